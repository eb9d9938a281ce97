//! `clausal eval ...`: print quality figures; exit 1 when one is below its threshold.

use std::process::ExitCode;

use crate::args::{
    EmailArgs, ExtractionArgs, FactsArgs, ParityArgs, RobustnessArgs, SegmentationArgs,
};

pub fn parity(args: ParityArgs) -> anyhow::Result<ExitCode> {
    let embedder = args.model.load()?;
    let report = clausal::eval::parity(&embedder, &args.reference)?;
    let pass = report.min_cosine >= args.min_cosine;
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["threshold"] = args.min_cosine.into();
        value["pass"] = pass.into();
        println!("{value}");
    } else {
        println!("parity of {} on {}", report.model, args.reference.display());
        println!("  sentences        {}", report.sentences);
        println!("  min cosine       {:.7} (threshold {})", report.min_cosine, args.min_cosine);
        println!("  mean cosine      {:.7}", report.mean_cosine);
        println!("  worst sentence   {:.80}", report.worst_text);
        println!("  throughput       {:.1} sentences/s", report.sentences_per_second);
        println!("  {}", if pass { "PASS" } else { "FAIL" });
    }
    Ok(verdict(pass))
}

/// Prints a report as one JSON object with its verdict added as `pass`.
fn print_json(report: &impl serde::Serialize, pass: bool) -> anyhow::Result<()> {
    let mut value = serde_json::to_value(report)?;
    value["pass"] = pass.into();
    println!("{value}");
    Ok(())
}

/// Exit 0 when every figure holds, 1 when one is below its threshold.
fn verdict(pass: bool) -> ExitCode {
    if pass { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

pub fn extraction(args: ExtractionArgs) -> anyhow::Result<ExitCode> {
    let report = clausal::eval::extraction(&args.data, args.sample)?;
    let pass = report.mean_f1 >= args.min_f1 && report.mean_seq_ratio >= args.min_seq_ratio;
    if args.json {
        print_json(&report, pass)?;
    } else {
        println!("extraction fidelity on {}", args.data.display());
        println!(
            "  documents        {} ({} failed), {} pages",
            report.documents, report.failed, report.pages
        );
        println!("  mean F1          {:.4} (threshold {})", report.mean_f1, args.min_f1);
        println!(
            "  mean seq ratio   {:.4} (threshold {})",
            report.mean_seq_ratio, args.min_seq_ratio
        );
        println!(
            "  speed            {:.1} pages per CPU-second ({:.1} s wall)",
            report.pages_per_cpu_second, report.extract_wall_seconds
        );
        println!("  worst:");
        for (name, f1, ratio) in &report.worst {
            println!("    {f1:.4} {ratio:.4}  {name}");
        }
        println!("  {}", if pass { "PASS" } else { "FAIL" });
    }
    Ok(verdict(pass))
}

pub fn robustness(args: RobustnessArgs) -> anyhow::Result<ExitCode> {
    let report = clausal::eval::robustness(&args.data)?;
    let rss_ok = report.peak_rss_bytes.is_none_or(|b| b <= args.max_rss_mib << 20);
    let pass = report.panics.is_empty() && rss_ok;
    if args.json {
        print_json(&report, pass)?;
    } else {
        println!(
            "robustness on {}: {} files, {} documents",
            args.data.display(),
            report.files,
            report.documents
        );
        for (outcome, n) in &report.outcomes {
            println!("  {n:6}  {outcome}");
        }
        if let Some((file, seconds)) = &report.slowest {
            println!("  slowest file     {seconds:.2} s  {file}");
        }
        if let Some(bytes) = report.peak_rss_bytes {
            println!(
                "  peak RSS         {:.0} MiB (limit {} MiB)",
                bytes as f64 / 1048576.0,
                args.max_rss_mib
            );
        }
        for file in &report.panics {
            println!("  PANIC            {file}");
        }
        println!("  {}", if pass { "PASS" } else { "FAIL" });
    }
    Ok(verdict(pass))
}

/// The accuracy each fact must reach (issue 4).
const FACT_THRESHOLDS: &[(&str, f64)] = &[
    ("governing law", 0.90),
    ("agreement date", 0.85),
    ("renewal term", 0.70),
    ("notice period to terminate renewal", 0.70),
];

pub fn facts(args: FactsArgs) -> anyhow::Result<ExitCode> {
    let report = clausal::eval::facts(&args.data)?;
    let threshold =
        |name: &str| FACT_THRESHOLDS.iter().find(|(n, _)| *n == name).map_or(0.0, |(_, t)| *t);
    let pass = report.accuracy.iter().all(|(name, _, _, acc)| *acc >= threshold(name));
    if args.json {
        print_json(&report, pass)?;
    } else {
        println!("contract facts on {} ({} contracts)", args.data.display(), report.contracts);
        for (name, ok, n, acc) in &report.accuracy {
            println!("  {name:36} {acc:.3} ({ok}/{n}; threshold {})", threshold(name));
        }
        println!("  some errors (fact | contract | expected | predicted):");
        for (name, stem, expected, predicted) in &report.errors {
            println!("    {name} | {stem:.50} | {expected:.40} | {predicted:.40}");
        }
        println!("  {}", if pass { "PASS" } else { "FAIL" });
    }
    Ok(verdict(pass))
}

pub fn segmentation(args: SegmentationArgs) -> anyhow::Result<ExitCode> {
    let r = clausal::eval::segmentation(&args.data)?;
    let pass = r.within_one_clause >= 0.85 && r.median_words <= 120;
    if args.json {
        print_json(&r, pass)?;
    } else {
        println!(
            "segmentation on {} ({} contracts, {} clauses)",
            args.data.display(),
            r.contracts,
            r.clauses
        );
        println!(
            "  labelled spans   {} located, {} not in the text verbatim (skipped)",
            r.spans_located, r.spans_missing
        );
        println!("  within 1 clause  {:.2}% (threshold 85%)", 100.0 * r.within_one_clause);
        println!(
            "  clause words     median {} (threshold 120), p90 {}, max {}",
            r.median_words, r.p90_words, r.max_words
        );
        println!("  numbered         {:.1}% of clauses", 100.0 * r.numbered_share);
        println!("  speed            {:.0} clauses per CPU-second", r.clauses_per_cpu_second);
        println!("  {}", if pass { "PASS" } else { "FAIL" });
    }
    Ok(verdict(pass))
}

pub fn email(args: EmailArgs) -> anyhow::Result<ExitCode> {
    let r = clausal::eval::email(&args.data)?;
    let share = |a: usize, n: usize| a as f64 / n.max(1) as f64;
    let pass =
        r.messages > 0 && r.agreement.iter().all(|(_, a, n)| share(*a, *n) >= args.min_agreement);
    if args.json {
        print_json(&r, pass)?;
    } else {
        println!(
            "email vs mail-parser expected outputs: {} messages in {}",
            r.messages,
            args.data.display()
        );
        for (field, a, n) in &r.agreement {
            println!("  {field:12} {a:4}/{n:<4} {:.1}%", 100.0 * share(*a, *n));
        }
        println!("  body word overlap (mean) {:.3}", r.mean_body_overlap);
        let shown = if args.all_differences { r.differences.len() } else { 10 };
        for (file, field, ours, theirs) in r.differences.iter().take(shown) {
            println!("  DIFF {file} [{field}]\n     ours: {ours}\n     want: {theirs}");
        }
        println!(
            "  {} (threshold {:.0}% per field)",
            if pass { "PASS" } else { "FAIL" },
            100.0 * args.min_agreement
        );
    }
    Ok(verdict(pass))
}
