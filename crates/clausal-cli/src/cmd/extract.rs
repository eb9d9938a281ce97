//! `clausal extract`: print the documents in files.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clausal::{Document, ErrorKind, ExtractOptions};
use serde_json::json;

use crate::args::ExtractArgs;

pub fn run(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let options = ExtractOptions {
        keep_furniture: args.all_text,
        original_revisions: args.original,
        ocr: args.ocr.options(),
        ..Default::default()
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut failed = 0usize;
    for path in &args.files {
        match clausal::extract(path, &options) {
            Ok(docs) => {
                for doc in &docs {
                    if args.json {
                        serde_json::to_writer(&mut out, doc)?;
                        out.write_all(b"\n")?;
                    } else {
                        write_text(&mut out, doc)?;
                    }
                }
            }
            Err(err) => {
                failed += 1;
                report_failure(&mut out, args.json, path, &err)?;
            }
        }
    }
    out.flush()?;
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn write_text(out: &mut impl Write, doc: &Document) -> io::Result<()> {
    write!(out, "=== {} ({}, id {}", doc.source, doc.kind, doc.id)?;
    if let Some(parent) = doc.parent {
        write!(out, ", attachment of {parent}")?;
    }
    if !doc.pages.is_empty() {
        write!(out, ", {} pages", doc.pages.len())?;
    }
    writeln!(out, ")")?;
    if let Some(title) = &doc.title {
        writeln!(out, "title: {title}")?;
    }
    for (key, values) in &doc.metadata {
        for value in values {
            writeln!(out, "{key}: {value}")?;
        }
    }
    for warning in &doc.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    writeln!(out)?;
    writeln!(out, "{}", doc.text)?;
    writeln!(out)
}

/// Reports a file that failed: a JSON line on stdout with `--json`, else a message on stderr.
pub fn report_failure(
    out: &mut impl Write,
    json: bool,
    path: &std::path::Path,
    err: &clausal::Error,
) -> io::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, &error_json(&path.display().to_string(), err))?;
        out.write_all(b"\n")
    } else {
        out.flush()?;
        eprintln!("error: {err}");
        Ok(())
    }
}

/// The JSON line for a file that failed: its source, the message, and the cause.
pub fn error_json(source: &str, err: &clausal::Error) -> serde_json::Value {
    let mut value = json!({ "source": source, "error": err.to_string() });
    let cause = match err.kind() {
        ErrorKind::LimitExceeded { limit, max, actual, .. } => {
            value["limit"] = json!(limit);
            value["max"] = json!(max);
            value["actual"] = json!(actual);
            "limit_exceeded"
        }
        ErrorKind::Encrypted { .. } => "encrypted",
        ErrorKind::MalformedDocument { .. } => "malformed",
        ErrorKind::UnsupportedFormat { .. } => "unsupported",
        ErrorKind::Io { .. } => "io",
        _ => "other",
    };
    value["cause"] = json!(cause);
    value
}
