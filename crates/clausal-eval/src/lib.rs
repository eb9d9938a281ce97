//! clausal-eval: the evaluation programs of clausal, apart from the engine a user links.
//!
//! Quality figures measured on labelled data read from a path: CUAD (clause kinds,
//! segmentation, facts, force majeure), ACORD (retrieval), LEDGAR-style labels, mail-parser's
//! test suite, DOCX numbering and `.doc` / RTF / ODT text against LibreOffice, the risk rules
//! and reviewers' feedback, and throughput and ingestion figures. Each evaluation returns a report that can be printed or
//! serialised, and the thresholds the project's CI holds the engine to are constants here
//! (`MIN_*`, `MAX_*`), so retuning a gate is not an API change of the engine. [`cli`] runs them
//! as `clausal eval ...` subcommands.
//!
//! Nothing here embeds data: reference sets are read from files the caller names, so the same
//! programs measure the engine on a user's own archive laid out the same way.

use std::path::Path;

use serde::{Deserialize, Serialize};

mod acord;
pub mod cli;
pub mod corpus;
mod cuad;
mod deadlines;
mod docx;
mod email;
mod error;
mod extraction;
mod facts;
mod ingest;
mod library;
mod ocr;
mod office;
mod packs;
mod risk;
mod roles;
mod segmentation;
pub mod textsim;
mod threads;
mod throughput;

pub use acord::{AcordReport, ModeScores, RankingScores, TUNING_SPLIT, acord};
pub use cuad::{
    CategoryScore, CuadReport, FmCase, FoldBy, Folds, MAX_MEDIAN_WORDS, MIN_CLAUSE_MACRO_F1,
    MIN_DOC_MACRO_F1, MIN_FACTS, MIN_FM_PRECISION, MIN_FM_RECALL, MIN_SUPPORT,
    MIN_WITHIN_ONE_CLAUSE, cuad,
};
pub use deadlines::{DeadlinesReport, FieldScore, MIN_DEADLINE_ACCURACY, deadlines};
pub use docx::{
    DocxFileScore, DocxReport, LabelDifference, MIN_LABEL_PRECISION, MIN_LABEL_RECALL,
    MIN_MEAN_WORD_F1, docx,
};
pub use email::{EMAIL_FIELDS, EmailReport, email};
pub use extraction::{
    ExtractionReport, RobustnessReport, extraction, outcome_name, peak_rss_bytes, robustness,
};
pub use facts::{FactsReport, facts};
pub use ingest::{IngestEvalReport, MAX_RERUN_SHARE, ingest};
pub use library::{
    DeviationCase, EditScore, GeneratedReport, MAX_COVERING_OUTDATED, MAX_REWORDINGS_REPORTED,
    MIN_EDITS_DETECTED, MIN_OUTDATED, OutdatedReport, generated, outdated,
};
pub use ocr::{
    ImageOnlyPdf, MAX_SKEW_DEGREES, MIN_OCR_SEQ_RATIO, MIN_OCR_WORD_F1, NOISE_SIGMA, OcrReport,
    SCAN_DPI, ScanScore, make_scans, ocr,
};
pub use office::{
    FormatScore, MIN_OFFICE_WORD_F1, OFFICE_EXTENSIONS, OfficeFileScore, OfficeReport, office,
};
pub use packs::{
    MIN_PACK_PRECISION, MIN_PACK_RECALL, PACK_RULES, PACKS, PackRuleScore, PacksReport, packs,
};
pub use risk::{
    EVAL_AS_OF, FEEDBACK_POINTS, FeedbackPoint, FeedbackReport, FmRuleReport,
    MAX_FM_COVERING_FLAGGED, MIN_FM_RULE_PRECISION, MIN_FM_RULE_RECALL, MIN_NO_FM, RULE_CATEGORIES,
    RiskCase, RuleScore, RulesReport, feedback, fm, rules,
};
pub use roles::{MIN_LINK_ACCURACY, MIN_ROLE_ACCURACY, RoleMiss, RolesReport, roles};
pub use segmentation::{SegmentationReport, segmentation};
pub use threads::{ThreadMiss, ThreadsReport, threads};
pub use throughput::{ThroughputReport, process_cpu_seconds, throughput};

use clausal::Embedder;

use crate::error::Error;
pub use crate::error::Result;

/// How closely an embedder reproduces reference vectors (e.g. from PyTorch
/// sentence-transformers).
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct ParityReport {
    /// The embedder's model id.
    pub model: String,
    /// Sentences compared.
    pub sentences: usize,
    /// The lowest cosine similarity between a reference vector and ours.
    pub min_cosine: f64,
    /// The mean cosine similarity.
    pub mean_cosine: f64,
    /// The sentence with the lowest cosine.
    pub worst_text: String,
    /// Sentences embedded per second (wall time of the one `embed` call).
    pub sentences_per_second: f64,
}

#[derive(Deserialize)]
struct ReferenceFile {
    items: Vec<ReferenceItem>,
}

#[derive(Deserialize)]
struct ReferenceItem {
    text: String,
    embedding: Vec<f32>,
}

/// Embeds every sentence of a reference file and compares with its reference vector.
///
/// The file is JSON: `{"items": [{"text": "...", "embedding": [...]}, ...]}`, as made by
/// sentence-transformers' `encode(..., normalize_embeddings=True)`.
///
/// # Errors
///
/// I/O and format errors for the file; an error if it
/// holds no items or a reference vector's dimension differs from the embedder's; any error of
/// the embedder.
pub fn parity(embedder: &dyn Embedder, reference: &Path) -> Result<ParityReport> {
    let bytes = std::fs::read(reference).map_err(|e| Error::io(reference, e))?;
    let file: ReferenceFile = serde_json::from_slice(&bytes)
        .map_err(|e| Error::invalid_argument(format!("{}: {e}", reference.display())))?;
    if file.items.is_empty() {
        return Err(Error::invalid_argument(format!("{}: no items", reference.display())));
    }
    let texts: Vec<&str> = file.items.iter().map(|i| i.text.as_str()).collect();
    let start = std::time::Instant::now();
    let vectors = embedder.embed(&texts)?;
    let seconds = start.elapsed().as_secs_f64();
    let mut min = (f64::INFINITY, 0);
    let mut sum = 0.0;
    for (i, (item, v)) in file.items.iter().zip(&vectors).enumerate() {
        if item.embedding.len() != v.len() {
            return Err(Error::invalid_argument(format!(
                "{}: item {i} has dimension {}, the embedder {}",
                reference.display(),
                item.embedding.len(),
                v.len()
            )));
        }
        let c = cosine(&item.embedding, v);
        sum += c;
        if c < min.0 {
            min = (c, i);
        }
    }
    Ok(ParityReport {
        model: embedder.model_id().to_owned(),
        sentences: file.items.len(),
        min_cosine: min.0,
        mean_cosine: sum / file.items.len() as f64,
        worst_text: file.items[min.1].text.clone(),
        sentences_per_second: file.items.len() as f64 / seconds.max(1e-9),
    })
}

/// Cosine similarity computed in f64.
pub(crate) fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let (mut dot, mut na, mut nb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    dot / (na.sqrt() * nb.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_basics() {
        assert!((cosine(&[1.0, 0.0], &[1.0, 0.0]) - 1.0).abs() < 1e-12);
        assert!(cosine(&[1.0, 0.0], &[0.0, 2.0]).abs() < 1e-12);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
    }
}
