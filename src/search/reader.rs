//! Readers: where search snapshots come from.
//!
//! An [`IndexReader`] follows one index's commits; each [`Searcher`] it hands out is an
//! immutable snapshot of the commit the reader was on. tantivy keeps its reader beside its
//! searcher in the same way; the index below knows nothing of either.

use super::Searcher;
use crate::error::{Error, Result};
use crate::index::Index;

impl Index {
    /// A reader: the source of search snapshots.
    ///
    /// # Errors
    ///
    /// If the text index cannot be read.
    pub fn reader(&self) -> Result<IndexReader> {
        let reader = self
            .text_index()
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| Error::index(self.dir(), e))?;
        Ok(IndexReader { index: self.clone(), reader })
    }
}

/// Hands out search snapshots ([`Searcher`]) of an index.
///
/// A reader sees the commit that was last when it was created or last [reloaded](Self::reload);
/// snapshots taken from it never change, whatever writers do meanwhile.
#[derive(Clone)]
pub struct IndexReader {
    index: Index,
    reader: tantivy::IndexReader,
}

impl IndexReader {
    /// Moves the reader to the latest commit.
    ///
    /// # Errors
    ///
    /// If the text index cannot be read.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload().map_err(|e| Error::index(self.index.dir(), e))
    }

    /// An immutable snapshot of the reader's commit to search.
    pub fn searcher(&self) -> Searcher {
        Searcher::new(self.index.clone(), self.reader.searcher())
    }

    /// The index.
    pub fn index(&self) -> &Index {
        &self.index
    }
}
