//! What the report sums from the walk: totals per kind, the heaviest
//! folders, and the rows of files outside media items (CSV).

use super::{ByKind, FileRow, FolderWeight};
use crate::classify::Kind;
use crate::classify::inventory::Item;
use crate::util::{pathbytes, pathfmt};
use crate::walk::FileEntry;
use std::collections::HashMap;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Totals per kind and overall, each inode once.
pub fn totals(files: &[FileEntry], kinds: &[Kind], owns: &[bool]) -> (ByKind, u64) {
    let mut by_kind = ByKind::default();
    let mut bytes = 0;
    for ((f, &kind), &own) in files.iter().zip(kinds).zip(owns) {
        let b = if own { f.size } else { 0 };
        by_kind.add(kind, 1, b);
        bytes += b;
    }
    (by_kind, bytes)
}

/// Folders down to `depth` levels below each root, heaviest first. A
/// folder whose files all sit in one subfolder is left out: the subfolder
/// says the same with more precision (`Scans` and `Scans/R1` at one size).
pub fn heaviest_folders(
    files: &[FileEntry],
    owns: &[bool],
    roots: &[std::path::PathBuf],
    depth: usize,
    limit: usize,
) -> Vec<FolderWeight> {
    // Sum per parent folder first (few; siblings mostly follow each other, so
    // runs are summed before touching the map), then roll each folder up to
    // its ancestors one and two levels below the root.
    type Folder<'a> = (&'a [u8], usize);
    let mut direct: HashMap<Folder, (u64, u64)> = HashMap::new();
    let mut run: Option<(Folder, (u64, u64))> = None;
    for (f, &own) in files.iter().zip(owns) {
        let key = (pathbytes::parent(pathbytes::bytes(&f.path)), f.root);
        let b = if own { f.size } else { 0 };
        match &mut run {
            Some((k, w)) if *k == key => *w = (w.0 + 1, w.1 + b),
            _ => {
                if let Some((k, w)) = run.replace((key, (1, b))) {
                    let d = direct.entry(k).or_default();
                    *d = (d.0 + w.0, d.1 + w.1);
                }
            }
        }
    }
    if let Some((k, w)) = run {
        let d = direct.entry(k).or_default();
        *d = (d.0 + w.0, d.1 + w.1);
    }
    let mut weights: HashMap<&[u8], (u64, u64)> = HashMap::new();
    for ((dir, root), (n, b)) in direct {
        let root = pathbytes::bytes(&roots[root]);
        if !pathbytes::is_under(dir, root) {
            continue;
        }
        let levels = pathbytes::components(&dir[root.len()..]).count();
        let mut cur = dir;
        for d in (1..=levels).rev() {
            if d <= depth {
                let w = weights.entry(cur).or_default();
                w.0 += n;
                w.1 += b;
            }
            cur = pathbytes::parent(cur);
        }
    }
    let only_child: std::collections::HashSet<&[u8]> = weights
        .iter()
        .filter(|&(child, w)| {
            weights
                .get(pathbytes::parent(child))
                .is_some_and(|p| p == w)
        })
        .map(|(child, _)| pathbytes::parent(child))
        .collect();
    let mut out: Vec<FolderWeight> = weights
        .into_iter()
        .filter(|(p, _)| !only_child.contains(p))
        .map(|(p, (files, bytes))| FolderWeight {
            path: pathfmt::display(Path::new(std::ffi::OsStr::from_bytes(p))),
            files,
            bytes,
        })
        .collect();
    out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
    out.truncate(limit);
    out
}
/// Files that belong to no media item, for the CSV.
pub fn other_files(files: &[FileEntry], kinds: &[Kind], items: &[Item]) -> Vec<FileRow> {
    let mut in_item = vec![false; files.len()];
    for i in items.iter().flat_map(Item::file_indices) {
        in_item[i] = true;
    }
    let mut rows: Vec<FileRow> = files
        .iter()
        .zip(kinds)
        .zip(in_item)
        .filter(|(_, inside)| !inside)
        .map(|((f, &kind), _)| FileRow {
            path: pathfmt::display(&f.path),
            kind,
            bytes: f.size,
        })
        .collect();
    rows.sort_by(|a, b| a.path.cmp(&b.path));
    rows
}
