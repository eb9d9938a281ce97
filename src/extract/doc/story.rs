//! Turning the characters of one story into blocks (MS-DOC 2.4.1 and 2.4.3).
//!
//! A story is a CP range: the main document, one footnote, one header... Paragraphs end at
//! 0x0D (and at page, column and section breaks); in a table, 0x07 ends a cell, and the 0x07
//! whose paragraph has sprmPFTtp ends the row, which becomes one [`BlockKind::TableRow`] with
//! its cells joined by " | ". Nested tables (depth 2 and more) end their cells and rows with
//! 0x0D marks flagged sprmPFInnerTableCell / sprmPFInnerTtp; their rows are flattened into
//! the enclosing cell as lines. Fields (0x13 instruction 0x14 result 0x15) show their result
//! and hide their instruction, nested up to [`MAX_FIELD_DEPTH`].
//!
//! Text with a deletion revision mark is left out (tracked changes accepted); a deleted
//! paragraph mark joins its paragraph to the next.
//!
//! When paragraph properties are not available (Word 6, or an FC the FKPs do not cover), rows
//! are found by a heuristic: a 0x07 right after another 0x07 with nothing between them ends
//! the row. An empty cell at the end of a row is then mistaken for the row end; the text is
//! all there, only the row split can differ.

use std::collections::BTreeMap;

use super::lists::Lists;
use super::props::{Chpx, Papx, ParaProps};
use super::text::{Char, TextSource};
use crate::extract::draft::{BlockKind, Budget, DraftBlock, ExtractError};

/// Deepest field nesting tracked; deeper fields are hidden whole.
pub(super) const MAX_FIELD_DEPTH: usize = 64;
/// Numbered paragraphs with a heading style longer than this are clauses, not headings (as
/// in the DOCX reader).
const MAX_HEADING_CHARS: usize = 120;
/// Characters between two `check_time` calls.
const TIME_CHECK_EVERY: u32 = 4096;

/// What a story needs besides its characters.
pub(super) struct StoryCtx<'p, 'a> {
    pub(super) papx: Option<&'p Papx<'a>>,
    /// Revision marks: deleted text is left out.
    pub(super) chpx: Option<&'p Chpx<'a>>,
    /// Set when a tracked insertion or deletion was seen.
    pub(super) tracked: bool,
    pub(super) lists: Option<&'p mut Lists>,
    /// What to write for a 0x02 (auto-numbered note reference) at a CP.
    pub(super) refs: &'p BTreeMap<u32, String>,
}

/// One open field.
struct Field {
    /// The separator (0x14) was seen: what follows is the result.
    result: bool,
    /// The start of the instruction (for EQ fields, which have no result).
    instr: String,
}

/// Instruction characters kept per field.
const MAX_INSTR_CHARS: usize = 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// 0x0D.
    Para,
    /// 0x07.
    Cell,
    /// 0x0C (page or section break), 0x0E (column break).
    Break,
}

struct Builder<'c, 'p, 'a> {
    ctx: &'c mut StoryCtx<'p, 'a>,
    blocks: Vec<DraftBlock>,
    para: String,
    /// Open fields, innermost last.
    fields: Vec<Field>,
    /// Open fields still in their instruction part.
    in_instruction: usize,
    /// Fields opened beyond MAX_FIELD_DEPTH, still open.
    overflow: usize,
    /// Cells of the open table row.
    cells: Vec<String>,
    /// Lines of the open cell.
    cell: String,
    /// Cells of the open row of a nested table, and its open cell.
    inner_cells: Vec<String>,
    inner_cell: String,
    /// Heuristic row ends: the last character was a cell mark.
    after_cell_mark: bool,
}

/// Builds the blocks of the story `start..end`.
pub(super) fn build(
    src: &mut TextSource<'_>,
    start: u32,
    end: u32,
    ctx: &mut StoryCtx<'_, '_>,
    budget: &Budget,
) -> Result<Vec<DraftBlock>, ExtractError> {
    let mut b = Builder {
        ctx,
        blocks: Vec::new(),
        para: String::new(),
        fields: Vec::new(),
        in_instruction: 0,
        overflow: 0,
        cells: Vec::new(),
        cell: String::new(),
        inner_cells: Vec::new(),
        inner_cell: String::new(),
        after_cell_mark: false,
    };
    let mut n: u32 = 0;
    src.for_each(start, end, |c| {
        n = n.wrapping_add(1);
        if n.is_multiple_of(TIME_CHECK_EVERY) {
            budget.check_time()?;
        }
        if let Some(chpx) = b.ctx.chpx {
            let rev = chpx.revision(c.fc, c.prm);
            b.ctx.tracked |= rev.deleted || rev.inserted;
            if rev.deleted {
                return Ok(());
            }
        }
        b.push(c);
        Ok(())
    })?;
    b.finish();
    Ok(b.blocks)
}

impl Builder<'_, '_, '_> {
    fn hidden(&self) -> bool {
        self.in_instruction > 0 || self.overflow > 0
    }

    fn push(&mut self, c: Char) {
        let was_cell_mark = std::mem::replace(&mut self.after_cell_mark, false);
        match c.ch {
            '\u{13}' => {
                if self.overflow > 0 || self.fields.len() >= MAX_FIELD_DEPTH {
                    self.overflow += 1;
                } else {
                    self.fields.push(Field { result: false, instr: String::new() });
                    self.in_instruction += 1;
                }
            }
            '\u{14}' => {
                if self.overflow == 0
                    && let Some(top) = self.fields.last_mut()
                    && !top.result
                {
                    top.result = true;
                    self.in_instruction -= 1;
                }
            }
            '\u{15}' => {
                if self.overflow > 0 {
                    self.overflow -= 1;
                } else if let Some(field) = self.fields.pop()
                    && !field.result
                {
                    self.in_instruction -= 1;
                    // A field without a result shows nothing, except the base text of a
                    // phonetic guide (EQ \o overstrike), which Word draws.
                    if !self.hidden()
                        && let Some(base) = eq_base(&field.instr)
                    {
                        self.para.push_str(base);
                    }
                }
            }
            ch if self.in_instruction > 0 && self.overflow == 0 => {
                if let Some(top) = self.fields.last_mut()
                    && !top.result
                    && top.instr.len() < MAX_INSTR_CHARS
                {
                    top.instr.push(ch);
                }
            }
            _ if self.hidden() => {}
            '\r' => self.end_paragraph(c, Mark::Para, was_cell_mark),
            '\u{07}' => self.end_paragraph(c, Mark::Cell, was_cell_mark),
            '\u{0C}' | '\u{0E}' => self.end_paragraph(c, Mark::Break, was_cell_mark),
            '\u{0B}' => self.para.push('\n'),
            '\t' => self.para.push('\t'),
            '\u{1E}' => self.para.push('-'),
            '\u{A0}' => self.para.push(' '),
            '\u{02}' => {
                if let Some(label) = self.ctx.refs.get(&c.cp) {
                    self.para.push_str(label);
                }
            }
            // Objects, pictures, annotation references, separators and other controls.
            ch if (ch as u32) < 0x20 => {}
            ch => self.para.push(ch),
        }
    }

    fn props(&self, c: Char) -> Option<ParaProps> {
        self.ctx.papx.and_then(|p| p.props(c.fc, c.prm))
    }

    fn row_open(&self) -> bool {
        !self.cells.is_empty()
            || !self.cell.is_empty()
            || !self.inner_cells.is_empty()
            || !self.inner_cell.is_empty()
    }

    fn end_paragraph(&mut self, c: Char, mark: Mark, was_cell_mark: bool) {
        let props = self.props(c);
        let text = std::mem::take(&mut self.para);
        if mark == Mark::Cell {
            let row_end = match props {
                Some(p) => p.ttp,
                None => was_cell_mark && text.trim().is_empty(),
            };
            let text = self.numbered(&text, props, mark).0;
            self.flush_inner();
            if row_end {
                line(&mut self.cell, &text);
                self.end_row();
            } else {
                line(&mut self.cell, &text);
                self.cells.push(std::mem::take(&mut self.cell));
                self.after_cell_mark = true;
            }
            return;
        }
        let depth = match props {
            Some(p) => p.depth(),
            // Without properties a paragraph inside an open row stays in the row.
            None if self.row_open() => 1,
            None => 0,
        };
        if depth >= 2 {
            let p = props.unwrap_or_default();
            let text = self.numbered(&text, props, mark).0;
            if p.inner_ttp {
                line(&mut self.inner_cell, &text);
                self.flush_inner();
            } else if p.inner_cell {
                line(&mut self.inner_cell, &text);
                self.inner_cells.push(std::mem::take(&mut self.inner_cell));
            } else {
                line(&mut self.inner_cell, &text);
            }
        } else if depth == 1 {
            let text = self.numbered(&text, props, mark).0;
            self.flush_inner();
            line(&mut self.cell, &text);
        } else {
            if self.row_open() {
                self.end_row();
            }
            let (text, kind, label) = self.numbered(&text, props, mark);
            if !text.is_empty() {
                self.blocks.push(DraftBlock { text, kind, page: None, label });
            }
        }
    }

    /// The paragraph's text with its list label, its kind and the label. Advances the list
    /// counters even for an empty paragraph (Word numbers those too).
    fn numbered(
        &mut self,
        text: &str,
        props: Option<ParaProps>,
        mark: Mark,
    ) -> (String, BlockKind, Option<String>) {
        let body = text.trim();
        let Some(p) = props.filter(|_| mark != Mark::Break) else {
            return (body.to_owned(), BlockKind::Paragraph, None);
        };
        let heading = p.outline.is_some_and(|o| o <= 8)
            || self.ctx.papx.is_some_and(|x| x.styles.is_heading(p.istd));
        let label = match self.ctx.lists.as_deref_mut() {
            Some(lists) if p.ilfo > 0 => lists.advance(p.ilfo, p.ilvl),
            _ => None,
        };
        if body.is_empty() {
            return (String::new(), BlockKind::Paragraph, None);
        }
        match label {
            Some(l) => {
                let short = body.chars().count() <= MAX_HEADING_CHARS;
                let kind = if heading && short { BlockKind::Heading } else { BlockKind::ListItem };
                match l.text {
                    Some(t) => (format!("{t}{}{body}", l.suffix), kind, Some(t)),
                    None => (body.to_owned(), kind, None),
                }
            }
            None => {
                let kind = if heading { BlockKind::Heading } else { BlockKind::Paragraph };
                (body.to_owned(), kind, None)
            }
        }
    }

    /// Ends the open row of a nested table: its non-empty cells become one line of the
    /// enclosing cell.
    fn flush_inner(&mut self) {
        if !self.inner_cell.is_empty() {
            self.inner_cells.push(std::mem::take(&mut self.inner_cell));
        }
        if self.inner_cells.is_empty() {
            return;
        }
        let row: Vec<&str> =
            self.inner_cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
        let row = row.join(" | ");
        line(&mut self.cell, &row);
        self.inner_cells.clear();
    }

    fn end_row(&mut self) {
        self.flush_inner();
        if !self.cell.is_empty() {
            self.cells.push(std::mem::take(&mut self.cell));
        }
        let cells = std::mem::take(&mut self.cells);
        if cells.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        let text = cells.iter().map(|c| c.trim()).collect::<Vec<_>>().join(" | ");
        self.blocks.push(DraftBlock { text, kind: BlockKind::TableRow, page: None, label: None });
    }

    fn finish(&mut self) {
        let text = std::mem::take(&mut self.para);
        if self.row_open() {
            line(&mut self.cell, &text);
            self.end_row();
        } else {
            let text = text.trim();
            if !text.is_empty() {
                self.blocks.push(DraftBlock {
                    text: text.to_owned(),
                    kind: BlockKind::Paragraph,
                    page: None,
                    label: None,
                });
            }
        }
    }
}

/// Appends `text` (trimmed) to `cell` as a new line; blank text adds nothing.
fn line(cell: &mut String, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if !cell.is_empty() {
        cell.push('\n');
    }
    cell.push_str(text);
}

/// The base text of an `EQ` field that overstrikes (`\o`) its arguments, as Word stores a
/// phonetic guide: `EQ \* jc2 \o\ad(\s\up 11(ruby),base)` shows "base".
fn eq_base(instr: &str) -> Option<&str> {
    let instr = instr.trim_start();
    let rest = instr.strip_prefix("EQ").or_else(|| instr.strip_prefix("eq"))?;
    if !rest.contains("\\o") {
        return None;
    }
    let last = rest.rsplit(',').next()?;
    let base = last.trim_end().trim_end_matches(')').trim();
    (!base.is_empty()).then_some(base)
}
