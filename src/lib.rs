//! footprint: audit the storage weight of film, TV and animation post-production.
//!
//! The pipeline is a chain of stages, each a module: [`walk`] → [`inventory`]
//! (with [`classify`] and [`sequence`]) → [`probe`] → [`report`]. [`audit::run`]
//! chains them into one [`report::Report`], which the renderers draw.
#![warn(missing_docs)]

pub mod audit;
pub mod cancel;
pub mod classify;
pub mod cli;
pub mod config;
pub mod error;
pub mod fsutil;
pub mod hash;
pub mod inventory;
pub mod pathfmt;
pub mod probe;
pub mod progress;
pub mod report;
pub mod sequence;
pub mod timefmt;
pub mod units;
pub mod walk;

use anyhow::{Context, Result};
use cli::Format;
use config::Config;
use error::Exit;
use std::io::IsTerminal;

/// Runs `footprint audit` and returns the exit code.
pub fn run_audit(cfg: &Config) -> Result<Exit> {
    let log = progress::Progress::new(cfg.progress, cfg.warnings);
    // Fail before a long scan if the report cannot be written.
    let mut sink = output::Sink::open(cfg.output.as_deref())?;
    let report = match audit::run(cfg, &log) {
        Ok(r) => r,
        Err(audit::AuditError::Interrupted) => {
            sink.discard();
            eprintln!("footprint: interrupted");
            return Ok(Exit::Interrupted);
        }
        Err(e) => {
            sink.discard();
            return Err(e.into());
        }
    };
    let w = sink.writer();
    match cfg.format {
        Format::Json => report::json::write(&report, w),
        Format::Table => {
            let style = report::table::TableStyle {
                color: cfg.color,
                fit_terminal: cfg.output.is_none() && std::io::stdout().is_terminal(),
                top: cfg.top,
            };
            report::table::write(&report, &style, w)
        }
    }
    .and_then(|()| w.flush())
    .context("cannot write the report")?;
    sink.commit()?;
    Ok(Exit::Success)
}

mod output;
