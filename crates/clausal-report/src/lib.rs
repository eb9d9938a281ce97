//! A static, offline HTML report of a clausal index: the portfolio at a glance, documents ranked
//! by risk, one page per document with its flags explained, and the deadlines of the coming
//! months.
//!
//! ```no_run
//! use std::path::Path;
//! use clausal::risk::{RiskEngine, RiskQuery, RulePack};
//! use clausal_report::{ReportOptions, write_report};
//!
//! let index = clausal::Index::open_in_dir("clausal-index")?;
//! let searcher = index.reader()?.searcher();
//! let embedder = clausal::BertEmbedder::from_dir(clausal::default_model_dir())?;
//! let engine = RiskEngine::new(RulePack::builtin(), &embedder)?;
//! let options = ReportOptions::new("2025-06-30")?;
//! let risk = engine.risk(&searcher, &RiskQuery::new().as_of(&options.as_of), &embedder)?;
//! let review = clausal::ReviewStore::open_existing(index.review_store_path()).ok();
//! let summary = write_report(&searcher, &risk, review.as_ref(), Path::new("report"), &options)?;
//! println!("{} documents, largest file {} bytes", summary.documents, summary.largest_bytes);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What it writes
//!
//! A folder that opens from disk (`file://`, relative links only; nothing is fetched):
//!
//! - `index.html`: key figures; documents by format and by role, clauses by kind, flags by
//!   rule and severity, the review state of the flags (inline SVG bar charts); the documents
//!   with the highest risk; a timeline of the deadlines by month and the next ones.
//! - `documents-1.html`, `documents-2.html`, ...: every document ranked by risk score, a page of
//!   [`ReportOptions::page_size`] rows each.
//! - `doc/<id>.html`: one page per document: source, role, parties, governing law, facts with
//!   their words, key dates with how each was computed, its flags with the clause text, the
//!   evidence of each concept marked in it, the missing concepts, and reviewers' decisions.
//! - `deadlines-1.html`, ...: the deadlines within [`ReportOptions::horizon_days`], soonest
//!   first.
//! - `assets/`: the stylesheet (with a print stylesheet), a small script that sorts, filters
//!   and pages the tables (sort buttons are `<button>`s), and the tables' rows as data files
//!   of at most 2,000 rows, so that no file grows with the archive beyond that.
//!
//! The root element of every page carries `data-documents`, `data-flags` and `data-deadlines`:
//! the counts of the whole report, for scripted checks.
//!
//! # Untrusted text
//!
//! Document text is hostile: every value is HTML-escaped by the templates (maud), the script
//! builds its rows with `textContent`, and the data files escape `<`. A contract that contains
//! `<script>` shows it as text.
//!
//! # Inputs
//!
//! The report reads the index through a [`Searcher`] and takes the risk ranking
//! ([`RiskEngine::risk`](clausal::risk::RiskEngine::risk)) from its caller, so it needs no
//! embedding model; the review store, when given, adds each flag's decision with its comment and
//! the flags reviewers dismissed (which the ranking leaves out).

mod assets;
mod charts;
mod deadlines;
mod error;
mod model;
mod output;
mod pages;
mod table;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use clausal::risk::{DocumentRisk, Flag};
use clausal::{DocId, ReviewStore, Searcher, TextHash, Verdict};
use maud::html;
use rayon::prelude::*;

pub use error::{Error, Result};

use model::{DeadlineRow, DocRow, Portfolio, ReviewBook, ReviewCounts};
use output::Out;
use pages::{DocPage, Nav, Site, Summary};
use table::{Cell, Column, PagedTable};

/// How [`write_report`] builds the report.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportOptions {
    /// The date the report is as of (`YYYY-MM-DD`): deadlines count from it. By default today
    /// (UTC).
    pub as_of: String,
    /// How far ahead the deadlines reach, in days. By default 365.
    pub horizon_days: u32,
    /// Rows per page of the documents and deadlines tables. By default 200.
    pub page_size: usize,
    /// The report's title. By default "Contract portfolio".
    pub title: String,
}

impl Default for ReportOptions {
    fn default() -> ReportOptions {
        ReportOptions {
            as_of: clausal::Timestamp::now().to_string().chars().take(10).collect(),
            horizon_days: 365,
            page_size: 200,
            title: "Contract portfolio".to_owned(),
        }
    }
}

impl ReportOptions {
    /// The defaults, as of `as_of` (`YYYY-MM-DD`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidOption`] when `as_of` is not a valid date.
    pub fn new(as_of: impl Into<String>) -> Result<ReportOptions> {
        let options = ReportOptions { as_of: as_of.into(), ..ReportOptions::default() };
        options.validate()?;
        Ok(options)
    }

    fn validate(&self) -> Result<jiff::civil::Date> {
        let date = parse_date(&self.as_of).ok_or_else(|| {
            Error::InvalidOption(format!(
                "as-of date {:?} is not a valid YYYY-MM-DD date",
                self.as_of
            ))
        })?;
        if !(1..=36_600).contains(&self.horizon_days) {
            return Err(Error::InvalidOption(format!(
                "horizon of {} days (1 to 36600)",
                self.horizon_days
            )));
        }
        if !(1..=100_000).contains(&self.page_size) {
            return Err(Error::InvalidOption(format!(
                "page size {} (1 to 100000)",
                self.page_size
            )));
        }
        Ok(date)
    }
}

fn parse_date(iso: &str) -> Option<jiff::civil::Date> {
    let b = iso.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| iso.get(r)?.parse::<i16>().ok();
    jiff::civil::Date::new(n(0..4)?, n(5..7)? as i8, n(8..10)? as i8).ok()
}

/// What [`write_report`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportSummary {
    /// The report's first page.
    pub index_html: PathBuf,
    /// Documents listed.
    pub documents: usize,
    /// Flags shown.
    pub flags: usize,
    /// Deadlines within the horizon.
    pub deadlines: usize,
    /// Files written.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
    /// The largest file.
    pub largest_file: PathBuf,
    /// Its bytes.
    pub largest_bytes: u64,
}

/// What one document contributes to the summary.
struct DocOutcome {
    row: DocRow,
    /// Its upcoming deadlines (their index in the list) with the words of their sources.
    upcoming: Vec<(usize, DeadlineRow)>,
    kinds: HashMap<&'static str, u64>,
    clauses: u64,
    review: ReviewCounts,
}

/// Writes the report of `searcher`'s snapshot into the folder `out`.
///
/// `risk` is the ranking of [`RiskEngine::risk`](clausal::risk::RiskEngine::risk) (documents
/// missing from it are listed without a score); `review`, the index's review store, adds
/// decisions to the flags. `out` is created if missing; a folder holding an earlier report is
/// replaced; any other non-empty folder is refused.
///
/// # Errors
///
/// [`Error::InvalidOption`], [`Error::NotAReport`], [`Error::Io`] when a file cannot be written,
/// [`Error::Index`] when the index or the review store cannot be read.
pub fn write_report(
    searcher: &Searcher,
    risk: &[DocumentRisk],
    review: Option<&ReviewStore>,
    out: &Path,
    opts: &ReportOptions,
) -> Result<ReportSummary> {
    let as_of = opts.validate()?;
    let book = ReviewBook::load(review)?;
    let documents = searcher.documents().map_err(Error::Index)?;
    let by_id: HashMap<&str, &DocumentRisk> = risk.iter().map(|r| (r.doc_id.as_str(), r)).collect();
    let risk_of = |id: DocId| by_id.get(id.to_string().as_str()).copied();
    let links = searcher.amendment_links().map_err(Error::Index)?;
    let mut amended_by: HashMap<DocId, Vec<DocId>> = HashMap::new();
    for (amendment, agreement) in &links {
        amended_by.entry(*agreement).or_default().push(*amendment);
    }
    let names: HashMap<DocId, String> =
        documents.iter().map(|d| (d.id, model::title_of(d))).collect();
    let dates = deadlines::read(searcher, &documents, opts, as_of)?;
    let flags_total: usize =
        documents.iter().filter_map(|d| risk_of(d.id)).map(|r| r.flags.len()).sum();
    let site = Site {
        title: opts.title.clone(),
        as_of: opts.as_of.clone(),
        horizon_days: opts.horizon_days,
        counts: (documents.len(), flags_total, dates.upcoming.len()),
        dates_missing: dates.missing,
    };

    let mut upcoming_of: HashMap<DocId, Vec<usize>> = HashMap::new();
    for (i, x) in dates.upcoming.iter().enumerate() {
        upcoming_of.entry(x.doc_id).or_default().push(i);
    }
    output::prepare(out)?;
    let out = Out::new(out);
    let outcomes: Vec<Result<DocOutcome>> = documents
        .par_iter()
        .map(|d| {
            let clauses = searcher.clauses_of(d.id).map_err(Error::Index)?;
            let risk = risk_of(d.id);
            let mut row = DocRow::new(d, risk);
            let key_dates: Vec<DeadlineRow> = dates
                .by_doc
                .get(&d.id)
                .map(|v| v.iter().map(|x| x.clone().with_words_from(&clauses)).collect())
                .unwrap_or_default();
            row.next_deadline = upcoming_of
                .get(&d.id)
                .and_then(|v| v.first())
                .map(|&i| &dates.upcoming[i])
                .and_then(|x| Some((x.date.clone()?, x.kind.clone())));
            let flags: Vec<(&Flag, Option<model::Decided>)> = risk
                .map(|r| r.flags.iter().map(|f| (f, book.decision(f))).collect())
                .unwrap_or_default();
            let mut review = ReviewCounts::default();
            for (_, decision) in &flags {
                review.count(decision.as_ref().map(|d| d.verdict));
            }
            let shown = |rule: &str, hash: &TextHash| {
                flags.iter().any(|(f, _)| f.rule_id == rule && f.review_key() == *hash)
            };
            let mut dismissed = Vec::new();
            let mut seen = std::collections::HashSet::new();
            let doc_key = TextHash::of(&format!("document {}", d.id));
            let texts = clauses.iter().map(|c| (c.text_hash, Some(c))).chain([(doc_key, None)]);
            for (hash, clause) in texts {
                for dec in book.on_text(&hash) {
                    if dec.verdict == Verdict::Dismiss
                        && !shown(&dec.rule_id, &hash)
                        && seen.insert((dec.rule_id.clone(), hash))
                    {
                        dismissed.push((dec.clone(), clause));
                    }
                }
            }
            review.dismissed += dismissed.len() as u64;
            let mut kinds: HashMap<&'static str, u64> = HashMap::new();
            for c in &clauses {
                for k in &c.kinds {
                    *kinds.entry(k.kind.id()).or_default() += 1;
                }
            }
            let name = |id: &DocId| (*id, names.get(id).cloned().unwrap_or_else(|| id.to_string()));
            let page = DocPage {
                row: &row,
                record: d,
                clauses: &clauses,
                flags,
                dismissed,
                deadlines: key_dates,
                amends: links.get(&d.id).map(name),
                amended_by: amended_by
                    .get(&d.id)
                    .map(|v| v.iter().map(name).collect())
                    .unwrap_or_default(),
            };
            let html = pages::document(&site, &page).into_string();
            out.write(&format!("doc/{}.html", d.id), html.as_bytes())?;
            let upcoming = upcoming_of
                .get(&d.id)
                .map(|v| {
                    v.iter()
                        .map(|&i| {
                            let mut x = dates.upcoming[i].clone().with_words_from(&clauses);
                            x.title.get_or_insert_with(|| row.title.clone());
                            (i, x)
                        })
                        .collect()
                })
                .unwrap_or_default();
            Ok(DocOutcome { clauses: clauses.len() as u64, row, upcoming, kinds, review })
        })
        .collect();

    let mut portfolio = Portfolio {
        documents: documents.len(),
        flags: flags_total,
        deadlines: dates.upcoming.len(),
        ..Portfolio::default()
    };
    let mut rows = Vec::with_capacity(outcomes.len());
    let mut dates = dates;
    for o in outcomes {
        let o = o?;
        for (i, row) in o.upcoming {
            dates.upcoming[i] = row;
        }
        portfolio.clauses += o.clauses;
        *portfolio.by_format.entry(o.row.format.clone()).or_default() += 1;
        let role = o.row.role.map_or("unknown", |r| r.as_str());
        *portfolio.by_role.entry(role.to_owned()).or_default() += 1;
        for (k, n) in o.kinds {
            *portfolio.clauses_by_kind.entry(k.to_owned()).or_default() += n;
        }
        portfolio.review.add(o.review);
        if o.row.flags > 0 {
            portfolio.flagged_documents += 1;
        }
        rows.push(o.row);
    }
    for d in &documents {
        for f in risk_of(d.id).map(|r| r.flags.as_slice()).unwrap_or_default() {
            let e = portfolio.flags_by_rule.entry(f.rule_id.clone()).or_insert((
                f.title.clone(),
                f.severity,
                0,
            ));
            e.2 += 1;
            portfolio.flags_by_severity[model::severity_index(f.severity)] += 1;
        }
    }
    rows.sort_by(|a, b| {
        let score = |r: &DocRow| r.score.unwrap_or(-1.0);
        score(b).total_cmp(&score(a)).then_with(|| a.source.cmp(&b.source))
    });

    let timeline = deadlines::timeline(&dates.upcoming, as_of, opts.horizon_days);
    let summary = Summary {
        portfolio: &portfolio,
        ranked: &rows,
        upcoming: &dates.upcoming,
        timeline: timeline.clone(),
    };
    let html = pages::layout(&site, "Summary", "", Nav::Summary, pages::summary(&site, &summary));
    out.write("index.html", html.into_string().as_bytes())?;

    let documents_table = documents_table(&rows, opts.page_size);
    write_paged(&out, &site, &documents_table, Nav::Documents, "Documents by risk", None)?;
    let deadlines_table = deadlines::table(&dates.upcoming, opts);
    let intro = html! {
        p.lead {
            "Key dates from " (opts.as_of) " for the next " (opts.horizon_days)
            " days, each computed from the facts it names. Dates that are ambiguous or unknown are on the documents' pages."
        }
        @if dates.missing { (pages::dates_missing_note()) }
        (timeline)
    };
    write_paged(&out, &site, &deadlines_table, Nav::Deadlines, "Upcoming deadlines", Some(intro))?;
    out.write("assets/report.css", assets::CSS.as_bytes())?;
    out.write("assets/report.js", assets::JS.as_bytes())?;
    out.write(output::MARKER, b"A clausal report: `clausal report` replaces this folder.\n")?;

    let written = out.finish();
    Ok(ReportSummary {
        index_html: written.root.join("index.html"),
        documents: documents.len(),
        flags: flags_total,
        deadlines: dates.upcoming.len(),
        files: written.files,
        bytes: written.bytes,
        largest_file: written.largest.0,
        largest_bytes: written.largest.1,
    })
}

fn write_paged(
    out: &Out,
    site: &Site,
    table: &PagedTable,
    nav: Nav,
    heading: &str,
    intro: Option<maud::Markup>,
) -> Result<()> {
    for n in 1..=table.pages() {
        let before = if n == 1 { intro.clone() } else { None };
        let html = pages::paged(site, table, n, nav, heading, before);
        out.write(&table.page_file(n), html.into_string().as_bytes())?;
    }
    for (path, body) in table.chunks() {
        out.write(&path, body.as_bytes())?;
    }
    Ok(())
}

/// The documents table: ranked rows, highest risk first.
fn documents_table(rows: &[DocRow], page_size: usize) -> PagedTable {
    let sev = |r: &DocRow, s: clausal::risk::Severity| {
        Cell::int(r.by_severity[model::severity_index(s)] as i64)
    };
    PagedTable {
        name: "documents",
        caption: "Documents ranked by risk score".to_owned(),
        columns: vec![
            Column::num("Rank"),
            Column::text("Document"),
            Column::text("Role").choices(),
            Column::text("Format").choices(),
            Column::num("Risk score"),
            Column::num("Flags"),
            Column::num("Critical"),
            Column::num("High"),
            Column::text("Source"),
            Column::text("Parties"),
            Column::text("Governing law").choices(),
            Column::text("Next deadline"),
        ],
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    Cell::int(i as i64 + 1),
                    Cell::Link { text: r.title.clone(), href: r.href() },
                    Cell::text(r.role.map_or("unknown", |r| r.as_str())),
                    Cell::text(r.format.clone()),
                    match r.score {
                        Some(s) => Cell::num(f64::from(s), format!("{s:.3}")),
                        None => Cell::num(-1.0, "–"),
                    },
                    Cell::int(r.flags as i64),
                    sev(r, clausal::risk::Severity::Critical),
                    sev(r, clausal::risk::Severity::High),
                    Cell::text(model::file_name(&r.source)),
                    Cell::text(model::shorten(&r.parties.join("; "), 120)),
                    Cell::text(r.law.clone().unwrap_or_default()),
                    Cell::text(
                        r.next_deadline
                            .as_ref()
                            .map(|(d, k)| format!("{d} {k}"))
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect(),
        page_size,
        empty: "The index holds no documents.",
    }
}

#[cfg(test)]
mod tests;
