//! The report of a small index built with a hashing embedder: escaping, paging, counts.

use std::path::{Path, PathBuf};

use clausal::risk::{RiskEngine, RiskQuery, RulePack};
use clausal::{Decision, Embedder, Index, IngestOptions, ModelIdentity, ReviewStore, Verdict};

use super::*;

/// Deterministic word-hashing vectors: enough for the engine to run, no model needed.
struct Hashing;

impl Embedder for Hashing {
    fn dim(&self) -> usize {
        32
    }

    fn model_id(&self) -> &str {
        "test-hashing"
    }

    fn embed(&self, texts: &[&str]) -> clausal::Result<Vec<Vec<f32>>> {
        Ok(texts
            .iter()
            .map(|t| {
                let mut v = [0.0f32; 32];
                for w in t.split_whitespace() {
                    let h =
                        w.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
                    v[(h % 32) as usize] += 1.0;
                }
                v[0] += 0.5;
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                v.iter().map(|x| x / n).collect()
            })
            .collect())
    }
}

const HOSTILE: &str = "SERVICES AGREEMENT <script>alert(1)</script>\n\n\
This Services Agreement is made on 1 March 2024 between Acme <b>Corp</b> Inc. (\"Customer\") and \
Evil \"Supplier\" Ltd. <img src=x onerror=alert(2)> (\"Supplier\").\n\n\
1. Term. This Agreement starts on the Effective Date and continues for one (1) year. It renews \
automatically for successive one (1) year terms unless either party gives written notice of \
non-renewal at least thirty (30) days before the end of the then-current term.\n\n\
2. Force Majeure. Neither party is liable for delay caused by fire, flood, war or other events \
beyond its reasonable control <script>alert(3)</script>.\n\n\
3. Governing Law. This Agreement is governed by the laws of the State of New York.\n";

const SUPPLY: &str = "SUPPLY AGREEMENT\n\n\
This Supply Agreement is dated 15 June 2023 between Fabrikam plc (the \"Buyer\") and Litware GmbH \
(the \"Seller\").\n\n\
1. Force Majeure. A party is excused from performance to the extent it is prevented by acts of \
God, strikes, riots, acts of war, fire or explosion.\n\n\
2. Assignment. Neither party may assign this Agreement without the prior written consent of the \
other party.\n\n\
3. Governing Law. This Agreement is governed by the laws of England and Wales.\n";

const NDA: &str = "MUTUAL NON-DISCLOSURE AGREEMENT\n\n\
This Agreement is entered into on 2 January 2025 between Tailspin Toys LLC and Adventure Works \
Inc.\n\n\
1. Confidential Information. The Receiving Party shall not disclose Confidential Information.\n\n\
2. Governing Law. This Agreement is governed by the laws of the State of California.\n";

struct Fixture {
    _dir: tempfile::TempDir,
    index: Index,
    out: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir(&files).unwrap();
    for (name, text) in [("hostile.txt", HOSTILE), ("supply.txt", SUPPLY), ("nda.txt", NDA)] {
        std::fs::write(files.join(name), text).unwrap();
    }
    let index = Index::create_in_dir(dir.path().join("idx"), ModelIdentity::of(&Hashing)).unwrap();
    let mut writer = index.writer().unwrap();
    clausal::ingest(&mut writer, &[&files], &Hashing, &IngestOptions::default(), &mut |_| {})
        .unwrap();
    drop(writer);
    let out = dir.path().join("report");
    Fixture { _dir: dir, index, out }
}

fn report(
    f: &Fixture,
    review: Option<&ReviewStore>,
    opts: &ReportOptions,
) -> (ReportSummary, Vec<DocumentRisk>) {
    let searcher = f.index.reader().unwrap().searcher();
    let engine = RiskEngine::new(RulePack::builtin(), &Hashing).unwrap();
    let risk = engine.risk(&searcher, &RiskQuery::new().as_of(&opts.as_of), &Hashing).unwrap();
    let summary = write_report(&searcher, &risk, review, &f.out, opts).unwrap();
    (summary, risk)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Every file of the report, as text.
fn all_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else {
            out.push((p.clone(), read(&p)));
        }
    }
    out
}

/// The attributes named twice on one start tag of `html` (browsers keep the first only).
fn duplicate_attributes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in html.split('<').skip(1) {
        if !tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let tag = tag.split('>').next().unwrap_or("");
        let mut names = Vec::new();
        // Outside quotes (even pieces), an attribute name ends each `name=`.
        for outside in tag.split('"').step_by(2) {
            for piece in outside.split_whitespace() {
                if let Some(name) = piece.strip_suffix('=') {
                    names.push(name.to_owned());
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        out.extend(
            names
                .into_iter()
                .filter(|n| !seen.insert(n.clone()))
                .map(|n| format!("{n} in <{tag}>")),
        );
    }
    out
}

fn attr(html: &str, name: &str) -> usize {
    let at =
        html.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("no {name}")) + name.len() + 2;
    html[at..].split('"').next().unwrap().parse().unwrap()
}

#[test]
fn document_text_is_escaped_everywhere() {
    let f = fixture();
    let (summary, _) = report(&f, None, &ReportOptions::new("2024-06-01").unwrap());
    assert_eq!(summary.documents, 3);
    let mut hostile_page = None;
    for (path, text) in all_files(&f.out) {
        for bad in ["<script>alert", "<img src=x", "<b>Corp"] {
            assert!(!text.contains(bad), "{} contains {bad:?}", path.display());
        }
        if text.contains("hostile.txt") && path.parent().unwrap().ends_with("doc") {
            hostile_page = Some(text);
        }
    }
    let page = hostile_page.expect("the hostile document's page");
    for (path, text) in all_files(&f.out) {
        if path.extension().is_some_and(|x| x == "html") {
            assert_eq!(duplicate_attributes(&text), Vec::<String>::new(), "{}", path.display());
        }
    }
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the title is shown as text");
    // The only scripts are the report's own.
    assert_eq!(page.matches("<script").count(), 1);
    assert!(page.contains(r#"<script src="../assets/report.js" defer>"#));
}

#[test]
fn counts_on_the_root_element_match_the_inputs() {
    let f = fixture();
    let opts = ReportOptions::new("2024-06-01").unwrap();
    let (summary, risk) = report(&f, None, &opts);
    let index = read(&summary.index_html);
    let flags: usize = risk.iter().map(|r| r.flags.len()).sum();
    assert!(flags > 0, "the built-in pack flags the force majeure clauses without pandemics");
    assert_eq!(attr(&index, "data-documents"), 3);
    assert_eq!(attr(&index, "data-flags"), flags);
    assert_eq!(summary.flags, flags);
    let searcher = f.index.reader().unwrap().searcher();
    let query = clausal::DeadlineQuery::as_of("2024-06-01").unwrap().within_days(365);
    let deadlines = searcher.deadlines(&query).unwrap();
    assert!(!deadlines.is_empty(), "the hostile agreement renews on 2025-03-01");
    assert_eq!(attr(&index, "data-deadlines"), deadlines.len());
    assert_eq!(summary.deadlines, deadlines.len());
    // One page per document, each linked from the documents table.
    let docs = read(&f.out.join("documents-1.html"));
    for d in searcher.documents().unwrap() {
        assert!(f.out.join(format!("doc/{}.html", d.id)).is_file());
        assert!(docs.contains(&format!("href=\"doc/{}.html\"", d.id)));
    }
    assert!(f.out.join("deadlines-1.html").is_file());
    assert!(f.out.join("assets/report.css").is_file() && f.out.join("assets/report.js").is_file());
    assert!(summary.largest_bytes > 0 && summary.files >= 3 + 3 + 2);
}

#[test]
fn tables_are_paged_and_data_files_hold_every_row() {
    let f = fixture();
    let mut opts = ReportOptions::new("2024-06-01").unwrap();
    opts.page_size = 2;
    report(&f, None, &opts);
    let first = read(&f.out.join("documents-1.html"));
    let second = read(&f.out.join("documents-2.html"));
    assert!(!f.out.join("documents-3.html").exists());
    assert_eq!(first.matches("href=\"doc/").count(), 2);
    assert_eq!(second.matches("href=\"doc/").count(), 1);
    assert!(
        first.contains(r#"href="documents-2.html""#)
            && second.contains(r#"aria-current="page">2<"#)
    );
    let data = read(&f.out.join("assets/data/documents-0.js"));
    assert_eq!(data.matches("\"h\":\"doc/").count(), 3);
    // A second report into the same folder replaces the first.
    opts.page_size = 200;
    report(&f, None, &opts);
    assert!(!f.out.join("documents-2.html").exists());
}

#[test]
fn review_decisions_show_on_flags_and_in_the_summary() {
    let f = fixture();
    let opts = ReportOptions::new("2024-06-01").unwrap();
    let (_, risk) = report(&f, None, &opts);
    let flags: Vec<&clausal::risk::Flag> = risk.iter().flat_map(|r| &r.flags).collect();
    let store = ReviewStore::open(f.index.review_store_path()).unwrap();
    let (confirmed, dismissed) = (flags[0], flags[1]);
    let mut d = Decision::new(
        confirmed.rule_id.clone(),
        confirmed.rule_version.clone(),
        confirmed.review_key(),
        Verdict::Confirm,
        "ann <ann@example.com>",
    );
    d.comment = Some("fix before <renewal>".into());
    store.record(&d).unwrap();
    let d = Decision::new(
        dismissed.rule_id.clone(),
        dismissed.rule_version.clone(),
        dismissed.review_key(),
        Verdict::Dismiss,
        "bo",
    );
    store.record(&d).unwrap();
    let (summary, risk_after) = report(&f, Some(&store), &opts);
    let after: usize = risk_after.iter().map(|r| r.flags.len()).sum();
    assert_eq!(after, flags.len() - 1, "the dismissed flag leaves the ranking");
    let index = read(&summary.index_html);
    assert!(index.contains("<title>confirmed: 1</title>"), "{index}");
    assert!(index.contains("<title>dismissed: 1</title>"));
    assert!(index.contains(&format!("<title>undecided: {}</title>", after - 1)));
    let page = read(&f.out.join(format!("doc/{}.html", confirmed.doc_id)));
    assert!(page.contains("Confirmed</span> by ann &lt;ann@example.com&gt;"), "{page}");
    assert!(page.contains("fix before &lt;renewal&gt;"));
    let page = read(&f.out.join(format!("doc/{}.html", dismissed.doc_id)));
    assert!(page.contains("Dismissed by reviewers (1)"), "{page}");
}

#[test]
fn bad_options_and_folders_are_refused() {
    assert!(matches!(ReportOptions::new("2024-02-30"), Err(Error::InvalidOption(_))));
    assert!(matches!(ReportOptions::new("24-02-03"), Err(Error::InvalidOption(_))));
    let f = fixture();
    std::fs::create_dir_all(&f.out).unwrap();
    std::fs::write(f.out.join("keep.txt"), b"x").unwrap();
    let searcher = f.index.reader().unwrap().searcher();
    let err =
        write_report(&searcher, &[], None, &f.out, &ReportOptions::new("2024-06-01").unwrap());
    assert!(matches!(err, Err(Error::NotAReport(_))));
}
