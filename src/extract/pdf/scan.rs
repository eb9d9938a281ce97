//! Pages without a usable text layer, read by OCR (cargo feature `ocr`).
//!
//! For each such page the input to Tesseract is, in order of preference:
//! - the page's own image, when the page paints exactly one image XObject, upright, over at
//!   least 80% of the page, with no `/Rotate`: a JPEG (`/DCTDecode`) is handed over as it is,
//!   and an 8-bit grey or RGB or 1-bit grey image behind lossless filters is decoded by lopdf
//!   (flate2) and written as PNM;
//! - else a rendering of the page by Poppler's `pdftoppm` at [`OcrOptions::dpi`] (lower when
//!   the page would exceed [`OcrOptions::max_pixels`]).
//!
//! Before any decoder or renderer sees the page, every image painted on it must declare at most
//! `max_pixels` pixels. Pages are recognised in parallel (rayon), each within
//! [`OcrOptions::page_timeout`]. Recognised words become layout lines in page coordinates, so
//! that OCR'd pages go through the same furniture and paragraph steps as text pages.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lopdf::{Document, Object, ObjectId};
use rayon::prelude::*;

use super::content::PaintedImage;
use super::layout::Line;
use super::{Ctx, deref, page_list, pages_have};
use crate::extract::draft::{Draft, OcrOptions};
use crate::extract::ocr::{self, Word};
use crate::extract::{OcrWord, PageOcr};

/// A page that needs OCR.
pub(super) struct Candidate {
    /// Index into the document's pages.
    pub index: usize,
    /// 1-based page number.
    pub number: u32,
    /// The page box after `/Rotate`, in points: `[x0, y0, x1, y1]`.
    pub bounds: [f32; 4],
    /// The page's `/Rotate`, normalised to 0, 90, 180 or 270.
    pub rotate: i64,
    /// Image XObjects the page paints.
    pub images: Vec<PaintedImage>,
    /// Inline images the page paints.
    pub inline_images: u32,
}

/// What OCR read on one page: its lines replace the page's (missing or unreadable) text.
pub(super) struct Read {
    pub index: usize,
    pub lines: Vec<Line>,
}

/// A page's words, the resolution they were read at, how their pixels map onto the page, and
/// whether the page was rendered.
type Recognized = (Vec<Word>, u32, PixelMap, bool);

enum Input {
    /// An image file written from the page's own image, and how its pixels map onto the page.
    Image { path: PathBuf, dpi: u32, map: PixelMap },
    /// Render the page at this resolution.
    Render { dpi: u32 },
}

/// Pixel (left, top) to page points (x, y up): `x = x0 + px * sx`, `y = y1 - py * sy`.
#[derive(Clone, Copy)]
struct PixelMap {
    x0: f32,
    y1: f32,
    sx: f32,
    sy: f32,
}

/// Reads the candidate pages by OCR. Pages that cannot be read keep no text and get a warning;
/// the draft's pages get the OCR facts of those that were read, and its `ocr` metadata a
/// summary.
pub(super) fn read_pages(
    pdf: &[u8],
    doc: &Document,
    candidates: Vec<Candidate>,
    draft: &mut Draft,
    ctx: &mut Ctx,
) -> Vec<Read> {
    if candidates.is_empty() {
        return Vec::new();
    }
    let started = Instant::now();
    let options = ctx.budget.ocr.clone();
    let numbers: Vec<u32> = candidates.iter().map(|c| c.number).collect();
    if !options.enabled {
        ctx.warn(format!("{} no text layer; OCR is off", pages_have(&numbers)));
        return Vec::new();
    }
    let engine = match ocr::engine(&options) {
        Ok(v) => v,
        Err(e) => {
            ctx.warn(format!("{} no text layer; {e}", pages_have(&numbers)));
            return Vec::new();
        }
    };
    let dir = match tempfile::Builder::new().prefix("clausal-ocr-").tempdir() {
        Ok(d) => d,
        Err(e) => {
            ctx.warn(format!(
                "{} no text layer; OCR could not make a temporary folder: {e}",
                pages_have(&numbers)
            ));
            return Vec::new();
        }
    };
    let max_pages = usize::try_from(options.max_pages).unwrap_or(usize::MAX);
    if candidates.len() > max_pages {
        let skipped = numbers.get(max_pages..).unwrap_or_default();
        ctx.warn(format!(
            "{} no text layer and were not OCR'd: OCR stops after {max_pages} pages of a document",
            pages_have(skipped)
        ));
    }
    let mut jobs = Vec::new();
    for c in candidates.into_iter().take(max_pages) {
        match input(doc, &c, dir.path(), &options, ctx) {
            Ok(input) => jobs.push((c, input)),
            Err(why) => ctx.warn(format!("page {}: not OCR'd: {why}", c.number)),
        }
    }
    let pdf_path = dir.path().join("document.pdf");
    if jobs.iter().any(|(_, i)| matches!(i, Input::Render { .. }))
        && let Err(e) = std::fs::write(&pdf_path, pdf)
    {
        ctx.warn(format!("OCR could not write the PDF for rendering: {e}"));
        jobs.retain(|(_, i)| !matches!(i, Input::Render { .. }));
    }
    let results: Vec<(Candidate, Result<Recognized, String>)> = jobs
        .into_par_iter()
        .map(|(c, input)| {
            let r = recognize(&c, input, &pdf_path, dir.path(), &options);
            (c, r)
        })
        .collect();
    let mut out = Vec::new();
    let mut read = Vec::new();
    let mut confidence_sum = 0.0f64;
    let mut words_total = 0usize;
    for (c, r) in results {
        match r {
            Ok((words, dpi, map, rendered)) => {
                let (lines, page_ocr) = to_lines(&words, map, &c, &engine, &options, dpi, rendered);
                confidence_sum += words.iter().map(|w| f64::from(w.confidence)).sum::<f64>();
                words_total += words.len();
                if let Some(p) = draft.pages.get_mut(c.index) {
                    p.ocr = Some(page_ocr);
                }
                read.push(c.number);
                out.push(Read { index: c.index, lines });
            }
            Err(e) => ctx.warn(format!("page {}: OCR failed: {e}", c.number)),
        }
    }
    if !read.is_empty() {
        let mean = if words_total == 0 { 0.0 } else { confidence_sum / words_total as f64 / 100.0 };
        draft.add_meta(
            "ocr",
            format!(
                "{} by {engine} ({}), {words_total} words, mean word confidence {mean:.2}",
                page_list(&read),
                options.languages
            ),
        );
    }
    ctx.budget.exclude_time(started.elapsed());
    out
}

/// How a candidate page is given to Tesseract.
fn input(
    doc: &Document,
    c: &Candidate,
    dir: &Path,
    options: &OcrOptions,
    ctx: &mut Ctx,
) -> Result<Input, String> {
    if let Some(img) =
        c.images.iter().find(|i| i.width.saturating_mul(i.height) > options.max_pixels)
    {
        return Err(format!(
            "an image declares {}×{} pixels, more than OCR's max_pixels ({})",
            img.width, img.height, options.max_pixels
        ));
    }
    let page_w = c.bounds[2] - c.bounds[0];
    let page_h = c.bounds[3] - c.bounds[1];
    if let ([img], 0, 0) = (c.images.as_slice(), c.inline_images, c.rotate)
        && let Some(id) = img.id
        && let [a, b, cc, d, e, f] = img.ctm
        && b.abs() < 1e-3 * a.abs()
        && cc.abs() < 1e-3 * d.abs()
        && a > 0.0
        && d > 0.0
        && a * d >= 0.8 * page_w * page_h
        && let Some(path) = image_file(doc, id, dir, c.number, options, ctx)
        && let (Ok(w), Ok(h)) = (u32::try_from(img.width), u32::try_from(img.height))
    {
        // Image pixels onto the rectangle the CTM gives it.
        let map = PixelMap { x0: e, y1: f + d, sx: a / w as f32, sy: d / h as f32 };
        let dpi = (w as f32 / (a / 72.0)).round() as u32;
        return Ok(Input::Image { path, dpi, map });
    }
    let mut dpi = options.dpi.max(1);
    let pixels = |dpi: u32| {
        let s = dpi as f32 / 72.0;
        f64::from(page_w * s) * f64::from(page_h * s)
    };
    while dpi > 100 && pixels(dpi) > options.max_pixels as f64 {
        dpi = (dpi * 4 / 5).max(100);
    }
    if pixels(dpi) > options.max_pixels as f64 {
        return Err(format!(
            "the page ({page_w:.0}×{page_h:.0} pt) is too large to render under OCR's max_pixels"
        ));
    }
    Ok(Input::Render { dpi })
}

/// Writes the page's image as a file Tesseract reads, when it is JPEG or a plain raster behind
/// lossless filters; `None` sends the page to the renderer.
fn image_file(
    doc: &Document,
    id: ObjectId,
    dir: &Path,
    page: u32,
    options: &OcrOptions,
    ctx: &mut Ctx,
) -> Option<PathBuf> {
    let Ok(Object::Stream(s)) = doc.get_object(id) else { return None };
    let get = |k: &[u8]| s.dict.get(k).ok().and_then(|o| deref(doc, o));
    let int = |k: &[u8]| get(k).and_then(|o| o.as_i64().ok());
    let w = usize::try_from(int(b"Width")?).ok()?;
    let h = usize::try_from(int(b"Height")?).ok()?;
    if w == 0 || h == 0 || (w as u64).saturating_mul(h as u64) > options.max_pixels {
        return None;
    }
    if matches!(get(b"ImageMask"), Some(Object::Boolean(true))) {
        return None;
    }
    let bpc = int(b"BitsPerComponent").unwrap_or(8);
    let components = match get(b"ColorSpace")? {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => 1,
            b"DeviceRGB" | b"CalRGB" | b"RGB" => 3,
            _ => return None,
        },
        Object::Array(a) => match a.first().and_then(|o| o.as_name().ok()) {
            Some(b"CalGray") => 1,
            Some(b"CalRGB") => 3,
            Some(b"ICCBased") => {
                let Some(Object::Stream(icc)) = a.get(1).and_then(|o| deref(doc, o)) else {
                    return None;
                };
                match icc.dict.get(b"N").ok().and_then(|o| o.as_i64().ok()) {
                    Some(n @ (1 | 3)) => n,
                    _ => return None,
                }
            }
            _ => return None,
        },
        _ => return None,
    };
    let filters: Vec<Vec<u8>> = match get(b"Filter") {
        None => Vec::new(),
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| deref(doc, o).and_then(|o| o.as_name().ok()).map(<[u8]>::to_vec))
            .collect(),
        Some(_) => return None,
    };
    let inverted = match get(b"Decode") {
        Some(Object::Array(d)) => d.first().and_then(super::num).is_some_and(|v| v > 0.5),
        _ => false,
    };
    if filters.as_slice() == [b"DCTDecode".to_vec()] && bpc == 8 && !inverted {
        let path = dir.join(format!("page-{page}.jpg"));
        return std::fs::write(&path, &s.content).ok().map(|()| path);
    }
    let lossless = |f: &Vec<u8>| {
        matches!(
            f.as_slice(),
            b"FlateDecode" | b"Fl" | b"LZWDecode" | b"LZW" | b"ASCII85Decode" | b"A85"
        )
    };
    // 8-bit grey or RGB, or 1-bit grey.
    let plain = bpc == 8 || (bpc == 1 && components == 1);
    if !filters.iter().all(lossless) || !plain {
        return None;
    }
    let pixels = ctx.stream_bytes(doc, s).ok().flatten()?;
    let comps = usize::try_from(components).ok()?;
    let row = if bpc == 1 { w.div_ceil(8) } else { w * comps };
    let body = pixels.get(..row.checked_mul(h)?)?;
    let (magic, maxval) = match (bpc, comps) {
        (1, _) => ("P4", ""),
        (_, 1) => ("P5", "255\n"),
        _ => ("P6", "255\n"),
    };
    let mut pnm = format!("{magic}\n{w} {h}\n{maxval}").into_bytes();
    pnm.reserve(body.len());
    // PDF grey 0 is black; PBM 1 is black. A `/Decode [1 0]` swaps PDF's meaning.
    let flip = (bpc == 1) != inverted;
    if flip {
        pnm.extend(body.iter().map(|b| !b));
    } else {
        pnm.extend_from_slice(body);
    }
    let path = dir.join(format!("page-{page}.{}", if bpc == 1 { "pbm" } else { "pnm" }));
    std::fs::write(&path, pnm).ok().map(|()| path)
}

/// Renders (when needed) and recognises one page: its words, the resolution, the pixel map and
/// whether it was rendered.
fn recognize(
    c: &Candidate,
    input: Input,
    pdf: &Path,
    dir: &Path,
    options: &OcrOptions,
) -> Result<Recognized, String> {
    let deadline = Instant::now() + options.page_timeout;
    let left = || deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
    let (path, dpi, map, rendered) = match input {
        Input::Image { path, dpi, map } => (path, dpi, map, false),
        Input::Render { dpi } => {
            let path = ocr::render_page(pdf, c.number, dpi, dir, options, left())?;
            let s = 72.0 / dpi as f32;
            (path, dpi, PixelMap { x0: c.bounds[0], y1: c.bounds[3], sx: s, sy: s }, true)
        }
    };
    let words = ocr::recognize(&path, dpi, options, left());
    let _ = std::fs::remove_file(&path);
    Ok((words?, dpi, map, rendered))
}

/// Recognised words as layout lines (one per Tesseract line; a new Tesseract block or
/// paragraph starts a new group, which breaks paragraphs) and the page's OCR facts.
fn to_lines(
    words: &[Word],
    map: PixelMap,
    c: &Candidate,
    engine: &str,
    options: &OcrOptions,
    dpi: u32,
    rendered: bool,
) -> (Vec<Line>, PageOcr) {
    let x = |px: u32| map.x0 + px as f32 * map.sx;
    let y = |py: u32| map.y1 - py as f32 * map.sy;
    let mut lines: Vec<(Line, f32)> = Vec::new();
    let mut key = None;
    for w in words {
        let k = (w.block, w.par, w.line);
        let bottom = y(w.top.saturating_add(w.height));
        let height = w.height as f32 * map.sy;
        match lines.last_mut() {
            Some((line, h)) if key == Some(k) => {
                line.text.push(' ');
                line.text.push_str(&w.text);
                line.y = line.y.min(bottom);
                *h = h.max(height);
            }
            _ => {
                let group = u16::try_from((w.block * 64 + w.par) % 0x7fff).unwrap_or(0);
                lines.push((Line { text: w.text.clone(), y: bottom, size: 0.0, group }, height));
            }
        }
        key = Some(k);
    }
    // One size for the page: line boxes vary with ascenders and descenders, and a size change
    // would break paragraphs.
    let mut heights: Vec<f32> = lines.iter().map(|(_, h)| *h).collect();
    heights.sort_by(f32::total_cmp);
    let size = heights.get(heights.len() / 2).copied().unwrap_or(10.0).max(1.0);
    let lines = lines.into_iter().map(|(l, _)| Line { size, ..l }).collect();
    let top = c.bounds[3];
    let left = c.bounds[0];
    let ocr_words: Vec<OcrWord> = words
        .iter()
        .map(|w| OcrWord {
            text: w.text.clone(),
            bbox: [
                x(w.left) - left,
                top - y(w.top),
                x(w.left.saturating_add(w.width)) - left,
                top - y(w.top.saturating_add(w.height)),
            ],
            confidence: w.confidence / 100.0,
        })
        .collect();
    let confidence = if words.is_empty() {
        0.0
    } else {
        words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32 / 100.0
    };
    let page = PageOcr {
        engine: engine.to_owned(),
        languages: options.languages.clone(),
        dpi,
        rendered,
        confidence,
        words: ocr_words,
    };
    (lines, page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_lines_in_page_points() {
        let w = |text: &str, line: u32, left: u32, top: u32| Word {
            text: text.into(),
            block: 1,
            par: 1,
            line,
            left,
            top,
            width: 100,
            height: 50,
            confidence: 90.0,
        };
        let words = [w("Force", 1, 300, 300), w("Majeure", 1, 450, 310), w("Next", 2, 300, 400)];
        let c = Candidate {
            index: 0,
            number: 1,
            bounds: [0.0, 0.0, 612.0, 792.0],
            rotate: 0,
            images: Vec::new(),
            inline_images: 0,
        };
        let s = 72.0 / 300.0;
        let map = PixelMap { x0: 0.0, y1: 792.0, sx: s, sy: s };
        let (lines, page) =
            to_lines(&words, map, &c, "tesseract 5", &OcrOptions::default(), 300, true);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "Force Majeure");
        assert!((lines[0].y - (792.0 - 360.0 * s)).abs() < 1e-3, "{}", lines[0].y);
        assert!(lines[0].y > lines[1].y);
        assert_eq!(page.words.len(), 3);
        let b = page.words[0].bbox;
        assert!((b[0] - 72.0).abs() < 1e-3 && (b[1] - 72.0).abs() < 1e-3, "{b:?}");
        assert!((page.confidence - 0.9).abs() < 1e-6);
    }
}
