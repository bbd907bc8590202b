//! Codec names from the codes containers use: QuickTime/MP4 sample entry
//! types and AVI/VfW `biCompression` fourccs, WAVE format tags, MPEG-4
//! object type indications, MPEG-TS stream types. Names are FFmpeg's
//! `codec_name`s, so reports read the same whichever reader answered.
//! Sources: the MP4 registration authority's code points
//! (<https://mp4ra.org/registered-types/codecs>), Microsoft's `mmreg.h`
//! and FFmpeg's `libavformat/riff.c` and `isom.c` tables.

/// A video codec from a sample entry type or a VfW fourcc.
pub fn video(fourcc: &[u8]) -> Option<&'static str> {
    let f: [u8; 4] = fourcc.get(..4)?.try_into().ok()?;
    if super::video::prores_profile(&f).is_some() {
        return Some("prores");
    }
    Some(match &f {
        b"avc1" | b"avc2" | b"avc3" | b"avc4" | b"H264" | b"h264" | b"X264" | b"x264" | b"AVC1"
        | b"DAVC" => "h264",
        b"hvc1" | b"hev1" | b"dvh1" | b"dvhe" | b"HEVC" | b"H265" | b"hevc" => "hevc",
        b"vvc1" | b"vvi1" => "vvc",
        b"av01" | b"AV01" => "av1",
        b"vp08" | b"VP80" => "vp8",
        b"vp09" | b"VP90" => "vp9",
        b"mp4v" | b"FMP4" | b"fmp4" | b"DIVX" | b"divx" | b"DX50" | b"XVID" | b"xvid" | b"MP4V"
        | b"M4S2" | b"mp4s" => "mpeg4",
        b"DIV3" | b"div3" | b"MP43" | b"DIV4" => "msmpeg4v3",
        b"MP42" => "msmpeg4v2",
        b"s263" | b"h263" | b"H263" | b"U263" => "h263",
        b"jpeg" | b"mjpa" | b"MJPG" | b"mjpg" | b"AVDJ" | b"AVRn" | b"dmb1" => "mjpeg",
        b"mjpb" => "mjpegb",
        b"mjp2" | b"MJ2C" | b"LJ2C" | b"LJ2K" => "jpeg2000",
        b"AVdn" | b"AVdh" => "dnxhd",
        b"dvc " | b"dvcp" | b"dvpp" | b"dv5n" | b"dv5p" | b"dvh2" | b"dvh3" | b"dvh5" | b"dvh6"
        | b"dvhp" | b"dvhq" | b"dvsd" | b"dv25" | b"dv50" | b"CDVC" => "dvvideo",
        b"mp1v" | b"m1v1" | b"mpg1" => "mpeg1video",
        b"mp2v" | b"m2v1" | b"mpg2" | b"MPG2" | b"hdv1" | b"hdv2" | b"hdv3" | b"hdv5" | b"hdv6"
        | b"hdv7" | b"hdv8" | b"hdv9" | b"xdv1" | b"xdv2" | b"xdv3" | b"xdv4" | b"xdv5"
        | b"xdv6" | b"xdv7" | b"xdv8" | b"xdv9" | b"xdva" | b"xdvb" | b"xdvc" | b"xdvd"
        | b"xdve" | b"xdvf" | b"xd54" | b"xd55" | b"xd59" | b"xd5a" | b"xd5b" | b"xd5c"
        | b"xd5d" | b"xd5e" | b"xd5f" | b"xdhd" | b"xdh2" | b"mx3n" | b"mx3p" | b"mx4n"
        | b"mx4p" | b"mx5n" | b"mx5p" => "mpeg2video",
        b"CFHD" => "cfhd",
        b"Hap1" | b"Hap5" | b"HapY" | b"HapM" | b"HapA" | b"Hap7" | b"HapH" => "hap",
        b"v210" => "v210",
        b"v410" => "v410",
        b"r210" => "r210",
        b"2vuy" | b"yuv2" | b"raw " | b"\0\0\0\0" | b"DIB " | b"UYVY" | b"YUY2" | b"I420"
        | b"YV12" => "rawvideo",
        b"png " | b"MPNG" => "png",
        b"tiff" => "tiff",
        b"FFV1" => "ffv1",
        b"HFYU" => "huffyuv",
        b"ULRG" | b"ULY0" | b"ULY2" | b"ULY4" | b"ULH0" | b"ULH2" => "utvideo",
        b"SVQ1" => "svq1",
        b"SVQ3" => "svq3",
        b"cvid" => "cinepak",
        b"rle " => "qtrle",
        b"smc " => "smc",
        b"WMV1" => "wmv1",
        b"WMV2" => "wmv2",
        b"WMV3" => "wmv3",
        b"WVC1" | b"wvc1" => "vc1",
        b"FLV1" => "flv1",
        b"theo" => "theora",
        _ => return super::raw::codec(&f),
    })
}

/// An audio codec from a QuickTime/MP4 sound sample entry type (PCM entries
/// are named by the sample entry reader, which knows their sample format).
pub fn audio(fourcc: &[u8]) -> Option<&'static str> {
    Some(match fourcc.get(..4)? {
        b"mp4a" => "aac",
        b"ac-3" | b"sac3" => "ac3",
        b"ec-3" => "eac3",
        b"ac-4" => "ac4",
        b"dtsc" | b"dtsh" | b"dtsl" | b"dtse" | b"dtsx" | b"dts+" | b"dts-" => "dts",
        b"Opus" | b"opus" => "opus",
        b"fLaC" => "flac",
        b"alac" => "alac",
        b"samr" => "amr_nb",
        b"sawb" => "amr_wb",
        b".mp3" | b"ms\0\x55" | b"mp3 " => "mp3",
        b"owma" | b"wma " => "wmav2",
        b"ulaw" => "pcm_mulaw",
        b"alaw" => "pcm_alaw",
        b"ima4" => "adpcm_ima_qt",
        b"mha1" | b"mha2" | b"mhm1" | b"mhm2" => "mpegh_3d_audio",
        b"iamf" => "iamf",
        b"mlpa" => "truehd",
        b"QDM2" => "qdm2",
        b"Qclp" | b"sqcp" => "qcelp",
        b"spex" => "speex",
        _ => return None,
    })
}

/// An audio codec from an MPEG-4 object type indication (`esds`,
/// ISO/IEC 14496-1 table 5, as registered at mp4ra.org).
pub fn object_type(oti: u8) -> Option<&'static str> {
    Some(match oti {
        0x40 | 0x66..=0x68 => "aac",
        0x69 | 0x6B => "mp3",
        0xA5 => "ac3",
        0xA6 => "eac3",
        0xA9..=0xAC => "dts",
        0xAD => "opus",
        0xDD => "vorbis",
        0xE1 => "qcelp",
        _ => return None,
    })
}

/// A video codec from an MPEG-4 object type indication.
pub fn video_object_type(oti: u8) -> Option<&'static str> {
    Some(match oti {
        0x20 => "mpeg4",
        0x21 => "h264",
        0x23 => "hevc",
        0x60..=0x65 => "mpeg2video",
        0x6A => "mpeg1video",
        0x6C => "mjpeg",
        0x6D => "png",
        0x6E => "jpeg2000",
        _ => return None,
    })
}

/// An audio codec from a WAVE format tag (WAVEFORMATEX `wFormatTag`).
pub fn wave_format(tag: u16, bits: u64) -> Option<&'static str> {
    Some(match (tag, bits) {
        (0x0001, 8) => "pcm_u8",
        (0x0001, 16) | (0x0001, 0) => "pcm_s16le",
        (0x0001, 24) => "pcm_s24le",
        (0x0001, 32) => "pcm_s32le",
        (0x0003, 64) => "pcm_f64le",
        (0x0003, _) => "pcm_f32le",
        (0x0002, _) => "adpcm_ms",
        (0x0006, _) => "pcm_alaw",
        (0x0007, _) => "pcm_mulaw",
        (0x0011, _) => "adpcm_ima_wav",
        (0x0050, _) => "mp2",
        (0x0055, _) => "mp3",
        (0x00FF | 0x1600 | 0x1601 | 0x706D, _) => "aac",
        (0x0160, _) => "wmav1",
        (0x0161, _) => "wmav2",
        (0x0162, _) => "wmapro",
        (0x0163, _) => "wmalossless",
        (0x2000, _) => "ac3",
        (0x2001, _) => "dts",
        (0x6771, _) => "vorbis",
        (0xF1AC, _) => "flac",
        _ => return None,
    })
}

/// MPEG-TS/PS stream types (ISO/IEC 13818-1 table 2-34, and the ATSC and
/// Blu-ray registrations): (codec, is video).
pub fn stream_type(t: u8) -> Option<(&'static str, bool)> {
    Some(match t {
        0x01 => ("mpeg1video", true),
        0x02 => ("mpeg2video", true),
        0x10 => ("mpeg4", true),
        0x1B => ("h264", true),
        0x24 => ("hevc", true),
        0x33 => ("vvc", true),
        0x20 => ("h264", true), // MVC sub-bitstream
        0xD1 => ("dirac", true),
        0xEA => ("vc1", true),
        0x03 | 0x04 => ("mp3", false), // refined to mp1/mp2 by the frame header
        0x0F | 0x11 => ("aac", false),
        0x81 => ("ac3", false),
        0x84 | 0x87 | 0xA1 => ("eac3", false),
        0x82 | 0x85 | 0x86 | 0x8A | 0xA2 => ("dts", false),
        0x83 => ("truehd", false),
        _ => return None,
    })
}
