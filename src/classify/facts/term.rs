//! The term of a contract: when it takes effect, how long it runs, when it ends, and how it can
//! be ended for convenience.
//!
//! - `effective_date` reads a stated effective (or commencement) date: `"Effective Date"
//!   means October 31, 2019`, `EFFECTIVE DATE: November 01, 2016`, `effective as of July 1,
//!   2018`, `January 1, 2012 (the "Effective Date")`, `shall commence on March 15, 2018`. A
//!   contract that states none takes effect on its agreement date (the caller decides that).
//! - `term` reads the sentence that sets the term ("The initial term of this Agreement shall
//!   commence on the Effective Date and continue for three (3) years"): a stated end date
//!   ("expire on March 31, 2011", "through June 15, 2001", "until July 31, 2019"), else the
//!   length of the initial term and what it runs from ("five (5) years from the Effective
//!   Date", "until the fifth anniversary of the Effective Date"), else an open end ("until
//!   terminated", "in perpetuity", "indefinitely").
//! - `termination_notice` reads the notice a party must give to terminate for convenience
//!   ("may terminate this Agreement for any reason upon thirty (30) days' prior written
//!   notice").

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::dates::dates;
use super::durations::durations;
use super::{Duration, Fact, FactValue, TimeUnit, ascii_regex, floor_boundary};

/// What the initial term runs from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TermStart {
    /// The effective date (or the date of the agreement, its execution, its signature): the
    /// words as written, e.g. "the Effective Date".
    Effective {
        /// The anchor's words.
        words: String,
    },
    /// A date the sentence gives ("two years from May 1, 2013").
    Date {
        /// ISO 8601.
        iso: String,
        /// The anchor's words.
        words: String,
    },
    /// An event whose date the contract does not give ("the first Commercial Sale", "the
    /// RFCS Date").
    Event {
        /// The event's words.
        words: String,
    },
}

/// The term as a contract sets it.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct TermFacts {
    /// A stated last day of the (initial) term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Fact>,
    /// A stated first day of the term when the term sentence gives one ("commence on November
    /// 1st, 2017").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<Fact>,
    /// The length of the initial term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_term: Option<Fact>,
    /// What the initial term runs from, when its length is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs_from: Option<TermStart>,
    /// The span of words that make the term open-ended ("until terminated", "in perpetuity",
    /// "indefinitely"), when no end or length is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_ended: Option<Range<usize>>,
    /// The span of the sentence the term was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentence: Option<Range<usize>>,
}

/// Cues that introduce a stated effective or commencement date. `defined`: a definition or
/// label (`"Effective Date" means`, `EFFECTIVE DATE:`); `effective`: "effective as of",
/// "to be effective", "effective on"; `start`: "commence on", "begin on".
static EFFECTIVE_CUE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r#"(?i)(?P<defined>["“]?\b(?:effective|commencement|start)\s+date\b["”]?\s*(?:of\s+this\s+(?:agreement|contract)\s*)?(?::|-|–|\bmeans\b|\bshall\s+(?:mean|be)\b|\bis\b))|(?P<effective>\b(?:(?:be|become|becomes|is|made|shall\s+be|will\s+be|take|takes)\s+)?effective\s+(?:as\s+(?:of|from)|on|from|beginning(?:\s+on)?|commencing(?:\s+on)?|with\s+effect\s+from)?)|(?P<start>\b(?:commenc(?:e|es|ing)|begin(?:s|ning)?|start(?:s|ing)?|take\s+effect)\s+(?:on|as\s+of|from)\b)"#)
        .expect("regex")
});
/// A date followed by its definition: `January 1, 2012 (the "Effective Date")`.
static DEFINED_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*,?\s*\(\s*(?:hereinafter\s+)?(?:referred\s+to\s+as\s+)?(?:the\s+)?["“]?(?:Effective|Commencement)\s+Date["”]?"#)
        .expect("regex")
});
/// What may stand between a cue and its date ("as of this", "the day of").
static CUE_TO_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^[\s,:;"“”'’()]*(?:(?:on|as|of|this|the|day|from|and|is|be|date|:)[\s,"“”]+)*$"#)
        .expect("regex")
});

/// The stated effective date, if the contract states one apart from its agreement date.
pub(super) fn effective_date(text: &str) -> Option<Fact> {
    let all = dates(text);
    // A date right before `(the "Effective Date")`.
    let defined_after = all.iter().find(|d| DEFINED_AFTER.is_match(&text[d.span.end..]));
    let cued = EFFECTIVE_CUE.captures_iter(text).find_map(|c| {
        let cue = c.get(0)?;
        // The date of another contract ("the License Agreement effective as of ...") is not
        // this one's.
        let before = &text[floor_boundary(text, cue.start().saturating_sub(120))..cue.start()];
        if c.name("defined").is_none() && refers_to_other_contract(before) {
            return None;
        }
        let date = all.iter().find(|d| d.span.start >= cue.end())?;
        let gap = &text[cue.end()..date.span.start];
        (gap.len() <= 40 && CUE_TO_DATE.is_match(gap)).then(|| date.clone())
    });
    match (defined_after, cued) {
        (Some(a), Some(b)) => Some(if a.span.start <= b.span.start { a.clone() } else { b }),
        (Some(a), None) => Some(a.clone()),
        (None, b) => b,
    }
}

/// Whether the words before a cue name another contract ("pursuant to the Supply Agreement",
/// "the License Agreement") rather than this one.
fn refers_to_other_contract(before: &str) -> bool {
    static OTHER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:the|that|such|said|a|an|prior|original|existing)\s+(?:[A-Z][\w&-]*\s+){0,4}(?:agreement|contract|license|lease|amendment|plan)\s*,?\s*$")
            .expect("regex")
    });
    let lower = before.to_lowercase();
    lower.trim_start().starts_with("whereas") || OTHER.is_match(before)
}

/// A sentence that sets the term of the contract.
static TERM_SENTENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:(?:initial\s+)?term\s+of\s+(?:this|the)\s+(?:agreement|contract|license|appointment|project)|(?:the\s+)?["“]?(?:initial\s+)?(?:term|contract\s+period|duration|cooperation\s+term|initial\s+period)["”]?\s+(?:shall|will|is|means|of\s+this)|terms?\s+of\s+the\s+(?:project|agreement)|this\s+(?:agreement|contract|ip\s+agreement|joint\s+venture|venture|license)\s+(?:shall|will|is)\s+(?:\w+\s+){0,10}?(?:commence|continue|remain|expire|terminate|end|be\s+valid|be\s+in\s+effect|be\s+effective\s+until|in\s+effect|for\s+a\s+term|for\s+the\s+term|extend|come\s+into\s+force|have\s+a\s+(?:term|duration))|(?:shall|will)\s+(?:continue|remain)\s+in\s+(?:full\s+)?(?:force|effect|operation)|(?:shall|will)\s+be\s+in\s+(?:full\s+)?(?:force|effect)\s+until|(?:initial\s+)?term\s+shall|(?:have|has)\s+an?\s+(?:initial\s+)?(?:term|duration)\s+of|\binitial\s+term\s+of\b|\bfixed\s+term\b|(?:shall|will)\s+(?:be|remain)\s+(?:in\s+(?:full\s+)?(?:force|effect)|effective|valid)\s+(?:\w+\s+){0,3}?(?:until|through|for)\b|\b(?:beginning|commencing|starting)\s+(?:on\s+)?[^.;]{0,40}?\band\s+(?:ending|terminating|expiring|concluding)\b|appointment\s+(?:hereunder\s+)?shall\s+commence|this\s+(?:agreement|contract)\s+(?:starts|commences|begins|continues|runs|remains)\b|continues?\s+for\s+(?:an?\s+)?(?:initial\s+)?(?:term|period)\s+of|(?:shall|will)\s+continue\s+(?:indefinitely|in\s+perpetuity|perpetually|until|unless|for\s+(?:a|an|the)\s+(?:period|term)|for\s+\w+\s+\(\d+\)\s+(?:years?|months?)|for\s+\w+\s+(?:years?|months?)))"#)
        .expect("regex")
});
/// Cues that a sentence sets the contract's own term, not some other period.
static STRONG_TERM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:initial\s+)?term\s+of\s+(?:this|the)\s+(?:agreement|contract)\b|\binitial\s+(?:term|period)\b|["“](?:initial\s+)?term["”]|\bthis\s+(?:agreement|contract)\s+(?:shall|will|is)\s+(?:\w+\s+){0,10}?(?:commence|continue|remain|expire|terminate|be\s+valid|be\s+(?:in\s+)?effect|in\s+effect|for\s+a\s+term|come\s+into\s+force|have\s+a\s+(?:term|duration))|\bthis\s+(?:agreement|contract)\s+(?:starts|commences|begins|continues|runs)\b"#)
        .expect("regex")
});
/// Sentences about something other than the contract's own term: what survives it, a
/// licence's or an order's own term, confidentiality that lasts beyond it.
static NOT_THE_TERM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:surviv|confidential|non-?disclosure obligations|after\s+(?:the\s+)?(?:expiration|termination|expiry)|following\s+(?:the\s+)?(?:expiration|termination|expiry)|warranty\s+period|statement\s+of\s+work|purchase\s+order|payment|invoice|shall\s+pay|non-?compet|non-?solicit|restricted\s+period)")
        .expect("regex")
});
/// Words that open a stated end date: "expire on", "until", "through", "ending on", "to".
static END_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:expir(?:e|es|ing)|terminat(?:e|es|ing)|end(?:s|ing)?|conclud(?:e|es|ing)|until|till|through|thru|to|and)\s*(?:on|at\s+midnight\s+on|at\s+the\s+close\s+of\s+business\s+on|on\s+or\s+before)?[\s,]*$")
        .expect("regex")
});
/// "until the end of 2006", "through the end of calendar year 2020".
static END_OF_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:until|through|to)\s+(?P<end>the\s+end\s+of\s+(?:calendar\s+(?:year\s+)?|the\s+year\s+)?(?P<year>(?:19|20)\d{2}))\b")
        .expect("regex")
});
/// Words that open a stated start date.
static START_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:commenc(?:e|es|ing)|begin(?:s|ning)?|start(?:s|ing)?|effective|from|as\s+of)\s*(?:on|as\s+of|from)?[\s,]*(?:the\s+)?$")
        .expect("regex")
});
/// Open-ended terms.
static OPEN_ENDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:in\s+perpetuity|perpetual(?:ly)?|for\s+perpetuity|indefinite(?:ly)?|an\s+indefinite\s+period|(?:unless\s+and\s+)?until\s+(?:(?:it\s+is|this\s+agreement\s+is|so)\s+)?terminated|until\s+(?:either|one|a|any)\s+(?:party|of\s+the\s+parties)|evergreen|no\s+fixed\s+term|for\s+so\s+long\s+as|until\s+(?:the\s+)?(?:earlier|later|expiration|expiry|termination|completion|last|date\s+on\s+which|end\s+of\s+the\s+(?:last|final))\b|(?:shall|will)\s+(?:automatically\s+)?(?:terminate|expire)\s+(?:upon|when|on\s+the\s+(?:date|earlier|later))\s+(?:the\s+)?(?:expiration|expiry|termination|completion|last|earlier|later|date\s+on\s+which)|(?:shall|will)\s+(?:expire|terminate|end)\s+(?:if|when)\b|(?:end|expire|terminate)\s+(?:on\s+the\s+\w+\s+day\s+)?(?:following|after|upon)\s+(?:a\s+|the\s+)?(?:(?:prior\s+)?written\s+)?notice|\bwhen\s+terminated\b)\b")
        .expect("regex")
});
/// "until the fifth (5th) anniversary of": an ordinal number of years.
static ANNIVERSARY: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r"(?i)\b(?P<word>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|fifteenth|twentieth|twenty-fifth)?\s*(?:\(?(?P<num>\d{1,2})\s*(?:st|nd|rd|th)\)?)?\s+anniversary\b")
        .expect("regex")
});
/// What a term runs from: "from the Effective Date", "following the date hereof", "after the
/// RFCS Date".
static RUNS_FROM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)^[\s,)]*(?:(?:period|term)\s+)?(?:(?:commencing|beginning|starting|running|calculated|measured)\s+)?(?:from|after|following|on\s+and\s+after|with\s+effect\s+from|subsequent\s+to|thereafter|(?P<of>of))\b\s*(?P<what>[^.;,()]{0,80})"#)
        .expect("regex")
});
/// Words after "from" / "thereafter" that start another clause of the sentence, not an anchor
/// ("three years thereafter, unless terminated").
static STARTS_A_CLAUSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:unless|subject|provided|and|or|but|except|until|whichever|in\s+each\s+case)\b",
    )
    .expect("regex")
});
/// A length that runs after the contract ends ("two years following the termination hereof").
static POST_TERMINATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s,)]*(?:\w+\s+){0,2}?(?:after|following|from|of|upon|subsequent\s+to)\s+(?:the\s+|its\s+|any\s+|such\s+)?(?:(?:effective\s+date\s+of\s+(?:the\s+)?)?(?:termination|expiration|expiry|end)\b|such\s+termination)")
        .expect("regex")
});
/// Anchors that are the effective date in other words.
static EFFECTIVE_ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:the\s+)?(?:(?:effective|commencement|execution|signature|start)\s+date|date\s+(?:hereof|of\s+(?:this|the)\s+(?:agreement|contract|document)|first\s+(?:above\s+)?(?:written|set\s+forth|stated|mentioned)|(?:above\s+)?written|of\s+(?:execution|signature|signing)|on\s+which\s+(?:this|the)\s+agreement|this\s+agreement)|(?:date\s+of\s+)?(?:execution|signing|signature)|effective\s+date|date\s+above|day\s+and\s+year\s+first)|^thereafter|^(?:the\s+)?date\s+of\s+(?:the\s+)?effective\s+date|^(?:the\s+)?(?:term\s+)?(?:start|commencement|beginning)\s+(?:date|of\s+the\s+term)|^(?:this|the)\s+(?:agreement|contract)\b|^(?:the\s+)?date$")
        .expect("regex")
});

/// The term of the contract, from the sentence that best sets it: of the sentences that read
/// like a term clause and give an end date, a length or an open end, the one with the
/// strongest cues ("the initial term of this Agreement"; an end date or a length in months or
/// years rather than days; not about what survives termination), the first of equals.
pub(super) fn term(text: &str) -> TermFacts {
    let mut best: Option<(i32, TermFacts)> = None;
    let mut searched = 0;
    for m in TERM_SENTENCE.find_iter(text) {
        if m.start() < searched {
            continue;
        }
        let (start, end) = sentence_around(text, m.start());
        searched = end;
        let sentence = &text[start..end];
        let found = read_term(sentence, start);
        let mut score = 0;
        if found.end_date.is_some() || found.initial_term.is_some() {
            score += 4;
        } else if found.open_ended.is_some() {
            score += 1;
        } else {
            continue;
        }
        if STRONG_TERM.is_match(sentence) {
            score += 3;
        }
        match found.initial_term.as_ref().map(|f| &f.value) {
            Some(FactValue::Duration(d)) if matches!(d.unit, TimeUnit::Day | TimeUnit::Week) => {
                score -= 3;
            }
            // Terms run for years more often than for months; a period of months in a term
            // clause is often a notice or a cure period.
            Some(FactValue::Duration(d)) if d.unit == TimeUnit::Year => score += 1,
            _ => {}
        }
        if sentence.to_ascii_lowercase().contains("notice") {
            score -= 1;
        }
        if NOT_THE_TERM.is_match(sentence) {
            score -= 3;
        }
        if matches!(found.runs_from, Some(TermStart::Event { .. })) {
            score -= 1;
        }
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, found));
        }
    }
    best.map(|(_, t)| t).unwrap_or_default()
}

/// Reads one term sentence (`offset`: where it starts in the text).
fn read_term(sentence: &str, offset: usize) -> TermFacts {
    let at = |r: Range<usize>| offset + r.start..offset + r.end;
    let mut out = TermFacts { sentence: Some(at(0..sentence.len())), ..TermFacts::default() };
    // "until the end of 2006": the year's last day.
    if let Some(c) = END_OF_YEAR.captures(sentence)
        && let (Some(whole), Some(year)) = (c.name("end"), c.name("year"))
    {
        out.end_date = Some(Fact {
            value: FactValue::Date { iso: format!("{}-12-31", year.as_str()) },
            span: at(whole.range()),
        });
    }
    for d in dates(sentence) {
        let before =
            &sentence[floor_boundary(sentence, d.span.start.saturating_sub(60))..d.span.start];
        let fact = Fact { value: d.value.clone(), span: at(d.span.clone()) };
        if END_CUE.is_match(before) {
            if out.end_date.is_none()
                || out.end_date.as_ref().is_some_and(|e| e.span.start > fact.span.start)
            {
                out.end_date = Some(fact);
            }
        } else if START_CUE.is_match(before) && out.start_date.is_none() && out.end_date.is_none() {
            out.start_date = Some(fact);
        }
    }
    // The length: the first duration that is not a notice period, or an anniversary.
    let lengths = durations(sentence).into_iter().filter(|(span, _)| !is_notice(sentence, span));
    let anniversary = ANNIVERSARY.captures_iter(sentence).find_map(|c| {
        let n = match (c.name("num"), c.name("word")) {
            (Some(n), _) => n.as_str().parse().ok()?,
            (None, Some(w)) => ordinal(w.as_str())?,
            _ => return None,
        };
        let whole = c.get(0)?;
        let span = whole.start() + (whole.len() - whole.as_str().trim_start().len())..whole.end();
        Some((span, Duration { amount: n, unit: TimeUnit::Year }))
    });
    let length =
        lengths.chain(anniversary).min_by_key(|(span, _)| span.start).filter(|(span, _)| {
            out.end_date.as_ref().is_none_or(|e| at(span.clone()).start < e.span.start)
        });
    if let Some((span, d)) = length {
        let after = &sentence[span.end..];
        if POST_TERMINATION.is_match(after) {
            return out;
        }
        let is_anniversary = sentence[span.clone()].to_ascii_lowercase().contains("anniversary");
        let runs_from = RUNS_FROM
            .captures(after)
            // "of" names an anchor only after an anniversary ("the fifth anniversary of the
            // Effective Date"); "twelve months of ..." is something else.
            .filter(|c| c.name("of").is_none() || is_anniversary)
            .and_then(|c| c.name("what"))
            .map(|w| w.as_str().trim().to_owned())
            .filter(|w| !w.is_empty() && !STARTS_A_CLAUSE.is_match(w))
            .map(|words| {
                if let Some(d) = dates(&words).into_iter().next()
                    && d.span.start < 8
                {
                    TermStart::Date {
                        iso: match d.value {
                            FactValue::Date { iso } => iso,
                            _ => String::new(),
                        },
                        words,
                    }
                } else if EFFECTIVE_ANCHOR.is_match(&words) {
                    TermStart::Effective { words }
                } else {
                    TermStart::Event { words }
                }
            })
            .unwrap_or(TermStart::Effective { words: "the start of the term".to_owned() });
        out.initial_term = Some(Fact { value: FactValue::Duration(d), span: at(span) });
        out.runs_from = Some(runs_from);
    }
    if out.end_date.is_none()
        && out.initial_term.is_none()
        && let Some(m) = OPEN_ENDED.find(sentence)
    {
        out.open_ended = Some(at(m.range()));
    }
    out
}

/// Whether the duration at `span` is a notice period ("upon thirty (30) days' notice", "at
/// least 90 days prior to").
fn is_notice(sentence: &str, span: &Range<usize>) -> bool {
    let after = sentence[span.end..].trim_start().to_ascii_lowercase();
    let before = sentence[..span.start].to_ascii_lowercase();
    after.starts_with("notice")
        || after.starts_with("'")
        || after.starts_with("’")
        || after.starts_with("prior")
        || after.starts_with("advance")
        || after.starts_with("written")
        || after.starts_with("in advance")
        || after.starts_with("before")
        || before.trim_end().ends_with("at least")
        || before.trim_end().ends_with("upon")
        || before.trim_end().ends_with("within")
        || before.trim_end().ends_with("no less than")
        || before.trim_end().ends_with("not less than")
}

fn ordinal(word: &str) -> Option<u32> {
    Some(match word.to_ascii_lowercase().as_str() {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "fifteenth" => 15,
        "twentieth" => 20,
        "twenty-fifth" => 25,
        _ => return None,
    })
}

/// A right to terminate for convenience and the notice it needs.
static CONVENIENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bterminat\w*\b[^.]{0,200}?\b(?:for\s+(?:its\s+)?convenience|for\s+any\s+(?:or\s+no\s+)?reason|for\s+no\s+reason|without\s+(?:cause|reason)|at\s+any\s+time\s+(?:and\s+)?(?:for\s+any\s+reason\s+)?(?:by|upon|on|with|giving)|at\s+will)\b|\b(?:for\s+(?:its\s+)?convenience|for\s+any\s+(?:or\s+no\s+)?reason|without\s+cause)\b[^.]{0,80}?\bterminat")
        .expect("regex")
});

/// The notice period a party must give to terminate for convenience, from the first sentence
/// that grants such a right and names a notice period.
pub(super) fn termination_notice(text: &str) -> Option<Fact> {
    let mut searched = 0;
    for m in CONVENIENCE.find_iter(text) {
        if m.start() < searched {
            continue;
        }
        let (start, end) = sentence_around(text, m.start());
        searched = end;
        let sentence = &text[start..end];
        if let Some((span, d)) = durations(sentence).into_iter().find(|(span, _)| {
            let after = sentence[span.end..].trim_start().to_ascii_lowercase();
            after.contains("notice") && after.find("notice").is_some_and(|i| i < 40)
        }) {
            return Some(Fact {
                value: FactValue::Duration(d),
                span: start + span.start..start + span.end,
            });
        }
    }
    None
}

/// The sentence containing byte `at`: from after the previous ". " (or paragraph break) to the
/// next one, at most 1,200 bytes either way.
fn sentence_around(text: &str, at: usize) -> (usize, usize) {
    let lo = floor_boundary(text, at.saturating_sub(1200));
    let hi = floor_boundary(text, at.saturating_add(1200));
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

    fn iso(f: &Option<Fact>) -> Option<String> {
        match f.as_ref().map(|f| &f.value) {
            Some(FactValue::Date { iso }) => Some(iso.clone()),
            _ => None,
        }
    }

    fn dur(f: &Option<Fact>) -> Option<Duration> {
        match f.as_ref().map(|f| &f.value) {
            Some(FactValue::Duration(d)) => Some(*d),
            _ => None,
        }
    }

    #[test]
    fn stated_effective_dates() {
        for (text, want) in [
            ("\"Effective Date\" means October 31, 2019.", "2019-10-31"),
            ("EFFECTIVE DATE: November 01, 2016", "2016-11-01"),
            ("This letter agreement will be effective as of July 1, 2018.", "2018-07-01"),
            (
                "This Agreement shall be effective as of January 1, 2012 (the \"Effective Date\").",
                "2012-01-01",
            ),
            ("made on 5 December 2007, to be effective January 1, 2008.", "2008-01-01"),
            (
                "The Term shall commence on November 1, 2007 and end on October 31, 2008.",
                "2007-11-01",
            ),
        ] {
            assert_eq!(iso(&effective_date(text)).as_deref(), Some(want), "{text}");
        }
        assert!(
            effective_date("pursuant to the Supply Agreement effective as of May 1, 2010, the")
                .is_none()
        );
        assert!(
            effective_date("This Agreement is effective as of the date first above written.")
                .is_none()
        );
    }

    #[test]
    fn terms() {
        let t = term(
            "The initial term of this Agreement shall begin on the Effective Date and continue for three (3) years, subject to the prior termination rights provided below.",
        );
        assert_eq!(dur(&t.initial_term), Some(Duration { amount: 3, unit: TimeUnit::Year }));
        assert!(matches!(t.runs_from, Some(TermStart::Effective { .. })));
        let t = term(
            "The \"Initial Term\" shall commence upon the Effective Date and shall expire on March 31, 2011.",
        );
        assert_eq!(iso(&t.end_date).as_deref(), Some("2011-03-31"));
        let t = term(
            "This Agreement shall be valid for five (5) years from February 1, 2019 through January 31, 2024 unless terminated earlier.",
        );
        assert_eq!(iso(&t.end_date).as_deref(), Some("2024-01-31"));
        let t = term(
            "The initial term of this Agreement shall commence on the Effective Date and shall continue until the fifth (5th) anniversary of the Effective Date (the \"Term\").",
        );
        assert_eq!(dur(&t.initial_term), Some(Duration { amount: 5, unit: TimeUnit::Year }));
        let t = term(
            "This Agreement shall become effective on the Effective Date and shall continue indefinitely until terminated by either Party.",
        );
        assert!(t.open_ended.is_some() && t.initial_term.is_none());
        let t = term(
            "This Agreement shall continue in effect for a period of five (5) years from the Reseller's first purchase order (the \"Initial Term\").",
        );
        assert!(matches!(t.runs_from, Some(TermStart::Event { .. })), "{:?}", t.runs_from);
        let t = term(
            "The term of this Agreement shall commence on the Effective Date and shall remain in effect until terminated by either Party upon thirty (30) days' prior written notice.",
        );
        assert!(t.initial_term.is_none() && t.open_ended.is_some());
    }

    #[test]
    fn convenience_notice() {
        let text = "Either party may terminate this Agreement for any reason upon thirty (30) days' prior written notice to the other.";
        assert_eq!(
            dur(&termination_notice(text)),
            Some(Duration { amount: 30, unit: TimeUnit::Day })
        );
        assert!(
            termination_notice(
                "Either party may terminate for material breach on 30 days' notice."
            )
            .is_none()
        );
    }
}
