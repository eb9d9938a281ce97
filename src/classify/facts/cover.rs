//! Cover-page variables: the key terms a cover page, order form or key-terms table sets for
//! standard terms that refer to them by name ("General Cap Amount", "Subscription Period",
//! "Governing Law"), each set to a value or left blank (a template).
//!
//! Read only in documents that say they have such a page (they name a "Cover Page", "Key
//! Terms" or "Order Form"), from three layouts: table rows (`Label | value`, the label's cell
//! possibly a title line over a description), Markdown sections (`### Label` over the value, a
//! ticked `- [x]` option when there are several), and `Label: value` lines.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// One variable of a cover page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverTerm {
    /// Its label, as printed ("General Cap Amount").
    pub label: String,
    /// Its value; `None` when left blank or a placeholder (`{general_cap}`, `[Fill in state]`,
    /// `____`): the document is a template for it.
    pub value: Option<String>,
    /// Byte range of the label and value in the text.
    pub span: Range<usize>,
}

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:cover\s+page|key\s+(?:business\s+|legal\s+)?terms|order\s+form)\b")
        .expect("regex")
});
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{[^{}\n]{1,80}\}|\[[^\[\]\n]{0,80}\]|_{3,}|<[^<>\n]{1,40}>|\bTBD\b|\[●\]|●")
        .expect("regex")
});
static CONDITIONAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{(?:IF\s+[^{}\n]{1,60}|END-IF|ELSE)\}").expect("regex"));
static TICKED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*[-*]?\s*\[\s*x\s*\]\s*(.+)$").expect("regex"));

/// Whether a line can be a label: 1 to 7 words, each capitalised (or a joining word), no
/// sentence punctuation.
fn is_label(s: &str) -> bool {
    let s = s.trim().trim_start_matches('#').trim();
    if s.is_empty() || s.len() > 60 || s.ends_with(['.', ';', ',']) || s.contains(':') {
        return false;
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    (1..=7).contains(&words.len())
        && words.iter().all(|w| {
            let first = w.chars().next().unwrap_or(' ');
            first.is_uppercase()
                || first.is_ascii_digit()
                || matches!(
                    *w,
                    "&" | "-" | "of" | "or" | "and" | "for" | "to" | "the" | "in" | "on"
                )
        })
        && words.iter().any(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// A value with template placeholders and conditionals: `None` when a placeholder or nothing.
fn value_of(raw: &str) -> Option<String> {
    let v = CONDITIONAL.replace_all(raw, "");
    let v = v.trim().trim_matches('|').trim();
    if v.is_empty() || PLACEHOLDER.is_match(v) {
        return None;
    }
    Some(v.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The cover-page variables of a document (empty when it names no cover page, key terms or
/// order form).
pub fn cover_terms(text: &str) -> Vec<CoverTerm> {
    if !MARKER.is_match(text) {
        return Vec::new();
    }
    let mut out: Vec<CoverTerm> = Vec::new();
    let mut push = |label: &str, value: Option<String>, span: Range<usize>| {
        let label = CONDITIONAL.replace_all(label, "");
        let label = label.trim().trim_start_matches('#').trim().to_owned();
        if !is_label(&label) || out.iter().any(|t| t.label.eq_ignore_ascii_case(&label)) {
            return;
        }
        out.push(CoverTerm { label, value, span });
    };
    // Lines with their offsets.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        lines.push((at, line.trim_end_matches(['\n', '\r'])));
        at += line.len();
    }
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        let stripped = CONDITIONAL.replace_all(line, "");
        if let Some((left, right)) = stripped.split_once(" | ") {
            let left = left.trim();
            // The label is the cell itself, or a title line up to two lines above (over a
            // description, and over the value when the value sits in the first cell).
            let above = |k: usize| -> Option<(usize, String)> {
                let (p_start, p) = *lines.get(i.checked_sub(k)?)?;
                let p = CONDITIONAL.replace_all(p, "").into_owned();
                (!p.contains('|') && !p.trim().is_empty()).then_some((p_start, p))
            };
            let label_start = if is_label(left) {
                Some((start, left.to_owned(), value_of(right)))
            } else {
                let value = if value_of(right).is_some() || !PLACEHOLDER.is_match(left) {
                    value_of(right)
                } else {
                    value_of(left)
                };
                [1, 2]
                    .into_iter()
                    .map_while(above)
                    .find(|(_, p)| is_label(p))
                    .map(|(s, p)| (s, p, value))
            };
            if let Some((s, label, value)) = label_start {
                push(&label, value, s..start + line.len());
            }
        } else if line.trim_start().starts_with("###") {
            // Markdown: the section's first line of content, or its ticked option.
            let label = line.trim().trim_start_matches('#').trim();
            let mut value: Option<(usize, String)> = None;
            let mut first: Option<(usize, &str)> = None;
            for &(l_start, l) in
                lines[i + 1..].iter().take_while(|(_, l)| !l.trim_start().starts_with('#'))
            {
                let t = l.trim();
                if t.is_empty() || t.starts_with("<label>") {
                    continue;
                }
                if let Some(c) = TICKED.captures(t) {
                    value = Some((l_start + l.len(), c[1].to_owned()));
                    break;
                }
                first.get_or_insert((l_start + l.len(), t));
            }
            // A section of `Label: value` lines is read line by line below.
            let value = value.or_else(|| {
                first.filter(|(_, l)| !l.contains(':')).map(|(end, l)| (end, l.to_owned()))
            });
            if let Some((end, v)) = value {
                push(label, value_of(&v), start..end);
            }
        } else if let Some((left, right)) = line.split_once(':')
            && is_label(left)
            && !right.trim_start().starts_with("//")
        {
            push(left, value_of(right), start..start + line.len());
        }
        i += 1;
    }
    out
}

/// The variable of `terms` whose label is `label`, compared without case.
pub fn find<'a>(terms: &'a [CoverTerm], label: &str) -> Option<&'a CoverTerm> {
    terms.iter().find(|t| t.label.eq_ignore_ascii_case(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_markdown_sections_and_label_lines() {
        let text = "Cloud Service Agreement\n\nOrder Form\n\nSubscription Period | {subscription_period}\n\nCloud Service Fees | USD 12,000 per year\n\nGeneral Cap Amount\nLimitation of liability amount for most claims | {general_cap_display}\n\nGoverning Law | The laws of {governing_law}\n\nIncreased Cap Amount\nHigher limitation of liability | 3 times the fees paid\n\n{IF has_unlimited}Unlimited Claims\nClaims excluded from any limitation\n{unlimited_claims} | {END-IF}\n\nThe parties shall perform. | not a row\n";
        let terms = cover_terms(text);
        let got: Vec<(&str, Option<&str>)> =
            terms.iter().map(|t| (t.label.as_str(), t.value.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("Subscription Period", None),
                ("Cloud Service Fees", Some("USD 12,000 per year")),
                ("General Cap Amount", None),
                ("Governing Law", None),
                ("Increased Cap Amount", Some("3 times the fees paid")),
                ("Unlimited Claims", None),
            ]
        );
        let t = find(&terms, "general cap amount").unwrap();
        assert!(text[t.span.clone()].starts_with("General Cap Amount"));

        let md = "# Mutual NDA\n\nThis MNDA consists of this Cover Page and the Standard Terms.\n\n### Effective Date\n[Today's date]\n\n### MNDA Term\n<label>The length</label>\n- [x]     Expires [1 year(s)] from Effective Date.\n- [ ]     Continues until terminated.\n\n### Purpose\n\nEvaluating a business relationship.\n";
        let terms = cover_terms(md);
        assert_eq!(find(&terms, "Effective Date").unwrap().value, None);
        assert_eq!(find(&terms, "MNDA Term").unwrap().value, None);
        assert_eq!(
            find(&terms, "Purpose").unwrap().value.as_deref(),
            Some("Evaluating a business relationship.")
        );
        let lines = "Cover Page\n\nGoverning Law: Delaware\nJurisdiction: [Fill in city]\n";
        let terms = cover_terms(lines);
        assert_eq!(find(&terms, "Governing Law").unwrap().value.as_deref(), Some("Delaware"));
        assert_eq!(find(&terms, "Jurisdiction").unwrap().value, None);
        // No cover page named: nothing read.
        assert!(cover_terms("Governing Law: Delaware\n").is_empty());
    }
}
