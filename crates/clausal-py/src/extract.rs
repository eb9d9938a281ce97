//! Single files: `extract`, `clauses`; the taxonomy (`kinds`) and `text_hash`.

use std::path::PathBuf;

use clausal::{ClauseKind, Document, ExtractOptions, TextHash};
use pyo3::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::errors::{OrRaise, internal, invalid};
use crate::index::to_json;

/// Extraction limits a caller overrides (`limits={"max_bytes": ..., "max_time": 5.0}`), as
/// JSON; the others keep the engine's defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LimitsSpec {
    max_bytes: Option<u64>,
    max_pages: Option<u32>,
    max_part_bytes: Option<u64>,
    max_total_bytes: Option<u64>,
    max_zip_entries: Option<u32>,
    max_zip_ratio: Option<u32>,
    max_xml_depth: Option<u32>,
    max_mime_depth: Option<u32>,
    max_container_depth: Option<u32>,
    /// Seconds.
    max_time: Option<f64>,
}

/// Extraction options with the limits of `limits` (JSON) applied.
pub(crate) fn options(
    all_text: bool,
    original: bool,
    ocr: bool,
    limits: Option<&str>,
) -> PyResult<ExtractOptions> {
    let mut options = ExtractOptions {
        keep_furniture: all_text,
        original_revisions: original,
        ocr: clausal::OcrOptions { enabled: ocr, ..Default::default() },
        ..Default::default()
    };
    let Some(json) = limits else { return Ok(options) };
    let spec: LimitsSpec =
        serde_json::from_str(json).map_err(|e| invalid(format!("limits: {e}")))?;
    let l = &mut options.limits;
    macro_rules! set {
        ($($f:ident),*) => { $(if let Some(v) = spec.$f { l.$f = v; })* };
    }
    set!(
        max_bytes,
        max_pages,
        max_part_bytes,
        max_total_bytes,
        max_zip_entries,
        max_zip_ratio,
        max_xml_depth,
        max_mime_depth,
        max_container_depth
    );
    if let Some(secs) = spec.max_time {
        l.max_time = std::time::Duration::try_from_secs_f64(secs)
            .map_err(|_| invalid(format!("limits: max_time {secs} is not a number of seconds")))?;
    }
    Ok(options)
}

/// Reads `path`, or `data` named `path`, into documents.
fn read(
    py: Python<'_>,
    path: PathBuf,
    data: Option<Vec<u8>>,
    options: &ExtractOptions,
) -> PyResult<Vec<Document>> {
    py.detach(|| match &data {
        Some(bytes) => clausal::extract_bytes(bytes, &path.display().to_string(), options),
        None => clausal::extract(&path, options),
    })
    .or_raise()
}

/// The documents in a file (an email gives itself and its attachments), as `clausal extract
/// --json` prints them (JSON array). With `data`, those bytes are read, named `path`. `ocr`
/// reads PDF pages without a text layer with Tesseract when it is installed.
#[pyfunction]
#[pyo3(signature = (path, *, data = None, all_text = false, original = false, ocr = true, limits = None))]
pub fn extract(
    py: Python<'_>,
    path: PathBuf,
    data: Option<Vec<u8>>,
    all_text: bool,
    original: bool,
    ocr: bool,
    limits: Option<&str>,
) -> PyResult<String> {
    to_json(&read(py, path, data, &options(all_text, original, ocr, limits)?)?)
}

/// The documents of a file, each with its role and its typed clauses (text, kinds, facts)
/// as `clausal clauses --json` prints them (JSON array).
#[pyfunction]
#[pyo3(signature = (path, *, data = None, limits = None))]
pub fn clauses(
    py: Python<'_>,
    path: PathBuf,
    data: Option<Vec<u8>>,
    limits: Option<&str>,
) -> PyResult<String> {
    let docs = read(py, path, data, &options(false, false, true, limits)?)?;
    let out = py
        .detach(|| -> clausal::Result<serde_json::Value> {
            let classifier = clausal::Classifier::bundled()?;
            let mut out = Vec::with_capacity(docs.len());
            for doc in &docs {
                let clauses = clausal::segment(doc);
                let analysis = classifier.analyze(doc, &clauses);
                let mut typed = Vec::with_capacity(clauses.len());
                for (clause, t) in clauses.iter().zip(&analysis.clauses) {
                    let mut value = serde_json::to_value(clause).unwrap_or_default();
                    value["doc"] = json!(doc.id);
                    value["source"] = json!(doc.source);
                    value["text"] = json!(doc.text.get(clause.span.clone()).unwrap_or(""));
                    value["kinds"] = json!(t.kinds);
                    value["facts"] = json!(t.facts);
                    typed.push(value);
                }
                out.push(json!({
                    "doc": doc.id, "source": doc.source, "kind": doc.kind,
                    "role": analysis.role, "clauses": typed,
                }));
            }
            Ok(serde_json::Value::Array(out))
        })
        .or_raise()?;
    serde_json::to_string(&out).map_err(|e| internal(e.to_string()))
}

/// The clause taxonomy, as `clausal kinds --json` prints it (JSON array).
#[pyfunction]
pub fn kinds() -> PyResult<String> {
    let kinds: Vec<_> = ClauseKind::ALL
        .iter()
        .map(|kind| {
            let info = kind.info();
            json!({
                "id": info.id,
                "name": info.name,
                "definition": info.definition,
                "cuad_category": info.cuad_category,
                "ledgar_labels": info.ledgar_labels,
            })
        })
        .collect();
    to_json(&kinds)
}

/// The hash under which review decisions about a clause text are kept.
#[pyfunction]
pub fn text_hash(text: &str) -> String {
    TextHash::of(text).to_string()
}
