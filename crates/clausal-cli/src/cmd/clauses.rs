//! `clausal clauses`: the clauses of the documents in files.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clausal::ExtractOptions;
use serde_json::json;

use crate::args::ClausesArgs;
use crate::cmd::extract::report_failure;

pub fn run(args: ClausesArgs) -> anyhow::Result<ExitCode> {
    let classifier = clausal::Classifier::bundled()?;
    let mut out = BufWriter::new(io::stdout().lock());
    let mut failed = 0usize;
    for path in &args.files {
        let docs = match clausal::extract(path, &ExtractOptions::default()) {
            Ok(docs) => docs,
            Err(err) => {
                failed += 1;
                report_failure(&mut out, args.json, path, &err)?;
                continue;
            }
        };
        for doc in &docs {
            let clauses = clausal::segment(doc);
            let analysis = classifier.analyze(doc, &clauses);
            let role = &analysis.role;
            if args.json {
                let value = json!({"doc": doc.id, "source": doc.source, "role": role});
                serde_json::to_writer(&mut out, &value)?;
                out.write_all(b"\n")?;
            } else {
                writeln!(
                    out,
                    "=== {} ({}, {} clauses) role {}: {}{}",
                    doc.source,
                    doc.kind,
                    clauses.len(),
                    role.role,
                    role.reason,
                    role.amends.as_ref().map_or(String::new(), |a| {
                        let mut s = String::new();
                        if let Some(t) = &a.title {
                            s.push_str(&format!("; amends {t:?}"));
                        }
                        if !a.sections.is_empty() {
                            s.push_str(&format!("; changes section {}", a.sections.join(", ")));
                        }
                        s
                    })
                )?;
            }
            for (clause, typed) in clauses.iter().zip(&analysis.clauses) {
                let text = doc.text.get(clause.span.clone()).unwrap_or("");
                let (kinds, facts) = (&typed.kinds, &typed.facts);
                if args.json {
                    let mut value = serde_json::to_value(clause)?;
                    value["doc"] = json!(doc.id);
                    value["source"] = json!(doc.source);
                    value["text"] = json!(text);
                    value["kinds"] = json!(kinds);
                    value["facts"] = json!(facts);
                    serde_json::to_writer(&mut out, &value)?;
                    out.write_all(b"\n")?;
                } else {
                    let first: String = text.chars().take(60).collect();
                    let kinds: Vec<String> =
                        kinds.iter().map(|k| format!("{}:{:.2}", k.kind, k.score)).collect();
                    writeln!(
                        out,
                        "{:>4} {}{:<10} {:<30.30} {:<10} {:<36} {}",
                        clause.ordinal,
                        "  ".repeat(clause.depth as usize),
                        clause.number.as_deref().unwrap_or("-"),
                        clause.heading.as_deref().unwrap_or("-"),
                        format!("{:?}", clause.role).to_lowercase(),
                        if kinds.is_empty() { "-".to_owned() } else { kinds.join(",") },
                        first.replace('\n', " ")
                    )?;
                    for fact in facts {
                        writeln!(out, "{:>16} {}", "fact", serde_json::to_string(fact)?)?;
                    }
                }
            }
        }
    }
    out.flush()?;
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
