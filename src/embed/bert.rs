//! A BERT-family sentence-transformers model, on candle or on clausal's native CPU encoder.
//!
//! The reference encoder is candle's `BertModel`
//! (`candle-transformers/src/models/bert.rs`); loading and pooling follow candle's bert example
//! (`candle-examples/examples/bert/main.rs`) and milli's `vector/embedder/hf.rs`. On the CPU the
//! default is the native encoder (`native.rs`), which computes the same function faster; see
//! [`Engine`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokenizers::Tokenizer;

use super::Embedder;
use super::batch::{self, Sequence};
use super::device::DeviceChoice;
use super::native::{NativeBert, Workspace};
use super::pooling::{self, Pooling};
use crate::error::Error;

/// What to do with a text longer than the model's maximum sequence length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Overflow {
    /// Keep the first `max_seq_len` tokens (special tokens included), as sentence-transformers
    /// does. This is the default, and it gives the same vectors as sentence-transformers.
    Truncate,
    /// Cut the text into windows of `max_seq_len` tokens that overlap by `overlap` tokens, embed
    /// each, and average the windows' pooled vectors weighted by their token counts, then
    /// normalise. At most `max_windows` windows are used; the rest of the text is ignored.
    SplitAverage {
        /// The most windows one text is cut into (at least 1).
        max_windows: usize,
        /// Tokens shared by consecutive windows.
        overlap: usize,
    },
}

/// Which implementation of the encoder computes the vectors.
///
/// Both compute the same function in f32 and agree to a cosine above 0.99999 on every parity
/// sentence, but not bit for bit, so [`ModelInfo::engine`] records which one made a vector.
///
/// - [`Engine::auto`] (the default): the native encoder on the CPU when it supports the model,
///   else candle.
/// - [`Engine::native`]: clausal's own CPU forward pass. It packs sequences of different lengths
///   without padding, reuses its buffers across calls and runs one batch per thread. CPU only;
///   BERT with absolute positions and GELU only.
/// - [`Engine::candle`]: candle's `BertModel`, the reference, and the only engine on a GPU.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Engine(EngineImpl);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum EngineImpl {
    #[default]
    Auto,
    Native,
    Candle,
}

impl Engine {
    /// The native encoder on the CPU if it supports the model, else candle. This is the default.
    pub fn auto() -> Engine {
        Engine(EngineImpl::Auto)
    }

    /// clausal's native CPU encoder; loading fails on another device or an unsupported model.
    pub fn native() -> Engine {
        Engine(EngineImpl::Native)
    }

    /// candle's `BertModel`, the reference implementation.
    pub fn candle() -> Engine {
        Engine(EngineImpl::Candle)
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            EngineImpl::Auto => "auto",
            EngineImpl::Native => "native",
            EngineImpl::Candle => "candle",
        })
    }
}

impl std::str::FromStr for Engine {
    type Err = crate::error::Error;

    fn from_str(s: &str) -> crate::error::Result<Engine> {
        match s {
            "auto" => Ok(Engine::auto()),
            "native" => Ok(Engine::native()),
            "candle" => Ok(Engine::candle()),
            _ => Err(Error::invalid_argument(format!(
                "unknown engine {s:?}: expected auto, native or candle"
            ))),
        }
    }
}

/// Identity of a loaded embedding model, recorded by indexes so that vectors from different
/// models are never mixed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ModelInfo {
    /// The model's name: its directory name, e.g. `all-MiniLM-L6-v2`.
    pub id: String,
    /// The embedding dimension, measured at load time.
    pub dim: usize,
    /// The longest sequence, in tokens, the embedder feeds the model.
    pub max_seq_len: usize,
    /// Lower-case hex SHA-256 of `model.safetensors`.
    pub weights_sha256: String,
    /// The pooling applied to token states (`mean`, `cls` or `max`), before L2 normalisation.
    pub pooling: String,
    /// The implementation and precision that computes the vectors: `native-f32` (clausal's CPU
    /// encoder) or `candle-f32`. Vectors of different engines agree closely but not exactly, so
    /// an index records this beside the model id and refuses to mix them.
    pub engine: String,
}

/// Configures and loads a [`BertEmbedder`].
///
/// # Example
///
/// ```no_run
/// use clausal::{BertEmbedderBuilder, DeviceChoice, Embedder, Overflow};
///
/// let embedder = BertEmbedderBuilder::new("models/all-MiniLM-L6-v2")
///     .device(DeviceChoice::cpu())
///     .overflow(Overflow::SplitAverage { max_windows: 8, overlap: 32 })
///     .build()?;
/// let vectors = embedder.embed(&["The Supplier shall indemnify the Customer."])?;
/// assert_eq!(vectors[0].len(), embedder.dim());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct BertEmbedderBuilder {
    dir: PathBuf,
    device: DeviceChoice,
    overflow: Overflow,
    max_seq_len: Option<usize>,
    max_batch_tokens: Option<usize>,
    max_batch: usize,
    max_text_bytes: usize,
    engine: Engine,
    threads: usize,
}

impl BertEmbedderBuilder {
    /// A builder for the sentence-transformers model in `dir`.
    ///
    /// The directory holds `config.json` (a BERT config), `tokenizer.json` and
    /// `model.safetensors` (f32, f16 or bf16 weights; computation is in f32), and optionally
    /// `sentence_bert_config.json` (for `max_seq_length`) and `1_Pooling/config.json`.
    pub fn new(dir: impl Into<PathBuf>) -> BertEmbedderBuilder {
        BertEmbedderBuilder {
            dir: dir.into(),
            device: DeviceChoice::cpu(),
            overflow: Overflow::Truncate,
            max_seq_len: None,
            max_batch_tokens: None,
            max_batch: 256,
            max_text_bytes: 1 << 20,
            engine: Engine::auto(),
            threads: 0,
        }
    }

    /// The compute device. By default, the CPU.
    pub fn device(&mut self, device: DeviceChoice) -> &mut BertEmbedderBuilder {
        self.device = device;
        self
    }

    /// What to do with texts longer than the maximum sequence length. By default,
    /// [`Overflow::Truncate`].
    pub fn overflow(&mut self, overflow: Overflow) -> &mut BertEmbedderBuilder {
        self.overflow = overflow;
        self
    }

    /// The longest sequence in tokens. By default the model's `max_seq_length` from
    /// `sentence_bert_config.json` (256 for all-MiniLM-L6-v2), else its position embedding size.
    /// It can only be lowered below the model's position embedding size.
    pub fn max_seq_len(&mut self, tokens: usize) -> &mut BertEmbedderBuilder {
        self.max_seq_len = Some(tokens);
        self
    }

    /// Which implementation computes the vectors. By default [`Engine::auto`]: the native
    /// encoder on the CPU, candle elsewhere.
    pub fn engine(&mut self, engine: Engine) -> &mut BertEmbedderBuilder {
        self.engine = engine;
        self
    }

    /// The number of threads that embed. By default 0: rayon's global pool (all cores, or
    /// `RAYON_NUM_THREADS`). With `n >= 1` the embedder owns a pool of `n` threads, and the
    /// tokenizer and encoder run there. The native encoder runs one batch per thread.
    pub fn threads(&mut self, n: usize) -> &mut BertEmbedderBuilder {
        self.threads = n;
        self
    }

    /// The most tokens in one forward pass, which bounds memory. By default 512 for the native
    /// encoder (measured fastest on CUAD clauses: its buffers stay in cache) and 8192 for candle,
    /// whose batches hold one token length only.
    pub fn max_batch_tokens(&mut self, tokens: usize) -> &mut BertEmbedderBuilder {
        self.max_batch_tokens = Some(tokens);
        self
    }

    /// The most sequences in one forward pass. By default 256.
    pub fn max_batch(&mut self, sequences: usize) -> &mut BertEmbedderBuilder {
        self.max_batch = sequences;
        self
    }

    /// Texts longer than this many bytes are cut (at a character boundary) before tokenization,
    /// so that a huge input costs bounded time. By default 1 MiB, far more than any window of
    /// tokens needs.
    pub fn max_text_bytes(&mut self, bytes: usize) -> &mut BertEmbedderBuilder {
        self.max_text_bytes = bytes;
        self
    }

    /// Loads the model.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for zero sizes,
    /// [`ErrorKind::Io`](crate::error::ErrorKind::Io) if a file cannot be read,
    /// [`ErrorKind::ModelLoad`](crate::error::ErrorKind::ModelLoad) if a file is malformed or the model
    /// is not BERT-shaped, and
    /// [`ErrorKind::DeviceUnavailable`](crate::error::ErrorKind::DeviceUnavailable) for a device that
    /// cannot be opened.
    pub fn build(&self) -> crate::error::Result<BertEmbedder> {
        if self.max_batch_tokens == Some(0) || self.max_batch == 0 || self.max_text_bytes == 0 {
            return Err(Error::invalid_argument("batch and text limits must be at least 1"));
        }
        if let Overflow::SplitAverage { max_windows: 0, .. } = self.overflow {
            return Err(Error::invalid_argument("max_windows must be at least 1"));
        }
        let dir = &self.dir;
        let _span = tracing::debug_span!("load_model", dir = %dir.display()).entered();
        let device = self.device.open()?;

        let config_path = dir.join("config.json");
        let config: Config = serde_json::from_slice(&read(&config_path)?)
            .map_err(|e| Error::model_load(&config_path, e))?;

        let tokenizer_path = dir.join("tokenizer.json");
        let mut tokenizer = Tokenizer::from_bytes(read(&tokenizer_path)?)
            .map_err(|e| Error::model_load(&tokenizer_path, e))?;
        // tokenizer.json files often carry their own truncation (128 for all-MiniLM-L6-v2) and
        // fixed padding. clausal windows and batches by itself, so both are turned off.
        tokenizer
            .with_truncation(None)
            .map_err(|e| Error::model_load(&tokenizer_path, e))?
            .with_padding(None);

        let st_config = SentenceBertConfig::read(dir)?;
        let max_positions = config_max_positions(&dir.join("config.json"))?;
        let model_max = st_config.and_then(|c| c.max_seq_length).unwrap_or(max_positions);
        let max_seq_len = self.max_seq_len.unwrap_or(model_max).min(max_positions);
        if max_seq_len < 2 {
            return Err(Error::invalid_argument("max_seq_len must be at least 2"));
        }

        let weights_path = dir.join("model.safetensors");
        let weights = read(&weights_path)?;
        let weights_sha256 = hex(&Sha256::digest(&weights));
        let encoder = match (self.engine.0, device.is_cpu()) {
            (EngineImpl::Native, false) => {
                return Err(Error::invalid_argument("the native engine runs on the CPU only"));
            }
            (EngineImpl::Native, true) => {
                Encoder::Native(NativeBert::load(&config_path, &weights_path, &weights)?)
            }
            (EngineImpl::Auto, true) => {
                match NativeBert::load(&config_path, &weights_path, &weights) {
                    Ok(native) => Encoder::Native(native),
                    Err(e) => {
                        tracing::debug!("not using the native encoder: {e}");
                        candle_model(weights, &config, &weights_path, &device)?
                    }
                }
            }
            (EngineImpl::Candle | EngineImpl::Auto, _) => {
                candle_model(weights, &config, &weights_path, &device)?
            }
        };
        let (engine, default_batch_tokens) = match encoder {
            Encoder::Native(_) => ("native-f32", NATIVE_BATCH_TOKENS),
            Encoder::Candle(_) => ("candle-f32", CANDLE_BATCH_TOKENS),
        };
        let pool = match self.threads {
            0 => None,
            n => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .thread_name(|i| format!("clausal-embed-{i}"))
                    .build()
                    .map_err(|e| Error::invalid_argument(format!("cannot start threads: {e}")))?,
            ),
        };
        let pooling = Pooling::from_model_dir(dir)?;

        let mut embedder = BertEmbedder {
            encoder,
            workspaces: Mutex::new(Vec::new()),
            pool,
            tokenizer,
            device,
            pooling,
            overflow: self.overflow,
            max_batch_tokens: self.max_batch_tokens.unwrap_or(default_batch_tokens),
            max_batch: self.max_batch,
            max_text_bytes: self.max_text_bytes,
            info: ModelInfo {
                id: dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| dir.display().to_string()),
                dim: 0,
                max_seq_len,
                weights_sha256,
                pooling: format!("{pooling:?}").to_lowercase(),
                engine: engine.to_owned(),
            },
        };
        // Measure the dimension rather than trusting the config (milli does the same).
        let probe = embedder.embed(&["dimension probe"])?;
        embedder.info.dim = probe[0].len();
        tracing::debug!(dim = embedder.info.dim, max_seq_len, "model loaded");
        Ok(embedder)
    }
}

/// The default token budget of one native forward pass: 512 was fastest on CUAD clauses
/// (1 thread: 94 sentences per CPU-second, against 86 at 1024, 83 at 2048, 82 at 8192).
const NATIVE_BATCH_TOKENS: usize = 512;

/// The default token budget of one candle forward pass (equal-length batches).
const CANDLE_BATCH_TOKENS: usize = 8192;

/// Loads candle's `BertModel`.
fn candle_model(
    weights: Vec<u8>,
    config: &Config,
    weights_path: &Path,
    device: &Device,
) -> crate::error::Result<Encoder> {
    // Buffered, not memory-mapped: the checksum covers exactly the bytes that are loaded, and
    // no `unsafe` is needed. The bytes are dropped once the tensors are built.
    let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, device)
        .map_err(|e| Error::model_load(weights_path, e))?;
    let model = BertModel::load(vb, config).map_err(|e| Error::model_load(weights_path, e))?;
    Ok(Encoder::Candle(model))
}

enum Encoder {
    Candle(BertModel),
    Native(NativeBert),
}

/// A sentence embedder running a BERT-family sentence-transformers model.
///
/// Vectors are pooled as the model declares (mean over tokens for all-MiniLM-L6-v2) and
/// L2-normalised, so a dot product is a cosine similarity.
///
/// No padding is ever computed (the native encoder packs sequences and attends within each; the
/// candle path batches sequences of one length), and a text's vector does not depend on the
/// other texts in the call: the embedder is deterministic for any batch composition. It is
/// `Send + Sync`; concurrent calls are safe.
pub struct BertEmbedder {
    encoder: Encoder,
    /// The native encoder's buffers, one per batch in flight, kept between calls.
    workspaces: Mutex<Vec<Workspace>>,
    pool: Option<rayon::ThreadPool>,
    tokenizer: Tokenizer,
    device: Device,
    pooling: Pooling,
    overflow: Overflow,
    max_batch_tokens: usize,
    max_batch: usize,
    max_text_bytes: usize,
    info: ModelInfo,
}

impl BertEmbedder {
    /// Loads the model in `dir` with default settings on the CPU.
    ///
    /// # Errors
    ///
    /// As [`BertEmbedderBuilder::build`].
    pub fn from_dir(dir: impl AsRef<Path>) -> crate::error::Result<BertEmbedder> {
        BertEmbedderBuilder::new(dir.as_ref()).build()
    }

    /// The identity of the loaded model.
    pub fn model_info(&self) -> &ModelInfo {
        &self.info
    }

    /// The number of threads that embed: those of the embedder's own pool
    /// ([`BertEmbedderBuilder::threads`]), else of rayon's current pool.
    pub fn threads(&self) -> usize {
        self.pool.as_ref().map_or_else(rayon::current_num_threads, |p| p.current_num_threads())
    }

    /// Tokenizes the texts and cuts them into model windows.
    fn sequences(&self, texts: &[&str]) -> crate::error::Result<Vec<Sequence>> {
        let clipped: Vec<&str> = texts.iter().map(|t| clip(t, self.max_text_bytes)).collect();
        let encodings = self.tokenizer.encode_batch(clipped, true).map_err(Error::tokenizer)?;
        let (max_windows, overlap) = match self.overflow {
            Overflow::Truncate => (1, 0),
            Overflow::SplitAverage { max_windows, overlap } => (max_windows, overlap),
        };
        let mut out = Vec::with_capacity(encodings.len());
        for (i, enc) in encodings.iter().enumerate() {
            out.extend(batch::windows(
                i,
                enc.get_ids(),
                enc.get_type_ids(),
                enc.get_special_tokens_mask(),
                self.info.max_seq_len,
                max_windows,
                overlap,
            ));
        }
        Ok(out)
    }

    /// Runs the encoder on all sequences and pools each; empty sequences get an empty vector.
    fn pool_all(&self, seqs: &[Sequence]) -> crate::error::Result<Vec<Vec<f32>>> {
        let lengths: Vec<usize> = seqs.iter().map(|s| s.ids.len()).collect();
        let mut pooled: Vec<Vec<f32>> = vec![Vec::new(); seqs.len()];
        match &self.encoder {
            Encoder::Candle(model) => {
                for batch in batch::plan(&lengths, self.max_batch_tokens, self.max_batch) {
                    if lengths[batch[0]] == 0 {
                        continue; // A tokenizer without special tokens and an empty text.
                    }
                    let inputs: Vec<&Sequence> = batch.iter().map(|&i| &seqs[i]).collect();
                    let vectors = self.forward(model, &inputs).map_err(Error::inference)?;
                    for (&i, v) in batch.iter().zip(vectors) {
                        pooled[i] = v;
                    }
                }
            }
            Encoder::Native(native) => {
                let batches = batch::pack(&lengths, self.max_batch_tokens, self.max_batch);
                // One batch per thread; a lone batch uses all threads inside its products.
                let threads = rayon::current_num_threads();
                let inner = if batches.len() >= threads { 1 } else { threads };
                let results: Vec<crate::error::Result<Vec<Vec<f32>>>> = batches
                    .par_iter()
                    .with_max_len(1)
                    .map(|batch| {
                        let inputs: Vec<&Sequence> = batch.iter().map(|&i| &seqs[i]).collect();
                        let mut ws = self.take_workspace();
                        let out = native.forward(&mut ws, &inputs, self.pooling, inner);
                        self.workspaces.lock().unwrap_or_else(PoisonError::into_inner).push(ws);
                        out
                    })
                    .collect();
                for (batch, vectors) in batches.iter().zip(results) {
                    for (&i, v) in batch.iter().zip(vectors?) {
                        pooled[i] = v;
                    }
                }
            }
        }
        Ok(pooled)
    }

    fn take_workspace(&self) -> Workspace {
        self.workspaces.lock().unwrap_or_else(PoisonError::into_inner).pop().unwrap_or_default()
    }

    /// Runs candle's model on sequences of one length and pools each.
    fn forward(&self, model: &BertModel, seqs: &[&Sequence]) -> candle_core::Result<Vec<Vec<f32>>> {
        let len = seqs[0].ids.len();
        let ids: Vec<u32> = seqs.iter().flat_map(|s| s.ids.iter().copied()).collect();
        let type_ids: Vec<u32> = seqs.iter().flat_map(|s| s.type_ids.iter().copied()).collect();
        let ids = Tensor::from_vec(ids, (seqs.len(), len), &self.device)?;
        let type_ids = Tensor::from_vec(type_ids, (seqs.len(), len), &self.device)?;
        // No attention mask: the batch holds no padding, every token is attended to.
        let states = model.forward(&ids, &type_ids, None)?;
        self.pooling.apply(&states)?.to_dtype(DType::F32)?.to_vec2::<f32>()
    }
}

impl Embedder for BertEmbedder {
    fn dim(&self) -> usize {
        self.info.dim
    }

    fn model_id(&self) -> &str {
        &self.info.id
    }

    fn engine(&self) -> &str {
        &self.info.engine
    }

    fn embed(&self, texts: &[&str]) -> crate::error::Result<Vec<Vec<f32>>> {
        let _span = tracing::debug_span!("embed", texts = texts.len()).entered();
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        match &self.pool {
            Some(pool) => pool.install(|| self.embed_here(texts)),
            None => self.embed_here(texts),
        }
    }
}

impl BertEmbedder {
    /// [`Embedder::embed`] on the current thread pool.
    fn embed_here(&self, texts: &[&str]) -> crate::error::Result<Vec<Vec<f32>>> {
        let seqs = self.sequences(texts)?;
        let pooled = self.pool_all(&seqs)?;
        let dim = pooled.iter().map(Vec::len).max().unwrap_or(0);
        let mut out = Vec::with_capacity(texts.len());
        let mut rest = &seqs[..];
        let mut rest_pooled = &pooled[..];
        for text in 0..texts.len() {
            let n = rest.iter().take_while(|s| s.text == text).count();
            let mut v = if n == 1 {
                rest_pooled[0].clone()
            } else {
                let parts: Vec<(&[f32], f32)> = (0..n)
                    .filter(|&j| !rest_pooled[j].is_empty())
                    .map(|j| (rest_pooled[j].as_slice(), rest[j].ids.len() as f32))
                    .collect();
                pooling::weighted_mean(&parts, dim)
            };
            v.resize(dim, 0.0);
            pooling::normalize(&mut v);
            out.push(v);
            rest = &rest[n..];
            rest_pooled = &rest_pooled[n..];
        }
        Ok(out)
    }
}

impl fmt::Debug for BertEmbedder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BertEmbedder")
            .field("info", &self.info)
            .field("device", &self.device)
            .field("threads", &self.pool.as_ref().map(|p| p.current_num_threads()))
            .field("overflow", &self.overflow)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct SentenceBertConfig {
    max_seq_length: Option<usize>,
}

impl SentenceBertConfig {
    fn read(dir: &Path) -> crate::error::Result<Option<SentenceBertConfig>> {
        let path = dir.join("sentence_bert_config.json");
        match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map(Some).map_err(|e| Error::model_load(&path, e))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, e)),
        }
    }
}

/// `max_position_embeddings` from a BERT config (candle's `Config` keeps it private).
fn config_max_positions(path: &Path) -> crate::error::Result<usize> {
    #[derive(Deserialize)]
    struct Positions {
        max_position_embeddings: usize,
    }
    let p: Positions =
        serde_json::from_slice(&read(path)?).map_err(|e| Error::model_load(path, e))?;
    Ok(p.max_position_embeddings)
}

fn read(path: &Path) -> crate::error::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_respects_char_boundaries() {
        assert_eq!(clip("héllo", 2), "h");
        assert_eq!(clip("héllo", 3), "hé");
        assert_eq!(clip("abc", 10), "abc");
        assert_eq!(clip("€", 2), "");
    }

    #[test]
    fn embedder_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<BertEmbedder>();
    }

    #[test]
    fn hex_digest() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
