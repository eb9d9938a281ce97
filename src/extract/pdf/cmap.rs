//! CMaps: the programs that map character codes to Unicode (`/ToUnicode`) or to CIDs
//! (`/Encoding` streams of Type0 fonts).
//!
//! A CMap declares code-space ranges (how many bytes a code has, by its first byte) and then
//! mappings: `bfchar` (one code to a UTF-16BE string), `bfrange` (a range of codes to
//! incrementing strings, or to an array of strings), and `cidchar`/`cidrange` (codes to CIDs).
//! Only these sections are read; everything else in the PostScript is skipped.

use std::collections::HashMap;

/// One code-space range: codes of `len` bytes between `lo` and `hi`.
#[derive(Clone, Copy, Debug)]
struct CodeSpace {
    len: u8,
    lo: u32,
    hi: u32,
}

/// A parsed CMap.
#[derive(Clone, Debug, Default)]
pub struct CMap {
    spaces: Vec<CodeSpace>,
    /// Code (with its byte length) to Unicode text.
    uni: HashMap<(u8, u32), String>,
    /// Code (with its byte length) to CID.
    cid: HashMap<(u8, u32), u32>,
    /// CID ranges: (len, lo, hi, first cid).
    cid_ranges: Vec<(u8, u32, u32, u32)>,
}

/// The most entries a CMap may declare (a bfrange counts its span).
const MAX_ENTRIES: u32 = 200_000;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Int(i64),
    Word(Vec<u8>),
    Open,
    Close,
}

fn tokens(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = data.get(i) {
        match b {
            b'%' => {
                while let Some(&c) = data.get(i) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                i += 1;
                let mut nibbles = Vec::new();
                while let Some(&c) = data.get(i) {
                    i += 1;
                    if c == b'>' {
                        break;
                    }
                    if let Some(v) = (c as char).to_digit(16) {
                        nibbles.push(v as u8);
                    }
                }
                if nibbles.len() % 2 == 1 {
                    nibbles.push(0);
                }
                out.push(Tok::Hex(nibbles.chunks_exact(2).map(|p| p[0] << 4 | p[1]).collect()));
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'(' => {
                // Literal strings: skipped with nesting, kept as a word for robustness.
                let mut depth = 0usize;
                let mut s = Vec::new();
                while let Some(&c) = data.get(i) {
                    i += 1;
                    match c {
                        b'\\' => {
                            if let Some(&n) = data.get(i) {
                                s.push(n);
                            }
                            i += 1;
                        }
                        b'(' => {
                            depth += 1;
                            if depth > 1 {
                                s.push(c);
                            }
                        }
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                            s.push(c);
                        }
                        _ => s.push(c),
                    }
                }
                out.push(Tok::Hex(s));
            }
            c if c.is_ascii_whitespace() || c == 0 => i += 1,
            _ => {
                let start = i;
                while let Some(&c) = data.get(i) {
                    if c.is_ascii_whitespace() || b"<>[]()%/{}".contains(&c) && i > start {
                        break;
                    }
                    i += 1;
                }
                let word = data.get(start..i).unwrap_or_default();
                let tok = std::str::from_utf8(word)
                    .ok()
                    .and_then(|s| s.parse::<i64>().ok())
                    .map(Tok::Int)
                    .unwrap_or_else(|| Tok::Word(word.to_vec()));
                out.push(tok);
            }
        }
    }
    out
}

fn be(bytes: &[u8]) -> u32 {
    bytes.iter().take(4).fold(0u32, |acc, b| acc << 8 | u32::from(*b))
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks(2).map(|c| be(c) as u16).collect();
    char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')).collect()
}

/// Adds `delta` to the last UTF-16 unit of a bfrange destination.
fn utf16_plus(bytes: &[u8], delta: u32) -> String {
    let mut units: Vec<u16> = bytes.chunks(2).map(|c| be(c) as u16).collect();
    if let Some(last) = units.last_mut() {
        *last = (u32::from(*last).wrapping_add(delta) & 0xffff) as u16;
    }
    char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')).collect()
}

impl CMap {
    /// Parses CMap source text. Never fails: what cannot be read is skipped.
    pub fn parse(data: &[u8]) -> CMap {
        let toks = tokens(data);
        let mut cmap = CMap::default();
        let mut entries: u32 = 0;
        let mut i = 0;
        while let Some(t) = toks.get(i) {
            i += 1;
            let Tok::Word(w) = t else { continue };
            match w.as_slice() {
                b"begincodespacerange" => {
                    while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi))) =
                        (toks.get(i), toks.get(i + 1))
                    {
                        i += 2;
                        if !lo.is_empty() && lo.len() <= 4 {
                            cmap.spaces.push(CodeSpace {
                                len: lo.len() as u8,
                                lo: be(lo),
                                hi: be(hi),
                            });
                        }
                    }
                }
                b"beginbfchar" => {
                    while let (Some(Tok::Hex(src)), Some(dst)) = (toks.get(i), toks.get(i + 1)) {
                        i += 2;
                        let text = match dst {
                            Tok::Hex(d) => utf16(d),
                            Tok::Word(n) => {
                                super::glyphs::glyph_to_unicode(n.strip_prefix(b"/").unwrap_or(n))
                                    .unwrap_or_default()
                            }
                            _ => continue,
                        };
                        if !src.is_empty() && src.len() <= 4 {
                            cmap.uni.insert((src.len() as u8, be(src)), text);
                            entries = entries.saturating_add(1);
                        }
                    }
                }
                b"beginbfrange" => {
                    while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi))) =
                        (toks.get(i), toks.get(i + 1))
                    {
                        i += 2;
                        let (len, a, b) = (lo.len(), be(lo), be(hi));
                        if len == 0 || len > 4 || b < a {
                            // Skip the destination too.
                            i = skip_value(&toks, i);
                            continue;
                        }
                        let span = b - a;
                        entries = entries.saturating_add(span.saturating_add(1));
                        if entries > MAX_ENTRIES {
                            return cmap;
                        }
                        match toks.get(i) {
                            Some(Tok::Hex(d)) => {
                                i += 1;
                                for k in 0..=span {
                                    cmap.uni.insert((len as u8, a + k), utf16_plus(d, k));
                                }
                            }
                            Some(Tok::Open) => {
                                i += 1;
                                let mut k = 0u32;
                                while let Some(Tok::Hex(d)) = toks.get(i) {
                                    i += 1;
                                    if k <= span {
                                        cmap.uni.insert((len as u8, a + k), utf16(d));
                                    }
                                    k = k.saturating_add(1);
                                }
                                if toks.get(i) == Some(&Tok::Close) {
                                    i += 1;
                                }
                            }
                            _ => i = skip_value(&toks, i),
                        }
                    }
                }
                b"begincidchar" => {
                    while let (Some(Tok::Hex(src)), Some(Tok::Int(cid))) =
                        (toks.get(i), toks.get(i + 1))
                    {
                        i += 2;
                        if !src.is_empty() && src.len() <= 4 {
                            cmap.cid
                                .insert((src.len() as u8, be(src)), (*cid).clamp(0, 0xffff) as u32);
                        }
                    }
                }
                b"begincidrange" => {
                    while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi)), Some(Tok::Int(cid))) =
                        (toks.get(i), toks.get(i + 1), toks.get(i + 2))
                    {
                        i += 3;
                        if !lo.is_empty() && lo.len() <= 4 && cmap.cid_ranges.len() < 100_000 {
                            cmap.cid_ranges.push((
                                lo.len() as u8,
                                be(lo),
                                be(hi),
                                (*cid).clamp(0, 0xffff) as u32,
                            ));
                        }
                    }
                }
                _ => {}
            }
            if entries > MAX_ENTRIES {
                break;
            }
        }
        cmap
    }

    /// Whether the CMap declared any code-space range.
    pub fn has_codespace(&self) -> bool {
        !self.spaces.is_empty()
    }

    /// The byte length of the code starting at the front of `bytes`, from the code-space
    /// ranges (`default` if none matches).
    pub fn code_len(&self, bytes: &[u8], default: usize) -> usize {
        for len in 1..=4usize {
            let Some(prefix) = bytes.get(..len) else { break };
            let v = be(prefix);
            if self.spaces.iter().any(|s| usize::from(s.len) == len && s.lo <= v && v <= s.hi) {
                return len;
            }
        }
        default
    }

    /// The Unicode text of a code of `len` bytes.
    pub fn unicode(&self, len: usize, code: u32) -> Option<&str> {
        // Exact length first; then the same value written with another length (simple fonts
        // whose ToUnicode declares two-byte sources, and the reverse).
        [len, 2, 1, 3, 4].iter().find_map(|l| self.uni.get(&(*l as u8, code))).map(String::as_str)
    }

    /// Whether there is any Unicode mapping at all.
    pub fn has_unicode(&self) -> bool {
        !self.uni.is_empty()
    }

    /// The CID of a code of `len` bytes (for encoding CMaps).
    pub fn cid(&self, len: usize, code: u32) -> Option<u32> {
        if let Some(c) = self.cid.get(&(len as u8, code)) {
            return Some(*c);
        }
        self.cid_ranges
            .iter()
            .find(|(l, lo, hi, _)| usize::from(*l) == len && *lo <= code && code <= *hi)
            .map(|(_, lo, _, first)| first.saturating_add(code - lo))
    }
}

fn skip_value(toks: &[Tok], mut i: usize) -> usize {
    if toks.get(i) == Some(&Tok::Open) {
        while let Some(t) = toks.get(i) {
            i += 1;
            if *t == Tok::Close {
                break;
            }
        }
        i
    } else {
        i + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfchar_and_bfrange() {
        let src = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
            1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
            2 beginbfchar <0003> <0020> <0011> <D83DDE00> endbfchar\n\
            2 beginbfrange <0024> <0026> <0041> <0030> <0031> [<00660069> <0042>] endbfrange\n\
            endcmap";
        let c = CMap::parse(src);
        assert_eq!(c.code_len(&[0, 3], 1), 2);
        assert_eq!(c.unicode(2, 3), Some(" "));
        assert_eq!(c.unicode(2, 0x11), Some("😀"));
        assert_eq!(c.unicode(2, 0x26), Some("C"));
        assert_eq!(c.unicode(2, 0x30), Some("fi"));
        assert_eq!(c.unicode(2, 0x31), Some("B"));
    }

    #[test]
    fn garbage_does_not_panic() {
        for data in [
            &b"beginbfrange <FFFFFFFF> <00> <0041>"[..],
            b"<<<<>>[[(((",
            b"beginbfrange <00> <FFFFFF> <00>",
        ] {
            let _ = CMap::parse(data);
        }
    }
}
