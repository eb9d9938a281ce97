//! Export speed and memory: a synthetic index of 100,000 clauses (override with
//! `CLAUSAL_BENCH_CLAUSES`) exported to a file in each format, median of 3 runs, clauses per
//! second and the process's peak resident memory after each format (an export streams: its
//! memory does not grow with the index).
//!
//! The index holds synthetic contracts of 40 sections each (ingested: segmented, classified,
//! facts read); vectors are random unit vectors of 384 dimensions seeded by the text (what is
//! measured is reading, encoding and writing, not embedding). Flags are
//! left out: they are the risk engine's cost (`cargo bench --bench search` and `eval fm` measure
//! it), not the export's. The index is built once under `target/bench-data/` and reused.
//!
//! ```text
//! cargo bench --bench export
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::BufWriter;
use std::path::PathBuf;
use std::time::Instant;

use clausal::export::{ExportOptions, Format, export};
use clausal::{Embedder, Index, IngestOptions, ModelIdentity};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn gaussian(&mut self) -> f32 {
        let u = ((self.next() >> 40) as f32 + 0.5) / (1u64 << 24) as f32;
        let v = ((self.next() >> 40) as f32 + 0.5) / (1u64 << 24) as f32;
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

const WORDS: &[&str] = &[
    "Supplier",
    "Customer",
    "shall",
    "indemnify",
    "defend",
    "hold",
    "harmless",
    "against",
    "claims",
    "arising",
    "from",
    "breach",
    "of",
    "this",
    "Agreement",
    "notice",
    "thirty",
    "days",
    "terminate",
    "convenience",
    "force",
    "majeure",
    "pandemic",
    "governed",
    "laws",
    "State",
    "New",
    "York",
    "confidential",
    "information",
    "liability",
    "cap",
    "fees",
    "paid",
    "twelve",
    "months",
    "preceding",
    "assign",
    "consent",
    "affiliate",
    "audit",
    "records",
    "insurance",
];

/// A `/proc/self/status` figure in KiB (0 where there is none).
fn status_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Peak resident memory, mapped index files included.
fn peak_rss_kib() -> u64 {
    status_kib("VmHWM:")
}

/// Random unit vectors seeded by the text: what is measured is reading, encoding and writing,
/// not embedding.
struct HashEmbedder;

impl Embedder for HashEmbedder {
    fn dim(&self) -> usize {
        384
    }

    fn model_id(&self) -> &str {
        "bench-hash-384"
    }

    fn embed(&self, texts: &[&str]) -> clausal::Result<Vec<Vec<f32>>> {
        Ok(texts
            .iter()
            .map(|t| {
                let seed = t.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
                });
                let mut rng = Rng(seed | 1);
                let mut v: Vec<f32> = (0..384).map(|_| rng.gaussian()).collect();
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                v.iter_mut().for_each(|x| *x /= norm);
                v
            })
            .collect())
    }
}

/// A synthetic contract of 40 numbered sections.
fn contract(rng: &mut Rng, i: usize) -> String {
    let mut out = format!(
        "MASTER AGREEMENT {i}\n\nThis Agreement is made between Supplier {i} Inc. and Customer {i} LLC.\n\n"
    );
    for s in 1..=40 {
        let len = 20 + (rng.next() % 60) as usize;
        let text: Vec<&str> =
            (0..len).map(|_| WORDS[(rng.next() % WORDS.len() as u64) as usize]).collect();
        out.push_str(&format!("{s}. Section {s}. {}.\n\n", text.join(" ")));
    }
    out
}

fn main() {
    let n: usize =
        std::env::var("CLAUSAL_BENCH_CLAUSES").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let work = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&work).expect("target/bench-data");
    let dir = work.join(format!("export-index-{n}"));
    if !dir.join("manifest.json").is_file() {
        let t = Instant::now();
        let docs = work.join(format!("export-archive-{n}"));
        std::fs::create_dir_all(&docs).expect("archive");
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for i in 0..n.div_ceil(41) {
            std::fs::write(docs.join(format!("contract-{i:06}.txt")), contract(&mut rng, i))
                .expect("write");
        }
        let index = Index::create_in_dir(&dir, ModelIdentity::of(&HashEmbedder)).expect("create");
        let mut w = index.writer().expect("writer");
        let options = IngestOptions::default();
        clausal::ingest(&mut w, &[&docs], &HashEmbedder, &options, &mut |_| {}).expect("ingest");
        println!("built the index in {:.1} s", t.elapsed().as_secs_f64());
        drop(w);
        // Measure in a fresh process: its peak memory is the export's, not the build's.
        let status = std::process::Command::new(std::env::current_exe().expect("exe"))
            .status()
            .expect("re-run");
        std::process::exit(status.code().unwrap_or(1));
    }
    let index = Index::open_in_dir(&dir).expect("open");
    let searcher = index.reader().expect("reader").searcher();
    let clauses = searcher.num_clauses().expect("count");
    println!(
        "index {}: {clauses} clauses in {} documents; peak RSS after opening {} MiB",
        dir.display(),
        searcher.num_documents(),
        peak_rss_kib() / 1024
    );
    drop(searcher);
    let out_path = work.join("export-bench.out");
    for format in [Format::Ndjson, Format::OpenSearch, Format::Qdrant] {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..3 {
            let file = std::fs::File::create(&out_path).expect("output");
            let mut out = BufWriter::with_capacity(1 << 20, file);
            let t = Instant::now();
            let summary =
                export(&index, &ExportOptions::default(), format, &mut out).expect("export");
            drop(out);
            times.push(t.elapsed().as_secs_f64());
            assert_eq!(summary.upserts, clauses);
            bytes = std::fs::metadata(&out_path).map_or(0, |m| m.len());
        }
        times.sort_by(f64::total_cmp);
        let median = times[1];
        println!(
            "{format:>13}: median {median:.3} s of {:?} -> {:.0} clauses/s, {:.0} MiB/s written, {} MiB file; peak RSS so far {} MiB (anonymous now {} MiB; the rest is the mapped index)",
            times.iter().map(|t| (t * 1000.0).round() / 1000.0).collect::<Vec<_>>(),
            clauses as f64 / median,
            bytes as f64 / (1 << 20) as f64 / median,
            bytes >> 20,
            peak_rss_kib() / 1024,
            status_kib("RssAnon:") / 1024
        );
    }
    let _ = std::fs::remove_file(&out_path);
}
