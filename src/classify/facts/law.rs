//! Governing law: the jurisdiction whose law governs a contract.
//!
//! [`governing_law`] reads the first governing-law provision in its usual forms ("governed by
//! the laws of the State of New York", "the laws of England shall govern", "governed by English
//! law", a "Governing Law" heading followed by "laws of X") and names the jurisdiction ("New
//! York", "England").

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

static GOVERNING_LAW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:governed|construed|interpreted|enforced|determined)\b[^.;]{0,200}?\blaws?\s+(?:in\s+force\s+in\s+|of\s+)(?P<place>[^.;()]{2,120})")
        .expect("regex")
});

static LAWS_SHALL_GOVERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\blaws?\s+of\s+(?P<place>[^.;()]{2,120}?)\s+(?:shall|will|to)\s+govern")
        .expect("regex")
});
static ADJECTIVE_LAW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:governed|construed|interpreted)\b[^.;]{0,120}?\b(?P<adj>English|Scottish|Irish|German|French|Swiss|Dutch|Israeli|Chinese|PRC|Japanese|Canadian|Australian|Singapore|Singaporean|Hong Kong|New York|Delaware|California|Texas|Swedish|Danish|Norwegian|Finnish|Belgian|Italian|Spanish|Korean|Indian|Taiwanese)\s+law\b")
        .expect("regex")
});
static HEADED_LAW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bgoverning\s+law\b[^.]{0,40}?[.:]?\s[^;]{0,250}?\blaws?\s+(?:in\s+force\s+in\s+|of\s+)(?P<place>[^.;()]{2,120})")
        .expect("regex")
});

/// The jurisdiction named by the first governing-law provision: "governed by the laws of X",
/// "the laws of X shall govern", "governed by English law", or a "Governing Law" heading
/// followed by "laws of X".
pub(super) fn governing_law(text: &str) -> Option<(Range<usize>, String)> {
    let mut candidates: Vec<(Range<usize>, String)> = Vec::new();
    for re in [&*GOVERNING_LAW, &*LAWS_SHALL_GOVERN, &*HEADED_LAW] {
        for c in re.captures_iter(text) {
            let (Some(whole), Some(place)) = (c.get(0), c.name("place")) else { continue };
            if let Some(name) = clean_jurisdiction(place.as_str()) {
                candidates.push((whole.range(), name));
                break;
            }
        }
    }
    if let Some(c) = ADJECTIVE_LAW.captures(text)
        && let (Some(whole), Some(adj)) = (c.get(0), c.name("adj"))
    {
        candidates.push((whole.range(), place_of_adjective(adj.as_str())));
    }
    candidates.into_iter().min_by_key(|(span, _)| span.start)
}

/// "English" -> "England", "PRC" -> "People's Republic of China"; place names stay.
fn place_of_adjective(adj: &str) -> String {
    let place = match adj.to_ascii_lowercase().as_str() {
        "english" => "England",
        "scottish" => "Scotland",
        "irish" => "Ireland",
        "german" => "Germany",
        "french" => "France",
        "swiss" => "Switzerland",
        "dutch" => "Netherlands",
        "israeli" => "Israel",
        "chinese" | "prc" => "People's Republic of China",
        "japanese" => "Japan",
        "canadian" => "Canada",
        "australian" => "Australia",
        "singaporean" | "singapore" => "Singapore",
        "swedish" => "Sweden",
        "danish" => "Denmark",
        "norwegian" => "Norway",
        "finnish" => "Finland",
        "belgian" => "Belgium",
        "italian" => "Italy",
        "spanish" => "Spain",
        "korean" => "Korea",
        "indian" => "India",
        "taiwanese" => "Taiwan",
        _ => return adj.to_owned(),
    };
    place.to_owned()
}

/// "the State of New York, without regard to ..." -> "New York".
pub(super) fn clean_jurisdiction(raw: &str) -> Option<String> {
    let raw = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s = raw.as_str();
    for cut in [
        " without",
        " applicable",
        " excluding",
        " except",
        " as applied",
        " as such",
        " as in effect",
        " as the same",
        " irrespective",
        " regardless",
        " and the ",
        " and of the united states",
        " and any",
        " and to ",
        " and shall",
        " and venue",
        " and all ",
        " and subject",
        " shall ",
        " which",
        " that ",
        " in effect",
        " notwithstanding",
        " (",
        ",",
    ] {
        if let Some(i) = s.to_ascii_lowercase().find(cut) {
            s = &s[..i];
        }
    }
    let mut s = s.trim();
    for prefix in
        ["the ", "State of ", "state of ", "Commonwealth of ", "Province of ", "province of "]
    {
        s = s.strip_prefix(prefix).unwrap_or(s).trim();
    }
    let lower = s.to_ascii_lowercase();
    if s.is_empty()
        || s.len() > 60
        || !s.starts_with(|c: char| c.is_uppercase())
        || ["this", "such", "that", "any", "its", "his", "their", "said"]
            .iter()
            .any(|w| lower.starts_with(w))
    {
        return None;
    }
    Some(s.to_owned())
}
