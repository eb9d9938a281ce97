//! Word 97-2003 binary documents (`.doc`, MS-DOC), and the text of Word 6/95 ones.
//!
//! A `.doc` file is an OLE compound file. Its `WordDocument` stream starts with the FIB
//! ([`fib`]), which locates everything else; for Word 97 and later most structures live in
//! the table stream (`1Table` or `0Table`, as the FIB says). The text is reached through the
//! piece table ([`text`]): CP ranges of the document mapped to 8-bit or UTF-16 runs of the
//! `WordDocument` stream. The document's CP space holds the stories one after another: main
//! text, footnotes, headers and footers, comments, endnotes, text boxes. Paragraph properties
//! ([`props`]: table cells and rows, styles, list membership) are looked up by the stream
//! offset of each paragraph mark; list labels are rendered as Word shows them ([`lists`]).
//! The stories become blocks ([`story`]):
//!
//! * the main text and then the text boxes as paragraphs, headings, list items and table rows;
//! * footnotes and endnotes as [`BlockKind::Note`] blocks after them (a reference mark in the
//!   text shows the note's number, as LibreOffice writes it);
//! * headers and footers as metadata "header" / "footer" (each distinct text once), comments
//!   as "comment", and the summary information as the title, "author", "subject", "keywords",
//!   "last-modified-by", "created" and "modified".
//!
//! Tracked changes are accepted, as the DOCX reader does by default: text with a deletion
//! revision mark (CHPX FKPs) is left out, and "tracked-changes" is set to "true". Hidden text
//! is kept (LibreOffice exports it too).
//!
//! Word 6/95 files (nFib 101..=105) give their text through the same story reader, in the code
//! page of their language, with table rows found by a heuristic and no list labels. Encrypted
//! and XOR-obfuscated files fail with [`ExtractError::Encrypted`]; Word 2 and earlier with
//! [`ExtractError::Unsupported`].
//!
//! Nothing in the file is trusted: every stream read is bounded by `max_part_bytes` and
//! charged to the budget, every offset is checked, counts are derived from byte lengths, the
//! characters produced are capped by the bytes of the stream, field nesting and style chains
//! are bounded, and the wall-time budget is checked as characters are read. The parse runs
//! inside `catch_unwind` as a second line of defence.

mod bytes;
mod fib;
mod lists;
mod props;
mod story;
mod summary;
mod text;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use cfb::CompoundFile;

use self::bytes::{Plc, u16_at, u32_at};
use self::fib::{Fib, Version, pair};
use self::lists::{Lists, format_number};
use self::props::{Chpx, Papx, Styles};
use self::story::StoryCtx;
use self::text::{Clx, TextSource};
use crate::extract::draft::{BlockKind, Budget, Draft, DraftBlock, ExtractError};

/// Streams opened from one file at most (a compound file is an archive of streams; the
/// budget's `max_zip_entries` is the closest limit, this is far below it).
const MAX_STREAMS: usize = 16;
/// The summary information is skipped when larger than this.
const MAX_SUMMARY_BYTES: u64 = 1 << 20;

/// Extracts the text of a Word 97-2003 (or Word 6/95) binary document.
///
/// Returns the body as blocks in reading order, notes after the body, and headers, footers,
/// comments and summary properties as metadata. Fails with a typed error, never a panic:
/// `Encrypted` for a password-protected file, `Unsupported` for Word 2 and earlier,
/// `Malformed` for a broken compound file, FIB or piece table, `Limit` when the budget is
/// spent.
pub(crate) fn extract(bytes: &[u8], budget: &mut Budget) -> Result<Draft, ExtractError> {
    let len = bytes.len() as u64;
    if len > budget.limits.max_bytes {
        return Err(ExtractError::Limit {
            limit: "max_bytes",
            max: budget.limits.max_bytes,
            actual: len,
        });
    }
    budget.check()?;
    guard(|| extract_checked(bytes, budget))
}

/// Runs `f`, turning a panic (in the compound-file parser, or a bug of ours) into an error.
/// A second line of defence: the code below does not index or do arithmetic unchecked.
fn guard<T>(f: impl FnOnce() -> Result<T, ExtractError>) -> Result<T, ExtractError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(_) => Err(ExtractError::Malformed("doc: the parser gave up on this input".into())),
    }
}

fn malformed(what: impl std::fmt::Display) -> ExtractError {
    ExtractError::Malformed(format!("doc: {what}"))
}

/// The compound file, read through bounded stream reads.
struct Ole<'a> {
    cf: CompoundFile<Cursor<Cow<'a, [u8]>>>,
    opened: usize,
}

impl<'a> Ole<'a> {
    /// Opens the compound file; one whose FAT marks sectors past the end of the file as
    /// chain ends (a writer's slip that Word and LibreOffice ignore) is opened from a copy
    /// with those entries freed.
    fn open(bytes: &'a [u8]) -> Result<Ole<'a>, ExtractError> {
        match CompoundFile::open(Cursor::new(Cow::Borrowed(bytes))) {
            Ok(cf) => Ok(Ole { cf, opened: 0 }),
            Err(e) => {
                let Some(fixed) = repair_fat(bytes) else { return Err(malformed(e)) };
                let cf = CompoundFile::open(Cursor::new(Cow::Owned(fixed))).map_err(malformed)?;
                Ok(Ole { cf, opened: 0 })
            }
        }
    }

    /// Reads a whole stream, at most `max` bytes (and never more than `max_part_bytes`),
    /// charged to the budget. `None` when there is no such stream.
    fn stream(
        &mut self,
        name: &str,
        max: u64,
        budget: &mut Budget,
    ) -> Result<Option<Vec<u8>>, ExtractError> {
        if !self.cf.is_stream(name) {
            return Ok(None);
        }
        self.opened += 1;
        if self.opened > MAX_STREAMS {
            return Err(ExtractError::Limit {
                limit: "max_zip_entries",
                max: MAX_STREAMS as u64,
                actual: self.opened as u64,
            });
        }
        budget.check_time()?;
        let max = max.min(budget.limits.max_part_bytes);
        let stream = match self.cf.open_stream(name) {
            Ok(s) => s,
            Err(_) => return Ok(None),
        };
        let declared = stream.len();
        if declared > max {
            return Err(ExtractError::Limit { limit: "max_part_bytes", max, actual: declared });
        }
        let mut data = Vec::with_capacity(declared.min(1 << 20) as usize);
        stream
            .take(max.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|e| malformed(format!("reading {name}: {e}")))?;
        budget.charge(data.len() as u64)?;
        Ok(Some(data))
    }
}

/// A copy of a compound file whose FAT entries for sectors past the end of the file are
/// freed, when some were marked ENDOFCHAIN; `None` when there is nothing to repair. Reads
/// only the FAT sectors the header and the DIFAT chain name, each once.
fn repair_fat(bytes: &[u8]) -> Option<Vec<u8>> {
    const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let shift = u16_at(bytes, 30)?;
    if shift != 9 && shift != 12 {
        return None;
    }
    let ss = 1usize << shift;
    let sectors = bytes.len().checked_sub(ss)?.div_ceil(ss);
    let per_sector = ss / 4;
    let num_fat = u32_at(bytes, 44)? as usize;
    let mut fat_sectors: Vec<u32> = (0..109).filter_map(|i| u32_at(bytes, 76 + 4 * i)).collect();
    let mut difat = u32_at(bytes, 68)?;
    let mut hops = 0;
    while (difat as usize) < sectors && hops < sectors {
        let at = (difat as usize + 1) * ss;
        fat_sectors.extend((0..per_sector - 1).filter_map(|i| u32_at(bytes, at + 4 * i)));
        difat = u32_at(bytes, at + ss - 4)?;
        hops += 1;
    }
    let mut out = bytes.to_vec();
    let mut changed = false;
    for (k, &sid) in fat_sectors.iter().take(num_fat).enumerate() {
        if sid as usize >= sectors {
            continue;
        }
        let at = (sid as usize + 1) * ss;
        for e in 0..per_sector {
            let index = k * per_sector + e;
            let pos = at + 4 * e;
            if index >= sectors
                && u32_at(&out, pos) == Some(END_OF_CHAIN)
                && let Some(slot) = out.get_mut(pos..pos + 4)
            {
                slot.copy_from_slice(&FREE.to_le_bytes());
                changed = true;
            }
        }
    }
    changed.then_some(out)
}

fn extract_checked(bytes: &[u8], budget: &mut Budget) -> Result<Draft, ExtractError> {
    let mut ole = Ole::open(bytes)?;
    let word = ole
        .stream("WordDocument", u64::MAX, budget)?
        .ok_or_else(|| malformed("no WordDocument stream"))?;
    let fib = Fib::parse(&word)?;
    let mut draft = match fib.version {
        Version::Word97 => word97(&mut ole, &word, &fib, budget)?,
        Version::Word6 => word6(&word, &fib, budget)?,
    };
    match ole.stream("\u{5}SummaryInformation", u64::MAX, budget) {
        Ok(Some(data)) if data.len() as u64 <= MAX_SUMMARY_BYTES => {
            summary::read(&data, &mut draft);
        }
        Ok(_) => {}
        Err(e @ ExtractError::Limit { limit: "max_total_bytes" | "max_time", .. }) => {
            return Err(e);
        }
        Err(e) => draft.warnings.push(format!("summary information: {e}")),
    }
    Ok(draft)
}

fn word97(
    ole: &mut Ole<'_>,
    word: &[u8],
    fib: &Fib,
    budget: &mut Budget,
) -> Result<Draft, ExtractError> {
    let name = if fib.table1 { "1Table" } else { "0Table" };
    let table = ole
        .stream(name, u64::MAX, budget)?
        .ok_or_else(|| malformed(format!("no {name} stream")))?;
    let clx = fib
        .slice(pair::CLX, &table)
        .ok_or_else(|| malformed("the piece table lies outside the table stream"))?;
    let clx = Clx::parse(clx, Version::Word97)?;
    let styles = fib.slice(pair::STSHF, &table).map(Styles::parse).unwrap_or_default();
    let bte = fib.slice(pair::PLCF_BTE_PAPX, &table).unwrap_or(&[]);
    let plf_lst = fib.pair(pair::PLF_LST).and_then(|(fc, _)| usize::try_from(fc).ok());
    let lists = Lists::parse(&table, plf_lst, fib.slice(pair::PLF_LFO, &table));
    let chpx = Chpx::new(word, fib.slice(pair::PLCF_BTE_CHPX, &table).unwrap_or(&[]), &clx.prcs);
    let doc = Doc { fib, word, table: &table, clx: &clx, chpx: Some(&chpx) };

    let papx = Papx::new(word, bte, None, &clx.prcs, &styles);
    let draft = doc.render(Some(&papx), Some(lists.clone()), budget)?;
    if !papx.wants_data.get() {
        return Ok(draft);
    }
    // Some paragraph properties live in the Data stream (huge PAPXs): read it and start over.
    let Some(data) = ole.stream("Data", u64::MAX, budget)? else { return Ok(draft) };
    let papx = Papx::new(word, bte, Some(&data), &clx.prcs, &styles);
    doc.render(Some(&papx), Some(lists), budget)
}

fn word6(word: &[u8], fib: &Fib, budget: &mut Budget) -> Result<Draft, ExtractError> {
    let clx = match fib.slice(pair::CLX, word) {
        Some(clx) if fib.complex => Clx::parse(clx, Version::Word6)?,
        _ => Clx::flat(fib.fc_min, fib.fc_mac)?,
    };
    let doc = Doc { fib, word, table: word, clx: &clx, chpx: None };
    let mut draft = doc.render(None, None, budget)?;
    draft.warnings.push(format!(
        "Word 6/95 document (nFib {}): text only, table rows found by a heuristic, no list \
         numbers",
        fib.nfib
    ));
    Ok(draft)
}

/// The code page of Word 6 text, from the document's language id.
fn word6_encoding(lid: u16) -> &'static encoding_rs::Encoding {
    let cp = match lid & 0x03FF {
        // Czech, Hungarian, Polish, Romanian, Croatian/Serbian (Latin), Slovak, Albanian,
        // Slovenian.
        0x05 | 0x0E | 0x15 | 0x18 | 0x1A | 0x1B | 0x1C | 0x24 => 1250,
        // Bulgarian, Russian, Ukrainian, Belarusian, Macedonian.
        0x02 | 0x19 | 0x22 | 0x23 | 0x2F => 1251,
        0x08 => 1253,
        0x1F => 1254,
        0x0D => 1255,
        0x01 => 1256,
        0x25..=0x27 => 1257,
        0x2A => 1258,
        0x1E => 874,
        0x11 => 932,
        0x04 if lid == 0x0404 || lid == 0x0C04 => 950,
        0x04 => 936,
        0x12 => 949,
        _ => 1252,
    };
    crate::extract::codepage::encoding(Some(cp))
}

/// One document's streams and piece table, rendered into a draft.
struct Doc<'d> {
    fib: &'d Fib,
    word: &'d [u8],
    /// The table stream (Word 97) or the `WordDocument` stream (Word 6).
    table: &'d [u8],
    clx: &'d Clx<'d>,
    /// Revision marks (Word 97).
    chpx: Option<&'d Chpx<'d>>,
}

/// The CP ranges of the stories, in document order.
struct Stories {
    main: (u32, u32),
    ftn: (u32, u32),
    hdd: (u32, u32),
    atn: (u32, u32),
    edn: (u32, u32),
    txbx: (u32, u32),
    hdr_txbx: (u32, u32),
}

impl Stories {
    fn new(fib: &Fib) -> Stories {
        let c = fib.ccp;
        let mut at: u32 = 0;
        let mut next = |len: u32| {
            let start = at;
            at = at.saturating_add(len);
            (start, at)
        };
        let main = next(c.text);
        let ftn = next(c.ftn);
        let hdd = next(c.hdd);
        let _mcr = next(c.mcr);
        let atn = next(c.atn);
        let edn = next(c.edn);
        let txbx = next(c.txbx);
        let hdr_txbx = next(c.hdr_txbx);
        Stories { main, ftn, hdd, atn, edn, txbx, hdr_txbx }
    }
}

impl Doc<'_> {
    fn render(
        &self,
        papx: Option<&Papx<'_>>,
        mut lists: Option<Lists>,
        budget: &mut Budget,
    ) -> Result<Draft, ExtractError> {
        let fib = self.fib;
        let word97 = fib.version == Version::Word97;
        let encoding = match fib.version {
            Version::Word97 => encoding_rs::WINDOWS_1252,
            Version::Word6 => word6_encoding(fib.lid),
        };
        let mut src = TextSource::new(&self.clx.pieces, self.word, encoding);
        let stories = Stories::new(fib);
        let mut draft = Draft::default();

        // What a note reference (0x02) in the main text shows: the note's number.
        let mut refs = BTreeMap::new();
        self.note_refs(pair::PLCFFND_REF, 0, stories.main.0, &mut refs);
        if word97 {
            self.note_refs(pair::PLCFEND_REF, 2, stories.main.0, &mut refs);
        }
        let no_refs = BTreeMap::new();

        let mut ctx =
            StoryCtx { papx, chpx: self.chpx, tracked: false, lists: lists.as_mut(), refs: &refs };
        let body = story::build(&mut src, stories.main.0, stories.main.1, &mut ctx, budget)?;
        charge(&body, budget)?;
        draft.blocks = body;

        // Text boxes follow the body, each box's paragraphs in order.
        if word97 {
            let txbx = self.sub_stories(pair::PLCFTXBX_TXT, 22, stories.txbx);
            for (start, end) in txbx {
                let blocks = story::build(&mut src, start, end, &mut ctx, budget)?;
                charge(&blocks, budget)?;
                draft.blocks.extend(blocks);
            }
        }

        let tracked = ctx.tracked;
        let mut ctx =
            StoryCtx { papx, chpx: self.chpx, tracked: false, lists: None, refs: &no_refs };
        // Footnotes, then endnotes: one Note block per note.
        let mut notes = vec![(pair::PLCFFND_TXT, stories.ftn)];
        if word97 {
            notes.push((pair::PLCFEND_TXT, stories.edn));
        }
        for (index, range) in notes {
            for (start, end) in self.sub_stories(index, 0, range) {
                let blocks = story::build(&mut src, start, end, &mut ctx, budget)?;
                charge(&blocks, budget)?;
                let text = joined(&blocks);
                if !text.is_empty() {
                    draft.blocks.push(DraftBlock {
                        text,
                        kind: BlockKind::Note,
                        page: None,
                        label: None,
                    });
                }
            }
        }

        // Headers and footers: the first six stories are note separators; then each section
        // has even header, odd header, even footer, odd footer, first header, first footer.
        let hdd = self.sub_stories(pair::PLCF_HDD, 0, stories.hdd);
        let whole = hdd.len() == 1 && fib.pair(pair::PLCF_HDD).is_none();
        for (i, (start, end)) in hdd.into_iter().enumerate() {
            if !whole && i < 6 {
                continue;
            }
            let key = if !whole && matches!((i - 6) % 6, 2 | 3 | 5) { "footer" } else { "header" };
            let blocks = story::build(&mut src, start, end, &mut ctx, budget)?;
            charge(&blocks, budget)?;
            add_distinct(&mut draft, key, joined(&blocks));
        }
        if word97 {
            for (start, end) in self.sub_stories(pair::PLCFHDRTXBX_TXT, 22, stories.hdr_txbx) {
                let blocks = story::build(&mut src, start, end, &mut ctx, budget)?;
                charge(&blocks, budget)?;
                add_distinct(&mut draft, "header", joined(&blocks));
            }
        }

        // Comments.
        for (start, end) in self.sub_stories(pair::PLCFAND_TXT, 0, stories.atn) {
            let blocks = story::build(&mut src, start, end, &mut ctx, budget)?;
            charge(&blocks, budget)?;
            draft.add_meta("comment", joined(&blocks));
        }

        if tracked || ctx.tracked {
            draft.add_meta("tracked-changes", "true");
        }
        if self.clx.dropped > 0 {
            draft.warnings.push(format!(
                "{} pieces of the piece table overlap others or are empty; their text is left out",
                self.clx.dropped
            ));
        }
        if src.missing > 0 {
            draft.warnings.push(format!(
                "{} characters of the piece table lie outside the WordDocument stream",
                src.missing
            ));
        }
        Ok(draft)
    }

    /// The CP ranges of the parts of a story (one note, one header, one text box...) as a PLC
    /// of CPs relative to the story gives them. Without the PLC, the whole story is one part.
    /// The ranges are clipped to the story and ascending; empty ones are kept.
    fn sub_stories(&self, index: usize, elem: usize, (start, end): (u32, u32)) -> Vec<(u32, u32)> {
        if start >= end {
            return Vec::new();
        }
        let Some(plc) = self.fib.slice(index, self.table) else {
            return vec![(start, end)];
        };
        let plc = Plc::new(plc, elem);
        let mut out = Vec::new();
        let mut last = start;
        for i in 0..plc.len() {
            let (Some(a), Some(b)) = (plc.cp(i), plc.cp(i + 1)) else { break };
            // Empty parts are kept: a part's index says what it is (headers).
            let a = start.saturating_add(a).clamp(last, end);
            let b = start.saturating_add(b).clamp(a, end);
            out.push((a, b));
            last = b;
        }
        out
    }

    /// Labels of auto-numbered note references: footnotes "1", "2"...; endnotes "i", "ii"...
    /// (`nfc` 0 arabic, 2 lower roman: Word's defaults).
    fn note_refs(&self, index: usize, nfc: u8, base: u32, refs: &mut BTreeMap<u32, String>) {
        let Some(plc) = self.fib.slice(index, self.table) else { return };
        let plc = Plc::new(plc, 2);
        let mut n: i64 = 0;
        for i in 0..plc.len() {
            let (Some(cp), Some(frd)) = (plc.cp(i), plc.elem(i)) else { break };
            // FRD.nAuto: non-zero for an auto-numbered reference.
            if u16_at(frd, 0).unwrap_or(0) != 0 {
                n += 1;
                refs.insert(base.saturating_add(cp), format_number(n, nfc));
            }
        }
    }
}

/// Charges the text of `blocks` to the budget.
fn charge(blocks: &[DraftBlock], budget: &mut Budget) -> Result<(), ExtractError> {
    let bytes: usize = blocks.iter().map(|b| b.text.len()).sum();
    budget.charge(bytes as u64)?;
    budget.check_time()
}

/// The blocks' texts, one a line.
fn joined(blocks: &[DraftBlock]) -> String {
    blocks.iter().map(|b| b.text.trim()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n")
}

/// Adds a metadata value unless it is blank or already there.
fn add_distinct(draft: &mut Draft, key: &str, value: String) {
    let value = value.trim();
    if !value.is_empty() && !draft.metadata.get(key).is_some_and(|v| v.iter().any(|x| x == value)) {
        draft.add_meta(key, value);
    }
}
