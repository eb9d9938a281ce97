//! The sample archive's deadlines through the library: `cargo run --release --example
//! deadlines [AS_OF]` ingests `samples/archive` into a temporary index and prints the key
//! dates of the next twelve months after `AS_OF` (default 2026-12-07), each with how it was
//! computed and the words it came from.

#![allow(clippy::print_stdout)]

use std::path::Path;

use clausal::{BertEmbedder, DeadlineQuery, Index, IngestOptions, ModelIdentity};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let as_of = std::env::args().nth(1).unwrap_or_else(|| "2026-12-07".to_owned());
    let query = DeadlineQuery::as_of(&as_of)?.within_days(365);
    let embedder = BertEmbedder::from_dir(clausal::default_model_dir())?;
    let dir = std::env::temp_dir().join(format!("clausal-deadlines-{}", std::process::id()));
    let index = Index::create_in_dir(&dir, ModelIdentity::of(&embedder))?;
    let archive = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/archive");
    let mut writer = index.writer()?;
    clausal::ingest(
        &mut writer,
        &[archive.as_path()],
        &embedder,
        &IngestOptions::default(),
        &mut |_| {},
    )?;
    drop(writer);
    let searcher = index.reader()?.searcher();
    for d in searcher.deadlines(&query)? {
        println!("{} {:18} {}", d.date.as_deref().unwrap_or("-"), d.kind.as_str(), d.source);
        println!("    {} [{}]", d.basis, d.status.as_str());
        for s in &d.sources {
            let clause = s.clause.map(|c| c.to_string()).unwrap_or_else(|| "-".to_owned());
            println!("    {} (clause {clause}, bytes {:?}): {:?}", s.fact, s.range, s.text);
        }
    }
    drop(searcher);
    drop(index);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
