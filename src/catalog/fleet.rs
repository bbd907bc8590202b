//! `footprint fleet`: many manifests read as one audit of all their volumes.
//!
//! Same rules as an audit: a hard link (same host, device and inode) is
//! one file, a zero-byte file is never a duplicate, a copy is a distinct
//! inode with the same full BLAKE3. The rows are streamed twice, a row
//! group at a time: the first pass counts sizes (and the totals), the
//! second keeps only the files whose size occurs more than once, so memory
//! grows with duplicate candidates and distinct sizes, not with rows.
//!
//! When a file could match one elsewhere but was not hashed (a manifest
//! written without `--hash all`), its verdict is "unknown", never "only on
//! this host".

use super::read::{Reader, open};
use super::{Row, clip_folder};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// One scan taken into account.
#[derive(Clone, Debug, Serialize)]
pub struct ScanInfo {
    /// The manifest file.
    pub manifest: String,
    /// Host that scanned.
    pub host: String,
    /// Its roots.
    pub roots: Vec<String>,
    /// Scan id.
    pub scan_id: String,
    /// When.
    pub scan_time: String,
    /// Rows.
    pub files: u64,
}

/// Totals of one host, one volume or one kind.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Total {
    /// Host name (per-host and per-volume totals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Root (per-volume totals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// Kind (per-kind totals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Files (names).
    pub files: u64,
    /// Bytes, each inode once.
    pub bytes: u64,
    /// Files whose content is on no other host (per host).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub only_here_files: Option<u64>,
    /// Their bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub only_here_bytes: Option<u64>,
    /// Files that may or may not be elsewhere: a file of the same size is
    /// on another host and one of them was not hashed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_files: Option<u64>,
    /// Their bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_bytes: Option<u64>,
}

/// A name of a file on a host.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Place {
    /// Host.
    pub host: String,
    /// Absolute path on that host.
    pub path: String,
}

/// Files with identical content, wherever they are.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    /// BLAKE3, hex.
    pub hash: String,
    /// Size of one copy.
    pub size: u64,
    /// Distinct inodes holding it.
    pub copies: usize,
    /// Hosts holding it, sorted.
    pub hosts: Vec<String>,
    /// Every name, sorted by host then path.
    pub paths: Vec<Place>,
    /// size × (copies − 1).
    pub wasted_bytes: u64,
}

/// A clip folder (a folder holding media files) with media found on no
/// other host.
#[derive(Clone, Debug, Serialize)]
pub struct Folder {
    /// Host.
    pub host: String,
    /// The folder, absolute.
    pub folder: String,
    /// Media files in it.
    pub media_files: u64,
    /// Their bytes.
    pub media_bytes: u64,
    /// Media files with no copy on another host.
    pub only_here_files: u64,
    /// Their bytes.
    pub only_here_bytes: u64,
    /// Media files whose copies elsewhere are unknown (not hashed).
    pub unknown_files: u64,
}

/// What `footprint fleet` answers.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Fleet {
    /// Scans read, by host then root.
    pub scans: Vec<ScanInfo>,
    /// Older scans of a volume a newer scan replaces: not counted.
    pub superseded: Vec<ScanInfo>,
    /// Files (names) in all.
    pub files: u64,
    /// Bytes, each inode once.
    pub bytes: u64,
    /// Per host, with what is on that host only.
    pub hosts: Vec<Total>,
    /// Per volume (host and root).
    pub volumes: Vec<Total>,
    /// Per kind.
    pub kinds: Vec<Total>,
    /// Duplicate groups, most wasted bytes first.
    pub duplicates: Vec<Group>,
    /// Bytes all the copies but one take.
    pub duplicate_bytes: u64,
    /// Groups spread over more than one host.
    pub cross_host_groups: usize,
    /// Non-empty files that share their size with a file on another host
    /// while one of the two has no hash: whether they are copies is unknown.
    pub unknown_files: u64,
    /// Their bytes.
    pub unknown_bytes: u64,
    /// Clip folders with media on this host only, most such bytes first.
    pub only_here_folders: Vec<Folder>,
}

/// Columns each pass reads.
const PASS1: [&str; 7] = ["host", "root", "kind", "size", "device", "inode", "nlink"];
const PASS2: [&str; 8] = [
    "host", "path", "kind", "size", "device", "inode", "nlink", "blake3",
];

/// What pass 1 knows of a size: how many inodes, on which host first and
/// whether on several.
#[derive(Clone, Copy)]
struct SizeSeen {
    count: u32,
    host: u32,
    multi_host: bool,
}

/// A file whose size occurs more than once.
struct Candidate {
    host: u32,
    id: (u64, u64),
    size: u64,
    path: String,
    hash: Option<[u8; 32]>,
    folder: Option<usize>,
}

/// Reads `manifests` as one audit. Errors name the file and the problem.
pub fn assess(manifests: &[PathBuf]) -> Result<Fleet, String> {
    let (readers, superseded) = latest_scans(manifests)?;
    let mut hosts: Vec<String> = readers.iter().map(|r| r.head().host.clone()).collect();
    hosts.sort();
    hosts.dedup();
    let host_of = |r: &Row| hosts.binary_search_by(|h| h.as_str().cmp(&r.host)).ok();
    let mut fleet = Fleet {
        superseded,
        scans: readers.iter().map(scan_info).collect(),
        ..Fleet::default()
    };
    // Pass 1: totals and sizes.
    let mut sizes: HashMap<u64, SizeSeen> = HashMap::new();
    let mut per_host: HashMap<String, Total> = HashMap::new();
    let mut per_volume: HashMap<(String, String), Total> = HashMap::new();
    let mut per_kind: HashMap<String, Total> = HashMap::new();
    let mut linked: HashSet<(u32, u64, u64)> = HashSet::new();
    for reader in &readers {
        reader.for_each_group_of(Some(&PASS1), |rows| {
            for r in &rows {
                let h = host_of(r).unwrap_or(0) as u32;
                let first = r.nlink <= 1 || linked.insert((h, r.device, r.inode));
                let bytes = if first { r.size } else { 0 };
                fleet.files += 1;
                fleet.bytes += bytes;
                for t in [
                    per_host.entry(r.host.to_string()).or_default(),
                    per_volume
                        .entry((r.host.to_string(), r.root.to_string()))
                        .or_default(),
                    per_kind.entry(r.kind.to_string()).or_default(),
                ] {
                    t.files += 1;
                    t.bytes += bytes;
                }
                if first && r.size > 0 {
                    let s = sizes.entry(r.size).or_insert(SizeSeen {
                        count: 0,
                        host: h,
                        multi_host: false,
                    });
                    s.count += 1;
                    s.multi_host |= s.host != h;
                }
            }
            Ok(())
        })?;
    }
    // Every host states its verdicts, zeros included.
    for t in per_host.values_mut() {
        t.only_here_files = Some(0);
        t.only_here_bytes = Some(0);
        t.unknown_files = Some(0);
        t.unknown_bytes = Some(0);
    }
    // Pass 2: candidates, clip folders and what is known to be only here.
    linked.clear();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut folders: Vec<Folder> = Vec::new();
    let mut folder_ix: HashMap<(u32, String), usize> = HashMap::new();
    for reader in &readers {
        reader.for_each_group_of(Some(&PASS2), |rows| {
            for r in rows {
                let h = host_of(&r).unwrap_or(0) as u32;
                let first = r.nlink <= 1 || linked.insert((h, r.device, r.inode));
                let folder = clip_folder(&r).map(|dir| {
                    let n = folders.len();
                    let ix = *folder_ix.entry((h, dir.clone())).or_insert(n);
                    if ix == n {
                        folders.push(Folder {
                            host: hosts[h as usize].clone(),
                            folder: dir,
                            media_files: 0,
                            media_bytes: 0,
                            only_here_files: 0,
                            only_here_bytes: 0,
                            unknown_files: 0,
                        });
                    }
                    let f = &mut folders[ix];
                    f.media_files += 1;
                    f.media_bytes += if first { r.size } else { 0 };
                    ix
                });
                let seen = sizes.get(&r.size).filter(|_| r.size > 0);
                match seen {
                    Some(s) if s.count > 1 => candidates.push(Candidate {
                        host: h,
                        id: (r.device, r.inode),
                        size: r.size,
                        hash: r.blake3.as_deref().and_then(parse_hash),
                        path: r.path,
                        folder,
                    }),
                    // Unique size (or empty): on this host only, known.
                    _ => {
                        let bytes = if first { r.size } else { 0 };
                        only_here(&mut per_host, &hosts[h as usize], bytes);
                        if let Some(ix) = folder {
                            folders[ix].only_here_files += 1;
                            folders[ix].only_here_bytes += bytes;
                        }
                    }
                }
            }
            Ok(())
        })?;
    }
    resolve(
        &mut fleet,
        candidates,
        &sizes,
        &hosts,
        &mut per_host,
        &mut folders,
    );
    fleet.hosts = sorted(per_host.into_iter().map(|(h, mut t)| {
        t.host = Some(h);
        t
    }));
    fleet.volumes = sorted(per_volume.into_iter().map(|((h, root), mut t)| {
        t.host = Some(h);
        t.root = Some(root);
        t
    }));
    fleet.kinds = sorted(per_kind.into_iter().map(|(k, mut t)| {
        t.kind = Some(k);
        t
    }));
    folders.retain(|f| f.only_here_files > 0);
    folders.sort_by(|a, b| {
        b.only_here_bytes
            .cmp(&a.only_here_bytes)
            .then_with(|| (&a.host, &a.folder).cmp(&(&b.host, &b.folder)))
    });
    fleet.only_here_folders = folders;
    Ok(fleet)
}

/// Groups the candidates by content and settles each file's verdict.
fn resolve(
    fleet: &mut Fleet,
    mut candidates: Vec<Candidate>,
    sizes: &HashMap<u64, SizeSeen>,
    hosts: &[String],
    per_host: &mut HashMap<String, Total>,
    folders: &mut [Folder],
) {
    // Hosts holding an unhashed file of each size: those sizes stay open.
    let mut unhashed: HashMap<u64, Vec<u32>> = HashMap::new();
    for c in candidates.iter().filter(|c| c.hash.is_none()) {
        let v = unhashed.entry(c.size).or_default();
        if !v.contains(&c.host) {
            v.push(c.host);
        }
    }
    candidates.sort_unstable_by(|a, b| {
        (a.hash, a.host, &a.path, a.id).cmp(&(b.hash, b.host, &b.path, b.id))
    });
    let mut start = 0;
    while start < candidates.len() {
        let hash = candidates[start].hash;
        let end = match hash {
            None => start + 1,
            Some(_) => {
                start
                    + candidates[start..]
                        .iter()
                        .take_while(|c| c.hash == hash)
                        .count()
            }
        };
        let run = &candidates[start..end];
        let mut ids: Vec<(u32, (u64, u64))> = run.iter().map(|c| (c.host, c.id)).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut run_hosts: Vec<u32> = ids.iter().map(|i| i.0).collect();
        run_hosts.dedup();
        if let (Some(h), true) = (hash, ids.len() > 1) {
            let size = run[0].size;
            let mut paths: Vec<Place> = run
                .iter()
                .map(|c| Place {
                    host: hosts[c.host as usize].clone(),
                    path: c.path.clone(),
                })
                .collect();
            paths.sort();
            fleet.duplicates.push(Group {
                hash: blake3::Hash::from(h).to_hex().to_string(),
                size,
                copies: ids.len(),
                hosts: run_hosts
                    .iter()
                    .map(|&h| hosts[h as usize].clone())
                    .collect(),
                paths,
                wasted_bytes: size * (ids.len() as u64 - 1),
            });
            fleet.cross_host_groups += usize::from(run_hosts.len() > 1);
        }
        // Each file: elsewhere, only here, or unknown.
        let mut counted: HashSet<(u32, (u64, u64))> = HashSet::new();
        for c in run {
            let bytes = if counted.insert((c.host, c.id)) {
                c.size
            } else {
                0
            };
            let elsewhere = run_hosts.iter().any(|&h| h != c.host);
            let open = c.hash.is_none()
                || unhashed
                    .get(&c.size)
                    .is_some_and(|v| v.iter().any(|&h| h != c.host));
            let multi = sizes.get(&c.size).is_some_and(|s| s.multi_host);
            if elsewhere {
                continue;
            }
            if open && multi {
                fleet.unknown_files += 1;
                fleet.unknown_bytes += bytes;
                let t = per_host.entry(hosts[c.host as usize].clone()).or_default();
                *t.unknown_files.get_or_insert(0) += 1;
                *t.unknown_bytes.get_or_insert(0) += bytes;
                if let Some(ix) = c.folder {
                    folders[ix].unknown_files += 1;
                }
            } else {
                only_here(per_host, &hosts[c.host as usize], bytes);
                if let Some(ix) = c.folder {
                    folders[ix].only_here_files += 1;
                    folders[ix].only_here_bytes += bytes;
                }
            }
        }
        start = end;
    }
    fleet.duplicates.sort_by(|a, b| {
        b.wasted_bytes
            .cmp(&a.wasted_bytes)
            .then_with(|| a.paths.cmp(&b.paths))
    });
    fleet.duplicate_bytes = fleet.duplicates.iter().map(|g| g.wasted_bytes).sum();
}

fn only_here(per_host: &mut HashMap<String, Total>, host: &str, bytes: u64) {
    let t = per_host.entry(host.to_string()).or_default();
    *t.only_here_files.get_or_insert(0) += 1;
    *t.only_here_bytes.get_or_insert(0) += bytes;
}

/// Totals heaviest first, then by name.
fn sorted(totals: impl Iterator<Item = Total>) -> Vec<Total> {
    let mut v: Vec<Total> = totals.collect();
    v.sort_by(|a, b| {
        b.bytes
            .cmp(&a.bytes)
            .then_with(|| (&a.host, &a.root, &a.kind).cmp(&(&b.host, &b.root, &b.kind)))
    });
    v
}

fn parse_hash(hex: &str) -> Option<[u8; 32]> {
    blake3::Hash::from_hex(hex).ok().map(|h| *h.as_bytes())
}

fn scan_info(r: &Reader) -> ScanInfo {
    let h = r.head();
    ScanInfo {
        manifest: crate::util::pathfmt::display(r.path()),
        host: h.host.clone(),
        roots: h.roots.clone(),
        scan_id: h.scan_id.clone(),
        scan_time: h.scan_time.clone(),
        files: r.rows(),
    }
}

/// Opens every manifest and keeps the latest scan of each volume (host and
/// roots): a folder of weekly scans counts each volume once.
fn latest_scans(manifests: &[PathBuf]) -> Result<(Vec<Reader>, Vec<ScanInfo>), String> {
    let mut readers: Vec<Reader> = Vec::new();
    let mut ids: HashMap<String, PathBuf> = HashMap::new();
    for m in manifests {
        let r = open(m)?;
        if let Some(other) = ids.insert(r.head().scan_id.clone(), m.clone()) {
            if other != *m {
                return Err(format!(
                    "{} and {} hold the same scan ({}): pass it once",
                    other.display(),
                    m.display(),
                    r.head().scan_id
                ));
            }
            continue;
        }
        readers.push(r);
    }
    readers.sort_by(|a, b| {
        let (x, y) = (a.head(), b.head());
        // By volume, the newest scan first.
        (&x.host, &x.roots)
            .cmp(&(&y.host, &y.roots))
            .then_with(|| y.scan_time.cmp(&x.scan_time))
    });
    let mut kept: Vec<Reader> = Vec::new();
    let mut superseded = Vec::new();
    for r in readers {
        match kept.last() {
            Some(k) if k.head().host == r.head().host && k.head().roots == r.head().roots => {
                superseded.push(scan_info(&r));
            }
            _ => kept.push(r),
        }
    }
    Ok((kept, superseded))
}
