//! Tests on minimal `.doc` files built here: a FIB, a piece table, PAPX FKPs, note and
//! header PLCs, list tables, written into a compound file with `cfb`.

use std::io::{Cursor, Write};

use super::*;
use crate::extract::draft::Limits;

/// Where the text starts in the built `WordDocument` stream (after the FIB).
const TEXT_AT: usize = 0x400;
/// Number of fc/lcb pairs in the built FIB (FibRgFcLcb2003 has 0x5D).
const PAIRS: usize = 0x5D;

/// A minimal Word 97 document under construction.
#[derive(Clone, Default)]
struct DocBuilder {
    /// Pieces in CP order: text and whether it is stored compressed (8-bit).
    pieces: Vec<(String, bool)>,
    /// ccpText, ccpFtn, ccpHdd, ccpMcr, ccpAtn, ccpEdn, ccpTxbx, ccpHdrTxbx; computed from
    /// the stories when left at zero.
    ccp: [u32; 8],
    /// Extra FIB flags.
    flags: u16,
    /// Paragraph property runs as CP ranges (contiguous, within one piece): grpprl of each.
    runs: Vec<(u32, u32, Vec<u8>)>,
    /// Character property runs as CP ranges (contiguous, within one piece): grpprl of each.
    char_runs: Vec<(u32, u32, Vec<u8>)>,
    /// Structures for the table stream: (FIB pair index, bytes).
    table: Vec<(usize, Vec<u8>)>,
    summary: Option<Vec<u8>>,
    /// The Data stream.
    data: Option<Vec<u8>>,
}

impl DocBuilder {
    /// One compressed piece holding the main text.
    fn text(text: &str) -> DocBuilder {
        let mut b = DocBuilder::default();
        b.pieces.push((text.to_owned(), true));
        b
    }

    fn piece(mut self, text: &str, compressed: bool) -> DocBuilder {
        self.pieces.push((text.to_owned(), compressed));
        self
    }

    fn with(mut self, index: usize, bytes: Vec<u8>) -> DocBuilder {
        self.table.push((index, bytes));
        self
    }

    /// The `WordDocument` and `1Table` streams.
    fn streams(&self) -> (Vec<u8>, Vec<u8>) {
        let mut word = vec![0u8; TEXT_AT];
        // Pieces: (cp, fc raw, byte offset, width).
        let mut pcds = Vec::new();
        let mut cp = 0u32;
        for (text, compressed) in &self.pieces {
            let at = word.len();
            let n = if *compressed { text.chars().count() } else { text.encode_utf16().count() };
            let n = n as u32;
            if *compressed {
                let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
                word.extend_from_slice(&bytes);
                pcds.push((cp, (at as u32 * 2) | 0x4000_0000, at, 1));
            } else {
                for u in text.encode_utf16() {
                    word.extend_from_slice(&u.to_le_bytes());
                }
                pcds.push((cp, at as u32, at, 2));
            }
            cp += n;
        }
        let cp_end = cp;
        let fc_of = |cp: u32| -> u32 {
            let (pcp, _, at, w) = pcds.iter().rev().find(|p| p.0 <= cp).copied().unwrap();
            (at + (cp - pcp) as usize * w) as u32
        };
        let width_at = |cp: u32| pcds.iter().rev().find(|p| p.0 <= cp).unwrap().3 as u32;

        let mut table = Vec::new();
        let mut pairs = vec![(0u32, 0u32); PAIRS];
        // The CLX: one Pcdt.
        let mut plc = Vec::new();
        for p in &pcds {
            plc.extend_from_slice(&p.0.to_le_bytes());
        }
        plc.extend_from_slice(&cp_end.to_le_bytes());
        for p in &pcds {
            plc.extend_from_slice(&0u16.to_le_bytes());
            plc.extend_from_slice(&p.1.to_le_bytes());
            plc.extend_from_slice(&0u16.to_le_bytes());
        }
        table.push(0x02);
        table.extend_from_slice(&(plc.len() as u32).to_le_bytes());
        table.extend_from_slice(&plc);
        pairs[fib::pair::CLX] = (0, table.len() as u32);

        // One FKP page for the paragraph runs.
        if !self.runs.is_empty() {
            while !word.len().is_multiple_of(512) {
                word.push(0);
            }
            let pn = (word.len() / 512) as u32;
            let mut page = vec![0u8; 512];
            let crun = self.runs.len();
            let fcs: Vec<u32> = self
                .runs
                .iter()
                .map(|r| fc_of(r.0))
                .chain(self.runs.last().map(|r| fc_of(r.1 - 1) + width_at(r.1 - 1)))
                .collect();
            for (i, fc) in fcs.iter().enumerate() {
                page[i * 4..i * 4 + 4].copy_from_slice(&fc.to_le_bytes());
            }
            let bx_at = (crun + 1) * 4;
            let mut top = 511usize;
            for (j, (_, _, grpprl)) in self.runs.iter().enumerate() {
                // istd 0, then the grpprl.
                let mut data = vec![0u8, 0u8];
                data.extend_from_slice(grpprl);
                let (head, len) = if data.len() % 2 == 1 {
                    (vec![data.len().div_ceil(2) as u8], data.len())
                } else {
                    (vec![0u8, (data.len() / 2) as u8], data.len())
                };
                let size = head.len() + len;
                let mut at = top - size;
                at -= at % 2;
                page[at..at + head.len()].copy_from_slice(&head);
                page[at + head.len()..at + size].copy_from_slice(&data);
                page[bx_at + j * 13] = (at / 2) as u8;
                top = at;
            }
            page[511] = crun as u8;
            word.extend_from_slice(&page);
            let mut bte = Vec::new();
            bte.extend_from_slice(&fcs[0].to_le_bytes());
            bte.extend_from_slice(&fcs[crun].to_le_bytes());
            bte.extend_from_slice(&pn.to_le_bytes());
            pairs[fib::pair::PLCF_BTE_PAPX] = (table.len() as u32, bte.len() as u32);
            table.extend_from_slice(&bte);
        }
        // One CHPX FKP page for the character runs.
        if !self.char_runs.is_empty() {
            while !word.len().is_multiple_of(512) {
                word.push(0);
            }
            let pn = (word.len() / 512) as u32;
            let mut page = vec![0u8; 512];
            let runs = &self.char_runs;
            let crun = runs.len();
            let fcs: Vec<u32> = runs
                .iter()
                .map(|r| fc_of(r.0))
                .chain(runs.last().map(|r| fc_of(r.1 - 1) + width_at(r.1 - 1)))
                .collect();
            for (i, fc) in fcs.iter().enumerate() {
                page[i * 4..i * 4 + 4].copy_from_slice(&fc.to_le_bytes());
            }
            let rgb_at = (crun + 1) * 4;
            let mut top = 511usize;
            for (j, (_, _, grpprl)) in runs.iter().enumerate() {
                let mut at = top - 1 - grpprl.len();
                at -= at % 2;
                page[at] = grpprl.len() as u8;
                page[at + 1..at + 1 + grpprl.len()].copy_from_slice(grpprl);
                page[rgb_at + j] = (at / 2) as u8;
                top = at;
            }
            page[511] = crun as u8;
            word.extend_from_slice(&page);
            let bte = [fcs[0].to_le_bytes(), fcs[crun].to_le_bytes(), pn.to_le_bytes()].concat();
            pairs[fib::pair::PLCF_BTE_CHPX] = (table.len() as u32, bte.len() as u32);
            table.extend_from_slice(&bte);
        }
        for (index, bytes) in &self.table {
            pairs[*index] = (table.len() as u32, bytes.len() as u32);
            table.extend_from_slice(bytes);
        }

        // The FIB.
        let mut ccp = self.ccp;
        if ccp.iter().all(|&c| c == 0) {
            ccp[0] = cp_end;
        }
        let put16 = |w: &mut Vec<u8>, at: usize, v: u16| {
            w[at..at + 2].copy_from_slice(&v.to_le_bytes());
        };
        let put32 = |w: &mut Vec<u8>, at: usize, v: u32| {
            w[at..at + 4].copy_from_slice(&v.to_le_bytes());
        };
        put16(&mut word, 0, 0xA5EC);
        put16(&mut word, 2, 0xC1);
        put16(&mut word, 0x0A, 0x0200 | 0x0004 | self.flags);
        put16(&mut word, 0x20, 14);
        put16(&mut word, 0x3E, 22);
        for (i, c) in ccp.iter().enumerate() {
            put32(&mut word, 0x4C + 4 * i, *c);
        }
        put16(&mut word, 0x98, PAIRS as u16);
        for (i, (fc, lcb)) in pairs.iter().enumerate() {
            put32(&mut word, 0x9A + 8 * i, *fc);
            put32(&mut word, 0x9E + 8 * i, *lcb);
        }
        (word, table)
    }

    fn build(&self) -> Vec<u8> {
        let (word, table) = self.streams();
        let mut streams: Vec<(&str, &[u8])> = vec![("WordDocument", &word), ("1Table", &table)];
        if let Some(data) = &self.data {
            streams.push(("Data", data));
        }
        compound(&streams, self.summary.as_deref())
    }
}

/// A compound file with the given streams.
fn compound(streams: &[(&str, &[u8])], summary: Option<&[u8]>) -> Vec<u8> {
    let mut cf =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    for (name, data) in streams {
        let mut s = cf.create_stream(name).unwrap();
        s.write_all(data).unwrap();
    }
    if let Some(data) = summary {
        let mut s = cf.create_stream("\u{5}SummaryInformation").unwrap();
        s.write_all(data).unwrap();
    }
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}

/// A PLC of CPs with `elem`-byte data elements.
fn plc(cps: &[u32], elems: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for cp in cps {
        out.extend_from_slice(&cp.to_le_bytes());
    }
    for e in elems {
        out.extend_from_slice(e);
    }
    out
}

fn run(bytes: &[u8]) -> Result<Draft, ExtractError> {
    extract(bytes, &mut Budget::new(Limits::default()))
}

fn texts(d: &Draft) -> Vec<(BlockKind, &str)> {
    d.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect()
}

/// Fails if the guard had to catch a panic: our own code must never panic.
fn assert_no_panic(r: &Result<Draft, ExtractError>) {
    if let Err(ExtractError::Malformed(m)) = r {
        assert!(!m.contains("gave up"), "panicked: {m}");
    }
}

const IN_TABLE: [u8; 3] = [0x16, 0x24, 1];
const TTP: [u8; 3] = [0x17, 0x24, 1];

#[test]
fn compressed_and_utf16_pieces() {
    let doc = DocBuilder::text("\u{201C}Hello\u{201D} \u{20AC}5\r")
        .piece("Gr\u{FC}\u{DF}e \u{2713} \u{1D11E}\r", false);
    let d = run(&doc.build()).unwrap();
    assert_eq!(
        texts(&d),
        [
            (BlockKind::Paragraph, "\u{201C}Hello\u{201D} \u{20AC}5"),
            (BlockKind::Paragraph, "Gr\u{FC}\u{DF}e \u{2713} \u{1D11E}")
        ]
    );
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
}

#[test]
fn paragraphs_and_special_characters() {
    let doc = DocBuilder::text(
        "First\u{0B}line\tx\rnon\u{1E}breaking op\u{1F}tional\u{A0}space\u{0C}After break\r\r",
    );
    let d = run(&doc.build()).unwrap();
    assert_eq!(
        texts(&d),
        [
            (BlockKind::Paragraph, "First\nline\tx"),
            (BlockKind::Paragraph, "non-breaking optional space"),
            (BlockKind::Paragraph, "After break"),
        ]
    );
}

#[test]
fn table_row_from_paragraph_properties() {
    // "A" cell, "B" cell (two paragraphs), row end, then a paragraph.
    let text = "Before\rA\u{7}B1\rB2\u{7}\u{7}After\r";
    let mut doc = DocBuilder::text(text);
    doc.runs = vec![
        (0, 7, vec![]),
        (7, 15, IN_TABLE.to_vec()),
        (15, 16, [IN_TABLE, TTP].concat()),
        (16, 22, vec![]),
    ];
    let d = run(&doc.build()).unwrap();
    assert_eq!(
        texts(&d),
        [
            (BlockKind::Paragraph, "Before"),
            (BlockKind::TableRow, "A | B1\nB2"),
            (BlockKind::Paragraph, "After"),
        ]
    );
}

#[test]
fn table_row_by_heuristic_without_properties() {
    let doc = DocBuilder::text("A\u{7}B\u{7}\u{7}C\u{7}D\u{7}\u{7}After\r");
    let d = run(&doc.build()).unwrap();
    assert_eq!(
        texts(&d),
        [
            (BlockKind::TableRow, "A | B"),
            (BlockKind::TableRow, "C | D"),
            (BlockKind::Paragraph, "After"),
        ]
    );
}

#[test]
fn huge_papx_in_the_data_stream() {
    let huge = |fc: u32| [vec![0x46, 0x66], fc.to_le_bytes().to_vec()].concat();
    // Without the properties the first paragraph of the cell would stand outside the row.
    let mut doc = DocBuilder::text("A1\rA2\u{7}\u{7}After\r");
    doc.runs = vec![(0, 6, huge(0)), (6, 7, huge(5)), (7, 13, vec![])];
    let mut data = vec![3, 0];
    data.extend_from_slice(&IN_TABLE);
    data.extend_from_slice(&[6, 0]);
    data.extend_from_slice(&[IN_TABLE, TTP].concat());
    doc.data = Some(data);
    let d = run(&doc.build()).unwrap();
    assert_eq!(texts(&d), [(BlockKind::TableRow, "A1\nA2"), (BlockKind::Paragraph, "After")]);
}

#[test]
fn deleted_revisions_are_left_out() {
    const DELETED: [u8; 3] = [0x00, 0x08, 1];
    const INSERTED: [u8; 3] = [0x01, 0x08, 1];
    // "Keep old new." with "old " deleted and "new" inserted; a deleted paragraph mark joins
    // "one" and "two".
    let mut doc = DocBuilder::text("Keep old new.\rone\rtwo\r");
    doc.char_runs = vec![
        (0, 5, vec![]),
        (5, 9, DELETED.to_vec()),
        (9, 12, INSERTED.to_vec()),
        (12, 17, vec![]),
        (17, 18, DELETED.to_vec()),
        (18, 22, vec![]),
    ];
    let d = run(&doc.build()).unwrap();
    assert_eq!(texts(&d), [(BlockKind::Paragraph, "Keep new."), (BlockKind::Paragraph, "onetwo")]);
    assert_eq!(d.metadata["tracked-changes"], ["true"]);
}

#[test]
fn nested_table_is_flattened_into_its_cell() {
    const ITAP2: [u8; 6] = [0x49, 0x66, 2, 0, 0, 0];
    const INNER_CELL: [u8; 3] = [0x4B, 0x24, 1];
    const INNER_TTP: [u8; 3] = [0x4C, 0x24, 1];
    // Outer cell 1 holds a 1x2 table "x | y"; outer cell 2 is "z".
    let text = "x\ry\r\r\u{7}z\u{7}\u{7}";
    let mut doc = DocBuilder::text(text);
    doc.runs = vec![
        (0, 4, [IN_TABLE.as_slice(), &ITAP2, &INNER_CELL].concat()),
        (4, 5, [IN_TABLE.as_slice(), &ITAP2, &INNER_TTP].concat()),
        (5, 8, IN_TABLE.to_vec()),
        (8, 9, [IN_TABLE, TTP].concat()),
    ];
    let d = run(&doc.build()).unwrap();
    assert_eq!(texts(&d), [(BlockKind::TableRow, "x | y | z")]);
}

#[test]
fn field_instruction_hidden_result_shown() {
    let text = "See \u{13} HYPERLINK \"http://example.com\" \u{14}the site\u{15} and \
                \u{13} IF \u{13} MERGEFIELD a \u{14}1\u{15} = 1 \u{14}yes\u{15}.\r\
                \u{13} PAGE \u{15}No result\r";
    let d = run(&DocBuilder::text(text).build()).unwrap();
    assert_eq!(
        texts(&d),
        [(BlockKind::Paragraph, "See the site and yes."), (BlockKind::Paragraph, "No result")]
    );
}

#[test]
fn unbalanced_and_deep_fields_do_not_panic() {
    let deep = "\u{13}".repeat(super::story::MAX_FIELD_DEPTH * 3);
    let text = format!("\u{15}\u{14}ok\r{deep}x\u{14}y\r{}\rtail\r", "\u{15}".repeat(500));
    let d = run(&DocBuilder::text(&text).build()).unwrap();
    assert_eq!(texts(&d), [(BlockKind::Paragraph, "ok"), (BlockKind::Paragraph, "tail")]);
}

#[test]
fn phonetic_guide_shows_its_base_text() {
    let text = "\u{13}EQ \\* jc2 \\o\\ad(\\s\\up 11(\u{3068}\u{3046}),\u{6771}\u{4EAC})\u{15}\r";
    let doc = DocBuilder::default().piece(text, false);
    let d = run(&doc.build()).unwrap();
    assert_eq!(texts(&d), [(BlockKind::Paragraph, "\u{6771}\u{4EAC}")]);
}

#[test]
fn footnote_becomes_a_note_and_its_reference_a_number() {
    let main = "Text\u{2}.\r";
    let note = "\u{2} The note.\r";
    let mut doc = DocBuilder::text(&format!("{main}{note}\r"));
    doc.ccp = [7, 13, 0, 0, 0, 0, 0, 0];
    let doc = doc
        .with(fib::pair::PLCFFND_REF, plc(&[4, 7], &[&[1, 0]]))
        .with(fib::pair::PLCFFND_TXT, plc(&[0, 12, 13], &[]));
    let d = run(&doc.build()).unwrap();
    assert_eq!(texts(&d), [(BlockKind::Paragraph, "Text1."), (BlockKind::Note, "The note.")]);
}

#[test]
fn headers_footers_and_comments_are_metadata() {
    let main = "Body\u{5}\r";
    let hdd = "Header text\rFooter text\r\r";
    let atn = "\u{5}A remark\r\r";
    let mut doc = DocBuilder::text(&format!("{main}{hdd}{atn}\r"));
    doc.ccp = [6, 0, 25, 0, 11, 0, 0, 0];
    // Six separator stories, even header (empty), odd header, even footer (empty), odd
    // footer, then the guard.
    let doc = doc
        .with(fib::pair::PLCF_HDD, plc(&[0, 0, 0, 0, 0, 0, 0, 0, 12, 12, 24, 25], &[]))
        .with(fib::pair::PLCFAND_TXT, plc(&[0, 10, 11], &[]));
    let d = run(&doc.build()).unwrap();
    assert_eq!(texts(&d), [(BlockKind::Paragraph, "Body")]);
    assert_eq!(d.metadata["header"], ["Header text"]);
    assert_eq!(d.metadata["footer"], ["Footer text"]);
    assert_eq!(d.metadata["comment"], ["A remark"]);
}

/// A simple list (one level) whose number text is "%1." in decimal, and one LFO for it.
fn simple_list(nfc: u8, after: char) -> (Vec<u8>, Vec<u8>) {
    let mut lst = Vec::new();
    lst.extend_from_slice(&1i16.to_le_bytes());
    let mut lstf = vec![0u8; 28];
    lstf[0..4].copy_from_slice(&77i32.to_le_bytes());
    lstf[26] = 1; // fSimpleList
    lst.extend_from_slice(&lstf);
    let mut lvlf = vec![0u8; 28];
    lvlf[0..4].copy_from_slice(&1i32.to_le_bytes());
    lvlf[4] = nfc;
    lvlf[15] = 1; // a space follows
    lst.extend_from_slice(&lvlf);
    let xst: Vec<u16> = vec![0, after as u16];
    lst.extend_from_slice(&(xst.len() as u16).to_le_bytes());
    for u in xst {
        lst.extend_from_slice(&u.to_le_bytes());
    }
    let mut lfo = Vec::new();
    lfo.extend_from_slice(&1u32.to_le_bytes());
    let mut rec = vec![0u8; 16];
    rec[0..4].copy_from_slice(&77i32.to_le_bytes());
    lfo.extend_from_slice(&rec);
    lfo.extend_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
    (lst, lfo)
}

#[test]
fn list_items_carry_their_rendered_label() {
    const ILFO1: [u8; 4] = [0x0B, 0x46, 1, 0];
    let text = "One\rTwo\rPlain\r";
    let mut doc = DocBuilder::text(text);
    doc.runs = vec![(0, 8, ILFO1.to_vec()), (8, 14, vec![])];
    let (lst, lfo) = simple_list(4, ')');
    let doc = doc.with(fib::pair::PLF_LST, lst).with(fib::pair::PLF_LFO, lfo);
    let d = run(&doc.build()).unwrap();
    assert_eq!(
        texts(&d),
        [
            (BlockKind::ListItem, "a) One"),
            (BlockKind::ListItem, "b) Two"),
            (BlockKind::Paragraph, "Plain")
        ]
    );
    assert_eq!(d.blocks[1].label.as_deref(), Some("b)"));
}

#[test]
fn number_formats() {
    assert_eq!(format_number(4, 1), "IV");
    assert_eq!(format_number(14, 2), "xiv");
    assert_eq!(format_number(28, 3), "BB");
    assert_eq!(format_number(3, 4), "c");
    assert_eq!(format_number(2, 5), "2nd");
    assert_eq!(format_number(7, 22), "07");
    assert_eq!(format_number(7, 0), "7");
}

#[test]
fn summary_information_gives_title_and_author() {
    // Property set: header (28 bytes) + FMTID/offset (20), then one section.
    let mut section = Vec::new();
    let props: [(u32, &str); 2] = [(2, "The Title"), (4, "A. Author")];
    let mut values = Vec::new();
    let mut offsets = Vec::new();
    let head = 8 + 8 * props.len();
    for (_, v) in props {
        offsets.push((head + values.len()) as u32);
        values.extend_from_slice(&30u32.to_le_bytes());
        values.extend_from_slice(&(v.len() as u32 + 1).to_le_bytes());
        values.extend_from_slice(v.as_bytes());
        values.push(0);
        while values.len() % 4 != 0 {
            values.push(0);
        }
    }
    section.extend_from_slice(&((head + values.len()) as u32).to_le_bytes());
    section.extend_from_slice(&(props.len() as u32).to_le_bytes());
    for ((pid, _), off) in props.iter().zip(&offsets) {
        section.extend_from_slice(&pid.to_le_bytes());
        section.extend_from_slice(&off.to_le_bytes());
    }
    section.extend_from_slice(&values);
    let mut set = vec![0xFE, 0xFF, 0, 0];
    set.extend_from_slice(&[0u8; 20]);
    set.extend_from_slice(&1u32.to_le_bytes());
    set.extend_from_slice(&[0u8; 16]);
    set.extend_from_slice(&48u32.to_le_bytes());
    set.extend_from_slice(&section);
    let mut doc = DocBuilder::text("Body\r");
    doc.summary = Some(set);
    let d = run(&doc.build()).unwrap();
    assert_eq!(d.title.as_deref(), Some("The Title"));
    assert_eq!(d.metadata["author"], ["A. Author"]);
}

#[test]
fn encrypted_and_obfuscated_files_are_encrypted() {
    for flag in [0x0100, 0x8100, 0x8000] {
        let mut doc = DocBuilder::text("Secret\r");
        doc.flags = flag;
        assert_eq!(run(&doc.build()), Err(ExtractError::Encrypted), "flags {flag:#x}");
    }
}

#[test]
fn word2_and_unknown_fibs_are_refused() {
    let (mut word, table) = DocBuilder::text("x\r").streams();
    word[0..2].copy_from_slice(&0xA59Bu16.to_le_bytes());
    let r = run(&compound(&[("WordDocument", &word), ("1Table", &table)], None));
    assert!(matches!(r, Err(ExtractError::Unsupported(m)) if m.contains("Word 2")));
    word[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
    word[2..4].copy_from_slice(&45u16.to_le_bytes());
    let r = run(&compound(&[("WordDocument", &word), ("1Table", &table)], None));
    assert!(matches!(r, Err(ExtractError::Unsupported(_))));
}

#[test]
fn word6_text_from_fc_min() {
    let text = "Word six text\r\u{E9}t\u{E9}\r";
    let mut word = vec![0u8; 0x300];
    word[0..2].copy_from_slice(&0xA5DCu16.to_le_bytes());
    word[2..4].copy_from_slice(&101u16.to_le_bytes());
    word[6..8].copy_from_slice(&0x0409u16.to_le_bytes());
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let fc_min = word.len() as u32;
    word.extend_from_slice(&bytes);
    word[0x18..0x1C].copy_from_slice(&fc_min.to_le_bytes());
    word[0x1C..0x20].copy_from_slice(&(fc_min + bytes.len() as u32).to_le_bytes());
    word[0x34..0x38].copy_from_slice(&(bytes.len() as u32).to_le_bytes());
    let d = run(&compound(&[("WordDocument", &word)], None)).unwrap();
    assert_eq!(
        texts(&d),
        [(BlockKind::Paragraph, "Word six text"), (BlockKind::Paragraph, "\u{E9}t\u{E9}")]
    );
    assert!(d.warnings.iter().any(|w| w.contains("Word 6")));
}

#[test]
fn word6_text_through_its_piece_table() {
    // Two pieces stored in reverse order in the stream, found through the CLX at fcClx.
    let mut word = vec![0u8; 0x300];
    word[0..2].copy_from_slice(&0xA5DCu16.to_le_bytes());
    word[2..4].copy_from_slice(&104u16.to_le_bytes());
    word[0x0A..0x0C].copy_from_slice(&0x0004u16.to_le_bytes());
    let second = word.len() as u32;
    word.extend_from_slice(b"world\r");
    let first = word.len() as u32;
    word.extend_from_slice(b"Hello ");
    let mut plc = Vec::new();
    for cp in [0u32, 6, 12] {
        plc.extend_from_slice(&cp.to_le_bytes());
    }
    for fc in [first, second] {
        plc.extend_from_slice(&[0, 0]);
        plc.extend_from_slice(&fc.to_le_bytes());
        plc.extend_from_slice(&[0, 0]);
    }
    let clx_at = word.len() as u32;
    let clx =
        [vec![0x01, 2, 0, 0x16, 1, 0x02], (plc.len() as u32).to_le_bytes().to_vec(), plc].concat();
    word.extend_from_slice(&clx);
    let clx_pair = 0x58 + 8 * fib::pair::CLX;
    word[clx_pair..clx_pair + 4].copy_from_slice(&clx_at.to_le_bytes());
    word[clx_pair + 4..clx_pair + 8].copy_from_slice(&(clx.len() as u32).to_le_bytes());
    word[0x34..0x38].copy_from_slice(&12u32.to_le_bytes());
    let d = run(&compound(&[("WordDocument", &word)], None)).unwrap();
    assert_eq!(texts(&d), [(BlockKind::Paragraph, "Hello world")]);
}

#[test]
fn garbage_and_truncated_fib_are_malformed() {
    let r = run(&compound(&[("WordDocument", b"garbage!!")], None));
    assert!(matches!(r, Err(ExtractError::Malformed(_))), "{r:?}");
    let (word, table) = DocBuilder::text("Some text\r").streams();
    for len in [0, 1, 2, 11, 0x21, 0x40, 0x98, 0x120, 0x1A5] {
        let r = run(&compound(&[("WordDocument", &word[..len]), ("1Table", &table)], None));
        assert!(matches!(r, Err(ExtractError::Malformed(_))), "length {len}: {r:?}");
    }
    // No table stream.
    let r = run(&compound(&[("WordDocument", &word)], None));
    assert!(matches!(r, Err(ExtractError::Malformed(m)) if m.contains("1Table")));
    // Not a compound file at all.
    assert!(matches!(run(b"not an OLE file"), Err(ExtractError::Malformed(_))));
}

#[test]
fn hostile_piece_tables_are_errors_or_bounded() {
    let (word, _) = DocBuilder::text("Some text here\r").streams();
    let compressed = |at: u32| (at * 2) | 0x4000_0000;
    let cases: Vec<Vec<u8>> = vec![
        // A Pcdt claiming 4 GB.
        [vec![0x02], 0xFFFF_FFF0u32.to_le_bytes().to_vec(), vec![0; 16]].concat(),
        // A Prc whose grpprl runs past the end.
        [vec![0x01], 0xFFFFu16.to_le_bytes().to_vec(), vec![0; 4]].concat(),
        // An unknown CLX entry, and an empty CLX.
        vec![0x07, 0, 0],
        vec![],
        // Pieces past the end of the stream, CPs running backwards, huge CPs.
        {
            let cps = [0u32, 10, 5, 0xFFFF_FFF0, 0xFFFF_FFFF];
            let fcs = [compressed(0x0FFF_FFFF), 0x7FFF_FFFF, compressed(0x400), 0x400];
            let mut p = Vec::new();
            for c in cps {
                p.extend_from_slice(&c.to_le_bytes());
            }
            for fc in fcs {
                p.extend_from_slice(&[0, 0]);
                p.extend_from_slice(&fc.to_le_bytes());
                p.extend_from_slice(&[0, 0]);
            }
            [vec![0x02], (p.len() as u32).to_le_bytes().to_vec(), p].concat()
        },
        // 100 000 pieces all reading the same bytes.
        {
            let n = 100_000u32;
            let mut p = Vec::new();
            for i in 0..=n {
                p.extend_from_slice(&(i * 15).to_le_bytes());
            }
            for _ in 0..n {
                p.extend_from_slice(&[0, 0]);
                p.extend_from_slice(&compressed(0x400).to_le_bytes());
                p.extend_from_slice(&[0, 0]);
            }
            [vec![0x02], (p.len() as u32).to_le_bytes().to_vec(), p].concat()
        },
    ];
    for (i, clx) in cases.iter().enumerate() {
        let mut word = word.clone();
        // Point fcClx/lcbClx at the case, and claim a huge main text.
        word[0x9A + 8 * fib::pair::CLX..][..4].copy_from_slice(&0u32.to_le_bytes());
        word[0x9E + 8 * fib::pair::CLX..][..4].copy_from_slice(&(clx.len() as u32).to_le_bytes());
        word[0x4C..0x50].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        let r = run(&compound(&[("WordDocument", &word), ("1Table", clx)], None));
        assert_no_panic(&r);
        if let Ok(d) = &r {
            let chars: usize = d.blocks.iter().map(|b| b.text.chars().count()).sum();
            assert!(chars <= word.len() + 1024, "case {i}: {chars} characters");
        }
    }
}

#[test]
fn hostile_fkps_and_plcs_do_not_panic() {
    let mut doc = DocBuilder::text("A\u{7}B\u{7}\u{7}After\r");
    doc.runs = vec![(0, 4, IN_TABLE.to_vec()), (4, 5, [IN_TABLE, TTP].concat()), (5, 11, vec![])];
    let doc = doc
        .with(fib::pair::PLCFFND_REF, plc(&[u32::MAX, 0], &[&[1, 0]]))
        .with(fib::pair::PLCF_HDD, plc(&[u32::MAX, 0, 7, 3], &[]))
        .with(fib::pair::STSHF, vec![0xFF, 0xFF, 3, 0])
        .with(fib::pair::PLF_LST, vec![0xFF, 0x7F, 1, 2, 3])
        .with(fib::pair::PLF_LFO, vec![0xFF, 0xFF, 0xFF, 0xFF, 9]);
    let (word, table) = doc.streams();
    // Flip bytes of the FKP page and the table stream, one position at a time.
    let fkp = word.len() - 512;
    for i in (0..512).step_by(3) {
        for v in [0x00, 0x01, 0x7F, 0xFF] {
            let mut w = word.clone();
            w[fkp + i] = v;
            let r = run(&compound(&[("WordDocument", &w), ("1Table", &table)], None));
            assert_no_panic(&r);
        }
    }
    for i in 0..table.len() {
        for v in [0x00, 0x02, 0x80, 0xFF] {
            let mut t = table.clone();
            t[i] = v;
            let r = run(&compound(&[("WordDocument", &word), ("1Table", &t)], None));
            assert_no_panic(&r);
        }
    }
}

#[test]
fn random_corruption_never_panics() {
    let (lst, lfo) = simple_list(0, '.');
    let mut doc = DocBuilder::text("One\u{13}F\u{14}r\u{15}\rA\u{7}B\u{7}\u{7}\u{2}x\r\u{2} n\r\r");
    doc.ccp = [17, 5, 0, 0, 0, 0, 0, 0];
    doc.runs = vec![(0, 5, vec![0x0B, 0x46, 1, 0]), (5, 10, IN_TABLE.to_vec()), (10, 22, vec![])];
    doc.char_runs = vec![(0, 3, vec![0x00, 0x08, 1]), (3, 22, vec![0x01, 0x08, 1])];
    let doc = doc
        .with(fib::pair::PLF_LST, lst)
        .with(fib::pair::PLF_LFO, lfo)
        .with(fib::pair::PLCFFND_REF, plc(&[10, 13], &[&[1, 0]]))
        .with(fib::pair::PLCFFND_TXT, plc(&[0, 4, 5], &[]));
    let (word, table) = doc.streams();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..400 {
        let (mut w, mut t) = (word.clone(), table.clone());
        for _ in 0..8 {
            let r = next();
            let target = if r & 1 == 0 { &mut w } else { &mut t };
            let at = (r >> 8) as usize % target.len();
            target[at] = (r >> 40) as u8;
        }
        let r = run(&compound(&[("WordDocument", &w), ("1Table", &t)], None));
        assert_no_panic(&r);
    }
}

#[test]
fn budget_limits_are_enforced() {
    let bytes = DocBuilder::text(&"word ".repeat(2000)).build();
    let limits = Limits { max_part_bytes: 1000, ..Limits::default() };
    let r = extract(&bytes, &mut Budget::new(limits));
    assert!(matches!(r, Err(ExtractError::Limit { limit: "max_part_bytes", .. })), "{r:?}");
    let limits = Limits { max_bytes: 100, ..Limits::default() };
    let r = extract(&bytes, &mut Budget::new(limits));
    assert!(matches!(r, Err(ExtractError::Limit { limit: "max_bytes", .. })), "{r:?}");
}

#[test]
fn fat_with_chain_ends_past_the_file_is_repaired() {
    let mut bytes = DocBuilder::text("Repaired\r").build();
    // Mark every FAT entry past the end of the file as ENDOFCHAIN.
    let ss = 512usize;
    let sectors = (bytes.len() - ss) / ss;
    let fat_sector = u32::from_le_bytes(bytes[76..80].try_into().unwrap()) as usize;
    let at = (fat_sector + 1) * ss;
    for e in sectors..128 {
        bytes[at + 4 * e..at + 4 * e + 4].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    }
    let d = run(&bytes).unwrap();
    assert_eq!(texts(&d), [(BlockKind::Paragraph, "Repaired")]);
}
