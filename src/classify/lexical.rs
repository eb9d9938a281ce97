//! Lexical evidence for kinds whose wording is stable enough to recognise without a heading.
//!
//! Force majeure: a clause that excuses a party ("not liable", "excused", "not in default",
//! "delay", "failure to perform") for causes beyond its control, or for a list of the classic
//! events (acts of God, fire, flood, war, strikes, epidemics, ...). Contracts phrase this
//! provision in a few well-worn ways, and PDF text often loses the heading that names it, so the
//! words themselves are the evidence.

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

/// Kinds the words of `text` establish on their own.
pub(crate) fn lexical_kinds(text: &str) -> Vec<ClauseKind> {
    let mut out = Vec::new();
    if is_force_majeure(text) {
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
}
