//! QuickTime/MP4 sound sample entries: PCM variants (`lpcm`, `sowt`, `twos`,
//! `in24`, `in32`, `fl32`, `fl64`, `raw `), and AAC through `esds`, with
//! channel layouts from `chan` or the AAC channel configuration, named as
//! FFmpeg 5.1 names them.

use super::bmff::children;
use super::bytes::{be16, be32, be64, u8_at};
use super::wav::layout_name;
use crate::probe::{AudioInfo, ProbeInfo};

/// A sound sample entry: `entry` is the box body after its 8-byte header,
/// `timescale` its track's media time scale, the rate of an entry stating
/// none (FFmpeg 5.1's `mov_finalize_stsd_codec` takes it too).
pub fn parse(fourcc: &[u8], entry: &[u8], timescale: u32) -> Option<AudioInfo> {
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
    if rate == 0 && timescale > 1 {
        rate = timescale;
    }
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
    // Encrypted tracks (`enca`) name their codec in `sinf`/`frma`.
    let original: Option<&[u8]> = (fourcc == b"enca")
        .then(|| find(b"sinf").and_then(|s| children(s)?.into_iter().find(|(t, _)| t == b"frma")))
        .flatten()
        .and_then(|(_, f)| f.get(..4));
    let fourcc = original.unwrap_or(fourcc);
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
        b"mp4a" => esds_audio(find(b"esds")?, channels, rate),
        b"ipcm" | b"fpcm" => pcm(match (fourcc, bits, little) {
            (b"fpcm", 32, true) => "pcm_f32le",
            (b"fpcm", 32, false) => "pcm_f32be",
            (b"fpcm", 64, true) => "pcm_f64le",
            (b"fpcm", 64, false) => "pcm_f64be",
            (b"ipcm", 16, true) => "pcm_s16le",
            (b"ipcm", 16, false) => "pcm_s16be",
            (b"ipcm", 24, true) => "pcm_s24le",
            (b"ipcm", 24, false) => "pcm_s24be",
            (b"ipcm", 32, true) => "pcm_s32le",
            (b"ipcm", 32, false) => "pcm_s32be",
            _ => return None,
        }),
        f => {
            let codec = super::fourcc::audio(f)?;
            // The codec's configuration box knows better than the entry,
            // which often states 2 channels whatever the stream carries.
            let (channels, rate) = match codec {
                "opus" => (u32::from(u8_at(find(b"dOps")?, 1)?), 48_000),
                "flac" => {
                    let si = super::elementary::flac_streaminfo(find(b"dfLa")?.get(8..)?)?;
                    (si.channels, si.sample_rate)
                }
                "ac3" => find(b"dac3")
                    .and_then(super::elementary::dac3)
                    .map_or((channels, rate), |c| (c, rate)),
                "eac3" => find(b"dec3")
                    .and_then(super::elementary::dec3)
                    .map_or((channels, rate), |c| (c, rate)),
                "amr_nb" => (1, 8000),
                "amr_wb" => (1, 16000),
                _ => (channels, rate),
            };
            // IAMF states its channels per audio element, in configuration
            // OBUs (IAMF 1.0, 3.6); its sample entry says 0, as FFmpeg 5.1
            // reports it.
            (rate > 0 && (channels > 0 || codec == "iamf")).then_some(())?;
            Some(AudioInfo {
                codec: codec.into(),
                channels,
                sample_rate: rate,
                channel_layout: None,
            })
        }
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

/// The codec of an `esds` box by its object type; AAC from its
/// AudioSpecificConfig, others with the sample entry's channels and rate.
fn esds_audio(esds: &[u8], channels: u32, rate: u32) -> Option<AudioInfo> {
    let (oti, config) = esds_config(esds)?;
    if oti == 0x40 {
        if let Some(mut a) = config.and_then(aac_config) {
            // Implicit SBR (HE-AAC signalled only in the stream): the
            // configuration states the core rate, the sample entry the
            // output rate, twice it, which decoders report.
            if rate == 2 * a.sample_rate {
                a.sample_rate = rate;
            }
            return Some(a);
        }
        // MPEG-4 audio that is not AAC: ALS, SLS, CELP… by object type
        // (31 escapes to 32 + the next 6 bits).
        let obj = config.and_then(|c| {
            let mut r = super::bytes::Bits::new(c);
            let o = r.bits(5)?;
            Some(if o == 31 { 32 + r.bits(6)? } else { o })
        });
        let codec = match obj {
            Some(36) => "mp4als",
            Some(37 | 38) => "sls",
            Some(8) => "celp",
            Some(32..=34) => "mp3",
            Some(_) => return None,
            None => "aac",
        };
        return (channels > 0 && rate > 0).then(|| AudioInfo {
            codec: codec.into(),
            channels,
            sample_rate: rate,
            channel_layout: None,
        });
    }
    let codec = super::fourcc::object_type(oti)?;
    (channels > 0 && rate > 0).then(|| AudioInfo {
        codec: codec.into(),
        channels,
        sample_rate: rate,
        channel_layout: None,
    })
}

/// The object type indication of an `esds` box and its decoder specific
/// info (ISO/IEC 14496-1, 7.2.6.5 and 7.2.6.6).
pub fn esds_config(esds: &[u8]) -> Option<(u8, Option<&[u8]>)> {
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
    if tag != 4 {
        return None;
    }
    let oti = u8_at(esds, dcd)?;
    let config = descriptor(esds, dcd + 13)
        .filter(|(tag, _, _)| *tag == 5)
        .and_then(|(_, asc, len)| esds.get(asc..asc.checked_add(len)?));
    Some((oti, config))
}

/// AAC from its AudioSpecificConfig (ISO/IEC 14496-3, 1.6.2.1), in `esds`,
/// a Matroska track's CodecPrivate or an MPEG-TS descriptor: channels from
/// the channel configuration, the rate of the output (the SBR extension
/// rate for HE-AAC). `None` when the configuration leaves the channels to a
/// program config element: the container's count answers then.
pub fn aac_config(asc: &[u8]) -> Option<AudioInfo> {
    const RATES: [u32; 13] = [
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
    ];
    let mut r = super::bytes::Bits::new(asc);
    let object = |r: &mut super::bytes::Bits| -> Option<u32> {
        let o = r.bits(5)?;
        Some(if o == 31 { 32 + r.bits(6)? } else { o })
    };
    let freq = |r: &mut super::bytes::Bits| -> Option<u32> {
        match r.bits(4)? {
            15 => r.bits(24),
            i => RATES.get(i as usize).copied(),
        }
    };
    let obj = object(&mut r)?;
    // The AAC object types (ISO/IEC 14496-3 table 1.1; 42 is USAC, which
    // FFmpeg's `aac` decoder reads since 7.1); others (ALS, SLS, CELP…) are
    // not AAC.
    if !matches!(obj, 1..=7 | 17 | 19..=23 | 29 | 39 | 42) {
        return None;
    }
    let mut rate = freq(&mut r)?;
    let config = r.bits(4)?;
    if obj == 5 || obj == 29 {
        // Explicit SBR (HE-AAC) and PS (HE-AAC v2): the output rate follows.
        rate = freq(&mut r)?;
    }
    let (channels, layout) = match config {
        // Parametric stereo turns one coded channel into two.
        1 if obj == 29 => (2, "stereo"),
        1 => (1, "mono"),
        2 => (2, "stereo"),
        3 => (3, "3.0"),
        4 => (4, "4.0"),
        5 => (5, "5.0"),
        6 => (6, "5.1"),
        7 | 12 | 14 => (8, "7.1"),
        11 => (7, "6.1"),
        _ => return None,
    };
    (rate > 0).then(|| AudioInfo {
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
        streams_unsure: false,
    })
}
