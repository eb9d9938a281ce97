//! Contract facts against CUAD's normalised answers (`master_clauses.csv`).
//!
//! For each contract, the answer columns hold the expected value or nothing. A prediction is
//! correct when both are absent, or both are present and match:
//! - governing law: the distinctive words of one name (lower-cased, without "the", "of",
//!   "state", "commonwealth", "and"; "PRC" spelled out) are all among the other's ("Ontario"
//!   matches "Ontario, Canada"; "England and Wales" matches "England; Wales");
//! - agreement date: the same ISO date, where CUAD's `M/D/YYYY` becomes `YYYY-MM-DD` and blanks
//!   (`[]/[]/2020`) leave only the known parts (`2020`);
//! - renewal term and notice period: the first duration in the answer ("successive 1 year",
//!   "180 days / 6 months") has the same length as ours (12 months = 1 year); an answer of
//!   "perpetual" expects no duration.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::classify::facts::{ContractFacts, FactValue, durations};
use crate::error::Error;
use crate::extract::ExtractOptions;

/// Accuracy per fact, with counts.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct FactsReport {
    /// Contracts evaluated.
    pub contracts: usize,
    /// Per fact: (name, correct, total, accuracy).
    pub accuracy: Vec<(String, usize, usize, f64)>,
    /// Some wrong answers per fact, for reading: (fact, contract, expected, predicted).
    pub errors: Vec<(String, String, String, String)>,
}

/// Evaluates [`ContractFacts`] on a folder laid out like CUAD (`master_clauses.csv`, `pdf/`,
/// `txt/`): on the text extracted from each PDF, or the reference text where there is none.
///
/// # Errors
///
/// I/O errors, and [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument) for a
/// malformed CSV.
pub fn facts(dir: &Path) -> crate::Result<FactsReport> {
    let csv_path = dir.join("master_clauses.csv");
    let mut reader = csv::Reader::from_path(&csv_path)
        .map_err(|e| Error::invalid_argument(format!("{}: {e}", csv_path.display())))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::invalid_argument(format!("{}: {e}", csv_path.display())))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(file), Some(law), Some(date), Some(renewal), Some(notice)) = (
        col("Filename"),
        col("Governing Law-Answer"),
        col("Agreement Date-Answer"),
        col("Renewal Term-Answer"),
        col("Notice Period To Terminate Renewal- Answer")
            .or(col("Notice Period To Terminate Renewal-Answer")),
    ) else {
        return Err(Error::invalid_argument(format!("{}: missing columns", csv_path.display())));
    };
    // CUAD's file names and its txt/ names differ in case and punctuation ("A&R" is "A_R").
    let key = |name: &str| -> String {
        let lower = name.to_lowercase();
        let stem = lower.strip_suffix(".pdf").or(lower.strip_suffix(".txt")).unwrap_or(&lower);
        stem.chars().filter(|c| c.is_alphanumeric()).collect()
    };
    let index = |sub: &str| -> HashMap<String, std::path::PathBuf> {
        std::fs::read_dir(dir.join(sub))
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter_map(|p| Some((key(&p.file_name()?.to_string_lossy()), p)))
            .collect()
    };
    let texts = index("txt");
    let pdfs = index("pdf");
    let mut tally: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut errors = Vec::new();
    let mut contracts = 0;
    for record in reader.records() {
        let record =
            record.map_err(|e| Error::invalid_argument(format!("{}: {e}", csv_path.display())))?;
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
        let stem = field(file);
        let stem = stem.trim_end_matches('\'');
        // The text as the pipeline sees it: extracted from the PDF (page furniture such as
        // EDGAR's "Source: ..., 10-K, 3/21/2019" footer removed), else the reference text.
        let pdf = pdfs.get(&key(stem));
        let extracted = pdf
            .and_then(|p| crate::extract::extract(p, &ExtractOptions::default()).ok())
            .and_then(|docs| docs.into_iter().next())
            .map(|d| d.text);
        let text = match extracted {
            Some(text) => text,
            None => {
                let Some(txt) = texts.get(&key(stem)) else { continue };
                let Ok(bytes) = std::fs::read(txt) else { continue };
                String::from_utf8_lossy(&bytes).into_owned()
            }
        };
        contracts += 1;
        let found = ContractFacts::from_text(&text);
        let predicted_law = found.governing_law.as_ref().and_then(|f| match &f.value {
            FactValue::Jurisdiction { name } => Some(name.clone()),
            _ => None,
        });
        let predicted_date = found.agreement_date.as_ref().and_then(|f| match &f.value {
            FactValue::Date { iso } => Some(iso.clone()),
            _ => None,
        });
        let duration_of = |f: &Option<crate::classify::facts::Fact>| {
            f.as_ref().and_then(|f| match f.value {
                FactValue::Duration(d) => Some(d),
                _ => None,
            })
        };
        let checks = [
            (
                "governing law",
                field(law),
                predicted_law.clone(),
                law_matches(&field(law), predicted_law.as_deref()),
            ),
            (
                "agreement date",
                field(date),
                predicted_date.clone(),
                date_matches(&field(date), predicted_date.as_deref()),
            ),
            (
                "renewal term",
                field(renewal),
                duration_of(&found.renewal_term).map(|d| d.to_string()),
                duration_matches(&field(renewal), duration_of(&found.renewal_term)),
            ),
            (
                "notice period to terminate renewal",
                field(notice),
                duration_of(&found.notice_period).map(|d| d.to_string()),
                duration_matches(&field(notice), duration_of(&found.notice_period)),
            ),
        ];
        for (name, expected, predicted, ok) in checks {
            let entry = tally.entry(name).or_default();
            entry.1 += 1;
            if ok {
                entry.0 += 1;
            } else if errors
                .iter()
                .filter(|e: &&(String, String, String, String)| e.0 == name)
                .count()
                < errors_per_fact()
            {
                errors.push((
                    name.to_owned(),
                    stem.to_owned(),
                    expected,
                    predicted.unwrap_or_default(),
                ));
            }
        }
    }
    let mut accuracy: Vec<(String, usize, usize, f64)> = tally
        .into_iter()
        .map(|(name, (ok, n))| (name.to_owned(), ok, n, ok as f64 / n.max(1) as f64))
        .collect();
    accuracy.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(FactsReport { contracts, accuracy, errors })
}

/// How many wrong answers per fact the report keeps (`CLAUSAL_EVAL_ERRORS`, default 15).
fn errors_per_fact() -> usize {
    std::env::var("CLAUSAL_EVAL_ERRORS").ok().and_then(|v| v.parse().ok()).unwrap_or(15)
}

/// The distinctive words of a place name: lower-cased, without "the", "of", "state",
/// "commonwealth", "and"; "PRC" spelled out.
fn place_words(s: &str) -> std::collections::BTreeSet<String> {
    let lower = s.to_lowercase().replace("prc", "people s republic china");
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(*w, "the" | "of" | "state" | "commonwealth" | "and"))
        .map(str::to_owned)
        .collect()
}

fn law_matches(expected: &str, predicted: Option<&str>) -> bool {
    match (expected.is_empty(), predicted) {
        (true, None) => true,
        (false, Some(p)) => {
            // Answers can list several places ("England; Wales", "Ontario, Canada").
            let (e, p) = (place_words(expected), place_words(p));
            !p.is_empty() && (p.is_subset(&e) || e.is_subset(&p))
        }
        _ => false,
    }
}

/// CUAD's `M/D/YYYY` (with `[]` for blanks) as an ISO date with the known parts.
fn cuad_date(answer: &str) -> Option<String> {
    let parts: Vec<&str> = answer.trim().split('/').collect();
    let [m, d, y] = parts.as_slice() else { return None };
    let num = |s: &str| s.trim().parse::<u32>().ok();
    let year = num(y)?;
    Some(match (num(m), num(d)) {
        (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
        (Some(m), None) => format!("{year:04}-{m:02}"),
        _ => format!("{year:04}"),
    })
}

fn date_matches(expected: &str, predicted: Option<&str>) -> bool {
    match (cuad_date(expected), predicted) {
        (None, None) => expected.is_empty(),
        (Some(e), Some(p)) => e == p,
        _ => false,
    }
}

fn duration_matches(expected: &str, predicted: Option<crate::classify::facts::Duration>) -> bool {
    let expected_duration = durations(expected).into_iter().next().map(|(_, d)| d);
    match (expected_duration, predicted) {
        (None, None) => true,
        (Some(e), Some(p)) => e.same_length(p),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::facts::{Duration, TimeUnit};

    #[test]
    fn matching_rules() {
        assert!(law_matches("Ontario, Canada", Some("Ontario")));
        assert!(law_matches("New York", Some("New York")));
        assert!(!law_matches("New York", Some("Delaware")));
        assert!(law_matches("", None));
        assert!(law_matches(
            "England, United Kingdom; Wales, United Kingdom",
            Some("England and Wales")
        ));
        assert!(!law_matches("California", Some("United States")));
        assert!(!law_matches("", Some("Texas")));
        assert_eq!(cuad_date("5/8/2014").as_deref(), Some("2014-05-08"));
        assert_eq!(cuad_date("[]/[]/2020").as_deref(), Some("2020"));
        assert!(date_matches("3/20/2020", Some("2020-03-20")));
        let year = Duration { amount: 1, unit: TimeUnit::Year };
        assert!(duration_matches(
            "successive 1 year",
            Some(Duration { amount: 12, unit: TimeUnit::Month })
        ));
        assert!(duration_matches(
            "180 days / 6 months",
            Some(Duration { amount: 180, unit: TimeUnit::Day })
        ));
        assert!(!duration_matches("perpetual", Some(year)));
        assert!(duration_matches("perpetual", None));
    }
}
