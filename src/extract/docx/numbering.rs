//! Rendered list numbering (word/numbering.xml), as Word displays it.
//!
//! A numbered paragraph names a `w:num` instance and a level (`w:ilvl`). The instance points to
//! a `w:abstractNum`, which defines up to nine levels: start value, number format, level text
//! such as "%1.%2." (each %N is replaced by the current counter of level N), legal numbering,
//! restart rules and the suffix after the label. Instances may override a level's start
//! (`w:startOverride`) or the whole level. An abstract definition may instead be a link to a
//! numbering style (`w:numStyleLink`) whose `w:num` gives the real definition.
//!
//! Counters live per abstract definition, so that several instances of one list continue each
//! other as in Word, except that an instance with overrides counts on its own (it restarts the
//! list). When a level advances, the deeper levels restart (subject to `w:lvlRestart`).

use std::collections::{BTreeMap, HashMap};

use super::styles::Styles;
use crate::extract::draft::{Budget, ExtractError};
use crate::extract::numbers::{letters, roman};
use crate::extract::xml::{Ev, XmlStream};

/// Levels of a list (0..=8).
const LEVELS: usize = 9;
/// How many `w:numStyleLink` hops are followed.
const MAX_LINKS: usize = 8;

#[derive(Clone, Default, Debug)]
struct Level {
    start: Option<i64>,
    fmt: Option<String>,
    /// `w:numFmt/@w:format` of a "custom" format, e.g. "α, β, γ, ...".
    custom: Option<String>,
    text: Option<String>,
    is_lgl: bool,
    restart: Option<u32>,
    suff: Option<String>,
    p_style: Option<String>,
}

impl Level {
    /// `self` with the fields `over` sets replacing ours.
    fn overlaid(&self, over: &Level) -> Level {
        Level {
            start: over.start.or(self.start),
            fmt: over.fmt.clone().or_else(|| self.fmt.clone()),
            custom: over.custom.clone().or_else(|| self.custom.clone()),
            text: over.text.clone().or_else(|| self.text.clone()),
            is_lgl: over.is_lgl || self.is_lgl,
            restart: over.restart.or(self.restart),
            suff: over.suff.clone().or_else(|| self.suff.clone()),
            p_style: over.p_style.clone().or_else(|| self.p_style.clone()),
        }
    }
}

#[derive(Default, Debug)]
struct Abstract {
    levels: BTreeMap<u32, Level>,
    num_style_link: Option<String>,
}

#[derive(Default, Debug)]
struct Num {
    abstract_id: String,
    start_overrides: BTreeMap<u32, i64>,
    level_overrides: BTreeMap<u32, Level>,
}

/// A rendered list label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Label {
    /// The rendered level text ("14.2", "(b)"); `None` for bullets.
    pub text: Option<String>,
    /// What follows the label: "\t", " " or "".
    pub suffix: &'static str,
}

/// The numbering definitions of one document and the running counters.
#[derive(Default, Debug)]
pub(crate) struct Numbering {
    abstracts: HashMap<String, Abstract>,
    nums: HashMap<String, Num>,
    counters: HashMap<String, [Option<i64>; LEVELS]>,
    /// Instances whose start overrides have been applied (on their first paragraph).
    started: std::collections::HashSet<String>,
}

fn parse_level(level: &mut Level, name: &str, e: &crate::extract::xml::Elem) {
    match name {
        "start" => level.start = e.val().and_then(|v| v.trim().parse().ok()),
        "numFmt" => {
            level.fmt = e.val().map(str::to_owned);
            level.custom = e.attr("format").map(str::to_owned);
        }
        "lvlText" => level.text = Some(e.val().unwrap_or("").to_owned()),
        "isLgl" => level.is_lgl = e.is_on(),
        "lvlRestart" => level.restart = e.val().and_then(|v| v.trim().parse().ok()),
        "suff" => level.suff = e.val().map(str::to_owned),
        "pStyle" => level.p_style = e.val().map(str::to_owned),
        _ => {}
    }
}

impl Numbering {
    /// Parses numbering.xml.
    pub(crate) fn parse(bytes: &[u8], budget: &Budget) -> Result<Numbering, ExtractError> {
        let mut xml = XmlStream::new(bytes, "word/numbering.xml");
        let mut out = Numbering::default();
        let mut path: Vec<String> = Vec::new();
        let mut abs: Option<(String, Abstract)> = None;
        let mut num: Option<(String, Num)> = None;
        let mut lvl: Option<(u32, Level)> = None;
        let mut override_lvl: Option<u32> = None;
        loop {
            match xml.next(budget)? {
                Ev::Start(e) => {
                    let parent = path.last().map(String::as_str).unwrap_or("");
                    match (parent, e.name.as_str()) {
                        ("numbering", "abstractNum") => {
                            let id = e.attr("abstractNumId").unwrap_or("").to_owned();
                            abs = Some((id, Abstract::default()));
                        }
                        ("numbering", "num") => {
                            let id = e.attr("numId").unwrap_or("").to_owned();
                            num = Some((id, Num::default()));
                        }
                        ("abstractNum", "numStyleLink") => {
                            if let Some((_, a)) = abs.as_mut() {
                                a.num_style_link = e.val().map(str::to_owned);
                            }
                        }
                        ("num", "abstractNumId") => {
                            if let Some((_, n)) = num.as_mut() {
                                n.abstract_id = e.val().unwrap_or("").to_owned();
                            }
                        }
                        ("num", "lvlOverride") => {
                            override_lvl = e.attr("ilvl").and_then(|v| v.trim().parse().ok());
                        }
                        ("lvlOverride", "startOverride") => {
                            let start = e.val().and_then(|v| v.trim().parse().ok());
                            if let (Some((_, n)), Some(l), Some(s)) =
                                (num.as_mut(), override_lvl, start)
                            {
                                n.start_overrides.insert(l, s);
                            }
                        }
                        ("abstractNum" | "lvlOverride", "lvl") => {
                            let i =
                                e.attr("ilvl").and_then(|v| v.trim().parse().ok()).or(override_lvl);
                            lvl = i.map(|i| (i, Level::default()));
                        }
                        (_, "Fallback") => {
                            xml.skip(budget)?;
                            continue;
                        }
                        ("lvl" | "Choice", name) if lvl.is_some() => {
                            if let Some((_, l)) = lvl.as_mut() {
                                parse_level(l, name, &e);
                            }
                        }
                        (_, "pPrChange" | "rPrChange" | "numberingChange") => {
                            xml.skip(budget)?;
                            continue;
                        }
                        _ => {}
                    }
                    path.push(e.name);
                }
                Ev::End => {
                    let closed = path.pop();
                    let parent = path.last().map(String::as_str).unwrap_or("");
                    match (parent, closed.as_deref()) {
                        ("abstractNum", Some("lvl")) => {
                            if let (Some((_, a)), Some((i, l))) = (abs.as_mut(), lvl.take()) {
                                a.levels.entry(i).or_insert(l);
                            }
                        }
                        ("lvlOverride", Some("lvl")) => {
                            if let (Some((_, n)), Some((i, l))) = (num.as_mut(), lvl.take()) {
                                n.level_overrides.insert(i, l);
                            }
                        }
                        ("num", Some("lvlOverride")) => override_lvl = None,
                        ("numbering", Some("abstractNum")) => {
                            if let Some((id, a)) = abs.take() {
                                out.abstracts.entry(id).or_insert(a);
                            }
                        }
                        ("numbering", Some("num")) => {
                            if let Some((id, n)) = num.take() {
                                out.nums.entry(id).or_insert(n);
                            }
                        }
                        _ => {}
                    }
                }
                Ev::Text(_) => {}
                Ev::Eof => break,
            }
        }
        Ok(out)
    }

    /// The abstract definition an instance finally uses, following numbering-style links.
    fn resolve_abstract(&self, num_id: &str, styles: &Styles) -> Option<(&str, &Abstract)> {
        let num = self.nums.get(num_id)?;
        let (mut id, mut abs) = self.abstracts.get_key_value(num.abstract_id.as_str())?;
        for _ in 0..MAX_LINKS {
            let Some(link) = abs.num_style_link.as_deref() else { break };
            let Some(linked) = styles.numbering_style_num(link) else { break };
            let Some(n) = self.nums.get(&linked) else { break };
            let Some((i, a)) = self.abstracts.get_key_value(n.abstract_id.as_str()) else { break };
            if std::ptr::eq(a, abs) {
                break;
            }
            (id, abs) = (i, a);
        }
        Some((id.as_str(), abs))
    }

    /// The levels an instance uses (abstract levels with its overrides).
    fn levels(&self, num_id: &str, styles: &Styles) -> Option<(String, Vec<Level>)> {
        let num = self.nums.get(num_id)?;
        let (abs_id, abs) = self.resolve_abstract(num_id, styles)?;
        let mut levels = Vec::with_capacity(LEVELS);
        for i in 0..LEVELS as u32 {
            let base = abs.levels.get(&i).cloned().unwrap_or_default();
            let mut l = match num.level_overrides.get(&i) {
                Some(o) => base.overlaid(o),
                None => base,
            };
            if let Some(s) = num.start_overrides.get(&i) {
                l.start = Some(*s);
            }
            levels.push(l);
        }
        Some((abs_id.to_owned(), levels))
    }

    /// The level of instance `num_id` whose `w:pStyle` is one of `lineage` (style-linked lists).
    pub(crate) fn level_for_style(
        &self,
        num_id: &str,
        lineage: &[String],
        styles: &Styles,
    ) -> Option<u32> {
        let (_, levels) = self.levels(num_id, styles)?;
        lineage.iter().find_map(|s| {
            levels.iter().position(|l| l.p_style.as_deref() == Some(s.as_str())).map(|i| i as u32)
        })
    }

    /// Advances the counter of level `ilvl` of instance `num_id` for one more paragraph and
    /// renders its label. `None` when the instance or level does not exist, or renders nothing.
    pub(crate) fn advance(&mut self, num_id: &str, ilvl: u32, styles: &Styles) -> Option<Label> {
        let (key, levels) = self.levels(num_id, styles)?;
        let i = (ilvl as usize).min(LEVELS - 1);
        let level = levels.get(i)?;
        if level.fmt.is_none() && level.text.is_none() && level.start.is_none() {
            return None;
        }
        let counters = self.counters.entry(key).or_insert([None; LEVELS]);
        if !self.started.contains(num_id) {
            self.started.insert(num_id.to_owned());
            if let Some(num) = self.nums.get(num_id) {
                for l in num.start_overrides.keys() {
                    if let Some(c) = counters.get_mut(*l as usize) {
                        *c = None;
                    }
                }
            }
        }
        // Levels above this one that were skipped count as used at their start value.
        for (k, shallower) in levels.iter().enumerate().take(i) {
            if counters[k].is_none() {
                counters[k] = Some(shallower.start.unwrap_or(0));
            }
        }
        let start = level.start.unwrap_or(0);
        counters[i] = Some(counters[i].map_or(start, |c| c.saturating_add(1)));
        for (l, deeper) in levels.iter().enumerate().skip(i + 1) {
            let restart = deeper.restart.map_or(l, |r| r as usize);
            if restart != 0 && i < restart {
                counters[l] = None;
            }
        }
        let suffix = match level.suff.as_deref() {
            Some("space") => " ",
            Some("nothing") => "",
            _ => "\t",
        };
        let fmt = level.fmt.as_deref().unwrap_or("decimal");
        if fmt == "bullet" {
            return Some(Label { text: None, suffix });
        }
        let template = level.text.as_deref().unwrap_or("");
        let mut out = String::new();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
            {
                chars.next();
                if (1..=LEVELS as u32).contains(&d) {
                    let k = (d - 1) as usize;
                    let lk = &levels[k];
                    let value = counters[k].unwrap_or(lk.start.unwrap_or(0));
                    let f = if level.is_lgl && k < i {
                        "decimal"
                    } else {
                        lk.fmt.as_deref().unwrap_or("decimal")
                    };
                    match lk.custom.as_deref().filter(|_| f == "custom") {
                        Some(custom) => out.push_str(&format_custom(value, custom)),
                        None => out.push_str(&format_number(value, f)),
                    }
                }
                continue;
            }
            out.push(c);
        }
        if out.trim().is_empty() {
            return None;
        }
        Some(Label { text: Some(out), suffix })
    }
}

/// Formats `n` in a `w:numFmt` format.
pub(crate) fn format_number(n: i64, fmt: &str) -> String {
    match fmt {
        "none" | "bullet" => String::new(),
        "lowerLetter" => letters(n, false),
        "upperLetter" => letters(n, true),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        "decimalZero" => {
            if (0..10).contains(&n) {
                format!("0{n}")
            } else {
                n.to_string()
            }
        }
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n as u32 - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| c.to_digit(10).and_then(|d| char::from_u32(0xFF10 + d)).unwrap_or(c))
            .collect(),
        "decimalEnclosedParen" => format!("({n})"),
        "decimalEnclosedFullstop" => format!("{n}."),
        "ordinal" => {
            let suffix = match (n % 100, n % 10) {
                (11..=13, _) => "th",
                (_, 1) => "st",
                (_, 2) => "nd",
                (_, 3) => "rd",
                _ => "th",
            };
            format!("{n}{suffix}")
        }
        _ => n.to_string(),
    }
}

/// A "custom" number format such as "α, β, γ, ..." or "001, 002, 003, ...": a sequence of
/// single characters counts on from its first; zero-padded digits keep their width.
fn format_custom(n: i64, format: &str) -> String {
    let first = format.split(',').next().unwrap_or("").trim();
    let mut chars = first.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_ascii_digit() => {
            let code = i64::from(u32::from(c)).saturating_add(n).saturating_sub(1);
            u32::try_from(code)
                .ok()
                .and_then(char::from_u32)
                .map_or_else(|| n.to_string(), String::from)
        }
        _ if !first.is_empty() && first.chars().all(|c| c.is_ascii_digit()) => {
            format!("{n:0width$}", width = first.len().min(10))
        }
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_number(3, "lowerLetter"), "c");
        assert_eq!(format_number(28, "upperLetter"), "BB");
        assert_eq!(format_number(14, "lowerRoman"), "xiv");
        assert_eq!(format_number(4, "upperRoman"), "IV");
        assert_eq!(format_number(2, "ordinal"), "2nd");
        assert_eq!(format_number(12, "ordinal"), "12th");
        assert_eq!(format_number(7, "decimalZero"), "07");
    }
}
