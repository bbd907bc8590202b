//! Command-line interface: clap definitions only, no logic.
//!
//! Doc comments are the long `--help`; `help = ...` would be the short one.
//! Validation and defaults that need the environment live in `config.rs`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Audit the storage weight of film, TV and animation post-production.
///
/// footprint walks project drives, probes every media file, finds what can be
/// reclaimed and reports what the project weighs. It never modifies, moves or
/// deletes anything inside the folders it scans.
#[derive(Debug, Parser)]
#[command(name = "footprint", version, max_term_width = 100)]
#[command(
    after_long_help = "Exit codes: 0 audit completed (per-file problems are listed in the \
report's errors), 1 a check failed, 2 usage or fatal error, 130 interrupted."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Walk, classify, probe and weigh one or more project volumes.
    ///
    /// Reports the weight against delivery targets (DCP, Blu-ray…), by kind and
    /// codec, the heaviest folders, what can be reclaimed (duplicate copies,
    /// obsolete versions, regenerable caches), copies across drives, ASC MHL
    /// and DCP manifests, and the CO₂ of keeping it stored. Nothing inside the
    /// scanned folders is ever modified; re-audits of unchanged files use the
    /// cache (~/.cache/footprint) and read nothing.
    #[command(after_long_help = "Examples:
  footprint audit /Volumes/PROJX_A /Volumes/PROJX_B
  footprint audit --format json -o audit.json /mnt/raid/PROJX
  footprint audit --format html -o report.html --runtime 52m /mnt/raid/PROJX
  footprint audit --no-probe --exclude '*.tmp' /mnt/raid
  footprint audit --export-list candidates.json /mnt/raid/PROJX
  footprint audit --verify-mhl /Volumes/A001 /Volumes/SHUTTLE_1
  footprint audit --verify-mhl --fail-on any /Volumes/A001 /Volumes/SHUTTLE_1 /Volumes/SHUTTLE_2
  footprint audit --grid de --copies 2 --medium lto /mnt/archive")]
    Audit(Box<AuditArgs>),

    /// Find files with identical content across one or more drives.
    ///
    /// Only walks and hashes (BLAKE3, staged: size, then the first and last
    /// 16 KiB, then the whole file), so it is much faster than a full audit.
    /// Hard links are listed but not counted as waste; empty files are never
    /// duplicates. Nothing is deleted.
    #[command(after_long_help = "Examples:
  footprint dupes /Volumes/SHUTTLE_A /Volumes/SHUTTLE_B
  footprint dupes --format list /mnt/raid > dupes.txt
  footprint dupes --format json -o dupes.json /mnt/raid")]
    Dupes(DupesArgs),

    /// CI gate: check a delivery folder's deliverables against a target.
    ///
    /// Every video file and DCP/IMF package under PATH is probed and checked
    /// against the target's rules (bit rates, size budget for its own running
    /// time, codecs, resolution, frame rate, audio). Exit 0 when everything
    /// passes, 1 when anything fails or no deliverable is found, 2 on error.
    #[command(after_long_help = "Examples:
  footprint check deliveries/EP101_bluray --target bluray
  footprint check --format junit -o check.xml /mnt/out/DCP --target dcp
  footprint check --verify /mnt/out/DCP/EP101_FTR --target dcp")]
    Check(CheckArgs),

    /// Describe media files stream by stream, as MediaInfo does.
    ///
    /// Container, duration, bit rate and timecode, then each stream: codec,
    /// profile and level, resolution, frame rate (nominal, exact fraction,
    /// constant or variable), bit depth and chroma, colour primaries,
    /// transfer and matrix, scan type, channels and layout, sample rate,
    /// language. Sizes, rates and durations are the ones `audit` counts; the
    /// other details come from ffprobe when it is installed. Exit 1 when a
    /// file could not be described.
    #[command(after_long_help = "Examples:
  footprint info A001C001.mov
  footprint info --format json clip.mxf audio.wav
  footprint info --probe-with native clip.mov   # what footprint reads without FFmpeg")]
    Info(InfoArgs),

    /// Compare two scans: files added, removed, changed and moved, growth by
    /// kind and folder, clip folders that lost a copy.
    ///
    /// OLD and NEW are manifests (`audit --manifest`) or JSON reports (`audit
    /// --format json`; those list media files only). Files are matched by
    /// path; a move is the same content (BLAKE3) at a new path, so manifests
    /// written with `--hash all` answer best. Exit 1 with --fail-on-growth
    /// when the scan grew more than allowed.
    #[command(after_long_help = "Examples:
  footprint audit --hash all --manifest monday.parquet /mnt/raid/PROJX
  footprint audit --hash all --manifest friday.parquet /mnt/raid/PROJX
  footprint diff monday.parquet friday.parquet
  footprint diff --format json last_week.json today.json
  footprint diff --fail-on-growth 5% base.parquet head.parquet   # CI")]
    Diff(DiffArgs),

    /// Read the manifests of many volumes and hosts as one audit: totals per
    /// host, volume and kind, duplicates across hosts, what is on one host only.
    ///
    /// Takes manifest files, folders (searched for *.parquet, as a Hive layout
    /// host=*/volume=*/scan=*.parquet) and quoted globs. Hard links count once,
    /// empty files are never duplicates; when several scans of one volume are
    /// given the newest counts. Rows are streamed: memory grows with the files
    /// that may be duplicates, not with the rows. DuckDB, Spark and Trino read
    /// the same files (docs/FLEET.md).
    #[command(after_long_help = "Examples:
  footprint fleet /mnt/scans                       # every *.parquet below
  footprint fleet 'scans/host=*/volume=*/*.parquet'
  footprint fleet --format json nas1.parquet nas2.parquet > fleet.json")]
    Fleet(FleetArgs),

    /// List the delivery targets (built-in and from footprint.toml) with their sources.
    Targets(TargetsArgs),

    /// Inspect or clean the cache of hashes and probe results.
    ///
    /// A re-audit of unchanged files reads and probes nothing: each file's
    /// hashes and probe result are kept with its device, inode, size, mtime
    /// and ctime, and used only while all of them are unchanged.
    #[command(after_long_help = "Examples:
  footprint cache stats
  footprint cache prune      # forget files that no longer exist
  footprint cache clear --cache-dir /mnt/fast/footprint-cache")]
    Cache(CacheArgs),
}

/// Options of `footprint cache`.
#[derive(Debug, Args)]
pub struct CacheArgs {
    /// What to do.
    #[arg(value_enum)]
    pub action: CacheAction,

    /// The cache folder. Default: $XDG_CACHE_HOME/footprint (~/.cache/footprint).
    #[arg(long, env = "FOOTPRINT_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// `footprint cache` actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CacheAction {
    /// Entries, size and location.
    Stats,
    /// Drop the entries of files that no longer exist.
    Prune,
    /// Drop every entry.
    Clear,
}

/// Output formats of `footprint check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// One line per rule (default).
    Table,
    /// One JSON document.
    Json,
    /// JUnit XML, shown by CI systems.
    Junit,
}

/// Options of `footprint check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The delivery folder or file.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,

    /// Target to check against (`footprint targets` lists them).
    ///
    /// Optional when footprint.toml gives targets per path
    /// (`[[check.rule]] path = "EP1*/**/*.mov"`, `target = "broadcast-hd"`):
    /// then it is the target of deliverables no rule matches.
    #[arg(long, value_name = "ID")]
    pub target: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,

    /// Write the result to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// TOML config (custom targets). Default: footprint.toml in PATH, if present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Probing options.
    #[command(flatten)]
    pub probe: ProbeArgs,

    /// Do not print progress bars or warnings on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Re-hash every asset of a DCP/IMF package (SHA-1, base64) and compare
    /// it with its packing list. Without it, assets are checked by size.
    #[arg(long)]
    pub verify: bool,

    /// Skip paths matching GLOB (repeatable), as `audit --exclude`; the
    /// config's excludes apply too.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

/// How media are probed (`audit` and `check`).
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The ffprobe binary to use. Default: `ffprobe` on PATH.
    #[arg(long, env = "FOOTPRINT_FFPROBE", value_name = "PATH")]
    pub ffprobe: Option<PathBuf>,

    /// Seconds before a hanging ffprobe is killed; that file gets an error.
    #[arg(long, default_value_t = 30.0, value_name = "SECS")]
    pub probe_timeout: f64,

    /// Which readers probe media: `auto` reads WAV, AIFF, QuickTime/MP4, MXF,
    /// Matroska, DPX, EXR, TIFF and camera-raw headers natively and runs ffprobe for the
    /// rest; `native` never runs ffprobe; `ffprobe` runs it on every file
    /// (to cross-check).
    #[arg(long, value_enum, default_value_t, value_name = "READERS")]
    pub probe_with: crate::probe::ProbeWith,
}

/// `--hash`: which files get a whole-content hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HashWhich {
    /// Files with a same-size twin in this audit (duplicate search).
    Duplicates,
    /// Every non-empty file.
    All,
}

/// Options of `footprint info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Media files to describe (a frame of an image sequence is a file).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,

    /// Probing options.
    #[command(flatten)]
    pub probe: ProbeArgs,
}

/// Options shared by the commands that read scans.
#[derive(Debug, Args)]
pub struct ScanReadArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,

    /// Rows each table lists (JSON lists all).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub top: usize,

    /// Fit tables in N columns (default: the terminal, or 100 off a
    /// terminal; 0 for no limit).
    #[arg(long, value_name = "N")]
    pub width: Option<u16>,
}

/// Options of `footprint diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older scan: a manifest (.parquet) or a JSON report.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The newer scan.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// Exit 1 when NEW is more than N percent larger than OLD (`5%` or `5`;
    /// `0` fails on any growth).
    #[arg(long, value_name = "N%")]
    pub fail_on_growth: Option<String>,

    /// Output options.
    #[command(flatten)]
    pub out: ScanReadArgs,
}

/// Options of `footprint fleet`.
#[derive(Debug, Args)]
pub struct FleetArgs {
    /// Manifests: files, folders searched for *.parquet, or quoted globs.
    #[arg(required = true, value_name = "MANIFEST")]
    pub manifests: Vec<PathBuf>,

    /// Output options.
    #[command(flatten)]
    pub out: ScanReadArgs,
}

/// Options of `footprint targets`.
#[derive(Debug, Args)]
pub struct TargetsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,

    /// TOML config with custom targets. Default: ./footprint.toml, if present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Output formats of `footprint targets`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned text (default).
    Table,
    /// One JSON document: an array for `targets`, an object for `cache` and `info`.
    Json,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for people (default).
    Table,
    /// One JSON document (schema_version 1, fields in docs/REPORT.md).
    Json,
    /// One self-contained HTML page with charts and sortable tables (use -o).
    Html,
    /// CSV: one row per media item and per other file, for spreadsheets.
    Csv,
}

/// When to use color.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Color when stdout is a terminal, NO_COLOR is unset or empty and TERM is not dumb.
    Auto,
    /// Always color tables.
    Always,
    /// Never color.
    Never,
}

/// Options shared by commands that scan volumes.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Folders (or single files) to audit: several drives can be given at once.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Write the report to FILE instead of stdout (written atomically at the end).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Worker threads (in `audit`: classifying, and at most N ffprobe processes at
    /// once). Default: number of CPUs.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Concurrent readers for walking, hashing and reading media headers.
    /// Default: 8, or -j when given.
    ///
    /// A cold scan waits on the disk, not the CPU: keeping several reads in
    /// flight is faster on SSDs, RAID, NAS and virtual disks even with 2 cores.
    /// Use 1 or 2 for a single spinning USB drive.
    #[arg(long, value_name = "N")]
    pub io_threads: Option<usize>,

    /// Skip paths matching GLOB (repeatable).
    ///
    /// A glob without '/' matches any file or folder name ('*.tmp', 'CacheClip');
    /// a glob with '/' matches the path relative to its root ('PROJX/renders/**')
    /// or the absolute path. Excluded folders are not entered.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Follow symbolic links (off by default). Loops are detected and reported.
    #[arg(short = 'L', long)]
    pub follow_links: bool,

    /// Stay on the file system of each root (do not cross mount points).
    #[arg(short = 'x', long)]
    pub one_file_system: bool,

    /// Do not print progress bars or warnings on stderr.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print every per-file warning on stderr as it happens.
    ///
    /// By default stderr gets one line per kind of problem at the end, with a
    /// count and a few examples ("2,981 paths unreadable (permission denied),
    /// e.g. …"); the report lists every one in `errors`.
    #[arg(short, long)]
    pub verbose: bool,

    /// When to color the tables.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// Fit tables in N columns: long paths and reasons wrap. Default: the
    /// terminal's width, or 100 when stdout is not a terminal; 0 for no limit
    /// (one row per line, for grep).
    #[arg(long, value_name = "N")]
    pub width: Option<u16>,

    /// Report a pair of folders sharing at least this share of either one's bytes.
    ///
    /// Compared by content, whatever the names: "A002 on the card is 80 % on the
    /// shuttle, these clips are not" is one line. Folders with identical trees are
    /// reported as duplicate folders instead. 0 to 1.
    #[arg(long, value_name = "SHARE", default_value_t = 0.5, value_parser = share)]
    pub folder_overlap: f64,

    /// Report only duplicates and folders whose copies are on different roots.
    ///
    /// For "what of this drive is on that one": copies within one root are left out.
    #[arg(long)]
    pub across_roots: bool,

    /// Do not read or write the cache: hash (and, in `audit`, probe) every file afresh.
    #[arg(long)]
    pub no_cache: bool,

    /// Where the cache lives. Default: $XDG_CACHE_HOME/footprint
    /// (~/.cache/footprint). It is never used inside a scanned root.
    #[arg(long, env = "FOOTPRINT_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

/// Options of `footprint audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Scan options.
    #[command(flatten)]
    pub scan: ScanArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Also write every reclaim candidate (duplicate, obsolete version,
    /// regenerable cache) with its category and reason to FILE, for review.
    ///
    /// Nothing is deleted. See --export-format.
    #[arg(long, value_name = "FILE")]
    pub export_list: Option<PathBuf>,

    /// Format of --export-list: `json` (category, reason, confidence, bytes)
    /// or `lines` (one path per line). Default: json if FILE ends in .json,
    /// else lines.
    #[arg(long, value_enum, value_name = "FORMAT", requires = "export_list")]
    pub export_format: Option<crate::report::export::ExportFormat>,

    /// Skip media probing (codec, resolution, duration). The report says it was skipped.
    ///
    /// No file is opened then (only manifests are read): kinds come from names and
    /// folders, so a QuickTime file named `.bin` counts as "other". With --no-hash too,
    /// the audit is a metadata-only scan, like `du`, safe on tape (LTFS) or network mounts.
    #[arg(long)]
    pub no_probe: bool,

    /// Skip content hashing (duplicate search). The report says it was skipped.
    #[arg(long)]
    pub no_hash: bool,

    /// Which files get a whole-content BLAKE3: `duplicates` (files that may
    /// have a copy in this audit, the default) or `all` (every non-empty
    /// file: what a manifest needs to find copies on other hosts; the cache
    /// keeps re-scans cheap).
    #[arg(long, value_enum, value_name = "WHICH", conflicts_with = "no_hash")]
    pub hash: Option<HashWhich>,

    /// Also write the scan as a Parquet manifest: one row per file (host,
    /// root, path, size, mtime, inode, kind, media fields, BLAKE3), for
    /// `footprint diff`, `footprint fleet`, DuckDB or Spark. docs/FLEET.md
    /// has the schema.
    #[arg(long, value_name = "FILE.parquet")]
    pub manifest: Option<PathBuf>,

    /// The host name the manifest records (default: this machine's). Name
    /// the machine the volume belongs to when it is scanned from another
    /// one, as a NAS share mounted on a workstation.
    #[arg(long, value_name = "NAME", requires = "manifest")]
    pub host: Option<String>,

    /// Probing options.
    #[command(flatten)]
    pub probe: ProbeArgs,

    /// How many of the heaviest folders (and largest reclaimable items) the table lists.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,

    /// Heaviest folders down to N levels below each root (1: the root's own
    /// folders). A folder that only holds one subfolder is listed as that
    /// subfolder, never both.
    #[arg(long, default_value_t = 2, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub depth: u16,

    /// Re-hash every file an ASC MHL history lists, with the history's own
    /// format (xxh64, xxh3, xxh128, md5, sha1, c4), and report mismatches.
    ///
    /// Without it, files are checked by size and modification time, which
    /// misses a content change whose mtime was restored.
    #[arg(long)]
    pub verify_mhl: bool,

    /// Re-hash every asset a DCP/IMF packing list lists (SHA-1) and report
    /// mismatches. Without it, assets are checked by size.
    #[arg(long)]
    pub verify_dcp: bool,

    /// Exit with code 1 when the report holds a problem of one of these
    /// kinds (comma-separated), 0 otherwise; the report is written either way.
    ///
    /// mhl: files changed or missing against an ASC MHL history, or a history
    /// that cannot be read. gaps: image sequences with missing frames.
    /// unreadable: files or folders that could not be read (permission denied,
    /// vanished, changed during the scan, I/O errors). at-risk: clip folders
    /// with fewer copies across the roots than --copies. packages: DCP/IMF
    /// packing-list mismatches. any: every problem in the report's errors.
    #[arg(
        long,
        value_name = "KINDS",
        value_delimiter = ',',
        value_parser = clap::builder::TypedValueParser::map(
            clap::builder::PossibleValuesParser::new(crate::util::error::FailOn::NAMES.map(|(n, _)| n)),
            |s: String| crate::util::error::FailOn::parse(&s).expect("a listed name"),
        )
    )]
    pub fail_on: Vec<crate::util::error::FailOn>,

    /// For copies across roots: a clip folder is the folder this many levels
    /// below each root (e.g. 2 for ROOT/DAY/CARD). Default: the card folder
    /// of a camera-card structure, else each media file's own folder.
    #[arg(long, value_name = "N")]
    pub clip_depth: Option<usize>,

    /// Weighing against delivery targets and CO₂.
    #[command(flatten)]
    pub weigh: WeighArgs,
}

/// Options for delivery targets and the CO₂ estimate.
#[derive(Debug, Args, Default)]
pub struct WeighArgs {
    /// Programme runtime for target budgets: 90m, 1h32m, 01:32:00, 5520s.
    ///
    /// Default: `runtime` in footprint.toml, else a DCP or IMF CPL found in the
    /// roots (sum of its reels). Without one, no target is weighed: the report
    /// says how much video there is instead (rushes are not a programme).
    #[arg(long, value_name = "DURATION")]
    pub runtime: Option<String>,

    /// Delivery target to weigh against (repeatable). Default: bluray and dcp.
    /// `footprint targets` lists them.
    #[arg(long = "target", value_name = "ID")]
    pub targets: Vec<String>,

    /// Grid carbon intensity: fr, be, de, uk, eu, us, world, or kg CO2e per kWh.
    #[arg(long, value_name = "ZONE|KG_PER_KWH")]
    pub grid: Option<String>,

    /// Where the copies are stored. Default: hdd.
    #[arg(long, value_enum, value_name = "MEDIUM")]
    pub medium: Option<crate::co2::Medium>,

    /// Copies kept (3-2-1 backup means 3). Default: 3.
    #[arg(long, value_name = "N")]
    pub copies: Option<u32>,

    /// Years the project stays stored. Default: 5.
    #[arg(long, value_name = "N")]
    pub years: Option<f64>,

    /// TOML config. Default: footprint.toml in the first root, if present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Output formats of `footprint dupes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DupesFormat {
    /// A table for people, largest waste first (default).
    Table,
    /// One JSON document (schema_version 1), groups sorted by first path.
    Json,
    /// fdupes-style: one path per line, a blank line between groups.
    List,
}

/// Options of `footprint dupes`.
#[derive(Debug, Args)]
pub struct DupesArgs {
    /// Scan options.
    #[command(flatten)]
    pub scan: ScanArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DupesFormat::Table)]
    pub format: DupesFormat,

    /// Accepted for compatibility with `audit`; `dupes` never probes.
    #[arg(long, hide = true)]
    pub no_probe: bool,
}

/// A share between 0 and 1.
fn share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "{s:?} is not a share between 0 and 1 (0.8 is 80 %)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
