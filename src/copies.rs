//! Stage: copies across roots. For each root, how many of its bytes also
//! exist on another root (safe if this root is wiped) and how many exist only
//! here; and for each clip folder (a camera card or reel folder), how many
//! roots hold every one of its files.
//!
//! A copy is a distinct inode on another root with the same BLAKE3 content:
//! a hard link is the same bytes on the same disk, not a copy. Files that
//! could not be hashed count as unique (the safe side).

use crate::classify::Kind;
use crate::units::FileId;
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
    /// Bytes whose content also exists on another root.
    pub bytes_elsewhere: u64,
    /// Bytes on this root only.
    pub bytes_unique: u64,
    /// True when every byte exists on another root (addition).
    pub safe_to_wipe: bool,
    /// Clip folders of this root with a file on no other root (addition).
    pub clip_folders_at_risk: u64,
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
    /// Roots holding every file of it: the least-copied file decides.
    pub copies: u32,
    /// `at_risk` (1 copy), `ok` (2 to the policy), `surplus` (more).
    pub status: &'static str,
}

/// What the stage hands to the report.
#[derive(Debug, Default)]
pub struct CopiesOutcome {
    /// Per root.
    pub roots: Vec<RootCopies>,
    /// Per clip folder, sorted by path.
    pub clips: Vec<ClipCopies>,
}

/// One clip folder being counted.
#[derive(Default)]
struct Tally {
    has_media: bool,
    files: u64,
    inodes: HashSet<FileId>,
    bytes: u64,
    min_copies: u32,
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

/// Computes copies for a multi-root audit. `groups` are the duplicate
/// groups' walk indices (hard-link names included).
pub fn assess(
    files: &[FileEntry],
    kinds: &[Kind],
    roots: &[PathBuf],
    groups: &[Vec<usize>],
    policy: u32,
    depth: Option<usize>,
) -> CopiesOutcome {
    // For each file, the number of roots holding its content on a distinct inode.
    let mut copies = vec![1u32; files.len()];
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
            copies[i] = 1 + others as u32;
        }
    }
    let mut per_root: Vec<(HashSet<FileId>, u64, u64)> = vec![(HashSet::new(), 0, 0); roots.len()];
    for (i, f) in files.iter().enumerate() {
        let (seen, bytes, elsewhere) = &mut per_root[f.root];
        if seen.insert(f.id) {
            *bytes += f.size;
            if copies[i] > 1 {
                *elsewhere += f.size;
            }
        }
    }
    // Clip folders: those holding media; every non-empty file below counts.
    let media = |k: Kind| {
        matches!(
            k,
            Kind::Video | Kind::Audio | Kind::Image | Kind::ImageSequence
        )
    };
    let mut clips: BTreeMap<(usize, PathBuf), Tally> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        if f.size == 0 {
            continue;
        }
        let dir = clip_folder(&f.path, &roots[f.root], depth);
        let t = clips.entry((f.root, dir)).or_insert_with(|| Tally {
            min_copies: u32::MAX,
            ..Tally::default()
        });
        t.has_media |= media(kinds[i]);
        t.files += 1;
        if t.inodes.insert(f.id) {
            t.bytes += f.size;
        }
        t.min_copies = t.min_copies.min(copies[i]);
    }
    let mut out = CopiesOutcome::default();
    let mut at_risk: HashMap<usize, u64> = HashMap::new();
    for ((root, dir), t) in clips {
        if !t.has_media {
            continue;
        }
        let (n, bytes, min) = (t.files, t.bytes, t.min_copies);
        let status = match min {
            1 => "at_risk",
            c if c > policy => "surplus",
            _ => "ok",
        };
        if min == 1 {
            *at_risk.entry(root).or_default() += 1;
        }
        out.clips.push(ClipCopies {
            path: crate::pathfmt::display(&dir),
            root: crate::pathfmt::display(&roots[root]),
            files: n,
            bytes,
            copies: min,
            status,
        });
    }
    out.clips.sort_by(|a, b| a.path.cmp(&b.path));
    for (r, (_, bytes, elsewhere)) in per_root.into_iter().enumerate() {
        out.roots.push(RootCopies {
            root: crate::pathfmt::display(&roots[r]),
            bytes,
            bytes_elsewhere: elsewhere,
            bytes_unique: bytes - elsewhere,
            safe_to_wipe: bytes == elsewhere,
            clip_folders_at_risk: at_risk.get(&r).copied().unwrap_or(0),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
