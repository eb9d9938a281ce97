//! PDF text extraction.
//!
//! [`extract`] loads the file with lopdf (decrypting with the empty password where allowed),
//! walks the page tree with inherited attributes, and runs each page's content stream through
//! a small interpreter ([`content`]) that tracks the graphics and text state and produces
//! positioned glyphs, decoded by [`font`] (encodings from [`glyphs`], CMaps from [`cmap`]).
//! [`layout`] turns the glyphs of a page into lines in reading order; this module then marks
//! running headers, footers and page numbers as furniture across pages and groups the other
//! lines into paragraphs. Every stream read is charged to the [`Budget`], and nothing in here
//! panics on bad input: the worst outcome is an [`ExtractError`] or a warning.

pub(crate) mod cmap;
pub(crate) mod content;
pub(crate) mod font;
pub(crate) mod glyphs;
pub(crate) mod layout;
#[cfg(feature = "ocr")]
mod scan;
mod soup;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId, Stream};

use crate::extract::draft::{
    Attachment, BlockKind, Budget, Draft, DraftBlock, ExtractError, PageInfo,
};
use font::Font;
use layout::Line;

/// The most glyphs kept per page; the rest of the page is dropped with a warning.
pub const MAX_GLYPHS_PER_PAGE: usize = 500_000;
/// The deepest page tree walked.
const MAX_TREE_DEPTH: u32 = 64;
/// The most embedded files kept.
const MAX_ATTACHMENTS: usize = 1000;

/// Follows references (bounded) to the object they name; `None` for dangling ones.
pub(crate) fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

fn dict_of<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    match deref(doc, o)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// Shared state of one extraction: the budget, the font cache and the warnings.
pub struct Ctx<'b> {
    budget: &'b mut Budget,
    fonts: HashMap<usize, Rc<Font>>,
    font_ids: HashMap<ObjectId, Rc<Font>>,
    warnings: Vec<String>,
    warned: HashSet<String>,
    /// The page being read (1-based), for messages.
    pub page: u32,
}

impl<'b> Ctx<'b> {
    fn new(budget: &'b mut Budget) -> Ctx<'b> {
        Ctx {
            budget,
            fonts: HashMap::new(),
            font_ids: HashMap::new(),
            warnings: Vec::new(),
            warned: HashSet::new(),
            page: 0,
        }
    }

    /// Records a warning once per distinct text.
    pub fn warn(&mut self, msg: String) {
        if self.warnings.len() < 200 && self.warned.insert(msg.clone()) {
            self.warnings.push(msg);
        }
    }

    /// Fails once the time budget is spent.
    pub fn check_time(&self) -> Result<(), ExtractError> {
        self.budget.check_time()
    }

    /// The decoded bytes of a stream, charged to the budget; `None` (with a warning) when its
    /// filters cannot be decoded.
    pub fn stream_bytes(
        &mut self,
        doc: &Document,
        s: &Stream,
    ) -> Result<Option<Vec<u8>>, ExtractError> {
        let max = usize::try_from(self.budget.limits.max_part_bytes).unwrap_or(usize::MAX);
        // lopdf reads /Filter and /DecodeParms only as direct objects: resolve references.
        let resolved;
        let s = if [&b"Filter"[..], b"DecodeParms"]
            .iter()
            .any(|k| matches!(s.dict.get(k), Ok(Object::Reference(_))))
        {
            let mut dict = s.dict.clone();
            for k in [&b"Filter"[..], b"DecodeParms"] {
                if let Ok(o) = s.dict.get(k)
                    && let Some(v) = deref(doc, o)
                {
                    dict.set(k.to_vec(), v.clone());
                }
            }
            resolved = Stream {
                dict,
                content: s.content.clone(),
                allows_compression: true,
                start_position: None,
            };
            &resolved
        } else {
            s
        };
        match s.get_plain_content_with_limit(max) {
            Ok(b) => {
                self.budget.charge(b.len() as u64)?;
                Ok(Some(b))
            }
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => Err(ExtractError::Limit {
                limit: "max_part_bytes",
                max: self.budget.limits.max_part_bytes,
                actual: self.budget.limits.max_part_bytes.saturating_add(1),
            }),
            Err(e) => {
                let page = self.page;
                self.warn(format!("page {page}: a stream could not be decoded ({e})"));
                Ok(None)
            }
        }
    }

    /// The font for a font resource (cached by object).
    pub fn font(&mut self, doc: &Document, o: &Object) -> Result<Rc<Font>, ExtractError> {
        let id = doc.dereference(o).ok().and_then(|(id, _)| id);
        if let Some(id) = id
            && let Some(f) = self.font_ids.get(&id)
        {
            return Ok(f.clone());
        }
        self.check_time()?;
        let Some(dict) = dict_of(doc, o) else { return Ok(Rc::new(Font::fallback())) };
        let key = std::ptr::from_ref(dict) as usize;
        if id.is_none()
            && let Some(f) = self.fonts.get(&key)
        {
            return Ok(f.clone());
        }
        let font = Rc::new(Font::load(doc, dict, self)?);
        if !font.has_text_map {
            let name = dict.get(b"BaseFont").ok().and_then(|o| o.as_name().ok()).unwrap_or(b"?");
            let page = self.page;
            self.warn(format!(
                "page {page}: font {} has no usable Unicode mapping",
                String::from_utf8_lossy(name)
            ));
        }
        match id {
            Some(id) => self.font_ids.insert(id, font.clone()),
            None => self.fonts.insert(key, font.clone()),
        };
        Ok(font)
    }
}

/// One page of the page tree with its inherited attributes.
struct PageRef<'a> {
    dict: &'a Dictionary,
    resources: Option<&'a Dictionary>,
    media: [f32; 4],
    rotate: i64,
}

#[derive(Clone, Copy)]
struct Inherited<'a> {
    resources: Option<&'a Dictionary>,
    media: Option<[f32; 4]>,
    rotate: Option<i64>,
}

fn rect(doc: &Document, o: &Object) -> Option<[f32; 4]> {
    let Object::Array(a) = deref(doc, o)? else { return None };
    let v: Vec<f32> = a.iter().filter_map(|x| deref(doc, x).and_then(num)).collect();
    let [x0, y0, x1, y1] = v.as_slice() else { return None };
    let r = [x0.min(*x1), y0.min(*y1), x0.max(*x1), y0.max(*y1)];
    (r[2] - r[0] > 0.0 && r[3] - r[1] > 0.0).then_some(r)
}

fn walk_pages<'a>(
    doc: &'a Document,
    node: &'a Object,
    inh: Inherited<'a>,
    depth: u32,
    seen: &mut HashSet<ObjectId>,
    out: &mut Vec<PageRef<'a>>,
    max_pages: u32,
) -> Result<(), ExtractError> {
    if depth > MAX_TREE_DEPTH {
        return Ok(());
    }
    if let Object::Reference(id) = node
        && !seen.insert(*id)
    {
        return Ok(());
    }
    let Some(dict) = dict_of(doc, node) else { return Ok(()) };
    let inh = Inherited {
        resources: dict.get(b"Resources").ok().and_then(|o| dict_of(doc, o)).or(inh.resources),
        media: dict.get(b"MediaBox").ok().and_then(|o| rect(doc, o)).or(inh.media),
        rotate: dict
            .get(b"Rotate")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_i64().ok())
            .or(inh.rotate),
    };
    let kids = dict.get(b"Kids").ok().and_then(|o| deref(doc, o));
    let is_page = dict.get(b"Type").ok().and_then(|o| o.as_name().ok()) == Some(b"Page")
        || (kids.is_none() && dict.has(b"Contents"));
    if is_page {
        if out.len() >= max_pages as usize {
            return Err(ExtractError::Limit {
                limit: "max_pages",
                max: u64::from(max_pages),
                actual: out.len() as u64 + 1,
            });
        }
        let crop = dict.get(b"CropBox").ok().and_then(|o| rect(doc, o));
        out.push(PageRef {
            dict,
            resources: inh.resources,
            media: crop.or(inh.media).unwrap_or([0.0, 0.0, 612.0, 792.0]),
            rotate: inh.rotate.unwrap_or(0),
        });
        return Ok(());
    }
    if let Some(Object::Array(kids)) = kids {
        for k in kids {
            walk_pages(doc, k, inh, depth + 1, seen, out, max_pages)?;
        }
    }
    Ok(())
}

fn map_load_error(e: lopdf::Error) -> ExtractError {
    match e {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => ExtractError::Encrypted,
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { limit }) => {
            ExtractError::Limit {
                limit: "max_part_bytes",
                max: limit as u64,
                actual: limit as u64 + 1,
            }
        }
        e => ExtractError::Malformed(format!("cannot read the PDF structure: {e}")),
    }
}

/// Extracts the text, metadata and embedded files of one PDF file.
pub fn extract(bytes: &[u8], budget: &mut Budget) -> Result<Draft, ExtractError> {
    if bytes.len() as u64 > budget.limits.max_bytes {
        return Err(ExtractError::Limit {
            limit: "max_bytes",
            max: budget.limits.max_bytes,
            actual: bytes.len() as u64,
        });
    }
    if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(ExtractError::Malformed("no %PDF- header in the first kilobyte".into()));
    }
    let options = LoadOptions {
        max_decompressed_size: Some(
            usize::try_from(budget.limits.max_part_bytes).unwrap_or(usize::MAX),
        ),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(map_load_error)?;
    budget.check_time()?;
    let mut draft = Draft::default();
    if doc.trailer.has(b"Encrypt") {
        if !doc.was_encrypted() {
            return Err(ExtractError::Encrypted);
        }
        draft.add_meta("encrypted", "true");
    }
    read_info(&doc, &mut draft);

    let mut pages = Vec::new();
    let root = doc.trailer.get(b"Root").ok().and_then(|o| dict_of(&doc, o));
    let max_pages = budget.limits.max_pages;
    if let Some(pages_node) = root.and_then(|r| r.get(b"Pages").ok()) {
        let inh = Inherited { resources: None, media: None, rotate: None };
        walk_pages(&doc, pages_node, inh, 0, &mut HashSet::new(), &mut pages, max_pages)?;
    }
    if pages.is_empty() {
        // A broken page tree: take every page object in object order.
        for o in doc.objects.values() {
            if let Object::Dictionary(d) = o
                && d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"Page")
            {
                if pages.len() >= max_pages as usize {
                    return Err(ExtractError::Limit {
                        limit: "max_pages",
                        max: u64::from(max_pages),
                        actual: pages.len() as u64 + 1,
                    });
                }
                let resources = d.get(b"Resources").ok().and_then(|o| dict_of(&doc, o));
                let media = d
                    .get(b"MediaBox")
                    .ok()
                    .and_then(|o| rect(&doc, o))
                    .unwrap_or([0.0, 0.0, 612.0, 792.0]);
                pages.push(PageRef { dict: d, resources, media, rotate: 0 });
            }
        }
        if pages.is_empty() {
            return Err(ExtractError::Malformed("the document has no pages".into()));
        }
    }

    let mut ctx = Ctx::new(budget);
    let mut page_lines: Vec<(Vec<Line>, [f32; 4])> = Vec::with_capacity(pages.len());
    #[cfg(feature = "ocr")]
    let mut candidates = Vec::new();
    #[cfg(not(feature = "ocr"))]
    let mut no_text = Vec::new();
    let empty = Dictionary::new();
    for (i, page) in pages.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ctx.page = number;
        ctx.check_time()?;
        let data = page_content(&doc, page.dict, &mut ctx)?;
        let resources = page.resources.unwrap_or(&empty);
        let mut run = content::Run::new(page.media, page.rotate);
        run.run(&doc, &data, resources, &mut ctx)?;
        run.annotations(&doc, page.dict, &mut ctx)?;
        let has_text = run.glyphs.iter().any(|g| !g.text.trim().is_empty());
        let bounds = run.bounds();
        let (images, inline_images) = (std::mem::take(&mut run.images), run.inline_images);
        let saw_image = run.saw_image;
        let lines = layout::lines(run.glyphs);
        let soup = has_text && {
            let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
            soup::is_glyph_soup(&text.join("\n"))
        };
        if soup {
            ctx.warn(format!("page {number}: the text layer is not text (glyph soup)"));
        }
        let needs_ocr = (saw_image && !has_text) || soup;
        if needs_ocr {
            #[cfg(not(feature = "ocr"))]
            no_text.push(number);
            #[cfg(feature = "ocr")]
            candidates.push(scan::Candidate {
                index: i,
                number,
                bounds,
                rotate: (page.rotate.rem_euclid(360) + 45) / 90 % 4 * 90,
                images,
                inline_images,
            });
        }
        #[cfg(not(feature = "ocr"))]
        let _ = (images, inline_images);
        draft.pages.push(PageInfo { number, needs_ocr, ocr: None });
        page_lines.push((lines, bounds));
    }
    #[cfg(feature = "ocr")]
    for read in scan::read_pages(bytes, &doc, candidates, &mut draft, &mut ctx) {
        if let Some(page) = page_lines.get_mut(read.index) {
            page.0 = read.lines;
        }
    }
    #[cfg(not(feature = "ocr"))]
    if !no_text.is_empty() {
        let why = if ctx.budget.ocr.enabled {
            "OCR is not available: clausal was built without its `ocr` feature"
        } else {
            "OCR is off"
        };
        ctx.warn(format!("{} no text layer; {why}", pages_have(&no_text)));
    }
    let furniture = find_furniture(&page_lines);
    for (i, (lines, _)) in page_lines.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let flags = furniture.get(i).map(Vec::as_slice).unwrap_or_default();
        emit_blocks(lines, flags, number, &mut draft.blocks);
    }
    attachments(&doc, root, &pages, &mut draft, &mut ctx)?;
    draft.warnings.append(&mut ctx.warnings);
    Ok(draft)
}

/// "page 3 has" or "pages 1–4, 7 have".
pub(crate) fn pages_have(numbers: &[u32]) -> String {
    if let [n] = numbers {
        format!("page {n} has")
    } else {
        format!("pages {} have", ranges(numbers))
    }
}

/// "page 3" or "pages 1–4, 7".
#[cfg_attr(not(feature = "ocr"), allow(dead_code))]
pub(crate) fn page_list(numbers: &[u32]) -> String {
    if let [n] = numbers { format!("page {n}") } else { format!("pages {}", ranges(numbers)) }
}

fn ranges(numbers: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(&start) = numbers.get(i) {
        let mut end = start;
        while numbers.get(i + 1) == Some(&(end + 1)) {
            end += 1;
            i += 1;
        }
        out.push(if end == start { start.to_string() } else { format!("{start}–{end}") });
        i += 1;
    }
    out.join(", ")
}

fn page_content(doc: &Document, page: &Dictionary, ctx: &mut Ctx) -> Result<Vec<u8>, ExtractError> {
    let mut data = Vec::new();
    let Some(contents) = page.get(b"Contents").ok().and_then(|o| deref(doc, o)) else {
        return Ok(data);
    };
    let streams: Vec<&Stream> = match contents {
        Object::Stream(s) => vec![s],
        Object::Array(a) => {
            a.iter().filter_map(|o| deref(doc, o)).filter_map(|o| o.as_stream().ok()).collect()
        }
        _ => Vec::new(),
    };
    for s in streams {
        if let Some(b) = ctx.stream_bytes(doc, s)? {
            data.extend_from_slice(&b);
            data.push(b'\n');
        }
    }
    Ok(data)
}

fn read_info(doc: &Document, draft: &mut Draft) {
    let Some(info) = doc.trailer.get(b"Info").ok().and_then(|o| dict_of(doc, o)) else { return };
    for (key, meta) in [
        (&b"Title"[..], "title"),
        (b"Author", "author"),
        (b"Subject", "subject"),
        (b"Keywords", "keywords"),
        (b"Creator", "creator"),
        (b"Producer", "producer"),
        (b"CreationDate", "created"),
        (b"ModDate", "modified"),
    ] {
        let Some(Object::String(s, _)) = info.get(key).ok().and_then(|o| deref(doc, o)) else {
            continue;
        };
        let mut v = glyphs::decode_text_string(s).trim().to_owned();
        v.retain(|c| c != '\0');
        if meta == "created" || meta == "modified" {
            v = pdf_date(&v).unwrap_or(v);
        }
        if v.is_empty() {
            continue;
        }
        if meta == "title" {
            draft.title = Some(v.clone());
        }
        draft.add_meta(meta, v);
    }
}

/// `D:YYYYMMDDHHmmSSOHH'mm'` to RFC 3339 (as far as the fields go).
fn pdf_date(s: &str) -> Option<String> {
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return None;
    }
    let f = |a: usize, b: usize, d: &'static str| digits.get(a..b).unwrap_or(d).to_owned();
    let (y, mo, d, h, mi, se) = (
        f(0, 4, "0000"),
        f(4, 6, "01"),
        f(6, 8, "01"),
        f(8, 10, "00"),
        f(10, 12, "00"),
        f(12, 14, "00"),
    );
    let rest = s.get(digits.len()..).unwrap_or("");
    let tz = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let tzd: String = rest.chars().filter(char::is_ascii_digit).collect();
            let th = tzd.get(0..2).unwrap_or("00");
            let tm = tzd.get(2..4).unwrap_or("00");
            format!("{sign}{th}:{tm}")
        }
        _ => "Z".into(),
    };
    Some(format!("{y}-{mo}-{d}T{h}:{mi}:{se}{tz}"))
}

fn attachments(
    doc: &Document,
    root: Option<&Dictionary>,
    pages: &[PageRef],
    draft: &mut Draft,
    ctx: &mut Ctx,
) -> Result<(), ExtractError> {
    let mut specs: Vec<&Dictionary> = Vec::new();
    // The /EmbeddedFiles name tree.
    if let Some(tree) = root
        .and_then(|r| r.get(b"Names").ok())
        .and_then(|o| dict_of(doc, o))
        .and_then(|n| n.get(b"EmbeddedFiles").ok())
    {
        let mut stack = vec![(tree, 0u32)];
        let mut seen = HashSet::new();
        while let Some((node, depth)) = stack.pop() {
            if depth > 32 || specs.len() >= MAX_ATTACHMENTS {
                break;
            }
            if let Object::Reference(id) = node
                && !seen.insert(*id)
            {
                continue;
            }
            let Some(d) = dict_of(doc, node) else { continue };
            if let Ok(Object::Array(names)) = d.get(b"Names").map(|o| deref(doc, o).unwrap_or(o)) {
                for pair in names.chunks(2) {
                    if let Some(spec) = pair.get(1).and_then(|o| dict_of(doc, o)) {
                        specs.push(spec);
                    }
                }
            }
            if let Some(Object::Array(kids)) = d.get(b"Kids").ok().and_then(|o| deref(doc, o)) {
                stack.extend(kids.iter().map(|k| (k, depth + 1)));
            }
        }
    }
    // File attachment annotations.
    for p in pages {
        if let Some(Object::Array(annots)) = p.dict.get(b"Annots").ok().and_then(|o| deref(doc, o))
        {
            for a in annots.iter().take(10_000) {
                if let Some(a) = dict_of(doc, a)
                    && a.get(b"Subtype").ok().and_then(|o| o.as_name().ok())
                        == Some(b"FileAttachment")
                    && let Some(fs) = a.get(b"FS").ok().and_then(|o| dict_of(doc, o))
                {
                    specs.push(fs);
                }
            }
        }
    }
    let mut seen_streams = HashSet::new();
    for spec in specs.into_iter().take(MAX_ATTACHMENTS) {
        let name = [&b"UF"[..], b"F"]
            .iter()
            .find_map(|k| match spec.get(k).ok().and_then(|o| deref(doc, o)) {
                Some(Object::String(s, _)) => Some(glyphs::decode_text_string(s)),
                _ => None,
            })
            .filter(|s| !s.trim().is_empty());
        let Some(ef) = spec.get(b"EF").ok().and_then(|o| dict_of(doc, o)) else { continue };
        let Some(file_obj) = ef.get(b"F").or_else(|_| ef.get(b"UF")).ok() else { continue };
        if let Object::Reference(id) = file_obj
            && !seen_streams.insert(*id)
        {
            continue;
        }
        let Some(Object::Stream(s)) = deref(doc, file_obj) else { continue };
        ctx.check_time()?;
        let Some(bytes) = ctx.stream_bytes(doc, s)? else { continue };
        let content_type = s
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).replace("#2F", "/"));
        draft.attachments.push(Attachment { name, content_type, bytes });
    }
    Ok(())
}

/// Collapses digits and spaces so that "Page 3 of 10" and "Page 4 of 10" compare equal.
fn furniture_key(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else if !c.is_whitespace() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A lone page number: "3", "- 3 -", "Page 3", "Page 3 of 10", "iv".
fn is_page_number(s: &str) -> bool {
    let t = s
        .trim()
        .trim_matches(|c: char| c == '-' || c == '–' || c == '—' || c.is_whitespace())
        .trim();
    let lower = t.to_lowercase();
    let t = lower.strip_prefix("page").map(str::trim_start).unwrap_or(&lower);
    let mut parts = t.split_whitespace();
    let first = parts.next().unwrap_or("");
    let is_num = |w: &str| !w.is_empty() && w.len() <= 4 && w.chars().all(|c| c.is_ascii_digit());
    let is_roman =
        |w: &str| !w.is_empty() && w.len() <= 6 && w.chars().all(|c| "ivxlc".contains(c));
    match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => is_num(first) || is_roman(first),
        (Some("of"), Some(n), None) => is_num(first) && is_num(n),
        _ => false,
    }
}

/// Lower-cases and collapses white space, for exact repetition.
fn exact_key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Marks running headers/footers and page numbers: per page, one flag per line.
///
/// Only lines at the top or bottom edge of a page (the outermost two lines, inside the top or
/// bottom 10% of the page) qualify. They are furniture when they are a lone page number, when
/// the same text sits at an edge of at least a third of the pages (and at least 3), or when the
/// same text up to its digits ("Page 3", "Page 4") sits at an edge of at least half of the
/// pages (and at least 3). The second line from an edge only counts when the outermost one is
/// furniture too.
fn find_furniture(pages: &[(Vec<Line>, [f32; 4])]) -> Vec<Vec<bool>> {
    let candidate = |lines: &[Line], b: &[f32; 4], i: usize| -> bool {
        let Some(l) = lines.get(i) else { return false };
        let h = b[3] - b[1];
        let in_zone = l.y > b[3] - 0.10 * h || l.y < b[1] + 0.10 * h;
        in_zone && (i < 2 || i + 2 >= lines.len())
    };
    let mut exact: HashMap<String, usize> = HashMap::new();
    let mut fuzzy: HashMap<String, usize> = HashMap::new();
    for (lines, b) in pages {
        let mut e = HashSet::new();
        let mut f = HashSet::new();
        for (i, l) in lines.iter().enumerate() {
            if candidate(lines, b, i) && l.text.chars().filter(|c| c.is_alphanumeric()).count() >= 2
            {
                e.insert(exact_key(&l.text));
                f.insert(furniture_key(&l.text));
            }
        }
        for k in e {
            *exact.entry(k).or_default() += 1;
        }
        for k in f {
            *fuzzy.entry(k).or_default() += 1;
        }
    }
    let exact_min = (pages.len() / 3).max(3);
    let fuzzy_min = pages.len().div_ceil(2).max(3);
    pages
        .iter()
        .map(|(lines, b)| {
            let is_furniture = |i: usize| {
                candidate(lines, b, i)
                    && lines.get(i).is_some_and(|l| {
                        is_page_number(&l.text)
                            || exact.get(&exact_key(&l.text)).is_some_and(|c| *c >= exact_min)
                            || fuzzy.get(&furniture_key(&l.text)).is_some_and(|c| *c >= fuzzy_min)
                    })
            };
            let n = lines.len();
            let mut flags = vec![false; n];
            // From the top edge, then from the bottom edge.
            for i in 0..n.min(2) {
                if !is_furniture(i) {
                    break;
                }
                if let Some(f) = flags.get_mut(i) {
                    *f = true;
                }
            }
            for i in (n.saturating_sub(2)..n).rev() {
                if !is_furniture(i) {
                    break;
                }
                if let Some(f) = flags.get_mut(i) {
                    *f = true;
                }
            }
            flags
        })
        .collect()
}

/// Groups the lines of a page into paragraphs (and furniture blocks).
fn emit_blocks(lines: &[Line], furniture: &[bool], page: u32, out: &mut Vec<DraftBlock>) {
    // Typical line pitch of the page.
    let mut pitches: Vec<f32> = lines
        .windows(2)
        .filter_map(|w| match w {
            [a, b] if a.group == b.group => Some(a.y - b.y),
            _ => None,
        })
        .filter(|d| *d > 0.0)
        .collect();
    pitches.sort_by(f32::total_cmp);
    let pitch = pitches.get(pitches.len() / 2).copied();
    let mut cur: Vec<&str> = Vec::new();
    let flush = |cur: &mut Vec<&str>, out: &mut Vec<DraftBlock>| {
        if !cur.is_empty() {
            out.push(DraftBlock {
                text: cur.join("\n"),
                kind: BlockKind::Paragraph,
                page: Some(page),
                label: None,
            });
            cur.clear();
        }
    };
    let mut prev: Option<&Line> = None;
    for (i, line) in lines.iter().enumerate() {
        if furniture.get(i).copied().unwrap_or(false) {
            flush(&mut cur, out);
            out.push(DraftBlock {
                text: line.text.clone(),
                kind: BlockKind::Furniture,
                page: Some(page),
                label: None,
            });
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let gap = p.y - line.y;
            // A gap wider than the page's usual line pitch (within sane bounds) starts a paragraph.
            let limit = pitch.map_or(p.size * 1.8, |x| x * 1.3).clamp(p.size * 1.15, p.size * 2.6);
            let size_change = (line.size - p.size).abs() > 0.2 * p.size.max(line.size);
            if p.group != line.group || gap > limit || gap < -0.5 * p.size || size_change {
                flush(&mut cur, out);
            }
        }
        cur.push(&line.text);
        prev = Some(line);
    }
    flush(&mut cur, out);
}

#[cfg(test)]
mod tests;
