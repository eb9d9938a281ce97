//! From files to [`Document`]s: clean text in reading order, with provenance.
//!
//! A legal archive holds PDF and DOCX contracts, emails (EML, mbox, Outlook MSG) with their
//! attachments, and plain text. [`extract`] reads any of them, choosing the format by content
//! (magic bytes), not by file name, and returns one [`Document`] per logical document: a file,
//! each message of an mbox, and every attachment that is itself a supported format (a *child*
//! document whose [`Document::parent`] names the message it came from, recursively up to a depth
//! limit).
//!
//! A document's text is the concatenation of its [`Block`]s (paragraphs, headings, numbered list
//! items, table rows, notes) separated by blank lines; each block records its byte span in the
//! text and its page. PDF page furniture (running headers and footers, page numbers) is kept out
//! of the text unless [`ExtractOptions::keep_furniture`] is set.
//!
//! # Untrusted input
//!
//! Every file is hostile until proven otherwise. [`Limits`] bounds what one document may cost
//! (bytes, pages, decompressed bytes per part and in total, zip entries and compression ratio,
//! XML and MIME nesting, container depth, wall time), checked on sizes actually read and before
//! a third-party parser sees the input. A violation is a per-document
//! [`ErrorKind::LimitExceeded`](crate::error::ErrorKind::LimitExceeded) naming the limit; nothing a
//! document contains can panic. Attachment names are metadata only and never become paths.

mod archive;
mod codepage;
#[cfg(feature = "doc")]
mod doc;
#[cfg(feature = "docx")]
mod docx;
pub(crate) mod draft;
#[cfg(feature = "email")]
mod email;
#[cfg(any(feature = "docx", feature = "doc", feature = "odt"))]
mod numbers;
#[cfg(all(feature = "ocr", feature = "pdf"))]
mod ocr;
#[cfg(feature = "odt")]
mod odt;
#[cfg(feature = "pdf")]
mod pdf;
pub(crate) mod rtf;
pub(crate) mod subject;
mod text;
#[cfg(any(feature = "docx", feature = "odt"))]
mod xml;

pub(crate) use text::plain_blocks;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use draft::{Attachment, Budget, Draft, ExtractError};
pub use draft::{Limits, OcrOptions};

use crate::error::{Error, ErrorKind};

/// Identifies a document by its content: the first 64 bits of the SHA-256 of its bytes. The same
/// file is the same document wherever it is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct DocId(pub u64);

impl DocId {
    /// The id of a document with these bytes.
    pub fn of_bytes(bytes: &[u8]) -> DocId {
        let digest = Sha256::digest(bytes);
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        DocId(u64::from_be_bytes(first))
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl From<DocId> for String {
    fn from(id: DocId) -> String {
        id.to_string()
    }
}

impl TryFrom<String> for DocId {
    type Error = std::num::ParseIntError;

    fn try_from(s: String) -> Result<DocId, Self::Error> {
        u64::from_str_radix(&s, 16).map(DocId)
    }
}

/// The format a document was extracted from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum DocKind {
    /// A PDF file.
    Pdf,
    /// A Word (OOXML) document.
    Docx,
    /// A Word 97-2003 binary document (`.doc`).
    Doc,
    /// A Rich Text Format document.
    Rtf,
    /// An OpenDocument text document (`.odt`).
    Odt,
    /// An email message: an EML file, one message of an mbox, or an Outlook MSG.
    Email,
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DocKind::Pdf => "pdf",
            DocKind::Docx => "docx",
            DocKind::Doc => "doc",
            DocKind::Rtf => "rtf",
            DocKind::Odt => "odt",
            DocKind::Email => "email",
            DocKind::Text => "text",
            DocKind::Markdown => "markdown",
        })
    }
}

/// What a block of text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BlockKind {
    /// Body text.
    Paragraph,
    /// A heading or title.
    Heading,
    /// A numbered or bulleted paragraph; [`Block::label`] holds the rendered number.
    ListItem,
    /// One table row, cells separated by `" | "`.
    TableRow,
    /// A footnote or endnote.
    Note,
    /// PDF page furniture: a running header or footer, or a page number.
    Furniture,
    /// Text of an earlier message that an email reply quotes (`>` lines and their attribution,
    /// an Outlook copy of the original): shown in the text, but no clause is made of it.
    Quote,
}

/// Where a piece of text sits: a byte range of [`Document::text`] and, for paged formats, the
/// 1-based page it starts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    /// First byte, inclusive.
    pub byte_start: usize,
    /// Last byte, exclusive.
    pub byte_end: usize,
    /// The page, for PDF.
    pub page: Option<u32>,
}

/// A block of a document's text with its provenance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Where it is in the text.
    pub span: Span,
    /// The rendered list or heading number ("14.2", "(b)"), for DOCX numbering.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Facts about one page of a paged document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageInfo {
    /// 1-based page number.
    pub number: u32,
    /// The page has no usable text layer: it shows images and has no text, or its text layer is
    /// glyph soup (a font without a Unicode mapping). Its text comes from OCR when
    /// [`PageInfo::ocr`] is set; otherwise the document's warnings say why not, so that an
    /// empty page is never mistaken for a blank one.
    pub needs_ocr: bool,
    /// What OCR read on the page, when it ran ([`OcrOptions`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr: Option<PageOcr>,
}

/// The OCR of one page: which engine read it, how sure it was, and where each word is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageOcr {
    /// The engine and its version ("tesseract 5.3.0").
    pub engine: String,
    /// The engine's language codes ("eng").
    pub languages: String,
    /// Resolution of the image read, pixels per inch.
    pub dpi: u32,
    /// `true` when the page was rendered to an image; `false` when its own image was read.
    pub rendered: bool,
    /// Mean word confidence, 0 to 1.
    pub confidence: f32,
    /// The words in reading order.
    pub words: Vec<OcrWord>,
}

/// A word read by OCR.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OcrWord {
    /// The word as read.
    pub text: String,
    /// `[left, top, right, bottom]` in points from the top-left corner of the page as shown
    /// (after `/Rotate`).
    pub bbox: [f32; 4],
    /// The engine's confidence, 0 to 1.
    pub confidence: f32,
}

/// One extracted document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Document {
    /// Content hash of the source bytes.
    pub id: DocId,
    /// Where it came from: a path, `PATH#message-N` for an mbox message, or
    /// `PARENT#attachment-N` for an attachment.
    pub source: String,
    /// The format.
    pub kind: DocKind,
    /// The title: PDF/DOCX properties, an email subject, a Markdown heading.
    pub title: Option<String>,
    /// Multi-valued metadata with lower-case keys (email headers such as `from`, `to`, `date`,
    /// `subject`, `message-id`; DOCX `header`, `footer`, `comment`; `attachment` names; ...).
    pub metadata: BTreeMap<String, Vec<String>>,
    /// The message this document is an attachment of.
    pub parent: Option<DocId>,
    /// The text in reading order, blocks separated by a blank line.
    pub text: String,
    /// The blocks of [`Document::text`], in order, with spans and pages.
    pub blocks: Vec<Block>,
    /// Pages, for paged formats (empty otherwise).
    pub pages: Vec<PageInfo>,
    /// What was dropped or degraded while extracting (unreadable fonts, failed attachments...).
    pub warnings: Vec<String>,
}

impl Document {
    /// A document of `text` with the given blocks and no metadata (tests, evaluations).
    pub(crate) fn from_blocks(id: DocId, text: String, blocks: Vec<Block>) -> Document {
        Document {
            id,
            source: String::new(),
            kind: DocKind::Text,
            title: None,
            metadata: BTreeMap::new(),
            parent: None,
            text,
            blocks,
            pages: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// A document of pdftotext-style text: blocks are runs of non-blank lines, and a form feed
    /// starts a new page.
    pub fn from_plain_text(id: DocId, text: String) -> Document {
        let blocks = text::plain_blocks(&text);
        Document::from_blocks(id, text, blocks)
    }
}

/// Options for [`extract`], used as `ExtractOptions { keep_furniture: true,
/// ..Default::default() }`. Always write the `..Default::default()`: fields may be added.
#[derive(Clone, Debug, Default)]
pub struct ExtractOptions {
    /// What one document may cost.
    pub limits: Limits,
    /// Keep PDF page furniture (running headers, footers, page numbers) in place in the text, as
    /// `pdftotext` does. By default it is kept out of the text (its blocks stay, as
    /// [`BlockKind::Furniture`], only with `keep_furniture`).
    pub keep_furniture: bool,
    /// For DOCX with tracked changes: the original text (deletions in, insertions out) instead
    /// of the text with all changes accepted.
    pub original_revisions: bool,
    /// OCR of PDF pages without a usable text layer (on by default; needs the `ocr` feature and
    /// Tesseract at run time).
    pub ocr: OcrOptions,
}

/// Extracts the documents in a file.
///
/// Returns the file's document(s) followed by their attachments' documents (depth first).
/// Attachments that fail to extract, or are not a supported format, are listed in the parent's
/// [`Document::warnings`] and its `attachment` metadata; the call still succeeds.
///
/// # Errors
///
/// [`ErrorKind::Io`](crate::error::ErrorKind::Io) if the file cannot be read, and the document errors
/// of [`extract_bytes`].
pub fn extract(
    path: impl AsRef<Path>,
    options: &ExtractOptions,
) -> crate::error::Result<Vec<Document>> {
    let path = path.as_ref();
    let source = path.display().to_string();
    let len = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    if len > options.limits.max_bytes {
        return Err(Error::limit(&source, "max_bytes", options.limits.max_bytes, len));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    extract_bytes(&bytes, &source, options)
}

/// Extracts the documents in `bytes`; `source` names them in documents and errors.
///
/// # Errors
///
/// Per document: [`ErrorKind::LimitExceeded`](crate::error::ErrorKind::LimitExceeded),
/// [`ErrorKind::Encrypted`](crate::error::ErrorKind::Encrypted),
/// [`ErrorKind::MalformedDocument`](crate::error::ErrorKind::MalformedDocument) or
/// [`ErrorKind::UnsupportedFormat`](crate::error::ErrorKind::UnsupportedFormat), all
/// [`Fault::Input`](crate::error::Fault::Input).
pub fn extract_bytes(
    bytes: &[u8],
    source: &str,
    options: &ExtractOptions,
) -> crate::error::Result<Vec<Document>> {
    let _span = tracing::debug_span!("extract", source).entered();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut job = Job {
        options,
        out: &mut out,
        seen: &mut seen,
        budget: Budget::new(options.limits.clone()),
    };
    job.budget.ocr = options.ocr.clone();
    job.file(bytes, source, None, 0, &Format::detect(bytes, source))?;
    Ok(out)
}

/// A format, detected by content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Pdf,
    Docx,
    WordXml,
    Doc,
    Rtf,
    Odt,
    Eml,
    Mbox,
    Msg,
    Text,
    Markdown,
    Zip,
    Unsupported(&'static str),
}

impl Format {
    fn detect(bytes: &[u8], name: &str) -> Format {
        let head = &bytes[..bytes.len().min(1024)];
        let lower = name.to_ascii_lowercase();
        if memfind(head, b"%PDF-").is_some() {
            return Format::Pdf;
        }
        if head.starts_with(b"PK\x03\x04") {
            // OOXML packages usually store `word/` parts early, but not always (a large
            // customXml part can come first); the central directory at the end names every
            // entry. Other zips are archives.
            // An OpenDocument package stores its media type uncompressed in a first entry
            // named "mimetype".
            let tail = &bytes[bytes.len().saturating_sub(1 << 16)..];
            return if memfind(&bytes[..bytes.len().min(1 << 16)], b"word/").is_some()
                || memfind(tail, b"word/document.xml").is_some()
            {
                Format::Docx
            } else if memfind(head, b"application/vnd.oasis.opendocument.text").is_some()
                || (memfind(tail, b"content.xml").is_some()
                    && memfind(tail, b"META-INF/manifest.xml").is_some()
                    && memfind(head, b"application/vnd.oasis.opendocument.").is_none())
            {
                // The media type is not always the first entry; the ODT reader checks it.
                Format::Odt
            } else if memfind(head, b"application/vnd.oasis.opendocument.").is_some() {
                Format::Unsupported("OpenDocument spreadsheet, presentation or drawing")
            } else {
                Format::Zip
            };
        }
        if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            // An OLE compound file: Outlook message, encrypted OOXML, or a legacy Office file.
            // Directory entry names are UTF-16LE.
            return if find_utf16(bytes, "__substg1.0_")
                || find_utf16(bytes, "__properties_version1")
            {
                Format::Msg
            } else if find_utf16_ignore_case(bytes, "EncryptionInfo") {
                Format::Docx // The DOCX reader reports it as encrypted.
            } else if find_utf16_ignore_case(bytes, "WordDocument") {
                // Some writers spell the stream name in another case (compound-file names
                // compare without case).
                Format::Doc
            } else {
                Format::Unsupported("OLE compound file that is not a Word document (.xls, .ppt)")
            };
        }
        if head.starts_with(b"{\\rtf") {
            return Format::Rtf;
        }
        if memfind(head, b"<?mso-application progid=\"Word.Document\"?>").is_some()
            || memfind(head, b"<w:wordDocument").is_some()
        {
            return Format::WordXml;
        }
        if head.starts_with(b"\xffWPC") {
            return Format::Unsupported("WordPerfect document");
        }
        // Emails are sniffed by their header lines, before the text check: a binary part
        // (UTF-16 text, an 8-bit attachment) can put NUL bytes in a message.
        if looks_like_mbox(bytes) {
            return Format::Mbox;
        }
        if looks_like_eml(bytes) {
            return Format::Eml;
        }
        if text::looks_like_text(bytes) {
            let markdown = lower.ends_with(".md") || lower.ends_with(".markdown");
            return if markdown { Format::Markdown } else { Format::Text };
        }
        Format::Unsupported("binary file of unknown format")
    }
}

#[cfg(feature = "email")]
use email::{looks_like_eml, looks_like_mbox};

/// Without the email extractor, emails are still recognised (and reported as unsupported).
#[cfg(not(feature = "email"))]
fn looks_like_eml(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    ["from:", "to:", "subject:", "date:", "message-id:", "received:"]
        .iter()
        .any(|h| head.starts_with(h) || head.contains(&format!("\n{h}")))
}

#[cfg(not(feature = "email"))]
fn looks_like_mbox(bytes: &[u8]) -> bool {
    is_mbox_separator(bytes.split(|&b| b == b'\n').next().unwrap_or(b""))
}

/// Whether `line` has the shape of an mbox "From_" line: `From`, an envelope sender without
/// spaces, then a date with a weekday or month name, a time (`hh:mm` or `hh:mm:ss`) and a
/// four-digit year, in any order (`ctime`'s, with or without a time zone).
pub(crate) fn is_mbox_separator(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let Some(rest) = line.strip_prefix(b"From ") else { return false };
    let Ok(rest) = std::str::from_utf8(rest) else { return false };
    let mut words = rest.split_ascii_whitespace();
    if words.next().is_none() {
        return false;
    }
    const NAMES: [&str; 19] = [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "jan", "feb", "mar", "apr", "may", "jun",
        "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let (mut name, mut time, mut year) = (false, false, false);
    for w in words.take(8) {
        let lower = w.trim_end_matches(',').to_ascii_lowercase();
        if lower.len() >= 3 && NAMES.iter().any(|n| lower.starts_with(n)) {
            name = true;
        } else if is_time(&lower) {
            time = true;
        } else if lower.len() == 4 && lower.bytes().all(|b| b.is_ascii_digit()) {
            year = true;
        }
    }
    name && time && year
}

/// `hh:mm` or `hh:mm:ss`.
fn is_time(w: &str) -> bool {
    let parts: Vec<&str> = w.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().enumerate().all(|(i, p)| {
            (1..=2).contains(&p.len())
                && (i == 0 || p.len() == 2)
                && p.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Whether `bytes` contain the ASCII `needle` encoded as UTF-16LE, in any ASCII case.
fn find_utf16_ignore_case(bytes: &[u8], needle: &str) -> bool {
    let needle: Vec<u8> = needle.bytes().map(|b| b.to_ascii_lowercase()).collect();
    bytes.windows(needle.len() * 2).any(|w| {
        needle.iter().enumerate().all(|(k, n)| {
            w.get(2 * k).is_some_and(|b| b.to_ascii_lowercase() == *n)
                && w.get(2 * k + 1) == Some(&0)
        })
    })
}

/// Whether `bytes` contain `needle` encoded as UTF-16LE.
fn find_utf16(bytes: &[u8], needle: &str) -> bool {
    let encoded: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    memfind(bytes, &encoded).is_some()
}

fn memfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One call of [`extract_bytes`]: a file and everything inside it share one [`Budget`], so
/// that the limits on decompressed bytes and time hold for the whole tree of containers.
struct Job<'a> {
    options: &'a ExtractOptions,
    out: &'a mut Vec<Document>,
    seen: &'a mut std::collections::HashSet<DocId>,
    budget: Budget,
}

impl Job<'_> {
    /// Extracts one file (or attachment) and its attachments.
    fn file(
        &mut self,
        bytes: &[u8],
        source: &str,
        parent: Option<DocId>,
        depth: u32,
        format: &Format,
    ) -> crate::error::Result<()> {
        let limits = &self.options.limits;
        if bytes.len() as u64 > limits.max_bytes {
            return Err(Error::limit(source, "max_bytes", limits.max_bytes, bytes.len() as u64));
        }
        if depth > limits.max_container_depth {
            return Err(Error::limit(
                source,
                "max_container_depth",
                u64::from(limits.max_container_depth),
                u64::from(depth),
            ));
        }
        let id = DocId::of_bytes(bytes);
        if !self.seen.insert(id) {
            return Ok(()); // The same attachment twice in one message: one document.
        }
        self.budget.check().map_err(|e| e.into_error(source))?;
        let budget = &mut self.budget;
        let fail = |e: ExtractError| e.into_error(source);
        let (kind, draft) = match *format {
            Format::Text => (DocKind::Text, text::extract(bytes, false, budget)),
            Format::Markdown => (DocKind::Markdown, text::extract(bytes, true, budget)),
            #[cfg(feature = "pdf")]
            Format::Pdf => (DocKind::Pdf, pdf::extract(bytes, budget)),
            #[cfg(feature = "docx")]
            Format::Docx => {
                let options = docx::DocxOptions { original: self.options.original_revisions };
                (DocKind::Docx, docx::extract(bytes, &options, budget))
            }
            #[cfg(feature = "docx")]
            Format::WordXml => {
                let options = docx::DocxOptions { original: self.options.original_revisions };
                (DocKind::Docx, docx::extract_word_xml(bytes, &options, budget))
            }
            #[cfg(feature = "doc")]
            Format::Doc => (DocKind::Doc, doc::extract(bytes, budget)),
            Format::Rtf => (DocKind::Rtf, rtf::extract(bytes, budget)),
            #[cfg(feature = "odt")]
            Format::Odt => (DocKind::Odt, odt::extract(bytes, budget)),
            #[cfg(feature = "email")]
            Format::Eml => (DocKind::Email, email::extract_eml(bytes, budget).map(email::quotes)),
            #[cfg(feature = "email")]
            Format::Msg => (DocKind::Email, email::extract_msg(bytes, budget).map(email::quotes)),
            #[cfg(feature = "email")]
            Format::Mbox => {
                let ranges = email::split_mbox(bytes, budget).map_err(fail)?;
                for (n, range) in ranges.into_iter().enumerate() {
                    let message = bytes.get(range).unwrap_or_default();
                    let message_source = format!("{source}#message-{}", n + 1);
                    self.file(message, &message_source, parent, depth + 1, &Format::Eml)?;
                }
                return Ok(());
            }
            Format::Zip => {
                // An archive is a container, not a document: its entries are extracted as if
                // they had been found beside it. An archive none of whose entries gives a
                // document reports the first entry's error (a bomb stays visible).
                let draft = archive::entries(bytes, budget).map_err(fail)?;
                let before = self.out.len();
                let mut first_error = None;
                for (n, entry) in draft.attachments.iter().enumerate() {
                    let entry_source = format!("{source}#entry-{}", n + 1);
                    let format = Format::detect(&entry.bytes, entry.name.as_deref().unwrap_or(""));
                    if let Err(e) =
                        self.file(&entry.bytes, &entry_source, parent, depth + 1, &format)
                    {
                        tracing::debug!("{e}");
                        let spent = matches!(
                            e.kind(),
                            ErrorKind::LimitExceeded { limit: "max_total_bytes" | "max_time", .. }
                        );
                        first_error.get_or_insert(e);
                        if spent {
                            break;
                        }
                    }
                }
                return match first_error {
                    Some(e) if self.out.len() == before => Err(e),
                    _ => Ok(()),
                };
            }
            Format::Unsupported(what) => return Err(Error::unsupported(source, what)),
            #[allow(unreachable_patterns)]
            _ => {
                return Err(Error::unsupported(
                    source,
                    format!("clausal was built without support for {format:?} files"),
                ));
            }
        };
        let draft = draft.map_err(fail)?;
        self.finish(id, kind, source, parent, depth, draft);
        Ok(())
    }

    /// Turns a draft into a document, then extracts its attachments as children.
    fn finish(
        &mut self,
        id: DocId,
        kind: DocKind,
        source: &str,
        parent: Option<DocId>,
        depth: u32,
        draft: Draft,
    ) {
        let attachments = draft.attachments.clone();
        let mut doc = assemble(id, kind, source, parent, draft, self.options.keep_furniture);
        let index = self.out.len();
        self.out.push(doc.clone());
        for (n, attachment) in attachments.iter().enumerate() {
            let child_source = format!("{source}#attachment-{}", n + 1);
            let label = attachment_label(n, attachment);
            doc.metadata.entry("attachment".into()).or_default().push(label.clone());
            let format =
                Format::detect(&attachment.bytes, attachment.name.as_deref().unwrap_or(""));
            if let Err(e) =
                self.file(&attachment.bytes, &child_source, Some(id), depth + 1, &format)
            {
                doc.warnings.push(format!("{label}: {e}"));
            }
        }
        self.out[index] = doc;
    }
}

fn attachment_label(n: usize, attachment: &Attachment) -> String {
    match &attachment.name {
        Some(name) => format!("attachment {} ({name})", n + 1),
        None => format!("attachment {}", n + 1),
    }
}

/// Joins a draft's blocks into a document's text, recording each block's span.
fn assemble(
    id: DocId,
    kind: DocKind,
    source: &str,
    parent: Option<DocId>,
    draft: Draft,
    keep_furniture: bool,
) -> Document {
    let mut text = String::new();
    let mut blocks = Vec::with_capacity(draft.blocks.len());
    let mut furniture = Vec::new();
    for block in draft.blocks {
        let block_text = block.text.trim_end();
        if block_text.trim().is_empty() {
            continue;
        }
        if block.kind == BlockKind::Furniture && !keep_furniture {
            furniture.push(block_text.to_owned());
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let byte_start = text.len();
        text.push_str(block_text);
        blocks.push(Block {
            kind: block.kind,
            span: Span { byte_start, byte_end: text.len(), page: block.page },
            label: block.label,
        });
    }
    let mut metadata = draft.metadata;
    if !furniture.is_empty() {
        furniture.sort();
        furniture.dedup();
        metadata.insert("furniture".into(), furniture);
    }
    Document {
        id,
        source: source.to_owned(),
        kind,
        title: draft.title,
        metadata,
        parent,
        text,
        blocks,
        pages: draft
            .pages
            .into_iter()
            .map(|p| PageInfo { number: p.number, needs_ocr: p.needs_ocr, ocr: p.ocr })
            .collect(),
        warnings: draft.warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_by_content() {
        assert_eq!(Format::detect(b"%PDF-1.7\n...", "x.txt"), Format::Pdf);
        assert_eq!(Format::detect(b"\xef\xbb\xbfhello", "x.bin"), Format::Text);
        assert_eq!(Format::detect(b"# Title\n", "nda.md"), Format::Markdown);
        let eml = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody";
        assert_eq!(Format::detect(eml, "message"), Format::Eml);
        assert_eq!(
            Format::detect(b"From a@b Sat Jan  3 01:05:34 1996\nFrom: a@b\n\nx", "m"),
            Format::Mbox
        );
        assert_eq!(Format::detect(b"Note: this is text\nand more", "n.txt"), Format::Text);
        // A provision that begins "From ..." is text, whatever its second line (LEDGAR has
        // such provisions); an mbox needs a "From sender date" line.
        for text in [
            &b"From and after the Effective Date, the Company shall\n\npay the fees."[..],
            b"From time to time the parties may agree\nSection 2: Fees.",
            b"From the Closing Date until the Termination Date 2024 12:00\nNotice: given.",
        ] {
            assert_eq!(
                Format::detect(text, "p.txt"),
                Format::Text,
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
        for separator in [
            &b"From - Mon Jan  1 00:00:00 2024"[..],
            b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011",
            b"From alice@example.com Tue, 3 Mar 2020 10:00:00 +0000",
        ] {
            let mbox = [separator, b"\nFrom: a@b\n\nx"].concat();
            assert_eq!(
                Format::detect(&mbox, "m"),
                Format::Mbox,
                "{:?}",
                String::from_utf8_lossy(separator)
            );
        }
        assert!(matches!(Format::detect(&[0u8, 1, 2, 3, 0, 9], "x"), Format::Unsupported(_)));
        assert_eq!(Format::detect(b"{\\rtf1\\ansi", "x.doc"), Format::Rtf);
        let utf16_part = b"Content-Type: multipart/mixed; boundary=1\nMIME-Version: 1.0\n\n--1\nContent-Type: text/plain; charset=utf-16le\n\nT\0e\0s\0t\0\n--1--\n";
        assert_eq!(Format::detect(utf16_part, "m.eml"), Format::Eml);
    }

    #[test]
    fn docx_with_large_leading_part_is_docx() {
        // A 100 KB customXml part before any word/ part: the central directory still names
        // word/document.xml.
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let big: String = (0..20_000).map(|i| format!("<x>{i}</x>")).collect();
        for (name, body) in
            [("customXml/item1.xml", big.as_str()), ("word/document.xml", "<w:document/>")]
        {
            zip.start_file(name, stored).unwrap();
            std::io::Write::write_all(&mut zip, body.as_bytes()).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        assert!(memfind(&bytes[..1 << 16], b"word/").is_none());
        assert_eq!(Format::detect(&bytes, "contract.bin"), Format::Docx);
    }

    #[test]
    fn assembles_text_with_spans_and_furniture() {
        let mut draft = Draft::default();
        for (text, kind, page) in [
            ("ACME CORP - CONFIDENTIAL", BlockKind::Furniture, 1),
            ("1. Definitions", BlockKind::Heading, 1),
            ("Body text.\nSecond line.  ", BlockKind::Paragraph, 1),
            ("   ", BlockKind::Paragraph, 2),
            ("2", BlockKind::Furniture, 2),
        ] {
            draft.blocks.push(draft::DraftBlock {
                text: text.into(),
                kind,
                page: Some(page),
                label: None,
            });
        }
        let doc = assemble(DocId(1), DocKind::Pdf, "a.pdf", None, draft.clone(), false);
        assert_eq!(doc.text, "1. Definitions\n\nBody text.\nSecond line.");
        for b in &doc.blocks {
            assert!(!doc.text[b.span.byte_start..b.span.byte_end].is_empty());
        }
        assert_eq!(doc.metadata["furniture"], ["2", "ACME CORP - CONFIDENTIAL"]);
        let all = assemble(DocId(1), DocKind::Pdf, "a.pdf", None, draft, true);
        assert!(all.text.starts_with("ACME CORP - CONFIDENTIAL\n\n1. Definitions"));
        assert!(all.text.ends_with("\n\n2"));
    }

    #[test]
    fn doc_ids_are_content_hashes() {
        assert_eq!(DocId::of_bytes(b"abc"), DocId::of_bytes(b"abc"));
        assert_ne!(DocId::of_bytes(b"abc"), DocId::of_bytes(b"abd"));
        let id = DocId::of_bytes(b"abc");
        assert_eq!(DocId::try_from(id.to_string()).unwrap(), id);
        assert_eq!(id.to_string(), "ba7816bf8f01cfea");
    }
}
