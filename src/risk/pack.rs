//! Rule packs: the TOML files that declare risk rules and the concepts they test.
//!
//! A pack has three kinds of tables, all optional:
//!
//! ```toml
//! [settings]                      # pack-wide settings; a later pack overrides field by field
//! allowed_governing_law = ["New York", "Delaware"]
//! flag_threshold = 0.5            # a candidate with a lower score is not a flag
//! [settings.appetite]             # weight of a flag in a document's risk score, per severity
//! high = 0.8
//!
//! [[concept]]                     # something a clause says, in words and in meaning
//! id = "epidemic"
//! terms = ["epidemic*", "pandemic*", "public health"]        # `*` ends a word prefix
//! exemplars = ["outbreak of a contagious disease"]           # matched by sentence embeddings
//!
//! [[rule]]
//! id = "fm-no-pandemic"
//! title = "Force majeure does not cover epidemics"
//! severity = "high"
//! version = "1"
//! kinds = ["force_majeure"]       # clause scope: clauses of these kinds
//! absent = ["epidemic"]           # flag when the concept is not found
//! ```
//!
//! Every field is described on [`Rule`], [`Concept`] and [`Settings`]. Unknown fields, unknown
//! clause kinds and references to undeclared concepts are errors that name the line and column
//! ([`ErrorKind::RulePack`]).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::classify::ClauseKind;
use crate::error::{Error, ErrorKind, line_column};

/// The pack compiled into the crate.
const BUILTIN: &str = include_str!("builtin.toml");

/// Packs that ship with the crate beside the built-in one, which a team enables by name
/// ([`RulePack::extend_named`], `clausal --pack NAME`): their rules are not part of the
/// built-in pack because what they test is not a risk in every archive.
pub const NAMED_PACKS: &[(&str, &str)] = &[
    ("data-protection", include_str!("packs/data-protection.toml")),
    ("software-licence", include_str!("packs/software-licence.toml")),
    ("ai-use", include_str!("packs/ai-use.toml")),
];

/// How much a flag matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Low,
    /// Worth a look.
    Medium,
    /// Worth a lawyer's time.
    High,
    /// Act on it.
    Critical,
}

impl Severity {
    /// Every severity, least first.
    pub const ALL: [Severity; 4] =
        [Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    /// `low`, `medium`, `high` or `critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule looks at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Each clause of the rule's [`kinds`](Rule::kinds) (or every clause when it lists none).
    #[default]
    Clause,
    /// The document as a whole: missing clauses, document facts, concepts anywhere in it.
    Document,
}

/// A test on the facts of a contract.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "test", rename_all = "snake_case", deny_unknown_fields)]
pub enum FactTest {
    /// The next renewal's notice deadline falls within `days` after the as-of date. The
    /// deadline is the next anniversary of the agreement date (by the renewal term, one year
    /// when the contract gives none) minus the notice period; contracts without an agreement
    /// date or a notice period do not pass.
    RenewalNoticeWithin {
        /// The window, in days.
        days: u32,
    },
    /// The clause (or, for document rules, the contract) states no amount of money.
    AmountMissing,
    /// The governing law is known and not in [`Settings::allowed_governing_law`].
    GoverningLawNotAllowed,
    /// The clause lets a party other than the team's own side ([`Settings::our_roles`])
    /// terminate: "either party may terminate", "Distributor may terminate" when the team is
    /// the Supplier. Passes when the terminating party cannot be told, or when `our_roles` is
    /// empty (the line says so); fails only when every party the clause lets terminate is ours.
    CounterpartyMayTerminate,
    /// The clause makes a party report a security incident or a personal-data breach, and
    /// the report may come later than `hours` after it learns of it: the tightest bound the
    /// notification sentences set is longer ("within five (5) business days"), or they set
    /// only "promptly" / "as soon as practicable", or no time at all. "Without undue delay"
    /// (the GDPR's standard for a processor) and "immediately" meet any bound. A business day
    /// counts as a calendar day plus the weekends a run of them can span (three business days
    /// can be five calendar days). Clause rules only; a clause with no notification sentence
    /// does not pass.
    BreachNoticeLaterThan {
        /// The bound, in hours (72 for GDPR Art. 33).
        hours: u32,
    },
}

/// Pack-wide settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Jurisdictions whose law the team accepts, compared without case ("New York",
    /// "England and Wales").
    pub allowed_governing_law: Vec<String>,
    /// The team's own side, as contracts name it: defined roles ("Customer", "Licensee") or
    /// party names, compared without case. Rules about the counterparty leave alone what only
    /// these may do.
    pub our_roles: Vec<String>,
    /// A candidate whose score is below this is not a flag (it stays a candidate for
    /// `review next`).
    pub flag_threshold: f32,
    /// Cosine similarity above which a phrase matches a concept exemplar, for concepts that do
    /// not set their own.
    pub semantic_threshold: f32,
    /// Cosine similarity of clause embeddings above which a clause counts as near-identical to
    /// a reviewed one: a dismissal then demotes it below the flag threshold.
    pub near_identical: f32,
    /// Cosine similarity from which reviewed clauses start to pull a clause's score toward
    /// their verdict (the neighbourhood of feedback); 1.0 turns that off.
    pub feedback_radius: f32,
    /// How far reviewers' verdicts move a score: it changes by this times the difference of
    /// the clause's cosine similarity to the centroid of the confirmed clauses and to that of
    /// the dismissed ones (Rocchio relevance feedback), once both exist; 0 turns that off.
    pub feedback_weight: f32,
    /// The weight of a flag of each severity in a document's risk score (the team's risk
    /// appetite); a severity not listed weighs as in the built-in pack.
    pub appetite: BTreeMap<Severity, f32>,
    /// Per-rule weights that replace the severity's.
    pub rule_weights: BTreeMap<String, f32>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            allowed_governing_law: Vec::new(),
            our_roles: Vec::new(),
            flag_threshold: 0.5,
            semantic_threshold: 0.62,
            near_identical: 0.95,
            feedback_radius: 0.80,
            feedback_weight: 1.0,
            appetite: BTreeMap::from([
                (Severity::Low, 0.1),
                (Severity::Medium, 0.3),
                (Severity::High, 0.6),
                (Severity::Critical, 1.0),
            ]),
            rule_weights: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// The settings a [policy rule](Rule::policy) can depend on.
    pub const POLICIES: [&'static str; 1] = ["allowed_governing_law"];

    /// Whether the policy setting `name` is set (`None`: no such policy setting).
    pub fn policy_is_set(&self, name: &str) -> Option<bool> {
        match name {
            "allowed_governing_law" => Some(!self.allowed_governing_law.is_empty()),
            _ => None,
        }
    }

    /// The value of a policy setting, in words ("New York, Delaware"), empty when unset.
    pub fn policy_value(&self, name: &str) -> String {
        match name {
            "allowed_governing_law" => self.allowed_governing_law.join(", "),
            _ => String::new(),
        }
    }

    /// The weight of a flag of `rule` in a document's risk score: its entry in
    /// [`rule_weights`](Settings::rule_weights), else its severity's appetite, times the rule's
    /// [measured](Rule::measured) precision when that is known (a flag counts by how often such
    /// flags were right).
    pub fn weight(&self, rule: &Rule) -> f32 {
        if let Some(w) = self.rule_weights.get(&rule.id) {
            return *w;
        }
        let appetite = self.appetite.get(&rule.severity).copied().unwrap_or(0.5);
        appetite * rule.measured.as_ref().map_or(1.0, |m| m.precision.clamp(0.0, 1.0))
    }
}

/// Something a clause can say: a set of words and phrases, and sentences that say it in other
/// words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    /// Unique within a pack; rules refer to it.
    pub id: String,
    /// What it means, for people.
    #[serde(default)]
    pub description: String,
    /// Words and phrases, matched without case at word boundaries; whitespace matches any
    /// whitespace, a final `*` any word ending (`epidemic*` matches "epidemics").
    #[serde(default)]
    pub terms: Vec<String>,
    /// Short sentences that express the concept; a phrase of a clause whose embedding is close
    /// enough to one of them matches ("outbreak of contagious disease" for "epidemic").
    #[serde(default)]
    pub exemplars: Vec<String>,
    /// Sentences close to the exemplars in words but not in meaning ("national emergency" next to
    /// "public health emergency"): a phrase nearer to one of these than to the exemplars does
    /// not match.
    #[serde(default)]
    pub contrast: Vec<String>,
    /// Cosine similarity for a semantic match; [`Settings::semantic_threshold`] when absent.
    #[serde(default)]
    pub threshold: Option<f32>,
}

/// A risk rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique within the packs in use; a later pack's rule with the same id replaces it.
    pub id: String,
    /// One line for a list of flags.
    pub title: String,
    /// Why it matters, for the reviewer.
    #[serde(default)]
    pub rationale: String,
    /// How much it matters.
    pub severity: Severity,
    /// Recorded with every review decision; change it when the rule's meaning changes.
    pub version: String,
    /// Clause or document.
    #[serde(default)]
    pub scope: Scope,
    /// Clause scope: the kinds a clause must have (any of them). Empty: every clause.
    #[serde(default)]
    pub kinds: Vec<ClauseKind>,
    /// The least kind score that counts for [`kinds`](Rule::kinds) and
    /// [`missing_kinds`](Rule::missing_kinds); by default 0: every kind the classifier assigned
    /// (each kind has its own calibrated threshold) counts.
    #[serde(default = "default_min_kind_score")]
    pub min_kind_score: f32,
    /// Document scope: flag when no clause has any of these kinds.
    #[serde(default)]
    pub missing_kinds: Vec<ClauseKind>,
    /// A clause without the rule's kinds (document scope: its missing kinds) is a candidate too
    /// (counts as having them) when the terms of every one of these concepts are in its text,
    /// definitions and tables of contents excepted: the language of the kind, for clauses the
    /// classifier missed.
    #[serde(default)]
    pub also_when: Vec<String>,
    /// Concepts that must all be found (in the clause's provision, or the document).
    #[serde(default)]
    pub present: Vec<String>,
    /// Concepts of which at least one must be found.
    #[serde(default)]
    pub present_any: Vec<String>,
    /// Concepts none of which may be found: the rule flags what is missing.
    #[serde(default)]
    pub absent: Vec<String>,
    /// Concepts of which at least one must be missing: the rule flags a provision (or a
    /// document) that lacks any of them and names those it lacks ("no sub-processor terms, no
    /// deletion or return"). A document that has them all is no candidate.
    #[serde(default)]
    pub absent_any: Vec<String>,
    /// Fact tests that must all pass.
    #[serde(default)]
    pub facts: Vec<FactTest>,
    /// Example clauses that have the risk; the nearest is reported with each flag, and with
    /// [`min_similarity`](Rule::min_similarity) a clause must be that close to one. Clauses
    /// reviewers confirm join them.
    #[serde(default)]
    pub exemplars: Vec<String>,
    /// The least cosine similarity to an exemplar; none: exemplars only explain.
    #[serde(default)]
    pub min_similarity: Option<f32>,
    /// A disabled rule raises no flags (a user pack can switch off a built-in rule).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Labels (or parts of labels, without case) of cover-page variables that govern what
    /// the rule tests ("Cap Amount", "Governing Law"). When a document's cover page has such
    /// a variable (and, for a clause rule, the clause refers to it by its label), the flag
    /// says what the cover page sets; a variable left blank (a template) or a missing amount
    /// set on the cover page makes it no flag, as does any such variable for a rule about
    /// missing kinds.
    #[serde(default)]
    pub cover_terms: Vec<String>,
    /// A policy rule: the setting that holds the team's policy (one of
    /// [`Settings::POLICIES`], e.g. `allowed_governing_law`). Which laws, jurisdictions or
    /// notice periods are acceptable is a team's choice, not clausal's: the rule is silent
    /// until a pack sets that setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// A deviation rule: a clause of the rule's kinds is a candidate when the clause library
    /// ([`RiskEngine::with_library`](super::RiskEngine::with_library)) puts it in one of these
    /// statuses (`outdated`, `deviates`, `nonstandard`); the flag says against which entry and
    /// version, and names the concepts missing. Without a library the rule raises nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deviation: Vec<crate::library::DeviationStatus>,
    /// How well the rule did on labelled contracts, as measured by `clausal eval rules`
    /// (shown by `clausal rules`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<Measured>,
}

/// A rule's measured quality: document-level precision and recall against a labelled set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measured {
    /// Flagged documents that have the risk.
    pub precision: f32,
    /// Documents with the risk that are flagged.
    pub recall: f32,
    /// What it was measured on and how ("CUAD, 5 folds grouped by contract type").
    pub on: String,
}

fn default_min_kind_score() -> f32 {
    0.0
}

fn yes() -> bool {
    true
}

impl Rule {
    /// Every concept the rule refers to.
    pub fn concepts(&self) -> impl Iterator<Item = &str> {
        self.present
            .iter()
            .chain(&self.present_any)
            .chain(&self.absent)
            .chain(&self.absent_any)
            .chain(&self.also_when)
            .map(String::as_str)
    }
}

/// A set of rules and concepts with their settings. Start from [`RulePack::builtin`] and
/// [`extend`](RulePack::extend_from_file) it with a team's own files.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RulePack {
    /// Pack-wide settings.
    pub settings: Settings,
    /// Concepts by id.
    pub concepts: BTreeMap<String, Concept>,
    /// Rules, in declaration order (an overriding rule keeps the place of the one it replaces).
    pub rules: Vec<Rule>,
    /// Where the rules came from, in order: `builtin`, then file paths.
    pub origins: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    #[serde(default)]
    settings: Option<Spanned<toml::Table>>,
    #[serde(default)]
    concept: Vec<Spanned<Concept>>,
    #[serde(default)]
    rule: Vec<Spanned<Rule>>,
}

impl RulePack {
    /// The pack that ships with the crate (`src/risk/builtin.toml`).
    pub fn builtin() -> RulePack {
        RulePack::parse(BUILTIN, "builtin").expect("the built-in rule pack is valid (tested)")
    }

    /// Adds a pack that ships with the crate ([`NAMED_PACKS`]) by name, as
    /// [`extend_from_str`](RulePack::extend_from_str) would.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`] for a name that is not one of [`NAMED_PACKS`] (the
    /// message lists them); on error `self` is unchanged.
    pub fn extend_named(&mut self, name: &str) -> crate::error::Result<()> {
        let Some((_, text)) = NAMED_PACKS.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = NAMED_PACKS.iter().map(|(n, _)| *n).collect();
            return Err(Error::invalid_argument(format!(
                "no rule pack named {name:?}; the packs are: {}",
                names.join(", ")
            )));
        };
        self.extend_from_str(text, name)
    }

    /// A pack with nothing in it (default settings).
    pub fn empty() -> RulePack {
        RulePack {
            settings: Settings::default(),
            concepts: BTreeMap::new(),
            rules: Vec::new(),
            origins: Vec::new(),
        }
    }

    /// Reads a pack from TOML text; `origin` names it in errors.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::RulePack`] with the line and column of the first problem.
    pub fn parse(text: &str, origin: &str) -> crate::error::Result<RulePack> {
        let mut pack = RulePack::empty();
        pack.extend_from_str(text, origin)?;
        Ok(pack)
    }

    /// Reads a pack file.
    ///
    /// # Errors
    ///
    /// I/O errors; [`ErrorKind::RulePack`].
    pub fn from_file(path: impl AsRef<Path>) -> crate::error::Result<RulePack> {
        let mut pack = RulePack::empty();
        pack.extend_from_file(path)?;
        Ok(pack)
    }

    /// Adds a pack file's concepts and rules, replacing those with the same id, and its
    /// settings, field by field.
    ///
    /// # Errors
    ///
    /// As [`RulePack::from_file`]; on error `self` is unchanged.
    pub fn extend_from_file(&mut self, path: impl AsRef<Path>) -> crate::error::Result<()> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        self.extend_from_str(&text, &path.display().to_string())
    }

    /// As [`extend_from_file`](RulePack::extend_from_file), from text.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::RulePack`]; on error `self` is unchanged.
    pub fn extend_from_str(&mut self, text: &str, origin: &str) -> crate::error::Result<()> {
        let err = |span: Option<Range<usize>>, message: String| {
            let (line, column) = span.map_or((1, 1), |s| line_column(text, s.start));
            Error::from(ErrorKind::RulePack { origin: origin.to_owned(), line, column, message })
        };
        let file: PackFile =
            toml::from_str(text).map_err(|e| err(e.span(), e.message().to_owned()))?;
        let mut next = self.clone();
        if let Some(table) = file.settings {
            let span = table.span();
            let mut merged = toml::Table::try_from(&next.settings)
                .map_err(|e| err(Some(span.clone()), e.to_string()))?;
            for (key, value) in table.into_inner() {
                match (merged.get_mut(&key), value) {
                    (Some(toml::Value::Table(old)), toml::Value::Table(new)) => old.extend(new),
                    (_, value) => {
                        merged.insert(key, value);
                    }
                }
            }
            next.settings = merged
                .try_into()
                .map_err(|e: toml::de::Error| err(Some(span.clone()), e.message().to_owned()))?;
        }
        for concept in file.concept {
            let span = concept.span();
            let concept = concept.into_inner();
            if concept.id.trim().is_empty() {
                return Err(err(Some(span), "a concept needs an id".into()));
            }
            if concept.terms.is_empty() && concept.exemplars.is_empty() {
                return Err(err(
                    Some(span),
                    format!("concept {:?} has neither terms nor exemplars", concept.id),
                ));
            }
            if let Some(bad) =
                concept.terms.iter().find(|t| t.trim().trim_end_matches('*').is_empty())
            {
                return Err(err(
                    Some(span),
                    format!("concept {:?}: empty term {bad:?}", concept.id),
                ));
            }
            next.concepts.insert(concept.id.clone(), concept);
        }
        let mut seen = std::collections::HashSet::new();
        for rule in file.rule {
            let span = rule.span();
            let rule = rule.into_inner();
            if rule.id.trim().is_empty() || rule.version.trim().is_empty() {
                return Err(err(Some(span), "a rule needs an id and a version".into()));
            }
            if !seen.insert(rule.id.clone()) {
                return Err(err(Some(span), format!("rule {:?} is declared twice", rule.id)));
            }
            if let Some(c) = rule.concepts().find(|c| !next.concepts.contains_key(*c)) {
                return Err(err(
                    Some(span),
                    format!("rule {:?} refers to undeclared concept {c:?}", rule.id),
                ));
            }
            if !rule.deviation.is_empty() && (rule.scope != Scope::Clause || rule.kinds.is_empty())
            {
                return Err(err(
                    Some(span),
                    format!("rule {:?}: a deviation rule is a clause rule with kinds", rule.id),
                ));
            }
            if let Some(policy) = &rule.policy
                && next.settings.policy_is_set(policy).is_none()
            {
                return Err(err(
                    Some(span),
                    format!(
                        "rule {:?}: unknown policy setting {policy:?} (one of {})",
                        rule.id,
                        Settings::POLICIES.join(", ")
                    ),
                ));
            }
            match rule.scope {
                Scope::Clause if !rule.missing_kinds.is_empty() => {
                    return Err(err(
                        Some(span),
                        format!("rule {:?}: missing_kinds needs scope = \"document\"", rule.id),
                    ));
                }
                Scope::Document if !rule.kinds.is_empty() || !rule.exemplars.is_empty() => {
                    return Err(err(
                        Some(span),
                        format!(
                            "rule {:?}: kinds and exemplars are for clause rules (scope = \"clause\")",
                            rule.id
                        ),
                    ));
                }
                _ => {}
            }
            match next.rules.iter_mut().find(|r| r.id == rule.id) {
                Some(old) => *old = rule,
                None => next.rules.push(rule),
            }
        }
        next.origins.push(origin.to_owned());
        *self = next;
        Ok(())
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Whether a rule raises flags: enabled, and for a policy rule, its policy set.
    pub fn is_active(&self, rule: &Rule) -> bool {
        rule.enabled
            && rule.policy.as_deref().is_none_or(|p| self.settings.policy_is_set(p) == Some(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_pack_parses_and_every_reference_resolves() {
        let pack = RulePack::builtin();
        assert!(pack.rules.len() >= 12, "{} rules", pack.rules.len());
        assert!(pack.rule("fm-no-pandemic").is_some());
        for rule in &pack.rules {
            assert!(rule.concepts().all(|c| pack.concepts.contains_key(c)), "{}", rule.id);
        }
    }

    fn position(text: &str) -> (usize, usize) {
        match RulePack::parse(text, "t.toml").unwrap_err().into_kind() {
            ErrorKind::RulePack { line, column, .. } => (line, column),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_name_line_and_column() {
        assert_eq!(position("[[rule]]\nid = \"x\"\ntitle = 3\n"), (3, 9));
        let unknown_kind = "[[rule]]\nid = \"x\"\ntitle = \"t\"\nseverity = \"high\"\nversion = \"1\"\nkinds = [\"no_such_kind\"]\n";
        assert_eq!(position(unknown_kind).0, 6);
        let unknown_field = "\n\n[[concept]]\nid = \"c\"\nterms = [\"a\"]\ncolour = 1\n";
        assert_eq!(position(unknown_field).0, 6);
        let undeclared = "[[rule]]\nid = \"x\"\ntitle = \"t\"\nseverity = \"high\"\nversion = \"1\"\nabsent = [\"nope\"]\n";
        let err = RulePack::parse(undeclared, "t.toml").unwrap_err().to_string();
        assert!(err.starts_with("t.toml:1:1:") && err.contains("undeclared concept"), "{err}");
        assert_eq!(position("[settings]\nflag_threshold = \"high\"\n").0, 1);
        assert_eq!(position("[[rule]\n"), (1, 7));
    }

    #[test]
    fn a_user_pack_overrides_rules_concepts_and_settings() {
        let mut pack = RulePack::builtin();
        let rules = pack.rules.len();
        let fm_position = pack.rules.iter().position(|r| r.id == "fm-no-pandemic").unwrap();
        pack.extend_from_str(
            r#"
[settings]
allowed_governing_law = ["Ontario"]
[settings.appetite]
low = 0.05

[[concept]]
id = "epidemic"
terms = ["plague"]

[[rule]]
id = "fm-no-pandemic"
title = "Ours"
severity = "critical"
version = "7"
kinds = ["force_majeure"]
absent = ["epidemic"]

[[rule]]
id = "team-rule"
title = "Team"
severity = "low"
version = "1"
enabled = false
"#,
            "team.toml",
        )
        .unwrap();
        assert_eq!(pack.rules.len(), rules + 1);
        assert_eq!(pack.rules[fm_position].version, "7");
        assert_eq!(pack.concepts["epidemic"].terms, ["plague"]);
        assert_eq!(pack.settings.allowed_governing_law, ["Ontario"]);
        assert_eq!(pack.settings.appetite[&Severity::Low], 0.05);
        // Settings the file did not name keep their values.
        assert_eq!(pack.settings.appetite[&Severity::Critical], 1.0);
        assert_eq!(pack.origins, ["builtin", "team.toml"]);
        // A failing file leaves the pack as it was.
        let before = pack.clone();
        assert!(pack.extend_from_str("[[rule]]\nid = 1\n", "bad.toml").is_err());
        assert_eq!(pack, before);
    }
}
