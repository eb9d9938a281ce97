//! `clausal eval fm | rules | feedback`: the risk rules against CUAD's labels.

use std::process::ExitCode;

use super::args::{DeviationsEvalArgs, FeedbackEvalArgs, PacksEvalArgs, RiskEvalArgs};
use super::{print_json, verdict};

fn folds(k: usize, by: crate::FoldBy) -> Option<crate::Folds> {
    (k > 0).then_some(crate::Folds { k, by })
}

fn print_cases(title: &str, cases: &[crate::RiskCase], all: bool) {
    if cases.is_empty() {
        return;
    }
    println!("  {title} ({}):", cases.len());
    for c in cases.iter().take(if all { usize::MAX } else { 10 }) {
        println!(
            "    {} | {} | {} {}",
            c.contract,
            c.label,
            c.text,
            if c.note.is_empty() { String::new() } else { format!("[{}]", c.note) }
        );
    }
}

pub fn eval_fm(args: RiskEvalArgs) -> anyhow::Result<ExitCode> {
    let embedder = args.model.load()?;
    let r = crate::fm(&args.data, folds(args.cv, args.folds_by), &embedder)?;
    let failures = r.failures();
    let pass = failures.is_empty();
    if args.json {
        print_json(&r, pass)?;
        return Ok(verdict(pass));
    }
    println!(
        "force majeure rules on {} ({} contracts, clauses typed by {}; rules {:.1} s)",
        args.data.display(),
        r.contracts,
        r.folds.map_or("the shipped classifier".to_owned(), |folds| folds.to_string()),
        r.rule_seconds
    );
    println!(
        "  fm-no-pandemic: recall {:.3} ({}/{} provisions without epidemic cover flagged; threshold {})",
        r.recall,
        r.non_covering_flagged,
        r.non_covering,
        crate::MIN_FM_RULE_RECALL
    );
    println!(
        "  fm-no-pandemic: covering provisions flagged {:.3} ({}/{}; at most {})",
        r.covering_flagged_share,
        r.covering_flagged,
        r.covering,
        crate::MAX_FM_COVERING_FLAGGED
    );
    println!(
        "  fm-no-pandemic: precision {:.3} ({}/{} flags on a provision without epidemic cover; threshold {})",
        r.precision,
        r.true_flags,
        r.flags,
        crate::MIN_FM_RULE_PRECISION
    );
    println!(
        "  no-force-majeure: precision {:.3} ({}/{}), recall {:.3} ({}/{} contracts without one; threshold {}; {} contracts not typed agreements not judged)",
        r.no_fm_precision,
        r.no_fm_right,
        r.no_fm_flagged,
        r.no_fm_recall,
        r.no_fm_right,
        r.without_fm,
        crate::MIN_NO_FM,
        r.not_judged
    );
    print_cases("misses", &r.misses, args.all_cases);
    print_cases("covering provisions flagged", &r.covering_cases, args.all_cases);
    print_cases("false positives", &r.false_positives, args.all_cases);
    print_cases("no-force-majeure errors", &r.no_fm_errors, args.all_cases);
    print_cases("clauses covered by meaning alone", &r.semantic_matches, args.all_cases);
    for f in &failures {
        println!("  FAIL {f}");
    }
    println!("  {}", if pass { "PASS" } else { "FAIL" });
    Ok(verdict(pass))
}

pub fn eval_rules(args: RiskEvalArgs) -> anyhow::Result<ExitCode> {
    let embedder = args.model.load()?;
    let r = crate::rules(&args.data, folds(args.cv, args.folds_by), &embedder)?;
    if args.json {
        print_json(&r, true)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "rules vs CUAD categories, document level ({} contracts, clauses typed by {})",
        r.contracts,
        r.folds.map_or("the shipped classifier".to_owned(), |folds| folds.to_string())
    );
    println!(
        "    {:<30} {:<30} {:>5} {:>6} {:>6} {:>6} {:>6} {:>7}",
        "rule", "category", "pos", "fired", "P", "R", "F1", "judged"
    );
    for s in &r.rules {
        let cat = if s.on_presence { s.category.clone() } else { format!("no {}", s.category) };
        println!(
            "    {:<30} {:<30} {:>5} {:>6} {:>6.3} {:>6.3} {:>6.3} {:>7}",
            s.rule, cat, s.positives, s.fired, s.precision, s.recall, s.f1, s.judged
        );
    }
    println!(
        "  document rules are scored on the contracts typed agreements (`judged`): they judge an \
         amendment with the agreement it amends"
    );
    println!("  flags per rule (all contracts):");
    for (rule, n) in &r.flags_per_rule {
        println!("    {rule:<30} {n}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn eval_feedback(args: FeedbackEvalArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let embedder = common.model.load()?;
    let r =
        crate::feedback(&common.data, &args.rule, folds(common.cv, common.folds_by), &embedder)?;
    let failures = r.failures();
    let pass = failures.is_empty();
    if common.json {
        print_json(&r, pass)?;
        return Ok(verdict(pass));
    }
    println!(
        "feedback: a reviewer answering from CUAD's {:?} labels teaches {} ({} contracts, clauses typed by {})",
        r.category,
        r.rule,
        r.contracts,
        r.folds.map_or("the shipped classifier".to_owned(), |folds| folds.to_string())
    );
    println!(
        "    {:>9} {:>9} {:>9} {:>8} {:>7} {:>7}   {:>17} {:>7}",
        "decisions", "confirmed", "positives", "flagged", "P", "R", "P (no feedback)", "R"
    );
    for p in &r.points {
        println!(
            "    {:>9} {:>9} {:>9} {:>8} {:>7.3} {:>7.3}   {:>17.3} {:>7.3}",
            p.decisions,
            p.confirmed,
            p.positives,
            p.flagged,
            p.precision,
            p.recall,
            p.precision_without_feedback,
            p.recall_without_feedback
        );
    }
    for f in &failures {
        println!("  FAIL {f}");
    }
    println!(
        "  {}",
        if pass {
            "PASS (precision rose, above the same clauses without feedback; feedback lowered recall nowhere)"
        } else {
            "FAIL"
        }
    );
    Ok(verdict(pass))
}

pub fn eval_deviations(args: DeviationsEvalArgs) -> anyhow::Result<ExitCode> {
    let embedder = args.model.load()?;
    let limit = if args.all_cases { usize::MAX } else { 15 };
    if args.generated {
        let r = crate::generated(&embedder)?;
        let failures = r.failures();
        let pass = failures.is_empty();
        if args.json {
            print_json(&r, pass)?;
            return Ok(verdict(pass));
        }
        println!("deviations on edits generated from the starter library");
        println!(
            "  meaning-changing edits detected with the change named: {:.3} (at least {})",
            r.detected,
            crate::MIN_EDITS_DETECTED
        );
        for (edit, s) in &r.changes {
            println!("    {edit:<32} {}/{}", s.hits, s.edits);
        }
        println!(
            "  rewordings reported (not standard): {:.3} (at most {})",
            r.reported,
            crate::MAX_REWORDINGS_REPORTED
        );
        for (edit, s) in &r.rewordings {
            println!("    {edit:<32} {}/{}", s.hits, s.edits);
        }
        for c in r.cases.iter().take(limit) {
            println!("    {} | {} [{}]", c.source, c.text, c.note);
        }
        for f in &failures {
            println!("  FAIL {f}");
        }
        println!("  {}", if pass { "PASS" } else { "FAIL" });
        return Ok(verdict(pass));
    }
    let data = args.data.as_deref().expect("clap requires --data without --generated");
    let r = crate::outdated(data, folds(args.cv, args.folds_by), &embedder)?;
    let failures = r.failures();
    let pass = failures.is_empty();
    if args.json {
        print_json(&r, pass)?;
        return Ok(verdict(pass));
    }
    println!(
        "outdated force majeure with the starter library on {} ({} contracts, clauses typed by {})",
        data.display(),
        r.contracts,
        r.folds.map_or("the shipped classifier".to_owned(), |f| f.to_string())
    );
    println!(
        "  force majeure clauses: {} ({})",
        r.clauses,
        r.by_status.iter().map(|(s, n)| format!("{s} {n}")).collect::<Vec<_>>().join(", ")
    );
    println!(
        "  recall {:.3} ({}/{} provisions without epidemic cover marked outdated; at least {})",
        r.recall,
        r.non_covering_outdated,
        r.non_covering,
        crate::MIN_OUTDATED
    );
    println!(
        "  precision {:.3} ({}/{} outdated clauses on a provision without epidemic cover; at least {})",
        r.precision,
        r.outdated_right,
        r.outdated,
        crate::MIN_OUTDATED
    );
    println!(
        "  covering provisions marked outdated {:.3} ({}/{}; at most {})",
        r.covering_share,
        r.covering_outdated,
        r.covering,
        crate::MAX_COVERING_OUTDATED
    );
    for (title, cases) in [("misses", &r.misses), ("false positives", &r.false_positives)] {
        if cases.is_empty() {
            continue;
        }
        println!("  {title} ({}):", cases.len());
        for c in cases.iter().take(limit) {
            println!("    {} | {} [{}]", c.source, c.text, c.note);
        }
    }
    for f in &failures {
        println!("  FAIL {f}");
    }
    println!("  {}", if pass { "PASS" } else { "FAIL" });
    Ok(verdict(pass))
}

pub fn eval_packs(args: PacksEvalArgs) -> anyhow::Result<ExitCode> {
    let embedder = args.model.load()?;
    let r = crate::packs(&args.data, &embedder)?;
    let failures = r.failures();
    let pass = failures.is_empty();
    if args.json {
        print_json(&r, pass)?;
        return Ok(verdict(pass));
    }
    println!(
        "rule packs {} on {} ({} documents from {} sources; bars: precision {}, recall {} per rule)",
        crate::PACKS.join(", "),
        args.data.display(),
        r.documents,
        r.sources,
        crate::MIN_PACK_PRECISION,
        crate::MIN_PACK_RECALL
    );
    println!(
        "    {:<30} {:>5} {:>6} {:>6} {:>7} {:>7} {:>12}",
        "rule", "pos", "fired", "right", "P", "R", "on provision"
    );
    for s in &r.rules {
        println!(
            "    {:<30} {:>5} {:>6} {:>6} {:>7.3} {:>7.3} {:>12}",
            s.rule,
            s.positives,
            s.fired,
            s.right,
            s.precision,
            s.recall,
            s.on_provision.map_or("-".to_owned(), |n| format!("{n}/{}", s.right))
        );
    }
    if !r.not_agreements.is_empty() {
        println!(
            "  typed other than an agreement (document rules do not judge them): {} of {}: {}",
            r.not_agreements.len(),
            r.documents,
            r.not_agreements.join(", ")
        );
    }
    for s in &r.rules {
        for e in s.errors.iter().take(if args.all_cases { usize::MAX } else { 5 }) {
            println!("    {} {e}", s.rule);
        }
    }
    for f in &failures {
        println!("  FAIL {f}");
    }
    println!("  {}", if pass { "PASS" } else { "FAIL" });
    Ok(verdict(pass))
}
