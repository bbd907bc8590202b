//! `footprint info`: one block per file, one paragraph per stream, as
//! MediaInfo lays out a clip; or one JSON document.

use super::Tool;
use crate::probe::detail::{FileDetail, StreamDetail};
use crate::util::units::{Bytes, format_bit_rate, format_duration};
use serde::Serialize;
use std::io::{self, Write};

/// The JSON document: `schema_version`, `tool`, one entry per file asked.
#[derive(Clone, Debug, Serialize)]
pub struct InfoReport {
    /// 1.
    pub schema_version: u32,
    /// The writer.
    pub tool: Tool,
    /// In the order given.
    pub files: Vec<InfoEntry>,
}

/// One file asked about.
#[derive(Clone, Debug, Serialize)]
pub struct InfoEntry {
    /// The path as given on the command line.
    pub path: String,
    /// Apparent size, when the file could be opened.
    pub bytes: Option<u64>,
    /// `native`, `ffprobe`, or `native; stream details from ffprobe`.
    pub reader: Option<String>,
    /// Why the file could not be described.
    pub error: Option<String>,
    /// What it holds.
    #[serde(flatten)]
    pub detail: Option<FileDetail>,
}

/// Writes the blocks for people.
pub fn write_text(r: &InfoReport, out: &mut dyn Write) -> io::Result<()> {
    for (n, f) in r.files.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", f.path)?;
        if let Some(b) = f.bytes {
            field(out, 2, "Size", &format!("{} ({b} bytes)", Bytes(b)))?;
        }
        if let Some(e) = &f.error {
            field(out, 2, "Not described", e)?;
            continue;
        }
        let Some(d) = &f.detail else { continue };
        if let Some(c) = &d.container {
            let long = d.container_long.as_deref().map(|l| format!(" ({l})"));
            field(
                out,
                2,
                "Container",
                &format!("{c}{}", long.unwrap_or_default()),
            )?;
        }
        if let Some(s) = d.duration_s {
            let text = if s < 60.0 {
                format!("{s:.3} s")
            } else {
                format!("{} ({s:.3} s)", format_duration(s))
            };
            field(out, 2, "Duration", &text)?;
        }
        if let Some(b) = d.bit_rate {
            field(out, 2, "Bit rate", &format_bit_rate(b))?;
        }
        if let Some(t) = &d.timecode {
            field(out, 2, "Timecode", t)?;
        }
        if let Some(reader) = &f.reader {
            field(out, 2, "Read by", reader)?;
        }
        for s in &d.streams {
            stream(out, s)?;
        }
    }
    Ok(())
}

fn field(out: &mut dyn Write, indent: usize, name: &str, value: &str) -> io::Result<()> {
    writeln!(out, "{:indent$}{name:<13} {value}", "")
}

fn stream(out: &mut dyn Write, s: &StreamDetail) -> io::Result<()> {
    let mut kind = s.kind.clone();
    if let Some(first) = kind.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    let cover = if s.cover { " (cover picture)" } else { "" };
    writeln!(out, "  {kind}, stream {}{cover}", s.index)?;
    let mut codec = s.codec.clone();
    if let Some(p) = &s.profile {
        codec.push_str(&format!(", profile {p}"));
    }
    if let Some(l) = &s.level {
        codec.push_str(&format!(", level {l}"));
    }
    if let Some(l) = &s.codec_long {
        codec.push_str(&format!(" ({l})"));
    }
    field(out, 4, "Codec", &codec)?;
    if let (Some(w), Some(h)) = (s.width, s.height) {
        field(out, 4, "Resolution", &format!("{w}x{h}"))?;
    }
    if let Some(fps) = s.fps {
        let mut text = format!("{} fps", trim_rate(fps));
        if let Some(r) = &s.fps_rational {
            text.push_str(&format!(" ({r})"));
        }
        if let Some(m) = s.fps_mode {
            text.push_str(match m {
                crate::probe::rate::FpsMode::Cfr => ", constant",
                crate::probe::rate::FpsMode::Vfr => ", variable (average)",
            });
        }
        field(out, 4, "Frame rate", &text)?;
    }
    let picture: Vec<String> = [
        s.bit_depth.map(|d| format!("{d} bits")),
        s.chroma.clone(),
        s.pix_fmt.as_ref().map(|p| format!("({p})")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !picture.is_empty() {
        field(out, 4, "Picture", &picture.join(" "))?;
    }
    let colour: Vec<String> = [
        ("primaries", &s.color_primaries),
        ("transfer", &s.color_transfer),
        ("matrix", &s.color_matrix),
        ("range", &s.color_range),
    ]
    .iter()
    .filter_map(|(name, v)| v.as_ref().map(|v| format!("{name} {v}")))
    .collect();
    if !colour.is_empty() {
        field(out, 4, "Colour", &colour.join(", "))?;
    }
    if let Some(scan) = &s.scan_type {
        field(out, 4, "Scan", scan)?;
    }
    if let Some(c) = s.channels {
        let layout = s.channel_layout.as_ref().map(|l| format!(" ({l})"));
        field(
            out,
            4,
            "Channels",
            &format!("{c}{}", layout.unwrap_or_default()),
        )?;
    }
    if let Some(r) = s.sample_rate {
        field(out, 4, "Sample rate", &format!("{r} Hz"))?;
    }
    for (name, v) in [
        ("Language", &s.language),
        ("Title", &s.title),
        ("Timecode", &s.timecode),
    ] {
        if let Some(v) = v {
            field(out, 4, name, v)?;
        }
    }
    if let Some(b) = s.bit_rate {
        field(out, 4, "Bit rate", &format_bit_rate(b))?;
    }
    Ok(())
}

/// `25`, `23.976`, `29.97`: three decimals at most, no trailing zeros.
fn trim_rate(fps: f64) -> String {
    let s = format!("{fps:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Writes the JSON document.
pub fn write_json(r: &InfoReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, r)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_without_trailing_zeros() {
        assert_eq!(trim_rate(25.0), "25");
        assert_eq!(trim_rate(24000.0 / 1001.0), "23.976");
        assert_eq!(trim_rate(30000.0 / 1001.0), "29.97");
    }
}
