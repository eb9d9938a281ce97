//! Sparse lexical features of a clause, hashed into a fixed number of buckets.
//!
//! Five namespaces, each L2-normalised on its own so that a long text does not drown its
//! heading: the clause text (word unigrams and bigrams, sublinear term frequency), its first four
//! words after the number label (where PDFs run a heading into the text), the clause's own
//! heading (unigrams and bigrams), the nearest enclosing heading (unigrams), and the first 40
//! words of the enclosing clause's own text (its lead-in, unigrams and bigrams). Words are
//! lower-cased runs of letters with plural endings removed; digit runs become `#`, so "30 days"
//! and "60 days" share a feature. Hashing is FNV-1a over the namespace and the words: stable
//! across platforms and releases, which the trained model file relies on.

use std::collections::HashMap;

/// Number of hash buckets (a power of two).
pub const BUCKETS: u32 = 1 << 18;

/// Words of the clause text that count; the rest of a giant clause adds nothing.
const MAX_TEXT_WORDS: usize = 600;

const CONTEXT_WEIGHT: f32 = 0.25;
const CONTEXT_WORDS: usize = 40;

/// Which part of the clause a feature comes from, and its weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Namespace {
    Text,
    Lead,
    Heading,
    Parent,
    Context,
}

impl Namespace {
    fn tag(self) -> u8 {
        match self {
            Namespace::Text => b't',
            Namespace::Lead => b'l',
            Namespace::Heading => b'h',
            Namespace::Parent => b'p',
            Namespace::Context => b'c',
        }
    }

    /// Heading-like namespaces weigh less than the text: on CUAD (`eval cuad --cv 5`) halving
    /// them raised document macro-F1 from 0.683 to 0.698 and clause macro-F1 from 0.541 to
    /// 0.549; doubling the lead and parent weights instead lowered both by 0.04.
    fn weight(self) -> f32 {
        match self {
            Namespace::Text => 1.0,
            Namespace::Lead => 0.25,
            Namespace::Heading => 0.5,
            Namespace::Parent => 0.25,
            Namespace::Context => CONTEXT_WEIGHT,
        }
    }
}

/// What the classifier sees of a clause.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClauseView<'a> {
    /// The clause text.
    pub text: &'a str,
    /// Its own heading.
    pub heading: Option<&'a str>,
    /// The nearest enclosing clause's heading.
    pub parent_heading: Option<&'a str>,
    /// The start of the enclosing clause's own text (its lead-in: "Upon expiry, either party
    /// may:" above "(a) ...").
    pub parent_text: Option<&'a str>,
    /// The clause defines a term (`"Affiliate" means ...`).
    pub definition: bool,
}

/// A sparse feature vector: (bucket, value), buckets unique and sorted.
pub(crate) type Features = Vec<(u32, f32)>;

/// Computes the features of a clause.
pub(crate) fn features(view: &ClauseView<'_>) -> Features {
    let mut out: HashMap<u32, f32> = HashMap::new();
    add_namespace(&mut out, Namespace::Text, view.text, true, MAX_TEXT_WORDS);
    add_namespace(&mut out, Namespace::Lead, super::kinds::strip_label(view.text), true, 4);
    if let Some(h) = view.heading {
        add_namespace(&mut out, Namespace::Heading, h, true, 32);
    }
    if let Some(p) = view.parent_heading {
        add_namespace(&mut out, Namespace::Parent, p, false, 32);
    }
    if let Some(c) = view.parent_text {
        add_namespace(&mut out, Namespace::Context, c, true, CONTEXT_WORDS);
    }
    let mut v: Features = out.into_iter().collect();
    v.sort_unstable_by_key(|&(b, _)| b);
    v
}

fn add_namespace(
    out: &mut HashMap<u32, f32>,
    ns: Namespace,
    text: &str,
    bigrams: bool,
    max_words: usize,
) {
    let words = words(text, max_words);
    if words.is_empty() {
        return;
    }
    let mut counts: HashMap<u32, f32> = HashMap::new();
    for (i, w) in words.iter().enumerate() {
        *counts.entry(bucket(ns, &[w])).or_default() += 1.0;
        if bigrams && let Some(next) = words.get(i + 1) {
            *counts.entry(bucket(ns, &[w, next])).or_default() += 1.0;
        }
    }
    // Summed in bucket order: a hash map's iteration order changes from process to process,
    // and a float sum taken in another order differs in its last bits, so the same clause
    // would score differently in two runs.
    let mut counts: Vec<(u32, f32)> = counts.into_iter().collect();
    counts.sort_unstable_by_key(|&(b, _)| b);
    let mut norm = 0.0f32;
    for (_, v) in &mut counts {
        *v = 1.0 + v.ln();
        norm += *v * *v;
    }
    let scale = ns.weight() / norm.sqrt().max(f32::MIN_POSITIVE);
    for (b, v) in counts {
        *out.entry(b).or_default() += v * scale;
    }
}

/// Lower-cased words, digit runs as `#`, at most `max`.
fn words(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        if !cur.is_empty() {
            out.push(std::mem::take(cur));
        }
    };
    for c in text.chars() {
        if out.len() >= max {
            break;
        }
        if c.is_alphabetic() {
            if cur == "#" {
                flush(&mut cur, &mut out);
            }
            cur.extend(c.to_lowercase());
        } else if c.is_ascii_digit() {
            if cur != "#" {
                flush(&mut cur, &mut out);
                cur.push('#');
            }
        } else if c == '\'' || c == '\u{2019}' {
            // "party's" -> "party", "s" is dropped below.
            flush(&mut cur, &mut out);
        } else {
            flush(&mut cur, &mut out);
        }
    }
    flush(&mut cur, &mut out);
    out.retain(|w| w.len() > 1 || w == "#");
    out.truncate(max);
    out.iter_mut().for_each(stem);
    out
}

/// Harman's S-stemmer: plural endings off, so that "provision" and "provisions" share a feature.
fn stem(w: &mut String) {
    let n = w.len();
    if n > 4 && w.ends_with("ies") && !w.ends_with("eies") && !w.ends_with("aies") {
        w.truncate(n - 3);
        w.push('y');
    } else if n > 3 && w.ends_with('s') && !w.ends_with("us") && !w.ends_with("ss") {
        // Harman's "es" to "e" (but not "aes", "ees", "oes", which then fall to this rule) and
        // "s" to nothing come to the same: drop the "s".
        w.truncate(n - 1);
    }
}

/// 64-bit FNV-1a: stable across platforms and releases.
pub(crate) fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes
        .into_iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

fn bucket(ns: Namespace, words: &[&String]) -> u32 {
    let bytes = std::iter::once(ns.tag())
        .chain(words.iter().flat_map(|w| std::iter::once(0x1f).chain(w.bytes())));
    let h = fnv1a(bytes);
    (h % u64::from(BUCKETS)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_normalised() {
        let w = words("The Party's 30-day NOTICE, (a) é", 100);
        assert_eq!(w, vec!["the", "party", "#", "day", "notice", "é"]);
        assert_eq!(words("x y z", 2).len(), 0);
        assert_eq!(words("alpha beta gamma", 2), vec!["alpha", "beta"]);
    }

    #[test]
    fn plurals_share_a_stem() {
        let stems = words("provisions parties licenses agrees business status goes sales", 100);
        let expected =
            ["provision", "party", "license", "agree", "business", "status", "goe", "sale"];
        assert_eq!(stems, expected);
        assert_eq!(words("Provision", 1), words("provisions", 1));
    }

    #[test]
    fn hashing_is_stable() {
        // The shipped model depends on these values never changing.
        let a = String::from("force");
        let b = String::from("majeure");
        assert_eq!(bucket(Namespace::Text, &[&a, &b]), bucket(Namespace::Text, &[&a, &b]));
        assert_ne!(bucket(Namespace::Text, &[&a]), bucket(Namespace::Heading, &[&a]));
        assert_eq!(bucket(Namespace::Text, &[&a]), 237_799);
    }

    #[test]
    fn namespaces_are_unit_norm() {
        // Text 1, lead 0.25 (squared: 0.0625).
        let f = features(&ClauseView { text: "a notice a notice", ..ClauseView::default() });
        let norm: f32 = f.iter().map(|(_, v)| v * v).sum();
        assert!((norm - 1.0625).abs() < 1e-5, "{norm}");
        let f = features(&ClauseView {
            text: "notice period",
            heading: Some("Notices"),
            parent_heading: Some("General"),
            parent_text: Some("Either party may give notice:"),
            definition: false,
        });
        let norm: f32 = f.iter().map(|(_, v)| v * v).sum();
        // Text 1, lead 0.0625, heading 0.25, parent 0.0625, context 0.0625.
        assert!((norm - 1.4375).abs() < 1e-4, "{norm}");
        assert!(f.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
