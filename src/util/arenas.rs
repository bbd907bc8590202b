//! glibc's allocator gives each thread that allocates its own arena, up to
//! eight per core. footprint runs a pool of readers per stage (eight by
//! default, for cold disks), so a 2-core machine ends with a dozen arenas,
//! each keeping freed pages of its own: on 100,000 files `dupes` peaked at
//! 39 MB with them and 35 MB with two, at the same speed (docs/PERFORMANCE.md).
//! One arena per core is enough: only that many threads allocate at once.

/// Caps glibc's malloc arenas at the number of cores. Call it first in
/// `main`, before any thread starts. An explicit `MALLOC_ARENA_MAX` wins.
pub fn one_per_core() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
            return;
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let cores = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets an allocator parameter; no thread has
        // started yet, and a refused value leaves the default in place.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, cores);
        }
    }
}
