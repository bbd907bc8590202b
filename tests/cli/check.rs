//! `footprint check`: the CI gate for delivery folders.

use crate::common::*;
use serde_json::Value;
use std::fs;

fn check(args: &[&str]) -> (i32, Value) {
    let out = footprint()
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    (out.status.code().unwrap(), parse_one_document(&out.stdout))
}

fn rule<'a>(deliverable: &'a Value, name: &str) -> &'a Value {
    deliverable["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == name)
        .unwrap_or_else(|| panic!("no rule {name} in {deliverable}"))
}

#[test]
fn check_passes_a_compliant_file_and_fails_a_heavy_one() {
    if !has("ffmpeg") {
        eprintln!("ffmpeg not installed: check rules not exercised");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("ok");
    fs::create_dir(&ok).unwrap();
    compliant_h264(&ok.join("feature.m2ts"));
    let (code, r) = check(&[ok.to_str().unwrap(), "--target", "bluray"]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["passed"], true);
    assert_eq!(r["target"]["id"], "bluray");
    let d = &r["deliverables"][0];
    assert_eq!(d["kind"], "video");
    for name in [
        "size_budget",
        "video_bit_rate",
        "video_codec",
        "resolution",
        "frame_rate",
        "audio_codec",
    ] {
        assert_eq!(rule(d, name)["status"], "pass", "{name}: {d}");
    }
    assert!(
        rule(d, "resolution")["measured"]
            .as_str()
            .unwrap()
            .contains("1920x1080")
    );

    // The same file is not a DCP: wrong codec and audio.
    let (code, r) = check(&[ok.to_str().unwrap(), "--target", "dcp"]);
    assert_eq!(code, 1);
    let d = &r["deliverables"][0];
    assert_eq!(rule(d, "video_codec")["status"], "fail");
    assert_eq!(rule(d, "audio_codec")["status"], "fail");
    assert_eq!(rule(d, "resolution")["status"], "pass");

    // Add a lossless noise file: the folder fails on its bit rate only.
    noisy_h264(&ok.join("noise.mp4"));
    let (code, r) = check(&[ok.to_str().unwrap(), "--target", "bluray"]);
    assert_eq!(code, 1);
    assert_eq!(r["passed"], false);
    let ds = r["deliverables"].as_array().unwrap();
    assert_eq!(ds.len(), 2);
    assert!(
        ds[0]["path"].as_str().unwrap().ends_with("feature.m2ts"),
        "sorted"
    );
    assert_eq!(ds[0]["passed"], true);
    let noise = &ds[1];
    assert_eq!(noise["passed"], false);
    assert_eq!(rule(noise, "video_bit_rate")["status"], "fail");
    assert_eq!(rule(noise, "size_budget")["status"], "fail");
    assert_eq!(rule(noise, "video_codec")["status"], "pass");
}

#[test]
fn check_rejects_the_toy_fixture_dcp_as_a_lab_would() {
    // The bundled DCP is a 0.5 s, 256x108 toy: its package is consistent,
    // its streams are DCP streams, but no cinema would take it.
    let dcp = fixtures().join("dcp");
    let (code, r) = check(&[dcp.to_str().unwrap(), "--target", "dcp", "--verify"]);
    assert_eq!(code, 1, "{r}");
    let d = &r["deliverables"][0];
    assert_eq!(d["kind"], "dcp");
    assert!(d["path"].as_str().unwrap().ends_with("DEMO_FTR"));
    let failed: Vec<&str> = d["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["status"] == "fail")
        .map(|x| x["rule"].as_str().unwrap())
        .collect();
    if !has("ffprobe") {
        assert!(failed.contains(&"reel_duration"), "{d}");
        return;
    }
    assert_eq!(failed, ["reel_duration", "picture"], "{d}");
    assert!(
        rule(d, "picture")["measured"]
            .as_str()
            .unwrap()
            .contains("256x108 is not a DCI container")
    );
    for ok in [
        "assetmap",
        "pkl",
        "pkl_assets",
        "pkl_hashes",
        "cpl",
        "cpl_assets",
        "edit_rates",
        "sound",
    ] {
        assert_eq!(rule(d, ok)["status"], "pass", "{ok}: {d}");
    }
    assert_eq!(rule(d, "video_codec")["measured"], "jpeg2000");
    assert_eq!(rule(d, "audio_codec")["status"], "pass");
    // The package's bytes are all its files.
    let bytes: u64 = fs::read_dir(fixtures().join("dcp/DEMO_FTR"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert_eq!(d["bytes"], bytes);
}

#[test]
fn check_fails_an_empty_folder_and_rejects_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("readme.txt"), "no video here").unwrap();
    let (code, r) = check(&[dir.path().to_str().unwrap(), "--target", "bluray"]);
    assert_eq!(code, 1);
    assert_eq!(r["passed"], false);
    assert!(r["deliverables"].as_array().unwrap().is_empty());
    let out = footprint()
        .args(["check", "/nonexistent/delivery", "--target", "bluray"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/delivery"));
    let out = footprint()
        .arg("check")
        .arg(dir.path())
        .args(["--target", "vhs"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // --target is required.
    let out = footprint().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_junit_is_well_formed_and_escapes_names() {
    if !has("ffmpeg") {
        eprintln!("ffmpeg not installed: JUnit output not exercised");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    noisy_h264(&dir.path().join("a<b>&\"c\".mp4"));
    let report = dir.path().join("junit.xml");
    let out = footprint()
        .arg("check")
        .arg(dir.path())
        .args(["--target", "bluray", "--format", "junit", "-o"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "-o writes the file, not stdout");
    let xml = fs::read_to_string(&report).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    // One test case per rule of the one deliverable.
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let failed: Vec<_> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .collect();
    assert_eq!(
        suite.attribute("tests"),
        Some(cases.len().to_string().as_str())
    );
    assert_eq!(
        suite.attribute("failures"),
        Some(failed.len().to_string().as_str())
    );
    for c in &cases {
        assert!(
            c.attribute("classname")
                .unwrap()
                .ends_with("a<b>&\"c\".mp4")
        );
    }
    let names: Vec<&str> = failed
        .iter()
        .map(|c| c.attribute("name").unwrap())
        .collect();
    assert!(
        names.contains(&"video_bit_rate") && names.contains(&"size_budget"),
        "{names:?}"
    );
    assert!(!names.contains(&"video_codec"));
}

#[test]
fn the_ci_examples_in_the_docs_parse() {
    use clap::Parser;
    let doc = include_str!("../../docs/TARGETS.md");
    let lines: Vec<&str> = doc
        .lines()
        .map(|l| {
            l.trim()
                .trim_start_matches("- run: ")
                .trim_start_matches("- ")
        })
        .filter(|l| l.starts_with("footprint check ") && !l.contains('['))
        .collect();
    assert!(lines.len() >= 2, "{lines:?}");
    for line in lines {
        let cli = footprint::app::cli::Cli::try_parse_from(line.split_whitespace());
        assert!(cli.is_ok(), "{line}: {}", cli.err().unwrap());
    }
}

#[test]
fn bluray_formats_are_whole_combinations_of_codec_profile_level_size_rate_and_scan() {
    if !has("ffmpeg") || !has("ffprobe") {
        eprintln!("ffmpeg not installed: Blu-ray formats not exercised");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    // One second of 1080-line H.264 with AC-3 at 48 kHz, at `rate`, with
    // these encoder and muxer options.
    let clip = |name: &str, rate: &str, opts: &[&str]| -> String {
        let path = t.path().join(name).to_str().unwrap().to_string();
        let src = format!("testsrc2=size=1920x1080:rate={rate}");
        let mut args = vec!["-f", "lavfi", "-i", &src];
        args.extend(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]);
        args.extend([
            "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "ac3",
        ]);
        args.extend(opts);
        args.push(&path);
        ffmpeg(&args);
        path
    };
    let high41 = ["-profile:v", "high", "-level", "4.1"];
    // 1080p23.976 High@4.1, 12 Mbit/s, AC-3, in a BDAV M2TS: a Blu-ray format.
    let m2ts = [
        "-b:v", "12M", "-maxrate", "12M", "-bufsize", "12M", "-f", "mpegts",
    ];
    let feature = clip(
        "feature.m2ts",
        "24000/1001",
        &[&high41[..], &m2ts[..], &["-mpegts_m2ts_mode", "1"]].concat(),
    );
    // 1080p25 Constrained Baseline: neither the profile nor 25p is Blu-ray.
    let baseline = clip("baseline25.mp4", "25", &["-profile:v", "baseline"]);
    // 1080p25 High: the right profile, but 25 frames a second at 1080 lines
    // must be interlaced on a Blu-ray.
    let p25 = clip("high25p.mp4", "25", &high41);

    let (code, r) = check(&[&feature, "--target", "bluray"]);
    assert_eq!(code, 0, "{r}");
    let f = &r["deliverables"][0];
    assert_eq!(rule(f, "format")["status"], "pass");
    assert_eq!(
        rule(f, "format")["measured"],
        "h264 High L4.1 1920x1080 23.976p"
    );
    // Numbers with a unit in JSON, for CI scripts; human units in the table.
    let sr = rule(f, "audio_sample_rate");
    assert_eq!(sr["measured"], serde_json::json!([48000.0]));
    assert_eq!(sr["limit"], serde_json::json!([48000.0, 96000.0, 192000.0]));
    assert_eq!(sr["unit"], "Hz");
    let size = rule(f, "size_budget");
    assert_eq!(size["unit"], "bytes");
    assert_eq!(
        size["measured"].as_f64().unwrap(),
        f["bytes"].as_f64().unwrap()
    );
    let budget = size["limit"].as_f64().unwrap();
    let expected = 48e6 / 8.0 * f["duration_s"].as_f64().unwrap();
    assert!((budget - expected).abs() <= 1.0, "{budget} vs {expected}");
    let rate = rule(f, "video_bit_rate");
    assert_eq!(rate["unit"], "bit/s");
    assert_eq!(rate["limit"].as_f64(), Some(40e6));
    assert!(rate["measured"].as_f64().unwrap() > 1e6);
    assert_eq!(
        rule(f, "frame_rate")["measured"].as_f64(),
        Some(24000.0 / 1001.0)
    );
    assert!(rule(f, "video_codec").get("unit").is_none());
    let table = footprint()
        .args(["check", "-q", "--target", "bluray", &feature])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains(" MB (limit "), "{table}");
    assert!(table.contains("Mbit/s for 1.0 s"), "{table}");

    for (file, why) in [(&baseline, "Constrained Baseline"), (&p25, "25.000p")] {
        let (code, r) = check(&[file, "--target", "bluray"]);
        assert_eq!(code, 1, "{r}");
        let f = &r["deliverables"][0];
        let format = rule(f, "format");
        assert_eq!(format["status"], "fail", "{f}");
        assert!(
            format["measured"].as_str().unwrap().contains(why),
            "{format}"
        );
        // Everything else about them is fine: the format rule alone fails.
        let failed: Vec<&Value> = f["rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["status"] == "fail")
            .collect();
        assert_eq!(failed.len(), 1, "{f}");
    }
}

#[test]
fn footprint_toml_gives_a_target_per_path() {
    if !has("ffmpeg") {
        eprintln!("ffmpeg not installed: per-path targets not exercised");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    fs::create_dir_all(root.join("disc")).unwrap();
    fs::create_dir_all(root.join("web")).unwrap();
    fs::create_dir_all(root.join("extras")).unwrap();
    compliant_h264(&root.join("disc/feature.m2ts"));
    compliant_h264(&root.join("web/feature.m2ts"));
    compliant_h264(&root.join("extras/teaser.m2ts"));
    fs::write(
        root.join("footprint.toml"),
        "[[check.rule]]\npath = \"web/**\"\ntarget = \"web-1080p\"\n\n[[check.rule]]\npath = \"disc/*.m2ts\"\ntarget = \"bluray\"\n",
    )
    .unwrap();
    let target_of = |r: &Value, name: &str| -> String {
        let d = r["deliverables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"].as_str().unwrap().ends_with(name))
            .unwrap();
        d["target"].as_str().unwrap().to_string()
    };
    // With --target: the rules win where they match, --target elsewhere.
    let (_, r) = check(&[root.to_str().unwrap(), "--target", "dcp"]);
    assert_eq!(target_of(&r, "disc/feature.m2ts"), "bluray");
    assert_eq!(target_of(&r, "web/feature.m2ts"), "web-1080p");
    assert_eq!(target_of(&r, "extras/teaser.m2ts"), "dcp");
    assert_eq!(r["target"]["id"], "dcp");
    // Without --target, a path no rule matches fails on its own `target` rule.
    let (code, r) = check(&[root.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(r["target"], Value::Null);
    let extras = r["deliverables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with("teaser.m2ts"))
        .unwrap();
    assert_eq!(rule(extras, "target")["status"], "fail");
    let disc = r["deliverables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with("disc/feature.m2ts"))
        .unwrap();
    assert_eq!(disc["passed"], true, "{disc}");
    // Neither --target nor rules: a usage error.
    fs::remove_file(root.join("footprint.toml")).unwrap();
    let out = footprint().arg("check").arg(root).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[[check.rule]]"));
}

#[test]
fn uhd_broadcast_and_web_targets_check_their_formats() {
    if !has("ffmpeg") || !has("ffprobe") {
        eprintln!("ffmpeg not installed: formats not exercised");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let make = |name: &str, src: &str, opts: &[&str]| -> String {
        let path = t.path().join(name).to_str().unwrap().to_string();
        let mut args = vec![
            "-f",
            "lavfi",
            "-i",
            src,
            "-f",
            "lavfi",
            "-i",
            "sine=sample_rate=48000",
        ];
        args.extend(opts);
        args.push(&path);
        ffmpeg(&args);
        path
    };
    // XDCAM HD422: MPEG-2 4:2:2, 1080i25, 50 Mbit/s CBR, 24-bit PCM, MXF.
    let xdcam = make(
        "xdcam.mxf",
        "testsrc2=size=1920x1080:rate=25",
        &[
            "-t",
            "1",
            "-c:v",
            "mpeg2video",
            "-profile:v",
            "0",
            "-pix_fmt",
            "yuv422p",
            "-flags",
            "+ildct+ilme",
            "-top",
            "1",
            "-b:v",
            "50M",
            "-minrate",
            "50M",
            "-maxrate",
            "50M",
            "-bufsize",
            "17825792",
            "-c:a",
            "pcm_s24le",
        ],
    );
    // UHD Blu-ray: HEVC Main 10, 2160p23.976.
    let uhd = make(
        "uhd.m2ts",
        "testsrc2=size=3840x2160:rate=24000/1001",
        &[
            "-t",
            "0.5",
            "-c:v",
            "libx265",
            "-preset",
            "ultrafast",
            "-profile:v",
            "main10",
            "-pix_fmt",
            "yuv420p10le",
            "-x265-params",
            "log-level=error",
            "-c:a",
            "ac3",
            "-f",
            "mpegts",
            "-mpegts_m2ts_mode",
            "1",
        ],
    );
    // Web: H.264 High 1080p25, AAC.
    let web = make(
        "web.mp4",
        "testsrc2=size=1920x1080:rate=25",
        &[
            "-t",
            "1",
            "-c:v",
            "libx264",
            "-profile:v",
            "high",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
        ],
    );
    let verdict = |file: &str, target: &str| -> (i32, String) {
        let (code, r) = check(&[file, "--target", target]);
        let d = &r["deliverables"][0];
        (
            code,
            rule(d, "format")["measured"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(
        verdict(&xdcam, "broadcast-hd"),
        (0, "mpeg2video 4:2:2 level 2 1920x1080 25.000i".into())
    );
    assert_eq!(verdict(&uhd, "uhd-bluray").0, 0);
    assert_eq!(verdict(&web, "web-1080p").0, 0);
    // Each is wrong for the others: interlaced MPEG-2 is no web upload,
    // 1080p25 H.264 no broadcast master, a UHD stream no HD Blu-ray.
    assert_eq!(verdict(&xdcam, "web-1080p").0, 1);
    assert_eq!(verdict(&web, "broadcast-hd").0, 1);
    assert_eq!(verdict(&uhd, "bluray").0, 1);
}

#[test]
fn every_help_example_parses() {
    use clap::{CommandFactory, Parser};
    let cli = footprint::app::cli::Cli::command();
    let mut examples = Vec::new();
    for sub in cli.get_subcommands() {
        let help = sub
            .get_after_long_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        for line in help.lines() {
            // `footprint cache prune      # forget …`: the command before the comment.
            let cmd = line.split('#').next().unwrap().trim();
            if cmd.starts_with("footprint ") {
                examples.push(cmd.to_string());
            }
        }
    }
    assert!(examples.len() >= 12, "{examples:?}");
    for line in &examples {
        let words: Vec<String> = line
            .split_whitespace()
            .map(|w| w.trim_matches('\'').to_string())
            .collect();
        let parsed = footprint::app::cli::Cli::try_parse_from(&words);
        assert!(parsed.is_ok(), "{line}: {}", parsed.err().unwrap());
    }
}
