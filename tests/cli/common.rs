//! Shared helpers for the integration tests: a hermetic command and temp trees.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `footprint` with an environment that does not leak into results.
pub fn footprint() -> Command {
    let mut cmd = Command::cargo_bin("footprint").unwrap();
    cmd.env_remove("NO_COLOR")
        .env("FOOTPRINT_CACHE_DIR", cache_dir())
        .env_remove("FOOTPRINT_FFPROBE")
        .env_remove("TERM")
        // A hang guard, not a performance assertion.
        .timeout(Duration::from_secs(120));
    cmd
}

/// One cache per test process: shared by the tests (as two audits at once
/// would share it), never left over from an earlier build.
pub fn cache_dir() -> PathBuf {
    std::env::temp_dir().join(format!("footprint-test-cache-{}", std::process::id()))
}

/// Runs `footprint audit --format json ARGS`, asserts exit 0 and one JSON document.
pub fn audit_json(args: &[&str]) -> Value {
    command_json("audit", args)
}

/// Runs `footprint COMMAND --format json ARGS`, asserts exit 0 and one JSON document.
pub fn command_json(command: &str, args: &[&str]) -> Value {
    let out = footprint()
        .arg(command)
        .arg("--format")
        .arg("json")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_one_document(&out.stdout)
}

/// Parses stdout, asserting it is exactly one JSON document.
pub fn parse_one_document(stdout: &[u8]) -> Value {
    let mut docs = serde_json::Deserializer::from_slice(stdout).into_iter::<Value>();
    let first = docs.next().expect("a JSON document").expect("valid JSON");
    assert!(
        docs.next().is_none(),
        "more than one JSON document on stdout"
    );
    first
}

/// The bundled fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// True if `tool` runs.
pub fn has(tool: &str) -> bool {
    // FFmpeg's tools take `-version`, most others `--version`.
    ["-version", "--version"].iter().any(|flag| {
        std::process::Command::new(tool)
            .arg(flag)
            .output()
            .is_ok_and(|o| o.status.success() || !o.stdout.is_empty())
    })
}

/// Writes an executable shell script.
pub fn script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Creates a FIFO.
pub fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

/// The error entries of `report` whose `kind` is `kind`.
pub fn errors_of<'a>(report: &'a Value, kind: &str) -> Vec<&'a Value> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .collect()
}

/// The media item whose path ends with `suffix`.
pub fn media<'a>(report: &'a Value, suffix: &str) -> &'a Value {
    report["media"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["path"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no media item ending with {suffix}"))
}

/// Runs ffmpeg (quiet, overwrite) and asserts it succeeded.
pub fn ffmpeg(args: &[&str]) {
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg runs");
    assert!(
        out.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A 1 s 1080p25 H.264 at about 8 Mbit/s with AC-3 stereo: a valid Blu-ray stream.
#[rustfmt::skip]
pub fn compliant_h264(path: &Path) {
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=24000/1001",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "1", "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high",
        "-level", "4.1", "-b:v", "8M",
        "-maxrate", "8M", "-bufsize", "8M", "-pix_fmt", "yuv420p",
        "-c:a", "ac3", "-ac", "2", "-b:a", "192k",
        path.to_str().unwrap(),
    ]);
}

/// Six frames of lossless noise: far above any Blu-ray bit rate.
#[rustfmt::skip]
pub fn noisy_h264(path: &Path) {
    ffmpeg(&[
        "-f", "lavfi", "-i", "color=c=gray:size=640x360:rate=25,noise=alls=100:allf=t",
        "-frames:v", "6", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0",
        path.to_str().unwrap(),
    ]);
}

/// The ASC MHL reference tool (`ascmhl`, PyPI): `$FOOTPRINT_ASCMHL`, else on
/// PATH. `.ci/run` installs it; under CI its absence is a failure, not a skip.
pub fn ascmhl() -> Option<PathBuf> {
    let candidate = std::env::var_os("FOOTPRINT_ASCMHL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("ascmhl"));
    let ok = std::process::Command::new(&candidate)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var_os("CI").is_some() {
        panic!("ascmhl is not installed but CI is set: .ci/run must install it");
    }
    ok.then_some(candidate)
}

/// Deterministic pseudo-random bytes.
pub fn noise(seed: u32, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// Writes `content` at `root/rel`, creating folders.
pub fn write(root: &Path, rel: &str, content: &[u8]) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

/// `footprint` run as an unprivileged user (uid 65534 through setpriv when
/// the tests run as root), so permission bits bite; `None` when privileges
/// cannot be dropped.
pub fn unprivileged() -> Option<std::process::Command> {
    let bin = assert_cmd::cargo::cargo_bin("footprint");
    if unsafe { libc::geteuid() } != 0 {
        return Some(std::process::Command::new(bin));
    }
    let has_setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_setpriv {
        eprintln!("setpriv missing: cannot drop privileges, test skipped");
        return None;
    }
    let mut c = std::process::Command::new("setpriv");
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(bin)
        .env_remove("NO_COLOR")
        .env_remove("TERM");
    Some(c)
}

/// The `copies[]` entry of `root`.
pub fn copies_of<'a>(r: &'a Value, root: &Path) -> &'a Value {
    let root = root.to_str().unwrap();
    r["copies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["root"] == root)
        .unwrap_or_else(|| panic!("no copies entry for {root}: {}", r["copies"]))
}
