//! Caches, proxies and render files that the application that made them can
//! rebuild, found by the rules of [`crate::classify::rules`]: whole folders
//! where possible, loose files otherwise. Sources for each rule:
//! docs/RECLAIM.md.

use crate::classify::Kind;
use crate::classify::rules::cache_dir_in;
pub use crate::classify::rules::{Match, RULES, Rule, cache_dir_of, dir_rule, file_rule};
use crate::util::pathbytes;
use crate::walk::FileEntry;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// A regenerable item: a cache folder or a loose cache file.
#[derive(Clone, Debug)]
pub struct Found {
    /// The folder or file.
    pub path: PathBuf,
    /// Its rule.
    pub rule: &'static Rule,
    /// Files it holds (indices into the walk), protected ones left out.
    pub files: Vec<usize>,
}

/// Finds every regenerable folder and loose cache file. Protected files
/// (camera originals…) are never included; a folder holding one is not
/// offered as a whole, only its other files are. `kinds` are the
/// classification's: a file is of kind `cache` exactly when it is in a
/// cache folder or matches a file rule, so the others are passed over
/// without looking at their path.
pub fn find(files: &[FileEntry], kinds: &[Kind], protected: &[bool]) -> Vec<Found> {
    let mut dirs: BTreeMap<&[u8], (&'static Rule, Vec<usize>, bool)> = BTreeMap::new();
    let mut loose = Vec::new();
    let mut per_folder = pathbytes::PerFolder::new();
    for (i, f) in files.iter().enumerate() {
        if kinds[i] != Kind::Cache {
            continue;
        }
        let parent = pathbytes::parent(pathbytes::bytes(&f.path));
        match per_folder.get(parent, || cache_dir_in(parent)) {
            Some((dir, rule)) => {
                let e = dirs.entry(dir).or_insert((rule, Vec::new(), false));
                if protected[i] {
                    e.2 = true;
                } else {
                    e.1.push(i);
                }
            }
            None => {
                if !protected[i]
                    && let Some(rule) = file_rule(&f.path)
                {
                    loose.push(Found {
                        path: f.path.clone(),
                        rule,
                        files: vec![i],
                    });
                }
            }
        }
    }
    let mut out = loose;
    for (path, (rule, members, has_protected)) in dirs {
        if has_protected {
            out.extend(members.into_iter().map(|i| Found {
                path: files[i].path.clone(),
                rule,
                files: vec![i],
            }));
        } else if !members.is_empty() {
            out.push(Found {
                path: PathBuf::from(OsStr::from_bytes(path)),
                rule,
                files: members,
            });
        }
    }
    out.sort_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn folders_of_each_application() {
        for (p, app) in [
            ("/r/Resolve/CacheClip/a/b.dvcc", "DaVinci Resolve"),
            ("/r/OptimizedMedia/A001.mov", "DaVinci Resolve"),
            ("/r/ProxyMedia/A001.mov", "DaVinci Resolve"),
            ("/r/Media Cache Files/x.cfa", "Adobe Premiere Pro"),
            (
                "/r/Adobe Premiere Pro Video Previews/p.mov",
                "Adobe Premiere Pro",
            ),
            (
                "/r/Adobe After Effects Disk Cache - EDIT1/a.bin",
                "Adobe After Effects",
            ),
            (
                "/r/Lib.fcpbundle/E/Render Files/High Quality Media/r.mov",
                "Final Cut Pro",
            ),
            (
                "/r/Lib.fcpbundle/E/Transcoded Media/Proxy Media/p.mov",
                "Final Cut Pro",
            ),
            ("/r/Lib.fcpbundle/E/Analysis Files/x.plist", "Final Cut Pro"),
            ("/r/Session/Fade Files/f.wav", "Avid Pro Tools"),
        ] {
            let (_, rule) = cache_dir_of(Path::new(p)).unwrap_or_else(|| panic!("{p}"));
            assert_eq!(rule.app, app, "{p}");
        }
        let (dir, _) = cache_dir_of(Path::new("/r/CacheClip/x/Render Files/y.mov")).unwrap();
        assert_eq!(dir, Path::new("/r/CacheClip"), "outermost folder wins");
        assert!(cache_dir_of(Path::new("/r/Exports/CacheClip.mov")).is_none());
        assert!(cache_dir_of(Path::new("/r/Original Media/A001.mov")).is_none());
    }

    #[test]
    fn loose_files() {
        assert_eq!(
            file_rule(Path::new("/r/a.wav.pek")).unwrap().app,
            "Adobe Premiere Pro"
        );
        assert_eq!(
            file_rule(Path::new("/r/Avid MediaFiles/MXF/1/msmMMOB.mdb"))
                .unwrap()
                .app,
            "Avid Media Composer"
        );
        assert!(file_rule(Path::new("/r/a.mov")).is_none());
    }
}
