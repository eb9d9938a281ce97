//! `clausal kinds`: the clause taxonomy.

use std::io::{self, BufWriter, Write};

use clausal::ClauseKind;
use serde_json::json;

use crate::args::KindsArgs;

pub fn run(args: KindsArgs) -> anyhow::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    for kind in ClauseKind::ALL {
        let info = kind.info();
        if args.json {
            let value = json!({
                "id": info.id,
                "name": info.name,
                "definition": info.definition,
                "cuad_category": info.cuad_category,
                "ledgar_labels": info.ledgar_labels,
            });
            serde_json::to_writer(&mut out, &value)?;
            out.write_all(b"\n")?;
        } else {
            writeln!(out, "{:<34} {}", info.id, info.definition)?;
            if let Some(c) = info.cuad_category {
                writeln!(out, "{:<34} CUAD: {c}", "")?;
            }
            if !info.ledgar_labels.is_empty() {
                writeln!(out, "{:<34} LEDGAR: {}", "", info.ledgar_labels.join(", "))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
