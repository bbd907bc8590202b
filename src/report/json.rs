//! JSON renderer: exactly one document, pretty-printed, newline-terminated.

use super::Report;
use std::io::{self, Write};

/// Writes `report` as one JSON document.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
