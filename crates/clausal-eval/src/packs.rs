//! `clausal eval packs`: the named rule packs (data-protection, software-licence, ai-use)
//! against documents labelled by reading (`labels.jsonl` and `txt/`, see
//! `crates/clausal-eval/data/packs/README.md`).
//!
//! Each document is segmented, typed by the shipped classifier and given to the risk engine
//! with the built-in pack and the three named packs, as ingestion would. A rule *fires* on a
//! document when it raises a flag there. What a rule should find is derived from the labelled
//! provisions (the derivation is [`expected`]). Per rule: document-level precision and
//! recall, and for clause rules how many flagged documents have a flag on a labelled provision
//! of the rule's kind.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::corpus::overlap;
use crate::error::Error;
use clausal::risk::{ClauseInput, DocInput, RiskEngine, RulePack};
use clausal::{Classifier, DocId, Document, Embedder, TextHash, segment};

/// Per rule: precision and recall at least these (issue 20).
pub const MIN_PACK_PRECISION: f64 = 0.85;
/// See [`MIN_PACK_PRECISION`].
pub const MIN_PACK_RECALL: f64 = 0.80;

/// The packs measured.
pub const PACKS: [&str; 3] = ["data-protection", "software-licence", "ai-use"];

/// The rules measured, with the provision kind whose span a clause flag should overlap.
pub const PACK_RULES: [(&str, Option<&str>); 11] = [
    ("dpa-terms-missing", None),
    ("breach-notification-missing", None),
    ("breach-notification-late", Some("breach_notification")),
    ("licence-grant-scope", Some("licence_grant")),
    ("licence-usage-limits", Some("licence_usage_limits")),
    ("licence-audit", Some("licence_audit")),
    ("licence-true-up", Some("licence_true_up")),
    ("licence-auto-renewal", Some("licence_auto_renewal")),
    ("ai-training-on-customer-data", Some("ai_training")),
    ("ai-output-ownership", Some("ai_output_ownership")),
    ("ai-disclosure", Some("ai_disclosure")),
];

const DPA_KINDS: [&str; 5] = [
    "dp_purpose_limitation",
    "dp_security_measures",
    "dp_subprocessors",
    "dp_deletion_return",
    "dp_audit",
];

#[derive(Deserialize)]
struct Label {
    contract: String,
    #[serde(default)]
    source: String,
    processes_personal_data: Answer,
    #[serde(default)]
    provisions: Vec<Provision>,
}

#[derive(Deserialize)]
struct Answer {
    answer: bool,
}

#[derive(Deserialize, Clone)]
struct Provision {
    kind: String,
    char_start: usize,
    char_end: usize,
    #[serde(default)]
    attrs: serde_json::Map<String, serde_json::Value>,
}

/// Whether a breach notification's labelled timing is later than 72 hours (or has none).
fn late(timing: &str) -> bool {
    let hours = |n: u32| n > 72;
    match timing.split_once(':') {
        Some(("hours", n)) => n.parse().is_ok_and(hours),
        Some(("days", n)) => n.parse::<u32>().is_ok_and(|n| hours(n * 24)),
        Some(("business_days", n)) => {
            n.parse::<u32>().is_ok_and(|n| hours((n + 2 * n.div_ceil(5)) * 24))
        }
        _ => !matches!(timing, "without_undue_delay" | "immediately"),
    }
}

/// What each rule should find in a labelled document:
/// `dpa-terms-missing`: personal data processed and one of the five processor terms not
/// labelled; `breach-notification-missing`: personal data processed and no breach
/// notification; `breach-notification-late`: a breach notification whose tightest bound is
/// over 72 hours, "promptly"-like or absent ("without undue delay" and "immediately" are in
/// time); `ai-training-on-customer-data`: a training clause that allows it; every other rule:
/// a provision of its kind.
fn expected(label: &Label, rule: &str) -> bool {
    let has = |k: &str| label.provisions.iter().any(|p| p.kind == k);
    let pd = label.processes_personal_data.answer;
    match rule {
        "dpa-terms-missing" => pd && !DPA_KINDS.iter().all(|k| has(k)),
        "breach-notification-missing" => pd && !has("breach_notification"),
        "breach-notification-late" => label.provisions.iter().any(|p| {
            p.kind == "breach_notification"
                && late(p.attrs.get("timing").and_then(|t| t.as_str()).unwrap_or("none"))
        }),
        "ai-training-on-customer-data" => label.provisions.iter().any(|p| {
            p.kind == "ai_training"
                && p.attrs.get("allowed").and_then(serde_json::Value::as_bool) == Some(true)
        }),
        _ => PACK_RULES.iter().find(|(r, _)| *r == rule).and_then(|(_, k)| *k).is_some_and(has),
    }
}

/// One rule's figures.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PackRuleScore {
    /// The rule.
    pub rule: String,
    /// Documents where it should fire.
    pub positives: usize,
    /// Documents where it fired.
    pub fired: usize,
    /// Of which right.
    pub right: usize,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// Right documents where a flag is on a labelled provision of the rule's kind (clause
    /// rules).
    pub on_provision: Option<usize>,
    /// Documents wrongly flagged and missed.
    pub errors: Vec<String>,
    /// Every document it fired on.
    pub flagged: Vec<String>,
    /// Every document where it should fire.
    pub expected: Vec<String>,
}

/// What `clausal eval packs` prints.
#[derive(Clone, Debug, Default, Serialize)]
#[non_exhaustive]
pub struct PacksReport {
    /// Documents read.
    pub documents: usize,
    /// Sources they came from.
    pub sources: usize,
    /// Documents the engine typed other than an agreement (document rules do not judge them).
    pub not_agreements: Vec<String>,
    /// Per rule.
    pub rules: Vec<PackRuleScore>,
}

impl PacksReport {
    /// Each rule below the bars, in words.
    pub fn failures(&self) -> Vec<String> {
        self.rules
            .iter()
            .filter(|r| r.precision < MIN_PACK_PRECISION || r.recall < MIN_PACK_RECALL)
            .map(|r| {
                format!(
                    "{}: precision {:.3} / recall {:.3} (bars {MIN_PACK_PRECISION} / {MIN_PACK_RECALL})",
                    r.rule, r.precision, r.recall
                )
            })
            .collect()
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Runs the evaluation on a folder with `labels.jsonl` and `txt/`.
///
/// # Errors
///
/// I/O and format errors of the folder; embedder errors.
pub fn packs(dir: &Path, embedder: &dyn Embedder) -> crate::Result<PacksReport> {
    let path = dir.join("labels.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut labels = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let label: Label = serde_json::from_str(line)
            .map_err(|e| Error::invalid_argument(format!("{}:{}: {e}", path.display(), n + 1)))?;
        labels.push(label);
    }
    let mut pack = RulePack::builtin();
    for p in PACKS {
        pack.extend_named(p)?;
    }
    let engine = RiskEngine::new(pack, embedder)?;
    let classifier = Classifier::bundled()?;
    let rules: Vec<&str> = PACK_RULES.iter().map(|(r, _)| *r).collect();
    // Per document: per rule, the byte spans of its flags (None: a document flag).
    type Fired = HashMap<String, Vec<Option<Range<usize>>>>;
    let per_doc: Vec<crate::Result<(Fired, String, bool)>> = labels
        .par_iter()
        .map(|label| {
            let file = dir.join("txt").join(format!("{}.txt", label.contract));
            let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
            let doc = Document::from_plain_text(DocId::of_bytes(text.as_bytes()), text);
            let clauses = segment(&doc);
            let analysis = classifier.analyze(&doc, &clauses);
            let thresholds = classifier.thresholds();
            let input = DocInput {
                doc_id: label.contract.clone(),
                path: &label.contract,
                source: &label.contract,
                role: Some(analysis.role.role),
                amendments: Vec::new(),
                thresholds: Some(&thresholds),
                clauses: clauses
                    .iter()
                    .zip(&analysis.clauses)
                    .enumerate()
                    .map(|(j, (cl, typed))| {
                        let t = doc.text.get(cl.span.clone()).unwrap_or("");
                        ClauseInput {
                            id: j.to_string(),
                            number: cl.number.as_deref(),
                            heading: cl.heading.as_deref(),
                            text: t,
                            span: cl.span.clone(),
                            depth: cl.depth,
                            role: Some(cl.role),
                            kinds: &typed.kinds,
                            near_kinds: &typed.near_kinds,
                            facts: &typed.facts,
                            text_hash: TextHash::of(t),
                            vector: None,
                        }
                    })
                    .collect(),
                facts: Some(&analysis.facts),
            };
            let flags = engine.evaluate(&input, Some(&rules), "2026-12-07", None, embedder)?;
            let mut fired: Fired = HashMap::new();
            for f in flags.iter().filter(|f| f.flagged) {
                fired
                    .entry(f.rule_id.clone())
                    .or_default()
                    .push(f.clause.as_ref().map(|c| c.span.clone()));
            }
            let agreement = analysis.role.role == clausal::DocRole::Agreement;
            Ok((fired, doc.text.clone(), agreement))
        })
        .collect();
    let mut r = PacksReport {
        documents: labels.len(),
        sources: labels
            .iter()
            .map(|l| l.source.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        ..PacksReport::default()
    };
    let mut scores: BTreeMap<&str, PackRuleScore> = BTreeMap::new();
    for (label, result) in labels.iter().zip(per_doc) {
        let (fired, text, agreement) = result?;
        if !agreement {
            r.not_agreements.push(label.contract.clone());
        }
        let byte = |ch: usize| text.char_indices().nth(ch).map_or(text.len(), |(b, _)| b);
        for (rule, kind) in PACK_RULES {
            let s = scores.entry(rule).or_insert_with(|| PackRuleScore {
                rule: rule.to_owned(),
                ..PackRuleScore::default()
            });
            let truth = expected(label, rule);
            let flags = fired.get(rule);
            let hit = flags.is_some();
            s.positives += usize::from(truth);
            if hit {
                s.flagged.push(label.contract.clone());
            }
            if truth {
                s.expected.push(label.contract.clone());
            }
            s.fired += usize::from(hit);
            s.right += usize::from(hit && truth);
            if let (Some(kind), Some(flags), true) = (kind, flags, truth) {
                let spans: Vec<Range<usize>> = label
                    .provisions
                    .iter()
                    .filter(|p| p.kind == kind)
                    .map(|p| byte(p.char_start)..byte(p.char_end))
                    .collect();
                let on = flags.iter().flatten().any(|f| spans.iter().any(|p| overlap(f, p) > 0));
                *s.on_provision.get_or_insert(0) += usize::from(on);
            }
            if hit != truth {
                s.errors.push(format!(
                    "{} {}",
                    if hit { "wrongly flagged:" } else { "missed:" },
                    label.contract
                ));
            }
        }
    }
    for (_, mut s) in scores {
        s.precision = ratio(s.right, s.fired);
        s.recall = ratio(s.right, s.positives);
        r.rules.push(s);
    }
    let order: Vec<&str> = PACK_RULES.iter().map(|(r, _)| *r).collect();
    r.rules.sort_by_key(|s| order.iter().position(|o| *o == s.rule));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::late;

    #[test]
    fn breach_timings_against_72_hours() {
        assert!(!late("hours:72") && late("hours:96"));
        assert!(!late("days:3") && late("days:5"));
        assert!(late("business_days:3") && !late("business_days:1"));
        assert!(!late("without_undue_delay") && !late("immediately"));
        assert!(late("promptly") && late("none"));
    }
}
