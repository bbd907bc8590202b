//! The probe stage's output: one media item per clip, file or image sequence.

use super::{AudioInfo, VideoInfo};
use crate::classify::Kind;
use serde::Serialize;

/// Frame rate assumed for an image sequence whose header records none.
pub const ASSUMED_SEQUENCE_FPS: f64 = 24.0;

/// Frame range of an image sequence.
#[derive(Clone, Debug, Serialize)]
pub struct SequenceInfo {
    /// First frame number.
    pub first: u64,
    /// Last frame number.
    pub last: u64,
    /// Frames present.
    pub frames: u64,
    /// Missing frame numbers between first and last (at most 10,000 listed).
    pub missing: Vec<u64>,
    /// How many frames are missing in all (addition).
    pub missing_count: u64,
    /// Where the frame rate came from: `header` or `assumed` (24 fps) (addition).
    pub fps_source: &'static str,
}

/// How an item was probed.
#[derive(Clone, Debug, Serialize)]
pub struct ProbeStatus {
    /// `native`, `ffprobe` or `none`.
    pub source: &'static str,
    /// Why probing failed, if it did.
    pub error: Option<String>,
}

/// One clip, file or image sequence.
#[derive(Clone, Debug, Serialize)]
pub struct MediaItem {
    /// Absolute path; a printf pattern for sequences.
    pub path: String,
    /// video, audio, image_sequence or image.
    pub kind: Kind,
    /// Bytes (sum over frames for a sequence).
    pub bytes: u64,
    /// ffprobe `format_name` (`image2` for sequences).
    pub container: Option<String>,
    /// Seconds.
    pub duration_s: Option<f64>,
    /// Bits per second.
    pub bit_rate: Option<u64>,
    /// True when `bit_rate` was computed as bytes × 8 / duration (addition).
    pub bit_rate_estimated: bool,
    /// Video stream.
    pub video: Option<VideoInfo>,
    /// Audio streams.
    pub audio: Vec<AudioInfo>,
    /// Start timecode (addition).
    pub timecode: Option<String>,
    /// Frame range, for image sequences.
    pub sequence: Option<SequenceInfo>,
    /// Files of a clip split over several (RED `_001.R3D`…): `path` is the
    /// first, `bytes` all of them (addition).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segments: Option<u64>,
    /// The DCP/IMF package folder a track file belongs to (addition).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Probe status.
    pub probe: ProbeStatus,
}

/// The container's short name: ffprobe names a demuxer by every format it
/// reads (`mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`); people name the one
/// the file is. The file's extension picks it when it is in the list, else
/// the first name (the demuxer's own).
pub fn short_container<'a>(name: &'a str, path: &str) -> &'a str {
    if !name.contains(',') {
        return name;
    }
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    name.split(',')
        .find(|n| ext.as_deref() == Some(*n))
        .or_else(|| name.split(',').next())
        .unwrap_or(name)
}

#[cfg(test)]
mod short_names {
    #[test]
    fn the_extension_picks_the_name_in_the_demuxer_list() {
        let qt = "mov,mp4,m4a,3gp,3g2,mj2";
        assert_eq!(super::short_container(qt, "/a/b.MP4"), "mp4");
        assert_eq!(super::short_container(qt, "/a/b.mov"), "mov");
        assert_eq!(super::short_container(qt, "/a/b.m4v"), "mov");
        assert_eq!(super::short_container("matroska,webm", "x.webm"), "webm");
        assert_eq!(super::short_container("mxf", "x.mxf"), "mxf");
    }
}
