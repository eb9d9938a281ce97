//! The legal-review store: what reviewers decided about flagged clauses, kept so that it holds
//! up later.
//!
//! A reviewer looks at a clause a risk rule flagged and records a [`Decision`]: the rule was
//! right ([`Verdict::Confirm`]), wrong ([`Verdict::Dismiss`]), or the clause needs changing
//! ([`Verdict::NeedsChange`]). A decision names the rule and its version, and the clause by the
//! hash of its text ([`TextHash`]), not by its position, so it survives re-indexing and applies
//! to the same text in every document.
//!
//! The store is append-only. A decision is never edited or deleted: a later decision for the
//! same rule and clause text supersedes it ([`ReviewStore::current`]), and the history keeps
//! both. Each stored [`Entry`] carries a sequence number, the time, the decision, the hash of the
//! entry before it and its own [`EntryHash`], `sha256(previous hash || canonical content)`. The
//! entries form a chain: changing, removing, inserting or reordering rows (with the `sqlite3`
//! tool, say) breaks it, and [`ReviewStore::verify`] says at which entry. The head hash that
//! `verify` returns stands for the whole history; kept somewhere else, it also catches a history
//! that was cut short or rewritten from some entry on ([`ReviewStore::verify_contains`]).
//!
//! The store is one SQLite file (`review.sqlite` in an index directory) in WAL mode with
//! `synchronous=FULL`: [`ReviewStore::record`] returns only once the decision is on disk, and
//! a process killed at any moment leaves a store that opens and verifies with every
//! acknowledged decision in it. Several processes and threads may record at once; they take
//! turns, and the chain does not fork.
//!
//! # Example
//!
//! ```
//! use clausal::{Decision, ReviewStore, TextHash, Verdict};
//!
//! # let dir = tempfile::tempdir()?;
//! let store = ReviewStore::open(dir.path().join("review.sqlite"))?;
//! let clause = TextHash::of("Neither party is liable for delays caused by fire or flood.");
//! let mut decision =
//!     Decision::new("fm-no-pandemic", "1", clause, Verdict::Dismiss, "a.lawyer@example.com");
//! decision.comment = Some("pandemics are covered by the defined term in 1.4".into());
//! let first = store.record(&decision)?;
//!
//! // Changing one's mind appends a new entry that supersedes the first.
//! decision.verdict = Verdict::Confirm;
//! let second = store.record(&decision)?;
//! assert_eq!(second.prev_hash, first.hash);
//! assert_eq!(store.current("fm-no-pandemic", &clause)?.unwrap().decision.verdict, Verdict::Confirm);
//!
//! let verification = store.verify()?;
//! assert_eq!((verification.entries, verification.head_hash), (2, second.hash));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Format
//!
//! The SQLite schema is versioned ([`REVIEW_FORMAT_VERSION`]); later versions must keep reading
//! stores written by earlier ones, back to [`REVIEW_OLDEST_SUPPORTED_VERSION`], and must keep the
//! canonical content encoding of existing entries, or their hashes stop verifying.

mod hash;
mod store;
pub(crate) mod time;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use hash::{EntryHash, TextHash};
pub(crate) use store::open_durable;
pub use store::{
    History, REVIEW_FORMAT_VERSION, REVIEW_OLDEST_SUPPORTED_VERSION, ReviewStore, canonical_version,
};
pub use time::{Clock, Timestamp};

/// The review store's file name inside an index directory: `<index>/review.sqlite`
/// (`Index::review_store_path`).
pub const STORE_FILE: &str = "review.sqlite";

use crate::error::Error;

/// What a reviewer decided about a flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The flag is right: the clause has the risk the rule describes.
    Confirm,
    /// The flag is wrong for this clause text.
    Dismiss,
    /// The flag is right and the clause should be changed.
    NeedsChange,
}

impl Verdict {
    /// Every verdict, in declaration order.
    pub const ALL: [Verdict; 3] = [Verdict::Confirm, Verdict::Dismiss, Verdict::NeedsChange];

    /// The verdict's name: `confirm`, `dismiss` or `needs-change`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Confirm => "confirm",
            Verdict::Dismiss => "dismiss",
            Verdict::NeedsChange => "needs-change",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Verdict {
    type Err = Error;

    /// Reads a name from [`Verdict::as_str`].
    fn from_str(s: &str) -> crate::error::Result<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
            Error::invalid_argument(format!(
                "unknown verdict {s:?} (expected confirm, dismiss or needs-change)"
            ))
        })
    }
}

/// A reviewer's decision about one rule's flag on one clause text.
///
/// Make one with [`Decision::new`] and set the optional fields directly. The store adds the time
/// when it records the decision ([`Entry::time`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Decision {
    /// The risk rule whose flag was reviewed. Not empty.
    pub rule_id: String,
    /// The version of the rule that raised the flag. Not empty.
    pub rule_version: String,
    /// The clause, by its normalised text.
    pub text_hash: TextHash,
    /// The decision.
    pub verdict: Verdict,
    /// Who decided. Not empty.
    pub reviewer: String,
    /// Why, in the reviewer's words.
    pub comment: Option<String>,
    /// The clause where the flag was seen, for the record. Decisions apply by
    /// [`text_hash`](Decision::text_hash), not by this.
    pub clause_id: Option<String>,
    /// The document where the flag was seen, for the record.
    pub doc_id: Option<String>,
}

impl Decision {
    /// A decision with no comment, clause id or document id.
    pub fn new(
        rule_id: impl Into<String>,
        rule_version: impl Into<String>,
        text_hash: TextHash,
        verdict: Verdict,
        reviewer: impl Into<String>,
    ) -> Decision {
        Decision {
            rule_id: rule_id.into(),
            rule_version: rule_version.into(),
            text_hash,
            verdict,
            reviewer: reviewer.into(),
            comment: None,
            clause_id: None,
            doc_id: None,
        }
    }

    fn validate(&self) -> crate::error::Result<()> {
        for (name, value) in [
            ("rule id", &self.rule_id),
            ("rule version", &self.rule_version),
            ("reviewer", &self.reviewer),
        ] {
            if value.trim().is_empty() {
                return Err(Error::invalid_argument(format!("a decision needs a {name}")));
            }
        }
        Ok(())
    }
}

/// A decision as the store keeps it: numbered, timed and chained to the entries before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Entry {
    /// The position in the history: 1 for the first entry, then one more for each.
    pub seq: u64,
    /// When the store recorded the decision (by its [`Clock`]).
    pub time: Timestamp,
    /// The decision.
    #[serde(flatten)]
    pub decision: Decision,
    /// The hash of the entry before (for the first entry, [`EntryHash::GENESIS`]).
    pub prev_hash: EntryHash,
    /// This entry's hash: `sha256(prev_hash || canonical content)`.
    pub hash: EntryHash,
}

impl Entry {
    /// The hash this entry should have given its `prev_hash` and content.
    ///
    /// The content is encoded canonically: a format tag, then `seq` (8 bytes, big-endian), the
    /// time in milliseconds (8 bytes), the text hash (32 bytes), then each string field as its
    /// length (8 bytes) and UTF-8 bytes, optional ones preceded by a 0 or 1 byte.
    pub fn expected_hash(&self) -> EntryHash {
        use sha2::{Digest, Sha256};
        fn string(h: &mut Sha256, s: &str) {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
        fn optional(h: &mut Sha256, s: Option<&str>) {
            match s {
                None => h.update([0]),
                Some(s) => {
                    h.update([1]);
                    string(h, s);
                }
            }
        }
        let d = &self.decision;
        let mut h = Sha256::new();
        h.update(self.prev_hash.as_bytes());
        h.update(b"clausal-review-entry-v1\0");
        h.update(self.seq.to_be_bytes());
        h.update(self.time.unix_millis().to_be_bytes());
        h.update(d.text_hash.as_bytes());
        string(&mut h, &d.rule_id);
        string(&mut h, &d.rule_version);
        string(&mut h, d.verdict.as_str());
        string(&mut h, &d.reviewer);
        optional(&mut h, d.comment.as_deref());
        optional(&mut h, d.clause_id.as_deref());
        optional(&mut h, d.doc_id.as_deref());
        EntryHash(h.finalize().into())
    }
}

/// Reviewers' verdicts on one rule's flags, counting only current decisions (the latest for each
/// clause text).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RuleStats {
    /// The rule.
    pub rule_id: String,
    /// Clause texts whose current decision is [`Verdict::Confirm`].
    pub confirmed: u64,
    /// Clause texts whose current decision is [`Verdict::Dismiss`].
    pub dismissed: u64,
    /// Clause texts whose current decision is [`Verdict::NeedsChange`].
    pub needs_change: u64,
    /// Entries for this rule, superseded ones included.
    pub entries: u64,
}

impl RuleStats {
    /// The rule's precision as reviewers judged it: confirmed / (confirmed + dismissed), or
    /// `None` before any such decision. Needs-change decisions are left out.
    pub fn precision(&self) -> Option<f64> {
        let judged = self.confirmed + self.dismissed;
        (judged > 0).then(|| self.confirmed as f64 / judged as f64)
    }
}

/// The outcome of a successful [`ReviewStore::verify`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Verification {
    /// How many entries the chain has.
    pub entries: u64,
    /// The hash of the latest entry, or [`EntryHash::GENESIS`] for an empty store. Keep it
    /// somewhere else to check the history against later.
    pub head_hash: EntryHash,
}
