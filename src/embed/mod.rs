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

/// The directory of the model that ships with clausal (`models/all-MiniLM-L6-v2` in the
/// source tree).
///
/// This is a compile-time path into the crate's source. A program deployed elsewhere copies that
/// directory and passes its own path to [`BertEmbedderBuilder::new`].
pub fn bundled_model_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/models/all-MiniLM-L6-v2"))
}
