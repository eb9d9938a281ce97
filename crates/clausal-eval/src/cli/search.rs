//! `clausal eval acord | ingest`: search quality and ingestion figures.

use std::process::ExitCode;

use crate::{AcordReport, ModeScores};

use super::args::{AcordArgs, EvalIngestArgs, EvalThreadsArgs, LatencyArgs};
use super::{print_json, verdict};

/// A fresh directory under the system's temporary folder, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> anyhow::Result<TempDir> {
        let dir = std::env::temp_dir().join(format!("clausal-{name}-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn acord(args: AcordArgs) -> anyhow::Result<ExitCode> {
    let embedder = args.model.load()?;
    let work = TempDir::new("acord")?;
    let r = crate::acord(&args.data, &work.0, &embedder)?;
    let pass = r.passes();
    if args.json {
        print_json(&r, pass)?;
        return Ok(verdict(pass));
    }
    print_acord(&r, &args.data);
    println!(
        "  {} (hybrid nDCG@10 above both single modes over all queries, in both settings)",
        if pass { "PASS" } else { "FAIL" }
    );
    Ok(verdict(pass))
}

fn print_acord(r: &AcordReport, dir: &std::path::Path) {
    println!(
        "ACORD clause retrieval: {} corpus clauses from {} (indexed in {:.1} s); fusion tuned on \
         train: {:?}",
        r.corpus,
        dir.display(),
        r.index_seconds,
        r.fusion
    );
    for (setting, table) in [("whole corpus", &r.whole_corpus), ("judged only", &r.judged_only)] {
        println!("  {setting}:");
        println!(
            "    {:8} {:>7}  {:>20}  {:>20}  {:>20}",
            "split", "queries", "bm25 nDCG@5/@10 P@5", "vector", "hybrid"
        );
        for (split, m) in table {
            println!("    {split:8} {:>7}  {}  {}  {}", m.queries, fmt(m, 0), fmt(m, 1), fmt(m, 2));
        }
    }
}

fn fmt(m: &ModeScores, which: usize) -> String {
    let s = [m.bm25, m.vector, m.hybrid][which];
    format!("{:.3} {:.3} {:.3}  ", s.ndcg5, s.ndcg10, s.p5)
}

pub fn threads(args: EvalThreadsArgs) -> anyhow::Result<ExitCode> {
    let embedder = args.model.load()?;
    let temp = TempDir::new("threads")?;
    let r = crate::threads(&args.data, &temp.0, &embedder)?;
    let pass = r.passes();
    if args.json {
        let mut value = serde_json::to_value(&r)?;
        value["pass"] = pass.into();
        println!("{value}");
        return Ok(verdict(pass));
    }
    let dirs: Vec<String> = args.data.iter().map(|d| d.display().to_string()).collect();
    println!("email threads of {} ({} files)", dirs.join(", "), r.files);
    println!(
        "  {} messages in {} threads ({} of more than one message)",
        r.messages, r.threads, r.conversations
    );
    println!(
        "  replies whose parent the archive holds: {}/{} joined to it",
        r.joined, r.replies_with_parent
    );
    println!(
        "  replies whose parent is absent: {}/{} rooted at the id they name",
        r.rooted, r.replies_without_parent
    );
    println!(
        "  thread ids changed by re-ingesting in reverse order or unchanged: {} documents",
        r.unstable
    );
    for source in &r.unstable_sources {
        println!("  UNSTABLE {source}");
    }
    for source in &r.placed_differently {
        println!(
            "  placed by ingestion order (the same bytes are also a file or another \
             attachment): {source}"
        );
    }
    for m in &r.misses {
        println!("  MISS {}: expected under {:?}, is under {:?}", m.source, m.expected, m.actual);
    }
    println!("  {}", if pass { "PASS" } else { "FAIL" });
    Ok(verdict(pass))
}

pub fn ingest(args: EvalIngestArgs) -> anyhow::Result<ExitCode> {
    let embedder = args.model.load()?;
    let temp;
    let work = match &args.index {
        Some(dir) => dir.clone(),
        None => {
            temp = TempDir::new("ingest")?;
            temp.0.clone()
        }
    };
    let r = crate::ingest(&args.data, args.limit, &work, &embedder, &mut |_| {})?;
    let pass = r.passes();
    if args.json {
        let mut value = serde_json::to_value(&r)?;
        value["rerun_share"] = r.rerun_share().into();
        value["pass"] = pass.into();
        println!("{value}");
        return Ok(verdict(pass));
    }
    let f = &r.first;
    let secs = f.timings.total.as_secs_f64().max(1e-9);
    println!("ingest of {} files from {} into a fresh index:", r.files, args.data.display());
    println!(
        "  {:.1} s wall: {} documents, {} pages ({:.2} pages/s), {} clauses ({:.1} clauses/s), \
         {} failed",
        secs,
        f.documents,
        f.pages,
        f.pages as f64 / secs,
        f.clauses,
        f.clauses as f64 / secs,
        f.failed.len()
    );
    println!(
        "  embedding {:.1} s ({:.0}% of the wall time; {} texts embedded, {} from the cache); \
         extract {:.1} CPU-s, analyze {:.1} CPU-s ({:.1} s wall), write+commit {:.1} s",
        f.timings.embed.as_secs_f64(),
        100.0 * f.timings.embed.as_secs_f64() / secs,
        f.embedded,
        f.cached,
        f.timings.extract_cpu.as_secs_f64(),
        f.timings.analyze_cpu.as_secs_f64(),
        f.timings.analyze_wall.as_secs_f64(),
        f.timings.write.as_secs_f64()
    );
    println!(
        "  index {:.1} MiB on disk; peak RSS {}",
        r.index_bytes as f64 / (1 << 20) as f64,
        r.peak_rss_bytes.map_or("?".into(), |b| format!("{:.0} MiB", b as f64 / (1 << 20) as f64))
    );
    println!(
        "  re-ingest unchanged: {:.2} s = {:.2}% of the first run ({} unchanged, {} indexed)",
        r.rerun.timings.total.as_secs_f64(),
        100.0 * r.rerun_share(),
        r.rerun.unchanged,
        r.rerun.indexed
    );
    for failed in &f.failed {
        println!("  failed: {}: {}", failed.path.display(), failed.error);
    }
    println!(
        "  {} (re-run < {:.0}% of the first)",
        if pass { "PASS" } else { "FAIL" },
        100.0 * crate::MAX_RERUN_SHARE
    );
    Ok(verdict(pass))
}

/// Reads queries: plain lines, or JSON lines with a "text" field.
pub(crate) fn read_queries(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(serde_json::Value::Object(o)) => match o.get("text").and_then(|t| t.as_str()) {
                Some(t) => out.push(t.to_owned()),
                None => anyhow::bail!("{}: a JSON line without \"text\"", path.display()),
            },
            _ => out.push(line.to_owned()),
        }
    }
    anyhow::ensure!(!out.is_empty(), "{} has no queries", path.display());
    Ok(out)
}

/// `eval latency`: each query in each mode through `Searcher::search`, plain syntax, the
/// query embedded on every call as a user's search is.
pub fn latency(args: LatencyArgs) -> anyhow::Result<ExitCode> {
    use std::time::Instant;
    let queries = read_queries(&args.queries)?;
    let embedder = args.model.load()?;
    let index = clausal::Index::open_in_dir(&args.index)?;
    let searcher = index.reader()?.searcher();
    let clauses = searcher.num_clauses()?;
    let mut modes = Vec::new();
    for name in &args.modes {
        let mode: clausal::SearchMode = name.parse()?;
        let request = |q: &str| {
            clausal::SearchRequest::new(q)
                .mode(mode)
                .limit(args.limit)
                .syntax(clausal::QuerySyntax::Plain)
        };
        for q in &queries {
            searcher.search(&request(q), &embedder)?;
        }
        let mut times = Vec::with_capacity(queries.len() * args.runs as usize);
        for _ in 0..args.runs {
            for q in &queries {
                let t = Instant::now();
                std::hint::black_box(searcher.search(&request(q), &embedder)?);
                times.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
        times.sort_by(f64::total_cmp);
        let p50 = times[times.len() / 2];
        let p90 = times[(times.len() * 9 / 10).min(times.len() - 1)];
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        modes.push(serde_json::json!({
            "mode": name, "calls": times.len(), "p50_ms": p50, "p90_ms": p90, "mean_ms": mean,
        }));
    }
    let report = serde_json::json!({
        "index": args.index, "clauses": clauses, "queries": queries.len(), "runs": args.runs,
        "limit": args.limit, "modes": modes,
    });
    if args.json {
        println!("{report}");
    } else {
        println!(
            "{} ({clauses} clauses), {} queries x {} runs",
            args.index.display(),
            queries.len(),
            args.runs
        );
        for m in &modes {
            println!(
                "  {:<7} p50 {:>8.2} ms  p90 {:>8.2} ms  mean {:>8.2} ms",
                m["mode"].as_str().unwrap_or(""),
                m["p50_ms"].as_f64().unwrap_or(0.0),
                m["p90_ms"].as_f64().unwrap_or(0.0),
                m["mean_ms"].as_f64().unwrap_or(0.0)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
