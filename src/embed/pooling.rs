//! From token states to one sentence vector.
//!
//! sentence-transformers models declare their pooling in `1_Pooling/config.json`. clausal's
//! batches hold no padding (see `batch.rs`), so every token of a sequence counts: mean pooling
//! over the attention mask is the plain mean over the sequence.
//! Mirrors `sentence_transformers/models/Pooling.py` and the pooling in candle's bert example
//! (`candle-examples/examples/bert/main.rs`).

use std::path::Path;

use candle_core::Tensor;
use serde::Deserialize;

use crate::error::Error;

/// How token states become a sentence vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pooling {
    /// The mean of all token states (attention-masked mean; batches have no padding).
    Mean,
    /// The state of the first token (`[CLS]`).
    Cls,
    /// The element-wise maximum over tokens.
    Max,
}

#[derive(Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
    #[serde(default)]
    pooling_mode_mean_sqrt_len_tokens: bool,
}

impl Pooling {
    /// Reads `1_Pooling/config.json` from a model directory; without it, mean pooling.
    pub(crate) fn from_model_dir(dir: &Path) -> crate::error::Result<Pooling> {
        let path = dir.join("1_Pooling").join("config.json");
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Pooling::Mean),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let config: PoolingConfig =
            serde_json::from_slice(&bytes).map_err(|e| Error::model_load(&path, e))?;
        match (
            config.pooling_mode_mean_tokens,
            config.pooling_mode_cls_token,
            config.pooling_mode_max_tokens,
            config.pooling_mode_mean_sqrt_len_tokens,
        ) {
            (true, false, false, false) => Ok(Pooling::Mean),
            (false, true, false, false) => Ok(Pooling::Cls),
            (false, false, true, false) => Ok(Pooling::Max),
            _ => Err(Error::model_load(
                &path,
                "unsupported pooling: exactly one of mean, cls or max pooling must be set",
            )),
        }
    }

    /// Pools `[batch, tokens, hidden]` states into `[batch, hidden]`.
    pub(crate) fn apply(self, states: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Pooling::Mean => states.mean(1),
            Pooling::Cls => states.narrow(1, 0, 1)?.squeeze(1),
            Pooling::Max => states.max(1),
        }
    }
}

/// Scales `v` to unit length in place; a zero vector stays zero.
pub(crate) fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// Weighted mean of vectors, weights summing to anything positive.
pub(crate) fn weighted_mean(vectors: &[(&[f32], f32)], dim: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; dim];
    let total: f32 = vectors.iter().map(|(_, w)| w).sum();
    for (v, w) in vectors {
        for (o, x) in out.iter_mut().zip(v.iter()) {
            *o += x * (w / total);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn pools_over_tokens() {
        let t = Tensor::new(&[[[1f32, 2.], [3., 6.]]], &Device::Cpu).unwrap();
        assert_eq!(Pooling::Mean.apply(&t).unwrap().to_vec2::<f32>().unwrap(), [[2., 4.]]);
        assert_eq!(Pooling::Cls.apply(&t).unwrap().to_vec2::<f32>().unwrap(), [[1., 2.]]);
        assert_eq!(Pooling::Max.apply(&t).unwrap().to_vec2::<f32>().unwrap(), [[3., 6.]]);
    }

    #[test]
    fn normalize_and_mean() {
        let mut v = vec![3.0, 4.0];
        normalize(&mut v);
        assert_eq!(v, [0.6, 0.8]);
        let mut z = vec![0.0, 0.0];
        normalize(&mut z);
        assert_eq!(z, [0.0, 0.0]);
        let m = weighted_mean(&[(&[1.0, 0.0], 3.0), (&[0.0, 1.0], 1.0)], 2);
        assert_eq!(m, [0.75, 0.25]);
    }
}
