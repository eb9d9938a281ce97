//! Extraction through the public API, on fixtures the tests write themselves.

use std::path::PathBuf;

use clausal::{BlockKind, DocKind, ErrorKind, ExtractOptions, Fault};

use crate::fixtures::{base64, docx_bytes};

/// A scratch directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("clausal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn text_and_markdown_files() {
    let dir = TempDir::new("extract-text");
    let md =
        dir.write("nda.md", b"# Mutual NDA\n\n1. Purpose.\nThe parties wish to explore a deal.\n");
    let docs = clausal::extract(&md, &ExtractOptions::default()).unwrap();
    assert_eq!(docs.len(), 1);
    let doc = &docs[0];
    assert_eq!(doc.kind, DocKind::Markdown);
    assert_eq!(doc.title.as_deref(), Some("Mutual NDA"));
    assert_eq!(doc.text, "Mutual NDA\n\n1. Purpose.\nThe parties wish to explore a deal.");
    assert_eq!(doc.blocks[0].kind, BlockKind::Heading);
    for block in &doc.blocks {
        assert!(block.span.byte_end <= doc.text.len());
    }
    assert!(doc.parent.is_none());

    // Windows-1252 text is decoded, not rejected.
    let legacy = dir.write("legacy.txt", b"Caf\xe9 \x93terms\x94 apply.");
    let docs = clausal::extract(&legacy, &ExtractOptions::default()).unwrap();
    assert_eq!(docs[0].text, "Café \u{201c}terms\u{201d} apply.");
    assert_eq!(docs[0].kind, DocKind::Text);
    // Same bytes, same id, wherever the file is.
    let copy = dir.write("copy.txt", b"Caf\xe9 \x93terms\x94 apply.");
    assert_eq!(clausal::extract(&copy, &ExtractOptions::default()).unwrap()[0].id, docs[0].id);
}

#[test]
fn limits_and_unknown_formats_are_typed_errors() {
    let dir = TempDir::new("extract-limits");
    let big = dir.write("big.txt", &vec![b'a'; 4096]);
    let mut options = ExtractOptions::default();
    options.limits.max_bytes = 1000;
    let err = clausal::extract(&big, &options).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::LimitExceeded { limit: "max_bytes", .. }), "{err}");
    assert_eq!(err.fault(), Fault::Input);
    assert!(err.to_string().contains("big.txt"), "{err}");

    let binary = dir.write("blob.bin", &[0u8, 159, 146, 150, 0, 1, 2, 3]);
    let err = clausal::extract(&binary, &ExtractOptions::default()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::UnsupportedFormat { .. }), "{err}");

    let err = clausal::extract(dir.0.join("missing.pdf"), &ExtractOptions::default()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Io { .. }), "{err}");
}

pub(crate) fn email_with_attachment(subject: &str, name: &str, attachment: &[u8]) -> Vec<u8> {
    format!(
        "From: Legal <legal@example.com>\r\nTo: Ops <ops@example.com>\r\nSubject: {subject}\r\n\
         Date: Tue, 3 Mar 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.com>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease review the attached MSA.\r\n\
         --b1\r\nContent-Type: application/octet-stream; name=\"{name}\"\r\n\
         Content-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
         {}\r\n--b1--\r\n",
        base64(attachment)
    )
    .into_bytes()
}

#[test]
fn email_attachments_become_child_documents() {
    let dir = TempDir::new("extract-email");
    let docx =
        docx_bytes(&["Master Services Agreement", "14.2 Force Majeure. Pandemics excuse delay."]);
    // The attachment name is hostile: it must never become a path.
    let eml =
        dir.write("msg.eml", &email_with_attachment("MSA for review", "../../etc/msa.docx", &docx));
    let docs = clausal::extract(&eml, &ExtractOptions::default()).unwrap();
    assert_eq!(docs.len(), 2, "{docs:#?}");
    let (email, child) = (&docs[0], &docs[1]);
    assert_eq!(email.kind, DocKind::Email);
    assert_eq!(email.title.as_deref(), Some("MSA for review"));
    assert_eq!(email.metadata["from"], ["Legal <legal@example.com>"]);
    assert_eq!(email.metadata["message-id"], ["m1@example.com"]);
    assert!(email.metadata["attachment"][0].contains("msa.docx"));
    assert_eq!(email.text, "Please review the attached MSA.");
    assert_eq!(child.kind, DocKind::Docx);
    assert_eq!(child.parent, Some(email.id));
    assert_eq!(child.id, clausal::DocId::of_bytes(&docx));
    assert!(child.source.ends_with("msg.eml#attachment-1"), "{}", child.source);
    assert!(child.text.contains("14.2 Force Majeure. Pandemics excuse delay."));
    assert!(!dir.0.join("etc").exists());
}

#[test]
fn mbox_messages_and_zip_entries_are_documents() {
    let dir = TempDir::new("extract-containers");
    let mbox = b"From a@example.com Sat Jan  3 01:05:34 2026\nFrom: a@example.com\nSubject: one\n\nFirst.\n\n\
From b@example.com Sat Jan  3 01:06:34 2026\nFrom: b@example.com\nSubject: two\n\nSecond.\n";
    let path = dir.write("box.mbox", mbox);
    let docs = clausal::extract(&path, &ExtractOptions::default()).unwrap();
    let subjects: Vec<_> = docs.iter().map(|d| d.title.clone().unwrap_or_default()).collect();
    assert_eq!(subjects, ["one", "two"]);
    assert!(docs[1].source.ends_with("box.mbox#message-2"));

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("notes/readme.txt", options).unwrap();
    std::io::Write::write_all(&mut zip, b"Renewal notice is due by 1 June.").unwrap();
    zip.start_file("contract.docx", options).unwrap();
    std::io::Write::write_all(&mut zip, &docx_bytes(&["Term. Three years."])).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let path = dir.write("archive.zip", &bytes);
    let docs = clausal::extract(&path, &ExtractOptions::default()).unwrap();
    let mut kinds: Vec<_> = docs.iter().map(|d| (d.kind, d.text.clone())).collect();
    kinds.sort_by_key(|(k, _)| k.to_string());
    assert_eq!(
        kinds,
        [
            (DocKind::Docx, "Term. Three years.".to_owned()),
            (DocKind::Text, "Renewal notice is due by 1 June.".to_owned())
        ]
    );
}

#[test]
fn nested_containers_are_bounded() {
    // A zip inside a zip inside ... deeper than the container limit.
    let mut bytes = b"innermost text".to_vec();
    for level in 0..8 {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(format!("level{level}.zip"), zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, &bytes).unwrap();
        bytes = zip.finish().unwrap().into_inner();
    }
    let err = clausal::extract_bytes(&bytes, "nested.zip", &ExtractOptions::default()).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::LimitExceeded { limit: "max_container_depth", .. }),
        "{err}"
    );
}

/// A PDF with a running header and page numbers on every page and one body line per page.
fn pdf_bytes(body: &[&str]) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    for (n, line) in body.iter().enumerate() {
        let content = format!(
            "BT /F1 9 Tf 72 760 Td (ACME CORP - MASTER SERVICES AGREEMENT) Tj ET \
             BT /F1 12 Tf 72 600 Td ({line}) Tj ET BT /F1 9 Tf 300 40 Td ({}) Tj ET",
            n + 1
        );
        let content = doc.add_object(Stream::new(lopdf::Dictionary::new(), content.into_bytes()));
        kids.push(Object::Reference(doc.add_object(
            dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content },
        )));
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
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn pdf_pages_furniture_and_all_text() {
    let dir = TempDir::new("extract-pdf");
    let lines = [
        "1. Definitions apply.",
        "14.2 Force Majeure covers epidemics.",
        "15. Notices in writing.",
    ];
    // The extension lies: the format is found by content.
    let path = dir.write("contract.bin", &pdf_bytes(&lines));
    let docs = clausal::extract(&path, &ExtractOptions::default()).unwrap();
    let doc = &docs[0];
    assert_eq!(doc.kind, DocKind::Pdf);
    assert_eq!(doc.pages.len(), 3);
    assert!(doc.pages.iter().all(|p| !p.needs_ocr));
    assert_eq!(doc.text, lines.join("\n\n"));
    assert_eq!(doc.blocks[1].span.page, Some(2));
    assert_eq!(&doc.text[doc.blocks[1].span.byte_start..doc.blocks[1].span.byte_end], lines[1]);
    assert!(
        doc.metadata["furniture"].contains(&"ACME CORP - MASTER SERVICES AGREEMENT".to_owned())
    );

    let all = ExtractOptions { keep_furniture: true, ..Default::default() };
    let doc = &clausal::extract(&path, &all).unwrap()[0];
    assert!(doc.text.starts_with("ACME CORP - MASTER SERVICES AGREEMENT\n\n1. Definitions apply."));
    assert_eq!(doc.blocks.iter().filter(|b| b.kind == BlockKind::Furniture).count(), 6);

    // Truncated and garbage PDFs are typed errors, never panics.
    let pdf = pdf_bytes(&lines);
    for cut in [10, pdf.len() / 3, pdf.len() / 2] {
        if let Err(e) = clausal::extract_bytes(&pdf[..cut], "cut.pdf", &ExtractOptions::default()) {
            assert_eq!(e.fault(), Fault::Input, "{e}");
        }
    }
}
