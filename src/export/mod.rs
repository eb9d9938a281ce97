//! Clause-level exports for distributed search engines: every clause with its document,
//! kinds, facts, key dates, flags, review state and vector, as NDJSON, OpenSearch /
//! Elasticsearch `_bulk` actions, or Qdrant point operations ([`Format`]).
//!
//! An export reflects one commit of the index (and one entry of its review store); its
//! [`ExportCursor`] names them, and an export [`since`](ExportOptions::since) that cursor
//! holds only what changed after it: clauses that commits added, deletes for clauses that
//! commits removed or replaced (read from the index's removal logs), and clauses whose flags
//! reviewers' decisions (or a new as-of day) may have changed. An incremental export of an
//! unchanged index is empty. Applying a full export and then each incremental one, in order,
//! leaves a search engine holding exactly the index's clauses.
//!
//! Every clause has a stable [`point_id`]: from the file it came from and the clause id
//! (itself from the file's bytes and the clause's position), so re-ingesting an unchanged
//! file, or exporting from another machine that ingested the same files under the same paths
//! (a [`Shard`](crate::pipeline::Shard) of the archive), gives the same ids.
//!
//! ```no_run
//! use clausal::export::{ExportOptions, Format, export};
//! use clausal::Index;
//!
//! let index = Index::open_in_dir("clausal-index")?;
//! let mut out = std::io::BufWriter::new(std::fs::File::create("clauses.ndjson")?);
//! let summary = export(&index, &ExportOptions::default(), Format::Ndjson, &mut out)?;
//! println!("{} clauses; next time: --since {}", summary.upserts, summary.cursor);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod format;

pub use format::{
    Format, elasticsearch_mapping, opensearch_mapping, opensearch_search_pipeline,
    qdrant_collection,
};

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Write;
use std::str::FromStr;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::classify::KindScore;
use crate::classify::facts::{Fact, FactValue};
use crate::embed::Embedder;
use crate::error::{Error, Result};
use crate::extract::DocId;
use crate::index::{ClauseId, Index, ModelIdentity};
use crate::review::{ReviewStore, Verdict};
use crate::risk::{Flag, ReviewNote, RiskEngine, RiskQuery};
use crate::search::{ScannedClause, Searcher};

/// Where an export stopped: the index commit and the review entry it reflects, and what its
/// flags were computed with. Printed as `g7.r153.f<fingerprint>.d2026-12-07`
/// ([`fmt::Display`], [`FromStr`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportCursor {
    /// The index commit generation.
    pub generation: u32,
    /// The last review entry (0: none).
    pub review_seq: u64,
    /// [`RiskEngine::fingerprint`] of the engine that computed the flags, `None` for an export
    /// without flags.
    pub flags: Option<String>,
    /// The as-of day of the flags (`YYYY-MM-DD`), `None` for an export without flags.
    pub as_of: Option<String>,
}

impl fmt::Display for ExportCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "g{}.r{}", self.generation, self.review_seq)?;
        match (&self.flags, &self.as_of) {
            (Some(fp), Some(day)) => write!(f, ".f{fp}.d{day}"),
            _ => write!(f, ".noflags"),
        }
    }
}

impl FromStr for ExportCursor {
    type Err = Error;

    fn from_str(s: &str) -> Result<ExportCursor> {
        let bad = || {
            Error::invalid_argument(format!(
                "export cursor {s:?}: expected what an export printed, as g7.r153.f0123456789abcdef.d2026-12-07"
            ))
        };
        let mut parts = s.trim().split('.');
        let generation = parts.next().and_then(|p| p.strip_prefix('g')).ok_or_else(bad)?;
        let review = parts.next().and_then(|p| p.strip_prefix('r')).ok_or_else(bad)?;
        let (flags, as_of) = match parts.next() {
            Some("noflags") => (None, None),
            Some(fp) => {
                let fp = fp.strip_prefix('f').ok_or_else(bad)?;
                let day = parts.next().and_then(|p| p.strip_prefix('d')).ok_or_else(bad)?;
                crate::civil::parse_iso_date(day).ok_or_else(bad)?;
                if fp.len() != 16 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(bad());
                }
                (Some(fp.to_owned()), Some(day.to_owned()))
            }
            None => return Err(bad()),
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(ExportCursor {
            generation: generation.parse().map_err(|_| bad())?,
            review_seq: review.parse().map_err(|_| bad())?,
            flags,
            as_of,
        })
    }
}

/// The flags to put in an export: an engine over the index's model, and the day fact tests
/// count from.
pub struct ExportFlags<'a> {
    /// The engine (its pack and clause library).
    pub engine: &'a RiskEngine,
    /// The index's model, which the engine embeds with.
    pub embedder: &'a dyn Embedder,
    /// `YYYY-MM-DD`.
    pub as_of: String,
}

impl fmt::Debug for ExportFlags<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportFlags")
            .field("engine", &self.engine.fingerprint())
            .field("as_of", &self.as_of)
            .finish_non_exhaustive()
    }
}

/// What to export. Use as `ExportOptions { since: Some(cursor), ..Default::default() }`:
/// fields may be added.
#[derive(Debug, Default)]
pub struct ExportOptions<'a> {
    /// Only what changed after this cursor (everything when `None`).
    pub since: Option<ExportCursor>,
    /// Flags and review state to put on each clause (none when `None`).
    pub flags: Option<ExportFlags<'a>>,
    /// Leave the vectors out.
    pub no_vectors: bool,
    /// Points per Qdrant upsert operation (default 256).
    pub batch: usize,
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ExportSummary {
    /// Where it stopped: pass it as `since` to continue.
    pub cursor: ExportCursor,
    /// Clauses added or updated.
    pub upserts: u64,
    /// Clauses deleted.
    pub deletes: u64,
    /// Why clauses that no commit changed were exported again (reviews, a new as-of day).
    pub refreshed: u64,
}

impl Serialize for ExportCursor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The stable id of a clause in a search engine: a UUID made from the SHA-256 of the file it
/// came from and its clause id.
pub fn point_id(path: &str, clause: ClauseId) -> String {
    let mut h = Sha256::new();
    h.update(b"clausal-point\0");
    h.update(path.as_bytes());
    h.update(b"\0");
    h.update(clause.0.to_be_bytes());
    let d = h.finalize();
    let hex: String = d[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// A clause as exported: what a search engine stores for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClauseDocument {
    /// [`point_id`].
    pub id: String,
    /// The clause id.
    pub clause_id: String,
    /// Its document.
    pub doc_id: String,
    /// The ingested file.
    pub path: String,
    /// The document's source (`path#attachment-N`, ...).
    pub source: String,
    /// The document's format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_kind: Option<String>,
    /// The document's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the document is in the archive (agreement, amendment, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_role: Option<String>,
    /// Position in the document, from 0.
    pub ordinal: u32,
    /// Printed number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// The clause text.
    pub text: String,
    /// First and last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_start: Option<u32>,
    /// Last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_end: Option<u32>,
    /// Kind ids, best first (for keyword filters).
    pub kind_ids: Vec<String>,
    /// Kinds with their scores.
    pub kinds: Vec<ExportKind>,
    /// Facts read from the clause (dates, durations, amounts, ...), with spans into `text`.
    pub facts: Vec<Fact>,
    /// Amounts of money the clause states, in their currencies' units.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amounts: Vec<f64>,
    /// The document's date (an email's date, else the agreement date), `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The document's parties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<String>,
    /// The document's governing law.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub governing_law: Option<String>,
    /// The document's key dates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_dates: Option<ExportKeyDates>,
    /// The clause's flags and reviewed candidates.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<ExportFlag>,
    /// Rules that flag the clause (not dismissed).
    pub flagged_rules: Vec<String>,
    /// Rules whose flag on the clause a reviewer confirmed (or confirmed and asked to change).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub confirmed_rules: Vec<String>,
    /// Rules whose flag on the clause a reviewer dismissed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dismissed_rules: Vec<String>,
    /// Document rules that flag the clause's document.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub document_flags: Vec<String>,
    /// The commit that added the clause.
    pub generation: u32,
    /// `model id/engine` of the vector.
    pub model: String,
    /// The embedding (absent with [`ExportOptions::no_vectors`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<Vec<f32>>,
}

/// A kind with its score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportKind {
    /// The kind id.
    pub kind: String,
    /// The classifier's score.
    pub score: f32,
}

/// A document's key dates, as exported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportKeyDates {
    /// Effective date (ISO 8601, possibly `YYYY-MM` or `YYYY`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<String>,
    /// End of the initial term.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
    /// Whether the contract renews by itself.
    pub auto_renews: bool,
    /// Length of a renewal term, in days (months count 30, years 365).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal_term_days: Option<u32>,
    /// Notice that stops a renewal, in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal_notice_days: Option<u32>,
    /// Notice to terminate for convenience, in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_notice_days: Option<u32>,
}

/// A rule's finding on a clause, as exported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportFlag {
    /// The rule.
    pub rule: String,
    /// Its version.
    pub version: String,
    /// Confidence after feedback.
    pub score: f32,
    /// Whether it is a flag (reaches the threshold, not dismissed).
    pub flagged: bool,
    /// Concepts the rule needed and did not find.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// `confirmed`, `needs_change` or `dismissed` when a reviewer decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<String>,
}

/// A clause a commit removed, as exported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// [`point_id`].
    pub id: String,
    /// The clause id.
    pub clause_id: String,
    /// Its document.
    pub doc_id: String,
    /// The file it came from.
    pub path: String,
    /// The commit that removed it.
    pub generation: u32,
}

/// Per-document fields every clause of the document carries.
#[derive(Default)]
struct DocInfo {
    date: Option<String>,
    parties: Vec<String>,
    governing_law: Option<String>,
    key_dates: Option<ExportKeyDates>,
}

/// Flags by clause, and what changed since the cursor.
#[derive(Default)]
struct FlagIndex {
    by_clause: HashMap<(String, String), Vec<ExportFlag>>,
    by_document: HashMap<(String, String), Vec<String>>,
    /// Clauses (path, clause id) and documents (path, doc id) to export again.
    refresh_clauses: HashSet<(String, String)>,
    refresh_documents: HashSet<(String, String)>,
}

/// Writes an export of `index` to `out` in `format`; see the [module docs](self).
///
/// # Errors
///
/// [`ErrorKind::InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for a cursor from
/// another index's future, or whose flags were computed by another pack or library (export
/// everything instead); index, review store, embedder and I/O errors.
pub fn export(
    index: &Index,
    options: &ExportOptions<'_>,
    format: Format,
    out: &mut dyn Write,
) -> Result<ExportSummary> {
    // The generation is read before the snapshot: records of a commit that lands in between
    // are left to the next export, so the cursor never claims more than was written.
    let generation = index.generation()?;
    let searcher = index.reader()?.searcher();
    let store = index.review_store_path();
    let store = if store.is_file() { Some(ReviewStore::open_existing(&store)?) } else { None };
    let review_seq = match &store {
        Some(s) => s.head()?.map_or(0, |e| e.seq),
        None => 0,
    };
    let cursor = ExportCursor {
        generation,
        review_seq,
        flags: options.flags.as_ref().map(|f| f.engine.fingerprint()),
        as_of: options.flags.as_ref().map(|f| f.as_of.clone()),
    };
    let since = options.since.as_ref();
    if let Some(since) = since {
        check_cursor(since, &cursor)?;
    }
    let flags = match &options.flags {
        Some(f) => flag_index(&searcher, f, since, store.as_ref())?,
        None => FlagIndex::default(),
    };
    let model = index.manifest().model.clone();
    let mut writer = format::Writer::new(format, out, options.batch.max(1));
    let mut summary =
        ExportSummary { cursor: cursor.clone(), upserts: 0, deletes: 0, refreshed: 0 };

    let removals = match since {
        Some(s) => index.removals_since(s.generation)?,
        None => Vec::new(),
    };
    let removals: Vec<_> = removals.into_iter().filter(|(g, _)| *g <= generation).collect();
    let removed_paths: HashSet<&str> = removals.iter().map(|(_, r)| r.path.as_str()).collect();

    let after = since.map_or(0, |s| s.generation);
    let refresh = !flags.refresh_clauses.is_empty() || !flags.refresh_documents.is_empty();
    // Clauses the cursor's commit already held are read only when reviews may have changed
    // their flags.
    let scan_from = if refresh { 0 } else { after };
    let ctx = Context { flags: &flags, model: &model, no_vectors: options.no_vectors };
    // Clauses are read and encoded on a thread of their own (its batches on all cores) while
    // this one writes: the output's system calls overlap the encoding. Two batches in flight at
    // most, so memory stays bounded.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(2);
    let produced = std::thread::scope(|scope| {
        let producer = scope.spawn(|| -> Result<(u64, u64, HashSet<String>)> {
            // Owned here, so that the channel closes when reading ends.
            let tx = tx;
            let (mut upserts, mut refreshed_count) = (0u64, 0u64);
            let mut live_removed: HashSet<String> = HashSet::new();
            searcher.scan_clauses(scan_from, 1024, &mut |batch| {
                let mut chosen = Vec::with_capacity(batch.len());
                for c in batch {
                    if c.generation > generation {
                        continue;
                    }
                    // Records of indexes made before generations were recorded read 0.
                    let changed = since.is_none() || c.generation > after;
                    let refreshed = !changed
                        && (flags
                            .refresh_clauses
                            .contains(&(c.record.path.clone(), c.record.id.to_string()))
                            || flags
                                .refresh_documents
                                .contains(&(c.record.path.clone(), c.record.doc_id.to_string())));
                    if !changed && !refreshed {
                        continue;
                    }
                    if removed_paths.contains(c.record.path.as_str()) {
                        live_removed.insert(point_id(&c.record.path, c.record.id));
                    }
                    upserts += 1;
                    refreshed_count += u64::from(refreshed);
                    chosen.push(c);
                }
                if chosen.is_empty() {
                    return Ok(());
                }
                // The documents of this batch only: memory stays at one batch's worth.
                let mut ids: Vec<DocId> = chosen.iter().map(|c| c.record.doc_id).collect();
                ids.sort_unstable();
                ids.dedup();
                let documents = document_info(&searcher, &ids)?;
                let encoded: Vec<Vec<u8>> = chosen
                    .into_par_iter()
                    .map(|c| format::Writer::encode(format, ctx.document(c, &documents)))
                    .collect::<Result<_>>()?;
                // The writer stopped (its error is reported below).
                tx.send(encoded).map_err(|_| Error::bug("the export writer stopped"))
            })?;
            Ok((upserts, refreshed_count, live_removed))
        });
        let mut written: Result<()> = Ok(());
        for encoded in rx.iter() {
            for e in &encoded {
                if let Err(e) = writer.upsert(e) {
                    written = Err(e);
                    break;
                }
            }
            if written.is_err() {
                break;
            }
        }
        drop(rx);
        let produced = producer.join().map_err(|_| Error::bug("the export reader panicked"))?;
        written?;
        produced
    });
    let (upserts, refreshed, live_removed) = produced?;
    summary.upserts = upserts;
    summary.refreshed = refreshed;
    let mut seen = HashSet::new();
    for (g, removal) in &removals {
        for (clause, doc) in &removal.clauses {
            let id = point_id(&removal.path, *clause);
            if live_removed.contains(&id) || !seen.insert(id.clone()) {
                continue;
            }
            writer.delete(&Tombstone {
                id,
                clause_id: clause.to_string(),
                doc_id: doc.to_string(),
                path: removal.path.clone(),
                generation: *g,
            })?;
            summary.deletes += 1;
        }
    }
    writer.finish(&summary, &model)?;
    Ok(summary)
}

fn check_cursor(since: &ExportCursor, now: &ExportCursor) -> Result<()> {
    if since.generation > now.generation || since.review_seq > now.review_seq {
        return Err(Error::invalid_argument(format!(
            "export cursor {since} is ahead of this index ({now}): it comes from another index"
        )));
    }
    match (&since.flags, &now.flags) {
        (None, None) => Ok(()),
        (Some(a), Some(b)) if a == b => Ok(()),
        (None, Some(_)) | (Some(_), None) => Err(Error::invalid_argument(format!(
            "export cursor {since} was made {} flags and this export is {}: export everything \
             (without --since) to change that",
            if since.flags.is_some() { "with" } else { "without" },
            if now.flags.is_some() { "with flags" } else { "without" },
        ))),
        (Some(_), Some(_)) => Err(Error::invalid_argument(format!(
            "the rule pack or clause library changed since export {since}: its flags would \
             differ on clauses that did not change; export everything (without --since)"
        ))),
    }
}

struct Context<'a> {
    flags: &'a FlagIndex,
    model: &'a ModelIdentity,
    no_vectors: bool,
}

impl Context<'_> {
    fn document(&self, c: ScannedClause, documents: &HashMap<DocId, DocInfo>) -> ClauseDocument {
        let r = c.record;
        let info = documents.get(&r.doc_id);
        let clause_key = (r.path.clone(), r.id.to_string());
        let flags = self.flags.by_clause.get(&clause_key).cloned().unwrap_or_default();
        let rules = |pred: &dyn Fn(&ExportFlag) -> bool| {
            let mut v: Vec<String> =
                flags.iter().filter(|f| pred(f)).map(|f| f.rule.clone()).collect();
            v.sort();
            v.dedup();
            v
        };
        let flagged_rules = rules(&|f| f.flagged);
        let confirmed_rules =
            rules(&|f| matches!(f.review.as_deref(), Some("confirmed" | "needs_change")));
        let dismissed_rules = rules(&|f| f.review.as_deref() == Some("dismissed"));
        let document_flags = self
            .flags
            .by_document
            .get(&(r.path.clone(), r.doc_id.to_string()))
            .cloned()
            .unwrap_or_default();
        let amounts = r
            .facts
            .iter()
            .filter_map(|f| match &f.value {
                FactValue::Money { amount, .. } => Some(*amount),
                _ => None,
            })
            .collect();
        ClauseDocument {
            id: point_id(&r.path, r.id),
            clause_id: r.id.to_string(),
            doc_id: r.doc_id.to_string(),
            path: r.path,
            source: r.source,
            doc_kind: r.doc_kind.map(|k| k.to_string()),
            title: r.doc_title,
            doc_role: r.doc_role.map(|d| d.as_str().to_owned()),
            ordinal: r.ordinal,
            number: r.number,
            heading: r.heading,
            text: r.text,
            page_start: r.pages.map(|p| p.0),
            page_end: r.pages.map(|p| p.1),
            kind_ids: r.kinds.iter().map(|k| k.kind.id().to_owned()).collect(),
            kinds: r.kinds.iter().map(export_kind).collect(),
            facts: r.facts,
            amounts,
            date: info.and_then(|i| i.date.clone()),
            parties: info.map(|i| i.parties.clone()).unwrap_or_default(),
            governing_law: info.and_then(|i| i.governing_law.clone()),
            key_dates: info.and_then(|i| i.key_dates.clone()),
            flags,
            flagged_rules,
            confirmed_rules,
            dismissed_rules,
            document_flags,
            generation: c.generation,
            model: format!("{}/{}", self.model.id, self.model.engine),
            vector: (!self.no_vectors).then_some(c.vector),
        }
    }
}

fn export_kind(k: &KindScore) -> ExportKind {
    ExportKind { kind: k.kind.id().to_owned(), score: k.score }
}

fn document_info(searcher: &Searcher, ids: &[DocId]) -> Result<HashMap<DocId, DocInfo>> {
    let mut out = HashMap::new();
    for d in searcher.documents_by_id(ids)? {
        let facts = d.facts.as_ref();
        let governing_law =
            facts.and_then(|f| f.governing_law.as_ref()).and_then(|f| match &f.value {
                FactValue::Jurisdiction { name } => Some(name.clone()),
                _ => None,
            });
        let date = d
            .metadata
            .get("date")
            .and_then(|v| v.first())
            .and_then(|s| crate::civil::parse_iso_date(s))
            .map(|d| d.to_string())
            .or_else(|| facts.and_then(|f| f.agreement_iso()).map(str::to_owned));
        let key_dates = d.key_dates.as_ref().map(|k| ExportKeyDates {
            effective: k.effective.date.clone(),
            expiry: k.expiry.date.clone(),
            auto_renews: k.renewal.is_some(),
            renewal_term_days: k
                .renewal
                .as_ref()
                .and_then(|r| r.term.as_ref())
                .map(|d| d.approx_days()),
            renewal_notice_days: k
                .renewal
                .as_ref()
                .and_then(|r| r.notice.as_ref())
                .map(|d| d.approx_days()),
            termination_notice_days: k.termination_notice.as_ref().map(|t| t.notice.approx_days()),
        });
        let info = DocInfo {
            date,
            parties: facts.map(|f| f.party_names()).unwrap_or_default(),
            governing_law,
            key_dates,
        };
        out.insert(d.id, info);
    }
    Ok(out)
}

fn flag_index(
    searcher: &Searcher,
    flags: &ExportFlags<'_>,
    since: Option<&ExportCursor>,
    store: Option<&ReviewStore>,
) -> Result<FlagIndex> {
    let query = RiskQuery::new().as_of(flags.as_of.clone()).include_unflagged(true);
    let all: Vec<Flag> = flags.engine.flags(searcher, &query, flags.embedder)?;
    // Rules whose flags may differ from the cursor's on clauses no commit touched: those with
    // review decisions since, and every rule when the as-of day moved (fact tests count from
    // it).
    let mut changed_rules: HashSet<String> = HashSet::new();
    let mut all_rules = false;
    if let Some(since) = since {
        if since.as_of.as_deref() != Some(flags.as_of.as_str()) {
            all_rules = true;
        }
        if let Some(store) = store {
            for entry in store.history_after(since.review_seq) {
                changed_rules.insert(entry?.decision.rule_id);
            }
        }
    }
    let mut out = FlagIndex::default();
    for f in all {
        let refresh = since.is_some() && (all_rules || changed_rules.contains(&f.rule_id));
        let Some(clause) = &f.clause else {
            let key = (f.path.clone(), f.doc_id.clone());
            if refresh {
                out.refresh_documents.insert(key.clone());
            }
            if f.flagged {
                out.by_document.entry(key).or_default().push(f.rule_id.clone());
            }
            continue;
        };
        let key = (f.path.clone(), clause.id.clone());
        if refresh {
            out.refresh_clauses.insert(key.clone());
        }
        let review = match &f.review {
            Some(ReviewNote::Decided { verdict: Verdict::Confirm, .. }) => Some("confirmed"),
            Some(ReviewNote::Decided { verdict: Verdict::NeedsChange, .. }) => Some("needs_change"),
            Some(ReviewNote::Decided { verdict: Verdict::Dismiss, .. }) => Some("dismissed"),
            _ => None,
        };
        if !f.flagged && review.is_none() {
            continue;
        }
        out.by_clause.entry(key).or_default().push(ExportFlag {
            rule: f.rule_id.clone(),
            version: f.rule_version.clone(),
            score: f.score,
            flagged: f.flagged,
            missing: f.missing.iter().map(|m| m.concept.clone()).collect(),
            review: review.map(str::to_owned),
        });
    }
    for list in out.by_document.values_mut() {
        list.sort();
        list.dedup();
    }
    Ok(out)
}
