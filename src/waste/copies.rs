//! Stage: copies across roots. For each root, how many of its bytes also
//! exist on another root and whether it is safe to wipe; and for each clip
//! folder (a camera card or reel folder), how many roots hold every one of
//! its files.
//!
//! A copy is a distinct inode on another root with the same full BLAKE3:
//! a hard link is the same bytes on the same disk, not a copy.
//!
//! "Safe to wipe" is earned, never assumed (docs/REPORT.md, "Safe to wipe"):
//! it is `true` only when every non-empty file of the root was read in full
//! and has a copy, verified by its full content hash, on another root.
//! A file footprint could not read (permission, vanished, changed while
//! read), a folder it could not list, an entry `--exclude` hid, or a run
//! without hashing makes it `null` ("unknown", with the reason); a file known
//! to exist only on this root makes it `false`; a root holding no file is
//! `null` too, "empty: nothing to wipe".

use crate::classify::Kind;
use crate::util::error::{ErrorKind, FileError};
use crate::util::units::FileId;
use crate::walk::FileEntry;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// `copies[]`: one per root of a multi-root audit.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RootCopies {
    /// The root.
    pub root: String,
    /// Its bytes, each inode once.
    pub bytes: u64,
    /// Bytes whose content also exists on another root, verified by hash.
    pub bytes_elsewhere: u64,
    /// Bytes not shown to exist elsewhere: `bytes - bytes_elsewhere`.
    pub bytes_unique: u64,
    /// Part of `bytes_unique` whose copies could not be checked (unread or
    /// unhashed files) (addition).
    pub bytes_unknown: u64,
    /// `true` only when every file has a verified copy on another root;
    /// `null` when footprint cannot know, or the root is empty (addition).
    pub safe_to_wipe: Option<bool>,
    /// `yes`, `no`, `unknown` or `empty` (addition).
    pub verdict: Verdict,
    /// Why, in words (addition).
    pub reason: String,
    /// Clip folders of this root with fewer copies than `--copies` (addition).
    pub clip_folders_at_risk: u64,
    /// Files (inodes) whose content is known to be on this root only (addition).
    pub files_only_here: u64,
}

/// The answer to "may this root be wiped?".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every file has a verified copy elsewhere.
    Yes,
    /// Some content exists only here.
    No,
    /// footprint could not check every file.
    Unknown,
    /// Nothing to wipe.
    Empty,
}

/// `clip_copies[]` (addition): copies of one clip folder.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ClipCopies {
    /// The folder.
    pub path: String,
    /// Its root.
    pub root: String,
    /// Non-empty files in it.
    pub files: u64,
    /// Their bytes, each inode once.
    pub bytes: u64,
    /// Roots holding every file of it: the least-copied file decides;
    /// `null` when a file could not be checked.
    pub copies: Option<u32>,
    /// `at_risk` (1 copy), `under` (fewer than `--copies`), `ok`, `surplus`
    /// (more than `--copies`) or `unknown`.
    pub status: &'static str,
}

/// What the stage hands to the report.
#[derive(Debug, Default)]
pub struct CopiesOutcome {
    /// Per root.
    pub roots: Vec<RootCopies>,
    /// Per clip folder, sorted by path.
    pub clips: Vec<ClipCopies>,
    /// One `at_risk` problem per clip folder below the copies policy.
    pub problems: Vec<FileError>,
}

/// What the stage reads from earlier stages.
pub struct Inputs<'a> {
    /// The walk.
    pub files: &'a [FileEntry],
    /// Kind of each file.
    pub kinds: &'a [Kind],
    /// The walked roots.
    pub roots: &'a [PathBuf],
    /// Duplicate groups as walk indices (hard-link names included), or
    /// `None` when content was not hashed.
    pub groups: Option<&'a [Vec<usize>]>,
    /// Problems so far: unreadable paths make verdicts unknown.
    pub errors: &'a [FileError],
    /// Entries `--exclude` hid, per root.
    pub excluded: &'a [u64],
    /// `--copies`.
    pub policy: u32,
    /// `--clip-depth`.
    pub depth: Option<usize>,
}

/// One clip folder being counted.
#[derive(Default)]
struct Tally {
    has_media: bool,
    files: u64,
    inodes: HashSet<FileId>,
    bytes: u64,
    /// Fewest copies among its files whose copies are known.
    min_copies: u32,
    /// A file whose copies could not be checked.
    unknown: bool,
}

/// Folder names that mark the top of a camera-card structure: the card is
/// their parent (`CARD/XDROOT/Clip/C0001.MXF` → `CARD`).
const CARD_MARKERS: &[&str] = &[
    "xdroot", "private", "contents", "dcim", "avchd", "bpav", "clpr",
];

/// The clip folder of `path` under `root`: with `depth`, its ancestor that
/// many levels below the root; else the card folder of a camera-card
/// structure, a RED `.RDM` roll, or the file's own folder.
pub fn clip_folder(path: &Path, root: &Path, depth: Option<usize>) -> PathBuf {
    let parent = path.parent().unwrap_or(root);
    let Ok(rel) = parent.strip_prefix(root) else {
        return parent.to_path_buf();
    };
    let comps: Vec<_> = rel.components().collect();
    if let Some(d) = depth {
        let keep = d.min(comps.len());
        return comps[..keep]
            .iter()
            .fold(root.to_path_buf(), |p, c| p.join(c));
    }
    for (i, c) in comps.iter().enumerate() {
        let name = c.as_os_str().to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".rdm") {
            return comps[..=i]
                .iter()
                .fold(root.to_path_buf(), |p, c| p.join(c));
        }
        if CARD_MARKERS.contains(&name.as_str()) {
            return comps[..i].iter().fold(root.to_path_buf(), |p, c| p.join(c));
        }
    }
    parent.to_path_buf()
}

/// Copies per file: `Some(n)` roots hold its content, or `None` when it
/// could not be checked. Zero-byte files have nothing to lose: `Some(u32::MAX)`.
fn copies_per_file(input: &Inputs) -> Vec<Option<u32>> {
    let files = input.files;
    let Some(groups) = input.groups else {
        return files
            .iter()
            .map(|f| (f.size == 0).then_some(u32::MAX))
            .collect();
    };
    let unreadable: HashSet<&Path> = input
        .errors
        .iter()
        .filter(|e| e.kind.is_unreadable())
        .map(|e| e.path.as_path())
        .collect();
    let mut copies: Vec<Option<u32>> = files
        .iter()
        .map(|f| match f.size {
            0 => Some(u32::MAX),
            _ if unreadable.contains(f.path.as_path()) => None,
            _ => Some(1),
        })
        .collect();
    for g in groups {
        // Root → the distinct inodes holding this content there (few roots).
        let mut by_root: BTreeMap<usize, HashSet<FileId>> = BTreeMap::new();
        for &i in g {
            by_root
                .entry(files[i].root)
                .or_default()
                .insert(files[i].id);
        }
        for &i in g {
            let f = &files[i];
            // Another root counts unless its only inode is this very file.
            let others = by_root
                .iter()
                .filter(|(r, ids)| **r != f.root && !(ids.len() == 1 && ids.contains(&f.id)))
                .count();
            copies[i] = Some(1 + others as u32);
        }
    }
    copies
}

/// Computes copies and verdicts for a multi-root audit.
pub fn assess(input: &Inputs) -> CopiesOutcome {
    let (files, roots) = (input.files, input.roots);
    let copies = copies_per_file(input);
    // Per root: inodes seen, bytes, bytes elsewhere, bytes unknown, files
    // known to be only here.
    let mut per_root = vec![RootTally::default(); roots.len()];
    for (i, f) in files.iter().enumerate() {
        let t = &mut per_root[f.root];
        t.files += 1;
        if !t.seen.insert(f.id) {
            continue;
        }
        t.bytes += f.size;
        match copies[i] {
            Some(n) if n > 1 => t.elsewhere += f.size,
            Some(_) => {
                t.only_here += 1;
                if t.example.is_none() {
                    let rel = f.path.strip_prefix(&roots[f.root]).unwrap_or(&f.path);
                    t.example = Some(crate::util::pathfmt::display(rel));
                }
            }
            None => t.unknown += f.size,
        }
    }
    // Folders that could not be listed, files that could not be read: the
    // root they are on cannot be vouched for.
    for e in input.errors.iter().filter(|e| e.kind.is_unreadable()) {
        if let Some(r) = roots.iter().position(|r| e.path.starts_with(r)) {
            per_root[r].unreadable += 1;
        }
    }
    let mut out = CopiesOutcome::default();
    let mut at_risk: HashMap<usize, u64> = HashMap::new();
    for ((root, dir), t) in clip_tallies(input, &copies) {
        if !t.has_media {
            continue;
        }
        let known = (t.min_copies != u32::MAX).then_some(t.min_copies);
        let (copies, status) = match known {
            Some(1) => (Some(1), "at_risk"),
            _ if t.unknown => (None, "unknown"),
            Some(c) if c < input.policy => (Some(c), "under"),
            Some(c) if c > input.policy => (Some(c), "surplus"),
            Some(c) => (Some(c), "ok"),
            // Only empty files: nothing to lose.
            None => (None, "ok"),
        };
        if let Some(c) = copies.filter(|&c| c < input.policy) {
            *at_risk.entry(root).or_default() += 1;
            out.problems.push(FileError::new(
                &dir,
                ErrorKind::AtRisk,
                if c == 1 {
                    format!("1 copy: {} file(s) exist only on this root", t.files)
                } else {
                    format!(
                        "{c} copies across the roots; --copies asks for {}",
                        input.policy
                    )
                },
            ));
        }
        out.clips.push(ClipCopies {
            path: crate::util::pathfmt::display(&dir),
            root: crate::util::pathfmt::display(&roots[root]),
            files: t.files,
            bytes: t.bytes,
            copies,
            status,
        });
    }
    out.clips.sort_by(|a, b| a.path.cmp(&b.path));
    for (r, t) in per_root.into_iter().enumerate() {
        let (verdict, reason) = t.verdict(
            input.groups.is_some(),
            input.excluded.get(r).copied().unwrap_or(0),
        );
        out.roots.push(RootCopies {
            root: crate::util::pathfmt::display(&roots[r]),
            bytes: t.bytes,
            bytes_elsewhere: t.elsewhere,
            bytes_unique: t.bytes - t.elsewhere,
            bytes_unknown: t.unknown,
            safe_to_wipe: match verdict {
                Verdict::Yes => Some(true),
                Verdict::No => Some(false),
                Verdict::Unknown | Verdict::Empty => None,
            },
            verdict,
            reason,
            clip_folders_at_risk: at_risk.get(&r).copied().unwrap_or(0),
            files_only_here: t.only_here,
        });
    }
    out
}

/// One root being counted.
#[derive(Clone, Default)]
struct RootTally {
    seen: HashSet<FileId>,
    files: u64,
    bytes: u64,
    elsewhere: u64,
    unknown: u64,
    /// Inodes with content known to be on this root only.
    only_here: u64,
    /// The first of them by path, for the reason.
    example: Option<String>,
    /// Unreadable files and folders under it.
    unreadable: u64,
}

impl RootTally {
    /// The rule of the module doc, strongest evidence first: content known
    /// to be only here is a sure "no"; anything unchecked is "unknown".
    fn verdict(&self, hashed: bool, excluded: u64) -> (Verdict, String) {
        if self.only_here > 0 {
            let e = self.example.as_deref().unwrap_or("?");
            return (
                Verdict::No,
                match self.only_here {
                    1 => format!("1 file exists only on this root ({e})"),
                    n => format!("{n} files exist only on this root, e.g. {e}"),
                },
            );
        }
        if !hashed && self.unknown > 0 {
            return (
                Verdict::Unknown,
                "not hashed (--no-hash): no copy verified".into(),
            );
        }
        if self.unreadable > 0 {
            return (
                Verdict::Unknown,
                format!("{} path(s) could not be read (see errors)", self.unreadable),
            );
        }
        if excluded > 0 {
            return (
                Verdict::Unknown,
                format!("{excluded} entries hidden by --exclude, not checked"),
            );
        }
        if self.files == 0 {
            return (Verdict::Empty, "empty: nothing to wipe".into());
        }
        (
            Verdict::Yes,
            "every file has a copy on another root, verified by BLAKE3".into(),
        )
    }
}

/// Clip folders: those holding media; every non-empty file below counts.
fn clip_tallies(input: &Inputs, copies: &[Option<u32>]) -> BTreeMap<(usize, PathBuf), Tally> {
    let media = |k: Kind| {
        matches!(
            k,
            Kind::Video | Kind::Audio | Kind::Image | Kind::ImageSequence
        )
    };
    let mut clips: BTreeMap<(usize, PathBuf), Tally> = BTreeMap::new();
    for (i, f) in input.files.iter().enumerate() {
        if f.size == 0 {
            continue;
        }
        let dir = clip_folder(&f.path, &input.roots[f.root], input.depth);
        let t = clips.entry((f.root, dir)).or_insert_with(|| Tally {
            min_copies: u32::MAX,
            ..Tally::default()
        });
        t.has_media |= media(input.kinds[i]);
        t.files += 1;
        if t.inodes.insert(f.id) {
            t.bytes += f.size;
        }
        match copies[i] {
            Some(c) => t.min_copies = t.min_copies.min(c),
            None => t.unknown = true,
        }
    }
    clips
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_to_wipe_is_earned_and_each_doubt_makes_it_unknown() {
        let ok = RootTally {
            files: 3,
            bytes: 30,
            elsewhere: 30,
            ..RootTally::default()
        };
        assert_eq!(ok.verdict(true, 0).0, Verdict::Yes);
        // Not hashed.
        let unhashed = RootTally {
            elsewhere: 0,
            unknown: 30,
            ..ok.clone()
        };
        assert_eq!(unhashed.verdict(false, 0).0, Verdict::Unknown);
        // An unreadable file or folder, vanished or changed while read.
        let unread = RootTally {
            unreadable: 1,
            ..ok.clone()
        };
        assert_eq!(unread.verdict(true, 0).0, Verdict::Unknown);
        // An entry hidden by --exclude.
        assert_eq!(ok.verdict(true, 2).0, Verdict::Unknown);
        // Known to exist only here beats every doubt: a sure no.
        let unique = RootTally {
            only_here: 1,
            unreadable: 1,
            ..ok.clone()
        };
        assert_eq!(unique.verdict(false, 5).0, Verdict::No);
        // Nothing there: empty, not safe.
        assert_eq!(RootTally::default().verdict(true, 0).0, Verdict::Empty);
        assert_eq!(RootTally::default().verdict(false, 0).0, Verdict::Empty);
        // Nothing readable there: unknown, not empty.
        let locked = RootTally {
            unreadable: 1,
            ..RootTally::default()
        };
        assert_eq!(locked.verdict(true, 0).0, Verdict::Unknown);
    }

    #[test]
    fn clip_folders_follow_card_structures() {
        let root = Path::new("/mnt/shuttle");
        let f = |p: &str, d| clip_folder(&root.join(p), root, d);
        assert_eq!(
            f("Day1/A002R2EC/A002C001_230101_R2EC.mxf", None),
            root.join("Day1/A002R2EC")
        );
        assert_eq!(
            f("Day1/CARD_B/XDROOT/Clip/C0001.MXF", None),
            root.join("Day1/CARD_B")
        );
        assert_eq!(
            f("Day1/CARD_C/PRIVATE/M4ROOT/CLIP/C0001.MP4", None),
            root.join("Day1/CARD_C")
        );
        assert_eq!(
            f(
                "Day1/A001_0101XY.RDM/A001_C001_0101XY.RDC/A001_C001_0101XY_001.R3D",
                None
            ),
            root.join("Day1/A001_0101XY.RDM")
        );
        assert_eq!(f("Day1/A002R2EC/A002C001.mxf", Some(1)), root.join("Day1"));
        assert_eq!(f("top.mov", Some(2)), root.to_path_buf());
    }
}
