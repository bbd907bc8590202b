//! `footprint info`: each stream of a file, cross-checked against ffprobe
//! and MediaInfo, and never contradicting `audit`.

use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn info_json(args: &[&str]) -> (Value, Option<i32>) {
    let out = footprint()
        .args(["info", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    (parse_one_document(&out.stdout), out.status.code())
}

fn mediainfo(path: &Path) -> Option<Vec<Value>> {
    if !has("mediainfo") {
        assert!(std::env::var_os("CI").is_none(), "CI installs mediainfo");
        return None;
    }
    let out = Command::new("mediainfo")
        .arg("--Output=JSON")
        .arg(path)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    Some(v["media"]["track"].as_array().unwrap().clone())
}

fn ffprobe_streams(path: &Path) -> Vec<Value> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-print_format", "json", "-show_streams"])
        .arg(path)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["streams"].as_array().unwrap().clone()
}

#[test]
fn an_interlaced_tagged_clip_is_described_stream_by_stream() {
    if !has("ffmpeg") {
        assert!(std::env::var_os("CI").is_none(), "CI installs ffmpeg");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("EP101_master.mov");
    let c = clip.to_str().unwrap();
    // 10-bit 4:2:2 H.264, interlaced top field first, BT.709 tagged, a
    // French 5.1 track and an English stereo one, a start timecode.
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=320x240:rate=30000/1001:duration=1",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000:duration=1",
        "-filter_complex",
        "[1:a]pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0[six];[1:a]pan=stereo|c0=c0|c1=c0[two]",
        "-map",
        "0:v",
        "-map",
        "[six]",
        "-map",
        "[two]",
        "-vf",
        "setfield=tff",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv422p10le",
        "-flags",
        "+ildct+ilme",
        "-color_primaries",
        "bt709",
        "-color_trc",
        "bt709",
        "-colorspace",
        "bt709",
        "-c:a",
        "pcm_s24le",
        "-metadata:s:a:0",
        "language=fra",
        "-metadata:s:a:1",
        "language=eng",
        "-timecode",
        "10:00:00;00",
        c,
    ]);
    let (r, code) = info_json(&[c]);
    assert_eq!(code, Some(0), "{r}");
    assert_eq!(r["schema_version"], 1);
    let f = &r["files"][0];
    assert_eq!(f["container"], "mov");
    assert_eq!(f["timecode"], "10:00:00;00");
    let s = f["streams"].as_array().unwrap();
    let v = &s[0];
    assert_eq!(v["kind"], "video");
    assert_eq!(v["codec"], "h264");
    assert_eq!(v["profile"], "High 4:2:2");
    assert_eq!(v["level"], "2.1");
    assert_eq!(
        (v["width"].as_u64(), v["height"].as_u64()),
        (Some(320), Some(240))
    );
    assert_eq!(v["fps_rational"], "30000/1001");
    assert_eq!(v["fps_mode"], "cfr");
    assert_eq!(v["bit_depth"], 10);
    assert_eq!(v["chroma"], "4:2:2");
    assert_eq!(v["color_primaries"], "bt709");
    assert_eq!(v["color_transfer"], "bt709");
    assert_eq!(v["color_matrix"], "bt709");
    let audio: Vec<&Value> = s.iter().filter(|x| x["kind"] == "audio").collect();
    assert_eq!(audio.len(), 2);
    assert_eq!(
        (audio[0]["channels"].as_u64(), audio[0]["language"].as_str()),
        (Some(6), Some("fra"))
    );
    assert_eq!(
        (audio[1]["channels"].as_u64(), audio[1]["language"].as_str()),
        (Some(2), Some("eng"))
    );
    assert_eq!(audio[0]["sample_rate"], 48000);

    // ffprobe says the same of every stream.
    let ff = ffprobe_streams(&clip);
    assert_eq!(ff.len(), s.len());
    assert_eq!(v["pix_fmt"], ff[0]["pix_fmt"]);
    assert_eq!(v["scan_type"], "interlaced (top field first)");
    assert!(
        matches!(ff[0]["field_order"].as_str(), Some("tt" | "tb")),
        "{}",
        ff[0]
    );

    // And MediaInfo, in its own words.
    if let Some(tracks) = mediainfo(&clip) {
        let mv = tracks.iter().find(|t| t["@type"] == "Video").unwrap();
        assert_eq!(mv["BitDepth"], "10");
        assert_eq!(mv["ChromaSubsampling"], "4:2:2");
        // MediaInfo names x264's interlaced coding by its kind (MBAFF).
        assert!(
            matches!(mv["ScanType"].as_str(), Some("Interlaced" | "MBAFF")),
            "{mv}"
        );
        assert_eq!(mv["ScanOrder"], "TFF");
        assert_eq!(mv["colour_primaries"], "BT.709");
        assert_eq!(mv["transfer_characteristics"], "BT.709");
        assert_eq!(mv["FrameRate"], "29.970");
        let langs: Vec<&str> = tracks
            .iter()
            .filter(|t| t["@type"] == "Audio")
            .filter_map(|t| t["Language"].as_str())
            .collect();
        assert_eq!(langs, ["fr", "en"]);
    }

    // The text view says it in words.
    let out = footprint().args(["info", c]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for line in [
        "Video, stream 0",
        "Frame rate    29.97 fps (30000/1001), constant",
        "Picture       10 bits 4:2:2 (yuv422p10le)",
        "Colour        primaries bt709, transfer bt709, matrix bt709",
        "Scan          interlaced (top field first)",
        "Channels      6 (5.1)",
        "Language      fra",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
}

#[test]
fn files_that_cannot_be_described_are_listed_and_the_rest_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.mov");
    mkfifo(&fifo);
    let fake = write(dir.path(), "fake.mov", b"this is not a QuickTime file");
    let good = fixtures().join("media/camera/B002C004_dnxhr.mxf");
    let args = [
        good.to_str().unwrap(),
        "/no/such/file.mov",
        dir.path().to_str().unwrap(),
        fifo.to_str().unwrap(),
        fake.to_str().unwrap(),
    ];
    let (r, code) = info_json(&args);
    assert_eq!(code, Some(1));
    let files = r["files"].as_array().unwrap();
    assert_eq!(files.len(), 5, "one entry per file, in order");
    assert_eq!(files[0]["streams"][0]["codec"], "dnxhd");
    assert!(files[0]["error"].is_null());
    assert_eq!(files[1]["error"], "no such file");
    assert!(files[2]["error"].as_str().unwrap().contains("folder"));
    assert!(
        files[3]["error"]
            .as_str()
            .unwrap()
            .contains("not a regular file")
    );
    // ffprobe, when there, is asked and refuses it; without it, the error
    // says that nothing could read the format.
    let expected = match has("ffprobe") {
        true => "not readable",
        false => "ffprobe is not installed",
    };
    assert!(
        files[4]["error"].as_str().unwrap().contains(expected),
        "{}",
        files[4]
    );
    let out = footprint().arg("info").args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("4 of 5 files could not be described"), "{err}");
}

#[test]
fn without_ffprobe_native_readers_answer_and_say_so() {
    let clip = fixtures().join("media/camera/A001C001_prores_hq.mov");
    let out = footprint()
        .args([
            "info",
            "--format",
            "json",
            "--ffprobe",
            "/nonexistent/ffprobe",
        ])
        .arg(&clip)
        .output()
        .unwrap();
    let r = parse_one_document(&out.stdout);
    let f = &r["files"][0];
    assert_eq!(f["reader"], "native");
    assert_eq!(f["streams"][0]["codec"], "prores");
    assert_eq!(f["streams"][0]["fps_rational"], "24000/1001");
    assert_eq!(f["streams"][1]["codec"], "pcm_s24le");
    // Unstated, not guessed: the QuickTime reader does not read colour tags.
    assert!(f["streams"][0]["scan_type"].is_null());
    let forced = footprint()
        .args([
            "info",
            "--probe-with",
            "ffprobe",
            "--ffprobe",
            "/nonexistent/ffprobe",
        ])
        .arg(&clip)
        .output()
        .unwrap();
    assert_eq!(forced.status.code(), Some(2));
}

#[test]
fn info_never_contradicts_audit_on_third_party_media() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() || !has("ffprobe") {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI lays ../shared beside the clone"
        );
        return;
    }
    let audit = audit_json(&["-q", "--no-hash", "--no-cache", corpus.to_str().unwrap()]);
    let items: Vec<&Value> = audit["media"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "video" && m["video"].is_object() && m["sequence"].is_null())
        .collect();
    assert!(items.len() > 100, "{}", items.len());
    // Every fourth video item: enough formats, a few seconds.
    let picked: Vec<&Value> = items.iter().step_by(4).copied().collect();
    let paths: Vec<&str> = picked.iter().map(|m| m["path"].as_str().unwrap()).collect();
    let (r, _) = info_json(&paths);
    let files = r["files"].as_array().unwrap();
    assert_eq!(files.len(), picked.len());
    for (m, f) in picked.iter().zip(files) {
        let streams = f["streams"].as_array().unwrap();
        let video = |s: &&Value| s["kind"] == "video";
        let v = streams
            .iter()
            .filter(video)
            .find(|s| s["cover"].is_null())
            .or_else(|| streams.iter().find(video))
            .unwrap_or_else(|| panic!("no video stream: {f}"));
        assert_eq!(v["width"], m["video"]["width"], "{}", m["path"]);
        assert_eq!(v["height"], m["video"]["height"], "{}", m["path"]);
        if m["video"]["fps"].is_number() {
            assert_eq!(v["fps"], m["video"]["fps"], "{}", m["path"]);
        }
        assert_eq!(f["duration_s"], m["duration_s"], "{}", m["path"]);
    }
}
