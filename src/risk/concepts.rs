//! Finding a concept in text: its terms by pattern, its exemplars by sentence embeddings of
//! the text's phrases.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use regex::Regex;

use super::pack::Concept;
use crate::embed::Embedder;
use crate::error::Error;

/// The longest phrase, in words, embedded whole; longer ones are cut into overlapping windows.
const MAX_PHRASE_WORDS: usize = 12;
/// Window length and step for long phrases.
const WINDOW: usize = 8;
const STEP: usize = 4;
/// What a phrase at least as close to a contrast exemplar as to the concept loses on top of
/// the difference.
const CONTRAST_PENALTY: f32 = 0.05;
/// Phrases cached per engine before the cache is cleared.
const CACHE_LIMIT: usize = 200_000;

/// A concept ready to match.
#[derive(Debug)]
pub(crate) struct CompiledConcept {
    terms: Option<Regex>,
    pub(crate) exemplars: Vec<String>,
    exemplar_vectors: Vec<Vec<f32>>,
    contrast_vectors: Vec<Vec<f32>>,
    pub(crate) threshold: f32,
}

impl CompiledConcept {
    pub(crate) fn new(
        concept: &Concept,
        default_threshold: f32,
        embedder: &dyn Embedder,
    ) -> crate::error::Result<CompiledConcept> {
        let terms = if concept.terms.is_empty() {
            None
        } else {
            let alternatives: Vec<String> = concept.terms.iter().map(|t| term_pattern(t)).collect();
            let pattern = format!(r"(?i)\b(?:{})", alternatives.join("|"));
            Some(Regex::new(&pattern).map_err(|e| {
                Error::invalid_argument(format!("concept {:?}: bad term: {e}", concept.id))
            })?)
        };
        let embed = |texts: &[String]| -> crate::error::Result<Vec<Vec<f32>>> {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            if refs.is_empty() { Ok(Vec::new()) } else { embedder.embed(&refs) }
        };
        let exemplar_vectors = embed(&concept.exemplars)?;
        let contrast_vectors = embed(&concept.contrast)?;
        Ok(CompiledConcept {
            terms,
            exemplars: concept.exemplars.clone(),
            exemplar_vectors,
            contrast_vectors,
            threshold: concept.threshold.unwrap_or(default_threshold),
        })
    }

    /// Every term match in `text`.
    pub(crate) fn terms_in(&self, text: &str) -> Vec<Range<usize>> {
        self.terms
            .as_ref()
            .map_or_else(Vec::new, |re| re.find_iter(text).map(|m| m.range()).collect())
    }

    /// The pattern of its terms, if it has any.
    pub(crate) fn terms_pattern(&self) -> Option<&str> {
        self.terms.as_ref().map(Regex::as_str)
    }

    pub(crate) fn has_exemplars(&self) -> bool {
        !self.exemplar_vectors.is_empty()
    }

    /// The phrase of `vectors` closest to an exemplar: (phrase index, exemplar index,
    /// similarity). A phrase closer to one of the concept's contrast exemplars ("national
    /// emergency" for "public health emergency") than to its nearest exemplar counts as further
    /// away by the difference: it matches only what sets the concept apart.
    pub(crate) fn nearest(&self, vectors: &[Arc<[f32]>]) -> Option<(usize, usize, f32)> {
        let mut best: Option<(usize, usize, f32)> = None;
        for (p, v) in vectors.iter().enumerate() {
            let Some((e, s)) = self
                .exemplar_vectors
                .iter()
                .enumerate()
                .map(|(e, x)| (e, dot(v, x)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
            else {
                continue;
            };
            let contrast = self.contrast_vectors.iter().map(|x| dot(v, x)).fold(f32::MIN, f32::max);
            let effective = if contrast >= s { s - (contrast - s) - CONTRAST_PENALTY } else { s };
            if best.is_none_or(|(_, _, b)| effective > b) {
                best = Some((p, e, effective));
            }
        }
        best
    }
}

/// A term as a regex: whitespace matches any whitespace run, `-` also a space or nothing, a
/// final `*` any word ending; otherwise the term ends at a word boundary.
fn term_pattern(term: &str) -> String {
    let term = term.trim();
    let (stem, open) = match term.strip_suffix('*') {
        Some(s) => (s, true),
        None => (term, false),
    };
    let mut out = String::new();
    for (i, word) in stem.split_whitespace().enumerate() {
        if i > 0 {
            out.push_str(r"\s+");
        }
        let parts: Vec<String> = word.split('-').map(regex::escape).collect();
        out.push_str(&parts.join(r"[-\s]?"));
    }
    out.push_str(if open { r"\w*" } else { r"\b" });
    out
}

/// The phrases of a text: pieces between sentence and list punctuation, long ones cut into
/// windows of words. Byte ranges into `text`.
pub(crate) fn phrases(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let cut = |from: usize, to: usize, out: &mut Vec<Range<usize>>| {
        let words: Vec<Range<usize>> = word_ranges(text, from, to);
        if words.is_empty() {
            return;
        }
        if words.len() <= MAX_PHRASE_WORDS {
            out.push(words[0].start..words[words.len() - 1].end);
            return;
        }
        let mut i = 0;
        loop {
            let j = (i + WINDOW).min(words.len());
            out.push(words[i].start..words[j - 1].end);
            if j == words.len() {
                break;
            }
            i += STEP;
        }
    };
    for (i, &b) in bytes.iter().enumerate() {
        let boundary = matches!(b, b',' | b';' | b':' | b'(' | b')' | b'\n')
            || (b == b'.' && bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()));
        if boundary {
            cut(start, i, &mut out);
            start = i + 1;
        }
    }
    cut(start, bytes.len(), &mut out);
    out
}

fn word_ranges(text: &str, from: usize, to: usize) -> Vec<Range<usize>> {
    let piece = &text[from..to];
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in piece.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push(from + s..from + i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(from + s..to);
    }
    out
}

/// Embeddings of phrases, remembered across documents (boilerplate repeats).
#[derive(Default)]
pub(crate) struct PhraseCache {
    map: Mutex<HashMap<String, Arc<[f32]>>>,
}

impl PhraseCache {
    /// The vector of each phrase, embedding those not seen before in one call.
    pub(crate) fn vectors(
        &self,
        phrases: &[&str],
        embedder: &dyn Embedder,
    ) -> crate::error::Result<Vec<Arc<[f32]>>> {
        let missing: Vec<&str> = {
            let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
            let mut seen = std::collections::HashSet::new();
            phrases.iter().copied().filter(|p| !map.contains_key(*p) && seen.insert(*p)).collect()
        };
        let computed = if missing.is_empty() { Vec::new() } else { embedder.embed(&missing)? };
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() + missing.len() > CACHE_LIMIT {
            map.clear();
        }
        for (p, v) in missing.iter().zip(computed) {
            map.insert((*p).to_owned(), v.into());
        }
        let mut out = Vec::with_capacity(phrases.len());
        for p in phrases {
            match map.get(*p) {
                Some(v) => out.push(Arc::clone(v)),
                None => return Err(Error::bug("phrase vector missing after embedding")),
            }
        }
        Ok(out)
    }
}

/// Dot product (the cosine of unit vectors).
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_patterns_match_forms_and_respect_word_boundaries() {
        let re = Regex::new(&format!(
            r"(?i)\b(?:{})",
            ["epidemic*", "public health", "flu", "non-compete"].map(term_pattern).join("|")
        ))
        .unwrap();
        let found = |t: &str| re.find_iter(t).map(|m| m.as_str().to_owned()).collect::<Vec<_>>();
        assert_eq!(found("Epidemics and PUBLIC\nHEALTH orders"), ["Epidemics", "PUBLIC\nHEALTH"]);
        assert_eq!(
            found("influence, flu, fluid, noncompete, non compete"),
            ["flu", "noncompete", "non compete"]
        );
    }

    #[test]
    fn phrases_split_lists_and_window_long_runs() {
        let text =
            "acts of God, fire, flood, outbreak of contagious disease; or (b) any other cause.";
        let got: Vec<&str> = phrases(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            got,
            [
                "acts of God",
                "fire",
                "flood",
                "outbreak of contagious disease",
                "or",
                "b",
                "any other cause"
            ]
        );
        let long = (0..20).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        let windows = phrases(&long);
        assert_eq!(windows.len(), 4);
        assert_eq!(&long[windows[0].clone()], "w0 w1 w2 w3 w4 w5 w6 w7");
        assert!(long[windows[3].clone()].ends_with("w19"));
    }
}
