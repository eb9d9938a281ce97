//! The earlier messages a reply quotes, marked so that they are shown but not indexed twice.
//!
//! A reply usually carries the message it answers: lines prefixed with `>` after an attribution
//! line ("On Mon, 3 Jan 2022, Ann <ann@example.com> wrote:"), or, from Outlook, everything after
//! a `-----Original Message-----` line or a `From: / Sent: / To: / Subject:` header block. Those
//! parts become [`BlockKind::Quote`] blocks: they stay in the document's text, and segmentation
//! makes no clause of them, so a contract clause quoted down a thread of ten replies is one
//! clause in the index, in the message that first carried it.
//!
//! Only replies are read this way (a message with `In-Reply-To` or `References`, or whose
//! subject starts with a reply prefix); a forwarded message is the message's own content.

use crate::extract::draft::{BlockKind, Draft, DraftBlock};

/// Whether this message is a reply (see the module documentation).
fn is_reply(draft: &Draft) -> bool {
    let has = |k: &str| draft.metadata.get(k).is_some_and(|v| v.iter().any(|x| !x.is_empty()));
    has("in-reply-to")
        || has("references")
        || draft
            .metadata
            .get("subject")
            .and_then(|s| s.first())
            .is_some_and(|s| crate::extract::subject::is_reply(s))
}

/// An attribution line: "On <date>, <name> wrote:" and its translations, or a line ending in
/// "wrote:".
fn is_attribution(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    const ENDS: [&str; 8] = [
        "wrote:",
        "writes:",
        "schrieb:",
        "a écrit :",
        "a écrit:",
        "escribió:",
        "ha scritto:",
        "skrev:",
    ];
    ENDS.iter().any(|e| l.ends_with(e)) && l.len() < 400
}

/// The first line of an Outlook-style copy of the original message.
fn starts_original(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim().to_lowercase();
    let stripped = line.trim_matches(|c: char| c == '-' || c == '_' || c.is_whitespace());
    if line.starts_with("---") && stripped == "original message" {
        return true;
    }
    // "From: ..." followed closely by "Sent:"/"Date:" and "Subject:" (an Outlook header block).
    if line.starts_with("from:") || line.starts_with("von:") || line.starts_with("de :") {
        let next: Vec<String> =
            lines.iter().skip(i + 1).take(5).map(|l| l.trim().to_lowercase()).collect();
        let dated = next.iter().any(|l| {
            l.starts_with("sent:") || l.starts_with("date:") || l.starts_with("gesendet:")
        });
        let subject = next.iter().any(|l| l.starts_with("subject:") || l.starts_with("betreff:"));
        return dated && subject;
    }
    false
}

fn quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Marks the quoted parts of a reply's body blocks as [`BlockKind::Quote`].
pub(crate) fn mark_quotes(draft: &mut Draft) {
    if !is_reply(draft) {
        return;
    }
    let mut out: Vec<DraftBlock> = Vec::with_capacity(draft.blocks.len());
    // Once an Outlook copy of the original begins, the rest of the body is that copy.
    let mut in_original = false;
    for block in std::mem::take(&mut draft.blocks) {
        if in_original || block.kind != BlockKind::Paragraph {
            let kind = if in_original { BlockKind::Quote } else { block.kind };
            out.push(DraftBlock { kind, ..block });
            continue;
        }
        let lines: Vec<&str> = block.text.split('\n').collect();
        // Runs of lines: (quoted, lines).
        let mut runs: Vec<(bool, Vec<&str>)> = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if !in_original && starts_original(&lines, i) {
                in_original = true;
            }
            let q = in_original || quoted(line);
            match runs.last_mut() {
                Some((rq, run)) if *rq == q => run.push(line),
                _ => runs.push((q, vec![line])),
            }
        }
        // An attribution line just before a quoted run belongs to the quote.
        for k in 1..runs.len() {
            if runs[k].0 && !runs[k - 1].0 {
                let prev = &mut runs[k - 1].1;
                if prev.last().is_some_and(|l| is_attribution(l)) {
                    let attribution = prev.pop().unwrap_or_default();
                    runs[k].1.insert(0, attribution);
                }
            }
        }
        for (q, run) in runs {
            if run.is_empty() {
                continue;
            }
            out.push(DraftBlock {
                text: run.join("\n"),
                kind: if q { BlockKind::Quote } else { BlockKind::Paragraph },
                page: block.page,
                label: None,
            });
        }
    }
    // An attribution paragraph of its own (a blank line before the quote).
    for k in 1..out.len() {
        if out[k].kind == BlockKind::Quote
            && out[k - 1].kind == BlockKind::Paragraph
            && !out[k - 1].text.contains('\n')
            && is_attribution(&out[k - 1].text)
        {
            out[k - 1].kind = BlockKind::Quote;
        }
    }
    draft.blocks = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(subject: &str, reply_to: Option<&str>, body: &[&str]) -> Draft {
        let mut d = Draft::default();
        d.add_meta("subject", subject);
        if let Some(r) = reply_to {
            d.add_meta("in-reply-to", r);
        }
        for text in body {
            d.blocks.push(DraftBlock {
                text: (*text).to_owned(),
                kind: BlockKind::Paragraph,
                page: None,
                label: None,
            });
        }
        d
    }

    fn kinds(d: &Draft) -> Vec<(BlockKind, &str)> {
        d.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect()
    }

    #[test]
    fn quoted_lines_and_their_attribution_are_quotes() {
        let mut d = draft(
            "Re: Renewal",
            Some("a@x"),
            &[
                "Agreed, let us renew.",
                "On Mon, 3 Jan 2022, Ann <ann@x.com> wrote:\n> 14.2 Either party may terminate.\n> Regards",
                "Bob",
            ],
        );
        mark_quotes(&mut d);
        assert_eq!(
            kinds(&d),
            [
                (BlockKind::Paragraph, "Agreed, let us renew."),
                (
                    BlockKind::Quote,
                    "On Mon, 3 Jan 2022, Ann <ann@x.com> wrote:\n> 14.2 Either party may terminate.\n> Regards"
                ),
                (BlockKind::Paragraph, "Bob"),
            ]
        );
    }

    #[test]
    fn an_outlook_original_is_quoted_to_the_end() {
        let mut d = draft(
            "RE: Contract",
            None,
            &[
                "See attached.",
                "-----Original Message-----\nFrom: Ann\nSent: Monday\nSubject: Contract",
                "The old text.",
            ],
        );
        mark_quotes(&mut d);
        let k: Vec<BlockKind> = d.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(k, [BlockKind::Paragraph, BlockKind::Quote, BlockKind::Quote]);
        let mut d = draft(
            "AW: Vertrag",
            None,
            &["Danke.\nFrom: Ann\nSent: Monday\nTo: Bob\nSubject: Vertrag\n\nAlt."],
        );
        mark_quotes(&mut d);
        assert_eq!(kinds(&d)[0], (BlockKind::Paragraph, "Danke."));
        assert_eq!(d.blocks[1].kind, BlockKind::Quote);
    }

    #[test]
    fn messages_that_are_not_replies_are_left_alone() {
        let mut d = draft("Fwd: Contract", None, &["> a quoted line in a forward"]);
        mark_quotes(&mut d);
        assert_eq!(d.blocks[0].kind, BlockKind::Paragraph);
    }
}
