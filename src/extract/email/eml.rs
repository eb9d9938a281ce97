//! RFC 5322 / MIME messages (`.eml`): headers, body text and attachments.
//!
//! Before `mail-parser` sees the bytes, a linear pre-scan ([`mime_depth`]) walks the MIME
//! structure line by line with an explicit stack (multipart boundaries and message/rfc822
//! levels, decoding base64/quoted-printable nested messages the way `mail-parser` does) and
//! rejects anything nested deeper than `max_mime_depth`. `mail-parser` then parses the message;
//! the top-level headers become metadata, the parts it selects as the text body become
//! paragraphs (HTML converted by [`super::html`]), and every other leaf part that has a file
//! name or a non-text type, plus every message/rfc822 part (as the raw inner message), becomes
//! an attachment for the driver to recurse into.

use std::borrow::Cow;

use std::collections::HashMap;

use mail_parser::parsers::MessageStream;
use mail_parser::{
    Address, Encoding, GetHeader, HeaderName, HeaderValue, Message, MessageParser, MessagePart,
    MimeHeaders, PartType,
};

use super::{check_input_size, clean_message_id, format_address, guard, html, push_paragraphs};
use crate::extract::draft::{Attachment, Budget, Draft, ExtractError};

/// Header names that make a block of `Name: value` lines look like an email.
const KNOWN_HEADERS: [&str; 16] = [
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "received",
    "return-path",
    "mime-version",
    "content-type",
    "sender",
    "reply-to",
    "delivered-to",
    "x-mailer",
    "in-reply-to",
    "references",
];

/// Splits `bytes` into lines (without their "\n" / "\r\n"), with the offset after each line.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (&[u8], usize)> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let rest = bytes.get(pos..)?;
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(n) => (rest.get(..n)?, pos + n + 1),
            None => (rest, bytes.len()),
        };
        pos = next;
        Some((line.strip_suffix(b"\r").unwrap_or(line), next))
    })
}

/// Is `line` a syntactically valid header field line (`Name: value`)?
fn header_name(line: &[u8]) -> Option<&[u8]> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = line.get(..colon)?;
    let name = name.strip_suffix(b" ").unwrap_or(name);
    let ok = !name.is_empty() && name.len() <= 76 && name.iter().all(|&b| b.is_ascii_graphic());
    ok.then_some(name)
}

/// Skips an Apple `.emlx` byte-count line, returning the message bytes it announces.
fn strip_emlx(bytes: &[u8]) -> &[u8] {
    let Some(nl) = bytes.iter().take(24).position(|&b| b == b'\n') else { return bytes };
    let first = bytes.get(..nl).unwrap_or(b"").trim_ascii();
    if first.is_empty() || !first.iter().all(u8::is_ascii_digit) {
        return bytes;
    }
    let rest = bytes.get(nl + 1..).unwrap_or(b"");
    let Some(len) = std::str::from_utf8(first).ok().and_then(|s| s.parse::<usize>().ok()) else {
        return bytes;
    };
    let first_line = rest.split(|&b| b == b'\n').next().unwrap_or(b"");
    if header_name(first_line).is_none() {
        return bytes;
    }
    rest.get(..len.min(rest.len())).unwrap_or(rest)
}

/// Cheap content sniffing: do the first lines look like RFC 5322 header fields, with at least
/// one well-known email header among them?
pub fn looks_like_eml(bytes: &[u8]) -> bool {
    let bytes = strip_emlx(bytes);
    let head = bytes.get(..bytes.len().min(16 * 1024)).unwrap_or(bytes);
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let mut fields = 0;
    let mut known = 0;
    for (line, _) in lines(head) {
        if line.is_empty() {
            break;
        }
        if line.first().is_some_and(|&b| b == b' ' || b == b'\t') {
            if fields == 0 {
                return false;
            }
            continue;
        }
        match header_name(line) {
            Some(name) => {
                fields += 1;
                let lower = name.to_ascii_lowercase();
                if KNOWN_HEADERS.iter().any(|k| k.as_bytes() == lower.as_slice()) {
                    known += 1;
                }
            }
            // Headers that run into the body without a blank line still count.
            None => return fields >= 2 && known > 0,
        }
    }
    fields > 0 && known > 0
}

/// One level of the MIME structure during the pre-scan, as `mail-parser` keeps it.
struct Level {
    /// The boundary that ends the current part (inherited by message/rfc822 levels).
    boundary: Option<Vec<u8>>,
    is_message: bool,
    is_digest: bool,
}

fn depth_error(max: usize, actual: usize) -> ExtractError {
    ExtractError::Limit { limit: "max_mime_depth", max: max as u64, actual: actual as u64 }
}

/// Lenient base64 decoding (ignores anything outside the alphabet).
fn decode_base64(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in input {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Decodes a uuencoded body (`begin MODE NAME` ... `end`); `None` if there is no `begin` line.
fn decode_uu(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut started = false;
    for (line, _) in lines(input) {
        if !started {
            started = line.starts_with(b"begin ");
            continue;
        }
        if line == b"end" || line.starts_with(b"end ") {
            break;
        }
        let Some((&len_char, rest)) = line.split_first() else { continue };
        let want = usize::from(len_char.wrapping_sub(b' ') & 63);
        let mut decoded = Vec::with_capacity(want + 3);
        for group in rest.chunks(4) {
            let v =
                |i: usize| u32::from(group.get(i).copied().unwrap_or(b' ').wrapping_sub(b' ') & 63);
            let n = (v(0) << 18) | (v(1) << 12) | (v(2) << 6) | v(3);
            decoded.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
        }
        decoded.truncate(want);
        out.extend_from_slice(&decoded);
    }
    started.then_some(out)
}

/// How many transfer-encoded message/rfc822 levels `mail-parser` parses recursively.
const NESTED_ENCODED: u32 = 3;

/// Measures the MIME nesting depth `mail-parser` will build for `bytes` (multipart and
/// message/rfc822 levels), failing as soon as it exceeds `max`, before `mail-parser` parses
/// anything. The walk replays `mail-parser`'s own state machine with its public stream
/// primitives (header parsing, boundary search, part decoding), so the depth is the one the
/// parser would reach, but it keeps no tree: an explicit stack, one forward pass, plus a bounded
/// recursion (at most 3 levels, like `mail-parser`) into transfer-encoded nested messages.
/// Multipart boundaries that do not occur are remembered, and a structure that would make
/// `mail-parser` rescan the input over and over (quadratic time) is rejected.
pub fn mime_depth(bytes: &[u8], max: u32) -> Result<usize, ExtractError> {
    mime_depth_at(bytes, max as usize, 0, NESTED_ENCODED)
}

fn mime_depth_at(
    bytes: &[u8],
    max: usize,
    base: usize,
    nested_encoded: u32,
) -> Result<usize, ExtractError> {
    let conf = MessageParser::default();
    let mut stream = MessageStream::new(bytes);
    let mut state = Level { boundary: None, is_message: true, is_digest: false };
    let mut stack: Vec<Level> = Vec::new();
    let mut deepest = base;
    let mut absent: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut rescanned: u64 = 0;
    let rescan_cap = 16 * bytes.len() as u64 + (1 << 20);
    let mut headers = Vec::new();
    let push = |stack: &mut Vec<Level>, level: Level, deepest: &mut usize| {
        stack.push(level);
        *deepest = (*deepest).max(base + stack.len());
        if base + stack.len() > max { Err(depth_error(max, base + stack.len())) } else { Ok(()) }
    };
    'outer: loop {
        headers.clear();
        if !stream.parse_headers(&conf, &mut headers) {
            break;
        }
        let ct = headers.header_value(&HeaderName::ContentType).and_then(|v| v.as_content_type());
        let ctype = ct.map(|c| c.ctype().to_ascii_lowercase()).unwrap_or_default();
        let subtype = ct.and_then(|c| c.subtype()).map(str::to_ascii_lowercase).unwrap_or_default();
        if ctype == "multipart"
            && let Some(boundary) = ct.and_then(|c| c.attribute("boundary"))
        {
            let boundary = boundary.as_bytes().to_vec();
            let here = stream.offset();
            let known_absent = absent.get(&boundary).is_some_and(|&at| at <= here);
            if !known_absent && stream.seek_next_part(&boundary) {
                let level = Level {
                    boundary: Some(boundary),
                    is_message: false,
                    is_digest: subtype == "digest",
                };
                let parent = std::mem::replace(&mut state, level);
                push(&mut stack, parent, &mut deepest)?;
                stream.skip_crlf();
                continue;
            }
            absent.entry(boundary).and_modify(|at| *at = (*at).min(here)).or_insert(here);
            rescanned += (bytes.len() - here.min(bytes.len())) as u64;
            if rescanned > rescan_cap {
                return Err(ExtractError::Malformed(
                    "MIME structure would make the parser rescan the message too often".into(),
                ));
            }
        }
        let is_message = (ctype == "message" && (subtype == "rfc822" || subtype == "global"))
            || (ct.is_none() && state.is_digest);
        let encoding = match headers.header_value(&HeaderName::ContentTransferEncoding) {
            Some(HeaderValue::Text(e)) if e.eq_ignore_ascii_case("base64") => 1,
            Some(HeaderValue::Text(e)) if e.eq_ignore_ascii_case("quoted-printable") => 2,
            _ => 0,
        };
        if is_message && encoding == 0 {
            let boundary = state.boundary.take();
            let level = Level { boundary, is_message: true, is_digest: false };
            let parent = std::mem::replace(&mut state, level);
            push(&mut stack, parent, &mut deepest)?;
            continue;
        }
        let boundary = state.boundary.clone().unwrap_or_default();
        let (end, body) = match encoding {
            1 => stream.decode_base64_mime(&boundary),
            2 => stream.decode_quoted_printable_mime(&boundary),
            _ => stream.mime_part(&boundary),
        };
        if end == usize::MAX {
            let (_, found) = stream.seek_part_end(state.boundary.as_deref());
            if !found {
                state.boundary = None;
            }
        } else if is_message && nested_encoded > 0 {
            let level = base + stack.len() + 1;
            if level > max {
                return Err(depth_error(max, level));
            }
            let inner = mime_depth_at(&body, max, level, nested_encoded - 1)?;
            deepest = deepest.max(inner);
        }
        if state.boundary.is_some() {
            loop {
                // `while`: directly nested messages end together (vendor/mail-parser/PATCHES.md).
                while state.is_message {
                    match stack.pop() {
                        Some(mut parent) => {
                            parent.boundary = state.boundary.take();
                            state = parent;
                        }
                        None => break 'outer,
                    }
                }
                if stream.is_multipart_end() {
                    if let Some(parent) = stack.pop() {
                        state = parent;
                        if let Some(b) = state.boundary.clone()
                            && stream.seek_next_part_offset(&b).is_some()
                        {
                            continue;
                        }
                    }
                    break 'outer;
                }
                break;
            }
        } else if stream.offset() >= bytes.len() {
            break;
        }
    }
    Ok(deepest)
}

/// All addresses of one address header value, formatted for metadata.
fn addresses(value: &HeaderValue<'_>) -> Vec<String> {
    let Some(address) = value.as_address() else {
        return value.as_text().map(|t| vec![t.to_owned()]).unwrap_or_default();
    };
    let list: Vec<&mail_parser::Addr<'_>> = match address {
        Address::List(list) => list.iter().collect(),
        Address::Group(groups) => groups.iter().flat_map(|g| g.addresses.iter()).collect(),
    };
    list.iter().filter_map(|a| format_address(a.name.as_deref(), a.address.as_deref())).collect()
}

/// Every text value of a header (message ids, free text).
fn texts(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// Copies the top-level header fields of `message` into `draft` metadata. `raw` is the input
/// the offsets of the header fields refer to.
pub(crate) fn headers_to_meta(message: &Message<'_>, raw: &[u8], draft: &mut Draft) {
    let Some(root) = message.parts.first() else { return };
    // Keys already filled (by `.msg` properties) are not overridden by transport headers.
    let present: Vec<String> = draft.metadata.keys().cloned().collect();
    for header in &root.headers {
        let key = match &header.name {
            HeaderName::From => "from",
            HeaderName::To => "to",
            HeaderName::Cc => "cc",
            HeaderName::Bcc => "bcc",
            HeaderName::Subject => "subject",
            HeaderName::Date => "date",
            HeaderName::MessageId => "message-id",
            HeaderName::InReplyTo => "in-reply-to",
            HeaderName::References => "references",
            _ => continue,
        };
        if present.iter().any(|p| p == key) {
            continue;
        }
        // Repeated single-valued fields: the first one wins.
        let single = matches!(key, "subject" | "date" | "message-id");
        if single && draft.metadata.contains_key(key) {
            continue;
        }
        let values: Vec<String> = match key {
            "from" | "to" | "cc" | "bcc" => addresses(&header.value),
            "date" => match header.value.as_datetime() {
                Some(dt) if dt.is_valid() => vec![dt.to_rfc3339()],
                _ => raw
                    .get(header.offset_start as usize..header.offset_end as usize)
                    .map(|r| vec![String::from_utf8_lossy(r).trim().to_owned()])
                    .unwrap_or_default(),
            },
            "subject" => texts(&header.value).into_iter().take(1).collect(),
            _ => texts(&header.value).iter().map(|t| clean_message_id(t)).collect(),
        };
        for v in values {
            draft.add_meta(key, v);
        }
    }
    if draft.title.is_none() {
        draft.title = draft.metadata.get("subject").and_then(|s| s.first()).cloned();
    }
}

/// Does the raw header section of `part` declare base64 transfer encoding?
fn declares_base64(raw: &[u8], part: &MessagePart<'_>) -> bool {
    let Some(head) = raw.get(part.offset_header as usize..part.offset_body as usize) else {
        return false;
    };
    lines(head).any(|(line, _)| {
        let lower = line.to_ascii_lowercase();
        lower.starts_with(b"content-transfer-encoding:")
            && lower.get(26..).is_some_and(|v| v.trim_ascii() == b"base64")
    })
}

/// The text of a body part, HTML converted to text.
fn part_text(part: &MessagePart<'_>) -> Option<String> {
    match &part.body {
        PartType::Text(t) => Some(t.to_string()),
        PartType::Html(h) => Some(html::html_to_text(h)),
        _ => None,
    }
}

/// A MIME content type as `type/subtype`.
fn content_type_of(part: &MessagePart<'_>) -> Option<String> {
    part.content_type().map(|ct| match ct.subtype() {
        Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
        None => ct.ctype().to_ascii_lowercase(),
    })
}

/// Parses one RFC 5322 message into a [`Draft`] (see the module documentation).
pub fn extract_eml(bytes: &[u8], budget: &mut Budget) -> Result<Draft, ExtractError> {
    check_input_size(bytes, budget)?;
    budget.check_time()?;
    let bytes = strip_emlx(bytes);
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // A single message saved from an mbox keeps its "From " separator line: drop it.
    let bytes = if bytes.starts_with(b"From ") {
        let nl = bytes.iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| n + 1);
        bytes.get(nl..).unwrap_or(b"")
    } else {
        bytes
    };
    let starts_blank = lines(bytes).next().is_some_and(|(l, _)| l.trim_ascii().is_empty());
    let first = lines(bytes).find(|(l, _)| !l.trim_ascii().is_empty());
    let Some((first, after_first)) = first else {
        return Err(ExtractError::Malformed("empty message".into()));
    };
    if header_name(first).is_none() {
        if starts_blank {
            // An empty header section: the whole message is body text.
            let mut draft = Draft::default();
            budget.charge(bytes.len() as u64)?;
            push_paragraphs(&mut draft, &String::from_utf8_lossy(bytes));
            draft.warnings.push("message without header fields".into());
            return Ok(draft);
        }
        return Err(ExtractError::Malformed(
            "not an RFC 5322 message: the first line is not a header field".into(),
        ));
    }
    // Leading blank lines before the header fields are dropped.
    let first_start = after_first.saturating_sub(first.len() + 1);
    let bytes = bytes.get(first_start..).filter(|b| b.starts_with(first)).unwrap_or(bytes);
    budget.check_time()?;
    guard("mail-parser", || {
        mime_depth(bytes, budget.limits.max_mime_depth)?;
        budget.check_time()?;
        let message = MessageParser::default()
            .parse(bytes)
            .ok_or_else(|| ExtractError::Malformed("no RFC 5322 header fields found".into()))?;
        build_draft(&message, bytes, budget)
    })
}

/// Turns a parsed message into a draft.
fn build_draft(
    message: &Message<'_>,
    raw: &[u8],
    budget: &mut Budget,
) -> Result<Draft, ExtractError> {
    let mut draft = Draft::default();
    headers_to_meta(message, raw, &mut draft);

    // Body: the parts mail-parser selected for a text rendering (text/plain preferred inside
    // multipart/alternative, HTML where it is the only alternative).
    let mut body_ids: Vec<usize> = Vec::new();
    for &id in &message.text_body {
        let id = id as usize;
        budget.check_time()?;
        let Some(part) = message.parts.get(id) else { continue };
        if let Some(text) = part_text(part) {
            budget.charge(text.len() as u64)?;
            if part.is_encoding_problem {
                draft.warnings.push(format!("body part {id}: broken transfer encoding"));
            }
            push_paragraphs(&mut draft, &text);
            body_ids.push(id);
        }
    }
    // No text/plain body at all, but an HTML body elsewhere (e.g. HTML inside multipart/mixed).
    if body_ids.is_empty() {
        for &id in &message.html_body {
            let id = id as usize;
            let Some(part) = message.parts.get(id) else { continue };
            if let Some(text) = part_text(part) {
                budget.charge(text.len() as u64)?;
                push_paragraphs(&mut draft, &text);
                body_ids.push(id);
            }
        }
    }

    // A root part that mail-parser did not classify as a body (e.g. a multipart without a
    // boundary) is still the message text.
    if body_ids.is_empty()
        && let Some(root) = message.parts.first()
    {
        let text = match &root.body {
            PartType::Text(t) => Some(t.to_string()),
            PartType::Html(h) => Some(html::html_to_text(h)),
            PartType::Binary(b) | PartType::InlineBinary(b) => {
                let ct = content_type_of(root).unwrap_or_default();
                (ct.starts_with("multipart/") || ct.starts_with("text/"))
                    .then(|| String::from_utf8_lossy(b).into_owned())
            }
            _ => None,
        };
        if let Some(text) = text {
            budget.charge(text.len() as u64)?;
            push_paragraphs(&mut draft, &text);
            body_ids.push(0);
        }
    }

    // Attachments: every other leaf part with a file name or a non-text type, and nested
    // messages as their raw bytes.
    let html_alternatives: Vec<usize> = message.html_body.iter().map(|&i| i as usize).collect();
    for (id, part) in message.parts.iter().enumerate() {
        if id == 0 && matches!(part.body, PartType::Text(_) | PartType::Html(_)) {
            continue;
        }
        if body_ids.contains(&id) {
            continue;
        }
        budget.check_time()?;
        let name = part.attachment_name().map(str::to_owned);
        let content_type = content_type_of(part);
        let is_attachment_disposition =
            part.content_disposition().is_some_and(|cd| cd.is_attachment());
        let bytes: Cow<'_, [u8]> = match &part.body {
            PartType::Multipart(_) => continue,
            PartType::Text(t) | PartType::Html(t) => {
                let alternative = html_alternatives.contains(&id);
                if name.is_none() && (!is_attachment_disposition || alternative) {
                    continue;
                }
                Cow::Borrowed(t.as_bytes())
            }
            PartType::Binary(b) | PartType::InlineBinary(b) => Cow::Borrowed(b.as_ref()),
            PartType::Message(inner) => {
                let own = if part.encoding == Encoding::None {
                    raw.get(part.offset_body as usize..part.offset_end as usize)
                } else {
                    None
                };
                match own {
                    Some(slice) => Cow::Borrowed(slice),
                    None => Cow::Borrowed(inner.raw_message.as_ref()),
                }
            }
        };
        // mail-parser gives up on base64 it cannot delimit (no closing boundary) and returns
        // the encoded text: decode it leniently ourselves.
        let uuencoded = part.content_transfer_encoding().is_some_and(|e| {
            let e = e.trim().to_ascii_lowercase();
            e == "x-uuencode" || e == "uuencode" || e == "x-uue"
        });
        let bytes = match (uuencoded, &part.body) {
            (true, PartType::Binary(_) | PartType::InlineBinary(_) | PartType::Text(_)) => {
                decode_uu(&bytes).map_or(bytes, Cow::Owned)
            }
            _ => bytes,
        };
        let lenient = part.encoding == Encoding::None
            && !matches!(part.body, PartType::Message(_))
            && declares_base64(raw, part);
        let bytes = if lenient {
            draft.warnings.push(format!("part {id}: base64 decoded leniently"));
            Cow::Owned(decode_base64(&bytes))
        } else {
            bytes
        };
        budget.charge(bytes.len() as u64)?;
        let name = name.or_else(|| match &part.body {
            PartType::Message(inner) => inner.subject().map(|s| format!("{s}.eml")),
            _ => None,
        });
        let content_type = match &part.body {
            PartType::Message(_) => content_type.or_else(|| Some("message/rfc822".to_owned())),
            _ => content_type,
        };
        if part.is_encoding_problem && !lenient {
            draft.warnings.push(format!("part {id}: broken transfer encoding, kept as is"));
        }
        draft.attachments.push(Attachment { name, content_type, bytes: bytes.into_owned() });
    }
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uudecode() {
        // "Cat" uuencoded.
        assert_eq!(decode_uu(b"begin 644 cat.txt\n#0V%T\n`\nend\n").as_deref(), Some(&b"Cat"[..]));
        assert_eq!(decode_uu(b"no begin line"), None);
        let eml = b"From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\
            Content-Type: application/octet-stream; name=c.bin\nContent-Transfer-Encoding: x-uuencode\n\n\
            begin 644 c.bin\n#0V%T\n`\nend\n--b--\n";
        let d =
            extract_eml(eml, &mut Budget::new(crate::extract::draft::Limits::default())).unwrap();
        assert_eq!(d.attachments.first().map(|a| a.bytes.as_slice()), Some(&b"Cat"[..]));
    }

    #[test]
    fn depth_prescan() {
        let mut m = String::from("Content-Type: multipart/mixed; boundary=\"a\"\n\n--a\n");
        m.push_str("Content-Type: message/rfc822\n\nSubject: x\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n--b--\n--a--\n");
        assert_eq!(mime_depth(m.as_bytes(), 32), Ok(3));
        assert!(mime_depth(m.as_bytes(), 2).is_err());
        assert!(looks_like_eml(b"From: a@b\nSubject: x\n\nbody"));
        assert!(!looks_like_eml(b"%PDF-1.4\n"));
        assert!(!looks_like_eml(b"hello world\nFrom: x\n"));
    }

    /// Nesting depth of the tree mail-parser built: multipart and message/rfc822 levels.
    fn parsed_depth(message: &Message<'_>, id: usize) -> usize {
        match message.parts.get(id).map(|p| &p.body) {
            Some(PartType::Multipart(ids)) => {
                1 + ids.iter().map(|&i| parsed_depth(message, i as usize)).max().unwrap_or(0)
            }
            Some(PartType::Message(inner)) => 1 + parsed_depth(inner, 0),
            _ => 0,
        }
    }

    /// The pre-scan measures the depth mail-parser (patched, see vendor/mail-parser/PATCHES.md)
    /// builds when a message/rfc822 part directly wraps another: the messages end together. The
    /// last shape is one where a pre-scan that closed only one of them stopped early and missed
    /// the deeper nesting after it.
    #[test]
    fn depth_prescan_directly_nested_messages() {
        let wrap = "Content-Type: message/rfc822\n\n";
        let shapes = [
            format!(
                "Content-Type: multipart/mixed; boundary=b\n\n--b\n{wrap}{wrap}X: 2\n\nbody\n--b--\n"
            ),
            format!(
                "Content-Type: multipart/mixed; boundary=b\n\n--b\n{wrap}{wrap}X: 2\n\nbody\n--b\n\nmore\n--b--\n"
            ),
            format!(
                "Content-Type: multipart/mixed; boundary=b\n\n--b\n{wrap}{wrap}{wrap}X: 3\n\nbody\n--b--\n"
            ),
            format!(
                "Content-Type: multipart/mixed; boundary=b\n\n--b\n{wrap}{wrap}Content-Type: multipart/mixed; boundary=c\n\n--c\n\ninner\n--c--\n--b\n\nmore\n--b--\n"
            ),
            format!(
                "Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/mixed; boundary=b\n\n--b\n{wrap}{wrap}X: 2\n\nbody\n--b--\n--a\n{wrap}{wrap}{wrap}{wrap}{wrap}X: 5\n\ndeep\n--a--\n"
            ),
        ];
        for (i, eml) in shapes.iter().enumerate() {
            let message = MessageParser::default().parse(eml.as_bytes()).unwrap();
            assert_eq!(mime_depth(eml.as_bytes(), 32), Ok(parsed_depth(&message, 0)), "shape {i}");
        }
    }
}
