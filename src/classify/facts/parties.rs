//! Parties: the names a contract gives its parties, with the role each is defined as.
//!
//! [`parties`] reads the "Acme Widgets, Inc., a Delaware corporation ("Company")" pattern in
//! the first part of a contract.

use std::sync::LazyLock;

use regex::Regex;

use super::{Fact, FactValue, floor_boundary};

static PARTY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?P<name>[A-Z][A-Za-z0-9&.,'\- ]{1,80}?)(?:\s*\([^()"“]{0,120}\))?(?:\s*,\s*an?\s+[^()"“]{0,120}?)?\s*,?\s*\(\s*(?:the\s+|hereinafter\s+(?:referred\s+to\s+as\s+)?(?:the\s+)?)?["“](?P<role>[A-Z][A-Za-z \-]{1,40})["”]"#)
        .expect("regex")
});

/// Parties with their defined roles, from "X, a Delaware corporation ("Company")" patterns in
/// the first part of the text.
pub(super) fn parties(text: &str) -> Vec<Fact> {
    let head_end = floor_boundary(text, 6000);
    let mut out = Vec::new();
    for c in PARTY.captures_iter(&text[..head_end]) {
        let (Some(name), Some(role), Some(whole)) = (c.name("name"), c.name("role"), c.get(0))
        else {
            continue;
        };
        let name = name.as_str().trim().trim_end_matches(',').trim();
        let name = name.rsplit(" and ").next().unwrap_or(name);
        let name = name.rsplit(" between ").next().unwrap_or(name).trim();
        if name.split_whitespace().count() > 12 || name.len() < 2 {
            continue;
        }
        out.push(Fact {
            value: FactValue::Party {
                name: name.to_owned(),
                role: Some(role.as_str().trim().to_owned()),
            },
            span: whole.range(),
        });
    }
    out
}
