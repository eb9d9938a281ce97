//! Legacy and open word-processor formats against LibreOffice: `.doc`, `.rtf` and `.odt`.
//!
//! For every such file under the given folders, the text clausal extracts is compared with
//! LibreOffice's plain-text export (`soffice --headless --convert-to txt`, run as in
//! [`docx`](crate::docx)) by the bag-of-words F1 of [`textsim`](super::textsim), and the figures
//! are given per format (by file extension: what a user's archive is sorted by; the format
//! clausal detected from the bytes is shown beside each file).
//!
//! LibreOffice's text export leaves out footnotes and endnotes (it writes their reference mark
//! only), while clausal keeps each note as a [`BlockKind::Note`] block after the body, as it
//! does for DOCX. The headline F1 therefore compares LibreOffice's text with clausal's text
//! *without* its note blocks; the F1 with the notes is reported beside it, so that the cost of
//! that choice is visible. Files LibreOffice writes no text for (encrypted, damaged, or not a
//! document it reads) are listed and not scored; a file LibreOffice reads and clausal fails on
//! scores 0.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::textsim;
use crate::error::Error;
#[cfg(test)]
use clausal::ExtractOptions;
use clausal::{BlockKind, Document};

/// The lowest acceptable mean word F1 per format (issue 24's bar), notes aside (module docs).
pub const MIN_OFFICE_WORD_F1: f64 = 0.98;

/// The extensions evaluated.
pub const OFFICE_EXTENSIONS: [&str; 3] = ["doc", "rtf", "odt"];

/// The figures of one format.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct FormatScore {
    /// The extension: "doc", "rtf" or "odt".
    pub format: String,
    /// Files with this extension.
    pub files: usize,
    /// Files scored: those LibreOffice converted.
    pub scored: usize,
    /// Mean per-file word F1 of our text without note blocks.
    pub mean_word_f1: f64,
    /// Mean per-file word F1 of our whole text, notes included.
    pub mean_word_f1_with_notes: f64,
    /// Word F1 pooled over all words of the format (notes aside).
    pub pooled_word_f1: f64,
}

/// The figures of one file.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct OfficeFileScore {
    /// The file.
    pub file: String,
    /// The format clausal detected ("doc", "rtf", "odt", ...), or the error it gave.
    pub detected: String,
    /// Words of LibreOffice's text.
    pub reference_words: usize,
    /// Words of our text without notes.
    pub our_words: usize,
    /// Word F1, notes aside.
    pub word_f1: f64,
    /// Word F1 with our notes.
    pub word_f1_with_notes: f64,
}

/// Agreement of `.doc`, `.rtf` and `.odt` extraction with LibreOffice's text export.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct OfficeReport {
    /// Files found.
    pub files: usize,
    /// Per format, in [`OFFICE_EXTENSIONS`] order (formats with no file left out).
    pub formats: Vec<FormatScore>,
    /// Files LibreOffice wrote no text for, with what clausal said of them.
    pub no_reference: Vec<(String, String)>,
    /// Scored files clausal failed to extract (they score 0): (file, error).
    pub failed: Vec<(String, String)>,
    /// Every scored file.
    pub per_file: Vec<OfficeFileScore>,
    /// Seconds clausal took to extract every file.
    pub extract_seconds: f64,
    /// Seconds LibreOffice took.
    pub libreoffice_seconds: f64,
}

impl OfficeReport {
    /// Whether every format with scored files meets [`MIN_OFFICE_WORD_F1`].
    pub fn passes(&self) -> bool {
        self.formats.iter().all(|f| f.scored == 0 || f.mean_word_f1 >= MIN_OFFICE_WORD_F1)
    }
}

/// Compares clausal's text of every `.doc`, `.rtf` and `.odt` file under `dirs` with
/// LibreOffice's text export (see the module documentation).
///
/// # Errors
///
/// I/O errors listing the folders or using the temporary folder;
/// [`ErrorKind::InvalidArgument`](clausal::ErrorKind::InvalidArgument) when the folders hold no
/// such file, when `soffice` cannot be started, or when LibreOffice converts none of the files.
pub fn office(dirs: &[PathBuf], soffice: &Path) -> crate::error::Result<OfficeReport> {
    let mut files = Vec::new();
    for dir in dirs {
        files.extend(
            crate::extraction::list_files_recursive(dir)?
                .into_iter()
                .filter(|p| OFFICE_EXTENSIONS.contains(&extension(p).as_str())),
        );
    }
    files.sort();
    files.dedup();
    if files.is_empty() {
        let names: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        return Err(Error::invalid_argument(format!(
            "no .doc, .rtf or .odt files under {}",
            names.join(", ")
        )));
    }
    let (reference, libreoffice_seconds) = crate::docx::reference_texts(&files, soffice)?;
    let (ours, extract_seconds) = crate::docx::first_documents(&files);

    let mut report = OfficeReport {
        files: files.len(),
        formats: Vec::new(),
        no_reference: Vec::new(),
        failed: Vec::new(),
        per_file: Vec::new(),
        extract_seconds,
        libreoffice_seconds,
    };
    // extension -> (files, scored, sum f1, sum f1 with notes, weighted sum, weights)
    let mut sums: BTreeMap<String, (usize, usize, f64, f64, f64, usize)> = BTreeMap::new();
    for ((file, reference), ours) in files.iter().zip(&reference).zip(&ours) {
        let name = file.display().to_string();
        let ext = extension(file);
        let entry = sums.entry(ext).or_default();
        entry.0 += 1;
        let Some(reference) = reference else {
            let said = match ours {
                Ok(doc) => format!("{} words", textsim::words(&doc.text).len()),
                Err(e) => e.clone(),
            };
            report.no_reference.push((name, said));
            continue;
        };
        let (body, whole, detected) = match ours {
            Ok(doc) => (body_text(doc), doc.text.clone(), doc.kind.to_string()),
            Err(e) => {
                report.failed.push((name.clone(), e.clone()));
                (String::new(), String::new(), format!("error: {e}"))
            }
        };
        let theirs = textsim::words(reference);
        let (mine, mine_all) = (textsim::words(&body), textsim::words(&whole));
        let f1 = |a: &[String], b: &[String]| {
            if a.is_empty() && b.is_empty() { 1.0 } else { textsim::bow_f1(a, b) }
        };
        let (word_f1, word_f1_with_notes) = (f1(&theirs, &mine), f1(&theirs, &mine_all));
        entry.1 += 1;
        entry.2 += word_f1;
        entry.3 += word_f1_with_notes;
        entry.4 += word_f1 * (theirs.len() + mine.len()) as f64;
        entry.5 += theirs.len() + mine.len();
        report.per_file.push(OfficeFileScore {
            file: name,
            detected,
            reference_words: theirs.len(),
            our_words: mine.len(),
            word_f1,
            word_f1_with_notes,
        });
    }
    for ext in OFFICE_EXTENSIONS {
        let Some(&(files, scored, f1, f1_notes, weighted, weights)) = sums.get(ext) else {
            continue;
        };
        let n = scored.max(1) as f64;
        report.formats.push(FormatScore {
            format: ext.to_owned(),
            files,
            scored,
            mean_word_f1: f1 / n,
            mean_word_f1_with_notes: f1_notes / n,
            pooled_word_f1: if weights == 0 { 1.0 } else { weighted / weights as f64 },
        });
    }
    Ok(report)
}

/// Our text without note blocks: the blocks LibreOffice's export also has.
fn body_text(doc: &Document) -> String {
    let mut out = String::new();
    for block in doc.blocks.iter().filter(|b| b.kind != BlockKind::Note) {
        if let Some(text) = doc.text.get(block.span.byte_start..block.span.byte_end) {
            out.push_str(text);
            out.push_str("\n\n");
        }
    }
    out
}

fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_left_out_of_the_body_text() {
        let doc = clausal::extract_bytes(
            br"{\rtf1\ansi Body text{\footnote\pard A note.}\par}",
            "x.rtf",
            &ExtractOptions::default(),
        )
        .unwrap()
        .remove(0);
        assert!(doc.text.contains("A note."));
        assert_eq!(body_text(&doc).trim(), "Body text");
    }
}
