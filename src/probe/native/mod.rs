//! Native, in-process header readers (issue 5): formats read here need no
//! ffprobe and cost a few small reads instead of a process. Each reader
//! returns `None` when it is not sure, and ffprobe answers.
//! Implemented: WAV/BWF/RF64/BW64 PCM; QuickTime/MP4 with ProRes, DNxHD/HR,
//! H.264, PCM and AAC-LC, and the `tmcd` timecode; MXF OP1a/OP-Atom with
//! DNxHD/HR, JPEG 2000 and PCM, and the material package timecode.

pub mod bmff;
mod bytes;
pub mod mxf;
mod sound;
mod video;
pub mod wav;

use super::ProbeInfo;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Bytes read from the start of a file: enough for every chunk before `data`
/// in the WAV files we have seen (BWF `bext` is 602 bytes, iXML a few KiB).
const HEAD: u64 = 64 * 1024;

/// Probes `path` natively, if a reader knows its format for sure.
pub fn probe(path: &Path, size: u64) -> Option<ProbeInfo> {
    let file = crate::fsutil::open_readonly(path).ok()?;
    let mut head = vec![0; usize::try_from(HEAD.min(size)).ok()?];
    file.read_exact_at(&mut head, 0).ok()?;
    if let Some(info) = wav::parse(&head, size) {
        return Some(info);
    }
    if bmff::looks_like(&head) {
        return bmff::parse(&bmff::FileSource { file: &file, size });
    }
    if mxf::looks_like(&head) {
        return mxf::parse(&bmff::FileSource { file: &file, size });
    }
    None
}
