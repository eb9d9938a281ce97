//! Page layout: from positioned glyphs to lines of text in reading order.
//!
//! Glyphs of one direction group are first joined into words in content order (touching
//! glyphs on one baseline), then clustered into lines by baseline (sorted top to bottom,
//! a glyph joins the current line when its baseline is within a fraction of the font size);
//! superscripts and subscripts (smaller words slightly off the baseline) are merged back into
//! their line. Inside a line words are sorted left to right, duplicates from fake-bold
//! overprinting are dropped, and a word break is inserted at a literal space or where the gap
//! between glyphs exceeds a fraction of the font size. A page whose lines share a clear empty
//! gutter is read as two columns, left column first.

use super::content::PGlyph;

/// A line of text on a page.
#[derive(Clone, Debug)]
pub struct Line {
    /// The text, words separated by single spaces.
    pub text: String,
    /// Baseline (larger is higher).
    pub y: f32,
    /// Dominant font size.
    pub size: f32,
    /// Direction group (baseline angle in half degrees), with bit 15 set for the right column
    /// of a two-column page; for paragraph breaks.
    pub group: u16,
}

/// Word break: a gap wider than this fraction of the font size.
const WORD_GAP: f32 = 0.15;

struct Cluster {
    y: f32,
    size: f32,
    glyphs: Vec<usize>,
}

fn median_size(glyphs: &[PGlyph], idx: &[usize]) -> f32 {
    let mut s: Vec<f32> = idx
        .iter()
        .filter_map(|i| glyphs.get(*i))
        .filter(|g| g.text != " ")
        .map(|g| g.size)
        .collect();
    if s.is_empty() {
        s = idx.iter().filter_map(|i| glyphs.get(*i)).map(|g| g.size).collect();
    }
    s.sort_by(f32::total_cmp);
    s.get(s.len() / 2).copied().unwrap_or(1.0)
}

/// Lays out the glyphs of a page into lines in reading order.
pub fn lines(glyphs: Vec<PGlyph>) -> Vec<Line> {
    let mut glyphs = glyphs;
    // Stable: content order is kept inside each group.
    glyphs.sort_by_key(|g| g.group);
    let mut out = Vec::new();
    let mut rest = glyphs;
    while let Some(group) = rest.first().map(|g| g.group) {
        let n = rest.iter().take_while(|g| g.group == group).count();
        let tail = rest.split_off(n);
        out.extend(group_lines(words(rest), group));
        rest = tail;
    }
    out
}

/// Joins glyphs that follow each other in content order and touch on the same baseline into
/// words, so that text drawn over other text (annotations, overlapping table cells) does not
/// interleave letter by letter. A space glyph stays a word of its own (" ").
fn words(glyphs: Vec<PGlyph>) -> Vec<PGlyph> {
    let mut out: Vec<PGlyph> = Vec::with_capacity(glyphs.len() / 4 + 1);
    let mut open = false;
    for g in glyphs {
        if g.text == " " {
            out.push(g);
            open = false;
            continue;
        }
        if open && let Some(w) = out.last_mut() {
            let s = w.size.min(g.size).max(0.5);
            let gap = g.x0 - w.x1;
            let same_size = g.size <= w.size * 1.3 && w.size <= g.size * 1.3;
            if same_size && (g.y - w.y).abs() < 0.2 * s && gap > -0.3 * s && gap <= WORD_GAP * s {
                w.text.push_str(&g.text);
                w.x1 = w.x1.max(g.x1);
                continue;
            }
        }
        out.push(g);
        open = true;
    }
    out
}

fn group_lines(glyphs: Vec<PGlyph>, group: u16) -> Vec<Line> {
    let mut order: Vec<usize> = (0..glyphs.len()).collect();
    order.sort_by(|a, b| {
        let (Some(ga), Some(gb)) = (glyphs.get(*a), glyphs.get(*b)) else {
            return std::cmp::Ordering::Equal;
        };
        gb.y.total_cmp(&ga.y).then(ga.x0.total_cmp(&gb.x0))
    });
    let mut clusters: Vec<Cluster> = Vec::new();
    for i in order {
        let Some(g) = glyphs.get(i) else { continue };
        if let Some(c) = clusters.last_mut() {
            let tol = 0.3 * c.size.min(g.size).max(0.5);
            if c.y - g.y <= tol {
                c.glyphs.push(i);
                if g.text != " " && g.size > c.size {
                    c.size = g.size;
                }
                continue;
            }
        }
        clusters.push(Cluster { y: g.y, size: g.size, glyphs: vec![i] });
    }
    for c in &mut clusters {
        c.size = median_size(&glyphs, &c.glyphs);
    }
    // Superscripts (a small line just above a bigger one) and subscripts (just below).
    let mut merged: Vec<Cluster> = Vec::new();
    for c in clusters {
        if let Some(prev) = merged.last_mut() {
            let d = prev.y - c.y;
            let sup = prev.size < 0.85 * c.size
                && d < 0.6 * c.size
                && overlaps(&glyphs, &prev.glyphs, &c.glyphs);
            let sub = c.size < 0.85 * prev.size
                && d < 0.45 * prev.size
                && overlaps(&glyphs, &prev.glyphs, &c.glyphs);
            if sup {
                let mut g = std::mem::take(&mut prev.glyphs);
                g.extend(c.glyphs);
                *prev = Cluster { y: c.y, size: c.size, glyphs: g };
                continue;
            }
            if sub {
                prev.glyphs.extend(c.glyphs);
                continue;
            }
        }
        merged.push(c);
    }
    let columns = find_gutter(&glyphs, &merged);
    let mut out = Vec::new();
    match columns {
        Some(gx) => {
            let mut left = Vec::new();
            let mut right = Vec::new();
            for c in &merged {
                let (l, r): (Vec<usize>, Vec<usize>) = c
                    .glyphs
                    .iter()
                    .partition(|i| glyphs.get(**i).is_some_and(|g| (g.x0 + g.x1) / 2.0 < gx));
                if !l.is_empty() {
                    left.extend(make_line(&glyphs, l, c.y, c.size, group));
                }
                if !r.is_empty() {
                    right.extend(make_line(&glyphs, r, c.y, c.size, group | 0x8000));
                }
            }
            out.extend(left);
            out.extend(right);
        }
        None => {
            for c in merged {
                out.extend(make_line(&glyphs, c.glyphs, c.y, c.size, group));
            }
        }
    }
    out
}

fn x_range(glyphs: &[PGlyph], idx: &[usize]) -> (f32, f32) {
    idx.iter()
        .filter_map(|i| glyphs.get(*i))
        .fold((f32::MAX, f32::MIN), |(a, b), g| (a.min(g.x0), b.max(g.x1)))
}

fn overlaps(glyphs: &[PGlyph], a: &[usize], b: &[usize]) -> bool {
    let (a0, a1) = x_range(glyphs, a);
    let (b0, b1) = x_range(glyphs, b);
    a0 <= b1 && b0 <= a1
}

/// A vertical gutter: an x position that no glyph of most multi-word lines covers, with text
/// on both sides in most lines of the page. Returns its x position.
fn find_gutter(glyphs: &[PGlyph], clusters: &[Cluster]) -> Option<f32> {
    if clusters.len() < 12 {
        return None;
    }
    let (x0, x1) = glyphs.iter().fold((f32::MAX, f32::MIN), |(a, b), g| (a.min(g.x0), b.max(g.x1)));
    let width = x1 - x0;
    if !(width > 100.0 && width < 1e5) {
        return None;
    }
    // Coverage histogram over 200 bins of the text width.
    const BINS: usize = 200;
    let bin = |x: f32| (((x - x0) / width * BINS as f32) as usize).min(BINS - 1);
    let mut both = [0u32; BINS];
    let mut covered = [0u32; BINS];
    for c in clusters {
        let mut cov = [false; BINS];
        for g in c.glyphs.iter().filter_map(|i| glyphs.get(*i)) {
            if g.text == " " {
                continue;
            }
            for slot in cov.iter_mut().take(bin(g.x1) + 1).skip(bin(g.x0)) {
                *slot = true;
            }
        }
        // Prose in two columns has exactly one wide gap per line (the gutter); table rows have
        // several, or none.
        let mut xs: Vec<(f32, f32, f32)> = c
            .glyphs
            .iter()
            .filter_map(|i| glyphs.get(*i))
            .filter(|g| g.text != " ")
            .map(|g| (g.x0, g.x1, g.size))
            .collect();
        xs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut right_edge = f32::MIN;
        let mut wide = 0;
        for (a, b, size) in &xs {
            if right_edge > f32::MIN && a - right_edge > 1.5 * size {
                wide += 1;
            }
            right_edge = right_edge.max(*b);
        }
        if wide != 1 {
            for (k, v) in cov.iter().enumerate() {
                if *v && let Some(s) = covered.get_mut(k) {
                    *s += 1;
                }
            }
            continue;
        }
        // Both sides must be mostly text: at least a quarter of the width covered on each.
        let total = cov.iter().filter(|v| **v).count();
        let mut left = 0;
        for (k, v) in cov.iter().enumerate() {
            if *v {
                left += 1;
                if let Some(s) = covered.get_mut(k) {
                    *s += 1;
                }
            } else if left >= BINS / 4
                && total - left >= BINS / 4
                && let Some(s) = both.get_mut(k)
            {
                *s += 1;
            }
        }
    }
    let n = clusters.len() as u32;
    // The best bin in the middle fifth: never covered, and with at least 30% of the width in
    // text on both sides in at least 60% of the lines (tables, with narrow cells, do not
    // qualify: their rows stay together).
    let mut best: Option<(usize, u32)> = None;
    for k in BINS * 2 / 5..BINS * 3 / 5 {
        let (Some(cv), Some(bt)) = (covered.get(k), both.get(k)) else { continue };
        if *cv == 0 && *bt * 10 >= n * 6 && best.is_none_or(|(_, b)| *bt > b) {
            best = Some((k, *bt));
        }
    }
    best.map(|(k, _)| x0 + (k as f32 + 0.5) / BINS as f32 * width)
}

fn make_line(
    glyphs: &[PGlyph],
    mut idx: Vec<usize>,
    y: f32,
    size: f32,
    group: u16,
) -> Option<Line> {
    idx.sort_by(|a, b| {
        let (Some(ga), Some(gb)) = (glyphs.get(*a), glyphs.get(*b)) else {
            return std::cmp::Ordering::Equal;
        };
        ga.x0.total_cmp(&gb.x0)
    });
    let mut text = String::new();
    let mut prev: Option<&PGlyph> = None;
    let mut pending_space = false;
    for g in idx.iter().filter_map(|i| glyphs.get(*i)) {
        if g.text == " " {
            pending_space = true;
            continue;
        }
        if let Some(p) = prev {
            // Overprinted duplicates (fake bold, shadows).
            if p.text == g.text
                && (g.x0 - p.x0).abs() < 0.2 * g.size.max(p.size)
                && (g.y - p.y).abs() < 0.2 * g.size
            {
                continue;
            }
            let gap = g.x0 - p.x1;
            let s = g.size.min(p.size).max(0.5);
            // A wide gap, or words drawn over each other (overlapping cells, annotations).
            if pending_space || gap > WORD_GAP * s || gap < -0.3 * s {
                text.push(' ');
            }
        }
        pending_space = false;
        text.push_str(&g.text);
        prev = Some(g);
    }
    let text = text.trim().to_owned();
    if text.is_empty() {
        return None;
    }
    Some(Line { text, y, size, group })
}
