//! Native, in-process header readers (issue 5): formats read here need no
//! ffprobe and cost a few small reads instead of a process. Each reader
//! returns `None` when it is not sure, and ffprobe answers.
//! Implemented: WAV/BWF/RF64/BW64 PCM; AIFF/AIFF-C PCM; QuickTime/MP4 (fragmented too) with
//! ProRes, DNxHD/HR, H.264, HEVC, PCM and AAC-LC, and the `tmcd` timecode;
//! MXF OP1a/OP-Atom with DNxHD/HR, ProRes, JPEG 2000, MPEG-2, H.264 and PCM,
//! and the material package timecode; Matroska/WebM; DPX, EXR, TIFF frames;
//! camera raw (ARRIRAW, R3D, BRAW, Cinema RAW Light, ProRes RAW) named and sized.
//! docs/PROBE.md lists what each reader declines.

pub mod aiff;
pub mod annexb;
pub mod avi;
pub mod bmff;
mod bytes;
pub mod elementary;
mod fourcc;
pub mod heif;
mod hevc;
pub mod matroska;
pub mod mxf;
pub mod ogg;
pub mod raw;
mod sound;
pub mod still;
pub mod tiff;
pub mod ts;
mod video;
pub mod wav;

use super::ProbeInfo;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Bytes read from the start of a file: enough for every chunk before `data`
/// in the WAV files we have seen (BWF `bext` is 602 bytes, iXML a few KiB).
const HEAD: u64 = 64 * 1024;

/// Probes `path` natively, if a reader knows its format for sure.
pub fn probe(path: &Path, size: u64) -> Option<ProbeInfo> {
    let file = crate::util::fsutil::open_readonly(path).ok()?;
    let src = FileSource { file: &file, size };
    let magic = src.read(0, 16.min(size))?;
    if avi::looks_like(&magic) {
        return avi::probe(&src);
    }
    if ogg::looks_like(&magic) {
        return ogg::probe(&src);
    }
    if matches!(magic.get(..4), Some(b"RIFF" | b"RF64" | b"BW64")) {
        // WAV chunks before `data` live in the first bytes: read them once.
        return wav::parse(&src.read(0, HEAD.min(size))?, size);
    }
    if aiff::looks_like(&magic) {
        return aiff::parse(&src);
    }
    if matches!(
        magic.get(..4),
        Some(b"SDPX" | b"XPDS" | [0x76, 0x2F, 0x31, 0x01])
    ) {
        // DPX and EXR frames: the whole header sits in the first bytes.
        return super::header::probe_info(&src.read(0, HEAD.min(size))?, size);
    }
    if raw::is_ari(&magic) {
        return raw::ari(&src.read(0, 28.min(size))?, size);
    }
    if raw::is_red2(&magic) {
        return raw::red2(&magic, size);
    }
    if still::looks_like(&magic) {
        return still::probe(&src);
    }
    if tiff::looks_like(&magic) {
        return tiff::parse(&src);
    }
    if bmff::looks_like(&magic) {
        if heif::looks_like(&src) {
            return heif::probe(&src);
        }
        return bmff::parse(&src);
    }
    if mxf::looks_like(&magic) {
        return mxf::parse(&src);
    }
    if matroska::looks_like(&magic) {
        return matroska::parse(&src);
    }
    let head = src.read(0, 8192.min(size))?;
    if ts::looks_like(&head) {
        return ts::probe(&src);
    }
    if annexb::looks_like(&head) {
        return annexb::probe(&src);
    }
    if elementary::looks_like(&head) {
        return elementary::probe(&src);
    }
    None
}

/// Why no reader, ffprobe included, can describe `path`, when a native
/// reader is certain of it (see [`bmff::refuse`]); asked after [`probe`]
/// declines, so ffprobe is not run for nothing.
pub fn refuse(path: &Path, size: u64) -> Option<String> {
    let file = crate::util::fsutil::open_readonly(path).ok()?;
    let src = FileSource { file: &file, size };
    let magic = src.read(0, 16.min(size))?;
    // Box structure: a size, then a type of four printable characters.
    let boxed = magic
        .get(4..8)
        .is_some_and(|t| t.iter().all(|c| c.is_ascii_alphanumeric() || *c == b' '));
    if bmff::looks_like(&magic) || boxed {
        return bmff::refuse(&src);
    }
    if magic.starts_with(b"RIFF") {
        return wav::refuse(&src.read(0, WAV_HEAD.min(size))?, size);
    }
    None
}

/// The bytes of a WAVE file whose chunks a refusal walks.
const WAV_HEAD: u64 = 64 * 1024;

/// Random access to the bytes of a file (or, for tests and fuzzing, a slice).
pub trait Source {
    /// Total size in bytes.
    fn size(&self) -> u64;
    /// Exactly `len` bytes at `off`, or `None`.
    fn read(&self, off: u64, len: u64) -> Option<Vec<u8>>;
}

/// An open file of a known size.
pub struct FileSource<'a> {
    /// The file, opened read-only.
    pub file: &'a File,
    /// Its size when the walk saw it.
    pub size: u64,
}

impl Source for FileSource<'_> {
    fn size(&self) -> u64 {
        self.size
    }
    fn read(&self, off: u64, len: u64) -> Option<Vec<u8>> {
        let mut buf = vec![0; usize::try_from(len).ok()?];
        self.file.read_exact_at(&mut buf, off).ok()?;
        Some(buf)
    }
}

impl Source for [u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }
    fn read(&self, off: u64, len: u64) -> Option<Vec<u8>> {
        let start = usize::try_from(off).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        self.get(start..end).map(<[u8]>::to_vec)
    }
}

/// Timecode flags, as QuickTime's `tmcd` and MXF state them.
#[derive(Clone, Copy, Default)]
struct TcFlags {
    drop: bool,
    max24: bool,
    negative: bool,
}

/// Frame `frame` at `fps` (rounded) as FFmpeg's `av_timecode_make_string`
/// writes it; `None` where FFmpeg's `av_timecode_init` refuses the rate.
/// FFmpeg keeps the start frame in an `int`, so callers truncate to `i32`;
/// the arithmetic below then stays far inside `i64` for any `u32` rate.
fn timecode(frame: i32, fps: u32, f: TcFlags) -> Option<String> {
    let (frame, fps) = (i64::from(frame), i64::from(fps));
    if fps == 0 || (f.drop && fps % 30 != 0) {
        return None;
    }
    let mut n = frame;
    if f.drop {
        let (df, per10) = (fps / 30 * 2, fps / 30 * 17982);
        let (d, m) = (n / per10, n % per10);
        n += 9 * df * d + df * ((m - df) / (per10 / 10));
    }
    let neg = n < 0 && f.negative;
    let n = n.abs();
    let mut hh = n / (fps * 3600);
    if f.max24 {
        hh %= 24;
    }
    let width = match fps {
        f if f > 10_000 => 5,
        f if f > 1000 => 4,
        f if f > 100 => 3,
        f if f > 10 => 2,
        _ => 1,
    };
    Some(format!(
        "{}{hh:02}:{:02}:{:02}{}{:0width$}",
        if neg { "-" } else { "" },
        n / (fps * 60) % 60,
        n / fps % 60,
        if f.drop { ';' } else { ':' },
        n % fps,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timecodes_as_ffmpeg_writes_them() {
        let nd = TcFlags::default();
        let df = TcFlags { drop: true, ..nd };
        assert_eq!(timecode(86400, 24, nd).as_deref(), Some("01:00:00:00"));
        // 00:59:59;28 at 29.97 drop-frame is frame 107890.
        assert_eq!(timecode(107_890, 30, df).as_deref(), Some("00:59:59;28"));
        assert_eq!(timecode(1800, 30, df).as_deref(), Some("00:01:00;02"));
        assert_eq!(timecode(0, 25, df), None);
        assert_eq!(timecode(0, 0, nd), None);
        // Extremes from hostile headers format without overflow (found by fuzzing).
        let neg = TcFlags {
            negative: true,
            ..nd
        };
        assert_eq!(
            timecode(i32::MIN, 1, neg).as_deref(),
            Some("-596523:14:08:0")
        );
        assert!(timecode(i32::MAX, u32::MAX / 30 * 30, df).is_some());
    }
}
