//! The output folder: made safe to (re)write, and what was written into it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// The file that marks a folder as a report (so that a new report may replace it).
pub(crate) const MARKER: &str = ".clausal-report";

/// Makes `out` ready: created when missing; an earlier report's files removed; refused when it
/// holds anything else.
pub(crate) fn prepare(out: &Path) -> Result<()> {
    if out.exists() {
        if !out.is_dir() {
            return Err(Error::NotAReport(out.to_owned()));
        }
        let mut entries = std::fs::read_dir(out).map_err(|e| Error::io(out, e))?.peekable();
        if entries.peek().is_some() {
            if !out.join(MARKER).is_file() {
                return Err(Error::NotAReport(out.to_owned()));
            }
            for entry in entries {
                let entry = entry.map_err(|e| Error::io(out, e))?;
                let path = entry.path();
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let ours = matches!(name.as_ref(), "doc" | "assets" | "index.html" | MARKER)
                    || ((name.starts_with("documents-") || name.starts_with("deadlines-"))
                        && name.ends_with(".html"));
                if !ours {
                    continue;
                }
                let removed = if entry.file_type().map_err(|e| Error::io(&path, e))?.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
                removed.map_err(|e| Error::io(&path, e))?;
            }
        }
    }
    for dir in [out.to_owned(), out.join("doc"), out.join("assets").join("data")] {
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    Ok(())
}

/// Writes files under a root and keeps the figures the summary reports.
pub(crate) struct Out {
    root: PathBuf,
    written: Mutex<Written>,
}

/// The files written.
#[derive(Debug, Default)]
pub(crate) struct Written {
    pub(crate) root: PathBuf,
    pub(crate) files: usize,
    pub(crate) bytes: u64,
    pub(crate) largest: (PathBuf, u64),
}

impl Out {
    pub(crate) fn new(root: &Path) -> Out {
        Out { root: root.to_owned(), written: Mutex::new(Written::default()) }
    }

    /// Writes `bytes` to `rel` (a `/`-separated path under the root, made by the report).
    pub(crate) fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = rel.split('/').fold(self.root.clone(), |p, part| p.join(part));
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        let mut w = self.written.lock().unwrap_or_else(|e| e.into_inner());
        w.files += 1;
        w.bytes += bytes.len() as u64;
        if bytes.len() as u64 > w.largest.1 {
            w.largest = (path, bytes.len() as u64);
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Written {
        let mut w = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        w.root = self.root;
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_folder_that_is_not_a_report_and_replaces_one_that_is() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("thesis.docx"), b"x").unwrap();
        assert!(matches!(prepare(&out), Err(Error::NotAReport(_))));
        assert!(out.join("thesis.docx").exists(), "nothing removed");

        let out = dir.path().join("report");
        prepare(&out).unwrap();
        let w = Out::new(&out);
        w.write("doc/old.html", b"old").unwrap();
        w.write("documents-9.html", b"old").unwrap();
        w.write(MARKER, b"").unwrap();
        std::fs::write(out.join("notes.txt"), b"mine").unwrap();
        prepare(&out).unwrap();
        assert!(!out.join("doc/old.html").exists() && !out.join("documents-9.html").exists());
        assert!(out.join("notes.txt").exists(), "only the report's own files are removed");
        assert!(out.join("assets/data").is_dir());
    }
}
