//! Deviations over an index: [`Searcher::deviations`].

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use rayon::prelude::*;
use serde::Serialize;

use super::deviation::{ConceptFinder, Deviation, DeviationQuery, Deviations};
use crate::classify::{ClauseKind, KindScore};
use crate::error::Result;
use crate::index::ClauseId;
use crate::search::Searcher;

/// A clause of the archive measured against the library.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ClauseDeviation {
    /// The document's source (`PATH#attachment-N` for an attachment).
    pub source: String,
    /// The document.
    pub doc_id: String,
    /// The clause.
    pub clause: ClauseId,
    /// Its number as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Its heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// Its byte range in the document's text.
    pub span: Range<usize>,
    /// How it deviates.
    #[serde(flatten)]
    pub deviation: Deviation,
}

/// The clauses of a provision around clause `i`, of `n` clauses with the depths `depth` gives:
/// up to the outermost enclosing clause that still has the kind (`of_kind`), with the
/// preceding siblings of the kind, the clauses nested under them, and the following clauses
/// of the kind at that level (a force majeure section cut into subsections is one
/// provision). Always contains `i`. The risk engine's clause rules test their concepts on the
/// same provisions.
pub fn provision_range(
    n: usize,
    depth: impl Fn(usize) -> u32,
    of_kind: impl Fn(usize) -> bool,
    i: usize,
) -> Range<usize> {
    let mut root = i;
    let mut j = i;
    while j > 0 {
        j -= 1;
        if depth(j) < depth(root) {
            if of_kind(j) {
                root = j;
            } else {
                break;
            }
        }
    }
    let mut start = root;
    while start > 0 && of_kind(start - 1) && depth(start - 1) >= depth(root) {
        start -= 1;
    }
    let mut end = root + 1;
    while end < n
        && (depth(end) > depth(root) || of_kind(end))
        && depth(end) >= depth(root).min(depth(start))
    {
        end += 1;
    }
    start..end.max(i + 1)
}

/// The terms a document defines (`"Force Majeure Event" means ...`), lower-cased, each with
/// the index of the clause that defines it.
pub fn defined_terms<'a>(texts: impl Iterator<Item = &'a str>) -> Vec<(String, usize)> {
    static DEFINED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"["“]([A-Z][A-Za-z][A-Za-z \-]{1,60}?)["”]\s*(?:,\s*)?(?i:(?:shall\s+)?(?:means?|include[sd]?|has\s+the\s+meaning|shall\s+have\s+the\s+meaning|refers?\s+to))\b"#,
        )
        .expect("regex")
    });
    let mut out = Vec::new();
    for (i, text) in texts.enumerate() {
        for m in DEFINED.captures_iter(text) {
            if let Some(term) = m.get(1) {
                out.push((term.as_str().to_lowercase(), i));
            }
        }
    }
    out
}

/// The clauses (not in `already`) defining a term that `relevant` accepts and the `texts`
/// use: what a provision covers is often in the definition of its defined term ("Force
/// Majeure Event" means ... epidemic ...).
pub fn definitions_used(
    definitions: &[(String, usize)],
    texts: &[&str],
    already: &[usize],
    relevant: impl Fn(&str) -> bool,
) -> Vec<usize> {
    let text: String = texts.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>().join("\n");
    let mut out = Vec::new();
    for (term, k) in definitions {
        if !already.contains(k)
            && !out.contains(k)
            && relevant(term)
            && text.contains(term.as_str())
        {
            out.push(*k);
        }
    }
    out
}

/// The clauses whose concepts count with clause `i`'s for `kind`: its
/// [`provision_range`] and the definitions of the terms it uses that name the kind. `shape`
/// gives each clause's depth and whether it has the kind, `texts` each clause's text;
/// `defined` is [`defined_terms`] of the document. Sorted.
pub fn provision(
    shape: &[(u32, bool)],
    texts: &[&str],
    defined: &[(String, usize)],
    kind: ClauseKind,
    i: usize,
) -> Vec<usize> {
    let mut out: Vec<usize> =
        provision_range(shape.len(), |j| shape[j].0, |j| shape[j].1, i).collect();
    let used: Vec<&str> = out.iter().map(|&k| texts[k]).collect();
    out.extend(definitions_used(defined, &used, &out, |term| {
        ClauseKind::from_heading(term).any(|k| k == kind)
    }));
    out.sort_unstable();
    out
}

fn has_kind(kinds: &[KindScore], kind: ClauseKind) -> bool {
    kinds.iter().any(|k| k.kind == kind)
}

impl Searcher {
    /// Every clause of a kind the library has entries for, measured against its nearest entry
    /// ([`Deviations::compare`]), in document then clause order, keeping those `query`
    /// admits. A clause's concepts are found with `concepts` (a `RiskEngine`: the rule
    /// pack's concepts) in its [provision]. The index's embedding model must be the one
    /// `deviations` was compiled with.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidQuery`](crate::error::ErrorKind::InvalidQuery) for a bad filter;
    /// index errors.
    pub fn deviations(
        &self,
        deviations: &Deviations,
        concepts: &dyn ConceptFinder,
        query: &DeviationQuery,
    ) -> Result<Vec<ClauseDeviation>> {
        let kinds: Vec<ClauseKind> = if query.kinds.is_empty() {
            let mut k: Vec<ClauseKind> = deviations.kinds().collect();
            k.sort_by_key(|k| k.id());
            k
        } else {
            query.kinds.clone()
        };
        let passing: Option<HashSet<ClauseId>> = if query.filter.is_empty() {
            None
        } else {
            Some(self.clause_ids_passing(&query.filter)?)
        };
        let documents = self.documents()?;
        let per_doc: Vec<Result<Vec<ClauseDeviation>>> = documents
            .par_iter()
            .map(|d| {
                let clauses = self.clauses_with_vectors(d.id)?;
                let mut out = Vec::new();
                let all_texts: Vec<&str> = clauses.iter().map(|(c, _)| c.text.as_str()).collect();
                let defined = defined_terms(all_texts.iter().copied());
                for &kind in &kinds {
                    let shape: Vec<(u32, bool)> =
                        clauses.iter().map(|(c, _)| (c.depth, has_kind(&c.kinds, kind))).collect();
                    for (i, (c, vector)) in clauses.iter().enumerate() {
                        if !shape[i].1 || passing.as_ref().is_some_and(|p| !p.contains(&c.id)) {
                            continue;
                        }
                        let Some(vector) = vector else { continue };
                        let texts: Vec<&str> = provision(&shape, &all_texts, &defined, kind, i)
                            .into_iter()
                            .map(|k| clauses[k].0.text.as_str())
                            .collect();
                        let found = deviations.concepts_of(kind, concepts, &texts);
                        let Some(deviation) =
                            deviations.compare_with_facts(kind, &c.text, vector, &found, &c.facts)
                        else {
                            continue;
                        };
                        if !query.admits(&deviation) {
                            continue;
                        }
                        out.push(ClauseDeviation {
                            source: c.source.clone(),
                            doc_id: c.doc_id.to_string(),
                            clause: c.id,
                            number: c.number.clone(),
                            heading: c.heading.clone(),
                            span: c.span.clone(),
                            deviation,
                        });
                    }
                }
                Ok(out)
            })
            .collect();
        let mut out = Vec::new();
        for d in per_doc {
            out.extend(d?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provision_takes_nested_clauses_neighbours_of_the_kind_and_definitions() {
        // 0 definition, 1 heading (kind), 2 nested, 3 nested (kind), 4 sibling of the kind,
        // 5 other sibling.
        let shape = [(0, false), (0, true), (1, false), (1, true), (0, true), (0, false)];
        let texts = [
            "\"Force Majeure Event\" means an epidemic.",
            "Force majeure.",
            "A party affected by a Force Majeure Event is excused.",
            "It notifies.",
            "Termination.",
            "Notices.",
        ];
        let defined = defined_terms(texts.iter().copied());
        assert_eq!(
            provision(&shape, &texts, &defined, ClauseKind::ForceMajeure, 3),
            [0, 1, 2, 3, 4]
        );
        assert_eq!(
            provision(&shape, &texts, &defined, ClauseKind::ForceMajeure, 1),
            [0, 1, 2, 3, 4]
        );
        // Without the definition's term in the provision, no definition.
        let plain = [
            "\"Goods\" means goods.",
            "Force majeure.",
            "Excused.",
            "It notifies.",
            "End.",
            "Notices.",
        ];
        let defined = defined_terms(plain.iter().copied());
        assert_eq!(provision(&shape, &plain, &defined, ClauseKind::ForceMajeure, 1), [1, 2, 3, 4]);
    }
}
