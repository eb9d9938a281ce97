//! The bounded zip reader, for DOCX packages and zip archives.
//!
//! A DOCX file is a zip archive of XML parts. Archives are untrusted: they may declare false
//! sizes, inflate a few bytes into gigabytes, or carry millions of entries. This module opens
//! the archive only after counting its entries from the end-of-central-directory record, and
//! reads every part through `take(limit + 1)`, so that the size actually decompressed (never the
//! size the archive declares) is compared with `max_part_bytes` and with `max_zip_ratio` times the
//! compressed size. Every part read is charged to the [`Budget`]. Encrypted OOXML files are OLE
//! compound files, not zips, and are recognised by their magic bytes.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use crate::extract::draft::{Attachment, Budget, Draft, ExtractError};

/// The OLE compound-file signature (legacy .doc, and encrypted OOXML packages).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Parts this small are never refused for their compression ratio: tiny XML parts made of
/// repeated markup legitimately compress very well.
const RATIO_FLOOR_BYTES: u64 = 64 * 1024;

/// An opened zip archive (a DOCX package, or an archive of documents) whose entry count has
/// been checked.
pub(crate) struct Package<'a> {
    zip: ::zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Lower-cased entry name (without a leading '/') -> index in the archive.
    names: HashMap<String, usize>,
}

fn malformed(what: impl std::fmt::Display) -> ExtractError {
    ExtractError::Malformed(format!("zip: {what}"))
}

/// Classifies a non-zip input: encrypted OOXML, legacy .doc, or garbage.
fn classify_non_zip(bytes: &[u8]) -> ExtractError {
    if bytes.starts_with(&OLE_MAGIC) {
        // Stream names in an OLE directory are UTF-16LE; compare without regard to ASCII case.
        let needle = b"encryptioninfo";
        let found = bytes.windows(needle.len() * 2).any(|w| {
            needle.iter().enumerate().all(|(k, n)| {
                w.get(2 * k).is_some_and(|b| b.to_ascii_lowercase() == *n)
                    && w.get(2 * k + 1) == Some(&0)
            })
        });
        if found {
            return ExtractError::Encrypted;
        }
        return ExtractError::Unsupported("legacy .doc (OLE compound file), not DOCX".into());
    }
    if bytes.starts_with(b"{\\rtf") {
        return ExtractError::Unsupported("RTF, not DOCX".into());
    }
    malformed("not a zip archive (no end-of-central-directory record)")
}

fn le_u16(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u64::from(u16::from_le_bytes([s[0], s[1]])))
}

fn le_u64(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

/// Reads the number of entries the archive's end-of-central-directory record declares, without
/// parsing the central directory. `None` when there is no such record.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let search_from = bytes.len().saturating_sub(22 + 65_535);
    let tail = bytes.get(search_from..)?;
    let pos = tail.windows(4).rposition(|w| w == EOCD)? + search_from;
    let entries = le_u16(bytes, pos + 10)?;
    if entries != 0xFFFF {
        return Some(entries);
    }
    // Zip64: the locator sits just before the EOCD record and points at the zip64 EOCD.
    let loc = pos.checked_sub(20)?;
    if bytes.get(loc..loc + 4)? != b"PK\x06\x07" {
        return Some(entries);
    }
    let z64 = usize::try_from(le_u64(bytes, loc + 8)?).ok()?;
    if bytes.get(z64..z64.checked_add(4)?)? != b"PK\x06\x06" {
        return Some(entries);
    }
    le_u64(bytes, z64 + 32)
}

impl<'a> Package<'a> {
    /// Opens `bytes` as a zip archive after checking its size and entry count.
    pub(crate) fn open(bytes: &'a [u8], budget: &Budget) -> Result<Package<'a>, ExtractError> {
        let limits = &budget.limits;
        if bytes.len() as u64 > limits.max_bytes {
            return Err(ExtractError::Limit {
                limit: "max_bytes",
                max: limits.max_bytes,
                actual: bytes.len() as u64,
            });
        }
        if !bytes.starts_with(b"PK") {
            return Err(classify_non_zip(bytes));
        }
        let declared = declared_entries(bytes).ok_or_else(|| classify_non_zip(bytes))?;
        let max = u64::from(limits.max_zip_entries);
        if declared > max {
            return Err(ExtractError::Limit { limit: "max_zip_entries", max, actual: declared });
        }
        let zip = ::zip::ZipArchive::new(Cursor::new(bytes)).map_err(malformed)?;
        if zip.len() as u64 > max {
            return Err(ExtractError::Limit {
                limit: "max_zip_entries",
                max,
                actual: zip.len() as u64,
            });
        }
        let mut names = HashMap::new();
        for i in 0..zip.len() {
            if let Some(name) = zip.name_for_index(i) {
                let key = name.trim_start_matches('/').replace('\\', "/").to_ascii_lowercase();
                names.entry(key).or_insert(i);
            }
        }
        Ok(Package { zip, names })
    }

    /// Whether the archive has a part of this name (case-insensitive).
    #[cfg_attr(not(feature = "docx"), allow(dead_code))]
    pub(crate) fn has(&self, name: &str) -> bool {
        self.names.contains_key(&name.trim_start_matches('/').to_ascii_lowercase())
    }

    /// All part names (lower-cased), sorted.
    pub(crate) fn part_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.names.keys().cloned().collect();
        v.sort();
        v
    }

    /// Reads one part, or `Ok(None)` when the archive has no part of that name. The decompressed
    /// size is bounded by `max_part_bytes` and by `max_zip_ratio` x the compressed size, and is
    /// charged to `budget`.
    pub(crate) fn read(
        &mut self,
        name: &str,
        budget: &mut Budget,
    ) -> Result<Option<Vec<u8>>, ExtractError> {
        budget.check()?;
        let Some(&index) = self.names.get(&name.trim_start_matches('/').to_ascii_lowercase())
        else {
            return Ok(None);
        };
        let max_part = budget.limits.max_part_bytes;
        let ratio = u64::from(budget.limits.max_zip_ratio);
        let mut file = self.zip.by_index(index).map_err(|e| match e {
            ::zip::result::ZipError::UnsupportedArchive(
                ::zip::result::ZipError::PASSWORD_REQUIRED,
            ) => ExtractError::Encrypted,
            e => malformed(format!("{name}: {e}")),
        })?;
        if file.encrypted() {
            return Err(ExtractError::Encrypted);
        }
        let compressed = file.compressed_size();
        let ratio_limit = ratio.saturating_mul(compressed).max(RATIO_FLOOR_BYTES);
        let limit = max_part.min(ratio_limit);
        let mut out = Vec::new();
        (&mut file)
            .take(limit.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| malformed(format!("{name}: {e}")))?;
        let actual = out.len() as u64;
        if actual > limit {
            // Count what was inflated before refusing it (see `Budget::charge`); the error that
            // names this part's own limit follows.
            let _ = budget.charge(actual);
        }
        if actual > max_part {
            return Err(ExtractError::Limit { limit: "max_part_bytes", max: max_part, actual });
        }
        if actual > ratio_limit {
            return Err(ExtractError::Limit {
                limit: "max_zip_ratio",
                max: ratio,
                actual: actual / compressed.max(1),
            });
        }
        budget.charge(actual)?;
        Ok(Some(out))
    }
}

/// Reads every file of a zip archive, through the bounds of [`Package::read`], as attachments:
/// the driver extracts each one that is a supported format. Entry names are metadata only.
pub(crate) fn entries(bytes: &[u8], budget: &mut Budget) -> Result<Draft, ExtractError> {
    let mut pkg = Package::open(bytes, budget)?;
    let mut draft = Draft::default();
    for name in pkg.part_names() {
        if name.ends_with('/') {
            continue;
        }
        if let Some(bytes) = pkg.read(&name, budget)? {
            draft.attachments.push(Attachment { name: Some(name), content_type: None, bytes });
        }
    }
    Ok(draft)
}
