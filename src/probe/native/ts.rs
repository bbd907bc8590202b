//! MPEG transport streams (`.ts`, `.m2ts`/`.mts` with their 4-byte
//! timestamp prefix): the PAT and PMT name each elementary stream's type
//! (ISO/IEC 13818-1 table 2-34, with the AC-3/E-AC-3/DTS descriptors of
//! ETSI EN 300 468 annex D and the Blu-ray `HDMV` registration); the first
//! PES of each stream gives its parameter set or audio frame header; the
//! duration runs from the first presentation time to the last one in the
//! file's tail, plus one frame.

use super::Source;
use super::bytes::{be16, unescape};
use super::elementary::{self, Frame};
use super::video::{self, Picture};
use crate::probe::rate::Rate;
use crate::probe::{AudioInfo, ProbeInfo};

/// Bytes read from the start for the tables and the first PES of each stream.
const HEAD: u64 = 4 << 20;
/// Bytes read from the end for the last presentation times.
const TAIL: u64 = 2 << 20;
/// The PES bytes of a stream gathered for its headers.
const PES_CAP: usize = 256 * 1024;
/// 90 kHz: the PES timestamp clock.
const CLOCK: u64 = 90_000;

/// Packet layout: 188-byte packets, or 192 with a 4-byte prefix (BDAV).
#[derive(Clone, Copy)]
struct Layout {
    size: usize,
    prefix: usize,
}

fn layout(b: &[u8]) -> Option<Layout> {
    [(188, 0), (192, 4), (204, 0)]
        .into_iter()
        .map(|(size, prefix)| Layout { size, prefix })
        // Four packets in sync, or every packet of a shorter file.
        .find(|l| {
            let n = (b.len() / l.size).clamp(2, 4);
            (0..n).all(|k| b.get(l.prefix + k * l.size) == Some(&0x47))
        })
}

/// Whether `head` opens a transport stream.
pub fn looks_like(head: &[u8]) -> bool {
    layout(head).is_some()
}

/// One elementary stream of the program.
struct Stream {
    pid: u16,
    codec: &'static str,
    video: bool,
    /// The payload of its first PES packets.
    data: Vec<u8>,
    /// Presentation times seen in the head (for a rate the stream does not state).
    pts: Vec<u64>,
    started: bool,
    /// Channels a descriptor states (Opus's channel configuration).
    channels: Option<u32>,
}

/// The packets of `b`: (pid, payload start flag, payload).
fn packets(b: &[u8], l: Layout) -> impl Iterator<Item = (u16, bool, &[u8])> {
    b.chunks_exact(l.size).filter_map(move |p| {
        let p = &p[l.prefix..];
        if p[0] != 0x47 {
            return None;
        }
        let pid = be16(p, 1)? & 0x1FFF;
        let start = p[1] & 0x40 != 0;
        let afc = (p[3] >> 4) & 3;
        let at = match afc {
            1 => 4,
            3 => 5 + usize::from(p[4]),
            _ => return None,
        };
        Some((pid, start, p.get(at..188)?))
    })
}

/// A section's body (after pointer field and header), for table `id`.
fn section(payload: &[u8], id: u8) -> Option<&[u8]> {
    let at = 1 + usize::from(*payload.first()?);
    let s = payload.get(at..)?;
    if *s.first()? != id {
        return None;
    }
    let len = usize::from(be16(s, 1)? & 0x0FFF);
    s.get(3..3 + len.checked_sub(4)?) // without the CRC
}

/// The PTS of a PES packet that starts in `payload`.
fn pes_pts(payload: &[u8]) -> Option<u64> {
    if payload.get(..3)? != [0, 0, 1] || payload.get(7)? & 0x80 == 0 {
        return None;
    }
    let p = payload.get(9..14)?;
    Some(
        (u64::from(p[0] >> 1 & 7) << 30)
            | (u64::from(p[1]) << 22)
            | (u64::from(p[2] >> 1) << 15)
            | (u64::from(p[3]) << 7)
            | u64::from(p[4] >> 1),
    )
}

/// The PES payload after its header.
fn pes_body(payload: &[u8]) -> Option<&[u8]> {
    payload.get(9 + usize::from(*payload.get(8)?)..)
}

/// The channel count of an Opus stream's extension descriptor (tag 0x7F,
/// extension 0x80, `channel_config_code`: 1–8 channels, 0x80/0x81 stereo).
fn opus_channels(descriptors: &[u8]) -> Option<u32> {
    let mut at = 0;
    while at + 2 <= descriptors.len() {
        let (tag, len) = (descriptors[at], usize::from(descriptors[at + 1]));
        if tag == 0x7F && len >= 2 && descriptors.get(at + 2) == Some(&0x80) {
            return match *descriptors.get(at + 3)? {
                c @ 1..=8 => Some(u32::from(c)),
                0 | 0x80 | 0x81 => Some(2),
                _ => None,
            };
        }
        at += 2 + len;
    }
    None
}

/// A stream type, read with its descriptors: (codec, video).
fn stream_kind(kind: u8, descriptors: &[u8], hdmv: bool) -> Option<(&'static str, bool)> {
    let mut regs = Vec::new();
    let mut tags = Vec::new();
    let mut at = 0;
    while at + 2 <= descriptors.len() {
        let (tag, len) = (descriptors[at], usize::from(descriptors[at + 1]));
        if tag == 5 {
            regs.extend(descriptors.get(at + 2..at + 6));
        }
        tags.push(tag);
        at += 2 + len;
    }
    let reg = |r: &[u8]| regs.contains(&r);
    match kind {
        0x06 => Some(match () {
            _ if tags.contains(&0x6A) || reg(b"AC-3") => ("ac3", false),
            _ if tags.contains(&0x7A) || reg(b"EAC3") => ("eac3", false),
            _ if tags.contains(&0x7B) || reg(b"DTS1") || reg(b"DTS2") || reg(b"DTS3") => {
                ("dts", false)
            }
            _ if reg(b"Opus") => ("opus", false),
            _ if reg(b"HEVC") => ("hevc", true),
            _ => return None, // subtitles, teletext, data
        }),
        0x80 if hdmv => Some(("pcm_bluray", false)),
        0x84 if hdmv => Some(("eac3", false)),
        0x80 => None,
        0x87 if reg(b"HDMV") => None,
        _ => super::fourcc::stream_type(kind),
    }
}

/// Probes a transport stream.
pub fn probe<S: Source + ?Sized>(src: &S) -> Option<ProbeInfo> {
    let size = src.size();
    let head = src.read(0, HEAD.min(size))?;
    let l = layout(&head)?;
    let mut pmt_pids: Vec<u16> = Vec::new();
    let mut streams: Vec<Stream> = Vec::new();
    let mut have_pmt = false;
    for (pid, start, payload) in packets(&head, l) {
        if pid == 0 && start && pmt_pids.is_empty() {
            let s = section(payload, 0)?;
            for e in s.get(5..)?.chunks_exact(4) {
                if be16(e, 0)? != 0 {
                    pmt_pids.push(be16(e, 2)? & 0x1FFF);
                }
            }
        } else if start && !have_pmt && pmt_pids.contains(&pid) {
            let s = section(payload, 2)?;
            let info_len = usize::from(be16(s, 7)? & 0x0FFF);
            let hdmv = l.size == 192 || s.get(9..9 + info_len)?.windows(4).any(|w| w == b"HDMV");
            let mut at = 9 + info_len;
            while at + 5 <= s.len() {
                let kind = s[at];
                let es_pid = be16(s, at + 1)? & 0x1FFF;
                let es_len = usize::from(be16(s, at + 3)? & 0x0FFF);
                let desc = s.get(at + 5..at + 5 + es_len)?;
                if let Some((codec, video)) = stream_kind(kind, desc, hdmv) {
                    streams.push(Stream {
                        pid: es_pid,
                        codec,
                        video,
                        data: Vec::new(),
                        pts: Vec::new(),
                        started: false,
                        channels: opus_channels(desc),
                    });
                }
                at += 5 + es_len;
            }
            have_pmt = true;
        } else if let Some(st) = streams.iter_mut().find(|s| s.pid == pid) {
            if start {
                st.started = true;
                if let Some(p) = pes_pts(payload) {
                    st.pts.push(p);
                }
                if st.data.len() < PES_CAP {
                    st.data.extend(pes_body(payload).unwrap_or(&[]));
                }
            } else if st.started && st.data.len() < PES_CAP {
                st.data.extend(payload);
            }
        }
    }
    if streams.is_empty() {
        return None;
    }
    let mut out = ProbeInfo {
        container: Some("mpegts".into()),
        ..ProbeInfo::default()
    };
    let mut frame_ticks = Vec::new(); // (pid, ticks of one frame)
    for st in &streams {
        if st.video {
            if out.video.is_some() {
                continue;
            }
            let (pic, rate) = picture(st)?;
            // The stated rate, unless the timestamps vary (then their average).
            let measured = pts_rate(&st.pts);
            let rate = match (rate, measured) {
                (_, Some(m)) if m.mode == crate::probe::rate::FpsMode::Vfr => Some(m),
                (Some(r), _) => Some(r),
                (None, m) => m,
            };
            if let Some(r) = rate {
                let ticks = u128::from(CLOCK) * u128::from(r.den) / u128::from(r.num);
                frame_ticks.push((st.pid, u64::try_from(ticks).unwrap_or(0)));
            }
            out.video = Some(pic.video(rate));
        } else {
            if st.codec == "opus" {
                // Opus in MPEG-TS (ETSI TS 102 005 v1.4 annex I, the Opus mapping):
                // 48 kHz, 20 ms packets; the channels from its descriptor.
                frame_ticks.push((st.pid, CLOCK / 50));
                out.audio.push(AudioInfo {
                    codec: "opus".into(),
                    channels: st.channels.unwrap_or(2),
                    sample_rate: 48_000,
                    channel_layout: None,
                });
                continue;
            }
            let Some(f) = audio_frame(st) else {
                // A stream whose header is not in the head: ffprobe knows more.
                return None;
            };
            frame_ticks.push((st.pid, CLOCK * u64::from(f.samples) / u64::from(f.rate)));
            out.streams_unsure |= elementary::implicit_sbr(&f);
            out.audio.push(AudioInfo {
                codec: f.codec.into(),
                channels: f.channels,
                sample_rate: f.rate,
                channel_layout: None,
            });
        }
    }
    let first = streams
        .iter()
        .filter_map(|s| s.pts.iter().min())
        .min()
        .copied();
    let last = last_pts(src, l, &streams, &frame_ticks);
    if let (Some(first), Some(last)) = (first, last) {
        let ticks = last.wrapping_sub(first) & ((1 << 33) - 1);
        let us = ticks * 1_000_000 / CLOCK;
        if us > 0 {
            out.duration_s = Some(us as f64 / 1e6);
            out.bit_rate = Some((size as f64 * 8.0 * 1e6 / us as f64) as u64);
        }
    }
    Some(out)
}

/// The picture and stated rate of a video stream's first PES.
fn picture(st: &Stream) -> Option<(Picture, Option<Rate>)> {
    let units = || video::annex_b(&st.data);
    match st.codec {
        "h264" => {
            let sps = units().find(|n| n.first().is_some_and(|h| h & 0x1F == 7))?;
            video::h264_sps_timed(&unescape(&sps[1..]))
        }
        "hevc" => {
            let sps = units().find(|n| n.first().is_some_and(|h| h >> 1 == 33))?;
            super::hevc::sps_timed(&unescape(sps.get(2..)?))
        }
        "mpeg2video" | "mpeg1video" => super::annexb::mpeg12(&st.data),
        "mpeg4" => super::annexb::mpeg4_vol(&st.data),
        _ => None,
    }
}

/// The first audio frame header of an audio stream's first PES.
fn audio_frame(st: &Stream) -> Option<Frame> {
    let parse: fn(&[u8]) -> Option<Frame> = match st.codec {
        "aac" => elementary::adts,
        "mp3" | "mp2" | "mp1" => elementary::mpeg_audio,
        "ac3" | "eac3" => elementary::ac3,
        "dts" => elementary::dts,
        _ => return None,
    };
    (0..st.data.len().min(4096)).find_map(|at| parse(&st.data[at..]))
}

/// The rate of presentation times 90 kHz apart (sorted: B-frames reorder).
fn pts_rate(pts: &[u64]) -> Option<Rate> {
    let mut p = pts.to_vec();
    p.sort_unstable();
    p.dedup();
    let steps: Vec<u64> = p.windows(2).map(|w| w[1] - w[0]).collect();
    let (lo, hi) = (*steps.iter().min()?, *steps.iter().max()?);
    let constant = hi.saturating_sub(lo) <= 1;
    Rate::average(steps.len() as u64, CLOCK, p.last()? - p.first()?, constant)
}

/// The end of presentation: the latest PTS in the file's tail plus that
/// stream's frame duration.
fn last_pts<S: Source + ?Sized>(
    src: &S,
    l: Layout,
    streams: &[Stream],
    frame_ticks: &[(u16, u64)],
) -> Option<u64> {
    let size = src.size();
    let from = size.saturating_sub(TAIL);
    let tail = src.read(from, size - from)?;
    // Find the packet grid in the tail.
    let skip = (0..l.size)
        .find(|&k| (0..3).all(|n| tail.get(k + l.prefix + n * l.size) == Some(&0x47)))?;
    let mut best: Option<u64> = None;
    for (pid, start, payload) in packets(&tail[skip..], l) {
        if !start || !streams.iter().any(|s| s.pid == pid) {
            continue;
        }
        if let Some(p) = pes_pts(payload) {
            let d = frame_ticks.iter().find(|f| f.0 == pid).map_or(0, |f| f.1);
            best = Some(best.map_or(p + d, |b| b.max(p + d)));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packet_layouts() {
        let mut ts = vec![0u8; 188 * 4];
        for k in 0..4 {
            ts[k * 188] = 0x47;
        }
        assert!(looks_like(&ts));
        let mut m2ts = vec![0u8; 192 * 4];
        for k in 0..4 {
            m2ts[4 + k * 192] = 0x47;
        }
        assert_eq!(layout(&m2ts).map(|l| l.size), Some(192));
        assert!(!looks_like(&[0x47; 10]));
    }

    #[test]
    fn presentation_times() {
        // PTS 900000 (10 s) in a PES header with the PTS flag.
        let pes = [
            0, 0, 1, 0xE0, 0, 0, 0x80, 0x80, 5, 0x21, 0x00, 0x37, 0x77, 0x41,
        ];
        assert_eq!(pes_pts(&pes), Some(900_000));
        assert_eq!(
            pts_rate(&[0, 3003, 6006, 9009]).map(|r| r.rational()),
            Some("30000/1001".into())
        );
    }
}
