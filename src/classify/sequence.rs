//! Image sequences: numbered frames grouped into one clip.
//!
//! Frames are grouped by (folder, prefix, padding, extension). The frame number
//! is the last run of digits before the extension, so `name.1001.exr`,
//! `name_0001.dpx` and `name0001.tif` all work, with any padding and any start
//! (VFX plates at 1001, scans at timecode frames such as 86400). Padded and
//! unpadded runs are told apart by leading zeros: `%04d` needs every frame to
//! have four digits, `%d` takes any width. A lone numbered file is not a sequence.

use crate::walk::FileEntry;
use rayon::prelude::*;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// Longest digit run taken as a frame number (10 digits fit u64 comfortably).
const MAX_DIGITS: usize = 10;
/// `missing` lists are capped so a sparse range cannot blow up the report.
pub const MAX_MISSING_LISTED: usize = 10_000;

/// A detected image sequence.
#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    /// The folder holding the frames.
    pub dir: PathBuf,
    /// Name bytes before the frame number.
    pub prefix: Vec<u8>,
    /// Name bytes after the frame number, including the dot (`.exr`).
    pub suffix: Vec<u8>,
    /// Digits of padding; 0 means unpadded (`%d`).
    pub padding: usize,
    /// (frame number, index into the walk's files), sorted by frame.
    pub frames: Vec<(u64, usize)>,
}

impl Sequence {
    /// The printf-style pattern path, e.g. `/r/plate.%06d.dpx`.
    pub fn pattern(&self) -> PathBuf {
        let mut name = self.prefix.clone();
        if self.padding > 1 {
            name.extend_from_slice(format!("%0{}d", self.padding).as_bytes());
        } else {
            name.extend_from_slice(b"%d");
        }
        name.extend_from_slice(&self.suffix);
        self.dir.join(OsStr::from_bytes(&name))
    }

    /// First frame number.
    pub fn first(&self) -> u64 {
        self.frames.first().map_or(0, |f| f.0)
    }

    /// Last frame number.
    pub fn last(&self) -> u64 {
        self.frames.last().map_or(0, |f| f.0)
    }

    /// Number of gaps between first and last.
    pub fn missing_count(&self) -> u64 {
        (self.last() - self.first() + 1) - self.frames.len() as u64
    }

    /// Frame numbers absent between first and last, at most [`MAX_MISSING_LISTED`].
    pub fn missing(&self) -> Vec<u64> {
        let mut out = Vec::new();
        for w in self.frames.windows(2) {
            for n in w[0].0 + 1..w[1].0 {
                if out.len() == MAX_MISSING_LISTED {
                    return out;
                }
                out.push(n);
            }
        }
        out
    }
}

/// Splits a file name into (prefix, digits, suffix) around its last digit run
/// before the extension. `None` if it has no frame number.
pub fn split_frame(name: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let dot = name.iter().rposition(|&b| b == b'.')?;
    let stem = &name[..dot];
    let digits = stem.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > MAX_DIGITS {
        return None;
    }
    let start = dot - digits;
    Some((&name[..start], &name[start..dot], &name[dot..]))
}

/// Groups the candidate files (indices into `files`) into sequences. Returns the
/// sequences, sorted by pattern, and the candidates that belong to none.
pub fn detect(files: &[FileEntry], candidates: &[usize]) -> (Vec<Sequence>, Vec<usize>) {
    // Keys from the path's bytes: hashing a `Path` walks its components.
    type Key<'a> = (&'a [u8], &'a [u8], &'a [u8]);
    // (frame, width, has a leading zero, file index)
    type Frame = (u64, usize, bool, usize);
    type Groups<'a> = HashMap<Key<'a>, Vec<Frame>>;
    // On every core, a slice of the candidates each: on a render farm's
    // drive nearly every file is a frame, and one thread grouping them all
    // was the longest step of classifying. A sequence cut by a slice's end
    // is joined when the slices' groups are merged.
    let group = |chunk: &[usize]| -> (Groups, Vec<usize>) {
        let mut groups = Groups::new();
        let mut singles = Vec::new();
        // Frames of one sequence follow each other in the walk's order: the
        // group is looked up again only when the key changes.
        let mut run: Option<(Key, Vec<Frame>)> = None;
        for &i in chunk {
            let path = crate::util::pathbytes::bytes(&files[i].path);
            let (dir, name) = (
                crate::util::pathbytes::parent(path),
                crate::util::pathbytes::name(path),
            );
            match split_frame(name) {
                Some((prefix, digits, suffix)) => {
                    let n: u64 = std::str::from_utf8(digits)
                        .ok()
                        .and_then(|d| d.parse().ok())
                        .unwrap_or(0);
                    let lead0 = digits.len() > 1 && digits[0] == b'0';
                    let key = (dir, prefix, suffix);
                    let frame = (n, digits.len(), lead0, i);
                    match &mut run {
                        Some((k, frames)) if *k == key => frames.push(frame),
                        _ => {
                            if let Some((k, frames)) = run.replace((key, vec![frame])) {
                                groups.entry(k).or_default().extend(frames);
                            }
                        }
                    }
                }
                None => singles.push(i),
            }
        }
        if let Some((k, frames)) = run {
            groups.entry(k).or_default().extend(frames);
        }
        (groups, singles)
    };
    let (groups, mut singles) = candidates.par_chunks(8192).map(group).reduce(
        || (Groups::new(), Vec::new()),
        |(mut a, mut sa), (b, sb)| {
            for (k, frames) in b {
                a.entry(k).or_default().extend(frames);
            }
            sa.extend(sb);
            (a, sa)
        },
    );
    // Each group on its own, on every core; frames are sorted by (number,
    // file index), so the order they were merged in does not show.
    let (seqs, lone): (Vec<Vec<Sequence>>, Vec<Vec<usize>>) = groups
        .into_par_iter()
        .map(|((dir, prefix, suffix), members)| {
            let widths_vary = members.iter().any(|m| m.1 != members[0].1);
            let any_lead0 = members.iter().any(|m| m.2);
            // Partition into runs of one padding each.
            let mut parts: HashMap<usize, Vec<(u64, usize)>> = HashMap::new();
            for (n, width, _, i) in members {
                let padding = if any_lead0 || !widths_vary { width } else { 0 };
                parts.entry(padding).or_default().push((n, i));
            }
            let (mut seqs, mut singles) = (Vec::new(), Vec::new());
            for (padding, mut frames) in parts {
                if frames.len() < 2 {
                    singles.extend(frames.into_iter().map(|f| f.1));
                    continue;
                }
                frames.sort_unstable();
                seqs.push(Sequence {
                    dir: PathBuf::from(std::ffi::OsStr::from_bytes(dir)),
                    prefix: prefix.to_vec(),
                    suffix: suffix.to_vec(),
                    padding: if padding == 1 { 0 } else { padding },
                    frames,
                });
            }
            (seqs, singles)
        })
        .unzip();
    let mut seqs: Vec<Sequence> = seqs.into_iter().flatten().collect();
    singles.extend(lone.into_iter().flatten());
    seqs.par_sort_by_cached_key(|s| s.pattern().into_os_string());
    singles.par_sort_unstable();
    (seqs, singles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::units::FileId;

    fn entries(names: &[&str]) -> Vec<FileEntry> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| FileEntry {
                path: PathBuf::from(n),
                root: 0,
                size: 10,
                id: FileId {
                    dev: 1,
                    ino: i as u64,
                },
                nlink: 1,
                mtime_ns: 0,
                ctime_ns: 0,
            })
            .collect()
    }

    fn run(names: &[&str]) -> (Vec<Sequence>, Vec<usize>) {
        let files = entries(names);
        let idx: Vec<usize> = (0..files.len()).collect();
        detect(&files, &idx)
    }

    #[test]
    fn splits_common_frame_namings() {
        assert_eq!(
            split_frame(b"name.1001.exr"),
            Some((&b"name."[..], &b"1001"[..], &b".exr"[..]))
        );
        assert_eq!(
            split_frame(b"name_0001.dpx"),
            Some((&b"name_"[..], &b"0001"[..], &b".dpx"[..]))
        );
        assert_eq!(
            split_frame(b"name0001.tif"),
            Some((&b"name"[..], &b"0001"[..], &b".tif"[..]))
        );
        assert_eq!(
            split_frame(b"sh010_v003.exr"),
            Some((&b"sh010_v"[..], &b"003"[..], &b".exr"[..]))
        );
        assert_eq!(split_frame(b"plate.exr"), None);
        assert_eq!(split_frame(b"noext1001"), None);
    }

    #[test]
    fn groups_padded_frames_and_reports_gaps() {
        let (seqs, singles) = run(&[
            "/s/A001C003.0086400.dpx",
            "/s/A001C003.0086401.dpx",
            "/s/A001C003.0086403.dpx",
            "/s/A001C003.0086406.dpx",
        ]);
        assert!(singles.is_empty());
        assert_eq!(seqs.len(), 1);
        let s = &seqs[0];
        assert_eq!(s.pattern(), PathBuf::from("/s/A001C003.%07d.dpx"));
        assert_eq!((s.first(), s.last(), s.frames.len()), (86400, 86406, 4));
        assert_eq!(s.missing(), vec![86402, 86404, 86405]);
        assert_eq!(s.missing_count(), 3);
    }

    #[test]
    fn vfx_plate_without_leading_zeros_keeps_its_padding() {
        let names: Vec<String> = (1001..=1024)
            .map(|f| format!("/c/sh010_comp_v003.{f}.exr"))
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let (seqs, _) = run(&names);
        assert_eq!(seqs.len(), 1);
        assert_eq!(
            seqs[0].pattern(),
            PathBuf::from("/c/sh010_comp_v003.%04d.exr")
        );
        assert_eq!(seqs[0].frames.len(), 24);
        assert!(seqs[0].missing().is_empty());
    }

    #[test]
    fn unpadded_frames_form_one_sequence_across_widths() {
        let (seqs, _) = run(&["/u/f1.png", "/u/f2.png", "/u/f10.png", "/u/f100.png"]);
        assert_eq!(seqs.len(), 1);
        assert_eq!(seqs[0].pattern(), PathBuf::from("/u/f%d.png"));
        assert_eq!(seqs[0].frames.len(), 4);
        assert_eq!(seqs[0].missing_count(), 96);
    }

    #[test]
    fn different_prefix_folder_or_extension_split_groups_and_lone_frames_stay_single() {
        let (seqs, singles) = run(&[
            "/a/x.0001.exr",
            "/a/x.0002.exr",
            "/a/y.0001.exr",
            "/a/x.0001.dpx",
            "/b/x.0001.exr",
            "/b/x.0002.exr",
            "/a/poster.png",
        ]);
        assert_eq!(seqs.len(), 2);
        assert_eq!(seqs[0].pattern(), PathBuf::from("/a/x.%04d.exr"));
        assert_eq!(seqs[1].pattern(), PathBuf::from("/b/x.%04d.exr"));
        assert_eq!(singles, vec![2, 3, 6]);
    }

    #[test]
    fn missing_list_is_capped() {
        let (seqs, _) = run(&["/g/a.0000001.exr", "/g/a.0100000.exr"]);
        assert_eq!(seqs[0].missing().len(), MAX_MISSING_LISTED);
        assert_eq!(seqs[0].missing_count(), 99_998);
    }
}
