//! The File Information Block at the start of the `WordDocument` stream (MS-DOC 2.5).
//!
//! Two layouts are read: the Word 97-2003 FIB (`wIdent` 0xA5EC, variable-size arrays whose
//! counts the FIB itself gives) and the Word 6/95 FIB (`wIdent` 0xA5DC, nFib 101..=105, fixed
//! offsets, fc/lcb pairs from 0x58, text in the `WordDocument` stream itself). Every offset
//! read here is checked against the stream; what the FIB declares is only trusted as far as
//! the bytes go.

use super::bytes::{u16_at, u32_at};
use crate::extract::draft::ExtractError;

/// Indices into the fc/lcb pair array (FibRgFcLcb97; the Word 6 FIB shares the first 38).
pub(super) mod pair {
    pub(crate) const STSHF: usize = 1;
    pub(crate) const PLCFFND_REF: usize = 2;
    pub(crate) const PLCFFND_TXT: usize = 3;
    pub(crate) const PLCFAND_TXT: usize = 5;
    pub(crate) const PLCF_HDD: usize = 11;
    pub(crate) const PLCF_BTE_CHPX: usize = 12;
    pub(crate) const PLCF_BTE_PAPX: usize = 13;
    pub(crate) const CLX: usize = 33;
    pub(crate) const PLCFEND_REF: usize = 46;
    pub(crate) const PLCFEND_TXT: usize = 47;
    pub(crate) const PLCFTXBX_TXT: usize = 56;
    pub(crate) const PLCFHDRTXBX_TXT: usize = 58;
    pub(crate) const PLF_LST: usize = 73;
    pub(crate) const PLF_LFO: usize = 74;
}

/// Which FIB layout (and so which text and property encodings) a file uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Version {
    /// Word 97, 2000, XP, 2003 (and later writers of the binary format).
    Word97,
    /// Word 6.0 and Word 95: 8-bit text, one-byte sprms, no table stream.
    Word6,
}

/// The character counts of the stories, in the order the stories follow each other in the
/// document's CP space.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Ccp {
    pub(super) text: u32,
    pub(super) ftn: u32,
    pub(super) hdd: u32,
    /// Macro text (reserved in Word 97; counted so that later stories stay where they are).
    pub(super) mcr: u32,
    pub(super) atn: u32,
    pub(super) edn: u32,
    pub(super) txbx: u32,
    pub(super) hdr_txbx: u32,
}

/// What clausal needs from the FIB.
#[derive(Clone, Debug)]
pub(super) struct Fib {
    pub(super) version: Version,
    pub(super) nfib: u16,
    /// Language id of the document (picks the Word 6 code page).
    pub(super) lid: u16,
    /// Incrementally saved: the text is reached through a piece table (always so in Word 97).
    pub(super) complex: bool,
    /// `1Table` (true) or `0Table` (false) holds the tables (Word 97).
    pub(super) table1: bool,
    /// Word 6: the text runs from `fc_min` to `fc_mac` in the `WordDocument` stream.
    pub(super) fc_min: u32,
    pub(super) fc_mac: u32,
    pub(super) ccp: Ccp,
    /// The fc/lcb pairs, as many as the FIB holds.
    pairs: Vec<(u32, u32)>,
}

/// The most fc/lcb pairs read (FibRgFcLcb2007 has 0xB7).
const MAX_PAIRS: usize = 0x100;
/// Pairs of the Word 6 FIB that share the Word 97 meaning (through fcSttbfAtnbkmk).
const WORD6_PAIRS: usize = 38;

fn truncated(what: &str) -> ExtractError {
    ExtractError::Malformed(format!("doc: FIB truncated at {what}"))
}

impl Fib {
    /// Reads the FIB at the start of `word` (the `WordDocument` stream).
    ///
    /// Fails with `Encrypted` for encrypted or obfuscated files, `Unsupported` for Word 2 and
    /// earlier, `Malformed` for anything that is not a FIB.
    pub(super) fn parse(word: &[u8]) -> Result<Fib, ExtractError> {
        let ident = u16_at(word, 0).ok_or_else(|| truncated("wIdent"))?;
        let nfib = u16_at(word, 2).ok_or_else(|| truncated("nFib"))?;
        let lid = u16_at(word, 6).ok_or_else(|| truncated("lid"))?;
        let flags = u16_at(word, 0x0A).ok_or_else(|| truncated("flags"))?;
        match ident {
            0xA5EC | 0xA5DC => {}
            0xA59B | 0xA59C => {
                return Err(ExtractError::Unsupported(
                    "Word 2 for Windows (or earlier) document".into(),
                ));
            }
            other => {
                return Err(ExtractError::Malformed(format!(
                    "doc: not a Word FIB (wIdent {other:#06x})"
                )));
            }
        }
        // fEncrypted (bit 8); fObfuscated (bit 15) is XOR obfuscation, also a password.
        if flags & 0x0100 != 0 || flags & 0x8000 != 0 {
            return Err(ExtractError::Encrypted);
        }
        if nfib < 101 {
            return Err(ExtractError::Unsupported(format!(
                "Word 2 (or earlier) document (nFib {nfib})"
            )));
        }
        let complex = flags & 0x0004 != 0;
        let table1 = flags & 0x0200 != 0;
        // The Word 97 FIB has csw = 14 at 0x20; the Word 6 FIB has cbMac (a u32) there.
        let csw = u16_at(word, 0x20).ok_or_else(|| truncated("csw"))?;
        let word97 = ident == 0xA5EC && (nfib >= 0xC1 || (nfib > 105 && csw == 14));
        if word97 {
            Self::parse97(word, nfib, lid, complex, table1)
        } else if nfib <= 105 || ident == 0xA5DC {
            Self::parse6(word, nfib, lid, complex)
        } else {
            Err(ExtractError::Unsupported(format!(
                "Word document with an unknown FIB (nFib {nfib})"
            )))
        }
    }

    fn parse97(
        word: &[u8],
        nfib: u16,
        lid: u16,
        complex: bool,
        table1: bool,
    ) -> Result<Fib, ExtractError> {
        let csw = usize::from(u16_at(word, 0x20).ok_or_else(|| truncated("csw"))?);
        let lw_count_at = 0x22 + csw * 2;
        let cslw = usize::from(u16_at(word, lw_count_at).ok_or_else(|| truncated("cslw"))?);
        let lw_at = lw_count_at + 2;
        let lw = |i: usize| -> Result<u32, ExtractError> {
            if i >= cslw {
                return Ok(0);
            }
            u32_at(word, lw_at + i * 4).ok_or_else(|| truncated("fibRgLw"))
        };
        let ccp = Ccp {
            text: lw(3)?,
            ftn: lw(4)?,
            hdd: lw(5)?,
            mcr: lw(6)?,
            atn: lw(7)?,
            edn: lw(8)?,
            txbx: lw(9)?,
            hdr_txbx: lw(10)?,
        };
        let fc_count_at = lw_at + cslw * 4;
        let cb = usize::from(u16_at(word, fc_count_at).ok_or_else(|| truncated("cbRgFcLcb"))?);
        let pairs = read_pairs(word, fc_count_at + 2, cb.min(MAX_PAIRS));
        if pairs.len() <= pair::CLX {
            return Err(truncated("fcClx"));
        }
        Ok(Fib {
            version: Version::Word97,
            nfib,
            lid,
            complex,
            table1,
            fc_min: 0,
            fc_mac: 0,
            ccp,
            pairs,
        })
    }

    fn parse6(word: &[u8], nfib: u16, lid: u16, complex: bool) -> Result<Fib, ExtractError> {
        let lw = |at: usize| u32_at(word, at).ok_or_else(|| truncated("Word 6 counts"));
        let fc_min = lw(0x18)?;
        let fc_mac = lw(0x1C)?;
        let ccp = Ccp {
            text: lw(0x34)?,
            ftn: lw(0x38)?,
            hdd: lw(0x3C)?,
            mcr: lw(0x40)?,
            atn: lw(0x44)?,
            edn: lw(0x48)?,
            txbx: lw(0x4C)?,
            hdr_txbx: lw(0x50)?,
        };
        let pairs = read_pairs(word, 0x58, WORD6_PAIRS);
        Ok(Fib {
            version: Version::Word6,
            nfib,
            lid,
            complex,
            table1: false,
            fc_min,
            fc_mac,
            ccp,
            pairs,
        })
    }

    /// The (fc, lcb) pair at `index`, when the FIB has it and it is not empty.
    pub(super) fn pair(&self, index: usize) -> Option<(u32, u32)> {
        self.pairs.get(index).copied().filter(|&(_, lcb)| lcb > 0)
    }

    /// The bytes a pair points at in `stream`, or `None` if empty or out of the stream.
    pub(super) fn slice<'a>(&self, index: usize, stream: &'a [u8]) -> Option<&'a [u8]> {
        let (fc, lcb) = self.pair(index)?;
        let start = usize::try_from(fc).ok()?;
        let end = start.checked_add(usize::try_from(lcb).ok()?)?;
        stream.get(start..end)
    }
}

/// Reads up to `count` fc/lcb pairs from `at`, stopping where the stream ends.
fn read_pairs(word: &[u8], at: usize, count: usize) -> Vec<(u32, u32)> {
    let mut pairs = Vec::with_capacity(count);
    for i in 0..count {
        let at = at + i * 8;
        match (u32_at(word, at), u32_at(word, at + 4)) {
            (Some(fc), Some(lcb)) => pairs.push((fc, lcb)),
            _ => break,
        }
    }
    pairs
}
