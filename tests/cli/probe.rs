//! ffprobe missing, hanging or lying; and Ctrl-C while probing.

use crate::common::*;
use std::time::Duration;

/// One clip that only ffprobe reads (ASF has no native reader).
fn tree_with_one_clip() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("media")).unwrap();
    // An ASF header: a format no native reader reads, so ffprobe is asked.
    let mut asf = vec![
        0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE,
        0x6C,
    ];
    asf.resize(4096, 0);
    std::fs::write(t.path().join("media/clip.wmv"), asf).unwrap();
    t
}

#[test]
fn missing_ffprobe_warns_once_and_the_audit_completes() {
    let t = tree_with_one_clip();
    let out = footprint()
        .args([
            "audit",
            "--format",
            "json",
            "--ffprobe",
            "/nonexistent/ffprobe",
        ])
        .arg(t.path().join("media"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r = parse_one_document(&out.stdout);
    assert_eq!(r["stages"]["probe"], "unavailable");
    assert_eq!(r["media"][0]["probe"]["source"], "none");
    assert_eq!(r["media"][0]["kind"], "video");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("ffprobe not available").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_hanging_ffprobe_is_killed_at_the_timeout() {
    let t = tree_with_one_clip();
    let fake = t.path().join("ffprobe-hangs");
    // Answers -version, then hangs on every file (its child sleep keeps the pipes open).
    script(
        &fake,
        "[ \"$1\" = -version ] && { echo 'ffprobe version fake'; exit 0; }\nsleep 300",
    );
    let out = footprint()
        .args([
            "audit",
            "--format",
            "json",
            "--probe-timeout",
            "1",
            "--ffprobe",
        ])
        .arg(&fake)
        .arg(t.path().join("media"))
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r = parse_one_document(&out.stdout);
    let errs = errors_of(&r, "probe");
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0]["error"]
            .as_str()
            .unwrap()
            .contains("timed out after 1 s"),
        "{}",
        errs[0]
    );
    // stderr summarises; the report has the detail.
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 media item could not be probed"));
}

#[test]
fn invalid_json_from_ffprobe_is_an_error_for_that_file_only() {
    let t = tree_with_one_clip();
    let fake = t.path().join("ffprobe-garbage");
    script(
        &fake,
        "[ \"$1\" = -version ] && { echo 'ffprobe version fake'; exit 0; }\necho '{\"streams\": [oops'",
    );
    let out = footprint()
        .args(["audit", "--format", "json", "--ffprobe"])
        .arg(&fake)
        .arg(t.path().join("media"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r = parse_one_document(&out.stdout);
    let e = &errors_of(&r, "probe")[0]["error"];
    assert!(e.as_str().unwrap().contains("invalid output"), "{e}");
    assert_eq!(r["summary"]["files"], 1);
}

#[test]
fn names_that_look_like_options_or_protocols_are_probed_as_files() {
    if !has("ffprobe") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let src = fixtures().join("media/exports/PROJX_cut_v01.mp4");
    std::fs::copy(&src, t.path().join("-dash.mp4")).unwrap();
    std::fs::copy(&src, t.path().join("rec:01.mp4")).unwrap();
    let r = audit_json(&[t.path().to_str().unwrap()]);
    assert!(
        r["errors"].as_array().unwrap().is_empty(),
        "{}",
        r["errors"]
    );
    for m in r["media"].as_array().unwrap() {
        assert_eq!(m["video"]["codec"], "h264");
    }
}

#[test]
fn ctrl_c_exits_130_with_nothing_on_stdout() {
    let t = tree_with_one_clip();
    let fake = t.path().join("ffprobe-slow");
    script(
        &fake,
        "[ \"$1\" = -version ] && { echo 'ffprobe version fake'; exit 0; }\nsleep 300",
    );
    let bin = assert_cmd::cargo::cargo_bin("footprint");
    let child = std::process::Command::new(bin)
        .env("FOOTPRINT_CACHE_DIR", cache_dir())
        .args(["audit", "--format", "json", "--ffprobe"])
        .arg(&fake)
        .arg(t.path().join("media"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
}

#[test]
fn headers_are_read_by_many_workers_but_only_j_ffprobe_processes_run_at_once() {
    let t = tree_with_one_clip();
    let clip = std::fs::read(t.path().join("media/clip.wmv")).unwrap();
    for i in 2..=8 {
        std::fs::write(t.path().join(format!("media/clip{i}.wmv")), &clip).unwrap();
    }
    let slots = t.path().join("slots");
    std::fs::create_dir(&slots).unwrap();
    let fake = t.path().join("ffprobe-counts");
    // Each run takes a slot, records how many are taken, holds it 300 ms.
    script(
        &fake,
        &format!(
            "[ \"$1\" = -version ] && {{ echo 'ffprobe version fake'; exit 0; }}\n\
             d='{}'\nmkdir \"$d/slot.$$\"\nls -d \"$d\"/slot.* | wc -l >> \"$d/../counts\"\n\
             sleep 0.3\nrmdir \"$d/slot.$$\"\nexit 1",
            slots.display()
        ),
    );
    let media = t.path().join("media");
    let (fake, media) = (fake.to_str().unwrap(), media.to_str().unwrap());
    let args = ["--no-hash", "--no-cache", "-j", "2", "--io-threads", "8"];
    let r = command_json("audit", &[&args[..], &["--ffprobe", fake, media]].concat());
    let counts: Vec<usize> = std::fs::read_to_string(t.path().join("counts"))
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    // Every clip went to ffprobe once, never more than two at a time.
    assert_eq!(counts.len(), 8, "{counts:?}");
    assert!(counts.iter().all(|&n| (1..=2).contains(&n)), "{counts:?}");
    assert_eq!(r["media"].as_array().unwrap().len(), 8);
}
