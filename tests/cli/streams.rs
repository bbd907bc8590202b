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
