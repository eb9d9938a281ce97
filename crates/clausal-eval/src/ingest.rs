//! Bulk ingestion figures: ingest a folder into a fresh index, then ingest it again unchanged.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use clausal::Embedder;
use clausal::{Index, IngestOptions, IngestReport, ModelIdentity};

/// The re-run of an unchanged archive must take less than this share of the first run.
pub const MAX_RERUN_SHARE: f64 = 0.05;

/// The report of [`ingest`].
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct IngestEvalReport {
    /// Files ingested.
    pub files: usize,
    /// The first ingest.
    pub first: IngestReport,
    /// The second ingest of the same, unchanged files.
    pub rerun: IngestReport,
    /// Bytes of the index on disk after the first ingest.
    pub index_bytes: u64,
    /// Peak resident memory of the process (Linux), bytes.
    pub peak_rss_bytes: Option<u64>,
}

impl IngestEvalReport {
    /// The re-run's wall time as a share of the first run's.
    pub fn rerun_share(&self) -> f64 {
        self.rerun.timings.total.as_secs_f64() / self.first.timings.total.as_secs_f64().max(1e-9)
    }

    /// Every file was handled, and the re-run skipped every file quickly.
    pub fn passes(&self) -> bool {
        self.first.indexed + self.first.failed.len() as u64 == self.files as u64
            && self.rerun.unchanged == self.first.indexed
            && self.rerun.indexed == 0
            && self.rerun_share() < MAX_RERUN_SHARE
    }
}

/// Ingests the files of `dir` (the first `limit`, sorted by name) into a fresh index in `work`,
/// then again.
///
/// # Errors
///
/// If `dir` cannot be listed, `work` is not empty; index and embedder errors.
pub fn ingest(
    dir: &Path,
    limit: Option<usize>,
    work: &Path,
    embedder: &dyn Embedder,
    progress: &mut dyn FnMut(&clausal::IngestEvent<'_>),
) -> Result<IngestEvalReport> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    files.sort();
    files.truncate(limit.unwrap_or(usize::MAX));
    let index = Index::create_in_dir(work, ModelIdentity::of(embedder))?;
    let options = IngestOptions::default();
    let first = clausal::ingest(&mut index.writer()?, &files, embedder, &options, progress)?;
    let index_bytes = index.reader()?.searcher().stats()?.disk_bytes;
    let rerun = clausal::ingest(&mut index.writer()?, &files, embedder, &options, &mut |_| {})?;
    Ok(IngestEvalReport {
        files: files.len(),
        first,
        rerun,
        index_bytes,
        peak_rss_bytes: super::peak_rss_bytes(),
    })
}
