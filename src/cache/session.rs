//! The cache as one audit uses it, and `footprint cache stats|prune|clear`.

use super::{Cache, Cached, Part};
use crate::walk::FileEntry;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The report's `cache` object: what this run took from the cache and what
/// it had to compute.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Usage {
    /// The database, or `null` when no cache was used.
    pub path: Option<String>,
    /// Hashes (head, tail or full) taken from the cache.
    pub hashes_from_cache: u64,
    /// Hashes computed by reading files.
    pub hashes_computed: u64,
    /// Probe results taken from the cache.
    pub probes_from_cache: u64,
    /// Probes run.
    pub probes_run: u64,
}

/// The cache as one audit uses it: opened (or not) once, looked up after the
/// walk, written after each stage. Every failure is a warning and turns it off.
pub struct Session {
    cache: Option<Cache>,
    /// The valid entry of each walked file (empty when there is no cache).
    pub cached: Vec<Option<Box<Cached>>>,
    /// Counts for the report.
    pub usage: Usage,
}

impl Session {
    /// A session that reads and writes nothing.
    pub fn off() -> Session {
        Session {
            cache: None,
            cached: Vec::new(),
            usage: Usage::default(),
        }
    }

    /// Opens the cache in `dir` unless it is inside a root (or holds one:
    /// writing there would modify a scanned folder), and looks up the files
    /// a stage may read: when `hash`, those sharing their size with another,
    /// and those marked in `probed` (media to probe). A run that reads no
    /// file (`--no-probe --no-hash`) leaves the cache closed.
    pub fn start(
        dir: Option<&Path>,
        roots: &[PathBuf],
        files: &[FileEntry],
        probed: &[usize],
        hash: bool,
        log: &crate::util::progress::Progress,
    ) -> Session {
        let Some(dir) = dir else {
            return Session::off();
        };
        if !hash && probed.is_empty() {
            return Session::off();
        }
        let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let real = std::fs::canonicalize(&abs).unwrap_or(abs);
        if let Some(r) = roots
            .iter()
            .find(|r| real.starts_with(r) || r.starts_with(&real))
        {
            log.warn(&format!(
                "cache folder {} overlaps the scanned root {}: running without the cache (see --cache-dir)",
                real.display(),
                r.display()
            ));
            return Session::off();
        }
        let cache = match Cache::open(&real) {
            Ok(c) => c,
            Err(e) => {
                log.warn(&format!("cache unavailable, running without it: {e}"));
                return Session::off();
            }
        };
        let needed = needed(files, probed, hash);
        match cache.lookup(files, &needed) {
            Ok(cached) => Session {
                usage: Usage {
                    path: Some(crate::util::pathfmt::display(cache.path())),
                    ..Usage::default()
                },
                cache: Some(cache),
                cached,
            },
            Err(e) => {
                log.warn(&format!(
                    "cache {} unreadable, running without it: {e}",
                    cache.path().display()
                ));
                Session::off()
            }
        }
    }

    /// True when results will be stored.
    pub fn is_on(&self) -> bool {
        self.cache.is_some()
    }

    /// The cached entry of walk index `i`.
    pub fn get(&self, i: usize) -> Option<&Cached> {
        self.cached.get(i).and_then(|c| c.as_deref())
    }

    /// Stores what this stage computed.
    pub fn save(
        &mut self,
        files: &[FileEntry],
        hashes: &[(usize, Part, [u8; 32])],
        probes: &[(usize, String)],
        log: &crate::util::progress::Progress,
    ) {
        if hashes.is_empty() && probes.is_empty() {
            return;
        }
        if let Some(c) = &mut self.cache
            && let Err(e) = c.store(files, hashes, probes)
        {
            log.warn(&format!(
                "cannot write the cache {}: {e}; results are unaffected",
                c.path().display()
            ));
            self.cache = None;
        }
    }
}

/// Files whose hashes or probe result a run may need: a unique size is never
/// read, so its lookup would be wasted, and without hashing only probed
/// files are.
fn needed(files: &[FileEntry], probed: &[usize], hash: bool) -> Vec<bool> {
    let mut out = vec![false; files.len()];
    if hash {
        let mut sizes: crate::util::fasthash::FastMap<u64, u32> = Default::default();
        for f in files.iter().filter(|f| f.size > 0) {
            *sizes.entry(f.size).or_default() += 1;
        }
        for (x, f) in out.iter_mut().zip(files) {
            *x = f.size > 0 && sizes.get(&f.size).is_some_and(|&n| n > 1);
        }
    }
    for &i in probed {
        if let Some(x) = out.get_mut(i) {
            *x = true;
        }
    }
    out
}
