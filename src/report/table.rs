//! Table renderer (comfy-table), the default view for people.

use super::{Report, StageStatus};
use crate::classify::Kind;
use crate::util::units::{Bytes, format_duration};
use comfy_table::{
    Attribute, Cell, CellAlignment, ContentArrangement, LineStyle, Table, TableStyle as Lines,
};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Rendering options.
#[derive(Clone, Copy, Debug)]
pub struct TableStyle {
    /// Bold headers and colored warnings.
    pub color: bool,
    /// Fit the terminal width (stdout is a terminal and no --width).
    pub fit_terminal: bool,
    /// Fit this many columns (`--width`, or 100 off a terminal); `None`
    /// with `--width 0` or on a terminal.
    pub width: Option<u16>,
    /// Heaviest folders to list.
    pub top: usize,
}

pub(crate) fn table(style: &TableStyle, headers: &[&str]) -> Table {
    let mut t = Table::new();
    // A rule under the header and at the end, nothing between rows: dense, grep-able.
    t.load_style(
        Lines::new()
            .header_separator(LineStyle::none().fill('─').junction('─'))
            .bottom_border(LineStyle::none().fill('─').junction('─')),
    );
    if let Some(w) = style.width {
        // Off a terminal comfy-table cannot measure one: it wraps to this.
        t.force_no_tty();
        t.set_content_arrangement(ContentArrangement::Dynamic);
        t.set_width(w);
    } else if style.fit_terminal {
        t.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        t.force_no_tty();
    }
    if style.color {
        t.enforce_styling();
    }
    t.set_header(headers.iter().map(|h| {
        let c = Cell::new(h);
        if style.color {
            c.add_attribute(Attribute::Bold)
        } else {
            c
        }
    }));
    for (i, _) in headers.iter().enumerate().skip(1) {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

/// The width prose and tables fit in, when there is one.
pub(crate) fn line_width(style: &TableStyle) -> Option<usize> {
    match style.width {
        Some(w) => Some(usize::from(w)),
        None if style.fit_terminal => Table::new().width().map(usize::from),
        None => None,
    }
}

/// A path in a table cell: cut in the middle to two fifths of the width
/// (never under 24 columns), so that reasons keep room and names are never
/// broken across lines mid-word. JSON and CSV keep every path whole.
pub(crate) fn path_cell(style: &TableStyle, path: &str) -> String {
    match line_width(style) {
        Some(w) => super::names::ellipsize_middle(path, (w * 2 / 5).max(24)).into_owned(),
        None => path.to_string(),
    }
}

/// Keeps column `col` (paths, already cut by [`path_cell`]) on one line:
/// comfy-table then wraps the other columns, whose text has spaces. The
/// constraint counts the cell padding (one space each side).
pub(crate) fn paths_in(t: &mut Table, col: usize) {
    let widest = t.column_max_content_widths().get(col).copied().unwrap_or(0);
    if let Some(c) = t.column_mut(col) {
        c.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
            comfy_table::Width::Fixed(widest + 2),
        ));
    }
}

/// One sentence of prose, wrapped at the width between words; continuation
/// lines keep the first line's indent plus two spaces.
pub(crate) fn prose(out: &mut dyn Write, style: &TableStyle, text: &str) -> io::Result<()> {
    let Some(width) = line_width(style) else {
        return writeln!(out, "{text}");
    };
    let indent = text.len() - text.trim_start().len();
    let mut line = String::from(&text[..indent]);
    let mut fresh = true;
    for word in text.split_whitespace() {
        let used = line.chars().count();
        if !fresh && used + 1 + word.chars().count() > width {
            writeln!(out, "{line}")?;
            line = " ".repeat(indent + 2);
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        line.push_str(word);
        fresh = false;
    }
    // A sentence that ends a section ends with a blank line, kept.
    let blank = text.len() - text.trim_end_matches('\n').len();
    writeln!(out, "{line}{}", "\n".repeat(blank))
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// Writes the report as tables.
pub fn write(r: &Report, style: &TableStyle, out: &mut dyn Write) -> io::Result<()> {
    let s = &r.summary;
    let roots = match r.names().legend(&r.header.roots) {
        None => r.header.roots.join(", "),
        Some(legend) => format!("{} roots: {legend}", r.header.roots.len()),
    };
    if s.files == 0 && r.errors.is_empty() {
        // Nothing to weigh: one sentence, not empty tables and "0 kg".
        return prose(
            out,
            style,
            &format!(
                "Nothing to audit: {} holds no regular file ({}).",
                roots,
                count(s.folders, "folder", "folders")
            ),
        );
    }
    writeln!(out, "{}", super::headline(r))?;
    prose(
        out,
        style,
        &format!(
            "{} in {} ({}).",
            count(s.files, "file", "files"),
            count(s.folders, "folder", "folders"),
            roots
        ),
    )?;
    for f in &r.roots_folded {
        prose(
            out,
            style,
            &format!(
                "Root {} is {} {}: its files are counted once, under it.",
                f.root,
                match f.overlap {
                    crate::walk::roots::Overlap::Same => "the same folder as",
                    crate::walk::roots::Overlap::Inside => "inside",
                },
                f.into
            ),
        )?;
    }
    if let Some(t) = r.targets.first() {
        let budgets: Vec<String> = r
            .targets
            .iter()
            .map(|t| format!("{} {}", t.id, Bytes(t.budget_bytes)))
            .collect();
        prose(
            out,
            style,
            &format!(
                "Runtime {} ({}); budgets for it: {}.",
                format_duration(t.runtime_s),
                match t.runtime_source {
                    "cpl" => "from the package's CPL",
                    "config" => "from footprint.toml",
                    _ => "from --runtime",
                },
                budgets.join(", ")
            ),
        )?;
    }
    if r.targets.is_empty() && s.media_files > 0 {
        prose(
            out,
            style,
            "No programme runtime (no --runtime, footprint.toml runtime or DCP/IMF CPL): give --runtime 52m to weigh it against its deliveries.",
        )?;
    }
    if r.stages.probe == StageStatus::Done || s.media_files > 0 {
        prose(
            out,
            style,
            &format!(
                "{} ({} image sequences), {} of running time.",
                count(s.media_files, "media item", "media items"),
                s.image_sequences,
                format_duration(s.media_duration_s)
            ),
        )?;
    }
    writeln!(out)?;

    let mut t = table(style, &["Kind", "Files", "Size", "Share"]);
    for kind in Kind::ALL {
        let k = r.by_kind.get(kind);
        if k.files > 0 {
            t.add_row(vec![
                kind.label().to_string(),
                k.files.to_string(),
                Bytes(k.bytes).to_string(),
                pct(k.bytes, s.bytes),
            ]);
        }
    }
    writeln!(out, "{t}\n")?;

    if !r.media.is_empty() {
        writeln!(out, "{}", media_table(r, style))?;
        writeln!(out)?;
    }

    if !r.folders.is_empty() {
        let mut t = table(style, &["Heaviest folders", "Files", "Size", "Share"]);
        for f in r.folders.iter().take(style.top) {
            t.add_row(vec![
                path_cell(style, &r.names().show(&f.path)),
                f.files.to_string(),
                Bytes(f.bytes).to_string(),
                pct(f.bytes, s.bytes),
            ]);
        }
        paths_in(&mut t, 0);
        writeln!(out, "{t}\n")?;
    }

    write_reclaim(r, style, out)?;
    super::folders::write_tables(
        &r.duplicate_folders,
        &r.overlapping_folders,
        style,
        &|p| r.names().show(p).to_string(),
        out,
    )?;
    super::consolidate::write_copies(r, style, out)?;
    super::consolidate::write_manifests(r, style, out)?;
    write_co2(r, style, out)?;
    write_stages(r, style, out)?;
    write_errors(r, style, out)
}

/// Two significant figures: the factors are not known better (BoaviztAPI
/// rounds its results the same way, `utils/roundit.py`).
pub(crate) fn sig2(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".into();
    }
    let digits = (1 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

/// "1 file", "2 files".
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The unit a mass of `kg` reads best in: t, kg or g.
fn mass_unit(kg: f64) -> (f64, &'static str) {
    match kg.abs() {
        m if m >= 1000.0 => (1e-3, "t"),
        m if m >= 1.0 || m == 0.0 => (1.0, "kg"),
        _ => (1e3, "g"),
    }
}

/// Below a gram the estimate says nothing a person can use (the factors
/// are not known to a milligram): it reads "< 1 g".
const DISPLAY_FLOOR_KG: f64 = 1e-3;

pub(crate) fn mass(kg: f64) -> String {
    if kg > 0.0 && kg < DISPLAY_FLOOR_KG {
        return "< 1 g".into();
    }
    let (k, unit) = mass_unit(kg);
    format!("{} {unit}", sig2(kg * k))
}

/// "central unit (low–high)", all in the central value's unit; "< 1 g"
/// (with the high end when that reaches a gram) below display precision.
pub(crate) fn mass_range(x: &crate::co2::Range) -> String {
    if x.central > 0.0 && x.central < DISPLAY_FLOOR_KG {
        return if x.high >= DISPLAY_FLOOR_KG {
            format!("< 1 g (up to {})", mass(x.high))
        } else {
            "< 1 g".into()
        };
    }
    let (k, unit) = mass_unit(x.central);
    format!(
        "{} {unit} ({}–{})",
        sig2(x.central * k),
        sig2(x.low * k),
        sig2(x.high * k)
    )
}

fn write_co2(r: &Report, style: &TableStyle, out: &mut dyn Write) -> io::Result<()> {
    let Some(c) = &r.co2 else {
        return Ok(());
    };
    let a = &c.assumptions;
    prose(
        out,
        style,
        &format!(
            "Keeping it stored: {} CO₂e per year; {} over {} years.",
            mass_range(&c.kg_per_year),
            mass(c.kg_total.central),
            a.years
        ),
    )?;
    prose(
        out,
        style,
        &format!(
            "  operational {} + embodied {} per year; {} copies on {}, grid {} ({} kg/kWh). Sources: docs/co2.md, or co2.sources in --format json.",
            mass(c.operational_kg_per_year.central),
            mass(c.embodied_kg_per_year.central),
            a.copies,
            format!("{:?}", a.medium).to_lowercase(),
            a.grid_zone,
            a.grid_kg_per_kwh
        ),
    )?;
    if c.reclaimable_kg_per_year.central > 0.0 {
        prose(
            out,
            style,
            &format!(
                "  The reclaimable part accounts for {} per year: an allocated share, a saving only when drives are retired or a purchase is avoided.",
                mass_range(&c.reclaimable_kg_per_year)
            ),
        )?;
    }
    writeln!(out)
}

/// "What you can reclaim": the three categories, their union, the largest items.
fn write_reclaim(r: &Report, style: &TableStyle, out: &mut dyn Write) -> io::Result<()> {
    let s = &r.summary;
    if s.duplicate_bytes + s.obsolete_bytes + s.regenerable_bytes == 0 {
        return writeln!(out, "What you can reclaim: nothing found.\n");
    }
    prose(
        out,
        style,
        &format!(
            "What you can reclaim: {} ({} of the project; no byte counted twice).",
            Bytes(s.reclaimable_bytes),
            pct(s.reclaimable_bytes, s.bytes)
        ),
    )?;
    let mut t = table(style, &["Category", "Items", "Size", "Share"]);
    let n_dupes = r.duplicates.len();
    let n_obsolete: usize = r.versions.iter().map(|v| v.obsolete.len()).sum();
    for (name, n, bytes) in [
        ("Duplicate copies", n_dupes, s.duplicate_bytes),
        ("Obsolete versions", n_obsolete, s.obsolete_bytes),
        (
            "Regenerable caches",
            r.regenerable.len(),
            s.regenerable_bytes,
        ),
    ] {
        t.add_row(vec![
            name.to_string(),
            n.to_string(),
            Bytes(bytes).to_string(),
            pct(bytes, s.bytes),
        ]);
    }
    t.add_row(vec![
        "Total (union)".to_string(),
        String::new(),
        Bytes(s.reclaimable_bytes).to_string(),
        pct(s.reclaimable_bytes, s.bytes),
    ]);
    writeln!(out, "{t}")?;
    if !r.reclaim_top.is_empty() {
        let mut t = table(style, &["Largest items", "Category", "Size", "Reason"]);
        for c in [1, 3] {
            if let Some(col) = t.column_mut(c) {
                col.set_cell_alignment(CellAlignment::Left);
            }
        }
        // Duplicate folders first, each one line; their files are folded in.
        let surplus = super::export::surplus_folders(r);
        let names = r.names();
        let mut shown = 0;
        for (d, copies) in r.duplicate_folders.iter().zip(&surplus) {
            let keep = d.paths.iter().find(|p| !copies.contains(&p.as_str()));
            for copy in copies.iter().take(style.top.saturating_sub(shown)) {
                t.add_row(vec![
                    path_cell(style, &format!("{}/", names.show(copy))),
                    "duplicate folder".to_string(),
                    Bytes(d.bytes).to_string(),
                    keep.map_or(String::new(), |k| format!("same tree as {}", names.show(k))),
                ]);
                shown += 1;
            }
        }
        let folded: Vec<&str> = surplus.iter().flatten().copied().collect();
        let inside = |p: &str| {
            folded
                .iter()
                .any(|f| p.strip_prefix(f).is_some_and(|rest| rest.starts_with('/')))
        };
        // An item in two categories (a duplicate that is also an obsolete
        // version) is listed once, under its largest claim.
        let mut seen = std::collections::HashSet::new();
        for item in r
            .reclaim_top
            .iter()
            .filter(|i| !inside(&i.path) && seen.insert(i.path.as_str()))
            .take(style.top.saturating_sub(shown))
        {
            let category = match item.confidence {
                Some(crate::waste::Confidence::Low) => {
                    format!("{} (check)", item.category.label())
                }
                _ => item.category.label().to_string(),
            };
            t.add_row(vec![
                path_cell(style, &names.show(&item.path)),
                category,
                Bytes(item.bytes).to_string(),
                names.in_text(&item.reason),
            ]);
        }
        paths_in(&mut t, 0);
        writeln!(out, "{t}")?;
    }
    if r.header.roots.len() > 1 && s.duplicate_bytes > 0 {
        prose(
            out,
            style,
            "Copies on different drives may be intended backups (3-2-1): check before deleting.",
        )?;
    }
    prose(
        out,
        style,
        "Nothing was deleted. `--export-list FILE` writes every candidate with its reason.\n",
    )
}

/// Media grouped by codec (and profile) and resolution.
fn media_table(r: &Report, style: &TableStyle) -> Table {
    let mut t = table(style, &["Codec", "Resolution", "Items", "Size", "Duration"]);
    for g in super::codec_groups(r) {
        t.add_row(vec![
            g.codec,
            g.resolution,
            g.items.to_string(),
            Bytes(g.bytes).to_string(),
            format_duration(g.seconds),
        ]);
    }
    t
}

fn write_stages(r: &Report, style: &TableStyle, out: &mut dyn Write) -> io::Result<()> {
    let st = &r.stages;
    let mut notes = Vec::new();
    match st.probe {
        StageStatus::Skipped => notes.push("media probing skipped (--no-probe)"),
        StageStatus::Unavailable => {
            notes.push("ffprobe is not available: only formats footprint reads itself were probed")
        }
        _ => {}
    }
    if st.hash == StageStatus::Skipped {
        notes.push("content hashing skipped (--no-hash)");
    }
    for n in notes {
        // Wrapped like the rest of the prose: tables and notes fit --width.
        prose(out, style, &format!("Note: {n}."))?;
    }
    Ok(())
}

fn write_errors(r: &Report, style: &TableStyle, out: &mut dyn Write) -> io::Result<()> {
    if r.errors.is_empty() {
        return writeln!(out, "No errors.");
    }
    // Problems of every kind, read or checked: a failed MHL verification, a
    // gap in a sequence or a clip folder short of copies is never hidden
    // behind "No errors".
    let names = r.names();
    let mut by: BTreeMap<_, (usize, Vec<String>)> = BTreeMap::new();
    for e in &r.errors {
        let entry = by.entry(e.kind).or_default();
        entry.0 += 1;
        if entry.1.len() < 2 {
            entry.1.push(path_cell(style, &names.show(&e.path)));
        }
    }
    let mut t = table(style, &["Problem", "Count", "Examples"]);
    if let Some(c) = t.column_mut(2) {
        c.set_cell_alignment(CellAlignment::Left);
    }
    for (kind, (n, examples)) in by {
        let more = if n > examples.len() { ", …" } else { "" };
        t.add_row(vec![
            kind.label().to_string(),
            n.to_string(),
            format!("{}{more}", examples.join(", ")),
        ]);
    }
    prose(
        out,
        style,
        &format!(
            "{} problem(s); the JSON report (--format json, errors[]) lists each one with its kind.",
            r.errors.len()
        ),
    )?;
    writeln!(out, "{t}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masses_read_in_the_right_unit_with_two_significant_figures() {
        assert_eq!(mass(5.3), "5.3 kg");
        assert_eq!(mass(22.81), "23 kg");
        assert_eq!(mass(1234.0), "1.2 t");
        assert_eq!(mass(0.0123), "12 g");
        assert_eq!(mass(0.000_012_4), "< 1 g");
        assert_eq!(mass(0.0012), "1.2 g");
        let tiny = crate::co2::Range {
            central: 0.000_012,
            low: 0.000_003_8,
            high: 0.000_068,
        };
        assert_eq!(mass_range(&tiny), "< 1 g");
        let some = crate::co2::Range {
            central: 0.0004,
            low: 0.0001,
            high: 0.0021,
        };
        assert_eq!(mass_range(&some), "< 1 g (up to 2.1 g)");
        assert_eq!(mass(0.0), "0 kg");
        let r = crate::co2::Range {
            central: 1.18,
            low: 0.36,
            high: 6.2,
        };
        assert_eq!(mass_range(&r), "1.2 kg (0.36–6.2)");
    }
}
