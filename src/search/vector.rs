//! Exact vector search: a parallel scan of the mapped vector files, visiting only the rows of
//! clauses that pass the filter, in file order.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use rayon::prelude::*;
use tantivy::query::Query;

use crate::error::{Error, Result};
use crate::index::{Index, VectorKey, collect_keys};

/// Rows scanned by one task.
const CHUNK_ROWS: usize = 4096;

/// The dot product of two vectors (the cosine, for unit vectors). Written so that the compiler
/// vectorises it with whatever SIMD the target has: sixteen independent accumulators.
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0f32; 16];
    let ca = a.chunks_exact(16);
    let cb = b.chunks_exact(16);
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..16 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// The vector rows of a set of clauses, grouped by generation, sorted, without duplicates.
pub(crate) struct RowSet {
    by_generation: Vec<(u32, Vec<u32>)>,
}

impl RowSet {
    /// The rows of the clauses matching `query`.
    pub(crate) fn collect(
        searcher: &tantivy::Searcher,
        query: &dyn Query,
    ) -> tantivy::Result<RowSet> {
        let keys = collect_keys(searcher, query)?;
        let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
        for k in keys {
            groups.entry(k.generation()).or_default().push(k.row());
        }
        let mut by_generation: Vec<(u32, Vec<u32>)> = groups
            .into_iter()
            .map(|(g, mut rows)| {
                rows.sort_unstable();
                rows.dedup();
                (g, rows)
            })
            .collect();
        by_generation.sort_unstable_by_key(|(g, _)| *g);
        Ok(RowSet { by_generation })
    }

    /// The `k` rows most similar to `q`, best first.
    pub(crate) fn top_k(
        &self,
        index: &Index,
        q: &[f32],
        k: usize,
    ) -> Result<Vec<(VectorKey, f32)>> {
        let mut tasks = Vec::new();
        for (generation, rows) in &self.by_generation {
            let file = index.vector_file(*generation)?;
            for chunk in rows.chunks(CHUNK_ROWS) {
                tasks.push((*generation, std::sync::Arc::clone(&file), chunk));
            }
        }
        // Stored vectors have unit length, so a score is at most the query's length: anything
        // else (a flipped exponent bit gives 7e34, a damaged row NaN) is corruption, reported
        // instead of ranked first.
        let bound = q.iter().map(|x| x * x).sum::<f32>().sqrt() * 1.001 + 1e-3;
        let tops: Vec<Vec<Scored>> = tasks
            .par_iter()
            .map(|(generation, file, rows)| {
                let mut top = TopK::new(k);
                for &row in *rows {
                    if let Some(v) = file.row(row) {
                        let score = dot(q, v);
                        if !score.is_finite() || score.abs() > bound {
                            return Err(Error::index_corrupt(
                                index.dir(),
                                format!(
                                    "row {row} of vector file {generation} gives the impossible \
                                     score {score} (a vector of unit length cannot): the vector \
                                     file is damaged; `clausal verify` names it; re-ingest into a \
                                     new index or restore a backup"
                                ),
                            ));
                        }
                        top.push(Scored { score, key: VectorKey::new(*generation, row) });
                    }
                }
                Ok(top.into_items())
            })
            .collect::<Result<_>>()?;
        let mut top = TopK::new(k);
        for s in tops.into_iter().flatten() {
            top.push(s);
        }
        let mut out: Vec<Scored> = top.into_items();
        out.sort_by(|a, b| b.cmp(a));
        Ok(out.into_iter().map(|s| (s.key, s.score)).collect())
    }
}

#[derive(Clone, Copy, Debug)]
struct Scored {
    score: f32,
    key: VectorKey,
}

impl PartialEq for Scored {
    fn eq(&self, other: &Scored) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Scored {}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Scored) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scored {
    /// Higher score is greater; on ties the earlier row is greater (deterministic results).
    fn cmp(&self, other: &Scored) -> Ordering {
        self.score.total_cmp(&other.score).then_with(|| other.key.cmp(&self.key))
    }
}

/// The best `k` items seen: a min-heap of the current best.
struct TopK {
    k: usize,
    heap: BinaryHeap<std::cmp::Reverse<Scored>>,
}

impl TopK {
    fn new(k: usize) -> TopK {
        TopK { k, heap: BinaryHeap::with_capacity(k + 1) }
    }

    fn push(&mut self, s: Scored) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(std::cmp::Reverse(s));
        } else if self.heap.peek().is_some_and(|min| s > min.0) {
            self.heap.pop();
            self.heap.push(std::cmp::Reverse(s));
        }
    }

    fn into_items(self) -> Vec<Scored> {
        self.heap.into_iter().map(|r| r.0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_the_plain_sum() {
        let a: Vec<f32> = (0..385).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..385).map(|i| (i as f32 * 0.11).cos()).collect();
        let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - plain).abs() < 1e-4);
    }

    #[test]
    fn top_k_keeps_the_best_in_order() {
        let mut t = TopK::new(3);
        for (i, s) in [0.1, 0.9, 0.5, 0.7, 0.2].iter().enumerate() {
            t.push(Scored { score: *s, key: VectorKey::new(1, i as u32) });
        }
        let mut v = t.into_items();
        v.sort_by(|a, b| b.cmp(a));
        let scores: Vec<f32> = v.iter().map(|s| s.score).collect();
        assert_eq!(scores, vec![0.9, 0.7, 0.5]);
    }
}
