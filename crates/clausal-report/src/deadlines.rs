//! Deadlines: the dated key dates within the horizon (the engine's
//! [`Searcher::deadlines`]), every key date of each document for its page, the timeline by
//! month and the paged table.

use std::collections::HashMap;

use clausal::DeadlineQuery;
use clausal::deadlines::{DateKind, Deadline};
use clausal::{DocId, DocumentRecord, Searcher};
use jiff::civil::Date;
use maud::Markup;

use crate::ReportOptions;
use crate::charts::{Series, timeline as timeline_chart};
use crate::error::{Error, Result};
use crate::model::{DeadlineRow, doc_href, file_name, shorten};
use crate::table::{Cell, Column, PagedTable};

/// The report's deadlines.
#[derive(Debug, Default)]
pub(crate) struct Dates {
    /// Dated deadlines from the as-of day to the horizon, soonest first.
    pub(crate) upcoming: Vec<DeadlineRow>,
    /// Every key date of each document, as of the report's day (dated first, by date).
    pub(crate) by_doc: HashMap<DocId, Vec<DeadlineRow>>,
    /// The index was built before key dates: there are none to show.
    pub(crate) missing: bool,
}

fn row(d: Deadline) -> DeadlineRow {
    DeadlineRow {
        doc_id: d.doc_id,
        source: d.source,
        title: d.title,
        kind: d.kind.as_str().to_owned(),
        date: d.date,
        days: d.days,
        status: d.status.as_str().to_owned(),
        basis: d.basis,
        reason: d.reason,
        sources: d.sources.into_iter().map(|s| (s.fact, s.text, s.range)).collect(),
    }
}

/// Reads the deadlines of the snapshot as of the report's day.
pub(crate) fn read(
    searcher: &Searcher,
    documents: &[DocumentRecord],
    opts: &ReportOptions,
    as_of: Date,
) -> Result<Dates> {
    if !documents.iter().any(|d| d.key_dates.is_some()) {
        return Ok(Dates { missing: !documents.is_empty(), ..Dates::default() });
    }
    let query =
        DeadlineQuery::as_of(&opts.as_of).map_err(Error::Index)?.within_days(opts.horizon_days);
    let upcoming = searcher.deadlines(&query).map_err(Error::Index)?.into_iter().map(row).collect();
    let mut by_doc = HashMap::new();
    for d in documents {
        let Some(keys) = &d.key_dates else { continue };
        let mut rows: Vec<DeadlineRow> = keys
            .as_of(as_of)
            .into_iter()
            .map(|k| row(Deadline::new(d.id, d.source.clone(), d.title.clone(), k, as_of)))
            .collect();
        rows.sort_by(|a, b| (a.date.is_none(), &a.date).cmp(&(b.date.is_none(), &b.date)));
        by_doc.insert(d.id, rows);
    }
    Ok(Dates { upcoming, by_doc, missing: false })
}

/// The timeline's series: the kinds, the most pressing first.
fn series() -> Vec<Series> {
    [
        DateKind::NoticeBy,
        DateKind::TerminationNotice,
        DateKind::Renewal,
        DateKind::Expiry,
        DateKind::Effective,
    ]
    .iter()
    .map(|k| Series { name: k.as_str().to_owned(), class: format!("k-{}", k.as_str()) })
    .collect()
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Deadlines per month from the as-of month to the horizon's, stacked by kind.
pub(crate) fn timeline(upcoming: &[DeadlineRow], as_of: Date, horizon_days: u32) -> Markup {
    let end = as_of.checked_add(jiff::Span::new().days(i64::from(horizon_days))).unwrap_or(as_of);
    let index = |y: i16, m: i8| i32::from(y) * 12 + i32::from(m) - 1;
    let first = index(as_of.year(), as_of.month());
    let count = (index(end.year(), end.month()) - first + 1).max(1) as usize;
    let series = series();
    let mut months: Vec<(String, Vec<u64>)> = (0..count)
        .map(|i| {
            let m = first + i as i32;
            (
                format!("{} {}", MONTHS[m.rem_euclid(12) as usize], m.div_euclid(12)),
                vec![0; series.len()],
            )
        })
        .collect();
    for d in upcoming {
        let Some(date) = d.date.as_deref().and_then(crate::parse_date) else { continue };
        let i = index(date.year(), date.month()) - first;
        let Some(s) = series.iter().position(|s| s.name == d.kind) else { continue };
        if let Some((_, counts)) = usize::try_from(i).ok().and_then(|i| months.get_mut(i)) {
            counts[s] += 1;
        }
    }
    timeline_chart("chart-timeline", "Deadlines by month", &series, &months)
}

/// The paged table of upcoming deadlines.
pub(crate) fn table(upcoming: &[DeadlineRow], opts: &ReportOptions) -> PagedTable {
    PagedTable {
        name: "deadlines",
        caption: format!(
            "Deadlines from {} for {} days, soonest first",
            opts.as_of, opts.horizon_days
        ),
        columns: vec![
            Column::text("Date"),
            Column::num("Days"),
            Column::text("Kind").choices(),
            Column::text("Status").choices(),
            Column::text("Document"),
            Column::text("How"),
            Column::text("From"),
        ],
        rows: upcoming
            .iter()
            .map(|d| {
                let name = d
                    .title
                    .as_deref()
                    .map_or_else(|| file_name(&d.source).to_owned(), |t| shorten(t, 80));
                let how = match d.reason.as_ref().filter(|r| **r != d.basis) {
                    Some(r) => format!("{} — {r}", d.basis),
                    None => d.basis.clone(),
                };
                let from: Vec<String> = d
                    .sources
                    .iter()
                    .filter(|(_, words, _)| !words.trim().is_empty())
                    .map(|(fact, words, _)| format!("{fact}: “{}”", shorten(words, 120)))
                    .collect();
                vec![
                    Cell::text(d.date.clone().unwrap_or_default()),
                    d.days.map_or_else(|| Cell::num(f64::MAX, "–"), Cell::int),
                    Cell::Badge { text: d.kind.clone(), class: format!("k-{}", d.kind) },
                    Cell::Badge { text: d.status.clone(), class: format!("st-{}", d.status) },
                    Cell::Link { text: name, href: doc_href(d.doc_id) },
                    Cell::text(how),
                    Cell::text(from.join("; ")),
                ]
            })
            .collect(),
        page_size: opts.page_size,
        empty: "No deadlines in this period.",
    }
}
