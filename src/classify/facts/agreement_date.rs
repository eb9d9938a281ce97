//! The agreement date: the date a contract gives itself, as opposed to the dates of the
//! contracts it refers to, its deadlines and its effective date.
//!
//! [`agreement_date`] finds the cues that introduce a date ([`Cue`]: "dated", "made", "entered
//! into", "effective as of", "Date:"), pairs each with the date (or blank) it introduces
//! ([`Dating`]), drops the dates of other contracts ("the Supply Agreement dated ...",
//! recitals), and picks among the preamble, a date on its own line, the signature blocks and
//! the first plausible date of the text, in that order.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::dates::{BLANK, MONTH_NAMES, YEAR, dates, day_number, day_pattern, month_number};
use super::{Fact, FactValue, ascii_regex, floor_boundary};

/// How far into a contract its preamble can start (a cover page and a table of contents can
/// come first).
const PREAMBLE_WINDOW: usize = 25_000;
/// How many bytes may separate a dating cue from its date ("made and entered into as of this").
const CUE_REACH: usize = 60;
/// How far into a contract a date standing on its own line is read as the contract's date (a
/// letter's date, a cover page's).
const DATELINE_WINDOW: usize = 2_000;
/// How closely a preamble's date must follow a date on its own line to be preferred to it.
const DATELINE_LEAD: usize = 1_000;

/// Words that introduce a contract's date: `dating` ones ("dated", "made", "entered into",
/// "executed"), `effective` ones ("effective", "Effective Date:"), a bare "as of", and a
/// "Date:" `label` at the start of a line.
static DATING_CUE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(r"(?im)\b(?P<dating>dated|made|entered(?:\s+into)?|executed|signed|agreement\s+date|date\s+of\s+(?:this|the)\s+agreement)\b|(?P<label>^[\t ]*dated?\s*:)|\b(?P<effective>effective(?:\s+dates?)?)\b|\bas\s+of\b")
        .expect("regex")
});
/// What may stand between a cue and its date: "made and entered into as of this", "executed
/// this Agreement on", "signed at Pretoria on", "made effective the"; not "effective until",
/// "executed by IBM on".
static CUE_GAP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:[\s,:;()_\-–—"“”'’]|(?i:\b(?:as|of|on|this|the|is|and|be|being|been|hereby|into|entered|made|effective|dated|date|day|from|for|reference|with|effect|agreement|contract|amendment|instrument|in\s+(?:duplicate|triplicate|counterparts?))\b)|\b(?:at|in)\s+(?:[A-Z][\w'’.&-]*,?\s*|of\s+)+)*$"#)
        .expect("regex")
});
/// A date the text extraction left without its blanks, right after a cue: "as of , 2020",
/// "this day of , 2009", "entered into on 2018"; a day and month with no year ("made this
/// 30th day of April (the ..."); or a blank with nothing known ("dated as of [●]").
static CUE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    ascii_regex(&format!(
        r"(?i)^\s*(?:(?:on|this|the)\s+)*(?P<date>(?:day\s+of\s*)?,\s*{YEAR}|(?P<bare>(?:19|20)\d{{2}})\b|{day}\s+day\s+of\s+(?P<month>{MONTH_NAMES})\b\.?|(?P<blank>{BLANK}|day\s+of\b))",
        day = day_pattern()
    ))
    .expect("regex")
});
/// The nouns that name an agreement, to tell "this Agreement dated ..." from "the Supply
/// Agreement dated ..." (another contract).
static AGREEMENT_NOUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:agreement|contract|amendment|addendum|letter|plan|lease|confirmation|memorandum|indenture|deed|understanding|note|schedule|certificate|notice|order|policy|instrument)s?\b")
        .expect("regex")
});
/// A closing clause that dates the signatures by the preamble: "executed as of the Effective
/// Date", "as of the date first above written", "as of the day and year first written".
static AS_OF_ABOVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bas\s+of\s+the\s+(?:effective\s+date|(?:date|day)\s+(?:and\s+year\s+)?(?:first\s+)?(?:above\s+)?(?:written|set\s+(?:forth|out)|stated)(?:\s+above)?)")
        .expect("regex")
});
/// Where a signature block or a closing clause dates the contract.
static SIGNING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:in\s+witness\s+whereof|thus\s+done|this\s+(?:[\w-]+\s+){0,3}(?:agreement|contract|amendment)\s+(?:is|was|has\s+been|shall\s+be)\s*$)")
        .expect("regex")
});
/// A signature block's "Date:" or "Dated:" label.
static SIGNATURE_DATE: LazyLock<Regex> =
    LazyLock::new(|| ascii_regex(r"(?i)\bdate[d]?\s*:\s*").expect("regex"));

/// How a date is introduced, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cue {
    /// A bare "as of": it dates the contract only in a sentence that names one.
    AsOf,
    /// A "Date:" label at the start of a line: the contract's date near its start, a
    /// signature's further on.
    Label,
    /// "effective as of", "Effective Date:".
    Effective,
    /// "dated", "made", "entered into", "executed".
    Dating,
}

/// A date a contract gives for itself.
#[derive(Clone, Debug)]
struct Dating {
    /// `None` for a date left blank ("dated as of [●]").
    date: Option<Fact>,
    /// Where the date (or the blank) starts.
    at: usize,
    /// The strongest cue that introduces it.
    cue: Cue,
    /// Whether the sentence dates a signature or the contract as a whole ("IN WITNESS
    /// WHEREOF ...", "This Agreement is dated ...").
    signing: bool,
    /// Whether the sentence is a preamble: "This [...] Agreement [...] is made ...".
    preamble: bool,
}

/// The start of a preamble: "This Agreement", "THIS SECOND AMENDED AND RESTATED AGENCY
/// AGREEMENT".
static PREAMBLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*this\s+(?:[\w&'’.-]+\s+){0,10}?(?:agreement|amendment|contract)\b")
        .expect("regex")
});

/// The date a contract is dated: when it was made, which can differ from when it takes effect.
///
/// In order:
/// 1. the preamble's date: the first date right after a cue ("dated", "made and entered into
///    as of", "effective as of") in the first [`PREAMBLE_WINDOW`] bytes that dates this
///    contract, not another one ("the Supply Agreement dated ...", recitals). A cover page's
///    "Effective as of ..." gives way to a later "This Agreement ... is made on ..."; a date
///    standing on its own line in the first [`DATELINE_WINDOW`] bytes (a letter's date, a
///    cover page's) comes first unless the preamble follows it closely; and where the
///    preamble only says when the contract takes effect, the signature blocks' date is
///    preferred unless the contract is signed "as of the Effective Date". An unfilled date
///    leaves its known parts ("as of ______, 2019" is `2019`, "made this 30th day of April" is
///    `--04-30`) or, when nothing is known ("dated as of [●]"), no date;
/// 2. else a closing statement ("This Agreement is dated ...", "IN WITNESS WHEREOF ... as of
///    ...") or the latest date of the first signature block ("Date: ...");
/// 3. else the first date of the first 3,000 bytes that is not another contract's, another
///    event's ("Commencement Date: ...", "by April 15, 2000", "through ..."), or on EDGAR's
///    "Source:" line.
pub(super) fn agreement_date(text: &str) -> Option<Fact> {
    let mut all = dates(text);
    let cues: Vec<(Range<usize>, Cue)> = DATING_CUE
        .captures_iter(text)
        .filter_map(|c| {
            let cue = if c.name("dating").is_some() {
                Cue::Dating
            } else if c.name("effective").is_some() {
                Cue::Effective
            } else if c.name("label").is_some() {
                Cue::Label
            } else {
                Cue::AsOf
            };
            Some((c.get(0)?.range(), cue))
        })
        .collect();
    // Dates whose blanks were lost, and blanks with nothing known, found from the cues.
    let mut blanks: Vec<usize> = Vec::new();
    let mut recovered: Vec<Fact> = Vec::new();
    for (cue, _) in &cues {
        let rest = &text[cue.end..floor_boundary(text, cue.end + 200)];
        let Some(c) = CUE_TAIL.captures(rest) else { continue };
        let (Some(whole), Some(date)) = (c.get(0), c.name("date")) else { continue };
        let span = cue.end + date.start()..cue.end + date.end();
        let at = all.partition_point(|f| f.span.start < span.start);
        let clash = all.get(at).is_some_and(|f| f.span.start < span.end + 4)
            || at.checked_sub(1).and_then(|i| all.get(i)).is_some_and(|f| f.span.end > span.start);
        if clash {
            continue;
        }
        let iso = if let Some(year) = c.name("year").or(c.name("bare")) {
            Some(year.as_str().to_owned())
        } else if c.name("blank").is_some() {
            blanks.push(span.start);
            None
        } else {
            // No year: the date must end there ("made this 30th day of April (the ...").
            let after = rest[whole.end()..].trim_start();
            let after = after.strip_prefix(',').unwrap_or(after).trim_start();
            match (c.name("month"), c.name("day")) {
                (Some(m), Some(d)) if !after.starts_with(|c: char| c.is_ascii_digit()) => {
                    match (month_number(m.as_str()), day_number(d.as_str())) {
                        (Some(m), Some(d @ 1..=31)) => Some(format!("--{m:02}-{d:02}")),
                        _ => None,
                    }
                }
                _ => None,
            }
        };
        if let Some(iso) = iso {
            recovered.push(Fact { value: FactValue::Date { iso }, span });
        }
    }
    if !recovered.is_empty() {
        all.extend(recovered);
        all.sort_by_key(|f| f.span.start);
    }
    let (datings, references) = datings(text, &all, &blanks, &cues);

    let mut in_window = datings.iter().take_while(|d| d.at < PREAMBLE_WINDOW);
    let mut preamble = in_window.next();
    // A cover page's "Effective as of ..." gives way to the preamble's "is entered into on".
    if let Some(first) = preamble
        && first.cue != Cue::Dating
        && !first.preamble
        && let Some(made) = in_window.find(|d| d.cue == Cue::Dating && d.preamble)
    {
        preamble = Some(made);
    }
    // A date on its own line near the start comes first, unless the preamble follows it
    // closely (a cover's "September 2018" and "made on 25 September 2018" below it).
    let dateline = all
        .iter()
        .take_while(|f| f.span.start < DATELINE_WINDOW)
        .find(|f| is_dateline(text, f.span.clone()))
        .cloned()
        .or_else(|| bare_year_line(&text[..floor_boundary(text, DATELINE_WINDOW)]));
    if let Some(line) = dateline
        && preamble.is_none_or(|d| line.span.end + DATELINE_LEAD <= d.at)
    {
        return Some(line);
    }
    if let Some(d) = preamble {
        // A contract that only says when it takes effect was made when it was signed, unless
        // it is signed "as of the Effective Date" (or "the date first above written").
        if d.cue != Cue::Dating
            && !AS_OF_ABOVE.is_match(text)
            && let Some(f) = signature_date(text, &all)
        {
            return Some(f);
        }
        return d.date.clone();
    }
    if let Some(d) = datings.iter().find(|d| d.signing && d.date.is_some()) {
        return d.date.clone();
    }
    if let Some(f) = signature_date(text, &all) {
        return Some(f);
    }
    all.into_iter().take_while(|f| f.span.start < 3000).find(|f| {
        let at = f.span.start;
        references.binary_search(&at).is_err()
            && !in_source_line(text, at)
            && !OTHER_DATE.is_match(&text[floor_boundary(text, at.saturating_sub(60))..at])
            && !RANGE_END.is_match(&text[f.span.end..floor_boundary(text, f.span.end + 20)])
            && !RANGE_START.is_match(&text[floor_boundary(text, at.saturating_sub(20))..at])
            && !dates_another_contract(&sentence_before(text, at))
    })
}

/// The word before a "Date:" label that makes it another date's: "Effective Date:",
/// "Commencement Date:".
static OTHER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:effective|commencement|termination|expiration|expiry|renewal|end|start|completion|closing|launch|delivery|due|trade|payment|invoice|ship|birth)\s*$")
        .expect("regex")
});
/// A label for a date other than the contract's, right before it: "Commencement Date:",
/// "Termination Date".
static OTHER_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:commencement|termination|expiration|expiry|renewal|end|start|completion|closing|launch|delivery)\s+date\b[^.\n]*$")
        .expect("regex")
});
/// A deadline or the end of a range, right before a date: "by", "before", "through", "to".
static RANGE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:through|thru|until|till|to|by|before|after|prior\s+to|later\s+than)[\s,]*$",
    )
    .expect("regex")
});
/// The start of a range, right after a date: "through", "until", "to".
static RANGE_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^[\s,]*(?:through|thru|until|till|to)\b").expect("regex"));

/// Every date some cue introduces, in order, with the strongest cue's kind; and where the
/// dates of other contracts are ("the Supply Agreement dated ...", "WHEREAS, the parties
/// previously entered into ..."), which are left out.
fn datings(
    text: &str,
    all: &[Fact],
    blanks: &[usize],
    cues: &[(Range<usize>, Cue)],
) -> (Vec<Dating>, Vec<usize>) {
    // What each cue introduces: the next date or blank within reach, if only filler words
    // stand between them. Targets never go back, so cues sharing one are neighbours.
    let targets = cues.iter().filter_map(|(cue, kind)| {
        let reach = cue.end + CUE_REACH;
        let date = all.get(all.partition_point(|f| f.span.start < cue.end));
        let blank = blanks.get(blanks.partition_point(|&b| b < cue.end)).copied();
        let (at, date) = match (date, blank) {
            (Some(f), b) if f.span.start <= reach && b.is_none_or(|b| f.span.start < b) => {
                (f.span.start, Some(f))
            }
            (_, Some(b)) if b <= reach => (b, None),
            _ => return None,
        };
        CUE_GAP.is_match(&text[cue.end..at]).then_some((cue.start, *kind, at, date))
    });
    let mut out: Vec<Dating> = Vec::new();
    let mut references: Vec<usize> = Vec::new();
    let mut close = |(nearest, cue, at, date): (usize, Cue, usize, Option<&Fact>)| {
        // The cue nearest the date decides whether it dates this contract.
        let before = sentence_before(text, nearest);
        if dates_another_contract(&before) {
            references.push(at);
            return;
        }
        let unnamed = cue == Cue::AsOf && !AGREEMENT_NOUN.is_match(&before);
        let signature_label = cue == Cue::Label && at >= DATELINE_WINDOW;
        if !unnamed && !signature_label {
            let signing = SIGNING.is_match(&before);
            let preamble = PREAMBLE.is_match(&before);
            out.push(Dating { date: date.cloned(), at, cue, signing, preamble });
        }
    };
    let mut group: Option<(usize, Cue, usize, Option<&Fact>)> = None;
    for (start, kind, at, date) in targets {
        group = match group {
            Some((_, k, a, d)) if a == at => Some((start, k.max(kind), a, d)),
            Some(g) => {
                close(g);
                Some((start, kind, at, date))
            }
            None => Some((start, kind, at, date)),
        };
    }
    if let Some(g) = group {
        close(g);
    }
    (out, references)
}

/// The sentence before byte `at` (at most 600 bytes), with parenthesised text such as
/// `(the "Agreement")` left out. It starts after a blank line, a semicolon, an unclosed
/// parenthesis, or a full stop before a capital that does not end an abbreviation ("Inc. The"
/// but not "L.P. dated", "ref. DS-12").
fn sentence_before(text: &str, at: usize) -> String {
    let window = &text[floor_boundary(text, at.saturating_sub(600))..at];
    let mut kept: Vec<char> = Vec::new();
    let mut depth = 0usize;
    for (i, ch) in window.char_indices().rev() {
        match ch {
            ')' => depth += 1,
            '(' if depth == 0 => break,
            '(' => depth -= 1,
            _ if depth > 0 => {}
            ';' => break,
            '\n' if window[..i].ends_with('\n') => break,
            '.' if ends_sentence(window, i) => break,
            _ => kept.push(ch),
        }
    }
    kept.iter().rev().collect()
}

/// Whether the full stop at byte `i` of `window` ends a sentence.
fn ends_sentence(window: &str, i: usize) -> bool {
    let after = &window[i + 1..];
    let next = after.trim_start();
    if !(after.is_empty() || after.starts_with(char::is_whitespace))
        || !(next.is_empty() || next.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()))
    {
        return false;
    }
    let word = window[..i].rsplit(char::is_whitespace).next().unwrap_or("").to_lowercase();
    let abbreviation = matches!(
        word.as_str(),
        "no" | "nos"
            | "ref"
            | "inc"
            | "co"
            | "corp"
            | "ltd"
            | "l.p"
            | "n.a"
            | "s.a"
            | "u.s"
            | "art"
            | "sec"
            | "para"
            | "st"
            | "mr"
            | "mrs"
            | "ms"
            | "dr"
            | "jr"
            | "sr"
            | "vs"
            | "v"
            | "e.g"
            | "i.e"
    );
    !abbreviation
}

/// Whether the sentence leading to a dating cue dates another contract: a recital ("WHEREAS,
/// ... previously entered into"), or a cue right after an agreement named with "the", "a",
/// "that certain", "such" ("to the Supply Agreement dated"), not "this" nor a title ("MASTER
/// SUPPLY AGREEMENT, dated"). A cue after a verb ("... (the "Agreement") is made") dates the
/// sentence's subject.
fn dates_another_contract(before: &str) -> bool {
    let trimmed = before.trim_end_matches(|c: char| c.is_whitespace() || c == ',');
    let lower = trimmed.to_lowercase();
    if lower.trim_start().starts_with("whereas") || lower.contains("previously") {
        return true;
    }
    let last_word = lower.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    if matches!(
        last_word,
        "is" | "was" | "are" | "were" | "be" | "been" | "being" | "hereby" | "has" | "have"
    ) {
        return false;
    }
    let Some(noun) = AGREEMENT_NOUN.find_iter(&lower).last() else { return false };
    let determiner = lower[..noun.start()]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(8)
        .find(|w| {
            matches!(
                *w,
                "this"
                    | "these"
                    | "the"
                    | "that"
                    | "a"
                    | "an"
                    | "such"
                    | "said"
                    | "its"
                    | "their"
                    | "certain"
                    | "any"
                    | "each"
                    | "prior"
                    | "original"
                    | "existing"
                    | "previous"
            )
        });
    determiner.is_some_and(|w| !matches!(w, "this" | "these"))
}

/// Whether a date stands on a line of its own (maybe after "Dated" or "Date:"), and the line
/// before it is not a label such as "EFFECTIVE DATE".
fn is_dateline(text: &str, span: Range<usize>) -> bool {
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let rest = &text[span.end..floor_boundary(text, span.end + 80)];
    let trail = rest.find('\n').map_or(rest, |i| &rest[..i]).trim();
    let lead = text[line_start..span.start].trim().to_ascii_lowercase();
    if !matches!(lead.as_str(), "" | "dated" | "date:" | "dated:")
        || !trail.chars().all(|c| matches!(c, '.' | ',' | ';'))
    {
        return false;
    }
    let previous = text[..line_start].trim_end();
    let previous = &previous[previous.rfind('\n').map_or(0, |i| i + 1)..];
    !previous.to_ascii_lowercase().trim_end_matches(':').ends_with("date")
}

/// A line that is only the year of a date whose blanks the text extraction lost (", 2009").
fn bare_year_line(head: &str) -> Option<Fact> {
    static LINE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&format!(r"(?m)^[\t ]*,[\t ]*{YEAR}[\t ]*$")).expect("regex"));
    let c = LINE.captures(head)?;
    let year = c.name("year")?;
    let start = head[..year.start()].rfind(',').unwrap_or(year.start());
    Some(Fact { value: FactValue::Date { iso: year.as_str().to_owned() }, span: start..year.end() })
}

/// The latest date labelled "Date:" or "Dated:" (or with "(Date)" under it, or within 400
/// bytes of "IN WITNESS WHEREOF") in the first signature block: from the first such date to
/// 400 bytes after it (side-by-side blocks: "Date: 7/1/98 Date: 7/7/98").
fn signature_date(text: &str, all: &[Fact]) -> Option<Fact> {
    static WITNESS: LazyLock<Regex> =
        LazyLock::new(|| ascii_regex(r"(?i)\bin\s+witness\s+where(?:of|to)\b").expect("regex"));
    let witnessed = WITNESS.find_iter(text).flat_map(|m| {
        let from = all.partition_point(|f| f.span.start < m.end());
        all[from..].iter().take_while(move |f| f.span.start <= m.end() + 400)
    });
    let after_label = SIGNATURE_DATE.find_iter(text).filter_map(|m| {
        let before = &text[floor_boundary(text, m.start().saturating_sub(30))..m.start()];
        if OTHER_LABEL.is_match(before) {
            return None;
        }
        let at = all.partition_point(|f| f.span.start < m.end());
        all.get(at).filter(|f| f.span.start - m.end() <= 5)
    });
    let over_label = all.iter().filter(|f| {
        let after = text[f.span.end..].trim_start();
        after.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("(date)"))
    });
    let mut labelled: Vec<&Fact> = after_label
        .chain(over_label)
        .chain(witnessed)
        .filter(|f| !in_source_line(text, f.span.start))
        .collect();
    labelled.sort_by_key(|f| f.span.start);
    labelled.dedup_by_key(|f| f.span.start);
    let first = labelled.first()?.span.start;
    labelled
        .into_iter()
        .take_while(|f| f.span.start <= first + 400)
        .max_by(|a, b| iso_of(a).cmp(iso_of(b)))
        .cloned()
}

fn iso_of(fact: &Fact) -> &str {
    match &fact.value {
        FactValue::Date { iso } => iso,
        _ => "",
    }
}

/// Whether byte `at` is on an EDGAR "Source: COMPANY, 10-K, 3/21/2019" line.
fn in_source_line(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at].trim_start().starts_with("Source:")
}

#[cfg(test)]
mod tests {
    use crate::classify::facts::{ContractFacts, FactValue};

    /// The agreement date of `text` and the text it was read from.
    fn agreement(text: &str) -> Option<(String, &str)> {
        let fact = ContractFacts::from_text(text).agreement_date?;
        let FactValue::Date { iso } = fact.value else { unreachable!("a date") };
        Some((iso, &text[fact.span]))
    }

    #[test]
    fn agreement_date_skips_other_contracts() {
        let amendment = "SECOND AMENDMENT\n\nThis Second Amendment to the Supply Agreement dated \
                         April 1, 2017 between Alpha Ltd. and Beta L.P. (the \"Agreement\") is \
                         made this 22nd day of June 2018.";
        assert_eq!(agreement(amendment), Some(("2018-06-22".to_owned(), "22nd day of June 2018")));
        let recital = "LICENSE AGREEMENT\n\nThis License Agreement is made between Alpha Ltd. and \
                       Beta Inc.\n\nWHEREAS, the parties entered into a Services Agreement dated \
                       as of March 3, 2010;\n\nWHEREAS, Beta previously agreed (by a letter \
                       dated May 1, 2011) to license its marks;\n\n1. Grant. Alpha may use the \
                       marks.\n\nIN WITNESS WHEREOF, the parties have signed this Agreement on \
                       May 5, 2012.";
        assert_eq!(agreement(recital), Some(("2012-05-05".to_owned(), "May 5, 2012")));
        let closing = format!(
            "SUPPLY AGREEMENT\n\nAlpha and Beta agree as follows.\n\n{}14.6 This Agreement is \
             dated April 29, 2010.",
            "1. Supply. Alpha shall supply the goods. ".repeat(700)
        );
        assert_eq!(agreement(&closing), Some(("2010-04-29".to_owned(), "April 29, 2010")));
    }

    #[test]
    fn agreement_date_of_letters_and_covers() {
        let letter = format!(
            "ACME CORP.\n12 Main Street\n\nJuly 20, 2018\n\nDear Ms. Smith:\n\n{}This letter \
             agreement will be effective as of July 1, 2018.",
            "We are pleased to engage you as a consultant. ".repeat(60)
        );
        assert_eq!(agreement(&letter), Some(("2018-07-20".to_owned(), "July 20, 2018")));
        let cover = "Services Agreement\n\nAlpha Ltd.\nand\nBeta Ltd.\n\nSeptember 2018\n\n\
                     THIS SERVICES AGREEMENT (this \"Agreement\") is made on 25 September 2018 \
                     BETWEEN Alpha Ltd. and Beta Ltd.";
        assert_eq!(agreement(cover), Some(("2018-09-25".to_owned(), "25 September 2018")));
        let restated = "AMENDED AND RESTATED AGENCY AGREEMENT\nby and between\nAlpha and Beta\n\
                        Effective as of September 30, 1998\n\nTABLE OF CONTENTS\n1. Definitions \
                        1\n\nTHIS AMENDED AND RESTATED AGENCY AGREEMENT by and between Alpha Inc., \
                        a Delaware corporation (\"Alpha\"), and Beta LLC (\"Beta\"), is entered \
                        into on August 31, 2017.";
        assert_eq!(agreement(restated), Some(("2017-08-31".to_owned(), "August 31, 2017")));
        let offering = "AGENCY AGREEMENT\n\n, 2009\n\nLadies and Gentlemen:\n\nThe Company will \
                        offer shares to depositors with balances as of March 31, 2008.";
        assert_eq!(agreement(offering), Some(("2009".to_owned(), ", 2009")));
    }

    #[test]
    fn agreement_date_with_blanks() {
        let cases = [
            ("This Agreement is made and entered into as of ________, 2019 by Alpha.", "2019"),
            ("This Agreement is effective as of , 2020 (the \"Effective Date\").", "2020"),
            ("This Amendment is entered into on 2018 (the \"Effective Date\").", "2018"),
            ("THIS AGREEMENT made this 30th day of April (the \"Effective Date\").", "--04-30"),
            ("This Agreement is made as of September ___, 2019.", "2019-09"),
        ];
        for (text, expected) in cases {
            assert_eq!(agreement(text).map(|(iso, _)| iso).as_deref(), Some(expected), "{text}");
        }
        let blank = "SUPPLY AGREEMENT\nDATED AS OF [●]\n\nWHEREAS, Alpha and Beta entered into a \
                     Separation Agreement, dated as of July 29, 2019.";
        assert_eq!(agreement(blank), None);
        let (_, source) = agreement("THIS AGREEMENT made this 30th day of April (the ...").unwrap();
        assert_eq!(source, "30th day of April");
    }

    #[test]
    fn agreement_date_from_signatures() {
        let effective = "DISTRIBUTOR AGREEMENT\n\nAgreement Number: 12 Effective Date: March 1, \
                         1996\n\nAlpha appoints Beta as a distributor.\n\nBy: /s/ A. Smith By: /s/ \
                         B. Jones\nDate: October 16, 1996 Date: November 5, 1996\n";
        assert_eq!(agreement(effective), Some(("1996-11-05".to_owned(), "November 5, 1996")));
        let as_of_effective = format!(
            "{effective}\nIN WITNESS WHEREOF, the parties have executed this Agreement as of the \
             Effective Date."
        );
        assert_eq!(agreement(&as_of_effective).map(|(iso, _)| iso).as_deref(), Some("1996-03-01"));
        let unlabelled = "JOINT FILING AGREEMENT\n\nThe undersigned agree to file jointly.\n\n\
                          January 22, 2020\n(Date)\n/s/ A. Smith";
        assert_eq!(agreement(unlabelled), Some(("2020-01-22".to_owned(), "January 22, 2020")));
    }

    #[test]
    fn agreement_date_ignores_deadlines_and_footers() {
        let text = "DISTRIBUTION AGREEMENT\n\nINITIAL PERIOD: April 15, 2000 through October \
                    15, 2000\n\nThe Distributor must order products by May 1, 2000.\n\nSource: \
                    ACME INC, 10-K, 3/21/2001\n\nCommencement Date: June 1, 2000";
        assert_eq!(agreement(text), None);
    }
}
