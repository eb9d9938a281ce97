//! HTML to readable text, for email bodies that only come as HTML.
//!
//! A single forward pass over the markup, with no tree and no recursion, so that hostile
//! nesting costs nothing: block elements become line breaks (paragraph-like ones a blank
//! line), list items get a "- " or "N. " marker, table cells of a row are joined with " | ",
//! `script`/`style`/`title`/`template` contents are dropped, comments are skipped, character
//! references are decoded and white space is collapsed outside `pre`. Unknown or broken markup
//! degrades to text, never to an error.

/// Latin-1 named character references, for code points 160 to 255 in order.
const LATIN1_NAMES: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// Other common named character references.
const OTHER_NAMES: [(&str, char); 38] = [
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("ndash", '\u{2013}'),
    ("mdash", '\u{2014}'),
    ("lsquo", '\u{2018}'),
    ("rsquo", '\u{2019}'),
    ("sbquo", '\u{201A}'),
    ("ldquo", '\u{201C}'),
    ("rdquo", '\u{201D}'),
    ("bdquo", '\u{201E}'),
    ("dagger", '\u{2020}'),
    ("Dagger", '\u{2021}'),
    ("bull", '\u{2022}'),
    ("hellip", '\u{2026}'),
    ("permil", '\u{2030}'),
    ("prime", '\u{2032}'),
    ("lsaquo", '\u{2039}'),
    ("rsaquo", '\u{203A}'),
    ("euro", '\u{20AC}'),
    ("trade", '\u{2122}'),
    ("larr", '\u{2190}'),
    ("rarr", '\u{2192}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("zwnj", '\u{200C}'),
    ("zwj", '\u{200D}'),
    ("lrm", '\u{200E}'),
    ("rlm", '\u{200F}'),
    ("OElig", '\u{152}'),
    ("oelig", '\u{153}'),
    ("Scaron", '\u{160}'),
    ("scaron", '\u{161}'),
    ("Yuml", '\u{178}'),
    ("fnof", '\u{192}'),
];

/// Elements whose content is never displayed.
const SKIPPED: [&str; 5] = ["script", "style", "title", "template", "xml"];

/// Elements that start and end a paragraph (blank line around them).
const PARAGRAPH: [&str; 14] =
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "blockquote", "pre", "hr"];

/// Elements that start and end a line.
const LINE: [&str; 22] = [
    "div",
    "li",
    "tr",
    "dt",
    "dd",
    "address",
    "center",
    "form",
    "header",
    "footer",
    "nav",
    "section",
    "article",
    "aside",
    "main",
    "figure",
    "figcaption",
    "caption",
    "fieldset",
    "legend",
    "details",
    "summary",
];

/// Decodes a character reference body (between '&' and ';'), e.g. `amp`, `#233`, `#xE9`.
fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        return match code {
            0 => Some('\u{FFFD}'),
            // Windows-1252 code points often appear as numeric references.
            0x80..=0x9F => {
                let byte = [code as u8];
                encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte).0.chars().next()
            }
            _ => char::from_u32(code),
        };
    }
    if let Some(pos) = LATIN1_NAMES.iter().position(|n| *n == name) {
        return char::from_u32(160 + pos as u32);
    }
    OTHER_NAMES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

/// The converter's output buffer and layout state.
struct Writer {
    out: String,
    pending_space: bool,
    pre: u32,
    /// One entry per open list: `Some(next number)` for `ol`, `None` for `ul`.
    lists: Vec<Option<u32>>,
    /// Cells seen so far in the current table row.
    cells: u32,
}

impl Writer {
    fn text(&mut self, s: &str) {
        for c in s.chars() {
            self.char(c);
        }
    }

    fn char(&mut self, c: char) {
        if self.pre == 0 && c.is_whitespace() && c != '\u{A0}' {
            self.pending_space = true;
            return;
        }
        if self.pre > 0 && c == '\r' {
            return;
        }
        if self.pending_space {
            self.pending_space = false;
            if !self.out.is_empty() && !self.out.ends_with([' ', '\n']) {
                self.out.push(' ');
            }
        }
        self.out.push(if c == '\u{A0}' { ' ' } else { c });
    }

    /// Ends the current line; with `blank`, also leaves an empty line.
    fn newline(&mut self, blank: bool) {
        self.pending_space = false;
        let trimmed = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(trimmed);
        if self.out.is_empty() {
            return;
        }
        let have = self.out.len() - self.out.trim_end_matches('\n').len();
        let want = if blank { 2 } else { 1 };
        for _ in have..want {
            self.out.push('\n');
        }
    }

    fn tag(&mut self, name: &str, closing: bool) {
        match name {
            "br" => {
                let trimmed = self.out.trim_end_matches([' ', '\t']).len();
                self.out.truncate(trimmed);
                self.out.push('\n');
                self.pending_space = false;
            }
            "td" | "th" if !closing => {
                if self.cells > 0 {
                    self.pending_space = false;
                    let trimmed = self.out.trim_end_matches([' ', '\t']).len();
                    self.out.truncate(trimmed);
                    self.out.push_str(" | ");
                }
                self.cells += 1;
            }
            "tr" => {
                self.cells = 0;
                self.newline(false);
            }
            "ul" | "ol" => {
                let top_level = if closing {
                    self.lists.pop();
                    self.lists.is_empty()
                } else {
                    self.lists.push(if name == "ol" { Some(1) } else { None });
                    self.lists.len() == 1
                };
                self.newline(top_level);
            }
            "li" if !closing => {
                self.newline(false);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n = n.saturating_add(1);
                        m
                    }
                    _ => "- ".to_owned(),
                };
                let depth = self.lists.len().saturating_sub(1).min(8);
                for _ in 0..depth {
                    self.out.push_str("  ");
                }
                self.out.push_str(&marker);
            }
            "pre" => {
                if closing {
                    self.pre = self.pre.saturating_sub(1);
                } else {
                    self.pre = self.pre.saturating_add(1);
                }
                self.newline(true);
            }
            _ if PARAGRAPH.contains(&name) => self.newline(true),
            _ if LINE.contains(&name) => self.newline(false),
            "td" | "th" => self.pending_space = true,
            _ => {}
        }
    }

    fn finish(self) -> String {
        let mut result = String::with_capacity(self.out.len());
        let mut blank_run = 0;
        for line in self.out.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                blank_run += 1;
                if blank_run > 1 || result.is_empty() {
                    continue;
                }
            } else {
                blank_run = 0;
            }
            result.push_str(line);
            result.push('\n');
        }
        let trimmed = result.trim_end().len();
        result.truncate(trimmed);
        result
    }
}

/// Finds `needle` (ASCII, lower-case) in `hay[from..]` ignoring ASCII case.
fn find_ascii_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len())
        .find(|&i| hay.get(i..i + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle)))
}

/// Finds the end ('>' excluded) of a tag whose attributes start at `from`, honouring quotes.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return i,
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Converts an HTML document or fragment to plain text (see the module documentation).
pub fn html_to_text(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut w = Writer {
        out: String::with_capacity(html.len() / 2),
        pending_space: false,
        pre: 0,
        lists: Vec::new(),
        cells: 0,
    };
    let mut i = 0;
    let mut text_start = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'<' {
            let next = bytes.get(i + 1).copied().unwrap_or(0);
            let is_tag = next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?';
            if !is_tag {
                i += 1;
                continue;
            }
            w.text(html.get(text_start..i).unwrap_or(""));
            if bytes.get(i..i + 4) == Some(b"<!--") {
                i = match find_ascii_ci(bytes, i + 4, b"-->") {
                    Some(p) => p + 3,
                    None => bytes.len(),
                };
            } else if next == b'!' || next == b'?' {
                i = (tag_end(bytes, i + 2) + 1).min(bytes.len());
            } else {
                let closing = next == b'/';
                let name_start = if closing { i + 2 } else { i + 1 };
                let mut name_end = name_start;
                while bytes.get(name_end).is_some_and(|c| c.is_ascii_alphanumeric()) {
                    name_end += 1;
                }
                let name = html.get(name_start..name_end).unwrap_or("").to_ascii_lowercase();
                let end = tag_end(bytes, name_end);
                i = (end + 1).min(bytes.len());
                if !closing && SKIPPED.contains(&name.as_str()) {
                    let self_closing = end > 0 && bytes.get(end - 1) == Some(&b'/');
                    if !self_closing {
                        let close = format!("</{name}");
                        i = match find_ascii_ci(bytes, i, close.as_bytes()) {
                            Some(p) => (tag_end(bytes, p + close.len()) + 1).min(bytes.len()),
                            None => bytes.len(),
                        };
                    }
                } else if !name.is_empty() {
                    w.tag(&name, closing);
                }
            }
            text_start = i;
        } else if b == b'&' {
            let limit = (i + 34).min(bytes.len());
            let semi = (i + 1..limit).find(|&j| bytes.get(j) == Some(&b';'));
            let decoded = semi.and_then(|j| html.get(i + 1..j)).and_then(decode_entity);
            match (decoded, semi) {
                (Some(c), Some(j)) => {
                    w.text(html.get(text_start..i).unwrap_or(""));
                    w.char(c);
                    i = j + 1;
                    text_start = i;
                }
                _ => i += 1,
            }
        } else {
            i += 1;
        }
    }
    w.text(html.get(text_start..).unwrap_or(""));
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn blocks_lists_tables_entities() {
        let html = "<html><head><title>T</title><style>p{}</style></head><body>\
            <p>Hello&nbsp;<b>world</b> &amp; &#233;&eacute;</p><div>line</div>\
            <ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr>\
            <tr><td>c</td><td>d</td></tr></table><script>alert(1)</script>x<br>y \
            &bogus; 1 < 2</body></html>";
        assert_eq!(
            html_to_text(html),
            "Hello world & éé\n\nline\n\n- one\n- two\n\na | b\nc | d\n\nx\ny &bogus; 1 < 2"
        );
    }

    #[test]
    fn unclosed_and_deep() {
        assert_eq!(html_to_text("<script>never closed"), "");
        assert_eq!(html_to_text("<!-- c"), "");
        let deep = "<div>".repeat(100_000) + "x";
        assert_eq!(html_to_text(&deep), "x");
        assert_eq!(html_to_text("<ol><li>a<li>b</ol>"), "1. a\n2. b");
    }
}
