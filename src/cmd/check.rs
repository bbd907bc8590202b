//! `footprint check`: the CI gate for delivery folders, and `footprint targets`.

use crate::app::cli::{
    CheckArgs, CheckFormat, ColorWhen, ListFormat, ScanArgs, TargetsArgs, WeighArgs,
};
use crate::app::config::{Config, OutputFormat, Weigh};
use crate::probe::ProbeError;
use crate::report::{MediaItem, ProbeStatus, SCHEMA_VERSION, Tool};
use crate::targets::{RuleResult, Target, check};
use crate::util::error::Exit;
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One checked deliverable.
#[derive(Debug, Serialize)]
pub struct Deliverable {
    /// File, or package folder.
    pub path: String,
    /// The target it was checked against: `--target`, or its `[[check.rule]]`.
    pub target: String,
    /// `video`, `dcp` or `imf`.
    pub kind: &'static str,
    /// Its bytes (a package: all its files).
    pub bytes: u64,
    /// Its running time, seconds.
    pub duration_s: Option<f64>,
    /// Every rule passed.
    pub passed: bool,
    /// Each rule with measured value and limit.
    pub rules: Vec<RuleResult>,
}

/// What `check --format json` writes.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// JSON schema version.
    pub schema_version: u32,
    /// Tool.
    pub tool: Tool,
    /// RFC 3339 time.
    pub generated_at: String,
    /// The checked path.
    pub path: String,
    /// The `--target` (null when only `[[check.rule]]`s give targets).
    pub target: Option<Target>,
    /// True when every deliverable passed (and there was at least one).
    pub passed: bool,
    /// Deliverables, sorted by path.
    pub deliverables: Vec<Deliverable>,
    /// Problems met while checking.
    pub errors: Vec<crate::report::ErrorEntry>,
}

/// Runs `footprint check`.
pub fn run(args: &CheckArgs) -> Result<Exit> {
    if !args.path.exists() {
        bail!("{}: no such file or folder", args.path.display());
    }
    let root = std::fs::canonicalize(&args.path)?;
    let config_dir = if root.is_dir() {
        Some(root.as_path())
    } else {
        root.parent()
    };
    let weigh_args = WeighArgs {
        // `--target`, else a placeholder never used (rules give each path's).
        targets: vec![args.target.clone().unwrap_or_else(|| "dcp".into())],
        config: args.config.clone(),
        ..WeighArgs::default()
    };
    let (weigh, config_excludes) = Weigh::resolve(&weigh_args, config_dir)?;
    if args.target.is_none() && weigh.check_rules.is_empty() {
        bail!("give --target ID, or targets per path in footprint.toml ([[check.rule]])");
    }
    let default_target = args.target.as_ref().map(|_| weigh.targets[0].clone());
    // The target of a deliverable: the first `[[check.rule]]` its path
    // (relative to the checked folder) matches, else `--target`.
    let target_for = |path: &Path| -> Option<Target> {
        let rel = path.strip_prefix(&root).unwrap_or(path);
        weigh
            .check_rules
            .iter()
            .find(|(glob, _)| glob.is_match(rel))
            .map(|(_, t)| t.clone())
            .or_else(|| default_target.clone())
    };
    let scan = ScanArgs {
        paths: vec![root.clone()],
        output: None,
        threads: None,
        io_threads: None,
        exclude: args
            .exclude
            .iter()
            .cloned()
            .chain(config_excludes)
            .collect(),
        follow_links: false,
        one_file_system: false,
        quiet: args.quiet,
        verbose: false,
        color: ColorWhen::Never,
        width: None,
        no_cache: false,
        cache_dir: None,
        folder_overlap: 0.5,
        across_roots: false,
    };
    // The audit's own report is never rendered here: it needs nothing
    // prepared for a renderer (`Needs::default()` below).
    let mut cfg = Config::scan(&scan, OutputFormat::Table)?;
    cfg.hash = false;
    cfg.apply_probe(&args.probe)?;
    let mut sink = crate::app::output::Sink::open(args.output.as_deref())?;
    let log = crate::util::progress::Progress::new(cfg.progress, cfg.warnings);
    let report = match crate::cmd::audit::pipeline(&cfg, &log, crate::report::Needs::default()) {
        Ok(r) => r,
        Err(crate::cmd::stages::AuditError::Interrupted) => {
            sink.discard();
            return Ok(Exit::Interrupted);
        }
        Err(e) => {
            sink.discard();
            return Err(e.into());
        }
    };
    let mut deliverables = Vec::new();
    let ffprobe = std::cell::OnceCell::new();
    // Package track files were probed as media items: their facts are reused.
    let facts = crate::manifest::package::media_facts(&report.media);
    for m in &report.media {
        let inside = report
            .packages
            .iter()
            .any(|p| Path::new(&m.path).starts_with(p));
        if m.kind == crate::classify::Kind::Video && !inside {
            let Some(target) = target_for(Path::new(&m.path)) else {
                deliverables.push(untargeted(&m.path, "video", m.bytes, m.duration_s));
                continue;
            };
            let stream = stream_format(&target, Path::new(&m.path), &cfg, &ffprobe);
            deliverables.push(Deliverable {
                target: target.id.clone(),
                rules: check(&target, m, m.bytes, m.duration_s, stream.as_ref()),
                path: m.path.clone(),
                kind: "video",
                bytes: m.bytes,
                duration_s: m.duration_s,
                passed: false,
            });
        }
    }
    for p in &report.packages {
        let (m, kind, bytes, duration) = package_item(p, &cfg);
        let shown = crate::util::pathfmt::display(p);
        let Some(target) = target_for(p) else {
            deliverables.push(untargeted(&shown, kind, bytes, duration));
            continue;
        };
        // The package as a package first (ASSETMAP, PKL, CPL, essence), then
        // the target's budget and stream rules.
        let mut rules = package_rules(p, args.verify, &facts);
        rules.extend(check(&target, &m, bytes, duration, None));
        deliverables.push(Deliverable {
            target: target.id.clone(),
            rules,
            path: crate::util::pathfmt::display(p),
            kind,
            bytes,
            duration_s: duration,
            passed: false,
        });
    }
    for d in &mut deliverables {
        // `info` rules (encrypted essence, hashes not verified) say, not judge.
        d.passed = d.rules.iter().all(|r| r.status != "fail");
    }
    deliverables.sort_by(|a, b| a.path.cmp(&b.path));
    let passed = !deliverables.is_empty() && deliverables.iter().all(|d| d.passed);
    let out = CheckReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool::default(),
        generated_at: crate::util::timefmt::rfc3339(std::time::SystemTime::now()),
        path: crate::util::pathfmt::display(&root),
        target: default_target.clone(),
        passed,
        deliverables,
        errors: report.errors,
    };
    let w = sink.writer();
    match args.format {
        CheckFormat::Json => {
            crate::report::json::document(&out, w)?;
        }
        CheckFormat::Junit => write_junit(&out, w)?,
        CheckFormat::Table => write_text(&out, w)?,
    }
    w.flush().context("cannot write the result")?;
    sink.commit()?;
    Ok(if passed {
        Exit::Success
    } else {
        Exit::CheckFailed
    })
}

/// Probes a package's MXF files: the picture gives the video facts, every
/// track its audio; bytes are all the package's files; duration from its CPL.
fn package_item(dir: &Path, cfg: &Config) -> (MediaItem, &'static str, u64, Option<f64>) {
    let mut files = Vec::new();
    list_files(dir, &mut files);
    files.sort();
    let bytes = files
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum();
    let longest = files
        .iter()
        .filter(|f| crate::classify::extension(f).as_deref() == Some("xml"))
        .filter_map(|f| crate::targets::runtime::read_cpl(f).ok())
        .max_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let kind = longest.as_ref().map_or("dcp", |c| c.package);
    let cpl = longest.map(|c| c.seconds);
    let mut m = MediaItem {
        path: crate::util::pathfmt::display(dir),
        kind: crate::classify::Kind::Dcp,
        bytes,
        container: Some("mxf".into()),
        duration_s: cpl,
        bit_rate: None,
        bit_rate_estimated: true,
        video: None,
        audio: Vec::new(),
        timecode: None,
        sequence: None,
        segments: None,
        package: None,
        probe: ProbeStatus {
            source: "none",
            error: None,
        },
    };
    let (readers, missing) =
        crate::probe::Readers::locate(cfg.probe_with, cfg.ffprobe.as_deref(), cfg.probe_timeout);
    for f in files
        .iter()
        .filter(|f| crate::classify::extension(f).as_deref() == Some("mxf"))
    {
        let size = f.metadata().map(|md| md.len()).unwrap_or(0);
        let Some((result, source)) = readers.probe(f, size) else {
            if let Some(e) = &missing {
                m.probe.error = Some(e.to_string());
            }
            continue;
        };
        m.probe.source = source;
        match result {
            Ok(info) => {
                if m.video.is_none()
                    && let Some(mut v) = info.video
                {
                    let secs = cpl.or(info.duration_s).filter(|d| *d > 0.0);
                    // The picture track's own rate: its bytes over the running time.
                    let rate = secs.map(|d| (size as f64 * 8.0 / d) as u64);
                    v.bit_rate = v.bit_rate.or(rate);
                    m.bit_rate = rate;
                    m.duration_s = m.duration_s.or(info.duration_s);
                    m.video = Some(v);
                }
                m.audio.extend(info.audio);
            }
            Err(ProbeError::Empty) => {}
            Err(e) => m.probe.error = Some(format!("{}: {e}", f.display())),
        }
    }
    let d = m.duration_s;
    (m, kind, bytes, d)
}

/// "bluray (Blu-ray (BD-25/50, 1080p))", and the per-path targets used.
fn against(r: &CheckReport) -> String {
    let mut used: Vec<&str> = r.deliverables.iter().map(|d| d.target.as_str()).collect();
    used.sort_unstable();
    used.dedup();
    used.retain(|t| !t.is_empty() && r.target.as_ref().is_none_or(|d| d.id != *t));
    let mut out = match &r.target {
        Some(t) => format!("{} ({})", t.id, t.name),
        None => String::new(),
    };
    if !used.is_empty() {
        let sep = if out.is_empty() { "" } else { "; " };
        out = format!("{out}{sep}per path: {}", used.join(", "));
    }
    out
}

/// A deliverable no `[[check.rule]]` matches, without `--target`: it fails.
fn untargeted(path: &str, kind: &'static str, bytes: u64, duration_s: Option<f64>) -> Deliverable {
    Deliverable {
        path: path.to_string(),
        target: String::new(),
        kind,
        bytes,
        duration_s,
        passed: false,
        rules: vec![RuleResult::text(
            "target",
            false,
            "no [[check.rule]] matches this path".into(),
            "a target: --target, or a [[check.rule]] in footprint.toml".into(),
        )],
    }
}

/// The video stream's level and scan, from ffprobe, for a target that lists
/// whole formats (Blu-ray); `None` otherwise, or when ffprobe cannot answer
/// (the `format` rule then fails as unknown).
fn stream_format(
    target: &Target,
    path: &Path,
    cfg: &Config,
    ffprobe: &std::cell::OnceCell<Option<crate::probe::ffprobe::Ffprobe>>,
) -> Option<crate::probe::ffprobe::StreamFormat> {
    if target.formats.is_empty() {
        return None;
    }
    // Located once per run, on the first deliverable that needs it.
    let ff = ffprobe.get_or_init(|| {
        crate::probe::ffprobe::Ffprobe::locate(cfg.ffprobe.as_deref(), cfg.probe_timeout).ok()
    });
    ff.as_ref()?.stream_format(path).ok()
}

/// The package rules of `crate::manifest::package`, as check rules; track
/// files probed with the run's readers.
fn package_rules(
    dir: &Path,
    verify: bool,
    facts: &dyn Fn(&Path) -> Option<crate::manifest::package::TrackFacts>,
) -> Vec<RuleResult> {
    crate::manifest::package::check(dir, verify, facts)
        .into_iter()
        .map(|r| RuleResult {
            status: r.status,
            ..RuleResult::text(r.rule, true, r.detail, package_limit(r.rule).to_string())
        })
        .collect()
}

/// The specification each package rule applies.
fn package_limit(rule: &str) -> &'static str {
    match rule {
        "assetmap" => "SMPTE ST 429-9: every asset mapped to a file in the package",
        "pkl" | "pkl_assets" => "SMPTE ST 429-8: every asset present with its size",
        "pkl_hashes" => "SMPTE ST 429-8: every asset's SHA-1 as listed",
        "cpl" | "cpl_assets" => {
            "SMPTE ST 429-7 / ST 2067-3: every resource in the PKL and ASSETMAP"
        }
        "cpl_durations" => "entry point + duration ≤ intrinsic duration ≤ the track file's",
        "reel_duration" => "SMPTE ST 429-2: a reel lasts at least 1 s",
        "edit_rates" => "the CPL's edit rate is the track file's",
        "picture" => "DCI DCSS: JPEG 2000, DCI container, 24/25/30/48/50/60 fps",
        "sound" => "DCI DCSS: PCM 24-bit, 48 or 96 kHz",
        _ => "",
    }
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        match e.file_type() {
            Ok(t) if t.is_dir() => list_files(&e.path(), out),
            Ok(t) if t.is_file() => out.push(e.path()),
            _ => {}
        }
    }
}

fn write_text(r: &CheckReport, w: &mut dyn Write) -> std::io::Result<()> {
    for d in &r.deliverables {
        writeln!(
            w,
            "{} {} ({})",
            if d.passed { "PASS" } else { "FAIL" },
            d.path,
            d.kind
        )?;
        for rule in &d.rules {
            writeln!(
                w,
                "  {:4} {:17} {} (limit {})",
                rule.status, rule.rule, rule.shown_measured, rule.shown_limit
            )?;
        }
    }
    if r.deliverables.is_empty() {
        writeln!(
            w,
            "FAIL no deliverable (video file or DCP/IMF package) found in {}",
            r.path
        )?;
    }
    let failed = r.deliverables.iter().filter(|d| !d.passed).count();
    writeln!(
        w,
        "{}: {} deliverable(s), {} failed, against {}.",
        if r.passed { "PASSED" } else { "FAILED" },
        r.deliverables.len(),
        failed,
        against(r)
    )
}

/// Text for an XML attribute: the report's escaping, plus control
/// characters (not allowed in XML 1.0) written as `\xNN`.
fn xml_escape(s: &str) -> String {
    let visible: String = s
        .chars()
        .map(|c| match c {
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {
                format!("\\x{:02X}", c as u32)
            }
            c => c.to_string(),
        })
        .collect();
    crate::report::svg::esc(&visible)
}

fn write_junit(r: &CheckReport, w: &mut dyn Write) -> std::io::Result<()> {
    let tests: usize = r
        .deliverables
        .iter()
        .map(|d| d.rules.len())
        .sum::<usize>()
        .max(1);
    let failures: usize = r
        .deliverables
        .iter()
        .flat_map(|d| &d.rules)
        .filter(|x| x.status == "fail")
        .count()
        + usize::from(r.deliverables.is_empty());
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<testsuites name="footprint check" tests="{tests}" failures="{failures}">"#
    )?;
    writeln!(
        w,
        r#"  <testsuite name="{}" tests="{tests}" failures="{failures}">"#,
        xml_escape(&match &r.target {
            Some(t) if r.deliverables.iter().all(|d| d.target == t.id) => {
                format!("footprint check --target {}", t.id)
            }
            _ => format!("footprint check against {}", against(r)),
        })
    )?;
    if r.deliverables.is_empty() {
        writeln!(
            w,
            r#"    <testcase classname="{}" name="deliverables"><failure message="no deliverable found"/></testcase>"#,
            xml_escape(&r.path)
        )?;
    }
    for d in &r.deliverables {
        for rule in &d.rules {
            let head = format!(
                r#"    <testcase classname="{}" name="{}""#,
                xml_escape(&d.path),
                rule.rule
            );
            if rule.status == "pass" {
                writeln!(w, "{head}/>")?;
            } else if rule.status == "info" {
                writeln!(
                    w,
                    r#"{head}><system-out>{}</system-out></testcase>"#,
                    xml_escape(&rule.shown_measured)
                )?;
            } else {
                writeln!(
                    w,
                    r#"{head}><failure message="{}"/></testcase>"#,
                    xml_escape(&format!(
                        "measured {}, limit {}",
                        rule.shown_measured, rule.shown_limit
                    ))
                )?;
            }
        }
    }
    writeln!(w, "  </testsuite>\n</testsuites>")
}

/// Runs `footprint targets`.
pub fn list(args: &TargetsArgs) -> Result<Exit> {
    let cwd = std::env::current_dir().ok();
    let weigh_args = WeighArgs {
        config: args.config.clone(),
        ..WeighArgs::default()
    };
    let (weigh, _) = Weigh::resolve(&weigh_args, cwd.as_deref())?;
    let mut out = std::io::stdout().lock();
    match args.format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &weigh.all_targets)?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            for t in &weigh.all_targets {
                writeln!(
                    out,
                    "{:14} {}\n               budget {:.1} Mbit/s of runtime ({:.1} GB/h)",
                    t.id,
                    t.name,
                    t.budget_bit_rate as f64 / 1e6,
                    t.budget_bit_rate as f64 * 3600.0 / 8e9
                )?;
                for s in &t.sources {
                    writeln!(out, "               source: {s}")?;
                }
            }
        }
    }
    Ok(Exit::Success)
}
