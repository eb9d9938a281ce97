//! Clause numbering: recognising printed labels at the start of a line and deciding whether
//! a label plausibly continues the numbering sequence seen so far.
//!
//! A label has a *style* (decimal `1.2.3`, `(a)`, `(iv)`, `A.`, `ARTICLE IV`, `Section 12`,
//! `Exhibit A`, ...) and a value. Ambiguous labels such as `(i)` (ninth letter or roman one)
//! are returned with every reading; the sequence logic picks the one that continues a
//! previous sibling.

/// Character class of a list label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// `a`, `b`, ... `aa`
    LowerAlpha,
    /// `A`, `B`, ...
    UpperAlpha,
    /// `i`, `ii`, ...
    LowerRoman,
    /// `I`, `II`, ...
    UpperRoman,
    /// `1`, `2`, ...
    Digit,
}

/// Numbering style; two labels are siblings only when their styles are equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// `ARTICLE IV`, `Article 4`.
    Article,
    /// Decimal numbering, plain (`1.`, `1.1`) or with a `Section` word (`Section 12.3`).
    Decimal,
    /// `(a)`, `(iv)`, `(A)`, `(1)`.
    Paren(Class),
    /// `a)`, `1)`.
    HalfParen(Class),
    /// `a.`, `i.`, `A.`, `IV.`.
    Dot(Class),
    /// `Exhibit A`, `Schedule 2`, `Annex 1`, `Appendix B`.
    Exhibit,
}

/// One reading of a label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// Style of this reading.
    pub style: Style,
    /// Values: several components for decimals (`[12, 3]`), one otherwise.
    pub values: Vec<u32>,
}

/// A label found at the start of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The printed label, e.g. `"14.2"`, `"(b)"`, `"Section 12"`, `"ARTICLE IV"`.
    pub text: String,
    /// Byte length of the label in the line (including a trailing period).
    pub len: usize,
    /// Possible readings, most likely first.
    pub readings: Vec<Reading>,
    /// The label used a keyword (`Section`, `Article`, `Exhibit`...).
    pub worded: bool,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Value of a spelled-out number (`ONE` .. `FIFTY`, any case), as in "SECTION TWELVE".
pub fn word_number(s: &str) -> Option<u32> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 4] = ["twenty", "thirty", "forty", "fifty"];
    let l = s.to_ascii_lowercase();
    if let Some(i) = UNITS.iter().position(|u| *u == l) {
        return Some(i as u32);
    }
    for (ti, t) in TENS.iter().enumerate() {
        let base = 20 + 10 * ti as u32;
        if l == *t {
            return Some(base);
        }
        if let Some(rest) = l.strip_prefix(t) {
            let rest = rest.trim_start_matches('-');
            if let Some(i) = UNITS.iter().position(|u| *u == rest).filter(|i| (1..10).contains(i)) {
                return Some(base + i as u32);
            }
        }
    }
    None
}

/// Value of a roman numeral (either case, not mixed), or `None`.
pub fn roman_value(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 8 {
        return None;
    }
    let lower = s.chars().all(|c| c.is_ascii_lowercase());
    let upper = s.chars().all(|c| c.is_ascii_uppercase());
    if !lower && !upper {
        return None;
    }
    let mut total: u32 = 0;
    let mut prev: u32 = 0;
    for c in s.chars().rev() {
        let v = match c.to_ascii_lowercase() {
            'i' => 1,
            'v' => 5,
            'x' => 10,
            'l' => 50,
            'c' => 100,
            _ => return None,
        };
        if v < prev {
            total = total.checked_sub(v)?;
        } else {
            total += v;
            prev = v;
        }
    }
    // canonical check
    if to_roman(total) == s.to_ascii_lowercase() { Some(total) } else { None }
}

fn to_roman(mut n: u32) -> String {
    let table = [
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (v, s) in table {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// Value of a letter label: `a`=1 .. `z`=26, `aa`=27 .. (repeated letters).
fn alpha_value(s: &str) -> Option<u32> {
    let mut chars = s.chars();
    let first = chars.next()?;
    if !first.is_ascii_alphabetic() || s.len() > 3 || !s.chars().all(|c| c == first) {
        return None;
    }
    let base = (first.to_ascii_lowercase() as u32) - ('a' as u32) + 1;
    Some(base + 26 * (s.len() as u32 - 1))
}

/// Readings of an alphanumeric token used in `(x)`, `x)` or `x.` labels.
fn token_readings(tok: &str, wrap: fn(Class) -> Style) -> Vec<Reading> {
    let mut out = Vec::new();
    if tok.chars().all(|c| c.is_ascii_digit()) {
        if let Ok(v) = tok.parse::<u32>() {
            out.push(Reading { style: wrap(Class::Digit), values: vec![v] });
        }
        return out;
    }
    let lower = tok.chars().all(|c| c.is_ascii_lowercase());
    let upper = tok.chars().all(|c| c.is_ascii_uppercase());
    if let Some(v) = roman_value(tok) {
        let class = if lower { Class::LowerRoman } else { Class::UpperRoman };
        out.push(Reading { style: wrap(class), values: vec![v] });
    }
    if let Some(v) = alpha_value(tok)
        && (lower || upper)
    {
        let class = if lower { Class::LowerAlpha } else { Class::UpperAlpha };
        out.push(Reading { style: wrap(class), values: vec![v] });
    }
    out
}

/// Parses `1`, `1.2`, `12.3.4` at the start of `s`; returns values and byte length.
fn parse_decimal(s: &str) -> Option<(Vec<u32>, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut values = Vec::new();
    loop {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 4 {
            i += 1;
        }
        if i == start || (i < b.len() && b[i].is_ascii_digit()) {
            return None;
        }
        values.push(s.get(start..i)?.parse::<u32>().ok()?);
        if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() && values.len() < 6 {
            i += 1;
            continue;
        }
        break;
    }
    Some((values, i))
}

fn next_word(s: &str) -> &str {
    let t = s.trim_start_matches(|c: char| c == '*' || c == '_' || c.is_whitespace());
    let end = t.find(|c: char| !c.is_alphanumeric()).unwrap_or(t.len());
    t.get(..end).unwrap_or("")
}

fn ends_label(rest: &str) -> bool {
    rest.is_empty() || rest.starts_with(char::is_whitespace)
}

/// The keywords of worded labels and the style each gives, in the order they are tried.
const KEYWORDS: [(&str, Style); 14] = [
    ("ARTICLE", Style::Article),
    ("Article", Style::Article),
    ("SECTION", Style::Decimal),
    ("Section", Style::Decimal),
    ("EXHIBIT", Style::Exhibit),
    ("Exhibit", Style::Exhibit),
    ("SCHEDULE", Style::Exhibit),
    ("Schedule", Style::Exhibit),
    ("ANNEX", Style::Exhibit),
    ("Annex", Style::Exhibit),
    ("APPENDIX", Style::Exhibit),
    ("Appendix", Style::Exhibit),
    ("ATTACHMENT", Style::Exhibit),
    ("Attachment", Style::Exhibit),
];

/// Recognises a clause label at the start of `line` (already left-trimmed).
///
/// Returns `None` for text that cannot be a label (dates like `1. January`, amounts like
/// `3.5 percent`, cross references like `Section 4.2 hereof`).
///
/// The forms are tried in this order, and the first whose start the line has decides:
/// a keyword (`keyword_label`: `ARTICLE IV`, `Section 12.3`, `Exhibit A`), a section sign
/// (`section_sign_label`: `§ 12`), a parenthesis (`paren_label`: `(a)`, `(iv)`, `(1)`),
/// a digit (`number_label`: `1.`, `12.3`, `12.3(a)`, `1)`), a letter (`letter_label`:
/// `a.`, `IV.`, `b)`).
pub fn parse_label(line: &str) -> Option<Label> {
    let first = line.chars().next()?;
    if let Some((kw, style, gap, tail)) = keyword_start(line, first) {
        return keyword_label(kw, style, gap, tail);
    }
    if let Some(rest) = line.strip_prefix('§') {
        return section_sign_label(rest);
    }
    if let Some(rest) = line.strip_prefix('(') {
        return paren_label(rest);
    }
    if first.is_ascii_digit() {
        return number_label(line);
    }
    if first.is_ascii_alphabetic() {
        return letter_label(line);
    }
    None
}

/// The first keyword `line` starts with, followed by blanks: the keyword, its style, the
/// length of the blanks and the text after them.
fn keyword_start(line: &str, first: char) -> Option<(&'static str, Style, usize, &str)> {
    if !first.is_ascii_uppercase() {
        return None;
    }
    for (kw, style) in KEYWORDS {
        let Some(rest) = line.strip_prefix(kw) else { continue };
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if trimmed.len() == rest.len() {
            continue;
        }
        let gap = rest.len() - trimmed.len();
        return Some((kw, style, gap, trimmed));
    }
    None
}

/// A worded label: keyword `kw` of `style`, `gap` bytes of blanks, then the token at the
/// start of `trimmed` ("IV", "12.3", "TWELVE", "A"), with an optional trailing period.
fn keyword_label(kw: &str, style: Style, gap: usize, trimmed: &str) -> Option<Label> {
    let tok_end = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .unwrap_or(trimmed.len());
    let mut tok = trimmed.get(..tok_end)?;
    let mut len = kw.len() + gap + tok.len();
    let dotted = tok.ends_with('.');
    tok = tok.trim_end_matches('.');
    if tok.is_empty() {
        return None;
    }
    let after = trimmed.get(tok_end..).unwrap_or("");
    let nw = next_word(after);
    if nw.chars().next().is_some_and(|c| c.is_lowercase()) && !dotted {
        // "Section 4.2 hereof", "Exhibit A attached"
        return None;
    }
    let values = keyword_values(style, tok)?;
    if !dotted {
        len = kw.len() + gap + tok.len();
    }
    let text = format!("{} {}", kw, tok);
    Some(Label { text, len, readings: vec![Reading { style, values }], worded: true })
}

/// The value of a worded label's token: spelled out ("TWELVE", except for exhibits); for an
/// article a capital Roman numeral or a plain number; for a section a decimal; for an exhibit
/// a number, a letter or a Roman numeral (else 1).
fn keyword_values(style: Style, tok: &str) -> Option<Vec<u32>> {
    let spelled = word_number(tok).filter(|_| style != Style::Exhibit);
    let values = match style {
        _ if spelled.is_some() => spelled.into_iter().collect(),
        Style::Article => {
            if let Some(v) =
                roman_value(tok).filter(|_| tok.chars().all(|c| c.is_ascii_uppercase()))
            {
                vec![v]
            } else {
                let (v, l) = parse_decimal(tok)?;
                if l != tok.len() || v.len() != 1 {
                    return None;
                }
                v
            }
        }
        Style::Decimal => {
            let (v, l) = parse_decimal(tok)?;
            if l != tok.len() {
                return None;
            }
            v
        }
        _ => {
            if tok.len() > 6 {
                return None;
            }
            let v = if let Ok(n) = tok.parse::<u32>() {
                n
            } else if let Some(v) = alpha_value(tok) {
                v
            } else {
                roman_value(tok).unwrap_or(1)
            };
            vec![v]
        }
    };
    Some(values)
}

/// "§ 12", "§12.3.": `rest` is the text after the section sign.
fn section_sign_label(rest: &str) -> Option<Label> {
    let t = rest.trim_start();
    let gap = rest.len() - t.len();
    let (values, l) = parse_decimal(t)?;
    let after = t.get(l..).unwrap_or("");
    let dot = after.starts_with('.');
    let after = if dot { after.get(1..).unwrap_or("") } else { after };
    if !ends_label(after) {
        return None;
    }
    let len = '§'.len_utf8() + gap + l + usize::from(dot);
    let text = format!("§ {}", t.get(..l).unwrap_or(""));
    Some(Label {
        text,
        len,
        readings: vec![Reading { style: Style::Decimal, values }],
        worded: true,
    })
}

/// "(a)", "(iv)", "(1)": `rest` is the text after the opening parenthesis.
fn paren_label(rest: &str) -> Option<Label> {
    let close = rest.find(')')?;
    if close == 0 || close > 5 {
        return None;
    }
    let tok = rest.get(..close)?;
    let after = rest.get(close + 1..).unwrap_or("");
    if !ends_label(after) {
        return None;
    }
    let readings = token_readings(tok, Style::Paren);
    if readings.is_empty() {
        return None;
    }
    Some(Label { text: format!("({tok})"), len: close + 2, readings, worded: false })
}

/// A label that starts with a number: "12.3(a)", "1)", or a decimal ("1.", "12.3").
fn number_label(line: &str) -> Option<Label> {
    let (values, l) = parse_decimal(line)?;
    let after = line.get(l..).unwrap_or("");
    if let Some(inner) = after.strip_prefix('(') {
        return decimal_paren_label(line, l, inner);
    }
    if let Some(tail) = after.strip_prefix(')') {
        return digit_half_paren_label(line, values, l, tail);
    }
    decimal_label(line, values, l, after)
}

/// "12.3(a)": the decimal of `l` bytes, then a parenthesised token; `inner` follows the `(`.
fn decimal_paren_label(line: &str, l: usize, inner: &str) -> Option<Label> {
    let close = inner.find(')')?;
    let tok = inner.get(..close)?;
    let tail = inner.get(close + 1..).unwrap_or("");
    if close == 0 || close > 4 || !ends_label(tail) {
        return None;
    }
    let readings: Vec<Reading> = token_readings(tok, Style::Paren);
    if readings.is_empty() {
        return None;
    }
    let len = l + 1 + close + 1;
    Some(Label { text: line.get(..len)?.to_string(), len, readings, worded: false })
}

/// "1)": a one-part number of `l` bytes, then `)` and `tail`.
fn digit_half_paren_label(line: &str, values: Vec<u32>, l: usize, tail: &str) -> Option<Label> {
    if values.len() != 1 || !ends_label(tail) {
        return None;
    }
    Some(Label {
        text: line.get(..l + 1)?.to_string(),
        len: l + 1,
        readings: vec![Reading { style: Style::HalfParen(Class::Digit), values }],
        worded: false,
    })
}

/// "1.", "12.3", "3.1.The": a decimal of `l` bytes, then `after`; not a date ("1. January"),
/// a percentage or running text ("3.5 percent", "2.5 times").
fn decimal_label(line: &str, values: Vec<u32>, l: usize, after: &str) -> Option<Label> {
    let dot = after.starts_with('.');
    let tail = if dot { after.get(1..).unwrap_or("") } else { after };
    // "3.1.The" (converted HTML drops the space): accept a capital right after the dot
    let glued = dot && tail.starts_with(|c: char| c.is_ascii_uppercase());
    if !ends_label(tail) && !glued {
        return None;
    }
    if values.len() == 1 && !dot {
        return None;
    }
    let nw = next_word(tail);
    let lw = nw.to_ascii_lowercase();
    if MONTHS.contains(&lw.as_str()) {
        return None;
    }
    let tt = tail.trim_start();
    if tt.starts_with('%') || tt.starts_with(|c: char| c.is_lowercase()) {
        return None;
    }
    if values.len() == 1 && values.first().is_some_and(|v| *v > 200) {
        return None;
    }
    let len = l + usize::from(dot);
    Some(Label {
        text: line.get(..len)?.to_string(),
        len,
        readings: vec![Reading { style: Style::Decimal, values }],
        worded: false,
    })
}

/// "a.", "IV.", "b)", "AA.": up to five letters, then `.` or `)` and a blank.
fn letter_label(line: &str) -> Option<Label> {
    let tok_end = line.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(line.len());
    if tok_end > 5 {
        return None;
    }
    let tok = line.get(..tok_end)?;
    let after = line.get(tok_end..).unwrap_or("");
    let (wrap, tail): (fn(Class) -> Style, &str) = if let Some(t) = after.strip_prefix('.') {
        (Style::Dot, t)
    } else if let Some(t) = after.strip_prefix(')') {
        (Style::HalfParen, t)
    } else {
        return None;
    };
    if !tail.starts_with([' ', '\t']) {
        return None;
    }
    let readings = token_readings(tok, wrap);
    if readings.is_empty() {
        return None;
    }
    // "A. Smith" style initials are filtered by the sequence logic; "No. 5" by length.
    Some(Label {
        text: line.get(..tok_end + 1)?.to_string(),
        len: tok_end + 1,
        readings,
        worded: false,
    })
}

/// Whether a reading is the first of a sequence (`1`, `(a)`, `(i)`, `A.`, `1.1`).
pub fn is_first(r: &Reading) -> bool {
    match r.style {
        Style::Decimal => r.values.last() == Some(&1) || r.values == [0],
        _ => r.values.first() == Some(&1),
    }
}

/// Whether decimal `next` plausibly follows decimal `prev` (any level): same prefix and last
/// component + 1 (or + 2, tolerating one missed label), or a descent into `.1`, or a new
/// higher-level number with fresh sub-numbers (`3.2` -> `4.1`).
pub fn decimal_follows(prev: &[u32], next: &[u32], slack: u32) -> bool {
    // descent: 3.2 -> 3.2.1
    if next.len() == prev.len() + 1 && next.starts_with(prev) && next.last() == Some(&1) {
        return true;
    }
    // 1 -> 1.1 with "1" written as "1." is covered above; step at position k
    for k in 0..prev.len().min(next.len()) {
        if next[..k] != prev[..k] {
            return false;
        }
        let step = next[k].wrapping_sub(prev[k]);
        if step >= 1 && step <= slack && next[k + 1..].iter().all(|&v| v == 1) {
            return true;
        }
    }
    false
}
