//! The waste finder: duplicates (`dupes`), obsolete versions, regenerable
//! caches, the reclaimable union and `--export-list`.

use crate::common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn dir_bytes(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

fn run_json(args: &[&str]) -> Value {
    let out = footprint().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_one_document(&out.stdout)
}

/// Groups every file under `roots` by full content, independently of footprint:
/// size > 0, at least two names; value = (names, distinct inodes).
fn content_groups(roots: &[&Path]) -> BTreeMap<BTreeSet<String>, u64> {
    type Names = (Vec<String>, BTreeSet<(u64, u64)>);
    let mut by_content: HashMap<Vec<u8>, Names> = HashMap::new();
    for root in roots {
        for e in walkdir::WalkDir::new(root) {
            let e = e.unwrap();
            if !e.file_type().is_file() {
                continue;
            }
            let md = e.metadata().unwrap();
            let data = fs::read(e.path()).unwrap();
            if data.is_empty() {
                continue;
            }
            let slot = by_content.entry(data).or_default();
            slot.0.push(escape(e.path()));
            slot.1.insert((md.dev(), md.ino()));
        }
    }
    by_content
        .into_iter()
        .filter(|(_, (names, _))| names.len() > 1)
        .map(|(data, (names, inodes))| {
            (
                names.into_iter().collect(),
                data.len() as u64 * (inodes.len() as u64 - 1),
            )
        })
        .collect()
}

/// The report's `\xNN` escaping, reimplemented for the oracle.
fn escape(p: &Path) -> String {
    let mut out = String::new();
    for chunk in p.as_os_str().as_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

fn report_groups(r: &Value) -> BTreeMap<BTreeSet<String>, u64> {
    r["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                strs(&g["paths"]).into_iter().collect(),
                g["wasted_bytes"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn dupes_match_an_independent_content_comparison() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (ra, rb) = (a.path(), b.path());
    let big = noise(1, 300_000);
    // True duplicates across two drives, one of them hard-linked twice.
    write(ra, "exports/master.mov", &big);
    write(rb, "backup/master.mov", &big);
    fs::hard_link(
        ra.join("exports/master.mov"),
        ra.join("exports/master_link.mov"),
    )
    .unwrap();
    // Traps for partial hashing, all the same size as `big`.
    write(ra, "trap/same_size.mov", &noise(2, 300_000));
    let mut t = big.clone();
    *t.last_mut().unwrap() ^= 0xff;
    write(ra, "trap/same_prefix.mov", &t);
    let mut t = big.clone();
    t[150_000] ^= 0xff;
    write(ra, "trap/same_ends.mov", &t);
    // A small file hashed whole at the first stage, with a non-UTF-8 twin.
    write(ra, "small/a.txt", b"tiny but equal");
    let odd = ra.join(OsStr::from_bytes(b"small/caf\xe9.txt"));
    fs::write(&odd, b"tiny but equal").unwrap();
    // An image sequence re-exported as an exact copy: each frame is a group.
    for f in 1001..1004 {
        let frame = noise(f, 20_000);
        write(ra, &format!("seq/v1/sh.{f}.exr"), &frame);
        write(rb, &format!("seq/v1/sh.{f}.exr"), &frame);
    }
    // Empty files are never duplicates.
    write(ra, "e1", b"");
    write(rb, "e2", b"");

    let (sa, sb) = (ra.to_str().unwrap(), rb.to_str().unwrap());
    let expected = content_groups(&[ra, rb]);
    assert_eq!(expected.len(), 5, "oracle sanity: master, small, 3 frames");
    let dupes = run_json(&["dupes", "--format", "json", sa, sb]);
    assert_eq!(report_groups(&dupes), expected);
    let wasted: u64 = expected.values().sum();
    assert_eq!(dupes["summary"]["duplicate_bytes"], wasted);
    assert_eq!(dupes["summary"]["groups"], 5);
    let master = dupes["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["size"] == 300_000)
        .unwrap();
    assert_eq!(
        master["paths"].as_array().unwrap().len(),
        3,
        "the hard link is listed"
    );
    assert_eq!(master["wasted_bytes"], 300_000, "but is not waste");
    assert_eq!(master["hash"], blake3::hash(&big).to_hex().to_string());

    // The audit finds the same groups.
    let audit = audit_json(&["--no-probe", sa, sb]);
    assert_eq!(report_groups(&audit), expected);
    assert_eq!(audit["duplicates"], dupes["duplicates"]);

    // The list format: one path per line, a blank line after each group.
    let out = footprint()
        .args(["dupes", "--format", "list", sa, sb])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let listed: BTreeSet<BTreeSet<String>> = text
        .split("\n\n")
        .filter(|g| !g.trim().is_empty())
        .map(|g| g.lines().map(str::to_string).collect())
        .collect();
    let want: BTreeSet<BTreeSet<String>> = expected.keys().cloned().collect();
    assert_eq!(listed, want);

    // The table names the waste; the copied sequence folder comes first, as
    // one finding, then the other groups, the largest first.
    let out = footprint().args(["dupes", sa, sb]).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("5 duplicate groups: "), "{table}");
    assert!(table.contains("Duplicate folders: 1"), "{table}");
    let groups = table.split_once(" paths ").map_or("", |(_, rest)| rest);
    let first_row = groups
        .lines()
        .find(|l| l.contains(sa) || l.contains(sb))
        .unwrap();
    assert!(first_row.contains("master"), "{first_row}");
}

#[test]
fn fixture_versions_keep_the_newest_and_flag_the_older_ones() {
    let r = audit_json(&["--no-hash", fixtures().to_str().unwrap()]);
    assert_eq!(r["stages"]["versions"], "done");
    let groups = r["versions"].as_array().unwrap();
    let cut = groups
        .iter()
        .find(|g| g["name"] == "PROJX_cut.mp4")
        .unwrap();
    assert!(
        cut["keep"]
            .as_str()
            .unwrap()
            .ends_with("exports/PROJX_cut_v03.mp4")
    );
    let obsolete = strs(&cut["obsolete"]);
    assert_eq!(obsolete.len(), 2);
    assert!(
        obsolete[0].ends_with("PROJX_cut_v01.mp4") && obsolete[1].ends_with("PROJX_cut_v02.mp4")
    );
    for d in cut["details"].as_array().unwrap() {
        assert_eq!(d["confidence"], "high");
    }
    let sizes: u64 = obsolete
        .iter()
        .map(|p| fs::metadata(p).unwrap().len())
        .sum();
    assert_eq!(cut["obsolete_bytes"], sizes);
    // The Finder copy is neither kept nor obsolete: the hash decides.
    assert!(strs(&cut["undecided"])[0].ends_with("PROJX_cut_v03 (1).mp4"));

    let comp = groups.iter().find(|g| g["unit"] == "folder").unwrap();
    assert!(
        comp["keep"]
            .as_str()
            .unwrap()
            .ends_with("renders/sh020/comp_v002")
    );
    let old = strs(&comp["obsolete"]);
    assert!(old.len() == 1 && old[0].ends_with("renders/sh020/comp_v001"));
    assert_eq!(comp["obsolete_bytes"], dir_bytes(Path::new(&old[0])));

    // Variants and lone versions are not grouped; camera originals never appear.
    let all = r["versions"].to_string();
    assert!(!all.contains("textless"));
    assert!(
        !all.contains("sh010_comp_v003"),
        "a single version is not obsolete"
    );
    assert!(!all.contains("/camera/") && !all.contains("/dcp/"));
    assert_eq!(groups.len(), 2);
    let total: u64 = groups
        .iter()
        .map(|g| g["obsolete_bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(r["summary"]["obsolete_bytes"], total);
}

#[test]
fn fixture_caches_of_each_application_are_regenerable() {
    let root = fixtures();
    let r = audit_json(&["--no-probe", root.to_str().unwrap()]);
    let entries = r["regenerable"].as_array().unwrap();
    let found: BTreeMap<String, (String, u64)> = entries
        .iter()
        .map(|e| {
            let p = e["path"].as_str().unwrap();
            let rel = p.strip_prefix(root.to_str().unwrap()).unwrap().to_string();
            (
                rel,
                (
                    e["application"].as_str().unwrap().to_string(),
                    e["bytes"].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    let want = [
        (
            "/cache/Adobe After Effects Disk Cache - EDIT1",
            "Adobe After Effects",
        ),
        (
            "/cache/Adobe Premiere Pro Video Previews",
            "Adobe Premiere Pro",
        ),
        ("/cache/CacheClip", "DaVinci Resolve"),
        ("/cache/Media Cache Files", "Adobe Premiere Pro"),
        (
            "/project/PROJX.fcpbundle/Day1/Render Files",
            "Final Cut Pro",
        ),
        (
            "/project/PROJX.fcpbundle/Day1/Transcoded Media",
            "Final Cut Pro",
        ),
    ];
    assert_eq!(found.len(), want.len(), "{found:?}");
    for (rel, app) in want {
        let (got_app, bytes) = &found[rel];
        assert_eq!(got_app, app, "{rel}");
        assert_eq!(*bytes, dir_bytes(&root.join(&rel[1..])), "{rel}");
    }
    let total: u64 = found.values().map(|v| v.1).sum();
    assert_eq!(r["summary"]["regenerable_bytes"], total);
    assert!(!r["regenerable"].to_string().contains("Original Media"));
    assert!(!r["regenerable"].to_string().contains("/camera/"));
}

#[test]
fn caches_of_every_listed_application_are_found_and_originals_never() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    let dirs = [
        ("Resolve/CacheClip/x/a.dvcc", "DaVinci Resolve"),
        ("Resolve/OptimizedMedia/A001.mov", "DaVinci Resolve"),
        ("Resolve/ProxyMedia/A001_proxy.mov", "DaVinci Resolve"),
        ("Adobe/Media Cache Files/a.cfa", "Adobe Premiere Pro"),
        ("Adobe/Media Cache/db.mcdb", "Adobe Premiere Pro"),
        ("Adobe/Peak Files/a.pek", "Adobe Premiere Pro"),
        (
            "PROJX/Adobe Premiere Pro Video Previews/p.mov",
            "Adobe Premiere Pro",
        ),
        (
            "PROJX/Adobe Premiere Pro Audio Previews/p.cfa",
            "Adobe Premiere Pro",
        ),
        (
            "AE/Adobe After Effects Disk Cache - MAC1/c.bin",
            "Adobe After Effects",
        ),
        (
            "Lib.fcpbundle/Day1/Render Files/High Quality Media/r.mov",
            "Final Cut Pro",
        ),
        (
            "Lib.fcpbundle/Day1/Transcoded Media/Proxy Media/p.mov",
            "Final Cut Pro",
        ),
        ("Lib.fcpbundle/Day1/Analysis Files/a.plist", "Final Cut Pro"),
    ];
    for (i, (rel, _)) in dirs.iter().enumerate() {
        write(root, rel, &noise(i as u32 + 10, 1000 + i));
    }
    write(root, "audio/mix.wav.pek", b"loose peak file");
    // Camera originals: never regenerable, even inside a cache folder.
    write(
        root,
        "A001R1JL/A004C010_20100610_R1JL.mov",
        &noise(90, 5000),
    );
    write(
        root,
        "Resolve/ProxyMedia/card/A002_C001_0908R4_001.R3D",
        &noise(91, 5000),
    );
    let r = audit_json(&["--no-probe", "--no-hash", root.to_str().unwrap()]);
    let report = r["regenerable"].to_string();
    for (rel, app) in dirs {
        let entry = r["regenerable"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| {
                let p = e["path"].as_str().unwrap();
                root.join(rel).starts_with(p)
            })
            .unwrap_or_else(|| panic!("{rel} not found in {report}"));
        assert_eq!(entry["application"], app, "{rel}");
    }
    assert!(report.contains("mix.wav.pek"));
    assert!(
        !report.contains("A004C010") && !report.contains(".R3D"),
        "{report}"
    );
    // ProxyMedia holds an original: only its other files are offered.
    assert!(report.contains("A001_proxy.mov"));
}

#[test]
fn version_rules_on_a_realistic_tree() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    let mut n = 0;
    let mut put = |rel: &str| {
        n += 1;
        write(root, rel, &noise(n, 2000 + n as usize));
    };
    for rel in [
        "deliveries/EP101_online_v12.mov",
        "deliveries/EP101_online_v13.mov",
        "deliveries/EP101_online_textless_v12.mov",
        "deliveries/EP101_online_v13_FR.mov",
        "deliveries/EP101_H264_1080p_v2.mp4",
        "deliveries/EP101_H264_1080p_v10.mp4",
        "mix/EP101_mix_20260101.wav",
        "mix/EP101_mix_2026-03-15.wav",
        "trailer/trailer_FINAL.mov",
        "trailer/trailer_FINAL_FINAL.mov",
        "trailer/trailer.mov",
        "promo/promo_r1.mov",
        "promo/promo_r2.mov",
        "a/cut_v01.mov",
        "b/cut_v02.mov",
        "card/XDROOT/Clip/take_v01.mxf",
        "card/XDROOT/Clip/take_v02.mxf",
        "day1/ascmhl/0001_day1_2026-01-01_120000Z.mhl",
        "day1/clip_v01.mov",
        "day1/clip_v02.mov",
        "vfx/sh010/comp_v001/sh010_comp.1001.exr",
        "vfx/sh010/comp_v001/sh010_comp.1002.exr",
        "vfx/sh010/comp_v002/sh010_comp.1001.exr",
        "vfx/sh010/comp_v002/sh010_comp.1002.exr",
        "vfx/sh020/sh020_plate_v001.1001.dpx",
        "vfx/sh020/sh020_plate_v001.1002.dpx",
        "vfx/sh020/sh020_plate_v002.1001.dpx",
        "vfx/sh020/sh020_plate_v002.1002.dpx",
    ] {
        put(rel);
    }
    let r = audit_json(&["--no-probe", "--no-hash", root.to_str().unwrap()]);
    let rel = |p: &str| p.strip_prefix(root.to_str().unwrap()).unwrap()[1..].to_string();
    let got: BTreeMap<String, (Vec<String>, Vec<String>)> = r["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let details = g["details"].as_array().unwrap();
            (
                rel(g["keep"].as_str().unwrap()),
                (
                    strs(&g["obsolete"]).iter().map(|p| rel(p)).collect(),
                    details
                        .iter()
                        .map(|d| d["confidence"].as_str().unwrap().to_string())
                        .collect(),
                ),
            )
        })
        .collect();
    let want: BTreeMap<String, (Vec<String>, Vec<String>)> = [
        (
            "deliveries/EP101_online_v13.mov",
            vec!["deliveries/EP101_online_v12.mov"],
            "high",
        ),
        (
            "deliveries/EP101_H264_1080p_v10.mp4",
            vec!["deliveries/EP101_H264_1080p_v2.mp4"],
            "high",
        ),
        (
            "mix/EP101_mix_2026-03-15.wav",
            vec!["mix/EP101_mix_20260101.wav"],
            "low",
        ),
        (
            "trailer/trailer_FINAL_FINAL.mov",
            vec!["trailer/trailer.mov", "trailer/trailer_FINAL.mov"],
            "low",
        ),
        ("promo/promo_r2.mov", vec!["promo/promo_r1.mov"], "low"),
        ("vfx/sh010/comp_v002", vec!["vfx/sh010/comp_v001"], "high"),
        (
            "vfx/sh020/sh020_plate_v002.%04d.dpx",
            vec!["vfx/sh020/sh020_plate_v001.%04d.dpx"],
            "high",
        ),
    ]
    .into_iter()
    .map(|(k, obs, c)| {
        let n = obs.len();
        (
            k.to_string(),
            (
                obs.into_iter().map(String::from).collect(),
                vec![c.to_string(); n],
            ),
        )
    })
    .collect();
    assert_eq!(got, want);
    let text = r["versions"].to_string();
    for never in ["XDROOT", "day1/clip", "textless", "_FR", "a/cut", "b/cut"] {
        assert!(!text.contains(never), "{never} must not be grouped: {text}");
    }
}

#[test]
fn reclaimable_is_the_union_and_counts_no_byte_twice() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    let (a, b, c) = (noise(1, 40_000), noise(2, 30_000), noise(3, 20_000));
    write(root, "exports/cut_v01.mov", &a); // obsolete
    write(root, "exports/cut_v02.mov", &b); // kept
    write(root, "exports/cut_v02 (1).mov", &b); // duplicate of the kept version
    write(root, "CacheClip/cut_v01_copy.mov", &a); // regenerable and a duplicate of v01
    write(root, "CacheClip/render.mov", &c); // regenerable
    // A hard link into the cache to the kept version frees nothing.
    fs::hard_link(
        root.join("exports/cut_v02.mov"),
        root.join("CacheClip/link.mov"),
    )
    .unwrap();
    let r = audit_json(&["--no-probe", root.to_str().unwrap()]);
    let s = &r["summary"];
    let (dup, obs, regen, all) = (
        s["duplicate_bytes"].as_u64().unwrap(),
        s["obsolete_bytes"].as_u64().unwrap(),
        s["regenerable_bytes"].as_u64().unwrap(),
        s["reclaimable_bytes"].as_u64().unwrap(),
    );
    assert_eq!(dup, 40_000 + 30_000);
    assert_eq!(obs, 40_000);
    assert_eq!(
        regen,
        40_000 + 20_000,
        "the hard link to a kept file is not freed"
    );
    // Independent union: v01, its cache copy, the Finder copy, the render.
    assert_eq!(all, 40_000 + 40_000 + 30_000 + 20_000);
    assert!(all <= dup + obs + regen && all >= dup.max(obs).max(regen));
    assert!(all <= s["bytes"].as_u64().unwrap());
    let cache = &r["regenerable"][0];
    assert_eq!(cache["bytes"], 60_000);
    assert_eq!(cache["files"], 3);

    // --export-list, one path per line: real paths, each folder once.
    let list = root
        .parent()
        .unwrap()
        .join(format!("{}-export.txt", std::process::id()));
    footprint()
        .args(["audit", "-q", "--no-probe", "--export-list"])
        .arg(&list)
        .arg(root)
        .assert()
        .success();
    let lines: Vec<String> = fs::read_to_string(&list)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    fs::remove_file(&list).unwrap();
    let rels: Vec<String> = lines
        .iter()
        .map(|l| l.strip_prefix(root.to_str().unwrap()).unwrap().to_string())
        .collect();
    assert_eq!(
        rels,
        [
            "/CacheClip",
            "/exports/cut_v01.mov",
            "/exports/cut_v02 (1).mov"
        ]
    );
    // JSON keeps category and reason for each candidate.
    let json = root
        .parent()
        .unwrap()
        .join(format!("{}-export.json", std::process::id()));
    footprint()
        .args(["audit", "-q", "--no-probe", "--export-list"])
        .arg(&json)
        .arg(root)
        .assert()
        .success();
    let doc: Value = serde_json::from_slice(&fs::read(&json).unwrap()).unwrap();
    fs::remove_file(&json).unwrap();
    assert_eq!(doc["schema_version"], 1);
    let cats: BTreeSet<&str> = doc["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert!(!c["reason"].as_str().unwrap().is_empty());
            c["category"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        cats,
        BTreeSet::from(["duplicate", "obsolete", "regenerable"])
    );
}

#[test]
fn the_table_has_a_reclaim_section() {
    let out = footprint()
        .args(["audit", "--no-probe"])
        .arg(fixtures())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("What you can reclaim: "), "{text}");
    for row in [
        "Duplicate copies",
        "Obsolete versions",
        "Regenerable caches",
        "Total (union)",
    ] {
        assert!(text.contains(row), "{row}");
    }
    // Off a terminal the table fits 100 columns; paths are relative to the
    // root, in reasons too; an item is listed once.
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    let v01 = text
        .lines()
        .find(|l| l.contains("media/exports/PROJX_cut_v01.mp4"))
        .expect("v01 listed");
    assert!(v01.contains("obsolete version "), "{v01}");
    assert!(!v01.contains("(check)"), "high confidence: {v01}");
    assert_eq!(
        text.matches(fixtures().to_str().unwrap()).count(),
        1,
        "{text}"
    );
    let listed = |name: &str| text.lines().filter(|l| l.contains(name)).count();
    assert_eq!(listed("mislabelled_really_mxf.mp4 "), 1, "{text}");
    assert!(
        text.contains("same content as media/came"),
        "reason relative: {text}"
    );
}
