//! `clausal deadlines` and `clausal documents`: key dates as text, JSON, CSV or an ICS
//! calendar, and the contract register.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use clausal::DeadlineQuery;
use clausal::deadlines::{DateKind, DateStatus, Deadline, KeyDate};
use clausal::{DocumentRecord, Searcher};
use icalendar::{Alarm, Calendar, Component, Event, EventLike, Trigger};

use super::index::{filter_of, open};
use crate::args::{DeadlinesArgs, DocumentsArgs};

/// Reads a window: `90d`, `12w`, `3m` (30-day months), `1y` (365 days) or a number of days.
pub(crate) fn parse_window(s: &str) -> anyhow::Result<u32> {
    let s = s.trim();
    let (number, per) = match s.char_indices().last() {
        Some((i, 'd' | 'D')) => (&s[..i], 1),
        Some((i, 'w' | 'W')) => (&s[..i], 7),
        Some((i, 'm' | 'M')) => (&s[..i], 30),
        Some((i, 'y' | 'Y')) => (&s[..i], 365),
        _ => (s, 1),
    };
    let n: u32 = number.trim().parse().map_err(|_| {
        anyhow::anyhow!("not a window: {s:?} (a number of days, or e.g. 90d, 12w, 3m, 1y)")
    })?;
    let days = n.checked_mul(per).filter(|&d| d <= 36_500).ok_or_else(|| {
        anyhow::anyhow!("the window {s:?} is longer than 100 years; give at most 36500d")
    })?;
    Ok(days)
}

fn query_of(args: &DeadlinesArgs) -> anyhow::Result<DeadlineQuery> {
    let mut q = match &args.as_of {
        Some(d) => DeadlineQuery::as_of(d).map_err(|e| anyhow::anyhow!("--as-of: {e}"))?,
        None => DeadlineQuery::today(),
    };
    if let Some(w) = &args.within {
        q = q.within_days(parse_window(w)?);
    }
    for k in &args.kinds {
        q = q.kind(k.parse::<DateKind>().map_err(|e| anyhow::anyhow!("--kind: {e}"))?);
    }
    q = q.filter(filter_of(&args.filter.to_filter_args())?).include_undated(args.all);
    Ok(q)
}

pub fn deadlines(args: DeadlinesArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.alarm_days <= 3650,
        "--alarm-days {} is more than 10 years before the date",
        args.alarm_days
    );
    let query = query_of(&args)?;
    let index = open(&args.index)?;
    let searcher = index.reader()?.searcher();
    let found = searcher.deadlines(&query)?;
    if let Some(path) = &args.ics {
        let n = write_ics(path, &found, args.alarm_days)?;
        eprintln!("{n} dated deadlines written to {} (as of {})", path.display(), query.as_of);
        return Ok(());
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.csv {
        write_csv(&mut out, &found)?;
    } else if args.json {
        for d in &found {
            serde_json::to_writer(&mut out, d)?;
            writeln!(out)?;
        }
    } else {
        print_text(&mut out, &found, &query, &searcher)?;
    }
    Ok(())
}

fn print_text(
    out: &mut impl Write,
    found: &[Deadline],
    query: &DeadlineQuery,
    searcher: &Searcher,
) -> anyhow::Result<()> {
    if found.is_empty() {
        let docs = searcher.documents()?;
        let dated = docs
            .iter()
            .filter_map(|d| d.key_dates.as_ref())
            .filter(|k| k.effective.date.is_some() || k.expiry.date.is_some())
            .count();
        let window = query.within_days.map(|n| format!(" within {n} days")).unwrap_or_default();
        writeln!(
            out,
            "no deadlines{window} as of {} ({} of {} documents have a date clausal could read)",
            query.as_of,
            dated,
            docs.len()
        )?;
        return Ok(());
    }
    for d in found {
        let when = match (&d.date, d.days) {
            (Some(date), Some(days)) => format!("{date}  {}", in_days(days)),
            (Some(date), None) => format!("{date}  (partial date)"),
            (None, _) => "-".to_owned(),
        };
        writeln!(
            out,
            "{when:28} {:18} {:10} {}  {}",
            d.kind.as_str(),
            d.status.as_str(),
            d.source,
            d.title.as_deref().unwrap_or("")
        )?;
        writeln!(out, "    {}", d.basis)?;
        for s in &d.sources {
            let words: String = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let clause = s.clause.map(|c| format!(" clause {c}")).unwrap_or_default();
            writeln!(
                out,
                "      {}{clause} @{}..{}: \"{words:.80}\"",
                s.fact, s.range.start, s.range.end
            )?;
        }
    }
    Ok(())
}

/// "in 30 days", "today", "12 days ago".
pub(crate) fn in_days(days: i64) -> String {
    match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        d if d > 0 => format!("in {d} days"),
        -1 => "yesterday".to_owned(),
        d => format!("{} days ago", -d),
    }
}

fn sources_cell(d: &Deadline) -> String {
    d.sources
        .iter()
        .map(|s| {
            let clause = s.clause.map(|c| c.to_string()).unwrap_or_default();
            let words: String = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
            format!("{}: {clause} {}..{} \"{words}\"", s.fact, s.range.start, s.range.end)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn write_csv(out: &mut impl Write, found: &[Deadline]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "date", "days", "kind", "status", "document", "source", "title", "basis", "reason",
        "sources",
    ])?;
    for d in found {
        w.write_record([
            d.date.as_deref().unwrap_or(""),
            &d.days.map(|n| n.to_string()).unwrap_or_default(),
            d.kind.as_str(),
            d.status.as_str(),
            &d.doc_id.to_string(),
            &d.source,
            d.title.as_deref().unwrap_or(""),
            &d.basis,
            d.reason.as_deref().unwrap_or(""),
            &sources_cell(d),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// The summary line of a calendar event.
fn summary(d: &Deadline) -> String {
    let what = match d.kind {
        DateKind::Effective => "Takes effect",
        DateKind::Expiry => "Term ends",
        DateKind::Renewal => "Renews",
        DateKind::NoticeBy => "Notice due",
        DateKind::TerminationNotice => "Termination for convenience takes effect",
    };
    format!("{what}: {}", d.title.as_deref().unwrap_or(&d.source))
}

/// Writes one all-day event per dated deadline, each with a display alarm `alarm_days` before
/// it. UIDs are the document id and the kind of date, so importing a later export updates the
/// events it already holds instead of adding new ones. Returns the number of events.
fn write_ics(path: &Path, found: &[Deadline], alarm_days: u32) -> anyhow::Result<usize> {
    let mut calendar = Calendar::new();
    calendar.name("clausal deadlines");
    let mut n = 0;
    for d in found {
        let Some(date) = d.date.as_deref().filter(|s| s.len() == 10) else { continue };
        let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .with_context(|| format!("deadline date {date:?}"))?;
        let mut description = format!("{}\n{}\nSource: {}", d.basis, d.status.as_str(), d.source);
        for s in &d.sources {
            let words: String = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
            description.push_str(&format!("\n{}: \"{words}\"", s.fact));
        }
        let summary = summary(d);
        let event = Event::new()
            .uid(&format!("{}-{}@clausal", d.doc_id, d.kind.as_str()))
            .summary(&summary)
            .description(&description)
            // An all-day event: DTEND is the next day (RFC 5545 3.6.1: the end is exclusive).
            .starts(day)
            .ends(day.succ_opt().unwrap_or(day))
            .alarm(Alarm::display(
                &summary,
                Trigger::before_start(chrono::Duration::days(i64::from(alarm_days))),
            ))
            .done();
        calendar.push(event);
        n += 1;
    }
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut file = std::io::BufWriter::new(file);
    write!(file, "{}", calendar.done())?;
    file.flush()?;
    Ok(n)
}

/// One row of the contract register.
#[derive(serde::Serialize)]
struct RegisterRow<'a> {
    doc_id: String,
    source: &'a str,
    title: Option<&'a str>,
    format: String,
    role: Option<&'a str>,
    parties: Vec<String>,
    governing_law: Option<String>,
    key_dates: Vec<KeyDate>,
    risk_score: Option<f32>,
    open_flags: Vec<String>,
}

fn governing_law(d: &DocumentRecord) -> Option<String> {
    d.facts.as_ref()?.governing_law.as_ref().and_then(|f| match &f.value {
        clausal::facts::FactValue::Jurisdiction { name } => Some(name.clone()),
        _ => None,
    })
}

pub fn documents(args: DocumentsArgs) -> anyhow::Result<()> {
    let as_of = match &args.as_of {
        Some(d) => DeadlineQuery::as_of(d).map_err(|e| anyhow::anyhow!("--as-of: {e}"))?,
        None => DeadlineQuery::today(),
    };
    let as_of_day = jiff::civil::Date::strptime("%Y-%m-%d", &as_of.as_of)?;
    let index = open(&args.index)?;
    let searcher = index.reader()?.searcher();
    let docs = searcher.documents_matching(&filter_of(&args.filter)?)?;
    // Risk per document, unless asked not to (it needs the embedding model).
    let risk: std::collections::HashMap<String, (f32, Vec<String>)> = if args.no_risk {
        Default::default()
    } else {
        super::risk::document_risk(&args.index, &args.pack, &args.model, &as_of.as_of)?
    };
    let rows: Vec<RegisterRow<'_>> = docs
        .iter()
        .map(|d| {
            let (risk_score, open_flags) = match risk.get(&d.id.to_string()) {
                Some((s, f)) => (Some(*s), f.clone()),
                None => (None, Vec::new()),
            };
            RegisterRow {
                doc_id: d.id.to_string(),
                source: &d.source,
                title: d.title.as_deref(),
                format: d.kind.map(|k| k.to_string()).unwrap_or_default(),
                role: d.role.as_ref().map(|r| r.role.as_str()),
                parties: d.facts.as_ref().map(|f| f.party_names()).unwrap_or_default(),
                governing_law: governing_law(d),
                key_dates: d.key_dates.as_ref().map(|k| k.as_of(as_of_day)).unwrap_or_default(),
                risk_score,
                open_flags,
            }
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let date_of = |r: &RegisterRow<'_>, kind: DateKind| {
        r.key_dates
            .iter()
            .find(|k| k.kind == kind)
            .map(|k| match (&k.date, k.status) {
                (Some(d), _) => d.clone(),
                (None, DateStatus::OpenEnded) => "open-ended".to_owned(),
                (None, _) => String::new(),
            })
            .unwrap_or_default()
    };
    if args.json {
        for r in &rows {
            serde_json::to_writer(&mut out, r)?;
            writeln!(out)?;
        }
    } else if args.csv {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record([
            "doc_id",
            "source",
            "title",
            "format",
            "role",
            "parties",
            "governing_law",
            "effective",
            "expiry",
            "next_renewal",
            "notice_by",
            "risk_score",
            "open_flags",
        ])?;
        for r in &rows {
            w.write_record([
                r.doc_id.as_str(),
                r.source,
                r.title.unwrap_or(""),
                &r.format,
                r.role.unwrap_or(""),
                &r.parties.join("; "),
                r.governing_law.as_deref().unwrap_or(""),
                &date_of(r, DateKind::Effective),
                &date_of(r, DateKind::Expiry),
                &date_of(r, DateKind::Renewal),
                &date_of(r, DateKind::NoticeBy),
                &r.risk_score.map(|s| format!("{s:.2}")).unwrap_or_default(),
                &r.open_flags.join("; "),
            ])?;
        }
        w.flush()?;
    } else {
        writeln!(out, "{} documents (key dates as of {})", rows.len(), as_of.as_of)?;
        for r in &rows {
            writeln!(
                out,
                "{}  {}  [{} {}]  {}",
                r.doc_id,
                r.source,
                r.format,
                r.role.unwrap_or("-"),
                r.title.unwrap_or("")
            )?;
            if !r.parties.is_empty() {
                writeln!(out, "    parties: {}", r.parties.join("; "))?;
            }
            if let Some(law) = &r.governing_law {
                writeln!(out, "    governing law: {law}")?;
            }
            let dates: Vec<String> =
                [DateKind::Effective, DateKind::Expiry, DateKind::Renewal, DateKind::NoticeBy]
                    .into_iter()
                    .filter_map(|k| {
                        let v = date_of(r, k);
                        (!v.is_empty()).then(|| format!("{} {v}", k.as_str()))
                    })
                    .collect();
            writeln!(
                out,
                "    dates: {}",
                if dates.is_empty() { "none found".to_owned() } else { dates.join(", ") }
            )?;
            if let Some(s) = r.risk_score {
                writeln!(
                    out,
                    "    risk {s:.2}: {}",
                    if r.open_flags.is_empty() {
                        "no open flags".to_owned()
                    } else {
                        r.open_flags.join(", ")
                    }
                )?;
            }
        }
    }
    Ok(())
}
