//! Full-file hashing without the copy out of the page cache.
//!
//! Hashing a file that is already cached costs two things with `read`: the
//! hash, and copying every byte into our buffer (about 40% of the CPU time,
//! measured with `time` on two 1 GiB files: README, Performance). A file is
//! therefore read through a memory map, one window at a time (so the
//! resident set stays small: a whole-file map shows as 1 GiB of RSS for a
//! 1 GiB file), and only where the window is already in memory: cold data
//! goes through `read`, whose kernel readahead suits disks better than page
//! faults do.
//!
//! Each step of a window is hashed on every idle pool thread
//! (`Hasher::update_rayon`), as b3sum hashes a mapped file: two files hashed
//! side by side then finish together instead of one core idling while the
//! other ends its file (measured on two 1 GiB files; docs/PERFORMANCE.md).
//!
//! A mapped file cut short by another process makes the next access to a
//! page past its new end raise SIGBUS, which would kill the process. A
//! handler maps zeros over the rest of the window instead, and the window
//! reports the file as truncated, so it becomes an error entry like any
//! other file that changed during the scan. The open windows are in one
//! process-wide table, because any pool thread may touch a window's pages.
//! SIGBUS raised anywhere else is passed on to the handler that was there
//! before (Rust's stack-overflow report, or the default action).

use std::fs::File;
use std::os::fd::AsRawFd;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Bytes mapped at a time (one mmap, mincore and munmap each).
pub const WINDOW: u64 = 32 << 20;
/// Bytes resident at a time inside a window: each step is dropped from the
/// resident set once hashed. Pages come in by page faults, whose
/// fault-around maps 16 pages at a time from the cache: measured cheaper
/// than `MADV_POPULATE_READ`, which looks each page up on its own. On two
/// 1 GiB files against b3sum: 2 MiB steps 1.08, 4 MiB 1.06, 8 MiB 1.07
/// (alternating runs, 2026-12-07); 1 MiB steps were 1.15-1.19 before.
const STEP: usize = 4 << 20;

/// Most windows open at once: one per core is allowed (see [`Slot`]); the
/// table is fixed so that the signal handler reads it without allocating.
const SLOTS: usize = 64;

/// One open window: [start, end) addresses (0, 0 when free), and whether
/// a page of it was past the end of the file.
struct Open {
    busy: AtomicBool,
    start: AtomicUsize,
    end: AtomicUsize,
    faulted: AtomicBool,
}

#[allow(clippy::declare_interior_mutable_const)] // a template for the table
const FREE: Open = Open {
    busy: AtomicBool::new(false),
    start: AtomicUsize::new(0),
    end: AtomicUsize::new(0),
    faulted: AtomicBool::new(false),
};

static OPEN: [Open; SLOTS] = [FREE; SLOTS];

/// The SIGBUS action before ours, and the page size; unset if the handler
/// could not be installed (then nothing is mapped).
static PREVIOUS: OnceLock<Option<(libc::sigaction, usize)>> = OnceLock::new();

fn install() -> Option<usize> {
    let installed = PREVIOUS.get_or_init(|| {
        // SAFETY: plain libc calls on zeroed, fully initialised structs.
        unsafe {
            let page = usize::try_from(libc::sysconf(libc::_SC_PAGESIZE)).ok()?;
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGBUS, std::ptr::null(), &mut old) != 0 {
                return None;
            }
            let mut new: libc::sigaction = std::mem::zeroed();
            new.sa_sigaction = on_sigbus as *const () as usize;
            new.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut new.sa_mask);
            // The previous action is recorded before ours can run.
            let saved = Some((old, page));
            (libc::sigaction(libc::SIGBUS, &new, std::ptr::null_mut()) == 0).then_some(())?;
            saved
        }
    });
    installed.as_ref().map(|(_, page)| *page)
}

extern "C" fn on_sigbus(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: `info` is the kernel's siginfo for this signal; mmap is a
    // plain system call; the table is static atomics, so reading it
    // allocates and locks nothing.
    unsafe {
        let addr = (*info).si_addr() as usize;
        if let Some(Some((_, page))) = PREVIOUS.get() {
            for open in &OPEN {
                let (start, end) = (
                    open.start.load(Ordering::Acquire),
                    open.end.load(Ordering::Acquire),
                );
                if !(start..end).contains(&addr) {
                    continue;
                }
                let from = addr & !(page - 1);
                let zeros = libc::mmap(
                    from as *mut libc::c_void,
                    end - from,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                );
                if zeros != libc::MAP_FAILED {
                    open.faulted.store(true, Ordering::Release);
                    return;
                }
            }
        }
        match PREVIOUS.get() {
            Some(Some((old, _)))
                if old.sa_sigaction != libc::SIG_DFL && old.sa_sigaction != libc::SIG_IGN =>
            {
                if old.sa_flags & libc::SA_SIGINFO != 0 {
                    let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                        std::mem::transmute(old.sa_sigaction);
                    f(sig, info, ctx);
                } else {
                    let f: extern "C" fn(libc::c_int) = std::mem::transmute(old.sa_sigaction);
                    f(sig);
                }
            }
            _ => {
                // Back to the default action: the access faults again and
                // the process ends as it would have without us.
                libc::signal(libc::SIGBUS, libc::SIG_DFL);
            }
        }
    }
}

/// Hashes the `len` mapped bytes at `p`, held in `slot`; false if some were
/// past the end of the file (they were hashed as zeros).
///
/// # Safety
/// `p..p + len` must be a readable file mapping of this process.
unsafe fn guarded_update(
    slot: &Slot,
    p: *const u8,
    len: usize,
    hasher: &mut blake3::Hasher,
) -> bool {
    let open = &OPEN[slot.0];
    open.faulted.store(false, Ordering::Release);
    open.start.store(p as usize, Ordering::Release);
    open.end.store(p as usize + len, Ordering::Release);
    let mut at = 0;
    while at < len {
        let n = STEP.min(len - at);
        // SAFETY: the caller's mapping; a page that vanishes reads as zeros.
        unsafe {
            hasher.update_rayon(std::slice::from_raw_parts(p.add(at), n));
            // Hashed pages leave the resident set (they stay in the cache).
            libc::madvise(p.add(at) as *mut libc::c_void, n, libc::MADV_DONTNEED);
        }
        at += n;
    }
    open.start.store(0, Ordering::Release);
    open.end.store(0, Ordering::Release);
    !open.faulted.load(Ordering::Acquire)
}

/// One of the few mapped windows allowed at once, by its place in the
/// table: hashing cached data is pure CPU, so more windows than cores gain
/// nothing and only add resident pages (8 I/O threads each mapping would
/// add 8 windows to the peak RSS).
struct Slot(usize);

impl Slot {
    fn take() -> Option<Slot> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        OPEN[..cores.min(SLOTS)]
            .iter()
            .position(|o| {
                o.busy
                    .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            })
            .map(Slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        OPEN[self.0].busy.store(false, Ordering::Release);
    }
}

/// What became of one window.
#[derive(Debug, PartialEq, Eq)]
pub enum Window {
    /// Hashed from the map.
    Hashed,
    /// Not (all) in memory, or not mappable here: read it instead.
    Read,
    /// The file ended inside the window: it was truncated while mapped.
    Truncated,
}

/// `cachestat(2)`'s system call number: 451 on every architecture (new
/// calls share one table since Linux 5.1); the `libc` crate lacks it here.
const SYS_CACHESTAT: libc::c_long = 451;

/// How many pages of `len` bytes of `file` from `offset` are in the page
/// cache, from `cachestat(2)` (Linux 6.5+), or `None` where the kernel or a
/// seccomp filter refuses it. It counts the cache's entries for the range,
/// where `mincore` on a fresh map looks every page up on its own (measured:
/// 2 GiB hashed 1.25 -> 1.09 x b3sum's time; docs/PERFORMANCE.md).
fn cached_pages(file: &File, offset: u64, len: u64) -> Option<u64> {
    // struct cachestat_range and struct cachestat, include/uapi/linux/mman.h
    #[repr(C)]
    struct Range {
        off: u64,
        len: u64,
    }
    #[repr(C)]
    #[derive(Default)]
    struct Stat {
        nr_cache: u64,
        nr_dirty: u64,
        nr_writeback: u64,
        nr_evicted: u64,
        nr_recently_evicted: u64,
    }
    let range = Range { off: offset, len };
    let mut stat = Stat::default();
    // SAFETY: the kernel reads `range` and writes `stat`, both ours and
    // laid out as the kernel's; flags must be 0.
    let rc = unsafe {
        libc::syscall(
            SYS_CACHESTAT,
            file.as_raw_fd(),
            &range as *const Range,
            &mut stat as *mut Stat,
            0u32,
        )
    };
    (rc == 0).then_some(stat.nr_cache)
}

/// A private read-only mapping of `len` bytes of `file` from `off`.
fn map(file: &File, off: libc::off_t, len: usize) -> Option<*mut libc::c_void> {
    // SAFETY: a new mapping chosen by the kernel; nothing else is touched.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            libc::MAP_PRIVATE,
            file.as_raw_fd(),
            off,
        )
    };
    (p != libc::MAP_FAILED).then_some(p)
}

/// Hashes `len` bytes of `file` at `offset` (a multiple of the page size)
/// into `hasher` from a map, if they are all in the page cache.
pub fn hash_window(file: &File, offset: u64, len: usize, hasher: &mut blake3::Hasher) -> Window {
    match Slot::take() {
        Some(slot) => hash_in(&slot, file, offset, len, hasher),
        None => Window::Read,
    }
}

/// [`hash_window`] in a slot already taken.
fn hash_in(
    slot: &Slot,
    file: &File,
    offset: u64,
    len: usize,
    hasher: &mut blake3::Hasher,
) -> Window {
    let Some(page) = install() else {
        return Window::Read;
    };
    let Ok(off) = libc::off_t::try_from(offset) else {
        return Window::Read;
    };
    if len == 0 || !offset.is_multiple_of(page as u64) {
        return Window::Read;
    }
    let pages = len.div_ceil(page) as u64;
    // Cold data is not mapped at all (where the kernel can tell).
    let counted = cached_pages(file, offset, len as u64);
    if counted.is_some_and(|n| n < pages) {
        return Window::Read;
    }
    let Some(p) = map(file, off, len) else {
        return Window::Read;
    };
    // SAFETY: our fresh mapping, unmapped below; pages the file loses while
    // mapped become zeros (on_sigbus).
    unsafe {
        let cached = counted.is_some() || {
            let mut resident = vec![0u8; pages as usize];
            libc::mincore(p, len, resident.as_mut_ptr()) == 0 && resident.iter().all(|r| r & 1 == 1)
        };
        let outcome = match cached {
            true if guarded_update(slot, p as *const u8, len, hasher) => Window::Hashed,
            true => Window::Truncated,
            false => Window::Read,
        };
        libc::munmap(p, len);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A window slot, waiting while other tests hold them all.
    fn slot() -> Slot {
        loop {
            match Slot::take() {
                Some(slot) => return slot,
                None => std::thread::sleep(std::time::Duration::from_millis(1)),
            }
        }
    }

    #[test]
    fn a_cached_window_hashes_like_the_bytes() {
        let mut f = tempfile::tempfile().unwrap();
        let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        f.write_all(&data).unwrap();
        // Just written: in the page cache, all 74 pages of it (cachestat
        // counts them where the kernel has it).
        let page = install().unwrap() as u64;
        let pages = (data.len() as u64).div_ceil(page);
        if let Some(n) = cached_pages(&f, 0, data.len() as u64) {
            assert_eq!(n, pages);
        }
        let mut h = blake3::Hasher::new();
        assert_eq!(hash_in(&slot(), &f, 0, data.len(), &mut h), Window::Hashed);
        assert_eq!(h.finalize(), blake3::hash(&data));
    }

    #[test]
    fn a_window_out_of_the_cache_is_left_to_read() {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(&vec![3u8; 1 << 20]).unwrap();
        f.sync_all().unwrap();
        // SAFETY: advice on our own descriptor.
        unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
        let page = install().unwrap() as u64;
        match cached_pages(&f, 0, 1 << 20) {
            // Dropped (a disk-backed /tmp): never mapped, nothing hashed.
            Some(n) if n < (1 << 20) / page => {
                let mut h = blake3::Hasher::new();
                assert_eq!(hash_in(&slot(), &f, 0, 1 << 20, &mut h), Window::Read);
                assert_eq!(h.finalize(), blake3::hash(b""));
            }
            // tmpfs keeps its pages, and without cachestat mincore decides.
            other => eprintln!("skipped: the pages stayed in memory ({other:?})"),
        }
    }

    #[test]
    fn a_file_truncated_while_mapped_is_reported_not_fatal() {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(&vec![7u8; 1 << 20]).unwrap();
        let mut h = blake3::Hasher::new();
        // Map it (resident), then lose all but the first page before the
        // hash reaches the rest: the pages past the end raise SIGBUS.
        let page = install().unwrap();
        let len = 1 << 20;
        let p = map(&f, 0, len).unwrap();
        let slot = slot();
        // SAFETY: the test's own mapping, unmapped below. The hash runs on
        // the pool's threads too: their faults must be caught as well.
        unsafe {
            f.set_len(page as u64).unwrap();
            assert!(!guarded_update(&slot, p as *const u8, len, &mut h));
            libc::munmap(p, len);
        }
        let mut expected = vec![7u8; page];
        expected.resize(len, 0);
        assert_eq!(
            h.finalize(),
            blake3::hash(&expected),
            "the rest read as zeros"
        );
        // The window is closed: a SIGBUS elsewhere is not ours to absorb.
        let open = &OPEN[slot.0];
        assert_eq!(open.start.load(Ordering::Acquire), 0);
        assert_eq!(open.end.load(Ordering::Acquire), 0);
        drop(slot);
        // Through the public path: never "hashed" (mincore may call the
        // pages past the end resident, and then the guard catches them).
        let mut h = blake3::Hasher::new();
        assert_ne!(hash_window(&f, 0, 1 << 20, &mut h), Window::Hashed);
    }
}
