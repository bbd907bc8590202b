//! WAV, BWF, RF64 and BW64 headers: the `fmt ` chunk and the size of `data`,
//! read from the first bytes only. Values follow FFmpeg's (codec names,
//! channel layouts, duration in microseconds, bit rate over the whole file),
//! so a report is the same whichever reader answered; anything this reader
//! is not sure of returns `None` and goes to ffprobe.

use super::bytes::{le16 as u16le, le32 as u32le, le64 as u64le};
use crate::probe::{AudioInfo, ProbeInfo};

/// FFmpeg's codec name for a PCM format tag and sample size.
fn codec(tag: u16, bits: u16) -> Option<&'static str> {
    Some(match (tag, bits) {
        (1, 8) => "pcm_u8",
        (1, 16) => "pcm_s16le",
        (1, 24) => "pcm_s24le",
        (1, 32) => "pcm_s32le",
        (3, 32) => "pcm_f32le",
        (3, 64) => "pcm_f64le",
        (1 | 3, _) => return None,
        _ => return super::fourcc::wave_format(tag, u64::from(bits)),
    })
}

/// FFmpeg 5.1's name for a speaker mask (WAVE_FORMAT_EXTENSIBLE's, which is
/// also CoreAudio's channel bitmap), from its table of standard layouts.
pub fn layout_name(mask: u32) -> Option<&'static str> {
    Some(match mask {
        0x4 => "mono",
        0x3 => "stereo",
        0xB => "2.1",
        0x7 => "3.0",
        0x103 => "3.0(back)",
        0x107 => "4.0",
        0x33 => "quad",
        0x603 => "quad(side)",
        0xF => "3.1",
        0x37 => "5.0",
        0x607 => "5.0(side)",
        0x10F => "4.1",
        0x3F => "5.1",
        0x60F => "5.1(side)",
        0x707 => "6.0",
        0x6C3 => "6.0(front)",
        0x137 => "hexagonal",
        0x70F => "6.1",
        0x13F => "6.1(back)",
        0x6CB => "6.1(front)",
        0x637 => "7.0",
        0x6C7 => "7.0(front)",
        0x63F => "7.1",
        0xFF => "7.1(wide)",
        0x6CF => "7.1(wide-side)",
        0x737 => "octagonal",
        _ => return None,
    })
}

fn layout(mask: u32, channels: u16) -> Option<&'static str> {
    (mask.count_ones() == u32::from(channels))
        .then_some(())
        .and_then(|()| layout_name(mask))
}

/// Why a RIFF/WAVE file certainly holds no sound to describe: its chunks
/// are whole, reach the end of the file, and none is a format chunk (`fmt `,
/// or `XMA2`, which FFmpeg also takes). `None` when unsure (RF64, a chunk
/// past the end, a head too short to see every chunk).
pub fn refuse(head: &[u8], file_size: u64) -> Option<String> {
    if head.get(..4)? != b"RIFF" || head.get(8..12)? != b"WAVE" {
        return None;
    }
    let mut at = 12u64;
    while at < file_size {
        let i = usize::try_from(at).ok()?;
        let id = head.get(i..i + 4)?;
        if id == b"fmt " || id == b"XMA2" {
            return None;
        }
        // Chunks are padded to an even length (RIFF, Multimedia Programming
        // Interface and Data Specifications 1.0).
        let size = u64::from(u32le(head, i + 4)?);
        at = at.checked_add(8 + size + (size & 1))?;
    }
    (at == file_size || at == file_size + 1)
        .then(|| "a WAVE file without a format chunk (`fmt `): nothing describes its sound".into())
}

/// Parses `head` (the file's first bytes) of a file of `file_size` bytes.
pub fn parse(head: &[u8], file_size: u64) -> Option<ProbeInfo> {
    let rf64 = match head.get(..4)? {
        b"RIFF" => false,
        b"RF64" | b"BW64" => true,
        _ => return None,
    };
    if head.get(8..12)? != b"WAVE" {
        return None;
    }
    let mut at = 12usize;
    let mut ds64_data: Option<u64> = None;
    let mut fmt: Option<(u16, u16, u32, u16, u16, Option<u32>)> = None;
    let mut byte_rate = 0u32;
    loop {
        let (Some(id), Some(size)) = (head.get(at..at + 4), u32le(head, at + 4)) else {
            // No `data` chunk: the format is known, the length is not.
            let (tag, channels, rate, _, bits, _) = fmt?;
            return Some(ProbeInfo {
                container: Some("wav".into()),
                audio: vec![AudioInfo {
                    codec: codec(tag, bits)?.into(),
                    channels: u32::from(channels),
                    sample_rate: rate,
                    channel_layout: None,
                }],
                ..ProbeInfo::default()
            });
        };
        let body = at + 8;
        match id {
            b"ds64" if rf64 => ds64_data = Some(u64le(head, body + 8)?),
            b"fmt " => {
                let tag = u16le(head, body)?;
                let channels = u16le(head, body + 2)?;
                let rate = u32le(head, body + 4)?;
                byte_rate = u32le(head, body + 8)?;
                let align = u16le(head, body + 12)?;
                let bits = u16le(head, body + 14)?;
                let (tag, mask) = if tag == 0xFFFE {
                    // WAVE_FORMAT_EXTENSIBLE: the real tag opens the sub-format GUID.
                    if size < 40 {
                        return None;
                    }
                    (u16le(head, body + 24)?, Some(u32le(head, body + 20)?))
                } else {
                    (tag, None)
                };
                fmt = Some((tag, channels, rate, align, bits, mask));
            }
            b"data" => {
                let (tag, channels, rate, align, bits, mask) = fmt?;
                let data = match (size, ds64_data) {
                    (0xFFFF_FFFF, Some(d)) => d,
                    _ => u64::from(size),
                };
                // A data chunk running past the end (a truncated file, or a
                // stream's 0xFFFFFFFF placeholder): the bytes that are there.
                let present = file_size.saturating_sub(body as u64);
                let truncated = data > present;
                let data = data.min(present);
                if channels == 0 || rate == 0 || align == 0 {
                    return None;
                }
                // Plain PCM states no layout, and FFmpeg reports none; an
                // empty or inconsistent mask names none either.
                let channel_layout = mask.and_then(|m| layout(m, channels)).map(String::from);
                // As FFmpeg's wav demuxer: samples from the codec's bits per
                // sample, not from the header's block align (some writers
                // state an inconsistent one).
                let codec = codec(tag, bits)?;
                let samples = if matches!(tag, 1 | 3 | 6 | 7) && bits > 0 {
                    let per = u128::from(channels) * u128::from(bits);
                    // A truncated file's last partial sample counts, as FFmpeg counts it.
                    (u128::from(data) * 8 + if truncated { per - 1 } else { 0 }) / per
                } else if byte_rate > 0 {
                    // Compressed: the data over the stated byte rate.
                    u128::from(data) * u128::from(rate) / u128::from(byte_rate)
                } else {
                    return None;
                };
                let audio = AudioInfo {
                    codec: codec.into(),
                    channels: u32::from(channels),
                    sample_rate: rate,
                    channel_layout,
                };
                return super::sound::audio_only("wav", samples, file_size, audio);
            }
            _ => {}
        }
        // Chunks are word-aligned.
        at = body
            .checked_add(size as usize)?
            .checked_add(size as usize & 1)?;
    }
}
