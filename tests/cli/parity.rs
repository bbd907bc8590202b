//! Probe truth on third-party media (issue 22): `benches/parity.py` holds
//! every field footprint reports for `../shared/corpus` (393 files other
//! projects published; MANIFEST.tsv there has their sources) against
//! ffprobe and MediaInfo, and fails under the floors below: the issue's
//! goal, 99.5 % per field (docs/PROBE.md, "Parity on third-party media",
//! says which tool's value counts as truth where they disagree).

use crate::common::*;
use std::path::Path;

/// Lowest share of files (percent) on which each field of the default
/// audit agrees with ffprobe or MediaInfo.
const FIELD_FLOOR: &str = "99.5";
/// Lowest share of the media ffprobe reads that get a right codec with
/// FFmpeg absent (`--probe-with native`): the goal is 90 %; main reaches
/// 94.9 %, so a reader that starts declining fails.
const NATIVE_FLOOR: &str = "94";

#[test]
fn footprint_agrees_with_ffprobe_or_mediainfo_on_third_party_media() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let runs = |tool: &str| {
        std::process::Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let ready = corpus.is_dir() && has("ffprobe") && runs("mediainfo") && runs("python3");
    if !ready {
        // CI lays ../shared beside the clone and installs both tools.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: ../shared/corpus, ffprobe, mediainfo and python3 are required"
        );
        eprintln!("../shared/corpus, ffprobe or mediainfo missing: third-party parity not checked");
        return;
    }
    let out = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/parity.py"))
        .args([
            "--show",
            "40",
            "--min",
            FIELD_FLOOR,
            "--min-native",
            NATIVE_FLOOR,
        ])
        .args(["--footprint", env!("CARGO_BIN_EXE_footprint")])
        .arg(&corpus)
        .env("PARITY_CACHE", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The report names every field and the native coverage.
    for field in ["video codec", "video fps", "audio channels", "duration"] {
        assert!(text.contains(field), "{text}");
    }
    assert!(text.contains("right codec without FFmpeg"), "{text}");
}
