//! Video elementary streams: H.264 and HEVC Annex B byte streams (ITU-T
//! H.264 and H.265 annex B), MPEG-1/2 video (ISO/IEC 13818-2) and MPEG-4
//! Part 2 (ISO/IEC 14496-2) streams, IVF files (the VP8/VP9/AV1 test
//! container of libvpx and libaom) and AV1 low-overhead OBU streams (AV1
//! specification, section 5).
//!
//! The picture comes from the stream's parameter set; the frame rate from
//! its timing info when it states one (a raw stream often does not: then
//! no rate and no duration are reported, where FFmpeg assumes 25 fps); the
//! duration from the pictures counted over the whole stream (up to
//! [`SCAN_CAP`] bytes, then extrapolated by size).

use super::Source;
use super::bytes::{Bits, le16, le32, le64, unescape};
use super::video::{self, Picture};
use crate::probe::ProbeInfo;
use crate::probe::rate::{FpsMode, Rate};

/// Bytes of a stream scanned for pictures before the rest is extrapolated.
const SCAN_CAP: u64 = 256 << 20;
/// Bytes read for the parameter sets.
const HEAD: u64 = 1 << 20;

/// The stream kinds read here.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    H264,
    Hevc,
    Mpeg12,
    Mpeg4,
}

/// Whether `head` opens a video elementary stream or an IVF file.
pub fn looks_like(head: &[u8]) -> bool {
    head.starts_with(b"DKIF") || kind(head).is_some() || obu_sequence(head).is_some()
}

/// The first start code's unit says which kind of stream this is.
fn kind(head: &[u8]) -> Option<Kind> {
    let at = match head {
        [0, 0, 0, 1, ..] => 4,
        [0, 0, 1, ..] => 3,
        _ => return None,
    };
    let (b0, b1) = (*head.get(at)?, *head.get(at + 1)?);
    match b0 {
        0xB3 => return Some(Kind::Mpeg12),
        0xB0 | 0xB5 => return Some(Kind::Mpeg4),
        // A video object start code followed at once by its layer's.
        0x00..=0x1F if mpeg4_vol_next(head, at + 1) => return Some(Kind::Mpeg4),
        _ => {}
    }
    if b0 & 0x80 != 0 {
        return None;
    }
    // HEVC: a 2-byte header with layer 0 and a temporal id; VPS, SPS, PPS,
    // AUD or SEI first. H.264: SPS, AUD or SEI first.
    let hevc_type = (b0 >> 1) & 0x3F;
    if b0 & 1 == 0 && b1 & 0xF8 == 0 && b1 & 7 != 0 && matches!(hevc_type, 32..=35 | 39) {
        return Some(Kind::Hevc);
    }
    matches!(b0 & 0x1F, 6 | 7 | 9).then_some(Kind::H264)
}

/// A video object layer start code at `at`.
fn mpeg4_vol_next(head: &[u8], at: usize) -> bool {
    head.get(at..at + 4)
        .is_some_and(|w| w[..3] == [0, 0, 1] && (0x20..=0x2F).contains(&w[3]))
}

/// Probes a video elementary stream or an IVF file.
pub fn probe<S: Source + ?Sized>(src: &S) -> Option<ProbeInfo> {
    let size = src.size();
    let head = src.read(0, HEAD.min(size))?;
    if head.starts_with(b"DKIF") {
        return ivf(src, &head);
    }
    if let Some(k) = kind(&head) {
        return annex_b(src, &head, k);
    }
    obu(src, &head)
}

/// H.264, HEVC, MPEG-1/2 or MPEG-4 Part 2 in a raw byte stream.
fn annex_b<S: Source + ?Sized>(src: &S, head: &[u8], kind: Kind) -> Option<ProbeInfo> {
    let (pic, rate, container) = match kind {
        Kind::H264 => {
            let sps = video::annex_b(head).find(|n| n.first().is_some_and(|h| h & 0x1F == 7))?;
            let (pic, rate) = video::h264_sps_timed(&unescape(&sps[1..]))?;
            (pic, rate, "h264")
        }
        Kind::Hevc => {
            let sps = video::annex_b(head).find(|n| n.first().is_some_and(|h| (h >> 1) == 33))?;
            let (pic, rate) = super::hevc::sps_timed(&unescape(sps.get(2..)?))?;
            (pic, rate, "hevc")
        }
        Kind::Mpeg12 => {
            let (pic, rate) = mpeg12(head)?;
            (pic, rate, "mpegvideo")
        }
        Kind::Mpeg4 => {
            let (pic, rate) = mpeg4_vol(head)?;
            (pic, rate, "m4v")
        }
    };
    // The duration only when the stream states its rate: pictures × period.
    let duration = rate.and_then(|r| {
        let pictures = count_pictures(src, kind)?;
        Some(pictures as f64 * r.den as f64 / r.num as f64)
    });
    Some(report(src.size(), container, pic, rate, duration))
}

fn report(
    size: u64,
    container: &str,
    pic: Picture,
    rate: Option<Rate>,
    duration: Option<f64>,
) -> ProbeInfo {
    let duration = duration.filter(|d| *d > 0.0);
    ProbeInfo {
        container: Some(container.into()),
        duration_s: duration.map(|d| (d * 1e6).round() / 1e6),
        bit_rate: duration.map(|d| (size as f64 * 8.0 / d) as u64),
        video: Some(pic.video(rate)),
        ..ProbeInfo::default()
    }
}

/// Counts the pictures of a byte stream: the first slice of each picture
/// (H.264: `first_mb_in_slice` 0; HEVC: `first_slice_segment_in_pic_flag`),
/// MPEG picture or VOP start codes.
fn count_pictures<S: Source + ?Sized>(src: &S, kind: Kind) -> Option<u64> {
    let size = src.size();
    let end = size.min(SCAN_CAP);
    let (mut pos, mut count) = (0u64, 0u64);
    let mut carry: Vec<u8> = Vec::new();
    while pos < end {
        let len = (4u64 << 20).min(end - pos);
        let mut buf = std::mem::take(&mut carry);
        buf.extend(src.read(pos, len)?);
        let mut i = 0;
        while i + 5 <= buf.len() {
            if buf[i + 2] > 1 {
                i += 3;
                continue;
            }
            if buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 1 {
                let (a, b) = (buf[i + 3], buf[i + 4]);
                count += u64::from(match kind {
                    Kind::H264 => matches!(a & 0x1F, 1 | 5) && b & 0x80 != 0,
                    Kind::Hevc => (a >> 1) < 32 && buf.get(i + 5).is_some_and(|c| c & 0x80 != 0),
                    Kind::Mpeg12 => a == 0x00,
                    Kind::Mpeg4 => a == 0xB6,
                });
                i += 3;
            } else {
                i += 1;
            }
        }
        // Keep the bytes not looked at: a start code may straddle two reads.
        carry = buf[i.min(buf.len())..].to_vec();
        pos += len;
    }
    if end < size && end > 0 {
        count = (u128::from(count) * u128::from(size) / u128::from(end)) as u64;
    }
    (count > 0).then_some(count)
}

/// MPEG-1/2 video: the picture from the sequence header (and extension),
/// the rate from its `frame_rate_code` (ISO/IEC 13818-2 table 6-4).
pub fn mpeg12(head: &[u8]) -> Option<(Picture, Option<Rate>)> {
    let seq = head.windows(4).position(|w| w == [0, 0, 1, 0xB3])? + 4;
    let code = head.get(seq + 3)? & 0xF;
    const RATES: [(u64, u64); 9] = [
        (0, 1),
        (24000, 1001),
        (24, 1),
        (25, 1),
        (30000, 1001),
        (30, 1),
        (50, 1),
        (60000, 1001),
        (60, 1),
    ];
    let (n, d) = *RATES.get(usize::from(code))?;
    let rate = Rate::new(n, d, FpsMode::Cfr);
    let pic = video::mpeg2(&head[seq - 4..]).or_else(|| {
        // MPEG-1: no sequence extension.
        let mut r = Bits::new(head.get(seq..)?);
        Some(Picture {
            codec: "mpeg1video",
            profile: None,
            width: r.bits(12)?,
            height: r.bits(12)?,
            pix_fmt: Some("yuv420p"),
        })
    })?;
    Some((pic, rate))
}

/// MPEG-4 Part 2: the video object layer header (ISO/IEC 14496-2, 6.2.3).
pub fn mpeg4_vol(head: &[u8]) -> Option<(Picture, Option<Rate>)> {
    let at = head
        .windows(4)
        .position(|w| w[..3] == [0, 0, 1] && (0x20..=0x2F).contains(&w[3]))?;
    let mut r = Bits::new(head.get(at + 4..)?);
    r.skip(1 + 8)?; // random accessible, object type
    let mut verid = 1;
    if r.flag()? {
        verid = r.bits(4)?;
        r.skip(3)?;
    }
    if r.bits(4)? == 15 {
        r.skip(16)?; // pixel aspect ratio
    }
    if r.flag()? {
        r.skip(3)?; // chroma format, low delay
        if r.flag()? {
            r.skip(79)?; // VBV parameters
        }
    }
    let shape = r.bits(2)?;
    if shape == 3 && verid != 1 {
        r.skip(4)?;
    }
    r.skip(1)?; // marker
    let resolution = r.bits(16)?;
    r.skip(1)?;
    let mut rate = None;
    if r.flag()? {
        let bits = (32 - resolution.saturating_sub(1).leading_zeros()).max(1);
        let increment = r.bits(bits)?;
        rate = Rate::new(u64::from(resolution), u64::from(increment), FpsMode::Cfr);
    }
    if shape != 0 {
        return None; // not rectangular: no size here
    }
    r.skip(1)?;
    let width = r.bits(13)?;
    r.skip(1)?;
    let height = r.bits(13)?;
    (width > 0 && height > 0).then_some((
        Picture {
            codec: "mpeg4",
            profile: None,
            width,
            height,
            pix_fmt: None,
        },
        rate,
    ))
}

/// IVF: a 32-byte header (fourcc, size, time base, frame count), then
/// frames with 12-byte headers (size, timestamp) that are walked for the
/// real count and the last timestamp.
fn ivf<S: Source + ?Sized>(src: &S, head: &[u8]) -> Option<ProbeInfo> {
    let header_len = u64::from(le16(head, 6)?).max(32);
    let codec = super::fourcc::video(head.get(8..12)?)?;
    let (width, height) = (u32::from(le16(head, 12)?), u32::from(le16(head, 14)?));
    let (tb_den, tb_num) = (u64::from(le32(head, 16)?), u64::from(le32(head, 20)?));
    let size = src.size();
    let (mut pos, mut frames, mut first, mut last) = (header_len, 0u64, None, 0u64);
    let mut steps = Vec::new();
    while pos + 12 <= size && frames < 10_000_000 {
        let h = src.read(pos, 12)?;
        let pts = le64(&h, 4)?;
        if let Some(prev) = (frames > 0).then_some(last) {
            steps.push(pts.wrapping_sub(prev));
        }
        first.get_or_insert(pts);
        last = pts;
        frames += 1;
        pos += 12 + u64::from(le32(&h, 0)?);
    }
    // The time base is the frame period when timestamps count frames (the
    // usual case); otherwise the rate is the timestamps' average.
    let uniform = steps.windows(2).all(|w| w[0] == w[1]);
    let step = steps.first().copied().unwrap_or(1).max(1);
    let rate = if uniform {
        tb_num
            .checked_mul(step)
            .and_then(|d| Rate::new(tb_den, d, FpsMode::Cfr))
    } else {
        let span = last.saturating_sub(first.unwrap_or(0));
        tb_num
            .checked_mul(span)
            .and_then(|d| Rate::average(frames - 1, tb_den, d, false))
    };
    let duration = rate.map(|r| frames as f64 * r.den as f64 / r.num as f64);
    let pic = Picture {
        codec,
        profile: None,
        width,
        height,
        pix_fmt: None,
    };
    (frames > 0 && width > 0 && height > 0).then(|| report(size, "ivf", pic, rate, duration))
}

/// OBU header: (type, payload start, payload length) at `at`.
fn obu_at(b: &[u8], at: usize) -> Option<(u8, usize, usize)> {
    let h = *b.get(at)?;
    if h & 0x80 != 0 || h & 0x02 == 0 {
        return None; // forbidden bit, or no size field (not a low-overhead stream)
    }
    let mut p = at + 1 + usize::from(h & 0x04 != 0);
    let mut len = 0usize;
    for i in 0..8 {
        let byte = *b.get(p)?;
        len |= usize::from(byte & 0x7F) << (7 * i);
        p += 1;
        if byte & 0x80 == 0 {
            return Some(((h >> 3) & 0xF, p, len));
        }
    }
    None
}

/// The first sequence header of a low-overhead AV1 stream, which opens
/// with a temporal delimiter.
fn obu_sequence(head: &[u8]) -> Option<(Picture, Option<Rate>)> {
    let (t, p, len) = obu_at(head, 0)?;
    if t != 2 || len != 0 {
        return None;
    }
    let mut at = p;
    for _ in 0..16 {
        let (t, p, len) = obu_at(head, at)?;
        if t == 1 {
            return av1_sequence(head.get(p..p + len)?);
        }
        at = p + len;
    }
    None
}

/// An AV1 sequence header OBU (AV1 specification 5.5): the maximum frame
/// size and the timing info's rate.
fn av1_sequence(b: &[u8]) -> Option<(Picture, Option<Rate>)> {
    let mut r = Bits::new(b);
    let profile = r.bits(3)?;
    r.skip(1)?; // still picture
    let mut rate = None;
    if r.flag()? {
        r.skip(5)?; // reduced still picture header: level
    } else {
        let mut decoder_model = false;
        let mut delay_len = 0;
        if r.flag()? {
            let (units, scale) = (r.bits(32)?, r.bits(32)?);
            rate = Rate::new(u64::from(scale), u64::from(units), FpsMode::Cfr);
            if r.flag()? {
                // num_ticks_per_picture_minus_1, uvlc
                let mut zeros = 0;
                while !r.flag()? {
                    zeros += 1;
                    if zeros >= 32 {
                        return None;
                    }
                }
                let ticks = u64::from(r.bits(zeros)?) + (1u64 << zeros);
                rate = u64::from(units)
                    .checked_mul(ticks)
                    .and_then(|d| Rate::new(u64::from(scale), d, FpsMode::Cfr));
            }
            decoder_model = r.flag()?;
            if decoder_model {
                delay_len = r.bits(5)? + 1;
                r.skip(32 + 5 + 5)?;
            }
        }
        let display_delay = r.flag()?;
        for _ in 0..=r.bits(5)? {
            r.skip(12)?; // operating point idc
            if r.bits(5)? > 7 {
                r.skip(1)?; // tier
            }
            if decoder_model && r.flag()? {
                r.skip(2 * delay_len as usize + 1)?;
            }
            if display_delay && r.flag()? {
                r.skip(4)?;
            }
        }
    }
    let (wb, hb) = (r.bits(4)? + 1, r.bits(4)? + 1);
    let (w, h) = (r.bits(wb)? + 1, r.bits(hb)? + 1);
    let pic = Picture {
        codec: "av1",
        profile: Some(
            ["Main", "High", "Professional"]
                .get(profile as usize)?
                .to_string(),
        ),
        width: w,
        height: h,
        pix_fmt: None,
    };
    Some((pic, rate))
}

/// A low-overhead AV1 stream: one temporal unit per frame shown.
fn obu<S: Source + ?Sized>(src: &S, head: &[u8]) -> Option<ProbeInfo> {
    let (pic, rate) = obu_sequence(head)?;
    let size = src.size();
    let duration = rate.and_then(|r| {
        let mut units = 0u64;
        let mut at = 0u64;
        while at < size.min(SCAN_CAP) {
            let h = src.read(at, 10.min(size - at))?;
            let (t, p, len) = obu_at(&h, 0)?;
            units += u64::from(t == 2);
            at += (p + len) as u64;
        }
        Some(units as f64 * r.den as f64 / r.num as f64)
    });
    Some(report(size, "obu", pic, rate, duration))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_kinds_from_their_first_unit() {
        assert_eq!(kind(&[0, 0, 0, 1, 0x67, 0x64]), Some(Kind::H264));
        assert_eq!(kind(&[0, 0, 0, 1, 0x09, 0xF0]), Some(Kind::H264));
        assert_eq!(kind(&[0, 0, 0, 1, 0x40, 0x01]), Some(Kind::Hevc));
        assert_eq!(kind(&[0, 0, 0, 1, 0x46, 0x01]), Some(Kind::Hevc));
        assert_eq!(kind(&[0, 0, 1, 0xB3, 0x14]), Some(Kind::Mpeg12));
        assert_eq!(kind(&[0, 0, 1, 0xB0, 0x01]), Some(Kind::Mpeg4));
        assert_eq!(kind(b"RIFF...."), None);
    }

    #[test]
    fn ivf_headers() {
        let mut f = b"DKIF".to_vec();
        f.extend([0, 0, 32, 0]);
        f.extend(b"VP90");
        f.extend(320u16.to_le_bytes());
        f.extend(180u16.to_le_bytes());
        f.extend(25u32.to_le_bytes());
        f.extend(1u32.to_le_bytes());
        f.extend(3u32.to_le_bytes());
        f.extend([0; 4]);
        for pts in 0..3u64 {
            f.extend(2u32.to_le_bytes());
            f.extend(pts.to_le_bytes());
            f.extend([0xAA, 0xBB]);
        }
        let info = probe(f.as_slice()).unwrap();
        let v = info.video.unwrap();
        assert_eq!((v.codec.as_str(), v.width, v.height), ("vp9", 320, 180));
        assert_eq!(v.fps_rational.as_deref(), Some("25/1"));
        assert_eq!(info.duration_s, Some(0.12));
    }
}
