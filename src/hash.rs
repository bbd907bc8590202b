//! Stage 4: find files with identical content (BLAKE3), across all roots.
//!
//! Staged like the fastest peers (fclones, jdupes): group by size; collapse
//! hard links by (dev, inode); hash a prefix block, then a suffix block; run a
//! full BLAKE3 only for the candidates that survive. A file whose size is
//! unique is never read. Zero-byte files are never duplicates. A file whose
//! size or mtime changed since the walk is reported and left out.

use crate::error::{ErrorKind, FileError};
use crate::report::DuplicateGroup;
use crate::units::FileId;
use crate::walk::FileEntry;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};

/// Bytes hashed at each end before committing to a full read.
const BLOCK: u64 = 16 * 1024;
/// Read size for full hashes.
const CHUNK: usize = 1 << 20;

/// Duplicate groups and the files that could not be read.
#[derive(Debug, Default)]
pub struct DupOutcome {
    /// Groups sorted by first path.
    pub groups: Vec<DuplicateGroup>,
    /// For each group, the walk indices of its names, sorted by path.
    pub members: Vec<Vec<usize>>,
    /// Read failures and files changed during the scan.
    pub errors: Vec<FileError>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    Head,
    Tail,
    Full,
}

fn hash_part(f: &FileEntry, part: Part) -> Result<[u8; 32], FileError> {
    let mut file = crate::fsutil::open_readonly(&f.path)
        .map_err(|e| FileError::io(&f.path, "cannot read", &e))?;
    let io = |e: std::io::Error| FileError::io(&f.path, "cannot read", &e);
    let mut hasher = blake3::Hasher::new();
    let (start, len) = match part {
        Part::Head => (0, BLOCK.min(f.size)),
        Part::Tail => (f.size.saturating_sub(BLOCK), BLOCK.min(f.size)),
        Part::Full => (0, f.size),
    };
    file.seek(SeekFrom::Start(start)).map_err(io)?;
    let mut buf = vec![0u8; CHUNK.min(len as usize).max(1)];
    let mut left = len;
    while left > 0 {
        let want = buf.len().min(left as usize);
        let n = file.read(&mut buf[..want]).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        left -= n as u64;
    }
    let (size, mtime) = crate::fsutil::size_mtime(&file).map_err(io)?;
    if left > 0 || size != f.size || mtime != f.mtime_ns {
        return Err(FileError::new(
            &f.path,
            ErrorKind::Changed,
            format!(
                "changed during scan (size {} → {size}): not compared",
                f.size
            ),
        ));
    }
    Ok(*hasher.finalize().as_bytes())
}

/// Splits each group by the hash of `part`; singletons drop out.
fn refine(
    groups: Vec<Vec<usize>>,
    files: &[FileEntry],
    part: Part,
    errors: &mut Vec<FileError>,
    bar: &indicatif::ProgressBar,
) -> Vec<(Vec<usize>, [u8; 32])> {
    let hashed: Vec<(usize, usize, Result<[u8; 32], FileError>)> = groups
        .par_iter()
        .enumerate()
        .flat_map_iter(|(g, members)| members.iter().map(move |&i| (g, i)))
        .map(|(g, i)| {
            let r = if crate::cancel::is_cancelled() {
                Err(FileError::new(&files[i].path, ErrorKind::Io, "interrupted"))
            } else {
                hash_part(&files[i], part)
            };
            bar.inc(1);
            (g, i, r)
        })
        .collect();
    let mut split: HashMap<(usize, [u8; 32]), Vec<usize>> = HashMap::new();
    for (g, i, r) in hashed {
        match r {
            Ok(h) => split.entry((g, h)).or_default().push(i),
            Err(e) => errors.push(e),
        }
    }
    split
        .into_iter()
        .filter(|(_, m)| m.len() > 1)
        .map(|((_, h), m)| (m, h))
        .collect()
}

/// Finds duplicate groups among `files`.
pub fn find_duplicates(files: &[FileEntry], bar: &indicatif::ProgressBar) -> DupOutcome {
    // One representative per inode; every name is kept for the report.
    let mut names: HashMap<FileId, Vec<usize>> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        if f.size > 0 {
            names.entry(f.id).or_default().push(i);
        }
    }
    let mut by_size: HashMap<u64, Vec<usize>> = HashMap::new();
    for members in names.values() {
        by_size
            .entry(files[members[0]].size)
            .or_default()
            .push(members[0]);
    }
    let mut groups: Vec<Vec<usize>> = by_size.into_values().filter(|g| g.len() > 1).collect();
    groups.sort_unstable();
    bar.set_length(groups.iter().map(Vec::len).sum::<usize>() as u64 * 2);
    let mut errors = Vec::new();
    let mut stage = refine(groups, files, Part::Head, &mut errors, bar);
    for part in [Part::Tail, Part::Full] {
        let (small, big): (Vec<_>, Vec<_>) = stage
            .into_iter()
            .partition(|(m, _)| files[m[0]].size <= BLOCK);
        // Files no bigger than one block were hashed whole already.
        stage = small;
        let big: Vec<Vec<usize>> = big.into_iter().map(|(m, _)| m).collect();
        stage.extend(refine(big, files, part, &mut errors, bar));
    }
    let mut out: Vec<(DuplicateGroup, Vec<usize>)> = stage
        .into_iter()
        .map(|(reps, hash)| {
            let size = files[reps[0]].size;
            let mut members: Vec<usize> = reps
                .iter()
                .flat_map(|r| names[&files[*r].id].iter().copied())
                .collect();
            members.sort_unstable_by(|&a, &b| {
                files[a].path.as_os_str().cmp(files[b].path.as_os_str())
            });
            let group = DuplicateGroup {
                hash: blake3::Hash::from_bytes(hash).to_hex().to_string(),
                size,
                paths: members
                    .iter()
                    .map(|&i| crate::pathfmt::display(&files[i].path))
                    .collect(),
                wasted_bytes: size * (reps.len() as u64 - 1),
            };
            (group, members)
        })
        .collect();
    out.sort_by(|a, b| a.0.paths[0].cmp(&b.0.paths[0]));
    errors.sort_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
    let (groups, members) = out.into_iter().unzip();
    DupOutcome {
        groups,
        members,
        errors,
    }
}
