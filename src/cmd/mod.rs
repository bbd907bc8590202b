//! Commands: each subcommand as a function of its validated settings,
//! returning the exit code. The only layer that knows every stage, the
//! renderers and the CLI at once; nothing below imports it.

pub mod audit;
pub mod cache;
pub mod check;
pub mod dupes;
pub mod info;
pub mod scans;
pub mod stages;

use crate::app::config::Config;
use crate::app::output;
use crate::report;
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};

/// Turns a scan result into a report, or `None` after Ctrl-C; drops unfinished files.
pub(crate) fn finish_scan<R>(
    result: Result<R, stages::AuditError>,
    sink: &mut output::Sink,
    export: Option<&mut output::Sink>,
) -> Result<Option<R>> {
    match result {
        Ok(r) => Ok(Some(r)),
        Err(e) => {
            sink.discard();
            if let Some(x) = export {
                x.discard();
            }
            if matches!(e, stages::AuditError::Interrupted) {
                eprintln!("footprint: interrupted");
                Ok(None)
            } else {
                Err(e.into())
            }
        }
    }
}

/// Table width when stdout is not a terminal and `--width` is not given.
const DEFAULT_WIDTH: u16 = 100;

pub(crate) fn table_style(cfg: &Config) -> report::table::TableStyle {
    let terminal = cfg.output.is_none() && std::io::stdout().is_terminal();
    fitted_style(cfg.color, terminal, cfg.width, cfg.top)
}

/// Tables for stdout (`terminal`) or elsewhere, fitted to `--width`.
pub(crate) fn fitted_style(
    color: bool,
    terminal: bool,
    width: Option<u16>,
    top: usize,
) -> report::table::TableStyle {
    report::table::TableStyle {
        color,
        fit_terminal: terminal && width.is_none(),
        // Off a terminal (a pipe, a file, CI logs) 100 columns unless told.
        width: match width {
            Some(0) => None,
            Some(w) => Some(w),
            None if terminal => None,
            None => Some(DEFAULT_WIDTH),
        },
        top,
    }
}

/// Draws into `sink`, flushes and moves a file into place.
pub(crate) fn render(
    mut sink: output::Sink,
    draw: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let w = sink.writer();
    draw(w)
        .and_then(|()| w.flush())
        .context("cannot write the report")?;
    sink.commit()
}
