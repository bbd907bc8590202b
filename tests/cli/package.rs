//! `check --target dcp` on DCPs made by others (libdcp's reference packages
//! in the shared corpus) and on broken copies of them, with ClairMeta's
//! verdict beside ours: the checker cinema labs use is the anchor.

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// libdcp's reference DCPs, by path (never copied into the project).
fn reference_dcps() -> Option<PathBuf> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/cth103__libdcp/test/ref/DCP");
    if dir.is_dir() {
        return Some(dir.canonicalize().unwrap());
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "the shared corpus is missing beside the clone: {}",
            dir.display()
        );
    }
    eprintln!("shared corpus not found: package tests skipped");
    None
}

/// A Python with ClairMeta (FOOTPRINT_CLAIRMETA_PYTHON, else python3).
fn clairmeta() -> Option<PathBuf> {
    let py = std::env::var_os("FOOTPRINT_CLAIRMETA_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"));
    let ok = std::process::Command::new(&py)
        .args(["-c", "import clairmeta"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(py);
    }
    if std::env::var_os("CI").is_some() {
        panic!("ClairMeta is not installed but CI is set: .ci/run must install it");
    }
    eprintln!("ClairMeta not installed: its verdicts are not compared");
    None
}

/// ClairMeta's verdict: ok unless a check fails at ERROR level, leaving out
/// the certificate checks footprint does not make by design (docs/TARGETS.md).
fn clairmeta_ok(py: &Path, dcp: &Path) -> (bool, Vec<String>) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/clairmeta_verdict.py");
    let out = std::process::Command::new(py)
        .arg(script)
        .arg(dcp)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let errors: Vec<String> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    let ours: Vec<String> = errors
        .iter()
        .filter(|e| !e.starts_with("check_certif_"))
        .cloned()
        .collect();
    (v["exception"].is_null() && ours.is_empty(), errors)
}

/// footprint's verdict and its failed rules.
fn footprint_check(dcp: &Path, verify: bool) -> (bool, Vec<String>, Value) {
    let mut cmd = footprint();
    cmd.args(["check", "-q", "--format", "json", "--target", "dcp"]);
    if verify {
        cmd.arg("--verify");
    }
    let out = cmd.arg(dcp).output().unwrap();
    let r = parse_one_document(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(if r["passed"] == true { 0 } else { 1 })
    );
    let failed = r["deliverables"][0]["rules"]
        .as_array()
        .map(|rules| {
            rules
                .iter()
                .filter(|x| x["status"] == "fail")
                .map(|x| x["rule"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    (r["passed"] == true, failed, r)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn only(dir: &Path, prefix: &str) -> PathBuf {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .unwrap()
}

#[test]
fn reference_dcps_and_broken_copies_get_clairmetas_verdict() {
    let Some(refs) = reference_dcps() else {
        return;
    };
    let py = clairmeta();
    let t = tempfile::tempdir().unwrap();
    let base = refs.join("dcp_test1");
    type Break = fn(&Path);
    let cases: [(&str, Break, bool, &[&str]); 6] = [
        ("intact", |_| {}, true, &[]),
        (
            "empty ASSETMAP",
            |d| fs::write(d.join("ASSETMAP.xml"), "<?xml version=\"1.0\"?>\n").unwrap(),
            false,
            &["assetmap", "cpl_assets"],
        ),
        (
            "missing sound track file",
            |d| fs::remove_file(d.join("audio.mxf")).unwrap(),
            false,
            &["assetmap", "pkl_assets"],
        ),
        (
            "wrong size in the PKL",
            |d| {
                let pkl = only(d, "pkl_");
                let s = fs::read_to_string(&pkl).unwrap();
                let at = s.find("<Size>").unwrap() + "<Size>".len();
                fs::write(&pkl, format!("{}9{}", &s[..at], &s[at..])).unwrap();
            },
            false,
            &["pkl_assets"],
        ),
        (
            "a flipped byte, --verify",
            |d| {
                let mut b = fs::read(d.join("video.mxf")).unwrap();
                let mid = b.len() / 2;
                b[mid] ^= 1;
                fs::write(d.join("video.mxf"), b).unwrap();
            },
            false,
            &["pkl_hashes"],
        ),
        (
            "a CPL naming an absent asset",
            |d| {
                let cpl = only(d, "cpl_");
                let s = fs::read_to_string(&cpl).unwrap();
                let sound = s.find("<MainSound>").unwrap();
                let id = sound + s[sound..].find("<Id>").unwrap() + "<Id>".len();
                let end = id + s[id..].find("</Id>").unwrap();
                let absent = "urn:uuid:00000000-1111-2222-3333-444444444444";
                fs::write(&cpl, format!("{}{absent}{}", &s[..id], &s[end..])).unwrap();
            },
            false,
            &["cpl_assets"],
        ),
    ];
    for (i, (name, breaks, pass, rules)) in cases.iter().enumerate() {
        let dcp = t.path().join(format!("case{i}"));
        copy_dir(&base, &dcp);
        breaks(&dcp);
        let verify = name.contains("--verify");
        let (ours, failed, report) = footprint_check(&dcp, verify);
        assert_eq!(ours, *pass, "{name}: {report}");
        for r in *rules {
            assert!(
                failed.iter().any(|f| f == r),
                "{name}: {r} not failed: {failed:?}"
            );
        }
        if let Some(py) = &py {
            let (theirs, errors) = clairmeta_ok(py, &dcp);
            assert_eq!(
                ours, theirs,
                "{name}: ClairMeta says {errors:?}, footprint {failed:?}"
            );
        }
    }
}

#[test]
fn libdcps_reference_packages_as_a_lab_would_judge_them() {
    let Some(refs) = reference_dcps() else {
        return;
    };
    // dcp_test1 (SMPTE) passes; dcp_test8 (Interop) has a reel of 23 frames
    // at 24 fps, under the 1 s a reel must last.
    let (ok, failed, r) = footprint_check(&refs.join("dcp_test1"), true);
    assert!(ok, "{r}");
    assert!(failed.is_empty());
    let (ok, failed, _) = footprint_check(&refs.join("dcp_test8"), false);
    assert!(!ok);
    assert_eq!(failed, ["reel_duration"]);
    // dcp_test3 (Interop, signed) passes here; ClairMeta fails it only on
    // its signing certificates' field encoding, which footprint does not
    // check by design.
    let (ok, _, r) = footprint_check(&refs.join("dcp_test3"), true);
    assert!(ok, "{r}");
    if let Some(py) = clairmeta() {
        for d in ["dcp_test1", "dcp_test3", "dcp_test8"] {
            let (theirs, errors) = clairmeta_ok(&py, &refs.join(d));
            let (ours, ..) = footprint_check(&refs.join(d), true);
            assert_eq!(ours, theirs, "{d}: ClairMeta {errors:?}");
        }
        let (_, errors) = clairmeta_ok(&py, &refs.join("dcp_test3"));
        assert!(
            errors.iter().all(|e| e.starts_with("check_certif_")),
            "{errors:?}"
        );
        assert!(
            !errors.is_empty(),
            "ClairMeta no longer flags dcp_test3: update docs/TARGETS.md"
        );
    }
    // The package's rules are named in every format: JUnit too.
    let out = footprint()
        .args(["check", "-q", "--format", "junit", "--target", "dcp"])
        .arg(refs.join("dcp_test8"))
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(
        xml.contains(r#"name="reel_duration"><failure message="measured cpl_"#),
        "{xml}"
    );
    assert!(xml.contains(r#"name="assetmap"/>"#), "{xml}");
}

#[test]
fn an_audit_lists_a_packages_track_files_as_media_and_its_breakage_as_problems() {
    let Some(refs) = reference_dcps() else {
        return;
    };
    let dcp = refs.join("dcp_test1");
    let r = audit_json(&[dcp.to_str().unwrap()]);
    let media = r["media"].as_array().unwrap();
    assert_eq!(media.len(), 2, "{media:?}");
    let picture = media
        .iter()
        .find(|m| m["path"].as_str().unwrap().ends_with("video.mxf"))
        .unwrap();
    assert_eq!(picture["package"], dcp.to_str().unwrap());
    assert_eq!(picture["kind"], "video");
    if has("ffprobe") {
        assert_eq!(picture["video"]["codec"], "jpeg2000");
        assert_eq!(picture["video"]["width"], 1998);
        let sound = media
            .iter()
            .find(|m| m["path"].as_str().unwrap().ends_with("audio.mxf"))
            .unwrap();
        assert_eq!(sound["kind"], "audio");
        assert_eq!(sound["audio"][0]["codec"], "pcm_s24le");
        // Picture and sound run side by side: the running time counts once.
        let secs = r["summary"]["media_duration_s"].as_f64().unwrap();
        assert!(
            (secs - picture["duration_s"].as_f64().unwrap()).abs() < 0.05,
            "{secs}"
        );
    }
    // The files still weigh as the package they are.
    assert_eq!(r["by_kind"]["dcp"]["files"], 6);
    assert_eq!(r["by_kind"]["video"]["files"], 0);
    assert!(
        r["errors"].as_array().unwrap().is_empty(),
        "{}",
        r["errors"]
    );

    // A CPL naming an absent asset: a `package` problem, and the gate trips.
    let t = tempfile::tempdir().unwrap();
    let broken = t.path().join("DCP");
    copy_dir(&dcp, &broken);
    let cpl = only(&broken, "cpl_");
    let s = fs::read_to_string(&cpl).unwrap();
    let sound = s.find("<MainSound>").unwrap();
    let id = sound + s[sound..].find("<Id>").unwrap() + "<Id>".len();
    let end = id + s[id..].find("</Id>").unwrap();
    fs::write(
        &cpl,
        format!(
            "{}urn:uuid:00000000-1111-2222-3333-444444444444{}",
            &s[..id],
            &s[end..]
        ),
    )
    .unwrap();
    let out = footprint()
        .args(["audit", "--format", "json", "--fail-on", "packages"])
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r = parse_one_document(&out.stdout);
    let p = errors_of(&r, "package");
    assert_eq!(p.len(), 1, "{}", r["errors"]);
    assert_eq!(p[0]["path"], broken.to_str().unwrap());
    assert!(
        p[0]["error"].as_str().unwrap().starts_with("cpl_assets: "),
        "{}",
        p[0]
    );
}

/// An IMP in the shape Netflix Photon validates: an ASSETMAP, a PKL and an
/// ST 2067-3 CPL whose segment's MainImageSequence names a JPEG 2000 track
/// file (the fixture's picture MXF: 12 frames at 24 fps).
fn make_imp(dir: &Path, track_file_id: &str, intrinsic: u32) {
    fs::create_dir_all(dir).unwrap();
    fs::copy(
        fixtures().join("dcp/DEMO_FTR/j2c_picture.mxf"),
        dir.join("IMG_0001.mxf"),
    )
    .unwrap();
    let mxf = "urn:uuid:4f1d6a10-0000-4000-8000-000000000004";
    let cpl = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016" xmlns:cc="http://www.smpte-ra.org/schemas/2067-2/2016">
  <Id>urn:uuid:4f1d6a10-0000-4000-8000-000000000003</Id>
  <ContentTitle>footprint test IMP</ContentTitle>
  <EditRate>24 1</EditRate>
  <SegmentList><Segment><Id>urn:uuid:4f1d6a10-0000-4000-8000-000000000010</Id><SequenceList>
    <cc:MainImageSequence><Id>urn:uuid:4f1d6a10-0000-4000-8000-000000000011</Id>
      <TrackId>urn:uuid:4f1d6a10-0000-4000-8000-000000000012</TrackId><ResourceList>
        <Resource><Id>urn:uuid:4f1d6a10-0000-4000-8000-000000000013</Id><EditRate>24 1</EditRate>
          <IntrinsicDuration>{intrinsic}</IntrinsicDuration><EntryPoint>0</EntryPoint>
          <SourceDuration>12</SourceDuration><TrackFileId>{track_file_id}</TrackFileId></Resource>
      </ResourceList></cc:MainImageSequence>
  </SequenceList></Segment></SegmentList>
</CompositionPlaylist>
"#
    );
    fs::write(dir.join("CPL_IMP.xml"), cpl).unwrap();
    let sha1 = |p: &Path| {
        footprint::manifest::digest::file(p, footprint::manifest::digest::Format::Sha1Base64)
            .unwrap()
    };
    let size = |p: &Path| fs::metadata(p).unwrap().len();
    let (c, m) = (dir.join("CPL_IMP.xml"), dir.join("IMG_0001.mxf"));
    let pkl = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<PackingList xmlns="http://www.smpte-ra.org/schemas/2067-2/2016/PKL">
  <Id>urn:uuid:4f1d6a10-0000-4000-8000-000000000002</Id>
  <AssetList>
    <Asset><Id>urn:uuid:4f1d6a10-0000-4000-8000-000000000003</Id><Hash>{}</Hash><Size>{}</Size><Type>text/xml</Type></Asset>
    <Asset><Id>{mxf}</Id><Hash>{}</Hash><Size>{}</Size><Type>application/mxf</Type></Asset>
  </AssetList>
</PackingList>
"#,
        sha1(&c),
        size(&c),
        sha1(&m),
        size(&m)
    );
    fs::write(dir.join("PKL_IMP.xml"), pkl).unwrap();
    let map = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<AssetMap xmlns="http://www.smpte-ra.org/schemas/429-9/2007/AM">
  <Id>urn:uuid:4f1d6a10-0000-4000-8000-000000000001</Id>
  <AssetList>
    <Asset><Id>urn:uuid:4f1d6a10-0000-4000-8000-000000000002</Id><PackingList>true</PackingList><ChunkList><Chunk><Path>PKL_IMP.xml</Path></Chunk></ChunkList></Asset>
    <Asset><Id>urn:uuid:4f1d6a10-0000-4000-8000-000000000003</Id><ChunkList><Chunk><Path>CPL_IMP.xml</Path></Chunk></ChunkList></Asset>
    <Asset><Id>{mxf}</Id><ChunkList><Chunk><Path>IMG_0001.mxf</Path></Chunk></ChunkList></Asset>
  </AssetList>
</AssetMap>
"#
    );
    fs::write(dir.join("ASSETMAP.xml"), map).unwrap();
}

#[test]
fn imps_are_checked_by_their_segments() {
    let t = tempfile::tempdir().unwrap();
    let good = t.path().join("IMP_OK");
    make_imp(&good, "urn:uuid:4f1d6a10-0000-4000-8000-000000000004", 12);
    let (ok, failed, r) = footprint_check(&good, true);
    let d = &r["deliverables"][0];
    assert_eq!(d["kind"], "imf", "{r}");
    for rule in [
        "assetmap",
        "pkl",
        "pkl_assets",
        "pkl_hashes",
        "cpl",
        "cpl_assets",
        "cpl_durations",
    ] {
        let x = d["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["rule"] == rule)
            .unwrap();
        assert_eq!(x["status"], "pass", "{rule}: {x}");
    }
    // An IMP's picture need not be in a DCI container; no reel rule applies.
    assert!(
        !failed
            .iter()
            .any(|f| f == "picture" || f == "reel_duration"),
        "{failed:?}"
    );
    if has("ffprobe") {
        assert!(ok, "{r}");
    }

    // A segment naming a track file the package lacks, and one asking for
    // more frames than the track file holds.
    let absent = t.path().join("IMP_ABSENT");
    make_imp(&absent, "urn:uuid:00000000-1111-2222-3333-444444444444", 12);
    let (ok, failed, _) = footprint_check(&absent, false);
    assert!(!ok);
    assert!(failed.contains(&"cpl_assets".to_string()), "{failed:?}");
    let long = t.path().join("IMP_LONG");
    make_imp(&long, "urn:uuid:4f1d6a10-0000-4000-8000-000000000004", 48);
    let (ok, failed, _) = footprint_check(&long, false);
    assert!(!ok);
    assert_eq!(failed, ["cpl_durations"]);
}

#[test]
fn encrypted_track_files_are_named_not_failed() {
    let Some(refs) = reference_dcps() else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let dcp = t.path().join("ENC");
    copy_dir(&refs.join("dcp_test1"), &dcp);
    // A KeyId on the picture: its essence is encrypted (SMPTE ST 429-6).
    let cpl = only(&dcp, "cpl_");
    let s = fs::read_to_string(&cpl).unwrap();
    let at = s.find("</MainPicture>").unwrap();
    let key = "<KeyId>urn:uuid:11111111-2222-3333-4444-555555555555</KeyId>";
    fs::write(&cpl, format!("{}{key}{}", &s[..at], &s[at..])).unwrap();
    let (ok, failed, r) = footprint_check(&dcp, false);
    let d = &r["deliverables"][0];
    let enc = d["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "encryption")
        .unwrap_or_else(|| panic!("no encryption rule: {d}"));
    assert_eq!(enc["status"], "info");
    assert_eq!(
        enc["measured"],
        "1 encrypted track file(s): essence not checked"
    );
    // The CPL's size changed, so its PKL entry no longer matches: that is
    // the only failure; nothing is failed for being encrypted.
    assert_eq!(failed, ["pkl_assets"], "{d}");
    assert!(!ok);
}

#[test]
fn each_package_rule_fails_on_its_own_breakage() {
    let Some(refs) = reference_dcps() else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let variant = |name: &str, breaks: &dyn Fn(&Path)| -> Vec<String> {
        let dcp = t.path().join(name);
        copy_dir(&refs.join("dcp_test1"), &dcp);
        breaks(&dcp);
        footprint_check(&dcp, false).1
    };
    let edit_cpl = |d: &Path, from: &str, to: &str| {
        let cpl = only(d, "cpl_");
        let s = fs::read_to_string(&cpl).unwrap();
        assert!(s.contains(from), "{from}");
        fs::write(&cpl, s.replacen(from, to, 1)).unwrap();
    };
    // The CPL says 25 fps where the picture track file runs at 24. (Its
    // size changes too, so the PKL's size check fails beside it.)
    let failed = variant("rate", &|d| {
        let cpl = only(d, "cpl_");
        let s = fs::read_to_string(&cpl).unwrap();
        let pic = s.find("<MainPicture>").unwrap();
        let rate = pic + s[pic..].find("<EditRate>24 1</EditRate>").unwrap();
        let s = format!(
            "{}<EditRate>25 1</EditRate>{}",
            &s[..rate],
            &s[rate + "<EditRate>24 1</EditRate>".len()..]
        );
        fs::write(&cpl, s).unwrap();
    });
    if has("ffprobe") {
        assert!(failed.contains(&"edit_rates".to_string()), "{failed:?}");
    }
    // No packing list at all.
    let failed = variant("nopkl", &|d| fs::remove_file(only(d, "pkl_")).unwrap());
    assert!(failed.contains(&"pkl".to_string()), "{failed:?}");
    // A CPL that is not XML any more.
    let failed = variant("badcpl", &|d| {
        fs::write(only(d, "cpl_"), "<CompositionPlaylist>").unwrap()
    });
    assert!(failed.contains(&"cpl".to_string()), "{failed:?}");
    // A reel whose entry point leaves fewer frames than its duration asks.
    let failed = variant("entry", &|d| {
        edit_cpl(
            d,
            "<EntryPoint>0</EntryPoint>",
            "<EntryPoint>20</EntryPoint>",
        )
    });
    assert!(failed.contains(&"cpl_durations".to_string()), "{failed:?}");
}
