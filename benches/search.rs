//! Search latency at scale: an index of 1,000,000 clauses (override with
//! `CLAUSAL_BENCH_CLAUSES`), p50 / p99 of BM25, exact vector and hybrid top-10, with and without
//! a kind filter, and the vector scan's read rate against this machine's memory read bandwidth.
//!
//! Clause text is synthesised from the real clauses of ACORD (`../shared/data/acord`, or
//! `CLAUSAL_ACORD`) with varied words; vectors are perturbed copies of those clauses' real
//! embeddings (embedding a million clauses on a CPU is not what this measures). The index is
//! built once under `target/bench-data/` and reused.
//!
//! ```text
//! cargo bench --bench search
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clausal::{
    BertEmbedder, Classifier, ClauseKind, ClauseView, Embedder, Filter, Index, ModelIdentity,
    PreparedClause, SearchMode, SearchRequest,
};
use rayon::prelude::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn unit(&mut self) -> f32 {
        ((self.next() >> 40) as f32 + 0.5) / (1u64 << 24) as f32
    }

    fn gaussian(&mut self) -> f32 {
        let (u, v) = (self.unit(), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

fn main() {
    // `cargo bench` passes `--bench`; this program has no criterion options.
    let acord = std::env::var_os("CLAUSAL_ACORD")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/acord"));
    if !acord.join("corpus.jsonl").is_file() {
        println!("search bench skipped: no ACORD corpus at {}", acord.display());
        return;
    }
    let n: usize = std::env::var("CLAUSAL_BENCH_CLAUSES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let embedder = BertEmbedder::from_dir(clausal::bundled_model_dir()).expect("model");
    let work = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&work).expect("target/bench-data");

    let texts = read_corpus(&acord.join("corpus.jsonl"));
    let base_vectors = cached_embeddings(&embedder, &texts, &work.join("acord-vectors.json"));
    let queries = read_queries(&acord.join("queries.jsonl"));
    let query_vectors =
        embedder.embed(&queries.iter().map(String::as_str).collect::<Vec<_>>()).expect("embed");

    let dir = work.join(format!("index-{n}"));
    let index = build_or_open(&dir, n, &texts, &base_vectors, &embedder);
    let searcher = index.reader().expect("reader").searcher();
    let clauses = searcher.num_clauses().expect("count");
    let stats = searcher.stats().expect("stats");
    println!(
        "index {}: {clauses} clauses, {:.0} MiB on disk",
        dir.display(),
        stats.disk_bytes as f64 / (1 << 20) as f64
    );
    let kind = stats
        .kinds
        .first()
        .and_then(|(k, _)| k.parse::<ClauseKind>().ok())
        .unwrap_or(ClauseKind::Termination);
    let kind_count = stats.kinds.first().map_or(0, |k| k.1);

    // Query embedding, measured on its own.
    let mut embed_times = Vec::new();
    for q in queries.iter().take(20) {
        let t = Instant::now();
        embedder.embed(&[q.as_str()]).expect("embed");
        embed_times.push(t.elapsed());
    }
    println!("query embedding: p50 {:.1} ms", ms(percentile(&mut embed_times, 0.5)));

    let bandwidth = read_bandwidth();
    println!(
        "memory read bandwidth (rayon sum over 1 GiB, best of 5): {:.2} GB/s",
        bandwidth / 1e9
    );
    let bm25_words = [
        "indemnify",
        "termination",
        "confidential",
        "liability",
        "assign",
        "notice",
        "warranty",
        "exclusive",
    ];
    let rounds =
        std::env::var("CLAUSAL_BENCH_QUERIES").ok().and_then(|s| s.parse().ok()).unwrap_or(40usize);
    println!("{:>8} {:>14} {:>10} {:>10}", "mode", "filter", "p50 ms", "p99 ms");
    for mode in [SearchMode::Bm25, SearchMode::Vector, SearchMode::Hybrid] {
        for filtered in [false, true] {
            let mut times = Vec::new();
            for i in 0..rounds {
                let q = &queries[i % queries.len()];
                let text = if mode == SearchMode::Bm25 {
                    format!("{} {}", bm25_words[i % bm25_words.len()], first_word(q))
                } else {
                    q.clone()
                };
                let mut req = SearchRequest::new(text)
                    .mode(mode)
                    .limit(10)
                    .syntax(clausal::QuerySyntax::Plain);
                req.embedding = Some(query_vectors[i % queries.len()].clone());
                if filtered {
                    req = req.filter(Filter::new().kind(kind));
                }
                let t = Instant::now();
                let hits = searcher.search(&req, &embedder).expect("search");
                times.push(t.elapsed());
                assert!(!hits.is_empty() || mode == SearchMode::Bm25);
            }
            let p50 = percentile(&mut times, 0.5);
            let p99 = percentile(&mut times, 0.99);
            let label = if filtered { format!("kind={}", kind.id()) } else { "none".into() };
            println!(
                "{:>8} {:>14} {:>10.2} {:>10.2}",
                format!("{mode:?}").to_lowercase(),
                label,
                ms(p50),
                ms(p99)
            );
            if mode == SearchMode::Vector {
                let rows = if filtered { kind_count } else { stats.vector_rows };
                let bytes = rows as f64 * 384.0 * 4.0;
                let rate = bytes / p50.as_secs_f64();
                println!(
                    "         vector scan of {rows} rows: {:.2} GB/s at p50 = {:.0}% of read bandwidth",
                    rate / 1e9,
                    100.0 * rate / bandwidth
                );
            }
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    let i = ((times.len() as f64 - 1.0) * p).round() as usize;
    times[i.min(times.len() - 1)]
}

fn first_word(s: &str) -> &str {
    s.split_whitespace().find(|w| w.len() > 4).unwrap_or("agreement")
}

/// Bytes per second that two threads read summing a 1 GiB buffer: the machine's practical read
/// bandwidth, against which the vector scan is judged.
fn read_bandwidth() -> f64 {
    let data: Vec<f32> = (0..(1usize << 28)).map(|i| (i % 7) as f32).collect();
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let s: f32 = data
            .par_chunks(1 << 16)
            .map(|c| {
                let mut acc = [0f32; 16];
                for x in c.chunks_exact(16) {
                    for i in 0..16 {
                        acc[i] += x[i];
                    }
                }
                acc.iter().sum::<f32>()
            })
            .sum();
        std::hint::black_box(s);
        best = best.min(t.elapsed().as_secs_f64());
    }
    (data.len() * 4) as f64 / best
}

fn read_corpus(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("corpus");
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect()
}

fn read_queries(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("queries");
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect()
}

fn cached_embeddings(embedder: &BertEmbedder, texts: &[String], cache: &Path) -> Vec<Vec<f32>> {
    if let Ok(bytes) = std::fs::read(cache)
        && let Ok(v) = serde_json::from_slice::<Vec<Vec<f32>>>(&bytes)
        && v.len() == texts.len()
    {
        return v;
    }
    eprintln!("embedding {} ACORD clauses once (cached in {})", texts.len(), cache.display());
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let v = embedder.embed(&refs).expect("embed");
    std::fs::write(cache, serde_json::to_vec(&v).expect("json")).expect("cache");
    v
}

fn build_or_open(
    dir: &Path,
    n: usize,
    texts: &[String],
    vectors: &[Vec<f32>],
    embedder: &BertEmbedder,
) -> Index {
    if let Ok(index) = Index::open_in_dir(dir)
        && index.reader().and_then(|r| r.searcher().num_clauses()).ok() == Some(n as u64)
    {
        return index;
    }
    let _ = std::fs::remove_dir_all(dir);
    eprintln!("building a synthetic index of {n} clauses in {}", dir.display());
    let t = Instant::now();
    let classifier = Classifier::bundled().expect("classifier");
    let kinds: Vec<_> = texts
        .iter()
        .map(|t| {
            classifier.classify(&ClauseView {
                text: t,
                heading: None,
                parent_heading: None,
                parent_text: None,
                definition: false,
            })
        })
        .collect();
    let vocabulary: Vec<&str> =
        texts.iter().flat_map(|t| t.split_whitespace()).filter(|w| w.len() > 3).collect();
    let index = Index::create_in_dir(dir, ModelIdentity::of(embedder)).expect("create");
    let mut writer = index.writer().expect("writer");
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let chunk = 100_000;
    let mut done = 0;
    while done < n {
        let batch: Vec<PreparedClause> = (done..n.min(done + chunk))
            .map(|i| {
                let base = i % texts.len();
                let text: Vec<&str> = texts[base]
                    .split_whitespace()
                    .map(|w| {
                        if rng.next().is_multiple_of(7) {
                            vocabulary[(rng.next() % vocabulary.len() as u64) as usize]
                        } else {
                            w
                        }
                    })
                    .collect();
                let mut v: Vec<f32> =
                    vectors[base].iter().map(|x| x + 0.03 * rng.gaussian()).collect();
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
                v.iter_mut().for_each(|x| *x /= norm);
                PreparedClause {
                    key: format!("synthetic:{i}"),
                    text: text.join(" "),
                    kinds: kinds[base].clone(),
                    vector: v,
                }
            })
            .collect();
        done += batch.len();
        writer.add_prepared(batch).expect("add");
        writer.commit().expect("commit");
        eprintln!("  {done} clauses ({:.0} s)", t.elapsed().as_secs_f64());
    }
    index
}
