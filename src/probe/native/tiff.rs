//! TIFF stills and sequence frames: the first IFD, read as FFmpeg's TIFF
//! decoder reads it to pick its pixel format (sum of the bits per sample,
//! samples per pixel, planar configuration, byte order, palette). Only plain
//! images are answered: YCbCr, CMYK, float samples, unusual compressions,
//! BigTIFF and camera raw built on TIFF (DNG, CR2, files with sub-IFDs) go to
//! ffprobe.

use super::Source;
use crate::probe::{ProbeInfo, VideoInfo};

/// Most IFD entries read (real files have 10–30).
const MAX_ENTRIES: u64 = 512;

/// True if the bytes start like a classic TIFF.
pub fn looks_like(magic: &[u8]) -> bool {
    matches!(magic.get(..4), Some(b"II*\0" | b"MM\0*"))
}

/// What ffprobe reports of a TIFF image, or `None`.
pub fn parse<S: Source + ?Sized>(src: &S) -> Option<ProbeInfo> {
    let head = src.read(0, 16.min(src.size()))?;
    let le = head.get(..2)? == b"II";
    let u16_at = |b: &[u8], at: usize| -> Option<u16> {
        let a = [*b.get(at)?, *b.get(at + 1)?];
        Some(if le {
            u16::from_le_bytes(a)
        } else {
            u16::from_be_bytes(a)
        })
    };
    let u32_at = |b: &[u8], at: usize| -> Option<u32> {
        let a: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    };
    if head.get(8..10) == Some(b"CR") {
        return None; // Canon CR2
    }
    let ifd = u64::from(u32_at(&head, 4)?);
    let count = u64::from(u16_at(&src.read(ifd, 2)?, 0)?);
    if count == 0 || count > MAX_ENTRIES {
        return None;
    }
    let entries = src.read(ifd + 2, count * 12)?;
    let (mut width, mut height) = (None, None);
    let (mut bpp, mut bppcount) = (None, 1u32);
    let (mut compression, mut photometric, mut planar, mut palette) = (1, None, 1, false);
    let (mut offsets, mut counts) = (None, None);
    // The values of an array tag, inline or at its offset.
    let array = |(kind, n, inline): Entry| -> Option<Vec<u64>> {
        let unit = if kind == 3 { 2 } else { 4 };
        let bytes = if n * unit <= 4 {
            inline.to_vec()
        } else {
            src.read(u64::from(u32_at(&inline, 0)?), u64::from(n * unit))?
        };
        (0..n as usize)
            .map(|i| match kind {
                3 => u16_at(&bytes, i * 2).map(u64::from),
                _ => u32_at(&bytes, i * 4).map(u64::from),
            })
            .collect()
    };
    for e in entries.chunks_exact(12) {
        let (tag, kind, n) = (u16_at(e, 0)?, u16_at(e, 2)?, u32_at(e, 4)?);
        // A single SHORT or LONG value sits in the entry itself.
        let value = match kind {
            3 => u32::from(u16_at(e, 8)?),
            4 => u32_at(e, 8)?,
            _ => u32::MAX,
        };
        match tag {
            256 => width = Some(value),
            257 => height = Some(value),
            258 => {
                if !(1..=5).contains(&n) || kind != 3 {
                    return None;
                }
                bppcount = n;
                let bits = array(entry(e, kind, n)?)?;
                bpp = Some(u32::try_from(bits.iter().sum::<u64>()).ok()?);
            }
            259 => compression = value,
            262 => photometric = Some(value),
            277 => {
                if n != 1 || !(1..=5).contains(&value) {
                    return None;
                }
                if bppcount == 1 {
                    bpp = bpp.map(|b| b * value);
                }
                bppcount = value;
            }
            273 => offsets = Some(entry(e, kind, n)?),
            279 => counts = Some(entry(e, kind, n)?),
            284 => planar = value,
            320 => palette = true,
            // Sub-IFDs (raw files keep the real image there), DNG, float samples.
            330 | 50706 => return None,
            339 if value != 1 => return None,
            _ => {}
        }
    }
    if !matches!(compression, 1 | 5 | 8 | 32946 | 32773) {
        return None;
    }
    // Every strip must lie in the file: a cut image is FFmpeg's to judge.
    let (starts, lens) = (array(offsets?)?, array(counts?)?);
    if starts.len() != lens.len()
        || starts
            .iter()
            .zip(&lens)
            .any(|(s, l)| s.checked_add(*l).is_none_or(|end| end > src.size()))
    {
        return None;
    }
    let planar = match planar {
        1 => 0,
        2 => 1,
        _ => return None,
    };
    let key = planar * 1000 + bpp? * 10 + bppcount;
    let pix_fmt = match (photometric?, key) {
        (1, 11) if !palette => "monob",
        (1 | 3, 81) if palette => "pal8",
        (1, 81) => "gray",
        (1, 161) => pick(le, "gray16le", "gray16be"),
        (1, 162) => "ya8",
        (1, 322) => pick(le, "ya16le", "ya16be"),
        (2, 243) => "rgb24",
        (2, 324) => "rgba",
        (2, 483) => pick(le, "rgb48le", "rgb48be"),
        (2, 644) => pick(le, "rgba64le", "rgba64be"),
        (2, 1243) => "gbrp",
        (2, 1324) => "gbrap",
        (2, 1483) => pick(le, "gbrp16le", "gbrp16be"),
        (2, 1644) => pick(le, "gbrap16le", "gbrap16be"),
        _ => return None,
    };
    let (width, height) = (width?, height?);
    if width == 0 || height == 0 {
        return None;
    }
    Some(ProbeInfo {
        container: Some("tiff_pipe".into()),
        video: Some(
            VideoInfo {
                codec: "tiff".into(),
                profile: None,
                width,
                height,
                // The image pipe's default rate, as ffprobe reports it.
                pix_fmt: Some(pix_fmt.into()),
                ..Default::default()
            }
            .with_rate(crate::probe::rate::Rate::constant(25, 1)),
        ),
        ..Default::default()
    })
}

/// An array tag: type (SHORT or LONG), count, and the entry's value field.
type Entry = (u16, u32, [u8; 4]);

/// The array of an IFD entry, when its type and count are ones we read.
fn entry(e: &[u8], kind: u16, n: u32) -> Option<Entry> {
    (matches!(kind, 3 | 4) && (1..=1 << 16).contains(&n))
        .then(|| Some((kind, n, e.get(8..12)?.try_into().ok()?)))
        .flatten()
}

fn pick(le: bool, little: &'static str, big: &'static str) -> &'static str {
    if le { little } else { big }
}
