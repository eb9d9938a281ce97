//! OCR of pages without a text layer: scans made here from a text PDF (rendered by pdftoppm),
//! read back by Tesseract. Skipped without `tesseract` and `pdftoppm` on PATH, unless
//! `CLAUSAL_REQUIRE_OCR=1` (CI sets it after installing them), which makes a missing tool a
//! failure.

use std::io::Write;
use std::process::Command;

use clausal::{ExtractOptions, OcrOptions};
use lopdf::{Document, Object, Stream, dictionary};

use crate::extract::TempDir;

const LINES: [&str; 4] = [
    "14.2 Force Majeure. Neither party shall be liable",
    "for any delay caused by fire, flood, war, epidemic",
    "or pandemic. The affected party shall give notice",
    "within ten days of the event.",
];

fn tools_present() -> bool {
    let ok = |p: &str, arg: &str| {
        Command::new(p).arg(arg).output().is_ok_and(|o| o.status.success() || !o.stdout.is_empty())
    };
    let present = ok("tesseract", "--version") && ok("pdftoppm", "-v");
    if !present && std::env::var_os("CLAUSAL_REQUIRE_OCR").is_some_and(|v| v == "1") {
        panic!("CLAUSAL_REQUIRE_OCR=1 but tesseract or pdftoppm is not on PATH");
    }
    present
}

/// A one-page text PDF of `LINES` in 14 pt Helvetica.
fn text_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let mut content = String::new();
    for (i, line) in LINES.iter().enumerate() {
        content.push_str(&format!("BT /F1 14 Tf 72 {} Td ({line}) Tj ET ", 700 - 22 * i as i64));
    }
    let content = doc.add_object(Stream::new(lopdf::Dictionary::new(), content.into_bytes()));
    let resources = dictionary! { "Font" => dictionary! { "F1" => font } };
    one_letter_page(doc, pages_id, content, resources)
}

/// Saves `doc` as one US-letter page of `content` with `resources`, under `pages_id`.
fn one_letter_page(
    mut doc: Document,
    pages_id: lopdf::ObjectId,
    content: lopdf::ObjectId,
    resources: lopdf::Dictionary,
) -> Vec<u8> {
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content, "Resources" => resources,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![Object::Reference(page)], "Count" => 1,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// The text PDF rendered at 200 dpi in grey: width, height, pixels.
fn render(dir: &TempDir) -> (usize, usize, Vec<u8>) {
    let pdf = dir.write("text.pdf", &text_pdf());
    let prefix = dir.0.join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "200", "-gray", "-singlefile"])
        .arg(&pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    let pgm = std::fs::read(dir.0.join("page.pgm")).expect("pgm");
    // "P5\nW H\n255\n" then the rows.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).into_owned());
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, pgm[i + 1..i + 1 + w * h].to_vec())
}

/// An image-only PDF of one letter page painting `images`: (pixels, width, height, `cm`
/// operands).
fn image_pdf(images: &[(Vec<u8>, usize, usize, [f32; 4])]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut xobjects = lopdf::Dictionary::new();
    let mut content = String::new();
    for (n, (pixels, w, h, [a, d, e, f])) in images.iter().enumerate() {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(pixels).unwrap();
        let img = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => *w as i64,
                "Height" => *h as i64, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
                "Filter" => "FlateDecode",
            },
            z.finish().unwrap(),
        ));
        let name = format!("Im{n}");
        xobjects.set(name.as_bytes().to_vec(), img);
        content.push_str(&format!("q {a} 0 0 {d} {e} {f} cm /{name} Do Q "));
    }
    let content = doc.add_object(Stream::new(lopdf::Dictionary::new(), content.into_bytes()));
    one_letter_page(doc, pages_id, content, dictionary! { "XObject" => xobjects })
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Share of the expected words found, in order.
fn recall(text: &str) -> f64 {
    let got = words(text);
    let want = words(&LINES.join(" "));
    let mut at = 0;
    let mut found = 0;
    for w in &want {
        if let Some(p) = got[at..].iter().position(|g| g == w) {
            at += p + 1;
            found += 1;
        }
    }
    found as f64 / want.len() as f64
}

#[test]
fn a_page_that_is_one_image_is_read_from_that_image() {
    if !tools_present() {
        return;
    }
    let dir = TempDir::new("ocr-image");
    let (w, h, px) = render(&dir);
    let pdf = image_pdf(&[(px, w, h, [612.0, 792.0, 0.0, 0.0])]);
    let docs = clausal::extract_bytes(&pdf, "scan.pdf", &ExtractOptions::default()).unwrap();
    let doc = &docs[0];
    assert!(recall(&doc.text) >= 0.95, "{:?}", doc.text);
    let page = &doc.pages[0];
    assert!(page.needs_ocr);
    let ocr = page.ocr.as_ref().expect("OCR ran");
    assert!(!ocr.rendered, "read from the page's own image");
    assert_eq!(ocr.dpi, 200);
    assert!(ocr.engine.starts_with("tesseract"), "{}", ocr.engine);
    assert!(ocr.confidence > 0.8, "{}", ocr.confidence);
    // "Force" sits on the first line, 72 pt from the left and about 92 pt from the top.
    let force = ocr.words.iter().find(|w| w.text == "Force").expect("a word 'Force'");
    assert!(
        (force.bbox[0] - 72.0).abs() < 40.0 && (force.bbox[1] - 80.0).abs() < 30.0,
        "{force:?}"
    );
    assert!(doc.blocks.iter().all(|b| b.span.page == Some(1)));
    assert!(doc.metadata["ocr"][0].starts_with("page 1 by tesseract"), "{:?}", doc.metadata);
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

#[test]
fn a_page_of_several_images_is_rendered_then_read() {
    if !tools_present() {
        return;
    }
    let dir = TempDir::new("ocr-render");
    let (w, h, px) = render(&dir);
    // The top and bottom halves as two images: not one image, so the page is rendered.
    let half = h / 2;
    let top = px[..half * w].to_vec();
    let bottom = px[half * w..].to_vec();
    let top_pt = 792.0 * half as f32 / h as f32;
    let pdf = image_pdf(&[
        (top, w, half, [612.0, top_pt, 0.0, 792.0 - top_pt]),
        (bottom, w, h - half, [612.0, 792.0 - top_pt, 0.0, 0.0]),
    ]);
    let docs = clausal::extract_bytes(&pdf, "scan.pdf", &ExtractOptions::default()).unwrap();
    let ocr = docs[0].pages[0].ocr.as_ref().expect("OCR ran");
    assert!(ocr.rendered);
    assert_eq!(ocr.dpi, 300);
    assert!(recall(&docs[0].text) >= 0.95, "{:?}", docs[0].text);
}

#[test]
fn without_the_engine_or_past_a_limit_the_page_stays_empty_with_a_warning() {
    // Needs no tools: nothing is run, or what is run is missing.
    let pixels = vec![255u8; 100 * 100];
    let pdf = image_pdf(&[(pixels, 100, 100, [612.0, 792.0, 0.0, 0.0])]);
    let missing = ExtractOptions {
        ocr: OcrOptions {
            tesseract: "/nonexistent/clausal-test/tesseract".into(),
            ..OcrOptions::default()
        },
        ..ExtractOptions::default()
    };
    let doc = &clausal::extract_bytes(&pdf, "scan.pdf", &missing).unwrap()[0];
    assert!(doc.pages[0].needs_ocr && doc.pages[0].ocr.is_none());
    assert!(
        doc.warnings.iter().any(|w| w
            .starts_with("page 1 has no text layer; OCR is not available: install tesseract-ocr")),
        "{:?}",
        doc.warnings
    );
    let off = ExtractOptions {
        ocr: OcrOptions { enabled: false, ..OcrOptions::default() },
        ..ExtractOptions::default()
    };
    let doc = &clausal::extract_bytes(&pdf, "scan.pdf", &off).unwrap()[0];
    assert!(
        doc.warnings.iter().any(|w| w == "page 1 has no text layer; OCR is off"),
        "{:?}",
        doc.warnings
    );
    if !tools_present() {
        return;
    }
    let small = ExtractOptions {
        ocr: OcrOptions { max_pixels: 5_000, ..OcrOptions::default() },
        ..ExtractOptions::default()
    };
    let doc = &clausal::extract_bytes(&pdf, "scan.pdf", &small).unwrap()[0];
    assert!(
        doc.warnings.iter().any(|w| w.contains("more than OCR's max_pixels")),
        "{:?}",
        doc.warnings
    );
    let hasty = ExtractOptions {
        ocr: OcrOptions {
            page_timeout: std::time::Duration::from_millis(1),
            ..OcrOptions::default()
        },
        ..ExtractOptions::default()
    };
    let doc = &clausal::extract_bytes(&pdf, "scan.pdf", &hasty).unwrap()[0];
    assert!(doc.warnings.iter().any(|w| w.contains("OCR failed")), "{:?}", doc.warnings);
    assert!(doc.pages[0].ocr.is_none());
}
