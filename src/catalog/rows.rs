//! A scan's rows, from the walk, the inventory, the media items and the
//! hashes that are known.

use super::Row;
use crate::classify::Kind;
use crate::classify::inventory::Item;
use crate::probe::MediaItem;
use crate::util::pathfmt;
use crate::walk::FileEntry;
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// What one scan knows, file by file.
pub struct Scan<'a> {
    /// This machine's name.
    pub host: &'a str,
    /// The scan's unique id.
    pub scan_id: &'a str,
    /// When it started (RFC 3339).
    pub scan_time: &'a str,
    /// The roots, by index as `FileEntry::root` counts them.
    pub roots: &'a [PathBuf],
    /// Every file walked.
    pub files: &'a [FileEntry],
    /// Kind of each file.
    pub kinds: &'a [Kind],
    /// Media items, parallel to `media`.
    pub items: &'a [Item],
    /// Their probe results.
    pub media: &'a [MediaItem],
    /// Whole-content BLAKE3 by walk index, where computed.
    pub hashes: &'a [Option<[u8; 32]>],
}

/// A scan ready to give its rows, a range at a time: a manifest of a
/// million files never holds a million rows.
pub struct Rows<'a> {
    scan: &'a Scan<'a>,
    /// Each file's media item and the seconds it carries.
    item_of: Vec<Option<(usize, Option<f64>)>>,
    roots: Vec<Arc<str>>,
    host: Arc<str>,
    scan_id: Arc<str>,
    scan_time: Arc<str>,
    version: Arc<str>,
    kinds: Vec<Arc<str>>,
}

impl<'a> Rows<'a> {
    /// Prepares the rows of `s`.
    pub fn new(s: &'a Scan<'a>) -> Self {
        let mut item_of: Vec<Option<(usize, Option<f64>)>> = vec![None; s.files.len()];
        for (n, (item, m)) in s.items.iter().zip(s.media).enumerate() {
            let frame = m
                .sequence
                .as_ref()
                .and(m.video.as_ref().and_then(|v| v.fps));
            for (k, &i) in item.file_indices().iter().enumerate() {
                let seconds = match frame {
                    // A frame: one frame's duration, so that sums are running times.
                    Some(fps) if fps > 0.0 => Some(1.0 / fps),
                    // A clip in several files: its duration on the first one.
                    _ if k == 0 => m.duration_s,
                    _ => None,
                };
                if let Some(slot) = item_of.get_mut(i) {
                    *slot = Some((n, seconds));
                }
            }
        }
        Rows {
            scan: s,
            item_of,
            roots: s.roots.iter().map(|r| pathfmt::display(r).into()).collect(),
            host: s.host.into(),
            scan_id: s.scan_id.into(),
            scan_time: s.scan_time.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            kinds: Kind::ALL.iter().map(|k| k.name().into()).collect(),
        }
    }

    /// Number of rows: one per file walked.
    pub fn len(&self) -> usize {
        self.scan.files.len()
    }

    /// True when the scan found no file.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows `range`, in walk order (byte order of the paths), built in
    /// parallel.
    pub fn range(&self, range: std::ops::Range<usize>) -> Vec<Row> {
        range.into_par_iter().map(|i| self.row(i)).collect()
    }

    fn row(&self, i: usize) -> Row {
        let s = self.scan;
        let f = &s.files[i];
        let root_path = &s.roots[f.root.min(s.roots.len().saturating_sub(1))];
        let media = self.item_of[i].map(|(n, secs)| (&s.media[n], secs));
        let video = media.and_then(|(m, _)| m.video.as_ref());
        let kind = s.kinds.get(i).copied().unwrap_or(Kind::Other);
        Row {
            host: self.host.clone(),
            root: self.roots.get(f.root).cloned().unwrap_or_default(),
            path: pathfmt::display(&f.path),
            rel_path: f
                .path
                .strip_prefix(root_path)
                .map(pathfmt::display)
                .unwrap_or_default(),
            size: f.size,
            mtime_ns: f.mtime_ns,
            device: f.id.dev,
            inode: f.id.ino,
            nlink: f.nlink,
            kind: Kind::ALL
                .iter()
                .position(|k| *k == kind)
                .map_or_else(|| kind.name().into(), |p| self.kinds[p].clone()),
            media_item: media.map(|(m, _)| m.path.clone()),
            codec: video
                .map(|v| v.codec.clone())
                .or_else(|| media.and_then(|(m, _)| m.audio.first().map(|a| a.codec.clone()))),
            width: video.map(|v| v.width).filter(|w| *w > 0),
            height: video.map(|v| v.height).filter(|h| *h > 0),
            fps: video.and_then(|v| v.fps),
            duration_s: media.and_then(|(_, secs)| secs),
            bit_rate: media.and_then(|(m, _)| m.bit_rate),
            blake3: s
                .hashes
                .get(i)
                .copied()
                .flatten()
                .map(|h| blake3::Hash::from(h).to_hex().to_string()),
            scan_id: self.scan_id.clone(),
            scan_time: self.scan_time.clone(),
            footprint_version: self.version.clone(),
        }
    }
}

/// This machine's host name (`gethostname`), `unknown` if it has none.
pub fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; the name is NUL-terminated
    // when it fits, and the last byte stays 0 otherwise.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) } == 0;
    let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
    match ok && end > 0 {
        true => String::from_utf8_lossy(&buf[..end]).into_owned(),
        false => "unknown".into(),
    }
}

/// A scan id: 16 hex digits of BLAKE3 over host, time, roots and process
/// id, unique across the hosts of a facility.
pub fn scan_id(host: &str, time: &str, roots: &[PathBuf]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(host.as_bytes());
    h.update(time.as_bytes());
    h.update(&std::process::id().to_le_bytes());
    h.update(
        &std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
            .to_le_bytes(),
    );
    for r in roots {
        h.update(r.as_os_str().as_encoded_bytes());
    }
    h.finalize().to_hex()[..16].to_string()
}
