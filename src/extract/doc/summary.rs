//! The `\u{5}SummaryInformation` property set (MS-OLEPS): title, author and dates.
//!
//! Only the first section is read, at most [`MAX_PROPS`] properties, each bounded by the
//! stream; a malformed set yields fewer properties, never an error.

use super::bytes::{slice, u16_at, u32_at};
use crate::extract::draft::Draft;

const MAX_PROPS: usize = 256;
/// Longest string property kept, in bytes.
const MAX_STRING: usize = 1 << 16;

const VT_I2: u32 = 2;
const VT_LPSTR: u32 = 30;
const VT_LPWSTR: u32 = 31;
const VT_FILETIME: u32 = 64;

/// Adds what the property set holds to `draft`.
pub(super) fn read(b: &[u8], draft: &mut Draft) {
    if u16_at(b, 0) != Some(0xFFFE) || u32_at(b, 24).unwrap_or(0) == 0 {
        return;
    }
    let Some(offset) = u32_at(b, 44).and_then(|o| usize::try_from(o).ok()) else { return };
    let Some(section) = b.get(offset..) else { return };
    let count = u32_at(section, 4).map_or(0, |n| n as usize).min(MAX_PROPS);
    let mut props = Vec::with_capacity(count);
    for i in 0..count {
        let (Some(pid), Some(at)) = (u32_at(section, 8 + 8 * i), u32_at(section, 12 + 8 * i))
        else {
            break;
        };
        props.push((pid, at as usize));
    }
    let code_page = props
        .iter()
        .find(|(pid, _)| *pid == 1)
        .and_then(|&(_, at)| (u32_at(section, at)? == VT_I2).then(|| u16_at(section, at + 4))?)
        .map(u32::from);
    for &(pid, at) in &props {
        let key = match pid {
            2 => "title",
            3 => "subject",
            4 => "author",
            5 => "keywords",
            8 => "last-modified-by",
            12 => "created",
            13 => "modified",
            _ => continue,
        };
        let Some(value) = value(section, at, code_page) else { continue };
        let value = value.trim_matches(|c: char| c == '\0' || c.is_whitespace());
        if value.is_empty() {
            continue;
        }
        if key == "title" {
            draft.title = Some(value.to_owned());
        } else {
            draft.add_meta(key, value);
        }
    }
}

fn value(section: &[u8], at: usize, code_page: Option<u32>) -> Option<String> {
    match u32_at(section, at)? {
        VT_LPSTR => {
            let len = (u32_at(section, at + 4)? as usize).min(MAX_STRING);
            let raw = slice(section, at + 8, len).or_else(|| section.get(at + 8..))?;
            let raw = raw.split(|&c| c == 0).next().unwrap_or(&[]);
            if code_page == Some(1200) {
                return Some(utf16(raw));
            }
            let encoding = crate::extract::codepage::encoding(code_page);
            Some(encoding.decode_without_bom_handling(raw).0.into_owned())
        }
        VT_LPWSTR => {
            let len = (u32_at(section, at + 4)? as usize).min(MAX_STRING);
            let raw = slice(section, at + 8, len * 2)?;
            Some(utf16(raw))
        }
        VT_FILETIME => {
            let low = u64::from(u32_at(section, at + 4)?);
            let high = u64::from(u32_at(section, at + 8)?);
            filetime_to_rfc3339(high << 32 | low)
        }
        _ => None,
    }
}

fn utf16(raw: &[u8]) -> String {
    let units = raw.chunks_exact(2).map(|c| c.try_into().map(u16::from_le_bytes).unwrap_or(0));
    char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')).take_while(|&c| c != '\0').collect()
}

/// A FILETIME (100 ns ticks since 1601-01-01 UTC) as RFC 3339; `None` for zero or for dates
/// before 1970 (the property is then a duration or unset).
fn filetime_to_rfc3339(ticks: u64) -> Option<String> {
    const UNIX_EPOCH_TICKS: u64 = 116_444_736_000_000_000;
    let secs = ticks.checked_sub(UNIX_EPOCH_TICKS)? / 10_000_000;
    if secs == 0 {
        return None;
    }
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    if y > 9999 {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filetime() {
        // 2004-01-02T03:04:05Z.
        let secs: u64 = 1_073_012_645;
        let ticks = secs * 10_000_000 + 116_444_736_000_000_000;
        assert_eq!(filetime_to_rfc3339(ticks).as_deref(), Some("2004-01-02T03:04:05Z"));
        assert_eq!(filetime_to_rfc3339(0), None);
    }
}
