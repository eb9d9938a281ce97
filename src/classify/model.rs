//! The clause classifier: one-vs-rest logistic regression over hashed lexical features.
//!
//! Training is averaged stochastic gradient descent with a decaying step, positive examples of
//! rare kinds up-weighted (up to [`TrainOptions::max_positive_weight`]), and every clause that has a
//! heading seen twice: once whole, once as bare text, so that the model also learns the words
//! of a clause and not only its heading. The trained weights are pruned (weights below 0.1 are
//! dropped) and quantised to `i8` with one scale per kind; the model is held sparse.
//!
//! File format (little-endian): the magic `CLAUSAL-KINDS\0\0\0`, a `u32` header length and
//! a JSON header ([`ModelHeader`]), then a `u32` row count and per row a `u32` bucket, a `u8`
//! entry count and per entry a `u8` kind column and an `i8` weight. Loading checks every
//! length; a damaged file is an error, never a panic.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::features::{BUCKETS, Features};
use super::kinds::ClauseKind;
use crate::error::Error;

const MAGIC: &[u8; 16] = b"CLAUSAL-KINDS\0\0\0";
const FORMAT: u32 = 1;

/// Weights smaller than this are dropped from the model.
const PRUNE: f32 = 0.1;

/// Hyper-parameters of [`train`](super::train).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TrainOptions {
    /// Passes over the examples.
    pub epochs: usize,
    /// Initial step size (decays as 1/sqrt(1 + epoch)).
    pub learning_rate: f32,
    /// Upper bound of the weight of a positive example, `sqrt(negatives / positives)`.
    pub max_positive_weight: f32,
    /// Probability above which a kind is assigned, when thresholds are not calibrated.
    pub threshold: f32,
    /// Calibrate one threshold per kind by cross-validation on the training data, in this many
    /// folds of documents (0: use `threshold` for every kind).
    pub calibration_folds: usize,
    /// Seed of the example shuffle.
    pub seed: u64,
    /// Keep the average of the weights over all steps (averaged SGD) instead of the last ones.
    pub average: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 32,
            learning_rate: 0.5,
            max_positive_weight: 20.0,
            threshold: 0.5,
            calibration_folds: 3,
            seed: 0x5eed,
            average: true,
        }
    }
}

/// One training example: features and the kinds it carries (`Other` is never a label).
#[derive(Clone, Debug)]
pub(crate) struct Example {
    pub features: Features,
    pub kinds: Vec<ClauseKind>,
}

/// What a model file says about itself.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ModelHeader {
    /// File format version.
    pub format: u32,
    /// Feature buckets the model was trained with.
    pub buckets: u32,
    /// Kind ids, one per weight column.
    pub kinds: Vec<String>,
    /// Bias per kind.
    pub bias: Vec<f32>,
    /// Dequantisation scale per kind.
    pub scales: Vec<f32>,
    /// Assignment threshold per kind (probability).
    pub thresholds: Vec<f32>,
    /// Per kind: a document contains the kind when its clause scores, combined by
    /// `document_score`, reach this.
    #[serde(default)]
    pub document_thresholds: Vec<f32>,
    /// How a document's clause scores combine into its score for a kind.
    #[serde(default)]
    pub document_score: DocumentScore,
    /// Positive training examples per kind.
    pub positives: Vec<u32>,
    /// Training examples.
    pub examples: u32,
    /// Document ids (hex) of the training documents, so evaluations can tell seen from unseen.
    pub trained_on: Vec<String>,
    /// Free text: where the training data came from.
    pub source: String,
}

/// How the scores of a document's clauses for a kind combine into the document's score.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DocumentScore {
    /// The best clause score (models written before `noisy_or`).
    #[default]
    Max,
    /// `1 - Π(1 - p)` over the clauses: the chance that at least one clause has the kind, were
    /// the clauses independent. Several middling clauses add up, where `Max` sees only one.
    NoisyOr,
}

impl DocumentScore {
    /// The document score of a kind from its clause scores.
    pub fn combine(self, scores: impl IntoIterator<Item = f32>) -> f32 {
        match self {
            DocumentScore::Max => scores.into_iter().fold(0.0, f32::max),
            DocumentScore::NoisyOr => {
                let none: f64 =
                    scores.into_iter().map(|p| f64::from(1.0 - p.clamp(0.0, 1.0))).product();
                (1.0 - none) as f32
            }
        }
    }
}

/// A trained classifier: one-vs-rest logistic regression over hashed lexical features.
///
/// Training is averaged stochastic gradient descent with a decaying step, positive examples of
/// rare kinds up-weighted (up to [`TrainOptions::max_positive_weight`]), and every clause that
/// has a heading seen twice: once whole, once as bare text, so that the model also learns the
/// words of a clause and not only its heading. The trained weights are pruned (weights below 0.1
/// are dropped) and quantised to `i8` with one scale per kind; the model is held sparse.
///
/// File format (little-endian): the magic `CLAUSAL-KINDS\0\0\0`, a `u32` header length and a
/// JSON header ([`ModelHeader`]), then a `u32` row count and per row a `u32` bucket, a `u8`
/// entry count and per entry a `u8` kind column and an `i8` weight. Loading checks every
/// length; a damaged file is an error, never a panic.
#[derive(Clone, Debug)]
pub struct Model {
    header: ModelHeader,
    kinds: Vec<ClauseKind>,
    /// Bucket -> range of `entries`.
    rows: HashMap<u32, (u32, u32)>,
    /// (kind column, weight), the weights that survived pruning.
    entries: Vec<(u16, f32)>,
}

impl Model {
    /// The header: kinds, thresholds, training provenance.
    pub fn header(&self) -> &ModelHeader {
        &self.header
    }

    /// Kinds the model can assign, in column order.
    pub fn kinds(&self) -> &[ClauseKind] {
        &self.kinds
    }

    /// Probability of each kind (in [`Model::kinds`] order) for a feature vector.
    pub(crate) fn probabilities(&self, features: &Features) -> Vec<f32> {
        let mut z = self.header.bias.clone();
        for &(bucket, value) in features {
            if let Some(&(start, end)) = self.rows.get(&bucket) {
                for &(col, w) in &self.entries[start as usize..end as usize] {
                    z[col as usize] += value * w;
                }
            }
        }
        z.iter().map(|&z| sigmoid(z)).collect()
    }

    /// Records what the model was trained on.
    pub(crate) fn set_provenance(&mut self, trained_on: Vec<String>, source: String) {
        self.header.trained_on = trained_on;
        self.header.source = source;
    }

    /// Replaces the per-kind clause and document thresholds (one per kind, in [`Model::kinds`]
    /// order).
    pub(crate) fn set_thresholds(&mut self, clause: Vec<f32>, document: Vec<f32>) {
        debug_assert_eq!(clause.len(), self.kinds.len());
        self.header.thresholds = clause;
        self.header.document_thresholds = document;
    }

    /// How clause scores combine into a document score.
    pub(crate) fn document_score(&self) -> DocumentScore {
        self.header.document_score
    }

    /// Document threshold of column `i`.
    pub(crate) fn document_threshold(&self, i: usize) -> f32 {
        self.header.document_thresholds.get(i).copied().unwrap_or_else(|| self.threshold(i))
    }

    /// Assignment threshold of column `i`.
    pub(crate) fn threshold(&self, i: usize) -> f32 {
        self.header.thresholds.get(i).copied().unwrap_or(0.5)
    }

    /// Trains a model for `kinds` on `examples`.
    pub(crate) fn train(
        examples: &[Example],
        kinds: &[ClauseKind],
        options: &TrainOptions,
        trained_on: Vec<String>,
        source: String,
    ) -> Model {
        let k = kinds.len();
        let column: HashMap<ClauseKind, usize> =
            kinds.iter().enumerate().map(|(i, &kind)| (kind, i)).collect();
        let mut positives = vec![0u32; k];
        let labels: Vec<Vec<usize>> = examples
            .iter()
            .map(|e| {
                let mut l: Vec<usize> =
                    e.kinds.iter().filter_map(|kd| column.get(kd).copied()).collect();
                l.sort_unstable();
                l.dedup();
                l.iter().for_each(|&c| positives[c] += 1);
                l
            })
            .collect();
        let n = examples.len().max(1) as f32;
        let pos_weight: Vec<f32> = positives
            .iter()
            .map(|&p| {
                let p = p.max(1) as f32;
                ((n - p).max(1.0) / p).sqrt().clamp(1.0, options.max_positive_weight)
            })
            .collect();

        let mut w = vec![0f32; BUCKETS as usize * k];
        let mut bias = vec![0f32; k];
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut rng = options.seed | 1;
        let mut z = vec![0f32; k];
        let mut g = vec![0f32; k];
        // Tail-averaged SGD: from the first step of the second half of the epochs (`tail_start`),
        // `u` sums each step's update times the steps since then, so that the average of the
        // weights over the tail is `w - u / (steps - tail_start)` without touching every weight
        // per step. The first half is left out of the average: its weights are far from the
        // optimum, and with them in, the average needs three times the epochs to settle.
        let mut u = if options.average { vec![0f32; w.len()] } else { Vec::new() };
        let mut u_bias = vec![0f32; k];
        let mut steps = 1f32;
        let mut tail_start = f32::INFINITY;
        for epoch in 0..options.epochs {
            if epoch == options.epochs / 2 {
                tail_start = steps;
            }
            let averaging = options.average && steps >= tail_start;
            shuffle(&mut order, &mut rng);
            let lr = options.learning_rate / (1.0 + epoch as f32).sqrt();
            for &i in &order {
                let (features, labels) = (&examples[i].features, &labels[i]);
                z.copy_from_slice(&bias);
                for &(b, v) in features {
                    let row = &w[b as usize * k..(b as usize + 1) * k];
                    z.iter_mut().zip(row).for_each(|(z, w)| *z += v * w);
                }
                let mut li = labels.iter().peekable();
                for c in 0..k {
                    let y = li.next_if(|&&l| l == c).is_some();
                    let p = sigmoid(z[c]);
                    g[c] = lr * if y { (p - 1.0) * pos_weight[c] } else { p };
                    bias[c] -= g[c];
                }
                for &(b, v) in features {
                    let row = &mut w[b as usize * k..(b as usize + 1) * k];
                    row.iter_mut().zip(&g).for_each(|(w, g)| *w -= g * v);
                }
                if averaging {
                    let t = steps - tail_start;
                    u_bias.iter_mut().zip(&g).for_each(|(u, g)| *u -= t * g);
                    for &(b, v) in features {
                        let row = &mut u[b as usize * k..(b as usize + 1) * k];
                        row.iter_mut().zip(&g).for_each(|(u, g)| *u -= t * g * v);
                    }
                }
                steps += 1.0;
            }
        }
        if options.average && steps > tail_start {
            let n = steps - tail_start;
            w.iter_mut().zip(&u).for_each(|(w, u)| *w -= u / n);
            bias.iter_mut().zip(&u_bias).for_each(|(b, u)| *b -= u / n);
        }

        let examples = examples.len() as u32;
        let mut model =
            Model::from_weights(&w, bias, kinds, options.threshold, examples, positives);
        model.set_provenance(trained_on, source);
        model
    }

    /// Prunes and quantises dense weights (`BUCKETS` rows of one weight per kind).
    fn from_weights(
        w: &[f32],
        bias: Vec<f32>,
        kinds: &[ClauseKind],
        threshold: f32,
        examples: u32,
        positives: Vec<u32>,
    ) -> Model {
        let k = kinds.len();
        // Prune and quantise.
        let mut scales = vec![0f32; k];
        for row in w.chunks_exact(k) {
            for (s, x) in scales.iter_mut().zip(row) {
                *s = s.max(x.abs());
            }
        }
        scales.iter_mut().for_each(|s| *s = (*s / 127.0).max(f32::MIN_POSITIVE));
        let mut rows = HashMap::new();
        let mut entries = Vec::new();
        for (bucket, row) in w.chunks_exact(k).enumerate() {
            let start = entries.len() as u32;
            for (col, (x, s)) in row.iter().zip(&scales).enumerate() {
                let q = quantise(*x, *s);
                if x.abs() >= PRUNE && q != 0 {
                    // What the file will hold: quantised, then dequantised.
                    entries.push((col as u16, f32::from(q) * s));
                }
            }
            if entries.len() as u32 > start {
                rows.insert(bucket as u32, (start, entries.len() as u32));
            }
        }
        let header = ModelHeader {
            format: FORMAT,
            buckets: BUCKETS,
            kinds: kinds.iter().map(|k| k.id().to_owned()).collect(),
            bias,
            scales,
            thresholds: vec![threshold; k],
            document_thresholds: vec![threshold; k],
            document_score: DocumentScore::NoisyOr,
            positives,
            examples,
            trained_on: Vec::new(),
            source: String::new(),
        };
        Model { header, kinds: kinds.to_vec(), rows, entries }
    }

    /// Serialises the model (see the module documentation for the layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = serde_json::to_vec(&self.header).unwrap_or_default();
        let mut out = Vec::with_capacity(header.len() + self.entries.len() * 3 + 32);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&(self.rows.len() as u32).to_le_bytes());
        let mut rows: Vec<(u32, (u32, u32))> = self.rows.iter().map(|(&b, &r)| (b, r)).collect();
        rows.sort_unstable();
        for (bucket, (start, end)) in rows {
            out.extend_from_slice(&bucket.to_le_bytes());
            out.push((end - start) as u8);
            for &(col, w) in &self.entries[start as usize..end as usize] {
                out.push(col as u8);
                out.push(quantise(w, self.header.scales[col as usize]) as u8);
            }
        }
        out
    }

    /// Reads a model written by [`Model::to_bytes`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ModelLoad`](crate::error::ErrorKind::ModelLoad) for a file that is not a model,
    /// is truncated, names unknown kinds or has inconsistent lengths.
    pub fn from_bytes(bytes: &[u8]) -> crate::error::Result<Model> {
        Model::parse(bytes, Path::new("(clause classifier bytes)"))
    }

    /// Reads a model file written by [`Model::save`].
    ///
    /// # Errors
    ///
    /// I/O errors, and those of [`Model::from_bytes`].
    pub fn load(path: &Path) -> crate::error::Result<Model> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Model::parse(&bytes, path)
    }

    /// Writes the model to `path` (through a temporary file and a rename).
    ///
    /// # Errors
    ///
    /// I/O errors.
    pub fn save(&self, path: &Path) -> crate::error::Result<()> {
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, self.to_bytes()).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    }

    fn parse(bytes: &[u8], path: &Path) -> crate::error::Result<Model> {
        let bad = |why: &str| Error::model_load(path, why);
        let rest = bytes.strip_prefix(MAGIC.as_slice()).ok_or_else(|| bad("not a model file"))?;
        let (len, rest) = take_u32(rest).ok_or_else(|| bad("truncated header"))?;
        let json = rest.get(..len as usize).ok_or_else(|| bad("truncated header"))?;
        let header: ModelHeader =
            serde_json::from_slice(json).map_err(|e| bad(&format!("header: {e}")))?;
        if header.format != FORMAT {
            return Err(bad(&format!("format {} (expected {FORMAT})", header.format)));
        }
        if header.buckets != BUCKETS {
            return Err(bad(&format!("{} feature buckets (expected {BUCKETS})", header.buckets)));
        }
        let kinds = header
            .kinds
            .iter()
            .map(|id| ClauseKind::from_id(id).ok_or_else(|| bad(&format!("unknown kind {id:?}"))))
            .collect::<crate::error::Result<Vec<_>>>()?;
        let k = kinds.len();
        let lengths = [header.bias.len(), header.scales.len(), header.thresholds.len()];
        if lengths.iter().any(|&l| l != k)
            || !(header.document_thresholds.is_empty() || header.document_thresholds.len() == k)
        {
            return Err(bad("header lengths disagree with the kinds"));
        }
        if k > usize::from(u8::MAX) {
            return Err(bad("more kinds than the format holds"));
        }
        let (count, mut rest) =
            take_u32(&rest[len as usize..]).ok_or_else(|| bad("truncated weights"))?;
        let mut rows = HashMap::with_capacity((count as usize).min(BUCKETS as usize));
        let mut entries = Vec::new();
        for _ in 0..count {
            let (bucket, tail) = take_u32(rest).ok_or_else(|| bad("truncated weights"))?;
            let (&n, tail) = tail.split_first().ok_or_else(|| bad("truncated weights"))?;
            let pairs = tail.get(..2 * usize::from(n)).ok_or_else(|| bad("truncated weights"))?;
            let start = entries.len() as u32;
            for pair in pairs.chunks_exact(2) {
                let col = usize::from(pair[0]);
                let scale =
                    header.scales.get(col).ok_or_else(|| bad("weight of an unknown kind"))?;
                entries.push((col as u16, f32::from(pair[1] as i8) * scale));
            }
            if bucket >= BUCKETS || rows.insert(bucket, (start, entries.len() as u32)).is_some() {
                return Err(bad("bad or repeated bucket"));
            }
            rest = &tail[pairs.len()..];
        }
        if !rest.is_empty() {
            return Err(bad("trailing bytes after the weights"));
        }
        Ok(Model { header, kinds, rows, entries })
    }
}

fn take_u32(b: &[u8]) -> Option<(u32, &[u8])> {
    let (head, tail) = b.split_first_chunk::<4>()?;
    Some((u32::from_le_bytes(*head), tail))
}

fn quantise(x: f32, scale: f32) -> i8 {
    (x / scale).round().clamp(-127.0, 127.0) as i8
}

pub(super) fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Fisher-Yates with xorshift64: deterministic for a seed, on every platform.
fn shuffle(v: &mut [usize], state: &mut u64) {
    for i in (1..v.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        v.swap(i, (*state % (i as u64 + 1)) as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::super::features::{ClauseView, features};
    use super::*;

    fn example(text: &str, kinds: &[ClauseKind]) -> Example {
        let view = ClauseView { text, ..ClauseView::default() };
        Example { features: features(&view), kinds: kinds.to_vec() }
    }

    fn toy() -> Vec<Example> {
        let mut v = Vec::new();
        for i in 0..40 {
            v.push(example(
                &format!("neither party is liable for delay caused by acts of god or war {i}"),
                &[ClauseKind::ForceMajeure],
            ));
            v.push(example(
                &format!("this agreement is governed by the laws of the state of delaware {i}"),
                &[ClauseKind::GoverningLaw],
            ));
            v.push(example(&format!("the price of each unit is listed in exhibit {i}"), &[]));
        }
        v
    }

    #[test]
    fn learns_separable_kinds_and_round_trips() {
        let kinds = [ClauseKind::ForceMajeure, ClauseKind::GoverningLaw];
        let model = Model::train(&toy(), &kinds, &TrainOptions::default(), vec![], "toy".into());
        let p = model.probabilities(&example("delay caused by an act of god", &[]).features);
        assert!(p[0] > 0.5 && p[1] < 0.5, "{p:?}");
        let p = model.probabilities(&example("governed by the laws of new york", &[]).features);
        assert!(p[1] > 0.5 && p[0] < 0.5, "{p:?}");
        let p = model.probabilities(&example("the price is listed", &[]).features);
        assert!(p.iter().all(|&p| p < 0.5), "{p:?}");

        let bytes = model.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.kinds(), model.kinds());
        let f = example("acts of god and war", &[]).features;
        assert_eq!(back.probabilities(&f), model.probabilities(&f));
        assert_eq!(back.to_bytes(), bytes);
    }

    #[test]
    fn document_scores_combine_clause_scores() {
        let s = [0.5, 0.5, 0.0];
        assert_eq!(DocumentScore::Max.combine(s), 0.5);
        assert!((DocumentScore::NoisyOr.combine(s) - 0.75).abs() < 1e-6);
        assert_eq!(DocumentScore::NoisyOr.combine([]), 0.0);
        assert_eq!(DocumentScore::NoisyOr.combine([1.0, 0.2]), 1.0);
    }

    #[test]
    fn damaged_files_are_errors() {
        let kinds = [ClauseKind::ForceMajeure];
        let bytes =
            Model::train(&toy(), &kinds, &TrainOptions::default(), vec![], "toy".into()).to_bytes();
        for cut in [0, 10, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(Model::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(Model::from_bytes(&extra).is_err());
        assert!(Model::from_bytes(b"not a model at all, not at all").is_err());
    }
}
