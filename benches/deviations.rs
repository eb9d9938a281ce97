//! Deviation from standard at scale: 1,000,000 force majeure clauses (override with
//! `CLAUSAL_BENCH_CLAUSES`) against a 50-entry library of that kind: medians of 5 runs without
//! the word-level diff and of 3 with it.
//!
//! The library is 50 entries written from the starter library's two force majeure versions
//! by code (list items dropped and reordered, periods changed; every other entry has a
//! superseded version). Clauses are 20,000 distinct texts made the same way from the entries
//! (each clause text repeats about 50 times, as boilerplate does in real archives; the
//! measure does not cache by text), each with its own vector: the embedding of its nearest
//! entry perturbed with Gaussian noise, renormalised (embedding a million clauses on a CPU is
//! not what this measures). Concepts come from the built-in rule pack; facts are extracted
//! once per clause beforehand, as ingestion stores them in the index. What is timed is
//! [`Deviations::concepts_of`] and [`Deviations::compare_with_facts`] over every clause on
//! every core: reading the clauses from an index is not included.
//!
//! ```text
//! cargo bench --bench deviations
//! ```

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use clausal::facts::{Fact, extract_facts};
use clausal::library::{
    ClauseRef, DeviationSettings, DeviationStatus, Deviations, Entry, Library, Version,
};
use clausal::risk::{RiskEngine, RulePack};
use clausal::{BertEmbedder, ClauseKind, Embedder};
use rayon::prelude::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f32 {
        ((self.next() >> 40) as f32 + 0.5) / (1u64 << 24) as f32
    }

    fn gaussian(&mut self) -> f32 {
        let (u, v) = (self.unit(), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

/// A variant of a force majeure text: some list items dropped, the list shuffled, the
/// termination period changed.
fn variant(text: &str, rng: &mut Rng) -> String {
    let (head, rest) = text.split_once("including ").unwrap_or((text, ""));
    let (list, tail) = rest.split_once(". ").unwrap_or((rest, ""));
    let mut items: Vec<&str> = list.split(", ").collect();
    for _ in 0..rng.below(3) {
        if items.len() > 3 {
            let i = rng.below(items.len());
            items.remove(i);
        }
    }
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
    let days = [30, 45, 60, 90, 120][rng.below(5)];
    let tail = tail.replace("sixty (60) days", &format!("{days} days"));
    format!("{head}including {}. {tail}", items.join(", "))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::var("CLAUSAL_BENCH_CLAUSES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let embedder = BertEmbedder::from_dir(clausal::bundled_model_dir()).expect("model");
    let starter = Library::starter();
    let fm = starter.get("force-majeure").expect("starter force majeure");
    let (old, new) = (&fm.versions[0].text, &fm.current().text);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);

    // 50 entries of one kind; every other one with a superseded version.
    let mut library = Library::new();
    for e in 0..50 {
        let entry = if e % 2 == 0 {
            let mut x = Entry::new(
                format!("fm-{e}"),
                ClauseKind::ForceMajeure,
                format!("Force majeure {e}"),
                Version::new("1", variant(old, &mut rng), "bench"),
            )
            .expect("entry");
            x.supersede(Version::new("2", variant(new, &mut rng), "bench")).expect("version");
            x
        } else {
            Entry::new(
                format!("fm-{e}"),
                ClauseKind::ForceMajeure,
                format!("Force majeure {e}"),
                Version::new("1", variant(new, &mut rng), "bench"),
            )
            .expect("entry")
        };
        library.insert(entry);
    }
    let engine = RiskEngine::new(RulePack::builtin(), &embedder).expect("engine");
    let compile = Instant::now();
    let deviations = Deviations::new(&library, &embedder, &engine, DeviationSettings::default())
        .expect("compile");
    let compile = compile.elapsed();

    // 20,000 distinct clause texts, embedded by their nearest entry's vector plus noise.
    let pool: Vec<(String, Vec<Fact>, Vec<f32>)> = {
        let bases: Vec<String> =
            library.entries().flat_map(|e| e.versions.iter().map(|v| v.text.clone())).collect();
        let base_vectors =
            embedder.embed(&bases.iter().map(String::as_str).collect::<Vec<_>>()).expect("embed");
        (0..20_000)
            .map(|_| {
                let b = rng.below(bases.len());
                let text = variant(&bases[b], &mut rng);
                let facts = extract_facts(&text);
                (text, facts, base_vectors[b].clone())
            })
            .collect()
    };
    let clauses: Vec<(usize, Vec<f32>)> = (0..n)
        .map(|_| {
            let p = rng.below(pool.len());
            let mut v: Vec<f32> = pool[p].2.iter().map(|x| x + 0.02 * rng.gaussian()).collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.iter_mut().for_each(|x| *x /= norm);
            (p, v)
        })
        .collect();

    // In blocks of 512 clauses, as `Searcher::deviations` does per document: one matrix
    // product for the similarities of a block.
    let run = |d: &Deviations| {
        let start = Instant::now();
        let statuses: Vec<DeviationStatus> = clauses
            .par_chunks(512)
            .flat_map_iter(|block| {
                let found: Vec<_> = block
                    .iter()
                    .map(|(p, _)| d.concepts_of(ClauseKind::ForceMajeure, &engine, &[&pool[*p].0]))
                    .collect();
                let items: Vec<ClauseRef<'_>> = block
                    .iter()
                    .zip(&found)
                    .map(|((p, v), c)| {
                        (pool[*p].0.as_str(), v.as_slice(), c, pool[*p].1.as_slice())
                    })
                    .collect();
                d.compare_many(ClauseKind::ForceMajeure, &items)
                    .into_iter()
                    .map(|x| x.status)
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(statuses.len(), clauses.len());
        (start.elapsed(), statuses)
    };
    let mut tally = std::collections::BTreeMap::new();
    let mut times = Vec::new();
    // CLAUSAL_BENCH_DIFF=0 skips the runs with the diff (they take ten times as long).
    let with_diff = std::env::var("CLAUSAL_BENCH_DIFF").map_or(true, |v| v != "0");
    for i in 0..if with_diff { 3 } else { 1 } {
        let (t, statuses) = run(&deviations);
        times.push(t);
        if i == 0 {
            for s in statuses {
                *tally.entry(s.as_str()).or_insert(0usize) += 1;
            }
        }
    }
    let no_diff = Deviations::new(
        &library,
        &embedder,
        &engine,
        DeviationSettings { diff: false, ..DeviationSettings::default() },
    )
    .expect("compile");
    let mut times_no_diff = Vec::new();
    for _ in 0..5 {
        times_no_diff.push(run(&no_diff).0);
    }
    // The concept pass alone.
    let mut times_concepts = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let n: usize = clauses
            .par_iter()
            .map(|(p, _)| {
                no_diff.concepts_of(ClauseKind::ForceMajeure, &engine, &[&pool[*p].0]).len()
            })
            .sum();
        times_concepts.push(start.elapsed());
        std::hint::black_box(n);
    }
    println!(
        "deviations: {n} clauses of one kind, 50-entry library ({} versions), {} threads",
        library.entries().map(|e| e.versions.len()).sum::<usize>(),
        rayon::current_num_threads()
    );
    println!("  library compiled (embedded, concepts found) in {:.2} s", compile.as_secs_f64());
    println!(
        "  with the word diff: median {:.2} s of 3 ({:.2} µs per clause)",
        median(times.clone()).as_secs_f64(),
        median(times).as_secs_f64() * 1e6 / n as f64
    );
    println!(
        "  without the diff:   median {:.2} s of 5 ({:.2} µs per clause)",
        median(times_no_diff.clone()).as_secs_f64(),
        median(times_no_diff).as_secs_f64() * 1e6 / n as f64
    );
    println!("  of which finding concepts: median {:.2} s", median(times_concepts).as_secs_f64());
    println!("  statuses: {tally:?}");
}
