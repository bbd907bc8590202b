//! Files written by muxers other than FFmpeg's (issue 5's corpus comes from
//! "many cameras and muxers"): GStreamer's qtmux, mp4mux, mxfmux and
//! matroskamux, mkvmerge, and x264's own Matroska writer. Each file must be
//! read natively and equal ffprobe's answer field for field.

use crate::common::*;
use crate::native::native_equals_ffprobe;
use std::process::Command;

fn installed(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(tool: &str, args: &[&str]) {
    let out = Command::new(tool).args(args).output().expect("tool runs");
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A `videotestsrc` branch: `frames` frames of `caps` (`width=…,…`).
fn video(frames: u32, caps: &str) -> String {
    format!("videotestsrc num-buffers={frames} pattern=ball ! video/x-raw,{caps}")
}

/// An `audiotestsrc` branch of `buffers` 1,024-sample buffers.
fn audio(buffers: u32, caps: &str) -> String {
    format!("audiotestsrc num-buffers={buffers} ! audio/x-raw,{caps}")
}

#[test]
fn gstreamer_files_match_ffprobe_field_for_field() {
    if !installed("gst-launch-1.0") || !has("ffprobe") {
        eprintln!("GStreamer/ffprobe not installed: other muxers not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sd = "width=640,height=360";
    let pcm24 = audio(24, "format=S24LE,rate=48000,channels=2");
    let tone = audio(48, "rate=48000,channels=2");
    #[rustfmt::skip]
    let cases: Vec<(&str, String)> = vec![
        ("qtmux_h264_pcm.mov", format!("{} ! x264enc ! h264parse ! qtmux name=m ! filesink location=OUT {pcm24} ! m.", video(24, &format!("{sd},framerate=24000/1001,format=I420")))),
        ("mp4mux_h264_bframes_aac.mp4", format!("{} ! x264enc bframes=3 ! h264parse ! mp4mux name=m ! filesink location=OUT {tone} ! avenc_aac ! aacparse ! m.", video(30, &format!("{sd},framerate=30000/1001,format=I420")))),
        ("qtmux_prores_lt.mov", format!("{} ! avenc_prores_ks profile=1 ! qtmux ! filesink location=OUT", video(10, &format!("{sd},framerate=25/1,format=I422_10LE")))),
        ("mp4mux_hevc.mp4", format!("{} ! x265enc ! h265parse ! mp4mux ! filesink location=OUT", video(20, &format!("{sd},framerate=50/1,format=I420")))),
        // VC-3 without a picture coding UL: the essence container names it.
        ("mxfmux_dnxhd_pcm.mxf", format!("{} ! avenc_dnxhd bitrate=120000000 ! mxfmux name=m ! filesink location=OUT {} ! m.", video(5, "width=1920,height=1080,framerate=25/1,format=Y42B"), audio(10, "format=S24LE,rate=48000,channels=2"))),
        // JPEG 2000 with a malformed coding UL (GStreamer writes it as integers).
        ("mxfmux_j2k_rgba64.mxf", format!("{} ! openjpegenc ! mxfmux ! filesink location=OUT", video(6, "width=512,height=288,framerate=24/1"))),
        ("matroskamux_h264_pcm.mkv", format!("{} ! x264enc ! h264parse ! matroskamux name=m ! filesink location=OUT {pcm24} ! m.", video(24, &format!("{sd},framerate=24/1,format=I420")))),
        // Fragmented, with an `mehd` box, which FFmpeg does not use.
        ("mp4mux_fragmented_aac.mp4", format!("{} ! x264enc bframes=2 ! h264parse ! mp4mux name=m fragment-duration=300 ! filesink location=OUT {tone} ! avenc_aac ! aacparse ! m.", video(30, &format!("{sd},framerate=30000/1001,format=I420")))),
        ("qtmux_fragmented_pcm.mov", format!("{} ! x264enc ! h264parse ! qtmux name=m fragment-duration=400 ! filesink location=OUT {} ! m.", video(25, &format!("{sd},framerate=25/1,format=I420")), audio(48, "format=S16LE,rate=48000,channels=2"))),
    ];
    for (name, pipeline) in &cases {
        let out = dir.path().join(name);
        let pipeline = pipeline.replace("OUT", out.to_str().unwrap());
        let mut args = vec!["-q", "-e"];
        args.extend(pipeline.split_whitespace());
        run("gst-launch-1.0", &args);
        native_equals_ffprobe(&out);
    }
}

#[test]
fn mkvmerge_and_x264_files_match_ffprobe_field_for_field() {
    if !installed("mkvmerge") || !installed("x264") || !has("ffmpeg") || !has("ffprobe") {
        eprintln!("mkvmerge/x264/FFmpeg not installed: other Matroska writers not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let tone = "sine=frequency=440:sample_rate=48000";
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=640x360:rate=25",
        "-f",
        "lavfi",
        "-i",
        tone,
        "-t",
        "1",
        "-c:v",
        "libx264",
        "-c:a",
        "aac",
        "-ac",
        "2",
        &p("h264_aac.mp4"),
    ]);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=640x360:rate=50",
        "-t",
        "0.6",
        "-c:v",
        "libx265",
        "-pix_fmt",
        "yuv420p10le",
        &p("hevc10.mp4"),
    ]);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=640x360:rate=30000/1001",
        "-t",
        "1",
        "-pix_fmt",
        "yuv420p",
        "-f",
        "yuv4mpegpipe",
        &p("src.y4m"),
    ]);
    run(
        "mkvmerge",
        &["-q", "-o", &p("mkvmerge_h264_aac.mkv"), &p("h264_aac.mp4")],
    );
    run(
        "mkvmerge",
        &["-q", "-o", &p("mkvmerge_hevc10.mkv"), &p("hevc10.mp4")],
    );
    run("x264", &["--quiet", "-o", &p("x264.mkv"), &p("src.y4m")]);
    for name in ["mkvmerge_h264_aac.mkv", "mkvmerge_hevc10.mkv", "x264.mkv"] {
        native_equals_ffprobe(&dir.path().join(name));
    }
}
