//! `clausal train`: a clause classifier from labelled clauses.

use std::io::BufRead;

use anyhow::Context;
use clausal::{LabelledClause, TrainOptions, train};
use clausal_eval::corpus;

use crate::args::TrainArgs;

pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    let mut clauses: Vec<LabelledClause> = Vec::new();
    let mut trained_on = Vec::new();
    let mut sources = Vec::new();
    if let Some(dir) = &args.cuad {
        let contracts = corpus::load(dir)?;
        eprintln!("{}: {} contracts", dir.display(), contracts.len());
        for c in &contracts {
            clauses.extend(c.labelled_clauses());
            trained_on.push(c.doc.id.to_string());
        }
        sources.push(format!("CUAD-like folder {} ({} contracts)", dir.display(), contracts.len()));
    }
    for path in &args.jsonl {
        let file = std::fs::File::open(path).with_context(|| path.display().to_string())?;
        let before = clauses.len();
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.with_context(|| path.display().to_string())?;
            if line.trim().is_empty() {
                continue;
            }
            let clause: LabelledClause = serde_json::from_str(&line)
                .with_context(|| format!("{}:{}", path.display(), n + 1))?;
            clauses.push(clause);
        }
        sources.push(format!("{} ({} clauses)", path.display(), clauses.len() - before));
    }
    anyhow::ensure!(!clauses.is_empty(), "no labelled clauses to train on");
    let labelled = clauses.iter().filter(|c| !c.kinds.is_empty()).count();
    eprintln!("training on {} clauses ({labelled} with a kind)", clauses.len());
    let mut options = TrainOptions::default();
    options.epochs = args.epochs;
    options.threshold = args.threshold;
    let model = train(&clauses, &options, args.min_positives, trained_on, sources.join("; "));
    model.save(&args.output)?;
    let header = model.header();
    eprintln!(
        "wrote {} ({} kinds, {} bytes)",
        args.output.display(),
        header.kinds.len(),
        std::fs::metadata(&args.output).map(|m| m.len()).unwrap_or(0)
    );
    Ok(())
}
