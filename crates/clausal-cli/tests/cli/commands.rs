//! The `clausal` binary, run as a user would.

use std::io::Write;
use std::process::Stdio;

use clausal::Embedder;

use crate::util::{TempDir, clausal, cosine, embedder};

#[test]
fn embed_reads_lines_and_writes_json_lines() {
    let mut child = clausal()
        .arg("embed")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = "Governing law is New York.\r\n\nThe Supplier shall indemnify the Customer.\n";
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["text"], "Governing law is New York.");
    assert_eq!(lines[1]["text"], "");
    let v: Vec<f32> = serde_json::from_value(lines[2]["embedding"].clone()).unwrap();
    let expected = embedder().embed(&["The Supplier shall indemnify the Customer."]).unwrap();
    assert!(cosine(&v, &expected[0]) > 0.999_999);
}

#[test]
fn embed_reads_a_file_in_chunks() {
    let path = std::env::temp_dir().join(format!("clausal-cli-{}.txt", std::process::id()));
    std::fs::write(&path, "one\ntwo\nthree\n").unwrap();
    let out = clausal().args(["embed", "--chunk", "2"]).arg(&path).output().unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let texts: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(texts, ["one", "two", "three"]);
}

#[test]
fn errors_exit_with_2_and_a_message() {
    let out = clausal().args(["embed", "/nonexistent/input.txt"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot open /nonexistent/input.txt"), "{stderr}");

    let out =
        clausal().args(["embed", "--device", "cuda:0"]).stdin(Stdio::null()).output().unwrap();
    if cfg!(not(feature = "cuda")) {
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("`cuda` feature"), "{stderr}");
    }

    let out = clausal()
        .args(["embed", "--model", "/nonexistent/model"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn demo_runs() {
    let dir = TempDir::new("demo-report");
    let report = dir.0.join("report");
    let out = clausal().arg("demo").arg("--report").arg(&report).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("all-MiniLM-L6-v2 (384 dimensions"), "{stdout}");
    // The sample archive: two PDFs, a DOCX, a Markdown file and an email with a DOCX attachment.
    assert!(stdout.contains("ingested 5 files"), "{stdout}");
    assert!(stdout.contains("6 documents"), "{stdout}");
    // The hybrid search finds a force majeure clause first.
    let hybrid = stdout.split("Hybrid search").nth(1).unwrap();
    let first_hit = hybrid.lines().find(|l| l.trim_start().starts_with("1.")).unwrap();
    assert!(first_hit.contains("force_majeure"), "{stdout}");
    // Force majeure clauses without pandemic words: the supply and reseller agreements'.
    let lexical = stdout.split("BM25 with a kind filter").nth(1).unwrap();
    let lexical = lexical.split("A question in plain words").next().unwrap();
    assert!(lexical.contains("fabrikam-litware-supply.docx (agreement)"), "{stdout}");
    assert!(lexical.contains("tailspin-northwind-reseller.pdf (agreement)"), "{stdout}");
    assert!(!lexical.contains("northwind-contoso-msa.pdf"), "{stdout}");
    assert!(!lexical.contains("reseller-amendment-email.eml"), "{stdout}");
    // The demo sets a governing-law policy and says so.
    assert!(stdout.contains("allowed governing law New York, Delaware"), "{stdout}");
    // The flagship risk rule flags the supply agreement's clause; the reseller agreement's is
    // replaced by the amendment the email carries.
    let flags = stdout.split("Risk flags:").nth(1).unwrap();
    let flags = flags.split("Documents by risk score").next().unwrap();
    let lines: Vec<&str> = flags.lines().filter(|l| l.contains("clause ")).collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].contains("fabrikam-litware-supply.docx") && !lines[0].contains("not a flag"));
    assert!(
        lines[1].contains("tailspin-northwind-reseller.pdf")
            && lines[1].contains("not a flag: section 14 is replaced by")
            && lines[1].contains("reseller-amendment-email.eml#attachment-1"),
        "{stdout}"
    );
    // Every risk line names its own document; the email body is not judged.
    let risk = stdout.split("Documents by risk score").nth(1).unwrap();
    assert!(risk.contains("reseller-amendment-email.eml (correspondence): no flags"), "{stdout}");
    // The starter clause library: the supply agreement's force majeure clause (no epidemics)
    // is outdated against the 2018 version, and a clause that deviates names what differs.
    let library = stdout.split("The starter clause library against the archive").nth(1).unwrap();
    let outdated = library.lines().find(|l| l.trim_start().starts_with("outdated ")).unwrap();
    assert!(
        outdated.contains("Force Majeure") && outdated.contains("force-majeure v2018"),
        "{stdout}"
    );
    assert!(library.contains("lacks what v2021 added: epidemic"), "{stdout}");
    assert!(library.lines().any(|l| l.trim_start().starts_with("deviates ")), "{stdout}");
    // Deadlines of the next 12 months, as dates, and the report, saying where.
    let deadlines = stdout.split("Deadlines of the next 12 months").nth(1).unwrap();
    assert!(deadlines.contains(" notice-by "), "{stdout}");
    assert!(
        deadlines.contains("northwind-contoso-msa.pdf: effective 2024-03-01 + 3 years"),
        "{stdout}"
    );
    assert!(stdout.contains("Report: "), "{stdout}");
    assert!(report.join("index.html").is_file());
    assert!(
        risk.contains("reseller-amendment-email.eml#attachment-1 (amendment, amends ")
            && risk.contains("tailspin-northwind-reseller.pdf):"),
        "{stdout}"
    );
}

#[test]
fn flags_review_next_and_a_review_that_sticks() {
    let dir = TempDir::new("cli-flags");
    let idx = dir.0.join("idx");
    let out = clausal()
        .args(["demo", "--report"])
        .arg(dir.0.join("demo-report"))
        .arg("--index")
        .arg(&idx)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json_lines = |out: std::process::Output| -> Vec<serde_json::Value> {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let flags = |extra: &[&str]| {
        let out = clausal()
            .args(["flags", "--rule", "fm-no-pandemic", "--json", "--index"])
            .arg(&idx)
            .args(extra)
            .output()
            .unwrap();
        json_lines(out)
    };
    let before = flags(&[]);
    assert_eq!(before.len(), 1);
    let flag = &before[0];
    assert_eq!(flag["missing"][0]["concept"], "epidemic");
    let hash = flag["clause"]["text_hash"].as_str().unwrap().to_owned();

    let next = json_lines(
        clausal()
            .args(["review", "next", "--json", "--limit", "3", "--index"])
            .arg(&idx)
            .output()
            .unwrap(),
    );
    assert!(!next.is_empty() && next.len() <= 3);

    let out = clausal()
        .args(["review", "record", "--rule", "fm-no-pandemic", "--rule-version", "1"])
        .args(["--verdict", "dismiss", "--reviewer", "counsel", "--text-hash", &hash, "--index"])
        .arg(&idx)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(flags(&[]).is_empty(), "a dismissed flag stays dismissed");
    let all = flags(&["--all"]);
    assert_eq!(all[0]["review"]["status"], "decided");
    assert_eq!(all[0]["review"]["verdict"], "dismiss");

    // A malformed rule file: exit 2 with the line and column.
    let bad = dir.write("bad.toml", b"[[rule]]\nid = \"x\"\ntitle = 3\n");
    let out = clausal().args(["rules", "--rules"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.toml:3:9"), "{stderr}");
}

#[test]
fn extract_json_lines_and_per_file_errors() {
    let dir = TempDir::new("cli-extract");
    let good = dir.write("notice.txt", b"Notice of termination.\n\nEffective 1 May 2026.\n");
    let bad = dir.write("blob.bin", &[0u8, 1, 2, 3, 0, 0, 7]);
    let out = clausal().args(["extract", "--json"]).arg(&bad).arg(&good).output().unwrap();
    // One file failed: exit 1 (some documents failed), and the batch went on.
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["cause"], "unsupported");
    assert!(lines[0]["error"].as_str().unwrap().contains("blob.bin"));
    let doc = &lines[1];
    assert_eq!(doc["kind"], "text");
    assert_eq!(doc["text"], "Notice of termination.\n\nEffective 1 May 2026.");
    assert_eq!(doc["parent"], serde_json::Value::Null);
    assert_eq!(doc["id"].as_str().unwrap().len(), 16);
    assert!(doc["pages"].is_array() && doc["metadata"].is_object());
    assert!(doc["source"].as_str().unwrap().ends_with("notice.txt"));
}

#[test]
fn clauses_prints_numbered_clauses_with_spans() {
    let dir = TempDir::new("cli-clauses");
    let contract = "MASTER SERVICES AGREEMENT\n\n1. DEFINITIONS\n\n1.1 \"Affiliate\" means any entity \
                    controlling a party.\n\n2. FORCE MAJEURE\n\n2.1 Neither party is liable for \
                    delay caused by epidemic or pandemic.\n\n2.2 The affected party shall give \
                    notice within ten (10) days.\n";
    let path = dir.write("msa.txt", contract.as_bytes());
    let out = clausal().args(["clauses", "--json"]).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let clauses: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let numbers: Vec<&str> = clauses.iter().filter_map(|c| c["number"].as_str()).collect();
    assert_eq!(numbers, ["1.", "1.1", "2.", "2.1", "2.2"]);
    let fm = clauses.iter().find(|c| c["number"] == "2.1").unwrap();
    assert!(fm["text"].as_str().unwrap().contains("epidemic or pandemic"));
    let parent = clauses.iter().find(|c| c["number"] == "2.").unwrap();
    assert_eq!(fm["parent"], parent["ordinal"]);
    assert_eq!(parent["heading"], "FORCE MAJEURE");
    let span = fm["span"].clone();
    let (s, e) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
    assert_eq!(&contract[s..e], fm["text"].as_str().unwrap());
}

#[test]
fn threads_list_messages_with_attachments_and_filter_search() {
    let dir = TempDir::new("cli-threads");
    let mail = |id: &str, extra: &str, subject: &str, body: &str| {
        format!(
            "From: Ann <ann@example.com>\nTo: Bob <bob@example.com>\nSubject: {subject}\n\
             Date: Mon, 03 Jan 2022 09:00:00 +0000\nMessage-ID: <{id}>\n{extra}\n{body}\n"
        )
    };
    let files = dir.0.join("mail");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(
        files.join("a.eml"),
        mail("a@x", "", "Supply terms", "1. Price. The price is fixed for the quokka term."),
    )
    .unwrap();
    std::fs::write(
        files.join("b.eml"),
        mail("b@x", "In-Reply-To: <a@x>\n", "Re: Supply terms", "Agreed.\n\n> 1. Price."),
    )
    .unwrap();
    std::fs::write(files.join("c.eml"), mail("c@x", "", "Lunch", "The quokka cafe at noon."))
        .unwrap();
    let index = dir.0.join("idx");
    let out = clausal().arg("ingest").arg(&files).arg("--index").arg(&index).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = clausal().args(["threads", "--json", "--index"]).arg(&index).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let threads: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(threads.len(), 2);
    let supply = threads.iter().find(|t| t["subject"] == "Supply terms").unwrap();
    let messages = supply["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1]["parent"], messages[0]["doc"]);
    let id = supply["id"].as_str().unwrap();

    let out = clausal().args(["threads", "--index"]).arg(&index).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("2 threads"), "{text}");
    assert!(text.contains(id) && text.contains("b.eml"), "{text}");

    let search = |extra: &[&str]| {
        let out = clausal()
            .args(["search", "quokka", "--mode", "bm25", "--json", "--index"])
            .arg(&index)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().count()
    };
    assert_eq!(search(&[]), 2);
    assert_eq!(search(&["--thread", id]), 1);
    let out = clausal()
        .args(["search", "quokka", "--index"])
        .arg(&index)
        .args(["--thread", "not-hex"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
