//! The readers of issue 22 (elementary streams, MPEG-TS, Ogg, AVI, stills)
//! on real encoder output: the fuzz seeds, which `fuzz/seeds/make.sh` makes
//! with FFmpeg's encoders and muxers. Each is read natively and agrees with
//! ffprobe on every field it states; the frame rate is the nominal one.

use crate::common::*;
use crate::native::{both, stated};
use std::path::PathBuf;

fn seeds(dir: &str) -> Vec<PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{dir}: no seeds");
    files
}

#[test]
fn elementary_transport_ogg_avi_and_stills_agree_with_ffprobe() {
    if !has("ffprobe") {
        eprintln!("ffprobe not installed: stream readers not cross-checked");
        return;
    }
    let mut checked = 0;
    for dir in ["elementary", "annexb", "ts", "ogg", "avi", "still"] {
        for f in seeds(dir) {
            let (native, ff) = both(&f);
            let native = native.unwrap_or_else(|| panic!("{f:?} declined; ffprobe {ff:?}"));
            let mut native = stated(native, &ff);
            // Durations agree to the millisecond: FFmpeg's time bases round
            // a counted length (0.128 s of ADTS is 0.127998 s there); the
            // overall bit rate follows the duration.
            let (n, f_) = (native.duration_s, ff.duration_s);
            if let (Some(n), Some(f_)) = (n, f_) {
                assert!((n - f_).abs() < 1e-3, "{f:?}: {n} vs {f_}");
            }
            native.duration_s = ff.duration_s;
            native.bit_rate = ff.bit_rate;
            assert_eq!(native, ff, "{f:?}");
            checked += 1;
        }
    }
    assert_eq!(checked, 17);
}

#[test]
fn stream_readers_state_what_the_encoder_wrote() {
    let read = |dir: &str, name: &str| {
        let p = seeds(dir).into_iter().find(|p| p.ends_with(name)).unwrap();
        let size = std::fs::metadata(&p).unwrap().len();
        footprint::probe::native::probe(&p, size).unwrap_or_else(|| panic!("{name}"))
    };
    // 5.1 AC-3 at 48 kHz: 0.1 s is 4 frames of 1536 samples, 0.128 s.
    let ac3 = read("elementary", "tone51.ac3");
    let a = &ac3.audio[0];
    assert_eq!(
        (a.codec.as_str(), a.channels, a.sample_rate),
        ("ac3", 6, 48000)
    );
    assert_eq!(ac3.duration_s, Some(0.128));
    // FLAC: the exact sample count from STREAMINFO.
    let flac = read("elementary", "tone.flac");
    assert_eq!(flac.duration_s, Some(0.1));
    // The H.264 stream states 25 fps in its VUI and has 3 pictures.
    let h264 = read("annexb", "clip.h264");
    let v = h264.video.unwrap();
    assert_eq!((v.codec.as_str(), v.width, v.height), ("h264", 64, 36));
    assert_eq!(v.fps_rational.as_deref(), Some("25/1"));
    assert_eq!(h264.duration_s, Some(0.12));
    // Blu-ray M2TS (192-byte packets): MPEG-2 video, AC-3 audio.
    let m2ts = read("ts", "mpeg2_ac3.m2ts");
    assert_eq!(m2ts.video.unwrap().codec, "mpeg2video");
    assert_eq!(m2ts.audio[0].codec, "ac3");
    // Theora and Vorbis in Ogg; Opus decodes at 48 kHz.
    let ogv = read("ogg", "theora_vorbis.ogv");
    assert_eq!(ogv.video.unwrap().codec, "theora");
    assert_eq!(ogv.audio[0].codec, "vorbis");
    assert_eq!(read("ogg", "opus.ogg").audio[0].sample_rate, 48000);
    // Still images have no rate of their own once the probe stage has them,
    // but their size is read natively.
    let jpg = read("still", "frame.jpg").video.unwrap();
    assert_eq!(
        (jpg.codec.as_str(), jpg.width, jpg.height),
        ("mjpeg", 64, 36)
    );
}

#[test]
fn a_stream_cut_anywhere_never_panics_and_keeps_its_codec() {
    for dir in ["elementary", "annexb", "ts", "ogg", "avi", "still"] {
        for f in seeds(dir) {
            let b = std::fs::read(&f).unwrap();
            let whole = footprint::probe::native::probe(&f, b.len() as u64);
            let codec = |i: &footprint::probe::ProbeInfo| {
                i.video
                    .as_ref()
                    .map(|v| v.codec.clone())
                    .or_else(|| i.audio.first().map(|a| a.codec.clone()))
            };
            for cut in (0..b.len()).step_by(97) {
                let dir = tempfile::tempdir().unwrap();
                let p = dir.path().join(f.file_name().unwrap());
                std::fs::write(&p, &b[..cut]).unwrap();
                if let Some(info) = footprint::probe::native::probe(&p, cut as u64) {
                    assert_eq!(
                        codec(&info),
                        whole.as_ref().and_then(codec),
                        "{f:?} at {cut}"
                    );
                }
            }
        }
    }
}

/// A file of `../shared/corpus` (third-party media), if it is laid beside
/// the clone (CI lays it there).
fn corpus(rel: &str) -> Option<PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(rel);
    if !p.is_file() {
        assert!(std::env::var_os("CI").is_none(), "CI: {p:?} missing");
        return None;
    }
    Some(p)
}

fn native(p: &std::path::Path) -> footprint::probe::ProbeInfo {
    let size = std::fs::metadata(p).unwrap().len();
    footprint::probe::native::probe(p, size).unwrap_or_else(|| panic!("{p:?} declined"))
}

#[test]
fn an_init_segment_lasts_what_its_segment_index_says() {
    // DASH on-demand: the init segment and the segment index (`sidx`) are
    // fetched together, without samples; FFmpeg takes the length from the
    // index, and so does footprint.
    if has("ffmpeg") && has("ffprobe") {
        let dir = tempfile::tempdir().unwrap();
        let full = dir.path().join("full.mp4");
        ffmpeg(&[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=sample_rate=48000",
            "-t",
            "2",
            "-c:v",
            "libx264",
            "-g",
            "25",
            "-c:a",
            "aac",
            "-movflags",
            "+frag_keyframe+empty_moov+global_sidx",
            full.to_str().unwrap(),
        ]);
        // Cut after the last top-level `sidx`, before the first fragment.
        let b = std::fs::read(&full).unwrap();
        let (mut at, mut cut) = (0usize, 0usize);
        while at + 8 <= b.len() {
            let size = u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize;
            if &b[at + 4..at + 8] == b"sidx" {
                cut = at + size;
            }
            at += size.max(8);
        }
        assert!(cut > 0, "FFmpeg wrote no sidx");
        let init = dir.path().join("init.mp4");
        std::fs::write(&init, &b[..cut]).unwrap();
        let (n, ff) = crate::native::both(&init);
        let n = n.expect("init segment declined");
        assert!(ff.duration_s.is_some_and(|d| d > 1.9), "{ff:?}");
        assert_eq!(n.duration_s, ff.duration_s);
        assert_eq!(n.bit_rate, ff.bit_rate);
    }
    // Third-party init segments: a PIFF audio track (its `mdhd` says "all
    // ones") and an H.264 track, as ffprobe states them.
    for (rel, secs) in [
        (
            "Eyevinn__mp4ff/cmd/mp4ff-decrypt/testdata/PIFF/audio/init.mp4",
            2658.048,
        ),
        ("Eyevinn__mp4ff/mp4/testdata/init_with_colr.mp4", 30.0),
    ] {
        if let Some(p) = corpus(rel) {
            assert_eq!(native(&p).duration_s, Some(secs), "{rel}");
        }
    }
}

#[test]
fn an_mp3_frame_after_a_padded_id3_tag_is_a_stream() {
    // FFmpeg's MP3 muxer writes an ID3v2 tag; a tagger that pads it past
    // its stated size leaves zeros before the first frame. One frame that
    // fills the file to its end is then a stream, as MediaInfo reads it.
    if has("ffmpeg") {
        let dir = tempfile::tempdir().unwrap();
        let one = dir.path().join("one.mp3");
        ffmpeg(&[
            "-f",
            "lavfi",
            "-i",
            "sine=sample_rate=44100",
            "-frames:a",
            "1",
            "-ac",
            "1",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "64k",
            "-write_xing",
            "0",
            one.to_str().unwrap(),
        ]);
        let b = std::fs::read(&one).unwrap();
        assert_eq!(&b[..3], b"ID3");
        let tag = 10
            + b[6..10]
                .iter()
                .fold(0usize, |v, &x| (v << 7) | usize::from(x));
        let padded = dir.path().join("padded.mp3");
        std::fs::write(&padded, [&b[..tag], &[0; 3], &b[tag..]].concat()).unwrap();
        let info = native(&padded);
        let a = &info.audio[0];
        assert_eq!(
            (a.codec.as_str(), a.channels, a.sample_rate),
            ("mp3", 1, 44100)
        );
        // One frame of 1,152 samples at 44.1 kHz, to the microsecond.
        assert_eq!(info.duration_s, Some(0.026122));
    }
    if let Some(p) = corpus("wader__fq/format/mp3/testdata/header-zeros-frames.mp3") {
        let info = native(&p);
        assert_eq!(info.audio[0].channels, 1);
        assert_eq!(info.duration_s, Some(0.026122));
    }
}

#[test]
fn iamf_audio_is_named_with_its_track_rate() {
    // IAMF (Immersive Audio Model and Formats) in MP4: the sample entry
    // states neither channels nor rate; FFmpeg takes the media time scale.
    if let Some(p) = corpus("Eyevinn__mp4ff/mp4/testdata/iamf.mp4") {
        let info = native(&p);
        let a = &info.audio[0];
        assert_eq!(
            (a.codec.as_str(), a.channels, a.sample_rate),
            ("iamf", 0, 48000)
        );
        assert_eq!(info.duration_s, Some(1.0));
    }
}
