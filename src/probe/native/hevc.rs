//! HEVC (H.265) from the SPS in an `hvcC` record, read as FFmpeg 5.1's
//! decoder reads it: profile, cropped size and pixel format. The SPS is walked
//! up to its VUI because a full-range 4:2:0 stream is `yuvj420p` in FFmpeg,
//! and reaching the VUI means stepping through the reference picture sets.
//! Anything unexpected gives `None` (ffprobe answers), never a guess.

use super::bytes::{Bits, be16, u8_at, unescape};
use super::video::Picture;
use crate::probe::rate::{FpsMode, Rate};

/// SPS NAL unit type.
const SPS: u8 = 33;

/// An `hvcC` record: the first SPS of its arrays.
pub fn hvcc(rec: &[u8]) -> Option<Picture> {
    hvcc_timed(rec).map(|(p, _)| p)
}

/// An `hvcC` record's picture and the frame rate its SPS states.
pub fn hvcc_timed(rec: &[u8]) -> Option<(Picture, Option<Rate>)> {
    if u8_at(rec, 0)? != 1 {
        return None;
    }
    let arrays = u8_at(rec, 22)?;
    let mut at = 23;
    for _ in 0..arrays {
        let nal_type = u8_at(rec, at)? & 0x3F;
        let count = be16(rec, at + 1)?;
        at += 3;
        for _ in 0..count {
            let len = usize::from(be16(rec, at)?);
            let nal = rec.get(at + 2..at + 2 + len)?;
            if nal_type == SPS {
                // Two-byte NAL header, then the escaped payload.
                return sps_timed(&unescape(nal.get(2..)?));
            }
            at += 2 + len;
        }
    }
    None
}

/// Skips `profile_tier_level(1, max_sub_layers_minus1)`; returns the general profile idc.
fn profile_tier_level(r: &mut Bits, max_sub_layers_minus1: u32) -> Option<u32> {
    r.skip(3)?; // profile space, tier
    let profile = r.bits(5)?;
    r.skip(32 + 4 + 43 + 1 + 8)?; // compatibility, source flags, constraints, level
    let mut present = Vec::new();
    for _ in 0..max_sub_layers_minus1 {
        present.push((r.flag()?, r.flag()?));
    }
    if max_sub_layers_minus1 > 0 {
        r.skip(2 * (8 - max_sub_layers_minus1 as usize))?;
    }
    for (profile_present, level_present) in present {
        if profile_present {
            r.skip(88)?;
        }
        if level_present {
            r.skip(8)?;
        }
    }
    Some(profile)
}

fn skip_scaling_list_data(r: &mut Bits) -> Option<()> {
    for size_id in 0..4 {
        let step = if size_id == 3 { 3 } else { 1 };
        for _ in (0..6).step_by(step) {
            if !r.flag()? {
                r.ue()?; // pred_matrix_id_delta
            } else {
                let coefs = 64.min(1 << (4 + (size_id << 1)));
                if size_id > 1 {
                    r.se()?;
                }
                for _ in 0..coefs {
                    r.se()?;
                }
            }
        }
    }
    Some(())
}

/// One short-term reference picture set: its negative and positive delta POCs.
#[derive(Clone, Default)]
struct Rps {
    neg: Vec<i64>,
    pos: Vec<i64>,
}

/// Most pictures a set may hold (16 in any conforming stream).
const MAX_PICS: usize = 32;

/// `st_ref_pic_set(idx)` of an SPS; sets predicted from the previous one are
/// derived as the standard does (7.4.8), since their size decides what follows.
fn st_ref_pic_set(r: &mut Bits, idx: usize, sets: &[Rps]) -> Option<Rps> {
    if idx > 0 && r.flag()? {
        let prev = &sets[idx - 1];
        let sign = r.bit()?;
        let delta = (i64::from(r.ue()?) + 1) * if sign == 1 { -1 } else { 1 };
        let n = prev.neg.len() + prev.pos.len();
        let mut use_delta = Vec::with_capacity(n + 1);
        for _ in 0..=n {
            let used = r.flag()?;
            use_delta.push(used || r.flag()?);
        }
        let (nn, use_neg, use_pos, use_self) = (
            prev.neg.len(),
            &use_delta[..prev.neg.len()],
            &use_delta[prev.neg.len()..n],
            use_delta[n],
        );
        let mut out = Rps::default();
        for (j, d) in prev.pos.iter().enumerate().rev() {
            if d + delta < 0 && use_pos[j] {
                out.neg.push(d + delta);
            }
        }
        if delta < 0 && use_self {
            out.neg.push(delta);
        }
        for (j, d) in prev.neg.iter().enumerate() {
            if d + delta < 0 && use_neg[j] {
                out.neg.push(d + delta);
            }
        }
        for j in (0..nn).rev() {
            let d = prev.neg[j] + delta;
            if d > 0 && use_neg[j] {
                out.pos.push(d);
            }
        }
        if delta > 0 && use_self {
            out.pos.push(delta);
        }
        for (j, d) in prev.pos.iter().enumerate() {
            if d + delta > 0 && use_pos[j] {
                out.pos.push(d + delta);
            }
        }
        return (out.neg.len() + out.pos.len() <= MAX_PICS).then_some(out);
    }
    let (neg, pos) = (r.ue()? as usize, r.ue()? as usize);
    if neg + pos > MAX_PICS {
        return None;
    }
    let mut out = Rps::default();
    let mut poc = 0i64;
    for _ in 0..neg {
        poc -= i64::from(r.ue()?) + 1;
        r.skip(1)?;
        out.neg.push(poc);
    }
    poc = 0;
    for _ in 0..pos {
        poc += i64::from(r.ue()?) + 1;
        r.skip(1)?;
        out.pos.push(poc);
    }
    Some(out)
}

/// The rest of an HEVC VUI after the signal type, to its timing info
/// (H.265 E.2.1): `time_scale / num_units_in_tick`.
fn vui_timing(r: &mut Bits) -> Option<Rate> {
    if r.flag()? {
        r.ue()?; // chroma sample location, top
        r.ue()?;
    }
    r.skip(3)?; // neutral chroma, field sequence, frame field info
    if r.flag()? {
        for _ in 0..4 {
            r.ue()?; // default display window
        }
    }
    if !r.flag()? {
        return None;
    }
    let (units, scale) = (r.bits(32)?, r.bits(32)?);
    Rate::new(u64::from(scale), u64::from(units), FpsMode::Cfr)
}

/// An HEVC SPS with the frame rate its VUI states. A profile or pixel
/// format FFmpeg 5.1 does not name is left unnamed rather than guessed.
pub fn sps_timed(b: &[u8]) -> Option<(Picture, Option<Rate>)> {
    let mut r = Bits::new(b);
    r.skip(4)?; // vps id
    let max_sub_layers_minus1 = r.bits(3)?;
    if max_sub_layers_minus1 > 6 {
        return None;
    }
    r.skip(1)?;
    let profile_idc = profile_tier_level(&mut r, max_sub_layers_minus1)?;
    r.ue()?; // sps id
    let chroma = r.ue()?;
    if chroma == 3 && r.flag()? {
        return None; // separate colour planes
    }
    let (pic_w, pic_h) = (u64::from(r.ue()?), u64::from(r.ue()?));
    let crop = if r.flag()? {
        [r.ue()?, r.ue()?, r.ue()?, r.ue()?].map(u64::from)
    } else {
        [0; 4]
    };
    let depth = r.ue()? + 8;
    if r.ue()? + 8 != depth {
        return None; // FFmpeg refuses different luma and chroma depths
    }
    let poc_lsb_bits = r.ue()? + 4;
    if poc_lsb_bits > 16 {
        return None;
    }
    let ordering_all = r.flag()?;
    for _ in (if ordering_all {
        0
    } else {
        max_sub_layers_minus1
    })..=max_sub_layers_minus1
    {
        r.ue()?;
        r.ue()?;
        r.ue()?;
    }
    for _ in 0..6 {
        r.ue()?; // block sizes and transform depths
    }
    if r.flag()? && r.flag()? {
        skip_scaling_list_data(&mut r)?;
    }
    r.skip(2)?; // amp, sao
    if r.flag()? {
        r.skip(8)?; // pcm bit depths
        r.ue()?;
        r.ue()?;
        r.skip(1)?;
    }
    let num_sets = r.ue()? as usize;
    if num_sets > 64 {
        return None;
    }
    let mut sets: Vec<Rps> = Vec::with_capacity(num_sets);
    for i in 0..num_sets {
        let set = st_ref_pic_set(&mut r, i, &sets)?;
        sets.push(set);
    }
    if r.flag()? {
        let n = r.ue()?;
        if n > 32 {
            return None;
        }
        for _ in 0..n {
            r.skip(poc_lsb_bits as usize + 1)?;
        }
    }
    r.skip(2)?; // temporal mvp, strong intra smoothing
    let vui = r.flag()?;
    let (full_range, rgb) = if vui {
        super::video::vui_signal(&mut r)?
    } else {
        (false, false)
    };
    let timing = if vui { vui_timing(&mut r) } else { None };
    let (sub_w, sub_h) = match chroma {
        0 | 3 => (1, 1),
        1 => (2, 2),
        2 => (2, 1),
        _ => return None,
    };
    let width = pic_w.checked_sub(sub_w * (crop[0] + crop[1]))?;
    let height = pic_h.checked_sub(sub_h * (crop[2] + crop[3]))?;
    // FFmpeg turns 4:4:4 with the RGB matrix into planar GBR.
    let pix_fmt = match (depth, chroma, full_range) {
        (8, 3, _) if rgb => "gbrp",
        (10, 3, _) if rgb => "gbrp10le",
        (12, 3, _) if rgb => "gbrp12le",
        (8, 0, _) => "gray",
        (8, 1, false) => "yuv420p",
        (8, 1, true) => "yuvj420p",
        (8, 2, _) => "yuv422p",
        (8, 3, _) => "yuv444p",
        (9, 0, _) => "gray9le",
        (9, 1, _) => "yuv420p9le",
        (9, 2, _) => "yuv422p9le",
        (9, 3, _) => "yuv444p9le",
        (10, 0, _) => "gray10le",
        (10, 1, _) => "yuv420p10le",
        (10, 2, _) => "yuv422p10le",
        (10, 3, _) => "yuv444p10le",
        (12, 0, _) => "gray12le",
        (12, 1, _) => "yuv420p12le",
        (12, 2, _) => "yuv422p12le",
        (12, 3, _) => "yuv444p12le",
        _ => "",
    };
    let profile = match profile_idc {
        1 => "Main",
        2 => "Main 10",
        3 => "Main Still Picture",
        4 => "Rext",
        _ => "",
    };
    if width == 0 || height == 0 {
        return None;
    }
    let picture = Picture {
        codec: "hevc",
        profile: Some(profile.to_string()).filter(|p| !p.is_empty()),
        width: u32::try_from(width).ok()?,
        height: u32::try_from(height).ok()?,
        pix_fmt: Some(pix_fmt).filter(|p| !p.is_empty()),
    };
    Some((picture, timing))
}
