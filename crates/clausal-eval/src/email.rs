//! Email headers and bodies against mail-parser's expected outputs.
//!
//! mail-parser's test suite ships messages (`X.eml`) with the parse it expects (`X.json`: a
//! serialised `Message` with `parts[0].headers`, `text_body` / `html_body` part ids and part
//! bodies). This evaluation extracts every such message with clausal and compares `from`, `to`,
//! `cc` (addresses as `Name <addr>`), `subject`, `date` (RFC 3339), `message-id` and the body
//! text (as words; HTML bodies with their tags stripped) with the expected values.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use clausal::{ExtractOptions, extract_bytes};

/// The fields compared, in report order.
pub const EMAIL_FIELDS: [&str; 7] = ["from", "to", "cc", "subject", "date", "message-id", "body"];

/// Agreement per field with mail-parser's expected outputs.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct EmailReport {
    /// Messages compared.
    pub messages: usize,
    /// Per field: (field, agreeing messages, messages).
    pub agreement: Vec<(String, usize, usize)>,
    /// Mean share of the expected body words found in ours (multiset overlap).
    pub mean_body_overlap: f64,
    /// Disagreements: (file, field, ours, expected).
    pub differences: Vec<(String, String, String, String)>,
}

/// Compares every `X.eml` under `dir` that has an `X.json` beside it.
///
/// # Errors
///
/// I/O errors listing `dir`.
pub fn email(dir: &Path) -> crate::error::Result<EmailReport> {
    let mut files = Vec::new();
    files_under(dir, &mut files)?;
    let mut agree: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut overlaps = Vec::new();
    let mut differences = Vec::new();
    let mut messages = 0;
    for eml in files.iter().filter(|p| p.extension().is_some_and(|e| e == "eml")) {
        let json_path = eml.with_extension("json");
        let (Ok(raw), Ok(json)) = (std::fs::read(eml), std::fs::read(&json_path)) else {
            continue;
        };
        let Ok(expected): Result<Value, _> = serde_json::from_slice(&json) else { continue };
        messages += 1;
        let doc = extract_bytes(&raw, &eml.display().to_string(), &ExtractOptions::default())
            .ok()
            .and_then(|docs| docs.into_iter().next());
        let parts = expected.get("parts").and_then(Value::as_array).cloned().unwrap_or_default();
        let headers = parts
            .first()
            .and_then(|p| p.get("headers"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for field in EMAIL_FIELDS {
            let (ours, theirs) = if field == "body" {
                let theirs = words(&expected_body(&expected, &parts));
                let ours = words(doc.as_ref().map_or("", |d| d.text.as_str()));
                overlaps.push(overlap(&ours, &theirs));
                (vec![ours.join(" ")], vec![theirs.join(" ")])
            } else {
                let name = field.replace('-', "_");
                let mut theirs = Vec::new();
                for h in &headers {
                    if h.get("name").and_then(Value::as_str) == Some(name.as_str())
                        && let Some(v) = h.get("value")
                    {
                        if matches!(field, "subject" | "date") && !theirs.is_empty() {
                            continue; // mail-parser keeps the first
                        }
                        theirs.extend(expected_values(field, v));
                    }
                }
                let mut ours =
                    doc.as_ref().and_then(|d| d.metadata.get(field).cloned()).unwrap_or_default();
                if field == "date" {
                    ours.truncate(1);
                }
                (squash(ours), squash(theirs))
            };
            let entry = agree.entry(field).or_default();
            entry.1 += 1;
            if ours == theirs {
                entry.0 += 1;
            } else {
                let short = |v: &[String]| {
                    let s = format!("{v:?}");
                    s.chars().take(200).collect::<String>()
                };
                differences.push((
                    eml.display().to_string(),
                    field.to_owned(),
                    short(&ours),
                    short(&theirs),
                ));
            }
        }
    }
    Ok(EmailReport {
        messages,
        agreement: EMAIL_FIELDS
            .iter()
            .map(|f| {
                let (a, n) = agree.get(f).copied().unwrap_or_default();
                ((*f).to_owned(), a, n)
            })
            .collect(),
        mean_body_overlap: overlaps.iter().sum::<f64>() / overlaps.len().max(1) as f64,
        differences,
    })
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> crate::error::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out)?;
        } else if p.is_file() {
            out.push(p);
        }
    }
    Ok(())
}

/// Whitespace-normalised, non-empty values.
fn squash(values: Vec<String>) -> Vec<String> {
    values
        .into_iter()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect()
}

fn address(v: &Value) -> Option<String> {
    let name = v.get("name").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let addr = v.get("address").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    match (name, addr) {
        (Some(n), Some(a)) if !n.eq_ignore_ascii_case(a) => Some(format!("{n} <{a}>")),
        (_, Some(a)) => Some(a.to_owned()),
        (Some(n), None) => Some(n.to_owned()),
        _ => None,
    }
}

/// The values clausal should give for one header of mail-parser's serialised `HeaderValue`.
fn expected_values(field: &str, v: &Value) -> Vec<String> {
    if let Some(addr) = v.get("Address") {
        let mut out: Vec<String> = addr
            .get("List")
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(address).collect())
            .unwrap_or_default();
        for group in addr.get("Group").and_then(Value::as_array).into_iter().flatten() {
            let list = group.get("addresses").and_then(Value::as_array);
            out.extend(list.into_iter().flatten().filter_map(address));
        }
        return out;
    }
    if let Some(dt) = v.get("DateTime") {
        let n = |k: &str| dt.get(k).and_then(Value::as_u64).unwrap_or(0);
        let (y, mo, d, h, mi, s) =
            (n("year"), n("month"), n("day"), n("hour"), n("minute"), n("second"));
        let (th, tm) = (n("tz_hour"), n("tz_minute"));
        if !((1..=12).contains(&mo) && (1..=31).contains(&d) && h <= 23 && mi <= 59 && s <= 59) {
            return vec!["<invalid date>".into()];
        }
        let before = dt.get("tz_before_gmt").and_then(Value::as_bool).unwrap_or(false);
        let tz = if th != 0 || tm != 0 {
            format!("{}{th:02}:{tm:02}", if before { "-" } else { "+" })
        } else {
            "Z".into()
        };
        return vec![format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{tz}")];
    }
    let clean = |s: &str| -> String {
        if field == "message-id" {
            s.trim().trim_start_matches('<').trim_end_matches('>').trim().to_owned()
        } else {
            s.to_owned()
        }
    };
    if let Some(t) = v.get("Text").and_then(Value::as_str) {
        return vec![clean(t)];
    }
    if let Some(list) = v.get("TextList").and_then(Value::as_array) {
        let all = list.iter().filter_map(Value::as_str).map(clean);
        return if field == "subject" { all.take(1).collect() } else { all.collect() };
    }
    Vec::new()
}

/// The expected body: the text parts mail-parser chose, else its HTML parts without tags.
fn expected_body(expected: &Value, parts: &[Value]) -> String {
    let ids = |key: &str| -> Vec<usize> {
        expected
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_u64).map(|i| i as usize).collect())
            .unwrap_or_default()
    };
    let texts = |ids: Vec<usize>| -> Vec<String> {
        ids.into_iter()
            .filter_map(|id| {
                let body = parts.get(id)?.get("body")?;
                body.get("Text")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| body.get("Html").and_then(Value::as_str).map(strip_tags))
            })
            .collect()
    };
    let mut found = texts(ids("text_body"));
    if found.is_empty() {
        found = texts(ids("html_body"));
    }
    found.join("\n")
}

/// Removes tags (and the content of style, script and title elements); decodes the common
/// entities. Enough for the expected side of a comparison by words.
fn strip_tags(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::new();
    let mut rest = 0;
    while let Some(open) = lower[rest..].find('<').map(|i| rest + i) {
        out.push_str(&html[rest..open]);
        out.push(' ');
        let skip_to = ["style", "script", "title"]
            .iter()
            .find(|t| lower[open + 1..].starts_with(**t))
            .and_then(|t| lower[open..].find(&format!("</{t}")).map(|i| open + i));
        let from = skip_to.unwrap_or(open);
        rest = lower[from..].find('>').map_or(html.len(), |i| from + i + 1);
    }
    out.push_str(&html[rest..]);
    out.replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

/// Multiset overlap of the words, over the longer side.
fn overlap(ours: &[String], theirs: &[String]) -> f64 {
    if theirs.is_empty() {
        return if ours.is_empty() { 1.0 } else { 0.0 };
    }
    let mut bag: BTreeMap<&str, i64> = BTreeMap::new();
    for w in ours {
        *bag.entry(w).or_default() += 1;
    }
    let mut hit = 0;
    for w in theirs {
        if let Some(n) = bag.get_mut(w.as_str())
            && *n > 0
        {
            *n -= 1;
            hit += 1;
        }
    }
    hit as f64 / theirs.len().max(ours.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_and_scripts() {
        assert_eq!(
            strip_tags("<p>Hi &amp; bye</p><script>x<y</script><b>end</b>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["Hi", "&", "bye", "end"]
        );
        assert_eq!(overlap(&words("a b c"), &words("a b d")), 2.0 / 3.0);
    }
}
