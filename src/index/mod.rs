//! The index: one directory holding the clauses of an archive, their full text, facts and
//! embeddings, built by an [`IndexWriter`] and searched through [`IndexReader`] snapshots.
//!
//! ```text
//! <index>/manifest.json   format version, embedding model id + dimension, checksum
//! <index>/text/           tantivy: one tantivy document per clause and one per Document
//! <index>/vectors/        clause embeddings, one immutable file per commit generation
//! <index>/changes/        what each commit removed (files, documents, clauses), for exports
//! <index>/writer.lock     held by the one writer (an OS lock: released if the process dies)
//! ```
//!
//! # Commits
//!
//! A commit writes the new embeddings to `vectors/<generation>.vec` (through a temporary file,
//! synced, renamed, directory synced), then commits tantivy with a payload naming the
//! generation and every vector file with its row count and checksum. Tantivy's commit is the
//! single atomic step: until it lands, the new clauses are invisible and the new vector file is
//! a leftover, removed the next time a writer opens. Vector files are never rewritten or
//! truncated once a commit names them, so a reader that mapped one keeps a valid mapping.
//!
//! Each clause record points at its vector by `(generation, row)`. Clauses with the same
//! normalised text ([`TextHash`]) share one row: boilerplate that an archive repeats verbatim is
//! embedded once, and re-ingesting a changed file re-uses the vectors of its unchanged clauses.

pub(crate) mod changes;
mod manifest;
pub(crate) mod records;
mod vectors;
mod writer;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::embed::Embedder;
use crate::error::{Error, ErrorKind, Result};
pub use crate::review::TextHash;

pub use crate::segment::ClauseId;
pub use manifest::{FORMAT_VERSION, Manifest};
pub(crate) use records::Fields;
pub use writer::{CommitInfo, IndexWriter, PreparedClause};

pub(crate) use vectors::{VectorFile, VectorKey, collect_keys};

/// The embedding model an index was built with. Vectors of different models, or of different
/// engines running one model (they agree closely but not exactly), are never mixed in one index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelIdentity {
    /// [`Embedder::model_id`].
    pub id: String,
    /// [`Embedder::dim`].
    pub dim: usize,
    /// [`Embedder::engine`] (e.g. `native-f32`).
    pub engine: String,
}

impl ModelIdentity {
    /// The identity of an embedder.
    pub fn of(embedder: &dyn Embedder) -> ModelIdentity {
        ModelIdentity {
            id: embedder.model_id().to_owned(),
            dim: embedder.dim(),
            engine: embedder.engine().to_owned(),
        }
    }
}

/// An index directory, open. Cheap to clone; share it between threads.
#[derive(Clone)]
pub struct Index {
    inner: Arc<IndexInner>,
}

struct IndexInner {
    dir: PathBuf,
    manifest: Manifest,
    text: tantivy::Index,
    fields: Fields,
    vectors: Mutex<std::collections::HashMap<u32, Arc<VectorFile>>>,
}

impl fmt::Debug for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Index").field("dir", &self.inner.dir).finish_non_exhaustive()
    }
}

const TEXT_DIR: &str = "text";
const VECTOR_DIR: &str = "vectors";
const LOCK_FILE: &str = "writer.lock";

impl Index {
    /// Creates a new index in `dir` (created if missing; it must be empty) for vectors of
    /// `model`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`] if `dir` holds anything; I/O errors.
    pub fn create_in_dir(dir: impl AsRef<Path>, model: ModelIdentity) -> Result<Index> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        if entries.next().is_some() {
            return Err(Error::invalid_argument(format!(
                "{} is not empty: an index is created in an empty directory",
                dir.display()
            )));
        }
        for sub in [TEXT_DIR, VECTOR_DIR] {
            let p = dir.join(sub);
            std::fs::create_dir(&p).map_err(|e| Error::io(&p, e))?;
        }
        let fields = Fields::new();
        tantivy::Index::builder()
            .schema(fields.schema.clone())
            .settings(tantivy::IndexSettings::default())
            .create_in_dir(dir.join(TEXT_DIR))
            .map_err(|e| Error::index(dir, e))?;
        // The manifest is written last: a directory without one is not an index yet.
        Manifest::new(model).write(dir)?;
        vectors::sync_dir(dir)?;
        Index::open_in_dir(dir)
    }

    /// Opens the index in `dir`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::IndexCorrupt`] if the manifest is missing, damaged or of another format
    /// version, or the text index does not open; I/O errors.
    pub fn open_in_dir(dir: impl AsRef<Path>) -> Result<Index> {
        let dir = dir.as_ref();
        let manifest = Manifest::read(dir)?;
        let text_dir = dir.join(TEXT_DIR);
        let text = tantivy::Index::open_in_dir(&text_dir)
            .map_err(|e| Error::index_corrupt(dir, format!("text index: {e}")))?;
        let fields = Fields::from_schema(&text.schema())
            .map_err(|m| Error::index_corrupt(dir, format!("text index schema: {m}")))?;
        Ok(Index {
            inner: Arc::new(IndexInner {
                dir: dir.to_path_buf(),
                manifest,
                text,
                fields,
                vectors: Mutex::new(Default::default()),
            }),
        })
    }

    /// Opens the index in `dir`, or creates it there for `model` if `dir` holds no index.
    /// An existing index must have been built with `model`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ModelMismatch`] if the index was built with another model; see
    /// [`Index::open_in_dir`] and [`Index::create_in_dir`].
    pub fn open_or_create(dir: impl AsRef<Path>, model: ModelIdentity) -> Result<Index> {
        let dir = dir.as_ref();
        let index = if dir.join(manifest::MANIFEST_FILE).exists() {
            Index::open_in_dir(dir)?
        } else {
            Index::create_in_dir(dir, model.clone())?
        };
        index.check_model(&model)?;
        Ok(index)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.inner.manifest
    }

    /// Fails unless the index's vectors were made by `model`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ModelMismatch`].
    pub fn check_model(&self, model: &ModelIdentity) -> Result<()> {
        let ours = &self.inner.manifest.model;
        if ours == model {
            Ok(())
        } else {
            Err(Error::from(ErrorKind::ModelMismatch {
                index: self.inner.dir.clone(),
                expected: format!("{} ({} dimensions, {})", ours.id, ours.dim, ours.engine),
                found: format!("{} ({} dimensions, {})", model.id, model.dim, model.engine),
            }))
        }
    }

    /// Where this index keeps its review store: `<index>/review.sqlite`
    /// ([`review::STORE_FILE`](crate::review::STORE_FILE)).
    pub fn review_store_path(&self) -> PathBuf {
        self.inner.dir.join(crate::review::STORE_FILE)
    }

    /// The review store of this index ([`Index::review_store_path`]), created if missing.
    ///
    /// # Errors
    ///
    /// See [`ReviewStore::open`](crate::review::ReviewStore::open).
    pub fn review_store(&self) -> Result<crate::review::ReviewStore> {
        crate::review::ReviewStore::open(self.review_store_path())
    }

    /// Takes the index's one writer.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::IndexLocked`] if another writer, in this process or another, holds it.
    pub fn writer(&self) -> Result<IndexWriter> {
        IndexWriter::new(self.clone())
    }

    /// Checks the whole index: the manifest's checksum, the last commit's payload, and every
    /// vector file it names against its checksum and row count, and that every clause points at
    /// an existing vector row. Returns what was checked.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::IndexCorrupt`] naming the first problem.
    pub fn verify(&self) -> Result<IndexVerification> {
        let payload = self.committed_payload()?;
        let mut rows_by_gen = std::collections::HashMap::new();
        for file in &payload.vector_files {
            let vf = self.vector_file(file.generation)?;
            if vf.rows() != file.rows as usize {
                return Err(Error::index_corrupt(
                    self.dir(),
                    format!(
                        "vector file {} has {} rows, the commit says {}",
                        file.generation,
                        vf.rows(),
                        file.rows
                    ),
                ));
            }
            let sum = vf.checksum();
            if sum != file.sha256 {
                return Err(Error::index_corrupt(
                    self.dir(),
                    format!("vector file {} fails its checksum", file.generation),
                ));
            }
            rows_by_gen.insert(file.generation, file.rows);
        }
        let changes_dir = self.dir().join(changes::CHANGES_DIR);
        for entry in &payload.change_files {
            changes::read_one(self.dir(), &changes_dir, entry)?;
        }
        let (keys, documents) = self.committed_contents()?;
        for key in &keys {
            match rows_by_gen.get(&key.generation()) {
                Some(&rows) if key.row() < rows => {}
                _ => {
                    return Err(Error::index_corrupt(
                        self.dir(),
                        format!(
                            "a clause points at vector row {} of generation {}, which no commit wrote",
                            key.row(),
                            key.generation()
                        ),
                    ));
                }
            }
        }
        Ok(IndexVerification {
            generation: payload.generation,
            vector_files: payload.vector_files.len(),
            vector_rows: payload.vector_files.iter().map(|f| u64::from(f.rows)).sum(),
            removal_logs: payload.change_files.len(),
            clauses: keys.len() as u64,
            documents,
        })
    }

    /// Every clause's vector key and the number of documents in the last commit, read with a
    /// reader of its own.
    fn committed_contents(&self) -> Result<(Vec<VectorKey>, u64)> {
        let err = |e| Error::index(&self.inner.dir, e);
        let reader: tantivy::IndexReader = self
            .inner
            .text
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(err)?;
        let searcher = reader.searcher();
        let record = |kind: &str| {
            tantivy::query::TermQuery::new(
                tantivy::Term::from_field_text(self.fields().record, kind),
                tantivy::schema::IndexRecordOption::Basic,
            )
        };
        let keys = collect_keys(&searcher, &record(records::RECORD_CLAUSE)).map_err(err)?;
        let documents = searcher
            .search(&record(records::RECORD_DOCUMENT), &tantivy::collector::Count)
            .map_err(err)?;
        Ok((keys, documents as u64))
    }

    pub(crate) fn committed_payload(&self) -> Result<CommitPayload> {
        let metas = self.inner.text.load_metas().map_err(|e| Error::index(self.dir(), e))?;
        CommitPayload::parse(metas.payload.as_deref())
            .map_err(|m| Error::index_corrupt(self.dir(), format!("commit payload: {m}")))
    }

    /// The vector file of a committed generation, mapped once and shared.
    pub(crate) fn vector_file(&self, generation: u32) -> Result<Arc<VectorFile>> {
        let mut map = self.inner.vectors.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(vf) = map.get(&generation) {
            return Ok(Arc::clone(vf));
        }
        let path = vectors::file_path(&self.inner.dir.join(VECTOR_DIR), generation);
        let vf = Arc::new(VectorFile::open(&path, self.inner.manifest.model.dim)?);
        map.insert(generation, Arc::clone(&vf));
        Ok(vf)
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.inner.fields
    }

    pub(crate) fn text_index(&self) -> &tantivy::Index {
        &self.inner.text
    }

    /// The generation of the last commit (0 before the first).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::IndexCorrupt`] if the commit payload cannot be read.
    pub fn generation(&self) -> Result<u32> {
        Ok(self.committed_payload()?.generation)
    }

    /// What the commits after generation `since` removed, oldest first.
    pub(crate) fn removals_since(&self, since: u32) -> Result<Vec<(u32, changes::Removal)>> {
        changes::read_since(self.dir(), &self.committed_payload()?, since)
    }

    pub(crate) fn changes_dir(&self) -> PathBuf {
        self.inner.dir.join(changes::CHANGES_DIR)
    }

    pub(crate) fn vector_dir(&self) -> PathBuf {
        self.inner.dir.join(VECTOR_DIR)
    }

    pub(crate) fn lock_path(&self) -> PathBuf {
        self.inner.dir.join(LOCK_FILE)
    }
}

/// What [`Index::verify`] checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct IndexVerification {
    /// The last commit's generation (0: nothing committed yet).
    pub generation: u32,
    /// Vector files named by the commit, all checked.
    pub vector_files: usize,
    /// Their rows.
    pub vector_rows: u64,
    /// Removal logs named by the commit, all checked.
    pub removal_logs: usize,
    /// Clauses, each pointing at an existing vector row.
    pub clauses: u64,
    /// Documents.
    pub documents: u64,
}

/// The tantivy commit payload: what the vectors of a commit are.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct CommitPayload {
    pub(crate) format: u32,
    pub(crate) generation: u32,
    pub(crate) vector_files: Vec<VectorFileEntry>,
    /// The removal logs of the commits that removed something (absent in payloads written
    /// before incremental export).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) change_files: Vec<changes::ChangeFileEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct VectorFileEntry {
    pub(crate) generation: u32,
    pub(crate) rows: u32,
    pub(crate) sha256: String,
}

impl CommitPayload {
    fn parse(payload: Option<&str>) -> std::result::Result<CommitPayload, String> {
        match payload {
            None => Ok(CommitPayload { format: FORMAT_VERSION, ..Default::default() }),
            Some(p) => {
                let parsed: CommitPayload = serde_json::from_str(p).map_err(|e| e.to_string())?;
                if parsed.format != FORMAT_VERSION {
                    return Err(format!(
                        "format {} (this clausal reads {FORMAT_VERSION})",
                        parsed.format
                    ));
                }
                Ok(parsed)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::DocId;

    #[test]
    fn clause_ids_differ_by_position_and_document() {
        let d = DocId(7);
        assert_ne!(ClauseId::new(d, 0), ClauseId::new(d, 1));
        assert_ne!(ClauseId::new(d, 0), ClauseId::new(DocId(8), 0));
        assert_eq!(ClauseId::new(d, 3), ClauseId::new(d, 3));
        let s = ClauseId::new(d, 3).to_string();
        assert_eq!(s.parse::<ClauseId>().unwrap(), ClauseId::new(d, 3));
    }
}
