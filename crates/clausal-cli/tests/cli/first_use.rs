//! Bad input and first use: what a new user types, and what they are told.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::{TempDir, clausal};

fn samples() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/archive"))
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn search(idx: &Path, args: &[&str]) -> Output {
    clausal().arg("search").arg("--index").arg(idx).args(args).output().unwrap()
}

#[test]
fn queries_users_type() {
    let dir = TempDir::new("first-use-search");
    let idx = dir.0.join("idx");
    let out = clausal()
        .arg("ingest")
        .arg(samples())
        .arg("--index")
        .arg(&idx)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);

    // A limit no index can hold is clamped, not a panic.
    let out = search(&idx, &["force majeure", "-n", "18446744073709551615", "--json"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(text(&out).0.lines().count() > 10);

    // An empty query is refused, in every mode.
    for mode in ["hybrid", "bm25", "vector"] {
        let out = search(&idx, &["  ", "--mode", mode]);
        assert_eq!(out.status.code(), Some(2), "{mode}");
        assert!(text(&out).1.contains("the query is empty"), "{mode}: {}", text(&out).1);
    }

    // Hybrid: a query that is not query syntax is searched as words, with a note.
    for q in ["Licensee's rights", "Section 12: Termination"] {
        let out = search(&idx, &[q, "--json"]);
        assert!(out.status.success(), "{q}: {}", text(&out).1);
        let (stdout, stderr) = text(&out);
        assert!(stdout.lines().count() > 0, "{q}");
        assert!(stderr.contains("searched as plain text"), "{q}: {stderr}");
        let out = search(&idx, &[q, "--plain", "--json"]);
        assert!(out.status.success() && text(&out).1.is_empty(), "{q}: {}", text(&out).1);
    }
    // BM25: refused, with the way out.
    let out = search(&idx, &["Section 12: Termination", "--mode", "bm25"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("add --plain"), "{}", text(&out).1);

    // No hits is not an error.
    let out = search(&idx, &["xylophonic", "--mode", "bm25"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).0.is_empty(), "not a terminal: nothing printed");

    // Control characters from the user are escaped in messages.
    let out = search(&idx, &["bad \u{1b}[31mred (", "--mode", "bm25"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out).1;
    assert!(!stderr.contains('\u{1b}') && stderr.contains(r"\u{1b}[31mred"), "{stderr:?}");
}

#[test]
fn messages_name_what_is_wrong_once() {
    let dir = TempDir::new("first-use-messages");
    let missing = dir.0.join("typo-dir");
    for cmd in [&["search", "governing law"][..], &["stats"], &["flags"], &["verify"]] {
        let out = clausal().args(cmd).arg("--index").arg(&missing).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        let stderr = text(&out).1;
        assert!(
            stderr.contains("there is no index at") && !stderr.contains("damaged"),
            "{cmd:?}: {stderr}"
        );
    }
    assert!(!missing.exists(), "reading commands create nothing");
    // A folder that is not an index.
    std::fs::create_dir_all(dir.0.join("empty")).unwrap();
    let out = clausal().args(["stats", "--index"]).arg(dir.0.join("empty")).output().unwrap();
    let stderr = text(&out).1;
    assert!(stderr.contains("not a clausal index"), "{stderr}");
    // Each cause once.
    let err = "error: ";
    let body = stderr.trim().strip_prefix(err).unwrap_or(&stderr);
    let parts: Vec<&str> = body.split(": ").collect();
    for w in parts.windows(2) {
        assert_ne!(w[0], w[1], "{stderr}");
    }
}

#[test]
fn flags_and_risk_default_to_the_index_of_ingest() {
    let dir = TempDir::new("first-use-default");
    let out =
        clausal().current_dir(&dir.0).arg("ingest").arg(samples()).arg("--json").output().unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(dir.0.join("clausal-index/manifest.json").is_file());
    for cmd in [&["flags", "--rule", "fm-no-pandemic"][..], &["risk"]] {
        let out = clausal().current_dir(&dir.0).args(cmd).output().unwrap();
        assert!(out.status.success(), "{cmd:?}: {}", text(&out).1);
        assert!(!text(&out).0.is_empty(), "{cmd:?}");
    }

    // `review next` prints, for each item, the command that records a decision on it; run as
    // printed (with a verdict and a reviewer), it is accepted.
    let out =
        clausal().current_dir(&dir.0).args(["review", "next", "--limit", "2"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let stdout = text(&out).0;
    let line = stdout.lines().find(|l| l.trim_start().starts_with("record: ")).expect(&stdout);
    let command = line.trim_start().strip_prefix("record: clausal ").unwrap();
    let command = command.replace("confirm|dismiss|needs-change", "dismiss").replace("NAME", "kim");
    let args: Vec<&str> = command.split_whitespace().collect();
    let out = clausal().current_dir(&dir.0).args(&args).output().unwrap();
    assert!(out.status.success(), "{command}: {}", text(&out).1);
}

#[test]
fn commit_every_means_files() {
    let dir = TempDir::new("first-use-commit-every");
    let docs = dir.0.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for i in 0..9 {
        std::fs::write(
            docs.join(format!("n{i}.txt")),
            format!("1. Notice {i}. Notices are in writing.\n"),
        )
        .unwrap();
    }
    let out = clausal()
        .arg("ingest")
        .arg(&docs)
        .arg("--index")
        .arg(dir.0.join("idx"))
        .args(["--commit-every", "2", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let commits: Vec<serde_json::Value> = text(&out)
        .0
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["event"] == "commit")
        .collect();
    assert_eq!(commits.len(), 5, "9 files, a commit every 2");
    assert!(commits.iter().all(|c| c["files"].as_array().unwrap().len() <= 2));
}

#[test]
fn demo_commands_run_as_printed() {
    let dir = TempDir::new("first-use-demo");
    let idx = dir.0.join("kept");
    let out = clausal().arg("demo").arg("--index").arg(&idx).output().unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let stdout = text(&out).0;
    let printed: Vec<&str> = stdout
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("clausal flags") || l.starts_with("clausal risk"))
        .collect();
    assert_eq!(printed.len(), 2, "{stdout}");
    for line in printed {
        let args: Vec<&str> = line.strip_prefix("clausal ").unwrap().split_whitespace().collect();
        let out = clausal().args(&args).output().unwrap();
        assert!(out.status.success(), "{line}: {}", text(&out).1);
    }
}
