//! Sentence embeddings, computed locally.
//!
//! An [`Embedder`] turns texts into fixed-size, unit-length vectors whose dot product measures
//! how alike two texts are in meaning. Clause search and risk rules use them to find "outbreak
//! of contagious disease" when the query says "epidemic".
//!
//! The engine's embedder is [`BertEmbedder`]: any BERT-family sentence-transformers model
//! directory run by candle, on the CPU by default or on a GPU with the `cuda` or `metal`
//! feature ([`DeviceChoice`]). clausal ships all-MiniLM-L6-v2 in `models/` (see
//! [`bundled_model_dir`]); nothing is ever downloaded.
//!
//! Texts longer than the model's limit (256 tokens for all-MiniLM-L6-v2) are truncated by
//! default, exactly like sentence-transformers; [`Overflow::SplitAverage`] embeds them in
//! windows and averages instead. No input can make embedding fail: empty texts, huge texts and
//! texts spelling out special tokens all give a vector.

use std::path::PathBuf;

mod batch;
mod bert;
mod device;
mod matmul;

pub(crate) use matmul::{Mat, MatMut, gemm};
mod native;
mod pooling;

pub use bert::{BertEmbedder, BertEmbedderBuilder, Engine, ModelInfo, Overflow};
pub use device::DeviceChoice;

/// Turns texts into unit-length vectors.
///
/// Implementations are deterministic (the same text gives the same vector, whatever else is in
/// the call) and safe to share between threads.
pub trait Embedder: Send + Sync {
    /// The length of every vector.
    fn dim(&self) -> usize;

    /// A name for the model, recorded by indexes so that vectors of different models are never
    /// compared.
    fn model_id(&self) -> &str;

    /// The implementation and precision that computes the vectors (e.g. `native-f32`), recorded
    /// by indexes beside [`model_id`](Embedder::model_id): the same model run by different
    /// engines gives close but not identical vectors. By default `"default"`.
    fn engine(&self) -> &str {
        "default"
    }

    /// Embeds each text; the result has one vector per text, in order.
    ///
    /// # Errors
    ///
    /// Only for failures of the model or device, never because of what a text contains.
    fn embed(&self, texts: &[&str]) -> crate::error::Result<Vec<Vec<f32>>>;
}

/// The environment variable naming the embedding model's directory: `CLAUSAL_MODEL`.
pub const MODEL_ENV: &str = "CLAUSAL_MODEL";

/// The directory of the model in the source tree clausal was built from
/// (`models/all-MiniLM-L6-v2`).
///
/// This is a compile-time path into the crate's source. The repository carries the weights
/// there; the published crate does not (crates.io takes at most 10 MiB), so for a crate
/// dependency this directory has the model's configuration but no `model.safetensors`. Use
/// [`default_model_dir`], or pass a directory of your own to [`BertEmbedderBuilder::new`].
pub fn bundled_model_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/models/all-MiniLM-L6-v2"))
}

/// Where the embedding model is, in this order: the directory named by `$CLAUSAL_MODEL`
/// ([`MODEL_ENV`]); a `models/all-MiniLM-L6-v2` folder beside the running executable (how a
/// deployed program ships it); the source tree's [`bundled_model_dir`] when it holds the
/// weights. When none holds a model this is still `bundled_model_dir()`, and loading it fails
/// with [`ErrorKind::ModelLoad`](crate::error::ErrorKind::ModelLoad) naming the missing file.
///
/// A crate user gets the weights from the clausal repository (`models/all-MiniLM-L6-v2`) or
/// from the model's publisher (sentence-transformers/all-MiniLM-L6-v2; the pinned revision and
/// checksum are in that folder's `MODEL.md`), and sets `CLAUSAL_MODEL` or copies the folder
/// beside the executable.
pub fn default_model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(MODEL_ENV) {
        return PathBuf::from(dir);
    }
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("models").join("all-MiniLM-L6-v2")));
    match beside_exe {
        Some(dir) if dir.join("model.safetensors").is_file() => dir,
        _ => bundled_model_dir(),
    }
}
