//! The HTML report's tables: sortable headers (numbers sort by `data-v`), a
//! filter box each, every cell escaped.

use super::Report;
use super::html::section;
use super::svg::esc;
use crate::util::units::{Bytes, format_bit_rate, format_duration};
use std::fmt::Write as _;

/// A table with sortable headers (`num` columns sort by `data-v`) and a filter box.
/// What a column holds: it decides alignment, sorting and wrapping.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Col {
    /// Words: wraps between them.
    Text,
    /// A number, right-aligned, sorted by value.
    Num,
    /// A path: may break anywhere (names have no spaces to break at).
    Path,
}

pub(super) struct Table {
    id: &'static str,
    heads: Vec<(&'static str, Col)>,
    rows: String,
    count: usize,
}

impl Table {
    pub(super) fn new(id: &'static str, heads: &[(&'static str, Col)]) -> Self {
        Table {
            id,
            heads: heads.to_vec(),
            rows: String::new(),
            count: 0,
        }
    }

    /// Adds a row of (text, sort value) cells.
    pub(super) fn row(&mut self, cells: &[(String, Option<f64>)]) {
        self.rows.push_str("<tr>");
        for (n, (text, v)) in cells.iter().enumerate() {
            if v.is_none() && self.heads.get(n).is_some_and(|h| h.1 == Col::Path) {
                let _ = write!(self.rows, r#"<td class="p">{}</td>"#, esc(text));
                continue;
            }
            match v {
                Some(v) => {
                    let _ = write!(
                        self.rows,
                        r#"<td class="n" data-v="{v}">{}</td>"#,
                        esc(text)
                    );
                }
                None => {
                    let _ = write!(self.rows, "<td>{}</td>", esc(text));
                }
            }
        }
        self.rows.push_str("</tr>");
        self.count += 1;
    }

    pub(super) fn render(&self, out: &mut String) {
        let _ = write!(
            out,
            r#"<div class="tools"><input class="filter" type="search" placeholder="Filter…" aria-label="Filter" data-table="{0}" data-count="{0}-n"> <span id="{0}-n">{1}</span> rows</div><div class="scroll"><table class="sortable" id="{0}"><thead><tr>"#,
            self.id, self.count
        );
        for (h, col) in &self.heads {
            let _ = write!(
                out,
                r#"<th data-type="{}" tabindex="0">{}</th>"#,
                if *col == Col::Num { "num" } else { "text" },
                esc(h)
            );
        }
        let _ = write!(
            out,
            "</tr></thead><tbody>{}</tbody></table></div>",
            self.rows
        );
    }
}

pub(super) fn b(v: u64) -> (String, Option<f64>) {
    (Bytes(v).to_string(), Some(v as f64))
}

pub(super) fn t(s: impl Into<String>) -> (String, Option<f64>) {
    (s.into(), None)
}

/// Media, duplicates, versions, manifests and problems.
pub(super) fn tables(r: &Report, out: &mut String) {
    let names = r.names();
    let show = |p: &str| names.show(p).into_owned();
    let lines = |ps: &[String]| ps.iter().map(|p| show(p)).collect::<Vec<_>>().join("\n");
    section(out, "media", "Media", "media[]");
    let mut m = Table::new(
        "media-table",
        &[
            ("Path", Col::Path),
            ("Kind", Col::Text),
            ("Codec", Col::Text),
            ("Profile", Col::Text),
            ("Resolution", Col::Text),
            ("fps", Col::Num),
            ("Duration", Col::Num),
            ("Bit rate", Col::Num),
            ("Size", Col::Num),
        ],
    );
    for i in &r.media {
        let v = i.video.as_ref();
        let codec = v
            .map(|v| v.codec.clone())
            .or_else(|| i.audio.first().map(|a| a.codec.clone()))
            .or_else(|| i.probe.error.as_ref().map(|_| "unreadable".to_string()))
            .unwrap_or_default();
        m.row(&[
            t(show(&i.path)),
            t(i.kind.label()),
            t(codec),
            t(v.and_then(|v| v.profile.clone()).unwrap_or_default()),
            t(v.filter(|v| v.width > 0)
                .map(|v| format!("{}x{}", v.width, v.height))
                .unwrap_or_default()),
            match v.and_then(|v| v.fps) {
                Some(f) => (format!("{f:.3}"), Some(f)),
                None => t(""),
            },
            match i.duration_s {
                Some(d) => (format_duration(d), Some(d)),
                None => t(""),
            },
            match i.bit_rate {
                Some(br) => (format_bit_rate(br), Some(br as f64)),
                None => t(""),
            },
            b(i.bytes),
        ]);
    }
    m.render(out);
    out.push_str("</section>");

    if !r.duplicate_folders.is_empty() || !r.overlapping_folders.is_empty() {
        section(
            out,
            "folders",
            "Duplicate and overlapping folders",
            "duplicate_folders[]",
        );
        let mut f = Table::new(
            "folder-table",
            &[
                ("Folders", Col::Path),
                ("Files", Col::Num),
                ("Size", Col::Num),
                ("Wasted", Col::Num),
            ],
        );
        for d in &r.duplicate_folders {
            f.row(&[
                t(lines(&d.paths)),
                (d.files.to_string(), Some(d.files as f64)),
                b(d.bytes),
                b(d.wasted_bytes),
            ]);
        }
        f.render(out);
        let mut o = Table::new(
            "overlap-table",
            &[
                ("Folder", Col::Path),
                ("Other folder", Col::Path),
                ("Shared", Col::Num),
                ("Share of each", Col::Text),
                ("Only in the first", Col::Text),
            ],
        );
        for x in &r.overlapping_folders {
            o.row(&[
                t(show(&x.a)),
                t(show(&x.b)),
                b(x.shared_bytes),
                t(format!(
                    "{:.0} % / {:.0} %",
                    x.share_of_a * 100.0,
                    x.share_of_b * 100.0
                )),
                t(x.only_in_a.join("\n")),
            ]);
        }
        o.render(out);
        out.push_str("</section>");
    }

    section(out, "duplicates", "Duplicate groups", "duplicates[]");
    let mut d = Table::new(
        "dup-table",
        &[
            ("Group", Col::Num),
            ("Copy size", Col::Num),
            ("Wasted", Col::Num),
            ("Paths", Col::Path),
        ],
    );
    for (n, g) in r.duplicates.iter().enumerate() {
        d.row(&[
            ((n + 1).to_string(), Some((n + 1) as f64)),
            b(g.size),
            b(g.wasted_bytes),
            t(lines(&g.paths)),
        ]);
    }
    d.render(out);
    out.push_str("</section>");

    section(out, "versions", "Obsolete versions", "versions[]");
    let mut v = Table::new(
        "ver-table",
        &[
            ("Keep", Col::Path),
            ("Obsolete", Col::Path),
            ("Size", Col::Num),
            ("Confidence", Col::Text),
            ("Reason", Col::Text),
        ],
    );
    for g in &r.versions {
        for o in &g.details {
            v.row(&[
                t(show(&g.keep)),
                t(show(&o.path)),
                b(o.bytes),
                t(match o.confidence {
                    crate::waste::Confidence::High => "high",
                    crate::waste::Confidence::Low => "low: check before deleting",
                }),
                t(names.in_text(&o.reason)),
            ]);
        }
    }
    v.render(out);
    out.push_str("</section>");

    if !r.manifests.is_empty() {
        section(
            out,
            "manifests",
            "Manifests (ASC MHL, DCP packing lists)",
            "manifests[]",
        );
        let mut mt = Table::new(
            "man-table",
            &[
                ("Manifest", Col::Path),
                ("Kind", Col::Text),
                ("Files", Col::Num),
                ("Verified", Col::Num),
                ("Changed", Col::Num),
                ("Missing", Col::Num),
                ("Checked by", Col::Text),
            ],
        );
        for m in &r.manifests {
            let n = |x: usize| (x.to_string(), Some(x as f64));
            mt.row(&[
                t(show(&m.path)),
                t(m.kind),
                n(m.entries as usize),
                n(m.verified as usize),
                n(m.changed.len()),
                n(m.missing.len()),
                t(m.checked_by),
            ]);
        }
        mt.render(out);
        out.push_str("</section>");
    }

    section(out, "errors", "Problems", "errors[]");
    if r.errors.is_empty() {
        out.push_str("<p>No problems: every file was read, and nothing failed a check.</p>");
    } else {
        out.push_str("<ul class=\"problems\">");
        for line in
            crate::util::error::summary_lines(r.errors.iter().map(|e| (e.kind, e.path.as_str())))
        {
            let _ = write!(out, "<li>{}</li>", esc(&names.in_text(&line)));
        }
        out.push_str("</ul>");
    }
    let mut e = Table::new(
        "err-table",
        &[
            ("Path", Col::Path),
            ("Kind", Col::Text),
            ("Error", Col::Text),
        ],
    );
    for x in &r.errors {
        e.row(&[
            t(show(&x.path)),
            t(x.kind.label()),
            t(names.in_text(&x.error)),
        ]);
    }
    e.render(out);
    out.push_str("</section>");
}
