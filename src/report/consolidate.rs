//! Table sections for DITs: copies across roots ("safe to wipe?") and the
//! manifests (ASC MHL, DCP packing lists) checked against the disk.

use super::Report;
use super::table::{TableStyle, table};
use crate::util::units::Bytes;
use std::io::{self, Write};

/// One line per root, then the clip folders with a single copy.
pub fn write_copies(r: &Report, style: &TableStyle, out: &mut dyn Write) -> io::Result<()> {
    if r.copies.is_empty() {
        return Ok(());
    }
    writeln!(out, "Copies across roots (is each root safe to wipe?):")?;
    let mut t = table(
        style,
        &[
            "Root",
            "Size",
            "Also elsewhere",
            "Only here",
            "Safe to wipe?",
        ],
    );
    if let Some(col) = t.column_mut(4) {
        col.set_cell_alignment(comfy_table::CellAlignment::Left);
    }
    let names = r.names();
    for c in &r.copies {
        let verdict = wipe_verdict(c);
        t.add_row(vec![
            names.show(&c.root).into_owned(),
            Bytes(c.bytes).to_string(),
            Bytes(c.bytes_elsewhere).to_string(),
            Bytes(c.bytes_unique).to_string(),
            verdict,
        ]);
    }
    writeln!(out, "{t}")?;
    let at_risk: Vec<_> = r
        .clip_copies
        .iter()
        .filter(|c| c.status == "at_risk")
        .collect();
    let count = |status: &str| r.clip_copies.iter().filter(|c| c.status == status).count();
    let (under, surplus, unknown) = (count("under"), count("surplus"), count("unknown"));
    if !at_risk.is_empty() {
        let mut t = table(style, &["Clip folders with one copy", "Files", "Size"]);
        for c in at_risk.iter().take(style.top.max(1) * 2) {
            t.add_row(vec![
                super::table::path_cell(style, &names.show(&c.path)),
                c.files.to_string(),
                Bytes(c.bytes).to_string(),
            ]);
        }
        super::table::paths_in(&mut t, 0);
        writeln!(out, "{t}")?;
        if at_risk.len() > style.top.max(1) * 2 {
            super::table::prose(
                out,
                style,
                &format!(
                    "… and {} more (--format json, clip_copies).",
                    at_risk.len() - style.top.max(1) * 2
                ),
            )?;
        }
    }
    let policy = r.co2.as_ref().map_or(3, |c| c.assumptions.copies);
    super::table::prose(
        out,
        style,
        &format!(
            "{} clip folder(s): {} at risk (1 copy), {} below the {policy}-copy policy (--copies), {} above it, {} unknown.\n",
            r.clip_copies.len(),
            at_risk.len(),
            under,
            surplus,
            unknown
        ),
    )
}

/// The answer to "safe to wipe?" in words, for every renderer.
pub fn wipe_verdict(c: &crate::waste::copies::RootCopies) -> String {
    use crate::waste::copies::Verdict;
    match c.verdict {
        Verdict::Yes => "yes: every file has a verified copy elsewhere".into(),
        // The reason (with an example) is in the JSON; the table stays narrow.
        Verdict::No => match c.files_only_here {
            1 => "NO: 1 file only here".into(),
            n => format!("NO: {n} files only here"),
        },
        Verdict::Unknown => format!("unknown: {}", c.reason),
        Verdict::Empty => "empty: nothing to wipe".into(),
    }
}

/// A clip folder's status in words.
pub fn clip_status(status: &str) -> &'static str {
    match status {
        "at_risk" => "at risk: 1 copy",
        "under" => "fewer copies than --copies",
        "surplus" => "more copies than --copies",
        "unknown" => "unknown: not every file could be checked",
        _ => "ok",
    }
}

/// One line per manifest, then the files that changed or are missing.
pub fn write_manifests(r: &Report, style: &TableStyle, out: &mut dyn Write) -> io::Result<()> {
    if r.manifests.is_empty() {
        return Ok(());
    }
    let mut t = table(
        style,
        &[
            "Manifest",
            "Kind",
            "Files",
            "Verified",
            "Changed",
            "Missing",
            "Checked by",
        ],
    );
    for m in &r.manifests {
        t.add_row(vec![
            super::table::path_cell(style, &r.names().show(&m.path)),
            m.kind.to_string(),
            m.entries.to_string(),
            m.verified.to_string(),
            m.changed.len().to_string(),
            m.missing.len().to_string(),
            m.checked_by.to_string(),
        ]);
    }
    super::table::paths_in(&mut t, 0);
    writeln!(out, "{t}")?;
    let mut problems: Vec<(&str, &str)> = Vec::new();
    for m in &r.manifests {
        problems.extend(m.changed.iter().map(|p| ("changed", p.as_str())));
        problems.extend(m.missing.iter().map(|p| ("missing", p.as_str())));
    }
    problems.sort_by(|a, b| a.1.cmp(b.1));
    for (what, path) in problems.iter().take(style.top.max(1) * 2) {
        writeln!(out, "  {what:8} {}", r.names().show(path))?;
    }
    if problems.len() > style.top.max(1) * 2 {
        super::table::prose(
            out,
            style,
            &format!(
                "  … and {} more (--format json, manifests).",
                problems.len() - style.top.max(1) * 2
            ),
        )?;
    }
    if r.manifests.iter().any(|m| m.checked_by != "hash") {
        super::table::prose(
            out,
            style,
            "Size and date checks miss a change whose date was restored: --verify-mhl and --verify-dcp re-hash.",
        )?;
    }
    writeln!(out)
}
