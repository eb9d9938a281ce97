//! Decision times: a UTC instant with millisecond precision, written as RFC 3339, and the clock
//! that stamps them.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::civil;
use crate::error::Error;

/// A UTC instant with millisecond precision, between the years 1 and 9999.
///
/// It is written in one canonical RFC 3339 form, `2026-11-22T23:05:35.123Z` (always UTC, always
/// three fraction digits), which is how the review store keeps it and how it serialises. Parsing
/// also accepts other RFC 3339 forms: no or more fraction digits (cut to milliseconds), a lower
/// case `t`/`z`, and a numeric offset such as `+01:00`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z in milliseconds since the Unix epoch.
const MIN_MILLIS: i64 = -62_135_596_800_000;
const MAX_MILLIS: i64 = 253_402_300_799_999;

impl Timestamp {
    /// The current time of the system clock.
    pub fn now() -> Timestamp {
        let millis = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(MAX_MILLIS),
            Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(-MIN_MILLIS),
        };
        Timestamp(millis.clamp(MIN_MILLIS, MAX_MILLIS))
    }

    /// The instant `millis` milliseconds after 1970-01-01T00:00:00Z (before it when negative).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`](crate::error::ErrorKind::InvalidArgument) when the instant is
    /// outside the years 1 to 9999.
    pub fn from_unix_millis(millis: i64) -> crate::error::Result<Timestamp> {
        if (MIN_MILLIS..=MAX_MILLIS).contains(&millis) {
            Ok(Timestamp(millis))
        } else {
            Err(Error::invalid_argument(format!("timestamp {millis} ms is outside years 1-9999")))
        }
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub fn unix_millis(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.div_euclid(1000);
        let millis = self.0.rem_euclid(1000);
        // In range: a Timestamp is within the years 1 to 9999.
        let date = civil::from_days(secs.div_euclid(86_400)).ok_or(fmt::Error)?;
        let (year, month, day) = (date.year(), date.month(), date.day());
        let rem = secs.rem_euclid(86_400);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }
}

impl FromStr for Timestamp {
    type Err = Error;

    fn from_str(s: &str) -> crate::error::Result<Timestamp> {
        parse_rfc3339(s.as_bytes())
            .and_then(|millis| Timestamp::from_unix_millis(millis).ok())
            .ok_or_else(|| Error::invalid_argument(format!("not an RFC 3339 time: {s:?}")))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f+](Z|±HH:MM)` to milliseconds since the epoch.
fn parse_rfc3339(s: &[u8]) -> Option<i64> {
    fn num(s: &[u8]) -> Option<i64> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(s.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    }
    if s.len() < 20 || s[4] != b'-' || s[7] != b'-' || !matches!(s[10], b'T' | b't' | b' ') {
        return None;
    }
    if s[13] != b':' || s[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(&s[0..4])?, num(&s[5..7])?, num(&s[8..10])?);
    let (hour, minute, second) = (num(&s[11..13])?, num(&s[14..16])?, num(&s[17..19])?);
    let mut rest = &s[19..];
    let mut millis = 0;
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let mut padded = [b'0'; 3];
        for (p, d) in padded.iter_mut().zip(&frac[..digits]) {
            *p = *d;
        }
        millis = num(&padded)?;
        rest = &frac[digits..];
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (h, m) = (num(&[*h1, *h2])?, num(&[*m1, *m2])?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    let date = civil::date(year, month, day)?;
    // A leap second (:60) is read as the last millisecond of its minute.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let (second, millis) = if second == 60 { (59, 999) } else { (second, millis) };
    let days = civil::days_since_epoch(date);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(secs * 1000 + millis)
}

/// Where the review store gets the time of a decision.
///
/// By default this is the system clock ([`Clock::system`]). Tests and imports pass a fixed or
/// scripted one ([`Clock::fixed`], [`Clock::from_fn`]) to
/// [`ReviewStore::with_clock`](crate::review::ReviewStore::with_clock).
#[derive(Clone)]
pub struct Clock(ClockImpl);

#[derive(Clone)]
enum ClockImpl {
    System,
    Fixed(Timestamp),
    Func(Arc<dyn Fn() -> Timestamp + Send + Sync>),
}

impl Clock {
    /// The system clock, in UTC.
    pub fn system() -> Clock {
        Clock(ClockImpl::System)
    }

    /// A clock stopped at `time`.
    pub fn fixed(time: Timestamp) -> Clock {
        Clock(ClockImpl::Fixed(time))
    }

    /// A clock that asks `f` for the time, e.g. one that advances a step per call.
    pub fn from_fn(f: impl Fn() -> Timestamp + Send + Sync + 'static) -> Clock {
        Clock(ClockImpl::Func(Arc::new(f)))
    }

    /// The current time by this clock.
    pub fn now(&self) -> Timestamp {
        match &self.0 {
            ClockImpl::System => Timestamp::now(),
            ClockImpl::Fixed(t) => *t,
            ClockImpl::Func(f) => f(),
        }
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            ClockImpl::System => f.write_str("Clock::system()"),
            ClockImpl::Fixed(t) => write!(f, "Clock::fixed({t})"),
            ClockImpl::Func(_) => f.write_str("Clock::from_fn(..)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_rfc3339() {
        let t = Timestamp::from_unix_millis(1_234_567_890_123).unwrap();
        assert_eq!(t.to_string(), "2009-02-13T23:31:30.123Z");
        assert_eq!("2009-02-13T23:31:30.123Z".parse::<Timestamp>().unwrap(), t);
        assert_eq!("2009-02-14T00:31:30.123456+01:00".parse::<Timestamp>().unwrap(), t);
        assert_eq!("2009-02-13t23:31:30z".parse::<Timestamp>().unwrap().unix_millis() % 1000, 0);
        let epoch = Timestamp::from_unix_millis(0).unwrap();
        assert_eq!(epoch.to_string(), "1970-01-01T00:00:00.000Z");
        let before = Timestamp::from_unix_millis(-1).unwrap();
        assert_eq!(before.to_string(), "1969-12-31T23:59:59.999Z");
        for bad in [
            "",
            "2009-02-30T00:00:00Z",
            "2009-13-01T00:00:00Z",
            "2009-02-13T23:31:30",
            "2009-02-13T23:31:30.Z",
            "2009-02-13T24:00:00Z",
            "２009-02-13T23:31:30Z",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
    }

    #[test]
    fn round_trips_over_the_whole_range() {
        let mut millis = MIN_MILLIS;
        while millis <= MAX_MILLIS {
            let t = Timestamp::from_unix_millis(millis).unwrap();
            assert_eq!(t.to_string().parse::<Timestamp>().unwrap(), t, "{t}");
            millis += 86_399_999 * 37 + 7;
        }
        let max = Timestamp::from_unix_millis(MAX_MILLIS).unwrap();
        assert_eq!(max.to_string(), "9999-12-31T23:59:59.999Z");
        assert_eq!(
            Timestamp::from_unix_millis(MIN_MILLIS).unwrap().to_string(),
            "0001-01-01T00:00:00.000Z"
        );
        assert!(Timestamp::from_unix_millis(MAX_MILLIS + 1).is_err());
    }

    #[test]
    fn clocks() {
        let t = Timestamp::from_unix_millis(42).unwrap();
        assert_eq!(Clock::fixed(t).now(), t);
        assert!(Clock::system().now() > Timestamp::from_unix_millis(1_700_000_000_000).unwrap());
        assert_eq!(Clock::from_fn(move || t).now(), t);
    }
}
