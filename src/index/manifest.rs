//! `manifest.json`: what an index directory is and which model made its vectors.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ModelIdentity;
use super::vectors::{sync_dir, write_atomically};
use crate::error::{Error, Result};

/// The on-disk format version this clausal reads and writes. 2: clauses store the kinds the
/// classifier nearly assigned (`near_kinds`), for risk rules' review queue.
pub const FORMAT_VERSION: u32 = 2;

pub(crate) const MANIFEST_FILE: &str = "manifest.json";

/// The manifest of an index: written once when the index is created, never changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Manifest {
    /// [`INDEX_FORMAT_VERSION`](crate::index::FORMAT_VERSION) of the clausal that created the index.
    pub format_version: u32,
    /// The embedding model of every vector in the index.
    pub model: ModelIdentity,
    /// The clausal version that created the index.
    pub created_by: String,
    /// Lower-case hex SHA-256 of the other fields' canonical JSON: a damaged manifest is caught
    /// when the index opens.
    pub checksum: String,
}

#[derive(Serialize)]
struct Checksummed<'a> {
    format_version: u32,
    model: &'a ModelIdentity,
    created_by: &'a str,
}

impl Manifest {
    pub(crate) fn new(model: ModelIdentity) -> Manifest {
        let mut m = Manifest {
            format_version: FORMAT_VERSION,
            model,
            created_by: format!("clausal {}", env!("CARGO_PKG_VERSION")),
            checksum: String::new(),
        };
        m.checksum = m.compute_checksum();
        m
    }

    fn compute_checksum(&self) -> String {
        let body = Checksummed {
            format_version: self.format_version,
            model: &self.model,
            created_by: &self.created_by,
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        Sha256::digest(&json).iter().map(|b| format!("{b:02x}")).collect()
    }

    pub(crate) fn write(&self, dir: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::bug(e.to_string()))?;
        write_atomically(&dir.join(MANIFEST_FILE), &json)?;
        sync_dir(dir)
    }

    pub(crate) fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join(MANIFEST_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::index_corrupt(dir, "no manifest.json: not a clausal index"));
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        let m: Manifest = serde_json::from_slice(&bytes)
            .map_err(|e| Error::index_corrupt(dir, format!("manifest.json: {e}")))?;
        if m.format_version != FORMAT_VERSION {
            return Err(Error::index_corrupt(
                dir,
                format!(
                    "format version {} (this clausal reads version {FORMAT_VERSION})",
                    m.format_version
                ),
            ));
        }
        if m.checksum != m.compute_checksum() {
            return Err(Error::index_corrupt(dir, "manifest.json fails its checksum"));
        }
        Ok(m)
    }
}
