//! Character encodings of simple fonts and glyph names.
//!
//! A simple PDF font maps each one-byte code to a glyph name through a base encoding
//! (StandardEncoding, WinAnsiEncoding, MacRomanEncoding, PDFDocEncoding) patched by
//! `/Differences`; the glyph name then maps to Unicode through the Adobe Glyph List. This module
//! holds the four tables (as Unicode, since the names are only a detour) and the glyph-name
//! lookup for the common names plus the `uniXXXX`, `uXXXX` and numeric fallbacks.

/// A base encoding of a simple font.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseEncoding {
    /// Adobe StandardEncoding (the default of Type 1 fonts).
    Standard,
    /// Windows code page 1252.
    WinAnsi,
    /// Mac OS Roman.
    MacRoman,
    /// The PDF text-string encoding.
    PdfDoc,
}

const MAC_ROMAN_HIGH: &str = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»…\u{a0}ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\u{f8ff}ÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ";

const WIN_ANSI_80: &str = "€\u{0}‚ƒ„…†‡ˆ‰Š‹Œ\u{0}Ž\u{0}\u{0}‘’“”•–—˜™š›œ\u{0}žŸ";

const PDFDOC_80: &str = "•†‡…—–ƒ⁄‹›−‰„“”‘’‚™ﬁﬂŁŒŠŸŽıłœšž\u{0}€";

const PDFDOC_18: &str = "˘ˇˆ˙˝˛˚˜";

/// The character of `code` in `enc`, if the code is defined there.
pub fn base_char(enc: BaseEncoding, code: u8) -> Option<char> {
    match enc {
        BaseEncoding::WinAnsi => match code {
            0x20..=0x7e | 0xa0..=0xff => Some(char::from(code)),
            0x80..=0x9f => WIN_ANSI_80.chars().nth(usize::from(code - 0x80)).filter(|c| *c != '\0'),
            _ => None,
        },
        BaseEncoding::MacRoman => match code {
            0x20..=0x7e => Some(char::from(code)),
            0x80..=0xff => MAC_ROMAN_HIGH.chars().nth(usize::from(code - 0x80)),
            _ => None,
        },
        BaseEncoding::PdfDoc => match code {
            0x09 | 0x0a | 0x0d | 0x20..=0x7e | 0xa1..=0xff => Some(char::from(code)),
            0x18..=0x1f => PDFDOC_18.chars().nth(usize::from(code - 0x18)),
            0x80..=0xa0 => PDFDOC_80.chars().nth(usize::from(code - 0x80)).filter(|c| *c != '\0'),
            _ => None,
        },
        BaseEncoding::Standard => match code {
            0x27 => Some('’'),
            0x60 => Some('‘'),
            0x20..=0x7e => Some(char::from(code)),
            _ => standard_high(code),
        },
    }
}

fn standard_high(code: u8) -> Option<char> {
    Some(match code {
        0xa1 => '¡',
        0xa2 => '¢',
        0xa3 => '£',
        0xa4 => '⁄',
        0xa5 => '¥',
        0xa6 => 'ƒ',
        0xa7 => '§',
        0xa8 => '¤',
        0xa9 => '\'',
        0xaa => '“',
        0xab => '«',
        0xac => '‹',
        0xad => '›',
        0xae => 'ﬁ',
        0xaf => 'ﬂ',
        0xb1 => '–',
        0xb2 => '†',
        0xb3 => '‡',
        0xb4 => '·',
        0xb6 => '¶',
        0xb7 => '•',
        0xb8 => '‚',
        0xb9 => '„',
        0xba => '”',
        0xbb => '»',
        0xbc => '…',
        0xbd => '‰',
        0xbf => '¿',
        0xc1 => '`',
        0xc2 => '´',
        0xc3 => 'ˆ',
        0xc4 => '˜',
        0xc5 => '¯',
        0xc6 => '˘',
        0xc7 => '˙',
        0xc8 => '¨',
        0xca => '˚',
        0xcb => '¸',
        0xcd => '˝',
        0xce => '˛',
        0xcf => 'ˇ',
        0xd0 => '—',
        0xe1 => 'Æ',
        0xe3 => 'ª',
        0xe8 => 'Ł',
        0xe9 => 'Ø',
        0xea => 'Œ',
        0xeb => 'º',
        0xf1 => 'æ',
        0xf5 => 'ı',
        0xf8 => 'ł',
        0xf9 => 'ø',
        0xfa => 'œ',
        0xfb => 'ß',
        _ => return None,
    })
}

/// Decodes a PDF text string (Info dictionary values, annotation names): UTF-16BE with a byte
/// order mark, UTF-8 with a BOM, or PDFDocEncoding.
pub fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> =
            rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')).collect();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().filter_map(|b| base_char(BaseEncoding::PdfDoc, *b)).collect()
}

/// Unicode text of a glyph name: the Adobe Glyph List for the common names, then the
/// `uniXXXX[XXXX...]`, `uXXXX[XX]`, ligature (`f_i`) and suffix (`a.sc`) conventions, then
/// numeric names (`g65`, `c65`, `cid65`: the number as a code in Latin-1 when printable).
pub fn glyph_to_unicode(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    if let Some(c) = named(name) {
        return Some(c.to_string());
    }
    if name.len() == 1 && name.as_bytes().first()?.is_ascii_alphanumeric() {
        return Some(name.to_owned());
    }
    if let Some(base) = name.split('.').next().filter(|b| !b.is_empty() && b.len() < name.len()) {
        return glyph_to_unicode(base.as_bytes());
    }
    if name.contains('_') {
        let mut out = String::new();
        for part in name.split('_') {
            out.push_str(&glyph_to_unicode(part.as_bytes())?);
        }
        return Some(out);
    }
    if let Some(hex) = name.strip_prefix("uni")
        && hex.len() >= 4
        && hex.len() % 4 == 0
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        let units: Vec<u16> = hex
            .as_bytes()
            .chunks(4)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .filter_map(|s| u16::from_str_radix(s, 16).ok())
            .collect();
        let s: String = char::decode_utf16(units).filter_map(Result::ok).collect();
        return (!s.is_empty()).then_some(s);
    }
    if let Some(hex) = name.strip_prefix('u')
        && (4..=6).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32).map(String::from);
    }
    // Numeric names produced by some converters: "g65", "c65", "cid65", "G41" (hex).
    let digits_at = name.find(|c: char| c.is_ascii_digit())?;
    let (prefix, num) = name.split_at(digits_at);
    if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let value = if prefix == "G" && num.len() == 2 {
        u32::from_str_radix(num, 16).ok()?
    } else if num.bytes().all(|b| b.is_ascii_digit()) && (2..=3).contains(&num.len()) {
        num.parse::<u32>().ok()?
    } else {
        return None;
    };
    if (0x20..0x7f).contains(&value) || (0xa0..0x100).contains(&value) {
        char::from_u32(value).map(String::from)
    } else {
        None
    }
}

fn named(name: &str) -> Option<&'static str> {
    Some(match name {
        "space" | "nbspace" | "nonbreakingspace" => " ",
        "exclam" => "!",
        "quotedbl" => "\"",
        "numbersign" => "#",
        "dollar" => "$",
        "percent" => "%",
        "ampersand" => "&",
        "quotesingle" => "'",
        "parenleft" => "(",
        "parenright" => ")",
        "asterisk" => "*",
        "plus" => "+",
        "comma" => ",",
        "hyphen" | "hyphenminus" => "-",
        "period" => ".",
        "slash" => "/",
        "zero" => "0",
        "one" => "1",
        "two" => "2",
        "three" => "3",
        "four" => "4",
        "five" => "5",
        "six" => "6",
        "seven" => "7",
        "eight" => "8",
        "nine" => "9",
        "colon" => ":",
        "semicolon" => ";",
        "less" => "<",
        "equal" => "=",
        "greater" => ">",
        "question" => "?",
        "at" => "@",
        "bracketleft" => "[",
        "backslash" => "\\",
        "bracketright" => "]",
        "asciicircum" => "^",
        "underscore" => "_",
        "grave" => "`",
        "braceleft" => "{",
        "bar" => "|",
        "braceright" => "}",
        "asciitilde" => "~",
        "exclamdown" => "¡",
        "cent" => "¢",
        "sterling" => "£",
        "fraction" => "⁄",
        "yen" => "¥",
        "florin" => "ƒ",
        "section" => "§",
        "currency" => "¤",
        "quotedblleft" => "“",
        "guillemotleft" => "«",
        "guilsinglleft" => "‹",
        "guilsinglright" => "›",
        "fi" => "fi",
        "fl" => "fl",
        "ff" => "ff",
        "ffi" => "ffi",
        "ffl" => "ffl",
        "endash" => "–",
        "dagger" => "†",
        "daggerdbl" => "‡",
        "periodcentered" | "middot" => "·",
        "paragraph" => "¶",
        "bullet" => "•",
        "quotesinglbase" => "‚",
        "quotedblbase" => "„",
        "quotedblright" => "”",
        "guillemotright" => "»",
        "ellipsis" => "…",
        "perthousand" => "‰",
        "questiondown" => "¿",
        "acute" => "´",
        "circumflex" => "ˆ",
        "tilde" => "˜",
        "macron" => "¯",
        "breve" => "˘",
        "dotaccent" => "˙",
        "dieresis" => "¨",
        "ring" => "˚",
        "cedilla" => "¸",
        "hungarumlaut" => "˝",
        "ogonek" => "˛",
        "caron" => "ˇ",
        "emdash" => "—",
        "AE" => "Æ",
        "ordfeminine" => "ª",
        "Lslash" => "Ł",
        "Oslash" => "Ø",
        "OE" => "Œ",
        "ordmasculine" => "º",
        "ae" => "æ",
        "dotlessi" => "ı",
        "lslash" => "ł",
        "oslash" => "ø",
        "oe" => "œ",
        "germandbls" => "ß",
        "quoteleft" => "‘",
        "quoteright" => "’",
        "Euro" | "euro" => "€",
        "trademark" => "™",
        "copyright" => "©",
        "registered" => "®",
        "degree" => "°",
        "plusminus" => "±",
        "multiply" => "×",
        "divide" => "÷",
        "minus" => "−",
        "mu" | "mu1" => "µ",
        "logicalnot" => "¬",
        "brokenbar" => "¦",
        "onehalf" => "½",
        "onequarter" => "¼",
        "threequarters" => "¾",
        "onesuperior" => "¹",
        "twosuperior" => "²",
        "threesuperior" => "³",
        "softhyphen" | "sfthyphen" => "\u{ad}",
        "Scaron" => "Š",
        "scaron" => "š",
        "Zcaron" => "Ž",
        "zcaron" => "ž",
        "Ydieresis" => "Ÿ",
        "ydieresis" => "ÿ",
        "Agrave" => "À",
        "Aacute" => "Á",
        "Acircumflex" => "Â",
        "Atilde" => "Ã",
        "Adieresis" => "Ä",
        "Aring" => "Å",
        "Ccedilla" => "Ç",
        "Egrave" => "È",
        "Eacute" => "É",
        "Ecircumflex" => "Ê",
        "Edieresis" => "Ë",
        "Igrave" => "Ì",
        "Iacute" => "Í",
        "Icircumflex" => "Î",
        "Idieresis" => "Ï",
        "Eth" => "Ð",
        "Ntilde" => "Ñ",
        "Ograve" => "Ò",
        "Oacute" => "Ó",
        "Ocircumflex" => "Ô",
        "Otilde" => "Õ",
        "Odieresis" => "Ö",
        "Ugrave" => "Ù",
        "Uacute" => "Ú",
        "Ucircumflex" => "Û",
        "Udieresis" => "Ü",
        "Yacute" => "Ý",
        "Thorn" => "Þ",
        "agrave" => "à",
        "aacute" => "á",
        "acircumflex" => "â",
        "atilde" => "ã",
        "adieresis" => "ä",
        "aring" => "å",
        "ccedilla" => "ç",
        "egrave" => "è",
        "eacute" => "é",
        "ecircumflex" => "ê",
        "edieresis" => "ë",
        "igrave" => "ì",
        "iacute" => "í",
        "icircumflex" => "î",
        "idieresis" => "ï",
        "eth" => "ð",
        "ntilde" => "ñ",
        "ograve" => "ò",
        "oacute" => "ó",
        "ocircumflex" => "ô",
        "otilde" => "õ",
        "odieresis" => "ö",
        "ugrave" => "ù",
        "uacute" => "ú",
        "ucircumflex" => "û",
        "udieresis" => "ü",
        "yacute" => "ý",
        "thorn" => "þ",
        "Omega" => "Ω",
        "pi" => "π",
        "notequal" => "≠",
        "lessequal" => "≤",
        "greaterequal" => "≥",
        "infinity" => "∞",
        "checkmark" => "✓",
        "arrowright" => "→",
        "square" | "H22073" => "□",
        "H18533" | "blackcircle" => "●",
        "H18543" | "filledbox" => "■",
        "openbullet" | "whitebullet" => "◦",
        "lozenge" => "◊",
        "estimated" => "℮",
        "quotereversed" => "‛",
        "figuredash" => "‒",
        "horizontalbar" => "―",
        "dotlessj" => "ȷ",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_to_unicode(b"quoteright").as_deref(), Some("’"));
        assert_eq!(glyph_to_unicode(b"uni0041").as_deref(), Some("A"));
        assert_eq!(glyph_to_unicode(b"uni00660069").as_deref(), Some("fi"));
        assert_eq!(glyph_to_unicode(b"u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_to_unicode(b"f_f_i").as_deref(), Some("ffi"));
        assert_eq!(glyph_to_unicode(b"a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_to_unicode(b"g65").as_deref(), Some("A"));
        assert_eq!(glyph_to_unicode(b"nonsense"), None);
    }

    #[test]
    fn tables() {
        assert_eq!(MAC_ROMAN_HIGH.chars().count(), 128);
        assert_eq!(WIN_ANSI_80.chars().count(), 32);
        assert_eq!(PDFDOC_80.chars().count(), 33);
        assert_eq!(base_char(BaseEncoding::WinAnsi, 0x93), Some('“'));
        assert_eq!(base_char(BaseEncoding::MacRoman, 0xd2), Some('“'));
        assert_eq!(base_char(BaseEncoding::Standard, 0x27), Some('’'));
        assert_eq!(decode_text_string(b"\xfe\xff\x00H\x00i"), "Hi");
    }
}
