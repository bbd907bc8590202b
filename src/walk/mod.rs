//! Stage 1: walk every root in parallel and stat every regular file.
//!
//! Each directory is a rayon task, so several drives and wide trees are read
//! concurrently, with at most one open directory handle per worker. walkdir
//! (named in the brief) is single-threaded per root (README, "Why our own
//! walker"); `benches/compare.sh` measures this one against `du`.
//!
//! Rules: symbolic links are not followed unless asked (then loops are caught
//! by comparing (dev, inode) with the ancestors); FIFOs, sockets and devices
//! are never opened or counted; every problem becomes a [`FileError`] and the
//! walk goes on.

use crate::util::error::{ErrorKind, FileError};
use crate::util::progress::Progress;
use crate::util::units::FileId;
use dir::{Dir, EntryType};
use indicatif::ProgressBar;
use order::{Folder, Listings};
use rayon::prelude::*;
use std::fs::{self, Metadata};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

mod dir;
mod order;
pub mod roots;
mod settings;

pub use settings::{Excludes, WalkConfig};

/// A regular file seen by the walk.
#[derive(Clone, Debug)]
pub struct FileEntry {
    /// Absolute path (through symlinks when following them).
    pub path: PathBuf,
    /// Index of the root it was found under.
    pub root: usize,
    /// Apparent size in bytes (`st_size`).
    pub size: u64,
    /// (device, inode): hard links share it.
    pub id: FileId,
    /// Hard-link count.
    pub nlink: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Status-change time (ns): any write changes it, and unlike mtime it
    /// cannot be set back, so the cache uses it to catch restored mtimes.
    pub ctime_ns: i64,
}

/// The fields of `stat` the walk needs, from either source.
#[derive(Clone, Copy, Debug)]
struct Stat {
    mode: u32,
    size: u64,
    dev: u64,
    ino: u64,
    nlink: u64,
    mtime_ns: i64,
    ctime_ns: i64,
}

impl Stat {
    fn from_metadata(md: &Metadata) -> Self {
        Stat {
            mode: md.mode(),
            size: md.size(),
            dev: md.dev(),
            ino: md.ino(),
            nlink: md.nlink(),
            mtime_ns: ns(md.mtime(), md.mtime_nsec()),
            ctime_ns: ns(md.ctime(), md.ctime_nsec()),
        }
    }

    fn is_file(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFREG
    }

    fn is_dir(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFDIR
    }

    fn id(&self) -> FileId {
        FileId {
            dev: self.dev,
            ino: self.ino,
        }
    }
}

impl From<libc::stat> for Stat {
    fn from(st: libc::stat) -> Self {
        Stat {
            mode: st.st_mode,
            size: st.st_size as u64,
            dev: st.st_dev,
            ino: st.st_ino,
            nlink: st.st_nlink,
            mtime_ns: ns(st.st_mtime, st.st_mtime_nsec),
            ctime_ns: ns(st.st_ctime, st.st_ctime_nsec),
        }
    }
}

/// Seconds and nanoseconds as nanoseconds since the epoch, saturating.
fn ns(secs: i64, nsec: i64) -> i64 {
    secs.saturating_mul(1_000_000_000).saturating_add(nsec)
}

impl FileEntry {
    fn new(path: PathBuf, root: usize, st: &Stat) -> Self {
        FileEntry {
            path,
            root,
            size: st.size,
            id: st.id(),
            nlink: st.nlink,
            mtime_ns: st.mtime_ns,
            ctime_ns: st.ctime_ns,
        }
    }
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct WalkOutcome {
    /// Regular files, sorted by path.
    pub files: Vec<FileEntry>,
    /// Problems, sorted by path.
    pub errors: Vec<FileError>,
    /// For each root: could it be read at all?
    pub root_readable: Vec<bool>,
    /// Folders listed.
    pub dirs: u64,
    /// For each root: entries `--exclude` hid (their content is unknown).
    pub excluded: Vec<u64>,
}

/// The chain of directory identities from the root down, for loop detection.
struct Ancestor {
    id: FileId,
    parent: Option<Arc<Ancestor>>,
}

impl Ancestor {
    fn contains(self: &Arc<Self>, id: FileId) -> bool {
        let mut cur = Some(self);
        while let Some(a) = cur {
            if a.id == id {
                return true;
            }
            cur = a.parent.as_ref();
        }
        false
    }
}

struct Ctx<'a> {
    cfg: &'a WalkConfig,
    listings: Listings,
    errors: Mutex<Vec<FileError>>,
    dirs: std::sync::atomic::AtomicU64,
    excluded: Vec<std::sync::atomic::AtomicU64>,
    bar: &'a ProgressBar,
    log: &'a Progress,
}

impl Ctx<'_> {
    fn error(&self, err: FileError) {
        self.log.warn_file(&err);
        self.errors.lock().expect("errors lock").push(err);
    }
}

/// Walks all roots of `cfg` on a pool of `threads` workers.
pub fn walk(cfg: &WalkConfig, threads: usize, bar: &ProgressBar, log: &Progress) -> WalkOutcome {
    let ctx = Ctx {
        cfg,
        listings: Listings::default(),
        errors: Mutex::new(Vec::new()),
        dirs: Default::default(),
        excluded: cfg.roots.iter().map(|_| Default::default()).collect(),
        bar,
        log,
    };
    // If the system refuses new threads (a tight RLIMIT_NPROC), walk on
    // rayon's global pool instead of failing.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("footprint-walk-{i}"))
        .build()
        .ok();
    let mut root_readable = Vec::with_capacity(cfg.roots.len());
    let mut root_slots = Vec::with_capacity(cfg.roots.len());
    let mut run = || {
        rayon::scope(|s| {
            for (idx, root) in cfg.roots.iter().enumerate() {
                // Roots given on the command line are followed, as `du` and `find -H` do.
                match fs::metadata(root) {
                    Err(e) => {
                        ctx.error(FileError::io(root, "cannot read root", &e));
                        root_readable.push(false);
                    }
                    Ok(md) if md.is_dir() => {
                        root_readable.push(true);
                        let anc = Arc::new(Ancestor {
                            id: Stat::from_metadata(&md).id(),
                            parent: None,
                        });
                        let ctx = &ctx;
                        let root = root.clone();
                        let slot = ctx.listings.reserve();
                        root_slots.push(slot);
                        s.spawn(move |s| visit_dir(s, ctx, idx, root, md.dev(), anc, slot));
                    }
                    Ok(md) if md.is_file() => {
                        root_readable.push(true);
                        let slot = ctx.listings.reserve();
                        root_slots.push(slot);
                        let entry = FileEntry::new(root.clone(), idx, &Stat::from_metadata(&md));
                        ctx.listings.put(
                            slot,
                            Folder {
                                files: vec![entry],
                                ..Folder::default()
                            },
                        );
                        bar.inc(1);
                    }
                    Ok(md) => {
                        root_readable.push(false);
                        ctx.error(special(root, md.mode()));
                    }
                }
            }
        })
    };
    match &pool {
        Some(pool) => pool.install(run),
        None => run(),
    }
    let mut errors = ctx.errors.into_inner().expect("errors lock");
    // Byte order, as a string sort of the report's paths gives (and much
    // cheaper than component-wise `Path` comparison): each root's files come
    // out in that order; several roots are then merged by a sort.
    let mut files = ctx.listings.into_files(&root_slots);
    if cfg.roots.len() > 1 {
        files.par_sort_unstable_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
    }
    errors.sort_by(|a, b| {
        a.path
            .as_os_str()
            .cmp(b.path.as_os_str())
            .then(a.message.cmp(&b.message))
    });
    WalkOutcome {
        files,
        errors,
        root_readable,
        dirs: ctx.dirs.into_inner(),
        excluded: ctx.excluded.into_iter().map(|n| n.into_inner()).collect(),
    }
}

/// For each file: does this name carry its inode's bytes? The first name by path
/// does; other hard links, and files reached twice through followed symlinks, don't.
pub fn owners(files: &[FileEntry]) -> Vec<bool> {
    let mut seen =
        crate::util::fasthash::FastSet::with_capacity_and_hasher(files.len(), Default::default());
    files.iter().map(|f| seen.insert(f.id)).collect()
}

fn special(path: &Path, mode: u32) -> FileError {
    let what = match mode & libc::S_IFMT {
        libc::S_IFIFO => "FIFO",
        libc::S_IFSOCK => "socket",
        libc::S_IFBLK => "block device",
        libc::S_IFCHR => "character device",
        _ => "special file",
    };
    FileError::new(
        path,
        ErrorKind::SpecialFile,
        format!("skipped {what}: not a regular file (never opened or counted)"),
    )
}

fn visit_dir<'s>(
    scope: &rayon::Scope<'s>,
    ctx: &'s Ctx<'s>,
    root_idx: usize,
    dir: PathBuf,
    root_dev: u64,
    ancestors: Arc<Ancestor>,
    slot: usize,
) {
    if crate::util::cancel::is_cancelled() {
        return;
    }
    let cfg = ctx.cfg;
    let mut rd = match Dir::open(&dir) {
        Ok(rd) => rd,
        Err(e) => return ctx.error(FileError::io(&dir, "cannot list folder", &e)),
    };
    ctx.dirs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let root = &cfg.roots[root_idx];
    let mut local = Folder::default();
    // Queues a subfolder and notes it for the depth-first order. `id` is
    // known when it was stat-ed (needed only for loop detection).
    let mut descend = |path: PathBuf, name: &std::ffi::OsStr, id: Option<FileId>| {
        let child = ctx.listings.reserve();
        let mut key = Vec::with_capacity(name.len() + 1);
        key.extend_from_slice(name.as_bytes());
        key.push(b'/');
        local.subdirs.push((key, child));
        let anc = match id {
            Some(id) => Arc::new(Ancestor {
                id,
                parent: Some(ancestors.clone()),
            }),
            None => ancestors.clone(),
        };
        scope.spawn(move |s| visit_dir(s, ctx, root_idx, path, root_dev, anc, child));
    };
    let mut files = Vec::new();
    while let Some(entry) = rd.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                ctx.error(FileError::io(&dir, "cannot read folder entry", &e));
                break;
            }
        };
        let name = entry.name_os();
        // Sized once: `Path::join` doubles the buffer while appending the
        // name, and 50k kept paths carried ~3 MB of spare capacity.
        let path = {
            let mut p = PathBuf::with_capacity(dir.as_os_str().len() + 1 + name.len());
            p.push(&dir);
            p.push(name);
            p
        };
        if !cfg.excludes.empty {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            if cfg.excludes.is_excluded(name, rel, &path) {
                ctx.excluded[root_idx].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                continue;
            }
        }
        // Metadata of the entry itself, or of its target for a followed link.
        let md = match entry.kind {
            EntryType::Dir if !cfg.one_file_system && !cfg.follow_links => {
                // Neither the device nor loop detection is needed: skip the stat.
                descend(path, name, None);
                continue;
            }
            EntryType::Symlink => None,
            _ => match entry.lstat() {
                Ok(st) => Some(Stat::from(st)),
                Err(e) => {
                    ctx.error(FileError::io(&path, "cannot stat", &e));
                    continue;
                }
            },
        };
        let (md, is_link) = match md {
            Some(md) if md.mode & libc::S_IFMT != libc::S_IFLNK => (md, false),
            // A link (told by d_type or, where the file system does not say,
            // by the stat).
            _ => match fs::metadata(&path) {
                Ok(md) if cfg.follow_links => (Stat::from_metadata(&md), true),
                Ok(_) => continue, // a live link we do not follow: not counted
                Err(e) => {
                    ctx.error(link_error(&path, &e));
                    continue;
                }
            },
        };
        if md.is_file() {
            files.push(FileEntry::new(path, root_idx, &md));
        } else if md.is_dir() {
            if cfg.one_file_system && md.dev != root_dev {
                continue;
            }
            let id = md.id();
            if is_link && ancestors.contains(id) {
                ctx.error(FileError::new(
                    &path,
                    ErrorKind::SymlinkLoop,
                    "symbolic link loop: leads back to one of its own parent folders (not followed)",
                ));
                continue;
            }
            descend(path, name, Some(id));
        } else {
            ctx.error(special(&path, md.mode));
        }
    }
    drop(rd);
    ctx.bar.inc(files.len() as u64);
    local.files = files;
    ctx.listings.put(slot, local);
}

fn link_error(path: &Path, err: &std::io::Error) -> FileError {
    let target = fs::read_link(path)
        .map(|t| crate::util::pathfmt::display(&t))
        .unwrap_or_default();
    match err.raw_os_error() {
        Some(libc::ELOOP) => FileError::new(
            path,
            ErrorKind::SymlinkLoop,
            format!("symbolic link loop (-> {target}): not followed"),
        ),
        Some(libc::ENOENT) => FileError::new(
            path,
            ErrorKind::DanglingLink,
            format!("dangling symbolic link: target {target} does not exist"),
        ),
        _ => FileError::io(
            path,
            &format!("cannot follow symbolic link -> {target}"),
            err,
        ),
    }
}
