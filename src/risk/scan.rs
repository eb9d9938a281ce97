//! Risk flags over an index: [`RiskEngine::flags`], [`RiskEngine::risk`] and
//! [`RiskEngine::review_queue`] run an engine over a search snapshot.
//!
//! This is the one place where the rules meet the store. It reads the snapshot only through
//! [`Searcher`]'s read API (documents, clauses with their vectors, the clauses passing a filter,
//! a clause by its text hash) and the index's review store; the rules themselves
//! ([`RiskEngine::evaluate`]) know nothing of either.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use super::{
    ClauseInput, DocInput, Feedback, Flag, RiskEngine, Severity, Superseded, excerpt,
    review_order_by,
};
use crate::classify::role::DocRole;
use crate::embed::Embedder;
use crate::error::Result;
use crate::extract::DocId;
use crate::index::records::ClauseRecord;
use crate::index::records::DocumentRecord;
use crate::index::{ClauseId, ModelIdentity};
use crate::review::{ReviewStore, Timestamp};
use crate::search::{Filter, Searcher};

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
    /// The file it came from.
    pub path: String,
    /// The document's own source (`PATH#attachment-N` for an attachment).
    pub source: String,
    /// What it is in the archive, when known.
    pub role: Option<DocRole>,
    /// For an amendment: the agreement it amends, where the archive holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amends: Option<String>,
    /// For an agreement: its amendments in the archive.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amended_by: Vec<String>,
    /// `1 - Π(1 - weight × score)` over its flags, in `[0, 1]`.
    pub score: f32,
    /// Flags per severity, least first.
    pub by_severity: Vec<(Severity, usize)>,
    /// Its flags, highest score first.
    pub flags: Vec<Flag>,
}

impl RiskEngine {
    /// Runs the engine over a search snapshot. Flags come per document in path order, within a
    /// document in rule then clause order. `embedder` must be the index's model (the engine
    /// embeds concept phrases and exemplars with it).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ModelMismatch`](crate::error::ErrorKind::ModelMismatch); index, review store and
    /// embedder errors.
    pub fn flags(
        &self,
        searcher: &Searcher,
        query: &RiskQuery,
        embedder: &dyn Embedder,
    ) -> Result<Vec<Flag>> {
        searcher.index().check_model(&ModelIdentity::of(embedder))?;
        let rules: Vec<&str> = query.rules.iter().map(String::as_str).collect();
        let only = (!rules.is_empty()).then_some(rules.as_slice());
        let feedback =
            if query.feedback { self.feedback(searcher, only)? } else { Feedback::new() };
        let passing: Option<HashSet<ClauseId>> = if query.filter.is_empty() {
            None
        } else {
            Some(searcher.clause_ids_passing(&query.filter)?)
        };
        let documents = searcher.documents()?;
        let mut amendments: HashMap<DocId, Vec<&DocumentRecord>> = HashMap::new();
        let links = crate::search::amendment_links(&documents);
        for d in &documents {
            if let Some(agreement) = links.get(&d.id) {
                amendments.entry(*agreement).or_default().push(d);
            }
        }
        let scan = Scan { engine: self, searcher, only, feedback, passing, embedder, amendments };
        let as_of = query.as_of.clone().unwrap_or_else(today);
        let per_doc: Vec<Result<Vec<Flag>>> =
            documents.par_iter().map(|d| scan.document_flags(d, &as_of)).collect();
        let mut out = Vec::new();
        for flags in per_doc {
            out.extend(flags?.into_iter().filter(|f| query.include_unflagged || f.flagged));
        }
        Ok(out)
    }

    /// The index's review decisions for the engine's rules, with the embeddings of the
    /// reviewed texts that are still in the index.
    fn feedback(&self, searcher: &Searcher, only: Option<&[&str]>) -> Result<Feedback> {
        let path = searcher.index().review_store_path();
        if !path.exists() {
            return Ok(Feedback::new());
        }
        let store = ReviewStore::open_existing(&path)?;
        let rules = self
            .pack()
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .filter(|id| only.is_none_or(|o| o.contains(id)));
        Feedback::from_store(&store, rules, |hash| {
            Ok(searcher
                .clause_by_text_hash(hash)?
                .map(|(clause, vector)| (vector, excerpt(&clause.text, 160))))
        })
    }

    /// Documents ranked by risk score (highest first), from the flags of `query`.
    ///
    /// # Errors
    ///
    /// As [`RiskEngine::flags`].
    pub fn risk(
        &self,
        searcher: &Searcher,
        query: &RiskQuery,
        embedder: &dyn Embedder,
    ) -> Result<Vec<DocumentRisk>> {
        let q = RiskQuery { include_unflagged: false, ..query.clone() };
        let flags = self.flags(searcher, &q, embedder)?;
        let mut by_doc: BTreeMap<String, DocumentRisk> = BTreeMap::new();
        let documents = searcher.documents()?;
        let links = crate::search::amendment_links(&documents);
        for d in documents {
            let id = d.id.to_string();
            by_doc.insert(
                id.clone(),
                DocumentRisk {
                    doc_id: id,
                    role: d.role.as_ref().map(|r| r.role),
                    amends: links.get(&d.id).map(ToString::to_string),
                    amended_by: links
                        .iter()
                        .filter(|(_, agreement)| **agreement == d.id)
                        .map(|(amendment, _)| amendment.to_string())
                        .collect(),
                    source: d.source,
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
        let settings = &self.pack().settings;
        let mut out: Vec<DocumentRisk> = by_doc
            .into_values()
            .map(|mut d| {
                let mut safe = 1.0f32;
                for f in &d.flags {
                    let w = self.pack().rule(&f.rule_id).map_or(0.5, |r| settings.weight(r));
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
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.source.cmp(&b.source)));
        Ok(out)
    }

    /// The unreviewed candidates whose decision would teach the most, one per clause text, at
    /// most `limit`: uncertainty (score nearest the flag threshold) weighed by information
    /// density (how similar the clause is to the rule's other candidates), see
    /// [`review_order_by`].
    ///
    /// # Errors
    ///
    /// As [`RiskEngine::flags`].
    pub fn review_queue(
        &self,
        searcher: &Searcher,
        query: &RiskQuery,
        embedder: &dyn Embedder,
        limit: usize,
    ) -> Result<Vec<Flag>> {
        let q = RiskQuery { include_unflagged: true, feedback: true, ..query.clone() };
        let flags = self.flags(searcher, &q, embedder)?;
        let vectors: HashMap<String, Vec<f32>> = flags
            .iter()
            .filter_map(|f| f.clause.as_ref())
            .filter_map(|c| {
                let id = ClauseId::try_from(c.id.clone()).ok()?;
                Some((c.id.clone(), searcher.clause_vector(id).ok()?))
            })
            .collect();
        let vector_of =
            |f: &Flag| f.clause.as_ref().and_then(|c| vectors.get(&c.id)).map(Vec::as_slice);
        let threshold = self.pack().settings.flag_threshold;
        Ok(review_order_by(flags, threshold, limit, vector_of))
    }
}

/// One run of an engine over a snapshot: what every document's evaluation shares.
struct Scan<'a> {
    engine: &'a RiskEngine,
    searcher: &'a Searcher,
    only: Option<&'a [&'a str]>,
    feedback: Feedback,
    passing: Option<HashSet<ClauseId>>,
    embedder: &'a dyn Embedder,
    /// The amendments of each agreement the snapshot holds.
    amendments: HashMap<DocId, Vec<&'a DocumentRecord>>,
}

impl Scan<'_> {
    fn document_flags(&self, d: &DocumentRecord, as_of: &str) -> Result<Vec<Flag>> {
        let clauses = self.searcher.clauses_with_vectors(d.id)?;
        if let Some(p) = &self.passing
            && !clauses.iter().any(|(c, _)| p.contains(&c.id))
        {
            return Ok(Vec::new());
        }
        let amendments = self.amendments.get(&d.id).map(Vec::as_slice).unwrap_or_default();
        let mut amendment_clauses = Vec::new();
        for a in amendments {
            amendment_clauses.extend(self.searcher.clauses_with_vectors(a.id)?);
        }
        let input = DocInput {
            doc_id: d.id.to_string(),
            path: &d.path,
            source: &d.source,
            role: d.role.as_ref().map(|r| r.role),
            thresholds: None,
            clauses: clauses.iter().map(clause_input).collect(),
            amendments: amendment_clauses.iter().map(clause_input).collect(),
            facts: d.facts.as_ref(),
        };
        let mut flags =
            self.engine.evaluate(&input, self.only, as_of, Some(&self.feedback), self.embedder)?;
        // A section an amendment replaces is judged in the amendment's words.
        for a in amendments {
            let sections =
                a.role.as_ref().and_then(|r| r.amends.as_ref()).map(|m| m.sections.as_slice());
            for section in sections.unwrap_or_default() {
                for f in &mut flags {
                    let number = f.clause.as_ref().and_then(|c| c.number.as_deref());
                    if number.is_some_and(|n| same_section(n, section)) {
                        f.flagged = false;
                        f.superseded = Some(Superseded {
                            doc_id: a.id.to_string(),
                            source: a.source.clone(),
                            section: section.clone(),
                        });
                    }
                }
            }
        }
        if let Some(p) = &self.passing {
            flags.retain(|f| match &f.clause {
                Some(c) => ClauseId::try_from(c.id.clone()).is_ok_and(|id| p.contains(&id)),
                None => true,
            });
        }
        Ok(flags)
    }
}

fn clause_input<'c>((c, v): &'c (ClauseRecord, Option<Vec<f32>>)) -> ClauseInput<'c> {
    ClauseInput {
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
    }
}

/// Whether a clause number ("14.", "Section 14", "14") is the section an amendment names.
fn same_section(number: &str, section: &str) -> bool {
    let digits = |s: &str| -> String {
        s.trim()
            .trim_start_matches(|c: char| c.is_alphabetic() || c.is_whitespace())
            .trim_end_matches(|c: char| !c.is_ascii_digit())
            .to_owned()
    };
    let n = digits(number);
    !n.is_empty() && n == digits(section)
}

/// Today's date, `YYYY-MM-DD` (UTC).
fn today() -> String {
    Timestamp::now().to_string().chars().take(10).collect()
}
