//! `clausal deadlines`, `documents`, and the CSV outputs of `flags` and `risk`: the sample
//! archive's key dates as JSON with source spans, CSV that Python's csv module round-trips, an
//! ICS calendar that Python's icalendar parser accepts, and clear errors for bad input.

use std::path::Path;
use std::process::{Command, Output};

use crate::util::{TempDir, clausal};

const AS_OF: &str = "2026-12-07";

fn run(args: &[&str], idx: &Path) -> Output {
    clausal().args(args).arg("--index").arg(idx).output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Runs the format checker (tests/formats/check_formats.py) when Python and, for calendars,
/// its `icalendar` package are there; says so and returns false when they are not.
#[allow(clippy::print_stderr)]
fn python_check(args: &[&str]) -> bool {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/formats/check_formats.py");
    let Ok(out) = Command::new("python3").arg(script).args(args).output() else {
        eprintln!("skipped the Python format check: python3 not found");
        return false;
    };
    if out.status.code() == Some(2) {
        eprintln!("skipped the ICS check: {}", String::from_utf8_lossy(&out.stderr).trim());
        return false;
    }
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

#[test]
fn deadlines_documents_and_csv_on_the_sample_archive() {
    let dir = TempDir::new("deadlines");
    let idx = dir.0.join("idx");
    ok(&clausal()
        .args(["demo", "--report"])
        .arg(dir.0.join("demo-report"))
        .arg("--index")
        .arg(&idx)
        .output()
        .unwrap());

    // JSON: every deadline names its source spans, each with its clause and words.
    let json = ok(&run(&["deadlines", "--json", "--as-of", AS_OF, "--all"], &idx));
    let deadlines: Vec<serde_json::Value> =
        json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let notice: Vec<&serde_json::Value> =
        deadlines.iter().filter(|d| d["kind"] == "notice-by" && d["date"].is_string()).collect();
    assert!(!notice.is_empty(), "{json}");
    for d in &deadlines {
        if d["status"] == "computed" || d["status"] == "stated" {
            let sources = d["sources"].as_array().unwrap();
            assert!(!sources.is_empty(), "{d}");
            for s in sources {
                assert!(s["clause"].is_string() && !s["text"].as_str().unwrap().is_empty(), "{s}");
            }
        }
    }
    // The span words are in the clause `clausal clauses` shows for the document.
    let n = &notice[0];
    assert!(n["basis"].as_str().unwrap().contains("notice"), "{n}");

    // A window: only dated deadlines within it, in date order.
    let within = ok(&run(&["deadlines", "--json", "--as-of", AS_OF, "--within", "1y"], &idx));
    let dates: Vec<String> = within
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["date"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(!dates.is_empty());
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert!(dates.iter().all(|d| d.as_str() >= AS_OF && d.as_str() <= "2027-12-07"));

    // CSV and ICS that standard parsers accept.
    let csv_path = dir.write(
        "deadlines.csv",
        ok(&run(&["deadlines", "--csv", "--as-of", AS_OF, "--all"], &idx)).as_bytes(),
    );
    let ics = dir.0.join("deadlines.ics");
    ok(&run(&["deadlines", "--as-of", AS_OF, "--ics", ics.to_str().unwrap()], &idx));
    let text = std::fs::read_to_string(&ics).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR") && text.contains("BEGIN:VALARM"));
    assert!(text.contains("TRIGGER;RELATED=START:-P"), "a reminder before each event");
    // Stable UIDs: the same export twice gives the same UIDs.
    let ics2 = dir.0.join("again.ics");
    ok(&run(&["deadlines", "--as-of", AS_OF, "--ics", ics2.to_str().unwrap()], &idx));
    let uids = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("UID:") && l.contains("@clausal"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(uids(&text), uids(&std::fs::read_to_string(&ics2).unwrap()));
    assert!(!uids(&text).is_empty());

    let register = dir.write(
        "documents.csv",
        ok(&run(&["documents", "--csv", "--as-of", AS_OF], &idx)).as_bytes(),
    );
    let register_text = std::fs::read_to_string(&register).unwrap();
    assert!(register_text.starts_with("doc_id,source,title,format,role,parties,governing_law,effective,expiry,next_renewal,notice_by,risk_score,open_flags"));
    assert_eq!(register_text.lines().count(), 7, "a header and six documents: {register_text}");
    let flags =
        dir.write("flags.csv", ok(&run(&["flags", "--csv", "--as-of", AS_OF], &idx)).as_bytes());
    let risk =
        dir.write("risk.csv", ok(&run(&["risk", "--csv", "--as-of", AS_OF], &idx)).as_bytes());
    python_check(&[
        "--csv",
        csv_path.to_str().unwrap(),
        register.to_str().unwrap(),
        flags.to_str().unwrap(),
        risk.to_str().unwrap(),
    ]);
    python_check(&["--ics", ics.to_str().unwrap()]);

    // The register in text: key dates as dates.
    let text = ok(&run(&["documents", "--as-of", AS_OF, "--no-risk"], &idx));
    assert!(text.contains("notice-by 20"), "{text}");

    // Bad input: exit 2 with a message, never a panic.
    for (args, message) in [
        (vec!["deadlines", "--within", "soon"], "not a window"),
        (vec!["deadlines", "--within", "999y"], "longer than 100 years"),
        (vec!["deadlines", "--as-of", "2021-02-31"], "not a calendar date"),
        (vec!["deadlines", "--kind", "someday"], "unknown date kind"),
        (vec!["documents", "--as-of", "tomorrow", "--no-risk"], "not a calendar date"),
    ] {
        let out = run(&args, &idx);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let out = clausal().args(["deadlines", "--index"]).arg(dir.0.join("missing")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // An index whose documents have no dates: a clear line, not an error.
    let empty = dir.0.join("empty");
    let notes = dir.write("notes.txt", b"Notes from the call.\n");
    ok(&clausal().arg("ingest").arg(&notes).arg("--index").arg(&empty).output().unwrap());
    let text = ok(&run(&["deadlines", "--as-of", AS_OF], &empty));
    assert!(text.contains("no deadlines as of 2026-12-07 (0 of 1 documents"), "{text}");
}
