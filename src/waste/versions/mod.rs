//! Stage 5: obsolete versions of one export (`_v01` when `_v03` exists).
//!
//! Units are media files, image sequences and version folders (`comp_v001/`).
//! Units are grouped by (folder relative to its root, name without version
//! tokens, extension, unit type, probed resolution and frame rate). In each
//! group the newest unit is kept; an older one is obsolete only when a
//! version number, a date or a FINAL marker says so. Copy suffixes alone
//! never do: the hash stage decides those. Protected files (camera
//! originals, DCP/IMF, MHL-managed) are never part of a group.
//! Rules with examples: docs/RECLAIM.md.

pub mod name;

use crate::classify::inventory::{Clip, Item};
use crate::probe::MediaItem;
use crate::util::fasthash::{FastHasher, FastMap};
use crate::util::pathbytes;
use crate::walk::FileEntry;
use crate::waste::Confidence;
use name::VersionedName;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::hash::{BuildHasher, BuildHasherDefault};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// What a unit of a version group is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// One media file.
    File,
    /// An image sequence.
    Sequence,
    /// A folder whose name carries the version (`comp_v001/`).
    Folder,
}

impl Unit {
    /// Name used in the report.
    pub fn name(self) -> &'static str {
        match self {
            Unit::File => "file",
            Unit::Sequence => "sequence",
            Unit::Folder => "folder",
        }
    }
}

/// One member of a group.
#[derive(Clone, Debug)]
pub struct Member {
    /// File, sequence pattern or folder.
    pub path: PathBuf,
    /// Walk indices of its files.
    pub files: Vec<usize>,
    /// Parsed name.
    pub parsed: VersionedName,
    /// Newest modification time among its files.
    pub mtime_ns: i64,
}

/// A group of versions with a verdict for each member.
#[derive(Clone, Debug)]
pub struct Group {
    /// Name without version tokens, with extension (`PROJX_cut.mp4`, `comp/`).
    pub name: String,
    /// Unit type.
    pub unit: Unit,
    /// Members sorted by path.
    pub members: Vec<Member>,
    /// Index of the member to keep.
    pub keep: usize,
    /// (member index, confidence, reason) for each obsolete member.
    pub obsolete: Vec<(usize, Confidence, String)>,
}

type Key = (Vec<u8>, String, String, Unit, Option<(u32, u32, u64)>);

/// What groups a media item with its other versions, borrowed from the walk.
struct Grouping<'a> {
    unit: Unit,
    /// Its first file (walk index).
    first: usize,
    stem: &'a [u8],
    /// Extension, lower case.
    ext: Cow<'a, str>,
    /// Parent folder relative to the root.
    dir: &'a [u8],
    /// Video width, height and frame rate (milli-fps).
    sig: Option<(u32, u32, u64)>,
}

/// Finds version groups that have at least one obsolete member.
pub fn find(
    files: &[FileEntry],
    items: &[Item],
    media: &[MediaItem],
    roots: &[PathBuf],
    protected: &[bool],
    is_project: &[bool],
) -> Vec<Group> {
    let folders = version_folders(files, items, roots, protected, is_project);
    // Keys first, in parallel and without building members: most items are
    // alone in their group, and a member (path, file list) is only worth
    // building for groups of two or more. A fingerprint of the key finds
    // the items that share one; only those get the key itself, which
    // settles fingerprint collisions.
    let grouping_of = |n: usize| -> Option<Grouping> {
        let item = &items[n];
        let (unit, first, stem, ext): (_, _, &[u8], &[u8]) = match &item.clip {
            Clip::File(i) => {
                let name = pathbytes::name(pathbytes::bytes(&files[*i].path));
                let (stem, ext) = split_ext(name);
                (Unit::File, *i, stem, ext)
            }
            Clip::Sequence(s) => (
                Unit::Sequence,
                s.frames[0].1,
                trim_separators(&s.prefix),
                s.suffix.strip_prefix(b".").unwrap_or(&s.suffix),
            ),
            // Camera originals split by the camera: never a version.
            Clip::Spanned(_) => return None,
        };
        let sig = media[n].video.as_ref().map(|v| {
            (
                v.width,
                v.height,
                (v.fps.unwrap_or(0.0) * 1000.0).round() as u64,
            )
        });
        let f = &files[first];
        let ext = match std::str::from_utf8(ext) {
            Ok(e) if !e.bytes().any(|b| b.is_ascii_uppercase()) && e.is_ascii() => Cow::Borrowed(e),
            Ok(e) if e.is_ascii() => Cow::Owned(e.to_ascii_lowercase()),
            _ => Cow::Owned(String::from_utf8_lossy(ext).to_lowercase()),
        };
        Some(Grouping {
            unit,
            first,
            stem,
            ext,
            dir: rel_parent(&f.path, &roots[f.root]),
            sig,
        })
    };
    let keyed: Vec<(usize, u64, VersionedName)> = items
        .par_iter()
        .enumerate()
        .filter_map(|(n, item)| {
            let any_protected = match &item.clip {
                Clip::File(i) => protected[*i],
                Clip::Sequence(s) => s.frames.iter().any(|f| protected[f.1]),
                Clip::Spanned(_) => true,
            };
            if any_protected {
                return None;
            }
            let u = grouping_of(n)?;
            if folders.owned[u.first] {
                return None;
            }
            let parsed = name::parse(std::str::from_utf8(u.stem).ok()?);
            let fp = BuildHasherDefault::<FastHasher>::default().hash_one((
                u.dir,
                &parsed.key,
                &u.ext,
                u.unit,
                u.sig,
            ));
            Some((n, fp, parsed))
        })
        .collect();
    let mut shared: FastMap<u64, u32> = FastMap::default();
    for (_, fp, _) in &keyed {
        *shared.entry(*fp).or_default() += 1;
    }
    let mut by_key: HashMap<Key, Vec<usize>> = HashMap::new();
    for (k, (n, fp, parsed)) in keyed.iter().enumerate() {
        if shared[fp] < 2 {
            continue;
        }
        let u = grouping_of(*n).expect("keyed items have a unit");
        let key = (
            u.dir.to_vec(),
            parsed.key.clone(),
            u.ext.into_owned(),
            u.unit,
            u.sig,
        );
        by_key.entry(key).or_default().push(k);
    }
    let mut groups: Vec<(Unit, String, Vec<Member>)> = by_key
        .into_iter()
        .filter(|(_, entries)| entries.len() > 1)
        .map(|(key, entries)| {
            let members = entries
                .into_iter()
                .map(|k| {
                    let (n, _, parsed) = &keyed[k];
                    let item = &items[*n];
                    let path = match &item.clip {
                        Clip::Sequence(s) => s.pattern(),
                        _ => item.probe_path(files).to_path_buf(),
                    };
                    let idx = item.file_indices();
                    let mtime_ns = idx.iter().map(|&i| files[i].mtime_ns).max().unwrap_or(0);
                    Member {
                        path,
                        files: idx,
                        parsed: parsed.clone(),
                        mtime_ns,
                    }
                })
                .collect();
            (key.3, key.2.clone(), members)
        })
        .collect();
    let mut folder_groups: HashMap<(Vec<u8>, String), Vec<Member>> = HashMap::new();
    for (dir, (parsed, members)) in folders.dirs {
        let root = &roots[files[members[0]].root];
        let key = (rel_parent(&dir, root).to_vec(), parsed.key.clone());
        let mtime_ns = members
            .iter()
            .map(|&i| files[i].mtime_ns)
            .max()
            .unwrap_or(0);
        folder_groups.entry(key).or_default().push(Member {
            path: dir,
            files: members,
            parsed,
            mtime_ns,
        });
    }
    groups.extend(
        folder_groups
            .into_values()
            .filter(|m| m.len() > 1)
            .map(|m| (Unit::Folder, String::new(), m)),
    );
    let mut out: Vec<Group> = groups
        .into_iter()
        .filter_map(|(unit, ext, members)| judge(unit, &ext, members))
        .collect();
    out.sort_by(|a, b| {
        let first = |g: &Group| g.members[0].path.as_os_str().to_owned();
        first(a).cmp(&first(b))
    });
    out
}

/// Picks the newest member and the obsolete ones; `None` if nothing is obsolete.
fn judge(unit: Unit, ext: &str, mut members: Vec<Member>) -> Option<Group> {
    members.sort_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
    let rank = |m: &Member| {
        (
            m.parsed.version.clone(),
            m.parsed.date,
            m.parsed.finals,
            !m.parsed.copy,
            m.mtime_ns,
        )
    };
    // Highest rank (an original name beats its copy); the first path among equals.
    let keep = (0..members.len())
        .rev()
        .max_by(|&a, &b| rank(&members[a]).cmp(&rank(&members[b])))?;
    let obsolete: Vec<_> = (0..members.len())
        .filter(|&i| i != keep)
        .filter_map(|i| verdict(&members[i], &members[keep]).map(|(c, r)| (i, c, r)))
        .collect();
    if obsolete.is_empty() {
        return None;
    }
    let base = &members[keep].parsed.base;
    let name = match unit {
        Unit::Folder => format!("{base}/"),
        _ if ext.is_empty() => base.clone(),
        _ => format!("{base}.{ext}"),
    };
    Some(Group {
        name,
        unit,
        members,
        keep,
        obsolete,
    })
}

/// Why `m` is older than `keep`, if its name says so. Axes are compared in
/// order (version, date, FINAL count); an axis missing on either side is skipped.
fn verdict(m: &Member, keep: &Member) -> Option<(Confidence, String)> {
    let (a, b) = (&m.parsed, &keep.parsed);
    let keep_name = keep
        .path
        .file_name()
        .map(|n| crate::util::pathfmt::display(Path::new(n)))
        .unwrap_or_default();
    if !a.version.is_empty() && !b.version.is_empty() && a.version != b.version {
        if a.version > b.version {
            return None;
        }
        let confidence = if a.version_is_bare_r || b.version_is_bare_r {
            Confidence::Low
        } else {
            Confidence::High
        };
        let extra = if confidence == Confidence::Low {
            " ('r' numbers may be reels: check)"
        } else {
            ""
        };
        return Some((
            confidence,
            format!(
                "version {} is older than {} ({keep_name}){extra}",
                show_version(&a.version),
                show_version(&b.version)
            ),
        ));
    }
    if let (Some(da), Some(db)) = (a.date, b.date)
        && da != db
    {
        return (da < db).then(|| {
            (
                Confidence::Low,
                format!(
                    "dated {}, older than {} ({keep_name})",
                    show_date(da),
                    show_date(db)
                ),
            )
        });
    }
    (a.finals < b.finals).then(|| {
        (
            Confidence::Low,
            format!("a later FINAL exists ({keep_name})"),
        )
    })
}

fn show_version(v: &[u32]) -> String {
    let parts: Vec<String> = v.iter().map(|n| n.to_string()).collect();
    format!("v{}", parts.join("."))
}

fn show_date(d: u64) -> String {
    let day = d / 1_000_000;
    format!("{}-{:02}-{:02}", day / 10_000, day / 100 % 100, day % 100)
}

/// Version folders and the files they hold.
struct Folders {
    /// Folder → (parsed name, files below it).
    dirs: HashMap<PathBuf, (VersionedName, Vec<usize>)>,
    /// Per file (walk order): true if it lies in one of those folders.
    owned: Vec<bool>,
}

/// Folders below a root whose name carries an explicit version (`v`, `ver`,
/// `rev`: a bare `r2` may be a reel) and that hold media. A folder holding a
/// protected or project file is not a unit: it is a project, not an export.
fn version_folders(
    files: &[FileEntry],
    items: &[Item],
    roots: &[PathBuf],
    protected: &[bool],
    is_project: &[bool],
) -> Folders {
    let root_of = |f: &FileEntry| pathbytes::bytes(&roots[f.root]);
    let mut per_folder = pathbytes::PerFolder::new();
    let mut candidates: HashSet<&[u8]> = HashSet::new();
    for item in items {
        let f = &files[crate::probe::stage::probe_index(item)];
        let dir = pathbytes::parent(pathbytes::bytes(&f.path));
        if let Some(d) = per_folder.get(dir, || innermost_version_dir(dir, root_of(f))) {
            candidates.insert(d);
        }
    }
    let mut owned = vec![false; files.len()];
    if candidates.is_empty() {
        return Folders {
            dirs: HashMap::new(),
            owned,
        };
    }
    let mut dirs: HashMap<&[u8], (VersionedName, Vec<usize>)> = HashMap::new();
    let mut rejected: HashSet<&[u8]> = HashSet::new();
    let mut per_folder = pathbytes::PerFolder::new();
    for (i, f) in files.iter().enumerate() {
        let dir = pathbytes::parent(pathbytes::bytes(&f.path));
        let root = root_of(f);
        let found = per_folder.get(dir, || {
            let mut a = dir;
            while a != root && pathbytes::is_under(a, root) {
                if candidates.contains(a) {
                    return Some(a);
                }
                a = pathbytes::parent(a);
            }
            None
        });
        let Some(dir) = found else {
            continue;
        };
        if protected[i] || is_project[i] {
            rejected.insert(dir);
        }
        dirs.entry(dir)
            .or_insert_with(|| {
                let name = std::str::from_utf8(pathbytes::name(dir)).unwrap_or_default();
                (name::parse(name), Vec::new())
            })
            .1
            .push(i);
    }
    dirs.retain(|d, _| !rejected.contains(d));
    for &i in dirs.values().flat_map(|(_, m)| m) {
        owned[i] = true;
    }
    let dirs = dirs
        .into_iter()
        .map(|(d, v)| (PathBuf::from(OsStr::from_bytes(d)), v))
        .collect();
    Folders { dirs, owned }
}

/// The closest folder from `dir` up to (not including) `root` whose name has an explicit version.
fn innermost_version_dir<'a>(dir: &'a [u8], root: &[u8]) -> Option<&'a [u8]> {
    let mut a = dir;
    while a != root && pathbytes::is_under(a, root) {
        let versioned = std::str::from_utf8(pathbytes::name(a)).is_ok_and(|n| {
            let p = name::parse(n);
            !p.version.is_empty() && !p.version_is_bare_r
        });
        if versioned {
            return Some(a);
        }
        a = pathbytes::parent(a);
    }
    None
}

/// The parent folder of `path` relative to `root` (as `Path::strip_prefix` gives it).
fn rel_parent<'a>(path: &'a Path, root: &Path) -> &'a [u8] {
    let parent = pathbytes::parent(pathbytes::bytes(path));
    let root = pathbytes::bytes(root);
    if !pathbytes::is_under(parent, root) {
        return parent;
    }
    let rest = &parent[root.len()..];
    rest.strip_prefix(b"/").unwrap_or(rest)
}

fn split_ext(name: &[u8]) -> (&[u8], &[u8]) {
    match name.iter().rposition(|&b| b == b'.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot + 1..]),
        _ => (name, &[]),
    }
}

fn trim_separators(b: &[u8]) -> &[u8] {
    let end = b
        .iter()
        .rposition(|c| !matches!(c, b'.' | b'_' | b'-' | b' '))
        .map_or(0, |p| p + 1);
    &b[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(path: &str, mtime: i64) -> Member {
        let p = PathBuf::from(path);
        let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
        Member {
            parsed: name::parse(&stem),
            path: p,
            files: vec![],
            mtime_ns: mtime,
        }
    }

    fn verdicts(names: &[&str]) -> (String, Vec<(String, Confidence)>) {
        let members = names
            .iter()
            .enumerate()
            .map(|(i, n)| member(n, i as i64))
            .collect();
        match judge(Unit::File, "mov", members) {
            None => (String::new(), vec![]),
            Some(g) => (
                g.members[g.keep].path.display().to_string(),
                g.obsolete
                    .iter()
                    .map(|(i, c, _)| (g.members[*i].path.display().to_string(), *c))
                    .collect(),
            ),
        }
    }

    #[test]
    fn newest_version_is_kept_numerically() {
        let (keep, obs) = verdicts(&["/r/cut_v9.mov", "/r/cut_v10.mov", "/r/cut_v2.mov"]);
        assert_eq!(keep, "/r/cut_v10.mov");
        assert_eq!(
            obs,
            vec![
                ("/r/cut_v2.mov".into(), Confidence::High),
                ("/r/cut_v9.mov".into(), Confidence::High)
            ]
        );
    }

    #[test]
    fn weak_evidence_is_low_confidence() {
        let (keep, obs) = verdicts(&["/r/cut_20260101.mov", "/r/cut_20260315.mov"]);
        assert_eq!(keep, "/r/cut_20260315.mov");
        assert_eq!(obs, vec![("/r/cut_20260101.mov".into(), Confidence::Low)]);
        let (keep, obs) = verdicts(&["/r/cut_v03.mov", "/r/cut_v03_FINAL.mov"]);
        assert_eq!(keep, "/r/cut_v03_FINAL.mov");
        assert_eq!(obs, vec![("/r/cut_v03.mov".into(), Confidence::Low)]);
        let (_, obs) = verdicts(&["/r/film_r1.mov", "/r/film_r2.mov"]);
        assert_eq!(obs, vec![("/r/film_r1.mov".into(), Confidence::Low)]);
    }

    #[test]
    fn ambiguous_or_copy_only_is_never_obsolete() {
        // A copy suffix alone: the hash decides, not the name.
        assert_eq!(
            verdicts(&["/r/cut_v02.mov", "/r/cut_v02 (1).mov"]).1,
            vec![]
        );
        // Unversioned vs versioned, FINAL vs a version: ambiguous.
        assert_eq!(verdicts(&["/r/cut.mov", "/r/cut_v02.mov"]).1, vec![]);
        assert_eq!(verdicts(&["/r/cut_FINAL.mov", "/r/cut_v05.mov"]).1, vec![]);
    }

    #[test]
    fn version_beats_date() {
        let (keep, obs) = verdicts(&["/r/cut_v01_20260401.mov", "/r/cut_v02_20260301.mov"]);
        assert_eq!(keep, "/r/cut_v02_20260301.mov");
        assert_eq!(
            obs,
            vec![("/r/cut_v01_20260401.mov".into(), Confidence::High)]
        );
    }

    #[test]
    fn folders_need_an_explicit_version() {
        let dir_of = |p: &'static str| pathbytes::parent(p.as_bytes());
        let root = &b"/r"[..];
        assert_eq!(
            innermost_version_dir(dir_of("/r/sh010/comp_v002/out/a.1001.exr"), root),
            Some(&b"/r/sh010/comp_v002"[..])
        );
        assert_eq!(
            innermost_version_dir(dir_of("/r/reel_R2/a.mov"), root),
            None
        );
        assert_eq!(
            innermost_version_dir(dir_of("/r/2026-03-15/a.mov"), root),
            None
        );
        assert_eq!(
            innermost_version_dir(dir_of("/PROJ_v2/a.mov"), b"/PROJ_v2"),
            None
        );
    }
}
