//! Removal logs: what each commit removed from the index, for incremental exports.
//!
//! ```text
//! <index>/changes/<generation>.json   {"generation": G, "removed": [{"path", "documents", "clauses"}]}
//! ```
//!
//! A commit that removes or replaces files writes its log the way it writes its vector file
//! (temporary name, synced, renamed, directory synced) before tantivy's commit, and the commit
//! payload names it with its checksum. A log no commit names is the leftover of an interrupted
//! commit and is removed by the next writer. Logs are never rewritten.
//!
//! The logs live beside the text index, not in it: records of removed things inside tantivy
//! would count in its term statistics and move BM25 scores.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::vectors::{hex, write_atomically};
use super::{ClauseId, CommitPayload};
use crate::error::{Error, Result};
use crate::extract::DocId;

/// Everything one file held when a commit removed or replaced it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Removal {
    /// The file's key (its path).
    pub(crate) path: String,
    /// Its documents.
    pub(crate) documents: Vec<DocId>,
    /// Their clauses, each with its document.
    pub(crate) clauses: Vec<(ClauseId, DocId)>,
}

#[derive(Serialize, Deserialize)]
struct ChangeFile {
    generation: u32,
    removed: Vec<Removal>,
}

/// A removal log named by a commit.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ChangeFileEntry {
    pub(crate) generation: u32,
    /// Files it lists.
    pub(crate) files: u32,
    pub(crate) sha256: String,
}

pub(crate) const CHANGES_DIR: &str = "changes";

pub(crate) fn file_path(dir: &Path, generation: u32) -> PathBuf {
    dir.join(format!("{generation:010}.json"))
}

/// The generation of a log file name (`0000000007.json`).
pub(crate) fn generation_of(name: &str) -> Option<u32> {
    name.strip_suffix(".json").and_then(|n| n.parse().ok())
}

/// Writes the removal log of `generation` durably; returns its entry for the commit payload.
pub(crate) fn write(dir: &Path, generation: u32, removed: &[Removal]) -> Result<ChangeFileEntry> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let body = ChangeFile { generation, removed: removed.to_vec() };
    let bytes = serde_json::to_vec(&body).map_err(|e| Error::bug(e.to_string()))?;
    write_atomically(&file_path(dir, generation), &bytes)?;
    Ok(ChangeFileEntry {
        generation,
        files: removed.len() as u32,
        sha256: hex(&Sha256::digest(&bytes)),
    })
}

/// The removals of the commits after `since`, oldest first, each log checked against the
/// checksum its commit recorded.
pub(crate) fn read_since(
    index_dir: &Path,
    payload: &CommitPayload,
    since: u32,
) -> Result<Vec<(u32, Removal)>> {
    let dir = index_dir.join(CHANGES_DIR);
    let mut out = Vec::new();
    let mut entries: Vec<&ChangeFileEntry> =
        payload.change_files.iter().filter(|e| e.generation > since).collect();
    entries.sort_by_key(|e| e.generation);
    for entry in entries {
        let (generation, removed) = read_one(index_dir, &dir, entry)?;
        out.extend(removed.into_iter().map(|r| (generation, r)));
    }
    Ok(out)
}

/// Reads and checks one log.
pub(crate) fn read_one(
    index_dir: &Path,
    dir: &Path,
    entry: &ChangeFileEntry,
) -> Result<(u32, Vec<Removal>)> {
    let path = file_path(dir, entry.generation);
    let bytes = std::fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::index_corrupt(
            index_dir,
            format!("the removal log of commit {} is missing", entry.generation),
        ),
        _ => Error::io(&path, e),
    })?;
    if hex(&Sha256::digest(&bytes)) != entry.sha256 {
        return Err(Error::index_corrupt(
            index_dir,
            format!("the removal log of commit {} fails its checksum", entry.generation),
        ));
    }
    let file: ChangeFile = serde_json::from_slice(&bytes).map_err(|e| {
        Error::index_corrupt(
            index_dir,
            format!("the removal log of commit {}: {e}", entry.generation),
        )
    })?;
    if file.generation != entry.generation || file.removed.len() != entry.files as usize {
        return Err(Error::index_corrupt(
            index_dir,
            format!("the removal log of commit {} does not match its commit", entry.generation),
        ));
    }
    Ok((file.generation, file.removed))
}
