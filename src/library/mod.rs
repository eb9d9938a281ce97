//! The clause library: a team's standard clauses per kind, with their versions, and how far
//! each clause of the archive deviates from them.
//!
//! - [`Entry`]: one standard clause (id, [`ClauseKind`], title, tags, a [`Position`]) and its
//!   [`Version`]s, oldest first: the last is `current`, each earlier one `superseded` by the
//!   one after it (the force majeure clause of 2018 without epidemics, superseded by the one
//!   of 2021 with them).
//! - [`Library`]: entries by id, read from TOML or Markdown ([`Library::parse`],
//!   [`Library::parse_markdown`], [`Library::from_dir`]) or
//!   the [starter library](Library::starter) that ships with the crate, and written back
//!   ([`Library::export_dir`]) so a team keeps its playbook in git.
//! - [`LibraryStore`]: the library of an index (`library.sqlite` beside the review store), an
//!   append-only, hash-chained log of [`Change`]s (who, when, what) that the library is read
//!   from; an import is one transaction, all or nothing.
//! - [`Deviation`]: a clause measured against its nearest entry ([`Deviations`]): similarity,
//!   a word-level diff with spans, the concepts the standard has and the clause lacks (and the
//!   reverse), the quantities that differ (notice periods, amounts, governing law) and a
//!   [`DeviationStatus`]. [`Searcher::deviations`](crate::search::Searcher::deviations) runs it
//!   over an index.
//!
//! # Library files
//!
//! ```toml
//! [[entry]]
//! id = "force-majeure"
//! kind = "force_majeure"
//! title = "Force majeure"
//! position = "preferred"          # preferred | fallback | walk-away
//! jurisdiction = "England and Wales"   # optional
//! tags = ["supply"]
//!
//! [[entry.version]]
//! version = "2018"
//! effective_from = "2018-01-01"
//! author = "legal-ops"
//! rationale = "First standard."
//! text = "Neither party is liable for a failure caused by events beyond its reasonable control."
//!
//! [[entry.version]]
//! version = "2021"
//! supersedes = "2018"             # optional: the version before it in the file
//! effective_from = "2021-03-01"
//! text = "... including epidemics, pandemics and public-health orders ..."
//! ```
//!
//! `status` may be given per version (`current` or `superseded`); it must then agree with the
//! order of succession. Unknown fields, an unknown kind, a duplicate id, two versions with the
//! same name, a `supersedes` that names no version or forms a cycle, and a line of succession
//! that forks are errors that name the file, line and column ([`ErrorKind::Library`]).

mod deviation;
mod file;
mod scan;
mod store;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::classify::ClauseKind;
use crate::error::ErrorKind;

pub use deviation::{
    ClauseRef, ConceptFinder, Deviation, DeviationQuery, DeviationStatus, Deviations, DiffOp,
    DiffTag, Nearest, QuantityChange, Settings as DeviationSettings,
};
pub use scan::{ClauseDeviation, defined_terms, definitions_used, provision, provision_range};
pub use store::{Action, Change, LIBRARY_FILE, LIBRARY_FORMAT_VERSION, LibraryStore};

/// A team's stance on a standard clause.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Position {
    /// What the team proposes.
    #[default]
    Preferred,
    /// What it accepts when the other side pushes back.
    Fallback,
    /// The last position before it walks away.
    WalkAway,
}

impl Position {
    /// `preferred`, `fallback` or `walk-away`.
    pub fn as_str(self) -> &'static str {
        match self {
            Position::Preferred => "preferred",
            Position::Fallback => "fallback",
            Position::WalkAway => "walk-away",
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a version is today's standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionStatus {
    /// Today's standard: the last version of its entry.
    Current,
    /// Replaced by a later version.
    Superseded,
}

impl VersionStatus {
    /// `current` or `superseded`.
    pub fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Current => "current",
            VersionStatus::Superseded => "superseded",
        }
    }
}

/// One wording of a standard clause.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Version {
    /// Its name within the entry ("2018", "v2").
    pub version: String,
    /// The day it became the standard (ISO 8601, `2021-03-01`), where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<String>,
    /// `current` for the last version, `superseded` for the others.
    pub status: VersionStatus,
    /// The clause text.
    pub text: String,
    /// Why this version was written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rationale: String,
    /// Who wrote or approved it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
}

impl Version {
    /// A version named `version` with its text, by `author`; [`Entry::new`] and
    /// [`Entry::supersede`] set its status.
    pub fn new(
        version: impl Into<String>,
        text: impl Into<String>,
        author: impl Into<String>,
    ) -> Version {
        Version {
            version: version.into(),
            effective_from: None,
            status: VersionStatus::Current,
            text: text.into(),
            rationale: String::new(),
            author: author.into(),
        }
    }

    /// Sets the day it took effect (ISO 8601; checked when the version joins an entry).
    pub fn effective_from(mut self, iso: impl Into<String>) -> Version {
        self.effective_from = Some(iso.into());
        self
    }

    /// Sets why it was written.
    pub fn rationale(mut self, why: impl Into<String>) -> Version {
        self.rationale = why.into();
        self
    }
}

/// A standard clause with its versions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Entry {
    /// Unique in the library: lower-case letters, digits, `-`, `_` and `.`.
    pub id: String,
    /// The kind of clause it is the standard for.
    pub kind: ClauseKind,
    /// One line for lists.
    pub title: String,
    /// Preferred, fallback or walk-away.
    pub position: Position,
    /// The jurisdiction it is written for, where it is written for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    /// Free tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Oldest first; the last is current.
    pub versions: Vec<Version>,
}

impl Entry {
    /// An entry with one (current) version.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Library`] for an empty or malformed id or an empty text.
    pub fn new(
        id: impl Into<String>,
        kind: ClauseKind,
        title: impl Into<String>,
        first: Version,
    ) -> crate::error::Result<Entry> {
        let entry = Entry {
            id: id.into(),
            kind,
            title: title.into(),
            position: Position::Preferred,
            jurisdiction: None,
            tags: Vec::new(),
            versions: vec![Version { status: VersionStatus::Current, ..first }],
        };
        entry.check().map_err(|m| library_error("entry", m))?;
        Ok(entry)
    }

    /// The current version.
    pub fn current(&self) -> &Version {
        self.versions.last().expect("an entry has a version (checked when it is made)")
    }

    /// The text of the current version.
    pub fn text(&self) -> &str {
        &self.current().text
    }

    /// A version by name.
    pub fn version(&self, name: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.version == name)
    }

    /// Makes `next` the current version; the one before becomes superseded.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Library`] when the entry has a version of that name already, or the text
    /// is empty.
    pub fn supersede(&mut self, next: Version) -> crate::error::Result<()> {
        let mut copy = self.clone();
        for v in &mut copy.versions {
            v.status = VersionStatus::Superseded;
        }
        copy.versions.push(Version { status: VersionStatus::Current, ..next });
        copy.check().map_err(|m| library_error(&self.id, m))?;
        *self = copy;
        Ok(())
    }

    /// What is wrong with the entry, if anything.
    fn check(&self) -> Result<(), String> {
        if !valid_id(&self.id) {
            return Err(format!(
                "entry id {:?}: use lower-case letters, digits, '-', '_' and '.' (1 to 100)",
                self.id
            ));
        }
        if self.title.trim().is_empty() {
            return Err(format!("entry {:?} has no title", self.id));
        }
        if self.versions.is_empty() {
            return Err(format!("entry {:?} has no version", self.id));
        }
        let mut names = std::collections::HashSet::new();
        let last = self.versions.len() - 1;
        for (i, v) in self.versions.iter().enumerate() {
            if v.version.trim().is_empty() {
                return Err(format!("entry {:?}: a version needs a name", self.id));
            }
            if !names.insert(v.version.as_str()) {
                return Err(format!(
                    "entry {:?}: version {:?} is declared twice",
                    self.id, v.version
                ));
            }
            if let Some(day) = &v.effective_from
                && crate::civil::parse_iso_date(day).is_none()
            {
                return Err(format!(
                    "entry {:?}, version {:?}: effective_from {day:?} is not a date (YYYY-MM-DD)",
                    self.id, v.version
                ));
            }
            if v.text.trim().is_empty() {
                return Err(format!("entry {:?}, version {:?}: empty text", self.id, v.version));
            }
            let expected =
                if i == last { VersionStatus::Current } else { VersionStatus::Superseded };
            if v.status != expected {
                return Err(format!(
                    "entry {:?}, version {:?}: status {} but it is {} (the last version in the \
                     line of succession is current, the others superseded)",
                    self.id,
                    v.version,
                    v.status.as_str(),
                    expected.as_str()
                ));
            }
        }
        Ok(())
    }
}

fn valid_id(id: &str) -> bool {
    (1..=100).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        && !id.starts_with('.')
}

fn library_error(origin: &str, message: String) -> crate::error::Error {
    crate::error::Error::from(ErrorKind::Library {
        origin: origin.to_owned(),
        line: 1,
        column: 1,
        message,
    })
}

/// A clause library: entries by id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Library {
    entries: BTreeMap<String, Entry>,
}

/// The starter library compiled into the crate (`src/library/starter.toml`).
const STARTER: &str = include_str!("starter.toml");

impl Library {
    /// A library with no entries.
    pub fn new() -> Library {
        Library::default()
    }

    /// The starter library that ships with the crate, written for clausal: force majeure (a
    /// 2018 version without epidemics, superseded in 2021 by one with epidemics, public-health
    /// orders and supply-chain failure), limitation of liability, governing law, data
    /// protection, breach notification and confidentiality.
    pub fn starter() -> Library {
        Library::parse(STARTER, "starter").expect("the starter library is valid (tested)")
    }

    /// Reads library TOML (`[[entry]]` tables); `origin` names it in errors.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Library`] with the line and column of the first problem.
    pub fn parse(text: &str, origin: &str) -> crate::error::Result<Library> {
        let mut library = Library::new();
        for (entry, _) in file::parse(text, origin)? {
            library.entries.insert(entry.id.clone(), entry);
        }
        Ok(library)
    }

    /// Reads every `*.toml` and `*.md` file of a folder (not its subfolders), in name order.
    ///
    /// # Errors
    ///
    /// I/O errors; [`ErrorKind::Library`] for the first bad entry, naming its file and line,
    /// and for an id declared in two files (naming both).
    pub fn from_dir(dir: impl AsRef<std::path::Path>) -> crate::error::Result<Library> {
        file::read_dir(dir.as_ref())
    }

    /// Reads a library from `path`: a folder as [`Library::from_dir`] does, a `.md` file as
    /// [`Library::parse_markdown`], any other file as TOML ([`Library::parse`]).
    ///
    /// # Errors
    ///
    /// I/O errors on `path`; [`ErrorKind::Library`] for the first bad entry.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> crate::error::Result<Library> {
        let path = path.as_ref();
        if path.is_dir() {
            return Library::from_dir(path);
        }
        let text = std::fs::read_to_string(path)
            .map_err(|source| crate::error::Error::io(path, source))?;
        let origin = path.display().to_string();
        if path.extension().is_some_and(|x| x == "md") {
            return Library::parse_markdown(&text, &origin);
        }
        Library::parse(&text, &origin)
    }

    /// Writes one file per entry, `<id>.toml`, into `dir` (created if missing), each readable
    /// by [`Library::from_dir`]. Returns the number of files written.
    ///
    /// # Errors
    ///
    /// I/O errors.
    pub fn export_dir(&self, dir: impl AsRef<std::path::Path>) -> crate::error::Result<usize> {
        file::write_dir(self, dir.as_ref(), false)
    }

    /// As [`export_dir`](Library::export_dir), as Markdown: `<id>.md` with the entry and its
    /// versions' fields as TOML front matter between `+++` lines and each version's text under
    /// a `## <version>` heading.
    ///
    /// # Errors
    ///
    /// I/O errors.
    pub fn export_markdown_dir(
        &self,
        dir: impl AsRef<std::path::Path>,
    ) -> crate::error::Result<usize> {
        file::write_dir(self, dir.as_ref(), true)
    }

    /// Reads one Markdown library file (see [`export_markdown_dir`](Library::export_markdown_dir));
    /// `origin` names it in errors.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Library`] naming the line of the first problem.
    pub fn parse_markdown(text: &str, origin: &str) -> crate::error::Result<Library> {
        let mut library = Library::new();
        library.insert(file::parse_markdown(text, origin)?);
        Ok(library)
    }

    /// The library as TOML, readable by [`Library::parse`].
    pub fn to_toml(&self) -> String {
        file::to_toml(self.entries.values())
    }

    /// An entry by id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.get(id)
    }

    /// Every entry, by id.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = &Entry> {
        self.entries.values()
    }

    /// The entries for one kind of clause.
    pub fn of_kind(&self, kind: ClauseKind) -> impl Iterator<Item = &Entry> {
        self.entries.values().filter(move |e| e.kind == kind)
    }

    /// The kinds with at least one entry.
    pub fn kinds(&self) -> Vec<ClauseKind> {
        let mut kinds: Vec<ClauseKind> = self.entries.values().map(|e| e.kind).collect();
        kinds.sort_by_key(|k| k.id());
        kinds.dedup();
        kinds
    }

    /// How many entries it has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds an entry, or replaces the one with its id (returned). In memory only: a
    /// [`LibraryStore`] records changes.
    pub fn insert(&mut self, entry: Entry) -> Option<Entry> {
        self.entries.insert(entry.id.clone(), entry)
    }

    pub(crate) fn take(&mut self, id: &str) -> Option<Entry> {
        self.entries.remove(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_library_parses_with_an_outdated_force_majeure_version() {
        let lib = Library::starter();
        assert!(lib.len() >= 6, "{} entries", lib.len());
        let fm: Vec<&Entry> = lib.of_kind(ClauseKind::ForceMajeure).collect();
        assert!(fm.iter().any(|e| e.versions.len() >= 2), "a force majeure entry with history");
        for e in lib.entries() {
            assert!(e.check().is_ok(), "{}", e.id);
        }
    }

    #[test]
    fn supersede_makes_the_new_version_current() {
        let mut e = Entry::new(
            "fm",
            ClauseKind::ForceMajeure,
            "Force majeure",
            Version::new("1", "Neither party is liable for events beyond its control.", "kim"),
        )
        .unwrap();
        e.supersede(Version::new("2", "Neither party is liable for epidemics.", "kim")).unwrap();
        assert_eq!(e.current().version, "2");
        assert_eq!(e.versions[0].status, VersionStatus::Superseded);
        let err = e.supersede(Version::new("2", "again", "kim")).unwrap_err();
        assert!(err.to_string().contains("declared twice"), "{err}");
        assert_eq!(e.versions.len(), 2, "a failed supersede changes nothing");
        assert!(
            Entry::new("Bad Id", ClauseKind::ForceMajeure, "t", Version::new("1", "x", "k"))
                .is_err()
        );
    }
}
