//! `clausal.ClauseLibrary`: the index's clause library (approved wording, versions, history).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clausal::library::{LIBRARY_FILE, Library, LibraryStore};
use pyo3::prelude::*;

use crate::errors::{OrRaise, internal};
use crate::index::{kind_of, to_json};

/// The library store of the index folder `dir`: `None` when it has none and `create` is false.
pub(crate) fn store_of(dir: &Path, create: bool) -> clausal::Result<Option<LibraryStore>> {
    let path = dir.join(LIBRARY_FILE);
    if !create && !path.is_file() {
        return Ok(None);
    }
    LibraryStore::open(path).map(Some)
}

/// The clause library kept in an index folder (`library.sqlite`), each change recorded with
/// its author in a hash chain. One connection, used by one thread at a time.
#[pyclass(module = "clausal._clausal", frozen)]
pub struct ClauseLibrary {
    store: Mutex<LibraryStore>,
}

impl ClauseLibrary {
    fn with<T>(&self, f: impl FnOnce(&LibraryStore) -> clausal::Result<T>) -> PyResult<T> {
        let store =
            self.store.lock().map_err(|_| internal("the library lock is poisoned".into()))?;
        f(&store).or_raise()
    }
}

#[pymethods]
impl ClauseLibrary {
    /// Opens the library of the index folder `index_dir`, creating the store when `create`
    /// (else a folder without one raises `IoError`).
    #[new]
    #[pyo3(signature = (index_dir, *, create = false))]
    fn new(py: Python<'_>, index_dir: PathBuf, create: bool) -> PyResult<ClauseLibrary> {
        let store = py.detach(|| store_of(&index_dir, create)).or_raise()?;
        match store {
            Some(store) => Ok(ClauseLibrary { store: Mutex::new(store) }),
            None => Err(crate::errors::io_missing(
                &index_dir.join(LIBRARY_FILE),
                format!(
                    "{} has no clause library (create one with ClauseLibrary(dir, create=True) \
                     and import_starter or import_path)",
                    index_dir.display()
                ),
            )),
        }
    }

    /// The store file.
    #[getter]
    fn path(&self) -> PyResult<PathBuf> {
        self.with(|s| Ok(s.path().to_path_buf()))
    }

    /// The entries, each with its versions (JSON array); only those of `kind` when given.
    #[pyo3(signature = (*, kind = None))]
    fn entries(&self, py: Python<'_>, kind: Option<&str>) -> PyResult<String> {
        let kind = kind.map(kind_of).transpose()?;
        let library = py.detach(|| self.with(|s| s.library()))?;
        let entries: Vec<_> =
            library.entries().filter(|e| kind.is_none_or(|k| e.kind == k)).collect();
        to_json(&entries)
    }

    /// Imports a library folder or file (TOML or Markdown); returns the changes (JSON array).
    #[pyo3(signature = (path, *, author, comment = ""))]
    fn import_path(
        &self,
        py: Python<'_>,
        path: PathBuf,
        author: &str,
        comment: &str,
    ) -> PyResult<String> {
        let changes = py.detach(|| {
            self.with(|s| {
                let library = Library::from_path(&path)?;
                s.import(&library, author, comment)
            })
        })?;
        to_json(&changes)
    }

    /// Imports the starter library that ships with clausal; returns the changes (JSON array).
    #[pyo3(signature = (*, author, comment = ""))]
    fn import_starter(&self, py: Python<'_>, author: &str, comment: &str) -> PyResult<String> {
        let changes =
            py.detach(|| self.with(|s| s.import(&Library::starter(), author, comment)))?;
        to_json(&changes)
    }

    /// Every change, oldest first, or those of entry `id` (JSON array).
    #[pyo3(signature = (*, id = None))]
    fn history(&self, py: Python<'_>, id: Option<&str>) -> PyResult<String> {
        let changes = py.detach(|| {
            self.with(|s| match id {
                Some(id) => s.history_of(id),
                None => s.history(),
            })
        })?;
        to_json(&changes)
    }

    /// Writes the library into a folder, one file per entry (TOML, or Markdown when
    /// `markdown`); returns the number of files.
    #[pyo3(signature = (dir, *, markdown = false))]
    fn export(&self, py: Python<'_>, dir: PathBuf, markdown: bool) -> PyResult<usize> {
        py.detach(|| {
            self.with(|s| {
                let library = s.library()?;
                if markdown { library.export_markdown_dir(&dir) } else { library.export_dir(&dir) }
            })
        })
    }

    /// Checks the hash chain of the changes (JSON).
    fn verify(&self, py: Python<'_>) -> PyResult<String> {
        let v = py.detach(|| self.with(|s| s.verify()))?;
        to_json(&v)
    }
}
