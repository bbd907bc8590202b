//! Each stage as a command runs it: with its progress phase, its share of
//! the cache, and its problems collected. `audit`, `dupes` and `check` call
//! these same functions, so a stage is written once.

use crate::app::config::Config;
use crate::cache::Session;
use crate::classify::inventory::{self, Inventory};
use crate::hash::DupOutcome;
use crate::util::error::{FileError, Problems};
use crate::util::pathfmt;
use crate::util::progress::Progress;
use crate::walk::{self, FileEntry, WalkOutcome};
use thiserror::Error;

/// Why a scan stopped without a report.
#[derive(Debug, Error)]
pub enum AuditError {
    /// None of the roots could be read.
    #[error("no root could be read: {0}")]
    NoReadableRoot(String),
    /// Ctrl-C or SIGTERM.
    #[error("interrupted")]
    Interrupted,
    /// `--manifest` could not be written.
    #[error("{0}")]
    Manifest(String),
}

/// Stops the run after Ctrl-C, between stages.
pub fn interrupted() -> Result<(), AuditError> {
    if crate::util::cancel::is_cancelled() {
        Err(AuditError::Interrupted)
    } else {
        Ok(())
    }
}

/// Numbers the progress phases: "2/5 Probing".
pub struct Steps {
    done: usize,
    total: usize,
}

impl Steps {
    /// A run of `total` phases.
    pub fn new(total: usize) -> Self {
        Steps { done: 0, total }
    }

    /// The next phase's number and the total.
    pub fn advance(&mut self) -> (usize, usize) {
        self.done += 1;
        (self.done, self.total)
    }
}

/// Stage 1: walks the roots; fails when none could be read.
pub fn walk(cfg: &Config, log: &Progress, steps: &mut Steps) -> Result<WalkOutcome, AuditError> {
    let (n, of) = steps.advance();
    let bar = log.phase(n, of, "Walking", None);
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

/// Stage 2: kinds, image sequences and media items.
pub fn classify(
    files: &[FileEntry],
    read_heads: bool,
    log: &Progress,
    steps: &mut Steps,
    problems: &mut Problems,
) -> Result<Inventory, AuditError> {
    let (n, of) = steps.advance();
    let bar = log.step(n, of, "Classifying");
    bar.set_message(format!("{} files", files.len()));
    let mut inv = inventory::build(files, read_heads);
    bar.finish_and_clear();
    for e in inv.errors.drain(..) {
        problems.add(e, log);
    }
    interrupted()?;
    Ok(inv)
}

/// Stage 3: probes the media items; `None` results when probing is off.
pub fn probe(
    cfg: &Config,
    inv: &Inventory,
    files: &[FileEntry],
    cache: &mut Session,
    log: &Progress,
    steps: &mut Steps,
) -> Result<crate::probe::stage::Probed, AuditError> {
    if !cfg.probe {
        return Ok(crate::probe::stage::Probed {
            results: vec![None; inv.items.len()],
            status: crate::util::status::StageStatus::Skipped,
        });
    }
    let (n, of) = steps.advance();
    let bar = log.phase(n, of, "Probing", Some(inv.items.len() as u64));
    let out = crate::probe::stage::run(&cfg.probe_settings(), log, &bar, &inv.items, files, cache);
    bar.finish_and_clear();
    interrupted()?;
    Ok(out)
}

/// Stage 4: duplicate groups by content, hashes from and to the cache.
pub fn hash(
    cfg: &Config,
    files: &[FileEntry],
    cache: &mut Session,
    log: &Progress,
    steps: &mut Steps,
    problems: &mut Problems,
) -> Result<DupOutcome, AuditError> {
    let (n, of) = steps.advance();
    let bar = log.phase(n, of, "Hashing", Some(0));
    bar.set_message(format!("{} readers (--io-threads)", cfg.io_threads));
    let mut dup = crate::hash::find_duplicates_cached(files, cache, cfg.io_threads, &bar);
    bar.finish_and_clear();
    cache.usage.hashes_computed = dup.fresh;
    cache.usage.hashes_from_cache = dup.from_cache;
    cache.save(files, &dup.computed, &[], log);
    interrupted()?;
    for e in std::mem::take(&mut dup.errors) {
        problems.add(e, log);
    }
    Ok(dup)
}

/// (walk index, BLAKE3) of every file `--hash all` read.
pub type FileHashes = Vec<(usize, [u8; 32])>;

/// Stage 4, `--hash all`: the whole-content hash of every non-empty file,
/// one read per inode, cached; duplicate groups are found among them
/// instead of by head and tail rounds that would read same-size files
/// twice more.
pub fn hash_all(
    cfg: &Config,
    files: &[FileEntry],
    cache: &mut Session,
    log: &Progress,
    steps: &mut Steps,
    problems: &mut Problems,
) -> Result<(DupOutcome, FileHashes), AuditError> {
    let (n, of) = steps.advance();
    let bar = log.phase(n, of, "Hashing all", Some(0));
    bar.set_message(format!("{} readers (--io-threads)", cfg.io_threads));
    let want: Vec<usize> = (0..files.len()).filter(|&i| files[i].size > 0).collect();
    let full = crate::hash::full_hashes(files, &want, cache, cfg.io_threads, &bar);
    bar.finish_and_clear();
    cache.usage.hashes_computed = full.fresh;
    cache.usage.hashes_from_cache = full.from_cache;
    cache.save(files, &full.computed, &[], log);
    interrupted()?;
    let dup = crate::hash::duplicates_of(files, &full);
    for e in full.errors {
        problems.add(e, log);
    }
    Ok((dup, full.hashes))
}

/// What a manifest is made of.
pub struct ScanFacts<'a> {
    /// Every file walked.
    pub files: &'a [FileEntry],
    /// Their kinds.
    pub kinds: &'a [crate::classify::Kind],
    /// Media items.
    pub items: &'a [crate::classify::inventory::Item],
    /// Their probe results, parallel to `items`.
    pub media: &'a [crate::probe::MediaItem],
    /// Duplicate groups (their hashes are full).
    pub dup: &'a DupOutcome,
    /// `--hash all`'s hashes.
    pub full: &'a [(usize, [u8; 32])],
    /// When the scan started.
    pub started: &'a str,
}

/// Writes `--manifest`: one row per file.
pub fn write_manifest(
    cfg: &Config,
    dest: &std::path::Path,
    s: &ScanFacts,
    log: &Progress,
) -> Result<(), String> {
    let mut hashes: Vec<Option<[u8; 32]>> = vec![None; s.files.len()];
    for (g, members) in s.dup.groups.iter().zip(&s.dup.members) {
        // A hash that does not parse is left out, never written as zeros.
        let Ok(h) = blake3::Hash::from_hex(&g.hash) else {
            continue;
        };
        for &i in members {
            hashes[i] = Some(*h.as_bytes());
        }
    }
    for &(i, h) in s.full {
        hashes[i] = Some(h);
    }
    let host = cfg
        .host
        .clone()
        .unwrap_or_else(crate::catalog::rows::host_name);
    let scan_id = crate::catalog::rows::scan_id(&host, s.started, &cfg.walk.roots);
    let scan = crate::catalog::rows::Scan {
        host: &host,
        scan_id: &scan_id,
        scan_time: s.started,
        roots: &cfg.walk.roots,
        files: s.files,
        kinds: s.kinds,
        items: s.items,
        media: s.media,
        hashes: &hashes,
    };
    let rows = crate::catalog::rows::Rows::new(&scan);
    let head = crate::catalog::Head {
        scan_id: scan_id.clone(),
        host: host.clone(),
        scan_time: s.started.to_string(),
        roots: cfg
            .walk
            .roots
            .iter()
            .map(|r| crate::util::pathfmt::display(r))
            .collect(),
    };
    crate::catalog::write::write_with(dest, rows.len(), &head, |r| rows.range(r))?;
    log.note(&format!(
        "manifest: {} rows, scan {scan_id}, written to {}",
        rows.len(),
        dest.display()
    ));
    Ok(())
}

/// What the manifest stage and the media assembly give, with the waste
/// finder's groundwork: the three run side by side, neither needs the other.
pub struct Inspected<'a> {
    /// ASC MHL histories and packing lists, checked.
    pub manifests: Vec<crate::manifest::ManifestReport>,
    /// The media items.
    pub media: Vec<crate::probe::MediaItem>,
    /// Kinds, refined by probing (a `.mov` holding only audio is audio).
    pub kinds: Vec<crate::classify::Kind>,
    /// Protection, caches and the hard-link ledger.
    pub ground: crate::waste::reclaim::Groundwork<'a>,
}

/// Stage 5: manifests checked while media items are assembled and the waste
/// finder lays its groundwork, on whichever core is free.
pub fn inspect<'a>(
    cfg: &Config,
    files: &'a [FileEntry],
    inv: &Inventory,
    probed: crate::probe::stage::Results,
    log: &Progress,
    steps: &mut Steps,
    problems: &mut Problems,
) -> Result<Inspected<'a>, AuditError> {
    let (n, of) = steps.advance();
    let verifying = cfg.verify_mhl || cfg.verify_dcp;
    let label = match verifying {
        true => "Verifying manifests",
        false => "Checking manifests",
    };
    let bar = log.phase(n, of, label, Some(0));
    let (((manifests, manifest_errors), (media, kinds, media_errors)), ground) = rayon::join(
        || {
            rayon::join(
                || {
                    let (mhl, dcp, io) = (cfg.verify_mhl, cfg.verify_dcp, cfg.io_threads);
                    crate::manifest::check(files, mhl, dcp, io, &bar)
                },
                || crate::probe::stage::media_items(inv, probed, files),
            )
        },
        || crate::waste::reclaim::Groundwork::new(files, &inv.kinds),
    );
    bar.finish_and_clear();
    interrupted()?;
    for e in manifest_errors.into_iter().chain(media_errors) {
        problems.add(e, log);
    }
    Ok(Inspected {
        manifests,
        media,
        kinds,
        ground,
    })
}

/// The problems, in the report's order.
pub fn sorted(problems: Problems) -> Vec<FileError> {
    let mut list = problems.list;
    crate::util::error::sort_errors(&mut list);
    list
}

/// Duplicate and overlapping folders from the duplicate groups (after
/// `--across-roots` keeps only groups spanning roots); each group learns
/// the duplicate folder holding it.
pub fn folders(
    cfg: &Config,
    files: &[FileEntry],
    dup: &mut crate::hash::DupOutcome,
) -> crate::waste::folders::FolderFindings {
    if cfg.folders.across_roots {
        let keep: Vec<bool> = dup
            .members
            .iter()
            .map(|m| m.iter().any(|&i| files[i].root != files[m[0]].root))
            .collect();
        let mut k = keep.iter();
        dup.groups.retain(|_| *k.next().unwrap_or(&false));
        let mut k = keep.iter();
        dup.members.retain(|_| *k.next().unwrap_or(&false));
    }
    let found = crate::waste::folders::find(files, &cfg.walk.roots, dup, cfg.folders);
    for (g, folder) in dup.groups.iter_mut().zip(&found.group_folder) {
        g.folder = folder.clone();
    }
    found
}
