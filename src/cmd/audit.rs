//! `footprint audit`: the whole pipeline, one stage call after another, into
//! one [`Report`] that the chosen renderer draws.

use super::stages::{self, AuditError, Steps};
use super::{finish_scan, render, table_style};
use crate::app::config::{Config, OutputFormat};
use crate::app::output;
use crate::classify::Kind;
use crate::report::{self, ErrorEntry, Needs, Report, StageStatus, Stages, Summary};
use crate::util::error::{Exit, FailOn, Problems};
use crate::util::progress::Progress;
use crate::waste::{copies, reclaim};
use anyhow::Result;

/// Runs `footprint audit` and returns the exit code.
pub fn run(cfg: &Config) -> Result<Exit> {
    let log = Progress::new(cfg.progress, cfg.warnings).verbose(cfg.verbose);
    // Fail before a long scan if a destination cannot be written.
    let mut sink = output::Sink::open(cfg.output.as_deref())?;
    let mut export = match &cfg.export {
        Some((path, fmt)) => Some((output::Sink::open(Some(path))?, *fmt)),
        None => None,
    };
    // The renderer says what it needs prepared beside the report.
    let needs = match cfg.format {
        OutputFormat::Json => report::json::NEEDS,
        OutputFormat::Csv => report::csv::NEEDS,
        _ => Needs::default(),
    };
    let result = pipeline(cfg, &log, needs);
    let Some(report) = finish_scan(result, &mut sink, export.as_mut().map(|e| &mut e.0))? else {
        return Ok(Exit::Interrupted);
    };
    let style = table_style(cfg);
    log.mark("Rendering");
    render(sink, |w| match cfg.format {
        OutputFormat::Json => report::json::write(&report, w),
        OutputFormat::Csv => report::csv::write(&report, w),
        OutputFormat::Html => report::html::write(&report, w),
        _ => report::table::write(&report, &style, w),
    })?;
    if let Some((sink, fmt)) = export {
        render(sink, |w| report::export::write(&report, fmt, w))?;
    }
    log.mark("Done");
    // Last on the terminal, under the report: what went wrong, by kind.
    log.summarize(report.errors.iter().map(|e| (e.kind, e.path.as_str())));
    Ok(gate(&cfg.fail_on, &report.errors, &log))
}

/// `--fail-on`: exit 1 when a problem of a named class is in the report,
/// saying on stderr which gate tripped and how often.
fn gate(fail_on: &[FailOn], errors: &[ErrorEntry], log: &Progress) -> Exit {
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

/// The audit: walk → classify → probe → hash → manifests and media items →
/// waste, totals and copies → targets → CO₂, into one report.
pub fn pipeline(cfg: &Config, log: &Progress, needs: Needs) -> Result<Report, AuditError> {
    // Walk, classify, manifests; probe and hash when on.
    let mut steps = Steps::new(3 + usize::from(cfg.probe) + usize::from(cfg.hash));
    let started = crate::util::timefmt::rfc3339(std::time::SystemTime::now());
    let walked = stages::walk(cfg, log, &mut steps)?;
    let mut problems = Problems::new(walked.errors);
    let files = walked.files;
    // Which name carries each inode's bytes and the heaviest folders need
    // the walk alone: worked out beside classification, whose sequence and
    // sorting steps leave a core idle.
    let (inv, (owns, heaviest)) = rayon::join(
        || stages::classify(&files, cfg.probe, log, &mut steps, &mut problems),
        || {
            let owns = crate::walk::owners(&files);
            let top = cfg.top.max(1) * 5;
            let roots = &cfg.walk.roots;
            let heaviest = report::summary::heaviest_folders(&files, &owns, roots, cfg.depth, top);
            (owns, heaviest)
        },
    );
    let inv = inv?;
    let mut cache = open_cache(cfg, &files, &inv, log);
    let probed = stages::probe(cfg, &inv, &files, &mut cache, log, &mut steps)?;
    let (mut dup, full) = match (cfg.hash, cfg.hash_all) {
        (true, true) => stages::hash_all(cfg, &files, &mut cache, log, &mut steps, &mut problems)?,
        (true, false) => (
            stages::hash(cfg, &files, &mut cache, log, &mut steps, &mut problems)?,
            Vec::new(),
        ),
        (false, _) => Default::default(),
    };
    log.mark("Folders");
    let folders = stages::folders(cfg, &files, &mut dup);
    log.mark("Inspecting (manifests, media items, groundwork)");
    let found = stages::inspect(
        cfg,
        &files,
        &inv,
        probed.results,
        log,
        &mut steps,
        &mut problems,
    )?;
    let stages::Inspected {
        manifests,
        media,
        kinds,
        ground,
    } = found;
    for e in package_problems(cfg, &inv.packages, &media) {
        problems.add(e, log);
    }
    let mut errors = stages::sorted(problems);
    let scan = stages::ScanFacts {
        files: &files,
        kinds: &kinds,
        items: &inv.items,
        media: &media,
        dup: &dup,
        full: &full,
        started: &started,
    };
    log.mark("Weighing (waste)");
    // The manifest is written while the waste finder weighs: neither reads
    // what the other makes, and the writer mostly waits on compression.
    let (written, weighed) = std::thread::scope(|scope| {
        let writer = cfg
            .manifest
            .as_deref()
            .map(|dest| scope.spawn(|| stages::write_manifest(cfg, dest, &scan, log)));
        let weighed = weigh(
            cfg,
            (&files, &owns),
            &inv,
            (&media, &kinds),
            ground,
            &dup.members,
            needs,
        );
        let written = writer.map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        (written, weighed)
    });
    if let Some(w) = written {
        w.map_err(AuditError::Manifest)?;
    }
    let copies = (cfg.walk.roots.len() > 1).then(|| {
        copies::assess(&copies::Inputs {
            files: &files,
            kinds: &kinds,
            roots: &cfg.walk.roots,
            groups: cfg.hash.then_some(dup.members.as_slice()),
            errors: &errors,
            excluded: &walked.excluded,
            policy: cfg.weigh.co2.copies,
            depth: cfg.clip_depth,
        })
    });
    if let Some(c) = &copies {
        errors.extend(c.problems.iter().cloned());
        crate::util::error::sort_errors(&mut errors);
    }
    log.mark("Targets, CO2 and the report");
    let runtime =
        crate::targets::runtime::programme_runtime(cfg.weigh.runtime, &files, &inv.packages);
    let other_files = match needs.file_rows {
        true => report::summary::other_files(&files, &kinds, &inv.items),
        false => Vec::new(),
    };
    let report = assemble(Parts {
        cfg,
        files: files.len() as u64,
        dirs: walked.dirs,
        probe: probed.status,
        media,
        manifests,
        dup,
        folders,
        weighed,
        heaviest,
        copies,
        runtime,
        errors,
        cache: cache.usage.clone(),
        packages: inv.packages.clone(),
        other_files,
    });
    // Freeing every walked path and item takes milliseconds on big volumes:
    // done on a pool thread while the report is rendered.
    rayon::spawn(move || drop((files, inv, kinds)));
    Ok(report)
}

/// Each DCP/IMF package checked as a package, its track files' facts taken
/// from their media items (nothing is probed twice).
fn package_problems(
    cfg: &Config,
    packages: &[std::path::PathBuf],
    media: &[report::MediaItem],
) -> Vec<crate::util::error::FileError> {
    use crate::manifest::package::{media_facts, problems};
    let facts = media_facts(media);
    packages
        .iter()
        .flat_map(|p| problems(p, cfg.verify_dcp, &facts))
        .collect()
}

/// The cache, opened for the files this run may read.
fn open_cache(
    cfg: &Config,
    files: &[crate::walk::FileEntry],
    inv: &crate::classify::inventory::Inventory,
    log: &Progress,
) -> crate::cache::Session {
    let probe_files: Vec<usize> = match cfg.probe {
        true => inv
            .items
            .iter()
            .map(crate::probe::stage::probe_index)
            .collect(),
        false => Vec::new(),
    };
    let roots = &cfg.walk.roots;
    crate::cache::Session::start(
        cfg.cache_dir.as_deref(),
        roots,
        files,
        &probe_files,
        cfg.hash,
        log,
    )
}

/// What the waste finder and the totals give, and the media array
/// pre-rendered when the renderer asked for it.
struct Weighed {
    waste: reclaim::Waste,
    by_kind: report::ByKind,
    bytes: u64,
    media_json: Option<report::json::MediaJson>,
}

/// Waste, weights and (when the renderer asks) the media array, whose
/// rendering is most of a JSON report's cost, on whichever core is free.
fn weigh(
    cfg: &Config,
    (files, owns): (&[crate::walk::FileEntry], &[bool]),
    inv: &crate::classify::inventory::Inventory,
    (media, kinds): (&[report::MediaItem], &[Kind]),
    ground: reclaim::Groundwork,
    duplicate_groups: &[Vec<usize>],
    needs: Needs,
) -> Weighed {
    let roots = &cfg.walk.roots;
    let json = needs.media_json && media.len() <= report::json::MediaJson::MAX_ITEMS;
    let ((waste, (by_kind, bytes)), media_json) = rayon::join(
        || {
            rayon::join(
                || {
                    let input = reclaim::Inputs {
                        files,
                        kinds,
                        items: &inv.items,
                        media,
                        roots,
                        duplicate_groups,
                    };
                    reclaim::assess(&input, ground, cfg.top.max(1) * 2)
                },
                || report::summary::totals(files, kinds, owns),
            )
        },
        || json.then(|| report::json::MediaJson::render(media)),
    );
    Weighed {
        waste,
        by_kind,
        bytes,
        media_json,
    }
}

/// Everything the report is made of.
struct Parts<'a> {
    cfg: &'a Config,
    files: u64,
    dirs: u64,
    probe: StageStatus,
    media: Vec<report::MediaItem>,
    manifests: Vec<crate::manifest::ManifestReport>,
    dup: crate::hash::DupOutcome,
    folders: crate::waste::folders::FolderFindings,
    weighed: Weighed,
    /// The heaviest folders (worked out beside classification).
    heaviest: Vec<report::FolderWeight>,
    copies: Option<copies::CopiesOutcome>,
    runtime: Option<(f64, &'static str)>,
    errors: Vec<crate::util::error::FileError>,
    cache: crate::cache::Usage,
    packages: Vec<std::path::PathBuf>,
    other_files: Vec<report::FileRow>,
}

/// The report: summary, targets and CO₂ from the parts, and which stages ran.
fn assemble(p: Parts) -> Report {
    let (cfg, media, w) = (p.cfg, p.media, p.weighed);
    let summary = Summary {
        files: p.files,
        bytes: w.bytes,
        media_files: media.len() as u64,
        folders: p.dirs,
        image_sequences: media
            .iter()
            .filter(|m| m.kind == Kind::ImageSequence)
            .count() as u64,
        // A package's sound runs beside its picture: counted once.
        media_duration_s: media
            .iter()
            .filter(|m| !(m.package.is_some() && m.kind == Kind::Audio))
            .filter_map(|m| m.duration_s)
            .sum(),
        duplicate_bytes: p.dup.groups.iter().map(|g| g.wasted_bytes).sum(),
        obsolete_bytes: w.waste.obsolete_bytes,
        regenerable_bytes: w.waste.regenerable_bytes,
        reclaimable_bytes: w.waste.reclaimable_bytes,
    };
    let targets = crate::targets::weigh(&cfg.weigh.targets, p.runtime, summary.bytes);
    let co2 = crate::co2::estimate(summary.bytes, summary.reclaimable_bytes, &cfg.weigh.co2);
    let done_if = |ran: bool| match ran {
        true => StageStatus::Done,
        false => StageStatus::Skipped,
    };
    Report {
        header: report::Header::now(&cfg.walk.roots),
        stages: Stages {
            walk: StageStatus::Done,
            probe: p.probe,
            hash: done_if(cfg.hash),
            versions: StageStatus::Done,
            regenerable: StageStatus::Done,
            targets: done_if(p.runtime.is_some() && !cfg.weigh.targets.is_empty()),
            co2: StageStatus::Done,
            copies: done_if(p.copies.is_some()),
            manifests: StageStatus::Done,
        },
        summary,
        by_kind: w.by_kind,
        media,
        duplicates: p.dup.groups,
        duplicate_folders: p.folders.duplicate_folders,
        overlapping_folders: p.folders.overlapping_folders,
        versions: w.waste.versions,
        regenerable: w.waste.regenerable,
        reclaim_top: w.waste.top,
        targets,
        co2: Some(co2),
        roots_folded: cfg.walk.folded.clone(),
        copies: p
            .copies
            .as_ref()
            .map(|c| c.roots.clone())
            .unwrap_or_default(),
        clip_copies: p.copies.map(|c| c.clips).unwrap_or_default(),
        manifests: p.manifests,
        folders: p.heaviest,
        cache: p.cache,
        errors: p.errors.iter().map(ErrorEntry::from).collect(),
        candidates: w.waste.candidates,
        packages: p.packages,
        other_files: p.other_files,
        media_json: w.media_json,
    }
}
