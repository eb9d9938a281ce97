//! `clausal review ...`.

use clausal::{Entry, EntryHash, ReviewStore, TextHash, Verdict};

use crate::util::clausal;

#[test]
fn cli_record_verify_export_stats() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("idx");
    let run = |args: &[&str]| {
        clausal()
            .arg("review")
            .args(args)
            .args([std::ffi::OsStr::new("--index"), index.as_os_str()])
            .output()
            .unwrap()
    };
    // Reading commands do not create a store, and a decision needs an index that exists.
    let hash = TextHash::of("Liability is unlimited.").to_string();
    let record = |verdict: &str, extra: &[&str]| {
        let mut args = vec!["record", "--rule", "cap", "--rule-version", "1", "--verdict", verdict];
        args.extend(["--reviewer", "ann", "--text-hash", &hash, "--force"]);
        args.extend(extra);
        run(&args)
    };
    for out in [run(&["verify"]), record("dismiss", &[])] {
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("there is no index at") && err.contains("clausal ingest"), "{err}");
    }
    assert!(!index.exists());
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("a.txt"), "1. Liability. Liability is unlimited.\n").unwrap();
    let out = clausal()
        .arg("ingest")
        .arg(&docs)
        .arg("--index")
        .arg(&index)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["verify"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no review decisions yet"), "{err}");
    assert!(!err.contains("i/o error"), "{err}");

    // A rule no pack defines, or a version the pack does not have, is refused without --force;
    // `v1` and `1` are one version.
    let strict = |rule: &str, version: &str| {
        run(&[
            "record",
            "--rule",
            rule,
            "--rule-version",
            version,
            "--verdict",
            "confirm",
            "--reviewer",
            "ann",
            "--text-hash",
            &hash,
        ])
    };
    let out = strict("fm-no-pandemc", "1");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rule \"fm-no-pandemc\""));
    let out = strict("fm-no-pandemic", "99");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--rule-version 1"));
    let out = strict("fm-no-pandemic", "v1");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let store = ReviewStore::open_existing(index.join("review.sqlite")).unwrap();
    assert_eq!(store.head().unwrap().unwrap().decision.rule_version, "1");
    drop(store);
    // A store that is gone while its anchor remembers decisions is not silently replaced.
    std::fs::remove_file(index.join("review.sqlite")).unwrap();
    for out in [run(&["verify"]), record("dismiss", &[])] {
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is missing, but") && err.contains("restore"), "{err}");
    }
    std::fs::remove_file(index.join("review.head")).unwrap();
    let out = record("dismiss", &["--comment", "capped in 9.2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("recorded entry 1, hash "));
    let out = record("confirm", &["--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let second: Entry = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((second.seq, second.decision.verdict), (2, Verdict::Confirm));
    let out = run(&[
        "record",
        "--rule",
        "fm",
        "--rule-version",
        "1",
        "--verdict",
        "needs-change",
        "--reviewer",
        "bo",
        "--text",
        "Force majeure:\n acts of God.",
        "--force",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = record("maybe", &[]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[
        "record",
        "--rule",
        "r",
        "--rule-version",
        "1",
        "--verdict",
        "confirm",
        "--reviewer",
        "bo",
        "--text-hash",
        "abc",
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(2));

    let out = run(&["verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let store = ReviewStore::open_existing(index.join("review.sqlite")).unwrap();
    let head = store.head().unwrap().unwrap();
    assert_eq!(head.decision.text_hash, TextHash::of("Force majeure: acts of God."));
    assert!(stdout.contains("3 entries") && stdout.contains(&head.hash.to_string()), "{stdout}");
    let out = run(&["verify", "--head", &second.hash.to_string()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["verify", "--head", &EntryHash([1; 32]).to_string()]);
    assert_eq!(out.status.code(), Some(2));

    let out = run(&["export"]);
    assert!(out.status.success());
    let lines: Vec<Entry> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, store.history().map(Result::unwrap).collect::<Vec<_>>());
    let file = dir.path().join("export.jsonl");
    let out = run(&["export", "-o", file.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 3);

    let out = run(&["stats", "--json"]);
    assert!(out.status.success());
    let stats: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(stats.len(), 2);
    assert_eq!(stats[0]["rule_id"], "cap");
    assert_eq!(
        (stats[0]["confirmed"].as_u64(), stats[0]["dismissed"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(stats[0]["precision"], 1.0);
    assert_eq!(stats[1]["precision"], serde_json::Value::Null);
    let out = run(&["stats"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("cap") && text.contains("1.000"), "{text}");
}
