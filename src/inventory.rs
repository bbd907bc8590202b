//! Stage 2 applied to a walk: every file gets a kind, numbered frames become
//! sequences, and media files become the items that get probed.

use crate::classify::{self, Kind, Signature};
use crate::error::FileError;
use crate::sequence::{self, Sequence};
use crate::walk::FileEntry;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What an item of the `media` list is made of.
#[derive(Clone, Debug)]
pub enum Clip {
    /// One file (index into the walk's files).
    File(usize),
    /// An image sequence.
    Sequence(Sequence),
}

/// A media item before probing.
#[derive(Clone, Debug)]
pub struct Item {
    /// Its files.
    pub clip: Clip,
    /// Kind from content or extension (probing may refine video/audio).
    pub kind: Kind,
    /// The format recognised from content, if any.
    pub signature: Option<Signature>,
    /// Set when the file (or first frame) could not be read: it is then not probed.
    pub unreadable: Option<FileError>,
}

impl Item {
    /// The file to probe: the file itself, or a sequence's first frame.
    pub fn probe_path<'a>(&'a self, files: &'a [FileEntry]) -> &'a Path {
        match &self.clip {
            Clip::File(i) => &files[*i].path,
            Clip::Sequence(s) => &files[s.frames[0].1].path,
        }
    }
}

/// Kinds of all files plus the media items.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Kind of each walked file (same order as the walk).
    pub kinds: Vec<Kind>,
    /// Media items, sorted by path / pattern.
    pub items: Vec<Item>,
    /// DCP/IMF package folders found.
    pub packages: Vec<PathBuf>,
    /// Files that are not media items and could not be read.
    pub errors: Vec<FileError>,
}

/// Classifies every file; reads only the first bytes of media-looking files.
pub fn build(files: &[FileEntry]) -> Inventory {
    let packages = package_dirs(files);
    let in_package = |p: &Path| packages.iter().any(|d| p.starts_with(d));
    let mut kinds = vec![Kind::Other; files.len()];
    let mut candidates = Vec::new();
    let mut pending = Vec::new();
    // Siblings mostly follow each other in the walk's order: test each folder once.
    let mut per_folder = crate::pathbytes::PerFolder::new();
    for (i, f) in files.iter().enumerate() {
        let p = &f.path;
        let dir = crate::pathbytes::parent(crate::pathbytes::bytes(p));
        let cached_dir = per_folder.get(dir, || classify::in_cache_dir(p));
        if cached_dir || classify::kind_from_extension(p) == Some(Kind::Cache) {
            kinds[i] = Kind::Cache;
        } else if in_package(p) {
            kinds[i] = Kind::Dcp;
        } else if is_frame_candidate(p) {
            candidates.push(i);
        } else {
            pending.push(i);
        }
    }
    let (seqs, singles) = sequence::detect(files, &candidates);
    pending.extend(singles);
    pending.sort_unstable();

    let sniffed: Vec<(usize, Result<Option<Signature>, FileError>)> =
        pending.par_iter().map(|&i| (i, sniff(&files[i]))).collect();
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (i, sniffed) in sniffed {
        let (sig, unreadable) = match sniffed {
            Ok(sig) => (sig, None),
            Err(e) => (None, Some(e)),
        };
        let kind = classify::classify(&files[i].path, sig);
        kinds[i] = kind;
        if kind.is_media() {
            items.push(Item {
                clip: Clip::File(i),
                kind,
                signature: sig,
                unreadable,
            });
        } else {
            errors.extend(unreadable);
        }
    }
    for s in seqs {
        for &(_, i) in &s.frames {
            kinds[i] = Kind::ImageSequence;
        }
        let (signature, unreadable) = match sniff(&files[s.frames[0].1]) {
            Ok(sig) => (sig, None),
            Err(e) => (None, Some(e)),
        };
        items.push(Item {
            clip: Clip::Sequence(s),
            kind: Kind::ImageSequence,
            signature,
            unreadable,
        });
    }
    items.sort_by_cached_key(|it| match &it.clip {
        Clip::File(i) => files[*i].path.as_os_str().to_owned(),
        Clip::Sequence(s) => s.pattern().into_os_string(),
    });
    Inventory {
        kinds,
        items,
        packages,
        errors,
    }
}

fn is_frame_candidate(p: &Path) -> bool {
    let name = crate::pathbytes::name(crate::pathbytes::bytes(p));
    crate::pathbytes::Ext::of_name(name).is_some_and(|e| e.is_in(classify::IMAGE_EXT))
        && sequence::split_frame(name).is_some()
}

/// Reads the magic bytes of a media-looking file. A file that cannot be read is
/// an error here, once, and is not probed afterwards.
fn sniff(f: &FileEntry) -> Result<Option<Signature>, FileError> {
    if f.size == 0 || !classify::worth_sniffing(&f.path) {
        return Ok(None);
    }
    crate::fsutil::read_head(&f.path, classify::SNIFF_LEN)
        .map(|head| classify::sniff(&head))
        .map_err(|e| FileError::io(&f.path, "cannot read", &e))
}

/// Folders holding a DCP or IMF package: an ASSETMAP beside a CPL and a PKL.
fn package_dirs(files: &[FileEntry]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter(|f| {
            f.path.file_name().is_some_and(|n| {
                n.eq_ignore_ascii_case("ASSETMAP") || n.eq_ignore_ascii_case("ASSETMAP.xml")
            })
        })
        .filter_map(|f| f.path.parent().map(Path::to_path_buf))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    dirs.retain(|dir| {
        let mut cpl = false;
        let mut pkl = false;
        for f in files
            .iter()
            .filter(|f| f.path.parent() == Some(dir.as_path()))
        {
            if classify::extension(&f.path).as_deref() != Some("xml") {
                continue;
            }
            if let Ok(head) = crate::fsutil::read_head(&f.path, 4096) {
                match root_element(&String::from_utf8_lossy(&head)).as_deref() {
                    Some("CompositionPlaylist") => cpl = true,
                    Some("PackingList") => pkl = true,
                    _ => {}
                }
            }
        }
        cpl && pkl
    });
    dirs.sort();
    dirs
}

/// The local name of an XML document's root element (`cpl:CompositionPlaylist` → `CompositionPlaylist`).
pub fn root_element(xml: &str) -> Option<String> {
    let mut rest = xml;
    loop {
        let start = rest.find('<')?;
        rest = &rest[start + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        let local = name.rsplit(':').next().unwrap_or("").to_string();
        return (!local.is_empty()).then_some(local);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_element_skips_prolog_and_comments() {
        let x =
            "<?xml version=\"1.0\"?>\n<!-- c -->\n<cpl:CompositionPlaylist xmlns:cpl=\"x\"><Id/>";
        assert_eq!(root_element(x).as_deref(), Some("CompositionPlaylist"));
        assert_eq!(
            root_element("<AssetMap><PackingList>true</PackingList>").as_deref(),
            Some("AssetMap")
        );
        assert_eq!(root_element("no xml"), None);
    }
}
