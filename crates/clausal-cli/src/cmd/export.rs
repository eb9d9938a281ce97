//! `clausal export | push`.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::time::Duration;

use anyhow::Context as _;
use clausal::export::{self, ExportCursor, ExportFlags, ExportOptions, ExportSummary, Format};
use clausal::{DeadlineQuery, Index};

use super::index::open;
use super::risk::pack_of;
use crate::args::{ExportArgs, ExportSelectArgs, PushArgs};

/// Runs an export of `sel`'s index into `out`.
fn run_export(
    sel: &ExportSelectArgs,
    format: Format,
    batch: usize,
    out: &mut dyn Write,
) -> anyhow::Result<ExportSummary> {
    let index = open(&sel.index)?;
    let since = sel.since.as_deref().map(str::parse::<ExportCursor>).transpose()?;
    let as_of = match &sel.as_of {
        Some(d) => DeadlineQuery::as_of(d).map_err(|e| anyhow::anyhow!("--as-of: {e}"))?.as_of,
        None => DeadlineQuery::today().as_of,
    };
    let loaded = if sel.no_flags {
        None
    } else {
        let embedder = sel.model.load()?;
        let engine = super::library::engine_for(&sel.index, pack_of(&sel.pack)?, &embedder)?;
        Some((embedder, engine))
    };
    let flags = loaded.as_ref().map(|(embedder, engine)| ExportFlags {
        engine,
        embedder,
        as_of: as_of.clone(),
    });
    let options = ExportOptions { since, flags, no_vectors: sel.no_vectors, batch };
    let summary = export::export(&index, &options, format, out)?;
    if let Some(path) = &sel.cursor_file {
        std::fs::write(path, format!("{}\n", summary.cursor))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(summary)
}

fn mapping(index: &Index, format: Format) -> serde_json::Value {
    let model = &index.manifest().model;
    match format {
        Format::OpenSearch => serde_json::json!({
            "index": export::opensearch_mapping(model),
            "search_pipeline": export::opensearch_search_pipeline(0.5),
        }),
        Format::Elasticsearch => export::elasticsearch_mapping(model),
        Format::Qdrant => export::qdrant_collection(model),
        _ => serde_json::json!({ "model": model }),
    }
}

pub fn export(args: ExportArgs) -> anyhow::Result<()> {
    let format: Format = args.format.parse()?;
    let stdout = args.output.as_os_str() == "-";
    let mut out: Box<dyn Write> = if stdout {
        Box::new(BufWriter::with_capacity(1 << 20, io::stdout().lock()))
    } else {
        let f = File::create(&args.output)
            .with_context(|| format!("creating {}", args.output.display()))?;
        Box::new(BufWriter::with_capacity(1 << 20, f))
    };
    if args.mapping {
        anyhow::ensure!(
            format != Format::Ndjson,
            "--mapping is for --format opensearch, elasticsearch or qdrant"
        );
        let index = open(&args.select.index)?;
        serde_json::to_writer_pretty(&mut out, &mapping(&index, format))?;
        writeln!(out)?;
        out.flush()?;
        return Ok(());
    }
    let summary = run_export(&args.select, format, args.batch, &mut out)?;
    out.flush()?;
    report(&summary, args.json, "exported")
}

fn report(summary: &ExportSummary, json: bool, verb: &str) -> anyhow::Result<()> {
    if json {
        eprintln!("{}", serde_json::to_string(summary)?);
    } else {
        eprintln!(
            "{verb} {} clauses ({} again for reviews or a new day), {} deletes; next: --since {}",
            summary.upserts, summary.refreshed, summary.deletes, summary.cursor
        );
    }
    Ok(())
}

/// A Qdrant server, spoken to over HTTP with retries.
struct Qdrant {
    agent: ureq::Agent,
    base: String,
    collection: String,
    api_key: Option<String>,
    retries: u32,
}

impl Qdrant {
    fn url(&self, path: &str) -> String {
        format!("{}/collections/{}{path}", self.base, self.collection)
    }

    /// Sends a request; retries connection failures, 429 and 5xx with doubling back-off.
    /// Returns the status and body of the last answer.
    fn call(&self, method: &str, url: &str, body: Option<&str>) -> anyhow::Result<(u16, String)> {
        let mut wait = Duration::from_millis(500);
        let mut last = String::new();
        for attempt in 1..=self.retries.max(1) {
            let result = match body {
                Some(b) => {
                    let mut req = match method {
                        "PUT" => self.agent.put(url),
                        _ => self.agent.post(url),
                    }
                    .header("content-type", "application/json");
                    if let Some(k) = &self.api_key {
                        req = req.header("api-key", k);
                    }
                    req.send(b)
                }
                None => {
                    let mut req = self.agent.get(url);
                    if let Some(k) = &self.api_key {
                        req = req.header("api-key", k);
                    }
                    req.call()
                }
            };
            match result {
                Ok(mut resp) => {
                    let status = resp.status().as_u16();
                    let text = resp.body_mut().read_to_string().unwrap_or_default();
                    if status != 429 && status < 500 {
                        return Ok((status, text));
                    }
                    last = format!("HTTP {status}: {}", clip(&text));
                }
                Err(e) => last = e.to_string(),
            }
            if attempt < self.retries {
                eprintln!("{url}: try {attempt} failed ({last}); retrying in {wait:?}");
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_secs(30));
            }
        }
        anyhow::bail!("{method} {url}: gave up after {} tries: {last}", self.retries.max(1))
    }

    fn ok(&self, method: &str, url: &str, body: Option<&str>) -> anyhow::Result<String> {
        let (status, text) = self.call(method, url, body)?;
        anyhow::ensure!(
            (200..300).contains(&status),
            "{method} {url}: HTTP {status}: {}",
            clip(&text)
        );
        Ok(text)
    }

    /// Creates the collection and its payload indexes unless it exists; refuses one whose
    /// vectors are of another size.
    fn ensure_collection(&self, config: &serde_json::Value) -> anyhow::Result<bool> {
        let (status, text) = self.call("GET", &self.url(""), None)?;
        let dim = config["collection"]["vectors"]["size"].as_u64();
        if status == 200 {
            let info: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let size = info["result"]["config"]["params"]["vectors"]["size"].as_u64();
            anyhow::ensure!(
                size.is_none() || size == dim,
                "collection {} holds vectors of {} dimensions; this index's have {}",
                self.collection,
                size.unwrap_or(0),
                dim.unwrap_or(0)
            );
            return Ok(false);
        }
        anyhow::ensure!(status == 404, "GET {}: HTTP {status}: {}", self.url(""), clip(&text));
        self.ok("PUT", &self.url(""), Some(&config["collection"].to_string()))?;
        if let Some(indexes) = config["payload_indexes"].as_array() {
            for i in indexes {
                self.ok("PUT", &self.url("/index?wait=true"), Some(&i.to_string()))?;
            }
        }
        Ok(true)
    }
}

fn clip(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_control()).take(300).collect();
    s
}

/// Receives the Qdrant export line by line and sends each operation as it completes.
struct Sender<'a> {
    qdrant: &'a Qdrant,
    line: Vec<u8>,
    requests: u64,
    error: Option<anyhow::Error>,
}

impl Sender<'_> {
    fn send_line(&mut self) -> io::Result<()> {
        if self.line.iter().all(u8::is_ascii_whitespace) {
            self.line.clear();
            return Ok(());
        }
        let op = std::str::from_utf8(&self.line).map_err(io::Error::other)?;
        let body = format!("{{\"operations\":[{op}]}}");
        let url = self.qdrant.url("/points/batch?wait=true");
        let result = self.qdrant.ok("POST", &url, Some(&body));
        self.line.clear();
        match result {
            Ok(_) => {
                self.requests += 1;
                Ok(())
            }
            Err(e) => {
                let msg = e.to_string();
                self.error = Some(e);
                Err(io::Error::other(msg))
            }
        }
    }
}

impl Write for Sender<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            self.line.extend_from_slice(&rest[..i]);
            self.send_line()?;
            rest = &rest[i + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            self.send_line()?;
        }
        Ok(())
    }
}

pub fn push(args: PushArgs) -> anyhow::Result<()> {
    let index = open(&args.select.index)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into();
    let qdrant = Qdrant {
        agent,
        base: args.qdrant.trim_end_matches('/').to_owned(),
        collection: args.collection.clone(),
        api_key: args.api_key.clone(),
        retries: args.retries,
    };
    let created = qdrant.ensure_collection(&export::qdrant_collection(&index.manifest().model))?;
    drop(index);
    let mut sender = Sender { qdrant: &qdrant, line: Vec::new(), requests: 0, error: None };
    // Nothing is written to --cursor-file unless every operation was acknowledged.
    let cursor_file = args.select.cursor_file.clone();
    let select = ExportSelectArgs { cursor_file: None, ..args.select };
    let result = run_export(&select, Format::Qdrant, args.batch, &mut sender);
    let summary = match (result, sender.error.take()) {
        (_, Some(e)) => {
            return Err(e.context("pushing to Qdrant (nothing after the failed batch was sent)"));
        }
        (Err(e), None) => return Err(e),
        (Ok(s), None) => s,
    };
    if let Some(path) = cursor_file {
        std::fs::write(&path, format!("{}\n", summary.cursor))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "collection": args.collection, "created": created, "requests": sender.requests,
                "summary": summary,
            })
        );
    } else {
        println!(
            "{} collection {}: {} requests",
            if created { "created" } else { "updated" },
            args.collection,
            sender.requests
        );
        report(&summary, false, "sent")?;
    }
    Ok(())
}
