//! Key dates through an index: computed at ingest, rolled forward per query, every date traced
//! to clause spans whose words are the facts it used.

use std::path::Path;

use clausal::DeadlineQuery;
use clausal::deadlines::{DateKind, DateStatus};
use clausal::facts::{Duration, TimeUnit, durations};
use clausal::{Index, IngestOptions, ModelIdentity};

use crate::extract::TempDir;
use crate::util::embedder;

const RENEWING: &str = "MASTER SERVICES AGREEMENT\n\n\
    This Master Services Agreement is made on 31 January 2024 between Northwind Traders Ltd \
    (\"Customer\") and Contoso Services Inc. (\"Supplier\").\n\n\
    1. Services. The Supplier shall provide the services described in each order.\n\n\
    2. Term and Renewal. The initial term of this Agreement starts on the Effective Date and \
    continues for one (1) month. It then renews automatically for successive terms of one (1) \
    month unless either party gives written notice of non-renewal at least ten (10) days before \
    the end of the then-current term.\n\n\
    3. Termination. Either party may terminate this Agreement for convenience on thirty (30) \
    days' prior written notice.\n";

const OPEN_ENDED: &str = "CONSULTING AGREEMENT\n\n\
    This Consulting Agreement is dated March 3, 2022 between Fabrikam LLC and Litware Inc.\n\n\
    1. Term. This Agreement shall continue in full force and effect until terminated by either \
    party.\n";

const UNDATED: &str = "Notes from the call about pricing and next steps.\n";

fn ingest(index: &Index, paths: &[&Path]) {
    let mut w = index.writer().unwrap();
    clausal::ingest(&mut w, paths, embedder(), &IngestOptions::default(), &mut |_| {}).unwrap();
}

#[test]
fn deadlines_roll_forward_and_name_their_source_spans() {
    let dir = TempDir::new("deadlines");
    let a = dir.write("msa.txt", RENEWING.as_bytes());
    let b = dir.write("consulting.txt", OPEN_ENDED.as_bytes());
    let c = dir.write("notes.txt", UNDATED.as_bytes());
    let index = Index::create_in_dir(dir.0.join("idx"), ModelIdentity::of(embedder())).unwrap();
    ingest(&index, &[&a, &b, &c]);
    let searcher = index.reader().unwrap().searcher();

    let all = searcher.deadlines(&DeadlineQuery::as_of("2026-12-07").unwrap()).unwrap();
    let msa: Vec<_> = all.iter().filter(|d| d.source.ends_with("msa.txt")).collect();
    let get = |kind| msa.iter().find(|d| d.kind == kind).unwrap_or_else(|| panic!("{kind}"));
    // 31 January + 1 month is the month's last day, 29 February 2024.
    assert_eq!(get(DateKind::Expiry).date.as_deref(), Some("2024-02-29"));
    assert_eq!(get(DateKind::Expiry).status, DateStatus::Computed);
    // Monthly renewals from 2024-02-29: the next one after 2026-12-07 is 2026-12-29, and
    // notice for it (10 days before) is due 2026-12-19.
    assert_eq!(get(DateKind::Renewal).date.as_deref(), Some("2026-12-29"));
    assert_eq!(get(DateKind::NoticeBy).date.as_deref(), Some("2026-12-19"));
    assert_eq!(get(DateKind::NoticeBy).days, Some(12));
    assert_eq!(get(DateKind::TerminationNotice).date.as_deref(), Some("2027-01-06"));

    // Every source span is a span of its clause, and its words are the fact the date used.
    let mut checked = 0;
    for d in &all {
        assert!(!d.basis.is_empty());
        for s in &d.sources {
            let clause = searcher.clause(s.clause.expect("segmented")).unwrap().unwrap();
            let within = s.clause_range.clone().unwrap();
            assert_eq!(clause.text.get(within).unwrap(), s.text, "{s:?}");
            match s.fact.as_str() {
                "initial term" | "renewal term" => {
                    assert_eq!(
                        durations(&s.text).first().map(|(_, d)| *d),
                        Some(Duration { amount: 1, unit: TimeUnit::Month })
                    );
                }
                "renewal notice" => assert!(s.text.contains("ten (10) days")),
                "termination notice" => assert!(s.text.contains("thirty (30) days")),
                "agreement date" if d.source.ends_with("msa.txt") => {
                    assert_eq!(s.text, "31 January 2024");
                }
                _ => {}
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "{checked} spans");

    // A window keeps the dated ones inside it, in date order.
    let soon =
        searcher.deadlines(&DeadlineQuery::as_of("2026-12-07").unwrap().within_days(30)).unwrap();
    let dates: Vec<&str> = soon.iter().filter_map(|d| d.date.as_deref()).collect();
    // (A termination for convenience noticed today takes effect in 30 days: inside it.)
    assert_eq!(dates, ["2026-12-19", "2026-12-29", "2027-01-06"]);

    // An open-ended term says so, and a text with no dates gives reasons, not dates.
    let undated = searcher
        .deadlines(&DeadlineQuery::as_of("2026-12-07").unwrap().include_undated(true))
        .unwrap();
    let open = undated
        .iter()
        .find(|d| d.source.ends_with("consulting.txt") && d.kind == DateKind::Expiry)
        .unwrap();
    assert_eq!(open.status, DateStatus::OpenEnded);
    assert!(open.sources[0].text.contains("until terminated"));
    let notes: Vec<_> = undated.iter().filter(|d| d.source.ends_with("notes.txt")).collect();
    assert!(!notes.is_empty());
    assert!(notes.iter().all(|d| d.date.is_none() && d.reason.is_some()));

    assert!(DeadlineQuery::as_of("2026-13-01").is_err());
}
