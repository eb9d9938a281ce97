//! The report's error type.

use std::path::PathBuf;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the index or the review store failed.
    #[error("reading the index: {0}")]
    Index(#[source] clausal::Error),
    /// A file or folder of the report could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The output folder holds files that are not a report: nothing is overwritten.
    #[error(
        "{} is not empty and is not a clausal report: choose an empty or new folder",
        .0.display()
    )]
    NotAReport(PathBuf),
    /// A [`ReportOptions`](crate::ReportOptions) value is out of range.
    #[error("invalid report option: {0}")]
    InvalidOption(String),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}

/// `Result` with the report's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
