//! `footprint dupes`: walk and hash only, for a fast duplicate search.

use super::stages::{self, AuditError, Steps};
use super::{finish_scan, render, table_style};
use crate::app::config::{Config, OutputFormat};
use crate::app::output;
use crate::report::dupes::{DupesReport, DupesSummary};
use crate::report::{self, ErrorEntry};
use crate::util::error::{Exit, Problems};
use crate::util::progress::Progress;
use anyhow::Result;

/// Runs `footprint dupes` and returns the exit code.
pub fn run(cfg: &Config) -> Result<Exit> {
    let log = Progress::new(cfg.progress, cfg.warnings).verbose(cfg.verbose);
    let mut sink = output::Sink::open(cfg.output.as_deref())?;
    let result = scan(cfg, &log);
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

/// Walks the roots and finds duplicate groups: the audit's first and
/// hashing stages, nothing else.
pub fn scan(cfg: &Config, log: &Progress) -> Result<DupesReport, AuditError> {
    let mut steps = Steps::new(2);
    let walked = stages::walk(cfg, log, &mut steps)?;
    let mut problems = Problems::new(walked.errors);
    let files = walked.files;
    let mut cache = crate::cache::Session::start(
        cfg.cache_dir.as_deref(),
        &cfg.walk.roots,
        &files,
        &[],
        true,
        log,
    );
    let mut dup = stages::hash(cfg, &files, &mut cache, log, &mut steps, &mut problems)?;
    let folders = stages::folders(cfg, &files, &mut dup);
    let errors = stages::sorted(problems);
    let bytes = files
        .iter()
        .zip(crate::walk::owners(&files))
        .filter(|(_, own)| *own)
        .map(|(f, _)| f.size)
        .sum();
    let summary = DupesSummary {
        files: files.len() as u64,
        bytes,
        groups: dup.groups.len() as u64,
        files_in_groups: dup.groups.iter().map(|g| g.paths.len() as u64).sum(),
        duplicate_bytes: dup.groups.iter().map(|g| g.wasted_bytes).sum(),
    };
    Ok(DupesReport {
        header: report::Header::now(&cfg.walk.roots),
        summary,
        duplicates: dup.groups,
        duplicate_folders: folders.duplicate_folders,
        overlapping_folders: folders.overlapping_folders,
        errors: errors.iter().map(ErrorEntry::from).collect(),
    })
}
