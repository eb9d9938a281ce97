//! Search over an index snapshot: BM25 over clause text and headings, exact vector search over
//! clause embeddings, and their fusion.
//!
//! Filters (clause kind, document, document format, date range, party) are one tantivy query
//! that every mode applies *before* ranking: BM25 intersects it with the text query, and the
//! vector scan only visits the rows of clauses that pass it. So a filter never empties a page of
//! results that unfiltered ranking would have filled with other clauses.
//!
//! Hybrid search fuses the two rankings by reciprocal rank fusion (`1 / (k + rank)`, k = 60 by
//! default) or, as an option, by a weighted mix of normalised scores. Every hit carries each
//! ranker's rank and score, so a result can always be explained.

mod deadlines;
mod reader;
mod scan;
mod threads;
mod vector;

pub(crate) use vector::dot;

pub use deadlines::DeadlineQuery;
pub use reader::IndexReader;
pub use scan::ScannedClause;
pub use threads::{Thread, ThreadId, ThreadMessage, Threads};

use std::collections::{HashMap, HashSet};
use std::ops::{Bound, Range};
use std::sync::OnceLock;

use serde::Serialize;
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{
    BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, TantivyDocument, Term};

use crate::classify::ClauseKind;
use crate::classify::role::{DocRole, RoleSummary, link_amendments};
use crate::embed::Embedder;
use crate::error::{Error, Result};
use crate::extract::{DocId, DocKind};
use crate::index::records::{
    ClauseRecord, DocumentRecord, RECORD_CLAUSE, RECORD_DOCUMENT, parse_iso_date,
};
use crate::index::{ClauseId, Index, ModelIdentity, VectorKey};
use crate::review::TextHash;

/// Longest query text accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 4096;
/// Deepest nesting of parentheses accepted in a query.
pub const MAX_QUERY_DEPTH: usize = 16;
/// Most terms and operators accepted in a query.
pub const MAX_QUERY_TERMS: usize = 256;

/// The most hits one search returns (and the deepest a ranking goes): larger limits are
/// clamped to it, so that a limit such as `usize::MAX` cannot exhaust memory.
pub const MAX_HITS: usize = 10_000;

/// How a query ranks clauses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchMode {
    /// BM25 over clause text and heading.
    Bm25,
    /// Cosine similarity of the query's embedding to clause embeddings (exact).
    Vector,
    /// Both, fused.
    #[default]
    Hybrid,
}

impl std::str::FromStr for SearchMode {
    type Err = Error;

    fn from_str(s: &str) -> Result<SearchMode> {
        match s {
            "bm25" => Ok(SearchMode::Bm25),
            "vector" => Ok(SearchMode::Vector),
            "hybrid" => Ok(SearchMode::Hybrid),
            _ => Err(Error::invalid_argument(format!(
                "unknown search mode {s:?} (bm25, vector or hybrid)"
            ))),
        }
    }
}

/// How hybrid search combines its two rankings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fusion {
    /// Reciprocal rank fusion: each ranker adds `weight / (k + rank)`, ranks from 1.
    Rrf {
        /// The constant k (60 in the original paper and by default).
        k: f32,
        /// Weight of the BM25 ranking; the vector ranking gets `1 - bm25_weight`... times 2, so
        /// 0.5 weighs them equally.
        bm25_weight: f32,
    },
    /// `w * bm25 / max(bm25) + (1 - w) * cosine`.
    Weighted {
        /// The weight `w` of the normalised BM25 score.
        bm25_weight: f32,
    },
}

impl Default for Fusion {
    fn default() -> Fusion {
        Fusion::Rrf { k: 60.0, bm25_weight: 0.5 }
    }
}

/// How the query text is read by BM25.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuerySyntax {
    /// Tantivy's query language: `"force majeure" AND (pandemic OR epidemic) -waiver`,
    /// `heading:indemnification`. A syntax error is an error.
    #[default]
    Tantivy,
    /// Words only: operators and punctuation are ignored (natural-language questions).
    Plain,
}

/// Which clauses a search may return. Empty lists do not filter.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Filter {
    /// Clauses of any of these kinds.
    pub kinds: Vec<ClauseKind>,
    /// Clauses of any of these documents.
    pub documents: Vec<DocId>,
    /// Clauses of documents of any of these formats.
    pub doc_kinds: Vec<DocKind>,
    /// Documents dated on or after this ISO date (`2020`, `2020-03`, `2020-03-01`).
    pub date_from: Option<String>,
    /// Documents dated on or before this ISO date.
    pub date_to: Option<String>,
    /// Documents naming this party (its words, in order).
    pub party: Option<String>,
    /// Clauses of documents of any of these roles (agreements only, amendments, ...).
    pub doc_roles: Vec<DocRole>,
    /// Clauses of the messages of any of these email threads, and of their attachments.
    pub threads: Vec<ThreadId>,
}

impl Filter {
    /// No filter.
    pub fn new() -> Filter {
        Filter::default()
    }

    /// Clauses of kind `kind` (or of any kind added before).
    pub fn kind(mut self, kind: ClauseKind) -> Filter {
        self.kinds.push(kind);
        self
    }

    /// Clauses of document `doc` (or of any document added before).
    pub fn document(mut self, doc: DocId) -> Filter {
        self.documents.push(doc);
        self
    }

    /// Whether the filter lets every clause through.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
            && self.documents.is_empty()
            && self.doc_kinds.is_empty()
            && self.date_from.is_none()
            && self.date_to.is_none()
            && self.party.is_none()
            && self.doc_roles.is_empty()
            && self.threads.is_empty()
    }

    /// Clauses of documents of role `role` (or of any role added before).
    pub fn doc_role(mut self, role: DocRole) -> Filter {
        self.doc_roles.push(role);
        self
    }

    /// Clauses of the messages of thread `thread` and their attachments (or of any thread
    /// added before).
    pub fn thread(mut self, thread: ThreadId) -> Filter {
        self.threads.push(thread);
        self
    }
}

/// A search: the query, how to rank, what to return.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SearchRequest {
    /// The query text.
    pub query: String,
    /// The ranking.
    pub mode: SearchMode,
    /// How BM25 reads the query.
    pub syntax: QuerySyntax,
    /// Hits to return (at most [`MAX_HITS`]; more is clamped).
    pub limit: usize,
    /// Which clauses may be returned.
    pub filter: Filter,
    /// How hybrid mode fuses.
    pub fusion: Fusion,
    /// How deep each ranking goes before hybrid fusion.
    pub candidates: usize,
    /// Characters of the snippet.
    pub snippet_chars: usize,
    /// The query's embedding, if the caller computed it already (with the index's model);
    /// otherwise vector and hybrid modes embed [`SearchRequest::query`].
    #[serde(skip)]
    pub embedding: Option<Vec<f32>>,
}

impl SearchRequest {
    /// A hybrid search for `query` returning 10 hits.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            mode: SearchMode::default(),
            syntax: QuerySyntax::default(),
            limit: 10,
            filter: Filter::default(),
            fusion: Fusion::default(),
            candidates: 100,
            snippet_chars: 240,
            embedding: None,
        }
    }

    /// Sets the mode.
    pub fn mode(mut self, mode: SearchMode) -> SearchRequest {
        self.mode = mode;
        self
    }

    /// Sets the number of hits.
    pub fn limit(mut self, limit: usize) -> SearchRequest {
        self.limit = limit;
        self
    }

    /// Sets the filter.
    pub fn filter(mut self, filter: Filter) -> SearchRequest {
        self.filter = filter;
        self
    }

    /// Sets how BM25 reads the query.
    pub fn syntax(mut self, syntax: QuerySyntax) -> SearchRequest {
        self.syntax = syntax;
        self
    }

    /// Sets the fusion.
    pub fn fusion(mut self, fusion: Fusion) -> SearchRequest {
        self.fusion = fusion;
        self
    }
}

/// One ranker's verdict on a hit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Ranked {
    /// 1-based rank.
    pub rank: usize,
    /// The ranker's score (BM25 score or cosine).
    pub score: f32,
}

/// The part of a clause's text shown with a hit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snippet {
    /// The fragment.
    pub text: String,
    /// Byte range of the fragment in the clause text.
    pub range: Range<usize>,
    /// Byte ranges of matched words, relative to the fragment.
    pub highlights: Vec<Range<usize>>,
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Hit {
    /// The clause.
    pub clause: ClauseRecord,
    /// The final score (the fused score in hybrid mode).
    pub score: f32,
    /// BM25's rank and score, if BM25 ranked it.
    pub bm25: Option<Ranked>,
    /// The vector ranking's rank and cosine, if it ranked it.
    pub vector: Option<Ranked>,
    /// A snippet with highlighted query words.
    pub snippet: Snippet,
}

/// Summary figures of an index snapshot.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct IndexStats {
    /// Commit generation.
    pub generation: u32,
    /// Documents.
    pub documents: u64,
    /// Files they came from.
    pub files: u64,
    /// Clauses.
    pub clauses: u64,
    /// Vector rows written (distinct clause texts embedded, plus rows of replaced clauses).
    pub vector_rows: u64,
    /// Clauses per kind, most common first.
    pub kinds: Vec<(String, u64)>,
    /// Documents per format.
    pub doc_kinds: Vec<(String, u64)>,
    /// Bytes on disk.
    pub disk_bytes: u64,
    /// The embedding model.
    pub model: String,
}

/// What [`Searcher::similar`] compares against.
#[derive(Clone, Debug, PartialEq)]
pub enum Similar {
    /// An indexed clause (itself excluded from the results).
    Clause(ClauseId),
    /// A text, embedded with the index's model.
    Text(String),
}

/// An immutable snapshot of an index to search. Cheap to create; use one per query or share it
/// between threads.
pub struct Searcher {
    index: Index,
    text: tantivy::Searcher,
    all_rows: OnceLock<vector::RowSet>,
}

impl Searcher {
    pub(crate) fn new(index: Index, text: tantivy::Searcher) -> Searcher {
        Searcher { index, text, all_rows: OnceLock::new() }
    }

    fn err(&self, e: tantivy::TantivyError) -> Error {
        Error::index(self.index.dir(), e)
    }

    /// Clauses in the snapshot.
    ///
    /// # Errors
    ///
    /// If the text index cannot be read.
    pub fn num_clauses(&self) -> Result<u64> {
        self.count(&self.record_query(RECORD_CLAUSE))
    }

    /// Documents in the snapshot.
    pub fn num_documents(&self) -> u64 {
        self.count(&self.record_query(RECORD_DOCUMENT)).unwrap_or(0)
    }

    fn count(&self, q: &dyn Query) -> Result<u64> {
        self.text.search(q, &Count).map(|c| c as u64).map_err(|e| self.err(e))
    }

    fn record_query(&self, record: &str) -> TermQuery {
        TermQuery::new(
            Term::from_field_text(self.index.fields().record, record),
            IndexRecordOption::Basic,
        )
    }

    /// Runs a search. `embedder` embeds the query for vector and hybrid modes; it must be the
    /// index's model.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidQuery`](crate::error::ErrorKind::InvalidQuery) for a query that is too
    /// long, too deep or (with [`QuerySyntax::Tantivy`]) malformed;
    /// [`ErrorKind::ModelMismatch`](crate::error::ErrorKind::ModelMismatch); index and embedder errors.
    pub fn search(&self, request: &SearchRequest, embedder: &dyn Embedder) -> Result<Vec<Hit>> {
        check_query(&request.query)?;
        let given_vector = request.mode == SearchMode::Vector && request.embedding.is_some();
        if request.query.trim().is_empty() && !given_vector {
            return Err(Error::invalid_query("the query is empty: give words to search for"));
        }
        let limit = request.limit.min(MAX_HITS);
        let filter = self.filter_query(&request.filter)?;
        let depth = match request.mode {
            SearchMode::Hybrid => request.candidates.min(MAX_HITS).max(limit),
            _ => limit,
        };
        let bm25 = match request.mode {
            SearchMode::Bm25 => self.bm25(&request.query, request.syntax, &filter, depth)?,
            // The vector half answers any text: a query that is not valid query syntax
            // ("Licensee's rights", "Section 12: Termination") is searched as plain words.
            SearchMode::Hybrid => {
                let syntax = match self.syntax_error(&request.query, request.syntax) {
                    Some(_) => QuerySyntax::Plain,
                    None => request.syntax,
                };
                self.bm25(&request.query, syntax, &filter, depth)?
            }
            SearchMode::Vector => Vec::new(),
        };
        let vector = match request.mode {
            SearchMode::Vector | SearchMode::Hybrid => {
                self.index.check_model(&ModelIdentity::of(embedder))?;
                let q = match &request.embedding {
                    Some(v) if v.len() == self.index.manifest().model.dim => v.clone(),
                    Some(v) => {
                        return Err(Error::invalid_argument(format!(
                            "a query embedding of {} dimensions for an index of {}",
                            v.len(),
                            self.index.manifest().model.dim
                        )));
                    }
                    None => embed_one(embedder, &request.query)?,
                };
                self.vector_ranking(&q, &request.filter, &filter, depth, None)?
            }
            SearchMode::Bm25 => Vec::new(),
        };
        let fused = fuse(request.mode, request.fusion, &bm25, &vector, limit);
        let highlight = self.highlight_query(&request.query);
        let snippets = self.snippet_generator(highlight.as_deref(), request.snippet_chars)?;
        fused.into_iter().map(|f| self.hit(f, snippets.as_ref(), request.snippet_chars)).collect()
    }

    /// The clauses most similar to a clause or a text, by cosine of their embeddings, within
    /// `filter`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for an unknown clause;
    /// index and embedder errors.
    pub fn similar(
        &self,
        target: &Similar,
        filter: &Filter,
        limit: usize,
        embedder: &dyn Embedder,
    ) -> Result<Vec<Hit>> {
        let limit = limit.min(MAX_HITS);
        let fq = self.filter_query(filter)?;
        let (q, exclude) = match target {
            Similar::Text(t) => {
                self.index.check_model(&ModelIdentity::of(embedder))?;
                (embed_one(embedder, t)?, None)
            }
            Similar::Clause(id) => {
                let (addr, _) = self
                    .clause_address(*id)?
                    .ok_or_else(|| Error::invalid_argument(format!("no clause {id}")))?;
                let key = self.vector_key(addr)?;
                let v = self.vector_of(key)?.to_vec();
                (v, Some(*id))
            }
        };
        let ranked = self.vector_ranking(&q, filter, &fq, limit + 1, exclude)?;
        let fused = fuse(SearchMode::Vector, Fusion::default(), &[], &ranked, limit);
        fused.into_iter().map(|f| self.hit(f, None, 240)).collect()
    }

    /// The vector of a clause.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for an unknown clause.
    pub fn clause_vector(&self, id: ClauseId) -> Result<Vec<f32>> {
        let (addr, _) = self
            .clause_address(id)?
            .ok_or_else(|| Error::invalid_argument(format!("no clause {id}")))?;
        Ok(self.vector_of(self.vector_key(addr)?)?.to_vec())
    }

    /// A stored clause.
    ///
    /// # Errors
    ///
    /// If the text index cannot be read.
    pub fn clause(&self, id: ClauseId) -> Result<Option<ClauseRecord>> {
        Ok(self.clause_address(id)?.map(|(_, d)| self.index.fields().clause_of(&d)))
    }

    /// Every clause of a document, in order.
    ///
    /// # Errors
    ///
    /// If the text index cannot be read.
    pub fn clauses_of(&self, doc: DocId) -> Result<Vec<ClauseRecord>> {
        Ok(self.clause_addresses_of(doc)?.into_iter().map(|(_, c)| c).collect())
    }

    /// Every clause of a document, in order, with its embedding (`None` when its vector cannot
    /// be read). Part of the read API the risk layer builds on.
    ///
    /// # Errors
    ///
    /// If the text index cannot be read.
    pub fn clauses_with_vectors(
        &self,
        doc: DocId,
    ) -> Result<Vec<(ClauseRecord, Option<Vec<f32>>)>> {
        Ok(self
            .clause_addresses_of(doc)?
            .into_iter()
            .map(|(a, c)| {
                let vector = self.vector_key(a).and_then(|k| self.vector_of(k)).ok();
                (c, vector)
            })
            .collect())
    }

    /// The ids of the clauses passing `filter` (all clauses for an empty filter).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidQuery`](crate::error::ErrorKind::InvalidQuery) for a bad filter;
    /// if the text index cannot be read.
    pub fn clause_ids_passing(&self, filter: &Filter) -> Result<HashSet<ClauseId>> {
        let q = self.filter_query(filter)?;
        let f = self.index.fields();
        Ok(self.docs(q.as_ref())?.iter().map(|d| f.clause_of(d).id).collect())
    }

    /// A clause whose normalised text has this hash, with its embedding, if one is indexed.
    ///
    /// # Errors
    ///
    /// If the text index or the clause's vector cannot be read.
    pub fn clause_by_text_hash(&self, hash: &TextHash) -> Result<Option<(ClauseRecord, Vec<f32>)>> {
        let f = self.index.fields();
        let q = TermQuery::new(
            Term::from_field_u64(f.text_hash, hash.short()),
            IndexRecordOption::Basic,
        );
        let top = self
            .text
            .search(&q, &TopDocs::with_limit(8).order_by_score())
            .map_err(|e| self.err(e))?;
        for (_, addr) in top {
            let doc: TantivyDocument = self.text.doc(addr).map_err(|e| self.err(e))?;
            let clause = f.clause_of(&doc);
            if clause.text_hash == *hash {
                let v = self.vector_of(self.vector_key(addr)?)?;
                return Ok(Some((clause, v)));
            }
        }
        Ok(None)
    }

    /// The index this snapshot belongs to.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Every clause of a document with its address in the snapshot, in order.
    fn clause_addresses_of(&self, doc: DocId) -> Result<Vec<(DocAddress, ClauseRecord)>> {
        let f = self.index.fields();
        let q = BooleanQuery::intersection(vec![
            Box::new(self.record_query(RECORD_CLAUSE)),
            Box::new(TermQuery::new(
                Term::from_field_u64(f.doc_id, doc.0),
                IndexRecordOption::Basic,
            )),
        ]);
        let mut addrs: Vec<DocAddress> =
            self.text.search(&q, &DocSetCollector).map_err(|e| self.err(e))?.into_iter().collect();
        addrs.sort();
        let mut out = addrs
            .into_iter()
            .map(|a| Ok((a, f.clause_of(&self.text.doc(a).map_err(|e| self.err(e))?))))
            .collect::<Result<Vec<(DocAddress, ClauseRecord)>>>()?;
        out.sort_by_key(|(_, c)| c.ordinal);
        out.dedup_by_key(|(_, c)| c.id);
        Ok(out)
    }

    /// Every document, in path order.
    ///
    /// # Errors
    ///
    /// If the text index cannot be read.
    pub fn documents(&self) -> Result<Vec<DocumentRecord>> {
        let f = self.index.fields();
        let mut out: Vec<DocumentRecord> = self
            .docs(&self.record_query(RECORD_DOCUMENT))?
            .iter()
            .map(|d| f.document_of(d))
            .collect();
        out.sort_by(|a, b| (&a.path, &a.source).cmp(&(&b.path, &b.source)));
        Ok(out)
    }

    /// The documents that pass `filter` (its document-level parts: documents, formats, roles,
    /// dates, party, kinds), in path order.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidQuery`](crate::error::ErrorKind::InvalidQuery) for a bad filter; if
    /// the text index cannot be read.
    pub fn documents_matching(&self, filter: &Filter) -> Result<Vec<DocumentRecord>> {
        if filter.is_empty() {
            return self.documents();
        }
        let f = self.index.fields();
        let q = self.filter_query_on(filter, RECORD_DOCUMENT)?;
        let mut out: Vec<DocumentRecord> =
            self.docs(q.as_ref())?.iter().map(|d| f.document_of(d)).collect();
        out.sort_by(|a, b| (&a.path, &a.source).cmp(&(&b.path, &b.source)));
        Ok(out)
    }

    /// The agreement each amendment in the snapshot amends, where the snapshot holds it
    /// ([`link_amendments`](crate::classify::role::link_amendments): the title the amendment
    /// names, then shared parties and dates). Keys are amendments, values agreements.
    ///
    /// # Errors
    ///
    /// If the text index cannot be read.
    pub fn amendment_links(&self) -> Result<HashMap<DocId, DocId>> {
        Ok(amendment_links(&self.documents()?))
    }

    /// The email threads of the snapshot ([`Threads`]: messages joined by their reply headers,
    /// then by subject, as Zawinski's algorithm does), with the thread of every message and
    /// attachment.
    ///
    /// # Errors
    ///
    /// If the text index cannot be read.
    pub fn threads(&self) -> Result<Threads> {
        Ok(threads::threads(&self.documents()?))
    }

    fn docs(&self, q: &dyn Query) -> Result<Vec<TantivyDocument>> {
        let mut addrs: Vec<DocAddress> =
            self.text.search(q, &DocSetCollector).map_err(|e| self.err(e))?.into_iter().collect();
        addrs.sort();
        addrs.iter().map(|&a| self.text.doc(a).map_err(|e| self.err(e))).collect()
    }

    /// Summary figures.
    ///
    /// # Errors
    ///
    /// If the index cannot be read.
    pub fn stats(&self) -> Result<IndexStats> {
        let f = self.index.fields();
        let clauses = self.num_clauses()?;
        let docs = self.documents()?;
        let mut kinds = Vec::new();
        for kind in ClauseKind::ALL.iter().copied() {
            let q = BooleanQuery::intersection(vec![
                Box::new(self.record_query(RECORD_CLAUSE)),
                Box::new(TermQuery::new(
                    Term::from_field_text(f.kind, kind.id()),
                    IndexRecordOption::Basic,
                )),
            ]);
            let n = self.count(&q)?;
            if n > 0 {
                kinds.push((kind.id().to_owned(), n));
            }
        }
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut doc_kinds: HashMap<String, u64> = HashMap::new();
        for d in &docs {
            *doc_kinds.entry(d.kind.map_or("?".into(), |k| k.to_string())).or_default() += 1;
        }
        let mut doc_kinds: Vec<(String, u64)> = doc_kinds.into_iter().collect();
        doc_kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let files: std::collections::HashSet<&str> = docs.iter().map(|d| d.path.as_str()).collect();
        let payload = self.index.committed_payload()?;
        Ok(IndexStats {
            generation: payload.generation,
            documents: docs.len() as u64,
            files: files.len() as u64,
            clauses,
            vector_rows: payload.vector_files.iter().map(|v| u64::from(v.rows)).sum(),
            kinds,
            doc_kinds,
            disk_bytes: dir_size(self.index.dir()),
            model: format!(
                "{} ({} dimensions, {})",
                self.index.manifest().model.id,
                self.index.manifest().model.dim,
                self.index.manifest().model.engine
            ),
        })
    }

    fn clause_address(&self, id: ClauseId) -> Result<Option<(DocAddress, TantivyDocument)>> {
        let f = self.index.fields();
        let q = TermQuery::new(Term::from_field_u64(f.clause_id, id.0), IndexRecordOption::Basic);
        let top = self
            .text
            .search(&q, &TopDocs::with_limit(1).order_by_score())
            .map_err(|e| self.err(e))?;
        match top.first() {
            Some(&(_, addr)) => Ok(Some((addr, self.text.doc(addr).map_err(|e| self.err(e))?))),
            None => Ok(None),
        }
    }

    fn vector_key(&self, addr: DocAddress) -> Result<VectorKey> {
        let col = self
            .text
            .segment_reader(addr.segment_ord)
            .fast_fields()
            .u64(crate::index::records::VEC_FIELD)
            .map_err(|e| self.err(e))?;
        col.first(addr.doc_id)
            .map(VectorKey)
            .ok_or_else(|| Error::index_corrupt(self.index.dir(), "a clause has no vector"))
    }

    fn vector_of(&self, key: VectorKey) -> Result<Vec<f32>> {
        let file = self.index.vector_file(key.generation())?;
        file.row(key.row())
            .map(<[f32]>::to_vec)
            .ok_or_else(|| Error::index_corrupt(self.index.dir(), "a vector row is missing"))
    }

    /// The filter as a query on clause records.
    fn filter_query(&self, filter: &Filter) -> Result<Box<dyn Query>> {
        self.filter_query_on(filter, RECORD_CLAUSE)
    }

    /// The filter as a query on records of type `record` (clause or document records; both
    /// carry the fields a filter reads).
    fn filter_query_on(&self, filter: &Filter, record: &str) -> Result<Box<dyn Query>> {
        let f = self.index.fields();
        let mut must: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(self.record_query(record)))];
        let any = |terms: Vec<Term>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                terms
                    .into_iter()
                    .map(|t| {
                        (Occur::Should, Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as _)
                    })
                    .collect(),
            ))
        };
        if !filter.kinds.is_empty() {
            must.push((
                Occur::Must,
                any(filter.kinds.iter().map(|k| Term::from_field_text(f.kind, k.id())).collect()),
            ));
        }
        if !filter.documents.is_empty() {
            must.push((
                Occur::Must,
                any(filter.documents.iter().map(|d| Term::from_field_u64(f.doc_id, d.0)).collect()),
            ));
        }
        if !filter.threads.is_empty() {
            let docs = self.threads()?.documents_of(&filter.threads);
            // No document: a disjunction of nothing, which matches nothing.
            must.push((
                Occur::Must,
                any(docs.iter().map(|d| Term::from_field_u64(f.doc_id, d.0)).collect()),
            ));
        }
        if !filter.doc_kinds.is_empty() {
            must.push((
                Occur::Must,
                any(filter
                    .doc_kinds
                    .iter()
                    .map(|k| Term::from_field_text(f.doc_kind, &k.to_string()))
                    .collect()),
            ));
        }
        if filter.date_from.is_some() || filter.date_to.is_some() {
            let bound = |s: &Option<String>| -> Result<Bound<Term>> {
                match s {
                    None => Ok(Bound::Unbounded),
                    Some(s) => parse_iso_date(s)
                        .map(|d| Bound::Included(Term::from_field_date(f.date, d)))
                        .ok_or_else(|| Error::invalid_argument(format!("not an ISO date: {s:?}"))),
                }
            };
            must.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(&filter.date_from)?, bound(&filter.date_to)?)),
            ));
        }
        if !filter.doc_roles.is_empty() {
            let field = f.doc_role.ok_or_else(|| {
                Error::invalid_argument(
                    "this index was built before document roles: re-ingest it to filter by role",
                )
            })?;
            must.push((
                Occur::Must,
                any(filter
                    .doc_roles
                    .iter()
                    .map(|r| Term::from_field_text(field, r.as_str()))
                    .collect()),
            ));
        }
        if let Some(party) = &filter.party {
            check_query(party)?;
            let words: String =
                party.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
            let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
            if !words.is_empty() {
                let parser = QueryParser::for_index(self.index.text_index(), vec![f.party]);
                let q = parser
                    .parse_query(&format!("\"{words}\""))
                    .map_err(|e| Error::invalid_query(e.to_string()))?;
                must.push((Occur::Must, q));
            }
        }
        Ok(Box::new(BooleanQuery::new(must)))
    }

    /// Why `query` does not parse with `syntax` (tantivy's message), or `None` when it does.
    /// [`SearchMode::Hybrid`] then searches its words as [`QuerySyntax::Plain`];
    /// [`SearchMode::Bm25`] refuses it.
    pub fn syntax_error(&self, query: &str, syntax: QuerySyntax) -> Option<String> {
        match syntax {
            QuerySyntax::Plain => None,
            QuerySyntax::Tantivy => self.text_query(query, syntax).err().map(|e| match e.kind() {
                crate::error::ErrorKind::InvalidQuery(m) => m.clone(),
                _ => e.to_string(),
            }),
        }
    }

    fn text_query(&self, query: &str, syntax: QuerySyntax) -> Result<Box<dyn Query>> {
        let f = self.index.fields();
        let mut parser = QueryParser::for_index(self.index.text_index(), vec![f.text, f.heading]);
        parser.set_field_boost(f.heading, 1.5);
        match syntax {
            QuerySyntax::Tantivy => {
                parser.parse_query(query).map_err(|e| Error::invalid_query(e.to_string()))
            }
            QuerySyntax::Plain => Ok(parser.parse_query_lenient(&plain_words(query)).0),
        }
    }

    fn bm25(
        &self,
        query: &str,
        syntax: QuerySyntax,
        filter: &dyn Query,
        limit: usize,
    ) -> Result<Vec<Candidate>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let q = self.text_query(query, syntax)?;
        let both = BooleanQuery::new(vec![(Occur::Must, q), (Occur::Must, filter.box_clone())]);
        // Equal scores (identical clauses are common in an archive) are ordered by clause id,
        // not by where a clause landed among the segments: the same query gives the same
        // page whatever the indexing threads did.
        let by_score_then_id = (
            (SortBySimilarityScore, Order::Desc),
            (SortByStaticFastValue::<u64>::for_field("clause_id"), Order::Asc),
        );
        let top = self
            .text
            .search(&both, &TopDocs::with_limit(limit).order_by(by_score_then_id))
            .map_err(|e| self.err(e))?;
        Ok(top
            .into_iter()
            .map(|((score, id), addr)| Candidate { addr, clause: id.unwrap_or(u64::MAX), score })
            .collect())
    }

    /// The clauses passing `filter` ranked by cosine to `q`, best first.
    fn vector_ranking(
        &self,
        q: &[f32],
        filter: &Filter,
        fq: &dyn Query,
        limit: usize,
        exclude: Option<ClauseId>,
    ) -> Result<Vec<Candidate>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let filtered;
        let rows = if filter.is_empty() {
            match self.all_rows.get() {
                Some(r) => r,
                None => {
                    let r = vector::RowSet::collect(&self.text, fq).map_err(|e| self.err(e))?;
                    self.all_rows.get_or_init(|| r)
                }
            }
        } else {
            filtered = vector::RowSet::collect(&self.text, fq).map_err(|e| self.err(e))?;
            &filtered
        };
        let top_rows = rows.top_k(&self.index, q, limit + usize::from(exclude.is_some()))?;
        let f = self.index.fields();
        // The clauses of every top vector, in one query: (vector key, clause id, address).
        let terms = top_rows.iter().map(|(key, _)| Term::from_field_u64(f.vec, key.0));
        let q = BooleanQuery::new(vec![
            (Occur::Must, Box::new(TermSetQuery::new(terms)) as Box<dyn Query>),
            (Occur::Must, fq.box_clone()),
        ]);
        let addrs = self.text.search(&q, &DocSetCollector).map_err(|e| self.err(e))?;
        let mut columns = HashMap::new();
        let mut by_key: HashMap<u64, Vec<(u64, DocAddress)>> = HashMap::new();
        for addr in addrs {
            let (vec_col, id_col) = match columns.entry(addr.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let fast = self.text.segment_reader(addr.segment_ord).fast_fields();
                    let vec_col =
                        fast.u64(crate::index::records::VEC_FIELD).map_err(|e| self.err(e))?;
                    let id_col = fast.u64("clause_id").map_err(|e| self.err(e))?;
                    e.insert((vec_col, id_col))
                }
            };
            let (Some(key), id) = (vec_col.first(addr.doc_id), id_col.first(addr.doc_id)) else {
                continue;
            };
            let id = id.unwrap_or(u64::MAX);
            if exclude.is_some_and(|ex| ex.0 == id) {
                continue;
            }
            by_key.entry(key).or_default().push((id, addr));
        }
        let mut out = Vec::new();
        for (key, score) in top_rows {
            // Clauses sharing a vector (the same text) tie: ordered by clause id.
            let mut same = by_key.remove(&key.0).unwrap_or_default();
            same.sort_unstable();
            out.extend(same.into_iter().map(|(clause, addr)| Candidate { addr, clause, score }));
            if out.len() >= limit {
                break;
            }
        }
        out.truncate(limit);
        Ok(out)
    }

    /// The query as words, for highlighting hits of any mode.
    fn highlight_query(&self, query: &str) -> Option<Box<dyn Query>> {
        let words = plain_words(query);
        if words.trim().is_empty() {
            return None;
        }
        let f = self.index.fields();
        let parser = QueryParser::for_index(self.index.text_index(), vec![f.text]);
        Some(parser.parse_query_lenient(&words).0)
    }

    /// The snippet generator of a search's highlight query (made once per search: making one
    /// reads the query terms' statistics).
    fn snippet_generator(
        &self,
        q: Option<&dyn Query>,
        chars: usize,
    ) -> Result<Option<SnippetGenerator>> {
        let Some(q) = q else { return Ok(None) };
        let mut g = SnippetGenerator::create(&self.text, q, self.index.fields().text)
            .map_err(|e| self.err(e))?;
        g.set_max_num_chars(chars);
        Ok(Some(g))
    }

    fn hit(&self, f: Fused, snippets: Option<&SnippetGenerator>, chars: usize) -> Result<Hit> {
        let doc: TantivyDocument = self.text.doc(f.addr).map_err(|e| self.err(e))?;
        let clause = self.index.fields().clause_of(&doc);
        let snippet = snippet(&clause.text, snippets, chars);
        Ok(Hit { clause, score: f.score, bm25: f.bm25, vector: f.vector, snippet })
    }
}

/// The best passage of `text` for the search's highlight query, else its start.
fn snippet(text: &str, snippets: Option<&SnippetGenerator>, chars: usize) -> Snippet {
    if let Some(g) = snippets {
        let s = g.snippet(text);
        if !s.highlighted().is_empty() {
            return Snippet {
                text: s.fragment().to_owned(),
                range: s.fragment_range(),
                highlights: s.highlighted().to_vec(),
            };
        }
    }
    let mut end = text.len().min(chars);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Snippet { text: text[..end].to_owned(), range: 0..end, highlights: Vec::new() }
}

fn embed_one(embedder: &dyn Embedder, text: &str) -> Result<Vec<f32>> {
    embedder.embed(&[text])?.pop().ok_or_else(|| Error::bug("the embedder returned no vector"))
}

/// The words of a query: tantivy's operators and punctuation become spaces.
fn plain_words(query: &str) -> String {
    query.chars().map(|c| if c.is_alphanumeric() || c == '\'' { c } else { ' ' }).collect()
}

/// Refuses queries that are too long or deep before tantivy's parser sees them.
fn check_query(query: &str) -> Result<()> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(Error::invalid_query(format!(
            "query of {} bytes (at most {MAX_QUERY_BYTES})",
            query.len()
        )));
    }
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    for c in query.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                max_depth = max_depth.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if max_depth > MAX_QUERY_DEPTH {
        return Err(Error::invalid_query(format!(
            "query nested {max_depth} deep (at most {MAX_QUERY_DEPTH})"
        )));
    }
    let terms = query.split_whitespace().count();
    if terms > MAX_QUERY_TERMS {
        return Err(Error::invalid_query(format!(
            "query of {terms} terms (at most {MAX_QUERY_TERMS})"
        )));
    }
    Ok(())
}

#[derive(Clone, Copy, Debug)]
struct Candidate {
    addr: DocAddress,
    /// The clause id, the tie-break between equal scores.
    clause: u64,
    score: f32,
}

#[derive(Clone, Copy, Debug)]
struct Fused {
    addr: DocAddress,
    clause: u64,
    score: f32,
    bm25: Option<Ranked>,
    vector: Option<Ranked>,
}

fn fuse(
    mode: SearchMode,
    fusion: Fusion,
    bm25: &[Candidate],
    vector: &[Candidate],
    limit: usize,
) -> Vec<Fused> {
    let mut by_addr: HashMap<DocAddress, Fused> = HashMap::new();
    for (list, is_bm25) in [(bm25, true), (vector, false)] {
        for (i, c) in list.iter().enumerate() {
            let e = by_addr.entry(c.addr).or_insert(Fused {
                addr: c.addr,
                clause: c.clause,
                score: 0.0,
                bm25: None,
                vector: None,
            });
            let r = Some(Ranked { rank: i + 1, score: c.score });
            if is_bm25 { e.bm25 = r } else { e.vector = r }
        }
    }
    let max_bm25 = bm25.iter().map(|c| c.score).fold(0.0f32, f32::max);
    let mut out: Vec<Fused> = by_addr
        .into_values()
        .map(|mut f| {
            f.score = match mode {
                SearchMode::Bm25 => f.bm25.map_or(0.0, |r| r.score),
                SearchMode::Vector => f.vector.map_or(0.0, |r| r.score),
                SearchMode::Hybrid => match fusion {
                    Fusion::Rrf { k, bm25_weight } => {
                        let w = bm25_weight.clamp(0.0, 1.0);
                        2.0 * (w * f.bm25.map_or(0.0, |r| 1.0 / (k + r.rank as f32))
                            + (1.0 - w) * f.vector.map_or(0.0, |r| 1.0 / (k + r.rank as f32)))
                    }
                    Fusion::Weighted { bm25_weight } => {
                        let w = bm25_weight.clamp(0.0, 1.0);
                        let b = f
                            .bm25
                            .map_or(0.0, |r| if max_bm25 > 0.0 { r.score / max_bm25 } else { 0.0 });
                        w * b + (1.0 - w) * f.vector.map_or(0.0, |r| r.score.max(0.0))
                    }
                },
            };
            f
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.clause.cmp(&b.clause)));
    out.truncate(limit);
    out
}

fn dir_size(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => total += e.metadata().map_or(0, |m| m.len()),
                _ => {}
            }
        }
    }
    total
}

/// [`Searcher::amendment_links`] over a list of documents.
pub(crate) fn amendment_links(documents: &[DocumentRecord]) -> HashMap<DocId, DocId> {
    let parties: Vec<Vec<String>> = documents
        .iter()
        .map(|d| d.facts.as_ref().map(|f| f.party_names()).unwrap_or_default())
        .collect();
    let dates: Vec<Option<&str>> =
        documents.iter().map(|d| d.facts.as_ref().and_then(|f| f.agreement_iso())).collect();
    let summaries: Vec<RoleSummary<'_, DocId>> = documents
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            Some(RoleSummary {
                key: d.id,
                role: d.role.as_ref()?,
                parties: &parties[i],
                date: dates[i],
            })
        })
        .collect();
    link_amendments(&summaries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_queries_are_refused_before_parsing() {
        assert!(check_query(&"a ".repeat(3000)).is_err());
        assert!(check_query(&format!("{}x{}", "(".repeat(40), ")".repeat(40))).is_err());
        assert!(check_query(&"force ".repeat(300)).is_err());
        assert!(check_query("\"force majeure\" AND (pandemic OR epidemic)").is_ok());
    }

    #[test]
    fn equal_scores_are_ordered_by_clause_id_not_by_segment() {
        // The same two clauses in two segment layouts: the order must not follow the address.
        for (first, second) in [(0, 1), (1, 0)] {
            let bm25 = [
                Candidate { addr: DocAddress::new(first, 0), clause: 20, score: 3.0 },
                Candidate { addr: DocAddress::new(second, 0), clause: 10, score: 3.0 },
            ];
            let fused = fuse(SearchMode::Bm25, Fusion::default(), &bm25, &[], 10);
            let ids: Vec<u64> = fused.iter().map(|f| f.clause).collect();
            assert_eq!(ids, [10, 20]);
        }
    }

    #[test]
    fn rrf_rewards_agreement() {
        let a = |d| DocAddress::new(0, d);
        let c = |d, score| Candidate { addr: a(d), clause: u64::from(d), score };
        let bm25 = [c(1, 9.0), c(2, 5.0)];
        let vector = [c(2, 0.9), c(3, 0.8)];
        let fused = fuse(SearchMode::Hybrid, Fusion::default(), &bm25, &vector, 10);
        assert_eq!(fused[0].addr, a(2));
        assert_eq!(fused[0].bm25.unwrap().rank, 2);
        assert_eq!(fused[0].vector.unwrap().rank, 1);
        assert_eq!(fused.len(), 3);
    }
}
