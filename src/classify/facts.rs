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

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

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

/// Month names and their abbreviations ("Sept.", "JUNE"), as a regex alternation.
const MONTH_NAMES: &str = r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?";
/// Day names, skipped where a date prints one ("Friday, March 20, 2020").
const WEEKDAYS: &str = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day";
/// An ordinal suffix, also split by PDF text extraction ("1 st", "1s t", "17t h").
const SUFFIX: &str = r"(?:\s?(?:st|nd|rd|th)|s\s?t|n\s?d|r\s?d|t\s?h)\b";
/// A blank left for a date to be filled in: underscores, or brackets around nothing, a dot or
/// a bullet ("[ ]", "[●]", "[•]", "[·]", "[*]").
const BLANK: &str = r"(?:_{2,}|\[[\s_●•·*]*\])";
/// A year of the 20th or 21st century.
const YEAR: &str = r"(?P<year>(?:19|20)\d{2})\b";

/// Day ordinals written as words ("the first day of July"), longest first so that
/// "twenty-first" is not read as "twenty".
static ORDINAL_WORDS: LazyLock<Vec<(String, u32)>> = LazyLock::new(|| {
    let units =
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"];
    let teens = [
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
    ];
    let mut words: Vec<(String, u32)> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        words.push(((*u).to_owned(), i as u32 + 1));
        words.push((format!("twenty-{u}"), i as u32 + 21));
        words.push((format!("twenty {u}"), i as u32 + 21));
    }
    for (i, t) in teens.iter().enumerate() {
        words.push(((*t).to_owned(), i as u32 + 10));
    }
    words.extend([
        ("twentieth".to_owned(), 20),
        ("thirtieth".to_owned(), 30),
        ("thirty-first".to_owned(), 31),
        ("thirty first".to_owned(), 31),
    ]);
    words.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    words
});

/// The day of a month as a number, possibly with its suffix ("1st", "1 st") or in parentheses
/// ("(1st)"), or as an ordinal word ("first", "first (1st)"); captured as `day`.
fn day_pattern() -> String {
    let words: Vec<&str> = ORDINAL_WORDS.iter().map(|(w, _)| w.as_str()).collect();
    format!(
        r"(?:\(\s*)?\b(?P<day>\d{{1,2}}|{})(?:{SUFFIX})?(?:\s*\))?(?:\s*\(\s*\d{{1,2}}(?:{SUFFIX})?\s*\))?",
        words.join("|")
    )
}

/// "June 1, 2010", "June 1st, 2010", "Friday, June 1, 2010", "_Dec. 8, 2005" (the underscore of
/// a filled-in blank is not part of the date).
static DATE_MDY: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(&format!(
        r"(?i)(?:\b|_)(?:{WEEKDAYS},?\s+)?(?P<month>{MONTH_NAMES})\b\.?\s*(?P<day>\d{{1,2}})(?:{SUFFIX})?\s*,?\s*{YEAR}"
    ))
    .expect("regex")
});
/// "1 June 2010", "the 1st day of June, 2010", "the first day of July 2017", "(1st) day of
/// January, 1996", "1st of March, 2003", "20 March day of 1998".
static DATE_DMY: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(&format!(
        r"(?i){day}\s+(?:day\s+)?(?:of\s+)?(?:-{{2,}}\s*)?(?:{WEEKDAYS},?\s+)?(?P<month>{MONTH_NAMES})\b\.?(?:\s+day\s+of)?\s*,?\s*(?:in\s+the\s+year\s+)?{YEAR}",
        day = day_pattern()
    ))
    .expect("regex")
});
/// "06/01/2010", "6/1/10", "06-01-2010", "3-14-18": month first, as in the US, unless that
/// cannot be ("18/9/2008").
static DATE_NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r"\b(?P<m>\d{1,2})(?P<sep>[/-])(?P<d>\d{1,2})[/-](?P<y>(?:19|20)\d{2}|\d{2})\b")
        .expect("regex")
});
/// "01.06.2010": day first, as in Europe; four-digit years only, so that "1.2.10" stays a
/// section number.
static DATE_DOTTED: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})\b").expect("regex")
});
/// "2010-06-01".
static DATE_ISO: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b").expect("regex")
});
/// "June 2015", "June, 2015".
static DATE_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(&format!(r"(?i)(?:\b|_)(?P<month>{MONTH_NAMES})\b\.?\s*,?\s+{YEAR}"))
        .expect("regex")
});
/// Dates with blanks: "this ____ day of ________, 2020", "as of _________, 2019",
/// "September ___, 2019", "the [●] day of [●], 2019", "____ day of March, 2018",
/// "_______ __, 2000"; the month is `month` or `month2`.
static DATE_BLANK: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(&format!(
        r"(?i)(?:\b(?P<month>{MONTH_NAMES})\b\.?\s*)?{BLANK}(?:\s*{BLANK})*\s*(?:(?:st|nd|rd|th)\s+)?(?:day\s+of\s*(?:{BLANK}|\b(?P<month2>{MONTH_NAMES})\b\.?)?)?\s*,?\s*{YEAR}"
    ))
    .expect("regex")
});
/// Blanks that text extraction dropped: "this day of , 2014".
static DATE_DAY_OF_BLANK: LazyLock<Regex> =
    LazyLock::new(|| ascii_regex(&format!(r"(?i)\bday\s+of\s*,\s*{YEAR}")).expect("regex"));

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

static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    let words: Vec<&str> = NUMBER_WORDS.iter().rev().map(|(w, _)| *w).collect();
    ascii_regex(&format!(
        r"(?i)\b(?:(?P<word>{})\s*(?:\(\s*(?P<paren>\d{{1,4}})\s*\))?|\(?(?P<num>\d{{1,4}})\)?)\s*(?:full\s+|consecutive\s+|calendar\s+|business\s+|working\s+|additional\s+|successive\s+)*(?P<unit>day|week|month|year)s?\b",
        words.join("|")
    ))
    .expect("regex")
});

static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?P<cur>US\s?\$|\$|€|£|USD|EUR|GBP|CAD|AUD|CHF|JPY|RMB|CNY)\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*(?P<scale>million|billion|thousand))?")
        .expect("regex")
});
static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r"(?i)\b(?P<num>\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)").expect("regex")
});
static GOVERNING_LAW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:governed|construed|interpreted|enforced|determined)\b[^.;]{0,200}?\blaws?\s+(?:in\s+force\s+in\s+|of\s+)(?P<place>[^.;()]{2,120})")
        .expect("regex")
});
static PARTY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?P<name>[A-Z][A-Za-z0-9&.,'\- ]{1,80}?)(?:\s*\([^()"“]{0,120}\))?(?:\s*,\s*an?\s+[^()"“]{0,120}?)?\s*,?\s*\(\s*(?:the\s+|hereinafter\s+(?:referred\s+to\s+as\s+)?(?:the\s+)?)?["“](?P<role>[A-Z][A-Za-z \-]{1,40})["”]"#)
        .expect("regex")
});

/// Finds every fact in `text`, in order of position.
pub fn extract_facts(text: &str) -> Vec<Fact> {
    let mut facts = dates(text);
    facts.extend(
        durations(text).into_iter().map(|(span, d)| Fact { value: FactValue::Duration(d), span }),
    );
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
        facts.push(Fact {
            value: FactValue::Money { amount, currency: currency_code(cur.as_str()).to_owned() },
            span: whole.range(),
        });
    }
    for c in PERCENT.captures_iter(text) {
        if let (Some(whole), Some(Ok(value))) =
            (c.get(0), c.name("num").map(|n| n.as_str().parse()))
        {
            facts.push(Fact { value: FactValue::Percent { value }, span: whole.range() });
        }
    }
    if let Some((span, name)) = governing_law(text) {
        facts.push(Fact { value: FactValue::Jurisdiction { name }, span });
    }
    facts.extend(parties(text));
    facts.sort_by_key(|f| (f.span.start, f.span.end));
    facts
}

/// Every date in `text` in order of position: the most specific pattern first, and a match
/// that overlaps an earlier accepted one is dropped.
fn dates(text: &str) -> Vec<Fact> {
    // Every pattern needs the digits of a year.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    // Accepted dates by start; they never overlap, so only the last one starting before a new
    // span's end can overlap it.
    let mut found: BTreeMap<usize, Fact> = BTreeMap::new();
    let mut push = |span: Range<usize>, iso: Option<String>| {
        let Some(iso) = iso else { return };
        if found.range(..span.end).next_back().is_some_and(|(_, f)| f.span.end > span.start) {
            return;
        }
        found.insert(span.start, Fact { value: FactValue::Date { iso }, span });
    };
    for c in DATE_MDY.captures_iter(text).chain(DATE_DMY.captures_iter(text)) {
        let Some(whole) = c.get(0) else { continue };
        // A filled-in blank's underscore ("_Dec. 8, 2005") is not part of the date.
        let start = whole.start() + usize::from(whole.as_str().starts_with('_'));
        let iso = iso_date(
            c.name("year").map(|m| m.as_str()),
            c.name("month").and_then(|m| month_number(m.as_str())),
            c.name("day").and_then(|d| day_number(d.as_str())),
        );
        push(start..whole.end(), iso);
    }
    for c in DATE_ISO
        .captures_iter(text)
        .chain(DATE_NUMERIC.captures_iter(text))
        .chain(DATE_DOTTED.captures_iter(text))
    {
        let Some(whole) = c.get(0) else { continue };
        if !stands_alone(text, whole.range()) {
            continue;
        }
        if let Some(sep) = c.name("sep")
            && !whole.as_str()[sep.end() - whole.start()..].contains(sep.as_str())
        {
            continue;
        }
        let year = c.name("y").and_then(|y| {
            let n: u32 = y.as_str().parse().ok()?;
            Some(match y.len() {
                2 if n < 50 => 2000 + n,
                2 => 1900 + n,
                _ => n,
            })
        });
        let (mut m, mut d): (Option<u32>, Option<u32>) = (
            c.name("m").and_then(|m| m.as_str().parse().ok()),
            c.name("d").and_then(|d| d.as_str().parse().ok()),
        );
        // Month first unless that cannot be ("29/3/18" is day first), and the other way round
        // for dotted dates ("3.29.2018").
        if m.is_some_and(|m| m > 12) && d.is_some_and(|d| d <= 12) {
            (m, d) = (d, m);
        }
        let iso = iso_date(year.map(|y| y.to_string()).as_deref(), m, d);
        push(whole.range(), iso);
    }
    for c in DATE_BLANK
        .captures_iter(text)
        .chain(DATE_DAY_OF_BLANK.captures_iter(text))
        .chain(DATE_MONTH_YEAR.captures_iter(text))
    {
        let Some(whole) = c.get(0) else { continue };
        let start = whole.start() + usize::from(whole.as_str().starts_with('_'));
        let start = if c.name("month").is_some() { start } else { whole.start() };
        let iso = iso_date(
            c.name("year").map(|m| m.as_str()),
            c.name("month").or(c.name("month2")).and_then(|m| month_number(m.as_str())),
            None,
        );
        push(start..whole.end(), iso);
    }
    found.into_values().collect()
}

/// Whether a numeric date is not part of a longer number ("1-800-12-2019", "3.1.2.2020").
fn stands_alone(text: &str, span: Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let joined = |sep: Option<&u8>, digit: Option<&u8>| {
        matches!(sep, Some(b'/' | b'-' | b'.')) && digit.is_some_and(u8::is_ascii_digit)
    };
    let before = span.start.checked_sub(2).map(|i| (bytes.get(i + 1), bytes.get(i)));
    let after = (bytes.get(span.end), bytes.get(span.end + 1));
    !before.is_some_and(|(sep, digit)| joined(sep, digit)) && !joined(after.0, after.1)
}

fn iso_date(year: Option<&str>, month: Option<u32>, day: Option<u32>) -> Option<String> {
    let year: u32 = year?.parse().ok()?;
    match (month, day) {
        (Some(m), Some(d)) => {
            crate::civil::date(i64::from(year), i64::from(m), i64::from(d))?;
            Some(format!("{year:04}-{m:02}-{d:02}"))
        }
        (Some(m @ 1..=12), None) => Some(format!("{year:04}-{m:02}")),
        (None, _) => Some(format!("{year:04}")),
        _ => None,
    }
}

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let months =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    months.iter().position(|m| lower.starts_with(m)).map(|i| i as u32 + 1)
}

/// "1", "01", "first", "Twenty-First".
fn day_number(day: &str) -> Option<u32> {
    if let Ok(n) = day.parse() {
        return Some(n);
    }
    let lower = day.to_ascii_lowercase();
    let lower = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    ORDINAL_WORDS.iter().find(|(w, _)| *w == lower).map(|(_, n)| *n)
}

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

static LAWS_SHALL_GOVERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\blaws?\s+of\s+(?P<place>[^.;()]{2,120}?)\s+(?:shall|will|to)\s+govern")
        .expect("regex")
});
static ADJECTIVE_LAW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:governed|construed|interpreted)\b[^.;]{0,120}?\b(?P<adj>English|Scottish|Irish|German|French|Swiss|Dutch|Israeli|Chinese|PRC|Japanese|Canadian|Australian|Singapore|Singaporean|Hong Kong|New York|Delaware|California|Texas|Swedish|Danish|Norwegian|Finnish|Belgian|Italian|Spanish|Korean|Indian|Taiwanese)\s+law\b")
        .expect("regex")
});
static HEADED_LAW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bgoverning\s+law\b[^.]{0,40}?[.:]?\s[^;]{0,250}?\blaws?\s+(?:in\s+force\s+in\s+|of\s+)(?P<place>[^.;()]{2,120})")
        .expect("regex")
});

/// The jurisdiction named by the first governing-law provision: "governed by the laws of X",
/// "the laws of X shall govern", "governed by English law", or a "Governing Law" heading
/// followed by "laws of X".
fn governing_law(text: &str) -> Option<(Range<usize>, String)> {
    let mut candidates: Vec<(Range<usize>, String)> = Vec::new();
    for re in [&*GOVERNING_LAW, &*LAWS_SHALL_GOVERN, &*HEADED_LAW] {
        for c in re.captures_iter(text) {
            let (Some(whole), Some(place)) = (c.get(0), c.name("place")) else { continue };
            if let Some(name) = clean_jurisdiction(place.as_str()) {
                candidates.push((whole.range(), name));
                break;
            }
        }
    }
    if let Some(c) = ADJECTIVE_LAW.captures(text)
        && let (Some(whole), Some(adj)) = (c.get(0), c.name("adj"))
    {
        candidates.push((whole.range(), place_of_adjective(adj.as_str())));
    }
    candidates.into_iter().min_by_key(|(span, _)| span.start)
}

/// "English" -> "England", "PRC" -> "People's Republic of China"; place names stay.
fn place_of_adjective(adj: &str) -> String {
    let place = match adj.to_ascii_lowercase().as_str() {
        "english" => "England",
        "scottish" => "Scotland",
        "irish" => "Ireland",
        "german" => "Germany",
        "french" => "France",
        "swiss" => "Switzerland",
        "dutch" => "Netherlands",
        "israeli" => "Israel",
        "chinese" | "prc" => "People's Republic of China",
        "japanese" => "Japan",
        "canadian" => "Canada",
        "australian" => "Australia",
        "singaporean" | "singapore" => "Singapore",
        "swedish" => "Sweden",
        "danish" => "Denmark",
        "norwegian" => "Norway",
        "finnish" => "Finland",
        "belgian" => "Belgium",
        "italian" => "Italy",
        "spanish" => "Spain",
        "korean" => "Korea",
        "indian" => "India",
        "taiwanese" => "Taiwan",
        _ => return adj.to_owned(),
    };
    place.to_owned()
}

/// "the State of New York, without regard to ..." -> "New York".
fn clean_jurisdiction(raw: &str) -> Option<String> {
    let raw = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s = raw.as_str();
    for cut in [
        " without",
        " applicable",
        " excluding",
        " except",
        " as applied",
        " as such",
        " as in effect",
        " as the same",
        " irrespective",
        " regardless",
        " and the ",
        " and of the united states",
        " and any",
        " and to ",
        " and shall",
        " and venue",
        " and all ",
        " and subject",
        " shall ",
        " which",
        " that ",
        " in effect",
        " notwithstanding",
        " (",
        ",",
    ] {
        if let Some(i) = s.to_ascii_lowercase().find(cut) {
            s = &s[..i];
        }
    }
    let mut s = s.trim();
    for prefix in
        ["the ", "State of ", "state of ", "Commonwealth of ", "Province of ", "province of "]
    {
        s = s.strip_prefix(prefix).unwrap_or(s).trim();
    }
    let lower = s.to_ascii_lowercase();
    if s.is_empty()
        || s.len() > 60
        || !s.starts_with(|c: char| c.is_uppercase())
        || ["this", "such", "that", "any", "its", "his", "their", "said"]
            .iter()
            .any(|w| lower.starts_with(w))
    {
        return None;
    }
    Some(s.to_owned())
}

/// Parties with their defined roles, from "X, a Delaware corporation ("Company")" patterns in
/// the first part of the text.
fn parties(text: &str) -> Vec<Fact> {
    let head_end = floor_boundary(text, 6000);
    let mut out = Vec::new();
    for c in PARTY.captures_iter(&text[..head_end]) {
        let (Some(name), Some(role), Some(whole)) = (c.name("name"), c.name("role"), c.get(0))
        else {
            continue;
        };
        let name = name.as_str().trim().trim_end_matches(',').trim();
        let name = name.rsplit(" and ").next().unwrap_or(name);
        let name = name.rsplit(" between ").next().unwrap_or(name).trim();
        if name.split_whitespace().count() > 12 || name.len() < 2 {
            continue;
        }
        out.push(Fact {
            value: FactValue::Party {
                name: name.to_owned(),
                role: Some(role.as_str().trim().to_owned()),
            },
            span: whole.range(),
        });
    }
    out
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
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
}

static RENEWAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:automatic(?:ally)?\s+(?:be\s+)?(?:renew|extend)|renew(?:ed|s)?\s+(?:automatically|for|thereafter)|extended\s+(?:automatically\s+)?for\s+(?:an?\s+)?(?:additional|successive|further|subsequent)|(?:successive|additional|subsequent|further)\s+(?:renewal\s+)?(?:term|period)s?\s+of|renewal\s+terms?\s+of)")
        .expect("regex")
});
static NOTICE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:\S+\s+){0,3}?(?:prior\s+to|before|in\s+advance\s+of|preceding)")
        .expect("regex")
});

impl ContractFacts {
    /// Reads a contract's text.
    pub fn from_text(text: &str) -> ContractFacts {
        let agreement_date = agreement_date(text);
        let governing_law = governing_law(text)
            .map(|(span, name)| Fact { value: FactValue::Jurisdiction { name }, span });
        let (renewal_term, notice_period) = renewal(text);
        ContractFacts {
            agreement_date,
            governing_law,
            renewal_term,
            notice_period,
            parties: parties(text),
        }
    }
}

/// How far into a contract its preamble can start (a cover page and a table of contents can
/// come first).
const PREAMBLE_WINDOW: usize = 25_000;
/// How many bytes may separate a dating cue from its date ("made and entered into as of this").
const CUE_REACH: usize = 60;
/// How far into a contract a date standing on its own line is read as the contract's date (a
/// letter's date, a cover page's).
const DATELINE_WINDOW: usize = 2_000;
/// How closely a preamble's date must follow a date on its own line to be preferred to it.
const DATELINE_LEAD: usize = 1_000;

/// Words that introduce a contract's date: `dating` ones ("dated", "made", "entered into",
/// "executed"), `effective` ones ("effective", "Effective Date:"), a bare "as of", and a
/// "Date:" `label` at the start of a line.
static DATING_CUE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r"(?im)\b(?P<dating>dated|made|entered(?:\s+into)?|executed|signed|agreement\s+date|date\s+of\s+(?:this|the)\s+agreement)\b|(?P<label>^[\t ]*dated?\s*:)|\b(?P<effective>effective(?:\s+dates?)?)\b|\bas\s+of\b")
        .expect("regex")
});
/// What may stand between a cue and its date: "made and entered into as of this", "executed
/// this Agreement on", "signed at Pretoria on", "made effective the"; not "effective until",
/// "executed by IBM on".
static CUE_GAP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:[\s,:;()_\-–—"“”'’]|(?i:\b(?:as|of|on|this|the|is|and|be|being|been|hereby|into|entered|made|effective|dated|date|day|from|for|reference|with|effect|agreement|contract|amendment|instrument|in\s+(?:duplicate|triplicate|counterparts?))\b)|\b(?:at|in)\s+(?:[A-Z][\w'’.&-]*,?\s*|of\s+)+)*$"#)
        .expect("regex")
});
/// A date the text extraction left without its blanks, right after a cue: "as of , 2020",
/// "this day of , 2009", "entered into on 2018"; a day and month with no year ("made this
/// 30th day of April (the ..."); or a blank with nothing known ("dated as of [●]").
static CUE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(&format!(
        r"(?i)^\s*(?:(?:on|this|the)\s+)*(?P<date>(?:day\s+of\s*)?,\s*{YEAR}|(?P<bare>(?:19|20)\d{{2}})\b|{day}\s+day\s+of\s+(?P<month>{MONTH_NAMES})\b\.?|(?P<blank>{BLANK}|day\s+of\b))",
        day = day_pattern()
    ))
    .expect("regex")
});
/// The nouns that name an agreement, to tell "this Agreement dated ..." from "the Supply
/// Agreement dated ..." (another contract).
static AGREEMENT_NOUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:agreement|contract|amendment|addendum|letter|plan|lease|confirmation|memorandum|indenture|deed|understanding|note|schedule|certificate|notice|order|policy|instrument)s?\b")
        .expect("regex")
});
/// A closing clause that dates the signatures by the preamble: "executed as of the Effective
/// Date", "as of the date first above written", "as of the day and year first written".
static AS_OF_ABOVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bas\s+of\s+the\s+(?:effective\s+date|(?:date|day)\s+(?:and\s+year\s+)?(?:first\s+)?(?:above\s+)?(?:written|set\s+(?:forth|out)|stated)(?:\s+above)?)")
        .expect("regex")
});
/// Where a signature block or a closing clause dates the contract.
static SIGNING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:in\s+witness\s+whereof|thus\s+done|this\s+(?:[\w-]+\s+){0,3}(?:agreement|contract|amendment)\s+(?:is|was|has\s+been|shall\s+be)\s*$)")
        .expect("regex")
});
/// A signature block's "Date:" or "Dated:" label.
static SIGNATURE_DATE: LazyLock<Regex> =
    LazyLock::new(|| ascii_regex(r"(?i)\bdate[d]?\s*:\s*").expect("regex"));

/// How a date is introduced, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cue {
    /// A bare "as of": it dates the contract only in a sentence that names one.
    AsOf,
    /// A "Date:" label at the start of a line: the contract's date near its start, a
    /// signature's further on.
    Label,
    /// "effective as of", "Effective Date:".
    Effective,
    /// "dated", "made", "entered into", "executed".
    Dating,
}

/// A date a contract gives for itself.
#[derive(Clone, Debug)]
struct Dating {
    /// `None` for a date left blank ("dated as of [●]").
    date: Option<Fact>,
    /// Where the date (or the blank) starts.
    at: usize,
    /// The strongest cue that introduces it.
    cue: Cue,
    /// Whether the sentence dates a signature or the contract as a whole ("IN WITNESS
    /// WHEREOF ...", "This Agreement is dated ...").
    signing: bool,
    /// Whether the sentence is a preamble: "This [...] Agreement [...] is made ...".
    preamble: bool,
}

/// The start of a preamble: "This Agreement", "THIS SECOND AMENDED AND RESTATED AGENCY
/// AGREEMENT".
static PREAMBLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*this\s+(?:[\w&'’.-]+\s+){0,10}?(?:agreement|amendment|contract)\b")
        .expect("regex")
});

/// The date a contract is dated: when it was made, which can differ from when it takes effect.
///
/// In order:
/// 1. the preamble's date: the first date right after a cue ("dated", "made and entered into
///    as of", "effective as of") in the first [`PREAMBLE_WINDOW`] bytes that dates this
///    contract, not another one ("the Supply Agreement dated ...", recitals). A cover page's
///    "Effective as of ..." gives way to a later "This Agreement ... is made on ..."; a date
///    standing on its own line in the first [`DATELINE_WINDOW`] bytes (a letter's date, a
///    cover page's) comes first unless the preamble follows it closely; and where the
///    preamble only says when the contract takes effect, the signature blocks' date is
///    preferred unless the contract is signed "as of the Effective Date". An unfilled date
///    leaves its known parts ("as of ______, 2019" is `2019`, "made this 30th day of April" is
///    `--04-30`) or, when nothing is known ("dated as of [●]"), no date;
/// 2. else a closing statement ("This Agreement is dated ...", "IN WITNESS WHEREOF ... as of
///    ...") or the latest date of the first signature block ("Date: ...");
/// 3. else the first date of the first 3,000 bytes that is not another contract's, another
///    event's ("Commencement Date: ...", "by April 15, 2000", "through ..."), or on EDGAR's
///    "Source:" line.
fn agreement_date(text: &str) -> Option<Fact> {
    let mut all = dates(text);
    let cues: Vec<(Range<usize>, Cue)> = DATING_CUE
        .captures_iter(text)
        .filter_map(|c| {
            let cue = if c.name("dating").is_some() {
                Cue::Dating
            } else if c.name("effective").is_some() {
                Cue::Effective
            } else if c.name("label").is_some() {
                Cue::Label
            } else {
                Cue::AsOf
            };
            Some((c.get(0)?.range(), cue))
        })
        .collect();
    // Dates whose blanks were lost, and blanks with nothing known, found from the cues.
    let mut blanks: Vec<usize> = Vec::new();
    let mut recovered: Vec<Fact> = Vec::new();
    for (cue, _) in &cues {
        let rest = &text[cue.end..floor_boundary(text, cue.end + 200)];
        let Some(c) = CUE_TAIL.captures(rest) else { continue };
        let (Some(whole), Some(date)) = (c.get(0), c.name("date")) else { continue };
        let span = cue.end + date.start()..cue.end + date.end();
        let at = all.partition_point(|f| f.span.start < span.start);
        let clash = all.get(at).is_some_and(|f| f.span.start < span.end + 4)
            || at.checked_sub(1).and_then(|i| all.get(i)).is_some_and(|f| f.span.end > span.start);
        if clash {
            continue;
        }
        let iso = if let Some(year) = c.name("year").or(c.name("bare")) {
            Some(year.as_str().to_owned())
        } else if c.name("blank").is_some() {
            blanks.push(span.start);
            None
        } else {
            // No year: the date must end there ("made this 30th day of April (the ...").
            let after = rest[whole.end()..].trim_start();
            let after = after.strip_prefix(',').unwrap_or(after).trim_start();
            match (c.name("month"), c.name("day")) {
                (Some(m), Some(d)) if !after.starts_with(|c: char| c.is_ascii_digit()) => {
                    match (month_number(m.as_str()), day_number(d.as_str())) {
                        (Some(m), Some(d @ 1..=31)) => Some(format!("--{m:02}-{d:02}")),
                        _ => None,
                    }
                }
                _ => None,
            }
        };
        if let Some(iso) = iso {
            recovered.push(Fact { value: FactValue::Date { iso }, span });
        }
    }
    if !recovered.is_empty() {
        all.extend(recovered);
        all.sort_by_key(|f| f.span.start);
    }
    let (datings, references) = datings(text, &all, &blanks, &cues);

    let mut in_window = datings.iter().take_while(|d| d.at < PREAMBLE_WINDOW);
    let mut preamble = in_window.next();
    // A cover page's "Effective as of ..." gives way to the preamble's "is entered into on".
    if let Some(first) = preamble
        && first.cue != Cue::Dating
        && !first.preamble
        && let Some(made) = in_window.find(|d| d.cue == Cue::Dating && d.preamble)
    {
        preamble = Some(made);
    }
    // A date on its own line near the start comes first, unless the preamble follows it
    // closely (a cover's "September 2018" and "made on 25 September 2018" below it).
    let dateline = all
        .iter()
        .take_while(|f| f.span.start < DATELINE_WINDOW)
        .find(|f| is_dateline(text, f.span.clone()))
        .cloned()
        .or_else(|| bare_year_line(&text[..floor_boundary(text, DATELINE_WINDOW)]));
    if let Some(line) = dateline
        && preamble.is_none_or(|d| line.span.end + DATELINE_LEAD <= d.at)
    {
        return Some(line);
    }
    if let Some(d) = preamble {
        // A contract that only says when it takes effect was made when it was signed, unless
        // it is signed "as of the Effective Date" (or "the date first above written").
        if d.cue != Cue::Dating
            && !AS_OF_ABOVE.is_match(text)
            && let Some(f) = signature_date(text, &all)
        {
            return Some(f);
        }
        return d.date.clone();
    }
    if let Some(d) = datings.iter().find(|d| d.signing && d.date.is_some()) {
        return d.date.clone();
    }
    if let Some(f) = signature_date(text, &all) {
        return Some(f);
    }
    all.into_iter().take_while(|f| f.span.start < 3000).find(|f| {
        let at = f.span.start;
        references.binary_search(&at).is_err()
            && !in_source_line(text, at)
            && !OTHER_DATE.is_match(&text[floor_boundary(text, at.saturating_sub(60))..at])
            && !RANGE_END.is_match(&text[f.span.end..floor_boundary(text, f.span.end + 20)])
            && !RANGE_START.is_match(&text[floor_boundary(text, at.saturating_sub(20))..at])
            && !dates_another_contract(&sentence_before(text, at))
    })
}

/// The word before a "Date:" label that makes it another date's: "Effective Date:",
/// "Commencement Date:".
static OTHER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:effective|commencement|termination|expiration|expiry|renewal|end|start|completion|closing|launch|delivery|due|trade|payment|invoice|ship|birth)\s*$")
        .expect("regex")
});
/// A label for a date other than the contract's, right before it: "Commencement Date:",
/// "Termination Date".
static OTHER_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:commencement|termination|expiration|expiry|renewal|end|start|completion|closing|launch|delivery)\s+date\b[^.\n]*$")
        .expect("regex")
});
/// A deadline or the end of a range, right before a date: "by", "before", "through", "to".
static RANGE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:through|thru|until|till|to|by|before|after|prior\s+to|later\s+than)[\s,]*$",
    )
    .expect("regex")
});
/// The start of a range, right after a date: "through", "until", "to".
static RANGE_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^[\s,]*(?:through|thru|until|till|to)\b").expect("regex"));

/// Every date some cue introduces, in order, with the strongest cue's kind; and where the
/// dates of other contracts are ("the Supply Agreement dated ...", "WHEREAS, the parties
/// previously entered into ..."), which are left out.
fn datings(
    text: &str,
    all: &[Fact],
    blanks: &[usize],
    cues: &[(Range<usize>, Cue)],
) -> (Vec<Dating>, Vec<usize>) {
    // What each cue introduces: the next date or blank within reach, if only filler words
    // stand between them. Targets never go back, so cues sharing one are neighbours.
    let targets = cues.iter().filter_map(|(cue, kind)| {
        let reach = cue.end + CUE_REACH;
        let date = all.get(all.partition_point(|f| f.span.start < cue.end));
        let blank = blanks.get(blanks.partition_point(|&b| b < cue.end)).copied();
        let (at, date) = match (date, blank) {
            (Some(f), b) if f.span.start <= reach && b.is_none_or(|b| f.span.start < b) => {
                (f.span.start, Some(f))
            }
            (_, Some(b)) if b <= reach => (b, None),
            _ => return None,
        };
        CUE_GAP.is_match(&text[cue.end..at]).then_some((cue.start, *kind, at, date))
    });
    let mut out: Vec<Dating> = Vec::new();
    let mut references: Vec<usize> = Vec::new();
    let mut close = |(nearest, cue, at, date): (usize, Cue, usize, Option<&Fact>)| {
        // The cue nearest the date decides whether it dates this contract.
        let before = sentence_before(text, nearest);
        if dates_another_contract(&before) {
            references.push(at);
            return;
        }
        let unnamed = cue == Cue::AsOf && !AGREEMENT_NOUN.is_match(&before);
        let signature_label = cue == Cue::Label && at >= DATELINE_WINDOW;
        if !unnamed && !signature_label {
            let signing = SIGNING.is_match(&before);
            let preamble = PREAMBLE.is_match(&before);
            out.push(Dating { date: date.cloned(), at, cue, signing, preamble });
        }
    };
    let mut group: Option<(usize, Cue, usize, Option<&Fact>)> = None;
    for (start, kind, at, date) in targets {
        group = match group {
            Some((_, k, a, d)) if a == at => Some((start, k.max(kind), a, d)),
            Some(g) => {
                close(g);
                Some((start, kind, at, date))
            }
            None => Some((start, kind, at, date)),
        };
    }
    if let Some(g) = group {
        close(g);
    }
    (out, references)
}

/// The sentence before byte `at` (at most 600 bytes), with parenthesised text such as
/// `(the "Agreement")` left out. It starts after a blank line, a semicolon, an unclosed
/// parenthesis, or a full stop before a capital that does not end an abbreviation ("Inc. The"
/// but not "L.P. dated", "ref. DS-12").
fn sentence_before(text: &str, at: usize) -> String {
    let window = &text[floor_boundary(text, at.saturating_sub(600))..at];
    let mut kept: Vec<char> = Vec::new();
    let mut depth = 0usize;
    for (i, ch) in window.char_indices().rev() {
        match ch {
            ')' => depth += 1,
            '(' if depth == 0 => break,
            '(' => depth -= 1,
            _ if depth > 0 => {}
            ';' => break,
            '\n' if window[..i].ends_with('\n') => break,
            '.' if ends_sentence(window, i) => break,
            _ => kept.push(ch),
        }
    }
    kept.iter().rev().collect()
}

/// Whether the full stop at byte `i` of `window` ends a sentence.
fn ends_sentence(window: &str, i: usize) -> bool {
    let after = &window[i + 1..];
    let next = after.trim_start();
    if !(after.is_empty() || after.starts_with(char::is_whitespace))
        || !(next.is_empty() || next.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()))
    {
        return false;
    }
    let word = window[..i].rsplit(char::is_whitespace).next().unwrap_or("").to_lowercase();
    let abbreviation = matches!(
        word.as_str(),
        "no" | "nos"
            | "ref"
            | "inc"
            | "co"
            | "corp"
            | "ltd"
            | "l.p"
            | "n.a"
            | "s.a"
            | "u.s"
            | "art"
            | "sec"
            | "para"
            | "st"
            | "mr"
            | "mrs"
            | "ms"
            | "dr"
            | "jr"
            | "sr"
            | "vs"
            | "v"
            | "e.g"
            | "i.e"
    );
    !abbreviation
}

/// Whether the sentence leading to a dating cue dates another contract: a recital ("WHEREAS,
/// ... previously entered into"), or a cue right after an agreement named with "the", "a",
/// "that certain", "such" ("to the Supply Agreement dated"), not "this" nor a title ("MASTER
/// SUPPLY AGREEMENT, dated"). A cue after a verb ("... (the "Agreement") is made") dates the
/// sentence's subject.
fn dates_another_contract(before: &str) -> bool {
    let trimmed = before.trim_end_matches(|c: char| c.is_whitespace() || c == ',');
    let lower = trimmed.to_lowercase();
    if lower.trim_start().starts_with("whereas") || lower.contains("previously") {
        return true;
    }
    let last_word = lower.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    if matches!(
        last_word,
        "is" | "was" | "are" | "were" | "be" | "been" | "being" | "hereby" | "has" | "have"
    ) {
        return false;
    }
    let Some(noun) = AGREEMENT_NOUN.find_iter(&lower).last() else { return false };
    let determiner = lower[..noun.start()]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(8)
        .find(|w| {
            matches!(
                *w,
                "this"
                    | "these"
                    | "the"
                    | "that"
                    | "a"
                    | "an"
                    | "such"
                    | "said"
                    | "its"
                    | "their"
                    | "certain"
                    | "any"
                    | "each"
                    | "prior"
                    | "original"
                    | "existing"
                    | "previous"
            )
        });
    determiner.is_some_and(|w| !matches!(w, "this" | "these"))
}

/// Whether a date stands on a line of its own (maybe after "Dated" or "Date:"), and the line
/// before it is not a label such as "EFFECTIVE DATE".
fn is_dateline(text: &str, span: Range<usize>) -> bool {
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let rest = &text[span.end..floor_boundary(text, span.end + 80)];
    let trail = rest.find('\n').map_or(rest, |i| &rest[..i]).trim();
    let lead = text[line_start..span.start].trim().to_ascii_lowercase();
    if !matches!(lead.as_str(), "" | "dated" | "date:" | "dated:")
        || !trail.chars().all(|c| matches!(c, '.' | ',' | ';'))
    {
        return false;
    }
    let previous = text[..line_start].trim_end();
    let previous = &previous[previous.rfind('\n').map_or(0, |i| i + 1)..];
    !previous.to_ascii_lowercase().trim_end_matches(':').ends_with("date")
}

/// A line that is only the year of a date whose blanks the text extraction lost (", 2009").
fn bare_year_line(head: &str) -> Option<Fact> {
    static LINE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&format!(r"(?m)^[\t ]*,[\t ]*{YEAR}[\t ]*$")).expect("regex"));
    let c = LINE.captures(head)?;
    let year = c.name("year")?;
    let start = head[..year.start()].rfind(',').unwrap_or(year.start());
    Some(Fact { value: FactValue::Date { iso: year.as_str().to_owned() }, span: start..year.end() })
}

/// The latest date labelled "Date:" or "Dated:" (or with "(Date)" under it, or within 400
/// bytes of "IN WITNESS WHEREOF") in the first signature block: from the first such date to
/// 400 bytes after it (side-by-side blocks: "Date: 7/1/98 Date: 7/7/98").
fn signature_date(text: &str, all: &[Fact]) -> Option<Fact> {
    static WITNESS: LazyLock<Regex> =
        LazyLock::new(|| ascii_regex(r"(?i)\bin\s+witness\s+where(?:of|to)\b").expect("regex"));
    let witnessed = WITNESS.find_iter(text).flat_map(|m| {
        let from = all.partition_point(|f| f.span.start < m.end());
        all[from..].iter().take_while(move |f| f.span.start <= m.end() + 400)
    });
    let after_label = SIGNATURE_DATE.find_iter(text).filter_map(|m| {
        let before = &text[floor_boundary(text, m.start().saturating_sub(30))..m.start()];
        if OTHER_LABEL.is_match(before) {
            return None;
        }
        let at = all.partition_point(|f| f.span.start < m.end());
        all.get(at).filter(|f| f.span.start - m.end() <= 5)
    });
    let over_label = all.iter().filter(|f| {
        let after = text[f.span.end..].trim_start();
        after.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("(date)"))
    });
    let mut labelled: Vec<&Fact> = after_label
        .chain(over_label)
        .chain(witnessed)
        .filter(|f| !in_source_line(text, f.span.start))
        .collect();
    labelled.sort_by_key(|f| f.span.start);
    labelled.dedup_by_key(|f| f.span.start);
    let first = labelled.first()?.span.start;
    labelled
        .into_iter()
        .take_while(|f| f.span.start <= first + 400)
        .max_by(|a, b| iso_of(a).cmp(iso_of(b)))
        .cloned()
}

fn iso_of(fact: &Fact) -> &str {
    match &fact.value {
        FactValue::Date { iso } => iso,
        _ => "",
    }
}

/// Whether byte `at` is on an EDGAR "Source: COMPANY, 10-K, 3/21/2019" line.
fn in_source_line(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at].trim_start().starts_with("Source:")
}

/// The renewal term and the notice period to stop a renewal, from the first sentence that
/// provides for renewal.
fn renewal(text: &str) -> (Option<Fact>, Option<Fact>) {
    for m in RENEWAL.find_iter(text) {
        let (start, end) = sentence_around(text, m.start());
        let sentence = &text[start..end];
        let durations = durations(sentence);
        if durations.is_empty() {
            continue;
        }
        let trigger = m.start() - start;
        // The renewal term: the first duration after the trigger that is not followed by
        // "prior to / before" (those are notice periods).
        let mut term = None;
        let mut notice = None;
        for (span, d) in &durations {
            let after = &sentence[span.end..];
            let is_notice = NOTICE_BEFORE.is_match(after)
                || sentence[..span.start].to_ascii_lowercase().ends_with("at least ")
                || sentence[..span.start].to_ascii_lowercase().ends_with("upon ")
                || after.trim_start().to_ascii_lowercase().starts_with("written notice")
                || after.trim_start().to_ascii_lowercase().starts_with("notice")
                || after.trim_start().to_ascii_lowercase().starts_with("'s notice")
                || after.trim_start().to_ascii_lowercase().starts_with("’s notice")
                || after.trim_start().to_ascii_lowercase().starts_with("prior written notice");
            let fact =
                Fact { value: FactValue::Duration(*d), span: start + span.start..start + span.end };
            if is_notice {
                notice.get_or_insert(fact);
            } else if span.start + 200 >= trigger {
                term.get_or_insert(fact);
            }
        }
        if term.is_some() || notice.is_some() {
            return (term, notice);
        }
    }
    (None, None)
}

/// The sentence containing byte `at`: from after the previous ". " (or paragraph break) to the
/// next one, at most 1,500 bytes either way.
fn sentence_around(text: &str, at: usize) -> (usize, usize) {
    let lo = floor_boundary(text, at.saturating_sub(1500));
    let hi = floor_boundary(text, at.saturating_add(1500));
    let before = &text[lo..at];
    let start = before
        .rfind(". ")
        .map(|i| lo + i + 2)
        .into_iter()
        .chain(before.rfind("\n\n").map(|i| lo + i + 2))
        .max()
        .unwrap_or(lo);
    let after = &text[at..hi];
    let end = after
        .find(". ")
        .map(|i| at + i + 1)
        .into_iter()
        .chain(after.find("\n\n").map(|i| at + i))
        .min()
        .unwrap_or(hi);
    (start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(facts: &[Fact]) -> Vec<String> {
        facts
            .iter()
            .filter_map(|f| match &f.value {
                FactValue::Date { iso } => Some(iso.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn dates_in_many_forms() {
        let text = "dated May 8, 2014; the 8th day of May 2014; 1 January 2020; 3/20/2020; \
                    2021-02-03; this ____ day of __________, 2019; as of July 11 , 2006; June 2015; \
                    September ___, 2019";
        assert_eq!(
            iso(&extract_facts(text)),
            [
                "2014-05-08",
                "2014-05-08",
                "2020-01-01",
                "2020-03-20",
                "2021-02-03",
                "2019",
                "2006-07-11",
                "2015-06",
                "2019-09"
            ]
        );
    }

    /// Each date of `text` with the text it was read from.
    fn dated(text: &str) -> Vec<(String, &str)> {
        dates(text)
            .into_iter()
            .map(|f| match f.value {
                FactValue::Date { iso } => (iso, &text[f.span]),
                _ => unreachable!("dates() returns dates"),
            })
            .collect()
    }

    #[test]
    fn dates_with_ordinals_and_extraction_artefacts() {
        assert_eq!(
            dated(
                "on the first day of July, 2017; this twenty-first day of March 2019; \
                 this first (1st) day of January, 1996; the (2nd) day of June 2003; \
                 the 1 st day of May 2006; the 17t h day of February 2016; \
                 November 19t h, 2012; the 3rd of March, 2003; the 20 March day of 1998; \
                 the 5th day of\n---\nOctober, 2004; Friday, March 20, 2020"
            ),
            [
                ("2017-07-01".to_owned(), "first day of July, 2017"),
                ("2019-03-21".to_owned(), "twenty-first day of March 2019"),
                ("1996-01-01".to_owned(), "first (1st) day of January, 1996"),
                ("2003-06-02".to_owned(), "(2nd) day of June 2003"),
                ("2006-05-01".to_owned(), "1 st day of May 2006"),
                ("2016-02-17".to_owned(), "17t h day of February 2016"),
                ("2012-11-19".to_owned(), "November 19t h, 2012"),
                ("2003-03-03".to_owned(), "3rd of March, 2003"),
                ("1998-03-20".to_owned(), "20 March day of 1998"),
                ("2004-10-05".to_owned(), "5th day of\n---\nOctober, 2004"),
                ("2020-03-20".to_owned(), "Friday, March 20, 2020"),
            ]
        );
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(
            dated(
                "signed 3-14-18 and 12-23-2019; due 18/9/2008; valid from 01.06.2010; \
                 filed 2010-06-01; call 1-800-12-2019; see section 4.1.2; as of _Dec. 8, 2005"
            ),
            [
                ("2018-03-14".to_owned(), "3-14-18"),
                ("2019-12-23".to_owned(), "12-23-2019"),
                ("2008-09-18".to_owned(), "18/9/2008"),
                ("2010-06-01".to_owned(), "01.06.2010"),
                ("2010-06-01".to_owned(), "2010-06-01"),
                ("2005-12-08".to_owned(), "Dec. 8, 2005"),
            ]
        );
        assert!(dated("version 3-14/18 of the form").is_empty());
    }

    #[test]
    fn dates_with_blanks() {
        assert_eq!(
            dated(
                "the [●] day of [●], 2019; as of [•], 2020; the [ ] day of [ ], 2021; \
                 this day of , 2014; _______ __, 2000; this ____ day of March, 2018"
            ),
            [
                ("2019".to_owned(), "[●] day of [●], 2019"),
                ("2020".to_owned(), "[•], 2020"),
                ("2021".to_owned(), "[ ] day of [ ], 2021"),
                ("2014".to_owned(), "day of , 2014"),
                ("2000".to_owned(), "_______ __, 2000"),
                ("2018-03".to_owned(), "____ day of March, 2018"),
            ]
        );
    }

    /// The agreement date of `text` and the text it was read from.
    fn agreement(text: &str) -> Option<(String, &str)> {
        let fact = ContractFacts::from_text(text).agreement_date?;
        let FactValue::Date { iso } = fact.value else { unreachable!("a date") };
        Some((iso, &text[fact.span]))
    }

    #[test]
    fn agreement_date_skips_other_contracts() {
        let amendment = "SECOND AMENDMENT\n\nThis Second Amendment to the Supply Agreement dated \
                         April 1, 2017 between Alpha Ltd. and Beta L.P. (the \"Agreement\") is \
                         made this 22nd day of June 2018.";
        assert_eq!(agreement(amendment), Some(("2018-06-22".to_owned(), "22nd day of June 2018")));
        let recital = "LICENSE AGREEMENT\n\nThis License Agreement is made between Alpha Ltd. and \
                       Beta Inc.\n\nWHEREAS, the parties entered into a Services Agreement dated \
                       as of March 3, 2010;\n\nWHEREAS, Beta previously agreed (by a letter \
                       dated May 1, 2011) to license its marks;\n\n1. Grant. Alpha may use the \
                       marks.\n\nIN WITNESS WHEREOF, the parties have signed this Agreement on \
                       May 5, 2012.";
        assert_eq!(agreement(recital), Some(("2012-05-05".to_owned(), "May 5, 2012")));
        let closing = format!(
            "SUPPLY AGREEMENT\n\nAlpha and Beta agree as follows.\n\n{}14.6 This Agreement is \
             dated April 29, 2010.",
            "1. Supply. Alpha shall supply the goods. ".repeat(700)
        );
        assert_eq!(agreement(&closing), Some(("2010-04-29".to_owned(), "April 29, 2010")));
    }

    #[test]
    fn agreement_date_of_letters_and_covers() {
        let letter = format!(
            "ACME CORP.\n12 Main Street\n\nJuly 20, 2018\n\nDear Ms. Smith:\n\n{}This letter \
             agreement will be effective as of July 1, 2018.",
            "We are pleased to engage you as a consultant. ".repeat(60)
        );
        assert_eq!(agreement(&letter), Some(("2018-07-20".to_owned(), "July 20, 2018")));
        let cover = "Services Agreement\n\nAlpha Ltd.\nand\nBeta Ltd.\n\nSeptember 2018\n\n\
                     THIS SERVICES AGREEMENT (this \"Agreement\") is made on 25 September 2018 \
                     BETWEEN Alpha Ltd. and Beta Ltd.";
        assert_eq!(agreement(cover), Some(("2018-09-25".to_owned(), "25 September 2018")));
        let restated = "AMENDED AND RESTATED AGENCY AGREEMENT\nby and between\nAlpha and Beta\n\
                        Effective as of September 30, 1998\n\nTABLE OF CONTENTS\n1. Definitions \
                        1\n\nTHIS AMENDED AND RESTATED AGENCY AGREEMENT by and between Alpha Inc., \
                        a Delaware corporation (\"Alpha\"), and Beta LLC (\"Beta\"), is entered \
                        into on August 31, 2017.";
        assert_eq!(agreement(restated), Some(("2017-08-31".to_owned(), "August 31, 2017")));
        let offering = "AGENCY AGREEMENT\n\n, 2009\n\nLadies and Gentlemen:\n\nThe Company will \
                        offer shares to depositors with balances as of March 31, 2008.";
        assert_eq!(agreement(offering), Some(("2009".to_owned(), ", 2009")));
    }

    #[test]
    fn agreement_date_with_blanks() {
        let cases = [
            ("This Agreement is made and entered into as of ________, 2019 by Alpha.", "2019"),
            ("This Agreement is effective as of , 2020 (the \"Effective Date\").", "2020"),
            ("This Amendment is entered into on 2018 (the \"Effective Date\").", "2018"),
            ("THIS AGREEMENT made this 30th day of April (the \"Effective Date\").", "--04-30"),
            ("This Agreement is made as of September ___, 2019.", "2019-09"),
        ];
        for (text, expected) in cases {
            assert_eq!(agreement(text).map(|(iso, _)| iso).as_deref(), Some(expected), "{text}");
        }
        let blank = "SUPPLY AGREEMENT\nDATED AS OF [●]\n\nWHEREAS, Alpha and Beta entered into a \
                     Separation Agreement, dated as of July 29, 2019.";
        assert_eq!(agreement(blank), None);
        let (_, source) = agreement("THIS AGREEMENT made this 30th day of April (the ...").unwrap();
        assert_eq!(source, "30th day of April");
    }

    #[test]
    fn agreement_date_from_signatures() {
        let effective = "DISTRIBUTOR AGREEMENT\n\nAgreement Number: 12 Effective Date: March 1, \
                         1996\n\nAlpha appoints Beta as a distributor.\n\nBy: /s/ A. Smith By: /s/ \
                         B. Jones\nDate: October 16, 1996 Date: November 5, 1996\n";
        assert_eq!(agreement(effective), Some(("1996-11-05".to_owned(), "November 5, 1996")));
        let as_of_effective = format!(
            "{effective}\nIN WITNESS WHEREOF, the parties have executed this Agreement as of the \
             Effective Date."
        );
        assert_eq!(agreement(&as_of_effective).map(|(iso, _)| iso).as_deref(), Some("1996-03-01"));
        let unlabelled = "JOINT FILING AGREEMENT\n\nThe undersigned agree to file jointly.\n\n\
                          January 22, 2020\n(Date)\n/s/ A. Smith";
        assert_eq!(agreement(unlabelled), Some(("2020-01-22".to_owned(), "January 22, 2020")));
    }

    #[test]
    fn agreement_date_ignores_deadlines_and_footers() {
        let text = "DISTRIBUTION AGREEMENT\n\nINITIAL PERIOD: April 15, 2000 through October \
                    15, 2000\n\nThe Distributor must order products by May 1, 2000.\n\nSource: \
                    ACME INC, 10-K, 3/21/2001\n\nCommencement Date: June 1, 2000";
        assert_eq!(agreement(text), None);
    }

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
    fn renewal_term_and_notice() {
        let text = "This agreement shall automatically renew for additional successive terms of \
                    twelve (12) months each at the end of the Initial Term, unless either party \
                    notifies the other in writing at least sixty (60) days prior to the end of the \
                    Initial Term. Payment is due in 30 days.";
        let facts = ContractFacts::from_text(text);
        let d = |f: Option<Fact>| match f.map(|f| f.value) {
            Some(FactValue::Duration(d)) => Some(d),
            _ => None,
        };
        assert_eq!(
            d(facts.renewal_term.clone()),
            Some(Duration { amount: 12, unit: TimeUnit::Month })
        );
        assert_eq!(
            d(facts.notice_period.clone()),
            Some(Duration { amount: 60, unit: TimeUnit::Day })
        );
        let span = facts.notice_period.unwrap().span;
        assert_eq!(&text[span], "sixty (60) days");
        assert!(ContractFacts::from_text("Payment is due in 30 days.").renewal_term.is_none());
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
