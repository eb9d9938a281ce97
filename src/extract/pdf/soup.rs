//! Whether a page's text layer is text at all.
//!
//! A text layer can exist and still be useless: a font without a Unicode mapping turns every
//! glyph into an unrelated letter or a private-use code point ("glyph soup"), and some scanners
//! put an invisible layer of noise over the image. Such a page is treated like a page with no
//! text layer: it needs OCR.
//!
//! The test is deliberately conservative (a real page must never lose its text to OCR). A page
//! is soup when it has at least [`MIN_CHARS`] letters and digits and either most of its
//! characters are replacement, private-use or control characters, or, for a page written in
//! Latin letters, fewer than a quarter of its words look like words: letters only (allowing
//! inner apostrophes and hyphens), with a vowel, at most four consonants in a row, and no
//! lower-case letter before an upper-case one.

/// Below this many letters and digits a page is too short to judge.
pub(crate) const MIN_CHARS: usize = 40;

/// Whether `text` (one page) is glyph soup rather than text.
pub(crate) fn is_glyph_soup(text: &str) -> bool {
    let mut alnum = 0usize;
    let mut bad = 0usize;
    let mut latin = 0usize;
    let mut visible = 0usize;
    for c in text.chars() {
        if c.is_whitespace() {
            continue;
        }
        visible += 1;
        if c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c) || c.is_control() {
            bad += 1;
        } else if c.is_alphanumeric() {
            alnum += 1;
            if c.is_ascii_alphabetic() || ('\u{C0}'..='\u{24F}').contains(&c) {
                latin += 1;
            }
        }
    }
    if alnum + bad < MIN_CHARS {
        return false;
    }
    if bad * 2 > visible {
        return true;
    }
    // Only Latin-script pages are judged by their words.
    if latin * 10 < alnum * 8 {
        return false;
    }
    let mut words = 0usize;
    let mut wordlike = 0usize;
    for token in text.split_whitespace() {
        let t = token.trim_matches(|c: char| !c.is_alphanumeric());
        if t.chars().count() < 2 || t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
            continue; // Numbers, labels and single letters say nothing either way.
        }
        words += 1;
        if looks_like_word(t) {
            wordlike += 1;
        }
    }
    words >= 8 && wordlike * 4 < words
}

fn looks_like_word(t: &str) -> bool {
    let is_vowel = |c: char| "aeiouyAEIOUYàáâäèéêëìíîïòóôöùúûüÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜ".contains(c);
    let mut vowel = false;
    let mut run = 0u32;
    let mut prev_lower = false;
    for c in t.chars() {
        if c == '\'' || c == '’' || c == '-' {
            run = 0;
            prev_lower = false;
            continue;
        }
        if !c.is_alphabetic() {
            return false;
        }
        if c.is_uppercase() && prev_lower {
            return false;
        }
        prev_lower = c.is_lowercase();
        if is_vowel(c) {
            vowel = true;
            run = 0;
        } else {
            run += 1;
            if run > 4 {
                return false;
            }
        }
    }
    vowel || t.chars().all(char::is_uppercase) // "LLC", "NY"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_text_is_not_soup() {
        let page = "14.2 Force Majeure. Neither party shall be liable for any failure or delay in \
                    performing its obligations under this Agreement (other than payment \
                    obligations) to the extent caused by events beyond its reasonable control, \
                    including acts of God, epidemics, pandemics, war, riots and strikes. \
                    Licensee's counter-party, IBM Corp., NY 10001, USD 1,000,000.";
        assert!(!is_glyph_soup(page));
        // Headings and lists in capitals, numbers and codes.
        let caps = "ARTICLE IV TERM AND TERMINATION 4.1 4.2 (a) (b) (c) EXHIBIT A-1 SCHEDULE \
                    B SECTION 12.3(b)(ii) LLC INC. CORP. N.V. GMBH 2021-01-01 $1,000 100%";
        assert!(!is_glyph_soup(caps));
        // Not Latin script: not judged by its words.
        assert!(!is_glyph_soup(
            &"本契約は、甲と乙との間の業務委託に関する条件を定める。".repeat(3)
        ));
        // Too short to judge.
        assert!(!is_glyph_soup("xq zt kw"));
    }

    #[test]
    fn unmapped_glyphs_are_soup() {
        // A font without a Unicode map: glyph ids taken as letters.
        let soup = "3!\"# $%&' ()*+ ,-./ Ckdq xQpz Wvbn mRtz Fghj kLpq Zxcv bNmq Wrtp Ysdf \
                    Ghjk lZxc Vbnm Qwrt";
        assert!(is_glyph_soup(soup));
        let pua = "\u{E001}\u{E002}\u{E003} \u{E004}\u{E005}".repeat(12);
        assert!(is_glyph_soup(&pua));
        let replacement = "\u{FFFD}".repeat(60);
        assert!(is_glyph_soup(&replacement));
    }
}
