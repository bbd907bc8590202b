//! HEIF and AVIF images (ISO/IEC 23008-12): no movie, but a top-level `meta`
//! box whose items are the image. The primary item (`pitm`, else the first
//! item) names the
//! codec by its type (`hvc1`, `av01`; a `grid` by its tiles'), and its
//! `ispe` property, found through `iprp`'s `ipma` associations, the image
//! size (the coded size; a `clap` crop is not applied, as MediaInfo reports
//! it). ffprobe 5.1 does not read these files.

use super::Source;
use super::bmff::children;
use super::bytes::{be16, be32, u8_at};
use crate::probe::{ProbeInfo, VideoInfo};

/// The largest `meta` box read.
const META_CAP: u64 = 4 << 20;

/// The `meta` box body of a file with no movie, if it has one.
fn meta<S: Source + ?Sized>(src: &S) -> Option<Vec<u8>> {
    let size = src.size();
    let mut at = 0u64;
    for _ in 0..64 {
        let h = src.read(at, 8.min(size.checked_sub(at)?))?;
        let len = u64::from(be32(&h, 0)?);
        if len < 8 {
            return None;
        }
        match h.get(4..8)? {
            b"meta" if len <= META_CAP => return src.read(at + 8, len - 8),
            b"moov" => return None,
            _ => {}
        }
        at = at.checked_add(len)?;
    }
    None
}

/// Whether `src` is a HEIF/AVIF image (a `meta` box with items, no movie).
pub fn looks_like<S: Source + ?Sized>(src: &S) -> bool {
    meta(src).is_some()
}

/// Probes a HEIF or AVIF image.
pub fn probe<S: Source + ?Sized>(src: &S) -> Option<ProbeInfo> {
    let meta = meta(src)?;
    let boxes = children(meta.get(4..)?)?; // after version and flags
    let get = |k: &[u8; 4]| boxes.iter().find(|(t, _)| t == k).map(|(_, b)| *b);
    let pitm = get(b"pitm").and_then(|p| {
        if u8_at(p, 0)? == 0 {
            be16(p, 4).map(u32::from)
        } else {
            be32(p, 4)
        }
    });
    // Item types, from `iinf`'s `infe` entries (versions 2 and 3).
    let iinf = get(b"iinf")?;
    let skip = if u8_at(iinf, 0)? == 0 { 6 } else { 8 };
    let mut items: Vec<(u32, [u8; 4])> = Vec::new();
    for (kind, infe) in children(iinf.get(skip..)?)? {
        if &kind != b"infe" {
            continue;
        }
        let (id, at) = match u8_at(infe, 0)? {
            2 => (u32::from(be16(infe, 4)?), 8),
            3 => (be32(infe, 4)?, 10),
            _ => continue,
        };
        items.push((id, infe.get(at..at + 4)?.try_into().ok()?));
    }
    // The primary item; without `pitm` (some writers leave it out), the first.
    let primary = pitm.unwrap_or(items.first()?.0);
    let kind = items.iter().find(|i| i.0 == primary)?.1;
    let coded = |t: &[u8; 4]| super::fourcc::video(t);
    let codec = match &kind {
        b"grid" | b"iovl" => items.iter().find_map(|(_, t)| coded(t))?,
        t => coded(t)?,
    };
    let (width, height) = ispe(&boxes, primary)?;
    Some(ProbeInfo {
        container: Some("heif".into()),
        video: Some(VideoInfo {
            codec: codec.into(),
            width,
            height,
            ..VideoInfo::default()
        }),
        ..ProbeInfo::default()
    })
}

/// The `ispe` (image spatial extents) property associated with `item`.
fn ispe(boxes: &[([u8; 4], &[u8])], item: u32) -> Option<(u32, u32)> {
    let iprp = boxes.iter().find(|(t, _)| t == b"iprp")?.1;
    let kids = children(iprp)?;
    let ipco = children(kids.iter().find(|(t, _)| t == b"ipco")?.1)?;
    let ipma = kids.iter().find(|(t, _)| t == b"ipma")?.1;
    let (version, flags) = (u8_at(ipma, 0)?, u8_at(ipma, 3)?);
    let mut at = 8;
    for _ in 0..be32(ipma, 4)?.min(65_536) {
        let id = if version < 1 {
            at += 2;
            u32::from(be16(ipma, at - 2)?)
        } else {
            at += 4;
            be32(ipma, at - 4)?
        };
        let n = usize::from(u8_at(ipma, at)?);
        at += 1;
        for _ in 0..n {
            let index = if flags & 1 != 0 {
                at += 2;
                usize::from(be16(ipma, at - 2)? & 0x7FFF)
            } else {
                at += 1;
                usize::from(u8_at(ipma, at - 1)? & 0x7F)
            };
            if id != item || index == 0 {
                continue;
            }
            if let Some((t, b)) = ipco.get(index - 1)
                && t == b"ispe"
            {
                return Some((be32(b, 4)?, be32(b, 8)?)).filter(|(w, h)| *w > 0 && *h > 0);
            }
        }
    }
    None
}
