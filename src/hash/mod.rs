//! Stage 4: find files with identical content (BLAKE3), across all roots.
//!
//! Staged like the fastest peers (fclones, jdupes): group by size; collapse
//! hard links by (dev, inode); hash a prefix block, then a suffix block; run a
//! full BLAKE3 only for the candidates that survive. A file whose size is
//! unique is never read. Zero-byte files are never duplicates. A file whose
//! size or mtime changed since the walk is reported and left out. Full
//! hashes of cached data read through a memory map (`mapped.rs`).

use crate::cache::{Cached, Part};
use crate::util::error::{ErrorKind, FileError};
use crate::util::units::FileId;
use crate::walk::FileEntry;
use mapped::Window;
use rayon::prelude::*;
use std::collections::HashMap;
use std::os::unix::fs::FileExt;

mod mapped;

/// Bytes hashed at each end before committing to a full read.
const BLOCK: u64 = 16 * 1024;
/// Read size for full hashes: large sequential reads, one buffer per thread.
const CHUNK: usize = 256 * 1024;
/// Windows at least this large are hashed from a map when cached
/// (`mapped.rs`); below it a copy costs less than mapping.
const MAP_MIN: u64 = 1 << 20;

thread_local! {
    static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A group of files with identical content.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DuplicateGroup {
    /// BLAKE3 of the content, hex.
    pub hash: String,
    /// Size of one copy.
    pub size: u64,
    /// Every name holding this content, sorted.
    pub paths: Vec<String>,
    /// size × (distinct inodes − 1).
    pub wasted_bytes: u64,
    /// The duplicate folder holding every copy, when one does: the group is
    /// part of that finding (addition).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
}

/// Duplicate groups and the files that could not be read.
#[derive(Debug, Default)]
pub struct DupOutcome {
    /// Groups sorted by first path.
    pub groups: Vec<DuplicateGroup>,
    /// For each group, the walk indices of its names, sorted by path.
    pub members: Vec<Vec<usize>>,
    /// Read failures and files changed during the scan.
    pub errors: Vec<FileError>,
    /// Hashes computed in this run (walk index, part, hash), for the cache;
    /// empty unless asked for.
    pub computed: Vec<(usize, Part, [u8; 32])>,
    /// Hashes taken from the cache instead.
    pub from_cache: u64,
    /// Hashes computed in this run, recorded or not.
    pub fresh: u64,
}

/// (group, hash, file, read from disk rather than taken from the cache);
/// `None` for a file that could not be hashed (its error is kept aside).
/// One flat record per file, sorted in place: no second list (56 bytes a
/// file instead of 80 + 48).
type Hashed = Option<(usize, [u8; 32], usize, bool)>;

/// Hashes the stage needs, from the cache when it has them.
struct Ctx<'a> {
    files: &'a [FileEntry],
    cached: &'a [Option<Box<Cached>>],
    record: bool,
    errors: Vec<FileError>,
    computed: Vec<(usize, Part, [u8; 32])>,
    from_cache: u64,
    fresh: u64,
}

fn hash_part(f: &FileEntry, part: Part) -> Result<[u8; 32], FileError> {
    // No type check before a read: its `pread` fails on a FIFO or a tape,
    // and the identity check below refuses a file that is not the walked
    // inode. A file large enough to be mapped is checked first.
    let file = crate::util::fsutil::open_near_unchecked(&f.path)
        .map_err(|e| FileError::io(&f.path, "cannot read", &e))?;
    let replaced = || {
        FileError::new(
            &f.path,
            ErrorKind::Changed,
            "replaced by another file during scan: not compared",
        )
    };
    let walked = || crate::util::fsutil::identity(&file).is_ok_and(|(.., id)| id == f.id);
    if part == Part::Full && f.size >= MAP_MIN && !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(replaced());
    }
    // A read error on a file that is no longer the walked one says so.
    let io = |e: std::io::Error| match walked() {
        true => FileError::io(&f.path, "cannot read", &e),
        false => replaced(),
    };
    let interrupted = || FileError::new(&f.path, ErrorKind::Io, "interrupted");
    let changed = |size: u64| {
        FileError::new(
            &f.path,
            ErrorKind::Changed,
            format!(
                "changed during scan (size {} → {size}): not compared",
                f.size
            ),
        )
    };
    let mut hasher = blake3::Hasher::new();
    let (start, len) = match part {
        Part::Head => (0, BLOCK.min(f.size)),
        Part::Tail => (f.size.saturating_sub(BLOCK), BLOCK.min(f.size)),
        Part::Full => (0, f.size),
    };
    let end = start + len;
    let mut at = start;
    while at < end {
        // A large file takes seconds: Ctrl-C must not wait for its end.
        if crate::util::cancel::is_cancelled() {
            return Err(interrupted());
        }
        let n = (end - at).min(mapped::WINDOW);
        let window = if part == Part::Full && n >= MAP_MIN {
            mapped::hash_window(&file, at, n as usize, &mut hasher)
        } else {
            Window::Read
        };
        match window {
            Window::Hashed => at += n,
            Window::Truncated => {
                let now = crate::util::fsutil::identity(&file).map_or(at, |(size, ..)| size);
                return Err(changed(now));
            }
            Window::Read => {
                let got = read_range(&file, at, n, &mut hasher)
                    .map_err(io)?
                    .ok_or_else(interrupted)?;
                at += got;
                if got < n {
                    break; // the file ended early
                }
            }
        }
    }
    let (size, mtime, id) = crate::util::fsutil::identity(&file).map_err(io)?;
    if id != f.id {
        return Err(replaced());
    }
    if at < end || size != f.size || mtime != f.mtime_ns {
        return Err(changed(size));
    }
    Ok(*hasher.finalize().as_bytes())
}

/// Hashes up to `n` bytes of `file` from `at` through the read buffer: the
/// bytes read (fewer at the end of the file), `None` if interrupted.
fn read_range(
    file: &std::fs::File,
    at: u64,
    n: u64,
    hasher: &mut blake3::Hasher,
) -> std::io::Result<Option<u64>> {
    BUF.with_borrow_mut(|buf| {
        // Grown only as far as the reads need: a 16 KiB head must not make
        // each of the reader threads zero (and keep resident) a whole chunk.
        let need = (n as usize).min(CHUNK);
        if buf.len() < need {
            buf.resize(need, 0);
        }
        let mut done = 0u64;
        while done < n {
            if crate::util::cancel::is_cancelled() {
                return Ok(None);
            }
            let want = buf.len().min((n - done) as usize);
            let got = file.read_at(&mut buf[..want], at + done)?;
            if got == 0 {
                break;
            }
            hasher.update(&buf[..got]);
            done += got as u64;
        }
        Ok(Some(done))
    })
}

/// Splits each group by the hash of `part`; singletons drop out.
/// Sorting flat (group, hash, file) triples keeps memory to one small record
/// per file, with no map or vector per group (measured: peak heap −40%).
fn refine(
    groups: Vec<Vec<usize>>,
    ctx: &mut Ctx,
    part: Part,
    bar: &indicatif::ProgressBar,
) -> Vec<(Vec<usize>, [u8; 32])> {
    let files = ctx.files;
    let cached = ctx.cached;
    let mut work: Vec<(usize, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, members)| members.iter().map(move |&i| (g, i)))
        .collect();
    drop(groups);
    if part == Part::Full {
        // Largest first, one file per task: big reads start together instead
        // of queueing behind one thread at the end.
        work.sort_unstable_by_key(|&(_, i)| std::cmp::Reverse(files[i].size));
    } else {
        // Block reads in walk (path) order: each reader's run of 64 files
        // shares folders, so names are opened relative to the last folder.
        work.sort_unstable_by_key(|&(_, i)| i);
    }
    let chunk = if part == Part::Full { 1 } else { 64 };
    let failed = std::sync::Mutex::new(Vec::new());
    let mut hashed: Vec<Hashed> = work
        .par_iter()
        .with_max_len(chunk)
        .map(|&(g, i)| {
            let known = cached.get(i).and_then(|c| c.as_ref()?.hash(part));
            let r = match known {
                Some(h) => Ok(h),
                None if crate::util::cancel::is_cancelled() => {
                    Err(FileError::new(&files[i].path, ErrorKind::Io, "interrupted"))
                }
                None => hash_part(&files[i], part),
            };
            bar.inc(1);
            match r {
                Ok(h) => Some((g, h, i, known.is_none())),
                Err(e) => {
                    failed.lock().expect("errors lock").push(e);
                    None
                }
            }
        })
        .collect();
    drop(work);
    ctx.errors.extend(failed.into_inner().expect("errors lock"));
    // Failures (None) sort first and drop out.
    hashed.sort_unstable();
    let ok = &hashed[hashed.partition_point(Option::is_none)..];
    for &(_, h, i, fresh) in ok.iter().flatten() {
        if !fresh {
            ctx.from_cache += 1;
        } else {
            ctx.fresh += 1;
            if ctx.record {
                ctx.computed.push((i, part, h));
            }
        }
    }
    runs(ok, |a, b| a.map(|a| (a.0, a.1)) == b.map(|b| (b.0, b.1)))
        .filter_map(|run| {
            let (_, hash, ..) = run[0]?;
            Some((run.iter().flatten().map(|t| t.2).collect(), hash))
        })
        .collect()
}

/// Runs of at least two consecutive equal elements of a sorted slice.
fn runs<T>(v: &[T], same: impl Fn(&T, &T) -> bool) -> impl Iterator<Item = &[T]> {
    v.chunk_by(move |a, b| same(a, b)).filter(|r| r.len() > 1)
}

/// One representative (the first name) per inode of a run of `(key, inode,
/// walk index)` records sorted by inode; the other names of each inode go
/// into `links`, for the report.
fn inode_reps<K>(run: &[(K, FileId, usize)], links: &mut HashMap<usize, Vec<usize>>) -> Vec<usize> {
    run.chunk_by(|a, b| a.1 == b.1)
        .map(|r| {
            if r.len() > 1 {
                links.insert(r[0].2, r[1..].iter().map(|t| t.2).collect());
            }
            r[0].2
        })
        .collect()
}

/// Finds duplicate groups among `files`.
///
/// Reads run on `io_threads` threads: many reads in flight pay off even on
/// 2 cores, because a cold run waits on the disk, not the CPU (measured on
/// the bench volume: 8 threads read it 1.5× faster than 2; see README).
pub fn find_duplicates(
    files: &[FileEntry],
    io_threads: usize,
    bar: &indicatif::ProgressBar,
) -> DupOutcome {
    find_duplicates_on(files, &[], false, io_threads, bar)
}

/// [`find_duplicates`] with the persistent cache: hashes it already holds
/// are taken instead of read, and the ones computed are listed in
/// `computed` when it will store them (48 bytes a hash, so not otherwise).
pub fn find_duplicates_cached(
    files: &[FileEntry],
    cache: &crate::cache::Session,
    io_threads: usize,
    bar: &indicatif::ProgressBar,
) -> DupOutcome {
    find_duplicates_on(files, &cache.cached, cache.is_on(), io_threads, bar)
}

fn find_duplicates_on(
    files: &[FileEntry],
    cached: &[Option<Box<Cached>>],
    record: bool,
    io_threads: usize,
    bar: &indicatif::ProgressBar,
) -> DupOutcome {
    on_readers(io_threads, || {
        find_duplicates_in(files, cached, record, bar)
    })
}

/// Runs `work` on a pool of `io_threads` readers (reads, not cores, bound
/// hashing), or on the global pool if one cannot be built.
fn on_readers<R: Send>(io_threads: usize, work: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new()
        .num_threads(io_threads)
        .thread_name(|i| format!("footprint-hash-{i}"))
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

fn find_duplicates_in(
    files: &[FileEntry],
    cached: &[Option<Box<Cached>>],
    record: bool,
    bar: &indicatif::ProgressBar,
) -> DupOutcome {
    // (size, inode, index) sorted: same sizes are adjacent, and within them
    // the names of one inode. One representative per inode is hashed.
    let mut by_size: Vec<(u64, FileId, usize)> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.size > 0)
        .map(|(i, f)| (f.size, f.id, i))
        .collect();
    by_size.sort_unstable();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // Other names of hard-linked candidates, for the report.
    let mut links: HashMap<usize, Vec<usize>> = HashMap::new();
    for run in runs(&by_size, |a, b| a.0 == b.0) {
        let reps = inode_reps(run, &mut links);
        if reps.len() > 1 {
            groups.push(reps);
        }
    }
    drop(by_size);
    bar.set_length(groups.iter().map(Vec::len).sum::<usize>() as u64 * 2);
    let mut ctx = Ctx {
        files,
        cached,
        record,
        errors: Vec::new(),
        computed: Vec::new(),
        from_cache: 0,
        fresh: 0,
    };
    let mut stage = refine(groups, &mut ctx, Part::Head, bar);
    for part in [Part::Tail, Part::Full] {
        let (small, big): (Vec<_>, Vec<_>) = stage
            .into_iter()
            .partition(|(m, _)| files[m[0]].size <= BLOCK);
        // Files no bigger than one block were hashed whole already.
        stage = small;
        let big: Vec<Vec<usize>> = big.into_iter().map(|(m, _)| m).collect();
        stage.extend(refine(big, &mut ctx, part, bar));
    }
    let (groups, members) = assemble(files, stage, &links);
    let mut errors = ctx.errors;
    errors.sort_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
    DupOutcome {
        groups,
        members,
        errors,
        computed: ctx.computed,
        from_cache: ctx.from_cache,
        fresh: ctx.fresh,
    }
}

/// The report's groups from (representatives, hash) pairs: one
/// representative per inode, `links` the other names of an inode.
fn assemble(
    files: &[FileEntry],
    stage: Vec<(Vec<usize>, [u8; 32])>,
    links: &HashMap<usize, Vec<usize>>,
) -> (Vec<DuplicateGroup>, Vec<Vec<usize>>) {
    let mut out: Vec<(DuplicateGroup, Vec<usize>)> = stage
        .into_iter()
        .map(|(reps, hash)| {
            let size = files[reps[0]].size;
            let mut members: Vec<usize> = reps
                .iter()
                .flat_map(|&r| {
                    let more = links.get(&r).map_or(&[][..], Vec::as_slice);
                    std::iter::once(r).chain(more.iter().copied())
                })
                .collect();
            members.sort_unstable_by(|&a, &b| {
                files[a].path.as_os_str().cmp(files[b].path.as_os_str())
            });
            let group = DuplicateGroup {
                hash: blake3::Hash::from_bytes(hash).to_hex().to_string(),
                size,
                paths: members
                    .iter()
                    .map(|&i| crate::util::pathfmt::display(&files[i].path))
                    .collect(),
                wasted_bytes: size * (reps.len() as u64 - 1),
                folder: None,
            };
            (group, members)
        })
        .collect();
    out.sort_by(|a, b| a.0.paths[0].cmp(&b.0.paths[0]));
    out.into_iter().unzip()
}

/// Duplicate groups from whole-content hashes of every name (`audit --hash
/// all`): when every file is read in full anyway, the head and tail rounds
/// of [`find_duplicates`] would only read same-size files two more times.
/// Same groups as the rounds find: one representative per inode, groups of
/// two inodes or more.
pub fn duplicates_of(files: &[FileEntry], full: &FullHashes) -> DupOutcome {
    // (hash, inode, index): same contents adjacent, names of an inode within.
    let mut by_hash: Vec<([u8; 32], FileId, usize)> = full
        .hashes
        .iter()
        .map(|&(i, h)| (h, files[i].id, i))
        .collect();
    by_hash.sort_unstable();
    let mut stage = Vec::new();
    let mut links: HashMap<usize, Vec<usize>> = HashMap::new();
    for run in runs(&by_hash, |a, b| a.0 == b.0) {
        let reps = inode_reps(run, &mut links);
        if reps.len() > 1 {
            stage.push((reps, run[0].0));
        }
    }
    let (groups, members) = assemble(files, stage, &links);
    DupOutcome {
        groups,
        members,
        ..DupOutcome::default()
    }
}

/// Full hashes of chosen files (`audit --hash all`, for manifests that
/// must match copies on other hosts).
#[derive(Debug, Default)]
pub struct FullHashes {
    /// (walk index, BLAKE3) of every file hashed; hard links share one read.
    pub hashes: Vec<(usize, [u8; 32])>,
    /// Files that could not be read or changed while read.
    pub errors: Vec<FileError>,
    /// Hashes computed in this run, for the cache.
    pub computed: Vec<(usize, Part, [u8; 32])>,
    /// Hashes taken from the cache.
    pub from_cache: u64,
    /// Hashes computed in this run, recorded or not.
    pub fresh: u64,
}

/// The whole-content BLAKE3 of each file of `want` (walk indices), one
/// read per inode, from the cache when it has one; on `io_threads` readers.
pub fn full_hashes(
    files: &[FileEntry],
    want: &[usize],
    cache: &crate::cache::Session,
    io_threads: usize,
    bar: &indicatif::ProgressBar,
) -> FullHashes {
    let (cached, record) = (cache.cached.as_slice(), cache.is_on());
    // (inode, index) sorted: the names of one inode are adjacent, and the
    // first is read for all (no map of vectors: 100k allocations).
    let mut ids: Vec<(FileId, usize)> = want.iter().map(|&i| (files[i].id, i)).collect();
    ids.sort_unstable();
    let mut work: Vec<std::ops::Range<usize>> = Vec::new();
    for run in ids.chunk_by(|a, b| a.0 == b.0) {
        let start = work.last().map_or(0, |r| r.end);
        work.push(start..start + run.len());
    }
    // Large files first, largest first (on a cold disk their reads start
    // together); then the rest in walk order, where the files of a folder
    // follow each other and share its handle (`open_near_unchecked`): in
    // size order, each small file cost a second open for its folder.
    work.sort_unstable_by_key(|r| {
        let i = ids[r.start].1;
        match files[i].size >= MAP_MIN {
            true => (false, std::cmp::Reverse(files[i].size), i),
            false => (true, std::cmp::Reverse(0), i),
        }
    });
    bar.set_length(work.len() as u64);
    let run = || {
        work.par_iter()
            .with_max_len(1)
            .map(|names| {
                let i = ids[names.start].1;
                let known = cached.get(i).and_then(|c| c.as_ref()?.hash(Part::Full));
                let r = match known {
                    Some(h) => Ok(h),
                    None => hash_part(&files[i], Part::Full),
                };
                bar.inc(1);
                (names.clone(), r, known.is_some())
            })
            .collect::<Vec<_>>()
    };
    let results = on_readers(io_threads, run);
    let mut out = FullHashes::default();
    for (names, r, cached) in results {
        let i = ids[names.start].1;
        match r {
            Ok(h) => {
                if cached {
                    out.from_cache += 1;
                } else {
                    out.fresh += 1;
                    if record {
                        out.computed.push((i, Part::Full, h));
                    }
                }
                out.hashes.extend(ids[names].iter().map(|&(_, n)| (n, h)));
            }
            Err(e) => out.errors.push(e),
        }
    }
    out.hashes.sort_unstable();
    out
}
