//! `clausal.RiskEngine`: flags, document risk, the review queue and deviations from the clause
//! library, with the rule packs a caller names.

use std::path::PathBuf;
use std::sync::Arc;

use clausal::BertEmbedder;
use clausal::library::{DeviationQuery, DeviationSettings, DeviationStatus, Deviations, Library};
use clausal::risk::{RiskQuery, RulePack};
use pyo3::prelude::*;

use crate::errors::{OrRaise, invalid};
use crate::index::{FilterSpec, Index, kind_of, to_json};
use crate::library::store_of;
use crate::model::Model;

/// A compiled rule pack (and the index's clause library, when it has one) over one index.
#[pyclass(module = "clausal._clausal", frozen)]
pub struct RiskEngine {
    engine: clausal::risk::RiskEngine,
    index: Py<Index>,
    model: Arc<BertEmbedder>,
}

impl RiskEngine {
    /// Runs `scan` on the index's current snapshot without the GIL; its result as JSON.
    fn run<T: serde::Serialize + Send>(
        &self,
        py: Python<'_>,
        scan: impl FnOnce(
            &clausal::Searcher,
            &clausal::risk::RiskEngine,
            &BertEmbedder,
        ) -> clausal::Result<T>
        + Send,
    ) -> PyResult<String> {
        let searcher = self.index.get().searcher();
        let found = py.detach(|| scan(&searcher, &self.engine, self.model.as_ref())).or_raise()?;
        to_json(&found)
    }

    fn query(
        &self,
        rules: Vec<String>,
        filter: Option<&str>,
        as_of: Option<String>,
        include_unflagged: bool,
        feedback: bool,
    ) -> PyResult<RiskQuery> {
        for r in &rules {
            if self.engine.pack().rule(r).is_none() {
                return Err(invalid(format!("unknown rule {r:?} (see RiskEngine.rules())")));
            }
        }
        let mut q = RiskQuery::new()
            .filter(FilterSpec::parse(filter)?)
            .include_unflagged(include_unflagged);
        q.rules = rules;
        q.as_of = as_of;
        q.feedback = feedback;
        Ok(q)
    }
}

/// The built-in pack (unless `builtin` is false), extended with the named packs and the rule
/// files, as the CLI's `--pack`, `--rules` and `--no-builtin` make it.
fn pack_of(builtin: bool, packs: &[String], files: &[PathBuf]) -> clausal::Result<RulePack> {
    let mut pack = RulePack::builtin();
    if !builtin {
        pack.rules.clear();
        pack.concepts.clear();
    }
    for name in packs {
        pack.extend_named(name)?;
    }
    for file in files {
        pack.extend_from_file(file)?;
    }
    Ok(pack)
}

#[pymethods]
impl RiskEngine {
    /// Compiles the pack for `index`: the built-in rules (unless `builtin=False`), the named
    /// packs (`packs`) and rule files (`rules`), and the index's clause library.
    #[new]
    #[pyo3(signature = (index, model, *, packs = Vec::new(), rules = Vec::new(), builtin = true))]
    fn new(
        py: Python<'_>,
        index: Py<Index>,
        model: &Model,
        packs: Vec<String>,
        rules: Vec<PathBuf>,
        builtin: bool,
    ) -> PyResult<RiskEngine> {
        let dir = index.get().index.dir().to_path_buf();
        let embedder = model.inner.clone();
        let engine = py
            .detach(|| -> clausal::Result<_> {
                let pack = pack_of(builtin, &packs, &rules)?;
                let engine = clausal::risk::RiskEngine::new(pack, embedder.as_ref())?;
                let library = match store_of(&dir, false)? {
                    Some(store) => store.library()?,
                    None => return Ok(engine),
                };
                if library.is_empty() {
                    return Ok(engine);
                }
                engine.with_library(&library, embedder.as_ref())
            })
            .or_raise()?;
        Ok(RiskEngine { engine, index, model: model.inner.clone() })
    }

    /// The pack (rules, concepts, settings) as JSON, as `clausal rules --json` prints it.
    fn rules(&self) -> PyResult<String> {
        to_json(self.engine.pack())
    }

    /// A fingerprint of the compiled pack and library: equal fingerprints flag alike.
    #[getter]
    fn fingerprint(&self) -> String {
        self.engine.fingerprint()
    }

    /// Flags (JSON array), best first.
    #[pyo3(signature = (*, rules = Vec::new(), filter = None, as_of = None, include_unflagged = false, feedback = true))]
    fn flags(
        &self,
        py: Python<'_>,
        rules: Vec<String>,
        filter: Option<&str>,
        as_of: Option<String>,
        include_unflagged: bool,
        feedback: bool,
    ) -> PyResult<String> {
        let query = self.query(rules, filter, as_of, include_unflagged, feedback)?;
        self.run(py, |s, e, m| e.flags(s, &query, m))
    }

    /// Documents by risk score, each with its flags (JSON array).
    #[pyo3(signature = (*, rules = Vec::new(), filter = None, as_of = None, include_unflagged = false, feedback = true))]
    fn risk(
        &self,
        py: Python<'_>,
        rules: Vec<String>,
        filter: Option<&str>,
        as_of: Option<String>,
        include_unflagged: bool,
        feedback: bool,
    ) -> PyResult<String> {
        let query = self.query(rules, filter, as_of, include_unflagged, feedback)?;
        self.run(py, |s, e, m| e.risk(s, &query, m))
    }

    /// The flags a reviewer should look at next (JSON array).
    #[pyo3(signature = (*, limit = 10, rules = Vec::new(), filter = None, as_of = None))]
    fn review_next(
        &self,
        py: Python<'_>,
        limit: usize,
        rules: Vec<String>,
        filter: Option<&str>,
        as_of: Option<String>,
    ) -> PyResult<String> {
        let query = self.query(rules, filter, as_of, false, true)?;
        self.run(py, |s, e, m| e.review_queue(s, &query, m, limit))
    }

    /// Clauses compared with the clause library (the index's, or the starter library):
    /// standard, outdated, deviates or nonstandard (JSON array).
    #[pyo3(signature = (*, kinds = Vec::new(), statuses = Vec::new(), below = None, starter = false))]
    fn deviations(
        &self,
        py: Python<'_>,
        kinds: Vec<String>,
        statuses: Vec<String>,
        below: Option<f32>,
        starter: bool,
    ) -> PyResult<String> {
        let index = self.index.get();
        let mut query = DeviationQuery::new();
        for k in &kinds {
            query = query.kind(kind_of(k)?);
        }
        for s in &statuses {
            let status = DeviationStatus::parse(s).ok_or_else(|| {
                invalid(format!("unknown status {s:?} (standard, outdated, deviates, nonstandard)"))
            })?;
            query = query.status(status);
        }
        if let Some(b) = below {
            query = query.below(b);
        }
        let dir = index.index.dir().to_path_buf();
        let searcher = index.searcher();
        let found = py
            .detach(|| -> clausal::Result<_> {
                let library = if starter {
                    Library::starter()
                } else {
                    match store_of(&dir, false)? {
                        Some(store) => store.library()?,
                        None => Library::new(),
                    }
                };
                if library.is_empty() {
                    return Ok(None);
                }
                index.index.check_model(&clausal::ModelIdentity::of(self.model.as_ref()))?;
                let deviations = Deviations::new(
                    &library,
                    self.model.as_ref(),
                    &self.engine,
                    DeviationSettings::default(),
                )?;
                searcher.deviations(&deviations, &self.engine, &query).map(Some)
            })
            .or_raise()?;
        match found {
            Some(found) => to_json(&found),
            None => Err(invalid(format!(
                "the clause library of {} is empty (import one with import_library, or pass starter=True)",
                dir.display()
            ))),
        }
    }
}
