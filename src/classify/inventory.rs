//! Stage 2 applied to a walk: every file gets a kind, numbered frames become
//! sequences, and media files become the items that get probed.

use crate::classify::sequence::{self, Sequence};
use crate::classify::{self, Kind, Signature};
use crate::util::error::FileError;
use crate::walk::FileEntry;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// What an item of the `media` list is made of.
#[derive(Clone, Debug)]
pub enum Clip {
    /// One file (index into the walk's files).
    File(usize),
    /// An image sequence.
    Sequence(Sequence),
    /// One clip split over several files: RED's `_001.R3D`, `_002.R3D`…
    /// (walk indices, in segment order). Counted, probed and reported once.
    Spanned(Vec<usize>),
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
    /// For a track file of a DCP/IMF package: the package (an index into
    /// `Inventory::packages`). Its file keeps the kind `dcp`.
    pub package: Option<usize>,
}

impl Item {
    /// The file to probe: the file itself, or a sequence's first frame.
    pub fn probe_path<'a>(&'a self, files: &'a [FileEntry]) -> &'a Path {
        match &self.clip {
            Clip::File(i) => &files[*i].path,
            Clip::Sequence(s) => &files[s.frames[0].1].path,
            Clip::Spanned(parts) => &files[parts[0]].path,
        }
    }

    /// Every file of the item (walk indices).
    pub fn file_indices(&self) -> Vec<usize> {
        match &self.clip {
            Clip::File(i) => vec![*i],
            Clip::Sequence(s) => s.frames.iter().map(|f| f.1).collect(),
            Clip::Spanned(parts) => parts.clone(),
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

/// Classifies every file. With `read_heads`, the first bytes of media-looking
/// files decide their kind; without (`--no-probe`), nothing is opened and kinds
/// come from names and folders alone.
pub fn build(files: &[FileEntry], read_heads: bool) -> Inventory {
    let sniff = |f: &FileEntry| {
        if read_heads { sniff(f) } else { Ok(None) }
    };
    let packages = package_dirs(files);
    let in_package = |p: &Path| packages.iter().any(|d| p.starts_with(d));
    // Where each file stands before its content is read, on every core;
    // siblings mostly follow each other, so folder rules run once per folder.
    #[derive(Clone, Copy, PartialEq)]
    enum First {
        Cache,
        Dcp,
        Frame,
        Pending,
    }
    let first: Vec<First> = files
        .par_chunks(4096)
        .flat_map_iter(|chunk| {
            let mut per_folder = crate::util::pathbytes::PerFolder::new();
            chunk.iter().map(move |f| {
                let p = &f.path;
                let dir = crate::util::pathbytes::parent(crate::util::pathbytes::bytes(p));
                if per_folder.get(dir, || classify::in_cache_dir(p))
                    || classify::kind_from_extension(p) == Some(Kind::Cache)
                {
                    First::Cache
                } else if in_package(p) {
                    First::Dcp
                } else if is_frame_candidate(p) {
                    First::Frame
                } else {
                    First::Pending
                }
            })
        })
        .collect();
    let mut kinds: Vec<Kind> = first
        .iter()
        .map(|f| match f {
            First::Cache => Kind::Cache,
            First::Dcp => Kind::Dcp,
            _ => Kind::Other,
        })
        .collect();
    let candidates: Vec<usize> = (0..files.len())
        .filter(|&i| first[i] == First::Frame)
        .collect();
    // Read the first bytes and classify, each kind written in place on every
    // core, while the numbered frames are grouped into sequences; frames left
    // alone follow. Only media and unreadable files come back: most files
    // are neither, and a record for each cost more than classifying them.
    type Sniffed = (usize, Kind, Result<Option<Signature>, FileError>);
    let classify = |i: usize, kind: &mut Kind| -> Option<Sniffed> {
        let r = sniff(&files[i]);
        let sig = r.as_ref().ok().copied().flatten();
        *kind = classify::classify(&files[i].path, sig);
        (kind.is_media() || r.is_err()).then_some((i, *kind, r))
    };
    let ((seqs, singles), mut sniffed) = rayon::join(
        || sequence::detect(files, &candidates),
        || {
            kinds
                .par_iter_mut()
                .zip(&first)
                .enumerate()
                .filter(|(_, (_, f))| **f == First::Pending)
                .filter_map(|(i, (kind, _))| classify(i, kind))
                .collect::<Vec<Sniffed>>()
        },
    );
    let lone: Vec<(usize, Kind, Option<Sniffed>)> = singles
        .par_iter()
        .map(|&i| {
            let mut kind = Kind::Other;
            let r = classify(i, &mut kind);
            (i, kind, r)
        })
        .collect();
    for (i, kind, r) in lone {
        kinds[i] = kind;
        sniffed.extend(r);
    }
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (i, kind, sniffed) in sniffed {
        let (sig, unreadable) = match sniffed {
            Ok(sig) => (sig, None),
            Err(e) => (None, Some(e)),
        };
        if kind.is_media() {
            items.push(Item {
                clip: Clip::File(i),
                kind,
                signature: sig,
                unreadable,
                package: None,
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
            package: None,
        });
    }
    // The track files of DCP/IMF packages are media too (picture, sound):
    // items marked with their package, probed like any MXF.
    for (i, f) in files.iter().enumerate() {
        if first[i] == First::Dcp && crate::util::pathbytes::has_ext(&f.path, "mxf") {
            let package = packages.iter().position(|d| f.path.starts_with(d));
            items.push(Item {
                clip: Clip::File(i),
                kind: Kind::Video,
                signature: None,
                unreadable: None,
                package,
            });
        }
    }
    let mut items = join_spanned(items, files, &mut errors);
    // Borrowed keys: only a sequence's pattern has to be built.
    items.par_sort_by_cached_key(|it| match &it.clip {
        Clip::File(i) => Cow::Borrowed(files[*i].path.as_os_str()),
        Clip::Sequence(s) => Cow::Owned(s.pattern().into_os_string()),
        Clip::Spanned(parts) => Cow::Borrowed(files[parts[0]].path.as_os_str()),
    });
    Inventory {
        kinds,
        items,
        packages,
        errors,
    }
}

fn is_frame_candidate(p: &Path) -> bool {
    let name = crate::util::pathbytes::name(crate::util::pathbytes::bytes(p));
    crate::util::pathbytes::Ext::of_name(name).is_some_and(|e| classify::is_image_ext(&e))
        && sequence::split_frame(name).is_some()
}

/// The clip and segment number of a RED segment name (`A001_C001_0908R4_002.R3D`).
pub fn r3d_segment(name: &[u8]) -> Option<(&[u8], u32)> {
    let stem = name
        .len()
        .checked_sub(4)
        .filter(|&n| name[n..].eq_ignore_ascii_case(b".r3d"))
        .map(|n| &name[..n])?;
    let (clip, number) = stem.split_at(stem.len().checked_sub(4)?);
    let digits = number.strip_prefix(b"_")?;
    (!clip.is_empty() && digits.iter().all(u8::is_ascii_digit))
        .then(|| Some((clip, std::str::from_utf8(digits).ok()?.parse().ok()?)))
        .flatten()
}

/// Joins the segments of each RED clip (same folder, same clip name) into one
/// item. A segment that could not be read is listed as an error; the clip is
/// unreadable only if its first segment is.
fn join_spanned(items: Vec<Item>, files: &[FileEntry], errors: &mut Vec<FileError>) -> Vec<Item> {
    // (folder, clip name) → (segment number, item)
    type Clips<'a> = std::collections::BTreeMap<(&'a [u8], &'a [u8]), Vec<(u32, Item)>>;
    let mut clips = Clips::default();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Clip::File(i) = item.clip else {
            out.push(item);
            continue;
        };
        let b = crate::util::pathbytes::bytes(&files[i].path);
        match r3d_segment(crate::util::pathbytes::name(b)) {
            Some((clip, n)) => clips
                .entry((crate::util::pathbytes::parent(b), clip))
                .or_default()
                .push((n, item)),
            None => out.push(item),
        }
    }
    for (_, mut segments) in clips {
        if segments.len() == 1 {
            out.extend(segments.pop().map(|s| s.1));
            continue;
        }
        segments.sort_by_key(|s| s.0);
        let parts = segments
            .iter()
            .map(|(_, it)| match it.clip {
                Clip::File(i) => i,
                _ => unreachable!("only single files are joined"),
            })
            .collect();
        let mut segments = segments.into_iter().map(|s| s.1);
        let first = segments.next().expect("two or more segments");
        errors.extend(segments.filter_map(|s| s.unreadable));
        out.push(Item {
            clip: Clip::Spanned(parts),
            ..first
        });
    }
    out
}

/// Reads the magic bytes of a media-looking file. A file that cannot be read is
/// an error here, once, and is not probed afterwards.
fn sniff(f: &FileEntry) -> Result<Option<Signature>, FileError> {
    if f.size == 0 || !classify::worth_sniffing(&f.path) {
        return Ok(None);
    }
    crate::util::fsutil::read_head(&f.path, classify::SNIFF_LEN)
        .map(|head| classify::sniff(&head))
        .map_err(|e| FileError::io(&f.path, "cannot read", &e))
}

/// Folders holding a DCP or IMF package: an ASSETMAP beside a CPL or a PKL.
fn package_dirs(files: &[FileEntry]) -> Vec<PathBuf> {
    fn bytes(f: &FileEntry) -> &[u8] {
        crate::util::pathbytes::bytes(&f.path)
    }
    let assetmaps: HashSet<&[u8]> = files
        .par_iter()
        .filter(|f| {
            // From the end: finding every name first showed in profiles.
            let b = bytes(f);
            crate::util::pathbytes::name_is(b, b"ASSETMAP")
                || crate::util::pathbytes::name_is(b, b"ASSETMAP.xml")
        })
        .map(|f| crate::util::pathbytes::parent(bytes(f)))
        .collect();
    if assetmaps.is_empty() {
        return Vec::new();
    }
    // One pass over the files: the XML beside each ASSETMAP says whether a
    // CPL and a PKL are there too.
    let mut found: HashMap<&[u8], (bool, bool)> = HashMap::new();
    for f in files {
        let dir = crate::util::pathbytes::parent(bytes(f));
        // The extension first: a hash of the folder for every file showed.
        if !crate::util::pathbytes::has_ext(&f.path, "xml") || !assetmaps.contains(dir) {
            continue;
        }
        if let Ok(head) = crate::util::fsutil::read_head(&f.path, 4096) {
            let (cpl, pkl) = found.entry(dir).or_default();
            match root_element(&String::from_utf8_lossy(&head)).as_deref() {
                Some("CompositionPlaylist") => *cpl = true,
                Some("PackingList") => *pkl = true,
                _ => {}
            }
        }
    }
    let mut dirs: Vec<PathBuf> = found
        .into_iter()
        // Either one: a package whose PKL (or CPL) is broken is still a
        // package, and `check` must say what is wrong with it.
        .filter(|&(_, (cpl, pkl))| cpl || pkl)
        .map(|(dir, _)| PathBuf::from(std::ffi::OsStr::from_bytes(dir)))
        .collect();
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
    fn red_segment_names() {
        assert_eq!(
            r3d_segment(b"A002_C001_0908R4_002.R3D"),
            Some((&b"A002_C001_0908R4"[..], 2))
        );
        assert_eq!(r3d_segment(b"clip_010.r3d"), Some((&b"clip"[..], 10)));
        for no in [
            &b"A002_C001_0908R4.R3D"[..],
            b"_001.R3D",
            b"clip_01.R3D",
            b"clip_001.mov",
            b"x_0a1.R3D",
        ] {
            assert_eq!(r3d_segment(no), None, "{}", String::from_utf8_lossy(no));
        }
    }

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
