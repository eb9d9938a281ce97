//! The `clausal` command-line program: a thin layer that parses arguments and calls the library.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod cmd;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command, ReviewCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let result = match cli.command {
        Command::Embed(args) => cmd::embed::run(args).map(|()| ExitCode::SUCCESS),
        Command::Demo(args) => cmd::demo::run(args).map(|()| ExitCode::SUCCESS),
        Command::Extract(args) => cmd::extract::run(args),
        Command::Eval(command) => clausal_eval::cli::run(command),
        Command::Clauses(args) => cmd::clauses::run(args),
        Command::Kinds(args) => cmd::kinds::run(args).map(|()| ExitCode::SUCCESS),
        Command::Train(args) => cmd::train::run(args).map(|()| ExitCode::SUCCESS),
        Command::Ingest(args) => cmd::index::ingest(args),
        Command::Search(args) => cmd::index::search(args),
        Command::Similar(args) => cmd::index::similar(args),
        Command::Stats(args) => cmd::index::stats(args),
        Command::Remove(args) => cmd::index::remove(args),
        Command::Verify(args) => cmd::index::verify(args),
        Command::Deadlines(args) => cmd::deadlines::deadlines(args).map(|()| ExitCode::SUCCESS),
        Command::Documents(args) => cmd::deadlines::documents(args).map(|()| ExitCode::SUCCESS),
        Command::Threads(args) => cmd::index::threads(args).map(|()| ExitCode::SUCCESS),
        Command::Flags(args) => cmd::risk::flags(args).map(|()| ExitCode::SUCCESS),
        Command::Risk(args) => cmd::risk::risk(args).map(|()| ExitCode::SUCCESS),
        Command::Rules(args) => cmd::risk::rules(args).map(|()| ExitCode::SUCCESS),
        Command::Library(command) => cmd::library::run(command),
        Command::Deviations(args) => cmd::library::deviations(args).map(|()| ExitCode::SUCCESS),
        Command::Export(args) => cmd::export::export(args).map(|()| ExitCode::SUCCESS),
        Command::Push(args) => cmd::export::push(args).map(|()| ExitCode::SUCCESS),
        Command::Report(args) => cmd::report::run(args).map(|()| ExitCode::SUCCESS),
        Command::Review(ReviewCommand::Next(args)) => {
            cmd::risk::review_next(args).map(|()| ExitCode::SUCCESS)
        }
        Command::Review(command) => match command {
            ReviewCommand::Next(_) => unreachable!("handled above"),
            ReviewCommand::Record(args) => cmd::review::record(args),
            ReviewCommand::Verify(args) => cmd::review::verify(args),
            ReviewCommand::Export(args) => cmd::review::export(args),
            ReviewCommand::Stats(args) => cmd::review::stats(args),
        }
        .map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = io::stdout().flush();
            eprintln!("error: {}", message_of(&err));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes in one line, each cause said once (an error whose message already
/// ends with its cause's is not followed by it again), with control characters escaped: a
/// message quotes file names and queries, which must not move the cursor or recolour the
/// terminal.
fn message_of(err: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if msg.ends_with(&text) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&text);
    }
    cmd::escape_controls(&msg)
}

fn init_tracing(verbose: u8) {
    // Third-party parsers narrate their repairs of damaged files; clausal reports what matters
    // per document, so their chatter is shown only from -vv on.
    let default = match verbose {
        0 => "warn,lopdf=off",
        1 => "info,lopdf=off",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CLAUSAL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(io::stderr).init();
}

/// A closed pipe (`clausal embed | head`) is a normal way to stop, not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Catches argument definitions that clap would only reject at run time (duplicate names,
    /// clashes with global flags).
    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn messages_say_each_cause_once_and_escape_control_characters() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let err = anyhow::Error::new(io).context("opening x: no such file").context("ingest");
        assert_eq!(super::message_of(&err), "ingest: opening x: no such file");
        let err = anyhow::anyhow!("bad query \u{1b}[31mred\u{7}");
        assert_eq!(super::message_of(&err), r"bad query \u{1b}[31mred\u{7}");
    }
}
