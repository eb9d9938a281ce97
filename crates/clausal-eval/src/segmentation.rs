//! Segmentation against CUAD's expert-labelled spans: do the clauses a lawyer would cite hold
//! the spans whole, without being giant?

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::extraction::cpu_seconds;
use crate::corpus::{Normalised, name_key};
use crate::error::Error;
use clausal::segment;
use clausal::{DocId, Document};

/// Categories that are facts or names, not clauses: not used for the within-one-clause figure.
const NOT_CLAUSES: &[&str] =
    &["Document Name", "Parties", "Agreement Date", "Effective Date", "Expiration Date"];

/// How well clauses hold the labelled spans, and how long clauses are.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct SegmentationReport {
    /// Contracts segmented.
    pub contracts: usize,
    /// Clauses produced.
    pub clauses: usize,
    /// Labelled clause spans found in the text (exactly, or with whitespace normalised).
    pub spans_located: usize,
    /// Labelled spans not found verbatim in the text (skipped).
    pub spans_missing: usize,
    /// Share of located spans that lie inside one clause.
    pub within_one_clause: f64,
    /// Median clause length, words.
    pub median_words: usize,
    /// 90th percentile of clause length, words.
    pub p90_words: usize,
    /// Longest clause, words.
    pub max_words: usize,
    /// Share of clauses with a printed number label.
    pub numbered_share: f64,
    /// Clauses segmented per CPU-second (segmentation only).
    pub clauses_per_cpu_second: f64,
}

#[derive(Deserialize)]
struct Span {
    filename: String,
    category: String,
    text: String,
}

/// Segments every `txt/STEM.txt` of a CUAD-like folder and checks the spans of
/// `clauses.jsonl` against the clauses.
///
/// # Errors
///
/// I/O errors; [`ErrorKind::InvalidArgument`](clausal::ErrorKind::InvalidArgument) for a
/// malformed `clauses.jsonl`.
pub fn segmentation(dir: &Path) -> crate::error::Result<SegmentationReport> {
    let path = dir.join("clauses.jsonl");
    let jsonl = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut gold: HashMap<String, Vec<String>> = HashMap::new();
    for (n, line) in jsonl.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let span: Span = serde_json::from_str(line)
            .map_err(|e| Error::invalid_argument(format!("{}:{}: {e}", path.display(), n + 1)))?;
        if NOT_CLAUSES.contains(&span.category.as_str()) {
            continue;
        }
        gold.entry(name_key(&span.filename)).or_default().push(span.text);
    }
    let txt_dir = dir.join("txt");
    let mut files: Vec<_> = std::fs::read_dir(&txt_dir)
        .map_err(|e| Error::io(&txt_dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();

    let (mut located, mut missing, mut within, mut clauses, mut numbered) = (0, 0, 0, 0, 0);
    let mut words = Vec::new();
    let mut contracts = 0;
    let mut cpu = 0.0;
    let mut wall = 0.0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        contracts += 1;
        let doc = Document::from_plain_text(DocId(0), text);
        let (c0, t0) = (cpu_seconds(), Instant::now());
        let found = segment(&doc);
        wall += t0.elapsed().as_secs_f64();
        cpu += cpu_seconds().zip(c0).map_or(0.0, |(a, b)| a - b);
        clauses += found.len();
        for c in &found {
            words.push(doc.text.get(c.span.clone()).map_or(0, |s| s.split_whitespace().count()));
            numbered += usize::from(c.number.is_some());
        }
        let normalised = Normalised::new(&doc.text);
        for g in gold.get(&name_key(&stem)).map(Vec::as_slice).unwrap_or(&[]) {
            match normalised.locate(&doc.text, g) {
                Some(r) => {
                    located += 1;
                    within += usize::from(
                        found.iter().any(|c| c.span.start <= r.start && r.end <= c.span.end),
                    );
                }
                None => missing += 1,
            }
        }
    }
    words.sort_unstable();
    let at = |q: f64| words.get(((words.len().max(1) - 1) as f64 * q).round() as usize).copied();
    Ok(SegmentationReport {
        contracts,
        clauses,
        spans_located: located,
        spans_missing: missing,
        within_one_clause: within as f64 / located.max(1) as f64,
        median_words: at(0.5).unwrap_or(0),
        p90_words: at(0.9).unwrap_or(0),
        max_words: words.last().copied().unwrap_or(0),
        numbered_share: numbered as f64 / clauses.max(1) as f64,
        // /proc CPU time has 10 ms ticks; below a second of it, wall time is the better clock.
        clauses_per_cpu_second: clauses as f64 / if cpu >= 1.0 { cpu } else { wall.max(1e-9) },
    })
}
