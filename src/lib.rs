//! clausal: an embedded engine for understanding a contract archive.
//!
//! clausal ingests contracts and emails, splits them into clauses, types the clauses, extracts
//! their facts, and indexes everything for hybrid keyword and semantic search, risk flags and
//! legal review. It runs offline on one machine: no service, no network, no download at run
//! time.
//!
//! Every stage below works today; each has a runnable example further down.
//!
//! # Quick start
//!
//! ```
//! use clausal::{BertEmbedder, Embedder};
//!
//! let embedder = BertEmbedder::from_dir(clausal::default_model_dir())?;
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
//! The embedding model (all-MiniLM-L6-v2, 45 MB) ships in the repository's `models/` folder,
//! not in the published crate: [`default_model_dir`] finds it through `$CLAUSAL_MODEL`, a
//! `models/all-MiniLM-L6-v2` folder beside the executable, or the source tree clausal was built
//! from. Any BERT-family sentence-transformers directory works
//! ([`BertEmbedderBuilder::new`]). The clause classifier's weights are compiled into the crate.
//!
//! # Core concepts
//!
//! - [`extract()`] turns a file into [`Document`]s: text in reading order as [`Block`]s with
//!   [`Span`]s (byte range, page), metadata, and child documents for attachments, within
//!   [`Limits`].
//! - [`segment()`] splits a document into [`Clause`]s as a lawyer cites them: number, heading,
//!   [`ClauseRole`], nesting and spans.
//! - A [`Classifier`] types clauses with [`ClauseKind`]s ([`KindScore`]s, several per clause,
//!   none when no kind fits); [`Classifier::analyze`] types a document's clauses and reads their
//!   [`facts`] in one call, the analysis ingestion and the evaluations share.
//! - An [`Embedder`] maps texts to unit-length vectors; [`BertEmbedder`] runs a
//!   sentence-transformers model natively or with candle, on the device a [`DeviceChoice`]
//!   names. [`ModelInfo`] identifies the model, so vectors of different models never mix.
//! - An [`Index`] is one directory: an [`IndexWriter`] (one at a time, atomic commits) stores
//!   analysed documents; [`ingest`] runs the whole pipeline over files and folders into it.
//! - [`Index::reader`] gives an [`IndexReader`], whose [`Searcher`] snapshots answer BM25,
//!   vector and hybrid [`SearchRequest`]s with [`Filter`]s applied before ranking.
//! - [`risk`]: rule packs ([`risk::RulePack`]) compiled into a [`risk::RiskEngine`], which flags
//!   clauses and documents of a snapshot ([`risk::RiskEngine::flags`]), ranks documents by risk
//!   and proposes what to review next.
//! - A [`ReviewStore`] keeps reviewers' [`Decision`]s on flags (a [`Verdict`] on one rule and
//!   one clause text, named by its [`TextHash`]) as an append-only chain of [`Entry`]s, each
//!   hashing the one before; [`ReviewStore::verify`] recomputes the chain. The risk engine reads
//!   the decisions back as feedback.
//! - Every fallible call returns [`Result`], whose [`Error`] tells its [`ErrorKind`] and whose
//!   fault it is ([`Fault`]).
//!
//! # Pipeline
//!
//! ```text
//! source file -> extract -> Document -> segment -> Clause[] -> classify + facts -> embed -> index
//!                                               search -> risk flags -> review store -> feedback
//! ```
//!
//! Inside the crate each stage is a module that uses only the modules below it, in this order
//! from the bottom up (`tests/architecture.rs` fails the build's tests when an import runs up):
//! `civil` and `error` (leaves), `extract`, `embed` and `review`, `segment`, `classify`,
//! `index` (the store), `pipeline` (ingestion) and `search`, then `risk`. See
//! `docs/adr/006-workspace-and-layers.md`.
//!
//! # Public API
//!
//! Each public item has one path. The types of the pipeline are at the crate root; two
//! vocabularies that belong to one stage keep a module of their own: [`facts`] (the typed facts
//! and their parsers) and [`risk`] (rule packs, the engine, flags and their explanations). See
//! `docs/adr/007-public-api.md`.
//!
//! # Examples, stage by stage
//!
//! Segmenting and typing the clauses of a document, with their facts:
//!
//! ```
//! use clausal::{Classifier, ClauseKind, Document, DocId, segment};
//!
//! let text = "1. Term\n\nThis Agreement starts on 1 March 2019 and lasts three years.\n\n\
//!             2. Force Majeure\n\nNeither party is liable for delays caused by fire, flood \
//!             or epidemic.";
//! let doc = Document::from_plain_text(DocId::of_bytes(text.as_bytes()), text.to_owned());
//! let clauses = segment(&doc);
//! // A numbered heading is a clause of its own; the paragraph under it is its child.
//! let fm = clauses.iter().position(|c| c.heading.as_deref() == Some("Force Majeure")).unwrap();
//! let analysis = Classifier::bundled()?.analyze(&doc, &clauses);
//! assert!(analysis.clauses[fm].kinds.iter().any(|k| k.kind == ClauseKind::ForceMajeure));
//! let facts: usize = analysis.clauses.iter().map(|c| c.facts.len()).sum();
//! assert!(facts >= 2); // 1 March 2019; three years
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
//! Ingesting a folder, searching it, flagging it and recording a review decision:
//!
//! ```
//! # let base = std::env::temp_dir().join(format!("clausal-lib-{}", std::process::id()));
//! # let docs = base.join("docs");
//! # std::fs::create_dir_all(&docs)?;
//! # std::fs::write(docs.join("msa.md"), "# Master Agreement\n\n## 1. Force Majeure\n\n\
//! #     Neither party is liable for any failure caused by fire, flood or war.\n\n\
//! #     ## 2. Governing Law\n\nThis Agreement is governed by the laws of England.\n")?;
//! use clausal::risk::{RiskEngine, RiskQuery, RulePack};
//! use clausal::{
//!     BertEmbedder, Decision, Index, IngestOptions, ModelIdentity, SearchRequest, Verdict,
//! };
//!
//! let embedder = BertEmbedder::from_dir(clausal::default_model_dir())?;
//! let index = Index::create_in_dir(base.join("index"), ModelIdentity::of(&embedder))?;
//! let mut writer = index.writer()?;
//! let report = clausal::ingest(&mut writer, &[&docs], &embedder, &IngestOptions::default(),
//!     &mut |_| {})?;
//! assert_eq!(report.indexed, 1);
//! drop(writer);
//!
//! let searcher = index.reader()?.searcher();
//! let hits = searcher.search(&SearchRequest::new("failure caused by a flood").limit(3), &embedder)?;
//! assert!(hits.iter().any(|h| h.clause.text.contains("fire, flood or war")));
//!
//! let engine = RiskEngine::new(RulePack::builtin(), &embedder)?;
//! let flags = engine.flags(&searcher, &RiskQuery::new().rule("fm-no-pandemic"), &embedder)?;
//! let flag = flags.iter().find(|f| f.flagged).expect("no epidemic cover");
//!
//! let store = index.review_store()?;
//! let clause = flag.clause.as_ref().expect("a clause rule");
//! store.record(&Decision::new(&flag.rule_id, &flag.rule_version, clause.text_hash,
//!     Verdict::Confirm, "counsel@example.com"))?;
//! assert!(store.verify()?.entries >= 1);
//! # std::fs::remove_dir_all(&base)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
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
//! - `cuda`: run the embedding model on an NVIDIA GPU with candle's CUDA backend.
//! - `metal`: run it on an Apple GPU with candle's Metal backend.
//! - `mkl` / `accelerate`: faster CPU matrix products through Intel MKL / Apple Accelerate.
//!
//! Without `cuda` or `metal` the API is unchanged, and asking for that device returns
//! [`ErrorKind::DeviceUnavailable`].

#![doc(test(attr(deny(warnings))))]

mod civil;
mod classify;
pub mod deadlines;
mod embed;
mod error;
pub mod export;
mod extract;
mod index;
pub mod library;
mod pipeline;
mod review;
pub mod risk;
mod search;
mod segment;

pub use classify::facts;
pub use classify::role;
pub use classify::role::{Amends, DocRole, RoleAssignment};
pub use classify::{
    Analysis, Classifier, ClauseKind, ClauseView, DocumentScore, HEADING_SCORE, KindInfo,
    KindScore, LabelledClause, Model as ClassifierModel, ModelHeader, TrainOptions, TypedClause,
    clause_views, named_kinds, train,
};
pub use embed::{
    BertEmbedder, BertEmbedderBuilder, DeviceChoice, Embedder, Engine, MODEL_ENV, ModelInfo,
    Overflow, bundled_model_dir, default_model_dir,
};
pub use error::{Error, ErrorKind, Fault, Result};
pub use extract::{
    Block, BlockKind, DocId, DocKind, Document, ExtractOptions, Limits, OcrOptions, OcrWord,
    PageInfo, PageOcr, Span, extract, extract_bytes,
};
pub use index::records::{ClauseRecord, DocumentRecord};
pub use index::{
    ClauseId, CommitInfo, FORMAT_VERSION as INDEX_FORMAT_VERSION, Index, IndexVerification,
    IndexWriter, Manifest, ModelIdentity, PreparedClause,
};
pub use pipeline::{
    FailedFile, IngestEvent, IngestOptions, IngestReport, IngestTimings, Shard, ingest,
    ingest_clause_texts,
};
pub use review::{
    Clock, Decision, Entry, EntryHash, History, REVIEW_FORMAT_VERSION,
    REVIEW_OLDEST_SUPPORTED_VERSION, ReviewStore, RuleStats, STORE_FILE as REVIEW_STORE_FILE,
    TextHash, Timestamp, Verdict, Verification, canonical_version,
};
pub use search::{
    DeadlineQuery, Filter, Fusion, Hit, IndexReader, IndexStats, MAX_HITS, QuerySyntax, Ranked,
    ScannedClause, SearchMode, SearchRequest, Searcher, Similar, Snippet, Thread, ThreadId,
    ThreadMessage, Threads,
};
pub use segment::{Clause, ClauseRole, segment};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
