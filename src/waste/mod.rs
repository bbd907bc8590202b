//! Stage 6: what can be reclaimed, and what must not be. Obsolete versions
//! ([`versions`]), regenerable caches ([`regenerable`]), duplicates to
//! reclaim and their union ([`reclaim`]), files never to propose
//! ([`protect`]), and copies across roots ([`copies`]).

pub mod copies;
pub mod folders;
pub mod protect;
pub mod reclaim;
pub mod regenerable;
pub mod versions;

use serde::Serialize;
use std::path::PathBuf;

/// The three kinds of waste.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// An extra copy of content that exists elsewhere.
    Duplicate,
    /// An older version of an export.
    Obsolete,
    /// A cache or render an application can rebuild.
    Regenerable,
}

impl Category {
    pub(crate) fn bit(self) -> u8 {
        1 << self as u8
    }

    /// Label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Category::Duplicate => "duplicate",
            Category::Obsolete => "obsolete version",
            Category::Regenerable => "regenerable",
        }
    }
}

/// How sure footprint is that an obsolete version is really superseded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Explicit version numbers.
    High,
    /// FINAL markers, dates or `r` numbers only.
    Low,
}

/// A group of versions of one export.
#[derive(Clone, Debug, Serialize)]
pub struct VersionGroup {
    /// Name without version tokens (`PROJX_cut.mp4`; `comp/` for folders).
    pub name: String,
    /// The newest member.
    pub keep: String,
    /// Older members, sorted.
    pub obsolete: Vec<String>,
    /// Bytes the obsolete members free (each inode once).
    pub obsolete_bytes: u64,
    /// `file`, `sequence` or `folder` (addition).
    pub unit: &'static str,
    /// Why each obsolete member is obsolete (addition).
    pub details: Vec<ObsoleteEntry>,
    /// Members neither kept nor obsolete: their names do not say which is newer (addition).
    pub undecided: Vec<String>,
}

/// One obsolete member with its reason (addition).
#[derive(Clone, Debug, Serialize)]
pub struct ObsoleteEntry {
    /// File, sequence pattern or folder.
    pub path: String,
    /// Bytes it frees.
    pub bytes: u64,
    /// `high` (explicit version numbers) or `low` (FINAL, dates, `r` numbers).
    pub confidence: Confidence,
    /// Why it is older.
    pub reason: String,
}

/// A regenerable cache folder or loose cache file.
#[derive(Clone, Debug, Serialize)]
pub struct RegenerableEntry {
    /// Folder or file.
    pub path: String,
    /// What it is and who rebuilds it.
    pub reason: String,
    /// Bytes it frees (each inode once; hard links from outside excluded).
    pub bytes: u64,
    /// Application that rebuilds it (addition).
    pub application: &'static str,
    /// Files it holds (addition).
    pub files: u64,
}

/// One of the largest reclaimable items (addition).
#[derive(Clone, Debug, Serialize)]
pub struct ReclaimItem {
    /// File, folder or sequence pattern.
    pub path: String,
    /// Category.
    pub category: Category,
    /// Bytes it frees on its own.
    pub bytes: u64,
    /// Why.
    pub reason: String,
    /// For obsolete versions.
    pub confidence: Option<Confidence>,
}

/// A candidate as `--export-list` writes it.
#[derive(Clone, Debug)]
pub struct ExportEntry {
    /// The item (file, folder or sequence pattern), for display.
    pub item: ReclaimItem,
    /// Real paths to act on: the folder, the file, or every frame.
    pub paths: Vec<PathBuf>,
}
