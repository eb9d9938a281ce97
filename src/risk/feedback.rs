//! Reviewers' decisions applied to flags.

use std::collections::HashMap;

use super::concepts::dot;
use super::{Flag, ReviewNote, Settings};
use crate::review::{Entry, ReviewStore, TextHash, Verdict};

/// Reviewed texts of each verdict needed before their centroids move scores: one or two
/// examples make a noisy direction.
const ROCCHIO_MIN: usize = 3;

/// The Rocchio step grows with the evidence: `n / (n + ROCCHIO_PRIOR)` of the full step after
/// `n` reviewed texts, so that a direction drawn from a handful of texts moves scores little.
const ROCCHIO_PRIOR: f32 = 10.0;

/// The unit-length mean of the vectors of the reviewed texts that confirmed (`positive`) or
/// dismissed the rule.
fn centroid(reviewed: &[Reviewed], positive: bool) -> Option<Vec<f32>> {
    let mut sum: Vec<f32> = Vec::new();
    for r in reviewed.iter().filter(|r| (r.entry.decision.verdict != Verdict::Dismiss) == positive)
    {
        if sum.is_empty() {
            sum = vec![0.0; r.vector.len()];
        }
        for (s, x) in sum.iter_mut().zip(&r.vector) {
            *s += x;
        }
    }
    let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt();
    (norm > 0.0).then(|| sum.iter().map(|x| x / norm).collect())
}

/// A reviewed clause text with its embedding.
#[derive(Clone, Debug)]
pub struct Reviewed {
    /// The current decision.
    pub entry: Entry,
    /// The clause text's embedding (none when the text is no longer in the index).
    pub vector: Vec<f32>,
    /// The start of its text.
    pub excerpt: String,
}

/// Current review decisions per rule, ready to apply to flags.
#[derive(Clone, Debug, Default)]
pub struct Feedback {
    rules: HashMap<String, RuleFeedback>,
}

/// The confirmed centroid, the dismissed centroid, and the bias.
type Rocchio = (Vec<f32>, Vec<f32>, f32);

#[derive(Clone, Debug, Default)]
struct RuleFeedback {
    exact: HashMap<TextHash, Entry>,
    /// Reviewed texts whose embedding is known.
    neighbours: Vec<Reviewed>,
    /// The centroids of the confirmed and the dismissed texts and the bias that centres their
    /// difference between the two groups; computed on first use after a change.
    rocchio: std::sync::OnceLock<Option<Rocchio>>,
}

impl RuleFeedback {
    fn rocchio(&self) -> Option<(&[f32], &[f32], f32)> {
        self.rocchio
            .get_or_init(|| {
                let count = |positive: bool| {
                    self.neighbours
                        .iter()
                        .filter(|r| (r.entry.decision.verdict != Verdict::Dismiss) == positive)
                        .count()
                };
                if count(true) < ROCCHIO_MIN || count(false) < ROCCHIO_MIN {
                    return None;
                }
                let pos = centroid(&self.neighbours, true)?;
                let neg = centroid(&self.neighbours, false)?;
                let mean = |positive: bool| {
                    let d: Vec<f32> = self
                        .neighbours
                        .iter()
                        .filter(|r| (r.entry.decision.verdict != Verdict::Dismiss) == positive)
                        .map(|r| dot(&r.vector, &pos) - dot(&r.vector, &neg))
                        .collect();
                    d.iter().sum::<f32>() / d.len().max(1) as f32
                };
                let bias = (mean(true) + mean(false)) / 2.0;
                Some((pos, neg, bias))
            })
            .as_ref()
            .map(|(p, n, b)| (p.as_slice(), n.as_slice(), *b))
    }
}

impl Feedback {
    /// No decisions.
    pub fn new() -> Feedback {
        Feedback::default()
    }

    /// The current decisions of `store` for `rules`; `lookup` gives a clause text's embedding
    /// and text from its hash (e.g. from the index), `None` when unknown: such a decision still
    /// applies to that exact text, but not to similar ones.
    ///
    /// # Errors
    ///
    /// Review store errors.
    pub fn from_store<'a>(
        store: &ReviewStore,
        rules: impl IntoIterator<Item = &'a str>,
        mut lookup: impl FnMut(&TextHash) -> crate::error::Result<Option<(Vec<f32>, String)>>,
    ) -> crate::error::Result<Feedback> {
        let mut out = Feedback::new();
        for rule in rules {
            for entry in store.decisions_for_rule(rule)? {
                let known = lookup(&entry.decision.text_hash)?;
                out.add(entry, known);
            }
        }
        Ok(out)
    }

    /// Adds a current decision (replacing an earlier one for the same rule and text).
    pub fn add(&mut self, entry: Entry, known: Option<(Vec<f32>, String)>) {
        let rule = self.rules.entry(entry.decision.rule_id.clone()).or_default();
        let hash = entry.decision.text_hash;
        rule.neighbours.retain(|r| r.entry.decision.text_hash != hash);
        if let Some((vector, excerpt)) = known {
            rule.neighbours.push(Reviewed { entry: entry.clone(), vector, excerpt });
        }
        rule.exact.insert(hash, entry);
        rule.rocchio = std::sync::OnceLock::new();
    }

    /// Whether any decision is recorded for the rule.
    pub fn has_decisions(&self, rule: &str) -> bool {
        self.rules.get(rule).is_some_and(|r| !r.exact.is_empty())
    }

    /// The current decision on a rule for a clause text.
    pub fn decision(&self, rule: &str, text_hash: &TextHash) -> Option<&Entry> {
        self.rules.get(rule)?.exact.get(text_hash)
    }

    /// The confirmed clause texts of a rule (confirm or needs-change), with their embeddings:
    /// its learnt exemplars.
    pub fn confirmed<'a>(&'a self, rule: &str) -> impl Iterator<Item = &'a Reviewed> + 'a {
        self.rules
            .get(rule)
            .into_iter()
            .flat_map(|r| &r.neighbours)
            .filter(|r| r.entry.decision.verdict != Verdict::Dismiss)
    }

    /// Applies the decisions to a flag whose clause has embedding `vector`:
    ///
    /// - a current decision on this very text sets the score (1 for confirm and needs-change,
    ///   0 for dismiss);
    /// - otherwise reviewed clauses within [`Settings::feedback_radius`] pull the score toward
    ///   their verdicts, each with weight `((cos - radius) / (1 - radius))²` against the rule's
    ///   own score weighing 1;
    /// - once at least three texts of each verdict are reviewed, the score moves by
    ///   [`Settings::feedback_weight`], shrunk by `n / (n + 10)` after `n` reviewed texts, times
    ///   the clause's cosine to the confirmed texts' centroid
    ///   minus its cosine to the dismissed texts' centroid, less the midpoint of that difference
    ///   between the two reviewed groups (Rocchio relevance feedback with a learnt boundary);
    /// - and a clause at or above [`Settings::near_identical`] to a dismissed one, and closer to
    ///   it than to any confirmed one, is demoted below the flag threshold.
    pub fn apply(&self, flag: &mut Flag, vector: Option<&[f32]>, settings: &Settings) {
        let Some(rule) = self.rules.get(&flag.rule_id) else { return };
        if let Some(entry) = rule.exact.get(&flag.review_key()) {
            flag.score = match entry.decision.verdict {
                Verdict::Dismiss => 0.0,
                Verdict::Confirm | Verdict::NeedsChange => 1.0,
            };
            flag.review = Some(ReviewNote::Decided {
                verdict: entry.decision.verdict,
                reviewer: entry.decision.reviewer.clone(),
                time: entry.time,
                seq: entry.seq,
            });
            return;
        }
        let Some(v) = vector else { return };
        let radius = settings.feedback_radius.min(0.999);
        let (mut weight, mut votes) = (1.0f32, flag.score);
        let (mut confirmed, mut dismissed) = (0, 0);
        let mut nearest_dismissed: Option<(f32, &Reviewed)> = None;
        let mut nearest_confirmed = f32::MIN;
        for r in &rule.neighbours {
            let cos = dot(v, &r.vector);
            let positive = r.entry.decision.verdict != Verdict::Dismiss;
            if positive {
                nearest_confirmed = nearest_confirmed.max(cos);
            } else if nearest_dismissed.is_none_or(|(c, _)| cos > c) {
                nearest_dismissed = Some((cos, r));
            }
            if cos < radius {
                continue;
            }
            let w = ((cos - radius) / (1.0 - radius)).powi(2);
            weight += w;
            if positive {
                votes += w;
                confirmed += 1;
            } else {
                dismissed += 1;
            }
        }
        let from = flag.score;
        if confirmed + dismissed > 0 {
            flag.score = votes / weight;
        }
        // Rocchio: once both verdicts are known, move toward the confirmed clauses' centroid and
        // away from the dismissed ones', measured from the boundary the reviewed clauses draw.
        // Every reviewed text then informs the score.
        if let Some((pos, neg, bias)) = rule.rocchio() {
            let delta = dot(v, pos) - dot(v, neg) - bias;
            let n = rule.neighbours.len() as f32;
            let shrink = n / (n + ROCCHIO_PRIOR);
            flag.score = (flag.score + shrink * settings.feedback_weight * delta).clamp(0.0, 1.0);
            let positive = |r: &&Reviewed| r.entry.decision.verdict != Verdict::Dismiss;
            confirmed = rule.neighbours.iter().filter(positive).count();
            dismissed = rule.neighbours.len() - confirmed;
        }
        if flag.score != from {
            flag.review = Some(ReviewNote::Adjusted { from, confirmed, dismissed });
        }
        if let Some((cos, r)) = nearest_dismissed
            && cos >= settings.near_identical
            && cos > nearest_confirmed
        {
            flag.score = flag.score.min(settings.flag_threshold * 0.9);
            flag.review = Some(ReviewNote::Demoted {
                similarity: cos,
                text_hash: r.entry.decision.text_hash,
                reviewer: r.entry.decision.reviewer.clone(),
            });
        }
    }
}
