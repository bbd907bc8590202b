//! `footprint dupes`: walk and hash only, for a fast duplicate search.

use crate::app::config::Config;
use crate::cmd::audit::{AuditError, interrupted, owners, walk_stage};
use crate::report::dupes::{DupesReport, DupesSummary};
use crate::report::{ErrorEntry, SCHEMA_VERSION, Tool};
use crate::util::pathfmt;
use crate::util::progress::Progress;

/// Walks the roots and finds duplicate groups.
pub fn run(cfg: &Config, log: &Progress) -> Result<DupesReport, AuditError> {
    let walked = walk_stage(cfg, log, 1, 2)?;
    let files = walked.files;
    let mut cache = crate::cache::Session::start(
        cfg.cache_dir.as_deref(),
        &cfg.walk.roots,
        &files,
        &[],
        true,
        log,
    );
    let bar = log.phase(2, 2, "Hashing", Some(0));
    bar.set_message(format!("{} readers (--io-threads)", cfg.io_threads));
    let dup = crate::hash::find_duplicates_cached(&files, &cache, cfg.io_threads, &bar);
    bar.finish_and_clear();
    cache.save(&files, &dup.computed, &[], log);
    interrupted()?;
    let mut errors = walked.errors;
    for e in dup.errors {
        log.warn_file(&e);
        errors.push(e);
    }
    crate::cmd::audit::sort_errors(&mut errors);
    let bytes = files
        .iter()
        .zip(owners(&files))
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
        schema_version: SCHEMA_VERSION,
        tool: Tool::default(),
        generated_at: crate::util::timefmt::rfc3339(std::time::SystemTime::now()),
        roots: cfg.walk.roots.iter().map(|r| pathfmt::display(r)).collect(),
        summary,
        duplicates: dup.groups,
        errors: errors.iter().map(ErrorEntry::from).collect(),
    })
}
