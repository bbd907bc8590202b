//! The shape of the code, kept true: layers only point down, and the
//! top-level modules form no import cycle (docs/ARCHITECTURE.md).
//!
//! Read from the `crate::` paths of every non-test line under `src/`: a
//! `use crate::report::Report` in `src/probe/stage.rs` is an edge from
//! `probe` to `report`. Test modules (from `#[cfg(test)]` on) and comments
//! are left out: tests may reach anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Layers, lowest first. A module may use its own layer (without cycles) and
/// the layers below it.
const LAYERS: &[(&str, &[&str])] = &[
    ("util", &["util"]),
    (
        "stage",
        &[
            "walk", "classify", "probe", "hash", "cache", "catalog", "manifest", "waste",
            "targets", "co2",
        ],
    ),
    ("report", &["report"]),
    ("app", &["app"]),
    ("cmd", &["cmd"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

/// Top-level modules a source text refers to through `crate::`.
fn references(source: &str) -> BTreeSet<String> {
    let code: String = source
        .split("#[cfg(test)]")
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a, b::c, d::{e, f}}`: the first name of each item.
            let mut depth = 0;
            let mut item_start = true;
            for (n, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_ascii_alphabetic() || c == '_') => {
                        out.insert(ident(&group[n..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Edges between top-level modules, from (path under src/, text) pairs.
fn graph(files: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in files {
        let top = path.split('/').next().unwrap().trim_end_matches(".rs");
        if top == "main" || top == "lib" {
            continue;
        }
        let deps = g.entry(top.to_string()).or_default();
        for r in references(text) {
            if r != top {
                deps.insert(r);
            }
        }
    }
    g
}

/// Every rule the graph breaks, in words.
fn violations(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for (m, deps) in g {
        let Some(lm) = layer_of(m) else {
            out.push(format!(
                "{m}: not in any layer (add it to LAYERS and the docs)"
            ));
            continue;
        };
        for d in deps {
            match layer_of(d) {
                Some(ld) if ld > lm => out.push(format!(
                    "{m} ({}) imports {d} ({}), a layer above it",
                    LAYERS[lm].0, LAYERS[ld].0
                )),
                None => out.push(format!("{m} imports {d}, which is in no layer")),
                _ => {}
            }
        }
    }
    // Cycles: depth-first search, reporting each back edge's loop once.
    fn visit(
        m: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        out: &mut Vec<String>,
    ) {
        if done.contains(m) {
            return;
        }
        if let Some(at) = stack.iter().position(|s| s == m) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(m.to_string());
            out.push(format!("import cycle: {}", cycle.join(" -> ")));
            return;
        }
        stack.push(m.to_string());
        for d in g.get(m).into_iter().flatten() {
            visit(d, g, stack, done, out);
        }
        stack.pop();
        done.insert(m.to_string());
    }
    let mut done = BTreeSet::new();
    for m in g.keys() {
        visit(m, g, &mut Vec::new(), &mut done, &mut out);
    }
    out
}

fn sources(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, base, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            out.push((rel, std::fs::read_to_string(&p).unwrap()));
        }
    }
}

#[test]
fn layers_point_down_and_modules_form_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &src, &mut files);
    let g = graph(&files);
    // Every layer is there: the test reads the real tree.
    for (_, modules) in LAYERS {
        for m in *modules {
            assert!(g.contains_key(*m), "no module {m} under src/");
        }
    }
    let v = violations(&g);
    assert!(v.is_empty(), "architecture broken:\n{}", v.join("\n"));
}

#[test]
fn at_most_eight_files_at_the_top_and_none_too_long() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let top: Vec<_> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    assert!(top.len() <= 8, "{} .rs files at src/: {top:?}", top.len());
    let mut files = Vec::new();
    sources(&src, &src, &mut files);
    for (path, text) in &files {
        // Binary format parsers are long tables of boxes and fields.
        if path.starts_with("probe/native/") {
            continue;
        }
        let n = text.lines().count();
        assert!(n <= 700, "{path} has {n} lines (at most 700)");
    }
}

#[test]
fn the_checker_catches_a_stage_importing_report_or_app_and_a_cycle() {
    let files = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    };
    let ok = files(&[
        ("walk/mod.rs", "use crate::util::error::FileError;"),
        (
            "probe/stage.rs",
            "use crate::{walk::FileEntry, classify::Kind};",
        ),
        ("report/mod.rs", "use crate::probe::MediaItem;"),
        (
            "cmd/audit.rs",
            "use crate::{app::config::Config, report::Report};",
        ),
    ]);
    assert!(violations(&graph(&ok)).is_empty());

    let up = files(&[(
        "probe/stage.rs",
        "use crate::{walk::FileEntry, report::MediaItem};\nfn f() { crate::app::config::x(); }",
    )]);
    let v = violations(&graph(&up));
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v[0].contains("probe (stage) imports app (app)"), "{v:?}");
    assert!(
        v[1].contains("probe (stage) imports report (report)"),
        "{v:?}"
    );

    let cycle = files(&[
        ("waste/versions.rs", "use crate::hash::x;"),
        (
            "hash/mod.rs",
            "// crate::report in a comment is no import\nuse crate::waste::Confidence;",
        ),
    ]);
    let v = violations(&graph(&cycle));
    assert_eq!(v, ["import cycle: hash -> waste -> hash"]);

    // Test modules may reach anything.
    let tests = files(&[(
        "walk/mod.rs",
        "fn a() {}\n#[cfg(test)]\nmod tests { use crate::cmd::x; }",
    )]);
    assert!(violations(&graph(&tests)).is_empty());
}
