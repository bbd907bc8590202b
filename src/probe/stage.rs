//! Stage 3 as the audit runs it: locate ffprobe, take what the cache knows,
//! probe the rest in parallel, and store the new deterministic results.

use super::header;
use super::media::{MediaItem, ProbeStatus, SequenceInfo};
use super::memo::CachedProbe;
use super::{ProbeError, ProbeInfo, ProbeWith, Readers};
use crate::cache::Session;
use crate::classify::inventory::{Clip, Item};
use crate::classify::{Kind, Signature};
use crate::util::error::{ErrorKind, FileError};
use crate::util::pathfmt;
use crate::util::progress::Progress;
use crate::util::status::StageStatus;
use crate::walk::FileEntry;
use rayon::prelude::*;

/// One result per item, with the reader that gave it (`native`, `ffprobe`,
/// `none`): `None` when not probed (interrupted, or no reader knows it).
pub type Results = Vec<Option<(Result<ProbeInfo, ProbeError>, &'static str)>>;

/// What the stage hands on.
pub struct Probed {
    /// Per item.
    pub results: Results,
    /// `done`, or `unavailable` when ffprobe cannot run.
    pub status: StageStatus,
}

/// The walk index of the file an item is probed through.
pub fn probe_index(item: &Item) -> usize {
    match &item.clip {
        Clip::File(i) => *i,
        Clip::Sequence(s) => s.frames[0].1,
        Clip::Spanned(parts) => parts[0],
    }
}

/// How the stage probes: readers, ffprobe binary, timeout, workers.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Which readers probe.
    pub with: ProbeWith,
    /// Explicit ffprobe binary.
    pub ffprobe: Option<std::path::PathBuf>,
    /// Per-file ffprobe timeout.
    pub timeout: std::time::Duration,
    /// ffprobe children at once (`-j`): each is a CPU-bound process.
    pub threads: usize,
    /// Header reads in flight (`--io-threads`): a cold disk or a NAS answers
    /// several reads at once faster than one after the other.
    pub io_threads: usize,
}

/// Probes `items`, using and feeding `cache`.
pub fn run(
    cfg: &Settings,
    log: &Progress,
    bar: &indicatif::ProgressBar,
    items: &[Item],
    files: &[FileEntry],
    cache: &mut Session,
) -> Probed {
    let readers =
        Readers::deferred(cfg.with, cfg.ffprobe.as_deref(), cfg.timeout).with_children(cfg.threads);
    // A binary named with --ffprobe is checked at once: a wrong path is
    // said even when no file needed it.
    if cfg.ffprobe.is_some() {
        readers.ffprobe();
    }
    // Under --probe-with ffprobe, answers the native readers gave are read again.
    let usable = |c: &CachedProbe| cfg.with != ProbeWith::Ffprobe || c.source() != "native";
    let memo: Vec<Option<CachedProbe>> = items
        .iter()
        .map(|it| {
            let text = cache.get(probe_index(it))?.probe.as_deref()?;
            CachedProbe::from_json(text).filter(usable)
        })
        .collect();
    let hit: Vec<bool> = memo.iter().map(Option::is_some).collect();
    let workers = cfg.threads.max(cfg.io_threads);
    let results = probe_items(&readers, items, files, &memo, workers, bar);
    // Said once a file needed ffprobe: a drive the native readers read
    // whole loses nothing without it.
    if let Some(e) = readers.missing() {
        log.warn(&format!(
            "{e}; only formats footprint reads natively (WAV, DPX, EXR and TIFF frames, \
             QuickTime/MP4, MXF and Matroska with ProRes, DNxHD/HR, H.264, HEVC, JPEG 2000, \
             PCM, AAC) were probed (install FFmpeg, or pass --ffprobe PATH)"
        ));
    }
    // Items a reader had to read: not cached, not empty, not unreadable.
    cache.usage.probes_from_cache = hit.iter().filter(|h| **h).count() as u64;
    cache.usage.probes_run = items
        .iter()
        .zip(&hit)
        .zip(&results)
        .filter(|((it, hit), r)| {
            !**hit && r.is_some() && it.unreadable.is_none() && files[probe_index(it)].size > 0
        })
        .count() as u64;
    let fresh: Vec<(usize, String)> = items
        .iter()
        .zip(&results)
        .zip(&hit)
        .filter(|(_, hit)| !**hit)
        .filter_map(|((it, r), _)| {
            let (r, source) = r.as_ref()?;
            Some((
                probe_index(it),
                CachedProbe::from_result(r, source)?.to_json(),
            ))
        })
        .collect();
    cache.save(files, &[], &fresh, log);
    Probed {
        results,
        status: if readers.missing().is_none() {
            StageStatus::Done
        } else {
            StageStatus::Unavailable
        },
    }
}

fn probe_items(
    readers: &Readers,
    items: &[Item],
    files: &[FileEntry],
    memo: &[Option<CachedProbe>],
    threads: usize,
    bar: &indicatif::ProgressBar,
) -> Results {
    let work = || {
        items
            .par_iter()
            .zip(memo)
            .map(|(item, memo)| {
                if crate::util::cancel::is_cancelled() {
                    return None;
                }
                let i = probe_index(item);
                let size = files[i].size;
                // An empty or unreadable file is read by no reader.
                let r = if size == 0 {
                    Some((Err(ProbeError::Empty), "none"))
                } else if let Some(c) = memo {
                    Some((c.to_result(), c.source()))
                } else if let Some(e) = &item.unreadable {
                    Some((Err(ProbeError::Io(e.message.clone())), "none"))
                } else {
                    readers.probe(item.probe_path(files), size)
                };
                bar.inc(1);
                r
            })
            .collect()
    };
    // Native reads on every worker; the readers let only -j ffprobe
    // children run at once.
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("footprint-probe-{i}"))
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// Turns an item and its probe result into a report entry; refines `kinds`.
pub fn media_item(
    item: &Item,
    result: Option<(Result<ProbeInfo, ProbeError>, &'static str)>,
    files: &[FileEntry],
    kinds: &mut [Kind],
) -> MediaItem {
    let source = result.as_ref().map_or("none", |r| r.1);
    let result = result.map(|r| r.0);
    let (info, error) = match (result, &item.unreadable) {
        (_, Some(e)) => (None, Some(e.message.clone())),
        (Some(Ok(info)), None) => (Some(info), None),
        (Some(Err(e)), None) => (None, Some(e.to_string())),
        (None, None) => (None, None),
    };
    let info_ref = info.as_ref();
    let mut kind = item.kind;
    let single = matches!(item.clip, Clip::File(_) | Clip::Spanned(_));
    if let (true, Some(info)) = (single, info_ref) {
        // Content told us "a container"; the streams tell video from audio.
        let still = matches!(item.signature, Some(s) if s.kind() == Kind::Image);
        if !still {
            kind = match (&info.video, info.audio.is_empty()) {
                (Some(_), _) => Kind::Video,
                (None, false) => Kind::Audio,
                (None, true) => kind,
            };
            // A package's track files stay `dcp` in the totals by kind.
            if item.package.is_none() {
                for i in item.file_indices() {
                    kinds[i] = kind;
                }
            }
        }
    }
    let mut m = MediaItem {
        path: String::new(),
        kind,
        bytes: 0,
        container: info_ref.and_then(|i| i.container.clone()),
        duration_s: info_ref.and_then(|i| i.duration_s),
        bit_rate: info_ref.and_then(|i| i.bit_rate),
        bit_rate_estimated: false,
        video: info_ref.and_then(|i| i.video.clone()),
        audio: info_ref.map(|i| i.audio.clone()).unwrap_or_default(),
        timecode: info_ref.and_then(|i| i.timecode.clone()),
        sequence: None,
        segments: None,
        package: None,
        probe: ProbeStatus {
            source: if info.is_some() { source } else { "none" },
            error,
        },
    };
    match &item.clip {
        Clip::File(i) => {
            m.path = pathfmt::display(&files[*i].path);
            m.bytes = files[*i].size;
            if kind == Kind::Image {
                // A still has no running time; ffprobe's image pipes invent one.
                m.duration_s = None;
                m.bit_rate = None;
                if let Some(v) = m.video.as_mut() {
                    v.set_rate(None);
                }
            }
        }
        Clip::Spanned(parts) => {
            m.path = pathfmt::display(&files[parts[0]].path);
            m.bytes = parts.iter().map(|&i| files[i].size).sum();
            m.segments = Some(parts.len() as u64);
        }
        Clip::Sequence(s) => {
            m.path = pathfmt::display(&s.pattern());
            m.bytes = s.frames.iter().map(|&(_, i)| files[i].size).sum();
            let first = &files[s.frames[0].1].path;
            let hdr = matches!(item.signature, Some(Signature::Dpx | Signature::Exr))
                .then(|| header::read(first))
                .flatten();
            let header_fps = hdr.as_ref().and_then(|h| h.fps);
            if let Some(tc) = hdr.as_ref().and_then(|h| h.timecode.clone()) {
                m.timecode = Some(tc);
            }
            let fps = header_fps.unwrap_or(super::ASSUMED_SEQUENCE_FPS);
            let duration = s.frames.len() as f64 / fps;
            m.container = Some("image2".to_string());
            m.duration_s = Some(duration);
            m.bit_rate = None;
            if let Some(v) = m.video.as_mut() {
                v.set_rate(super::rate::Rate::from_fps(fps));
            }
            m.sequence = Some(SequenceInfo {
                first: s.first(),
                last: s.last(),
                frames: s.frames.len() as u64,
                missing: s.missing(),
                missing_count: s.missing_count(),
                fps_source: if header_fps.is_some() {
                    "header"
                } else {
                    "assumed"
                },
            });
        }
    }
    if m.bit_rate.is_none()
        && let Some(d) = m.duration_s.filter(|d| *d > 0.0)
    {
        m.bit_rate = Some((m.bytes as f64 * 8.0 / d).round() as u64);
        m.bit_rate_estimated = true;
    }
    m
}
/// The report's media items from the inventory and the probe results; the
/// kinds of probed files refined (a `.mov` holding only audio is audio); the
/// probe failures as errors.
pub fn media_items(
    inv: &crate::classify::inventory::Inventory,
    probed: Results,
    files: &[FileEntry],
) -> (Vec<MediaItem>, Vec<Kind>, Vec<FileError>) {
    let mut media = Vec::with_capacity(inv.items.len());
    let mut kinds = inv.kinds.clone();
    let mut errors = Vec::new();
    for (item, result) in inv.items.iter().zip(probed) {
        let mut m = media_item(item, result, files, &mut kinds);
        m.package = item.package.map(|p| pathfmt::display(&inv.packages[p]));
        if let Some(seq) = m.sequence.as_ref().filter(|s| s.missing_count > 0) {
            errors.push(FileError::new(
                &m.path,
                ErrorKind::SequenceGap,
                gap_message(seq),
            ));
        }
        if let Some(err) = &m.probe.error {
            errors.push(match &item.unreadable {
                Some(e) => e.clone(),
                None => FileError::new(item.probe_path(files), ErrorKind::Probe, err.clone()),
            });
        }
        media.push(m);
    }
    (media, kinds, errors)
}

/// "3 frames missing of 1001–1024: 1005, 1010–1011".
fn gap_message(seq: &SequenceInfo) -> String {
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for &f in &seq.missing {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == f => *end = f,
            _ => runs.push((f, f)),
        }
    }
    let shown: Vec<String> = runs
        .iter()
        .take(8)
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect();
    let more = if runs.len() > 8 || (seq.missing.len() as u64) < seq.missing_count {
        ", …"
    } else {
        ""
    };
    format!(
        "{} frame{} missing of {}–{}: {}{more}",
        seq.missing_count,
        if seq.missing_count == 1 { "" } else { "s" },
        seq.first,
        seq.last,
        shown.join(", ")
    )
}
