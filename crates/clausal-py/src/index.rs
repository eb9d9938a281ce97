//! `clausal.Index`: open, ingest, search, similar, deadlines, stats, verify, remove.
//!
//! Results cross into Python as JSON text: the same serialisation the CLI's `--json` prints,
//! so that a Python result and a CLI result are the same value (`clausal/_results.py` turns
//! the text into result objects).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use clausal::{
    ClauseId, ClauseKind, DeadlineQuery, DocId, DocKind, DocRole, Filter, IngestEvent,
    IngestOptions, ModelIdentity, QuerySyntax, SearchMode, SearchRequest, Searcher, Similar,
};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Deserialize;

use crate::errors::{OrRaise, invalid};
use crate::model::Model;

/// A clausal index folder, with a reader on its latest commit. Thread-safe: searches from
/// several Python threads run at the same time (each releases the GIL).
#[pyclass(module = "clausal._clausal", frozen)]
pub struct Index {
    pub(crate) index: clausal::Index,
    reader: clausal::IndexReader,
    /// The snapshot searches use, kept between calls: a `Searcher` caches what it computes
    /// once per commit (the vector rows of all clauses: 6.5 ms at 100,000 clauses), so a new
    /// one per call would pay for it on every search. Replaced when the reader moves.
    searcher: RwLock<Arc<Searcher>>,
}

/// Search filters, as `clausal.Filter` sends them (JSON).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct FilterSpec {
    kinds: Vec<String>,
    documents: Vec<String>,
    formats: Vec<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    party: Option<String>,
    roles: Vec<String>,
    threads: Vec<String>,
}

impl FilterSpec {
    /// The spec sent from Python (`None`: no filter).
    pub(crate) fn parse(json: Option<&str>) -> PyResult<Filter> {
        let spec: FilterSpec = match json {
            Some(j) => serde_json::from_str(j).map_err(|e| invalid(format!("filter: {e}")))?,
            None => FilterSpec::default(),
        };
        spec.to_filter()
    }

    fn to_filter(&self) -> PyResult<Filter> {
        let mut filter = Filter::new();
        for k in &self.kinds {
            filter = filter.kind(kind_of(k)?);
        }
        for d in &self.documents {
            let id = u64::from_str_radix(d, 16)
                .map_err(|_| invalid(format!("not a document id: {d:?}")))?;
            filter = filter.document(DocId(id));
        }
        for f in &self.formats {
            let kind: DocKind = serde_json::from_value(serde_json::Value::String(f.to_lowercase()))
                .map_err(|_| {
                    invalid(format!(
                        "unknown format {f:?} (pdf, docx, doc, rtf, odt, email, text, markdown)"
                    ))
                })?;
            filter.doc_kinds.push(kind);
        }
        filter.date_from = self.date_from.clone();
        filter.date_to = self.date_to.clone();
        filter.party = self.party.clone();
        for r in &self.roles {
            filter = filter.doc_role(r.parse::<DocRole>().map_err(invalid)?);
        }
        for t in &self.threads {
            let id = t.parse().map_err(|_| invalid(format!("not a thread id: {t:?}")))?;
            filter = filter.thread(id);
        }
        Ok(filter)
    }
}

pub(crate) fn kind_of(k: &str) -> PyResult<ClauseKind> {
    k.parse().map_err(|_| invalid(format!("unknown clause kind {k:?} (see clausal.kinds())")))
}

pub(crate) fn to_json(value: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| crate::errors::internal(e.to_string()))
}

impl Index {
    fn new(index: clausal::Index) -> PyResult<Index> {
        let reader = index.reader().or_raise()?;
        let searcher = RwLock::new(Arc::new(reader.searcher()));
        Ok(Index { index, reader, searcher })
    }

    /// The current snapshot.
    pub(crate) fn searcher(&self) -> Arc<Searcher> {
        // A poisoned lock only means a panic while swapping in a new snapshot; the old one is
        // still whole.
        Arc::clone(&self.searcher.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Moves the reader to the latest commit and takes a new snapshot.
    fn refresh(&self) -> clausal::Result<()> {
        self.reader.reload()?;
        let fresh = Arc::new(self.reader.searcher());
        *self.searcher.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        Ok(())
    }
}

/// Opens an existing index with the CLI's messages for a missing folder or a folder that is
/// not an index.
fn open_existing(dir: &Path) -> PyResult<clausal::Index> {
    if !dir.exists() {
        return Err(crate::errors::io_missing(
            dir,
            format!(
                "there is no index at {}: build one with Index.create or `clausal ingest`",
                dir.display()
            ),
        ));
    }
    clausal::Index::open_in_dir(dir).or_raise()
}

#[pymethods]
impl Index {
    /// Opens the index in `path`.
    #[staticmethod]
    fn open(py: Python<'_>, path: PathBuf) -> PyResult<Index> {
        let index = py.detach(|| open_existing(&path))?;
        Index::new(index)
    }

    /// Creates an empty index in `path` (missing or empty) for vectors of `model`.
    #[staticmethod]
    fn create(py: Python<'_>, path: PathBuf, model: &Model) -> PyResult<Index> {
        let identity = ModelIdentity::of(model.inner.as_ref());
        let index = py.detach(|| clausal::Index::create_in_dir(&path, identity)).or_raise()?;
        Index::new(index)
    }

    /// Opens the index in `path`, creating it for `model` when there is none.
    #[staticmethod]
    fn open_or_create(py: Python<'_>, path: PathBuf, model: &Model) -> PyResult<Index> {
        let identity = ModelIdentity::of(model.inner.as_ref());
        let index = py.detach(|| clausal::Index::open_or_create(&path, identity)).or_raise()?;
        Index::new(index)
    }

    /// The index folder.
    #[getter]
    fn path(&self) -> PathBuf {
        self.index.dir().to_path_buf()
    }

    /// The generation of the index's latest commit.
    #[getter]
    fn generation(&self) -> PyResult<u32> {
        self.index.generation().or_raise()
    }

    /// Moves the reader to the latest commit (another process's, say).
    fn reload(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.refresh()).or_raise()
    }

    /// Ingests files and folders; returns the report as JSON. `progress`, when given, is
    /// called (with the GIL) with one dict per event: `planned`, `file`, `commit`.
    #[pyo3(signature = (paths, model, *, prune = false, commit_every = 256, shard = None, limits = None, progress = None))]
    fn ingest(
        &self,
        py: Python<'_>,
        paths: Vec<PathBuf>,
        model: &Model,
        prune: bool,
        commit_every: usize,
        shard: Option<(u32, u32)>,
        limits: Option<&str>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<String> {
        let shard = shard.map(|(n, of)| clausal::Shard::new(n, of)).transpose().or_raise()?;
        let options = IngestOptions {
            extract: crate::extract::options(false, false, true, limits)?,
            prune,
            commit_every: commit_every.max(1),
            shard,
            ..Default::default()
        };
        let cancel = Arc::new(AtomicBool::new(false));
        let options = IngestOptions { cancel: Some(Arc::clone(&cancel)), ..options };
        let embedder = model.inner.clone();
        let mut raised: Option<PyErr> = None;
        let report = py.detach(|| {
            let mut writer = self.index.writer()?;
            clausal::ingest(&mut writer, &paths, embedder.as_ref(), &options, &mut |event| {
                if raised.is_some() {
                    return;
                }
                // Each event re-attaches to the interpreter: for the callback, and to notice a
                // Ctrl-C (KeyboardInterrupt), which, like an exception from the callback,
                // stops the ingest before its next chunk.
                Python::attach(|py| {
                    let result = py.check_signals().and_then(|()| match progress.as_ref() {
                        Some(cb) => {
                            event_dict(py, event).and_then(|d| cb.call1(py, (d,))).map(drop)
                        }
                        None => Ok(()),
                    });
                    if let Err(e) = result {
                        raised = Some(e);
                        cancel.store(true, Ordering::Relaxed);
                    }
                });
            })
        });
        // What was committed stays committed: the reader moves on before any error is raised.
        py.detach(|| self.refresh()).or_raise()?;
        let report = report.or_raise()?;
        if let Some(e) = raised {
            return Err(e);
        }
        to_json(&report)
    }

    /// Removes the documents of files from the index and commits; returns the paths
    /// removed and those the index did not hold.
    fn remove(&self, py: Python<'_>, paths: Vec<PathBuf>) -> PyResult<(Vec<String>, Vec<String>)> {
        let result = py.detach(|| -> clausal::Result<_> {
            let mut writer = self.index.writer()?;
            let known = writer.indexed_files()?;
            let (mut removed, mut missing) = (Vec::new(), Vec::new());
            for p in &paths {
                let key = match p.canonicalize() {
                    Ok(abs) => abs.display().to_string(),
                    Err(_) => {
                        std::path::absolute(p).unwrap_or_else(|_| p.clone()).display().to_string()
                    }
                };
                if known.contains_key(&key) {
                    writer.remove_path(&key)?;
                    removed.push(key);
                } else {
                    missing.push(key);
                }
            }
            writer.commit()?;
            Ok((removed, missing))
        });
        py.detach(|| self.refresh()).or_raise()?;
        result.or_raise()
    }

    /// Whether `query` is not query syntax, and why (`None` when it is, or when `plain`).
    fn syntax_error(&self, query: &str, plain: bool) -> Option<String> {
        let syntax = if plain { QuerySyntax::Plain } else { QuerySyntax::Tantivy };
        self.searcher().syntax_error(query, syntax)
    }

    /// Searches; returns the hits as a JSON array.
    #[pyo3(signature = (query, model, *, mode = "hybrid", limit = 10, plain = false, filter = None))]
    fn search(
        &self,
        py: Python<'_>,
        query: String,
        model: &Model,
        mode: &str,
        limit: usize,
        plain: bool,
        filter: Option<&str>,
    ) -> PyResult<String> {
        let mode: SearchMode = mode.parse().or_raise()?;
        let mut request =
            SearchRequest::new(query).mode(mode).limit(limit).filter(FilterSpec::parse(filter)?);
        if plain {
            request = request.syntax(QuerySyntax::Plain);
        }
        let searcher = self.searcher();
        if mode == SearchMode::Bm25
            && let Some(why) = searcher.syntax_error(&request.query, request.syntax)
        {
            return Err(crate::errors::invalid_query(format!(
                "the query {:?} is not query syntax ({why}): pass plain=True to search its words \
                 as written, or quote phrases and escape : ( ) [ ] {{ }} ^ ~ with a backslash",
                request.query
            )));
        }
        let hits = py.detach(|| searcher.search(&request, model.inner.as_ref())).or_raise()?;
        to_json(&hits)
    }

    /// Clauses like a clause of the index (`clause`, an id) or like a text; JSON hits.
    #[pyo3(signature = (model, *, clause = None, text = None, limit = 10, filter = None))]
    fn similar(
        &self,
        py: Python<'_>,
        model: &Model,
        clause: Option<&str>,
        text: Option<String>,
        limit: usize,
        filter: Option<&str>,
    ) -> PyResult<String> {
        let target = match (clause, text) {
            (Some(id), None) => Similar::Clause(
                id.parse::<ClauseId>().map_err(|_| invalid(format!("not a clause id: {id:?}")))?,
            ),
            (None, Some(t)) => Similar::Text(t),
            _ => return Err(invalid("give clause= or text=, not both")),
        };
        let filter = FilterSpec::parse(filter)?;
        let searcher = self.searcher();
        let hits = py
            .detach(|| searcher.similar(&target, &filter, limit, model.inner.as_ref()))
            .or_raise()?;
        to_json(&hits)
    }

    /// Key dates and deadlines; JSON array.
    #[pyo3(signature = (*, as_of = None, within_days = None, kinds = Vec::new(), include_undated = false, filter = None))]
    fn deadlines(
        &self,
        py: Python<'_>,
        as_of: Option<&str>,
        within_days: Option<u32>,
        kinds: Vec<String>,
        include_undated: bool,
        filter: Option<&str>,
    ) -> PyResult<String> {
        let mut query = match as_of {
            Some(d) => DeadlineQuery::as_of(d).or_raise()?,
            None => DeadlineQuery::today(),
        };
        if let Some(days) = within_days {
            query = query.within_days(days);
        }
        for k in &kinds {
            query = query.kind(k.parse().or_raise()?);
        }
        query = query.filter(FilterSpec::parse(filter)?).include_undated(include_undated);
        let searcher = self.searcher();
        let found = py.detach(|| searcher.deadlines(&query)).or_raise()?;
        to_json(&found)
    }

    /// Counts of files, documents, clauses, kinds and formats; JSON.
    fn stats(&self, py: Python<'_>) -> PyResult<String> {
        let searcher = self.searcher();
        to_json(&py.detach(|| searcher.stats()).or_raise()?)
    }

    /// Checks every checksum and invariant of the index; JSON.
    fn verify(&self, py: Python<'_>) -> PyResult<String> {
        to_json(&py.detach(|| self.index.verify()).or_raise()?)
    }

    /// Every document record (the contract register); JSON array.
    #[pyo3(signature = (*, filter = None))]
    fn documents(&self, py: Python<'_>, filter: Option<&str>) -> PyResult<String> {
        let filter = FilterSpec::parse(filter)?;
        let searcher = self.searcher();
        to_json(&py.detach(|| searcher.documents_matching(&filter)).or_raise()?)
    }

    /// The email threads of the snapshot (JSON list), the most recent first.
    fn threads(&self, py: Python<'_>) -> PyResult<String> {
        let searcher = self.searcher();
        let threads = py.detach(|| searcher.threads()).or_raise()?;
        to_json(&threads.all())
    }

    /// One clause record by id (JSON), or `None`.
    fn clause(&self, py: Python<'_>, id: &str) -> PyResult<Option<String>> {
        let id: ClauseId = id.parse().map_err(|_| invalid(format!("not a clause id: {id:?}")))?;
        let searcher = self.searcher();
        py.detach(|| searcher.clause(id)).or_raise()?.map(|c| to_json(&c)).transpose()
    }

    /// The clause records of a document; JSON array.
    fn clauses_of(&self, py: Python<'_>, doc: &str) -> PyResult<String> {
        let id = u64::from_str_radix(doc, 16)
            .map_err(|_| invalid(format!("not a document id: {doc:?}")))?;
        let searcher = self.searcher();
        to_json(&py.detach(|| searcher.clauses_of(DocId(id))).or_raise()?)
    }

    /// A clause's stored vector as a `float32` array.
    fn clause_vector<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyArray1<f32>>> {
        let id: ClauseId = id.parse().map_err(|_| invalid(format!("not a clause id: {id:?}")))?;
        let searcher = self.searcher();
        let v = py.detach(|| searcher.clause_vector(id)).or_raise()?;
        Ok(PyArray1::from_vec(py, v))
    }

    fn __repr__(&self) -> String {
        format!("Index({:?})", self.index.dir().display().to_string())
    }
}

/// An ingest event as the dict the progress callback gets.
fn event_dict<'py>(py: Python<'py>, event: &IngestEvent<'_>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match event {
        IngestEvent::Planned { files, bytes } => {
            d.set_item("event", "planned")?;
            d.set_item("files", files)?;
            d.set_item("bytes", bytes)?;
        }
        IngestEvent::File { path, bytes, documents, pages, clauses, unchanged, error } => {
            d.set_item("event", "file")?;
            d.set_item("path", path.display().to_string())?;
            d.set_item("bytes", bytes)?;
            d.set_item("documents", documents)?;
            d.set_item("pages", pages)?;
            d.set_item("clauses", clauses)?;
            d.set_item("unchanged", unchanged)?;
            d.set_item("error", error.map(|e| e.to_string()))?;
        }
        IngestEvent::Committed { info, files } => {
            d.set_item("event", "commit")?;
            d.set_item("generation", info.generation)?;
            d.set_item("documents", info.documents)?;
            d.set_item("clauses", info.clauses)?;
            d.set_item("vectors", info.vectors)?;
            d.set_item("files", files.to_vec())?;
        }
        _ => {
            d.set_item("event", "other")?;
        }
    }
    Ok(d)
}
