//! `footprint diff OLD NEW`: what changed between two scans.
//!
//! Files are matched by absolute path. A path in both is changed when its
//! content differs: by BLAKE3 when both scans hashed it, else by size, else
//! by modification time (then the content itself is not known to differ).
//! A file gone from one path whose exact content (BLAKE3, non-empty)
//! appears at a new path was moved; without hashes no move can be told
//! from a delete and an add.

use super::{Row, clip_folder};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// One side of the comparison.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Side {
    /// The file read.
    pub source: String,
    /// `manifest` or `json_report`.
    pub format: &'static str,
    /// Scan id (manifests) or generation time (reports).
    pub scan: String,
    /// Files it lists.
    pub files: u64,
    /// Their bytes, each inode once.
    pub bytes: u64,
    /// Files with a BLAKE3.
    pub hashed: u64,
    /// Rows.
    #[serde(skip)]
    pub rows: Vec<Row>,
    /// Bytes per kind, when the source has them for every file (a JSON
    /// report's `by_kind` covers files it does not list).
    #[serde(skip)]
    pub kind_bytes: Option<BTreeMap<String, u64>>,
}

/// A file added or removed.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// Absolute path.
    pub path: String,
    /// Bytes.
    pub bytes: u64,
    /// Kind.
    pub kind: String,
}

/// A path whose content changed.
#[derive(Clone, Debug, Serialize)]
pub struct Changed {
    /// Absolute path.
    pub path: String,
    /// Bytes before.
    pub old_bytes: u64,
    /// Bytes now.
    pub new_bytes: u64,
    /// How it is known: `content` (BLAKE3), `size`, or `mtime` (content
    /// not hashed on both sides).
    pub by: &'static str,
}

/// Content that left one path for another.
#[derive(Clone, Debug, Serialize)]
pub struct Moved {
    /// Where it was.
    pub from: String,
    /// Where it is.
    pub to: String,
    /// Bytes.
    pub bytes: u64,
}

/// Bytes of a kind or a folder before and after.
#[derive(Clone, Debug, Serialize)]
pub struct Growth {
    /// Kind or folder.
    pub name: String,
    /// Bytes before.
    pub old_bytes: u64,
    /// Bytes now.
    pub new_bytes: u64,
    /// new − old.
    pub delta: i64,
}

/// A clip folder where copies of media were lost: the content is now held
/// by fewer inodes than before.
#[derive(Clone, Debug, Serialize)]
pub struct LostCopy {
    /// The folder the copies were in.
    pub folder: String,
    /// Media files of it that lost a copy.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Fewest copies any of them had before.
    pub copies_before: usize,
    /// Fewest copies any of them has now (0: gone everywhere).
    pub copies_after: usize,
}

/// What changed.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Diff {
    /// The older scan.
    pub old: Side,
    /// The newer scan.
    pub new: Side,
    /// Set when a side cannot answer every question, with why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<String>,
    /// Paths only in NEW (moves left out).
    pub added: Vec<Entry>,
    /// Paths only in OLD (moves left out).
    pub removed: Vec<Entry>,
    /// Paths in both with other content.
    pub changed: Vec<Changed>,
    /// Content at a new path.
    pub moved: Vec<Moved>,
    /// Per kind, largest change first.
    pub by_kind: Vec<Growth>,
    /// Per top folder (a root's first level), largest change first.
    pub by_folder: Vec<Growth>,
    /// Clip folders that lost a copy.
    pub lost_copies: Vec<LostCopy>,
    /// new − old bytes.
    pub growth_bytes: i64,
    /// Growth in percent of OLD (none when OLD is empty).
    pub growth_percent: Option<f64>,
}

/// Compares two scans.
pub fn compare(old: Side, new: Side) -> Diff {
    let mut d = Diff::default();
    for s in [&old, &new] {
        if s.format == "json_report" {
            d.limits.push(format!(
                "{} is a JSON report: it lists media files and duplicates, not every file, so added, removed, changed and moved cover media files only (manifests list every file)",
                s.source
            ));
        }
        if s.hashed < s.rows.iter().filter(|r| r.size > 0).count() as u64 {
            d.limits.push(format!(
                "{} has no BLAKE3 for some files: their moves and lost copies cannot be told, and changes of the same size are found by modification time only (audit --hash all)",
                s.source
            ));
        }
    }
    let before: HashMap<&str, &Row> = old.rows.iter().map(|r| (r.path.as_str(), r)).collect();
    let after: HashMap<&str, &Row> = new.rows.iter().map(|r| (r.path.as_str(), r)).collect();
    let mut gone: Vec<&Row> = Vec::new();
    for r in &old.rows {
        match after.get(r.path.as_str()) {
            None => gone.push(r),
            Some(n) => {
                if let Some(by) = change(r, n) {
                    d.changed.push(Changed {
                        path: r.path.clone(),
                        old_bytes: r.size,
                        new_bytes: n.size,
                        by,
                    });
                }
            }
        }
    }
    let fresh: Vec<&Row> = new
        .rows
        .iter()
        .filter(|r| !before.contains_key(r.path.as_str()))
        .collect();
    // Moves: one removed and one added name of the same content, paired in
    // path order.
    let mut by_hash: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in fresh.iter().enumerate() {
        if let (Some(h), true) = (r.blake3.as_deref(), r.size > 0) {
            by_hash.entry(h).or_default().push(i);
        }
    }
    let mut taken: HashSet<usize> = HashSet::new();
    gone.retain(|r| {
        let Some(h) = r.blake3.as_deref().filter(|_| r.size > 0) else {
            return true;
        };
        let Some(i) = by_hash
            .get_mut(h)
            .and_then(|v| (!v.is_empty()).then(|| v.remove(0)))
        else {
            return true;
        };
        taken.insert(i);
        d.moved.push(Moved {
            from: r.path.clone(),
            to: fresh[i].path.clone(),
            bytes: r.size,
        });
        false
    });
    let fresh: Vec<&Row> = fresh
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !taken.contains(i))
        .map(|(_, r)| r)
        .collect();
    d.removed = gone.iter().map(|r| entry(r)).collect();
    d.added = fresh.iter().map(|r| entry(r)).collect();
    d.moved.sort_by(|a, b| a.from.cmp(&b.from));
    d.by_kind = growth(&kind_bytes(&old), &kind_bytes(&new));
    d.by_folder = growth(&folder_bytes(&old.rows), &folder_bytes(&new.rows));
    d.lost_copies = lost_copies(&old.rows, &new.rows);
    d.growth_bytes = new.bytes as i64 - old.bytes as i64;
    d.growth_percent = (old.bytes > 0).then(|| d.growth_bytes as f64 * 100.0 / old.bytes as f64);
    d.old = old;
    d.new = new;
    d
}

fn entry(r: &Row) -> Entry {
    Entry {
        path: r.path.clone(),
        bytes: r.size,
        kind: r.kind.to_string(),
    }
}

/// How a path's content changed, if it did.
fn change(old: &Row, new: &Row) -> Option<&'static str> {
    match (&old.blake3, &new.blake3) {
        (Some(a), Some(b)) => (a != b).then_some("content"),
        _ if old.size != new.size => Some("size"),
        _ if old.mtime_ns != new.mtime_ns => Some("mtime"),
        _ => None,
    }
}

/// Bytes per kind, each inode once.
fn kind_bytes(s: &Side) -> BTreeMap<String, u64> {
    if let Some(k) = &s.kind_bytes {
        return k.clone();
    }
    let mut out = BTreeMap::new();
    for r in once_per_inode(&s.rows) {
        *out.entry(r.kind.to_string()).or_default() += r.size;
    }
    out
}

/// Bytes per top folder: the root joined with the first component of the
/// path below it (files at the top count under the root itself).
fn folder_bytes(rows: &[Row]) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for r in once_per_inode(rows) {
        let rel = Path::new(&r.rel_path);
        let top = match rel.components().count() > 1 {
            true => rel.components().next().map(|c| {
                Path::new(&*r.root)
                    .join(c.as_os_str())
                    .to_string_lossy()
                    .into_owned()
            }),
            false => None,
        };
        *out.entry(top.unwrap_or_else(|| r.root.to_string()))
            .or_default() += r.size;
    }
    out
}

fn once_per_inode(rows: &[Row]) -> impl Iterator<Item = &Row> {
    let mut seen: HashSet<(u64, u64)> = HashSet::new();
    rows.iter()
        .filter(move |r| r.nlink <= 1 || seen.insert((r.device, r.inode)))
}

/// Every name of both maps, largest absolute change first; unchanged ones
/// left out.
fn growth(old: &BTreeMap<String, u64>, new: &BTreeMap<String, u64>) -> Vec<Growth> {
    let names: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut v: Vec<Growth> = names
        .into_iter()
        .map(|n| {
            let (a, b) = (
                old.get(n).copied().unwrap_or(0),
                new.get(n).copied().unwrap_or(0),
            );
            Growth {
                name: n.clone(),
                old_bytes: a,
                new_bytes: b,
                delta: b as i64 - a as i64,
            }
        })
        .filter(|g| g.delta != 0)
        .collect();
    v.sort_by(|a, b| {
        b.delta
            .unsigned_abs()
            .cmp(&a.delta.unsigned_abs())
            .then_with(|| a.name.cmp(&b.name))
    });
    v
}

/// Copies (distinct inodes) of each non-empty content.
fn copies(rows: &[Row]) -> HashMap<&str, usize> {
    let mut ids: HashMap<&str, HashSet<(u64, u64)>> = HashMap::new();
    for r in rows.iter().filter(|r| r.size > 0) {
        if let Some(h) = &r.blake3 {
            ids.entry(h).or_default().insert((r.device, r.inode));
        }
    }
    ids.into_iter().map(|(h, s)| (h, s.len())).collect()
}

/// Clip folders of OLD whose media lost a copy: a copy that held it is
/// gone (the file was deleted or overwritten) and fewer copies are left.
fn lost_copies(old: &[Row], new: &[Row]) -> Vec<LostCopy> {
    let (before, after) = (copies(old), copies(new));
    let still: HashMap<&str, &Row> = new.iter().map(|r| (r.path.as_str(), r)).collect();
    let mut folders: BTreeMap<String, LostCopy> = BTreeMap::new();
    for r in old.iter().filter(|r| r.size > 0) {
        let (Some(h), Some(dir)) = (r.blake3.as_deref(), clip_folder(r)) else {
            continue;
        };
        let kept = still
            .get(r.path.as_str())
            .is_some_and(|n| n.blake3.as_deref() == Some(h));
        let (b, a) = (
            before.get(h).copied().unwrap_or(0),
            after.get(h).copied().unwrap_or(0),
        );
        // A single copy deleted is a removal, not a lost copy.
        if kept || a >= b || b < 2 {
            continue;
        }
        let f = folders.entry(dir.clone()).or_insert(LostCopy {
            folder: dir,
            files: 0,
            bytes: 0,
            copies_before: b,
            copies_after: a,
        });
        f.files += 1;
        f.bytes += r.size;
        f.copies_before = f.copies_before.min(b);
        f.copies_after = f.copies_after.min(a);
    }
    folders.into_values().collect()
}

/// Reads a side: a manifest, or a JSON report of `footprint audit`.
pub fn load(path: &Path) -> Result<Side, String> {
    let mut head = [0u8; 4];
    let is_parquet = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| &head == b"PAR1");
    let mut side = match is_parquet {
        true => {
            let m = super::read::read(path)?;
            Side {
                format: "manifest",
                scan: m.head.scan_id,
                rows: m.rows,
                ..Side::default()
            }
        }
        false => from_report(path)?,
    };
    side.source = crate::util::pathfmt::display(path);
    side.files = side.rows.len() as u64;
    side.hashed = side.rows.iter().filter(|r| r.blake3.is_some()).count() as u64;
    side.bytes = match &side.kind_bytes {
        Some(k) => k.values().sum(),
        None => once_per_inode(&side.rows).map(|r| r.size).sum(),
    };
    Ok(side)
}

/// A JSON report's media files, with the hashes of its duplicate groups.
fn from_report(path: &Path) -> Result<Side, String> {
    let at = |what: &str| format!("{}: {what}", path.display());
    let text = std::fs::read(path).map_err(|e| at(&format!("cannot read: {e}")))?;
    let v: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|_| at("neither a Parquet manifest nor a JSON report"))?;
    if v.get("schema_version").is_none() || v.get("media").is_none() {
        return Err(at(
            "JSON, but not a footprint audit report (no schema_version or media)",
        ));
    }
    let roots: Vec<String> = v["roots"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut hashes: HashMap<&str, &str> = HashMap::new();
    for g in v["duplicates"].as_array().into_iter().flatten() {
        let Some(h) = g["hash"].as_str() else {
            continue;
        };
        for p in g["paths"].as_array().into_iter().flatten() {
            if let Some(p) = p.as_str() {
                hashes.insert(p, h);
            }
        }
    }
    let mut rows = Vec::new();
    for m in v["media"].as_array().into_iter().flatten() {
        let Some(p) = m["path"].as_str() else {
            continue;
        };
        let root = roots
            .iter()
            .filter(|r| Path::new(p).starts_with(r))
            .max_by_key(|r| r.len())
            .cloned()
            .unwrap_or_default();
        rows.push(Row {
            rel_path: Path::new(p)
                .strip_prefix(&root)
                .map(|r| r.to_string_lossy().into_owned())
                .unwrap_or_default(),
            root: root.as_str().into(),
            path: p.to_string(),
            size: m["bytes"].as_u64().unwrap_or(0),
            kind: m["kind"].as_str().unwrap_or("other").into(),
            blake3: hashes.get(p).map(|h| h.to_string()),
            // Distinct inodes as far as a report can tell.
            inode: rows.len() as u64,
            nlink: 1,
            ..Row::default()
        });
    }
    rows.sort_by(|a, b| a.path.cmp(&b.path));
    let kind_bytes = v["by_kind"].as_object().map(|k| {
        k.iter()
            .map(|(name, t)| (name.clone(), t["bytes"].as_u64().unwrap_or(0)))
            .collect()
    });
    Ok(Side {
        format: "json_report",
        scan: v["generated_at"].as_str().unwrap_or_default().to_string(),
        rows,
        kind_bytes,
        ..Side::default()
    })
}
