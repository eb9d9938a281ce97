//! Measures the report at scale: writes N synthetic contracts (10,000 by default), ingests them
//! into a fresh index with a word-hashing embedder (no model needed: the report does not embed),
//! ranks them with the built-in rule pack, writes the report and prints its size and its
//! largest file.
//!
//! ```text
//! cargo run --release -p clausal-report --example scale -- 10000 [--keep DIR]
//! cargo run --release -p clausal-report --example scale -- --files ../shared/data/cuad/txt
//! ```
//!
//! With `--files DIR` it ingests the files of a folder instead (the CUAD contracts, say): the
//! report's size then is that of a real archive's, with flags from the hashing embedder (the
//! semantic tests differ from the real model's; the lexical ones do not).

#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use clausal::risk::{RiskEngine, RiskQuery, RulePack};
use clausal::{Embedder, Index, IngestOptions, ModelIdentity};
use clausal_report::{ReportOptions, write_report};

/// Deterministic word-hashing vectors.
struct Hashing;

impl Embedder for Hashing {
    fn dim(&self) -> usize {
        64
    }

    fn model_id(&self) -> &str {
        "scale-hashing"
    }

    fn embed(&self, texts: &[&str]) -> clausal::Result<Vec<Vec<f32>>> {
        Ok(texts
            .iter()
            .map(|t| {
                let mut v = [0.0f32; 64];
                for w in t.split_whitespace() {
                    let h =
                        w.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
                    v[(h % 64) as usize] += 1.0;
                }
                v[0] += 0.5;
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                v.iter().map(|x| x / n).collect()
            })
            .collect())
    }
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const COMPANIES: &[&str] = &[
    "Northwind Traders",
    "Contoso",
    "Fabrikam",
    "Litware",
    "Tailspin Toys",
    "Adventure Works",
    "Wide World Importers",
    "Woodgrove Bank",
    "Proseware",
    "Lucerne Publishing",
    "Margie's Travel",
    "Coho Winery",
    "Alpine Ski House",
    "Blue Yonder Airlines",
    "Fourth Coffee",
    "Graphic Design Institute",
];
const SUFFIXES: &[&str] = &["Inc.", "Ltd.", "LLC", "plc", "GmbH", "Corp."];
const LAWS: &[&str] = &[
    "the State of New York",
    "the State of Delaware",
    "England and Wales",
    "the State of California",
    "the Province of Ontario",
    "the State of Texas",
    "Germany",
];
const KINDS: &[&str] = &[
    "MASTER SERVICES AGREEMENT",
    "SUPPLY AGREEMENT",
    "RESELLER AGREEMENT",
    "LICENSE AGREEMENT",
    "DISTRIBUTION AGREEMENT",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const NUMBERS: &[&str] = &["one (1)", "two (2)", "three (3)", "five (5)"];

fn contract(i: usize, rng: &mut Rng) -> String {
    let a = format!("{} {}", rng.pick(COMPANIES), rng.pick(SUFFIXES));
    let b = format!("{} {}", rng.pick(COMPANIES), rng.pick(SUFFIXES));
    let title = rng.pick(KINDS);
    let date = format!("{} {}, {}", rng.pick(MONTHS), 1 + rng.below(28), 2019 + rng.below(6));
    let mut s = format!(
        "{title} No. {i}\n\nThis {} is made as of {date} between {a} (\"Customer\") and {b} (\"Supplier\").\n\n",
        title.to_lowercase()
    );
    let mut n = 0;
    let mut clause = |s: &mut String, text: String| {
        n += 1;
        s.push_str(&format!("{n}. {text}\n\n"));
    };
    clause(&mut s, "Services. Supplier shall provide the services described in each Statement of Work in accordance with the service levels in Schedule 1.".into());
    clause(
        &mut s,
        format!(
            "Term. The initial term of this Agreement shall commence on the Effective Date and continue for {} years. This Agreement shall automatically renew for successive terms of one (1) year unless either party gives notice of non-renewal at least {} days prior to the end of the then-current term.",
            rng.pick(NUMBERS),
            rng.pick(&["thirty (30)", "sixty (60)", "ninety (90)"])
        ),
    );
    clause(
        &mut s,
        format!(
            "Fees. Customer shall pay each invoice within {} days of receipt.",
            rng.pick(&["thirty (30)", "forty-five (45)", "sixty (60)"])
        ),
    );
    if rng.below(3) > 0 {
        clause(&mut s, "Confidentiality. Each party shall hold the other party's Confidential Information in strict confidence and use it only to perform this Agreement.".into());
    }
    if rng.below(2) == 0 {
        clause(&mut s, "Limitation of Liability. Neither party's aggregate liability under this Agreement shall exceed the fees paid in the twelve (12) months preceding the claim.".into());
    }
    let pandemic =
        if rng.below(2) == 0 { ", epidemic, pandemic or public health emergency" } else { "" };
    clause(
        &mut s,
        format!(
            "Force Majeure. Neither party shall be liable for any failure or delay caused by events beyond its reasonable control, including fire, flood, earthquake, war, terrorism{pandemic}."
        ),
    );
    if rng.below(2) == 0 {
        clause(&mut s, "Assignment. Neither party may assign this Agreement without the prior written consent of the other party, including on a change of control.".into());
    }
    if rng.below(4) == 0 {
        clause(&mut s, "Non-Solicitation. For twelve (12) months neither party shall solicit for employment any employee of the other party.".into());
    }
    if rng.below(5) == 0 {
        clause(&mut s, "Termination for Convenience. Customer may terminate this Agreement at any time for convenience on thirty (30) days' written notice.".into());
    }
    clause(
        &mut s,
        format!("Governing Law. This Agreement is governed by the laws of {}.", rng.pick(LAWS)),
    );
    clause(&mut s, "Notices. Notices must be in writing and delivered by courier or email to the addresses set out above.".into());
    s
}

fn folder_size(dir: &Path) -> (u64, usize, PathBuf, u64) {
    let (mut bytes, mut files, mut largest) = (0, 0, (PathBuf::new(), 0));
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            let (b, f, lp, lb) = folder_size(&p);
            bytes += b;
            files += f;
            if lb > largest.1 {
                largest = (lp, lb);
            }
        } else {
            let len = e.metadata().unwrap().len();
            bytes += len;
            files += 1;
            if len > largest.1 {
                largest = (p, len);
            }
        }
    }
    (bytes, files, largest.0, largest.1)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = match args.first() {
        Some(a) if !a.starts_with("--") => a.parse()?,
        _ => 10_000,
    };
    let keep =
        args.iter().position(|a| a == "--keep").and_then(|i| args.get(i + 1)).map(PathBuf::from);
    let given =
        args.iter().position(|a| a == "--files").and_then(|i| args.get(i + 1)).map(PathBuf::from);
    let tmp = tempfile::tempdir()?;
    let root = keep.unwrap_or_else(|| tmp.path().to_owned());
    let files = match given {
        Some(dir) => dir,
        None => {
            let files = root.join("contracts");
            std::fs::create_dir_all(&files)?;
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
            for i in 0..n {
                std::fs::write(files.join(format!("contract-{i:05}.txt")), contract(i, &mut rng))?;
            }
            files
        }
    };
    let t = Instant::now();
    let index_dir = root.join("index");
    let index = Index::open_or_create(&index_dir, ModelIdentity::of(&Hashing))?;
    let mut writer = index.writer()?;
    let options = IngestOptions { commit_every: 5_000, ..Default::default() };
    let ingested = clausal::ingest(&mut writer, &[&files], &Hashing, &options, &mut |_| {})?;
    drop(writer);
    println!(
        "ingested {} in {:.1} s ({} failed)",
        files.display(),
        t.elapsed().as_secs_f64(),
        ingested.failed.len()
    );

    let searcher = index.reader()?.searcher();
    let opts = ReportOptions::new("2025-01-15")?;
    let t = Instant::now();
    let engine = RiskEngine::new(RulePack::builtin(), &Hashing)?;
    let risk = engine.risk(&searcher, &RiskQuery::new().as_of(&opts.as_of), &Hashing)?;
    println!("ranked by risk in {:.1} s", t.elapsed().as_secs_f64());

    let out = root.join("report");
    let t = Instant::now();
    let summary = write_report(&searcher, &risk, None, &out, &opts)?;
    let seconds = t.elapsed().as_secs_f64();
    let (bytes, files, largest, largest_bytes) = folder_size(&out);
    println!(
        "report of {} documents, {} flags, {} deadlines written in {seconds:.1} s to {}",
        summary.documents,
        summary.flags,
        summary.deadlines,
        out.display()
    );
    println!("folder: {files} files, {:.1} MB", bytes as f64 / 1e6);
    println!(
        "largest file: {} ({:.2} MB)",
        largest.strip_prefix(&out).unwrap_or(&largest).display(),
        largest_bytes as f64 / 1e6
    );
    let over = largest_bytes > 5 * 1024 * 1024;
    println!("no file over 5 MB: {}", if over { "NO" } else { "yes" });
    if over {
        std::process::exit(1);
    }
    Ok(())
}
