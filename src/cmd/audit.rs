//! The audit pipeline: walk → classify → probe → hash → report.
//!
//! Each stage is a function over the previous stage's output, with its own
//! progress phase. Per-file problems accumulate as [`FileError`]s; only "no
//! root readable" and interruption end the run early.

use crate::app::config::Config;
use crate::classify::Kind;
use crate::classify::inventory::{self, Item};
use crate::report::{
    ByKind, ErrorEntry, FileRow, FolderWeight, MediaItem, Report, SCHEMA_VERSION, StageStatus,
    Stages, Summary, TargetWeight, Tool,
};
use crate::util::error::{ErrorKind, FileError};
use crate::util::progress::Progress;
use crate::walk::{self, FileEntry};
use crate::{util::pathbytes, util::pathfmt};
use std::collections::{HashMap, HashSet};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use thiserror::Error;

/// Why an audit stopped without a report.
#[derive(Debug, Error)]
pub enum AuditError {
    /// None of the roots could be read.
    #[error("no root could be read: {0}")]
    NoReadableRoot(String),
    /// Ctrl-C or SIGTERM.
    #[error("interrupted")]
    Interrupted,
}

/// Runs the whole audit and returns the report.
pub fn run(cfg: &Config, log: &Progress) -> Result<Report, AuditError> {
    let stages_total = 3 + usize::from(cfg.probe) + usize::from(cfg.hash);
    let mut step = 1;
    let walked = walk_stage(cfg, log, step, stages_total)?;
    let mut errors = Problems::new(walked.errors);
    let files = walked.files;

    step += 1;
    let bar = log.step(step, stages_total, "Classifying");
    bar.set_message(format!("{} files", files.len()));
    let mut inv = inventory::build(&files, cfg.probe);
    bar.finish_and_clear();
    for e in inv.errors.drain(..) {
        errors.add(e, log);
    }
    interrupted()?;

    let probe_files: Vec<usize> = if cfg.probe {
        inv.items
            .iter()
            .map(crate::probe::stage::probe_index)
            .collect()
    } else {
        Vec::new()
    };
    let mut cache = crate::cache::Session::start(
        cfg.cache_dir.as_deref(),
        &cfg.walk.roots,
        &files,
        &probe_files,
        cfg.hash,
        log,
    );

    let mut probed = vec![None; inv.items.len()];
    let mut probe_status = StageStatus::Skipped;
    if cfg.probe {
        step += 1;
        let bar = log.phase(step, stages_total, "Probing", Some(inv.items.len() as u64));
        let out = crate::probe::stage::run(
            &cfg.probe_settings(),
            log,
            &bar,
            &inv.items,
            &files,
            &mut cache,
        );
        bar.finish_and_clear();
        (probed, probe_status) = (out.results, out.status);
        interrupted()?;
    }

    let mut duplicates = Vec::new();
    let mut duplicate_members = Vec::new();
    if cfg.hash {
        step += 1;
        let bar = log.phase(step, stages_total, "Hashing", Some(0));
        bar.set_message(format!("{} readers (--io-threads)", cfg.io_threads));
        let dup = crate::hash::find_duplicates_cached(&files, &cache, cfg.io_threads, &bar);
        bar.finish_and_clear();
        cache.usage.hashes_computed = dup.fresh;
        cache.usage.hashes_from_cache = dup.from_cache;
        cache.save(&files, &dup.computed, &[], log);
        interrupted()?;
        for e in dup.errors {
            errors.add(e, log);
        }
        duplicates = dup.groups;
        duplicate_members = dup.members;
    }

    step += 1;
    let verifying = cfg.verify_mhl || cfg.verify_dcp;
    let bar = log.phase(
        step,
        stages_total,
        if verifying {
            "Verifying manifests"
        } else {
            "Checking manifests"
        },
        Some(0),
    );
    // Manifests are read while media items are assembled: neither needs the other.
    // So is the groundwork of the waste finder.
    let (((manifests, manifest_errors), (media, kinds, media_errors)), ground) = rayon::join(
        || {
            rayon::join(
                || {
                    crate::manifest::check(
                        &files,
                        cfg.verify_mhl,
                        cfg.verify_dcp,
                        cfg.io_threads,
                        &bar,
                    )
                },
                || media_items(&inv, probed, &files),
            )
        },
        || crate::waste::reclaim::Groundwork::new(&files, &inv.kinds),
    );
    bar.finish_and_clear();
    interrupted()?;
    for e in manifest_errors.into_iter().chain(media_errors) {
        errors.add(e, log);
    }
    let mut errors = errors.list;
    sort_errors(&mut errors);

    let roots = &cfg.walk.roots;
    // Waste, weights and (for a JSON report) the media array, whose
    // rendering is most of the output's cost, on whichever core is free.
    let json = cfg.format == crate::app::config::OutputFormat::Json
        && media.len() <= crate::report::json::MediaJson::MAX_ITEMS;
    let ((waste, (by_kind, summary_bytes, folders)), media_json) = rayon::join(
        || {
            rayon::join(
                || {
                    crate::waste::reclaim::assess(
                        &crate::waste::reclaim::Inputs {
                            files: &files,
                            kinds: &kinds,
                            items: &inv.items,
                            media: &media,
                            roots,
                            duplicate_groups: &duplicate_members,
                        },
                        ground,
                        cfg.top.max(1) * 2,
                    )
                },
                || {
                    let owns = owners(&files);
                    let (by_kind, bytes) = totals(&files, &kinds, &owns);
                    let folders = heaviest_folders(&files, &owns, roots, cfg.top.max(1) * 5);
                    (by_kind, bytes, folders)
                },
            )
        },
        || json.then(|| crate::report::json::MediaJson::render(&media)),
    );

    let copies = (roots.len() > 1).then(|| {
        crate::waste::copies::assess(&crate::waste::copies::Inputs {
            files: &files,
            kinds: &kinds,
            roots,
            groups: cfg.hash.then_some(duplicate_members.as_slice()),
            errors: &errors,
            excluded: &walked.excluded,
            policy: cfg.weigh.co2.copies,
            depth: cfg.clip_depth,
        })
    });
    if let Some(c) = &copies {
        errors.extend(c.problems.iter().cloned());
        sort_errors(&mut errors);
    }
    let duplicate_bytes = duplicates.iter().map(|g| g.wasted_bytes).sum();
    let summary = Summary {
        files: files.len() as u64,
        bytes: summary_bytes,
        media_files: media.len() as u64,
        folders: walked.dirs,
        image_sequences: media
            .iter()
            .filter(|m| m.kind == Kind::ImageSequence)
            .count() as u64,
        media_duration_s: media.iter().filter_map(|m| m.duration_s).sum(),
        duplicate_bytes,
        obsolete_bytes: waste.obsolete_bytes,
        regenerable_bytes: waste.regenerable_bytes,
        reclaimable_bytes: waste.reclaimable_bytes,
    };
    let runtime = programme_runtime(cfg, &files, &inv.packages, &media);
    let targets: Vec<TargetWeight> = match runtime {
        Some((secs, source)) => cfg
            .weigh
            .targets
            .iter()
            .map(|t| {
                let budget = t.budget_bytes(secs);
                TargetWeight {
                    id: t.id.clone(),
                    name: t.name.clone(),
                    runtime_s: secs,
                    runtime_source: source,
                    budget_bytes: budget,
                    actual_bytes: summary.bytes,
                    ratio: summary.bytes as f64 / budget.max(1) as f64,
                }
            })
            .collect(),
        None => Vec::new(),
    };
    let co2 = crate::co2::estimate(summary.bytes, summary.reclaimable_bytes, &cfg.weigh.co2);
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::default(),
        generated_at: crate::util::timefmt::rfc3339(std::time::SystemTime::now()),
        roots: roots.iter().map(|r| pathfmt::display(r)).collect(),
        stages: Stages {
            walk: StageStatus::Done,
            probe: probe_status,
            hash: if cfg.hash {
                StageStatus::Done
            } else {
                StageStatus::Skipped
            },
            versions: StageStatus::Done,
            regenerable: StageStatus::Done,
            targets: if runtime.is_some() && !cfg.weigh.targets.is_empty() {
                StageStatus::Done
            } else {
                StageStatus::Skipped
            },
            co2: StageStatus::Done,
            copies: if copies.is_some() {
                StageStatus::Done
            } else {
                StageStatus::Skipped
            },
            manifests: StageStatus::Done,
        },
        summary,
        by_kind,
        media,
        duplicates,
        versions: waste.versions,
        regenerable: waste.regenerable,
        reclaim_top: waste.top,
        targets,
        co2: Some(co2),
        roots_folded: cfg.walk.folded.clone(),
        copies: copies.as_ref().map(|c| c.roots.clone()).unwrap_or_default(),
        clip_copies: copies.map(|c| c.clips).unwrap_or_default(),
        manifests,
        folders,
        cache: cache.usage.clone(),
        errors: errors.iter().map(ErrorEntry::from).collect(),
        candidates: waste.candidates,
        packages: inv.packages.clone(),
        // Only the CSV lists every file.
        other_files: if cfg.format == crate::app::config::OutputFormat::Csv {
            other_files(&files, &kinds, &inv.items)
        } else {
            Vec::new()
        },
        media_json,
    };
    // Freeing every walked path and item takes milliseconds on big volumes:
    // done on a pool thread while the report is rendered.
    rayon::spawn(move || drop((files, inv, kinds)));
    Ok(report)
}

/// The report's media items from the inventory and the probe results; the
/// kinds of probed files refined (a `.mov` holding only audio is audio); the
/// probe failures as errors.
fn media_items(
    inv: &inventory::Inventory,
    probed: crate::probe::stage::Results,
    files: &[FileEntry],
) -> (Vec<MediaItem>, Vec<Kind>, Vec<FileError>) {
    let mut media = Vec::with_capacity(inv.items.len());
    let mut kinds = inv.kinds.clone();
    let mut errors = Vec::new();
    for (item, result) in inv.items.iter().zip(probed) {
        let m = crate::probe::stage::media_item(item, result, files, &mut kinds);
        if let Some(seq) = m.sequence.as_ref().filter(|s| s.missing_count > 0) {
            errors.push(FileError::new(
                &m.path,
                ErrorKind::SequenceGap,
                gap_message(seq),
            ));
        }
        if let Some(err) = &m.probe.error {
            errors.push(match &item.unreadable {
                Some(e) => e.clone(),
                None => FileError::new(item.probe_path(files), ErrorKind::Probe, err.clone()),
            });
        }
        media.push(m);
    }
    (media, kinds, errors)
}

/// "3 frames missing of 1001–1024: 1005, 1010–1011".
fn gap_message(seq: &crate::report::SequenceInfo) -> String {
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for &f in &seq.missing {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == f => *end = f,
            _ => runs.push((f, f)),
        }
    }
    let shown: Vec<String> = runs
        .iter()
        .take(8)
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect();
    let more = if runs.len() > 8 || (seq.missing.len() as u64) < seq.missing_count {
        ", …"
    } else {
        ""
    };
    format!(
        "{} frame{} missing of {}–{}: {}{more}",
        seq.missing_count,
        if seq.missing_count == 1 { "" } else { "s" },
        seq.first,
        seq.last,
        shown.join(", ")
    )
}

/// Per-file problems, one entry per (path, kind): a file that two stages
/// fail to read (sniffing, then hashing) is one problem, reported once.
struct Problems {
    list: Vec<FileError>,
    seen: HashSet<(std::path::PathBuf, ErrorKind)>,
}

impl Problems {
    /// Starts from the walk's errors, already reported.
    fn new(list: Vec<FileError>) -> Self {
        let seen = list.iter().map(|e| (e.path.clone(), e.kind)).collect();
        Problems { list, seen }
    }

    /// Records and reports `e` unless the same problem is already listed.
    fn add(&mut self, e: FileError, log: &Progress) {
        if self.seen.insert((e.path.clone(), e.kind)) {
            log.warn_file(&e);
            self.list.push(e);
        }
    }
}

/// Files that belong to no media item, for the CSV.
fn other_files(files: &[FileEntry], kinds: &[Kind], items: &[Item]) -> Vec<FileRow> {
    let mut in_item = vec![false; files.len()];
    for i in items.iter().flat_map(Item::file_indices) {
        in_item[i] = true;
    }
    let mut rows: Vec<FileRow> = files
        .iter()
        .zip(kinds)
        .zip(in_item)
        .filter(|(_, inside)| !inside)
        .map(|((f, &kind), _)| FileRow {
            path: pathfmt::display(&f.path),
            kind,
            bytes: f.size,
        })
        .collect();
    rows.sort_by(|a, b| a.path.cmp(&b.path));
    rows
}

/// The runtime budgets scale with: options or config, else the longest DCP
/// CPL in the roots, else the longest video.
fn programme_runtime(
    cfg: &Config,
    files: &[FileEntry],
    packages: &[std::path::PathBuf],
    media: &[MediaItem],
) -> Option<(f64, &'static str)> {
    if let Some(r) = cfg.weigh.runtime {
        return Some(r);
    }
    if packages.is_empty() {
        return longest_video(media);
    }
    let cpl = files
        .iter()
        .filter(|f| {
            crate::util::pathbytes::has_ext(&f.path, "xml")
                && packages.iter().any(|p| f.path.starts_with(p))
        })
        .filter_map(|f| crate::targets::runtime::read_cpl(&f.path).ok())
        .map(|c| c.seconds)
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))));
    if let Some(s) = cpl {
        return Some((s, "cpl"));
    }
    longest_video(media)
}

fn longest_video(media: &[MediaItem]) -> Option<(f64, &'static str)> {
    media
        .iter()
        .filter(|m| m.kind == Kind::Video)
        .filter_map(|m| m.duration_s)
        .filter(|d| d.is_finite() && *d > 0.0)
        .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d))))
        .map(|d| (d, "longest-video"))
}

/// Stage 1 with its progress phase; fails when no root could be read.
pub(crate) fn walk_stage(
    cfg: &Config,
    log: &Progress,
    step: usize,
    total: usize,
) -> Result<walk::WalkOutcome, AuditError> {
    let bar = log.phase(step, total, "Walking", None);
    let walked = walk::walk(&cfg.walk, cfg.io_threads, &bar, log);
    bar.finish_and_clear();
    interrupted()?;
    if !walked.root_readable.iter().any(|&ok| ok) {
        let detail = walked
            .errors
            .iter()
            .map(|e| format!("{}: {}", pathfmt::display(&e.path), e.message));
        return Err(AuditError::NoReadableRoot(
            detail.collect::<Vec<_>>().join("; "),
        ));
    }
    Ok(walked)
}

/// The report's order: by path, then message.
pub(crate) fn sort_errors(errors: &mut [FileError]) {
    errors.sort_by(|a, b| {
        a.path
            .as_os_str()
            .cmp(b.path.as_os_str())
            .then(a.message.cmp(&b.message))
    });
}

pub(crate) fn interrupted() -> Result<(), AuditError> {
    if crate::util::cancel::is_cancelled() {
        Err(AuditError::Interrupted)
    } else {
        Ok(())
    }
}

/// For each file: does this name carry its inode's bytes? The first name by path
/// does; other hard links, and files reached twice through followed symlinks, don't.
pub(crate) fn owners(files: &[FileEntry]) -> Vec<bool> {
    let mut seen =
        crate::util::fasthash::FastSet::with_capacity_and_hasher(files.len(), Default::default());
    files.iter().map(|f| seen.insert(f.id)).collect()
}

/// Totals per kind and overall, each inode once.
fn totals(files: &[FileEntry], kinds: &[Kind], owns: &[bool]) -> (ByKind, u64) {
    let mut by_kind = ByKind::default();
    let mut bytes = 0;
    for ((f, &kind), &own) in files.iter().zip(kinds).zip(owns) {
        let b = if own { f.size } else { 0 };
        by_kind.add(kind, 1, b);
        bytes += b;
    }
    (by_kind, bytes)
}

/// Folders one and two levels below each root, heaviest first.
fn heaviest_folders(
    files: &[FileEntry],
    owns: &[bool],
    roots: &[std::path::PathBuf],
    limit: usize,
) -> Vec<FolderWeight> {
    // Sum per parent folder first (few; siblings mostly follow each other, so
    // runs are summed before touching the map), then roll each folder up to
    // its ancestors one and two levels below the root.
    type Folder<'a> = (&'a [u8], usize);
    let mut direct: HashMap<Folder, (u64, u64)> = HashMap::new();
    let mut run: Option<(Folder, (u64, u64))> = None;
    for (f, &own) in files.iter().zip(owns) {
        let key = (pathbytes::parent(pathbytes::bytes(&f.path)), f.root);
        let b = if own { f.size } else { 0 };
        match &mut run {
            Some((k, w)) if *k == key => *w = (w.0 + 1, w.1 + b),
            _ => {
                if let Some((k, w)) = run.replace((key, (1, b))) {
                    let d = direct.entry(k).or_default();
                    *d = (d.0 + w.0, d.1 + w.1);
                }
            }
        }
    }
    if let Some((k, w)) = run {
        let d = direct.entry(k).or_default();
        *d = (d.0 + w.0, d.1 + w.1);
    }
    let mut weights: HashMap<&[u8], (u64, u64)> = HashMap::new();
    for ((dir, root), (n, b)) in direct {
        let root = pathbytes::bytes(&roots[root]);
        if !pathbytes::is_under(dir, root) {
            continue;
        }
        let depth = pathbytes::components(&dir[root.len()..]).count();
        let mut cur = dir;
        for d in (1..=depth).rev() {
            if d <= 2 {
                let w = weights.entry(cur).or_default();
                w.0 += n;
                w.1 += b;
            }
            cur = pathbytes::parent(cur);
        }
    }
    let mut out: Vec<FolderWeight> = weights
        .into_iter()
        .map(|(p, (files, bytes))| FolderWeight {
            path: pathfmt::display(Path::new(std::ffi::OsStr::from_bytes(p))),
            files,
            bytes,
        })
        .collect();
    out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
    out.truncate(limit);
    out
}
