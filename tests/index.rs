//! The index: ingestion, idempotency, commits, crash safety, concurrency and search.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clausal::{
    ClauseKind, ErrorKind, Filter, Index, IngestOptions, ModelIdentity, QuerySyntax, SearchMode,
    SearchRequest, Similar,
};

use crate::extract::TempDir;
use crate::util::embedder;

fn identity() -> ModelIdentity {
    ModelIdentity::of(embedder())
}

/// A small contract in plain text: numbered sections, one of them force majeure with or without
/// epidemic language, and a tag that makes its text unique.
pub(crate) fn contract(name: &str, tag: &str, pandemic: bool) -> String {
    let fm = if pandemic {
        "Neither party is liable for delay caused by fire, flood, epidemic, pandemic or quarantine \
         restrictions imposed by any government."
    } else {
        "Neither party is liable for delay caused by acts of God, fire, flood, strikes or riots \
         beyond its reasonable control."
    };
    format!(
        "MASTER SERVICES AGREEMENT ({name})\n\n\
         1. Services. The Supplier shall provide the {tag} services described in each Statement \
         of Work.\n\n\
         2. Fees. The Customer shall pay each invoice for the {tag} services within thirty (30) \
         days of receipt.\n\n\
         3. Force Majeure. {fm}\n\n\
         4. Confidentiality. Each party shall keep the other party's Confidential Information \
         secret and use it only to perform this Agreement.\n\n\
         5. Governing Law. This Agreement is governed by the laws of the State of New York.\n"
    )
}

fn ingest(index: &Index, paths: &[&Path]) -> clausal::IngestReport {
    let mut w = index.writer().unwrap();
    clausal::ingest(&mut w, paths, embedder(), &IngestOptions::default(), &mut |_| {}).unwrap()
}

#[test]
fn create_open_lock_and_model_checks() {
    let dir = TempDir::new("index-basics");
    let idx = dir.0.join("idx");
    let index = Index::create_in_dir(&idx, identity()).unwrap();
    assert!(Index::create_in_dir(&idx, identity()).is_err(), "not over an existing index");

    let w = index.writer().unwrap();
    let second = Index::open_in_dir(&idx).unwrap();
    let err = second.writer().err().expect("a second writer is refused");
    assert!(matches!(err.kind(), ErrorKind::IndexLocked { .. }), "{err}");
    drop(w);
    drop(second.writer().unwrap());

    let other = ModelIdentity { id: "other-model".into(), ..identity() };
    let err = Index::open_or_create(&idx, other).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ModelMismatch { .. }), "{err}");
    // The same model run by another engine is refused too.
    let other_engine =
        ModelIdentity { engine: format!("{}-other", identity().engine), ..identity() };
    let err = Index::open_or_create(&idx, other_engine).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ModelMismatch { .. }), "{err}");

    // A damaged manifest is caught on open.
    let manifest = idx.join("manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("384", "385")).unwrap();
    let err = Index::open_in_dir(&idx).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::IndexCorrupt { .. }), "{err}");
    let err = Index::open_in_dir(dir.0.join("nothing-here")).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::IndexCorrupt { .. }), "{err}");
}

#[test]
fn ingest_is_idempotent_replaces_changes_and_prunes() {
    let dir = TempDir::new("index-idempotent");
    let docs = dir.0.join("docs");
    std::fs::create_dir_all(docs.join("sub")).unwrap();
    std::fs::write(docs.join("a.txt"), contract("A", "alpha", true)).unwrap();
    std::fs::write(docs.join("sub/b.txt"), contract("B", "beta", false)).unwrap();
    std::fs::write(docs.join("junk.bin"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    let index = Index::create_in_dir(dir.0.join("idx"), identity()).unwrap();

    let r = ingest(&index, &[&docs]);
    assert_eq!((r.files, r.indexed, r.unchanged), (3, 2, 0));
    assert_eq!(r.failed.len(), 1, "the binary file is a per-file error: {:?}", r.failed);
    assert!(r.failed[0].path.ends_with("junk.bin"));
    assert!(r.clauses >= 10);
    // Boilerplate shared by both contracts (confidentiality, governing law) is embedded once.
    assert_eq!(r.cached, 2, "{r:?}");
    assert_eq!(r.embedded + r.cached, r.clauses);
    let clauses_before = index.reader().unwrap().searcher().num_clauses().unwrap();

    let r = ingest(&index, &[&docs]);
    assert_eq!((r.indexed, r.unchanged, r.embedded), (0, 2, 0), "{r:?}");

    // A changed file replaces its clauses; unchanged clause texts reuse their vectors.
    std::fs::write(docs.join("a.txt"), contract("A", "gamma", true)).unwrap();
    let r = ingest(&index, &[&docs]);
    assert_eq!((r.indexed, r.unchanged), (1, 1));
    assert!(r.embedded <= 3, "only the changed sections are embedded: {r:?}");
    let searcher = index.reader().unwrap().searcher();
    assert_eq!(searcher.num_clauses().unwrap(), clauses_before);
    assert_eq!(searcher.documents().unwrap().len(), 2);
    let hits =
        searcher.search(&SearchRequest::new("alpha").mode(SearchMode::Bm25), embedder()).unwrap();
    assert!(hits.is_empty(), "the old version is gone");

    // Pruning removes files that no longer exist under the ingested folder.
    std::fs::remove_file(docs.join("sub/b.txt")).unwrap();
    let mut w = index.writer().unwrap();
    let options = IngestOptions { prune: true, ..Default::default() };
    let r = clausal::ingest(&mut w, &[&docs], embedder(), &options, &mut |_| {}).unwrap();
    drop(w);
    assert_eq!(r.removed, 1);
    let searcher = index.reader().unwrap().searcher();
    let docs_left = searcher.documents().unwrap();
    assert_eq!(docs_left.len(), 1);
    assert!(docs_left[0].path.ends_with("a.txt"));
    let v = index.verify().unwrap();
    assert_eq!(v.documents, 1);
}

#[test]
fn interrupted_commit_leftovers_are_removed_and_dropped_writers_discard() {
    let dir = TempDir::new("index-leftovers");
    std::fs::write(dir.0.join("a.txt"), contract("A", "alpha", true)).unwrap();
    let index = Index::create_in_dir(dir.0.join("idx"), identity()).unwrap();
    ingest(&index, &[&dir.0.join("a.txt")]);
    let vectors = dir.0.join("idx/vectors");
    std::fs::write(vectors.join("00000009.vec"), b"half-written").unwrap();
    std::fs::write(vectors.join("00000009.tmp"), b"half-written").unwrap();
    {
        // Work that is never committed is invisible; opening the writer removed the leftovers.
        let mut w = index.writer().unwrap();
        w.remove_path(&dir.0.join("a.txt").canonicalize().unwrap().display().to_string()).unwrap();
    }
    assert!(!vectors.join("00000009.vec").exists());
    assert!(!vectors.join("00000009.tmp").exists());
    let v = index.verify().unwrap();
    assert_eq!(v.documents, 1);
}

fn sample_index(name: &str) -> (TempDir, Index) {
    let dir = TempDir::new(name);
    let docs = dir.0.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for i in 0..8u32 {
        let text = contract(&format!("C{i}"), &format!("tag{i}"), i.is_multiple_of(2));
        std::fs::write(docs.join(format!("c{i}.txt")), text).unwrap();
    }
    let index = Index::create_in_dir(dir.0.join("idx"), identity()).unwrap();
    ingest(&index, &[&docs]);
    (dir, index)
}

#[test]
fn modes_rank_explain_and_filter_before_ranking() {
    let (_dir, index) = sample_index("index-search");
    let searcher = index.reader().unwrap().searcher();
    let e = embedder();

    let bm25 = searcher
        .search(&SearchRequest::new("\"force majeure\" AND pandemic").mode(SearchMode::Bm25), e)
        .unwrap();
    assert_eq!(bm25.len(), 4, "the four contracts with pandemic language");
    for h in &bm25 {
        assert!(h.clause.text.contains("pandemic"));
        assert!(h.bm25.is_some() && h.vector.is_none());
        let highlighted: Vec<&str> =
            h.snippet.highlights.iter().map(|r| &h.snippet.text[r.clone()]).collect();
        assert!(highlighted.iter().any(|w| w.eq_ignore_ascii_case("pandemic")), "{highlighted:?}");
        assert_eq!(&h.clause.text[h.snippet.range.clone()], h.snippet.text);
    }

    let vector = searcher
        .search(
            &SearchRequest::new("outbreak of contagious disease excuses performance")
                .mode(SearchMode::Vector)
                .limit(3),
            e,
        )
        .unwrap();
    assert_eq!(vector.len(), 3);
    assert!(vector[0].clause.text.contains("epidemic"), "{:?}", vector[0].clause.text);
    assert!(vector.windows(2).all(|w| w[0].score >= w[1].score));
    assert_eq!(vector[0].vector.unwrap().rank, 1);

    let hybrid = searcher.search(&SearchRequest::new("pandemic force majeure"), e).unwrap();
    assert!(hybrid[0].bm25.is_some() && hybrid[0].vector.is_some());

    // A filter applies before ranking: confidentiality clauses rank low for this query, yet
    // every mode returns a full page of them.
    for mode in [SearchMode::Bm25, SearchMode::Vector, SearchMode::Hybrid] {
        let req = SearchRequest::new("epidemic pandemic quarantine delay")
            .mode(mode)
            .limit(3)
            .syntax(QuerySyntax::Plain)
            .filter(Filter::new().kind(ClauseKind::Confidentiality));
        let hits = searcher.search(&req, e).unwrap();
        if mode == SearchMode::Bm25 {
            assert!(hits.is_empty(), "no confidentiality clause has these words");
            continue;
        }
        assert_eq!(hits.len(), 3, "{mode:?}");
        for h in hits {
            assert!(h.clause.kinds.iter().any(|k| k.kind == ClauseKind::Confidentiality));
        }
    }

    // Similar clauses: the force majeure sections of the other contracts, not itself.
    let fm = &bm25[0].clause;
    let similar = searcher.similar(&Similar::Clause(fm.id), &Filter::new(), 3, e).unwrap();
    assert_eq!(similar.len(), 3);
    assert!(similar.iter().all(|h| h.clause.id != fm.id));
    assert!(similar[0].clause.text.contains("pandemic"));

    let stats = searcher.stats().unwrap();
    assert_eq!(stats.documents, 8);
    assert!(stats.kinds.iter().any(|(k, _)| k == "force_majeure"));

    let err = searcher
        .search(&SearchRequest::new("a ".repeat(5000)).mode(SearchMode::Bm25), e)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidQuery(_)), "{err}");
    let err = searcher
        .search(&SearchRequest::new("force AND (majeure").mode(SearchMode::Bm25), e)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidQuery(_)), "{err}");
}

#[test]
fn searches_from_four_threads_while_a_writer_commits() {
    let dir = TempDir::new("index-concurrency");
    let docs = dir.0.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let files: Vec<PathBuf> = (0..12u32)
        .map(|i| {
            let p = docs.join(format!("c{i:02}.txt"));
            std::fs::write(&p, contract(&format!("C{i}"), &format!("tag{i}"), i.is_multiple_of(3)))
                .unwrap();
            p
        })
        .collect();
    let index = Index::create_in_dir(dir.0.join("idx"), identity()).unwrap();
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let readers: Vec<_> = (0..4)
            .map(|t| {
                let index = index.clone();
                let done = &done;
                s.spawn(move || {
                    let reader = index.reader().unwrap();
                    let mut last_docs = 0;
                    let mut searches = 0;
                    while !done.load(Ordering::Acquire) || searches < 5 {
                        reader.reload().unwrap();
                        let searcher = reader.searcher();
                        let docs = searcher.documents().unwrap();
                        assert!(docs.len() >= last_docs, "a snapshot never goes back");
                        last_docs = docs.len();
                        let ids: HashSet<_> = docs.iter().map(|d| d.id).collect();
                        let mode =
                            [SearchMode::Bm25, SearchMode::Vector, SearchMode::Hybrid][t % 3];
                        let hits = searcher
                            .search(
                                &SearchRequest::new("services fees").mode(mode).limit(20),
                                embedder(),
                            )
                            .unwrap();
                        for h in hits {
                            // No torn reads: every clause's document and vector are in the snapshot.
                            assert!(ids.contains(&h.clause.doc_id));
                            assert_eq!(searcher.clause_vector(h.clause.id).unwrap().len(), 384);
                        }
                        searches += 1;
                    }
                    searches
                })
            })
            .collect();
        let mut w = index.writer().unwrap();
        let options = IngestOptions { commit_every: 2, chunk_files: 2, ..Default::default() };
        let r = clausal::ingest(&mut w, &files, embedder(), &options, &mut |_| {}).unwrap();
        assert_eq!(r.commits, 6);
        done.store(true, Ordering::Release);
        for r in readers {
            assert!(r.join().unwrap() >= 5);
        }
    });
    assert_eq!(index.verify().unwrap().documents, 12);
}

#[test]
fn an_impossible_vector_score_is_corruption_not_a_first_hit() {
    let dir = TempDir::new("index-impossible-score");
    let docs = dir.0.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("a.txt"), contract("A", "alpha", true)).unwrap();
    let idx = dir.0.join("idx");
    let index = Index::create_in_dir(&idx, identity()).unwrap();
    ingest(&index, &[&docs]);
    let request = SearchRequest::new("force majeure").mode(SearchMode::Vector);
    assert!(!index.reader().unwrap().searcher().search(&request, embedder()).unwrap().is_empty());
    drop(index);
    // One flipped exponent bit in the first component of the first row (after the 32-byte
    // header): 0.0x becomes about 1e36.
    let file = idx.join("vectors/00000001.vec");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[35] ^= 0x40;
    std::fs::write(&file, &bytes).unwrap();
    let index = Index::open_in_dir(&idx).unwrap();
    let searcher = index.reader().unwrap().searcher();
    for mode in [SearchMode::Vector, SearchMode::Hybrid] {
        let err = searcher.search(&request.clone().mode(mode), embedder()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::IndexCorrupt { .. }), "{mode:?}: {err}");
        assert!(err.to_string().contains("impossible score"), "{err}");
    }
    assert!(index.verify().is_err(), "verify names the damaged file");
}

#[test]
fn a_cancelled_ingest_commits_what_it_finished_and_a_rerun_does_the_rest() {
    let dir = TempDir::new("index-cancel");
    let docs = dir.0.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let files: Vec<PathBuf> = (0..6)
        .map(|i| {
            let p = docs.join(format!("c{i}.txt"));
            std::fs::write(&p, contract(&format!("C{i}"), "alpha", i % 2 == 0)).unwrap();
            p
        })
        .collect();
    let index = Index::create_in_dir(dir.0.join("idx"), identity()).unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let options = IngestOptions {
        commit_every: 2,
        chunk_files: 2,
        cancel: Some(Arc::clone(&cancel)),
        ..Default::default()
    };
    let mut w = index.writer().unwrap();
    let mut seen = 0;
    let r = clausal::ingest(&mut w, &files, embedder(), &options, &mut |event| {
        // Cancelled while the first chunk is written: the second chunk is never embedded.
        if let clausal::IngestEvent::File { .. } = event {
            seen += 1;
            cancel.store(true, Ordering::Relaxed);
        }
    })
    .unwrap();
    assert!(r.cancelled);
    assert_eq!((r.indexed, seen), (2, 2), "{r:?}");
    drop(w);
    assert_eq!(index.verify().unwrap().documents, 2, "the finished chunk was committed");
    let mut w = index.writer().unwrap();
    let again = clausal::ingest(&mut w, &files, embedder(), &IngestOptions::default(), &mut |_| {})
        .unwrap();
    assert!(!again.cancelled);
    assert_eq!((again.unchanged, again.indexed), (2, 4));
    drop(w);
    assert_eq!(index.verify().unwrap().documents, 6);
}
