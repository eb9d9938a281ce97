//! `clausal flags | risk | rules | review next`.

use std::io::Write;

use clausal::Searcher;
use clausal::risk::{Flag, Match, ReviewNote, RiskEngine, RiskQuery, RulePack};

use super::index::{filter_of, open};
use crate::args::{FlagsArgs, ReviewNextArgs, RulePackArgs, RulesArgs};

/// The built-in pack (unless `--no-builtin`) extended with the `--pack` packs and the
/// `--rules` files.
pub(crate) fn pack_of(args: &RulePackArgs) -> anyhow::Result<RulePack> {
    let mut pack = RulePack::builtin();
    if args.no_builtin {
        pack.rules.clear();
        pack.concepts.clear();
    }
    for name in &args.packs {
        pack.extend_named(name)?;
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
    let engine = super::library::engine_for(&args.index, pack, &embedder)?;
    Ok(Session { searcher: index.reader()?.searcher(), engine, embedder, query })
}

pub fn flags(args: FlagsArgs) -> anyhow::Result<()> {
    let s = session(&args)?;
    let mut flags = s.engine.flags(&s.searcher, &s.query, &s.embedder)?;
    if let Some(n) = args.limit {
        flags.truncate(n);
    }
    if args.csv {
        return flags_csv(&flags);
    }
    print_flags(&flags, args.json)
}

/// `flags --csv`: one row per flag, a header row first.
fn flags_csv(flags: &[Flag]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    w.write_record([
        "flagged",
        "score",
        "severity",
        "rule",
        "version",
        "title",
        "document",
        "source",
        "clause",
        "number",
        "heading",
        "start",
        "end",
        "missing",
        "facts",
        "superseded_by",
        "excerpt",
    ])?;
    for f in flags {
        let c = f.clause.as_ref();
        let missing: Vec<&str> = f.missing.iter().map(|m| m.concept.as_str()).collect();
        w.write_record([
            if f.flagged { "yes" } else { "no" },
            &format!("{:.3}", f.score),
            &f.severity.to_string(),
            &f.rule_id,
            &f.rule_version,
            &f.title,
            &f.doc_id,
            &f.source,
            &c.map(|c| c.id.to_string()).unwrap_or_default(),
            c.and_then(|c| c.number.as_deref()).unwrap_or(""),
            c.and_then(|c| c.heading.as_deref()).unwrap_or(""),
            &c.map(|c| c.span.start.to_string()).unwrap_or_default(),
            &c.map(|c| c.span.end.to_string()).unwrap_or_default(),
            &missing.join("; "),
            &f.facts.join("; "),
            &f.superseded.as_ref().map(|s| s.source.clone()).unwrap_or_default(),
            c.map(|c| c.excerpt.as_str()).unwrap_or(""),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Each document's risk score and the rules of its open flags (not dismissed by a reviewer),
/// for the contract register; keyed by document id.
pub(crate) fn document_risk(
    index: &std::path::Path,
    pack: &RulePackArgs,
    model: &crate::args::ModelArgs,
    as_of: &str,
) -> anyhow::Result<std::collections::HashMap<String, (f32, Vec<String>)>> {
    let index_dir = index;
    let index = open(index_dir)?;
    let embedder = model.load()?;
    let pack = pack_of(pack)?;
    let engine = super::library::engine_for(index_dir, pack, &embedder)?;
    let query = RiskQuery::new().as_of(as_of);
    let docs = engine.risk(&index.reader()?.searcher(), &query, &embedder)?;
    Ok(docs
        .into_iter()
        .map(|d| {
            let mut rules: Vec<String> =
                d.flags.iter().filter(|f| f.flagged).map(|f| f.rule_id.clone()).collect();
            rules.dedup();
            (d.doc_id, (d.score, rules))
        })
        .collect())
}

pub fn review_next(args: ReviewNextArgs) -> anyhow::Result<()> {
    let args = args.flags;
    let s = session(&args)?;
    let flags =
        s.engine.review_queue(&s.searcher, &s.query, &s.embedder, args.limit.unwrap_or(10))?;
    if args.json {
        return print_flags(&flags, true);
    }
    // Each item with the command that records a decision on it, ready to run.
    let index = super::shell_word(&args.index.display().to_string());
    let mut packs = String::new();
    for p in &args.pack.packs {
        packs.push_str(&format!(" --pack {}", super::shell_word(p)));
    }
    for f in &args.pack.files {
        packs.push_str(&format!(" --rules {}", super::shell_word(&f.display().to_string())));
    }
    for f in &flags {
        print_flags(std::slice::from_ref(f), false)?;
        let target = match &f.clause {
            Some(c) => format!("--text-hash {}", c.text_hash),
            None => continue,
        };
        println!(
            "     record: clausal review record --index {index}{packs} --rule {} --rule-version {} \
             {target} --verdict confirm|dismiss|needs-change --reviewer NAME",
            f.rule_id, f.rule_version
        );
    }
    Ok(())
}

pub fn risk(args: FlagsArgs) -> anyhow::Result<()> {
    let s = session(&args)?;
    let mut docs = s.engine.risk(&s.searcher, &s.query, &s.embedder)?;
    if let Some(n) = args.limit {
        docs.truncate(n);
    }
    if args.csv {
        let mut w = csv::Writer::from_writer(std::io::stdout().lock());
        w.write_record([
            "score",
            "document",
            "source",
            "role",
            "amends",
            "amended_by",
            "flags",
            "by_severity",
        ])?;
        for d in &docs {
            let rules: Vec<&str> =
                d.flags.iter().filter(|f| f.flagged).map(|f| f.rule_id.as_str()).collect();
            let counts: Vec<String> =
                d.by_severity.iter().rev().map(|(s, n)| format!("{n} {s}")).collect();
            w.write_record([
                &format!("{:.3}", d.score),
                &d.doc_id,
                &d.source,
                &d.role.map(|r| r.to_string()).unwrap_or_default(),
                d.amends.as_deref().unwrap_or(""),
                &d.amended_by.join("; "),
                &rules.join("; "),
                &counts.join(", "),
            ])?;
        }
        w.flush()?;
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    for d in &docs {
        if args.json {
            writeln!(out, "{}", serde_json::to_string(d)?)?;
            continue;
        }
        let counts: Vec<String> =
            d.by_severity.iter().rev().map(|(s, n)| format!("{n} {s}")).collect();
        let mut role = d.role.map(|r| format!(" ({r}")).unwrap_or_default();
        if let Some(a) = &d.amends {
            role.push_str(&format!(", amends {a}"));
        }
        if !d.amended_by.is_empty() {
            role.push_str(&format!(", amended by {}", d.amended_by.join(", ")));
        }
        if d.role.is_some() {
            role.push(')');
        }
        writeln!(
            out,
            "{:.3}  {}  {}{role}  [{}]",
            d.score,
            d.doc_id,
            d.source,
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
        let state = if !r.enabled {
            " (disabled)".to_owned()
        } else if let Some(p) = &r.policy {
            match pack.settings.policy_value(p) {
                v if v.is_empty() => format!(" (policy rule, silent: settings.{p} is not set)"),
                v => format!(" (policy rule: settings.{p} = {v})"),
            }
        } else {
            String::new()
        };
        println!("{:<30} v{:<3} {:<8} {}{state}  [{what}]", r.id, r.version, r.severity, r.title);
        if let Some(m) = &r.measured {
            let weight = pack.settings.weight(r);
            let short = if m.precision < 0.85 || m.recall < 0.70 {
                "; short of precision 0.85 / recall 0.70 (README \"Risk flags\")"
            } else {
                ""
            };
            println!(
                "{:<30} measured precision {:.3}, recall {:.3} ({}); risk weight {weight:.2}{short}",
                "", m.precision, m.recall, m.on
            );
        }
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
                f.source,
                c.id,
                c.number.as_deref().unwrap_or("-"),
                c.heading.as_deref().unwrap_or(""),
                c.span.start,
                c.span.end,
                c.text_hash
            )?,
            None => writeln!(out, "     {} (document {})", f.source, f.doc_id)?,
        }
        if let Some(s) = &f.superseded {
            writeln!(
                out,
                "     superseded: section {} is replaced by {} (document {})",
                s.section, s.source, s.doc_id
            )?;
        }
        if let Some(c) = &f.clause {
            writeln!(out, "     \"{}\"", c.excerpt)?;
            for r in &c.excuse {
                writeln!(out, "     excuse sentence at {}..{}", r.start, r.end)?;
            }
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
