//! The crate's one error type.
//!
//! Every fallible function in the library returns [`Error`], an opaque wrapper around an
//! [`ErrorKind`]. The kind is `#[non_exhaustive]`, so new failure modes can be added without
//! breaking callers. Each error also knows whose fault it is ([`Fault`]): a caller passing bad
//! arguments, a malformed document, the environment (I/O, devices), or a bug in clausal. The CLI
//! picks its exit code and its wording from the fault.

use std::fmt;
use std::path::{Path, PathBuf};

/// A `Result` whose error defaults to [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from clausal.
///
/// Inspect it with [`Error::kind`] or take it apart with [`Error::into_kind`]; ask
/// [`Error::fault`] who should act on it.
pub struct Error(Box<ErrorKind>);

/// Who caused an error, and so who can fix it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// The caller: an invalid argument, option or configuration.
    User,
    /// The input: a malformed, hostile or unsupported document or model file.
    Input,
    /// The environment: I/O, devices, resources.
    Runtime,
    /// clausal itself. Please file a bug report.
    Bug,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file failed.
    #[error("i/o error on {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An embedding model directory could not be loaded.
    #[error("cannot load model from {}: {message}", path.display())]
    ModelLoad {
        /// The model directory or file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The tokenizer rejected a text.
    #[error("tokenizer error: {0}")]
    Tokenizer(String),
    /// The model failed while computing embeddings.
    #[error("inference error: {0}")]
    Inference(String),
    /// The requested compute device cannot be used.
    #[error("device {device} is unavailable: {reason}")]
    DeviceUnavailable {
        /// The device asked for, e.g. `cuda:0`.
        device: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// An argument or option is invalid.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A document exceeded one of the extraction `Limits` (`ExtractOptions::limits`).
    #[error("{source_name}: limit {limit} exceeded ({actual} > {max})")]
    LimitExceeded {
        /// The document: a path, or a path with `#attachment-N`.
        source_name: String,
        /// The field of `Limits` (`ExtractOptions::limits`) that was exceeded, e.g. `max_part_bytes`.
        limit: &'static str,
        /// The limit.
        max: u64,
        /// What the document needed, as far as it was read.
        actual: u64,
    },
    /// A document is encrypted and cannot be opened with an empty password.
    #[error("{source_name}: encrypted, and the empty password does not open it")]
    Encrypted {
        /// The document.
        source_name: String,
    },
    /// A document is not well-formed.
    #[error("{source_name}: malformed document: {message}")]
    MalformedDocument {
        /// The document.
        source_name: String,
        /// What is wrong, and where.
        message: String,
    },
    /// Another writer holds the index (in this process or another).
    #[error("index {} is locked by another writer", index.display())]
    IndexLocked {
        /// The index directory.
        index: PathBuf,
    },
    /// An index directory is damaged, or is not an index.
    #[error("index {} is damaged: {message}", index.display())]
    IndexCorrupt {
        /// The index directory (or file).
        index: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The index was built with another embedding model.
    #[error("index {} holds vectors of {expected}, not of {found}", index.display())]
    ModelMismatch {
        /// The index directory.
        index: PathBuf,
        /// The index's model.
        expected: String,
        /// The model offered.
        found: String,
    },
    /// The full-text index failed.
    #[error("index {}: {message}", index.display())]
    Index {
        /// The index directory.
        index: PathBuf,
        /// tantivy's message.
        message: String,
    },
    /// A search query is malformed, too long or too deep.
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// clausal broke one of its own invariants.
    #[error("internal error (please report it): {0}")]
    Internal(String),
    /// A database (the review store) failed: it cannot be opened, read or written, or another
    /// process held it too long.
    #[error("database error on {}: {message}", path.display())]
    Database {
        /// The database file.
        path: PathBuf,
        /// What SQLite reported.
        message: String,
    },
    /// A stored file is of a format or version this build does not read.
    #[error("{}: incompatible format: {message}", path.display())]
    IncompatibleFormat {
        /// The file.
        path: PathBuf,
        /// What was found, and what this build reads.
        message: String,
    },
    /// The review store's hash chain is broken: an entry was changed, removed, inserted or
    /// moved outside clausal.
    #[error("{}: integrity violation{}: {message}", path.display(), seq.map(|s| format!(" at entry {s}")).unwrap_or_default())]
    IntegrityViolation {
        /// The store.
        path: PathBuf,
        /// The first entry that is wrong, where one is.
        seq: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// A risk rule pack is malformed: a TOML syntax error, an unknown field, kind or concept.
    #[error("{origin}:{line}:{column}: {message}")]
    RulePack {
        /// The file, or `builtin` for the pack compiled into the crate.
        origin: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A clause library file or entry is wrong: a TOML syntax error, an unknown field or
    /// clause kind, a duplicate id, versions that do not form one line of succession.
    #[error("{origin}:{line}:{column}: {message}")]
    Library {
        /// The file, or `starter` for the library compiled into the crate.
        origin: String,
        /// 1-based line of the error (1 when the place is a whole file).
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A document's format, or a feature it uses, is not supported.
    #[error("{source_name}: unsupported: {message}")]
    UnsupportedFormat {
        /// The document.
        source_name: String,
        /// What is not supported.
        message: String,
    },
}

impl Error {
    /// The kind of this error.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Unwraps the kind of this error.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// The name of the error's kind: its [`ErrorKind`] variant, e.g. `"LimitExceeded"` (what
    /// reports and bindings show to tell kinds apart).
    pub fn kind_name(&self) -> String {
        let debug = format!("{:?}", self.kind());
        debug.split([' ', '(', '{']).next().unwrap_or("").to_owned()
    }

    /// Who caused this error.
    pub fn fault(&self) -> Fault {
        match *self.0 {
            ErrorKind::Io { .. }
            | ErrorKind::DeviceUnavailable { .. }
            | ErrorKind::IndexLocked { .. }
            | ErrorKind::IndexCorrupt { .. }
            | ErrorKind::Index { .. }
            | ErrorKind::Database { .. } => Fault::Runtime,
            ErrorKind::ModelLoad { .. }
            | ErrorKind::Tokenizer(_)
            | ErrorKind::LimitExceeded { .. }
            | ErrorKind::Encrypted { .. }
            | ErrorKind::MalformedDocument { .. }
            | ErrorKind::UnsupportedFormat { .. }
            | ErrorKind::IncompatibleFormat { .. }
            | ErrorKind::IntegrityViolation { .. } => Fault::Input,
            ErrorKind::InvalidArgument(_)
            | ErrorKind::InvalidQuery(_)
            | ErrorKind::RulePack { .. }
            | ErrorKind::Library { .. }
            | ErrorKind::ModelMismatch { .. } => Fault::User,
            ErrorKind::Inference(_) | ErrorKind::Internal(_) => Fault::Bug,
        }
    }

    pub(crate) fn io(path: impl AsRef<Path>, source: std::io::Error) -> Error {
        Error::from(ErrorKind::Io { path: path.as_ref().to_path_buf(), source })
    }

    pub(crate) fn model_load(path: impl AsRef<Path>, message: impl fmt::Display) -> Error {
        Error::from(ErrorKind::ModelLoad {
            path: path.as_ref().to_path_buf(),
            message: message.to_string(),
        })
    }

    pub(crate) fn tokenizer(message: impl fmt::Display) -> Error {
        Error::from(ErrorKind::Tokenizer(message.to_string()))
    }

    pub(crate) fn inference(source: candle_core::Error) -> Error {
        Error::from(ErrorKind::Inference(source.to_string()))
    }

    pub(crate) fn inference_message(message: impl fmt::Display) -> Error {
        Error::from(ErrorKind::Inference(message.to_string()))
    }

    pub(crate) fn device_unavailable(
        device: impl fmt::Display,
        reason: impl fmt::Display,
    ) -> Error {
        Error::from(ErrorKind::DeviceUnavailable {
            device: device.to_string(),
            reason: reason.to_string(),
        })
    }

    pub(crate) fn limit(source: &str, limit: &'static str, max: u64, actual: u64) -> Error {
        Error::from(ErrorKind::LimitExceeded { source_name: source.to_owned(), limit, max, actual })
    }

    pub(crate) fn unsupported(source: &str, message: impl fmt::Display) -> Error {
        Error::from(ErrorKind::UnsupportedFormat {
            source_name: source.to_owned(),
            message: message.to_string(),
        })
    }

    pub(crate) fn index(dir: impl AsRef<Path>, e: tantivy::TantivyError) -> Error {
        Error::from(ErrorKind::Index { index: dir.as_ref().to_path_buf(), message: e.to_string() })
    }

    pub(crate) fn index_corrupt(dir: impl AsRef<Path>, message: impl fmt::Display) -> Error {
        Error::from(ErrorKind::IndexCorrupt {
            index: dir.as_ref().to_path_buf(),
            message: message.to_string(),
        })
    }

    pub(crate) fn database(path: impl AsRef<Path>, message: impl fmt::Display) -> Error {
        Error::from(ErrorKind::Database {
            path: path.as_ref().to_path_buf(),
            message: message.to_string(),
        })
    }

    pub(crate) fn invalid_query(message: impl fmt::Display) -> Error {
        Error::from(ErrorKind::InvalidQuery(message.to_string()))
    }

    pub(crate) fn bug(message: impl fmt::Display) -> Error {
        Error::from(ErrorKind::Internal(message.to_string()))
    }

    pub(crate) fn incompatible_format(path: impl AsRef<Path>, message: impl fmt::Display) -> Error {
        Error::from(ErrorKind::IncompatibleFormat {
            path: path.as_ref().to_path_buf(),
            message: message.to_string(),
        })
    }

    pub(crate) fn integrity(
        path: impl AsRef<Path>,
        seq: Option<u64>,
        message: impl fmt::Display,
    ) -> Error {
        Error::from(ErrorKind::IntegrityViolation {
            path: path.as_ref().to_path_buf(),
            seq,
            message: message.to_string(),
        })
    }

    pub(crate) fn invalid_argument(message: impl fmt::Display) -> Error {
        Error::from(ErrorKind::InvalidArgument(message.to_string()))
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)?;
        if self.fault() == Fault::Bug {
            f.write_str(" (this is a bug in clausal; please file a bug report)")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0)
    }
}

/// 1-based line and column (in characters) of a byte offset, for errors that name a place in
/// a file.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_small_and_thread_safe() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn faults_and_messages() {
        let e = Error::device_unavailable("cuda:0", "built without the `cuda` feature");
        assert_eq!(e.fault(), Fault::Runtime);
        assert_eq!(e.to_string(), "device cuda:0 is unavailable: built without the `cuda` feature");
        let e = Error::invalid_argument("batch size must be at least 1");
        assert_eq!(e.fault(), Fault::User);
        let e = Error::inference(candle_core::Error::Msg("shape mismatch".into()));
        assert_eq!(e.fault(), Fault::Bug);
        assert!(e.to_string().ends_with("please file a bug report)"));
    }
}
