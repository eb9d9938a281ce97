//! Library files: `[[entry]]` tables in TOML, read with the place of every problem, and
//! written back one file per entry.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{Entry, Library, Position, Version, VersionStatus};
use crate::classify::ClauseKind;
use crate::error::{Error, ErrorKind, line_column};

/// The most bytes a library file may have: a library is text a team writes, not an archive.
const MAX_FILE_BYTES: u64 = 16 << 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    entry: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    kind: ClauseKind,
    title: String,
    #[serde(default)]
    position: Position,
    #[serde(default)]
    jurisdiction: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    version: Vec<Spanned<RawVersion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersion {
    version: String,
    #[serde(default)]
    supersedes: Option<String>,
    #[serde(default)]
    status: Option<VersionStatus>,
    #[serde(default)]
    effective_from: Option<String>,
    text: String,
    #[serde(default)]
    rationale: String,
    #[serde(default)]
    author: String,
}

/// Parses a file's entries, each with the byte span of its table, in file order.
pub(super) fn parse(text: &str, origin: &str) -> crate::error::Result<Vec<(Entry, Range<usize>)>> {
    let err = |span: Option<Range<usize>>, message: String| {
        let (line, column) = span.map_or((1, 1), |s| line_column(text, s.start));
        Error::from(ErrorKind::Library { origin: origin.to_owned(), line, column, message })
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| err(e.span(), e.message().to_owned()))?;
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();
    let mut out = Vec::new();
    for spanned in raw.entry {
        let span = spanned.span();
        let raw = spanned.into_inner();
        if let Some(first) = seen.get(&raw.id) {
            let (line, _) = line_column(text, first.start);
            return Err(err(
                Some(span),
                format!("entry {:?} is declared twice (first at line {line})", raw.id),
            ));
        }
        seen.insert(raw.id.clone(), span.clone());
        let spanned: Vec<(Range<usize>, &RawVersion)> =
            raw.version.iter().map(|v| (v.span(), v.get_ref())).collect();
        let versions = succession(&raw.id, &spanned)
            .map_err(|(at, m)| err(Some(at.unwrap_or(span.clone())), m))?;
        let entry = Entry {
            id: raw.id,
            kind: raw.kind,
            title: raw.title,
            position: raw.position,
            jurisdiction: raw.jurisdiction.filter(|j| !j.trim().is_empty()),
            tags: raw.tags,
            versions,
        };
        entry.check().map_err(|m| err(Some(span.clone()), m))?;
        out.push((entry, span));
    }
    Ok(out)
}

/// The versions of a raw entry in their line of succession, oldest first, with their status;
/// or the place and description of what is wrong.
fn succession(
    id: &str,
    versions: &[(Range<usize>, &RawVersion)],
) -> Result<Vec<Version>, (Option<Range<usize>>, String)> {
    if versions.is_empty() {
        return Err((None, format!("entry {id:?} has no [[entry.version]]")));
    }
    let names: Vec<&str> = versions.iter().map(|v| v.1.version.as_str()).collect();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, v) in versions.iter().enumerate() {
        if index.insert(names[i], i).is_some() {
            return Err((
                Some(v.0.clone()),
                format!("entry {id:?}: version {:?} is declared twice", names[i]),
            ));
        }
    }
    // The version each one supersedes: the one it names, else the one before it in the file.
    let mut predecessor: Vec<Option<usize>> = Vec::with_capacity(names.len());
    for (i, v) in versions.iter().enumerate() {
        predecessor.push(match &v.1.supersedes {
            Some(name) => match index.get(name.as_str()) {
                Some(&p) if p == i => {
                    return Err((Some(v.0.clone()), format!("entry {id:?}: version {name:?} supersedes itself")));
                }
                Some(&p) => Some(p),
                None => {
                    return Err((
                        Some(v.0.clone()),
                        format!(
                            "entry {id:?}: version {:?} supersedes {name:?}, which is not a version of it",
                            names[i]
                        ),
                    ));
                }
            },
            None => i.checked_sub(1),
        });
    }
    let mut successor: Vec<Option<usize>> = vec![None; names.len()];
    for (i, p) in predecessor.iter().enumerate() {
        if let Some(p) = *p {
            if let Some(other) = successor[p] {
                return Err((
                    Some(versions[i].0.clone()),
                    format!(
                        "entry {id:?}: versions {:?} and {:?} both supersede {:?} (one line of succession)",
                        names[other], names[i], names[p]
                    ),
                ));
            }
            successor[p] = Some(i);
        }
    }
    let roots: Vec<usize> = (0..names.len()).filter(|&i| predecessor[i].is_none()).collect();
    let Some(&root) = roots.first().filter(|_| roots.len() == 1) else {
        let at = versions.first().map(|v| v.0.clone());
        return Err((
            at,
            if roots.is_empty() {
                format!("entry {id:?}: its versions supersede each other in a cycle")
            } else {
                format!("entry {id:?}: more than one version supersedes nothing")
            },
        ));
    };
    let mut order = vec![root];
    let mut visited: HashSet<usize> = HashSet::from([root]);
    while let Some(next) = successor[*order.last().expect("non-empty")] {
        if !visited.insert(next) {
            break;
        }
        order.push(next);
    }
    if order.len() != names.len() {
        let stray = (0..names.len()).find(|i| !visited.contains(i)).unwrap_or(0);
        return Err((
            Some(versions[stray].0.clone()),
            format!(
                "entry {id:?}: version {:?} is in a cycle of versions that supersede each other",
                names[stray]
            ),
        ));
    }
    let last = order.len() - 1;
    let mut out = Vec::with_capacity(order.len());
    for (n, &i) in order.iter().enumerate() {
        let v = versions[i].1;
        let status = if n == last { VersionStatus::Current } else { VersionStatus::Superseded };
        if let Some(given) = v.status
            && given != status
        {
            return Err((
                Some(versions[i].0.clone()),
                format!(
                    "entry {id:?}: version {:?} says {} but is {} in its line of succession",
                    v.version,
                    given.as_str(),
                    status.as_str()
                ),
            ));
        }
        out.push(Version {
            version: v.version.clone(),
            effective_from: v.effective_from.clone(),
            status,
            text: v.text.trim().to_owned(),
            rationale: v.rationale.clone(),
            author: v.author.clone(),
        });
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMdEntry {
    id: String,
    kind: ClauseKind,
    title: String,
    #[serde(default)]
    position: Position,
    #[serde(default)]
    jurisdiction: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    version: Vec<Spanned<RawMdVersion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMdVersion {
    version: String,
    #[serde(default)]
    supersedes: Option<String>,
    #[serde(default)]
    status: Option<VersionStatus>,
    #[serde(default)]
    effective_from: Option<String>,
    #[serde(default)]
    rationale: String,
    #[serde(default)]
    author: String,
}

/// Parses a Markdown library file: TOML front matter between `+++` lines (the entry's fields
/// and `[[version]]` tables without their text), then one `## <version>` section per version
/// holding its text. Without `[[version]]` tables the sections are the versions, in order.
pub(super) fn parse_markdown(text: &str, origin: &str) -> crate::error::Result<Entry> {
    let err = |at: usize, message: String| {
        let (line, column) = line_column(text, at);
        Error::from(ErrorKind::Library { origin: origin.to_owned(), line, column, message })
    };
    let Some(rest) = text.strip_prefix("+++\n").or_else(|| text.strip_prefix("+++\r\n")) else {
        return Err(err(0, "a Markdown library file starts with +++ front matter".into()));
    };
    let start = text.len() - rest.len();
    let Some(close) = rest.find("\n+++") else {
        return Err(err(0, "the front matter has no closing +++ line".into()));
    };
    let front = &rest[..close + 1];
    let body_at = start + close + 4;
    let body = text.get(body_at..).unwrap_or("");
    let raw: RawMdEntry = toml::from_str(front)
        .map_err(|e| err(start + e.span().map_or(0, |s| s.start), e.message().to_owned()))?;
    // The sections: `## name` and the text up to the next such heading.
    let mut sections: Vec<(String, usize, String)> = Vec::new();
    let mut offset = body_at;
    for line in body.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("## ") {
            sections.push((name.trim().to_owned(), offset, String::new()));
        } else if let Some(last) = sections.last_mut() {
            last.2.push_str(line);
        } else if !line.trim().is_empty() {
            return Err(err(offset, "text before the first `## <version>` heading".into()));
        }
        offset += line.len();
    }
    let mut versions: Vec<(Range<usize>, RawVersion)> = Vec::new();
    if raw.version.is_empty() {
        for (name, at, body) in &sections {
            versions.push((
                *at..*at,
                RawVersion {
                    version: name.clone(),
                    supersedes: None,
                    status: None,
                    effective_from: None,
                    text: body.trim().to_owned(),
                    rationale: String::new(),
                    author: String::new(),
                },
            ));
        }
    } else {
        for v in &raw.version {
            let span = v.span();
            let v = v.get_ref();
            let Some((_, _, body)) = sections.iter().find(|(n, _, _)| *n == v.version) else {
                return Err(err(
                    start + span.start,
                    format!("version {:?} has no `## {}` section", v.version, v.version),
                ));
            };
            versions.push((
                start + span.start..start + span.end,
                RawVersion {
                    version: v.version.clone(),
                    supersedes: v.supersedes.clone(),
                    status: v.status,
                    effective_from: v.effective_from.clone(),
                    text: body.trim().to_owned(),
                    rationale: v.rationale.clone(),
                    author: v.author.clone(),
                },
            ));
        }
        if let Some((name, at, _)) =
            sections.iter().find(|(n, _, _)| !raw.version.iter().any(|v| v.get_ref().version == *n))
        {
            return Err(err(
                *at,
                format!("section `## {name}` is not a [[version]] of the front matter"),
            ));
        }
    }
    let refs: Vec<(Range<usize>, &RawVersion)> =
        versions.iter().map(|(r, v)| (r.clone(), v)).collect();
    let list = succession(&raw.id, &refs).map_err(|(at, m)| err(at.map_or(0, |r| r.start), m))?;
    let entry = Entry {
        id: raw.id,
        kind: raw.kind,
        title: raw.title,
        position: raw.position,
        jurisdiction: raw.jurisdiction.filter(|j| !j.trim().is_empty()),
        tags: raw.tags,
        versions: list,
    };
    entry.check().map_err(|m| err(0, m))?;
    Ok(entry)
}

/// An entry as a Markdown library file ([`parse_markdown`] reads it back).
pub(super) fn to_markdown(entry: &Entry) -> String {
    // The front matter is the TOML entry without the texts; they follow as sections.
    let front = out_entry(entry, false);
    let mut out =
        format!("+++\n{}+++\n", toml::to_string(&front).expect("front matter serialises"));
    for v in &entry.versions {
        out.push_str(&format!("\n## {}\n\n{}\n", v.version, v.text));
    }
    out
}

/// Reads every `*.toml` file of `dir`, in name order; an id in two files is an error.
pub(super) fn read_dir(dir: &Path) -> crate::error::Result<Library> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml" || x == "md"))
        .collect();
    files.sort();
    let mut library = Library::new();
    let mut origin_of: HashMap<String, (String, usize)> = HashMap::new();
    for path in files {
        let len = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?.len();
        let origin = path.display().to_string();
        if len > MAX_FILE_BYTES {
            return Err(Error::from(ErrorKind::Library {
                origin,
                line: 1,
                column: 1,
                message: format!("{len} bytes: a library file may have at most {MAX_FILE_BYTES}"),
            }));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let entries = if path.extension().is_some_and(|x| x == "md") {
            vec![(parse_markdown(&text, &origin)?, 0..0)]
        } else {
            parse(&text, &origin)?
        };
        for (entry, span) in entries {
            let (line, column) = line_column(&text, span.start);
            if let Some((file, first)) = origin_of.get(&entry.id) {
                return Err(Error::from(ErrorKind::Library {
                    origin,
                    line,
                    column,
                    message: format!(
                        "entry {:?} is declared twice (first in {file}, line {first})",
                        entry.id
                    ),
                }));
            }
            origin_of.insert(entry.id.clone(), (origin.clone(), line));
            library.insert(entry);
        }
    }
    Ok(library)
}

#[derive(Serialize)]
struct OutFile<'a> {
    entry: Vec<OutEntry<'a>>,
}

#[derive(Serialize)]
struct OutEntry<'a> {
    id: &'a str,
    kind: ClauseKind,
    title: &'a str,
    position: Position,
    #[serde(skip_serializing_if = "Option::is_none")]
    jurisdiction: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    version: Vec<OutVersion<'a>>,
}

#[derive(Serialize)]
struct OutVersion<'a> {
    version: &'a str,
    status: VersionStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    effective_from: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    author: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    rationale: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
}

/// An entry as it is written: with its versions' texts, or without (Markdown front matter).
fn out_entry(e: &Entry, texts: bool) -> OutEntry<'_> {
    OutEntry {
        id: &e.id,
        kind: e.kind,
        title: &e.title,
        position: e.position,
        jurisdiction: e.jurisdiction.as_deref(),
        tags: &e.tags,
        version: e
            .versions
            .iter()
            .map(|v| OutVersion {
                version: &v.version,
                status: v.status,
                effective_from: v.effective_from.as_deref(),
                author: &v.author,
                rationale: &v.rationale,
                text: texts.then_some(v.text.as_str()),
            })
            .collect(),
    }
}

/// Entries as library TOML.
pub(super) fn to_toml<'a>(entries: impl Iterator<Item = &'a Entry>) -> String {
    let file = OutFile { entry: entries.map(|e| out_entry(e, true)).collect() };
    toml::to_string(&file).expect("library entries serialise to TOML")
}

/// Writes `<id>.toml` (or `<id>.md`) per entry into `dir`, each through a temporary file and
/// a rename.
pub(super) fn write_dir(
    library: &Library,
    dir: &Path,
    markdown: bool,
) -> crate::error::Result<usize> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut n = 0;
    let ext = if markdown { "md" } else { "toml" };
    for entry in library.entries() {
        let path = dir.join(format!("{}.{ext}", entry.id));
        let tmp = dir.join(format!(".{}.{ext}.tmp", entry.id));
        let text = if markdown { to_markdown(entry) } else { to_toml(std::iter::once(entry)) };
        std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[entry]]
id = "fm"
kind = "force_majeure"
title = "Force majeure"

[[entry.version]]
version = "2018"
text = "Neither party is liable for events beyond its reasonable control."

[[entry.version]]
version = "2021"
text = "Neither party is liable for events beyond its reasonable control, including epidemics."
"#;

    fn error_of(text: &str) -> String {
        Library::parse(text, "lib.toml").unwrap_err().to_string()
    }

    #[test]
    fn versions_follow_the_file_order_and_round_trip() {
        let lib = Library::parse(GOOD, "lib.toml").unwrap();
        let e = lib.get("fm").unwrap();
        assert_eq!(e.current().version, "2021");
        assert_eq!(e.versions[0].status, VersionStatus::Superseded);
        let again = Library::parse(&lib.to_toml(), "export").unwrap();
        assert_eq!(again, lib);
    }

    #[test]
    fn errors_name_the_line() {
        let unknown_kind = GOOD.replace("force_majeure", "force_majoure");
        let e = error_of(&unknown_kind);
        assert!(e.starts_with("lib.toml:4:"), "{e}");
        let twice = format!("{GOOD}\n{GOOD}");
        let e = error_of(&twice);
        assert!(e.contains("declared twice (first at line 2)"), "{e}");
        assert!(e.starts_with("lib.toml:16:"), "{e}");
        let unknown_field = GOOD.replace("title =", "titel =");
        assert!(error_of(&unknown_field).contains("titel"));
    }

    #[test]
    fn markdown_files_round_trip_and_name_their_errors() {
        let lib = Library::parse(GOOD, "lib.toml").unwrap();
        let e = lib.get("fm").unwrap();
        let md = to_markdown(e);
        assert_eq!(&parse_markdown(&md, "fm.md").unwrap(), e);
        let missing = md.replace("## 2021", "## 2022");
        let err = parse_markdown(&missing, "fm.md").unwrap_err().to_string();
        assert!(err.starts_with("fm.md:") && err.contains("no `## 2021` section"), "{err}");
        let bare = "+++\nid = \"n\"\nkind = \"notices\"\ntitle = \"Notices\"\n+++\n\n## 1\n\nIn writing.\n\n## 2\n\nBy email.\n";
        let n = parse_markdown(bare, "n.md").unwrap();
        assert_eq!((n.versions.len(), n.current().text.as_str()), (2, "By email."));
        let bad_kind = bare.replace("notices", "noticez");
        assert!(parse_markdown(&bad_kind, "n.md").unwrap_err().to_string().starts_with("n.md:3:"));
    }

    #[test]
    fn cycles_forks_and_dangling_successions_are_errors() {
        let cycle =
            GOOD.replace("version = \"2018\"\n", "version = \"2018\"\nsupersedes = \"2021\"\n");
        let e = error_of(&cycle);
        assert!(e.contains("cycle"), "{e}");
        let dangling =
            GOOD.replace("version = \"2021\"\n", "version = \"2021\"\nsupersedes = \"2019\"\n");
        assert!(error_of(&dangling).contains("not a version"));
        let fork = format!(
            "{GOOD}\n[[entry.version]]\nversion = \"2022\"\nsupersedes = \"2018\"\ntext = \"x\"\n"
        );
        assert!(error_of(&fork).contains("both supersede"), "{}", error_of(&fork));
        let status =
            GOOD.replace("version = \"2018\"\n", "version = \"2018\"\nstatus = \"current\"\n");
        assert!(error_of(&status).contains("says current but is superseded"));
        let reordered = GOOD
            .replace("version = \"2018\"\n", "version = \"2018\"\nsupersedes = \"2021\"\n")
            .replace("version = \"2021\"\n", "version = \"2021\"\nsupersedes = \"2017\"\n");
        assert!(error_of(&reordered).contains("not a version"));
    }
}
