//! Headings and defined terms: the short titles that name clauses.
//!
//! A heading can follow a label on the same line ([`heading_after_label`]: "14.2 Force
//! Majeure. Neither party ..."), stand on a line of its own ([`heading_line`]: a short all-caps
//! or title-case line), or be a definition's term ([`definition_term`]: `"Affiliate" means
//! ...`). Headings are kept without Markdown emphasis ([`strip_md`], [`clean_heading`]).

/// Small words a title-case heading leaves in lower case ("Limitation of Liability").
const STOP: [&str; 16] = [
    "of", "and", "the", "to", "in", "for", "on", "or", "a", "an", "by", "with", "upon", "as", "at",
    "from",
];

/// The text without Markdown emphasis and heading marks (`*`, `#`, surrounding `_`).
pub(super) fn strip_md(s: &str) -> String {
    let s: String = s.chars().filter(|c| *c != '*' && *c != '#').collect();
    s.trim().trim_matches('_').trim().to_string()
}

/// A heading line as a heading: without Markdown and trailing `.` or `:`.
pub(super) fn clean_heading(t: &str) -> String {
    let s = strip_md(t);
    s.trim_end_matches(['.', ':', ' ']).trim().to_string()
}

/// A short all-caps or title-case line that can stand alone as a heading.
pub(super) fn heading_line(t: &str) -> bool {
    let s = strip_md(t);
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 10 || s.len() > 100 {
        return false;
    }
    if s.ends_with([',', ';']) || s.contains("__") || s.contains(':') && !s.ends_with(':') {
        return false;
    }
    if s.starts_with(['"', '“', '(', '[', '$']) {
        return false;
    }
    // title-case lines with commas are addresses and names, not headings
    let all_caps = !s.chars().any(|c| c.is_lowercase());
    if !all_caps && s.contains(',') {
        return false;
    }
    if s.ends_with('.') && words.len() > 6 {
        return false;
    }
    if s.chars().filter(|c| c.is_ascii_digit()).count() > 0
        && !s.chars().any(|c| c.is_ascii_uppercase())
    {
        return false;
    }
    heading_case(&s)
}

/// Whether a text is in capitals or title case (small words aside), with three letters at least.
pub(super) fn heading_case(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 3 {
        return false;
    }
    if letters.iter().all(|c| !c.is_lowercase()) {
        return true;
    }
    let mut first = true;
    for w in s.split_whitespace() {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        let Some(c) = w.chars().next() else { continue };
        if first {
            if !c.is_uppercase() {
                return false;
            }
            first = false;
            continue;
        }
        if STOP.contains(&w.to_lowercase().as_str()) {
            continue;
        }
        if c.is_alphabetic() && !c.is_uppercase() {
            return false;
        }
    }
    !first
}

/// Heading after a label: "Force Majeure. Neither party" -> "Force Majeure".
pub(super) fn heading_after_label(rest: &str, line_is_last: bool) -> Option<String> {
    let s = strip_md(rest);
    if s.is_empty() {
        return None;
    }
    let mut cut = None;
    for (i, c) in s.char_indices() {
        if c == '.' || c == ':' || c == '—' || c == '–' {
            let next = s.get(i + c.len_utf8()..).unwrap_or("");
            if next.is_empty() || next.starts_with(char::is_whitespace) {
                // avoid cutting at abbreviations like "U.S." in short words
                cut = Some(i);
                break;
            }
        }
        if c == '-'
            && s.get(i..).is_some_and(|x| x.starts_with("- "))
            && s.get(..i).is_some_and(|x| x.ends_with(' '))
        {
            cut = Some(i);
            break;
        }
    }
    let cand = match cut {
        Some(i) => s.get(..i).unwrap_or(""),
        None => {
            // a mixed-case line without terminator that wraps on is running text ("3.1.The")
            if !line_is_last && s.chars().any(|c| c.is_lowercase()) {
                return None;
            }
            s.as_str()
        }
    };
    let cand = cand.trim().trim_end_matches(['.', ':', ',', ';', ' ']);
    let n = cand.split_whitespace().count();
    if n == 0 || n > 10 || !heading_case(cand) {
        return None;
    }
    if cut.is_none() && n > 10 {
        return None;
    }
    Some(cand.to_string())
}

/// The defined term of a definition line: `"Affiliate" means ...`, `the term "X" shall mean`.
pub(super) fn definition_term(t: &str) -> Option<String> {
    let s = t.trim_start_matches(['*', '_']);
    let s = s.strip_prefix("The term ").or_else(|| s.strip_prefix("the term ")).unwrap_or(s);
    let s = s.strip_prefix("The terms ").unwrap_or(s);
    let s = s.strip_prefix("the ").or_else(|| s.strip_prefix("The ")).unwrap_or(s);
    let mut chars = s.char_indices();
    let (_, q) = chars.next()?;
    if !matches!(q, '"' | '“' | '\'' | '‘') {
        return None;
    }
    let body = s.get(q.len_utf8()..)?;
    let close = body.find(['"', '”', '’', '\''])?;
    if close == 0 || close > 100 {
        return None;
    }
    let term = body.get(..close)?.trim_matches(['*', '_', ' ']);
    let after = body.get(close..)?;
    let after: String = after.chars().skip(1).take(60).collect::<String>().to_lowercase();
    let keys = [
        " mean",
        "meaning",
        " include",
        " refer",
        " shall have",
        " has the",
        " is defined",
        ":",
        " shall be",
    ];
    let head: String = after.chars().take(30).collect();
    if keys.iter().any(|k| head.contains(k)) && !term.is_empty() {
        Some(term.to_string())
    } else {
        None
    }
}
