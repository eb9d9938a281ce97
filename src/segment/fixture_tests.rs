//! Contract fixtures: behaviour of the segmenter on typical contract layouts.

use super::{Clause, ClauseRole, segment};
use crate::extract::{Block, BlockKind, DocId, Document, Span};

fn plain(text: &str) -> (Document, Vec<Clause>) {
    let doc = Document::from_plain_text(DocId(1), text.to_string());
    let clauses = segment(&doc);
    (doc, clauses)
}

fn numbers(c: &[Clause]) -> Vec<String> {
    c.iter().filter_map(|c| c.number.clone()).collect()
}

fn by_number<'a>(c: &'a [Clause], n: &str) -> &'a Clause {
    match c.iter().find(|c| c.number.as_deref() == Some(n)) {
        Some(c) => c,
        None => panic!("no clause numbered {n}: {:?}", numbers(c)),
    }
}

fn text_of<'a>(doc: &'a Document, c: &Clause) -> &'a str {
    doc.text.get(c.span.clone()).unwrap_or("")
}

#[test]
fn numbered_sections_with_headings() {
    let (doc, c) = plain(
        "14. MISCELLANEOUS\n\n14.1 Notices. All notices shall be in writing.\n\n\
         14.2 Force Majeure. Neither party shall be liable for delays beyond its control.\n\n\
         14.3 Governing Law. This Agreement is governed by the laws of New York.\n",
    );
    assert_eq!(numbers(&c), ["14.", "14.1", "14.2", "14.3"]);
    let fm = by_number(&c, "14.2");
    assert_eq!(fm.heading.as_deref(), Some("Force Majeure"));
    assert_eq!(fm.parent, Some(by_number(&c, "14.").ordinal));
    assert_eq!(fm.depth, 1);
    assert!(text_of(&doc, fm).starts_with("14.2 Force Majeure."));
    assert!(text_of(&doc, fm).ends_with("control."));
    assert_eq!(by_number(&c, "14.").heading.as_deref(), Some("MISCELLANEOUS"));
}

#[test]
fn nested_letters_and_romans() {
    let (doc, c) = plain(
        "2. PAYMENT\n\n2.1 Fees. Customer shall pay:\n\n(a) the license fee;\n\n(b) the support fee, which includes:\n\n\
         (i) updates; and\n\n(ii) hotline support;\n\n(c) expenses.\n\n2.2 Taxes. Taxes are extra.\n",
    );
    assert_eq!(numbers(&c), ["2.", "2.1", "(a)", "(b)", "(i)", "(ii)", "(c)", "2.2"]);
    let s21 = by_number(&c, "2.1").ordinal;
    let b = c.iter().find(|x| x.number.as_deref() == Some("(b)")).map(|x| x.ordinal);
    for x in &c {
        match x.number.as_deref() {
            Some("(a)" | "(b)" | "(c)") => assert_eq!(x.parent, Some(s21)),
            Some("(i)" | "(ii)") => assert_eq!(x.parent, b),
            _ => {}
        }
    }
    // the section's own clause covers only its lead-in
    assert_eq!(text_of(&doc, by_number(&c, "2.1")), "2.1 Fees. Customer shall pay:");
    assert_eq!(by_number(&c, "2.2").parent, Some(by_number(&c, "2.").ordinal));
}

#[test]
fn letter_i_after_h_is_a_letter() {
    let mut t = String::from("3.1 Covenants. The Supplier shall:\n\n");
    for l in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] {
        t.push_str(&format!("({l}) do thing {l};\n\n"));
    }
    let (_, c) = plain(&t);
    let parent = by_number(&c, "3.1").ordinal;
    let i = by_number(&c, "(i)");
    assert_eq!(i.parent, Some(parent));
    assert_eq!(by_number(&c, "(j)").parent, Some(parent));
}

#[test]
fn article_and_section_styles() {
    let (_, c) = plain(
        "ARTICLE IV\nINDEMNIFICATION\n\nSection 4.1 Indemnity. Supplier shall indemnify Customer.\n\n\
         Section 4.2 Procedure. Customer shall give prompt notice.\n\nARTICLE V\nTERM\n\n\
         Section 5.1 Term. Five years.\n",
    );
    let a4 = by_number(&c, "ARTICLE IV");
    assert_eq!(a4.heading.as_deref(), Some("INDEMNIFICATION"));
    assert_eq!(a4.depth, 0);
    assert_eq!(by_number(&c, "Section 4.2").parent, Some(a4.ordinal));
    assert_eq!(by_number(&c, "Section 4.2").heading.as_deref(), Some("Procedure"));
    let a5 = by_number(&c, "ARTICLE V");
    assert_eq!(by_number(&c, "Section 5.1").parent, Some(a5.ordinal));
    assert_eq!(a5.heading.as_deref(), Some("TERM"));
}

#[test]
fn definitions_become_clauses() {
    let (_, c) = plain(
        "1. DEFINITIONS\n\nIn this Agreement:\n\n\"Affiliate\" means any entity controlling a party.\n\n\
         The term \u{201c}Confidential Information\u{201d} shall mean all non-public information.\n\n\
         \"Term\" has the meaning given in Section 9.\n\n2. SERVICES\n\nSupplier shall provide the Services.\n",
    );
    let defs: Vec<&Clause> = c.iter().filter(|x| x.role == ClauseRole::Definition).collect();
    let terms: Vec<&str> = defs.iter().filter_map(|d| d.heading.as_deref()).collect();
    assert_eq!(terms, ["Affiliate", "Confidential Information", "Term"]);
    let s1 = by_number(&c, "1.").ordinal;
    assert!(defs.iter().all(|d| d.parent == Some(s1)));
    assert_eq!(by_number(&c, "2.").parent, None);
}

#[test]
fn title_preamble_recitals() {
    let (_, c) = plain(
        "MASTER SERVICES AGREEMENT\n\nThis Master Services Agreement is made on 1 May 2020 between Acme Inc. \
         (\"Customer\") and Widget Ltd. (\"Supplier\").\n\nRECITALS\n\nWHEREAS, Customer wishes to buy services; and\n\n\
         WHEREAS, Supplier wishes to sell them.\n\nNOW, THEREFORE, the parties agree as follows:\n\n\
         1. Services. Supplier shall perform the services.\n\n2. Fees. Customer shall pay.\n",
    );
    let roles: Vec<ClauseRole> = c.iter().map(|x| x.role).collect();
    assert_eq!(
        roles,
        [
            ClauseRole::Title,
            ClauseRole::Preamble,
            ClauseRole::Recital,
            ClauseRole::Recital,
            ClauseRole::Recital,
            ClauseRole::Recital,
            ClauseRole::Section,
            ClauseRole::Section
        ]
    );
    assert_eq!(by_number(&c, "1.").depth, 0);
}

#[test]
fn signature_block_and_exhibits() {
    let (doc, c) = plain(
        "1. Term. One year.\n\n2. Law. New York.\n\nIN WITNESS WHEREOF, the parties have signed this Agreement.\n\n\
         ACME INC.\n\nBy: ______________\nName: Jane Doe\nTitle: CEO\n\nWIDGET LTD.\n\nBy: ______________\nName: John Roe\n\n\
         EXHIBIT A\nSTATEMENT OF WORK\n\n1. Scope. Build the widget.\n\n2. Timeline. Q3.\n",
    );
    let sig: Vec<&Clause> = c.iter().filter(|x| x.role == ClauseRole::Signature).collect();
    assert_eq!(sig.len(), 1);
    assert!(text_of(&doc, sig[0]).contains("John Roe"));
    let ex = by_number(&c, "EXHIBIT A");
    assert_eq!(ex.role, ClauseRole::Exhibit);
    assert_eq!(ex.heading.as_deref(), Some("STATEMENT OF WORK"));
    let inner: Vec<&Clause> = c.iter().filter(|x| x.parent == Some(ex.ordinal)).collect();
    assert_eq!(inner.len(), 2);
    assert_eq!(inner[0].number.as_deref(), Some("1."));
}

#[test]
fn cross_references_are_not_clauses() {
    // PDF-style block: hard-wrapped lines, a cross reference wraps to a line start
    let (_, c) = plain(
        "4. Payment. Fees are payable as set out in\nSection 4.2 hereof and in accordance with the\n\
         (b) above provisions, within thirty days.\n\n5. Audit. Customer may audit as provided in\nSection 7 of the Order.\n",
    );
    assert_eq!(numbers(&c), ["4.", "5."]);
}

#[test]
fn dates_and_amounts_are_not_clauses() {
    let (_, c) = plain(
        "1. Fees. The fees are set out below.\n\n2.5 million dollars are payable on signing.\n\n\
         15. March 2021 is the first payment date.\n\n3.5 % interest accrues on late amounts.\n\n\
         $1,000 is due monthly.\n\n2019. All rights reserved.\n\n2. Term. The term is one year.\n",
    );
    assert_eq!(numbers(&c), ["1.", "2."]);
}

#[test]
fn pdf_hard_wrapped_lines() {
    let (doc, c) = plain(
        "1. Scope. The supplier shall provide the services described\nin the statement of work and shall comply with\n\
         all applicable laws.\n2. Fees. Customer shall pay the invoiced fees within\n30 days of invoice. Late payments bear\n\
         interest.\n3. Term. This Agreement lasts one year and renews\n(a) automatically; or\n(b) by notice.\n",
    );
    assert_eq!(numbers(&c), ["1.", "2.", "3."]);
    assert!(text_of(&doc, by_number(&c, "1.")).ends_with("applicable laws."));
    assert!(text_of(&doc, by_number(&c, "2.")).ends_with("interest."));
}

#[test]
fn pdf_lists_inside_a_block_split_after_terminators() {
    let (_, c) = plain(
        "7. Warranties. Each party warrants that:\n(a) it is duly organised and validly existing under\nthe laws of its jurisdiction;\n\
         (b) it has full power to enter into this Agreement; and\n(c) it holds all required licences.\n",
    );
    assert_eq!(numbers(&c), ["7.", "(a)", "(b)", "(c)"]);
}

#[test]
fn docx_list_items_use_labels() {
    let parts: [(BlockKind, Option<&str>, &str); 6] = [
        (BlockKind::Paragraph, None, "This Agreement is made between Acme Inc. and Widget Ltd."),
        (BlockKind::Heading, None, "Term and Termination"),
        (BlockKind::ListItem, Some("14.1"), "14.1 This Agreement starts on signature."),
        (BlockKind::ListItem, Some("14.2"), "14.2 Either party may terminate:"),
        (BlockKind::ListItem, Some("(a)"), "(a) for material breach;"),
        (BlockKind::ListItem, Some("(b)"), "(b) on insolvency."),
    ];
    let mut text = String::new();
    let mut blocks = Vec::new();
    for (kind, label, t) in parts {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let s = text.len();
        text.push_str(t);
        blocks.push(Block {
            kind,
            span: Span { byte_start: s, byte_end: text.len(), page: None },
            label: label.map(str::to_string),
        });
    }
    let doc = Document::from_blocks(DocId(7), text, blocks);
    let c = segment(&doc);
    assert_eq!(c[0].role, ClauseRole::Preamble);
    assert_eq!(c[1].heading.as_deref(), Some("Term and Termination"));
    assert_eq!(numbers(&c), ["14.1", "14.2", "(a)", "(b)"]);
    let p = by_number(&c, "14.2").ordinal;
    assert_eq!(by_number(&c, "(b)").parent, Some(p));
    assert_eq!(by_number(&c, "14.1").parent, Some(c[1].ordinal));
}

#[test]
fn long_unnumbered_text_splits_into_paragraphs() {
    let sentence =
        "The parties shall cooperate in good faith on every matter that arises under this letter. ";
    let mut text = String::from("Dear Sir or Madam,\n\n");
    for _ in 0..25 {
        for _ in 0..14 {
            text.push_str(sentence);
        }
        text.push_str("\n\n");
    }
    text.push_str("Yours faithfully,\n");
    let (doc, c) = plain(&text);
    let words: usize = text.split_whitespace().count();
    assert!(words > 5_000, "{words}");
    assert!(c.len() >= 25, "{}", c.len());
    for x in &c {
        assert!(text_of(&doc, x).split_whitespace().count() <= 400);
    }
}

#[test]
fn giant_numbered_clause_is_split_at_paragraphs() {
    let para = "Supplier shall maintain the systems in accordance with good industry practice at all times. ".repeat(12);
    let mut text = String::from("1. Services. Supplier provides services.\n\n2. Maintenance.\n\n");
    for _ in 0..10 {
        text.push_str(&para);
        text.push_str("\n\n");
    }
    text.push_str("3. Fees. None.\n");
    let (doc, c) = plain(&text);
    for x in &c {
        assert!(text_of(&doc, x).split_whitespace().count() <= 400);
    }
    let two = by_number(&c, "2.");
    assert!(c.iter().filter(|x| x.parent == two.parent && x.number.is_none()).count() >= 3);
}

#[test]
fn pages_from_form_feeds() {
    let (_, c) = plain(
        "1. First. On page one.\n\x0c2. Second. On page two\nand still two.\n\n\x0cmore of two on page three.\n\n3. Third. Also page three.\n\n4. Fourth. Last.\n",
    );
    assert_eq!(by_number(&c, "1.").pages, Some((1, 1)));
    assert_eq!(by_number(&c, "2.").pages, Some((2, 3)));
}

#[test]
fn empty_and_odd_documents_do_not_panic() {
    for t in
        ["", "\n\n", "\x0c", "(", "1.", "é\u{301}", "ARTICLE", "Section ", "(i)(ii)", "\"x\" means"]
    {
        let (doc, c) = plain(t);
        for x in &c {
            assert!(doc.text.get(x.span.clone()).is_some());
        }
    }
    let doc = Document::from_blocks(
        DocId(0),
        "héllo wörld".to_string(),
        vec![Block {
            kind: BlockKind::Paragraph,
            span: Span { byte_start: 2, byte_end: 99, page: Some(1) },
            label: None,
        }],
    );
    let c = segment(&doc);
    assert!(c.iter().all(|x| doc.text.get(x.span.clone()).is_some()));
}
