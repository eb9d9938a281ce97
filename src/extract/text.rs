//! Plain text and Markdown.
//!
//! Text files come in many encodings. A byte-order mark decides (UTF-8, UTF-16LE/BE); otherwise
//! valid UTF-8 is taken as such, and anything else is read as Windows-1252, the encoding that
//! legacy office software wrote. Paragraphs are runs of lines separated by blank lines; in
//! Markdown, `#` lines are headings.

use super::draft::{Budget, Draft, DraftBlock, ExtractError};
use super::{Block, BlockKind, Span};

/// Decodes text bytes to a string (see the module docs for the encoding rules).
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// Whether bytes look like text rather than a binary format: a BOM, or no NUL bytes and few
/// control characters in the first 8 KiB.
pub(crate) fn looks_like_text(bytes: &[u8]) -> bool {
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return true;
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return false;
    }
    let control =
        head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    control * 100 <= head.len()
}

/// Extracts a plain text or Markdown file.
pub(crate) fn extract(
    bytes: &[u8],
    markdown: bool,
    budget: &mut Budget,
) -> Result<Draft, ExtractError> {
    budget.charge(bytes.len() as u64)?;
    let text = decode(bytes).replace("\r\n", "\n").replace('\r', "\n");
    let mut draft = Draft::default();
    let mut lines: Vec<&str> = Vec::new();
    let mut in_fence = false;
    let flush = |lines: &mut Vec<&str>, draft: &mut Draft| {
        if !lines.is_empty() {
            let text = lines.join("\n");
            lines.clear();
            if !text.trim().is_empty() {
                draft.blocks.push(DraftBlock {
                    text,
                    kind: BlockKind::Paragraph,
                    page: None,
                    label: None,
                });
            }
        }
    };
    for (i, line) in text.lines().enumerate() {
        if i % 4096 == 0 {
            budget.check_time()?;
        }
        if markdown && line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if markdown
            && !in_fence
            && let Some(heading) = markdown_heading(line)
        {
            flush(&mut lines, &mut draft);
            if draft.title.is_none() {
                draft.title = Some(heading.to_owned());
            }
            draft.blocks.push(DraftBlock {
                text: heading.to_owned(),
                kind: BlockKind::Heading,
                page: None,
                label: None,
            });
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut lines, &mut draft);
        } else {
            lines.push(line.trim_end());
        }
    }
    flush(&mut lines, &mut draft);
    Ok(draft)
}

/// The text of an ATX heading line (`## Title`), if it is one.
fn markdown_heading(line: &str) -> Option<&str> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &line[hashes..];
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim();
    (!text.is_empty()).then_some(text)
}

/// Blocks of a plain text: runs of non-blank lines; a form feed starts a new page.
pub(crate) fn plain_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut page: u32 = 1;
    let mut cur: Option<(usize, usize, u32)> = None;
    let mut pos = 0usize;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let ff = body.matches('\x0c').count() as u32;
        let blank = body.trim().trim_matches('\x0c').trim().is_empty();
        if blank {
            if let Some((s, e, p)) = cur.take() {
                blocks.push(Block {
                    kind: BlockKind::Paragraph,
                    span: Span { byte_start: s, byte_end: e, page: Some(p) },
                    label: None,
                });
            }
            page = page.saturating_add(ff);
            continue;
        }
        // skip a leading form feed on the line: it starts a new page
        let lead = body.len() - body.trim_start_matches('\x0c').len();
        if lead > 0 {
            if let Some((s, e, p)) = cur.take() {
                blocks.push(Block {
                    kind: BlockKind::Paragraph,
                    span: Span { byte_start: s, byte_end: e, page: Some(p) },
                    label: None,
                });
            }
            page = page.saturating_add(lead as u32);
        }
        let end = start + body.len();
        match cur.as_mut() {
            Some(c) => c.1 = end,
            None => cur = Some((start + lead, end, page)),
        }
        page = page.saturating_add(ff.saturating_sub(lead as u32));
    }
    if let Some((s, e, p)) = cur.take() {
        blocks.push(Block {
            kind: BlockKind::Paragraph,
            span: Span { byte_start: s, byte_end: e, page: Some(p) },
            label: None,
        });
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::draft::Limits;

    #[test]
    fn decodes_boms_utf8_and_legacy() {
        assert_eq!(decode("héllo".as_bytes()), "héllo");
        assert_eq!(decode(b"\xef\xbb\xbfabc"), "abc");
        assert_eq!(decode(b"\xff\xfea\x00b\x00"), "ab");
        assert_eq!(decode(b"caf\xe9 \x93quoted\x94"), "café \u{201c}quoted\u{201d}");
    }

    #[test]
    fn text_detection() {
        assert!(looks_like_text(b"Dear Sir,\n\nPlease find attached.\n"));
        assert!(!looks_like_text(b"\x00\x01\x02binary"));
        assert!(!looks_like_text(&[1u8; 100]));
    }

    #[test]
    fn paragraphs_and_markdown_headings() {
        let mut budget = Budget::new(Limits::default());
        let md = "# Mutual NDA\n\n1. Purpose.\nThe parties wish to explore.\n\n## Terms ##\n\n```\n# not a heading\n```\n";
        let d = extract(md.as_bytes(), true, &mut budget).unwrap();
        assert_eq!(d.title.as_deref(), Some("Mutual NDA"));
        let kinds: Vec<_> = d.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (BlockKind::Heading, "Mutual NDA"),
                (BlockKind::Paragraph, "1. Purpose.\nThe parties wish to explore."),
                (BlockKind::Heading, "Terms"),
                (BlockKind::Paragraph, "```\n# not a heading\n```"),
            ]
        );
        let t = extract(b"# not markdown\r\n\r\nline", false, &mut budget).unwrap();
        assert_eq!(t.blocks.len(), 2);
        assert_eq!(t.blocks[0].kind, BlockKind::Paragraph);
    }
}
