//! AIFF and AIFF-C headers (Pro Tools and Logic sessions): `COMM` and the
//! `SSND` chunk. Values follow FFmpeg 5.1's aiff
//! demuxer: the codec from the sample size (or AIFF-C's compression type),
//! the duration from `COMM`'s frame count, the bit rate of the whole file
//! over it, the layout from `CHAN` where it is mono, stereo or a bitmap.
//! Compressed AIFF-C, other layouts and anything unsure go to ffprobe.

use super::Source;
use super::bytes::{be16, be32, be64};
use crate::probe::{AudioInfo, ProbeInfo};

/// The `FVER` timestamp of AIFF-C version 1: any other version makes FFmpeg
/// ignore the compression type.
const AIFC_V1: u32 = 0xA280_5140;

/// Whether `magic` starts an AIFF or AIFF-C file.
pub fn looks_like(magic: &[u8]) -> bool {
    magic.get(..4) == Some(b"FORM") && matches!(magic.get(8..12), Some(b"AIFF" | b"AIFC"))
}

/// FFmpeg's PCM codec for a sample size, as its `aiff_codec_get_id`.
fn by_bits(bits: u16) -> Option<&'static str> {
    Some(match bits {
        1..=8 => "pcm_s8",
        9..=16 => "pcm_s16be",
        17..=24 => "pcm_s24be",
        25..=32 => "pcm_s32be",
        _ => return None,
    })
}

/// An IEEE 754 80-bit extended sample rate, rounded as FFmpeg rounds it.
fn rate(ext: &[u8]) -> Option<u32> {
    let exp = i32::from(be16(ext, 0)?) - 16383 - 63;
    let mantissa = be64(ext, 2)?;
    // FFmpeg adds half then shifts, in unsigned 64-bit arithmetic, and keeps
    // the result in an `int`: rates that would not fit are declined.
    let r = match exp {
        -63..=-1 => mantissa.wrapping_add(1u64 << (-exp - 1)) >> -exp,
        _ => return None,
    };
    u32::try_from(r)
        .ok()
        .filter(|r| *r > 0 && *r <= i32::MAX as u32)
}

/// Reads an AIFF or AIFF-C file. Chunks are walked to the end of the `FORM`,
/// as FFmpeg walks them (it reads chunks after the sound data too), reading
/// only their 8-byte headers and the small `FVER` and `COMM` bodies.
pub fn parse<S: Source + ?Sized>(src: &S) -> Option<ProbeInfo> {
    let file_size = src.size();
    let head = src.read(0, 12)?;
    if !looks_like(&head) {
        return None;
    }
    let form_end = 8u64.checked_add(u64::from(be32(&head, 4)?))?;
    let mut version = if head.get(8..12)? == b"AIFC" {
        AIFC_V1
    } else {
        0
    };
    let mut comm: Option<(u16, u32, &'static str, u32)> = None;
    let mut sound_end = None;
    let mut layout = None;
    let mut at = 12u64;
    // A real file has a handful of chunks; a hostile one cannot loop long.
    for _ in 0..4096 {
        if at + 8 > form_end.min(file_size) {
            break;
        }
        let hdr = src.read(at, 8)?;
        let size = be32(&hdr, 4)?;
        if size > i32::MAX as u32 {
            return None; // FFmpeg reads chunk sizes into an int
        }
        let body = at + 8;
        match hdr.get(..4)? {
            b"FVER" => version = be32(&src.read(body, 4)?, 0)?,
            b"COMM" if size >= 18 => {
                let b = src.read(body, u64::from(size.min(22)))?;
                let (channels, frames, bits) = (be16(&b, 0)?, be32(&b, 2)?, be16(&b, 6)?);
                let codec = if size < 22 || version != AIFC_V1 {
                    by_bits(bits)?
                } else {
                    match b.get(18..22)? {
                        b"NONE" | b"twos" => by_bits(bits)?,
                        b"sowt" if bits == 16 => "pcm_s16le",
                        b"fl32" | b"FL32" if bits == 32 => "pcm_f32be",
                        b"fl64" | b"FL64" if bits == 64 => "pcm_f64be",
                        _ => return None,
                    }
                };
                comm = Some((channels, frames, codec, rate(b.get(8..18)?)?));
            }
            b"COMM" => return None,
            b"SSND" => sound_end = Some(body + u64::from(size)),
            // A CoreAudio layout, as in QuickTime's `chan` box.
            b"CHAN" if size <= 1024 => layout = Some(src.read(body, u64::from(size))?),
            b"CHAN" => return None,
            _ => {}
        }
        at = body + u64::from(size) + u64::from(size & 1);
    }
    let (channels, frames, codec, rate) = comm?;
    // A sound chunk running past the end: a truncated file, for ffprobe.
    if channels == 0 || frames == 0 || sound_end? > file_size {
        return None;
    }
    // Layouts FFmpeg names from the tag alone (mono, stereo) or from the
    // bitmap; any other is declined.
    let channel_layout = match layout {
        Some(chan) => Some(super::sound::chan_layout(&chan, channels.into())?.to_string()),
        None => None,
    };
    let audio = AudioInfo {
        codec: codec.into(),
        channels: u32::from(channels),
        sample_rate: rate,
        channel_layout,
    };
    super::sound::audio_only("aiff", frames.into(), file_size, audio)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_rates() {
        // 48 kHz and 44.1 kHz as every AIFF writer stores them.
        assert_eq!(
            rate(&[0x40, 0x0E, 0xBB, 0x80, 0, 0, 0, 0, 0, 0]),
            Some(48_000)
        );
        assert_eq!(
            rate(&[0x40, 0x0E, 0xAC, 0x44, 0, 0, 0, 0, 0, 0]),
            Some(44_100)
        );
        assert_eq!(rate(&[0x7F, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0]), None);
        assert_eq!(rate(&[0; 10]), None);
    }
}
