//! Matroska and WebM: the Segment's `Info` and `Tracks`, read as FFmpeg 5.1's
//! demuxer reads them. Written here rather than with the `matroska` crate:
//! that crate gives no codec private data, and H.264/HEVC
//! profiles and pixel formats come from it.
//!
//! Answered: every common video and audio CodecID, named as FFmpeg names it;
//! size from the codec configuration (H.264/HEVC: the SPS's cropped size and
//! profile) or the Video element; the frame rate from DefaultDuration, or
//! from the first blocks' timestamps when a muxer left it out; channels and
//! rate from the Audio element (AAC: its AudioSpecificConfig). Subtitle and
//! other tracks are not part of the report.

use super::Source;
use super::bytes::{be32, be64};
use crate::probe::rate::Rate;
use crate::probe::{AudioInfo, ProbeInfo};

const EBML: u32 = 0x1A45_DFA3;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TRACKS: u32 = 0x1654_AE6B;
const CLUSTER: u32 = 0x1F43_B675;
const TRACK_ENTRY: u32 = 0xAE;

/// Largest `Info` or `Tracks` element read (real ones are a few KiB).
const MAX_MASTER: u64 = 4 << 20;
/// Most top-level elements stepped over before the first cluster.
const MAX_CHILDREN: usize = 256;

/// True if the bytes start with an EBML header.
pub fn looks_like(magic: &[u8]) -> bool {
    be32(magic, 0) == Some(EBML)
}

/// An EBML variable-length integer at `at`: (value, length). IDs keep their
/// length marker; sizes lose it, and an all-ones size means "unknown".
fn vint(b: &[u8], at: usize, keep_marker: bool) -> Option<(u64, usize)> {
    let first = *b.get(at)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 {
        return None;
    }
    let mut v = if keep_marker {
        u64::from(first)
    } else {
        u64::from(first) & (0xFF >> len)
    };
    for i in 1..len {
        v = (v << 8) | u64::from(*b.get(at + i)?);
    }
    Some((v, len))
}

/// The elements of a master element's payload: (id, payload).
fn children(b: &[u8]) -> Option<Vec<(u32, &[u8])>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < b.len() {
        let (id, n) = vint(b, at, true)?;
        let (size, m) = vint(b, at + n, false)?;
        let start = at + n + m;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        out.push((u32::try_from(id).ok()?, b.get(start..end)?));
        at = end;
    }
    Some(out)
}

fn uint(b: &[u8]) -> Option<u64> {
    (b.len() <= 8).then(|| b.iter().fold(0u64, |v, &x| (v << 8) | u64::from(x)))
}

fn float(b: &[u8]) -> Option<f64> {
    match b.len() {
        4 => Some(f64::from(f32::from_bits(be32(b, 0)?))),
        8 => Some(f64::from_bits(be64(b, 0)?)),
        _ => None,
    }
}

/// What ffprobe reports of a Matroska/WebM file, or `None`.
pub fn parse<S: Source + ?Sized>(src: &S) -> Option<ProbeInfo> {
    let size = src.size();
    let head = src.read(0, 64.min(size))?;
    let (_, n) = vint(&head, 0, true)?;
    let (ebml_len, m) = vint(&head, n, false)?;
    let mut at = (n + m) as u64 + ebml_len;
    // The Segment: its size may be unknown (live recordings).
    let seg_head = src.read(at, 12.min(size.checked_sub(at)?))?;
    let (id, n) = vint(&seg_head, 0, true)?;
    let (_, m) = vint(&seg_head, n, false)?;
    if id != u64::from(SEGMENT) {
        return None;
    }
    at += (n + m) as u64;
    let (mut info, mut tracks, mut cluster) = (None, None, None);
    for _ in 0..MAX_CHILDREN {
        let Some(h) = src
            .read(at, 12.min(size.saturating_sub(at)))
            .filter(|h| h.len() >= 2)
        else {
            break;
        };
        let (id, n) = vint(&h, 0, true)?;
        let (len, m) = vint(&h, n, false)?;
        let start = at + (n + m) as u64;
        match u32::try_from(id).ok()? {
            CLUSTER => {
                cluster = Some(at);
                break;
            }
            INFO | TRACKS if len <= MAX_MASTER => {
                let body = src.read(start, len)?;
                if id == u64::from(INFO) {
                    info = Some(body);
                } else {
                    tracks = Some(body);
                }
            }
            _ => {}
        }
        at = start.checked_add(len)?;
    }
    let (info, tracks) = (info?, tracks?);
    let mut scale = 1_000_000u64;
    let mut duration = None;
    for (id, v) in children(&info)? {
        match id {
            0x2AD7B1 => scale = uint(v)?,
            0x4489 => duration = float(v),
            _ => {}
        }
    }
    // FFmpeg: Duration (in TimestampScale units) × scale (ns) → microseconds,
    // truncated. A live recording may have none: no duration, not a guess.
    let us = duration
        .map(|d| d * scale as f64 * 1000.0 / 1_000_000.0)
        .filter(|us| (1.0..9.2e18).contains(us))
        .map(|us| us as u64);
    let mut out = ProbeInfo {
        container: Some("matroska,webm".into()),
        duration_s: us.map(|us| us as f64 / 1e6),
        bit_rate: us.map(|us| (size as f64 * 8.0 * 1e6 / us as f64) as u64),
        ..Default::default()
    };
    for (id, entry) in children(&tracks)? {
        if id != TRACK_ENTRY {
            continue;
        }
        let t = children(entry)?;
        let get = |want: u32| t.iter().find(|(id, _)| *id == want).map(|(_, v)| *v);
        let codec = std::str::from_utf8(get(0x86)?).ok()?.trim_end_matches('\0');
        let private = get(0x63A2).unwrap_or(&[]);
        match get(0x83).and_then(uint)? {
            1 if out.video.is_none() => {
                let v = children(get(0xE0)?)?;
                let dim = |want: u32| {
                    v.iter()
                        .find(|(id, _)| *id == want)
                        .and_then(|(_, b)| uint(b))
                        .and_then(|x| u32::try_from(x).ok())
                };
                let stated = super::video::Picture {
                    codec: video_codec(codec, private)?,
                    profile: None,
                    width: dim(0xB0)?,
                    height: dim(0xBA)?,
                    pix_fmt: None,
                };
                // The codec's own header knows the cropped size and profile.
                let pic = match codec {
                    "V_MPEG4/ISO/AVC" => super::video::avcc(private),
                    "V_MPEGH/ISO/HEVC" => super::hevc::hvcc(private),
                    _ => None,
                }
                .unwrap_or(stated);
                // DefaultDuration is the nominal frame duration in ns (rounded
                // by the muxer: 41,708,333 is 24000/1001).
                let rate = match get(0x23E383).and_then(uint).filter(|&d| d > 0) {
                    Some(d) => Rate::from_fps(1e9 / d as f64),
                    // No DefaultDuration: the blocks' timestamps tell.
                    None => get(0xD7)
                        .and_then(uint)
                        .zip(cluster)
                        .and_then(|(track, at)| block_rate(src, at, track, scale)),
                };
                out.video = Some(pic.video(rate));
            }
            2 => out.audio.push(audio(codec, private, get(0xE1)?)?),
            // Further video, subtitles, buttons: not part of the report.
            _ => {}
        }
    }
    (out.video.is_some() || !out.audio.is_empty()).then_some(out)
}

/// Timestamps of a track's blocks sampled to find its rate.
const RATE_SAMPLES: usize = 121;

/// The frame rate of track `track` from its first blocks' timestamps (in
/// TimestampScale `scale` ns units), from the cluster at `at` on: constant
/// when sorted timestamps step evenly (within the one-tick rounding of
/// millisecond timestamps), else their average.
fn block_rate<S: Source + ?Sized>(src: &S, mut at: u64, track: u64, scale: u64) -> Option<Rate> {
    let size = src.size();
    let mut times: Vec<i64> = Vec::new();
    let header = |at: u64| -> Option<(u32, u64, u64, bool)> {
        let h = src.read(at, 12.min(size.checked_sub(at)?))?;
        let (id, n) = vint(&h, 0, true)?;
        let (len, m) = vint(&h, n, false)?;
        let unknown = len == (1u64 << (7 * m)) - 1;
        Some((u32::try_from(id).ok()?, at + (n + m) as u64, len, unknown))
    };
    let block_time = |body: u64, cluster_time: i64| -> Option<Option<i64>> {
        let b = src.read(body, 12.min(size.checked_sub(body)?))?;
        let (number, n) = vint(&b, 0, false)?;
        let rel = i16::from_be_bytes([*b.get(n)?, *b.get(n + 1)?]);
        Some((number == track).then(|| cluster_time.saturating_add(i64::from(rel))))
    };
    'clusters: for _ in 0..256 {
        let (id, body, len, unknown) = header(at)?;
        if id != CLUSTER {
            break;
        }
        let end = if unknown {
            size
        } else {
            body.checked_add(len)?
        };
        let (mut pos, mut cluster_time) = (body, 0i64);
        while pos < end && times.len() < RATE_SAMPLES {
            let Some((id, body, len, _)) = header(pos) else {
                break 'clusters;
            };
            match id {
                CLUSTER => break, // the next cluster of an unknown-size one
                // Cluster timestamps past i64 are corrupt: clamped, and the
                // rate below then fails its checks.
                0xE7 => {
                    cluster_time =
                        i64::try_from(uint(&src.read(body, len.min(8))?)?).unwrap_or(i64::MAX / 2)
                }
                0xA3 => times.extend(block_time(body, cluster_time)?),
                0xA0 => {
                    if let Some((0xA1, b, _, _)) = header(body) {
                        times.extend(block_time(b, cluster_time)?);
                    }
                }
                _ => {}
            }
            pos = body.checked_add(len)?;
        }
        if times.len() >= RATE_SAMPLES || pos >= size {
            break;
        }
        at = pos;
    }
    times.sort_unstable();
    times.dedup();
    let steps: Vec<i64> = times
        .windows(2)
        .map(|w| w[1].saturating_sub(w[0]))
        .collect();
    let (lo, hi) = (*steps.iter().min()?, *steps.iter().max()?);
    let even = hi.saturating_sub(lo) <= 1;
    let span = u64::try_from(times.last()?.saturating_sub(*times.first()?)).ok()?;
    // Frames over the span, in ns: steps within one tick are rounding.
    let rate = Rate::average(
        steps.len() as u64,
        1_000_000_000,
        span.checked_mul(scale)?,
        even,
    )?;
    if even {
        // Rounded timestamps leave the average within a tick over the span
        // of the nominal rate (33/34 ms steps are 29.97 fps).
        let tolerance = rate.fps() * 2.0 / span as f64;
        return Rate::snap(rate.fps(), tolerance);
    }
    Some(rate)
}

/// FFmpeg's name for a Matroska video CodecID (the Matroska codec mappings,
/// <https://www.matroska.org/technical/codec_specs.html>).
fn video_codec(id: &str, private: &[u8]) -> Option<&'static str> {
    Some(match id {
        "V_MPEG4/ISO/AVC" => "h264",
        "V_MPEGH/ISO/HEVC" => "hevc",
        "V_MPEGI/ISO/VVC" => "vvc",
        "V_AV1" => "av1",
        "V_VP8" => "vp8",
        "V_VP9" => "vp9",
        "V_PRORES" => "prores",
        "V_FFV1" => "ffv1",
        "V_MPEG1" => "mpeg1video",
        "V_MPEG2" => "mpeg2video",
        "V_MPEG4/ISO/SP" | "V_MPEG4/ISO/ASP" | "V_MPEG4/ISO/AP" | "V_MPEG4/MS/V3" => "mpeg4",
        "V_MJPEG" => "mjpeg",
        "V_THEORA" => "theora",
        "V_DIRAC" => "dirac",
        "V_UNCOMPRESSED" => "rawvideo",
        "V_REAL/RV40" => "rv40",
        "V_REAL/RV30" => "rv30",
        // A BITMAPINFOHEADER: the compression fourcc at byte 16.
        "V_MS/VFW/FOURCC" => super::fourcc::video(private.get(16..20)?)?,
        "V_QUICKTIME" => super::fourcc::video(private.get(4..8)?)?,
        _ => return None,
    })
}

/// One audio track: the codec from its CodecID, channels and rate from its
/// Audio element (the output rate of an SBR stream), PCM's sample format
/// from its bit depth.
fn audio(codec: &str, private: &[u8], audio: &[u8]) -> Option<AudioInfo> {
    let a = children(audio)?;
    let get = |want: u32| a.iter().find(|(id, _)| *id == want).map(|(_, v)| *v);
    let rate = get(0x78B5)
        .or_else(|| get(0xB5))
        .and_then(float)
        .unwrap_or(8000.0);
    let channels = get(0x9F).and_then(uint).unwrap_or(1);
    let bits = get(0x6264).and_then(uint).unwrap_or(0);
    if codec == "A_AAC"
        && let Some(mut a) = super::sound::aac_config(private)
    {
        // The configuration names the layout; an SBR stream's output rate
        // is the Audio element's.
        if rate as u32 == 2 * a.sample_rate {
            a.sample_rate = rate as u32;
        }
        return Some(a);
    }
    let name = match (codec, bits) {
        ("A_PCM/INT/LIT", 8) | ("A_PCM/INT/BIG", 8) => "pcm_u8",
        ("A_PCM/INT/LIT", 16) => "pcm_s16le",
        ("A_PCM/INT/LIT", 24) => "pcm_s24le",
        ("A_PCM/INT/LIT", 32) => "pcm_s32le",
        ("A_PCM/INT/BIG", 16) => "pcm_s16be",
        ("A_PCM/INT/BIG", 24) => "pcm_s24be",
        ("A_PCM/INT/BIG", 32) => "pcm_s32be",
        ("A_PCM/FLOAT/IEEE", 32) => "pcm_f32le",
        ("A_PCM/FLOAT/IEEE", 64) => "pcm_f64le",
        (c, _) if c.starts_with("A_PCM/") => return None,
        (c, _) if c.starts_with("A_AAC") => "aac",
        ("A_AC3" | "A_AC3/BSID9" | "A_AC3/BSID10", _) => "ac3",
        ("A_EAC3", _) => "eac3",
        ("A_DTS" | "A_DTS/EXPRESS" | "A_DTS/LOSSLESS", _) => "dts",
        ("A_TRUEHD", _) => "truehd",
        ("A_MLP", _) => "mlp",
        ("A_OPUS", _) => "opus",
        ("A_VORBIS", _) => "vorbis",
        ("A_FLAC", _) => "flac",
        ("A_ALAC", _) => "alac",
        ("A_MPEG/L3", _) => "mp3",
        ("A_MPEG/L2", _) => "mp2",
        ("A_MPEG/L1", _) => "mp1",
        ("A_TTA1", _) => "tta",
        ("A_WAVPACK4", _) => "wavpack",
        // A WAVEFORMATEX: the format tag in its first two bytes.
        ("A_MS/ACM", _) => super::fourcc::wave_format(super::bytes::le16(private, 0)?, bits)?,
        _ => return None,
    };
    if !(1.0..1e7).contains(&rate) || !(1..=64).contains(&channels) {
        return None;
    }
    Some(AudioInfo {
        codec: name.into(),
        channels: channels as u32,
        sample_rate: rate as u32,
        channel_layout: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vints_keep_or_drop_their_marker() {
        assert_eq!(
            vint(&[0x1A, 0x45, 0xDF, 0xA3], 0, true),
            Some((0x1A45_DFA3, 4))
        );
        assert_eq!(vint(&[0x81], 0, false), Some((1, 1)));
        assert_eq!(vint(&[0x40, 0x02], 0, false), Some((2, 2)));
        assert_eq!(vint(&[0x00], 0, false), None);
        assert_eq!(vint(&[0x42], 0, false), None);
        // An 8-byte size: the marker byte carries no value bits.
        assert_eq!(
            vint(&[1, 0, 0, 0, 0, 0, 0, 0x53], 0, false),
            Some((0x53, 8))
        );
    }
}
