//! Key dates against CUAD's answers (`master_clauses.csv`): effective date, expiration date,
//! renewal term and notice period to terminate renewal.
//!
//! Each field is scored over the contracts whose answer states one (a non-empty answer):
//! - effective and expiration date: the key date ([`clausal::deadlines::KeyDates`]) is one of
//!   the answer's dates with the same known parts (the agreement-date rules of
//!   [`crate::facts`]: `[]/[]/2025` is `2025`); an expiration answer of "perpetual" is met by
//!   an `open_ended` term;
//! - renewal term and notice period: the answer's first duration has the length of the one the
//!   renewal facts give (12 months = 1 year); "perpetual" expects no length.
//!
//! Beside accuracy, the report counts the stated answers for which clausal gave no date
//! (`unknown` or no fact): the cost of never guessing.
//!
//! The dates come from hand-written patterns, not from a model fitted to these contracts, so
//! there are no folds to group; the out-of-distribution set
//! (`crates/clausal-eval/data/ood`) is scored the same way beside CUAD.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::corpus::name_key;
use crate::error::Error;
use crate::facts::{ContractTexts, date_matches, describe, duration_matches, errors_per_fact};
use clausal::deadlines::{DateStatus, KeyDate, KeyDates};
use clausal::facts::{ContractFacts, Fact, FactValue};

/// Per field figures.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct FieldScore {
    /// The field.
    pub field: String,
    /// Contracts whose answer states one.
    pub stated: usize,
    /// Of those, answered right.
    pub correct: usize,
    /// `correct / stated`.
    pub accuracy: f64,
    /// Of the stated ones, how many clausal left without a date (`unknown`, no fact).
    pub unknown: usize,
    /// The bar the field must reach.
    pub threshold: f64,
    /// (correct, stated) on the development folds: the contract types whose misses were read
    /// while the patterns were written.
    pub development: (usize, usize),
    /// (correct, stated) on the held-out folds: contract types whose misses were never read.
    pub held_out: (usize, usize),
}

/// What `clausal eval deadlines` measures.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct DeadlinesReport {
    /// Contracts read.
    pub contracts: usize,
    /// Per field.
    pub fields: Vec<FieldScore>,
    /// Expiration answers by how clausal computed them: status → (correct, total).
    pub expiry_by_status: BTreeMap<String, (usize, usize)>,
    /// Some misses on the development folds: (field, contract, expected, predicted).
    pub errors: Vec<(String, String, String, String)>,
}

/// Folds 0 to 2 of 5 (grouped by contract type) are development folds; 3 and 4 are held out.
pub const DEVELOPMENT_FOLDS: usize = 3;

/// The bars: effective date 0.90, expiration date 0.85, renewal term 0.85, notice period
/// 0.85 (issue 19).
pub const MIN_DEADLINE_ACCURACY: &[(&str, f64)] = &[
    ("effective date", 0.90),
    ("expiration date", 0.85),
    ("renewal term", 0.85),
    ("notice period to terminate renewal", 0.85),
];

/// Evaluates key dates on a folder laid out like CUAD (`master_clauses.csv` with the columns
/// `Filename`, `Effective Date-Answer`, `Expiration Date-Answer`, `Renewal Term-Answer`,
/// `Notice Period To Terminate Renewal- Answer`; `pdf/` and `txt/`). Columns a folder lacks
/// are not scored.
///
/// # Errors
///
/// I/O errors and [`InvalidArgument`](clausal::ErrorKind::InvalidArgument) for a malformed CSV
/// or one without `Filename`.
pub fn deadlines(dir: &Path) -> crate::error::Result<DeadlinesReport> {
    let csv_path = dir.join("master_clauses.csv");
    let bad =
        |e: &dyn std::fmt::Display| Error::invalid_argument(format!("{}: {e}", csv_path.display()));
    let mut reader = csv::Reader::from_path(&csv_path).map_err(|e| bad(&e))?;
    let headers = reader.headers().map_err(|e| bad(&e))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let file = col("Filename").ok_or_else(|| bad(&"no Filename column"))?;
    let columns = [
        ("effective date", col("Effective Date-Answer")),
        ("expiration date", col("Expiration Date-Answer")),
        ("renewal term", col("Renewal Term-Answer")),
        (
            "notice period to terminate renewal",
            col("Notice Period To Terminate Renewal- Answer")
                .or(col("Notice Period To Terminate Renewal-Answer")),
        ),
    ];
    let records: Vec<csv::StringRecord> =
        reader.records().collect::<Result<_, _>>().map_err(|e| bad(&e))?;
    let texts = ContractTexts::new(dir);
    let types = crate::corpus::contract_types(dir)?;
    let type_of: Vec<Option<String>> = records
        .iter()
        .map(|r| {
            types.get(&name_key(r.get(file).unwrap_or("").trim().trim_end_matches('\''))).cloned()
        })
        .collect();
    let folds =
        crate::cuad::type_folds(&type_of.iter().map(Option::as_deref).collect::<Vec<_>>(), 5);
    // (stem, answers per field, text, facts, key dates, development?)
    let read: Vec<_> = records
        .par_iter()
        .zip(folds.par_iter())
        .filter_map(|(record, fold)| {
            let stem = record.get(file)?.trim().trim_end_matches('\'').to_owned();
            let text = texts.text(&stem)?;
            let facts = ContractFacts::from_text(&text);
            let dates = KeyDates::compute(&facts, &text, &[]);
            let answers: Vec<Option<String>> = columns
                .iter()
                .map(|(_, c)| c.map(|c| record.get(c).unwrap_or("").trim().to_owned()))
                .collect();
            Some((stem, answers, text, facts, dates, *fold < DEVELOPMENT_FOLDS))
        })
        .collect();
    let mut fields: Vec<FieldScore> = columns
        .iter()
        .map(|(name, _)| FieldScore {
            field: (*name).to_owned(),
            stated: 0,
            correct: 0,
            accuracy: 0.0,
            unknown: 0,
            threshold: MIN_DEADLINE_ACCURACY
                .iter()
                .find(|(n, _)| n == name)
                .map_or(0.0, |(_, t)| *t),
            development: (0, 0),
            held_out: (0, 0),
        })
        .collect();
    let mut expiry_by_status: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut errors = Vec::new();
    for (stem, answers, text, facts, dates, development) in &read {
        for (i, answer) in answers.iter().enumerate() {
            let Some(answer) = answer.as_deref().filter(|a| !a.is_empty()) else { continue };
            let (ok, answered, predicted) = match i {
                0 => date_score(answer, &dates.effective),
                1 => {
                    let r = date_score(answer, &dates.expiry);
                    let e = expiry_by_status
                        .entry(dates.expiry.status.as_str().to_owned())
                        .or_default();
                    e.1 += 1;
                    e.0 += usize::from(r.0);
                    r
                }
                2 => duration_score(answer, &facts.renewal_term, text),
                _ => duration_score(answer, &facts.notice_period, text),
            };
            let f = &mut fields[i];
            f.stated += 1;
            f.correct += usize::from(ok);
            f.unknown += usize::from(!answered);
            let split = if *development { &mut f.development } else { &mut f.held_out };
            split.0 += usize::from(ok);
            split.1 += 1;
            if !ok
                && *development
                && errors
                    .iter()
                    .filter(|e: &&(String, String, String, String)| e.0 == f.field)
                    .count()
                    < errors_per_fact()
            {
                errors.push((f.field.clone(), stem.clone(), answer.to_owned(), predicted));
            }
        }
    }
    for f in &mut fields {
        f.accuracy = f.correct as f64 / f.stated.max(1) as f64;
    }
    fields.retain(|f| columns.iter().any(|(n, c)| *n == f.field && c.is_some()));
    Ok(DeadlinesReport { contracts: read.len(), fields, expiry_by_status, errors })
}

/// (correct, answered, what was predicted) for a date field.
fn date_score(answer: &str, date: &KeyDate) -> (bool, bool, String) {
    let predicted = format!(
        "{} [{}{}] {}",
        date.date.as_deref().unwrap_or("-"),
        date.status.as_str(),
        date.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default(),
        date.sources
            .first()
            .map(|s| s.text.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    );
    let perpetual = answer.eq_ignore_ascii_case("perpetual");
    let ok = if perpetual {
        date.status == DateStatus::OpenEnded
    } else {
        date.date.is_some() && date_matches(answer, date.date.as_deref())
    };
    let answered = date.date.is_some() || date.status == DateStatus::OpenEnded;
    (ok, answered, predicted)
}

fn duration_score(answer: &str, fact: &Option<Fact>, text: &str) -> (bool, bool, String) {
    let d = fact.as_ref().and_then(|f| match f.value {
        FactValue::Duration(d) => Some(d),
        _ => None,
    });
    let predicted = fact.as_ref().map(|f| describe(f, text)).unwrap_or_default();
    (duration_matches(answer, d), d.is_some(), predicted)
}
