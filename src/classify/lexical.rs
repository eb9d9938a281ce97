//! Lexical evidence for kinds whose wording is stable enough to recognise without a heading.
//!
//! Force majeure: a clause that excuses a party ("not liable", "excused", "not in default",
//! "delay", "failure to perform") for causes beyond its control, or for a list of the classic
//! events (acts of God, fire, flood, war, strikes, epidemics, ...). Contracts phrase this
//! provision in a few well-worn ways, and PDF text often loses the heading that names it, so the
//! words themselves are the evidence.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::ClauseKind;

static BEYOND_CONTROL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:beyond|outside(?:\s+of)?|not\s+within)\s+(?:the\s+)?(?:\w+(?:'s|’s)?\s+){0,3}(?:reasonable\s+)?control\b|\bnot\s+reasonably\s+(?:controllable|foreseeable)|\bforce\s+majeure\b",
    )
    .expect("constant pattern")
});

static EVENTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:acts?\s+of\s+(?:god|nature|terror\w*|war|public\s+enem\w+)|fires?|floods?|earthquakes?|storms?|hurricanes?|typhoons?|wars?|riots?|insurrections?|civil\s+(?:commotion|unrest|disturbances?)|strikes?|lock-?outs?|labou?r\s+(?:disputes?|troubles?)|epidemics?|pandemics?|embargo(?:es)?|explosions?|sabotage|terroris[mt]\w*|natural\s+disasters?|governmental\s+(?:action|acts|restrictions?))\b",
    )
    .expect("constant pattern")
});

static EXCUSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?:liable|responsible)\s+(?:to\s+\w+(?:\s+\w+)?\s+)?for\s+(?:any\s+)?(?:delays?|failures?|non-?performance|inability)|not\s+(?:be\s+)?(?:liable|responsible|deemed\s+(?:in|to\s+be\s+in)\s+(?:default|breach)|considered\s+(?:in|to\s+be\s+in)\s+(?:default|breach)|in\s+default)|no\s+liability|excused?|suspend\w*|free\s+of\s+liability|relieved|(?:delay|failure|inability)\w*\s+(?:in|to|of)\s+(?:the\s+)?perform\w*|unable\s+to\s+(?:perform|fulfil))",
    )
    .expect("constant pattern")
});

/// Relief in so many words: a negated liability or breach ("neither party shall be liable",
/// "is not in default", "no liability for"), or an excuse, exemption, release, or suspension of
/// performance. Stricter than [`EXCUSE`]: "liable for delays" without a negation is a duty, not
/// relief; "has not incurred any liabilities" is a representation; "trading has been suspended"
/// suspends nobody's performance.
static RELIEF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?:neither|nor|not|no|never|without)\b(?:[^.;:]{0,60}?\b)?(?:be\s+)?(?:held\s+|deemed\s+|considered\s+)?(?:(?:to\s+be\s+)?(?:liable|responsible)\b|liability\s+(?:for|to|whatsoever)\b|(?:to\s+be\s+)?in\s+(?:default|breach)\b|(?:a\s+)?(?:breach|default)\s+(?:of|under|hereunder)\b)|excus(?:e|ed|es)\b|exempt\w*\s+from|(?:relieved|released|discharged)\s+(?:of|from)|suspend\w*\s+(?:\w+\s+){0,3}?(?:performance|obligations?)\b|(?:performance|obligations?)\b[^.;]{0,40}?\bsuspended\b|free\s+(?:of|from)\s+(?:any\s+)?liability)",
    )
    .expect("constant pattern")
});

/// Force majeure named as the cause ("caused by a Force Majeure Event", "due to any such force
/// majeure"), not as a term mentioned in passing ("was not excused as a force majeure pursuant to
/// Section 12.12").
static FORCE_MAJEURE_CAUSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:due\s+to|caused\s+by|by\s+reason\s+of|result(?:s|ing|ed)?\s+(?:from|of)|because\s+of|aris\w*\s+(?:from|out\s+of)|attributable\s+to|on\s+account\s+of|owing\s+to|in\s+the\s+event\s+of|affected\s+by|by|from|during|through)\s+(?:\w+\s+){0,3}?force\s+majeure",
    )
    .expect("constant pattern")
});

/// The civil-law wording of a cause beyond control (PRC, CISG and their translations):
/// "unforeseeable, unavoidable and insurmountable", "unforeseeable or, if foreseeable,
/// unavoidable".
static UNFORESEEABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bunforeseeable\b[^.;]{0,40}?\b(?:unavoidable|insurmountable|uncontrollable)\b",
    )
    .expect("constant pattern")
});

/// A definition's verb ("means", "shall mean", "has the meaning"): relief before it is the
/// defined term's name ("Excusable Delay" means ...), not relief.
static DEFINES_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:means|shall\s+mean|has\s+the\s+meaning|shall\s+have\s+the\s+meaning)\b")
        .expect("constant pattern")
});

/// A cross-reference that carves force majeure out of another duty ("except as a result of
/// Force Majeure", "other than an event of force majeure"): not a provision of its own.
static CARVE_OUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:other\s+than|except(?:\s+(?:for|as|to\s+the\s+extent))?|excluding|save\s+(?:for|as))\b[^.;]{0,40}?\bforce\s+majeure",
    )
    .expect("constant pattern")
});

/// The byte ranges of the sentences of `text` that excuse a party because of causes beyond its
/// control: relief ([`RELIEF`]) and, in the same sentence, a cause beyond control, force
/// majeure, or two of the classic events. This is how a force majeure provision reads when it is
/// one sentence of a delivery, services or liability clause, or rides on a definition ("...;
/// neither party shall be liable for any delay caused by a Force Majeure Event"). A sentence
/// whose only mention of force majeure carves it out of another duty is not one.
pub(crate) fn excuse_sentences(text: &str) -> Vec<Range<usize>> {
    // Every clause of every document comes here: without relief anywhere there is no sentence
    // to split (a match in a sentence is a match in the text).
    if !RELIEF.is_match(text) {
        return Vec::new();
    }
    sentences(text)
        .into_iter()
        .filter(|r| {
            let s = &text[r.clone()];
            let after_definition = DEFINES_VERB.find(s).map_or(0, |m| m.end());
            if !RELIEF.find_iter(s).any(|m| m.start() >= after_definition) {
                return false;
            }
            let carved = |m: &regex::Match<'_>| {
                CARVE_OUT.find_iter(s).any(|c| c.end() >= m.end() && c.start() <= m.start())
            };
            let beyond = BEYOND_CONTROL.find_iter(s).any(|m| {
                !m.as_str().to_ascii_lowercase().starts_with("force")
                    || FORCE_MAJEURE_CAUSE.find_iter(s).any(|c| c.end() == m.end() && !carved(&c))
            });
            beyond || UNFORESEEABLE.is_match(s) || EVENTS.find_iter(s).take(2).count() >= 2
        })
        .collect()
}

/// Sentence ranges of `text`, without their leading white space: cut after `.`, `;`, `!` or `?`
/// (and closing quotes or brackets) followed by white space and a capital, digit or opening
/// bracket, and at blank lines. Long run-on sentences are kept whole: force majeure sentences
/// are often 100 words.
pub(crate) fn sentences(text: &str) -> Vec<Range<usize>> {
    static END: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"[.;!?]["'”’)\]]*\s+[A-Z0-9(“"]|\n[ \t]*\n"#).expect("constant pattern")
    });
    let mut cuts: Vec<usize> = END
        .find_iter(text)
        .map(|m| {
            let s = m.as_str();
            if s.starts_with('\n') {
                m.start()
            } else {
                m.start() + s.find(char::is_whitespace).unwrap_or(s.len())
            }
        })
        .collect();
    cuts.push(text.len());
    let mut out = Vec::with_capacity(cuts.len());
    let mut start = 0;
    for cut in cuts {
        let piece = &text[start..cut];
        if !piece.trim().is_empty() {
            out.push(start + (piece.len() - piece.trim_start().len())..cut);
        }
        start = cut;
    }
    out
}

/// A clause about force majeure that only gives a right to terminate ("This Agreement may be
/// terminated by either Party in accordance with Section 14.2", "if the event continues for 90
/// days, the other party may terminate"): no relief, prevention, delay, extension or suspension
/// in it. It is a termination right, not the excuse.
pub(crate) fn is_termination_only(text: &str) -> bool {
    static TERMINATION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\bterminat\w*").expect("constant pattern"));
    static PERFORMANCE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:prevent\w*|hinder\w*|delay\w*|extend\w*|extension|interrupt\w*|impossib\w*|unable|inability|fail\w*)")
            .expect("constant pattern")
    });
    TERMINATION.is_match(text)
        && !RELIEF.is_match(text)
        && !EXCUSE.is_match(text)
        && !PERFORMANCE.is_match(text)
}

/// Kinds the words of `text` establish on their own.
pub(crate) fn lexical_kinds(text: &str) -> Vec<ClauseKind> {
    let mut out = Vec::new();
    if is_force_majeure(text) || !excuse_sentences(text).is_empty() {
        out.push(ClauseKind::ForceMajeure);
    }
    out
}

/// An excuse for non-performance tied to causes beyond control (and at least one classic force
/// majeure event) or to at least three classic events (see the module documentation).
fn is_force_majeure(text: &str) -> bool {
    if !EXCUSE.is_match(text) {
        return false;
    }
    let events = EVENTS.find_iter(text).take(3).count();
    BEYOND_CONTROL.is_match(text) && events >= 1 || events >= 3 && text.len() < 4000
}

/// A table-of-contents entry ("13.1 Force Majeure 43", "17. Force Majeure........9") or a run of
/// them: a heading there names a clause elsewhere, it is not the clause.
pub(crate) fn is_contents_entry(text: &str) -> bool {
    static PAGE_AT_END: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:\.{3,}|\s)\s*[0-9ivx]{1,4}\s*$").expect("constant pattern")
    });
    static ENTRY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[A-Za-z]\s*(?:\.{3,}\s*|\s+)[0-9]{1,3}\s+(?:[0-9]+\.)+[0-9]*\s+[A-Z]")
            .expect("constant pattern")
    });
    let words: Vec<&str> = text.split_whitespace().collect();
    // Entries are title-cased: "Force Majeure 43", not "is liable for delays, see section 12".
    let title_cased = words.iter().all(|w| {
        let letters: String = w.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() < 4 || letters.chars().next().is_some_and(char::is_uppercase)
    });
    (words.len() <= 12 && title_cased && PAGE_AT_END.is_match(text.trim_end()))
        || ENTRY.find_iter(text).nth(1).is_some()
        || is_run_of_numbered_titles(text, &words)
}

/// A contents list without page numbers run into one clause ("14.2 Force Majeure 14.3
/// Assignment 14.4 Severability 14.5 Notices"): at least four section numbers, each followed
/// by a capitalised word, and no more than six words per entry.
fn is_run_of_numbered_titles(text: &str, words: &[&str]) -> bool {
    static NUMBERED_TITLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|\s)(?:[0-9]{1,2}\.)+[0-9]{0,2}\s+[A-Z][A-Za-z]")
            .expect("constant pattern")
    });
    let entries = NUMBERED_TITLE.find_iter(text).count();
    entries >= 4 && words.len() <= entries * 6
}

/// A clause that defines a term though it is numbered like a section ("1.32 "Force Majeure"
/// means ...", "Excusable Delay: means ...").
pub(crate) fn is_definition(text: &str) -> bool {
    static DEFINES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?i)^(?:[^.;"“]{1,60}\.\s+)?\W{0,3}[^.;]{1,80}?["”]?\s*[:,]?\s*(?:means|shall\s+mean|has\s+the\s+meaning|shall\s+have\s+the\s+meaning|is\s+defined)\b"#,
        )
        .expect("constant pattern")
    });
    DEFINES.is_match(super::kinds::strip_label(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_entries_and_definitions() {
        assert!(is_contents_entry("13.1 Force Majeure. 43"));
        assert!(is_contents_entry("17. Force Majeure.........9"));
        assert!(is_contents_entry(
            "10.1 Excusing Performance 27 10.2 Notice of Event 27 10.3 Resumption 28"
        ));
        assert!(!is_contents_entry("10. Force Majeure"));
        assert!(is_contents_entry(
            "14.2 Force Majeure 14.3 Assignment 14.4 Severability 14.5 Notices 14.6 Entire \
             Agreement; Amendments 14.7 Headings"
        ));
        assert!(!is_contents_entry(
            "14.2 Force Majeure. Neither party is liable for delays beyond its control, subject \
             to Sections 14.3 Assignment and 14.4 Severability, 14.5 Notices and 14.6 Entire \
             Agreement, which continue to apply to the parties in full force and effect while \
             the event continues."
        ));
        assert!(!is_contents_entry(
            "Neither party is liable for delays beyond its control, see section 12"
        ));
        assert!(is_definition("1.32 \"Force Majeure\" means any event beyond control"));
        assert!(is_definition("2.18 Excusable Delay. \"Excusable Delay\" means a delay"));
        assert!(is_definition("Force Majeure: means any event"));
        assert!(!is_definition("12. Force Majeure. Neither party is liable for delays."));
    }

    #[test]
    fn recognises_force_majeure_wording() {
        let fm = [
            "Neither party shall be liable for any delay caused by acts of God, fire or flood \
             or any other cause beyond its reasonable control.",
            "Performance is excused to the extent prevented by war, riot, strikes or epidemics.",
            "Neither party is liable for failure to perform caused by fire beyond its control.",
            "A party is not in default by reason of any failure in its performance if the failure \
             results from causes beyond the control of that party, including earthquakes.",
        ];
        for t in fm {
            assert_eq!(lexical_kinds(t), vec![ClauseKind::ForceMajeure], "{t}");
        }
        let not_fm = [
            "The Supplier shall maintain insurance against fire and flood.",
            "If a Force Majeure Event lasts more than 90 days, either party may terminate.",
            "Neither party shall be liable for indirect or consequential damages.",
            "Licensee is not liable for fines of any governmental authority or for strikes.",
        ];
        for t in not_fm {
            assert!(lexical_kinds(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn finds_the_excuse_sentence_inside_another_clause() {
        let t = "8. Delivery. Supplier shall deliver the Products by the Delivery Date. Supplier \
                 shall not be liable for any delay or failure to perform caused by circumstances \
                 beyond its reasonable control. Title passes on delivery.";
        let found: Vec<&str> = excuse_sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            found,
            ["Supplier shall not be liable for any delay or failure to perform caused by \
              circumstances beyond its reasonable control."]
        );
        assert_eq!(lexical_kinds(t), vec![ClauseKind::ForceMajeure]);
        // Civil-law wording.
        let c = "A party unable to perform due to unforeseeable, unavoidable and insurmountable \
                 circumstances is exempt from liability in part or in whole.";
        assert_eq!(excuse_sentences(c).len(), 1);
        // Riding on a definition.
        let d = "\"Force Majeure Event\" means an event beyond the control of a party; neither \
                 party shall be liable for any delay caused by a Force Majeure Event.";
        assert_eq!(excuse_sentences(d).len(), 1);
        // Relief and cause in different, unrelated sentences; a duty without a negation; a
        // carve-out; a prolonged-event termination right.
        for t in [
            "Neither party shall be liable for indirect damages. Events beyond its control must \
             be reported.",
            "Supplier is liable for delays caused by fire or flood at its plant.",
            "Supplier shall not be excused from any delay, except as a result of Force Majeure.",
            "If a Force Majeure Event continues for 60 days, either party may terminate.",
            "If such breach was not excused as a force majeure pursuant to Section 12.12, the \
             other party may terminate.",
            "\"Excusable Delay\" means a delay caused by a Force Majeure Event.",
            "If trading on the exchange has been suspended, or war, fire or flood has disrupted \
             the markets, the Agent may terminate.",
            "Neither the Company nor its subsidiaries has incurred any liabilities from fire, \
             explosion or flood.",
        ] {
            assert!(excuse_sentences(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn a_termination_right_is_not_the_excuse() {
        assert!(is_termination_only(
            "8.1.8 Force Majeure. This Agreement may be terminated by either Party in \
             accordance with Section 14.2."
        ));
        for t in [
            "Force Majeure. Neither party is liable for delays beyond its control; if the event \
             lasts 90 days, the other party may terminate.",
            "Force Majeure. If a party is prevented from performing by a Force Majeure Event, the \
             other party may terminate after 60 days.",
            "Force Majeure. The time for performance is extended; after 60 days either party may \
             terminate.",
        ] {
            assert!(!is_termination_only(t), "{t}");
        }
    }

    #[test]
    fn sentences_cover_the_text_and_keep_abbreviations_of_lower_case_words() {
        let t = "First one, e.g. this. Second (a) part; then more.\n\nThird";
        let parts: Vec<&str> = sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(parts, ["First one, e.g. this.", "Second (a) part; then more.", "Third"]);
    }
}
