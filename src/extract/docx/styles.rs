//! Paragraph styles (word/styles.xml), as far as text extraction needs them.
//!
//! A paragraph's style can carry its numbering (`w:pPr/w:numPr`), its outline level, and a name
//! that makes it a heading ("heading 1", "Title"). Styles inherit through `w:basedOn`; chains
//! are followed to a bounded depth and cycles are cut, since the file is untrusted.

use std::collections::HashMap;

use crate::extract::draft::{Budget, ExtractError};
use crate::extract::xml::{Ev, XmlStream};

/// How far `w:basedOn` chains are followed.
const MAX_CHAIN: usize = 16;

#[derive(Default, Debug)]
struct Style {
    name: String,
    kind: String,
    based_on: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u32>,
    outline: Option<u32>,
}

/// The styles of one document.
#[derive(Default, Debug)]
pub(crate) struct Styles {
    styles: HashMap<String, Style>,
    default_paragraph: Option<String>,
}

impl Styles {
    /// Parses styles.xml.
    pub(crate) fn parse(bytes: &[u8], budget: &Budget) -> Result<Styles, ExtractError> {
        let mut xml = XmlStream::new(bytes, "word/styles.xml");
        let mut out = Styles::default();
        let mut path: Vec<String> = Vec::new();
        let mut current: Option<(String, Style)> = None;
        loop {
            match xml.next(budget)? {
                Ev::Start(e) => {
                    let parent = path.last().map(String::as_str);
                    match (parent, e.name.as_str()) {
                        (Some("styles"), "style") => {
                            let id = e.attr("styleId").unwrap_or("").to_owned();
                            let kind = e.attr("type").unwrap_or("paragraph").to_owned();
                            if kind == "paragraph"
                                && e.attr("default").is_some_and(|d| d == "1" || d == "true")
                            {
                                out.default_paragraph = Some(id.clone());
                            }
                            current = Some((id, Style { kind, ..Style::default() }));
                        }
                        (Some("style"), "name") => {
                            if let Some((_, s)) = current.as_mut() {
                                s.name = e.val().unwrap_or("").to_ascii_lowercase();
                            }
                        }
                        (Some("style"), "basedOn") => {
                            if let Some((_, s)) = current.as_mut() {
                                s.based_on = e.val().map(str::to_owned);
                            }
                        }
                        (Some("numPr"), "numId") if path.iter().any(|p| p == "style") => {
                            if let Some((_, s)) = current.as_mut() {
                                s.num_id = e.val().map(str::to_owned);
                            }
                        }
                        (Some("numPr"), "ilvl") if path.iter().any(|p| p == "style") => {
                            if let Some((_, s)) = current.as_mut() {
                                s.ilvl = e.val().and_then(|v| v.parse().ok());
                            }
                        }
                        (Some("pPr"), "outlineLvl") if path.iter().any(|p| p == "style") => {
                            if let Some((_, s)) = current.as_mut() {
                                s.outline = e.val().and_then(|v| v.parse().ok());
                            }
                        }
                        (_, "pPrChange" | "rPrChange") => {
                            xml.skip(budget)?;
                            continue;
                        }
                        _ => {}
                    }
                    path.push(e.name);
                }
                Ev::End => {
                    if path.pop().as_deref() == Some("style")
                        && let Some((id, s)) = current.take()
                    {
                        out.styles.entry(id).or_insert(s);
                    }
                }
                Ev::Text(_) => {}
                Ev::Eof => break,
            }
        }
        Ok(out)
    }

    /// The style itself, then the styles it is based on, without cycles, to a bounded depth.
    fn chain<'s>(&'s self, id: &str) -> Vec<(&'s str, &'s Style)> {
        let mut out: Vec<(&str, &Style)> = Vec::new();
        let mut next = self.styles.get_key_value(id);
        while let Some((k, s)) = next {
            if out.len() >= MAX_CHAIN || out.iter().any(|(seen, _)| *seen == k.as_str()) {
                break;
            }
            out.push((k.as_str(), s));
            next = s.based_on.as_deref().and_then(|b| self.styles.get_key_value(b));
        }
        out
    }

    /// The style a paragraph has: its `w:pStyle`, else the default paragraph style.
    pub(crate) fn effective<'x>(&'x self, p_style: Option<&'x str>) -> Option<&'x str> {
        p_style.or(self.default_paragraph.as_deref())
    }

    /// The numbering a paragraph style gives: (numId, ilvl), following `w:basedOn`.
    pub(crate) fn numbering(&self, id: &str) -> (Option<String>, Option<u32>) {
        let chain = self.chain(id);
        let num = chain.iter().find_map(|(_, s)| s.num_id.clone());
        let ilvl = chain.iter().find_map(|(_, s)| s.ilvl);
        (num, ilvl)
    }

    /// The ids of the style and its ancestors (for matching `w:lvl/w:pStyle`).
    pub(crate) fn lineage(&self, id: &str) -> Vec<String> {
        let mut v: Vec<String> = self.chain(id).iter().map(|(k, _)| (*k).to_owned()).collect();
        if v.is_empty() {
            v.push(id.to_owned());
        }
        v
    }

    /// The numId of a numbering style (`w:type="numbering"`), for `w:numStyleLink`.
    pub(crate) fn numbering_style_num(&self, id: &str) -> Option<String> {
        self.chain(id).iter().find_map(|(_, s)| s.num_id.clone())
    }

    /// The heading level (0-based) a paragraph style implies: "heading N", "title", or an
    /// outline level 0..=8 anywhere on its `w:basedOn` chain.
    pub(crate) fn heading_level(&self, id: &str) -> Option<u32> {
        for (_, s) in self.chain(id) {
            if s.kind != "paragraph" {
                continue;
            }
            if let Some(n) =
                s.name.strip_prefix("heading ").and_then(|n| n.trim().parse::<u32>().ok())
            {
                return Some(n.saturating_sub(1));
            }
            if s.name == "title" {
                return Some(0);
            }
            if let Some(o) = s.outline {
                return (o <= 8).then_some(o);
            }
        }
        None
    }
}
