//! Audio frame headers, and audio elementary streams read by walking them:
//! MP3 (MPEG-1/2/2.5 layers I–III, ISO/IEC 11172-3 and 13818-3, with the
//! Xing/Info and VBRI frame counts), ADTS AAC (ISO/IEC 13818-7), AC-3 and
//! E-AC-3 (ATSC A/52), DTS core (ETSI TS 102 114), AMR (RFC 4867 storage
//! format) and FLAC (RFC 9639 STREAMINFO). The headers also serve the
//! MPEG-TS, AVI and MP4 readers.
//!
//! Durations are counted, not estimated: every frame header is read (up to
//! [`WALK_CAP`] bytes, then extrapolated by size), so a variable-rate MP3
//! without a Xing header gets its real length.

use super::Source;
use super::bytes::{Bits, be16, be32, u8_at};
use crate::probe::{AudioInfo, ProbeInfo};

/// Bytes of frames walked before the rest is extrapolated by size.
const WALK_CAP: u64 = 256 << 20;
/// Bytes read at a time while walking.
const CHUNK: u64 = 1 << 20;

/// One audio frame's header.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// FFmpeg's codec name.
    pub codec: &'static str,
    /// Channels, LFE included.
    pub channels: u32,
    /// Samples per second.
    pub rate: u32,
    /// Samples per channel in this frame.
    pub samples: u32,
    /// Bytes of this frame, header included.
    pub len: usize,
}

/// An MPEG audio frame header (layers I–III).
pub fn mpeg_audio(b: &[u8]) -> Option<Frame> {
    let h = be32(b, 0)?;
    if h >> 21 != 0x7FF {
        return None;
    }
    let version = (h >> 19) & 3; // 0: 2.5, 2: 2, 3: 1
    let layer = (h >> 17) & 3; // 1: III, 2: II, 3: I
    let br_idx = ((h >> 12) & 0xF) as usize;
    let sr_idx = ((h >> 10) & 3) as usize;
    if version == 1 || layer == 0 || br_idx == 0 || br_idx == 15 || sr_idx == 3 {
        return None;
    }
    let pad = (h >> 9) & 1;
    let mono = (h >> 6) & 3 == 3;
    const V1: [[u32; 14]; 3] = [
        [
            32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
        ],
        [
            32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
        ],
        [
            32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
        ],
    ];
    const V2: [[u32; 14]; 2] = [
        [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
        [
            32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
        ],
    ];
    let kbps = if version == 3 {
        V1[layer as usize - 1][br_idx - 1]
    } else {
        V2[usize::from(layer == 3)][br_idx - 1]
    };
    let rate = [44100, 48000, 32000][sr_idx] >> (3 - version).min(2);
    let rate = if version == 0 {
        [11025, 12000, 8000][sr_idx]
    } else {
        rate
    };
    let (samples, len) = match (layer, version) {
        (3, _) => (384, (12 * kbps * 1000 / rate + pad) * 4),
        (2, _) | (1, 3) => (1152, 144 * kbps * 1000 / rate + pad),
        _ => (576, 72 * kbps * 1000 / rate + pad),
    };
    Some(Frame {
        codec: ["", "mp3", "mp2", "mp1"][layer as usize],
        channels: if mono { 1 } else { 2 },
        rate,
        samples,
        len: len as usize,
    })
}

/// The frame count of a Xing/Info or VBRI header in the first MP3 frame.
fn mp3_frames(frame: &[u8]) -> Option<u64> {
    let h = be32(frame, 0)?;
    let (v1, mono) = ((h >> 19) & 3 == 3, (h >> 6) & 3 == 3);
    let side = match (v1, mono) {
        (true, false) => 32,
        (true, true) | (false, false) => 17,
        (false, true) => 9,
    };
    let x = 4 + side;
    if matches!(frame.get(x..x + 4), Some(b"Xing" | b"Info")) && be32(frame, x + 4)? & 1 != 0 {
        return Some(u64::from(be32(frame, x + 8)?));
    }
    (frame.get(36..40) == Some(b"VBRI")).then(|| be32(frame, 50).map(u64::from))?
}

/// An ADTS header (AAC in an MPEG transport or a `.aac` file).
pub fn adts(b: &[u8]) -> Option<Frame> {
    if be16(b, 0)? & 0xFFF6 != 0xFFF0 {
        return None;
    }
    let b2 = u8_at(b, 2)?;
    let b3 = u8_at(b, 3)?;
    const RATES: [u32; 13] = [
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
    ];
    let rate = *RATES.get(usize::from((b2 >> 2) & 0xF))?;
    let config = (u32::from(b2 & 1) << 2) | u32::from(b3 >> 6);
    let len = (usize::from(b3 & 3) << 11)
        | (usize::from(u8_at(b, 4)?) << 3)
        | usize::from(u8_at(b, 5)? >> 5);
    let blocks = u32::from(u8_at(b, 6)? & 3) + 1;
    let channels = match config {
        7 => 8,
        c => c,
    };
    (len >= 7 && channels > 0).then_some(Frame {
        codec: "aac",
        channels,
        rate,
        samples: 1024 * blocks,
        len,
    })
}

/// Channels of an AC-3 `acmod` with its LFE flag.
fn ac3_channels(acmod: u32, lfe: bool) -> u32 {
    [2, 1, 2, 3, 3, 4, 4, 5][acmod as usize & 7] + u32::from(lfe)
}

/// An AC-3 or E-AC-3 sync frame header.
pub fn ac3(b: &[u8]) -> Option<Frame> {
    if be16(b, 0)? != 0x0B77 {
        return None;
    }
    let bsid = u8_at(b, 5)? >> 3;
    if bsid > 10 && bsid <= 16 {
        // E-AC-3 (A/52 annex E): frame size and block count in the header.
        let mut r = Bits::new(b.get(2..)?);
        let strmtyp = r.bits(2)?;
        r.skip(3)?; // substream id
        let len = (r.bits(11)? as usize + 1) * 2;
        let fscod = r.bits(2)?;
        let (rate, blocks) = if fscod == 3 {
            let half = r.bits(2)?;
            ([24000, 22050, 16000].get(half as usize).copied()?, 6)
        } else {
            (
                [48000, 44100, 32000][fscod as usize],
                [1, 2, 3, 6][r.bits(2)? as usize],
            )
        };
        let acmod = r.bits(3)?;
        let lfe = r.flag()?;
        return (strmtyp != 3).then_some(Frame {
            codec: "eac3",
            channels: ac3_channels(acmod, lfe),
            rate,
            samples: 256 * blocks,
            len,
        });
    }
    if bsid > 10 {
        return None;
    }
    // bsid 9 and 10: the half- and quarter-rate variants (A/52 annex).
    let shift = u32::from(bsid.saturating_sub(8));
    let b4 = u8_at(b, 4)?;
    let (fscod, code) = (b4 >> 6, usize::from(b4 & 0x3F));
    const KBPS: [u32; 19] = [
        32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 576, 640,
    ];
    let kbps = *KBPS.get(code / 2)?;
    let (rate, len) = match fscod {
        0 => (48000, kbps * 4),
        1 => (44100, 2 * (kbps * 320 / 147 + (code as u32 & 1))),
        2 => (32000, kbps * 6),
        _ => return None,
    };
    let mut r = Bits::new(b.get(5..)?);
    r.skip(8)?; // bsid, bsmod
    let acmod = r.bits(3)?;
    if acmod & 1 != 0 && acmod != 1 {
        r.skip(2)?; // centre mix level
    }
    if acmod & 4 != 0 {
        r.skip(2)?; // surround mix level
    }
    if acmod == 2 {
        r.skip(2)?; // Dolby Surround mode
    }
    Some(Frame {
        codec: "ac3",
        channels: ac3_channels(acmod, r.flag()?),
        rate: rate >> shift,
        samples: 1536,
        len: len as usize,
    })
}

/// Channels of an MP4 `dac3` box (ETSI TS 102 366 annex F).
pub fn dac3(b: &[u8]) -> Option<u32> {
    let mut r = Bits::new(b);
    r.skip(10)?; // fscod, bsid, bsmod
    let acmod = r.bits(3)?;
    Some(ac3_channels(acmod, r.flag()?))
}

/// Channels of an MP4 `dec3` box (ETSI TS 102 366 annex F.6): the first
/// independent substream's, with its dependent substreams' locations.
pub fn dec3(b: &[u8]) -> Option<u32> {
    let mut r = Bits::new(b);
    r.skip(16)?; // data rate, number of independent substreams
    r.skip(2 + 5 + 1 + 1 + 3)?; // fscod, bsid, reserved, asvc, bsmod
    let acmod = r.bits(3)?;
    let lfe = r.flag()?;
    r.skip(3)?;
    let deps = r.bits(4)?;
    let mut channels = ac3_channels(acmod, lfe);
    if deps > 0 {
        // chan_loc: pairs and singles, in A/52 table E.1.4's order.
        let loc = r.bits(9)?;
        for (bit, n) in [2, 2, 1, 1, 2, 2, 2, 1, 1].iter().enumerate() {
            if loc & (1 << (8 - bit)) != 0 {
                channels += n;
            }
        }
    }
    Some(channels)
}

/// A DTS core frame header (ETSI TS 102 114, 5.3).
pub fn dts(b: &[u8]) -> Option<Frame> {
    if be32(b, 0)? != 0x7FFE_8001 {
        return None;
    }
    let mut r = Bits::new(b.get(4..)?);
    r.skip(7)?; // frame type, deficit sample count, CRC flag
    let blocks = r.bits(7)? + 1;
    let len = r.bits(14)? as usize + 1;
    let amode = r.bits(6)?;
    let rate = [
        0, 8000, 16000, 32000, 0, 0, 11025, 22050, 44100, 0, 0, 12000, 24000, 48000, 0, 0,
    ][r.bits(4)? as usize];
    r.skip(5 + 10)?; // bit rate; fixed, dynamic range, time stamp, aux, HDCD, ext id, ext, sync
    let lfe = r.bits(2)?;
    let channels = *[1, 2, 2, 2, 2, 3, 3, 4, 4, 5, 6, 6, 6, 7, 8, 8].get(amode as usize)?;
    (rate > 0 && len >= 96).then_some(Frame {
        codec: "dts",
        channels: channels + u32::from(lfe == 1 || lfe == 2),
        rate,
        samples: blocks * 32,
        len,
    })
}

/// What FLAC's STREAMINFO block says.
pub struct StreamInfo {
    /// Samples per second.
    pub sample_rate: u32,
    /// Channels.
    pub channels: u32,
    /// Samples per channel in the stream (0: unknown).
    pub total: u64,
}

/// A FLAC STREAMINFO block body (34 bytes).
pub fn flac_streaminfo(b: &[u8]) -> Option<StreamInfo> {
    let mut r = Bits::new(b.get(10..18)?);
    let sample_rate = r.bits(20)?;
    let channels = r.bits(3)? + 1;
    r.skip(5)?; // bits per sample
    let total = (u64::from(r.bits(4)?) << 32) | u64::from(r.bits(32)?);
    (sample_rate > 0).then_some(StreamInfo {
        sample_rate,
        channels,
        total,
    })
}

/// The size of an ID3v2 tag at the start of `head` (0 without one).
fn id3_len(head: &[u8]) -> usize {
    if head.get(..3) != Some(b"ID3") {
        return 0;
    }
    let size = head
        .get(6..10)
        .map(|s| {
            s.iter()
                .fold(0usize, |v, &b| (v << 7) | usize::from(b & 0x7F))
        })
        .unwrap_or(0);
    let footer = head.get(5).is_some_and(|f| f & 0x10 != 0);
    10 + size + if footer { 10 } else { 0 }
}

/// Zero bytes after an ID3v2 tag: padding a tagger left out of the tag's
/// size (ID3v2.4 4.1 puts padding inside it). Skipped, so the first frame
/// counts as the stream's start and not as one found after junk.
fn padding(b: &[u8], tagged: bool) -> usize {
    if !tagged {
        return 0;
    }
    b.iter().take(RESYNC).take_while(|&&x| x == 0).count()
}

/// A frame header parser.
type Parser = fn(&[u8]) -> Option<Frame>;

/// The frame parsers, in the order streams are recognised.
const PARSERS: [(&str, Parser); 4] = [
    ("aac", adts),
    ("ac3", ac3),
    ("dts", dts),
    ("mp3", mpeg_audio),
];

/// Bytes of junk before the first frame searched for a sync word (some
/// writers leave zeros or a foreign header there, as MediaInfo tolerates).
const RESYNC: usize = 4096;

/// Where in `b` a stream's first frame starts: consecutive, consistent
/// frames (two at the start of the file, three after junk), or one that
/// ends where `b` does or carries an MP3 Xing/Info header. One stray sync
/// word does not make a stream.
fn first_frame(b: &[u8], parse: Parser, scan: usize) -> Option<usize> {
    (0..scan.min(b.len())).find(|&at| {
        let Some(f) = parse(&b[at..]) else {
            return false;
        };
        if f.codec == "mp3" && mp3_frames(&b[at..]).is_some() {
            return true;
        }
        let mut next = at + f.len.max(1);
        for _ in 0..if at == 0 { 1 } else { 2 } {
            match b.get(next..).and_then(parse) {
                Some(g) if (g.codec, g.rate, g.channels) == (f.codec, f.rate, f.channels) => {
                    next += g.len.max(1);
                }
                Some(_) => return false,
                None => return next >= b.len() && at == 0,
            }
        }
        true
    })
}

/// Which audio elementary stream `head` is, and where its first frame
/// starts (after any ID3 tag, and junk for MPEG audio and ADTS).
fn recognise(head: &[u8]) -> Option<(&'static str, Parser, usize)> {
    let tag = id3_len(head).min(head.len());
    let at = tag + padding(&head[tag..], tag > 0);
    let b = &head[at..];
    PARSERS
        .iter()
        .find_map(|&(name, parse)| Some((name, parse, at + first_frame(b, parse, 1)?)))
        .or_else(|| {
            [PARSERS[0], PARSERS[3]]
                .iter()
                .find_map(|&(name, parse)| Some((name, parse, at + first_frame(b, parse, RESYNC)?)))
        })
}

/// Whether `head` opens an audio elementary stream.
pub fn looks_like(head: &[u8]) -> bool {
    let at = id3_len(head).min(head.len());
    head[at..].starts_with(b"fLaC") || head[at..].starts_with(b"#!AMR") || recognise(head).is_some()
}

/// Probes an audio elementary stream: FLAC, MP3/MP2, ADTS, AC-3/E-AC-3, DTS, AMR.
pub fn probe<S: Source + ?Sized>(src: &S) -> Option<ProbeInfo> {
    let size = src.size();
    let head = src.read(0, 64.min(size))?;
    let tag = id3_len(&head) as u64;
    let b = src.read(tag, (64 * 1024).min(size.checked_sub(tag)?))?;
    if b.starts_with(b"fLaC") {
        return flac(&b, size);
    }
    if b.starts_with(b"#!AMR") {
        return amr(src, &b, size);
    }
    let pad = padding(&b, tag > 0);
    let (container, parse, at) = recognise(&b[pad..])?;
    let at = pad + at;
    let start = tag + at as u64;
    let b = &b[at..];
    let first = parse(b)?;
    let container = if first.codec == "eac3" {
        "eac3"
    } else {
        container
    };
    let known = (first.codec == "mp3").then(|| mp3_frames(b)).flatten();
    let samples = match known {
        Some(frames) => frames * u64::from(first.samples),
        None => walk(src, start, parse)?,
    };
    // With SBR the samples and the rate both double: the length holds.
    let mut info = finish(container, first, samples, size)?;
    info.streams_unsure = implicit_sbr(&first);
    Some(info)
}

/// Adds up the samples of every frame from `at` (E-AC-3 dependent
/// substreams excepted, which carry more channels of the same samples).
fn walk<S: Source + ?Sized>(src: &S, at: u64, parse: Parser) -> Option<u64> {
    let size = src.size();
    let (mut pos, mut samples) = (at, 0u64);
    let end = size.min(at.saturating_add(WALK_CAP));
    let mut buf = Vec::new();
    let mut buf_at = pos;
    while pos + 4 <= end {
        if pos + 16 > buf_at + buf.len() as u64 {
            buf_at = pos;
            buf = src.read(pos, CHUNK.min(size - pos))?;
        }
        let rel = (pos - buf_at) as usize;
        match parse(&buf[rel..]) {
            Some(f) if f.len > 0 => {
                samples += u64::from(f.samples);
                pos += f.len as u64;
            }
            // Junk between frames (a tag, padding): resynchronise byte by byte.
            _ => pos += 1,
        }
    }
    if pos < size && pos > at {
        // Past the cap: the rest at the same rate.
        samples = (u128::from(samples) * u128::from(size - at) / u128::from(pos - at)) as u64;
    }
    Some(samples)
}

/// AAC at 24 kHz or less in ADTS may carry SBR (HE-AAC) that only the
/// audio data shows: decoders then report twice the rate, and parametric
/// stereo turns one channel into two. Only decoding can tell, so the
/// reader declines (ffprobe decodes).
pub fn implicit_sbr(f: &Frame) -> bool {
    f.codec == "aac" && f.rate <= 24_000
}

/// A report for `samples` of a stream whose first frame is `first`.
fn finish(container: &str, first: Frame, samples: u64, size: u64) -> Option<ProbeInfo> {
    let audio = AudioInfo {
        codec: first.codec.into(),
        channels: first.channels,
        sample_rate: first.rate,
        channel_layout: None,
    };
    super::sound::audio_only(container, u128::from(samples), size, audio)
}

fn flac(b: &[u8], size: u64) -> Option<ProbeInfo> {
    // The first metadata block is STREAMINFO (type 0).
    if u8_at(b, 4)? & 0x7F != 0 {
        return None;
    }
    let si = flac_streaminfo(b.get(8..42)?)?;
    let first = Frame {
        codec: "flac",
        channels: si.channels,
        rate: si.sample_rate,
        samples: 0,
        len: 0,
    };
    if si.total == 0 {
        return Some(ProbeInfo {
            container: Some("flac".into()),
            audio: vec![finish("flac", first, 1, size)?.audio.remove(0)],
            ..ProbeInfo::default()
        });
    }
    finish("flac", first, si.total, size)
}

/// AMR narrow or wide band: 20 ms per frame, the frame type giving its size.
fn amr<S: Source + ?Sized>(src: &S, b: &[u8], size: u64) -> Option<ProbeInfo> {
    let wide = b.starts_with(b"#!AMR-WB\n");
    if !wide && !b.starts_with(b"#!AMR\n") {
        return None; // multichannel AMR (#!AMR_MC1.0)
    }
    const NB: [u64; 16] = [12, 13, 15, 17, 19, 20, 26, 31, 5, 0, 0, 0, 0, 0, 0, 0];
    const WB: [u64; 16] = [17, 23, 32, 36, 40, 46, 50, 58, 60, 5, 0, 0, 0, 0, 0, 0];
    let (table, rate) = if wide { (WB, 16000) } else { (NB, 8000) };
    let mut pos = if wide { 9 } else { 6 };
    let mut frames = 0u64;
    let mut buf = Vec::new();
    let mut buf_at = 0u64;
    while pos < size.min(WALK_CAP) {
        if pos >= buf_at + buf.len() as u64 {
            buf_at = pos;
            buf = src.read(pos, CHUNK.min(size - pos))?;
        }
        let ft = (buf[(pos - buf_at) as usize] >> 3) & 0xF;
        pos += 1 + table[usize::from(ft)];
        frames += 1;
    }
    let first = Frame {
        codec: if wide { "amr_wb" } else { "amr_nb" },
        channels: 1,
        rate,
        samples: 0,
        len: 0,
    };
    finish("amr", first, frames * u64::from(rate / 50), size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpeg_audio_headers() {
        // MPEG-1 layer III, 128 kbps, 44.1 kHz, joint stereo.
        let f = mpeg_audio(&[0xFF, 0xFB, 0x90, 0x64]).unwrap();
        assert_eq!(
            (f.codec, f.rate, f.channels, f.samples, f.len),
            ("mp3", 44100, 2, 1152, 417)
        );
        // MPEG-2 layer III, 64 kbps, 22.05 kHz, mono: 576 samples.
        let f = mpeg_audio(&[0xFF, 0xF3, 0x80, 0xC0]).unwrap();
        assert_eq!((f.rate, f.channels, f.samples, f.len), (22050, 1, 576, 208));
        assert!(mpeg_audio(&[0xFF, 0xFB, 0xF0, 0x64]).is_none()); // bad bit rate
    }

    #[test]
    fn ac3_and_adts_headers() {
        // AC-3, 48 kHz, 384 kbps (code 28), 3/2 + LFE.
        let f = ac3(&[0x0B, 0x77, 0, 0, 0x1C, 0x40, 0xE1, 0x40]).unwrap();
        assert_eq!(
            (f.codec, f.rate, f.len, f.samples),
            ("ac3", 48000, 1536, 1536)
        );
        assert_eq!(f.channels, 6);
        // ADTS AAC-LC, 48 kHz, stereo, 371-byte frame.
        let f = adts(&[0xFF, 0xF1, 0x4C, 0x80, 0x2E, 0x7F, 0xFC]).unwrap();
        assert_eq!(
            (f.rate, f.channels, f.len, f.samples),
            (48000, 2, 371, 1024)
        );
    }
}
