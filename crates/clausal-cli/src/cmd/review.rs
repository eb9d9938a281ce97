//! `clausal review`: record decisions, and verify, export and summarise the review store.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clausal::{Decision, ReviewStore, TextHash};
use serde_json::json;

use crate::args::{ReviewExportArgs, ReviewRecordArgs, ReviewStatsArgs, ReviewVerifyArgs};

/// The store of an index directory.
fn store_path(index: &Path) -> PathBuf {
    index.join(clausal::REVIEW_STORE_FILE)
}

/// Refuses to go on when the store is gone but its head anchor says decisions were recorded:
/// a new, empty store must not take the place of a lost one unnoticed.
fn check_not_lost(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        return Ok(());
    }
    if let Some((n, _)) = ReviewStore::recorded_head(path)? {
        let anchor = ReviewStore::anchor_path(path);
        anyhow::bail!(
            "{} is missing, but {} records that {n} decisions were written: restore the store \
             from a backup (or delete {} to start a new, empty one)",
            path.display(),
            anchor.display(),
            anchor.display()
        );
    }
    Ok(())
}

/// The store of an index that must already have one.
fn existing_store(index: &Path) -> anyhow::Result<ReviewStore> {
    super::index::open(index)?;
    let path = store_path(index);
    check_not_lost(&path)?;
    if !path.is_file() {
        anyhow::bail!(
            "the index {} has no review decisions yet (the first `clausal review record` creates \
             its store, {})",
            index.display(),
            path.display()
        );
    }
    Ok(ReviewStore::open_existing(path)?)
}

pub fn record(args: ReviewRecordArgs) -> anyhow::Result<()> {
    // A decision belongs to an index that exists, about a rule and version a pack defines.
    super::index::open(&args.index)?;
    let version = clausal::canonical_version(&args.rule_version);
    if !args.force {
        let pack = super::risk::pack_of(&args.pack)?;
        match pack.rule(&args.rule) {
            None => anyhow::bail!(
                "no rule {:?} in the packs loaded (see `clausal rules`; add --pack or --rules for \
                 the pack that defines it, or --force)",
                args.rule
            ),
            Some(rule) if clausal::canonical_version(&rule.version) != version => anyhow::bail!(
                "rule {} is at version {}, not {:?} (give --rule-version {}, or --force for a \
                 decision about the older version)",
                args.rule,
                rule.version,
                args.rule_version,
                rule.version
            ),
            Some(_) => {}
        }
    }
    check_not_lost(&store_path(&args.index))?;
    let store = ReviewStore::open(store_path(&args.index))?;
    let text_hash = match (&args.text_hash, &args.text) {
        (Some(hash), _) => hash.parse()?,
        (None, Some(text)) => TextHash::of(text),
        (None, None) => unreachable!("clap requires --text-hash or --text"),
    };
    let mut decision =
        Decision::new(args.rule, version, text_hash, args.verdict.parse()?, args.reviewer);
    decision.comment = args.comment;
    decision.clause_id = args.clause_id;
    decision.doc_id = args.doc_id;
    let entry = store.record(&decision)?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &entry)?;
        out.write_all(b"\n")?;
    } else {
        writeln!(out, "recorded entry {}, hash {}", entry.seq, entry.hash)?;
    }
    out.flush()?;
    Ok(())
}

pub fn verify(args: ReviewVerifyArgs) -> anyhow::Result<()> {
    let store = existing_store(&args.index)?;
    let verification = match &args.head {
        Some(head) => store.verify_contains(&head.parse()?)?,
        None => store.verify()?,
    };
    let mut out = io::stdout().lock();
    writeln!(out, "ok: {} entries, head {}", verification.entries, verification.head_hash)?;
    out.flush()?;
    Ok(())
}

pub fn export(args: ReviewExportArgs) -> anyhow::Result<()> {
    let store = existing_store(&args.index)?;
    match &args.output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            store.export(file)?;
        }
        None => {
            store.export(io::stdout().lock())?;
        }
    }
    Ok(())
}

pub fn stats(args: ReviewStatsArgs) -> anyhow::Result<()> {
    let store = existing_store(&args.index)?;
    let mut out = BufWriter::new(io::stdout().lock());
    let stats = store.stats()?;
    if !args.json {
        writeln!(
            out,
            "{:<32} {:>9} {:>9} {:>12} {:>9} {:>9}",
            "rule", "confirmed", "dismissed", "needs-change", "precision", "entries"
        )?;
    }
    for s in &stats {
        if args.json {
            let value = json!({
                "rule_id": s.rule_id,
                "confirmed": s.confirmed,
                "dismissed": s.dismissed,
                "needs_change": s.needs_change,
                "precision": s.precision(),
                "entries": s.entries,
            });
            serde_json::to_writer(&mut out, &value)?;
            out.write_all(b"\n")?;
        } else {
            let precision = s.precision().map_or("-".to_owned(), |p| format!("{p:.3}"));
            writeln!(
                out,
                "{:<32} {:>9} {:>9} {:>12} {:>9} {:>9}",
                s.rule_id, s.confirmed, s.dismissed, s.needs_change, precision, s.entries
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
