//! Reading a snapshot's clauses in bulk, in a fixed order, for exports.

use rayon::prelude::*;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, TantivyDocument, Term};

use super::Searcher;
use crate::error::{Error, Result};
use crate::extract::DocId;
use crate::index::records::{
    ClauseRecord, DocumentRecord, GENERATION_FIELD, RECORD_CLAUSE, RECORD_DOCUMENT,
};

/// A clause read by [`Searcher::scan_clauses`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ScannedClause {
    /// The stored clause.
    pub record: ClauseRecord,
    /// The commit generation that added it (0 in indexes made before incremental export).
    pub generation: u32,
    /// Its embedding.
    pub vector: Vec<f32>,
}

impl Searcher {
    /// Whether the index records which commit added each record, which
    /// [`Searcher::scan_clauses`] needs to read only what changed.
    pub fn records_generations(&self) -> bool {
        self.index.fields().generation.is_some()
    }

    /// Every clause that a commit after generation `after` added (every clause for 0), with
    /// its vector, handed to `each` in batches of at most `batch` clauses. The order is fixed by
    /// the contents, not by how the index lays them out: document id, then position, then
    /// file. Stored records are read and decoded on all cores, a batch at a time, so memory
    /// stays at one batch whatever the size of the index.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for `after > 0`
    /// on an index made before incremental export; index errors; the first error of `each`.
    pub fn scan_clauses(
        &self,
        after: u32,
        batch: usize,
        each: &mut dyn FnMut(Vec<ScannedClause>) -> Result<()>,
    ) -> Result<()> {
        let f = self.index.fields();
        let record: Box<dyn Query> = Box::new(self.record_query(RECORD_CLAUSE));
        let query: Box<dyn Query> = match (after, f.generation) {
            (0, _) => record,
            (_, None) => {
                return Err(Error::invalid_argument(
                    "this index was made before clausal recorded which commit added each \
                     clause; export it whole (without --since)",
                ));
            }
            (after, Some(field)) => {
                let lower = Term::from_field_u64(field, u64::from(after) + 1);
                let range =
                    RangeQuery::new(std::ops::Bound::Included(lower), std::ops::Bound::Unbounded);
                Box::new(BooleanQuery::intersection(vec![record, Box::new(range)]))
            }
        };
        let addresses =
            self.text.search(query.as_ref(), &DocSetCollector).map_err(|e| self.err(e))?;
        // Sort keys from fast fields: no stored record is read to order them.
        let mut keyed: Vec<(u64, u64, DocAddress)> = Vec::with_capacity(addresses.len());
        for addr in addresses {
            let fast = self.text.segment_reader(addr.segment_ord).fast_fields();
            let doc = fast.u64("doc_id").map_err(|e| self.err(e))?.first(addr.doc_id);
            let ordinal = fast.u64("ordinal").map_err(|e| self.err(e))?.first(addr.doc_id);
            keyed.push((doc.unwrap_or(0), ordinal.unwrap_or(0), addr));
        }
        keyed.sort_unstable_by_key(|&(d, o, a)| (d, o, a));
        let batch = batch.max(1);
        let mut start = 0;
        while start < keyed.len() {
            // A batch never splits records that tie on (document, position).
            let mut end = (start + batch).min(keyed.len());
            while end < keyed.len()
                && keyed[end].0 == keyed[end - 1].0
                && keyed[end].1 == keyed[end - 1].1
            {
                end += 1;
            }
            let chunk = &keyed[start..end];
            start = end;
            let mut read: Vec<ScannedClause> = chunk
                .par_iter()
                .map(|&(_, _, addr)| self.scanned(addr))
                .collect::<Result<Vec<_>>>()?;
            // Records of two files with the same bytes tie on (document, position): order them
            // by file, which is what differs.
            read.sort_by(|a, b| {
                (a.record.doc_id, a.record.ordinal, &a.record.path).cmp(&(
                    b.record.doc_id,
                    b.record.ordinal,
                    &b.record.path,
                ))
            });
            each(read)?;
        }
        Ok(())
    }

    /// The documents with these ids (each once, in id order; a document held under two paths
    /// comes once per path).
    ///
    /// # Errors
    ///
    /// If the text index cannot be read.
    pub fn documents_by_id(&self, ids: &[DocId]) -> Result<Vec<DocumentRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let f = self.index.fields();
        let terms: Vec<Box<dyn Query>> = ids
            .iter()
            .map(|id| {
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.doc_id, id.0),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>
            })
            .collect();
        let query = BooleanQuery::intersection(vec![
            Box::new(self.record_query(RECORD_DOCUMENT)),
            Box::new(BooleanQuery::union(terms)),
        ]);
        let mut addrs: Vec<DocAddress> = self
            .text
            .search(&query, &DocSetCollector)
            .map_err(|e| self.err(e))?
            .into_iter()
            .collect();
        addrs.sort();
        let mut out = addrs
            .into_iter()
            .map(|a| {
                let doc: TantivyDocument = self.text.doc(a).map_err(|e| self.err(e))?;
                Ok(f.document_of(&doc))
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| (a.id, &a.path).cmp(&(b.id, &b.path)));
        Ok(out)
    }

    fn scanned(&self, addr: DocAddress) -> Result<ScannedClause> {
        let doc: TantivyDocument = self.text.doc(addr).map_err(|e| self.err(e))?;
        let fields = self.index.fields();
        let record = fields.clause_of(&doc);
        let generation = match fields.generation {
            Some(_) => self
                .text
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .u64(GENERATION_FIELD)
                .map_err(|e| self.err(e))?
                .first(addr.doc_id)
                .unwrap_or(0) as u32,
            None => 0,
        };
        let vector = self.vector_of(self.vector_key(addr)?)?;
        Ok(ScannedClause { record, generation, vector })
    }
}
