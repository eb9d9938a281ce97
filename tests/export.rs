//! Clause-level exports: full and incremental exports replayed into a model of a search
//! engine, shards, the OpenSearch/Elasticsearch bulk format checked against the mapping, Qdrant
//! operations, cursors.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use clausal::export::{
    self, ExportCursor, ExportFlags, ExportOptions, ExportSummary, Format, point_id,
};
use clausal::risk::{RiskEngine, RulePack};
use clausal::{Decision, Index, IngestOptions, ModelIdentity, Shard, Verdict};
use serde_json::Value;

use crate::extract::TempDir;
use crate::index::contract;
use crate::util::embedder;

fn identity() -> ModelIdentity {
    ModelIdentity::of(embedder())
}

fn engine() -> &'static RiskEngine {
    static ENGINE: std::sync::OnceLock<RiskEngine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| RiskEngine::new(RulePack::builtin(), embedder()).unwrap())
}

fn ingest(index: &Index, paths: &[&Path], shard: Option<Shard>) -> clausal::IngestReport {
    let mut w = index.writer().unwrap();
    let options = IngestOptions { prune: true, shard, ..Default::default() };
    clausal::ingest(&mut w, paths, embedder(), &options, &mut |_| {}).unwrap()
}

/// Writes an archive of `n` contracts, every third without epidemic cover.
fn archive(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let text = contract(&format!("contract {i}"), &format!("tag{i}"), i % 3 != 0);
        std::fs::write(dir.join(format!("c{i:02}.txt")), text).unwrap();
    }
}

fn run(
    index: &Index,
    since: Option<&ExportCursor>,
    flags: bool,
    format: Format,
) -> (Vec<u8>, ExportSummary) {
    let options = ExportOptions {
        since: since.cloned(),
        flags: flags.then(|| ExportFlags {
            engine: engine(),
            embedder: embedder(),
            as_of: "2026-12-07".into(),
        }),
        batch: 7,
        ..Default::default()
    };
    let mut out = Vec::new();
    let summary = export::export(index, &options, format, &mut out).unwrap();
    (out, summary)
}

fn lines(out: &[u8]) -> Vec<Value> {
    std::str::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// A search engine's view: documents by id, fed NDJSON upserts and deletes in order.
#[derive(Default)]
struct Engine {
    points: BTreeMap<String, Value>,
}

impl Engine {
    fn apply(&mut self, out: &[u8]) -> Option<String> {
        let mut cursor = None;
        for mut line in lines(out) {
            let op = line["op"].as_str().unwrap().to_owned();
            let id = line["id"].as_str().map(str::to_owned);
            match op.as_str() {
                "upsert" => {
                    line.as_object_mut().unwrap().remove("op");
                    self.points.insert(id.unwrap(), line);
                }
                "delete" => {
                    assert!(
                        self.points.remove(&id.unwrap()).is_some(),
                        "a delete for a point the engine never had"
                    );
                }
                "commit" => cursor = line["cursor"].as_str().map(str::to_owned),
                other => panic!("unknown op {other}"),
            }
        }
        cursor
    }
}

#[test]
fn full_and_incremental_exports_keep_an_engine_equal_to_the_index() {
    let dir = TempDir::new("export-incremental");
    let docs = dir.0.join("archive");
    archive(&docs, 6);
    let index = Index::create_in_dir(dir.0.join("idx"), identity()).unwrap();
    ingest(&index, &[&docs], None);

    let (out, summary) = run(&index, None, true, Format::Ndjson);
    let mut engine = Engine::default();
    let cursor = engine.apply(&out).expect("a commit line");
    assert_eq!(cursor, summary.cursor.to_string());
    let clauses = index.reader().unwrap().searcher().num_clauses().unwrap();
    assert_eq!(summary.upserts, clauses);
    assert_eq!(engine.points.len() as u64, clauses, "ids are unique");
    assert_eq!(summary.deletes, 0);
    // The flagship: force majeure clauses without epidemic cover carry the flag.
    let flagged: Vec<&Value> = engine
        .points
        .values()
        .filter(|p| p["flagged_rules"].as_array().unwrap().iter().any(|r| r == "fm-no-pandemic"))
        .collect();
    assert_eq!(flagged.len(), 2, "c00 and c03 lack epidemic cover");
    for p in &flagged {
        assert!(p["kind_ids"].as_array().unwrap().iter().any(|k| k == "force_majeure"));
        assert_eq!(p["vector"].as_array().unwrap().len(), 384);
        let flag =
            p["flags"].as_array().unwrap().iter().find(|f| f["rule"] == "fm-no-pandemic").unwrap();
        assert!(flag["missing"].as_array().unwrap().iter().any(|m| m == "epidemic"), "{flag}");
    }

    // Nothing changed: the incremental export is empty.
    let since: ExportCursor = cursor.parse().unwrap();
    let (out, s) = run(&index, Some(&since), true, Format::Ndjson);
    assert_eq!((s.upserts, s.deletes, s.refreshed), (0, 0, 0));
    assert_eq!(lines(&out).len(), 1, "only the commit line");
    assert_eq!(s.cursor, since);

    // A changed file, a removed file, a new file.
    std::fs::write(docs.join("c01.txt"), contract("contract 1 amended", "tag1b", true)).unwrap();
    std::fs::remove_file(docs.join("c02.txt")).unwrap();
    std::fs::write(docs.join("c09.txt"), contract("contract 9", "tag9", false)).unwrap();
    let report = ingest(&index, &[&docs], None);
    assert_eq!((report.indexed, report.removed), (2, 1));
    let (out, s) = run(&index, Some(&since), true, Format::Ndjson);
    assert!(s.upserts > 0 && s.deletes > 0, "{s:?}");
    let cursor = engine.apply(&out).unwrap();
    let (fresh, _) = run(&index, None, true, Format::Ndjson);
    let mut expected = Engine::default();
    expected.apply(&fresh);
    assert_eq!(
        engine.points.keys().collect::<Vec<_>>(),
        expected.points.keys().collect::<Vec<_>>(),
        "no orphan, no duplicate"
    );
    assert_eq!(engine.points, expected.points, "same content");

    // A reviewer dismisses a flag: the clause is exported again with its new state, and only
    // the candidates of that rule are.
    let since: ExportCursor = cursor.parse().unwrap();
    let (id, text_hash) = {
        let p = engine
            .points
            .values()
            .find(|p| p["flagged_rules"].as_array().unwrap().iter().any(|r| r == "fm-no-pandemic"))
            .unwrap();
        let searcher = index.reader().unwrap().searcher();
        let clause =
            searcher.clause(p["clause_id"].as_str().unwrap().parse().unwrap()).unwrap().unwrap();
        (p["id"].as_str().unwrap().to_owned(), clause.text_hash)
    };
    let rule = RulePack::builtin().rule("fm-no-pandemic").unwrap().version.clone();
    index
        .review_store()
        .unwrap()
        .record(&Decision::new("fm-no-pandemic", rule, text_hash, Verdict::Dismiss, "alice"))
        .unwrap();
    let (out, s) = run(&index, Some(&since), true, Format::Ndjson);
    assert!(s.refreshed > 0 && s.refreshed == s.upserts && s.deletes == 0, "{s:?}");
    assert!(s.upserts < clauses, "only the rule's candidates: {s:?}");
    engine.apply(&out);
    let p = &engine.points[&id];
    assert!(p["dismissed_rules"].as_array().unwrap().iter().any(|r| r == "fm-no-pandemic"));
    assert!(!p["flagged_rules"].as_array().unwrap().iter().any(|r| r == "fm-no-pandemic"));
    let (fresh, _) = run(&index, None, true, Format::Ndjson);
    let mut expected = Engine::default();
    expected.apply(&fresh);
    assert_eq!(engine.points, expected.points);

    // A cursor from the future, or made with other flags, is refused.
    let ahead = ExportCursor { generation: 99, ..s.cursor.clone() };
    let mut sink = Vec::new();
    let err = export::export(
        &index,
        &ExportOptions { since: Some(ahead), ..Default::default() },
        Format::Ndjson,
        &mut sink,
    )
    .unwrap_err();
    assert!(err.to_string().contains("ahead"), "{err}");
    let err = export::export(
        &index,
        &ExportOptions { since: Some(s.cursor.clone()), ..Default::default() },
        Format::Ndjson,
        &mut sink,
    )
    .unwrap_err();
    assert!(err.to_string().contains("flags"), "{err}");
}

#[test]
fn cursors_print_and_parse() {
    let c: ExportCursor = "g7.r153.f0123456789abcdef.d2026-12-07".parse().unwrap();
    assert_eq!(c.generation, 7);
    assert_eq!(c.review_seq, 153);
    assert_eq!(c.to_string(), "g7.r153.f0123456789abcdef.d2026-12-07");
    let n: ExportCursor = "g2.r0.noflags".parse().unwrap();
    assert_eq!((n.flags.clone(), n.to_string()), (None, "g2.r0.noflags".to_owned()));
    for bad in [
        "",
        "7.153",
        "g7.r1.fxyz.d2026-12-07",
        "g7.r1.f0123456789abcdef.d2026-02-31",
        "g7.r1.noflags.x",
    ] {
        assert!(bad.parse::<ExportCursor>().is_err(), "{bad:?}");
    }
}

#[test]
fn shards_exported_separately_equal_one_export() {
    let dir = TempDir::new("export-shards");
    let docs = dir.0.join("archive");
    archive(&docs, 12);
    let whole = Index::create_in_dir(dir.0.join("whole"), identity()).unwrap();
    ingest(&whole, &[&docs], None);
    let (out, _) = run(&whole, None, true, Format::Ndjson);
    let mut one = Engine::default();
    one.apply(&out);

    let mut merged = Engine::default();
    let mut files = 0;
    for i in 1..=4 {
        let shard = Shard::new(i, 4).unwrap();
        let index = Index::create_in_dir(dir.0.join(format!("shard{i}")), identity()).unwrap();
        let report = ingest(&index, &[&docs], Some(shard));
        assert_eq!(report.indexed + report.other_shards, 12, "{shard}: every file is in or out");
        files += report.indexed;
        let (out, _) = run(&index, None, true, Format::Ndjson);
        for mut p in lines(&out) {
            if p["op"] == "upsert" {
                let id = p["id"].as_str().unwrap().to_owned();
                p.as_object_mut().unwrap().remove("op");
                assert!(merged.points.insert(id, p).is_none(), "shards never collide");
            }
        }
        // Re-running a shard changes nothing.
        let again = ingest(&index, &[&docs], Some(shard));
        assert_eq!((again.indexed, again.removed), (0, 0));
    }
    assert_eq!(files, 12, "every file falls in exactly one shard");
    assert_eq!(merged.points, one.points, "same ids, same content");

    assert!("0/4".parse::<Shard>().is_err());
    assert!("5/4".parse::<Shard>().is_err());
    assert!("1-4".parse::<Shard>().is_err());
}

/// Checks a bulk source document against the mapping's properties: every field is mapped,
/// and each value has the mapped type.
fn check_against_mapping(doc: &Value, properties: &Value, dim: u64, path: &str) {
    let obj = doc.as_object().unwrap_or_else(|| panic!("{path}: not an object"));
    for (k, v) in obj {
        let at = format!("{path}.{k}");
        let m = properties
            .get(k)
            .unwrap_or_else(|| panic!("{at}: not in the mapping (dynamic: strict refuses it)"));
        let ty = m["type"].as_str().unwrap_or("object");
        let values: Vec<&Value> = match v {
            Value::Array(a) if ty != "knn_vector" && ty != "dense_vector" => a.iter().collect(),
            other => vec![other],
        };
        for v in values {
            match ty {
                "keyword" | "text" => assert!(v.is_string(), "{at}: {v} for {ty}"),
                "integer" | "long" => assert!(v.is_u64() || v.is_i64(), "{at}: {v} for {ty}"),
                "float" | "double" => assert!(v.is_number(), "{at}: {v} for {ty}"),
                "boolean" => assert!(v.is_boolean(), "{at}: {v} for {ty}"),
                "date" => {
                    let s = v.as_str().unwrap_or_else(|| panic!("{at}: {v} for a date"));
                    let ok = [10, 7, 4].contains(&s.len())
                        && s.split('-').all(|p| p.bytes().all(|b| b.is_ascii_digit()));
                    assert!(ok, "{at}: {s:?} does not match {}", m["format"]);
                }
                "knn_vector" | "dense_vector" => {
                    let a = v.as_array().unwrap_or_else(|| panic!("{at}: not an array"));
                    assert_eq!(a.len() as u64, dim, "{at}: vector dimension");
                    assert!(a.iter().all(Value::is_number));
                }
                "nested" | "object" => {
                    if m["enabled"] == Value::Bool(false) {
                        continue;
                    }
                    check_against_mapping(v, &m["properties"], dim, &at);
                }
                other => panic!("{at}: unexpected mapping type {other}"),
            }
        }
    }
}

#[test]
fn bulk_exports_match_their_mappings() {
    let dir = TempDir::new("export-bulk");
    let docs = dir.0.join("archive");
    archive(&docs, 4);
    let index = Index::create_in_dir(dir.0.join("idx"), identity()).unwrap();
    ingest(&index, &[&docs], None);
    let model = index.manifest().model.clone();
    let (_, first) = run(&index, None, true, Format::Ndjson);
    std::fs::remove_file(docs.join("c01.txt")).unwrap();
    ingest(&index, &[&docs], None);
    for (format, mapping) in [
        (Format::OpenSearch, export::opensearch_mapping(&model)),
        (Format::Elasticsearch, export::elasticsearch_mapping(&model)),
    ] {
        let props = &mapping["mappings"]["properties"];
        assert_eq!(mapping["mappings"]["dynamic"], "strict");
        let vector = &props["vector"];
        let dim = vector["dimension"].as_u64().or(vector["dims"].as_u64()).unwrap();
        assert_eq!(dim, model.dim as u64, "{format}: mapping dimension = index dimension");
        for (label, since) in [("full", None), ("incremental", Some(&first.cursor))] {
            let (out, summary) = run(&index, since, true, format);
            let lines = lines(&out);
            let (mut sources, mut deletes, mut i) = (0, 0, 0);
            while i < lines.len() {
                let action = lines[i].as_object().unwrap();
                assert_eq!(action.len(), 1, "{format} {label}: one action per line");
                let (name, meta) = action.iter().next().unwrap();
                let id = meta["_id"].as_str().unwrap();
                assert!(meta.get("_index").is_none());
                match name.as_str() {
                    "index" => {
                        let source = &lines[i + 1];
                        assert_eq!(source["id"], id);
                        check_against_mapping(source, props, dim, "source");
                        sources += 1;
                        i += 2;
                    }
                    "delete" => {
                        deletes += 1;
                        i += 1;
                    }
                    other => panic!("{format}: action {other}"),
                }
            }
            assert_eq!((sources, deletes), (summary.upserts, summary.deletes), "{format} {label}");
            if since.is_some() {
                assert!(deletes > 0 && sources == 0, "{format}: a removal only deletes");
            }
        }
    }
    let pipeline = export::opensearch_search_pipeline(0.5);
    let weights = &pipeline["phase_results_processors"][0]["normalization-processor"]["combination"]
        ["parameters"]["weights"];
    assert_eq!(weights, &serde_json::json!([0.5, 0.5]));
}

#[test]
fn qdrant_operations_carry_points_and_deletes() {
    let dir = TempDir::new("export-qdrant");
    let docs = dir.0.join("archive");
    archive(&docs, 3);
    let index = Index::create_in_dir(dir.0.join("idx"), identity()).unwrap();
    ingest(&index, &[&docs], None);
    let (out, summary) = run(&index, None, false, Format::Qdrant);
    let mut ids = HashSet::new();
    for line in lines(&out) {
        let points = line["upsert"]["points"].as_array().expect("an upsert batch");
        assert!(points.len() <= 7, "batches of the requested size");
        for p in points {
            let id = p["id"].as_str().unwrap();
            assert_eq!(id.len(), 36);
            assert_eq!(id.matches('-').count(), 4);
            assert_eq!(p["vector"].as_array().unwrap().len(), 384);
            assert!(p["payload"].get("vector").is_none(), "the vector is not in the payload");
            assert_eq!(p["payload"]["id"], p["id"]);
            let path = p["payload"]["path"].as_str().unwrap();
            let clause = p["payload"]["clause_id"].as_str().unwrap().parse().unwrap();
            assert_eq!(point_id(path, clause), id);
            assert!(ids.insert(id.to_owned()));
        }
    }
    assert_eq!(ids.len() as u64, summary.upserts);
    std::fs::remove_file(docs.join("c00.txt")).unwrap();
    ingest(&index, &[&docs], None);
    let (out, s) = run(&index, Some(&summary.cursor), false, Format::Qdrant);
    let deleted: Vec<String> = lines(&out)
        .iter()
        .flat_map(|l| {
            l["delete"]["points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(deleted.len() as u64, s.deletes);
    assert!(deleted.iter().all(|d| ids.contains(d)));
    let config = export::qdrant_collection(&index.manifest().model);
    assert_eq!(config["collection"]["vectors"]["size"], 384);
    assert_eq!(config["collection"]["vectors"]["distance"], "Cosine");
}

#[test]
fn a_damaged_removal_log_fails_verify() {
    let dir = TempDir::new("export-changes-verify");
    let docs = dir.0.join("archive");
    archive(&docs, 2);
    let index = Index::create_in_dir(dir.0.join("idx"), identity()).unwrap();
    ingest(&index, &[&docs], None);
    std::fs::remove_file(docs.join("c00.txt")).unwrap();
    ingest(&index, &[&docs], None);
    let v = index.verify().unwrap();
    assert_eq!(v.removal_logs, 1);
    let log = std::fs::read_dir(dir.0.join("idx/changes")).unwrap().next().unwrap().unwrap().path();
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(&log, text.replace("c00", "c0x")).unwrap();
    let err = index.verify().unwrap_err();
    assert!(err.to_string().contains("removal log"), "{err}");
}
