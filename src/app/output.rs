//! Where the report goes: stdout, or a file written atomically (temp + rename),
//! so a failed or interrupted run never leaves a half-written report behind.

use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The report's destination.
pub enum Sink {
    /// Standard output.
    Stdout(BufWriter<std::io::Stdout>),
    /// A temporary file renamed to `dest` on commit.
    File {
        /// The temporary file.
        w: BufWriter<File>,
        /// Its path.
        tmp: PathBuf,
        /// Final path.
        dest: PathBuf,
    },
}

impl Sink {
    /// Opens the destination now, so an unwritable `-o` fails before the scan.
    pub fn open(dest: Option<&Path>) -> Result<Self> {
        let Some(dest) = dest else {
            return Ok(Sink::Stdout(BufWriter::new(std::io::stdout())));
        };
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest.file_name().context("--output needs a file name")?;
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".footprint-{}.tmp", std::process::id()));
        let tmp = dir.join(tmp_name);
        let f = File::create(&tmp)
            .with_context(|| format!("cannot write the report to {}", dest.display()))?;
        Ok(Sink::File {
            w: BufWriter::new(f),
            tmp,
            dest: dest.to_path_buf(),
        })
    }

    /// The writer to render into.
    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(w) => w,
            Sink::File { w, .. } => w,
        }
    }

    /// Moves a finished file report into place.
    pub fn commit(self) -> Result<()> {
        if let Sink::File { w, tmp, dest } = self {
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all().ok();
            std::fs::rename(&tmp, &dest)
                .with_context(|| format!("cannot move the report into {}", dest.display()))?;
        }
        Ok(())
    }

    /// Drops an unfinished file report.
    pub fn discard(&mut self) {
        if let Sink::File { tmp, .. } = self {
            let _ = std::fs::remove_file(tmp);
        }
    }
}
