//! `clausal eval ...`: print quality figures; exit 1 when one is below its threshold.

use std::process::ExitCode;

use super::args::{
    CuadArgs, DeadlinesArgs, DocxArgs, EmailArgs, ExtractionArgs, FactsArgs, OcrArgs, OfficeArgs,
    ParityArgs, RobustnessArgs, RolesArgs, SegmentationArgs, ThroughputArgs,
};
use super::{print_json, verdict};

pub fn parity(args: ParityArgs) -> anyhow::Result<ExitCode> {
    let embedder = args.model.load()?;
    let report = crate::parity(&embedder, &args.reference)?;
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

pub fn throughput(args: ThroughputArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let embedder = args.model.load()?;
    let text = std::fs::read_to_string(&args.texts)
        .with_context(|| format!("cannot read {}", args.texts.display()))?;
    let texts: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let report = crate::throughput(&embedder, &texts, args.runs as usize)?;
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["threads"] = embedder.threads().into();
        println!("{value}");
    } else {
        println!(
            "clausal model={} engine={} threads={} texts={} tokens={}",
            report.model,
            report.engine,
            embedder.threads(),
            report.texts,
            report.tokens
        );
        let cpu = report.cpu_median_s.map_or("cpu unknown".to_owned(), |c| {
            format!("cpu median {c:.2}s -> {:.1} sentences per CPU-second", report.texts as f64 / c)
        });
        println!(
            "wall median {:.2}s -> {:.1} sentences/s (min {:.2}s max {:.2}s); {cpu}",
            report.wall_median_s,
            report.texts as f64 / report.wall_median_s,
            report.wall_min_s,
            report.wall_max_s,
        );
        if let Some(bytes) = report.peak_rss_bytes {
            println!("peak RSS {:.0} MiB", bytes as f64 / f64::from(1 << 20));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints a report as one JSON object with its verdict added as `pass`.
pub fn extraction(args: ExtractionArgs) -> anyhow::Result<ExitCode> {
    let report = crate::extraction(&args.data, args.sample)?;
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
    let report = crate::robustness(&args.data)?;
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

pub fn facts(args: FactsArgs) -> anyhow::Result<ExitCode> {
    let report = crate::facts(&args.data)?;
    let threshold =
        |name: &str| crate::MIN_FACTS.iter().find(|(n, _)| *n == name).map_or(0.0, |(_, t)| *t);
    let pass = report.accuracy.iter().all(|(name, _, _, acc)| *acc >= threshold(name));
    if args.json {
        print_json(&report, pass)?;
    } else {
        println!("contract facts on {} ({} contracts)", args.data.display(), report.contracts);
        println!("  normalisation: {}", report.normalisation);
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
    let r = crate::segmentation(&args.data)?;
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
    let r = crate::email(&args.data)?;
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

pub fn docx(args: DocxArgs) -> anyhow::Result<ExitCode> {
    let start = std::time::Instant::now();
    let r = crate::docx(&args.data, &args.soffice)?;
    let wall = start.elapsed().as_secs_f64();
    let pass = r.passes();
    if args.json {
        let mut value = serde_json::to_value(&r)?;
        value["label_recall"] = r.label_recall().into();
        value["label_precision"] = r.label_precision().into();
        value["wall_seconds"] = wall.into();
        value["pass"] = pass.into();
        println!("{value}");
    } else {
        let dirs: Vec<String> = args.data.iter().map(|d| d.display().to_string()).collect();
        println!("docx numbering vs LibreOffice's text export on {}", dirs.join(", "));
        println!(
            "  files            {} ({} scored; {} without LibreOffice text, {} failed)",
            r.files,
            r.scored,
            r.no_reference.len(),
            r.failed.len()
        );
        println!(
            "  label recall     {}/{} = {:.3} of LibreOffice's labels shown in order \
             (threshold {})",
            r.matched_labels,
            r.reference_labels,
            r.label_recall(),
            crate::MIN_LABEL_RECALL
        );
        println!(
            "  label precision  {}/{} = {:.3} of ours shown by LibreOffice (threshold {})",
            r.matched_labels,
            r.our_labels,
            r.label_precision(),
            crate::MIN_LABEL_PRECISION
        );
        println!("  rendered labels  {} (DOCX numbering)", r.rendered_labels);
        println!(
            "  word F1          mean {:.4} (threshold {}), pooled {:.4}",
            r.mean_word_f1,
            crate::MIN_MEAN_WORD_F1,
            r.pooled_word_f1
        );
        println!(
            "  time             {wall:.1} s wall: LibreOffice {:.1} s, clausal {:.2} s",
            r.libreoffice_seconds, r.extract_seconds
        );
        for file in &r.no_reference {
            println!("  NO TEXT  {file}");
        }
        for (file, error) in &r.failed {
            println!("  FAILED   {file}: {error}");
        }
        if args.all_differences {
            println!("  per file (LibreOffice labels, ours, matched, word F1):");
            for f in &r.per_file {
                println!(
                    "    {:4} {:4} {:4} {:.3}  {}",
                    f.reference_labels, f.our_labels, f.matched_labels, f.word_f1, f.file
                );
            }
        }
        let shown = if args.all_differences { r.differences.len() } else { 10 };
        println!("  label differences: {} stretches", r.differences.len());
        for d in r.differences.iter().take(shown) {
            println!(
                "    {}\n      libreoffice {:?} ours {:?} :: {}",
                d.file, d.libreoffice, d.ours, d.context
            );
        }
        println!("  {}", if pass { "PASS" } else { "FAIL" });
    }
    Ok(verdict(pass))
}

pub fn office(args: OfficeArgs) -> anyhow::Result<ExitCode> {
    let start = std::time::Instant::now();
    let r = crate::office(&args.data, &args.soffice)?;
    let wall = start.elapsed().as_secs_f64();
    let pass = r.passes();
    if args.json {
        let mut value = serde_json::to_value(&r)?;
        value["wall_seconds"] = wall.into();
        value["pass"] = pass.into();
        println!("{value}");
        return Ok(verdict(pass));
    }
    let dirs: Vec<String> = args.data.iter().map(|d| d.display().to_string()).collect();
    println!(".doc, RTF and ODT text vs LibreOffice's text export on {}", dirs.join(", "));
    println!(
        "  files   {} ({} without LibreOffice text, {} failed)",
        r.files,
        r.no_reference.len(),
        r.failed.len()
    );
    for f in &r.formats {
        println!(
            "  {:<4} {:3} files, {:3} scored: mean word F1 {:.4} (threshold {}; with our notes \
             {:.4}), pooled {:.4}",
            f.format,
            f.files,
            f.scored,
            f.mean_word_f1,
            crate::MIN_OFFICE_WORD_F1,
            f.mean_word_f1_with_notes,
            f.pooled_word_f1
        );
    }
    println!(
        "  time    {wall:.1} s wall: LibreOffice {:.1} s, clausal {:.2} s",
        r.libreoffice_seconds, r.extract_seconds
    );
    for (file, said) in &r.no_reference {
        println!("  NO TEXT  {file} (clausal: {said})");
    }
    for (file, error) in &r.failed {
        println!("  FAILED   {file}: {error}");
    }
    for f in r.per_file.iter().filter(|f| args.all_files || f.word_f1 < crate::MIN_OFFICE_WORD_F1) {
        println!(
            "    {:.3} (with notes {:.3}) {:5} words, ours {:5}  [{}] {}",
            f.word_f1, f.word_f1_with_notes, f.reference_words, f.our_words, f.detected, f.file
        );
    }
    println!("  {}", if pass { "PASS" } else { "FAIL" });
    Ok(verdict(pass))
}

pub fn ocr(args: OcrArgs) -> anyhow::Result<ExitCode> {
    let start = std::time::Instant::now();
    let scans =
        crate::make_scans(&args.data, &args.out, args.limit, args.max_pages, &args.pdftoppm)?;
    let made = start.elapsed().as_secs_f64();
    let r = crate::ocr(&scans, args.docs.as_deref(), made)?;
    let pass = r.passes();
    if args.json {
        print_json(&r, pass)?;
        return Ok(verdict(pass));
    }
    println!(
        "OCR ({}) of {} CUAD contracts made into scans ({} dpi, skew up to {}°, noise σ {})",
        r.engine,
        r.scans.len(),
        crate::SCAN_DPI,
        crate::MAX_SKEW_DEGREES,
        crate::NOISE_SIGMA
    );
    println!("  word F1       {:.4} mean (threshold {})", r.mean_word_f1, crate::MIN_OCR_WORD_F1);
    println!(
        "  sequence      {:.4} mean (threshold {})",
        r.mean_seq_ratio,
        crate::MIN_OCR_SEQ_RATIO
    );
    println!(
        "  speed         {} pages in {:.1} s wall ({} at once): {:.2} pages/s, {:.2} pages per \
         CPU-second (tesseract included); scans made in {:.1} s",
        r.pages,
        r.extract_wall_seconds,
        r.threads,
        r.pages_per_second,
        r.pages_per_cpu_second,
        r.make_seconds
    );
    for s in &r.scans {
        println!(
            "    F1 {:.3} seq {:.3} conf {:.2} {:3}/{:3} pages OCR'd  {}",
            s.word_f1, s.seq_ratio, s.confidence, s.ocr_pages, s.pages, s.file
        );
    }
    if let Some(docs) = &args.docs {
        println!(
            "  PDFs under {} with pages that need OCR: {}",
            docs.display(),
            r.image_only.len()
        );
        for d in &r.image_only {
            println!(
                "    {:4} -> {:4} words, {}/{} pages OCR'd (of {}) {}{}",
                d.words_without_ocr,
                d.words_with_ocr,
                d.ocr_pages,
                d.pages_needing_ocr,
                d.pages,
                d.file,
                if d.sample.is_empty() { String::new() } else { format!(": \"{}\"", d.sample) }
            );
            for n in &d.notes {
                println!("         {n}");
            }
        }
    }
    println!("  {}", if pass { "PASS" } else { "FAIL" });
    Ok(verdict(pass))
}

pub fn cuad(args: CuadArgs) -> anyhow::Result<ExitCode> {
    let options = clausal::TrainOptions::default();
    let folds = args.cv.map(|k| crate::Folds { k: k as usize, by: args.folds_by });
    let r = crate::cuad(&args.data, folds, &options, !args.no_facts)?;
    let failures = r.failures();
    let pass = failures.is_empty();
    if args.json {
        print_json(&r, pass)?;
        return Ok(verdict(pass));
    }
    match r.folds {
        Some(folds) => println!(
            "CUAD {} ({} contracts, {} clauses, {folds} by contract)",
            args.data.display(),
            r.contracts,
            r.clauses
        ),
        None => println!(
            "CUAD {} ({} contracts, {} clauses, shipped classifier: trained on {} of them)",
            args.data.display(),
            r.contracts,
            r.clauses,
            r.contracts_seen_in_training
        ),
    }
    let table = |title: &str, scores: &[crate::CategoryScore], unit: &str| {
        println!("  {title}");
        println!("    {:<36} {:>7} {:>6} {:>6} {:>6}", "category", unit, "P", "R", "F1");
        for s in scores {
            let mark = if s.positive_contracts >= crate::MIN_SUPPORT { ' ' } else { '*' };
            println!(
                "   {mark}{:<36} {:>7} {:>6.3} {:>6.3} {:>6.3}",
                s.category, s.support, s.precision, s.recall, s.f1
            );
        }
    };
    table("document level (contract contains the category)", &r.document_level, "pos");
    println!(
        "  document macro-F1 {:.3} (threshold {}; * = fewer than {} positive contracts, not averaged)",
        r.document_macro_f1,
        crate::MIN_DOC_MACRO_F1,
        crate::MIN_SUPPORT
    );
    table(
        "clause level (clause overlapping a gold span carries its kind)",
        &r.clause_level,
        "spans",
    );
    println!(
        "  clause macro-F1 {:.3} (threshold {})",
        r.clause_macro_f1,
        crate::MIN_CLAUSE_MACRO_F1
    );
    println!(
        "  segmentation: {:.2}% of {} located spans within one clause ({} not located), median clause {} words",
        100.0 * r.within_one_clause,
        r.spans_located,
        r.spans_unlocated,
        r.median_clause_words
    );
    println!(
        "  force majeure: recall {:.3} of {} provisions, precision {:.3} of {} typed clauses",
        r.fm_recall, r.fm_provisions, r.fm_precision, r.fm_typed_clauses
    );
    let limit = if args.all_cases { usize::MAX } else { 10 };
    for m in r.fm_misses.iter().take(limit) {
        println!("    miss  {} | {} | {}", m.contract, m.label, m.text);
    }
    for m in r.fm_false_positives.iter().take(limit) {
        println!("    false {} | {} | {:.2} | {}", m.contract, m.label, m.score, m.text);
    }
    if let Some(f) = &r.facts {
        println!("  facts ({} contracts; {})", f.contracts, f.normalisation);
        for (name, ok, n, acc) in &f.accuracy {
            println!("    {name:<36} {ok:>4}/{n:<4} {acc:.3}");
        }
    }
    println!(
        "  speed: {:.0} clauses per CPU-second (segment + classify + facts)",
        r.clauses_per_cpu_second
    );
    for f in &failures {
        println!("  below threshold: {f}");
    }
    println!("  {}", if pass { "PASS" } else { "FAIL" });
    Ok(verdict(pass))
}

pub fn deadlines(args: DeadlinesArgs) -> anyhow::Result<ExitCode> {
    let r = crate::deadlines(&args.data)?;
    let pass = !r.fields.is_empty() && r.fields.iter().all(|f| f.accuracy >= f.threshold);
    if args.json {
        print_json(&r, pass)?;
        return Ok(verdict(pass));
    }
    println!("key dates on {} ({} contracts)", args.data.display(), r.contracts);
    println!("  per field, over the contracts whose answer states one:");
    for f in &r.fields {
        let rate = |(ok, n): (usize, usize)| ok as f64 / n.max(1) as f64;
        println!(
            "  {:36} {:.3} ({}/{}; threshold {}; no date given for {}) development {:.3} ({}/{}), held-out types {:.3} ({}/{})",
            f.field,
            f.accuracy,
            f.correct,
            f.stated,
            f.threshold,
            f.unknown,
            rate(f.development),
            f.development.0,
            f.development.1,
            rate(f.held_out),
            f.held_out.0,
            f.held_out.1
        );
    }
    println!("  expiration by status (correct/total):");
    for (status, (ok, n)) in &r.expiry_by_status {
        println!("    {status:12} {ok}/{n}");
    }
    println!("  some misses on the development folds (field | contract | expected | predicted):");
    for (field, stem, expected, predicted) in &r.errors {
        println!("    {field} | {stem:.50} | {expected:.30} | {predicted:.90}");
    }
    println!("  {}", if pass { "PASS" } else { "FAIL" });
    Ok(verdict(pass))
}

pub fn roles(args: RolesArgs) -> anyhow::Result<ExitCode> {
    let labels = args.labels.clone().unwrap_or_else(|| {
        std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/roles"))
    });
    let r = crate::roles(&labels, &args.data)?;
    let pass = r.passes();
    if args.json {
        let mut value = serde_json::to_value(&r)?;
        value["accuracy"] = r.accuracy().into();
        value["link_accuracy"] = r.link_accuracy().into();
        value["pass"] = pass.into();
        println!("{value}");
        return Ok(verdict(pass));
    }
    println!(
        "document roles vs labels in {} (documents under {})",
        labels.display(),
        args.data.display()
    );
    println!(
        "  documents        {} labelled, {} scored, {} not found",
        r.labelled,
        r.scored,
        r.not_found.len()
    );
    println!(
        "  role accuracy    {}/{} = {:.3} (threshold {})",
        r.correct,
        r.scored,
        r.accuracy(),
        crate::MIN_ROLE_ACCURACY
    );
    for (label, row) in &r.confusion {
        let cells: Vec<String> = row.iter().map(|(p, n)| format!("{p} {n}")).collect();
        println!("    {label:<15} -> {}", cells.join(", "));
    }
    println!(
        "  amendment links  {}/{} = {:.3} of amendments whose agreement is in the set (threshold {}); \
         {} wrong links, {} unlinked",
        r.linked_right,
        r.linkable,
        r.link_accuracy(),
        crate::MIN_LINK_ACCURACY,
        r.wrong_links.len(),
        r.unlinked.len()
    );
    for m in &r.misses {
        println!("  miss: {} is {} (said {}: {})", m.doc, m.label, m.predicted, m.reason);
    }
    for (a, l, t) in &r.wrong_links {
        println!("  wrong link: {a} -> {l} (label: {})", t.as_deref().unwrap_or("not in the set"));
    }
    for u in &r.unlinked {
        println!("  unlinked: {u}");
    }
    for n in &r.not_found {
        println!("  not found: {n}");
    }
    if std::env::var_os("CLAUSAL_EVAL_EXPLAIN").is_some() {
        for d in &r.details {
            println!("  link detail: {d}");
        }
    }
    println!("  {}", if pass { "PASS" } else { "FAIL" });
    Ok(verdict(pass))
}
