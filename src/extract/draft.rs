//! The contract between the format extractors (pdf, docx, email) and the extraction driver.
//!
//! A format extractor turns the bytes of one file into a [`Draft`]: text blocks in reading order
//! with page provenance, metadata, and the raw bytes of attachments. The driver (not the format
//! extractor) detects formats, assigns document ids, recurses into attachments, and joins blocks
//! into a Document's text. Every extractor charges the work it does to a [`Budget`] and returns
//! [`ExtractError`] instead of panicking, whatever the input.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind};

/// What a block of text is: the public [`BlockKind`](super::BlockKind), shared so that drafts
/// and documents need no conversion.
pub use super::BlockKind;

/// One block of text in reading order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftBlock {
    /// The text. For a numbered DOCX paragraph it starts with the rendered label ("14.2\tForce
    /// Majeure ..."). Lines inside a block are separated by '\n'; no trailing newline.
    pub text: String,
    pub kind: BlockKind,
    /// 1-based page number where the block starts, when the format has pages (PDF).
    pub page: Option<u32>,
    /// The rendered list / heading number ("14.2", "(b)", "Article IV") if any.
    pub label: Option<String>,
}

/// Facts about one page (PDF).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageInfo {
    /// 1-based.
    pub number: u32,
    /// The page has no usable text layer (images only, or glyph soup): it needs OCR (reported,
    /// never silently empty).
    pub needs_ocr: bool,
    /// What OCR read on the page, when it ran.
    pub ocr: Option<super::PageOcr>,
}

/// An embedded file (email attachment, PDF embedded file, ...). The name is metadata only and
/// never becomes a file-system path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// The result of extracting one file (or one message of an mbox).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub title: Option<String>,
    /// Multi-valued metadata. Keys are lower-case: email: "from", "to", "cc", "bcc", "date"
    /// (RFC 3339 when parseable), "subject", "message-id", "in-reply-to", "references";
    /// docx: "header", "footer", "comment" (as "anchor text => comment text"), "author",
    /// "tracked-changes" ("true" when the document carried revisions); pdf: "producer",
    /// "creator", "author", "encrypted" ("true" if opened with the empty password), ...
    pub metadata: BTreeMap<String, Vec<String>>,
    pub blocks: Vec<DraftBlock>,
    /// Empty for formats without pages.
    pub pages: Vec<PageInfo>,
    pub attachments: Vec<Attachment>,
    /// What was dropped or degraded, for the user ("page 3: font F2 has no usable encoding").
    pub warnings: Vec<String>,
}

impl Draft {
    /// Adds a metadata value under `key`; blank values are skipped.
    #[cfg_attr(not(any(feature = "docx", feature = "email")), allow(dead_code))]
    pub fn add_meta(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        if !value.trim().is_empty() {
            self.metadata.entry(key.to_owned()).or_default().push(value);
        }
    }
}

/// Limits on what one document may cost. Every one is checked on sizes actually read or
/// produced, never only on sizes a file declares.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Size of the input file.
    pub max_bytes: u64,
    /// Pages of a PDF.
    pub max_pages: u32,
    /// Decompressed bytes of one part: one PDF stream, one zip entry, one MIME part.
    pub max_part_bytes: u64,
    /// Decompressed bytes of all parts of one document together.
    pub max_total_bytes: u64,
    /// Entries in one zip archive (DOCX is a zip).
    pub max_zip_entries: u32,
    /// Decompressed / compressed size of one zip entry.
    pub max_zip_ratio: u32,
    /// Nesting depth of XML elements (DOCX), and of PDF Form XObjects / dictionaries.
    pub max_xml_depth: u32,
    /// Nesting depth of MIME multiparts and message/rfc822 parts.
    pub max_mime_depth: u32,
    /// Containers inside containers: email -> attachment -> zip -> docx ... (driver's business).
    pub max_container_depth: u32,
    /// Wall time for one document.
    pub max_time: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 256 << 20,
            max_pages: 10_000,
            max_part_bytes: 128 << 20,
            max_total_bytes: 1 << 30,
            max_zip_entries: 10_000,
            max_zip_ratio: 200,
            max_xml_depth: 256,
            max_mime_depth: 32,
            max_container_depth: 4,
            max_time: Duration::from_secs(120),
        }
    }
}

/// OCR of PDF pages that have no usable text layer (images only, or a text layer that is glyph
/// soup), by [Tesseract](https://github.com/tesseract-ocr/tesseract) run as a supervised
/// subprocess (cargo feature `ocr`). Used as `OcrOptions { languages: "eng+deu".into(),
/// ..Default::default() }`; always write the `..Default::default()`: fields may be added.
///
/// When `enabled` is set but Tesseract cannot be started, or clausal was built without the
/// `ocr` feature, the document still extracts and carries a warning naming the pages that have
/// no text ("page 3 has no text layer; OCR is not available: install tesseract-ocr").
#[derive(Clone, Debug)]
pub struct OcrOptions {
    /// Run OCR at all (default on).
    pub enabled: bool,
    /// The `tesseract` program (default: `CLAUSAL_TESSERACT`, else `tesseract` on `PATH`).
    pub tesseract: std::path::PathBuf,
    /// Poppler's `pdftoppm`, which renders pages that are not one plain image (default:
    /// `CLAUSAL_PDFTOPPM`, else `pdftoppm` on `PATH`).
    pub pdftoppm: std::path::PathBuf,
    /// Tesseract language codes joined by `+` (default `eng`).
    pub languages: String,
    /// Resolution pages are rendered at (default 300).
    pub dpi: u32,
    /// Pages OCR'd per document; later pages keep their (missing) text and a warning.
    pub max_pages: u32,
    /// Pixels of one page image: an image declaring more is not handed to a decoder, and a
    /// rendering is made at a lower resolution (down to 100 dpi) to stay under it.
    pub max_pixels: u64,
    /// Wall time of one page (rendering and recognition); the subprocess is killed after it.
    pub page_timeout: Duration,
    /// Address space of one subprocess, bytes (`ulimit -v` on Unix).
    pub max_memory: u64,
}

impl Default for OcrOptions {
    fn default() -> OcrOptions {
        let program = |var: &str, name: &str| {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map_or_else(|| std::path::PathBuf::from(name), std::path::PathBuf::from)
        };
        OcrOptions {
            enabled: true,
            tesseract: program("CLAUSAL_TESSERACT", "tesseract"),
            pdftoppm: program("CLAUSAL_PDFTOPPM", "pdftoppm"),
            languages: "eng".into(),
            dpi: 300,
            max_pages: 2_000,
            max_pixels: 60_000_000,
            page_timeout: Duration::from_secs(60),
            max_memory: 2 << 30,
        }
    }
}

impl OcrOptions {
    /// The OCR engine's version line ("tesseract 5.3.0"), or a message that says why OCR is not
    /// available and how to get it. Checked once per program path and process.
    ///
    /// # Errors
    ///
    /// The message, when Tesseract cannot be run or clausal was built without `ocr`.
    pub fn engine(&self) -> std::result::Result<String, String> {
        #[cfg(all(feature = "ocr", feature = "pdf"))]
        {
            super::ocr::engine(self)
        }
        #[cfg(not(all(feature = "ocr", feature = "pdf")))]
        {
            Err("OCR is not available: clausal was built without its `ocr` feature".into())
        }
    }
}

/// Why a document could not be extracted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtractError {
    /// A limit was exceeded. `limit` names the field of [`Limits`] ("max_part_bytes", ...).
    Limit { limit: &'static str, max: u64, actual: u64 },
    /// Encrypted, and the empty password does not open it.
    Encrypted,
    /// The bytes are not a well-formed file of this format; says what and where.
    Malformed(String),
    /// A well-formed file using a feature clausal does not support (e.g. legacy .doc).
    Unsupported(String),
}

impl std::fmt::Display for ExtractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExtractError::Limit { limit, max, actual } => {
                write!(f, "limit {limit} exceeded: {actual} > {max}")
            }
            ExtractError::Encrypted => {
                f.write_str("encrypted, and the empty password does not open it")
            }
            ExtractError::Malformed(m) => write!(f, "malformed: {m}"),
            ExtractError::Unsupported(m) => write!(f, "unsupported: {m}"),
        }
    }
}

impl std::error::Error for ExtractError {}

impl ExtractError {
    /// The crate's error for this failure of the document named `source`.
    pub(crate) fn into_error(self, source: &str) -> Error {
        let source_name = source.to_owned();
        Error::from(match self {
            ExtractError::Limit { limit, max, actual } => {
                ErrorKind::LimitExceeded { source_name, limit, max, actual }
            }
            ExtractError::Encrypted => ErrorKind::Encrypted { source_name },
            ExtractError::Malformed(message) => {
                ErrorKind::MalformedDocument { source_name, message }
            }
            ExtractError::Unsupported(message) => {
                ErrorKind::UnsupportedFormat { source_name, message }
            }
        })
    }
}

/// The running cost of one document: bytes decompressed so far and the deadline. Extractors
/// call [`Budget::charge`] for every decompressed part and [`Budget::check_time`] in their loops
/// (per page, per content-stream operator batch, per XML event batch, per MIME part).
#[derive(Debug)]
pub struct Budget {
    pub limits: Limits,
    /// Whether and how pages without a text layer are OCR'd.
    pub ocr: OcrOptions,
    decompressed: u64,
    deadline: Instant,
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        let deadline = Instant::now() + limits.max_time;
        Budget { limits, ocr: OcrOptions::default(), decompressed: 0, deadline }
    }

    /// Moves the wall-time deadline later by `spent`: OCR has its own time limits (per page), so
    /// the time it takes is not charged to [`Limits::max_time`].
    #[cfg_attr(not(feature = "ocr"), allow(dead_code))]
    pub fn exclude_time(&mut self, spent: Duration) {
        self.deadline += spent;
    }

    /// Records `bytes` more decompressed bytes of one part. Bytes are counted even when the part
    /// is refused, so that a file full of bombs runs out of budget instead of being retried.
    pub fn charge(&mut self, bytes: u64) -> Result<(), ExtractError> {
        self.decompressed = self.decompressed.saturating_add(bytes);
        if bytes > self.limits.max_part_bytes {
            return Err(ExtractError::Limit {
                limit: "max_part_bytes",
                max: self.limits.max_part_bytes,
                actual: bytes,
            });
        }
        if self.decompressed > self.limits.max_total_bytes {
            return Err(ExtractError::Limit {
                limit: "max_total_bytes",
                max: self.limits.max_total_bytes,
                actual: self.decompressed,
            });
        }
        Ok(())
    }

    /// Fails if the total budget is already spent (call before starting expensive work).
    pub fn check(&self) -> Result<(), ExtractError> {
        if self.decompressed > self.limits.max_total_bytes {
            return Err(ExtractError::Limit {
                limit: "max_total_bytes",
                max: self.limits.max_total_bytes,
                actual: self.decompressed,
            });
        }
        self.check_time()
    }

    /// Fails once the document's wall-time budget is spent.
    pub fn check_time(&self) -> Result<(), ExtractError> {
        if Instant::now() > self.deadline {
            return Err(ExtractError::Limit {
                limit: "max_time",
                max: self.limits.max_time.as_millis() as u64,
                actual: (self.limits.max_time + (Instant::now() - self.deadline)).as_millis()
                    as u64,
            });
        }
        Ok(())
    }
}
