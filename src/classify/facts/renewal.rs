//! Renewal: the length of a contract's renewal term and the notice that stops a renewal.
//!
//! [`renewal`] reads the first sentence that provides for renewal ("shall automatically renew
//! for successive terms of twelve (12) months ... unless either party gives sixty (60) days'
//! notice prior to ..."): a duration followed by "prior to", "before" or "notice", or after
//! "at least" or "upon", is the notice period; the first other one the renewal term.

use std::sync::LazyLock;

use regex::Regex;

use super::durations::durations;
use super::{Duration, Fact, FactValue, TimeUnit, floor_boundary};

static RENEWAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:automatic(?:ally)?\s+(?:be\s+)?(?:renew|extend)|renew(?:ed|s)?\s+(?:automatically|for|thereafter)|extended\s+(?:automatically\s+)?for\s+(?:an?\s+)?(?:additional|successive|further|subsequent)|(?:successive|additional|subsequent|further)\s+(?:renewal\s+)?(?:term|period)s?\s+of|renewal\s+terms?\s+of|renewable\s+for|renewable\s+(?:one|two|three|\d+)[\s-]+(?:year|month)|(?:option|right)\s+to\s+(?:renew|extend)|(?:may|shall|will)\s+(?:be\s+)?(?:renew(?:ed)?|extend(?:ed)?)\s+(?:\w+\s+){0,6}?for|extend\s+automatically|renew\s+automatically|automatic\s+(?:annual\s+|yearly\s+)?(?:renewals?|extensions?)|from\s+year\s+to\s+year|year-to-year\s+basis)")
        .expect("regex")
});
/// Lengths written as adjectives: "one-year terms", "1-year", "annual renewals", "from year to
/// year", "monthly periods", "half a year".
static ADJECTIVE_LENGTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(?P<w>one|two|three|four|five|six|seven|ten|twelve)|\(?(?P<n>\d{1,2})\)?)\s*-\s*(?P<u>year|month)\b|\b(?P<annual>annual(?:ly)?|yearly|year\s+to\s+year|year-to-year)\b|\b(?P<monthly>monthly|month\s+to\s+month|month-to-month)\b|\b(?P<half>half\s+a\s+year)\b")
        .expect("regex")
});

/// Every length in a renewal sentence: durations as [`durations`] reads them, and the
/// adjective forms of [`ADJECTIVE_LENGTH`], in order.
fn renewal_lengths(sentence: &str) -> Vec<(std::ops::Range<usize>, Duration)> {
    let mut out = durations(sentence);
    for c in ADJECTIVE_LENGTH.captures_iter(sentence) {
        let Some(whole) = c.get(0) else { continue };
        if out.iter().any(|(s, _)| s.start < whole.end() && whole.start() < s.end) {
            continue;
        }
        let number = |w: &str| {
            ["one", "two", "three", "four", "five", "six", "seven", "", "", "ten", "", "twelve"]
                .iter()
                .position(|x| !x.is_empty() && x.eq_ignore_ascii_case(w))
                .map(|i| i as u32 + 1)
        };
        let d = if c.name("annual").is_some() {
            Some(Duration { amount: 1, unit: TimeUnit::Year })
        } else if c.name("monthly").is_some() {
            Some(Duration { amount: 1, unit: TimeUnit::Month })
        } else if c.name("half").is_some() {
            Some(Duration { amount: 6, unit: TimeUnit::Month })
        } else {
            let amount = c
                .name("n")
                .and_then(|n| n.as_str().parse().ok())
                .or_else(|| c.name("w").and_then(|w| number(w.as_str())));
            let unit = match c.name("u").map(|u| u.as_str().to_ascii_lowercase()).as_deref() {
                Some("year") => Some(TimeUnit::Year),
                Some("month") => Some(TimeUnit::Month),
                _ => None,
            };
            amount.zip(unit).map(|(amount, unit)| Duration { amount, unit })
        };
        if let Some(d) = d {
            out.push((whole.range(), d));
        }
    }
    out.sort_by_key(|(s, _)| s.start);
    out
}
static NOTICE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:\S+\s+){0,3}?(?:prior\s+to|before|in\s+advance\s+of|preceding)")
        .expect("regex")
});

/// The renewal term and the notice period to stop a renewal, from the first sentence that
/// provides for renewal.
pub(super) fn renewal(text: &str) -> (Option<Fact>, Option<Fact>) {
    for m in RENEWAL.find_iter(text) {
        let (start, end) = sentence_around(text, m.start());
        let sentence = &text[start..end];
        let durations = renewal_lengths(sentence);
        if durations.is_empty() {
            continue;
        }
        let trigger = m.start() - start;
        // The renewal term: the first duration after the trigger that is not followed by
        // "prior to / before" (those are notice periods).
        let mut term = None;
        let mut before = None;
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
            } else if span.start >= trigger {
                term.get_or_insert(fact);
            } else if span.start + 200 >= trigger {
                before.get_or_insert(fact);
            }
        }
        // A length before the trigger ("for two (2) years with automatic renewals") only when
        // none follows it: one before is usually the initial term's.
        let term = term.or(before);
        if term.is_some() || notice.is_some() {
            // The notice is often in a sentence of its own after the renewal sentence ("Either
            // party may give notice of non-renewal at least 90 days before ...").
            let notice = notice
                .or_else(|| non_renewal_notice(text, end, 800))
                .or_else(|| non_renewal_notice(text, 0, text.len()));
            return (term, notice);
        }
    }
    (None, None)
}

/// A sentence about stopping a renewal or ending the term at its end.
static NON_RENEWAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:not\s+to\s+(?:renew|extend)|non-?\s*renewal|(?:intention|intent|election|decision)\s+(?:not\s+to\s+renew|to\s+terminate)|terminat\w*\s+(?:this\s+agreement\s+)?(?:at|as\s+of|effective\s+(?:at|as\s+of|upon))\s+the\s+(?:end|expiration|expiry)|at\s+the\s+(?:end|expiration|expiry)\s+of\s+(?:the\s+|its\s+|this\s+|such\s+|each\s+)?(?:initial|then[\s-]+current|current|renewal|any|term\b)\s*(?:renewal\s+)?(?:term)?|(?:prior|before)\s+to\s+(?:the\s+)?(?:end|expiration|expiry)\s+of\s+(?:the\s+)?(?:initial|then[\s-]+current|current|renewal)\s+(?:renewal\s+)?term)")
        .expect("regex")
});

/// The notice period of the first sentence about non-renewal in `text[from..from + len]`: a
/// duration that is a notice ("at least sixty (60) days prior to", "ninety (90) days' notice").
fn non_renewal_notice(text: &str, from: usize, len: usize) -> Option<Fact> {
    let from = floor_boundary(text, from);
    let to = floor_boundary(text, from.saturating_add(len));
    for m in NON_RENEWAL.find_iter(&text[from..to]) {
        let (start, end) = sentence_around(text, from + m.start());
        let sentence = &text[start..end];
        for (span, d) in renewal_lengths(sentence) {
            let after = &sentence[span.end..];
            let before = sentence[..span.start].to_ascii_lowercase();
            let lower_after = after.trim_start().to_ascii_lowercase();
            if NOTICE_BEFORE.is_match(after)
                || before.trim_end().ends_with("at least")
                || before.trim_end().ends_with("not less than")
                || before.trim_end().ends_with("no less than")
                || before.trim_end().ends_with("minimum of")
                || lower_after.starts_with("notice")
                || lower_after.starts_with("written notice")
                || lower_after.starts_with("prior written notice")
                || lower_after.starts_with("'")
                || lower_after.starts_with("’")
            {
                return Some(Fact {
                    value: FactValue::Duration(d),
                    span: start + span.start..start + span.end,
                });
            }
        }
    }
    None
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
    use crate::classify::facts::{ContractFacts, Duration, Fact, FactValue, TimeUnit};

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
}
