//! What the pages show, gathered from the index snapshot, the risk ranking and the review store.
//!
//! Nothing here renders: the templates (`pages`) read these types, so the counts the summary
//! prints and the rows the tables list come from one place.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use clausal::facts::{Fact, FactValue};
use clausal::risk::{DocumentRisk, Flag, ReviewNote, Severity};
use clausal::{
    ClauseRecord, DocId, DocRole, DocumentRecord, Entry, ReviewStore, TextHash, Verdict,
};

use crate::error::{Error, Result};

/// A reviewer's current decision on one rule's flag for one clause text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Decided {
    pub(crate) rule_id: String,
    pub(crate) verdict: Verdict,
    pub(crate) reviewer: String,
    pub(crate) time: String,
    pub(crate) comment: Option<String>,
    /// The review entry (`None` when known only from the flag's note).
    pub(crate) seq: Option<u64>,
}

impl Decided {
    fn of_entry(e: &Entry) -> Decided {
        Decided {
            rule_id: e.decision.rule_id.clone(),
            verdict: e.decision.verdict,
            reviewer: e.decision.reviewer.clone(),
            time: e.time.to_string(),
            comment: e.decision.comment.clone(),
            seq: Some(e.seq),
        }
    }
}

/// The current decisions of a review store, by clause text.
#[derive(Debug, Default)]
pub(crate) struct ReviewBook {
    /// Per clause text, the latest decision of each rule.
    by_text: HashMap<TextHash, Vec<Decided>>,
}

impl ReviewBook {
    /// Reads every entry of the store, keeping the latest per (rule, clause text).
    pub(crate) fn load(store: Option<&ReviewStore>) -> Result<ReviewBook> {
        let mut book = ReviewBook::default();
        let Some(store) = store else { return Ok(book) };
        for entry in store.history() {
            let entry = entry.map_err(Error::Index)?;
            let decided = Decided::of_entry(&entry);
            let slot = book.by_text.entry(entry.decision.text_hash).or_default();
            match slot.iter_mut().find(|d| d.rule_id == decided.rule_id) {
                Some(old) => *old = decided,
                None => slot.push(decided),
            }
        }
        Ok(book)
    }

    /// The current decision on `flag`: the store's, else the one the flag's note carries.
    pub(crate) fn decision(&self, flag: &Flag) -> Option<Decided> {
        let stored = self
            .by_text
            .get(&flag.review_key())
            .and_then(|v| v.iter().find(|d| d.rule_id == flag.rule_id));
        if let Some(d) = stored {
            return Some(d.clone());
        }
        match &flag.review {
            Some(ReviewNote::Decided { verdict, reviewer, time, seq }) => Some(Decided {
                rule_id: flag.rule_id.clone(),
                verdict: *verdict,
                reviewer: reviewer.clone(),
                time: time.to_string(),
                comment: None,
                seq: Some(*seq),
            }),
            _ => None,
        }
    }

    /// The current decisions on a clause text, every rule.
    pub(crate) fn on_text(&self, hash: &TextHash) -> &[Decided] {
        self.by_text.get(hash).map_or(&[], Vec::as_slice)
    }
}

/// A document's review state, as the summary counts it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ReviewCounts {
    pub(crate) confirmed: u64,
    pub(crate) needs_change: u64,
    pub(crate) dismissed: u64,
    pub(crate) undecided: u64,
}

impl ReviewCounts {
    pub(crate) fn add(&mut self, other: ReviewCounts) {
        self.confirmed += other.confirmed;
        self.needs_change += other.needs_change;
        self.dismissed += other.dismissed;
        self.undecided += other.undecided;
    }

    pub(crate) fn count(&mut self, verdict: Option<Verdict>) {
        match verdict {
            Some(Verdict::Confirm) => self.confirmed += 1,
            Some(Verdict::NeedsChange) => self.needs_change += 1,
            Some(Verdict::Dismiss) => self.dismissed += 1,
            None => self.undecided += 1,
        }
    }
}

/// A key date, as the deadline tables and the document pages show it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DeadlineRow {
    pub(crate) doc_id: DocId,
    pub(crate) source: String,
    pub(crate) title: Option<String>,
    /// `effective`, `expiry`, `renewal`, `notice-by`, `termination-notice`.
    pub(crate) kind: String,
    /// ISO date, when known.
    pub(crate) date: Option<String>,
    /// Days from the report's date.
    pub(crate) days: Option<i64>,
    /// `stated`, `computed`, `ambiguous`, `unknown`, `open-ended`.
    pub(crate) status: String,
    /// How it was computed.
    pub(crate) basis: String,
    /// Why it is ambiguous or unknown.
    pub(crate) reason: Option<String>,
    /// The facts it was computed from: (fact, words, byte range in the document text).
    pub(crate) sources: Vec<(String, String, Range<usize>)>,
}

impl DeadlineRow {
    /// Fills in the words of sources that came without them, from the clauses that hold their
    /// spans.
    pub(crate) fn with_words_from(mut self, clauses: &[ClauseRecord]) -> DeadlineRow {
        for (_, words, range) in &mut self.sources {
            if words.trim().is_empty()
                && let Some(w) =
                    clauses.iter().find_map(|c| local_range(c, range).map(|r| &c.text[r]))
            {
                *words = w.to_owned();
            }
        }
        self
    }
}

/// One row of the documents table, and the head of a document page.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DocRow {
    pub(crate) id: DocId,
    pub(crate) title: String,
    pub(crate) source: String,
    pub(crate) format: String,
    pub(crate) role: Option<DocRole>,
    /// `None` when the risk ranking did not cover the document.
    pub(crate) score: Option<f32>,
    /// Flags per severity, [`Severity::ALL`] order.
    pub(crate) by_severity: [usize; 4],
    pub(crate) flags: usize,
    pub(crate) clauses: u64,
    pub(crate) parties: Vec<String>,
    pub(crate) law: Option<String>,
    /// The first upcoming deadline: (date, kind).
    pub(crate) next_deadline: Option<(String, String)>,
}

impl DocRow {
    pub(crate) fn new(d: &DocumentRecord, risk: Option<&DocumentRisk>) -> DocRow {
        let mut by_severity = [0; 4];
        if let Some(r) = risk {
            for f in &r.flags {
                by_severity[severity_index(f.severity)] += 1;
            }
        }
        let facts = d.facts.as_ref();
        DocRow {
            id: d.id,
            title: title_of(d),
            source: d.source.clone(),
            format: d.kind.map_or_else(|| "unknown".to_owned(), |k| k.to_string()),
            role: d.role.as_ref().map(|r| r.role),
            score: risk.map(|r| r.score),
            by_severity,
            flags: risk.map_or(0, |r| r.flags.len()),
            clauses: d.clauses,
            parties: facts.map(|f| f.party_names()).unwrap_or_default(),
            law: facts.and_then(|f| f.governing_law.as_ref()).and_then(|f| match &f.value {
                FactValue::Jurisdiction { name } => Some(name.clone()),
                _ => None,
            }),
            next_deadline: None,
        }
    }

    /// The document page, relative to the report's root.
    pub(crate) fn href(&self) -> String {
        doc_href(self.id)
    }
}

/// The page of a document, relative to the report's root: `doc/<id>.html`.
pub(crate) fn doc_href(id: DocId) -> String {
    format!("doc/{id}.html")
}

pub(crate) fn severity_index(s: Severity) -> usize {
    Severity::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

/// The name to show for a document: its title, the title its first lines give, else the file.
pub(crate) fn title_of(d: &DocumentRecord) -> String {
    let title = d
        .title
        .as_deref()
        .or_else(|| d.role.as_ref().and_then(|r| r.title.as_deref()))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let name = title.map_or_else(|| file_name(&d.source).to_owned(), str::to_owned);
    shorten(&name, 140)
}

/// The last path component of a source (`dir/a.eml#attachment-1` → `a.eml#attachment-1`).
pub(crate) fn file_name(source: &str) -> &str {
    source.rsplit(['/', '\\']).next().unwrap_or(source)
}

/// At most `max` characters, with an ellipsis when cut.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s,
    }
}

/// Counts of the portfolio: what the summary's charts show.
#[derive(Clone, Debug, Default)]
pub(crate) struct Portfolio {
    pub(crate) documents: usize,
    pub(crate) clauses: u64,
    pub(crate) by_format: BTreeMap<String, u64>,
    pub(crate) by_role: BTreeMap<String, u64>,
    pub(crate) clauses_by_kind: BTreeMap<String, u64>,
    /// Rule id → (title, severity, flags).
    pub(crate) flags_by_rule: BTreeMap<String, (String, Severity, u64)>,
    pub(crate) flags_by_severity: [u64; 4],
    pub(crate) flags: usize,
    pub(crate) flagged_documents: usize,
    pub(crate) review: ReviewCounts,
    pub(crate) deadlines: usize,
}

impl Portfolio {
    /// Documents per role, in [`DocRole::ALL`] order, then `unknown`.
    pub(crate) fn roles_in_order(&self) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = DocRole::ALL
            .iter()
            .filter_map(|r| self.by_role.get(r.as_str()).map(|n| (r.as_str().to_owned(), *n)))
            .collect();
        if let Some(n) = self.by_role.get("unknown") {
            out.push(("unknown".to_owned(), *n));
        }
        out
    }

    /// Clause kinds, most common first.
    pub(crate) fn kinds_by_count(&self) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> =
            self.clauses_by_kind.iter().map(|(k, n)| (k.clone(), *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }

    /// Rules, most flags first: (id, title, severity, flags).
    pub(crate) fn rules_by_count(&self) -> Vec<(String, String, Severity, u64)> {
        let mut v: Vec<(String, String, Severity, u64)> = self
            .flags_by_rule
            .iter()
            .map(|(id, (title, s, n))| (id.clone(), title.clone(), *s, *n))
            .collect();
        v.sort_by(|a, b| b.3.cmp(&a.3).then_with(|| a.0.cmp(&b.0)));
        v
    }
}

/// A piece of a clause's text, marked or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Piece<'a> {
    pub(crate) text: &'a str,
    /// The mark's label (the concept) and CSS class, `None` for plain text.
    pub(crate) mark: Option<(String, &'static str)>,
}

/// A range of a clause's text to mark, with its label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Highlight {
    pub(crate) range: Range<usize>,
    pub(crate) label: String,
    /// `found` (evidence of a concept), `near` (the phrase nearest a missing concept) or
    /// `excuse` (a force majeure excuse sentence).
    pub(crate) class: &'static str,
}

/// Cuts `text` into plain and marked pieces. Ranges are byte offsets into `text`; those out of
/// bounds or off a character boundary are dropped. Where marks overlap, the piece covered by
/// several carries all their labels and the class that matters most (`found`, then `near`,
/// then `excuse`), so a concept's words stay visible inside an excuse sentence.
pub(crate) fn pieces<'a>(text: &'a str, highlights: &[Highlight]) -> Vec<Piece<'a>> {
    let valid: Vec<&Highlight> = highlights
        .iter()
        .filter(|h| {
            h.range.start < h.range.end
                && h.range.end <= text.len()
                && text.is_char_boundary(h.range.start)
                && text.is_char_boundary(h.range.end)
        })
        .collect();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    cuts.extend(valid.iter().flat_map(|h| [h.range.start, h.range.end]));
    cuts.sort_unstable();
    cuts.dedup();
    let rank = |class: &str| match class {
        "found" => 0,
        "near" => 1,
        _ => 2,
    };
    // (start, end, mark) of each piece.
    type Span = (usize, usize, Option<(String, &'static str)>);
    let mut out: Vec<Span> = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let covering: Vec<&&Highlight> =
            valid.iter().filter(|h| h.range.start <= a && b <= h.range.end).collect();
        let mark = covering.iter().map(|h| h.class).min_by_key(|c| rank(c)).map(|class| {
            let mut labels: Vec<&str> = Vec::new();
            for h in &covering {
                if !labels.contains(&h.label.as_str()) {
                    labels.push(&h.label);
                }
            }
            (labels.join(", "), class)
        });
        match out.last_mut() {
            Some(last) if last.2 == mark => last.1 = b,
            _ => out.push((a, b, mark)),
        }
    }
    out.into_iter().map(|(a, b, mark)| Piece { text: &text[a..b], mark }).collect()
}

/// A document byte range as a range of `clause`'s text, when the clause holds all of it.
///
/// A clause's text is its span of the document text, so the offset is a subtraction; a clause
/// whose text is not as long as its span (normalised) maps nothing.
pub(crate) fn local_range(clause: &ClauseRecord, span: &Range<usize>) -> Option<Range<usize>> {
    let c = &clause.span;
    if clause.text.len() != c.end.saturating_sub(c.start)
        || span.start < c.start
        || span.end > c.end
        || span.start >= span.end
    {
        return None;
    }
    let r = span.start - c.start..span.end - c.start;
    (clause.text.is_char_boundary(r.start) && clause.text.is_char_boundary(r.end)).then_some(r)
}

/// The words of a document-level fact, read from the clause that holds its span.
pub(crate) fn fact_words(clauses: &[ClauseRecord], fact: &Fact) -> Option<String> {
    clauses.iter().find_map(|c| local_range(c, &fact.span).map(|r| shorten(&c.text[r], 300)))
}

/// A fact's value in words.
pub(crate) fn fact_value(v: &FactValue) -> String {
    match v {
        FactValue::Date { iso } => iso.clone(),
        FactValue::Duration(d) => d.to_string(),
        FactValue::Money { amount, currency } => format!("{currency} {amount}"),
        FactValue::Percent { value } => format!("{value}%"),
        FactValue::Party { name, role: Some(role) } => format!("{name} (\"{role}\")"),
        FactValue::Party { name, role: None } => name.clone(),
        FactValue::Jurisdiction { name } => name.clone(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(range: Range<usize>, label: &str) -> Highlight {
        Highlight { range, label: label.to_owned(), class: "found" }
    }

    #[test]
    fn pieces_cover_the_text_once_in_order() {
        let text = "acts of God, epidemic, pandemic or war";
        let hs = [h(13..21, "epidemic"), h(23..31, "pandemic"), h(13..16, "epidemic")];
        let p = pieces(text, &hs);
        let joined: String = p.iter().map(|p| p.text).collect();
        assert_eq!(joined, text);
        let marked: Vec<&str> = p.iter().filter(|p| p.mark.is_some()).map(|p| p.text).collect();
        assert_eq!(marked, ["epidemic", "pandemic"]);
    }

    #[test]
    fn pieces_drop_bad_ranges_and_layer_overlaps() {
        let text = "café clause";
        // 4 is inside "é"; 50 is past the end.
        let mut near = h(8..11, "d");
        near.class = "near";
        let p = pieces(text, &[h(0..4, "a"), h(6..50, "b"), h(6..9, "c"), near]);
        assert_eq!(p.iter().map(|p| p.text).collect::<String>(), text);
        let marks: Vec<(&str, &str, &str)> = p
            .iter()
            .filter_map(|p| p.mark.as_ref().map(|(l, c)| (p.text, l.as_str(), *c)))
            .collect();
        assert_eq!(marks, [("cl", "c", "found"), ("a", "c, d", "found"), ("us", "d", "near")]);
    }

    #[test]
    fn shorten_counts_characters() {
        assert_eq!(shorten("a  b\nc", 10), "a b c");
        assert_eq!(shorten("ééééé", 3), "ééé…");
    }
}
