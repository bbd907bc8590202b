//! Files footprint never proposes to delete: camera originals, RED segments,
//! DCP/IMF members and files under an ASC MHL-managed folder; and, never even
//! as a surplus copy, the chain of custody: ASC MHL histories and checksum
//! lists. Deleting one copy's `ascmhl/` folder because another drive holds an
//! identical one breaks that copy's chain of custody (ASC MHL specification,
//! "history" and "chain" files), whatever the bytes say.
//!
//! The rules follow the card structures and clip names of ARRI, RED, Sony,
//! Canon and Blackmagic cameras (docs/RECLAIM.md). They err on the side of protecting: a
//! false "protected" costs a missed saving, a false "obsolete" costs a shoot.

use crate::classify::Kind;
use crate::util::pathbytes;
use crate::walk::FileEntry;
use rayon::prelude::*;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Extensions of camera raw formats: always originals.
const RAW_EXT: &[&str] = &[
    "r3d", "ari", "arx", "braw", "crm", "rmf", "rdc", "rmd", "rtn",
];

/// Folder names of camera-card structures (lower case): everything below is an original.
const CARD_DIRS: &[&str] = &["xdroot", "m4root", "bpav", "avchd", "clpr", "private"];

/// Folder-name suffixes of RED card structures (`A002_0908FT.RDM`, `…_0908R4.RDC`).
const CARD_DIR_EXT: &[&str] = &["rdm", "rdc"];

/// True if the file name looks like an ARRI clip: `A004C010_20100610_R1JL…`.
pub fn is_arri_clip_name(name: &[u8]) -> bool {
    // [A-Z]\d{3}C\d{3}_\d{6,8}_[A-Z0-9]{4}
    let upper_digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if name.len() < 8 + 1 + 6 + 1 + 4 {
        return false;
    }
    if !(name[0].is_ascii_uppercase()
        && upper_digits(&name[1..4])
        && name[4] == b'C'
        && upper_digits(&name[5..8])
        && name[8] == b'_')
    {
        return false;
    }
    let rest = &name[9..];
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if !(6..=8).contains(&digits) || rest.get(digits) != Some(&b'_') {
        return false;
    }
    let id = &rest[digits + 1..];
    id.len() >= 4
        && id[..4]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// True if the file name looks like a Sony XDCAM/XAVC clip (`C0012.MXF`, `C0012M01.XML`, `C0012S01.MXF`).
fn is_sony_clip_name(name: &[u8]) -> bool {
    name.len() >= 9
        && name[0] == b'C'
        && name[1..5].iter().all(u8::is_ascii_digit)
        && matches!(name[5], b'.' | b'M' | b'S')
}

/// True if `path` is a camera original by its name or by the card structure around it.
pub fn is_camera_original(path: &Path) -> bool {
    let b = pathbytes::bytes(path);
    is_original_name(pathbytes::name(b)) || in_card_structure(pathbytes::parent(b))
}

/// A raw extension, an ARRI or a Sony clip name.
fn is_original_name(name: &[u8]) -> bool {
    pathbytes::Ext::of_name(name).is_some_and(|e| e.is_in(RAW_EXT))
        || is_arri_clip_name(name)
        || is_sony_clip_name(name)
}

/// True if a folder of `dir` (or `dir` itself) is part of a camera card's structure.
fn in_card_structure(dir: &[u8]) -> bool {
    pathbytes::components(dir).any(|c| {
        CARD_DIRS
            .iter()
            .any(|d| c.eq_ignore_ascii_case(d.as_bytes()))
            || pathbytes::Ext::of_name(c).is_some_and(|e| e.is_in(CARD_DIR_EXT))
    })
}

/// The folder holding the innermost `ascmhl/` among `dir` and its ancestors.
fn mhl_root_in(dir: &[u8]) -> Option<&[u8]> {
    let mut found = None;
    let mut start = 0;
    for comp in dir.split(|&c| c == b'/') {
        if comp.eq_ignore_ascii_case(b"ascmhl") {
            found = Some(match start {
                0 | 1 => &dir[..start],
                _ => &dir[..start - 1],
            });
        }
        start += comp.len() + 1;
    }
    found
}

/// Folders that hold an `ascmhl/` history: everything below them is MHL-managed.
pub fn mhl_roots(files: &[FileEntry]) -> Vec<PathBuf> {
    let mut per_folder = pathbytes::PerFolder::new();
    let mut roots: Vec<&[u8]> = files
        .iter()
        .filter_map(|f| {
            let dir = pathbytes::parent(pathbytes::bytes(&f.path));
            per_folder.get(dir, || mhl_root_in(dir))
        })
        .collect();
    roots.sort_unstable();
    roots.dedup();
    roots
        .into_iter()
        .map(|r| PathBuf::from(OsStr::from_bytes(r)))
        .collect()
}

/// Extensions of checksum lists written beside copies (`md5sum`, `xxhsum`,
/// Silverstack and ShotPut Pro sidecars) and of legacy MHL files.
const CHECKSUM_EXT: &[&str] = &[
    "mhl", "md5", "sha1", "sha256", "sha512", "xxhash", "xxh64", "xxh3", "xxh128", "c4", "sfv",
];

/// `ascmhl_chain.xml`, an `.mhl` or a checksum list, by name.
fn is_custody_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"ascmhl_chain.xml")
        || pathbytes::Ext::of_name(name).is_some_and(|e| e.is_in(CHECKSUM_EXT))
}

/// True if `dir` is an `ascmhl/` folder or inside one.
fn in_mhl_history(dir: &[u8]) -> bool {
    pathbytes::components(dir).any(|c| c.eq_ignore_ascii_case(b"ascmhl"))
}

/// Precomputed protection of every walked file.
#[derive(Debug, Default)]
pub struct Protection {
    /// Per file (walk order): true if it must never be proposed for deletion.
    pub protected: Vec<bool>,
    /// Per file: part of a chain of custody, never a candidate of any kind,
    /// not even a surplus duplicate (implies `protected`).
    pub custody: Vec<bool>,
    /// Folders managed by ASC MHL.
    pub mhl_roots: Vec<PathBuf>,
}

impl Protection {
    /// Marks camera originals, DCP/IMF members and MHL-managed files.
    pub fn new(files: &[FileEntry], kinds: &[Kind]) -> Self {
        let mhl_roots = mhl_roots(files);
        let mhl: Vec<&[u8]> = mhl_roots.iter().map(|r| pathbytes::bytes(r)).collect();
        let mhl = &mhl;
        // (protected, custody) per file; folder rules once per folder.
        let marks: Vec<(bool, bool)> = files
            .par_chunks(4096)
            .zip(kinds.par_chunks(4096))
            .flat_map_iter(|(files, kinds)| {
                let mut per_folder = pathbytes::PerFolder::new();
                files.iter().zip(kinds).map(move |(f, &k)| {
                    let b = pathbytes::bytes(&f.path);
                    let dir = pathbytes::parent(b);
                    let name = pathbytes::name(b);
                    let (folder_protects, in_history) = per_folder.get(dir, || {
                        (
                            in_card_structure(dir)
                                || mhl.iter().any(|r| pathbytes::is_under(dir, r)),
                            in_mhl_history(dir),
                        )
                    });
                    let custody = in_history || is_custody_name(name);
                    let protected =
                        custody || folder_protects || k == Kind::Dcp || is_original_name(name);
                    (protected, custody)
                })
            })
            .collect();
        let (protected, custody) = marks.into_iter().unzip();
        Protection {
            protected,
            custody,
            mhl_roots,
        }
    }

    /// True if `path` is below a folder that holds an ASC MHL history: the
    /// copy whose chain of custody is recorded.
    pub fn is_mhl_managed(&self, path: &Path) -> bool {
        let b = pathbytes::bytes(path);
        self.mhl_roots
            .iter()
            .any(|r| pathbytes::is_under(b, pathbytes::bytes(r)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True for a file of a chain of custody: anything in an `ascmhl/` folder
    /// (generations and `ascmhl_chain.xml`), an `.mhl` anywhere, and checksum lists.
    fn is_custody(path: &Path) -> bool {
        let b = pathbytes::bytes(path);
        is_custody_name(pathbytes::name(b)) || in_mhl_history(pathbytes::parent(b))
    }

    #[test]
    fn chain_of_custody_files_are_recognised() {
        for p in [
            "/s/A001/ascmhl/0001_A001_2026-11-01_120000Z.mhl",
            "/s/A001/ascmhl/ascmhl_chain.xml",
            "/s/A001/A001.mhl",
            "/s/A001/A001_checksums.md5",
            "/s/A001/A001.xxhash",
            "/s/A001/A001.SHA1",
        ] {
            assert!(is_custody(Path::new(p)), "{p}");
        }
        for p in ["/s/A001/A001C001.mov", "/s/A001/notes.xml", "/s/ascmhl.txt"] {
            assert!(!is_custody(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn camera_originals_by_name_and_structure() {
        for p in [
            "/r/A001R1JL/A004C010_20100610_R1JL.mov",
            "/r/A004C010_20100610_R1JL.mxf",
            "/r/A002_0908FT.RDM/A002_C001_0908R4.RDC/A002_C001_0908R4_001.R3D",
            "/r/A002_0908FT.RDM/A002_C001_0908R4.RDC/A002_C001_0908R4.RMD",
            "/r/card/XDROOT/Clip/C0012.MXF",
            "/r/Clip/C0012.MXF",
            "/r/Clip/C0012M01.XML",
            "/r/day1/A001_03061533_C001.braw",
            "/r/roll/shot/shot.0086400.ari",
            "/r/canon/A001C001_230101AB_CANON.CRM",
            "/r/sony/PRIVATE/M4ROOT/CLIP/C0001.MP4",
        ] {
            assert!(is_camera_original(Path::new(p)), "{p}");
        }
        for p in [
            "/r/exports/PROJX_cut_v01.mp4",
            "/r/CacheClip/A001C001_proxy.mov",
            "/r/renders/sh010_comp_v003.1001.exr",
            "/r/Clip/C12.MXF",
            "/r/A001C001_prores_hq.mov",
        ] {
            assert!(!is_camera_original(Path::new(p)), "{p}");
        }
    }
}
