//! Delivery targets: reference budgets the project's weight is compared with,
//! and the rules `footprint check` applies to deliverables. Each figure
//! carries its public source, and docs/TARGETS.md lists them.

pub mod formats;
pub mod runtime;

pub use formats::VideoFormat;
use formats::{bluray_formats, format_match, formats};

use crate::probe::MediaItem;
use serde::{Deserialize, Serialize};

/// One delivery target.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Short id (`dcp`, `bluray`…).
    pub id: String,
    /// Human name.
    pub name: String,
    /// Size budget per second of runtime, in bits per second.
    pub budget_bit_rate: u64,
    /// Highest video stream bit rate allowed.
    #[serde(default)]
    pub max_video_bit_rate: Option<u64>,
    /// Highest total (all streams) bit rate allowed.
    #[serde(default)]
    pub max_total_bit_rate: Option<u64>,
    /// Allowed video codecs (ffprobe `codec_name`); empty means any.
    #[serde(default)]
    pub video_codecs: Vec<String>,
    /// Largest picture allowed.
    #[serde(default)]
    pub max_width: Option<u32>,
    /// Largest picture allowed.
    #[serde(default)]
    pub max_height: Option<u32>,
    /// Allowed frame rates (±0.01); empty means any.
    #[serde(default)]
    pub frame_rates: Vec<f64>,
    /// Allowed audio codecs (ffprobe `codec_name`); empty means any.
    #[serde(default)]
    pub audio_codecs: Vec<String>,
    /// Allowed audio sample rates in Hz; empty means any.
    #[serde(default)]
    pub audio_sample_rates: Vec<u32>,
    /// The video formats the target allows, each a whole combination of
    /// codec, profile, level, size, rate and scan; empty means any.
    #[serde(default)]
    pub formats: Vec<VideoFormat>,
    /// Where every number comes from.
    #[serde(default)]
    pub sources: Vec<String>,
}

const MBIT: u64 = 1_000_000;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// The built-in targets.
pub fn builtin() -> Vec<Target> {
    let pcm = [
        "pcm_s16le",
        "pcm_s24le",
        "pcm_s24be",
        "pcm_s16be",
        "pcm_bluray",
    ];
    let bd_audio: Vec<&str> = pcm
        .iter()
        .copied()
        .chain(["ac3", "eac3", "dts", "truehd"])
        .collect();
    let video_rates = vec![23.976, 24.0, 25.0, 29.97, 50.0, 59.94];
    vec![
        Target {
            id: "dcp".into(),
            name: "DCP (JPEG 2000, 30 MB/s)".into(),
            budget_bit_rate: 240 * MBIT,
            max_video_bit_rate: Some(250 * MBIT),
            max_total_bit_rate: None,
            video_codecs: s(&["jpeg2000"]),
            max_width: Some(4096),
            max_height: Some(2160),
            frame_rates: vec![24.0, 25.0, 30.0, 48.0, 50.0, 60.0],
            audio_codecs: s(&["pcm_s24le", "pcm_s24be"]),
            audio_sample_rates: Vec::new(),
            formats: Vec::new(),
            sources: s(&[
                "Budget 30 MB/s of runtime (54 GB per 30 min), the figure users quote; the DCI picture cap is 250 Mbit/s = 31.25 MB/s (Library of Congress FDD fdd000213; ISO 26429-4)",
                "DCI Digital Cinema System Specification: JPEG 2000, 2K ≤ 2048×1080, 4K ≤ 4096×2160, 24-bit PCM audio; LoC FDD fdd000213; ISO 26429-4",
            ]),
        },
        Target {
            id: "bluray".into(),
            name: "Blu-ray (BD-25/50, 1080p)".into(),
            budget_bit_rate: 48 * MBIT,
            max_video_bit_rate: Some(40 * MBIT),
            max_total_bit_rate: Some(48 * MBIT),
            video_codecs: s(&["h264", "mpeg2video", "vc1"]),
            max_width: Some(1920),
            max_height: Some(1080),
            frame_rates: video_rates.clone(),
            audio_codecs: s(&bd_audio),
            audio_sample_rates: vec![48_000, 96_000, 192_000],
            formats: bluray_formats(),
            sources: s(&[
                "Blu-ray Disc: video ≤ 40 Mbit/s, AV mux ≤ 48 Mbit/s (54 Mbit/s transfer); Blu-ray Disc Association format summary (digitalfactbook)",
                "Budget: 48 Mbit/s × runtime, about 32 GB for 90 min: the 30 GB class of a feature on BD-50",
            ]),
        },
        Target {
            id: "uhd-bluray".into(),
            name: "Ultra HD Blu-ray (100 GB, HEVC 10-bit)".into(),
            budget_bit_rate: 128 * MBIT,
            max_video_bit_rate: None,
            max_total_bit_rate: Some(128 * MBIT),
            video_codecs: s(&["hevc"]),
            max_width: Some(3840),
            max_height: Some(2160),
            frame_rates: video_rates.clone(),
            audio_codecs: s(&bd_audio),
            audio_sample_rates: vec![48_000, 96_000, 192_000],
            formats: formats(
                "hevc",
                &["Main 10"],
                Some(153),
                &[(3840, 2160), (1920, 1080)],
                &[23.976, 24.0, 25.0, 29.97, 50.0, 59.94],
                "progressive",
            ),
            sources: s(&[
                "Format: HEVC Main 10 up to level 5.1, 3840×2160 or 1920×1080 progressive at 23.976 to 59.94 frames a second (Blu-ray Disc Association, Ultra HD Blu-ray format, as Wikipedia summarises it)",
                "Ultra HD Blu-ray: HEVC 10-bit, 82 / 108 / 128 Mbit/s for 50 / 66 / 100 GB discs; Wikipedia, Ultra HD Blu-ray (archived)",
            ]),
        },
        Target {
            id: "broadcast-hd".into(),
            name: "Broadcast HD (XDCAM HD422, 50 Mbit/s)".into(),
            budget_bit_rate: 50 * MBIT + 8 * 1_152_000,
            max_video_bit_rate: Some(50 * MBIT),
            max_total_bit_rate: None,
            video_codecs: s(&["mpeg2video"]),
            max_width: Some(1920),
            max_height: Some(1080),
            frame_rates: vec![25.0, 29.97],
            audio_codecs: s(&["pcm_s24le", "pcm_s24be"]),
            audio_sample_rates: vec![48_000],
            formats: formats(
                "mpeg2video",
                &["4:2:2"],
                None,
                &[(1920, 1080)],
                &[25.0, 29.97],
                "interlaced",
            ),
            sources: s(&[
                "XDCAM HD422: MPEG-2 4:2:2 long-GOP 50 Mbit/s CBR, 1080i25, MXF OP1a, 8 × 24-bit PCM; broadcaster house spec (MediaBank)",
                "Format: MPEG-2 4:2:2 profile, 1920×1080 interlaced at 25 (or 29.97) frames a second, 48 kHz PCM (SMPTE RDD 9, the XDCAM HD422 MXF profile)",
                "Budget: 50 Mbit/s video + 8 × 1.152 Mbit/s PCM = 59.2 Mbit/s (26.6 GB/h)",
            ]),
        },
        Target {
            id: "web-1080p".into(),
            name: "Web upload 1080p (H.264, YouTube recommended)".into(),
            budget_bit_rate: 8 * MBIT + 384_000,
            max_video_bit_rate: Some(12 * MBIT),
            max_total_bit_rate: None,
            video_codecs: s(&["h264"]),
            max_width: Some(1920),
            max_height: Some(1080),
            frame_rates: vec![23.976, 24.0, 25.0, 29.97, 30.0, 48.0, 50.0, 59.94, 60.0],
            audio_codecs: s(&["aac"]),
            audio_sample_rates: vec![48_000, 96_000],
            formats: formats(
                "h264",
                &["High", "Main"],
                None,
                &[(1920, 1080)],
                &[23.976, 24.0, 25.0, 29.97, 30.0, 48.0, 50.0, 59.94, 60.0],
                "progressive",
            ),
            sources: s(&[
                "YouTube recommended upload encoding: 1080p SDR 8 Mbit/s (12 at 48-60 fps), AAC 384 kbit/s stereo; support.google.com/youtube/answer/1722171",
                "Format: progressive scan (no interlacing), H.264 High profile, audio at 48 or 96 kHz; same page",
            ]),
        },
    ]
}

impl Target {
    /// Bytes this target allows for `runtime_s` seconds.
    pub fn budget_bytes(&self, runtime_s: f64) -> u64 {
        (self.budget_bit_rate as f64 / 8.0 * runtime_s).round() as u64
    }

    /// Checks that a custom target makes sense; the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "target id '{}' must be letters, digits, '-' or '_'",
                self.id
            ));
        }
        if self.budget_bit_rate == 0 {
            return Err(format!("target '{}': budget_bit_rate must be > 0", self.id));
        }
        if self
            .frame_rates
            .iter()
            .any(|r| !(r.is_finite() && *r > 0.0))
        {
            return Err(format!(
                "target '{}': frame_rates must be positive",
                self.id
            ));
        }
        Ok(())
    }
}

/// Finds a target by id among `all`.
pub fn find<'a>(all: &'a [Target], id: &str) -> Result<&'a Target, String> {
    all.iter()
        .find(|t| t.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| {
            let ids: Vec<&str> = all.iter().map(|t| t.id.as_str()).collect();
            format!("unknown target '{id}' (known: {})", ids.join(", "))
        })
}

/// One rule's outcome for one deliverable.
#[derive(Clone, Debug, Serialize)]
pub struct RuleResult {
    /// Rule id: `size_budget`, `video_bit_rate`, `total_bit_rate`, `video_codec`,
    /// `resolution`, `frame_rate`, `audio_codec`, `audio_sample_rate`,
    /// `format`, `probe`, and the package rules.
    pub rule: &'static str,
    /// `pass`, `fail`, or `info`.
    pub status: &'static str,
    /// What was measured: a number in `unit` when the rule measures one
    /// (`null` when it could not be measured), else text.
    pub measured: Measure,
    /// The limit: a number (or a list of allowed numbers) in `unit`, else text.
    pub limit: Measure,
    /// `bytes`, `bit/s`, `fps` or `Hz` for numeric rules; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<&'static str>,
    /// The measured value as people read it (`11.64 Mbit/s (total)`).
    #[serde(skip)]
    pub shown_measured: String,
    /// The limit as people read it.
    #[serde(skip)]
    pub shown_limit: String,
}

impl Measure {
    /// An unknown budget (no running time) is stated as its rate instead.
    fn or_rate(self, rate: u64) -> Measure {
        match self {
            Measure::Unknown => Measure::Number(rate as f64),
            m => m,
        }
    }
}

/// A rule's value in the JSON document.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Measure {
    /// A quantity in the rule's unit.
    Number(f64),
    /// Allowed quantities.
    List(Vec<f64>),
    /// A name or a description.
    Text(String),
    /// Not measured (unknown running time, no stream rate).
    Unknown,
}

impl RuleResult {
    /// A rule judged on text (codec names, sizes, package rules).
    pub fn text(rule: &'static str, ok: bool, measured: String, limit: String) -> Self {
        RuleResult {
            rule,
            status: if ok { "pass" } else { "fail" },
            measured: Measure::Text(measured.clone()),
            limit: Measure::Text(limit.clone()),
            unit: None,
            shown_measured: measured,
            shown_limit: limit,
        }
    }
}

fn mbps(b: u64) -> String {
    format!("{:.2} Mbit/s", b as f64 / 1e6)
}

/// Applies `t`'s rules to one deliverable. `bytes` and `duration_s` are the
/// deliverable's own (a DCP package: all its files, the CPL runtime).
///
/// `stream` is the video stream's level and scan, from ffprobe; targets with
/// `formats` need it (unknown values never match a format).
pub fn check(
    t: &Target,
    m: &MediaItem,
    bytes: u64,
    duration_s: Option<f64>,
    stream: Option<&crate::probe::ffprobe::StreamFormat>,
) -> Vec<RuleResult> {
    let mut out: Vec<RuleResult> = Vec::new();
    let mut push = |rule, ok: bool, measured: String, limit: String| {
        out.push(RuleResult::text(rule, ok, measured, limit));
    };
    let Some(v) = &m.video else {
        let why = m
            .probe
            .error
            .clone()
            .unwrap_or_else(|| "no video stream".into());
        push("probe", false, why, "a readable video stream".into());
        return out;
    };
    match duration_s.filter(|d| *d > 0.0) {
        Some(d) => {
            let budget = t.budget_bytes(d);
            push(
                "size_budget",
                bytes <= budget,
                crate::util::units::Bytes(bytes).to_string(),
                format!(
                    "{} ({} for {:.1} s)",
                    crate::util::units::Bytes(budget),
                    mbps(t.budget_bit_rate),
                    d
                ),
            );
        }
        None => push(
            "size_budget",
            false,
            "unknown running time".into(),
            format!("{} of running time", mbps(t.budget_bit_rate)),
        ),
    }
    let total = m.bit_rate.or_else(|| {
        duration_s
            .filter(|d| *d > 0.0)
            .map(|d| (bytes as f64 * 8.0 / d) as u64)
    });
    if let Some(max) = t.max_video_bit_rate {
        // The stream's own rate, else the total (an upper bound).
        match v.bit_rate.or(total) {
            Some(r) => push(
                "video_bit_rate",
                r <= max,
                if v.bit_rate.is_some() {
                    mbps(r)
                } else {
                    format!("{} (total)", mbps(r))
                },
                mbps(max),
            ),
            None => push("video_bit_rate", false, "unknown".into(), mbps(max)),
        }
    }
    if let Some(max) = t.max_total_bit_rate {
        match total {
            Some(r) => push("total_bit_rate", r <= max, mbps(r), mbps(max)),
            None => push("total_bit_rate", false, "unknown".into(), mbps(max)),
        }
    }
    if !t.video_codecs.is_empty() {
        push(
            "video_codec",
            t.video_codecs.iter().any(|c| c == &v.codec),
            v.codec.clone(),
            t.video_codecs.join(" | "),
        );
    }
    if t.max_width.is_some() || t.max_height.is_some() {
        let (w, h) = (
            t.max_width.unwrap_or(u32::MAX),
            t.max_height.unwrap_or(u32::MAX),
        );
        push(
            "resolution",
            v.width > 0 && v.width <= w && v.height <= h,
            format!("{}x{}", v.width, v.height),
            format!("≤ {}x{}", w, h),
        );
    }
    if !t.frame_rates.is_empty() {
        let shown: Vec<String> = t.frame_rates.iter().map(|r| format!("{r}")).collect();
        match v.fps {
            Some(f) => push(
                "frame_rate",
                t.frame_rates.iter().any(|r| (r - f).abs() < 0.01),
                format!("{f:.3}"),
                shown.join(" | "),
            ),
            None => push("frame_rate", false, "unknown".into(), shown.join(" | ")),
        }
    }
    if !t.audio_codecs.is_empty() {
        let bad: Vec<&str> = m
            .audio
            .iter()
            .map(|a| a.codec.as_str())
            .filter(|c| !t.audio_codecs.iter().any(|x| x == c))
            .collect();
        let measured: Vec<&str> = m.audio.iter().map(|a| a.codec.as_str()).collect();
        push(
            "audio_codec",
            bad.is_empty(),
            if measured.is_empty() {
                "no audio".into()
            } else {
                measured.join(", ")
            },
            t.audio_codecs.join(" | "),
        );
    }
    if !t.audio_sample_rates.is_empty() {
        let rates: Vec<String> = m.audio.iter().map(|a| a.sample_rate.to_string()).collect();
        let ok = m
            .audio
            .iter()
            .all(|a| t.audio_sample_rates.contains(&a.sample_rate));
        let allowed: Vec<String> = t
            .audio_sample_rates
            .iter()
            .map(|r| format!("{r} Hz"))
            .collect();
        push(
            "audio_sample_rate",
            ok,
            if rates.is_empty() {
                "no audio".into()
            } else {
                format!("{} Hz", rates.join(", "))
            },
            allowed.join(" | "),
        );
    }
    if !t.formats.is_empty() {
        let (ok, measured) = format_match(&t.formats, v, stream);
        push(
            "format",
            ok,
            measured,
            format!(
                "one of the target's {} video formats (docs/TARGETS.md)",
                t.formats.len()
            ),
        );
    }
    // The JSON carries numbers with a unit where the rule measures one.
    let num = |x: Option<u64>| x.map_or(Measure::Unknown, |x| Measure::Number(x as f64));
    let video_rate = v.bit_rate.or(total);
    for r in &mut out {
        let (measured, limit, unit) = match r.rule {
            "size_budget" => (
                if duration_s.is_some_and(|d| d > 0.0) {
                    num(Some(bytes))
                } else {
                    Measure::Unknown
                },
                num(duration_s.filter(|d| *d > 0.0).map(|d| t.budget_bytes(d)))
                    .or_rate(t.budget_bit_rate),
                if duration_s.is_some_and(|d| d > 0.0) {
                    "bytes"
                } else {
                    "bit/s"
                },
            ),
            "video_bit_rate" => (num(video_rate), num(t.max_video_bit_rate), "bit/s"),
            "total_bit_rate" => (num(total), num(t.max_total_bit_rate), "bit/s"),
            "frame_rate" => (
                v.fps.map_or(Measure::Unknown, Measure::Number),
                Measure::List(t.frame_rates.clone()),
                "fps",
            ),
            "audio_sample_rate" => (
                Measure::List(m.audio.iter().map(|a| f64::from(a.sample_rate)).collect()),
                Measure::List(t.audio_sample_rates.iter().map(|&r| f64::from(r)).collect()),
                "Hz",
            ),
            _ => continue,
        };
        (r.measured, r.limit, r.unit) = (measured, limit, Some(unit));
    }
    out
}

/// The project weighed against one delivery target.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TargetWeight {
    /// Target id.
    pub id: String,
    /// Target name.
    pub name: String,
    /// Programme runtime, seconds.
    pub runtime_s: f64,
    /// `--runtime`, `config`, `cpl` or `longest-video`.
    pub runtime_source: &'static str,
    /// What the target allows for that runtime.
    pub budget_bytes: u64,
    /// What the audit weighed (`summary.bytes`).
    pub actual_bytes: u64,
    /// actual ÷ budget.
    pub ratio: f64,
}

/// The project's `bytes` against each target, for a programme runtime
/// (seconds, and where it came from); nothing without a runtime.
pub fn weigh(
    targets: &[Target],
    runtime: Option<(f64, &'static str)>,
    bytes: u64,
) -> Vec<TargetWeight> {
    let Some((secs, source)) = runtime else {
        return Vec::new();
    };
    targets
        .iter()
        .map(|t| {
            let budget = t.budget_bytes(secs);
            TargetWeight {
                id: t.id.clone(),
                name: t.name.clone(),
                runtime_s: secs,
                runtime_source: source,
                budget_bytes: budget,
                actual_bytes: bytes,
                ratio: bytes as f64 / budget.max(1) as f64,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_for_several_runtimes() {
        let all = builtin();
        let dcp = find(&all, "dcp").unwrap();
        assert_eq!(dcp.budget_bytes(1800.0), 54_000_000_000, "54 GB per 30 min");
        assert_eq!(
            dcp.budget_bytes(5400.0),
            162_000_000_000,
            "about 162 GB for 90 min"
        );
        let bd = find(&all, "BLURAY").unwrap();
        let b = bd.budget_bytes(5400.0);
        assert!(
            (25_000_000_000..=35_000_000_000).contains(&b),
            "30 GB class: {b}"
        );
        let xd = find(&all, "broadcast-hd").unwrap();
        assert!((xd.budget_bytes(3600.0) as f64 / 1e9 - 26.6).abs() < 0.1);
        assert_eq!(
            find(&all, "web-1080p").unwrap().budget_bytes(60.0),
            62_880_000
        );
        assert!(
            find(&all, "vhs")
                .unwrap_err()
                .contains("known: dcp, bluray")
        );
        for t in &all {
            t.validate().unwrap();
            assert!(!t.sources.is_empty(), "{} has sources", t.id);
        }
    }
}
