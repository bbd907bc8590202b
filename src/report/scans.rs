//! Renderers of `footprint diff` and `footprint fleet`: tables for people,
//! one JSON document (with `schema_version`) for scripts.

use super::Tool;
use super::table::{TableStyle, path_cell, paths_in, prose, table};
use crate::catalog::diff::{Diff, Growth};
use crate::catalog::fleet::{Fleet, Total};
use crate::util::units::Bytes;
use serde::Serialize;
use std::io::{self, Write};

/// `footprint diff --format json`.
#[derive(Serialize)]
pub struct DiffReport<'a> {
    /// 1.
    pub schema_version: u32,
    /// The writer.
    pub tool: Tool,
    /// What changed.
    #[serde(flatten)]
    pub diff: &'a Diff,
}

/// `footprint fleet --format json`.
#[derive(Serialize)]
pub struct FleetReport<'a> {
    /// 1.
    pub schema_version: u32,
    /// The writer.
    pub tool: Tool,
    /// The fleet.
    #[serde(flatten)]
    pub fleet: &'a Fleet,
}

/// Bytes with a sign.
fn signed(delta: i64) -> String {
    let b = Bytes(delta.unsigned_abs());
    match delta {
        d if d < 0 => format!("-{b}"),
        0 => "0 B".into(),
        _ => format!("+{b}"),
    }
}

/// `1 file`, `2 files`.
fn files(n: u64) -> String {
    format!("{n} file{}", if n == 1 { "" } else { "s" })
}

/// At most `top` rows of a long list, and how many were left out.
fn more(out: &mut dyn Write, shown: usize, all: usize, what: &str) -> io::Result<()> {
    if all > shown {
        writeln!(
            out,
            "… and {} more {what} (--top, or --format json for all).",
            all - shown
        )?;
    }
    Ok(())
}

/// Writes the diff for people.
pub fn write_diff(d: &Diff, style: &TableStyle, out: &mut dyn Write) -> io::Result<()> {
    let pct = d
        .growth_percent
        .map(|p| format!(" ({p:+.1}%)"))
        .unwrap_or_default();
    prose(
        out,
        style,
        &format!(
            "{} → {}: {} files ({}) → {} files ({}), {}{pct}.",
            d.old.source,
            d.new.source,
            d.old.files,
            Bytes(d.old.bytes),
            d.new.files,
            Bytes(d.new.bytes),
            signed(d.growth_bytes)
        ),
    )?;
    let sum = |v: &[crate::catalog::diff::Entry]| Bytes(v.iter().map(|e| e.bytes).sum());
    prose(
        out,
        style,
        &format!(
            "{} added ({}), {} removed ({}), {} changed, {} moved or renamed.\n",
            d.added.len(),
            sum(&d.added),
            d.removed.len(),
            sum(&d.removed),
            d.changed.len(),
            d.moved.len()
        ),
    )?;
    for l in &d.limits {
        prose(out, style, &format!("Note: {l}."))?;
    }
    if !d.limits.is_empty() {
        writeln!(out)?;
    }
    if !d.lost_copies.is_empty() {
        writeln!(out, "Clip folders that lost a copy")?;
        let mut t = table(style, &["folder", "files", "bytes", "copies before", "now"]);
        for l in d.lost_copies.iter().take(style.top) {
            t.add_row([
                path_cell(style, &l.folder),
                l.files.to_string(),
                Bytes(l.bytes).to_string(),
                l.copies_before.to_string(),
                l.copies_after.to_string(),
            ]);
        }
        paths_in(&mut t, 0);
        writeln!(out, "{t}")?;
        more(out, style.top, d.lost_copies.len(), "folders")?;
        writeln!(out)?;
    }
    growth_table(out, style, "By kind", "kind", &d.by_kind)?;
    growth_table(out, style, "By top folder", "folder", &d.by_folder)?;
    let cell = |p: &str| path_cell(style, p);
    let mut files: Vec<[String; 3]> = Vec::new();
    for e in &d.added {
        files.push([cell(&e.path), "added".into(), signed(e.bytes as i64)]);
    }
    for e in &d.removed {
        files.push([cell(&e.path), "removed".into(), signed(-(e.bytes as i64))]);
    }
    for c in &d.changed {
        files.push([
            cell(&c.path),
            format!("changed ({})", c.by),
            signed(c.new_bytes as i64 - c.old_bytes as i64),
        ]);
    }
    for m in &d.moved {
        let to = format!("→ {}", cell(&m.to));
        files.push([
            format!("{}\n{to}", cell(&m.from)),
            "moved".into(),
            "0 B".into(),
        ]);
    }
    if files.is_empty() {
        return writeln!(out, "No file was added, removed, changed or moved.");
    }
    writeln!(out, "Files")?;
    let mut t = table(style, &["path", "change", "bytes"]);
    for row in files.iter().take(style.top) {
        t.add_row(row.clone());
    }
    paths_in(&mut t, 0);
    writeln!(out, "{t}")?;
    more(out, style.top, files.len(), "files")
}

fn growth_table(
    out: &mut dyn Write,
    style: &TableStyle,
    title: &str,
    what: &str,
    rows: &[Growth],
) -> io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "{title}")?;
    let mut t = table(style, &[what, "before", "now", "change"]);
    for g in rows.iter().take(style.top) {
        t.add_row([
            path_cell(style, &g.name),
            Bytes(g.old_bytes).to_string(),
            Bytes(g.new_bytes).to_string(),
            signed(g.delta),
        ]);
    }
    paths_in(&mut t, 0);
    writeln!(out, "{t}")?;
    more(out, style.top, rows.len(), "rows")?;
    writeln!(out)
}

/// Writes the fleet for people.
pub fn write_fleet(f: &Fleet, style: &TableStyle, out: &mut dyn Write) -> io::Result<()> {
    let hosts = f.hosts.len();
    prose(
        out,
        style,
        &format!(
            "{} scans of {} volumes on {hosts} host{}: {} files, {}. {} duplicate groups ({} across hosts): {} in surplus copies.",
            f.scans.len(),
            f.volumes.len(),
            if hosts == 1 { "" } else { "s" },
            f.files,
            Bytes(f.bytes),
            f.duplicates.len(),
            f.cross_host_groups,
            Bytes(f.duplicate_bytes)
        ),
    )?;
    if f.unknown_files > 0 {
        prose(
            out,
            style,
            &format!(
                "Unknown: {} files ({}) share their size with a file on another host but were not hashed on both; whether they are copies is not known (audit --hash all).",
                f.unknown_files,
                Bytes(f.unknown_bytes)
            ),
        )?;
    }
    if !f.superseded.is_empty() {
        prose(
            out,
            style,
            &format!(
                "{} older scans of the same volumes were left out (the newest scan of each volume counts).",
                f.superseded.len()
            ),
        )?;
    }
    writeln!(out)?;
    writeln!(out, "By host")?;
    let mut t = table(
        style,
        &["host", "files", "bytes", "on this host only", "unknown"],
    );
    for h in &f.hosts {
        t.add_row([
            h.host.clone().unwrap_or_default(),
            h.files.to_string(),
            Bytes(h.bytes).to_string(),
            format!(
                "{} ({})",
                Bytes(h.only_here_bytes.unwrap_or(0)),
                files(h.only_here_files.unwrap_or(0))
            ),
            match h.unknown_files {
                Some(n) if n > 0 => {
                    format!("{} ({})", Bytes(h.unknown_bytes.unwrap_or(0)), files(n))
                }
                _ => "-".into(),
            },
        ]);
    }
    writeln!(out, "{t}\n")?;
    totals(out, style, "By volume", &f.volumes, |v| {
        format!(
            "{}:{}",
            v.host.as_deref().unwrap_or(""),
            v.root.as_deref().unwrap_or("")
        )
    })?;
    totals(out, style, "By kind", &f.kinds, |k| {
        k.kind.clone().unwrap_or_default()
    })?;
    if !f.duplicates.is_empty() {
        writeln!(out, "Duplicates, most surplus first")?;
        let mut t = table(style, &["paths", "copies", "hosts", "size", "wasted"]);
        for g in f.duplicates.iter().take(style.top) {
            let paths: Vec<String> = g
                .paths
                .iter()
                .map(|p| path_cell(style, &format!("{}:{}", p.host, p.path)))
                .collect();
            t.add_row([
                paths.join("\n"),
                g.copies.to_string(),
                g.hosts.len().to_string(),
                Bytes(g.size).to_string(),
                Bytes(g.wasted_bytes).to_string(),
            ]);
        }
        paths_in(&mut t, 0);
        writeln!(out, "{t}")?;
        more(out, style.top, f.duplicates.len(), "groups")?;
        writeln!(out)?;
    }
    if f.only_here_folders.is_empty() {
        return writeln!(out, "Every clip folder's media has a copy on another host.");
    }
    writeln!(out, "Clip folders with media on one host only")?;
    let mut t = table(
        style,
        &["host:folder", "media", "on this host only", "unknown"],
    );
    for c in f.only_here_folders.iter().take(style.top) {
        t.add_row([
            path_cell(style, &format!("{}:{}", c.host, c.folder)),
            format!("{} ({})", Bytes(c.media_bytes), files(c.media_files)),
            format!(
                "{} ({})",
                Bytes(c.only_here_bytes),
                files(c.only_here_files)
            ),
            c.unknown_files.to_string(),
        ]);
    }
    paths_in(&mut t, 0);
    writeln!(out, "{t}")?;
    more(out, style.top, f.only_here_folders.len(), "folders")
}

fn totals(
    out: &mut dyn Write,
    style: &TableStyle,
    title: &str,
    rows: &[Total],
    name: impl Fn(&Total) -> String,
) -> io::Result<()> {
    writeln!(out, "{title}")?;
    let mut t = table(style, &["", "files", "bytes"]);
    for r in rows.iter().take(style.top) {
        t.add_row([
            path_cell(style, &name(r)),
            r.files.to_string(),
            Bytes(r.bytes).to_string(),
        ]);
    }
    paths_in(&mut t, 0);
    writeln!(out, "{t}")?;
    more(out, style.top, rows.len(), "rows")?;
    writeln!(out)
}
