//! mbox mailboxes: messages concatenated, each introduced by a "From " separator line.
//!
//! A separator is a "From_" line, `From <envelope sender> <date>` (the date as `ctime` writes
//! it, e.g. `From alice@example.com Sat Jan  3 01:05:34 1996`), at the start of the file or
//! right after an empty line (the mboxrd/mboxo convention). A line that merely begins with
//! "From " ("From and after the Effective Date, ...") is not one: text that starts that way
//! is text, and a message body paragraph that does is not split off. [`split_mbox`] returns the byte range of each
//! message without its separator line (and without the blank line that precedes the next
//! separator); the driver hands each range to [`super::extract_eml`]. ">From " escaping is
//! left as is.

use std::ops::Range;

use super::check_input_size;
use crate::extract::draft::{Budget, ExtractError};

/// Cheap content sniffing: a "From_" separator line ([`is_separator`]) followed by a header
/// field line ("Name: value") or by the blank line of an empty header section.
pub fn looks_like_mbox(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let mut lines = head.split(|&b| b == b'\n');
    let first = lines.next().unwrap_or(b"");
    if !is_separator(first) {
        return false;
    }
    // Then a header field, or the blank line that ends an empty header section.
    let second = lines.next().unwrap_or(b"");
    if second.trim_ascii().is_empty() {
        return true;
    }
    let colon = second.iter().position(|&b| b == b':');
    colon.is_some_and(|c| {
        c > 0 && second.get(..c).is_some_and(|n| n.iter().all(|b| b.is_ascii_graphic()))
    })
}

pub(crate) use crate::extract::is_mbox_separator as is_separator;

/// Splits an mbox into the byte ranges of its messages ("From " lines removed).
pub fn split_mbox(bytes: &[u8], budget: &mut Budget) -> Result<Vec<Range<usize>>, ExtractError> {
    check_input_size(bytes, budget)?;
    budget.check_time()?;
    let mut ranges = Vec::new();
    // Start of the current message body (after its separator), if one is open.
    let mut current: Option<usize> = None;
    let mut pos = 0usize;
    let mut previous_blank = true;
    // Where the current message ends if the next line is a separator: the start of the
    // preceding blank line.
    let mut blank_start = 0usize;
    while pos < bytes.len() {
        let rest = bytes.get(pos..).unwrap_or(b"");
        let len = rest.iter().position(|&b| b == b'\n').map_or(rest.len(), |n| n + 1);
        let line = rest.get(..len).unwrap_or(rest);
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        if previous_blank && is_separator(content) {
            if let Some(start) = current {
                let end = if pos == 0 { pos } else { blank_start.max(start) };
                ranges.push(start..end);
                if ranges.len() % 4096 == 0 {
                    budget.check_time()?;
                }
            }
            current = Some(pos + len);
            previous_blank = false;
        } else {
            let blank = content.is_empty();
            if blank && !previous_blank {
                blank_start = pos;
            }
            previous_blank = blank;
        }
        pos += len;
    }
    match current {
        Some(start) => {
            let end = if previous_blank { blank_start.max(start) } else { bytes.len() };
            ranges.push(start..end);
        }
        None => {
            return Err(ExtractError::Malformed(
                "mbox: no \"From sender date\" separator line".into(),
            ));
        }
    }
    Ok(ranges)
}
