//! The piece table (CLX, MS-DOC 2.9.38) and the characters it maps CPs to.
//!
//! The CLX in the table stream is a run of Prc entries (property modifiers for pieces, kept
//! for the paragraph reader) followed by one Pcdt: a PLC of CPs and 8-byte piece
//! descriptors. A Word 97 piece is either 16-bit (UTF-16LE at `fc`) or "compressed" (bit
//! 0x40000000: 8-bit CP1252 at `fc / 2`); a Word 6 piece is always 8-bit in the document's
//! code page. Characters are produced with the CP and the stream offset (FC) of each, which
//! is what the paragraph properties are keyed by.

use super::bytes::{Plc, slice, u8_at, u16_at, u32_at};
use super::fib::Version;
use crate::extract::draft::ExtractError;

/// One piece: CPs `cp..cp_end` stored from byte `fc` of the `WordDocument` stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Piece {
    pub(super) cp: u32,
    pub(super) cp_end: u32,
    /// Byte offset of the piece's first character in the `WordDocument` stream.
    pub(super) fc: u32,
    /// UTF-16LE (true) or 8-bit (false).
    pub(super) wide: bool,
    /// Property modifier of the piece (Prm): a Prc index or a single sprm.
    pub(super) prm: u16,
}

/// The piece table and the property modifiers it refers to.
#[derive(Debug, Default)]
pub(super) struct Clx<'a> {
    pub(super) pieces: Vec<Piece>,
    /// The grpprl of each Prc, in order (a Prm with fComplex names one by index).
    pub(super) prcs: Vec<&'a [u8]>,
    /// Pieces dropped for overlapping or running backwards.
    pub(super) dropped: usize,
}

fn malformed(what: &str) -> ExtractError {
    ExtractError::Malformed(format!("doc: {what}"))
}

impl<'a> Clx<'a> {
    /// Parses a CLX. The number of pieces is bounded by the bytes of the Pcdt (12 a piece).
    pub(super) fn parse(clx: &'a [u8], version: Version) -> Result<Clx<'a>, ExtractError> {
        let mut pos = 0usize;
        let mut prcs = Vec::new();
        let plc = loop {
            match u8_at(clx, pos) {
                Some(0x01) => {
                    let cb = usize::from(
                        u16_at(clx, pos + 1).ok_or_else(|| malformed("Prc truncated"))?,
                    );
                    let grpprl = slice(clx, pos + 3, cb)
                        .ok_or_else(|| malformed("Prc runs past the CLX"))?;
                    prcs.push(grpprl);
                    pos += 3 + cb;
                }
                Some(0x02) => {
                    let lcb = u32_at(clx, pos + 1).ok_or_else(|| malformed("Pcdt truncated"))?;
                    let start = pos + 5;
                    let end = usize::try_from(lcb).ok().and_then(|l| start.checked_add(l));
                    // A PlcPcd longer than the CLX is cut at the CLX's end.
                    let plc = match end {
                        Some(end) if end <= clx.len() => clx.get(start..end),
                        _ => clx.get(start..),
                    };
                    break plc.unwrap_or(&[]);
                }
                Some(other) => {
                    return Err(ExtractError::Malformed(format!(
                        "doc: unexpected CLX entry type {other:#04x} at {pos}"
                    )));
                }
                None => return Err(malformed("the CLX has no piece table")),
            }
        };
        let plc = Plc::new(plc, 8);
        let mut pieces: Vec<Piece> = Vec::with_capacity(plc.len().min(1 << 16));
        let mut dropped = 0;
        for i in 0..plc.len() {
            let (Some(cp), Some(cp_end), Some(pcd)) = (plc.cp(i), plc.cp(i + 1), plc.elem(i))
            else {
                break;
            };
            let raw = u32_at(pcd, 2).unwrap_or(0);
            let prm = u16_at(pcd, 6).unwrap_or(0);
            let overlaps = pieces.last().is_some_and(|p| cp < p.cp_end);
            if cp_end <= cp || overlaps {
                dropped += 1;
                continue;
            }
            let (fc, wide) = match version {
                Version::Word97 if raw & 0x4000_0000 != 0 => ((raw & 0x3FFF_FFFF) / 2, false),
                Version::Word97 => (raw & 0x3FFF_FFFF, true),
                Version::Word6 => (raw, false),
            };
            pieces.push(Piece { cp, cp_end, fc, wide, prm });
        }
        if pieces.is_empty() {
            return Err(malformed("the piece table is empty"));
        }
        Ok(Clx { pieces, prcs, dropped })
    }

    /// The piece table of a Word 6 file saved without fast save: one 8-bit piece.
    pub(super) fn flat(fc_min: u32, fc_mac: u32) -> Result<Clx<'a>, ExtractError> {
        let len = fc_mac
            .checked_sub(fc_min)
            .filter(|&l| l > 0)
            .ok_or_else(|| malformed("Word 6 text range is empty"))?;
        let piece = Piece { cp: 0, cp_end: len, fc: fc_min, wide: false, prm: 0 };
        Ok(Clx { pieces: vec![piece], prcs: Vec::new(), dropped: 0 })
    }
}

/// One character of the document with where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Char {
    pub(super) ch: char,
    pub(super) cp: u32,
    /// Byte offset in the `WordDocument` stream (the key of paragraph properties).
    pub(super) fc: u32,
    pub(super) prm: u16,
}

/// Decodes characters of the document through the piece table.
pub(super) struct TextSource<'a> {
    pieces: &'a [Piece],
    word: &'a [u8],
    /// The 8-bit pieces' code page.
    encoding: &'static encoding_rs::Encoding,
    /// The code page as a table, when it is a single-byte one.
    table: Option<Box<[char; 256]>>,
    /// Characters still allowed (a file whose pieces reuse the same bytes over and over can
    /// not make more text than the stream has bytes).
    pub(super) chars_left: u64,
    /// Characters the pieces promised but the stream did not hold.
    pub(super) missing: u64,
}

impl<'a> TextSource<'a> {
    pub(super) fn new(
        pieces: &'a [Piece],
        word: &'a [u8],
        encoding: &'static encoding_rs::Encoding,
    ) -> TextSource<'a> {
        let table = encoding.is_single_byte().then(|| {
            let mut t = Box::new(['\u{FFFD}'; 256]);
            for (b, slot) in (0u8..=255).zip(t.iter_mut()) {
                let byte = [b];
                let (s, _) = encoding.decode_without_bom_handling(&byte);
                *slot = s.chars().next().unwrap_or('\u{FFFD}');
            }
            t
        });
        TextSource {
            pieces,
            word,
            encoding,
            table,
            chars_left: (word.len() as u64).saturating_add(1024),
            missing: 0,
        }
    }

    /// Calls `f` for every character with a CP in `start..end`, in CP order.
    pub(super) fn for_each(
        &mut self,
        start: u32,
        end: u32,
        mut f: impl FnMut(Char) -> Result<(), ExtractError>,
    ) -> Result<(), ExtractError> {
        let first = self.pieces.partition_point(|p| p.cp_end <= start);
        let pieces = self.pieces.get(first..).unwrap_or(&[]);
        for piece in pieces {
            if piece.cp >= end {
                break;
            }
            let s = piece.cp.max(start);
            let e = piece.cp_end.min(end);
            let (Some(off), Some(count)) = (s.checked_sub(piece.cp), e.checked_sub(s)) else {
                continue;
            };
            let width: u64 = if piece.wide { 2 } else { 1 };
            let from = u64::from(piece.fc) + u64::from(off) * width;
            let want = u64::from(count) * width;
            let have = (self.word.len() as u64).saturating_sub(from);
            let bytes_len = want.min(have);
            let chars = (bytes_len / width).min(self.chars_left);
            self.missing = self.missing.saturating_add(u64::from(count) - chars);
            self.chars_left -= chars;
            let (Ok(from), Ok(len)) = (usize::try_from(from), usize::try_from(chars * width))
            else {
                continue;
            };
            let Some(bytes) = slice(self.word, from, len) else { continue };
            let base_fc = from as u64;
            if piece.wide {
                let units = bytes
                    .chunks_exact(2)
                    .map(|c| c.try_into().map(u16::from_le_bytes).unwrap_or(0xFFFD));
                let mut k: u32 = 0;
                for r in char::decode_utf16(units) {
                    let (ch, n) = match r {
                        Ok(c) => (c, c.len_utf16() as u32),
                        Err(_) => ('\u{FFFD}', 1),
                    };
                    let cp = s.saturating_add(k);
                    let fc = (base_fc + 2 * u64::from(k)).min(u64::from(u32::MAX)) as u32;
                    f(Char { ch, cp, fc, prm: piece.prm })?;
                    k = k.saturating_add(n);
                }
            } else if let Some(table) = &self.table {
                for (k, &b) in bytes.iter().enumerate() {
                    let cp = s.saturating_add(k as u32);
                    let fc = (base_fc + k as u64).min(u64::from(u32::MAX)) as u32;
                    f(Char { ch: table[usize::from(b)], cp, fc, prm: piece.prm })?;
                }
            } else {
                self.multibyte(bytes, s, base_fc, piece.prm, &mut f)?;
            }
        }
        Ok(())
    }

    /// 8-bit text in a multi-byte code page (Word 6 Far East): each character gets the CP
    /// and FC of the byte that completes it.
    fn multibyte(
        &self,
        bytes: &[u8],
        cp: u32,
        base_fc: u64,
        prm: u16,
        f: &mut impl FnMut(Char) -> Result<(), ExtractError>,
    ) -> Result<(), ExtractError> {
        let mut decoder = self.encoding.new_decoder_without_bom_handling();
        let mut out = [0u16; 8];
        let mut pending: Option<u16> = None;
        for (k, b) in bytes.iter().enumerate() {
            let last = k + 1 == bytes.len();
            let (_, _, written, _) = decoder.decode_to_utf16(&[*b], &mut out, last);
            for &unit in out.get(..written).unwrap_or(&[]) {
                let ch = match pending.take() {
                    Some(high) => char::decode_utf16([high, unit]).next().and_then(|r| r.ok()),
                    None if (0xD800..0xDC00).contains(&unit) => {
                        pending = Some(unit);
                        continue;
                    }
                    None => char::from_u32(u32::from(unit)),
                };
                let ch = ch.unwrap_or('\u{FFFD}');
                let fc = (base_fc + k as u64).min(u64::from(u32::MAX)) as u32;
                f(Char { ch, cp: cp.saturating_add(k as u32), fc, prm })?;
            }
        }
        Ok(())
    }
}
