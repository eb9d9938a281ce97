//! Key dates computed from a contract's facts, each traced to the words it came from.
//!
//! [`KeyDates::compute`] turns a document's [`ContractFacts`] into what does not depend on the
//! day you ask: the effective date, the end of the initial term, the renewal and notice
//! periods, the notice for termination for convenience. [`KeyDates::as_of`] rolls them forward
//! to a given day: the next renewal, the last day to give notice before it. The index keeps the
//! former with every document (recomputed when the document is ingested again); the latter is
//! computed per query (`Searcher::deadlines`, in the search layer above).
//!
//! Every [`KeyDate`] says how it was computed ("effective 2019-03-01 + 3 years; renews for 1
//! year; 90 days' notice"), the spans of every fact it used, and a [`DateStatus`]: `stated`
//! (a date the contract gives), `computed` (from stated dates and lengths), `ambiguous` (a date
//! that could be computed only in part, or only on an assumption the basis names), `unknown`
//! (with the reason) or `open_ended` (a perpetual or until-terminated term: there is no end to
//! compute). A date is never guessed: what cannot be computed is `unknown`.
//!
//! Conventions (calendar arithmetic is [`jiff`]'s, through the `civil` leaf):
//! - a term of N years (months) from a date ends on the N-th anniversary (the same day N months
//!   on, or that month's last day: 31 January + 1 month is 28 or 29 February), the convention
//!   CUAD's answers follow ("effective 2019-10-31 + 5 years" ends 2024-10-31); a stated end date
//!   always wins over a computed one;
//! - each renewal adds one renewal term to the end of the term before it;
//! - "notice at least N days prior to the end of the term" can be given until the end date
//!   minus N days (calendar days; months and years by the calendar, as above): that day is the
//!   notice-by date. Notice given on it is exactly N days prior;
//! - a right to terminate for convenience on N days' notice gives the
//!   [`DateKind::TerminationNotice`] date: the earliest day a termination noticed on the as-of
//!   date takes effect.
//! - a date with blanks (`2020`, `2020-03`, the year-less `--12-01`) keeps its precision:
//!   `2020` + 5 years is `2025`, `ambiguous`; days and notice periods are not counted from a
//!   partial date, nor anything from a year-less one (`unknown`).

use std::ops::Range;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::civil;
use crate::classify::facts::term::TermStart;
use crate::classify::facts::{ContractFacts, Duration, Fact, FactValue, TimeUnit};
use crate::error::{Error, Result};
use crate::extract::DocId;
use crate::segment::ClauseId;

/// What a key date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateKind {
    /// The day the contract takes effect.
    Effective,
    /// The end of the initial term (a stated date, or the effective date plus the term).
    Expiry,
    /// The next automatic renewal after the as-of date.
    Renewal,
    /// The last day to give notice that stops the next renewal (or ends the term).
    NoticeBy,
    /// The earliest day a termination for convenience noticed on the as-of date takes effect.
    TerminationNotice,
}

impl DateKind {
    /// Every kind, in this order.
    pub const ALL: [DateKind; 5] = [
        DateKind::Effective,
        DateKind::Expiry,
        DateKind::Renewal,
        DateKind::NoticeBy,
        DateKind::TerminationNotice,
    ];

    /// The kind's name: `effective`, `expiry`, `renewal`, `notice-by`, `termination-notice`.
    pub fn as_str(self) -> &'static str {
        match self {
            DateKind::Effective => "effective",
            DateKind::Expiry => "expiry",
            DateKind::Renewal => "renewal",
            DateKind::NoticeBy => "notice-by",
            DateKind::TerminationNotice => "termination-notice",
        }
    }
}

impl std::fmt::Display for DateKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DateKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<DateKind> {
        DateKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            Error::invalid_argument(format!(
                "unknown date kind {s:?} (one of effective, expiry, renewal, notice-by, \
                 termination-notice)"
            ))
        })
    }
}

/// How sure a key date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateStatus {
    /// A date the contract states.
    Stated,
    /// Computed from stated dates and lengths.
    Computed,
    /// Computed in part (a date with blanks) or on an assumption the basis names.
    Ambiguous,
    /// Not computable; the reason says why.
    Unknown,
    /// The term has no end: perpetual, evergreen, until terminated.
    OpenEnded,
}

impl DateStatus {
    /// The status's name: `stated`, `computed`, `ambiguous`, `unknown`, `open_ended`.
    pub fn as_str(self) -> &'static str {
        match self {
            DateStatus::Stated => "stated",
            DateStatus::Computed => "computed",
            DateStatus::Ambiguous => "ambiguous",
            DateStatus::Unknown => "unknown",
            DateStatus::OpenEnded => "open_ended",
        }
    }
}

/// Where a fact a date used was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceSpan {
    /// Which fact: "effective date", "agreement date", "term end", "initial term", "renewal
    /// term", "renewal notice", "open-ended term", "termination notice".
    pub fact: String,
    /// The clause the span lies in, where the document was segmented.
    pub clause: Option<ClauseId>,
    /// Byte range in the document's text.
    pub range: Range<usize>,
    /// Byte range in the clause's text (`range` less the clause's start).
    pub clause_range: Option<Range<usize>>,
    /// The words.
    pub text: String,
}

/// One key date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyDate {
    /// What it is.
    pub kind: DateKind,
    /// ISO 8601 (`YYYY-MM-DD`; `YYYY-MM` or `YYYY` when the contract leaves blanks); `None`
    /// when unknown or open-ended.
    pub date: Option<String>,
    /// How sure it is.
    pub status: DateStatus,
    /// How it was computed, in words.
    pub basis: String,
    /// Why it is unknown, ambiguous or open-ended.
    pub reason: Option<String>,
    /// The facts it used.
    pub sources: Vec<SourceSpan>,
}

impl KeyDate {
    fn unknown(kind: DateKind, reason: impl Into<String>, sources: Vec<SourceSpan>) -> KeyDate {
        let reason = reason.into();
        KeyDate {
            kind,
            date: None,
            status: DateStatus::Unknown,
            basis: reason.clone(),
            reason: Some(reason),
            sources,
        }
    }

    /// The date, when it is a full calendar date.
    pub fn day(&self) -> Option<Date> {
        self.date.as_deref().filter(|d| d.len() == 10).and_then(civil::parse_iso_date)
    }
}

/// The renewal terms of a contract that renews by itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Renewal {
    /// The length of each renewal term, when stated.
    pub term: Option<Duration>,
    /// The notice that stops a renewal, when stated.
    pub notice: Option<Duration>,
    /// Where both were read.
    pub sources: Vec<SourceSpan>,
}

/// A right to terminate for convenience.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvenienceNotice {
    /// The notice it needs.
    pub notice: Duration,
    /// Where it was read.
    pub source: SourceSpan,
}

/// A document's key dates that do not depend on the as-of day; stored in the index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyDates {
    /// The effective date.
    pub effective: KeyDate,
    /// The end of the initial term.
    pub expiry: KeyDate,
    /// How it renews, when it renews by itself.
    pub renewal: Option<Renewal>,
    /// The notice to terminate for convenience.
    pub termination_notice: Option<ConvenienceNotice>,
}

/// A clause's id and its byte range in the document's text, to place fact spans in clauses.
pub type ClauseSpan = (ClauseId, Range<usize>);

/// `date` plus `n` times `d`; `None` outside the calendar.
fn add(date: Date, d: Duration, n: i64) -> Option<Date> {
    let amount = i64::from(d.amount).checked_mul(n)?;
    match d.unit {
        TimeUnit::Day => civil::from_days(civil::days_since_epoch(date).checked_add(amount)?),
        TimeUnit::Week => {
            civil::from_days(civil::days_since_epoch(date).checked_add(amount.checked_mul(7)?)?)
        }
        TimeUnit::Month => civil::add_months(date, amount),
        TimeUnit::Year => civil::add_months(date, amount.checked_mul(12)?),
    }
}

/// A partial date (`YYYY` or `YYYY-MM`) plus a length in whole years or months, at the same
/// precision; `None` when the length is in days or weeks, or the date is not partial.
fn add_partial(iso: &str, d: Duration) -> Option<String> {
    let months = match d.unit {
        TimeUnit::Year => i64::from(d.amount) * 12,
        TimeUnit::Month => i64::from(d.amount),
        _ => return None,
    };
    let mut parts = iso.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    match parts.next() {
        None if months % 12 == 0 => Some(format!("{:04}", year + months / 12)),
        None => None,
        Some(m) => {
            let m: i64 = m.parse().ok()?;
            let total = year * 12 + (m - 1) + months;
            Some(format!("{:04}-{:02}", total.div_euclid(12), total.rem_euclid(12) + 1))
        }
    }
}

fn iso(date: Date) -> String {
    date.to_string()
}

/// "90 days' notice", "3 months' notice".
fn notice_words(d: Duration) -> String {
    format!("{d}' notice")
}

fn fact_iso(f: &Fact) -> Option<&str> {
    match &f.value {
        FactValue::Date { iso } => Some(iso),
        _ => None,
    }
}

fn fact_duration(f: &Fact) -> Option<Duration> {
    match f.value {
        FactValue::Duration(d) => Some(d),
        _ => None,
    }
}

struct Spans<'a> {
    text: &'a str,
    clauses: &'a [ClauseSpan],
}

impl Spans<'_> {
    fn of(&self, fact: &str, range: Range<usize>) -> SourceSpan {
        let clause = self
            .clauses
            .iter()
            .filter(|(_, span)| span.start <= range.start && range.end <= span.end)
            .min_by_key(|(_, span)| span.end - span.start);
        SourceSpan {
            fact: fact.to_owned(),
            clause: clause.map(|(id, _)| *id),
            clause_range: clause.map(|(_, span)| range.start - span.start..range.end - span.start),
            text: self.text.get(range.clone()).unwrap_or("").to_owned(),
            range,
        }
    }
}

impl KeyDates {
    /// The key dates of a document from its facts. `text` is the document's text (the facts'
    /// spans index it) and `clauses` its clauses' spans, to say which clause each fact is in.
    pub fn compute(facts: &ContractFacts, text: &str, clauses: &[ClauseSpan]) -> KeyDates {
        let spans = Spans { text, clauses };
        let effective = effective(facts, &spans);
        let expiry = expiry(facts, &effective, &spans);
        let renewal = (facts.renewal_term.is_some() || facts.notice_period.is_some()).then(|| {
            let mut sources = Vec::new();
            if let Some(f) = &facts.renewal_term {
                sources.push(spans.of("renewal term", f.span.clone()));
            }
            if let Some(f) = &facts.notice_period {
                sources.push(spans.of("renewal notice", f.span.clone()));
            }
            Renewal {
                term: facts.renewal_term.as_ref().and_then(fact_duration),
                notice: facts.notice_period.as_ref().and_then(fact_duration),
                sources,
            }
        });
        let termination_notice = facts.termination_notice.as_ref().and_then(|f| {
            Some(ConvenienceNotice {
                notice: fact_duration(f)?,
                source: spans.of("termination notice", f.span.clone()),
            })
        });
        KeyDates { effective, expiry, renewal, termination_notice }
    }

    /// The key dates on `as_of`: the effective date, the end of the initial term, the next
    /// renewal after `as_of` and the last day to give notice before it (for a contract that
    /// renews by itself; the end of the term for one that does not), and the date a
    /// termination for convenience noticed on `as_of` takes effect.
    pub fn as_of(&self, as_of: Date) -> Vec<KeyDate> {
        let mut out = vec![self.effective.clone(), self.expiry.clone()];
        let expiry_day = self.expiry.day();
        match &self.renewal {
            Some(renewal) => {
                let (next, notice_by) = self.renewals(renewal, as_of);
                out.push(next);
                out.extend(notice_by);
            }
            None => {
                // No renewal: notice matters only where a term ends and no renewal follows;
                // nothing to compute.
                let _ = expiry_day;
            }
        }
        if let Some(c) = &self.termination_notice {
            out.push(match add(as_of, c.notice, 1) {
                Some(day) => KeyDate {
                    kind: DateKind::TerminationNotice,
                    date: Some(iso(day)),
                    status: business_days(std::slice::from_ref(&c.source))
                        .map_or(DateStatus::Computed, |_| DateStatus::Ambiguous),
                    basis: format!(
                        "terminable for convenience on {}: notice given {} takes effect {}",
                        notice_words(c.notice),
                        iso(as_of),
                        iso(day)
                    ),
                    reason: business_days(std::slice::from_ref(&c.source)),
                    sources: vec![c.source.clone()],
                },
                None => KeyDate::unknown(
                    DateKind::TerminationNotice,
                    "the notice period runs past the calendar",
                    vec![c.source.clone()],
                ),
            });
        }
        out
    }

    /// The next renewal after `as_of` and the notice-by date of the first renewal whose notice
    /// can still be given on or after `as_of`.
    fn renewals(&self, renewal: &Renewal, as_of: Date) -> (KeyDate, Option<KeyDate>) {
        let mut sources = self.expiry.sources.clone();
        sources.extend(renewal.sources.iter().cloned());
        let Some(end) = self.expiry.day() else {
            let reason = match self.expiry.status {
                DateStatus::OpenEnded => "the contract renews but its term has no fixed end",
                _ => "the contract renews but the end of its initial term is unknown",
            };
            let renewal_date = KeyDate::unknown(DateKind::Renewal, reason, sources.clone());
            let notice = renewal
                .notice
                .map(|_| KeyDate::unknown(DateKind::NoticeBy, reason, sources.clone()));
            return (renewal_date, notice);
        };
        let term_words = renewal
            .term
            .map_or_else(|| "renewal term not stated".to_owned(), |t| format!("renews for {t}"));
        // The k-th end of term: k = 0 is the initial term's end.
        let end_k = |k: i64| -> Option<Date> {
            if k == 0 { Some(end) } else { add(end, renewal.term?, k) }
        };
        const MAX_CYCLES: i64 = 10_000;
        let next = (0..MAX_CYCLES).map_while(end_k).find(|&d| d > as_of);
        let basis_of = |k: i64| {
            format!(
                "{}; {term_words}{}",
                self.expiry.basis,
                if k == 0 { String::new() } else { format!("; renewal {k}") }
            )
        };
        let k_of = |d: Date| (0..MAX_CYCLES).find(|&k| end_k(k) == Some(d)).unwrap_or(0);
        let renewal_date = match next {
            Some(day) => KeyDate {
                kind: DateKind::Renewal,
                date: Some(iso(day)),
                status: DateStatus::Computed,
                basis: basis_of(k_of(day)),
                reason: None,
                sources: sources.clone(),
            },
            None => KeyDate::unknown(
                DateKind::Renewal,
                format!(
                    "the initial term ended {} and the renewal term's length is not stated",
                    iso(end)
                ),
                sources.clone(),
            ),
        };
        let notice = renewal.notice.map(|notice| {
            let by = (0..MAX_CYCLES).map_while(|k| {
                let e = end_k(k)?;
                Some((k, e, add(e, notice, -1)?))
            });
            match by.into_iter().find(|&(_, _, by)| by >= as_of) {
                Some((k, e, by)) => KeyDate {
                    kind: DateKind::NoticeBy,
                    date: Some(iso(by)),
                    status: business_days(&renewal.sources)
                        .map_or(DateStatus::Computed, |_| DateStatus::Ambiguous),
                    basis: format!(
                        "{}; {}: due before the term ends {}",
                        basis_of(k),
                        notice_words(notice),
                        iso(e)
                    ),
                    reason: business_days(&renewal.sources),
                    sources: sources.clone(),
                },
                None => KeyDate::unknown(
                    DateKind::NoticeBy,
                    format!(
                        "notice for the renewal of {} was due {}; the renewal term's length is \
                         not stated",
                        iso(end),
                        add(end, notice, -1).map(iso).unwrap_or_default()
                    ),
                    sources.clone(),
                ),
            }
        });
        (renewal_date, notice)
    }
}

/// Why a date counted in calendar days is only approximate: the notice is in business or
/// working days, which depend on a calendar of holidays the contract does not give.
fn business_days(sources: &[SourceSpan]) -> Option<String> {
    sources
        .iter()
        .filter(|s| s.fact.contains("notice"))
        .find(|s| {
            let t = s.text.to_ascii_lowercase();
            t.contains("business") || t.contains("working")
        })
        .map(|s| {
            format!(
                "the notice is in business days (\"{}\"), counted here as calendar days: \
                 business days make the period longer",
                s.text.split_whitespace().collect::<Vec<_>>().join(" ")
            )
        })
}

fn effective(facts: &ContractFacts, spans: &Spans<'_>) -> KeyDate {
    let (fact, name, basis) = match (&facts.effective_date, &facts.agreement_date) {
        (Some(f), _) => (f, "effective date", "stated effective date"),
        (None, Some(f)) => {
            (f, "agreement date", "the agreement date (no other effective date stated)")
        }
        (None, None) => {
            return KeyDate::unknown(
                DateKind::Effective,
                "no effective date or agreement date found",
                Vec::new(),
            );
        }
    };
    let sources = vec![spans.of(name, fact.span.clone())];
    match fact_iso(fact) {
        Some(d) if d.len() == 10 => KeyDate {
            kind: DateKind::Effective,
            date: Some(d.to_owned()),
            status: DateStatus::Stated,
            basis: format!("{basis} {d}"),
            reason: None,
            sources,
        },
        Some(d) if !d.is_empty() => KeyDate {
            kind: DateKind::Effective,
            date: Some(d.to_owned()),
            status: DateStatus::Ambiguous,
            basis: format!("{basis} {d}"),
            reason: Some(if d.starts_with("--") {
                "the contract leaves the year of the date blank".to_owned()
            } else {
                "the contract leaves the day (or month) of the date blank".to_owned()
            }),
            sources,
        },
        _ => KeyDate::unknown(
            DateKind::Effective,
            format!("the {name} leaves the year blank"),
            sources,
        ),
    }
}

fn expiry(facts: &ContractFacts, effective: &KeyDate, spans: &Spans<'_>) -> KeyDate {
    let term = &facts.term;
    if let Some(end) = &term.end_date {
        let sources = vec![spans.of("term end", end.span.clone())];
        return match fact_iso(end) {
            Some(d) if d.len() == 10 => KeyDate {
                kind: DateKind::Expiry,
                date: Some(d.to_owned()),
                status: DateStatus::Stated,
                basis: format!("term ends {d} (stated)"),
                reason: None,
                sources,
            },
            Some(d) if !d.is_empty() && !d.starts_with("--") => KeyDate {
                kind: DateKind::Expiry,
                date: Some(d.to_owned()),
                status: DateStatus::Ambiguous,
                basis: format!("term ends {d} (stated)"),
                reason: Some("the contract leaves the day (or month) of the end date blank".into()),
                sources,
            },
            _ => KeyDate::unknown(
                DateKind::Expiry,
                "the term's end date leaves the year blank",
                sources,
            ),
        };
    }
    if let Some(length_fact) = &term.initial_term
        && let Some(length) = fact_duration(length_fact)
    {
        let mut sources = vec![spans.of("initial term", length_fact.span.clone())];
        if let Some(TermStart::Event { words }) = &term.runs_from {
            return KeyDate::unknown(
                DateKind::Expiry,
                format!(
                    "the initial term of {length} runs from {words}, a date the contract does not give"
                ),
                sources,
            );
        }
        if let Some(TermStart::Date { iso: start, .. }) = &term.runs_from
            && let Some(day) = (start.len() == 10).then(|| civil::parse_iso_date(start)).flatten()
        {
            return match add(day, length, 1) {
                Some(end) => KeyDate {
                    kind: DateKind::Expiry,
                    date: Some(iso(end)),
                    status: DateStatus::Computed,
                    basis: format!("{start} + {length} (the term's stated start)"),
                    reason: None,
                    sources,
                },
                None => {
                    KeyDate::unknown(DateKind::Expiry, "the term runs past the calendar", sources)
                }
            };
        }
        sources.extend(effective.sources.iter().cloned());
        let Some(start) = effective.date.as_deref() else {
            return KeyDate::unknown(
                DateKind::Expiry,
                format!("the initial term is {length} but the effective date is unknown"),
                sources,
            );
        };
        if let Some(day) = effective.day() {
            return match add(day, length, 1) {
                Some(end) => KeyDate {
                    kind: DateKind::Expiry,
                    date: Some(iso(end)),
                    status: DateStatus::Computed,
                    basis: format!("effective {start} + {length}"),
                    reason: None,
                    sources,
                },
                None => {
                    KeyDate::unknown(DateKind::Expiry, "the term runs past the calendar", sources)
                }
            };
        }
        return match add_partial(start, length) {
            Some(end) => KeyDate {
                kind: DateKind::Expiry,
                date: Some(end),
                status: DateStatus::Ambiguous,
                basis: format!("effective {start} + {length}"),
                reason: Some("the effective date has blanks, so the end date has them too".into()),
                sources,
            },
            None => KeyDate::unknown(
                DateKind::Expiry,
                format!(
                    "the initial term is {length} from an effective date with blanks ({start})"
                ),
                sources,
            ),
        };
    }
    if let Some(span) = &term.open_ended {
        let source = spans.of("open-ended term", span.clone());
        let words = source.text.split_whitespace().collect::<Vec<_>>().join(" ");
        return KeyDate {
            kind: DateKind::Expiry,
            date: None,
            status: DateStatus::OpenEnded,
            basis: format!("no fixed end: the term runs \"{words}\""),
            reason: Some("the term has no fixed end".into()),
            sources: vec![source],
        };
    }
    KeyDate::unknown(DateKind::Expiry, "no term or end date found", Vec::new())
}

/// Today's date in UTC, ISO 8601.
pub fn today() -> String {
    let days = jiff::Timestamp::now().as_second().div_euclid(86_400);
    civil::from_days(days).map(iso).unwrap_or_else(|| "1970-01-01".to_owned())
}

/// Reads a `YYYY-MM-DD` day.
pub(crate) fn parse_day(s: &str) -> Result<Date> {
    (s.len() == 10).then(|| civil::parse_iso_date(s)).flatten().ok_or_else(|| {
        Error::invalid_argument(format!(
            "{s:?} is not a calendar date (YYYY-MM-DD, e.g. 2027-01-31)"
        ))
    })
}

/// A key date of one document, as `Searcher::deadlines` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The document.
    pub doc_id: DocId,
    /// Where it came from (`a.pdf`, `mail.eml#attachment-1`).
    pub source: String,
    /// Its title.
    pub title: Option<String>,
    /// What the date is.
    pub kind: DateKind,
    /// ISO 8601, when known.
    pub date: Option<String>,
    /// Days from the as-of date (negative before it), for full dates.
    pub days: Option<i64>,
    /// How sure it is.
    pub status: DateStatus,
    /// How it was computed.
    pub basis: String,
    /// Why it is unknown, ambiguous or open-ended.
    pub reason: Option<String>,
    /// The facts it used, with their clauses and words.
    pub sources: Vec<SourceSpan>,
}

impl Deadline {
    /// A key date of a document as of `as_of`.
    pub fn new(
        doc_id: DocId,
        source: String,
        title: Option<String>,
        date: KeyDate,
        as_of: Date,
    ) -> Deadline {
        let days = date.day().map(|d| civil::days_since_epoch(d) - civil::days_since_epoch(as_of));
        Deadline {
            doc_id,
            source,
            title,
            kind: date.kind,
            date: date.date,
            days,
            status: date.status,
            basis: date.basis,
            reason: date.reason,
            sources: date.sources,
        }
    }
}

/// Keeps the deadlines of `kinds` (all when empty) within `within_days` of the as-of day (or,
/// without a window, the dated ones unless `include_undated`), ordered by date, undated last.
pub(crate) fn select(
    kinds: &[DateKind],
    within_days: Option<u32>,
    include_undated: bool,
    mut all: Vec<Deadline>,
) -> Vec<Deadline> {
    all.retain(|d| kinds.is_empty() || kinds.contains(&d.kind));
    match within_days {
        Some(n) => all.retain(|d| d.days.is_some_and(|days| (0..=i64::from(n)).contains(&days))),
        None if !include_undated => all.retain(|d| d.date.is_some()),
        None => {}
    }
    all.sort_by(|a, b| {
        (a.date.is_none(), &a.date, &a.source, a.kind).cmp(&(
            b.date.is_none(),
            &b.date,
            &b.source,
            b.kind,
        ))
    });
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        civil::parse_iso_date(s).unwrap()
    }

    fn facts_of(text: &str) -> ContractFacts {
        ContractFacts::from_text(text)
    }

    const TEXT: &str = "This Agreement is made as of March 1, 2019 between Acme Inc. and Beta LLC.\n\n\
        2. Term. The initial term of this Agreement shall commence on the Effective Date and \
        continue for three (3) years. This Agreement shall automatically renew for successive \
        terms of one (1) year unless either party gives notice of non-renewal at least ninety \
        (90) days prior to the end of the then-current term.\n\n\
        3. Either party may terminate this Agreement for convenience upon thirty (30) days' \
        prior written notice.";

    #[test]
    fn computes_expiry_renewal_and_notice() {
        let facts = facts_of(TEXT);
        let clauses = [(ClauseId(1), 0..75), (ClauseId(2), 77..TEXT.len())];
        let k = KeyDates::compute(&facts, TEXT, &clauses);
        assert_eq!(k.effective.date.as_deref(), Some("2019-03-01"));
        assert_eq!(k.expiry.date.as_deref(), Some("2022-03-01"));
        assert_eq!(k.expiry.status, DateStatus::Computed);
        assert_eq!(k.expiry.basis, "effective 2019-03-01 + 3 years");
        let dates = k.as_of(day("2026-12-07"));
        let get = |kind| dates.iter().find(|d| d.kind == kind).unwrap();
        // 2022-03-01 + 1 year per renewal: next after 2026-12-07 is 2027-03-01.
        assert_eq!(get(DateKind::Renewal).date.as_deref(), Some("2027-03-01"));
        // 90 days before 2027-03-01 is 2026-12-01, already past: the next one is due
        // 2027-12-02 (2028 is a leap year).
        assert_eq!(get(DateKind::NoticeBy).date.as_deref(), Some("2027-12-02"));
        assert_eq!(get(DateKind::TerminationNotice).date.as_deref(), Some("2027-01-06"));
        // Every source's words are the text at its range, and inside its clause.
        for d in &dates {
            for s in &d.sources {
                assert_eq!(&TEXT[s.range.clone()], s.text);
                let clause = clauses.iter().find(|(id, _)| Some(*id) == s.clause).unwrap();
                let within = s.clause_range.clone().unwrap();
                assert_eq!(&TEXT[clause.1.clone()][within], s.text);
            }
        }
        let notice = get(DateKind::NoticeBy);
        assert!(notice.sources.iter().any(|s| s.text.contains("ninety")));
        assert!(notice.basis.contains("90 days' notice"), "{}", notice.basis);
    }

    #[test]
    fn month_ends_and_partial_dates() {
        assert_eq!(
            add(day("2020-01-31"), Duration { amount: 1, unit: TimeUnit::Month }, 1),
            Some(day("2020-02-29"))
        );
        assert_eq!(
            add(day("2021-01-31"), Duration { amount: 1, unit: TimeUnit::Month }, 1),
            Some(day("2021-02-28"))
        );
        assert_eq!(
            add(day("2020-02-29"), Duration { amount: 1, unit: TimeUnit::Year }, 1),
            Some(day("2021-02-28"))
        );
        assert_eq!(
            add_partial("2020", Duration { amount: 5, unit: TimeUnit::Year }).as_deref(),
            Some("2025")
        );
        assert_eq!(
            add_partial("2020-11", Duration { amount: 3, unit: TimeUnit::Month }).as_deref(),
            Some("2021-02")
        );
        assert_eq!(add_partial("2020", Duration { amount: 3, unit: TimeUnit::Month }), None);
    }

    #[test]
    fn open_ended_and_unknown_terms_say_so() {
        let k = KeyDates::compute(
            &facts_of(
                "This Agreement is dated June 1, 2010. This Agreement shall continue in full force and effect until terminated by either party.",
            ),
            "",
            &[],
        );
        assert_eq!(k.expiry.status, DateStatus::OpenEnded);
        assert!(k.expiry.date.is_none());
        let none = KeyDates::compute(&ContractFacts::default(), "", &[]);
        assert_eq!(none.effective.status, DateStatus::Unknown);
        assert!(none.expiry.reason.is_some());
        assert!(none.as_of(day("2026-01-01")).iter().all(|d| d.date.is_none()));
    }

    #[test]
    fn as_of_must_be_a_day() {
        assert!(parse_day("2021-02-31").is_err());
        assert!(parse_day("2021-02").is_err());
        assert!(parse_day("2021-02-28").is_ok());
        assert_eq!("notice-by".parse::<DateKind>().unwrap(), DateKind::NoticeBy);
        assert!("soon".parse::<DateKind>().is_err());
    }
}
