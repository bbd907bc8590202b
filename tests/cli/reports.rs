//! Reports for people: tables that fit, folders rolled up, paths relative.

use crate::common::*;

fn table(args: &[&str]) -> String {
    let out = footprint().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn tables_fit_the_width_asked_and_100_columns_off_a_terminal() {
    let root = fixtures();
    let root = root.to_str().unwrap();
    let piped = table(&["audit", root]);
    assert!(widest(&piped) <= 100, "{}", widest(&piped));
    let narrow = table(&["audit", "--width", "72", root]);
    assert!(widest(&narrow) <= 72, "{narrow}");
    // Cut paths keep both ends, so the file name is still there.
    assert!(narrow.contains('…'), "{narrow}");
    // No limit: one row per line, longer than 100 (the reasons are long).
    let wide = table(&["audit", "--width", "0", root]);
    assert!(widest(&wide) > 100, "{wide}");
    let row = wide
        .lines()
        .find(|l| l.contains("PROJX_cut_v03 (1).mp4"))
        .unwrap();
    assert!(
        row.contains("same content as media/exports/PROJX_cut_v03.mp4"),
        "{row}"
    );
}

#[test]
fn folders_roll_up_without_parent_child_repeats_and_follow_depth() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    // Scans holds only R1: one line, `Scans/R1`, never both at one size.
    write(r, "Scans/R1/a.dpx", &noise(1, 40_000));
    write(r, "Scans/R1/b.dpx", &noise(2, 40_000));
    write(r, "Edit/cut.mov", &noise(3, 30_000));
    write(r, "Edit/Day2/deep/x.mov", &noise(4, 20_000));
    let root = r.to_str().unwrap();
    let rep = audit_json(&["--no-probe", "--no-hash", "-q", root]);
    let folders: Vec<(String, u64)> = rep["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap();
            (
                p.strip_prefix(root).unwrap().to_string(),
                f["bytes"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        folders,
        vec![
            ("/Scans/R1".to_string(), 80_000),
            ("/Edit".to_string(), 50_000),
            ("/Edit/Day2".to_string(), 20_000),
        ]
    );
    let one = audit_json(&["--no-probe", "--no-hash", "-q", "--depth", "1", root]);
    let top: Vec<&str> = one["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().strip_prefix(root).unwrap())
        .collect();
    assert_eq!(top, ["/Scans", "/Edit"]);
    let text = table(&["audit", "--no-probe", "--no-hash", "-q", root]);
    assert!(text.contains(" Scans/R1 "), "{text}");
    assert!(!text.contains(" Scans "), "{text}");
    let zero = footprint()
        .args(["audit", "--depth", "0", root])
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2));
}

#[test]
fn largest_items_lists_each_path_once() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    // Versions with copies of themselves, a duplicate folder, a cache.
    let clip = noise(7, 50_000);
    write(r, "exports/PROJX_v01.mov", &clip);
    write(r, "old/PROJX_v01.mov", &clip);
    write(r, "exports/PROJX_v02.mov", &noise(8, 60_000));
    write(r, "cards/A001/C001.mov", &noise(9, 70_000));
    write(r, "shuttle/A001/C001.mov", &noise(9, 70_000));
    write(r, "cache/CacheClip/x.cache", &noise(10, 9_000));
    let text = table(&[
        "audit",
        "--no-probe",
        "-q",
        "--width",
        "0",
        r.to_str().unwrap(),
    ]);
    let rows: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("Largest items"))
        .skip(2)
        .take_while(|l| !l.starts_with('─'))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(rows.len() >= 3, "{text}");
    let mut unique = rows.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), rows.len(), "{text}");
    assert!(rows.contains(&"cache/CacheClip"), "{text}");
}

#[test]
fn csv_fills_category_columns_on_sequences_and_caches() {
    let csv = table(&[
        "audit",
        "-q",
        "--format",
        "csv",
        fixtures().to_str().unwrap(),
    ]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|c| *c == name).expect(name);
    // Fixture names hold no comma or quote: a plain split reads them.
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let row = |suffix: &str| {
        rows.iter()
            .find(|r| r[0].ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} in {csv}"))
    };
    // A versioned render folder: its sequence row is obsolete.
    let seq = row("renders/sh020/comp_v001/sh020_comp.%04d.exr");
    assert_eq!(seq[col("kind")], "image_sequence");
    assert_eq!(seq[col("obsolete")], "high");
    assert!(seq[col("obsolete_reason")].contains("comp_v002"), "{seq:?}");
    // Files inside cache folders name the application that rebuilds them.
    let cache = row("cache/CacheClip/cache_0001.mov");
    assert_eq!(cache[col("regenerable_by")], "DaVinci Resolve");
    let fcp = row("Render Files/High Quality Media/render_0001.mov");
    assert_eq!(fcp[col("regenerable_by")], "Final Cut Pro");
    // A copy names the copy kept.
    let copy = row("media/exports/PROJX_cut_v03 (1).mp4");
    assert!(copy[col("duplicate_of")].ends_with("media/exports/PROJX_cut_v03.mp4"));
    assert_eq!(copy[col("container")], "mp4");
    let mxf = row("media/camera/B002C004_dnxhr.mxf");
    assert_eq!(mxf[col("container")], "mxf");
    assert!(mxf[col("duplicate_of")].is_empty(), "the copy kept");
}

#[test]
fn footprint_timings_prints_each_stage_in_order_on_stderr_only() {
    let plain = footprint()
        .args(["audit", "-q", "--format", "json"])
        .arg(fixtures())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&plain.stderr).contains("timing"));
    let out = footprint()
        .env("FOOTPRINT_TIMINGS", "1")
        .args(["audit", "-q", "--format", "json"])
        .arg(fixtures())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    parse_one_document(&out.stdout);
    let err = String::from_utf8(out.stderr).unwrap();
    let marks: Vec<(f64, f64, String)> = err
        .lines()
        .filter_map(|l| l.strip_prefix("footprint: timing "))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let label = l.split(": ").nth(1).unwrap().to_string();
            (f[0].parse().unwrap(), f[3].parse().unwrap(), label)
        })
        .collect();
    let labels: Vec<&str> = marks.iter().map(|m| m.2.as_str()).collect();
    for stage in [
        "Walking",
        "Classifying",
        "Probing",
        "Hashing",
        "Weighing (waste)",
        "Rendering",
        "Done",
    ] {
        assert!(labels.contains(&stage), "{stage} missing: {labels:?}");
    }
    assert_eq!(labels.last(), Some(&"Done"));
    // Wall and CPU clocks only move forward.
    for w in marks.windows(2) {
        assert!(w[1].0 >= w[0].0 && w[1].1 >= w[0].1, "{err}");
    }
}
