//! `clausal report`: a static, offline HTML report of an index (the `clausal-report` crate).

use std::io::Write;

use anyhow::Context;
use clausal::ReviewStore;
use clausal::risk::RiskQuery;
use clausal_report::{ReportOptions, write_report};

use super::index::open;
use super::risk::pack_of;
use crate::args::ReportArgs;

pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    let mut options = match &args.as_of {
        Some(date) => ReportOptions::new(date.clone())?,
        None => ReportOptions::default(),
    };
    options.horizon_days = args.within;
    options.page_size = args.page_size;
    if let Some(title) = &args.title {
        options.title = title.clone();
    }
    let index = open(&args.index)?;
    let embedder = args.model.load()?;
    let engine = super::library::engine_for(&args.index, pack_of(&args.pack)?, &embedder)?;
    let mut query = RiskQuery::new().as_of(options.as_of.clone());
    query.feedback = !args.no_feedback;
    let searcher = index.reader()?.searcher();
    let risk = engine.risk(&searcher, &query, &embedder)?;
    let store_path = index.review_store_path();
    let review =
        if store_path.exists() { Some(ReviewStore::open_existing(&store_path)?) } else { None };
    let summary = write_report(&searcher, &risk, review.as_ref(), &args.output, &options)
        .with_context(|| format!("writing the report to {}", args.output.display()))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "wrote {} ({} documents, {} flags, deadlines within {} days: {}; {} files, {:.1} MB, \
         largest {} KB)",
        summary.index_html.display(),
        summary.documents,
        summary.flags,
        options.horizon_days,
        summary.deadlines,
        summary.files,
        summary.bytes as f64 / 1e6,
        summary.largest_bytes.div_ceil(1000),
    )?;
    Ok(())
}
