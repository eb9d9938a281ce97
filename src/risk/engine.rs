//! The rule engine: a [`RulePack`] compiled for an embedding model ([`RiskEngine`]) and the
//! evaluation of its rules on one document.
//!
//! A clause rule's candidates are the clauses of its kinds (or, failing those, clauses that use
//! the language of its [`also_when`](super::Rule::also_when) concepts, or that nearly have
//! the kind); its concepts are tested on each candidate's provision (the clause, its subtree,
//! its neighbours of the kind and the definitions of the terms it uses), then its fact tests
//! ([`test_facts`]). A document rule tests missing kinds, document-wide concept terms and facts.
//! Each candidate becomes a [`Flag`] with its score, the rule's nearest exemplar and what
//! reviewers' feedback did to it.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use super::concepts::{CompiledConcept, PhraseCache, dot, phrases};
use super::facts::test_facts;
use super::feedback::Feedback;
use super::pack::{Rule, RulePack, Scope};
use super::types::{
    ClauseInput, ConceptResult, DocInput, Evidence, ExemplarMatch, Flag, FlaggedClause, Match,
    ReviewNote,
};
use crate::classify::role::DocRole;
use crate::classify::{Classifier, ClauseKind, KindScore};
use crate::embed::Embedder;
use crate::error::Error;
use crate::review::Verdict;
use crate::segment::ClauseRole;

/// How much an absent concept's nearest phrase lowers a flag's score as it approaches the
/// concept's threshold: a phrase this far below it or further costs nothing.
const NEAR_MISS: f32 = 0.2;
/// The score of a candidate found by the language of its kind
/// ([`also_when`](Rule::also_when)) rather than by the classifier: a flag, but a less certain
/// one than a typed clause.
const LANGUAGE_SCORE: f32 = 0.6;

/// A rule pack compiled for an embedding model. Share it between threads and queries: it
/// remembers the phrases it has embedded.
pub struct RiskEngine {
    pack: RulePack,
    concepts: HashMap<String, CompiledConcept>,
    exemplars: HashMap<String, Vec<Vec<f32>>>,
    model_id: String,
    cache: PhraseCache,
    /// Every concept's terms in one pass (for the clause library), with the concept ids in
    /// the set's order.
    term_set: (regex::RegexSet, Vec<String>),
    /// The clause library that deviation rules test against, compiled with the engine's
    /// concepts.
    library: Option<crate::library::Deviations>,
    /// SHA-256 of the library it was given, for [`RiskEngine::fingerprint`].
    library_digest: Option<String>,
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
        let mut ids: Vec<String> = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        for (id, c) in &concepts {
            if let Some(p) = c.terms_pattern() {
                ids.push(id.clone());
                patterns.push(p.to_owned());
            }
        }
        let set = regex::RegexSet::new(&patterns)
            .map_err(|e| Error::invalid_argument(format!("concept terms: {e}")))?;
        Ok(RiskEngine {
            pack,
            concepts,
            exemplars,
            model_id: embedder.model_id().to_owned(),
            cache: PhraseCache::default(),
            term_set: (set, ids),
            library: None,
            library_digest: None,
        })
    }

    /// Gives the engine a clause library for its deviation rules ([`Rule::deviation`]),
    /// compiled with `embedder` (the index's model) and the engine's concepts.
    ///
    /// # Errors
    ///
    /// Embedder errors.
    pub fn with_library(
        mut self,
        library: &crate::library::Library,
        embedder: &dyn Embedder,
    ) -> crate::error::Result<RiskEngine> {
        let compiled = crate::library::Deviations::new(
            library,
            embedder,
            &self,
            crate::library::DeviationSettings { diff: false, ..Default::default() },
        )?;
        self.library = Some(compiled);
        self.library_digest = Some(digest_of(library));
        Ok(self)
    }

    /// What the engine's flags depend on besides the index, the review store and the as-of
    /// date: a digest of its rule pack (rules, concepts, settings, versions) and of its clause
    /// library. Two engines with the same fingerprint flag the same clauses.
    pub fn fingerprint(&self) -> String {
        let pack = digest_of(&self.pack);
        let library = self.library_digest.as_deref().unwrap_or("none");
        digest_of(&(pack, library, &self.model_id))[..16].to_owned()
    }

    /// The pack.
    pub fn pack(&self) -> &RulePack {
        &self.pack
    }

    /// Runs every enabled rule (or only `only`, when given) over a document (none over
    /// correspondence and documents of role `other`). Returns every
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
        // A message about a contract, or a document that is none, has no clauses to judge.
        if doc.role.is_some_and(|r| matches!(r, DocRole::Correspondence | DocRole::Other)) {
            return Ok(Vec::new());
        }
        let definitions = definitions(doc);
        let mut out = Vec::new();
        for rule in self.pack.rules.iter().filter(|r| self.pack.is_active(r)) {
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
            let Some((present, mut missing, factor)) =
                self.test_concepts(rule, doc, &provision, embedder)?
            else {
                continue;
            };
            let mut deviation_line = None;
            if !rule.deviation.is_empty() {
                let Some(library) = &self.library else { continue };
                let texts: Vec<&str> = provision.iter().map(|&k| doc.clauses[k].text).collect();
                let found = library.concepts_of(kind.kind, self, &texts);
                let vector = match clause.vector {
                    Some(v) => v.to_vec(),
                    None => embedder.embed(&[clause.text])?.into_iter().next().unwrap_or_default(),
                };
                let Some(d) = library.compare_with_facts(
                    kind.kind,
                    clause.text,
                    &vector,
                    &found,
                    clause.facts,
                ) else {
                    continue;
                };
                if !rule.deviation.contains(&d.status) {
                    continue;
                }
                missing.extend(d.missing_concepts.iter().map(|c| ConceptResult {
                    concept: c.clone(),
                    evidence: Vec::new(),
                    nearest: None,
                }));
                deviation_line = Some(format!("{}: {}", d.status.as_str(), d.explanation));
            }
            let Some(mut facts) = test_facts(rule, Some(clause), doc, &self.pack.settings, as_of)
            else {
                continue;
            };
            facts.extend(deviation_line);
            // A near miss of an absent concept leaves a flag, but an uncertain one: it shrinks
            // the confidence above the threshold.
            let threshold = self.pack.settings.flag_threshold;
            let base = if base >= threshold {
                threshold + (base - threshold) * factor
            } else {
                base * factor
            };
            let (base, facts) = self.apply_cover(rule, doc, Some(i), base, facts);
            out.push(Candidate {
                clause: Some(i),
                base,
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
        if doc.role.is_some_and(|r| r != DocRole::Agreement) {
            return None;
        }
        if !rule.missing_kinds.is_empty()
            && doc.clauses.iter().chain(&doc.amendments).any(|c| {
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
                .chain(&doc.amendments)
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
        if !rule.absent_any.is_empty() {
            let lacking: Vec<ConceptResult> = rule
                .absent_any
                .iter()
                .filter(|id| found(id).is_none())
                .map(|id| ConceptResult {
                    concept: id.clone(),
                    evidence: Vec::new(),
                    nearest: None,
                })
                .collect();
            if lacking.is_empty() {
                return None;
            }
            present.extend(rule.absent_any.iter().filter_map(|id| found(id)));
            missing.extend(lacking);
        }
        let facts = test_facts(rule, None, doc, &self.pack.settings, as_of)?;
        let kinds = rule.missing_kinds.iter().map(|&kind| KindScore { kind, score: 0.0 }).collect();
        let (base, facts) = self.apply_cover(rule, doc, None, 1.0, facts);
        Some(Candidate { clause: None, base, kinds, present, missing, facts })
    }

    /// What the cover page says about a candidate: the variables of the document's cover page
    /// (order form, key terms) that govern what the rule tests ([`Rule::cover_terms`]; for a
    /// clause, those its top-level section refers to by their label). Each adds a line. When every one
    /// is blank the document is a template for it, and when the rule tests for a missing
    /// amount and one is set the amount is on the cover page: either way the candidate is not
    /// a flag.
    fn apply_cover(
        &self,
        rule: &Rule,
        doc: &DocInput<'_>,
        clause: Option<usize>,
        base: f32,
        mut facts: Vec<String>,
    ) -> (f32, Vec<String>) {
        let Some(cover) = doc.facts.map(|f| f.cover.as_slice()).filter(|c| !c.is_empty()) else {
            return (base, facts);
        };
        // A clause refers to a variable when its top-level section does ("8.2 Damages Waiver"
        // under "8.1 ... the General Cap Amount").
        let section = clause.map(|i| {
            let start = (0..=i).rev().find(|&j| doc.clauses[j].depth == 0).unwrap_or(i);
            let end = (i + 1..doc.clauses.len())
                .find(|&j| doc.clauses[j].depth == 0)
                .unwrap_or(doc.clauses.len());
            doc.clauses[start..end].iter().map(|c| c.text.to_lowercase()).collect::<Vec<_>>()
        });
        let governing: Vec<&crate::classify::facts::cover::CoverTerm> = cover
            .iter()
            .filter(|t| {
                let label = t.label.to_lowercase();
                rule.cover_terms.iter().any(|f| label.contains(&f.to_lowercase()))
                    && section.as_ref().is_none_or(|texts| texts.iter().any(|x| x.contains(&label)))
            })
            .collect();
        if governing.is_empty() {
            return (base, facts);
        }
        for t in &governing {
            facts.push(match &t.value {
                Some(v) => format!("{}: set on the cover page to {v:?}", t.label),
                None => format!("{}: blank in this template (the cover page sets it)", t.label),
            });
        }
        let any_set = governing.iter().any(|t| t.value.is_some());
        let amount_test =
            rule.facts.iter().any(|f| matches!(f, super::pack::FactTest::AmountMissing));
        let demote = !any_set || amount_test || !rule.missing_kinds.is_empty();
        let threshold = self.pack.settings.flag_threshold;
        (if demote { base.min(threshold * 0.5) } else { base }, facts)
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
        if !rule.absent_any.is_empty() {
            let mut lacking = Vec::new();
            for id in &rule.absent_any {
                let r = self.find(id, doc, provision, embedder)?;
                if r.evidence.is_empty() {
                    lacking.push(r);
                } else {
                    present.push(r);
                }
            }
            if lacking.is_empty() {
                return Ok(None);
            }
            missing.extend(lacking);
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
            source: doc.source.to_owned(),
            clause: clause.map(|cl| FlaggedClause {
                id: cl.id.clone(),
                number: cl.number.map(str::to_owned),
                heading: cl.heading.map(str::to_owned),
                span: cl.span.clone(),
                text_hash: cl.text_hash,
                excerpt: excerpt(cl.text, 240),
                excuse: if rule.kinds.contains(&ClauseKind::ForceMajeure) {
                    crate::classify::lexical::excuse_sentences(cl.text)
                        .into_iter()
                        .map(|r| cl.span.start + r.start..cl.span.start + r.end)
                        .collect()
                } else {
                    Vec::new()
                },
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
            superseded: None,
        };
        if let Some(f) = feedback {
            f.apply(&mut flag, vector.as_deref(), &self.pack.settings);
        }
        flag.flagged = flag.score >= self.pack.settings.flag_threshold
            && !matches!(&flag.review, Some(ReviewNote::Decided { verdict: Verdict::Dismiss, .. }));
        Ok(flag)
    }
}

/// The pack's concepts for the clause library's deviations, by their terms (what a concept
/// matches in meaning only is left out: deviations run over every clause of a kind).
impl crate::library::ConceptFinder for RiskEngine {
    fn find_concepts(&self, text: &str) -> Vec<String> {
        let (set, ids) = &self.term_set;
        set.matches(text).into_iter().map(|i| ids[i].clone()).collect()
    }

    fn term_patterns(&self) -> Vec<(String, String)> {
        let (set, ids) = &self.term_set;
        ids.iter().cloned().zip(set.patterns().iter().cloned()).collect()
    }
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
    let body_words = |c: &ClauseInput<'_>| {
        let mut rest = c.text.trim();
        for part in [c.number, c.heading].into_iter().flatten() {
            rest = rest
                .strip_prefix(part.trim())
                .unwrap_or(rest)
                .trim_start_matches(['.', ':', ' ', '-'])
                .trim();
        }
        rest.split_whitespace().count()
    };
    let c = &doc.clauses[i];
    if body_words(c) >= 3 {
        return false;
    }
    // Its body follows, nested; or it is one of a run of headings without bodies (a contents
    // list without page numbers, one entry per line: "33 Force Majeure", "34 Severability").
    let short =
        |j: usize| doc.clauses.get(j).is_some_and(|n| body_words(n) < 3 && n.text.len() < 80);
    doc.clauses.get(i + 1).is_some_and(|n| n.depth > c.depth)
        || (short(i + 1) && (i > 0 && short(i - 1) || short(i + 2)))
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
    crate::library::defined_terms(doc.clauses.iter().map(|c| c.text))
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
    let range = crate::library::provision_range(
        clauses.len(),
        |j| clauses[j].depth,
        |j| matching_kind(rule, &rule.kinds, &clauses[j]).is_some(),
        i,
    );
    let mut out: Vec<usize> = range.collect();
    // Definitions of the terms the provision uses that name one of the rule's kinds ("Force
    // Majeure Event"): they say what the provision covers. Other definitions ("Product") do not.
    let texts: Vec<&str> = out.iter().map(|&k| clauses[k].text).collect();
    out.extend(crate::library::definitions_used(definitions, &texts, &out, |term| {
        ClauseKind::from_heading(term).any(|k| rule.kinds.contains(&k))
    }));
    out.sort_unstable();
    out.dedup();
    out
}

/// Lower-case hex SHA-256 of a value's JSON.
fn digest_of<T: serde::Serialize>(value: &T) -> String {
    use sha2::Digest as _;
    let json = serde_json::to_vec(value).unwrap_or_default();
    sha2::Sha256::digest(&json).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_scores_are_put_on_the_scale_of_the_classifier_that_typed_them() {
        let thresholds: HashMap<ClauseKind, f32> = [(ClauseKind::AntiAssignment, 0.8)].into();
        let mut doc = DocInput {
            doc_id: "d".into(),
            path: "d",
            source: "d",
            role: None,
            clauses: Vec::new(),
            amendments: Vec::new(),
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
}
