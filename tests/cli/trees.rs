//! Temporary trees with the hostile things real drives hold.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::Path;

fn audit(root: &Path, extra: &[&str]) -> Value {
    let mut args: Vec<&str> = extra.to_vec();
    args.push(root.to_str().unwrap());
    audit_json(&args)
}

#[test]
fn hard_links_count_every_name_but_bytes_once() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("a.bin"), vec![7u8; 1000]).unwrap();
    fs::hard_link(t.path().join("a.bin"), t.path().join("b.bin")).unwrap();
    fs::create_dir(t.path().join("sub")).unwrap();
    fs::hard_link(t.path().join("a.bin"), t.path().join("sub/c.bin")).unwrap();
    fs::write(t.path().join("d.bin"), vec![1u8; 234]).unwrap();
    let r = audit(t.path(), &["--no-probe"]);
    assert_eq!(r["summary"]["files"], 4);
    assert_eq!(r["summary"]["bytes"], 1234);
    assert_eq!(r["by_kind"]["other"]["bytes"], 1234);
}

#[test]
fn fifo_socket_and_links_are_reported_never_opened() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    fs::write(p.join("real.txt"), b"hello").unwrap();
    mkfifo(&p.join("pipe.mov"));
    let _sock = std::os::unix::net::UnixListener::bind(p.join("sock")).unwrap();
    symlink("missing_target.mov", p.join("dangling.mov")).unwrap();
    symlink("self_loop", p.join("self_loop")).unwrap();
    symlink(".", p.join("dot_loop")).unwrap();
    symlink("real.txt", p.join("alias.txt")).unwrap();
    let r = audit(p, &[]);
    // Only the regular file counts; the links are not followed by default.
    assert_eq!(r["summary"]["files"], 1);
    assert_eq!(r["summary"]["bytes"], 5);
    let special: Vec<&str> = errors_of(&r, "special_file")
        .iter()
        .map(|e| e["error"].as_str().unwrap())
        .collect();
    assert_eq!(special.len(), 2);
    assert!(special.iter().any(|e| e.contains("FIFO")));
    assert!(special.iter().any(|e| e.contains("socket")));
    assert_eq!(errors_of(&r, "dangling_link").len(), 1);
    assert!(
        errors_of(&r, "dangling_link")[0]["error"]
            .as_str()
            .unwrap()
            .contains("missing_target.mov")
    );
    assert_eq!(
        errors_of(&r, "symlink_loop").len(),
        1,
        "self_loop cannot be resolved at all"
    );
}

#[test]
fn following_links_counts_targets_and_stops_at_loops() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    fs::create_dir_all(p.join("a/b")).unwrap();
    fs::write(p.join("a/b/f.bin"), vec![0u8; 100]).unwrap();
    symlink("../..", p.join("a/b/up")).unwrap(); // loops back to the root
    symlink("b/f.bin", p.join("a/f_alias.bin")).unwrap();
    let r = audit(p, &["--follow-links"]);
    // f.bin and its alias are two names of one inode: bytes once.
    assert_eq!(r["summary"]["files"], 2);
    assert_eq!(r["summary"]["bytes"], 100);
    let loops = errors_of(&r, "symlink_loop");
    assert_eq!(loops.len(), 1);
    assert!(loops[0]["path"].as_str().unwrap().ends_with("a/b/up"));
}

#[test]
fn non_utf8_names_survive_as_escaped_bytes() {
    let t = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"caf\xe9_\xff.wav");
    fs::write(t.path().join(name), b"not really audio").unwrap();
    let r = audit(t.path(), &["--no-probe"]);
    let path = r["media"][0]["path"].as_str().unwrap();
    assert!(path.ends_with("/caf\\xE9_\\xFF.wav"), "{path}");
}

#[test]
fn zero_byte_files_are_counted_and_empty_media_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join(".keep"), b"").unwrap();
    fs::write(t.path().join("render.mov"), b"").unwrap();
    let r = audit(t.path(), &[]);
    assert_eq!(r["summary"]["files"], 2);
    assert_eq!(r["summary"]["bytes"], 0);
    let probe = errors_of(&r, "probe");
    assert_eq!(probe.len(), 1);
    assert!(probe[0]["error"].as_str().unwrap().contains("empty file"));
}

#[test]
fn very_deep_trees_are_walked_completely() {
    let t = tempfile::tempdir().unwrap();
    let mut dir = t.path().to_path_buf();
    for i in 0..150 {
        dir.push(format!("d{i}"));
    }
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("deep.txt"), b"bottom").unwrap();
    fs::write(t.path().join("top.txt"), b"top").unwrap();
    let r = audit(t.path(), &["--no-probe"]);
    assert_eq!(r["summary"]["files"], 2);
    assert_eq!(r["summary"]["bytes"], 9);
    assert_eq!(r["summary"]["folders"], 151);
}

#[test]
fn excludes_prune_by_name_and_by_relative_path() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    fs::create_dir_all(p.join("renders/tmp")).unwrap();
    fs::create_dir_all(p.join("keep")).unwrap();
    fs::write(p.join("renders/tmp/a.exr"), b"1").unwrap();
    fs::write(p.join("renders/b.tmp"), b"22").unwrap();
    fs::write(p.join("keep/c.txt"), b"333").unwrap();
    let r = audit(
        p,
        &[
            "--no-probe",
            "--exclude",
            "*.tmp",
            "--exclude",
            "renders/tmp",
        ],
    );
    assert_eq!(r["summary"]["files"], 1);
    assert_eq!(r["summary"]["bytes"], 3);
}

#[test]
fn several_roots_are_audited_together() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    fs::write(a.path().join("x.txt"), b"aaaa").unwrap();
    fs::write(b.path().join("y.txt"), b"bb").unwrap();
    let r = audit_json(&[
        "--no-probe",
        a.path().to_str().unwrap(),
        b.path().to_str().unwrap(),
    ]);
    assert_eq!(r["roots"].as_array().unwrap().len(), 2);
    assert_eq!(r["summary"]["files"], 2);
    assert_eq!(r["summary"]["bytes"], 6);
}

#[test]
fn a_missing_root_stops_the_audit_before_scanning() {
    // `/Volumes/SHUTLE` for `/Volumes/SHUTTLE`: a typo must never read as an
    // empty drive that is "safe to wipe".
    let a = tempfile::tempdir().unwrap();
    fs::write(a.path().join("x.txt"), b"abc").unwrap();
    let missing = a.path().join("SHUTLE");
    for args in [vec![a.path(), missing.as_path()], vec![missing.as_path()]] {
        let out = footprint()
            .args(["audit", "--no-probe"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("root {} does not exist", missing.display())),
            "{stderr}"
        );
    }
}

#[test]
fn an_unopenable_root_stops_the_audit_before_scanning() {
    use std::os::unix::fs::PermissionsExt;
    let Some(mut cmd) = unprivileged() else {
        return;
    };
    let a = tempfile::tempdir().unwrap();
    fs::set_permissions(a.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let locked = a.path().join("locked");
    fs::create_dir(&locked).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let out = cmd
        .args(["audit", "--no-probe", "--no-cache"])
        .arg(a.path())
        .arg(&locked)
        .output()
        .unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be opened"));
}

#[test]
fn an_unwritable_output_fails_before_scanning() {
    let out = footprint()
        .args(["audit", "-o", "/proc/footprint-cannot-write/report.json"])
        .arg(fixtures())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the report"));
}

/// Content, size and mtime of every entry, to prove an audit changes nothing.
fn snapshot(root: &Path) -> BTreeMap<String, (u64, i64, i64, Vec<u8>)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let md = fs::symlink_metadata(e.path()).unwrap();
            let content = if md.is_file() {
                fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (
                e.path().display().to_string(),
                (md.len(), md.mtime(), md.mtime_nsec(), content),
            )
        })
        .collect()
}

#[test]
fn an_audit_modifies_nothing_inside_its_roots() {
    let t = tempfile::tempdir().unwrap();
    let copy = t.path().join("fx");
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(fixtures())
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success());
    let before = snapshot(&copy);
    let _ = audit(&copy, &[]);
    let _ = footprint().args(["audit"]).arg(&copy).output().unwrap();
    assert_eq!(snapshot(&copy), before);
}

#[test]
fn unreadable_files_and_folders_are_reported_as_an_unprivileged_user() {
    use std::os::unix::fs::PermissionsExt;
    let Some(mut cmd) = unprivileged() else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    fs::set_permissions(p, fs::Permissions::from_mode(0o755)).unwrap();
    fs::create_dir(p.join("locked")).unwrap();
    fs::write(p.join("locked/hidden.txt"), b"invisible").unwrap();
    fs::set_permissions(p.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::copy(
        fixtures().join("media/exports/PROJX_cut_v01.mp4"),
        p.join("secret.mp4"),
    )
    .unwrap();
    fs::set_permissions(p.join("secret.mp4"), fs::Permissions::from_mode(0o000)).unwrap();
    // Readable twins of the unreadable file: they group, it never does.
    for twin in ["twin1.mp4", "twin2.mp4"] {
        fs::copy(
            fixtures().join("media/exports/PROJX_cut_v01.mp4"),
            p.join(twin),
        )
        .unwrap();
    }
    fs::write(p.join("notes.txt"), b"12345").unwrap();
    let secret_len = fs::metadata(p.join("secret.mp4")).unwrap().len();

    let out = cmd
        .args(["audit", "--format", "json", "--no-cache"])
        .arg(p)
        .output()
        .unwrap();
    // Restore permissions so the temp dir can be removed.
    fs::set_permissions(p.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = parse_one_document(&out.stdout);
    // The unreadable file can still be stat-ed: it counts; the locked folder's content cannot.
    assert_eq!(r["summary"]["files"], 4);
    assert_eq!(r["summary"]["bytes"], 3 * secret_len + 5);
    let groups = r["duplicates"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{groups:?}");
    let names: Vec<&str> = groups[0]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(names, ["twin1.mp4", "twin2.mp4"]);
    let denied: Vec<&str> = errors_of(&r, "permission_denied")
        .iter()
        .map(|e| e["path"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(denied, ["locked", "secret.mp4"]);
    let secret = media(&r, "secret.mp4");
    assert_eq!(secret["probe"]["source"], "none");
    assert!(
        secret["probe"]["error"]
            .as_str()
            .unwrap()
            .contains("ermission denied")
    );
    assert_eq!(
        r["errors"].as_array().unwrap().len(),
        2,
        "one entry per problem: {}",
        r["errors"]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 paths unreadable (permission denied), e.g. "),
        "{stderr}"
    );
}

#[test]
fn one_file_system_stays_on_the_root_device() {
    // /dev/shm is a tmpfs mounted below /dev on Linux; skip where it is not.
    let (dev, shm) = (Path::new("/dev"), Path::new("/dev/shm"));
    let (Ok(a), Ok(b)) = (fs::metadata(dev), fs::metadata(shm)) else {
        return;
    };
    if a.dev() == b.dev() {
        return;
    }
    let marker = tempfile::Builder::new()
        .prefix("footprint-xdev")
        .suffix(".mov")
        .tempfile_in(shm)
        .unwrap();
    let name = marker.path().to_str().unwrap();
    let seen = |extra: &[&str]| {
        let out = footprint()
            .args(["audit", "--no-probe", "--format", "json", "-q"])
            .args(extra)
            .arg(dev)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let r = parse_one_document(&out.stdout);
        let hit = r["folders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "/dev/shm");
        (hit, r.to_string().contains(name))
    };
    assert!(seen(&[]).1, "without -x the tmpfs file is counted");
    assert!(!seen(&["-x"]).1, "with -x /dev/shm is not entered");
    assert!(!seen(&["--one-file-system"]).0);
}

#[test]
fn duplicates_are_grouped_across_roots_with_hard_links_listed_but_not_wasted() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let big: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    fs::write(a.path().join("export.mov"), &big).unwrap();
    fs::write(b.path().join("export copy.mov"), &big).unwrap();
    fs::hard_link(
        a.path().join("export.mov"),
        a.path().join("export_link.mov"),
    )
    .unwrap();
    // Same size, different last byte / middle byte: not duplicates.
    let mut twin = big.clone();
    *twin.last_mut().unwrap() ^= 1;
    fs::write(a.path().join("twin_tail.mov"), &twin).unwrap();
    let mut twin = big.clone();
    twin[50_000] ^= 1;
    fs::write(a.path().join("twin_mid.mov"), &twin).unwrap();
    // Small identical files, and zero-byte files that are never duplicates.
    fs::write(a.path().join("n1.txt"), b"same").unwrap();
    fs::write(b.path().join("n2.txt"), b"same").unwrap();
    fs::write(a.path().join("e1"), b"").unwrap();
    fs::write(b.path().join("e2"), b"").unwrap();
    let r = audit_json(&[
        "--no-probe",
        a.path().to_str().unwrap(),
        b.path().to_str().unwrap(),
    ]);
    assert_eq!(r["stages"]["hash"], "done");
    let groups = r["duplicates"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{groups:?}");
    let big_group = groups.iter().find(|g| g["size"] == 100_000).unwrap();
    assert_eq!(big_group["paths"].as_array().unwrap().len(), 3);
    assert_eq!(
        big_group["wasted_bytes"], 100_000,
        "the hard link is not waste"
    );
    assert_eq!(big_group["hash"], blake3::hash(&big).to_hex().to_string());
    let small = groups.iter().find(|g| g["size"] == 4).unwrap();
    assert_eq!(small["hash"], blake3::hash(b"same").to_hex().to_string());
    assert_eq!(r["summary"]["duplicate_bytes"], 100_004);
    assert_eq!(r["summary"]["reclaimable_bytes"], 100_004);
    // Sorted by first path, paths sorted inside.
    let firsts: Vec<&str> = groups
        .iter()
        .map(|g| g["paths"][0].as_str().unwrap())
        .collect();
    let mut sorted = firsts.clone();
    sorted.sort();
    assert_eq!(firsts, sorted);
}

#[test]
fn no_hash_skips_duplicate_search() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("a"), b"x").unwrap();
    fs::write(t.path().join("b"), b"x").unwrap();
    let r = audit(t.path(), &["--no-probe", "--no-hash"]);
    assert_eq!(r["stages"]["hash"], "skipped");
    assert!(r["duplicates"].as_array().unwrap().is_empty());
}

#[test]
fn red_segments_are_one_clip_counted_and_weighed_once() {
    let t = tempfile::tempdir().unwrap();
    let rdc = t.path().join("A002_0908FT.RDM/A002_C001_0908R4.RDC");
    fs::create_dir_all(&rdc).unwrap();
    // RED2 headers (the magic at byte 4), then filler: no reader knows them.
    let segment = |n: usize| {
        let mut b = vec![0u8, 0, 0, 0x40];
        b.extend_from_slice(b"RED2");
        b.resize(1000 * n, n as u8);
        b
    };
    for n in [1, 2, 3] {
        fs::write(rdc.join(format!("A002_C001_0908R4_00{n}.R3D")), segment(n)).unwrap();
    }
    fs::write(rdc.join("A002_C001_0908R4.RMD"), b"<rmd/>").unwrap();
    // A one-file clip next to it, and a file whose name only looks like one.
    fs::write(rdc.join("A002_C002_0908R4_001.R3D"), segment(4)).unwrap();
    fs::write(rdc.join("notes_001.txt"), b"x").unwrap();
    let r = audit(t.path(), &["--no-probe", "--no-hash"]);
    let media = r["media"].as_array().unwrap();
    assert_eq!(media.len(), 2, "{media:#?}");
    let clip = &media[0];
    assert!(
        clip["path"]
            .as_str()
            .unwrap()
            .ends_with("A002_C001_0908R4_001.R3D")
    );
    assert_eq!(clip["segments"], 3);
    assert_eq!(clip["bytes"], 1000 + 2000 + 3000);
    assert_eq!(clip["kind"], "video");
    let single = &media[1];
    assert!(
        single["path"]
            .as_str()
            .unwrap()
            .ends_with("A002_C002_0908R4_001.R3D")
    );
    assert!(single.get("segments").is_none());
    assert_eq!(r["summary"]["media_files"], 2);
    assert_eq!(r["by_kind"]["video"]["files"], 4);
    assert_eq!(r["by_kind"]["video"]["bytes"], 10_000);
    // Camera originals: never offered for deletion.
    assert_eq!(r["summary"]["reclaimable_bytes"], 0);
}

#[test]
fn no_probe_reads_no_content_and_classifies_by_name() {
    let t = tempfile::tempdir().unwrap();
    // QuickTime content under a name that says nothing.
    let mut mov = vec![0, 0, 0, 20];
    mov.extend_from_slice(b"ftypqt  \0\0\0\0qt  ");
    mov.resize(64, 0);
    fs::write(t.path().join("clip.bin"), &mov).unwrap();
    fs::write(t.path().join("notes.txt"), b"call the lab").unwrap();
    let read = audit(t.path(), &["--no-hash"]);
    let paths = |r: &Value| -> Vec<String> {
        r["media"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["path"].as_str().unwrap().to_string())
            .collect()
    };
    // Content wins over the name when the stages that read files run...
    assert_eq!(paths(&read).len(), 1);
    assert!(paths(&read)[0].ends_with("clip.bin"));
    assert_eq!(read["by_kind"]["other"]["files"], 1);
    // ...and nothing is opened under --no-probe: the name decides.
    let named = audit(t.path(), &["--no-hash", "--no-probe"]);
    assert_eq!(named["stages"]["probe"], "skipped");
    assert!(paths(&named).is_empty());
    assert_eq!(named["by_kind"]["other"]["files"], 2);
    assert_eq!(named["by_kind"]["other"]["bytes"], 64 + 12);
    assert_eq!(named["summary"]["bytes"], read["summary"]["bytes"]);
}

#[test]
fn an_audit_leaves_access_times_alone() {
    use std::time::{Duration, SystemTime};
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("Exports");
    fs::create_dir(&dir).unwrap();
    // Two identical files, so hashing reads both; a third in a subfolder.
    fs::write(dir.join("a.bin"), vec![5u8; 70_000]).unwrap();
    fs::write(dir.join("b.bin"), vec![5u8; 70_000]).unwrap();
    fs::create_dir(dir.join("sub")).unwrap();
    fs::write(dir.join("sub/c.txt"), b"notes").unwrap();
    // An access time older than the modification time: relatime would update it
    // on the next read or listing.
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let paths = [
        dir.clone(),
        dir.join("sub"),
        dir.join("a.bin"),
        dir.join("b.bin"),
    ];
    for p in &paths {
        fs::File::open(p)
            .unwrap()
            .set_times(fs::FileTimes::new().set_accessed(old))
            .unwrap();
    }
    let r = audit(t.path(), &[]);
    assert_eq!(r["stages"]["hash"], "done");
    assert_eq!(r["summary"]["duplicate_bytes"], 70_000);
    for p in &paths {
        let atime = fs::metadata(p).unwrap().accessed().unwrap();
        assert_eq!(atime, old, "{} was touched", p.display());
    }
}

#[test]
fn an_empty_audit_says_so_in_one_sentence() {
    let t = tempfile::tempdir().unwrap();
    let out = footprint()
        .args(["audit", "-q"])
        .arg(t.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.trim_end(),
        format!(
            "Nothing to audit: {} holds no regular file (1 folder).",
            t.path().canonicalize().unwrap().display()
        )
    );
}
