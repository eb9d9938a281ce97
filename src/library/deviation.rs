//! Deviation from standard: a clause against the nearest entry of the library.
//!
//! [`Deviations`] is a library compiled for one embedding model and one set of concepts. For a
//! clause of a kind that has entries, [`Deviations::compare`]:
//!
//! 1. finds the nearest version of any entry of that kind by cosine similarity of sentence
//!    embeddings; below [`Settings::near`] the clause is `nonstandard`;
//! 2. within that entry, scores each version by how many of the entry's concepts (those any of
//!    its versions has) the clause agrees with, present or absent, as a share, plus the
//!    similarity: a clause that lacks what the current version added, and matches a
//!    superseded version on it, is `outdated` when that version's score beats the current
//!    one's by [`Settings::margin`];
//! 3. otherwise compares it with the current version: the concepts the standard has and the
//!    clause lacks (and the reverse), and the quantities that differ (durations, with hours;
//!    amounts; percentages; the governing law). Any of them makes it `deviates`; none,
//!    `standard`: wording that says the same thing in other words is standard;
//! 4. aligns the words of the clause with the current version (Myers' diff over lower-cased
//!    words, [`similar`]) for the inserted and deleted text with spans.
//!
//! Concepts come from outside the library, through [`ConceptFinder`]: the risk engine's rule
//! packs provide them (`RiskEngine` implements it), so the library's concepts are the pack's.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::{Library, VersionStatus};
use crate::classify::ClauseKind;
use crate::classify::facts::{Fact, FactValue, TimeUnit, extract_facts};
use crate::embed::Embedder;
use crate::search::{Filter, dot};

/// Finds concepts in text: the risk engine's concepts, by their terms.
pub trait ConceptFinder: Sync {
    /// The ids of the concepts whose terms occur in `text`, in any order.
    fn find_concepts(&self, text: &str) -> Vec<String>;

    /// Each concept's terms as one regular expression (`regex` syntax), when the finder
    /// works that way: [`Deviations`] then matches only the concepts that matter for a kind
    /// (its entries'), in one pass. Empty by default: [`find_concepts`](ConceptFinder::find_concepts)
    /// is used.
    fn term_patterns(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// A clause as [`Deviations::compare_many`] takes it: its text, unit-length vector, concepts
/// ([`Deviations::concepts_of`]) and facts.
pub type ClauseRef<'a> = (&'a str, &'a [f32], &'a BTreeSet<String>, &'a [Fact]);

/// Where a clause stands against the library.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum DeviationStatus {
    /// Says what the current version says (in the same or other words).
    Standard,
    /// Nearer a superseded version than the current one, by a margin.
    Outdated,
    /// Near an entry, but a concept or a quantity differs from its current version.
    Deviates,
    /// No entry near.
    Nonstandard,
}

impl DeviationStatus {
    /// Every status.
    pub const ALL: [DeviationStatus; 4] = [
        DeviationStatus::Standard,
        DeviationStatus::Outdated,
        DeviationStatus::Deviates,
        DeviationStatus::Nonstandard,
    ];

    /// `standard`, `outdated`, `deviates` or `nonstandard`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviationStatus::Standard => "standard",
            DeviationStatus::Outdated => "outdated",
            DeviationStatus::Deviates => "deviates",
            DeviationStatus::Nonstandard => "nonstandard",
        }
    }

    /// The status named `s`.
    pub fn parse(s: &str) -> Option<DeviationStatus> {
        DeviationStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// How [`Deviations`] decides.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Settings {
    /// The least cosine similarity to an entry for a clause to be compared with it; below,
    /// `nonstandard`. Low (0.35) because only clauses already typed as the entry's kind are
    /// compared: all-MiniLM-L6-v2 puts two force majeure clauses in different words at 0.4 to
    /// 0.6 (two of the sample archive's three at 0.47 and 0.48 from the starter's).
    pub near: f32,
    /// How much better a superseded version must score than the current one for `outdated`.
    pub margin: f32,
    /// Whether to align the words (the diff); off, [`Deviation::diff`] is empty.
    pub diff: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { near: 0.35, margin: 0.05, diff: true }
    }
}

/// A library entry's version a clause was matched to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Nearest {
    /// The entry.
    pub entry: String,
    /// Its version.
    pub version: String,
    /// Whether that version is current.
    pub status: VersionStatus,
    /// Cosine similarity of the clause to it.
    pub similarity: f32,
}

/// Whether a diff piece is in both texts, only the clause, or only the standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffTag {
    /// In both.
    Equal,
    /// In the clause, not the standard.
    Insert,
    /// In the standard, not the clause.
    Delete,
}

/// A piece of the word-level alignment of a clause with the current version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiffOp {
    /// What kind of piece.
    pub tag: DiffTag,
    /// Its text (from the clause for `equal` and `insert`, from the standard for `delete`).
    pub text: String,
    /// Its byte range in the clause (`equal`, `insert`) or in the standard's text (`delete`).
    pub span: Range<usize>,
}

/// A quantity that differs between the standard and the clause.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuantityChange {
    /// `duration`, `amount`, `percent` or `governing_law`.
    pub what: &'static str,
    /// The standard's values, as written normalised ("24 hours", "USD 1000000").
    pub standard: Vec<String>,
    /// The clause's.
    pub clause: Vec<String>,
}

/// A clause measured against the library.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Deviation {
    /// The clause's kind the library was consulted for.
    pub kind: ClauseKind,
    /// Where it stands.
    pub status: DeviationStatus,
    /// The version it was matched to: for `outdated`, the superseded version it is closest
    /// to; otherwise the current version of the nearest entry.
    pub nearest: Nearest,
    /// Cosine similarity to the current version of the nearest entry.
    pub similarity: f32,
    /// Concepts of the current version that the clause lacks.
    pub missing_concepts: Vec<String>,
    /// Concepts of the clause that the current version lacks (among the library's concepts
    /// for the kind).
    pub extra_concepts: Vec<String>,
    /// Quantities that differ from the current version.
    pub changed: Vec<QuantityChange>,
    /// The clause aligned word by word with the current version.
    pub diff: Vec<DiffOp>,
    /// One line: why this status.
    pub explanation: String,
}

struct Compiled {
    entry: usize,
    /// Its place among the versions of its kind (`by_kind`).
    position: usize,
    version: String,
    status: VersionStatus,
    text: String,
    vector: Vec<f32>,
    concepts: BTreeSet<String>,
    quantities: BTreeMap<&'static str, Vec<String>>,
}

/// A library ready to compare clauses with: every version embedded, its concepts and
/// quantities found.
pub struct Deviations {
    entries: Vec<String>,
    versions: Vec<Compiled>,
    /// Per kind: version indices.
    by_kind: HashMap<ClauseKind, Vec<usize>>,
    /// Per kind: the vectors of those versions, row after row.
    matrix: HashMap<ClauseKind, Vec<f32>>,
    dim: usize,
    /// Per entry: its versions, oldest first, and the concepts any of them has.
    lineage: Vec<(Vec<usize>, BTreeSet<String>)>,
    /// Per kind: the concepts any version of any of its entries has.
    universe: HashMap<ClauseKind, BTreeSet<String>>,
    /// Per kind: those concepts' terms in one set, with the ids in the set's order (when the
    /// finder gives its patterns).
    matchers: HashMap<ClauseKind, (regex::RegexSet, Vec<String>)>,
    settings: Settings,
}

impl std::fmt::Debug for Deviations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deviations")
            .field("entries", &self.entries)
            .field("versions", &self.versions.len())
            .field("settings", &self.settings)
            .finish()
    }
}

impl Deviations {
    /// Compiles `library`: embeds every version with `embedder` (the index's model) and finds
    /// its concepts with `concepts`.
    ///
    /// # Errors
    ///
    /// Embedder errors.
    pub fn new(
        library: &Library,
        embedder: &dyn Embedder,
        concepts: &dyn ConceptFinder,
        settings: Settings,
    ) -> crate::error::Result<Deviations> {
        let mut entries = Vec::new();
        let mut versions = Vec::new();
        let mut by_kind: HashMap<ClauseKind, Vec<usize>> = HashMap::new();
        let mut lineage = Vec::new();
        let mut universe: HashMap<ClauseKind, BTreeSet<String>> = HashMap::new();
        for entry in library.entries() {
            let e = entries.len();
            entries.push(entry.id.clone());
            let texts: Vec<&str> = entry.versions.iter().map(|v| v.text.as_str()).collect();
            let vectors = embedder.embed(&texts)?;
            let mut indices = Vec::new();
            let mut all = BTreeSet::new();
            for (v, vector) in entry.versions.iter().zip(vectors) {
                let found: BTreeSet<String> = concepts.find_concepts(&v.text).into_iter().collect();
                all.extend(found.iter().cloned());
                indices.push(versions.len());
                let of_kind = by_kind.entry(entry.kind).or_default();
                let position = of_kind.len();
                of_kind.push(versions.len());
                versions.push(Compiled {
                    entry: e,
                    position,
                    version: v.version.clone(),
                    status: v.status,
                    text: v.text.clone(),
                    vector,
                    concepts: found,
                    quantities: quantities(&v.text, &extract_facts(&v.text)),
                });
            }
            universe.entry(entry.kind).or_default().extend(all.iter().cloned());
            lineage.push((indices, all));
        }
        let dim = versions.first().map_or(0, |v| v.vector.len());
        let matrix = by_kind
            .iter()
            .map(|(k, vs)| {
                (*k, vs.iter().flat_map(|&v| versions[v].vector.iter().copied()).collect())
            })
            .collect();
        let patterns: HashMap<String, String> = concepts.term_patterns().into_iter().collect();
        let mut matchers = HashMap::new();
        for (kind, ids) in &universe {
            if ids.iter().all(|id| patterns.contains_key(id)) && !patterns.is_empty() {
                let ids: Vec<String> = ids.iter().cloned().collect();
                let set =
                    regex::RegexSet::new(ids.iter().map(|id| &patterns[id])).map_err(|e| {
                        crate::error::Error::invalid_argument(format!("concept terms: {e}"))
                    })?;
                matchers.insert(*kind, (set, ids));
            }
        }
        Ok(Deviations {
            entries,
            versions,
            by_kind,
            matrix,
            dim,
            lineage,
            universe,
            matchers,
            settings,
        })
    }

    /// The kinds the library has entries for.
    pub fn kinds(&self) -> impl Iterator<Item = ClauseKind> + '_ {
        self.by_kind.keys().copied()
    }

    /// The settings it decides by.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The concepts of `texts` (a clause and what belongs to it: its subclauses, the
    /// definitions it uses) that matter for `kind`: those some entry of the kind has.
    pub fn concepts_of(
        &self,
        kind: ClauseKind,
        concepts: &dyn ConceptFinder,
        texts: &[&str],
    ) -> BTreeSet<String> {
        let Some(universe) = self.universe.get(&kind) else { return BTreeSet::new() };
        if let Some((set, ids)) = self.matchers.get(&kind) {
            return texts
                .iter()
                .flat_map(|t| set.matches(t).into_iter())
                .map(|i| ids[i].clone())
                .collect();
        }
        texts
            .iter()
            .flat_map(|t| concepts.find_concepts(t))
            .filter(|id| universe.contains(id))
            .collect()
    }

    /// Measures a clause of `kind` (its `text`, its unit-length `vector` from the library's
    /// model, and its concepts from [`concepts_of`](Deviations::concepts_of)) against the
    /// library. `None` when the library has no entry of that kind.
    pub fn compare(
        &self,
        kind: ClauseKind,
        text: &str,
        vector: &[f32],
        concepts: &BTreeSet<String>,
    ) -> Option<Deviation> {
        self.compare_with_facts(kind, text, vector, concepts, &extract_facts(text))
    }

    /// As [`compare`](Deviations::compare), with the clause's facts as ingestion found them
    /// ([`extract_facts`]; an index stores them with each clause), so they are not read again.
    pub fn compare_with_facts(
        &self,
        kind: ClauseKind,
        text: &str,
        vector: &[f32],
        concepts: &BTreeSet<String>,
        facts: &[Fact],
    ) -> Option<Deviation> {
        let candidates = self.by_kind.get(&kind)?;
        let sims: Vec<f32> =
            candidates.iter().map(|&v| dot(vector, &self.versions[v].vector)).collect();
        self.compare_sims(kind, text, &sims, concepts, facts)
    }

    /// Many clauses of one kind at once, as [`compare_with_facts`](Deviations::compare_with_facts)
    /// would measure each: the similarities to every version come from one matrix product.
    /// Each clause is its text, unit-length vector, concepts and facts. Empty when the
    /// library has no entry of that kind.
    pub fn compare_many(&self, kind: ClauseKind, clauses: &[ClauseRef<'_>]) -> Vec<Deviation> {
        let (Some(candidates), Some(matrix)) = (self.by_kind.get(&kind), self.matrix.get(&kind))
        else {
            return Vec::new();
        };
        let (m, n, d) = (clauses.len(), candidates.len(), self.dim);
        if m == 0 || clauses.iter().any(|c| c.1.len() != d) {
            return clauses
                .iter()
                .filter_map(|(t, v, c, f)| self.compare_with_facts(kind, t, v, c, f))
                .collect();
        }
        let lhs: Vec<f32> = clauses.iter().flat_map(|c| c.1.iter().copied()).collect();
        let mut sims = vec![0f32; m * n];
        crate::embed::gemm(
            crate::embed::MatMut::rows(&mut sims, m, n),
            false,
            crate::embed::Mat::rows(&lhs, m, d),
            // The versions' rows, read as columns.
            crate::embed::Mat::new(matrix, d, n, 1, d),
            1.0,
            1,
        );
        clauses
            .iter()
            .enumerate()
            .filter_map(|(i, (t, _, c, f))| {
                self.compare_sims(kind, t, &sims[i * n..(i + 1) * n], c, f)
            })
            .collect()
    }

    /// The comparison, given the similarities to the kind's versions (in `by_kind` order).
    fn compare_sims(
        &self,
        kind: ClauseKind,
        text: &str,
        sims: &[f32],
        concepts: &BTreeSet<String>,
        facts: &[Fact],
    ) -> Option<Deviation> {
        let candidates = self.by_kind.get(&kind)?;
        let (at, &best_sim) = sims.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
        let best = candidates[at];
        let entry = self.versions[best].entry;
        let (lineage, entry_concepts) = &self.lineage[entry];
        let sim_of = |v: usize| sims.get(self.versions[v].position).copied().unwrap_or(0.0);
        let current = *lineage.last()?;
        let current_sim = sim_of(current);
        let nearest = |v: usize| Nearest {
            entry: self.entries[entry].clone(),
            version: self.versions[v].version.clone(),
            status: self.versions[v].status,
            similarity: sim_of(v),
        };
        let cur = &self.versions[current];
        let missing: Vec<String> = cur.concepts.difference(concepts).cloned().collect();
        let extra: Vec<String> = concepts
            .iter()
            .filter(|c| {
                !cur.concepts.contains(*c)
                    && self.universe.get(&kind).is_some_and(|u| u.contains(*c))
            })
            .cloned()
            .collect();
        let diff = if self.settings.diff { diff(&cur.text, text) } else { Vec::new() };
        if best_sim < self.settings.near {
            return Some(Deviation {
                kind,
                status: DeviationStatus::Nonstandard,
                explanation: format!(
                    "no library entry near: the nearest, {} v{}, is at similarity {best_sim:.2} (< {:.2})",
                    self.entries[entry], self.versions[best].version, self.settings.near
                ),
                nearest: nearest(best),
                similarity: current_sim,
                missing_concepts: missing,
                extra_concepts: extra,
                changed: Vec::new(),
                diff,
            });
        }
        // Agreement on the entry's concepts, present or absent, plus similarity.
        let score = |v: usize| {
            let c = &self.versions[v].concepts;
            let agree =
                entry_concepts.iter().filter(|x| c.contains(*x) == concepts.contains(*x)).count();
            let share = if entry_concepts.is_empty() {
                1.0
            } else {
                agree as f32 / entry_concepts.len() as f32
            };
            share + sim_of(v)
        };
        let current_score = score(current);
        let superseded = lineage[..lineage.len() - 1]
            .iter()
            .map(|&v| (v, score(v)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((old, old_score)) = superseded
            && old_score > current_score + self.settings.margin
        {
            let added: Vec<&String> =
                cur.concepts.difference(&self.versions[old].concepts).collect();
            let lacks: Vec<&str> =
                added.iter().filter(|c| !concepts.contains(**c)).map(|c| c.as_str()).collect();
            return Some(Deviation {
                kind,
                status: DeviationStatus::Outdated,
                explanation: format!(
                    "nearer superseded {} v{} ({old_score:.2}) than current v{} ({current_score:.2}){}",
                    self.entries[entry],
                    self.versions[old].version,
                    cur.version,
                    if lacks.is_empty() {
                        String::new()
                    } else {
                        format!("; lacks what v{} added: {}", cur.version, lacks.join(", "))
                    }
                ),
                nearest: nearest(old),
                similarity: current_sim,
                missing_concepts: missing,
                extra_concepts: extra,
                changed: changes(&cur.quantities, &quantities(text, facts)),
                diff,
            });
        }
        let changed = changes(&cur.quantities, &quantities(text, facts));
        let status = if missing.is_empty() && extra.is_empty() && changed.is_empty() {
            DeviationStatus::Standard
        } else {
            DeviationStatus::Deviates
        };
        let mut why = Vec::new();
        if !missing.is_empty() {
            why.push(format!("lacks {}", missing.join(", ")));
        }
        if !extra.is_empty() {
            why.push(format!("adds {}", extra.join(", ")));
        }
        for c in &changed {
            why.push(format!("{}: {} instead of {}", c.what, list(&c.clause), list(&c.standard)));
        }
        Some(Deviation {
            kind,
            status,
            explanation: if why.is_empty() {
                format!(
                    "says what {} v{} says (similarity {current_sim:.2})",
                    self.entries[entry], cur.version
                )
            } else {
                format!("against {} v{}: {}", self.entries[entry], cur.version, why.join("; "))
            },
            nearest: nearest(current),
            similarity: current_sim,
            missing_concepts: missing,
            extra_concepts: extra,
            changed,
            diff,
        })
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() { "none".to_owned() } else { v.join(", ") }
}

/// The quantities of a text (hours read from it, the rest from its facts), normalised, by
/// what they are.
fn quantities(text: &str, facts: &[Fact]) -> BTreeMap<&'static str, Vec<String>> {
    static HOURS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:(?P<word>one|two|three|four|six|eight|twelve|twenty-four|thirty-six|forty-eight|seventy-two|ninety-six)\s*(?:\(\s*(?P<paren>\d{1,4})\s*\))?|\(?(?P<num>\d{1,4})\)?)\s*(?:-\s*)?hours?\b",
        )
        .expect("regex")
    });
    let mut out: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    // Most clauses name no hours: a byte search is cheaper than the pattern.
    let hours = text.as_bytes().windows(4).any(|w| w.eq_ignore_ascii_case(b"hour"));
    for c in HOURS.captures_iter(if hours { text } else { "" }) {
        let n = c
            .name("paren")
            .or(c.name("num"))
            .and_then(|n| n.as_str().parse::<u32>().ok())
            .or_else(|| crate::classify::facts::number_word(c.name("word")?.as_str()));
        if let Some(n) = n {
            out.entry("duration").or_default().push(format!("{n} hours"));
        }
    }
    for f in facts {
        let (what, value) = match &f.value {
            FactValue::Duration(d) => {
                let (n, unit) = match d.unit {
                    TimeUnit::Day => (d.amount, "days"),
                    TimeUnit::Week => (d.amount * 7, "days"),
                    TimeUnit::Month => (d.amount, "months"),
                    TimeUnit::Year => (d.amount, "years"),
                };
                ("duration", format!("{n} {unit}"))
            }
            FactValue::Money { amount, currency } => ("amount", format!("{currency} {amount}")),
            FactValue::Percent { value } => ("percent", format!("{value}%")),
            FactValue::Jurisdiction { name } => ("governing_law", name.clone()),
            _ => continue,
        };
        out.entry(what).or_default().push(value);
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

fn changes(
    standard: &BTreeMap<&'static str, Vec<String>>,
    clause: &BTreeMap<&'static str, Vec<String>>,
) -> Vec<QuantityChange> {
    let whats: BTreeSet<&'static str> = standard.keys().chain(clause.keys()).copied().collect();
    whats
        .into_iter()
        .filter_map(|what| {
            let s = standard.get(what).cloned().unwrap_or_default();
            let c = clause.get(what).cloned().unwrap_or_default();
            // A quantity the clause drops while keeping the rest is a change; one it only
            // repeats is not.
            let dedup = |v: &[String]| v.iter().cloned().collect::<BTreeSet<String>>();
            (dedup(&s) != dedup(&c)).then_some(QuantityChange { what, standard: s, clause: c })
        })
        .collect()
}

/// Words with their byte ranges.
fn words(text: &str) -> Vec<(Range<usize>, String)> {
    static WORD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[\p{L}\p{N}]+(?:['’][\p{L}]+)?").expect("regex"));
    WORD.find_iter(text).map(|m| (m.range(), m.as_str().to_lowercase())).collect()
}

/// The word-level alignment of `clause` with `standard`: runs of equal, inserted and deleted
/// words, each with its text and byte range.
pub(crate) fn diff(standard: &str, clause: &str) -> Vec<DiffOp> {
    let old = words(standard);
    let new = words(clause);
    let old_keys: Vec<&str> = old.iter().map(|(_, w)| w.as_str()).collect();
    let new_keys: Vec<&str> = new.iter().map(|(_, w)| w.as_str()).collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(200);
    let ops = similar::capture_diff_slices_deadline(
        similar::Algorithm::Myers,
        &old_keys,
        &new_keys,
        Some(deadline),
    );
    let span = |w: &[(Range<usize>, String)], at: usize, len: usize| -> Range<usize> {
        if len == 0 {
            return 0..0;
        }
        w[at].0.start..w[at + len - 1].0.end
    };
    let mut out: Vec<DiffOp> = Vec::new();
    let mut push = |tag: DiffTag, text: &str, range: Range<usize>| {
        if range.is_empty() {
            return;
        }
        out.push(DiffOp { tag, text: text[range.clone()].to_owned(), span: range });
    };
    for op in ops {
        match op {
            similar::DiffOp::Equal { new_index, len, .. } => {
                push(DiffTag::Equal, clause, span(&new, new_index, len));
            }
            similar::DiffOp::Delete { old_index, old_len, .. } => {
                push(DiffTag::Delete, standard, span(&old, old_index, old_len));
            }
            similar::DiffOp::Insert { new_index, new_len, .. } => {
                push(DiffTag::Insert, clause, span(&new, new_index, new_len));
            }
            similar::DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                push(DiffTag::Delete, standard, span(&old, old_index, old_len));
                push(DiffTag::Insert, clause, span(&new, new_index, new_len));
            }
        }
    }
    out
}

/// Which clauses [`Searcher::deviations`](crate::search::Searcher::deviations) reports.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeviationQuery {
    /// Only clauses of these kinds (every kind the library has entries for when empty).
    pub kinds: Vec<ClauseKind>,
    /// Only these statuses (all when empty).
    pub statuses: Vec<DeviationStatus>,
    /// Only clauses whose similarity to the current version is below this.
    pub below: Option<f32>,
    /// Only clauses passing this filter.
    pub filter: Filter,
}

impl DeviationQuery {
    /// Every clause of every kind the library has entries for.
    pub fn new() -> DeviationQuery {
        DeviationQuery::default()
    }

    /// Only clauses of `kind` (or any kind added before).
    pub fn kind(mut self, kind: ClauseKind) -> DeviationQuery {
        self.kinds.push(kind);
        self
    }

    /// Only clauses with `status` (or any status added before).
    pub fn status(mut self, status: DeviationStatus) -> DeviationQuery {
        self.statuses.push(status);
        self
    }

    /// Only clauses less similar than `similarity` to their standard.
    pub fn below(mut self, similarity: f32) -> DeviationQuery {
        self.below = Some(similarity);
        self
    }

    /// Only clauses passing `filter`.
    pub fn filter(mut self, filter: Filter) -> DeviationQuery {
        self.filter = filter;
        self
    }

    /// Whether a deviation passes the status and similarity conditions.
    pub fn admits(&self, d: &Deviation) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&d.status))
            && self.below.is_none_or(|b| d.similarity < b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bag-of-words vectors: enough to tell the versions apart.
    struct Words;

    impl Embedder for Words {
        fn dim(&self) -> usize {
            64
        }
        fn model_id(&self) -> &str {
            "words"
        }
        fn embed(&self, texts: &[&str]) -> crate::error::Result<Vec<Vec<f32>>> {
            Ok(texts
                .iter()
                .map(|t| {
                    let mut v = vec![0f32; 64];
                    for (_, w) in words(t) {
                        let h = w
                            .bytes()
                            .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
                        v[(h % 64) as usize] += 1.0;
                    }
                    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                    v.iter_mut().for_each(|x| *x /= n);
                    v
                })
                .collect())
        }
    }

    /// One concept, "epidemic", by its word.
    struct Epidemic;

    impl ConceptFinder for Epidemic {
        fn find_concepts(&self, text: &str) -> Vec<String> {
            if text.to_lowercase().contains("epidemic") {
                vec!["epidemic".into()]
            } else {
                Vec::new()
            }
        }
    }

    #[test]
    fn statuses_and_the_batch_path_agree() {
        let lib = Library::starter();
        let d = Deviations::new(&lib, &Words, &Epidemic, Settings::default()).unwrap();
        let fm = lib.get("force-majeure").unwrap();
        let (old, new) = (&fm.versions[0].text, &fm.current().text);
        let cases = [
            old.replace("shall", "will"),
            new.replace("shall", "will"),
            new.replace("sixty (60) days", "ninety (90) days"),
        ];
        let kind = ClauseKind::ForceMajeure;
        let vectors = Words.embed(&cases.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
        let concepts: Vec<BTreeSet<String>> =
            cases.iter().map(|t| d.concepts_of(kind, &Epidemic, &[t])).collect();
        let facts: Vec<Vec<Fact>> = cases.iter().map(|t| extract_facts(t)).collect();
        let one: Vec<Deviation> = (0..3)
            .map(|i| {
                d.compare_with_facts(kind, &cases[i], &vectors[i], &concepts[i], &facts[i]).unwrap()
            })
            .collect();
        let batch: Vec<ClauseRef<'_>> = (0..3)
            .map(|i| (cases[i].as_str(), vectors[i].as_slice(), &concepts[i], facts[i].as_slice()))
            .collect();
        let many = d.compare_many(kind, &batch);
        let statuses: Vec<DeviationStatus> = one.iter().map(|x| x.status).collect();
        assert_eq!(
            statuses,
            [DeviationStatus::Outdated, DeviationStatus::Standard, DeviationStatus::Deviates]
        );
        assert_eq!(one[0].missing_concepts, ["epidemic"]);
        assert_eq!(one[2].changed[0].what, "duration");
        for (a, b) in one.iter().zip(&many) {
            assert_eq!(a.status, b.status);
            assert!((a.similarity - b.similarity).abs() < 1e-4);
        }
    }

    #[test]
    fn diff_keeps_spans_of_both_texts() {
        let standard = "notify within twenty-four (24) hours of the breach";
        let clause = "notify within ten (10) days of the breach";
        let d = diff(standard, clause);
        let deleted: Vec<&str> =
            d.iter().filter(|o| o.tag == DiffTag::Delete).map(|o| o.text.as_str()).collect();
        let inserted: Vec<&str> =
            d.iter().filter(|o| o.tag == DiffTag::Insert).map(|o| o.text.as_str()).collect();
        assert_eq!(deleted, ["twenty-four (24) hours"]);
        assert_eq!(inserted, ["ten (10) days"]);
        for o in &d {
            let src = if o.tag == DiffTag::Delete { standard } else { clause };
            assert_eq!(&src[o.span.clone()], o.text);
        }
    }

    #[test]
    fn quantities_normalise_words_and_units() {
        let q = |t: &str| quantities(t, &extract_facts(t));
        let a = q("within twenty-four (24) hours and thirty (30) days");
        let b = q("within 24 hours and 30 days");
        assert_eq!(a, b);
        assert!(changes(&a, &q("within 72 hours and 30 days"))[0].what == "duration");
    }
}
