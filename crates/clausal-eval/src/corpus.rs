//! Reading a folder laid out like CUAD (`txt/*.txt`, `clauses.jsonl`) into segmented contracts
//! with their labelled spans: the training data of the shipped classifier and the ground truth
//! of `clausal eval cuad`.
//!
//! CUAD gives each labelled span as text, not offsets; a span is located in its contract's text
//! exactly or, failing that, with whitespace runs collapsed. Spans that cannot be found are
//! counted, not guessed.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;

use crate::error::Error;
use clausal::{Clause, segment};
use clausal::{ClauseKind, LabelledClause, clause_views, named_kinds};
use clausal::{DocId, Document};

/// One contract of the folder, segmented, with its located gold spans.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CuadContract {
    /// File stem (CUAD's contract name).
    pub name: String,
    /// The contract text as a document (its id is the hash of the text).
    pub doc: Document,
    /// Its clauses.
    pub clauses: Vec<Clause>,
    /// Located gold spans: the kind of the CUAD category and the byte range.
    pub gold: Vec<(ClauseKind, Range<usize>)>,
    /// Gold spans of clause categories that could not be located in the text.
    pub unlocated: usize,
    /// Its contract type from `contracts.csv` ("License_Agreements", "Hosting", ...), when the
    /// folder has one that names it.
    pub contract_type: Option<String>,
}

#[derive(Deserialize)]
struct Span {
    filename: String,
    category: String,
    text: String,
}

/// Reads and segments every `txt/*.txt` of `dir` (in name order) with the spans of
/// `clauses.jsonl` whose category is a [`ClauseKind`].
///
/// # Errors
///
/// I/O errors; [`ErrorKind::InvalidArgument`](clausal::ErrorKind::InvalidArgument) for a
/// malformed `clauses.jsonl`.
pub fn load(dir: &Path) -> crate::error::Result<Vec<CuadContract>> {
    let path = dir.join("clauses.jsonl");
    let jsonl = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut spans: HashMap<String, Vec<(ClauseKind, String)>> = HashMap::new();
    for (n, line) in jsonl.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let span: Span = serde_json::from_str(line)
            .map_err(|e| Error::invalid_argument(format!("{}:{}: {e}", path.display(), n + 1)))?;
        let Some(kind) = ClauseKind::from_cuad_category(&span.category) else { continue };
        spans.entry(name_key(&span.filename)).or_default().push((kind, span.text));
    }
    let types = contract_types(dir)?;
    let txt_dir = dir.join("txt");
    let mut files: Vec<_> = std::fs::read_dir(&txt_dir)
        .map_err(|e| Error::io(&txt_dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .par_iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
            let name =
                file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let doc = Document::from_plain_text(DocId::of_bytes(text.as_bytes()), text);
            let clauses = segment(&doc);
            let normalised = Normalised::new(&doc.text);
            let mut gold = Vec::new();
            let mut unlocated = 0;
            for (kind, span) in spans.get(&name_key(&name)).map(Vec::as_slice).unwrap_or(&[]) {
                match normalised.locate(&doc.text, span) {
                    Some(range) => gold.push((*kind, range)),
                    None => unlocated += 1,
                }
            }
            let contract_type = types.get(&name_key(&name)).cloned();
            Ok(CuadContract { name, doc, clauses, gold, unlocated, contract_type })
        })
        .collect()
}

/// The contract type of each contract named in `contracts.csv` (columns `stem` and
/// `contract_type`), by [`name_key`]; empty when the folder has no such file.
pub(crate) fn contract_types(dir: &Path) -> crate::error::Result<HashMap<String, String>> {
    let path = dir.join("contracts.csv");
    if !path.exists() {
        return Ok(HashMap::new());
    }
    let mut reader = csv::Reader::from_path(&path)
        .map_err(|e| Error::invalid_argument(format!("{}: {e}", path.display())))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::invalid_argument(format!("{}: {e}", path.display())))?
        .clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            Error::invalid_argument(format!("{}: no column {name:?}", path.display()))
        })
    };
    let (stem, kind) = (column("stem")?, column("contract_type")?);
    let mut out = HashMap::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| Error::invalid_argument(format!("{}: {e}", path.display())))?;
        if let (Some(s), Some(t)) = (record.get(stem), record.get(kind))
            && !t.trim().is_empty()
        {
            out.insert(name_key(s), t.trim().to_owned());
        }
    }
    Ok(out)
}

impl CuadContract {
    /// The clauses with their labels: the CUAD kinds of the gold spans a clause overlaps by at
    /// least half of the shorter of the two, plus the kinds CUAD does not label whose heading
    /// pattern matches the clause's heading, the start of its text ("14.7 Force Majeure Neither
    /// party ...") or, when neither names a kind, its parent's heading (see `named_kinds`). Definitions get no
    /// kinds from headings: `"Force Majeure" means ...` defines a term, it is not the clause.
    /// Then each located gold span alone, labelled with its category: clean positive text.
    pub fn labelled_clauses(&self) -> Vec<LabelledClause> {
        let mut out: Vec<LabelledClause> = self
            .clauses
            .iter()
            .zip(clause_views(&self.doc, &self.clauses))
            .map(|(c, view)| {
                let mut kinds: Vec<ClauseKind> = self
                    .gold
                    .iter()
                    .filter(|(_, g)| {
                        let overlap = overlap(&c.span, g);
                        overlap > 0 && 2 * overlap >= g.len().min(c.span.len())
                    })
                    .map(|(k, _)| *k)
                    .collect();
                kinds.extend(
                    named_kinds(&view).into_iter().filter(|k| k.info().cuad_category.is_none()),
                );
                kinds.sort_unstable();
                kinds.dedup();
                LabelledClause {
                    text: view.text.to_owned(),
                    heading: c.heading.clone(),
                    parent_heading: view.parent_heading.map(str::to_owned),
                    parent_text: view.parent_text.map(|t| {
                        let end = t.char_indices().nth(600).map_or(t.len(), |(i, _)| i);
                        t[..end].to_owned()
                    }),
                    kinds,
                    document: Some(self.name.clone()),
                    passage: false,
                }
            })
            .collect();
        // Each located gold span on its own, as clean positive text for its category.
        for (kind, range) in &self.gold {
            out.push(LabelledClause {
                text: self.doc.text.get(range.clone()).unwrap_or("").to_owned(),
                kinds: vec![*kind],
                document: Some(self.name.clone()),
                passage: true,
                ..LabelledClause::default()
            });
        }
        out
    }
}

/// A contract name for matching: CUAD's file names and its txt/ names differ in case and
/// punctuation ("A&R" is "A_R"), so only lower-cased letters and digits count.
pub fn name_key(name: &str) -> String {
    let lower = name.to_lowercase();
    let stem = lower.strip_suffix(".pdf").or(lower.strip_suffix(".txt")).unwrap_or(&lower);
    stem.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Bytes two ranges share.
pub(crate) fn overlap(a: &Range<usize>, b: &Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// A text with whitespace runs collapsed to one space, mapped back to byte offsets.
pub(crate) struct Normalised {
    text: String,
    map: Vec<usize>,
}

impl Normalised {
    pub(crate) fn new(s: &str) -> Normalised {
        let mut text = String::with_capacity(s.len());
        let mut map = Vec::with_capacity(s.len() + 1);
        let mut in_space = false;
        for (i, c) in s.char_indices() {
            if c.is_whitespace() {
                if !in_space {
                    text.push(' ');
                    map.push(i);
                }
                in_space = true;
            } else {
                in_space = false;
                let start = text.len();
                text.push(c);
                map.extend(std::iter::repeat_n(i, text.len() - start));
            }
        }
        map.push(s.len());
        Normalised { text, map }
    }

    /// The byte range of `needle` in `original`: exact, else with whitespace normalised.
    pub(crate) fn locate(&self, original: &str, needle: &str) -> Option<Range<usize>> {
        let needle = needle.trim();
        if needle.is_empty() {
            return None;
        }
        if let Some(p) = original.find(needle) {
            return Some(p..p + needle.len());
        }
        let n = Normalised::new(needle).text;
        let n = n.trim();
        let p = self.text.find(n)?;
        let start = *self.map.get(p)?;
        let last = *self.map.get(p + n.len() - 1)?;
        let end = last + original.get(last..)?.chars().next()?.len_utf8();
        Some(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_with_normalised_whitespace() {
        let text = "The  Supplier\nshall   indemnify é the Customer.";
        let n = Normalised::new(text);
        let r = n.locate(text, "Supplier shall indemnify é").unwrap();
        assert_eq!(&text[r], "Supplier\nshall   indemnify é");
        assert_eq!(n.locate(text, "absent"), None);
    }

    #[test]
    fn overlap_of_ranges() {
        assert_eq!(overlap(&(0..10), &(5..20)), 5);
        assert_eq!(overlap(&(0..10), &(10..20)), 0);
        assert_eq!(overlap(&(3..4), &(0..20)), 1);
    }
}
