//! A BERT encoder forward pass written for the CPU.
//!
//! candle's `BertModel` (`candle-transformers/src/models/bert.rs`) is the reference: this module
//! computes the same function, but shaped for throughput on a CPU.
//!
//! - Sequences of any lengths are packed one after another into one `[tokens, hidden]` matrix.
//!   Only attention mixes tokens, and it runs per sequence, so no padding and no mask exist, and a
//!   sequence's vector does not depend on its batch mates.
//! - Every intermediate lives in a [`Workspace`] that is kept and reused across layers, batches
//!   and calls: no large allocation (and no page fault on fresh memory) per layer.
//! - Biases and residuals are written into the output before the matrix product accumulates
//!   onto them; GELU and the attention softmax are single passes with polynomial `erf`/`exp`.
//! - Q, K and V are one `[hidden, 3 * hidden]` product; attention works on strided views of it.
//!
//! Weights are kept in f32 (`[in, out]`, row-major), whatever the file stores.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use serde::Deserialize;

use super::batch::Sequence;
use super::matmul::{Mat, MatMut, gemm};
use super::pooling::Pooling;
use crate::error::Error;

/// The BERT configuration fields the native encoder needs (`config.json`).
#[derive(Debug, Deserialize)]
struct NativeConfig {
    vocab_size: usize,
    hidden_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    intermediate_size: usize,
    hidden_act: String,
    max_position_embeddings: usize,
    type_vocab_size: usize,
    layer_norm_eps: f64,
    #[serde(default = "absolute")]
    position_embedding_type: String,
}

fn absolute() -> String {
    "absolute".to_owned()
}

/// A dense layer, `y = x W + b`, with `W` stored `[n_in, n_out]` row-major.
struct Linear {
    w: Vec<f32>,
    b: Vec<f32>,
    n_in: usize,
    n_out: usize,
}

struct LayerNorm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
    eps: f32,
}

struct Layer {
    qkv: Linear,
    attn_out: Linear,
    attn_norm: LayerNorm,
    up: Linear,
    down: Linear,
    out_norm: LayerNorm,
}

/// A BERT encoder's weights, ready for [`NativeBert::forward`].
pub(crate) struct NativeBert {
    hidden: usize,
    heads: usize,
    intermediate: usize,
    vocab: usize,
    type_vocab: usize,
    max_positions: usize,
    word: Vec<f32>,
    position: Vec<f32>,
    token_type: Vec<f32>,
    embed_norm: LayerNorm,
    layers: Vec<Layer>,
}

/// Buffers for one forward pass, reused from pass to pass. They only ever grow, to the largest
/// batch seen.
#[derive(Default)]
pub(crate) struct Workspace {
    x: Vec<f32>,
    qkv: Vec<f32>,
    ctx: Vec<f32>,
    y: Vec<f32>,
    inter: Vec<f32>,
    scores: Vec<f32>,
}

impl NativeBert {
    /// Builds the encoder from a `config.json` and the bytes of a safetensors file.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ModelLoad`](crate::error::ErrorKind::ModelLoad) for a configuration this encoder
    /// does not implement (an activation other than GELU, relative positions) or for missing or
    /// misshapen tensors.
    pub(crate) fn load(
        config_path: &Path,
        weights_path: &Path,
        weights: &[u8],
    ) -> crate::error::Result<Self> {
        let config: NativeConfig = serde_json::from_slice(&read(config_path)?)
            .map_err(|e| Error::model_load(config_path, e))?;
        let unsupported = |what: String| Error::model_load(config_path, what);
        if config.hidden_act != "gelu" {
            return Err(unsupported(format!("hidden_act {:?} is not gelu", config.hidden_act)));
        }
        if config.position_embedding_type != "absolute" {
            return Err(unsupported(format!(
                "position_embedding_type {:?} is not absolute",
                config.position_embedding_type
            )));
        }
        let (hidden, heads) = (config.hidden_size, config.num_attention_heads);
        if heads == 0 || hidden % heads != 0 {
            return Err(unsupported(format!("{heads} heads do not divide hidden size {hidden}")));
        }
        let tensors = candle_core::safetensors::load_buffer(weights, &Device::Cpu)
            .map_err(|e| Error::model_load(weights_path, e))?;
        let mut store = Store { tensors, path: weights_path, prefix: "" };
        if !store.tensors.contains_key("embeddings.word_embeddings.weight") {
            store.prefix = "bert.";
        }
        let inter = config.intermediate_size;
        let eps = config.layer_norm_eps as f32;
        let embed_norm = store.layer_norm("embeddings.LayerNorm", hidden, eps)?;
        let word = store.get("embeddings.word_embeddings.weight", &[config.vocab_size, hidden])?;
        let position = store.get(
            "embeddings.position_embeddings.weight",
            &[config.max_position_embeddings, hidden],
        )?;
        let token_type = store
            .get("embeddings.token_type_embeddings.weight", &[config.type_vocab_size, hidden])?;
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for i in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{i}");
            let q = store.linear(&format!("{p}.attention.self.query"), hidden, hidden)?;
            let k = store.linear(&format!("{p}.attention.self.key"), hidden, hidden)?;
            let v = store.linear(&format!("{p}.attention.self.value"), hidden, hidden)?;
            layers.push(Layer {
                qkv: Linear::concat(&[q, k, v]),
                attn_out: store.linear(&format!("{p}.attention.output.dense"), hidden, hidden)?,
                attn_norm: store.layer_norm(
                    &format!("{p}.attention.output.LayerNorm"),
                    hidden,
                    eps,
                )?,
                up: store.linear(&format!("{p}.intermediate.dense"), hidden, inter)?,
                down: store.linear(&format!("{p}.output.dense"), inter, hidden)?,
                out_norm: store.layer_norm(&format!("{p}.output.LayerNorm"), hidden, eps)?,
            });
        }
        Ok(NativeBert {
            hidden,
            heads,
            intermediate: inter,
            vocab: config.vocab_size,
            type_vocab: config.type_vocab_size,
            max_positions: config.max_position_embeddings,
            word,
            position,
            token_type,
            embed_norm,
            layers,
        })
    }

    /// Runs the encoder on packed sequences and pools each: one vector per sequence, not yet
    /// normalised.
    ///
    /// `threads` above 1 splits each matrix product over the current rayon pool; callers that
    /// run several batches at once pass 1.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Inference`](crate::error::ErrorKind::Inference) for a token id, type id or length
    /// outside the model's tables (a tokenizer that does not belong to the model).
    pub(crate) fn forward(
        &self,
        ws: &mut Workspace,
        seqs: &[&Sequence],
        pooling: Pooling,
        threads: usize,
    ) -> crate::error::Result<Vec<Vec<f32>>> {
        let d = self.hidden;
        let tokens: usize = seqs.iter().map(|s| s.ids.len()).sum();
        if tokens == 0 {
            return Ok(vec![Vec::new(); seqs.len()]);
        }
        grow(&mut ws.x, tokens * d);
        grow(&mut ws.qkv, tokens * 3 * d);
        grow(&mut ws.ctx, tokens * d);
        grow(&mut ws.y, tokens * d);
        grow(&mut ws.inter, tokens * self.intermediate);
        // The element-wise passes (embedding sums, layer norms, GELU, softmax, pooling) are plain
        // loops, inlined into this closure; pulp compiles it once per instruction set (AVX-512,
        // AVX2, ...) and runs the best one this CPU has, so the loops vectorise to its width.
        // No `unsafe` here: pulp's dispatch is safe. Results are the same on every path.
        pulp::Arch::new().dispatch(|| {
            self.embed(&mut ws.x[..tokens * d], seqs)?;
            let x = &mut ws.x[..tokens * d];
            let qkv = &mut ws.qkv[..tokens * 3 * d];
            let ctx = &mut ws.ctx[..tokens * d];
            let y = &mut ws.y[..tokens * d];
            let inter = &mut ws.inter[..tokens * self.intermediate];
            for layer in &self.layers {
                layer.qkv.forward(x, tokens, qkv, None, threads);
                self.attention(qkv, seqs, ctx, &mut ws.scores);
                layer.attn_out.forward(ctx, tokens, y, Some(x), threads);
                layer.attn_norm.apply(y, x);
                layer.up.forward(x, tokens, inter, None, threads);
                gelu(inter);
                layer.down.forward(inter, tokens, y, Some(x), threads);
                layer.out_norm.apply(y, x);
            }

            let mut out = Vec::with_capacity(seqs.len());
            let mut start = 0;
            for s in seqs {
                let len = s.ids.len();
                out.push(pool(pooling, &x[start * d..(start + len) * d], d));
                start += len;
            }
            Ok(out)
        })
    }

    /// Word, position and token-type embeddings, summed and normalised, into `x`.
    #[inline(always)]
    fn embed(&self, x: &mut [f32], seqs: &[&Sequence]) -> crate::error::Result<()> {
        let d = self.hidden;
        let mut rows = x.chunks_exact_mut(d);
        for s in seqs {
            if s.ids.len() > self.max_positions {
                return Err(Error::inference_message(format!(
                    "a sequence of {} tokens exceeds the model's {} positions",
                    s.ids.len(),
                    self.max_positions
                )));
            }
            for (p, (&id, &tid)) in s.ids.iter().zip(&s.type_ids).enumerate() {
                let (id, tid) = (id as usize, tid as usize);
                if id >= self.vocab || tid >= self.type_vocab {
                    return Err(Error::inference_message(format!(
                        "token id {id} or type id {tid} is outside the model's vocabulary"
                    )));
                }
                let row = rows.next().expect("x holds one row per token");
                let w = &self.word[id * d..(id + 1) * d];
                let pe = &self.position[p * d..(p + 1) * d];
                let t = &self.token_type[tid * d..(tid + 1) * d];
                for (((o, a), b), c) in row.iter_mut().zip(w).zip(pe).zip(t) {
                    *o = a + b + c;
                }
                self.embed_norm.apply_row_in_place(row);
            }
        }
        Ok(())
    }

    /// Multi-head self-attention of each sequence on its own: `ctx = softmax(Q K^T / sqrt(dh)) V`
    /// per head, read from the packed `qkv` (`[tokens, 3 * hidden]`) into `ctx`
    /// (`[tokens, hidden]`).
    #[inline(always)]
    fn attention(&self, qkv: &[f32], seqs: &[&Sequence], ctx: &mut [f32], scores: &mut Vec<f32>) {
        let d = self.hidden;
        let dh = d / self.heads;
        let scale = 1.0 / (dh as f32).sqrt();
        let mut start = 0;
        for s in seqs {
            let len = s.ids.len();
            grow(scores, len * len);
            let scores = &mut scores[..len * len];
            let rows = &qkv[start * 3 * d..(start + len) * 3 * d];
            let out = &mut ctx[start * d..(start + len) * d];
            for h in 0..self.heads {
                let q = Mat::new(&rows[h * dh..], len, dh, 3 * d, 1);
                // K^T: element (i, j) is K[j][i].
                let kt = Mat::new(&rows[d + h * dh..], dh, len, 1, 3 * d);
                let v = Mat::new(&rows[2 * d + h * dh..], len, dh, 3 * d, 1);
                gemm(MatMut::rows(scores, len, len), false, q, kt, scale, 1);
                scores.chunks_exact_mut(len).for_each(softmax);
                let dst = MatMut::new(&mut out[h * dh..], len, dh, d);
                gemm(dst, false, Mat::rows(scores, len, len), v, 1.0, 1);
            }
            start += len;
        }
    }
}

impl Linear {
    /// One layer whose outputs are those of `parts` side by side.
    fn concat(parts: &[Linear]) -> Linear {
        let n_in = parts[0].n_in;
        let n_out: usize = parts.iter().map(|p| p.n_out).sum();
        let mut w = Vec::with_capacity(n_in * n_out);
        for r in 0..n_in {
            for p in parts {
                w.extend_from_slice(&p.w[r * p.n_out..(r + 1) * p.n_out]);
            }
        }
        let b = parts.iter().flat_map(|p| p.b.iter().copied()).collect();
        Linear { w, b, n_in, n_out }
    }

    /// `out = x W + b (+ residual)` for `tokens` rows.
    #[inline(always)]
    fn forward(
        &self,
        x: &[f32],
        tokens: usize,
        out: &mut [f32],
        residual: Option<&[f32]>,
        threads: usize,
    ) {
        let out = &mut out[..tokens * self.n_out];
        match residual {
            Some(r) => {
                for (row, r) in out.chunks_exact_mut(self.n_out).zip(r.chunks_exact(self.n_out)) {
                    for ((o, r), b) in row.iter_mut().zip(r).zip(&self.b) {
                        *o = r + b;
                    }
                }
            }
            None => out.chunks_exact_mut(self.n_out).for_each(|row| row.copy_from_slice(&self.b)),
        }
        gemm(
            MatMut::rows(out, tokens, self.n_out),
            true,
            Mat::rows(x, tokens, self.n_in),
            Mat::rows(&self.w, self.n_in, self.n_out),
            1.0,
            threads,
        );
    }
}

impl LayerNorm {
    /// `dst = layer_norm(src)`, row by row.
    #[inline(always)]
    fn apply(&self, src: &[f32], dst: &mut [f32]) {
        let d = self.gamma.len();
        for (s, o) in src.chunks_exact(d).zip(dst.chunks_exact_mut(d)) {
            let (mean, inv) = self.moments(s);
            for (((o, v), g), b) in o.iter_mut().zip(s).zip(&self.gamma).zip(&self.beta) {
                *o = (v - mean) * inv * g + b;
            }
        }
    }

    #[inline(always)]
    fn apply_row_in_place(&self, row: &mut [f32]) {
        let (mean, inv) = self.moments(row);
        for ((v, g), b) in row.iter_mut().zip(&self.gamma).zip(&self.beta) {
            *v = (*v - mean) * inv * g + b;
        }
    }

    /// The mean of a row and the inverse of its standard deviation (biased, plus epsilon).
    #[inline(always)]
    fn moments(&self, row: &[f32]) -> (f32, f32) {
        let n = row.len() as f32;
        let mean = sum(row) / n;
        let var = lanes(row, 0.0, |a, v| a + (v - mean) * (v - mean), |a, b| a + b) / n;
        (mean, 1.0 / (var + self.eps).sqrt())
    }
}

/// Pools the `[len, d]` token states of one sequence.
#[inline(always)]
fn pool(pooling: Pooling, states: &[f32], d: usize) -> Vec<f32> {
    let len = states.len() / d;
    match pooling {
        Pooling::Mean => {
            let mut out = vec![0.0f32; d];
            for row in states.chunks_exact(d) {
                out.iter_mut().zip(row).for_each(|(o, v)| *o += v);
            }
            out.iter_mut().for_each(|o| *o /= len as f32);
            out
        }
        Pooling::Cls => states[..d].to_vec(),
        Pooling::Max => {
            let mut out = states[..d].to_vec();
            for row in states.chunks_exact(d).skip(1) {
                out.iter_mut().zip(row).for_each(|(o, v)| *o = o.max(*v));
            }
            out
        }
    }
}

/// Grows `v` to at least `n` elements; never shrinks it.
fn grow(v: &mut Vec<f32>, n: usize) {
    if v.len() < n {
        v.resize(n, 0.0);
    }
}

/// Exact (erf-based) GELU in place, `x * (1 + erf(x / sqrt 2)) / 2`, as BERT's `gelu`.
#[inline(always)]
fn gelu(xs: &mut [f32]) {
    const FRAC_1_SQRT_2: f32 = std::f32::consts::FRAC_1_SQRT_2;
    for x in xs {
        *x = 0.5 * *x * (1.0 + erf(*x * FRAC_1_SQRT_2));
    }
}

/// `erf` as a rational function of `x` on [-4, 4] (outside, `erf` is ±1 in f32). This is the
/// approximation Eigen and XLA use for f32 (`generic_fast_erf_float`); it is branch-free so the
/// GELU loop vectorises, and is within a few ulps of `erf`.
#[inline(always)]
fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let mut p = x2 * -2.726_142_3e-10 + 2.770_681_4e-8;
    p = x2 * p + -2.101_024e-6;
    p = x2 * p + -5.692_506_4e-5;
    p = x2 * p + -7.349_906e-4;
    p = x2 * p + -2.9546e-3;
    p = x2 * p + -1.609_603_3e-2;
    p *= x;
    let mut q = x2 * -1.456_607_2e-5 + -2.133_740_6e-4;
    q = x2 * q + -1.682_827e-3;
    q = x2 * q + -7.373_329e-3;
    q = x2 * q + -1.426_473_9e-2;
    p / q
}

/// Softmax of one row in place.
#[inline(always)]
fn softmax(row: &mut [f32]) {
    let max = lanes(row, f32::NEG_INFINITY, f32::max, f32::max);
    row.iter_mut().for_each(|v| *v = exp(*v - max));
    let inv = 1.0 / sum(row);
    row.iter_mut().for_each(|v| *v *= inv);
}

/// The number of independent accumulators in reductions: with one, a float sum is a serial
/// chain the compiler may not reorder; with [`LANES`], it vectorises.
const LANES: usize = 16;

/// Folds `xs` with `op` into [`LANES`] interleaved accumulators, then combines those with
/// `combine`.
#[inline(always)]
fn lanes(
    xs: &[f32],
    init: f32,
    op: impl Fn(f32, f32) -> f32,
    combine: impl Fn(f32, f32) -> f32,
) -> f32 {
    let mut acc = [init; LANES];
    let mut chunks = xs.chunks_exact(LANES);
    for c in &mut chunks {
        for (a, x) in acc.iter_mut().zip(c) {
            *a = op(*a, *x);
        }
    }
    let tail = chunks.remainder().iter().fold(init, |a, &x| op(a, x));
    acc.iter().fold(tail, |a, &x| combine(a, x))
}

#[inline(always)]
fn sum(xs: &[f32]) -> f32 {
    lanes(xs, 0.0, |a, x| a + x, |a, b| a + b)
}

/// `e^x` for `x <= 0` (the softmax's shifted scores), to about 2 ulps; 0 below -87.
///
/// Range reduction `x = n ln 2 + r`, `|r| <= ln 2 / 2`, a degree-6 polynomial for `e^r`, and
/// `2^n` built from its bits. Branch-free, so the softmax loop vectorises.
#[inline(always)]
fn exp(x: f32) -> f32 {
    const MAGIC: f32 = 12_582_912.0; // 1.5 * 2^23: adding it rounds to an integer.
    let x = x.max(-87.0);
    let t = x * std::f32::consts::LOG2_E + MAGIC;
    let n = t - MAGIC;
    // The low bits of `t` hold `n` (offset by 2^22): read it without a float-to-int conversion,
    // whose saturating semantics would keep the loop scalar.
    let n_bits = t.to_bits().wrapping_sub(MAGIC.to_bits());
    let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6;
    let mut p = 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    let scale = f32::from_bits(n_bits.wrapping_add(127) << 23);
    p * scale
}

/// Named tensors of a safetensors file, read as f32.
struct Store<'a> {
    tensors: HashMap<String, Tensor>,
    path: &'a Path,
    prefix: &'static str,
}

impl Store<'_> {
    /// The tensor `name`, which must have `shape`, flattened row-major.
    fn get(&mut self, name: &str, shape: &[usize]) -> crate::error::Result<Vec<f32>> {
        let full = format!("{}{name}", self.prefix);
        let t = self
            .tensors
            .remove(&full)
            .ok_or_else(|| Error::model_load(self.path, format!("no tensor {full}")))?;
        if t.dims() != shape {
            return Err(Error::model_load(
                self.path,
                format!("tensor {full} has shape {:?}, expected {shape:?}", t.dims()),
            ));
        }
        t.to_dtype(DType::F32)
            .and_then(|t| t.flatten_all())
            .and_then(|t| t.to_vec1::<f32>())
            .map_err(|e| Error::model_load(self.path, e))
    }

    /// A dense layer stored as PyTorch does, `weight` `[n_out, n_in]` and `bias` `[n_out]`,
    /// transposed to `[n_in, n_out]`.
    fn linear(&mut self, name: &str, n_in: usize, n_out: usize) -> crate::error::Result<Linear> {
        let w = self.get(&format!("{name}.weight"), &[n_out, n_in])?;
        let b = self.get(&format!("{name}.bias"), &[n_out])?;
        let mut t = vec![0.0f32; n_in * n_out];
        for (o, row) in w.chunks_exact(n_in).enumerate() {
            for (i, &v) in row.iter().enumerate() {
                t[i * n_out + o] = v;
            }
        }
        Ok(Linear { w: t, b, n_in, n_out })
    }

    fn layer_norm(&mut self, name: &str, d: usize, eps: f32) -> crate::error::Result<LayerNorm> {
        Ok(LayerNorm {
            gamma: self.get(&format!("{name}.weight"), &[d])?,
            beta: self.get(&format!("{name}.bias"), &[d])?,
            eps,
        })
    }
}

fn read(path: &Path) -> crate::error::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// erf to double precision (Abramowitz and Stegun 7.1.26 is too coarse; use the series
    /// and the continued fraction).
    fn erf_f64(x: f64) -> f64 {
        if x.abs() > 3.0 {
            // erfc continued fraction, evaluated backwards.
            let ax = x.abs();
            let mut f = 0.0;
            for k in (1..60).rev() {
                f = (k as f64 / 2.0) / (ax + f);
            }
            let erfc = (-ax * ax).exp() / std::f64::consts::PI.sqrt() / (ax + f);
            return x.signum() * (1.0 - erfc);
        }
        let mut sum = 0.0;
        let mut term = x;
        let mut k = 0.0;
        while term.abs() > 1e-17 {
            sum += term / (2.0 * k + 1.0);
            k += 1.0;
            term *= -x * x / k;
        }
        2.0 / std::f64::consts::PI.sqrt() * sum
    }

    #[test]
    fn erf_is_accurate() {
        let mut worst = 0.0f64;
        for i in -8000..=8000 {
            let x = i as f32 / 1000.0;
            worst = worst.max((f64::from(erf(x)) - erf_f64(f64::from(x))).abs());
        }
        assert!(worst < 1e-6, "max error {worst}");
    }

    #[test]
    fn exp_is_accurate() {
        let mut worst = 0.0f64;
        for i in 0..=87_000 {
            let x = -(i as f32) / 1000.0;
            let want = f64::from(x).exp();
            let got = f64::from(exp(x));
            worst = worst.max((got - want).abs() / want.max(f64::MIN_POSITIVE));
        }
        assert!(worst < 1e-6, "max relative error {worst}");
        assert_eq!(exp(-1000.0), exp(-87.0));
        assert!(exp(-1000.0) < 1e-37);
    }

    #[test]
    fn reductions_match_serial_ones() {
        let xs: Vec<f32> = (0..41).map(|i| (i as f32 * 0.37).sin()).collect();
        let serial: f32 = xs.iter().sum();
        assert!((sum(&xs) - serial).abs() < 1e-5);
        let sq = lanes(&xs, 0.0, |a, v| a + v * v, |a, b| a + b);
        assert!((sq - xs.iter().map(|v| v * v).sum::<f32>()).abs() < 1e-5);
        let max = lanes(&xs, f32::NEG_INFINITY, f32::max, f32::max);
        assert_eq!(max, xs.iter().copied().fold(f32::NEG_INFINITY, f32::max));
    }

    #[test]
    fn softmax_sums_to_one() {
        let mut row = [1.0, 2.0, 3.0, -50.0];
        softmax(&mut row);
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(row[2] > row[1] && row[1] > row[0] && row[3] < 1e-20);
    }

    #[test]
    fn pooling_of_rows() {
        let states = [1.0, 2.0, 3.0, 6.0];
        assert_eq!(pool(Pooling::Mean, &states, 2), [2.0, 4.0]);
        assert_eq!(pool(Pooling::Cls, &states, 2), [1.0, 2.0]);
        assert_eq!(pool(Pooling::Max, &states, 2), [3.0, 6.0]);
    }
}
