//! Clause pipeline speed without extraction or embedding: segmentation + classification + facts,
//! in clauses per second on one thread.
//!
//! Texts: every `txt/*.txt` of `../shared/data/cuad` (or `$CLAUSAL_CUAD`), read at bench time and
//! never stored in the repository, limited to the first `CLAUSAL_BENCH_CONTRACTS` (default all);
//! without that folder, a 40-section contract generated here. `clausal eval cuad` prints the
//! same figure for all 407 contracts.

use std::path::{Path, PathBuf};

use clausal::clause_views;
use clausal::{Classifier, DocId, Document};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn texts() -> Vec<String> {
    let dir = std::env::var_os("CLAUSAL_CUAD")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/cuad"));
    let want: usize = std::env::var("CLAUSAL_BENCH_CONTRACTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("txt"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    let found: Vec<String> =
        files.iter().take(want).filter_map(|f| std::fs::read_to_string(f).ok()).collect();
    if !found.is_empty() {
        return found;
    }
    let mut text = String::from(
        "MASTER SERVICES AGREEMENT\n\nThis Agreement is made as of March 3, 2021 between Acme Corp. (\"Supplier\") and Beta LLC (\"Customer\").\n\n",
    );
    for i in 1..=40 {
        text.push_str(&format!(
            "{i}. Section {i}.\n{i}.1 The Supplier shall indemnify the Customer against all losses. \
             Neither party is liable for delays caused by fire, flood or other causes beyond its \
             reasonable control.\n{i}.2 This Agreement renews for successive one-year terms unless \
             either party gives 90 days' notice. Fees are USD 10,000 per month.\n\n"
        ));
    }
    vec![text]
}

fn clause_pipeline(c: &mut Criterion) {
    let classifier = Classifier::bundled().expect("bundled classifier");
    let docs: Vec<Document> = texts()
        .into_iter()
        .map(|t| Document::from_plain_text(DocId::of_bytes(t.as_bytes()), t))
        .collect();
    let clauses: usize = docs.iter().map(|d| clausal::segment(d).len()).sum();
    let mut group = c.benchmark_group("clauses");
    group.sample_size(10);
    group.throughput(Throughput::Elements(clauses as u64));
    group.bench_function(format!("segment_classify_facts_{}_docs", docs.len()), |b| {
        b.iter(|| {
            for doc in &docs {
                let found = clausal::segment(doc);
                for view in clause_views(doc, &found) {
                    std::hint::black_box(classifier.classify(&view));
                    std::hint::black_box(clausal::facts::extract_facts(view.text));
                }
            }
        })
    });
    group.finish();
}

criterion_group!(benches, clause_pipeline);
criterion_main!(benches);
