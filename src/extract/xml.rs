//! A bounded, namespace-agnostic XML event stream over one part of an office package (DOCX, ODT).
//!
//! WordprocessingML is read by local names only (`w:p` and strict OOXML's `w:p` in another
//! namespace are the same `p`), so this wrapper over quick-xml hands out element starts with
//! local names and attributes, element ends, and text with entities resolved. Empty elements are
//! expanded into a start and an end. It counts the nesting depth and fails with the
//! `max_xml_depth` limit beyond the budget's maximum, and checks the wall-time budget every few
//! thousand events, so that no part can exhaust the stack of a consumer or run for ever.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::extract::draft::{Budget, ExtractError};

/// An element start: its local name and its attributes (local names, unescaped values).
pub(crate) struct Elem {
    /// Local name, e.g. "p" for `w:p`.
    pub name: String,
    attrs: Vec<(String, String)>,
}

impl Elem {
    /// The value of the attribute with this local name.
    pub(crate) fn attr(&self, local: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == local).map(|(_, v)| v.as_str())
    }

    /// `w:val`, the usual carrier of a property's value.
    #[cfg_attr(not(feature = "docx"), allow(dead_code))]
    pub(crate) fn val(&self) -> Option<&str> {
        self.attr("val")
    }

    /// Whether an on/off property is on (`<w:b/>`, `<w:b w:val="true"/>`; off for "0"/"false").
    #[cfg_attr(not(feature = "docx"), allow(dead_code))]
    pub(crate) fn is_on(&self) -> bool {
        !matches!(self.val(), Some("0" | "false" | "off"))
    }
}

/// One event of the stream.
pub(crate) enum Ev {
    Start(Elem),
    End,
    Text(String),
    Eof,
}

/// The stream over one part.
pub(crate) struct XmlStream<'a> {
    reader: Reader<&'a [u8]>,
    part: String,
    depth: u32,
    pending_end: bool,
    events: u32,
}

fn elem(e: &BytesStart<'_>) -> Elem {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for a in e.attributes().with_checks(false).flatten() {
        let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
        let value = match a.unescape_value() {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        };
        attrs.push((key, value));
    }
    Elem { name, attrs }
}

impl<'a> XmlStream<'a> {
    /// A stream over `bytes`, the part named `part` (for error messages).
    pub(crate) fn new(bytes: &'a [u8], part: &str) -> XmlStream<'a> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
        let mut reader = Reader::from_reader(bytes);
        reader.config_mut().check_end_names = true;
        XmlStream { reader, part: part.to_owned(), depth: 0, pending_end: false, events: 0 }
    }

    fn push(&mut self, budget: &Budget) -> Result<(), ExtractError> {
        self.depth += 1;
        let max = budget.limits.max_xml_depth;
        if self.depth > max {
            return Err(ExtractError::Limit {
                limit: "max_xml_depth",
                max: u64::from(max),
                actual: u64::from(self.depth),
            });
        }
        Ok(())
    }

    /// The next event; errors for malformed XML, too deep nesting, or a spent time budget.
    pub(crate) fn next(&mut self, budget: &Budget) -> Result<Ev, ExtractError> {
        if self.pending_end {
            self.pending_end = false;
            self.depth = self.depth.saturating_sub(1);
            return Ok(Ev::End);
        }
        loop {
            self.events = self.events.wrapping_add(1);
            if self.events.is_multiple_of(4096) {
                budget.check_time()?;
            }
            let event = self.reader.read_event().map_err(|e| {
                ExtractError::Malformed(format!(
                    "{}: XML error at byte {}: {e}",
                    self.part,
                    self.reader.buffer_position()
                ))
            })?;
            match event {
                Event::Start(e) => {
                    self.push(budget)?;
                    return Ok(Ev::Start(elem(&e)));
                }
                Event::Empty(e) => {
                    self.push(budget)?;
                    self.pending_end = true;
                    return Ok(Ev::Start(elem(&e)));
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(Ev::End);
                }
                Event::Text(t) => {
                    let s = t.decode().map_err(|e| {
                        ExtractError::Malformed(format!("{}: text encoding: {e}", self.part))
                    })?;
                    return Ok(Ev::Text(s.into_owned()));
                }
                Event::CData(t) => {
                    return Ok(Ev::Text(String::from_utf8_lossy(&t).into_owned()));
                }
                Event::GeneralRef(r) => {
                    let text = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match r.decode().as_deref() {
                            Ok("amp") => "&".into(),
                            Ok("lt") => "<".into(),
                            Ok("gt") => ">".into(),
                            Ok("quot") => "\"".into(),
                            Ok("apos") => "'".into(),
                            _ => String::new(),
                        },
                        Err(_) => String::new(),
                    };
                    return Ok(Ev::Text(text));
                }
                Event::Eof => return Ok(Ev::Eof),
                _ => {}
            }
        }
    }

    /// Skips the rest of the element whose start was just returned.
    pub(crate) fn skip(&mut self, budget: &Budget) -> Result<(), ExtractError> {
        let mut level = 1u32;
        while level > 0 {
            match self.next(budget)? {
                Ev::Start(_) => level += 1,
                Ev::End => level -= 1,
                Ev::Text(_) => {}
                Ev::Eof => return Ok(()),
            }
        }
        Ok(())
    }
}
