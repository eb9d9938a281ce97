//! The export formats, and the index mappings and collection settings they need.

use std::fmt;
use std::io::Write;
use std::str::FromStr;

use serde_json::{Value, json};

use super::{ClauseDocument, ExportSummary, Tombstone};
use crate::error::{Error, Result};
use crate::index::ModelIdentity;

/// How an export is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// One JSON object per line: a clause with `"op":"upsert"`, a removed clause with
    /// `"op":"delete"`, and a last line with `"op":"commit"` and the cursor.
    Ndjson,
    /// OpenSearch `_bulk` actions (`index` with the clause as its source, `delete`), without
    /// `_index`: post them to `/<index>/_bulk`. Mapping: [`opensearch_mapping`].
    OpenSearch,
    /// Elasticsearch `_bulk` actions, as [`Format::OpenSearch`]. Mapping:
    /// [`elasticsearch_mapping`].
    Elasticsearch,
    /// Qdrant point operations, one per line: `{"upsert":{"points":[...]}}` (a batch of points
    /// with their vectors and payloads) and `{"delete":{"points":[ids]}}`, each an item of
    /// the `operations` of `POST /collections/<name>/points/batch`. Collection:
    /// [`qdrant_collection`].
    Qdrant,
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Format> {
        match s {
            "ndjson" => Ok(Format::Ndjson),
            "opensearch" => Ok(Format::OpenSearch),
            "elasticsearch" => Ok(Format::Elasticsearch),
            "qdrant" => Ok(Format::Qdrant),
            _ => Err(Error::invalid_argument(format!(
                "export format {s:?}: expected ndjson, opensearch, elasticsearch or qdrant"
            ))),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Ndjson => "ndjson",
            Format::OpenSearch => "opensearch",
            Format::Elasticsearch => "elasticsearch",
            Format::Qdrant => "qdrant",
        })
    }
}

fn io(e: std::io::Error) -> Error {
    Error::io("export output", e)
}

fn json_err(e: serde_json::Error) -> Error {
    Error::bug(format!("serialising an export record: {e}"))
}

/// Streams records in one format; buffers at most one Qdrant batch.
pub(super) struct Writer<'a> {
    format: Format,
    out: &'a mut dyn Write,
    batch: usize,
    points: Vec<u8>,
    in_batch: usize,
    deletes: Vec<String>,
    buf: Vec<u8>,
}

impl<'a> Writer<'a> {
    pub(super) fn new(format: Format, out: &'a mut dyn Write, batch: usize) -> Writer<'a> {
        Writer {
            format,
            out,
            batch,
            points: Vec::new(),
            in_batch: 0,
            deletes: Vec::new(),
            buf: Vec::new(),
        }
    }

    /// Encodes a clause for `format`: whole lines for NDJSON and bulk actions, one point
    /// object for Qdrant (which [`Writer::upsert`] batches). Pure, so clauses are encoded on
    /// all cores.
    pub(super) fn encode(format: Format, mut doc: ClauseDocument) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(8192);
        match format {
            Format::Ndjson => {
                serde_json::to_writer(&mut buf, &doc).map_err(json_err)?;
                close_with_op(&mut buf, "upsert")?;
            }
            Format::OpenSearch | Format::Elasticsearch => {
                buf.extend_from_slice(br#"{"index":{"_id":"#);
                serde_json::to_writer(&mut buf, &doc.id).map_err(json_err)?;
                buf.extend_from_slice(b"}}\n");
                serde_json::to_writer(&mut buf, &doc).map_err(json_err)?;
                buf.push(b'\n');
            }
            Format::Qdrant => {
                buf.extend_from_slice(br#"{"id":"#);
                serde_json::to_writer(&mut buf, &doc.id).map_err(json_err)?;
                if let Some(v) = doc.vector.take() {
                    buf.extend_from_slice(br#","vector":"#);
                    serde_json::to_writer(&mut buf, &v).map_err(json_err)?;
                }
                buf.extend_from_slice(br#","payload":"#);
                serde_json::to_writer(&mut buf, &doc).map_err(json_err)?;
                buf.push(b'}');
            }
        }
        Ok(buf)
    }

    /// Writes a clause [`Writer::encode`] encoded.
    pub(super) fn upsert(&mut self, encoded: &[u8]) -> Result<()> {
        match self.format {
            Format::Qdrant => {
                self.flush_deletes()?;
                if self.in_batch > 0 {
                    self.points.push(b',');
                }
                self.points.extend_from_slice(encoded);
                self.in_batch += 1;
                if self.in_batch >= self.batch {
                    self.flush_points()?;
                }
                Ok(())
            }
            _ => self.out.write_all(encoded).map_err(io),
        }
    }

    pub(super) fn delete(&mut self, t: &Tombstone) -> Result<()> {
        self.buf.clear();
        match self.format {
            Format::Ndjson => {
                serde_json::to_writer(&mut self.buf, t).map_err(json_err)?;
                close_with_op(&mut self.buf, "delete")?;
                self.out.write_all(&self.buf).map_err(io)
            }
            Format::OpenSearch | Format::Elasticsearch => {
                self.buf.extend_from_slice(br#"{"delete":{"_id":"#);
                serde_json::to_writer(&mut self.buf, &t.id).map_err(json_err)?;
                self.buf.extend_from_slice(b"}}\n");
                self.out.write_all(&self.buf).map_err(io)
            }
            Format::Qdrant => {
                self.flush_points()?;
                self.deletes.push(t.id.clone());
                if self.deletes.len() >= self.batch {
                    self.flush_deletes()?;
                }
                Ok(())
            }
        }
    }

    fn flush_points(&mut self) -> Result<()> {
        if self.in_batch == 0 {
            return Ok(());
        }
        self.out.write_all(br#"{"upsert":{"points":["#).map_err(io)?;
        self.out.write_all(&self.points).map_err(io)?;
        self.out.write_all(b"]}}\n").map_err(io)?;
        self.points.clear();
        self.in_batch = 0;
        Ok(())
    }

    fn flush_deletes(&mut self) -> Result<()> {
        if self.deletes.is_empty() {
            return Ok(());
        }
        let line = json!({ "delete": { "points": self.deletes } });
        serde_json::to_writer(&mut *self.out, &line).map_err(json_err)?;
        self.out.write_all(b"\n").map_err(io)?;
        self.deletes.clear();
        Ok(())
    }

    pub(super) fn finish(&mut self, summary: &ExportSummary, model: &ModelIdentity) -> Result<()> {
        self.flush_points()?;
        self.flush_deletes()?;
        if self.format == Format::Ndjson {
            let line = json!({
                "op": "commit",
                "cursor": summary.cursor.to_string(),
                "upserts": summary.upserts,
                "deletes": summary.deletes,
                "model": model,
            });
            serde_json::to_writer(&mut *self.out, &line).map_err(json_err)?;
            self.out.write_all(b"\n").map_err(io)?;
        }
        self.out.flush().map_err(io)
    }
}

/// Ends the JSON object in `buf` with an `op` member and a newline: `{...,"op":"upsert"}`.
/// (Appending at the end costs nothing; inserting at the front would move the whole record.)
fn close_with_op(buf: &mut Vec<u8>, op: &str) -> Result<()> {
    if buf.pop() != Some(b'}') {
        return Err(Error::bug("an export record is not a JSON object"));
    }
    buf.extend_from_slice(br#","op":""#);
    buf.extend_from_slice(op.as_bytes());
    buf.extend_from_slice(b"\"}\n");
    Ok(())
}

const DATE_FORMAT: &str = "strict_date||yyyy-MM||yyyy";

/// The fields of an exported clause, without the vector, as OpenSearch / Elasticsearch
/// properties. `dynamic: strict` in the mappings makes the engine refuse a document with a
/// field not listed here.
fn properties() -> serde_json::Map<String, Value> {
    let keyword = || json!({ "type": "keyword" });
    let text = || json!({ "type": "text", "analyzer": "english" });
    let integer = || json!({ "type": "integer" });
    let date = || json!({ "type": "date", "format": DATE_FORMAT });
    let mut p = serde_json::Map::new();
    for k in [
        "id",
        "clause_id",
        "doc_id",
        "path",
        "source",
        "doc_kind",
        "doc_role",
        "number",
        "kind_ids",
        "parties",
        "governing_law",
        "flagged_rules",
        "confirmed_rules",
        "dismissed_rules",
        "document_flags",
        "model",
    ] {
        p.insert(k.into(), keyword());
    }
    for k in ["title", "heading", "text"] {
        p.insert(k.into(), text());
    }
    for k in ["ordinal", "page_start", "page_end"] {
        p.insert(k.into(), integer());
    }
    p.insert("generation".into(), json!({ "type": "long" }));
    p.insert("amounts".into(), json!({ "type": "double" }));
    p.insert("date".into(), date());
    p.insert(
        "kinds".into(),
        json!({ "type": "nested", "properties": {
            "kind": { "type": "keyword" }, "score": { "type": "float" } } }),
    );
    // Facts keep their spans and typed values for display; they are stored, not indexed
    // (the flat fields above are what queries filter on).
    p.insert("facts".into(), json!({ "type": "object", "enabled": false }));
    p.insert(
        "key_dates".into(),
        json!({ "properties": {
            "effective": date(),
            "expiry": date(),
            "auto_renews": { "type": "boolean" },
            "renewal_term_days": integer(),
            "renewal_notice_days": integer(),
            "termination_notice_days": integer(),
        } }),
    );
    p.insert(
        "flags".into(),
        json!({ "type": "nested", "properties": {
            "rule": { "type": "keyword" },
            "version": { "type": "keyword" },
            "score": { "type": "float" },
            "flagged": { "type": "boolean" },
            "missing": { "type": "keyword" },
            "review": { "type": "keyword" },
        } }),
    );
    p
}

/// The OpenSearch index body (settings and mapping) for an export of an index built with
/// `model`: a `knn_vector` of the model's dimension compared by cosine (HNSW, Lucene engine),
/// keyword fields for kinds, rules and parties, date fields for dates.
pub fn opensearch_mapping(model: &ModelIdentity) -> Value {
    let mut p = properties();
    p.insert(
        "vector".into(),
        json!({
            "type": "knn_vector",
            "dimension": model.dim,
            "method": { "name": "hnsw", "space_type": "cosinesimil", "engine": "lucene" },
        }),
    );
    json!({
        "settings": { "index": { "knn": true } },
        "mappings": { "dynamic": "strict", "_meta": meta(model), "properties": p },
    })
}

/// The Elasticsearch index body for an export of an index built with `model`: a
/// `dense_vector` of the model's dimension, indexed, cosine similarity.
pub fn elasticsearch_mapping(model: &ModelIdentity) -> Value {
    let mut p = properties();
    p.insert(
        "vector".into(),
        json!({ "type": "dense_vector", "dims": model.dim, "index": true, "similarity": "cosine" }),
    );
    json!({ "mappings": { "dynamic": "strict", "_meta": meta(model), "properties": p } })
}

fn meta(model: &ModelIdentity) -> Value {
    json!({ "clausal_model": model, "clausal_version": env!("CARGO_PKG_VERSION") })
}

/// An OpenSearch search pipeline for hybrid queries (a `hybrid` query with a BM25 `match` on
/// `text` and a `knn` on `vector`): scores of each leg min-max normalised, then combined by a
/// weighted arithmetic mean, BM25 weighted `bm25_weight`.
pub fn opensearch_search_pipeline(bm25_weight: f32) -> Value {
    let w = bm25_weight.clamp(0.0, 1.0);
    json!({
        "description": "clausal hybrid search: BM25 and kNN, min-max normalised, weighted mean",
        "phase_results_processors": [{
            "normalization-processor": {
                "normalization": { "technique": "min_max" },
                "combination": {
                    "technique": "arithmetic_mean",
                    "parameters": { "weights": [w, 1.0 - w] },
                },
            },
        }],
    })
}

/// The Qdrant collection for an export of an index built with `model`: `collection` is the
/// body of `PUT /collections/<name>` (one unnamed dense vector, the model's dimension,
/// cosine), `payload_indexes` the bodies of `PUT /collections/<name>/index` for the fields
/// queries filter on.
pub fn qdrant_collection(model: &ModelIdentity) -> Value {
    let keyword = [
        "doc_id",
        "path",
        "kind_ids",
        "flagged_rules",
        "confirmed_rules",
        "dismissed_rules",
        "document_flags",
        "doc_role",
        "governing_law",
        "parties",
    ];
    let mut indexes: Vec<Value> =
        keyword.iter().map(|f| json!({ "field_name": f, "field_schema": "keyword" })).collect();
    indexes.push(json!({ "field_name": "generation", "field_schema": "integer" }));
    indexes.push(json!({ "field_name": "text", "field_schema": "text" }));
    json!({
        "collection": { "vectors": { "size": model.dim, "distance": "Cosine" } },
        "payload_indexes": indexes,
        "clausal_model": model,
    })
}
