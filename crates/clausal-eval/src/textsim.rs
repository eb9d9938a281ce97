//! Word-level agreement between an extracted text and a reference text.
//!
//! The same metric as `../shared/bench/textsim.py`: both texts are lower-cased, soft hyphens
//! removed, and cut into ASCII alphanumeric words. Then
//! - bag-of-words F1 compares the word multisets, ignoring order;
//! - the sequence ratio is `2 M / (len a + len b)`, where `M` is the number of words in the
//!   matching blocks that Python's `difflib.SequenceMatcher(autojunk=False)` finds: the longest
//!   common run of words, then recursively the longest runs left and right of it.

use std::collections::HashMap;

/// The words the metric compares.
pub fn words(text: &str) -> Vec<String> {
    let lower = text.replace('\u{ad}', "").to_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Bag-of-words F1 of `extracted` against `reference`; 0 when either is empty.
pub fn bow_f1(reference: &[String], extracted: &[String]) -> f64 {
    if reference.is_empty() || extracted.is_empty() {
        return 0.0;
    }
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for w in reference {
        *counts.entry(w).or_default() += 1;
    }
    let mut common = 0usize;
    for w in extracted {
        if let Some(c) = counts.get_mut(w.as_str())
            && *c > 0
        {
            *c -= 1;
            common += 1;
        }
    }
    let p = common as f64 / extracted.len() as f64;
    let r = common as f64 / reference.len() as f64;
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

/// The order-aware ratio `2 M / (len a + len b)`; 1 when both are empty.
pub fn seq_ratio(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * matching_words(a, b) as f64 / (a.len() + b.len()) as f64
}

/// Total size of difflib's matching blocks between `a` and `b` (no junk heuristics).
fn matching_words(a: &[String], b: &[String]) -> usize {
    // Interned word ids make comparisons cheap.
    fn intern<'w>(ids: &mut HashMap<&'w str, u32>, words: &'w [String]) -> Vec<u32> {
        words
            .iter()
            .map(|w| {
                let n = ids.len() as u32;
                *ids.entry(w.as_str()).or_insert(n)
            })
            .collect()
    }
    let mut ids = HashMap::new();
    let a = intern(&mut ids, a);
    let b = intern(&mut ids, b);
    let mut b2j: HashMap<u32, Vec<usize>> = HashMap::new();
    for (j, &w) in b.iter().enumerate() {
        b2j.entry(w).or_default().push(j);
    }
    let mut finder = LongestMatch { j2len: vec![0; b.len() + 1], new: vec![0; b.len() + 1] };
    let mut total = 0;
    let mut queue = vec![(0, a.len(), 0, b.len())];
    while let Some((alo, ahi, blo, bhi)) = queue.pop() {
        let (i, j, k) = finder.find(&a, &b2j, alo, ahi, blo, bhi);
        if k > 0 {
            total += k;
            if alo < i && blo < j {
                queue.push((alo, i, blo, j));
            }
            if i + k < ahi && j + k < bhi {
                queue.push((i + k, ahi, j + k, bhi));
            }
        }
    }
    total
}

struct LongestMatch {
    /// `j2len[j + 1]`: length of the match ending at `a[i - 1]`, `b[j]`.
    j2len: Vec<usize>,
    new: Vec<usize>,
}

impl LongestMatch {
    /// difflib's `find_longest_match`: the longest `a[i..i+k] == b[j..j+k]` in the ranges,
    /// the earliest in `a`, then in `b`, among equals.
    fn find(
        &mut self,
        a: &[u32],
        b2j: &HashMap<u32, Vec<usize>>,
        alo: usize,
        ahi: usize,
        blo: usize,
        bhi: usize,
    ) -> (usize, usize, usize) {
        let (mut besti, mut bestj, mut bestk) = (alo, blo, 0);
        let mut touched: Vec<usize> = Vec::new();
        let mut new_touched: Vec<usize> = Vec::new();
        for (i, w) in a.iter().enumerate().take(ahi).skip(alo) {
            new_touched.clear();
            if let Some(js) = b2j.get(w) {
                let start = js.partition_point(|&j| j < blo);
                for &j in &js[start..] {
                    if j >= bhi {
                        break;
                    }
                    let k = self.j2len[j] + 1;
                    self.new[j + 1] = k;
                    new_touched.push(j + 1);
                    if k > bestk {
                        (besti, bestj, bestk) = (i + 1 - k, j + 1 - k, k);
                    }
                }
            }
            for &t in &touched {
                self.j2len[t] = 0;
            }
            for &t in &new_touched {
                self.j2len[t] = self.new[t];
                self.new[t] = 0;
            }
            std::mem::swap(&mut touched, &mut new_touched);
        }
        for &t in &touched {
            self.j2len[t] = 0;
        }
        (besti, bestj, bestk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn words_are_lowercase_ascii_alphanumeric_runs() {
        assert_eq!(
            w("Force Ma\u{ad}jeure, §14.2(b): café"),
            ["force", "majeure", "14", "2", "b", "caf"]
        );
    }

    #[test]
    fn f1_and_ratio_match_difflib() {
        // Values computed with textsim.py's functions.
        let a = w("the quick brown fox jumps over the lazy dog");
        let b = w("the quick fox jumps over a lazy dog the");
        assert!((bow_f1(&a, &b) - 0.888_888_9).abs() < 1e-6, "{}", bow_f1(&a, &b));
        assert!((seq_ratio(&a, &b) - 0.777_777_8).abs() < 1e-6, "{}", seq_ratio(&a, &b));
        assert_eq!(seq_ratio(&a, &a), 1.0);
        assert_eq!(seq_ratio(&[], &[]), 1.0);
        assert_eq!(bow_f1(&a, &[]), 0.0);
        let c = w("a b c d e f");
        let d = w("d e f a b c");
        assert!((seq_ratio(&c, &d) - 0.5).abs() < 1e-12);
    }
}
