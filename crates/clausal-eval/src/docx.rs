//! DOCX list numbering against LibreOffice: do numbered clauses show the numbers Word renders?
//!
//! A DOCX file stores no list numbers. A numbered paragraph names a list instance and a level,
//! and the word processor computes "14.2" or "(b)" when it lays the document out; the DOCX
//! extractor does the same and puts the rendered label in front of the paragraph (and in
//! [`Block::label`](clausal::Block::label)). This evaluation checks those labels against an
//! independent renderer: LibreOffice's plain-text export (`soffice --headless --convert-to
//! txt`), which writes each list label at the start of its paragraph's line.
//!
//! For every `*.docx` under the given folders:
//! - both texts are cut into lines. Our table rows are also cut at their `" | "` cell
//!   separators, because LibreOffice writes one line per paragraph of a cell;
//! - a line *starts with a label* when its first word, followed by more text, looks like a list
//!   or heading number: dot-separated parts that are each digits, one or two letters, or roman
//!   numerals, optionally in parentheses, ending in `.` or `)` or containing a dot (`1.`,
//!   `14.2`, `(a)`, `iv.`, `2.18.ii.1`). Labels are compared exactly, case included;
//! - LibreOffice's labels, in order, are aligned with ours by a longest common subsequence. A
//!   LibreOffice label is *matched* when the alignment pairs it with an identical label of
//!   ours; each stretch between matches where either side has labels is a *difference*;
//! - the words of the two texts are compared with the bag-of-words F1 of
//!   [`textsim`](super::textsim).
//!
//! Numbers typed as text (not list numbering) appear on both sides and match; they are part of
//! what a reader sees, so they stay in the figures.
//!
//! # Figures and residual differences
//!
//! On `../shared/data/contracts/docx` and `../shared/data/docs/docx` (192 files; LibreOffice
//! 7.4 writes no text for 4 of them, encrypted or truncated): 246 of LibreOffice's 263 labels
//! matched (0.935), 246 of our 269 (0.914), mean word F1 0.942 (pooled 0.994). Every remaining
//! label difference was read, and in each one our label is the one Word shows (the tika test
//! files spell out Word's number in the paragraph text) or the difference is about what text is
//! exported, not how it is numbered:
//! - LibreOffice ignores `w:isLgl` (legal numbering): Word shows "1.6" for a decimal level under
//!   an upper-roman one, LibreOffice "I.6" (docx-rs `spec_vanish`, 12 labels; tika
//!   `testWORD_override_list_numbering` "2.18.2.1" against "2.18.ii.1");
//! - LibreOffice ignores `w:lvlRestart`: "1.b.III" in Word, "1.b.I" in LibreOffice;
//! - a level of format `none` inside a multi-level text: Word shows "01." and "01..1",
//!   LibreOffice no label and "01.1";
//! - Word 2010 "custom" formats (`w:numFmt w:format="α, β, γ, ..."` in `mc:AlternateContent`):
//!   LibreOffice reads the decimal fallback ("1.", "2."), Word and we show "Some-α-CrazyFormat";
//! - lists whose text LibreOffice does not export: a list in a text box (4 labels) and one in a
//!   footnote (3 labels; LibreOffice writes only the note's reference mark).
//!
//! Word F1 is below 1 for the same reasons of content rather than numbering: LibreOffice's
//! export keeps deleted tracked changes (files whose whole text is deleted score 0), writes
//! footnote and endnote reference marks instead of the notes, and leaves out text boxes, whose
//! text we keep.
//!
//! Labels that are not dotted or parenthesised ("00", "0th") and full-width or CJK labels
//! ("（１）", "第１章") are not detected as labels. For the latter Word shows `decimalFullWidth`
//! with full-width digits, as we do, while LibreOffice 7.4 writes ASCII digits: comparing them
//! would only measure that LibreOffice choice.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::textsim;
use crate::error::Error;
use clausal::{BlockKind, Document, ExtractOptions};

/// The lowest acceptable share of LibreOffice's labels that our text shows in the same order.
///
/// Measured 0.935 (246/263); every miss is a LibreOffice rendering or export choice (module
/// docs). The margin, about 9 labels, leaves room for a LibreOffice version that renders a few
/// labels differently, while a regression that loses or misnumbers the numbering of a contract
/// (the cloud service agreement has 120 labels), or a dozen labels of the test files, falls
/// below it.
pub const MIN_LABEL_RECALL: f64 = 0.90;

/// The lowest acceptable share of our labels that LibreOffice shows in the same order.
///
/// Measured 0.914 (246/269), the misses again LibreOffice's choices. With a margin of about 9
/// labels, it guards against numbering paragraphs that Word leaves unnumbered.
pub const MIN_LABEL_PRECISION: f64 = 0.88;

/// The lowest acceptable mean word F1 between our text and LibreOffice's, per file.
///
/// Measured 0.942 (pooled over all words 0.994). Small test files weigh as much as contracts
/// here, and several are a few words long with footnotes or deleted text that LibreOffice
/// exports differently (module docs), so the mean sits below the pooled figure. One file
/// losing all its text lowers the mean by about 0.005: the threshold allows two.
pub const MIN_MEAN_WORD_F1: f64 = 0.93;

/// Files converted per LibreOffice call: one start-up (seconds) serves the whole chunk.
const CHUNK: usize = 32;
/// Wall-clock allowance of one LibreOffice call: this, plus [`TIMEOUT_PER_FILE`] per file.
const TIMEOUT_BASE: Duration = Duration::from_secs(60);
/// Wall-clock allowance per file of one LibreOffice call.
const TIMEOUT_PER_FILE: Duration = Duration::from_secs(10);
/// The export filter: LibreOffice's text export, UTF-8 whatever the locale.
const FILTER: &str = "txt:Text (encoded):UTF8";
/// The largest LCS table (cells) built for one file; beyond it the alignment is greedy.
const MAX_ALIGN_CELLS: usize = 1 << 24;
/// How far ahead the greedy alignment looks for an equal label.
const GREEDY_WINDOW: usize = 64;

/// Label and word agreement of DOCX extraction with LibreOffice's text export.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct DocxReport {
    /// `.docx` files found.
    pub files: usize,
    /// Files scored: those LibreOffice converted.
    pub scored: usize,
    /// Files LibreOffice wrote no text for (not scored): encrypted, damaged, or timed out.
    pub no_reference: Vec<String>,
    /// Scored files clausal failed to extract (they score 0): (file, error).
    pub failed: Vec<(String, String)>,
    /// Lines of LibreOffice's texts that start with a label.
    pub reference_labels: usize,
    /// Lines of our texts that start with a label.
    pub our_labels: usize,
    /// LibreOffice's labels that our text shows, in the same order.
    pub matched_labels: usize,
    /// Labels clausal rendered from DOCX numbering ([`Block::label`](clausal::Block::label)).
    pub rendered_labels: usize,
    /// Mean over scored files of the bag-of-words F1 against LibreOffice's text.
    pub mean_word_f1: f64,
    /// The word F1 of all scored files together (each file weighted by its words).
    pub pooled_word_f1: f64,
    /// Figures per scored file.
    pub per_file: Vec<DocxFileScore>,
    /// The stretches where the label sequences disagree, in file order.
    pub differences: Vec<LabelDifference>,
    /// Seconds spent extracting with clausal.
    pub extract_seconds: f64,
    /// Seconds spent converting with LibreOffice (copies and start-ups included).
    pub libreoffice_seconds: f64,
}

impl DocxReport {
    /// The share of LibreOffice's labels our text shows in the same order; 1 when it has none.
    pub fn label_recall(&self) -> f64 {
        share(self.matched_labels, self.reference_labels)
    }

    /// The share of our labels that LibreOffice shows in the same order; 1 when we have none.
    pub fn label_precision(&self) -> f64 {
        share(self.matched_labels, self.our_labels)
    }

    /// Whether some file was scored and every figure reaches its threshold
    /// ([`MIN_LABEL_RECALL`], [`MIN_LABEL_PRECISION`], [`MIN_MEAN_WORD_F1`]).
    pub fn passes(&self) -> bool {
        self.scored > 0
            && self.label_recall() >= MIN_LABEL_RECALL
            && self.label_precision() >= MIN_LABEL_PRECISION
            && self.mean_word_f1 >= MIN_MEAN_WORD_F1
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 { 1.0 } else { part as f64 / whole as f64 }
}

/// The figures of one file.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct DocxFileScore {
    /// The file.
    pub file: String,
    /// Lines of LibreOffice's text that start with a label.
    pub reference_labels: usize,
    /// Lines of our text that start with a label.
    pub our_labels: usize,
    /// LibreOffice's labels our text shows, in the same order.
    pub matched_labels: usize,
    /// Bag-of-words F1 of our text against LibreOffice's; 1 when both are empty.
    pub word_f1: f64,
}

/// A stretch between two matched labels where LibreOffice's labels and ours differ.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct LabelDifference {
    /// The file.
    pub file: String,
    /// LibreOffice's unmatched labels in the stretch.
    pub libreoffice: Vec<String>,
    /// Our unmatched labels in the stretch.
    pub ours: Vec<String>,
    /// The line where the stretch starts (LibreOffice's, or ours when it has none), shortened.
    pub context: String,
}

/// Compares the DOCX extraction of every `*.docx` under `dirs` with LibreOffice's text export.
///
/// LibreOffice runs as `soffice` (a name looked up on `PATH`, or a path) with a private,
/// temporary user profile, converting the files in batches; a batch that exceeds its wall-clock
/// allowance is killed and its unconverted files are tried one at a time. Files LibreOffice
/// writes no text for are listed in [`DocxReport::no_reference`] and not scored.
///
/// # Errors
///
/// I/O errors listing the folders or using the temporary folder;
/// [`ErrorKind::InvalidArgument`](clausal::ErrorKind::InvalidArgument) when the folders hold no
/// `.docx`, when `soffice` cannot be started, or when LibreOffice converts none of the files.
pub fn docx(dirs: &[PathBuf], soffice: &Path) -> crate::error::Result<DocxReport> {
    let mut files = Vec::new();
    for dir in dirs {
        docx_files(dir, &mut files)?;
    }
    files.sort();
    files.dedup();
    if files.is_empty() {
        let names: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        return Err(Error::invalid_argument(format!("no .docx files under {}", names.join(", "))));
    }

    let (reference, libreoffice_seconds) = reference_texts(&files, soffice)?;
    let (ours, extract_seconds) = first_documents(&files);

    let mut report = DocxReport {
        files: files.len(),
        scored: 0,
        no_reference: Vec::new(),
        failed: Vec::new(),
        reference_labels: 0,
        our_labels: 0,
        matched_labels: 0,
        rendered_labels: 0,
        mean_word_f1: 0.0,
        pooled_word_f1: 0.0,
        per_file: Vec::new(),
        differences: Vec::new(),
        extract_seconds,
        libreoffice_seconds,
    };
    let (mut f1_sum, mut weighted_sum, mut weights) = (0.0, 0.0, 0usize);
    for ((file, reference), ours) in files.iter().zip(&reference).zip(&ours) {
        let name = file.display().to_string();
        let Some(reference) = reference else {
            report.no_reference.push(name);
            continue;
        };
        let empty = Document::from_plain_text(clausal::DocId(0), String::new());
        let doc = match ours {
            Ok(doc) => doc,
            Err(e) => {
                report.failed.push((name.clone(), e.clone()));
                &empty
            }
        };
        let theirs: Vec<(&str, &str)> =
            reference.lines().filter_map(|l| line_label(l).map(|lab| (lab, l))).collect();
        let mine: Vec<(&str, &str)> =
            our_lines(doc).into_iter().filter_map(|l| line_label(l).map(|lab| (lab, l))).collect();
        let pairs = align(&theirs, &mine);
        report.differences.extend(differences(&name, &theirs, &mine, &pairs));

        let (a, b) = (textsim::words(reference), textsim::words(&doc.text));
        let word_f1 = if a.is_empty() && b.is_empty() { 1.0 } else { textsim::bow_f1(&a, &b) };
        f1_sum += word_f1;
        weighted_sum += word_f1 * (a.len() + b.len()) as f64;
        weights += a.len() + b.len();

        report.scored += 1;
        report.reference_labels += theirs.len();
        report.our_labels += mine.len();
        report.matched_labels += pairs.len();
        report.rendered_labels += doc.blocks.iter().filter(|b| b.label.is_some()).count();
        report.per_file.push(DocxFileScore {
            file: name,
            reference_labels: theirs.len(),
            our_labels: mine.len(),
            matched_labels: pairs.len(),
            word_f1,
        });
    }
    report.mean_word_f1 = f1_sum / report.scored.max(1) as f64;
    report.pooled_word_f1 = if weights == 0 { 1.0 } else { weighted_sum / weights as f64 };
    Ok(report)
}

/// LibreOffice's text of each file (`None` where it wrote none) and the seconds it took; an
/// error when it converted none of them.
pub(crate) fn reference_texts(
    files: &[PathBuf],
    soffice: &Path,
) -> crate::error::Result<(Vec<Option<String>>, f64)> {
    let start = Instant::now();
    let reference = libreoffice_texts(files, soffice)?;
    if reference.iter().all(Option::is_none) {
        return Err(Error::invalid_argument(format!(
            "LibreOffice (`{}`) converted none of {} files",
            soffice.display(),
            files.len()
        )));
    }
    Ok((reference, start.elapsed().as_secs_f64()))
}

/// The first document clausal extracts from each file (the file's own; attachments and
/// embedded files are other documents) or the error, and the seconds it took.
pub(crate) fn first_documents(files: &[PathBuf]) -> (Vec<Result<Document, String>>, f64) {
    let start = Instant::now();
    let options = ExtractOptions::default();
    let ours = files
        .iter()
        .map(|f| match clausal::extract(f, &options) {
            Ok(docs) => docs.into_iter().next().ok_or_else(|| "no document".to_owned()),
            Err(e) => Err(e.to_string()),
        })
        .collect();
    (ours, start.elapsed().as_secs_f64())
}

/// The `.docx` files under `dir`, recursively (any case of the extension).
fn docx_files(dir: &Path, out: &mut Vec<PathBuf>) -> crate::error::Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if file_type.is_dir() {
            docx_files(&path, out)?;
        } else if file_type.is_file()
            && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("docx"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// The lines of our text as LibreOffice lays them out: table cells on lines of their own.
fn our_lines(doc: &Document) -> Vec<&str> {
    let mut lines = Vec::new();
    for block in &doc.blocks {
        let Some(text) = doc.text.get(block.span.byte_start..block.span.byte_end) else {
            continue;
        };
        if block.kind == BlockKind::TableRow {
            lines.extend(text.split(" | ").flat_map(str::lines));
        } else {
            lines.extend(text.lines());
        }
    }
    lines
}

/// The list or heading number a line starts with ("1.", "14.2", "(a)", "iv.", "2.18.ii.1"),
/// when text follows it.
fn line_label(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let end = line.find(char::is_whitespace)?;
    let (token, rest) = line.split_at(end);
    if rest.trim().is_empty() || token.len() > 16 {
        return None;
    }
    let shaped = token.ends_with('.')
        || token.ends_with(')')
        || token.starts_with('(')
        || token.contains('.');
    let core = token.trim_start_matches('(').trim_end_matches([')', '.']);
    let part_ok = |p: &str| {
        !p.is_empty()
            && (p.bytes().all(|c| c.is_ascii_digit())
                || (p.len() <= 2 && p.bytes().all(|c| c.is_ascii_alphabetic()))
                || p.bytes().all(|c| b"ivxlcIVXLC".contains(&c)))
    };
    (shaped && !core.is_empty() && core.split('.').all(part_ok)).then_some(token)
}

/// Index pairs `(i, j)` of a longest common subsequence of the labels of `a` and `b`.
///
/// The common prefix and suffix are matched directly; the rest uses the full LCS table when it
/// has at most [`MAX_ALIGN_CELLS`] cells, else a greedy alignment (a lower bound).
fn align(a: &[(&str, &str)], b: &[(&str, &str)]) -> Vec<(usize, usize)> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x.0 == y.0).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x.0 == y.0)
        .count();
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut pairs: Vec<(usize, usize)> = (0..prefix).map(|i| (i, i)).collect();
    let (n, m) = (a_mid.len(), b_mid.len());
    if n > 0 && m > 0 {
        let middle = if (n + 1).saturating_mul(m + 1) <= MAX_ALIGN_CELLS {
            lcs_pairs(a_mid, b_mid)
        } else {
            greedy_pairs(a_mid, b_mid)
        };
        pairs.extend(middle.into_iter().map(|(i, j)| (i + prefix, j + prefix)));
    }
    pairs.extend((0..suffix).map(|k| (a.len() - suffix + k, b.len() - suffix + k)));
    pairs
}

fn lcs_pairs(a: &[(&str, &str)], b: &[(&str, &str)]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    // `table[i * width + j]`: LCS length of `a[i..]` and `b[j..]`.
    let mut table = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i * width + j] = if a[i].0 == b[j].0 {
                table[(i + 1) * width + j + 1] + 1
            } else {
                table[(i + 1) * width + j].max(table[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i].0 == b[j].0 {
            pairs.push((i, j));
            (i, j) = (i + 1, j + 1);
        } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

fn greedy_pairs(a: &[(&str, &str)], b: &[(&str, &str)]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut j = 0;
    for (i, x) in a.iter().enumerate() {
        let window = &b[j.min(b.len())..(j + GREEDY_WINDOW).min(b.len())];
        if let Some(k) = window.iter().position(|y| y.0 == x.0) {
            pairs.push((i, j + k));
            j += k + 1;
        }
    }
    pairs
}

/// The unmatched stretches between consecutive aligned pairs.
fn differences(
    file: &str,
    theirs: &[(&str, &str)],
    mine: &[(&str, &str)],
    pairs: &[(usize, usize)],
) -> Vec<LabelDifference> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let ends = pairs.iter().copied().chain(std::iter::once((theirs.len(), mine.len())));
    for (pi, pj) in ends {
        if pi > i || pj > j {
            let line = theirs.get(i).filter(|_| pi > i).or(mine.get(j)).map_or("", |x| x.1);
            out.push(LabelDifference {
                file: file.to_owned(),
                libreoffice: theirs[i..pi].iter().map(|x| x.0.to_owned()).collect(),
                ours: mine[j..pj].iter().map(|x| x.0.to_owned()).collect(),
                context: line
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .chars()
                    .take(80)
                    .collect(),
            });
        }
        (i, j) = (pi + 1, pj + 1);
    }
    out
}

/// LibreOffice's text of each file, `None` where it wrote none.
pub(crate) fn libreoffice_texts(
    files: &[PathBuf],
    soffice: &Path,
) -> crate::error::Result<Vec<Option<String>>> {
    let work = WorkDir::create()?;
    let (input, output) = (work.0.join("in"), work.0.join("out"));
    for dir in [&input, &output] {
        std::fs::create_dir(dir).map_err(|e| Error::io(dir, e))?;
    }
    // Copies with unique names: LibreOffice names its output after the input's base name.
    let mut copies = Vec::with_capacity(files.len());
    for (i, file) in files.iter().enumerate() {
        // The file's own extension: LibreOffice picks its import filter partly by it.
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("docx").to_ascii_lowercase();
        let copy = input.join(format!("{i:05}.{ext}"));
        if std::fs::copy(file, &copy).is_ok() {
            copies.push(copy);
        }
    }
    let converted = |copy: &Path| {
        copy.file_stem().is_some_and(|s| output.join(s).with_extension("txt").is_file())
    };
    let mut generation = 0;
    for chunk in copies.chunks(CHUNK) {
        if convert(soffice, &work.0, generation, &output, chunk)? {
            // Killed: a stale profile lock must not block the next call.
            generation += 1;
            let left: Vec<&PathBuf> = chunk.iter().filter(|c| !converted(c)).collect();
            if chunk.len() > 1 {
                for one in left {
                    if convert(soffice, &work.0, generation, &output, std::slice::from_ref(one))? {
                        generation += 1;
                    }
                }
            }
        }
    }
    Ok((0..files.len())
        .map(|i| {
            let bytes = std::fs::read(output.join(format!("{i:05}.txt"))).ok()?;
            let text = String::from_utf8_lossy(&bytes);
            Some(text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned())
        })
        .collect())
}

/// Runs one LibreOffice conversion of `inputs` into `output`, with the profile `generation`
/// under `work`. Returns whether it had to be killed for exceeding its time.
fn convert(
    soffice: &Path,
    work: &Path,
    generation: u32,
    output: &Path,
    inputs: &[PathBuf],
) -> crate::error::Result<bool> {
    let profile = file_url(&work.join(format!("profile-{generation}")));
    let mut command = Command::new(soffice);
    command
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--norestore", "--convert-to", FILTER, "--outdir"])
        .arg(output)
        .args(inputs)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        // Its own process group, so that a timeout kills soffice.bin too, not only the script.
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(|e| {
        Error::invalid_argument(format!(
            "cannot run LibreOffice as `{}`: {e}; install LibreOffice or give the path of soffice",
            soffice.display()
        ))
    })?;
    let deadline = Instant::now() + TIMEOUT_BASE + TIMEOUT_PER_FILE * inputs.len() as u32;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return Ok(false),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            _ => {
                tracing::warn!(files = inputs.len(), "LibreOffice exceeded its time; killed");
                kill(&mut child);
                return Ok(true);
            }
        }
    }
}

/// Kills a child started in its own process group, and the group.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        let group = format!("-{}", child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A `file://` URL for an absolute path, percent-encoding what a URL path may not hold.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// A temporary folder, removed with everything in it when dropped.
struct WorkDir(PathBuf);

impl WorkDir {
    fn create() -> crate::error::Result<WorkDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir =
            std::env::temp_dir().join(format!("clausal-eval-docx-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(WorkDir(dir))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_at_line_starts() {
        for (line, label) in [
            ("1. Definitions", Some("1.")),
            ("    14.2 Notices", Some("14.2")),
            ("(a) the Customer", Some("(a)")),
            ("iv. survival", Some("iv.")),
            ("2.18.ii.1 x", Some("2.18.ii.1")),
            ("a)\tfoo", Some("a)")),
            ("1.", None),
            ("Section 1. Term", None),
            ("The 1. thing", None),
            ("Inc. is", None),
            ("1,000 dollars", None),
            ("第１章 hello", None),
        ] {
            assert_eq!(line_label(line), label, "{line:?}");
        }
    }

    #[test]
    fn alignment_reports_the_differing_stretches() {
        let lab = |v: &[&'static str]| -> Vec<(&'static str, &'static str)> {
            v.iter().map(|l| (*l, *l)).collect()
        };
        let theirs = lab(&["1.", "2.", "i.6", "3.", "4."]);
        let mine = lab(&["1.", "2.", "1.6", "3.", "(a)", "4."]);
        let pairs = align(&theirs, &mine);
        assert_eq!(pairs, [(0, 0), (1, 1), (3, 3), (4, 5)]);
        let diffs = differences("f", &theirs, &mine, &pairs);
        assert_eq!(diffs.len(), 2);
        assert_eq!(
            (diffs[0].libreoffice.as_slice(), diffs[0].ours.as_slice()),
            (&["i.6".to_owned()][..], &["1.6".to_owned()][..])
        );
        assert!(diffs[1].libreoffice.is_empty());
        assert_eq!(diffs[1].ours, ["(a)"]);
        // The greedy fallback finds the same pairs here.
        assert_eq!(greedy_pairs(&theirs, &mine), pairs);
    }

    #[test]
    fn file_urls_are_escaped() {
        assert_eq!(file_url(Path::new("/tmp/a b/p")), "file:///tmp/a%20b/p");
    }
}
