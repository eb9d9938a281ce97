//! The engine's errors as Python exceptions: one class per [`ErrorKind`], all under
//! `clausal.ClausalError`, each instance carrying `kind`, `fault` and the kind's fields.

use clausal::{Error, ErrorKind, Fault};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    _clausal,
    ClausalError,
    PyException,
    "Any error of the clausal engine. `kind` names the engine's error kind (\"LimitExceeded\", ...), \
     `fault` says who can fix it (\"user\", \"input\", \"runtime\" or \"bug\")."
);

macro_rules! kinds {
    ($($name:ident: $doc:literal,)*) => {
        $(create_exception!(_clausal, $name, ClausalError, $doc);)*

        /// Adds the exception classes to the module.
        pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
            let py = m.py();
            m.add("ClausalError", py.get_type::<ClausalError>())?;
            $(m.add(stringify!($name), py.get_type::<$name>())?;)*
            Ok(())
        }

        /// The exception for an error kind, by the kind's name.
        fn new_err(kind: &str, message: String) -> PyErr {
            match kind {
                $(stringify!($name) => $name::new_err(message),)*
                _ => ClausalError::new_err(message),
            }
        }
    };
}

kinds! {
    IoError: "Reading or writing a file failed (`path`).",
    ModelLoad: "An embedding model folder could not be loaded (`path`).",
    Tokenizer: "The tokenizer rejected a text.",
    Inference: "The model failed while computing embeddings.",
    DeviceUnavailable: "The requested compute device cannot be used (`device`).",
    InvalidArgument: "An argument or option is invalid.",
    LimitExceeded: "A document exceeded an extraction limit (`source`, `limit`, `max`, `actual`).",
    Encrypted: "A document is encrypted and the empty password does not open it (`source`).",
    MalformedDocument: "A document is not well-formed (`source`).",
    IndexLocked: "Another writer holds the index (`path`).",
    IndexCorrupt: "An index folder is damaged, or is not an index (`path`).",
    ModelMismatch: "The index was built with another embedding model (`expected`, `found`).",
    IndexFailure: "The full-text index failed (`path`).",
    InvalidQuery: "A search query is malformed, too long or too deep.",
    Internal: "clausal broke one of its own invariants: please report it.",
    DatabaseError: "A database (review store, clause library) failed (`path`).",
    IncompatibleFormat: "A file was written by an incompatible version of clausal.",
    IntegrityViolation: "A tamper-evident store failed verification.",
    RulePackError: "A rule pack is invalid.",
    LibraryError: "A clause library file or store is invalid.",
    UnsupportedFormat: "A file's format is not one clausal reads (`source`).",
}

/// The Python name of an error kind, and the fields the exception carries.
/// Attribute names and values of an exception.
type Fields = Vec<(&'static str, Py<PyAny>)>;

fn describe(kind: &ErrorKind) -> (&'static str, Fields) {
    Python::attach(|py| {
        let s = |v: &str| v.into_pyobject(py).map(|o| o.into_any().unbind()).ok();
        let path = |p: &std::path::Path| s(&p.display().to_string());
        let n = |v: u64| v.into_pyobject(py).map(|o| o.into_any().unbind()).ok();
        #[allow(clippy::type_complexity)]
        let (name, fields): (&str, Vec<(&str, Option<Py<PyAny>>)>) = match kind {
            ErrorKind::Io { path: p, .. } => ("IoError", vec![("path", path(p))]),
            ErrorKind::ModelLoad { path: p, .. } => ("ModelLoad", vec![("path", path(p))]),
            ErrorKind::Tokenizer(_) => ("Tokenizer", vec![]),
            ErrorKind::Inference(_) => ("Inference", vec![]),
            ErrorKind::DeviceUnavailable { device, .. } => {
                ("DeviceUnavailable", vec![("device", s(device))])
            }
            ErrorKind::InvalidArgument(_) => ("InvalidArgument", vec![]),
            ErrorKind::LimitExceeded { source_name, limit, max, actual } => (
                "LimitExceeded",
                vec![
                    ("source", s(source_name)),
                    ("limit", s(limit)),
                    ("max", n(*max)),
                    ("actual", n(*actual)),
                ],
            ),
            ErrorKind::Encrypted { source_name } => ("Encrypted", vec![("source", s(source_name))]),
            ErrorKind::MalformedDocument { source_name, .. } => {
                ("MalformedDocument", vec![("source", s(source_name))])
            }
            ErrorKind::IndexLocked { index } => ("IndexLocked", vec![("path", path(index))]),
            ErrorKind::IndexCorrupt { index, .. } => ("IndexCorrupt", vec![("path", path(index))]),
            ErrorKind::ModelMismatch { index, expected, found } => (
                "ModelMismatch",
                vec![("path", path(index)), ("expected", s(expected)), ("found", s(found))],
            ),
            ErrorKind::Index { index, .. } => ("IndexFailure", vec![("path", path(index))]),
            ErrorKind::InvalidQuery(_) => ("InvalidQuery", vec![]),
            ErrorKind::Internal(_) => ("Internal", vec![]),
            ErrorKind::Database { path: p, .. } => ("DatabaseError", vec![("path", path(p))]),
            ErrorKind::IncompatibleFormat { .. } => ("IncompatibleFormat", vec![]),
            ErrorKind::IntegrityViolation { .. } => ("IntegrityViolation", vec![]),
            ErrorKind::RulePack { .. } => ("RulePackError", vec![]),
            ErrorKind::Library { .. } => ("LibraryError", vec![]),
            ErrorKind::UnsupportedFormat { source_name, .. } => {
                ("UnsupportedFormat", vec![("source", s(source_name))])
            }
            _ => ("ClausalError", vec![]),
        };
        (name, fields.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect())
    })
}

/// `err` as the Python exception of its kind.
pub fn to_py(err: Error) -> PyErr {
    let (class, fields) = describe(err.kind());
    let fault = match err.fault() {
        Fault::User => "user",
        Fault::Input => "input",
        Fault::Runtime => "runtime",
        Fault::Bug => "bug",
        _ => "unknown",
    };
    let e = own(class, &err.kind_name(), fault, err.to_string());
    Python::attach(|py| {
        let value = e.value(py);
        for (k, v) in fields {
            let _ = value.setattr(k, v);
        }
    });
    e
}

/// `?` for engine results inside binding code.
pub trait OrRaise<T> {
    /// The value, or the engine's error as a Python exception.
    fn or_raise(self) -> PyResult<T>;
}

impl<T> OrRaise<T> for clausal::Result<T> {
    fn or_raise(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

/// An exception of class `class` with the `kind` and `fault` attributes every clausal
/// exception carries. Setting attributes on a fresh exception instance cannot fail short of
/// memory exhaustion; the exception is still raised, without them, if it does.
fn own(class: &str, kind: &str, fault: &str, message: String) -> PyErr {
    let e = new_err(class, message);
    Python::attach(|py| {
        let value = e.value(py);
        let _ = value.setattr("kind", kind);
        let _ = value.setattr("fault", fault);
    });
    e
}

/// `InvalidArgument`: the caller passed something the engine cannot take.
pub fn invalid(message: impl std::fmt::Display) -> PyErr {
    own("InvalidArgument", "InvalidArgument", "user", format!("invalid argument: {message}"))
}

/// `InvalidQuery`.
pub fn invalid_query(message: String) -> PyErr {
    own("InvalidQuery", "InvalidQuery", "user", format!("invalid query: {message}"))
}

/// `Internal`: a result that cannot be serialised, which would be a bug.
pub fn internal(message: String) -> PyErr {
    own("Internal", "Internal", "bug", format!("internal error (please report it): {message}"))
}

/// `IoError` for a path that does not exist.
pub fn io_missing(path: &std::path::Path, message: String) -> PyErr {
    let e = own("IoError", "Io", "user", message);
    Python::attach(|py| {
        let _ = e.value(py).setattr("path", path.display().to_string());
    });
    e
}
