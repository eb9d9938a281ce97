//! Document roles: what a document is in an archive ([`DocRole`]: an agreement, an amendment,
//! an order form, correspondence, a notice, something else), read from its format, its title
//! lines and its wording, and the agreement an amendment names ([`Amends`]).
//!
//! Document-scope rules judge agreements (and an amendment together with the agreement it
//! amends, see [`link_amendments`]), not the email that carries one. The rules here are written
//! from the definitions of the roles (`crates/clausal-eval/data/roles/LABELLING.md`), not
//! fitted to a corpus; `clausal eval roles` measures them on documents labelled by reading.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::extract::DocKind;

/// What a document is in an archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocRole {
    /// A contract that sets out terms as a whole (also standard terms, amended and restated
    /// agreements, templates).
    Agreement,
    /// A document that changes an agreement that already exists.
    Amendment,
    /// Deal terms issued under other terms: an order form, statement of work, purchase order
    /// or a cover page that sets the variables of standard terms kept elsewhere.
    OrderForm,
    /// A message between people: an email body, a cover letter, a memo.
    Correspondence,
    /// A formal notice given under a contract (termination, non-renewal, breach, ...).
    Notice,
    /// Anything else.
    Other,
}

impl DocRole {
    /// Every role.
    pub const ALL: [DocRole; 6] = [
        DocRole::Agreement,
        DocRole::Amendment,
        DocRole::OrderForm,
        DocRole::Correspondence,
        DocRole::Notice,
        DocRole::Other,
    ];

    /// `agreement`, `amendment`, `order_form`, `correspondence`, `notice` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocRole::Agreement => "agreement",
            DocRole::Amendment => "amendment",
            DocRole::OrderForm => "order_form",
            DocRole::Correspondence => "correspondence",
            DocRole::Notice => "notice",
            DocRole::Other => "other",
        }
    }
}

impl fmt::Display for DocRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DocRole {
    type Err = String;

    fn from_str(s: &str) -> Result<DocRole, String> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        DocRole::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = DocRole::ALL.iter().map(|r| r.as_str()).collect();
            format!("unknown document role {s:?} (one of {})", names.join(", "))
        })
    }
}

/// The agreement an amendment (or an order form) says it changes or is issued under, as its
/// opening names it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amends {
    /// The agreement's title ("Reseller Agreement"), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The date it gives the agreement ("the Reseller Agreement dated 1 June 2023"), ISO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The sections it replaces, deletes or amends ("14", "3.2"), in order of mention.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<String>,
}

/// A document's role with the reason for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleAssignment {
    /// The role.
    pub role: DocRole,
    /// Why, in words.
    pub reason: String,
    /// The words that decided it, as a byte range in the document text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Range<usize>>,
    /// The document's own title as its first lines give it ("RESELLER AGREEMENT"), or its
    /// format's title (PDF/DOCX properties, email subject).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// For amendments and order forms: the agreement they name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amends: Option<Amends>,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("role patterns compile (tested)")
}

/// An order form, statement of work or cover page longer than this carries its standard terms
/// with it: the document is the agreement.
const ORDER_FORM_MAX_WORDS: usize = 4_000;

/// A letter with more obligation words ("shall", "will", "agree", ...) than this is a letter
/// agreement.
const LETTER_MAX_OBLIGATIONS: usize = 15;
/// The least obligation words of an agreement, and the most words per obligation word: a note
/// or a description of an agreement (a README, a file list) has fewer.
const MIN_OBLIGATIONS: usize = 2;
const WORDS_PER_OBLIGATION: usize = 250;

const ORDINAL: &str = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\d+(?:st|nd|rd|th))";

/// An amendment's title: "Amendment No. 2 to ...", "First Amendment", "Addendum to ...".
static AMEND_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^(?:[^\n]{{0,80}}?\b)?(?:{ORDINAL}\s+)?(?:amendment|addendum|amending\s+agreement|supplement(?:al)?\s+agreement|side\s+letter)\b(?:\s+(?:no\.?|number|#)\s*[\w-]+)?(?:\s+(?:to|of)\b|\s*$)"
    ))
});
/// An amendment speaking of itself or doing its work: "This Amendment No. 1 (the ...)", "This
/// Endorsement Agreement Addendum I", "amends that certain ... Agreement", "Section 3 is hereby
/// amended to read".
static AMEND_WORDING: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\bthis\s+(?:{ORDINAL}\s+)?(?-i:(?:[A-Z][\w-]*\s+){{0,5}})(?:amendment|addendum)(?:\s+(?:(?:no\.?|number|#|n°)\s*)?[\w-]+)?\s*(?:\(|,|is\b|to\b|dated\b|made\b|entered\b|shall\b)|\b(?:is|are)\s+hereby\s+amended\b|\b(?:is|are)\s+amended\s+to\s+read\b|\bhereby\s+amend\b|\bamends\s+(?:and\s+supplements\s+)?that\s+certain\b|\b(?:desire|wish|agree|intend)s?\s+to\s+(?:further\s+)?amend\b"
    ))
});
/// A full new text of an agreement (tested on the title lines, and on the opening for the
/// agreement as a whole, not one of its sections).
static RESTATED: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\bamended\s+and\s+restated\b"));
static RESTATED_WHOLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:the|this|original|existing)\s+(?:[\w-]+\s+){0,4}(?:agreement|contract)\s+is\s+(?:hereby\s+)?amended\s+and\s+restated\s+in\s+its\s+entirety",
    )
});
static ORDER_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:order\s+form|statement\s+of\s+work|purchase\s+order|work\s+order|service\s+order|cover\s+page|key\s+terms|order\s+schedule)\b",
    )
});
static ORDER_WORDING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bthis\s+(?:order\s+form|statement\s+of\s+work|sow|purchase\s+order|work\s+order|service\s+order|cover\s+page)\b",
    )
});
static NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(?:formal\s+|written\s+)?notice\s+of\s+(?:termination|non-?\s?renewal|renewal|breach|default|assignment|exercise|intent)\b|\b(?:hereby|we)\s+(?:give|gives|provide|provides|serve|serves)\s+(?:you\s+)?(?:formal\s+|written\s+)?notice\s+(?:of|that)\b|\bthis\s+(?:letter|notice|email)\s+(?:serves\s+as|constitutes|shall\s+serve\s+as|is)\s+(?:our\s+)?(?:formal\s+|written\s+)?notice\b",
    )
});
static SALUTATION: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?im)^\s*(?:dear|hello|hi|to\s+whom\s+it\s+may\s+concern)\b[^\n]{0,60}[,:]?\s*$")
});
static LETTER_AGREEMENT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\bletter\s+agreement\b|\b(?:agreed|acknowledged)\s+(?:and|&)\s+(?:accepted|agreed)\b")
});
static CONTRACT_WORDING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bhereby\s+agrees?\b|\bagrees?\s+as\s+follows\b|\bwhereas\b|\bin\s+witness\s+whereof\b|\bnow,?\s+therefore\b|\bterms\s+(?:of\s+(?:service|use)|and\s+conditions)\b|\bthe\s+parties\s+agree\b|\b(?:licen[cs]e|non-disclosure|confidentiality|services?|supply|purchase|distribution)\s+agreement\b|\b(?:entered\s+into|made\s+and\s+entered)\b|\bby\s+and\s+between\b|\bagreement\s+(?:is\s+)?(?:made\s+)?between\b|\b(?:legal|binding|legally\s+binding)\s+(?:agreement|contract)\b|\b(?:accept|agree\s+to)\s+(?:all\s+)?(?:the|these|its)\s+terms\b",
    )
});
static CONTRACT_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:agreement|contract|terms|conditions|licen[cs]e|deed|note|memorandum\s+of\s+understanding|policy|charter|clauses|by-?laws)\b",
    )
});
/// Words of obligation: what a contract is made of.
static SHALL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:shall|must|will|may\s+not|agrees?|undertakes?|warrants?|represents?|liable|governed\s+by|indemnif\w*)\b",
    )
});
static WORD: LazyLock<Regex> = LazyLock::new(|| re(r"\p{Alphabetic}{2,}"));
/// "to the Reseller Agreement", "under that certain Master Services Agreement", "amends that
/// certain Manufacturing Agreement", "entered into that certain Services Agreement" (one line).
static AMENDED_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:to|TO|To|of|OF|under|UNDER|amend|AMEND|amends|AMENDS|amending|AMENDING|into|INTO)[ \t]+(?:the[ \t]+|THE[ \t]+|that[ \t]+certain[ \t]+|THAT[ \t]+CERTAIN[ \t]+|an?[ \t]+|their[ \t]+|its[ \t]+)?((?:[A-Z][A-Za-z&'’.-]*,?[ \t]+(?:(?:and|AND|&)[ \t]+)?){0,7}(?:Agreement|AGREEMENT|Contract|CONTRACT|Terms|TERMS))\b",
    )
});
static SECTION_CHANGED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:section|clause|article|paragraph)\s+(\d+(?:\.\d+)*)\s*(?:\([^)\n]{1,60}\)\s*)?(?:of\s+the\s+(?:[\w-]+\s+){0,4}(?:agreement|contract)\s+)?(?:is|are|shall\s+be)\s+(?:hereby\s+)?(?:deleted|replaced|amended|restated|superseded|modified|revised)",
    )
});

/// The first `n` bytes of `text`, cut at a character boundary.
fn prefix(text: &str, n: usize) -> &str {
    let mut end = n.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The title lines: up to `lines` short lines (120 bytes at most, not ending a sentence) at the
/// start, before the first line of running text, as a range of `text` (empty when the text
/// opens with prose).
fn head(text: &str, lines: usize) -> Range<usize> {
    let mut end = 0;
    let mut at = 0;
    let mut taken = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            // Running text ends a title: a long line, or one that ends a sentence.
            if trimmed.len() > 120 || taken == lines || trimmed.ends_with(['.', ';', ',']) {
                break;
            }
            taken += 1;
            end = at + line.len();
        }
        at += line.len();
    }
    0..end
}

/// A title in capitals ending in the kind of document: "GLOBAL MAINTENANCE AGREEMENT".
static CAPS_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b((?:[A-Z][A-Z0-9&'’.,-]*\s+){0,6}(?:AGREEMENT|CONTRACT|LICEN[CS]E|TERMS|DEED))\b")
});
/// "This Nonexclusive Value Added Distributor Agreement".
static THIS_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b[Tt][Hh][Ii][Ss]\s+((?:[A-Z][\w&'’-]*\s+){1,6}(?:Agreement|Contract|Licen[cs]e))\b")
});

/// The document's own title: a title in capitals in its opening (after exhibit numbers and
/// confidentiality legends), else the name it gives itself ("This Supply Agreement"), else its
/// first short line, else the format's title.
fn own_title(text: &str, format_title: Option<&str>) -> Option<String> {
    let opening = prefix(text, 3_000);
    let caps = CAPS_TITLE
        .captures_iter(opening)
        .filter_map(|c| c.get(1))
        .find(|m| m.as_str().split_whitespace().count() >= 2)
        .map(|m| m.as_str());
    let this = || THIS_TITLE.captures(opening).and_then(|c| c.get(1)).map(|m| m.as_str());
    let first = || {
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && l.chars().any(char::is_alphabetic))
            .filter(|l| l.len() <= 120 && !l.ends_with(['.', ',', ';']))
    };
    caps.or_else(this)
        .or_else(first)
        .map(|t| t.trim_start_matches('#').split_whitespace().collect::<Vec<_>>().join(" "))
        .or_else(|| format_title.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned))
}

fn shift(m: regex::Match<'_>, by: usize) -> Range<usize> {
    m.start() + by..m.end() + by
}

/// The role of an extracted document ([`document_role`] on its format, title and text; an
/// Outlook item that is not a message, such as a contact or a task, is `other`).
pub fn role_of(doc: &crate::extract::Document) -> RoleAssignment {
    let class = doc.metadata.get("message-class").and_then(|v| v.first());
    if let Some(class) = class
        && !class.to_ascii_lowercase().starts_with("ipm.note")
        && !class.to_ascii_lowercase().starts_with("ipm.schedule")
    {
        let mut out = document_role(doc.kind, doc.title.as_deref(), &doc.text);
        out.role = DocRole::Other;
        out.reason = format!("an Outlook item that is not a message ({class})");
        out.evidence = None;
        out.amends = None;
        return out;
    }
    document_role(doc.kind, doc.title.as_deref(), &doc.text)
}

/// The role of a document of format `kind` with title `title` (its format's: PDF/DOCX
/// properties, email subject) and text `text`.
pub fn document_role(kind: DocKind, title: Option<&str>, text: &str) -> RoleAssignment {
    let own = own_title(text, title);
    let assign = |role, reason: &str, evidence: Option<Range<usize>>| RoleAssignment {
        role,
        reason: reason.to_owned(),
        evidence,
        title: own.clone(),
        amends: None,
    };
    let words = WORD.find_iter(prefix(text, 20_000)).take(40).count();
    let notice = NOTICE.find(prefix(text, 1_500));
    if kind == DocKind::Email {
        return match notice {
            _ if !text.chars().any(char::is_alphanumeric) => {
                assign(DocRole::Other, "an email message without a body", None)
            }
            Some(m) => {
                assign(DocRole::Notice, "an email that gives formal notice", Some(m.range()))
            }
            None => assign(DocRole::Correspondence, "the body of an email message", None),
        };
    }
    if words < 12 {
        return assign(DocRole::Other, "almost no text", None);
    }
    let opening = prefix(text, 2_000);
    let head_range = head(text, 3);
    let head_text = &text[head_range.clone()];
    // The format's title counts as a title line too (a DOCX title property, an email subject).
    let format_title = title.unwrap_or("");
    let restated = RESTATED.find(head_text).or_else(|| RESTATED_WHOLE.find(opening));
    let amend_title = head_text
        .lines()
        .scan(0usize, |at, line| {
            let start = *at;
            *at += line.len() + 1;
            Some((start, line))
        })
        .find_map(|(start, line)| AMEND_TITLE.find(line.trim_end()).map(|m| shift(m, start)))
        .or_else(|| AMEND_TITLE.find(format_title.trim()).map(|_| 0..0));
    let amend_wording = AMEND_WORDING.find(opening).map(|m| m.range());
    // A title that names an amendment decides; without one, the wording does unless the
    // agreement is restated as a whole.
    let restated_title = RESTATED.find(head_text).map(|m| m.start());
    let title_says_amendment = amend_title
        .as_ref()
        .is_some_and(|r| restated_title.is_none_or(|at| r.start <= at && !r.is_empty()));
    if title_says_amendment || restated.is_none() && amend_wording.is_some() {
        let evidence = amend_title.clone().filter(|r| !r.is_empty()).or(amend_wording.clone());
        let reason = if amend_title.is_some() {
            "its title names it an amendment"
        } else {
            "its opening amends an earlier agreement"
        };
        let mut out = assign(DocRole::Amendment, reason, evidence);
        out.amends = Some(amends(text));
        return out;
    }
    let shalls = SHALL.find_iter(prefix(text, 200_000)).count();
    let total_words = WORD.find_iter(prefix(text, 400_000)).count();
    let order = ORDER_TITLE
        .find(head_text)
        .map(|m| m.range())
        .or_else(|| ORDER_TITLE.find(format_title).map(|_| 0..0))
        .or_else(|| ORDER_WORDING.find(opening).map(|m| m.range()));
    if let Some(r) = order {
        // A cover page bound with its standard terms is the whole agreement; a page that only
        // mentions one (a file list, a note) is none.
        let fields = crate::classify::facts::cover::cover_terms(text).len();
        if total_words < ORDER_FORM_MAX_WORDS && (fields >= 3 || shalls >= 2) {
            let mut out = assign(
                DocRole::OrderForm,
                "its title or opening names it an order form, statement of work or cover page",
                Some(r).filter(|r| !r.is_empty()),
            );
            let named = amends(text);
            out.amends = (named.title.is_some()).then_some(named);
            return out;
        }
    }
    if let Some(m) = notice {
        return assign(DocRole::Notice, "it gives formal notice", Some(m.range()));
    }
    let letter = SALUTATION.find(prefix(text, 600));
    // A letter that binds (a countersignature, or the obligations of a contract) is a letter
    // agreement.
    if let Some(m) = letter
        && LETTER_AGREEMENT.find(text).is_none()
        && shalls < LETTER_MAX_OBLIGATIONS
    {
        return assign(
            DocRole::Correspondence,
            "a letter: it opens with a salutation",
            Some(m.range()),
        );
    }
    // Headings that ask questions: a FAQ or a guide about an agreement, not the agreement.
    let questions = prefix(text, 200_000)
        .lines()
        .map(str::trim)
        .filter(|l| l.len() <= 120 && l.ends_with('?') && l.split_whitespace().count() >= 3)
        .count();
    if questions >= 2 {
        return assign(
            DocRole::Other,
            "questions and answers about an agreement, not its terms",
            None,
        );
    }
    let wording: Vec<Range<usize>> =
        CONTRACT_WORDING.find_iter(prefix(text, 200_000)).take(8).map(|m| m.range()).collect();
    let titled = CONTRACT_TITLE.find(head_text).map(|m| m.range());
    // Obligations, not only the word "agreement": a README or a file list that describes an
    // agreement has (almost) none.
    let binds = shalls >= MIN_OBLIGATIONS && shalls * WORDS_PER_OBLIGATION >= total_words;
    let contract = match titled.is_some() || CONTRACT_TITLE.is_match(format_title) {
        true => binds,
        false => binds && !wording.is_empty(),
    };
    if contract {
        let evidence = titled.or_else(|| wording.first().cloned());
        let reason = if restated.is_some() {
            "an amended and restated agreement: a full new text"
        } else {
            "contract wording: parties' terms, obligations"
        };
        return assign(DocRole::Agreement, reason, evidence);
    }
    assign(DocRole::Other, "neither contract wording nor a message", None)
}

/// A company's name: it ends in a legal form.
static COMPANY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:inc|incorporated|corp|corporation|llc|l\.l\.c|ltd|limited|gmbh|ag|plc|s\.a|n\.v|b\.v|co|company|lp|llp)\.?\s*$",
    )
});

static DATED: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^[^.;]{0,80}?\bdated\s+(?:as\s+of\s+)?(?:the\s+)?"));

/// What an amendment's text says it amends: the agreement's title and date, and the sections
/// it changes.
pub fn amends(text: &str) -> Amends {
    let opening = prefix(text, 3_000);
    let titles: Vec<regex::Match<'_>> =
        AMENDED_TITLE.captures_iter(opening).filter_map(|c| c.get(1)).collect();
    let generic = |t: &str| {
        let n = normalise_title(t);
        n == "agreement" || n == "contract" || n == "terms" || n.is_empty()
    };
    let chosen = titles.iter().find(|m| !generic(m.as_str())).or(titles.first());
    let title = chosen.map(|m| m.as_str().trim().trim_end_matches(',').to_owned());
    // The date that follows a mention of the agreement: "... Agreement dated July 1, 2017".
    let date = titles.iter().find_map(|m| {
        let after = &opening[m.end()..];
        let d = DATED.find(after)?;
        let rest = prefix(&after[d.end()..], 60);
        crate::classify::facts::extract_facts(rest).into_iter().find_map(|f| match f.value {
            crate::classify::facts::FactValue::Date { iso } if f.span.start < 4 => Some(iso),
            _ => None,
        })
    });
    let mut sections: Vec<String> = Vec::new();
    for c in SECTION_CHANGED.captures_iter(prefix(text, 200_000)) {
        let s = c[1].to_owned();
        if !sections.contains(&s) {
            sections.push(s);
        }
    }
    Amends { title, date, sections }
}

/// A title for comparison: lower case, words only, without articles and "amended and restated".
pub fn normalise_title(title: &str) -> String {
    let lower = title.to_lowercase().replace("amended and restated", " ");
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| {
            !w.is_empty() && !matches!(*w, "the" | "a" | "an" | "this" | "that" | "certain")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A document as [`link_amendments`] sees it.
#[derive(Clone, Debug)]
pub struct RoleSummary<'a, K> {
    /// Its key (a document id).
    pub key: K,
    /// Its role.
    pub role: &'a RoleAssignment,
    /// The names of its parties.
    pub parties: &'a [String],
    /// Its date (`YYYY-MM-DD`), when known.
    pub date: Option<&'a str>,
}

/// How strongly an agreement matches what an amendment names: its title (2 to 4, by the words
/// of the title named), each shared party (1, at most 2), its date (2 when it is the date the
/// amendment gives it, -3 when it is another full date; -2 when the agreement is dated after
/// the amendment).
fn link_score<K>(agreement: &RoleSummary<'_, K>, amendment: &RoleSummary<'_, K>) -> i32 {
    let named = amendment.role.amends.as_ref();
    let mut score = 0;
    if let (Some(own), Some(t)) =
        (agreement.role.title.as_deref(), named.and_then(|a| a.title.as_deref()))
    {
        let t = normalise_title(t);
        if !t.is_empty() && titles_match(&normalise_title(own), &t) {
            // "Manufacturing Agreement" says less than "Global Maintenance Agreement".
            score += (t.split(' ').count() as i32).clamp(2, 4);
        }
    }
    let shared = agreement
        .parties
        .iter()
        .filter(|p| amendment.parties.iter().any(|q| same_party(p, q)))
        .count()
        .min(2);
    score += shared as i32;
    // Two companies each, none in common: another deal between other parties.
    let companies = |parties: &[String]| parties.iter().filter(|p| COMPANY.is_match(p)).count();
    if shared == 0 && companies(agreement.parties) >= 2 && companies(amendment.parties) >= 2 {
        score -= 3;
    }
    match (agreement.date, named.and_then(|a| a.date.as_deref())) {
        (Some(a), Some(n)) if a == n => score += 2,
        (Some(a), Some(n)) if a.len() == 10 && n.len() == 10 => score -= 3,
        _ => {}
    }
    if let (Some(a), Some(d)) = (agreement.date, amendment.date)
        && a > d
    {
        score -= 2;
    }
    score
}

/// The least [`link_score`] for a link: a title of three words or more, or a shorter one with a
/// party or the date, or two parties and the date.
const MIN_LINK_SCORE: i32 = 3;

/// Links each amendment to the agreement it amends among `docs`: the agreement that best
/// matches the title the amendment names, the parties they share and the date the amendment
/// gives the agreement (at least the title, or a party and the date; a tie links nothing).
/// Amendments with no such agreement are not in the map.
pub fn link_amendments<K: Clone + Eq + std::hash::Hash>(
    docs: &[RoleSummary<'_, K>],
) -> HashMap<K, K> {
    let agreements: Vec<&RoleSummary<'_, K>> =
        docs.iter().filter(|d| d.role.role == DocRole::Agreement).collect();
    let mut out = HashMap::new();
    for d in docs.iter().filter(|d| d.role.role == DocRole::Amendment) {
        let mut scored: Vec<(i32, &RoleSummary<'_, K>)> =
            agreements.iter().map(|a| (link_score(a, d), *a)).collect();
        scored.sort_by_key(|(s, _)| std::cmp::Reverse(*s));
        match scored.as_slice() {
            [(best, a), rest @ ..]
                if *best >= MIN_LINK_SCORE && rest.first().is_none_or(|(s, _)| s < best) =>
            {
                out.insert(d.key.clone(), a.key.clone());
            }
            _ => {}
        }
    }
    out
}

/// Whether an agreement's own title is the title an amendment names: the same words, or the
/// named title's words all in the agreement's (the amendment drops a party's name or "Master").
fn titles_match(own: &str, named: &str) -> bool {
    if own == named {
        return true;
    }
    // Words compare by their first six letters: "Distribution" and "Distributor" agreements.
    let stem = |w: &str| w.chars().take(6).collect::<String>();
    let own: Vec<String> = own.split(' ').map(stem).collect();
    let named: Vec<String> = named.split(' ').map(stem).collect();
    named.len() >= 2 && named.iter().all(|w| own.contains(w)) && own.len() <= named.len() + 3
}

/// Whether two party names are the same party: the same first two words, without case and
/// punctuation ("Northwind Traders Inc." and "NORTHWIND TRADERS, INC").
fn same_party(a: &str, b: &str) -> bool {
    let key = |s: &str| -> Vec<String> {
        s.replace(['\'', '’'], "")
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(2)
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (key(a), key(b));
    !a.is_empty() && a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(kind: DocKind, text: &str) -> DocRole {
        document_role(kind, None, text).role
    }

    const AGREEMENT: &str = "MASTER SERVICES AGREEMENT\n\nThis Master Services Agreement is made on 1 March 2024 between Northwind Traders Inc. and Contoso Ltd.\n\n1. Services. Supplier shall provide the services.\n\n2. Fees. Customer shall pay the fees within thirty days.";

    #[test]
    fn agreements_amendments_and_restatements() {
        assert_eq!(role(DocKind::Pdf, AGREEMENT), DocRole::Agreement);
        let amendment = "AMENDMENT No. 1 TO THE RESELLER AGREEMENT\n\n1. Force Majeure. Section 14 (Force Majeure) is replaced as follows: Neither party is liable for delays caused by an outbreak of contagious disease.\n\n2. Section 3.2 of the Agreement is hereby deleted.";
        let a = document_role(DocKind::Docx, None, amendment);
        assert_eq!(a.role, DocRole::Amendment);
        let amends = a.amends.unwrap();
        assert_eq!(amends.title.as_deref(), Some("RESELLER AGREEMENT"));
        assert_eq!(amends.sections, ["14", "3.2"]);
        let first = "FIRST AMENDMENT\n\nThis First Amendment (the \"Amendment\") is entered into as of May 1, 2012 by and between Acme Corp. and Beta LLC and amends the Supply Agreement dated January 1, 2010. The parties agree as follows: the Term shall be extended.";
        assert_eq!(role(DocKind::Text, first), DocRole::Amendment);
        let restated = "AMENDED AND RESTATED LICENSE AGREEMENT\n\nThis Amended and Restated License Agreement is made by and between Acme Corp. and Beta LLC. Licensee shall pay royalties. Licensor shall deliver the software. Section 5 is amended and restated.";
        assert_eq!(role(DocKind::Text, restated), DocRole::Agreement);
        // An agreement's own amendment clause does not make it an amendment.
        let clause = format!(
            "{AGREEMENT}\n\n3. Amendment. This Agreement may be amended only in writing signed by both parties."
        );
        assert_eq!(role(DocKind::Pdf, &clause), DocRole::Agreement);
    }

    #[test]
    fn emails_letters_notices_and_order_forms() {
        let body = "Hello,\n\nPlease find attached Amendment No. 1, which replaces the force majeure clause. We would like to sign it before the renewal date.\n\nBest regards,\nJane";
        assert_eq!(role(DocKind::Email, body), DocRole::Correspondence);
        let notice = "NOTICE OF NON-RENEWAL\n\nPursuant to Section 2 of the Supply Agreement between the parties, Fabrikam hereby gives notice that it will not renew the Agreement at the end of the current term on 30 June 2026.";
        assert_eq!(role(DocKind::Docx, notice), DocRole::Notice);
        let letter = "Dear Ms. Smith,\n\nThank you for your proposal of last week. We have reviewed the pricing and would like to meet to discuss the next steps in our evaluation.\n\nSincerely,\nJohn";
        assert_eq!(role(DocKind::Pdf, letter), DocRole::Correspondence);
        let order = "ORDER FORM\n\nThis Order Form is issued under the Cloud Service Agreement between Provider and Customer.\n\nSubscription Period: 12 months\nFees: USD 10,000 per year\nPayment Terms: 30 days from invoice\n";
        let o = document_role(DocKind::Docx, None, order);
        assert_eq!(o.role, DocRole::OrderForm);
        assert_eq!(o.amends.and_then(|a| a.title).as_deref(), Some("Cloud Service Agreement"));
        assert_eq!(role(DocKind::Text, "x y"), DocRole::Other);
        let report = "Quarterly report on sales volumes in the northern region, with charts of revenue by product line and commentary on seasonal trends observed over the period.";
        assert_eq!(role(DocKind::Pdf, report), DocRole::Other);
    }

    #[test]
    fn amendments_link_to_the_agreement_they_name() {
        let agreement = document_role(
            DocKind::Pdf,
            None,
            "RESELLER AGREEMENT\n\nThis Reseller Agreement is made between Tailspin Toys LLC and Northwind Traders Inc. Reseller shall resell the Products. Supplier shall deliver them.",
        );
        let other = document_role(DocKind::Pdf, None, AGREEMENT);
        let amendment = document_role(
            DocKind::Docx,
            None,
            "AMENDMENT No. 1 TO THE RESELLER AGREEMENT\n\n1. Section 14 is replaced as follows: force majeure covers epidemics.",
        );
        let parties = vec!["Tailspin Toys LLC".to_owned(), "Northwind Traders Inc.".to_owned()];
        let one = vec!["Northwind Traders, Inc".to_owned()];
        let none: Vec<String> = Vec::new();
        // A two-word title and a shared party.
        let docs = [
            RoleSummary { key: 1, role: &agreement, parties: &parties, date: Some("2023-06-01") },
            RoleSummary { key: 2, role: &other, parties: &none, date: None },
            RoleSummary { key: 3, role: &amendment, parties: &one, date: Some("2026-03-03") },
        ];
        let links = link_amendments(&docs);
        assert_eq!(links.get(&3), Some(&1));
        assert_eq!(links.len(), 1);
        // The title alone is not enough, nor an agreement dated after the amendment.
        let alone = [
            RoleSummary { key: 1, role: &agreement, parties: &parties, date: Some("2023-06-01") },
            RoleSummary { key: 3, role: &amendment, parties: &none, date: Some("2026-03-03") },
        ];
        assert!(link_amendments(&alone).is_empty());
        let later = [
            RoleSummary { key: 1, role: &agreement, parties: &parties, date: Some("2027-01-01") },
            RoleSummary { key: 3, role: &amendment, parties: &one, date: Some("2026-03-03") },
        ];
        assert!(link_amendments(&later).is_empty());
        assert!("order-form".parse::<DocRole>().is_ok_and(|r| r == DocRole::OrderForm));
        assert!("memo".parse::<DocRole>().is_err());
    }
}
