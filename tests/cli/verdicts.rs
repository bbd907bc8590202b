//! Verdicts a DIT acts on: "safe to wipe" is earned, problems are never
//! hidden behind "No errors", `--fail-on` gates a script, overlapping roots
//! count each file once, the chain of custody is never reclaimed.

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A card of three clips and a shuttle holding an exact copy.
fn card_and_copy(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let card = dir.join("CARD");
    let shuttle = dir.join("SHUTTLE");
    for (i, name) in ["A001C001.mov", "A001C002.mov", "A001C003.mov"]
        .iter()
        .enumerate()
    {
        let bytes = noise(100 + i as u32, 20_000 + i * 1000);
        write(&card, &format!("A001/{name}"), &bytes);
        write(&shuttle, &format!("Day1/A001/{name}"), &bytes);
    }
    (card, shuttle)
}

fn run(args: &[&str]) -> (Option<i32>, Value, String) {
    let out = footprint()
        .args(["audit", "--format", "json", "--no-probe"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = if out.stdout.is_empty() {
        Value::Null
    } else {
        parse_one_document(&out.stdout)
    };
    (out.status.code(), report, stderr)
}

#[test]
fn a_verified_copy_is_safe_to_wipe_and_each_way_to_lose_it_says_why() {
    let t = tempfile::tempdir().unwrap();
    let (card, shuttle) = card_and_copy(t.path());
    let (c, s) = (card.to_str().unwrap(), shuttle.to_str().unwrap());

    let r = audit_json(&["--no-probe", c, s]);
    let v = copies_of(&r, &card);
    assert_eq!(v["safe_to_wipe"], true, "{v}");
    assert_eq!(v["verdict"], "yes");
    assert_eq!(v["bytes_unknown"], 0);

    // Not hashed: unknown, never yes.
    let r = audit_json(&["--no-probe", "--no-hash", c, s]);
    let v = copies_of(&r, &card);
    assert_eq!(v["safe_to_wipe"], Value::Null, "{v}");
    assert_eq!(v["verdict"], "unknown");
    assert!(v["reason"].as_str().unwrap().contains("--no-hash"), "{v}");
    assert_eq!(v["bytes_unknown"], v["bytes"]);
    assert_eq!(r["stages"]["copies"], "done");

    // A file hidden by --exclude: unknown.
    let r = audit_json(&["--no-probe", "--exclude", "A001C002.mov", c, s]);
    let v = copies_of(&r, &card);
    assert_eq!(v["verdict"], "unknown", "{v}");
    assert!(v["reason"].as_str().unwrap().contains("--exclude"), "{v}");

    // One clip exists only on the card: a sure no.
    write(&card, "A001/A001C004.mov", &noise(200, 5_000));
    let r = audit_json(&["--no-probe", c, s]);
    let v = copies_of(&r, &card);
    assert_eq!(v["safe_to_wipe"], false, "{v}");
    assert_eq!(v["verdict"], "no");
    assert_eq!(v["bytes_unique"], 5_000);
    fs::remove_file(card.join("A001/A001C004.mov")).unwrap();

    // An empty root is empty, never "safe".
    let empty = t.path().join("EMPTY");
    fs::create_dir(&empty).unwrap();
    let r = audit_json(&["--no-probe", c, empty.to_str().unwrap()]);
    let v = copies_of(&r, &empty);
    assert_eq!(v["verdict"], "empty", "{v}");
    assert_eq!(v["safe_to_wipe"], Value::Null);
    let table = footprint()
        .args(["audit", "--no-probe", c, empty.to_str().unwrap()])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("empty: nothing to wipe"), "{table}");
    assert!(!table.contains("yes: every"), "{table}");
}

#[test]
fn an_unreadable_file_makes_the_verdict_unknown() {
    let Some(mut cmd) = unprivileged() else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    fs::set_permissions(t.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let (card, shuttle) = card_and_copy(t.path());
    for d in [&card, &shuttle] {
        for e in walkdir::WalkDir::new(d) {
            let e = e.unwrap();
            let mode = if e.file_type().is_dir() { 0o755 } else { 0o644 };
            fs::set_permissions(e.path(), fs::Permissions::from_mode(mode)).unwrap();
        }
    }
    let locked = card.join("A001/A001C002.mov");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let out = cmd
        .args(["audit", "--format", "json", "--no-probe", "--no-cache"])
        .arg(&card)
        .arg(&shuttle)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r = parse_one_document(&out.stdout);
    let v = copies_of(&r, &card);
    assert_eq!(v["verdict"], "unknown", "{v}");
    assert_eq!(v["safe_to_wipe"], Value::Null);
    assert_eq!(v["bytes_unknown"], 21_000);
    assert!(v["reason"].as_str().unwrap().contains("could not be read"));
    // The shuttle's copy of that clip is the only one that was read: the
    // shuttle cannot be wiped either.
    assert_eq!(copies_of(&r, &shuttle)["safe_to_wipe"], false);
}

#[test]
fn nested_and_aliased_roots_count_every_file_once() {
    let edit = fixtures().join("media");
    let exports = edit.join("exports");
    let whole = audit_json(&["--no-probe", edit.to_str().unwrap()]);
    let t = tempfile::tempdir().unwrap();
    let alias = t.path().join("alias_of_media");
    std::os::unix::fs::symlink(&edit, &alias).unwrap();
    let r = audit_json(&[
        "--no-probe",
        edit.to_str().unwrap(),
        exports.to_str().unwrap(),
        alias.to_str().unwrap(),
    ]);
    assert_eq!(r["summary"]["files"], whole["summary"]["files"]);
    assert_eq!(r["summary"]["bytes"], whole["summary"]["bytes"]);
    assert_eq!(
        r["summary"]["obsolete_bytes"],
        whole["summary"]["obsolete_bytes"]
    );
    assert_eq!(r["versions"], whole["versions"]);
    assert_eq!(r["roots"].as_array().unwrap().len(), 1);
    // One root walked: no "bytes also elsewhere" for the same inodes.
    assert!(r["copies"].as_array().unwrap().is_empty());
    let folded = r["roots_folded"].as_array().unwrap();
    assert_eq!(folded.len(), 2, "{folded:?}");
    assert_eq!(folded[0]["root"], exports.to_str().unwrap());
    assert_eq!(folded[0]["into"], edit.to_str().unwrap());
    assert_eq!(folded[0]["overlap"], "inside");
    assert_eq!(folded[1]["root"], alias.to_str().unwrap());
    assert_eq!(folded[1]["overlap"], "same");
    let table = footprint()
        .args(["audit", "--no-probe", "--width", "0"])
        .args([&edit, &exports])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains(&format!(
            "Root {} is inside {}: its files are counted once, under it.",
            exports.display(),
            edit.display()
        )),
        "{table}"
    );
}

#[test]
fn a_sequence_gap_is_a_problem_in_every_format_and_fails_the_gaps_gate() {
    // The bundled DPX scan misses frame 0086405.
    let scan = fixtures().join("sequences/scan");
    let s = scan.to_str().unwrap();
    let (code, r, stderr) = run(&["--fail-on", "gaps", s]);
    assert_eq!(code, Some(1), "{stderr}");
    let gaps = errors_of(&r, "sequence_gap");
    assert_eq!(gaps.len(), 1, "{}", r["errors"]);
    assert!(
        gaps[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("A001C003.%07d.dpx")
    );
    assert_eq!(
        gaps[0]["error"], "1 frame missing of 86400–86411: 86405",
        "{}",
        gaps[0]
    );
    assert!(
        stderr.contains("1 image sequence has missing frames"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--fail-on tripped: gaps (1 problem); exit code 1"),
        "{stderr}"
    );

    // Other gates do not trip on it.
    let (code, ..) = run(&["--fail-on", "mhl,unreadable", s]);
    assert_eq!(code, Some(0));

    let table = footprint()
        .args(["audit", "--no-probe", s])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(!table.contains("No errors"), "{table}");
    assert!(
        table.contains("image sequence with missing frames"),
        "{table}"
    );
    assert!(table.contains("A001C003.%07d.dpx"), "{table}");

    let csv = footprint()
        .args(["audit", "--no-probe", "--format", "csv", s])
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&csv.stdout);
    assert!(csv.lines().next().unwrap().ends_with(",problem"));
    let row = csv
        .lines()
        .find(|l| l.contains("A001C003.%07d.dpx"))
        .unwrap();
    assert!(
        row.ends_with("sequence_gap: 1 frame missing of 86400–86411: 86405"),
        "{row}"
    );

    let html = footprint()
        .args(["audit", "--no-probe", "--format", "html", s])
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&html.stdout);
    assert!(html.contains("1 image sequence has missing frames"));
}

#[test]
fn mhl_failures_are_errors_and_fail_the_mhl_gate() {
    let Some(tool) = ascmhl() else {
        eprintln!("ascmhl not installed: MHL gate not exercised");
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let (card, shuttle) = card_and_copy(t.path());
    let copy = shuttle.join("Day1/A001");
    let ok = std::process::Command::new(&tool)
        .args(["create", "-h", "xxh64"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let (c, s) = (card.to_str().unwrap(), shuttle.to_str().unwrap());

    // Intact: exit 0, nothing to report.
    let (code, r, stderr) = run(&["--verify-mhl", "--fail-on", "mhl", c, s]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(errors_of(&r, "mhl_changed").is_empty());

    // One clip changed, one missing on the shuttle.
    let mut bytes = fs::read(copy.join("A001C001.mov")).unwrap();
    bytes[100] ^= 1;
    fs::write(copy.join("A001C001.mov"), bytes).unwrap();
    fs::remove_file(copy.join("A001C003.mov")).unwrap();
    let (code, r, stderr) = run(&["--verify-mhl", "--fail-on", "mhl", c, s]);
    assert_eq!(code, Some(1), "{stderr}");
    let changed = errors_of(&r, "mhl_changed");
    let missing = errors_of(&r, "mhl_missing");
    assert_eq!(changed.len(), 1, "{}", r["errors"]);
    assert_eq!(missing.len(), 1, "{}", r["errors"]);
    assert!(
        changed[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("A001C001.mov")
    );
    assert!(changed[0]["error"].as_str().unwrap().contains("xxh64"));
    assert!(
        missing[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("A001C003.mov")
    );
    assert!(
        stderr.contains("--fail-on tripped: mhl (2 problems)"),
        "{stderr}"
    );
    // Without the gate the audit still completes with exit 0, and says so.
    let out = footprint()
        .args(["audit", "--no-probe", "--verify-mhl", c, s])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(!table.contains("No errors"), "{table}");
    assert!(table.contains("differs from its ASC MHL record"), "{table}");
    // The card lost its only verified copy of A001C003: not safe to wipe.
    assert_eq!(copies_of(&r, &card)["safe_to_wipe"], false);
}

#[test]
fn fail_on_rejects_unknown_kinds_with_a_usage_error() {
    let out = footprint()
        .args(["audit", "--fail-on", "mhl,typo"])
        .arg(fixtures())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("typo"), "{stderr}");
    assert!(stderr.contains("at-risk"), "{stderr}");
}

#[test]
fn clip_folders_below_the_copies_policy_fail_the_at_risk_gate() {
    let t = tempfile::tempdir().unwrap();
    let (card, shuttle) = card_and_copy(t.path());
    let (c, s) = (card.to_str().unwrap(), shuttle.to_str().unwrap());
    // Two copies, policy 2: fine.
    let (code, r, _) = run(&["--copies", "2", "--fail-on", "at-risk", c, s]);
    assert_eq!(code, Some(0), "{}", r["errors"]);
    // Policy 3: both A001 folders have 2 copies, one short.
    let (code, r, stderr) = run(&["--copies", "3", "--fail-on", "at-risk", c, s]);
    assert_eq!(code, Some(1));
    let risk = errors_of(&r, "at_risk");
    assert_eq!(risk.len(), 2, "{}", r["errors"]);
    assert!(risk[0]["error"].as_str().unwrap().contains("2 copies"));
    assert!(
        stderr.contains("2 clip folders have fewer copies than --copies"),
        "{stderr}"
    );
    let clips = r["clip_copies"].as_array().unwrap();
    assert!(clips.iter().all(|c| c["status"] == "under"), "{clips:?}");
}

#[test]
fn the_chain_of_custody_is_never_a_reclaim_candidate() {
    let t = tempfile::tempdir().unwrap();
    let (card, shuttle) = card_and_copy(t.path());
    // Identical histories and checksum lists on both copies.
    for d in [card.join("A001"), shuttle.join("Day1/A001")] {
        write(
            &d,
            "ascmhl/0001_A001_2026-12-01_100000Z.mhl",
            b"<hashlist/>\n",
        );
        write(&d, "ascmhl/ascmhl_chain.xml", b"<ascmhldirectory/>\n");
        write(&d, "A001.md5", b"0123 A001C001.mov\n");
        write(&d, "A001.xxhash", b"abcd A001C001.mov\n");
    }
    let list = t.path().join("candidates.txt");
    let r = audit_json(&[
        "--no-probe",
        "--export-list",
        list.to_str().unwrap(),
        card.to_str().unwrap(),
        shuttle.to_str().unwrap(),
    ]);
    // They are duplicates (the report says so) but never candidates.
    let groups = r["duplicates"].as_array().unwrap();
    assert!(groups.iter().any(|g| {
        g["paths"][0]
            .as_str()
            .unwrap()
            .ends_with("ascmhl_chain.xml")
    }));
    let listed = fs::read_to_string(&list).unwrap();
    assert!(!listed.is_empty(), "the clips themselves are candidates");
    for custody in ["ascmhl", ".md5", ".xxhash", ".mhl"] {
        assert!(!listed.contains(custody), "{custody} in {listed}");
    }
}

#[test]
fn every_copy_of_an_obsolete_version_is_obsolete() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("EDIT");
    let ex = fixtures().join("media/exports");
    for v in ["PROJX_cut_v02.mp4", "PROJX_cut_v03.mp4"] {
        fs::create_dir_all(root.join("exports")).unwrap();
        fs::copy(ex.join(v), root.join("exports").join(v)).unwrap();
    }
    fs::create_dir_all(root.join("old")).unwrap();
    fs::copy(
        ex.join("PROJX_cut_v02.mp4"),
        root.join("old/PROJX_cut_v02 copy.mp4"),
    )
    .unwrap();
    let list = t.path().join("candidates.json");
    let r = audit_json(&[
        "--export-list",
        list.to_str().unwrap(),
        root.to_str().unwrap(),
    ]);
    let v02 = fs::metadata(ex.join("PROJX_cut_v02.mp4")).unwrap().len();
    assert_eq!(r["summary"]["obsolete_bytes"], 2 * v02, "{}", r["versions"]);
    let listed: Value = serde_json::from_str(&fs::read_to_string(&list).unwrap()).unwrap();
    let items = listed["candidates"].as_array().unwrap();
    let names: Vec<(&str, &str)> = items
        .iter()
        .map(|c| {
            (
                c["path"].as_str().unwrap().rsplit('/').next().unwrap(),
                c["category"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("PROJX_cut_v02.mp4", "obsolete"),
            ("PROJX_cut_v02 copy.mp4", "obsolete"),
        ],
        "one reason per candidate, no kept old version: {listed}"
    );
    let twin = &items[1];
    assert!(
        twin["reason"]
            .as_str()
            .unwrap()
            .contains("an obsolete version"),
        "{twin}"
    );
    // The version group lists both.
    let g = &r["versions"][0];
    assert_eq!(g["obsolete"].as_array().unwrap().len(), 2, "{g}");
}

#[test]
fn three_thousand_unreadable_files_are_a_few_lines_of_stderr() {
    let Some(mut cmd) = unprivileged() else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    fs::set_permissions(t.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let root = t.path().join("card");
    fs::create_dir(&root).unwrap();
    for i in 0..3000 {
        let p = root.join(format!("f{i:04}.bin"));
        fs::write(&p, (i as u32).to_le_bytes()).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
    }
    fs::write(root.join("ok.txt"), b"readable").unwrap();
    fs::set_permissions(root.join("ok.txt"), fs::Permissions::from_mode(0o644)).unwrap();
    let out = cmd
        .args(["audit", "--format", "json", "--no-cache"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r = parse_one_document(&out.stdout);
    assert_eq!(errors_of(&r, "permission_denied").len(), 3000);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.len() <= 3, "{stderr}");
    assert!(
        stderr.contains("3,000 paths unreadable (permission denied), e.g. "),
        "{stderr}"
    );
    assert!(stderr.contains("all listed in the report's errors"));

    // --verbose prints each one.
    let Some(mut cmd) = unprivileged() else {
        return;
    };
    let out = cmd
        .args(["audit", "--format", "json", "--no-cache", "--verbose"])
        .arg(&root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.lines().count() >= 3000, "{}", stderr.lines().count());
}
