//! Ingestion, the pipeline above the store: files and folders in, committed clauses out.
//!
//! [`ingest`] runs every stage in order: read and hash a file, [`extract`](crate::extract) its
//! documents, [`segment`](crate::segment::segment) them into clauses, type the clauses and read
//! their facts ([`Classifier::analyze`]), embed the clause texts, and hand the analysed
//! documents to the [`IndexWriter`], which only stores them.
//!
//! Files are read, hashed, extracted, segmented, classified and their facts read in parallel
//! (rayon), a chunk at a time; the chunk's new clause texts are then embedded together (the
//! embedder sorts them by length so batches carry little padding) and written. A commit lands
//! every [`IngestOptions::commit_every`] files or [`IngestOptions::commit_interval`], so an
//! interrupted ingest loses at most that much work, and a resumed one skips every file whose
//! bytes the index already holds.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::classify::{Analysis, Classifier};
use crate::deadlines::{ClauseSpan, KeyDates};
use crate::embed::Embedder;
use crate::error::{Error, Result};
use crate::extract::{DocId, Document, ExtractOptions, extract_bytes};
use crate::index::records::{AnalyzedClause, AnalyzedDocument, FileKey, document_date};
use crate::index::{ClauseId, CommitInfo, IndexWriter, ModelIdentity, TextHash};
use crate::segment::{Clause, segment};

/// How [`ingest`] works. Use as `IngestOptions { prune: true,
/// ..Default::default() }`: fields may be added.
#[derive(Clone, Debug)]
pub struct IngestOptions {
    /// Extraction options and limits, applied to every file.
    pub extract: ExtractOptions,
    /// Commit after this many changed files (files are then analysed at most this many at a
    /// time).
    pub commit_every: usize,
    /// Commit at least this often while files keep changing.
    pub commit_interval: Duration,
    /// Files analysed in parallel before their clauses are embedded together.
    pub chunk_files: usize,
    /// Remove from the index the files under the given folders that no longer exist.
    pub prune: bool,
    /// Ingest only the files whose content falls in this shard; a file the index holds whose
    /// new content falls in another shard is removed (it moved there).
    pub shard: Option<Shard>,
    /// Set from another thread (a Ctrl-C handler, a progress callback) to stop the ingest
    /// before its next chunk of files is embedded: what was ingested before is committed, the
    /// rest is left as it was, and [`IngestReport::cancelled`] says so.
    pub cancel: Option<Arc<AtomicBool>>,
}

/// One of `count` disjoint parts of an archive, chosen by content hash, so that `count`
/// machines or processes split an archive with no coordination: every file falls in exactly
/// one shard, the same one wherever and whenever it is ingested.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which part, from 1.
    pub number: u32,
    /// How many parts.
    pub count: u32,
}

impl Shard {
    /// Shard `number` (from 1) of `count`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`](crate::error::ErrorKind::InvalidArgument) unless `1 <= number <= count`.
    pub fn new(number: u32, count: u32) -> Result<Shard> {
        if count == 0 || number == 0 || number > count {
            return Err(Error::invalid_argument(format!(
                "shard {number}/{count}: a shard is I/N with 1 <= I <= N"
            )));
        }
        Ok(Shard { number, count })
    }

    /// Whether a file with this content hash ([`DocId::of_bytes`] of its bytes) is in the
    /// shard.
    pub fn contains(&self, content_hash: u64) -> bool {
        content_hash % u64::from(self.count) == u64::from(self.number - 1)
    }
}

impl std::str::FromStr for Shard {
    type Err = Error;

    /// `I/N`, as `3/8`.
    fn from_str(s: &str) -> Result<Shard> {
        let bad = || Error::invalid_argument(format!("shard {s:?}: expected I/N, as 1/4"));
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        Shard::new(i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.number, self.count)
    }
}

impl Default for IngestOptions {
    fn default() -> IngestOptions {
        IngestOptions {
            extract: ExtractOptions::default(),
            commit_every: 256,
            commit_interval: Duration::from_secs(60),
            chunk_files: 16,
            prune: false,
            shard: None,
            cancel: None,
        }
    }
}

/// What happened during an ingest, reported as it happens.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum IngestEvent<'a> {
    /// The files were listed.
    Planned {
        /// Files found.
        files: u64,
        /// Their bytes.
        bytes: u64,
    },
    /// A file was handled.
    File {
        /// The file.
        path: &'a Path,
        /// Its bytes.
        bytes: u64,
        /// Documents extracted (0 when unchanged or failed).
        documents: u64,
        /// Pages.
        pages: u64,
        /// Clauses.
        clauses: u64,
        /// The index already held the file's bytes.
        unchanged: bool,
        /// Why it failed.
        error: Option<&'a Error>,
    },
    /// A commit landed: everything handled so far is durable.
    Committed {
        /// The commit.
        info: &'a CommitInfo,
        /// Files whose documents this commit added, replaced or removed.
        files: &'a [String],
    },
}

impl<'a> IngestEvent<'a> {
    /// A file handled without adding documents: unchanged (no error) or failed.
    fn without_documents(path: &'a Path, bytes: u64, error: Option<&'a Error>) -> Self {
        let unchanged = error.is_none();
        IngestEvent::File { path, bytes, documents: 0, pages: 0, clauses: 0, unchanged, error }
    }
}

/// A file that could not be ingested.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct FailedFile {
    /// The file.
    pub path: PathBuf,
    /// Why: the error, with the limit or cause.
    pub error: String,
    /// The error kind's name (`LimitExceeded`, `Encrypted`, `MalformedDocument`, ...).
    pub kind: String,
}

/// Where the time of an ingest went. Extraction and analysis run on several threads at once;
/// their figures are summed over threads (CPU time), the others are wall time.
#[derive(Clone, Debug, Default, Serialize)]
#[non_exhaustive]
pub struct IngestTimings {
    /// Wall time of the whole ingest.
    pub total: Duration,
    /// Reading, hashing and extracting files (summed over threads).
    pub extract_cpu: Duration,
    /// Segmenting, classifying and reading facts (summed over threads).
    pub analyze_cpu: Duration,
    /// Wall time of the parallel read/extract/analyze stage.
    pub analyze_wall: Duration,
    /// Wall time spent embedding.
    pub embed: Duration,
    /// Wall time spent adding records and committing.
    pub write: Duration,
}

/// What an ingest did.
#[derive(Clone, Debug, Default, Serialize)]
#[non_exhaustive]
pub struct IngestReport {
    /// Files found.
    pub files: u64,
    /// Bytes of those files.
    pub bytes: u64,
    /// Files skipped because the index holds their bytes.
    pub unchanged: u64,
    /// Files added or replaced.
    pub indexed: u64,
    /// Files removed (pruned, or moved to another shard).
    pub removed: u64,
    /// Files left to other shards.
    pub other_shards: u64,
    /// Files that failed, each with its error.
    pub failed: Vec<FailedFile>,
    /// Documents added (attachments and mbox messages count separately).
    pub documents: u64,
    /// Pages of those documents.
    pub pages: u64,
    /// Clauses added.
    pub clauses: u64,
    /// Clause texts embedded.
    pub embedded: u64,
    /// Clauses whose text the index or the same run had already embedded.
    pub cached: u64,
    /// Commits made.
    pub commits: u64,
    /// The ingest stopped early at [`IngestOptions::cancel`]: files after the last chunk it
    /// finished are not in the index (nor in the counts).
    pub cancelled: bool,
    /// Where the time went.
    pub timings: IngestTimings,
}

struct Analyzed {
    path: PathBuf,
    bytes: u64,
    /// The file's content falls in another shard: skipped.
    other_shard: bool,
    outcome: std::result::Result<Option<(FileKey, Vec<AnalyzedDocument>)>, Error>,
    extract: Duration,
    analyze: Duration,
}

/// Ingests files and folders (recursively; symbolic links are not followed): each changed or
/// new file's documents replace what the index held for that path, unchanged files are
/// skipped by content hash, and with [`IngestOptions::prune`] files under the given folders
/// that no longer exist are removed. Commits as it goes and at the end. A file that fails
/// is listed in the report; the ingest goes on.
///
/// # Errors
///
/// Only for failures of the index or the embedder (the index keeps its last commit); never
/// because of what a file contains.
pub fn ingest<P: AsRef<Path>>(
    writer: &mut IndexWriter,
    paths: &[P],
    embedder: &dyn Embedder,
    options: &IngestOptions,
    progress: &mut dyn FnMut(&IngestEvent<'_>),
) -> Result<IngestReport> {
    let start = Instant::now();
    writer.index().check_model(&ModelIdentity::of(embedder))?;
    let classifier = Classifier::bundled()?;
    let index_dir = writer.index().dir().canonicalize().ok();
    let mut roots = Vec::new();
    let mut files = Vec::new();
    for p in paths {
        let p = p.as_ref();
        let abs = p.canonicalize().map_err(|e| Error::io(p, e))?;
        walk(&abs, index_dir.as_deref(), &mut files)?;
        if abs.is_dir() {
            roots.push(abs);
        }
    }
    files.sort();
    files.dedup();
    let mut report = IngestReport { files: files.len() as u64, ..Default::default() };
    let sizes: Vec<u64> =
        files.iter().map(|f| std::fs::metadata(f).map_or(0, |m| m.len())).collect();
    report.bytes = sizes.iter().sum();
    progress(&IngestEvent::Planned { files: report.files, bytes: report.bytes });

    let known = writer.indexed_files()?;
    let mut uncommitted: Vec<String> = Vec::new();
    let mut last_commit = Instant::now();
    if options.prune {
        let present: HashSet<String> = files.iter().map(|f| key_of(f)).collect();
        for path in known.keys() {
            let under_root = roots.iter().any(|r| Path::new(path).starts_with(r));
            if under_root && !present.contains(path) {
                writer.remove_path(path)?;
                uncommitted.push(path.clone());
                report.removed += 1;
            }
        }
    }

    // A chunk is never larger than `commit_every`, so a commit comes within `commit_every`
    // changed files of the last one (not at the next 16-file boundary).
    let chunk_files = options.chunk_files.min(options.commit_every).max(1);
    let cancelled = || options.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed));
    for chunk in files.chunks(chunk_files) {
        if cancelled() {
            report.cancelled = true;
            break;
        }
        let t = Instant::now();
        let analyzed: Vec<Analyzed> =
            chunk.par_iter().map(|path| analyze_file(path, &known, classifier, options)).collect();
        report.timings.analyze_wall += t.elapsed();
        let mut ready: Vec<(FileKey, Vec<AnalyzedDocument>, PathBuf, u64)> = Vec::new();
        for a in analyzed {
            report.timings.extract_cpu += a.extract;
            report.timings.analyze_cpu += a.analyze;
            if a.other_shard {
                report.other_shards += 1;
                let key = key_of(&a.path);
                if known.contains_key(&key) {
                    writer.remove_path(&key)?;
                    uncommitted.push(key);
                    report.removed += 1;
                }
                continue;
            }
            match a.outcome {
                Ok(None) => {
                    report.unchanged += 1;
                    progress(&IngestEvent::without_documents(&a.path, a.bytes, None));
                }
                Ok(Some((key, docs))) => ready.push((key, docs, a.path, a.bytes)),
                Err(e) => {
                    progress(&IngestEvent::without_documents(&a.path, a.bytes, Some(&e)));
                    report.failed.push(FailedFile {
                        path: a.path,
                        error: e.to_string(),
                        kind: e.kind_name(),
                    });
                }
            }
        }
        if !ready.is_empty() && cancelled() {
            // Analysed but not embedded: left out, as the chunks after it are.
            report.cancelled = true;
            break;
        }
        if !ready.is_empty() {
            let t = Instant::now();
            let batch: Vec<(&FileKey, &[AnalyzedDocument])> =
                ready.iter().map(|(k, d, _, _)| (k, d.as_slice())).collect();
            let stats = writer.add_files(&batch, embedder)?;
            report.timings.embed += stats.embed_time;
            report.timings.write += t.elapsed().saturating_sub(stats.embed_time);
            report.embedded += stats.embedded;
            report.cached += stats.cached;
            report.clauses += stats.clauses;
        }
        for (key, docs, path, bytes) in ready {
            let pages: u64 = docs.iter().map(|d| d.doc.pages.len() as u64).sum();
            let clauses: u64 = docs.iter().map(|d| d.clauses.len() as u64).sum();
            report.indexed += 1;
            report.documents += docs.len() as u64;
            report.pages += pages;
            uncommitted.push(key.path);
            progress(&IngestEvent::File {
                path: &path,
                bytes,
                documents: docs.len() as u64,
                pages,
                clauses,
                unchanged: false,
                error: None,
            });
        }
        let due = uncommitted.len() >= options.commit_every
            || (!uncommitted.is_empty() && last_commit.elapsed() >= options.commit_interval);
        if due {
            commit_ingest(writer, &mut uncommitted, &mut report, progress)?;
            last_commit = Instant::now();
        }
    }
    if !uncommitted.is_empty() || writer.pending_vectors() > 0 {
        commit_ingest(writer, &mut uncommitted, &mut report, progress)?;
    }
    report.timings.total = start.elapsed();
    Ok(report)
}

fn commit_ingest(
    writer: &mut IndexWriter,
    uncommitted: &mut Vec<String>,
    report: &mut IngestReport,
    progress: &mut dyn FnMut(&IngestEvent<'_>),
) -> Result<()> {
    let t = Instant::now();
    let info = writer.commit()?;
    report.timings.write += t.elapsed();
    report.commits += 1;
    progress(&IngestEvent::Committed { info: &info, files: uncommitted });
    uncommitted.clear();
    Ok(())
}

/// The key a file is indexed under: its absolute path.
fn key_of(path: &Path) -> String {
    path.display().to_string()
}

/// Lists the regular files under `path` (or `path` itself), skipping symbolic links and the
/// index's own directory.
fn walk(path: &Path, skip: Option<&Path>, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    if !meta.is_dir() || Some(path) == skip {
        return Ok(());
    }
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot list a folder; skipped");
                continue;
            }
        };
        for entry in entries.flatten() {
            let Ok(ft) = entry.file_type() else { continue };
            let p = entry.path();
            if ft.is_dir() {
                if Some(p.as_path()) != skip {
                    stack.push(p);
                }
            } else if ft.is_file() {
                out.push(p);
            }
        }
    }
    Ok(())
}

fn analyze_file(
    path: &Path,
    known: &HashMap<String, u64>,
    classifier: &Classifier,
    ingest: &IngestOptions,
) -> Analyzed {
    let options = &ingest.extract;
    let t = Instant::now();
    let key = key_of(path);
    let bytes_len = std::fs::metadata(path).map_or(0, |m| m.len());
    let mut out = Analyzed {
        path: path.to_path_buf(),
        bytes: bytes_len,
        other_shard: false,
        outcome: Ok(None),
        extract: Duration::ZERO,
        analyze: Duration::ZERO,
    };
    if bytes_len > options.limits.max_bytes {
        out.outcome = Err(Error::limit(&key, "max_bytes", options.limits.max_bytes, bytes_len));
        return out;
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            out.outcome = Err(Error::io(path, e));
            return out;
        }
    };
    let hash = DocId::of_bytes(&bytes).0;
    if ingest.shard.is_some_and(|s| !s.contains(hash)) {
        out.other_shard = true;
        out.extract = t.elapsed();
        return out;
    }
    if known.get(&key) == Some(&hash) {
        out.extract = t.elapsed();
        return out;
    }
    let docs = extract_bytes(&bytes, &key, options);
    drop(bytes);
    out.extract = t.elapsed();
    let t = Instant::now();
    out.outcome = docs.map(|docs| {
        let analyzed = docs.into_iter().map(|d| analyze_document(d, classifier)).collect();
        Some((FileKey { path: key, hash }, analyzed))
    });
    out.analyze = t.elapsed();
    out
}

/// Segments one document, types its clauses and reads their facts, ready for the store.
fn analyze_document(doc: Document, classifier: &Classifier) -> AnalyzedDocument {
    let clauses = segment(&doc);
    let analysis = classifier.analyze(&doc, &clauses);
    analyzed(doc, clauses, analysis)
}

/// The store's record of an analysed document: its clauses with their texts, ids and hashes,
/// the document's date and parties; the document's text and blocks are dropped (the clauses
/// hold the text).
fn analyzed(mut doc: Document, clauses: Vec<Clause>, analysis: Analysis) -> AnalyzedDocument {
    let Analysis { clauses: typed, kinds, facts, role } = analysis;
    let date = document_date(&doc, &facts);
    let parties = facts.party_names();
    let clauses: Vec<AnalyzedClause> = clauses
        .into_iter()
        .zip(typed)
        .map(|(clause, typed)| {
            let text = doc.text.get(clause.span.clone()).unwrap_or("").to_owned();
            AnalyzedClause {
                id: ClauseId::new(doc.id, clause.ordinal),
                kinds: typed.kinds,
                near_kinds: typed.near_kinds,
                facts: typed.facts,
                text_hash: TextHash::of(&text),
                text,
                clause,
            }
        })
        .collect();
    // Key dates need the document's text for their spans' words: computed before it goes.
    let spans: Vec<ClauseSpan> =
        clauses.iter().map(|c: &AnalyzedClause| (c.id, c.clause.span.clone())).collect();
    let key_dates = KeyDates::compute(&facts, &doc.text, &spans);
    doc.text = String::new();
    doc.blocks = Vec::new();
    AnalyzedDocument {
        doc,
        date,
        parties,
        kinds,
        facts,
        role: Some(role),
        clauses,
        key_dates: Some(key_dates),
    }
}

/// Adds texts that are each one clause already (a clause library, a benchmark corpus):
/// `(key, text)` becomes a text document with source and path `key` holding one clause (the
/// trimmed text), typed and with its facts read. Replaces what the index held under `key`.
/// Returns the clauses added.
///
/// # Errors
///
/// Index and embedder errors.
pub fn ingest_clause_texts(
    writer: &mut IndexWriter,
    items: &[(String, String)],
    embedder: &dyn Embedder,
) -> Result<u64> {
    let classifier = Classifier::bundled()?;
    let analyzed: Vec<(FileKey, AnalyzedDocument)> = items
        .par_iter()
        .map(|(key, text)| {
            let id = DocId::of_bytes(key.as_bytes());
            let mut doc = Document::from_plain_text(id, text.clone());
            doc.source = key.clone();
            let start = text.len() - text.trim_start().len();
            let clauses = vec![Clause::whole(start..start + text.trim().len())];
            let analysis = classifier.analyze(&doc, &clauses);
            let mut analyzed = analyzed(doc, clauses, analysis);
            // One clause is not a contract: the names it mentions are not the parties of a
            // document, so clause texts are not filtered by party.
            analyzed.parties.clear();
            // Nor are its dates a contract's key dates.
            analyzed.key_dates = None;
            (FileKey { path: key.clone(), hash: id.0 }, analyzed)
        })
        .collect();
    // Embed in large groups so the embedder can sort by length across many texts.
    let mut n = 0;
    for group in analyzed.chunks(512) {
        let batch: Vec<(&FileKey, &[AnalyzedDocument])> =
            group.iter().map(|(k, d)| (k, std::slice::from_ref(d))).collect();
        n += writer.add_files(&batch, embedder)?.clauses;
    }
    Ok(n)
}
