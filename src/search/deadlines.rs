//! Key dates through the index: [`Searcher::deadlines`] and its query.

use serde::Serialize;

use super::{Filter, Searcher};
use crate::deadlines::{DateKind, Deadline, parse_day, select, today};
use crate::error::{Error, Result};

/// Which key dates [`Searcher::deadlines`] returns.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeadlineQuery {
    /// The day the dates are rolled forward to (ISO `YYYY-MM-DD`).
    pub as_of: String,
    /// Only dates from `as_of` to `as_of` + this many days (dated ones only).
    pub within_days: Option<u32>,
    /// Only these kinds (all when empty).
    pub kinds: Vec<DateKind>,
    /// Only documents passing this filter (its document-level parts: documents, formats,
    /// roles, dates, party, kinds).
    pub filter: Filter,
    /// Also dates that are unknown or open-ended (only without `within_days`).
    pub include_undated: bool,
}

impl DeadlineQuery {
    /// Dates as of `as_of` (`YYYY-MM-DD`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`](crate::error::ErrorKind::InvalidArgument) when `as_of` is not a
    /// calendar date.
    pub fn as_of(as_of: &str) -> Result<DeadlineQuery> {
        parse_day(as_of)?;
        Ok(DeadlineQuery {
            as_of: as_of.to_owned(),
            within_days: None,
            kinds: Vec::new(),
            filter: Filter::default(),
            include_undated: false,
        })
    }

    /// Dates as of today (UTC).
    pub fn today() -> DeadlineQuery {
        DeadlineQuery {
            as_of: today(),
            within_days: None,
            kinds: Vec::new(),
            filter: Filter::default(),
            include_undated: false,
        }
    }

    /// Only dates within `days` after the as-of date.
    pub fn within_days(mut self, days: u32) -> DeadlineQuery {
        self.within_days = Some(days);
        self
    }

    /// Only dates of kind `kind` (or of any kind added before).
    pub fn kind(mut self, kind: DateKind) -> DeadlineQuery {
        self.kinds.push(kind);
        self
    }

    /// Only documents passing `filter`.
    pub fn filter(mut self, filter: Filter) -> DeadlineQuery {
        self.filter = filter;
        self
    }

    /// Also unknown and open-ended dates (ignored with a window).
    pub fn include_undated(mut self, yes: bool) -> DeadlineQuery {
        self.include_undated = yes;
        self
    }
}

impl Searcher {
    /// The key dates of the documents `query` selects, rolled forward to its as-of day: the
    /// next renewal, the last day to give notice, ... ([`crate::deadlines`]), ordered by date.
    /// Documents without key dates (texts added as clauses) have none. A runnable example over
    /// the sample archive: `cargo run --release --example deadlines`.
    ///
    /// ```no_run
    /// # fn main() -> clausal::Result<()> {
    /// use clausal::DeadlineQuery;
    /// use clausal::deadlines::DateKind;
    ///
    /// let index = clausal::Index::open_in_dir("archive.idx")?;
    /// let searcher = index.reader()?.searcher();
    /// // Notice deadlines in the next 90 days.
    /// let query = DeadlineQuery::as_of("2027-01-01")?.within_days(90).kind(DateKind::NoticeBy);
    /// for d in searcher.deadlines(&query)? {
    ///     println!("{} {} {}: {}", d.date.unwrap_or_default(), d.kind, d.source, d.basis);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for an as-of
    /// date that is not a calendar day, and for an index built before key dates (re-ingest it);
    /// [`ErrorKind::InvalidQuery`](crate::error::ErrorKind::InvalidQuery) for a bad filter; if
    /// the text index cannot be read.
    pub fn deadlines(&self, query: &DeadlineQuery) -> Result<Vec<Deadline>> {
        let as_of = parse_day(&query.as_of)?;
        if self.index.fields().key_dates.is_none() {
            return Err(Error::invalid_argument(
                "this index was built before key dates: run `clausal ingest` again to compute them",
            ));
        }
        let mut all = Vec::new();
        for doc in self.documents_matching(&query.filter)? {
            let Some(dates) = &doc.key_dates else { continue };
            for date in dates.as_of(as_of) {
                all.push(Deadline::new(doc.id, doc.source.clone(), doc.title.clone(), date, as_of));
            }
        }
        Ok(select(&query.kinds, query.within_days, query.include_undated, all))
    }
}
