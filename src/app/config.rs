//! Validated settings, free of clap types. Everything downstream takes `&Config`.

use crate::app::cli::{AuditArgs, ColorWhen, DupesArgs, DupesFormat, Format, ScanArgs, WeighArgs};
use crate::app::projectfile::{self, ProjectFile};
use crate::report::export::ExportFormat;
use crate::targets::{self, Target};
use crate::walk::{Excludes, WalkConfig};
use crate::{co2, targets::runtime};
use anyhow::{Context, Result, bail};
use std::io::IsTerminal;
use std::path::Path;
use std::path::PathBuf;
use std::time::Duration;

/// Concurrent readers when neither --io-threads nor -j is given (fclones'
/// best setting on a 2-core machine was also 8: benches/compare_dupes.sh).
pub const DEFAULT_IO_THREADS: usize = 8;

/// Every report format, across commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// Tables for people.
    Table,
    /// One JSON document.
    Json,
    /// fdupes-style path list (`dupes` only).
    List,
    /// Self-contained HTML page (`audit` only).
    Html,
    /// CSV rows (`audit` only).
    Csv,
}

/// Settings for `footprint audit` and `footprint dupes`.
#[derive(Debug, Clone)]
pub struct Config {
    /// Walk settings.
    pub walk: WalkConfig,
    /// Report format.
    pub format: OutputFormat,
    /// `--export-list` destination and format.
    pub export: Option<(PathBuf, ExportFormat)>,
    /// Report destination; `None` is stdout.
    pub output: Option<PathBuf>,
    /// Worker threads (classify, probe).
    pub threads: usize,
    /// Concurrent readers (walk, hash).
    pub io_threads: usize,
    /// Draw progress bars on stderr.
    pub progress: bool,
    /// Print warnings on stderr (a summary line per kind of problem).
    pub warnings: bool,
    /// Print every per-file warning as it happens (`--verbose`).
    pub verbose: bool,
    /// `--fail-on`: problem classes that make the exit code 1.
    pub fail_on: Vec<crate::util::error::FailOn>,
    /// Color the table.
    pub color: bool,
    /// Run the probe stage.
    pub probe: bool,
    /// Run the hash stage.
    pub hash: bool,
    /// Hash every non-empty file in full (`--hash all`).
    pub hash_all: bool,
    /// `--manifest`: the Parquet manifest to write.
    pub manifest: Option<PathBuf>,
    /// `--host`: the host name a manifest records.
    pub host: Option<String>,
    /// Explicit ffprobe binary.
    pub ffprobe: Option<PathBuf>,
    /// Per-file ffprobe timeout.
    pub probe_timeout: Duration,
    /// Which readers probe.
    pub probe_with: crate::probe::ProbeWith,
    /// Heaviest folders listed in the table.
    pub top: usize,
    /// Levels below each root the folder view goes down to.
    pub depth: usize,
    /// `--width`: table width; `Some(0)` for no limit.
    pub width: Option<u16>,
    /// Targets and CO₂ assumptions.
    pub weigh: Weigh,
    /// Re-hash files listed in ASC MHL histories.
    pub verify_mhl: bool,
    /// Re-hash assets listed in DCP/IMF packing lists.
    pub verify_dcp: bool,
    /// Clip folders for copy counts: this many levels below each root.
    pub clip_depth: Option<usize>,
    /// The cache folder; `None` with --no-cache.
    pub cache_dir: Option<PathBuf>,
    /// Duplicate and overlapping folders.
    pub folders: crate::waste::folders::Options,
}

/// Delivery targets, runtime and CO₂ assumptions, from options and footprint.toml.
#[derive(Debug, Clone)]
pub struct Weigh {
    /// Runtime given by `--runtime` or the config, with its source.
    pub runtime: Option<(f64, &'static str)>,
    /// Targets to weigh against.
    pub targets: Vec<Target>,
    /// Every known target (built-in and custom).
    pub all_targets: Vec<Target>,
    /// CO₂ assumptions.
    pub co2: crate::co2::Assumptions,
    /// The config file used, if any.
    pub config_path: Option<PathBuf>,
    /// `[[check.rule]]`: a target per path glob, first match wins.
    pub check_rules: Vec<(globset::GlobMatcher, Target)>,
}

impl Weigh {
    /// Resolves options over the config file over defaults. Returns the
    /// config's extra excludes too.
    pub fn resolve(args: &WeighArgs, first_root: Option<&Path>) -> Result<(Self, Vec<String>)> {
        let loaded =
            projectfile::load(args.config.as_deref(), first_root).map_err(anyhow::Error::msg)?;
        let (config_path, file) = match loaded {
            Some((p, f)) => (Some(p), f),
            None => (None, ProjectFile::default()),
        };
        let runtime = match (&args.runtime, &file.runtime) {
            (Some(r), _) => Some((
                runtime::parse_duration(r).map_err(anyhow::Error::msg)?,
                "--runtime",
            )),
            (None, Some(r)) => Some((
                runtime::parse_duration(r).map_err(anyhow::Error::msg)?,
                "config",
            )),
            (None, None) => None,
        };
        let mut all_targets = targets::builtin();
        for t in file.custom_targets {
            match all_targets.iter_mut().find(|b| b.id == t.id) {
                Some(b) => *b = t,
                None => all_targets.push(t),
            }
        }
        let ids: Vec<String> = if !args.targets.is_empty() {
            args.targets.clone()
        } else {
            file.targets
                .clone()
                .unwrap_or_else(|| vec!["bluray".into(), "dcp".into()])
        };
        let mut chosen: Vec<Target> = Vec::new();
        for id in &ids {
            let t = targets::find(&all_targets, id).map_err(anyhow::Error::msg)?;
            if !chosen.iter().any(|c| c.id == t.id) {
                chosen.push(t.clone());
            }
        }
        let grid_spec = match (&args.grid, &file.co2.grid) {
            (Some(g), _) => g.clone(),
            (None, Some(toml::Value::String(g))) => g.clone(),
            (None, Some(toml::Value::Float(f))) => f.to_string(),
            (None, Some(toml::Value::Integer(i))) => i.to_string(),
            (None, Some(_)) => bail!("co2.grid must be a zone id or a number"),
            (None, None) => "fr".into(),
        };
        let medium = match (args.medium, &file.co2.medium) {
            (Some(m), _) => m,
            (None, Some(m)) => <co2::Medium as clap::ValueEnum>::from_str(m, true)
                .map_err(|_| anyhow::anyhow!("co2.medium '{m}': use hdd, ssd, lto or cloud"))?,
            (None, None) => co2::Medium::Hdd,
        };
        let copies = args.copies.or(file.co2.copies).unwrap_or(3);
        let years = args.years.or(file.co2.years).unwrap_or(5.0);
        if copies == 0 {
            bail!("--copies must be at least 1");
        }
        if !(years.is_finite() && years > 0.0) {
            bail!("--years must be a positive number");
        }
        let co2 = co2::Assumptions {
            grid: co2::grid(&grid_spec).map_err(anyhow::Error::msg)?,
            medium,
            copies,
            years,
            pue: file.co2.pue,
        };
        let mut check_rules = Vec::new();
        for r in &file.check.rule {
            let glob = globset::Glob::new(&r.path)
                .with_context(|| format!("[[check.rule]] path '{}'", r.path))?;
            let t = targets::find(&all_targets, &r.target)
                .map_err(|e| anyhow::anyhow!("[[check.rule]] for '{}': {e}", r.path))?;
            check_rules.push((glob.compile_matcher(), t.clone()));
        }
        Ok((
            Weigh {
                runtime,
                targets: chosen,
                all_targets,
                co2,
                config_path,
                check_rules,
            },
            file.exclude,
        ))
    }
}

impl Config {
    /// Checks the probing options and sets them (`audit` and `check`).
    pub fn apply_probe(&mut self, args: &crate::app::cli::ProbeArgs) -> Result<()> {
        if !(args.probe_timeout.is_finite() && args.probe_timeout > 0.0) {
            bail!("--probe-timeout must be a positive number of seconds");
        }
        self.ffprobe = args.ffprobe.clone();
        self.probe_timeout = Duration::from_secs_f64(args.probe_timeout);
        self.probe_with = args.probe_with;
        Ok(())
    }

    /// The probe stage's settings.
    pub fn probe_settings(&self) -> crate::probe::stage::Settings {
        crate::probe::stage::Settings {
            with: self.probe_with,
            ffprobe: self.ffprobe.clone(),
            timeout: self.probe_timeout,
            threads: self.threads,
            io_threads: self.io_threads,
        }
    }

    /// Validates the `audit` arguments.
    pub fn from_audit(args: &AuditArgs) -> Result<Self> {
        let scan = &args.scan;
        let format = match args.format {
            Format::Table => OutputFormat::Table,
            Format::Json => OutputFormat::Json,
            Format::Html => OutputFormat::Html,
            Format::Csv => OutputFormat::Csv,
        };
        let export = args.export_list.as_ref().map(|f| {
            let fmt = args.export_format.unwrap_or_else(|| {
                if crate::classify::extension(f).as_deref() == Some("json") {
                    ExportFormat::Json
                } else {
                    ExportFormat::Lines
                }
            });
            (f.clone(), fmt)
        });
        let mut base = Config::scan(scan, format)?;
        let (weigh, extra) =
            Weigh::resolve(&args.weigh, base.walk.roots.first().map(PathBuf::as_path))?;
        if !extra.is_empty() {
            let mut all = scan.exclude.clone();
            all.extend(extra);
            base.walk.excludes = Excludes::new(&all)?;
        }
        let mut cfg = Config {
            export,
            weigh,
            probe: !args.no_probe,
            hash: !args.no_hash,
            hash_all: args.hash == Some(crate::app::cli::HashWhich::All),
            manifest: args.manifest.clone(),
            host: args.host.clone(),
            top: args.top,
            depth: usize::from(args.depth),
            verify_mhl: args.verify_mhl,
            verify_dcp: args.verify_dcp,
            clip_depth: args.clip_depth,
            fail_on: args.fail_on.clone(),
            ..base
        };
        cfg.apply_probe(&args.probe)?;
        Ok(cfg)
    }

    /// Validates the `dupes` arguments: walk and hash only.
    pub fn from_dupes(args: &DupesArgs) -> Result<Self> {
        let format = match args.format {
            DupesFormat::Table => OutputFormat::Table,
            DupesFormat::Json => OutputFormat::Json,
            DupesFormat::List => OutputFormat::List,
        };
        Ok(Config {
            probe: false,
            ..Config::scan(&args.scan, format)?
        })
    }

    /// Settings common to every scanning command, with stage defaults.
    pub(crate) fn scan(scan: &ScanArgs, format: OutputFormat) -> Result<Self> {
        Ok(Config {
            walk: walk_config(scan)?,
            format,
            export: None,
            output: scan.output.clone(),
            threads: threads(scan.threads)?,
            io_threads: match (scan.io_threads, scan.threads) {
                (Some(n), _) | (None, Some(n)) => threads(Some(n))?,
                (None, None) => DEFAULT_IO_THREADS,
            },
            progress: !scan.quiet && std::io::stderr().is_terminal(),
            warnings: !scan.quiet,
            verbose: scan.verbose,
            fail_on: Vec::new(),
            color: color(scan.color, format, scan.output.is_some()),
            cache_dir: if scan.no_cache {
                None
            } else {
                scan.cache_dir.clone().or_else(crate::cache::default_dir)
            },
            probe: true,
            hash: true,
            hash_all: false,
            manifest: None,
            host: None,
            ffprobe: None,
            probe_timeout: Duration::from_secs(30),
            probe_with: crate::probe::ProbeWith::Auto,
            top: 10,
            depth: 2,
            width: scan.width,
            verify_mhl: false,
            verify_dcp: false,
            clip_depth: None,
            folders: crate::waste::folders::Options {
                overlap: scan.folder_overlap,
                across_roots: scan.across_roots,
            },
            weigh: Weigh {
                runtime: None,
                targets: Vec::new(),
                all_targets: Vec::new(),
                co2: co2::Assumptions {
                    grid: co2::GRIDS[0],
                    medium: co2::Medium::Hdd,
                    copies: 3,
                    years: 5.0,
                    pue: None,
                },
                config_path: None,
                check_rules: Vec::new(),
            },
        })
    }
}

fn walk_config(scan: &ScanArgs) -> Result<WalkConfig> {
    // A missing or unopenable root stops the run here, before any scanning;
    // overlapping roots are folded so each file is counted once.
    let roots = crate::walk::roots::resolve(&scan.paths)?;
    Ok(WalkConfig {
        roots: roots.walk,
        folded: roots.folded,
        follow_links: scan.follow_links,
        one_file_system: scan.one_file_system,
        excludes: Excludes::new(&scan.exclude)?,
    })
}

fn threads(requested: Option<usize>) -> Result<usize> {
    match requested {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(2, |n| n.get())),
    }
}

/// Color rules shared by the model CLIs: auto means a terminal on stdout, NO_COLOR
/// unset or empty, and TERM not `dumb`. JSON is never colored.
pub(crate) fn color(when: ColorWhen, format: OutputFormat, to_file: bool) -> bool {
    if format != OutputFormat::Table {
        return false;
    }
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
            !to_file && !no_color && !dumb && std::io::stdout().is_terminal()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::path::Path;

    #[test]
    fn name_globs_match_any_component_name_and_path_globs_match_relative_paths() {
        let ex = Excludes::new(&[
            "*.tmp".into(),
            "CacheClip".into(),
            "PROJX/renders/**".into(),
        ])
        .unwrap();
        let chk = |name: &str, rel: &str| {
            ex.is_excluded(OsStr::new(name), Path::new(rel), Path::new("/abs"))
        };
        assert!(chk("a.tmp", "x/a.tmp"));
        assert!(chk("CacheClip", "Resolve/CacheClip"));
        assert!(chk("f.exr", "PROJX/renders/f.exr"));
        assert!(!chk("a.mov", "x/a.mov"));
        assert!(!chk("renders", "other/renders"));
    }

    #[test]
    fn bad_glob_is_a_usage_error() {
        assert!(Excludes::new(&["a[".into()]).is_err());
    }

    #[test]
    fn zero_threads_is_rejected() {
        assert!(threads(Some(0)).is_err());
        assert_eq!(threads(Some(3)).unwrap(), 3);
    }
}
