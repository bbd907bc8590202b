//! Native readers must answer exactly as ffprobe does (issue 5): every
//! variant is made by FFmpeg and read both ways.

use crate::common::*;
use footprint::probe::Prober;
use std::path::Path;

fn both(
    path: &Path,
) -> (
    Option<footprint::probe::ProbeInfo>,
    footprint::probe::ProbeInfo,
) {
    let size = std::fs::metadata(path).unwrap().len();
    let native = footprint::probe::native::probe(path, size);
    let ff = footprint::probe::ffprobe::Ffprobe::locate(None, std::time::Duration::from_secs(10))
        .unwrap()
        .probe(path)
        .unwrap();
    (native, ff)
}

#[test]
fn wav_variants_match_ffprobe_field_for_field() {
    if !has("ffmpeg") || !has("ffprobe") {
        eprintln!("ffmpeg/ffprobe not installed: native WAV parity not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    #[rustfmt::skip]
    let variants: &[(&str, &[&str])] = &[
        ("s16_mono.wav", &["-ar", "44100", "-ac", "1", "-c:a", "pcm_s16le", "-t", "0.37"]),
        ("s24_stereo.wav", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_s24le", "-t", "1.0"]),
        ("s24_51.wav", &["-ar", "48000", "-af", "aformat=channel_layouts=5.1", "-c:a", "pcm_s24le", "-t", "0.5"]),
        ("s24_51side.wav", &["-ar", "48000", "-af", "aformat=channel_layouts=5.1(side)", "-c:a", "pcm_s24le", "-t", "0.5"]),
        ("s32_71.wav", &["-ar", "96000", "-af", "aformat=channel_layouts=7.1", "-c:a", "pcm_s32le", "-t", "0.25"]),
        ("f32_stereo.wav", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_f32le", "-t", "0.3"]),
        ("u8_mono.wav", &["-ar", "8000", "-ac", "1", "-c:a", "pcm_u8", "-t", "0.5"]),
        ("odd_length.wav", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_s24le", "-t", "0.1234567"]),
        ("bwf.wav", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_s24le", "-t", "0.2", "-write_bext", "1"]),
        ("rf64.wav", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_s24le", "-t", "0.2", "-rf64", "always"]),
    ];
    for (name, args) in variants {
        let p = dir.path().join(name);
        let mut all = vec!["-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000"];
        all.extend_from_slice(args);
        all.push(p.to_str().unwrap());
        ffmpeg(&all);
        let (native, ff) = both(&p);
        let native = native.unwrap_or_else(|| panic!("{name}: the native reader declined"));
        assert_eq!(native, ff, "{name}");
    }
    // The bundled fixture too.
    let (native, ff) = both(&fixtures().join("media/audio/tone_48k_24bit.wav"));
    assert_eq!(native.expect("fixture"), ff);
}

#[test]
fn the_wav_reader_declines_what_it_does_not_know_and_never_panics() {
    let wav = std::fs::read(fixtures().join("media/audio/tone_48k_24bit.wav")).unwrap();
    let size = wav.len() as u64;
    assert!(footprint::probe::native::wav::parse(&wav, size).is_some());
    // Truncated at every offset of the header, and claimed sizes past the end.
    for cut in 0..200 {
        let _ = footprint::probe::native::wav::parse(&wav[..cut], size);
    }
    assert!(footprint::probe::native::wav::parse(&wav, size - 1).is_none());
    // An RF64 whose ds64 claims 2^64 - 1 bytes of data.
    let mut rf = b"RF64\xff\xff\xff\xffWAVEds64\x1c\0\0\0".to_vec();
    rf.extend_from_slice(&[0xff; 28]);
    rf.extend_from_slice(&wav[12..12 + 8 + 40]); // the fixture's fmt chunk
    rf.extend_from_slice(b"data\xff\xff\xff\xff");
    assert!(footprint::probe::native::wav::parse(&rf, u64::MAX).is_none());
    // Not WAV at all, and a non-PCM format tag (0x0055 = MP3).
    assert!(footprint::probe::native::wav::parse(b"RIFX\0\0\0\0WAVE", 12).is_none());
    let mut mp3 = wav.clone();
    mp3[20] = 0x55;
    mp3[21] = 0x00;
    assert!(footprint::probe::native::wav::parse(&mp3, size).is_none());
}

#[test]
fn without_ffprobe_wav_is_still_probed_natively() {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "media/audio/tone_48k_24bit.wav",
        "media/exports/PROJX_cut_v03.mp4",
    ] {
        let src = fixtures().join(f);
        std::fs::copy(&src, dir.path().join(src.file_name().unwrap())).unwrap();
    }
    let out = footprint()
        .args([
            "audit",
            "--format",
            "json",
            "--no-cache",
            "--ffprobe",
            "/nonexistent/ffprobe",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r = parse_one_document(&out.stdout);
    assert_eq!(r["stages"]["probe"], "unavailable");
    let wav = media(&r, "tone_48k_24bit.wav");
    assert_eq!(wav["probe"]["source"], "native");
    assert_eq!(wav["audio"][0]["codec"], "pcm_s24le");
    assert_eq!(wav["duration_s"], 1.0);
    let mp4 = media(&r, "PROJX_cut_v03.mp4");
    assert_eq!(mp4["probe"]["source"], "none");
    assert!(String::from_utf8_lossy(&out.stderr).contains("natively"));
    // With ffprobe present the report's WAV entry is the same.
    if has("ffprobe") {
        let with = audit_json(&["--no-cache", dir.path().to_str().unwrap()]);
        assert_eq!(media(&with, "tone_48k_24bit.wav"), wav);
    }
}
