//! `clausal library ...` and `clausal deviations` on the sample archive: the starter library
//! imported, an entry superseded, exported and re-imported, bad files refused whole with the
//! place named, and deviations as JSON with spans and diffs.

use std::path::Path;
use std::process::Output;

use crate::util::{TempDir, clausal};

fn run(args: &[&str], idx: &Path) -> Output {
    clausal().args(args).arg("--index").arg(idx).output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn fails(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr.clone()).unwrap()
}

const ENTRY: &str = r#"
[[entry]]
id = "notices"
kind = "notices"
title = "Notices"

[[entry.version]]
version = "1"
text = "Notices must be in writing and are given when delivered to the address of the other party."
"#;

#[test]
fn library_commands_keep_a_verified_history() {
    let dir = TempDir::new("library");
    let idx = dir.0.join("idx");
    let err = fails(&run(&["library", "list"], &idx));
    assert!(err.contains("has no clause library"), "{err}");
    let out = ok(&run(&["library", "import", "--starter", "--author", "kim"], &idx));
    assert!(out.contains("add force-majeure"), "{out}");
    assert!(
        ok(&run(&["library", "import", "--starter", "--author", "kim"], &idx))
            .contains("no changes")
    );
    let list = ok(&run(&["library", "list", "--kind", "force_majeure"], &idx));
    assert!(list.contains("force-majeure") && list.contains("v2021"), "{list}");

    // A bad file is refused whole, naming the file and the line.
    let bad = dir.0.join("bad.toml");
    std::fs::write(&bad, format!("{ENTRY}{ENTRY}")).unwrap();
    let err =
        fails(&run(&["library", "add", "--author", "kim", "--file", bad.to_str().unwrap()], &idx));
    assert!(err.contains("bad.toml:11:") && err.contains("declared twice"), "{err}");
    let unknown = dir.0.join("unknown.toml");
    std::fs::write(&unknown, ENTRY.replace("kind = \"notices\"", "kind = \"notice\"")).unwrap();
    let err = fails(&run(
        &["library", "add", "--author", "kim", "--file", unknown.to_str().unwrap()],
        &idx,
    ));
    assert!(err.contains("unknown.toml:4:"), "{err}");
    let entries = ok(&run(&["library", "list", "--json"], &idx)).lines().count();

    let good = dir.0.join("notices.toml");
    std::fs::write(&good, ENTRY).unwrap();
    ok(&run(&["library", "add", "--author", "kim", "--file", good.to_str().unwrap()], &idx));
    let out = ok(&run(
        &[
            "library",
            "supersede",
            "notices",
            "--version",
            "2",
            "--author",
            "lee",
            "--text",
            "Notices must be in writing and are given when received by email.",
            "--effective-from",
            "2026-01-01",
            "--json",
        ],
        &idx,
    ));
    let change: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(change["action"], "supersede");
    assert_eq!(change["entry"]["versions"][0]["status"], "superseded");
    let shown = ok(&run(&["library", "show", "notices", "--json"], &idx));
    let shown: serde_json::Value = serde_json::from_str(shown.trim()).unwrap();
    assert_eq!(shown["history"].as_array().unwrap().len(), 2);
    assert_eq!(ok(&run(&["library", "list", "--json"], &idx)).lines().count(), entries + 1);

    // Export, remove, re-import from the folder: the same entry comes back.
    let folder = dir.0.join("playbook");
    ok(&run(&["library", "export", "--to", folder.to_str().unwrap()], &idx));
    assert!(folder.join("notices.toml").is_file());
    ok(&run(&["library", "remove", "notices", "--author", "kim", "--comment", "test"], &idx));
    assert!(fails(&run(&["library", "show", "notices"], &idx)).contains("removed"));
    let out = ok(&run(
        &["library", "import", "--from", folder.to_str().unwrap(), "--author", "kim"],
        &idx,
    ));
    assert_eq!(out.lines().filter(|l| l.starts_with("add ")).count(), 1, "{out}");
    // Markdown too: exported, re-imported unchanged (no changes recorded).
    let md = dir.0.join("playbook-md");
    ok(&run(&["library", "export", "--markdown", "--to", md.to_str().unwrap()], &idx));
    assert!(md.join("force-majeure.md").is_file());
    let again =
        ok(&run(&["library", "import", "--from", md.to_str().unwrap(), "--author", "kim"], &idx));
    assert!(again.contains("no changes"), "{again}");
    let verified = ok(&run(&["library", "verify"], &idx));
    assert!(verified.starts_with("ok: "), "{verified}");
}

#[test]
fn deviations_name_status_spans_and_diff() {
    let dir = TempDir::new("deviations");
    let idx = dir.0.join("idx");
    ok(&clausal()
        .args(["demo", "--report"])
        .arg(dir.0.join("r"))
        .arg("--index")
        .arg(&idx)
        .output()
        .unwrap());
    ok(&run(&["library", "import", "--starter", "--author", "kim"], &idx));
    let json = ok(&run(&["deviations", "--json"], &idx));
    let rows: Vec<serde_json::Value> =
        json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!rows.is_empty());
    for r in &rows {
        for field in [
            "source",
            "clause",
            "span",
            "kind",
            "status",
            "nearest",
            "similarity",
            "missing_concepts",
            "diff",
        ] {
            assert!(r.get(field).is_some(), "{field} in {r}");
        }
    }
    // The reseller agreement's force majeure clause names no epidemic: outdated, nearest the
    // superseded 2018 version, and the concept the 2021 version added is missing.
    let outdated = rows
        .iter()
        .find(|r| r["status"] == "outdated")
        .unwrap_or_else(|| panic!("an outdated clause in {json}"));
    assert_eq!(outdated["kind"], "force_majeure");
    assert_eq!(outdated["nearest"]["version"], "2018");
    assert!(outdated["missing_concepts"].as_array().unwrap().iter().any(|c| c == "epidemic"));
    assert!(rows.iter().any(|r| r["status"] == "deviates"));
    let only = ok(&run(&["deviations", "--json", "--status", "outdated"], &idx));
    assert!(only.lines().all(|l| l.contains("\"status\":\"outdated\"")));
    let csv = ok(&run(&["deviations", "--csv", "--kind", "force_majeure"], &idx));
    assert!(csv.starts_with("source,clause,span_start"), "{csv}");
    assert!(fails(&run(&["deviations", "--status", "old"], &idx)).contains("unknown status"));
    // With a library, the deviation rules flag: the outdated force majeure clause among them.
    let flags = ok(&run(&["flags", "--json", "--rule", "outdated-clause"], &idx));
    let flags: Vec<serde_json::Value> =
        flags.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!flags.is_empty(), "no outdated-clause flag");
    let f = &flags[0];
    assert!(f["missing"].as_array().unwrap().iter().any(|m| m["concept"] == "epidemic"), "{f}");
    assert!(
        f["facts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x.as_str().unwrap().starts_with("outdated: ")),
        "{f}"
    );
}
