//! Scans as data: one row per file, written as a Parquet manifest that
//! DuckDB, Spark or Trino read as they are, and read back by `footprint
//! diff` and `footprint fleet`.
//!
//! The schema is versioned ([`SCHEMA_VERSION`], in the file's key-value
//! metadata and in docs/FLEET.md); a reader refuses a newer one instead of
//! misreading it. Parquet: <https://parquet.apache.org/docs/file-format/>.

pub mod diff;
pub mod fleet;
pub mod read;
pub mod rows;
pub mod write;

use std::sync::Arc;

/// Version of the manifest schema this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Key-value metadata keys of a manifest.
pub const META_SCHEMA: &str = "footprint.manifest_schema";
/// The scan id, also in every row.
pub const META_SCAN: &str = "footprint.scan_id";
/// The host, also in every row.
pub const META_HOST: &str = "footprint.host";
/// When the scan started, also in every row.
pub const META_TIME: &str = "footprint.scan_time";
/// The roots scanned, as a JSON array (a root may hold no file).
pub const META_ROOTS: &str = "footprint.roots";

/// What a manifest says of its scan, in its footer: read without reading
/// the rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Head {
    /// Unique id of the scan.
    pub scan_id: String,
    /// Host that scanned.
    pub host: String,
    /// When (RFC 3339, UTC).
    pub scan_time: String,
    /// The roots, absolute.
    pub roots: Vec<String>,
}

/// Kinds whose folders are clip folders (diff's lost copies, fleet's
/// folders on one host).
pub const CLIP_KINDS: [&str; 4] = ["video", "audio", "image_sequence", "dcp"];

/// The clip folder of a row: the folder holding the file, when it is media.
pub fn clip_folder(r: &Row) -> Option<String> {
    CLIP_KINDS.contains(&&*r.kind).then(|| {
        std::path::Path::new(&r.path)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default()
    })
}

/// One file of a scan. The columns that repeat from row to row (host,
/// root, kind, scan) share one allocation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    /// Host name of the machine that scanned.
    pub host: Arc<str>,
    /// The root (volume) it was found under, absolute.
    pub root: Arc<str>,
    /// Absolute path.
    pub path: String,
    /// Path relative to the root.
    pub rel_path: String,
    /// Apparent size.
    pub size: u64,
    /// Modification time, ns since the Unix epoch.
    pub mtime_ns: i64,
    /// `st_dev`.
    pub device: u64,
    /// `st_ino`.
    pub inode: u64,
    /// Hard-link count.
    pub nlink: u64,
    /// `video`, `image_sequence`, `cache`…
    pub kind: Arc<str>,
    /// The media item it belongs to (a clip, or an image sequence's pattern).
    pub media_item: Option<String>,
    /// Video (else first audio) codec.
    pub codec: Option<String>,
    /// Pixels.
    pub width: Option<u32>,
    /// Pixels.
    pub height: Option<u32>,
    /// Nominal frame rate.
    pub fps: Option<f64>,
    /// Seconds this file holds: a clip's duration; one frame's for a frame
    /// of an image sequence, so that sums are running times.
    pub duration_s: Option<f64>,
    /// Bits per second of the media item.
    pub bit_rate: Option<u64>,
    /// BLAKE3 of the whole content, hex, when computed.
    pub blake3: Option<String>,
    /// Unique id of the scan.
    pub scan_id: Arc<str>,
    /// When the scan started (RFC 3339, UTC).
    pub scan_time: Arc<str>,
    /// footprint's version.
    pub footprint_version: Arc<str>,
}
