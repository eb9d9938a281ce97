//! [`ReviewStore`]: the SQLite file behind the review chain.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior, params};

use super::Verification;
use super::{Clock, Decision, Entry, EntryHash, RuleStats, TextHash, Timestamp, Verdict};
use crate::error::Error;

/// The version of the review store's schema that this build writes.
///
/// Later versions must keep reading stores of every version from
/// [`REVIEW_OLDEST_SUPPORTED_VERSION`] on, and must keep the canonical content encoding
/// ([`Entry::expected_hash`]) of the entries already written.
pub const REVIEW_FORMAT_VERSION: u32 = 1;

/// The oldest review store schema version that this build reads.
pub const REVIEW_OLDEST_SUPPORTED_VERSION: u32 = 1;

/// How long a write waits for another process's write to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Entries read per query when walking the history.
const PAGE: i64 = 512;

const SCHEMA: &str = "
CREATE TABLE review_format (version INTEGER NOT NULL) STRICT;
CREATE TABLE decisions (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    rule_version TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    verdict TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    comment TEXT,
    clause_id TEXT,
    doc_id TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE INDEX decisions_by_clause ON decisions (rule_id, text_hash, seq);
CREATE TRIGGER decisions_are_never_updated BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
CREATE TRIGGER decisions_are_never_deleted BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
";

const COLUMNS: &str = "seq, time, rule_id, rule_version, text_hash, verdict, reviewer, comment, \
                       clause_id, doc_id, prev_hash, hash";

/// Opens a SQLite file for an append-only store: WAL mode, every commit synced
/// (`synchronous=FULL`), a write that finds another writer waiting up to 30 seconds. The
/// review store and the clause library's store share it.
pub(crate) fn open_durable(path: &Path, create: bool) -> crate::error::Result<Connection> {
    let db = |e| Error::database(path, e);
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(db)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
    let mode: String =
        conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(db)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::database(path, format!("cannot use WAL mode (journal mode {mode})")));
    }
    conn.pragma_update(None, "synchronous", "FULL").map_err(db)?;
    Ok(conn)
}

/// The append-only, hash-chained store of review decisions.
///
/// [`record`](ReviewStore::record) appends a [`Decision`] as an [`Entry`] and returns once it is
/// durably committed. Nothing is ever updated or deleted: a later decision for the same rule and
/// clause text supersedes the earlier one ([`current`](ReviewStore::current),
/// [`decisions_for_rule`](ReviewStore::decisions_for_rule), [`stats`](ReviewStore::stats)), and
/// [`history`](ReviewStore::history) keeps both. Each entry's hash covers the hash of the entry
/// before it, so [`verify`](ReviewStore::verify) can tell whether any entry was changed,
/// removed, inserted or moved since it was recorded.
///
/// The store is one SQLite file (`review.sqlite` in an index directory) in WAL mode with
/// `synchronous=FULL`, versioned by [`REVIEW_FORMAT_VERSION`].
///
/// A `ReviewStore` is `Send + Sync`; its methods take `&self` and one connection serves them in
/// turn. Other handles, in this process or others, may use the same file at the same time.
///
/// # Example
///
/// ```
/// use clausal::{Decision, ReviewStore, TextHash, Verdict};
///
/// # let dir = tempfile::tempdir()?;
/// let store = ReviewStore::open(dir.path().join("review.sqlite"))?;
/// let clause = TextHash::of("The Supplier's liability is unlimited.");
/// store.record(&Decision::new("uncapped-liability", "2", clause, Verdict::Confirm, "kim"))?;
/// let stats = store.stats()?;
/// assert_eq!((stats[0].confirmed, stats[0].precision()), (1, Some(1.0)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ReviewStore {
    conn: Mutex<Connection>,
    path: PathBuf,
    clock: Clock,
}

impl ReviewStore {
    /// Opens the store at `path`, creating the file (not its directory) if there is none.
    ///
    /// The file is put in WAL mode and every commit is synced (`synchronous=FULL`). A write
    /// that finds another process writing waits for it, up to 30 seconds.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Database`](crate::error::ErrorKind::Database) when SQLite cannot open or set up the
    /// file, e.g. when the directory does not exist or the file is not a database;
    /// [`ErrorKind::IncompatibleFormat`](crate::error::ErrorKind::IncompatibleFormat) when it is a
    /// review store of a version this build does not read, or another kind of database;
    /// [`ErrorKind::IntegrityViolation`](crate::error::ErrorKind::IntegrityViolation) when there is
    /// no store at `path` but its head anchor ([`ReviewStore::anchor_path`]) records decisions:
    /// the store was lost, and a new one would hide that.
    pub fn open(path: impl AsRef<Path>) -> crate::error::Result<ReviewStore> {
        let path = path.as_ref();
        if !path.exists()
            && let Some((n, _)) = read_anchor(path)?
            && n > 0
        {
            // A new, empty store must not take the place of a lost one unnoticed.
            let anchor = ReviewStore::anchor_path(path);
            return Err(Error::integrity(
                path,
                None,
                format!(
                    "the store is missing, but {} records that {n} decisions were written: \
                     restore the store from a backup (or delete {} to start a new, empty one)",
                    anchor.display(),
                    anchor.display()
                ),
            ));
        }
        ReviewStore::open_impl(path, true)
    }

    /// Opens the store at `path`, which must exist. Otherwise like [`ReviewStore::open`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`](crate::error::ErrorKind::Io) (not found) when there is no file at `path`, and
    /// the errors of [`ReviewStore::open`].
    pub fn open_existing(path: impl AsRef<Path>) -> crate::error::Result<ReviewStore> {
        let path = path.as_ref();
        if !path.is_file() {
            let e = io::Error::new(io::ErrorKind::NotFound, "no review store here");
            return Err(Error::io(path, e));
        }
        ReviewStore::open_impl(path, false)
    }

    fn open_impl(path: &Path, create: bool) -> crate::error::Result<ReviewStore> {
        let mut conn = open_durable(path, create)?;
        set_up_schema(&mut conn, path)?;
        Ok(ReviewStore { conn: Mutex::new(conn), path: path.to_path_buf(), clock: Clock::system() })
    }

    /// Where a store at `path` keeps its head anchor (`review.head` beside `review.sqlite`):
    /// the number and hash of the latest entry, rewritten after each decision, outside SQLite,
    /// so that [`ReviewStore::verify`] notices entries removed from the end, a truncated file
    /// or an older copy put in its place (which a hash chain alone cannot).
    pub fn anchor_path(path: &Path) -> PathBuf {
        path.with_extension("head")
    }

    /// The entry number and hash the head anchor of a store at `path` records, if it has one
    /// (it may, even where the store itself is gone).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`](crate::error::ErrorKind::Io), or
    /// [`ErrorKind::IntegrityViolation`](crate::error::ErrorKind::IntegrityViolation) for an
    /// unreadable anchor.
    pub fn recorded_head(path: &Path) -> crate::error::Result<Option<(u64, EntryHash)>> {
        read_anchor(path)
    }

    /// This store, taking the time of new decisions from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Clock) -> ReviewStore {
        self.clock = clock;
        self
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends a decision and returns its entry once it is durably on disk.
    ///
    /// The entry gets the next sequence number, the time from the store's [`Clock`], and the
    /// latest entry's hash as its previous hash. Reading the latest entry and appending happen in
    /// one write transaction, so concurrent writers, in any process, never fork the chain. If
    /// this returns an error the decision was not recorded.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`](crate::error::ErrorKind::InvalidArgument) when the rule id, rule
    /// version or reviewer is empty; [`ErrorKind::Database`](crate::error::ErrorKind::Database) when
    /// SQLite fails (including another writer holding the store for over 30 seconds);
    /// [`ErrorKind::IntegrityViolation`](crate::error::ErrorKind::IntegrityViolation) when the latest
    /// entry is unreadable.
    ///
    /// The rule version is stored in its canonical form ([`canonical_version`]): `v1` and `1`
    /// are one version.
    pub fn record(&self, decision: &Decision) -> crate::error::Result<Entry> {
        decision.validate()?;
        let db = |e| Error::database(&self.path, e);
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        let head = tx
            .query_row(
                &format!("SELECT {COLUMNS} FROM decisions ORDER BY seq DESC LIMIT 1"),
                [],
                RawEntry::from_row,
            )
            .optional()
            .map_err(db)?;
        let (seq, prev_hash) = match head {
            None => (1, EntryHash::GENESIS),
            Some(raw) => {
                let head = raw.parse(&self.path)?;
                (head.seq + 1, head.hash)
            }
        };
        let mut decision = decision.clone();
        decision.rule_version = canonical_version(&decision.rule_version);
        let mut entry =
            Entry { seq, time: self.clock.now(), decision, prev_hash, hash: EntryHash::GENESIS };
        entry.hash = entry.expected_hash();
        let d = &entry.decision;
        tx.execute(
            &format!(
                "INSERT INTO decisions ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                seq as i64,
                entry.time.to_string(),
                d.rule_id,
                d.rule_version,
                d.text_hash.to_string(),
                d.verdict.as_str(),
                d.reviewer,
                d.comment,
                d.clause_id,
                d.doc_id,
                entry.prev_hash.to_string(),
                entry.hash.to_string(),
            ],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        tracing::debug!(seq, rule = %d.rule_id, verdict = %d.verdict, "review decision recorded");
        // The decision is durable in SQLite; the anchor only guards against losing it later. A
        // failure to write it leaves the anchor behind the store, which verify accepts.
        if let Err(e) = write_anchor(&self.path, seq, &entry.hash) {
            tracing::warn!(error = %e, "could not update the review store's head anchor");
        }
        Ok(entry)
    }

    /// The current decision for a rule's flag on a clause text: the latest one recorded.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Database`](crate::error::ErrorKind::Database) or
    /// [`ErrorKind::IntegrityViolation`](crate::error::ErrorKind::IntegrityViolation) (an unreadable
    /// row).
    pub fn current(
        &self,
        rule_id: &str,
        text_hash: &TextHash,
    ) -> crate::error::Result<Option<Entry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM decisions WHERE rule_id = ? AND text_hash = ? \
             ORDER BY seq DESC LIMIT 1"
        );
        let conn = self.lock();
        let raw = conn
            .query_row(&sql, params![rule_id, text_hash.to_string()], RawEntry::from_row)
            .optional()
            .map_err(|e| Error::database(&self.path, e))?;
        raw.map(|raw| raw.parse(&self.path)).transpose()
    }

    /// The current decisions for a rule (the latest for each clause text), oldest first.
    /// Superseded decisions are in [`ReviewStore::history`].
    ///
    /// # Errors
    ///
    /// As [`ReviewStore::current`].
    pub fn decisions_for_rule(&self, rule_id: &str) -> crate::error::Result<Vec<Entry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM decisions AS d WHERE rule_id = ?1 AND seq = \
             (SELECT MAX(seq) FROM decisions AS e WHERE e.rule_id = ?1 AND e.text_hash = d.text_hash) \
             ORDER BY seq"
        );
        self.query_entries(&sql, params![rule_id])
    }

    /// The entry with sequence number `seq`, if there is one.
    ///
    /// # Errors
    ///
    /// As [`ReviewStore::current`].
    pub fn entry(&self, seq: u64) -> crate::error::Result<Option<Entry>> {
        let Ok(seq) = i64::try_from(seq) else { return Ok(None) };
        let sql = format!("SELECT {COLUMNS} FROM decisions WHERE seq = ?");
        Ok(self.query_entries(&sql, params![seq])?.pop())
    }

    /// The latest entry, or `None` for an empty store.
    ///
    /// # Errors
    ///
    /// As [`ReviewStore::current`].
    pub fn head(&self) -> crate::error::Result<Option<Entry>> {
        let sql = format!("SELECT {COLUMNS} FROM decisions ORDER BY seq DESC LIMIT 1");
        Ok(self.query_entries(&sql, [])?.pop())
    }

    /// Every entry, oldest first, read a page at a time.
    ///
    /// Entries recorded while the iteration runs may or may not appear at its end. The entries
    /// are not verified; see [`ReviewStore::verify`].
    pub fn history(&self) -> History<'_> {
        self.history_after(0)
    }

    /// The entries after entry `seq`, oldest first (see [`ReviewStore::history`]).
    pub fn history_after(&self, seq: u64) -> History<'_> {
        History {
            store: self,
            after: i64::try_from(seq).unwrap_or(i64::MAX),
            page: VecDeque::new(),
            done: false,
        }
    }

    /// Per-rule counts of the current decisions and each rule's reviewer precision, ordered by
    /// rule id.
    ///
    /// # Errors
    ///
    /// As [`ReviewStore::current`].
    pub fn stats(&self) -> crate::error::Result<Vec<RuleStats>> {
        let conn = self.lock();
        let db = |e| Error::database(&self.path, e);
        let mut by_rule: BTreeMap<String, RuleStats> = BTreeMap::new();
        let mut stmt =
            conn.prepare("SELECT rule_id, COUNT(*) FROM decisions GROUP BY rule_id").map_err(db)?;
        let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)));
        for row in rows.map_err(db)? {
            let (rule_id, entries) = row.map_err(db)?;
            let stats = RuleStats {
                rule_id: rule_id.clone(),
                entries: entries as u64,
                ..RuleStats::default()
            };
            by_rule.insert(rule_id, stats);
        }
        let mut stmt = conn
            .prepare(
                "SELECT d.rule_id, d.verdict, COUNT(*) FROM decisions AS d WHERE d.seq = \
                 (SELECT MAX(seq) FROM decisions AS e \
                  WHERE e.rule_id = d.rule_id AND e.text_hash = d.text_hash) \
                 GROUP BY d.rule_id, d.verdict",
            )
            .map_err(db)?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, i64>(2)?))
        });
        for row in rows.map_err(db)? {
            let (rule_id, verdict, n) = row.map_err(db)?;
            let verdict: Verdict = verdict.parse().map_err(|_| {
                Error::integrity(&self.path, None, format!("unknown verdict {verdict:?}"))
            })?;
            let stats = by_rule
                .entry(rule_id.clone())
                .or_insert_with(|| RuleStats { rule_id, ..RuleStats::default() });
            let n = n as u64;
            match verdict {
                Verdict::Confirm => stats.confirmed += n,
                Verdict::Dismiss => stats.dismissed += n,
                Verdict::NeedsChange => stats.needs_change += n,
            }
        }
        Ok(by_rule.into_values().collect())
    }

    /// Recomputes the chain from the first entry to the latest and checks every link.
    ///
    /// Entries must be numbered 1, 2, 3, ... without gaps; each entry's previous hash must be
    /// the hash of the entry before it; and each entry's hash must match its content. The
    /// first entry that breaks a rule is reported. This catches any entry that was changed,
    /// removed, inserted or moved, except changes at the end of the history that also rewrite
    /// the hashes: a removed or rewritten latest entry. To catch those, keep the head hash
    /// somewhere else and check it with [`ReviewStore::verify_contains`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::IntegrityViolation`](crate::error::ErrorKind::IntegrityViolation), naming the first
    /// bad entry, when the chain is broken; [`ErrorKind::Database`](crate::error::ErrorKind::Database)
    /// when SQLite fails.
    pub fn verify(&self) -> crate::error::Result<Verification> {
        self.verify_impl(None)
    }

    /// [`ReviewStore::verify`], and checks that the chain still contains the entry with hash
    /// `head`: a head hash saved earlier, outside the store.
    ///
    /// Because each hash covers every entry before it, this shows that the history up to that
    /// entry is exactly as it was when the hash was saved.
    ///
    /// # Errors
    ///
    /// As [`ReviewStore::verify`], and
    /// [`ErrorKind::IntegrityViolation`](crate::error::ErrorKind::IntegrityViolation) when no entry has
    /// hash `head`.
    pub fn verify_contains(&self, head: &EntryHash) -> crate::error::Result<Verification> {
        self.verify_impl(Some(head))
    }

    fn verify_impl(&self, anchor: Option<&EntryHash>) -> crate::error::Result<Verification> {
        let recorded = read_anchor(&self.path)?;
        let db = |e| Error::database(&self.path, e);
        let conn = self.lock();
        let mut stmt =
            conn.prepare(&format!("SELECT {COLUMNS} FROM decisions ORDER BY seq")).map_err(db)?;
        let mut rows = stmt.query([]).map_err(db)?;
        let mut expected_seq = 1u64;
        let mut prev = EntryHash::GENESIS;
        let mut found_anchor = anchor.is_some_and(|a| *a == EntryHash::GENESIS);
        while let Some(row) = rows.next().map_err(db)? {
            let raw = RawEntry::from_row(row).map_err(db)?;
            if raw.seq != expected_seq as i64 {
                let message = if raw.seq > expected_seq as i64 {
                    format!("the entry is missing (the next entry is {})", raw.seq)
                } else {
                    format!("found an entry numbered {} instead", raw.seq)
                };
                return Err(Error::integrity(&self.path, Some(expected_seq), message));
            }
            let entry = raw.parse(&self.path)?;
            if entry.prev_hash != prev {
                let message = if expected_seq == 1 {
                    "the first entry does not start the chain (an entry before it was removed, \
                     or it was moved)"
                        .to_owned()
                } else {
                    format!(
                        "its previous hash is not the hash of entry {} (that entry was changed \
                         or removed, or this one was moved)",
                        expected_seq - 1
                    )
                };
                return Err(Error::integrity(&self.path, Some(expected_seq), message));
            }
            if entry.expected_hash() != entry.hash {
                let message = "its content does not match its hash (the entry was changed)";
                return Err(Error::integrity(&self.path, Some(expected_seq), message));
            }
            found_anchor |= anchor == Some(&entry.hash);
            if let Some((seq, hash)) = &recorded
                && *seq == expected_seq
                && *hash != entry.hash
            {
                let message = format!(
                    "its hash is not the one {} recorded when it was written (the history was \
                     rewritten from here on)",
                    ReviewStore::anchor_path(&self.path).display()
                );
                return Err(Error::integrity(&self.path, Some(expected_seq), message));
            }
            prev = entry.hash;
            expected_seq += 1;
        }
        let verification = Verification { entries: expected_seq - 1, head_hash: prev };
        if let Some((seq, _)) = &recorded
            && *seq > verification.entries
        {
            let message = format!(
                "the store holds {} entries, but {} records that entry {seq} was written: \
                 entries were removed, or the store was truncated or replaced by an older copy; \
                 restore it from a backup",
                verification.entries,
                ReviewStore::anchor_path(&self.path).display()
            );
            return Err(Error::integrity(&self.path, None, message));
        }
        match anchor {
            Some(anchor) if !found_anchor => Err(Error::integrity(
                &self.path,
                None,
                format!(
                    "no entry has hash {anchor}: the history was cut short or rewritten since \
                     that hash was the head"
                ),
            )),
            _ => Ok(verification),
        }
    }

    /// Writes every entry, oldest first, as JSON lines, and returns how many.
    ///
    /// Each line is an [`Entry`]: `seq`, `time`, the decision's fields (`rule_id`,
    /// `rule_version`, `text_hash`, `verdict`, `reviewer`, `comment`, `clause_id`, `doc_id`),
    /// `prev_hash` and `hash`. The export is not verified; call [`ReviewStore::verify`] for that.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`](crate::error::ErrorKind::Io) when writing fails, and the errors of
    /// [`ReviewStore::current`].
    pub fn export(&self, writer: impl Write) -> crate::error::Result<u64> {
        let mut writer = io::BufWriter::new(writer);
        let out = |e| Error::io("review export output", e);
        let mut n = 0;
        for entry in self.history() {
            let mut line = serde_json::to_vec(&entry?).map_err(|e| out(e.into()))?;
            line.push(b'\n');
            writer.write_all(&line).map_err(out)?;
            n += 1;
        }
        writer.flush().map_err(out)?;
        Ok(n)
    }

    fn query_entries(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> crate::error::Result<Vec<Entry>> {
        let db = |e| Error::database(&self.path, e);
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(sql).map_err(db)?;
        let raws: Vec<RawEntry> = stmt
            .query_map(params, RawEntry::from_row)
            .map_err(db)?
            .collect::<Result<_, _>>()
            .map_err(db)?;
        raws.into_iter().map(|raw| raw.parse(&self.path)).collect()
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while the lock was held cannot leave a transaction open: rusqlite rolls back
        // when a transaction is dropped.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl fmt::Debug for ReviewStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReviewStore").field("path", &self.path).field("clock", &self.clock).finish()
    }
}

/// Creates the schema in an empty database, or checks the version of an existing one.
///
/// Only creating takes the write lock, so opening a store another process is writing to does
/// not wait.
fn set_up_schema(conn: &mut Connection, path: &Path) -> crate::error::Result<()> {
    let db = |e| Error::database(path, e);
    let (mut tables, mut version) = schema_state(conn).map_err(db)?;
    if tables == 0 {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        (tables, version) = schema_state(&tx).map_err(db)?;
        if tables == 0 {
            tx.execute_batch(SCHEMA).map_err(db)?;
            tx.execute("INSERT INTO review_format (version) VALUES (?)", [REVIEW_FORMAT_VERSION])
                .map_err(db)?;
            tx.commit().map_err(db)?;
            tracing::info!(path = %path.display(), "created review store");
            return Ok(());
        }
    }
    let Some(version) = version else {
        return Err(Error::incompatible_format(path, "a database that is not a review store"));
    };
    if !(i64::from(REVIEW_OLDEST_SUPPORTED_VERSION)..=i64::from(REVIEW_FORMAT_VERSION))
        .contains(&version)
    {
        return Err(Error::incompatible_format(
            path,
            format!(
                "review store version {version}; this build reads versions \
                 {REVIEW_OLDEST_SUPPORTED_VERSION} to {REVIEW_FORMAT_VERSION}"
            ),
        ));
    }
    Ok(())
}

/// How many tables the database has, and the review store version if it has one.
fn schema_state(conn: &Connection) -> rusqlite::Result<(i64, Option<i64>)> {
    let (tables, has_format): (i64, bool) = conn.query_row(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE name = 'review_format') > 0 \
         FROM sqlite_schema WHERE type = 'table'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let version = if has_format {
        conn.query_row("SELECT MAX(version) FROM review_format", [], |r| r.get(0))?
    } else {
        None
    };
    Ok((tables, version))
}

/// A row as stored, before its fields are checked.
struct RawEntry {
    seq: i64,
    time: String,
    rule_id: String,
    rule_version: String,
    text_hash: String,
    verdict: String,
    reviewer: String,
    comment: Option<String>,
    clause_id: Option<String>,
    doc_id: Option<String>,
    prev_hash: String,
    hash: String,
}

impl RawEntry {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RawEntry> {
        Ok(RawEntry {
            seq: row.get(0)?,
            time: row.get(1)?,
            rule_id: row.get(2)?,
            rule_version: row.get(3)?,
            text_hash: row.get(4)?,
            verdict: row.get(5)?,
            reviewer: row.get(6)?,
            comment: row.get(7)?,
            clause_id: row.get(8)?,
            doc_id: row.get(9)?,
            prev_hash: row.get(10)?,
            hash: row.get(11)?,
        })
    }

    /// The entry, if every field is in the canonical form the store writes.
    fn parse(self, path: &Path) -> crate::error::Result<Entry> {
        let seq = self.seq;
        let bad = |field: &str, value: &str| {
            let seq = u64::try_from(seq).ok();
            Error::integrity(
                path,
                seq,
                format!("its {field} {value:?} is not what the store writes"),
            )
        };
        fn canonical<T: std::str::FromStr + fmt::Display>(s: &str) -> Option<T> {
            s.parse::<T>().ok().filter(|v| v.to_string() == s)
        }
        let Ok(seq) = u64::try_from(self.seq) else {
            return Err(bad("sequence number", &self.seq.to_string()));
        };
        let time: Timestamp = canonical(&self.time).ok_or_else(|| bad("time", &self.time))?;
        let text_hash: TextHash =
            canonical(&self.text_hash).ok_or_else(|| bad("text hash", &self.text_hash))?;
        let verdict: Verdict =
            canonical(&self.verdict).ok_or_else(|| bad("verdict", &self.verdict))?;
        let prev_hash: EntryHash =
            canonical(&self.prev_hash).ok_or_else(|| bad("previous hash", &self.prev_hash))?;
        let hash: EntryHash = canonical(&self.hash).ok_or_else(|| bad("hash", &self.hash))?;
        Ok(Entry {
            seq,
            time,
            decision: Decision {
                rule_id: self.rule_id,
                rule_version: self.rule_version,
                text_hash,
                verdict,
                reviewer: self.reviewer,
                comment: self.comment,
                clause_id: self.clause_id,
                doc_id: self.doc_id,
            },
            prev_hash,
            hash,
        })
    }
}

/// The entries of a [`ReviewStore`], oldest first: see [`ReviewStore::history`].
///
/// It reads a page of entries at a time and holds no lock between pages. After an error it ends.
pub struct History<'a> {
    store: &'a ReviewStore,
    after: i64,
    page: VecDeque<Entry>,
    done: bool,
}

impl Iterator for History<'_> {
    type Item = crate::error::Result<Entry>;

    fn next(&mut self) -> Option<crate::error::Result<Entry>> {
        if self.page.is_empty() && !self.done {
            let sql = format!("SELECT {COLUMNS} FROM decisions WHERE seq > ? ORDER BY seq LIMIT ?");
            match self.store.query_entries(&sql, params![self.after, PAGE]) {
                Ok(page) => {
                    self.done = (page.len() as i64) < PAGE;
                    self.page = page.into();
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        let entry = self.page.pop_front()?;
        self.after = entry.seq as i64;
        Some(Ok(entry))
    }
}

impl fmt::Debug for History<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("History").field("after", &self.after).finish_non_exhaustive()
    }
}

/// A rule version as the store keeps it: trimmed, and without the `v` that `clausal flags`
/// prints before it: `v2` and `2` are one version, as are `v2-beta` and `2-beta`.
pub fn canonical_version(version: &str) -> String {
    let v = version.trim();
    match v.strip_prefix(['v', 'V']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest.to_owned(),
        _ => v.to_owned(),
    }
}

/// Records `seq` and `hash` as the head in the anchor file, unless it already records a later
/// entry (another process's decision): written to a temporary file, synced, renamed.
fn write_anchor(path: &Path, seq: u64, hash: &EntryHash) -> crate::error::Result<()> {
    if read_anchor(path)?.is_some_and(|(s, _)| s >= seq) {
        return Ok(());
    }
    let anchor = ReviewStore::anchor_path(path);
    let tmp = anchor.with_extension("head.tmp");
    {
        let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(format!("{seq} {hash}\n").as_bytes()).map_err(|e| Error::io(&tmp, e))?;
        f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, &anchor).map_err(|e| Error::io(&anchor, e))?;
    if let Some(dir) = anchor.parent().filter(|d| !d.as_os_str().is_empty()) {
        #[cfg(unix)]
        std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::io(dir, e))?;
    }
    Ok(())
}

/// The head the anchor file records, if there is one.
fn read_anchor(path: &Path) -> crate::error::Result<Option<(u64, EntryHash)>> {
    let anchor = ReviewStore::anchor_path(path);
    let text = match std::fs::read_to_string(&anchor) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&anchor, e)),
    };
    let bad = || Error::integrity(path, None, format!("{} is unreadable", anchor.display()));
    let (seq, hash) = text.trim().split_once(' ').ok_or_else(bad)?;
    Ok(Some((seq.parse().map_err(|_| bad())?, hash.parse().map_err(|_| bad())?)))
}
