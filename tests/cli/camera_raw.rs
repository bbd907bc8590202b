//! Camera raw (issue 5): ffprobe reads none of ARRIRAW or RED's current R3D,
//! and reads QuickTime-wrapped raw (BRAW, Cinema RAW Light, ProRes RAW)
//! without naming the codec. No raw encoder runs outside a camera, so:
//! the QuickTime cases are FFmpeg files whose sample-entry fourcc is
//! rewritten (the container stays FFmpeg's, only the name changes), and the
//! ARRIRAW and R3D headers are laid out as `src/probe/native/raw.rs` cites.

use crate::common::*;
use crate::native::{both, native_equals_ffprobe};
use std::path::Path;

/// Rewrites the first `from` after `stsd` in `path` to `to`.
fn set_fourcc(path: &Path, from: &[u8; 4], to: &[u8; 4]) {
    let mut b = std::fs::read(path).unwrap();
    let stsd = b.windows(4).position(|w| w == b"stsd").unwrap();
    let at = stsd + b[stsd..].windows(4).position(|w| w == from).unwrap();
    b[at..at + 4].copy_from_slice(to);
    std::fs::write(path, b).unwrap();
}

#[test]
fn quicktime_wrapped_raw_is_named_and_sized_alike_by_both_readers() {
    if !has("ffmpeg") || !has("ffprobe") {
        eprintln!("ffmpeg/ffprobe not installed: camera-raw parity not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = "testsrc2=size=640x360:rate=24000/1001";
    let tone = "sine=frequency=440:sample_rate=48000";
    #[rustfmt::skip]
    let cases: &[(&str, &[u8; 4], &[u8; 4], &str)] = &[
        ("A001_01011200_C001.braw", b"apco", b"brxq", "braw"),
        ("A002_01011201_C002.braw", b"apco", b"brst", "braw"),
        ("prores_raw.mov", b"apco", b"aprn", "prores_raw"),
        ("prores_raw_hq.mov", b"apco", b"aprh", "prores_raw"),
        ("A001C001_CANON.CRM", b"avc1", b"CRAW", "cinema_raw_light"),
    ];
    for (name, from, to, codec) in cases {
        let p = dir.path().join(name);
        let enc: &[&str] = if *from == b"avc1" {
            &["-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mp4"]
        } else {
            &["-c:v", "prores_ks", "-profile:v", "0", "-f", "mov"]
        };
        let mut args = vec![
            "-f", "lavfi", "-i", src, "-f", "lavfi", "-i", tone, "-t", "0.5",
        ];
        args.extend_from_slice(enc);
        args.extend_from_slice(&["-c:a", "pcm_s24le", p.to_str().unwrap()]);
        if *from == b"avc1" {
            // MP4 takes no PCM: AAC, as Canon's cameras record.
            let n = args.len();
            args[n - 2] = "aac";
        }
        ffmpeg(&args);
        set_fourcc(&p, from, to);
        native_equals_ffprobe(&p);
        let (native, _) = both(&p);
        let v = native.unwrap().video.unwrap();
        assert_eq!(
            (v.codec.as_str(), v.width, v.height),
            (*codec, 640, 360),
            "{name}"
        );
        assert_eq!(v.fps, Some(24000.0 / 1001.0), "{name}");
    }
}

/// An ARRIRAW frame as the camera lays it out (little-endian header).
fn ari_frame(width: u32, height: u32) -> Vec<u8> {
    let mut h = vec![0u8; 4096];
    h[..8].copy_from_slice(b"ARRI\x12\x34\x56\x78");
    h[8..12].copy_from_slice(&4096u32.to_le_bytes());
    h[20..24].copy_from_slice(&width.to_le_bytes());
    h[24..28].copy_from_slice(&height.to_le_bytes());
    h.extend(noise(width, 3000));
    h
}

/// A current-generation R3D segment: a `RED2` atom, then essence.
fn red2_segment(len: usize) -> Vec<u8> {
    let mut b = vec![0u8; 512];
    b[..4].copy_from_slice(&512u32.to_be_bytes());
    b[4..8].copy_from_slice(b"RED2");
    b.extend(noise(7, len));
    b
}

#[test]
fn arriraw_and_r3d_are_identified_without_ffprobe_and_never_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for f in 86400..86403 {
        let rel = format!("A001R1JL/A001C001_190101_R1JL.{f:07}.ari");
        write(root, &rel, &ari_frame(2880, 1620));
    }
    let rdc = "A002_0908FT.RDM/A002_C001_0908R4.RDC";
    write(
        root,
        &format!("{rdc}/A002_C001_0908R4_001.R3D"),
        &red2_segment(5000),
    );
    write(
        root,
        &format!("{rdc}/A002_C001_0908R4_002.R3D"),
        &red2_segment(3000),
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["--no-cache", "--no-hash"];
        args.extend_from_slice(extra);
        args.push(root.to_str().unwrap());
        audit_json(&args)
    };
    let r = run(&["--ffprobe", "/nonexistent/ffprobe"]);
    assert_eq!(r["errors"].as_array().unwrap().len(), 0, "{}", r["errors"]);
    let ari = media(&r, "A001C001_190101_R1JL.%07d.ari");
    assert_eq!(ari["kind"], "image_sequence");
    assert_eq!(ari["sequence"]["frames"], 3);
    assert_eq!(ari["video"]["codec"], "arriraw");
    assert_eq!(
        (
            ari["video"]["width"].as_u64(),
            ari["video"]["height"].as_u64()
        ),
        (Some(2880), Some(1620))
    );
    assert_eq!(ari["probe"]["source"], "native");
    assert_eq!(ari["bytes"], 3 * (4096 + 3000));
    let red = media(&r, "A002_C001_0908R4_001.R3D");
    assert_eq!(red["container"], "r3d");
    assert_eq!(red["segments"], 2);
    assert_eq!(red["bytes"], 512 * 2 + 5000 + 3000);
    assert_eq!(red["probe"]["source"], "native");
    // The table says what each is, not "not probed".
    let out = footprint()
        .args([
            "audit",
            "--no-cache",
            "--no-hash",
            "--ffprobe",
            "/nonexistent/ffprobe",
        ])
        .arg(root)
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    let row = |codec: &str| {
        table
            .lines()
            .find(|l| l.trim_start().starts_with(codec))
            .map(str::to_owned)
    };
    assert!(
        row("arriraw").is_some_and(|l| l.contains("2880x1620")),
        "{table}"
    );
    assert!(row("r3d (streams not read)").is_some(), "{table}");
    assert!(!table.contains("not probed ("), "{table}");
    assert!(table.contains("only formats footprint reads itself were probed"));
    // ffprobe present or not, the report is the same (ffprobe is not asked).
    if has("ffprobe") {
        let with = run(&[]);
        assert_eq!(media(&with, ".ari"), ari);
        assert_eq!(media(&with, "_001.R3D"), red);
    }
}
