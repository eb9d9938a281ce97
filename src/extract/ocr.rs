//! Optical character recognition by Tesseract, run as a supervised subprocess.
//!
//! Why a subprocess and not bindings (docs/adr/014-ocr.md): Tesseract's Rust bindings need
//! libclang and the C++ library at build time, which would make every build of the engine depend
//! on them; the `tesseract` program needs nothing at build time, its crashes and leaks stay in
//! its own process, and a page that takes too long is ended by killing it. Each call is bounded
//! by a wall-time limit (the child is killed), an output size, and on Unix an address-space limit
//! (`ulimit -v`, through `/bin/sh`, so that the engine needs no `unsafe`).
//!
//! [`recognize`] reads one image file and returns its words with boxes and confidences from
//! Tesseract's TSV output; [`render_page`] asks Poppler's `pdftoppm` for a grey page image when
//! the page is not one plain image. What a page becomes in a document is the PDF reader's
//! business (`pdf::scan`).

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::draft::OcrOptions;

/// The most bytes of TSV read from one Tesseract run (a page of dense text is ~200 KB).
const MAX_TSV_BYTES: usize = 16 << 20;
/// The most bytes of a subprocess's error output kept for a message.
const MAX_STDERR_BYTES: usize = 64 << 10;

/// One recognised word, in pixels of the image it was read from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Word {
    pub text: String,
    /// Tesseract's block, paragraph and line numbers: words of one line share them.
    pub block: u32,
    pub par: u32,
    pub line: u32,
    /// Left, top, width, height in pixels.
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
    /// 0 to 100.
    pub confidence: f32,
}

/// Tesseract's version line ("tesseract 5.3.0") for the configured program, checked once per
/// program path and process; an error says how to get it.
pub(crate) fn engine(options: &OcrOptions) -> Result<String, String> {
    type Seen = Vec<(PathBuf, Result<String, String>)>;
    static SEEN: OnceLock<Mutex<Seen>> = OnceLock::new();
    let seen = SEEN.get_or_init(|| Mutex::new(Vec::new()));
    let mut seen = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, v)) = seen.iter().find(|(p, _)| *p == options.tesseract) {
        return v.clone();
    }
    let version = run(
        &options.tesseract,
        &[OsString::from("--version")],
        options,
        Duration::from_secs(20),
        MAX_STDERR_BYTES,
    )
    .map_err(|e| match e {
        RunError::Missing => format!(
            "OCR is not available: install tesseract-ocr (no program `{}`; set CLAUSAL_TESSERACT \
             to its path)",
            options.tesseract.display()
        ),
        other => {
            format!("OCR is not available: `{} --version` {other}", options.tesseract.display())
        }
    })
    .and_then(|(stdout, stderr)| {
        // Tesseract 4 prints its version on stderr, 5 on stdout.
        let text = String::from_utf8_lossy(if stdout.is_empty() { &stderr } else { &stdout })
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_owned();
        if text.to_ascii_lowercase().starts_with("tesseract") {
            Ok(text)
        } else {
            Err(format!(
                "OCR is not available: `{}` does not look like Tesseract",
                options.tesseract.display()
            ))
        }
    });
    seen.push((options.tesseract.clone(), version.clone()));
    version
}

/// Recognises the words of one image file (any format Leptonica reads: PNM, JPEG, PNG, TIFF).
/// `dpi` is the image's resolution, which Tesseract uses to judge text sizes.
pub(crate) fn recognize(
    image: &Path,
    dpi: u32,
    options: &OcrOptions,
    timeout: Duration,
) -> Result<Vec<Word>, String> {
    let args: Vec<OsString> = vec![
        image.as_os_str().to_owned(),
        "stdout".into(),
        "-l".into(),
        options.languages.clone().into(),
        "--dpi".into(),
        dpi.clamp(70, 2400).to_string().into(),
        "--psm".into(),
        "3".into(),
        // Scanned contracts do not print white on black; skipping the inverted pass halves the
        // time of a page.
        "-c".into(),
        "tessedit_do_invert=0".into(),
        "tsv".into(),
    ];
    let (tsv, _) = run(&options.tesseract, &args, options, timeout, MAX_TSV_BYTES)
        .map_err(|e| format!("tesseract {e}"))?;
    Ok(parse_tsv(&String::from_utf8_lossy(&tsv)))
}

/// Renders page `page` (1-based) of `pdf` as an 8-bit grey PGM at `dpi` into `dir`, returning
/// its path.
pub(crate) fn render_page(
    pdf: &Path,
    page: u32,
    dpi: u32,
    dir: &Path,
    options: &OcrOptions,
    timeout: Duration,
) -> Result<PathBuf, String> {
    let stem = dir.join(format!("page-{page}"));
    let n = page.to_string();
    let args: Vec<OsString> = vec![
        "-r".into(),
        dpi.to_string().into(),
        "-f".into(),
        n.clone().into(),
        "-l".into(),
        n.into(),
        "-gray".into(),
        "-singlefile".into(),
        pdf.as_os_str().to_owned(),
        stem.as_os_str().to_owned(),
    ];
    run(&options.pdftoppm, &args, options, timeout, MAX_STDERR_BYTES).map_err(|e| match e {
        RunError::Missing => format!(
            "cannot render it: install poppler-utils (no program `{}`; set CLAUSAL_PDFTOPPM to \
             its path)",
            options.pdftoppm.display()
        ),
        other => format!("pdftoppm {other}"),
    })?;
    let mut out = stem.into_os_string();
    out.push(".pgm");
    let out = PathBuf::from(out);
    if out.is_file() { Ok(out) } else { Err("pdftoppm wrote no image".into()) }
}

/// Words of Tesseract's TSV output (level 5 rows), in reading order.
pub(crate) fn parse_tsv(tsv: &str) -> Vec<Word> {
    let mut words = Vec::new();
    for row in tsv.lines().skip(1) {
        let f: Vec<&str> = row.splitn(12, '\t').collect();
        let [level, _page, block, par, line, _word, left, top, width, height, conf, text] =
            f.as_slice()
        else {
            continue;
        };
        let text = text.trim();
        if *level != "5" || text.is_empty() {
            continue;
        }
        let n = |s: &str| s.trim().parse::<u32>().unwrap_or(0);
        let confidence = conf.trim().parse::<f32>().ok().filter(|c| c.is_finite()).unwrap_or(0.0);
        words.push(Word {
            text: text.to_owned(),
            block: n(block),
            par: n(par),
            line: n(line),
            left: n(left),
            top: n(top),
            width: n(width),
            height: n(height),
            confidence: confidence.clamp(0.0, 100.0),
        });
    }
    words
}

#[derive(Debug)]
enum RunError {
    /// The program does not exist.
    Missing,
    Other(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Missing => f.write_str("is not installed"),
            RunError::Other(s) => f.write_str(s),
        }
    }
}

/// Runs `program args` with no input, killing it after `timeout`; returns its output (stdout
/// cut at `max_stdout` bytes: a longer output is an error) and the start of its error output.
fn run(
    program: &Path,
    args: &[OsString],
    options: &OcrOptions,
    timeout: Duration,
    max_stdout: usize,
) -> Result<(Vec<u8>, Vec<u8>), RunError> {
    let mut cmd = limited_command(program, args, options.max_memory);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // One thread per page: pages and documents are already recognised in parallel.
        .env("OMP_THREAD_LIMIT", "1");
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RunError::Missing,
        _ => RunError::Other(format!("could not start: {e}")),
    })?;
    let read = |pipe: Option<Box<dyn Read + Send>>, max: usize| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(pipe) = pipe {
                // Reading stops at the limit; the child then gets EPIPE (or is killed below).
                let _ = pipe.take(max as u64 + 1).read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = read(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>), max_stdout);
    let err =
        read(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>), MAX_STDERR_BYTES);
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = (out.join(), err.join());
                return Err(RunError::Other(format!(
                    "took longer than {} s and was stopped",
                    timeout.as_secs_f32()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                let _ = child.kill();
                return Err(RunError::Other(format!("could not be waited for: {e}")));
            }
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if stdout.len() > max_stdout {
        return Err(RunError::Other(format!("wrote more than {max_stdout} bytes")));
    }
    if !status.success() {
        let msg = String::from_utf8_lossy(&stderr);
        let msg = msg.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("").trim();
        // `exec` of a missing program through the shell wrapper exits 127.
        if status.code() == Some(127) && !program.exists() && msg.contains("not found") {
            return Err(RunError::Missing);
        }
        let msg: String = msg.chars().take(300).collect();
        return Err(RunError::Other(format!("failed ({status}): {msg}")));
    }
    Ok((stdout, stderr))
}

/// `program args` under an address-space limit where the platform has `/bin/sh` with `ulimit`.
fn limited_command(program: &Path, args: &[OsString], max_memory: u64) -> Command {
    let sh = Path::new("/bin/sh");
    if cfg!(unix) && sh.exists() && max_memory > 0 {
        let mut cmd = Command::new(sh);
        cmd.arg("-c")
            .arg(r#"ulimit -v "$0" 2>/dev/null; exec "$@""#)
            .arg((max_memory / 1024).max(1).to_string())
            .arg(program)
            .args(args);
        cmd
    } else {
        let mut cmd = Command::new(program);
        cmd.args(args);
        cmd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_keep_their_lines_boxes_and_confidence() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t2550\t3300\t-1\t\n\
                   4\t1\t1\t1\t1\t0\t300\t400\t900\t40\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t300\t400\t200\t40\t96.5\tForce\n\
                   5\t1\t1\t1\t1\t2\t520\t400\t300\t40\t91.25\tMajeure.\n\
                   5\t1\t1\t1\t1\t3\t900\t400\t10\t40\t95\t \n\
                   5\t1\t2\t1\t1\t1\t300\t600\t100\t40\tnan\tx\ty\n\
                   5\tbad row\n";
        let w = parse_tsv(tsv);
        assert_eq!(w.len(), 3);
        assert_eq!(w[0].text, "Force");
        assert_eq!((w[0].left, w[0].top, w[0].width, w[0].height), (300, 400, 200, 40));
        assert!((w[1].confidence - 91.25).abs() < 1e-4);
        assert_eq!((w[2].block, w[2].text.as_str(), w[2].confidence), (2, "x\ty", 0.0));
    }

    #[test]
    fn a_missing_engine_says_how_to_get_it() {
        let options = OcrOptions {
            tesseract: PathBuf::from("/nonexistent/clausal-test/tesseract"),
            ..OcrOptions::default()
        };
        let e = engine(&options).unwrap_err();
        assert!(e.contains("install tesseract-ocr"), "{e}");
    }

    #[test]
    fn a_child_past_its_time_is_killed() {
        let sleep = Path::new("/bin/sleep");
        if !sleep.exists() {
            return;
        }
        let t = Instant::now();
        let e = run(sleep, &["30".into()], &OcrOptions::default(), Duration::from_millis(200), 10)
            .unwrap_err();
        assert!(t.elapsed() < Duration::from_secs(10));
        assert!(e.to_string().contains("stopped"), "{e}");
    }
}
