//! `clausal.ReviewStore`: reviewers' decisions on flags, in a tamper-evident hash chain.

use std::path::PathBuf;

use clausal::{Decision, TextHash};
use pyo3::prelude::*;

use crate::errors::{OrRaise, invalid};
use crate::index::to_json;

/// The review store of an index folder (`review.sqlite`). Every recorded decision is durable
/// when `record` returns; safe to use from several threads and processes.
#[pyclass(module = "clausal._clausal", frozen)]
pub struct ReviewStore {
    store: clausal::ReviewStore,
}

#[pymethods]
impl ReviewStore {
    /// Opens the store of the index folder `index_dir`. With `create` (the default) a store
    /// is made on first use, unless its head anchor says a lost store held decisions
    /// (`IntegrityViolation`); without, a missing store raises `IoError`.
    #[new]
    #[pyo3(signature = (index_dir, *, create = true))]
    fn new(py: Python<'_>, index_dir: PathBuf, create: bool) -> PyResult<ReviewStore> {
        if !index_dir.join("manifest.json").is_file() {
            return Err(crate::errors::io_missing(
                &index_dir,
                format!("{} is not a clausal index (it has no manifest.json)", index_dir.display()),
            ));
        }
        let path = index_dir.join(clausal::REVIEW_STORE_FILE);
        let store = py
            .detach(|| {
                if create {
                    clausal::ReviewStore::open(&path)
                } else {
                    clausal::ReviewStore::open_existing(&path)
                }
            })
            .or_raise()?;
        Ok(ReviewStore { store })
    }

    /// The store file.
    #[getter]
    fn path(&self) -> PathBuf {
        self.store.path().to_path_buf()
    }

    /// Records a decision about rule `rule` (at `rule_version`) on a clause, named by its
    /// `text_hash` (as flags carry it) or by its `text`; returns the entry (JSON).
    #[pyo3(signature = (*, rule, rule_version, verdict, reviewer, text_hash = None, text = None, comment = None, clause_id = None, doc_id = None))]
    fn record(
        &self,
        py: Python<'_>,
        rule: String,
        rule_version: &str,
        verdict: &str,
        reviewer: String,
        text_hash: Option<&str>,
        text: Option<&str>,
        comment: Option<String>,
        clause_id: Option<String>,
        doc_id: Option<String>,
    ) -> PyResult<String> {
        let text_hash = match (text_hash, text) {
            (Some(h), None) => h.parse::<TextHash>().or_raise()?,
            (None, Some(t)) => TextHash::of(t),
            _ => return Err(invalid("give text_hash= or text=, not both")),
        };
        let mut decision = Decision::new(
            rule,
            clausal::canonical_version(rule_version),
            text_hash,
            verdict.parse().or_raise()?,
            reviewer,
        );
        decision.comment = comment;
        decision.clause_id = clause_id;
        decision.doc_id = doc_id;
        let entry = py.detach(|| self.store.record(&decision)).or_raise()?;
        to_json(&entry)
    }

    /// Walks the hash chain and checks the head anchor (JSON: entries, head_hash); with
    /// `head`, also that the history still holds that entry hash.
    #[pyo3(signature = (*, head = None))]
    fn verify(&self, py: Python<'_>, head: Option<&str>) -> PyResult<String> {
        let head = head.map(|h| h.parse()).transpose().or_raise()?;
        let v = py
            .detach(|| match &head {
                Some(h) => self.store.verify_contains(h),
                None => self.store.verify(),
            })
            .or_raise()?;
        to_json(&v)
    }

    /// Every entry, oldest first (JSON array).
    fn history(&self, py: Python<'_>) -> PyResult<String> {
        let entries =
            py.detach(|| self.store.history().collect::<clausal::Result<Vec<_>>>()).or_raise()?;
        to_json(&entries)
    }

    /// Per-rule counts of the current decisions (JSON array).
    fn stats(&self, py: Python<'_>) -> PyResult<String> {
        to_json(&py.detach(|| self.store.stats()).or_raise()?)
    }

    /// Writes the whole history as JSON lines to `path`; returns the number of entries.
    fn export(&self, py: Python<'_>, path: PathBuf) -> PyResult<u64> {
        use std::io::Write;
        let io = |e: std::io::Error| {
            crate::errors::io_missing(&path, format!("cannot write {}: {e}", path.display()))
        };
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).map_err(io)?);
        let n = py.detach(|| self.store.export(&mut out)).or_raise()?;
        out.flush().map_err(io)?;
        out.get_ref().sync_all().map_err(io)?;
        Ok(n)
    }
}
