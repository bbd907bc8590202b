//! AVI (RIFF `AVI `, with the OpenDML extension's `odml`/`dmlh` total for
//! files past 1 GB): the `hdrl` list's stream headers (`strh`: type, scale,
//! rate, length) and formats (`strf`: a BITMAPINFOHEADER or WAVEFORMATEX),
//! as Microsoft's AVI RIFF reference and the OpenDML AVI File Format
//! Extensions 1.02 lay them out. MP3 and AC-3 streams are named by their
//! format tag; the first frame is not read.

use super::Source;
use super::bytes::{le16, le32};
use crate::probe::rate::{FpsMode, Rate};
use crate::probe::{AudioInfo, ProbeInfo, VideoInfo};

/// The largest `hdrl` list read.
const HDRL_CAP: u64 = 1 << 20;

/// Whether `magic` opens an AVI file.
pub fn looks_like(magic: &[u8]) -> bool {
    magic.get(..4) == Some(b"RIFF") && matches!(magic.get(8..12), Some(b"AVI " | b"AVIX"))
}

/// RIFF chunks of `b`: (id, body).
fn chunks(b: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 8 <= b.len() {
        let id = &b[at..at + 4];
        let Some(size) = le32(b, at + 4).map(|s| s as usize) else {
            break;
        };
        let end = (at + 8).saturating_add(size).min(b.len());
        out.push((id, &b[at + 8..end]));
        at = end + (size & 1);
    }
    out
}

/// A `LIST` chunk's type and children.
fn list<'a>(body: &'a [u8], kind: &[u8]) -> Option<Vec<(&'a [u8], &'a [u8])>> {
    (body.get(..4)? == kind).then(|| chunks(&body[4..]))
}

/// Probes an AVI file.
pub fn probe<S: Source + ?Sized>(src: &S) -> Option<ProbeInfo> {
    let size = src.size();
    let head = src.read(12, 12.min(size.checked_sub(12)?))?;
    if head.get(..4)? != b"LIST" || head.get(8..12)? != b"hdrl" {
        return None;
    }
    let len = u64::from(le32(&head, 4)?);
    if len > HDRL_CAP {
        return None;
    }
    let hdrl = src.read(20, len.min(size.checked_sub(20)?))?;
    let kids = list(&hdrl, b"hdrl")?;
    let mut out = ProbeInfo {
        container: Some("avi".into()),
        ..ProbeInfo::default()
    };
    // OpenDML: the real frame count of a file larger than its first RIFF.
    let odml_frames = kids
        .iter()
        .filter(|(id, _)| *id == b"LIST")
        .filter_map(|(_, b)| list(b, b"odml"))
        .flatten()
        .find(|(id, _)| *id == b"dmlh")
        .and_then(|(_, b)| le32(b, 0));
    let mut longest = 0f64;
    for (_, strl) in kids.iter().filter(|(id, _)| *id == b"LIST") {
        let Some(s) = list(strl, b"strl") else {
            continue;
        };
        let strh = s.iter().find(|(id, _)| *id == b"strh")?.1;
        let strf = s.iter().find(|(id, _)| *id == b"strf")?.1;
        let (scale, rate) = (u64::from(le32(strh, 20)?), u64::from(le32(strh, 24)?));
        let length = u64::from(le32(strh, 32)?);
        match strh.get(..4)? {
            b"vids" if out.video.is_none() => {
                let codec = super::fourcc::video(strf.get(16..20)?)?;
                let width = le32(strf, 4)?;
                let height = (le32(strf, 8)? as i32).unsigned_abs();
                let r = Rate::new(rate, scale, FpsMode::Cfr);
                let frames = odml_frames.map_or(length, |f| u64::from(f).max(length));
                if let Some(r) = r {
                    longest = longest.max(frames as f64 * r.den as f64 / r.num as f64);
                }
                out.video = Some(
                    VideoInfo {
                        codec: codec.into(),
                        width,
                        height,
                        ..VideoInfo::default()
                    }
                    .with_rate(r),
                );
            }
            b"auds" => {
                let bits = u64::from(le16(strf, 14)?);
                let codec = super::fourcc::wave_format(le16(strf, 0)?, bits)?;
                let channels = u32::from(le16(strf, 2)?);
                let sample_rate = le32(strf, 4)?;
                if rate > 0 {
                    longest = longest.max(length as f64 * scale as f64 / rate as f64);
                }
                out.audio.push(AudioInfo {
                    codec: codec.into(),
                    channels,
                    sample_rate,
                    channel_layout: None,
                });
            }
            _ => {}
        }
    }
    if out.video.is_none() && out.audio.is_empty() {
        return None;
    }
    if longest > 0.0 {
        let us = (longest * 1e6).round();
        out.duration_s = Some(us / 1e6);
        out.bit_rate = Some((size as f64 * 8.0 * 1e6 / us) as u64);
    }
    Some(out)
}
