//! Rich Text Format: RTF files, and the RTF bodies of Outlook messages.
//!
//! One reader for both. It tokenises the file (groups, control words with their parameters,
//! control symbols, `\'hh` and `\uN` escapes, `\binN` data) and interprets it with an explicit
//! stack of group states, so that nothing recurses and the nesting depth is bounded by
//! [`Limits::max_xml_depth`](super::Limits::max_xml_depth):
//! - **text encoding**: `\ansicpg`, `\mac`, `\pc`, `\pca`, and per font the `\fcharset` or `\cpg`
//!   of the font table, so that a Japanese font's `\'82\'a0` pairs decode as Shift-JIS; `\uN`
//!   with its `\ucN` fallback characters skipped, `\upr`/`\ud` pairs read once;
//! - **destinations**: the body; footnotes and endnotes (note blocks after the body); headers and
//!   footers (metadata `header` / `footer`); annotations (metadata `comment`); `\info` (title,
//!   author); field results shown, field instructions hidden; list labels from `\listtext` /
//!   `\pntext` become the block's label; pictures, objects' data, tables of fonts, colours,
//!   styles, lists and revisions, and every unknown `\*` destination are skipped; hidden (`\v`)
//!   and deleted (`\deleted`) text is left out, as a word processor shows the document;
//! - **structure**: `\par` ends a paragraph, `\line` breaks a line, `\cell` / `\row` (and their
//!   nested forms) make table rows with cells joined by `" | "`, `\outlinelevelN` makes a
//!   heading;
//! - **HTML encapsulated in RTF** (`\fromhtml1`, Outlook's HTML bodies): the HTML is rebuilt from
//!   the `\htmltag` groups and the text outside `\htmlrtf`, and handed back as HTML.

use crate::extract::draft::{BlockKind, Budget, Draft, DraftBlock, ExtractError};

/// Destinations skipped with everything inside them.
const SKIP: [&str; 37] = [
    "colortbl",
    "list",
    "listlevel",
    "listname",
    "leveltext",
    "levelnumbers",
    "listpicture",
    "stylesheet",
    "pict",
    "objdata",
    "objclass",
    "objname",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "xmlnsdecl",
    "fldinst",
    "filetbl",
    "revtbl",
    "pn",
    "nonshppict",
    "shpinst",
    "bkmkstart",
    "bkmkend",
    "xe",
    "tc",
    "txe",
    "mmathPr",
    "pgdsctbl",
    "protusertbl",
    "fchars",
    "lchars",
];

/// Where text goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dest {
    Body,
    Skip,
    Fonts,
    Note,
    Header,
    Footer,
    Comment,
    /// `\info`: skipped but for the fields below.
    InfoGroup,
    /// A field of `\info`: title, author, subject.
    Info(InfoField),
    /// The rendered list label of the paragraph (`\listtext`, `\pntext`).
    ListText,
    /// `\upr`: the ANSI half is skipped, its `\ud` half is read.
    Upr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum InfoField {
    Title,
    Author,
    Subject,
}

/// The state a group inherits and restores.
#[derive(Clone, Copy, Debug)]
struct Group {
    dest: Dest,
    /// Characters of fallback text after `\uN`.
    uc: usize,
    font: Option<i64>,
    hidden: bool,
    /// Inside `\htmltag` (HTML encapsulated in RTF).
    htmltag: bool,
    /// `\htmlrtf`: RTF-only rendering of encapsulated HTML, not part of the HTML.
    htmlrtf: bool,
    /// Inside `\upr`: the destination its `\ud` half reads into.
    upr_outer: Dest,
}

/// A font of the font table: its number and code page.
#[derive(Clone, Copy, Debug)]
struct Font {
    number: i64,
    code_page: Option<u32>,
}

/// What a parse yields.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    /// Body blocks, then note blocks.
    pub draft: Draft,
    /// The rebuilt HTML of an RTF file that encapsulates HTML (`\fromhtml1`).
    #[cfg_attr(not(feature = "email"), allow(dead_code))]
    pub html: Option<String>,
}

/// Reads an RTF file into a draft.
pub(crate) fn extract(bytes: &[u8], budget: &mut Budget) -> Result<Draft, ExtractError> {
    if bytes.len() as u64 > budget.limits.max_bytes {
        return Err(ExtractError::Limit {
            limit: "max_bytes",
            max: budget.limits.max_bytes,
            actual: bytes.len() as u64,
        });
    }
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    if !bytes[start..].starts_with(b"{\\rtf") {
        return Err(ExtractError::Malformed("rtf: does not begin with {\\rtf".into()));
    }
    // A word processor shows the RTF rendering of encapsulated HTML, and so does this reader:
    // with `read_html` off, `Parsed::html` stays `None`.
    Ok(parse(bytes, None, false, budget)?.draft)
}

fn push(blocks: &mut Vec<DraftBlock>, text: &str, kind: BlockKind, label: Option<String>) {
    let text = clean(text);
    if !text.is_empty() {
        blocks.push(DraftBlock { text, kind, page: None, label });
    }
}

/// Trailing blanks of lines removed, runs of blank lines collapsed, no leading or trailing
/// blank lines.
fn clean(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    let mut out = String::new();
    for line in lines {
        if line.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// The code page of an RTF `\fcharset`.
fn charset_code_page(charset: i64) -> Option<u32> {
    Some(match charset {
        0 => return None, // ANSI: the document's code page
        77 => 10000,
        128 => 932,
        129 => 949,
        130 => 1361,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        254 => 437,
        _ => return None,
    })
}

/// The interpreter's state.
struct Machine<'b> {
    budget: &'b Budget,
    doc_code_page: Option<u32>,
    default_font: Option<i64>,
    fonts: Vec<Font>,
    /// The font being defined in the font table.
    font_def: Option<Font>,
    /// Bytes of `\'hh` escapes and plain characters not yet decoded, and their code page.
    pending: Vec<u8>,
    pending_cp: Option<u32>,
    /// Skipped fallback characters still to come after `\uN`.
    skip_chars: usize,
    /// The next control word follows `\*`.
    ignorable: bool,
    /// Nothing but `{` since the group began (`\*` counts only there).
    group_start: bool,
    /// A high surrogate of `\uN` waiting for its low half.
    high_surrogate: Option<u32>,
    /// Footnotes begun so far (`\chftn` shows their number).
    footnotes: u32,
    /// Encapsulated HTML is read as HTML (Outlook bodies), else as its RTF rendering.
    read_html: bool,
    from_html: bool,
    html: String,

    para: String,
    label: String,
    outline: Option<i64>,
    in_table: bool,
    cells: Vec<String>,
    blocks: Vec<DraftBlock>,
    notes: Vec<DraftBlock>,
    note: String,
    side: String,
    info: String,
    draft: Draft,
}

impl Machine<'_> {
    fn font_code_page(&self, font: Option<i64>) -> Option<u32> {
        let font = font.or(self.default_font)?;
        self.fonts.iter().rev().find(|f| f.number == font).and_then(|f| f.code_page)
    }

    /// The buffer text of destination `dest` goes to.
    fn buffer(&mut self, g: &Group) -> Option<&mut String> {
        if self.from_html {
            let visible = g.dest == Dest::Body && !g.hidden && (g.htmltag || !g.htmlrtf);
            return visible.then_some(&mut self.html);
        }
        if g.hidden {
            return None;
        }
        match g.dest {
            Dest::Body => Some(&mut self.para),
            Dest::Note => Some(&mut self.note),
            Dest::Header | Dest::Footer | Dest::Comment => Some(&mut self.side),
            Dest::Info(_) => Some(&mut self.info),
            Dest::ListText => Some(&mut self.label),
            Dest::Skip | Dest::Fonts | Dest::Upr | Dest::InfoGroup => None,
        }
    }

    /// Decodes the pending bytes into the buffer of `g`.
    fn flush(&mut self, g: &Group) {
        if self.pending.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.pending);
        let encoding = super::codepage::encoding(self.pending_cp.or(self.doc_code_page));
        let text = encoding.decode_without_bom_handling(&bytes).0.into_owned();
        if let Some(buf) = self.buffer(g) {
            buf.push_str(&text);
        }
    }

    /// A high surrogate no low one followed: shown as U+FFFD, as a word processor shows it.
    fn orphan(&mut self, g: &Group) {
        if self.high_surrogate.take().is_some() {
            self.char(g, '\u{FFFD}');
        }
    }

    fn byte(&mut self, g: &Group, b: u8) {
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
            return;
        }
        self.orphan(g);
        if self.buffer(g).is_none() {
            return;
        }
        let cp = self.font_code_page(g.font);
        if cp != self.pending_cp && !self.pending.is_empty() {
            self.flush(g);
        }
        self.pending_cp = cp;
        self.pending.push(b);
    }

    fn char(&mut self, g: &Group, c: char) {
        self.orphan(g);
        self.flush(g);
        if let Some(buf) = self.buffer(g) {
            buf.push(c);
        }
    }

    /// Ends the paragraph of the body (or of a note or side story).
    fn par(&mut self, g: &Group) {
        self.flush(g);
        if self.from_html {
            if g.htmltag {
                self.html.push('\n');
            }
            return;
        }
        match g.dest {
            Dest::Body if !g.hidden => {
                if self.in_table {
                    self.para.push('\n');
                } else {
                    self.end_paragraph();
                }
            }
            Dest::Note | Dest::Header | Dest::Footer | Dest::Comment if !g.hidden => {
                self.buffer(g).into_iter().for_each(|b| b.push('\n'));
            }
            _ => {}
        }
    }

    fn end_paragraph(&mut self) {
        let text = std::mem::take(&mut self.para);
        let label = clean(&std::mem::take(&mut self.label).replace('\t', " "));
        let label = label.trim().to_owned();
        let (kind, label, text) = if label.is_empty() {
            let kind =
                if self.outline.is_some() { BlockKind::Heading } else { BlockKind::Paragraph };
            (kind, None, text)
        } else {
            let kind =
                if self.outline.is_some() { BlockKind::Heading } else { BlockKind::ListItem };
            let body = text.trim_start().to_owned();
            (kind, Some(label.clone()), format!("{label}\t{body}"))
        };
        push(&mut self.blocks, &text, kind, label);
    }

    fn cell(&mut self, g: &Group) {
        self.flush(g);
        if g.dest != Dest::Body || self.from_html {
            // A cell of a table in a note or header: a tab keeps the words apart.
            self.char(g, '\t');
            return;
        }
        let text = clean(&std::mem::take(&mut self.para));
        let label = std::mem::take(&mut self.label);
        let text = if label.trim().is_empty() { text } else { format!("{} {text}", label.trim()) };
        self.cells.push(text.replace('\n', " "));
    }

    fn row(&mut self, g: &Group) {
        self.flush(g);
        if g.dest != Dest::Body || self.from_html {
            self.par(g);
            return;
        }
        if !self.para.trim().is_empty() {
            self.cell(g);
        }
        let cells = std::mem::take(&mut self.cells);
        let row = cells.iter().map(|c| c.trim()).collect::<Vec<_>>().join(" | ");
        if !row.replace('|', "").trim().is_empty() {
            push(&mut self.blocks, &row, BlockKind::TableRow, None);
        }
        self.in_table = false;
    }

    /// A group of destination `dest` ends: what it collected goes where it belongs.
    fn close(&mut self, closing: &Group, parent: &Group) {
        self.flush(closing);
        if closing.dest == parent.dest {
            return;
        }
        match closing.dest {
            Dest::Note => {
                let text = std::mem::take(&mut self.note);
                push(&mut self.notes, &text, BlockKind::Note, None);
            }
            Dest::Header | Dest::Footer | Dest::Comment => {
                let text = clean(&std::mem::take(&mut self.side));
                let key = match closing.dest {
                    Dest::Header => "header",
                    Dest::Footer => "footer",
                    _ => "comment",
                };
                if !text.is_empty()
                    && !self.draft.metadata.get(key).is_some_and(|v| v.contains(&text))
                {
                    self.draft.add_meta(key, text);
                }
            }
            Dest::Info(field) => {
                let text = clean(&std::mem::take(&mut self.info)).replace('\n', " ");
                match field {
                    InfoField::Title => {
                        self.draft.add_meta("title", text.clone());
                        if self.draft.title.is_none() && !text.trim().is_empty() {
                            self.draft.title = Some(text);
                        }
                    }
                    InfoField::Author => self.draft.add_meta("author", text),
                    InfoField::Subject => self.draft.add_meta("subject", text),
                }
            }
            Dest::Fonts => self.end_font(),
            _ => {}
        }
    }

    fn end_font(&mut self) {
        if let Some(font) = self.font_def.take() {
            self.fonts.push(font);
        }
    }
}

/// Parses RTF. `code_page` is the code page to assume when the file names none (an Outlook
/// message's); text escapes are decoded in the code page of their font, else the document's.
pub(crate) fn parse(
    rtf: &[u8],
    code_page: Option<u32>,
    read_html: bool,
    budget: &Budget,
) -> Result<Parsed, ExtractError> {
    let max_depth = budget.limits.max_xml_depth as usize;
    let mut m = Machine {
        budget,
        doc_code_page: code_page,
        default_font: None,
        fonts: Vec::new(),
        font_def: None,
        pending: Vec::new(),
        pending_cp: None,
        skip_chars: 0,
        ignorable: false,
        group_start: false,
        high_surrogate: None,
        footnotes: 0,
        read_html,
        from_html: false,
        html: String::new(),
        para: String::new(),
        label: String::new(),
        outline: None,
        in_table: false,
        cells: Vec::new(),
        blocks: Vec::new(),
        notes: Vec::new(),
        note: String::new(),
        side: String::new(),
        info: String::new(),
        draft: Draft::default(),
    };
    let mut stack: Vec<Group> = Vec::new();
    let mut g = Group {
        dest: Dest::Body,
        uc: 1,
        font: None,
        hidden: false,
        htmltag: false,
        htmlrtf: false,
        upr_outer: Dest::Body,
    };
    let mut unbalanced = false;
    let mut tokens = 0u32;
    let mut i = 0usize;
    while let Some(&b) = rtf.get(i) {
        i += 1;
        tokens = tokens.wrapping_add(1);
        if tokens.is_multiple_of(1 << 16) {
            m.budget.check_time()?;
        }
        match b {
            b'{' => {
                if stack.len() >= max_depth {
                    return Err(ExtractError::Limit {
                        limit: "max_xml_depth",
                        max: max_depth as u64,
                        actual: stack.len() as u64 + 1,
                    });
                }
                m.flush(&g);
                stack.push(g);
                g.htmltag = false;
                m.skip_chars = 0;
                m.ignorable = false;
                m.group_start = true;
                continue;
            }
            b'}' => {
                m.ignorable = false;
                m.skip_chars = 0;
                match stack.pop() {
                    Some(parent) => {
                        m.close(&g, &parent);
                        g = parent;
                        if stack.is_empty() {
                            // The document's group is closed: what follows is not RTF.
                            break;
                        }
                    }
                    None => unbalanced = true,
                }
            }
            b'\\' => {
                let Some(&c) = rtf.get(i) else { break };
                if c.is_ascii_alphabetic() {
                    let start = i;
                    while rtf.get(i).is_some_and(u8::is_ascii_alphabetic) && i - start < 32 {
                        i += 1;
                    }
                    let word = std::str::from_utf8(&rtf[start..i]).unwrap_or("");
                    let num_start = i;
                    if rtf.get(i) == Some(&b'-') {
                        i += 1;
                    }
                    while rtf.get(i).is_some_and(u8::is_ascii_digit) && i - num_start < 10 {
                        i += 1;
                    }
                    let param = std::str::from_utf8(&rtf[num_start..i])
                        .ok()
                        .and_then(|s| s.parse::<i64>().ok());
                    if rtf.get(i) == Some(&b' ') {
                        i += 1;
                    }
                    if word == "bin" {
                        // Binary data: skipped whole, whatever bytes it holds.
                        let n = usize::try_from(param.unwrap_or(0).max(0)).unwrap_or(usize::MAX);
                        i = i.saturating_add(n).min(rtf.len());
                        continue;
                    }
                    let ignorable = std::mem::take(&mut m.ignorable);
                    control_word(&mut m, &mut g, word, param, ignorable);
                } else {
                    i += 1;
                    match c {
                        b'\'' => {
                            let hex = rtf.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok());
                            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                                Some(v) => {
                                    i += 2;
                                    m.byte(&g, v);
                                }
                                None => {
                                    // A broken escape: nothing of it is text.
                                }
                            }
                        }
                        b'*' => m.ignorable = m.group_start,
                        b'\\' | b'{' | b'}' => m.byte(&g, c),
                        b'\n' | b'\r' => m.par(&g),
                        b'~' | b'_' | b'\t' if m.skip_chars > 0 => m.skip_chars -= 1,
                        b'~' => m.char(&g, '\u{a0}'),
                        b'_' => m.char(&g, '\u{2011}'),
                        b'\t' => m.char(&g, '\t'),
                        _ => {} // `\-` (optional hyphen), `\:` (index subentry), unknown
                    }
                }
            }
            b'\r' | b'\n' => continue,
            b';' if g.dest == Dest::Fonts => m.end_font(),
            _ => m.byte(&g, b),
        }
        m.group_start = false;
    }
    m.flush(&g);
    while let Some(parent) = stack.pop() {
        unbalanced = true;
        m.close(&g, &parent);
        g = parent;
    }
    if !m.para.trim().is_empty() || !m.label.trim().is_empty() {
        m.end_paragraph();
    }
    if !m.cells.is_empty() {
        let cells = std::mem::take(&mut m.cells);
        push(&mut m.blocks, &cells.join(" | "), BlockKind::TableRow, None);
    }
    let mut draft = std::mem::take(&mut m.draft);
    draft.blocks = std::mem::take(&mut m.blocks);
    draft.blocks.append(&mut m.notes);
    if unbalanced {
        draft.warnings.push("rtf: unbalanced braces; read as far as they allow".into());
    }
    let html = m.from_html.then(|| std::mem::take(&mut m.html));
    Ok(Parsed { draft, html })
}

/// Interprets one control word.
fn control_word(
    m: &mut Machine<'_>,
    g: &mut Group,
    word: &str,
    param: Option<i64>,
    ignorable: bool,
) {
    let on = param != Some(0);
    if m.skip_chars > 0 && word != "u" {
        // A control word in the fallback text of `\uN` counts as one fallback character.
        m.skip_chars -= 1;
        if TEXT_WORDS.contains(&word) {
            return;
        }
    }
    if g.dest == Dest::Skip {
        return; // Inside a skipped destination everything is skipped.
    }
    // Destinations: the word names what the rest of its group is.
    let dest = match word {
        "fonttbl" => Dest::Fonts,
        "footnote" => Dest::Note,
        "header" | "headerl" | "headerr" | "headerf" => Dest::Header,
        "footer" | "footerl" | "footerr" | "footerf" => Dest::Footer,
        "annotation" => Dest::Comment,
        "info" => Dest::InfoGroup,
        "title" if g.dest == Dest::InfoGroup => Dest::Info(InfoField::Title),
        "author" if g.dest == Dest::InfoGroup => Dest::Info(InfoField::Author),
        "subject" if g.dest == Dest::InfoGroup => Dest::Info(InfoField::Subject),
        "listtext" | "pntext" => Dest::ListText,
        "upr" => {
            g.upr_outer = g.dest;
            Dest::Upr
        }
        "ud" if g.dest == Dest::Upr => g.upr_outer,
        "fldrslt" | "result" => return,
        "htmltag" | "mhtmltag" if !m.read_html => Dest::Skip,
        "htmltag" => {
            m.flush(g);
            g.htmltag = true;
            return;
        }
        _ if SKIP.contains(&word) || ignorable || g.dest == Dest::InfoGroup => {
            // A known destination of no text, an unknown one its writer marked as safe to
            // skip (`\*`), or a field of `\info` other than those read.
            if ignorable || SKIP.contains(&word) || is_info_field(word) {
                m.flush(g);
                g.dest = Dest::Skip;
            }
            return;
        }
        _ => return control(m, g, word, param, on),
    };
    m.flush(g);
    if matches!(g.dest, Dest::Info(_)) {
        g.dest = Dest::Skip;
        return;
    }
    g.dest = dest;
    if dest == Dest::Note {
        m.footnotes = m.footnotes.saturating_add(1);
    }
    if dest == Dest::ListText {
        m.label.clear();
    }
}

/// Control words that stand for a character.
const TEXT_WORDS: [&str; 13] = [
    "tab",
    "line",
    "emdash",
    "endash",
    "emspace",
    "enspace",
    "qmspace",
    "lquote",
    "rquote",
    "ldblquote",
    "rdblquote",
    "bullet",
    "par",
];

/// Fields of `\info` (their text is never body text).
fn is_info_field(word: &str) -> bool {
    matches!(
        word,
        "title"
            | "subject"
            | "author"
            | "manager"
            | "company"
            | "operator"
            | "category"
            | "keywords"
            | "comment"
            | "doccomm"
            | "hlinkbase"
            | "creatim"
            | "revtim"
            | "printim"
            | "buptim"
            | "userprops"
    )
}

/// Interprets a control word that is not a destination.
fn control(m: &mut Machine<'_>, g: &mut Group, word: &str, param: Option<i64>, on: bool) {
    match word {
        // Encodings.
        "ansicpg" => m.doc_code_page = param.and_then(|p| u32::try_from(p).ok()),
        "mac" => m.doc_code_page = Some(10000),
        "pc" => m.doc_code_page = Some(437),
        "pca" => m.doc_code_page = Some(850),
        "deff" => m.default_font = param,
        "uc" => g.uc = param.unwrap_or(1).clamp(0, 8) as usize,
        "u" => {
            let code = param.unwrap_or(0);
            let code = u32::try_from(if code < 0 { code + 65_536 } else { code }).unwrap_or(0xFFFD);
            let high = m.high_surrogate.take();
            match code {
                0xD800..=0xDBFF => m.high_surrogate = Some(code),
                0xDC00..=0xDFFF => {
                    let c = high.and_then(|h| {
                        char::from_u32(0x10000 + ((h - 0xD800) << 10) + (code - 0xDC00))
                    });
                    m.char(g, c.unwrap_or('\u{FFFD}'));
                }
                _ => m.char(g, char::from_u32(code).unwrap_or('\u{FFFD}')),
            }
            m.skip_chars = g.uc;
        }
        "chftn" => {
            let n = if g.dest == Dest::Note { m.footnotes } else { m.footnotes + 1 };
            m.flush(g);
            if let Some(buf) = m.buffer(g) {
                buf.push_str(&n.max(1).to_string());
            }
        }
        "f" if g.dest == Dest::Fonts => {
            m.end_font();
            m.font_def = param.map(|number| Font { number, code_page: None });
        }
        "fcharset" if g.dest == Dest::Fonts => {
            if let Some(f) = m.font_def.as_mut() {
                f.code_page = param.and_then(charset_code_page).or(f.code_page);
            }
        }
        "cpg" if g.dest == Dest::Fonts => {
            if let Some(f) = m.font_def.as_mut() {
                f.code_page = param.and_then(|p| u32::try_from(p).ok());
            }
        }
        "f" => {
            m.flush(g);
            g.font = param;
        }
        "plain" => {
            m.flush(g);
            g.font = None;
            g.hidden = false;
        }
        "v" | "deleted" => {
            m.flush(g);
            g.hidden = on;
        }
        "fromhtml" => m.from_html = on && m.read_html,
        "htmlrtf" => {
            m.flush(g);
            g.htmlrtf = on;
        }

        // Structure.
        "par" => m.par(g),
        "sect" | "page" => {
            m.flush(g);
            if g.dest == Dest::Body && !m.in_table {
                m.par(g);
            }
        }
        "pard" if g.dest == Dest::Body => {
            m.flush(g);
            m.in_table = false;
            m.outline = None;
        }
        "intbl" if g.dest == Dest::Body => m.in_table = true,
        "itap" if g.dest == Dest::Body => m.in_table = param.unwrap_or(1) > 0,
        "outlinelevel" if g.dest == Dest::Body => m.outline = param.filter(|p| (0..9).contains(p)),
        "cell" | "nestcell" => m.cell(g),
        "row" | "nestrow" => m.row(g),
        "line" => m.char(g, '\n'),
        "tab" => m.char(g, '\t'),

        // Characters.
        "emdash" => m.char(g, '\u{2014}'),
        "endash" => m.char(g, '\u{2013}'),
        "emspace" | "enspace" | "qmspace" => m.char(g, ' '),
        "lquote" => m.char(g, '\u{2018}'),
        "rquote" => m.char(g, '\u{2019}'),
        "ldblquote" => m.char(g, '\u{201c}'),
        "rdblquote" => m.char(g, '\u{201d}'),
        "bullet" => m.char(g, '\u{2022}'),
        "zwj" => m.char(g, '\u{200d}'),
        "zwnj" => m.char(g, '\u{200c}'),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::draft::Limits;

    fn read(rtf: &[u8]) -> Draft {
        extract(rtf, &mut Budget::new(Limits::default())).unwrap()
    }

    fn texts(d: &Draft) -> Vec<&str> {
        d.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn paragraphs_escapes_and_unicode() {
        let d = read(
            br"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Arial;}}{\*\generator x;}\pard Hello \'e9t\'e9\par World\u8364?\par\pard {\b bold} and\~space\par}",
        );
        assert_eq!(texts(&d), ["Hello \u{e9}t\u{e9}", "World\u{20ac}", "bold and\u{a0}space"]);
    }

    #[test]
    fn fonts_choose_the_code_page_of_escapes() {
        // Shift-JIS "あ" (0x82 0xA0) in a font with \fcharset128; Windows-1250 "č" (0xE8).
        let d = read(
            br"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0\fcharset0 Arial;}{\f1\fcharset128 MS Mincho;}{\f2\fcharset238 Arial CE;}}\pard\f1 \'82\'a0\f0  and \f2\'e8\par}",
        );
        assert_eq!(texts(&d), ["\u{3042} and \u{10d}"]);
    }

    #[test]
    fn unicode_fallback_is_skipped_per_uc() {
        let d = read(br"{\rtf1\ansi\uc2\u269\'63\'78 x\uc0\u382 y\par}");
        assert_eq!(texts(&d), ["\u{10d} x\u{17e}y"]);
        // `\upr` carries the text twice: once in ANSI, once in Unicode.
        let d = read(br"{\rtf1\ansi{\upr{\f0 ab}{\*\ud{\f0 \u269?b}}}\par}");
        assert_eq!(texts(&d), ["\u{10d}b"]);
    }

    #[test]
    fn destinations_fields_hidden_text_and_binary() {
        let d = read(
            b"{\\rtf1\\ansi{\\info{\\title The Lease}{\\author A. Lawyer}}{\\header Page header\\par}\\pard See {\\field{\\*\\fldinst HYPERLINK \"http://x\"}{\\fldrslt the site}} now{\\v  hidden}{\\*\\unknowndest junk}{\\pict\\bin4 {{{{ abc}.\\par \
            Text{\\footnote\\pard Note one.\\par}.\\par}",
        );
        assert_eq!(texts(&d), ["See the site now.", "Text.", "Note one."]);
        assert_eq!(d.blocks[2].kind, BlockKind::Note);
        assert_eq!(d.title.as_deref(), Some("The Lease"));
        assert_eq!(d.metadata["author"], ["A. Lawyer"]);
        assert_eq!(d.metadata["header"], ["Page header"]);
    }

    #[test]
    fn tables_and_lists() {
        let d = read(
            br"{\rtf1\ansi\trowd\cellx100\cellx200\pard\intbl A1\cell B1\cell\row\trowd\pard\intbl A2\cell B2\cell\row\pard{\listtext 1.\tab}First\par{\listtext 2.\tab}Second\par\pard\outlinelevel0 Heading\par}",
        );
        assert_eq!(texts(&d), ["A1 | B1", "A2 | B2", "1.\tFirst", "2.\tSecond", "Heading"]);
        assert_eq!(d.blocks[0].kind, BlockKind::TableRow);
        assert_eq!(d.blocks[2].kind, BlockKind::ListItem);
        assert_eq!(d.blocks[2].label.as_deref(), Some("1."));
        assert_eq!(d.blocks[4].kind, BlockKind::Heading);
    }

    #[test]
    fn surrogates_mid_group_stars_and_trailing_bytes() {
        // U+10332 GOTHIC LETTER GIBA as a UTF-16 pair; a `\*` not at a group's start is no
        // destination mark; bytes after the document's group are not text.
        let d = read(br"{\rtf1\ansi\uc1\u-10240?\u-8398? {\f0\i0\*\cs7 The fox}\par}\x8 garbage");
        assert_eq!(texts(&d), ["\u{10332} The fox"]);
        let d = read(br"{\rtf1\ansi\uc0 \u-10240 a\u-9216 b\par}");
        assert_eq!(texts(&d), ["\u{FFFD}a\u{FFFD}b"]);
        let d =
            read(br"{\rtf1\ansi Word{\super\chftn}{\footnote\pard{\super\chftn} The note.}\par}");
        assert_eq!(texts(&d), ["Word1", "1 The note."]);
    }

    #[test]
    fn html_encapsulated_in_rtf() {
        let html = br"{\rtf1\ansi\fromhtml1{\*\htmltag19 <p>}\htmlrtf {\htmlrtf0 A b\htmlrtf }\htmlrtf0{\*\htmltag19 </p>}{\*\htmltag19 <p>}C{\*\htmltag19 </p>}}";
        let parsed = parse(html, None, true, &Budget::new(Limits::default())).unwrap();
        assert_eq!(parsed.html.as_deref(), Some("<p>A b</p><p>C</p>"));
        // A file is read as a word processor shows it: the RTF rendering.
        assert_eq!(texts(&read(html)), ["A bC"]);
    }

    #[test]
    fn hostile_input_is_bounded() {
        let limits = Limits { max_xml_depth: 64, ..Limits::default() };
        let deep = [b"{\\rtf1".as_slice(), &[b'{'; 100_000]].concat();
        let err = extract(&deep, &mut Budget::new(limits.clone())).unwrap_err();
        assert!(matches!(err, ExtractError::Limit { limit: "max_xml_depth", .. }), "{err:?}");
        // Unbalanced, truncated escapes, a huge \bin, words and numbers without end: no panic.
        for bad in [
            &b"{\\rtf1 \\'"[..],
            b"{\\rtf1 \\'zz text}",
            b"{\\rtf1 \\bin99999999999999999999 x}",
            b"{\\rtf1 \\u-99999999999 \\uc99999999999 x}}}}}",
            b"{\\rtf1 \\aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa123456789012345",
            b"{\\rtf1 {\\upr{\\ud{\\ud{\\upr x}}}}}",
        ] {
            let _ = extract(bad, &mut Budget::new(limits.clone()));
        }
        assert!(extract(b"not rtf", &mut Budget::new(limits)).is_err());
    }
}
