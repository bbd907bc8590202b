//! Error types and exit codes.
//!
//! Per-file problems never stop an audit: they become [`FileError`]s in the
//! report's `errors` list and a line on stderr. Only fatal problems (no root
//! readable, output not writable) end the run with exit code 2.

use serde::Serialize;
use std::path::PathBuf;

/// Exit codes from CONTRACT.md.
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
        }
    }
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
