//! Ogg (RFC 3533): each logical stream's first packet names its codec
//! (Vorbis I identification header, `OpusHead` of RFC 7845, Ogg FLAC's
//! `\x7FFLAC` mapping, Theora's identification header, Speex); the
//! duration is the last page's granule position per stream, read from the
//! file's tail, over the stream's rate.

use super::Source;
use super::bytes::{be16, be32, le32, le64, u8_at};
use crate::probe::rate::{FpsMode, Rate};
use crate::probe::{AudioInfo, ProbeInfo, VideoInfo};

/// Bytes read from each end.
const HEAD: u64 = 64 * 1024;
const TAIL: u64 = 64 * 1024;

/// Whether `magic` opens an Ogg stream.
pub fn looks_like(magic: &[u8]) -> bool {
    magic.starts_with(b"OggS")
}

/// One page: (serial, granule, beginning of stream, first packet bytes).
fn pages(b: &[u8]) -> impl Iterator<Item = (u32, u64, bool, &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        loop {
            let rel = b.get(at..)?.windows(4).position(|w| w == b"OggS")?;
            at += rel;
            let p = &b[at..];
            let (Some(segs), Some(granule), Some(serial)) = (u8_at(p, 26), le64(p, 6), le32(p, 14))
            else {
                return None;
            };
            let table = p.get(27..27 + usize::from(segs));
            let Some(table) = table else {
                at += 4;
                continue;
            };
            let body = 27 + usize::from(segs);
            let len: usize = table.iter().map(|&l| usize::from(l)).sum();
            let first: usize = table
                .iter()
                .position(|&l| l < 255)
                .map_or(len, |i| table[..=i].iter().map(|&l| usize::from(l)).sum());
            let bos = p[5] & 2 != 0;
            let packet = p.get(body..body + first).unwrap_or(&[]);
            at += body + len;
            return Some((serial, granule, bos, packet));
        }
    })
}

/// A stream of the file, from its first packet.
struct Stream {
    serial: u32,
    audio: Option<AudioInfo>,
    video: Option<(u32, u32, Option<Rate>, u32)>, // width, height, rate, granule shift
    /// Granule units per second (audio).
    rate: u64,
}

fn stream(serial: u32, p: &[u8]) -> Option<Stream> {
    let audio = |codec: &str, channels: u32, rate: u32| AudioInfo {
        codec: codec.into(),
        channels,
        sample_rate: rate,
        channel_layout: None,
    };
    let mut s = Stream {
        serial,
        audio: None,
        video: None,
        rate: 0,
    };
    if p.starts_with(b"\x01vorbis") {
        let rate = le32(p, 12)?;
        s.audio = Some(audio("vorbis", u32::from(u8_at(p, 11)?), rate));
        s.rate = u64::from(rate);
    } else if p.starts_with(b"OpusHead") {
        // Opus always decodes at 48 kHz; the header's rate is the input's.
        s.audio = Some(audio("opus", u32::from(u8_at(p, 9)?), 48_000));
        s.rate = 48_000;
    } else if p.starts_with(b"\x7FFLAC") {
        let si = super::elementary::flac_streaminfo(p.get(17..)?)?;
        s.audio = Some(audio("flac", si.channels, si.sample_rate));
        s.rate = u64::from(si.sample_rate);
    } else if p.starts_with(b"Speex   ") {
        let rate = le32(p, 36)?;
        s.audio = Some(audio("speex", le32(p, 48)?, rate));
        s.rate = u64::from(rate);
    } else if p.starts_with(b"\x80theora") {
        let w = (u32::from(be16(p, 14)?) << 8) | u32::from(u8_at(p, 16)?);
        let h = (u32::from(be16(p, 17)?) << 8) | u32::from(u8_at(p, 19)?);
        let (n, d) = (u64::from(be32(p, 22)?), u64::from(be32(p, 26)?));
        let shift = u32::from((be16(p, 40)? >> 5) & 0x1F);
        s.video = Some((w, h, Rate::new(n, d, FpsMode::Cfr), shift));
    } else {
        return None;
    }
    Some(s)
}

/// Probes an Ogg file.
pub fn probe<S: Source + ?Sized>(src: &S) -> Option<ProbeInfo> {
    let size = src.size();
    let head = src.read(0, HEAD.min(size))?;
    let mut streams: Vec<Stream> = Vec::new();
    for (serial, _, bos, packet) in pages(&head) {
        if !bos {
            break; // every stream begins before any data page
        }
        // A stream of an unknown codec (Skeleton, Kate…) is not media.
        streams.extend(stream(serial, packet));
    }
    if streams.is_empty() {
        return None;
    }
    let from = size.saturating_sub(TAIL);
    let tail = src.read(from, size - from)?;
    let mut last: Vec<(u32, u64)> = Vec::new();
    for (serial, granule, _, _) in pages(&tail) {
        if granule != u64::MAX {
            match last.iter_mut().find(|l| l.0 == serial) {
                Some(l) => l.1 = granule,
                None => last.push((serial, granule)),
            }
        }
    }
    let mut out = ProbeInfo {
        container: Some("ogg".into()),
        ..ProbeInfo::default()
    };
    let mut longest = 0f64;
    for s in &streams {
        let granule = last.iter().find(|l| l.0 == s.serial).map(|l| l.1);
        if let Some(a) = &s.audio {
            out.audio.push(a.clone());
            if let Some(g) = granule.filter(|_| s.rate > 0) {
                // Opus's pre-skip is counted, as FFmpeg and MediaInfo count
                // it (RFC 7845's playback length would subtract it).
                longest = longest.max(g as f64 / s.rate as f64);
            }
        } else if let Some((w, h, rate, shift)) = s.video
            && out.video.is_none()
        {
            if let (Some(g), Some(r)) = (granule, rate) {
                // Theora: keyframe number above the shift, frames since below.
                let frames = (g >> shift) + (g & ((1 << shift) - 1));
                longest = longest.max(frames as f64 * r.den as f64 / r.num as f64);
            }
            out.video = Some(
                VideoInfo {
                    codec: "theora".into(),
                    width: w,
                    height: h,
                    ..VideoInfo::default()
                }
                .with_rate(rate),
            );
        }
    }
    if longest > 0.0 {
        out.duration_s = Some((longest * 1e6).round() / 1e6);
        out.bit_rate = Some((size as f64 * 8.0 / longest) as u64);
    }
    Some(out)
}
