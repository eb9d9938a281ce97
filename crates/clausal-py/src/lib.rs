//! Python bindings of clausal (PyO3, CPython's stable ABI from 3.10): the engine's own code
//! behind a Python API, built into one abi3 wheel by maturin.
//!
//! This crate is the native half, `clausal._clausal`; the Python package around it
//! (`python/clausal`) turns the JSON each call returns into result objects, so that a Python
//! result is the very value the CLI's `--json` prints. Every call that reads, writes, embeds or
//! searches releases the GIL. The engine itself knows nothing of Python (docs/adr/012).

// Python methods take keyword arguments, one per option of the CLI command they mirror.
#![allow(clippy::too_many_arguments)]

mod errors;
mod extract;
mod index;
mod library;
mod model;
mod review;
mod risk;

use pyo3::prelude::*;

/// The native module.
#[pymodule]
fn _clausal(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_class::<model::Model>()?;
    m.add_class::<index::Index>()?;
    m.add_class::<risk::RiskEngine>()?;
    m.add_class::<review::ReviewStore>()?;
    m.add_class::<library::ClauseLibrary>()?;
    m.add_function(wrap_pyfunction!(extract::extract, m)?)?;
    m.add_function(wrap_pyfunction!(extract::clauses, m)?)?;
    m.add_function(wrap_pyfunction!(extract::kinds, m)?)?;
    m.add_function(wrap_pyfunction!(extract::text_hash, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("INDEX_FORMAT_VERSION", clausal::INDEX_FORMAT_VERSION)?;
    Ok(())
}
