//! MXF (OP1a, OP-Atom): the header partition's metadata sets, resolved as
//! FFmpeg 5.1's demuxer resolves them: material package tracks → source clip
//! → source package track → (sub-)descriptor. Codec from the picture coding
//! UL (VC-3/DNxHD, JPEG 2000, MPEG-2, H.264, ProRes) or, failing that, the
//! essence container UL, and the first frame's header,
//! PCM from the sound descriptor, duration from the material track's
//! sequence, timecode from its timecode component. Anything else (other
//! codecs, incomplete headers, several source clips) returns `None` for
//! ffprobe.

use super::Source;
use super::bytes::{be16, be32, be64, u8_at};
use super::video;
use crate::probe::rate::Rate;
use crate::probe::{AudioInfo, ProbeInfo};
use std::collections::HashMap;

/// The largest header metadata read.
const HEADER_CAP: u64 = 16 << 20;
/// KLV packets stepped over looking for the first picture element.
const KLV_CAP: usize = 4096;

/// Whether `head` opens with an MXF partition pack (no run-in).
pub fn looks_like(head: &[u8]) -> bool {
    head.len() >= 16
        && head[..4] == [0x06, 0x0E, 0x2B, 0x34]
        && head[4..7] == [2, 5, 1]
        && head[8..13] == [0x0D, 1, 2, 1, 1]
}

/// A BER length at `at`: (value start, length).
fn ber(b: &[u8], at: usize) -> Option<(usize, u64)> {
    let first = u8_at(b, at)?;
    if first < 0x80 {
        return Some((at + 1, u64::from(first)));
    }
    let n = usize::from(first & 0x7F);
    if n == 0 || n > 8 {
        return None;
    }
    let len = (1..=n).try_fold(0u64, |v, i| Some((v << 8) | u64::from(u8_at(b, at + i)?)))?;
    Some((at + 1 + n, len))
}

/// One local set: its kind (key bytes 13–14) and tagged fields.
struct Set<'a> {
    kind: [u8; 2],
    fields: Vec<(u16, &'a [u8])>,
}

impl<'a> Set<'a> {
    fn get(&self, tag: u16) -> Option<&'a [u8]> {
        self.fields.iter().find(|(t, _)| *t == tag).map(|(_, v)| *v)
    }
    fn uid(&self, tag: u16) -> Option<[u8; 16]> {
        self.get(tag)?.get(..16)?.try_into().ok()
    }
    fn refs(&self, tag: u16) -> Vec<[u8; 16]> {
        let Some(v) = self.get(tag) else {
            return Vec::new();
        };
        let n = be32(v, 0).unwrap_or(0) as usize;
        (0..n)
            .map_while(|i| v.get(8 + i * 16..24 + i * 16)?.try_into().ok())
            .collect()
    }
    fn int(&self, tag: u16) -> Option<i64> {
        let v = self.get(tag)?;
        Some(match v.len() {
            1 => i64::from(v[0]),
            2 => i64::from(be16(v, 0)?),
            4 => i64::from(be32(v, 0)?),
            8 => be64(v, 0)? as i64,
            _ => return None,
        })
    }
    fn rational(&self, tag: u16) -> Option<(i64, i64)> {
        let v = self.get(tag)?;
        let (n, d) = (i64::from(be32(v, 0)? as i32), i64::from(be32(v, 4)? as i32));
        (n > 0 && d > 0).then_some((n, d))
    }
}

/// Header metadata: every local set by instance UID.
fn sets(meta: &[u8]) -> Option<HashMap<[u8; 16], Set<'_>>> {
    let mut out = HashMap::new();
    let mut at = 0usize;
    while at + 16 < meta.len() {
        let key = meta.get(at..at + 16)?;
        let (body, len) = ber(meta, at + 16)?;
        let end = body.checked_add(usize::try_from(len).ok()?)?;
        let value = meta.get(body..end)?;
        // Local sets with 2-byte tags and lengths (SMPTE 377 header metadata).
        if key[..4] == [0x06, 0x0E, 0x2B, 0x34] && key[4..6] == [2, 0x53] {
            let mut fields = Vec::new();
            let mut f = 0usize;
            while f + 4 <= value.len() {
                let (tag, l) = (be16(value, f)?, usize::from(be16(value, f + 2)?));
                fields.push((tag, value.get(f + 4..f + 4 + l)?));
                f += 4 + l;
            }
            let set = Set {
                kind: [key[13], key[14]],
                fields,
            };
            if let Some(uid) = set.uid(0x3C0A) {
                out.insert(uid, set);
            }
        }
        at = end;
    }
    Some(out)
}

fn partition(src: &(impl Source + ?Sized), at: u64) -> Option<(Vec<u8>, u64)> {
    let head = src.read(at, 16 + 9)?;
    if !looks_like(&head) {
        return None;
    }
    let (body, len) = ber(&head, 16)?;
    let pack = src.read(at + body as u64, len.min(4096))?;
    Some((pack, at + body as u64 + len))
}

/// The header metadata from the header partition, or the footer's when the
/// header's is marked incomplete (growing files, some cameras), and where
/// essence may start: after the header partition's metadata, else at 0.
fn header_metadata(src: &(impl Source + ?Sized)) -> Option<(Vec<u8>, u64)> {
    let head = src.read(0, 16)?;
    let (pack, end) = partition(src, 0)?;
    if head[13] != 2 {
        return None; // not a header partition
    }
    let complete = matches!(head[14], 3 | 4);
    let (pack, end) = if complete {
        (pack, end)
    } else {
        let footer = be64(&pack, 24)?;
        if footer == 0 {
            return None;
        }
        partition(src, footer)?
    };
    let bytes = be64(&pack, 32)?;
    if bytes == 0 || bytes > HEADER_CAP {
        return None;
    }
    // HeaderByteCount starts at the primer, after any fill that pads the
    // partition pack to the KAG.
    let mut start = end;
    let klv = src.read(start, 25.min(src.size().checked_sub(start)?))?;
    if klv.get(..4)? == [0x06, 0x0E, 0x2B, 0x34] && klv.get(8..12)? == [3, 1, 2, 0x10] {
        let (body, len) = ber(&klv, 16)?;
        start = start.checked_add(body as u64)?.checked_add(len)?;
    }
    let essence = if complete { start + bytes } else { 0 };
    Some((src.read(start, bytes)?, essence))
}

/// The first bytes of the first picture essence element at or after `at`.
fn first_frame(src: &(impl Source + ?Sized), mut at: u64) -> Option<Vec<u8>> {
    let size = src.size();
    for _ in 0..KLV_CAP {
        let h = src.read(at, 25.min(size.checked_sub(at)?))?;
        let (body, len) = ber(&h, 16)?;
        let start = at + body as u64;
        if h[..4] == [0x06, 0x0E, 0x2B, 0x34]
            && h[4..6] == [1, 2]
            && h[8..12] == [0x0D, 1, 3, 1]
            && h[12] == 0x15
        {
            return src.read(start, len.min(1024).min(size.checked_sub(start)?));
        }
        at = start.checked_add(len)?;
    }
    None
}

impl Coding {
    /// FFmpeg's codec name.
    fn name(&self) -> &'static str {
        match self {
            Coding::Dnxhd => "dnxhd",
            Coding::J2k => "jpeg2000",
            Coding::Mpeg2 => "mpeg2video",
            Coding::H264 => "h264",
            Coding::ProRes(_) => "prores",
        }
    }
}

/// Picture codecs this reader knows.
enum Coding {
    Dnxhd,
    J2k,
    Mpeg2,
    H264,
    /// ProRes, with the QuickTime fourcc of its profile.
    ProRes(&'static [u8; 4]),
}

/// The codec of a picture descriptor, found as FFmpeg finds it: from the
/// picture essence coding UL when it names a known codec, otherwise from the
/// essence container UL (GStreamer, for one, writes VC-3 without a coding UL
/// and JPEG 2000 with a malformed one).
fn picture_coding(desc: &Set) -> Option<Coding> {
    let coding = desc.get(0x3201).and_then(|ul| ul.get(..15));
    if let Some(ul) = coding.filter(|ul| ul[..4] == [0x06, 0x0E, 0x2B, 0x34]) {
        match ul[8..15] {
            [4, 1, 2, 2, 0x71, _, _] => return Some(Coding::Dnxhd),
            [4, 1, 2, 2, 3, 1, _] => return Some(Coding::J2k),
            // MPEG-2 (XDCAM, IMX) and H.264 (XAVC, AVC-Intra) families.
            [4, 1, 2, 2, 1, 1..=5, _] => return Some(Coding::Mpeg2),
            [4, 1, 2, 2, 1, 0x30..=0x3F, _] => return Some(Coding::H264),
            // RDD 44: the last byte is the profile, which FFmpeg maps to
            // the QuickTime fourcc its decoder names profiles by.
            [4, 1, 2, 2, 3, 6, p] => {
                let fourcc = [b"apco", b"apcs", b"apcn", b"apch", b"ap4h", b"ap4x"];
                return fourcc
                    .get(usize::from(p).checked_sub(1)?)
                    .copied()
                    .map(Coding::ProRes);
            }
            _ => {}
        }
    }
    // Generic container mappings (SMPTE 379): 0D.01.03.01.02.xx.
    match desc.get(0x3004)?.get(8..15)? {
        [0x0D, 1, 3, 1, 2, 0x11, _] => Some(Coding::Dnxhd),
        [0x0D, 1, 3, 1, 2, 0x0C, _] => Some(Coding::J2k),
        [0x0D, 1, 3, 1, 2, 0x10, 0x60] => Some(Coding::H264),
        [0x0D, 1, 3, 1, 2, 0x04, 0x60] => Some(Coding::Mpeg2),
        _ => None,
    }
}

fn data_def(ul: &[u8]) -> Option<u8> {
    // 06.0E.2B.34.04.01.01.xx.01.03.02.02.{01 picture, 02 sound}
    (ul.get(8..12)? == [1, 3, 2, 2]).then(|| ul[12])
}

/// Probes an MXF file.
pub fn parse(src: &(impl Source + ?Sized)) -> Option<ProbeInfo> {
    let (meta, essence) = header_metadata(src)?;
    let sets = sets(&meta)?;
    let by_kind = |k: [u8; 2]| sets.values().filter(move |s| s.kind == k);
    let material = {
        let mut m = by_kind([1, 0x36]);
        let first = m.next()?;
        if m.next().is_some() {
            return None;
        }
        first
    };
    let mut video = None;
    let mut audio = Vec::new();
    let mut tc = None;
    let mut max_us = 0u64;
    // Data tracks (timed text, ancillary data): a file with only those is
    // MXF all the same, with no picture or sound for the report.
    let mut other_tracks = false;
    for track in material.refs(0x4403).iter().filter_map(|r| sets.get(r)) {
        let seq = sets.get(&track.uid(0x4803)?)?;
        let parts: Vec<&Set> = match seq.kind {
            [1, 0x0F] => seq
                .refs(0x1001)
                .iter()
                .filter_map(|r| sets.get(r))
                .collect(),
            _ => vec![seq],
        };
        if let Some(t) = parts.iter().find(|s| s.kind == [1, 0x14]) {
            if tc.is_none() {
                let flags = super::TcFlags {
                    drop: t.int(0x1503).unwrap_or(0) == 1,
                    ..Default::default()
                };
                // FFmpeg's MXF reader keeps the start in an `int` (truncating
                // the 64-bit field) and the rounded base is a UInt16.
                let start = t.int(0x1501).map(|v| v as i32);
                let fps = t.int(0x1502).and_then(|v| u16::try_from(v).ok());
                tc = start
                    .zip(fps)
                    .and_then(|(s, r)| super::timecode(s, r.into(), flags));
            }
            continue;
        }
        let Some(kind) = seq.get(0x0201).and_then(data_def) else {
            other_tracks = true;
            continue;
        };
        if kind != 1 && kind != 2 {
            other_tracks = true;
            continue;
        }
        let (num, den) = track.rational(0x4B01)?;
        // An open, incomplete header states 0 (unknown): no duration then.
        let duration = seq.int(0x0202).filter(|d| *d > 0);
        let [clip] = parts.as_slice() else {
            return None;
        };
        if clip.kind != [1, 0x11] {
            return None;
        }
        let (package, track_id) = (clip.get(0x1101)?, clip.int(0x1102)?);
        let source = by_kind([1, 0x37]).find(|p| p.get(0x4401) == Some(package))?;
        let mut desc = sets.get(&source.uid(0x4701)?)?;
        if desc.kind == [1, 0x44] {
            let subs: Vec<&Set> = desc
                .refs(0x3F01)
                .iter()
                .filter_map(|r| sets.get(r))
                .collect();
            desc = subs.into_iter().find(|d| d.int(0x3006) == Some(track_id))?;
        }
        if kind == 1 {
            if video.is_some() {
                continue;
            }
            let coding = picture_coding(desc)?;
            let read = first_frame(src, essence).and_then(|frame| match coding {
                Coding::Dnxhd => video::dnxhd(&frame),
                Coding::J2k => super::still::j2k(&frame),
                Coding::Mpeg2 => video::mpeg2(&frame),
                Coding::H264 => video::h264_annex_b(&frame),
                Coding::ProRes(fourcc) => video::prores(fourcc, &frame),
            });
            // An open header with no essence to read yet: the descriptor's
            // stored size, with the codec its labels name. A file whose
            // stated essence is missing (cut short) is not answered.
            let pic = match read {
                Some(p) => p,
                None if duration.is_some() => return None,
                None => video::Picture {
                    codec: coding.name(),
                    profile: None,
                    width: u32::try_from(desc.int(0x3203)?).ok()?,
                    // Stored height is per field for separated and mixed
                    // fields (SMPTE 377 FrameLayout 1 and 3).
                    height: u32::try_from(desc.int(0x3202)?).ok()?.checked_mul(
                        if matches!(desc.int(0x320C), Some(1 | 3)) {
                            2
                        } else {
                            1
                        },
                    )?,
                    pix_fmt: None,
                },
            };
            if let Some(duration) = duration {
                let us = (i128::from(duration) * 1_000_000 * i128::from(den) + i128::from(num) / 2)
                    / i128::from(num);
                max_us = max_us.max(u64::try_from(us).ok()?);
            }
            video = Some(
                // The edit rate: MXF essence is constant-rate.
                pic.video(Rate::constant(num as u64, den as u64)),
            );
        } else {
            // Uncompressed PCM in the BWF/AES3 containers (SMPTE 382) only.
            let container = desc.get(0x3004)?.get(8..14)?;
            // An all-zero compression label (asdcplib writes one) is no label.
            let compression = desc
                .get(0x3D06)
                .filter(|ul| ul.iter().any(|&b| b != 0))
                .and_then(|ul| ul.get(8..12));
            if container != [0x0D, 1, 3, 1, 2, 6] || compression.is_some_and(|c| c != [4, 2, 2, 1])
            {
                return None;
            }
            let (rn, rd) = desc.rational(0x3D03)?;
            let rate = rn / rd;
            let codec = match desc.int(0x3D01)? {
                1..=16 => "pcm_s16le",
                17..=24 => "pcm_s24le",
                32 => "pcm_s32le",
                _ => return None,
            };
            let channels = u32::try_from(desc.int(0x3D07)?).ok().filter(|c| *c > 0)?;
            // Duration: edit units → samples (rounded) → microseconds.
            if let Some(duration) = duration {
                let samples = (i128::from(duration) * i128::from(den) * i128::from(rate)
                    + i128::from(num) / 2)
                    / i128::from(num);
                let us = (samples * 1_000_000 + i128::from(rate) / 2) / i128::from(rate.max(1));
                max_us = max_us.max(u64::try_from(us).ok()?);
            }
            audio.push(AudioInfo {
                codec: codec.into(),
                channels,
                sample_rate: u32::try_from(rate).ok()?,
                channel_layout: None,
            });
        }
    }
    if max_us == 0 {
        // No duration stated (an open header, or data tracks only): what
        // the file holds, without a length.
        let described = video.is_some() || !audio.is_empty() || other_tracks;
        return described.then(|| ProbeInfo {
            container: Some("mxf".into()),
            video,
            audio,
            timecode: tc,
            ..ProbeInfo::default()
        });
    }
    Some(ProbeInfo {
        container: Some("mxf".into()),
        duration_s: Some(max_us as f64 / 1e6),
        bit_rate: Some((src.size() as f64 * 8.0 * 1e6 / max_us as f64) as u64),
        video,
        audio,
        timecode: tc,
        streams_unsure: false,
    })
}
