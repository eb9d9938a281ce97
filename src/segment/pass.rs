//! The line state machine: one pass over a document's lines that opens clauses.
//!
//! [`split_lines`] cuts the blocks ([`sanitize_blocks`]) into non-blank [`Line`]s. A [`Pass`]
//! walks them in order and keeps the clauses it has opened as [`Draft`]s: a stack of open
//! numbering levels, the part of the document it is in (front matter, recitals, body,
//! signature block) and the word count of the current clause. Each line is tried against the
//! line shapes in a fixed order ([`Pass::line`]): page furniture, the signature block, a label,
//! a definition, a recital, a heading, a plain paragraph. [`finish`] turns the drafts into
//! [`Clause`]s.

use std::ops::ControlFlow;

use super::heading::{
    clean_heading, definition_term, heading_after_label, heading_case, heading_line, strip_md,
};
use super::numbering::{self, Label, Reading, Style, decimal_follows, is_first, parse_label};
use super::{Clause, ClauseRole, MAX_WORDS};
use crate::extract::{Block, BlockKind};

/// A non-blank line of a block, trimmed.
#[derive(Clone, Copy, Debug)]
pub(super) struct Line {
    /// Byte range in the text.
    start: usize,
    end: usize,
    /// Index of its block.
    block: usize,
    /// The first line of its block.
    first: bool,
    /// The last line of its block.
    last: bool,
}

/// A clause being built: where it starts and what is known of it so far.
#[derive(Clone, Debug)]
pub(super) struct Draft {
    start: usize,
    number: Option<String>,
    heading: Option<String>,
    role: ClauseRole,
    parent: Option<usize>,
    /// Words so far.
    words: usize,
    /// Only a label so far ("ARTICLE IV"): the next heading line is its heading.
    label_only: bool,
    /// Text an email quotes from an earlier message: a stretch that ends the clause before
    /// it and becomes no clause.
    quoted: bool,
}

/// An open numbering level: its style, the values of its last label and its clause.
#[derive(Clone, Debug)]
struct Level {
    /// `None` for an unnumbered heading level.
    style: Option<Style>,
    values: Vec<u32>,
    clause: usize,
}

/// The part of the document a pass is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Front,
    AfterPreamble,
    Recitals,
    Body,
    Signature,
}

/// A line being placed, with what the steps of [`Pass::line`] test.
struct LineCx<'l, 'a> {
    l: &'l Line,
    /// Its text.
    t: &'a str,
    block: &'a Block,
    words: usize,
    /// Its first 40 characters, in capitals.
    upper_head: String,
    /// Whether it starts a block or follows a line that ends a sentence.
    after_break: bool,
}

/// The blocks clamped to the text, on char boundaries, in order and without overlaps; one
/// block per paragraph when the document has none.
pub(super) fn sanitize_blocks(text: &str, raw: &[Block]) -> Vec<Block> {
    let len = text.len();
    let mut out: Vec<Block> = Vec::with_capacity(raw.len());
    let mut last_end = 0usize;
    for b in raw {
        let mut s = b.span.byte_start.min(len).max(last_end);
        let mut e = b.span.byte_end.min(len);
        while s < len && !text.is_char_boundary(s) {
            s += 1;
        }
        while e > 0 && !text.is_char_boundary(e) {
            e -= 1;
        }
        if s >= e {
            continue;
        }
        let mut nb = b.clone();
        nb.span.byte_start = s;
        nb.span.byte_end = e;
        out.push(nb);
        last_end = e;
    }
    if out.is_empty() && !text.trim().is_empty() {
        out = crate::extract::plain_blocks(text);
    }
    out
}

/// The non-blank lines of the blocks, trimmed.
pub(super) fn split_lines(text: &str, blocks: &[Block]) -> Vec<Line> {
    let mut lines = Vec::new();
    for (bi, b) in blocks.iter().enumerate() {
        let Some(slice) = text.get(b.span.byte_start..b.span.byte_end) else { continue };
        let mut off = b.span.byte_start;
        let first_idx = lines.len();
        for raw in slice.split('\n') {
            let lstart = off;
            off += raw.len() + 1;
            let t = raw.trim_start();
            let lead = raw.len() - t.len();
            let t = t.trim_end();
            if t.is_empty() {
                continue;
            }
            let start = lstart + lead;
            lines.push(Line {
                start,
                end: start + t.len(),
                block: bi,
                first: lines.len() == first_idx,
                last: false,
            });
        }
        if lines.len() > first_idx
            && let Some(l) = lines.last_mut()
        {
            l.last = true;
        }
    }
    lines
}

/// One pass over the lines (see the module documentation).
pub(super) struct Pass<'a> {
    text: &'a str,
    blocks: &'a [Block],
    paragraph_mode: bool,
    /// The clauses opened so far.
    pub(super) drafts: Vec<Draft>,
    stack: Vec<Level>,
    last_decimal: Option<Vec<u32>>,
    mode: Mode,
    /// Labels accepted.
    pub(super) labels: usize,
    /// Unnumbered heading lines that opened a section.
    pub(super) headings: usize,
    block_is_single_line: Vec<bool>,
    repeated: std::collections::HashSet<String>,
    /// "NOW, THEREFORE ..." / "agree as follows" seen: recitals can no longer start.
    body_agreed: bool,
    /// Numbered clauses opened so far.
    sections: usize,
}

impl<'a> Pass<'a> {
    /// A pass over `text`; in paragraph mode every paragraph of the body is a clause.
    pub(super) fn new(text: &'a str, blocks: &'a [Block], paragraph_mode: bool) -> Self {
        Pass {
            text,
            blocks,
            paragraph_mode,
            drafts: Vec::new(),
            stack: Vec::new(),
            last_decimal: None,
            mode: Mode::Front,
            labels: 0,
            headings: 0,
            block_is_single_line: Vec::new(),
            repeated: std::collections::HashSet::new(),
            body_agreed: false,
            sections: 0,
        }
    }

    fn line_text(&self, l: &Line) -> &'a str {
        self.text.get(l.start..l.end).unwrap_or("")
    }

    /// Places every line in order.
    pub(super) fn run(&mut self, lines: &[Line]) {
        self.block_is_single_line = vec![false; self.blocks.len()];
        for l in lines {
            if l.first
                && l.last
                && let Some(slot) = self.block_is_single_line.get_mut(l.block)
            {
                *slot = true;
            }
        }
        // running headers / footers: short one-line blocks repeated at least three times
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for l in lines.iter().filter(|l| l.first && l.last) {
            let t = self.line_text(l);
            if t.split_whitespace().count() <= 15 {
                *counts.entry(t).or_default() += 1;
            }
        }
        self.repeated =
            counts.into_iter().filter(|(_, n)| *n >= 3).map(|(t, _)| t.to_string()).collect();
        let mut prev_text: &str = "";
        for l in lines {
            let t = self.line_text(l);
            self.line(l, t, prev_text);
            if self.mode == Mode::Body && t.len() > 200 {
                self.inline_labels(l, t);
            }
            prev_text = t;
        }
    }

    /// Opens clauses at decimal labels inside a long line (`pdftotext` often emits a whole
    /// page of numbered subsections as one line): only multi-level labels that strictly
    /// continue the numbering, followed by a capitalised word, and not preceded by a
    /// cross-reference word ("Section", "and", "of", ...).
    fn inline_labels(&mut self, l: &Line, t: &str) {
        const XREF: [&str; 22] = [
            "section",
            "sections",
            "clause",
            "clauses",
            "paragraph",
            "paragraphs",
            "article",
            "and",
            "or",
            "to",
            "of",
            "in",
            "under",
            "with",
            "per",
            "see",
            "than",
            "through",
            "schedule",
            "exhibit",
            "annex",
            "§",
        ];
        let mut prev_char = ' ';
        let mut skip_to = 0usize;
        for (i, c) in t.char_indices() {
            let pc = prev_char;
            prev_char = c;
            if i == 0 || i < skip_to || !c.is_ascii_digit() || !pc.is_whitespace() {
                continue;
            }
            let Some(rest) = t.get(i..) else { continue };
            let Some(label) = parse_label(rest) else { continue };
            let Some(r) = label.readings.first() else { continue };
            if r.style != Style::Decimal || r.values.len() < 2 {
                continue;
            }
            let strict =
                self.last_decimal.as_ref().is_some_and(|p| decimal_follows(p, &r.values, 1));
            if !strict {
                continue;
            }
            let after = rest.get(label.len..).unwrap_or("").trim_start();
            if !after
                .starts_with(|ch: char| ch.is_uppercase() || ch == '"' || ch == '“' || ch == '(')
            {
                continue;
            }
            let before = t.get(..i).unwrap_or("").trim_end();
            let prev_word: String = before
                .rsplit(char::is_whitespace)
                .next()
                .unwrap_or("")
                .trim_matches(|ch: char| !ch.is_alphanumeric() && ch != '§')
                .to_lowercase();
            if XREF.contains(&prev_word.as_str()) || before.ends_with(['(', ',', '$']) {
                continue;
            }
            let sub =
                Line { start: l.start + i, end: l.end, block: l.block, first: false, last: l.last };
            let words = rest.split_whitespace().count();
            if self.try_label(&sub, rest, &label, true, false, words) {
                skip_to = i + label.len;
                self.heading_before_inline(l.start, sub.start);
            }
        }
    }

    /// "6. Newegg's License to Allied 6.1 Newegg grants": the words between a label and an
    /// inline child label on the same line are the parent's heading.
    fn heading_before_inline(&mut self, line_start: usize, child_start: usize) {
        let n = self.drafts.len();
        if n < 2 {
            return;
        }
        let text = self.text;
        let Some(d) = self.drafts.get_mut(n - 2) else { return };
        if d.start < line_start || d.number.is_none() || d.heading.is_some() {
            return;
        }
        let Some(between) = text.get(d.start..child_start) else { return };
        let mut parts = between.trim().splitn(2, char::is_whitespace);
        let _label = parts.next();
        let cand = parts.next().unwrap_or("").trim().trim_end_matches(['.', ':']);
        let words = cand.split_whitespace().count();
        if (1..=12).contains(&words) && heading_case(cand) {
            d.heading = Some(strip_md(cand));
        }
    }

    fn open(&mut self, d: Draft) -> usize {
        self.drafts.push(d);
        self.drafts.len() - 1
    }

    fn top_clause(&self) -> Option<usize> {
        self.stack.last().map(|l| l.clause)
    }

    fn simple(&self, start: usize, role: ClauseRole, parent: Option<usize>) -> Draft {
        Draft {
            start,
            number: None,
            heading: None,
            role,
            parent,
            words: 0,
            label_only: false,
            quoted: false,
        }
    }

    /// Places one line. Page furniture (running headers and footers, page numbers) only adds
    /// its words to the current clause; otherwise the line shapes are tried in order
    /// ([`Pass::place_line`]), and a line none of them takes continues the current clause.
    fn line(&mut self, l: &Line, t: &'a str, prev: &str) {
        let Some(block) = self.blocks.get(l.block) else { return };
        let words = t.split_whitespace().count();
        if block.kind == BlockKind::Quote {
            // An earlier message a reply quotes: shown in the text, made into no clause.
            if !self.drafts.last().is_some_and(|d| d.quoted) {
                let mut d = self.simple(l.start, ClauseRole::Other, None);
                d.quoted = true;
                self.open(d);
            }
            return;
        }
        if self.drafts.last().is_some_and(|d| d.quoted) {
            // After the quote, the text goes on as it did before it.
            let (role, parent) = self
                .drafts
                .iter()
                .rev()
                .find(|d| !d.quoted)
                .map_or((ClauseRole::Other, None), |d| (d.role, d.parent));
            let d = self.simple(l.start, role, parent);
            self.open(d);
        }
        if self.is_furniture(l, t, block) {
            self.add_words(words);
            return;
        }
        let cx = LineCx {
            l,
            t,
            block,
            words,
            upper_head: t.chars().take(40).collect::<String>().to_uppercase(),
            after_break: l.first || ends_sentence(prev),
        };
        if self.place_line(&cx).is_continue() {
            self.add_words(words);
        }
    }

    /// Whether a line is page furniture: a furniture block, a page number, or a one-line block
    /// repeated on many pages (after the front matter).
    fn is_furniture(&self, l: &Line, t: &str, block: &Block) -> bool {
        block.kind == BlockKind::Furniture
            || page_furniture(t)
            || (l.first && l.last && self.repeated.contains(t) && self.mode != Mode::Front)
    }

    /// The shapes a line can have, tried in this order: each step either takes the line
    /// (`Break`) or leaves it to the next (`Continue`).
    fn place_line(&mut self, cx: &LineCx<'_, 'a>) -> ControlFlow<()> {
        self.try_signature_start(cx)?;
        self.leave_long_signature(cx);
        self.try_numbered(cx)?;
        self.continue_signature(cx)?;
        self.try_definition(cx)?;
        self.try_recital(cx)?;
        self.try_heading_under_label(cx)?;
        self.try_heading(cx)?;
        self.try_paragraph(cx)
    }

    /// "IN WITNESS WHEREOF", or a "By:" line in the body, opens the signature block.
    fn try_signature_start(&mut self, cx: &LineCx<'_, 'a>) -> ControlFlow<()> {
        let LineCx { l, words, .. } = *cx;
        let upper_head = &cx.upper_head;
        if l.first
            && self.mode != Mode::Signature
            && (upper_head.starts_with("IN WITNESS")
                || (upper_head.starts_with("BY:")
                    && self.mode == Mode::Body
                    && !self.drafts.is_empty()))
        {
            let d = self.simple(l.start, ClauseRole::Signature, None);
            self.open(d);
            self.stack.clear();
            self.mode = Mode::Signature;
            self.add_words(words);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// Leaves the signature block once it is long and the text no longer looks like one.
    fn leave_long_signature(&mut self, cx: &LineCx<'_, 'a>) {
        let LineCx { l, block, .. } = *cx;
        if self.mode == Mode::Signature && l.first {
            let sig_words = self.drafts.last().map_or(0, |d| d.words);
            let block_text =
                self.text.get(block.span.byte_start..block.span.byte_end).unwrap_or("");
            if sig_words > 120 && !signature_like(block_text) {
                self.mode = Mode::Body;
                self.stack.clear();
                self.last_decimal = None;
            }
        }
    }

    /// A labelled line opens a numbered clause when its label fits the numbering (see
    /// [`Pass::try_label`]); a list item's first line always does, with its own label.
    fn try_numbered(&mut self, cx: &LineCx<'_, 'a>) -> ControlFlow<()> {
        let LineCx { l, t, block, words, after_break, .. } = *cx;
        if let Some(label) = line_label(l, t, block) {
            let forced = block.kind == BlockKind::ListItem && l.first;
            if self.try_label(l, t, &label, after_break, forced, words) {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }

    /// Signature mode: everything else is part of the signature block (a long one is cut into
    /// pieces at blocks).
    fn continue_signature(&mut self, cx: &LineCx<'_, 'a>) -> ControlFlow<()> {
        let LineCx { l, block, words, .. } = *cx;
        if self.mode != Mode::Signature {
            return ControlFlow::Continue(());
        }
        let cur = self.drafts.last().map_or(0, |d| d.words);
        let block_words = self.block_words(block);
        if l.first && cur > 0 && cur + block_words > MAX_WORDS {
            let d = self.simple(l.start, ClauseRole::Signature, None);
            self.open(d);
        }
        self.add_words(words);
        ControlFlow::Break(())
    }

    /// A definition (`"Affiliate" means ...`) after a break opens a definition clause.
    fn try_definition(&mut self, cx: &LineCx<'_, 'a>) -> ControlFlow<()> {
        let LineCx { l, t, words, after_break, .. } = *cx;
        if after_break && let Some(term) = definition_term(t) {
            let parent = self.top_clause();
            let mut d = self.simple(l.start, ClauseRole::Definition, parent);
            d.heading = Some(term);
            self.open(d);
            self.add_words(words);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// Recitals and preamble transitions, at the start of a block before (or early in) the
    /// body: the parties' "BETWEEN" line, "WHEREAS ..." recitals and the "NOW, THEREFORE" that
    /// ends them.
    fn try_recital(&mut self, cx: &LineCx<'_, 'a>) -> ControlFlow<()> {
        let LineCx { l, block, words, .. } = *cx;
        let upper_head = &cx.upper_head;
        let early_body = self.mode == Mode::Body && !self.body_agreed && self.sections < 5;
        if l.first
            && (early_body
                || matches!(self.mode, Mode::Front | Mode::AfterPreamble | Mode::Recitals))
        {
            let rec_start = [
                "WHEREAS",
                "RECITAL",
                "BACKGROUND",
                "W I T N E S S",
                "WITNESSETH",
                "PRELIMINARY STATEMENT",
            ]
            .iter()
            .any(|p| upper_head.starts_with(p));
            let rec_end = upper_head.starts_with("NOW, THEREFORE")
                || upper_head.starts_with("NOW THEREFORE")
                || upper_head.starts_with("IN CONSIDERATION");
            let parties_word = matches!(self.mode, Mode::AfterPreamble)
                && ["BETWEEN", "AND", "BY AND BETWEEN", "AMONG", "BY AND AMONG", "PARTIES"]
                    .contains(&upper_head.trim_end_matches([':', ',']).trim());
            if parties_word {
                let d = self.simple(l.start, ClauseRole::Preamble, None);
                self.open(d);
                self.add_words(words);
                return ControlFlow::Break(());
            }
            if rec_start || rec_end || self.mode == Mode::Recitals {
                let d = self.simple(l.start, ClauseRole::Recital, None);
                self.open(d);
                self.add_words(words);
                self.mode = if rec_end { Mode::Body } else { Mode::Recitals };
                if rec_end {
                    self.body_agreed = true;
                    self.stack.clear();
                    self.last_decimal = None;
                }
                if self.text.get(l.start..block.span.byte_end).is_some_and(agrees_as_follows) {
                    self.mode = Mode::Body;
                    self.body_agreed = true;
                }
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }

    /// A heading on the line after a bare label inside the same block.
    fn try_heading_under_label(&mut self, cx: &LineCx<'_, 'a>) -> ControlFlow<()> {
        let LineCx { l, t, words, .. } = *cx;
        if !l.first
            && heading_line(t)
            && let Some(d) = self.drafts.last_mut()
            && d.label_only
            && d.heading.is_none()
        {
            d.heading = Some(clean_heading(t));
            d.label_only = false;
            d.words += words;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// Heading lines (a heading block, or a short one-line block or Markdown heading that reads
    /// as one): the heading of a bare label before it, the title in the front matter, else an
    /// unnumbered section.
    fn try_heading(&mut self, cx: &LineCx<'_, 'a>) -> ControlFlow<()> {
        let LineCx { l, t, block, words, .. } = *cx;
        let single = self.block_is_single_line.get(l.block).copied().unwrap_or(false);
        let md_heading = t.starts_with('#');
        let is_heading = l.first
            && (block.kind == BlockKind::Heading || ((single || md_heading) && heading_line(t)));
        if !is_heading {
            return ControlFlow::Continue(());
        }
        let clean = clean_heading(t);
        // attach to a bare label ("ARTICLE IV" / "INDEMNIFICATION")
        if let Some(d) = self.drafts.last_mut()
            && d.label_only
            && d.heading.is_none()
        {
            d.heading = Some(clean);
            d.label_only = false;
            d.words += words;
            return ControlFlow::Break(());
        }
        if matches!(self.mode, Mode::Front) {
            let role = ClauseRole::Title;
            let mut d = self.simple(l.start, role, None);
            d.heading = Some(clean);
            self.open(d);
            self.add_words(words);
            return ControlFlow::Break(());
        }
        self.open_heading_section(l.start, clean);
        self.add_words(words);
        ControlFlow::Break(())
    }

    /// Opens an unnumbered section at a heading line, under the enclosing article or exhibit;
    /// it is a level of its own when the document has no decimal numbering open.
    fn open_heading_section(&mut self, start: usize, clean: String) {
        self.mode = Mode::Body;
        self.headings += 1;
        let has_numbers = self.stack.iter().any(|lv| matches!(lv.style, Some(Style::Decimal)));
        let base = self
            .stack
            .iter()
            .rposition(|lv| matches!(lv.style, Some(Style::Article | Style::Exhibit)))
            .map_or(0, |i| i + 1);
        let parent = if base > 0 { self.stack.get(base - 1).map(|lv| lv.clause) } else { None };
        let mut d = self.simple(start, ClauseRole::Section, parent);
        d.heading = Some(clean);
        let idx = self.open(d);
        if !has_numbers {
            self.stack.truncate(base);
            self.stack.push(Level { style: None, values: Vec::new(), clause: idx });
        }
    }

    /// Plain paragraphs, at the start of a block: the title or the preamble in the front
    /// matter (which takes the line); in the body, possibly a new clause that the line then
    /// continues.
    fn try_paragraph(&mut self, cx: &LineCx<'_, 'a>) -> ControlFlow<()> {
        if !cx.l.first {
            return ControlFlow::Continue(());
        }
        match self.mode {
            Mode::Front | Mode::AfterPreamble => {
                self.front_paragraph(cx);
                ControlFlow::Break(())
            }
            _ => {
                self.body_paragraph(cx);
                ControlFlow::Continue(())
            }
        }
    }

    /// A paragraph of the front matter: the title (a short first line) or the preamble.
    fn front_paragraph(&mut self, cx: &LineCx<'_, 'a>) {
        let LineCx { l, t, block, words, .. } = *cx;
        let first_title = self.drafts.is_empty() && words <= 15 && !t.ends_with('.') && l.last;
        let role = if first_title { ClauseRole::Title } else { ClauseRole::Preamble };
        let d = self.simple(l.start, role, None);
        self.open(d);
        if role == ClauseRole::Preamble {
            self.mode = Mode::AfterPreamble;
        }
        if self.text.get(l.start..block.span.byte_end).is_some_and(agrees_as_follows) {
            self.mode = Mode::Body;
            self.body_agreed = true;
        }
        if self.paragraph_mode && role == ClauseRole::Preamble && self.drafts.len() > 3 {
            self.mode = Mode::Body;
        }
        self.add_words(words);
    }

    /// A paragraph of the body opens a clause of its own when there is none yet, in paragraph
    /// mode, or when the current clause would grow past [`MAX_WORDS`]: an overflow piece
    /// keeps the role (signature, recital, preamble) and parent of the clause it continues.
    fn body_paragraph(&mut self, cx: &LineCx<'_, 'a>) {
        let LineCx { l, block, .. } = *cx;
        let block_words = self.block_words(block);
        let cur_words = self.drafts.last().map_or(0, |d| d.words);
        if self.drafts.is_empty() || self.paragraph_mode || cur_words + block_words > MAX_WORDS {
            let (role, parent) = match self.drafts.last() {
                Some(d) if !self.paragraph_mode => {
                    let r = match d.role {
                        ClauseRole::Signature | ClauseRole::Recital | ClauseRole::Preamble => {
                            d.role
                        }
                        _ => ClauseRole::Other,
                    };
                    (r, d.parent)
                }
                _ => (ClauseRole::Other, self.top_clause()),
            };
            let d = self.simple(l.start, role, parent);
            self.open(d);
        }
    }

    fn block_words(&self, block: &Block) -> usize {
        self.text
            .get(block.span.byte_start..block.span.byte_end)
            .map_or(0, |s| s.split_whitespace().count())
    }

    fn add_words(&mut self, words: usize) {
        if let Some(d) = self.drafts.last_mut() {
            if d.words > 0 {
                d.label_only = false;
            }
            d.words += words;
        }
    }

    /// Tries to open a numbered clause; returns whether the line was consumed.
    fn try_label(
        &mut self,
        l: &Line,
        t: &str,
        label: &Label,
        after_break: bool,
        forced: bool,
        words: usize,
    ) -> bool {
        let rest_full = t.get(label.len..).unwrap_or("").trim();
        let is_exhibit = label.readings.first().is_some_and(|r| r.style == Style::Exhibit);
        if is_exhibit {
            return self.try_exhibit_label(l, label, rest_full, words);
        }
        if self.mode == Mode::Signature {
            return false;
        }
        if !after_break && !forced {
            return false;
        }
        // at a paragraph start, a decimal label followed by a capitalised heading may resync
        let resync = label.worded
            || rest_full
                .starts_with(|c: char| c.is_uppercase() || c == '"' || c == '“' || c == '*');
        let placement = self.place(label, l.first, forced, resync);
        let Some((keep, values, style)) = placement else { return false };
        if keep > self.stack.len() {
            return false;
        }
        let role =
            if self.mode == Mode::Recitals && !matches!(style, Style::Decimal | Style::Article) {
                ClauseRole::Recital
            } else {
                if self.mode == Mode::Recitals {
                    // numbered body after recitals
                    self.stack.clear();
                    self.mode = Mode::Body;
                    self.body_agreed = true;
                }
                ClauseRole::Section
            };
        let keep = keep.min(self.stack.len());
        self.stack.truncate(keep);
        if matches!(self.mode, Mode::Front | Mode::AfterPreamble) {
            self.mode = Mode::Body;
        }
        let parent = self.top_clause();
        let def = definition_term(rest_full);
        let mut d =
            self.simple(l.start, if def.is_some() { ClauseRole::Definition } else { role }, parent);
        d.number = Some(label.text.clone());
        d.heading = def.or_else(|| heading_after_label(rest_full, l.last));
        d.label_only = rest_full.is_empty();
        let idx = self.open(d);
        if style == Style::Decimal {
            self.last_decimal = Some(values.clone());
        }
        self.stack.push(Level { style: Some(style), values, clause: idx });
        self.labels += 1;
        self.sections += 1;
        self.add_words(words);
        true
    }

    /// An exhibit or schedule label at the start of a block: a filing artefact above the
    /// title ("EXHIBIT 10.1"), else, in the body or the signature block, an exhibit that
    /// closes every open level. Returns whether the line was consumed.
    fn try_exhibit_label(
        &mut self,
        l: &Line,
        label: &Label,
        rest_full: &str,
        words: usize,
    ) -> bool {
        if !l.first || rest_full.split_whitespace().count() > 12 {
            return false;
        }
        if matches!(self.mode, Mode::Front)
            && self.drafts.iter().all(|d| d.role == ClauseRole::Title)
        {
            // filing artefact such as "EXHIBIT 10.1" above the title
            let mut d = self.simple(l.start, ClauseRole::Title, None);
            d.number = Some(label.text.clone());
            self.open(d);
            self.add_words(words);
            return true;
        }
        if self.mode != Mode::Signature && self.mode != Mode::Body {
            return false;
        }
        let mut d = self.simple(l.start, ClauseRole::Exhibit, None);
        d.number = Some(label.text.clone());
        d.heading = heading_after_label(rest_full, l.last);
        d.label_only = rest_full.is_empty() || d.heading.is_none();
        let idx = self.open(d);
        self.stack.clear();
        self.stack.push(Level { style: Some(Style::Exhibit), values: Vec::new(), clause: idx });
        self.last_decimal = None;
        self.mode = Mode::Body;
        self.labels += 1;
        self.add_words(words);
        true
    }

    /// Open levels an article heading keeps: an enclosing exhibit and nothing else.
    fn levels_kept_by_article(&self) -> usize {
        self.stack.iter().position(|lv| lv.style == Some(Style::Exhibit)).map_or(0, |i| i + 1)
    }

    /// Decides where a label goes: (stack length to keep before pushing, values, style).
    fn place(
        &self,
        label: &Label,
        block_start: bool,
        forced: bool,
        resync: bool,
    ) -> Option<(usize, Vec<u32>, Style)> {
        let slack = if block_start { 2 } else { 1 };
        // continuation of an open level
        for r in label.readings.iter() {
            if r.style == Style::Decimal {
                continue;
            }
            for (j, lv) in self.stack.iter().enumerate().rev() {
                if lv.style == Some(r.style)
                    && let (Some(a), Some(b)) = (lv.values.first(), r.values.first())
                {
                    let step = b.wrapping_sub(*a);
                    if step >= 1 && step <= slack {
                        return Some((j, r.values.clone(), r.style));
                    }
                }
            }
        }
        // decimals
        for r in label.readings.iter() {
            if r.style != Style::Decimal {
                continue;
            }
            let ok = match &self.last_decimal {
                Some(prev) => {
                    decimal_follows(prev, &r.values, slack)
                        || (block_start && (r.values == [1] || r.values == [1, 1]))
                        || (block_start && resync)
                        || forced
                }
                None => r.values.first().is_some_and(|v| *v <= 3) || block_start || forced,
            };
            if !ok {
                continue;
            }
            let mut keep = self.stack.len();
            while keep > 0 {
                let Some(lv) = self.stack.get(keep - 1) else { break };
                match lv.style {
                    Some(Style::Decimal)
                        if lv.values.len() < r.values.len() && r.values.starts_with(&lv.values) =>
                    {
                        break;
                    }
                    Some(Style::Article | Style::Exhibit) | None => break,
                    _ => keep -= 1,
                }
            }
            return Some((keep, r.values.clone(), r.style));
        }
        // an article when none is open yet (excerpts may start at "ARTICLE IV")
        if block_start
            && !self.stack.iter().any(|lv| lv.style == Some(Style::Article))
            && let Some(r) = label.readings.iter().find(|r| r.style == Style::Article)
        {
            return Some((self.levels_kept_by_article(), r.values.clone(), r.style));
        }
        // first item of a new level
        for r in label.readings.iter() {
            if r.style == Style::Decimal || !is_first(r) {
                continue;
            }
            if r.style == Style::Article {
                return Some((self.levels_kept_by_article(), r.values.clone(), r.style));
            }
            if let Some(j) = self.stack.iter().rposition(|lv| lv.style == Some(r.style)) {
                return Some((j, r.values.clone(), r.style));
            }
            return Some((self.stack.len(), r.values.clone(), r.style));
        }
        if forced {
            let (style, values) = label
                .readings
                .first()
                .map_or((Style::Paren(numbering::Class::Digit), vec![0]), |r: &Reading| {
                    (r.style, r.values.clone())
                });
            let keep = self
                .stack
                .iter()
                .rposition(|lv| lv.style == Some(style))
                .unwrap_or(self.stack.len());
            return Some((keep, values, style));
        }
        None
    }
}

/// The label a line starts with: a list item's own label on its first line (even one that
/// does not parse), none for table rows and Markdown headings, else the label printed at the
/// start of the line.
fn line_label(l: &Line, t: &str, block: &Block) -> Option<Label> {
    if block.kind == BlockKind::ListItem && l.first {
        block.label.as_deref().and_then(|lab| {
            parse_label(lab.trim())
                .map(|mut p| {
                    p.len = if t.starts_with(lab) { lab.len() } else { 0 };
                    p.text = lab.trim().to_string();
                    p
                })
                .or_else(|| {
                    Some(Label {
                        text: lab.trim().to_string(),
                        len: if t.starts_with(lab) { lab.len() } else { 0 },
                        readings: Vec::new(),
                        worded: false,
                    })
                })
        })
    } else if block.kind == BlockKind::TableRow || t.starts_with('#') {
        None
    } else {
        parse_label(t)
    }
}

/// Page numbers and similar running furniture: "Page 3 of 7", "- 12 -", "12".
fn page_furniture(t: &str) -> bool {
    let s = t.trim().trim_matches(['-', '–', ' ']);
    if !s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("page ") {
        let rest = rest.replace(" of ", "").replace(' ', "");
        return !rest.is_empty() && rest.len() <= 8 && rest.chars().all(|c| c.is_ascii_digit());
    }
    false
}

fn signature_like(s: &str) -> bool {
    let u = s.to_uppercase();
    ["BY:", "NAME:", "TITLE:", "/S/", "___", "DATE:", "ITS:", "SIGNATURE", "WITNESS"]
        .iter()
        .any(|k| u.contains(k))
}

fn agrees_as_follows(s: &str) -> bool {
    let u = s.to_lowercase();
    u.contains("agree as follows")
        || u.contains("agreed as follows")
        || u.contains("agrees as follows")
}

/// Whether a line ends a sentence or list item (so the next line may open a clause).
fn ends_sentence(prev: &str) -> bool {
    let p = prev.trim_end_matches(['*', '_', ' ']);
    if p.is_empty() {
        return true;
    }
    if p.ends_with(['.', ';', ':', '!', '?']) {
        return true;
    }
    let lower = p.to_lowercase();
    lower.ends_with("; and")
        || lower.ends_with("; or")
        || lower.ends_with(", and")
        || lower.ends_with(", or")
}

/// The clauses of the drafts: trimmed spans, pages, parents and depths; empty drafts are
/// dropped.
pub(super) fn finish(text: &str, blocks: &[Block], drafts: Vec<Draft>) -> Vec<Clause> {
    let mut out: Vec<Clause> = Vec::with_capacity(drafts.len());
    let n = drafts.len();
    let mut bi = 0usize;
    let mut idx_of: Vec<Option<u32>> = vec![None; n];
    for i in 0..n {
        let Some(d) = drafts.get(i) else { break };
        if d.quoted {
            continue;
        }
        let end_raw = drafts.get(i + 1).map_or(text.len(), |x| x.start);
        let slice = text.get(d.start..end_raw).unwrap_or("");
        let trimmed = slice.trim_end();
        let lead = trimmed.len() - trimmed.trim_start().len();
        let start = d.start + lead;
        let end = d.start + trimmed.len();
        if start >= end {
            continue;
        }
        // pages
        while bi < blocks.len() && blocks.get(bi).is_some_and(|b| b.span.byte_end <= start) {
            bi += 1;
        }
        let mut pages: Option<(u32, u32)> = None;
        let mut k = bi;
        while let Some(b) = blocks.get(k) {
            if b.span.byte_start >= end {
                break;
            }
            if let Some(p) = b.span.page {
                pages = Some(match pages {
                    None => (p, p),
                    Some((a, z)) => (a.min(p), z.max(p)),
                });
            }
            k += 1;
        }
        let parent = d.parent.and_then(|p| idx_of.get(p).copied().flatten());
        let depth = parent.and_then(|p| out.get(p as usize)).map_or(0, |c| c.depth + 1);
        if let Some(slot) = idx_of.get_mut(i) {
            *slot = Some(out.len() as u32);
        }
        out.push(Clause {
            ordinal: out.len() as u32,
            number: d.number.clone(),
            heading: d.heading.clone().filter(|h| !h.is_empty()),
            role: d.role,
            parent,
            depth,
            span: start..end,
            pages,
        });
    }
    out
}
