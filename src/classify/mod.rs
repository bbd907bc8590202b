//! Stage 2: put every file in one of the report's kinds.
//!
//! Order of evidence: where the file lives (a cache folder, a DCP/IMF package),
//! then its content (magic bytes), then its extension. Content wins over the
//! extension because real drives hold MXF files named `.mp4` and DPX frames
//! named `.jpeg`. Only files with a media extension, or an unknown one, are
//! opened; project files and sidecars are known by name and never read.

pub mod inventory;
pub mod rules;
pub mod sequence;

use crate::util::pathbytes::{self, Ext};
use serde::Serialize;
use std::path::Path;
use std::sync::OnceLock;

/// The report's file kinds (`by_kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Video clips and exports.
    Video,
    /// Sound files.
    Audio,
    /// Numbered frames grouped into one clip.
    ImageSequence,
    /// Stills.
    Image,
    /// Members of a DCP or IMF package.
    Dcp,
    /// Caches, previews and render files an application can rebuild.
    Cache,
    /// NLE, compositing and DAW projects.
    Project,
    /// Metadata that travels with media: EDL, ALE, XML, MHL, subtitles, LUTs.
    Sidecar,
    /// Everything else.
    Other,
}

impl Kind {
    /// All kinds in report order.
    pub const ALL: [Kind; 9] = [
        Kind::Video,
        Kind::Audio,
        Kind::ImageSequence,
        Kind::Image,
        Kind::Dcp,
        Kind::Cache,
        Kind::Project,
        Kind::Sidecar,
        Kind::Other,
    ];

    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Video => "video",
            Kind::Audio => "audio",
            Kind::ImageSequence => "image_sequence",
            Kind::Image => "image",
            Kind::Dcp => "dcp",
            Kind::Cache => "cache",
            Kind::Project => "project",
            Kind::Sidecar => "sidecar",
            Kind::Other => "other",
        }
    }

    /// The name people read in tables and pages (`image sequence`).
    pub fn label(self) -> &'static str {
        match self {
            Kind::ImageSequence => "image sequence",
            Kind::Dcp => "DCP/IMF",
            other => other.name(),
        }
    }

    /// Media kinds get a `media` item and a probe.
    pub fn is_media(self) -> bool {
        matches!(
            self,
            Kind::Video | Kind::Audio | Kind::ImageSequence | Kind::Image
        )
    }
}

/// A format recognised from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signature {
    /// QuickTime / ISO BMFF (MOV, MP4, M4A, BRAW, CRM…).
    IsoBmff,
    /// MXF (partition pack key).
    Mxf,
    /// RIFF/RF64/BW64 WAVE.
    Wave,
    /// RIFF AVI.
    Avi,
    /// EBML: Matroska / WebM.
    Matroska,
    /// MPEG transport stream.
    MpegTs,
    /// MPEG program stream.
    MpegPs,
    /// RED R3D.
    R3d,
    /// Audio-only formats: FLAC, AIFF, CAF, Ogg, MP3 (ID3).
    AudioOther,
    /// DPX (either byte order).
    Dpx,
    /// OpenEXR.
    Exr,
    /// Cineon.
    Cineon,
    /// ARRIRAW frame.
    Ari,
    /// Still formats: TIFF, PNG, JPEG, JPEG 2000 (codestream or JP2).
    Still,
}

impl Signature {
    /// The kind a file of this format is, before probing refines it.
    pub fn kind(self) -> Kind {
        match self {
            Signature::Wave | Signature::AudioOther => Kind::Audio,
            Signature::Dpx
            | Signature::Exr
            | Signature::Cineon
            | Signature::Ari
            | Signature::Still => Kind::Image,
            _ => Kind::Video,
        }
    }
}

/// Bytes needed by [`sniff`].
pub const SNIFF_LEN: usize = 192;

/// Recognises a media format from the first bytes of a file.
pub fn sniff(b: &[u8]) -> Option<Signature> {
    let at = |off: usize, pat: &[u8]| b.len() >= off + pat.len() && &b[off..off + pat.len()] == pat;
    if b.len() >= 8
        && [
            b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot",
        ]
        .iter()
        .any(|t| at(4, *t))
    {
        return Some(Signature::IsoBmff);
    }
    // SMPTE 377 partition pack: 06 0E 2B 34 02 05 01 01 0D 01 02 01 01.
    if at(
        0,
        &[
            0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0D, 0x01, 0x02, 0x01, 0x01,
        ],
    ) {
        return Some(Signature::Mxf);
    }
    if (at(0, b"RIFF") || at(0, b"RF64") || at(0, b"BW64")) && at(8, b"WAVE") {
        return Some(Signature::Wave);
    }
    if at(0, b"RIFF") && at(8, b"AVI ") {
        return Some(Signature::Avi);
    }
    if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        return Some(Signature::Matroska);
    }
    if b.len() > 188 && b[0] == 0x47 && b[188] == 0x47 {
        return Some(Signature::MpegTs);
    }
    if at(0, &[0x00, 0x00, 0x01, 0xBA]) {
        return Some(Signature::MpegPs);
    }
    if at(4, b"RED1") || at(4, b"RED2") {
        return Some(Signature::R3d);
    }
    if at(0, b"fLaC")
        || at(0, b"OggS")
        || at(0, b"caff")
        || at(0, b"ID3")
        || (at(0, b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC")))
    {
        return Some(Signature::AudioOther);
    }
    if at(0, b"SDPX") || at(0, b"XPDS") {
        return Some(Signature::Dpx);
    }
    if at(0, &[0x76, 0x2F, 0x31, 0x01]) {
        return Some(Signature::Exr);
    }
    if at(0, &[0x80, 0x2A, 0x5F, 0xD7]) || at(0, &[0xD7, 0x5F, 0x2A, 0x80]) {
        return Some(Signature::Cineon);
    }
    if is_ari(b) {
        return Some(Signature::Ari);
    }
    if at(0, b"II*\0")
        || at(0, b"MM\0*")
        || at(0, b"\x89PNG\r\n\x1a\n")
        || at(0, &[0xFF, 0xD8, 0xFF])
        || at(0, &[0xFF, 0x4F, 0xFF, 0x51])
        || at(0, b"\0\0\0\x0CjP  ")
    {
        return Some(Signature::Still);
    }
    None
}

const VIDEO_EXT: &[&str] = &[
    "mov", "mp4", "m4v", "mxf", "mkv", "webm", "avi", "mts", "m2ts", "ts", "mpg", "mpeg", "m2v",
    "vob", "dv", "flv", "wmv", "3gp", "r3d", "braw", "crm", "mcf", "y4m", "h264", "h265", "hevc",
    "264", "265", "ogv", "ari_clip", "hvc", "avc", "266", "vvc", "ivf", "obu", "av1", "m1v", "cmp",
    "mp4v", "cmfv", "f4v", "asf", "rm", "rmvb", "nut", "m2t", "mod", "tod",
];
const AUDIO_EXT: &[&str] = &[
    "wav", "bwf", "rf64", "aif", "aiff", "aifc", "caf", "flac", "mp3", "m4a", "aac", "ac3", "ec3",
    "eac3", "opus", "ogg", "oga", "wma", "mka", "dts", "w64", "adts", "amr", "awb", "dtshd", "mp2",
    "mpa", "m1a", "m2a", "mlp", "thd", "truehd", "dsf", "dff", "ape", "wv", "mpc", "tta", "tak",
    "spx", "au", "snd", "iamf", "cmfa", "m4b",
];
/// Still formats; numbered files with these extensions may form image sequences.
pub const IMAGE_EXT: &[&str] = &[
    "dpx", "exr", "tif", "tiff", "png", "jpg", "jpeg", "j2c", "j2k", "jp2", "jpx", "cin", "ari",
    "tga", "bmp", "dng", "hdr", "sgi", "rgb", "webp", "psd", "heic", "avif", "cr2", "cr3", "nef",
    "arw", "gif", "tx", "rla",
];
const PROJECT_EXT: &[&str] = &[
    "prproj",
    "prel",
    "psq",
    "drp",
    "drt",
    "dra",
    "fcpbundle",
    "fcpevent",
    "flexolibrary",
    "fcpxml",
    "fcpxmld",
    "avb",
    "avp",
    "avs",
    "aep",
    "aepx",
    "aet",
    "nk",
    "nknc",
    "hip",
    "hipnc",
    "hiplc",
    "blend",
    "ma",
    "mb",
    "c4d",
    "max",
    "aaf",
    "omf",
    "otio",
    "otioz",
    "ptx",
    "ptf",
    "sesx",
    "comp",
    "veg",
    "kdenlive",
    "mlt",
    "sbs",
    "spp",
    "usd",
    "usda",
    "usdc",
    "usdz",
    "abc",
    "fbx",
    "motn",
    "cmproj",
    "imovielibrary",
    "logicx",
    "rpp",
    "als",
    "cpr",
];
const SIDECAR_EXT: &[&str] = &[
    "xml", "ale", "edl", "mhl", "srt", "vtt", "scc", "stl", "ttml", "dfxp", "itt", "cube", "3dl",
    "cdl", "cc", "ccc", "lut", "csp", "icc", "xmp", "rmd", "rtn", "sidecar", "md5", "sha1",
    "sha256", "xxh", "xxh64", "ass", "ssa", "sub", "smi", "cue", "klv", "bim", "ppn", "mif",
];

/// Common non-media extensions that are never opened for sniffing.
const PLAIN_EXT: &[&str] = &[
    "txt", "md", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "rtf", "pages", "numbers",
    "key", "csv", "json", "yaml", "yml", "toml", "ini", "cfg", "conf", "log", "html", "htm", "css",
    "js", "py", "sh", "zip", "gz", "tgz", "tar", "7z", "rar", "dmg", "iso", "plist", "db",
    "sqlite", "ds_store", "lnk", "url", "exe", "dll", "so", "dylib", "app", "ttf", "otf",
];

/// The lower-cased extension of `path`, if any (as `Path::extension` finds
/// it), for display and comparisons off the hot path ([`pathbytes::Ext`] is
/// the allocation-free form).
pub fn extension(path: &Path) -> Option<String> {
    let mut b = pathbytes::bytes(path);
    while b.len() > 1 && b.ends_with(b"/") {
        b = &b[..b.len() - 1];
    }
    let name = pathbytes::name(b);
    if name.is_empty() || name == b"." || name == b".." {
        return None;
    }
    let dot = name.iter().rposition(|&c| c == b'.')?;
    if dot == 0 {
        return None;
    }
    std::str::from_utf8(&name[dot + 1..])
        .ok()
        .map(str::to_ascii_lowercase)
}

/// True if `path` lies inside a folder that an application can rebuild
/// (rules in [`rules::RULES`]).
pub fn in_cache_dir(path: &Path) -> bool {
    rules::cache_dir_of(path).is_some()
}

/// Kind implied by the extension alone.
pub fn kind_from_extension(path: &Path) -> Option<Kind> {
    let name = pathbytes::name(pathbytes::bytes(path));
    kind_from_ext(name, Ext::of_name(name))
}

fn kind_from_ext(name: &[u8], ext: Option<Ext>) -> Option<Kind> {
    if rules::file_rule_of(name, ext).is_some() {
        return Some(Kind::Cache);
    }
    ext_kinds().get(&ext?).copied()
}

/// Extension → kind from the lists below, built once: scanning five lists for
/// every file showed in profiles of 50k-file walks. Where lists overlap, the
/// earlier one wins, as a scan in this order would.
fn ext_kinds() -> &'static pathbytes::ExtMap<Kind> {
    static MAP: OnceLock<pathbytes::ExtMap<Kind>> = OnceLock::new();
    MAP.get_or_init(|| {
        let lists = [
            (VIDEO_EXT, Kind::Video),
            (AUDIO_EXT, Kind::Audio),
            (IMAGE_EXT, Kind::Image),
            (PROJECT_EXT, Kind::Project),
            (SIDECAR_EXT, Kind::Sidecar),
        ];
        let mut map = pathbytes::ExtMap::new();
        for (list, kind) in lists {
            for e in list {
                map.insert_first(e, kind);
            }
        }
        map
    })
}

/// True if `ext` is one of [`IMAGE_EXT`] (the frames of image sequences).
pub fn is_image_ext(ext: &Ext) -> bool {
    static SET: OnceLock<pathbytes::ExtMap<()>> = OnceLock::new();
    SET.get_or_init(|| pathbytes::ExtMap::set_of(IMAGE_EXT))
        .contains(ext)
}

/// True if the content of `path` should be sniffed: its extension is a media one or unknown.
pub fn worth_sniffing(path: &Path) -> bool {
    let name = pathbytes::name(pathbytes::bytes(path));
    let ext = Ext::of_name(name);
    match kind_from_ext(name, ext) {
        Some(k) => k.is_media(),
        None => {
            static PLAIN: OnceLock<pathbytes::ExtMap<()>> = OnceLock::new();
            let plain = PLAIN.get_or_init(|| pathbytes::ExtMap::set_of(PLAIN_EXT));
            !ext.is_some_and(|e| plain.contains(&e))
        }
    }
}

/// True if a project bundle (`.fcpbundle`, `.fcpxmld`) encloses `path`.
pub fn in_project_bundle(path: &Path) -> bool {
    const BUNDLES: [&[u8]; 4] = [b".fcpbundle", b".fcpxmld", b".imovielibrary", b".logicx"];
    pathbytes::components(pathbytes::parent(pathbytes::bytes(path))).any(|c| {
        BUNDLES
            .iter()
            .any(|b| c.len() > b.len() && c[c.len() - b.len()..].eq_ignore_ascii_case(b))
    })
}

/// Classifies a file that is neither in a cache folder nor in a DCP package.
/// `sig` is the sniffed signature, when the file was read.
pub fn classify(path: &Path, sig: Option<Signature>) -> Kind {
    if let Some(sig) = sig {
        return sig.kind();
    }
    match kind_from_extension(path) {
        Some(k) => k,
        None if in_project_bundle(path) => Kind::Project,
        None => Kind::Other,
    }
}

/// Whether `magic` starts an ARRIRAW frame (ARRI's magic number).
pub fn is_ari(magic: &[u8]) -> bool {
    magic.get(..8) == Some(b"ARRI\x12\x34\x56\x78")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_container_signatures() {
        let mut mov = vec![0, 0, 0, 20];
        mov.extend_from_slice(b"ftypqt  ");
        assert_eq!(sniff(&mov), Some(Signature::IsoBmff));
        let mxf = [
            0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0D, 0x01, 0x02, 0x01, 0x01, 0x02,
        ];
        assert_eq!(sniff(&mxf), Some(Signature::Mxf));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt "), Some(Signature::Wave));
        assert_eq!(
            sniff(b"RF64\xff\xff\xff\xffWAVEds64"),
            Some(Signature::Wave)
        );
        assert_eq!(sniff(b"SDPX\0\0\x06\x80"), Some(Signature::Dpx));
        assert_eq!(sniff(b"XPDS\x80\x06\0\0"), Some(Signature::Dpx));
        assert_eq!(
            sniff(&[0x76, 0x2F, 0x31, 0x01, 2, 0, 0, 0]),
            Some(Signature::Exr)
        );
        assert_eq!(
            sniff(&[0x1A, 0x45, 0xDF, 0xA3, 0x9F]),
            Some(Signature::Matroska)
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(Signature::Still));
        assert_eq!(sniff(b"This is not a QuickTime movie."), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn content_beats_extension() {
        let p = Path::new("/r/DPX_named.jpeg");
        assert_eq!(classify(p, Some(Signature::Dpx)), Kind::Image);
        let p = Path::new("/r/really_mxf.mp4");
        assert_eq!(classify(p, Some(Signature::Mxf)), Kind::Video);
        let p = Path::new("/r/tone.WAV");
        assert_eq!(classify(p, None), Kind::Audio);
    }

    #[test]
    fn projects_sidecars_and_caches_by_name() {
        for (p, k) in [
            ("/r/PROJX.prproj", Kind::Project),
            ("/r/comp.nk", Kind::Project),
            ("/r/cut.otio", Kind::Project),
            ("/r/edit.AAF", Kind::Project),
            ("/r/A001.ale", Kind::Sidecar),
            ("/r/cut.edl", Kind::Sidecar),
            ("/r/show.cube", Kind::Sidecar),
            ("/r/ascmhl/0001_x.mhl", Kind::Sidecar),
            ("/r/notes.txt", Kind::Other),
            (
                "/r/Lib.fcpbundle/Event/CurrentVersion.fcpevent",
                Kind::Project,
            ),
            ("/r/Lib.fcpbundle/Event/Settings.plist", Kind::Project),
            ("/r/clip.mov.pek", Kind::Cache),
        ] {
            assert_eq!(classify(Path::new(p), None), k, "{p}");
        }
        for p in [
            "/a/b.MOV",
            "/a/b",
            "/a/.bashrc",
            "/a/b.",
            "/a/b.tar.GZ",
            "/a.d/b",
            "/a/b.c/",
            "b.mxf",
            "/",
            "/a/..",
            "/a/.",
            "/a/.x.Y",
            "/é/ü.WAV",
        ] {
            let want = Path::new(p)
                .extension()
                .and_then(|e| e.to_str())
                .map(|e| e.to_ascii_lowercase());
            assert_eq!(extension(Path::new(p)), want, "{p}");
        }
        assert!(in_cache_dir(Path::new("/r/Resolve/CacheClip/a/b.mov")));
        assert!(in_cache_dir(Path::new("/r/Media Cache Files/x.cfa")));
        assert!(in_cache_dir(Path::new(
            "/r/Lib.fcpbundle/E/Render Files/High Quality Media/r.mov"
        )));
        assert!(!in_cache_dir(Path::new("/r/Exports/CacheClip.mov")));
    }

    #[test]
    fn only_media_or_unknown_extensions_are_sniffed() {
        assert!(worth_sniffing(Path::new("/r/a.mp4")));
        assert!(worth_sniffing(Path::new("/r/A001C001")));
        assert!(worth_sniffing(Path::new("/r/a.weird")));
        assert!(!worth_sniffing(Path::new("/r/a.prproj")));
        assert!(!worth_sniffing(Path::new("/r/a.xml")));
        assert!(!worth_sniffing(Path::new("/r/readme.TXT")));
    }
}
