//! Clause retrieval on ACORD: nDCG@5, nDCG@10 and precision@5 of BM25, vector and hybrid
//! search, ranking the whole corpus and ranking only the clauses judged for each query.
//!
//! The corpus (`corpus.jsonl`: `_id`, `text`) is indexed as clauses, one per entry, in a fresh
//! index. Queries come from `queries.jsonl` (`_id`, `text`, `metadata.split`) and graded
//! judgements from every `qrels/*.tsv` (`query-id`, `corpus-id`, `score` 0-4; 3 and 4, the
//! benchmark's 4- and 5-star clauses, count as relevant for precision). nDCG uses the grades as
//! linear gains, as pytrec_eval does.
//!
//! Hybrid fusion is tuned on the `train` split only (a grid over RRF's k and the BM25 weight)
//! and the chosen fusion is reported on every split.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use clausal::DocId;
use clausal::Embedder;
use clausal::{Filter, Fusion, QuerySyntax, SearchMode, SearchRequest};
use clausal::{Index, ModelIdentity};

/// The split fusion is tuned on.
pub const TUNING_SPLIT: &str = "train";

/// Figures of one mode in one setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct RankingScores {
    /// Mean nDCG@5.
    pub ndcg5: f64,
    /// Mean nDCG@10.
    pub ndcg10: f64,
    /// Mean precision@5 (grade 3 or 4 relevant).
    pub p5: f64,
}

/// BM25, vector and hybrid figures of one split in one setting.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ModeScores {
    /// Queries scored.
    pub queries: usize,
    /// BM25.
    pub bm25: RankingScores,
    /// Vector.
    pub vector: RankingScores,
    /// Hybrid, with the tuned fusion.
    pub hybrid: RankingScores,
}

/// The report of [`acord`].
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct AcordReport {
    /// Corpus clauses indexed.
    pub corpus: usize,
    /// The fusion chosen on the train split.
    pub fusion: Fusion,
    /// Per split (each qrels file, plus `all`): ranking the whole corpus.
    pub whole_corpus: BTreeMap<String, ModeScores>,
    /// Per split: ranking only the clauses judged for each query.
    pub judged_only: BTreeMap<String, ModeScores>,
    /// Seconds spent indexing the corpus.
    pub index_seconds: f64,
}

impl AcordReport {
    /// Hybrid beats both single modes on nDCG@10 over all queries, in both settings.
    pub fn passes(&self) -> bool {
        [&self.whole_corpus, &self.judged_only].iter().all(|m| {
            m.get("all").is_some_and(|s| {
                s.queries > 0
                    && s.hybrid.ndcg10 > s.bm25.ndcg10
                    && s.hybrid.ndcg10 > s.vector.ndcg10
            })
        })
    }
}

#[derive(Deserialize)]
struct CorpusLine {
    #[serde(rename = "_id")]
    id: String,
    text: String,
}

#[derive(Deserialize)]
struct QueryLine {
    #[serde(rename = "_id")]
    id: String,
    text: String,
}

struct Query {
    text: String,
    split: String,
    grades: HashMap<String, u32>,
}

/// Runs the ACORD evaluation on `dir`, building the index in `work` (an empty or missing
/// directory).
///
/// # Errors
///
/// Missing or malformed files; index and embedder errors.
pub fn acord(dir: &Path, work: &Path, embedder: &dyn Embedder) -> Result<AcordReport> {
    let corpus: Vec<CorpusLine> = read_jsonl(&dir.join("corpus.jsonl"))?;
    let texts: HashMap<String, String> = read_jsonl::<QueryLine>(&dir.join("queries.jsonl"))?
        .into_iter()
        .map(|q| (q.id, q.text))
        .collect();
    let queries = read_qrels(&dir.join("qrels"), &texts)?;
    if queries.is_empty() {
        return Err(Error::invalid_argument(format!("no judged queries in {}", dir.display())));
    }

    let start = std::time::Instant::now();
    let index = Index::create_in_dir(work, ModelIdentity::of(embedder))?;
    let mut writer = index.writer()?;
    let items: Vec<(String, String)> =
        corpus.iter().map(|c| (c.id.clone(), c.text.clone())).collect();
    clausal::ingest_clause_texts(&mut writer, &items, embedder)?;
    writer.commit()?;
    let index_seconds = start.elapsed().as_secs_f64();
    let searcher = index.reader()?.searcher();

    // Every query's embedding once.
    let query_texts: Vec<&str> = queries.iter().map(|q| q.text.as_str()).collect();
    let vectors = embedder.embed(&query_texts)?;

    let run = |q: &Query, v: &[f32], mode: SearchMode, fusion: Fusion, judged: bool| {
        let mut filter = Filter::new();
        if judged {
            filter.documents = q.grades.keys().map(|id| DocId::of_bytes(id.as_bytes())).collect();
        }
        let mut request = SearchRequest::new(&q.text)
            .mode(mode)
            .limit(10)
            .syntax(QuerySyntax::Plain)
            .fusion(fusion)
            .filter(filter);
        request.embedding = Some(v.to_vec());
        searcher.search(&request, embedder).map(|hits| {
            let ranked: Vec<String> = hits.into_iter().map(|h| h.clause.source).collect();
            score(&ranked, &q.grades)
        })
    };

    // Tune fusion on the train split: nDCG@10, both settings together.
    let mut candidates = Vec::new();
    for k in [5.0f32, 10.0, 20.0, 40.0, 60.0, 100.0] {
        for w in [0.2f32, 0.3, 0.4, 0.5, 0.6] {
            candidates.push(Fusion::Rrf { k, bm25_weight: w });
        }
    }
    for w in [0.1f32, 0.2, 0.3, 0.4, 0.5] {
        candidates.push(Fusion::Weighted { bm25_weight: w });
    }
    let mut best = (f64::MIN, Fusion::default());
    for fusion in candidates {
        let mut total = 0.0;
        for (q, v) in queries.iter().zip(&vectors).filter(|(q, _)| q.split == TUNING_SPLIT) {
            for judged in [false, true] {
                total += run(q, v, SearchMode::Hybrid, fusion, judged)?.ndcg10;
            }
        }
        if total > best.0 {
            best = (total, fusion);
        }
    }
    let fusion = best.1;

    let mut whole_corpus: BTreeMap<String, ModeScores> = BTreeMap::new();
    let mut judged_only: BTreeMap<String, ModeScores> = BTreeMap::new();
    for (q, v) in queries.iter().zip(&vectors) {
        for judged in [false, true] {
            let b = run(q, v, SearchMode::Bm25, fusion, judged)?;
            let ve = run(q, v, SearchMode::Vector, fusion, judged)?;
            let h = run(q, v, SearchMode::Hybrid, fusion, judged)?;
            let table = if judged { &mut judged_only } else { &mut whole_corpus };
            for split in [q.split.as_str(), "all"] {
                let m = table.entry(split.to_owned()).or_default();
                m.queries += 1;
                add(&mut m.bm25, &b);
                add(&mut m.vector, &ve);
                add(&mut m.hybrid, &h);
            }
        }
    }
    for table in [&mut whole_corpus, &mut judged_only] {
        for m in table.values_mut() {
            let n = m.queries.max(1) as f64;
            for r in [&mut m.bm25, &mut m.vector, &mut m.hybrid] {
                r.ndcg5 /= n;
                r.ndcg10 /= n;
                r.p5 /= n;
            }
        }
    }
    Ok(AcordReport { corpus: corpus.len(), fusion, whole_corpus, judged_only, index_seconds })
}

fn add(sum: &mut RankingScores, x: &RankingScores) {
    sum.ndcg5 += x.ndcg5;
    sum.ndcg10 += x.ndcg10;
    sum.p5 += x.p5;
}

/// nDCG@5, nDCG@10 and P@5 of a ranking against graded judgements.
fn score(ranked: &[String], grades: &HashMap<String, u32>) -> RankingScores {
    let gain = |id: &String| f64::from(grades.get(id).copied().unwrap_or(0));
    let mut ideal: Vec<f64> = grades.values().map(|&g| f64::from(g)).collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let dcg = |gains: &mut dyn Iterator<Item = f64>, k: usize| -> f64 {
        gains.take(k).enumerate().map(|(i, g)| g / ((i + 2) as f64).log2()).sum()
    };
    let ndcg = |k: usize| {
        let ideal_dcg = dcg(&mut ideal.iter().copied(), k);
        if ideal_dcg == 0.0 { 0.0 } else { dcg(&mut ranked.iter().map(gain), k) / ideal_dcg }
    };
    let relevant = ranked.iter().take(5).filter(|id| grades.get(*id).is_some_and(|&g| g >= 3));
    RankingScores { ndcg5: ndcg(5), ndcg10: ndcg(10), p5: relevant.count() as f64 / 5.0 }
}

fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| {
                Error::invalid_argument(format!("{} line {}: {e}", path.display(), i + 1))
            })
        })
        .collect()
}

/// Every `*.tsv` in `dir`: the split is the file stem.
fn read_qrels(dir: &Path, texts: &HashMap<String, String>) -> Result<Vec<Query>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    files.sort();
    let mut out: Vec<Query> = Vec::new();
    for file in files {
        let split = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .from_path(&file)
            .map_err(|e| Error::invalid_argument(format!("{}: {e}", file.display())))?;
        let mut by_query: BTreeMap<String, HashMap<String, u32>> = BTreeMap::new();
        for row in reader.records() {
            let row =
                row.map_err(|e| Error::invalid_argument(format!("{}: {e}", file.display())))?;
            let (Some(q), Some(c), Some(s)) = (row.get(0), row.get(1), row.get(2)) else {
                continue;
            };
            let grade: u32 = s.trim().parse().map_err(|_| {
                Error::invalid_argument(format!("{}: bad score {s:?}", file.display()))
            })?;
            by_query.entry(q.to_owned()).or_default().insert(c.to_owned(), grade);
        }
        for (id, grades) in by_query {
            let text = texts.get(&id).cloned().unwrap_or_else(|| id.clone());
            out.push(Query { text, split: split.clone(), grades });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndcg_of_the_ideal_ranking_is_one() {
        let grades: HashMap<String, u32> = [("a", 4), ("b", 3), ("c", 0), ("d", 1)]
            .iter()
            .map(|(k, g)| (k.to_string(), *g))
            .collect();
        let ideal: Vec<String> = ["a", "b", "d", "c"].iter().map(|s| s.to_string()).collect();
        let s = score(&ideal, &grades);
        assert!((s.ndcg10 - 1.0).abs() < 1e-12);
        assert!((s.p5 - 0.4).abs() < 1e-12);
        let worse: Vec<String> = ["c", "d", "b", "a"].iter().map(|s| s.to_string()).collect();
        assert!(score(&worse, &grades).ndcg10 < 0.8);
    }
}
