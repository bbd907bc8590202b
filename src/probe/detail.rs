//! One file, every stream: the facts `footprint info` shows, as MediaInfo
//! and `ffprobe -show_streams` show them for one clip.
//!
//! The audit keeps what it weighs (the first video stream, every audio
//! stream); a person looking at one clip also wants the level, bit depth,
//! chroma subsampling, colour description, scan type, language and
//! timecode of each stream. ffprobe states them all; a native reader
//! states what its headers hold and leaves the rest unstated, never guessed.

use super::ffprobe::{num_field, raw_codec, str_field, tag_codec};
use super::rate::{self, FpsMode};
use super::{ProbeInfo, VideoInfo};
use serde::Serialize;
use serde_json::Value;

/// What one file holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FileDetail {
    /// Short container name (`mov`, `mxf`, `matroska`).
    pub container: Option<String>,
    /// The container's long name, when the reader gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_long: Option<String>,
    /// Seconds.
    pub duration_s: Option<f64>,
    /// Overall bits per second.
    pub bit_rate: Option<u64>,
    /// Start timecode of the file (container or first stream that has one).
    pub timecode: Option<String>,
    /// Every stream, in the file's order.
    pub streams: Vec<StreamDetail>,
}

/// One stream. Fields that do not apply or that the reader did not state are `None`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StreamDetail {
    /// Index in the file (ffprobe's `index`; native answers count video first).
    pub index: u32,
    /// `video`, `audio`, `subtitle`, `data` or `attachment`.
    pub kind: String,
    /// ffprobe `codec_name`.
    pub codec: String,
    /// ffprobe `codec_long_name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub codec_long: Option<String>,
    /// Profile (`HQ`, `High`, `Main 10`).
    pub profile: Option<String>,
    /// Level as people write it (`4.1` for H.264 and HEVC).
    pub level: Option<String>,
    /// Pixels.
    pub width: Option<u32>,
    /// Pixels.
    pub height: Option<u32>,
    /// Nominal frame rate ([`rate`]).
    pub fps: Option<f64>,
    /// `"24000/1001"`.
    pub fps_rational: Option<String>,
    /// Constant or variable.
    pub fps_mode: Option<FpsMode>,
    /// Pixel format (`yuv422p10le`).
    pub pix_fmt: Option<String>,
    /// Bits per sample of the picture (10 for `yuv422p10le`).
    pub bit_depth: Option<u32>,
    /// `4:2:0`, `4:2:2`, `4:4:4`, `4:4:4:4` (with alpha), `RGB`, `gray`.
    pub chroma: Option<String>,
    /// `bt709`, `bt2020`…
    pub color_primaries: Option<String>,
    /// `bt709`, `smpte2084` (PQ), `arib-std-b67` (HLG)…
    pub color_transfer: Option<String>,
    /// Matrix coefficients (`bt709`, `bt2020nc`).
    pub color_matrix: Option<String>,
    /// `tv` (limited) or `pc` (full).
    pub color_range: Option<String>,
    /// `progressive`, `interlaced (top field first)`, `interlaced (bottom field first)`.
    pub scan_type: Option<String>,
    /// Channels.
    pub channels: Option<u32>,
    /// `stereo`, `5.1(side)`.
    pub channel_layout: Option<String>,
    /// Hz.
    pub sample_rate: Option<u32>,
    /// ISO 639 language tag (`eng`, `fra`).
    pub language: Option<String>,
    /// Stream title tag.
    pub title: Option<String>,
    /// The stream's own timecode tag.
    pub timecode: Option<String>,
    /// Stream bits per second.
    pub bit_rate: Option<u64>,
    /// Stream seconds.
    pub duration_s: Option<f64>,
    /// A cover picture, not a video (`disposition.attached_pic`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cover: bool,
}

/// Every stream of ffprobe's `-show_format -show_streams` answer.
pub fn from_ffprobe(v: &Value) -> FileDetail {
    let format = v.get("format").cloned().unwrap_or(Value::Null);
    let tags = |s: &Value, key: &str| s.get("tags").and_then(|t| str_field(t, key));
    let streams: Vec<StreamDetail> = v
        .get("streams")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|s| {
            let kind = str_field(s, "codec_type").unwrap_or_else(|| "data".into());
            // A timecode or metadata track has no codec name, only its tag (`tmcd`).
            let codec = str_field(s, "codec_name")
                .or_else(|| raw_codec(s))
                .or_else(|| tag_codec(s))
                .unwrap_or_else(|| "unknown".into());
            let pix_fmt = str_field(s, "pix_fmt");
            let (depth, chroma) = pix_fmt.as_deref().map(pix_fmt_facts).unwrap_or_default();
            let video = kind == "video";
            let r = video
                .then(|| {
                    rate::from_ffprobe(
                        str_field(s, "r_frame_rate").as_deref(),
                        str_field(s, "avg_frame_rate").as_deref(),
                        str_field(s, "time_base").as_deref(),
                    )
                })
                .flatten();
            let level = s
                .get("level")
                .and_then(Value::as_i64)
                .filter(|l| *l > 0)
                .map(|l| level_label(&codec, l));
            StreamDetail {
                index: num_field(s, "index").unwrap_or(0.0) as u32,
                codec_long: str_field(s, "codec_long_name"),
                profile: str_field(s, "profile"),
                level,
                width: num_field(s, "width").map(|w| w as u32).filter(|w| *w > 0),
                height: num_field(s, "height").map(|h| h as u32).filter(|h| *h > 0),
                fps: r.map(rate::Rate::fps),
                fps_rational: r.map(rate::Rate::rational),
                fps_mode: r.map(|r| r.mode),
                bit_depth: num_field(s, "bits_per_raw_sample")
                    .map(|b| b as u32)
                    .filter(|b| *b > 0 && video)
                    .or(depth),
                chroma: chroma.map(str::to_string),
                pix_fmt,
                color_primaries: str_field(s, "color_primaries"),
                color_transfer: str_field(s, "color_transfer"),
                color_matrix: str_field(s, "color_space"),
                color_range: str_field(s, "color_range"),
                scan_type: str_field(s, "field_order").map(|f| scan_label(&f)),
                channels: num_field(s, "channels").map(|c| c as u32),
                channel_layout: str_field(s, "channel_layout"),
                sample_rate: num_field(s, "sample_rate").map(|r| r as u32),
                language: tags(s, "language").filter(|l| l != "und"),
                title: tags(s, "title"),
                timecode: tags(s, "timecode"),
                bit_rate: num_field(s, "bit_rate")
                    .map(|b| b as u64)
                    .filter(|b| *b > 0),
                duration_s: num_field(s, "duration"),
                cover: s
                    .get("disposition")
                    .and_then(|d| d.get("attached_pic"))
                    .and_then(Value::as_i64)
                    == Some(1),
                kind,
                codec,
            }
        })
        .collect();
    let summary = super::ffprobe::from_json(v);
    FileDetail {
        container: str_field(&format, "format_name"),
        container_long: str_field(&format, "format_long_name"),
        duration_s: summary.duration_s,
        bit_rate: summary.bit_rate,
        timecode: summary.timecode,
        streams,
    }
}

/// A native reader's answer as streams: the video stream, then each audio
/// stream; what the reader does not state stays `None`.
pub fn from_probe(p: &ProbeInfo) -> FileDetail {
    let mut streams = Vec::new();
    if let Some(v) = &p.video {
        streams.push(video_stream(v, 0));
    }
    for a in &p.audio {
        streams.push(StreamDetail {
            index: streams.len() as u32,
            kind: "audio".into(),
            codec: a.codec.clone(),
            channels: Some(a.channels).filter(|c| *c > 0),
            channel_layout: a.channel_layout.clone(),
            sample_rate: Some(a.sample_rate).filter(|r| *r > 0),
            ..StreamDetail::default()
        });
    }
    FileDetail {
        container: p.container.clone(),
        container_long: None,
        duration_s: p.duration_s,
        bit_rate: p.bit_rate,
        timecode: p.timecode.clone(),
        streams,
    }
}

fn video_stream(v: &VideoInfo, index: u32) -> StreamDetail {
    let (depth, chroma) = v.pix_fmt.as_deref().map(pix_fmt_facts).unwrap_or_default();
    StreamDetail {
        index,
        kind: "video".into(),
        codec: v.codec.clone(),
        profile: v.profile.clone(),
        width: Some(v.width).filter(|w| *w > 0),
        height: Some(v.height).filter(|h| *h > 0),
        fps: v.fps,
        fps_rational: v.fps_rational.clone(),
        fps_mode: v.fps_mode,
        pix_fmt: v.pix_fmt.clone(),
        bit_depth: depth,
        chroma: chroma.map(str::to_string),
        bit_rate: v.bit_rate,
        ..StreamDetail::default()
    }
}

/// Where the audit's own answer and ffprobe's differ on the first video
/// stream's size or rate, the audit's answer is shown (it is what the audit
/// weighs, checked against ffprobe and MediaInfo on third-party media; see
/// docs/PROBE.md): `info` never contradicts `audit`. The duration too,
/// unknown included (an init segment has none; ffprobe prints 0).
pub fn align_with(detail: &mut FileDetail, audit: &ProbeInfo) {
    detail.duration_s = audit.duration_s;
    let Some(v) = &audit.video else {
        return;
    };
    // The audit's video is the first that is not a cover, or the only one
    // (a podcast's chapter pictures: ffprobe marks them covers).
    let at = detail
        .streams
        .iter()
        .position(|s| s.kind == "video" && !s.cover)
        .or_else(|| detail.streams.iter().position(|s| s.kind == "video"));
    if let Some(s) = at.map(|i| &mut detail.streams[i]) {
        s.width = Some(v.width).filter(|w| *w > 0).or(s.width);
        s.height = Some(v.height).filter(|h| *h > 0).or(s.height);
        if v.fps.is_some() {
            s.fps = v.fps;
            s.fps_rational.clone_from(&v.fps_rational);
            s.fps_mode = v.fps_mode;
        }
    }
}

/// Bit depth and chroma subsampling from an FFmpeg pixel format name
/// (`libavutil/pixfmt.h` naming: `yuv422p10le`, `yuva444p12le`, `rgb48le`,
/// `gbrp10le`, `gray16le`, `nv12`, `p010le`, `bayer_rggb16le`).
pub fn pix_fmt_facts(pix_fmt: &str) -> (Option<u32>, Option<&'static str>) {
    let f = pix_fmt
        .trim_end_matches("le")
        .trim_end_matches("be")
        .trim_start_matches('x');
    let digits = |s: &str| -> Option<u32> {
        let tail: String = s
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        tail.parse().ok()
    };
    let chroma = if f.starts_with("yuva444") {
        Some("4:4:4:4")
    } else if f.starts_with("yuv444") || f.starts_with("yuvj444") {
        Some("4:4:4")
    } else if f.starts_with("yuv422") || f.starts_with("yuvj422") || f.starts_with("yuva422") {
        Some("4:2:2")
    } else if f.starts_with("yuv420")
        || f.starts_with("yuvj420")
        || f.starts_with("yuva420")
        || f.starts_with("nv12")
        || f.starts_with("nv21")
        || f.starts_with("p010")
        || f.starts_with("p016")
    {
        Some("4:2:0")
    } else if f.starts_with("yuv411") || f.starts_with("uyyvyy411") {
        Some("4:1:1")
    } else if f.starts_with("rgb")
        || f.starts_with("bgr")
        || f.starts_with("gbr")
        || f.starts_with("argb")
        || f.starts_with("abgr")
        || f.starts_with("rgba")
        || f.starts_with("bgra")
    {
        Some("RGB")
    } else if f.starts_with("gray") || f.starts_with("ya") || f.starts_with("mono") {
        Some("gray")
    } else if f.starts_with("bayer") {
        Some("Bayer")
    } else {
        None
    };
    let depth = match f {
        "p010" => Some(10),
        "p016" => Some(16),
        "nv12" | "nv21" | "uyvy422" | "yuyv422" => Some(8),
        // Packed RGB: the digits count bits per pixel, not per sample.
        "rgb24" | "bgr24" | "rgba" | "bgra" | "argb" | "abgr" | "rgb0" | "bgr0" => Some(8),
        "rgb48" | "bgr48" | "rgba64" | "bgra64" => Some(16),
        _ if f.starts_with("yuv")
            || f.starts_with("gbr")
            || f.starts_with("gray")
            || f.starts_with("bayer") =>
        {
            match digits(f) {
                // `yuv420p`: the digits are the subsampling, 8 bits.
                Some(n) if n <= 16 && !f.ends_with('p') => Some(n),
                _ if f.ends_with('p') || f.starts_with("gray") => Some(8),
                _ => None,
            }
        }
        _ => None,
    };
    (depth, chroma)
}

/// ffprobe states H.264 levels ×10 (41 for 4.1) and HEVC levels ×30 (153
/// for 5.1; ITU-T H.265 Annex A `general_level_idc`).
fn level_label(codec: &str, level: i64) -> String {
    match codec {
        "h264" => format!("{}.{}", level / 10, level % 10),
        "hevc" if level % 3 == 0 => {
            let l = level / 3;
            format!("{}.{}", l / 10, l % 10)
        }
        _ => level.to_string(),
    }
}

/// ffprobe's `field_order` in words.
fn scan_label(field_order: &str) -> String {
    match field_order {
        "progressive" => "progressive".into(),
        "tt" | "tb" => "interlaced (top field first)".into(),
        "bb" | "bt" => "interlaced (bottom field first)".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixel_formats_give_depth_and_chroma() {
        assert_eq!(pix_fmt_facts("yuv422p10le"), (Some(10), Some("4:2:2")));
        assert_eq!(pix_fmt_facts("yuv420p"), (Some(8), Some("4:2:0")));
        assert_eq!(pix_fmt_facts("yuvj420p"), (Some(8), Some("4:2:0")));
        assert_eq!(pix_fmt_facts("yuva444p12le"), (Some(12), Some("4:4:4:4")));
        assert_eq!(pix_fmt_facts("gbrp10le"), (Some(10), Some("RGB")));
        assert_eq!(pix_fmt_facts("rgb48le"), (Some(16), Some("RGB")));
        assert_eq!(pix_fmt_facts("rgb24"), (Some(8), Some("RGB")));
        assert_eq!(pix_fmt_facts("gray16le"), (Some(16), Some("gray")));
        assert_eq!(pix_fmt_facts("p010le"), (Some(10), Some("4:2:0")));
        assert_eq!(pix_fmt_facts("nv12"), (Some(8), Some("4:2:0")));
        assert_eq!(pix_fmt_facts("weird"), (None, None));
    }

    #[test]
    fn levels_and_scan_read_as_people_write_them() {
        assert_eq!(level_label("h264", 41), "4.1");
        assert_eq!(level_label("hevc", 153), "5.1");
        assert_eq!(level_label("hevc", 120), "4.0");
        assert_eq!(level_label("mpeg2video", 4), "4");
        assert_eq!(scan_label("tt"), "interlaced (top field first)");
        assert_eq!(scan_label("bb"), "interlaced (bottom field first)");
    }

    #[test]
    fn every_stream_of_an_ffprobe_answer_is_kept() {
        let v: Value = serde_json::from_str(
            r#"{"streams":[
                {"index":0,"codec_type":"video","codec_name":"h264","profile":"High","level":41,
                 "width":1920,"height":1080,"pix_fmt":"yuv420p","color_primaries":"bt709",
                 "color_transfer":"bt709","color_space":"bt709","field_order":"progressive",
                 "r_frame_rate":"25/1","avg_frame_rate":"25/1","time_base":"1/12800",
                 "tags":{"language":"und","timecode":"10:00:00:00"}},
                {"index":1,"codec_type":"audio","codec_name":"aac","channels":6,
                 "channel_layout":"5.1","sample_rate":"48000","tags":{"language":"fra"}},
                {"index":2,"codec_type":"subtitle","codec_name":"mov_text","tags":{"language":"eng"}}],
              "format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","format_long_name":"QuickTime / MOV",
                        "duration":"10.000000","bit_rate":"5000000"}}"#,
        )
        .unwrap();
        let d = from_ffprobe(&v);
        assert_eq!(d.streams.len(), 3);
        let s = &d.streams[0];
        assert_eq!(s.level.as_deref(), Some("4.1"));
        assert_eq!((s.bit_depth, s.chroma.as_deref()), (Some(8), Some("4:2:0")));
        assert_eq!(s.fps_rational.as_deref(), Some("25/1"));
        assert_eq!(s.language, None, "und is no language");
        assert_eq!(s.timecode.as_deref(), Some("10:00:00:00"));
        assert_eq!(d.streams[1].language.as_deref(), Some("fra"));
        assert_eq!(d.streams[2].kind, "subtitle");
        assert_eq!(d.timecode.as_deref(), Some("10:00:00:00"));
        assert_eq!(d.duration_s, Some(10.0));
    }
}
