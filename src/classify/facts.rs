//! Facts that drive deadlines: dates, durations, money, percentages, parties, governing law.
//!
//! [`extract_facts`] finds typed values in a text and keeps the byte span each came from, so a
//! deadline computed from them can always point back to its words. Values are normalised:
//! dates to ISO 8601 (`2020-03-20`, or `2020-03` / `2020` when the day or month is left blank,
//! as in "this ___ day of ______, 2020"), durations to an amount and a unit, money to an amount
//! and an ISO 4217 code, jurisdictions to their name ("New York", "England and Wales").
//!
//! [`ContractFacts::from_text`] reads a whole contract for the facts a legal team tracks: the
//! agreement date (the first date of the preamble), the governing law, the renewal term and the
//! notice period to stop a renewal (from the sentences that provide for renewal).

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
    /// A calendar date, ISO 8601; `YYYY-MM` or `YYYY` when the rest is blank.
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

/// The same alternatives as [`MONTHS`], captured as `month2`.
const MONTHS2: &str = r"(?P<month2>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";
const MONTHS: &str = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";

static DATE_MDY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{MONTHS}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<year>(?:19|20)\d{{2}})\b"
    ))
    .expect("regex")
});
static DATE_DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?{MONTHS}\s*,?\s*(?:in\s+the\s+year\s+)?(?P<year>(?:19|20)\d{{2}})\b"
    ))
    .expect("regex")
});
static DATE_NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)?\d{2})\b").expect("regex")
});
static DATE_ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b").expect("regex")
});
static DATE_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b{MONTHS}\s*,?\s+(?P<year>(?:19|20)\d{{2}})\b")).expect("regex")
});
/// "this ____ day of ________, 2020", "as of _________, 2019".
static DATE_BLANK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:{MONTHS}\s*)?(?:_{{2,}}|\[\s*\])\s*(?:(?:st|nd|rd|th)\s+)?(?:day\s+of\s+(?:_{{2,}}|\[\s*\]|{MONTHS2}))?\s*,?\s*(?P<year>(?:19|20)\d{{2}})\b"
    ))
    .expect("regex")
});

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
    Regex::new(&format!(
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
    Regex::new(r"(?i)\b(?P<num>\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)").expect("regex")
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

/// Every date in `text`, most specific pattern first; overlapping matches are dropped.
fn dates(text: &str) -> Vec<Fact> {
    let mut found: Vec<Fact> = Vec::new();
    let mut push = |span: Range<usize>, iso: Option<String>| {
        if let Some(iso) = iso
            && !found.iter().any(|f| f.span.start < span.end && span.start < f.span.end)
        {
            found.push(Fact { value: FactValue::Date { iso }, span });
        }
    };
    for c in DATE_MDY.captures_iter(text).chain(DATE_DMY.captures_iter(text)) {
        let iso = iso_date(
            c.name("year").map(|m| m.as_str()),
            c.name("month").and_then(|m| month_number(m.as_str())),
            c.name("day").and_then(|d| d.as_str().parse().ok()),
        );
        push(c.get(0).map(|m| m.range()).unwrap_or_default(), iso);
    }
    for c in DATE_ISO.captures_iter(text).chain(DATE_NUMERIC.captures_iter(text)) {
        let year = c.name("y").map(|y| y.as_str()).map(|y| {
            if y.len() == 2 {
                let n: u32 = y.parse().unwrap_or(0);
                format!("{}", if n < 50 { 2000 + n } else { 1900 + n })
            } else {
                y.to_owned()
            }
        });
        let (mut m, mut d): (Option<u32>, Option<u32>) = (
            c.name("m").and_then(|m| m.as_str().parse().ok()),
            c.name("d").and_then(|d| d.as_str().parse().ok()),
        );
        // US month-first unless that cannot be ("29/3/18" is day-first).
        if m.is_some_and(|m| m > 12) && d.is_some_and(|d| d <= 12) {
            (m, d) = (d, m);
        }
        let iso = iso_date(year.as_deref(), m, d);
        push(c.get(0).map(|m| m.range()).unwrap_or_default(), iso);
    }
    for c in DATE_BLANK.captures_iter(text).chain(DATE_MONTH_YEAR.captures_iter(text)) {
        let iso = iso_date(
            c.name("year").map(|m| m.as_str()),
            c.name("month").or(c.name("month2")).and_then(|m| month_number(m.as_str())),
            None,
        );
        push(c.get(0).map(|m| m.range()).unwrap_or_default(), iso);
    }
    found
}

fn iso_date(year: Option<&str>, month: Option<u32>, day: Option<u32>) -> Option<String> {
    let year: u32 = year?.parse().ok()?;
    match (month, day) {
        (Some(m @ 1..=12), Some(d @ 1..=31)) => Some(format!("{year:04}-{m:02}-{d:02}")),
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

/// The date a contract is dated: the first date right after a dating cue ("dated",
/// "made and entered into as of", "effective as of") in the first 25,000 bytes (a table of
/// contents can come first); else the first date of the first 3,000 bytes; else the last
/// "Date:" line of the signature blocks.
fn agreement_date(text: &str) -> Option<Fact> {
    static CUE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:dated|made|entered\s+into|executed|effective|as\s+of|agreement\s+date|effective\s+date)\b")
            .expect("regex")
    });
    static SIGNED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\bdate[d]?\s*:\s*").expect("regex"));
    let head = &text[..floor_boundary(text, 25_000)];
    let all = dates(head);
    let cue_ends: Vec<usize> = CUE.find_iter(head).map(|m| m.end()).collect();
    if let Some(f) =
        all.iter().find(|f| cue_ends.iter().any(|&e| e <= f.span.start && f.span.start - e <= 60))
    {
        return Some(f.clone());
    }
    if let Some(f) = all.iter().filter(|f| f.span.start < 3000).min_by_key(|f| f.span.start) {
        return Some(f.clone());
    }
    let signed: Vec<usize> = SIGNED.find_iter(text).map(|m| m.end()).collect();
    dates(text)
        .into_iter()
        .rfind(|f| signed.iter().any(|&e| e <= f.span.start && f.span.start - e <= 5))
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
        for text in
            ["", "é", "governed by the laws of", "renew automatically for ( days", "€", "__ 2020"]
        {
            let _ = extract_facts(text);
            let _ = ContractFacts::from_text(text);
        }
    }
}
