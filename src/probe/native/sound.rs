//! QuickTime/MP4 sound sample entries: PCM variants (`lpcm`, `sowt`, `twos`,
//! `in24`, `in32`, `fl32`, `fl64`, `raw `), and AAC through `esds`, with
//! channel layouts from `chan` or the AAC channel configuration, named as
//! FFmpeg 5.1 names them.

use super::bmff::children;
use super::bytes::{be16, be32, be64, u8_at};
use super::wav::layout_name;
use crate::probe::{AudioInfo, ProbeInfo};

/// A sound sample entry: `entry` is the box body after its 8-byte header.
pub fn parse(fourcc: &[u8], entry: &[u8]) -> Option<AudioInfo> {
    let version = be16(entry, 8)?;
    let mut channels = u32::from(be16(entry, 16)?);
    let mut bits = u32::from(be16(entry, 18)?);
    let mut rate = be32(entry, 24)? >> 16;
    let mut lpcm_flags = None;
    let boxes_at = match version {
        0 => 28,
        1 => 44,
        2 => {
            rate = f64::from_bits(be64(entry, 32)?) as u32;
            channels = be32(entry, 40)?;
            bits = be32(entry, 48)?;
            lpcm_flags = Some(be32(entry, 52)?);
            64
        }
        _ => return None,
    };
    let kids = children(entry.get(boxes_at..)?)?;
    // QuickTime nests codec boxes in `wave`; MP4 puts them in the entry.
    let wave = kids.iter().find(|(t, _)| t == b"wave");
    let wave_kids = match wave {
        Some((_, w)) => children(w)?,
        None => Vec::new(),
    };
    let find = |name: &[u8; 4]| {
        kids.iter()
            .chain(&wave_kids)
            .find(|(t, _)| t == name)
            .map(|(_, b)| *b)
    };
    let little = find(b"enda")
        .and_then(|b| be16(b, 0))
        .is_some_and(|v| v & 0xFF == 1);
    let layout_from_chan = || -> Option<Option<String>> {
        let Some(chan) = find(b"chan") else {
            return Some(None); // no layout stated: FFmpeg reports none
        };
        // The layout follows the box's version and flags.
        Some(Some(chan_layout(chan.get(4..)?, channels)?.to_string()))
    };
    let pcm = |codec: &str| -> Option<AudioInfo> {
        (channels > 0 && rate > 0).then_some(())?;
        Some(AudioInfo {
            codec: codec.to_string(),
            channels,
            sample_rate: rate,
            channel_layout: layout_from_chan()?,
        })
    };
    let endian = |be: &'static str, le: &'static str| if little { le } else { be };
    match fourcc {
        b"twos" | b"sowt" => {
            let le = fourcc == b"sowt";
            pcm(match bits {
                8 => "pcm_s8",
                16 if le => "pcm_s16le",
                16 => "pcm_s16be",
                24 if le => "pcm_s24le",
                24 => "pcm_s24be",
                32 if le => "pcm_s32le",
                32 => "pcm_s32be",
                _ => return None,
            })
        }
        b"in24" => pcm(endian("pcm_s24be", "pcm_s24le")),
        b"in32" => pcm(endian("pcm_s32be", "pcm_s32le")),
        b"fl32" => pcm(endian("pcm_f32be", "pcm_f32le")),
        b"fl64" => pcm(endian("pcm_f64be", "pcm_f64le")),
        b"raw " if bits == 8 => pcm("pcm_u8"),
        b"lpcm" => {
            // Flags: 1 float, 2 big-endian, 4 signed integer.
            let f = lpcm_flags?;
            let be = f & 2 != 0;
            let codec = match (f & 1 != 0, bits, be) {
                (true, 32, true) => "pcm_f32be",
                (true, 32, false) => "pcm_f32le",
                (true, 64, true) => "pcm_f64be",
                (true, 64, false) => "pcm_f64le",
                (false, 8, _) if f & 4 != 0 => "pcm_s8",
                (false, 8, _) => "pcm_u8",
                (false, 16, true) => "pcm_s16be",
                (false, 16, false) => "pcm_s16le",
                (false, 24, true) => "pcm_s24be",
                (false, 24, false) => "pcm_s24le",
                (false, 32, true) => "pcm_s32be",
                (false, 32, false) => "pcm_s32le",
                _ => return None,
            };
            pcm(codec)
        }
        b"mp4a" => aac(find(b"esds")?),
        _ => None,
    }
}

/// FFmpeg's name for a CoreAudio channel layout (the body of QuickTime's
/// `chan` box after its version and flags, or of AIFF's `CHAN` chunk).
pub fn chan_layout(layout: &[u8], channels: u32) -> Option<&'static str> {
    let tag = be32(layout, 0)?;
    let name = match tag {
        0x0064_0001 => "mono",
        0x0065_0002 => "stereo",
        // UseChannelBitmap: CoreAudio's bitmap has WAVE's speaker bits.
        0x0001_0000 => layout_name(be32(layout, 4)?)?,
        _ => return None,
    };
    let count = match name {
        "mono" => 1,
        "stereo" => 2,
        _ => be32(layout, 4)?.count_ones(),
    };
    (count == channels).then_some(name)
}

/// Length of an MPEG-4 descriptor: up to four 7-bit groups.
fn descriptor(b: &[u8], at: usize) -> Option<(u8, usize, usize)> {
    let tag = u8_at(b, at)?;
    let mut len = 0usize;
    for i in 1..=4 {
        let byte = u8_at(b, at + i)?;
        len = (len << 7) | usize::from(byte & 0x7F);
        if byte & 0x80 == 0 {
            return Some((tag, at + i + 1, len));
        }
    }
    None
}

/// AAC-LC from an `esds` box; anything else (HE-AAC, MP3 in MP4…) is `None`.
fn aac(esds: &[u8]) -> Option<AudioInfo> {
    let (tag, mut at, _) = descriptor(esds, 4)?;
    if tag != 3 {
        return None;
    }
    let flags = u8_at(esds, at + 2)?;
    at += 3;
    if flags & 0x80 != 0 {
        at += 2;
    }
    if flags & 0x40 != 0 {
        at += 1 + usize::from(u8_at(esds, at)?);
    }
    if flags & 0x20 != 0 {
        at += 2;
    }
    let (tag, dcd, _) = descriptor(esds, at)?;
    if tag != 4 || u8_at(esds, dcd)? != 0x40 {
        return None; // not MPEG-4 audio
    }
    let (tag, asc, _) = descriptor(esds, dcd + 13)?;
    if tag != 5 {
        return None;
    }
    aac_config(esds.get(asc..)?)
}

/// AAC-LC from its AudioSpecificConfig (in `esds`, or a Matroska track's
/// CodecPrivate); anything else is `None`.
pub fn aac_config(asc: &[u8]) -> Option<AudioInfo> {
    let b0 = u8_at(asc, 0)?;
    let b1 = u8_at(asc, 1)?;
    let object = b0 >> 3;
    let index = ((b0 & 7) << 1) | (b1 >> 7);
    let config = (b1 >> 3) & 0xF;
    const RATES: [u32; 13] = [
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
    ];
    let rate = *RATES.get(usize::from(index))?;
    // Below 32 kHz an AAC stream may carry implicit SBR, which FFmpeg's
    // decoder reports at twice the rate: leave those to ffprobe.
    if object != 2 || rate < 32000 {
        return None;
    }
    let (channels, layout) = match config {
        1 => (1, "mono"),
        2 => (2, "stereo"),
        3 => (3, "3.0"),
        4 => (4, "4.0"),
        5 => (5, "5.0"),
        6 => (6, "5.1"),
        _ => return None,
    };
    Some(AudioInfo {
        codec: "aac".into(),
        channels,
        sample_rate: rate,
        channel_layout: Some(layout.into()),
    })
}

/// An audio-only file's report, as FFmpeg computes it for WAV and AIFF:
/// `samples` at `rate` give the duration in microseconds rounded to nearest,
/// and the format bit rate is the whole file over it, truncated.
pub fn audio_only(
    container: &str,
    samples: u128,
    file_size: u64,
    audio: AudioInfo,
) -> Option<ProbeInfo> {
    let rate = u128::from(audio.sample_rate);
    if rate == 0 {
        return None;
    }
    let us = u64::try_from((samples * 1_000_000 + rate / 2) / rate).ok()?;
    if us == 0 {
        return None;
    }
    Some(ProbeInfo {
        container: Some(container.into()),
        duration_s: Some(us as f64 / 1e6),
        bit_rate: Some((file_size as f64 * 8.0 * 1e6 / us as f64) as u64),
        video: None,
        audio: vec![audio],
        timecode: None,
    })
}
