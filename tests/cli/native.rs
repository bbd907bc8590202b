//! Native readers must answer exactly as ffprobe does (issue 5): every
//! variant is made by FFmpeg and read both ways.

use crate::common::*;
use footprint::probe::Prober;
use serde_json::Value;
use std::path::Path;

pub fn both(
    path: &Path,
) -> (
    Option<footprint::probe::ProbeInfo>,
    footprint::probe::ProbeInfo,
) {
    let size = std::fs::metadata(path).unwrap().len();
    let native = footprint::probe::native::probe(path, size);
    let ff = footprint::probe::ffprobe::Ffprobe::locate(None, std::time::Duration::from_secs(10))
        .unwrap()
        .probe(path)
        .unwrap();
    (native, ff)
}

#[test]
fn wav_variants_match_ffprobe_field_for_field() {
    if !has("ffmpeg") || !has("ffprobe") {
        eprintln!("ffmpeg/ffprobe not installed: native WAV parity not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    #[rustfmt::skip]
    let variants: &[(&str, &[&str])] = &[
        ("s16_mono.wav", &["-ar", "44100", "-ac", "1", "-c:a", "pcm_s16le", "-t", "0.37"]),
        ("s24_stereo.wav", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_s24le", "-t", "1.0"]),
        ("s24_51.wav", &["-ar", "48000", "-af", "aformat=channel_layouts=5.1", "-c:a", "pcm_s24le", "-t", "0.5"]),
        ("s24_51side.wav", &["-ar", "48000", "-af", "aformat=channel_layouts=5.1(side)", "-c:a", "pcm_s24le", "-t", "0.5"]),
        ("s32_71.wav", &["-ar", "96000", "-af", "aformat=channel_layouts=7.1", "-c:a", "pcm_s32le", "-t", "0.25"]),
        ("f32_stereo.wav", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_f32le", "-t", "0.3"]),
        ("u8_mono.wav", &["-ar", "8000", "-ac", "1", "-c:a", "pcm_u8", "-t", "0.5"]),
        ("odd_length.wav", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_s24le", "-t", "0.1234567"]),
        ("bwf.wav", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_s24le", "-t", "0.2", "-write_bext", "1"]),
        ("rf64.wav", &["-ar", "48000", "-ac", "2", "-c:a", "pcm_s24le", "-t", "0.2", "-rf64", "always"]),
    ];
    for (name, args) in variants {
        let p = dir.path().join(name);
        let mut all = vec!["-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000"];
        all.extend_from_slice(args);
        all.push(p.to_str().unwrap());
        ffmpeg(&all);
        let (native, ff) = both(&p);
        let native = native.unwrap_or_else(|| panic!("{name}: the native reader declined"));
        assert_eq!(native, ff, "{name}");
    }
    // A writer that states a block align inconsistent with its channels and
    // bits (as in SciPy's test data): FFmpeg counts samples from the bits.
    let p = dir.path().join("s24_stereo.wav");
    let mut b = std::fs::read(&p).unwrap();
    assert_eq!(u16::from_le_bytes([b[32], b[33]]), 6);
    b[32] = 4;
    let odd = dir.path().join("inconsistent_align.wav");
    std::fs::write(&odd, b).unwrap();
    native_equals_ffprobe(&odd);
    // The bundled fixture too.
    let (native, ff) = both(&fixtures().join("media/audio/tone_48k_24bit.wav"));
    assert_eq!(native.expect("fixture"), ff);
}

#[test]
fn the_wav_reader_declines_what_it_does_not_know_and_never_panics() {
    let wav = std::fs::read(fixtures().join("media/audio/tone_48k_24bit.wav")).unwrap();
    let size = wav.len() as u64;
    assert!(footprint::probe::native::wav::parse(&wav, size).is_some());
    // Truncated at every offset of the header, and claimed sizes past the end.
    for cut in 0..200 {
        let _ = footprint::probe::native::wav::parse(&wav[..cut], size);
    }
    // A truncated file is read for what it holds, as ffprobe reads it.
    let dir = tempfile::tempdir().unwrap();
    for cut in [1, 30_001] {
        let p = dir.path().join(format!("cut_{cut}.wav"));
        std::fs::write(&p, &wav[..wav.len() - cut]).unwrap();
        if has("ffprobe") {
            native_equals_ffprobe(&p);
        }
    }
    // An RF64 whose ds64 claims 2^64 - 1 bytes of data.
    let mut rf = b"RF64\xff\xff\xff\xffWAVEds64\x1c\0\0\0".to_vec();
    rf.extend_from_slice(&[0xff; 28]);
    rf.extend_from_slice(&wav[12..12 + 8 + 40]); // the fixture's fmt chunk
    rf.extend_from_slice(b"data\xff\xff\xff\xff");
    assert!(footprint::probe::native::wav::parse(&rf, u64::MAX).is_none());
    // Not WAV at all; a compressed format tag (0x0055 = MP3) is named, and
    // an unknown one declined.
    assert!(footprint::probe::native::wav::parse(b"RIFX\0\0\0\0WAVE", 12).is_none());
    let mut mp3 = wav.clone();
    mp3[20] = 0x55;
    mp3[21] = 0x00;
    let info = footprint::probe::native::wav::parse(&mp3, size).unwrap();
    assert_eq!(info.audio[0].codec, "mp3");
    mp3[20] = 0x34;
    mp3[21] = 0x12;
    assert!(footprint::probe::native::wav::parse(&mp3, size).is_none());
}

#[test]
fn without_ffprobe_wav_and_quicktime_are_still_probed_natively_and_identically() {
    let dir = tempfile::tempdir().unwrap();
    let native = [
        "media/audio/tone_48k_24bit.wav",
        "media/exports/PROJX_cut_v03.mp4",
        "media/camera/A001C001_prores_hq.mov",
    ];
    for f in native {
        let src = fixtures().join(f);
        std::fs::copy(&src, dir.path().join(src.file_name().unwrap())).unwrap();
    }
    // An ASF header: no native reader reads Windows Media.
    let mut asf = vec![
        0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE,
        0x6C,
    ];
    asf.resize(4096, 0);
    std::fs::write(dir.path().join("clip.wmv"), asf).unwrap();
    let out = footprint()
        .args([
            "audit",
            "--format",
            "json",
            "--no-cache",
            "--ffprobe",
            "/nonexistent/ffprobe",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r = parse_one_document(&out.stdout);
    assert_eq!(r["stages"]["probe"], "unavailable");
    let wav = media(&r, "tone_48k_24bit.wav");
    assert_eq!(wav["probe"]["source"], "native");
    assert_eq!(wav["audio"][0]["codec"], "pcm_s24le");
    assert_eq!(wav["duration_s"], 1.0);
    let mov = media(&r, "A001C001_prores_hq.mov");
    assert_eq!(mov["probe"]["source"], "native");
    assert_eq!(mov["video"]["codec"], "prores");
    assert_eq!(mov["video"]["profile"], "HQ");
    assert_eq!(mov["timecode"], "01:00:00:00");
    assert_eq!(media(&r, "clip.wmv")["probe"]["source"], "none");
    assert!(String::from_utf8_lossy(&out.stderr).contains("natively"));
    // With ffprobe present, the natively read entries are the same.
    if has("ffprobe") {
        let with = audit_json(&["--no-cache", dir.path().to_str().unwrap()]);
        for f in native {
            let name = Path::new(f).file_name().unwrap().to_str().unwrap();
            assert_eq!(media(&with, name), media(&r, name), "{name}");
        }
        // ffprobe is asked, and says it is not media.
        let wmv = media(&with, "clip.wmv");
        assert_ne!(wmv["probe"]["source"], "native");
        assert!(wmv["probe"]["error"].is_string(), "{wmv}");
    }
}

/// Makes `name` in `dir` from lavfi sources with `args`, and checks that the
/// native reader answers, and answers exactly what ffprobe answers.
fn same_as_ffprobe(dir: &Path, name: &str, inputs: &[&str], args: &[&str]) {
    let p = dir.join(name);
    let mut all: Vec<&str> = inputs.to_vec();
    all.extend_from_slice(args);
    all.push(p.to_str().unwrap());
    ffmpeg(&all);
    native_equals_ffprobe(&p);
}

/// The native reader answers `path`, and answers exactly what ffprobe does
/// in every field it states: a native reader may leave a profile, pixel
/// format, stream bit rate or channel layout unstated (it would have to
/// decode to name it), never state it differently.
pub fn native_equals_ffprobe(path: &Path) {
    let (native, ff) = both(path);
    let name = path.file_name().unwrap().to_string_lossy();
    let native =
        native.unwrap_or_else(|| panic!("{name}: the native reader declined; ffprobe: {ff:?}"));
    assert_eq!(stated(native, &ff), ff, "{name}");
}

/// `native` with the fields it leaves unstated taken from `ff`.
pub fn stated(
    mut native: footprint::probe::ProbeInfo,
    ff: &footprint::probe::ProbeInfo,
) -> footprint::probe::ProbeInfo {
    if let (Some(n), Some(f)) = (native.video.as_mut(), ff.video.as_ref()) {
        n.profile = n.profile.take().or_else(|| f.profile.clone());
        n.pix_fmt = n.pix_fmt.take().or_else(|| f.pix_fmt.clone());
        n.bit_rate = n.bit_rate.or(f.bit_rate);
    }
    for (n, f) in native.audio.iter_mut().zip(&ff.audio) {
        n.channel_layout = n.channel_layout.take().or_else(|| f.channel_layout.clone());
    }
    native
}

#[test]
fn quicktime_and_mp4_variants_match_ffprobe_field_for_field() {
    if !has("ffmpeg") || !has("ffprobe") {
        eprintln!("ffmpeg/ffprobe not installed: native QuickTime parity not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let v = |size: &str, rate: &str| format!("testsrc2=size={size}:rate={rate}");
    let (v1, v2, v3) = (
        v("320x180", "24000/1001"),
        v("640x360", "25"),
        v("1920x1080", "30000/1001"),
    );
    let tone = "sine=frequency=440:sample_rate=48000";
    #[rustfmt::skip]
    let cases: &[(&str, Vec<&str>, Vec<&str>)] = &[
        ("prores_proxy.mov", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.5", "-c:v", "prores_ks", "-profile:v", "0"]),
        ("prores_lt_tc.mov", vec!["-f", "lavfi", "-i", &v1, "-f", "lavfi", "-i", tone], vec!["-t", "0.5", "-c:v", "prores_ks", "-profile:v", "1", "-c:a", "pcm_s24le", "-timecode", "10:59:59:23"]),
        ("prores_std.mov", vec!["-f", "lavfi", "-i", &v2], vec!["-t", "0.4", "-c:v", "prores_ks", "-profile:v", "2"]),
        ("prores_hq_51.mov", vec!["-f", "lavfi", "-i", &v2, "-f", "lavfi", "-i", tone], vec!["-t", "0.4", "-c:v", "prores_ks", "-profile:v", "3", "-af", "aformat=channel_layouts=5.1", "-c:a", "pcm_s24le"]),
        ("prores_4444.mov", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.3", "-c:v", "prores_ks", "-profile:v", "4", "-pix_fmt", "yuv444p10le"]),
        ("prores_4444_alpha.mov", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.3", "-c:v", "prores_ks", "-profile:v", "4", "-pix_fmt", "yuva444p10le"]),
        ("prores_xq.mov", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.3", "-c:v", "prores_ks", "-profile:v", "5", "-pix_fmt", "yuv444p10le"]),
        ("prores_aw.mov", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.3", "-c:v", "prores_aw", "-profile:v", "3"]),
        ("dnxhr_lb.mov", vec!["-f", "lavfi", "-i", &v3], vec!["-t", "0.2", "-c:v", "dnxhd", "-profile:v", "dnxhr_lb", "-pix_fmt", "yuv422p"]),
        ("dnxhr_hqx.mov", vec!["-f", "lavfi", "-i", &v3], vec!["-t", "0.2", "-c:v", "dnxhd", "-profile:v", "dnxhr_hqx", "-pix_fmt", "yuv422p10le"]),
        ("dnxhr_444.mov", vec!["-f", "lavfi", "-i", &v3], vec!["-t", "0.1", "-c:v", "dnxhd", "-profile:v", "dnxhr_444", "-pix_fmt", "yuv444p10le"]),
        ("dnxhd_36.mov", vec!["-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25"], vec!["-t", "0.2", "-c:v", "dnxhd", "-b:v", "36M", "-pix_fmt", "yuv422p"]),
        // Thin raster (CID 1259): 1440 wide, as the CID table says.
        ("dnxhd_1440.mov", vec!["-f", "lavfi", "-i", "testsrc2=size=1440x1080:rate=25"], vec!["-t", "0.2", "-c:v", "dnxhd", "-b:v", "84M", "-pix_fmt", "yuv422p"]),
        ("h264_aac.mp4", vec!["-f", "lavfi", "-i", &v2, "-f", "lavfi", "-i", tone], vec!["-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2"]),
        ("h264_faststart.mp4", vec!["-f", "lavfi", "-i", &v2, "-f", "lavfi", "-i", tone], vec!["-t", "1", "-c:v", "libx264", "-c:a", "aac", "-ac", "6", "-movflags", "+faststart"]),
        ("h264_baseline.mp4", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.5", "-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p"]),
        ("h264_main_fullrange.mp4", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.5", "-c:v", "libx264", "-profile:v", "main", "-pix_fmt", "yuvj420p"]),
        ("h264_high10.mov", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.5", "-c:v", "libx264", "-pix_fmt", "yuv420p10le"]),
        ("h264_422_intra.mov", vec!["-f", "lavfi", "-i", &v2, "-f", "lavfi", "-i", tone], vec!["-t", "0.5", "-c:v", "libx264", "-pix_fmt", "yuv422p10le", "-x264-params", "keyint=1", "-c:a", "pcm_s16le"]),
        ("h264_444.mov", vec!["-f", "lavfi", "-i", "testsrc2=size=720x576:rate=50"], vec!["-t", "0.3", "-c:v", "libx264", "-pix_fmt", "yuv444p"]),
        ("h264_odd_size.mp4", vec!["-f", "lavfi", "-i", "testsrc2=size=854x481:rate=60000/1001"], vec!["-t", "0.4", "-c:v", "libx264", "-pix_fmt", "yuv420p"]),
        ("hevc_main.mp4", vec!["-f", "lavfi", "-i", &v2, "-f", "lavfi", "-i", tone], vec!["-t", "1", "-c:v", "libx265", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2"]),
        ("hevc_main10_hev1.mp4", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.5", "-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-tag:v", "hev1"]),
        ("hevc_hvc1_1080.mov", vec!["-f", "lavfi", "-i", &v3], vec!["-t", "0.2", "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-tag:v", "hvc1"]),
        ("hevc_full_range.mp4", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.5", "-c:v", "libx265", "-pix_fmt", "yuvj420p"]),
        ("hevc_422_10.mov", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.3", "-c:v", "libx265", "-pix_fmt", "yuv422p10le"]),
        ("hevc_444_12.mov", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.3", "-c:v", "libx265", "-pix_fmt", "yuv444p12le"]),
        ("hevc_gbrp.mp4", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.3", "-c:v", "libx265", "-pix_fmt", "gbrp"]),
        ("hevc_gbrp10.mov", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.3", "-c:v", "libx265", "-pix_fmt", "gbrp10le"]),
        ("hevc_gray.mp4", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "0.3", "-c:v", "libx265", "-pix_fmt", "gray"]),
        ("hevc_odd_size_bframes.mp4", vec!["-f", "lavfi", "-i", "testsrc2=size=854x481:rate=60000/1001"], vec!["-t", "0.6", "-c:v", "libx265", "-x265-params", "bframes=4:b-pyramid=1:keyint=12:ref=4", "-pix_fmt", "yuv420p"]),
        ("frag_empty_moov.mp4", vec!["-f", "lavfi", "-i", &v2, "-f", "lavfi", "-i", tone], vec!["-t", "2", "-c:v", "libx264", "-g", "12", "-c:a", "aac", "-movflags", "frag_keyframe+empty_moov"]),
        ("frag_moov_samples.mp4", vec!["-f", "lavfi", "-i", &v1, "-f", "lavfi", "-i", tone], vec!["-t", "2", "-c:v", "libx264", "-g", "12", "-c:a", "aac", "-ac", "2", "-movflags", "frag_keyframe"]),
        ("frag_cmaf.mp4", vec!["-f", "lavfi", "-i", &v2, "-f", "lavfi", "-i", tone], vec!["-t", "2", "-c:v", "libx264", "-g", "25", "-c:a", "aac", "-movflags", "frag_keyframe+empty_moov+default_base_moof+separate_moof"]),
        ("frag_duration_hevc.mp4", vec!["-f", "lavfi", "-i", &v1], vec!["-t", "1.5", "-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-frag_duration", "500000", "-movflags", "empty_moov"]),
        ("frag_prores_pcm.mov", vec!["-f", "lavfi", "-i", &v1, "-f", "lavfi", "-i", tone], vec!["-t", "1", "-c:v", "prores_ks", "-profile:v", "3", "-c:a", "pcm_s24le", "-movflags", "frag_keyframe+empty_moov"]),
        ("pcm_s16be.mov", vec!["-f", "lavfi", "-i", tone], vec!["-t", "0.5", "-c:a", "pcm_s16be", "-ac", "2"]),
        ("pcm_s32le.mov", vec!["-f", "lavfi", "-i", tone], vec!["-t", "0.5", "-c:a", "pcm_s32le", "-ac", "1"]),
        ("pcm_f32le.mov", vec!["-f", "lavfi", "-i", tone], vec!["-t", "0.5", "-c:a", "pcm_f32le", "-ac", "2"]),
        ("pcm_s24be_21.mov", vec!["-f", "lavfi", "-i", tone], vec!["-t", "0.5", "-c:a", "pcm_s24be", "-af", "aformat=channel_layouts=2.1"]),
        ("aac_stereo.m4a", vec!["-f", "lavfi", "-i", tone], vec!["-t", "0.7", "-c:a", "aac", "-ac", "2"]),
    ];
    for (name, inputs, args) in cases {
        same_as_ffprobe(dir.path(), name, inputs, args);
    }
    // A segment index lets FFmpeg stop reading fragments early, and its
    // stream bit rate then counts only those: the reader answers but leaves
    // the stream bit rate unstated.
    let v2 = ["-f", "lavfi", "-i", v2.as_str(), "-f", "lavfi", "-i", tone];
    for (name, flags) in [
        ("frag_global_sidx.mp4", "frag_keyframe+global_sidx"),
        ("frag_dash.mp4", "dash+frag_keyframe"),
    ] {
        let p = dir.path().join(name);
        let mut args = v2.to_vec();
        args.extend([
            "-t",
            "2",
            "-c:v",
            "libx264",
            "-g",
            "12",
            "-c:a",
            "aac",
            "-movflags",
            flags,
        ]);
        args.push(p.to_str().unwrap());
        ffmpeg(&args);
        native_equals_ffprobe(&p);
        assert_eq!(both(&p).0.unwrap().video.unwrap().bit_rate, None, "{name}");
    }
    // Stream copies cut off a keyframe carry an edit list, and their `mdhd`
    // outlasts their samples: FFmpeg's stream bit rate is over the samples
    // (found comparing the two readers on trimmed copies).
    for (src, cut, at, to) in [
        ("h264_aac.mp4", "cut_h264.mov", "0.3", "0.5"),
        ("prores_lt_tc.mov", "cut_prores.mov", "0.1", "0.3"),
        ("h264_faststart.mp4", "cut_faststart.mp4", "0.45", "0.4"),
    ] {
        let (src, p) = (dir.path().join(src), dir.path().join(cut));
        let (src, out) = (src.to_str().unwrap(), p.to_str().unwrap());
        ffmpeg(&["-ss", at, "-i", src, "-t", to, "-c", "copy", out]);
        native_equals_ffprobe(&p);
    }
    // The bundled camera clip, with its tmcd track.
    let (native, ff) = both(&fixtures().join("media/camera/A001C001_prores_hq.mov"));
    assert_eq!(native.expect("fixture"), ff);
    assert_eq!(ff.timecode.as_deref(), Some("01:00:00:00"));
}

/// The fuzz seeds of one reader (`fuzz/seeds/<kind>`), sorted.
fn seed_files(kind: &str) -> Vec<std::path::PathBuf> {
    let seeds = fixtures().join("../fuzz/seeds").join(kind);
    let mut files: Vec<_> = std::fs::read_dir(&seeds)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

#[test]
fn the_quicktime_reader_survives_truncation_and_flipped_bytes() {
    use footprint::probe::native::bmff;
    let files = seed_files("bmff");
    assert_eq!(files.len(), 7);
    for f in files {
        let b = std::fs::read(&f).unwrap();
        let whole = bmff::parse(&b[..]).unwrap_or_else(|| panic!("{f:?} reads"));
        // Cut anywhere: a file whose boxes run past its end is never answered
        // natively (ffprobe decides what is left of it). A fragmented file
        // cut between two fragments, or an init segment cut before its
        // segment index, is a shorter, whole file: it may be.
        let mut boundaries = vec![0usize];
        while let Some(&at) = boundaries.last().filter(|&&at| at + 8 <= b.len()) {
            boundaries.push(at + u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize);
        }
        let cuts = (0..b.len()).step_by(7).chain(boundaries.iter().copied());
        for cut in cuts.filter(|&c| c < b.len()) {
            if let Some(info) = bmff::parse(&b[..cut]) {
                assert!(boundaries.contains(&cut), "{f:?} cut at {cut}");
                assert!(b.windows(4).any(|w| w == b"mvex"), "{f:?} cut at {cut}");
                assert_eq!(
                    info.video.map(|v| v.codec),
                    whole.video.clone().map(|v| v.codec)
                );
            }
        }
        // Every byte of moov flipped in turn: no panic, and an answer is
        // either the same or a plausible one (sizes within u32, rates finite).
        let mut flipped = 0;
        for i in 0..b.len() {
            let mut m = b.clone();
            m[i] ^= 0xFF;
            if let Some(info) = bmff::parse(&m[..]) {
                if info != whole {
                    flipped += 1;
                }
                assert!(info.duration_s.is_none_or(f64::is_finite));
                assert!(info.video.iter().all(|v| v.fps.is_none_or(f64::is_finite)));
            }
        }
        // Some flips land in fields that matter; the reader must notice them.
        assert!(flipped > 0, "{f:?}");
    }
}

#[test]
fn mxf_variants_match_ffprobe_field_for_field() {
    if !has("ffmpeg") || !has("ffprobe") {
        eprintln!("ffmpeg/ffprobe not installed: native MXF parity not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tone = "sine=frequency=440:sample_rate=48000";
    let hd25 = "testsrc2=size=1920x1080:rate=25";
    let hd2997 = "testsrc2=size=1280x720:rate=30000/1001";
    #[rustfmt::skip]
    let cases: &[(&str, Vec<&str>, Vec<&str>)] = &[
        ("op1a_dnxhd_pcm_tc.mxf", vec!["-f", "lavfi", "-i", hd25, "-f", "lavfi", "-i", tone], vec!["-t", "0.4", "-c:v", "dnxhd", "-b:v", "36M", "-pix_fmt", "yuv422p", "-c:a", "pcm_s24le", "-ac", "2", "-timecode", "01:02:03:04"]),
        ("op1a_dnxhr_sq_2mono_df.mxf", vec!["-f", "lavfi", "-i", hd2997, "-f", "lavfi", "-i", tone], vec!["-t", "0.4", "-map", "0", "-map", "1", "-map", "1", "-c:v", "dnxhd", "-profile:v", "dnxhr_sq", "-pix_fmt", "yuv422p", "-c:a", "pcm_s16le", "-ac", "1", "-timecode", "00:59:59;28"]),
        ("op1a_dnxhr_hqx.mxf", vec!["-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=24000/1001"], vec!["-t", "0.2", "-c:v", "dnxhd", "-profile:v", "dnxhr_hqx", "-pix_fmt", "yuv422p10le"]),
        ("opatom_dnxhd.mxf", vec!["-f", "lavfi", "-i", hd25], vec!["-t", "0.2", "-c:v", "dnxhd", "-b:v", "120M", "-pix_fmt", "yuv422p", "-f", "mxf_opatom"]),
        ("opatom_pcm.mxf", vec!["-f", "lavfi", "-i", tone], vec!["-t", "0.5", "-c:a", "pcm_s24le", "-f", "mxf_opatom"]),
        ("op1a_j2k.mxf", vec!["-f", "lavfi", "-i", "testsrc2=size=256x108:rate=24"], vec!["-t", "0.25", "-c:v", "jpeg2000", "-pix_fmt", "rgb48le"]),
        ("opatom_j2k_cinema.mxf", vec!["-f", "lavfi", "-i", "testsrc2=size=2048x1080:rate=24"], vec!["-t", "0.0417", "-c:v", "libopenjpeg", "-profile:v", "cinema2k", "-cinema_mode", "2k_24", "-pix_fmt", "xyz12le", "-f", "mxf_opatom"]),
        ("xdcam_hd422_interlaced.mxf", vec!["-f", "lavfi", "-i", hd25, "-f", "lavfi", "-i", tone], vec!["-t", "0.4", "-c:v", "mpeg2video", "-pix_fmt", "yuv422p", "-b:v", "50M", "-flags", "+ildct+ilme", "-top", "1", "-c:a", "pcm_s24le", "-ac", "1"]),
        ("mpeg2_mp_hl_1440.mxf", vec!["-f", "lavfi", "-i", "testsrc2=size=1440x1080:rate=30000/1001"], vec!["-t", "0.4", "-c:v", "mpeg2video", "-pix_fmt", "yuv420p", "-b:v", "25M"]),
        ("mpeg2_intra_sd.mxf", vec!["-f", "lavfi", "-i", "testsrc2=size=720x576:rate=25"], vec!["-t", "0.2", "-c:v", "mpeg2video", "-pix_fmt", "yuv422p", "-g", "1", "-b:v", "30M"]),
        ("avc_422_10_intra.mxf", vec!["-f", "lavfi", "-i", hd25], vec!["-t", "0.2", "-c:v", "libx264", "-pix_fmt", "yuv422p10le", "-x264-params", "keyint=1"]),
        ("prores_proxy.mxf", vec!["-f", "lavfi", "-i", hd2997], vec!["-t", "0.2", "-c:v", "prores", "-profile:v", "0"]),
        ("prores_hq_pcm_tc.mxf", vec!["-f", "lavfi", "-i", hd25, "-f", "lavfi", "-i", tone], vec!["-t", "0.2", "-c:v", "prores", "-profile:v", "3", "-c:a", "pcm_s24le", "-ac", "2", "-timecode", "10:00:00:00"]),
        ("prores_4444_alpha.mxf", vec!["-f", "lavfi", "-i", hd25], vec!["-t", "0.1", "-c:v", "prores", "-profile:v", "4", "-pix_fmt", "yuva444p10le"]),
        ("prores_xq.mxf", vec!["-f", "lavfi", "-i", hd25], vec!["-t", "0.1", "-c:v", "prores", "-profile:v", "5", "-pix_fmt", "yuv444p10le"]),
        ("avc_high_long_gop.mxf", vec!["-f", "lavfi", "-i", hd2997, "-f", "lavfi", "-i", tone], vec!["-t", "0.5", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "pcm_s24le", "-ac", "2"]),
    ];
    for (name, inputs, args) in cases {
        same_as_ffprobe(dir.path(), name, inputs, args);
    }
    for f in [
        "media/camera/B002C004_dnxhr.mxf",
        "media/camera/C003C002_dnxhd36.mxf",
        "dcp/DEMO_FTR/j2c_picture.mxf",
    ] {
        let (native, ff) = both(&fixtures().join(f));
        assert_eq!(native.unwrap_or_else(|| panic!("{f} declined")), ff, "{f}");
    }
}

#[test]
fn the_mxf_reader_survives_truncation_and_flipped_bytes() {
    use footprint::probe::native::mxf;
    let files = seed_files("mxf");
    assert_eq!(files.len(), 5);
    for f in files {
        let b = std::fs::read(&f).unwrap();
        let whole = mxf::parse(&b[..]).unwrap_or_else(|| panic!("{f:?} reads"));
        // Cut inside the header metadata or before the first frame: no answer.
        let first_frame = b
            .windows(13)
            .position(|w| w[..4] == [6, 0x0E, 0x2B, 0x34] && w[4..6] == [1, 2] && w[12] == 0x15)
            .unwrap();
        for cut in 0..first_frame {
            assert!(mxf::parse(&b[..cut]).is_none(), "{f:?} cut at {cut}");
        }
        let mut changed = 0;
        for i in 0..b.len().min(first_frame + 64) {
            let mut m = b.clone();
            m[i] ^= 0xFF;
            if let Some(info) = mxf::parse(&m[..]) {
                changed += usize::from(info != whole);
                // A flipped duration can read 0, which MXF means as
                // unknown (an open header): then no duration, never a wrong one.
                if let Some(d) = info.duration_s {
                    assert!(d.is_finite() && d > 0.0);
                }
            }
        }
        assert!(changed > 0, "{f:?}");
    }
}

#[test]
fn the_fixture_report_is_the_same_whichever_reader_answers() {
    if !has("ffprobe") {
        eprintln!("ffprobe not installed: reader parity over the fixtures not checked");
        return;
    }
    let root = fixtures();
    let root = root.to_str().unwrap();
    let auto = audit_json(&["--no-cache", root]);
    let ff = audit_json(&["--no-cache", "--probe-with", "ffprobe", root]);
    let (a, f) = (
        auto["media"].as_array().unwrap(),
        ff["media"].as_array().unwrap(),
    );
    assert_eq!(a.len(), f.len());
    let mut native = 0;
    for (a, f) in a.iter().zip(f) {
        if a["probe"]["source"] == "native" {
            native += 1;
            assert_eq!(f["probe"]["source"], "ffprobe", "{}", f["path"]);
        }
        let (mut a, mut f) = (a.clone(), f.clone());
        a["probe"]["source"] = Value::Null;
        f["probe"]["source"] = Value::Null;
        // A file no reader can describe fails both ways, each reader
        // saying why in its own words (a native refusal spares ffprobe).
        if a["probe"]["error"].is_string() && f["probe"]["error"].is_string() {
            a["probe"]["error"] = Value::Null;
            f["probe"]["error"] = Value::Null;
        }
        // What a native reader leaves unstated (it would have to decode to
        // name it) may be null; nothing may differ.
        for key in ["profile", "pix_fmt", "bit_rate"] {
            if a["video"].get(key).is_none_or(Value::is_null) && f["video"].get(key).is_some() {
                a["video"][key] = f["video"][key].clone();
            }
        }
        if let (Some(aa), Some(fa)) = (a["audio"].as_array_mut(), f["audio"].as_array()) {
            for (x, y) in aa.iter_mut().zip(fa) {
                if x.get("channel_layout").is_none() && y.get("channel_layout").is_some() {
                    x["channel_layout"] = y["channel_layout"].clone();
                }
            }
        }
        assert_eq!(a, f);
    }
    // The WAV, 2 ProRes MOVs, 5 H.264 MP4s, 3 MXFs (one named .mp4), the
    // DCP's JPEG 2000 picture MXF, the FFV1 Matroska, the PNG still and the
    // 4 EXR/DPX sequences; the broken files go to ffprobe.
    assert_eq!(native, 18);
    assert_eq!(auto["summary"], ff["summary"]);
    // Native only: ffprobe is never looked for, and nothing else changes for
    // the formats footprint reads.
    let out = footprint()
        .args([
            "audit",
            "--format",
            "json",
            "--no-cache",
            "--probe-with",
            "native",
        ])
        .args(["--ffprobe", "/nonexistent/ffprobe", root])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("ffprobe not available"));
    let n = parse_one_document(&out.stdout);
    assert_eq!(n["stages"]["probe"], "done");
    for m in n["media"].as_array().unwrap() {
        let src = m["probe"]["source"].as_str().unwrap();
        let path = m["path"].as_str().unwrap();
        let same = a.iter().find(|x| x["path"] == m["path"]).unwrap();
        if same["probe"]["source"] == "native" {
            assert_eq!(m, same, "{path}");
        } else {
            assert_eq!(src, "none", "{path}");
        }
    }
}

#[test]
fn dpx_and_exr_frames_match_ffprobe_field_for_field() {
    if !has("ffmpeg") || !has("ffprobe") {
        eprintln!("ffmpeg/ffprobe not installed: native DPX/EXR parity not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = ["-f", "lavfi", "-i", "testsrc2=size=96x54"];
    // Every pixel format FFmpeg's DPX encoder writes, in both byte orders
    // where it has them (10- and 12-bit come back little-endian).
    for fmt in [
        "rgb24", "rgba", "rgb48le", "rgb48be", "rgba64le", "rgba64be", "gray", "gray16le",
        "gray16be", "gbrp10le", "gbrp10be", "gbrp12le", "gbrp12be",
    ] {
        let args = ["-frames:v", "1", "-c:v", "dpx", "-pix_fmt", fmt];
        same_as_ffprobe(dir.path(), &format!("{fmt}.dpx"), &src, &args);
    }
    // EXR: RGB, RGBA and luma, half and float samples, several compressions.
    for fmt in ["gbrpf32le", "gbrapf32le", "grayf32le"] {
        for (ptype, compression) in [("1", "0"), ("2", "3"), ("1", "1")] {
            let args = [
                "-frames:v",
                "1",
                "-c:v",
                "exr",
                "-pix_fmt",
                fmt,
                "-format",
                ptype,
                "-compression",
                compression,
            ];
            let name = format!("{fmt}_{ptype}_{compression}.exr");
            same_as_ffprobe(dir.path(), &name, &src, &args);
        }
    }
    // The fixtures' first frames.
    for f in [
        "sequences/scan/A001C003.0086400.dpx",
        "sequences/comp/sh010_comp_v003.1001.exr",
    ] {
        let (native, ff) = both(&fixtures().join(f));
        assert_eq!(native.expect(f), ff, "{f}");
    }
}

/// A big-endian DPX frame with film and TV headers (rate 24, timecode
/// 01:02:03:04), made from an FFmpeg frame whose generic header ends at 1664.
fn dpx_with_industry_headers(ffmpeg_frame: &[u8]) -> Vec<u8> {
    let data = &ffmpeg_frame[1664..];
    let mut b = ffmpeg_frame[..1664].to_vec();
    b.resize(2048, 0xFF);
    b[4..8].copy_from_slice(&2048u32.to_be_bytes());
    b[16..20].copy_from_slice(&(2048 + data.len() as u32).to_be_bytes());
    b[808..812].copy_from_slice(&2048u32.to_be_bytes());
    b[1724..1728].copy_from_slice(&24f32.to_be_bytes());
    b[1920..1924].copy_from_slice(&0x0102_0304u32.to_be_bytes());
    b[1940..1944].copy_from_slice(&24f32.to_be_bytes());
    b.extend_from_slice(data);
    b
}

#[test]
fn a_dpx_sequence_takes_its_rate_and_timecode_from_the_header_and_the_rest_natively() {
    if !has("ffmpeg") {
        eprintln!("ffmpeg not installed: DPX header sequence not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.dpx");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=96x54",
        "-frames:v",
        "1",
        "-c:v",
        "dpx",
        "-pix_fmt",
        "rgb48be",
        one.to_str().unwrap(),
    ]);
    let frame = dpx_with_industry_headers(&std::fs::read(&one).unwrap());
    std::fs::remove_file(&one).unwrap();
    let seq = dir.path().join("seq");
    std::fs::create_dir(&seq).unwrap();
    for n in 1..=48 {
        std::fs::write(seq.join(format!("R01.{n:05}.dpx")), &frame).unwrap();
    }
    if has("ffprobe") {
        // ffprobe itself reports the pipe's 25 fps and no timecode; so do we.
        let (native, ff) = both(&seq.join("R01.00001.dpx"));
        assert_eq!(native.expect("native"), ff);
        assert_eq!(ff.video.unwrap().fps, Some(25.0));
    }
    for reader in ["native", "auto"] {
        let r = audit_json(&["--no-cache", "--probe-with", reader, seq.to_str().unwrap()]);
        let m = &r["media"][0];
        assert_eq!(m["kind"], "image_sequence");
        assert_eq!(m["probe"]["source"], "native", "{reader}");
        assert_eq!(m["video"]["pix_fmt"], "rgb48be");
        assert_eq!(m["video"]["fps"], 24.0);
        assert_eq!(m["sequence"]["fps_source"], "header");
        assert_eq!(m["duration_s"], 2.0);
        assert_eq!(m["timecode"], "01:02:03:04");
    }
}

#[test]
fn dpx_and_exr_headers_that_ffmpeg_would_refuse_go_to_ffprobe() {
    use footprint::probe::header::probe_info;
    let frame = std::fs::read(fixtures().join("sequences/scan/A001C003.0086400.dpx")).unwrap();
    let size = frame.len() as u64;
    assert!(probe_info(&frame, size).is_some());
    // Image data cut short: FFmpeg's decoder stops at "Overread buffer".
    assert!(probe_info(&frame, size - 100).is_none());
    // A descriptor it has no pixel format for.
    let mut odd = frame.clone();
    odd[800] = 157;
    assert!(probe_info(&odd, size).is_none());
    // EXR with a channel list we do not name (here `Q` for `B`): FFmpeg has
    // its own rules for those, so ffprobe answers.
    let exr = std::fs::read(fixtures().join("sequences/comp/sh010_comp_v003.1001.exr")).unwrap();
    assert_eq!(
        probe_info(&exr, exr.len() as u64)
            .unwrap()
            .video
            .unwrap()
            .pix_fmt
            .as_deref(),
        Some("gbrpf32le")
    );
    let list = exr
        .windows(16)
        .position(|w| w == b"channels\0chlist\0")
        .unwrap()
        + 20; // name, type, 4-byte size
    assert_eq!(&exr[list..list + 2], b"B\0");
    let mut renamed = exr.clone();
    renamed[list] = b'Q';
    assert!(probe_info(&renamed, renamed.len() as u64).is_none());
    // Truncated anywhere in the header: an answer or none, never a panic.
    for cut in 0..exr.len().min(400) {
        let _ = probe_info(&exr[..cut], cut as u64);
    }
    for cut in (0..2048).step_by(3) {
        let _ = probe_info(&frame[..cut], cut as u64);
    }
}

#[test]
fn tiff_frames_match_ffprobe_and_the_rest_is_declined() {
    if !has("ffmpeg") || !has("ffprobe") {
        eprintln!("ffmpeg/ffprobe not installed: native TIFF parity not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = ["-f", "lavfi", "-i", "testsrc2=size=96x54"];
    for fmt in [
        "rgb24", "rgba", "rgb48le", "rgba64le", "gray", "gray16le", "ya8", "ya16le", "pal8",
        "monob",
    ] {
        for algo in ["packbits", "raw", "lzw", "deflate"] {
            let args = [
                "-frames:v",
                "1",
                "-c:v",
                "tiff",
                "-pix_fmt",
                fmt,
                "-compression_algo",
                algo,
            ];
            same_as_ffprobe(dir.path(), &format!("{fmt}_{algo}.tif"), &src, &args);
        }
    }
    // YCbCr TIFFs (FFmpeg's own rules for subsampling) go to ffprobe.
    let ycbcr = dir.path().join("ycbcr.tif");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=96x54",
        "-frames:v",
        "1",
        "-c:v",
        "tiff",
        "-pix_fmt",
        "yuv422p",
        ycbcr.to_str().unwrap(),
    ]);
    assert_eq!(both(&ycbcr).0, None);
    // Cut anywhere: FFmpeg writes the strips, then the IFD, then the values
    // it points to. A cut in the strips or the IFD is never answered; a cut in
    // the trailing values the reader does not need (resolution, software
    // name) may be, with the same answer. Never a panic.
    let rgb = std::fs::read(dir.path().join("rgb24_lzw.tif")).unwrap();
    let tiff = footprint::probe::native::tiff::parse;
    let whole = tiff(&rgb[..]).expect("whole file");
    assert_eq!(
        whole.video.as_ref().unwrap().pix_fmt.as_deref(),
        Some("rgb24")
    );
    let ifd = u32::from_le_bytes(rgb[4..8].try_into().unwrap()) as usize;
    let ifd_end = ifd + 2 + 12 * u16::from_le_bytes([rgb[ifd], rgb[ifd + 1]]) as usize;
    let mut answered = 0;
    for cut in 0..rgb.len() {
        match tiff(&rgb[..cut]) {
            Some(info) => {
                assert!(cut >= ifd_end, "cut at {cut}, IFD at {ifd}..{ifd_end}");
                assert_eq!(info, whole);
                answered += 1;
            }
            None => assert!(cut < rgb.len()),
        }
    }
    assert!(
        answered < rgb.len() - ifd,
        "some cuts after the IFD must be refused"
    );
    for i in 0..rgb.len() {
        let mut m = rgb.clone();
        m[i] ^= 0xFF;
        let _ = footprint::probe::native::tiff::parse(&m[..]);
    }
}

#[test]
fn matroska_variants_match_ffprobe_field_for_field() {
    if !has("ffmpeg") || !has("ffprobe") {
        eprintln!("ffmpeg/ffprobe not installed: native Matroska parity not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let v = |rate: &str| format!("testsrc2=size=320x180:rate={rate}");
    let (v1, v2, v3, v4) = (v("24000/1001"), v("25"), v("30000/1001"), v("60000/1001"));
    let tone = "sine=frequency=440:sample_rate=48000";
    fn both_in<'a>(video: &'a str, tone: &'a str) -> Vec<&'a str> {
        vec!["-f", "lavfi", "-i", video, "-f", "lavfi", "-i", tone]
    }
    #[rustfmt::skip]
    let cases: Vec<(&str, Vec<&str>, Vec<&str>)> = vec![
        ("h264_aac.mkv", both_in(&v1, tone), vec!["-t", "1", "-c:v", "libx264", "-c:a", "aac", "-ac", "2"]),
        ("h264_aac51.mkv", both_in(&v2, tone), vec!["-t", "0.5", "-c:v", "libx264", "-c:a", "aac", "-ac", "6"]),
        ("h264_pcm24.mkv", both_in(&v3, tone), vec!["-t", "0.5", "-c:v", "libx264", "-pix_fmt", "yuv422p10le", "-c:a", "pcm_s24le"]),
        ("h264_pcm16_mono.mkv", both_in(&v4, tone), vec!["-t", "0.5", "-c:v", "libx264", "-c:a", "pcm_s16le", "-ac", "1"]),
        ("h264_f32.mkv", both_in(&v2, tone), vec!["-t", "0.5", "-c:v", "libx264", "-c:a", "pcm_f32le", "-ac", "2"]),
        ("hevc_aac.mkv", both_in(&v1, tone), vec!["-t", "0.5", "-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-c:a", "aac"]),
        ("two_audio.mkv", vec!["-f", "lavfi", "-i", &v2, "-f", "lavfi", "-i", tone, "-f", "lavfi", "-i", tone], vec!["-t", "0.5", "-map", "0", "-map", "1", "-map", "2", "-c:v", "libx264", "-c:a:0", "pcm_s24le", "-c:a:1", "aac", "-ac", "2"]),
        ("audio_only.mka", vec!["-f", "lavfi", "-i", tone], vec!["-t", "0.7", "-c:a", "pcm_s32le", "-ac", "2"]),
    ];
    for (name, inputs, args) in &cases {
        same_as_ffprobe(dir.path(), name, inputs, args);
    }
    // FFV1 (the fixture), VP9 + Opus WebM: named from their CodecIDs, sized
    // and timed from the track headers; the profile and pixel format, which
    // FFmpeg decodes to name, left unstated.
    let webm = dir.path().join("vp9.webm");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &v2,
        "-f",
        "lavfi",
        "-i",
        tone,
        "-t",
        "0.3",
        "-c:v",
        "libvpx-vp9",
        "-c:a",
        "libopus",
        webm.to_str().unwrap(),
    ]);
    native_equals_ffprobe(&webm);
    native_equals_ffprobe(&fixtures().join("media/exports/archive_ffv1.mkv"));
    // Cut inside Info or Tracks: never answered; a cut in the clusters keeps
    // the answer (ffprobe reads the same headers).
    let b = std::fs::read(dir.path().join("h264_aac.mkv")).unwrap();
    let whole = footprint::probe::native::matroska::parse(&b[..]).unwrap();
    for cut in (0..b.len()).step_by(5) {
        if let Some(info) = footprint::probe::native::matroska::parse(&b[..cut]) {
            assert_eq!(info.video, whole.video, "cut at {cut}");
            assert_eq!(info.audio, whole.audio, "cut at {cut}");
            assert!(cut > 400, "cut at {cut}: headers incomplete");
        }
    }
    for i in 0..b.len().min(800) {
        let mut m = b.clone();
        m[i] ^= 0xFF;
        let _ = footprint::probe::native::matroska::parse(&m[..]);
    }
}

#[test]
fn ffprobe_is_not_even_looked_for_when_the_native_readers_read_everything() {
    // PATH without ffprobe: a tree of formats read natively is probed whole,
    // the stage is done and nothing warns; one file that needs ffprobe
    // brings the warning and the `unavailable` stage back.
    let dir = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    for f in [
        "media/audio/tone_48k_24bit.wav",
        "media/camera/A001C001_prores_hq.mov",
    ] {
        let src = fixtures().join(f);
        std::fs::copy(&src, dir.path().join(src.file_name().unwrap())).unwrap();
    }
    let audit = || {
        footprint()
            .args(["audit", "--format", "json", "--no-cache", "--no-hash"])
            .arg(dir.path())
            .env("PATH", bin.path())
            .output()
            .unwrap()
    };
    let out = audit();
    let r = parse_one_document(&out.stdout);
    assert_eq!(r["stages"]["probe"], "done");
    assert_eq!(media(&r, "tone_48k_24bit.wav")["probe"]["source"], "native");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("ffprobe"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut asf = vec![
        0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE,
        0x6C,
    ];
    asf.resize(4096, 0);
    std::fs::write(dir.path().join("clip.wmv"), asf).unwrap();
    let out = audit();
    let r = parse_one_document(&out.stdout);
    assert_eq!(r["stages"]["probe"], "unavailable");
    assert_eq!(media(&r, "clip.wmv")["probe"]["source"], "none");
    assert!(String::from_utf8_lossy(&out.stderr).contains("ffprobe not found"));
}
