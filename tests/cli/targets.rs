//! Delivery targets, the programme runtime, the CO₂ estimate, `footprint.toml`
//! and `footprint targets`.

use crate::common::*;
use serde_json::Value;
use std::fs;

fn target<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no target {id}"))
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-30)
}

#[test]
fn runtime_option_sets_the_budgets() {
    let fx = fixtures();
    let r = audit_json(&["--runtime", "90m", "--no-hash", fx.to_str().unwrap()]);
    let total = r["summary"]["bytes"].as_u64().unwrap();
    let dcp = target(&r, "dcp");
    assert_eq!(dcp["runtime_s"], 5400.0);
    assert_eq!(dcp["runtime_source"], "--runtime");
    // 30 MB/s × 5400 s: the 162 GB of a 90-minute DCP.
    assert_eq!(dcp["budget_bytes"], 162_000_000_000u64);
    assert_eq!(dcp["actual_bytes"], total);
    let ratio = dcp["ratio"].as_f64().unwrap();
    assert!(close(ratio, total as f64 / 162e9, 1e-6), "{ratio}");
    // 48 Mbit/s × 5400 s.
    assert_eq!(target(&r, "bluray")["budget_bytes"], 32_400_000_000u64);
    // Clock forms agree.
    let r2 = audit_json(&["--runtime", "01:30:00", "--no-hash", fx.to_str().unwrap()]);
    assert_eq!(target(&r2, "dcp")["budget_bytes"], 162_000_000_000u64);
}

#[test]
fn runtime_defaults_to_the_dcp_composition_playlist() {
    // The fixture CPL's own Duration ÷ EditRate, read here independently.
    let cpl = fs::read_dir(fixtures().join("dcp/DEMO_FTR"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            fs::read_to_string(p)
                .map(|t| t.contains("CompositionPlaylist"))
                .unwrap_or(false)
        })
        .expect("a CPL in the fixture DCP");
    let text = fs::read_to_string(cpl).unwrap();
    let between = |tag: &str| -> String {
        let open = format!("<{tag}>");
        let start = text.find(&open).unwrap() + open.len();
        text[start..start + text[start..].find('<').unwrap()].to_string()
    };
    let frames: f64 = between("Duration").trim().parse().unwrap();
    let rate: Vec<f64> = between("EditRate")
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    let seconds = frames * rate[1] / rate[0];

    let fx = fixtures();
    let r = audit_json(&["--no-hash", fx.to_str().unwrap()]);
    let ids: Vec<&str> = r["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["bluray", "dcp"], "default targets, in order");
    let dcp = target(&r, "dcp");
    assert_eq!(dcp["runtime_source"], "cpl");
    assert!(close(dcp["runtime_s"].as_f64().unwrap(), seconds, 1e-9));
    assert_eq!(
        dcp["budget_bytes"].as_f64().unwrap(),
        (30e6 * seconds).round()
    );
    assert_eq!(r["stages"]["targets"], "done");
    assert_eq!(r["stages"]["co2"], "done");
}

#[test]
fn rushes_without_a_runtime_are_described_not_weighed_against_a_disc() {
    if !has("ffmpeg") {
        eprintln!("ffmpeg not installed: runtime rules not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    compliant_h264(&dir.path().join("A001C001.mp4"));
    compliant_h264(&dir.path().join("A001C002.mp4"));
    let root = dir.path().to_str().unwrap();
    // No --runtime, no config, no CPL: no target is weighed.
    let r = audit_json(&["--no-hash", root]);
    assert!(r["targets"].as_array().unwrap().is_empty());
    assert_eq!(r["stages"]["targets"], "skipped");
    let out = footprint()
        .args(["audit", "-q", "--no-hash", root])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap();
    assert!(
        first.contains(" of video in 2 clips, ") && first.ends_with(" per hour."),
        "{first}"
    );
    assert!(!first.contains("Blu-ray"), "{first}");
    assert!(text.contains("give --runtime 52m"), "{text}");
    // With a runtime, the budgets scale with it.
    let r = audit_json(&[
        "--no-hash",
        "--runtime",
        "52m",
        "--target",
        "web-1080p",
        root,
    ]);
    let t = target(&r, "web-1080p");
    assert_eq!(t["runtime_source"], "--runtime");
    assert_eq!(t["runtime_s"], 3120.0);
    // 8.384 Mbit/s = 1.048 MB per second.
    assert_eq!(t["budget_bytes"].as_f64().unwrap(), 1_048_000.0 * 3120.0);
}

#[test]
fn unknown_target_and_bad_runtime_are_usage_errors() {
    let fx = fixtures();
    let out = footprint()
        .args(["audit", "--target", "vhs", fx.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("vhs") && err.contains("bluray") && err.contains("dcp"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let out = footprint()
        .args(["audit", "--runtime", "soon", fx.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("soon"));
    // A bare number is never guessed: minutes and seconds are both plausible.
    let out = footprint()
        .args(["audit", "--runtime", "52", fx.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("write 52m for minutes, 52s for seconds, or 00:52:00"),
        "{err}"
    );
}

#[test]
fn co2_follows_grid_copies_years_and_medium() {
    let fx = fixtures();
    let root = fx.to_str().unwrap();
    let co2 = |extra: &[&str]| -> Value {
        let mut args = vec!["--no-hash", root];
        args.extend_from_slice(extra);
        audit_json(&args)["co2"].clone()
    };
    let c = |v: &Value, k: &str| v[k]["central"].as_f64().unwrap();
    let fr = co2(&[]);
    let a = &fr["assumptions"];
    assert_eq!(a["grid_zone"], "fr");
    assert_eq!(a["grid_kg_per_kwh"], 0.0461);
    assert_eq!(a["medium"], "hdd");
    assert_eq!(a["copies"], 3);
    assert_eq!(a["years"], 5.0);
    assert!(fr["sources"].as_array().unwrap().len() >= 3);
    for k in [
        "kg_per_year",
        "operational_kg_per_year",
        "embodied_kg_per_year",
    ] {
        let (lo, mid, hi) = (
            fr[k]["low"].as_f64().unwrap(),
            c(&fr, k),
            fr[k]["high"].as_f64().unwrap(),
        );
        assert!(0.0 < lo && lo < mid && mid < hi, "{k}: {lo} {mid} {hi}");
    }
    // Total = operational + embodied; per-TB figure × TB × copies.
    assert!(close(
        c(&fr, "kg_per_year"),
        c(&fr, "operational_kg_per_year") + c(&fr, "embodied_kg_per_year"),
        1e-9
    ));
    let tb = audit_json(&["--no-hash", root])["summary"]["bytes"]
        .as_f64()
        .unwrap()
        / 1e12;
    let per_tb = a["per_tb_copy_year"]["central"].as_f64().unwrap();
    assert!(close(c(&fr, "kg_per_year"), per_tb * tb * 3.0, 1e-6));
    assert!(close(c(&fr, "kg_total"), c(&fr, "kg_per_year") * 5.0, 1e-9));
    // A dirtier grid scales operational only.
    let de = co2(&["--grid", "de"]);
    assert!(close(
        c(&de, "operational_kg_per_year") / c(&fr, "operational_kg_per_year"),
        0.342 / 0.0461,
        1e-6
    ));
    assert!(close(
        c(&de, "embodied_kg_per_year"),
        c(&fr, "embodied_kg_per_year"),
        1e-9
    ));
    let custom = co2(&["--grid", "0.1"]);
    assert_eq!(custom["assumptions"]["grid_kg_per_kwh"], 0.1);
    assert_eq!(custom["assumptions"]["grid_zone"], "custom");
    // Copies scale everything; years scale the total.
    let one = co2(&["--copies", "1", "--years", "2"]);
    assert!(close(
        c(&fr, "kg_per_year") / c(&one, "kg_per_year"),
        3.0,
        1e-9
    ));
    assert!(close(
        c(&one, "kg_total"),
        c(&one, "kg_per_year") * 2.0,
        1e-9
    ));
    // Tape on a shelf draws no power.
    let lto = co2(&["--medium", "lto"]);
    for end in ["central", "low", "high"] {
        assert_eq!(lto["operational_kg_per_year"][end], 0.0);
    }
    assert!(c(&lto, "embodied_kg_per_year") > 0.0);
}

#[test]
fn bad_co2_options_are_usage_errors() {
    let fx = fixtures();
    for args in [
        ["--grid", "mars"],
        ["--copies", "0"],
        ["--years", "-1"],
        ["--medium", "floppy"],
    ] {
        let out = footprint()
            .arg("audit")
            .args(args)
            .arg(&fx)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn table_headline_compares_with_the_targets() {
    let fx = fixtures();
    let out = footprint()
        .args(["audit", "--no-hash", "--runtime", "30m"])
        .arg(&fx)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("This project weighs "), "{first}");
    assert!(
        first.contains("a Blu-ray") && first.contains("its DCP"),
        "{first}"
    );
    assert!(text.contains("Runtime 30:00 (from --runtime)"), "{text}");
    assert!(text.contains("dcp 54.0 GB"), "{text}");
    assert!(text.contains("CO"), "a CO₂ section: {text}");
    assert!(text.contains("allocated share"), "{text}");
}

#[test]
fn config_file_in_the_root_is_used_and_options_win() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.txt"), vec![b'x'; 1000]).unwrap();
    fs::write(
        dir.path().join("footprint.toml"),
        r#"runtime = "45m"
targets = ["festival", "dcp"]
[co2]
grid = "be"
copies = 2
[[target]]
id = "festival"
name = "Festival screener"
budget_bit_rate = 20000000
sources = ["festival rules 2026"]
"#,
    )
    .unwrap();
    let root = dir.path().to_str().unwrap();
    let r = audit_json(&[root]);
    let fest = target(&r, "festival");
    assert_eq!(fest["runtime_source"], "config");
    assert_eq!(fest["runtime_s"], 2700.0);
    assert_eq!(fest["budget_bytes"], 6_750_000_000u64);
    assert_eq!(r["targets"].as_array().unwrap().len(), 2);
    assert_eq!(r["co2"]["assumptions"]["grid_zone"], "be");
    assert_eq!(r["co2"]["assumptions"]["copies"], 2);
    // Options beat the file.
    let r = audit_json(&[
        "--runtime",
        "10m",
        "--grid",
        "uk",
        "--target",
        "bluray",
        root,
    ]);
    assert_eq!(target(&r, "bluray")["runtime_source"], "--runtime");
    assert_eq!(r["targets"].as_array().unwrap().len(), 1);
    assert_eq!(r["co2"]["assumptions"]["grid_zone"], "uk");
    // `footprint targets` lists the custom one after the built-ins.
    let out = footprint()
        .args(["targets", "--format", "json", "--config"])
        .arg(dir.path().join("footprint.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let list = parse_one_document(&out.stdout);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.last(), Some(&"festival"));
    assert!(ids.contains(&"dcp") && ids.contains(&"bluray") && ids.contains(&"uhd-bluray"));
}

#[test]
fn a_bad_config_file_is_a_usage_error_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("footprint.toml"),
        "runtime = \"90m\"\n\n[co2]\ncopys = 3\n",
    )
    .unwrap();
    let out = footprint().arg("audit").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("footprint.toml") && err.contains("line 4") && err.contains("copys"),
        "{err}"
    );
    let out = footprint()
        .args(["audit", "--config", "/nonexistent/footprint.toml"])
        .arg(fixtures())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn targets_lists_every_builtin_with_sources() {
    let out = footprint()
        .args(["targets", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let list = parse_one_document(&out.stdout);
    for t in list.as_array().unwrap() {
        assert!(!t["sources"].as_array().unwrap().is_empty(), "{t}");
        assert!(t["budget_bit_rate"].as_u64().unwrap() > 0);
    }
    let out = footprint().arg("targets").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for id in ["dcp", "bluray", "uhd-bluray", "broadcast-hd", "web-1080p"] {
        assert!(text.contains(id), "{id} in {text}");
    }
    assert!(text.contains("240.0 Mbit/s"), "{text}");
}
