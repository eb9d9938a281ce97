//! Email extraction: RFC 5322 / MIME messages, mbox mailboxes and Outlook `.msg` files.
//!
//! Every entry point takes untrusted bytes and a [`Budget`]; it returns a [`Draft`] (header
//! metadata, body paragraphs, attachment bytes) or a typed [`ExtractError`], never panics.
//! Attachments are returned as bytes only: the driver detects their format and recurses.
//!
//! * [`eml`]: MIME messages, parsed by `mail-parser` after a linear pre-scan bounds the
//!   MIME nesting depth.
//! * [`mbox`]: splitting an mbox into message byte ranges.
//! * [`msg`]: Outlook `.msg` (OLE compound file) properties, recipients and attachments.
//! * [`html`]: a small, linear HTML-to-text converter for HTML-only bodies.

pub(crate) mod eml;
pub(crate) mod html;
pub(crate) mod mbox;
pub(crate) mod msg;
mod quote;

use crate::extract::draft::{BlockKind, Budget, Draft, DraftBlock, ExtractError};

pub(crate) use eml::{extract_eml, looks_like_eml};
pub(crate) use mbox::{looks_like_mbox, split_mbox};
pub(crate) use msg::extract_msg;

/// The draft of a message with the parts its reply quotes marked (see [`quote`]).
pub(crate) fn quotes(mut draft: Draft) -> Draft {
    quote::mark_quotes(&mut draft);
    draft
}

/// Fails with a `max_bytes` limit error when the input is larger than the budget allows.
pub(crate) fn check_input_size(bytes: &[u8], budget: &Budget) -> Result<(), ExtractError> {
    let len = bytes.len() as u64;
    if len > budget.limits.max_bytes {
        return Err(ExtractError::Limit {
            limit: "max_bytes",
            max: budget.limits.max_bytes,
            actual: len,
        });
    }
    Ok(())
}

/// Appends `text` to the draft as paragraph blocks, split on blank lines. Line endings are
/// normalised to '\n', trailing blanks of lines are removed, empty paragraphs are dropped.
pub(crate) fn push_paragraphs(draft: &mut Draft, text: &str) {
    let mut current: Vec<&str> = Vec::new();
    let flush = |current: &mut Vec<&str>, draft: &mut Draft| {
        if !current.is_empty() {
            draft.blocks.push(DraftBlock {
                text: current.join("\n"),
                kind: BlockKind::Paragraph,
                page: None,
                label: None,
            });
            current.clear();
        }
    };
    for line in text.split('\n') {
        let line = line.trim_end();
        if line.is_empty() {
            flush(&mut current, draft);
        } else {
            current.push(line);
        }
    }
    flush(&mut current, draft);
}

/// Formats one address as `Name <addr>`, `addr` or `Name`; `None` when both are empty.
pub(crate) fn format_address(name: Option<&str>, addr: Option<&str>) -> Option<String> {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    let addr = addr.map(str::trim).filter(|a| !a.is_empty());
    match (name, addr) {
        (Some(n), Some(a)) if !n.eq_ignore_ascii_case(a) => Some(format!("{n} <{a}>")),
        (_, Some(a)) => Some(a.to_owned()),
        (Some(n), None) => Some(n.to_owned()),
        (None, None) => None,
    }
}

/// Strips one pair of surrounding angle brackets and blanks from a message id.
pub(crate) fn clean_message_id(id: &str) -> String {
    let id = id.trim();
    let id = id.strip_prefix('<').unwrap_or(id);
    let id = id.strip_suffix('>').unwrap_or(id);
    id.trim().to_owned()
}

/// Runs `f`, turning a panic inside a third-party parser into a typed error. This is a second
/// line of defence: our own code does not panic, and the inputs are pre-checked.
pub(crate) fn guard<T>(
    what: &str,
    f: impl FnOnce() -> Result<T, ExtractError>,
) -> Result<T, ExtractError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(_) => Err(ExtractError::Malformed(format!("{what}: the parser gave up on this input"))),
    }
}

#[cfg(test)]
mod fixture_tests;
