//! Email threads on a real archive: is every reply joined to the message it answers, and do
//! thread ids stay the same when the archive is ingested again or in another order?
//!
//! The folders are ingested into a fresh index (every file; threading only reads the messages,
//! but attachments come with them). A *reply* is a message (not itself an attachment) whose `In-Reply-To` or `References`
//! names a message id. Its *expected parent* is the last message the archive holds among the ids
//! its `References` then `In-Reply-To` name; a reply whose named messages are all absent is
//! expected to be a first message of its thread, rooted at the first id it names. The threads
//! are then compared with those of a second index built from the same files ingested one at a
//! time in reverse order, and with those of the first index after an unchanged re-run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Result;
use clausal::{DocId, DocKind, DocumentRecord, Embedder, Index, IngestOptions, ModelIdentity};

/// A reply not joined as expected.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct ThreadMiss {
    /// The reply's source.
    pub source: String,
    /// The source of the message it should be under (`None`: a thread's first message).
    pub expected: Option<String>,
    /// The source of the message it is under.
    pub actual: Option<String>,
}

/// The report of [`threads`].
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct ThreadsReport {
    /// Files ingested.
    pub files: usize,
    /// Email messages in the index.
    pub messages: usize,
    /// Threads.
    pub threads: usize,
    /// Threads of more than one message.
    pub conversations: usize,
    /// Replies whose parent the archive holds.
    pub replies_with_parent: usize,
    /// Of those, joined to that parent.
    pub joined: usize,
    /// Replies whose parent is not in the archive.
    pub replies_without_parent: usize,
    /// Of those, first messages of a thread rooted at the id they name.
    pub rooted: usize,
    /// Documents (messages and attachments) whose thread id differs in the index built in
    /// reverse order, or after an unchanged re-run.
    pub unstable: usize,
    /// Their sources.
    pub unstable_sources: Vec<String>,
    /// Documents the two indexes hold under different parents: the same bytes found both as a
    /// file and as an attachment (or in two messages) are one document, kept where it was met
    /// first, so its place, and with it its thread, follows the order of ingestion. Not counted
    /// as unstable.
    pub placed_differently: Vec<String>,
    /// Replies not joined as expected.
    pub misses: Vec<ThreadMiss>,
}

impl ThreadsReport {
    /// Every reply joined as expected and every thread id stable.
    pub fn passes(&self) -> bool {
        self.joined == self.replies_with_parent
            && self.rooted == self.replies_without_parent
            && self.unstable == 0
    }
}

fn ids(d: &DocumentRecord, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    for v in d.metadata.get(key).into_iter().flatten() {
        for part in v.split(|c: char| c.is_whitespace() || c == ',') {
            let id = part.trim().trim_start_matches('<').trim_end_matches('>').trim();
            if !id.is_empty() {
                out.push(id.to_owned());
            }
        }
    }
    out
}

/// Ingests the files under `dirs` into fresh indexes under `work` and scores the threads (see
/// the module documentation).
///
/// # Errors
///
/// If a folder cannot be listed or `work` used; index and embedder errors.
pub fn threads(dirs: &[PathBuf], work: &Path, embedder: &dyn Embedder) -> Result<ThreadsReport> {
    let mut files = Vec::new();
    for dir in dirs {
        files.extend(crate::extraction::list_files_recursive(dir)?);
    }
    let identity = ModelIdentity::of(embedder);
    let options = IngestOptions::default();
    let first = Index::create_in_dir(work.join("forward"), identity.clone())?;
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    {
        let mut w = first.writer()?;
        clausal::ingest(&mut w, &paths, embedder, &options, &mut |_| {})?;
    }
    let searcher = first.reader()?.searcher();
    let docs = searcher.documents()?;
    let threads = searcher.threads()?;

    // Messages attached to messages are attachments, in the thread of the message carrying
    // them (see `clausal::Searcher::threads`).
    let messages: Vec<&DocumentRecord> =
        docs.iter().filter(|d| d.kind == Some(DocKind::Email) && d.parent.is_none()).collect();
    let by_message_id: HashMap<String, DocId> = messages
        .iter()
        .filter_map(|d| ids(d, "message-id").into_iter().next().map(|id| (id, d.id)))
        .collect();
    let source: HashMap<DocId, &str> = docs.iter().map(|d| (d.id, d.source.as_str())).collect();
    let name = |d: Option<DocId>| d.and_then(|d| source.get(&d).map(|s| (*s).to_owned()));
    let mut report = ThreadsReport {
        files: files.len(),
        messages: messages.len(),
        threads: threads.all().len(),
        conversations: threads.all().iter().filter(|t| t.messages.len() > 1).count(),
        replies_with_parent: 0,
        joined: 0,
        replies_without_parent: 0,
        rooted: 0,
        unstable: 0,
        unstable_sources: Vec::new(),
        placed_differently: Vec::new(),
        misses: Vec::new(),
    };
    for m in &messages {
        let own = ids(m, "message-id").into_iter().next();
        let mut chain = ids(m, "references");
        chain.extend(ids(m, "in-reply-to"));
        chain.retain(|id| Some(id) != own.as_ref());
        if chain.is_empty() {
            continue;
        }
        let expected = chain.iter().rev().find_map(|id| by_message_id.get(id).copied());
        let thread = threads.of(m.id);
        let actual =
            thread.and_then(|t| t.messages.iter().find(|x| x.doc == m.id)).and_then(|x| x.parent);
        match expected {
            Some(parent) => {
                report.replies_with_parent += 1;
                if actual == Some(parent) {
                    report.joined += 1;
                    continue;
                }
            }
            None => {
                report.replies_without_parent += 1;
                let root = chain.first().map(|r| clausal::ThreadId::of_root(r));
                if actual.is_none() && thread.map(|t| t.id) == root {
                    report.rooted += 1;
                    continue;
                }
            }
        }
        report.misses.push(ThreadMiss {
            source: m.source.clone(),
            expected: name(expected),
            actual: name(actual),
        });
    }

    // The same files, one at a time in reverse order, into a second index; then the first
    // index after an unchanged re-run.
    let second = Index::create_in_dir(work.join("reverse"), identity)?;
    {
        let mut w = second.writer()?;
        for path in paths.iter().rev() {
            clausal::ingest(&mut w, &[path], embedder, &options, &mut |_| {})?;
        }
    }
    {
        let mut w = first.writer()?;
        clausal::ingest(&mut w, &paths, embedder, &options, &mut |_| {})?;
    }
    let reversed_searcher = second.reader()?.searcher();
    let reversed = reversed_searcher.threads()?;
    let reversed_parent: HashMap<DocId, Option<DocId>> =
        reversed_searcher.documents()?.iter().map(|d| (d.id, d.parent)).collect();
    let rerun = first.reader()?.searcher().threads()?;
    for d in &docs {
        if reversed_parent.get(&d.id).is_some_and(|p| *p != d.parent) {
            report.placed_differently.push(d.source.clone());
            continue;
        }
        let id = threads.of(d.id).map(|t| t.id);
        if reversed.of(d.id).map(|t| t.id) != id || rerun.of(d.id).map(|t| t.id) != id {
            report.unstable += 1;
            report.unstable_sources.push(d.source.clone());
        }
    }
    Ok(report)
}
