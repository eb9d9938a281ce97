//! Tests on small PDFs built with lopdf's writer (no corpus files).

use lopdf::{Dictionary, Document, Object, Stream, StringFormat, dictionary};

use super::*;
use crate::extract::draft::Limits;

/// One page of a fixture: its content stream and extra page-dictionary entries.
struct PageSpec {
    content: Vec<u8>,
    extra: Dictionary,
}

fn page(content: &str) -> PageSpec {
    PageSpec { content: content.as_bytes().to_vec(), extra: Dictionary::new() }
}

/// Builds a PDF whose pages share resources: /F1 Helvetica (WinAnsi) plus `fonts` and
/// `xobjects` built by the callbacks (which get the document to add objects to).
fn build(
    pages: Vec<PageSpec>,
    extra_fonts: impl FnOnce(&mut Document) -> Dictionary,
    xobjects: impl FnOnce(&mut Document) -> Dictionary,
    info: Option<Dictionary>,
) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let f1 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let mut fonts = dictionary! { "F1" => f1 };
    fonts.extend(&extra_fonts(&mut doc));
    let xo = xobjects(&mut doc);
    let resources = doc.add_object(dictionary! { "Font" => fonts, "XObject" => xo });
    let mut kids = Vec::new();
    for p in pages {
        let content = doc.add_object(Stream::new(Dictionary::new(), p.content));
        let mut d = dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content };
        d.extend(&p.extra);
        kids.push(Object::Reference(doc.add_object(d)));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    if let Some(info) = info {
        let id = doc.add_object(info);
        doc.trailer.set("Info", id);
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save fixture");
    out
}

fn simple(pages: Vec<PageSpec>) -> Vec<u8> {
    build(pages, |_| Dictionary::new(), |_| Dictionary::new(), None)
}

fn run(bytes: &[u8]) -> Result<Draft, ExtractError> {
    let mut budget = Budget::new(Limits::default());
    extract(bytes, &mut budget)
}

fn text_of(d: &Draft) -> String {
    d.blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n\n")
}

#[test]
fn simple_text() {
    let pdf = simple(vec![page("BT /F1 12 Tf 72 700 Td (Hello World) Tj ET")]);
    let d = run(&pdf).expect("extract");
    assert_eq!(text_of(&d), "Hello World");
    assert_eq!(d.blocks[0].kind, BlockKind::Paragraph);
    assert_eq!(d.blocks[0].page, Some(1));
    assert_eq!(d.pages, vec![PageInfo { number: 1, needs_ocr: false, ocr: None }]);
}

#[test]
fn tj_kerning_gaps_and_operators() {
    let pdf = simple(vec![page(
        "BT /F1 12 Tf 14 TL 72 700 Td [(Hel) -20 (lo) -600 (World) 10 (s)] TJ T* (Next) Tj (line) ' \
         2 0 (third) \" ET",
    )]);
    let d = run(&pdf).expect("extract");
    assert_eq!(text_of(&d), "Hello Worlds\nNext\nline\nthird");
}

#[test]
fn type0_identity_h_with_bfrange_tounicode() {
    let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        1 beginbfrange <0001> <0003> <0041> endbfrange\n\
        1 beginbfrange <0004> <0005> [<00660069> <0020>] endbfrange\n\
        endcmap end end";
    let pdf = build(
        vec![page("BT /F2 10 Tf 72 700 Td <000100020003000500040001> Tj ET")],
        |doc| {
            let tu = doc.add_object(Stream::new(Dictionary::new(), cmap.as_bytes().to_vec()));
            let cid = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Test",
                "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
                "DW" => 1000,
                "W" => vec![1.into(), vec![600.into(), 600.into(), 600.into()].into(), 4.into(), 5.into(), 500.into()],
            });
            let f2 = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Test", "Encoding" => "Identity-H",
                "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
            });
            dictionary! { "F2" => f2 }
        },
        |_| Dictionary::new(),
        None,
    );
    let d = run(&pdf).expect("extract");
    assert_eq!(text_of(&d), "ABC fiA");
}

#[test]
fn differences_encoding() {
    let pdf = build(
        vec![page("BT /F3 12 Tf 72 700 Td (ABCD) Tj ET")],
        |doc| {
            let f3 = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Custom",
                "Encoding" => dictionary! {
                    "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding",
                    "Differences" => vec![65.into(), "fi".into(), "uni0042".into(), "eacute".into()],
                },
            });
            dictionary! { "F3" => f3 }
        },
        |_| Dictionary::new(),
        None,
    );
    assert_eq!(text_of(&run(&pdf).expect("extract")), "fiBéD");
}

#[test]
fn form_xobject_with_matrix() {
    let pdf = build(
        vec![page(
            "BT /F1 12 Tf 72 700 Td (Before) Tj ET q 1 0 0 1 0 -100 cm /X1 Do Q BT /F1 12 Tf 72 500 Td (After) Tj ET",
        )],
        |_| Dictionary::new(),
        |doc| {
            let form = doc.add_object(Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
                    "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 0.into(), 50.into()],
                },
                b"BT /F1 12 Tf 72 650 Td (Inside the form) Tj ET".to_vec(),
            ));
            dictionary! { "X1" => form }
        },
        None,
    );
    let d = run(&pdf).expect("extract");
    assert_eq!(text_of(&d), "Before\n\nInside the form\n\nAfter");
}

#[test]
fn rotated_page() {
    // On a page shown rotated by 90 degrees, text running up the unrotated page reads left to
    // right; a larger x in user space is lower on the shown page.
    let mut p = page(
        "BT /F1 12 Tf 0 1 -1 0 100 100 Tm (First line) Tj 0 1 -1 0 114 100 Tm (Second line) Tj ET",
    );
    p.extra.set("Rotate", 90);
    let d = run(&simple(vec![p])).expect("extract");
    assert_eq!(text_of(&d), "First line\nSecond line");
}

#[test]
fn inherited_rotation_and_upside_down_page() {
    let mut doc_pages = vec![page(
        "BT /F1 12 Tf -1 0 0 -1 500 300 Tm (Upside) Tj -1 0 0 -1 500 314 Tm (down) Tj ET",
    )];
    doc_pages[0].extra.set("Rotate", 180);
    let d = run(&simple(doc_pages)).expect("extract");
    assert_eq!(text_of(&d), "Upside\ndown");
}

#[test]
fn two_paragraphs() {
    let pdf = simple(vec![page(
        "BT /F1 12 Tf 14 TL 72 700 Td (First paragraph line one) Tj T* (line two) Tj \
         0 -40 Td (Second paragraph) Tj T* (continues) Tj ET",
    )]);
    let d = run(&pdf).expect("extract");
    let texts: Vec<&str> = d.blocks.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(texts, vec!["First paragraph line one\nline two", "Second paragraph\ncontinues"]);
}

#[test]
fn running_header_and_page_numbers_are_furniture() {
    let pages = (1..=3)
        .map(|n| {
            page(&format!(
                "BT /F1 9 Tf 72 760 Td (ACME Corp. Confidential - Draft {n}) Tj ET \
                 BT /F1 12 Tf 72 600 Td (Body text of page {n} goes here.) Tj ET \
                 BT /F1 9 Tf 300 30 Td (Page {n} of 3) Tj ET"
            ))
        })
        .collect();
    let d = run(&simple(pages)).expect("extract");
    let kinds: Vec<(BlockKind, Option<u32>)> = d.blocks.iter().map(|b| (b.kind, b.page)).collect();
    use BlockKind::{Furniture as F, Paragraph as P};
    assert_eq!(
        kinds,
        vec![
            (F, Some(1)),
            (P, Some(1)),
            (F, Some(1)),
            (F, Some(2)),
            (P, Some(2)),
            (F, Some(2)),
            (F, Some(3)),
            (P, Some(3)),
            (F, Some(3))
        ]
    );
    assert_eq!(d.blocks[4].text, "Body text of page 2 goes here.");
    assert_eq!(d.blocks[5].text, "Page 2 of 3");
}

#[test]
fn two_columns_read_left_then_right() {
    let mut content = String::from("BT /F1 10 Tf ");
    for i in 0..15 {
        let y = 700 - i * 12;
        content.push_str(&format!(
            "1 0 0 1 72 {y} Tm (left column words number {i} here) Tj 1 0 0 1 330 {y} Tm (right column words number {i} there) Tj "
        ));
    }
    content.push_str("ET");
    let d = run(&simple(vec![page(&content)])).expect("extract");
    let t = text_of(&d);
    let left_end = t.find("left column words number 14").expect("left");
    let right_start = t.find("right column words number 0").expect("right");
    assert!(left_end < right_start, "{t}");
}

#[test]
fn metadata_from_info() {
    let info = dictionary! {
        "Title" => Object::String(b"\xfe\xff\x00T\x00i\x00t\x00l\x00e".to_vec(), StringFormat::Hexadecimal),
        "Author" => Object::string_literal("Jane Doe"),
        "Producer" => Object::string_literal("Test Producer"),
        "CreationDate" => Object::string_literal("D:20240131123000+01'00'"),
    };
    let pdf = build(
        vec![page("BT /F1 12 Tf 72 700 Td (x) Tj ET")],
        |_| Dictionary::new(),
        |_| Dictionary::new(),
        Some(info),
    );
    let d = run(&pdf).expect("extract");
    assert_eq!(d.title.as_deref(), Some("Title"));
    assert_eq!(d.metadata.get("author"), Some(&vec!["Jane Doe".to_string()]));
    assert_eq!(d.metadata.get("producer"), Some(&vec!["Test Producer".to_string()]));
    assert_eq!(d.metadata.get("created"), Some(&vec!["2024-01-31T12:30:00+01:00".to_string()]));
}

#[test]
fn image_only_page_needs_ocr() {
    let pdf = build(
        vec![page("q 100 0 0 100 0 0 cm /Im1 Do Q")],
        |_| Dictionary::new(),
        |doc| {
            let img = doc.add_object(Stream::new(
                dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
                vec![0],
            ));
            dictionary! { "Im1" => img }
        },
        None,
    );
    // With OCR off (this test must not depend on Tesseract being installed; tests/ocr.rs
    // covers OCR itself), the page says so instead of being silently empty.
    let mut budget = Budget::new(Limits::default());
    budget.ocr.enabled = false;
    let d = extract(&pdf, &mut budget).expect("extract");
    assert!(d.pages[0].needs_ocr);
    assert!(d.pages[0].ocr.is_none());
    assert_eq!(d.warnings, ["page 1 has no text layer; OCR is off"]);
}

#[test]
fn encrypted_without_usable_password_is_an_error() {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content = doc.add_object(Stream::new(Dictionary::new(), b"BT ET".to_vec()));
    let p = doc
        .add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![p.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let enc = doc.add_object(dictionary! {
        "Filter" => "Standard", "V" => 2, "R" => 3, "Length" => 128, "P" => -4,
        "O" => Object::String(vec![7; 32], StringFormat::Hexadecimal),
        "U" => Object::String(vec![9; 32], StringFormat::Hexadecimal),
    });
    doc.trailer.set("Encrypt", enc);
    doc.trailer.set(
        "ID",
        vec![
            Object::String(vec![1; 16], StringFormat::Hexadecimal),
            Object::String(vec![1; 16], StringFormat::Hexadecimal),
        ],
    );
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    assert!(matches!(run(&out), Err(ExtractError::Encrypted | ExtractError::Malformed(_))));
}

#[test]
fn garbage_and_truncated_inputs_are_errors_not_panics() {
    assert!(matches!(run(b"this is not a pdf"), Err(ExtractError::Malformed(_))));
    assert!(run(b"%PDF-1.4\n%%EOF").is_err());
    let pdf = simple(vec![page("BT /F1 12 Tf 72 700 Td (Hello World) Tj ET")]);
    for cut in [10, 30, pdf.len() / 3, pdf.len() / 2, pdf.len() - 40] {
        // Whatever the outcome, it must not panic; a short prefix cannot hold a page.
        let r = run(&pdf[..cut]);
        if cut <= 30 {
            assert!(r.is_err());
        }
    }
    // Corrupt bytes all over a valid file.
    let mut state: u32 = 12345;
    for _ in 0..200 {
        let mut bad = pdf.clone();
        for _ in 0..8 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let i = (state as usize >> 8) % bad.len();
            bad[i] = (state >> 3) as u8;
        }
        let _ = run(&bad);
    }
}

#[test]
fn limits_are_enforced() {
    let pdf = simple(vec![page("BT /F1 12 Tf 72 700 Td (a) Tj ET"), page("BT ET"), page("BT ET")]);
    let mut budget = Budget::new(Limits { max_pages: 2, ..Limits::default() });
    assert!(matches!(
        extract(&pdf, &mut budget),
        Err(ExtractError::Limit { limit: "max_pages", .. })
    ));
    let mut budget = Budget::new(Limits { max_bytes: 10, ..Limits::default() });
    assert!(matches!(
        extract(&pdf, &mut budget),
        Err(ExtractError::Limit { limit: "max_bytes", .. })
    ));
}

#[test]
fn cyclic_form_xobjects_terminate() {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let form_id = doc.new_object_id();
    let font = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
    );
    let res = dictionary! { "XObject" => dictionary! { "X" => form_id }, "Font" => dictionary! { "F1" => font } };
    doc.objects.insert(
        form_id,
        Object::Stream(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "Resources" => res.clone() },
            b"BT /F1 12 Tf 72 700 Td (loop) Tj ET /X Do".to_vec(),
        )),
    );
    let content = doc.add_object(Stream::new(Dictionary::new(), b"/X Do".to_vec()));
    let p = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content, "Resources" => res });
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![p.into(), pages_id.into()], "Count" => 1 }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    let d = run(&out).expect("extract");
    assert_eq!(text_of(&d), "loop");
}

#[test]
fn page_number_patterns() {
    for s in ["3", "- 3 -", "Page 3", "Page 3 of 10", "iv", "– 12 –"] {
        assert!(is_page_number(s), "{s}");
    }
    for s in ["3. Term", "Section 3", "2019", "Page three"] {
        assert!(!is_page_number(s) || s == "2019", "{s}");
    }
}

#[test]
fn damaged_flate_stream_is_read_up_to_the_damage() {
    use std::io::Write;
    let mut text = String::from("BT /F1 12 Tf 14 TL 72 700 Td ");
    for i in 0..40 {
        text.push_str(&format!("(Line number {i} of the damaged stream) ' "));
    }
    text.push_str("ET");
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(text.as_bytes()).expect("compress");
    let mut z = enc.finish().expect("compress");
    z.truncate(z.len() / 2);
    // A damaged zlib header too: lopdf's inflater reads on regardless.
    z[0] = 0;
    z[1] = 0;
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let f1 = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
    );
    let content = doc.add_object(
        Stream::new(dictionary! { "Filter" => "FlateDecode" }, z).with_compression(false),
    );
    let p = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => f1 } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![p.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    let d = run(&out).expect("extract");
    let t = text_of(&d);
    assert!(t.starts_with("Line number 0 of the damaged stream"), "{t}");
}

#[test]
fn embedded_files_become_attachments() {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content = doc.add_object(Stream::new(Dictionary::new(), b"BT ET".to_vec()));
    let p = doc
        .add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![p.into()], "Count" => 1 },
        ),
    );
    let file = doc.add_object(Stream::new(
        dictionary! { "Type" => "EmbeddedFile", "Subtype" => "text#2Fplain" },
        b"attached bytes".to_vec(),
    ));
    let spec = doc.add_object(dictionary! {
        "Type" => "Filespec", "F" => Object::string_literal("notes.txt"), "EF" => dictionary! { "F" => file },
    });
    let names = dictionary! { "EmbeddedFiles" => dictionary! { "Names" => vec![Object::string_literal("notes.txt"), spec.into()] } };
    let catalog =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id, "Names" => names });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    let d = run(&out).expect("extract");
    assert_eq!(d.attachments.len(), 1);
    assert_eq!(d.attachments[0].name.as_deref(), Some("notes.txt"));
    assert_eq!(d.attachments[0].bytes, b"attached bytes");
}
