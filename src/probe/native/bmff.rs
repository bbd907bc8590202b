//! QuickTime and MP4 (ISO BMFF): finds `moov` wherever it sits (start or
//! end), reads each track's sample description and tables, and reads the
//! first video frame's header and the first timecode sample, never more.
//! Numbers are computed as FFmpeg 5.1's mov demuxer computes them (format
//! duration from `mvhd`, frame rate from `stts`, stream bit rate from `stsz`
//! over the media duration), so ffprobe and this reader agree to the digit.
//! Fragmented files, several sample descriptions, and codecs this reader
//! does not know return `None`, and ffprobe answers.

use super::Source;
use super::bytes::{be32, be64, u8_at};
use super::video::{self, Picture};
use crate::probe::{AudioInfo, ProbeInfo, VideoInfo};

/// The largest `moov` read (a 3-hour 4K file's tables are a few MiB).
const MOOV_CAP: u64 = 64 << 20;
/// Top-level boxes looked at before giving up.
const TOP_CAP: usize = 10_000;
/// Bytes of the first frame read for its header (DNxHD's is 640).
const FRAME_HEAD: u64 = 1024;

/// Whether `head` opens like a QuickTime/MP4 file.
pub fn looks_like(head: &[u8]) -> bool {
    matches!(
        head.get(4..8),
        Some(b"ftyp" | b"moov" | b"mdat" | b"wide" | b"free" | b"skip" | b"pnot")
    )
}

/// The child boxes of `b` as (type, body); `None` if any header is malformed.
pub fn children(b: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < b.len() {
        // Some muxers pad a container with a 32-bit zero terminator.
        if b.len() - at == 4 && be32(b, at)? == 0 {
            break;
        }
        let size = be32(b, at)? as usize;
        let kind: [u8; 4] = b.get(at + 4..at + 8)?.try_into().ok()?;
        let (header, size) = match size {
            0 => (8, b.len() - at),
            1 => (16, usize::try_from(be64(b, at + 8)?).ok()?),
            s => (8, s),
        };
        if size < header {
            return None;
        }
        let end = at.checked_add(size)?;
        out.push((kind, b.get(at + header..end)?));
        at = end;
    }
    Some(out)
}

fn child<'a>(b: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    children(b)?
        .into_iter()
        .find(|(k, _)| k == kind)
        .map(|(_, v)| v)
}

/// Finds `moov` among the top-level boxes and reads it.
fn read_moov<S: Source + ?Sized>(src: &S) -> Option<Vec<u8>> {
    let size = src.size();
    let mut at = 0u64;
    let mut moov = None;
    for _ in 0..TOP_CAP {
        if at >= size {
            return moov;
        }
        let h = src.read(at, 16.min(size - at))?;
        let kind = h.get(4..8)?;
        let (header, len) = match be32(&h, 0)? {
            0 => (8, size - at),
            1 => (16, be64(&h, 8)?),
            s => (8, u64::from(s)),
        };
        if len < header || at.checked_add(len)? > size {
            return None; // truncated or lying: ffprobe decides what is left
        }
        match kind {
            b"moov" if moov.is_none() && len - header <= MOOV_CAP => {
                moov = Some(src.read(at + header, len - header)?)
            }
            b"moov" | b"moof" => return None, // fragmented, or a second movie
            _ => {}
        }
        at += len;
    }
    None
}

/// What one `trak` says, as far as a probe needs.
struct Track<'a> {
    handler: [u8; 4],
    timescale: u32,
    duration: u64,
    fourcc: [u8; 4],
    entry: &'a [u8],
    frames: u64,
    frames_duration: u64,
    data_size: u64,
    first_size: u64,
    first_chunk: Option<u64>,
    last_chunk: u64,
}

/// (timescale, duration) of an `mvhd` or `mdhd`, whose layouts agree up to there.
fn timescale_duration(b: &[u8]) -> Option<(u32, u64)> {
    if u8_at(b, 0)? == 1 {
        Some((be32(b, 20)?, be64(b, 24)?))
    } else {
        Some((be32(b, 12)?, u64::from(be32(b, 16)?)))
    }
}

fn track(trak: &[u8]) -> Option<Track<'_>> {
    let mdia = child(trak, b"mdia")?;
    let (timescale, duration) = timescale_duration(child(mdia, b"mdhd")?)?;
    let handler: [u8; 4] = child(mdia, b"hdlr")?.get(8..12)?.try_into().ok()?;
    let stbl = child(child(mdia, b"minf")?, b"stbl")?;
    let stsd = child(stbl, b"stsd")?;
    if be32(stsd, 4)? != 1 {
        return None; // several sample descriptions: FFmpeg switches per sample
    }
    let (fourcc, entry) = children(stsd.get(8..)?)?.into_iter().next()?;
    let (mut frames, mut frames_duration) = (0u64, 0u64);
    if let Some(stts) = child(stbl, b"stts") {
        let n = be32(stts, 4)? as usize;
        for i in 0..n {
            let count = u64::from(be32(stts, 8 + i * 8)?);
            let delta = u64::from(be32(stts, 12 + i * 8)?);
            frames = frames.checked_add(count)?;
            frames_duration = frames_duration.checked_add(count.checked_mul(delta)?)?;
        }
    }
    let stsz = child(stbl, b"stsz")?;
    let (fixed, count) = (u64::from(be32(stsz, 4)?), be32(stsz, 8)? as usize);
    let (data_size, first_size) = if fixed != 0 {
        (fixed.checked_mul(count as u64)?, fixed)
    } else {
        let mut sum = 0u64;
        for i in 0..count {
            sum += u64::from(be32(stsz, 12 + i * 4)?);
        }
        (sum, u64::from(be32(stsz, 12).unwrap_or(0)))
    };
    let (first_chunk, last_chunk) = match (child(stbl, b"stco"), child(stbl, b"co64")) {
        (Some(b), _) if be32(b, 4)? > 0 => {
            let last = 8 + (be32(b, 4)? as usize - 1) * 4;
            (Some(u64::from(be32(b, 8)?)), u64::from(be32(b, last)?))
        }
        (_, Some(b)) if be32(b, 4)? > 0 => {
            let last = 8 + (be32(b, 4)? as usize - 1) * 8;
            (Some(be64(b, 8)?), be64(b, last)?)
        }
        _ => (None, 0),
    };
    Some(Track {
        handler,
        timescale,
        duration,
        fourcc,
        entry,
        frames,
        frames_duration,
        data_size,
        first_size: if count > 0 { first_size } else { 0 },
        first_chunk,
        last_chunk,
    })
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The picture of a video track, from its codec configuration or first frame.
fn picture<S: Source + ?Sized>(src: &S, t: &Track) -> Option<Picture> {
    let frame = || {
        let at = t.first_chunk?;
        let len = t
            .first_size
            .min(FRAME_HEAD)
            .min(src.size().checked_sub(at)?);
        src.read(at, len)
    };
    match &t.fourcc {
        b"avc1" | b"avc3" => video::avcc(child(t.entry.get(78..)?, b"avcC")?),
        b"hvc1" | b"hev1" => super::hevc::hvcc(child(t.entry.get(78..)?, b"hvcC")?),
        f if video::prores_profile(f).is_some() => video::prores(f, &frame()?),
        b"AVdn" | b"AVdh" => video::dnxhd(&frame()?),
        _ => None,
    }
}

fn video_info<S: Source + ?Sized>(src: &S, t: &Track) -> Option<VideoInfo> {
    let pic = picture(src, t)?;
    // avg_frame_rate: every stts sample over the summed durations, reduced as
    // FFmpeg reduces it (rationals past 2^31 would be approximated: decline).
    let fps = if t.frames > 0 && t.frames_duration > 0 {
        let num = u64::from(t.timescale).checked_mul(t.frames)?;
        let g = gcd(num, t.frames_duration);
        let (n, d) = (num / g, t.frames_duration / g);
        if n > i32::MAX as u64 || d > i32::MAX as u64 {
            return None;
        }
        Some(n as f64 / d as f64)
    } else {
        None
    };
    let bit_rate = (t.duration > 0)
        .then(|| {
            let bits = u128::from(t.data_size) * 8 * u128::from(t.timescale);
            u64::try_from(bits / u128::from(t.duration)).ok()
        })
        .flatten();
    Some(VideoInfo {
        codec: pic.codec.into(),
        profile: pic.profile,
        width: pic.width,
        height: pic.height,
        fps,
        pix_fmt: Some(pic.pix_fmt.into()),
        bit_rate,
    })
}

/// The start timecode of a `tmcd` track, formatted as FFmpeg formats it.
fn timecode<S: Source + ?Sized>(src: &S, t: &Track) -> Option<String> {
    let flags = be32(t.entry, 12)?;
    let (scale, frame_dur) = (u64::from(be32(t.entry, 16)?), u64::from(be32(t.entry, 20)?));
    let at = t.first_chunk?;
    if t.first_size < 4 || frame_dur == 0 {
        return None;
    }
    let value = be32(&src.read(at, 4)?, 0)? as i32;
    let flags = super::TcFlags {
        drop: flags & 1 != 0,
        max24: flags & 2 != 0,
        negative: flags & 4 != 0,
    };
    let fps = i64::try_from((scale + frame_dur / 2) / frame_dur).ok()?;
    super::timecode(i64::from(value), fps, flags)
}

/// Probes a QuickTime/MP4 file.
pub fn parse<S: Source + ?Sized>(src: &S) -> Option<ProbeInfo> {
    let size = src.size();
    let moov = read_moov(src)?;
    let boxes = children(&moov)?;
    if boxes.iter().any(|(k, _)| k == b"mvex") {
        return None;
    }
    let (scale, duration) = timescale_duration(boxes.iter().find(|(k, _)| k == b"mvhd")?.1)?;
    if scale == 0 || duration == 0 {
        return None;
    }
    // av_rescale: microseconds, rounded to nearest.
    let us = (u128::from(duration) * 1_000_000 + u128::from(scale) / 2) / u128::from(scale);
    let us = u64::try_from(us).ok().filter(|us| *us > 0)?;
    let mut video: Option<VideoInfo> = None;
    let mut audio: Vec<AudioInfo> = Vec::new();
    let mut tc = None;
    for (_, trak) in boxes.iter().filter(|(k, _)| k == b"trak") {
        let t = track(trak)?;
        if t.first_chunk.is_some() && t.last_chunk >= size {
            return None; // samples past the end: a truncated file
        }
        match &t.handler {
            b"vide" if video.is_none() => video = Some(video_info(src, &t)?),
            b"vide" => {}
            b"soun" => audio.push(super::sound::parse(&t.fourcc, t.entry)?),
            b"tmcd" if tc.is_none() && &t.fourcc == b"tmcd" => tc = timecode(src, &t),
            _ => {}
        }
    }
    if video.is_none() && audio.is_empty() {
        return None;
    }
    Some(ProbeInfo {
        container: Some("mov,mp4,m4a,3gp,3g2,mj2".into()),
        duration_s: Some(us as f64 / 1e6),
        bit_rate: Some((size as f64 * 8.0 * 1e6 / us as f64) as u64),
        video,
        audio,
        timecode: tc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_refuse_lying_sizes() {
        let mut b = Vec::new();
        b.extend_from_slice(&12u32.to_be_bytes());
        b.extend_from_slice(b"free");
        b.extend_from_slice(&[1, 2, 3, 4]);
        let kids = children(&b).unwrap();
        assert_eq!(kids.len(), 1);
        assert_eq!(kids[0].1, &[1, 2, 3, 4]);
        b[3] = 13; // one byte past the end
        assert!(children(&b).is_none());
        b[3] = 4; // smaller than its own header
        assert!(children(&b).is_none());
    }
}
