//! Paragraph properties: sprms (MS-DOC 2.2.5.1), PAPX FKPs (2.9.175), the stylesheet (2.9.271)
//! and piece property modifiers (Prm, 2.9.212).
//!
//! A paragraph's properties are found by the FC of its paragraph mark: PlcBtePapx (table
//! stream) names the 512-byte FKP page of the `WordDocument` stream whose runs cover that FC;
//! the run's PAPX holds the style index (istd) and a grpprl of sprms. The style's own
//! paragraph sprms (through its base-style chain) apply first, then the PAPX's, then those of
//! the piece's Prm. Only the few properties clausal needs are decoded: table membership and
//! depth, table row ends, list numbering, the outline level and the style.
//!
//! Character properties (CHPX FKPs, found the same way through PlcBteChpx) are read for one
//! thing only: revision marks, so that deleted text can be left out (tracked changes accepted,
//! as the DOCX reader does by default).

use std::cell::Cell;

use super::bytes::{Plc, i32_at, slice, u8_at, u16_at, u32_at};

/// The paragraph properties clausal uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct ParaProps {
    pub(super) istd: u16,
    /// sprmPFInTable.
    pub(super) in_table: bool,
    /// sprmPFTtp: this paragraph mark (a 0x07) ends a table row.
    pub(super) ttp: bool,
    /// sprmPItap: table nesting depth (0 when absent: then `in_table` means depth 1).
    pub(super) itap: i32,
    /// sprmPFInnerTableCell: this paragraph mark ends a cell of a nested table.
    pub(super) inner_cell: bool,
    /// sprmPFInnerTtp: this paragraph mark ends a row of a nested table.
    pub(super) inner_ttp: bool,
    /// sprmPIlfo: 1-based index of the list (LFO); 0 none.
    pub(super) ilfo: i16,
    /// sprmPIlvl: list level 0..=8.
    pub(super) ilvl: u8,
    /// sprmPOutLvl: outline level (0..=8 for headings, 9 for body text).
    pub(super) outline: Option<u8>,
}

impl ParaProps {
    /// Table nesting depth: 0 outside tables.
    pub(super) fn depth(&self) -> i32 {
        if self.itap > 0 {
            self.itap
        } else if self.in_table {
            1
        } else {
            0
        }
    }

    /// Applies the paragraph sprms of `grpprl`. `huge` resolves sprmPHugePapx (a grpprl
    /// stored in the Data stream); it is followed once, never from inside itself.
    fn apply(&mut self, grpprl: &[u8], huge: Option<&dyn Fn(u32) -> Option<Vec<u8>>>) {
        for (op, arg) in Sprms::new(grpprl) {
            let b = || u8_at(arg, 0).unwrap_or(0);
            match op {
                0x4600 => self.istd = u16_at(arg, 0).unwrap_or(self.istd),
                0x2416 => self.in_table = b() != 0,
                0x2417 => self.ttp = b() != 0,
                0x6649 => self.itap = i32_at(arg, 0).unwrap_or(0).clamp(0, 64),
                0x664A => {
                    let d = i32_at(arg, 0).unwrap_or(0).clamp(-64, 64);
                    self.itap = self.itap.saturating_add(d).clamp(0, 64);
                }
                0x244B => self.inner_cell = b() != 0,
                0x244C => self.inner_ttp = b() != 0,
                0x260A => self.ilvl = b().min(8),
                0x460B => self.ilfo = u16_at(arg, 0).map_or(0, |v| v as i16),
                0x2640 => self.outline = Some(b()),
                0x6646 => {
                    if let Some(grpprl) = huge.and_then(|h| u32_at(arg, 0).and_then(h)) {
                        self.apply(&grpprl, None);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The sprms of a Word 97 grpprl: (opcode, operand). Stops at the first sprm whose operand
/// runs past the end.
pub(super) struct Sprms<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Sprms<'a> {
    pub(super) fn new(data: &'a [u8]) -> Sprms<'a> {
        Sprms { data, pos: 0 }
    }
}

impl<'a> Iterator for Sprms<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<(u16, &'a [u8])> {
        let op = u16_at(self.data, self.pos)?;
        let at = self.pos + 2;
        let (start, len) = match op >> 13 {
            0 | 1 => (at, 1),
            2 | 4 | 5 => (at, 2),
            3 => (at, 4),
            7 => (at, 3),
            _ => match op {
                // sprmTDefTable: a 2-byte size, one more than the bytes that follow it.
                0xD608 => {
                    let cb = usize::from(u16_at(self.data, at)?);
                    (at + 2, cb.saturating_sub(1))
                }
                // sprmPChgTabs: size 255 means "compute from the contents".
                0xC615 if u8_at(self.data, at)? == 255 => {
                    let del = usize::from(u8_at(self.data, at + 1)?);
                    let add_at = at + 2 + 4 * del;
                    let add = usize::from(u8_at(self.data, add_at)?);
                    (at + 1, 1 + 4 * del + 1 + 3 * add)
                }
                _ => (at + 1, usize::from(u8_at(self.data, at)?)),
            },
        };
        let arg = slice(self.data, start, len)?;
        self.pos = start + len;
        Some((op, arg))
    }
}

/// One paragraph style (or an empty slot).
#[derive(Clone, Debug, Default)]
struct Style<'a> {
    sti: u16,
    base: u16,
    name: String,
    /// The paragraph sprms of the style itself (its base style's come first).
    papx: &'a [u8],
}

/// The stylesheet, as far as paragraph styles go.
#[derive(Debug, Default)]
pub(super) struct Styles<'a> {
    styles: Vec<Option<Style<'a>>>,
}

/// Most styles read (istd is 12 bits).
const MAX_STYLES: usize = 0x1000;
/// Base-style chains longer than this are cut (a loop in a hostile file).
const MAX_BASE_DEPTH: usize = 16;

impl<'a> Styles<'a> {
    /// Parses a Word 97 STSH. Anything malformed ends the list early; it never fails.
    pub(super) fn parse(stsh: &'a [u8]) -> Styles<'a> {
        let mut styles = Vec::new();
        let Some(cb_stshi) = u16_at(stsh, 0).map(usize::from) else { return Styles { styles } };
        let Some(stshi) = slice(stsh, 2, cb_stshi) else { return Styles { styles } };
        let cstd = usize::from(u16_at(stshi, 0).unwrap_or(0)).min(MAX_STYLES);
        let cb_base = usize::from(u16_at(stshi, 2).unwrap_or(10));
        let mut pos = 2 + cb_stshi;
        for _ in 0..cstd {
            let Some(cb) = u16_at(stsh, pos).map(usize::from) else { break };
            let Some(std) = slice(stsh, pos + 2, cb) else { break };
            pos += 2 + cb;
            styles.push(if cb == 0 { None } else { Some(Self::parse_std(std, cb_base)) });
        }
        Styles { styles }
    }

    fn parse_std(std: &'a [u8], cb_base: usize) -> Style<'a> {
        let sti = u16_at(std, 0).unwrap_or(0x0FFE) & 0x0FFF;
        let w2 = u16_at(std, 2).unwrap_or(0);
        let stk = w2 & 0x000F;
        let base = w2 >> 4;
        let cupx = u16_at(std, 4).unwrap_or(0) & 0x000F;
        let cch = usize::from(u16_at(std, cb_base).unwrap_or(0));
        let name = slice(std, cb_base + 2, cch * 2)
            .map(|b| {
                let units =
                    b.chunks_exact(2).map(|c| c.try_into().map(u16::from_le_bytes).unwrap_or(0));
                char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')).collect()
            })
            .unwrap_or_default();
        // The UPXs follow the name and its terminating NUL, on an even offset.
        let mut upx = cb_base + 2 + cch * 2 + 2;
        upx += upx & 1;
        let mut papx: &[u8] = &[];
        if stk == 1
            && cupx >= 1
            && let Some(cb) = u16_at(std, upx).map(usize::from)
        {
            // istd (2 bytes), then the grpprl.
            papx = slice(std, upx + 2, cb).and_then(|p| p.get(2..)).unwrap_or(&[]);
        }
        Style { sti, base, name, papx }
    }

    fn get(&self, istd: u16) -> Option<&Style<'a>> {
        self.styles.get(usize::from(istd)).and_then(Option::as_ref)
    }

    /// The style and its base styles, nearest first.
    fn chain(&self, istd: u16) -> impl Iterator<Item = &Style<'a>> {
        let mut next = Some(istd);
        std::iter::from_fn(move || {
            let s = self.get(next?)?;
            next = (s.base != 0x0FFF).then_some(s.base);
            Some(s)
        })
        .take(MAX_BASE_DEPTH)
    }

    /// Applies a style's paragraph sprms, base styles first.
    fn apply(&self, istd: u16, props: &mut ParaProps) {
        let chain: Vec<&Style<'a>> = self.chain(istd).collect();
        for s in chain.iter().rev() {
            props.apply(s.papx, None);
        }
    }

    /// Whether the style is a heading: a built-in "heading 1".."heading 9" or "Title" (by
    /// sti or by name), on its base-style chain.
    pub(super) fn is_heading(&self, istd: u16) -> bool {
        self.chain(istd).any(|s| {
            let name = s.name.to_ascii_lowercase();
            (1..=9).contains(&s.sti)
                || s.sti == 62
                || name == "title"
                || name.strip_prefix("heading ").is_some_and(|n| n.trim().parse::<u8>().is_ok())
        })
    }
}

/// Paragraph property lookup for one Word 97 document.
pub(super) struct Papx<'a> {
    word: &'a [u8],
    bte: Plc<'a>,
    data: Option<&'a [u8]>,
    prcs: &'a [&'a [u8]],
    pub(super) styles: &'a Styles<'a>,
    /// A PAPX pointed into the Data stream, which was not loaded.
    pub(super) wants_data: Cell<bool>,
}

/// Size of an FKP page.
const PAGE: usize = 512;

impl<'a> Papx<'a> {
    pub(super) fn new(
        word: &'a [u8],
        plcf_bte_papx: &'a [u8],
        data: Option<&'a [u8]>,
        prcs: &'a [&'a [u8]],
        styles: &'a Styles<'a>,
    ) -> Papx<'a> {
        Papx {
            word,
            bte: Plc::new(plcf_bte_papx, 4),
            data,
            prcs,
            styles,
            wants_data: Cell::new(false),
        }
    }

    /// The properties of the paragraph whose mark is at `fc`, in a piece with `prm`.
    /// `None` when the FKPs do not cover `fc` (the caller falls back to heuristics).
    pub(super) fn props(&self, fc: u32, prm: u16) -> Option<ParaProps> {
        let i = self.bte.find(fc)?;
        let pn = u32_at(self.bte.elem(i)?, 0)? & 0x003F_FFFF;
        let page = slice(self.word, usize::try_from(pn).ok()?.checked_mul(PAGE)?, PAGE)?;
        let crun = usize::from(u8_at(page, PAGE - 1)?);
        let bx_at = (crun + 1) * 4;
        if crun == 0 || bx_at + crun * 13 > PAGE - 1 {
            return None;
        }
        let mut run = None;
        for j in 0..crun {
            let (start, end) = (u32_at(page, j * 4)?, u32_at(page, j * 4 + 4)?);
            if start <= fc && fc < end {
                run = Some(j);
                break;
            }
        }
        let j = run?;
        let b_offset = usize::from(u8_at(page, bx_at + j * 13)?);
        let mut props = ParaProps::default();
        let mut grpprl: &[u8] = &[];
        if b_offset != 0 {
            let at = b_offset * 2;
            let cb = usize::from(u8_at(page, at)?);
            let (start, len) = if cb != 0 {
                (at + 1, 2 * cb - 1)
            } else {
                (at + 2, 2 * usize::from(u8_at(page, at + 1)?))
            };
            let data = slice(page, start, len).or_else(|| page.get(start..))?;
            props.istd = u16_at(data, 0).unwrap_or(0);
            grpprl = data.get(2..).unwrap_or(&[]);
        }
        let istd = props.istd;
        self.styles.apply(istd, &mut props);
        props.istd = istd;
        let huge = |fc: u32| self.huge(fc);
        props.apply(grpprl, Some(&huge));
        if prm & 1 != 0
            && let Some(g) = self.prcs.get(usize::from(prm >> 1))
        {
            props.apply(g, Some(&huge));
        }
        Some(props)
    }

    /// The grpprl of a huge PAPX at `fc` in the Data stream.
    fn huge(&self, fc: u32) -> Option<Vec<u8>> {
        let Some(data) = self.data else {
            self.wants_data.set(true);
            return None;
        };
        let at = usize::try_from(fc).ok()?;
        let cb = usize::from(u16_at(data, at)?);
        slice(data, at + 2, cb).map(<[u8]>::to_vec)
    }
}

/// Revision marks of a character run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Revision {
    /// sprmCFRMarkDel: the text was deleted with change tracking on.
    pub(super) deleted: bool,
    /// sprmCFRMarkIns: the text was inserted with change tracking on.
    pub(super) inserted: bool,
}

/// Character property lookup (revision marks only) for one Word 97 document.
pub(super) struct Chpx<'a> {
    word: &'a [u8],
    bte: Plc<'a>,
    prcs: &'a [&'a [u8]],
    /// The last run looked up: FCs `start..end` and (prm, marks). Characters come in FC order
    /// within a piece, so most lookups hit it.
    last: Cell<Option<(u32, u32, u16, Revision)>>,
}

impl<'a> Chpx<'a> {
    pub(super) fn new(word: &'a [u8], plcf_bte_chpx: &'a [u8], prcs: &'a [&'a [u8]]) -> Chpx<'a> {
        Chpx { word, bte: Plc::new(plcf_bte_chpx, 4), prcs, last: Cell::new(None) }
    }

    /// The revision marks of the character at `fc` in a piece with `prm`.
    pub(super) fn revision(&self, fc: u32, prm: u16) -> Revision {
        if let Some((start, end, p, rev)) = self.last.get()
            && start <= fc
            && fc < end
            && p == prm
        {
            return rev;
        }
        let (start, end, mut rev) =
            self.run(fc).unwrap_or((fc, fc.saturating_add(1), Revision::default()));
        if prm & 1 != 0
            && let Some(g) = self.prcs.get(usize::from(prm >> 1))
        {
            apply_revision(g, &mut rev);
        }
        self.last.set(Some((start, end, prm, rev)));
        rev
    }

    /// The run of the CHPX FKPs holding `fc`: its FC range and marks.
    fn run(&self, fc: u32) -> Option<(u32, u32, Revision)> {
        let i = self.bte.find(fc)?;
        let pn = u32_at(self.bte.elem(i)?, 0)? & 0x003F_FFFF;
        let page = slice(self.word, usize::try_from(pn).ok()?.checked_mul(PAGE)?, PAGE)?;
        let crun = usize::from(u8_at(page, PAGE - 1)?);
        let rgb_at = (crun + 1) * 4;
        if crun == 0 || rgb_at + crun > PAGE - 1 {
            return None;
        }
        for j in 0..crun {
            let (start, end) = (u32_at(page, j * 4)?, u32_at(page, j * 4 + 4)?);
            if start <= fc && fc < end {
                let mut rev = Revision::default();
                let at = usize::from(u8_at(page, rgb_at + j)?) * 2;
                if at != 0 {
                    let cb = usize::from(u8_at(page, at)?);
                    let grpprl = slice(page, at + 1, cb).or_else(|| page.get(at + 1..))?;
                    apply_revision(grpprl, &mut rev);
                }
                return Some((start, end, rev));
            }
        }
        None
    }
}

fn apply_revision(grpprl: &[u8], rev: &mut Revision) {
    for (op, arg) in Sprms::new(grpprl) {
        let on = u8_at(arg, 0).is_some_and(|v| v & 1 != 0);
        match op {
            0x0800 => rev.deleted = on,
            0x0801 => rev.inserted = on,
            _ => {}
        }
    }
}
