//! Whole folders (issue 24): folders whose files have the same relative
//! paths and contents are one finding, and pairs of folders sharing most
//! of their content are reported with the numbers a DIT needs before
//! wiping a card. Both are computed from the duplicate groups the hash
//! stage found, so no file is read again.
//!
//! Identical folders are found as Merkle trees are compared: each folder's
//! signature hashes its files' names and contents and its subfolders'
//! names and signatures, bottom-up; folders with the same signature hold
//! the same tree. A file in no duplicate group is unique, so no folder
//! holding it can be a copy, and its ancestors are skipped at once. The
//! tools people use to find duplicates still lack this (fclones issue 51,
//! czkawka issues 676 and 1182, jdupes issue 68).

use crate::hash::DupOutcome;
use crate::util::fasthash::FastMap;
use crate::util::pathfmt;
use crate::walk::FileEntry;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Folders with the same files at the same relative paths.
#[derive(Clone, Debug, Serialize)]
pub struct DuplicateFolder {
    /// Every copy, sorted; the first is the one to keep unless the file
    /// groups say otherwise.
    pub paths: Vec<String>,
    /// Files in one copy.
    pub files: u64,
    /// Bytes of one copy.
    pub bytes: u64,
    /// What deleting all copies but one frees (each inode once: hard links
    /// between copies free nothing).
    pub wasted_bytes: u64,
}

/// Two folders sharing content, by content whatever the names, each
/// folder's own files compared (not its subfolders').
#[derive(Clone, Debug, Serialize)]
pub struct FolderOverlap {
    /// The folder with more bytes (the original, for a card and its copy).
    pub a: String,
    /// The other folder.
    pub b: String,
    /// Contents found in both.
    pub shared_files: u64,
    /// Bytes of those contents (one copy).
    pub shared_bytes: u64,
    /// Share of `a`'s bytes that is in `b` (0–1).
    pub share_of_a: f64,
    /// Share of `b`'s bytes that is in `a`.
    pub share_of_b: f64,
    /// Names of `a`'s files whose content is not in `b`, sorted.
    pub only_in_a: Vec<String>,
    /// Names of `b`'s files whose content is not in `a`, sorted.
    pub only_in_b: Vec<String>,
}

/// What the folder pass found.
#[derive(Debug, Default)]
pub struct FolderFindings {
    /// Identical folders, the highest only, largest first.
    pub duplicate_folders: Vec<DuplicateFolder>,
    /// Overlapping pairs above the threshold, most shared bytes first.
    pub overlapping_folders: Vec<FolderOverlap>,
    /// For each duplicate group: the first path of the duplicate folder
    /// holding all its copies, when one does.
    pub group_folder: Vec<Option<String>>,
}

/// Options of the folder pass.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Lowest share (0–1) of either folder's bytes for an overlap to be reported.
    pub overlap: f64,
    /// Only findings whose copies are on different roots.
    pub across_roots: bool,
}

/// Content of a file: 0 unique, 1 empty, else its duplicate group + 2.
type Content = u32;
const UNIQUE: Content = 0;
const EMPTY: Content = 1;

/// Groups with more folders than this are not paired for overlaps (a
/// thousand copies of one logo would make a million pairs).
const PAIR_CAP: usize = 64;

struct Dir<'a> {
    path: &'a Path,
    parent: Option<u32>,
    root: usize,
    depth: usize,
    /// Walk indices of the files directly inside; their names and contents
    /// are looked up when needed (4 bytes a file instead of 32: this pass
    /// runs while every walked path is still held).
    files: Vec<u32>,
    children: Vec<u32>,
    /// Merkle signature; `None` once a unique file is below.
    signature: Option<u128>,
    bytes: u64,
    count: u64,
}

/// Finds identical and overlapping folders from the duplicate groups.
pub fn find(
    files: &[FileEntry],
    roots: &[PathBuf],
    dup: &DupOutcome,
    opt: Options,
) -> FolderFindings {
    // Without a duplicate file no folder can be a copy (a folder of empty
    // files weighs nothing and is not reported) and none can overlap:
    // skip indexing every folder (a fifth of a metadata-only audit's work
    // after the walk).
    if dup.members.is_empty() {
        return FolderFindings::default();
    }
    let mut content = vec![UNIQUE; files.len()];
    for (g, members) in dup.members.iter().enumerate() {
        for &i in members {
            content[i] = g as Content + 2;
        }
    }
    for (i, f) in files.iter().enumerate() {
        if f.size == 0 {
            content[i] = EMPTY;
        }
    }
    let mut dirs: Vec<Dir> = Vec::new();
    let mut index: FastMap<&[u8], u32> = FastMap::default();
    // Each file's folder, found once.
    let mut file_dir = vec![u32::MAX; files.len()];
    for (i, f) in files.iter().enumerate() {
        let Some(parent) = f.path.parent() else {
            continue;
        };
        let root = roots.get(f.root).map(PathBuf::as_path);
        let d = dir_id(parent, root, f.root, &mut dirs, &mut index);
        dirs[d as usize].files.push(i as u32);
        file_dir[i] = d;
    }
    sign(&mut dirs, files, &content);
    let duplicate_folders = identical(&dirs, files, opt);
    let group_folder = fold_groups(&dirs, &duplicate_folders, dup, &file_dir);
    let mut out = FolderFindings {
        duplicate_folders: duplicate_folders.into_iter().map(|c| c.finding).collect(),
        overlapping_folders: overlaps(&dirs, files, &content, dup, &file_dir, opt),
        group_folder,
    };
    out.duplicate_folders.sort_by(|a, b| {
        b.wasted_bytes
            .cmp(&a.wasted_bytes)
            .then(a.paths.cmp(&b.paths))
    });
    out
}

/// A file's name, as the folder signatures hash it.
fn name_of(f: &FileEntry) -> &[u8] {
    f.path.file_name().map_or(&[][..], |n| n.as_encoded_bytes())
}

/// The id of folder `path` (and of its ancestors up to its root), created on first sight.
fn dir_id<'a>(
    path: &'a Path,
    root: Option<&Path>,
    root_index: usize,
    dirs: &mut Vec<Dir<'a>>,
    index: &mut FastMap<&'a [u8], u32>,
) -> u32 {
    // Keyed by the path's bytes: hashing a `Path` walks its components.
    let key = path.as_os_str().as_encoded_bytes();
    if let Some(&d) = index.get(key) {
        return d;
    }
    let at_root = root.is_none_or(|r| path == r || !path.starts_with(r));
    let parent = if at_root {
        None
    } else {
        path.parent()
            .map(|p| dir_id(p, root, root_index, dirs, index))
    };
    let depth = parent.map_or(0, |p| dirs[p as usize].depth + 1);
    let id = dirs.len() as u32;
    dirs.push(Dir {
        path,
        parent,
        root: root_index,
        depth,
        files: Vec::new(),
        children: Vec::new(),
        signature: None,
        bytes: 0,
        count: 0,
    });
    if let Some(p) = parent {
        dirs[p as usize].children.push(id);
    }
    index.insert(key, id);
    id
}

/// Signs every folder bottom-up (deepest first).
fn sign(dirs: &mut [Dir], files: &[FileEntry], content: &[Content]) {
    let mut order: Vec<u32> = (0..dirs.len() as u32).collect();
    order.sort_unstable_by_key(|&d| std::cmp::Reverse(dirs[d as usize].depth));
    for d in order {
        let d = d as usize;
        let (mut bytes, mut count) = (0u64, 0u64);
        for &i in &dirs[d].files {
            bytes += files[i as usize].size;
            count += 1;
        }
        for &c in &dirs[d].children {
            bytes += dirs[c as usize].bytes;
            count += dirs[c as usize].count;
        }
        dirs[d].bytes = bytes;
        dirs[d].count = count;
        // A unique file here or an unsigned folder below: no copy of this one.
        let whole = dirs[d].files.iter().all(|&i| content[i as usize] != UNIQUE)
            && dirs[d]
                .children
                .iter()
                .all(|&c| dirs[c as usize].signature.is_some());
        if !whole {
            continue;
        }
        let mut entries: Vec<(&[u8], u128)> = Vec::with_capacity(dirs[d].files.len());
        for &i in &dirs[d].files {
            let i = i as usize;
            entries.push((name_of(&files[i]), u128::from(content[i])));
        }
        for &c in &dirs[d].children {
            let child = &dirs[c as usize];
            let name = child
                .path
                .file_name()
                .map_or(&[][..], |n| n.as_encoded_bytes());
            entries.extend(child.signature.map(|s| (name, s)));
        }
        entries.sort_unstable();
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for (name, s) in &entries {
            h.update(&(name.len() as u64).to_le_bytes());
            h.update(name);
            h.update(&s.to_le_bytes());
        }
        dirs[d].signature = Some(h.digest128());
    }
}

/// A class of identical folders, with the folder ids of its copies.
struct Class {
    dirs: Vec<u32>,
    finding: DuplicateFolder,
}

/// Classes of identical folders, the highest only.
fn identical(dirs: &[Dir], files: &[FileEntry], opt: Options) -> Vec<Class> {
    let mut by_sig: FastMap<u128, Vec<u32>> = FastMap::default();
    for (d, dir) in dirs.iter().enumerate() {
        if let Some(s) = dir.signature.filter(|_| dir.bytes > 0) {
            by_sig.entry(s).or_default().push(d as u32);
        }
    }
    let multi = |s: Option<u128>| s.is_some_and(|s| by_sig.get(&s).is_some_and(|v| v.len() > 1));
    let mut classes = Vec::new();
    for members in by_sig.values().filter(|m| m.len() > 1) {
        // Implied by its parents: every copy's parent is a distinct folder,
        // and those parents are copies of each other.
        let parents: Vec<Option<u32>> = members.iter().map(|&d| dirs[d as usize].parent).collect();
        let mut distinct: Vec<u32> = parents.iter().flatten().copied().collect();
        distinct.sort_unstable();
        distinct.dedup();
        let implied = parents.iter().all(Option::is_some)
            && distinct.len() == members.len()
            && multi(dirs[distinct[0] as usize].signature)
            && distinct
                .iter()
                .all(|&p| dirs[p as usize].signature == dirs[distinct[0] as usize].signature);
        if implied {
            continue;
        }
        let mut roots: Vec<usize> = members.iter().map(|&d| dirs[d as usize].root).collect();
        roots.sort_unstable();
        roots.dedup();
        if opt.across_roots && roots.len() < 2 {
            continue;
        }
        let mut members = members.clone();
        members.sort_by_key(|&d| dirs[d as usize].path);
        let wasted = wasted_bytes(dirs, &members, files);
        if wasted == 0 {
            continue; // hard links of one another: nothing to free
        }
        let first = &dirs[members[0] as usize];
        classes.push(Class {
            finding: DuplicateFolder {
                paths: members
                    .iter()
                    .map(|&d| pathfmt::display(dirs[d as usize].path))
                    .collect(),
                files: first.count,
                bytes: first.bytes,
                wasted_bytes: wasted,
            },
            dirs: members,
        });
    }
    classes
}

/// Bytes freed by keeping one copy: per relative path, size × (distinct
/// inodes − 1).
fn wasted_bytes(dirs: &[Dir], members: &[u32], files: &[FileEntry]) -> u64 {
    let mut at: FastMap<Vec<u8>, (u64, Vec<crate::util::units::FileId>)> = FastMap::default();
    for &m in members {
        let base = dirs[m as usize].path;
        each_file(dirs, m, &mut |i| {
            let f = &files[i];
            let rel = f.path.strip_prefix(base).unwrap_or(&f.path);
            let e = at
                .entry(rel.as_os_str().as_encoded_bytes().to_vec())
                .or_insert((f.size, Vec::new()));
            if !e.1.contains(&f.id) {
                e.1.push(f.id);
            }
        });
    }
    at.values()
        .map(|(size, ids)| size * (ids.len() as u64).saturating_sub(1))
        .sum()
}

/// Calls `f` with every file below folder `d`.
fn each_file(dirs: &[Dir], d: u32, f: &mut dyn FnMut(usize)) {
    let dir = &dirs[d as usize];
    for &i in &dir.files {
        f(i as usize);
    }
    for &c in &dir.children {
        each_file(dirs, c, f);
    }
}

/// For each duplicate group, the duplicate folder holding all its copies.
fn fold_groups(
    dirs: &[Dir],
    classes: &[Class],
    dup: &DupOutcome,
    file_dir: &[u32],
) -> Vec<Option<String>> {
    if classes.is_empty() {
        return vec![None; dup.groups.len()];
    }
    let mut owner: FastMap<u32, usize> = FastMap::default();
    for (c, class) in classes.iter().enumerate() {
        for &d in &class.dirs {
            owner.insert(d, c);
        }
    }
    // The class holding a file: its nearest ancestor that is a copy.
    let class_of = |i: usize| -> Option<usize> {
        let mut d = *file_dir.get(i).filter(|d| **d != u32::MAX)?;
        loop {
            if let Some(&c) = owner.get(&d) {
                return Some(c);
            }
            d = dirs[d as usize].parent?;
        }
    };
    dup.members
        .iter()
        .map(|m| {
            let first = class_of(*m.first()?)?;
            m.iter()
                .all(|&i| class_of(i) == Some(first))
                .then(|| classes[first].finding.paths[0].clone())
        })
        .collect()
}

/// Pairs of folders sharing content above the threshold.
fn overlaps(
    dirs: &[Dir],
    files: &[FileEntry],
    content: &[Content],
    dup: &DupOutcome,
    file_dir: &[u32],
    opt: Options,
) -> Vec<FolderOverlap> {
    // Candidate pairs: folders holding copies of one content.
    let mut pairs: FastMap<(u32, u32), ()> = FastMap::default();
    for (g, members) in dup.members.iter().enumerate() {
        if dup.groups[g].size == 0 {
            continue;
        }
        let mut ds: Vec<u32> = members
            .iter()
            .filter_map(|&i| file_dir.get(i).copied().filter(|d| *d != u32::MAX))
            .collect();
        ds.sort_unstable();
        ds.dedup();
        if ds.len() > PAIR_CAP {
            continue;
        }
        for (x, &a) in ds.iter().enumerate() {
            for &b in &ds[x + 1..] {
                pairs.insert((a, b), ());
            }
        }
    }
    let mut out = Vec::new();
    for &(a, b) in pairs.keys() {
        let (da, db) = (&dirs[a as usize], &dirs[b as usize]);
        if opt.across_roots && da.root == db.root {
            continue;
        }
        let own = |d: &Dir| -> (u64, FastMap<Content, u64>) {
            let mut set = FastMap::default();
            let mut bytes = 0;
            for &i in &d.files {
                let (c, size) = (content[i as usize], files[i as usize].size);
                bytes += size;
                if c > EMPTY {
                    set.insert(c, size);
                }
            }
            (bytes, set)
        };
        let ((bytes_a, set_a), (bytes_b, set_b)) = (own(da), own(db));
        let shared: Vec<(&Content, &u64)> = set_a
            .iter()
            .filter(|(c, _)| set_b.contains_key(c))
            .collect();
        let shared_bytes: u64 = shared.iter().map(|(_, s)| **s).sum();
        let share = |total: u64| {
            if total == 0 {
                0.0
            } else {
                shared_bytes as f64 / total as f64
            }
        };
        let (share_a, share_b) = (share(bytes_a), share(bytes_b));
        if share_a.max(share_b) < opt.overlap || shared_bytes == 0 {
            continue;
        }
        let only = |d: &Dir, other: &FastMap<Content, u64>| -> Vec<String> {
            let mut v: Vec<String> = d
                .files
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| content[i] != EMPTY && !other.contains_key(&content[i]))
                .map(|i| String::from_utf8_lossy(name_of(&files[i])).into_owned())
                .collect();
            v.sort();
            v
        };
        let (only_a, only_b) = (only(da, &set_b), only(db, &set_a));
        // Identical folders are the other finding.
        if only_a.is_empty()
            && only_b.is_empty()
            && da.signature.is_some()
            && da.signature == db.signature
        {
            continue;
        }
        let mut o = FolderOverlap {
            a: pathfmt::display(da.path),
            b: pathfmt::display(db.path),
            shared_files: shared.len() as u64,
            shared_bytes,
            share_of_a: round3(share_a),
            share_of_b: round3(share_b),
            only_in_a: only_a,
            only_in_b: only_b,
        };
        // The fuller folder first: the card before its partial copy.
        if bytes_b > bytes_a || (bytes_a == bytes_b && o.b < o.a) {
            std::mem::swap(&mut o.a, &mut o.b);
            std::mem::swap(&mut o.share_of_a, &mut o.share_of_b);
            std::mem::swap(&mut o.only_in_a, &mut o.only_in_b);
        }
        out.push(o);
    }
    out.sort_by(|x, y| {
        y.shared_bytes
            .cmp(&x.shared_bytes)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    out
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
