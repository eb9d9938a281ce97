//! The evaluation programs' errors: `anyhow`, as for a program; the engine's own errors pass
//! through with `?` and keep their kind.

use std::fmt;
use std::path::Path;

/// What the evaluation programs return.
pub type Result<T, E = anyhow::Error> = std::result::Result<T, E>;

/// The errors the evaluations raise themselves.
pub(crate) struct Error;

impl Error {
    /// Labelled data that is missing, malformed or inconsistent.
    pub(crate) fn invalid_argument(message: impl fmt::Display) -> anyhow::Error {
        anyhow::anyhow!("{message}")
    }

    /// A file or folder that cannot be read or written, named.
    pub(crate) fn io(path: impl AsRef<Path>, e: std::io::Error) -> anyhow::Error {
        anyhow::Error::new(e).context(format!("{}", path.as_ref().display()))
    }

    /// A broken invariant of the evaluation itself.
    pub(crate) fn bug(message: impl fmt::Display) -> anyhow::Error {
        anyhow::anyhow!("bug in the evaluation: {message}")
    }
}
