//! [`LibraryStore`]: the clause library of an index, as an append-only, hash-chained log of
//! changes in SQLite.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Entry, Library, Version};
use crate::error::{Error, ErrorKind};
use crate::review::{Clock, EntryHash, Timestamp, Verification};

/// The library's file in an index directory.
pub const LIBRARY_FILE: &str = "library.sqlite";

/// The version of the library store's schema that this build writes and reads.
pub const LIBRARY_FORMAT_VERSION: u32 = 1;

const SCHEMA: &str = "
CREATE TABLE library_format (version INTEGER NOT NULL) STRICT;
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    author TEXT NOT NULL,
    action TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    entry TEXT,
    comment TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER changes_are_never_updated BEFORE UPDATE ON changes
BEGIN SELECT RAISE(ABORT, 'library changes are append-only'); END;
CREATE TRIGGER changes_are_never_deleted BEFORE DELETE ON changes
BEGIN SELECT RAISE(ABORT, 'library changes are append-only'); END;
";

const COLUMNS: &str = "seq, time, author, action, entry_id, entry, comment, prev_hash, hash";

/// What a change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A new entry.
    Add,
    /// A new current version of an entry.
    Supersede,
    /// An entry replaced by an import (its content changed).
    Update,
    /// An entry taken out of the library (its history stays in the log).
    Remove,
}

impl Action {
    /// `add`, `supersede`, `update` or `remove`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Supersede => "supersede",
            Action::Update => "update",
            Action::Remove => "remove",
        }
    }

    fn parse(s: &str) -> Option<Action> {
        [Action::Add, Action::Supersede, Action::Update, Action::Remove]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// One recorded change of the library: who, when, what, and the entry as it stood after it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Change {
    /// 1, 2, 3, ... in the order recorded.
    pub seq: u64,
    /// When it was recorded.
    pub time: Timestamp,
    /// Who made it.
    pub author: String,
    /// What it did.
    pub action: Action,
    /// The entry it changed.
    pub entry_id: String,
    /// The entry after the change (`None` for a removal).
    pub entry: Option<Entry>,
    /// Why, in the author's words.
    pub comment: String,
    /// The hash of the change before it ([`EntryHash::GENESIS`] for the first).
    pub prev_hash: EntryHash,
    /// The hash of this change: its content and `prev_hash`.
    pub hash: EntryHash,
}

impl Change {
    /// The hash this change should have given its `prev_hash` and content: SHA-256 of a format
    /// tag, `seq` and the time in milliseconds (8 bytes each, big-endian), then the author,
    /// action, entry id, the entry as JSON (empty for a removal) and the comment, each as its
    /// length (8 bytes) and UTF-8 bytes, then `prev_hash`.
    pub fn expected_hash(&self) -> EntryHash {
        let entry = self.entry.as_ref().map(entry_json).unwrap_or_default();
        hash_of(self, &entry)
    }
}

fn entry_json(entry: &Entry) -> String {
    serde_json::to_string(entry).expect("an entry serialises to JSON")
}

fn hash_of(c: &Change, entry_json: &str) -> EntryHash {
    fn string(h: &mut Sha256, s: &str) {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    }
    let mut h = Sha256::new();
    h.update(b"clausal-library-change-v1\0");
    h.update(c.seq.to_be_bytes());
    h.update(c.time.unix_millis().to_be_bytes());
    for s in [c.author.as_str(), c.action.as_str(), &c.entry_id, entry_json, &c.comment] {
        string(&mut h, s);
    }
    h.update(c.prev_hash.as_bytes());
    EntryHash(h.finalize().into())
}

/// The clause library of an index: every change (add, supersede, update, remove) appended to
/// a hash-chained log in `library.sqlite`, from which [`library`](LibraryStore::library)
/// reads the current entries.
///
/// Nothing is updated or deleted in place: a removed entry's history stays, and
/// [`verify`](LibraryStore::verify) tells whether any change was altered, removed, inserted or
/// moved since it was recorded. Every write is one SQLite transaction in WAL mode with
/// `synchronous=FULL`: once a method returns, the change is durable; if it returns an error
/// nothing of it was recorded, and an [`import`](LibraryStore::import) of many entries lands
/// whole or not at all.
///
/// # Example
///
/// ```
/// use clausal::ClauseKind;
/// use clausal::library::{Entry, LibraryStore, Version};
///
/// # let dir = tempfile::tempdir()?;
/// let store = LibraryStore::open(dir.path().join("library.sqlite"))?;
/// let fm = Entry::new(
///     "force-majeure",
///     ClauseKind::ForceMajeure,
///     "Force majeure",
///     Version::new("2018", "Neither party is liable for events beyond its control.", "kim"),
/// )?;
/// store.add(&fm, "kim", "first standard")?;
/// store.supersede(
///     "force-majeure",
///     Version::new("2021", "Neither party is liable for events beyond its control, including epidemics.", "kim"),
///     "kim",
///     "after 2020",
/// )?;
/// let library = store.library()?;
/// assert_eq!(library.get("force-majeure").unwrap().current().version, "2021");
/// assert_eq!(store.verify()?.entries, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LibraryStore {
    conn: Mutex<Connection>,
    path: PathBuf,
    clock: Clock,
}

impl LibraryStore {
    /// Opens the store at `path`, creating the file (not its directory) if there is none.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Database`] when SQLite cannot open or set up the file;
    /// [`ErrorKind::IncompatibleFormat`] for a library store of another version or another
    /// kind of database.
    pub fn open(path: impl AsRef<Path>) -> crate::error::Result<LibraryStore> {
        let path = path.as_ref();
        let db = |e| Error::database(path, e);
        let mut conn = crate::review::open_durable(path, true)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        let tables: Vec<String> = {
            let mut stmt = tx
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .map_err(db)?;
            stmt.query_map([], |r| r.get(0)).map_err(db)?.collect::<Result<_, _>>().map_err(db)?
        };
        if tables.is_empty() {
            tx.execute_batch(SCHEMA).map_err(db)?;
            tx.execute("INSERT INTO library_format (version) VALUES (?)", [LIBRARY_FORMAT_VERSION])
                .map_err(db)?;
        } else if tables != ["changes", "library_format"] {
            return Err(Error::incompatible_format(
                path,
                format!("not a clausal library store (tables: {})", tables.join(", ")),
            ));
        } else {
            let version: u32 =
                tx.query_row("SELECT version FROM library_format", [], |r| r.get(0)).map_err(db)?;
            if version != LIBRARY_FORMAT_VERSION {
                return Err(Error::incompatible_format(
                    path,
                    format!(
                        "library store version {version}; this build reads version {LIBRARY_FORMAT_VERSION}"
                    ),
                ));
            }
        }
        tx.commit().map_err(db)?;
        Ok(LibraryStore {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
            clock: Clock::system(),
        })
    }

    /// Uses `clock` for the times of new changes (tests, imports of a history).
    pub fn with_clock(mut self, clock: Clock) -> LibraryStore {
        self.clock = clock;
        self
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The library as the recorded changes leave it.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Database`]; [`ErrorKind::IntegrityViolation`] for a change that cannot be
    /// read.
    pub fn library(&self) -> crate::error::Result<Library> {
        let conn = self.lock();
        Ok(replay(&read_changes(&conn, &self.path)?))
    }

    /// Every change, oldest first.
    ///
    /// # Errors
    ///
    /// As [`library`](LibraryStore::library).
    pub fn history(&self) -> crate::error::Result<Vec<Change>> {
        let conn = self.lock();
        read_changes(&conn, &self.path)
    }

    /// The changes of one entry, oldest first.
    ///
    /// # Errors
    ///
    /// As [`library`](LibraryStore::library).
    pub fn history_of(&self, id: &str) -> crate::error::Result<Vec<Change>> {
        Ok(self.history()?.into_iter().filter(|c| c.entry_id == id).collect())
    }

    /// Adds a new entry.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Library`] when the library has an entry with that id; an empty author;
    /// database errors.
    pub fn add(&self, entry: &Entry, author: &str, comment: &str) -> crate::error::Result<Change> {
        let id = entry.id.clone();
        self.write(
            author,
            |lib| {
                if lib.get(&id).is_some() {
                    return Err(format!("the library has an entry {id:?} already"));
                }
                Ok(vec![(Action::Add, id.clone(), Some(entry.clone()))])
            },
            comment,
        )
        .map(|mut v| v.remove(0))
    }

    /// Makes `next` the current version of entry `id`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Library`] for an unknown id or a version name the entry has; database
    /// errors.
    pub fn supersede(
        &self,
        id: &str,
        next: Version,
        author: &str,
        comment: &str,
    ) -> crate::error::Result<Change> {
        self.write(
            author,
            |lib| {
                let mut entry =
                    lib.get(id).cloned().ok_or_else(|| format!("no library entry {id:?}"))?;
                entry.supersede(next.clone()).map_err(|e| match e.into_kind() {
                    ErrorKind::Library { message, .. } => message,
                    other => other.to_string(),
                })?;
                Ok(vec![(Action::Supersede, id.to_owned(), Some(entry))])
            },
            comment,
        )
        .map(|mut v| v.remove(0))
    }

    /// Takes entry `id` out of the library; its history stays in the log.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Library`] for an unknown id; database errors.
    pub fn remove(&self, id: &str, author: &str, comment: &str) -> crate::error::Result<Change> {
        self.write(
            author,
            |lib| {
                lib.get(id).ok_or_else(|| format!("no library entry {id:?}"))?;
                Ok(vec![(Action::Remove, id.to_owned(), None)])
            },
            comment,
        )
        .map(|mut v| v.remove(0))
    }

    /// Records every entry of `library` that is new (add) or differs from the stored one
    /// (update), in one transaction: all of them or, on error, none. Entries that are the same
    /// are left alone. Returns the changes recorded.
    ///
    /// # Errors
    ///
    /// An empty author; database errors.
    pub fn import(
        &self,
        library: &Library,
        author: &str,
        comment: &str,
    ) -> crate::error::Result<Vec<Change>> {
        self.write(
            author,
            |lib| {
                Ok(library
                    .entries()
                    .filter_map(|e| match lib.get(&e.id) {
                        None => Some((Action::Add, e.id.clone(), Some(e.clone()))),
                        Some(old) if old != e => {
                            Some((Action::Update, e.id.clone(), Some(e.clone())))
                        }
                        Some(_) => None,
                    })
                    .collect())
            },
            comment,
        )
    }

    /// Appends the changes `plan` makes of the current library, in one write transaction
    /// (concurrent writers, in any process, never fork the chain).
    fn write(
        &self,
        author: &str,
        plan: impl FnOnce(&Library) -> Result<Vec<(Action, String, Option<Entry>)>, String>,
        comment: &str,
    ) -> crate::error::Result<Vec<Change>> {
        if author.trim().is_empty() {
            return Err(Error::invalid_argument("a library change needs an author"));
        }
        let db = |e| Error::database(&self.path, e);
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        let history = read_changes(&tx, &self.path)?;
        let library = replay(&history);
        let planned = plan(&library).map_err(|message| {
            Error::from(ErrorKind::Library {
                origin: self.path.display().to_string(),
                line: 1,
                column: 1,
                message,
            })
        })?;
        let (mut seq, mut prev_hash) =
            history.last().map_or((1, EntryHash::GENESIS), |c| (c.seq + 1, c.hash));
        let time = self.clock.now();
        let mut out = Vec::with_capacity(planned.len());
        for (action, entry_id, entry) in planned {
            let mut change = Change {
                seq,
                time,
                author: author.to_owned(),
                action,
                entry_id,
                entry,
                comment: comment.to_owned(),
                prev_hash,
                hash: EntryHash::GENESIS,
            };
            let json = change.entry.as_ref().map(entry_json);
            change.hash = hash_of(&change, json.as_deref().unwrap_or(""));
            tx.execute(
                &format!("INSERT INTO changes ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                params![
                    seq as i64,
                    change.time.to_string(),
                    change.author,
                    action.as_str(),
                    change.entry_id,
                    json,
                    change.comment,
                    change.prev_hash.to_string(),
                    change.hash.to_string(),
                ],
            )
            .map_err(db)?;
            seq += 1;
            prev_hash = change.hash;
            out.push(change);
        }
        tx.commit().map_err(db)?;
        tracing::debug!(changes = out.len(), "library changes recorded");
        Ok(out)
    }

    /// Walks the whole log and checks every change's hash and its link to the one before.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::IntegrityViolation`] at the first change that was altered, removed,
    /// inserted or moved; database errors.
    pub fn verify(&self) -> crate::error::Result<Verification> {
        let history = self.history()?;
        let mut prev = EntryHash::GENESIS;
        for (i, c) in history.iter().enumerate() {
            let violation = |message: String| Error::integrity(&self.path, Some(c.seq), message);
            if c.seq != i as u64 + 1 {
                return Err(violation(format!("expected change {}, found {}", i + 1, c.seq)));
            }
            if c.prev_hash != prev {
                return Err(violation("its link to the change before does not match".into()));
            }
            if c.expected_hash() != c.hash {
                return Err(violation("its content does not match its hash".into()));
            }
            prev = c.hash;
        }
        Ok(Verification { entries: history.len() as u64, head_hash: prev })
    }
}

fn read_changes(conn: &Connection, path: &Path) -> crate::error::Result<Vec<Change>> {
    let db = |e| Error::database(path, e);
    let mut stmt =
        conn.prepare(&format!("SELECT {COLUMNS} FROM changes ORDER BY seq")).map_err(db)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })
        .map_err(db)?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, time, author, action, entry_id, entry, comment, prev, hash) = row.map_err(db)?;
        let bad =
            |what: &str| Error::integrity(path, Some(seq as u64), format!("unreadable {what}"));
        let entry: Option<Entry> = match entry {
            Some(json) => Some(serde_json::from_str(&json).map_err(|_| bad("entry"))?),
            None => None,
        };
        out.push(Change {
            seq: u64::try_from(seq).map_err(|_| bad("sequence number"))?,
            time: time.parse().map_err(|_| bad("time"))?,
            author,
            action: Action::parse(&action).ok_or_else(|| bad("action"))?,
            entry_id,
            entry,
            comment,
            prev_hash: prev.parse().map_err(|_| bad("previous hash"))?,
            hash: hash.parse().map_err(|_| bad("hash"))?,
        });
    }
    Ok(out)
}

fn replay(history: &[Change]) -> Library {
    let mut library = Library::new();
    for c in history {
        match (&c.action, &c.entry) {
            (Action::Remove, _) | (_, None) => {
                library.take(&c.entry_id);
            }
            (_, Some(entry)) => {
                library.insert(entry.clone());
            }
        }
    }
    library
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::ClauseKind;

    fn entry(id: &str) -> Entry {
        Entry::new(
            id,
            ClauseKind::Confidentiality,
            "Confidentiality",
            Version::new("1", "Keep it secret.", "kim"),
        )
        .unwrap()
    }

    #[test]
    fn changes_form_a_chain_that_detects_tampering() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LIBRARY_FILE);
        let store = LibraryStore::open(&path).unwrap();
        store.add(&entry("a"), "kim", "").unwrap();
        assert!(store.add(&entry("a"), "kim", "").unwrap_err().to_string().contains("already"));
        store
            .supersede(
                "a",
                Version::new("2", "Keep it secret for five years.", "lee"),
                "lee",
                "term",
            )
            .unwrap();
        store.remove("a", "kim", "obsolete").unwrap();
        assert!(store.library().unwrap().is_empty());
        assert_eq!(store.history_of("a").unwrap().len(), 3);
        assert_eq!(store.verify().unwrap().entries, 3);
        drop(store);
        let raw = Connection::open(&path).unwrap();
        raw.execute_batch("DROP TRIGGER changes_are_never_updated; UPDATE changes SET author = 'eve' WHERE seq = 2;")
            .unwrap();
        drop(raw);
        let store = LibraryStore::open(&path).unwrap();
        let e = store.verify().unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::IntegrityViolation { seq: Some(2), .. }), "{e}");
    }

    #[test]
    fn an_import_is_all_or_nothing_and_skips_what_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let store = LibraryStore::open(dir.path().join(LIBRARY_FILE)).unwrap();
        let mut lib = Library::new();
        lib.insert(entry("a"));
        lib.insert(entry("b"));
        assert_eq!(store.import(&lib, "kim", "").unwrap().len(), 2);
        assert_eq!(store.import(&lib, "kim", "").unwrap().len(), 0);
        let mut changed = entry("b");
        changed.title = "Confidential information".into();
        lib.insert(changed);
        let changes = store.import(&lib, "kim", "").unwrap();
        assert_eq!(changes.iter().map(|c| c.action).collect::<Vec<_>>(), [Action::Update]);
        assert!(store.import(&lib, " ", "").is_err());
        assert_eq!(store.history().unwrap().len(), 3);
    }
}
