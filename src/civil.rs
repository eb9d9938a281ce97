//! Calendar arithmetic: the one definition of a valid date, shared by every stage.
//!
//! Dates in clausal are proleptic Gregorian civil dates without a time zone: the date of an
//! email header, of a contract's recitals, of a review decision. Every module that reads,
//! validates or counts dates goes through this leaf, so `2021-02-31` is refused everywhere the
//! same way and month ends are handled once. The arithmetic itself is [`jiff`]'s: adding months
//! keeps the day of the month, or the month's last day when it has fewer days (31 January + 1
//! month = 28 or 29 February).
//!
//! Day counts are days since 1970-01-01, the unit the index stores dates in.

use jiff::Span;
use jiff::civil::Date;

/// 1970-01-01, day 0 of the day counts in this module.
const EPOCH: Date = Date::constant(1970, 1, 1);

/// The date `year-month-day` when it exists in the proleptic Gregorian calendar (years -9999 to
/// 9999), else `None`: `date(2021, 2, 31)` is `None`, `date(2020, 2, 29)` is a date.
pub(crate) fn date(year: i64, month: i64, day: i64) -> Option<Date> {
    Date::new(i16::try_from(year).ok()?, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// Days since 1970-01-01 of `date` (negative before).
pub(crate) fn days_since_epoch(date: Date) -> i64 {
    // A date-to-date difference in days cannot fail: both ends are in jiff's range.
    EPOCH.until((jiff::Unit::Day, date)).map_or(0, |span| i64::from(span.get_days()))
}

/// The date `days` days after 1970-01-01, or `None` outside jiff's years -9999 to 9999.
pub(crate) fn from_days(days: i64) -> Option<Date> {
    // `try_days`, not `days`: the latter panics outside its range, and day counts come from
    // documents (an Outlook FILETIME, a renewal rolled forward).
    EPOCH.checked_add(Span::new().try_days(days).ok()?).ok()
}

/// `date` plus `months` calendar months: the same day of the month, or that month's last day.
pub(crate) fn add_months(date: Date, months: i64) -> Option<Date> {
    date.checked_add(Span::new().try_months(months).ok()?).ok()
}

/// Reads the date part of an ISO 8601 / RFC 3339 string: `YYYY`, `YYYY-MM`, or
/// `YYYY-MM-DD` followed by anything (a time, an offset). A missing month or day is the first.
/// Years outside 1000 to 9999 and dates that do not exist are `None`.
pub(crate) fn parse_iso_date(s: &str) -> Option<Date> {
    let mut parts = s.get(..s.len().min(10))?.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: i64 = parts.next().map_or(Some(1), |d| d.get(..2).unwrap_or(d).parse().ok())?;
    if !(1000..=9999).contains(&year) {
        return None;
    }
    date(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_dates_are_gregorian_dates() {
        assert!(date(2021, 2, 31).is_none());
        assert!(date(2021, 2, 29).is_none());
        assert!(date(2020, 2, 29).is_some());
        assert!(date(1900, 2, 29).is_none());
        assert!(date(2000, 2, 29).is_some());
        assert!(date(2021, 13, 1).is_none());
        assert!(date(2021, 0, 1).is_none());
        assert!(date(2021, 4, 31).is_none());
        assert!(date(100_000, 1, 1).is_none());
    }

    #[test]
    fn day_counts_round_trip() {
        assert_eq!(days_since_epoch(date(1970, 1, 1).unwrap()), 0);
        assert_eq!(days_since_epoch(date(2020, 3, 1).unwrap()), 18_322);
        assert_eq!(days_since_epoch(date(1969, 12, 31).unwrap()), -1);
        assert_eq!(days_since_epoch(date(1601, 1, 1).unwrap()), -134_774);
        for days in [-800_000, -134_774, -1, 0, 1, 18_322, 2_932_896] {
            assert_eq!(days_since_epoch(from_days(days).unwrap()), days);
        }
        assert!(from_days(i64::MAX).is_none());
        assert!(from_days(i64::MIN).is_none());
        assert!(from_days(3_000_000).is_none()); // after 9999-12-31
    }

    #[test]
    fn months_are_added_to_month_ends() {
        let jan31 = date(2024, 1, 31).unwrap();
        assert_eq!(add_months(jan31, 1), date(2024, 2, 29));
        assert_eq!(add_months(jan31, 13), date(2025, 2, 28));
        assert_eq!(add_months(jan31, 3), date(2024, 4, 30));
        assert_eq!(add_months(date(2019, 3, 1).unwrap(), 36), date(2022, 3, 1));
        assert!(add_months(jan31, i64::MAX).is_none());
        assert!(add_months(jan31, 200_000).is_none());
    }

    #[test]
    fn iso_dates_parse_with_and_without_parts() {
        assert_eq!(parse_iso_date("2020-03-01T10:00:00+02:00"), date(2020, 3, 1));
        assert_eq!(parse_iso_date("2019-03"), date(2019, 3, 1));
        assert_eq!(parse_iso_date("2019"), date(2019, 1, 1));
        assert!(parse_iso_date("--03-01").is_none());
        assert!(parse_iso_date("2019-13-01").is_none());
        assert!(parse_iso_date("2021-02-31").is_none());
        assert!(parse_iso_date("0999-01-01").is_none());
    }
}
