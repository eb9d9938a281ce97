//! The text of a WordprocessingML story: the document body, a footnote/endnote/comment part, a
//! header or a footer.
//!
//! One pass over the part's XML events keeps a small state: the open paragraphs (a text box
//! opens a paragraph inside a paragraph), the open tables (rows become one block each, cells
//! joined with " | "; nested tables are flattened into their cell), the open complex fields
//! (only the displayed result is kept, never the instruction), the tracked-change containers
//! (insertions kept and deletions dropped, or the reverse for the original text), the current
//! run's hidden flag and the comment ranges open at this point (their text is the comment's
//! anchor). When a paragraph ends its numbering is resolved (direct `w:numPr`, or through its
//! style) and its rendered label put in front of the text.

use std::collections::{BTreeMap, HashSet};

use super::numbering::Numbering;
use super::styles::Styles;
use crate::extract::draft::{BlockKind, Budget, DraftBlock, ExtractError};
use crate::extract::xml::{Elem, Ev, XmlStream};

/// Comment ranges open at once whose anchors are collected (more are ignored).
const MAX_OPEN_COMMENTS: usize = 64;
/// Comments whose anchors are collected in one story.
const MAX_COMMENTS: usize = 100_000;

/// The longest anchor text kept for one comment.
const MAX_ANCHOR_CHARS: usize = 2000;

/// What a story pass needs from the rest of the document.
pub(crate) struct Ctx<'s> {
    pub numbering: &'s mut Numbering,
    pub styles: &'s Styles,
    /// true: the text before the tracked changes.
    pub original: bool,
}

/// What a story pass produces.
#[derive(Default)]
pub(crate) struct StoryOut {
    /// Blocks in order, each with the id of its enclosing note or comment (if any).
    pub blocks: Vec<(Option<String>, DraftBlock)>,
    /// Comment id -> the text its range covers.
    pub anchors: BTreeMap<String, String>,
    /// Whether any revision (insertion, deletion, move, property change) was seen.
    pub tracked: bool,
}

#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u32>,
    outline: Option<u32>,
    /// The paragraph mark carries a section break (`w:pPr/w:sectPr`).
    section: bool,
    /// The paragraph mark is a tracked deletion (`w:pPr/w:rPr/w:del`) or insertion.
    mark_deleted: bool,
    mark_inserted: bool,
}

/// Numbered paragraphs with a heading style longer than this are clauses: ListItem, not
/// Heading.
const MAX_HEADING_CHARS: usize = 120;

#[derive(Default)]
struct Row {
    cells: Vec<String>,
    cell: Option<Vec<String>>,
    deleted: bool,
    inserted: bool,
}

#[derive(Default)]
struct Table {
    row: Option<Row>,
    /// Rows of a nested table, kept to be flattened into the enclosing cell.
    rows: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Para,
    Run,
    Table,
    Row,
    Cell,
    Group,
    Other,
}

struct State<'c, 's> {
    ctx: &'c mut Ctx<'s>,
    out: StoryOut,
    open: Vec<Open>,
    paras: Vec<Para>,
    tables: Vec<Table>,
    /// Open complex fields: true once past `separate` (showing the result).
    fields: Vec<bool>,
    /// How many of `fields` are still in their instruction part (text hidden while > 0).
    fields_in_instruction: usize,
    run_hidden: bool,
    comments: HashSet<String>,
    group: Option<String>,
    /// Text of a paragraph whose mark is removed by the chosen view of the tracked changes: it
    /// joins the next paragraph (at the same table depth).
    carry: Option<(usize, String)>,
}

fn is_revision(name: &str) -> bool {
    matches!(
        name,
        "ins" | "del" | "moveFrom" | "moveTo" | "cellIns" | "cellDel" | "numberingChange"
    ) || name.ends_with("PrChange")
}

/// Maps a `w:sym` character (often in the private-use range of a symbol font) to text.
fn symbol(e: &Elem) -> Option<char> {
    let code = u32::from_str_radix(e.attr("char")?.trim(), 16).ok()?;
    let code = if (0xF000..=0xF0FF).contains(&code) { code - 0xF000 } else { code };
    let font = e.attr("font").unwrap_or("").to_ascii_lowercase();
    if font.contains("wingdings") || font.contains("webdings") {
        return match code {
            0x9F | 0xA7 | 0x6C | 0x6E => Some('•'),
            0xFC => Some('✓'),
            0xFB => Some('✗'),
            0xA8 | 0x6F | 0x71 => Some('□'),
            0xFE => Some('☑'),
            _ => None,
        };
    }
    if font.contains("symbol") {
        return match code {
            0xB7 => Some('•'),
            0xD3 | 0xE3 => Some('©'),
            0xD2 | 0xE2 => Some('®'),
            0xD4 | 0xE4 => Some('™'),
            0xB1 => Some('±'),
            0xA3 => Some('≤'),
            0xB3 => Some('≥'),
            0xB4 => Some('×'),
            0xB8 => Some('÷'),
            0xB0 => Some('°'),
            0x20..=0x3F => char::from_u32(code),
            _ => None,
        };
    }
    char::from_u32(code).filter(|c| !c.is_control())
}

impl State<'_, '_> {
    fn text_visible(&self) -> bool {
        !self.run_hidden && self.fields_in_instruction == 0 && !self.paras.is_empty()
    }

    fn push_text(&mut self, s: &str) {
        if !self.text_visible() || s.is_empty() {
            return;
        }
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
        }
        for id in &self.comments {
            let anchor = self.out.anchors.entry(id.clone()).or_default();
            if anchor.len() < MAX_ANCHOR_CHARS {
                anchor.push_str(s);
            }
        }
    }

    /// Reads `w:pPr` up to its end: style, numbering, outline level, revisions.
    fn paragraph_properties(
        &mut self,
        xml: &mut XmlStream<'_>,
        budget: &Budget,
    ) -> Result<(), ExtractError> {
        let mut level = 1u32;
        while level > 0 {
            match xml.next(budget)? {
                Ev::Start(e) => {
                    if is_revision(&e.name) {
                        self.out.tracked = true;
                        // Outside the skipped *PrChange elements, a revision in the paragraph
                        // properties marks the paragraph mark itself.
                        if let Some(p) = self.paras.last_mut() {
                            match e.name.as_str() {
                                "del" | "moveFrom" => p.mark_deleted = true,
                                "ins" | "moveTo" => p.mark_inserted = true,
                                _ => {}
                            }
                        }
                        xml.skip(budget)?;
                        continue;
                    }
                    level += 1;
                    if let Some(p) = self.paras.last_mut() {
                        match e.name.as_str() {
                            "pStyle" => p.style = e.val().map(str::to_owned),
                            "numId" => p.num_id = e.val().map(str::to_owned),
                            "ilvl" => p.ilvl = e.val().and_then(|v| v.trim().parse().ok()),
                            "outlineLvl" => p.outline = e.val().and_then(|v| v.trim().parse().ok()),
                            "sectPr" => p.section = true,
                            _ => {}
                        }
                    }
                }
                Ev::End => level -= 1,
                Ev::Text(_) => {}
                Ev::Eof => break,
            }
        }
        Ok(())
    }

    /// Reads a `w:rPr` (or `w:trPr`) up to its end. Returns (hidden, deleted, inserted).
    fn run_properties(
        &mut self,
        xml: &mut XmlStream<'_>,
        budget: &Budget,
    ) -> Result<(bool, bool, bool), ExtractError> {
        let (mut hidden, mut deleted, mut inserted) = (false, false, false);
        let mut level = 1u32;
        while level > 0 {
            match xml.next(budget)? {
                Ev::Start(e) => {
                    if is_revision(&e.name) {
                        self.out.tracked = true;
                        match e.name.as_str() {
                            "del" => deleted = true,
                            "ins" => inserted = true,
                            _ => {}
                        }
                        xml.skip(budget)?;
                        continue;
                    }
                    level += 1;
                    if e.name == "vanish" && level == 2 {
                        hidden = e.is_on();
                    }
                }
                Ev::End => level -= 1,
                Ev::Text(_) => {}
                Ev::Eof => break,
            }
        }
        Ok((hidden, deleted, inserted))
    }

    /// Ends a paragraph: resolves its numbering and heading level, and emits or stores it.
    fn end_paragraph(&mut self) {
        let Some(p) = self.paras.pop() else { return };
        let merged_away = if self.ctx.original { p.mark_inserted } else { p.mark_deleted };
        if merged_away && !p.section {
            self.carry = Some((self.tables.len(), p.text));
            return;
        }
        let styles = self.ctx.styles;
        let style = styles.effective(p.style.as_deref()).map(str::to_owned);
        let (mut num_id, mut ilvl) = (p.num_id.clone(), p.ilvl);
        if let Some(s) = style.as_deref() {
            let (snum, silvl) = styles.numbering(s);
            if num_id.is_none() {
                num_id = snum;
                if ilvl.is_none() {
                    ilvl = silvl;
                }
                if ilvl.is_none()
                    && let Some(n) = num_id.as_deref()
                {
                    ilvl = self.ctx.numbering.level_for_style(n, &styles.lineage(s), styles);
                }
            } else if ilvl.is_none() {
                ilvl = silvl;
            }
        }
        // An empty paragraph that only carries a section break is dropped by LibreOffice and
        // does not take a number.
        let section_only = p.section && p.text.trim().is_empty();
        let label = match num_id.as_deref() {
            Some("0") | None => None,
            Some(_) if section_only => None,
            Some(n) => self.ctx.numbering.advance(n, ilvl.unwrap_or(0), styles),
        };
        let heading = p
            .outline
            .filter(|o| *o <= 8)
            .or_else(|| style.as_deref().and_then(|s| styles.heading_level(s)));
        for id in &self.comments {
            if let Some(a) = self.out.anchors.get_mut(id)
                && !a.ends_with(' ')
            {
                a.push(' ');
            }
        }
        let body = p.text.trim_end();
        if body.trim().is_empty() {
            return;
        }
        let (text, kind, label_text) = match label {
            Some(l) => {
                let short = body.chars().count() <= MAX_HEADING_CHARS;
                let kind = if heading.is_some() && short {
                    BlockKind::Heading
                } else {
                    BlockKind::ListItem
                };
                match l.text {
                    Some(t) => (format!("{t}{}{body}", l.suffix), kind, Some(t)),
                    None => (body.to_owned(), kind, None),
                }
            }
            None => {
                let kind =
                    if heading.is_some() { BlockKind::Heading } else { BlockKind::Paragraph };
                (body.to_owned(), kind, None)
            }
        };
        // Inside a table cell: the paragraph becomes a line of the cell.
        if let Some(cell) =
            self.tables.last_mut().and_then(|t| t.row.as_mut()).and_then(|r| r.cell.as_mut())
        {
            cell.push(text);
            return;
        }
        self.out
            .blocks
            .push((self.group.clone(), DraftBlock { text, kind, page: None, label: label_text }));
    }

    fn end_row(&mut self) {
        let original = self.ctx.original;
        let depth = self.tables.len();
        let Some(table) = self.tables.last_mut() else { return };
        let Some(mut row) = table.row.take() else { return };
        if let Some(cell) = row.cell.take() {
            row.cells.push(cell.join("\n"));
        }
        if (row.deleted && !original) || (row.inserted && original) {
            return;
        }
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        // A nested table is flattened into its cell: its empty cells are dropped.
        let text = row
            .cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| depth == 1 || !c.is_empty())
            .collect::<Vec<_>>()
            .join(" | ");
        if depth > 1 {
            table.rows.push(text);
        } else {
            self.out.blocks.push((
                self.group.clone(),
                DraftBlock { text, kind: BlockKind::TableRow, page: None, label: None },
            ));
        }
    }

    fn end_table(&mut self) {
        let Some(t) = self.tables.pop() else { return };
        if t.rows.is_empty() {
            return;
        }
        let text = t.rows.join("\n");
        if let Some(cell) =
            self.tables.last_mut().and_then(|t| t.row.as_mut()).and_then(|r| r.cell.as_mut())
        {
            cell.push(text);
        } else {
            self.out.blocks.push((
                self.group.clone(),
                DraftBlock { text, kind: BlockKind::TableRow, page: None, label: None },
            ));
        }
    }

    /// Collects the text of a `w:t`-like element up to its end.
    fn element_text(xml: &mut XmlStream<'_>, budget: &Budget) -> Result<String, ExtractError> {
        let mut s = String::new();
        let mut level = 1u32;
        while level > 0 {
            match xml.next(budget)? {
                Ev::Start(_) => level += 1,
                Ev::End => level -= 1,
                Ev::Text(t) => s.push_str(&t),
                Ev::Eof => break,
            }
        }
        Ok(s)
    }
}

/// Extracts the blocks of one story part.
pub(crate) fn parse_story(
    bytes: &[u8],
    part: &str,
    ctx: &mut Ctx<'_>,
    budget: &Budget,
) -> Result<StoryOut, ExtractError> {
    let mut xml = XmlStream::new(bytes, part);
    let original = ctx.original;
    let mut st = State {
        ctx,
        out: StoryOut::default(),
        open: Vec::new(),
        paras: Vec::new(),
        tables: Vec::new(),
        fields: Vec::new(),
        fields_in_instruction: 0,
        run_hidden: false,
        comments: HashSet::new(),
        group: None,
        carry: None,
    };
    loop {
        let e = match xml.next(budget)? {
            Ev::Start(e) => e,
            Ev::End => {
                match st.open.pop() {
                    Some(Open::Para) => st.end_paragraph(),
                    Some(Open::Run) => st.run_hidden = false,
                    Some(Open::Row) => st.end_row(),
                    Some(Open::Cell) => {
                        if let Some(r) = st.tables.last_mut().and_then(|t| t.row.as_mut())
                            && let Some(c) = r.cell.take()
                        {
                            r.cells.push(c.join("\n"));
                        }
                    }
                    Some(Open::Table) => st.end_table(),
                    Some(Open::Group) => st.group = None,
                    Some(Open::Other) | None => {}
                }
                continue;
            }
            Ev::Text(_) => continue,
            Ev::Eof => break,
        };
        let mut opened = Open::Other;
        match e.name.as_str() {
            "p" => {
                let mut para = Para::default();
                match st.carry.take() {
                    Some((depth, text)) if depth == st.tables.len() => para.text = text,
                    Some((_, text)) => {
                        // No following paragraph at the same level: keep the text on its own.
                        st.paras.push(Para { text, ..Para::default() });
                        st.end_paragraph();
                    }
                    None => {}
                }
                st.paras.push(para);
                opened = Open::Para;
            }
            "pPr" => {
                st.paragraph_properties(&mut xml, budget)?;
                continue;
            }
            "rPr" => {
                let (hidden, _, _) = st.run_properties(&mut xml, budget)?;
                if st.open.last() == Some(&Open::Run) {
                    st.run_hidden = hidden;
                }
                continue;
            }
            "trPr" => {
                let (_, deleted, inserted) = st.run_properties(&mut xml, budget)?;
                if let Some(r) = st.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    r.deleted |= deleted;
                    r.inserted |= inserted;
                }
                continue;
            }
            "r" => {
                st.run_hidden = false;
                opened = Open::Run;
            }
            "t" => {
                let s = State::element_text(&mut xml, budget)?;
                st.push_text(&s);
                continue;
            }
            "delText" => {
                let s = State::element_text(&mut xml, budget)?;
                if original {
                    st.push_text(&s);
                }
                continue;
            }
            "tab" | "ptab" if st.open.last() == Some(&Open::Run) => st.push_text("\t"),
            "br" | "cr" if st.open.last() == Some(&Open::Run) => st.push_text("\n"),
            "noBreakHyphen" => st.push_text("-"),
            "sym" => {
                if let Some(c) = symbol(&e) {
                    st.push_text(c.encode_utf8(&mut [0u8; 4]));
                }
            }
            "fldChar" => match e.attr("fldCharType") {
                Some("begin") => {
                    st.fields.push(false);
                    st.fields_in_instruction += 1;
                }
                Some("separate") => {
                    if let Some(f) = st.fields.last_mut()
                        && !*f
                    {
                        *f = true;
                        st.fields_in_instruction = st.fields_in_instruction.saturating_sub(1);
                    }
                }
                Some("end") => {
                    let closed = st.fields.pop();
                    if closed == Some(false) {
                        st.fields_in_instruction = st.fields_in_instruction.saturating_sub(1);
                    }
                }
                _ => {}
            },
            "ins" | "moveTo" | "del" | "moveFrom" => {
                st.out.tracked = true;
                let inserted = matches!(e.name.as_str(), "ins" | "moveTo");
                if inserted == original {
                    xml.skip(budget)?;
                    continue;
                }
            }
            name if is_revision(name) => {
                st.out.tracked = true;
                xml.skip(budget)?;
                continue;
            }
            "instrText" | "delInstrText" | "sdtPr" | "sdtEndPr" | "Fallback" | "tblPr"
            | "tblGrid" | "tcPr" | "sectPr" | "fldData" | "binData" | "rt" => {
                xml.skip(budget)?;
                continue;
            }
            "commentRangeStart" => {
                let room =
                    st.comments.len() < MAX_OPEN_COMMENTS && st.out.anchors.len() < MAX_COMMENTS;
                if let Some(id) = e.attr("id").filter(|_| room) {
                    st.comments.insert(id.to_owned());
                }
            }
            "commentRangeEnd" => {
                if let Some(id) = e.attr("id") {
                    st.comments.remove(id);
                }
            }
            "footnote" | "endnote" | "comment" => {
                if matches!(
                    e.attr("type"),
                    Some("separator" | "continuationSeparator" | "continuationNotice")
                ) {
                    xml.skip(budget)?;
                    continue;
                }
                st.group = Some(e.attr("id").unwrap_or("").to_owned());
                opened = Open::Group;
            }
            "tbl" => {
                st.tables.push(Table::default());
                opened = Open::Table;
            }
            "tr" => {
                if let Some(t) = st.tables.last_mut() {
                    t.row = Some(Row::default());
                    opened = Open::Row;
                }
            }
            "tc" => {
                if let Some(r) = st.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    if let Some(c) = r.cell.take() {
                        r.cells.push(c.join("\n"));
                    }
                    r.cell = Some(Vec::new());
                    opened = Open::Cell;
                }
            }
            _ => {}
        }
        st.open.push(opened);
    }
    if let Some((_, text)) = st.carry.take() {
        st.paras.push(Para { text, ..Para::default() });
        st.end_paragraph();
    }
    // Close whatever a truncated part left open.
    while let Some(o) = st.open.pop() {
        match o {
            Open::Para => st.end_paragraph(),
            Open::Row => st.end_row(),
            Open::Table => st.end_table(),
            _ => {}
        }
    }
    Ok(st.out)
}
