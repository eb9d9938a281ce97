//! List numbering as Word renders it (MS-DOC 2.9.147 LSTF, 2.9.150 LVL, 2.9.131 LFO).
//!
//! A numbered paragraph names a list override (sprmPIlfo, 1-based into PlfLfo) and a level
//! (sprmPIlvl). The override points to a list definition (LSTF, by lsid in PlfLst) with nine
//! levels (one for a simple list); it may override a level's start value or the whole level.
//! A level has a start value, a number format (nfc), the number text (an Xst in which the
//! characters 0..=8 stand for the current numbers of those levels), legal numbering, restart
//! rules and what follows the number (tab, space, nothing).
//!
//! Counters live per list definition, so that overrides without level overrides continue
//! each other as in Word; an override with level overrides counts on its own. When a level
//! advances, the deeper levels restart. Everything is bounded: at most [`MAX_LISTS`] lists
//! and overrides, nine levels each, number texts of at most 64 characters.

use std::collections::HashMap;

use super::bytes::{i32_at, slice, u8_at, u16_at, u32_at};
use crate::extract::numbers::{letters, roman};

const LEVELS: usize = 9;
/// Most list definitions and overrides read.
pub(super) const MAX_LISTS: usize = 4096;
/// Longest number text kept.
const MAX_XST: usize = 64;

#[derive(Clone, Debug, Default)]
struct Level {
    start: i64,
    nfc: u8,
    legal: bool,
    /// Deeper levels restart only after a level shallower than this one advances.
    restart_lim: Option<usize>,
    /// 0 tab, 1 space, 2 nothing.
    follow: u8,
    /// The number text: `Err(k)` is a placeholder for level k's number.
    text: Vec<Result<char, usize>>,
}

#[derive(Clone, Debug, Default)]
struct List {
    lsid: i32,
    levels: Vec<Level>,
}

#[derive(Clone, Debug, Default)]
struct Override {
    lsid: i32,
    starts: [Option<i64>; LEVELS],
    levels: [Option<Level>; LEVELS],
    has_overrides: bool,
}

/// A rendered label: the number text (none for bullets) and what follows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Label {
    pub(super) text: Option<String>,
    pub(super) suffix: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    List(i32),
    Override(usize),
}

/// The lists of one document and their running counters.
#[derive(Clone, Debug, Default)]
pub(super) struct Lists {
    lists: Vec<List>,
    overrides: Vec<Override>,
    counters: HashMap<Key, [Option<i64>; LEVELS]>,
    started: Vec<bool>,
}

/// Reads one LVL at `at`; returns it and the offset after it.
fn parse_lvl(b: &[u8], at: usize) -> Option<(Level, usize)> {
    let lvlf = slice(b, at, 28)?;
    let start = i64::from(i32_at(lvlf, 0)?);
    let nfc = u8_at(lvlf, 4)?;
    let flags = u8_at(lvlf, 5)?;
    let follow = u8_at(lvlf, 15)?;
    let cb_chpx = usize::from(u8_at(lvlf, 24)?);
    let cb_papx = usize::from(u8_at(lvlf, 25)?);
    let restart = usize::from(u8_at(lvlf, 26)?);
    let xst_at = at + 28 + cb_papx + cb_chpx;
    let cch = usize::from(u16_at(b, xst_at)?);
    let units = slice(b, xst_at + 2, cch * 2)?;
    let text = units
        .chunks_exact(2)
        .take(MAX_XST)
        .map(|c| {
            let u = c.try_into().map(u16::from_le_bytes).unwrap_or(0);
            if usize::from(u) < LEVELS {
                Err(usize::from(u))
            } else {
                Ok(char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}'))
            }
        })
        .collect();
    let level = Level {
        start,
        nfc,
        legal: flags & 0x04 != 0,
        restart_lim: (flags & 0x08 != 0).then_some(restart),
        follow,
        text,
    };
    Some((level, xst_at + 2 + cch * 2))
}

impl Lists {
    /// Reads PlfLst (whose LVLs follow it in the table stream, beyond its lcb) and PlfLfo.
    /// Whatever is malformed is left out; this never fails.
    pub(super) fn parse(table: &[u8], plf_lst: Option<usize>, plf_lfo: Option<&[u8]>) -> Lists {
        let mut lists = Vec::new();
        if let Some(at) = plf_lst
            && let Some(c_lst) = u16_at(table, at)
        {
            let c_lst = usize::from(c_lst).min(MAX_LISTS);
            let mut lvl_at = at + 2 + 28 * c_lst;
            'lists: for i in 0..c_lst {
                let Some(lstf) = slice(table, at + 2 + 28 * i, 28) else { break };
                let lsid = i32_at(lstf, 0).unwrap_or(0);
                let simple = u8_at(lstf, 26).unwrap_or(0) & 1 != 0;
                let count = if simple { 1 } else { LEVELS };
                let mut levels = Vec::with_capacity(count);
                for _ in 0..count {
                    let Some((level, next)) = parse_lvl(table, lvl_at) else {
                        lists.push(List { lsid, levels });
                        break 'lists;
                    };
                    levels.push(level);
                    lvl_at = next;
                }
                lists.push(List { lsid, levels });
            }
        }
        let mut overrides = Vec::new();
        if let Some(lfo) = plf_lfo {
            let n = u32_at(lfo, 0).map_or(0, |n| n as usize).min(MAX_LISTS);
            let mut data_at = 4 + 16 * n;
            for i in 0..n {
                let Some(rec) = slice(lfo, 4 + 16 * i, 16) else { break };
                let mut o = Override { lsid: i32_at(rec, 0).unwrap_or(0), ..Default::default() };
                let clfolvl = usize::from(u8_at(rec, 12).unwrap_or(0)).min(LEVELS);
                if clfolvl > 0 {
                    // LFOData: a CP, then the LFOLVLs.
                    let mut at = data_at + 4;
                    for _ in 0..clfolvl {
                        let (Some(start), Some(flags)) = (i32_at(lfo, at), u32_at(lfo, at + 4))
                        else {
                            break;
                        };
                        at += 8;
                        let ilvl = (flags & 0x0F) as usize;
                        if flags & 0x10 != 0 && ilvl < LEVELS {
                            o.starts[ilvl] = Some(i64::from(start));
                            o.has_overrides = true;
                        }
                        if flags & 0x20 != 0 {
                            let Some((level, next)) = parse_lvl(lfo, at) else { break };
                            at = next;
                            if let Some(slot) = o.levels.get_mut(ilvl) {
                                *slot = Some(level);
                                o.has_overrides = true;
                            }
                        }
                    }
                    data_at = at;
                } else {
                    // An LFOData with no levels is just its CP.
                    data_at += 4;
                }
                overrides.push(o);
            }
        }
        let started = vec![false; overrides.len()];
        Lists { lists, overrides, counters: HashMap::new(), started }
    }

    /// Advances level `ilvl` of list override `ilfo` (1-based) for one more paragraph and
    /// renders its label; `None` when there is no such list or it renders nothing.
    pub(super) fn advance(&mut self, ilfo: i16, ilvl: u8) -> Option<Label> {
        let index = usize::try_from(ilfo).ok()?.checked_sub(1)?;
        let o = self.overrides.get(index)?;
        let list = self.lists.iter().find(|l| l.lsid == o.lsid)?;
        let levels: Vec<Level> = (0..LEVELS)
            .map(|k| {
                let mut level =
                    o.levels[k].clone().or_else(|| list.levels.get(k).cloned()).unwrap_or_default();
                if let Some(s) = o.starts[k] {
                    level.start = s;
                }
                level
            })
            .collect();
        let i = if list.levels.len() == 1 { 0 } else { usize::from(ilvl).min(LEVELS - 1) };
        let key = if o.has_overrides { Key::Override(index) } else { Key::List(o.lsid) };
        let first_use = self.started.get(index).is_some_and(|s| !s);
        if let Some(s) = self.started.get_mut(index) {
            *s = true;
        }
        let counters = self.counters.entry(key).or_insert([None; LEVELS]);
        if first_use {
            for (k, start) in o.starts.iter().enumerate() {
                if start.is_some() {
                    counters[k] = None;
                }
            }
        }
        for k in 0..i {
            if counters[k].is_none() {
                counters[k] = Some(levels[k].start);
            }
        }
        let level = &levels[i];
        counters[i] = Some(counters[i].map_or(level.start, |c| c.saturating_add(1)));
        for (l, deeper) in levels.iter().enumerate().skip(i + 1) {
            let lim = deeper.restart_lim.unwrap_or(l);
            if lim != 0 && i < lim {
                counters[l] = None;
            }
        }
        let suffix = match level.follow {
            1 => " ",
            2 => "",
            _ => "\t",
        };
        if level.nfc == 23 {
            return Some(Label { text: None, suffix });
        }
        let mut out = String::new();
        for part in &level.text {
            match *part {
                Ok(c) => out.push(c),
                Err(k) => {
                    let lk = &levels[k];
                    let value = counters[k].unwrap_or(lk.start);
                    let nfc = if level.legal && k < i { 0 } else { lk.nfc };
                    out.push_str(&format_number(value, nfc));
                }
            }
        }
        if out.trim().is_empty() {
            return None;
        }
        Some(Label { text: Some(out), suffix })
    }
}

/// Formats `n` in a number format code (MS-DOC nfc / MSONFC).
pub(super) fn format_number(n: i64, nfc: u8) -> String {
    match nfc {
        1 => roman(n),
        2 => roman(n).to_lowercase(),
        3 => letters(n, true),
        4 => letters(n, false),
        5 => {
            let suffix = match (n % 100, n % 10) {
                (11..=13, _) => "th",
                (_, 1) => "st",
                (_, 2) => "nd",
                (_, 3) => "rd",
                _ => "th",
            };
            format!("{n}{suffix}")
        }
        22 if (0..10).contains(&n) => format!("0{n}"),
        23 | 255 => String::new(),
        _ => n.to_string(),
    }
}
