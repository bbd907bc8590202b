//! Commands: each subcommand as a function of its validated settings,
//! returning the exit code. The only layer that knows every stage, the
//! renderers and the CLI at once; nothing below imports it.

pub mod audit;
pub mod cache;
pub mod check;
pub mod dupes;

use crate::app::config::{Config, OutputFormat};
use crate::app::output;
use crate::util::error::{self as error, Exit};
use crate::{report, util::progress};
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};

/// Runs `footprint audit` and returns the exit code.
pub fn run_audit(cfg: &Config) -> Result<Exit> {
    let log = progress::Progress::new(cfg.progress, cfg.warnings).verbose(cfg.verbose);
    // Fail before a long scan if a destination cannot be written.
    let mut sink = output::Sink::open(cfg.output.as_deref())?;
    let mut export = match &cfg.export {
        Some((path, fmt)) => Some((output::Sink::open(Some(path))?, *fmt)),
        None => None,
    };
    let result = audit::run(cfg, &log);
    let Some(report) = finish_scan(result, &mut sink, export.as_mut().map(|e| &mut e.0))? else {
        return Ok(Exit::Interrupted);
    };
    let style = table_style(cfg);
    render(sink, |w| match cfg.format {
        OutputFormat::Json => report::json::write(&report, w),
        OutputFormat::Csv => report::csv::write(&report, w),
        OutputFormat::Html => report::html::write(&report, w),
        _ => report::table::write(&report, &style, w),
    })?;
    if let Some((sink, fmt)) = export {
        render(sink, |w| report::export::write(&report, fmt, w))?;
    }
    // Last on the terminal, under the report: what went wrong, by kind.
    log.summarize(report.errors.iter().map(|e| (e.kind, e.path.as_str())));
    Ok(gate(&cfg.fail_on, &report.errors, &log))
}

/// `--fail-on`: exit 1 when a problem of a named class is in the report,
/// saying on stderr which gate tripped and how often.
fn gate(
    fail_on: &[error::FailOn],
    errors: &[report::ErrorEntry],
    log: &progress::Progress,
) -> Exit {
    let mut tripped = Vec::new();
    for class in fail_on {
        let n = errors
            .iter()
            .filter(|e| class.trips(e.kind, std::path::Path::new(&e.path)))
            .count();
        if n > 0 {
            let s = if n == 1 { "" } else { "s" };
            tripped.push(format!("{} ({n} problem{s})", class.name()));
        }
    }
    if tripped.is_empty() {
        Exit::Success
    } else {
        log.warn(&format!(
            "--fail-on tripped: {}; exit code 1",
            tripped.join(", ")
        ));
        Exit::CheckFailed
    }
}

/// Runs `footprint dupes` and returns the exit code.
pub fn run_dupes(cfg: &Config) -> Result<Exit> {
    let log = progress::Progress::new(cfg.progress, cfg.warnings).verbose(cfg.verbose);
    let mut sink = output::Sink::open(cfg.output.as_deref())?;
    let result = dupes::run(cfg, &log);
    let Some(report) = finish_scan(result, &mut sink, None)? else {
        return Ok(Exit::Interrupted);
    };
    let style = table_style(cfg);
    render(sink, |w| match cfg.format {
        OutputFormat::Json => report::dupes::write_json(&report, w),
        OutputFormat::List => report::dupes::write_list(&report, w),
        // `dupes` offers table, json and list only (DupesFormat).
        _ => report::dupes::write_table(&report, &style, w),
    })?;
    log.summarize(report.errors.iter().map(|e| (e.kind, e.path.as_str())));
    Ok(Exit::Success)
}

/// Turns a scan result into a report, or `None` after Ctrl-C; drops unfinished files.
fn finish_scan<R>(
    result: Result<R, audit::AuditError>,
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
            if matches!(e, audit::AuditError::Interrupted) {
                eprintln!("footprint: interrupted");
                Ok(None)
            } else {
                Err(e.into())
            }
        }
    }
}

fn table_style(cfg: &Config) -> report::table::TableStyle {
    report::table::TableStyle {
        color: cfg.color,
        fit_terminal: cfg.output.is_none() && std::io::stdout().is_terminal(),
        top: cfg.top,
    }
}

/// Draws into `sink`, flushes and moves a file into place.
fn render(
    mut sink: output::Sink,
    draw: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let w = sink.writer();
    draw(w)
        .and_then(|()| w.flush())
        .context("cannot write the report")?;
    sink.commit()
}
