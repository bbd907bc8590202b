//! Native readers for the headers of DPX and OpenEXR frames.
//!
//! Two uses. As a prober ([`probe_info`]) they answer what ffprobe says of one
//! frame: `dpx_pipe`/`exr_pipe`, the codec, size and the pixel format
//! FFmpeg's decoder picks from the header (its tables, for a little-endian
//! host), at the image pipe's default 25 fps. For a sequence
//! ([`FrameHeader::fps`], [`FrameHeader::timecode`]) they give what ffprobe
//! does not: the real rate and start timecode when the writer recorded them
//! (DPX film header at 1724 or TV header at 1940/1920, EXR
//! `framesPerSecond`/`timeCode`). Only headers are read, every offset is
//! checked against the bytes present, and nothing is allocated from header
//! fields.

use std::path::Path;

/// Bytes of a frame header to read: enough for DPX (2048) and typical EXR headers.
pub const HEADER_LEN: usize = 64 * 1024;

/// What a frame header says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameHeader {
    /// `dpx` or `exr`.
    pub format: &'static str,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Frames per second, when the header records it.
    pub fps: Option<f64>,
    /// Start timecode (SMPTE 12M, `HH:MM:SS:FF`), when the header records it.
    pub timecode: Option<String>,
    /// The pixel format FFmpeg decodes it to; `None` where its decoder
    /// would refuse the frame or we do not know its choice.
    pub pix_fmt: Option<&'static str>,
}

/// Reads the header of a DPX or EXR frame; `None` for other formats or garbage.
pub fn read(path: &Path) -> Option<FrameHeader> {
    let head = crate::util::fsutil::read_head(path, HEADER_LEN).ok()?;
    parse(&head)
}

/// What ffprobe reports of one DPX or EXR frame, from its first bytes and its
/// size; `None` (ask ffprobe) when the pixel format is not one we can name.
pub fn probe_info(head: &[u8], size: u64) -> Option<crate::probe::ProbeInfo> {
    let h = parse(head)?;
    if h.format == "dpx" && !dpx_fits(head, size)? {
        return None;
    }
    Some(crate::probe::ProbeInfo {
        container: Some(format!("{}_pipe", h.format)),
        video: Some(
            crate::probe::VideoInfo {
                codec: h.format.to_string(),
                profile: None,
                width: h.width,
                height: h.height,
                // The image pipe's default rate: ffprobe ignores the header's.
                pix_fmt: Some(h.pix_fmt?.to_string()),
                ..Default::default()
            }
            .with_rate(crate::probe::rate::Rate::constant(25, 1)),
        ),
        ..Default::default()
    })
}

/// Parses a DPX or EXR header from its first bytes.
pub fn parse(b: &[u8]) -> Option<FrameHeader> {
    match b.get(..4)? {
        b"SDPX" => dpx(b, true),
        b"XPDS" => dpx(b, false),
        [0x76, 0x2F, 0x31, 0x01] => exr(b),
        _ => None,
    }
}

fn sane_fps(v: f32) -> Option<f64> {
    (v.is_finite() && v > 0.0 && v < 1000.0).then_some(v as f64)
}

/// A 32-bit header field in the file's byte order.
fn dpx_u32(b: &[u8], off: usize, be: bool) -> Option<u32> {
    let a: [u8; 4] = b.get(off..off + 4)?.try_into().ok()?;
    Some(if be {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    })
}

fn dpx(b: &[u8], be: bool) -> Option<FrameHeader> {
    let data_offset = dpx_u32(b, 4, be)? as usize;
    let width = dpx_u32(b, 772, be)?;
    let height = dpx_u32(b, 776, be)?;
    // The industry headers exist only when the image data starts after them.
    let field = |off: usize| {
        (data_offset >= off + 4)
            .then(|| dpx_u32(b, off, be))
            .flatten()
            .filter(|&v| v != u32::MAX)
    };
    let fps = field(1724)
        .and_then(|v| sane_fps(f32::from_bits(v)))
        .or_else(|| field(1940).and_then(|v| sane_fps(f32::from_bits(v))));
    let (descriptor, bits) = (*b.get(800)?, *b.get(803)?);
    Some(FrameHeader {
        format: "dpx",
        width,
        height,
        fps,
        timecode: field(1920).and_then(smpte_timecode),
        pix_fmt: dpx_pix_fmt(descriptor, bits, be),
    })
}

/// FFmpeg's DPX decoder: pixel format by (descriptor, bits per component,
/// byte order). Formats it stores natively come out little-endian here.
fn dpx_pix_fmt(descriptor: u8, bits: u8, be: bool) -> Option<&'static str> {
    let grey = matches!(descriptor, 1..=4 | 6);
    Some(match (descriptor, bits) {
        (_, 8) if grey => "gray",
        (6, 10) => "gray10le",
        (6, 12) => "gray12le",
        (6, 16) if be => "gray16be",
        (6, 16) => "gray16le",
        (_, 32) if grey && be => "grayf32be",
        (_, 32) if grey => "grayf32le",
        (50, 8) => "rgb24",
        (51, 8) => "rgba",
        (52, 8) => "abgr",
        (50, 10) => "gbrp10le",
        (51, 10) => "gbrap10le",
        (50, 12) => "gbrp12le",
        (51, 12) => "gbrap12le",
        (50, 16) if be => "rgb48be",
        (50, 16) => "rgb48le",
        (51, 16) if be => "rgba64be",
        (51, 16) => "rgba64le",
        (50, 32) if be => "gbrpf32be",
        (50, 32) => "gbrpf32le",
        (51, 32) if be => "gbrapf32be",
        (51, 32) => "gbrapf32le",
        (100, 8) => "uyvy422",
        (102, 8) => "yuv444p",
        (103, 8) => "yuva444p",
        _ => return None,
    })
}

/// True if the image data the header announces fits in the file, as FFmpeg's
/// decoder checks (with or without 32-bit row alignment); `None` for a
/// packing it refuses (10-bit unpacked).
fn dpx_fits(b: &[u8], size: u64) -> Option<bool> {
    let be = b.get(..4)? == b"SDPX";
    let offset = u64::from(dpx_u32(b, 4, be)?);
    let (w, h) = (
        u64::from(dpx_u32(b, 772, be)?),
        u64::from(dpx_u32(b, 776, be)?),
    );
    let elements: u64 = match *b.get(800)? {
        1..=4 | 6 => 1,
        100 => 2,
        50 | 102 => 3,
        51 | 52 | 103 => 4,
        _ => return None,
    };
    let packing = u16::from_be_bytes([*b.get(804)?, *b.get(805)?]);
    let packed = if be { packing } else { packing.swap_bytes() } != 0;
    let stride = match *b.get(803)? {
        8 => w * elements,
        10 if packed => (w * elements).div_ceil(3) * 4,
        12 if packed => w * elements * 2,
        12 => (w * elements * 3).div_ceil(8) * 8 / 2,
        16 => 2 * w * elements,
        32 => 4 * w * elements,
        _ => return None,
    };
    let need = |row: u64| row.checked_mul(h)?.checked_add(offset);
    let fits = |row| need(row).is_some_and(|n| n <= size);
    Some(fits(stride.div_ceil(4) * 4) || fits(stride))
}

/// A SMPTE 12M timecode word (hours in the top byte, BCD), as DPX and EXR store it.
fn smpte_timecode(v: u32) -> Option<String> {
    let bcd = |byte: u32, tens_mask: u32| -> Option<u32> {
        let (t, u) = ((byte >> 4) & tens_mask, byte & 0xF);
        (u <= 9).then_some(t * 10 + u)
    };
    let ff = bcd(v & 0xFF, 0x3)?;
    let ss = bcd((v >> 8) & 0xFF, 0x7)?;
    let mm = bcd((v >> 16) & 0xFF, 0x7)?;
    let hh = bcd((v >> 24) & 0xFF, 0x3)?;
    let drop = v & 0x40 != 0;
    (hh < 24 && mm < 60 && ss < 60).then(|| {
        format!(
            "{hh:02}:{mm:02}:{ss:02}{}{ff:02}",
            if drop { ';' } else { ':' }
        )
    })
}

fn exr(b: &[u8]) -> Option<FrameHeader> {
    // Version word: tiled single-part files decode; deep and multi-part ones
    // FFmpeg refuses.
    let flags = u32::from_le_bytes(b.get(4..8)?.try_into().ok()?);
    let mut pos = 8;
    let mut out = FrameHeader {
        format: "exr",
        ..Default::default()
    };
    let mut channels = None;
    let cstr = |pos: usize| -> Option<(&[u8], usize)> {
        let len = b.get(pos..)?.iter().take(256).position(|&c| c == 0)?;
        Some((&b[pos..pos + len], pos + len + 1))
    };
    loop {
        let (name, next) = cstr(pos)?;
        if name.is_empty() {
            break; // end of header
        }
        let (kind, next) = cstr(next)?;
        let size = i32::from_le_bytes(b.get(next..next + 4)?.try_into().ok()?);
        let start = next + 4;
        let size = usize::try_from(size).ok()?;
        let value = b.get(start..start.checked_add(size)?)?;
        let u32_at = |o: usize| {
            value
                .get(o..o + 4)
                .map(|s| u32::from_le_bytes(s.try_into().unwrap()))
        };
        let i32_at = |o: usize| u32_at(o).map(|v| v as i32);
        match (name, kind) {
            (b"dataWindow", b"box2i") => {
                let (x0, y0, x1, y1) = (i32_at(0)?, i32_at(4)?, i32_at(8)?, i32_at(12)?);
                out.width = u32::try_from(i64::from(x1) - i64::from(x0) + 1).ok()?;
                out.height = u32::try_from(i64::from(y1) - i64::from(y0) + 1).ok()?;
            }
            (b"framesPerSecond", b"rational") => {
                let (n, d) = (i32_at(0)?, u32_at(4)?);
                if d != 0 && n > 0 {
                    out.fps = sane_fps(n as f32 / d as f32);
                }
            }
            (b"timeCode", b"timecode") => out.timecode = u32_at(0).and_then(smpte_timecode),
            (b"channels", b"chlist") => channels = Some(value),
            _ => {}
        }
        pos = start + size;
    }
    out.pix_fmt = match channels {
        Some(list) if flags & 0x1800 == 0 => exr_pix_fmt(list),
        _ => None,
    };
    Some(out)
}

/// FFmpeg's EXR decoder: the pixel format from the channel list. Only plain
/// `R`,`G`,`B`(,`A`) or `Y`(,`A`) lists of one pixel type are named; layered
/// or mixed lists (which FFmpeg reads by its own rules) are left to ffprobe.
fn exr_pix_fmt(list: &[u8]) -> Option<&'static str> {
    let (mut rgb, mut y, mut alpha, mut kind) = (0, false, false, None);
    let mut rest = list;
    while let Some(end) = rest.iter().position(|&c| c == 0) {
        if end == 0 {
            break;
        }
        let name = &rest[..end];
        // name, NUL, pixel type (i32), pLinear + reserved (4), x/y sampling (2 × i32)
        let ptype = i32::from_le_bytes(rest.get(end + 1..end + 5)?.try_into().ok()?);
        rest = rest.get(end + 17..)?;
        match name.to_ascii_uppercase().as_slice() {
            b"R" | b"G" | b"B" => rgb += 1,
            b"Y" => y = true,
            b"A" => alpha = true,
            _ => return None,
        }
        if kind.is_some_and(|k| k != ptype) {
            return None;
        }
        kind = Some(ptype);
    }
    Some(match (kind?, rgb, y, alpha) {
        // half and float both decode to 32-bit float
        (1 | 2, 3, false, false) => "gbrpf32le",
        (1 | 2, 3, false, true) | (1 | 2, 0, true, true) => "gbrapf32le",
        (1 | 2, 0, true, false) => "grayf32le",
        (0, 3, false, false) => "rgb48le",
        (0, 3, false, true) => "rgba64le",
        (0, 0, true, false) => "gray16le",
        (0, 0, true, true) => "ya16le",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dpx_header(
        be: bool,
        data_offset: u32,
        film_fps: Option<f32>,
        tv_fps: Option<f32>,
    ) -> Vec<u8> {
        let mut b = vec![0u8; 2048];
        let put = |b: &mut Vec<u8>, off: usize, v: u32| {
            let bytes = if be { v.to_be_bytes() } else { v.to_le_bytes() };
            b[off..off + 4].copy_from_slice(&bytes);
        };
        b[..4].copy_from_slice(if be { b"SDPX" } else { b"XPDS" });
        put(&mut b, 4, data_offset);
        put(&mut b, 772, 2048);
        put(&mut b, 776, 1556);
        put(&mut b, 1724, film_fps.map_or(u32::MAX, f32::to_bits));
        put(&mut b, 1940, tv_fps.map_or(u32::MAX, f32::to_bits));
        b
    }

    #[test]
    fn dpx_film_header_rate_in_both_byte_orders() {
        for be in [true, false] {
            let h = parse(&dpx_header(be, 8192, Some(24.0), Some(25.0))).unwrap();
            assert_eq!(
                (h.format, h.width, h.height, h.fps),
                ("dpx", 2048, 1556, Some(24.0))
            );
        }
    }

    #[test]
    fn dpx_falls_back_to_tv_rate_then_to_none() {
        let h = parse(&dpx_header(true, 8192, None, Some(25.0))).unwrap();
        assert_eq!(h.fps, Some(25.0));
        let h = parse(&dpx_header(true, 8192, None, None)).unwrap();
        assert_eq!(h.fps, None);
        // Short generic header (as FFmpeg writes): the industry fields are pixels.
        let h = parse(&dpx_header(true, 1664, Some(24.0), Some(25.0))).unwrap();
        assert_eq!(h.fps, None);
    }

    fn exr_attr(name: &str, kind: &str, value: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(name.as_bytes());
        v.push(0);
        v.extend_from_slice(kind.as_bytes());
        v.push(0);
        v.extend_from_slice(&(value.len() as i32).to_le_bytes());
        v.extend_from_slice(value);
        v
    }

    #[test]
    fn exr_data_window_and_rate() {
        let mut b = vec![0x76, 0x2F, 0x31, 0x01, 2, 0, 0, 0];
        let window: Vec<u8> = [0i32, 0, 1919, 1079]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        b.extend(exr_attr("dataWindow", "box2i", &window));
        let rate: Vec<u8> = [24000i32, 1001]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        b.extend(exr_attr("framesPerSecond", "rational", &rate));
        b.push(0);
        let h = parse(&b).unwrap();
        assert_eq!((h.width, h.height), (1920, 1080));
        assert!((h.fps.unwrap() - 23.976).abs() < 1e-3);
    }

    #[test]
    fn garbage_and_truncation_never_panic() {
        assert_eq!(parse(b"SDPX"), None);
        let mut b = vec![0x76, 0x2F, 0x31, 0x01, 2, 0, 0, 0];
        b.extend_from_slice(b"dataWindow\0box2i\0");
        b.extend_from_slice(&i32::MAX.to_le_bytes());
        assert_eq!(parse(&b), None);
        for n in 0..b.len() {
            let _ = parse(&b[..n]);
        }
    }
}
