//! `clausal embed`: lines in, JSON lines with embeddings out.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};

use anyhow::Context;
use clausal::Embedder;
use serde::Serialize;

use crate::args::EmbedArgs;

#[derive(Serialize)]
struct Line<'a> {
    text: &'a str,
    embedding: &'a [f32],
}

pub fn run(args: EmbedArgs) -> anyhow::Result<()> {
    let embedder = args.model.load()?;
    let input: Box<dyn BufRead> = match &args.file {
        Some(path) if path.as_os_str() != "-" => Box::new(BufReader::new(
            File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
        )),
        _ => Box::new(io::stdin().lock()),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut chunk: Vec<String> = Vec::with_capacity(args.chunk as usize);
    for (i, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("cannot read line {}", i + 1))?;
        chunk.push(line);
        if chunk.len() == args.chunk as usize {
            write_chunk(&embedder, &chunk, &mut out)?;
            chunk.clear();
        }
    }
    write_chunk(&embedder, &chunk, &mut out)?;
    out.flush()?;
    Ok(())
}

fn write_chunk(
    embedder: &impl Embedder,
    lines: &[String],
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let texts: Vec<&str> = lines.iter().map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let vectors = embedder.embed(&texts)?;
    for (text, embedding) in texts.iter().zip(&vectors) {
        serde_json::to_writer(&mut *out, &Line { text, embedding })?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
