//! Matroska and WebM: the Segment's `Info` and `Tracks`, read as FFmpeg 5.1's
//! demuxer reads them. Written here rather than with the `matroska` crate:
//! that crate gives no codec private data, and H.264/HEVC
//! profiles and pixel formats come from it.
//!
//! Answered: H.264 and HEVC video (from `avcC`/`hvcC` in CodecPrivate, the
//! frame rate from DefaultDuration reduced as FFmpeg reduces it), PCM and
//! AAC-LC audio. A file with any other track type we would have to decode to
//! describe (FFV1, ProRes, VP9, Opus, FLAC…) goes to ffprobe whole.

use super::Source;
use super::bytes::{be32, be64, gcd};
use crate::probe::{AudioInfo, ProbeInfo, VideoInfo};

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
    let (mut info, mut tracks) = (None, None);
    for _ in 0..MAX_CHILDREN {
        if info.is_some() && tracks.is_some() {
            break;
        }
        let h = src.read(at, 12.min(size.checked_sub(at)?))?;
        let (id, n) = vint(&h, 0, true)?;
        let (len, m) = vint(&h, n, false)?;
        let start = at + (n + m) as u64;
        match u32::try_from(id).ok()? {
            CLUSTER => break,
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
    // FFmpeg: Duration (in TimestampScale units) × scale (ns) → microseconds, truncated.
    let us = duration? * scale as f64 * 1000.0 / 1_000_000.0;
    if !(1.0..9.2e18).contains(&us) {
        return None;
    }
    let us = us as u64;
    let mut out = ProbeInfo {
        container: Some("matroska,webm".into()),
        duration_s: Some(us as f64 / 1e6),
        bit_rate: Some((size as f64 * 8.0 * 1e6 / us as f64) as u64),
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
            1 => {
                let pic = match codec {
                    "V_MPEG4/ISO/AVC" => super::video::avcc(private)?,
                    "V_MPEGH/ISO/HEVC" => super::hevc::hvcc(private)?,
                    _ => return None,
                };
                let fps = get(0x23E383)
                    .and_then(uint)
                    .filter(|&d| d > 0)
                    .map(|d| reduce(1_000_000_000, d, 30_000))
                    .map(|(n, d)| n as f64 / d as f64)?;
                if out.video.is_none() {
                    out.video = Some(VideoInfo {
                        codec: pic.codec.into(),
                        profile: pic.profile,
                        width: pic.width,
                        height: pic.height,
                        fps: Some(fps),
                        pix_fmt: pic.pix_fmt.map(Into::into),
                        bit_rate: None,
                    });
                }
            }
            2 => out.audio.push(audio(codec, private, get(0xE1)?)?),
            17 => {} // subtitles: not part of the report
            _ => return None,
        }
    }
    Some(out)
}

/// One audio track: PCM from its Audio element, AAC from its config.
fn audio(codec: &str, private: &[u8], audio: &[u8]) -> Option<AudioInfo> {
    if codec == "A_AAC" {
        return super::sound::aac_config(private);
    }
    let a = children(audio)?;
    let get = |want: u32| a.iter().find(|(id, _)| *id == want).map(|(_, v)| *v);
    let rate = get(0xB5).and_then(float).unwrap_or(8000.0);
    let channels = get(0x9F).and_then(uint).unwrap_or(1);
    let bits = get(0x6264).and_then(uint)?;
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

/// The closest fraction to `num/den` with both terms at most `max`, found as
/// FFmpeg's `av_reduce` finds it (continued fractions, then the best
/// semiconvergent), so rates read from Matroska's nanosecond frame durations
/// come out as ffprobe prints them (41708333 ns → 24000/1001).
fn reduce(num: u64, den: u64, max: u64) -> (u64, u64) {
    let g = gcd(num, den);
    let (mut num, mut den) = (num / g.max(1), den / g.max(1));
    if num <= max && den <= max {
        return (num, den);
    }
    let (mut a0, mut a1) = ((0u64, 1u64), (1u64, 0u64));
    while den != 0 {
        let x = num / den;
        let next = num - den * x;
        let (n2, d2) = (x * a1.0 + a0.0, x * a1.1 + a0.1);
        if n2 > max || d2 > max {
            let x = [
                (max - a0.0).checked_div(a1.0),
                (max - a0.1).checked_div(a1.1),
            ]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(u64::MAX);
            // Take the semiconvergent when it is closer than the last convergent.
            if u128::from(den) * u128::from(2 * x * a1.1 + a0.1)
                > u128::from(num) * u128::from(a1.1)
            {
                a1 = (x * a1.0 + a0.0, x * a1.1 + a0.1);
            }
            break;
        }
        a0 = a1;
        a1 = (n2, d2);
        num = den;
        den = next;
    }
    (a1.0, a1.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_reduce_as_ffmpeg_reduces_them() {
        assert_eq!(reduce(1_000_000_000, 41_708_333, 30_000), (24000, 1001));
        assert_eq!(reduce(1_000_000_000, 40_000_000, 30_000), (25, 1));
        assert_eq!(reduce(1_000_000_000, 33_366_667, 30_000), (30000, 1001));
        // 60000/1001 is past the 30000 bound: ffprobe 5.1 prints 19001/317 too.
        assert_eq!(reduce(1_000_000_000, 16_683_333, 30_000), (19001, 317));
        assert_eq!(reduce(6, 4, 30_000), (3, 2));
    }

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
