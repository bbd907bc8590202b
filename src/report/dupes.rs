//! The `footprint dupes` report and its three renderers.

use super::table::{TableStyle, table};
use super::{DuplicateGroup, ErrorEntry};
use crate::util::units::Bytes;
use serde::Serialize;
use std::io::{self, Write};

/// Totals of a duplicate search.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DupesSummary {
    /// Regular files seen, every hard-link name included.
    pub files: u64,
    /// Their apparent size, each inode once.
    pub bytes: u64,
    /// Duplicate groups.
    pub groups: u64,
    /// Names in all groups.
    pub files_in_groups: u64,
    /// Bytes in surplus copies: Σ size × (distinct inodes − 1).
    pub duplicate_bytes: u64,
}

/// What `footprint dupes --format json` writes (documented in docs/REPORT.md).
#[derive(Clone, Debug, Serialize)]
pub struct DupesReport {
    /// Schema, tool, time and roots.
    #[serde(flatten)]
    pub header: super::Header,
    /// Totals.
    pub summary: DupesSummary,
    /// Groups sorted by first path, paths sorted.
    pub duplicates: Vec<DuplicateGroup>,
    /// Folders with identical trees, the highest only, largest first.
    pub duplicate_folders: Vec<crate::waste::folders::DuplicateFolder>,
    /// Pairs of folders sharing content, most shared first.
    pub overlapping_folders: Vec<crate::waste::folders::FolderOverlap>,
    /// Per-file problems, sorted by path.
    pub errors: Vec<ErrorEntry>,
}

/// One JSON document.
pub fn write_json(r: &DupesReport, w: &mut dyn Write) -> io::Result<()> {
    super::json::document(r, w)
}

/// fdupes-style: one path per line, a blank line after each group. Paths are
/// written as the report escapes them (`\xNN` for bytes that are not UTF-8).
/// Every file group, as fdupes lists them (scripts read these lines; the
/// folder findings are in the table and the JSON).
pub fn write_list(r: &DupesReport, w: &mut dyn Write) -> io::Result<()> {
    for g in &r.duplicates {
        for p in &g.paths {
            writeln!(w, "{p}")?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// A table for people, largest waste first.
pub fn write_table(r: &DupesReport, style: &TableStyle, w: &mut dyn Write) -> io::Result<()> {
    let s = &r.summary;
    writeln!(
        w,
        "{} duplicate groups: {} in surplus copies ({} names; {} files, {} scanned).",
        s.groups,
        Bytes(s.duplicate_bytes),
        s.files_in_groups,
        s.files,
        Bytes(s.bytes)
    )?;
    writeln!(w)?;
    super::folders::write_tables(
        &r.duplicate_folders,
        &r.overlapping_folders,
        style,
        &|p| p.to_string(),
        w,
    )?;
    let folded = r.duplicates.iter().filter(|g| g.folder.is_some()).count();
    if folded > 0 {
        writeln!(w, "{folded} groups are inside the duplicate folders above.")?;
    }
    if r.duplicates.len() > folded {
        let mut groups: Vec<&DuplicateGroup> =
            r.duplicates.iter().filter(|g| g.folder.is_none()).collect();
        groups.sort_by(|a, b| {
            b.wasted_bytes
                .cmp(&a.wasted_bytes)
                .then(a.paths.cmp(&b.paths))
        });
        let mut t = table(style, &["paths", "copies", "size", "wasted", "blake3"]);
        for g in groups {
            t.add_row([
                g.paths.join("\n"),
                g.paths.len().to_string(),
                Bytes(g.size).to_string(),
                Bytes(g.wasted_bytes).to_string(),
                g.hash[..12].to_string(),
            ]);
        }
        writeln!(w, "\n{t}")?;
    }
    if !r.errors.is_empty() {
        writeln!(
            w,
            "\n{} files could not be compared (see --format json for the list).",
            r.errors.len()
        )?;
    }
    Ok(())
}
