//! `--export-list`: the reclaim candidates for users' own review tools.
//!
//! `json` keeps category, reason and confidence; `lines` writes one real path
//! per line (raw bytes, as on disk), each folder once and nothing below a
//! listed folder, so `xargs -d '\n'` style tools can read it.

use super::Report;
use serde::Serialize;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON document with every candidate, its category, reason and paths.
    Json,
    /// One path per line.
    Lines,
}

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    generated_at: &'a str,
    roots: &'a [String],
    /// Duplicate folders first, each with the copies whose every file is a
    /// candidate (the file candidates below them are still listed).
    duplicate_folders: Vec<FolderEntry<'a>>,
    candidates: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct FolderEntry<'a> {
    paths: &'a [String],
    surplus: Vec<&'a str>,
    wasted_bytes: u64,
}

/// For each duplicate folder, its copies whose every duplicate file is a
/// reclaim candidate: those go whole; the copy the keep rules keep stays.
pub(crate) fn surplus_folders(report: &Report) -> Vec<Vec<&str>> {
    let candidates: std::collections::HashSet<&Path> = report
        .candidates
        .iter()
        .flat_map(|c| c.paths.iter().map(|p| p.as_path()))
        .collect();
    report
        .duplicate_folders
        .iter()
        .map(|d| {
            d.paths
                .iter()
                .filter(|copy| {
                    let below: Vec<&Path> = report
                        .duplicates
                        .iter()
                        .filter(|g| g.folder.as_deref() == d.paths.first().map(String::as_str))
                        .flat_map(|g| g.paths.iter().map(Path::new))
                        .filter(|p| p.starts_with(copy.as_str()))
                        .collect();
                    !below.is_empty() && below.iter().all(|p| candidates.contains(p))
                })
                .map(String::as_str)
                .collect()
        })
        .collect()
}

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    item: &'a super::ReclaimItem,
    paths: Vec<String>,
}

/// Writes the candidates of `report` in `format`.
pub fn write(report: &Report, format: ExportFormat, w: &mut dyn Write) -> io::Result<()> {
    match format {
        ExportFormat::Json => {
            let doc = Doc {
                schema_version: super::SCHEMA_VERSION,
                generated_at: &report.header.generated_at,
                roots: &report.header.roots,
                duplicate_folders: report
                    .duplicate_folders
                    .iter()
                    .zip(surplus_folders(report))
                    .map(|(d, surplus)| FolderEntry {
                        paths: &d.paths,
                        surplus,
                        wasted_bytes: d.wasted_bytes,
                    })
                    .collect(),
                candidates: report
                    .candidates
                    .iter()
                    .map(|c| Entry {
                        item: &c.item,
                        paths: c
                            .paths
                            .iter()
                            .map(|p| crate::util::pathfmt::display(p))
                            .collect(),
                    })
                    .collect(),
            };
            super::json::document(&doc, w)
        }
        ExportFormat::Lines => {
            let mut paths: Vec<&Path> = report
                .candidates
                .iter()
                .flat_map(|c| c.paths.iter().map(|p| p.as_path()))
                .collect();
            paths.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
            paths.dedup();
            // Surplus copies of duplicate folders first, each once; nothing
            // below them is listed again.
            let mut folders: Vec<&Path> = surplus_folders(report)
                .into_iter()
                .flatten()
                .map(Path::new)
                .collect();
            folders.sort_unstable();
            folders.dedup();
            let mut listed: std::collections::HashSet<&Path> = paths.iter().copied().collect();
            listed.extend(folders.iter().copied());
            for p in &folders {
                w.write_all(p.as_os_str().as_bytes())?;
                w.write_all(b"\n")?;
            }
            for p in paths {
                if p.ancestors().skip(1).any(|a| listed.contains(a)) {
                    continue;
                }
                w.write_all(p.as_os_str().as_bytes())?;
                w.write_all(b"\n")?;
            }
            Ok(())
        }
    }
}
