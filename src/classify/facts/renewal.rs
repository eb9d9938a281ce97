//! Renewal: the length of a contract's renewal term and the notice that stops a renewal.
//!
//! [`renewal`] reads the first sentence that provides for renewal ("shall automatically renew
//! for successive terms of twelve (12) months ... unless either party gives sixty (60) days'
//! notice prior to ..."): a duration followed by "prior to", "before" or "notice", or after
//! "at least" or "upon", is the notice period; the first other one the renewal term.

use std::sync::LazyLock;

use regex::Regex;

use super::durations::durations;
use super::{Fact, FactValue, floor_boundary};

static RENEWAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:automatic(?:ally)?\s+(?:be\s+)?(?:renew|extend)|renew(?:ed|s)?\s+(?:automatically|for|thereafter)|extended\s+(?:automatically\s+)?for\s+(?:an?\s+)?(?:additional|successive|further|subsequent)|(?:successive|additional|subsequent|further)\s+(?:renewal\s+)?(?:term|period)s?\s+of|renewal\s+terms?\s+of)")
        .expect("regex")
});
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
