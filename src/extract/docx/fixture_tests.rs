//! Tests of the DOCX extractor on documents this file generates: with docx-rs where it can
//! express the feature, else by writing the zip and its XML parts directly.

use std::io::{Cursor, Write};

use super::{DocxOptions, extract};
use crate::extract::draft::{BlockKind, Budget, Draft, ExtractError, Limits};
use docx_rs::{
    AbstractNumbering, Comment, Delete, Docx, Footer, Header, IndentLevel, Insert, Level, LevelJc,
    LevelText, NumberFormat, Numbering, NumberingId, Paragraph, Run, Start, Table, TableCell,
    TableRow,
};

fn pack(docx: Docx) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    docx.build().pack(&mut buf).expect("pack");
    buf.into_inner()
}

fn run(bytes: &[u8]) -> Result<Draft, ExtractError> {
    extract(bytes, &DocxOptions::default(), &mut Budget::new(Limits::default()))
}

fn run_original(bytes: &[u8]) -> Result<Draft, ExtractError> {
    extract(bytes, &DocxOptions { original: true }, &mut Budget::new(Limits::default()))
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

fn labels(d: &Draft) -> Vec<String> {
    d.blocks.iter().filter_map(|b| b.label.clone()).collect()
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A minimal package: content types, package rels, document rels for the given parts, and the
/// parts themselves (name, XML).
fn package(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut rels = String::from(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (i, (name, _)) in parts.iter().enumerate() {
        let kind = match *name {
            "word/numbering.xml" => "numbering",
            "word/styles.xml" => "styles",
            "word/footnotes.xml" => "footnotes",
            "word/comments.xml" => "comments",
            _ => continue,
        };
        let target = name.trim_start_matches("word/");
        rels.push_str(&format!(
            r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"/>"#
        ));
    }
    rels.push_str("</Relationships>");
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let files: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string()),
        ("word/_rels/document.xml.rels", rels),
    ];
    for (name, body) in files.iter().map(|(n, b)| (*n, b.as_str())).chain(parts.iter().copied()) {
        zip.start_file(name, opts).expect("start");
        zip.write_all(body.as_bytes()).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

fn document(body: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#
    )
}

fn num_p(num: u32, ilvl: u32, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
    )
}

/// An abstractNum with levels "1.", "1.1", "(a)".
fn legal_abstract(id: u32) -> String {
    format!(
        r#"<w:abstractNum w:abstractNumId="{id}">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/><w:suff w:val="space"/></w:lvl>
</w:abstractNum>"#
    )
}

#[test]
fn multi_level_numbering_with_docx_rs() {
    let lvl = |i: usize, fmt: &str, text: &str| {
        Level::new(
            i,
            Start::new(1),
            NumberFormat::new(fmt),
            LevelText::new(text),
            LevelJc::new("left"),
        )
    };
    let abs = AbstractNumbering::new(2)
        .add_level(lvl(0, "decimal", "%1."))
        .add_level(lvl(1, "decimal", "%1.%2"))
        .add_level(lvl(2, "lowerLetter", "(%3)"));
    let p = |lv: usize, t: &str| para(t).numbering(NumberingId::new(2), IndentLevel::new(lv));
    let docx = Docx::new()
        .add_abstract_numbering(abs)
        .add_numbering(Numbering::new(2, 2))
        .add_paragraph(p(0, "Definitions"))
        .add_paragraph(p(1, "Terms"))
        .add_paragraph(p(2, "first"))
        .add_paragraph(p(2, "second"))
        .add_paragraph(p(1, "More"))
        .add_paragraph(p(2, "restarted"))
        .add_paragraph(p(0, "Payment"))
        .add_paragraph(p(1, "Fees"));
    let d = run(&pack(docx)).expect("draft");
    assert_eq!(labels(&d), ["1.", "1.1", "(a)", "(b)", "1.2", "(a)", "2.", "2.1"]);
    let b = &d.blocks[1];
    assert_eq!(b.kind, BlockKind::ListItem);
    assert_eq!(b.text, "1.1\tTerms");
    assert!(d.blocks.iter().all(|b| b.kind == BlockKind::ListItem));
}

#[test]
fn restart_override_and_shared_counters() {
    // num 1 and num 2 share abstract 0 (they continue each other); num 3 restarts level 0 at 5
    // through startOverride; lvlRestart 0 keeps level 1 counting across level-0 items.
    let numbering = format!(
        r#"<?xml version="1.0"?><w:numbering xmlns:w="{W}">{}
<w:abstractNum w:abstractNumId="1">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="Article %1"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:lvlRestart w:val="0"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2)"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"#,
        legal_abstract(0)
    );
    let body = [
        num_p(1, 0, "a"),
        num_p(1, 1, "b"),
        num_p(2, 0, "c"),
        num_p(2, 1, "d"),
        num_p(3, 0, "e"),
        num_p(3, 1, "f"),
        num_p(4, 0, "g"),
        num_p(4, 1, "h"),
        num_p(4, 0, "i"),
        num_p(4, 1, "j"),
    ]
    .concat();
    let bytes =
        package(&[("word/document.xml", &document(&body)), ("word/numbering.xml", &numbering)]);
    let d = run(&bytes).expect("draft");
    assert_eq!(
        labels(&d),
        ["1.", "1.1", "2.", "2.1", "5.", "5.1", "Article I", "1)", "Article II", "2)"]
    );
}

#[test]
fn style_linked_numbering_and_headings() {
    let styles = format!(
        r#"<?xml version="1.0"?><w:styles xmlns:w="{W}">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Clause"><w:name w:val="Clause"/><w:basedOn w:val="Clause2"/></w:style>
<w:style w:type="paragraph" w:styleId="Clause2"><w:name w:val="Clause 2"/><w:basedOn w:val="Clause"/><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="7"/></w:numPr></w:pPr></w:style>
<w:style w:type="numbering" w:styleId="LegalList"><w:name w:val="Legal List"/><w:pPr><w:numPr><w:numId w:val="8"/></w:numPr></w:pPr></w:style>
</w:styles>"#
    );
    // num 7 -> abstract 1, which links to the numbering style LegalList -> num 8 -> abstract 0.
    let numbering = format!(
        r#"<?xml version="1.0"?><w:numbering xmlns:w="{W}">{}
<w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="LegalList"/></w:abstractNum>
<w:num w:numId="7"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="8"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>"#,
        legal_abstract(0)
    );
    let body = r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Term</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Clause"/></w:pPr><w:r><w:t>This Agreement starts on the Effective Date.</w:t></w:r></w:p>
<w:p><w:r><w:t>Plain text.</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>Unnumbered heading</w:t></w:r></w:p>"#;
    let bytes = package(&[
        ("word/document.xml", &document(body)),
        ("word/styles.xml", &styles),
        ("word/numbering.xml", &numbering),
    ]);
    let d = run(&bytes).expect("draft");
    let got: Vec<(BlockKind, Option<&str>, &str)> =
        d.blocks.iter().map(|b| (b.kind, b.label.as_deref(), b.text.as_str())).collect();
    assert_eq!(
        got,
        [
            (BlockKind::Heading, Some("1."), "1.\tTerm"),
            (BlockKind::ListItem, Some("1.1"), "1.1\tThis Agreement starts on the Effective Date."),
            (BlockKind::Paragraph, None, "Plain text."),
            (BlockKind::Heading, None, "Unnumbered heading"),
        ]
    );
}

#[test]
fn table_rows_with_docx_rs() {
    let cell = |t: &str| TableCell::new().add_paragraph(para(t));
    let table = Table::new(vec![
        TableRow::new(vec![cell("Party"), cell("Role")]),
        TableRow::new(vec![cell("Acme Inc."), cell("Provider")]),
    ]);
    let docx =
        Docx::new().add_paragraph(para("Parties")).add_table(table).add_paragraph(para("End"));
    let d = run(&pack(docx)).expect("draft");
    let got: Vec<(BlockKind, &str)> = d.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
    assert_eq!(
        got,
        [
            (BlockKind::Paragraph, "Parties"),
            (BlockKind::TableRow, "Party | Role"),
            (BlockKind::TableRow, "Acme Inc. | Provider"),
            (BlockKind::Paragraph, "End"),
        ]
    );
}

#[test]
fn nested_table_is_flattened() {
    let body = r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>outer</w:t></w:r></w:p></w:tc><w:tc>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>y</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p/></w:tc></w:tr></w:tbl>"#;
    let d = run(&package(&[("word/document.xml", &document(body))])).expect("draft");
    assert_eq!(d.blocks.len(), 1);
    assert_eq!(d.blocks[0].text, "outer | x | y");
}

#[test]
fn tracked_changes_with_docx_rs_both_ways() {
    let p = Paragraph::new()
        .add_run(Run::new().add_text("The fee is "))
        .add_delete(Delete::new().add_run(Run::new().add_delete_text("100")))
        .add_insert(Insert::new(Run::new().add_text("200")))
        .add_run(Run::new().add_text(" dollars."));
    let bytes = pack(Docx::new().add_paragraph(p));
    let accepted = run(&bytes).expect("draft");
    assert_eq!(accepted.blocks[0].text, "The fee is 200 dollars.");
    assert_eq!(accepted.metadata["tracked-changes"], ["true"]);
    let original = run_original(&bytes).expect("draft");
    assert_eq!(original.blocks[0].text, "The fee is 100 dollars.");
}

#[test]
fn moves_fields_and_run_content() {
    let body = r#"<w:p><w:r><w:t xml:space="preserve">See </w:t></w:r>
<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> REF _Ref1 \h </w:instrText></w:r>
<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Section 4.2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
<w:moveFrom><w:r><w:t>old place</w:t></w:r></w:moveFrom><w:moveTo><w:r><w:t xml:space="preserve"> new place</w:t></w:r></w:moveTo>
<w:r><w:tab/><w:t>x</w:t><w:br/><w:t>co</w:t><w:noBreakHyphen/><w:t>op</w:t></w:r>
<w:hyperlink><w:r><w:t xml:space="preserve"> link</w:t></w:r></w:hyperlink>
<w:sdt><w:sdtPr><w:alias w:val="Hidden"/></w:sdtPr><w:sdtContent><w:r><w:t xml:space="preserve"> control</w:t></w:r></w:sdtContent></w:sdt>
<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>  </w:t></w:r></w:p>"#;
    let bytes = package(&[("word/document.xml", &document(body))]);
    let d = run(&bytes).expect("draft");
    assert_eq!(d.blocks.len(), 1, "empty paragraphs give no block");
    assert_eq!(d.blocks[0].text, "See Section 4.2 new place\tx\nco-op link control");
    let o = run_original(&bytes).expect("draft");
    assert_eq!(o.blocks[0].text, "See Section 4.2old place\tx\nco-op link control");
}

#[test]
fn footnote_is_a_note_block() {
    let footnotes = format!(
        r#"<?xml version="1.0"?><w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/><w:t>sep</w:t></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:t>As defined in the Act.</w:t></w:r></w:p><w:p><w:r><w:t>Second line.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"#
    );
    let body = r#"<w:p><w:r><w:t>Body</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>"#;
    let bytes =
        package(&[("word/document.xml", &document(body)), ("word/footnotes.xml", &footnotes)]);
    let d = run(&bytes).expect("draft");
    assert_eq!(d.blocks.len(), 2);
    assert_eq!(d.blocks[1].kind, BlockKind::Note);
    assert_eq!(d.blocks[1].text, "As defined in the Act.\nSecond line.");
}

#[test]
fn header_footer_and_comment_metadata_with_docx_rs() {
    let comment = Comment::new(1).author("Counsel").add_paragraph(para("Check the cap"));
    let p = Paragraph::new()
        .add_run(Run::new().add_text("Liability is "))
        .add_comment_start(comment)
        .add_run(Run::new().add_text("capped at fees paid"))
        .add_comment_end(1)
        .add_run(Run::new().add_text("."));
    let docx = Docx::new()
        .header(Header::new().add_paragraph(para("CONFIDENTIAL")))
        .footer(Footer::new().add_paragraph(para("Page footer")))
        .add_paragraph(p);
    let d = run(&pack(docx)).expect("draft");
    assert_eq!(d.blocks[0].text, "Liability is capped at fees paid.");
    assert_eq!(d.metadata["header"], ["CONFIDENTIAL"]);
    assert_eq!(d.metadata["footer"], ["Page footer"]);
    assert_eq!(d.metadata["comment"], ["capped at fees paid => Check the cap"]);
}

#[test]
fn xml_depth_bomb_is_a_limit() {
    let depth = 100_000;
    let body = format!("{}{}", "<w:sdt>".repeat(depth), "</w:sdt>".repeat(depth));
    let bytes = package(&[("word/document.xml", &document(&body))]);
    match run(&bytes) {
        Err(ExtractError::Limit { limit: "max_xml_depth", max: 256, .. }) => {}
        other => panic!("expected max_xml_depth, got {other:?}"),
    }
}

#[test]
fn inflation_beyond_ratio_is_a_limit() {
    // 20 MB of spaces inside one element compresses about 1000:1.
    let body = format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", " ".repeat(20 << 20));
    let bytes = package(&[("word/document.xml", &document(&body))]);
    assert!(bytes.len() < 200_000);
    match run(&bytes) {
        Err(ExtractError::Limit { limit: "max_zip_ratio", max: 200, .. }) => {}
        other => panic!("expected max_zip_ratio, got {other:?}"),
    }
    // With a generous ratio the part limit still applies.
    let mut limits =
        Limits { max_zip_ratio: 100_000, max_part_bytes: 1 << 20, ..Limits::default() };
    let r = extract(&bytes, &DocxOptions::default(), &mut Budget::new(limits.clone()));
    assert!(matches!(r, Err(ExtractError::Limit { limit: "max_part_bytes", .. })), "{r:?}");
    limits.max_part_bytes = 64 << 20;
    assert!(extract(&bytes, &DocxOptions::default(), &mut Budget::new(limits)).is_ok());
}

#[test]
fn too_many_entries_is_a_limit() {
    let bytes = package(&[("word/document.xml", &document("<w:p/>"))]);
    let limits = Limits { max_zip_entries: 3, ..Limits::default() };
    let r = extract(&bytes, &DocxOptions::default(), &mut Budget::new(limits));
    assert!(
        matches!(r, Err(ExtractError::Limit { limit: "max_zip_entries", actual: 4, .. })),
        "{r:?}"
    );
}

#[test]
fn non_docx_inputs_are_typed_errors() {
    assert!(matches!(run(b""), Err(ExtractError::Malformed(_))));
    assert!(matches!(run(b"PK\x03\x04garbage"), Err(ExtractError::Malformed(_))));
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend_from_slice(&[0; 64]);
    assert!(matches!(run(&ole), Err(ExtractError::Unsupported(_))));
    ole.extend("EncryptionInfo".encode_utf16().flat_map(|u| u.to_le_bytes()));
    assert_eq!(run(&ole), Err(ExtractError::Encrypted));
    // Truncations of a real package never panic.
    let good = pack(Docx::new().add_paragraph(para("Hello")));
    for cut in (0..good.len()).step_by(97) {
        let _ = run(&good[..cut]);
    }
    // Malformed XML in the main part.
    let bad = package(&[("word/document.xml", "<w:document><w:body><w:p></w:body>")]);
    assert!(matches!(run(&bad), Err(ExtractError::Malformed(_))));
}

#[test]
fn core_properties_give_title_and_author() {
    let core = r#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>Master Services Agreement</dc:title><dc:creator>Jane Roe</dc:creator><dcterms:created>2024-01-02T03:04:05Z</dcterms:created></cp:coreProperties>"#;
    let bytes = package(&[
        ("word/document.xml", &document("<w:p><w:r><w:t>x</w:t></w:r></w:p>")),
        ("docProps/core.xml", core),
    ]);
    let d = run(&bytes).expect("draft");
    assert_eq!(d.title.as_deref(), Some("Master Services Agreement"));
    assert_eq!(d.metadata["author"], ["Jane Roe"]);
    assert_eq!(d.metadata["created"], ["2024-01-02T03:04:05Z"]);
}

#[test]
fn legal_numbering_custom_format_and_link_cycles() {
    let numbering = format!(
        r#"<?xml version="1.0"?><w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="ARTICLE %1"/><w:suff w:val="space"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:isLgl/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="custom" w:format="α, β, γ, ..."/><w:lvlText w:val="(%3)"/></w:lvl>
<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="Loop"/></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"#
    );
    // The numbering style "Loop" points at num 2, whose abstract links back to "Loop".
    let styles = format!(
        r#"<?xml version="1.0"?><w:styles xmlns:w="{W}"><w:style w:type="numbering" w:styleId="Loop"><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style></w:styles>"#
    );
    let body = [
        num_p(1, 0, "Definitions"),
        num_p(1, 1, "Terms"),
        num_p(1, 2, "alpha"),
        num_p(1, 2, "beta"),
        num_p(1, 3, "bullet"),
        num_p(2, 0, "loop"),
        num_p(99, 0, "missing num"),
    ]
    .concat();
    let bytes = package(&[
        ("word/document.xml", &document(&body)),
        ("word/numbering.xml", &numbering),
        ("word/styles.xml", &styles),
    ]);
    let d = run(&bytes).expect("draft");
    let got: Vec<(BlockKind, Option<&str>, &str)> =
        d.blocks.iter().map(|b| (b.kind, b.label.as_deref(), b.text.as_str())).collect();
    assert_eq!(
        got,
        [
            (BlockKind::ListItem, Some("ARTICLE I"), "ARTICLE I Definitions"),
            (BlockKind::ListItem, Some("1.1"), "1.1\tTerms"),
            (BlockKind::ListItem, Some("(α)"), "(α)\talpha"),
            (BlockKind::ListItem, Some("(β)"), "(β)\tbeta"),
            (BlockKind::ListItem, None, "bullet"),
            (BlockKind::Paragraph, None, "loop"),
            (BlockKind::Paragraph, None, "missing num"),
        ]
    );
}

#[test]
fn field_and_comment_floods_stay_fast() {
    let n = 200_000;
    let body = format!(
        "<w:p>{}{}</w:p>",
        r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:commentRangeStart w:id="1"/>"#.repeat(n),
        "<w:r><w:t>x</w:t></w:r>".repeat(n)
    );
    let bytes = package(&[("word/document.xml", &document(&body))]);
    let t = std::time::Instant::now();
    let d = run(&bytes).expect("draft");
    assert!(d.blocks.is_empty(), "text inside unfinished field instructions is hidden");
    assert!(t.elapsed().as_secs() < 20);
}

#[test]
fn mutated_documents_never_panic() {
    let base = package(&[(
        "word/document.xml",
        &document(
            &[num_p(1, 0, "a"), "<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>".into()].concat(),
        ),
    )]);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..2000 {
        let mut bytes = base.clone();
        for _ in 0..4 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let i = (seed >> 33) as usize % bytes.len();
            bytes[i] = (seed >> 13) as u8;
        }
        let _ = run(&bytes);
        let _ = run_original(&bytes);
    }
    // Mutations of the XML itself (the zip stays valid).
    let numbering = format!(
        r#"<?xml version="1.0"?><w:numbering xmlns:w="{W}">{}<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#,
        legal_abstract(0)
    );
    let xml = document(
        &[
            num_p(1, 0, "a"),
            num_p(1, 2, "b"),
            r#"<w:tbl><w:tr><w:tc><w:p><w:ins><w:r><w:t>c</w:t></w:r></w:ins></w:p></w:tc></w:tr></w:tbl>"#.into(),
            r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:del><w:r><w:delText>d</w:delText></w:r></w:del></w:p>"#.into(),
        ]
        .concat(),
    );
    let symbols = b"<>/=\"w:pPr tbl%123";
    for _ in 0..1000 {
        let mut x = xml.clone().into_bytes();
        let mut n = numbering.clone().into_bytes();
        for _ in 0..3 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let target = if seed & 1 == 0 { &mut x } else { &mut n };
            let i = (seed >> 33) as usize % target.len();
            target[i] = symbols[(seed >> 20) as usize % symbols.len()];
        }
        let (x, n) = (String::from_utf8_lossy(&x), String::from_utf8_lossy(&n));
        let bytes = package(&[("word/document.xml", &x), ("word/numbering.xml", &n)]);
        let _ = run(&bytes);
        let _ = run_original(&bytes);
    }
}

#[test]
fn deleted_paragraph_mark_joins_paragraphs() {
    let body = r#"<w:p><w:pPr><w:rPr><w:del w:id="1" w:author="a"/></w:rPr></w:pPr><w:r><w:t xml:space="preserve">The term is </w:t></w:r></w:p>
<w:p><w:r><w:t>two years.</w:t></w:r></w:p>
<w:p><w:pPr><w:rPr><w:ins w:id="2" w:author="a"/></w:rPr></w:pPr><w:ins w:id="3" w:author="a"><w:r><w:t xml:space="preserve">New </w:t></w:r></w:ins></w:p>
<w:p><w:r><w:t>end.</w:t></w:r></w:p>"#;
    let bytes = package(&[("word/document.xml", &document(body))]);
    let texts = |d: Draft| d.blocks.into_iter().map(|b| b.text).collect::<Vec<_>>();
    assert_eq!(texts(run(&bytes).expect("draft")), ["The term is two years.", "New", "end."]);
    assert_eq!(texts(run_original(&bytes).expect("draft")), ["The term is", "two years.", "end."]);
}
