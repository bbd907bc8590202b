//! Stage last: the one [`Report`] value that every renderer draws.
//!
//! Field names and order are the JSON schema of docs/REPORT.md
//! (`schema_version` 1): base fields first, then the additions.

pub mod consolidate;
pub mod csv;
pub mod dupes;
pub mod export;
pub mod folders;
pub mod html;
pub mod html_tables;
pub mod info;
pub mod json;
pub mod names;
pub mod scans;
pub mod summary;
pub mod svg;
pub mod table;

use crate::classify::Kind;
pub use crate::hash::DuplicateGroup;
pub use crate::probe::media::{MediaItem, ProbeStatus, SequenceInfo};
pub use crate::targets::TargetWeight;
use crate::util::error::{ErrorKind, FileError};
pub use crate::util::status::StageStatus;
use crate::util::units::Bytes;
pub use crate::waste::{
    Category, Confidence, ExportEntry, ObsoleteEntry, ReclaimItem, RegenerableEntry, VersionGroup,
};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::path::PathBuf;

/// The JSON schema version; bumped only by a breaking change.
pub const SCHEMA_VERSION: u32 = 1;

/// The tool that wrote the report.
#[derive(Clone, Debug, Serialize)]
pub struct Tool {
    /// Always `footprint`.
    pub name: &'static str,
    /// Crate version.
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "footprint",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// What every report document starts with: `schema_version`, `tool`,
/// `generated_at`, `roots` (the schema's order), for `audit` and `dupes` alike.
#[derive(Clone, Debug, Serialize)]
pub struct Header {
    /// JSON schema version.
    pub schema_version: u32,
    /// Tool name and version.
    pub tool: Tool,
    /// RFC 3339 UTC time the report was made.
    pub generated_at: String,
    /// Absolute roots.
    pub roots: Vec<String>,
}

impl Header {
    /// A header for the walked `roots`, stamped now.
    pub fn now(roots: &[PathBuf]) -> Self {
        Header {
            schema_version: SCHEMA_VERSION,
            tool: Tool::default(),
            generated_at: crate::util::timefmt::rfc3339(std::time::SystemTime::now()),
            roots: roots
                .iter()
                .map(|r| crate::util::pathfmt::display(r))
                .collect(),
        }
    }
}

/// What a renderer needs the audit to prepare beyond the [`Report`]'s
/// sections: asked by the renderer (`json::NEEDS`, `csv::NEEDS`), never
/// decided by the pipeline from an output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// `media` pre-rendered as JSON on an idle core ([`json::MediaJson`]).
    pub media_json: bool,
    /// A row for every file outside the media items ([`FileRow`]).
    pub file_rows: bool,
}

/// Which stages ran (an addition: lets readers tell "none found" from "not looked").
#[derive(Clone, Debug, Serialize)]
pub struct Stages {
    /// Walk and classify.
    pub walk: StageStatus,
    /// Media probing.
    pub probe: StageStatus,
    /// Content hashing (duplicates).
    pub hash: StageStatus,
    /// Obsolete-version detection.
    pub versions: StageStatus,
    /// Regenerable caches.
    pub regenerable: StageStatus,
    /// Delivery targets.
    pub targets: StageStatus,
    /// CO₂ estimate.
    pub co2: StageStatus,
    /// Copies across roots.
    pub copies: StageStatus,
    /// ASC MHL and DCP packing lists.
    pub manifests: StageStatus,
}

/// Totals of the audit.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Regular files seen, every hard-link name included.
    pub files: u64,
    /// Apparent size, each inode once (`du -s --apparent-size -B1` minus directories).
    pub bytes: u64,
    /// Media items (an image sequence counts once).
    pub media_files: u64,
    /// Bytes in surplus duplicate copies.
    pub duplicate_bytes: u64,
    /// Bytes in obsolete versions.
    pub obsolete_bytes: u64,
    /// Bytes in regenerable caches.
    pub regenerable_bytes: u64,
    /// Union of the three above, no byte twice.
    pub reclaimable_bytes: u64,
    /// Folders listed (addition).
    pub folders: u64,
    /// Image sequences among the media items (addition).
    pub image_sequences: u64,
    /// Total duration of the media items, seconds (addition).
    pub media_duration_s: f64,
}

/// Files and bytes of one kind.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct KindTotals {
    /// Files (names).
    pub files: u64,
    /// Apparent bytes, each inode once.
    pub bytes: u64,
}

/// Totals per kind, serialized as an object in the schema's kind order.
#[derive(Clone, Debug, Default)]
pub struct ByKind(pub [KindTotals; 9]);

impl ByKind {
    /// Totals for `kind`.
    pub fn get(&self, kind: Kind) -> KindTotals {
        self.0[kind as usize]
    }

    /// Adds one file.
    pub fn add(&mut self, kind: Kind, files: u64, bytes: u64) {
        let t = &mut self.0[kind as usize];
        t.files += files;
        t.bytes += bytes;
    }
}

impl Serialize for ByKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(Kind::ALL.len()))?;
        for kind in Kind::ALL {
            map.serialize_entry(kind.name(), &self.get(kind))?;
        }
        map.end()
    }
}

/// A folder's weight, for the "heaviest folders" view (addition).
#[derive(Clone, Debug, Serialize)]
pub struct FolderWeight {
    /// Absolute path.
    pub path: String,
    /// Files below it.
    pub files: u64,
    /// Bytes below it, each inode once.
    pub bytes: u64,
}

/// One entry of `errors`.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorEntry {
    /// Absolute path.
    pub path: String,
    /// Message.
    pub error: String,
    /// Category (addition).
    pub kind: ErrorKind,
}

impl From<&FileError> for ErrorEntry {
    fn from(e: &FileError) -> Self {
        ErrorEntry {
            path: crate::util::pathfmt::display(&e.path),
            error: e.message.clone(),
            kind: e.kind,
        }
    }
}

/// The audit, as every renderer sees it.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Schema, tool, time and roots.
    #[serde(flatten)]
    pub header: Header,
    /// Stages that ran (addition).
    pub stages: Stages,
    /// Totals.
    pub summary: Summary,
    /// Totals per kind.
    pub by_kind: ByKind,
    /// Media items, sorted by path.
    #[serde(serialize_with = "json::media_field")]
    pub media: Vec<MediaItem>,
    /// Duplicate groups, sorted by first path.
    pub duplicates: Vec<DuplicateGroup>,
    /// Folders with identical trees, the highest only, largest first (addition).
    pub duplicate_folders: Vec<crate::waste::folders::DuplicateFolder>,
    /// Pairs of folders sharing content, most shared first (addition).
    pub overlapping_folders: Vec<crate::waste::folders::FolderOverlap>,
    /// Obsolete-version groups, sorted by first member path.
    pub versions: Vec<VersionGroup>,
    /// Regenerable caches and loose cache files, sorted by path.
    pub regenerable: Vec<RegenerableEntry>,
    /// The largest reclaimable items, all categories, largest first (addition).
    pub reclaim_top: Vec<ReclaimItem>,
    /// The project's weight against delivery targets.
    pub targets: Vec<TargetWeight>,
    /// CO₂ estimate of keeping it stored.
    pub co2: Option<crate::co2::Co2Report>,
    /// Roots given but not walked on their own, because another root covers
    /// them: each file is counted once (addition).
    pub roots_folded: Vec<crate::walk::roots::FoldedRoot>,
    /// Copies across roots, one per root of a multi-root audit.
    pub copies: Vec<crate::waste::copies::RootCopies>,
    /// Copies of each clip folder across roots (addition).
    pub clip_copies: Vec<crate::waste::copies::ClipCopies>,
    /// ASC MHL histories and DCP/IMF packing lists, checked against the disk.
    pub manifests: Vec<crate::manifest::ManifestReport>,
    /// Heaviest folders, at most two levels below each root (addition).
    pub folders: Vec<FolderWeight>,
    /// What the cache saved in this run (addition).
    pub cache: crate::cache::Usage,
    /// Per-file problems, sorted by path.
    pub errors: Vec<ErrorEntry>,
    /// Every reclaim candidate, for `--export-list` (not part of the JSON report).
    #[serde(skip)]
    pub candidates: Vec<ExportEntry>,
    /// DCP/IMF package folders found (for `check`; not in the JSON report).
    #[serde(skip)]
    pub packages: Vec<PathBuf>,
    /// Files that are not part of a media item, sorted by path (for CSV;
    /// not in the JSON report).
    #[serde(skip)]
    pub other_files: Vec<FileRow>,
    /// `media` already rendered for the JSON report, when an audit made it
    /// on an idle core; the JSON renderer uses it if it still matches.
    #[serde(skip)]
    pub media_json: Option<json::MediaJson>,
}

/// A file outside the media items, as the CSV lists it.
#[derive(Clone, Debug)]
pub struct FileRow {
    /// Absolute path.
    pub path: String,
    /// Its kind.
    pub kind: Kind,
    /// Apparent size.
    pub bytes: u64,
}

impl Report {
    /// How tables and pages name this report's paths.
    pub fn names(&self) -> names::PathNames {
        names::PathNames::new(&self.header.roots)
    }
}

/// "This project weighs 3.5 TB: 70× a Blu-ray, 13× its DCP." (every renderer's headline).
pub fn headline(r: &Report) -> String {
    let against: Vec<String> = r
        .targets
        .iter()
        .map(|t| format!("{} {}", times(t.ratio), target_label(&t.id)))
        .collect();
    if against.is_empty() {
        // No programme runtime: say what the media are, never weigh rushes
        // against a disc by their longest clip.
        let video: Vec<&MediaItem> = r
            .media
            .iter()
            .filter(|m| m.kind == Kind::Video && m.package.is_none())
            .collect();
        let secs: f64 = video.iter().filter_map(|m| m.duration_s).sum();
        if secs > 0.0 {
            let bytes: u64 = video.iter().map(|m| m.bytes).sum();
            format!(
                "This project weighs {}: {} of video in {}, {} per hour.",
                Bytes(r.summary.bytes),
                crate::util::units::format_duration(secs),
                if video.len() == 1 {
                    "1 clip".to_string()
                } else {
                    format!("{} clips", video.len())
                },
                Bytes((bytes as f64 / secs * 3600.0) as u64)
            )
        } else {
            format!("This project weighs {}.", Bytes(r.summary.bytes))
        }
    } else {
        format!(
            "This project weighs {}: {}.",
            Bytes(r.summary.bytes),
            against.join(", ")
        )
    }
}

/// The container's short name ([`crate::probe::media::short_container`]).
pub fn container_label(m: &MediaItem) -> Option<&str> {
    let name = m.container.as_deref()?;
    Some(crate::probe::media::short_container(name, &m.path))
}

/// `13×`, `1.2×`, `0.23×`.
pub fn times(ratio: f64) -> String {
    if ratio > 0.0 && ratio < 0.01 {
        // "0.00× its DCP" reads as nothing; it is less than a hundredth.
        "< 0.01×".into()
    } else if ratio >= 10.0 {
        format!("{ratio:.0}×")
    } else if ratio >= 1.0 {
        format!("{ratio:.1}×")
    } else {
        format!("{ratio:.2}×")
    }
}

/// How the headline names a target.
pub fn target_label(id: &str) -> String {
    match id {
        "dcp" => "its DCP".into(),
        "bluray" => "a Blu-ray".into(),
        "uhd-bluray" => "a UHD Blu-ray".into(),
        "broadcast-hd" => "its broadcast master".into(),
        "web-1080p" => "a 1080p web upload".into(),
        other => format!("target {other}"),
    }
}

/// Media grouped by codec (with profile) and resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct CodecGroup {
    /// `prores (HQ)`, `pcm_s24le (audio)`, `unreadable`…
    pub codec: String,
    /// `1920x1080` or `-`.
    pub resolution: String,
    /// Media items.
    pub items: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Their running time.
    pub seconds: f64,
}

/// The media by codec and resolution, heaviest first.
pub fn codec_groups(r: &Report) -> Vec<CodecGroup> {
    let mut groups: std::collections::BTreeMap<(String, String), (u64, u64, f64)> =
        std::collections::BTreeMap::new();
    for m in &r.media {
        let (codec, res) = match (&m.video, m.audio.first()) {
            (Some(v), _) => (
                match &v.profile {
                    Some(p) => format!("{} ({p})", v.codec),
                    None => v.codec.clone(),
                },
                if v.width > 0 {
                    format!("{}x{}", v.width, v.height)
                } else {
                    "-".into()
                },
            ),
            (None, Some(a)) => (format!("{} (audio)", a.codec), "-".into()),
            (None, None) if m.probe.error.is_some() => ("unreadable".into(), "-".into()),
            // Identified, streams unread (current R3D: its header is not public).
            (None, None) => match m.container.as_deref() {
                Some(c) if m.probe.source != "none" => {
                    (format!("{c} (streams not read)"), "-".into())
                }
                _ => (format!("not probed ({})", m.kind.name()), "-".into()),
            },
        };
        let g = groups.entry((codec, res)).or_default();
        g.0 += 1;
        g.1 += m.bytes;
        g.2 += m.duration_s.unwrap_or(0.0);
    }
    let mut rows: Vec<CodecGroup> = groups
        .into_iter()
        .map(
            |((codec, resolution), (items, bytes, seconds))| CodecGroup {
                codec,
                resolution,
                items,
                bytes,
                seconds,
            },
        )
        .collect();
    rows.sort_by(|a, b| {
        b.bytes
            .cmp(&a.bytes)
            .then_with(|| (&a.codec, &a.resolution).cmp(&(&b.codec, &b.resolution)))
    });
    rows
}
