//! Turning tokenized texts into padding-free model inputs.
//!
//! A transformer's cost grows with the padded length of a batch, so clausal never pads: every
//! batch holds sequences of one token length only. Within a length, sequences are cut into
//! batches that stay under a token budget. A sequence's vector then depends only on its own
//! tokens, never on what else happened to be in the batch, which is what makes the embedder
//! deterministic under any batch composition.

/// One model input: the token ids and type ids of a window of one text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sequence {
    /// Index of the text this window belongs to.
    pub(crate) text: usize,
    pub(crate) ids: Vec<u32>,
    pub(crate) type_ids: Vec<u32>,
}

/// Cuts one tokenized text (with its special tokens) into model-sized windows.
///
/// `special` marks special tokens; those at the start and the end (e.g. `[CLS]` and `[SEP]`)
/// are repeated around every window. A text that fits in `max_len` gives one window equal to its
/// encoding. Otherwise the first window is exactly what a tokenizer truncating to `max_len`
/// would produce; later windows (at most `max_windows` in all) advance by `max_len - overlap`
/// body tokens.
pub(crate) fn windows(
    text: usize,
    ids: &[u32],
    type_ids: &[u32],
    special: &[u32],
    max_len: usize,
    max_windows: usize,
    overlap: usize,
) -> Vec<Sequence> {
    debug_assert_eq!(ids.len(), type_ids.len());
    debug_assert_eq!(ids.len(), special.len());
    if ids.len() <= max_len {
        return vec![Sequence { text, ids: ids.to_vec(), type_ids: type_ids.to_vec() }];
    }
    // Special tokens around the text are kept in every window, but never more than a quarter of
    // the window each: a hostile text can spell out special tokens itself.
    let cap = max_len / 4;
    let prefix = special.iter().take_while(|&&s| s != 0).count().min(cap);
    let suffix = special[prefix..].iter().rev().take_while(|&&s| s != 0).count().min(cap);
    let body = prefix..ids.len() - suffix;
    let width = max_len.saturating_sub(prefix + suffix).max(1);
    let step = width.saturating_sub(overlap).max(1);
    let mut out = Vec::new();
    let mut start = body.start;
    while out.len() < max_windows.max(1) {
        let end = (start + width).min(body.end);
        let pick = |v: &[u32]| -> Vec<u32> {
            let mut w = Vec::with_capacity(prefix + (end - start) + suffix);
            w.extend_from_slice(&v[..prefix]);
            w.extend_from_slice(&v[start..end]);
            w.extend_from_slice(&v[body.end..]);
            w
        };
        out.push(Sequence { text, ids: pick(ids), type_ids: pick(type_ids) });
        if end >= body.end {
            break;
        }
        start += step;
    }
    out
}

/// Groups sequences into batches of equal length, each within `max_tokens` tokens (but at least
/// one sequence) and `max_batch` sequences.
///
/// Returns indices into `lengths`. The order is deterministic: by length, then by index.
pub(crate) fn plan(lengths: &[usize], max_tokens: usize, max_batch: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| (lengths[i], i));
    let mut batches: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let len = lengths[i].max(1);
        let cap = (max_tokens / len).clamp(1, max_batch.max(1));
        match batches.last_mut() {
            Some(b) if lengths[b[0]] == lengths[i] && b.len() < cap => b.push(i),
            _ => batches.push(vec![i]),
        }
    }
    batches
}

/// Packs sequences of any lengths into batches of at most `max_tokens` tokens in all (but at
/// least one sequence) and `max_batch` sequences, for an encoder that runs attention per
/// sequence and so needs no padding. Empty sequences are left out.
///
/// Returns indices into `lengths`, by length then by index, so that consecutive batches hold
/// similar lengths. The order is deterministic.
pub(crate) fn pack(lengths: &[usize], max_tokens: usize, max_batch: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).filter(|&i| lengths[i] > 0).collect();
    order.sort_by_key(|&i| (lengths[i], i));
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut tokens = 0;
    for i in order {
        match batches.last_mut() {
            Some(b) if b.len() < max_batch.max(1) && tokens + lengths[i] <= max_tokens => {
                b.push(i);
                tokens += lengths[i];
            }
            _ => {
                batches.push(vec![i]);
                tokens = lengths[i];
            }
        }
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn encoding(n_body: usize) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
        let mut ids = vec![101];
        ids.extend((0..n_body as u32).map(|i| 1000 + i));
        ids.push(102);
        let type_ids = vec![0; ids.len()];
        let mut special = vec![0; ids.len()];
        special[0] = 1;
        *special.last_mut().unwrap() = 1;
        (ids, type_ids, special)
    }

    #[test]
    fn short_text_is_one_window() {
        let (ids, t, s) = encoding(5);
        let w = windows(3, &ids, &t, &s, 256, 8, 32);
        assert_eq!(w, vec![Sequence { text: 3, ids: ids.clone(), type_ids: t }]);
    }

    #[test]
    fn first_window_matches_truncation() {
        let (ids, t, s) = encoding(1000);
        let w = windows(0, &ids, &t, &s, 256, 1, 32);
        assert_eq!(w.len(), 1);
        let mut expected = ids[..255].to_vec();
        expected.push(102);
        assert_eq!(w[0].ids, expected);
    }

    #[test]
    fn windows_cover_the_body_with_overlap() {
        let (ids, t, s) = encoding(600);
        let w = windows(0, &ids, &t, &s, 256, 100, 32);
        // width 254, step 222: starts at 1, 223, 445 (445 + 254 >= 601).
        assert_eq!(w.len(), 3);
        for seq in &w {
            assert_eq!(seq.ids[0], 101);
            assert_eq!(*seq.ids.last().unwrap(), 102);
            assert!(seq.ids.len() <= 256);
        }
        assert_eq!(w[1].ids[1], ids[223]);
        assert_eq!(w[2].ids[w[2].ids.len() - 2], ids[600]);
    }

    proptest! {
        #[test]
        fn plan_is_a_partition_into_equal_length_batches(
            lengths in proptest::collection::vec(0usize..300, 0..200),
            max_tokens in 1usize..5000,
            max_batch in 1usize..64,
        ) {
            let batches = plan(&lengths, max_tokens, max_batch);
            let mut seen: Vec<usize> = batches.iter().flatten().copied().collect();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..lengths.len()).collect::<Vec<_>>());
            for b in &batches {
                prop_assert!(!b.is_empty() && b.len() <= max_batch);
                prop_assert!(b.iter().all(|&i| lengths[i] == lengths[b[0]]));
                prop_assert!(b.len() == 1 || b.len() * lengths[b[0]] <= max_tokens);
            }
        }

        #[test]
        fn pack_is_a_partition_within_budget(
            lengths in proptest::collection::vec(0usize..300, 0..200),
            max_tokens in 1usize..5000,
            max_batch in 1usize..64,
        ) {
            let batches = pack(&lengths, max_tokens, max_batch);
            let mut seen: Vec<usize> = batches.iter().flatten().copied().collect();
            seen.sort_unstable();
            let nonempty: Vec<usize> = (0..lengths.len()).filter(|&i| lengths[i] > 0).collect();
            prop_assert_eq!(seen, nonempty);
            for b in &batches {
                let tokens: usize = b.iter().map(|&i| lengths[i]).sum();
                prop_assert!(!b.is_empty() && b.len() <= max_batch);
                prop_assert!(b.len() == 1 || tokens <= max_tokens);
            }
        }

        #[test]
        fn windows_are_bounded_and_in_order(
            n_body in 0usize..2000, max_len in 4usize..300, max_windows in 1usize..20,
            overlap in 0usize..64,
        ) {
            let (ids, t, s) = encoding(n_body);
            let w = windows(0, &ids, &t, &s, max_len, max_windows, overlap);
            prop_assert!(!w.is_empty() && w.len() <= max_windows);
            for seq in &w {
                prop_assert!(seq.ids.len() <= max_len);
                prop_assert_eq!(seq.ids.len(), seq.type_ids.len());
                prop_assert_eq!(seq.ids[0], 101);
                prop_assert_eq!(*seq.ids.last().unwrap(), 102);
            }
            if w.len() < max_windows {
                // Every body token is in some window.
                let last = &w[w.len() - 1];
                prop_assert_eq!(last.ids[last.ids.len() - 2], ids[ids.len() - 2]);
            }
        }
    }
}
