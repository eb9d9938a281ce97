//! OpenDocument text (`.odt`): `content.xml` in reading order, with list numbers as rendered.
//!
//! An ODT file is a zip package (read through the bounded [`Package`]) whose `mimetype` entry
//! says `application/vnd.oasis.opendocument.text`. The body is `office:text` in `content.xml`:
//! paragraphs (`text:p`), headings (`text:h`), lists, tables, sections, frames with text boxes,
//! notes. Like a word processor showing the document, the reader
//! - renders list labels from the list styles of `content.xml` and `styles.xml`
//!   (`text:list-level-style-number`: format `1`, `a`, `A`, `i`, `I`, prefix, suffix, display
//!   levels, start value; bullets), counting per list style across lists that continue it, and
//!   heading numbers from the outline style;
//! - keeps footnotes and endnotes as note blocks after the body (their citation stays in the
//!   text), annotations as metadata `comment`, headers and footers of the master pages as
//!   metadata `header` / `footer`, title and author from `meta.xml`;
//! - leaves out deleted text of tracked changes (`text:tracked-changes`), the text of index
//!   marks, and sequence declarations;
//! - expands `text:s` (with its count), `text:tab` and `text:line-break`.
//!
//! An encrypted package (its manifest has `manifest:encryption-data`) is
//! [`ExtractError::Encrypted`].

use std::collections::HashMap;

use crate::extract::archive::Package;
use crate::extract::draft::{BlockKind, Budget, Draft, DraftBlock, ExtractError};
use crate::extract::numbers::{letters, roman};
use crate::extract::xml::{Elem, Ev, XmlStream};

/// How one level of a list style renders its label.
#[derive(Clone, Debug, Default)]
struct Level {
    /// `1`, `a`, `A`, `i`, `I`; empty for no number.
    format: String,
    prefix: String,
    suffix: String,
    /// How many levels' numbers the label shows (`text:display-levels`).
    display: usize,
    start: u64,
    /// A bullet level's character.
    bullet: Option<String>,
}

/// List styles by name: level (1-based) -> rendering.
type ListStyles = HashMap<String, HashMap<usize, Level>>;

/// Styles: list styles, paragraph styles' list style, the outline style of headings.
#[derive(Default)]
struct Styles {
    lists: ListStyles,
    /// Paragraph style -> list style (`style:list-style-name`).
    para_list: HashMap<String, String>,
    /// Paragraph style -> parent style, for inherited list styles.
    parent: HashMap<String, String>,
    outline: HashMap<usize, Level>,
}

impl Styles {
    /// The list style a paragraph style names, directly or through its parents.
    fn list_of_para(&self, style: &str) -> Option<&str> {
        let mut current = style;
        for _ in 0..16 {
            if let Some(list) = self.para_list.get(current) {
                return Some(list);
            }
            current = self.parent.get(current)?;
        }
        None
    }
}

fn malformed(what: impl std::fmt::Display) -> ExtractError {
    ExtractError::Malformed(format!("odt: {what}"))
}

/// Reads an ODT file into a draft.
pub(crate) fn extract(bytes: &[u8], budget: &mut Budget) -> Result<Draft, ExtractError> {
    let mut pkg = Package::open(bytes, budget)?;
    let mut draft = Draft::default();
    if let Some(mime) = pkg.read("mimetype", budget)? {
        let mime = String::from_utf8_lossy(&mime);
        let mime = mime.trim();
        if !mime.starts_with("application/vnd.oasis.opendocument.text") {
            return Err(ExtractError::Unsupported(format!(
                "OpenDocument of type {mime}, not a text document"
            )));
        }
    }
    if let Some(manifest) = pkg.read("META-INF/manifest.xml", budget)?
        && memfind(&manifest, b"encryption-data")
    {
        return Err(ExtractError::Encrypted);
    }
    let content = pkg.read("content.xml", budget)?.ok_or_else(|| malformed("no content.xml"))?;

    let mut styles = Styles::default();
    let styles_xml = pkg.read("styles.xml", budget)?;
    if let Some(xml) = &styles_xml
        && let Err(e) = read_styles(xml, "styles.xml", &mut styles, budget)
    {
        if matches!(e, ExtractError::Limit { .. }) {
            return Err(e);
        }
        draft.warnings.push(format!("styles.xml: {e}"));
    }
    read_styles(&content, "content.xml", &mut styles, budget)?;

    let mut body = Body::new(&styles);
    body.read(&content, "content.xml", budget)?;
    draft.blocks = body.blocks;
    draft.blocks.append(&mut body.notes);
    for comment in body.comments {
        draft.add_meta("comment", comment);
    }
    if body.tracked {
        draft.add_meta("tracked-changes", "true");
    }

    if let Some(xml) = &styles_xml {
        match master_pages(xml, budget) {
            Ok(side) => {
                for (key, text) in side {
                    if !draft.metadata.get(key).is_some_and(|v| v.contains(&text)) {
                        draft.add_meta(key, text);
                    }
                }
            }
            Err(e @ ExtractError::Limit { .. }) => return Err(e),
            Err(e) => draft.warnings.push(format!("styles.xml: headers and footers: {e}")),
        }
    }
    if let Some(meta) = pkg.read("meta.xml", budget)? {
        match read_meta(&meta, budget) {
            Ok((title, author)) => {
                if let Some(t) = title.filter(|t| !t.trim().is_empty()) {
                    draft.add_meta("title", t.clone());
                    draft.title = Some(t);
                }
                if let Some(a) = author {
                    draft.add_meta("author", a);
                }
            }
            Err(e @ ExtractError::Limit { .. }) => return Err(e),
            Err(e) => draft.warnings.push(format!("meta.xml: {e}")),
        }
    }
    Ok(draft)
}

fn memfind(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn level_of(e: &Elem) -> usize {
    e.attr("level").and_then(|l| l.parse().ok()).unwrap_or(1).clamp(1, 10)
}

fn parse_level(e: &Elem) -> Level {
    Level {
        format: e.attr("num-format").unwrap_or("").to_owned(),
        prefix: e.attr("num-prefix").unwrap_or("").to_owned(),
        suffix: e.attr("num-suffix").unwrap_or("").to_owned(),
        display: e.attr("display-levels").and_then(|d| d.parse().ok()).unwrap_or(1).clamp(1, 10),
        start: e.attr("start-value").and_then(|d| d.parse().ok()).unwrap_or(1).min(1 << 20),
        bullet: (e.name == "list-level-style-bullet")
            .then(|| e.attr("bullet-char").unwrap_or("\u{2022}").to_owned()),
    }
}

/// Collects list styles, paragraph styles' lists and the outline style of one part.
fn read_styles(
    xml: &[u8],
    part: &str,
    styles: &mut Styles,
    budget: &Budget,
) -> Result<(), ExtractError> {
    let mut s = XmlStream::new(xml, part);
    // The list style (or outline style, as "") being read.
    let mut stack: Vec<Option<String>> = Vec::new();
    loop {
        match s.next(budget)? {
            Ev::Start(e) => {
                let mut current = stack.last().cloned().flatten();
                match e.name.as_str() {
                    "body" => {
                        s.skip(budget)?;
                        continue;
                    }
                    "list-style" => current = e.attr("name").map(str::to_owned),
                    "outline-style" => current = Some(String::new()),
                    "list-level-style-number"
                    | "list-level-style-bullet"
                    | "list-level-style-image"
                    | "outline-level-style" => {
                        if let Some(name) = &current {
                            let level = parse_level(&e);
                            let n = level_of(&e);
                            if name.is_empty() {
                                styles.outline.insert(n, level);
                            } else {
                                styles.lists.entry(name.clone()).or_default().insert(n, level);
                            }
                        }
                    }
                    "style" => {
                        if let Some(name) = e.attr("name") {
                            if let Some(list) = e.attr("list-style-name") {
                                styles.para_list.insert(name.to_owned(), list.to_owned());
                            }
                            if let Some(parent) = e.attr("parent-style-name") {
                                styles.parent.insert(name.to_owned(), parent.to_owned());
                            }
                        }
                    }
                    _ => {}
                }
                stack.push(current);
            }
            Ev::End => {
                stack.pop();
            }
            Ev::Text(_) => {}
            Ev::Eof => return Ok(()),
        }
    }
}

/// Renders `n` in a list number format.
fn format_number(n: u64, format: &str) -> String {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    match format {
        "a" => letters(n, false),
        "A" => letters(n, true),
        "i" => roman(n).to_lowercase(),
        "I" => roman(n),
        "" => String::new(),
        _ => n.to_string(),
    }
}

/// The label of a paragraph at `level` (1-based) whose counters are `counters` (one per level).
fn render_label(levels: &HashMap<usize, Level>, level: usize, counters: &[u64]) -> Option<String> {
    let style = levels.get(&level)?;
    if let Some(bullet) = &style.bullet {
        return Some(bullet.clone());
    }
    if style.format.is_empty() && style.prefix.is_empty() && style.suffix.is_empty() {
        return None;
    }
    let first = level.saturating_sub(style.display.saturating_sub(1)).max(1);
    let mut parts = Vec::new();
    for l in first..=level {
        let format = levels.get(&l).map_or("1", |s| s.format.as_str());
        let n = counters.get(l - 1).copied().unwrap_or(1);
        let part = format_number(n, format);
        if !part.is_empty() {
            parts.push(part);
        }
    }
    let label = format!("{}{}{}", style.prefix, parts.join("."), style.suffix);
    (!label.trim().is_empty()).then_some(label)
}

/// One `text:list` being read.
struct ListFrame {
    style: Option<String>,
    /// The item of this list is numbered (not a `text:list-header`).
    numbered: bool,
    /// A `text:start-value` of the current item.
    start_override: Option<u64>,
}

/// Counters of one list style: the current number at each level.
#[derive(Default)]
struct Counters {
    values: Vec<u64>,
    /// The level of the last numbered item.
    last_level: usize,
}

impl Counters {
    /// Advances the counter of `level` (1-based) and resets the levels below it.
    fn next(&mut self, levels: Option<&HashMap<usize, Level>>, level: usize, start: Option<u64>) {
        let start_of = |l: usize| levels.and_then(|ls| ls.get(&l)).map_or(1, |s| s.start);
        if self.values.len() < level {
            for l in self.values.len() + 1..=level {
                self.values.push(start_of(l).saturating_sub(1));
            }
        }
        // Levels deeper than this one restart.
        for l in level + 1..=self.values.len() {
            self.values[l - 1] = start_of(l).saturating_sub(1);
        }
        // A parent level never shown yet counts from its start value.
        for l in 1..level {
            if self.values[l - 1] == start_of(l).saturating_sub(1) {
                self.values[l - 1] = start_of(l);
            }
        }
        self.values[level - 1] = match start {
            Some(s) => s,
            None => self.values[level - 1].saturating_add(1),
        };
        self.last_level = level;
    }
}

/// A paragraph being read: its text and where it goes.
struct Para {
    text: String,
    kind: BlockKind,
    label: Option<String>,
}

/// Where the reader is: the stories that are not the body's main flow.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Story {
    Body,
    Note,
    Comment,
}

/// The reader of `office:text`.
struct Body<'s> {
    styles: &'s Styles,
    blocks: Vec<DraftBlock>,
    notes: Vec<DraftBlock>,
    comments: Vec<String>,
    tracked: bool,
    counters: HashMap<String, Counters>,
    outline: Counters,
}

impl<'s> Body<'s> {
    fn new(styles: &'s Styles) -> Body<'s> {
        Body {
            styles,
            blocks: Vec::new(),
            notes: Vec::new(),
            comments: Vec::new(),
            tracked: false,
            counters: HashMap::new(),
            outline: Counters::default(),
        }
    }

    fn read(&mut self, xml: &[u8], part: &str, budget: &Budget) -> Result<(), ExtractError> {
        let mut s = XmlStream::new(xml, part);
        // Find office:text.
        loop {
            match s.next(budget)? {
                Ev::Start(e) if e.name == "text" => break,
                Ev::Start(e) if e.name == "automatic-styles" || e.name == "font-face-decls" => {
                    s.skip(budget)?;
                }
                Ev::Eof => return Err(malformed("content.xml has no office:text")),
                _ => {}
            }
        }
        let mut lists: Vec<ListFrame> = Vec::new();
        // Open table rows: cells of each (nested tables are rows of their own).
        let mut rows: Vec<Vec<String>> = Vec::new();
        // Cells being read: their paragraphs' text.
        let mut cells: Vec<Vec<String>> = Vec::new();
        // Elements open above the current point, to know what an end closes.
        let mut open: Vec<String> = Vec::new();
        // Paragraphs being read, innermost last (a note inside a paragraph has paragraphs).
        let mut paras: Vec<(Para, Story)> = Vec::new();
        let mut note_texts: Vec<Vec<String>> = Vec::new();
        let mut comment_texts: Vec<Vec<String>> = Vec::new();
        let mut story = vec![Story::Body];
        loop {
            let ev = s.next(budget)?;
            match ev {
                Ev::Eof => break,
                Ev::Text(t) => {
                    if let Some((p, _)) = paras.last_mut() {
                        // Whitespace runs collapse in ODF text, as in HTML.
                        push_collapsed(&mut p.text, &t);
                    }
                }
                Ev::End => {
                    let Some(name) = open.pop() else { break };
                    match name.as_str() {
                        "p" | "h" => {
                            if let Some((p, where_)) = paras.pop() {
                                self.end_paragraph(
                                    p,
                                    where_,
                                    &mut cells,
                                    &mut note_texts,
                                    &mut comment_texts,
                                );
                            }
                        }
                        "list" => {
                            lists.pop();
                        }
                        "list-item" | "list-header" => {
                            if let Some(l) = lists.last_mut() {
                                l.numbered = false;
                                l.start_override = None;
                            }
                        }
                        "table-cell" | "covered-table-cell" => {
                            if let (Some(cell), Some(row)) = (cells.pop(), rows.last_mut()) {
                                row.push(cell.join(" "));
                            }
                        }
                        "table-row" => {
                            if let Some(row) = rows.pop() {
                                let text = row.iter().map(|c| c.trim()).collect::<Vec<_>>();
                                let text = text.join(" | ");
                                if !text.replace('|', "").trim().is_empty() {
                                    self.push_block(
                                        *story.last().unwrap_or(&Story::Body),
                                        &text,
                                        BlockKind::TableRow,
                                        None,
                                        &mut cells,
                                        &mut note_texts,
                                        &mut comment_texts,
                                    );
                                }
                            }
                        }
                        "note-body" => {
                            story.pop();
                            if let Some(texts) = note_texts.pop() {
                                let text = texts.join("\n");
                                if !text.trim().is_empty() {
                                    self.notes.push(DraftBlock {
                                        text,
                                        kind: BlockKind::Note,
                                        page: None,
                                        label: None,
                                    });
                                }
                            }
                        }
                        "annotation" => {
                            story.pop();
                            if let Some(texts) = comment_texts.pop() {
                                let text = texts.join("\n");
                                if !text.trim().is_empty() {
                                    self.comments.push(text);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Ev::Start(e) => {
                    let name = e.name.clone();
                    match name.as_str() {
                        "p" | "h" => {
                            let where_ = *story.last().unwrap_or(&Story::Body);
                            let para = self.start_paragraph(&e, &mut lists);
                            paras.push((para, where_));
                        }
                        "s" => {
                            if let Some((p, _)) = paras.last_mut() {
                                let n = e.attr("c").and_then(|c| c.parse().ok()).unwrap_or(1);
                                p.text.extend(std::iter::repeat_n(' ', n.min(1000usize)));
                            }
                        }
                        "tab" => paras.last_mut().into_iter().for_each(|(p, _)| p.text.push('\t')),
                        "line-break" => {
                            paras.last_mut().into_iter().for_each(|(p, _)| p.text.push('\n'))
                        }
                        "list" => {
                            let style = e
                                .attr("style-name")
                                .map(str::to_owned)
                                .or_else(|| lists.last().and_then(|l| l.style.clone()));
                            if lists.is_empty()
                                && let Some(style) = &style
                            {
                                let continues = e.attr("continue-numbering") == Some("true")
                                    || e.attr("continue-list").is_some();
                                if !continues {
                                    self.counters.remove(style);
                                }
                            }
                            lists.push(ListFrame { style, numbered: false, start_override: None });
                        }
                        "list-item" => {
                            if let Some(l) = lists.last_mut() {
                                l.numbered = true;
                                l.start_override =
                                    e.attr("start-value").and_then(|v| v.parse().ok());
                            }
                        }
                        "list-header" => {
                            if let Some(l) = lists.last_mut() {
                                l.numbered = false;
                            }
                        }
                        "table-row" => rows.push(Vec::new()),
                        "table-cell" | "covered-table-cell" => cells.push(Vec::new()),
                        "note-body" => {
                            story.push(Story::Note);
                            note_texts.push(Vec::new());
                        }
                        "annotation" => {
                            story.push(Story::Comment);
                            comment_texts.push(Vec::new());
                        }
                        // Text that is not shown: deleted text of tracked changes, index
                        // marks' keys, the author and date of an annotation, declarations.
                        "tracked-changes" => {
                            self.tracked = true;
                            s.skip(budget)?;
                            continue;
                        }
                        "creator"
                        | "date"
                        | "sequence-decls"
                        | "alphabetical-index-mark"
                        | "user-index-mark"
                        | "toc-mark"
                        | "bookmark-ref-hidden"
                        | "annotation-end" => {
                            s.skip(budget)?;
                            continue;
                        }
                        // Accessibility names of drawings and images, not shown.
                        "title" | "desc"
                            if open.last().is_some_and(|p| DRAWING.contains(&p.as_str())) =>
                        {
                            s.skip(budget)?;
                            continue;
                        }
                        "change-start" | "change" => self.tracked = true,
                        _ => {}
                    }
                    open.push(name);
                }
            }
        }
        // Paragraphs a truncated file left open.
        while let Some((p, where_)) = paras.pop() {
            self.end_paragraph(p, where_, &mut cells, &mut note_texts, &mut comment_texts);
        }
        Ok(())
    }

    fn start_paragraph(&mut self, e: &Elem, lists: &mut [ListFrame]) -> Para {
        let heading = e.name == "h";
        let kind = if heading { BlockKind::Heading } else { BlockKind::Paragraph };
        // In a list item: the first paragraph of a numbered item carries its label.
        if let Some(frame) = lists.last_mut() {
            if frame.numbered {
                frame.numbered = false;
                let level = lists.len();
                let frame = &lists[level - 1];
                let style = frame.style.clone().or_else(|| {
                    e.attr("style-name")
                        .and_then(|s| self.styles.list_of_para(s))
                        .map(str::to_owned)
                });
                if let Some(style) = style {
                    let levels = self.styles.lists.get(&style);
                    let counters = self.counters.entry(style.clone()).or_default();
                    counters.next(levels, level, frame.start_override);
                    let label = levels.and_then(|ls| render_label(ls, level, &counters.values));
                    let kind = if heading { BlockKind::Heading } else { BlockKind::ListItem };
                    return Para { text: String::new(), kind, label };
                }
            }
            return Para { text: String::new(), kind, label: None };
        }
        if heading {
            let level: usize =
                e.attr("outline-level").and_then(|l| l.parse().ok()).unwrap_or(1).clamp(1, 10);
            if self.styles.outline.get(&level).is_some_and(|l| !l.format.is_empty()) {
                self.outline.next(Some(&self.styles.outline), level, None);
                let label = render_label(&self.styles.outline, level, &self.outline.values);
                return Para { text: String::new(), kind, label };
            }
        }
        Para { text: String::new(), kind, label: None }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_block(
        &mut self,
        story: Story,
        text: &str,
        kind: BlockKind,
        label: Option<String>,
        cells: &mut [Vec<String>],
        notes: &mut [Vec<String>],
        comments: &mut [Vec<String>],
    ) {
        let text = text.trim_end();
        // Inside a table cell (of the current story), paragraphs go to the cell.
        if let Some(cell) = cells.last_mut()
            && (story == Story::Body || kind == BlockKind::TableRow)
        {
            cell.push(text.replace('\n', " "));
            return;
        }
        match story {
            Story::Note => notes.last_mut().into_iter().for_each(|n| n.push(text.to_owned())),
            Story::Comment => comments.last_mut().into_iter().for_each(|n| n.push(text.to_owned())),
            Story::Body => {
                if !text.trim().is_empty() {
                    self.blocks.push(DraftBlock { text: text.to_owned(), kind, page: None, label });
                }
            }
        }
    }

    fn end_paragraph(
        &mut self,
        p: Para,
        story: Story,
        cells: &mut [Vec<String>],
        notes: &mut [Vec<String>],
        comments: &mut [Vec<String>],
    ) {
        let body = p.text.trim().to_owned();
        let text = match &p.label {
            Some(label) if !body.is_empty() => format!("{label}\t{body}"),
            _ => body,
        };
        self.push_block(story, &text, p.kind, p.label, cells, notes, comments);
    }
}

/// Elements of drawings, whose `svg:title` and `svg:desc` children are names, not text.
const DRAWING: [&str; 17] = [
    "frame",
    "custom-shape",
    "rect",
    "ellipse",
    "circle",
    "line",
    "polygon",
    "polyline",
    "path",
    "g",
    "image",
    "object",
    "object-ole",
    "connector",
    "measure",
    "caption",
    "regular-polygon",
];

/// Appends XML text with runs of whitespace collapsed to one space.
fn push_collapsed(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

/// The text of the headers and footers of the master pages in `styles.xml`.
fn master_pages(xml: &[u8], budget: &Budget) -> Result<Vec<(&'static str, String)>, ExtractError> {
    let mut s = XmlStream::new(xml, "styles.xml");
    let mut out = Vec::new();
    loop {
        match s.next(budget)? {
            Ev::Start(e) if e.name == "master-styles" => break,
            Ev::Start(e) if matches!(e.name.as_str(), "styles" | "automatic-styles") => {
                s.skip(budget)?;
            }
            Ev::Eof => return Ok(out),
            _ => {}
        }
    }
    let mut level = 1u32;
    while level > 0 {
        match s.next(budget)? {
            Ev::Start(e) => {
                let key = match e.name.as_str() {
                    "header" | "header-first" | "header-left" => Some("header"),
                    "footer" | "footer-first" | "footer-left" => Some("footer"),
                    _ => None,
                };
                match key {
                    Some(key) => {
                        let text = story_text(&mut s, budget)?;
                        if !text.trim().is_empty() {
                            out.push((key, text));
                        }
                    }
                    None => level += 1,
                }
            }
            Ev::End => level -= 1,
            Ev::Text(_) => {}
            Ev::Eof => break,
        }
    }
    Ok(out)
}

/// The paragraphs of the element whose start was just read, one a line.
fn story_text(s: &mut XmlStream<'_>, budget: &Budget) -> Result<String, ExtractError> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut level = 1u32;
    let mut depth_of_para: Option<u32> = None;
    while level > 0 {
        match s.next(budget)? {
            Ev::Start(e) => {
                level += 1;
                match e.name.as_str() {
                    "p" | "h" if depth_of_para.is_none() => depth_of_para = Some(level),
                    "s" => current.push(' '),
                    "tab" => current.push('\t'),
                    "line-break" => current.push('\n'),
                    _ => {}
                }
            }
            Ev::End => {
                if depth_of_para == Some(level) {
                    depth_of_para = None;
                    let line = std::mem::take(&mut current);
                    if !line.trim().is_empty() {
                        lines.push(line.trim().to_owned());
                    }
                }
                level -= 1;
            }
            Ev::Text(t) if depth_of_para.is_some() => push_collapsed(&mut current, &t),
            Ev::Text(_) => {}
            Ev::Eof => break,
        }
    }
    Ok(lines.join("\n"))
}

/// Title and author (`dc:creator`, else `meta:initial-creator`) of `meta.xml`.
fn read_meta(
    xml: &[u8],
    budget: &Budget,
) -> Result<(Option<String>, Option<String>), ExtractError> {
    let mut s = XmlStream::new(xml, "meta.xml");
    let (mut title, mut creator, mut initial) = (None, None, None);
    let mut field: Option<String> = None;
    loop {
        match s.next(budget)? {
            Ev::Start(e) => field = Some(e.name),
            Ev::End => field = None,
            Ev::Text(t) => match field.as_deref() {
                Some("title") => title = Some(t.trim().to_owned()),
                Some("creator") => creator = Some(t.trim().to_owned()),
                Some("initial-creator") => initial = Some(t.trim().to_owned()),
                _ => {}
            },
            Ev::Eof => break,
        }
    }
    Ok((title, creator.filter(|c| !c.is_empty()).or(initial)))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::extract::draft::Limits;

    /// An ODT package with these parts (the `mimetype` entry first, stored).
    fn odt(content: &str, styles: Option<&str>, extra: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.text").unwrap();
        let deflated = ::zip::write::SimpleFileOptions::default();
        zip.start_file("content.xml", deflated).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        if let Some(styles) = styles {
            zip.start_file("styles.xml", deflated).unwrap();
            zip.write_all(styles.as_bytes()).unwrap();
        }
        for (name, body) in extra {
            zip.start_file(*name, deflated).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0""#;

    fn content(styles: &str, body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:automatic-styles>{styles}</office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        )
    }

    fn read(bytes: &[u8]) -> Draft {
        extract(bytes, &mut Budget::new(Limits::default())).unwrap()
    }

    fn texts(d: &Draft) -> Vec<&str> {
        d.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn paragraphs_spaces_tables_notes_and_comments() {
        let body = r#"<text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>
            <text:h text:outline-level="1">Master   Agreement</text:h>
            <text:p>One<text:s text:c="2"/>two<text:tab/>three<text:line-break/>four
              <text:span>five</text:span><text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>A note.</text:p></text:note-body></text:note></text:p>
            <table:table><table:table-row><table:table-cell><text:p>A1</text:p></table:table-cell><table:table-cell><text:p>B1</text:p><text:p>more</text:p></table:table-cell></table:table-row></table:table>
            <text:p>Said<office:annotation><dc:creator>Rev</dc:creator><dc:date>2020</dc:date><text:p>Check this.</text:p></office:annotation> so.</text:p>
            <text:tracked-changes><text:changed-region><text:deletion><text:p>Deleted words</text:p></text:deletion></text:changed-region></text:tracked-changes>"#;
        let d = read(&odt(&content("", body), None, &[]));
        assert_eq!(
            texts(&d),
            [
                "Master Agreement",
                "One  two\tthree\nfour five1",
                "A1 | B1 more",
                "Said so.",
                "A note."
            ]
        );
        assert_eq!(d.blocks[0].kind, BlockKind::Heading);
        assert_eq!(d.blocks[2].kind, BlockKind::TableRow);
        assert_eq!(d.blocks[4].kind, BlockKind::Note);
        assert_eq!(d.metadata["comment"], ["Check this."]);
        assert_eq!(d.metadata["tracked-changes"], ["true"]);
    }

    #[test]
    fn lists_are_numbered_as_rendered() {
        let styles = r#"<text:list-style style:name="L1">
              <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"/>
              <text:list-level-style-number text:level="2" style:num-prefix="(" style:num-suffix=")" style:num-format="a"/>
              <text:list-level-style-number text:level="3" style:num-suffix="." style:num-format="1" text:display-levels="3"/>
            </text:list-style>
            <text:list-style style:name="L2"><text:list-level-style-bullet text:level="1" text:bullet-char="-"/></text:list-style>"#;
        let body = r#"<text:list text:style-name="L1">
              <text:list-item><text:p>First</text:p>
                <text:list><text:list-item><text:p>sub a</text:p></text:list-item><text:list-item><text:p>sub b</text:p>
                  <text:list><text:list-item><text:p>deep</text:p></text:list-item></text:list></text:list-item></text:list>
              </text:list-item>
              <text:list-item><text:p>Second</text:p><text:p>more of second</text:p></text:list-item>
            </text:list>
            <text:p>Between</text:p>
            <text:list text:style-name="L1" text:continue-numbering="true"><text:list-item><text:p>Third</text:p></text:list-item></text:list>
            <text:list text:style-name="L1"><text:list-item text:start-value="7"><text:p>Seventh</text:p></text:list-item></text:list>
            <text:list text:style-name="L2"><text:list-item><text:p>Bullet</text:p></text:list-item></text:list>"#;
        let d = read(&odt(&content(styles, body), None, &[]));
        assert_eq!(
            texts(&d),
            [
                "1.\tFirst",
                "(a)\tsub a",
                "(b)\tsub b",
                "1.b.1.\tdeep",
                "2.\tSecond",
                "more of second",
                "Between",
                "3.\tThird",
                "7.\tSeventh",
                "-\tBullet"
            ]
        );
        assert_eq!(d.blocks[0].label.as_deref(), Some("1."));
        assert_eq!(d.blocks[0].kind, BlockKind::ListItem);
    }

    #[test]
    fn metadata_headers_and_outline_numbers() {
        let styles = format!(
            r#"<?xml version="1.0"?><office:document-styles {NS}><office:styles><text:outline-style style:name="Outline"><text:outline-level-style text:level="1" style:num-format="I" style:num-suffix="."/></text:outline-style></office:styles><office:master-styles><style:master-page style:name="Standard"><style:header><text:p>Confidential</text:p></style:header><style:footer><text:p>Page <text:page-number>1</text:page-number></text:p></style:footer></style:master-page></office:master-styles></office:document-styles>"#
        );
        let meta = format!(
            r#"<?xml version="1.0"?><office:document-meta {NS}><office:meta><dc:title>Supply Agreement</dc:title><meta:initial-creator>Jane</meta:initial-creator></office:meta></office:document-meta>"#
        );
        let body = r#"<text:h text:outline-level="1">Definitions</text:h><text:h text:outline-level="1">Term</text:h>"#;
        let d = read(&odt(&content("", body), Some(&styles), &[("meta.xml", &meta)]));
        assert_eq!(texts(&d), ["I.\tDefinitions", "II.\tTerm"]);
        assert_eq!(d.title.as_deref(), Some("Supply Agreement"));
        assert_eq!(d.metadata["author"], ["Jane"]);
        assert_eq!(d.metadata["header"], ["Confidential"]);
        assert_eq!(d.metadata["footer"], ["Page 1"]);
    }

    #[test]
    fn encrypted_other_types_and_hostile_packages() {
        let manifest = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>"#;
        let bytes =
            odt(&content("", "<text:p>x</text:p>"), None, &[("META-INF/manifest.xml", manifest)]);
        let err = extract(&bytes, &mut Budget::new(Limits::default())).unwrap_err();
        assert_eq!(err, ExtractError::Encrypted);

        let deep = content("", &"<text:span>".repeat(1000));
        let limits = Limits { max_xml_depth: 100, ..Limits::default() };
        let err = extract(&odt(&deep, None, &[]), &mut Budget::new(limits)).unwrap_err();
        assert!(matches!(err, ExtractError::Limit { limit: "max_xml_depth", .. }), "{err:?}");

        // Truncated XML, no office:text, and not a zip: errors, no panic.
        for bad in [
            odt("<office:document-content><office:body><office:text><text:p>cut", None, &[]),
            odt("<x/>", None, &[]),
            b"PK\x03\x04 not really".to_vec(),
        ] {
            let _ = extract(&bad, &mut Budget::new(Limits::default()));
        }
    }
}
