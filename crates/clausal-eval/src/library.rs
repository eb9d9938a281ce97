//! `clausal eval deviations`: the clause library's deviations, two ways.
//!
//! - **Outdated force majeure** (a CUAD-layout folder with `force_majeure_gold.jsonl`): with the
//!   starter library, every clause the classifier types force majeure (by the classifier of
//!   the fold that did not train on its contract, folds grouped by contract type) is measured
//!   against the library in its provision; a gold provision is *marked outdated* when a
//!   clause overlapping it is. Recall: provisions without epidemic cover marked outdated;
//!   precision: outdated clauses that overlap a provision without epidemic cover; and the
//!   share of covering provisions marked outdated. Nothing in the library or its thresholds
//!   was fitted to CUAD.
//! - **Generated edits** (no data): every version of every starter entry edited by code.
//!   Meaning-changing edits: a sentence that alone carries a concept removed
//!   (`remove-concept-sentence`), a duration lengthened (`lengthen-duration`), the governing
//!   law swapped (`swap-law`), the epidemic words dropped from a list (`drop-epidemic`); each
//!   counts as detected when `deviates` or `outdated` with the changed concept or quantity
//!   named. The same edits are made again on each rewording (`reworded+...`). Rewordings that keep the meaning (`shall`→`will`, British→American spelling,
//!   numbers as digits, "including without limitation", "this Agreement"→"this contract",
//!   sentence order, line breaks, and all of them at once) count as false reports when they
//!   are anything but `standard`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;
use serde::Serialize;

use crate::corpus::overlap;
use crate::cuad::Folds;
use crate::risk::{Prepared, gold_provisions, ratio, snippet};
use clausal::library::{
    ConceptFinder, DeviationSettings, DeviationStatus, Deviations, Library, defined_terms,
    provision,
};
use clausal::risk::{RiskEngine, RulePack};
use clausal::{ClauseKind, Embedder};

/// Outdated force majeure: recall and precision at least this.
pub const MIN_OUTDATED: f64 = 0.90;
/// Covering provisions marked outdated: at most this share.
pub const MAX_COVERING_OUTDATED: f64 = 0.05;
/// Meaning-changing generated edits detected: at least this share.
pub const MIN_EDITS_DETECTED: f64 = 0.95;
/// Rewordings reported: at most this share.
pub const MAX_REWORDINGS_REPORTED: f64 = 0.05;

/// The engine whose concepts deviations use: the built-in pack and the data-protection pack.
pub(crate) fn concept_engine(embedder: &dyn Embedder) -> crate::Result<RiskEngine> {
    let mut pack = RulePack::builtin();
    pack.extend_named("data-protection")?;
    Ok(RiskEngine::new(pack, embedder)?)
}

/// A case named in a report.
#[derive(Clone, Debug, Serialize)]
pub struct DeviationCase {
    /// Contract, or entry and edit.
    pub source: String,
    /// The first words.
    pub text: String,
    /// Status and why.
    pub note: String,
}

/// What `eval deviations --data DIR` prints.
#[derive(Clone, Debug, Default, Serialize)]
#[non_exhaustive]
pub struct OutdatedReport {
    /// Contracts read.
    pub contracts: usize,
    /// Folds that typed the clauses.
    pub folds: Option<Folds>,
    /// Force majeure clauses measured.
    pub clauses: usize,
    /// Of which per status.
    pub by_status: BTreeMap<String, usize>,
    /// Gold provisions without epidemic cover.
    pub non_covering: usize,
    /// Of which marked outdated.
    pub non_covering_outdated: usize,
    /// Recall.
    pub recall: f64,
    /// Clauses marked outdated.
    pub outdated: usize,
    /// Of which overlap a provision without epidemic cover.
    pub outdated_right: usize,
    /// Precision.
    pub precision: f64,
    /// Covering provisions.
    pub covering: usize,
    /// Of which marked outdated.
    pub covering_outdated: usize,
    /// Their share.
    pub covering_share: f64,
    /// Provisions without cover not marked outdated.
    pub misses: Vec<DeviationCase>,
    /// Outdated clauses not on such a provision.
    pub false_positives: Vec<DeviationCase>,
}

impl OutdatedReport {
    /// Each bar missed, in words.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.recall < MIN_OUTDATED {
            out.push(format!("recall {:.3} < {MIN_OUTDATED}", self.recall));
        }
        if self.precision < MIN_OUTDATED {
            out.push(format!("precision {:.3} < {MIN_OUTDATED}", self.precision));
        }
        if self.covering_share > MAX_COVERING_OUTDATED {
            out.push(format!(
                "covering provisions outdated {:.3} > {MAX_COVERING_OUTDATED}",
                self.covering_share
            ));
        }
        out
    }
}

/// Runs the outdated force majeure evaluation on a CUAD-layout folder.
///
/// # Errors
///
/// I/O and format errors of the folder; embedder errors.
pub fn outdated(
    dir: &Path,
    folds: Option<Folds>,
    embedder: &dyn Embedder,
) -> crate::Result<OutdatedReport> {
    let prepared = Prepared::load(dir, folds)?;
    let gold = gold_provisions(dir, &prepared.contracts)?;
    let engine = concept_engine(embedder)?;
    let deviations =
        Deviations::new(&Library::starter(), embedder, &engine, DeviationSettings::default())?;
    let kind = ClauseKind::ForceMajeure;
    let mut r =
        OutdatedReport { contracts: prepared.contracts.len(), folds, ..OutdatedReport::default() };
    // Per contract: (clause index, status, explanation) of its force majeure clauses.
    let per_contract: Vec<crate::Result<Vec<(usize, DeviationStatus, String)>>> = (0..prepared
        .contracts
        .len())
        .into_par_iter()
        .map(|i| {
            let c = &prepared.contracts[i];
            let text = |j: usize| c.doc.text.get(c.clauses[j].span.clone()).unwrap_or("");
            let shape: Vec<(u32, bool)> = (0..c.clauses.len())
                .map(|j| (c.clauses[j].depth, prepared.kinds[i][j].iter().any(|k| k.kind == kind)))
                .collect();
            let all: Vec<&str> = (0..c.clauses.len()).map(text).collect();
            let defined = defined_terms(all.iter().copied());
            let fm: Vec<usize> = (0..c.clauses.len()).filter(|&j| shape[j].1).collect();
            if fm.is_empty() {
                return Ok(Vec::new());
            }
            let texts: Vec<&str> = fm.iter().map(|&j| text(j)).collect();
            let vectors = embedder.embed(&texts)?;
            let mut out = Vec::new();
            for (&j, v) in fm.iter().zip(&vectors) {
                let context: Vec<&str> =
                    provision(&shape, &all, &defined, kind, j).into_iter().map(text).collect();
                let found = deviations.concepts_of(kind, &engine, &context);
                if let Some(d) = deviations.compare(kind, text(j), v, &found) {
                    out.push((j, d.status, d.explanation));
                }
            }
            Ok(out)
        })
        .collect();
    for (i, statuses) in per_contract.into_iter().enumerate() {
        let statuses = statuses?;
        let c = &prepared.contracts[i];
        let provs = gold.get(&i).map(Vec::as_slice).unwrap_or(&[]);
        for (_, s, _) in &statuses {
            r.clauses += 1;
            *r.by_status.entry(s.as_str().to_owned()).or_default() += 1;
        }
        let outdated_on = |p: &std::ops::Range<usize>| {
            statuses.iter().any(|(j, s, _)| {
                *s == DeviationStatus::Outdated && overlap(&c.clauses[*j].span, p) > 0
            })
        };
        for (p, _, covers) in provs {
            if *covers {
                r.covering += 1;
                r.covering_outdated += usize::from(outdated_on(p));
            } else {
                r.non_covering += 1;
                if outdated_on(p) {
                    r.non_covering_outdated += 1;
                } else {
                    let why = statuses
                        .iter()
                        .find(|(j, _, _)| overlap(&c.clauses[*j].span, p) > 0)
                        .map_or(
                            "no clause overlapping it typed force majeure".to_owned(),
                            |(_, s, e)| format!("{}: {e}", s.as_str()),
                        );
                    r.misses.push(DeviationCase {
                        source: c.name.clone(),
                        text: snippet(c.doc.text.get(p.clone()).unwrap_or("")),
                        note: why,
                    });
                }
            }
        }
        for (j, s, e) in &statuses {
            if *s != DeviationStatus::Outdated {
                continue;
            }
            r.outdated += 1;
            let span = &c.clauses[*j].span;
            if provs.iter().any(|(p, _, covers)| !covers && overlap(span, p) > 0) {
                r.outdated_right += 1;
            } else {
                let on_covering = provs.iter().any(|(p, _, _)| overlap(span, p) > 0);
                r.false_positives.push(DeviationCase {
                    source: c.name.clone(),
                    text: snippet(c.doc.text.get(span.clone()).unwrap_or("")),
                    note: format!(
                        "{}; {e}",
                        if on_covering {
                            "on a covering provision"
                        } else {
                            "not a force majeure provision"
                        }
                    ),
                });
            }
        }
    }
    r.recall = ratio(r.non_covering_outdated, r.non_covering);
    r.precision = ratio(r.outdated_right, r.outdated);
    r.covering_share = ratio(r.covering_outdated, r.covering);
    Ok(r)
}

/// Figures for one kind of generated edit.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EditScore {
    /// Edits generated.
    pub edits: usize,
    /// Meaning-changing edits: detected with the change named. Rewordings: reported.
    pub hits: usize,
}

/// What `eval deviations --generated` prints.
#[derive(Clone, Debug, Default, Serialize)]
#[non_exhaustive]
pub struct GeneratedReport {
    /// Per meaning-changing edit kind.
    pub changes: BTreeMap<String, EditScore>,
    /// Per rewording kind.
    pub rewordings: BTreeMap<String, EditScore>,
    /// Share of meaning-changing edits detected with the change named.
    pub detected: f64,
    /// Share of rewordings reported.
    pub reported: f64,
    /// Edits missed and rewordings reported.
    pub cases: Vec<DeviationCase>,
}

impl GeneratedReport {
    /// Each bar missed, in words.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.detected < MIN_EDITS_DETECTED {
            out.push(format!("edits detected {:.3} < {MIN_EDITS_DETECTED}", self.detected));
        }
        if self.reported > MAX_REWORDINGS_REPORTED {
            out.push(format!(
                "rewordings reported {:.3} > {MAX_REWORDINGS_REPORTED}",
                self.reported
            ));
        }
        out
    }
}

/// A generated variant of a standard text: the edit's name, the text, and for a change the
/// concept or quantity that must be named (`None` for a rewording).
struct Variant {
    edit: &'static str,
    text: String,
    expect: Option<String>,
}

fn sentences(text: &str) -> Vec<&str> {
    static END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[.;]\s+").expect("regex"));
    let mut out = Vec::new();
    let mut start = 0;
    for m in END.find_iter(text) {
        out.push(text[start..m.start() + 1].trim());
        start = m.end();
    }
    if start < text.len() {
        out.push(text[start..].trim());
    }
    out.retain(|s| !s.is_empty());
    out
}

fn rewordings(text: &str) -> Vec<Variant> {
    let replace_all = |pairs: &[(&str, &str)], t: &str| {
        let mut t = t.to_owned();
        for (a, b) in pairs {
            t = t.replace(a, b);
        }
        t
    };
    let spelling: &[(&str, &str)] = &[
        ("organisational", "organizational"),
        ("authorisation", "authorization"),
        ("unauthorised", "unauthorized"),
        ("labour", "labor"),
        ("minimise", "minimize"),
    ];
    let digits: &[(&str, &str)] = &[
        ("sixty (60)", "60"),
        ("twelve (12)", "12"),
        ("twenty-four (24)", "24"),
        ("five (5)", "5"),
    ];
    let will: &[(&str, &str)] = &[(" shall ", " will ")];
    let including: &[(&str, &str)] = &[("including ", "including without limitation ")];
    let contract: &[(&str, &str)] =
        &[("this Agreement", "this contract"), ("This Agreement", "This contract")];
    let mut out = vec![
        Variant { edit: "shall-will", text: replace_all(will, text), expect: None },
        Variant { edit: "spelling", text: replace_all(spelling, text), expect: None },
        Variant { edit: "digits", text: replace_all(digits, text), expect: None },
        Variant {
            edit: "including-without-limitation",
            text: replace_all(including, text),
            expect: None,
        },
        Variant { edit: "agreement-contract", text: replace_all(contract, text), expect: None },
        Variant { edit: "line-breaks", text: sentences(text).join("\n\n"), expect: None },
    ];
    let s = sentences(text);
    if s.len() >= 3 {
        let mut moved = s.clone();
        let last = moved.pop().expect("three sentences");
        moved.insert(1, last);
        out.push(Variant { edit: "sentence-order", text: moved.join(" "), expect: None });
    }
    let mut all = text.to_owned();
    for pairs in [will, spelling, digits, including, contract] {
        all = replace_all(pairs, &all);
    }
    out.push(Variant { edit: "all-rewordings", text: all, expect: None });
    out.retain(|v| v.text != text);
    out
}

fn changes(text: &str, engine: &dyn ConceptFinder) -> Vec<Variant> {
    static DURATION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?P<word>[a-z-]+) \((?P<n>\d+)\) (?P<unit>hours|days|months|years)\b")
            .expect("regex")
    });
    static LAW: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"the State of New York|England and Wales").expect("regex"));
    let mut out = Vec::new();
    let sents = sentences(text);
    let concepts_of = |t: &str| -> Vec<String> {
        let mut v: Vec<String> = engine.find_concepts(t);
        v.sort();
        v
    };
    for (i, s) in sents.iter().enumerate() {
        let rest: String = sents
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, x)| *x)
            .collect::<Vec<_>>()
            .join(" ");
        if rest.trim().is_empty() {
            continue;
        }
        let left = concepts_of(&rest);
        for c in concepts_of(s) {
            if !left.contains(&c) {
                out.push(Variant {
                    edit: "remove-concept-sentence",
                    text: rest.clone(),
                    expect: Some(c),
                });
            }
        }
    }
    for m in DURATION.captures_iter(text) {
        let n: u32 = m["n"].parse().unwrap_or(1);
        let unit = &m["unit"];
        let (longer, unit) = if unit == "hours" { (10, "days") } else { (n * 3, unit) };
        let edited = text.replacen(&m[0], &format!("{longer} {unit}"), 1);
        out.push(Variant {
            edit: "lengthen-duration",
            text: edited,
            expect: Some("duration".into()),
        });
    }
    if let Some(m) = LAW.find(text) {
        let other = if m.as_str().contains("New York") { "the State of Texas" } else { "Ireland" };
        out.push(Variant {
            edit: "swap-law",
            text: text.replacen(m.as_str(), other, 1),
            expect: Some("governing_law".into()),
        });
    }
    // The epidemic words of a list: list items that name an epidemic term.
    if concepts_of(text).iter().any(|c| c == "epidemic") {
        let kept: Vec<String> = text
            .split(", ")
            .filter(|item| !concepts_of(item).iter().any(|c| c == "epidemic"))
            .map(str::to_owned)
            .collect();
        let edited = kept.join(", ");
        if !concepts_of(&edited).iter().any(|c| c == "epidemic") {
            out.push(Variant {
                edit: "drop-epidemic",
                text: edited,
                expect: Some("epidemic".into()),
            });
        }
    }
    out
}

/// Runs the generated-edits evaluation over the starter library.
///
/// # Errors
///
/// Embedder errors.
pub fn generated(embedder: &dyn Embedder) -> crate::Result<GeneratedReport> {
    let library = Library::starter();
    let engine = concept_engine(embedder)?;
    let deviations = Deviations::new(&library, embedder, &engine, DeviationSettings::default())?;
    let mut r = GeneratedReport::default();
    let (mut changed, mut detected, mut worded, mut reported) = (0, 0, 0, 0);
    for entry in library.entries() {
        let current = entry.current();
        // Changes of the standard text and of each rewording of it; the rewordings themselves.
        let mut variants = changes(&current.text, &engine);
        for reworded in rewordings(&current.text) {
            variants.extend(changes(&reworded.text, &engine).into_iter().map(|mut v| {
                v.edit = match v.edit {
                    "remove-concept-sentence" => "reworded+remove-concept-sentence",
                    "lengthen-duration" => "reworded+lengthen-duration",
                    "swap-law" => "reworded+swap-law",
                    _ => "reworded+drop-epidemic",
                };
                v
            }));
            variants.push(reworded);
        }
        let texts: Vec<&str> = variants.iter().map(|v| v.text.as_str()).collect();
        let vectors = embedder.embed(&texts)?;
        for (v, vector) in variants.iter().zip(&vectors) {
            let found = deviations.concepts_of(entry.kind, &engine, &[&v.text]);
            let Some(d) = deviations.compare(entry.kind, &v.text, vector, &found) else { continue };
            let flagged = matches!(d.status, DeviationStatus::Deviates | DeviationStatus::Outdated);
            let case = |note: String| DeviationCase {
                source: format!("{} v{} {}", entry.id, current.version, v.edit),
                text: snippet(&v.text),
                note,
            };
            match &v.expect {
                Some(what) => {
                    let named = d.missing_concepts.contains(what)
                        || d.extra_concepts.contains(what)
                        || d.changed.iter().any(|c| c.what == what);
                    let hit = flagged && named;
                    let score = r.changes.entry(v.edit.to_owned()).or_default();
                    score.edits += 1;
                    score.hits += usize::from(hit);
                    changed += 1;
                    detected += usize::from(hit);
                    if !hit {
                        r.cases.push(case(format!(
                            "missed ({what}): {} — {}",
                            d.status.as_str(),
                            d.explanation
                        )));
                    }
                }
                None => {
                    let hit = d.status != DeviationStatus::Standard;
                    let score = r.rewordings.entry(v.edit.to_owned()).or_default();
                    score.edits += 1;
                    score.hits += usize::from(hit);
                    worded += 1;
                    reported += usize::from(hit);
                    if hit {
                        r.cases.push(case(format!(
                            "reported: {} — {}",
                            d.status.as_str(),
                            d.explanation
                        )));
                    }
                }
            }
        }
    }
    r.detected = ratio(detected, changed);
    r.reported = ratio(reported, worded);
    Ok(r)
}
