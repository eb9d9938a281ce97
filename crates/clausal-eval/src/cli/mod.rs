//! `clausal eval ...`: the evaluation programs as subcommands of the `clausal` program. Each
//! prints its figures (or one JSON object with `--json`) and exits 1 when a figure is below its
//! threshold.

// These are the `clausal eval` commands: printing their figures is what they are for.
#![allow(clippy::print_stdout, clippy::print_stderr)]

// clap turns doc comments into help text: each flag and subcommand has its doc there, and the
// argument structs that only group flags carry none, as their help would show it. The help
// says `cuda[:N]`, which rustdoc would read as a link.
#[allow(missing_docs, rustdoc::broken_intra_doc_links)]
mod args;
mod quality;
mod risk;
mod search;

use std::process::ExitCode;

pub use args::*;

/// Runs one evaluation subcommand; the exit code says whether its figures passed.
///
/// # Errors
///
/// When the data cannot be read or the engine fails; a figure below its threshold is not an
/// error (exit code 1).
pub fn run(command: EvalCommand) -> anyhow::Result<ExitCode> {
    match command {
        EvalCommand::Parity(args) => quality::parity(args),
        EvalCommand::Throughput(args) => quality::throughput(args),
        EvalCommand::Extraction(args) => quality::extraction(args),
        EvalCommand::Robustness(args) => quality::robustness(args),
        EvalCommand::Facts(args) => quality::facts(args),
        EvalCommand::Segmentation(args) => quality::segmentation(args),
        EvalCommand::Email(args) => quality::email(args),
        EvalCommand::Docx(args) => quality::docx(args),
        EvalCommand::Office(args) => quality::office(args),
        EvalCommand::Ocr(args) => quality::ocr(args),
        EvalCommand::Threads(args) => search::threads(args),
        EvalCommand::Cuad(args) => quality::cuad(args),
        EvalCommand::Acord(args) => search::acord(args),
        EvalCommand::Ingest(args) => search::ingest(args),
        EvalCommand::Latency(args) => search::latency(args),
        EvalCommand::Fm(args) => risk::eval_fm(args),
        EvalCommand::Deviations(args) => risk::eval_deviations(args),
        EvalCommand::Packs(args) => risk::eval_packs(args),
        EvalCommand::Rules(args) => risk::eval_rules(args),
        EvalCommand::Feedback(args) => risk::eval_feedback(args),
        EvalCommand::Roles(args) => quality::roles(args),
        EvalCommand::Deadlines(args) => quality::deadlines(args),
    }
}

pub(crate) fn print_json(report: &impl serde::Serialize, pass: bool) -> anyhow::Result<()> {
    let mut value = serde_json::to_value(report)?;
    value["pass"] = pass.into();
    println!("{value}");
    Ok(())
}

/// Exit 0 when every figure holds, 1 when one is below its threshold.
pub(crate) fn verdict(pass: bool) -> ExitCode {
    if pass { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
