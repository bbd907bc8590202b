//! The persistent cache: re-audits read and probe nothing that did not
//! change, catch every change, and never let a broken cache change a result.

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

/// A project with real media and duplicates.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixtures();
    for (from, to) in [
        ("media/exports/PROJX_cut_v02.mp4", "exports/cut_v02.mp4"),
        ("media/exports/PROJX_cut_v03.mp4", "exports/cut_v03.mp4"),
        ("media/exports/PROJX_cut_v03.mp4", "backup/cut_v03.mp4"),
        ("media/audio/tone_48k_24bit.wav", "audio/mix.wav"),
    ] {
        let p = dir.path().join(to);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::copy(fx.join(from), p).unwrap();
    }
    write(dir.path(), "a/twin1.bin", &noise(1, 50_000));
    write(dir.path(), "b/twin2.bin", &noise(1, 50_000));
    write(dir.path(), "c/other.bin", &noise(2, 50_000));
    dir
}

fn run(root: &Path, cache: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["-q", "--cache-dir", cache.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.push(root.to_str().unwrap());
    audit_json(&args)
}

/// The report without what legitimately differs between runs.
fn stable(mut r: Value) -> Value {
    let o = r.as_object_mut().unwrap();
    o.remove("generated_at");
    o.remove("cache");
    r
}

fn group_names(r: &Value) -> Vec<Vec<String>> {
    r["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g["paths"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap().rsplit('/').next().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn a_warm_reaudit_reads_and_probes_nothing_and_reports_the_same() {
    let tree = project();
    let cache = tempfile::tempdir().unwrap();
    let cold = run(tree.path(), cache.path(), &[]);
    let c = &cold["cache"];
    assert!(c["path"].as_str().unwrap().ends_with("cache.sqlite"));
    assert_eq!(c["hashes_from_cache"], 0);
    assert!(c["hashes_computed"].as_u64().unwrap() >= 4);
    let warm = run(tree.path(), cache.path(), &[]);
    let w = &warm["cache"];
    assert_eq!(w["hashes_computed"], 0, "{w}");
    assert_eq!(w["hashes_from_cache"], c["hashes_computed"]);
    if has("ffprobe") {
        assert_eq!(w["probes_run"], 0, "{w}");
        assert_eq!(w["probes_from_cache"], c["probes_run"]);
    }
    assert_eq!(stable(cold.clone()), stable(warm));
    // Same as with no cache at all.
    let none = run(tree.path(), cache.path(), &["--no-cache"]);
    assert_eq!(none["cache"]["path"], Value::Null);
    assert_eq!(stable(cold), stable(none));
    // Stats and prune see the entries.
    let out = footprint()
        .args(["cache", "stats", "--format", "json", "--cache-dir"])
        .arg(cache.path())
        .output()
        .unwrap();
    let stats = parse_one_document(&out.stdout);
    assert!(stats["entries"].as_u64().unwrap() >= 4, "{stats}");
    fs::remove_file(tree.path().join("c/other.bin")).unwrap();
    fs::remove_dir_all(tree.path().join("backup")).unwrap();
    let out = footprint()
        .args(["cache", "prune", "--format", "json", "--cache-dir"])
        .arg(cache.path())
        .output()
        .unwrap();
    // backup/cut_v03.mp4, and c/other.bin (hashed: the twins' size).
    assert_eq!(parse_one_document(&out.stdout)["removed"], 2);
    let out = footprint()
        .args(["cache", "clear", "--format", "json", "--cache-dir"])
        .arg(cache.path())
        .output()
        .unwrap();
    assert!(parse_one_document(&out.stdout)["removed"].as_u64().unwrap() >= 3);
}

#[test]
fn a_run_that_reads_no_file_leaves_the_cache_closed() {
    let tree = project();
    let cache = tempfile::tempdir().unwrap();
    let db = cache.path().join("cache.sqlite");
    let r = run(tree.path(), cache.path(), &["--no-probe", "--no-hash"]);
    assert_eq!(r["cache"]["path"], Value::Null);
    assert!(!db.exists(), "no lookup needed, nothing opened");
    assert_eq!(r["summary"]["files"], 7);
    // Hashing alone needs it: the twins' and copies' entries are stored.
    let r = run(tree.path(), cache.path(), &["--no-probe"]);
    assert!(
        r["cache"]["path"]
            .as_str()
            .unwrap()
            .ends_with("cache.sqlite")
    );
    assert!(r["cache"]["hashes_computed"].as_u64().unwrap() >= 4);
    assert!(db.exists());
}

#[test]
fn every_change_is_seen_on_reaudit() {
    use std::os::unix::fs::MetadataExt;
    let tree = project();
    let cache = tempfile::tempdir().unwrap();
    let r = run(tree.path(), cache.path(), &["--no-probe"]);
    assert_eq!(
        group_names(&r),
        [
            vec!["twin1.bin", "twin2.bin"],
            vec!["cut_v03.mp4", "cut_v03.mp4"]
        ]
    );

    // 1. Same size, new content (a normal write: mtime and ctime move).
    let twin2 = tree.path().join("b/twin2.bin");
    let mut changed = noise(1, 50_000);
    changed[49_999] ^= 0xff;
    fs::write(&twin2, &changed).unwrap();
    let r = run(tree.path(), cache.path(), &["--no-probe"]);
    assert_eq!(group_names(&r), [vec!["cut_v03.mp4", "cut_v03.mp4"]]);

    // 2. Replaced by another file with the same size and mtime, new inode.
    let other = tree.path().join("c/other.bin");
    let before = fs::metadata(&other).unwrap();
    let tmp = tree.path().join("c/.incoming");
    fs::write(&tmp, noise(1, 50_000)).unwrap(); // twin1's content
    let f = fs::OpenOptions::new().write(true).open(&tmp).unwrap();
    f.set_times(fs::FileTimes::new().set_modified(before.modified().unwrap()))
        .unwrap();
    drop(f);
    fs::rename(&tmp, &other).unwrap();
    let after = fs::metadata(&other).unwrap();
    assert_eq!(
        (after.len(), after.mtime(), after.mtime_nsec()),
        (before.len(), before.mtime(), before.mtime_nsec())
    );
    assert_ne!(after.ino(), before.ino());
    let r = run(tree.path(), cache.path(), &["--no-probe"]);
    assert_eq!(
        group_names(&r),
        [
            vec!["twin1.bin", "other.bin"],
            vec!["cut_v03.mp4", "cut_v03.mp4"]
        ]
    );

    // 3. Same inode, same size, content changed and mtime set back: only
    // ctime tells; footprint still sees it.
    let t = fs::metadata(&other).unwrap().modified().unwrap();
    fs::write(&other, noise(9, 50_000)).unwrap();
    let f = fs::OpenOptions::new().write(true).open(&other).unwrap();
    f.set_times(fs::FileTimes::new().set_modified(t)).unwrap();
    drop(f);
    let r = run(tree.path(), cache.path(), &["--no-probe"]);
    assert_eq!(group_names(&r), [vec!["cut_v03.mp4", "cut_v03.mp4"]]);

    // 4. Renamed.
    fs::rename(
        tree.path().join("a/twin1.bin"),
        tree.path().join("a/renamed.bin"),
    )
    .unwrap();
    fs::write(&twin2, noise(1, 50_000)).unwrap();
    let r = run(tree.path(), cache.path(), &["--no-probe"]);
    assert_eq!(
        group_names(&r),
        [
            vec!["renamed.bin", "twin2.bin"],
            vec!["cut_v03.mp4", "cut_v03.mp4"]
        ]
    );
    let paths: Vec<&str> = r["duplicates"][0]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(paths[0].ends_with("/a/renamed.bin"));
}

/// A hashing audit with the cache in `cache`, running in the background.
fn spawn_audit(root: &Path, cache: &Path) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("footprint"))
        .args([
            "audit",
            "--no-probe",
            "--format",
            "json",
            "-q",
            "--cache-dir",
        ])
        .arg(cache)
        .arg(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn two_concurrent_audits_share_the_cache_correctly() {
    let tree = project();
    let cache = tempfile::tempdir().unwrap();
    let expected = stable(run(
        tree.path(),
        cache.path(),
        &["--no-cache", "--no-probe"],
    ));
    for _ in 0..3 {
        let (a, b) = (
            spawn_audit(tree.path(), cache.path()),
            spawn_audit(tree.path(), cache.path()),
        );
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                !String::from_utf8_lossy(&out.stderr).contains("cache"),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(stable(parse_one_document(&out.stdout)), expected);
        }
    }
}

#[test]
fn audits_creating_a_cache_at_once_never_rebuild_it() {
    // Switching a file to WAL needs it alone, and SQLite's busy handler does
    // not cover that switch: an audit opening the cache while another one
    // created or closed it saw "database is locked", called the cache
    // unusable and moved it aside (half the runs of this test before the fix).
    let tree = project();
    let expected = stable(run(
        tree.path(),
        tempfile::tempdir().unwrap().path(),
        &["--no-cache", "--no-probe"],
    ));
    for _ in 0..30 {
        let cache = tempfile::tempdir().unwrap();
        let children: Vec<_> = (0..2)
            .map(|_| spawn_audit(tree.path(), cache.path()))
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{err}");
            assert!(!err.contains("cache"), "{err}");
            let r = parse_one_document(&out.stdout);
            assert!(r["cache"]["path"].as_str().is_some());
            assert_eq!(stable(r), expected);
        }
        assert!(!cache.path().join("cache.sqlite.unusable").exists());
    }
}

#[test]
fn a_killed_audit_leaves_a_usable_cache() {
    let tree = project();
    // Big same-size files keep the hash stage busy while the process dies.
    for name in ["big1.mov", "big2.mov"] {
        let f = fs::File::create(tree.path().join(name)).unwrap();
        f.set_len(3 << 30).unwrap();
    }
    let cache = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("footprint"))
        .args([
            "audit",
            "--no-probe",
            "--format",
            "json",
            "-q",
            "--cache-dir",
        ])
        .arg(cache.path())
        .arg(tree.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let expected = stable(run(
        tree.path(),
        cache.path(),
        &["--no-cache", "--no-probe"],
    ));
    let out = footprint()
        .args([
            "audit",
            "--no-probe",
            "--format",
            "json",
            "-q",
            "--cache-dir",
        ])
        .arg(cache.path())
        .arg(tree.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stable(parse_one_document(&out.stdout)), expected);

    // Kill or interrupt at many moments, some of them inside the cache's
    // write of 3,000 hashes; every later audit is still right.
    let many = tempfile::tempdir().unwrap();
    for i in 0..3000u32 {
        write(
            many.path(),
            &format!("d{}/f{i}.bin", i % 30),
            &noise(i % 1500, 4096),
        );
    }
    let expected = stable(run(
        many.path(),
        cache.path(),
        &["--no-cache", "--no-probe"],
    ));
    for delay_ms in (0..240).step_by(30) {
        let _ = footprint()
            .args(["cache", "clear", "--cache-dir"])
            .arg(cache.path())
            .output();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("footprint"))
            .args([
                "audit",
                "--no-probe",
                "--format",
                "json",
                "-q",
                "--cache-dir",
            ])
            .arg(cache.path())
            .arg(many.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        // Alternate SIGKILL and Ctrl-C (SIGINT, which saves what was hashed).
        if delay_ms % 60 == 0 {
            let _ = child.kill();
        } else {
            unsafe {
                libc::kill(child.id() as i32, libc::SIGINT);
            }
        }
        child.wait().unwrap();
        let r = run(many.path(), cache.path(), &["--no-probe"]);
        assert_eq!(stable(r), expected, "after a kill at {delay_ms} ms");
    }
}

#[test]
fn a_garbage_or_foreign_cache_never_changes_a_result() {
    let tree = project();
    let cache = tempfile::tempdir().unwrap();
    let expected = stable(run(tree.path(), cache.path(), &["--no-cache"]));
    let db = cache.path().join("cache.sqlite");
    // Garbage where the database should be.
    fs::write(&db, noise(3, 100_000)).unwrap();
    let out = footprint()
        .args(["audit", "--format", "json", "--cache-dir"])
        .arg(cache.path())
        .arg(tree.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unusable") && stderr.contains("rebuilt"),
        "{stderr}"
    );
    assert_eq!(stable(parse_one_document(&out.stdout)), expected);
    assert!(cache.path().join("cache.sqlite.unusable").exists());
    // The rebuilt cache works.
    let warm = run(tree.path(), cache.path(), &[]);
    assert_eq!(warm["cache"]["hashes_computed"], 0);
    assert_eq!(stable(warm), expected);

    // A real SQLite file from another schema, with plausible but wrong rows.
    fs::remove_file(&db).unwrap();
    let _ = fs::remove_file(cache.path().join("cache.sqlite-wal"));
    let _ = fs::remove_file(cache.path().join("cache.sqlite-shm"));
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
         INSERT INTO meta VALUES ('schema', 99);
         CREATE TABLE files (path BLOB PRIMARY KEY, junk TEXT);",
    )
    .unwrap();
    drop(conn);
    let r = run(tree.path(), cache.path(), &[]);
    assert_eq!(r["cache"]["hashes_from_cache"], 0);
    assert_eq!(stable(r), expected);

    // A cache folder that cannot be used at all: a file stands in its place.
    let blocked = cache.path().join("not-a-dir");
    fs::write(&blocked, b"x").unwrap();
    let out = footprint()
        .args(["audit", "--format", "json", "--cache-dir"])
        .arg(&blocked)
        .arg(tree.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cache unavailable"));
    assert_eq!(stable(parse_one_document(&out.stdout)), expected);
}

#[test]
fn the_cache_is_never_written_inside_a_scanned_root() {
    let tree = project();
    let inside = tree.path().join(".cache");
    let out = footprint()
        .args(["audit", "--format", "json", "--cache-dir"])
        .arg(&inside)
        .arg(tree.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("overlaps the scanned root"));
    assert!(!inside.exists(), "nothing created inside the root");
    assert_eq!(
        parse_one_document(&out.stdout)["cache"]["path"],
        Value::Null
    );
}
