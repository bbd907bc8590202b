//! A fuzz harness on the stable toolchain: every parser of untrusted input is
//! fed mutations of seeds taken from `fixtures/` and from typical documents,
//! and must return (an error is fine) without panicking.
//!
//! - Replays every saved input in `fuzz/regressions/<target>/` first: each
//!   crash ever found stays a regression test.
//! - Then runs `FOOTPRINT_FUZZ_ITERS` mutations per target (default 1,500;
//!   `.ci/run` runs a longer bounded session). Mutations are deterministic
//!   (`FOOTPRINT_FUZZ_SEED`), so a failure reproduces.
//! - A crashing input is written to `target/fuzz-crashes/<target>/` with its
//!   name printed: copy it into `fuzz/regressions/<target>/` with the fix.

mod mutate;

use mutate::Rng;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Manifests as `audit --manifest` writes them: one row, and three rows
/// with nulls, several kinds and hashes.
fn manifest_seeds() -> Vec<Vec<u8>> {
    use footprint::catalog::{Head, Row};
    let dir = tempfile::tempdir().unwrap();
    let head = Head {
        scan_id: "0123456789abcdef".into(),
        host: "edit1".into(),
        scan_time: "2026-12-07T00:00:00Z".into(),
        roots: vec!["/mnt/a".into()],
    };
    let row = |p: &str, size: u64| Row {
        host: "edit1".into(),
        root: "/mnt/a".into(),
        path: format!("/mnt/a/{p}"),
        rel_path: p.into(),
        size,
        kind: "video".into(),
        codec: (size > 1).then(|| "prores".into()),
        width: Some(1920),
        fps: (size > 2).then_some(23.976),
        blake3: (size > 0).then(|| "ab".repeat(32)),
        scan_id: head.scan_id.as_str().into(),
        scan_time: head.scan_time.as_str().into(),
        footprint_version: "0.1.0".into(),
        ..Row::default()
    };
    [
        vec![row("a.mov", 5)],
        vec![row("a.mov", 0), row("b/c.wav", 2), row("d.exr", 9)],
    ]
    .iter()
    .enumerate()
    .map(|(n, rows)| {
        let p = dir.path().join(format!("{n}.parquet"));
        footprint::catalog::write::write(&p, rows, &head).unwrap();
        std::fs::read(&p).unwrap()
    })
    .collect()
}

/// A parser under test: it takes bytes and must not panic.
struct Target {
    name: &'static str,
    run: fn(&[u8]),
    seeds: Vec<Vec<u8>>,
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Files under `fixtures/` whose name matches `keep`, up to `max` bytes of each.
fn fixture_seeds(keep: impl Fn(&str) -> bool, max: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("fixtures")];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if keep(&p.to_string_lossy()) {
                let mut b = std::fs::read(&p).unwrap_or_default();
                b.truncate(max);
                out.push(b);
            }
        }
    }
    out
}

/// Every file in `dir` (relative to the crate): small real media kept as seeds.
fn dir_seeds(dir: &str) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    let seeds: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    assert!(!seeds.is_empty(), "no seeds in {dir}");
    seeds
}

const MHL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<hashlist version="2.0" xmlns="urn:ASC:MHL:v2.0">
  <creatorinfo><creationdate>2026-11-22T18:29:22+00:00</creationdate><tool version="1.2">ascmhl</tool></creatorinfo>
  <hashes>
    <hash><path size="3" lastmodificationdate="2026-11-22T18:29:22+00:00">A002R2EC/sub/side.txt</path>
      <xxh64 action="original" hashdate="2026-11-22T18:29:22.367047+00:00">d50463dd92503d34</xxh64></hash>
    <directoryhash><path lastmodificationdate="2026-11-22T18:29:22+00:00">A002R2EC/sub</path>
      <content><xxh64>d1bec3d648863240</xxh64></content></directoryhash>
    <hash><path size="5000" lastmodificationdate="2026-11-22T18:29:22+00:00">A002R2EC/clip1.mov</path>
      <c4 action="failed">c459dsjfscH38cYeXXYogktxf4Cd9ibshE3BHUo6a58hBXmRQdZrAkZzsWcbWtDg5oQstpDuni4Hirj75GEmTc1sFT</c4></hash>
  </hashes>
</hashlist>"#;

const IMF_CPL: &str = r#"<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016" xmlns:cc="http://www.smpte-ra.org/schemas/2067-2/2016">
<EditRate>24000 1001</EditRate><SegmentList><Segment><SequenceList><cc:MainImageSequence><ResourceList>
<Resource><EditRate>25 1</EditRate><IntrinsicDuration>2600</IntrinsicDuration><EntryPoint>100</EntryPoint><SourceDuration>2400</SourceDuration><RepeatCount>3</RepeatCount></Resource>
</ResourceList></cc:MainImageSequence></SequenceList></Segment></SegmentList></CompositionPlaylist>"#;

const TOML: &str = r#"runtime = "52m"
targets = ["dcp", "festival"]
exclude = ["*.tmp"]
[co2]
grid = "be"
medium = "ssd"
copies = 2
years = 3
pue = 1.3
[[target]]
id = "festival"
name = "Festival screener"
budget_bit_rate = 20000000
max_video_bit_rate = 20000000
video_codecs = ["h264"]
frame_rates = [24.0, 25.0]
sources = ["festival rules 2026"]
"#;

const FFPROBE: &str = r#"{"streams":[{"index":0,"codec_name":"prores","codec_type":"video","profile":"HQ","width":1920,"height":1080,"pix_fmt":"yuv422p10le","r_frame_rate":"24000/1001","avg_frame_rate":"24000/1001","bit_rate":"176000000","disposition":{"attached_pic":0},"tags":{"timecode":"01:00:00:00"}},{"index":1,"codec_name":"pcm_s24le","codec_type":"audio","channels":2,"sample_rate":"48000","channel_layout":"stereo"}],"format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"5520.000000","bit_rate":"180000000","tags":{"timecode":"01:00:00:00"}}}"#;

/// An ARRIRAW header as `src/probe/native/raw.rs` documents it.
fn ari_seed() -> Vec<u8> {
    let mut h = vec![0u8; 64];
    h[..8].copy_from_slice(b"ARRI\x12\x34\x56\x78");
    h[8..12].copy_from_slice(&4096u32.to_le_bytes());
    h[20..24].copy_from_slice(&2880u32.to_le_bytes());
    h[24..28].copy_from_slice(&1620u32.to_le_bytes());
    h
}

fn targets() -> Vec<Target> {
    let xml = |name: &str| fixture_seeds(|p| p.ends_with(name), 1 << 20);
    vec![
        Target {
            name: "frame_header",
            run: |b| {
                let _ = footprint::probe::header::parse(b);
                let _ = footprint::probe::header::probe_info(b, b.len() as u64);
                let _ = footprint::probe::header::probe_info(b, u64::MAX);
            },
            seeds: fixture_seeds(|p| p.ends_with(".dpx") || p.ends_with(".exr"), 8192),
        },
        Target {
            name: "manifest",
            run: |b| {
                let _ = footprint::catalog::read::from_bytes(b.to_vec(), Path::new("fuzz.parquet"));
            },
            seeds: manifest_seeds(),
        },
        Target {
            name: "wav",
            run: |b| {
                let _ = footprint::probe::native::wav::parse(b, b.len() as u64);
                let _ = footprint::probe::native::wav::parse(b, u64::MAX);
            },
            seeds: fixture_seeds(|p| p.ends_with(".wav"), 4096),
        },
        Target {
            name: "bmff",
            run: |b| {
                let _ = footprint::probe::native::bmff::parse(b);
            },
            seeds: dir_seeds("fuzz/seeds/bmff"),
        },
        Target {
            name: "aiff",
            run: |b| {
                let _ = footprint::probe::native::aiff::parse(b);
            },
            seeds: dir_seeds("fuzz/seeds/aiff"),
        },
        Target {
            name: "matroska",
            run: |b| {
                let _ = footprint::probe::native::matroska::parse(b);
            },
            seeds: dir_seeds("fuzz/seeds/matroska"),
        },
        Target {
            name: "elementary",
            run: |b| {
                use footprint::probe::native::elementary;
                let _ = elementary::looks_like(b);
                let _ = elementary::probe(b);
            },
            seeds: dir_seeds("fuzz/seeds/elementary"),
        },
        Target {
            name: "annexb",
            run: |b| {
                use footprint::probe::native::annexb;
                let _ = annexb::looks_like(b);
                let _ = annexb::probe(b);
            },
            seeds: dir_seeds("fuzz/seeds/annexb"),
        },
        Target {
            name: "ts",
            run: |b| {
                let _ = footprint::probe::native::ts::probe(b);
            },
            seeds: dir_seeds("fuzz/seeds/ts"),
        },
        Target {
            name: "ogg",
            run: |b| {
                let _ = footprint::probe::native::ogg::probe(b);
            },
            seeds: dir_seeds("fuzz/seeds/ogg"),
        },
        Target {
            name: "avi",
            run: |b| {
                let _ = footprint::probe::native::avi::probe(b);
            },
            seeds: dir_seeds("fuzz/seeds/avi"),
        },
        Target {
            name: "heif",
            run: |b| {
                let _ = footprint::probe::native::heif::probe(b);
            },
            seeds: dir_seeds("fuzz/seeds/bmff"),
        },
        Target {
            name: "still",
            run: |b| {
                let _ = footprint::probe::native::still::probe(b);
            },
            seeds: dir_seeds("fuzz/seeds/still"),
        },
        Target {
            name: "tiff",
            run: |b| {
                let _ = footprint::probe::native::tiff::parse(b);
            },
            seeds: dir_seeds("fuzz/seeds/tiff"),
        },
        Target {
            name: "mxf",
            run: |b| {
                let _ = footprint::probe::native::mxf::parse(b);
            },
            seeds: dir_seeds("fuzz/seeds/mxf"),
        },
        Target {
            name: "camera_raw",
            run: |b| {
                use footprint::probe::native::raw;
                let _ = raw::ari(b, b.len() as u64);
                let _ = raw::ari(b, u64::MAX);
                let _ = raw::red2(b, b.len() as u64);
                let _ = raw::codec(b);
            },
            seeds: vec![ari_seed(), b"\0\0\x02\0RED2\0\0\0\0\0\0\0\0".to_vec()],
        },
        Target {
            name: "sniff",
            run: |b| {
                let _ = footprint::classify::sniff(b);
            },
            seeds: fixture_seeds(|_| true, 192),
        },
        Target {
            name: "cpl",
            run: |b| {
                let _ = footprint::targets::runtime::parse_cpl(&text(b));
            },
            seeds: [xml("CPL_DEMO_FTR.xml"), vec![IMF_CPL.as_bytes().to_vec()]].concat(),
        },
        Target {
            name: "pkl",
            run: |b| {
                let t = text(b);
                let _ = footprint::manifest::pkl::parse_pkl(&t);
                let _ = footprint::manifest::pkl::parse_assetmap(&t);
            },
            seeds: [xml("PKL_DEMO_FTR.xml"), xml("ASSETMAP.xml")].concat(),
        },
        Target {
            name: "mhl",
            run: |b| {
                let _ = footprint::manifest::mhl::parse_generation(&text(b));
            },
            seeds: vec![MHL.as_bytes().to_vec()],
        },
        Target {
            name: "config",
            run: |b| {
                let _ = footprint::app::projectfile::parse(&text(b));
            },
            seeds: vec![TOML.as_bytes().to_vec()],
        },
        Target {
            name: "ffprobe_json",
            run: |b| {
                if let Ok(v) = serde_json::from_slice(b) {
                    let _ = footprint::probe::ffprobe::from_json(&v);
                }
            },
            seeds: vec![FFPROBE.as_bytes().to_vec()],
        },
        Target {
            name: "names",
            run: |b| {
                let t = text(b);
                let _ = footprint::waste::versions::name::parse(&t);
                let _ = footprint::waste::versions::name::has_copy_suffix(&t);
                let _ = footprint::classify::sequence::split_frame(b);
                let _ = footprint::targets::runtime::parse_duration(&t);
                let _ = footprint::util::timefmt::parse_rfc3339(&t);
                let _ = footprint::co2::grid(&t);
            },
            seeds: [
                "PROJX_cut_v03 (1)",
                "EP101_MIX_FINAL_v2_2026-01-03_r4 copy",
                "sh010_comp_v003.1001.exr",
                "01:32:00",
                "1h 32m 10s",
                "2026-11-22T07:00:00.123456-05:00",
                "0.05",
            ]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
        },
    ]
}

fn regressions(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root().join("fuzz/regressions").join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .map(|p| {
                    let b = std::fs::read(&p).unwrap();
                    (p, b)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Runs `input` through `t`; on a panic, saves it and returns where.
fn attempt(t: &Target, input: &[u8]) -> Option<PathBuf> {
    if catch_unwind(AssertUnwindSafe(|| (t.run)(input))).is_ok() {
        return None;
    }
    let dir = root().join("target/fuzz-crashes").join(t.name);
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{}.bin", blake3::hash(input).to_hex()));
    std::fs::write(&path, input).ok()?;
    Some(path)
}

#[test]
fn parsers_survive_regressions_and_mutations() {
    let iters: usize = std::env::var("FOOTPRINT_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_500);
    let seed: u64 = std::env::var("FOOTPRINT_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_F00D);
    let mut crashes = Vec::new();
    for t in targets() {
        assert!(!t.seeds.is_empty(), "{}: no seeds", t.name);
        for (p, input) in regressions(t.name) {
            if attempt(&t, &input).is_some() {
                crashes.push(format!("{}: regression {}", t.name, p.display()));
            }
        }
        for s in &t.seeds {
            if let Some(p) = attempt(&t, s) {
                crashes.push(format!("{}: seed → {}", t.name, p.display()));
            }
        }
        let mut rng = Rng::new(seed ^ blake3::hash(t.name.as_bytes()).as_bytes()[0] as u64);
        for _ in 0..iters {
            let input = mutate::mutate(&mut rng, &t.seeds);
            if let Some(p) = attempt(&t, &input) {
                crashes.push(format!("{}: {}", t.name, p.display()));
                break;
            }
        }
        eprintln!(
            "fuzz {}: {} seeds, {iters} mutations",
            t.name,
            t.seeds.len()
        );
    }
    assert!(
        crashes.is_empty(),
        "crashing inputs:\n{}",
        crashes.join("\n")
    );
}

#[test]
fn the_harness_catches_and_saves_a_panic() {
    let t = Target {
        name: "self_test",
        run: |b| assert!(!b.windows(4).any(|w| w == b"boom"), "planted bug"),
        seeds: vec![b"a boo".to_vec()],
    };
    assert!(attempt(&t, b"harmless").is_none());
    let saved = attempt(&t, b"xx boom").expect("the panic is caught");
    assert_eq!(std::fs::read(&saved).unwrap(), b"xx boom");
    // Mutation finds it from a near seed.
    let mut rng = Rng::new(1);
    let found = (0..200_000).any(|_| attempt(&t, &mutate::mutate(&mut rng, &t.seeds)).is_some());
    assert!(found, "the mutator never produced the planted input");
    let _ = std::fs::remove_dir_all(root().join("target/fuzz-crashes/self_test"));
}
