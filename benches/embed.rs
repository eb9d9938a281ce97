//! Embedding throughput on realistic clause texts.
//!
//! Texts: paragraphs of the CUAD contracts (`../shared/data/cuad/txt`, or `$CLAUSAL_CUAD_TXT`),
//! read at bench time and never stored in the repository, keeping paragraphs of 8 to 300 words
//! (clause-sized). Without that folder, clause-like texts are generated here. The texts used are
//! written to `target/bench-embed-texts.txt`, one per line, so that the PyTorch baseline
//! (`../shared/bench/embed_torch.py`) can embed exactly the same ones.
//!
//! `CLAUSAL_BENCH_TEXTS` sets how many texts one iteration embeds (default 128). Both engines are
//! measured: the native CPU encoder (the default) and candle's `BertModel` (the reference), on
//! rayon's global pool (`RAYON_NUM_THREADS` sets its size). For the comparison with PyTorch at
//! 1 and 2 threads, see `benches/compare_torch.py`.

#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};

use clausal::{BertEmbedderBuilder, Embedder, Engine};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn cuad_txt_dir() -> PathBuf {
    std::env::var_os("CLAUSAL_CUAD_TXT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/cuad/txt"))
}

/// Clause-sized paragraphs, spread evenly over the sorted files.
fn cuad_paragraphs(dir: &Path, want: usize) -> Option<Vec<String>> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).ok()?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    if files.is_empty() {
        return None;
    }
    let per_file = want.div_ceil(files.len()).max(1);
    let mut out = Vec::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        let paragraphs: Vec<String> = text
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| (8..=300).contains(&p.split(' ').count()))
            .collect();
        let stride = (paragraphs.len() / per_file).max(1);
        out.extend(paragraphs.into_iter().step_by(stride).take(per_file));
        if out.len() >= want {
            break;
        }
    }
    out.truncate(want);
    (!out.is_empty()).then_some(out)
}

/// Deterministic clause-like texts of 10 to 200 words.
fn generated(want: usize) -> Vec<String> {
    const WORDS: &[&str] = &[
        "the",
        "Supplier",
        "shall",
        "indemnify",
        "Customer",
        "against",
        "all",
        "losses",
        "arising",
        "from",
        "any",
        "breach",
        "of",
        "this",
        "Agreement",
        "including",
        "reasonable",
        "fees",
        "notice",
        "days",
        "termination",
        "party",
        "confidential",
        "information",
        "liability",
        "force",
        "majeure",
        "event",
        "beyond",
        "control",
        "pandemic",
        "governed",
        "laws",
        "State",
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..want)
        .map(|_| {
            let n = 10 + (next() % 190) as usize;
            (0..n)
                .map(|_| WORDS[(next() % WORDS.len() as u64) as usize])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn bench_embed(c: &mut Criterion) {
    let want =
        std::env::var("CLAUSAL_BENCH_TEXTS").ok().and_then(|s| s.parse().ok()).unwrap_or(128);
    let (source, texts) = match cuad_paragraphs(&cuad_txt_dir(), want) {
        Some(texts) => ("cuad", texts),
        None => ("generated", generated(want)),
    };
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-embed-texts.txt");
    if std::fs::write(&out, texts.join("\n") + "\n").is_ok() {
        eprintln!("embed bench: {} {source} texts written to {}", texts.len(), out.display());
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut group = c.benchmark_group("embed");
    group.sample_size(10).throughput(Throughput::Elements(refs.len() as u64));
    for (name, engine) in [("native", Engine::native()), ("candle", Engine::candle())] {
        let embedder = BertEmbedderBuilder::new(clausal::bundled_model_dir())
            .engine(engine)
            .build()
            .expect("bundled model");
        group.bench_function(format!("{name}/{source}_clauses"), |b| {
            b.iter(|| embedder.embed(&refs).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_embed);
criterion_main!(benches);
