//! `clausal demo`: ingest the sample archive into an index and run a few searches on it.
//!
//! The sample archive (`samples/archive/`, written by `cargo run --example sample_archive`)
//! holds a PDF services agreement, a DOCX supply agreement, a Markdown NDA and an email with a
//! DOCX amendment attached; some force majeure clauses cover epidemics, some do not.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;

use clausal::risk::{RiskEngine, RiskQuery, RulePack};
use clausal::{
    ClauseKind, Filter, Index, IngestEvent, IngestOptions, ModelIdentity, QuerySyntax, SearchMode,
    SearchRequest, Similar,
};

use super::index::describe_hit;
use crate::args::DemoArgs;

/// The policy the demo sets: which governing laws the (imaginary) team accepts.
const DEMO_POLICY: &str = "[settings]\nallowed_governing_law = [\"New York\", \"Delaware\"]\n";

/// The sample archive in the source tree clausal was built from.
fn sample_archive() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/archive"))
}

struct Cleanup(Option<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(dir) = &self.0 {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

pub fn run(args: DemoArgs) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let embedder = args.model.load()?;
    let info = embedder.model_info();
    println!(
        "model {} ({} dimensions, weights sha256 {}) loaded in {:.2?}",
        info.id,
        info.dim,
        &info.weights_sha256[..12],
        t0.elapsed()
    );
    let archive = args.archive.clone().unwrap_or_else(sample_archive);
    let (dir, _cleanup) = match &args.index {
        Some(dir) => (dir.clone(), Cleanup(None)),
        None => {
            let dir = std::env::temp_dir().join(format!("clausal-demo-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            (dir.clone(), Cleanup(Some(dir)))
        }
    };
    // The commands the demo prints run as printed against the index it keeps (`--index DIR`);
    // without one, DIR stands for wherever `clausal demo --index DIR` kept it.
    let ix = match &args.index {
        Some(d) => format!(" --index {}", super::shell_word(&d.display().to_string())),
        None => " --index DIR".to_owned(),
    };
    let index = Index::open_or_create(&dir, ModelIdentity::of(&embedder))?;
    let mut writer = index.writer()?;
    let report = clausal::ingest(
        &mut writer,
        &[&archive],
        &embedder,
        &IngestOptions::default(),
        &mut |e| {
            if let IngestEvent::File { path, documents, clauses, error, unchanged, .. } = e {
                let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
                match error {
                    Some(e) => println!("  {name}: failed: {e}"),
                    None if *unchanged => println!("  {name}: unchanged"),
                    None => println!("  {name}: {documents} documents, {clauses} clauses"),
                }
            }
        },
    )?;
    drop(writer);
    println!(
        "ingested {} files from {} in {:.2?}: {} documents, {} clauses ({} embedded, {} shared)",
        report.files,
        archive.display(),
        report.timings.total,
        report.documents,
        report.clauses,
        report.embedded,
        report.cached
    );
    let searcher = index.reader()?.searcher();
    let stats = searcher.stats()?;
    let kinds: Vec<String> = stats.kinds.iter().take(8).map(|(k, n)| format!("{k} {n}")).collect();
    println!("index {}: clauses by kind: {}\n", dir.display(), kinds.join(", "));

    let fm = Filter::new().kind(ClauseKind::ForceMajeure);
    let searches = [
        (
            "Hybrid search (BM25 + vectors, fused by reciprocal rank):",
            SearchRequest::new("force majeure pandemic").limit(3),
        ),
        (
            "Vector search (by meaning) among force majeure clauses only:",
            SearchRequest::new("Are we excused if an epidemic stops performance?")
                .mode(SearchMode::Vector)
                .limit(4)
                .filter(fm.clone()),
        ),
        (
            "BM25 with a kind filter: force majeure clauses whose words do not mention \
             pandemics, epidemics, disease or quarantine:",
            SearchRequest::new("* -pandemic -epidemic -disease -quarantine")
                .mode(SearchMode::Bm25)
                .filter(fm.clone()),
        ),
        (
            "A question in plain words:",
            SearchRequest::new("When must we give notice so the contract does not renew?")
                .syntax(QuerySyntax::Plain)
                .limit(2),
        ),
    ];
    let mut first_fm = None;
    for (title, request) in searches {
        let mode = format!("{:?}", request.mode).to_lowercase();
        let kinds: String =
            request.filter.kinds.iter().map(|k| format!(" --kind {}", k.id())).collect();
        println!("{title}\n  clausal search{ix} {:?} --mode {mode}{kinds}", request.query);
        let hits = searcher.search(&request, &embedder)?;
        for (i, h) in hits.iter().enumerate() {
            println!("{}", describe_hit(i + 1, h));
            if first_fm.is_none()
                && h.clause.kinds.iter().any(|k| k.kind == ClauseKind::ForceMajeure)
            {
                first_fm = Some(h.clause.id);
            }
        }
        println!();
    }
    if let Some(id) = first_fm {
        println!("Clauses most similar to clause {id}:\n  clausal similar{ix} --clause {id}");
        for (i, h) in
            searcher.similar(&Similar::Clause(id), &Filter::new(), 3, &embedder)?.iter().enumerate()
        {
            println!("{}", describe_hit(i + 1, h));
        }
        println!();
    }
    // Which governing laws are acceptable is a team's policy: the built-in pack leaves the
    // policy rule silent, and the demo sets a policy the way a team would, in its own pack.
    let mut pack = RulePack::builtin();
    pack.extend_from_str(DEMO_POLICY, "demo policy")?;
    println!(
        "Policy for this demo (a team sets its own with `--rules FILE`): allowed governing law \
         {}.\n",
        pack.settings.policy_value("allowed_governing_law")
    );
    let engine = RiskEngine::new(pack, &embedder)?;
    // Candidates too, for the flag an amendment supersedes.
    let fm: Vec<_> = engine
        .flags(
            &searcher,
            &RiskQuery::new().rule("fm-no-pandemic").include_unflagged(true),
            &embedder,
        )?
        .into_iter()
        .filter(|f| f.flagged || f.superseded.is_some())
        .collect();
    println!(
        "Risk flags: force majeure clauses that do not cover epidemics or pandemics:\n  \
         clausal flags{ix} --rule fm-no-pandemic"
    );
    for f in &fm {
        let clause = f.clause.as_ref().map_or(String::new(), |c| {
            format!("{} {}", c.number.as_deref().unwrap_or("-"), c.heading.as_deref().unwrap_or(""))
        });
        let nearest = f
            .missing
            .iter()
            .filter_map(|m| m.nearest.as_ref())
            .map(|e| format!("; nearest phrase \"{}\"", e.text))
            .next()
            .unwrap_or_default();
        let superseded = f.superseded.as_ref().map_or(String::new(), |s| {
            format!(" (not a flag: section {} is replaced by {})", s.section, s.source)
        });
        println!("  {:.2} {} clause {clause}{nearest}{superseded}", f.score, f.source);
    }
    println!("\nDocuments by risk score (the built-in pack's weights):\n  clausal risk{ix}");
    let documents = searcher.documents()?;
    let source_of = |id: &str| {
        documents
            .iter()
            .find(|d| d.id.to_string() == id)
            .map_or(id.to_owned(), |d| d.source.clone())
    };
    for d in engine.risk(&searcher, &RiskQuery::new(), &embedder)? {
        let rules: Vec<&str> = d.flags.iter().map(|f| f.rule_id.as_str()).collect();
        let mut role = d.role.map(|r| r.to_string()).unwrap_or_else(|| "unknown role".into());
        if let Some(a) = &d.amends {
            role.push_str(&format!(", amends {}", source_of(a)));
        }
        let rules = if rules.is_empty() { "no flags".to_owned() } else { rules.join(", ") };
        println!("  {:.3} {} ({role}): {rules}", d.score, d.source);
    }
    let query = clausal::DeadlineQuery::today().within_days(365);
    println!(
        "\nDeadlines of the next 12 months (key dates rolled forward from today, {}):\n  \
         clausal deadlines{ix} --within 1y   (also --csv, --json, --ics FILE)",
        query.as_of
    );
    let upcoming = searcher.deadlines(&query)?;
    if upcoming.is_empty() {
        println!("  none");
    }
    for d in &upcoming {
        println!(
            "  {} ({}) {} {}: {}",
            d.date.as_deref().unwrap_or("-"),
            d.days.map(super::deadlines::in_days).unwrap_or_default(),
            d.kind,
            d.source,
            d.basis
        );
    }
    // The clause library: the starter library's standard clauses against the archive.
    let library = clausal::library::Library::starter();
    let deviations = clausal::library::Deviations::new(
        &library,
        &embedder,
        &engine,
        clausal::library::DeviationSettings::default(),
    )?;
    let found =
        searcher.deviations(&deviations, &engine, &clausal::library::DeviationQuery::new())?;
    println!(
        "\nThe starter clause library against the archive ({} clauses of its kinds):\n  \
         clausal library import --index DIR --starter --author NAME; clausal deviations --index DIR",
        found.len()
    );
    for status in
        [clausal::library::DeviationStatus::Outdated, clausal::library::DeviationStatus::Deviates]
    {
        let Some(d) = found.iter().find(|d| d.deviation.status == status) else {
            println!("  no {} clause", status.as_str());
            continue;
        };
        let v = &d.deviation;
        println!(
            "  {} {} {} {} (similarity {:.2} to {} v{}):\n    {}",
            status.as_str(),
            d.source,
            d.number.as_deref().unwrap_or(""),
            d.heading.as_deref().unwrap_or(""),
            v.similarity,
            v.nearest.entry,
            v.nearest.version,
            v.explanation
        );
    }
    println!();
    // The dashboard: the same index as a static HTML folder.
    let risk = engine.risk(&searcher, &RiskQuery::new().as_of(query.as_of.clone()), &embedder)?;
    let store_path = index.review_store_path();
    let review = if store_path.exists() {
        Some(clausal::ReviewStore::open_existing(&store_path)?)
    } else {
        None
    };
    let options = clausal_report::ReportOptions::new(query.as_of.clone())?;
    let summary =
        clausal_report::write_report(&searcher, &risk, review.as_ref(), &args.report, &options)
            .with_context(|| format!("writing the report to {}", args.report.display()))?;
    let shown = std::fs::canonicalize(&summary.index_html).unwrap_or(summary.index_html.clone());
    println!(
        "Report: {} ({} documents, {} flags, {} deadlines in the next 12 months; open it in a \
         browser, nothing is fetched)\n  clausal report --index DIR -o DIR\n",
        shown.display(),
        summary.documents,
        summary.flags,
        summary.deadlines
    );
    if args.index.is_some() {
        println!(
            "The index is kept in {}: try `clausal search{ix} \"governing law\"`.",
            dir.display()
        );
    } else {
        println!(
            "The index was temporary: `clausal demo --index DIR` keeps it, and the commands \
             above then run as printed."
        );
    }
    println!(
        "Reviewers confirm or dismiss flags with `clausal review record`; decisions go to the \
         index's tamper-evident review store and change later flags (`clausal review next`)."
    );
    Ok(())
}
