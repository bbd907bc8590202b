//! QuickTime and MP4 (ISO BMFF): finds `moov` wherever it sits (start or
//! end), reads each track's sample description and tables, and reads the
//! first video frame's header and the first timecode sample, never more.
//! Numbers are computed as FFmpeg 5.1's mov demuxer computes them (format
//! duration from `mvhd`, frame rate from `stts`, stream bit rate from `stsz`
//! over the media duration), so ffprobe and this reader agree to the digit.
//! Fragmented files are read fragment by fragment (`trun` tables, `trex`
//! defaults) as FFmpeg reads them. Several sample descriptions, edit lists
//! in fragmented files, and codecs this reader does not know return `None`,
//! and ffprobe answers.

use super::Source;
use super::bytes::{be16, be32, be64, u8_at};
use super::video::{self, Picture};
use crate::probe::rate::Rate;
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

/// Most movie fragments followed (an hour of one-second fragments is 3,600).
const FRAGMENTS_CAP: usize = 100_000;
/// The largest `moof` read.
const MOOF_CAP: u64 = 16 << 20;

/// Finds `moov` among the top-level boxes and reads it, with the position
/// and body length of every movie fragment (`moof`) and the segment indexes.
fn read_moov<S: Source + ?Sized>(src: &S) -> Option<(Vec<u8>, Vec<Moof>, Vec<SegmentIndex>)> {
    let size = src.size();
    let mut at = 0u64;
    let mut moov = None;
    let mut moofs = Vec::new();
    let mut sidx = Vec::new();
    for _ in 0..TOP_CAP + FRAGMENTS_CAP * 2 {
        if at >= size {
            return moov.map(|m| (m, moofs, sidx));
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
            b"moof" if moov.is_some() && moofs.len() < FRAGMENTS_CAP => moofs.push(Moof {
                at,
                body: at + header,
                len: len - header,
            }),
            b"moov" | b"moof" => return None, // a second movie, or too many fragments
            b"sidx" if len - header <= SIDX_CAP => {
                let body = src.read(at + header, len - header)?;
                sidx.push(SegmentIndex::parse(&body, at + len, size)?);
            }
            b"sidx" => return None,
            _ => {}
        }
        at += len;
    }
    None
}

/// The largest `sidx` read (65,535 references of 12 bytes, and its header).
const SIDX_CAP: u64 = 1 << 20;

/// What a segment index (`sidx`, ISO/IEC 14496-12 8.16.3) says about its
/// track, as FFmpeg 5.1's `mov_read_sidx` reads it: the track ends at the
/// earliest presentation time plus every subsegment's duration (counted in
/// the track's own time scale, as FFmpeg counts it), and the index is
/// complete when its subsegments reach the end of the file.
struct SegmentIndex {
    track_id: u32,
    end: u64,
    complete: bool,
}

impl SegmentIndex {
    /// `body` after the box header; `box_end` is where the box ends, `size`
    /// the file's. `None` on a malformed or hierarchical index, which
    /// FFmpeg rejects too.
    fn parse(body: &[u8], box_end: u64, size: u64) -> Option<Self> {
        let version = u8_at(body, 0)?;
        let track_id = be32(body, 4)?;
        let (mut end, first_offset, at) = match version {
            0 => (u64::from(be32(body, 12)?), u64::from(be32(body, 16)?), 20),
            1 => (be64(body, 12)?, be64(body, 20)?, 28),
            _ => return None,
        };
        let count = usize::from(be16(body, at + 2)?);
        let mut offset = box_end.checked_add(first_offset)?;
        for i in 0..count {
            let reference = be32(body, at + 4 + i * 12)?;
            if reference & 0x8000_0000 != 0 {
                return None; // an index of indexes
            }
            offset = offset.checked_add(u64::from(reference))?;
            end = end.checked_add(u64::from(be32(body, at + 8 + i * 12)?))?;
        }
        (count > 0).then_some(Self {
            track_id,
            end,
            complete: offset == size,
        })
    }
}

/// Where a movie fragment box is: its start, its body's start and length.
struct Moof {
    at: u64,
    body: u64,
    len: u64,
}

/// Whether every sample lasts the same time. The last sample may differ: a
/// muxer closing a stream gives it whatever time is left.
#[derive(Default, Clone, Copy, Debug)]
struct Uniform {
    delta: Option<u64>,
    /// A sample of another duration was seen, so far only as the last one.
    odd_last: bool,
    mixed: bool,
}

impl Uniform {
    fn push(&mut self, delta: u64, count: u64) {
        if count == 0 {
            return;
        }
        if self.odd_last {
            self.mixed = true;
        }
        match self.delta {
            None => self.delta = Some(delta),
            Some(d) if d == delta => {}
            Some(_) if count == 1 => self.odd_last = true,
            Some(_) => self.mixed = true,
        }
    }

    /// Adds the samples of later fragments.
    fn merge(&mut self, o: Uniform) {
        if let Some(d) = o.delta {
            self.push(d, 2);
        }
        self.mixed |= o.mixed;
        self.odd_last |= o.odd_last;
    }

    /// The common sample duration of a constant-rate track.
    fn constant(&self) -> Option<u64> {
        self.delta.filter(|_| !self.mixed)
    }
}

/// Per-track sums over every fragment: (samples, duration, bytes, first sample offset).
#[derive(Default, Clone, Copy)]
struct Fragmented {
    /// Earliest decode time + composition offset seen (first 1,000 samples).
    first_pts: Option<i64>,
    samples: u64,
    duration: u64,
    uniform: Uniform,
    default_duration: u64,
    /// Where the first fragment's `tfdt` puts the track's start.
    base: u64,
    bytes: u64,
    first_offset: Option<u64>,
    first_size: Option<u64>,
}

/// Adds up the `trun` samples of every fragment, per track ID, with the
/// `trex` defaults. `ids` are the tracks' IDs and `starts` the durations
/// their `moov` tables already cover. `None` for anything FFmpeg could read
/// differently: a `tfdt` that does not continue the track, an unknown
/// track. `mehd` is ignored, as FFmpeg 5.1 ignores it for the durations.
fn fragments<S: Source + ?Sized>(
    src: &S,
    mvex: &[u8],
    moofs: &[Moof],
    ids: &[u32],
    starts: &[u64],
) -> Option<Vec<Fragmented>> {
    let kids = children(mvex)?;
    // track ID → (default duration, default size)
    let defaults: Vec<(u32, u32, u32)> = kids
        .iter()
        .filter(|(k, _)| k == b"trex")
        .map(|(_, b)| Some((be32(b, 4)?, be32(b, 12)?, be32(b, 16)?)))
        .collect::<Option<_>>()?;
    let mut out = vec![Fragmented::default(); ids.len()];
    for (slot, id) in ids.iter().enumerate() {
        if let Some(d) = defaults.iter().find(|d| d.0 == *id) {
            out[slot].default_duration = u64::from(d.1);
        }
    }
    for m in moofs {
        if m.len > MOOF_CAP {
            return None;
        }
        let at = m.at;
        let moof = src.read(m.body, m.len)?;
        for (_, traf) in children(&moof)?.into_iter().filter(|(k, _)| k == b"traf") {
            let boxes = children(traf)?;
            let tfhd = boxes.iter().find(|(k, _)| k == b"tfhd")?.1;
            let flags = be32(tfhd, 0)? & 0xFF_FFFF;
            let id = be32(tfhd, 4)?;
            let slot = ids.iter().position(|&t| t == id)?;
            let (_, mut dur, mut size) = *defaults.iter().find(|d| d.0 == id)?;
            let mut p = 8;
            let base = if flags & 1 != 0 {
                p += 8;
                be64(tfhd, 8)?
            } else {
                at
            };
            if flags & 2 != 0 {
                p += 4;
            }
            if flags & 8 != 0 {
                dur = be32(tfhd, p)?;
                p += 4;
            }
            if flags & 0x10 != 0 {
                size = be32(tfhd, p)?;
            }
            let sums = &mut out[slot];
            if let Some((_, tfdt)) = boxes.iter().find(|(k, _)| k == b"tfdt") {
                let start = if u8_at(tfdt, 0)? == 1 {
                    be64(tfdt, 4)?
                } else {
                    u64::from(be32(tfdt, 4)?)
                };
                // A segment cut from the middle of a stream starts late: its
                // first `tfdt` is where its timeline begins.
                // Later, a `tfdt` that does not continue the track is a gap
                // or an overlap, whose length readers count differently: decline.
                if sums.samples == 0 && sums.base == 0 {
                    sums.base = start.saturating_sub(starts[slot]);
                } else if start != starts[slot] + sums.base + sums.duration {
                    return None;
                }
            }
            for (_, trun) in boxes.iter().filter(|(k, _)| k == b"trun") {
                let tflags = be32(trun, 0)? & 0xFF_FFFF;
                let count = be32(trun, 4)? as usize;
                let mut q = 8;
                // Without a data offset, the samples start at the base.
                let mut data_at = Some(base);
                if tflags & 1 != 0 {
                    let offset = i64::from(be32(trun, q)? as i32);
                    data_at = u64::try_from(i64::try_from(base).ok()? + offset).ok();
                    sums.first_offset = sums.first_offset.or(data_at);
                    q += 4;
                }
                let bytes_before = sums.bytes;
                if tflags & 4 != 0 {
                    q += 4;
                }
                let fields = [0x100, 0x200, 0x400, 0x800]
                    .iter()
                    .filter(|f| tflags & **f != 0)
                    .count();
                if trun.len() < q + count * fields * 4 {
                    return None;
                }
                for _ in 0..count {
                    let mut d = dur;
                    let mut z = size;
                    if tflags & 0x100 != 0 {
                        d = be32(trun, q)?;
                        q += 4;
                    }
                    if tflags & 0x200 != 0 {
                        z = be32(trun, q)?;
                        q += 4;
                    }
                    q += 4 * usize::from(tflags & 0x400 != 0);
                    if tflags & 0x800 != 0 {
                        let raw = be32(trun, q)?;
                        // Version 1 offsets are signed; version 0 FFmpeg reads as signed too.
                        let off = i64::from(raw as i32);
                        q += 4;
                        if sums.samples < 1000 {
                            let dts =
                                i64::try_from(starts[slot] + sums.base + sums.duration).ok()?;
                            let pts = dts + off;
                            sums.first_pts = Some(sums.first_pts.map_or(pts, |p| p.min(pts)));
                        }
                    }
                    sums.first_size = sums.first_size.or(Some(u64::from(z)));
                    sums.samples += 1;
                    sums.uniform.push(u64::from(d), 1);
                    sums.duration = sums.duration.checked_add(u64::from(d))?;
                    sums.bytes = sums.bytes.checked_add(u64::from(z))?;
                }
                // Samples past the end of the file: truncated, or its media
                // data stripped (test files keep only the boxes).
                if let Some(at) = data_at
                    && at.saturating_add(sums.bytes - bytes_before) > src.size()
                {
                    return None;
                }
            }
        }
    }
    Some(out)
}

/// What one `trak` says, as far as a probe needs.
struct Track<'a> {
    id: u32,
    /// The `mdhd` duration as stated.
    stated_duration: u64,
    /// The media time the edit list's first non-empty edit starts at.
    media_time: i64,
    /// Sample durations and composition offsets, read only for fragmented
    /// files (where B-frames make a track start after zero).
    stts: Option<&'a [u8]>,
    ctts: Option<&'a [u8]>,
    /// Stream bit rate rounded rather than truncated (FFmpeg's fragmented path).
    rounded_rate: bool,
    handler: [u8; 4],
    timescale: u32,
    duration: u64,
    fourcc: [u8; 4],
    entry: &'a [u8],
    frames: u64,
    frames_duration: u64,
    uniform: Uniform,
    /// The `trex` default sample duration (an init segment's only rate).
    default_duration: u64,
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
    let tkhd = child(trak, b"tkhd")?;
    let id = be32(tkhd, if u8_at(tkhd, 0)? == 1 { 20 } else { 12 })?;
    let mut media_time = 0i64;
    if let Some(elst) = child(trak, b"edts").and_then(|e| child(e, b"elst")) {
        let v1 = u8_at(elst, 0)? == 1;
        let step = if v1 { 20 } else { 12 };
        for i in 0..(be32(elst, 4)? as usize).min(1000) {
            let at = 8 + i * step;
            let time = if v1 {
                be64(elst, at + 8)? as i64
            } else {
                i64::from(be32(elst, at + 4)? as i32)
            };
            // An empty edit (-1) delays the track; the first real one says
            // where its presentation begins.
            if time != -1 {
                media_time = time;
                break;
            }
        }
    }
    let mdia = child(trak, b"mdia")?;
    let (timescale, duration) = timescale_duration(child(mdia, b"mdhd")?)?;
    let handler: [u8; 4] = child(mdia, b"hdlr")?.get(8..12)?.try_into().ok()?;
    let stbl = child(child(mdia, b"minf")?, b"stbl")?;
    let stsd = child(stbl, b"stsd")?;
    // Several sample descriptions (an encrypted and a clear one, or a
    // codec change): the stream is described by the first, as FFmpeg's is.
    if be32(stsd, 4)? == 0 {
        return None;
    }
    let (fourcc, entry) = children(stsd.get(8..)?)?.into_iter().next()?;
    let (mut frames, mut frames_duration) = (0u64, 0u64);
    let mut uniform = Uniform::default();
    let stts = child(stbl, b"stts");
    if let Some(stts) = stts {
        let n = be32(stts, 4)? as usize;
        for i in 0..n {
            let count = u64::from(be32(stts, 8 + i * 8)?);
            let delta = u64::from(be32(stts, 12 + i * 8)?);
            uniform.push(delta, count);
            frames = frames.checked_add(count)?;
            frames_duration = frames_duration.checked_add(count.checked_mul(delta)?)?;
        }
    }
    let ctts = child(stbl, b"ctts");
    let (data_size, first_size, count) = match child(stbl, b"stsz") {
        Some(stsz) => sample_sizes(stsz)?,
        None => compact_sample_sizes(child(stbl, b"stz2")?)?,
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
        id,
        media_time,
        // All ones is "unknown" (ISO/IEC 14496-12, 8.4.2.3), as fragmented
        // files often state it.
        stated_duration: if duration == u64::MAX || duration == u64::from(u32::MAX) {
            0
        } else {
            duration
        },
        stts,
        ctts,
        rounded_rate: false,
        handler,
        timescale,
        // As FFmpeg's mov_read_stts: the summed sample durations cap the
        // media duration (a trimmed export states a longer `mdhd`), and the
        // stream bit rate is computed over that.
        duration: if frames_duration > 0 {
            duration.min(frames_duration)
        } else {
            duration
        },
        fourcc,
        entry,
        frames,
        frames_duration,
        uniform,
        default_duration: 0,
        data_size,
        first_size: if count > 0 { first_size } else { 0 },
        first_chunk,
        last_chunk,
    })
}

/// An `stsz` box: (total bytes, first sample's bytes, samples).
fn sample_sizes(stsz: &[u8]) -> Option<(u64, u64, usize)> {
    let (fixed, count) = (u64::from(be32(stsz, 4)?), be32(stsz, 8)? as usize);
    if fixed != 0 {
        return Some((fixed.checked_mul(count as u64)?, fixed, count));
    }
    let mut sum = 0u64;
    for i in 0..count {
        sum += u64::from(be32(stsz, 12 + i * 4)?);
    }
    Some((sum, u64::from(be32(stsz, 12).unwrap_or(0)), count))
}

/// An `stz2` box (compact sample sizes of 4, 8 or 16 bits).
fn compact_sample_sizes(stz2: &[u8]) -> Option<(u64, u64, usize)> {
    let bits = usize::from(u8_at(stz2, 7)?);
    let count = be32(stz2, 8)? as usize;
    let size = |i: usize| -> Option<u64> {
        Some(match bits {
            4 => u64::from(
                u8_at(stz2, 12 + i / 2)? >> (if i.is_multiple_of(2) { 4 } else { 0 }) & 0xF,
            ),
            8 => u64::from(u8_at(stz2, 12 + i)?),
            16 => u64::from(be16(stz2, 12 + i * 2)?),
            _ => return None,
        })
    };
    let mut sum = 0u64;
    for i in 0..count {
        sum += size(i)?;
    }
    Some((sum, if count > 0 { size(0)? } else { 0 }, count))
}

/// The earliest decode time + composition offset over the samples of an
/// `stts` and a `ctts` box (only the first samples can hold it, so at most
/// 1,000 are looked at); 0 without `ctts`.
fn first_pts(stts: Option<&[u8]>, ctts: Option<&[u8]>) -> Option<i64> {
    let (Some(stts), Some(ctts)) = (stts, ctts) else {
        return Some(0);
    };
    let runs = (0..be32(stts, 4)? as usize)
        .map(|i| {
            Some((
                u64::from(be32(stts, 8 + i * 8)?),
                u64::from(be32(stts, 12 + i * 8)?),
            ))
        })
        .collect::<Option<Vec<_>>>()?;
    let signed = u8_at(ctts, 0)? == 1;
    let entries = be32(ctts, 4)? as usize;
    let offsets = (0..entries).flat_map(|i| {
        let count = be32(ctts, 8 + i * 8).unwrap_or(0);
        let raw = be32(ctts, 12 + i * 8).unwrap_or(0);
        let off = if signed {
            i64::from(raw as i32)
        } else {
            i64::from(raw)
        };
        std::iter::repeat_n(off, count as usize)
    });
    let dts = runs
        .iter()
        .flat_map(|&(count, delta)| std::iter::repeat_n(delta, count.min(1000) as usize));
    let mut t = 0i64;
    let mut best = i64::MAX;
    for (delta, off) in dts.zip(offsets).take(1000) {
        best = best.min(t + off);
        t += i64::try_from(delta).ok()?;
    }
    Some(if best == i64::MAX { 0 } else { best })
}

/// The length segment indexes give tracks without samples, as FFmpeg 5.1
/// reads them: each indexed track ends where its last index does, and once
/// an index is complete the other tracks end with the first indexed one.
fn indexed_length(tracks: &[Track], sidx: &[SegmentIndex]) -> Option<u64> {
    let ends = |t: &Track| {
        let own = sidx.iter().rev().find(|s| s.track_id == t.id);
        own.map(|s| rescale_us(s.end, t.timescale))
            .unwrap_or_else(|| {
                let first = sidx.first().filter(|_| sidx.iter().any(|s| s.complete))?;
                let by = tracks.iter().find(|r| r.id == first.track_id)?;
                rescale_us(first.end, by.timescale)
            })
    };
    tracks
        .iter()
        .filter(|t| t.timescale > 0)
        .filter_map(ends)
        .max()
}

/// av_rescale to microseconds, rounded to nearest; `None` for zero.
fn rescale_us(duration: u64, scale: u32) -> Option<u64> {
    let us = (u128::from(duration) * 1_000_000 + u128::from(scale) / 2) / u128::from(scale);
    u64::try_from(us).ok().filter(|us| *us > 0)
}

/// The start of a track's first sample (its frame header).
fn first_sample<S: Source + ?Sized>(src: &S, t: &Track) -> Option<Vec<u8>> {
    let at = t.first_chunk?;
    let len = t
        .first_size
        .min(FRAME_HEAD)
        .min(src.size().checked_sub(at)?);
    src.read(at, len)
}

/// The picture of a video track, from its codec configuration or first frame.
fn picture<S: Source + ?Sized>(src: &S, t: &Track) -> Option<Picture> {
    let frame = || first_sample(src, t);
    let boxes = || children(t.entry.get(78..)?);
    let config = |kind: &[u8; 4]| {
        boxes()?
            .into_iter()
            .find(|(k, _)| k == kind)
            .map(|(_, b)| b)
    };
    // Encrypted tracks (`encv`) name their codec in `sinf`/`frma`.
    let fourcc = match &t.fourcc {
        b"encv" => config(b"sinf")
            .and_then(|s| child(s, b"frma"))
            .and_then(|f| f.get(..4)?.try_into().ok())
            .unwrap_or(t.fourcc),
        f => *f,
    };
    // The size the sample entry states: what a decoder is told to expect.
    let stated = |codec: &'static str| {
        Some(Picture {
            codec,
            profile: None,
            width: be16(t.entry, 24)?.into(),
            height: be16(t.entry, 26)?.into(),
            pix_fmt: None,
        })
    };
    // A codec's own header knows better (cropping, thin rasters, profile);
    // when it cannot be read, the sample entry answers.
    let read = match &fourcc {
        b"avc1" | b"avc3" => config(b"avcC").and_then(video::avcc),
        b"hvc1" | b"hev1" => config(b"hvcC").and_then(super::hevc::hvcc),
        f if video::prores_profile(f).is_some() => frame().and_then(|b| video::prores(f, &b)),
        b"AVdn" | b"AVdh" => frame().and_then(|b| video::dnxhd(&b)),
        b"mp4v" => {
            let (oti, _) = config(b"esds").and_then(super::sound::esds_config)?;
            return stated(super::fourcc::video_object_type(oti)?);
        }
        _ => None,
    };
    read.or_else(|| stated(super::fourcc::video(&fourcc)?))
}

fn video_info<S: Source + ?Sized>(src: &S, t: &Track) -> Option<VideoInfo> {
    let pic = picture(src, t)?;
    // The nominal rate: one sample duration for a constant-rate track (an
    // edit list does not change it), else the average over every sample;
    // an init segment without samples has only its `trex` default.
    let scale = u64::from(t.timescale);
    // Without either (an init segment muxed without defaults), the rate the
    // H.264 SPS states.
    let sps_rate = || {
        let kids = children(t.entry.get(78..)?)?;
        let config = |kind: &[u8; 4]| kids.iter().find(|(k, _)| k == kind).map(|(_, b)| *b);
        match (config(b"avcC"), config(b"hvcC")) {
            (Some(c), _) => video::avcc_timed(c)?.1,
            (_, Some(c)) => super::hevc::hvcc_timed(c)?.1,
            _ => None,
        }
    };
    let rate = match t.uniform.constant() {
        _ if t.frames == 0 => Rate::constant(scale, t.default_duration).or_else(sps_rate),
        Some(delta) => Rate::constant(scale, delta),
        None => Rate::average(t.frames, scale, t.frames_duration, false),
    };
    let bit_rate = (t.duration > 0)
        .then(|| {
            let bits = u128::from(t.data_size) * 8 * u128::from(t.timescale);
            let d = u128::from(t.duration);
            let rate = if t.rounded_rate {
                (bits + d / 2) / d
            } else {
                bits / d
            };
            u64::try_from(rate).ok()
        })
        .flatten();
    Some(VideoInfo {
        bit_rate,
        ..pic.video(rate)
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
    let fps = u32::try_from((scale + frame_dur / 2) / frame_dur).ok()?;
    super::timecode(value, fps, flags)
}

/// Why no reader can describe `src`, when that is certain: its boxes are
/// whole and none is a movie header (`moov`), which is where every track's
/// codec is described. A media segment of a segmented stream (CMAF/DASH
/// `moof` + `mdat`) has its description in the stream's init segment.
pub fn refuse<S: Source + ?Sized>(src: &S) -> Option<String> {
    let size = src.size();
    let mut at = 0u64;
    let mut fragments = false;
    for _ in 0..TOP_CAP + FRAGMENTS_CAP * 2 {
        if at == size {
            return Some(if fragments {
                "a media segment without its init segment: the codecs are described in the \
                 stream's init segment (`moov`), not here"
                    .to_string()
            } else {
                "no movie header (`moov`): nothing describes the media in this file".to_string()
            });
        }
        let h = src.read(at, 16.min(size - at))?;
        let len = match be32(&h, 0)? {
            1 => be64(&h, 8)?,
            0 => size - at,
            s => u64::from(s),
        };
        let kind = h.get(4..8)?;
        // A movie header, an image's items (HEIF `meta`), or a box that
        // lies about its size: not certain, ffprobe decides.
        if kind == b"moov" || kind == b"meta" || len < 8 {
            return None;
        }
        // The file ends inside a box that is not the movie header: any
        // `moov` would have come after it, so none is left to read.
        if at.checked_add(len)? > size {
            return (at > 0 && kind == b"mdat").then(|| {
                "cut short inside its media data, before any movie header (`moov`): \
                 nothing describes the media left in this file"
                    .to_string()
            });
        }
        fragments |= kind == b"moof";
        at += len;
    }
    None
}

/// Probes a QuickTime/MP4 file.
pub fn parse<S: Source + ?Sized>(src: &S) -> Option<ProbeInfo> {
    let size = src.size();
    let (moov, moofs, sidx) = read_moov(src)?;
    let boxes = children(&moov)?;
    let mut tracks: Vec<Track> = boxes
        .iter()
        .filter(|(k, _)| k == b"trak")
        .map(|(_, t)| track(t))
        .collect::<Option<_>>()?;
    let (movie_scale, movie_duration) =
        timescale_duration(boxes.iter().find(|(k, _)| k == b"mvhd")?.1)?;
    let us = match boxes.iter().find(|(k, _)| k == b"mvex") {
        None if !moofs.is_empty() => return None,
        // A movie, or one prepared for fragments that never came: `mvhd`.
        _ if moofs.is_empty() && movie_duration > 0 && movie_scale > 0 => {
            rescale_us(movie_duration, movie_scale)
        }
        None => None,
        Some((_, mvex)) => {
            // Fragmented: FFmpeg reads every fragment's sample tables and
            // takes the longest track, as here.
            let ids: Vec<u32> = tracks.iter().map(|t| t.id).collect();
            let starts: Vec<u64> = tracks.iter().map(|t| t.frames_duration).collect();
            let sums = fragments(src, mvex, &moofs, &ids, &starts)?;
            let mut starts_pts = Vec::with_capacity(tracks.len());
            for (t, f) in tracks.iter_mut().zip(sums) {
                t.rounded_rate = true;
                let first = if t.frames == 0 {
                    f.first_pts.unwrap_or(0)
                } else {
                    let moov = first_pts(t.stts, t.ctts)?;
                    f.first_pts.map_or(moov, |p| moov.min(p))
                };
                // The edit list moves the presentation: empty edits delay it,
                // the first edit's media time is where it begins.
                let shift = (first - t.media_time).max(0) as u64;
                starts_pts.push(shift);
                t.frames += f.samples;
                t.uniform.merge(f.uniform);
                t.default_duration = f.default_duration;
                t.frames_duration = t.frames_duration.checked_add(f.duration)?;
                t.data_size = t.data_size.checked_add(f.bytes)?;
                // A media header stating more than the samples (F4V) is the
                // track's length, as FFmpeg keeps it.
                t.duration = t.frames_duration.max(t.stated_duration);
                if t.first_chunk.is_none() {
                    t.first_chunk = f.first_offset;
                    t.first_size = f.first_size.unwrap_or(0);
                }
            }
            // As libavformat: from the earliest start to the latest end, a
            // track starting at its first presentation time (B-frames
            // start late) and lasting its summed durations.
            let spans: Vec<(u64, u64)> = tracks
                .iter()
                .zip(&starts_pts)
                // Every track with samples, captions included (FFmpeg's
                // start is the earliest stream's), the timecode track not.
                .filter(|(t, _)| &t.handler != b"tmcd" && t.timescale > 0 && t.frames > 0)
                .filter_map(|(t, &first)| {
                    let start = rescale_us(first, t.timescale).unwrap_or(0);
                    Some((start, start + rescale_us(t.duration, t.timescale)?))
                })
                .collect();
            let start = spans.iter().map(|s| s.0).min();
            let end = spans.iter().map(|s| s.1).max();
            match start.zip(end) {
                Some((s, e)) => Some(e - s).filter(|d| *d > 0),
                // An init segment has no samples: only a segment index
                // states a length, else it has none.
                None => indexed_length(&tracks, &sidx),
            }
        }
    };
    let mut video: Option<VideoInfo> = None;
    let mut audio: Vec<AudioInfo> = Vec::new();
    let mut tc = None;
    for t in &tracks {
        if t.first_chunk.is_some() && t.last_chunk >= size {
            return None; // samples past the end: a truncated file
        }
        match &t.handler {
            b"vide" if video.is_none() => {
                let mut v = video_info(src, t)?;
                // A segment index lets FFmpeg stop reading fragments early,
                // and its stream bit rate then counts only those it read:
                // this one counts every fragment, so it is left unstated.
                if !sidx.is_empty() {
                    v.bit_rate = None;
                }
                video = Some(v);
            }
            b"vide" => {}
            b"soun" => {
                let mut a = super::sound::parse(&t.fourcc, t.entry, t.timescale)?;
                // MPEG audio's sample entry states 2 channels whatever the
                // stream has: the first frame's header knows.
                if matches!(a.codec.as_str(), "mp3" | "mp2" | "mp1")
                    && let Some(f) =
                        first_sample(src, t).and_then(|b| super::elementary::mpeg_audio(&b))
                {
                    (a.codec, a.channels, a.sample_rate) = (f.codec.into(), f.channels, f.rate);
                }
                audio.push(a);
            }
            b"tmcd" if tc.is_none() && &t.fourcc == b"tmcd" => tc = timecode(src, t),
            _ => {}
        }
    }
    // Tracks but no picture or sound (subtitles, metadata, captions): a
    // movie all the same, without the streams the report counts.
    if video.is_none() && audio.is_empty() && !tracks.iter().any(|t| t.frames > 0) {
        return None;
    }
    Some(ProbeInfo {
        container: Some("mov,mp4,m4a,3gp,3g2,mj2".into()),
        duration_s: us.map(|us| us as f64 / 1e6),
        bit_rate: us.map(|us| (size as f64 * 8.0 * 1e6 / us as f64) as u64),
        video,
        audio,
        timecode: tc,
        streams_unsure: false,
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
