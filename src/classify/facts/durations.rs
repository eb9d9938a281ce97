//! Quantities: lengths of time, amounts of money and percentages.
//!
//! A duration keeps the amount and unit as written, from digits or words ("thirty (30)
//! days", "twelve (12) months", "2 years"); money is an amount in its currency's units with an
//! ISO 4217 code (`USD` for a bare `$`), scaled by "thousand", "million" or "billion"; a
//! percentage is its number ("12.5%" is 12.5).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{Duration, Fact, FactValue, TimeUnit, ascii_regex};

const NUMBER_WORDS: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("eighteen", 18),
    ("twenty", 20),
    ("twenty-four", 24),
    ("thirty", 30),
    ("thirty-six", 36),
    ("forty", 40),
    ("forty-five", 45),
    ("sixty", 60),
    ("ninety", 90),
    ("one hundred twenty", 120),
    ("one hundred eighty", 180),
    ("three hundred sixty-five", 365),
];

/// Number words that periods in hours use besides [`NUMBER_WORDS`] ("forty-eight hours").
const HOUR_NUMBER_WORDS: &[(&str, u32)] =
    &[("forty-eight", 48), ("seventy-two", 72), ("ninety-six", 96)];

/// The number a number word spells ("twenty-four" is 24), without case; `None` for a word
/// the fact patterns do not read.
pub(crate) fn number_word(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    NUMBER_WORDS.iter().chain(HOUR_NUMBER_WORDS).find(|(x, _)| *x == w).map(|(_, n)| *n)
}

static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    let words: Vec<&str> = NUMBER_WORDS.iter().rev().map(|(w, _)| *w).collect();
    ascii_regex(&format!(
        r"(?i)\b(?:(?P<word>{})\s*(?:\(\s*(?P<paren>\d{{1,4}})\s*\))?|\(?(?P<num>\d{{1,4}})\)?)\s*(?:full\s+|consecutive\s+|calendar\s+|business\s+|working\s+|additional\s+|successive\s+)*(?P<unit>day|week|month|year)s?\b",
        words.join("|")
    ))
    .expect("regex")
});

/// Every duration in `text` with its span.
pub fn durations(text: &str) -> Vec<(Range<usize>, Duration)> {
    let mut out = Vec::new();
    for c in DURATION.captures_iter(text) {
        let amount = if let Some(n) = c.name("paren").or(c.name("num")) {
            n.as_str().parse().ok()
        } else {
            c.name("word").and_then(|w| {
                let w = w.as_str().to_ascii_lowercase();
                NUMBER_WORDS.iter().find(|(word, _)| *word == w).map(|(_, n)| *n)
            })
        };
        let unit = match c.name("unit").map(|u| u.as_str().to_ascii_lowercase()).as_deref() {
            Some("day") => TimeUnit::Day,
            Some("week") => TimeUnit::Week,
            Some("month") => TimeUnit::Month,
            Some("year") => TimeUnit::Year,
            _ => continue,
        };
        if let (Some(amount), Some(whole)) = (amount, c.get(0)) {
            out.push((whole.range(), Duration { amount, unit }));
        }
    }
    out
}

static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?P<cur>US\s?\$|\$|€|£|USD|EUR|GBP|CAD|AUD|CHF|JPY|RMB|CNY)\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*(?P<scale>million|billion|thousand))?")
        .expect("regex")
});
static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r"(?i)\b(?P<num>\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)").expect("regex")
});

/// Every amount of money in `text`, in order of position.
pub(super) fn money(text: &str) -> Vec<Fact> {
    let mut out = Vec::new();
    for c in MONEY.captures_iter(text) {
        let (Some(whole), Some(cur), Some(num)) = (c.get(0), c.name("cur"), c.name("num")) else {
            continue;
        };
        let Ok(mut amount) = num.as_str().replace(',', "").parse::<f64>() else { continue };
        amount *= match c.name("scale").map(|s| s.as_str().to_ascii_lowercase()).as_deref() {
            Some("thousand") => 1e3,
            Some("million") => 1e6,
            Some("billion") => 1e9,
            _ => 1.0,
        };
        out.push(Fact {
            value: FactValue::Money { amount, currency: currency_code(cur.as_str()).to_owned() },
            span: whole.range(),
        });
    }
    out
}

/// Every percentage in `text`, in order of position.
pub(super) fn percents(text: &str) -> Vec<Fact> {
    let mut out = Vec::new();
    for c in PERCENT.captures_iter(text) {
        if let (Some(whole), Some(Ok(value))) =
            (c.get(0), c.name("num").map(|n| n.as_str().parse()))
        {
            out.push(Fact { value: FactValue::Percent { value }, span: whole.range() });
        }
    }
    out
}

fn currency_code(symbol: &str) -> &'static str {
    match symbol.to_ascii_uppercase().replace(' ', "").as_str() {
        "€" | "EUR" => "EUR",
        "£" | "GBP" => "GBP",
        "CAD" => "CAD",
        "AUD" => "AUD",
        "CHF" => "CHF",
        "JPY" => "JPY",
        "RMB" | "CNY" => "CNY",
        _ => "USD",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::facts::extract_facts;

    #[test]
    fn durations_money_percent() {
        let d: Vec<Duration> = durations("thirty (30) days, twelve (12) months, 2 years, one year")
            .into_iter()
            .map(|(_, d)| d)
            .collect();
        assert_eq!(
            d,
            [
                Duration { amount: 30, unit: TimeUnit::Day },
                Duration { amount: 12, unit: TimeUnit::Month },
                Duration { amount: 2, unit: TimeUnit::Year },
                Duration { amount: 1, unit: TimeUnit::Year },
            ]
        );
        assert!(d[1].same_length(d[3]));
        let facts = extract_facts("a fee of $1,250,000.00 or EUR 3 million, plus 12.5% interest");
        let values: Vec<&FactValue> = facts.iter().map(|f| &f.value).collect();
        assert!(
            values.contains(&&FactValue::Money { amount: 1_250_000.0, currency: "USD".into() })
        );
        assert!(
            values.contains(&&FactValue::Money { amount: 3_000_000.0, currency: "EUR".into() })
        );
        assert!(values.contains(&&FactValue::Percent { value: 12.5 }));
        for f in &facts {
            assert!(f.span.end <= 62);
        }
    }
}
