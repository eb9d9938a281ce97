//! DOCX (WordprocessingML) text extraction.
//!
//! A DOCX file is a zip package of XML parts linked by relationship files. [`extract`] opens
//! the package through a bounded reader ([`archive`](super::archive)), finds the main document part through
//! `_rels/.rels`, reads the styles ([`styles`]) and list definitions ([`numbering`]) it needs,
//! and turns the body into blocks in reading order ([`body`]): paragraphs, headings, numbered
//! list items with the label Word would render, and one block per table row. Footnotes and
//! endnotes follow the body as note blocks; headers, footers, comments and core properties
//! become metadata. Tracked changes are accepted by default, or rolled back with
//! [`DocxOptions::original`]. Every input ends as a [`Draft`] or an [`ExtractError`]; nothing in
//! the file can make this code panic, recurse without bound, or read more than the budget
//! allows.

#![warn(missing_docs)]

mod body;
mod numbering;
mod styles;

use super::archive::Package;
use crate::extract::xml::{Ev, XmlStream};
use body::{Ctx, parse_story};
use numbering::Numbering;
use styles::Styles;

use crate::extract::draft::{BlockKind, Budget, Draft, DraftBlock, ExtractError};

/// How a DOCX file is read.
#[derive(Clone, Debug, Default)]
pub struct DocxOptions {
    /// false (default): tracked changes accepted; true: the text before the changes.
    pub original: bool,
}

/// One relationship of a part: its type (last path segment of the type URI) and resolved
/// target part name.
struct Rel {
    kind: String,
    target: String,
}

/// The folder of a part name ("word/document.xml" -> "word").
fn folder(part: &str) -> &str {
    part.rfind('/').map_or("", |i| &part[..i])
}

/// The relationships part of a part ("word/document.xml" -> "word/_rels/document.xml.rels").
fn rels_name(part: &str) -> String {
    let dir = folder(part);
    let file = part.rsplit('/').next().unwrap_or(part);
    if dir.is_empty() { format!("_rels/{file}.rels") } else { format!("{dir}/_rels/{file}.rels") }
}

/// Resolves a relationship target against the folder of its source part.
fn resolve(base_dir: &str, target: &str) -> String {
    let target = target.split('#').next().unwrap_or("");
    let mut parts: Vec<&str> = Vec::new();
    if !target.starts_with('/') {
        parts.extend(base_dir.split('/').filter(|s| !s.is_empty()));
    }
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn read_rels(
    pkg: &mut Package<'_>,
    source: &str,
    budget: &mut Budget,
) -> Result<Vec<Rel>, ExtractError> {
    let name = rels_name(source);
    let Some(bytes) = pkg.read(&name, budget)? else { return Ok(Vec::new()) };
    let mut xml = XmlStream::new(&bytes, &name);
    let base = folder(source);
    let mut out = Vec::new();
    loop {
        match xml.next(budget)? {
            Ev::Start(e) if e.name == "Relationship" => {
                if e.attr("TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("external")) {
                    continue;
                }
                let (Some(kind), Some(target)) = (e.attr("Type"), e.attr("Target")) else {
                    continue;
                };
                let kind = kind.rsplit('/').next().unwrap_or("").to_owned();
                out.push(Rel { kind, target: resolve(base, target) });
            }
            Ev::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Reads docProps/core.xml into the draft: title, author, dates.
fn core_properties(bytes: &[u8], draft: &mut Draft, budget: &Budget) -> Result<(), ExtractError> {
    let mut xml = XmlStream::new(bytes, "docProps/core.xml");
    let mut current: Option<String> = None;
    let mut text = String::new();
    loop {
        match xml.next(budget)? {
            Ev::Start(e) => {
                current = Some(e.name);
                text.clear();
            }
            Ev::Text(t) => text.push_str(&t),
            Ev::End => {
                if let Some(name) = current.take() {
                    let value = text.trim();
                    match name.as_str() {
                        "title" if !value.is_empty() => draft.title = Some(value.to_owned()),
                        "creator" => draft.add_meta("author", value),
                        "lastModifiedBy" => draft.add_meta("last-modified-by", value),
                        "created" => draft.add_meta("created", value),
                        "modified" => draft.add_meta("modified", value),
                        "subject" => draft.add_meta("subject", value),
                        _ => {}
                    }
                }
                text.clear();
            }
            Ev::Eof => break,
        }
    }
    Ok(())
}

/// Reads an optional part; a part that fails to parse is reported as a warning, except for
/// limits and time, which end the extraction.
fn soft<T>(
    result: Result<T, ExtractError>,
    what: &str,
    draft: &mut Draft,
) -> Result<Option<T>, ExtractError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e @ (ExtractError::Limit { .. } | ExtractError::Encrypted)) => Err(e),
        Err(e) => {
            draft.warnings.push(format!("{what}: {e}"));
            Ok(None)
        }
    }
}

/// Joins the blocks of a story into plain text, one block a line.
fn story_text(blocks: &[(Option<String>, DraftBlock)]) -> String {
    blocks.iter().map(|(_, b)| b.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// Extracts the text of a DOCX file.
///
/// Returns the body as blocks in reading order (numbered paragraphs as
/// [`BlockKind::ListItem`] with their rendered label), notes after the body, and headers,
/// footers, comments and core properties as metadata. Fails with a typed error, never a panic:
/// `Malformed` for a broken zip or main part, `Encrypted` for a password-protected file,
/// `Unsupported` for legacy .doc and other non-DOCX packages, `Limit` when the budget is spent.
pub fn extract(
    bytes: &[u8],
    options: &DocxOptions,
    budget: &mut Budget,
) -> Result<Draft, ExtractError> {
    let mut pkg = Package::open(bytes, budget)?;
    let mut draft = Draft::default();

    let package_rels = read_rels(&mut pkg, "", budget)?;
    let main = package_rels
        .iter()
        .find(|r| r.kind == "officeDocument" && pkg.has(&r.target))
        .map(|r| r.target.clone())
        .or_else(|| pkg.has("word/document.xml").then(|| "word/document.xml".to_owned()));
    let Some(main) = main else {
        let names = pkg.part_names();
        if names.iter().any(|n| n.starts_with("xl/") || n.starts_with("ppt/")) {
            return Err(ExtractError::Unsupported(
                "an OOXML package that is not a Word document".into(),
            ));
        }
        if names.iter().any(|n| n == "mimetype" || n == "content.xml") {
            return Err(ExtractError::Unsupported("OpenDocument, not DOCX".into()));
        }
        return Err(ExtractError::Malformed("no main document part (word/document.xml)".into()));
    };
    let rels = read_rels(&mut pkg, &main, budget)?;
    let target = |kind: &str| rels.iter().find(|r| r.kind == kind).map(|r| r.target.clone());

    let styles = match target("styles") {
        Some(t) => match pkg.read(&t, budget)? {
            Some(b) => soft(Styles::parse(&b, budget), "styles", &mut draft)?.unwrap_or_default(),
            None => Styles::default(),
        },
        None => Styles::default(),
    };
    let mut numbering = match target("numbering") {
        Some(t) => match pkg.read(&t, budget)? {
            Some(b) => {
                soft(Numbering::parse(&b, budget), "numbering", &mut draft)?.unwrap_or_default()
            }
            None => Numbering::default(),
        },
        None => Numbering::default(),
    };

    let body_bytes = pkg
        .read(&main, budget)?
        .ok_or_else(|| ExtractError::Malformed(format!("missing main part {main}")))?;
    let mut ctx = Ctx { numbering: &mut numbering, styles: &styles, original: options.original };
    let body = parse_story(&body_bytes, &main, &mut ctx, budget)?;
    drop(body_bytes);
    let mut tracked = body.tracked;
    draft.blocks.extend(body.blocks.into_iter().map(|(_, b)| b));

    // Footnotes and endnotes: one Note block per note, after the body.
    for kind in ["footnotes", "endnotes"] {
        let Some(t) = target(kind) else { continue };
        let Some(b) = pkg.read(&t, budget)? else { continue };
        let Some(notes) = soft(parse_story(&b, &t, &mut ctx, budget), kind, &mut draft)? else {
            continue;
        };
        tracked |= notes.tracked;
        let mut current: Option<(Option<String>, Vec<String>)> = None;
        for (group, block) in notes.blocks {
            match current.as_mut() {
                Some((g, texts)) if *g == group => texts.push(block.text),
                _ => {
                    if let Some((_, texts)) = current.take() {
                        draft.blocks.push(note_block(texts));
                    }
                    current = Some((group, vec![block.text]));
                }
            }
        }
        if let Some((_, texts)) = current {
            draft.blocks.push(note_block(texts));
        }
    }

    // Headers and footers: metadata, each distinct text once.
    for kind in ["header", "footer"] {
        for rel in rels.iter().filter(|r| r.kind == kind) {
            let Some(b) = pkg.read(&rel.target, budget)? else { continue };
            let Some(story) =
                soft(parse_story(&b, &rel.target, &mut ctx, budget), kind, &mut draft)?
            else {
                continue;
            };
            tracked |= story.tracked;
            let text = story_text(&story.blocks);
            let text = text.trim();
            if !text.is_empty()
                && !draft.metadata.get(kind).is_some_and(|v| v.iter().any(|x| x == text))
            {
                draft.add_meta(kind, text);
            }
        }
    }

    // Comments: "anchor text => comment text".
    if let Some(t) = target("comments")
        && let Some(b) = pkg.read(&t, budget)?
        && let Some(story) = soft(parse_story(&b, &t, &mut ctx, budget), "comments", &mut draft)?
    {
        let mut order: Vec<String> = Vec::new();
        let mut texts: std::collections::HashMap<String, Vec<String>> = Default::default();
        for (group, block) in story.blocks {
            let id = group.unwrap_or_default();
            if !texts.contains_key(&id) {
                order.push(id.clone());
            }
            texts.entry(id).or_default().push(block.text);
        }
        for id in order {
            let comment = texts.get(&id).map(|v| v.join("\n")).unwrap_or_default();
            let anchor = body.anchors.get(&id).map(|a| a.trim()).unwrap_or("");
            let value = if anchor.is_empty() { comment } else { format!("{anchor} => {comment}") };
            draft.add_meta("comment", value);
        }
    }

    let core = package_rels
        .iter()
        .find(|r| r.kind == "core-properties")
        .map(|r| r.target.clone())
        .unwrap_or_else(|| "docProps/core.xml".to_owned());
    if let Some(b) = pkg.read(&core, budget)? {
        soft(core_properties(&b, &mut draft, budget), "core properties", &mut draft)?;
    }

    if tracked {
        draft.add_meta("tracked-changes", "true");
    }
    Ok(draft)
}

/// Extracts the text of a Word 2003 XML document (WordprocessingML 2003: one XML file,
/// `<w:wordDocument>`). Its paragraphs, runs and tables have the names of DOCX's, so the DOCX
/// body reader reads it; its list definitions and styles (another schema) are not read, so
/// numbered paragraphs carry no label. Headers and footers inside the body's section
/// properties are not separated from it.
pub fn extract_word_xml(
    bytes: &[u8],
    options: &DocxOptions,
    budget: &mut Budget,
) -> Result<Draft, ExtractError> {
    if bytes.len() as u64 > budget.limits.max_part_bytes {
        return Err(ExtractError::Limit {
            limit: "max_part_bytes",
            max: budget.limits.max_part_bytes,
            actual: bytes.len() as u64,
        });
    }
    budget.charge(bytes.len() as u64)?;
    let mut numbering = Numbering::default();
    let styles = Styles::default();
    let mut ctx = Ctx { numbering: &mut numbering, styles: &styles, original: options.original };
    let body = parse_story(bytes, "Word 2003 XML", &mut ctx, budget)?;
    let mut draft = Draft::default();
    draft.blocks.extend(body.blocks.into_iter().map(|(_, b)| b));
    draft.add_meta("format", "Word 2003 XML");
    if body.tracked {
        draft.add_meta("tracked-changes", "true");
    }
    Ok(draft)
}

fn note_block(texts: Vec<String>) -> DraftBlock {
    let text = texts.iter().map(|t| t.trim()).collect::<Vec<_>>().join("\n");
    DraftBlock { text, kind: BlockKind::Note, page: None, label: None }
}

#[cfg(test)]
mod fixture_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_targets() {
        assert_eq!(resolve("word", "numbering.xml"), "word/numbering.xml");
        assert_eq!(resolve("word", "/word/x.xml"), "word/x.xml");
        assert_eq!(resolve("word", "../docProps/core.xml"), "docProps/core.xml");
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
        assert_eq!(rels_name("word/document.xml"), "word/_rels/document.xml.rels");
        assert_eq!(rels_name(""), "_rels/.rels");
    }
}
