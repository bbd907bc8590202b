//! The `footprint` binary: parse, configure, run, map to an exit code.

use clap::Parser;
use footprint::app::cli::{Cli, Command};
use footprint::app::config::Config;
use footprint::util::error::Exit;
use std::process::ExitCode;

fn main() -> ExitCode {
    footprint::util::arenas::one_per_core();
    footprint::util::cancel::install_handler();
    footprint::catalog::read::quiet_decoder_panics();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Audit(args) => {
            Config::from_audit(args).and_then(|cfg| footprint::cmd::audit::run(&cfg))
        }
        Command::Dupes(args) => {
            Config::from_dupes(args).and_then(|cfg| footprint::cmd::dupes::run(&cfg))
        }
        Command::Check(args) => footprint::cmd::check::run(args),
        Command::Info(args) => footprint::cmd::info::run(args),
        Command::Diff(args) => footprint::cmd::scans::diff(args),
        Command::Fleet(args) => footprint::cmd::scans::fleet(args),
        Command::Targets(args) => footprint::cmd::check::list(args),
        Command::Cache(args) => footprint::cmd::cache::run(args),
    };
    match result {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(err) => {
            // A closed pipe (`footprint audit … | head`) is not a failure.
            let broken_pipe = err.chain().any(|e| {
                let kind = match e.downcast_ref::<serde_json::Error>() {
                    Some(json) => json.io_error_kind(),
                    None => e.downcast_ref::<std::io::Error>().map(|io| io.kind()),
                };
                kind == Some(std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("footprint: error: {err:#}");
            ExitCode::from(Exit::Fatal as u8)
        }
    }
}
