//! `clausal ingest | search | similar | stats | remove | verify`: the index commands.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clausal::{
    ClauseId, ClauseKind, DocId, DocKind, Filter, Hit, Index, IngestEvent, IngestOptions,
    IngestReport, ModelIdentity, QuerySyntax, SearchMode, SearchRequest, Similar,
};
use indicatif::{ProgressBar, ProgressStyle};

use crate::args::{
    FilterArgs, IngestArgs, RemoveArgs, SearchArgs, SimilarArgs, StatsArgs, ThreadsArgs, VerifyArgs,
};

pub fn ingest(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let embedder = args.model.load()?;
    let index = Index::open_or_create(&args.index.index, ModelIdentity::of(&embedder))?;
    let mut writer = index.writer()?;
    let shard = args.shard.as_deref().map(str::parse::<clausal::Shard>).transpose()?;
    let options = IngestOptions {
        prune: args.prune,
        commit_every: args.commit_every.max(1),
        shard,
        extract: clausal::ExtractOptions { ocr: args.ocr.options(), ..Default::default() },
        ..Default::default()
    };
    let report = if args.json {
        let mut out = io::stdout().lock();
        let mut failed_write = None;
        let report = clausal::ingest(
            &mut writer,
            &args.paths,
            &embedder,
            &options,
            &mut |event| {
                let line = match event {
                    IngestEvent::Committed { info, files } => serde_json::json!({
                        "event": "commit", "generation": info.generation, "documents": info.documents,
                        "clauses": info.clauses, "vectors": info.vectors, "files": files,
                    }),
                    IngestEvent::File { path, error: Some(e), .. } => serde_json::json!({
                        "event": "failed", "path": path, "error": e.to_string(),
                    }),
                    _ => return,
                };
                if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
                    failed_write.get_or_insert(e);
                }
            },
        )?;
        if let Some(e) = failed_write {
            return Err(e.into());
        }
        writeln!(out, "{}", serde_json::json!({ "event": "report", "report": report }))?;
        report
    } else {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files, ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let start = Instant::now();
        let (mut docs, mut pages, mut clauses) = (0u64, 0u64, 0u64);
        let report = clausal::ingest(
            &mut writer,
            &args.paths,
            &embedder,
            &options,
            &mut |event| match event {
                IngestEvent::Planned { files, .. } => bar.set_length(*files),
                IngestEvent::File { documents, pages: p, clauses: c, .. } => {
                    docs += documents;
                    pages += p;
                    clauses += c;
                    let rate = clauses as f64 / start.elapsed().as_secs_f64().max(1e-3);
                    bar.set_message(format!(
                        "{docs} documents, {pages} pages, {clauses} clauses ({rate:.0} clauses/s)"
                    ));
                    bar.inc(1);
                }
                IngestEvent::Committed { info, .. } => {
                    bar.println(format!(
                        "commit {}: {} documents, {} clauses, {} new vectors",
                        info.generation, info.documents, info.clauses, info.vectors
                    ));
                }
                _ => {}
            },
        )?;
        bar.finish_and_clear();
        print_report(&report, &args.index.index);
        report
    };
    Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn print_report(r: &IngestReport, index: &Path) {
    let t = &r.timings;
    let secs = t.total.as_secs_f64().max(1e-9);
    println!(
        "{} files ({:.1} MiB): {} indexed, {} unchanged, {} failed, {} removed -> {}",
        r.files,
        r.bytes as f64 / (1 << 20) as f64,
        r.indexed,
        r.unchanged,
        r.failed.len(),
        r.removed,
        index.display()
    );
    println!(
        "{} documents, {} pages, {} clauses ({} embedded, {} from the cache) in {:.1} s: \
         {:.1} pages/s, {:.1} clauses/s; embedding {:.0}% of the time; {} commits",
        r.documents,
        r.pages,
        r.clauses,
        r.embedded,
        r.cached,
        secs,
        r.pages as f64 / secs,
        r.clauses as f64 / secs,
        100.0 * t.embed.as_secs_f64() / secs,
        r.commits
    );
    for f in &r.failed {
        println!("  failed: {}: {}", f.path.display(), f.error);
    }
}

pub(crate) fn filter_of(args: &FilterArgs) -> anyhow::Result<Filter> {
    let mut filter = Filter::new();
    for k in &args.kinds {
        let kind: ClauseKind =
            k.parse().map_err(|_| anyhow::anyhow!("unknown kind {k:?} (see `clausal kinds`)"))?;
        filter = filter.kind(kind);
    }
    for d in &args.docs {
        let id = u64::from_str_radix(d, 16).with_context(|| format!("not a document id: {d:?}"))?;
        filter = filter.document(DocId(id));
    }
    for f in &args.formats {
        let kind: DocKind = serde_json::from_value(serde_json::Value::String(f.to_lowercase()))
            .with_context(|| {
                format!("unknown format {f:?} (pdf, docx, doc, rtf, odt, email, text, markdown)")
            })?;
        filter.doc_kinds.push(kind);
    }
    filter.date_from = args.from.clone();
    filter.date_to = args.to.clone();
    filter.party = args.party.clone();
    for r in &args.doc_roles {
        filter = filter.doc_role(r.parse::<clausal::DocRole>().map_err(|e| anyhow::anyhow!(e))?);
    }
    for t in &args.threads {
        filter = filter.thread(thread_id(t)?);
    }
    Ok(filter)
}

fn thread_id(s: &str) -> anyhow::Result<clausal::ThreadId> {
    s.parse().with_context(|| format!("not a thread id: {s:?} (see `clausal threads`)"))
}

pub fn threads(args: ThreadsArgs) -> anyhow::Result<()> {
    let index = open(&args.index.index)?;
    let searcher = index.reader()?.searcher();
    let threads = searcher.threads()?;
    let wanted: Vec<clausal::ThreadId> =
        args.threads.iter().map(|t| thread_id(t)).collect::<anyhow::Result<_>>()?;
    for id in &wanted {
        anyhow::ensure!(threads.get(*id).is_some(), "no thread {id} in this index");
    }
    let shown: Vec<&clausal::Thread> =
        threads.all().iter().filter(|t| wanted.is_empty() || wanted.contains(&t.id)).collect();
    let docs: std::collections::HashMap<DocId, clausal::DocumentRecord> =
        searcher.documents()?.into_iter().map(|d| (d.id, d)).collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        for t in &shown {
            serde_json::to_writer(&mut out, t)?;
            writeln!(out)?;
        }
        return Ok(());
    }
    writeln!(out, "{} threads", shown.len())?;
    for t in shown {
        let dates: Vec<&str> = t.messages.iter().filter_map(|m| m.date.as_deref()).collect();
        let span = match (dates.iter().min(), dates.iter().max()) {
            (Some(a), Some(b)) if a != b => format!(", {} .. {}", day(a), day(b)),
            (Some(a), _) => format!(", {}", day(a)),
            _ => String::new(),
        };
        let n = t.messages.len();
        writeln!(
            out,
            "\n{}  {}  ({n} message{}{span})",
            t.id,
            if t.subject.is_empty() { "(no subject)" } else { &t.subject },
            if n == 1 { "" } else { "s" }
        )?;
        for m in &t.messages {
            let indent = "  ".repeat(1 + m.depth.min(12) as usize);
            let source = docs.get(&m.doc).map_or("", |d| d.source.as_str());
            writeln!(
                out,
                "{indent}{}  {}  {}  [{}]",
                m.date.as_deref().map(day).unwrap_or("----------"),
                m.from.as_deref().unwrap_or("(no sender)"),
                source,
                m.doc
            )?;
            for a in &m.attachments {
                let Some(d) = docs.get(a) else { continue };
                let name = d.title.as_deref().unwrap_or("");
                let format = d.kind.map(|k| k.to_string()).unwrap_or_default();
                writeln!(
                    out,
                    "{indent}  + {}  ({format}, {} clauses)  {name}  [{a}]",
                    d.source, d.clauses
                )?;
            }
        }
    }
    Ok(())
}

/// The day of an RFC 3339 date-time.
fn day(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

pub(crate) fn open(dir: &Path) -> anyhow::Result<Index> {
    if !dir.exists() {
        anyhow::bail!(
            "there is no index at {}: build one with `clausal ingest PATH... --index {}`",
            dir.display(),
            dir.display()
        );
    }
    if dir.is_dir() && !dir.join("manifest.json").exists() {
        anyhow::bail!(
            "{} is not a clausal index (it has no manifest.json): give the folder that \
             `clausal ingest --index` made",
            dir.display()
        );
    }
    Index::open_in_dir(dir).with_context(|| format!("cannot open the index {}", dir.display()))
}

pub fn search(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let index = open(&args.index.index)?;
    let embedder = args.model.load()?;
    let mut request = SearchRequest::new(&args.query)
        .mode(args.mode.parse()?)
        .limit(args.limit)
        .filter(filter_of(&args.filter)?);
    if args.plain {
        request = request.syntax(QuerySyntax::Plain);
    }
    let searcher = index.reader()?.searcher();
    if let Some(why) = searcher.syntax_error(&request.query, request.syntax) {
        match request.mode {
            SearchMode::Hybrid => eprintln!(
                "note: the query is not query syntax ({}); its words were searched as plain text \
                 (--plain does this without this note)",
                super::escape_controls(&why)
            ),
            SearchMode::Bm25 => anyhow::bail!(
                "the query {:?} is not query syntax ({why}): add --plain to search its words as \
                 written, or quote phrases and escape : ( ) [ ] {{ }} ^ ~ with a backslash",
                request.query
            ),
            _ => {}
        }
    }
    let hits = searcher.search(&request, &embedder)?;
    print_hits(&hits, args.json)?;
    Ok(ExitCode::SUCCESS)
}

pub fn similar(args: SimilarArgs) -> anyhow::Result<ExitCode> {
    let index = open(&args.index.index)?;
    let embedder = args.model.load()?;
    let target = match (&args.clause, &args.text) {
        (Some(id), _) => Similar::Clause(
            id.parse::<ClauseId>().with_context(|| format!("not a clause id: {id:?}"))?,
        ),
        (None, Some(t)) => Similar::Text(t.clone()),
        (None, None) => anyhow::bail!("give --clause ID or --text TEXT"),
    };
    let filter = filter_of(&args.filter)?;
    let hits = index.reader()?.searcher().similar(&target, &filter, args.limit, &embedder)?;
    print_hits(&hits, args.json)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the hits; for none, a "no matches" line when the output is a terminal (a script
/// reading the output gets nothing, and exit code 0).
pub(crate) fn print_hits(hits: &[Hit], json: bool) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    if hits.is_empty() && !json && io::IsTerminal::is_terminal(&out) {
        writeln!(out, "no matches")?;
    }
    for (i, h) in hits.iter().enumerate() {
        if json {
            writeln!(out, "{}", serde_json::to_string(h)?)?;
            continue;
        }
        writeln!(out, "{}", describe_hit(i + 1, h))?;
    }
    Ok(())
}

/// A hit in a few human-readable lines.
pub(crate) fn describe_hit(n: usize, h: &Hit) -> String {
    let c = &h.clause;
    let mut why = Vec::new();
    if let Some(b) = h.bm25 {
        why.push(format!("bm25 #{} {:.2}", b.rank, b.score));
    }
    if let Some(v) = h.vector {
        why.push(format!("vector #{} {:.3}", v.rank, v.score));
    }
    let kinds: Vec<&str> = c.kinds.iter().map(|k| k.kind.id()).collect();
    let label = [c.number.as_deref(), c.heading.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let page = c.pages.map(|(a, _)| format!(" p.{a}")).unwrap_or_default();
    let mut snippet = String::new();
    let mut last = 0;
    for r in &h.snippet.highlights {
        snippet.push_str(&h.snippet.text[last..r.start]);
        snippet.push('[');
        snippet.push_str(&h.snippet.text[r.clone()]);
        snippet.push(']');
        last = r.end;
    }
    snippet.push_str(&h.snippet.text[last..]);
    let snippet = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
    let role = c.doc_role.map(|r| format!(" ({r})")).unwrap_or_default();
    format!(
        "{n:>3}. {:.4} ({})  {}\n     {}{role}{page}  {}  clause {}\n     {snippet}",
        h.score,
        why.join(", "),
        if kinds.is_empty() { "other".to_owned() } else { kinds.join(", ") },
        c.source,
        if label.is_empty() { format!("#{}", c.ordinal) } else { label },
        c.id,
    )
}

pub fn stats(args: StatsArgs) -> anyhow::Result<ExitCode> {
    let index = open(&args.index.index)?;
    let stats = index.reader()?.searcher().stats()?;
    if args.json {
        println!("{}", serde_json::to_string(&stats)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("index {} (commit {})", args.index.index.display(), stats.generation);
    println!("model: {}", stats.model);
    println!(
        "{} files, {} documents, {} clauses, {} vector rows, {:.1} MiB on disk",
        stats.files,
        stats.documents,
        stats.clauses,
        stats.vector_rows,
        stats.disk_bytes as f64 / (1 << 20) as f64
    );
    let formats: Vec<String> = stats.doc_kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("documents by format: {}", formats.join(", "));
    println!("clauses by kind:");
    for (k, n) in &stats.kinds {
        println!("  {n:>7}  {k}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn remove(args: RemoveArgs) -> anyhow::Result<ExitCode> {
    let index = open(&args.index.index)?;
    let mut writer = index.writer()?;
    let known = writer.indexed_files()?;
    let mut missing = 0;
    for p in &args.paths {
        let key = match p.canonicalize() {
            Ok(abs) => abs.display().to_string(),
            Err(_) => std::path::absolute(p).unwrap_or_else(|_| p.clone()).display().to_string(),
        };
        if known.contains_key(&key) {
            writer.remove_path(&key)?;
            println!("removed {key}");
        } else {
            eprintln!("not in the index: {key}");
            missing += 1;
        }
    }
    writer.commit()?;
    Ok(if missing == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

pub fn verify(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let index = open(&args.index.index)?;
    let v = index.verify()?;
    if args.json {
        println!("{}", serde_json::to_string(&v)?);
    } else {
        println!(
            "ok: commit {}, {} documents, {} clauses, {} vector files with {} rows, checksums valid",
            v.generation, v.documents, v.clauses, v.vector_files, v.vector_rows
        );
    }
    Ok(ExitCode::SUCCESS)
}
