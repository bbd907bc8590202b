//! The DIT's view: copies across roots, ASC MHL histories made by the
//! reference tool, and DCP packing lists.

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::time::SystemTime;

fn clip<'a>(r: &'a Value, path: &Path) -> &'a Value {
    let path = path.to_str().unwrap();
    r["clip_copies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == path)
        .unwrap_or_else(|| panic!("no clip folder {path}: {}", r["clip_copies"]))
}

#[test]
fn copies_across_roots_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("A"),
        dir.path().join("B"),
        dir.path().join("C"),
    );
    // Card A001 on A is copied to B under another layout; card A002 only on A,
    // where a hard link to its clip is no second copy.
    let c1 = noise(1, 70_000);
    let c2 = noise(2, 50_000);
    let c3 = noise(3, 30_000);
    write(&a, "A001/A001C001.mov", &c1);
    write(&a, "A001/A001C002.mov", &c2);
    let only_a = write(&a, "A002/A002C001.mov", &c3);
    fs::create_dir_all(a.join("links")).unwrap();
    fs::hard_link(&only_a, a.join("links/A002C001.mov")).unwrap();
    write(&b, "Day1/Cards/A001/clip1.mov", &c1);
    write(&b, "Day1/Cards/A001/clip2.mov", &c2);
    write(&b, "Day2/B001/B001C001.mov", &noise(4, 40_000));
    // An empty file never counts as a copy or as unique bytes.
    write(&a, "A001/empty.txt", b"");

    let args = |extra: &[&str]| -> Value {
        let mut v = vec!["--no-probe", "-q", a.to_str().unwrap(), b.to_str().unwrap()];
        v.extend_from_slice(extra);
        audit_json(&v)
    };
    let r = args(&[]);
    assert_eq!(r["stages"]["copies"], "done");
    assert_eq!(r["copies"].as_array().unwrap().len(), 2);
    let ca = copies_of(&r, &a);
    assert_eq!(ca["bytes"], 150_000, "the hard link counts once");
    assert_eq!(ca["bytes_elsewhere"], 120_000);
    assert_eq!(ca["bytes_unique"], 30_000);
    assert_eq!(ca["safe_to_wipe"], false);
    assert_eq!(
        ca["clip_folders_at_risk"], 3,
        "A002 and links/ (1 copy), A001 (2, below the default 3)"
    );
    let cb = copies_of(&r, &b);
    assert_eq!(cb["bytes"], 160_000);
    assert_eq!(cb["bytes_elsewhere"], 120_000);
    assert_eq!(cb["bytes_unique"], 40_000);
    // Every root: bytes = elsewhere + unique, and the roots add up to the total.
    let total: u64 = r["copies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let (b, e, u) = (
                c["bytes"].as_u64().unwrap(),
                c["bytes_elsewhere"].as_u64().unwrap(),
                c["bytes_unique"].as_u64().unwrap(),
            );
            assert_eq!(b, e + u);
            b
        })
        .sum();
    assert_eq!(total, r["summary"]["bytes"].as_u64().unwrap());

    let a001 = clip(&r, &a.join("A001"));
    assert_eq!(
        (a001["copies"].as_u64(), a001["status"].as_str()),
        (Some(2), Some("under"))
    );
    let r2 = args(&["--copies", "2"]);
    assert_eq!(clip(&r2, &a.join("A001"))["status"], "ok");
    assert_eq!(copies_of(&r2, &a)["clip_folders_at_risk"], 2);
    assert_eq!(a001["files"], 2, "the empty file is not counted");
    assert_eq!(clip(&r, &a.join("A002"))["status"], "at_risk");
    assert_eq!(clip(&r, &b.join("Day1/Cards/A001"))["copies"], 2);
    assert_eq!(clip(&r, &b.join("Day2/B001"))["status"], "at_risk");
    // A policy of one copy makes two a surplus.
    let r1 = args(&["--copies", "1"]);
    assert_eq!(clip(&r1, &a.join("A001"))["status"], "surplus");
    // --clip-depth 1 groups B by day.
    let rd = args(&["--clip-depth", "1"]);
    assert_eq!(clip(&rd, &b.join("Day1"))["copies"], 2);
    assert_eq!(clip(&rd, &b.join("Day2"))["copies"], 1);

    // A third root holding A002's clip makes A safe to wipe.
    write(&c, "backup/x.mov", &c3);
    let r3 = audit_json(&[
        "--no-probe",
        "-q",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        c.to_str().unwrap(),
    ]);
    let ca = copies_of(&r3, &a);
    assert_eq!(ca["bytes_unique"], 0);
    assert_eq!(ca["safe_to_wipe"], true);

    // A hard link on another root is the same bytes on the same disk: no copy.
    let d = dir.path().join("D");
    fs::create_dir(&d).unwrap();
    fs::hard_link(&only_a, d.join("linked.mov")).unwrap();
    let rl = audit_json(&["--no-probe", "-q", a.to_str().unwrap(), d.to_str().unwrap()]);
    assert_eq!(copies_of(&rl, &a)["bytes_unique"], 150_000);
    assert_eq!(copies_of(&rl, &d)["bytes_unique"], 30_000);

    // The table answers the question per root.
    let out = footprint()
        .args(["audit", "--no-probe", "-q", "--width", "0"])
        .args([&a, &b])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Safe to wipe?"), "{text}");
    assert!(text.contains("NO: 1 file only here"), "{text}");
    // Each root is named once (short name = folder), its paths relative to it.
    let short = a.file_name().unwrap().to_str().unwrap();
    assert!(
        text.contains(&format!("2 roots: {short} = {}", a.display())),
        "{text}"
    );
    assert!(text.contains(&format!(" {short}/A002 ")), "{text}");
    assert!(
        !text.contains(&format!("{}", a.join("A002").display())),
        "{text}"
    );

    // One root: nothing to compare.
    let one = audit_json(&["--no-probe", "-q", a.to_str().unwrap()]);
    assert_eq!(one["stages"]["copies"], "skipped");
    assert!(one["copies"].as_array().unwrap().is_empty());
    let nohash = audit_json(&[
        "--no-probe",
        "--no-hash",
        "-q",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    // Without hashing no copy is verified: every verdict is unknown.
    assert_eq!(nohash["stages"]["copies"], "done");
    assert_eq!(copies_of(&nohash, &a)["verdict"], "unknown");
    assert_eq!(copies_of(&nohash, &b)["safe_to_wipe"], Value::Null);
}

fn manifest<'a>(r: &'a Value, kind: &str) -> &'a Value {
    r["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} manifest: {}", r["manifests"]))
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().rsplit('/').next().unwrap().to_string())
        .collect()
}

fn run_ascmhl(tool: &Path, args: &[&str], dir: &Path) -> bool {
    let out = std::process::Command::new(tool)
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    out.status.success()
}

fn mtime(p: &Path) -> SystemTime {
    fs::metadata(p).unwrap().modified().unwrap()
}

fn set_mtime(p: &Path, t: SystemTime) {
    let f = fs::OpenOptions::new().write(true).open(p).unwrap();
    f.set_times(fs::FileTimes::new().set_modified(t)).unwrap();
}

/// Rewrites a byte in place, keeping the size.
fn flip_byte(p: &Path, at: usize) {
    let mut bytes = fs::read(p).unwrap();
    bytes[at] ^= 0x01;
    fs::write(p, bytes).unwrap();
}

#[test]
fn mhl_histories_from_the_reference_tool_are_checked() {
    let Some(tool) = ascmhl() else {
        eprintln!("ascmhl not installed: MHL histories not exercised");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let card = dir.path().join("A002R2EC");
    let edited = write(&card, "A002C001_260101_R2EC.mov", &noise(10, 40_000));
    let restored = write(&card, "A002C002_260101_R2EC.mov", &noise(11, 30_000));
    let deleted = write(&card, "A002C003_260101_R2EC.mov", &noise(12, 20_000));
    write(&card, "sidecar/A002.ale", b"Heading\n");
    assert!(run_ascmhl(&tool, &["create", "-h", "xxh64"], &card));
    let root = dir.path().to_str().unwrap();

    let r = audit_json(&["--no-probe", "-q", root]);
    assert_eq!(r["stages"]["manifests"], "done");
    let m = manifest(&r, "ascmhl");
    assert!(
        m["path"]
            .as_str()
            .unwrap()
            .contains("/A002R2EC/ascmhl/0001_"),
        "{m}"
    );
    assert_eq!(m["hash_format"], "xxh64");
    assert_eq!(m["entries"], 4);
    assert_eq!(m["verified"], 4);
    assert_eq!(m["checked_by"], "size+mtime");
    assert_eq!(m["generations"], 1);
    // An MHL-managed clip is never an obsolete version.
    let mut hashes_before = Vec::new();
    for e in walkdir::WalkDir::new(card.join("ascmhl")) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            hashes_before.push((e.path().to_path_buf(), fs::read(e.path()).unwrap()));
        }
    }

    // Edit one clip (its mtime moves), edit another and restore its mtime,
    // delete a third.
    let t0 = mtime(&edited);
    flip_byte(&edited, 1000);
    set_mtime(&edited, t0 + std::time::Duration::from_secs(60));
    let t1 = mtime(&restored);
    flip_byte(&restored, 2000);
    set_mtime(&restored, t1);
    fs::remove_file(&deleted).unwrap();

    let r = audit_json(&["--no-probe", "-q", root]);
    let m = manifest(&r, "ascmhl");
    assert_eq!(names(&m["changed"]), ["A002C001_260101_R2EC.mov"]);
    assert_eq!(names(&m["missing"]), ["A002C003_260101_R2EC.mov"]);
    assert_eq!(
        m["verified"], 2,
        "the restored-mtime edit passes a size+mtime check"
    );

    let r = audit_json(&["--no-probe", "-q", "--verify-mhl", root]);
    let m = manifest(&r, "ascmhl");
    assert_eq!(m["checked_by"], "hash");
    assert_eq!(
        names(&m["changed"]),
        ["A002C001_260101_R2EC.mov", "A002C002_260101_R2EC.mov"]
    );
    assert_eq!(m["verified"], 1);

    // The audit wrote nothing in the history.
    for (p, bytes) in &hashes_before {
        assert_eq!(&fs::read(p).unwrap(), bytes, "{}", p.display());
    }
    assert_eq!(
        fs::read_dir(card.join("ascmhl")).unwrap().count(),
        hashes_before.len()
    );

    // A new generation by the reference tool records the failure; footprint
    // keeps reporting the edit, and reads the added file.
    write(&card, "A002C004_260101_R2EC.mov", &noise(13, 10_000));
    run_ascmhl(&tool, &["create", "-h", "xxh64"], &card); // exits non-zero: it found the edits
    let r = audit_json(&["--no-probe", "-q", root]);
    let m = manifest(&r, "ascmhl");
    assert!(m["generations"].as_u64().unwrap() >= 2, "{m}");
    assert!(m["path"].as_str().unwrap().contains("/ascmhl/0002_"), "{m}");
    assert_eq!(m["entries"], 5);
    let changed = names(&m["changed"]);
    assert!(
        changed.contains(&"A002C002_260101_R2EC.mov".to_string()),
        "{m}"
    );
}

#[test]
fn every_mhl_hash_format_matches_the_reference_tool() {
    let Some(tool) = ascmhl() else {
        eprintln!("ascmhl not installed: MHL hash formats not cross-checked");
        return;
    };
    for format in ["xxh64", "xxh3", "xxh128", "md5", "sha1", "c4"] {
        let dir = tempfile::tempdir().unwrap();
        let card = dir.path().join("CARD");
        write(&card, "a.mov", &noise(20, 300_000));
        write(&card, "b/c.wav", &noise(21, 1));
        write(&card, "empty.txt", b"");
        assert!(
            run_ascmhl(&tool, &["create", "-h", format], &card),
            "{format}"
        );
        let r = audit_json(&[
            "--no-probe",
            "--no-hash",
            "-q",
            "--verify-mhl",
            card.to_str().unwrap(),
        ]);
        let m = manifest(&r, "ascmhl");
        assert_eq!(m["hash_format"], format);
        assert_eq!(m["entries"], 3, "{format}");
        assert_eq!(m["verified"], 3, "{format}: {m}");
    }
}

#[test]
fn dcp_packing_lists_verify_and_catch_one_flipped_bit() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("DEMO_FTR");
    fs::create_dir(&pkg).unwrap();
    for e in fs::read_dir(fixtures().join("dcp/DEMO_FTR")).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), pkg.join(e.file_name())).unwrap();
    }
    let root = dir.path().to_str().unwrap();
    let r = audit_json(&["--no-probe", "-q", "--verify-dcp", root]);
    let m = manifest(&r, "dcp-pkl");
    assert!(m["path"].as_str().unwrap().ends_with("PKL_DEMO_FTR.xml"));
    assert_eq!(m["hash_format"], "sha1");
    assert_eq!(
        (m["entries"].as_u64(), m["verified"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(m["checked_by"], "hash");

    // One bit of the picture MXF: same size, so only the hash sees it.
    let mxf = pkg.join("j2c_picture.mxf");
    let mut bytes = fs::read(&mxf).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x10;
    fs::write(&mxf, bytes).unwrap();
    let r = audit_json(&["--no-probe", "-q", root]);
    assert_eq!(manifest(&r, "dcp-pkl")["verified"], 2, "size-only check");
    assert_eq!(manifest(&r, "dcp-pkl")["checked_by"], "size");
    let r = audit_json(&["--no-probe", "-q", "--verify-dcp", root]);
    let m = manifest(&r, "dcp-pkl");
    assert_eq!(names(&m["changed"]), ["j2c_picture.mxf"]);
    assert_eq!(m["verified"], 1);

    // A missing asset.
    fs::remove_file(pkg.join("CPL_DEMO_FTR.xml")).unwrap();
    let r = audit_json(&["--no-probe", "-q", root]);
    assert_eq!(
        names(&manifest(&r, "dcp-pkl")["missing"]),
        ["CPL_DEMO_FTR.xml"]
    );
}

#[test]
fn malformed_manifests_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "CARD/ascmhl/0001_CARD_2026-01-01_000000Z.mhl",
        b"<hashlist><hashes><hash>",
    );
    write(dir.path(), "CARD/clip.mov", &noise(30, 1000));
    write(
        dir.path(),
        "PKG/PKL_x.xml",
        b"<?xml version=\"1.0\"?><PackingList><AssetList><Asset><Id>urn:uuid:1</Id><Size>12</Size></Asset></AssetList></PackingList>",
    );
    let out = footprint()
        .args(["audit", "--no-probe", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r = parse_one_document(&out.stdout);
    let errs = errors_of(&r, "manifest");
    assert_eq!(errs.len(), 2, "{}", r["errors"]);
    assert!(
        errs.iter()
            .any(|e| e["error"].as_str().unwrap().contains("malformed XML"))
    );
    assert!(
        errs.iter()
            .any(|e| e["error"].as_str().unwrap().contains("no ASSETMAP"))
    );
    assert!(r["manifests"].as_array().unwrap().is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2 manifests could not be read"), "{stderr}");
}
