//! Fonts: from character codes in a shown string to Unicode text and advance widths.
//!
//! A simple font (Type1, TrueType, Type3, MMType1) uses one byte per code; its text comes from
//! the `/ToUnicode` CMap if it maps the code, else from the encoding (base encoding patched by
//! `/Differences`, or the built-in encoding of an embedded Type 1 program), and its widths
//! from `/Widths` + `/FirstChar`, else approximate Standard-14 metrics. A composite font
//! (Type0) splits strings into codes by its CMap (Identity-H/V: two bytes, the code is the
//! CID), takes text from `/ToUnicode` (or from UCS-2 CMaps such as `UniJIS-UCS2-H`), and widths
//! from the descendant's `/W` array and `/DW`.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::cmap::CMap;
use super::glyphs::{BaseEncoding, base_char, glyph_to_unicode};
use super::{Ctx, deref};

/// How a composite font splits its strings into codes.
#[derive(Clone, Debug)]
enum CodeSplit {
    /// One byte per code (simple fonts).
    OneByte,
    /// Two bytes per code, the code is the CID (Identity-H/V and unknown predefined CMaps).
    Identity,
    /// Two bytes per code, and the code is UCS-2/UTF-16 text (Uni...-UCS2-H CMaps).
    Ucs2,
    /// An embedded encoding CMap.
    Embedded(Box<CMap>),
}

/// One decoded character code.
#[derive(Clone, Debug)]
pub struct Glyph {
    /// The text of the code (empty when unknown).
    pub text: String,
    /// Horizontal (or vertical) displacement in text space for a font size of 1.
    pub width: f32,
    /// A one-byte code 32 (where the word spacing `Tw` applies).
    pub is_space_code: bool,
}

/// A font ready to decode strings.
#[derive(Clone, Debug)]
pub struct Font {
    split: CodeSplit,
    simple: Vec<Option<String>>,
    to_unicode: Option<CMap>,
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Glyph units to text space (1/1000, or the FontMatrix of a Type 3 font).
    scale: f32,
    /// Size factor applied to the font size for layout (1: a Type 3 font's FontMatrix scales
    /// its glyph units, but its em is still the font size).
    pub size_factor: f32,
    /// Vertical writing (Identity-V).
    pub vertical: bool,
    metrics: Std14,
    /// Whether any code could be decoded to text at all.
    pub has_text_map: bool,
    /// `/ToUnicode /Identity-H`: a code is its own Unicode value.
    identity_unicode: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Std14 {
    Helvetica,
    Times,
    Courier,
}

// Approximate advance widths of ASCII 32..=126 (1/1000 em).
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const TIMES: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
];

fn std14_width(m: Std14, text: &str) -> f32 {
    if m == Std14::Courier {
        return 600.0;
    }
    let table = if m == Std14::Times { &TIMES } else { &HELVETICA };
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if (' '..='~').contains(&c) => {
            f32::from(table.get(c as usize - 32).copied().unwrap_or(500))
        }
        (Some(_), Some(_)) => 2.0 * f32::from(table.get(0x65 - 32).copied().unwrap_or(500)),
        _ => {
            if m == Std14::Times {
                500.0
            } else {
                556.0
            }
        }
    }
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

fn name_of(o: &Object) -> Option<&[u8]> {
    match o {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

impl Font {
    /// A font for a missing or unreadable font resource: Latin-1 codes, Helvetica widths.
    pub fn fallback() -> Font {
        Font {
            split: CodeSplit::OneByte,
            simple: (0..=255u8)
                .map(|c| base_char(BaseEncoding::WinAnsi, c).map(String::from))
                .collect(),
            to_unicode: None,
            widths: HashMap::new(),
            default_width: 0.0,
            scale: 0.001,
            size_factor: 1.0,
            vertical: false,
            metrics: Std14::Helvetica,
            has_text_map: true,
            identity_unicode: false,
        }
    }

    /// Loads a font dictionary. Streams read (CMaps, font programs) are charged to the budget.
    pub fn load(
        doc: &Document,
        dict: &Dictionary,
        ctx: &mut Ctx,
    ) -> Result<Font, crate::extract::draft::ExtractError> {
        let subtype = dict.get(b"Subtype").ok().and_then(name_of).unwrap_or(b"Type1");
        let base =
            dict.get(b"BaseFont").ok().and_then(|o| deref(doc, o)).and_then(name_of).unwrap_or(b"");
        let base_name = String::from_utf8_lossy(base).to_ascii_lowercase();
        let metrics = if base_name.contains("courier") || base_name.contains("mono") {
            Std14::Courier
        } else if base_name.contains("times")
            || base_name.contains("roman")
            || base_name.contains("serif") && !base_name.contains("sans")
        {
            Std14::Times
        } else {
            Std14::Helvetica
        };
        let mut identity_unicode = false;
        let to_unicode = match dict.get(b"ToUnicode").ok().and_then(|o| deref(doc, o)) {
            Some(Object::Stream(s)) => ctx.stream_bytes(doc, s)?.map(|b| CMap::parse(&b)),
            Some(Object::Name(n)) => {
                // "/ToUnicode /Identity-H": the codes are Unicode values.
                identity_unicode = n.starts_with(b"Identity");
                None
            }
            _ => None,
        };
        let mut font = Font {
            split: CodeSplit::OneByte,
            simple: vec![None; 256],
            to_unicode,
            widths: HashMap::new(),
            default_width: 0.0,
            scale: 0.001,
            size_factor: 1.0,
            vertical: false,
            metrics,
            has_text_map: false,
            identity_unicode,
        };
        if subtype == b"Type0" {
            font.load_type0(doc, dict, ctx)?;
        } else {
            font.load_simple(doc, dict, subtype, &base_name, ctx)?;
        }
        font.has_text_map = font.to_unicode.as_ref().is_some_and(CMap::has_unicode)
            || font.simple.iter().any(Option::is_some)
            || matches!(font.split, CodeSplit::Ucs2)
            || font.identity_unicode;
        Ok(font)
    }

    fn load_simple(
        &mut self,
        doc: &Document,
        dict: &Dictionary,
        subtype: &[u8],
        base_name: &str,
        ctx: &mut Ctx,
    ) -> Result<(), crate::extract::draft::ExtractError> {
        let descriptor = dict
            .get(b"FontDescriptor")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let flags =
            descriptor.and_then(|d| d.get(b"Flags").ok()).and_then(num).unwrap_or(0.0) as i64;
        let symbolic = flags & 4 != 0 && flags & 32 == 0;
        let is_symbol_font = base_name.contains("symbol")
            || base_name.contains("dingbat")
            || base_name.contains("wingding");
        // Base encoding.
        let enc_obj = dict.get(b"Encoding").ok().and_then(|o| deref(doc, o));
        let enc_name = match enc_obj {
            Some(Object::Name(n)) => Some(n.as_slice()),
            Some(Object::Dictionary(d)) => d.get(b"BaseEncoding").ok().and_then(name_of),
            _ => None,
        };
        let base = match enc_name {
            Some(b"WinAnsiEncoding") => Some(BaseEncoding::WinAnsi),
            Some(b"MacRomanEncoding") | Some(b"MacExpertEncoding") => Some(BaseEncoding::MacRoman),
            Some(b"StandardEncoding") => Some(BaseEncoding::Standard),
            Some(b"PDFDocEncoding") => Some(BaseEncoding::PdfDoc),
            _ => None,
        };
        let mut builtin: Option<Vec<Option<String>>> = None;
        if base.is_none() && subtype != b"TrueType" && subtype != b"Type3" {
            builtin = self.type1_builtin_encoding(doc, descriptor, ctx)?;
        }
        let base = base.unwrap_or(if subtype == b"TrueType" || symbolic && !is_symbol_font {
            BaseEncoding::WinAnsi
        } else {
            BaseEncoding::Standard
        });
        for code in 0..=255u8 {
            let from_builtin =
                builtin.as_ref().and_then(|b| b.get(usize::from(code)).cloned().flatten());
            let v = from_builtin.or_else(|| {
                if is_symbol_font && enc_name.is_none() {
                    None
                } else {
                    base_char(base, code).map(String::from)
                }
            });
            if let Some(slot) = self.simple.get_mut(usize::from(code)) {
                *slot = v;
            }
        }
        if let Some(Object::Dictionary(d)) = enc_obj
            && let Ok(Object::Array(diffs)) = d.get(b"Differences")
        {
            let mut code: i64 = 0;
            for item in diffs.iter().take(4096) {
                match item {
                    Object::Integer(i) => code = *i,
                    Object::Name(n) => {
                        if let Some(slot) =
                            usize::try_from(code).ok().and_then(|c| self.simple.get_mut(c))
                        {
                            *slot = glyph_to_unicode(n);
                        }
                        code = code.saturating_add(1);
                    }
                    _ => {}
                }
            }
        }
        // Widths.
        let first =
            dict.get(b"FirstChar").ok().and_then(|o| deref(doc, o)).and_then(num).unwrap_or(0.0)
                as i64;
        if let Some(Object::Array(ws)) = dict.get(b"Widths").ok().and_then(|o| deref(doc, o)) {
            for (i, w) in ws.iter().take(65_536).enumerate() {
                if let (Some(w), Ok(code)) =
                    (deref(doc, w).and_then(num), u32::try_from(first.saturating_add(i as i64)))
                {
                    self.widths.insert(code, w);
                }
            }
        }
        self.default_width =
            descriptor.and_then(|d| d.get(b"MissingWidth").ok()).and_then(num).unwrap_or(0.0);
        if subtype == b"Type3"
            && let Some(Object::Array(m)) = dict.get(b"FontMatrix").ok().and_then(|o| deref(doc, o))
        {
            let a = m.first().and_then(num).unwrap_or(0.001);
            if a.abs() > 1e-6 && a.abs() < 10.0 {
                self.scale = a.abs();
            }
        }
        Ok(())
    }

    /// Reads `dup <code> /<name> put` entries from the clear-text part of an embedded Type 1
    /// font program (its built-in encoding).
    fn type1_builtin_encoding(
        &mut self,
        doc: &Document,
        descriptor: Option<&Dictionary>,
        ctx: &mut Ctx,
    ) -> Result<Option<Vec<Option<String>>>, crate::extract::draft::ExtractError> {
        let Some(Object::Stream(s)) =
            descriptor.and_then(|d| d.get(b"FontFile").ok()).and_then(|o| deref(doc, o))
        else {
            return Ok(None);
        };
        let Some(data) = ctx.stream_bytes(doc, s)? else { return Ok(None) };
        let clear_len = s
            .dict
            .get(b"Length1")
            .ok()
            .and_then(num)
            .map(|l| l.max(0.0) as usize)
            .unwrap_or(data.len());
        let clear = data.get(..clear_len.min(data.len())).unwrap_or_default();
        let text = String::from_utf8_lossy(clear);
        if text.contains("/Encoding StandardEncoding") {
            return Ok(None);
        }
        let mut table: Vec<Option<String>> = vec![None; 256];
        let mut any = false;
        let words: Vec<&str> = text.split_ascii_whitespace().collect();
        for w in words.windows(4) {
            if let [dup, code, name, put] = w
                && *dup == "dup"
                && *put == "put"
                && let (Ok(code), Some(name)) = (code.parse::<usize>(), name.strip_prefix('/'))
                && let Some(slot) = table.get_mut(code)
            {
                *slot = glyph_to_unicode(name.as_bytes());
                any = true;
            }
        }
        Ok(any.then_some(table))
    }

    fn load_type0(
        &mut self,
        doc: &Document,
        dict: &Dictionary,
        ctx: &mut Ctx,
    ) -> Result<(), crate::extract::draft::ExtractError> {
        self.split = CodeSplit::Identity;
        match dict.get(b"Encoding").ok().and_then(|o| deref(doc, o)) {
            Some(Object::Name(n)) => {
                let n = String::from_utf8_lossy(n);
                self.vertical = n.ends_with("-V");
                if n.starts_with("Uni") && (n.contains("UCS2") || n.contains("UTF16")) {
                    self.split = CodeSplit::Ucs2;
                }
            }
            Some(Object::Stream(s)) => {
                if let Some(b) = ctx.stream_bytes(doc, s)? {
                    let cmap = CMap::parse(&b);
                    if cmap.has_codespace() {
                        self.split = CodeSplit::Embedded(Box::new(cmap));
                    }
                }
                if let Ok(Object::Integer(1)) = s.dict.get(b"WMode") {
                    self.vertical = true;
                }
            }
            _ => {}
        }
        let desc = match dict.get(b"DescendantFonts").ok().and_then(|o| deref(doc, o)) {
            Some(Object::Array(a)) => {
                a.first().and_then(|o| deref(doc, o)).and_then(|o| o.as_dict().ok())
            }
            _ => None,
        };
        self.default_width = 1000.0;
        if let Some(desc) = desc {
            if let Some(dw) = desc.get(b"DW").ok().and_then(|o| deref(doc, o)).and_then(num) {
                self.default_width = dw;
            }
            if let Some(Object::Array(w)) = desc.get(b"W").ok().and_then(|o| deref(doc, o)) {
                let mut i = 0;
                let mut total: u32 = 0;
                while let Some(first) = w.get(i).and_then(|o| deref(doc, o)).and_then(num) {
                    let first = first.max(0.0) as u32;
                    match w.get(i + 1).and_then(|o| deref(doc, o)) {
                        Some(Object::Array(list)) => {
                            for (k, v) in list.iter().enumerate().take(65_536) {
                                if let Some(v) = deref(doc, v).and_then(num) {
                                    self.widths.insert(first.saturating_add(k as u32), v);
                                }
                            }
                            i += 2;
                        }
                        Some(o) => {
                            let last = num(o).unwrap_or(0.0).max(0.0) as u32;
                            let v = w
                                .get(i + 2)
                                .and_then(|o| deref(doc, o))
                                .and_then(num)
                                .unwrap_or(self.default_width);
                            let span = last.saturating_sub(first).min(65_536);
                            total = total.saturating_add(span);
                            if total > 1_000_000 {
                                break;
                            }
                            for c in first..=first.saturating_add(span) {
                                self.widths.insert(c, v);
                            }
                            i += 3;
                        }
                        None => break,
                    }
                }
            }
        }
        Ok(())
    }

    /// Splits a shown string into codes and decodes each.
    pub fn decode(&self, bytes: &[u8], out: &mut Vec<Glyph>) {
        let mut i = 0;
        while i < bytes.len() {
            let rest = bytes.get(i..).unwrap_or_default();
            let len = match &self.split {
                CodeSplit::OneByte => 1,
                CodeSplit::Identity | CodeSplit::Ucs2 => 2,
                CodeSplit::Embedded(c) => c.code_len(rest, 2),
            };
            let len = len.clamp(1, 4).min(rest.len());
            let code_bytes = rest.get(..len).unwrap_or_default();
            let code = code_bytes.iter().fold(0u32, |a, b| a << 8 | u32::from(*b));
            i += len;
            let cid = match &self.split {
                CodeSplit::Embedded(c) => c.cid(len, code).unwrap_or(code),
                _ => code,
            };
            let mut text =
                self.to_unicode.as_ref().and_then(|c| c.unicode(len, code)).map(str::to_owned);
            if text.is_none() {
                text = match &self.split {
                    CodeSplit::OneByte => self.simple.get(code as usize).cloned().flatten(),
                    CodeSplit::Ucs2 => char::from_u32(code).map(String::from),
                    _ if self.identity_unicode => {
                        char::from_u32(code).filter(|c| !c.is_control()).map(String::from)
                    }
                    _ => None,
                };
            }
            let text = text.unwrap_or_default();
            let w = match self.widths.get(&cid) {
                Some(w) => *w,
                None if matches!(self.split, CodeSplit::OneByte) => {
                    if self.default_width > 0.0 {
                        self.default_width
                    } else {
                        std14_width(self.metrics, &text)
                    }
                }
                None => self.default_width,
            };
            let width = if self.vertical { 1.0 } else { w * self.scale };
            out.push(Glyph { text, width, is_space_code: len == 1 && code == 32 });
        }
    }
}
