//! The table of caches, proxies and render files that the application that
//! made them can rebuild: one table of rules, used by classification (kind
//! `cache`) and by the waste finder (`waste::regenerable`). Sources for each
//! rule: docs/RECLAIM.md.

use crate::util::pathbytes;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// How a rule recognises its files.
#[derive(Clone, Copy, Debug)]
pub enum Match {
    /// A folder with this name (case-insensitive): all it holds.
    Dir(&'static str),
    /// A folder whose name starts with this (case-insensitive).
    DirPrefix(&'static str),
    /// A file with this extension (lower case), wherever it is.
    Ext(&'static str),
    /// A file with this exact name (case-insensitive), wherever it is.
    File(&'static str),
}

/// One kind of regenerable data.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// How it is recognised.
    pub matcher: Match,
    /// Application that rebuilds it.
    pub app: &'static str,
    /// Why it can be deleted, for the report.
    pub reason: &'static str,
}

const fn rule(matcher: Match, app: &'static str, reason: &'static str) -> Rule {
    Rule {
        matcher,
        app,
        reason,
    }
}

use Match::{Dir, DirPrefix, Ext, File};

/// Every rule. Order matters only for display.
pub const RULES: &[Rule] = &[
    rule(
        Dir("CacheClip"),
        "DaVinci Resolve",
        "DaVinci Resolve render cache",
    ),
    rule(
        Dir("OptimizedMedia"),
        "DaVinci Resolve",
        "DaVinci Resolve optimized media, rebuilt from the source clips",
    ),
    rule(
        Dir("ProxyMedia"),
        "DaVinci Resolve",
        "DaVinci Resolve proxy media, rebuilt from the source clips",
    ),
    rule(
        Dir("Media Cache Files"),
        "Adobe Premiere Pro",
        "Adobe media cache (conformed audio, indexes)",
    ),
    rule(
        Dir("Media Cache"),
        "Adobe Premiere Pro",
        "Adobe media cache database",
    ),
    rule(
        Dir("Peak Files"),
        "Adobe Premiere Pro",
        "Adobe audio peak files",
    ),
    rule(
        Dir("Adobe Premiere Pro Video Previews"),
        "Adobe Premiere Pro",
        "Premiere Pro render previews",
    ),
    rule(
        Dir("Adobe Premiere Pro Audio Previews"),
        "Adobe Premiere Pro",
        "Premiere Pro audio previews",
    ),
    rule(
        Dir("Video Previews"),
        "Adobe Premiere Pro",
        "Premiere Pro render previews",
    ),
    rule(
        Dir("Audio Previews"),
        "Adobe Premiere Pro",
        "Premiere Pro audio previews",
    ),
    rule(Ext("pek"), "Adobe Premiere Pro", "Adobe audio peak file"),
    rule(Ext("cfa"), "Adobe Premiere Pro", "Adobe conformed audio"),
    rule(Ext("ims"), "Adobe Premiere Pro", "Adobe media cache index"),
    rule(
        Ext("mcdb"),
        "Adobe Premiere Pro",
        "Adobe media cache database",
    ),
    rule(Ext("pkf"), "Adobe Audition", "Adobe Audition peak file"),
    rule(
        DirPrefix("Adobe After Effects Disk Cache"),
        "Adobe After Effects",
        "After Effects disk cache",
    ),
    rule(
        Dir("Render Files"),
        "Final Cut Pro",
        "Final Cut Pro render files",
    ),
    rule(
        Dir("Transcoded Media"),
        "Final Cut Pro",
        "Final Cut Pro optimized and proxy media, rebuilt from the originals",
    ),
    rule(
        Dir("Analysis Files"),
        "Final Cut Pro",
        "Final Cut Pro analysis files",
    ),
    rule(
        Dir("Peaks Data"),
        "Final Cut Pro",
        "Final Cut Pro audio waveforms",
    ),
    rule(
        Dir("Thumbnail Media"),
        "Final Cut Pro",
        "Final Cut Pro thumbnails",
    ),
    rule(
        File("msmMMOB.mdb"),
        "Avid Media Composer",
        "Avid media database, rebuilt when the folder is mounted",
    ),
    rule(
        File("msmFMID.pmr"),
        "Avid Media Composer",
        "Avid media database, rebuilt when the folder is mounted",
    ),
    rule(
        Dir("Fade Files"),
        "Avid Pro Tools",
        "Pro Tools fade files, recalculated on open",
    ),
    rule(
        File("WaveCache.wfm"),
        "Avid Pro Tools",
        "Pro Tools waveform cache",
    ),
    rule(Ext("reapeaks"), "REAPER", "REAPER peak file"),
    rule(
        Ext("sfk"),
        "VEGAS / Sound Forge",
        "VEGAS / Sound Forge peak file",
    ),
    rule(
        DirPrefix("nuke-u"),
        "Foundry Nuke",
        "Nuke disk cache (NUKE_TEMP_DIR)",
    ),
];

/// The rule whose folder name matches `name`, if any.
pub fn dir_rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| match r.matcher {
        Dir(d) => name.eq_ignore_ascii_case(d),
        DirPrefix(p) => {
            name.len() >= p.len()
                && name.is_char_boundary(p.len())
                && name[..p.len()].eq_ignore_ascii_case(p)
        }
        _ => false,
    })
}

/// The rule matching the file itself (extension or exact name), if any.
pub fn file_rule(path: &Path) -> Option<&'static Rule> {
    let name = pathbytes::name(pathbytes::bytes(path));
    file_rule_of(name, pathbytes::Ext::of_name(name))
}

/// [`file_rule`] from a file name and its extension, already split.
/// It runs for every walked file: extensions are looked up in a map (a scan
/// of the table was the largest user-space cost of a 50k-file walk), names
/// are compared only with the few `File` rules.
pub fn file_rule_of(name: &[u8], ext: Option<pathbytes::Ext>) -> Option<&'static Rule> {
    // (extension → first rule, the `File` rules' indices)
    static INDEX: OnceLock<(pathbytes::ExtMap<usize>, Vec<usize>)> = OnceLock::new();
    let (by_ext, by_name) = INDEX.get_or_init(|| {
        let mut map = pathbytes::ExtMap::new();
        let mut names = Vec::new();
        for (i, r) in RULES.iter().enumerate() {
            match r.matcher {
                Ext(e) => map.insert_first(e, i),
                File(_) => names.push(i),
                _ => {}
            }
        }
        (map, names)
    });
    let from_ext = ext.and_then(|e| by_ext.get(&e).copied());
    let from_name = by_name.iter().copied().find(|&i| match RULES[i].matcher {
        File(f) => name.eq_ignore_ascii_case(f.as_bytes()),
        _ => false,
    });
    // The first rule of the table wins, as a scan in order would.
    let first = match (from_ext, from_name) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    first.map(|i| &RULES[i])
}

/// The outermost regenerable folder above `path` and its rule.
pub fn cache_dir_of(path: &Path) -> Option<(PathBuf, &'static Rule)> {
    cache_dir_in(pathbytes::parent(pathbytes::bytes(path)))
        .map(|(d, r)| (PathBuf::from(OsStr::from_bytes(d)), r))
}

/// The outermost regenerable folder among `dir` and its ancestors.
pub fn cache_dir_in(dir: &[u8]) -> Option<(&[u8], &'static Rule)> {
    let mut start = 0;
    for comp in dir.split(|&c| c == b'/') {
        let end = start + comp.len();
        if let Some(rule) = std::str::from_utf8(comp).ok().and_then(dir_rule) {
            return Some((&dir[..end], rule));
        }
        start = end + 1;
    }
    None
}
