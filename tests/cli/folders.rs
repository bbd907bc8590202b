//! Duplicate and overlapping folders (issue 24).

use crate::common::*;
use serde_json::Value;
use std::path::Path;

fn dupes_json(args: &[&str]) -> Value {
    command_json("dupes", args)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A 20-frame render and its backup copy, nested two levels deep.
fn render_and_backup(root: &Path) {
    for i in 1..=20 {
        let frame = noise(i, 4000 + i as usize);
        write(
            root,
            &format!("renders/sh010/comp_v001/sh010.{i:04}.exr"),
            &frame,
        );
        write(
            root,
            &format!("backup/sh010/comp_v001/sh010.{i:04}.exr"),
            &frame,
        );
    }
}

#[test]
fn a_copied_sequence_folder_is_one_finding_and_nested_copies_are_implied() {
    let t = tempfile::tempdir().unwrap();
    render_and_backup(t.path());
    let r = dupes_json(&[s(t.path())]);
    let folders = r["duplicate_folders"].as_array().unwrap();
    // renders/ and backup/ are identical, and so are their sh010/ and
    // comp_v001/ subfolders: one finding, the highest.
    assert_eq!(folders.len(), 1, "{folders:?}");
    let f = &folders[0];
    assert_eq!(f["files"], 20);
    let bytes: u64 = (1..=20).map(|i| 4000 + i).sum();
    assert_eq!(f["bytes"], bytes);
    assert_eq!(f["wasted_bytes"], bytes);
    let paths: Vec<&str> = f["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [s(&t.path().join("backup")), s(&t.path().join("renders"))]
    );
    // The 20 file groups are still listed, each naming its folder finding.
    let groups = r["duplicates"].as_array().unwrap();
    assert_eq!(groups.len(), 20);
    assert!(groups.iter().all(|g| g["folder"] == paths[0]));
    // The table shows the folders, not the 20 pairs; the fdupes-style list
    // keeps every file group for the scripts that read it.
    let out = footprint().args(["dupes", s(t.path())]).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("Duplicate folders: 1"), "{table}");
    assert!(
        table.contains("20 groups are inside the duplicate folders above"),
        "{table}"
    );
    assert!(!table.contains("sh010.0001.exr"), "{table}");
    let out = footprint()
        .args(["dupes", "--format", "list", s(t.path())])
        .output()
        .unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    assert_eq!(list.lines().filter(|l| !l.is_empty()).count(), 40, "{list}");
}

#[test]
fn a_card_copied_one_clip_short_is_one_overlap_naming_the_missing_clip() {
    let t = tempfile::tempdir().unwrap();
    for i in 1..=5 {
        let clip = noise(100 + i, 50_000);
        write(t.path(), &format!("card/A002/A002C00{i}.mov"), &clip);
        if i < 5 {
            // Renamed on the shuttle: compared by content, whatever the names.
            write(t.path(), &format!("shuttle/day2/clip_{i}.mov"), &clip);
        }
    }
    let r = audit_json(&["--no-probe", s(t.path())]);
    let over = r["overlapping_folders"].as_array().unwrap();
    assert_eq!(over.len(), 1, "{over:?}");
    let o = &over[0];
    assert_eq!(o["a"], s(&t.path().join("card/A002")));
    assert_eq!(o["b"], s(&t.path().join("shuttle/day2")));
    assert_eq!(o["shared_files"], 4);
    assert_eq!(o["shared_bytes"], 200_000);
    assert_eq!(o["share_of_a"], 0.8);
    assert_eq!(o["share_of_b"], 1.0);
    assert_eq!(o["only_in_a"], serde_json::json!(["A002C005.mov"]));
    assert_eq!(o["only_in_b"], serde_json::json!([]));
    assert!(r["duplicate_folders"].as_array().unwrap().is_empty());
    // Above the threshold only: at 0.9 of the card and more, no overlap.
    let strict = audit_json(&["--no-probe", "--folder-overlap", "1", s(t.path())]);
    assert_eq!(strict["overlapping_folders"].as_array().unwrap().len(), 1);
    let out = footprint()
        .args(["audit", "--folder-overlap", "1.5", s(t.path())])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // The table says it in one line per folder.
    let out = footprint()
        .args(["audit", "--no-probe", s(t.path())])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("Overlapping folders: 1"), "{table}");
    assert!(table.contains("80 % (4 files"), "{table}");
    assert!(table.contains("A002C005.mov"), "{table}");
}

#[test]
fn hard_linked_folders_are_not_waste_and_empty_files_are_no_content() {
    let t = tempfile::tempdir().unwrap();
    for i in 1..=3 {
        let a = write(t.path(), &format!("a/f{i}"), &noise(i, 3000));
        std::fs::create_dir_all(t.path().join("b")).unwrap();
        std::fs::hard_link(&a, t.path().join(format!("b/f{i}"))).unwrap();
    }
    // Two folders of empty files only: nothing to free.
    write(t.path(), "c/.keep", b"");
    write(t.path(), "d/.keep", b"");
    let r = dupes_json(&[s(t.path())]);
    assert!(r["duplicate_folders"].as_array().unwrap().is_empty(), "{r}");
    assert!(
        r["overlapping_folders"].as_array().unwrap().is_empty(),
        "{r}"
    );
}

#[test]
fn across_roots_keeps_only_what_is_on_another_root() {
    let t = tempfile::tempdir().unwrap();
    let (card, shuttle) = (t.path().join("card"), t.path().join("shuttle"));
    let clip = noise(7, 30_000);
    write(&card, "A001/A001C001.mov", &clip);
    write(&shuttle, "A001/A001C001.mov", &clip);
    // A copy inside the card itself: not what --across-roots asks about.
    let twin = noise(8, 20_000);
    write(&card, "A001/A001C002.mov", &twin);
    write(&card, "scratch/A001C002_copy.mov", &twin);
    let all = dupes_json(&[s(&card), s(&shuttle)]);
    assert_eq!(all["duplicates"].as_array().unwrap().len(), 2);
    let across = dupes_json(&["--across-roots", s(&card), s(&shuttle)]);
    let groups = across["duplicates"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["size"], 30_000);
    let over = across["overlapping_folders"].as_array().unwrap();
    assert_eq!(over.len(), 1, "{over:?}");
    assert_eq!(over[0]["share_of_b"], 1.0);
}

#[test]
fn export_lists_and_csv_fold_files_into_their_folder() {
    let t = tempfile::tempdir().unwrap();
    render_and_backup(t.path());
    let list = t.path().join("../export.txt");
    let out = footprint()
        .args(["audit", "--no-probe", "--format", "csv", "--export-list"])
        .arg(&list)
        .arg(t.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines = std::fs::read_to_string(&list).unwrap();
    std::fs::remove_file(&list).unwrap();
    // One surplus copy, the whole folder: none of its 20 frames listed.
    assert_eq!(lines.lines().count(), 1, "{lines}");
    assert!(lines.starts_with(s(t.path())), "{lines}");
    // CSV: each file of a copied folder names the finding.
    let t = tempfile::tempdir().unwrap();
    for name in ["interview.wav", "notes.txt", "edl.xml"] {
        let body = noise(name.len() as u32, 2000);
        write(t.path(), &format!("day1/{name}"), &body);
        write(t.path(), &format!("day1_backup/{name}"), &body);
    }
    let out = footprint()
        .args(["audit", "--no-probe", "--format", "csv"])
        .arg(t.path())
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|c| *c == "duplicate_folder")
        .unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 6, "{csv}");
    let day1 = t.path().join("day1");
    assert!(
        rows.iter().all(|l| l.split(',').nth(col) == Some(s(&day1))),
        "{csv}"
    );
}
