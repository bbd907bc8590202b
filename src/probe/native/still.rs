//! Still images that are stills or a sequence's frames: JPEG (the frame
//! header of ITU-T T.81 B.2.2), PNG (`IHDR`, ISO/IEC 15948) and JPEG 2000
//! codestreams and JP2 files (the `SIZ` marker, ISO/IEC 15444-1 A.5.1).
//! Named as ffprobe names them (`mjpeg` in `jpeg_pipe`, `png` in `png_pipe`,
//! `jpeg2000` in `j2k_pipe`), at the image pipe's 25 fps that the probe
//! stage drops for a still and replaces for a sequence.

use super::Source;
use super::bytes::{be16, be32, u8_at};
use super::video::{self, Picture};
use crate::probe::ProbeInfo;
use crate::probe::rate::Rate;

/// Bytes read for the headers (a JPEG's EXIF and ICC segments come first).
const HEAD: u64 = 256 * 1024;

/// Whether `magic` opens a JPEG, PNG or JPEG 2000 image.
pub fn looks_like(magic: &[u8]) -> bool {
    magic.starts_with(&[0xFF, 0xD8, 0xFF])
        || magic.starts_with(b"\x89PNG\r\n\x1a\n")
        || magic.starts_with(&[0xFF, 0x4F, 0xFF, 0x51])
        || magic.get(4..12) == Some(b"jP  \r\n\x87\n")
}

/// Probes a still image.
pub fn probe<S: Source + ?Sized>(src: &S) -> Option<ProbeInfo> {
    let b = src.read(0, HEAD.min(src.size()))?;
    let (container, pic) = if b.starts_with(&[0xFF, 0xD8]) {
        ("jpeg_pipe", jpeg(&b)?)
    } else if b.starts_with(b"\x89PNG") {
        ("png_pipe", png(&b)?)
    } else {
        ("j2k_pipe", j2k(&b)?)
    };
    Some(ProbeInfo {
        container: Some(container.into()),
        video: Some(pic.video(Rate::constant(25, 1))),
        ..ProbeInfo::default()
    })
}

/// The first start-of-frame segment of a JPEG.
fn jpeg(b: &[u8]) -> Option<Picture> {
    let mut at = 2;
    while at + 4 <= b.len() {
        if b[at] != 0xFF {
            return None;
        }
        let marker = b[at + 1];
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        let len = usize::from(be16(b, at + 2)?);
        // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let height = u32::from(be16(b, at + 5)?);
            let width = u32::from(be16(b, at + 7)?);
            return (width > 0 && height > 0).then_some(Picture {
                codec: "mjpeg",
                profile: None,
                width,
                height,
                pix_fmt: None,
            });
        }
        if marker == 0xDA {
            return None; // scan data before any frame header
        }
        at += 2 + len;
    }
    None
}

fn png(b: &[u8]) -> Option<Picture> {
    if b.get(12..16)? != b"IHDR" {
        return None;
    }
    let (width, height) = (be32(b, 16)?, be32(b, 20)?);
    let pix_fmt = match (u8_at(b, 24)?, u8_at(b, 25)?) {
        (8, 2) => Some("rgb24"),
        (8, 6) => Some("rgba"),
        (8, 0) => Some("gray"),
        (16, 2) => Some("rgb48be"),
        (16, 6) => Some("rgba64be"),
        (16, 0) => Some("gray16be"),
        (_, 3) => Some("pal8"),
        _ => None,
    };
    (width > 0 && height > 0).then_some(Picture {
        codec: "png",
        profile: None,
        width,
        height,
        pix_fmt,
    })
}

/// A JPEG 2000 codestream or JP2 file: the pixel format when it is one
/// FFmpeg's rules give for sure, else the size alone.
pub fn j2k(b: &[u8]) -> Option<Picture> {
    if let Some(p) = video::j2k(b) {
        return Some(p);
    }
    let code = if b.get(4..8)? == b"jP  " {
        let at = b.windows(4).position(|w| w == b"jp2c")? + 4;
        b.get(at..)?
    } else {
        b
    };
    if code.get(..4)? != [0xFF, 0x4F, 0xFF, 0x51] {
        return None;
    }
    let s = code.get(4..)?;
    let width = be32(s, 4)?.checked_sub(be32(s, 12)?)?;
    let height = be32(s, 8)?.checked_sub(be32(s, 16)?)?;
    (width > 0 && height > 0).then_some(Picture {
        codec: "jpeg2000",
        profile: None,
        width,
        height,
        pix_fmt: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_frame_headers() {
        // SOI, an APP0 of 16 bytes, then SOF0 for 80 × 192.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        b.extend([0; 14]);
        b.extend([0xFF, 0xC0, 0, 17, 8, 0, 80, 0, 192, 3]);
        b.extend([0; 9]);
        let p = jpeg(&b).unwrap();
        assert_eq!((p.codec, p.width, p.height), ("mjpeg", 192, 80));
        assert!(jpeg(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2]).is_none());
    }
}
