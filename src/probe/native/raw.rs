//! Camera raw that ffprobe cannot read or name (issue 5). No raw essence is
//! ever decoded (that needs each vendor's SDK); we say what the file is and,
//! where a header layout is public, its picture size.
//!
//! - ARRIRAW `.ari` frames: little-endian header, `ARRI` then 0x12345678,
//!   width and height as u32 at bytes 20 and 24, the image data offset at 8
//!   (the layout dcraw and rawloader read). FFmpeg has no ARRIRAW reader.
//! - RED `.R3D`: FFmpeg's `r3d` demuxer reads the first generation (`RED1`
//!   atom, RED ONE), so ffprobe answers for those. The `RED2` header of every
//!   later camera is not public: we identify the container and stop there.
//! - QuickTime-wrapped raw (Blackmagic RAW `.braw`, Canon Cinema RAW Light
//!   `.crm`, ProRes RAW): ffprobe reads size, rate and duration but leaves
//!   `codec_name` empty, so both readers name the codec from the sample
//!   entry's fourcc with [`codec`].

use super::bytes::{be32, le32};
use crate::probe::{ProbeInfo, VideoInfo};

/// Codec names for camera-raw fourccs that FFmpeg 5.1 leaves unnamed.
/// `prores_raw` is the name FFmpeg 8 gives ProRes RAW; the others have no
/// FFmpeg name, so ours are the format's own short name.
pub fn codec(fourcc: &[u8]) -> Option<&'static str> {
    match fourcc {
        b"aprn" | b"aprh" => Some("prores_raw"),
        b"CRAW" => Some("cinema_raw_light"),
        // Blackmagic RAW's fourccs (brxq, brst…) all begin with `br`; FFmpeg
        // knows no other fourcc that does.
        [b'b', b'r', _, _] => Some("braw"),
        _ => None,
    }
}

/// The largest sensor side we believe (ALEXA 65 is 6560 wide).
const MAX_SIDE: u32 = 32_768;

pub use crate::classify::is_ari;

/// An ARRIRAW frame's picture size, from its first bytes.
pub fn ari(head: &[u8], size: u64) -> Option<ProbeInfo> {
    let (data_at, width, height) = (le32(head, 8)?, le32(head, 20)?, le32(head, 24)?);
    let sane = |side: u32| (1..=MAX_SIDE).contains(&side);
    if !is_ari(head) || !sane(width) || !sane(height) || u64::from(data_at) >= size {
        return None;
    }
    Some(ProbeInfo {
        container: Some("arriraw".into()),
        video: Some(VideoInfo {
            codec: "arriraw".into(),
            width,
            height,
            ..VideoInfo::default()
        }),
        ..ProbeInfo::default()
    })
}

/// Whether `magic` starts an R3D of a generation ffprobe cannot read.
pub fn is_red2(magic: &[u8]) -> bool {
    magic.get(4..8) == Some(b"RED2")
}

/// A `RED2` R3D: the container, told by its first atom (a big-endian size
/// that must fit in the file, then the tag).
pub fn red2(magic: &[u8], size: u64) -> Option<ProbeInfo> {
    let atom = u64::from(be32(magic, 0)?);
    if !is_red2(magic) || atom < 8 || atom > size {
        return None;
    }
    Some(ProbeInfo {
        container: Some("r3d".into()),
        ..ProbeInfo::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ARRIRAW header laid out as documented above (no ARRIRAW encoder
    /// exists outside the cameras, so the header is built here).
    fn ari_header(width: u32, height: u32) -> Vec<u8> {
        let mut h = vec![0u8; 4096];
        h[..8].copy_from_slice(b"ARRI\x12\x34\x56\x78");
        h[8..12].copy_from_slice(&4096u32.to_le_bytes());
        h[20..24].copy_from_slice(&width.to_le_bytes());
        h[24..28].copy_from_slice(&height.to_le_bytes());
        h
    }

    #[test]
    fn arriraw_size_from_the_header() {
        let info = ari(&ari_header(2880, 1620), 4096 + 6_998_400).unwrap();
        let v = info.video.unwrap();
        assert_eq!(
            (v.codec.as_str(), v.width, v.height),
            ("arriraw", 2880, 1620)
        );
        assert_eq!(info.container.as_deref(), Some("arriraw"));
        // A zero side, an absurd side or data past the end is not a frame.
        assert!(ari(&ari_header(0, 1620), 1 << 30).is_none());
        assert!(ari(&ari_header(2880, 1 << 20), 1 << 30).is_none());
        assert!(ari(&ari_header(2880, 1620), 4096).is_none());
        assert!(ari(&ari_header(2880, 1620)[..24], 1 << 30).is_none());
    }

    #[test]
    fn red2_is_identified_and_red1_left_to_ffprobe() {
        let mut h = vec![0u8; 16];
        h[..4].copy_from_slice(&512u32.to_be_bytes());
        h[4..8].copy_from_slice(b"RED2");
        assert_eq!(red2(&h, 5000).unwrap().container.as_deref(), Some("r3d"));
        assert!(red2(&h, 100).is_none(), "atom larger than the file");
        h[4..8].copy_from_slice(b"RED1");
        assert!(red2(&h, 5000).is_none());
    }

    #[test]
    fn raw_fourccs() {
        assert_eq!(codec(b"brxq"), Some("braw"));
        assert_eq!(codec(b"aprh"), Some("prores_raw"));
        assert_eq!(codec(b"CRAW"), Some("cinema_raw_light"));
        assert_eq!(codec(b"apch"), None);
    }
}
