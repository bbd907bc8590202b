//! Stage: manifests. ASC MHL histories and DCP/IMF packing lists found in the
//! roots, each entry checked against the disk: by size and modification time
//! (PKLs carry no time: size), or, with `--verify-mhl` / `--verify-dcp`, by
//! re-hashing with the manifest's own format. Nothing is ever written.

pub mod digest;
mod essence;
pub mod mhl;
pub mod package;
pub mod pkl;

use crate::util::error::{ErrorKind, FileError};
use crate::walk::FileEntry;
use digest::Format;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One file a manifest lists.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    /// Absolute path.
    pub path: PathBuf,
    /// Recorded size.
    pub size: Option<u64>,
    /// Recorded modification time, seconds (MHL only).
    pub mtime_s: Option<i64>,
    /// Recorded hash: the reference, never a failed verification's value.
    pub hash: Option<(Format, String)>,
    /// The manifest itself records a failed verification of this file.
    pub failed: bool,
}

/// A parsed manifest.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// The newest MHL generation, or the PKL.
    pub path: PathBuf,
    /// `ascmhl` or `dcp-pkl`.
    pub kind: &'static str,
    /// The folder its paths are relative to.
    pub root: PathBuf,
    /// MHL generations read (1 for a PKL).
    pub generations: usize,
    /// Listed files, newest entry of each.
    pub entries: Vec<Listed>,
}

/// `manifests[]`.
#[derive(Clone, Debug, Serialize)]
pub struct ManifestReport {
    /// The newest generation, or the PKL.
    pub path: String,
    /// `ascmhl` or `dcp-pkl`.
    pub kind: &'static str,
    /// The format most entries use (`xxh64`, `sha1`…).
    pub hash_format: String,
    /// Files listed.
    pub entries: u64,
    /// Files that match.
    pub verified: u64,
    /// Files that differ, sorted.
    pub changed: Vec<String>,
    /// Files listed but absent, sorted.
    pub missing: Vec<String>,
    /// The folder the manifest covers (addition).
    pub root: String,
    /// MHL generations read (addition).
    pub generations: usize,
    /// `size+mtime`, `size` or `hash`: how `verified` was decided (addition).
    pub checked_by: &'static str,
}

/// Where the manifests are: `ascmhl/` folders holding a `.mhl`, and XML
/// files whose root element is `PackingList`, in the walked files.
pub fn find(files: &[FileEntry]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut mhl: Vec<PathBuf> = files
        .iter()
        .filter(|f| crate::util::pathbytes::has_ext(&f.path, "mhl"))
        .filter_map(|f| f.path.parent())
        .filter(|d| {
            d.file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("ascmhl"))
        })
        .map(Path::to_path_buf)
        .collect();
    mhl.sort();
    mhl.dedup();
    // A packing list is known by its root element, not its name (SMPTE ST
    // 429-8 names none): every XML head is read, on every core (a card's
    // sidecar XMLs number in the thousands).
    let mut pkls: Vec<PathBuf> = files
        .par_iter()
        .filter(|f| crate::util::pathbytes::has_ext(&f.path, "xml"))
        .filter(|f| {
            crate::util::fsutil::read_head(&f.path, 4096).is_ok_and(|h| {
                // Most heads never name it: skip their text conversion.
                h.windows(11).any(|w| w == b"PackingList")
                    && crate::classify::inventory::root_element(&String::from_utf8_lossy(&h))
                        .as_deref()
                        == Some("PackingList")
            })
        })
        .map(|f| f.path.clone())
        .collect();
    pkls.sort();
    (mhl, pkls)
}

enum Outcome {
    Verified,
    /// Differs, and how.
    Changed(String),
    Missing,
}

/// Checks one entry; `hash` re-reads the file with the manifest's format.
fn check_entry(e: &Listed, hash: bool) -> Result<Outcome, FileError> {
    let md = match std::fs::metadata(&e.path) {
        Ok(md) if md.is_file() => md,
        Ok(_) => return Ok(Outcome::Missing),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Outcome::Missing),
        Err(err) => {
            return Err(FileError::io(
                &e.path,
                "cannot check against its manifest",
                &err,
            ));
        }
    };
    if e.failed {
        return Ok(Outcome::Changed(
            "the manifest itself records a failed verification".into(),
        ));
    }
    if e.size.is_none() && e.mtime_s.is_none() && !(hash && e.hash.is_some()) {
        return Err(FileError::new(
            &e.path,
            ErrorKind::Manifest,
            "its manifest records no size, date or hash to check it against",
        ));
    }
    if let Some(s) = e.size.filter(|&s| s != md.len()) {
        return Ok(Outcome::Changed(format!(
            "size {} bytes, the manifest records {s}",
            md.len()
        )));
    }
    if hash && let Some((format, want)) = &e.hash {
        let got = digest::file(&e.path, *format)
            .map_err(|err| FileError::io(&e.path, "cannot hash for its manifest", &err))?;
        return Ok(if format.same(&got, want) {
            Outcome::Verified
        } else {
            Outcome::Changed(format!(
                "{} {got}, the manifest records {want}",
                format.name()
            ))
        });
    }
    if let Some(want) = e.mtime_s {
        use std::os::unix::fs::MetadataExt;
        // MHL dates have whole seconds, truncated.
        if md.mtime() != want {
            return Ok(Outcome::Changed(format!(
                "modified {}, the manifest records {} (--verify-mhl re-hashes)",
                crate::util::timefmt::rfc3339_secs(md.mtime()),
                crate::util::timefmt::rfc3339_secs(want)
            )));
        }
    }
    Ok(Outcome::Verified)
}

/// Reads and checks every manifest. Unreadable or malformed ones become
/// errors; the others are reported sorted by path.
pub fn check(
    files: &[FileEntry],
    verify_mhl: bool,
    verify_dcp: bool,
    io_threads: usize,
    bar: &indicatif::ProgressBar,
) -> (Vec<ManifestReport>, Vec<FileError>) {
    if !(verify_mhl || verify_dcp) {
        return check_all(files, false, false, bar);
    }
    // Re-hashing waits on the disk: as many reads in flight as the hash stage.
    match rayon::ThreadPoolBuilder::new()
        .num_threads(io_threads.max(1))
        .build()
    {
        Ok(pool) => pool.install(|| check_all(files, verify_mhl, verify_dcp, bar)),
        Err(_) => check_all(files, verify_mhl, verify_dcp, bar),
    }
}

fn check_all(
    files: &[FileEntry],
    verify_mhl: bool,
    verify_dcp: bool,
    bar: &indicatif::ProgressBar,
) -> (Vec<ManifestReport>, Vec<FileError>) {
    let (mhl_dirs, pkls) = find(files);
    let mut errors = Vec::new();
    let mut manifests = Vec::new();
    for d in &mhl_dirs {
        match mhl::read_history(d) {
            Ok(m) => manifests.push((m, verify_mhl)),
            Err(e) => errors.push(FileError::new(d, ErrorKind::Manifest, e)),
        }
    }
    for p in &pkls {
        match pkl::read(p) {
            Ok(m) => manifests.push((m, verify_dcp)),
            Err(e) => errors.push(FileError::new(p, ErrorKind::Manifest, e)),
        }
    }
    bar.set_length(manifests.iter().map(|(m, _)| m.entries.len() as u64).sum());
    let mut out = Vec::new();
    for (m, hash) in manifests {
        let results: Vec<Result<Outcome, FileError>> = m
            .entries
            .par_iter()
            .map(|e| {
                let r = check_entry(e, hash);
                bar.inc(1);
                r
            })
            .collect();
        let mut report = ManifestReport {
            path: crate::util::pathfmt::display(&m.path),
            kind: m.kind,
            hash_format: majority_format(&m.entries),
            entries: m.entries.len() as u64,
            verified: 0,
            changed: Vec::new(),
            missing: Vec::new(),
            root: crate::util::pathfmt::display(&m.root),
            generations: m.generations,
            checked_by: match (hash, m.kind) {
                (true, _) => "hash",
                (false, "dcp-pkl") => "size",
                _ => "size+mtime",
            },
        };
        // Every mismatch is also a problem in `errors`, so that "No errors"
        // can never sit under a failed verification.
        let (changed_kind, missing_kind) = match m.kind {
            "ascmhl" => (ErrorKind::MhlChanged, ErrorKind::MhlMissing),
            _ => (ErrorKind::Package, ErrorKind::Package),
        };
        let source = crate::util::pathfmt::display(&m.path);
        for (e, r) in m.entries.iter().zip(results) {
            match r {
                Ok(Outcome::Verified) => report.verified += 1,
                Ok(Outcome::Changed(how)) => {
                    report.changed.push(crate::util::pathfmt::display(&e.path));
                    errors.push(FileError::new(
                        &e.path,
                        changed_kind,
                        format!("differs from {source}: {how}"),
                    ));
                }
                Ok(Outcome::Missing) => {
                    report.missing.push(crate::util::pathfmt::display(&e.path));
                    errors.push(FileError::new(
                        &e.path,
                        missing_kind,
                        format!("missing: listed in {source}"),
                    ));
                }
                // Neither verified nor changed: listed in `errors`.
                Err(err) => errors.push(err),
            }
        }
        report.changed.sort();
        report.missing.sort();
        out.push(report);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    (out, errors)
}

fn majority_format(entries: &[Listed]) -> String {
    let mut count: BTreeMap<&'static str, usize> = BTreeMap::new();
    for e in entries {
        if let Some((f, _)) = &e.hash {
            *count.entry(f.name()).or_default() += 1;
        }
    }
    count
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or_else(|| "none".to_string(), |(f, _)| f.to_string())
}
