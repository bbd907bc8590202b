//! `footprint info FILE...`: each file's streams, read as the audit reads
//! them, with ffprobe's per-stream details when it is installed.

use crate::app::cli::{InfoArgs, ListFormat};
use crate::probe::detail::{self, FileDetail};
use crate::probe::{ProbeWith, Readers};
use crate::report::info::{InfoEntry, InfoReport};
use crate::util::error::Exit;
use anyhow::{Result, bail};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// Describes every file; exit 1 when one could not be described.
pub fn run(args: &InfoArgs) -> Result<Exit> {
    let p = &args.probe;
    if !(p.probe_timeout.is_finite() && p.probe_timeout > 0.0) {
        bail!("--probe-timeout must be a positive number of seconds");
    }
    let timeout = Duration::from_secs_f64(p.probe_timeout);
    let (readers, missing) = Readers::locate(p.probe_with, p.ffprobe.as_deref(), timeout);
    if let (ProbeWith::Ffprobe, Some(e)) = (p.probe_with, &missing) {
        bail!("{e} (--probe-with ffprobe needs it)");
    }
    let files: Vec<InfoEntry> = args.files.iter().map(|f| describe(&readers, f)).collect();
    let failed = files.iter().filter(|f| f.error.is_some()).count();
    let report = InfoReport {
        schema_version: 1,
        tool: crate::report::Tool::default(),
        files,
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        ListFormat::Table => crate::report::info::write_text(&report, &mut out)?,
        ListFormat::Json => crate::report::info::write_json(&report, &mut out)?,
    }
    out.flush()?;
    if failed > 0 {
        eprintln!(
            "footprint: {failed} of {} file{} could not be described{}",
            report.files.len(),
            if report.files.len() == 1 { "" } else { "s" },
            match missing {
                Some(e) if p.probe_with != ProbeWith::Native => format!(" ({e})"),
                _ => String::new(),
            }
        );
        return Ok(Exit::CheckFailed);
    }
    Ok(Exit::Success)
}

fn entry(path: &Path) -> InfoEntry {
    InfoEntry {
        path: crate::util::pathfmt::display(path),
        bytes: None,
        reader: None,
        error: None,
        detail: None,
    }
}

/// One file: the audit's answer (native first, as `--probe-with` says),
/// with every stream and its details from ffprobe when it can run.
fn describe(readers: &Readers, path: &Path) -> InfoEntry {
    let mut e = entry(path);
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(err) => {
            e.error = Some(match err.kind() {
                std::io::ErrorKind::NotFound => "no such file".into(),
                std::io::ErrorKind::PermissionDenied => "permission denied".into(),
                _ => err.to_string(),
            });
            return e;
        }
    };
    if meta.is_dir() {
        e.error = Some("a folder: `footprint audit` weighs folders, `info` reads files".into());
        return e;
    }
    if !meta.is_file() {
        e.error = Some("not a regular file (FIFO, socket or device): not read".into());
        return e;
    }
    e.bytes = Some(meta.len());
    let Some((answer, source)) = readers.probe(path, meta.len()) else {
        e.error = Some(
            "no reader: footprint does not read this format itself and ffprobe is not installed"
                .into(),
        );
        return e;
    };
    let audit = match answer {
        Ok(info) => info,
        Err(err) => {
            e.error = Some(err.to_string());
            e.reader = Some(source.into());
            return e;
        }
    };
    // ffprobe's whole answer carries every stream and its details.
    let full = match (readers.ffprobe(), readers.with) {
        (Some(ff), ProbeWith::Auto | ProbeWith::Ffprobe) => ff.probe_json(path).ok(),
        _ => None,
    };
    let (detail, reader): (FileDetail, String) = match (full, source) {
        (Some(v), "native") => {
            let mut d = detail::from_ffprobe(&v);
            detail::align_with(&mut d, &audit);
            (d, "native; stream details from ffprobe".into())
        }
        (Some(v), _) => {
            let mut d = detail::from_ffprobe(&v);
            detail::align_with(&mut d, &audit);
            (d, "ffprobe".into())
        }
        (None, s) => (detail::from_probe(&audit), s.into()),
    };
    let mut detail = detail;
    let shown = e.path.clone();
    detail.container = detail
        .container
        .map(|c| crate::probe::media::short_container(&c, &shown).to_string());
    e.reader = Some(reader);
    e.detail = Some(detail);
    e
}
