//! Vector files: the embeddings one commit added, immutable once written.
//!
//! ```text
//! offset 0   b"CLAUSALV"      magic
//!        8   u32 LE           file format version (1)
//!       12   u32 LE           dimension
//!       16   u64 LE           rows
//!       24   u64 LE           reserved (0)
//!       32   rows x dim f32 LE
//! ```
//!
//! Files are mapped read-only with memmap2 (see [`map_file`] for why that is sound here);
//! [`VectorFile::open_buffered`] reads one into memory instead.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::{Score, SegmentOrdinal, SegmentReader};

use super::records::VEC_FIELD;

use crate::error::{Error, Result};

const MAGIC: &[u8; 8] = b"CLAUSALV";
const VERSION: u32 = 1;
const HEADER: usize = 32;

/// Where a clause's vector is: a commit generation and a row of its vector file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct VectorKey(pub(crate) u64);

impl VectorKey {
    pub(crate) fn new(generation: u32, row: u32) -> VectorKey {
        VectorKey((u64::from(generation) << 32) | u64::from(row))
    }

    pub(crate) fn generation(self) -> u32 {
        (self.0 >> 32) as u32
    }

    pub(crate) fn row(self) -> u32 {
        self.0 as u32
    }
}

pub(crate) fn file_path(dir: &Path, generation: u32) -> PathBuf {
    dir.join(format!("{generation:08}.vec"))
}

/// The generation of a file name written by [`file_path`].
pub(crate) fn generation_of(name: &str) -> Option<u32> {
    name.strip_suffix(".vec").filter(|s| s.len() == 8).and_then(|s| s.parse().ok())
}

enum Storage {
    #[cfg(target_endian = "little")]
    Mapped(memmap2::Mmap),
    Heap(Vec<f32>),
}

/// One vector file, opened.
pub(crate) struct VectorFile {
    storage: Storage,
    dim: usize,
    rows: usize,
}

impl VectorFile {
    /// Maps the file at `path`, whose vectors must have `dim` dimensions (reads it where it
    /// cannot be mapped).
    pub(crate) fn open(path: &Path, dim: usize) -> Result<VectorFile> {
        #[cfg(target_endian = "little")]
        {
            let file = File::open(path).map_err(|e| Error::io(path, e))?;
            match map_file(&file) {
                Ok(map) => {
                    let rows = check_header(path, &map, dim)?;
                    Ok(VectorFile { storage: Storage::Mapped(map), dim, rows })
                }
                Err(e) => {
                    // Some file systems cannot map files: read it instead.
                    tracing::debug!(path = %path.display(), error = %e, "cannot map; reading");
                    VectorFile::open_buffered(path, dim)
                }
            }
        }
        #[cfg(not(target_endian = "little"))]
        {
            VectorFile::open_buffered(path, dim)
        }
    }

    /// Reads the file at `path` into memory.
    pub(crate) fn open_buffered(path: &Path, dim: usize) -> Result<VectorFile> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let rows = check_header(path, &bytes, dim)?;
        let data = bytes[HEADER..]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Ok(VectorFile { storage: Storage::Heap(data), dim, rows })
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// All vectors, row after row.
    pub(crate) fn data(&self) -> &[f32] {
        match &self.storage {
            #[cfg(target_endian = "little")]
            Storage::Mapped(map) => bytemuck::cast_slice(&map[HEADER..]),
            Storage::Heap(v) => v,
        }
    }

    /// The vector of `row`.
    pub(crate) fn row(&self, row: u32) -> Option<&[f32]> {
        let start = (row as usize).checked_mul(self.dim)?;
        self.data().get(start..start + self.dim)
    }

    /// Lower-case hex SHA-256 of the vector bytes.
    pub(crate) fn checksum(&self) -> String {
        let mut h = Sha256::new();
        match &self.storage {
            #[cfg(target_endian = "little")]
            Storage::Mapped(map) => h.update(&map[HEADER..]),
            Storage::Heap(v) => {
                for x in v {
                    h.update(x.to_le_bytes());
                }
            }
        }
        hex(&h.finalize())
    }
}

fn check_header(path: &Path, bytes: &[u8], dim: usize) -> Result<usize> {
    let bad = |m: &str| Error::index_corrupt(path, format!("vector file: {m}"));
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err(bad("not a clausal vector file"));
    }
    let u32_at =
        |o: usize| u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
    if u32_at(8) != VERSION {
        return Err(bad("unknown version"));
    }
    if u32_at(12) as usize != dim {
        return Err(bad(&format!("dimension {} (index: {dim})", u32_at(12))));
    }
    let mut r = [0u8; 8];
    r.copy_from_slice(&bytes[16..24]);
    let rows = u64::from_le_bytes(r);
    let expected = (rows as u128) * (dim as u128) * 4 + HEADER as u128;
    if expected != bytes.len() as u128 {
        return Err(bad(&format!("{} bytes for {rows} rows of {dim} (truncated?)", bytes.len())));
    }
    Ok(rows as usize)
}

/// Maps a vector file read-only.
///
/// # Safety
///
/// Not an unsafe function to call, but it holds one of the crate's two `unsafe` blocks (the
/// other is the gemm call of the native encoder): memmap2 cannot promise that nobody changes the
/// file while it is mapped. clausal never writes to, truncates or replaces a vector file that a commit
/// names (files are written under a temporary name and renamed into place before the commit),
/// so within clausal the mapping stays valid. See `docs/adr/003-index-storage.md`.
#[cfg(target_endian = "little")]
#[allow(unsafe_code)]
fn map_file(file: &File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the file is opened read-only and clausal never modifies a committed vector file
    // (write-once, replace-by-rename); modification by another program is outside the contract
    // of the index directory, as for tantivy's own memory-mapped segment files.
    unsafe { memmap2::Mmap::map(file) }
}

/// Writes `rows` vectors of `dim` (flattened in `data`) as the vector file of `generation`:
/// to a temporary name, synced, renamed into place, directory synced. Returns the checksum.
pub(crate) fn write_file(dir: &Path, generation: u32, dim: usize, data: &[f32]) -> Result<String> {
    let rows = data.len() / dim.max(1);
    let mut bytes = Vec::with_capacity(HEADER + data.len() * 4);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&(dim as u32).to_le_bytes());
    bytes.extend_from_slice(&(rows as u64).to_le_bytes());
    bytes.extend_from_slice(&0u64.to_le_bytes());
    let mut h = Sha256::new();
    let start = bytes.len();
    for x in data {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    h.update(&bytes[start..]);
    write_atomically(&file_path(dir, generation), &bytes)?;
    Ok(hex(&h.finalize()))
}

/// Writes `bytes` to `path` through `path.tmp`: written, synced, renamed, directory synced.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
        f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
    if let Some(dir) = path.parent() {
        sync_dir(dir)?;
    }
    Ok(())
}

/// Makes a directory's entries (renames, new files) durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::io(dir, e))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `vec` fast-field values of the documents matching `query`.
pub(crate) fn collect_keys(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
) -> tantivy::Result<Vec<VectorKey>> {
    searcher.search(query, &KeyCollector)
}

struct KeyCollector;

struct KeySegmentCollector {
    column: Column<u64>,
    keys: Vec<VectorKey>,
}

impl Collector for KeyCollector {
    type Fruit = Vec<VectorKey>;
    type Child = KeySegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<KeySegmentCollector> {
        Ok(KeySegmentCollector { column: reader.fast_fields().u64(VEC_FIELD)?, keys: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<VectorKey>>) -> tantivy::Result<Vec<VectorKey>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for KeySegmentCollector {
    type Fruit = Vec<VectorKey>;

    fn collect(&mut self, doc: tantivy::DocId, _score: Score) {
        if let Some(v) = self.column.first(doc) {
            self.keys.push(VectorKey(v));
        }
    }

    fn harvest(self) -> Vec<VectorKey> {
        self.keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_open_mapped_and_buffered() {
        let dir = std::env::temp_dir().join(format!("clausal-vec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let data: Vec<f32> = (0..12).map(|i| i as f32 * 0.5).collect();
        let sum = write_file(&dir, 3, 4, &data).unwrap();
        let path = file_path(&dir, 3);
        for vf in
            [VectorFile::open(&path, 4).unwrap(), VectorFile::open_buffered(&path, 4).unwrap()]
        {
            assert_eq!(vf.rows(), 3);
            assert_eq!(vf.row(1).unwrap(), &[2.0, 2.5, 3.0, 3.5]);
            assert!(vf.row(3).is_none());
            assert_eq!(vf.checksum(), sum);
        }
        assert!(VectorFile::open(&path, 5).is_err());
        // A truncated file is refused, not read short.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 4]).unwrap();
        assert!(VectorFile::open(&path, 4).is_err());
        assert_eq!(generation_of("00000003.vec"), Some(3));
        assert_eq!(generation_of("3.vec"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn keys_round_trip() {
        let k = VectorKey::new(7, 123_456);
        assert_eq!((k.generation(), k.row()), (7, 123_456));
    }
}
