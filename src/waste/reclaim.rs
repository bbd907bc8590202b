//! What can be reclaimed: the union of duplicates, obsolete versions and
//! regenerable caches, with no byte counted twice.
//!
//! Accounting is per inode. An inode frees space only when every name the
//! audit saw for it is a candidate, so a hard link outside a cache folder
//! keeps its bytes out of the total. Within duplicate groups, the copy kept is
//! one that no other category already proposes to delete.

use super::{
    Category, Confidence, ExportEntry, ObsoleteEntry, ReclaimItem, RegenerableEntry, VersionGroup,
};
use crate::classify::Kind;
use crate::classify::inventory::Item;
use crate::probe::MediaItem;
use crate::util::fasthash::FastMap;
use crate::util::pathfmt::display;
use crate::util::units::FileId;
use crate::walk::FileEntry;
use crate::waste::protect::Protection;
use crate::waste::regenerable;
use crate::waste::versions::{self, Unit};
use std::path::PathBuf;

/// Something that could be deleted.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Why.
    pub category: Category,
    /// A file, a folder, or a sequence pattern.
    pub path: PathBuf,
    /// True when `path` is a folder that goes as a whole.
    pub is_dir: bool,
    /// Walk indices of the files it holds.
    pub files: Vec<usize>,
    /// Human-readable reason.
    pub reason: String,
    /// For obsolete versions.
    pub confidence: Option<Confidence>,
    /// Bytes it frees on its own account (filled by [`Ledger::bytes_of`]).
    pub bytes: u64,
}

/// Per-file marks and the inode chains that turn candidates into freed bytes.
pub struct Ledger<'a> {
    files: &'a [FileEntry],
    marks: Vec<u8>,
    /// Each file's inode, as the walk index of its first name: read in walk
    /// order, where a map from inode ids was a hash lookup a file and a walk
    /// through the map's memory for every total.
    head: Vec<u32>,
    /// The inode's next name after this one; a chain rather than a `Vec`
    /// per inode: one allocation for the whole walk.
    next: Vec<u32>,
}

const END: u32 = u32::MAX;

impl<'a> Ledger<'a> {
    /// An empty ledger over the walk.
    pub fn new(files: &'a [FileEntry]) -> Self {
        // Inode → (first name, last name), for building the chains only.
        let mut ends: FastMap<FileId, (u32, u32)> =
            FastMap::with_capacity_and_hasher(files.len(), Default::default());
        let mut head = vec![0; files.len()];
        let mut next = vec![END; files.len()];
        for (i, f) in files.iter().enumerate() {
            let i = i as u32;
            let (first, last) = ends.entry(f.id).or_insert((i, i));
            if *last != i {
                next[*last as usize] = i;
                *last = i;
            }
            head[i as usize] = *first;
        }
        Ledger {
            files,
            marks: vec![0; files.len()],
            head,
            next,
        }
    }

    /// Every name (walk index) of the inode whose first name is `head`.
    fn names(&self, head: u32) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(head), |&n| {
            Some(self.next[n as usize]).filter(|&n| n != END)
        })
        .map(|n| n as usize)
    }

    /// Marks the files of `c`.
    pub fn mark(&mut self, c: &Candidate) {
        for &i in &c.files {
            self.marks[i] |= c.category.bit();
        }
    }

    /// True if every name of file `i`'s inode carries a mark in `mask`.
    fn freed(&self, i: usize, mask: u8) -> bool {
        self.names(self.head[i]).all(|n| self.marks[n] & mask != 0)
    }

    /// True if some category already proposes to delete every name of file `i`.
    pub fn is_claimed(&self, i: usize) -> bool {
        self.freed(i, 0xff)
    }

    /// Bytes freed by the files of `c` in its own category, each inode once.
    pub fn bytes_of(&self, c: &Candidate) -> u64 {
        let mask = c.category.bit();
        let mut seen = crate::util::fasthash::FastSet::default();
        c.files
            .iter()
            .filter(|&&i| seen.insert(self.head[i]) && self.freed(i, mask))
            .map(|&i| self.files[i].size)
            .sum()
    }

    /// Bytes freed in `category` alone, or (with `None`) by the union.
    pub fn total(&self, category: Option<Category>) -> u64 {
        let mask = category.map_or(0xff, Category::bit);
        (0..self.files.len())
            .filter(|&i| self.head[i] as usize == i && self.freed(i, mask))
            .map(|i| self.files[i].size)
            .sum()
    }
}

/// A group's names gathered by inode, in path order.
fn by_inode(members: &[usize], files: &[FileEntry]) -> Vec<(FileId, Vec<usize>)> {
    let mut inodes: Vec<(FileId, Vec<usize>)> = Vec::new();
    for &i in members {
        match inodes.iter_mut().find(|(id, _)| *id == files[i].id) {
            Some((_, v)) => v.push(i),
            None => inodes.push((files[i].id, vec![i])),
        }
    }
    inodes
}

/// Folder names that say "not the real place": `old/`, `_old/`, `trash/`.
const STALE_DIRS: &[&str] = &["old", "_old", "old versions", "obsolete", "trash", "_trash"];

/// True when a copy sits somewhere people put stale things: a copy suffix
/// (`name copy.mov`, `name (1).mov`) or an `old/`-like folder.
fn is_noncanonical(path: &std::path::Path) -> bool {
    let copy_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(versions::name::has_copy_suffix);
    copy_name
        || path.parent().is_some_and(|d| {
            d.components().any(|c| {
                let c = c.as_os_str().to_string_lossy();
                STALE_DIRS.iter().any(|s| c.eq_ignore_ascii_case(s))
            })
        })
}

/// Turns duplicate groups into candidates. In each group one inode is kept:
/// one whose chain of custody is recorded (under an ASC MHL history), else a
/// protected one (a camera original) if any, else one in its canonical
/// place (no copy suffix, not under `old/`) that no other category claims,
/// else any unclaimed one. The others are candidates, unless another
/// category already claims them (one reason per candidate) or they belong
/// to a chain of custody (never candidates).
pub fn duplicate_candidates(
    groups: &[Vec<usize>],
    files: &[FileEntry],
    protection: &Protection,
    ledger: &Ledger,
) -> Vec<Candidate> {
    let protected = &protection.protected;
    let mut out = Vec::new();
    for members in groups {
        let inodes = by_inode(members, files);
        let keep = inodes
            .iter()
            .position(|(_, names)| {
                names
                    .iter()
                    .any(|&i| protection.is_mhl_managed(&files[i].path))
            })
            .or_else(|| {
                inodes
                    .iter()
                    .position(|(_, names)| names.iter().any(|&i| protected[i]))
            })
            .or_else(|| {
                inodes.iter().position(|(_, n)| {
                    !ledger.is_claimed(n[0]) && !is_noncanonical(&files[n[0]].path)
                })
            })
            .or_else(|| inodes.iter().position(|(_, n)| !ledger.is_claimed(n[0])))
            .unwrap_or(0);
        let keep_path = crate::util::pathfmt::display(&files[inodes[keep].1[0]].path);
        for (n, (_, names)) in inodes.iter().enumerate() {
            if n == keep
                || ledger.is_claimed(names[0])
                || names.iter().any(|&i| protection.custody[i])
            {
                continue;
            }
            out.push(Candidate {
                category: Category::Duplicate,
                path: files[names[0]].path.clone(),
                is_dir: false,
                files: names.clone(),
                reason: format!("same content as {keep_path}"),
                confidence: None,
                bytes: 0,
            });
        }
    }
    out
}

/// Copies of an obsolete version are obsolete too: when a duplicate group
/// holds an obsolete member, every other copy becomes an obsolete candidate
/// with that member's confidence (`old/PROJX_cut_v02 copy.mov` goes with
/// `PROJX_cut_v02.mov`), unless a copy is protected or is itself a version
/// some group keeps (two identical versions: the duplicate rule keeps one).
fn obsolete_twins(
    dup_groups: &[Vec<usize>],
    files: &[FileEntry],
    version_groups: &[versions::Group],
    cands: &[Candidate],
    protection: &Protection,
    ledger: &Ledger,
) -> Vec<(usize, Candidate)> {
    let mut obsolete_of: FastMap<usize, usize> = FastMap::default();
    for (n, c) in cands.iter().enumerate() {
        if c.category == Category::Obsolete && !c.is_dir {
            for &i in &c.files {
                obsolete_of.insert(i, n);
            }
        }
    }
    if obsolete_of.is_empty() {
        return Vec::new();
    }
    let mut kept: std::collections::HashSet<usize> = std::collections::HashSet::new();
    for g in version_groups {
        for (m, member) in g.members.iter().enumerate() {
            if !g.obsolete.iter().any(|(o, _, _)| *o == m) {
                kept.extend(member.files.iter().copied());
            }
        }
    }
    // Obsolete candidates come first, group by group.
    let group_of: Vec<usize> = version_groups
        .iter()
        .enumerate()
        .flat_map(|(g, vg)| std::iter::repeat_n(g, vg.obsolete.len()))
        .collect();
    let mut out = Vec::new();
    for members in dup_groups {
        let Some(&source) = members.iter().find_map(|i| obsolete_of.get(i)) else {
            continue;
        };
        if members
            .iter()
            .any(|&i| kept.contains(&i) || protection.protected[i])
        {
            continue;
        }
        let group = group_of[source];
        let source = &cands[source];
        for (_, names) in by_inode(members, files) {
            if names.iter().any(|i| obsolete_of.contains_key(i)) || ledger.is_claimed(names[0]) {
                continue;
            }
            out.push((
                group,
                Candidate {
                    category: Category::Obsolete,
                    path: files[names[0]].path.clone(),
                    is_dir: false,
                    files: names,
                    reason: format!(
                        "same content as {}, an obsolete version ({})",
                        display(&source.path),
                        source.reason
                    ),
                    confidence: source.confidence,
                    bytes: 0,
                },
            ));
        }
    }
    out
}

/// Lists a twin of an obsolete version in that version's group.
fn add_twin(g: &mut VersionGroup, c: &Candidate) {
    let path = display(&c.path);
    g.obsolete_bytes += c.bytes;
    g.details.push(ObsoleteEntry {
        path: path.clone(),
        bytes: c.bytes,
        confidence: c.confidence.unwrap_or(Confidence::Low),
        reason: c.reason.clone(),
    });
    g.obsolete.push(path);
    g.obsolete.sort();
    g.details.sort_by(|a, b| a.path.cmp(&b.path));
}

/// The waste finder's findings, ready for the report.
#[derive(Debug, Default)]
pub struct Waste {
    /// Version groups with obsolete members.
    pub versions: Vec<VersionGroup>,
    /// Regenerable folders and files.
    pub regenerable: Vec<RegenerableEntry>,
    /// Every candidate, for `--export-list`.
    pub candidates: Vec<ExportEntry>,
    /// The largest candidates.
    pub top: Vec<ReclaimItem>,
    /// Bytes in obsolete versions.
    pub obsolete_bytes: u64,
    /// Bytes in regenerable caches.
    pub regenerable_bytes: u64,
    /// Union of all three categories.
    pub reclaimable_bytes: u64,
}

/// Inputs of [`assess`], all from earlier stages.
pub struct Inputs<'a> {
    /// The walk.
    pub files: &'a [FileEntry],
    /// Kind of each file.
    pub kinds: &'a [Kind],
    /// Media items.
    pub items: &'a [Item],
    /// Their report entries (probe results), same order.
    pub media: &'a [MediaItem],
    /// Absolute roots.
    pub roots: &'a [PathBuf],
    /// Duplicate groups as walk indices (empty when hashing was skipped).
    pub duplicate_groups: &'a [Vec<usize>],
}

/// What the waste finder needs that does not depend on probing: protected
/// files, regenerable caches, the hard-link ledger. Built while probe
/// results are turned into media items.
pub struct Groundwork<'a> {
    protection: Protection,
    regen: Vec<regenerable::Found>,
    ledger: Ledger<'a>,
}

impl<'a> Groundwork<'a> {
    /// Protection first, then caches and the ledger on both cores. Probing
    /// never makes or unmakes a `dcp` file, the only kind protection reads.
    pub fn new(files: &'a [FileEntry], kinds: &[Kind]) -> Self {
        let protection = Protection::new(files, kinds);
        let (regen, ledger) = rayon::join(
            || regenerable::find(files, kinds, &protection.protected),
            || Ledger::new(files),
        );
        Groundwork {
            protection,
            regen,
            ledger,
        }
    }
}

/// Finds obsolete versions and regenerable caches, joins them with the
/// duplicates, and accounts for every byte once.
pub fn assess(input: &Inputs, ground: Groundwork, top: usize) -> Waste {
    let files = input.files;
    let Groundwork {
        protection,
        regen,
        mut ledger,
    } = ground;
    let is_project: Vec<bool> = input.kinds.iter().map(|k| *k == Kind::Project).collect();
    let groups = versions::find(
        files,
        input.items,
        input.media,
        input.roots,
        &protection.protected,
        &is_project,
    );

    let mut cands = Vec::new();
    for g in &groups {
        for (m, confidence, reason) in &g.obsolete {
            let m = &g.members[*m];
            cands.push(Candidate {
                category: Category::Obsolete,
                path: m.path.clone(),
                is_dir: g.unit == Unit::Folder,
                files: m.files.clone(),
                reason: reason.clone(),
                confidence: Some(*confidence),
                bytes: 0,
            });
        }
    }
    let first_regen = cands.len();
    for r in &regen {
        cands.push(Candidate {
            category: Category::Regenerable,
            is_dir: r.files.len() != 1 || files[r.files[0]].path != r.path,
            path: r.path.clone(),
            files: r.files.clone(),
            reason: r.rule.reason.to_string(),
            confidence: None,
            bytes: 0,
        });
    }
    cands.iter().for_each(|c| ledger.mark(c));
    let twins = obsolete_twins(
        input.duplicate_groups,
        files,
        &groups,
        &cands,
        &protection,
        &ledger,
    );
    twins.iter().for_each(|(_, c)| ledger.mark(c));
    let dups = duplicate_candidates(input.duplicate_groups, files, &protection, &ledger);
    dups.iter().for_each(|c| ledger.mark(c));
    cands.extend(dups);
    // Twins of obsolete versions, like them, are obsolete; listed with their
    // version group.
    let first_twin = cands.len();
    let twin_groups: Vec<usize> = twins.iter().map(|(g, _)| *g).collect();
    cands.extend(twins.into_iter().map(|(_, c)| c));
    for c in &mut cands {
        c.bytes = ledger.bytes_of(c);
    }

    let mut next = 0;
    let mut versions: Vec<VersionGroup> = groups
        .iter()
        .map(|g| {
            let mine = &cands[next..next + g.obsolete.len()];
            next += g.obsolete.len();
            version_entry(g, mine)
        })
        .collect();
    for (c, &g) in cands[first_twin..].iter().zip(&twin_groups) {
        add_twin(&mut versions[g], c);
    }
    let regenerable = regen
        .iter()
        .zip(&cands[first_regen..])
        .map(|(r, c)| RegenerableEntry {
            path: display(&r.path),
            reason: r.rule.reason.to_string(),
            bytes: c.bytes,
            application: r.rule.app,
            files: r.files.len() as u64,
        })
        .collect();
    let mut waste = Waste {
        versions,
        regenerable,
        obsolete_bytes: ledger.total(Some(Category::Obsolete)),
        regenerable_bytes: ledger.total(Some(Category::Regenerable)),
        reclaimable_bytes: ledger.total(None),
        ..Waste::default()
    };
    let mut export: Vec<ExportEntry> = cands
        .into_iter()
        .map(|c| ExportEntry {
            item: ReclaimItem {
                path: display(&c.path),
                category: c.category,
                bytes: c.bytes,
                reason: c.reason,
                confidence: c.confidence,
            },
            paths: if c.is_dir {
                vec![c.path]
            } else {
                c.files.iter().map(|&i| files[i].path.clone()).collect()
            },
        })
        .collect();
    export.sort_by(|a, b| {
        a.item
            .path
            .cmp(&b.item.path)
            .then(a.item.category.cmp(&b.item.category))
    });
    let mut by_size: Vec<&ExportEntry> = export.iter().filter(|e| e.item.bytes > 0).collect();
    by_size.sort_by(|a, b| {
        b.item
            .bytes
            .cmp(&a.item.bytes)
            .then(a.item.path.cmp(&b.item.path))
    });
    waste.top = by_size.iter().take(top).map(|e| e.item.clone()).collect();
    waste.candidates = export;
    waste
}

fn version_entry(g: &versions::Group, obsolete: &[Candidate]) -> VersionGroup {
    let decided: std::collections::HashSet<usize> =
        g.obsolete.iter().map(|o| o.0).chain([g.keep]).collect();
    VersionGroup {
        name: g.name.clone(),
        keep: display(&g.members[g.keep].path),
        obsolete: obsolete.iter().map(|c| display(&c.path)).collect(),
        obsolete_bytes: obsolete.iter().map(|c| c.bytes).sum(),
        unit: g.unit.name(),
        details: obsolete
            .iter()
            .map(|c| ObsoleteEntry {
                path: display(&c.path),
                bytes: c.bytes,
                confidence: c.confidence.unwrap_or(Confidence::Low),
                reason: c.reason.clone(),
            })
            .collect(),
        undecided: (0..g.members.len())
            .filter(|i| !decided.contains(i))
            .map(|i| display(&g.members[i].path))
            .collect(),
    }
}
