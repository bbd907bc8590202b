//! Micro-benchmarks of the pipeline's hot stages (divan): size grouping,
//! partial and full hashing, sequence detection, version-name parsing,
//! native header parsing, content sniffing and manifest XML.
//!
//! `cargo bench --bench pipeline`. Quote ratios between runs, not absolute
//! times: the project's machines are small and noisy.

use footprint::util::units::FileId;
use footprint::walk::FileEntry;
use std::path::{Path, PathBuf};

fn main() {
    divan::main();
}

fn entry(path: PathBuf, size: u64, ino: u64) -> FileEntry {
    FileEntry {
        path,
        root: 0,
        size,
        id: FileId { dev: 1, ino },
        nlink: 1,
        mtime_ns: 0,
        ctime_ns: 0,
    }
}

/// Deterministic bytes.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Real files for the hashing benches, with the walk's view of them.
fn files_on_disk(dir: &Path, specs: &[(String, Vec<u8>)]) -> Vec<FileEntry> {
    use std::os::unix::fs::MetadataExt;
    specs
        .iter()
        .map(|(name, content)| {
            let p = dir.join(name);
            std::fs::write(&p, content).unwrap();
            let md = std::fs::metadata(&p).unwrap();
            FileEntry {
                path: p,
                root: 0,
                size: md.len(),
                id: FileId {
                    dev: md.dev(),
                    ino: md.ino(),
                },
                nlink: 1,
                mtime_ns: md.mtime() * 1_000_000_000 + md.mtime_nsec(),
                ctime_ns: md.ctime() * 1_000_000_000 + md.ctime_nsec(),
            }
        })
        .collect()
}

mod hash {
    use super::*;

    /// 50,000 files of distinct sizes: grouping only, nothing is read.
    #[divan::bench]
    fn size_grouping_50k(bencher: divan::Bencher) {
        let files: Vec<FileEntry> = (0..50_000u64)
            .map(|i| entry(PathBuf::from(format!("/nonexistent/{i}")), 1000 + i, i))
            .collect();
        bencher.bench(|| {
            footprint::hash::find_duplicates(&files, 2, &indicatif::ProgressBar::hidden())
        });
    }

    /// 64 same-size 1 MiB files differing in their first block: the head
    /// hash separates them, nothing else is read.
    #[divan::bench]
    fn partial_64x1mib(bencher: divan::Bencher) {
        let dir = tempfile::tempdir().unwrap();
        let specs: Vec<(String, Vec<u8>)> = (0..64)
            .map(|i| (format!("f{i}"), noise(i, 1 << 20)))
            .collect();
        let files = files_on_disk(dir.path(), &specs);
        bencher.bench(|| {
            footprint::hash::find_duplicates(&files, 8, &indicatif::ProgressBar::hidden())
        });
    }

    /// 4 pairs of identical 16 MiB files: head, tail and full hashes (warm cache).
    #[divan::bench]
    fn full_4_pairs_16mib(bencher: divan::Bencher) {
        let dir = tempfile::tempdir().unwrap();
        let specs: Vec<(String, Vec<u8>)> = (0..8)
            .map(|i| (format!("f{i}"), noise(i / 2, 16 << 20)))
            .collect();
        let files = files_on_disk(dir.path(), &specs);
        bencher
            .counter(divan::counter::BytesCount::new(128usize << 20))
            .bench(|| {
                footprint::hash::find_duplicates(&files, 8, &indicatif::ProgressBar::hidden())
            });
    }
}

mod names {
    use super::*;

    /// 10 sequences of 1,000 frames plus 1,000 loose files.
    #[divan::bench]
    fn sequence_detection_11k(bencher: divan::Bencher) {
        let mut files = Vec::new();
        for s in 0..10 {
            for f in 0..1000 {
                let p = format!("/r/shot{s:03}/plate_v002.{:04}.exr", 1001 + f);
                files.push(entry(PathBuf::from(p), 200_000, files.len() as u64));
            }
        }
        for i in 0..1000 {
            files.push(entry(
                PathBuf::from(format!("/r/misc/note_{i}.txt")),
                10,
                files.len() as u64,
            ));
        }
        let candidates: Vec<usize> = (0..files.len()).collect();
        bencher.bench(|| footprint::classify::sequence::detect(&files, &candidates));
    }

    /// Version tokens, dates, FINAL markers and copy suffixes in 10,000 names.
    #[divan::bench]
    fn version_parse_10k(bencher: divan::Bencher) {
        let names: Vec<String> = (0..10_000)
            .map(|i| match i % 4 {
                0 => format!("EP{i}_MIX_v{}", i % 17),
                1 => format!("PROJX_cut_V{}_FINAL_2026-01-{:02}", i % 9, 1 + i % 28),
                2 => format!("sh{i}_comp_r{} copy", i % 5),
                _ => format!("trailer_{i} ({})", i % 3),
            })
            .collect();
        bencher.bench(|| {
            names
                .iter()
                .map(|n| footprint::waste::versions::name::parse(n).is_versioned() as usize)
                .sum::<usize>()
        });
    }
}

mod parsers {
    use super::*;

    fn fixture(rel: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures")
                .join(rel),
        )
        .unwrap()
    }

    /// DPX and EXR frame headers (native, no ffprobe).
    #[divan::bench]
    fn frame_headers(bencher: divan::Bencher) {
        let dpx = fixture("sequences/scan/A001C003.0086400.dpx");
        let exr = fixture("sequences/comp/sh010_comp_v003.1001.exr");
        bencher.bench(|| {
            (
                footprint::probe::header::parse(divan::black_box(&dpx)),
                footprint::probe::header::parse(divan::black_box(&exr)),
            )
        });
    }

    /// Native media headers, in memory: a ProRes MOV with timecode, an H.264
    /// MP4, an MXF with DNxHD and PCM, and a WAV (the I/O is left out).
    #[divan::bench]
    fn native_media_headers(bencher: divan::Bencher) {
        use footprint::probe::native::{bmff, mxf, wav};
        let mov = fixture("media/camera/A001C001_prores_hq.mov");
        let mp4 = fixture("media/exports/PROJX_cut_v01.mp4");
        let mxf_clip = fixture("media/camera/B002C004_dnxhr.mxf");
        let wav_clip = fixture("media/audio/tone_48k_24bit.wav");
        bencher.bench(|| {
            (
                bmff::parse(divan::black_box(&mov[..])).is_some(),
                bmff::parse(divan::black_box(&mp4[..])).is_some(),
                mxf::parse(divan::black_box(&mxf_clip[..])).is_some(),
                wav::parse(divan::black_box(&wav_clip), wav_clip.len() as u64).is_some(),
            )
        });
    }

    /// Magic-byte sniffing of every fixture's first 192 bytes.
    #[divan::bench]
    fn sniff_fixture_heads(bencher: divan::Bencher) {
        let mut heads = Vec::new();
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let mut b = std::fs::read(&p).unwrap();
                    b.truncate(192);
                    heads.push(b);
                }
            }
        }
        bencher.bench(|| {
            heads
                .iter()
                .filter(|h| footprint::classify::sniff(h).is_some())
                .count()
        });
    }

    /// The fixture DCP's CPL and PKL.
    #[divan::bench]
    fn dcp_xml(bencher: divan::Bencher) {
        let cpl = String::from_utf8(fixture("dcp/DEMO_FTR/CPL_DEMO_FTR.xml")).unwrap();
        let pkl = String::from_utf8(fixture("dcp/DEMO_FTR/PKL_DEMO_FTR.xml")).unwrap();
        bencher.bench(|| {
            (
                footprint::targets::runtime::parse_cpl(divan::black_box(&cpl)),
                footprint::manifest::pkl::parse_pkl(divan::black_box(&pkl)),
            )
        });
    }
}
