//! Video codec headers, read the way FFmpeg 5.1's decoders read them, so the
//! profile, picture size and pixel format match ffprobe's: H.264 from the
//! SPS in `avcC`, ProRes and DNxHD/HR from the first frame's header (HEVC: `hevc.rs`). A header
//! this module does not fully understand gives `None`, never a guess.

use super::bytes::{Bits, be16, be32, u8_at, unescape};
use crate::probe::rate::{FpsMode, Rate};

/// What a codec header says about the picture.
#[derive(Debug, PartialEq)]
pub struct Picture {
    pub codec: &'static str,
    pub profile: Option<String>,
    pub width: u32,
    pub height: u32,
    pub pix_fmt: Option<&'static str>,
}

impl Picture {
    /// The stream facts of this picture at `rate`.
    pub fn video(self, rate: Option<Rate>) -> crate::probe::VideoInfo {
        crate::probe::VideoInfo {
            codec: self.codec.into(),
            profile: self.profile,
            width: self.width,
            height: self.height,
            pix_fmt: self.pix_fmt.map(Into::into),
            ..crate::probe::VideoInfo::default()
        }
        .with_rate(rate)
    }
}

/// ProRes profile names as FFmpeg gives them, by sample-entry fourcc.
pub fn prores_profile(fourcc: &[u8]) -> Option<&'static str> {
    Some(match fourcc {
        b"apco" => "Proxy",
        b"apcs" => "LT",
        b"apcn" => "Standard",
        b"apch" => "HQ",
        b"ap4h" => "4444",
        b"ap4x" => "XQ",
        _ => return None,
    })
}

/// A ProRes frame (`size`, `icpf`, then the frame header).
pub fn prores(fourcc: &[u8], frame: &[u8]) -> Option<Picture> {
    let profile = prores_profile(fourcc)?;
    if frame.get(4..8)? != b"icpf" {
        return None;
    }
    let h = frame.get(8..)?;
    let (width, height) = (u32::from(be16(h, 8)?), u32::from(be16(h, 10)?));
    let chroma444 = u8_at(h, 12)? & 0xC0 == 0xC0;
    let alpha = u8_at(h, 17)? & 0x0F != 0;
    // FFmpeg 5.1 decodes 4:4:4 ProRes to 12 bits and 4:2:2 to 10.
    let pix_fmt = match (chroma444, alpha) {
        (true, true) => "yuva444p12le",
        (true, false) => "yuv444p12le",
        (false, true) => "yuva422p10le",
        (false, false) => "yuv422p10le",
    };
    (width > 0 && height > 0).then_some(Picture {
        codec: "prores",
        profile: Some(profile.into()),
        width,
        height,
        pix_fmt: Some(pix_fmt),
    })
}

/// A DNxHD/DNxHR frame header (the first bytes of the first frame).
pub fn dnxhd(frame: &[u8]) -> Option<Picture> {
    // Header prefix: 00 00 02 80 01 (DNxHD) or 00 00 02 80 02/03 (DNxHR).
    if frame.get(..4)? != [0, 0, 2, 0x80] || !(1..=3).contains(&u8_at(frame, 4)?) {
        return None;
    }
    if u8_at(frame, 5)? & 2 != 0 {
        return None; // interlaced: FFmpeg's height depends on field order; ffprobe answers
    }
    let height = u32::from(be16(frame, 0x18)?);
    let cid = be32(frame, 0x28)?;
    // Thin-raster CIDs store the full raster's width in the header; FFmpeg's
    // decoder (libavcodec/dnxhddec.c, dnxhd_decode_header) reports the CID
    // table's width instead, as the picture is shown.
    let width = match cid {
        1244 | 1259 | 1260 => 1440,
        1258 => 960,
        _ => u32::from(be16(frame, 0x1a)?),
    };
    let depth = u8_at(frame, 0x21)? >> 5;
    let is_444 = (u8_at(frame, 0x2C)? >> 6) & 1 == 1;
    let act = u8_at(frame, 0x2C)? & 7 != 0;
    let pix_fmt = match (is_444, depth, act) {
        (false, 1, _) => "yuv422p",
        (false, 2, _) => "yuv422p10le",
        (false, 3, _) => "yuv422p12le",
        (true, 2, true) => "yuv444p10le",
        (true, 2, false) => "gbrp10le",
        (true, 3, true) => "yuv444p12le",
        (true, 3, false) => "gbrp12le",
        _ => return None,
    };
    let profile = match cid {
        1270 => "DNXHR 444",
        1271 => "DNXHR HQX",
        1272 => "DNXHR HQ",
        1273 => "DNXHR SQ",
        1274 => "DNXHR LB",
        1235..=1269 => "DNXHD",
        _ => return None,
    };
    (width > 0 && height > 0).then_some(Picture {
        codec: "dnxhd",
        profile: Some(profile.into()),
        width,
        height,
        pix_fmt: Some(pix_fmt),
    })
}

/// An `avcC` record: the first SPS decides profile, size and pixel format.
pub fn avcc(rec: &[u8]) -> Option<Picture> {
    avcc_timed(rec).map(|(p, _)| p)
}

/// An `avcC` record's picture and the frame rate its SPS states.
pub fn avcc_timed(rec: &[u8]) -> Option<(Picture, Option<Rate>)> {
    if u8_at(rec, 0)? != 1 || u8_at(rec, 5)? & 0x1F == 0 {
        return None;
    }
    let len = usize::from(be16(rec, 6)?);
    let nal = rec.get(8..8 + len)?;
    if nal.first()? & 0x1F != 7 {
        return None;
    }
    h264_sps_timed(&unescape(&nal[1..]))
}

fn skip_scaling_list(r: &mut Bits, size: usize) -> Option<()> {
    let (mut last, mut next) = (8i32, 8i32);
    for _ in 0..size {
        if next != 0 {
            next = (last + r.se()?).rem_euclid(256);
        }
        if next != 0 {
            last = next;
        }
    }
    Some(())
}

/// The start of an H.264 or HEVC VUI, whose syntax they share up to the
/// signal type: (full range, RGB matrix). Only those two matter here.
pub fn vui_signal(r: &mut Bits) -> Option<(bool, bool)> {
    if r.flag()? && r.bits(8)? == 255 {
        r.skip(32)?; // sample aspect ratio
    }
    if r.flag()? {
        r.skip(1)?; // overscan
    }
    if !r.flag()? {
        return Some((false, false));
    }
    r.skip(3)?; // video format
    let full_range = r.flag()?;
    let rgb = if r.flag()? {
        r.skip(16)?; // primaries, transfer
        r.bits(8)? == 0
    } else {
        false
    };
    Some((full_range, rgb))
}

/// An H.264 sequence parameter set (without its NAL header byte).
pub fn h264_sps(sps: &[u8]) -> Option<Picture> {
    h264_sps_timed(sps).map(|(p, _)| p)
}

/// The rest of an H.264 VUI after the signal type: the frame rate its
/// timing info states (H.264 E.2.1: `time_scale / (2 × num_units_in_tick)`).
/// It is the rate the encoder declares, so constant: many encoders leave
/// `fixed_frame_rate_flag` unset on constant-rate streams.
fn h264_vui_timing(r: &mut Bits) -> Option<Rate> {
    if r.flag()? {
        r.ue()?; // chroma sample location, top
        r.ue()?; // bottom
    }
    if !r.flag()? {
        return None;
    }
    let (units, scale) = (r.bits(32)?, r.bits(32)?);
    Rate::new(u64::from(scale), 2 * u64::from(units), FpsMode::Cfr)
}

/// An H.264 SPS with the frame rate its VUI states, if any. Sizes follow
/// the cropping window; a profile or pixel format FFmpeg would name
/// differently (monochrome, 12-bit…) is left unnamed rather than guessed.
pub fn h264_sps_timed(sps: &[u8]) -> Option<(Picture, Option<Rate>)> {
    let mut r = Bits::new(sps);
    let profile_idc = r.bits(8)?;
    let constraints = r.bits(8)?;
    r.skip(8)?; // level
    r.ue()?; // sps id
    let (mut chroma, mut depth) = (1, 8);
    if matches!(
        profile_idc,
        100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135
    ) {
        chroma = r.ue()?;
        if chroma == 3 && r.flag()? {
            return None; // separate colour planes
        }
        depth = r.ue()? + 8;
        if r.ue()? + 8 != depth {
            return None;
        }
        r.skip(1)?; // qpprime_y_zero_transform_bypass
        if r.flag()? {
            let lists = if chroma == 3 { 12 } else { 8 };
            for i in 0..lists {
                if r.flag()? {
                    skip_scaling_list(&mut r, if i < 6 { 16 } else { 64 })?;
                }
            }
        }
    }
    r.ue()?; // log2_max_frame_num
    match r.ue()? {
        0 => {
            r.ue()?;
        }
        1 => {
            r.skip(1)?;
            r.se()?;
            r.se()?;
            for _ in 0..r.ue()?.min(256) {
                r.se()?;
            }
        }
        _ => {}
    }
    r.ue()?; // max_num_ref_frames
    r.skip(1)?;
    let mbs_w = u64::from(r.ue()?) + 1;
    let map_h = u64::from(r.ue()?) + 1;
    let frame_mbs_only = r.flag()?;
    if !frame_mbs_only {
        r.skip(1)?;
    }
    r.skip(1)?; // direct_8x8_inference
    let crop = if r.flag()? {
        [r.ue()?, r.ue()?, r.ue()?, r.ue()?].map(u64::from)
    } else {
        [0; 4]
    };
    let vui = r.flag()?;
    let (full_range, rgb) = if vui {
        vui_signal(&mut r)?
    } else {
        (false, false)
    };
    let timing = if vui { h264_vui_timing(&mut r) } else { None };
    let (sub_w, sub_h) = match chroma {
        1 => (2, 2),
        2 => (2, 1),
        // Monochrome: crop units of one sample.
        _ => (1, 1),
    };
    let frame_h = map_h * if frame_mbs_only { 1 } else { 2 };
    let unit_y = sub_h * if frame_mbs_only { 1 } else { 2 };
    let width = (mbs_w * 16).checked_sub(sub_w * (crop[0] + crop[1]))?;
    let height = (frame_h * 16).checked_sub(unit_y * (crop[2] + crop[3]))?;
    let pix_fmt = match (depth, chroma, full_range, rgb) {
        (8, 3, _, true) => "gbrp",
        (8, 1, false, _) => "yuv420p",
        (8, 1, true, _) => "yuvj420p",
        (8, 2, false, _) => "yuv422p",
        (8, 2, true, _) => "yuvj422p",
        (8, 3, false, _) => "yuv444p",
        (8, 3, true, _) => "yuvj444p",
        (10, 1, ..) => "yuv420p10le",
        (10, 2, ..) => "yuv422p10le",
        (10, 3, _, false) => "yuv444p10le",
        // Monochrome and deeper formats: FFmpeg's choice depends on its build.
        _ => "",
    };
    let intra = constraints & 0x10 != 0; // constraint_set3
    let profile = match profile_idc {
        66 if constraints & 0x40 != 0 => "Constrained Baseline",
        66 => "Baseline",
        77 => "Main",
        88 => "Extended",
        100 => "High",
        110 if intra => "High 10 Intra",
        110 => "High 10",
        122 if intra => "High 4:2:2 Intra",
        122 => "High 4:2:2",
        244 if intra => "High 4:4:4 Intra",
        244 => "High 4:4:4 Predictive",
        44 => "CAVLC 4:4:4",
        _ => "",
    };
    let picture = Picture {
        codec: "h264",
        profile: Some(profile.to_string()).filter(|p| !p.is_empty()),
        width: u32::try_from(width).ok()?,
        height: u32::try_from(height).ok()?,
        pix_fmt: Some(pix_fmt).filter(|p| !p.is_empty()),
    };
    (picture.width > 0 && picture.height > 0).then_some((picture, timing))
}

/// The NAL units of an Annex B byte stream (start-code delimited), without
/// their start codes.
pub fn annex_b(b: &[u8]) -> impl Iterator<Item = &[u8]> {
    let starts: Vec<usize> = b
        .windows(3)
        .enumerate()
        .filter(|(_, w)| *w == [0, 0, 1])
        .map(|(i, _)| i + 3)
        .collect();
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|&s| s - 3)
        .chain([b.len()])
        .collect();
    starts.into_iter().zip(ends).map(move |(s, e)| {
        // A four-byte start code leaves a zero at the end of the previous unit.
        let nal = &b[s..e];
        nal.strip_suffix(&[0]).unwrap_or(nal)
    })
}

/// H.264 from the first frame of an Annex B stream (MXF wraps it that way):
/// its in-band SPS.
pub fn h264_annex_b(frame: &[u8]) -> Option<Picture> {
    let sps = annex_b(frame).find(|n| n.first().is_some_and(|h| h & 0x1F == 7))?;
    h264_sps(&unescape(&sps[1..]))
}

/// MPEG-2 video from the sequence header and sequence extension at the start
/// of the first frame: FFmpeg's profile is the extension's 3 profile bits.
pub fn mpeg2(frame: &[u8]) -> Option<Picture> {
    let mut units = frame
        .windows(4)
        .enumerate()
        .filter(|(_, w)| w[..3] == [0, 0, 1])
        .map(|(i, w)| (w[3], i + 4));
    let (code, seq) = units.next()?;
    if code != 0xB3 {
        return None;
    }
    let mut r = Bits::new(frame.get(seq..)?);
    let (w, h) = (r.bits(12)?, r.bits(12)?);
    let (_, ext) =
        units.find(|&(c, at)| c == 0xB5 && frame.get(at).is_some_and(|b| b >> 4 == 1))?;
    let mut e = Bits::new(frame.get(ext..)?);
    e.skip(4 + 1)?; // extension id, profile-and-level escape
    let profile = match e.bits(3)? {
        0 => "4:2:2",
        1 => "High",
        2 => "Spatially Scalable",
        3 => "SNR Scalable",
        4 => "Main",
        5 => "Simple",
        _ => return None,
    };
    e.skip(4 + 1)?; // level, progressive sequence
    let pix_fmt = match e.bits(2)? {
        1 => "yuv420p",
        2 => "yuv422p",
        3 => "yuv444p",
        _ => return None,
    };
    let (w_ext, h_ext) = (e.bits(2)?, e.bits(2)?);
    let (width, height) = (w | w_ext << 12, h | h_ext << 12);
    (width > 0 && height > 0).then(|| Picture {
        codec: "mpeg2video",
        profile: Some(profile.into()),
        width,
        height,
        pix_fmt: Some(pix_fmt),
    })
}

/// FFmpeg's profile name for a JPEG 2000 `Rsiz`, or the number it prints.
fn j2k_profile(rsiz: u16) -> String {
    match rsiz {
        1 => "JPEG 2000 codestream restriction 0".into(),
        2 => "JPEG 2000 codestream restriction 1".into(),
        3 => "JPEG 2000 digital cinema 2K".into(),
        4 => "JPEG 2000 digital cinema 4K".into(),
        0x8000 => "JPEG 2000 codestream no restriction".into(),
        n => n.to_string(),
    }
}

/// A JPEG 2000 frame: a raw codestream (`SOC`, then `SIZ`), or one wrapped
/// in JP2 boxes as FFmpeg's encoder writes it into MXF.
pub fn j2k(frame: &[u8]) -> Option<Picture> {
    if frame.get(4..8)? == b"jP  " {
        let boxes = jp2_boxes(frame)?;
        if let Some((_, h)) = boxes.iter().find(|(k, _)| k == b"jp2h") {
            let colr = super::bmff::children(h)?
                .into_iter()
                .find(|(k, _)| k == b"colr");
            // Only sRGB and greyscale: FFmpeg picks YUV formats otherwise.
            if let Some((_, c)) = colr
                && (u8_at(c, 0)? != 1 || !matches!(be32(c, 3)?, 16 | 17))
            {
                return None;
            }
        }
        let (_, code) = boxes.into_iter().find(|(k, _)| k == b"jp2c")?;
        return j2k(code);
    }
    if frame.get(..4)? != [0xFF, 0x4F, 0xFF, 0x51] {
        return None;
    }
    let s = frame.get(4..)?;
    let rsiz = be16(s, 2)?;
    let width = be32(s, 4)?.checked_sub(be32(s, 12)?)?;
    let height = be32(s, 8)?.checked_sub(be32(s, 16)?)?;
    let comps = usize::from(be16(s, 36)?);
    let mut precision = 0;
    for i in 0..comps {
        let ssiz = u8_at(s, 38 + i * 3)?;
        // Signed samples and subsampled components: FFmpeg picks among YUV
        // formats by rules this reader does not follow.
        if ssiz & 0x80 != 0 || u8_at(s, 39 + i * 3)? != 1 || u8_at(s, 40 + i * 3)? != 1 {
            return None;
        }
        precision = precision.max((ssiz & 0x7F) + 1);
    }
    let cinema = matches!(rsiz, 3 | 4);
    let pix_fmt = match (comps, precision) {
        (3, 1..=12) if cinema => "xyz12le",
        _ if cinema => return None,
        (1, 1..=8) => "gray",
        (1, 9..=16) => "gray16le",
        (3, 1..=8) => "rgb24",
        (3, 9..=16) => "rgb48le",
        (4, 1..=8) => "rgba",
        (4, 9..=16) => "rgba64le",
        _ => return None,
    };
    (width > 0 && height > 0).then(|| Picture {
        codec: "jpeg2000",
        profile: Some(j2k_profile(rsiz)),
        width,
        height,
        pix_fmt: Some(pix_fmt),
    })
}

/// JP2 boxes, the last one possibly cut short (only the frame's first bytes
/// are read).
fn jp2_boxes(b: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 8 <= b.len() {
        let size = be32(b, at)? as usize;
        let kind: [u8; 4] = b.get(at + 4..at + 8)?.try_into().ok()?;
        if size != 0 && size < 8 {
            return None;
        }
        let end = if size == 0 {
            b.len()
        } else {
            (at + size).min(b.len())
        };
        out.push((kind, &b[at + 8..end]));
        at = end;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DNxHD frame header: prefix, progressive, height, width, 8-bit, CID.
    fn dnxhd_header(width: u16, height: u16, cid: u32) -> Vec<u8> {
        let mut h = vec![0u8; 0x30];
        h[..5].copy_from_slice(&[0, 0, 2, 0x80, 1]);
        h[0x18..0x1a].copy_from_slice(&height.to_be_bytes());
        h[0x1a..0x1c].copy_from_slice(&width.to_be_bytes());
        h[0x21] = 1 << 5;
        h[0x28..0x2c].copy_from_slice(&cid.to_be_bytes());
        h
    }

    #[test]
    fn thin_raster_dnxhd_reports_the_cid_tables_width() {
        let p = dnxhd(&dnxhd_header(1920, 1080, 1260)).unwrap();
        assert_eq!((p.width, p.height), (1440, 1080));
        let p = dnxhd(&dnxhd_header(1280, 720, 1258)).unwrap();
        assert_eq!((p.width, p.height), (960, 720));
        let p = dnxhd(&dnxhd_header(1920, 1080, 1238)).unwrap();
        assert_eq!((p.width, p.height), (1920, 1080));
    }
}
