//! `clausal flags | risk | rules | review next | eval fm | eval rules | eval feedback`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clausal::Searcher;
use clausal::risk::{Flag, Match, ReviewNote, RiskEngine, RiskQuery, RulePack};

use super::eval::{print_json, verdict};
use super::index::{filter_of, open};
use crate::args::{
    FeedbackEvalArgs, FlagsArgs, ReviewNextArgs, RiskEvalArgs, RulePackArgs, RulesArgs,
};

/// The built-in pack (unless `--no-builtin`) extended with the `--rules` files.
fn pack_of(args: &RulePackArgs) -> anyhow::Result<RulePack> {
    let mut pack = RulePack::builtin();
    if args.no_builtin {
        pack.rules.clear();
        pack.concepts.clear();
    }
    for file in &args.files {
        pack.extend_from_file(file)?;
    }
    Ok(pack)
}

fn query_of(args: &FlagsArgs, pack: &RulePack) -> anyhow::Result<RiskQuery> {
    for r in &args.rules {
        anyhow::ensure!(pack.rule(r).is_some(), "unknown rule {r:?} (see `clausal rules`)");
    }
    let mut q = RiskQuery::new().filter(filter_of(&args.filter)?).include_unflagged(args.all);
    q.rules = args.rules.clone();
    q.as_of = args.as_of.clone();
    q.feedback = !args.no_feedback;
    Ok(q)
}

struct Session {
    searcher: Searcher,
    engine: RiskEngine,
    embedder: clausal::BertEmbedder,
    query: RiskQuery,
}

fn session(args: &FlagsArgs) -> anyhow::Result<Session> {
    let index = open(&args.index)?;
    let embedder = args.model.load()?;
    let pack = pack_of(&args.pack)?;
    let query = query_of(args, &pack)?;
    let engine = RiskEngine::new(pack, &embedder).context("compiling the rule pack")?;
    Ok(Session { searcher: index.reader()?.searcher(), engine, embedder, query })
}

pub fn flags(args: FlagsArgs) -> anyhow::Result<()> {
    let s = session(&args)?;
    let mut flags = s.engine.flags(&s.searcher, &s.query, &s.embedder)?;
    if let Some(n) = args.limit {
        flags.truncate(n);
    }
    print_flags(&flags, args.json)
}

pub fn review_next(args: ReviewNextArgs) -> anyhow::Result<()> {
    let args = args.flags;
    let s = session(&args)?;
    let flags =
        s.engine.review_queue(&s.searcher, &s.query, &s.embedder, args.limit.unwrap_or(10))?;
    print_flags(&flags, args.json)
}

pub fn risk(args: FlagsArgs) -> anyhow::Result<()> {
    let s = session(&args)?;
    let mut docs = s.engine.risk(&s.searcher, &s.query, &s.embedder)?;
    if let Some(n) = args.limit {
        docs.truncate(n);
    }
    let mut out = std::io::stdout().lock();
    for d in &docs {
        if args.json {
            writeln!(out, "{}", serde_json::to_string(d)?)?;
            continue;
        }
        let counts: Vec<String> =
            d.by_severity.iter().rev().map(|(s, n)| format!("{n} {s}")).collect();
        writeln!(
            out,
            "{:.3}  {}  {}  [{}]",
            d.score,
            d.doc_id,
            d.path,
            if counts.is_empty() { "no flags".to_owned() } else { counts.join(", ") }
        )?;
        for f in d.flags.iter().take(5) {
            writeln!(out, "         {:.2} {} ({})", f.score, f.rule_id, f.severity)?;
        }
    }
    Ok(())
}

pub fn rules(args: RulesArgs) -> anyhow::Result<()> {
    let pack = pack_of(&args.pack)?;
    if args.json {
        println!("{}", serde_json::to_string(&pack)?);
        return Ok(());
    }
    println!("rule pack from {}", pack.origins.join(", "));
    for r in &pack.rules {
        let what = match r.scope {
            clausal::risk::Scope::Clause => {
                let kinds: Vec<&str> = r.kinds.iter().map(|k| k.id()).collect();
                format!(
                    "clauses: {}",
                    if kinds.is_empty() { "all".into() } else { kinds.join(", ") }
                )
            }
            clausal::risk::Scope::Document => "document".to_owned(),
        };
        println!(
            "{:<30} v{:<3} {:<8} {}{}  [{what}]",
            r.id,
            r.version,
            r.severity,
            r.title,
            if r.enabled { "" } else { " (disabled)" }
        );
    }
    println!("concepts: {}", pack.concepts.keys().cloned().collect::<Vec<_>>().join(", "));
    Ok(())
}

fn print_flags(flags: &[Flag], json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for f in flags {
        if json {
            writeln!(out, "{}", serde_json::to_string(f)?)?;
            continue;
        }
        let mark = if f.flagged { "FLAG" } else { "cand" };
        writeln!(
            out,
            "{mark} {:.2} [{}] {} v{}: {}",
            f.score, f.severity, f.rule_id, f.rule_version, f.title
        )?;
        match &f.clause {
            Some(c) => writeln!(
                out,
                "     {} clause {} {} {} (bytes {}..{}) text {}",
                f.path,
                c.id,
                c.number.as_deref().unwrap_or("-"),
                c.heading.as_deref().unwrap_or(""),
                c.span.start,
                c.span.end,
                c.text_hash
            )?,
            None => writeln!(out, "     {} (document {})", f.path, f.doc_id)?,
        }
        if let Some(c) = &f.clause {
            writeln!(out, "     \"{}\"", c.excerpt)?;
        }
        for k in &f.kinds {
            writeln!(out, "     kind {} {:.2}", k.kind.id(), k.score)?;
        }
        for p in &f.present {
            for e in &p.evidence {
                writeln!(
                    out,
                    "     found {}: \"{}\" at {}..{}{}",
                    p.concept,
                    e.text,
                    e.span.start,
                    e.span.end,
                    how(&e.how)
                )?;
            }
        }
        for m in &f.missing {
            match &m.nearest {
                Some(e) => writeln!(
                    out,
                    "     missing {}: nearest phrase \"{}\"{}",
                    m.concept,
                    e.text,
                    how(&e.how)
                )?,
                None => writeln!(out, "     missing {}", m.concept)?,
            }
        }
        for line in &f.facts {
            writeln!(out, "     fact: {line}")?;
        }
        if let Some(e) = &f.nearest_exemplar {
            writeln!(
                out,
                "     nearest exemplar ({}, {:.2}): \"{}\"",
                e.source, e.similarity, e.text
            )?;
        }
        match &f.review {
            Some(ReviewNote::Decided { verdict, reviewer, time, seq }) => {
                writeln!(out, "     reviewed: {verdict} by {reviewer} at {time} (entry {seq})")?;
            }
            Some(ReviewNote::Demoted { similarity, text_hash, reviewer }) => writeln!(
                out,
                "     demoted: {similarity:.3} similar to a clause {reviewer} dismissed ({text_hash})"
            )?,
            Some(ReviewNote::Adjusted { from, confirmed, dismissed }) => writeln!(
                out,
                "     feedback: {from:.2} -> {:.2} from {confirmed} confirmed and {dismissed} dismissed similar clauses",
                f.score
            )?,
            None => {}
        }
    }
    Ok(())
}

fn how(m: &Match) -> String {
    match m {
        Match::Term => String::new(),
        Match::Semantic { exemplar, similarity } => format!(" (~ \"{exemplar}\" {similarity:.2})"),
    }
}

fn folds(k: usize) -> Option<usize> {
    (k > 0).then_some(k)
}

fn print_cases(title: &str, cases: &[clausal::eval::RiskCase], all: bool) {
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
    let r = clausal::eval::fm(&args.data, folds(args.cv), &embedder)?;
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
        r.folds
            .map_or("the shipped classifier".to_owned(), |k| format!("{k}-fold cross-validation")),
        r.rule_seconds
    );
    println!(
        "  fm-no-pandemic: recall {:.3} ({}/{} provisions without epidemic cover flagged; threshold {})",
        r.recall,
        r.non_covering_flagged,
        r.non_covering,
        clausal::eval::MIN_FM_RULE_RECALL
    );
    println!(
        "  fm-no-pandemic: covering provisions flagged {:.3} ({}/{}; at most {})",
        r.covering_flagged_share,
        r.covering_flagged,
        r.covering,
        clausal::eval::MAX_FM_COVERING_FLAGGED
    );
    println!(
        "  fm-no-pandemic: precision {:.3} ({}/{} flags on a provision without epidemic cover; threshold {})",
        r.precision,
        r.true_flags,
        r.flags,
        clausal::eval::MIN_FM_RULE_PRECISION
    );
    println!(
        "  no-force-majeure: precision {:.3} ({}/{}), recall {:.3} ({}/{} contracts without one; threshold {})",
        r.no_fm_precision,
        r.no_fm_right,
        r.no_fm_flagged,
        r.no_fm_recall,
        r.no_fm_right,
        r.without_fm,
        clausal::eval::MIN_NO_FM
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
    let r = clausal::eval::rules(&args.data, folds(args.cv), &embedder)?;
    if args.json {
        print_json(&r, true)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "rules vs CUAD categories, document level ({} contracts, clauses typed by {})",
        r.contracts,
        r.folds
            .map_or("the shipped classifier".to_owned(), |k| format!("{k}-fold cross-validation"))
    );
    println!(
        "    {:<30} {:<30} {:>5} {:>6} {:>6} {:>6} {:>6}",
        "rule", "category", "pos", "fired", "P", "R", "F1"
    );
    for s in &r.rules {
        let cat = if s.on_presence { s.category.clone() } else { format!("no {}", s.category) };
        println!(
            "    {:<30} {:<30} {:>5} {:>6} {:>6.3} {:>6.3} {:>6.3}",
            s.rule, cat, s.positives, s.fired, s.precision, s.recall, s.f1
        );
    }
    println!("  flags per rule (all contracts):");
    for (rule, n) in &r.flags_per_rule {
        println!("    {rule:<30} {n}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn eval_feedback(args: FeedbackEvalArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let embedder = common.model.load()?;
    let r = clausal::eval::feedback(&common.data, &args.rule, folds(common.cv), &embedder)?;
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
        r.folds
            .map_or("the shipped classifier".to_owned(), |k| format!("{k}-fold cross-validation"))
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
