//! clausal: an embedded engine for understanding a contract archive.
//!
//! clausal ingests contracts and emails, splits them into clauses, types the clauses, extracts
//! their facts, and indexes everything for hybrid keyword and semantic search, risk flags and
//! legal review. It runs offline on one machine: the embedding model ships with the crate.
//!
//! Present today: extraction, segmentation, clause kinds and facts, the local sentence
//! embedder, the index with bulk ingestion and hybrid search, and the review store. Risk flags
//! are being built.
//!
//! # Quick start
//!
//! ```
//! use clausal::{BertEmbedder, Embedder};
//!
//! let embedder = BertEmbedder::from_dir(clausal::bundled_model_dir())?;
//! let v = embedder.embed(&[
//!     "Neither party is liable for delays caused by epidemics or pandemics.",
//!     "Force majeure includes outbreaks of contagious disease.",
//!     "This Agreement is governed by the laws of the State of New York.",
//! ])?;
//! let cosine = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
//! assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Extracting a file:
//!
//! ```
//! # let dir = std::env::temp_dir().join(format!("clausal-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # let path = dir.join("notice.txt");
//! # std::fs::write(&path, "Notice of non-renewal.\n\nThe Agreement ends on 30 June 2026.")?;
//! use clausal::{ExtractOptions, extract};
//!
//! let docs = extract(&path, &ExtractOptions::default())?;
//! assert_eq!(docs[0].blocks.len(), 2);
//! assert!(docs[0].text.ends_with("30 June 2026."));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Core concepts
//!
//! - [`extract()`] turns a file into [`Document`]s: text in reading order as [`Block`]s with
//!   [`Span`]s (byte range, page), metadata, and child documents for attachments, within
//!   [`Limits`].
//! - An [`Embedder`] maps texts to unit-length vectors; [`BertEmbedder`] runs a
//!   sentence-transformers model with candle, on the device a [`DeviceChoice`] names.
//! - [`ModelInfo`] identifies the model (name, dimension, weights checksum) so that vectors made
//!   by different models are never mixed.
//! - A [`ReviewStore`] keeps reviewers' [`Decision`]s on risk flags (a [`Verdict`] on one rule
//!   and one clause text, named by its [`TextHash`]) as an append-only chain of [`Entry`]s, each
//!   hashing the one before; [`ReviewStore::verify`] recomputes the chain.
//! - An [`Index`] is one directory: [`IndexWriter::ingest`] adds files and folders (one writer
//!   at a time, atomic commits), [`IndexReader::searcher`] gives a [`Searcher`] snapshot for BM25,
//!   vector and hybrid [`SearchRequest`]s with [`Filter`]s.
//! - A [`ReviewStore`] keeps reviewers' decisions, append-only and hash-chained.
//! - Every fallible call returns [`Result`], whose [`Error`] tells its [`ErrorKind`] and whose
//!   fault it is ([`Fault`]).
//!
//! # Pipeline
//!
//! ```text
//! source file -> extract -> Document -> segment -> Clause[] -> classify + facts -> embed -> index
//!                                                        search -> risk flags -> review store
//! ```
//!
//! Each stage is a module that uses only the stages before it. Present today: `extract`,
//! `segment`, `classify`, `embed` and `review`.
//!
//! # Untrusted input
//!
//! Documents are hostile until proven otherwise. Extraction checks every [`Limits`] bound on
//! sizes actually read, before a third-party parser sees the input, and turns every failure into
//! a per-document error ([`ErrorKind::LimitExceeded`], [`ErrorKind::Encrypted`],
//! [`ErrorKind::MalformedDocument`], [`ErrorKind::UnsupportedFormat`]); nothing a document
//! contains can panic. Text reaching the embedder can be anything: empty, enormous, or spelling out the model's
//! special tokens. None of it makes embedding fail or run unbounded: texts are cut to
//! [`BertEmbedderBuilder::max_text_bytes`] before tokenization and to the model's sequence limit
//! after it ([`Overflow`]).
//!
//! # Crate features
//!
//! - `pdf`, `docx`, `email` (default): the extractors for those formats. Without one, files of
//!   that format give [`ErrorKind::UnsupportedFormat`].
//! - `cli` (default): the `clausal` command-line program.
//! - `cuda`: run the embedding model on an NVIDIA GPU with candle's CUDA backend.
//! - `metal`: run it on an Apple GPU with candle's Metal backend.
//! - `mkl` / `accelerate`: faster CPU matrix products through Intel MKL / Apple Accelerate.
//!
//! Without `cuda` or `metal` the API is unchanged, and asking for that device returns
//! [`ErrorKind::DeviceUnavailable`].

#![doc(test(attr(deny(warnings))))]

mod civil;
pub mod classify;
mod embed;
mod error;
pub mod eval;
mod extract;
mod index;
mod review;
pub mod risk;
mod search;
mod segment;

pub use classify::facts;
pub use classify::{Classifier, ClauseKind, ClauseView, KindScore, LabelledClause};
pub use embed::{
    BertEmbedder, BertEmbedderBuilder, DeviceChoice, Embedder, Engine, ModelInfo, Overflow,
    bundled_model_dir,
};
pub use error::{Error, ErrorKind, Fault, Result};
pub use extract::{
    Block, BlockKind, DocId, DocKind, Document, ExtractOptions, Limits, PageInfo, Span, extract,
    extract_bytes,
};
pub use index::records::{ClauseRecord, DocumentRecord};
pub use index::{
    ClauseId, CommitInfo, FORMAT_VERSION as INDEX_FORMAT_VERSION, FailedFile, Index,
    IndexVerification, IndexWriter, IngestEvent, IngestOptions, IngestReport, IngestTimings,
    Manifest, ModelIdentity, PreparedClause,
};
pub use review::{
    Clock, Decision, Entry, EntryHash, History, REVIEW_FORMAT_VERSION,
    REVIEW_OLDEST_SUPPORTED_VERSION, ReviewStore, RuleStats, TextHash, Timestamp, Verdict,
    Verification,
};
pub use search::{
    Filter, Fusion, Hit, IndexReader, IndexStats, QuerySyntax, Ranked, SearchMode, SearchRequest,
    Searcher, Similar, Snippet,
};
pub use segment::{Clause, ClauseRole, segment};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
