//! Email subjects: reply and forward prefixes ("Re:", "AW:", "Fwd:", "RE[2]:"), read the same
//! way by the quote marker (is this message a reply?) and by threading (which messages share a
//! subject?).

/// Reply prefixes, lower-case, without the colon (English, German, Nordic, Dutch, French,
/// Spanish, Italian, Polish, Finnish).
const REPLY: [&str; 9] = ["re", "aw", "sv", "antw", "ref", "rif", "odp", "vs", "r"];

/// Forward prefixes, lower-case (English, German, French).
const FORWARD: [&str; 4] = ["fw", "fwd", "wg", "tr"];

/// The prefix before the first colon, lower-case, without a counter ("RE[2]" -> "re").
fn head(subject: &str) -> Option<String> {
    let (head, _) = subject.trim_start().split_once(':')?;
    let head = head.trim().to_lowercase();
    Some(head.split('[').next().unwrap_or(&head).trim().to_owned())
}

/// Whether a subject is a reply's ("Re: ...", "AW: ...", "RE[2]: ...").
pub(crate) fn is_reply(subject: &str) -> bool {
    head(subject).is_some_and(|h| REPLY.contains(&h.as_str()))
}

/// The subject without its leading reply and forward prefixes, case kept.
pub(crate) fn strip_prefixes(subject: &str) -> &str {
    let mut s = subject.trim();
    for _ in 0..16 {
        match head(s) {
            Some(h) if REPLY.contains(&h.as_str()) || FORWARD.contains(&h.as_str()) => {
                s = s.split_once(':').map_or("", |(_, rest)| rest.trim_start());
            }
            _ => break,
        }
    }
    s
}

/// The subject threads compare: prefixes and mailing-list tags removed, blanks collapsed,
/// lower-case ("Re: [legal] AW: Renewal  notice" -> "renewal notice").
pub(crate) fn base(subject: &str) -> String {
    let mut s = subject.trim();
    for _ in 0..16 {
        let before = s;
        if let Some((_, rest)) = s.strip_prefix('[').and_then(|r| r.split_once(']')) {
            s = rest.trim_start();
        }
        s = strip_prefixes(s);
        if s == before {
            break;
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert!(is_reply("Re: x") && is_reply("RE[2]: x") && is_reply("AW: x"));
        assert!(!is_reply("Regarding: x") && !is_reply("Renewal") && !is_reply("Fwd: x"));
        assert_eq!(strip_prefixes("RE: Fwd: AW: Supply Terms"), "Supply Terms");
        assert_eq!(strip_prefixes("Note: the lease"), "Note: the lease");
        assert_eq!(base("Re: [legal] AW: Renewal  notice"), "renewal notice");
    }
}
