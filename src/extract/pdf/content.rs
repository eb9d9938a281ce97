//! The content-stream interpreter: from operators to positioned glyphs.
//!
//! It keeps the part of the graphics state that places text (CTM, `q`/`Q` stack) and the text
//! state (`Tm`, `Tlm`, `Tc`, `Tw`, `Tz`, `TL`, `Ts`, `Tf`), shows strings with `Tj`, `TJ`, `'`
//! and `"`, and descends into Form XObjects with their `/Matrix` and `/Resources`. Each glyph is
//! placed in the page's upright coordinate system (after `/Rotate`) and then, by the angle
//! of its baseline, into a direction group rotated so that its text runs left to right.

use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::{Font, Glyph};
use super::{Ctx, MAX_GLYPHS_PER_PAGE, deref, dict_of, num};
use crate::extract::draft::ExtractError;

/// The most image XObjects recorded per page (all are still painted, none is decoded here).
pub const MAX_IMAGES_PER_PAGE: usize = 4096;

/// An affine matrix `[a b c d e f]` in PDF's row-vector convention.
type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

fn sane(m: Matrix) -> Matrix {
    if m.iter().all(|v| v.is_finite() && v.abs() < 1e7) { m } else { IDENTITY }
}

/// A glyph placed on the page, in the frame of its direction group.
#[derive(Clone, Debug)]
pub struct PGlyph {
    /// Start of the glyph along its baseline.
    pub x0: f32,
    /// End of the glyph along its baseline.
    pub x1: f32,
    /// The baseline (larger is higher on the page).
    pub y: f32,
    /// Font size in device units.
    pub size: f32,
    /// The Unicode text (" " for any white space).
    pub text: String,
    /// Direction group: the baseline angle in half degrees (0 is left to right, 180 bottom
    /// to top).
    pub group: u16,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    tc: f32,
    tw: f32,
    th: f32,
    tl: f32,
    rise: f32,
}

/// An image XObject painted on a page: what OCR needs to use it instead of rasterizing.
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "ocr"), allow(dead_code))]
pub struct PaintedImage {
    /// The image stream (`None` for a direct object, which the OCR step rasterizes instead).
    pub id: Option<ObjectId>,
    /// The CTM that maps the image's unit square onto the page.
    pub ctm: [f32; 6],
    /// `/Width` and `/Height` as declared (0 when missing).
    pub width: u64,
    /// See `width`.
    pub height: u64,
}

/// The interpretation of one page.
pub struct Run {
    /// Glyphs in content order.
    pub glyphs: Vec<PGlyph>,
    /// The page paints images (XObjects or inline).
    pub saw_image: bool,
    /// Image XObjects painted, in order (at most [`MAX_IMAGES_PER_PAGE`]).
    pub images: Vec<PaintedImage>,
    /// Inline images (`BI ... EI`) painted.
    pub inline_images: u32,
    rotate: u8,
    media: [f32; 4],
    full: bool,
}

struct Text {
    tm: Matrix,
    tlm: Matrix,
}

fn operands(ops: &[Object]) -> Vec<f32> {
    ops.iter().filter_map(num).collect()
}

impl Run {
    /// A run for a page with this media box and `/Rotate`.
    pub fn new(media: [f32; 4], rotate: i64) -> Run {
        let r = ((rotate.rem_euclid(360) + 45) / 90 % 4) as u8;
        Run {
            glyphs: Vec::new(),
            saw_image: false,
            images: Vec::new(),
            inline_images: 0,
            rotate: r,
            media,
            full: false,
        }
    }

    fn upright(&self, x: f32, y: f32) -> (f32, f32) {
        match self.rotate {
            1 => (y, -x),
            2 => (-x, -y),
            3 => (-y, x),
            _ => (x, y),
        }
    }

    /// The page box in the upright frame: `[x0, y0, x1, y1]`.
    pub fn bounds(&self) -> [f32; 4] {
        let [a, b, c, d] = self.media;
        let p = self.upright(a, b);
        let q = self.upright(c, d);
        [p.0.min(q.0), p.1.min(q.1), p.0.max(q.0), p.1.max(q.1)]
    }

    /// Interprets a page content stream.
    pub fn run(
        &mut self,
        doc: &Document,
        data: &[u8],
        resources: &Dictionary,
        ctx: &mut Ctx,
    ) -> Result<(), ExtractError> {
        let gs = GState {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            tc: 0.0,
            tw: 0.0,
            th: 1.0,
            tl: 0.0,
            rise: 0.0,
        };
        let mut forms = Vec::new();
        self.exec(doc, data, resources, gs, 0, &mut forms, ctx)
    }

    /// Draws the normal appearances of the page's annotations (filled-in form fields, free
    /// text, stamps), as viewers do: each appearance stream is a form XObject mapped onto the
    /// annotation's rectangle.
    pub fn annotations(
        &mut self,
        doc: &Document,
        page: &Dictionary,
        ctx: &mut Ctx,
    ) -> Result<(), ExtractError> {
        let Some(Object::Array(annots)) = page.get(b"Annots").ok().and_then(|o| deref(doc, o))
        else {
            return Ok(());
        };
        for a in annots.iter().take(10_000) {
            let Some(a) = dict_of(doc, a) else { continue };
            let subtype = a.get(b"Subtype").ok().and_then(|o| o.as_name().ok()).unwrap_or(b"");
            let flags = a.get(b"F").ok().and_then(num).unwrap_or(0.0) as i64;
            if matches!(subtype, b"Link" | b"Popup") || flags & 2 != 0 {
                continue;
            }
            let Some(ap) = a.get(b"AP").ok().and_then(|o| dict_of(doc, o)) else { continue };
            let Ok(normal) = ap.get(b"N") else { continue };
            let (id, stream) = match doc.dereference(normal) {
                Ok((id, Object::Stream(s))) => (id, s),
                Ok((_, Object::Dictionary(states))) => {
                    let Some(state) = a.get(b"AS").ok().and_then(|o| o.as_name().ok()) else {
                        continue;
                    };
                    match states.get(state).ok().map(|o| doc.dereference(o)) {
                        Some(Ok((id, Object::Stream(s)))) => (id, s),
                        _ => continue,
                    }
                }
                _ => continue,
            };
            let rect = match a.get(b"Rect").ok().and_then(|o| deref(doc, o)) {
                Some(Object::Array(v)) => match operands(v).as_slice() {
                    [x0, y0, x1, y1] => [x0.min(*x1), y0.min(*y1), x0.max(*x1), y0.max(*y1)],
                    _ => continue,
                },
                _ => continue,
            };
            let matrix = form_matrix(doc, &stream.dict);
            let bbox = match stream.dict.get(b"BBox").ok().and_then(|o| deref(doc, o)) {
                Some(Object::Array(v)) => match operands(v).as_slice() {
                    [x0, y0, x1, y1] => [*x0, *y0, *x1, *y1],
                    _ => rect,
                },
                _ => rect,
            };
            // The transformed bounding box, mapped onto the rectangle.
            let corners =
                [(bbox[0], bbox[1]), (bbox[2], bbox[1]), (bbox[0], bbox[3]), (bbox[2], bbox[3])];
            let (mut bx0, mut by0, mut bx1, mut by1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
            for (x, y) in corners {
                let (x, y) = apply(&matrix, x, y);
                bx0 = bx0.min(x);
                by0 = by0.min(y);
                bx1 = bx1.max(x);
                by1 = by1.max(y);
            }
            let (w, h) = (bx1 - bx0, by1 - by0);
            if !(w > 1e-3 && h > 1e-3) {
                continue;
            }
            let (sx, sy) = ((rect[2] - rect[0]) / w, (rect[3] - rect[1]) / h);
            let fit = [sx, 0.0, 0.0, sy, rect[0] - bx0 * sx, rect[1] - by0 * sy];
            let Some(bytes) = ctx.stream_bytes(doc, stream)? else { continue };
            let res =
                stream.dict.get(b"Resources").ok().and_then(|o| dict_of(doc, o)).unwrap_or(page);
            let gs = GState {
                ctm: sane(mul(&matrix, &fit)),
                font: None,
                size: 0.0,
                tc: 0.0,
                tw: 0.0,
                th: 1.0,
                tl: 0.0,
                rise: 0.0,
            };
            let mut forms: Vec<ObjectId> = id.into_iter().collect();
            self.exec(doc, &bytes, res, gs, 1, &mut forms, ctx)?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn exec(
        &mut self,
        doc: &Document,
        data: &[u8],
        resources: &Dictionary,
        start: GState,
        depth: u32,
        forms: &mut Vec<ObjectId>,
        ctx: &mut Ctx,
    ) -> Result<(), ExtractError> {
        let mut gs = start;
        let mut stack: Vec<GState> = Vec::new();
        let mut text = Text { tm: IDENTITY, tlm: IDENTITY };
        let fonts = resources.get(b"Font").ok().and_then(|o| dict_of(doc, o));
        let xobjects = resources.get(b"XObject").ok().and_then(|o| dict_of(doc, o));
        let mut count: u32 = 0;
        for op in Content::decode_iter(data) {
            let Ok(op) = op else {
                let page = ctx.page;
                ctx.warn(format!(
                    "page {page}: content stream syntax error, rest of the stream skipped"
                ));
                break;
            };
            count = count.wrapping_add(1);
            if count.is_multiple_of(4096) {
                ctx.check_time()?;
            }
            let args = &op.operands;
            match op.operator.as_str() {
                "q" if stack.len() < 1024 => stack.push(gs.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                "cm" => {
                    if let [a, b, c, d, e, f] = operands(args).as_slice() {
                        gs.ctm = sane(mul(&[*a, *b, *c, *d, *e, *f], &gs.ctm));
                    }
                }
                "BT" => text = Text { tm: IDENTITY, tlm: IDENTITY },
                "ET" => {}
                "Tc" => gs.tc = operands(args).first().copied().unwrap_or(0.0),
                "Tw" => gs.tw = operands(args).first().copied().unwrap_or(0.0),
                "Tz" => gs.th = operands(args).first().copied().unwrap_or(100.0) / 100.0,
                "TL" => gs.tl = operands(args).first().copied().unwrap_or(0.0),
                "Ts" => gs.rise = operands(args).first().copied().unwrap_or(0.0),
                "Tf" => {
                    if let (Some(Object::Name(name)), Some(size)) =
                        (args.first(), args.get(1).and_then(num))
                    {
                        gs.size = size;
                        let entry = fonts.and_then(|f| f.get(name).ok());
                        gs.font = Some(match entry {
                            Some(o) => ctx.font(doc, o)?,
                            None => {
                                let page = ctx.page;
                                ctx.warn(format!(
                                    "page {page}: font {} is not in the resources",
                                    String::from_utf8_lossy(name)
                                ));
                                Rc::new(Font::fallback())
                            }
                        });
                    }
                }
                "Td" | "TD" => {
                    if let [tx, ty] = operands(args).as_slice() {
                        if op.operator == "TD" {
                            gs.tl = -ty;
                        }
                        text.tlm = sane(mul(&[1.0, 0.0, 0.0, 1.0, *tx, *ty], &text.tlm));
                        text.tm = text.tlm;
                    }
                }
                "Tm" => {
                    if let [a, b, c, d, e, f] = operands(args).as_slice() {
                        text.tlm = sane([*a, *b, *c, *d, *e, *f]);
                        text.tm = text.tlm;
                    }
                }
                "T*" => {
                    text.tlm = sane(mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], &text.tlm));
                    text.tm = text.tlm;
                }
                "Tj" => {
                    if let Some(Object::String(s, _)) = args.first() {
                        self.show(s, &gs, &mut text, ctx);
                    }
                }
                "'" | "\"" => {
                    if op.operator == "\"" {
                        let n = operands(args);
                        if let [aw, ac] = n.as_slice() {
                            gs.tw = *aw;
                            gs.tc = *ac;
                        }
                    }
                    text.tlm = sane(mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], &text.tlm));
                    text.tm = text.tlm;
                    if let Some(Object::String(s, _)) = args.last() {
                        self.show(s, &gs, &mut text, ctx);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = args.first() {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(s, &gs, &mut text, ctx),
                                other => {
                                    if let Some(n) = num(other) {
                                        let tx = -n / 1000.0 * gs.size * gs.th;
                                        let vertical = gs.font.as_ref().is_some_and(|f| f.vertical);
                                        let t = if vertical {
                                            [1.0, 0.0, 0.0, 1.0, 0.0, -n / 1000.0 * gs.size]
                                        } else {
                                            [1.0, 0.0, 0.0, 1.0, tx, 0.0]
                                        };
                                        text.tm = sane(mul(&t, &text.tm));
                                    }
                                }
                            }
                        }
                    }
                }
                "BI" | "ID" | "EI" => {
                    self.saw_image = true;
                    if op.operator == "EI" {
                        self.inline_images = self.inline_images.saturating_add(1);
                    }
                }
                "Do" => {
                    let Some(Object::Name(name)) = args.first() else { continue };
                    let Some(entry) = xobjects.and_then(|x| x.get(name).ok()) else { continue };
                    let (id, obj) = match doc.dereference(entry) {
                        Ok(v) => v,
                        Err(_) => continue,
                    };
                    let Object::Stream(s) = obj else { continue };
                    match s.dict.get(b"Subtype").ok().and_then(|o| o.as_name().ok()) {
                        Some(b"Image") => {
                            self.saw_image = true;
                            if self.images.len() < MAX_IMAGES_PER_PAGE {
                                let dim = |k: &[u8]| {
                                    s.dict
                                        .get(k)
                                        .ok()
                                        .and_then(|o| deref(doc, o))
                                        .and_then(|o| o.as_i64().ok())
                                        .and_then(|v| u64::try_from(v).ok())
                                        .unwrap_or(0)
                                };
                                self.images.push(PaintedImage {
                                    id,
                                    ctm: gs.ctm,
                                    width: dim(b"Width"),
                                    height: dim(b"Height"),
                                });
                            }
                        }
                        Some(b"Form") => {
                            let max_depth = ctx_depth(ctx);
                            if depth >= max_depth || id.is_some_and(|id| forms.contains(&id)) {
                                let page = ctx.page;
                                ctx.warn(format!("page {page}: form XObjects nested too deep (or cyclic), skipped"));
                                continue;
                            }
                            let Some(bytes) = ctx.stream_bytes(doc, s)? else { continue };
                            let matrix = form_matrix(doc, &s.dict);
                            let res = s
                                .dict
                                .get(b"Resources")
                                .ok()
                                .and_then(|o| dict_of(doc, o))
                                .unwrap_or(resources);
                            let mut inner = gs.clone();
                            inner.ctm = sane(mul(&matrix, &gs.ctm));
                            if let Some(id) = id {
                                forms.push(id);
                            }
                            self.exec(doc, &bytes, res, inner, depth + 1, forms, ctx)?;
                            if id.is_some() {
                                forms.pop();
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn show(&mut self, s: &[u8], gs: &GState, text: &mut Text, ctx: &mut Ctx) {
        let font = match &gs.font {
            Some(f) => f.clone(),
            None => Rc::new(Font::fallback()),
        };
        let mut decoded: Vec<Glyph> = Vec::new();
        font.decode(s, &mut decoded);
        for g in decoded {
            let m = mul(&text.tm, &gs.ctm);
            let fs = gs.size;
            let glyph_adv = g.width * fs * gs.th;
            let (o, e, adv) = if font.vertical {
                let ty = -g.width * fs + gs.tc + if g.is_space_code { gs.tw } else { 0.0 };
                (
                    apply(&m, 0.0, gs.rise),
                    apply(&m, 0.0, gs.rise - g.width * fs),
                    [1.0, 0.0, 0.0, 1.0, 0.0, ty],
                )
            } else {
                let tx = (g.width * fs + gs.tc + if g.is_space_code { gs.tw } else { 0.0 }) * gs.th;
                (
                    apply(&m, 0.0, gs.rise),
                    apply(&m, glyph_adv, gs.rise),
                    [1.0, 0.0, 0.0, 1.0, tx, 0.0],
                )
            };
            text.tm = sane(mul(&adv, &text.tm));
            if self.full {
                continue;
            }
            let t = normalize(&g.text);
            if t.is_empty() {
                continue;
            }
            let (ox, oy) = self.upright(o.0, o.1);
            let (ex, ey) = self.upright(e.0, e.1);
            let (mut dx, mut dy) = (ex - ox, ey - oy);
            if dx.abs() + dy.abs() < 1e-4 {
                let (ax, ay) = self.upright(m[0], m[1]);
                let (zx, zy) = self.upright(0.0, 0.0);
                let sign = if fs * gs.th < 0.0 { -1.0 } else { 1.0 };
                dx = (ax - zx) * sign;
                dy = (ay - zy) * sign;
            }
            // Direction group: the baseline angle in half degrees; coordinates are rotated by
            // the group's angle so that the text runs left to right.
            let angle = dy.atan2(dx).to_degrees();
            let half = (angle * 2.0).round().rem_euclid(720.0);
            let group = if half.is_finite() { half as u16 % 720 } else { 0 };
            let theta = -(f32::from(group) / 2.0).to_radians();
            let (sin, cos) = theta.sin_cos();
            let rot = |x: f32, y: f32| (x * cos - y * sin, x * sin + y * cos);
            let (x0, y0) = rot(ox, oy);
            let (x1, _) = rot(ex, ey);
            let size = ((m[2] * m[2] + m[3] * m[3]).sqrt() * fs.abs() * font.size_factor).max(0.5);
            if !(x0.is_finite() && x1.is_finite() && y0.is_finite() && size.is_finite()) {
                continue;
            }
            if self.glyphs.len() >= MAX_GLYPHS_PER_PAGE {
                self.full = true;
                let page = ctx.page;
                ctx.warn(format!(
                    "page {page}: more than {MAX_GLYPHS_PER_PAGE} glyphs, the rest is dropped"
                ));
                continue;
            }
            self.glyphs.push(PGlyph {
                x0: x0.min(x1),
                x1: x0.max(x1),
                y: y0,
                size,
                text: t,
                group,
            });
        }
    }
}

fn form_matrix(doc: &Document, dict: &Dictionary) -> Matrix {
    match dict.get(b"Matrix").ok().and_then(|o| deref(doc, o)) {
        Some(Object::Array(a)) => match operands(a).as_slice() {
            [a, b, c, d, e, f] => sane([*a, *b, *c, *d, *e, *f]),
            _ => IDENTITY,
        },
        _ => IDENTITY,
    }
}

fn ctx_depth(ctx: &Ctx) -> u32 {
    ctx.budget.limits.max_xml_depth.clamp(1, 32)
}

/// Maps a code's text to what the layout uses: white space becomes " ", ligatures their
/// letters, soft hyphens and control characters nothing.
fn normalize(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '\u{ad}'
            | '\u{0}'..='\u{8}'
            | '\u{e}'..='\u{1f}'
            | '\u{7f}'
            | '\u{fffd}'
            | '\u{200b}'..='\u{200f}'
            | '\u{feff}' => {}
            c if c.is_whitespace() => out.push(' '),
            '\u{fb00}' => out.push_str("ff"),
            '\u{fb01}' => out.push_str("fi"),
            '\u{fb02}' => out.push_str("fl"),
            '\u{fb03}' => out.push_str("ffi"),
            '\u{fb04}' => out.push_str("ffl"),
            '\u{fb05}' | '\u{fb06}' => out.push_str("st"),
            c => out.push(c),
        }
    }
    if !out.is_empty() && out.chars().all(|c| c == ' ') { " ".into() } else { out }
}
