//! `clausal.Model`: the embedding model.

use std::path::PathBuf;
use std::sync::Arc;

use clausal::{BertEmbedder, BertEmbedderBuilder, DeviceChoice, Embedder, Engine, Overflow};
use numpy::{PyArray1, PyArray2, PyArrayMethods};
use pyo3::prelude::*;

use crate::errors::OrRaise;

/// A sentence-embedding model (all-MiniLM-L6-v2 unless told otherwise), loaded once and shared
/// by every thread. Embedding releases the GIL.
#[pyclass(module = "clausal._clausal", frozen)]
pub struct Model {
    pub(crate) inner: Arc<BertEmbedder>,
    path: PathBuf,
}

#[pymethods]
impl Model {
    /// Loads the model in `path` (default: `$CLAUSAL_MODEL`, else the model of the clausal
    /// source tree the extension was built from).
    #[new]
    #[pyo3(signature = (path = None, *, device = "cpu", engine = "auto", threads = None, split_long = None))]
    fn new(
        py: Python<'_>,
        path: Option<PathBuf>,
        device: &str,
        engine: &str,
        threads: Option<usize>,
        split_long: Option<usize>,
    ) -> PyResult<Model> {
        let device: DeviceChoice = device.parse().or_raise()?;
        let engine: Engine = engine.parse().or_raise()?;
        let path = path.unwrap_or_else(clausal::default_model_dir);
        let inner = py
            .detach(|| {
                let mut builder = BertEmbedderBuilder::new(&path);
                builder.device(device).engine(engine);
                if let Some(n) = threads {
                    builder.threads(n);
                }
                if let Some(max_windows) = split_long {
                    builder.overflow(Overflow::SplitAverage { max_windows, overlap: 32 });
                }
                builder.build()
            })
            .or_raise()?;
        Ok(Model { inner: Arc::new(inner), path })
    }

    /// The model folder.
    #[getter]
    fn path(&self) -> PathBuf {
        self.path.clone()
    }

    /// The model's identity, e.g. `sentence-transformers/all-MiniLM-L6-v2`.
    #[getter]
    fn model_id(&self) -> String {
        self.inner.model_id().to_owned()
    }

    /// The encoder that runs it (`native` or `candle`).
    #[getter]
    fn engine(&self) -> String {
        self.inner.engine().to_owned()
    }

    /// The number of dimensions of its vectors.
    #[getter]
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    /// The threads it computes with.
    #[getter]
    fn threads(&self) -> usize {
        self.inner.threads()
    }

    /// The L2-normalised embeddings of `texts`, as a `float32` array of shape
    /// `(len(texts), dim)`. The GIL is released while the model runs; the vectors are handed
    /// to NumPy without a copy beyond laying the rows end to end.
    fn embed<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
    ) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let dim = self.inner.dim();
        let flat = py
            .detach(|| {
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                let rows = self.inner.embed(&refs)?;
                let mut flat = Vec::with_capacity(rows.len() * dim);
                for row in rows {
                    flat.extend_from_slice(&row);
                }
                Ok(flat)
            })
            .or_raise()?;
        let n = flat.len() / dim.max(1);
        PyArray1::from_vec(py, flat).reshape([n, dim])
    }

    fn __repr__(&self) -> String {
        format!(
            "Model({:?}, model_id={:?}, engine={:?}, dim={})",
            self.path.display().to_string(),
            self.inner.model_id(),
            self.inner.engine(),
            self.inner.dim()
        )
    }
}
