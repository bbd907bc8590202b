//! Whole video formats a delivery allows (codec, profile, level, size,
//! rate and scan together), and the rule that matches a stream against them.

use super::s;
use serde::{Deserialize, Serialize};

/// One allowed combination, as a disc format's specification lists them.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VideoFormat {
    /// ffprobe `codec_name`.
    pub codec: String,
    /// ffprobe `profile` names allowed; empty means any.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// Highest ffprobe `level` (H.264 41 = 4.1); none means any.
    #[serde(default)]
    pub max_level: Option<u32>,
    /// Picture width.
    pub width: u32,
    /// Picture height.
    pub height: u32,
    /// Frames per second (an interlaced format: frames, not fields).
    pub fps: f64,
    /// `progressive` or `interlaced`.
    pub scan: String,
}

/// Every combination of one codec's profiles and level with `sizes` × `rates`.
pub fn formats(
    codec: &str,
    profiles: &[&str],
    max_level: Option<u32>,
    sizes: &[(u32, u32)],
    rates: &[f64],
    scan: &str,
) -> Vec<VideoFormat> {
    let mut out = Vec::new();
    for &(width, height) in sizes {
        for &fps in rates {
            out.push(VideoFormat {
                codec: codec.into(),
                profiles: s(profiles),
                max_level,
                width,
                height,
                fps,
                scan: scan.into(),
            });
        }
    }
    out
}

/// Blu-ray's video formats (BD-ROM Audio Visual Application Format 2.x, as
/// summarised in the Blu-ray Disc Association's white paper): 1080 lines at
/// 23.976/24p or 25/29.97i, 720 lines at 23.976/24/50/59.94p, SD at 25i and
/// 29.97i; H.264 High or Main up to level 4.1, VC-1 Advanced, MPEG-2 Main.
pub fn bluray_formats() -> Vec<VideoFormat> {
    let p = "progressive";
    let i = "interlaced";
    let grid: [(u32, u32, f64, &str); 15] = [
        (1920, 1080, 23.976, p),
        (1920, 1080, 24.0, p),
        (1920, 1080, 25.0, i),
        (1920, 1080, 29.97, i),
        (1440, 1080, 23.976, p),
        (1440, 1080, 24.0, p),
        (1440, 1080, 25.0, i),
        (1440, 1080, 29.97, i),
        (1280, 720, 23.976, p),
        (1280, 720, 24.0, p),
        (1280, 720, 50.0, p),
        (1280, 720, 59.94, p),
        (720, 576, 25.0, i),
        (720, 480, 29.97, i),
        (720, 480, 23.976, p),
    ];
    let codecs: [(&str, &[&str], Option<u32>); 3] = [
        ("h264", &["High", "Main"], Some(41)),
        ("vc1", &["Advanced"], None),
        ("mpeg2video", &["Main"], None),
    ];
    let mut out = Vec::new();
    for (codec, profiles, max_level) in codecs {
        for (width, height, fps, scan) in grid {
            out.push(VideoFormat {
                codec: codec.into(),
                profiles: s(profiles),
                max_level,
                width,
                height,
                fps,
                scan: scan.into(),
            });
        }
    }
    out
}

/// Whether the video is one of `formats`, and what it is, in words
/// (`h264 High L4.1 1920x1080 23.976p`).
pub fn format_match(
    formats: &[VideoFormat],
    v: &crate::probe::VideoInfo,
    stream: Option<&crate::probe::ffprobe::StreamFormat>,
) -> (bool, String) {
    let level = stream.and_then(|s| s.level);
    let scan = match stream.and_then(|s| s.field_order.as_deref()) {
        Some("progressive") => Some("progressive"),
        Some(_) => Some("interlaced"),
        // HEVC codes frames only (ITU-T H.265 has no field-coding tools;
        // fields would be flagged in SEI), and ffprobe leaves its field
        // order unknown: a frame is a frame.
        None if v.codec == "hevc" => Some("progressive"),
        None => None,
    };
    let profile = v.profile.as_deref().unwrap_or("?");
    let shown_level = level.map_or("level ?".to_string(), |l| {
        if v.codec == "h264" {
            format!("L{}.{}", l / 10, l % 10)
        } else {
            format!("level {l}")
        }
    });
    let fps = v.fps.unwrap_or(0.0);
    let shown_scan = match scan {
        Some("progressive") => "p",
        Some(_) => "i",
        None => " (scan unknown)",
    };
    let measured = format!(
        "{} {profile} {shown_level} {}x{} {fps:.3}{shown_scan}",
        v.codec, v.width, v.height
    );
    let ok = formats.iter().any(|f| {
        f.codec == v.codec
            && (f.profiles.is_empty()
                || f.profiles
                    .iter()
                    .any(|p| Some(p.as_str()) == v.profile.as_deref()))
            && f.max_level
                .is_none_or(|max| level.is_some_and(|l| l <= max))
            && (f.width, f.height) == (v.width, v.height)
            && (f.fps - fps).abs() < 0.01
            && scan == Some(f.scan.as_str())
    });
    (ok, measured)
}
