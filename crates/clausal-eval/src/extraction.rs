//! Extraction figures: text fidelity and speed on a labelled PDF set, and robustness on any tree
//! of files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::textsim;
use clausal::ErrorKind;

use crate::error::Error;
use clausal::ExtractOptions;

/// Fidelity and speed of PDF extraction against reference texts.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct ExtractionReport {
    /// PDFs scored.
    pub documents: usize,
    /// PDFs that failed to extract (they score 0).
    pub failed: usize,
    /// Pages extracted.
    pub pages: usize,
    /// Mean bag-of-words F1 against the reference texts.
    pub mean_f1: f64,
    /// Mean order-aware sequence ratio.
    pub mean_seq_ratio: f64,
    /// Pages per CPU-second of extraction (scoring excluded).
    pub pages_per_cpu_second: f64,
    /// Wall time of extraction, seconds.
    pub extract_wall_seconds: f64,
    /// The lowest-scoring documents: (file, F1, sequence ratio).
    pub worst: Vec<(String, f64, f64)>,
}

/// Extracts every `pdf/STEM.pdf` of `dir` with all text (furniture in place) and scores it
/// against `txt/STEM.txt`, as `../shared/data/cuad` is laid out. `sample` takes every k-th file
/// so that about that many are scored; `None` scores all.
///
/// # Errors
///
/// I/O errors reading the folders; [`ErrorKind::InvalidArgument`] when `dir` has no `pdf/` with
/// matching `txt/` files.
pub fn extraction(dir: &Path, sample: Option<usize>) -> crate::error::Result<ExtractionReport> {
    let pdf_dir = dir.join("pdf");
    let txt_dir = dir.join("txt");
    let mut pairs = Vec::new();
    for path in list_files(&pdf_dir)? {
        let Some(stem) = path.file_stem() else { continue };
        // Not `with_extension`: stems such as "ACME INC. - MSA" contain dots.
        let mut name = stem.to_os_string();
        name.push(".txt");
        let reference = txt_dir.join(name);
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) && reference.is_file() {
            pairs.push((path, reference));
        }
    }
    if pairs.is_empty() {
        return Err(Error::invalid_argument(format!(
            "{}: expected pdf/STEM.pdf with txt/STEM.txt",
            dir.display()
        )));
    }
    if let Some(n) = sample {
        let step = pairs.len().div_ceil(n.max(1)).max(1);
        pairs = pairs.into_iter().step_by(step).collect();
    }
    let options = ExtractOptions { keep_furniture: true, ..Default::default() };

    let cpu0 = cpu_seconds();
    let wall0 = Instant::now();
    let extracted: Vec<Option<(String, usize)>> = pairs
        .par_iter()
        .map(|(pdf, _)| {
            let docs = clausal::extract(pdf, &options).ok()?;
            let doc = docs.into_iter().next()?;
            Some((doc.text, doc.pages.len()))
        })
        .collect();
    let extract_wall_seconds = wall0.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu0).map(|(a, b)| a - b);

    let scores: Vec<(String, f64, f64)> = pairs
        .par_iter()
        .zip(&extracted)
        .map(|((pdf, txt), got)| {
            let name =
                pdf.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let reference = std::fs::read(txt).map(|b| String::from_utf8_lossy(&b).into_owned());
            match (got, reference) {
                (Some((text, _)), Ok(reference)) => {
                    let a = textsim::words(&reference);
                    let b = textsim::words(text);
                    (name, textsim::bow_f1(&a, &b), textsim::seq_ratio(&a, &b))
                }
                _ => (name, 0.0, 0.0),
            }
        })
        .collect();
    let n = scores.len() as f64;
    let pages: usize = extracted.iter().flatten().map(|(_, p)| p).sum();
    let mut worst = scores.clone();
    worst.sort_by(|a, b| (a.1 + a.2).total_cmp(&(b.1 + b.2)));
    worst.truncate(10);
    Ok(ExtractionReport {
        documents: scores.len(),
        failed: extracted.iter().filter(|e| e.is_none()).count(),
        pages,
        mean_f1: scores.iter().map(|s| s.1).sum::<f64>() / n,
        mean_seq_ratio: scores.iter().map(|s| s.2).sum::<f64>() / n,
        pages_per_cpu_second: pages as f64 / cpu.unwrap_or(extract_wall_seconds).max(1e-9),
        extract_wall_seconds,
        worst,
    })
}

/// What happened to every file of a tree.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct RobustnessReport {
    /// Files tried.
    pub files: usize,
    /// Outcome per file, tallied: `ok`, `limit_exceeded:<limit>`, `encrypted`, `malformed`,
    /// `unsupported`, `io`, `panic`.
    pub outcomes: BTreeMap<String, usize>,
    /// Documents produced (files, mbox messages, attachments).
    pub documents: usize,
    /// Files that panicked: each is a bug.
    pub panics: Vec<String>,
    /// The slowest file and its seconds.
    pub slowest: Option<(String, f64)>,
    /// Peak resident memory of the process, bytes (Linux), after all files.
    pub peak_rss_bytes: Option<u64>,
}

/// Extracts every file under `dir` in this process, one at a time, and tallies the outcomes.
///
/// A panic is caught and counted so that the report is complete, but it is a bug: the
/// extractors must turn every input into a document or a typed error.
///
/// # Errors
///
/// I/O errors listing the tree.
pub fn robustness(dir: &Path) -> crate::error::Result<RobustnessReport> {
    let files = list_files_recursive(dir)?;
    let options = ExtractOptions::default();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut panics = Vec::new();
    let mut documents = 0;
    let mut slowest: Option<(String, f64)> = None;
    for file in &files {
        let start = Instant::now();
        let result = std::panic::catch_unwind(|| clausal::extract(file, &options));
        let seconds = start.elapsed().as_secs_f64();
        let name = file.display().to_string();
        if slowest.as_ref().is_none_or(|(_, s)| seconds > *s) {
            slowest = Some((name.clone(), seconds));
        }
        let outcome = match result {
            Ok(Ok(docs)) => {
                documents += docs.len();
                "ok".to_owned()
            }
            Ok(Err(e)) => outcome_name(&e),
            Err(_) => {
                panics.push(name);
                "panic".to_owned()
            }
        };
        *outcomes.entry(outcome).or_default() += 1;
    }
    Ok(RobustnessReport {
        files: files.len(),
        outcomes,
        documents,
        panics,
        slowest,
        peak_rss_bytes: peak_rss_bytes(),
    })
}

/// A short name for an extraction error's cause.
pub fn outcome_name(e: &clausal::Error) -> String {
    match e.kind() {
        ErrorKind::LimitExceeded { limit, .. } => format!("limit_exceeded:{limit}"),
        ErrorKind::Encrypted { .. } => "encrypted".into(),
        ErrorKind::MalformedDocument { .. } => "malformed".into(),
        ErrorKind::UnsupportedFormat { .. } => "unsupported".into(),
        ErrorKind::Io { .. } => "io".into(),
        _ => "other".into(),
    }
}

fn list_files(dir: &Path) -> crate::error::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Every file under `dir`, recursively, sorted by path.
pub(crate) fn list_files_recursive(dir: &Path) -> crate::error::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))? {
            let entry = entry.map_err(|e| Error::io(&d, e))?;
            let file_type = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
            if file_type.is_dir() {
                stack.push(entry.path());
            } else if file_type.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// CPU seconds (user + system) this process has used, from `/proc/self/stat` (Linux).
pub(crate) fn cpu_seconds() -> Option<f64> {
    stat_cpu_seconds(false)
}

/// CPU seconds of this process and, with `children`, of the child processes it has waited for
/// (OCR's Tesseract runs), from `/proc/self/stat` (Linux).
pub(crate) fn stat_cpu_seconds(children: bool) -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime, stime, cutime and cstime are fields
    // 14 to 17.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let last = if children { 14 } else { 12 };
    let mut sum = 0.0;
    for i in 11..=last {
        sum += fields.get(i)?.parse::<f64>().ok()?;
    }
    // Linux reports in USER_HZ, which is 100 on every mainstream architecture.
    Some(sum / 100.0)
}

/// Peak resident set size (`VmHWM`), bytes (Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
