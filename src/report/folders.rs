//! Duplicate and overlapping folders, for the `audit` and `dupes` tables:
//! shown before the file groups, which they fold (a copied 2,000-frame
//! render is one line, not 2,000 pairs).

use super::table::{TableStyle, table};
use crate::util::units::Bytes;
use crate::waste::folders::{DuplicateFolder, FolderOverlap};
use std::io::{self, Write};

/// Names listed in an overlap's "only in" cell before "and N more".
const ONLY_SHOWN: usize = 5;

/// The two folder tables (nothing when there are no folder findings).
pub fn write_tables(
    dup: &[DuplicateFolder],
    over: &[FolderOverlap],
    style: &TableStyle,
    rel: &dyn Fn(&str) -> String,
    w: &mut dyn Write,
) -> io::Result<()> {
    if !dup.is_empty() {
        let wasted: u64 = dup.iter().map(|d| d.wasted_bytes).sum();
        super::table::prose(
            w,
            style,
            &format!(
                "Duplicate folders: {} ({} in surplus copies; their files are not listed again).",
                dup.len(),
                Bytes(wasted)
            ),
        )?;
        let mut t = table(
            style,
            &["Folders (identical trees)", "Files", "Size", "Wasted"],
        );
        for d in dup.iter().take(style.top.max(1) * 2) {
            t.add_row(vec![
                d.paths
                    .iter()
                    .map(|p| super::table::path_cell(style, &rel(p)))
                    .collect::<Vec<_>>()
                    .join("\n"),
                d.files.to_string(),
                Bytes(d.bytes).to_string(),
                Bytes(d.wasted_bytes).to_string(),
            ]);
        }
        super::table::paths_in(&mut t, 0);
        writeln!(w, "{t}\n")?;
    }
    if !over.is_empty() {
        super::table::prose(
            w,
            style,
            &format!(
                "Overlapping folders: {} (shared content, by content whatever the names).",
                over.len()
            ),
        )?;
        let mut t = table(style, &["Folder", "Shared", "Only here"]);
        if let Some(c) = t.column_mut(2) {
            c.set_cell_alignment(comfy_table::CellAlignment::Left);
        }
        for o in over.iter().take(style.top.max(1) * 2) {
            for (path, share, only) in [
                (&o.a, o.share_of_a, &o.only_in_a),
                (&o.b, o.share_of_b, &o.only_in_b),
            ] {
                t.add_row(vec![
                    super::table::path_cell(style, &rel(path)),
                    format!(
                        "{:.0} % ({} file{}, {})",
                        share * 100.0,
                        o.shared_files,
                        if o.shared_files == 1 { "" } else { "s" },
                        Bytes(o.shared_bytes)
                    ),
                    only_cell(only),
                ]);
            }
        }
        super::table::paths_in(&mut t, 0);
        writeln!(w, "{t}\n")?;
    }
    Ok(())
}

fn only_cell(only: &[String]) -> String {
    if only.is_empty() {
        return "none".to_string();
    }
    let mut s = only
        .iter()
        .take(ONLY_SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if only.len() > ONLY_SHOWN {
        s.push_str(&format!(" and {} more", only.len() - ONLY_SHOWN));
    }
    s
}
