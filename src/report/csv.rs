//! CSV renderer: one row per media item (an image sequence is one row) and
//! one per other file, sorted by path, with the columns people filter on in a
//! spreadsheet. RFC 4180 quoting; cells that a spreadsheet would run as a
//! formula (leading `=`, `+`, `-`, `@`, tab or CR) are neutralised with a
//! leading `'`, as OWASP recommends for CSV injection.
//!
//! Every problem of the report's `errors` is in the `problem` column
//! (`kind: message`) of its path's row; a problem whose path is no file row
//! (a folder that could not be listed, a clip folder with too few copies, a
//! file an ASC MHL history lists but the disk lacks) gets a row of its own,
//! of kind `problem`.

use super::{MediaItem, Report};
use std::collections::HashMap;
use std::io::{self, Write};

/// What this renderer asks the audit to prepare: a row per other file.
pub const NEEDS: super::Needs = super::Needs {
    media_json: false,
    file_rows: true,
};

/// The header row.
pub const COLUMNS: &[&str] = &[
    "path",
    "kind",
    "bytes",
    "container",
    "codec",
    "profile",
    "resolution",
    "fps",
    "duration_s",
    "bit_rate",
    "audio",
    "duplicate_group",
    "duplicate_folder",
    "duplicate_of",
    "obsolete",
    "obsolete_reason",
    "regenerable_by",
    "problem",
];

/// One cell: quoted when it holds a separator, a quote or a line break;
/// neutralised when it starts like a formula.
pub fn cell(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let s = if risky {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// What the waste finder says of the files, by path: each category in its
/// own columns. A candidate may be a folder (a cache, a versioned render
/// folder) or a sequence pattern: every row under it gets its cells.
#[derive(Default)]
struct Flags<'a> {
    /// Path → (1-based group, its duplicate-folder finding).
    groups: HashMap<&'a str, (usize, Option<&'a str>)>,
    /// Surplus copy → the copy kept.
    duplicate_of: HashMap<&'a str, &'a str>,
    /// Candidate item or file → (confidence, reason).
    obsolete: HashMap<&'a str, (&'static str, &'a str)>,
    /// Cache folder or file → the application that rebuilds it.
    regenerable: HashMap<&'a str, &'static str>,
}

impl<'a> Flags<'a> {
    fn new(r: &'a Report) -> Self {
        let mut f = Flags::default();
        let mut surplus: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for c in &r.candidates {
            match c.item.category {
                crate::waste::Category::Duplicate => {
                    surplus.insert(c.item.path.as_str());
                }
                crate::waste::Category::Obsolete => {
                    let confidence = match c.item.confidence {
                        Some(crate::waste::Confidence::Low) => "low",
                        _ => "high",
                    };
                    f.obsolete
                        .insert(c.item.path.as_str(), (confidence, c.item.reason.as_str()));
                    for p in c.paths.iter().filter_map(|p| p.to_str()) {
                        f.obsolete.insert(p, (confidence, c.item.reason.as_str()));
                    }
                }
                crate::waste::Category::Regenerable => {}
            }
        }
        for (n, g) in r.duplicates.iter().enumerate() {
            // The copy kept is the first one no candidate names (hard links
            // of one inode are one copy).
            let keep = g.paths.iter().find(|p| !surplus.contains(p.as_str()));
            for p in &g.paths {
                f.groups.insert(p, (n + 1, g.folder.as_deref()));
                if let Some(k) = keep.filter(|_| surplus.contains(p.as_str())) {
                    f.duplicate_of.insert(p, k);
                }
            }
        }
        for e in &r.regenerable {
            f.regenerable.insert(e.path.as_str(), e.application);
        }
        f
    }

    /// The value `map` holds for `path` or its nearest folder.
    fn under<T: Copy>(map: &HashMap<&str, T>, path: &str) -> Option<T> {
        if map.is_empty() {
            return None;
        }
        let mut p = path;
        loop {
            if let Some(&v) = map.get(p) {
                return Some(v);
            }
            p = &p[..p.rfind('/').filter(|&i| i > 0)?];
        }
    }

    /// `duplicate_group`, `duplicate_folder`, `duplicate_of`, `obsolete`,
    /// `obsolete_reason`, `regenerable_by`.
    fn cells(&self, path: &str) -> [String; 6] {
        let group = self.groups.get(path);
        let obsolete = Self::under(&self.obsolete, path);
        [
            opt(group.map(|g| g.0)),
            opt(group.and_then(|g| g.1)),
            opt(self.duplicate_of.get(path)),
            opt(obsolete.map(|o| o.0)),
            opt(obsolete.map(|o| o.1)),
            opt(Self::under(&self.regenerable, path)),
        ]
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn media_cells(m: &MediaItem) -> [String; 8] {
    let v = m.video.as_ref();
    [
        opt(super::container_label(m)),
        v.map(|v| v.codec.clone())
            .or_else(|| m.audio.first().map(|a| a.codec.clone()))
            .unwrap_or_default(),
        opt(v.and_then(|v| v.profile.as_deref())),
        v.filter(|v| v.width > 0)
            .map(|v| format!("{}x{}", v.width, v.height))
            .unwrap_or_default(),
        opt(v.and_then(|v| v.fps).map(|f| format!("{f:.3}"))),
        opt(m.duration_s.map(|d| format!("{d:.3}"))),
        opt(m.bit_rate),
        m.audio
            .iter()
            .map(|a| {
                let layout = a
                    .channel_layout
                    .clone()
                    .unwrap_or_else(|| format!("{} ch", a.channels));
                format!("{} {}", a.codec, layout)
            })
            .collect::<Vec<_>>()
            .join(" + "),
    ]
}

/// Writes the CSV.
pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let flags = Flags::new(r);
    // (path, row) for media items and other files, merged by path.
    let mut rows: Vec<(&str, Vec<String>)> = Vec::new();
    let tail = |path: &str| flags.cells(path);
    for m in &r.media {
        let mut row = vec![m.path.clone(), m.kind.name().into(), m.bytes.to_string()];
        row.extend(media_cells(m));
        row.extend(tail(&m.path));
        rows.push((&m.path, row));
    }
    for f in &r.other_files {
        let mut row = vec![f.path.clone(), f.kind.name().into(), f.bytes.to_string()];
        row.extend(std::iter::repeat_n(String::new(), 8));
        row.extend(tail(&f.path));
        rows.push((&f.path, row));
    }
    let mut problems: HashMap<&str, Vec<String>> = HashMap::new();
    for e in &r.errors {
        problems.entry(e.path.as_str()).or_default().push(format!(
            "{}: {}",
            kind_name(e.kind),
            e.error
        ));
    }
    for (path, row) in &mut rows {
        row.push(
            problems
                .remove(path)
                .map(|p| p.join("; "))
                .unwrap_or_default(),
        );
    }
    for e in &r.errors {
        if let Some(p) = problems.remove(e.path.as_str()) {
            let mut row = vec![e.path.clone(), "problem".into()];
            row.extend(std::iter::repeat_n(String::new(), COLUMNS.len() - 3));
            row.push(p.join("; "));
            rows.push((&e.path, row));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(b.0));
    writeln!(out, "{}", COLUMNS.join(","))?;
    for (_, row) in rows {
        let line: Vec<String> = row.iter().map(|c| cell(c)).collect();
        writeln!(out, "{}", line.join(","))?;
    }
    Ok(())
}

/// The kind's JSON name (`sequence_gap`), as the `errors[].kind` field has it.
fn kind_name(kind: crate::util::error::ErrorKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_neutralised() {
        assert_eq!(cell("plain.mov"), "plain.mov");
        assert_eq!(cell("a,b.mov"), "\"a,b.mov\"");
        assert_eq!(cell("say \"hi\".mov"), "\"say \"\"hi\"\".mov\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-cmd"), "'-cmd");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell(""), "");
    }
}
