//! The roots of a walk, checked before anything is scanned: a root that does
//! not exist or cannot be opened stops the run (a typo in a drive name must
//! never read as "nothing there, safe to wipe"), and roots that overlap are
//! folded so every file is counted once.
//!
//! Overlap is decided by identity, not by spelling: two names of one folder
//! (a symlink, a bind mount) have the same (device, inode), and a root lies
//! inside another when one of its ancestors has the other's identity. Paths
//! are canonical first (symlinks resolved), as `realpath(3)` gives them.

use crate::util::units::FileId;
use serde::Serialize;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use thiserror::Error;

/// Why a root cannot be audited.
#[derive(Debug, Error)]
pub enum RootError {
    /// The path does not exist (an unplugged drive, a typo).
    #[error("root {0} does not exist (is the drive mounted? is the name right?)")]
    Missing(String),
    /// It exists but cannot be listed or read.
    #[error("root {0} cannot be opened: {1}")]
    Unopenable(String, std::io::Error),
    /// A FIFO, socket or device.
    #[error("root {0} is not a folder or a regular file")]
    Special(String),
}

/// How a root relates to the one it was folded into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Overlap {
    /// The same folder under another name (a symlink, a bind mount, the
    /// same path twice).
    Same,
    /// A folder inside the other root.
    Inside,
}

/// `roots_folded[]`: a root given on the command line and not walked on its
/// own, because its files are already under another root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FoldedRoot {
    /// The root as given (absolute).
    pub root: String,
    /// The root whose walk covers it.
    pub into: String,
    /// `same` or `inside`.
    pub overlap: Overlap,
}

/// The roots to walk, in the order given, and those folded into them.
#[derive(Clone, Debug, Default)]
pub struct Roots {
    /// Absolute, canonical where possible, none inside another.
    pub walk: Vec<PathBuf>,
    /// Roots covered by another.
    pub folded: Vec<FoldedRoot>,
}

/// A root with its identity.
struct Candidate {
    path: PathBuf,
    /// As given, made absolute: how the report names a folded root.
    given: PathBuf,
    id: FileId,
    is_dir: bool,
    /// Identities of its ancestors, nearest first.
    ancestors: Vec<FileId>,
}

fn id_of(md: &std::fs::Metadata) -> FileId {
    FileId {
        dev: md.dev(),
        ino: md.ino(),
    }
}

/// Checks every root and folds overlapping ones. Roots given on the command
/// line are followed through symlinks, as `du` and `find -H` do.
pub fn resolve(paths: &[PathBuf]) -> Result<Roots, RootError> {
    let mut candidates: Vec<Candidate> = Vec::with_capacity(paths.len());
    for p in paths {
        let shown = crate::util::pathfmt::display(p);
        let md = match std::fs::metadata(p) {
            Ok(md) => md,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(RootError::Missing(shown));
            }
            Err(e) => return Err(RootError::Unopenable(shown, e)),
        };
        // Opened once now, so that "cannot be opened" is said before a
        // long scan of the other roots, not buried in its report.
        if md.is_dir() {
            std::fs::read_dir(p).map_err(|e| RootError::Unopenable(shown.clone(), e))?;
        } else if md.is_file() {
            crate::util::fsutil::open_readonly(p)
                .map_err(|e| RootError::Unopenable(shown.clone(), e))?;
        } else {
            return Err(RootError::Special(shown));
        }
        let given = std::path::absolute(p).map_err(|e| RootError::Unopenable(shown, e))?;
        let path = std::fs::canonicalize(p).unwrap_or_else(|_| given.clone());
        let ancestors = path
            .ancestors()
            .skip(1)
            .filter_map(|a| std::fs::metadata(a).ok().map(|m| id_of(&m)))
            .collect();
        candidates.push(Candidate {
            path,
            given,
            id: id_of(&md),
            is_dir: md.is_dir(),
            ancestors,
        });
    }
    Ok(fold(candidates))
}

/// Keeps the outermost of overlapping roots; of two names of one folder, the
/// first given.
fn fold(candidates: Vec<Candidate>) -> Roots {
    let mut roots = Roots::default();
    let covering = |c: &Candidate, others: &[Candidate], me: usize| -> Option<(usize, Overlap)> {
        others.iter().enumerate().find_map(|(j, o)| {
            if j == me || !o.is_dir && o.id != c.id {
                return None;
            }
            if o.id == c.id {
                // The same folder or file: the first given is walked.
                return (j < me).then_some((j, Overlap::Same));
            }
            c.ancestors.contains(&o.id).then_some((j, Overlap::Inside))
        })
    };
    let mut into: Vec<Option<(usize, Overlap)>> = (0..candidates.len())
        .map(|i| covering(&candidates[i], &candidates, i))
        .collect();
    // Follow chains (C inside B inside A) to the outermost walked root,
    // keeping how the first link overlaps; bounded, should aliases loop.
    for i in 0..into.len() {
        if let Some((mut j, overlap)) = into[i] {
            for _ in 0..into.len() {
                match into[j] {
                    Some((next, _)) => j = next,
                    None => break,
                }
            }
            into[i] = Some((j, overlap));
        }
    }
    for (i, c) in candidates.iter().enumerate() {
        match into[i] {
            None => roots.walk.push(c.path.clone()),
            Some((j, overlap)) => roots.folded.push(FoldedRoot {
                root: crate::util::pathfmt::display(&c.given),
                into: crate::util::pathfmt::display(&candidates[j].path),
                overlap,
            }),
        }
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(r: &Roots) -> Vec<(String, String, Overlap)> {
        r.folded
            .iter()
            .map(|f| (f.root.clone(), f.into.clone(), f.overlap))
            .collect()
    }

    #[test]
    fn nested_aliased_and_repeated_roots_are_folded_into_the_outermost() {
        let t = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(t.path()).unwrap();
        let edit = base.join("EDIT");
        let exports = edit.join("Exports");
        let deep = exports.join("v2");
        std::fs::create_dir_all(&deep).unwrap();
        let alias = base.join("EDIT_alias");
        std::os::unix::fs::symlink(&edit, &alias).unwrap();
        let other = base.join("OTHER");
        std::fs::create_dir(&other).unwrap();

        let r = resolve(&[
            deep.clone(),
            edit.clone(),
            exports.clone(),
            alias.clone(),
            other.clone(),
        ])
        .unwrap();
        assert_eq!(r.walk, vec![edit.clone(), other]);
        let e = crate::util::pathfmt::display(&edit);
        assert_eq!(
            names(&r),
            vec![
                (
                    crate::util::pathfmt::display(&deep),
                    e.clone(),
                    Overlap::Inside
                ),
                (
                    crate::util::pathfmt::display(&exports),
                    e.clone(),
                    Overlap::Inside
                ),
                (crate::util::pathfmt::display(&alias), e, Overlap::Same),
            ]
        );
    }

    #[test]
    fn a_missing_root_is_an_error_naming_it() {
        let t = tempfile::tempdir().unwrap();
        let missing = t.path().join("SHUTLE");
        let err = resolve(&[t.path().to_path_buf(), missing.clone()]).unwrap_err();
        assert!(matches!(err, RootError::Missing(_)));
        assert!(err.to_string().contains("SHUTLE"), "{err}");
    }
}
