//! A rule's fact tests ([`FactTest`]): what the facts of a clause or a contract must (not)
//! say for the rule to apply, each test answering with a line that explains what it found:
//! no amount of money stated, a party other than the team's own side that may terminate, a
//! governing law outside the allowed ones, a renewal notice deadline within a window.

use std::sync::LazyLock;

use regex::Regex;

use super::pack::{FactTest, Rule, Settings};
use super::types::{ClauseInput, DocInput};
use crate::civil;
use crate::classify::facts::{ContractFacts, Fact, FactValue, TimeUnit};

/// Runs a rule's fact tests. `None`: a test failed. Otherwise a line per test.
pub(super) fn test_facts(
    rule: &Rule,
    clause: Option<&ClauseInput<'_>>,
    doc: &DocInput<'_>,
    settings: &Settings,
    as_of: &str,
) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for test in &rule.facts {
        match test {
            FactTest::AmountMissing => {
                let money = |facts: &[Fact]| {
                    facts.iter().any(|f| matches!(f.value, FactValue::Money { .. }))
                };
                let has = match clause {
                    Some(c) => money(c.facts),
                    None => doc.clauses.iter().any(|c| money(c.facts)),
                };
                if has {
                    return None;
                }
                out.push("no amount of money stated".to_owned());
            }
            FactTest::CounterpartyMayTerminate => {
                let text = clause.map_or("", |c| c.text);
                out.push(counterparty_may_terminate(text, &settings.our_roles)?);
            }
            FactTest::GoverningLawNotAllowed => {
                let f = doc.facts?.governing_law.as_ref()?;
                let FactValue::Jurisdiction { name } = &f.value else { return None };
                let lower = name.to_lowercase();
                if settings.allowed_governing_law.is_empty()
                    || settings
                        .allowed_governing_law
                        .iter()
                        .any(|a| lower.contains(&a.to_lowercase()))
                {
                    return None;
                }
                out.push(format!(
                    "governed by the law of {name}, not one of: {}",
                    settings.allowed_governing_law.join(", ")
                ));
            }
            FactTest::RenewalNoticeWithin { days } => {
                let line = renewal_deadline(doc.facts?, as_of, *days)?;
                out.push(line);
            }
            FactTest::BreachNoticeLaterThan { hours } => {
                out.push(breach_notice_later_than(clause?.text, *hours)?);
            }
        }
    }
    Some(out)
}

/// Who a clause lets terminate, against the team's own roles: `None` when only the team's side
/// may; otherwise a line saying who may.
fn counterparty_may_terminate(text: &str, ours: &[String]) -> Option<String> {
    static MAY_TERMINATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"\b((?i:either party|each party|any party|both parties|the parties)|[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?)\s*(?:,[^,]{0,60},\s*)?(?i:may|can|shall\s+(?:have\s+the\s+right|be\s+entitled)\s+to|is\s+entitled\s+to|has\s+the\s+right\s+to|reserves\s+the\s+right\s+to)\s*(?:,[^,]{0,60},\s*)?(?:\w+\s+){0,3}?(?i:terminate)",
        )
        .expect("regex")
    });
    if ours.is_empty() {
        return Some("the team's side is not configured (settings.our_roles)".to_owned());
    }
    let subjects: Vec<String> = MAY_TERMINATE
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().to_owned())
        .collect();
    if subjects.is_empty() {
        return Some("the terminating party is not named".to_owned());
    }
    let is_ours = |s: &str| {
        let s = s.to_lowercase();
        let s = s.trim_start_matches("the ").trim();
        ours.iter().any(|o| s == o.to_lowercase())
    };
    let theirs: Vec<&String> = subjects.iter().filter(|s| !is_ours(s)).collect();
    if theirs.is_empty() {
        return None;
    }
    Some(format!(
        "may terminate: {}",
        theirs.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    ))
}

/// When a clause's breach-notification sentences let the report come later than `bound`
/// hours: a line saying what they set; `None` when they meet the bound or the clause has no
/// such sentence.
pub(super) fn breach_notice_later_than(text: &str, bound: u32) -> Option<String> {
    static NOTIFY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:notif|inform|report|alert|advise|tell)").expect("regex")
    });
    static BREACH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:breach|incident|unauthori[sz]ed\s+(?:access|disclosure|use|acquisition)|compromise|intrusion|loss\s+of\s+(?:personal\s+)?data)",
        )
        .expect("regex")
    });
    static FAST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:without\s+(?:any\s+)?undue\s+delay|immediately|forthwith)\b")
            .expect("regex")
    });
    static VAGUE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:promptly|as\s+soon\s+as\s+(?:reasonably\s+)?(?:practicable|possible|feasible)|in\s+a\s+timely\s+manner|timely|reasonable\s+time|expeditiously|without\s+delay)\b",
        )
        .expect("regex")
    });
    static BOUND: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:within|no\s+later\s+than|not\s+later\s+than|no\s+more\s+than|not\s+more\s+than|not\s+to\s+exceed|in\s+any\s+event\s+within|at\s+the\s+latest\s+within)\s+(?:(?P<word>one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|fifteen|twenty-four|twenty|thirty|forty-eight|seventy-two|ninety)\s*(?:\(\s*\d{1,3}\s*\))?|\(?(?P<num>\d{1,3})\)?)\s*(?P<kind>business\s+|working\s+|calendar\s+)?(?P<unit>hour|day|week)s?\b",
        )
        .expect("regex")
    });
    let sentences: Vec<&str> = crate::classify::lexical::sentences(text)
        .into_iter()
        .map(|r| &text[r])
        .filter(|s| NOTIFY.is_match(s) && BREACH.is_match(s))
        .collect();
    if sentences.is_empty() {
        return None;
    }
    // The tightest bound, in hours, with its words.
    let mut tightest: Option<(u32, String)> = None;
    for s in &sentences {
        for c in BOUND.captures_iter(s) {
            let n = match (c.name("num"), c.name("word")) {
                (Some(n), _) => n.as_str().parse::<u32>().ok(),
                (None, Some(w)) => crate::classify::facts::number_word(w.as_str()),
                _ => None,
            };
            let Some(n) = n else { continue };
            let business = c.name("kind").is_some_and(|k| {
                let k = k.as_str().to_ascii_lowercase();
                k.starts_with("business") || k.starts_with("working")
            });
            let unit = c.name("unit").map(|u| u.as_str().to_ascii_lowercase()).unwrap_or_default();
            let hours = match unit.as_str() {
                "hour" => n,
                "day" if business => (n + 2 * n.div_ceil(5)) * 24,
                "day" => n * 24,
                _ => n * 24 * 7,
            };
            if tightest.as_ref().is_none_or(|(h, _)| hours < *h) {
                tightest = Some((hours, c[0].to_owned()));
            }
        }
    }
    let fast = sentences.iter().any(|s| FAST.is_match(s));
    match tightest {
        Some((hours, words)) if hours > bound => {
            Some(format!("breach notification {words:?}: up to {hours} hours, later than {bound}"))
        }
        Some(_) => None,
        None if fast => None,
        None => Some(match sentences.iter().find_map(|s| VAGUE.find(s)) {
            Some(m) => format!("breach notification only {:?}: no time limit", m.as_str()),
            None => "breach notification with no time limit".to_owned(),
        }),
    }
}

/// The next renewal's notice deadline when it falls within `window` days of `as_of`.
fn renewal_deadline(facts: &ContractFacts, as_of: &str, window: u32) -> Option<String> {
    let day = |iso: &str| civil::parse_iso_date(iso);
    let start = match &facts.agreement_date.as_ref()?.value {
        FactValue::Date { iso } => day(iso)?,
        _ => return None,
    };
    let notice = match &facts.notice_period.as_ref()?.value {
        FactValue::Duration(d) => i64::from(d.approx_days()),
        _ => return None,
    };
    // The renewal period in calendar months (years and months), else in days; a year when the
    // contract gives none.
    let (months, days) = match facts.renewal_term.as_ref().map(|f| &f.value) {
        Some(FactValue::Duration(d)) => match d.unit {
            TimeUnit::Year => (i64::from(d.amount) * 12, 0),
            TimeUnit::Month => (i64::from(d.amount), 0),
            _ => (0, i64::from(d.approx_days())),
        },
        _ => (12, 0),
    };
    if months == 0 && days < 28 {
        return None;
    }
    // The k-th renewal: the same day of the month (or the month's last day) k periods on.
    let start_days = civil::days_since_epoch(start);
    let renewal_after = |k: i64| {
        if months > 0 {
            civil::add_months(start, k * months).map(civil::days_since_epoch)
        } else {
            Some(start_days + k * days)
        }
    };
    let today = civil::days_since_epoch(day(as_of)?);
    // The first renewal whose notice deadline is not yet past (at most 10,000 periods on).
    let renewal = (1..10_000).map_while(renewal_after).find(|&r| r - notice >= today)?;
    let deadline = renewal - notice;
    let on = |d: i64| civil::from_days(d).map(|d| d.to_string()).unwrap_or_default();
    (deadline - today <= i64::from(window)).then(|| {
        let days = match deadline - today {
            0 => "today".to_owned(),
            1 => "tomorrow".to_owned(),
            n => format!("in {n} days"),
        };
        format!(
            "notice due {}, {days} ({notice} days before the renewal of {}, counted from the \
             agreement date {})",
            on(deadline),
            on(renewal),
            start
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_deadline_counts_from_the_next_anniversary() {
        use crate::classify::facts::Duration;
        let fact = |value| Some(Fact { value, span: 0..1 });
        let facts = ContractFacts {
            agreement_date: fact(FactValue::Date { iso: "2020-03-01".into() }),
            notice_period: fact(FactValue::Duration(Duration { amount: 60, unit: TimeUnit::Day })),
            ..ContractFacts::default()
        };
        // Next renewal 2026-03-01 (yearly): notice due 60 days before, 2025-12-31.
        let line = renewal_deadline(&facts, "2025-12-01", 90).unwrap();
        assert!(line.contains("notice due 2025-12-31, in 30 days"), "{line}");
        assert!(renewal_deadline(&facts, "2025-06-01", 90).is_none());
        // Past this year's deadline: the next one is a year on.
        assert!(renewal_deadline(&facts, "2026-01-15", 90).is_none());
        assert!(renewal_deadline(&facts, "2026-11-15", 90).is_some());
    }

    #[test]
    fn termination_for_convenience_by_whom() {
        let ours = vec!["Customer".to_owned()];
        let t = |text: &str, ours: &[String]| counterparty_may_terminate(text, ours);
        assert!(t("Either party may terminate this Agreement for convenience.", &ours).is_some());
        assert!(
            t("Supplier may, at any time, terminate this Agreement without cause.", &ours)
                .is_some_and(|l| l.contains("Supplier"))
        );
        assert_eq!(t("The Customer may terminate this Agreement for convenience.", &ours), None);
        assert_eq!(
            t("Customer shall have the right to terminate this Agreement at any time.", &ours),
            None
        );
        assert!(t("This Agreement may be ended on notice.", &ours).is_some());
        assert!(t("Customer may terminate for convenience.", &[]).is_some());
    }
}
