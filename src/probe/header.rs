//! Native readers for the headers of DPX and OpenEXR frames.
//!
//! ffprobe reports image pipes at a default 25 fps, which says nothing about the
//! sequence. The real rate, when the writer recorded one, is in the frame's own
//! header: DPX film (offset 1724) or TV (offset 1940) header, EXR
//! `framesPerSecond` attribute. Only headers are read, every offset is checked
//! against the bytes present, and nothing is allocated from header fields.

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
}

/// Reads the header of a DPX or EXR frame; `None` for other formats or garbage.
pub fn read(path: &Path) -> Option<FrameHeader> {
    let head = crate::fsutil::read_head(path, HEADER_LEN).ok()?;
    parse(&head)
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

fn dpx(b: &[u8], be: bool) -> Option<FrameHeader> {
    let u32_at = |off: usize| -> Option<u32> {
        let a: [u8; 4] = b.get(off..off + 4)?.try_into().ok()?;
        Some(if be {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        })
    };
    let data_offset = u32_at(4)? as usize;
    let width = u32_at(772)?;
    let height = u32_at(776)?;
    // The industry headers exist only when the image data starts after them.
    let fps_at = |off: usize| {
        if data_offset >= off + 4 {
            u32_at(off).map(f32::from_bits).and_then(sane_fps)
        } else {
            None
        }
    };
    let fps = fps_at(1724).or_else(|| fps_at(1940));
    Some(FrameHeader {
        format: "dpx",
        width,
        height,
        fps,
    })
}

fn exr(b: &[u8]) -> Option<FrameHeader> {
    let mut pos = 8; // magic + version/flags
    let mut out = FrameHeader {
        format: "exr",
        ..Default::default()
    };
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
        let i32_at = |o: usize| {
            value
                .get(o..o + 4)
                .map(|s| i32::from_le_bytes(s.try_into().unwrap()))
        };
        match (name, kind) {
            (b"dataWindow", b"box2i") => {
                let (x0, y0, x1, y1) = (i32_at(0)?, i32_at(4)?, i32_at(8)?, i32_at(12)?);
                out.width = u32::try_from(i64::from(x1) - i64::from(x0) + 1).ok()?;
                out.height = u32::try_from(i64::from(y1) - i64::from(y0) + 1).ok()?;
            }
            (b"framesPerSecond", b"rational") => {
                let (n, d) = (i32_at(0)?, i32_at(4)? as u32);
                if d != 0 && n > 0 {
                    out.fps = sane_fps(n as f32 / d as f32);
                }
            }
            _ => {}
        }
        pos = start + size;
    }
    Some(out)
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
