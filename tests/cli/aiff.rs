//! AIFF and AIFF-C, read natively, must equal ffprobe field for field. Files
//! come from two writers: FFmpeg's aiff muxer and SoX.

use crate::common::*;
use crate::native::{both, native_equals_ffprobe};
use std::path::Path;
use std::process::Command;

/// A 48 kHz sine through FFmpeg's aiff muxer with `args`, written to `out`.
fn tone(out: &Path, args: &[&str]) {
    let mut all = vec!["-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-f", "aiff", out.to_str().unwrap()]);
    ffmpeg(&all);
}

#[test]
fn aiff_variants_from_ffmpeg_and_sox_match_ffprobe() {
    if !has("ffmpeg") || !has("ffprobe") {
        eprintln!("ffmpeg/ffprobe not installed: native AIFF parity not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    #[rustfmt::skip]
    let variants: &[(&str, &[&str])] = &[
        ("s16_mono.aif", &["-ar", "44100", "-ac", "1", "-c:a", "pcm_s16be", "-t", "0.37"]),
        ("s24_stereo.aiff", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_s24be", "-t", "1.0"]),
        ("s32_96k.aiff", &["-ar", "96000", "-ac", "2", "-c:a", "pcm_s32be", "-t", "0.25"]),
        ("s8_22k.aiff", &["-ar", "22050", "-ac", "1", "-c:a", "pcm_s8", "-t", "0.5"]),
        ("f32.aifc", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_f32be", "-t", "0.3"]),
        ("f64.aifc", &["-ar", "48000", "-ac", "1", "-c:a", "pcm_f64be", "-t", "0.3"]),
        ("sowt.aifc", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_s16le", "-t", "0.3"]),
        ("odd_length_id3.aiff", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_s24be", "-t", "0.1234567", "-write_id3v2", "1", "-metadata", "title=take 3"]),
    ];
    for (name, args) in variants {
        let p = dir.path().join(name);
        tone(&p, args);
        native_equals_ffprobe(&p);
    }
    // FFmpeg writes 5.1 as a CoreAudio layout tag, which FFmpeg reads back
    // as 5.1(side): layout tags beyond mono and stereo are left to ffprobe.
    let six = dir.path().join("s24_51.aiff");
    tone(
        &six,
        &[
            "-af",
            "aformat=channel_layouts=5.1",
            "-t",
            "0.2",
            "-c:a",
            "pcm_s24be",
        ],
    );
    assert_eq!(both(&six).0, None);
    // Apple's writers add a CHAN chunk: a stereo tag, and a 5.1 bitmap,
    // inserted before the sound data of FFmpeg files (FORM size adjusted).
    for (name, layout, tag, bitmap) in [
        ("chan_stereo.aiff", "stereo", 0x0065_0002u32, 0u32),
        ("chan_bitmap_51.aiff", "5.1", 0x0001_0000, 0x3F),
    ] {
        let p = dir.path().join(name);
        let fmt = format!("aformat=channel_layouts={layout}");
        tone(&p, &["-af", &fmt, "-t", "0.2", "-c:a", "pcm_s24be"]);
        let mut b = std::fs::read(&p).unwrap();
        let ssnd = b.windows(4).position(|w| w == b"SSND").unwrap();
        let mut chan = b"CHAN".to_vec();
        chan.extend(12u32.to_be_bytes());
        chan.extend(tag.to_be_bytes());
        chan.extend(bitmap.to_be_bytes());
        chan.extend(0u32.to_be_bytes());
        b.splice(ssnd..ssnd, chan);
        let form = u32::from_be_bytes(b[4..8].try_into().unwrap()) + 20;
        b[4..8].copy_from_slice(&form.to_be_bytes());
        std::fs::write(&p, b).unwrap();
        native_equals_ffprobe(&p);
        assert_eq!(
            both(&p).1.audio[0].channel_layout.as_deref(),
            Some(layout),
            "{name}"
        );
    }
    // A compressed AIFF-C (A-law) is left to ffprobe.
    let alaw = dir.path().join("alaw.aifc");
    tone(&alaw, &["-ar", "8000", "-t", "0.3", "-c:a", "pcm_alaw"]);
    assert_eq!(both(&alaw).0, None);
    if !has("sox") {
        eprintln!("sox not installed: SoX-written AIFF not checked");
        return;
    }
    #[rustfmt::skip]
    let sox: &[(&str, &[&str])] = &[
        ("sox_s24.aiff", &["-r", "48000", "-b", "24", "-c", "2"]),
        ("sox_s16_6ch.aiff", &["-r", "44100", "-b", "16", "-c", "6"]),
        ("sox_float.aifc", &["-r", "48000", "-b", "32", "-c", "2", "-e", "floating-point"]),
        ("sox_s16.aifc", &["-r", "48000", "-b", "16", "-c", "1"]),
    ];
    for (name, args) in sox {
        let p = dir.path().join(name);
        let out = Command::new("sox")
            .arg("-n")
            .args(*args)
            .arg(&p)
            .args(["synth", "0.4", "sine", "440"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        native_equals_ffprobe(&p);
    }
}

#[test]
fn the_aiff_reader_survives_truncation_and_flipped_bytes() {
    if !has("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.aiff");
    tone(&p, &["-t", "0.1", "-c:a", "pcm_s24be", "-write_id3v2", "1"]);
    let bytes = std::fs::read(&p).unwrap();
    let whole = footprint::probe::native::aiff::parse(&bytes[..]).expect("read whole");
    assert_eq!(whole.audio[0].codec, "pcm_s24be");
    for cut in (0..bytes.len()).step_by(7) {
        // Cut before the end of the sound data: declined, never a panic.
        let r = footprint::probe::native::aiff::parse(&bytes[..cut]);
        if cut < 64 {
            assert!(r.is_none(), "cut at {cut}");
        }
    }
    for i in 0..bytes.len().min(512) {
        let mut b = bytes.clone();
        b[i] ^= 0xFF;
        let _ = footprint::probe::native::aiff::parse(&b[..]);
    }
}
