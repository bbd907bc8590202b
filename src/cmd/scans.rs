//! `footprint diff` and `footprint fleet`: commands over saved scans.

use crate::app::cli::{DiffArgs, FleetArgs, ListFormat, ScanReadArgs};
use crate::catalog::{diff, fleet};
use crate::report::scans::{DiffReport, FleetReport};
use crate::report::table::TableStyle;
use crate::util::error::Exit;
use anyhow::{Result, anyhow, bail};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// `footprint diff OLD NEW`.
pub fn diff(args: &DiffArgs) -> Result<Exit> {
    let limit = args
        .fail_on_growth
        .as_deref()
        .map(parse_percent)
        .transpose()?;
    let old = diff::load(&args.old).map_err(|e| anyhow!(e))?;
    let new = diff::load(&args.new).map_err(|e| anyhow!(e))?;
    let d = diff::compare(old, new);
    print(
        &args.out,
        |st, w| crate::report::scans::write_diff(&d, st, w),
        &DiffReport {
            schema_version: 1,
            tool: crate::report::Tool::default(),
            diff: &d,
        },
    )?;
    if let Some(limit) = limit {
        // An empty OLD that gained bytes grew without bound.
        let grew = match d.growth_percent {
            Some(p) => p > limit,
            None => d.growth_bytes > 0,
        };
        if grew {
            eprintln!(
                "footprint: grew {}{} (limit {limit}%)",
                d.growth_percent
                    .map_or("from nothing".into(), |p| format!("{p:.1}%")),
                if d.growth_bytes > 0 {
                    format!(", {} bytes", d.growth_bytes)
                } else {
                    String::new()
                },
            );
            return Ok(Exit::CheckFailed);
        }
    }
    Ok(Exit::Success)
}

/// `5%`, `5` or `0.5` percent.
fn parse_percent(text: &str) -> Result<f64> {
    let n: f64 = text
        .trim()
        .trim_end_matches('%')
        .trim()
        .parse()
        .map_err(|_| anyhow!("--fail-on-growth {text:?}: give a percentage, as 5% or 0.5"))?;
    if !n.is_finite() || n < 0.0 {
        bail!("--fail-on-growth {text:?}: give a percentage of 0 or more");
    }
    Ok(n)
}

/// `footprint fleet MANIFEST...`.
pub fn fleet(args: &FleetArgs) -> Result<Exit> {
    let files = expand(&args.manifests)?;
    if files.is_empty() {
        bail!("no manifest (*.parquet) found in {}", list(&args.manifests));
    }
    let quiet = !std::io::stderr().is_terminal();
    if !quiet {
        eprintln!("footprint: reading {} manifests…", files.len());
    }
    let f = fleet::assess(&files).map_err(|e| anyhow!(e))?;
    print(
        &args.out,
        |st, w| crate::report::scans::write_fleet(&f, st, w),
        &FleetReport {
            schema_version: 1,
            tool: crate::report::Tool::default(),
            fleet: &f,
        },
    )?;
    Ok(Exit::Success)
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn style(a: &ScanReadArgs) -> TableStyle {
    use crate::app::{cli::ColorWhen, config::OutputFormat};
    let color = crate::app::config::color(ColorWhen::Auto, OutputFormat::Table, false);
    super::fitted_style(color, std::io::stdout().is_terminal(), a.width, a.top)
}

/// Writes `table` or `json` (with `schema_version` and `tool`) to stdout.
fn print<T: serde::Serialize>(
    a: &ScanReadArgs,
    table: impl FnOnce(&TableStyle, &mut dyn Write) -> std::io::Result<()>,
    json: &T,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match a.format {
        ListFormat::Table => table(&style(a), &mut out)?,
        ListFormat::Json => crate::report::json::document(json, &mut out)?,
    }
    out.flush()?;
    Ok(())
}

/// Files as given, folders searched for `*.parquet` (a Hive layout is
/// folders of folders), globs matched; sorted, each once. Half-written
/// manifests (`.NAME.part`) are skipped.
fn expand(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for a in args {
        let text = a.to_string_lossy();
        if a.is_file() {
            out.push(a.clone());
        } else if a.is_dir() {
            parquet_below(a, &|_| true, &mut out)?;
        } else if text.contains(['*', '?', '[']) {
            let glob = globset::GlobBuilder::new(&text)
                .literal_separator(true)
                .build()
                .map_err(|e| anyhow!("{text}: {e}"))?
                .compile_matcher();
            // Walk from the deepest folder without a wildcard.
            let base: PathBuf = a
                .components()
                .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[']))
                .collect();
            let base = if base.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                base
            };
            let before = out.len();
            if base.is_dir() {
                parquet_below(&base, &|p| glob.is_match(strip_dot(p)), &mut out)?;
            }
            if out.len() == before {
                bail!("{text}: no manifest matches");
            }
        } else {
            bail!("{}: no such file or folder", a.display());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// `./x` as `x`, so that a relative glob matches the walked paths.
fn strip_dot(p: &Path) -> &Path {
    p.strip_prefix(".").unwrap_or(p)
}

fn parquet_below(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| anyhow!("{}: {e}", dir.display()))?;
    for e in entries {
        let e = e.map_err(|e| anyhow!("{}: {e}", dir.display()))?;
        let p = e.path();
        let t = e.file_type()?;
        let name = e.file_name();
        let name = name.to_string_lossy();
        if t.is_dir() {
            parquet_below(&p, keep, out)?;
        } else if name.ends_with(".parquet") && !name.starts_with('.') && keep(&p) {
            out.push(p);
        }
    }
    Ok(())
}
