//! Risk flags over an index: [`Searcher::flags`], [`Searcher::risk`], [`Searcher::review_queue`].

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use super::{Filter, Result, Searcher};
use crate::embed::Embedder;
use crate::index::records::DocumentRecord;
use crate::index::{ClauseId, ModelIdentity};
use crate::review::TextHash;
use crate::risk::{ClauseInput, DocInput, Feedback, Flag, RiskEngine, Severity};

/// Which flags to compute.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RiskQuery {
    /// Only these rules (all enabled rules when empty).
    pub rules: Vec<String>,
    /// Only clauses passing this filter (document rules: documents with a clause passing it).
    pub filter: Filter,
    /// The date fact tests count from (`YYYY-MM-DD`); today when `None`.
    pub as_of: Option<String>,
    /// Also return candidates below the threshold and dismissed flags.
    pub include_unflagged: bool,
    /// Apply the index's review decisions (on by default).
    pub feedback: bool,
}

impl Default for RiskQuery {
    fn default() -> RiskQuery {
        RiskQuery {
            rules: Vec::new(),
            filter: Filter::default(),
            as_of: None,
            include_unflagged: false,
            feedback: true,
        }
    }
}

impl RiskQuery {
    /// Every enabled rule over the whole index, feedback applied.
    pub fn new() -> RiskQuery {
        RiskQuery::default()
    }

    /// Only rule `id` (or any rule added before).
    pub fn rule(mut self, id: impl Into<String>) -> RiskQuery {
        self.rules.push(id.into());
        self
    }

    /// Only within `filter`.
    pub fn filter(mut self, filter: Filter) -> RiskQuery {
        self.filter = filter;
        self
    }

    /// Fact tests count from this date.
    pub fn as_of(mut self, date: impl Into<String>) -> RiskQuery {
        self.as_of = Some(date.into());
        self
    }

    /// Also return candidates that are not flags.
    pub fn include_unflagged(mut self, yes: bool) -> RiskQuery {
        self.include_unflagged = yes;
        self
    }
}

/// A document's risk: its flags combined with the pack's weights.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DocumentRisk {
    /// The document.
    pub doc_id: String,
    /// Its path.
    pub path: String,
    /// `1 - Π(1 - weight × score)` over its flags, in `[0, 1]`.
    pub score: f32,
    /// Flags per severity, least first.
    pub by_severity: Vec<(Severity, usize)>,
    /// Its flags, highest score first.
    pub flags: Vec<Flag>,
}

impl Searcher {
    /// Runs a risk engine over the snapshot. Flags come per document in path order, within a
    /// document in rule then clause order. `embedder` must be the index's model (the engine
    /// embeds concept phrases and exemplars with it).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ModelMismatch`](crate::error::ErrorKind::ModelMismatch); index, review store and
    /// embedder errors.
    pub fn flags(
        &self,
        query: &RiskQuery,
        engine: &RiskEngine,
        embedder: &dyn Embedder,
    ) -> Result<Vec<Flag>> {
        self.index.check_model(&ModelIdentity::of(embedder))?;
        let rules: Vec<&str> = query.rules.iter().map(String::as_str).collect();
        let only = (!rules.is_empty()).then_some(rules.as_slice());
        let feedback = if query.feedback { self.feedback(engine, only)? } else { Feedback::new() };
        let passing: Option<HashSet<ClauseId>> = if query.filter.is_empty() {
            None
        } else {
            let q = self.filter_query(&query.filter)?;
            let f = self.index.fields();
            Some(self.docs(q.as_ref())?.iter().map(|d| f.clause_of(d).id).collect())
        };
        let as_of = query.as_of.clone().unwrap_or_else(today);
        let documents = self.documents()?;
        let per_doc: Vec<Result<Vec<Flag>>> = documents
            .par_iter()
            .map(|d| {
                self.document_flags(d, only, &as_of, &feedback, passing.as_ref(), engine, embedder)
            })
            .collect();
        let mut out = Vec::new();
        for flags in per_doc {
            out.extend(flags?.into_iter().filter(|f| query.include_unflagged || f.flagged));
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn document_flags(
        &self,
        d: &DocumentRecord,
        only: Option<&[&str]>,
        as_of: &str,
        feedback: &Feedback,
        passing: Option<&HashSet<ClauseId>>,
        engine: &RiskEngine,
        embedder: &dyn Embedder,
    ) -> Result<Vec<Flag>> {
        let (addresses, records): (Vec<_>, Vec<_>) =
            self.clause_addresses_of(d.id)?.into_iter().unzip();
        if let Some(p) = passing
            && !records.iter().any(|c| p.contains(&c.id))
        {
            return Ok(Vec::new());
        }
        let vectors: Vec<Option<Vec<f32>>> = addresses
            .iter()
            .map(|&a| self.vector_key(a).and_then(|k| self.vector_of(k)).ok())
            .collect();
        let input = DocInput {
            doc_id: d.id.to_string(),
            path: &d.path,
            thresholds: None,
            clauses: records
                .iter()
                .zip(&vectors)
                .map(|(c, v)| ClauseInput {
                    id: c.id.to_string(),
                    number: c.number.as_deref(),
                    heading: c.heading.as_deref(),
                    text: &c.text,
                    span: c.span.clone(),
                    depth: c.depth,
                    role: c.role,
                    kinds: &c.kinds,
                    near_kinds: &c.near_kinds,
                    facts: &c.facts,
                    text_hash: c.text_hash,
                    vector: v.as_deref(),
                })
                .collect(),
            facts: d.facts.as_ref(),
        };
        let mut flags = engine.evaluate(&input, only, as_of, Some(feedback), embedder)?;
        if let Some(p) = passing {
            flags.retain(|f| match &f.clause {
                Some(c) => ClauseId::try_from(c.id.clone()).is_ok_and(|id| p.contains(&id)),
                None => true,
            });
        }
        Ok(flags)
    }

    /// The index's review decisions for the engine's rules, with the embeddings of the
    /// reviewed texts that are still in the index.
    fn feedback(&self, engine: &RiskEngine, only: Option<&[&str]>) -> Result<Feedback> {
        let path = self.index.review_store_path();
        if !path.exists() {
            return Ok(Feedback::new());
        }
        let store = crate::review::ReviewStore::open_existing(&path)?;
        let rules = engine
            .pack()
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .filter(|id| only.is_none_or(|o| o.contains(id)));
        Feedback::from_store(&store, rules, |hash| self.clause_by_text_hash(hash))
    }

    /// The embedding and text of a clause with this text hash, if one is indexed.
    fn clause_by_text_hash(&self, hash: &TextHash) -> Result<Option<(Vec<f32>, String)>> {
        let f = self.index.fields();
        let q = TermQuery::new(
            Term::from_field_u64(f.text_hash, hash.short()),
            IndexRecordOption::Basic,
        );
        let top = self
            .text
            .search(&q, &TopDocs::with_limit(8).order_by_score())
            .map_err(|e| self.err(e))?;
        for (_, addr) in top {
            let doc: TantivyDocument = self.text.doc(addr).map_err(|e| self.err(e))?;
            let clause = f.clause_of(&doc);
            if clause.text_hash == *hash {
                let v = self.vector_of(self.vector_key(addr)?)?;
                return Ok(Some((v, crate::risk::excerpt(&clause.text, 160))));
            }
        }
        Ok(None)
    }

    /// Documents ranked by risk score (highest first), from the flags of `query`.
    ///
    /// # Errors
    ///
    /// As [`Searcher::flags`].
    pub fn risk(
        &self,
        query: &RiskQuery,
        engine: &RiskEngine,
        embedder: &dyn Embedder,
    ) -> Result<Vec<DocumentRisk>> {
        let q = RiskQuery { include_unflagged: false, ..query.clone() };
        let flags = self.flags(&q, engine, embedder)?;
        let mut by_doc: std::collections::BTreeMap<String, DocumentRisk> = Default::default();
        for d in self.documents()? {
            let id = d.id.to_string();
            by_doc.insert(
                id.clone(),
                DocumentRisk {
                    doc_id: id,
                    path: d.path,
                    score: 0.0,
                    by_severity: Vec::new(),
                    flags: Vec::new(),
                },
            );
        }
        for flag in flags {
            if let Some(d) = by_doc.get_mut(&flag.doc_id) {
                d.flags.push(flag);
            }
        }
        let settings = &engine.pack().settings;
        let mut out: Vec<DocumentRisk> = by_doc
            .into_values()
            .map(|mut d| {
                let mut safe = 1.0f32;
                for f in &d.flags {
                    let w = engine.pack().rule(&f.rule_id).map_or(0.5, |r| settings.weight(r));
                    safe *= 1.0 - (w * f.score).clamp(0.0, 1.0);
                }
                d.score = 1.0 - safe;
                d.by_severity = Severity::ALL
                    .iter()
                    .map(|&s| (s, d.flags.iter().filter(|f| f.severity == s).count()))
                    .filter(|(_, n)| *n > 0)
                    .collect();
                d.flags.sort_by(|a, b| b.score.total_cmp(&a.score));
                d
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.path.cmp(&b.path)));
        Ok(out)
    }

    /// The unreviewed candidates whose decision would teach the most, one per clause text, at
    /// most `limit`: uncertainty (score nearest the flag threshold) weighed by information
    /// density (how similar the clause is to the rule's other candidates), see
    /// [`review_order_by`](crate::risk::review_order_by).
    ///
    /// # Errors
    ///
    /// As [`Searcher::flags`].
    pub fn review_queue(
        &self,
        query: &RiskQuery,
        engine: &RiskEngine,
        embedder: &dyn Embedder,
        limit: usize,
    ) -> Result<Vec<Flag>> {
        let q = RiskQuery { include_unflagged: true, feedback: true, ..query.clone() };
        let flags = self.flags(&q, engine, embedder)?;
        let vectors: HashMap<String, Vec<f32>> = flags
            .iter()
            .filter_map(|f| f.clause.as_ref())
            .filter_map(|c| {
                let id = ClauseId::try_from(c.id.clone()).ok()?;
                Some((c.id.clone(), self.clause_vector(id).ok()?))
            })
            .collect();
        let vector_of =
            |f: &Flag| f.clause.as_ref().and_then(|c| vectors.get(&c.id)).map(Vec::as_slice);
        let threshold = engine.pack().settings.flag_threshold;
        Ok(crate::risk::review_order_by(flags, threshold, limit, vector_of))
    }
}

/// Today's date, `YYYY-MM-DD` (UTC).
fn today() -> String {
    crate::review::Timestamp::now().to_string().chars().take(10).collect()
}
