//! OCR fidelity: CUAD contracts turned into scans and read back, and the image-only PDFs of a
//! test-file tree.
//!
//! [`make_scans`] turns text PDFs into image-only PDFs the way a scanner would: each page is
//! rendered at 300 dpi in grey by Poppler's `pdftoppm`, rotated by a small random skew (up to
//! ±1°, bilinear), given mild noise (Gaussian, σ = 12 grey levels, and 0.02% speckles), and put
//! back into a PDF as one Flate-compressed image per page. Everything is seeded, so the same
//! contracts give the same scans. [`ocr`] extracts the scans with OCR and scores their text
//! against CUAD's reference text with the measures of `eval extraction`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use clausal::{ExtractOptions, OcrOptions};

use super::textsim;
use crate::error::Error;

/// The lowest acceptable mean bag-of-words F1 of OCR'd scans against the reference text.
pub const MIN_OCR_WORD_F1: f64 = 0.97;
/// The lowest acceptable mean order-aware sequence ratio.
pub const MIN_OCR_SEQ_RATIO: f64 = 0.93;
/// Resolution the scans are made at.
pub const SCAN_DPI: u32 = 300;
/// Largest skew of a scanned page, degrees.
pub const MAX_SKEW_DEGREES: f64 = 1.0;
/// Standard deviation of the Gaussian noise, grey levels.
pub const NOISE_SIGMA: f64 = 12.0;

/// One contract scanned and read back.
#[derive(Clone, Debug, Serialize)]
pub struct ScanScore {
    /// The contract's file name.
    pub file: String,
    /// Pages.
    pub pages: usize,
    /// Pages OCR'd.
    pub ocr_pages: usize,
    /// Bag-of-words F1 against the reference text.
    pub word_f1: f64,
    /// Order-aware sequence ratio.
    pub seq_ratio: f64,
    /// Mean word confidence Tesseract gave, 0 to 1.
    pub confidence: f64,
}

/// An image-only PDF of a test-file tree, with OCR off and on.
#[derive(Clone, Debug, Serialize)]
pub struct ImageOnlyPdf {
    /// The file.
    pub file: String,
    /// Pages that need OCR / pages.
    pub pages_needing_ocr: usize,
    /// Pages.
    pub pages: usize,
    /// Words of text without OCR.
    pub words_without_ocr: usize,
    /// Words of text with OCR.
    pub words_with_ocr: usize,
    /// Pages OCR'd.
    pub ocr_pages: usize,
    /// The first words read, for a look.
    pub sample: String,
    /// The warnings of the OCR run, or the error.
    pub notes: Vec<String>,
}

/// The OCR evaluation.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct OcrReport {
    /// The OCR engine ("tesseract 5.3.0").
    pub engine: String,
    /// Contracts scanned and scored.
    pub scans: Vec<ScanScore>,
    /// Mean bag-of-words F1 over the scans.
    pub mean_word_f1: f64,
    /// Mean sequence ratio over the scans.
    pub mean_seq_ratio: f64,
    /// Pages OCR'd in all.
    pub pages: usize,
    /// Wall seconds of extracting the scans (OCR included), with `threads` documents at once.
    pub extract_wall_seconds: f64,
    /// Documents extracted at once.
    pub threads: usize,
    /// Pages per wall second.
    pub pages_per_second: f64,
    /// Pages per CPU-second, the OCR subprocesses included.
    pub pages_per_cpu_second: f64,
    /// Seconds spent making the scans (rendering, skew and noise, writing).
    pub make_seconds: f64,
    /// The image-only PDFs of `--docs`.
    pub image_only: Vec<ImageOnlyPdf>,
}

impl OcrReport {
    /// Whether the scans meet [`MIN_OCR_WORD_F1`] and [`MIN_OCR_SEQ_RATIO`]. The image-only
    /// PDFs of `--docs` are listed, not gated: many are pictures without words (logos,
    /// gradients, test patterns), which OCR rightly leaves empty.
    pub fn passes(&self) -> bool {
        !self.scans.is_empty()
            && self.mean_word_f1 >= MIN_OCR_WORD_F1
            && self.mean_seq_ratio >= MIN_OCR_SEQ_RATIO
    }
}

/// Makes `limit` scans of the CUAD contracts in `cuad` (`pdf/STEM.pdf` with `txt/STEM.txt`) of
/// at most `max_pages` pages, first by name, into `out`; returns (scan, reference text) pairs.
///
/// # Errors
///
/// I/O errors, a `pdftoppm` that cannot be run, or no contract to scan.
pub fn make_scans(
    cuad: &Path,
    out: &Path,
    limit: usize,
    max_pages: usize,
    pdftoppm: &Path,
) -> crate::error::Result<Vec<(PathBuf, PathBuf)>> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let no_ocr = ExtractOptions {
        ocr: OcrOptions { enabled: false, ..OcrOptions::default() },
        ..ExtractOptions::default()
    };
    let mut chosen = Vec::new();
    for pdf in crate::extraction::list_files_recursive(&cuad.join("pdf"))? {
        if chosen.len() >= limit {
            break;
        }
        let Some(stem) = pdf.file_stem() else { continue };
        let mut name = stem.to_os_string();
        name.push(".txt");
        let reference = cuad.join("txt").join(name);
        if !reference.is_file() {
            continue;
        }
        let pages = clausal::extract(&pdf, &no_ocr)
            .ok()
            .and_then(|d| d.into_iter().next())
            .map_or(0, |d| d.pages.len());
        if (1..=max_pages).contains(&pages) {
            chosen.push((pdf, reference));
        }
    }
    if chosen.is_empty() {
        return Err(Error::invalid_argument(format!(
            "{}: no pdf/STEM.pdf with txt/STEM.txt of at most {max_pages} pages",
            cuad.display()
        )));
    }
    chosen
        .par_iter()
        .enumerate()
        .map(|(n, (pdf, reference))| {
            let name =
                pdf.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            let scan = out.join(format!("scan-{n:02}-{name}"));
            scan_pdf(pdf, &scan, pdftoppm, n as u64)?;
            Ok((scan, reference.clone()))
        })
        .collect()
}

/// Renders `pdf`, skews and soils each page, and writes the image-only PDF `out`.
fn scan_pdf(pdf: &Path, out: &Path, pdftoppm: &Path, seed: u64) -> crate::error::Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::io(out, e))?;
    let prefix = dir.path().join("p");
    let status = Command::new(pdftoppm)
        .args(["-r", &SCAN_DPI.to_string(), "-gray"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .map_err(|e| Error::io(pdftoppm, e))?;
    if !status.success() {
        return Err(Error::invalid_argument(format!("pdftoppm failed on {}", pdf.display())));
    }
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .map_err(|e| Error::io(dir.path(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pgm"))
        .collect();
    pages.sort();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x0C1A_05A1);
    let mut images = Vec::new();
    for page in &pages {
        let bytes = std::fs::read(page).map_err(|e| Error::io(page, e))?;
        let (w, h, pixels) = parse_pgm(&bytes)
            .ok_or_else(|| Error::invalid_argument(format!("{}: not a PGM", page.display())))?;
        let angle = (rng.unit() * 2.0 - 1.0) * MAX_SKEW_DEGREES;
        let mut soiled = rotate(&pixels, w, h, angle.to_radians());
        add_noise(&mut soiled, &mut rng);
        images.push((w, h, soiled));
    }
    let pdf_bytes = image_pdf(&images);
    std::fs::write(out, pdf_bytes).map_err(|e| Error::io(out, e))
}

/// Extracts each scan with OCR and scores it against its reference text; with `docs`, also
/// extracts every PDF under it without and with OCR and lists those that need OCR.
///
/// # Errors
///
/// I/O errors, and Tesseract not being available.
pub fn ocr(
    scans: &[(PathBuf, PathBuf)],
    docs: Option<&Path>,
    make_seconds: f64,
) -> crate::error::Result<OcrReport> {
    let options = ExtractOptions { keep_furniture: true, ..ExtractOptions::default() };
    let engine = options.ocr.engine().map_err(Error::invalid_argument)?;
    let cpu0 = crate::extraction::stat_cpu_seconds(true);
    let wall = Instant::now();
    let got: Vec<Option<clausal::Document>> = scans
        .par_iter()
        .map(|(scan, _)| clausal::extract(scan, &options).ok().and_then(|d| d.into_iter().next()))
        .collect();
    let extract_wall_seconds = wall.elapsed().as_secs_f64();
    let cpu = crate::extraction::stat_cpu_seconds(true).zip(cpu0).map(|(a, b)| a - b);
    let mut out = Vec::new();
    for ((scan, reference), doc) in scans.iter().zip(&got) {
        let file = scan.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let reference = std::fs::read(reference).map_err(|e| Error::io(reference, e))?;
        let a = textsim::words(&String::from_utf8_lossy(&reference));
        let (pages, ocr_pages, b, confidence) = match doc {
            Some(d) => {
                let ocr: Vec<&clausal::PageOcr> =
                    d.pages.iter().filter_map(|p| p.ocr.as_ref()).collect();
                let words: usize = ocr.iter().map(|p| p.words.len()).sum();
                let conf: f64 =
                    ocr.iter().flat_map(|p| &p.words).map(|w| f64::from(w.confidence)).sum();
                (
                    d.pages.len(),
                    ocr.len(),
                    textsim::words(&d.text),
                    if words == 0 { 0.0 } else { conf / words as f64 },
                )
            }
            None => (0, 0, Vec::new(), 0.0),
        };
        out.push(ScanScore {
            file,
            pages,
            ocr_pages,
            word_f1: textsim::bow_f1(&a, &b),
            seq_ratio: textsim::seq_ratio(&a, &b),
            confidence,
        });
    }
    let n = out.len().max(1) as f64;
    let pages: usize = out.iter().map(|s| s.ocr_pages).sum();
    let image_only = match docs {
        Some(dir) => image_only_pdfs(dir)?,
        None => Vec::new(),
    };
    Ok(OcrReport {
        engine,
        mean_word_f1: out.iter().map(|s| s.word_f1).sum::<f64>() / n,
        mean_seq_ratio: out.iter().map(|s| s.seq_ratio).sum::<f64>() / n,
        scans: out,
        pages,
        extract_wall_seconds,
        threads: rayon::current_num_threads(),
        pages_per_second: pages as f64 / extract_wall_seconds.max(1e-9),
        pages_per_cpu_second: pages as f64 / cpu.unwrap_or(extract_wall_seconds).max(1e-9),
        make_seconds,
        image_only,
    })
}

/// Every PDF under `dir` with a page that needs OCR: its text without and with OCR.
fn image_only_pdfs(dir: &Path) -> crate::error::Result<Vec<ImageOnlyPdf>> {
    let off = ExtractOptions {
        ocr: OcrOptions { enabled: false, ..OcrOptions::default() },
        ..ExtractOptions::default()
    };
    let on = ExtractOptions::default();
    let pdfs: Vec<PathBuf> = crate::extraction::list_files_recursive(dir)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
        .collect();
    let mut out: Vec<ImageOnlyPdf> = pdfs
        .par_iter()
        .filter_map(|pdf| {
            let before = clausal::extract(pdf, &off).ok()?;
            let first = before.first()?;
            let needing = first.pages.iter().filter(|p| p.needs_ocr).count();
            if needing == 0 {
                return None;
            }
            let words_without_ocr = textsim::words(&first.text).len();
            let file = pdf.strip_prefix(dir).unwrap_or(pdf).display().to_string();
            let mut row = ImageOnlyPdf {
                file,
                pages_needing_ocr: needing,
                pages: first.pages.len(),
                words_without_ocr,
                words_with_ocr: 0,
                ocr_pages: 0,
                sample: String::new(),
                notes: Vec::new(),
            };
            match clausal::extract(pdf, &on) {
                Ok(docs) => {
                    if let Some(d) = docs.first() {
                        row.words_with_ocr = textsim::words(&d.text).len();
                        row.ocr_pages = d.pages.iter().filter(|p| p.ocr.is_some()).count();
                        row.sample =
                            d.text.split_whitespace().take(12).collect::<Vec<_>>().join(" ");
                        row.notes =
                            d.warnings.iter().filter(|w| w.contains("OCR")).cloned().collect();
                    }
                }
                Err(e) => row.notes.push(e.to_string()),
            }
            Some(row)
        })
        .collect();
    out.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(out)
}

/// Width, height and pixels of a binary 8-bit PGM.
fn parse_pgm(bytes: &[u8]) -> Option<(usize, usize, Vec<u8>)> {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        if *bytes.get(i)? == b'#' {
            while *bytes.get(i)? != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while !bytes.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(bytes.get(start..i)?).ok()?.to_owned());
    }
    let [magic, w, h, max] = fields.as_slice() else { return None };
    if magic != "P5" || max != "255" {
        return None;
    }
    let (w, h): (usize, usize) = (w.parse().ok()?, h.parse().ok()?);
    let body = bytes.get(i + 1..i + 1 + w * h)?;
    Some((w, h, body.to_vec()))
}

/// The page rotated by `angle` radians about its centre (bilinear; white outside).
fn rotate(src: &[u8], w: usize, h: usize, angle: f64) -> Vec<u8> {
    let (s, c) = angle.sin_cos();
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let at = |x: isize, y: isize| -> f64 {
        if x < 0 || y < 0 || x as usize >= w || y as usize >= h {
            255.0
        } else {
            f64::from(src[y as usize * w + x as usize])
        }
    };
    let mut out = vec![255u8; w * h];
    out.par_chunks_mut(w).enumerate().for_each(|(y, row)| {
        for (x, px) in row.iter_mut().enumerate() {
            let (dx, dy) = (x as f64 - cx, y as f64 - cy);
            let sx = c * dx + s * dy + cx;
            let sy = -s * dx + c * dy + cy;
            let (x0, y0) = (sx.floor(), sy.floor());
            let (fx, fy) = (sx - x0, sy - y0);
            let (x0, y0) = (x0 as isize, y0 as isize);
            let v = at(x0, y0) * (1.0 - fx) * (1.0 - fy)
                + at(x0 + 1, y0) * fx * (1.0 - fy)
                + at(x0, y0 + 1) * (1.0 - fx) * fy
                + at(x0 + 1, y0 + 1) * fx * fy;
            *px = v.round().clamp(0.0, 255.0) as u8;
        }
    });
    out
}

/// Gaussian noise and sparse speckles.
fn add_noise(pixels: &mut [u8], rng: &mut Rng) {
    for p in pixels.iter_mut() {
        let speckle = rng.unit();
        if speckle < 0.0001 {
            *p = 0;
        } else if speckle < 0.0002 {
            *p = 255;
        } else {
            *p = (f64::from(*p) + rng.gaussian() * NOISE_SIGMA).round().clamp(0.0, 255.0) as u8;
        }
    }
}

/// A PDF with one page per grey image, each page the image's size at [`SCAN_DPI`].
fn image_pdf(images: &[(usize, usize, Vec<u8>)]) -> Vec<u8> {
    let mut out: Vec<u8> = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let n = images.len();
    // Objects: 1 catalog, 2 pages, then per page: page, content, image.
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    let mut object = |out: &mut Vec<u8>, body: &[u8]| {
        offsets.push(out.len());
        let _ = writeln!(out, "{} 0 obj", offsets.len());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    object(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
    object(
        &mut out,
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).as_bytes(),
    );
    for (i, (w, h, pixels)) in images.iter().enumerate() {
        let (pw, ph) =
            (*w as f64 * 72.0 / f64::from(SCAN_DPI), *h as f64 * 72.0 / f64::from(SCAN_DPI));
        let (content_id, image_id) = (4 + 3 * i, 5 + 3 * i);
        object(
            &mut out,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw:.2} {ph:.2}] /Resources << \
                 /XObject << /Im0 {image_id} 0 R >> >> /Contents {content_id} 0 R >>"
            )
            .as_bytes(),
        );
        let content = format!("q {pw:.2} 0 0 {ph:.2} 0 0 cm /Im0 Do Q");
        let mut body = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        body.extend_from_slice(content.as_bytes());
        body.extend_from_slice(b"\nendstream");
        object(&mut out, &body);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
        let _ = z.write_all(pixels);
        let data = z.finish().unwrap_or_default();
        let mut body = format!(
            "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter /FlateDecode /Length {} >>\nstream\n",
            data.len()
        )
        .into_bytes();
        body.extend_from_slice(&data);
        body.extend_from_slice(b"\nendstream");
        object(&mut out, &body);
    }
    let xref = out.len();
    let _ = writeln!(out, "xref\n0 {}\n0000000000 65535 f ", offsets.len() + 1);
    for o in &offsets {
        let _ = writeln!(out, "{o:010} 00000 n ");
    }
    let _ = write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        offsets.len() + 1
    );
    out
}

/// SplitMix64: a small seeded generator, so the scans are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn gaussian(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgm_round_trip_and_rotation_by_zero() {
        let mut pgm = b"P5\n# comment\n3 2\n255\n".to_vec();
        pgm.extend_from_slice(&[0, 10, 20, 30, 40, 50]);
        let (w, h, px) = parse_pgm(&pgm).expect("pgm");
        assert_eq!((w, h, px.as_slice()), (3, 2, &[0u8, 10, 20, 30, 40, 50][..]));
        assert_eq!(rotate(&px, w, h, 0.0), px);
        assert!(parse_pgm(b"P6\n1 1\n255\n\0\0\0").is_none());
    }

    #[test]
    fn the_scan_pdf_has_one_image_page_per_image() {
        let images = vec![(4, 2, vec![255u8; 8]), (2, 2, vec![0u8; 4])];
        let pdf = image_pdf(&images);
        let docs = clausal::extract_bytes(
            &pdf,
            "scan.pdf",
            &ExtractOptions {
                ocr: OcrOptions { enabled: false, ..OcrOptions::default() },
                ..ExtractOptions::default()
            },
        )
        .expect("extract");
        assert_eq!(docs[0].pages.len(), 2);
        assert!(docs[0].pages.iter().all(|p| p.needs_ocr));
        assert!(
            docs[0].warnings.iter().any(|w| w.contains("OCR is off")),
            "{:?}",
            docs[0].warnings
        );
    }

    #[test]
    fn noise_is_seeded() {
        let mut a = vec![128u8; 1000];
        let mut b = a.clone();
        add_noise(&mut a, &mut Rng(7));
        add_noise(&mut b, &mut Rng(7));
        assert_eq!(a, b);
        assert!(a.iter().any(|p| *p != 128));
    }
}
