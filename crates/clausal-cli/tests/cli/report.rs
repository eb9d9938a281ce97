//! `clausal report`, opened in a real browser: headless Chromium loads the report from disk,
//! runs its script, and the test reads the DOM it ends with.
//!
//! Skipped (with a message, not failed) where Chromium is not installed: `apt-get install
//! chromium`, or point `CHROMIUM` at a Chrome or Chromium binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clausal::DeadlineQuery;
use clausal::Index;

use crate::util::{TempDir, clausal};

const AS_OF: &str = "2025-01-15";

/// A text contract whose words would run scripts if the report did not escape them.
const HOSTILE: &str = "HOSTILE SERVICES AGREEMENT <script>document.documentElement.setAttribute('data-pwned', 'title')</script>\n\n\
This Services Agreement is made on 1 March 2024 between Mallory <b>Corp</b> Inc. (\"Customer\") and \
Eve Ltd. <img src=x onerror=\"document.documentElement.setAttribute('data-pwned', 'img')\"> (\"Supplier\").\n\n\
1. Term. This Agreement starts on 1 March 2024 and continues for one (1) year. It renews automatically \
for successive one (1) year terms unless either party gives written notice of non-renewal at least \
thirty (30) days before the end of the then-current term.\n\n\
2. Force Majeure. Neither party is liable for delay caused by fire, flood or war \
</blockquote><script>document.documentElement.setAttribute('data-pwned', 'clause')</script>.\n\n\
3. Governing Law. This Agreement is governed by the laws of the State of New York.\n";

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// What the browser ended with: the DOM (for `--dump-dom`) and its log.
struct Loaded {
    dom: String,
    log: String,
}

/// Opens `url` in headless Chromium with a fresh profile; `extra` adds flags. Gives up after a
/// minute.
fn open(browser: &Path, dir: &Path, url: &str, extra: &[&str]) -> Loaded {
    let n = std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0);
    let profile = dir.join(format!("profile-{n}"));
    let (stdout, stderr) = (dir.join(format!("out-{n}.html")), dir.join(format!("log-{n}.txt")));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            // Time for the script's data files to load and the table to be redrawn.
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish {url} within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let log = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert!(status.success(), "chromium failed on {url}: {status}\n{log}");
    Loaded { dom: std::fs::read_to_string(&stdout).unwrap_or_default(), log }
}

/// The console messages and uncaught errors of a page load (the report's script logs nothing).
fn console_errors(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught")).collect()
}

/// The value of attribute `name` on the `<html>` start tag of a DOM.
fn root_attr<'a>(dom: &'a str, name: &str) -> Option<&'a str> {
    let start = dom.find("<html")?;
    let tag = &dom[start..start + dom[start..].find('>')?];
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[at..].split('"').next()
}

fn url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// Every relative `href` and `src` of the report's pages points at a file it wrote.
fn check_links(out: &Path) {
    let mut pages = vec![out.join("index.html")];
    for dir in [out.to_owned(), out.join("doc")] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "html") && !pages.contains(&p) {
                pages.push(p);
            }
        }
    }
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        for attr in [" href=\"", " src=\""] {
            for piece in html.split(attr).skip(1) {
                let target = piece.split('"').next().unwrap();
                assert!(
                    !target.contains("://") && !target.starts_with("//"),
                    "{} links outside the report: {target}",
                    page.display()
                );
                let file = target.split('#').next().unwrap();
                if file.is_empty() {
                    continue;
                }
                let resolved = page.parent().unwrap().join(file);
                assert!(resolved.is_file(), "{} links to a missing {target}", page.display());
            }
        }
    }
}

#[test]
#[allow(clippy::print_stderr)]
fn report_renders_in_chromium_with_the_index_counts_and_no_errors() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: chromium not found (apt-get install chromium)");
        return;
    };
    let dir = TempDir::new("report");
    let idx = dir.0.join("idx");
    let out = clausal()
        .args(["demo", "--report"])
        .arg(dir.0.join("demo-report"))
        .arg("--index")
        .arg(&idx)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let hostile = dir.write("hostile.txt", HOSTILE.as_bytes());
    let out = clausal().arg("ingest").arg(&hostile).arg("--index").arg(&idx).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // A reviewer dismisses one flag and confirms another.
    let flags = || -> Vec<serde_json::Value> {
        let out = clausal()
            .args(["flags", "--json", "--as-of", AS_OF, "--index"])
            .arg(&idx)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let before: Vec<serde_json::Value> =
        flags().into_iter().filter(|f| f["clause"]["text_hash"].is_string()).collect();
    assert!(before.len() >= 2);
    for (flag, verdict) in [(&before[0], "dismiss"), (&before[1], "confirm")] {
        let out = clausal()
            .args(["review", "record", "--reviewer", "counsel", "--verdict", verdict])
            .args(["--rule", flag["rule_id"].as_str().unwrap()])
            .args(["--rule-version", flag["rule_version"].as_str().unwrap()])
            .args(["--text-hash", flag["clause"]["text_hash"].as_str().unwrap()])
            .arg("--index")
            .arg(&idx)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let expected_flags = flags().len();

    let report = dir.0.join("report");
    let out = clausal()
        .args(["report", "--as-of", AS_OF, "--index"])
        .arg(&idx)
        .arg("-o")
        .arg(&report)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    check_links(&report);

    let index = Index::open_in_dir(&idx).unwrap();
    let searcher = index.reader().unwrap().searcher();
    let documents = searcher.num_documents().to_string();
    let query = DeadlineQuery::as_of(AS_OF).unwrap().within_days(365);
    let deadlines = searcher.deadlines(&query).unwrap().len().to_string();

    // The summary: the counts of the index on the root element, the script ran to its end, and
    // nothing was logged to the console.
    let browser_dir = dir.0.join("browser");
    std::fs::create_dir_all(&browser_dir).unwrap();
    let page = open(&browser, &browser_dir, &url(&report.join("index.html")), &["--dump-dom"]);
    assert_eq!(root_attr(&page.dom, "data-documents"), Some(documents.as_str()), "{}", page.dom);
    assert_eq!(root_attr(&page.dom, "data-flags"), Some(expected_flags.to_string().as_str()));
    assert_eq!(root_attr(&page.dom, "data-deadlines"), Some(deadlines.as_str()));
    assert_eq!(root_attr(&page.dom, "data-js"), Some("ready"), "the script did not finish");
    assert!(console_errors(&page.log).is_empty(), "{:#?}", console_errors(&page.log));
    assert!(page.dom.contains("<title>dismissed: 1</title>"), "{}", page.dom);
    assert!(page.dom.contains("<title>confirmed: 1</title>"));

    // The documents table filtered across its data files by the URL hash.
    let docs = report.join("documents-1.html");
    let page = open(
        &browser,
        &browser_dir,
        &format!("{}#q=fabrikam&sort=-4", url(&docs)),
        &["--dump-dom"],
    );
    assert!(console_errors(&page.log).is_empty(), "{:#?}", console_errors(&page.log));
    assert!(page.dom.contains(r#"data-rows="1""#), "{}", page.dom);
    assert!(
        page.dom.contains("fabrikam-litware-supply.docx")
            && !page.dom.contains("northwind-contoso-msa.pdf")
    );

    // The hostile contract's page shows its markup as text and runs none of it.
    let doc = std::fs::read_dir(report.join("doc"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| std::fs::read_to_string(p).unwrap().contains("hostile.txt"))
        .expect("the hostile document's page");
    let page = open(&browser, &browser_dir, &url(&doc), &["--dump-dom"]);
    assert_eq!(root_attr(&page.dom, "data-js"), Some("ready"));
    assert_eq!(root_attr(&page.dom, "data-pwned"), None, "document text ran as a script");
    assert!(page.dom.contains("&lt;script&gt;document.documentElement"), "{}", page.dom);
    assert!(console_errors(&page.log).is_empty(), "{:#?}", console_errors(&page.log));

    // A screenshot to look at: target/report-screenshot.png.
    let target = Path::new(env!("CARGO_BIN_EXE_clausal")).parent().unwrap().parent().unwrap();
    let shot = target.join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let screenshot = format!("--screenshot={}", shot.display());
    open(
        &browser,
        &browser_dir,
        &url(&report.join("index.html")),
        &[&screenshot, "--window-size=1280,2000"],
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} bytes", png.len());
}

#[test]
fn report_errors_exit_2_with_a_message() {
    let dir = TempDir::new("report-errors");
    let out = clausal()
        .args(["report", "--as-of", "2025-02-30", "--index"])
        .arg(dir.0.join("idx"))
        .arg("-o")
        .arg(dir.0.join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("\"2025-02-30\" is not a valid YYYY-MM-DD date"), "{stderr}");

    let idx = dir.0.join("idx");
    let out = clausal()
        .args(["demo", "--report"])
        .arg(dir.0.join("demo-report"))
        .arg("--index")
        .arg(&idx)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mine = dir.write("thesis.txt", b"not a report");
    let out =
        clausal().args(["report", "--index"]).arg(&idx).arg("-o").arg(&dir.0).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is not empty and is not a clausal report"), "{stderr}");
    assert!(mine.is_file());
}
