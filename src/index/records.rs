//! The tantivy schema and the records stored in it: one per clause, one per document.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{DateTime, TantivyDocument};

use super::{ClauseId, TextHash, VectorKey};
use crate::civil;
use crate::classify::KindScore;
use crate::classify::facts::{ContractFacts, Fact, FactValue};
use crate::classify::role::{DocRole, RoleAssignment};
use crate::deadlines::KeyDates;
use crate::extract::{DocId, DocKind, Document};
use crate::segment::{Clause, ClauseRole};

pub(crate) const RECORD_CLAUSE: &str = "clause";
pub(crate) const RECORD_DOCUMENT: &str = "document";

/// The fast field holding a clause's [`VectorKey`] (generation and row of its vector).
pub(crate) const VEC_FIELD: &str = "vec";

/// The fast field holding the commit generation that added a record.
pub(crate) const GENERATION_FIELD: &str = "generation";

/// The fields of the text index.
#[derive(Clone, Debug)]
pub(crate) struct Fields {
    pub(crate) schema: Schema,
    /// `clause` or `document`.
    pub(crate) record: Field,
    pub(crate) clause_id: Field,
    pub(crate) doc_id: Field,
    pub(crate) parent_id: Field,
    /// The ingested file the record came from (attachments and mbox messages share it).
    pub(crate) path: Field,
    /// The content hash of that file.
    pub(crate) file_hash: Field,
    pub(crate) source: Field,
    pub(crate) doc_kind: Field,
    pub(crate) title: Field,
    pub(crate) number: Field,
    pub(crate) heading: Field,
    pub(crate) text: Field,
    pub(crate) kind: Field,
    pub(crate) kind_scores: Field,
    pub(crate) near_kinds: Field,
    pub(crate) role: Field,
    pub(crate) ordinal: Field,
    pub(crate) depth: Field,
    pub(crate) span_start: Field,
    pub(crate) span_end: Field,
    pub(crate) page_start: Field,
    pub(crate) page_end: Field,
    pub(crate) facts: Field,
    pub(crate) date: Field,
    pub(crate) party: Field,
    /// The first 64 bits of the clause's [`TextHash`], for lookups.
    pub(crate) text_hash: Field,
    /// The whole [`TextHash`], stored.
    pub(crate) text_sha: Field,
    pub(crate) vec: Field,
    pub(crate) meta: Field,
    pub(crate) headers: Field,
    pub(crate) pages: Field,
    pub(crate) clauses: Field,
    /// The document's [`DocRole`], on clause and document records (absent from indexes made
    /// before roles: their records read no role).
    pub(crate) doc_role: Option<Field>,
    /// The document's [`RoleAssignment`] as JSON, on document records.
    pub(crate) role_info: Option<Field>,
    /// `None` in indexes made before key dates.
    pub(crate) key_dates: Option<Field>,
    /// The commit generation that added the record (`None` in indexes made before
    /// incremental export).
    pub(crate) generation: Option<Field>,
}

fn stemmed(stored: bool) -> TextOptions {
    let o = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored { o.set_stored() } else { o }
}

fn plain_text() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("default")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

impl Fields {
    pub(crate) fn new() -> Fields {
        let mut b = Schema::builder();
        b.add_text_field("record", STRING);
        b.add_u64_field("clause_id", INDEXED | STORED | FAST);
        b.add_u64_field("doc_id", INDEXED | STORED | FAST);
        b.add_u64_field("parent_id", STORED);
        b.add_text_field("path", STRING | STORED);
        b.add_u64_field("file_hash", INDEXED | STORED);
        b.add_text_field("source", STORED);
        b.add_text_field("doc_kind", STRING | STORED);
        b.add_text_field("title", plain_text().set_stored());
        b.add_text_field("number", STRING | STORED);
        b.add_text_field("heading", stemmed(true));
        b.add_text_field("text", stemmed(true));
        b.add_text_field("kind", STRING | STORED);
        b.add_text_field("kind_scores", STORED);
        b.add_text_field("near_kinds", STORED);
        b.add_text_field("role", STRING | STORED);
        b.add_u64_field("ordinal", STORED | FAST);
        b.add_u64_field("depth", STORED);
        b.add_u64_field("span_start", STORED);
        b.add_u64_field("span_end", STORED);
        b.add_u64_field("page_start", STORED);
        b.add_u64_field("page_end", STORED);
        b.add_text_field("facts", STORED);
        b.add_date_field("date", INDEXED | STORED | FAST);
        b.add_text_field("party", plain_text().set_stored());
        b.add_u64_field("text_hash", INDEXED | STORED | FAST);
        b.add_text_field("text_sha", STORED);
        b.add_u64_field(VEC_FIELD, INDEXED | STORED | FAST);
        b.add_text_field("meta", STORED);
        b.add_text_field("headers", plain_text());
        b.add_u64_field("pages", STORED);
        b.add_u64_field("clauses", STORED);
        b.add_text_field("doc_role", STRING | STORED);
        b.add_text_field("role_info", STORED);
        b.add_text_field("key_dates", STORED);
        b.add_u64_field(GENERATION_FIELD, INDEXED | STORED | FAST);
        Fields::from_schema(&b.build()).expect("the schema has every field")
    }

    pub(crate) fn from_schema(schema: &Schema) -> Result<Fields, String> {
        let f = |name: &str| schema.get_field(name).map_err(|_| format!("no field {name:?}"));
        Ok(Fields {
            schema: schema.clone(),
            record: f("record")?,
            clause_id: f("clause_id")?,
            doc_id: f("doc_id")?,
            parent_id: f("parent_id")?,
            path: f("path")?,
            file_hash: f("file_hash")?,
            source: f("source")?,
            doc_kind: f("doc_kind")?,
            title: f("title")?,
            number: f("number")?,
            heading: f("heading")?,
            text: f("text")?,
            kind: f("kind")?,
            kind_scores: f("kind_scores")?,
            near_kinds: f("near_kinds")?,
            role: f("role")?,
            ordinal: f("ordinal")?,
            depth: f("depth")?,
            span_start: f("span_start")?,
            span_end: f("span_end")?,
            page_start: f("page_start")?,
            page_end: f("page_end")?,
            facts: f("facts")?,
            date: f("date")?,
            party: f("party")?,
            text_hash: f("text_hash")?,
            text_sha: f("text_sha")?,
            vec: f(VEC_FIELD)?,
            meta: f("meta")?,
            headers: f("headers")?,
            pages: f("pages")?,
            clauses: f("clauses")?,
            doc_role: schema.get_field("doc_role").ok(),
            role_info: schema.get_field("role_info").ok(),
            key_dates: schema.get_field("key_dates").ok(),
            generation: schema.get_field(GENERATION_FIELD).ok(),
        })
    }
}

/// A clause ready to be written: segmented, classified, its facts read.
#[derive(Clone, Debug)]
pub(crate) struct AnalyzedClause {
    pub(crate) id: ClauseId,
    pub(crate) clause: Clause,
    pub(crate) text: String,
    pub(crate) kinds: Vec<KindScore>,
    pub(crate) near_kinds: Vec<KindScore>,
    pub(crate) facts: Vec<Fact>,
    pub(crate) text_hash: TextHash,
}

/// A document ready to be written, with its clauses.
#[derive(Clone, Debug)]
pub(crate) struct AnalyzedDocument {
    pub(crate) doc: Document,
    pub(crate) date: Option<DateTime>,
    pub(crate) parties: Vec<String>,
    pub(crate) kinds: Vec<KindScore>,
    pub(crate) facts: ContractFacts,
    /// `None` for texts added as clauses ([`IndexWriter::add_prepared`](super::IndexWriter::add_prepared)).
    pub(crate) role: Option<RoleAssignment>,
    pub(crate) clauses: Vec<AnalyzedClause>,
    /// Computed from `facts` while the document's text was at hand ([`KeyDates::compute`]);
    /// `None` for texts added as clauses.
    pub(crate) key_dates: Option<KeyDates>,
}

/// The file an analysed document came from.
#[derive(Clone, Debug)]
pub(crate) struct FileKey {
    pub(crate) path: String,
    pub(crate) hash: u64,
}

impl Fields {
    pub(crate) fn document_record(
        &self,
        file: &FileKey,
        a: &AnalyzedDocument,
        generation: u32,
    ) -> TantivyDocument {
        let d = &a.doc;
        let mut t = TantivyDocument::new();
        t.add_text(self.record, RECORD_DOCUMENT);
        if let Some(f) = self.generation {
            t.add_u64(f, u64::from(generation));
        }
        t.add_u64(self.doc_id, d.id.0);
        if let Some(p) = d.parent {
            t.add_u64(self.parent_id, p.0);
        }
        t.add_text(self.path, &file.path);
        t.add_u64(self.file_hash, file.hash);
        t.add_text(self.source, &d.source);
        t.add_text(self.doc_kind, d.kind.to_string());
        if let Some(title) = &d.title {
            t.add_text(self.title, title);
        }
        for k in &a.kinds {
            t.add_text(self.kind, k.kind.id());
        }
        t.add_text(self.kind_scores, serde_json::to_string(&a.kinds).unwrap_or_default());
        t.add_text(self.facts, serde_json::to_string(&a.facts).unwrap_or_default());
        if let Some(date) = a.date {
            t.add_date(self.date, date);
        }
        for p in &a.parties {
            t.add_text(self.party, p);
        }
        t.add_text(self.meta, serde_json::to_string(&d.metadata).unwrap_or_default());
        for (key, values) in &d.metadata {
            if matches!(key.as_str(), "from" | "to" | "cc" | "subject" | "attachment") {
                for v in values {
                    t.add_text(self.headers, v);
                }
            }
        }
        t.add_u64(self.pages, d.pages.len() as u64);
        t.add_u64(self.clauses, a.clauses.len() as u64);
        if let (Some(field), Some(role)) = (self.doc_role, &a.role) {
            t.add_text(field, role.role.as_str());
        }
        if let (Some(field), Some(role)) = (self.role_info, &a.role) {
            t.add_text(field, serde_json::to_string(role).unwrap_or_default());
        }
        if let (Some(field), Some(dates)) = (self.key_dates, &a.key_dates) {
            t.add_text(field, serde_json::to_string(dates).unwrap_or_default());
        }
        t
    }

    pub(crate) fn clause_record(
        &self,
        file: &FileKey,
        a: &AnalyzedDocument,
        c: &AnalyzedClause,
        key: VectorKey,
        generation: u32,
    ) -> TantivyDocument {
        let d = &a.doc;
        let mut t = TantivyDocument::new();
        t.add_text(self.record, RECORD_CLAUSE);
        if let Some(f) = self.generation {
            t.add_u64(f, u64::from(generation));
        }
        t.add_u64(self.clause_id, c.id.0);
        t.add_u64(self.doc_id, d.id.0);
        t.add_text(self.path, &file.path);
        t.add_u64(self.file_hash, file.hash);
        t.add_text(self.source, &d.source);
        t.add_text(self.doc_kind, d.kind.to_string());
        if let Some(title) = &d.title {
            t.add_text(self.title, title);
        }
        if let Some(n) = &c.clause.number {
            t.add_text(self.number, n);
        }
        if let Some(h) = &c.clause.heading {
            t.add_text(self.heading, h);
        }
        t.add_text(self.text, &c.text);
        for k in &c.kinds {
            t.add_text(self.kind, k.kind.id());
        }
        t.add_text(self.kind_scores, serde_json::to_string(&c.kinds).unwrap_or_default());
        if !c.near_kinds.is_empty() {
            t.add_text(self.near_kinds, serde_json::to_string(&c.near_kinds).unwrap_or_default());
        }
        t.add_text(self.role, role_name(c.clause.role));
        t.add_u64(self.ordinal, u64::from(c.clause.ordinal));
        t.add_u64(self.depth, u64::from(c.clause.depth));
        t.add_u64(self.span_start, c.clause.span.start as u64);
        t.add_u64(self.span_end, c.clause.span.end as u64);
        if let Some((a, b)) = c.clause.pages {
            t.add_u64(self.page_start, u64::from(a));
            t.add_u64(self.page_end, u64::from(b));
        }
        t.add_text(self.facts, serde_json::to_string(&c.facts).unwrap_or_default());
        if let Some(date) = a.date {
            t.add_date(self.date, date);
        }
        for p in &a.parties {
            t.add_text(self.party, p);
        }
        t.add_u64(self.text_hash, c.text_hash.short());
        t.add_text(self.text_sha, c.text_hash.to_string());
        t.add_u64(self.vec, key.0);
        if let (Some(field), Some(role)) = (self.doc_role, &a.role) {
            t.add_text(field, role.role.as_str());
        }
        t
    }
}

fn role_name(role: ClauseRole) -> String {
    serde_json::to_value(role).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A stored clause, as search returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClauseRecord {
    /// The clause.
    pub id: ClauseId,
    /// Its document.
    pub doc_id: DocId,
    /// The ingested file it came from.
    pub path: String,
    /// The document's source (`path`, or `path#attachment-N`...).
    pub source: String,
    /// The document's format.
    pub doc_kind: Option<DocKind>,
    /// The document's title.
    pub doc_title: Option<String>,
    /// Position in the document, from 0.
    pub ordinal: u32,
    /// The printed number ("14.2").
    pub number: Option<String>,
    /// The heading ("Force Majeure").
    pub heading: Option<String>,
    /// What the clause is in the contract.
    pub role: Option<ClauseRole>,
    /// Nesting depth.
    pub depth: u32,
    /// The clause text.
    pub text: String,
    /// Byte span in the document's text.
    pub span: Range<usize>,
    /// First and last page.
    pub pages: Option<(u32, u32)>,
    /// Assigned kinds, best first.
    pub kinds: Vec<KindScore>,
    /// Kinds the classifier nearly assigned (at least half their threshold): not the clause's
    /// kinds, but candidates for risk rules to propose for review.
    pub near_kinds: Vec<KindScore>,
    /// Facts read from the clause, with spans into [`ClauseRecord::text`].
    pub facts: Vec<Fact>,
    /// Hash of the normalised text.
    pub text_hash: TextHash,
    /// Its document's role (`None` in indexes made before roles, and for texts added as
    /// clauses).
    pub doc_role: Option<DocRole>,
}

/// A stored document, as a search snapshot lists them (`Searcher::documents`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DocumentRecord {
    /// The document.
    pub id: DocId,
    /// The message it is an attachment of.
    pub parent: Option<DocId>,
    /// The ingested file it came from.
    pub path: String,
    /// Content hash of that file.
    pub file_hash: u64,
    /// The document's source.
    pub source: String,
    /// Its format.
    pub kind: Option<DocKind>,
    /// Its title.
    pub title: Option<String>,
    /// Metadata (email headers...).
    pub metadata: std::collections::BTreeMap<String, Vec<String>>,
    /// Kinds the document contains.
    pub kinds: Vec<KindScore>,
    /// Contract-level facts.
    pub facts: Option<ContractFacts>,
    /// Pages.
    pub pages: u64,
    /// Clauses.
    pub clauses: u64,
    /// What the document is in the archive, with the reason and, for an amendment, the
    /// agreement it names (`None` in indexes made before roles, and for texts added as
    /// clauses).
    pub role: Option<RoleAssignment>,
    /// Its key dates, computed from its facts when it was ingested (`None` in indexes made
    /// before key dates).
    pub key_dates: Option<KeyDates>,
}

pub(crate) fn str_of(d: &TantivyDocument, f: Field) -> Option<&str> {
    d.get_first(f).and_then(|v| v.as_str())
}

/// A stored JSON field, parsed; `None` when absent or unreadable.
fn json_of<T: serde::de::DeserializeOwned>(d: &TantivyDocument, f: Field) -> Option<T> {
    str_of(d, f).and_then(|s| serde_json::from_str(s).ok())
}

pub(crate) fn u64_of(d: &TantivyDocument, f: Field) -> Option<u64> {
    d.get_first(f).and_then(|v| v.as_u64())
}

fn parse_enum<T: serde::de::DeserializeOwned>(s: Option<&str>) -> Option<T> {
    s.and_then(|s| serde_json::from_value(serde_json::Value::String(s.to_owned())).ok())
}

impl Fields {
    pub(crate) fn clause_of(&self, d: &TantivyDocument) -> ClauseRecord {
        let pages = match (u64_of(d, self.page_start), u64_of(d, self.page_end)) {
            (Some(a), Some(b)) => Some((a as u32, b as u32)),
            _ => None,
        };
        ClauseRecord {
            id: ClauseId(u64_of(d, self.clause_id).unwrap_or(0)),
            doc_id: DocId(u64_of(d, self.doc_id).unwrap_or(0)),
            path: str_of(d, self.path).unwrap_or("").to_owned(),
            source: str_of(d, self.source).unwrap_or("").to_owned(),
            doc_kind: parse_enum(str_of(d, self.doc_kind)),
            doc_title: str_of(d, self.title).map(str::to_owned),
            ordinal: u64_of(d, self.ordinal).unwrap_or(0) as u32,
            number: str_of(d, self.number).map(str::to_owned),
            heading: str_of(d, self.heading).map(str::to_owned),
            role: parse_enum(str_of(d, self.role)),
            depth: u64_of(d, self.depth).unwrap_or(0) as u32,
            text: str_of(d, self.text).unwrap_or("").to_owned(),
            span: u64_of(d, self.span_start).unwrap_or(0) as usize
                ..u64_of(d, self.span_end).unwrap_or(0) as usize,
            pages,
            kinds: json_of(d, self.kind_scores).unwrap_or_default(),
            near_kinds: json_of(d, self.near_kinds).unwrap_or_default(),
            facts: json_of(d, self.facts).unwrap_or_default(),
            text_hash: str_of(d, self.text_sha)
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| TextHash::of(str_of(d, self.text).unwrap_or(""))),
            doc_role: self.doc_role.and_then(|f| parse_enum(str_of(d, f))),
        }
    }

    pub(crate) fn document_of(&self, d: &TantivyDocument) -> DocumentRecord {
        DocumentRecord {
            id: DocId(u64_of(d, self.doc_id).unwrap_or(0)),
            parent: u64_of(d, self.parent_id).map(DocId),
            path: str_of(d, self.path).unwrap_or("").to_owned(),
            file_hash: u64_of(d, self.file_hash).unwrap_or(0),
            source: str_of(d, self.source).unwrap_or("").to_owned(),
            kind: parse_enum(str_of(d, self.doc_kind)),
            title: str_of(d, self.title).map(str::to_owned),
            metadata: json_of(d, self.meta).unwrap_or_default(),
            kinds: json_of(d, self.kind_scores).unwrap_or_default(),
            facts: json_of(d, self.facts),
            pages: u64_of(d, self.pages).unwrap_or(0),
            clauses: u64_of(d, self.clauses).unwrap_or(0),
            role: self.role_info.and_then(|f| json_of(d, f)),
            key_dates: self.key_dates.and_then(|f| json_of(d, f)),
        }
    }
}

/// The date a document is filed under: an email's date, else the contract's agreement date.
/// Partial dates count from their first day (`2019-03` is 1 March 2019).
pub(crate) fn document_date(doc: &Document, facts: &ContractFacts) -> Option<DateTime> {
    let from_meta =
        doc.metadata.get("date").and_then(|v| v.first()).and_then(|s| parse_iso_date(s));
    from_meta.or_else(|| match facts.agreement_date.as_ref().map(|f| &f.value) {
        Some(FactValue::Date { iso }) => parse_iso_date(iso),
        _ => None,
    })
}

/// Midnight UTC of the date part of an ISO 8601 / RFC 3339 string (see
/// [`civil::parse_iso_date`]), as the index stores dates.
pub(crate) fn parse_iso_date(s: &str) -> Option<DateTime> {
    let date = civil::parse_iso_date(s)?;
    Some(DateTime::from_timestamp_secs(civil::days_since_epoch(date) * 86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_parse_to_midnight_utc() {
        let d = parse_iso_date("2020-03-01T10:00:00+02:00").unwrap();
        assert_eq!(d.into_timestamp_secs(), 1_583_020_800);
        assert_eq!(parse_iso_date("2019-03").unwrap(), parse_iso_date("2019-03-01").unwrap());
        assert!(parse_iso_date("--03-01").is_none());
        assert!(parse_iso_date("2019-13-01").is_none());
        assert!(parse_iso_date("2021-02-31").is_none());
    }
}
