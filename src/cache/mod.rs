//! Persistent cache: re-audits of unchanged files read and probe nothing.
//!
//! SQLite (rusqlite, bundled) in `$XDG_CACHE_HOME/footprint/cache.sqlite`,
//! never inside a scanned root. Chosen over redb after measuring both on
//! 12,000 entries (docs/CACHE.md): SQLite lets two audits share the file
//! (redb takes an exclusive lock), writes faster and stores 2.8× smaller.
//!
//! An entry is valid only while the file's device, inode, size, mtime and
//! ctime (which no tool can set back) and footprint's version are unchanged.
//! Any cache problem is a warning: the audit then runs without it.

use crate::walk::FileEntry;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod session;
pub use session::{Session, Usage};

/// Bumped when the table layout or a value's meaning changes: an older or
/// foreign file is rebuilt, never misread.
const SCHEMA: i64 = 1;
const FILE_NAME: &str = "cache.sqlite";

/// Which hash of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The first block.
    Head,
    /// The last block.
    Tail,
    /// The whole file.
    Full,
}

impl Part {
    fn column(self) -> &'static str {
        match self {
            Part::Head => "head",
            Part::Tail => "tail",
            Part::Full => "full",
        }
    }
}

/// What the cache holds for one unchanged file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cached {
    /// BLAKE3 of the first block.
    pub head: Option<[u8; 32]>,
    /// BLAKE3 of the last block.
    pub tail: Option<[u8; 32]>,
    /// BLAKE3 of the whole file.
    pub full: Option<[u8; 32]>,
    /// The probe result, as the probe stage stored it (JSON text: the cache
    /// keeps it without reading it, so it depends on no stage above it).
    pub probe: Option<String>,
}

impl Cached {
    /// The stored hash of `part`.
    pub fn hash(&self, part: Part) -> Option<[u8; 32]> {
        match part {
            Part::Head => self.head,
            Part::Tail => self.tail,
            Part::Full => self.full,
        }
    }
}

/// Counts for `footprint cache stats`.
#[derive(Debug, Serialize)]
pub struct Stats {
    /// The database file.
    pub path: String,
    /// Files with an entry.
    pub entries: u64,
    /// Of which with a full hash.
    pub full_hashes: u64,
    /// Of which with a probe result.
    pub probes: u64,
    /// Bytes on disk (database and its WAL).
    pub bytes: u64,
}

/// An open cache.
pub struct Cache {
    conn: Connection,
    path: PathBuf,
}

/// The default folder: `$XDG_CACHE_HOME/footprint`, else `~/.cache/footprint`.
pub fn default_dir() -> Option<PathBuf> {
    match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(x) => Some(PathBuf::from(x).join("footprint")),
        None => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/footprint")),
    }
}

/// How long an audit waits for another one holding the cache.
const BUSY: Duration = Duration::from_secs(30);

/// Why the cache could not be opened.
enum OpenError {
    /// Another process holds it: wait or do without, never rebuild it.
    Busy(String),
    /// Not a cache this version can read.
    Unusable(String),
}

impl From<rusqlite::Error> for OpenError {
    fn from(e: rusqlite::Error) -> Self {
        if is_busy(&e) {
            OpenError::Busy(e.to_string())
        } else {
            OpenError::Unusable(e.to_string())
        }
    }
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Busy(m) | OpenError::Unusable(m) => f.write_str(m),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Puts the file in WAL mode, which lets audits read while another writes.
/// The switch needs the file to itself and SQLite does not run the busy
/// handler for it (two audits opening a new cache at once got "database is
/// locked" and rebuilt it, 3 runs in 20), so: skip it when the file is
/// already WAL (a property of the file), else retry until `BUSY` is spent.
fn wal(conn: &Connection) -> Result<(), OpenError> {
    let mode = |c: &Connection| -> rusqlite::Result<String> {
        c.pragma_query_value(None, "journal_mode", |r| r.get(0))
    };
    let deadline = std::time::Instant::now() + BUSY;
    let mut pause = Duration::from_millis(5);
    loop {
        if mode(conn)?.eq_ignore_ascii_case("wal") {
            return Ok(());
        }
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)) {
            // A file system without shared memory keeps its journal: the
            // cache still works, one audit at a time.
            Ok(_) => return Ok(()),
            Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(200));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The version entries are valid for: footprint's, and the generation of
/// its probe answers (2: nominal frame rates with their mode and fraction,
/// and the wider native readers), so a cached answer of another shape is
/// probed again.
fn version() -> &'static str {
    concat!(env!("CARGO_PKG_VERSION"), "+probe2")
}

fn blob(v: Option<Vec<u8>>) -> Option<[u8; 32]> {
    v.and_then(|b| b.try_into().ok())
}

impl Cache {
    /// Opens (or creates) the cache in `dir`. A file that is not a cache of
    /// this schema is moved aside and rebuilt; one that another audit holds
    /// locked for longer than the busy timeout is left alone (an error).
    pub fn open(dir: &Path) -> Result<Cache, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let path = dir.join(FILE_NAME);
        match Self::open_at(&path) {
            Ok(c) => Ok(c),
            Err(OpenError::Busy(m)) => Err(format!("{} is busy: {m}", path.display())),
            Err(OpenError::Unusable(first)) => {
                // Corrupt, foreign or from another schema: keep it for
                // inspection, start afresh.
                let aside = dir.join(format!("{FILE_NAME}.unusable"));
                for suffix in ["", "-wal", "-shm"] {
                    let from = PathBuf::from(format!("{}{suffix}", path.display()));
                    let to = PathBuf::from(format!("{}{suffix}", aside.display()));
                    let _ = std::fs::rename(&from, &to);
                }
                Self::open_at(&path)
                    .map_err(|e| format!("{} ({first}; rebuilding failed: {e})", path.display()))
                    .inspect(|_| {
                        eprintln!(
                            "footprint: warning: cache {} was unusable ({first}); rebuilt, the old file is {}",
                            path.display(),
                            aside.display()
                        );
                    })
            }
        }
    }

    fn open_at(path: &Path) -> Result<Cache, OpenError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY)?;
        wal(&conn)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
             INSERT OR IGNORE INTO meta VALUES ('schema', 1);
             CREATE TABLE IF NOT EXISTS files (
               path BLOB PRIMARY KEY, dev INTEGER NOT NULL, ino INTEGER NOT NULL,
               size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
               version TEXT NOT NULL, head BLOB, tail BLOB, full BLOB, probe TEXT);",
        )?;
        let schema: i64 =
            conn.query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })?;
        if schema != SCHEMA {
            return Err(OpenError::Unusable(format!(
                "schema {schema}, expected {SCHEMA}"
            )));
        }
        Ok(Cache {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The valid entry of each file (same identity and version), else `None`;
    /// only files marked `needed` are looked up.
    pub fn lookup(
        &self,
        files: &[FileEntry],
        needed: &[bool],
    ) -> Result<Vec<Option<Box<Cached>>>, String> {
        let e = |e: rusqlite::Error| e.to_string();
        // One read transaction: one snapshot, and SQLite takes its locks once
        // instead of twice per query (measured: 2 fcntl calls per lookup).
        let tx = self.conn.unchecked_transaction().map_err(e)?;
        let mut st = tx
            .prepare_cached(
                "SELECT dev, ino, size, mtime_ns, ctime_ns, version, head, tail, full, probe
                 FROM files WHERE path = ?1",
            )
            .map_err(e)?;
        let mut out = Vec::with_capacity(files.len());
        for (f, &want) in files.iter().zip(needed) {
            if !want {
                out.push(None);
                continue;
            }
            let row = st
                .query_row([f.path.as_os_str().as_bytes()], |r| {
                    let same = r.get::<_, i64>(0)? as u64 == f.id.dev
                        && r.get::<_, i64>(1)? as u64 == f.id.ino
                        && r.get::<_, i64>(2)? as u64 == f.size
                        && r.get::<_, i64>(3)? == f.mtime_ns
                        && r.get::<_, i64>(4)? == f.ctime_ns
                        && r.get::<_, String>(5)? == version();
                    if !same {
                        return Ok(None);
                    }
                    let probe: Option<String> = r.get(9)?;
                    Ok(Some(Box::new(Cached {
                        head: blob(r.get(6)?),
                        tail: blob(r.get(7)?),
                        full: blob(r.get(8)?),
                        probe,
                    })))
                })
                .optional()
                .map_err(e)?;
            out.push(row.flatten());
        }
        drop(st);
        tx.commit().map_err(e)?;
        Ok(out)
    }

    /// Stores new hashes and probe results in one transaction. A row whose
    /// file changed identity is replaced, so stale values never survive.
    pub fn store(
        &mut self,
        files: &[FileEntry],
        hashes: &[(usize, Part, [u8; 32])],
        probes: &[(usize, String)],
    ) -> Result<(), String> {
        let e = |e: rusqlite::Error| e.to_string();
        let tx = self.conn.transaction().map_err(e)?;
        {
            // A row for another identity (the file changed) goes; then the
            // row is created if missing, so stale values never survive.
            let mut stale = tx
                .prepare_cached(
                    "DELETE FROM files WHERE path = ?1 AND NOT (dev = ?2 AND ino = ?3
                     AND size = ?4 AND mtime_ns = ?5 AND ctime_ns = ?6 AND version = ?7)",
                )
                .map_err(e)?;
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO files (path, dev, ino, size, mtime_ns, ctime_ns, version)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(e)?;
            let mut ensure = |i: usize| -> Result<(), String> {
                let f = &files[i];
                let key = params![
                    f.path.as_os_str().as_bytes(),
                    f.id.dev as i64,
                    f.id.ino as i64,
                    f.size as i64,
                    f.mtime_ns,
                    f.ctime_ns,
                    version()
                ];
                stale.execute(key).map_err(e)?;
                insert.execute(key).map(drop).map_err(e)
            };
            for &(i, part, hash) in hashes {
                ensure(i)?;
                let sql = format!("UPDATE files SET {} = ?2 WHERE path = ?1", part.column());
                tx.prepare_cached(&sql)
                    .and_then(|mut s| {
                        s.execute(params![files[i].path.as_os_str().as_bytes(), &hash[..]])
                    })
                    .map_err(e)?;
            }
            for (i, p) in probes {
                ensure(*i)?;
                let json = p;
                tx.prepare_cached("UPDATE files SET probe = ?2 WHERE path = ?1")
                    .and_then(|mut s| {
                        s.execute(params![files[*i].path.as_os_str().as_bytes(), json])
                    })
                    .map_err(e)?;
            }
        }
        tx.commit().map_err(e)
    }

    /// Entry counts and size.
    pub fn stats(&self) -> Result<Stats, String> {
        let e = |e: rusqlite::Error| e.to_string();
        let (entries, full_hashes, probes): (i64, i64, i64) = self
            .conn
            .query_row(
                "SELECT count(*), count(full), count(probe) FROM files",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(e)?;
        let bytes = ["", "-wal"]
            .iter()
            .filter_map(|s| std::fs::metadata(format!("{}{s}", self.path.display())).ok())
            .map(|m| m.len())
            .sum();
        Ok(Stats {
            path: crate::util::pathfmt::display(&self.path),
            entries: entries as u64,
            full_hashes: full_hashes as u64,
            probes: probes as u64,
            bytes,
        })
    }

    /// Drops entries whose file no longer exists; returns how many.
    pub fn prune(&mut self) -> Result<u64, String> {
        let e = |e: rusqlite::Error| e.to_string();
        let paths: Vec<Vec<u8>> = {
            let mut st = self.conn.prepare("SELECT path FROM files").map_err(e)?;
            st.query_map([], |r| r.get(0))
                .map_err(e)?
                .collect::<Result<_, _>>()
                .map_err(e)?
        };
        let gone: Vec<&Vec<u8>> = paths
            .iter()
            .filter(|p| {
                std::fs::symlink_metadata(Path::new(std::ffi::OsStr::from_bytes(p))).is_err()
            })
            .collect();
        let tx = self.conn.transaction().map_err(e)?;
        for p in &gone {
            tx.execute("DELETE FROM files WHERE path = ?1", [p])
                .map_err(e)?;
        }
        tx.commit().map_err(e)?;
        Ok(gone.len() as u64)
    }

    /// Drops every entry; returns how many.
    pub fn clear(&mut self) -> Result<u64, String> {
        let n = self
            .conn
            .execute("DELETE FROM files", [])
            .map_err(|e| e.to_string())?;
        let _ = self.conn.execute_batch("VACUUM");
        Ok(n as u64)
    }
}
