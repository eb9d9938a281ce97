//! Calendar dates as contracts print them.
//!
//! [`dates`] reads "June 1, 2010", "June 1st, 2010", "the 1st (or first) day of June, 2010",
//! "1 June 2010", "06/01/2010" and "6-1-10" (month first, unless the first number cannot be a
//! month), "01.06.2010" (day first), "2010-06-01", "June 2010", and dates with blanks ("June
//! ___, 2010", "the [●] day of [●], 2010"), each normalised to ISO 8601 with the parts that are
//! known (`2020-03-20`, `2020-03`, `2020`). The pattern pieces (month names, ordinal days,
//! blanks, years) are shared with the agreement-date reader.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{Fact, FactValue, ascii_regex};

/// Month names and their abbreviations ("Sept.", "JUNE"), as a regex alternation.
pub(super) const MONTH_NAMES: &str = r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?";
/// Day names, skipped where a date prints one ("Friday, March 20, 2020").
const WEEKDAYS: &str = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day";
/// An ordinal suffix, also split by PDF text extraction ("1 st", "1s t", "17t h").
const SUFFIX: &str = r"(?:\s?(?:st|nd|rd|th)|s\s?t|n\s?d|r\s?d|t\s?h)\b";
/// A blank left for a date to be filled in: underscores, or brackets around nothing, a dot or
/// a bullet ("[ ]", "[●]", "[•]", "[·]", "[*]").
pub(super) const BLANK: &str = r"(?:_{2,}|\[[\s_●•·*]*\])";
/// A year of the 20th or 21st century.
pub(super) const YEAR: &str = r"(?P<year>(?:19|20)\d{2})\b";

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
pub(super) fn day_pattern() -> String {
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

/// Every date in `text` in order of position: the most specific pattern first, and a match
/// that overlaps an earlier accepted one is dropped.
pub(super) fn dates(text: &str) -> Vec<Fact> {
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

pub(super) fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let months =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    months.iter().position(|m| lower.starts_with(m)).map(|i| i as u32 + 1)
}

/// "1", "01", "first", "Twenty-First".
pub(super) fn day_number(day: &str) -> Option<u32> {
    if let Ok(n) = day.parse() {
        return Some(n);
    }
    let lower = day.to_ascii_lowercase();
    let lower = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    ORDINAL_WORDS.iter().find(|(w, _)| *w == lower).map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::facts::extract_facts;

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
}
