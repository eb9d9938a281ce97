//! Clause segmentation: turning a document's blocks into the clauses a lawyer would cite.
//!
//! The segmenter walks the document line by line. A line can open a new clause when it
//! starts with a plausible label (see [`numbering`]), is a short heading line, a definition
//! (`"Affiliate" means ...`), a recital, the signature block or an exhibit heading.
//! Numbered labels are kept on a stack of open levels; a label is accepted only when it
//! continues a level (`(b)` after `(a)`, `3.2` after `3.1`) or opens the first item of a new
//! one, which filters out dates, amounts and cross references. Lines inside a block (PDF
//! hard wraps) only open clauses after a line that ends a sentence. Unlabelled paragraphs
//! extend the current clause, but a clause never grows past [`MAX_WORDS`] at a block
//! boundary, and documents with almost no numbering fall back to one clause per paragraph.

mod heading;
pub(crate) mod numbering;
mod pass;

use serde::{Deserialize, Serialize};

use crate::extract::{DocId, Document};
use pass::{Pass, finish, sanitize_blocks, split_lines};

/// Word budget of a clause without internal numbering; longer clauses are split at blocks.
pub const MAX_WORDS: usize = 250;

/// Function of a clause in the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClauseRole {
    /// Document title.
    Title,
    /// Opening paragraph naming the parties ("This Agreement is made ... between ...").
    Preamble,
    /// Recitals ("WHEREAS ...", "RECITALS", "Background").
    Recital,
    /// A defined term ('"Affiliate" means ...').
    Definition,
    /// A (sub)section of the operative body.
    Section,
    /// Signature block ("IN WITNESS WHEREOF", "By: ____").
    Signature,
    /// Exhibit, schedule, annex or appendix heading.
    Exhibit,
    /// Anything else (unnumbered paragraphs, overflow pieces of long clauses).
    Other,
}

/// Identifies a clause: derived from its document's id and its position, so it is stable across
/// re-ingestion of the same file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ClauseId(pub u64);

impl ClauseId {
    /// The id of the clause at `ordinal` in document `doc`.
    pub fn new(doc: DocId, ordinal: u32) -> ClauseId {
        use sha2::Digest as _;
        let mut h = sha2::Sha256::new();
        h.update(b"clause\0");
        h.update(doc.0.to_be_bytes());
        h.update(ordinal.to_be_bytes());
        let digest = h.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        ClauseId(u64::from_be_bytes(first))
    }
}

impl std::fmt::Display for ClauseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl From<ClauseId> for String {
    fn from(id: ClauseId) -> String {
        id.to_string()
    }
}

impl TryFrom<String> for ClauseId {
    type Error = std::num::ParseIntError;

    fn try_from(s: String) -> std::result::Result<ClauseId, Self::Error> {
        u64::from_str_radix(&s, 16).map(ClauseId)
    }
}

impl std::str::FromStr for ClauseId {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> std::result::Result<ClauseId, Self::Err> {
        u64::from_str_radix(s, 16).map(ClauseId)
    }
}

/// One citable clause.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    /// Position in document order, from 0.
    pub ordinal: u32,
    /// The printed label: "14.2", "(b)", "Section 12", "ARTICLE IV", "Schedule 2", "1.".
    pub number: Option<String>,
    /// Short title after the number or from a heading line, trimmed, no trailing period.
    pub heading: Option<String>,
    /// Function of the clause.
    pub role: ClauseRole,
    /// Ordinal of the enclosing clause.
    pub parent: Option<u32>,
    /// Nesting depth (0 for top level).
    pub depth: u32,
    /// Byte span into `Document::text`, on char boundaries, trimmed of whitespace.
    pub span: std::ops::Range<usize>,
    /// First and last page of the blocks the clause overlaps.
    pub pages: Option<(u32, u32)>,
}

impl Clause {
    /// The one clause of a text that is a clause already (a clause library entry, a benchmark
    /// passage): the whole of `span`, unnumbered, without a heading, at the top level.
    pub(crate) fn whole(span: std::ops::Range<usize>) -> Clause {
        Clause {
            ordinal: 0,
            number: None,
            heading: None,
            role: ClauseRole::Section,
            parent: None,
            depth: 0,
            span,
            pages: None,
        }
    }
}

/// Segments a document into clauses (see the module documentation).
///
/// Never panics; returns an empty vector for a document without text.
pub fn segment(doc: &Document) -> Vec<Clause> {
    let text = doc.text.as_str();
    let blocks = sanitize_blocks(text, &doc.blocks);
    let lines = split_lines(text, &blocks);
    let mut pass = Pass::new(text, &blocks, false);
    pass.run(&lines);
    if pass.labels < 3 && pass.headings < 3 {
        pass = Pass::new(text, &blocks, true);
        pass.run(&lines);
    }
    finish(text, &blocks, pass.drafts)
}

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod prop_tests;
