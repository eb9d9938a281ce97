//! The one writer of an index.

use std::collections::{HashMap, HashSet};
use std::fs::{File, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use super::changes::{self, ChangeFileEntry, Removal};
use super::records::{AnalyzedClause, AnalyzedDocument, FileKey, RECORD_DOCUMENT, str_of, u64_of};
use super::vectors::{self, VectorKey, sync_dir, write_file};
use super::{ClauseId, CommitPayload, FORMAT_VERSION, Index, TextHash, VectorFileEntry};
use crate::classify::KindScore;
use crate::classify::facts::ContractFacts;
use crate::embed::Embedder;
use crate::error::{Error, ErrorKind, Result};
use crate::extract::{DocId, Document};
use crate::segment::Clause;

/// Memory the text index may buffer before it flushes a segment.
const TEXT_MEMORY_BUDGET: usize = 96 << 20;

/// Adds, replaces and removes documents; makes the changes visible with [`IndexWriter::commit`].
///
/// There is one writer per index at a time, across threads and processes: taking a second one
/// fails with [`ErrorKind::IndexLocked`]. The lock is an operating-system file lock, so a writer
/// that dies (even by `kill -9`) releases it. Dropping a writer discards what it did not commit.
pub struct IndexWriter {
    index: Index,
    _lock: File,
    text: tantivy::IndexWriter<TantivyDocument>,
    cache_reader: tantivy::IndexReader,
    /// The last commit's generation; the next commit is `generation + 1`.
    generation: u32,
    files: Vec<VectorFileEntry>,
    change_files: Vec<ChangeFileEntry>,
    pending: Vec<f32>,
    pending_keys: HashMap<TextHash, VectorKey>,
    pending_documents: u64,
    pending_clauses: u64,
    /// What the next commit removes of the last commit's files, for its removal log.
    removals: Vec<Removal>,
    removed_paths: HashSet<String>,
}

/// What a commit made visible.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CommitInfo {
    /// The commit's generation, counting from 1.
    pub generation: u32,
    /// Documents added (or replaced).
    pub documents: u64,
    /// Clauses added.
    pub clauses: u64,
    /// Vectors written (clauses whose text the index had not embedded before).
    pub vectors: u64,
}

/// What [`IndexWriter::add_file`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AddStats {
    pub(crate) clauses: u64,
    /// Clause texts embedded.
    pub(crate) embedded: u64,
    /// Clauses whose vector was already in the index or this commit.
    pub(crate) cached: u64,
    pub(crate) embed_time: Duration,
}

impl IndexWriter {
    pub(crate) fn new(index: Index) -> Result<IndexWriter> {
        let lock_path = index.lock_path();
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(Error::from(ErrorKind::IndexLocked {
                    index: index.dir().to_path_buf(),
                }));
            }
            Err(TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
        }
        let payload = index.committed_payload()?;
        remove_leftovers(&index, &payload)?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        let text = index
            .text_index()
            .writer_with_num_threads(threads, TEXT_MEMORY_BUDGET)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => {
                    Error::from(ErrorKind::IndexLocked { index: index.dir().to_path_buf() })
                }
                e => Error::index(index.dir(), e),
            })?;
        let cache_reader = index
            .text_index()
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| Error::index(index.dir(), e))?;
        Ok(IndexWriter {
            index,
            _lock: lock,
            text,
            cache_reader,
            generation: payload.generation,
            files: payload.vector_files,
            change_files: payload.change_files,
            pending: Vec::new(),
            pending_keys: HashMap::new(),
            pending_documents: 0,
            pending_clauses: 0,
            removals: Vec::new(),
            removed_paths: HashSet::new(),
        })
    }

    /// The index.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The files in the last commit, with the content hash each was ingested with.
    ///
    /// # Errors
    ///
    /// If the text index cannot be read.
    pub fn indexed_files(&self) -> Result<HashMap<String, u64>> {
        let searcher = self.cache_reader.searcher();
        let fields = self.index.fields();
        let query = TermQuery::new(
            Term::from_field_text(fields.record, RECORD_DOCUMENT),
            IndexRecordOption::Basic,
        );
        let addresses = searcher
            .search(&query, &tantivy::collector::DocSetCollector)
            .map_err(|e| Error::index(self.index.dir(), e))?;
        let mut out = HashMap::new();
        for addr in addresses {
            let doc: TantivyDocument =
                searcher.doc(addr).map_err(|e| Error::index(self.index.dir(), e))?;
            if let (Some(path), Some(hash)) =
                (str_of(&doc, fields.path), u64_of(&doc, fields.file_hash))
            {
                out.insert(path.to_owned(), hash);
            }
        }
        Ok(out)
    }

    /// Replaces everything indexed from each file `key.path` with its documents, embedding the
    /// clause texts that neither the index nor this commit has embedded yet, all in one call so
    /// that the embedder can batch them by length.
    pub(crate) fn add_files(
        &mut self,
        files: &[(&FileKey, &[AnalyzedDocument])],
        embedder: &dyn Embedder,
    ) -> Result<AddStats> {
        let fields = self.index.fields().clone();
        let mut stats = AddStats::default();
        // Resolve every clause's vector: this commit, then the index, then the embedder.
        let mut missing: Vec<(TextHash, &str)> = Vec::new();
        let mut seen_missing: HashMap<TextHash, ()> = HashMap::new();
        for (_, docs) in files {
            for c in docs.iter().flat_map(|d| &d.clauses) {
                stats.clauses += 1;
                if self.pending_keys.contains_key(&c.text_hash) {
                    stats.cached += 1;
                } else if let Some(key) = self.committed_key(c.text_hash)? {
                    self.pending_keys.insert(c.text_hash, key);
                    stats.cached += 1;
                } else if seen_missing.insert(c.text_hash, ()).is_none() {
                    missing.push((c.text_hash, &c.text));
                } else {
                    stats.cached += 1;
                }
            }
        }
        stats.embedded = missing.len() as u64;
        if !missing.is_empty() {
            let t = Instant::now();
            let texts: Vec<&str> = missing.iter().map(|(_, t)| *t).collect();
            let vectors = embedder.embed(&texts)?;
            stats.embed_time = t.elapsed();
            let dim = self.index.manifest().model.dim;
            let generation = self.generation + 1;
            for ((hash, _), v) in missing.iter().zip(vectors) {
                if v.len() != dim {
                    return Err(Error::bug(format!(
                        "the embedder gave a vector of {} dimensions, the index holds {dim}",
                        v.len()
                    )));
                }
                let row = (self.pending.len() / dim) as u32;
                self.pending.extend_from_slice(&v);
                self.pending_keys.insert(*hash, VectorKey::new(generation, row));
            }
        }
        let generation = self.generation + 1;
        for (file, docs) in files {
            self.remove_path(&file.path)?;
            for d in *docs {
                self.add(fields.document_record(file, d, generation))?;
                for c in &d.clauses {
                    let key = self.pending_keys[&c.text_hash];
                    self.add(fields.clause_record(file, d, c, key, generation))?;
                }
            }
            self.pending_documents += docs.len() as u64;
        }
        self.pending_clauses += stats.clauses;
        Ok(stats)
    }

    /// Adds a one-clause document with its vector (no cache lookup, no embedding).
    pub(crate) fn add_with_vector(
        &mut self,
        file: &FileKey,
        doc: &AnalyzedDocument,
        vector: &[f32],
    ) -> Result<()> {
        let fields = self.index.fields().clone();
        let dim = self.index.manifest().model.dim;
        let row = (self.pending.len() / dim.max(1)) as u32;
        self.pending.extend_from_slice(vector);
        let generation = self.generation + 1;
        let key = VectorKey::new(generation, row);
        self.remove_path(&file.path)?;
        self.add(fields.document_record(file, doc, generation))?;
        for c in &doc.clauses {
            self.add(fields.clause_record(file, doc, c, key, generation))?;
        }
        self.pending_documents += 1;
        self.pending_clauses += doc.clauses.len() as u64;
        Ok(())
    }

    fn add(&mut self, doc: TantivyDocument) -> Result<()> {
        self.text.add_document(doc).map(|_| ()).map_err(|e| Error::index(self.index.dir(), e))
    }

    /// The vector of a clause text in the last commit, if any.
    fn committed_key(&self, hash: TextHash) -> Result<Option<VectorKey>> {
        let searcher = self.cache_reader.searcher();
        let fields = self.index.fields();
        let query = TermQuery::new(
            Term::from_field_u64(fields.text_hash, hash.short()),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .map_err(|e| Error::index(self.index.dir(), e))?;
        let Some((_, addr)) = top.first() else { return Ok(None) };
        let column = searcher
            .segment_reader(addr.segment_ord)
            .fast_fields()
            .u64(super::records::VEC_FIELD)
            .map_err(|e| Error::index(self.index.dir(), e))?;
        Ok(column.first(addr.doc_id).map(VectorKey))
    }

    /// Removes everything indexed from the file `path` (when the commit lands). The commit's
    /// removal log lists what the last commit held under `path`.
    ///
    /// # Errors
    ///
    /// If the text index cannot be read.
    pub fn remove_path(&mut self, path: &str) -> Result<()> {
        let fields = self.index.fields().clone();
        let term = Term::from_field_text(fields.path, path);
        if !self.removed_paths.contains(path) {
            if let Some(removal) = self.committed_under(path, &term)? {
                self.removals.push(removal);
            }
            self.removed_paths.insert(path.to_owned());
        }
        self.text.delete_term(term);
        Ok(())
    }

    /// The documents and clauses the last commit holds under `path`, if any.
    fn committed_under(&self, path: &str, term: &Term) -> Result<Option<Removal>> {
        let err = |e| Error::index(self.index.dir(), e);
        let searcher = self.cache_reader.searcher();
        let query = TermQuery::new(term.clone(), IndexRecordOption::Basic);
        let addresses =
            searcher.search(&query, &tantivy::collector::DocSetCollector).map_err(err)?;
        if addresses.is_empty() {
            return Ok(None);
        }
        let mut documents = Vec::new();
        let mut clauses = Vec::new();
        for addr in addresses {
            let fast = searcher.segment_reader(addr.segment_ord).fast_fields();
            let clause = fast.u64("clause_id").map_err(err)?.first(addr.doc_id);
            let Some(doc) = fast.u64("doc_id").map_err(err)?.first(addr.doc_id) else {
                continue;
            };
            match clause {
                Some(id) => clauses.push((ClauseId(id), DocId(doc))),
                None => documents.push(DocId(doc)),
            }
        }
        documents.sort();
        documents.dedup();
        clauses.sort();
        clauses.dedup();
        Ok(Some(Removal { path: path.to_owned(), documents, clauses }))
    }

    /// Makes everything added and removed since the last commit visible, atomically: documents,
    /// clauses and vectors together. When this returns, the commit is durable.
    ///
    /// # Errors
    ///
    /// I/O and text-index errors; the index keeps its previous commit.
    pub fn commit(&mut self) -> Result<CommitInfo> {
        let generation = self.generation + 1;
        let dim = self.index.manifest().model.dim;
        let rows = self.pending.len() / dim.max(1);
        let mut files = self.files.clone();
        if rows > 0 {
            let sha256 = write_file(&self.index.vector_dir(), generation, dim, &self.pending)?;
            files.push(VectorFileEntry { generation, rows: rows as u32, sha256 });
        }
        let mut change_files = self.change_files.clone();
        if !self.removals.is_empty() {
            change_files.push(changes::write(
                &self.index.changes_dir(),
                generation,
                &self.removals,
            )?);
        }
        let payload =
            CommitPayload { format: FORMAT_VERSION, generation, vector_files: files, change_files };
        let json = serde_json::to_string(&payload).map_err(|e| Error::bug(e.to_string()))?;
        let dir = self.index.dir().to_path_buf();
        let mut prepared = self.text.prepare_commit().map_err(|e| Error::index(&dir, e))?;
        prepared.set_payload(&json);
        prepared.commit().map_err(|e| Error::index(&dir, e))?;
        sync_dir(&dir.join(super::TEXT_DIR))?;
        let info = CommitInfo {
            generation,
            documents: self.pending_documents,
            clauses: self.pending_clauses,
            vectors: rows as u64,
        };
        self.generation = generation;
        self.files = payload.vector_files;
        self.change_files = payload.change_files;
        self.removals.clear();
        self.removed_paths.clear();
        self.pending.clear();
        self.pending_keys.clear();
        self.pending_documents = 0;
        self.pending_clauses = 0;
        self.cache_reader.reload().map_err(|e| Error::index(&dir, e))?;
        Ok(info)
    }

    /// Rows of vectors waiting for the next commit.
    pub(crate) fn pending_vectors(&self) -> usize {
        self.pending.len() / self.index.manifest().model.dim.max(1)
    }

    /// Adds clauses whose kinds and vectors the caller computed (embeddings computed on another
    /// machine, synthetic corpora for benchmarks). Each becomes a one-clause text document under
    /// its key, replacing what the index held there. No facts are read.
    ///
    /// The vectors must come from the index's model; only their dimension can be checked.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`] for a vector of the wrong dimension; index errors.
    pub fn add_prepared(&mut self, clauses: Vec<PreparedClause>) -> Result<()> {
        let dim = self.index().manifest().model.dim;
        for c in clauses {
            if c.vector.len() != dim {
                return Err(Error::invalid_argument(format!(
                    "a vector of {} dimensions for an index of {dim}",
                    c.vector.len()
                )));
            }
            let id = DocId::of_bytes(c.key.as_bytes());
            let mut doc = Document::from_plain_text(id, String::new());
            doc.source = c.key.clone();
            doc.blocks = Vec::new();
            let clause = Clause::whole(0..c.text.len());
            let a = AnalyzedDocument {
                doc,
                date: None,
                parties: Vec::new(),
                kinds: c.kinds.clone(),
                facts: ContractFacts::default(),
                role: None,
                key_dates: None,
                clauses: vec![AnalyzedClause {
                    id: ClauseId::new(id, 0),
                    clause,
                    text_hash: TextHash::of(&c.text),
                    text: c.text,
                    kinds: c.kinds,
                    near_kinds: Vec::new(),
                    facts: Vec::new(),
                }],
            };
            self.add_with_vector(&FileKey { path: c.key, hash: id.0 }, &a, &c.vector)?;
        }
        Ok(())
    }
}

/// A clause whose kinds and vector were computed elsewhere, for
/// [`IndexWriter::add_prepared`].
#[derive(Clone, Debug)]
pub struct PreparedClause {
    /// Source and path of the one-clause document it becomes.
    pub key: String,
    /// The clause text.
    pub text: String,
    /// Its kinds.
    pub kinds: Vec<KindScore>,
    /// Its embedding, made by the index's model.
    pub vector: Vec<f32>,
}

/// Removes what an interrupted commit left: temporary files, and vector files and removal logs
/// no commit names.
fn remove_leftovers(index: &Index, payload: &CommitPayload) -> Result<()> {
    remove_unnamed(&index.vector_dir(), ".vec", |name| {
        vectors::generation_of(name)
            .is_some_and(|g| payload.vector_files.iter().any(|f| f.generation == g))
    })?;
    remove_unnamed(&index.changes_dir(), ".json", |name| {
        changes::generation_of(name)
            .is_some_and(|g| payload.change_files.iter().any(|f| f.generation == g))
    })
}

/// Removes the temporary files of `dir`, and its `extension` files that `committed` does not
/// claim; syncs `dir` if it removed any. A missing `dir` holds nothing.
fn remove_unnamed(dir: &Path, extension: &str, committed: impl Fn(&str) -> bool) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut removed = false;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !committed(&name) && (name.ends_with(".tmp") || name.ends_with(extension)) {
            tracing::info!(file = %name, "removing the leftover of an interrupted commit");
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            removed = true;
        }
    }
    if removed {
        sync_dir(dir)?;
    }
    Ok(())
}
