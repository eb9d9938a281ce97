//! Extraction speed: pages of PDF per second, and DOCX / email throughput.
//!
//! PDFs: the first `CLAUSAL_BENCH_PDFS` (default 12) files of `../shared/data/cuad/pdf` (or
//! `$CLAUSAL_CUAD_PDF`) by name, read at bench time and never stored in the repository; without
//! that folder, a 20-page contract PDF generated here with lopdf. DOCX and email inputs are
//! generated here.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use clausal::ExtractOptions;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn cuad_pdfs(want: usize) -> Option<Vec<Vec<u8>>> {
    let dir = std::env::var_os("CLAUSAL_CUAD_PDF")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/cuad/pdf"));
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).ok()?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let pdfs: Vec<Vec<u8>> =
        files.iter().take(want).filter_map(|f| std::fs::read(f).ok()).collect();
    (!pdfs.is_empty()).then_some(pdfs)
}

/// A 20-page PDF of numbered clauses with a running header and page numbers.
fn generated_pdf() -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman", "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    for page in 1..=20 {
        let mut content = String::from("BT /F1 9 Tf 72 760 Td (MASTER SERVICES AGREEMENT) Tj ET ");
        for line in 0..45 {
            let y = 720 - line * 14;
            content.push_str(&format!(
                "BT /F1 11 Tf 72 {y} Td [({page}.{line} The Supplier shall) -250 (indemnify the \
                 Customer against all losses arising from any breach of this Agreement.)] TJ ET "
            ));
        }
        content.push_str(&format!("BT /F1 9 Tf 300 40 Td ({page}) Tj ET"));
        let content = doc.add_object(Stream::new(lopdf::Dictionary::new(), content.into_bytes()));
        kids.push(Object::Reference(doc.add_object(
            dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content },
        )));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => 20, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("generated PDF");
    out
}

fn generated_docx() -> Vec<u8> {
    use docx_rs::{Docx, Paragraph, Run};
    let mut docx = Docx::new();
    for i in 0..400 {
        docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(format!(
            "{i}. The Receiving Party shall hold the Confidential Information in strict confidence."
        ))));
    }
    let mut buf = Cursor::new(Vec::new());
    docx.build().pack(&mut buf).expect("generated DOCX");
    buf.into_inner()
}

fn generated_eml() -> Vec<u8> {
    let mut body = String::new();
    for i in 0..200 {
        body.push_str(&format!("Paragraph {i}: please confirm the renewal notice period.\r\n\r\n"));
    }
    format!(
        "From: Legal <legal@example.com>\r\nTo: ops@example.com\r\nSubject: Renewal\r\n\
         Date: Tue, 3 Mar 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
    .into_bytes()
}

fn bench_extract(c: &mut Criterion) {
    let options = ExtractOptions::default();
    let want = std::env::var("CLAUSAL_BENCH_PDFS").ok().and_then(|s| s.parse().ok()).unwrap_or(12);
    let (source, pdfs) = match cuad_pdfs(want) {
        Some(pdfs) => ("cuad", pdfs),
        None => ("generated", vec![generated_pdf()]),
    };
    let pages: usize = pdfs
        .iter()
        .map(|p| clausal::extract_bytes(p, "bench.pdf", &options).map_or(0, |d| d[0].pages.len()))
        .sum();
    let mut group = c.benchmark_group("extract");
    group.sample_size(10).throughput(Throughput::Elements(pages as u64));
    group.bench_function(format!("pdf_pages_{source}"), |b| {
        b.iter(|| {
            for pdf in &pdfs {
                let _ = clausal::extract_bytes(pdf, "bench.pdf", &options);
            }
        })
    });
    let docx = generated_docx();
    group.throughput(Throughput::Bytes(docx.len() as u64));
    group.bench_function("docx_400_paragraphs", |b| {
        b.iter(|| clausal::extract_bytes(&docx, "bench.docx", &options).unwrap())
    });
    let eml = generated_eml();
    group.throughput(Throughput::Bytes(eml.len() as u64));
    group.bench_function("eml_200_paragraphs", |b| {
        b.iter(|| clausal::extract_bytes(&eml, "bench.eml", &options).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_extract);
criterion_main!(benches);
