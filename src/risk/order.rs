//! The review order: which candidates a reviewer should decide first.
//!
//! [`review_order`] puts the least certain candidates first (scores nearest the flag
//! threshold); [`review_order_by`] also weighs each by how representative it is of its rule's
//! other candidates, so that one decision teaches about many clauses.

use super::concepts::dot;
use super::types::{Flag, ReviewNote};

/// Orders candidates for review: those without a current decision, one per (rule, clause
/// text), the least certain first (score nearest `threshold`), then by severity; at most
/// `limit`.
pub fn review_order(flags: Vec<Flag>, threshold: f32, limit: usize) -> Vec<Flag> {
    review_order_by(flags, threshold, limit, |_| None)
}

/// As [`review_order`], weighing each candidate's uncertainty by how representative it is
/// (information density): its mean cosine similarity to the 10 most similar other candidates of
/// its rule, by the clause embeddings `vector` gives. A decision on a clause like many others
/// teaches about all of them. Candidates without a vector keep density 1.
pub fn review_order_by<'v>(
    flags: Vec<Flag>,
    threshold: f32,
    limit: usize,
    vector: impl Fn(&Flag) -> Option<&'v [f32]>,
) -> Vec<Flag> {
    const NEIGHBOURS: usize = 10;
    let mut seen = std::collections::HashSet::new();
    let candidates: Vec<Flag> = flags
        .into_iter()
        .filter(|f| !matches!(f.review, Some(ReviewNote::Decided { .. })))
        .filter(|f| seen.insert((f.rule_id.clone(), f.review_key())))
        .collect();
    let vectors: Vec<Option<&[f32]>> = candidates.iter().map(&vector).collect();
    let density: Vec<f32> = (0..candidates.len())
        .map(|i| {
            let Some(v) = vectors[i] else { return 1.0 };
            let mut sims: Vec<f32> = (0..candidates.len())
                .filter(|&j| j != i && candidates[j].rule_id == candidates[i].rule_id)
                .filter_map(|j| vectors[j].map(|w| dot(v, w)))
                .collect();
            if sims.is_empty() {
                return 1.0;
            }
            sims.sort_by(|a, b| b.total_cmp(a));
            sims.truncate(NEIGHBOURS);
            (sims.iter().sum::<f32>() / sims.len() as f32).max(0.0)
        })
        .collect();
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    let value =
        |i: usize| (1.0 - 2.0 * (candidates[i].score - threshold).abs()).max(0.0) * density[i];
    order.sort_by(|&a, &b| {
        value(b)
            .total_cmp(&value(a))
            .then(candidates[b].severity.cmp(&candidates[a].severity))
            .then_with(|| candidates[a].path.cmp(&candidates[b].path))
    });
    let mut slots: Vec<Option<Flag>> = candidates.into_iter().map(Some).collect();
    order.into_iter().take(limit).filter_map(|i| slots[i].take()).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::review::{TextHash, Timestamp, Verdict};
    use crate::risk::pack::Severity;
    use crate::risk::types::FlaggedClause;

    fn flag(path: &str, score: f32) -> Flag {
        Flag {
            rule_id: "r".into(),
            rule_version: "1".into(),
            title: String::new(),
            severity: Severity::Medium,
            doc_id: path.into(),
            path: path.into(),
            source: path.into(),
            clause: Some(FlaggedClause {
                id: path.into(),
                number: None,
                heading: None,
                span: 0..1,
                text_hash: TextHash::of(path),
                excerpt: String::new(),
                excuse: Vec::new(),
            }),
            score,
            base_score: score,
            flagged: score >= 0.5,
            present: Vec::new(),
            missing: Vec::new(),
            kinds: Vec::new(),
            facts: Vec::new(),
            nearest_exemplar: None,
            review: None,
            superseded: None,
        }
    }

    #[test]
    fn review_order_prefers_uncertain_then_representative_candidates() {
        let flags =
            vec![flag("sure", 0.99), flag("alone", 0.52), flag("dense", 0.52), flag("twin", 0.7)];
        let v = |x: f32, y: f32| {
            let n = (x * x + y * y).sqrt();
            vec![x / n, y / n]
        };
        let vectors: HashMap<String, Vec<f32>> = [
            ("sure", v(1.0, 0.0)),
            ("alone", v(0.0, 1.0)),
            ("dense", v(1.0, 0.1)),
            ("twin", v(1.0, 0.05)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let order: Vec<String> =
            review_order_by(flags.clone(), 0.5, 10, |f| vectors.get(&f.path).map(Vec::as_slice))
                .into_iter()
                .map(|f| f.path)
                .collect();
        assert_eq!(order, ["dense", "twin", "alone", "sure"]);
        // Without vectors: uncertainty alone; decided candidates are left out.
        let mut decided = flags;
        decided[1].review = Some(ReviewNote::Decided {
            verdict: Verdict::Dismiss,
            reviewer: "r".into(),
            time: Timestamp::from_unix_millis(0).unwrap(),
            seq: 1,
        });
        let order: Vec<String> =
            review_order(decided, 0.5, 2).into_iter().map(|f| f.path).collect();
        assert_eq!(order, ["dense", "twin"]);
    }
}
