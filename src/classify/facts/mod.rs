//! Facts that drive deadlines: dates, durations, money, percentages, parties, governing law.
//!
//! [`extract_facts`] finds typed values in a text and keeps the byte span each came from, so a
//! deadline computed from them can always point back to its words. Values are normalised:
//! dates to ISO 8601 (`2020-03-20`, or `2020-03` / `2020` when the day or month is left blank,
//! as in "this ___ day of ______, 2020", and the year-less `--04-30` for a contract "made this
//! 30th day of April"), durations to an amount and a unit, money to an amount and an ISO 4217
//! code, jurisdictions to their name ("New York", "England and Wales").
//!
//! Dates are read in the forms contracts print them: "June 1, 2010", "June 1st, 2010", "the 1st
//! (or first) day of June, 2010", "1 June 2010", "06/01/2010" and "6-1-10" (month first, unless
//! the first number cannot be a month), "01.06.2010" (day first), "2010-06-01", "June 2010", and
//! with blanks ("June ___, 2010", "the [●] day of [●], 2010").
//!
//! [`ContractFacts::from_text`] reads a whole contract for the facts a legal team tracks: the
//! agreement date (the date the preamble or the signature blocks give the contract itself, not
//! the dates of the contracts it refers to), the governing law, the renewal term and the notice
//! period to stop a renewal (from the sentences that provide for renewal).

mod agreement_date;
pub mod cover;
mod dates;
mod durations;
mod law;
mod parties;
mod renewal;
pub mod term;

use std::ops::Range;

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use durations::durations;
pub(crate) use durations::number_word;

/// A unit of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// Calendar or business days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
    /// Years.
    Year,
}

/// A length of time, as written ("twelve (12) months" is 12 months, not 1 year).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Duration {
    /// How many units.
    pub amount: u32,
    /// The unit.
    pub unit: TimeUnit,
}

impl Duration {
    /// The length in days, counting a month as 30 and a year as 365 days; for comparisons.
    pub fn approx_days(self) -> u32 {
        let per = match self.unit {
            TimeUnit::Day => 1,
            TimeUnit::Week => 7,
            TimeUnit::Month => 30,
            TimeUnit::Year => 365,
        };
        self.amount.saturating_mul(per)
    }

    /// Whether two durations are the same length: equal, or the same number of months (12
    /// months = 1 year), weeks (2 weeks = 14 days) or days.
    pub fn same_length(self, other: Duration) -> bool {
        let months = |d: Duration| match d.unit {
            TimeUnit::Month => Some(d.amount),
            TimeUnit::Year => Some(d.amount.saturating_mul(12)),
            _ => None,
        };
        let days = |d: Duration| match d.unit {
            TimeUnit::Day => Some(d.amount),
            TimeUnit::Week => Some(d.amount.saturating_mul(7)),
            _ => None,
        };
        self == other
            || months(self).is_some_and(|m| Some(m) == months(other))
            || days(self).is_some_and(|d| Some(d) == days(other))
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
            TimeUnit::Year => "year",
        };
        write!(f, "{} {unit}{}", self.amount, if self.amount == 1 { "" } else { "s" })
    }
}

/// A typed value found in text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FactValue {
    /// A calendar date, ISO 8601; `YYYY-MM` or `YYYY` when the rest is blank, `--MM-DD` when
    /// only the year is.
    Date {
        /// The date.
        iso: String,
    },
    /// A length of time.
    Duration(Duration),
    /// An amount of money.
    Money {
        /// The amount, in the currency's units.
        amount: f64,
        /// ISO 4217 code (`USD` for a bare `$`).
        currency: String,
    },
    /// A percentage.
    Percent {
        /// 10.0 for "10%".
        value: f64,
    },
    /// A party to the contract with the role the contract defines for it.
    Party {
        /// The party's name as written.
        name: String,
        /// The defined term, e.g. "Company", "Distributor".
        role: Option<String>,
    },
    /// The jurisdiction whose law governs.
    Jurisdiction {
        /// E.g. "New York", "England and Wales", "Ontario".
        name: String,
    },
}

/// A value and the byte span of the text it was read from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// The value.
    #[serde(flatten)]
    pub value: FactValue,
    /// Byte range in the text.
    pub span: Range<usize>,
}

/// Compiles `pattern` with ASCII word boundaries: `\b` next to a non-ASCII character (a curly
/// quote) sends the regex engine from its fast DFA to a slow one, and dates are ASCII.
fn ascii_regex(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&pattern.replace(r"\b", r"(?-u:\b)"))
}

/// The largest char boundary of `text` at or before byte `i` (`text.len()` past the end).
fn floor_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Finds every fact in `text`, in order of position.
pub fn extract_facts(text: &str) -> Vec<Fact> {
    let mut facts = dates::dates(text);
    facts.extend(
        durations(text).into_iter().map(|(span, d)| Fact { value: FactValue::Duration(d), span }),
    );
    facts.extend(durations::money(text));
    facts.extend(durations::percents(text));
    if let Some((span, name)) = law::governing_law(text) {
        facts.push(Fact { value: FactValue::Jurisdiction { name }, span });
    }
    facts.extend(parties::parties(text));
    facts.sort_by_key(|f| (f.span.start, f.span.end));
    facts
}

/// The facts of a whole contract that drive deadlines.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContractFacts {
    /// The date the agreement is dated or made.
    pub agreement_date: Option<Fact>,
    /// The governing law's jurisdiction.
    pub governing_law: Option<Fact>,
    /// The length of each renewal term ("perpetual" renewals are not a duration).
    pub renewal_term: Option<Fact>,
    /// How long before a renewal notice must be given to stop it.
    pub notice_period: Option<Fact>,
    /// Parties with their defined roles.
    pub parties: Vec<Fact>,
    /// The variables of its cover page, order form or key-terms table, set or left blank
    /// ([`cover::cover_terms`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cover: Vec<cover::CoverTerm>,
    /// A stated effective or commencement date, when the contract states one apart from its
    /// agreement date ([`term`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_date: Option<Fact>,
    /// The term: its stated end, or its length and what it runs from, or an open end.
    #[serde(default)]
    pub term: term::TermFacts,
    /// The notice needed to terminate for convenience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_notice: Option<Fact>,
}

impl ContractFacts {
    /// The names of its parties, in order.
    pub fn party_names(&self) -> Vec<String> {
        self.parties
            .iter()
            .filter_map(|f| match &f.value {
                FactValue::Party { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect()
    }

    /// Its agreement date (ISO 8601, possibly partial), when known.
    pub fn agreement_iso(&self) -> Option<&str> {
        match self.agreement_date.as_ref().map(|f| &f.value) {
            Some(FactValue::Date { iso }) => Some(iso),
            _ => None,
        }
    }

    /// Reads a contract's text.
    pub fn from_text(text: &str) -> ContractFacts {
        let agreement_date = agreement_date::agreement_date(text);
        let cover = cover::cover_terms(text);
        // A cover page's "Governing Law" row, when set, is the governing law the standard
        // terms refer to.
        let governing_law = cover
            .iter()
            .filter(|t| t.label.eq_ignore_ascii_case("governing law"))
            .find_map(|t| {
                let value = t.value.as_deref()?;
                let place = value
                    .trim_start_matches("The laws of ")
                    .trim_start_matches("the laws of ")
                    .trim_start_matches("the State of ")
                    .trim_start_matches("State of ");
                let name = law::clean_jurisdiction(place)?;
                Some(Fact { value: FactValue::Jurisdiction { name }, span: t.span.clone() })
            })
            .or_else(|| {
                law::governing_law(text)
                    .map(|(span, name)| Fact { value: FactValue::Jurisdiction { name }, span })
            });
        let (renewal_term, notice_period) = renewal::renewal(text);
        let term = term::term(text);
        // A start date stated in the term sentence ("shall commence on November 1, 2017") is
        // the effective date when no other is stated.
        let effective_date = term::effective_date(text).or_else(|| term.start_date.clone());
        ContractFacts {
            effective_date,
            term,
            termination_notice: term::termination_notice(text),
            agreement_date,
            governing_law,
            renewal_term,
            notice_period,
            parties: parties::parties(text),
            cover,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn governing_law_and_parties() {
        let text = "This Agreement is made as of March 1, 2019 between Acme Widgets, Inc., a Delaware \
                    corporation (\"Company\"), and Beta LLC (the \"Distributor\").\n\n\
                    12. Governing Law. This Agreement shall be governed by and construed in \
                    accordance with the laws of the State of New York, without regard to conflicts.";
        let facts = ContractFacts::from_text(text);
        assert_eq!(
            facts.governing_law.map(|f| f.value),
            Some(FactValue::Jurisdiction { name: "New York".into() })
        );
        assert_eq!(
            facts.agreement_date.map(|f| f.value),
            Some(FactValue::Date { iso: "2019-03-01".into() })
        );
        let parties: Vec<(String, Option<String>)> = facts
            .parties
            .iter()
            .filter_map(|f| match &f.value {
                FactValue::Party { name, role } => Some((name.clone(), role.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            parties,
            [
                ("Acme Widgets, Inc.".to_owned(), Some("Company".to_owned())),
                ("Beta LLC".to_owned(), Some("Distributor".to_owned()))
            ]
        );
        let england = ContractFacts::from_text(
            "This Agreement is governed by the laws of England and Wales.",
        );
        assert_eq!(
            england.governing_law.map(|f| f.value),
            Some(FactValue::Jurisdiction { name: "England and Wales".into() })
        );
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "",
            "é",
            "governed by the laws of",
            "renew automatically for ( days",
            "€",
            "__ 2020",
            "dated",
            "made this 1st day of",
            "Date:",
            "( é dated 2020",
            "dated as of [",
            "Inc. dated\n\n",
        ] {
            let _ = extract_facts(text);
            let _ = ContractFacts::from_text(text);
        }
    }
}
