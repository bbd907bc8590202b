//! Error types and exit codes.
//!
//! Per-file problems never stop an audit: they become [`FileError`]s in the
//! report's `errors` list and a line on stderr. Only fatal problems (no root
//! readable, output not writable) end the run with exit code 2.

use serde::Serialize;
use std::path::PathBuf;

/// Exit codes, as `--help` and the README list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The audit completed; per-file problems are in the report.
    Success = 0,
    /// A check failed (`check`, or a `--fail-*` gate).
    CheckFailed = 1,
    /// Usage error or fatal error.
    Fatal = 2,
    /// Interrupted by Ctrl-C (SIGINT) or SIGTERM.
    Interrupted = 130,
}

/// What went wrong with one file; callers branch on it (table summary, tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Permission denied reading a file or listing a folder.
    PermissionDenied,
    /// The file or folder disappeared between listing and reading.
    Vanished,
    /// A FIFO, socket or device: never opened, never counted.
    SpecialFile,
    /// A symbolic link whose target does not exist.
    DanglingLink,
    /// A symbolic link that leads back to one of its own ancestors.
    SymlinkLoop,
    /// The file changed (size or mtime) while footprint was reading it.
    Changed,
    /// The media could not be probed (fake, truncated, unsupported, timeout).
    Probe,
    /// An ASC MHL or packing list that cannot be read (malformed XML…).
    Manifest,
    /// Any other I/O error.
    Io,
    /// A file that differs from its ASC MHL record (size, date or hash), or
    /// that the history itself records as failed.
    MhlChanged,
    /// A file an ASC MHL history lists that is not on the disk.
    MhlMissing,
    /// A DCP/IMF packing-list asset that is absent or differs (size, hash).
    Package,
    /// An image sequence with missing frames.
    SequenceGap,
    /// A clip folder with fewer copies across the roots than `--copies`.
    AtRisk,
}

impl ErrorKind {
    /// Classifies an I/O error.
    pub fn from_io(err: &std::io::Error) -> Self {
        match err.kind() {
            std::io::ErrorKind::PermissionDenied => ErrorKind::PermissionDenied,
            std::io::ErrorKind::NotFound => ErrorKind::Vanished,
            _ => ErrorKind::Io,
        }
    }

    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::PermissionDenied => "permission denied",
            ErrorKind::Vanished => "vanished during scan",
            ErrorKind::SpecialFile => "special file skipped",
            ErrorKind::DanglingLink => "dangling symlink",
            ErrorKind::SymlinkLoop => "symlink loop",
            ErrorKind::Changed => "changed during scan",
            ErrorKind::Probe => "probe failed",
            ErrorKind::Manifest => "bad manifest",
            ErrorKind::Io => "I/O error",
            ErrorKind::MhlChanged => "differs from its ASC MHL record",
            ErrorKind::MhlMissing => "missing from an ASC MHL history",
            ErrorKind::Package => "DCP/IMF package mismatch",
            ErrorKind::SequenceGap => "image sequence with missing frames",
            ErrorKind::AtRisk => "clip folder with too few copies",
        }
    }

    /// How the one-line stderr summary counts this kind: "2,981 files
    /// unreadable (permission denied)".
    pub fn summary_noun(self) -> (&'static str, &'static str) {
        match self {
            ErrorKind::PermissionDenied => (
                "path unreadable (permission denied)",
                "paths unreadable (permission denied)",
            ),
            ErrorKind::Vanished => (
                "path vanished during the scan",
                "paths vanished during the scan",
            ),
            ErrorKind::SpecialFile => ("special file skipped", "special files skipped"),
            ErrorKind::DanglingLink => ("dangling symbolic link", "dangling symbolic links"),
            ErrorKind::SymlinkLoop => ("symbolic link loop", "symbolic link loops"),
            ErrorKind::Changed => (
                "file changed during the scan",
                "files changed during the scan",
            ),
            ErrorKind::Probe => (
                "media item could not be probed",
                "media items could not be probed",
            ),
            ErrorKind::Manifest => ("manifest could not be read", "manifests could not be read"),
            ErrorKind::Io => ("I/O error", "I/O errors"),
            ErrorKind::MhlChanged => (
                "file differs from its ASC MHL record",
                "files differ from their ASC MHL records",
            ),
            ErrorKind::MhlMissing => (
                "file listed in an ASC MHL history is missing",
                "files listed in ASC MHL histories are missing",
            ),
            ErrorKind::Package => (
                "DCP/IMF packing-list mismatch",
                "DCP/IMF packing-list mismatches",
            ),
            ErrorKind::SequenceGap => (
                "image sequence has missing frames",
                "image sequences have missing frames",
            ),
            ErrorKind::AtRisk => (
                "clip folder has fewer copies than --copies",
                "clip folders have fewer copies than --copies",
            ),
        }
    }

    /// The `--fail-on` class this kind belongs to; `path` tells an ASC MHL
    /// history from a packing list for [`ErrorKind::Manifest`].
    pub fn fail_class(self, path: &std::path::Path) -> Option<FailOn> {
        match self {
            ErrorKind::MhlChanged | ErrorKind::MhlMissing => Some(FailOn::Mhl),
            ErrorKind::Manifest => Some(
                if path
                    .components()
                    .any(|c| c.as_os_str().eq_ignore_ascii_case("ascmhl"))
                {
                    FailOn::Mhl
                } else {
                    FailOn::Packages
                },
            ),
            ErrorKind::Package => Some(FailOn::Packages),
            ErrorKind::SequenceGap => Some(FailOn::Gaps),
            ErrorKind::AtRisk => Some(FailOn::AtRisk),
            ErrorKind::PermissionDenied
            | ErrorKind::Vanished
            | ErrorKind::Changed
            | ErrorKind::Io => Some(FailOn::Unreadable),
            ErrorKind::SpecialFile
            | ErrorKind::DanglingLink
            | ErrorKind::SymlinkLoop
            | ErrorKind::Probe => None,
        }
    }

    /// True for a file or folder footprint could not read in full: what it
    /// holds is unknown, so no verdict about it may be "yes".
    pub fn is_unreadable(self) -> bool {
        matches!(
            self,
            ErrorKind::PermissionDenied | ErrorKind::Vanished | ErrorKind::Changed | ErrorKind::Io
        )
    }
}

/// Classes of problems `--fail-on` can turn into exit code 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailOn {
    /// ASC MHL entries changed or missing, or a history that cannot be read.
    Mhl,
    /// Image sequences with missing frames.
    Gaps,
    /// Files or folders that could not be read (permission, vanished, changed, I/O).
    Unreadable,
    /// Clip folders with fewer copies across the roots than `--copies`.
    AtRisk,
    /// DCP/IMF packing-list mismatches, or a packing list that cannot be read.
    Packages,
    /// Every problem in `errors[]`, of any kind.
    Any,
}

/// One entry of the report's `errors` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// The path concerned (absolute).
    pub path: PathBuf,
    /// Category.
    pub kind: ErrorKind,
    /// Human-readable message, including the OS or ffprobe detail.
    pub message: String,
}

impl FileError {
    /// Builds an error.
    pub fn new(path: impl Into<PathBuf>, kind: ErrorKind, message: impl Into<String>) -> Self {
        FileError {
            path: path.into(),
            kind,
            message: message.into(),
        }
    }

    /// Builds an error from an I/O error, with what footprint was doing.
    pub fn io(path: impl Into<PathBuf>, doing: &str, err: &std::io::Error) -> Self {
        let kind = ErrorKind::from_io(err);
        let detail = match kind {
            ErrorKind::Vanished => format!("{doing}: file vanished during scan ({err})"),
            _ => format!("{doing}: {err}"),
        };
        FileError::new(path, kind, detail)
    }
}

impl FailOn {
    /// Every class with its `--fail-on` name, in the order `--help` lists them.
    pub const NAMES: [(&'static str, FailOn); 6] = [
        ("mhl", FailOn::Mhl),
        ("gaps", FailOn::Gaps),
        ("unreadable", FailOn::Unreadable),
        ("at-risk", FailOn::AtRisk),
        ("packages", FailOn::Packages),
        ("any", FailOn::Any),
    ];

    /// The class named `name` on the command line.
    pub fn parse(name: &str) -> Option<FailOn> {
        FailOn::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
    }

    /// The class's command-line name.
    pub fn name(self) -> &'static str {
        FailOn::NAMES
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("any", |(n, _)| n)
    }

    /// True when a problem of `kind` at `path` trips this gate.
    pub fn trips(self, kind: ErrorKind, path: &std::path::Path) -> bool {
        self == FailOn::Any || kind.fail_class(path) == Some(self)
    }
}

/// Per-file problems, one entry per (path, kind): a file that two stages
/// fail to read (sniffing, then hashing) is one problem, reported once.
pub struct Problems {
    /// The problems, in the order found.
    pub list: Vec<FileError>,
    seen: std::collections::HashSet<(PathBuf, ErrorKind)>,
}

impl Problems {
    /// Starts from the walk's errors, already reported.
    pub fn new(list: Vec<FileError>) -> Self {
        let seen = list.iter().map(|e| (e.path.clone(), e.kind)).collect();
        Problems { list, seen }
    }

    /// Records and reports `e` unless the same problem is already listed.
    pub fn add(&mut self, e: FileError, log: &crate::util::progress::Progress) {
        if self.seen.insert((e.path.clone(), e.kind)) {
            log.warn_file(&e);
            self.list.push(e);
        }
    }
}

/// The report's order: by path, then message.
pub fn sort_errors(errors: &mut [FileError]) {
    errors.sort_by(|a, b| {
        a.path
            .as_os_str()
            .cmp(b.path.as_os_str())
            .then(a.message.cmp(&b.message))
    });
}

/// Examples named in a summary line.
const EXAMPLES: usize = 2;

/// One line per kind of problem, in kind order: count, what, and the first
/// paths as examples. `problems` yields (kind, path) in report order.
pub fn summary_lines<'a>(problems: impl IntoIterator<Item = (ErrorKind, &'a str)>) -> Vec<String> {
    let mut by: std::collections::BTreeMap<ErrorKind, (u64, Vec<&str>)> =
        std::collections::BTreeMap::new();
    for (kind, path) in problems {
        let e = by.entry(kind).or_default();
        e.0 += 1;
        if e.1.len() < EXAMPLES {
            e.1.push(path);
        }
    }
    by.into_iter()
        .map(|(kind, (n, examples))| {
            let (one, many) = kind.summary_noun();
            let more = if n as usize > examples.len() {
                ", …"
            } else {
                ""
            };
            format!(
                "{} {}, e.g. {}{more}",
                crate::util::units::thousands(n),
                if n == 1 { one } else { many },
                examples.join(", "),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_summarised_one_line_per_kind() {
        let paths: Vec<String> = (0..2981).map(|i| format!("/card/f{i:04}.mov")).collect();
        let mut problems: Vec<(ErrorKind, &str)> = paths
            .iter()
            .map(|p| (ErrorKind::PermissionDenied, p.as_str()))
            .collect();
        problems.push((ErrorKind::SequenceGap, "/r/plate.%04d.dpx"));
        let lines = summary_lines(problems);
        assert_eq!(
            lines,
            [
                "2,981 paths unreadable (permission denied), e.g. /card/f0000.mov, /card/f0001.mov, …",
                "1 image sequence has missing frames, e.g. /r/plate.%04d.dpx",
            ]
        );
    }
}
