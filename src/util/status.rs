//! How each stage ended, as the report tells it.

use serde::Serialize;

/// Status of one pipeline stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageStatus {
    /// The stage ran.
    Done,
    /// The user skipped it (`--no-probe`, `--no-hash`).
    Skipped,
    /// A tool it needs is missing (ffprobe).
    Unavailable,
    /// This version of footprint does not have the stage yet.
    NotImplemented,
}
