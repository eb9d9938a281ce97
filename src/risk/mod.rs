//! Risk flags: declarative rules over typed clauses, their facts and their meaning.
//!
//! - [`RulePack`]: rules and concepts from TOML; [`RulePack::builtin`] ships with the
//!   crate, teams [`extend`](RulePack::extend_from_file) it with their own files.
//! - [`RiskEngine`]: a pack compiled for an embedding model. [`RiskEngine::evaluate`] runs
//!   every enabled rule over one document ([`DocInput`]) and returns its [`Flag`]s, each
//!   explaining itself: the rule, the concepts found (with evidence spans) and missing, the
//!   facts tested, the nearest exemplar, the score, and what reviewers decided.
//! - [`Feedback`]: reviewers' decisions from the [`ReviewStore`](crate::review::ReviewStore),
//!   applied to flags: a dismissed (rule, clause text) stays dismissed wherever the text
//!   appears, near-identical clauses are demoted, confirmed clauses become the rule's exemplars,
//!   and reviewed clauses pull the scores of similar ones toward their verdict.
//! - [`RiskEngine::flags`], [`RiskEngine::risk`] and [`RiskEngine::review_queue`] run
//!   an engine over an index snapshot ([`Searcher`](crate::search::Searcher)).
//!
//! # How a clause rule decides
//!
//! A clause is a candidate when it has one of the rule's kinds. Concepts are tested on its
//! *provision*: the clause, the clauses nested under it, the neighbouring clauses of the same
//! kind (a force majeure section cut into subsections is one provision), and the definitions of
//! the defined terms it uses (`"Force Majeure Event" means ...`). A concept is found by its
//! terms or, failing those, when a phrase of the provision is within the concept's similarity
//! threshold of an exemplar. The score starts from the classifier's confidence in the kind
//! (0.5 at the kind's threshold, 1.0 at certainty) and drops as the nearest phrase approaches
//! an absent concept's threshold; it is a flag at [`Settings::flag_threshold`] and above.
//!
//! Document rules test missing kinds, document facts and concept terms (document-wide concept
//! tests use terms only: embedding every phrase of every contract would cost more than the
//! ingestion).

mod concepts;
mod feedback;
mod pack;
mod scan;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

pub use feedback::{Feedback, Reviewed};
pub use pack::{Concept, FactTest, Rule, RulePack, Scope, Settings, Severity};
pub use scan::{DocumentRisk, RiskQuery};

use self::concepts::{CompiledConcept, PhraseCache, dot, phrases};
use crate::civil;
use crate::classify::facts::{ContractFacts, Fact, FactValue, TimeUnit};
use crate::classify::{Classifier, ClauseKind, KindScore};
use crate::embed::Embedder;
use crate::error::Error;
use crate::review::{TextHash, Timestamp, Verdict};
use crate::segment::ClauseRole;

/// How much an absent concept's nearest phrase lowers a flag's score as it approaches the
/// concept's threshold: a phrase this far below it or further costs nothing.
const NEAR_MISS: f32 = 0.2;
/// The score of a candidate found by the language of its kind
/// ([`also_when`](Rule::also_when)) rather than by the classifier: a flag, but a less certain
/// one than a typed clause.
const LANGUAGE_SCORE: f32 = 0.6;

/// One clause as the rules see it.
#[derive(Clone, Debug)]
pub struct ClauseInput<'a> {
    /// Its id (the index's clause id, or any id unique in the document).
    pub id: String,
    /// The printed number.
    pub number: Option<&'a str>,
    /// The heading.
    pub heading: Option<&'a str>,
    /// The text.
    pub text: &'a str,
    /// Byte range in the document text (evidence spans are reported in document offsets).
    pub span: Range<usize>,
    /// Nesting depth (0 at the top).
    pub depth: u32,
    /// What it is (section, definition, ...), when known.
    pub role: Option<ClauseRole>,
    /// Its assigned kinds.
    pub kinds: &'a [KindScore],
    /// Kinds the classifier nearly assigned: they make a clause a candidate below the flag
    /// threshold (for review and feedback), never a flag by themselves.
    pub near_kinds: &'a [KindScore],
    /// Facts read from the clause.
    pub facts: &'a [Fact],
    /// Hash of the normalised text: the key of review decisions.
    pub text_hash: TextHash,
    /// Its embedding, when known (the index has one); otherwise the engine embeds the text
    /// when a rule or feedback needs it.
    pub vector: Option<&'a [f32]>,
}

/// One document as the rules see it: its clauses in order and its facts.
#[derive(Clone, Debug)]
pub struct DocInput<'a> {
    /// The document id.
    pub doc_id: String,
    /// Where it came from.
    pub path: &'a str,
    /// Clauses in document order.
    pub clauses: Vec<ClauseInput<'a>>,
    /// Contract-level facts.
    pub facts: Option<&'a ContractFacts>,
    /// The assignment threshold of each kind in the classifier that typed the clauses, which
    /// puts kind scores on the flag scale (0.5 at the threshold); `None`: the bundled
    /// classifier's.
    pub thresholds: Option<&'a HashMap<ClauseKind, f32>>,
}

/// How a concept was found.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Match {
    /// One of its terms.
    Term,
    /// A phrase close to an exemplar.
    Semantic {
        /// The exemplar.
        exemplar: String,
        /// Cosine similarity of the phrase and the exemplar.
        similarity: f32,
    },
}

/// Where a concept was found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// The clause.
    pub clause_id: String,
    /// Byte range in the document text.
    pub span: Range<usize>,
    /// The words.
    pub text: String,
    /// How.
    #[serde(flatten)]
    pub how: Match,
}

/// A concept a rule tests, with what was found (nothing for a missing concept).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConceptResult {
    /// The concept.
    pub concept: String,
    /// Where it was found (up to a few places).
    pub evidence: Vec<Evidence>,
    /// For a concept not found: the phrase nearest to one of its exemplars, if any was
    /// compared.
    pub nearest: Option<Evidence>,
}

/// An exemplar close to the flagged clause.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExemplarMatch {
    /// Its text (shortened).
    pub text: String,
    /// Cosine similarity to the clause.
    pub similarity: f32,
    /// `pack` for the rule's own exemplars, `confirmed` for a clause reviewers confirmed.
    pub source: &'static str,
}

/// The clause a flag is about.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlaggedClause {
    /// Clause id.
    pub id: String,
    /// Printed number.
    pub number: Option<String>,
    /// Heading.
    pub heading: Option<String>,
    /// Byte range in the document text.
    pub span: Range<usize>,
    /// Hash of its normalised text (the key of review decisions).
    pub text_hash: TextHash,
    /// The start of its text.
    pub excerpt: String,
}

/// What reviewers' decisions did to a flag.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ReviewNote {
    /// This (rule, clause text) has a current decision.
    Decided {
        /// The verdict.
        verdict: Verdict,
        /// By whom.
        reviewer: String,
        /// When.
        time: Timestamp,
        /// The review entry.
        seq: u64,
    },
    /// Near-identical to a clause text dismissed for this rule: demoted below the threshold.
    Demoted {
        /// Cosine similarity to the dismissed clause.
        similarity: f32,
        /// The dismissed clause text.
        text_hash: TextHash,
        /// Who dismissed it.
        reviewer: String,
    },
    /// Reviewed clauses moved the score (see [`Feedback::apply`]).
    Adjusted {
        /// The score before.
        from: f32,
        /// Confirmed texts that informed the change.
        confirmed: usize,
        /// Dismissed texts that informed the change.
        dismissed: usize,
    },
}

/// A rule's finding on a clause or a document, with its explanation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flag {
    /// The rule.
    pub rule_id: String,
    /// The rule's version.
    pub rule_version: String,
    /// The rule's title.
    pub title: String,
    /// The rule's severity.
    pub severity: Severity,
    /// The document.
    pub doc_id: String,
    /// Its path.
    pub path: String,
    /// The clause, for clause rules.
    pub clause: Option<FlaggedClause>,
    /// Confidence in `[0, 1]` after reviewers' feedback.
    pub score: f32,
    /// Confidence from the rule alone.
    pub base_score: f32,
    /// Whether it is a flag: `score` reaches the threshold and no reviewer dismissed it. A
    /// candidate that is not one is still returned by [`RiskEngine::evaluate`] (for `review
    /// next`).
    pub flagged: bool,
    /// The concepts that had to be present, and what was found.
    pub present: Vec<ConceptResult>,
    /// The concepts that had to be absent (not found; else there would be no flag), with the
    /// nearest phrase to each.
    pub missing: Vec<ConceptResult>,
    /// The kinds that made the clause a candidate, or that a document lacks.
    pub kinds: Vec<KindScore>,
    /// The fact tests and what they found, in words.
    pub facts: Vec<String>,
    /// The nearest exemplar of the rule (its own, or a confirmed clause).
    pub nearest_exemplar: Option<ExemplarMatch>,
    /// What reviewers' decisions did.
    pub review: Option<ReviewNote>,
}

impl Flag {
    /// The clause text hash a review decision about this flag is keyed by (for a document
    /// flag, the hash of the document id).
    pub fn review_key(&self) -> TextHash {
        match &self.clause {
            Some(c) => c.text_hash,
            None => TextHash::of(&format!("document {}", self.doc_id)),
        }
    }
}

/// A rule pack compiled for an embedding model. Share it between threads and queries: it
/// remembers the phrases it has embedded.
pub struct RiskEngine {
    pack: RulePack,
    concepts: HashMap<String, CompiledConcept>,
    exemplars: HashMap<String, Vec<Vec<f32>>>,
    model_id: String,
    cache: PhraseCache,
}

impl std::fmt::Debug for RiskEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RiskEngine")
            .field("rules", &self.pack.rules.len())
            .field("concepts", &self.concepts.len())
            .field("model_id", &self.model_id)
            .finish_non_exhaustive()
    }
}

/// A clause or document candidate before feedback.
struct Candidate {
    clause: Option<usize>,
    base: f32,
    kinds: Vec<KindScore>,
    present: Vec<ConceptResult>,
    missing: Vec<ConceptResult>,
    facts: Vec<String>,
}

impl RiskEngine {
    /// Compiles `pack`, embedding its concept and rule exemplars with `embedder` (the model
    /// that will embed phrases and, for an index, made its vectors).
    ///
    /// # Errors
    ///
    /// Embedder errors; [`ErrorKind::InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for
    /// a term that does not compile.
    pub fn new(pack: RulePack, embedder: &dyn Embedder) -> crate::error::Result<RiskEngine> {
        let concepts = pack
            .concepts
            .values()
            .map(|c| {
                CompiledConcept::new(c, pack.settings.semantic_threshold, embedder)
                    .map(|cc| (c.id.clone(), cc))
            })
            .collect::<crate::error::Result<HashMap<_, _>>>()?;
        let mut exemplars = HashMap::new();
        for rule in pack.rules.iter().filter(|r| !r.exemplars.is_empty()) {
            let texts: Vec<&str> = rule.exemplars.iter().map(String::as_str).collect();
            exemplars.insert(rule.id.clone(), embedder.embed(&texts)?);
        }
        Ok(RiskEngine {
            pack,
            concepts,
            exemplars,
            model_id: embedder.model_id().to_owned(),
            cache: PhraseCache::default(),
        })
    }

    /// The pack.
    pub fn pack(&self) -> &RulePack {
        &self.pack
    }

    /// Runs every enabled rule (or only `only`, when given) over a document. Returns every
    /// candidate, flags and the candidates below the threshold alike, feedback applied when
    /// given; `as_of` is the date fact tests count from (`YYYY-MM-DD`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ModelMismatch`](crate::error::ErrorKind::ModelMismatch)-like invalid argument when
    /// `embedder` is not the engine's model; embedder errors.
    pub fn evaluate(
        &self,
        doc: &DocInput<'_>,
        only: Option<&[&str]>,
        as_of: &str,
        feedback: Option<&Feedback>,
        embedder: &dyn Embedder,
    ) -> crate::error::Result<Vec<Flag>> {
        if embedder.model_id() != self.model_id {
            return Err(Error::invalid_argument(format!(
                "the risk engine was built for model {} but was given {}",
                self.model_id,
                embedder.model_id()
            )));
        }
        let definitions = definitions(doc);
        let mut out = Vec::new();
        for rule in self.pack.rules.iter().filter(|r| r.enabled) {
            if only.is_some_and(|ids| !ids.contains(&rule.id.as_str())) {
                continue;
            }
            let candidates = match rule.scope {
                Scope::Clause => {
                    self.clause_candidates(rule, doc, &definitions, as_of, embedder)?
                }
                Scope::Document => self.document_candidate(rule, doc, as_of).into_iter().collect(),
            };
            for c in candidates {
                out.push(self.flag(rule, doc, c, feedback, embedder)?);
            }
        }
        Ok(out)
    }

    fn clause_candidates(
        &self,
        rule: &Rule,
        doc: &DocInput<'_>,
        definitions: &[(String, usize)],
        as_of: &str,
        embedder: &dyn Embedder,
    ) -> crate::error::Result<Vec<Candidate>> {
        let mut out = Vec::new();
        for (i, clause) in doc.clauses.iter().enumerate() {
            if is_bare_heading(doc, i) {
                continue;
            }
            let (kind, base) = match matching_kind(rule, &rule.kinds, clause) {
                Some(kind) => (kind, calibrated(kind, kind_threshold(doc, kind.kind))),
                None if self.speaks_of(rule, clause) => (
                    KindScore {
                        kind: rule.kinds.first().copied().unwrap_or(ClauseKind::Other),
                        score: 0.0,
                    },
                    LANGUAGE_SCORE,
                ),
                None => match near_kind(rule, clause) {
                    Some(kind) => (kind, near_calibrated(kind, kind_threshold(doc, kind.kind))),
                    None => continue,
                },
            };
            let provision = provision(doc, i, rule, definitions);
            let Some((present, missing, factor)) =
                self.test_concepts(rule, doc, &provision, embedder)?
            else {
                continue;
            };
            let Some(facts) = test_facts(rule, Some(clause), doc, &self.pack.settings, as_of)
            else {
                continue;
            };
            // A near miss of an absent concept leaves a flag, but an uncertain one: it shrinks
            // the confidence above the threshold.
            let threshold = self.pack.settings.flag_threshold;
            out.push(Candidate {
                clause: Some(i),
                base: if base >= threshold {
                    threshold + (base - threshold) * factor
                } else {
                    base * factor
                },
                kinds: vec![kind],
                present,
                missing,
                facts,
            });
        }
        Ok(out)
    }

    /// Whether a clause that lacks the rule's kinds uses the language of all its
    /// [`also_when`](Rule::also_when) concepts (terms only; never definitions or tables of
    /// contents).
    fn speaks_of(&self, rule: &Rule, clause: &ClauseInput<'_>) -> bool {
        !rule.also_when.is_empty()
            && clause.role != Some(ClauseRole::Definition)
            && !crate::classify::lexical::is_definition(clause.text)
            && !crate::classify::lexical::is_contents_entry(clause.text)
            && rule.also_when.iter().all(|id| {
                self.concepts.get(id).is_some_and(|c| !c.terms_in(clause.text).is_empty())
            })
    }

    fn document_candidate(
        &self,
        rule: &Rule,
        doc: &DocInput<'_>,
        as_of: &str,
    ) -> Option<Candidate> {
        if !rule.missing_kinds.is_empty()
            && doc.clauses.iter().any(|c| {
                matching_kind(rule, &rule.missing_kinds, c).is_some() || self.speaks_of(rule, c)
            })
        {
            return None;
        }
        // Concept tests over the whole document use terms only (see the module documentation).
        let found = |id: &str| -> Option<ConceptResult> {
            let concept = self.concepts.get(id)?;
            let evidence: Vec<Evidence> = doc
                .clauses
                .iter()
                .flat_map(|c| {
                    concept.terms_in(c.text).into_iter().map(move |r| term_evidence(c, r))
                })
                .take(3)
                .collect();
            (!evidence.is_empty()).then(|| ConceptResult {
                concept: id.to_owned(),
                evidence,
                nearest: None,
            })
        };
        let mut present = Vec::new();
        for id in &rule.present {
            present.push(found(id)?);
        }
        if !rule.present_any.is_empty() {
            let any: Vec<ConceptResult> =
                rule.present_any.iter().filter_map(|id| found(id)).collect();
            if any.is_empty() {
                return None;
            }
            present.extend(any);
        }
        let mut missing = Vec::new();
        for id in &rule.absent {
            if found(id).is_some() {
                return None;
            }
            missing.push(ConceptResult {
                concept: id.clone(),
                evidence: Vec::new(),
                nearest: None,
            });
        }
        let facts = test_facts(rule, None, doc, &self.pack.settings, as_of)?;
        let kinds = rule.missing_kinds.iter().map(|&kind| KindScore { kind, score: 0.0 }).collect();
        Some(Candidate { clause: None, base: 1.0, kinds, present, missing, facts })
    }

    /// Tests a rule's concepts on a provision. `None`: the rule does not apply (a required
    /// concept missing, or an absent one found). Otherwise what was found, what is missing,
    /// and the factor near misses put on the score.
    #[allow(clippy::type_complexity)]
    fn test_concepts(
        &self,
        rule: &Rule,
        doc: &DocInput<'_>,
        provision: &[usize],
        embedder: &dyn Embedder,
    ) -> crate::error::Result<Option<(Vec<ConceptResult>, Vec<ConceptResult>, f32)>> {
        let mut present = Vec::new();
        for id in &rule.present {
            let r = self.find(id, doc, provision, embedder)?;
            if r.evidence.is_empty() {
                return Ok(None);
            }
            present.push(r);
        }
        if !rule.present_any.is_empty() {
            let mut any = Vec::new();
            for id in &rule.present_any {
                let r = self.find(id, doc, provision, embedder)?;
                if !r.evidence.is_empty() {
                    any.push(r);
                }
            }
            if any.is_empty() {
                return Ok(None);
            }
            present.extend(any);
        }
        let mut missing = Vec::new();
        let mut factor = 1.0f32;
        for id in &rule.absent {
            let r = self.find(id, doc, provision, embedder)?;
            if !r.evidence.is_empty() {
                return Ok(None);
            }
            if let (Some(near), Some(concept)) = (&r.nearest, self.concepts.get(id))
                && let Match::Semantic { similarity, .. } = near.how
            {
                let gap = (concept.threshold - similarity).max(0.0);
                factor = factor.min((gap / NEAR_MISS).min(1.0));
            }
            missing.push(r);
        }
        Ok(Some((present, missing, factor)))
    }

    /// Looks for a concept in the clauses of a provision: terms first, then exemplars.
    fn find(
        &self,
        id: &str,
        doc: &DocInput<'_>,
        provision: &[usize],
        embedder: &dyn Embedder,
    ) -> crate::error::Result<ConceptResult> {
        let concept = self
            .concepts
            .get(id)
            .ok_or_else(|| Error::bug(format!("concept {id} not compiled")))?;
        let mut evidence = Vec::new();
        for &i in provision {
            let c = &doc.clauses[i];
            evidence.extend(concept.terms_in(c.text).into_iter().map(|r| term_evidence(c, r)));
        }
        evidence.truncate(5);
        if !evidence.is_empty() || !concept.has_exemplars() {
            return Ok(ConceptResult { concept: id.to_owned(), evidence, nearest: None });
        }
        let spans: Vec<(usize, Range<usize>)> = provision
            .iter()
            .flat_map(|&i| phrases(doc.clauses[i].text).into_iter().map(move |r| (i, r)))
            .collect();
        let texts: Vec<&str> =
            spans.iter().map(|(i, r)| &doc.clauses[*i].text[r.clone()]).collect();
        let vectors = self.cache.vectors(&texts, embedder)?;
        let nearest = concept.nearest(&vectors).map(|(p, e, similarity)| {
            let (i, r) = &spans[p];
            let c = &doc.clauses[*i];
            Evidence {
                clause_id: c.id.clone(),
                span: c.span.start + r.start..c.span.start + r.end,
                text: c.text[r.clone()].to_owned(),
                how: Match::Semantic { exemplar: concept.exemplars[e].clone(), similarity },
            }
        });
        match nearest {
            Some(n) if matches!(n.how, Match::Semantic { similarity, .. } if similarity >= concept.threshold) => {
                Ok(ConceptResult { concept: id.to_owned(), evidence: vec![n], nearest: None })
            }
            nearest => Ok(ConceptResult { concept: id.to_owned(), evidence: Vec::new(), nearest }),
        }
    }

    fn flag(
        &self,
        rule: &Rule,
        doc: &DocInput<'_>,
        c: Candidate,
        feedback: Option<&Feedback>,
        embedder: &dyn Embedder,
    ) -> crate::error::Result<Flag> {
        let clause = c.clause.map(|i| &doc.clauses[i]);
        let own = self.exemplars.get(&rule.id).map(Vec::as_slice).unwrap_or(&[]);
        // Confirmed texts are decisions too: any decision needs the clause's vector.
        let needs_vector = clause.is_some()
            && (!own.is_empty() || feedback.is_some_and(|f| f.has_decisions(&rule.id)));
        let vector: Option<Vec<f32>> = match clause {
            Some(cl) if needs_vector => Some(match cl.vector {
                Some(v) => v.to_vec(),
                None => embedder.embed(&[cl.text])?.into_iter().next().unwrap_or_default(),
            }),
            _ => None,
        };
        let mut nearest_exemplar: Option<ExemplarMatch> = None;
        if let Some(v) = &vector {
            for (text, x) in rule.exemplars.iter().zip(own) {
                consider(&mut nearest_exemplar, text, dot(v, x), "pack");
            }
            for r in feedback.into_iter().flat_map(|f| f.confirmed(&rule.id)) {
                consider(&mut nearest_exemplar, &r.excerpt, dot(v, &r.vector), "confirmed");
            }
        }
        let mut base = c.base;
        if let Some(min) = rule.min_similarity {
            match &nearest_exemplar {
                Some(e) if e.similarity >= min => {}
                _ => base = base.min(self.pack.settings.flag_threshold * 0.5),
            }
        }
        let mut flag = Flag {
            rule_id: rule.id.clone(),
            rule_version: rule.version.clone(),
            title: rule.title.clone(),
            severity: rule.severity,
            doc_id: doc.doc_id.clone(),
            path: doc.path.to_owned(),
            clause: clause.map(|cl| FlaggedClause {
                id: cl.id.clone(),
                number: cl.number.map(str::to_owned),
                heading: cl.heading.map(str::to_owned),
                span: cl.span.clone(),
                text_hash: cl.text_hash,
                excerpt: excerpt(cl.text, 240),
            }),
            score: base,
            base_score: base,
            flagged: false,
            present: c.present,
            missing: c.missing,
            kinds: c.kinds,
            facts: c.facts,
            nearest_exemplar,
            review: None,
        };
        if let Some(f) = feedback {
            f.apply(&mut flag, vector.as_deref(), &self.pack.settings);
        }
        flag.flagged = flag.score >= self.pack.settings.flag_threshold
            && !matches!(&flag.review, Some(ReviewNote::Decided { verdict: Verdict::Dismiss, .. }));
        Ok(flag)
    }
}

/// Orders candidates for review: those without a current decision, one per (rule, clause
/// text), the least certain first (score nearest `threshold`), then by severity; at most
/// `limit`.
pub fn review_order(flags: Vec<Flag>, threshold: f32, limit: usize) -> Vec<Flag> {
    review_order_by(flags, threshold, limit, |_| None)
}

/// As [`review_order`], weighing each candidate's uncertainty by how representative it is
/// (information density): its mean cosine similarity to the 10 most similar other candidates of
/// its rule, by the clause embeddings `vector` gives. A decision on a clause like many others
/// teaches about all of them. Candidates without a vector keep density 1.
pub fn review_order_by<'v>(
    flags: Vec<Flag>,
    threshold: f32,
    limit: usize,
    vector: impl Fn(&Flag) -> Option<&'v [f32]>,
) -> Vec<Flag> {
    const NEIGHBOURS: usize = 10;
    let mut seen = std::collections::HashSet::new();
    let candidates: Vec<Flag> = flags
        .into_iter()
        .filter(|f| !matches!(f.review, Some(ReviewNote::Decided { .. })))
        .filter(|f| seen.insert((f.rule_id.clone(), f.review_key())))
        .collect();
    let vectors: Vec<Option<&[f32]>> = candidates.iter().map(&vector).collect();
    let density: Vec<f32> = (0..candidates.len())
        .map(|i| {
            let Some(v) = vectors[i] else { return 1.0 };
            let mut sims: Vec<f32> = (0..candidates.len())
                .filter(|&j| j != i && candidates[j].rule_id == candidates[i].rule_id)
                .filter_map(|j| vectors[j].map(|w| dot(v, w)))
                .collect();
            if sims.is_empty() {
                return 1.0;
            }
            sims.sort_by(|a, b| b.total_cmp(a));
            sims.truncate(NEIGHBOURS);
            (sims.iter().sum::<f32>() / sims.len() as f32).max(0.0)
        })
        .collect();
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    let value =
        |i: usize| (1.0 - 2.0 * (candidates[i].score - threshold).abs()).max(0.0) * density[i];
    order.sort_by(|&a, &b| {
        value(b)
            .total_cmp(&value(a))
            .then(candidates[b].severity.cmp(&candidates[a].severity))
            .then_with(|| candidates[a].path.cmp(&candidates[b].path))
    });
    let mut slots: Vec<Option<Flag>> = candidates.into_iter().map(Some).collect();
    order.into_iter().take(limit).filter_map(|i| slots[i].take()).collect()
}

fn consider(best: &mut Option<ExemplarMatch>, text: &str, similarity: f32, source: &'static str) {
    if best.as_ref().is_none_or(|b| similarity > b.similarity) {
        *best = Some(ExemplarMatch { text: excerpt(text, 160), similarity, source });
    }
}

/// The first `chars` characters of a text, whitespace collapsed, with `…` when cut: how a flag
/// quotes a clause or an exemplar.
pub fn excerpt(text: &str, chars: usize) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.char_indices().nth(chars) {
        Some((i, _)) => format!("{}…", &joined[..i]),
        None => joined,
    }
}

fn term_evidence(c: &ClauseInput<'_>, r: Range<usize>) -> Evidence {
    Evidence {
        clause_id: c.id.clone(),
        span: c.span.start + r.start..c.span.start + r.end,
        text: c.text[r].to_owned(),
        how: Match::Term,
    }
}

/// The clause's best kind among `kinds` (any kind when empty) with at least the rule's score.
fn matching_kind(rule: &Rule, kinds: &[ClauseKind], clause: &ClauseInput<'_>) -> Option<KindScore> {
    if kinds.is_empty() {
        return Some(KindScore { kind: ClauseKind::Other, score: 1.0 });
    }
    clause
        .kinds
        .iter()
        .filter(|k| kinds.contains(&k.kind) && k.score >= rule.min_kind_score)
        .copied()
        .max_by(|a, b| a.score.total_cmp(&b.score))
}

/// A clause that is only its number and heading ("14.2 Force Majeure") with nested clauses after
/// it: they carry the provision, and a flag on the heading would repeat theirs.
fn is_bare_heading(doc: &DocInput<'_>, i: usize) -> bool {
    let c = &doc.clauses[i];
    let mut rest = c.text.trim();
    for part in [c.number, c.heading].into_iter().flatten() {
        rest = rest
            .strip_prefix(part.trim())
            .unwrap_or(rest)
            .trim_start_matches(['.', ':', ' ', '-'])
            .trim();
    }
    rest.split_whitespace().count() < 3 && doc.clauses.get(i + 1).is_some_and(|n| n.depth > c.depth)
}

/// The clause's best nearly-assigned kind among the rule's kinds.
fn near_kind(rule: &Rule, clause: &ClauseInput<'_>) -> Option<KindScore> {
    clause
        .near_kinds
        .iter()
        .filter(|k| rule.kinds.contains(&k.kind))
        .copied()
        .max_by(|a, b| a.score.total_cmp(&b.score))
}

/// A nearly-assigned kind on the flag scale: below 0.5, in proportion to how near it came
/// (0.25 at half the kind's threshold).
fn near_calibrated(kind: KindScore, t: f32) -> f32 {
    (0.5 * kind.score / t.max(1e-3)).min(0.499)
}

/// The threshold of `kind` in the classifier that typed `doc` (see [`DocInput::thresholds`]).
fn kind_threshold(doc: &DocInput<'_>, kind: ClauseKind) -> f32 {
    static BUNDLED: LazyLock<HashMap<ClauseKind, f32>> =
        LazyLock::new(|| Classifier::bundled().map(Classifier::thresholds).unwrap_or_default());
    let thresholds = doc.thresholds.unwrap_or(&BUNDLED);
    thresholds.get(&kind).copied().unwrap_or(0.5).clamp(0.0, 0.99)
}

/// The classifier's confidence in an assigned kind on a flag scale: 0.5 at the kind's
/// threshold, 1.0 at certainty.
fn calibrated(kind: KindScore, t: f32) -> f32 {
    if kind.kind == ClauseKind::Other {
        return kind.score;
    }
    (0.5 + 0.5 * (kind.score - t) / (1.0 - t)).clamp(0.5, 1.0)
}

/// The defined terms of a document: (lower-cased term, index of the defining clause).
fn definitions(doc: &DocInput<'_>) -> Vec<(String, usize)> {
    static DEFINED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"["“]([A-Z][A-Za-z][A-Za-z \-]{1,60}?)["”]\s*(?:,\s*)?(?i:(?:shall\s+)?(?:means?|include[sd]?|has\s+the\s+meaning|shall\s+have\s+the\s+meaning|refers?\s+to))\b"#,
        )
        .expect("regex")
    });
    let mut out = Vec::new();
    for (i, c) in doc.clauses.iter().enumerate() {
        for m in DEFINED.captures_iter(c.text) {
            if let Some(term) = m.get(1) {
                out.push((term.as_str().to_lowercase(), i));
            }
        }
    }
    out
}

/// The clauses whose text a clause rule's concepts are tested on: the clause, its subtree, its
/// neighbours of the rule's kinds, and the clauses defining the terms they use. Sorted.
fn provision(
    doc: &DocInput<'_>,
    i: usize,
    rule: &Rule,
    definitions: &[(String, usize)],
) -> Vec<usize> {
    let clauses = &doc.clauses;
    let of_kind = |j: usize| matching_kind(rule, &rule.kinds, &clauses[j]).is_some();
    // Up to the outermost enclosing clause that still has the kind.
    let mut root = i;
    let mut j = i;
    while j > 0 {
        j -= 1;
        if clauses[j].depth < clauses[root].depth {
            if of_kind(j) {
                root = j;
            } else {
                break;
            }
        }
    }
    let mut start = root;
    // Preceding siblings of the kind.
    while start > 0 && of_kind(start - 1) && clauses[start - 1].depth >= clauses[root].depth {
        start -= 1;
    }
    let mut end = root + 1;
    while end < clauses.len()
        && (clauses[end].depth > clauses[root].depth || of_kind(end))
        && clauses[end].depth >= clauses[root].depth.min(clauses[start].depth)
    {
        end += 1;
    }
    let mut out: Vec<usize> = (start..end.max(i + 1)).collect();
    // Definitions of the terms the provision uses that name one of the rule's kinds ("Force
    // Majeure Event"): they say what the provision covers. Other definitions ("Product") do not.
    let relevant = definitions
        .iter()
        .filter(|(term, _)| ClauseKind::from_heading(term).any(|k| rule.kinds.contains(&k)));
    let text: String =
        out.iter().map(|&k| clauses[k].text.to_lowercase()).collect::<Vec<_>>().join("\n");
    let mut extra = Vec::new();
    for (term, k) in relevant {
        if !out.contains(k) && text.contains(term.as_str()) {
            extra.push(*k);
        }
    }
    out.extend(extra);
    out.sort_unstable();
    out.dedup();
    out
}

/// Runs a rule's fact tests. `None`: a test failed. Otherwise a line per test.
fn test_facts(
    rule: &Rule,
    clause: Option<&ClauseInput<'_>>,
    doc: &DocInput<'_>,
    settings: &Settings,
    as_of: &str,
) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for test in &rule.facts {
        match test {
            FactTest::AmountMissing => {
                let money = |facts: &[Fact]| {
                    facts.iter().any(|f| matches!(f.value, FactValue::Money { .. }))
                };
                let has = match clause {
                    Some(c) => money(c.facts),
                    None => doc.clauses.iter().any(|c| money(c.facts)),
                };
                if has {
                    return None;
                }
                out.push("no amount of money stated".to_owned());
            }
            FactTest::CounterpartyMayTerminate => {
                let text = clause.map_or("", |c| c.text);
                out.push(counterparty_may_terminate(text, &settings.our_roles)?);
            }
            FactTest::GoverningLawNotAllowed => {
                let f = doc.facts?.governing_law.as_ref()?;
                let FactValue::Jurisdiction { name } = &f.value else { return None };
                let lower = name.to_lowercase();
                if settings.allowed_governing_law.is_empty()
                    || settings
                        .allowed_governing_law
                        .iter()
                        .any(|a| lower.contains(&a.to_lowercase()))
                {
                    return None;
                }
                out.push(format!(
                    "governed by the law of {name}, not one of: {}",
                    settings.allowed_governing_law.join(", ")
                ));
            }
            FactTest::RenewalNoticeWithin { days } => {
                let line = renewal_deadline(doc.facts?, as_of, *days)?;
                out.push(line);
            }
        }
    }
    Some(out)
}

/// Who a clause lets terminate, against the team's own roles: `None` when only the team's side
/// may; otherwise a line saying who may.
fn counterparty_may_terminate(text: &str, ours: &[String]) -> Option<String> {
    static MAY_TERMINATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"\b((?i:either party|each party|any party|both parties|the parties)|[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?)\s*(?:,[^,]{0,60},\s*)?(?i:may|can|shall\s+(?:have\s+the\s+right|be\s+entitled)\s+to|is\s+entitled\s+to|has\s+the\s+right\s+to|reserves\s+the\s+right\s+to)\s*(?:,[^,]{0,60},\s*)?(?:\w+\s+){0,3}?(?i:terminate)",
        )
        .expect("regex")
    });
    if ours.is_empty() {
        return Some("the team's side is not configured (settings.our_roles)".to_owned());
    }
    let subjects: Vec<String> = MAY_TERMINATE
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().to_owned())
        .collect();
    if subjects.is_empty() {
        return Some("the terminating party is not named".to_owned());
    }
    let is_ours = |s: &str| {
        let s = s.to_lowercase();
        let s = s.trim_start_matches("the ").trim();
        ours.iter().any(|o| s == o.to_lowercase())
    };
    let theirs: Vec<&String> = subjects.iter().filter(|s| !is_ours(s)).collect();
    if theirs.is_empty() {
        return None;
    }
    Some(format!(
        "may terminate: {}",
        theirs.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    ))
}

/// The next renewal's notice deadline when it falls within `window` days of `as_of`.
fn renewal_deadline(facts: &ContractFacts, as_of: &str, window: u32) -> Option<String> {
    let day = |iso: &str| civil::parse_iso_date(iso);
    let start = match &facts.agreement_date.as_ref()?.value {
        FactValue::Date { iso } => day(iso)?,
        _ => return None,
    };
    let notice = match &facts.notice_period.as_ref()?.value {
        FactValue::Duration(d) => i64::from(d.approx_days()),
        _ => return None,
    };
    // The renewal period in calendar months (years and months), else in days; a year when the
    // contract gives none.
    let (months, days) = match facts.renewal_term.as_ref().map(|f| &f.value) {
        Some(FactValue::Duration(d)) => match d.unit {
            TimeUnit::Year => (i64::from(d.amount) * 12, 0),
            TimeUnit::Month => (i64::from(d.amount), 0),
            _ => (0, i64::from(d.approx_days())),
        },
        _ => (12, 0),
    };
    if months == 0 && days < 28 {
        return None;
    }
    // The k-th renewal: the same day of the month (or the month's last day) k periods on.
    let start_days = civil::days_since_epoch(start);
    let renewal_after = |k: i64| {
        if months > 0 {
            civil::add_months(start, k * months).map(civil::days_since_epoch)
        } else {
            Some(start_days + k * days)
        }
    };
    let today = civil::days_since_epoch(day(as_of)?);
    // The first renewal whose notice deadline is not yet past (at most 10,000 periods on).
    let renewal = (1..10_000).map_while(renewal_after).find(|&r| r - notice >= today)?;
    let deadline = renewal - notice;
    (deadline - today <= i64::from(window)).then(|| {
        format!(
            "next renewal about {} days after {as_of}; notice of {notice} days due in {} days",
            renewal - today,
            deadline - today
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(path: &str, score: f32) -> Flag {
        Flag {
            rule_id: "r".into(),
            rule_version: "1".into(),
            title: String::new(),
            severity: Severity::Medium,
            doc_id: path.into(),
            path: path.into(),
            clause: Some(FlaggedClause {
                id: path.into(),
                number: None,
                heading: None,
                span: 0..1,
                text_hash: TextHash::of(path),
                excerpt: String::new(),
            }),
            score,
            base_score: score,
            flagged: score >= 0.5,
            present: Vec::new(),
            missing: Vec::new(),
            kinds: Vec::new(),
            facts: Vec::new(),
            nearest_exemplar: None,
            review: None,
        }
    }

    #[test]
    fn kind_scores_are_put_on_the_scale_of_the_classifier_that_typed_them() {
        let thresholds: HashMap<ClauseKind, f32> = [(ClauseKind::AntiAssignment, 0.8)].into();
        let mut doc = DocInput {
            doc_id: "d".into(),
            path: "d",
            clauses: Vec::new(),
            facts: None,
            thresholds: None,
        };
        let bundled = Classifier::bundled().unwrap().thresholds()[&ClauseKind::AntiAssignment];
        assert_eq!(kind_threshold(&doc, ClauseKind::AntiAssignment), bundled);
        doc.thresholds = Some(&thresholds);
        let t = kind_threshold(&doc, ClauseKind::AntiAssignment);
        assert_eq!(t, 0.8);
        let score = |s| KindScore { kind: ClauseKind::AntiAssignment, score: s };
        assert!((calibrated(score(0.8), t) - 0.5).abs() < 1e-6);
        assert!((calibrated(score(0.9), t) - 0.75).abs() < 1e-6);
        assert!((near_calibrated(score(0.4), t) - 0.25).abs() < 1e-6);
        // A kind the map does not know is at 0.5.
        assert_eq!(kind_threshold(&doc, ClauseKind::ForceMajeure), 0.5);
    }

    #[test]
    fn review_order_prefers_uncertain_then_representative_candidates() {
        let flags =
            vec![flag("sure", 0.99), flag("alone", 0.52), flag("dense", 0.52), flag("twin", 0.7)];
        let v = |x: f32, y: f32| {
            let n = (x * x + y * y).sqrt();
            vec![x / n, y / n]
        };
        let vectors: HashMap<String, Vec<f32>> = [
            ("sure", v(1.0, 0.0)),
            ("alone", v(0.0, 1.0)),
            ("dense", v(1.0, 0.1)),
            ("twin", v(1.0, 0.05)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let order: Vec<String> =
            review_order_by(flags.clone(), 0.5, 10, |f| vectors.get(&f.path).map(Vec::as_slice))
                .into_iter()
                .map(|f| f.path)
                .collect();
        assert_eq!(order, ["dense", "twin", "alone", "sure"]);
        // Without vectors: uncertainty alone; decided candidates are left out.
        let mut decided = flags;
        decided[1].review = Some(ReviewNote::Decided {
            verdict: Verdict::Dismiss,
            reviewer: "r".into(),
            time: Timestamp::from_unix_millis(0).unwrap(),
            seq: 1,
        });
        let order: Vec<String> =
            review_order(decided, 0.5, 2).into_iter().map(|f| f.path).collect();
        assert_eq!(order, ["dense", "twin"]);
    }

    #[test]
    fn renewal_deadline_counts_from_the_next_anniversary() {
        use crate::classify::facts::Duration;
        let fact = |value| Some(Fact { value, span: 0..1 });
        let facts = ContractFacts {
            agreement_date: fact(FactValue::Date { iso: "2020-03-01".into() }),
            notice_period: fact(FactValue::Duration(Duration { amount: 60, unit: TimeUnit::Day })),
            ..ContractFacts::default()
        };
        // Next renewal 2026-03-01 (yearly): notice due 60 days before, 2025-12-31.
        let line = renewal_deadline(&facts, "2025-12-01", 90).unwrap();
        assert!(line.contains("due in 30 days"), "{line}");
        assert!(renewal_deadline(&facts, "2025-06-01", 90).is_none());
        // Past this year's deadline: the next one is a year on.
        assert!(renewal_deadline(&facts, "2026-01-15", 90).is_none());
        assert!(renewal_deadline(&facts, "2026-11-15", 90).is_some());
    }

    #[test]
    fn termination_for_convenience_by_whom() {
        let ours = vec!["Customer".to_owned()];
        let t = |text: &str, ours: &[String]| counterparty_may_terminate(text, ours);
        assert!(t("Either party may terminate this Agreement for convenience.", &ours).is_some());
        assert!(
            t("Supplier may, at any time, terminate this Agreement without cause.", &ours)
                .is_some_and(|l| l.contains("Supplier"))
        );
        assert_eq!(t("The Customer may terminate this Agreement for convenience.", &ours), None);
        assert_eq!(
            t("Customer shall have the right to terminate this Agreement at any time.", &ours),
            None
        );
        assert!(t("This Agreement may be ended on notice.", &ours).is_some());
        assert!(t("Customer may terminate for convenience.", &[]).is_some());
    }
}
