//! Property tests: structural invariants of `segment` on random text, random block layouts
//! and generated contracts.

use super::{Clause, segment};
use crate::extract::{Block, BlockKind, DocId, Document, Span};
use proptest::prelude::*;

fn check(doc: &Document, clauses: &[Clause]) -> Result<(), TestCaseError> {
    let text = &doc.text;
    let mut prev_end = 0usize;
    for (i, c) in clauses.iter().enumerate() {
        prop_assert_eq!(c.ordinal as usize, i);
        prop_assert!(c.span.start < c.span.end, "empty clause {:?}", c);
        prop_assert!(c.span.end <= text.len());
        prop_assert!(text.is_char_boundary(c.span.start) && text.is_char_boundary(c.span.end));
        prop_assert!(c.span.start >= prev_end, "overlap/unsorted at {}", i);
        prev_end = c.span.end;
        let s = text.get(c.span.clone()).unwrap_or("");
        prop_assert_eq!(s.trim(), s, "untrimmed span");
        prop_assert!(!s.trim().is_empty());
        if let Some(p) = c.parent {
            prop_assert!(p < c.ordinal);
            prop_assert_eq!(c.depth, clauses[p as usize].depth + 1);
        } else {
            prop_assert_eq!(c.depth, 0);
        }
        if let Some((a, b)) = c.pages {
            prop_assert!(a <= b);
        }
    }
    prop_assert_eq!(segment(doc), clauses.to_vec(), "not deterministic");
    Ok(())
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1. ".to_string()),
        Just("1.1 ".to_string()),
        Just("2.3(a) ".to_string()),
        Just("(a) ".to_string()),
        Just("(i) ".to_string()),
        Just("(ii)".to_string()),
        Just("ARTICLE IV\n".to_string()),
        Just("Section 12. ".to_string()),
        Just("EXHIBIT A\n".to_string()),
        Just("\"Term\" means ".to_string()),
        Just("WHEREAS, ".to_string()),
        Just("IN WITNESS WHEREOF ".to_string()),
        Just("By: ____\n".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("\x0c".to_string()),
        Just(" ".to_string()),
        Just("é漢\u{301}".to_string()),
        Just("**".to_string()),
        Just("# ".to_string()),
        "[a-zA-Z .,;:()\"]{0,30}",
        "\\PC{0,8}",
    ]
}

fn arb_text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..60).prop_map(|v| v.concat())
}

fn contract() -> impl Strategy<Value = String> {
    let sentence = "[A-Z][a-z]{2,8}( [a-z]{1,9}){3,25}[.;:]";
    let item = prop_oneof![
        (1u32..20, sentence).prop_map(|(n, s)| format!("{n}. Heading. {s}")),
        (1u32..20, 1u32..9, sentence).prop_map(|(n, m, s)| format!("{n}.{m} {s}")),
        (0usize..10, sentence).prop_map(|(i, s)| format!(
            "({}) {s}",
            ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"][i]
        )),
        (0usize..6, sentence)
            .prop_map(|(i, s)| format!("({}) {s}", ["i", "ii", "iii", "iv", "v", "vi"][i])),
        (0usize..5).prop_map(|i| format!("ARTICLE {}\nHEADING", ["I", "II", "III", "IV", "V"][i])),
        sentence.prop_map(|s| format!("\"Defined Term\" means {s}")),
        sentence.prop_map(|s| s.to_string()),
        Just("IN WITNESS WHEREOF, the parties sign.\n\nBy: ______\nName:".to_string()),
        Just("SCHEDULE 2\nPRICING".to_string()),
    ];
    let sep = prop_oneof![Just("\n\n"), Just("\n"), Just("\n\x0c")];
    prop::collection::vec((item, sep), 0..40)
        .prop_map(|v| v.into_iter().map(|(a, b)| format!("{a}{b}")).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_text_plain(text in arb_text()) {
        let doc = Document::from_plain_text(DocId(0), text);
        let c = segment(&doc);
        check(&doc, &c)?;
    }

    #[test]
    fn random_text_random_blocks(
        text in arb_text(),
        raw in prop::collection::vec((0usize..400, 0usize..400, 0u8..6, prop::option::of("[0-9a-z().]{0,5}")), 0..12),
    ) {
        let kinds = [BlockKind::Paragraph, BlockKind::Heading, BlockKind::ListItem, BlockKind::TableRow, BlockKind::Note, BlockKind::Furniture];
        let blocks = raw
            .into_iter()
            .map(|(a, b, k, label)| Block {
                kind: kinds[k as usize % kinds.len()],
                span: Span { byte_start: a, byte_end: b, page: Some(a as u32 % 5) },
                label,
            })
            .collect();
        let doc = Document::from_blocks(DocId(1), text, blocks);
        let c = segment(&doc);
        check(&doc, &c)?;
    }

    #[test]
    fn generated_contracts(text in contract()) {
        let doc = Document::from_plain_text(DocId(2), text);
        let c = segment(&doc);
        check(&doc, &c)?;
        let words: usize = doc.text.split_whitespace().count();
        let covered: usize = c.iter().map(|x| doc.text[x.span.clone()].split_whitespace().count()).sum();
        // every word after the first clause start belongs to some clause
        prop_assert!(covered <= words);
    }
}
