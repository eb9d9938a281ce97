//! Risk rules against CUAD: `eval fm` (the flagship rule against the hand-checked force
//! majeure gold set), `eval rules` (document-level agreement of the rules that correspond to a
//! CUAD category) and `eval feedback` (a simulated reviewer teaching one rule).
//!
//! Every evaluation reads a folder laid out like `../shared/data/cuad`: `txt/`,
//! `clauses.jsonl`, `master_clauses.csv`, `force_majeure_gold.jsonl`. Clause kinds come from
//! k-fold cross-validation by contract (as `eval cuad --cv k`): a contract's clauses are typed
//! by a model that never saw it. Rules and their concepts are the built-in pack's, unchanged:
//! nothing here is tuned on the contracts it scores.
//!
//! Definitions:
//! - **fm**: a force majeure provision of the gold file is *covering* when `covers_epidemic`.
//!   A provision is flagged when a flag of `fm-no-pandemic` is on a clause overlapping it.
//!   Recall: flagged non-covering provisions / non-covering provisions. Covering flagged:
//!   flagged covering provisions / covering provisions. Precision: flags on a clause that
//!   overlaps a non-covering provision / all flags of the rule (a flag anywhere else, including
//!   on a covering provision, is a false positive). `no-force-majeure` is scored per contract
//!   against "the contract has no row in the gold file".
//! - **rules**: a rule fires for a contract when it raises at least one flag in it; scored
//!   against the contract's `master_clauses.csv` column for the rule's category (a contract has
//!   the category when the column lists a text), negated for rules that flag a missing clause.
//! - **feedback**: see [`feedback`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::cuad::{Folds, fold_map, prf};
use crate::corpus::{CuadContract, load, name_key, overlap};
use crate::error::Error;
use clausal::Embedder;
use clausal::facts::{ContractFacts, Fact};
use clausal::risk::{
    ClauseInput, DocInput, Feedback, Flag, Match, RiskEngine, RulePack, Scope, review_order_by,
};
use clausal::{Clause, ClauseKind, DocRole, KindScore, TrainOptions};
use clausal::{Decision, ReviewStore, TextHash, Verdict};

/// `eval fm`: least recall on provisions that do not cover epidemics.
pub const MIN_FM_RULE_RECALL: f64 = 0.95;
/// `eval fm`: largest share of covering provisions flagged.
pub const MAX_FM_COVERING_FLAGGED: f64 = 0.05;
/// `eval fm`: least precision of the rule's flags.
pub const MIN_FM_RULE_PRECISION: f64 = 0.90;
/// `eval fm`: least precision and recall of `no-force-majeure`.
pub const MIN_NO_FM: f64 = 0.90;
/// The date fact tests count from in the evaluations (fixed, so figures do not drift).
pub const EVAL_AS_OF: &str = "2026-01-01";

/// The rules scored by `eval rules`: (rule, CUAD category, whether the rule fires when the
/// category is present (`true`) or absent).
pub const RULE_CATEGORIES: &[(&str, &str, bool)] = &[
    ("uncapped-liability", "Uncapped Liability", true),
    ("no-liability-cap", "Cap On Liability", false),
    ("termination-for-convenience", "Termination For Convenience", true),
    ("change-of-control", "Change Of Control", true),
    ("anti-assignment", "Anti-Assignment", true),
    ("non-compete", "Non-Compete", true),
    ("exclusivity", "Exclusivity", true),
    ("most-favoured-nation", "Most Favored Nation", true),
    ("liquidated-damages", "Liquidated Damages", true),
    ("auto-renewal", "Renewal Term", true),
];

/// CUAD contracts with their predicted kinds and facts, ready for the rules.
pub(crate) struct Prepared {
    pub(crate) contracts: Vec<CuadContract>,
    /// Per contract, per clause: assigned kinds.
    pub(crate) kinds: Vec<Vec<Vec<KindScore>>>,
    /// Per contract, per clause: nearly assigned kinds.
    pub(crate) near_kinds: Vec<Vec<Vec<KindScore>>>,
    /// Per contract: the thresholds of the classifier that typed it.
    pub(crate) thresholds: Vec<HashMap<ClauseKind, f32>>,
    /// Per contract, per clause: facts.
    pub(crate) facts: Vec<Vec<Vec<Fact>>>,
    pub(crate) doc_facts: Vec<ContractFacts>,
    /// Per contract: its role, as ingestion assigns it (document rules judge agreements only).
    pub(crate) roles: Vec<DocRole>,
    pub(crate) hashes: Vec<Vec<TextHash>>,
}

impl Prepared {
    pub(crate) fn load(dir: &Path, folds: Option<Folds>) -> crate::error::Result<Prepared> {
        use rayon::prelude::*;
        let contracts = load(dir)?;
        // Each contract analysed by the classifier of the fold that did not train on it.
        let (analysed, _) =
            fold_map(&contracts, folds, &TrainOptions::default(), |classifier, c| {
                (classifier.analyze(&c.doc, &c.clauses), classifier.thresholds())
            })?;
        let (mut kinds, mut near_kinds, mut thresholds) = (Vec::new(), Vec::new(), Vec::new());
        let (mut facts, mut doc_facts, mut roles) = (Vec::new(), Vec::new(), Vec::new());
        for (analysis, contract_thresholds) in analysed {
            roles.push(analysis.role.role);
            let (mut k, mut n, mut f) = (Vec::new(), Vec::new(), Vec::new());
            for typed in analysis.clauses {
                k.push(typed.kinds);
                n.push(typed.near_kinds);
                f.push(typed.facts);
            }
            kinds.push(k);
            near_kinds.push(n);
            facts.push(f);
            doc_facts.push(analysis.facts);
            thresholds.push(contract_thresholds);
        }
        let hashes = contracts
            .par_iter()
            .map(|c| {
                let text = |cl: &Clause| c.doc.text.get(cl.span.clone()).unwrap_or("");
                c.clauses.iter().map(|cl| TextHash::of(text(cl))).collect()
            })
            .collect();
        Ok(Prepared { contracts, kinds, near_kinds, thresholds, facts, doc_facts, roles, hashes })
    }

    fn input<'a>(
        &'a self,
        i: usize,
        vectors: Option<&'a HashMap<TextHash, Vec<f32>>>,
    ) -> DocInput<'a> {
        let c = &self.contracts[i];
        DocInput {
            doc_id: c.name.clone(),
            path: &c.name,
            source: &c.name,
            role: Some(self.roles[i]),
            amendments: Vec::new(),
            thresholds: Some(&self.thresholds[i]),
            clauses: c
                .clauses
                .iter()
                .enumerate()
                .map(|(j, cl)| ClauseInput {
                    id: j.to_string(),
                    number: cl.number.as_deref(),
                    heading: cl.heading.as_deref(),
                    text: c.doc.text.get(cl.span.clone()).unwrap_or(""),
                    span: cl.span.clone(),
                    depth: cl.depth,
                    role: Some(cl.role),
                    kinds: &self.kinds[i][j],
                    near_kinds: &self.near_kinds[i][j],
                    facts: &self.facts[i][j],
                    text_hash: self.hashes[i][j],
                    vector: vectors.and_then(|v| v.get(&self.hashes[i][j])).map(Vec::as_slice),
                })
                .collect(),
            facts: Some(&self.doc_facts[i]),
        }
    }

    fn evaluate(
        &self,
        engine: &RiskEngine,
        rules: &[&str],
        feedback: Option<&Feedback>,
        vectors: Option<&HashMap<TextHash, Vec<f32>>>,
        embedder: &dyn Embedder,
    ) -> crate::error::Result<Vec<Vec<Flag>>> {
        (0..self.contracts.len())
            .map(|i| {
                engine
                    .evaluate(&self.input(i, vectors), Some(rules), EVAL_AS_OF, feedback, embedder)
                    .map_err(anyhow::Error::from)
            })
            .collect()
    }
}

/// A provision, flag or contract named in a report.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct RiskCase {
    /// Contract.
    pub contract: String,
    /// Heading or clause number.
    pub label: String,
    /// The first words.
    pub text: String,
    /// Why, where there is something to say (the evidence, the nearest phrase).
    pub note: String,
}

/// What `clausal eval fm` prints.
#[derive(Clone, Debug, Default, Serialize)]
#[non_exhaustive]
pub struct FmRuleReport {
    /// Contracts read.
    pub contracts: usize,
    /// Folds of the cross-validation that typed the clauses.
    pub folds: Option<Folds>,
    /// Gold provisions found in the contracts.
    pub provisions: usize,
    /// Of which do not cover epidemics.
    pub non_covering: usize,
    /// Non-covering provisions flagged.
    pub non_covering_flagged: usize,
    /// Recall on non-covering provisions.
    pub recall: f64,
    /// Covering provisions.
    pub covering: usize,
    /// Covering provisions flagged.
    pub covering_flagged: usize,
    /// Share of covering provisions flagged.
    pub covering_flagged_share: f64,
    /// Flags of the rule.
    pub flags: usize,
    /// Flags on a clause overlapping a non-covering provision.
    pub true_flags: usize,
    /// `true_flags / flags`.
    pub precision: f64,
    /// Contracts `no-force-majeure` does not judge (not typed agreements: amendments, ...),
    /// left out of its figures.
    pub not_judged: usize,
    /// Contracts without a force majeure provision (no gold row), among those judged.
    pub without_fm: usize,
    /// Contracts `no-force-majeure` flagged.
    pub no_fm_flagged: usize,
    /// Of which have no provision.
    pub no_fm_right: usize,
    /// Precision of `no-force-majeure`.
    pub no_fm_precision: f64,
    /// Recall of `no-force-majeure`.
    pub no_fm_recall: f64,
    /// Non-covering provisions not flagged.
    pub misses: Vec<RiskCase>,
    /// Covering provisions flagged.
    pub covering_cases: Vec<RiskCase>,
    /// Flags not on a non-covering provision.
    pub false_positives: Vec<RiskCase>,
    /// `no-force-majeure` errors: flagged contracts with a provision, and contracts without
    /// one that were not flagged.
    pub no_fm_errors: Vec<RiskCase>,
    /// Force majeure clauses left unflagged only because a phrase matched the epidemic concept
    /// by meaning (no term matched).
    pub semantic_matches: Vec<RiskCase>,
    /// Seconds for the rules (kinds and facts excluded).
    pub rule_seconds: f64,
}

impl FmRuleReport {
    /// Each threshold missed, in words; empty when the report passes.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |ok: bool, what: String| {
            if !ok {
                out.push(what);
            }
        };
        check(
            self.recall >= MIN_FM_RULE_RECALL,
            format!("recall {:.3} < {MIN_FM_RULE_RECALL}", self.recall),
        );
        check(
            self.covering_flagged_share <= MAX_FM_COVERING_FLAGGED,
            format!(
                "covering flagged {:.3} > {MAX_FM_COVERING_FLAGGED}",
                self.covering_flagged_share
            ),
        );
        check(
            self.precision >= MIN_FM_RULE_PRECISION,
            format!("precision {:.3} < {MIN_FM_RULE_PRECISION}", self.precision),
        );
        check(
            self.no_fm_precision >= MIN_NO_FM && self.no_fm_recall >= MIN_NO_FM,
            format!(
                "no-force-majeure precision {:.3} / recall {:.3} < {MIN_NO_FM}",
                self.no_fm_precision, self.no_fm_recall
            ),
        );
        out
    }
}

#[derive(Deserialize)]
struct GoldRow {
    contract: String,
    char_start: usize,
    char_end: usize,
    #[serde(default)]
    heading: String,
    covers_epidemic: bool,
}

/// A gold force majeure provision: byte range, heading, whether it covers epidemics.
pub(crate) type Provision = (Range<usize>, String, bool);

/// Gold provisions per contract index.
pub(crate) fn gold_provisions(
    dir: &Path,
    contracts: &[CuadContract],
) -> crate::error::Result<HashMap<usize, Vec<Provision>>> {
    let path = dir.join("force_majeure_gold.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let by_key: HashMap<String, usize> =
        contracts.iter().enumerate().map(|(i, c)| (name_key(&c.name), i)).collect();
    let mut out: HashMap<usize, Vec<_>> = HashMap::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let row: GoldRow = serde_json::from_str(line)
            .map_err(|e| Error::invalid_argument(format!("{}:{}: {e}", path.display(), n + 1)))?;
        let Some(&i) = by_key.get(&name_key(&row.contract)) else { continue };
        let t = &contracts[i].doc.text;
        // Offsets count characters (Python string indices).
        let byte = |ch: usize| t.char_indices().nth(ch).map_or(t.len(), |(b, _)| b);
        out.entry(i).or_default().push((
            byte(row.char_start)..byte(row.char_end),
            row.heading,
            row.covers_epidemic,
        ));
    }
    Ok(out)
}

pub(crate) fn snippet(t: &str) -> String {
    t.split_whitespace().take(30).collect::<Vec<_>>().join(" ")
}

pub(crate) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Runs `eval fm` (see the module documentation) with the built-in pack.
///
/// # Errors
///
/// I/O and format errors of the folder; embedder errors.
pub fn fm(
    dir: &Path,
    folds: Option<Folds>,
    embedder: &dyn Embedder,
) -> crate::error::Result<FmRuleReport> {
    let prepared = Prepared::load(dir, folds)?;
    let gold = gold_provisions(dir, &prepared.contracts)?;
    let engine = RiskEngine::new(RulePack::builtin(), embedder)?;
    let start = Instant::now();
    let flags = prepared.evaluate(
        &engine,
        &["fm-no-pandemic", "no-force-majeure"],
        None,
        None,
        embedder,
    )?;
    let rule_seconds = start.elapsed().as_secs_f64();
    // The rule with its concept test removed: which clauses are force majeure candidates.
    let mut bare = RulePack::builtin();
    if let Some(rule) = bare.rules.iter_mut().find(|r| r.id == "fm-no-pandemic") {
        rule.absent.clear();
    }
    let mut covered = bare.clone();
    if let Some(rule) = covered.rules.iter_mut().find(|r| r.id == "fm-no-pandemic") {
        rule.present = vec!["epidemic".to_owned()];
    }
    let kinds_only = prepared.evaluate(
        &RiskEngine::new(bare, embedder)?,
        &["fm-no-pandemic"],
        None,
        None,
        embedder,
    )?;
    // The rule turned around (the concept required): where the concept was found, and how.
    let found = prepared.evaluate(
        &RiskEngine::new(covered, embedder)?,
        &["fm-no-pandemic"],
        None,
        None,
        embedder,
    )?;

    let mut r = FmRuleReport {
        contracts: prepared.contracts.len(),
        folds,
        rule_seconds,
        ..FmRuleReport::default()
    };
    for (i, c) in prepared.contracts.iter().enumerate() {
        let provs = gold.get(&i).map(Vec::as_slice).unwrap_or(&[]);
        let flagged: Vec<&Flag> =
            flags[i].iter().filter(|f| f.flagged && f.rule_id == "fm-no-pandemic").collect();
        let text_of = |r: &Range<usize>| snippet(c.doc.text.get(r.clone()).unwrap_or(""));
        for (p, heading, covers) in provs {
            r.provisions += 1;
            let hit = flagged
                .iter()
                .find(|f| f.clause.as_ref().is_some_and(|cl| overlap(&cl.span, p) > 0));
            let case = |note: String| RiskCase {
                contract: c.name.clone(),
                label: heading.clone(),
                text: text_of(p),
                note,
            };
            if *covers {
                r.covering += 1;
                if let Some(f) = hit {
                    r.covering_flagged += 1;
                    let near = f
                        .missing
                        .iter()
                        .filter_map(|m| m.nearest.as_ref())
                        .map(|e| format!("nearest {:?}", e.text))
                        .collect::<Vec<_>>()
                        .join("; ");
                    r.covering_cases.push(case(near));
                }
            } else {
                r.non_covering += 1;
                if hit.is_some() {
                    r.non_covering_flagged += 1;
                } else {
                    // Why: no clause typed force majeure, the concept found, or a low score.
                    let on_it = |fs: &[Flag]| {
                        fs.iter()
                            .find(|f| {
                                f.rule_id == "fm-no-pandemic"
                                    && f.clause.as_ref().is_some_and(|cl| overlap(&cl.span, p) > 0)
                            })
                            .map(|f| f.score)
                    };
                    let why = match (on_it(&flags[i]), on_it(&kinds_only[i])) {
                        (Some(score), _) => {
                            format!("candidate below the threshold, score {score:.2}")
                        }
                        (None, Some(_)) => {
                            let evidence = found[i]
                                .iter()
                                .filter(|f| {
                                    f.clause.as_ref().is_some_and(|cl| overlap(&cl.span, p) > 0)
                                })
                                .flat_map(|f| f.present.iter().flat_map(|c| &c.evidence))
                                .next()
                                .map_or_else(String::new, |e| match &e.how {
                                    Match::Term => format!(": {:?}", e.text),
                                    Match::Semantic { exemplar, similarity } => {
                                        format!(": {:?} ~ {exemplar:?} {similarity:.2}", e.text)
                                    }
                                });
                            format!("epidemic concept found in the provision{evidence}")
                        }
                        (None, None) => "no clause overlapping it typed force majeure".to_owned(),
                    };
                    r.misses.push(case(why));
                }
            }
        }
        for f in &flagged {
            r.flags += 1;
            let Some(cl) = &f.clause else { continue };
            if provs.iter().any(|(p, _, covers)| !covers && overlap(&cl.span, p) > 0) {
                r.true_flags += 1;
            } else {
                r.false_positives.push(RiskCase {
                    contract: c.name.clone(),
                    label: format!(
                        "{} {}",
                        cl.number.as_deref().unwrap_or("-"),
                        cl.heading.as_deref().unwrap_or("")
                    ),
                    text: snippet(&cl.excerpt),
                    note: if provs.iter().any(|(p, _, _)| overlap(&cl.span, p) > 0) {
                        "on a covering provision".into()
                    } else {
                        "not a force majeure provision".into()
                    },
                });
            }
        }
        // A document rule judges agreements: an amendment is judged with its agreement, which
        // CUAD's amendments come without.
        if prepared.roles[i] != DocRole::Agreement {
            r.not_judged += 1;
            continue;
        }
        let no_fm = flags[i].iter().any(|f| f.flagged && f.rule_id == "no-force-majeure");
        let truth = provs.is_empty();
        r.without_fm += usize::from(truth);
        r.no_fm_flagged += usize::from(no_fm);
        r.no_fm_right += usize::from(no_fm && truth);
        if no_fm != truth {
            r.no_fm_errors.push(RiskCase {
                contract: c.name.clone(),
                label: if no_fm {
                    "flagged, has a provision".into()
                } else {
                    "not flagged, has none".into()
                },
                text: String::new(),
                note: String::new(),
            });
        }
    }
    r.recall = ratio(r.non_covering_flagged, r.non_covering);
    r.covering_flagged_share = ratio(r.covering_flagged, r.covering);
    r.precision = ratio(r.true_flags, r.flags);
    r.no_fm_precision = ratio(r.no_fm_right, r.no_fm_flagged);
    r.no_fm_recall = ratio(r.no_fm_right, r.without_fm);
    r.semantic_matches = semantic_cases(&engine, &prepared, &flags, embedder)?;
    Ok(r)
}

/// Force majeure clauses the rule leaves alone only because a phrase was close to an
/// exemplar of the epidemic concept (no term matched): what the semantic half of the concept
/// decides. Found by running the rule once more with the concept's exemplars removed.
fn semantic_cases(
    engine: &RiskEngine,
    prepared: &Prepared,
    full: &[Vec<Flag>],
    embedder: &dyn Embedder,
) -> crate::error::Result<Vec<RiskCase>> {
    let mut pack = engine.pack().clone();
    let Some(concept) = pack.concepts.get_mut("epidemic") else { return Ok(Vec::new()) };
    concept.exemplars.clear();
    let lexical = RiskEngine::new(pack, embedder)?;
    let terms_only = prepared.evaluate(&lexical, &["fm-no-pandemic"], None, None, embedder)?;
    let mut out = Vec::new();
    for (i, (a, b)) in full.iter().zip(&terms_only).enumerate() {
        let raised: HashSet<&str> = a
            .iter()
            .filter(|f| f.rule_id == "fm-no-pandemic")
            .filter_map(|f| f.clause.as_ref().map(|c| c.id.as_str()))
            .collect();
        let c = &prepared.contracts[i];
        for f in b.iter().filter(|f| f.flagged) {
            let Some(cl) = &f.clause else { continue };
            if raised.contains(cl.id.as_str()) {
                continue;
            }
            out.push(RiskCase {
                contract: c.name.clone(),
                label: format!(
                    "{} {}",
                    cl.number.as_deref().unwrap_or("-"),
                    cl.heading.as_deref().unwrap_or("")
                ),
                text: snippet(&cl.excerpt),
                note: "epidemic found by meaning, no term".into(),
            });
        }
    }
    Ok(out)
}

/// One rule's document-level figures in `eval rules`.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct RuleScore {
    /// The rule.
    pub rule: String,
    /// The CUAD category.
    pub category: String,
    /// Whether the rule fires on the category's presence (else on its absence).
    pub on_presence: bool,
    /// Contracts where the rule should fire.
    pub positives: usize,
    /// Contracts where it fired.
    pub fired: usize,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Contracts scored: all of them for clause rules; for document rules those typed
    /// agreements, since document rules judge an amendment with its agreement (CUAD's
    /// amendments come without theirs).
    pub judged: usize,
}

/// What `clausal eval rules` prints.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct RulesReport {
    /// Contracts.
    pub contracts: usize,
    /// Folds.
    pub folds: Option<Folds>,
    /// Per rule.
    pub rules: Vec<RuleScore>,
    /// Flags per rule over all contracts (every enabled rule of the pack).
    pub flags_per_rule: BTreeMap<String, usize>,
}

/// Which contracts have each CUAD category (by `master_clauses.csv`), by contract index.
fn categories(
    dir: &Path,
    contracts: &[CuadContract],
) -> crate::error::Result<HashMap<String, HashSet<usize>>> {
    let path = dir.join("master_clauses.csv");
    let bad = |e: csv::Error| Error::invalid_argument(format!("{}: {e}", path.display()));
    let mut reader = csv::Reader::from_path(&path).map_err(bad)?;
    let headers = reader.headers().map_err(bad)?.clone();
    let file_col = headers.iter().position(|h| h.trim() == "Filename").ok_or_else(|| {
        Error::invalid_argument(format!("{}: no Filename column", path.display()))
    })?;
    let by_key: HashMap<String, usize> =
        contracts.iter().enumerate().map(|(i, c)| (name_key(&c.name), i)).collect();
    let mut out: HashMap<String, HashSet<usize>> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(bad)?;
        let Some(&ci) = record.get(file_col).and_then(|f| by_key.get(&name_key(f.trim()))) else {
            continue;
        };
        for (col, h) in headers.iter().enumerate() {
            let v = record.get(col).unwrap_or("").trim();
            if !v.is_empty() && v != "[]" {
                out.entry(h.trim().to_owned()).or_default().insert(ci);
            }
        }
    }
    Ok(out)
}

/// Runs `eval rules` (see the module documentation) with the built-in pack.
///
/// # Errors
///
/// As [`fm`].
pub fn rules(
    dir: &Path,
    folds: Option<Folds>,
    embedder: &dyn Embedder,
) -> crate::error::Result<RulesReport> {
    let prepared = Prepared::load(dir, folds)?;
    let truth = categories(dir, &prepared.contracts)?;
    let engine = RiskEngine::new(RulePack::builtin(), embedder)?;
    let ids: Vec<&str> = engine
        .pack()
        .rules
        .iter()
        .filter(|r| engine.pack().is_active(r))
        .map(|r| r.id.as_str())
        .collect();
    let flags = prepared.evaluate(&engine, &ids, None, None, embedder)?;
    let mut flags_per_rule = BTreeMap::new();
    for f in flags.iter().flatten().filter(|f| f.flagged) {
        *flags_per_rule.entry(f.rule_id.clone()).or_insert(0) += 1;
    }
    let n = prepared.contracts.len();
    let rules = RULE_CATEGORIES
        .iter()
        .map(|&(rule, category, on_presence)| {
            let has = truth.get(category);
            let document = engine.pack().rule(rule).is_some_and(|r| r.scope == Scope::Document);
            let judged: Vec<usize> =
                (0..n).filter(|&i| !document || prepared.roles[i] == DocRole::Agreement).collect();
            let should = |i: usize| has.is_some_and(|h| h.contains(&i)) == on_presence;
            let fired = |i: usize| flags[i].iter().any(|f| f.flagged && f.rule_id == rule);
            let positives = judged.iter().filter(|&&i| should(i)).count();
            let fired_n = judged.iter().filter(|&&i| fired(i)).count();
            let tp = judged.iter().filter(|&&i| should(i) && fired(i)).count();
            let (precision, recall, f1) = prf(tp, fired_n - tp, positives - tp);
            RuleScore {
                rule: rule.to_owned(),
                category: category.to_owned(),
                on_presence,
                positives,
                fired: fired_n,
                precision,
                recall,
                f1,
                judged: judged.len(),
            }
        })
        .collect();
    Ok(RulesReport { contracts: n, folds, rules, flags_per_rule })
}

/// Figures at one point of the feedback simulation.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct FeedbackPoint {
    /// Decisions recorded so far.
    pub decisions: usize,
    /// Of which confirmations.
    pub confirmed: usize,
    /// Unreviewed clauses that should be flagged.
    pub positives: usize,
    /// Unreviewed clauses flagged.
    pub flagged: usize,
    /// Precision on unreviewed clauses, with feedback.
    pub precision: f64,
    /// Recall on unreviewed clauses, with feedback.
    pub recall: f64,
    /// The same unreviewed clauses without feedback (only the reviewed ones removed): what the
    /// decisions themselves changed.
    pub precision_without_feedback: f64,
    /// Recall without feedback.
    pub recall_without_feedback: f64,
}

/// What `clausal eval feedback` prints.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct FeedbackReport {
    /// The rule.
    pub rule: String,
    /// Its CUAD category (the reviewer's answers).
    pub category: String,
    /// Contracts.
    pub contracts: usize,
    /// Folds.
    pub folds: Option<Folds>,
    /// After 0, 10, 25 and 50 decisions.
    pub points: Vec<FeedbackPoint>,
}

impl FeedbackReport {
    /// Each requirement missed: precision must rise from the first point to the last, and
    /// above what the same unreviewed clauses get without feedback at the last point; at no
    /// point may recall with feedback be below recall without it on the same clauses.
    ///
    /// Recall is compared on the same clauses, not with the first point's: the unreviewed
    /// clauses shrink as decisions are made, and each confirmed flag leaves them, so recall on
    /// them moves with which clauses were reviewed even when the decisions change nothing (see
    /// docs/adr/005-feedback-evaluation.md). For the same reason precision rises without any
    /// feedback as dismissed flags leave: a rise alone would pass feedback that does nothing.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        let (Some(first), Some(last)) = (self.points.first(), self.points.last()) else {
            return vec!["no figures".into()];
        };
        if last.precision <= first.precision {
            out.push(format!(
                "precision did not rise: {:.3} after {} decisions, {:.3} before",
                last.precision, last.decisions, first.precision
            ));
        }
        if last.precision <= last.precision_without_feedback {
            out.push(format!(
                "feedback did not raise precision: {:.3} after {} decisions, {:.3} on the same \
                 clauses without feedback",
                last.precision, last.decisions, last.precision_without_feedback
            ));
        }
        for p in &self.points {
            if p.recall < p.recall_without_feedback {
                out.push(format!(
                    "feedback lowered recall: {:.3} after {} decisions, {:.3} on the same \
                     clauses without feedback",
                    p.recall, p.decisions, p.recall_without_feedback
                ));
            }
        }
        out
    }
}

/// The checkpoints of the feedback simulation.
pub const FEEDBACK_POINTS: [usize; 4] = [0, 10, 25, 50];

/// Simulates a reviewer for `rule` (one of [`RULE_CATEGORIES`] with `on_presence`): candidates
/// are proposed in the order `review next` gives ([`review_order_by`]), one at a time; the
/// reviewer confirms a flag whose clause overlaps a CUAD span of the category and dismisses the
/// others; each decision is recorded in a real [`ReviewStore`] (in a temporary directory) and
/// read back as [`Feedback`]. After 0, 10, 25 and 50 decisions, precision and recall of the
/// rule's flags on the clauses not reviewed yet (a clause should be flagged when it overlaps a
/// span of the category).
///
/// # Errors
///
/// As [`fm`]; [`ErrorKind::InvalidArgument`](clausal::ErrorKind::InvalidArgument) for a rule
/// without a CUAD category.
pub fn feedback(
    dir: &Path,
    rule: &str,
    folds: Option<Folds>,
    embedder: &dyn Embedder,
) -> crate::error::Result<FeedbackReport> {
    let &(_, category, _) =
        RULE_CATEGORIES.iter().find(|(r, _, on)| *r == rule && *on).ok_or_else(|| {
            Error::invalid_argument(format!(
                "rule {rule:?} has no CUAD clause category to answer from"
            ))
        })?;
    let kind = ClauseKind::from_cuad_category(category)
        .ok_or_else(|| Error::bug(format!("category {category} has no kind")))?;
    let prepared = Prepared::load(dir, folds)?;
    let engine = RiskEngine::new(RulePack::builtin(), embedder)?;
    let rules = [rule];
    // Truth per clause: it overlaps a gold span of the category.
    let truth: Vec<Vec<bool>> = prepared
        .contracts
        .iter()
        .map(|c| {
            c.clauses
                .iter()
                .map(|cl| c.gold.iter().any(|(k, g)| *k == kind && overlap(&cl.span, g) > 0))
                .collect()
        })
        .collect();
    // Embeddings of the rule's candidate clauses (the only ones feedback compares).
    let base = prepared.evaluate(&engine, &rules, None, None, embedder)?;
    let mut texts: HashMap<TextHash, String> = HashMap::new();
    for (i, flags) in base.iter().enumerate() {
        for f in flags {
            if let Some(cl) = &f.clause {
                let c = &prepared.contracts[i];
                texts
                    .entry(cl.text_hash)
                    .or_insert_with(|| c.doc.text.get(cl.span.clone()).unwrap_or("").to_owned());
            }
        }
    }
    let keys: Vec<TextHash> = texts.keys().copied().collect();
    let refs: Vec<&str> = keys.iter().map(|k| texts[k].as_str()).collect();
    let mut vectors = HashMap::new();
    for (chunk_keys, chunk) in keys.chunks(256).zip(refs.chunks(256)) {
        for (k, v) in chunk_keys.iter().zip(embedder.embed(chunk)?) {
            vectors.insert(*k, v);
        }
    }

    let dir_store =
        std::env::temp_dir().join(format!("clausal-eval-feedback-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir_store);
    std::fs::create_dir_all(&dir_store).map_err(|e| Error::io(&dir_store, e))?;
    let result = (|| -> crate::error::Result<Vec<FeedbackPoint>> {
        let store = ReviewStore::open(dir_store.join("review.sqlite"))?;
        let mut points = Vec::new();
        let mut reviewed: HashSet<TextHash> = HashSet::new();
        let mut confirmed = 0;
        let last = *FEEDBACK_POINTS.last().unwrap_or(&0);
        for step in 0..=last {
            let fb = Feedback::from_store(&store, rules, |h| {
                Ok(vectors.get(h).map(|v| (v.clone(), clausal::risk::excerpt(&texts[h], 160))))
            })?;
            let flags = prepared.evaluate(&engine, &rules, Some(&fb), Some(&vectors), embedder)?;
            if FEEDBACK_POINTS.contains(&step) {
                points.push(measure(&prepared, &truth, &reviewed, &flags, &base, step, confirmed));
            }
            if step == last {
                break;
            }
            let all: Vec<Flag> = flags.into_iter().flatten().collect();
            let threshold = engine.pack().settings.flag_threshold;
            let vector_of = |f: &Flag| {
                f.clause.as_ref().and_then(|c| vectors.get(&c.text_hash)).map(Vec::as_slice)
            };
            let Some(next) = review_order_by(all, threshold, 1, vector_of).into_iter().next()
            else {
                break;
            };
            let Some(cl) = &next.clause else { break };
            let (ci, j) = (
                prepared.contracts.iter().position(|c| c.name == next.doc_id).unwrap_or(0),
                cl.id.parse::<usize>().unwrap_or(0),
            );
            let yes = truth[ci].get(j).copied().unwrap_or(false);
            confirmed += usize::from(yes);
            let verdict = if yes { Verdict::Confirm } else { Verdict::Dismiss };
            let mut d = Decision::new(
                rule,
                next.rule_version.clone(),
                cl.text_hash,
                verdict,
                "eval-feedback",
            );
            d.doc_id = Some(next.doc_id.clone());
            d.clause_id = Some(cl.id.clone());
            store.record(&d)?;
            reviewed.insert(cl.text_hash);
        }
        store.verify()?;
        Ok(points)
    })();
    let _ = std::fs::remove_dir_all(&dir_store);
    Ok(FeedbackReport {
        rule: rule.to_owned(),
        category: category.to_owned(),
        contracts: prepared.contracts.len(),
        folds,
        points: result?,
    })
}

fn measure(
    prepared: &Prepared,
    truth: &[Vec<bool>],
    reviewed: &HashSet<TextHash>,
    flags: &[Vec<Flag>],
    base: &[Vec<Flag>],
    decisions: usize,
    confirmed: usize,
) -> FeedbackPoint {
    let flagged_set = |flags: &[Vec<Flag>]| -> HashSet<(usize, usize)> {
        flags
            .iter()
            .enumerate()
            .flat_map(|(i, fs)| {
                fs.iter().filter(|f| f.flagged).filter_map(move |f| {
                    f.clause.as_ref().and_then(|c| c.id.parse::<usize>().ok()).map(|j| (i, j))
                })
            })
            .collect()
    };
    let with = flagged_set(flags);
    let without = flagged_set(base);
    let (mut positives, mut flagged, mut tp, mut flagged0, mut tp0) = (0, 0, 0, 0, 0);
    for (i, c) in prepared.contracts.iter().enumerate() {
        for (j, &t) in truth[i].iter().enumerate().take(c.clauses.len()) {
            if reviewed.contains(&prepared.hashes[i][j]) {
                continue;
            }
            positives += usize::from(t);
            let f = with.contains(&(i, j));
            flagged += usize::from(f);
            tp += usize::from(f && t);
            let f0 = without.contains(&(i, j));
            flagged0 += usize::from(f0);
            tp0 += usize::from(f0 && t);
        }
    }
    FeedbackPoint {
        decisions,
        confirmed,
        positives,
        flagged,
        precision: ratio(tp, flagged),
        recall: ratio(tp, positives),
        precision_without_feedback: ratio(tp0, flagged0),
        recall_without_feedback: ratio(tp0, positives),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A point: (decisions, P, R, P without feedback, R without feedback).
    fn report(points: &[(usize, f64, f64, f64, f64)]) -> FeedbackReport {
        FeedbackReport {
            rule: "anti-assignment".into(),
            category: "Anti-Assignment".into(),
            contracts: 1,
            folds: None,
            points: points
                .iter()
                .map(|&(decisions, precision, recall, p0, r0)| FeedbackPoint {
                    decisions,
                    confirmed: 0,
                    positives: 100,
                    flagged: 100,
                    precision,
                    recall,
                    precision_without_feedback: p0,
                    recall_without_feedback: r0,
                })
                .collect(),
        }
    }

    #[test]
    fn feedback_is_judged_against_the_same_clauses_without_it() {
        // Feedback that raises precision; recall on the unreviewed clauses dips only because
        // a confirmed flag left them, as it does without feedback.
        let good = report(&[(0, 0.80, 0.74, 0.80, 0.74), (50, 0.85, 0.73, 0.83, 0.73)]);
        assert!(good.failures().is_empty(), "{:?}", good.failures());
        // Feedback that does nothing: precision rises only as dismissed flags leave.
        let noop = report(&[(0, 0.80, 0.74, 0.80, 0.74), (50, 0.83, 0.74, 0.83, 0.74)]);
        assert_eq!(noop.failures().len(), 1, "{:?}", noop.failures());
        // Feedback that costs recall.
        let lossy = report(&[(0, 0.80, 0.74, 0.80, 0.74), (50, 0.90, 0.70, 0.83, 0.74)]);
        assert!(lossy.failures()[0].contains("lowered recall"), "{:?}", lossy.failures());
        // Precision must also rise over the decisions.
        let flat = report(&[(0, 0.80, 0.74, 0.80, 0.74), (50, 0.80, 0.74, 0.78, 0.74)]);
        assert!(flat.failures()[0].contains("did not rise"), "{:?}", flat.failures());
    }
}
