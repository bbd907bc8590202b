//! Robustness: files that change between the walk and the hash, tight
//! descriptor limits, wide and deep trees.

use crate::common::*;
use footprint::util::units::FileId;
use footprint::walk::FileEntry;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

fn entry(path: &Path) -> FileEntry {
    let md = fs::metadata(path).unwrap();
    FileEntry {
        path: path.to_path_buf(),
        root: 0,
        size: md.len(),
        id: FileId {
            dev: md.dev(),
            ino: md.ino(),
        },
        nlink: md.nlink(),
        mtime_ns: md.mtime() * 1_000_000_000 + md.mtime_nsec(),
        ctime_ns: md.ctime() * 1_000_000_000 + md.ctime_nsec(),
    }
}

#[test]
fn files_changed_between_walk_and_hash_are_reported_never_grouped() {
    let dir = tempfile::tempdir().unwrap();
    let content = noise(7, 100_000);
    let names = [
        "grows",
        "shrinks",
        "replaced",
        "vanishes",
        "rewritten",
        "ok1",
        "ok2",
    ];
    let paths: Vec<_> = names
        .iter()
        .map(|n| write(dir.path(), &format!("{n}.mov"), &content))
        .collect();
    // The walk's view.
    let files: Vec<FileEntry> = paths.iter().map(|p| entry(p)).collect();
    // Then, before the hash: each kind of change.
    let p = |n: &str| dir.path().join(format!("{n}.mov"));
    let mut more = content.clone();
    more.extend_from_slice(b"tail");
    fs::write(p("grows"), &more).unwrap();
    fs::write(p("shrinks"), &content[..50_000]).unwrap();
    fs::remove_file(p("replaced")).unwrap();
    fs::write(p("replaced"), &content).unwrap(); // same bytes, new inode
    fs::remove_file(p("vanishes")).unwrap();
    let mut other = content.clone();
    other[90_000] ^= 1;
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(p("rewritten"), &other).unwrap(); // same size, new mtime

    let out = footprint::hash::find_duplicates(&files, 4, &indicatif::ProgressBar::hidden());
    assert_eq!(out.groups.len(), 1, "{:?}", out.groups);
    let g = &out.groups[0];
    assert_eq!(g.paths.len(), 2);
    assert!(g.paths[0].ends_with("ok1.mov") && g.paths[1].ends_with("ok2.mov"));
    let mut reported: Vec<(String, footprint::util::error::ErrorKind)> = out
        .errors
        .iter()
        .map(|e| {
            (
                e.path.file_name().unwrap().to_string_lossy().into_owned(),
                e.kind,
            )
        })
        .collect();
    reported.sort();
    use footprint::util::error::ErrorKind::{Changed, Vanished};
    assert_eq!(
        reported,
        [
            ("grows.mov".to_string(), Changed),
            ("replaced.mov".to_string(), Changed),
            ("rewritten.mov".to_string(), Changed),
            ("shrinks.mov".to_string(), Changed),
            ("vanishes.mov".to_string(), Vanished),
        ]
    );
}

#[test]
fn a_tight_descriptor_limit_is_enough() {
    if !has("sh") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for d in 0..40 {
        for i in 0..25 {
            write(
                dir.path(),
                &format!("d{d}/s{}/f{i}.dpx", d % 3),
                &noise(d * 100 + i % 5, 2000),
            );
        }
    }
    let bin = assert_cmd::cargo::cargo_bin("footprint");
    let out = std::process::Command::new("sh")
        .env("FOOTPRINT_CACHE_DIR", cache_dir())
        .arg("-c")
        .arg(format!(
            "ulimit -n 64 && exec '{}' audit --no-probe --format json -q '{}'",
            bin.display(),
            dir.path().display()
        ))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = parse_one_document(&out.stdout);
    assert_eq!(r["summary"]["files"], 1000);
    assert!(
        r["errors"].as_array().unwrap().is_empty(),
        "{}",
        r["errors"]
    );
    // The same duplicates as without the limit.
    let free = audit_json(&["--no-probe", "-q", dir.path().to_str().unwrap()]);
    assert_eq!(r["duplicates"], free["duplicates"]);
    assert!(!r["duplicates"].as_array().unwrap().is_empty());
}

#[test]
fn wide_and_very_deep_trees_are_complete() {
    let dir = tempfile::tempdir().unwrap();
    // 100,000 entries in one folder.
    let wide = dir.path().join("wide");
    fs::create_dir(&wide).unwrap();
    for i in 0..100_000 {
        fs::File::create(wide.join(format!("{i:06}.tmp"))).unwrap();
    }
    // 300 levels.
    let mut deep = dir.path().join("deep");
    for i in 0..300 {
        deep.push(format!("l{i}"));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("bottom.txt"), b"bottom").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("footprint");
    let mut cmd = std::process::Command::new(bin);
    cmd.env("FOOTPRINT_CACHE_DIR", cache_dir())
        .args(["audit", "--no-probe", "--format", "json", "-q", "-j", "2"])
        .arg(dir.path());
    let (out, peak_kb, max_threads) = watch(cmd);
    assert_eq!(out.status.code(), Some(0));
    let r = parse_one_document(&out.stdout);
    eprintln!("100k-entry tree: peak RSS {peak_kb} KiB, {max_threads} threads");
    // Bounds, not performance: memory well under 1 KiB per entry beyond a
    // fixed base, and a bounded thread count (-j 2 workers, 8 readers, helpers).
    assert!(peak_kb < 150 * 1024, "peak RSS {peak_kb} KiB");
    assert!(max_threads <= 16, "{max_threads} threads");
    assert_eq!(r["summary"]["files"], 100_001);
    assert_eq!(r["summary"]["bytes"], 6);
    assert!(r["errors"].as_array().unwrap().is_empty());
}

/// Runs `cmd`, sampling its peak resident memory (VmHWM, KiB) and thread
/// count from /proc while it runs.
fn watch(mut cmd: std::process::Command) -> (std::process::Output, u64, u64) {
    use std::process::Stdio;
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let sampler = std::thread::spawn(move || {
        let (mut peak, mut threads) = (0u64, 0u64);
        while let Ok(text) = fs::read_to_string(&status) {
            let field = |name: &str| -> Option<u64> {
                text.lines()
                    .find(|l| l.starts_with(name))?
                    .split_whitespace()
                    .nth(1)?
                    .parse()
                    .ok()
            };
            peak = peak.max(field("VmHWM:").unwrap_or(0));
            threads = threads.max(field("Threads:").unwrap_or(0));
            if text.contains("State:\tZ") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        (peak, threads)
    });
    let out = child.wait_with_output().unwrap();
    let (peak, threads) = sampler.join().unwrap();
    (out, peak, threads)
}

#[test]
fn ctrl_c_during_a_long_hash_stops_promptly_with_130() {
    let dir = tempfile::tempdir().unwrap();
    // Two same-size sparse files of 16 GiB: hashing them fully takes many
    // seconds, and they use no disk.
    for name in ["a.mov", "b.mov"] {
        let f = fs::File::create(dir.path().join(name)).unwrap();
        f.set_len(16 << 30).unwrap();
    }
    let bin = assert_cmd::cargo::cargo_bin("footprint");
    let mut child = std::process::Command::new(bin)
        .env("FOOTPRINT_CACHE_DIR", cache_dir())
        .args(["audit", "--no-probe", "--format", "json"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "finished before the signal"
    );
    let sent = std::time::Instant::now();
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    // A hang guard, not a benchmark: the bound is 2 s.
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            sent.elapsed().as_secs() < 20,
            "still running 20 s after SIGINT"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    eprintln!("stopped {} ms after SIGINT", sent.elapsed().as_millis());
    let out = child.wait_with_output().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(out.stdout.is_empty(), "no half-written JSON");
}
