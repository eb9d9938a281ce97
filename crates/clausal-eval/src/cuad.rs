//! The clause classifier against CUAD: document-level and clause-level agreement with the expert
//! labels, segmentation sanity figures, contract facts, and force majeure against a hand-checked
//! gold set.
//!
//! Definitions:
//! - **Document level**: for each CUAD clause category (all except Document Name, Parties and
//!   the agreement, effective and expiration dates), the contract contains the category when its
//!   column in `master_clauses.csv` lists a text (not empty, not `[]`); we predict it when one of
//!   the contract's clauses carries the kind. Macro-F1 over categories with at least
//!   [`MIN_SUPPORT`] positive contracts.
//! - **Clause level**, per category: recall is the share of located gold spans that a clause
//!   overlapping the span carries the kind for; precision is the share of clauses carrying the
//!   kind that overlap a gold span of it. Macro-F1 over the same categories.
//! - **Force majeure** (`force_majeure_gold.jsonl`, character offsets into `txt/`): recall is
//!   the share of provisions overlapped by a clause typed force majeure; precision the share of
//!   clauses typed force majeure that overlap a provision. Contracts without a row have none.
//!
//! With `folds = Some(Folds { k, by })`, contracts are dealt into `k` folds, each scored by a
//! model trained on the other folds only: in name order ([`FoldBy::Name`]), or by contract type
//! ([`FoldBy::ContractType`], CUAD's types in `contracts.csv`), so that each fold scores types its
//! model, thresholds and calibration never saw. Without, the given classifier scores every
//! contract and the report says how many of them it was trained on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::extraction::cpu_seconds;
use super::facts::{FactsReport, facts};
use crate::corpus::{CuadContract, load, name_key as key, overlap};
use crate::error::Error;
use clausal::facts::extract_facts;
use clausal::{Classifier, ClauseKind, KindScore, TrainOptions, clause_views, train};

/// How contracts are dealt into cross-validation folds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum FoldBy {
    /// Round robin in name order: a fold's contracts are of the same types as its training's.
    Name,
    /// Whole contract types to a fold (largest types first, each to the fold with the fewest
    /// contracts so far): every contract is scored by a model that saw no contract of its type.
    /// Contracts without a type are dealt by name.
    #[value(name = "type")]
    ContractType,
}

/// K-fold cross-validation: how many folds, and how contracts are dealt into them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Folds {
    /// Folds (at least 2).
    pub k: usize,
    /// How contracts are dealt.
    pub by: FoldBy,
}

impl std::fmt::Display for Folds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.by {
            FoldBy::Name => write!(f, "{}-fold cross-validation", self.k),
            FoldBy::ContractType => {
                write!(f, "{}-fold cross-validation grouped by contract type", self.k)
            }
        }
    }
}

/// The fold of each contract (in `contracts` order), `k` folds.
pub(crate) fn fold_assignment(contracts: &[CuadContract], folds: Folds) -> Vec<usize> {
    let k = folds.k.clamp(2, contracts.len().max(2));
    match folds.by {
        FoldBy::Name => (0..contracts.len()).map(|i| i % k).collect(),
        FoldBy::ContractType => {
            let types: Vec<Option<&str>> =
                contracts.iter().map(|c| c.contract_type.as_deref()).collect();
            type_folds(&types, k)
        }
    }
}

/// Folds grouped by contract type: each type's contracts in one fold, folds balanced by size
/// (the largest groups first, each to the smallest fold); untyped contracts spread round robin.
pub(crate) fn type_folds(types: &[Option<&str>], k: usize) -> Vec<usize> {
    let k = k.max(1);
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, t) in types.iter().enumerate() {
        let group = match t {
            Some(t) => format!("type {t}"),
            None => format!("untyped {}", i % k),
        };
        groups.entry(group).or_default().push(i);
    }
    let mut groups: Vec<(String, Vec<usize>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    let mut sizes = vec![0usize; k];
    let mut out = vec![0; types.len()];
    for (_, members) in groups {
        let fold = (0..k).min_by_key(|&f| (sizes[f], f)).unwrap_or(0);
        sizes[fold] += members.len();
        for i in members {
            out[i] = fold;
        }
    }
    out
}

/// Categories with fewer positive contracts than this are printed but not macro-averaged.
pub const MIN_SUPPORT: usize = 20;
/// Document-level macro-F1 threshold.
pub const MIN_DOC_MACRO_F1: f64 = 0.70;
/// Clause-level macro-F1 threshold.
pub const MIN_CLAUSE_MACRO_F1: f64 = 0.55;
/// Share of gold spans that must lie within one clause.
pub const MIN_WITHIN_ONE_CLAUSE: f64 = 0.85;
/// Largest acceptable median clause length, words.
pub const MAX_MEDIAN_WORDS: usize = 120;
/// Force majeure recall threshold.
pub const MIN_FM_RECALL: f64 = 0.95;
/// Force majeure precision threshold.
pub const MIN_FM_PRECISION: f64 = 0.90;
/// Fact accuracy thresholds: (fact, minimum).
pub const MIN_FACTS: &[(&str, f64)] = &[
    ("governing law", 0.90),
    ("agreement date", 0.85),
    ("renewal term", 0.70),
    ("notice period to terminate renewal", 0.70),
];

/// Precision, recall and F1 of one category.
#[derive(Clone, Debug, Default, Serialize)]
#[non_exhaustive]
pub struct CategoryScore {
    /// CUAD category.
    pub category: String,
    /// Kind id.
    pub kind: String,
    /// Positive items (contracts or gold spans).
    pub support: usize,
    /// Positive contracts (decides whether the category is macro-averaged).
    pub positive_contracts: usize,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

/// A force majeure miss or false positive, for reading.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct FmCase {
    /// Contract.
    pub contract: String,
    /// Clause number or provision heading.
    pub label: String,
    /// Best force majeure score among the clauses concerned.
    pub score: f32,
    /// The first words of the text.
    pub text: String,
}

/// Everything `clausal eval cuad` prints.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct CuadReport {
    /// Contracts scored.
    pub contracts: usize,
    /// Folds (`None`: the given classifier on every contract).
    pub folds: Option<Folds>,
    /// Contracts the scoring model had been trained on (0 under cross-validation).
    pub contracts_seen_in_training: usize,
    /// Clauses.
    pub clauses: usize,
    /// Clauses with at least one kind.
    pub typed_clauses: usize,
    /// Document-level scores per category.
    pub document_level: Vec<CategoryScore>,
    /// Macro-F1 over categories with at least [`MIN_SUPPORT`] positive contracts.
    pub document_macro_f1: f64,
    /// Clause-level scores per category.
    pub clause_level: Vec<CategoryScore>,
    /// Clause-level macro-F1 over the same categories.
    pub clause_macro_f1: f64,
    /// Share of located gold spans that lie within one clause.
    pub within_one_clause: f64,
    /// Gold spans located / not located in the text.
    pub spans_located: usize,
    /// Gold spans not found in the text.
    pub spans_unlocated: usize,
    /// Median clause length, words.
    pub median_clause_words: usize,
    /// Force majeure provisions in the gold file.
    pub fm_provisions: usize,
    /// Force majeure recall.
    pub fm_recall: f64,
    /// Force majeure precision.
    pub fm_precision: f64,
    /// Clauses typed force majeure.
    pub fm_typed_clauses: usize,
    /// Provisions no force majeure clause overlaps.
    pub fm_misses: Vec<FmCase>,
    /// Clauses typed force majeure that overlap no provision.
    pub fm_false_positives: Vec<FmCase>,
    /// Contract facts (extracted from the PDFs).
    pub facts: Option<FactsReport>,
    /// Segmentation + classification + facts, clauses per CPU-second (text already extracted).
    pub clauses_per_cpu_second: f64,
}

impl CuadReport {
    /// The thresholds this report misses, in words; empty when it passes.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |ok: bool, what: String| {
            if !ok {
                out.push(what);
            }
        };
        check(
            self.document_macro_f1 >= MIN_DOC_MACRO_F1,
            format!("document macro-F1 {:.3} < {MIN_DOC_MACRO_F1}", self.document_macro_f1),
        );
        check(
            self.clause_macro_f1 >= MIN_CLAUSE_MACRO_F1,
            format!("clause macro-F1 {:.3} < {MIN_CLAUSE_MACRO_F1}", self.clause_macro_f1),
        );
        check(
            self.within_one_clause >= MIN_WITHIN_ONE_CLAUSE,
            format!("within one clause {:.3} < {MIN_WITHIN_ONE_CLAUSE}", self.within_one_clause),
        );
        check(
            self.median_clause_words <= MAX_MEDIAN_WORDS,
            format!("median clause {} words > {MAX_MEDIAN_WORDS}", self.median_clause_words),
        );
        if self.fm_provisions > 0 {
            check(
                self.fm_recall >= MIN_FM_RECALL,
                format!("force majeure recall {:.3} < {MIN_FM_RECALL}", self.fm_recall),
            );
            check(
                self.fm_precision >= MIN_FM_PRECISION,
                format!("force majeure precision {:.3} < {MIN_FM_PRECISION}", self.fm_precision),
            );
        }
        if let Some(f) = &self.facts {
            for (name, min) in MIN_FACTS {
                if let Some((_, _, _, acc)) = f.accuracy.iter().find(|a| a.0 == *name) {
                    check(*acc >= *min, format!("{name} accuracy {acc:.3} < {min}"));
                }
            }
        }
        out
    }
}

#[derive(Deserialize)]
struct FmRow {
    contract: String,
    char_start: usize,
    char_end: usize,
    #[serde(default)]
    heading: String,
}

/// Runs the evaluation on a CUAD-like folder (see the module documentation).
/// `with_facts` adds the contract facts (which extracts every PDF).
///
/// # Errors
///
/// I/O and format errors of the folder's files; the bundled model's load error.
pub fn cuad(
    dir: &Path,
    folds: Option<Folds>,
    options: &TrainOptions,
    with_facts: bool,
) -> crate::error::Result<CuadReport> {
    let contracts = load(dir)?;
    let n = contracts.len();
    let (predicted, seen) = predictions(&contracts, folds, options)?;

    let (document_level, document_macro_f1) = document_level(dir, &contracts, &predicted)?;
    let (clause_level, clause_macro_f1) = clause_level(&contracts, &predicted, &document_level);

    // Segmentation figures.
    let (mut located, mut within) = (0usize, 0usize);
    let mut words = Vec::new();
    for c in &contracts {
        for (_, g) in &c.gold {
            located += 1;
            within += usize::from(
                c.clauses.iter().any(|cl| cl.span.start <= g.start && g.end <= cl.span.end),
            );
        }
        words.extend(
            c.clauses.iter().map(|cl| {
                c.doc.text.get(cl.span.clone()).map_or(0, |t| t.split_whitespace().count())
            }),
        );
    }
    words.sort_unstable();
    let median = words.get(words.len() / 2).copied().unwrap_or(0);

    let fm = force_majeure(dir, &contracts, &predicted)?;
    let facts = if with_facts { Some(facts(dir)?) } else { None };
    let clauses: usize = contracts.iter().map(|c| c.clauses.len()).sum();
    Ok(CuadReport {
        contracts: n,
        folds,
        contracts_seen_in_training: seen,
        clauses,
        typed_clauses: predicted
            .iter()
            .map(|p| p.iter().take(p.len().saturating_sub(1)).filter(|k| !k.is_empty()).count())
            .sum(),
        document_level,
        document_macro_f1,
        clause_level,
        clause_macro_f1,
        within_one_clause: within as f64 / located.max(1) as f64,
        spans_located: located,
        spans_unlocated: contracts.iter().map(|c| c.unlocated).sum(),
        median_clause_words: median,
        fm_provisions: fm.provisions,
        fm_recall: fm.recall,
        fm_precision: fm.precision,
        fm_typed_clauses: fm.typed,
        fm_misses: fm.misses,
        fm_false_positives: fm.false_positives,
        facts,
        clauses_per_cpu_second: pipeline_speed(&contracts)?,
    })
}

/// Kinds per clause of each contract (each contract's list ends with one extra entry: the
/// document's kinds), as [`fold_map`] computes them. Also how many contracts the classifier
/// used was trained on (0 with folds).
pub(crate) fn predictions(
    contracts: &[CuadContract],
    folds: Option<Folds>,
    options: &TrainOptions,
) -> crate::error::Result<(Vec<Vec<Vec<KindScore>>>, usize)> {
    fold_map(contracts, folds, options, predict)
}

/// `f` of each contract with a classifier that never saw it: with `folds`, each fold's
/// contracts with a model trained on the other folds only; without, the bundled classifier
/// (and how many of the contracts it was trained on).
pub(crate) fn fold_map<T: Send>(
    contracts: &[CuadContract],
    folds: Option<Folds>,
    options: &TrainOptions,
    f: impl Fn(&Classifier, &CuadContract) -> T + Sync,
) -> crate::error::Result<(Vec<T>, usize)> {
    let n = contracts.len();
    Ok(match folds {
        Some(folds) => {
            let k = folds.k.clamp(2, n.max(2));
            let fold_of = fold_assignment(contracts, folds);
            let per_fold: Vec<Vec<(usize, T)>> = (0..k)
                .into_par_iter()
                .map(|fold| {
                    let training: Vec<_> = contracts
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| fold_of[*i] != fold)
                        .flat_map(|(_, c)| c.labelled_clauses())
                        .collect();
                    let cache = std::env::var_os(FOLD_CACHE_ENV);
                    let model = fold_model(&training, options, fold, k, cache.as_deref());
                    let classifier = Classifier::new(model);
                    contracts
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| fold_of[*i] == fold)
                        .map(|(i, c)| (i, f(&classifier, c)))
                        .collect()
                })
                .collect();
            let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
            for (i, p) in per_fold.into_iter().flatten() {
                out[i] = Some(p);
            }
            (out.into_iter().flatten().collect(), 0)
        }
        None => {
            let classifier = Classifier::bundled()?;
            let trained: HashSet<&str> =
                classifier.model().header().trained_on.iter().map(String::as_str).collect();
            let seen = contracts
                .iter()
                .filter(|c| trained.contains(c.doc.id.to_string().as_str()))
                .count();
            let out = contracts.par_iter().map(|c| f(classifier, c)).collect();
            (out, seen)
        }
    })
}

/// Environment variable naming a folder where [`fold_map`] keeps the models it trains, so that
/// evaluations run one after another (`eval cuad`, `fm`, `rules`, `feedback`) train each fold
/// once. A model is reused only by the same executable, for the same training clauses, options
/// and fold.
pub const FOLD_CACHE_ENV: &str = "CLAUSAL_EVAL_CACHE";

/// The model of fold `fold` of `k`, trained on `training`, or, with a `cache` folder, the one an
/// earlier run of this executable trained on the same clauses with the same options (see
/// [`FOLD_CACHE_ENV`]).
fn fold_model(
    training: &[clausal::LabelledClause],
    options: &TrainOptions,
    fold: usize,
    k: usize,
    cache: Option<&std::ffi::OsStr>,
) -> clausal::ClassifierModel {
    let fit = || train(training, options, 5, Vec::new(), format!("fold {fold} of {k}"));
    let Some(dir) = cache else { return fit() };
    let dir = Path::new(dir);
    // The executable stands for the code: features, training and calibration.
    let exe = std::env::current_exe().and_then(std::fs::metadata).ok().map(|m| {
        let modified = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        format!("{} {:?}", m.len(), modified)
    });
    let mut key = format!("{exe:?} {options:?} {fold} {k}").into_bytes();
    for c in training {
        key.extend(serde_json::to_vec(c).unwrap_or_default());
        key.push(b'\n');
    }
    let digest = {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        key.hash(&mut h);
        h.finish()
    };
    let path = dir.join(format!("fold-{digest:016x}.bin"));
    match clausal::ClassifierModel::load(&path) {
        Ok(model) => return model,
        Err(e) if path.exists() => tracing::warn!(%e, "fold cache: training again"),
        Err(_) => {}
    }
    let model = fit();
    if let Err(e) = std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(dir, e))
        .and_then(|()| Ok(model.save(&path)?))
    {
        tracing::warn!(%e, "fold cache: not kept");
    }
    model
}

/// Per clause, the kinds assigned; last, one extra entry: the document's kinds.
fn predict(classifier: &Classifier, c: &CuadContract) -> Vec<Vec<KindScore>> {
    let all: Vec<Vec<KindScore>> =
        clause_views(&c.doc, &c.clauses).iter().map(|v| classifier.scores(v)).collect();
    let mut out: Vec<Vec<KindScore>> = all.iter().map(|s| classifier.assigned(s)).collect();
    out.push(classifier.document_kinds(&all));
    out
}

fn has(kinds: &[KindScore], kind: ClauseKind) -> bool {
    kinds.iter().any(|k| k.kind == kind)
}

/// Precision, recall and F1 from true positives, false positives and false negatives.
pub(crate) fn prf(tp: usize, fp: usize, fn_: usize) -> (f64, f64, f64) {
    let p = if tp + fp == 0 { 0.0 } else { tp as f64 / (tp + fp) as f64 };
    let r = if tp + fn_ == 0 { 0.0 } else { tp as f64 / (tp + fn_) as f64 };
    (p, r, f1(p, r))
}

fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) }
}

fn macro_f1(scores: &[CategoryScore]) -> f64 {
    let counted: Vec<f64> =
        scores.iter().filter(|s| s.positive_contracts >= MIN_SUPPORT).map(|s| s.f1).collect();
    counted.iter().sum::<f64>() / counted.len().max(1) as f64
}

fn document_level(
    dir: &Path,
    contracts: &[CuadContract],
    predicted: &[Vec<Vec<KindScore>>],
) -> crate::error::Result<(Vec<CategoryScore>, f64)> {
    let path = dir.join("master_clauses.csv");
    let bad = |e: csv::Error| Error::invalid_argument(format!("{}: {e}", path.display()));
    let mut reader = csv::Reader::from_path(&path).map_err(bad)?;
    let headers = reader.headers().map_err(bad)?.clone();
    let file_col = headers.iter().position(|h| h.trim() == "Filename").ok_or_else(|| {
        Error::invalid_argument(format!("{}: no Filename column", path.display()))
    })?;
    let columns: Vec<(usize, String, ClauseKind)> = headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let h = h.trim();
            let kind = ClauseKind::from_cuad_category(h)?;
            (kind != ClauseKind::Term).then(|| (i, h.to_owned(), kind))
        })
        .collect();
    let by_key: HashMap<String, usize> =
        contracts.iter().enumerate().map(|(i, c)| (key(&c.name), i)).collect();
    let mut counts: BTreeMap<usize, (usize, usize, usize)> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(bad)?;
        let Some(&ci) = record.get(file_col).and_then(|f| by_key.get(&key(f.trim()))) else {
            continue;
        };
        for (col, _, kind) in &columns {
            let v = record.get(*col).unwrap_or("").trim();
            let truth = !v.is_empty() && v != "[]";
            let guess = predicted[ci].last().is_some_and(|doc| has(doc, *kind));
            let e = counts.entry(*col).or_default();
            match (truth, guess) {
                (true, true) => e.0 += 1,
                (false, true) => e.1 += 1,
                (true, false) => e.2 += 1,
                _ => {}
            }
        }
    }
    let scores: Vec<CategoryScore> = columns
        .iter()
        .map(|(col, name, kind)| {
            let (tp, fp, fn_) = counts.get(col).copied().unwrap_or_default();
            let (precision, recall, f1) = prf(tp, fp, fn_);
            CategoryScore {
                category: name.clone(),
                kind: kind.id().to_owned(),
                support: tp + fn_,
                positive_contracts: tp + fn_,
                precision,
                recall,
                f1,
            }
        })
        .collect();
    let m = macro_f1(&scores);
    Ok((scores, m))
}

fn clause_level(
    contracts: &[CuadContract],
    predicted: &[Vec<Vec<KindScore>>],
    document_level: &[CategoryScore],
) -> (Vec<CategoryScore>, f64) {
    let scores: Vec<CategoryScore> = document_level
        .iter()
        .map(|d| {
            let kind = ClauseKind::from_id(&d.kind).unwrap_or(ClauseKind::Other);
            let (mut found, mut spans, mut right, mut typed) = (0, 0, 0, 0);
            for (c, kinds) in contracts.iter().zip(predicted) {
                let gold: Vec<_> =
                    c.gold.iter().filter(|(k, _)| *k == kind).map(|(_, r)| r).collect();
                for g in &gold {
                    spans += 1;
                    found += usize::from(
                        c.clauses
                            .iter()
                            .zip(kinds)
                            .any(|(cl, k)| overlap(&cl.span, g) > 0 && has(k, kind)),
                    );
                }
                for (cl, k) in c.clauses.iter().zip(kinds) {
                    if has(k, kind) {
                        typed += 1;
                        right += usize::from(gold.iter().any(|g| overlap(&cl.span, g) > 0));
                    }
                }
            }
            let precision = right as f64 / typed.max(1) as f64;
            let recall = found as f64 / spans.max(1) as f64;
            let f1 = f1(precision, recall);
            CategoryScore {
                category: d.category.clone(),
                kind: d.kind.clone(),
                support: spans,
                positive_contracts: d.positive_contracts,
                precision,
                recall,
                f1,
            }
        })
        .collect();
    let m = macro_f1(&scores);
    (scores, m)
}

struct FmFigures {
    provisions: usize,
    recall: f64,
    precision: f64,
    typed: usize,
    misses: Vec<FmCase>,
    false_positives: Vec<FmCase>,
}

fn force_majeure(
    dir: &Path,
    contracts: &[CuadContract],
    predicted: &[Vec<Vec<KindScore>>],
) -> crate::error::Result<FmFigures> {
    let path = dir.join("force_majeure_gold.jsonl");
    let mut provisions: HashMap<&str, Vec<(std::ops::Range<usize>, String)>> = HashMap::new();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let keys: Vec<String> = contracts.iter().map(|c| key(&c.name)).collect();
    let by_name: HashMap<&str, &CuadContract> =
        keys.iter().map(String::as_str).zip(contracts).collect();
    let mut total = 0;
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let row: FmRow = serde_json::from_str(line)
            .map_err(|e| Error::invalid_argument(format!("{}:{}: {e}", path.display(), n + 1)))?;
        let Some(&c) = by_name.get(key(&row.contract).as_str()) else { continue };
        // Offsets count characters (Python string indices); convert to bytes.
        let byte =
            |ch: usize| c.doc.text.char_indices().nth(ch).map_or(c.doc.text.len(), |(b, _)| b);
        total += 1;
        provisions
            .entry(c.name.as_str())
            .or_default()
            .push((byte(row.char_start)..byte(row.char_end), row.heading));
    }
    let snippet = |t: &str| t.split_whitespace().take(25).collect::<Vec<_>>().join(" ");
    let fm_score = |k: &[KindScore]| {
        k.iter().find(|k| k.kind == ClauseKind::ForceMajeure).map_or(0.0, |k| k.score)
    };
    let (mut found, mut typed, mut right) = (0, 0, 0);
    let (mut misses, mut false_positives) = (Vec::new(), Vec::new());
    for (c, kinds) in contracts.iter().zip(predicted) {
        let provs = provisions.get(c.name.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        for (p, heading) in provs {
            let hit = c
                .clauses
                .iter()
                .zip(kinds)
                .any(|(cl, k)| overlap(&cl.span, p) > 0 && has(k, ClauseKind::ForceMajeure));
            if hit {
                found += 1;
            } else {
                misses.push(FmCase {
                    contract: c.name.clone(),
                    label: heading.clone(),
                    score: 0.0,
                    text: snippet(c.doc.text.get(p.clone()).unwrap_or("")),
                });
            }
        }
        for (cl, k) in c.clauses.iter().zip(kinds) {
            if has(k, ClauseKind::ForceMajeure) {
                typed += 1;
                if provs.iter().any(|(p, _)| overlap(&cl.span, p) > 0) {
                    right += 1;
                } else {
                    false_positives.push(FmCase {
                        contract: c.name.clone(),
                        label: format!(
                            "{} {}",
                            cl.number.as_deref().unwrap_or("-"),
                            cl.heading.as_deref().unwrap_or("")
                        ),
                        score: fm_score(k),
                        text: snippet(c.doc.text.get(cl.span.clone()).unwrap_or("")),
                    });
                }
            }
        }
    }
    Ok(FmFigures {
        provisions: total,
        recall: found as f64 / total.max(1) as f64,
        precision: right as f64 / typed.max(1) as f64,
        typed,
        misses,
        false_positives,
    })
}

/// Segmentation, classification and facts with the bundled classifier, timed on one thread.
fn pipeline_speed(contracts: &[CuadContract]) -> crate::error::Result<f64> {
    let classifier = Classifier::bundled()?;
    let (c0, t0) = (cpu_seconds(), Instant::now());
    let mut clauses = 0usize;
    for c in contracts {
        let found = clausal::segment(&c.doc);
        for view in clause_views(&c.doc, &found) {
            std::hint::black_box(classifier.classify(&view));
            std::hint::black_box(extract_facts(view.text));
        }
        clauses += found.len();
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(c0).map_or(0.0, |(a, b)| a - b);
    Ok(clauses as f64 / if cpu >= 1.0 { cpu } else { wall.max(1e-9) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract(name: &str, contract_type: Option<&str>) -> CuadContract {
        CuadContract {
            name: name.to_owned(),
            doc: clausal::Document::from_plain_text(clausal::DocId(0), String::new()),
            clauses: Vec::new(),
            gold: Vec::new(),
            unlocated: 0,
            contract_type: contract_type.map(str::to_owned),
        }
    }

    #[test]
    fn folds_by_type_keep_each_type_in_one_fold_and_balance_sizes() {
        let types = ["A", "A", "A", "A", "B", "B", "B", "C", "C", "D", "E", "E"];
        let mut contracts: Vec<CuadContract> =
            types.iter().enumerate().map(|(i, t)| contract(&format!("c{i}"), Some(t))).collect();
        contracts.push(contract("untyped0", None));
        contracts.push(contract("untyped1", None));
        let folds = fold_assignment(&contracts, Folds { k: 3, by: FoldBy::ContractType });
        for t in ["A", "B", "C", "D", "E"] {
            let of: HashSet<usize> =
                types.iter().zip(&folds).filter(|(x, _)| **x == t).map(|(_, f)| *f).collect();
            assert_eq!(of.len(), 1, "type {t} spread over folds {of:?}");
        }
        let mut sizes = [0usize; 3];
        for &f in &folds {
            sizes[f] += 1;
        }
        assert!(sizes.iter().all(|&n| (4..=6).contains(&n)), "{sizes:?}");
        // By name: round robin, as before.
        let by_name = fold_assignment(&contracts, Folds { k: 3, by: FoldBy::Name });
        assert_eq!(&by_name[..4], &[0, 1, 2, 0]);
    }
    use clausal::LabelledClause;

    #[test]
    fn fold_models_are_cached_by_training_data() {
        let clause = |text: &str, kinds: &[ClauseKind]| LabelledClause {
            text: text.to_owned(),
            kinds: kinds.to_vec(),
            ..LabelledClause::default()
        };
        let mut training = Vec::new();
        for i in 0..10 {
            training.push(clause(
                &format!("acts of god excuse delay {i}"),
                &[ClauseKind::ForceMajeure],
            ));
            training.push(clause(&format!("the price is listed in exhibit {i}"), &[]));
        }
        let mut options = TrainOptions::default();
        options.epochs = 2;
        options.calibration_folds = 0;
        let dir = std::env::temp_dir().join(format!("clausal-fold-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = Some(dir.as_os_str());
        let first = fold_model(&training, &options, 0, 5, cache);
        let files = || std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(files(), 1);
        let again = fold_model(&training, &options, 0, 5, cache);
        assert_eq!(files(), 1, "the second call reads the kept model");
        assert_eq!(again.to_bytes(), first.to_bytes());
        // Other clauses, or another fold, are another model.
        training.pop();
        fold_model(&training, &options, 0, 5, cache);
        fold_model(&training, &options, 1, 5, cache);
        assert_eq!(files(), 3);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
