//! `clausal export`, `clausal push --qdrant` (against a Qdrant stand-in on loopback that
//! fails on purpose) and `clausal ingest --shard`, on the sample archive.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};

use crate::util::{TempDir, clausal};

fn samples() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/archive"))
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn copy_samples(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(samples()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn ingest(archive: &Path, idx: &Path, extra: &[&str]) -> serde_json::Value {
    let out = ok(&clausal()
        .arg("ingest")
        .arg(archive)
        .arg("--index")
        .arg(idx)
        .args(["--json", "--prune"])
        .args(extra)
        .output()
        .unwrap());
    let last = out.lines().last().unwrap();
    serde_json::from_str::<serde_json::Value>(last).unwrap()["report"].clone()
}

fn clauses(idx: &Path) -> u64 {
    let out = ok(&clausal().args(["stats", "--json", "--index"]).arg(idx).output().unwrap());
    serde_json::from_str::<serde_json::Value>(&out).unwrap()["clauses"].as_u64().unwrap()
}

#[test]
fn export_formats_mappings_and_cursors() {
    let dir = TempDir::new("export");
    let archive = dir.0.join("archive");
    copy_samples(&archive);
    let idx = dir.0.join("idx");
    ingest(&archive, &idx, &[]);
    let n = clauses(&idx);
    let cursor = dir.0.join("cursor");
    let out = clausal()
        .args(["export", "--format", "ndjson", "--index"])
        .arg(&idx)
        .arg("--cursor-file")
        .arg(&cursor)
        .output()
        .unwrap();
    let text = ok(&out);
    let lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len() as u64, n + 1, "one line per clause and the commit line");
    let commit = lines.last().unwrap();
    let saved = std::fs::read_to_string(&cursor).unwrap();
    assert_eq!(commit["cursor"].as_str().unwrap(), saved.trim());
    assert!(String::from_utf8_lossy(&out.stderr).contains(saved.trim()));

    // The mapping says what the records hold.
    let mapping: serde_json::Value = serde_json::from_str(&ok(&clausal()
        .args(["export", "--format", "opensearch", "--mapping", "--index"])
        .arg(&idx)
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(mapping["index"]["mappings"]["properties"]["vector"]["dimension"], 384);
    assert!(mapping["search_pipeline"]["phase_results_processors"].is_array());
    let refused = clausal().args(["export", "--mapping", "--index"]).arg(&idx).output().unwrap();
    assert!(!refused.status.success());

    // Unchanged: empty; a removed file: its clauses deleted.
    let since = saved.trim().to_owned();
    let out = ok(&clausal()
        .args(["export", "--format", "opensearch", "--since", &since, "--index"])
        .arg(&idx)
        .output()
        .unwrap());
    assert!(out.is_empty(), "{out}");
    std::fs::remove_file(archive.join("tailspin-adventureworks-nda.md")).unwrap();
    ingest(&archive, &idx, &[]);
    let out = ok(&clausal()
        .args(["export", "--format", "opensearch", "--since", &since, "--index"])
        .arg(&idx)
        .output()
        .unwrap());
    assert!(
        !out.is_empty() && out.lines().all(|l| l.starts_with(r#"{"delete":{"_id":""#)),
        "{out}"
    );
    assert_eq!(out.lines().count() as u64, n - clauses(&idx));

    let bad =
        clausal().args(["export", "--since", "yesterday", "--index"]).arg(&idx).output().unwrap();
    assert!(String::from_utf8_lossy(&bad.stderr).contains("export cursor"));
}

#[test]
fn shards_split_the_archive() {
    let dir = TempDir::new("export-shard");
    let archive = dir.0.join("archive");
    copy_samples(&archive);
    let whole = dir.0.join("whole");
    ingest(&archive, &whole, &[]);
    let mut total = 0;
    for i in 1..=3 {
        let idx = dir.0.join(format!("s{i}"));
        let report = ingest(&archive, &idx, &["--shard", &format!("{i}/3")]);
        total += report["indexed"].as_u64().unwrap();
    }
    let files = std::fs::read_dir(&archive).unwrap().count() as u64;
    assert_eq!(total, files, "each file in exactly one shard");
    let bad = clausal()
        .arg("ingest")
        .arg(&archive)
        .args(["--shard", "4/3", "--index"])
        .arg(dir.0.join("x"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad.stderr).contains("1 <= I <= N"));
}

/// A stand-in for a Qdrant server: answers the calls `push` makes, fails the first `fail`
/// batch requests with 503, and records what it received.
struct FakeQdrant {
    url: String,
    log: Arc<Mutex<Vec<(String, String, String)>>>,
}

impl FakeQdrant {
    fn start(fail: usize) -> FakeQdrant {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut created = false;
            let mut failures = 0;
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut stream = stream;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    let mut parts = line.split_whitespace();
                    let method = parts.next().unwrap_or("").to_owned();
                    let path = parts.next().unwrap_or("").to_owned();
                    let mut length = 0;
                    loop {
                        let mut h = String::new();
                        reader.read_line(&mut h).unwrap();
                        if h == "\r\n" || h.is_empty() {
                            break;
                        }
                        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    let body = String::from_utf8(body).unwrap();
                    let (status, answer) = match (method.as_str(), path.as_str()) {
                        ("GET", "/collections/clausal") if created => (
                            200,
                            r#"{"result":{"config":{"params":{"vectors":{"size":384,"distance":"Cosine"}}}}}"#,
                        ),
                        ("GET", _) => (404, r#"{"status":{"error":"Not found"}}"#),
                        ("PUT", "/collections/clausal") => {
                            created = true;
                            (200, r#"{"result":true}"#)
                        }
                        ("PUT", _) => (200, r#"{"result":{"status":"acknowledged"}}"#),
                        ("POST", _) if failures < fail => {
                            failures += 1;
                            (503, r#"{"status":{"error":"overloaded"}}"#)
                        }
                        ("POST", _) => (200, r#"{"result":[{"status":"completed"}]}"#),
                        _ => (400, "{}"),
                    };
                    seen.lock().unwrap().push((method, path, body));
                    let reason = if status == 200 { "OK" } else { "Error" };
                    let reply = format!(
                        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    if stream.write_all(reply.as_bytes()).is_err() {
                        break;
                    }
                }
            }
        });
        FakeQdrant { url, log }
    }
}

#[test]
fn push_creates_the_collection_retries_and_continues() {
    let dir = TempDir::new("export-push");
    let archive = dir.0.join("archive");
    copy_samples(&archive);
    let idx = dir.0.join("idx");
    ingest(&archive, &idx, &[]);
    let n = clauses(&idx);
    let server = FakeQdrant::start(1);
    let cursor = dir.0.join("cursor");
    let push = |since: Option<&str>| {
        let mut cmd = clausal();
        cmd.args([
            "push",
            "--no-flags",
            "--batch",
            "10",
            "--qdrant",
            &server.url,
            "--json",
            "--index",
        ])
        .arg(&idx)
        .arg("--cursor-file")
        .arg(&cursor);
        if let Some(s) = since {
            cmd.args(["--since", s]);
        }
        cmd.output().unwrap()
    };
    let out = ok(&push(None));
    let report: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(report["created"], true);
    let log = server.log.lock().unwrap().clone();
    let posts: Vec<&(String, String, String)> =
        log.iter().filter(|(m, _, _)| m == "POST").collect();
    assert!(
        log.iter().any(|(m, p, b)| m == "PUT"
            && p == "/collections/clausal"
            && b.contains("\"size\":384"))
    );
    assert!(log.iter().any(|(m, p, _)| m == "PUT" && p.starts_with("/collections/clausal/index")));
    // The first batch was answered 503 and sent again.
    assert_eq!(posts[0].2, posts[1].2);
    let mut points = 0;
    for (_, path, body) in &posts[1..] {
        assert_eq!(path, "/collections/clausal/points/batch?wait=true");
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        for op in v["operations"].as_array().unwrap() {
            points += op["upsert"]["points"].as_array().unwrap().len() as u64;
        }
    }
    assert_eq!(points, n);
    assert_eq!(report["requests"].as_u64().unwrap(), n.div_ceil(10));

    // Nothing changed: nothing is sent.
    let since = std::fs::read_to_string(&cursor).unwrap();
    let before = server.log.lock().unwrap().len();
    ok(&push(Some(since.trim())));
    let after: Vec<_> = server.log.lock().unwrap()[before..].to_vec();
    assert!(after.iter().all(|(m, _, _)| m == "GET"), "{after:?}");

    // A server that keeps failing: the push fails and the cursor is not advanced.
    let down = FakeQdrant::start(usize::MAX);
    std::fs::remove_file(&cursor).unwrap();
    let out = clausal()
        .args(["push", "--no-flags", "--retries", "2", "--qdrant", &down.url, "--index"])
        .arg(&idx)
        .arg("--cursor-file")
        .arg(&cursor)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("gave up after 2 tries") && err.contains("503"), "{err}");
    assert!(!cursor.exists());
}
