//! The bundled fixtures, checked against independent tools: du, find, ffprobe, mediainfo.

use crate::common::*;
use serde_json::Value;
use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::process::Command as Std;

fn fixtures_report() -> Value {
    audit_json(&[fixtures().to_str().unwrap()])
}

#[test]
fn totals_match_an_independent_walk_and_du() {
    let r = fixtures_report();
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["tool"]["name"], "footprint");
    let (mut files, mut bytes, mut seen) = (0u64, 0u64, HashSet::new());
    let mut dir_bytes = 0u64;
    for e in walkdir::WalkDir::new(fixtures()) {
        let e = e.unwrap();
        let md = e.metadata().unwrap();
        if md.is_file() {
            files += 1;
            if seen.insert((md.dev(), md.ino())) {
                bytes += md.len();
            }
        } else if md.is_dir() {
            dir_bytes += md.len();
        }
    }
    assert_eq!(r["summary"]["files"], files);
    assert_eq!(r["summary"]["bytes"], bytes);
    // du --apparent-size counts directories too; summary.bytes = du − directory sizes.
    let du = Std::new("du")
        .args(["-s", "--apparent-size", "-B1"])
        .arg(fixtures())
        .output()
        .unwrap();
    let du_total: u64 = String::from_utf8(du.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        r["summary"]["bytes"].as_u64().unwrap(),
        du_total - dir_bytes
    );
    // by_kind partitions the totals.
    let kinds = r["by_kind"].as_object().unwrap();
    assert_eq!(kinds.len(), 9);
    let sum = |k: &str| kinds.values().map(|v| v[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("files"), files);
    assert_eq!(sum("bytes"), bytes);
}

#[test]
fn classification_uses_content_then_extension_then_location() {
    let r = fixtures_report();
    let k = &r["by_kind"];
    assert_eq!(
        k["image_sequence"]["files"], 27,
        "11 DPX + 10 EXR frames + 2 × 3 EXR in version folders"
    );
    assert_eq!(k["image"]["files"], 1, "the lone numbered PNG is a still");
    assert_eq!(k["dcp"]["files"], 4, "ASSETMAP + CPL + PKL + picture MXF");
    assert_eq!(
        k["cache"]["files"], 6,
        "Resolve, Premiere (cache + preview), After Effects, FCP render and proxy"
    );
    assert_eq!(
        k["project"]["files"], 4,
        "3 projects + the FCP event database"
    );
    // Media inside an FCP library's Original Media is media, not cache.
    assert_eq!(media(&r, "Original Media/D001C001.mov")["kind"], "video");
    assert_eq!(k["sidecar"]["files"], 3);
    assert_eq!(k["audio"]["files"], 1);
    // The MXF named .mp4 is read as MXF.
    let m = media(&r, "mislabelled_really_mxf.mp4");
    assert_eq!(m["kind"], "video");
    if has("ffprobe") {
        assert_eq!(m["container"], "mxf");
    }
}

#[test]
fn image_sequences_are_single_items_with_frame_ranges() {
    let r = fixtures_report();
    let dpx = media(&r, "scan/A001C003.%07d.dpx");
    assert_eq!(dpx["kind"], "image_sequence");
    let seq = &dpx["sequence"];
    assert_eq!(
        (seq["first"].as_u64(), seq["last"].as_u64()),
        (Some(86400), Some(86411))
    );
    let on_disk = std::fs::read_dir(fixtures().join("sequences/scan"))
        .unwrap()
        .count() as u64;
    assert_eq!(seq["frames"].as_u64(), Some(on_disk));
    assert_eq!(seq["missing"], serde_json::json!([86405]));
    assert_eq!(seq["fps_source"], "assumed");
    assert!((dpx["duration_s"].as_f64().unwrap() - on_disk as f64 / 24.0).abs() < 1e-9);
    let frame_bytes: u64 = std::fs::read_dir(fixtures().join("sequences/scan"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert_eq!(dpx["bytes"].as_u64(), Some(frame_bytes));

    let exr = media(&r, "comp/sh010_comp_v003.%04d.exr");
    assert_eq!(exr["sequence"]["frames"], 10);
    assert_eq!(
        exr["sequence"]["fps_source"], "header",
        "FFmpeg writes framesPerSecond in EXR"
    );
    assert!((exr["duration_s"].as_f64().unwrap() - 10.0 / 25.0).abs() < 1e-9);
    assert_eq!(r["summary"]["image_sequences"], 4);
}

#[test]
fn broken_media_is_listed_in_errors() {
    if !has("ffprobe") {
        eprintln!("ffprobe not installed: probe errors not checked");
        return;
    }
    let r = fixtures_report();
    let probe_errors: Vec<String> = errors_of(&r, "probe")
        .iter()
        .map(|e| {
            e["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        probe_errors,
        ["empty_render.mov", "fake_clip.mov", "truncated.mp4"]
    );
    for name in ["fake_clip.mov", "truncated.mp4"] {
        let m = media(&r, name);
        assert_eq!(m["probe"]["source"], "none");
        assert!(
            m["probe"]["error"].as_str().unwrap().contains("moov"),
            "{m}"
        );
    }
}

fn ffprobe_json(path: &str) -> Value {
    let out = Std::new("ffprobe")
        .args([
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
        ])
        .arg(format!("file:{path}"))
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_probed_file_matches_ffprobe() {
    if !has("ffprobe") {
        eprintln!("ffprobe not installed: cross-check skipped");
        return;
    }
    let r = fixtures_report();
    let mut checked = 0;
    for m in r["media"].as_array().unwrap() {
        if m["probe"]["source"] == "none" || m["kind"] == "image_sequence" {
            continue;
        }
        let ff = ffprobe_json(m["path"].as_str().unwrap());
        assert_eq!(m["container"], ff["format"]["format_name"]);
        let streams = ff["streams"].as_array().unwrap();
        let v = streams
            .iter()
            .find(|s| s["codec_type"] == "video")
            .unwrap_or(&Value::Null);
        if m["kind"] == "video" {
            assert_eq!(m["video"]["codec"], v["codec_name"], "{}", m["path"]);
            // A native reader may leave the profile and pixel format
            // unstated (it would have to decode to name them), never differ.
            let native = m["probe"]["source"] == "native";
            for key in ["profile", "pix_fmt"] {
                if !(native && m["video"][key].is_null()) {
                    assert_eq!(
                        m["video"][key],
                        v.get(key).cloned().unwrap_or(Value::Null),
                        "{key} of {}",
                        m["path"]
                    );
                }
            }
            assert_eq!(m["video"]["width"], v["width"]);
            assert_eq!(m["video"]["height"], v["height"]);
            // avg_frame_rate, else r_frame_rate when the average is 0/0 (a
            // DCP's picture MXF states no average), as docs/PROBE.md says.
            let rate = |key: &str| {
                let (n, d) = v[key].as_str().unwrap().split_once('/').unwrap();
                let (n, d) = (n.parse::<f64>().unwrap(), d.parse::<f64>().unwrap());
                (d > 0.0 && n > 0.0).then_some(n / d)
            };
            let fps = rate("avg_frame_rate")
                .or_else(|| rate("r_frame_rate"))
                .unwrap();
            assert!((m["video"]["fps"].as_f64().unwrap() - fps).abs() < 1e-9);
            let dur: f64 = ff["format"]["duration"].as_str().unwrap().parse().unwrap();
            assert!((m["duration_s"].as_f64().unwrap() - dur).abs() < 1e-6);
        }
        let audio: Vec<&Value> = streams
            .iter()
            .filter(|s| s["codec_type"] == "audio")
            .collect();
        assert_eq!(m["audio"].as_array().unwrap().len(), audio.len());
        for (ours, theirs) in m["audio"].as_array().unwrap().iter().zip(audio) {
            assert_eq!(ours["codec"], theirs["codec_name"]);
            assert_eq!(ours["channels"], theirs["channels"]);
            assert_eq!(
                ours["sample_rate"].as_u64().unwrap().to_string(),
                theirs["sample_rate"].as_str().unwrap()
            );
        }
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} files cross-checked");
}

#[test]
fn video_facts_match_mediainfo() {
    if !has("mediainfo") {
        eprintln!("mediainfo not installed: cross-check skipped");
        return;
    }
    let r = fixtures_report();
    let mut checked = 0;
    for m in r["media"].as_array().unwrap() {
        if m["kind"] != "video" || m["probe"]["source"] == "none" {
            continue;
        }
        let out = Std::new("mediainfo")
            .arg("--Output=JSON")
            .arg(m["path"].as_str().unwrap())
            .output()
            .unwrap();
        let mi: Value = serde_json::from_slice(&out.stdout).unwrap();
        let tracks = mi["media"]["track"].as_array().unwrap();
        let video = tracks.iter().find(|t| t["@type"] == "Video").unwrap();
        assert_eq!(
            video["Width"].as_str().unwrap(),
            m["video"]["width"].to_string(),
            "{}",
            m["path"]
        );
        assert_eq!(
            video["Height"].as_str().unwrap(),
            m["video"]["height"].to_string()
        );
        let general = tracks.iter().find(|t| t["@type"] == "General").unwrap();
        let mi_dur: f64 = general["Duration"].as_str().unwrap().parse().unwrap();
        // MediaInfo rounds durations to the millisecond and may take the longest stream.
        assert!(
            (m["duration_s"].as_f64().unwrap() - mi_dur).abs() < 0.05,
            "{} vs {mi_dur}",
            m["duration_s"]
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} files cross-checked");
}

#[test]
fn json_is_sorted_and_paths_are_absolute() {
    let r = fixtures_report();
    let paths: Vec<&str> = r["media"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert!(paths.iter().all(|p| p.starts_with('/')));
    assert!(r["roots"][0].as_str().unwrap().starts_with('/'));
}

#[test]
fn table_is_the_default_and_names_the_weight() {
    let out = footprint().arg("audit").arg(fixtures()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("This project weighs 3.") && text.contains(" MB: "),
        "{text}"
    );
    assert!(text.contains(" image sequence "), "{text}");
    assert!(text.contains("Heaviest folders"));
    assert!(
        !text.contains('\x1b'),
        "no color when stdout is not a terminal"
    );
    let forced = footprint()
        .args(["audit", "--color", "always"])
        .arg(fixtures())
        .output()
        .unwrap();
    assert!(String::from_utf8(forced.stdout).unwrap().contains('\x1b'));
}

#[test]
fn output_file_gets_the_report_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("audit.json");
    let out = footprint()
        .args(["audit", "--no-probe", "--format", "json", "-o"])
        .arg(&dest)
        .arg(fixtures())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let r = parse_one_document(&std::fs::read(&dest).unwrap());
    assert_eq!(r["stages"]["probe"], "skipped");
    assert!(
        r["media"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["probe"]["source"] == "none")
    );
    // Only the report itself: no temp file left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
