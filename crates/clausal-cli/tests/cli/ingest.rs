//! `clausal ingest`, killed: crash safety of the index as a user's process sees it.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use clausal::Index;

use crate::util::{TempDir, clausal};

/// A small contract in plain text whose services clause carries `tag`, so that each version of
/// a file has text of its own.
fn contract(name: &str, tag: &str, epidemic: bool) -> String {
    let excuse = if epidemic { "fire, flood or epidemic" } else { "fire, flood or war" };
    format!(
        "SERVICES AGREEMENT ({name})\n\n\
         1. Services. The Supplier shall provide the {tag} services described in each order.\n\n\
         2. Payment. Invoices for the {tag} services are payable within thirty (30) days.\n\n\
         3. Force Majeure. Neither party is liable for delay caused by {excuse}.\n\n\
         4. Governing Law. This Agreement is governed by the laws of England.\n"
    )
}

#[test]
fn kill_9_at_50_random_moments_loses_no_commit() {
    let dir = TempDir::new("index-crash");
    let docs = dir.0.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let n_files = 24;
    let write_version = |i: usize, version: u64| {
        let text = contract(&format!("C{i}"), &format!("tag{i}v{version}"), i.is_multiple_of(2));
        std::fs::write(docs.join(format!("c{i:02}.txt")), text).unwrap();
    };
    for i in 0..n_files {
        write_version(i, 0);
    }
    let idx = dir.0.join("idx");
    let ingest_command = || {
        let mut c = clausal();
        c.args(["ingest", "--json", "--commit-every", "1", "--index"]).arg(&idx).arg(&docs);
        c
    };
    // One uninterrupted run tells how long a run takes on this machine; kills land anywhere in
    // that span, from process start to the last commit.
    let start = Instant::now();
    let out = ingest_command().output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let full_run = start.elapsed();

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut acknowledged: HashSet<String> = HashSet::new();
    let mut kills = 0;
    let mut acked_while_killed = 0;
    let mut round = 0u64;
    while kills < 50 {
        round += 1;
        assert!(round < 200, "only {kills} of 200 runs could be interrupted");
        // Change files so that every run has work to be interrupted in.
        for _ in 0..12 {
            write_version((rng.next() % n_files as u64) as usize, round);
        }
        let mut child =
            ingest_command().stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut acked = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else { break };
                if v["event"] == "commit" {
                    for f in v["files"].as_array().unwrap() {
                        acked.push(f.as_str().unwrap().to_owned());
                    }
                }
            }
            acked
        });
        let delay = full_run.mul_f64((rng.next() % 1000) as f64 / 1000.0);
        let start = Instant::now();
        while start.elapsed() < delay && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(2));
        }
        let killed = child.try_wait().unwrap().is_none();
        if killed {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        let acked = reader.join().unwrap();
        if killed {
            acked_while_killed += acked.len();
        }
        acknowledged.extend(acked);

        let index = Index::open_in_dir(&idx).unwrap();
        let v = index.verify().unwrap_or_else(|e| panic!("round {round}: {e}"));
        let by_path = documents_by_path(&index);
        for path in &acknowledged {
            assert_eq!(by_path.get(path), Some(&1), "round {round}: {path} present once");
        }
        assert!(by_path.values().all(|&n| n == 1), "round {round}: no duplicates");
        assert_eq!(v.documents as usize, by_path.len());
    }
    assert!(acked_while_killed > 0, "some killed runs had committed files before the kill");

    // A resumed ingest completes the archive: every file, once, at its latest version.
    let out =
        clausal().args(["ingest", "--json", "--index"]).arg(&idx).arg(&docs).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let index = Index::open_in_dir(&idx).unwrap();
    index.verify().unwrap();
    let by_path = documents_by_path(&index);
    assert_eq!(by_path.len(), n_files);
    assert!(by_path.values().all(|&n| n == 1));
    let searcher = index.reader().unwrap().searcher();
    for d in searcher.documents().unwrap() {
        let on_disk = std::fs::read_to_string(&d.path).unwrap();
        let clauses = searcher.clauses_of(d.id).unwrap();
        let services = clauses.iter().find(|c| c.text.contains("services described")).unwrap();
        assert!(on_disk.contains(&services.text), "{} is at its latest version", d.path);
    }
}

/// A deterministic pseudo-random sequence (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Every path's documents, as (path -> number of document records).
fn documents_by_path(index: &Index) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for d in index.reader().unwrap().searcher().documents().unwrap() {
        *out.entry(d.path).or_default() += 1;
    }
    out
}
