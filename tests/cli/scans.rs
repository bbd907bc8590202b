//! Scans as data: manifests, `footprint diff`, `footprint fleet`, and the
//! same manifests read by DuckDB and pyarrow.

use crate::common::{command_json, footprint, noise, write};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `audit --hash all --manifest DEST --host HOST ROOTS`.
fn manifest(dest: &Path, host: &str, roots: &[&Path]) {
    let out = footprint()
        .args([
            "audit", "-q", "--format", "json", "--hash", "all", "--host", host,
        ])
        .arg("--manifest")
        .arg(dest)
        .args(roots)
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dest.is_file(), "no manifest at {}", dest.display());
}

/// Two volumes: copies across them and inside one, hard links, empty files,
/// same-size files of other content.
fn two_volumes(dir: &Path) -> (PathBuf, PathBuf) {
    let (a, b) = (dir.join("card"), dir.join("shuttle"));
    let clip = noise(1, 40_000);
    write(&a, "A001/A001C001.mov", &clip);
    write(&b, "PROJX/A001/A001C001.mov", &clip);
    write(&b, "backup/A001C001.mov", &clip);
    write(&a, "A001/A001C002.mov", &noise(2, 30_000));
    // Same size as C002, other bytes: a candidate, not a copy.
    write(&b, "PROJX/A001/A001C003.mov", &noise(3, 30_000));
    let wav = noise(4, 5_000);
    write(&a, "sound/scene1.wav", &wav);
    write(&a, "sound/scene1_copy.wav", &wav);
    std::fs::hard_link(a.join("sound/scene1.wav"), a.join("sound/scene1_link.wav")).unwrap();
    write(&a, "empty.txt", b"");
    write(&b, "empty.txt", b"");
    write(&b, "notes.txt", b"only here");
    (a, b)
}

/// The two volumes audited apart, on hosts edit1 and nas2, their manifests
/// in a Hive layout under `dir/scans`: (card, shuttle, scans, card's manifest).
fn hive_scans(dir: &Path) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    let (a, b) = two_volumes(dir);
    let scans = dir.join("scans");
    let (ma, mb) = (
        scans.join("host=edit1/volume=card/scan=1.parquet"),
        scans.join("host=nas2/volume=shuttle/scan=1.parquet"),
    );
    std::fs::create_dir_all(ma.parent().unwrap()).unwrap();
    std::fs::create_dir_all(mb.parent().unwrap()).unwrap();
    manifest(&ma, "edit1", &[&a]);
    manifest(&mb, "nas2", &[&b]);
    (a, b, scans, ma)
}

/// Each group as its sorted set of paths.
fn group_sets(groups: &Value, path: impl Fn(&Value) -> String) -> BTreeSet<Vec<String>> {
    groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let mut v: Vec<String> = g["paths"].as_array().unwrap().iter().map(&path).collect();
            v.sort();
            v
        })
        .collect()
}

#[test]
fn hash_all_finds_the_groups_of_the_rounds_reading_each_inode_once() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_volumes(dir.path());
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let rounds = command_json("audit", &["-q", "--no-probe", "--no-cache", a, b]);
    let all = command_json(
        "audit",
        &["-q", "--no-probe", "--no-cache", "--hash", "all", a, b],
    );
    // The same groups, hard-linked names and wasted bytes included.
    assert_eq!(all["duplicates"], rounds["duplicates"]);
    assert_eq!(all["duplicates"].as_array().unwrap().len(), 2);
    assert_eq!(
        all["summary"]["duplicate_bytes"],
        rounds["summary"]["duplicate_bytes"]
    );
    // Nine non-empty names on eight inodes (a hard link): eight reads,
    // none of them a head or tail round first.
    assert_eq!(all["cache"]["hashes_computed"], 8);
}

#[test]
fn fleet_of_volumes_audited_apart_finds_the_groups_of_one_audit_of_both() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, scans, _) = hive_scans(dir.path());
    let both = command_json("audit", &["-q", a.to_str().unwrap(), b.to_str().unwrap()]);
    // A folder (Hive layout) and a glob give the same answer.
    let fleet = command_json("fleet", &[scans.to_str().unwrap()]);
    let glob = format!("{}/host=*/volume=*/*.parquet", scans.display());
    assert_eq!(
        command_json("fleet", &[&glob])["duplicates"],
        fleet["duplicates"]
    );

    let audit_groups = group_sets(&both["duplicates"], |p| p.as_str().unwrap().to_string());
    let fleet_groups = group_sets(&fleet["duplicates"], |p| p["path"].as_str().unwrap().into());
    assert_eq!(fleet_groups, audit_groups);
    assert_eq!(fleet_groups.len(), 2, "{fleet_groups:?}");
    // The clip: three inodes on two hosts; the sound: two inodes, one host,
    // the hard link named but not counted.
    let g = &fleet["duplicates"][0];
    assert_eq!(g["copies"], 3);
    assert_eq!(g["hosts"], serde_json::json!(["edit1", "nas2"]));
    assert_eq!(g["wasted_bytes"], 80_000);
    let wav = &fleet["duplicates"][1];
    assert_eq!(
        (
            wav["copies"].as_u64(),
            wav["paths"].as_array().unwrap().len()
        ),
        (Some(2), 3)
    );
    assert_eq!(fleet["cross_host_groups"], 1);
    assert_eq!(fleet["duplicate_bytes"], both["summary"]["duplicate_bytes"]);
    // Totals as the audit counts them: names, and bytes each inode once.
    assert_eq!(fleet["files"], both["summary"]["files"]);
    assert_eq!(fleet["bytes"], both["summary"]["bytes"]);
    let host = |h: &str| {
        fleet["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["host"] == h)
            .unwrap()
            .clone()
    };
    // On edit1 only: A001C002 (30,000), the two sound names of one inode and
    // its copy (5,000 + 5,000; the link counted once), the empty file.
    let e = host("edit1");
    assert_eq!(
        (e["only_here_files"].as_u64(), e["only_here_bytes"].as_u64()),
        (Some(5), Some(40_000))
    );
    let n = host("nas2");
    assert_eq!(
        (n["only_here_files"].as_u64(), n["only_here_bytes"].as_u64()),
        (Some(3), Some(30_009))
    );
    assert_eq!(fleet["unknown_files"], 0);
    let folders: Vec<(String, u64)> = fleet["only_here_folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["folder"].as_str().unwrap().to_string(),
                f["only_here_files"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        folders.contains(&(a.join("A001").display().to_string(), 1)),
        "{folders:?}"
    );
    assert!(
        folders.contains(&(b.join("PROJX/A001").display().to_string(), 1)),
        "{folders:?}"
    );
}

#[test]
fn fleet_says_unknown_without_hashes_and_counts_the_newest_scan() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_volumes(dir.path());
    let (ma, mb, old) = (
        dir.path().join("a.parquet"),
        dir.path().join("b.parquet"),
        dir.path().join("b_old.parquet"),
    );
    // Without --hash all, C001 on the card has no hash (its size is unique
    // there): whether the shuttle's copies are copies of it is unknown.
    let out = footprint()
        .args([
            "audit",
            "-q",
            "--format",
            "json",
            "--host",
            "edit1",
            "--manifest",
        ])
        .arg(&ma)
        .arg(&a)
        .output()
        .unwrap();
    assert!(out.status.code().unwrap() <= 1);
    manifest(&old, "nas2", &[&b]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write(&b, "late.mov", &noise(9, 1234));
    manifest(&mb, "nas2", &[&b]);
    let f = command_json(
        "fleet",
        &[
            ma.to_str().unwrap(),
            mb.to_str().unwrap(),
            old.to_str().unwrap(),
        ],
    );
    assert_eq!(f["superseded"].as_array().unwrap().len(), 1);
    assert_eq!(f["superseded"][0]["manifest"], old.display().to_string());
    let nas = f["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["host"] == "nas2")
        .unwrap();
    assert_eq!(nas["files"], 6, "the newest scan, with late.mov");
    // C001 and C002 on the card have no hash (their sizes are unique
    // there): neither they nor the shuttle's files of their sizes (two
    // C001, one C003) can be said to be on one host only.
    assert_eq!(f["unknown_files"], 5);
    assert_eq!(f["unknown_bytes"], 40_000 + 30_000 + 2 * 40_000 + 30_000);
    assert_eq!(f["cross_host_groups"], 0);
    let text = footprint().arg("fleet").arg(&ma).arg(&mb).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Unknown: 5 files"), "{text}");
}

#[test]
fn diff_lists_exactly_the_files_of_a_scripted_change() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("raid");
    let clip = noise(1, 20_000);
    write(&root, "card/A001/A001C001.mov", &clip);
    write(&root, "shuttle/A001/A001C001.mov", &clip);
    write(&root, "card/A001/A001C002.mov", &noise(2, 10_000));
    write(&root, "edit/cut_v01.mp4", &noise(3, 5_000));
    write(&root, "edit/cut_v02.mp4", &noise(4, 5_000));
    write(&root, "edit/notes.txt", b"v1");
    write(&root, "stay.txt", b"same");
    let (old, new) = (
        dir.path().join("old.parquet"),
        dir.path().join("new.parquet"),
    );
    manifest(&old, "h", &[&root]);
    // The script: remove one copy of C001, rename C002, overwrite one
    // export with other bytes of the same size, grow the notes, add a file.
    std::fs::remove_file(root.join("shuttle/A001/A001C001.mov")).unwrap();
    std::fs::rename(
        root.join("card/A001/A001C002.mov"),
        root.join("card/A001/A001C002_fixed.mov"),
    )
    .unwrap();
    write(&root, "edit/cut_v02.mp4", &noise(5, 5_000));
    write(&root, "edit/notes.txt", b"v1 and v2");
    write(&root, "edit/cut_v03.mp4", &noise(6, 6_000));
    manifest(&new, "h", &[&root]);
    let d = command_json("diff", &[old.to_str().unwrap(), new.to_str().unwrap()]);
    let r = |rel: &str| root.join(rel).display().to_string();
    let paths = |key: &str| -> Vec<String> {
        d[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["path"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(paths("added"), [r("edit/cut_v03.mp4")]);
    assert_eq!(paths("removed"), [r("shuttle/A001/A001C001.mov")]);
    assert_eq!(
        paths("changed"),
        [r("edit/cut_v02.mp4"), r("edit/notes.txt")]
    );
    assert_eq!(d["changed"][0]["by"], "content");
    assert_eq!(d["moved"].as_array().unwrap().len(), 1);
    assert_eq!(d["moved"][0]["from"], r("card/A001/A001C002.mov"));
    assert_eq!(d["moved"][0]["to"], r("card/A001/A001C002_fixed.mov"));
    // -20,000 + 6,000 + 7 bytes of notes.
    assert_eq!(d["growth_bytes"], -20_000 + 6_000 + 7);
    let lost = d["lost_copies"].as_array().unwrap();
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert_eq!(lost[0]["folder"], r("shuttle/A001"));
    assert_eq!(
        (
            lost[0]["copies_before"].as_u64(),
            lost[0]["copies_after"].as_u64()
        ),
        (Some(2), Some(1))
    );
    let top = |name: &str| {
        d["by_folder"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == r(name))
            .map(|g| g["delta"].as_i64().unwrap())
    };
    assert_eq!(top("shuttle"), Some(-20_000));
    assert_eq!(top("edit"), Some(6_007));
    assert_eq!(top("card"), None, "a rename changes no folder's weight");
    assert!(d["limits"].is_null(), "{}", d["limits"]);
    // CI gate: shrinking passes any limit; growing fails one.
    let gate = |args: &[&str], a: &Path, b: &Path| {
        footprint()
            .arg("diff")
            .args(args)
            .arg(a)
            .arg(b)
            .output()
            .unwrap()
    };
    assert_eq!(
        gate(&["--fail-on-growth", "0%"], &old, &new).status.code(),
        Some(0)
    );
    let grew = gate(&["--fail-on-growth", "10%"], &new, &old);
    assert_eq!(grew.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&grew.stderr).contains("limit 10%"));
    assert_eq!(
        gate(&["--fail-on-growth", "200"], &new, &old).status.code(),
        Some(0)
    );
    let bad = gate(&["--fail-on-growth", "lots"], &new, &old);
    assert_eq!(bad.status.code(), Some(2));
    // The table for people says the same.
    let t = String::from_utf8(gate(&["--width", "0"], &old, &new).stdout).unwrap();
    assert!(
        t.contains("1 added (6.00 kB), 1 removed (20.0 kB), 2 changed, 1 moved or renamed."),
        "{t}"
    );
    assert!(t.contains("Clip folders that lost a copy"), "{t}");
}

#[test]
fn diff_of_json_reports_covers_media_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("v");
    write(&root, "a.mov", &noise(1, 3_000));
    let (old, new) = (dir.path().join("old.json"), dir.path().join("new.json"));
    let audit = |dest: &Path| {
        let out = footprint()
            .args(["audit", "-q", "--format", "json", "-o"])
            .arg(dest)
            .arg(&root)
            .output()
            .unwrap();
        assert!(out.status.code().unwrap() <= 1);
    };
    audit(&old);
    write(&root, "b.mov", &noise(2, 4_000));
    audit(&new);
    let d = command_json("diff", &[old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(d["old"]["format"], "json_report");
    assert_eq!(
        d["added"][0]["path"],
        root.join("b.mov").display().to_string()
    );
    assert_eq!(d["growth_bytes"], 4_000);
    assert!(
        d["limits"][0]
            .as_str()
            .unwrap()
            .contains("media files only")
    );
}

#[test]
fn bad_manifests_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let fail = |cmd: &str, files: &[&Path], expect: &str| {
        let out = footprint().arg(cmd).args(files).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd} {files:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{err}");
        assert!(out.stdout.is_empty());
    };
    let junk = dir.path().join("junk.parquet");
    std::fs::write(&junk, noise(7, 5_000)).unwrap();
    fail("fleet", &[&junk], "not a readable Parquet file");
    fail(
        "diff",
        &[&junk, &junk],
        "neither a Parquet manifest nor a JSON report",
    );
    // A real manifest cut short.
    let root = dir.path().join("v");
    write(&root, "a.mov", &noise(1, 3_000));
    let good = dir.path().join("good.parquet");
    manifest(&good, "h", &[&root]);
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.path().join("cut.parquet");
    std::fs::write(&cut, &bytes[..bytes.len() - 20]).unwrap();
    fail("fleet", &[&cut], "not a readable Parquet file");
    fail("diff", &[&good, &cut], "not a readable Parquet file");
    // A newer schema, and rows of two scans in one file.
    let newer = dir.path().join("newer.parquet");
    write_raw(&newer, "99", &[("s1", "a.mov")]);
    fail(
        "fleet",
        &[&newer],
        "manifest schema 99 is newer than this footprint reads",
    );
    let mixed = dir.path().join("mixed.parquet");
    write_raw(&mixed, "1", &[("s1", "a.mov"), ("s2", "b.mov")]);
    fail("fleet", &[&mixed], "mixed scan ids");
    fail("diff", &[&good, &mixed], "mixed scan ids");
    // The same scan twice under two names.
    let twin = dir.path().join("twin.parquet");
    std::fs::copy(&good, &twin).unwrap();
    fail("fleet", &[&good, &twin], "hold the same scan");
    fail(
        "fleet",
        &[&dir.path().join("nothing/*.parquet")],
        "no manifest matches",
    );
}

#[test]
fn damaged_manifests_are_errors_never_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("v");
    for n in 0..40u32 {
        write(
            &root,
            &format!("A{n:03}/clip_{n}.mov"),
            &noise(n + 1, 500 + n as usize),
        );
    }
    let good = dir.path().join("good.parquet");
    manifest(&good, "h", &[&root]);
    let bytes = std::fs::read(&good).unwrap();
    // Column data, page headers and the footer, one byte at a time.
    let mut damaged = 0;
    for k in 0..60usize {
        let mut b = bytes.clone();
        let at = 4 + (k * 7919) % (b.len() - 12);
        b[at] ^= 0x5A ^ (k as u8);
        let p = dir.path().join(format!("d{k}.parquet"));
        std::fs::write(&p, &b).unwrap();
        let out = footprint().arg("fleet").arg(&p).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "byte {at}: {err}");
        match out.status.code() {
            Some(0) => {}
            Some(2) => {
                damaged += 1;
                assert!(err.contains(p.to_str().unwrap()), "byte {at}: {err}");
            }
            c => panic!("byte {at}: exit {c:?}: {err}"),
        }
    }
    assert!(
        damaged > 10,
        "only {damaged} of 60 corruptions were noticed"
    );
}

/// A manifest written by the library with any schema version and rows of
/// any scans: what a newer footprint or a broken writer would leave.
fn write_raw(dest: &Path, version: &str, rows: &[(&str, &str)]) {
    use footprint::catalog::{Head, Row};
    let rows: Vec<Row> = rows
        .iter()
        .map(|(scan, p)| Row {
            host: "h".into(),
            root: "/v".into(),
            path: format!("/v/{p}"),
            rel_path: p.to_string(),
            size: 1,
            kind: "video".into(),
            scan_id: (*scan).into(),
            scan_time: "2026-12-07T00:00:00Z".into(),
            footprint_version: "9.9.9".into(),
            ..Row::default()
        })
        .collect();
    let head = Head {
        scan_id: rows[0].scan_id.to_string(),
        host: "h".into(),
        scan_time: "2026-12-07T00:00:00Z".into(),
        roots: vec!["/v".into()],
    };
    footprint::catalog::write::write_versioned(dest, &rows, &head, version).unwrap();
}

/// A Python with DuckDB and pyarrow: FOOTPRINT_DATA_PYTHON, else the CI
/// venv's (FOOTPRINT_CLAIRMETA_PYTHON), else python3. Required under CI.
fn data_python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("FOOTPRINT_DATA_PYTHON"),
        std::env::var_os("FOOTPRINT_CLAIRMETA_PYTHON"),
        Some("python3".into()),
    ];
    for py in candidates.into_iter().flatten() {
        let ok = std::process::Command::new(&py)
            .args(["-c", "import duckdb, pyarrow"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(PathBuf::from(py));
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("DuckDB or pyarrow is not installed but CI is set: .ci/run must install them");
    }
    eprintln!("duckdb/pyarrow not installed: engine test skipped");
    None
}

#[test]
fn duckdb_and_pyarrow_read_manifests_and_the_recipes_agree_with_fleet() {
    let Some(py) = data_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (a, b, scans, ma) = hive_scans(dir.path());
    let fleet = command_json("fleet", &[scans.to_str().unwrap()]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/engines.py");
    let sql = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sql");
    let out = std::process::Command::new(&py)
        .arg(&script)
        .arg(format!("{}/*/*/*.parquet", scans.display()))
        .arg(&sql)
        .arg(&ma)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    // pyarrow: the documented schema, zstd, the footer's keys.
    let p = &e["pyarrow"];
    for (col, ty) in [
        ("host", "string"),
        ("path", "string"),
        ("rel_path", "string"),
        ("size", "int64"),
        ("mtime_ns", "int64"),
        ("device", "int64"),
        ("inode", "int64"),
        ("kind", "string"),
        ("width", "int32"),
        ("fps", "double"),
        ("duration_s", "double"),
        ("bit_rate", "int64"),
        ("blake3", "string"),
        ("scan_id", "string"),
        ("footprint_version", "string"),
    ] {
        assert_eq!(p["schema"][col], ty, "column {col}");
    }
    assert_eq!(p["schema"].as_object().unwrap().len(), 21);
    assert_eq!(p["nullable"]["path"], false);
    assert_eq!(p["nullable"]["blake3"], true);
    assert_eq!(p["compression"], "ZSTD");
    assert_eq!(p["metadata"]["footprint.manifest_schema"], "1");
    assert_eq!(p["metadata"]["footprint.host"], "edit1");
    assert_eq!(p["rows"], 6);
    for engine in ["duckdb", "spark"] {
        let Some(r) = e.get(engine) else {
            assert_eq!(engine, "spark", "DuckDB always runs");
            // Optional: PySpark and a JRE would put CI over its time budget.
            eprintln!("PySpark not installed: Spark SQL not tested");
            continue;
        };
        // The duplicate query gives fleet's groups.
        let sql_groups: BTreeSet<(String, u64, u64, u64)> = r["duplicates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["blake3"].as_str().unwrap().to_string(),
                    g["copies"].as_u64().unwrap(),
                    g["hosts"].as_u64().unwrap(),
                    g["wasted_bytes"].as_u64().unwrap(),
                )
            })
            .collect();
        let fleet_groups: BTreeSet<(String, u64, u64, u64)> = fleet["duplicates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["hash"].as_str().unwrap().to_string(),
                    g["copies"].as_u64().unwrap(),
                    g["hosts"].as_array().unwrap().len() as u64,
                    g["wasted_bytes"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(sql_groups, fleet_groups, "{engine}");
        // Per-host totals.
        for h in fleet["hosts"].as_array().unwrap() {
            let row = r["hosts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["host"] == h["host"])
                .unwrap_or_else(|| panic!("{engine}: no host {}", h["host"]));
            assert_eq!(
                (&row["files"], &row["bytes"]),
                (&h["files"], &h["bytes"]),
                "{engine}"
            );
        }
        // Every copy of A001C001: three names on two hosts.
        assert_eq!(r["copies_of"].as_array().unwrap().len(), 3, "{engine}");
        // Clip folders on one host only: the hashed media no other host has.
        let folders: BTreeSet<String> = r["one_host_only"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["folder"].as_str().unwrap().to_string())
            .collect();
        assert!(
            folders.contains(&a.join("A001").display().to_string()),
            "{folders:?}"
        );
        assert!(
            folders.contains(&b.join("PROJX/A001").display().to_string()),
            "{folders:?}"
        );
    }
}
