//! Puts the walk's files in byte order of their paths without sorting them
//! all at the end.
//!
//! Each folder sorts its own files by name, on the worker that listed it,
//! and appends them as one run to the shared list; its subfolders are noted
//! by name followed by `/`. Walking that tree depth first yields exactly the
//! byte order of whole paths: everything under `D/x/` is contiguous in that
//! order, and `D/x/…` compares with a sibling `D/y` as `x/` compares with
//! `y`. The list is then permuted in place, so no second copy of it is made
//! (peak memory is a target, issue 9). The global sort this replaces took
//! about a tenth of a warm 50k-file walk.

use super::FileEntry;
use crate::util::pathbytes;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where one folder's files went, and its subfolders.
#[derive(Default)]
struct Listing {
    /// Its run in the shared list.
    start: usize,
    len: usize,
    /// Where names start in those paths (they share their folder).
    name_at: usize,
    /// Subfolders to descend into: (name + `/`, slot of their listing).
    subdirs: Vec<(Vec<u8>, usize)>,
}

/// What one folder contributed, before it is stored.
#[derive(Default)]
pub struct Folder {
    /// Its regular files, in any order.
    pub files: Vec<FileEntry>,
    /// Its subfolders: (name + `/`, slot).
    pub subdirs: Vec<(Vec<u8>, usize)>,
}

/// The file name of `f`, whose path has its name at `at`.
fn name(f: &FileEntry, at: usize) -> &[u8] {
    &pathbytes::bytes(&f.path)[at..]
}

/// The walk's files and the folder tree, filled in by whichever worker
/// finishes a folder.
#[derive(Default)]
pub struct Listings {
    next: AtomicUsize,
    inner: Mutex<(Vec<FileEntry>, Vec<Option<Listing>>)>,
}

impl Listings {
    /// A slot for a folder about to be visited.
    pub fn reserve(&self) -> usize {
        self.next.fetch_add(1, Ordering::Relaxed)
    }

    /// Stores the finished folder of `slot`.
    pub fn put(&self, slot: usize, folder: Folder) {
        let Folder {
            mut files,
            mut subdirs,
        } = folder;
        let name_at = files.first().map_or(0, |f| {
            let b = pathbytes::bytes(&f.path);
            b.len() - pathbytes::name(b).len()
        });
        files.sort_unstable_by(|a, b| name(a, name_at).cmp(name(b, name_at)));
        subdirs.sort_unstable();
        let mut inner = self.inner.lock().expect("listings lock");
        let (all, slots) = &mut *inner;
        let listing = Listing {
            start: all.len(),
            len: files.len(),
            name_at,
            subdirs,
        };
        all.append(&mut files);
        if slots.len() <= slot {
            slots.resize_with(slot + 1, || None);
        }
        slots[slot] = Some(listing);
    }

    /// All files under `roots` (slots), each root depth first, in the order
    /// described above. A folder that could not be listed has no listing and
    /// adds nothing. Iterative: trees may be deeper than the stack allows.
    pub fn into_files(self, roots: &[usize]) -> Vec<FileEntry> {
        let (mut all, mut slots) = self.inner.into_inner().expect("listings lock");
        // order[k]: where the k-th file in path order is now.
        let mut order = Vec::with_capacity(all.len());
        // A folder being emitted: its next file, end, subfolders left, name offset.
        type Level = (usize, usize, std::vec::IntoIter<(Vec<u8>, usize)>, usize);
        let mut take = |slot: usize| -> Option<Level> {
            let l = slots.get_mut(slot)?.take()?;
            Some((l.start, l.start + l.len, l.subdirs.into_iter(), l.name_at))
        };
        for &root in roots {
            let mut stack: Vec<Level> = take(root).into_iter().collect();
            while let Some((next, end, dirs, at)) = stack.last_mut() {
                match dirs.next() {
                    // Files named before this subfolder, then the subfolder.
                    Some((key, slot)) => {
                        let run = &all[*next..*end];
                        let before = run.partition_point(|f| name(f, *at) < key.as_slice());
                        order.extend(*next..*next + before);
                        *next += before;
                        stack.extend(take(slot));
                    }
                    None => {
                        order.extend(*next..*end);
                        stack.pop();
                    }
                }
            }
        }
        if order.len() == all.len() {
            permute(&mut all, &mut order);
        } else {
            // A run no root reaches cannot happen (folders are stored by the
            // walk that queued them); if it did, its files still count.
            all.sort_unstable_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
        }
        all
    }
}

/// Moves `v[order[k]]` to position `k` for every `k`, in place, following
/// each cycle of the permutation (`order` must be one of `0..v.len()`); `order`
/// is used up.
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut k = start;
        while order[k] != k {
            let src = order[k];
            order[k] = k;
            if src == start {
                break;
            }
            v.swap(k, src);
            k = src;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::units::FileId;
    use std::path::PathBuf;

    fn file(p: &str) -> FileEntry {
        FileEntry {
            path: PathBuf::from(p),
            root: 0,
            size: 0,
            id: FileId { dev: 0, ino: 0 },
            nlink: 1,
            mtime_ns: 0,
            ctime_ns: 0,
        }
    }

    #[test]
    fn depth_first_order_is_the_byte_order_of_paths() {
        // Names around '/' (0x2F): '!' and '-' and '.' sort before it, '0' after.
        let l = Listings::default();
        let root = l.reserve();
        let b = l.reserve();
        let b_bang = l.reserve();
        let b0 = l.reserve();
        let deep = l.reserve();
        let folder = |files: &[&str], subdirs: &[(&str, usize)]| Folder {
            files: files.iter().map(|p| file(p)).collect(),
            subdirs: subdirs
                .iter()
                .map(|(n, s)| (format!("{n}/").into_bytes(), *s))
                .collect(),
        };
        l.put(deep, folder(&["/r/b/x/y.dpx"], &[]));
        l.put(
            b,
            folder(&["/r/b/z", "/r/b/x.mov", "/r/b/-a"], &[("x", deep)]),
        );
        l.put(b_bang, folder(&["/r/b!/c"], &[]));
        l.put(b0, folder(&[], &[]));
        l.put(
            root,
            folder(
                &["/r/b.txt", "/r/b", "/r/c", "/r/a"],
                &[("b", b), ("b!", b_bang), ("b0", b0), ("gone", 99)],
            ),
        );
        let got: Vec<PathBuf> = l.into_files(&[root]).into_iter().map(|f| f.path).collect();
        let mut want = got.clone();
        want.sort_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
        assert_eq!(got, want);
        assert_eq!(got.len(), 9);
        assert_eq!(got[0], PathBuf::from("/r/a"));
    }

    #[test]
    fn permutation_in_place_matches_a_copy() {
        let v: Vec<u32> = (0..200).map(|i| i * 7 % 200).collect();
        // A scrambled order with fixed points, long and short cycles.
        let order: Vec<usize> = (0..200).map(|i| (i * 37 + 11) % 200).collect();
        let want: Vec<u32> = order.iter().map(|&i| v[i]).collect();
        let mut got = v.clone();
        permute(&mut got, &mut order.clone());
        assert_eq!(got, want);
        let mut same = v.clone();
        permute(&mut same, &mut (0..200).collect::<Vec<_>>());
        assert_eq!(same, v);
    }
}
