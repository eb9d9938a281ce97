//! `clausal library ...` and `clausal deviations`.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clausal::ClauseKind;
use clausal::library::{
    Change, DeviationQuery, DeviationSettings, DeviationStatus, Deviations, DiffTag, LIBRARY_FILE,
    Library, LibraryStore, Version,
};
use clausal::risk::RiskEngine;
use serde_json::json;

use super::index::open;
use super::risk::pack_of;
use crate::args::{
    DeviationsArgs, LibraryAddArgs, LibraryCommand, LibraryExportArgs, LibraryImportArgs,
    LibraryListArgs, LibraryRemoveArgs, LibraryShowArgs, LibrarySupersedeArgs,
};

fn store_path(index: &Path) -> PathBuf {
    index.join(LIBRARY_FILE)
}

/// The library store of an index directory, created (with the directory) when `create`.
fn store(index: &Path, create: bool) -> anyhow::Result<LibraryStore> {
    let path = store_path(index);
    if !create && !path.is_file() {
        anyhow::bail!(
            "{} has no clause library (start one with `clausal library import --index {} --starter --author NAME`)",
            index.display(),
            index.display()
        );
    }
    if create {
        std::fs::create_dir_all(index)
            .with_context(|| format!("cannot create {}", index.display()))?;
    }
    Ok(LibraryStore::open(path)?)
}

/// The risk engine for an index: `pack` compiled, with the index's clause library (when it
/// has one) for the deviation rules.
pub(crate) fn engine_for(
    index: &Path,
    pack: clausal::risk::RulePack,
    embedder: &dyn clausal::Embedder,
) -> anyhow::Result<RiskEngine> {
    let engine = RiskEngine::new(pack, embedder).context("compiling the rule pack")?;
    if !store_path(index).is_file() {
        return Ok(engine);
    }
    let library = store(index, false)?.library()?;
    if library.is_empty() {
        return Ok(engine);
    }
    engine.with_library(&library, embedder).context("compiling the clause library")
}

fn kind_of(k: &str) -> anyhow::Result<ClauseKind> {
    k.parse().map_err(|_| anyhow::anyhow!("unknown kind {k:?} (see `clausal kinds`)"))
}

fn print_changes(changes: &[Change], json: bool) -> anyhow::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    for c in changes {
        if json {
            serde_json::to_writer(&mut out, c)?;
            out.write_all(b"\n")?;
        } else {
            writeln!(
                out,
                "{} {} (change {}, hash {})",
                c.action.as_str(),
                c.entry_id,
                c.seq,
                c.hash
            )?;
        }
    }
    if changes.is_empty() && !json {
        writeln!(out, "no changes: the library has these entries already")?;
    }
    out.flush()?;
    Ok(())
}

pub fn run(command: LibraryCommand) -> anyhow::Result<ExitCode> {
    match command {
        LibraryCommand::Add(args) => add(args),
        LibraryCommand::List(args) => list(args),
        LibraryCommand::Show(args) => show(args),
        LibraryCommand::Supersede(args) => supersede(args),
        LibraryCommand::Import(args) => import(args),
        LibraryCommand::Export(args) => export(args),
        LibraryCommand::Remove(args) => remove(args),
        LibraryCommand::Verify(args) => {
            let v = store(&args.index, false)?.verify()?;
            println!("ok: {} changes, head {}", v.entries, v.head_hash);
            Ok(())
        }
    }
    .map(|()| ExitCode::SUCCESS)
}

fn read_library(path: &Path) -> anyhow::Result<Library> {
    Library::from_path(path).with_context(|| format!("cannot read the library {}", path.display()))
}

fn add(args: LibraryAddArgs) -> anyhow::Result<()> {
    let library = read_library(&args.file)?;
    anyhow::ensure!(!library.is_empty(), "{} has no [[entry]]", args.file.display());
    let store = store(&args.index.index, true)?;
    let current = store.library()?;
    if let Some(e) = library.entries().find(|e| current.get(&e.id).is_some()) {
        anyhow::bail!(
            "the library has an entry {:?} already (use `supersede` for a new version, `import` to update)",
            e.id
        );
    }
    let changes = store.import(&library, &args.author.author, &args.author.comment)?;
    print_changes(&changes, args.json)
}

fn list(args: LibraryListArgs) -> anyhow::Result<()> {
    let library = store(&args.index.index, false)?.library()?;
    let kind = args.kind.as_deref().map(kind_of).transpose()?;
    let mut out = BufWriter::new(io::stdout().lock());
    for e in library.entries().filter(|e| kind.is_none_or(|k| e.kind == k)) {
        if args.json {
            serde_json::to_writer(&mut out, e)?;
            out.write_all(b"\n")?;
        } else {
            writeln!(
                out,
                "{:<28} {:<24} {:<10} v{:<8} {}",
                e.id,
                e.kind.id(),
                e.position.as_str(),
                e.current().version,
                e.title
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn show(args: LibraryShowArgs) -> anyhow::Result<()> {
    let store = store(&args.index.index, false)?;
    let library = store.library()?;
    let history = store.history_of(&args.id)?;
    let Some(entry) = library.get(&args.id) else {
        anyhow::bail!(
            "no library entry {:?}{}",
            args.id,
            if history.is_empty() { "" } else { " (it was removed; its history is in the log)" }
        );
    };
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &json!({ "entry": entry, "history": history }))?;
        out.write_all(b"\n")?;
    } else {
        writeln!(out, "{} — {} ({}, {})", entry.id, entry.title, entry.kind.id(), entry.position)?;
        if let Some(j) = &entry.jurisdiction {
            writeln!(out, "jurisdiction: {j}")?;
        }
        if !entry.tags.is_empty() {
            writeln!(out, "tags: {}", entry.tags.join(", "))?;
        }
        for v in &entry.versions {
            writeln!(
                out,
                "\nversion {} [{}]{}{}",
                v.version,
                v.status.as_str(),
                v.effective_from.as_deref().map(|d| format!(", from {d}")).unwrap_or_default(),
                if v.author.is_empty() { String::new() } else { format!(", by {}", v.author) }
            )?;
            if !v.rationale.is_empty() {
                writeln!(out, "  why: {}", v.rationale)?;
            }
            writeln!(out, "  {}", v.text)?;
        }
        writeln!(out, "\nhistory:")?;
        for c in &history {
            writeln!(out, "  {} {} by {} {}", c.time, c.action.as_str(), c.author, c.comment)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn supersede(args: LibrarySupersedeArgs) -> anyhow::Result<()> {
    let text = match (&args.text, &args.text_file) {
        (Some(t), _) => t.clone(),
        (None, Some(f)) => {
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?
        }
        (None, None) => unreachable!("clap requires --text or --text-file"),
    };
    let mut version = Version::new(&args.version_name, text.trim(), &args.author.author)
        .rationale(&args.rationale);
    if let Some(day) = &args.effective_from {
        version = version.effective_from(day);
    }
    let change = store(&args.index.index, false)?.supersede(
        &args.id,
        version,
        &args.author.author,
        &args.author.comment,
    )?;
    print_changes(&[change], args.json)
}

fn import(args: LibraryImportArgs) -> anyhow::Result<()> {
    let library = match &args.from {
        Some(path) => read_library(path)?,
        None => Library::starter(),
    };
    let changes = store(&args.index.index, true)?.import(
        &library,
        &args.author.author,
        &args.author.comment,
    )?;
    print_changes(&changes, args.json)
}

fn export(args: LibraryExportArgs) -> anyhow::Result<()> {
    let library = store(&args.index.index, false)?.library()?;
    let n = if args.markdown {
        library.export_markdown_dir(&args.to)?
    } else {
        library.export_dir(&args.to)?
    };
    println!("wrote {n} entries to {}", args.to.display());
    Ok(())
}

fn remove(args: LibraryRemoveArgs) -> anyhow::Result<()> {
    let change = store(&args.index.index, false)?.remove(
        &args.id,
        &args.author.author,
        &args.author.comment,
    )?;
    print_changes(&[change], false)
}

pub fn deviations(args: DeviationsArgs) -> anyhow::Result<()> {
    let library =
        if args.starter { Library::starter() } else { store(&args.index, false)?.library()? };
    anyhow::ensure!(!library.is_empty(), "the clause library of {} is empty", args.index.display());
    let index = open(&args.index)?;
    let embedder = args.model.load()?;
    index.check_model(&clausal::ModelIdentity::of(&embedder))?;
    let engine = RiskEngine::new(pack_of(&args.pack)?, &embedder)?;
    let deviations = Deviations::new(&library, &embedder, &engine, DeviationSettings::default())?;
    let mut query = DeviationQuery::new();
    for k in &args.kinds {
        query = query.kind(kind_of(k)?);
    }
    for s in &args.statuses {
        let status = DeviationStatus::parse(s).ok_or_else(|| {
            anyhow::anyhow!("unknown status {s:?} (standard, outdated, deviates, nonstandard)")
        })?;
        query = query.status(status);
    }
    if let Some(b) = args.below {
        query = query.below(b);
    }
    let searcher = index.reader()?.searcher();
    let found = searcher.deviations(&deviations, &engine, &query)?;
    let stdout = io::stdout().lock();
    if args.csv {
        let mut w = csv::Writer::from_writer(stdout);
        w.write_record([
            "source",
            "clause",
            "span_start",
            "span_end",
            "kind",
            "status",
            "entry",
            "version",
            "similarity",
            "missing_concepts",
            "extra_concepts",
            "changed",
            "explanation",
        ])?;
        for d in &found {
            let v = &d.deviation;
            w.write_record([
                d.source.clone(),
                d.clause.to_string(),
                d.span.start.to_string(),
                d.span.end.to_string(),
                v.kind.id().to_owned(),
                v.status.as_str().to_owned(),
                v.nearest.entry.clone(),
                v.nearest.version.clone(),
                format!("{:.3}", v.similarity),
                v.missing_concepts.join(" "),
                v.extra_concepts.join(" "),
                v.changed
                    .iter()
                    .map(|c| {
                        format!("{}: {} -> {}", c.what, c.standard.join("/"), c.clause.join("/"))
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                v.explanation.clone(),
            ])?;
        }
        w.flush()?;
        return Ok(());
    }
    let mut out = BufWriter::new(stdout);
    if args.json {
        for d in &found {
            serde_json::to_writer(&mut out, d)?;
            out.write_all(b"\n")?;
        }
    } else {
        for d in &found {
            let v = &d.deviation;
            writeln!(
                out,
                "{:<11} {:.2} {} {} {} — {} v{}",
                v.status.as_str(),
                v.similarity,
                d.source,
                d.number.as_deref().unwrap_or(""),
                d.heading.as_deref().unwrap_or(""),
                v.nearest.entry,
                v.nearest.version
            )?;
            writeln!(out, "    {}", v.explanation)?;
            let changed: Vec<String> = v
                .diff
                .iter()
                .filter(|o| o.tag != DiffTag::Equal)
                .take(6)
                .map(|o| {
                    format!("{}{:?}", if o.tag == DiffTag::Insert { "+" } else { "-" }, o.text)
                })
                .collect();
            if !changed.is_empty() && v.status != DeviationStatus::Nonstandard {
                writeln!(out, "    diff: {}", changed.join(" "))?;
            }
        }
        if found.is_empty() {
            writeln!(out, "no clauses of the library's kinds match")?;
        }
    }
    out.flush()?;
    Ok(())
}
