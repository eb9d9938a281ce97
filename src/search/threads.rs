//! Email threads: the messages of a snapshot joined by their reply headers.
//!
//! Threading follows Jamie Zawinski's algorithm, the one mail readers use:
//! 1. every message is a container under its `Message-ID`; the ids its `References` and
//!    `In-Reply-To` name are containers too, present or not (a thread whose first message was
//!    never ingested still has that message's id as its root);
//! 2. each `References` chain links its ids parent to child where no link exists yet, and the
//!    message is made the child of the last id of the chain (`In-Reply-To` when it names one
//!    more), unless that would make a loop;
//! 3. roots whose subject is the same once reply prefixes are removed are joined when one of
//!    them is a reply ("Re: Renewal" without reply headers, from a client that drops them): the
//!    reply goes under the root that is not a reply, or under the earliest reply.
//!
//! A thread's id is derived from the message id of its root container, so it does not depend on
//! the order in which files were ingested and does not change when a file is ingested again.
//! Attachments (documents whose parent is a message, messages attached to a message included)
//! belong to their message's thread.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::extract::subject;
use crate::extract::{DocId, DocKind};
use crate::index::records::DocumentRecord;

/// Identifies a thread: the first 64 bits of the SHA-256 of its root's message id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ThreadId(pub u64);

impl ThreadId {
    /// The id of the thread whose root has this message id.
    pub fn of_root(message_id: &str) -> ThreadId {
        let digest = Sha256::digest(message_id.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        ThreadId(u64::from_be_bytes(first))
    }
}

impl fmt::Display for ThreadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl From<ThreadId> for String {
    fn from(id: ThreadId) -> String {
        id.to_string()
    }
}

impl TryFrom<String> for ThreadId {
    type Error = std::num::ParseIntError;

    fn try_from(s: String) -> Result<ThreadId, Self::Error> {
        s.parse()
    }
}

impl std::str::FromStr for ThreadId {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<ThreadId, Self::Err> {
        u64::from_str_radix(s.trim(), 16).map(ThreadId)
    }
}

/// One message of a thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ThreadMessage {
    /// The message's document.
    pub doc: DocId,
    /// The message it replies to, where the snapshot holds it.
    pub parent: Option<DocId>,
    /// Replies above it (0 for the thread's first message).
    pub depth: u32,
    /// Its `Message-ID`.
    pub message_id: Option<String>,
    /// Its subject.
    pub subject: Option<String>,
    /// Its date (RFC 3339), when it has one.
    pub date: Option<String>,
    /// Its sender.
    pub from: Option<String>,
    /// Its attachments' documents.
    pub attachments: Vec<DocId>,
}

/// A conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Thread {
    /// The thread.
    pub id: ThreadId,
    /// The message id of its root (which the snapshot may not hold).
    pub root_message_id: String,
    /// The subject, without reply prefixes.
    pub subject: String,
    /// Its messages, in reply order: each after its parent, siblings by date.
    pub messages: Vec<ThreadMessage>,
}

/// The threads of a snapshot, and the thread of each message and attachment.
#[derive(Clone, Debug, Default)]
pub struct Threads {
    threads: Vec<Thread>,
    of_doc: HashMap<DocId, usize>,
}

impl Threads {
    /// Every thread, the most recent first (by its latest message's date, then id).
    pub fn all(&self) -> &[Thread] {
        &self.threads
    }

    /// The thread `id`.
    pub fn get(&self, id: ThreadId) -> Option<&Thread> {
        self.threads.iter().find(|t| t.id == id)
    }

    /// The thread of a message, or of the message an attachment came with.
    pub fn of(&self, doc: DocId) -> Option<&Thread> {
        self.of_doc.get(&doc).map(|&i| &self.threads[i])
    }

    /// Every document of these threads: messages and their attachments, in id order.
    pub fn documents_of(&self, threads: &[ThreadId]) -> Vec<DocId> {
        let mut out: Vec<DocId> = self
            .of_doc
            .iter()
            .filter(|&(_, &i)| threads.contains(&self.threads[i].id))
            .map(|(&d, _)| d)
            .collect();
        out.sort();
        out
    }
}

/// Message ids as headers carry them: angle brackets and blanks removed, several per value
/// split.
fn ids(values: Option<&Vec<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for v in values.into_iter().flatten() {
        for part in v.split(|c: char| c.is_whitespace() || c == ',') {
            let id = part.trim().trim_start_matches('<').trim_end_matches('>').trim();
            if !id.is_empty() && id.len() <= 998 {
                out.push(id.to_owned());
            }
        }
    }
    out
}

/// A container of the algorithm: a message id, the message (if held) and its parent.
struct Container {
    id: String,
    message: Option<usize>,
    parent: Option<usize>,
}

/// Threads the email documents of `documents` (see the module documentation).
pub fn threads(documents: &[DocumentRecord]) -> Threads {
    // Messages in a fixed order, so that the result does not depend on how they were listed.
    // A message attached to another (a forwarded `.eml`, an embedded `message/rfc822`) is an
    // attachment of the message that carries it, in that message's thread.
    let mut messages: Vec<&DocumentRecord> =
        documents.iter().filter(|d| d.kind == Some(DocKind::Email) && d.parent.is_none()).collect();
    messages.sort_by_key(|d| d.id);
    let meta = |d: &DocumentRecord, k: &str| d.metadata.get(k).and_then(|v| v.first()).cloned();

    let mut containers: Vec<Container> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    fn container(
        by_id: &mut HashMap<String, usize>,
        containers: &mut Vec<Container>,
        id: &str,
    ) -> usize {
        *by_id.entry(id.to_owned()).or_insert_with(|| {
            containers.push(Container { id: id.to_owned(), message: None, parent: None });
            containers.len() - 1
        })
    }
    // Whether `ancestor` is `node` or above it.
    let reaches = |containers: &[Container], node: usize, ancestor: usize| -> bool {
        let mut at = Some(node);
        for _ in 0..=containers.len() {
            match at {
                Some(a) if a == ancestor => return true,
                Some(a) => at = containers[a].parent,
                None => return false,
            }
        }
        true // A loop: treat as reached, so that no link closes it further.
    };
    let mut message_container = vec![0usize; messages.len()];
    for (m, doc) in messages.iter().enumerate() {
        let own = ids(doc.metadata.get("message-id")).into_iter().next();
        // A message without an id, or with the id of a message already placed, gets its own.
        let own = match own {
            Some(id) if by_id.get(&id).is_none_or(|&c| containers[c].message.is_none()) => id,
            _ => format!("clausal-doc:{}", doc.id),
        };
        let c = container(&mut by_id, &mut containers, &own);
        containers[c].message = Some(m);
        message_container[m] = c;
        let mut chain = ids(doc.metadata.get("references"));
        for id in ids(doc.metadata.get("in-reply-to")) {
            if chain.last() != Some(&id) && !chain.contains(&id) {
                chain.push(id);
            }
        }
        chain.retain(|id| *id != own);
        chain.truncate(256);
        let chain: Vec<usize> =
            chain.iter().map(|id| container(&mut by_id, &mut containers, id)).collect();
        for pair in chain.windows(2) {
            let (parent, child) = (pair[0], pair[1]);
            if containers[child].parent.is_none() && !reaches(&containers, parent, child) {
                containers[child].parent = Some(parent);
            }
        }
        if let Some(&last) = chain.last()
            && !reaches(&containers, last, c)
        {
            containers[c].parent = Some(last);
        }
    }

    let root_of = |containers: &[Container], mut c: usize| -> usize {
        for _ in 0..containers.len() {
            match containers[c].parent {
                Some(p) => c = p,
                None => break,
            }
        }
        c
    };
    // Roots of held messages; the subject of each root: its message's, else its first
    // message's (by date) under it.
    let mut root_members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (m, &c) in message_container.iter().enumerate() {
        root_members.entry(root_of(&containers, c)).or_default().push(m);
    }
    let date = |m: usize| meta(messages[m], "date").unwrap_or_default();
    let subject_of = |m: usize| meta(messages[m], "subject").unwrap_or_default();
    // Subject grouping: a root that is a reply, and holds no message that is not a reply,
    // joins the root with the same base subject that does (or the earliest one).
    let mut joined: HashMap<usize, usize> = HashMap::new();
    let mut by_subject: BTreeMap<String, Vec<(bool, String, usize)>> = BTreeMap::new();
    for (&root, members) in &root_members {
        let first = containers[root].message.or_else(|| {
            members.iter().copied().min_by_key(|&m| (date(m).is_empty(), date(m), messages[m].id))
        });
        let Some(first) = first else { continue };
        let base = subject::base(&subject_of(first));
        if base.is_empty() {
            continue;
        }
        let reply = containers[root].message.is_some()
            && members.iter().all(|&m| subject::is_reply(&subject_of(m)))
            && ids(messages[first].metadata.get("references")).is_empty()
            && ids(messages[first].metadata.get("in-reply-to")).is_empty();
        by_subject.entry(base).or_default().push((reply, date(first), root));
    }
    for group in by_subject.values_mut() {
        if group.len() < 2 {
            continue;
        }
        // Non-replies first, then by date: the head is the thread the replies join.
        group.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
        let head = group[0].2;
        for &(reply, _, root) in &group[1..] {
            if reply {
                joined.insert(root, head);
            }
        }
    }

    // Build the threads.
    let mut thread_of_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (&root, members) in &root_members {
        let head = joined.get(&root).copied().unwrap_or(root);
        thread_of_root.entry(head).or_default().extend(members.iter().copied());
    }
    let mut children: HashMap<DocId, Vec<DocId>> = HashMap::new();
    for d in documents {
        if let Some(p) = d.parent {
            children.entry(p).or_default().push(d.id);
        }
    }
    // Attachments, and attachments of attachments (a zip in a message), bounded.
    let attachments_of = |doc: DocId| -> Vec<DocId> {
        let mut out: Vec<DocId> = Vec::new();
        let mut frontier = vec![doc];
        while let Some(d) = frontier.pop() {
            for &a in children.get(&d).into_iter().flatten() {
                if a != doc && !out.contains(&a) && out.len() < 10_000 {
                    out.push(a);
                    frontier.push(a);
                }
            }
        }
        out.sort();
        out
    };
    let mut out = Threads::default();
    for (head, members) in thread_of_root {
        let held: HashMap<usize, DocId> =
            members.iter().map(|&m| (message_container[m], messages[m].id)).collect();
        // The parent of a message: its nearest held ancestor; joined roots hang under the
        // head's first message.
        let head_first = containers[head].message.or_else(|| {
            members
                .iter()
                .copied()
                .filter(|&m| root_of(&containers, message_container[m]) == head)
                .min_by_key(|&m| (date(m).is_empty(), date(m), messages[m].id))
        });
        let mut items: Vec<ThreadMessage> = members
            .iter()
            .map(|&m| {
                let c = message_container[m];
                let mut parent = None;
                let mut at = containers[c].parent;
                for _ in 0..containers.len() {
                    let Some(p) = at else { break };
                    if let Some(&d) = held.get(&p) {
                        parent = Some(d);
                        break;
                    }
                    at = containers[p].parent;
                }
                if parent.is_none() && root_of(&containers, c) != head {
                    parent = head_first.map(|h| messages[h].id).filter(|&h| h != messages[m].id);
                }
                let doc = messages[m];
                ThreadMessage {
                    doc: doc.id,
                    parent,
                    depth: 0,
                    message_id: ids(doc.metadata.get("message-id")).into_iter().next(),
                    subject: meta(doc, "subject"),
                    date: meta(doc, "date"),
                    from: meta(doc, "from"),
                    attachments: attachments_of(doc.id),
                }
            })
            .collect();
        order_by_replies(&mut items);
        let subject = items
            .first()
            .and_then(|m| m.subject.as_deref())
            .map(|s| {
                let s = s.trim();
                let base = subject::base(s);
                if base.is_empty() { s.to_owned() } else { subject::strip_prefixes(s).to_owned() }
            })
            .unwrap_or_default();
        let root_message_id = containers[head].id.clone();
        let index = out.threads.len();
        for m in &items {
            out.of_doc.insert(m.doc, index);
            for &a in &m.attachments {
                out.of_doc.insert(a, index);
            }
        }
        out.threads.push(Thread {
            id: ThreadId::of_root(&root_message_id),
            root_message_id,
            subject,
            messages: items,
        });
    }
    // The most recent conversation first.
    let latest =
        |t: &Thread| t.messages.iter().filter_map(|m| m.date.clone()).max().unwrap_or_default();
    let mut order: Vec<usize> = (0..out.threads.len()).collect();
    order.sort_by(|&a, &b| {
        let (ta, tb) = (&out.threads[a], &out.threads[b]);
        latest(tb).cmp(&latest(ta)).then(ta.id.cmp(&tb.id))
    });
    let mut position = vec![0usize; order.len()];
    for (new, &old) in order.iter().enumerate() {
        position[old] = new;
    }
    let mut threads: Vec<Option<Thread>> = out.threads.into_iter().map(Some).collect();
    out.threads = order.iter().filter_map(|&i| threads[i].take()).collect();
    for i in out.of_doc.values_mut() {
        *i = position[*i];
    }
    out
}

/// Orders messages depth-first from the roots, siblings by date then id, and sets depths.
fn order_by_replies(items: &mut Vec<ThreadMessage>) {
    let docs: Vec<DocId> = items.iter().map(|m| m.doc).collect();
    let key = |m: &ThreadMessage| (m.date.clone().unwrap_or_default(), m.doc);
    let mut children: HashMap<Option<DocId>, Vec<usize>> = HashMap::new();
    for (i, m) in items.iter().enumerate() {
        let parent = m.parent.filter(|p| docs.contains(p));
        children.entry(parent).or_default().push(i);
    }
    for list in children.values_mut() {
        list.sort_by_key(|&i| key(&items[i]));
    }
    let mut order: Vec<(usize, u32)> = Vec::with_capacity(items.len());
    let mut stack: Vec<(usize, u32)> =
        children.get(&None).into_iter().flatten().rev().map(|&i| (i, 0)).collect();
    let mut seen = vec![false; items.len()];
    while let Some((i, depth)) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        order.push((i, depth));
        for &c in children.get(&Some(items[i].doc)).into_iter().flatten().rev() {
            stack.push((c, depth.saturating_add(1)));
        }
    }
    // Anything a loop kept out of the walk, at the end.
    for (i, seen) in seen.iter().enumerate() {
        if !seen {
            order.push((i, 0));
        }
    }
    let mut taken: Vec<Option<ThreadMessage>> =
        std::mem::take(items).into_iter().map(Some).collect();
    for (i, depth) in order {
        if let Some(mut m) = taken[i].take() {
            m.depth = depth;
            items.push(m);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(id: u64, headers: &[(&str, &str)]) -> DocumentRecord {
        let mut metadata = BTreeMap::new();
        for (k, v) in headers {
            metadata.entry((*k).to_owned()).or_insert_with(Vec::new).push((*v).to_owned());
        }
        DocumentRecord {
            id: DocId(id),
            parent: None,
            path: format!("m{id}.eml"),
            file_hash: id,
            source: format!("m{id}.eml"),
            kind: Some(DocKind::Email),
            title: None,
            metadata,
            kinds: Vec::new(),
            facts: None,
            pages: 0,
            clauses: 0,
            role: None,
            key_dates: None,
        }
    }

    #[test]
    fn replies_join_their_parents_whatever_the_order() {
        let docs = vec![
            email(3, &[("message-id", "c@x"), ("references", "a@x b@x"), ("subject", "Re: Lease")]),
            email(1, &[("message-id", "a@x"), ("subject", "Lease"), ("date", "2022-01-01")]),
            email(2, &[("message-id", "b@x"), ("in-reply-to", "a@x"), ("subject", "Re: Lease")]),
            // Its parent was never ingested: still one thread, rooted at the missing id.
            email(4, &[("message-id", "e@x"), ("references", "d@x"), ("subject", "Re: Other")]),
            email(5, &[("message-id", "f@x"), ("in-reply-to", "d@x"), ("subject", "Re: Other")]),
            // A reply without reply headers joins by subject.
            email(6, &[("message-id", "g@x"), ("subject", "RE: lease"), ("date", "2022-01-05")]),
            email(7, &[("message-id", "h@x"), ("subject", "Unrelated")]),
        ];
        let t = threads(&docs);
        let lease = t.of(DocId(1)).unwrap();
        let ids: Vec<u64> = lease.messages.iter().map(|m| m.doc.0).collect();
        assert_eq!(ids, [1, 2, 3, 6]);
        let parents: Vec<Option<u64>> =
            lease.messages.iter().map(|m| m.parent.map(|p| p.0)).collect();
        assert_eq!(parents, [None, Some(1), Some(2), Some(1)]);
        assert_eq!(lease.messages[2].depth, 2);
        assert_eq!(lease.subject, "Lease");
        assert_eq!(lease.id, ThreadId::of_root("a@x"));
        let other = t.of(DocId(4)).unwrap();
        assert_eq!(other.id, ThreadId::of_root("d@x"));
        assert_eq!(other.messages.len(), 2);
        assert_ne!(t.of(DocId(7)).unwrap().id, lease.id);
        assert_eq!(t.all().len(), 3);

        // Listed in another order: the same threads with the same ids.
        let mut reversed = docs.clone();
        reversed.reverse();
        let again = threads(&reversed);
        for d in &docs {
            assert_eq!(again.of(d.id).map(|x| x.id), t.of(d.id).map(|x| x.id));
        }
        assert_eq!(t.documents_of(&[lease.id]), [DocId(1), DocId(2), DocId(3), DocId(6)]);
    }

    #[test]
    fn loops_duplicates_and_attachments() {
        let mut attachment = email(9, &[]);
        attachment.kind = Some(DocKind::Pdf);
        attachment.parent = Some(DocId(2));
        let docs = vec![
            email(1, &[("message-id", "a@x"), ("references", "b@x")]),
            email(2, &[("message-id", "b@x"), ("references", "a@x")]),
            email(3, &[("message-id", "a@x")]),
            attachment,
        ];
        let t = threads(&docs);
        let thread = t.of(DocId(2)).unwrap();
        assert_eq!(t.of(DocId(9)).unwrap().id, thread.id);
        assert!(thread.messages.iter().any(|m| m.attachments == [DocId(9)]));
        // Every message is in exactly one thread.
        let total: usize = t.all().iter().map(|x| x.messages.len()).sum();
        assert_eq!(total, 3);
    }

    #[test]
    fn thread_ids_print_and_parse() {
        let id = ThreadId::of_root("a@x");
        assert_eq!(id.to_string().parse::<ThreadId>().unwrap(), id);
    }
}
