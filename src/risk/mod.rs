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
mod engine;
mod facts;
mod feedback;
mod order;
mod pack;
mod scan;
mod types;

pub use engine::RiskEngine;
pub use engine::excerpt;
pub use feedback::{Feedback, Reviewed};
pub use order::{review_order, review_order_by};
pub use pack::{Concept, FactTest, NAMED_PACKS, Rule, RulePack, Scope, Settings, Severity};
pub use scan::{DocumentRisk, RiskQuery};
pub use types::{
    ClauseInput, ConceptResult, DocInput, Evidence, ExemplarMatch, Flag, FlaggedClause, Match,
    ReviewNote, Superseded,
};
