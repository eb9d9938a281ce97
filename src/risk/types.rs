//! What the rules read and what they report: a document and its clauses as the rules see
//! them ([`DocInput`], [`ClauseInput`]), and a rule's finding ([`Flag`]) with its explanation
//! (the concepts found and missing with their [`Evidence`], the nearest exemplar, what
//! reviewers decided).

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use super::pack::Severity;
use crate::classify::facts::{ContractFacts, Fact};
use crate::classify::role::DocRole;
use crate::classify::{ClauseKind, KindScore};
use crate::review::{TextHash, Timestamp, Verdict};
use crate::segment::ClauseRole;

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
    /// The file it came from.
    pub path: &'a str,
    /// The document's own source: the path, or `PATH#attachment-N` for an attachment,
    /// `PATH#message-N` for an mbox message (flags name it).
    pub source: &'a str,
    /// What the document is in the archive, when known. Document rules judge agreements (and
    /// documents whose role is not known) only: not the email that carries a contract, nor an
    /// amendment alone (its clauses count for the agreement it amends, see
    /// [`amendments`](DocInput::amendments)); no rule judges correspondence or documents of
    /// role `other`.
    pub role: Option<DocRole>,
    /// Clauses in document order.
    pub clauses: Vec<ClauseInput<'a>>,
    /// The clauses of the amendments of this agreement held by the archive: document rules
    /// count their kinds and concepts as the agreement's (an amendment that adds a force
    /// majeure clause gives the agreement one).
    pub amendments: Vec<ClauseInput<'a>>,
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
    /// For force majeure rules, the sentences of the clause that excuse a party for causes
    /// beyond its control, as byte ranges in the document text: the provision itself when it
    /// is one sentence of a clause of another kind ("Supplier is not liable for delays caused
    /// by circumstances beyond its reasonable control" in a delivery clause). Empty when the
    /// clause is a force majeure clause by its heading or model alone.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excuse: Vec<Range<usize>>,
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
    /// Reviewed clauses moved the score (see [`Feedback::apply`](super::Feedback::apply)).
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
    /// The file it came from.
    pub path: String,
    /// The document's own source (`PATH#attachment-N` for an attachment).
    pub source: String,
    /// The clause, for clause rules.
    pub clause: Option<FlaggedClause>,
    /// Confidence in `[0, 1]` after reviewers' feedback.
    pub score: f32,
    /// Confidence from the rule alone.
    pub base_score: f32,
    /// Whether it is a flag: `score` reaches the threshold and no reviewer dismissed it. A
    /// candidate that is not one is still returned by
    /// [`RiskEngine::evaluate`](super::RiskEngine::evaluate) (for `review next`).
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
    /// The amendment that replaces the flagged clause's section: the flag is then not a flag
    /// of the agreement as it stands (the amendment's own clauses are judged in its place).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded: Option<Superseded>,
}

/// An amendment that replaces, deletes or amends a section of an agreement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Superseded {
    /// The amendment's document id.
    pub doc_id: String,
    /// Its source.
    pub source: String,
    /// The section it changes, as both documents number it.
    pub section: String,
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
