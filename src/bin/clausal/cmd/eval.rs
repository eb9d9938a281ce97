//! `clausal eval ...`: print quality figures; `Ok(false)` when one is below its threshold.

use crate::args::ParityArgs;

pub fn parity(args: ParityArgs) -> anyhow::Result<bool> {
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
    Ok(pass)
}
