//! HTML renderer: one self-contained page (inline CSS, SVG and a small script;
//! a Content-Security-Policy forbids any fetch), with charts, sortable and
//! filterable tables and a print stylesheet. Every name is escaped; the script
//! reads only the DOM's text, and no value reaches an event handler.

use super::html_tables::{Col, Table, b, t};
use super::svg::{Bar, RangeRow, Stack, bars, esc, ranges, stacked};
use super::{Report, codec_groups, headline};
use crate::util::units::{Bytes, format_duration};
use std::fmt::Write as _;
use std::io::{self, Write};

const STYLE: &str = include_str!("html.css");
const SCRIPT: &str = include_str!("html.js");

fn bytes_tick(v: f64) -> String {
    Bytes(v as u64).to_string()
}

pub(super) fn section(out: &mut String, id: &str, title: &str, json: &str) {
    let _ = write!(
        out,
        r#"<section id="{id}"><h2>{}</h2><p class="src">JSON: <code>{}</code></p>"#,
        esc(title),
        esc(json)
    );
}

fn overview(r: &Report, out: &mut String) {
    let s = &r.summary;
    let _ = write!(
        out,
        r#"<p class="headline">{}</p><div class="cards">"#,
        esc(&headline(r))
    );
    let mut card = |label: &str, value: String, json: &str| {
        let _ = write!(
            out,
            r#"<div class="card" title="JSON: {}"><div class="v">{}</div><div class="k">{}</div></div>"#,
            esc(json),
            esc(&value),
            esc(label)
        );
    };
    card("total size", Bytes(s.bytes).to_string(), "summary.bytes");
    card("files", s.files.to_string(), "summary.files");
    card(
        "media items",
        s.media_files.to_string(),
        "summary.media_files",
    );
    card(
        "running time",
        format_duration(s.media_duration_s),
        "summary.media_duration_s",
    );
    card(
        "reclaimable",
        Bytes(s.reclaimable_bytes).to_string(),
        "summary.reclaimable_bytes",
    );
    if let Some(c) = &r.co2 {
        card(
            "CO₂e per year (central)",
            super::table::mass(c.kg_per_year.central),
            "co2.kg_per_year.central",
        );
    }
    out.push_str("</div>");
    for f in &r.roots_folded {
        let _ = write!(
            out,
            r#"<p class="note" title="JSON: roots_folded[]">Root {} is {} {}: its files are counted once, under it.</p>"#,
            esc(&f.root),
            match f.overlap {
                crate::walk::roots::Overlap::Same => "the same folder as",
                crate::walk::roots::Overlap::Inside => "inside",
            },
            esc(&f.into)
        );
    }
}

fn targets(r: &Report, out: &mut String) {
    if r.targets.is_empty() {
        return;
    }
    section(
        out,
        "targets",
        "Weight against delivery targets",
        "targets[]",
    );
    let t0 = &r.targets[0];
    let _ = write!(
        out,
        "<p>Budgets for a runtime of {} (source: {}). Log scale: each grid line is ten times the last.</p>",
        esc(&format_duration(t0.runtime_s)),
        esc(t0.runtime_source)
    );
    let mut rows = vec![Bar {
        label: "This project".into(),
        value: r.summary.bytes as f64,
        text: Bytes(r.summary.bytes).to_string(),
        class: "b0",
    }];
    for t in &r.targets {
        rows.push(Bar {
            label: format!("{} budget", t.name),
            value: t.budget_bytes as f64,
            text: format!(
                "{} · the project is {} this",
                Bytes(t.budget_bytes),
                super::times(t.ratio)
            ),
            class: "b1",
        });
    }
    out.push_str(&bars(
        "Project weight against delivery targets",
        &rows,
        true,
        &bytes_tick,
    ));
    out.push_str("</section>");
}

fn composition(r: &Report, out: &mut String) {
    section(
        out,
        "kinds",
        "What it is made of",
        "by_kind, media[] by codec",
    );
    let mut kinds: Vec<Bar> = crate::classify::Kind::ALL
        .iter()
        .map(|&k| (k, r.by_kind.get(k)))
        .filter(|(_, t)| t.files > 0)
        .enumerate()
        .map(|(i, (k, t))| Bar {
            label: format!(
                "{} ({} file{})",
                k.label(),
                t.files,
                if t.files == 1 { "" } else { "s" }
            ),
            value: t.bytes as f64,
            text: Bytes(t.bytes).to_string(),
            class: ["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "muted"][i.min(8)],
        })
        .collect();
    kinds.sort_by(|a, b| b.value.total_cmp(&a.value));
    // Side by side on a wide window, one under the other on a narrow one.
    out.push_str(r#"<div class="charts"><div><h3>By kind</h3>"#);
    out.push_str(&bars("Weight by kind", &kinds, false, &bytes_tick));
    out.push_str("</div>");
    let codecs: Vec<Bar> = codec_groups(r)
        .into_iter()
        .take(15)
        .map(|g| Bar {
            label: format!("{} {}", g.codec, g.resolution),
            value: g.bytes as f64,
            text: format!(
                "{} · {} item{} · {}",
                Bytes(g.bytes),
                g.items,
                if g.items == 1 { "" } else { "s" },
                format_duration(g.seconds)
            ),
            class: "b2",
        })
        .collect();
    if !codecs.is_empty() {
        out.push_str("<div><h3>By codec and resolution</h3>");
        out.push_str(&bars(
            "Weight by codec and resolution",
            &codecs,
            false,
            &bytes_tick,
        ));
        out.push_str("</div>");
    }
    if !r.folders.is_empty() {
        out.push_str("<div><h3>Heaviest folders</h3>");
        let rows: Vec<Bar> = r
            .folders
            .iter()
            .take(15)
            .map(|f| Bar {
                label: r.names().show(&f.path).to_string(),
                value: f.bytes as f64,
                text: Bytes(f.bytes).to_string(),
                class: "b3",
            })
            .collect();
        out.push_str(&bars("Heaviest folders", &rows, false, &bytes_tick));
        out.push_str("</div>");
    }
    out.push_str("</div></section>");
}

fn reclaim(r: &Report, out: &mut String) {
    let s = &r.summary;
    section(
        out,
        "reclaim",
        "What you can reclaim",
        "summary.*_bytes, reclaim_top[]",
    );
    let rows = [
        ("Duplicate copies", s.duplicate_bytes, "b4"),
        ("Obsolete versions", s.obsolete_bytes, "b5"),
        ("Regenerable caches", s.regenerable_bytes, "b6"),
        ("Total (no byte twice)", s.reclaimable_bytes, "b0"),
    ]
    .map(|(l, v, c)| Bar {
        label: l.into(),
        value: v as f64,
        text: format!(
            "{} ({:.1}%)",
            Bytes(v),
            v as f64 * 100.0 / s.bytes.max(1) as f64
        ),
        class: c,
    });
    out.push_str(&bars(
        "Reclaimable space by category",
        &rows,
        false,
        &bytes_tick,
    ));
    out.push_str("<p>Nothing was deleted: these are candidates for review.</p>");
    let mut table = Table::new(
        "reclaim-top",
        &[
            ("Item", Col::Path),
            ("Category", Col::Text),
            ("Size", Col::Num),
            ("Reason", Col::Text),
        ],
    );
    let names = r.names();
    let mut seen = std::collections::HashSet::new();
    for i in r
        .reclaim_top
        .iter()
        .filter(|i| seen.insert(i.path.as_str()))
    {
        table.row(&[
            t(names.show(&i.path)),
            t(i.category.label()),
            b(i.bytes),
            t(names.in_text(&i.reason)),
        ]);
    }
    table.render(out);
    out.push_str("</section>");
}

fn co2(r: &Report, out: &mut String) {
    let Some(c) = &r.co2 else {
        return;
    };
    let a = &c.assumptions;
    section(out, "co2", "CO₂ of keeping it stored", "co2");
    let row = |label: &str, x: &crate::co2::Range, class| RangeRow {
        label: label.into(),
        low: x.low,
        central: x.central,
        high: x.high,
        class,
        text: super::table::mass_range(x),
    };
    out.push_str(&ranges(
        "CO₂e per year, central with low–high range",
        &[
            row(
                "Operational (electricity)",
                &c.operational_kg_per_year,
                "b1",
            ),
            row("Embodied (manufacturing)", &c.embodied_kg_per_year, "b5"),
            row("Total per year", &c.kg_per_year, "b0"),
            row(
                "Reclaimable share (allocated)",
                &c.reclaimable_kg_per_year,
                "muted",
            ),
        ],
    ));
    let _ = write!(
        out,
        "<p>{} copies on {}, kept {} years, grid {} ({} kg CO₂e/kWh). Over {} years: {}.</p><p class=\"note\">{}</p><details><summary>Sources</summary><ul>",
        a.copies,
        esc(&format!("{:?}", a.medium).to_lowercase()),
        a.years,
        esc(a.grid_zone),
        a.grid_kg_per_kwh,
        a.years,
        esc(&super::table::mass_range(&c.kg_total)),
        esc(c.note)
    );
    for s in &c.sources {
        let _ = write!(out, "<li>{}</li>", esc(s));
    }
    out.push_str("</ul></details></section>");
}

fn copies(r: &Report, out: &mut String) {
    if r.copies.is_empty() {
        return;
    }
    section(
        out,
        "copies",
        "Copies across roots",
        "copies[], clip_copies[]",
    );
    let rows: Vec<Stack> = r
        .copies
        .iter()
        .map(|c| Stack {
            label: r.names().show(&c.root).into_owned(),
            parts: vec![
                (
                    c.bytes_elsewhere as f64,
                    "b2",
                    format!("also on another root: {}", Bytes(c.bytes_elsewhere)),
                ),
                (
                    c.bytes_unique as f64,
                    "warn",
                    format!("only here: {}", Bytes(c.bytes_unique)),
                ),
            ],
            text: super::consolidate::wipe_verdict(c),
        })
        .collect();
    out.push_str(&stacked(
        "Bytes also elsewhere (blue) and only here (red), per root",
        &rows,
    ));
    let mut table = Table::new(
        "clips",
        &[
            ("Clip folder", Col::Path),
            ("Files", Col::Num),
            ("Size", Col::Num),
            ("Copies", Col::Num),
            ("Status", Col::Text),
        ],
    );
    let names = r.names();
    for c in &r.clip_copies {
        table.row(&[
            t(names.show(&c.path)),
            (c.files.to_string(), Some(c.files as f64)),
            b(c.bytes),
            match c.copies {
                Some(n) => (n.to_string(), Some(f64::from(n))),
                None => ("unknown".into(), None),
            },
            t(super::consolidate::clip_status(c.status)),
        ]);
    }
    table.render(out);
    out.push_str("</section>");
}

/// A problem the user must act on (a gap, an MHL or package failure, a file
/// not read) is said at the top, not only in the Problems section at the end.
fn problems_first(r: &Report, out: &mut String) {
    if r.errors.is_empty() {
        return;
    }
    let _ = write!(
        out,
        r##"<div class="alert" role="alert"><strong>{} problem{}</strong> (<a href="#errors">Problems</a>):<ul>"##,
        r.errors.len(),
        if r.errors.len() == 1 { "" } else { "s" }
    );
    let names = r.names();
    for line in
        crate::util::error::summary_lines(r.errors.iter().map(|e| (e.kind, e.path.as_str())))
    {
        let _ = write!(out, "<li>{}</li>", esc(&names.in_text(&line)));
    }
    out.push_str("</ul></div>");
}

/// Writes the page.
pub fn write(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    let mut out = String::with_capacity(64 * 1024 + r.media.len() * 400);
    let roots = r.header.roots.join(", ");
    let _ = write!(
        out,
        r##"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"><meta name="generator" content="footprint {}"><title>footprint: {}</title><style>{STYLE}</style></head><body><header><h1>footprint report</h1><p class="meta">{} · {} · footprint {} · schema {}</p><nav><a href="#targets">Targets</a> <a href="#kinds">Composition</a> <a href="#reclaim">Reclaim</a> <a href="#co2">CO₂</a> <a href="#media">Media</a> <a href="#duplicates">Duplicates</a> <a href="#versions">Versions</a> <a href="#errors">Problems</a></nav></header><main>"##,
        esc(r.header.tool.version),
        esc(&roots),
        esc(&roots),
        esc(&r.header.generated_at),
        esc(r.header.tool.version),
        r.header.schema_version
    );
    overview(r, &mut out);
    problems_first(r, &mut out);
    targets(r, &mut out);
    composition(r, &mut out);
    reclaim(r, &mut out);
    co2(r, &mut out);
    copies(r, &mut out);
    super::html_tables::tables(r, &mut out);
    let _ = writeln!(
        out,
        "</main><footer>Every number on this page is in the JSON report (<code>footprint audit --format json</code>), under the field named in each section. Sizes are decimal (1 GB = 10⁹ bytes).</footer><script>{SCRIPT}</script></body></html>"
    );
    w.write_all(out.as_bytes())
}
