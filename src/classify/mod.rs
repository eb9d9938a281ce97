//! Typing clauses and reading their facts.
//!
//! - The clause taxonomy, [`ClauseKind`], each kind with a one-line definition ([`KindInfo`]).
//! - [`Classifier`]: assigns kinds to clauses, with a score each. Several kinds per clause are
//!   normal ("Governing Law; Jurisdiction" is governing law and dispute resolution); a clause no
//!   kind fits gets none (it is [`ClauseKind::Other`]), never the nearest kind by force.
//! - [`facts`]: the typed values (dates, durations, money, percentages, parties, governing law)
//!   that drive a contract's deadlines, each with the span it came from.
//!
//! # How the classifier works
//!
//! A one-vs-rest logistic regression ([`Model`]) over hashed lexical features of the clause
//! text, its heading and its parent's heading. The shipped model
//! (`models/clause-kinds/model.bin`, compiled into the crate) was trained by `clausal train` on
//! the clauses of the 407 CUAD contracts: a clause is labelled with a CUAD category when it
//! overlaps an expert-labelled span of that category, and with the kinds CUAD does not label
//! (force majeure, indemnification, notices, ...) when its heading, or its parent's, names the
//! kind (the heading patterns of [`KindInfo`]). Clauses with a heading are also trained as bare
//! text, so the model learns the words of a force majeure clause, not only its heading. Users
//! retrain from their own labelled clauses with [`train`] or `clausal train`.
//!
//! The classifier does not use the sentence embeddings: on CUAD a lexical model is as accurate
//! for these kinds, is three orders of magnitude cheaper, and keeps typing independent of the
//! embedding model an index was built with.

pub mod facts;
pub(crate) mod features;
mod kinds;
pub(crate) mod lexical;
mod model;
pub mod role;

use std::sync::LazyLock;

use rayon::prelude::*;

use serde::{Deserialize, Serialize};

pub use features::ClauseView;
pub use kinds::{ClauseKind, KindInfo};
pub use model::{DocumentScore, Model, ModelHeader, TrainOptions};

use crate::extract::Document;
use crate::segment::Clause;

/// The model compiled into the crate.
static BUNDLED_MODEL: &[u8] = include_bytes!("../../models/clause-kinds/model.bin");

/// The score a kind gets when the clause heading names it (see [`Classifier::scores`]).
pub const HEADING_SCORE: f32 = 0.95;

/// A kind assigned to a clause, with the model's probability for it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct KindScore {
    /// The kind.
    pub kind: ClauseKind,
    /// Probability in `[0, 1]`.
    pub score: f32,
}

/// Assigns [`ClauseKind`]s to clauses. Cheap to share across threads.
#[derive(Clone, Debug)]
pub struct Classifier {
    model: Model,
}

impl Classifier {
    /// The classifier shipped with the crate.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ModelLoad`](crate::error::ErrorKind::ModelLoad) if the bundled model file is
    /// damaged (a build problem, not something input can cause).
    pub fn bundled() -> crate::error::Result<&'static Classifier> {
        static BUNDLED: LazyLock<Result<Classifier, String>> = LazyLock::new(|| {
            Model::from_bytes(BUNDLED_MODEL).map(Classifier::new).map_err(|e| e.to_string())
        });
        BUNDLED
            .as_ref()
            .map_err(|e| crate::error::Error::model_load("models/clause-kinds/model.bin", e))
    }

    /// A classifier from a trained model.
    pub fn new(model: Model) -> Classifier {
        Classifier { model }
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The assignment threshold of each kind the model knows.
    pub fn thresholds(&self) -> std::collections::HashMap<ClauseKind, f32> {
        self.model.kinds().iter().enumerate().map(|(i, &k)| (k, self.model.threshold(i))).collect()
    }

    /// The score of every kind the model knows, in model order: the model's probability, raised
    /// to at least [`HEADING_SCORE`] for a kind CUAD does not label when the clause's heading (or
    /// the start of its text, where the heading runs into it, or else its parent's heading)
    /// names the kind, or when its words
    /// establish it (force majeure wording: an excuse for causes beyond control). Those kinds
    /// were trained from the same rules; the rules make them certain where the model is not.
    /// Definitions get none of those kinds (`"Force Majeure" means ...` is not a force majeure
    /// clause) unless a sentence of theirs carries the excuse, a clause that only gives a right
    /// to terminate for force majeure is not a force majeure clause, and table-of-contents
    /// entries get no kind at all.
    pub fn scores(&self, view: &ClauseView<'_>) -> Vec<KindScore> {
        let f = features::features(view);
        let contents = lexical::is_contents_entry(view.text);
        let definition = view.definition || lexical::is_definition(view.text);
        let named = named_kinds(view);
        let termination_only = lexical::is_termination_only(view.text);
        self.model
            .probabilities(&f)
            .into_iter()
            .zip(self.model.kinds())
            .map(|(score, &kind)| {
                let from_rules = kind.info().cuad_category.is_none();
                let score = if contents || (kind == ClauseKind::ForceMajeure && termination_only) {
                    0.0
                } else if from_rules && named.contains(&kind) {
                    score.max(HEADING_SCORE)
                } else if definition && from_rules {
                    0.0
                } else {
                    score
                };
                KindScore { kind, score }
            })
            .collect()
    }

    /// The kinds assigned to a clause (probability above the kind's threshold), best first.
    /// Empty means [`ClauseKind::Other`].
    pub fn classify(&self, view: &ClauseView<'_>) -> Vec<KindScore> {
        self.assigned(&self.scores(view))
    }

    /// The kinds assigned given every kind's score (as [`Classifier::scores`] returns them), best
    /// first.
    pub fn assigned(&self, scores: &[KindScore]) -> Vec<KindScore> {
        let mut out: Vec<KindScore> = scores
            .iter()
            .enumerate()
            .filter(|(i, s)| s.score >= self.model.threshold(*i))
            .map(|(_, s)| *s)
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }

    /// The kinds scoring at least half their threshold without reaching it, best first: not
    /// assigned, but worth a reviewer's look when a risk rule asks for the kind.
    pub fn near_misses(&self, scores: &[KindScore]) -> Vec<KindScore> {
        let mut out: Vec<KindScore> = scores
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                let t = self.model.threshold(*i);
                s.score > 0.0 && s.score < t && s.score >= 0.5 * t
            })
            .map(|(_, s)| *s)
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }

    /// The kinds a whole document contains, from the scores of all its clauses (each as
    /// [`Classifier::scores`] returns them): a kind whose document score (the clause scores
    /// combined as the model's [`DocumentScore`] says) reaches the kind's document threshold,
    /// calibrated separately from the clause threshold. Best first.
    pub fn document_kinds(&self, clause_scores: &[Vec<KindScore>]) -> Vec<KindScore> {
        let combine = self.model.document_score();
        let mut out: Vec<KindScore> = self
            .model
            .kinds()
            .iter()
            .enumerate()
            .map(|(i, &kind)| KindScore {
                kind,
                score: combine
                    .combine(clause_scores.iter().map(|s| s.get(i).map_or(0.0, |s| s.score))),
            })
            .enumerate()
            .filter(|(i, s)| s.score > 0.0 && s.score >= self.model.document_threshold(*i))
            .map(|(_, s)| s)
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }

    /// The kinds of each clause of a segmented document.
    pub fn classify_clauses(&self, doc: &Document, clauses: &[Clause]) -> Vec<Vec<KindScore>> {
        clause_views(doc, clauses).iter().map(|v| self.classify(v)).collect()
    }
}

/// A clause typed: the kinds assigned to it, the kinds it nearly has, and its facts.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TypedClause {
    /// Kinds at or above their thresholds, best first ([`Classifier::assigned`]).
    pub kinds: Vec<KindScore>,
    /// Kinds at half their threshold or more without reaching it ([`Classifier::near_misses`]).
    pub near_kinds: Vec<KindScore>,
    /// The facts in the clause text ([`facts::extract_facts`]).
    pub facts: Vec<facts::Fact>,
}

/// A document analysed: its clauses typed, its kinds and its facts.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Analysis {
    /// Per clause, in the order given.
    pub clauses: Vec<TypedClause>,
    /// The document's kinds: its clauses' scores combined ([`Classifier::document_kinds`]).
    pub kinds: Vec<KindScore>,
    /// The contract-level facts of the whole text ([`facts::ContractFacts::from_text`]).
    pub facts: facts::ContractFacts,
    /// What the document is in an archive ([`role::document_role`]).
    pub role: role::RoleAssignment,
}

impl Classifier {
    /// Types the clauses of a document and reads its facts: the one analysis that ingestion,
    /// the evaluations and `clausal clauses` share. `clauses` are the document's, as
    /// [`segment`](crate::segment::segment) gives them (or any spans into `doc.text` with
    /// their parents before them).
    pub fn analyze(&self, doc: &Document, clauses: &[Clause]) -> Analysis {
        let scores: Vec<Vec<KindScore>> =
            clause_views(doc, clauses).iter().map(|v| self.scores(v)).collect();
        let kinds = self.document_kinds(&scores);
        let clauses = clauses
            .iter()
            .zip(&scores)
            .map(|(clause, scores)| TypedClause {
                kinds: self.assigned(scores),
                near_kinds: self.near_misses(scores),
                facts: facts::extract_facts(doc.text.get(clause.span.clone()).unwrap_or("")),
            })
            .collect();
        Analysis {
            clauses,
            kinds,
            facts: facts::ContractFacts::from_text(&doc.text),
            role: role::role_of(doc),
        }
    }
}

/// The kinds a clause names by itself, without a model: the kinds its heading names (or, for a
/// clause without one, the heading run into the start of its text; failing both, its nearest
/// enclosing heading), and the kinds its words establish (force majeure wording: an excuse for
/// causes beyond control). Table-of-contents entries name none, and definitions
/// (`"Force Majeure" means ...`) none but force majeure when a sentence of theirs carries the
/// excuse (relief and, in the same sentence, a cause beyond control).
///
/// [`Classifier::scores`] raises these kinds to [`HEADING_SCORE`]; training data for the kinds
/// a corpus does not label is made from the same rules.
pub fn named_kinds(view: &ClauseView<'_>) -> Vec<ClauseKind> {
    let contents = lexical::is_contents_entry(view.text);
    if contents {
        return Vec::new();
    }
    let definition = view.definition || lexical::is_definition(view.text);
    if definition {
        // A definition that carries the excuse itself ("... means ...; neither party shall be
        // liable for delays caused by it") is the provision; its heading names nothing.
        return if lexical::excuse_sentences(view.text).is_empty() {
            Vec::new()
        } else {
            vec![ClauseKind::ForceMajeure]
        };
    }
    let mut named = heading_kinds(view.heading, view.text, view.parent_heading);
    named.extend(lexical::lexical_kinds(view.text));
    named
}

/// The kinds a clause's headings name: its own heading's; for a clause without a heading, the
/// heading run into the start of its text ("14.7 Force Majeure Neither party ..."); when those
/// name none, the nearest enclosing heading's ("9.1 Protection by Provider" under
/// "9. Indemnification" is an indemnification clause).
fn heading_kinds(
    heading: Option<&str>,
    text: &str,
    parent_heading: Option<&str>,
) -> Vec<ClauseKind> {
    let own: Vec<ClauseKind> = match heading {
        Some(h) => ClauseKind::from_heading(h).collect(),
        None => ClauseKind::from_lead(text).collect(),
    };
    match parent_heading {
        Some(p) if own.is_empty() => ClauseKind::from_heading(p).collect(),
        _ => own,
    }
}

/// What the classifier sees of each clause: its text, heading and the nearest enclosing heading.
pub fn clause_views<'a>(doc: &'a Document, clauses: &'a [Clause]) -> Vec<ClauseView<'a>> {
    clauses
        .iter()
        .map(|c| ClauseView {
            text: doc.text.get(c.span.clone()).unwrap_or(""),
            heading: c.heading.as_deref(),
            parent_heading: parent_heading(clauses, c),
            parent_text: parent_text(doc, clauses, c),
            definition: c.role == crate::segment::ClauseRole::Definition,
        })
        .collect()
}

/// The own text of the enclosing clause, if any.
pub(crate) fn parent_text<'a>(
    doc: &'a Document,
    clauses: &[Clause],
    clause: &Clause,
) -> Option<&'a str> {
    let p = clauses.get(clause.parent? as usize)?;
    doc.text.get(p.span.clone()).filter(|t| !t.is_empty())
}

/// The heading of the nearest enclosing clause that has one.
pub(crate) fn parent_heading<'a>(clauses: &'a [Clause], clause: &Clause) -> Option<&'a str> {
    let mut parent = clause.parent;
    // Parents precede their children, so this walk ends; the bound is for malformed input.
    for _ in 0..64 {
        let p = clauses.get(parent? as usize)?;
        if let Some(h) = p.heading.as_deref() {
            return Some(h);
        }
        parent = p.parent;
    }
    None
}

/// A clause with the kinds a person (or a labelled corpus) gave it: training data.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LabelledClause {
    /// The clause text.
    pub text: String,
    /// Its heading, if any.
    #[serde(default)]
    pub heading: Option<String>,
    /// The nearest enclosing heading, if any.
    #[serde(default)]
    pub parent_heading: Option<String>,
    /// The start of the enclosing clause's own text, if any.
    #[serde(default)]
    pub parent_text: Option<String>,
    /// Its kinds; empty for a clause of no kind.
    #[serde(default)]
    pub kinds: Vec<ClauseKind>,
    /// The document it comes from: clauses of one document stay in one calibration fold.
    #[serde(default)]
    pub document: Option<String>,
    /// A labelled passage on its own rather than a clause as the segmenter cuts it (CUAD's gold
    /// spans): trained on, but left out when thresholds are calibrated, since documents to
    /// classify have no such clean passages.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub passage: bool,
}

impl LabelledClause {
    /// The view the classifier gets of this clause.
    pub fn view(&self) -> ClauseView<'_> {
        ClauseView {
            text: &self.text,
            heading: self.heading.as_deref(),
            parent_heading: self.parent_heading.as_deref(),
            parent_text: self.parent_text.as_deref(),
            definition: false,
        }
    }
}

/// Trains a classifier on labelled clauses. Kinds with fewer than `min_positives` examples are
/// left out of the model (it never assigns them).
///
/// With [`TrainOptions::calibration_folds`] of 2 or more, each kind's threshold is the one that
/// maximises its F1 on out-of-fold predictions: the clauses are dealt into folds by
/// [`LabelledClause::document`], each fold is predicted by a model trained on the others, and
/// the final model is trained on everything.
///
/// `trained_on` names the training documents (their [`DocId`](crate::extract::DocId)s in hex), so that
/// an evaluation can tell which documents a model has seen; `source` says where the data came from.
pub fn train(
    clauses: &[LabelledClause],
    options: &TrainOptions,
    min_positives: usize,
    trained_on: Vec<String>,
    source: String,
) -> Model {
    let mut counts = std::collections::HashMap::new();
    for c in clauses {
        for k in &c.kinds {
            *counts.entry(*k).or_insert(0usize) += 1;
        }
    }
    let kinds: Vec<ClauseKind> = ClauseKind::ALL
        .iter()
        .copied()
        .filter(|k| *k != ClauseKind::Other && counts.get(k).copied().unwrap_or(0) >= min_positives)
        .collect();
    let fit = |subset: &[&LabelledClause]| {
        let mut examples = Vec::with_capacity(subset.len() * 2);
        for c in subset {
            let view = c.view();
            examples.push(model::Example {
                features: features::features(&view),
                kinds: c.kinds.clone(),
            });
            if view.heading.is_some() || view.parent_heading.is_some() {
                let bare = ClauseView { text: view.text, ..ClauseView::default() };
                examples.push(model::Example {
                    features: features::features(&bare),
                    kinds: c.kinds.clone(),
                });
            }
        }
        Model::train(&examples, &kinds, options, Vec::new(), String::new())
    };
    let all: Vec<&LabelledClause> = clauses.iter().collect();
    let folds = options.calibration_folds;
    let thresholds = (folds >= 2).then(|| {
        let fold_of = |c: &LabelledClause, i: usize| -> usize {
            let key = c.document.as_deref().map_or(i as u64, |d| features::fnv1a(d.bytes()));
            (key % folds as u64) as usize
        };
        let out_of_fold: Vec<Vec<(usize, Vec<f32>)>> = (0..folds)
            .into_par_iter()
            .map(|f| {
                let training: Vec<&LabelledClause> = clauses
                    .iter()
                    .enumerate()
                    .filter(|(i, c)| fold_of(c, *i) != f)
                    .map(|(_, c)| c)
                    .collect();
                let m = fit(&training);
                clauses
                    .iter()
                    .enumerate()
                    .filter(|(i, c)| fold_of(c, *i) == f && !c.passage)
                    .map(|(i, c)| (i, m.probabilities(&features::features(&c.view()))))
                    .collect()
            })
            .collect();
        let mut probs = vec![Vec::new(); clauses.len()];
        for (i, p) in out_of_fold.into_iter().flatten() {
            probs[i] = p;
        }
        let clause_thresholds: Vec<f32> = kinds
            .iter()
            .enumerate()
            .map(|(col, kind)| {
                let scored: Vec<(f32, bool)> = clauses
                    .iter()
                    .zip(&probs)
                    .filter(|(c, _)| !c.passage)
                    .map(|(c, p)| (p.get(col).copied().unwrap_or(0.0), c.kinds.contains(kind)))
                    .collect();
                best_threshold(&scored, options.threshold)
            })
            .collect();
        // Per document: its clauses' scores (passages have none), and whether any clause or
        // passage carries the kind.
        type Scores<'c> = Vec<&'c [f32]>;
        let mut documents: std::collections::HashMap<&str, (Scores<'_>, Vec<bool>)> =
            Default::default();
        for (c, p) in clauses.iter().zip(&probs) {
            let Some(d) = c.document.as_deref() else { continue };
            let entry =
                documents.entry(d).or_insert_with(|| (Vec::new(), vec![false; kinds.len()]));
            if !c.passage {
                entry.0.push(p);
            }
            for (col, kind) in kinds.iter().enumerate() {
                entry.1[col] |= c.kinds.contains(kind);
            }
        }
        // As `Model::train` records in the header.
        let combine = DocumentScore::NoisyOr;
        let document_thresholds: Vec<f32> = (0..kinds.len())
            .map(|col| {
                if documents.is_empty() {
                    return clause_thresholds[col];
                }
                let scored: Vec<(f32, bool)> = documents
                    .values()
                    .map(|(scores, positive)| {
                        let s = scores.iter().map(|p| p.get(col).copied().unwrap_or(0.0));
                        (combine.combine(s), positive[col])
                    })
                    .collect();
                best_threshold(&scored, clause_thresholds[col])
            })
            .collect();
        (clause_thresholds, document_thresholds)
    });
    let mut model = fit(&all);
    if let Some((clause, document)) = thresholds {
        model.set_thresholds(clause, document);
    }
    model.set_provenance(trained_on, source);
    model
}

/// The threshold with the best F1 over `(score, positive)` pairs, on a grid of 0.05 steps with
/// 0.01 steps below 0.05 (a rare kind's probabilities stay low); `default` when there are no
/// positives. Ties go to the threshold nearest `default`.
fn best_threshold(scored: &[(f32, bool)], default: f32) -> f32 {
    let positives = scored.iter().filter(|s| s.1).count();
    if positives == 0 {
        return default;
    }
    let mut best = (f64::MIN, default);
    // Even steps of a quarter in log-odds from -6 to 8: probabilities from 0.0025 to 0.9997,
    // dense at both ends, where a rare kind's clause scores and a document's combined scores lie.
    let grid = (-24..=32).map(|s| model::sigmoid(s as f32 * 0.25));
    for t in grid {
        let (mut tp, mut fp) = (0usize, 0usize);
        for &(p, y) in scored {
            if p >= t {
                if y { tp += 1 } else { fp += 1 }
            }
        }
        let f1 = 2.0 * tp as f64 / (2 * tp + fp + (positives - tp)) as f64;
        let better = f1 > best.0 + 1e-9
            || ((f1 - best.0).abs() <= 1e-9 && (t - default).abs() < (best.1 - default).abs());
        if better {
            best = (f1, t);
        }
    }
    best.1
}
