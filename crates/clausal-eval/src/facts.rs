//! Contract facts against CUAD's normalised answers (`master_clauses.csv`).
//!
//! For each contract, the answer columns hold the expected value or nothing. A prediction is
//! correct when both are absent, or both are present and match:
//! - governing law: the distinctive words of one name (lower-cased, without "the", "of",
//!   "state", "commonwealth", "and"; "PRC" spelled out) are all among the other's ("Ontario"
//!   matches "Ontario, Canada"; "England and Wales" matches "England; Wales");
//! - agreement date: the same ISO 8601 date, where CUAD's `M/D/YYYY` becomes `YYYY-MM-DD` and
//!   blanks leave only the known parts (`[]/[]/2020` is `2020`, `4/[]/2020` is `2020-04`,
//!   `04/30/[]` is the year-less `--04-30`); an answer with nothing known (`[]/[]/19[]`) expects
//!   no date, and of several answers (`07/31/2000; 07/[]/2000`) any one will do;
//! - renewal term and notice period: the first duration in the answer ("successive 1 year",
//!   "180 days / 6 months") has the same length as ours (12 months = 1 year); an answer of
//!   "perpetual" expects no duration.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::corpus::name_key;
use crate::error::Error;
use clausal::ExtractOptions;
use clausal::facts::{ContractFacts, Duration, Fact, FactValue, durations};

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
    /// How answers and predictions are normalised before they are compared (the rules of
    /// this module's documentation, in short).
    pub normalisation: String,
}

/// The matching rules of the module documentation, in one line per fact.
pub const NORMALISATION: &str = "governing law: the distinctive words of one place name \
(lower-cased; without the, of, state, commonwealth, and; PRC spelled out) are all among the \
other's. agreement date: the same ISO 8601 date, M/D/YYYY as YYYY-MM-DD, blanks leaving the \
known parts ([]/[]/2020 is 2020, 4/[]/2020 is 2020-04, 04/30/[] is --04-30); an answer with \
nothing known expects no date; of several answers (;) any one. renewal term, notice period: \
the answer's first duration has our length (12 months = 1 year, 2 weeks = 14 days); \
perpetual expects none. Both empty is correct.";

/// Evaluates [`ContractFacts`] on a folder laid out like CUAD (`master_clauses.csv`, `pdf/`,
/// `txt/`): on the text extracted from each PDF, or the reference text where there is none.
///
/// # Errors
///
/// I/O errors, and [`ErrorKind::InvalidArgument`](clausal::ErrorKind::InvalidArgument) for a
/// malformed CSV.
pub fn facts(dir: &Path) -> crate::error::Result<FactsReport> {
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
    let texts = ContractTexts::new(dir);
    let mut tally: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut errors = Vec::new();
    let mut contracts = 0;
    for record in reader.records() {
        let record =
            record.map_err(|e| Error::invalid_argument(format!("{}: {e}", csv_path.display())))?;
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
        let stem = field(file);
        let stem = stem.trim_end_matches('\'');
        let Some(text) = texts.text(stem) else { continue };
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
        let duration_of = |f: &Option<Fact>| {
            f.as_ref().and_then(|f| match f.value {
                FactValue::Duration(d) => Some(d),
                _ => None,
            })
        };
        let (renewal_term, notice_period) =
            (duration_of(&found.renewal_term), duration_of(&found.notice_period));
        let checks = [
            (
                "governing law",
                field(law),
                &found.governing_law,
                law_matches(&field(law), predicted_law.as_deref()),
            ),
            (
                "agreement date",
                field(date),
                &found.agreement_date,
                date_matches(&field(date), predicted_date.as_deref()),
            ),
            (
                "renewal term",
                field(renewal),
                &found.renewal_term,
                duration_matches(&field(renewal), renewal_term),
            ),
            (
                "notice period to terminate renewal",
                field(notice),
                &found.notice_period,
                duration_matches(&field(notice), notice_period),
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
                let predicted = predicted.as_ref().map(|f| describe(f, &text)).unwrap_or_default();
                errors.push((name.to_owned(), stem.to_owned(), expected, predicted));
            }
        }
    }
    let mut accuracy: Vec<(String, usize, usize, f64)> = tally
        .into_iter()
        .map(|(name, (ok, n))| (name.to_owned(), ok, n, ok as f64 / n.max(1) as f64))
        .collect();
    accuracy.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(FactsReport { contracts, accuracy, errors, normalisation: NORMALISATION.to_owned() })
}

/// The texts of a folder laid out like CUAD, as the pipeline sees them: extracted from
/// `pdf/STEM.pdf` (page furniture such as EDGAR's "Source: ..., 10-K, 3/21/2019" footer
/// removed), else the reference text `txt/STEM.txt`.
pub(crate) struct ContractTexts {
    texts: HashMap<String, std::path::PathBuf>,
    pdfs: HashMap<String, std::path::PathBuf>,
}

impl ContractTexts {
    pub(crate) fn new(dir: &Path) -> ContractTexts {
        // CUAD's file names and its txt/ names differ in case and punctuation ("A&R" is "A_R").
        let index = |sub: &str| -> HashMap<String, std::path::PathBuf> {
            std::fs::read_dir(dir.join(sub))
                .into_iter()
                .flatten()
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter_map(|p| Some((name_key(&p.file_name()?.to_string_lossy()), p)))
                .collect()
        };
        ContractTexts { texts: index("txt"), pdfs: index("pdf") }
    }

    /// The text of contract `stem` (a `Filename` of master_clauses.csv), if the folder has it.
    pub(crate) fn text(&self, stem: &str) -> Option<String> {
        let key = name_key(stem);
        let extracted = self
            .pdfs
            .get(&key)
            .and_then(|p| clausal::extract(p, &ExtractOptions::default()).ok())
            .and_then(|docs| docs.into_iter().next())
            .map(|d| d.text);
        extracted.or_else(|| {
            let bytes = std::fs::read(self.texts.get(&key)?).ok()?;
            Some(String::from_utf8_lossy(&bytes).into_owned())
        })
    }
}

/// A predicted fact for reading: its value, then where it came from ("2019-03-01 @412 \"March
/// 1, 2019\"").
pub(crate) fn describe(fact: &Fact, text: &str) -> String {
    let value = match &fact.value {
        FactValue::Date { iso } => iso.clone(),
        FactValue::Jurisdiction { name } => name.clone(),
        FactValue::Duration(d) => d.to_string(),
        other => format!("{other:?}"),
    };
    let source = text.get(fact.span.clone()).unwrap_or_default();
    let source: String = source.split_whitespace().collect::<Vec<_>>().join(" ");
    let source: String = source.chars().take(60).collect();
    format!("{value} @{} \"{source}\"", fact.span.start)
}

/// How many wrong answers per fact the report keeps (`CLAUSAL_EVAL_ERRORS`, default 15).
pub(crate) fn errors_per_fact() -> usize {
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

/// One of CUAD's `M/D/YYYY` answers (with `[]` for blanks) as an ISO 8601 date with the known
/// parts: `2020-03-20`, `2020-03` or `2020`; with the year blank (or only partly known, as in
/// `200[]`), ISO's year-less `--03-20` or `--03`, and `""` when nothing is known. `None` when
/// the answer is not a date.
fn cuad_date(answer: &str) -> Option<String> {
    let parts: Vec<&str> = answer.trim().split('/').collect();
    let [m, d, y] = parts.as_slice() else { return None };
    let num = |s: &str| s.trim().parse::<u32>().ok();
    let (month, day) = (num(m), num(d));
    let known = |s: &str| s.trim().is_empty() || s.trim().chars().all(|c| c.is_ascii_digit());
    if ![m, d, y].iter().all(|s| known(s) || s.contains("[]")) {
        return None;
    }
    Some(match (y.trim().len() == 4).then(|| num(y)).flatten() {
        Some(year) => match (month, day) {
            (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
            (Some(m), None) => format!("{year:04}-{m:02}"),
            _ => format!("{year:04}"),
        },
        None => match (month, day) {
            (Some(m), Some(d)) => format!("--{m:02}-{d:02}"),
            (Some(m), None) => format!("--{m:02}"),
            _ => String::new(),
        },
    })
}

/// Whether the predicted ISO date is one of the answer's (`;` separates several): a fully
/// blank answer (`[]/[]/[]`, `[]/[]/19[]`) gives no date to find, so it expects none.
pub(crate) fn date_matches(expected: &str, predicted: Option<&str>) -> bool {
    if expected.trim().is_empty() {
        return predicted.is_none();
    }
    expected.split(';').filter_map(cuad_date).any(|e| match predicted {
        None => e.is_empty(),
        Some(p) => e == p,
    })
}

pub(crate) fn duration_matches(expected: &str, predicted: Option<Duration>) -> bool {
    // A fraction of a year ("0.5 year") is that many months.
    let fraction = expected.split_whitespace().collect::<Vec<_>>().windows(2).find_map(|w| {
        let years: f64 = w[0].parse().ok()?;
        (w[1].starts_with("year") && years.fract() != 0.0).then(|| Duration {
            amount: (years * 12.0).round() as u32,
            unit: clausal::facts::TimeUnit::Month,
        })
    });
    let expected_duration =
        fraction.or_else(|| durations(expected).into_iter().next().map(|(_, d)| d));
    match (expected_duration, predicted) {
        (None, None) => true,
        (Some(e), Some(p)) => e.same_length(p),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clausal::facts::TimeUnit;

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
        assert_eq!(cuad_date("04/[]/2013").as_deref(), Some("2013-04"));
        assert_eq!(cuad_date("04/30/[]").as_deref(), Some("--04-30"));
        assert_eq!(cuad_date("09/14/200[]").as_deref(), Some("--09-14"));
        assert_eq!(cuad_date("[]/[]/19[]").as_deref(), Some(""));
        assert_eq!(cuad_date("perpetual"), None);
        assert!(date_matches("[]/[]/20[]", None));
        assert!(!date_matches("[]/[]/20[]", Some("2020")));
        assert!(date_matches("07/31/2000; 07/[]/2000", Some("2000-07")));
        assert!(date_matches("07/31/2000; 07/[]/2000", Some("2000-07-31")));
        assert!(!date_matches("07/31/2000; 07/[]/2000", None));
        assert!(!date_matches("", Some("2000-07-31")));
        assert!(!date_matches("3/20/2020", None));
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
        assert!(duration_matches("0.5 year", Some(Duration { amount: 6, unit: TimeUnit::Month })));
        assert!(duration_matches("perpetual", None));
    }
}
