//! Files footprint never proposes to delete: camera originals, RED segments,
//! DCP/IMF members and files under an ASC MHL-managed folder.
//!
//! The rules follow DOMAIN.md §3. They err on the side of protecting: a
//! false "protected" costs a missed saving, a false "obsolete" costs a shoot.

use crate::classify::{self, Kind};
use crate::walk::FileEntry;
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
    if classify::extension(path).is_some_and(|e| RAW_EXT.contains(&e.as_str())) {
        return true;
    }
    let name = path.file_name().map_or(&[][..], |n| n.as_bytes());
    if is_arri_clip_name(name) || is_sony_clip_name(name) {
        return true;
    }
    path.parent().is_some_and(|dir| {
        dir.components().any(|c| {
            let n = c.as_os_str().to_string_lossy().to_ascii_lowercase();
            CARD_DIRS.contains(&n.as_str())
                || n.rsplit_once('.')
                    .is_some_and(|(_, e)| CARD_DIR_EXT.contains(&e))
        })
    })
}

/// Folders that hold an `ascmhl/` history: everything below them is MHL-managed.
pub fn mhl_roots(files: &[FileEntry]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| {
            let mut anc = f.path.ancestors();
            anc.find(|a| {
                a.file_name()
                    .is_some_and(|n| n.eq_ignore_ascii_case("ascmhl"))
            })
            .and_then(Path::parent)
            .map(Path::to_path_buf)
        })
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

/// Precomputed protection of every walked file.
#[derive(Debug, Default)]
pub struct Protection {
    /// Per file (walk order): true if it must never be proposed for deletion.
    pub protected: Vec<bool>,
    /// Folders managed by ASC MHL.
    pub mhl_roots: Vec<PathBuf>,
}

impl Protection {
    /// Marks camera originals, DCP/IMF members and MHL-managed files.
    pub fn new(files: &[FileEntry], kinds: &[Kind]) -> Self {
        let mhl_roots = mhl_roots(files);
        let protected = files
            .iter()
            .zip(kinds)
            .map(|(f, &k)| {
                k == Kind::Dcp
                    || is_camera_original(&f.path)
                    || mhl_roots.iter().any(|r| f.path.starts_with(r))
            })
            .collect();
        Protection {
            protected,
            mhl_roots,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
