//! Email threads: replies joined to their parents across files and mbox messages, the thread
//! filter in search and flags, attachments under their message, quoted text not indexed twice.

use std::path::Path;

use clausal::{
    DocId, Filter, Index, IngestOptions, ModelIdentity, QuerySyntax, SearchMode, SearchRequest,
    ThreadId,
};

use crate::extract::TempDir;
use crate::util::embedder;

fn message(id: &str, headers: &str, subject: &str, date: &str, body: &str) -> String {
    format!(
        "From: Ann Lee <ann@example.com>\r\nTo: Bob Roe <bob@example.com>\r\nSubject: {subject}\r\n\
         Date: {date}\r\nMessage-ID: <{id}>\r\n{headers}Content-Type: text/plain\r\n\r\n{body}\r\n"
    )
}

/// A reply with a contract attached (multipart/mixed, the attachment as text).
fn with_attachment(id: &str, headers: &str, body: &str, attachment: &str) -> String {
    format!(
        "From: Bob Roe <bob@example.com>\r\nTo: Ann Lee <ann@example.com>\r\nSubject: Re: Lease \
         renewal\r\nDate: Tue, 04 Jan 2022 10:00:00 +0000\r\nMessage-ID: <{id}>\r\n{headers}\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
         Content-Type: text/plain\r\n\r\n{body}\r\n--b1\r\nContent-Type: text/plain\r\n\
         Content-Disposition: attachment; filename=\"amendment.txt\"\r\n\r\n{attachment}\r\n--b1--\r\n"
    )
}

const ORIGINAL: &str = "Please find the renewal terms below.\r\n\r\n\
    1. Term. The lease renews for two years from the expiry date unless terminated.\r\n\r\n\
    2. Rent. The monthly rent rises by three percent on each renewal.";

fn archive(dir: &TempDir) {
    dir.write(
        "1-original.eml",
        message("a1@example.com", "", "Lease renewal", "Mon, 03 Jan 2022 09:00:00 +0000", ORIGINAL)
            .as_bytes(),
    );
    // Quotes the original: its quoted clauses must not be indexed again.
    let quoted: String = ORIGINAL.split("\r\n").map(|l| format!("> {l}\r\n")).collect();
    dir.write(
        "2-reply.eml",
        with_attachment(
            "b2@example.com",
            "In-Reply-To: <a1@example.com>\r\nReferences: <a1@example.com>\r\n",
            &format!(
                "We accept the renewal, with the amendment attached.\r\n\r\nOn Mon, 3 Jan 2022, \
                 Ann Lee wrote:\r\n{quoted}"
            ),
            "AMENDMENT NO. 1\r\n\r\n1. Rent. The rent increase is capped at two percent of the \
             quarterly zebracorn fee.",
        )
        .as_bytes(),
    );
    // Two more messages of the thread in an mbox: one by References, one by subject only.
    let third = message(
        "c3@example.com",
        "In-Reply-To: <b2@example.com>\r\nReferences: <a1@example.com> <b2@example.com>\r\n",
        "Re: Lease renewal",
        "Wed, 05 Jan 2022 11:00:00 +0000",
        "Agreed on the amendment.",
    );
    let fourth = message(
        "d4@example.com",
        "",
        "RE: Lease renewal",
        "Thu, 06 Jan 2022 12:00:00 +0000",
        "Signed copy to follow.",
    );
    dir.write(
        "3-later.mbox",
        format!(
            "From ann@example.com Wed Jan  5 11:00:00 2022\n{third}\nFrom bob@example.com Thu \
             Jan  6 12:00:00 2022\n{fourth}\n"
        )
        .replace("\r\n", "\n")
        .as_bytes(),
    );
    // Another conversation whose first message is not in the archive.
    dir.write(
        "4-other.eml",
        message(
            "e5@example.com",
            "In-Reply-To: <missing@example.com>\r\n",
            "Re: Invoice",
            "Fri, 07 Jan 2022 08:00:00 +0000",
            "The invoice is paid.",
        )
        .as_bytes(),
    );
}

fn ingest_all(index: &Index, paths: &[&Path]) {
    let mut w = index.writer().unwrap();
    let report =
        clausal::ingest(&mut w, paths, embedder(), &IngestOptions::default(), &mut |_| {}).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
}

#[test]
fn replies_join_their_parents_and_the_filter_follows_threads() {
    let dir = TempDir::new("threads");
    let files = TempDir::new("threads-files");
    archive(&files);
    let index = Index::create_in_dir(dir.0.join("idx"), ModelIdentity::of(embedder())).unwrap();
    ingest_all(&index, &[&files.0]);
    let searcher = index.reader().unwrap().searcher();
    let threads = searcher.threads().unwrap();
    assert_eq!(threads.all().len(), 2, "{:#?}", threads.all());
    let docs = searcher.documents().unwrap();
    let doc = |needle: &str| docs.iter().find(|d| d.source.ends_with(needle)).unwrap().id;
    let (original, reply) = (doc("1-original.eml"), doc("2-reply.eml"));
    let (third, fourth) = (doc("3-later.mbox#message-1"), doc("3-later.mbox#message-2"));
    let attachment = doc("2-reply.eml#attachment-1");

    let lease = threads.of(original).unwrap();
    assert_eq!(lease.id, ThreadId::of_root("a1@example.com"));
    assert_eq!(lease.subject, "Lease renewal");
    let parent_of = |d: DocId| lease.messages.iter().find(|m| m.doc == d).and_then(|m| m.parent);
    assert_eq!(parent_of(original), None);
    assert_eq!(parent_of(reply), Some(original));
    assert_eq!(parent_of(third), Some(reply));
    assert_eq!(parent_of(fourth), Some(original), "joined by its subject");
    let with_attachment = lease.messages.iter().find(|m| m.doc == reply).unwrap();
    assert_eq!(with_attachment.attachments, [attachment]);
    assert_eq!(threads.of(attachment).unwrap().id, lease.id);
    let other = threads.of(doc("4-other.eml")).unwrap();
    assert_eq!(other.id, ThreadId::of_root("missing@example.com"));

    // The thread filter: the attachment's clause is found through its message's thread, and
    // not through the other thread.
    let search = |filter: Filter| {
        let mut q = SearchRequest::new("zebracorn");
        q.mode = SearchMode::Bm25;
        q.syntax = QuerySyntax::Plain;
        q.filter = filter;
        searcher.search(&q, embedder()).unwrap()
    };
    let hits = search(Filter::new().thread(lease.id));
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].clause.doc_id, attachment);
    assert!(search(Filter::new().thread(other.id)).is_empty());
    assert!(search(Filter::new().thread(ThreadId(7))).is_empty(), "an unknown thread: nothing");

    // Quoted text is shown but not indexed twice: the renewal clause is a clause of the
    // original only.
    let mut q = SearchRequest::new("\"rent rises by three percent\"");
    q.mode = SearchMode::Bm25;
    let hits = searcher.search(&q, embedder()).unwrap();
    let sources: Vec<DocId> = hits.iter().map(|h| h.clause.doc_id).collect();
    assert_eq!(sources, [original], "{hits:#?}");

    // Thread ids do not depend on the order of ingestion or on ingesting again.
    let again = Index::create_in_dir(dir.0.join("idx2"), ModelIdentity::of(embedder())).unwrap();
    let mut names: Vec<_> =
        std::fs::read_dir(&files.0).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    names.reverse();
    for path in &names {
        ingest_all(&again, &[path.as_path()]);
    }
    ingest_all(&again, &[&files.0]);
    let threads2 = again.reader().unwrap().searcher().threads().unwrap();
    for d in &docs {
        assert_eq!(threads2.of(d.id).map(|t| t.id), threads.of(d.id).map(|t| t.id), "{}", d.source);
    }
}
