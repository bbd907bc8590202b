//! A DCP or IMF package checked as a package, the way a cinema lab's checker
//! (ClairMeta) does before a file-by-file look: the ASSETMAP (SMPTE ST 429-9,
//! or Interop's), the packing lists (ST 429-8; IMF ST 2067-2) and the
//! composition playlists (ST 429-7 reels; IMF ST 2067-3 segments) must agree
//! with each other and with the files on disk.
//!
//! Every rule is named, so `check` can report it in its table, JSON and JUnit
//! output. The essence rules (picture and sound) need each track file's facts;
//! the caller passes a probe so that this module reads only XML.

use super::pkl::{parse_assetmap, parse_pkl};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// One rule's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct PackageRule {
    /// Rule id: `assetmap`, `pkl`, `pkl_assets`, `pkl_hashes`, `cpl`,
    /// `cpl_assets`, `cpl_durations`, `reel_duration`, `edit_rates`, `encryption`.
    pub rule: &'static str,
    /// `pass`, `fail`, or `info` (a fact that is not a verdict: encrypted
    /// essence, hashes not verified).
    pub status: &'static str,
    /// What was found, in words: the first problems, or what passed.
    pub detail: String,
}

/// What the essence rules need of one track file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrackFacts {
    /// Frames per second of its picture, or `None` for sound.
    pub fps: Option<f64>,
    /// Duration in seconds.
    pub duration_s: Option<f64>,
    /// Picture codec (ffprobe's name), width and height.
    pub picture: Option<(String, u32, u32)>,
    /// Sound streams: codec (ffprobe's name) and sample rate.
    pub sound: Vec<(String, u32)>,
}

impl TrackFacts {
    /// The facts of a probed track file.
    pub fn of(
        video: Option<&crate::probe::VideoInfo>,
        audio: &[crate::probe::AudioInfo],
        duration_s: Option<f64>,
    ) -> Self {
        TrackFacts {
            fps: video.and_then(|v| v.fps),
            duration_s,
            picture: video.map(|v| (v.codec.clone(), v.width, v.height)),
            sound: audio
                .iter()
                .map(|a| (a.codec.clone(), a.sample_rate))
                .collect(),
        }
    }
}

/// The facts of every package track file among `media` (items whose
/// `package` is set), by path: what the probe stage already read, so a
/// package check probes nothing twice.
pub fn media_facts(media: &[crate::probe::MediaItem]) -> impl Fn(&Path) -> Option<TrackFacts> + '_ {
    let by_path: HashMap<&str, &crate::probe::MediaItem> = media
        .iter()
        .filter(|m| m.package.is_some())
        .map(|m| (m.path.as_str(), m))
        .collect();
    move |path: &Path| {
        let m = by_path.get(crate::util::pathfmt::display(path).as_str())?;
        Some(TrackFacts::of(m.video.as_ref(), &m.audio, m.duration_s))
    }
}

/// One track-file reference of a CPL reel or segment.
#[derive(Clone, Debug)]
struct Reference {
    /// `MainPicture`, `MainSound`, `Resource`…
    kind: String,
    id: String,
    edit_rate: Option<(u64, u64)>,
    intrinsic: Option<u64>,
    entry: u64,
    duration: Option<u64>,
    encrypted: bool,
    /// Reel or segment index, from 1.
    reel: usize,
}

/// A parsed CPL.
#[derive(Clone, Debug)]
struct Cpl {
    name: String,
    id: String,
    refs: Vec<Reference>,
    imf: bool,
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn text<'a>(n: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(n, name).and_then(|c| c.text()).map(str::trim)
}

fn uuid_key(id: &str) -> String {
    id.trim()
        .trim_start_matches("urn:uuid:")
        .to_ascii_lowercase()
}

fn rational(s: Option<&str>) -> Option<(u64, u64)> {
    let mut it = s?.split_whitespace();
    let (n, d) = (it.next()?.parse().ok()?, it.next()?.parse().ok()?);
    (d > 0).then_some((n, d))
}

fn count(s: Option<&str>) -> Option<u64> {
    s?.parse().ok()
}

/// Reel assets that are track files: the `Main…` assets of ST 429-7 and its
/// extensions (stereoscopic picture, subtitles, captions), Dolby's `AuxData`
/// and the `ClosedCaption`/`ClosedSubtitle` of ST 429-12. Markers and the
/// ST 429-16 `CompositionMetadataAsset` live inside the CPL itself.
fn is_track_file(name: &str) -> bool {
    (name.starts_with("Main") && name != "MainMarkers")
        || matches!(name, "AuxData" | "ClosedCaption" | "ClosedSubtitle")
}

/// Parses a CPL's track-file references.
fn parse_cpl(name: &str, xml: &str) -> Result<Cpl, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("malformed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "CompositionPlaylist" {
        return Err(format!("root element is {}", root.tag_name().name()));
    }
    let id = uuid_key(text(root, "Id").ok_or("no Id")?);
    let cpl_rate = rational(text(root, "EditRate"));
    let mut refs = Vec::new();
    let reference = |n: roxmltree::Node, reel: usize, id_tag: &str| -> Option<Reference> {
        let id = text(n, id_tag)?;
        Some(Reference {
            kind: n.tag_name().name().to_string(),
            id: uuid_key(id),
            edit_rate: rational(text(n, "EditRate")).or(cpl_rate),
            intrinsic: count(text(n, "IntrinsicDuration")),
            entry: count(text(n, "EntryPoint")).unwrap_or(0),
            duration: count(text(n, "Duration")).or(count(text(n, "SourceDuration"))),
            encrypted: child(n, "KeyId").is_some(),
            reel,
        })
    };
    let imf = child(root, "SegmentList").is_some();
    if let Some(segments) = child(root, "SegmentList") {
        let segs = segments.children().filter(|c| c.is_element());
        for (i, seg) in segs.enumerate() {
            for res in seg
                .descendants()
                .filter(|d| d.is_element() && d.tag_name().name() == "Resource")
            {
                // Named by its sequence: MainImageSequence, MainAudioSequence…
                let sequence = res.parent().and_then(|l| l.parent());
                if let Some(mut r) = reference(res, i + 1, "TrackFileId") {
                    if let Some(seq) = sequence {
                        r.kind = seq.tag_name().name().to_string();
                    }
                    refs.push(r);
                }
            }
        }
    } else {
        let reels = child(root, "ReelList").ok_or("no ReelList or SegmentList")?;
        let reels = reels
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "Reel");
        for (i, reel) in reels.enumerate() {
            let Some(assets) = child(reel, "AssetList") else {
                continue;
            };
            for a in assets.children().filter(|c| c.is_element()) {
                if is_track_file(a.tag_name().name()) {
                    refs.extend(reference(a, i + 1, "Id"));
                }
            }
        }
    }
    Ok(Cpl {
        name: name.to_string(),
        id,
        refs,
        imf,
    })
}

fn read_xml(path: &Path) -> Result<String, String> {
    let bytes = crate::util::fsutil::read_head(path, 64 << 20).map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&bytes)
        .trim_start_matches('\u{feff}')
        .to_string())
}

/// Collects rule outcomes: the first few problems of each rule in words.
#[derive(Default)]
struct Rules {
    out: Vec<PackageRule>,
}

impl Rules {
    fn add(&mut self, rule: &'static str, problems: &[String], ok: impl Into<String>) {
        let detail = match problems.len() {
            0 => ok.into(),
            n => {
                let shown: Vec<&str> = problems.iter().take(3).map(String::as_str).collect();
                let more = if n > 3 {
                    format!("; {} more", n - 3)
                } else {
                    String::new()
                };
                format!("{}{more}", shown.join("; "))
            }
        };
        let status = if problems.is_empty() { "pass" } else { "fail" };
        self.out.push(PackageRule {
            rule,
            status,
            detail,
        });
    }

    fn info(&mut self, rule: &'static str, detail: String) {
        self.out.push(PackageRule {
            rule,
            status: "info",
            detail,
        });
    }
}

/// A path an ASSETMAP names, if it stays inside the package.
fn inside(dir: &Path, rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel);
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| dir.join(p))
}

/// Checks the package in `dir`. `verify` re-hashes every PKL asset (SHA-1);
/// `facts` reads a track file's rate and duration (`None` when it cannot).
pub fn check(
    dir: &Path,
    verify: bool,
    facts: &dyn Fn(&Path) -> Option<TrackFacts>,
) -> Vec<PackageRule> {
    let mut rules = Rules::default();
    // ASSETMAP: parses, maps at least one asset, every path exists.
    let map_path = ["ASSETMAP.xml", "ASSETMAP"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file());
    let map = match map_path
        .as_deref()
        .map(|p| read_xml(p).and_then(|x| parse_assetmap(&x)))
    {
        Some(Ok(m)) if !m.is_empty() => m,
        Some(Ok(_)) => {
            rules.add("assetmap", &["the ASSETMAP maps no asset".into()], "");
            HashMap::new()
        }
        Some(Err(e)) => {
            rules.add("assetmap", &[format!("ASSETMAP: {e}")], "");
            HashMap::new()
        }
        None => {
            rules.add("assetmap", &["no ASSETMAP".into()], "");
            HashMap::new()
        }
    };
    if !map.is_empty() {
        let mut missing: Vec<String> = map
            .values()
            .filter(|rel| !inside(dir, rel).is_some_and(|p| p.is_file()))
            .map(|rel| format!("{rel}: named in the ASSETMAP, not in the package"))
            .collect();
        missing.sort();
        rules.add(
            "assetmap",
            &missing,
            format!("{} assets, every file present", map.len()),
        );
    }
    // The package's XML files by root element, each read once.
    let mut xml: Vec<(PathBuf, Option<String>)> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| crate::classify::extension(p).as_deref() == Some("xml"))
        .map(|p| {
            let root = crate::util::fsutil::read_head(&p, 4096).ok().and_then(|h| {
                crate::classify::inventory::root_element(&String::from_utf8_lossy(&h))
            });
            (p, root)
        })
        .collect();
    xml.sort();
    let with_root = |name: &'static str| {
        xml.iter()
            .filter(move |(_, r)| r.as_deref() == Some(name))
            .map(|(p, _)| p)
    };
    // Packing lists: the XML files whose root is PackingList.
    let pkls: Vec<&PathBuf> = with_root("PackingList").collect();
    let mut pkl_assets: BTreeMap<String, (PathBuf, super::pkl::Asset)> = BTreeMap::new();
    let mut bad = Vec::new();
    for p in &pkls {
        match read_xml(p).and_then(|x| parse_pkl(&x)) {
            Ok(list) if list.is_empty() => bad.push(format!("{}: no asset", file_name(p))),
            Ok(list) => {
                for a in list {
                    pkl_assets.insert(a.id.clone(), ((*p).clone(), a));
                }
            }
            Err(e) => bad.push(format!("{}: {e}", file_name(p))),
        }
    }
    if pkls.is_empty() {
        bad.push("no packing list (an XML file whose root is PackingList)".into());
    }
    rules.add("pkl", &bad, format!("{} packing list(s)", pkls.len()));
    // Every PKL asset: mapped, present, the stated size; hashed with --verify.
    let mut wrong = Vec::new();
    let mut hash_wrong = Vec::new();
    let mut hashed = 0;
    for (id, (_, a)) in &pkl_assets {
        let Some(path) = map
            .get(id)
            .or(a.original_name.as_ref())
            .and_then(|r| inside(dir, r))
        else {
            wrong.push(format!(
                "asset {id}: in the packing list, not in the ASSETMAP"
            ));
            continue;
        };
        let Ok(md) = std::fs::metadata(&path) else {
            wrong.push(format!("{}: missing", file_name(&path)));
            continue;
        };
        if let Some(size) = a.size.filter(|&s| s != md.len()) {
            wrong.push(format!(
                "{}: {} bytes, the packing list says {size}",
                file_name(&path),
                md.len()
            ));
            continue;
        }
        if let (true, Some(want)) = (verify, &a.hash) {
            hashed += 1;
            let fmt = super::digest::Format::Sha1Base64;
            match super::digest::file(&path, fmt) {
                Ok(got) if fmt.same(&got, want) => {}
                Ok(got) => hash_wrong.push(format!(
                    "{}: SHA-1 {got}, the packing list says {want}",
                    file_name(&path)
                )),
                Err(e) => hash_wrong.push(format!("{}: cannot hash: {e}", file_name(&path))),
            }
        }
    }
    rules.add(
        "pkl_assets",
        &wrong,
        format!(
            "{} assets present with their stated sizes",
            pkl_assets.len()
        ),
    );
    if verify {
        rules.add(
            "pkl_hashes",
            &hash_wrong,
            format!("{hashed} SHA-1 hashes equal"),
        );
    } else {
        rules.info(
            "pkl_hashes",
            "not verified: --verify re-hashes every asset".into(),
        );
    }
    let cpl_files: Vec<&PathBuf> = with_root("CompositionPlaylist").collect();
    check_cpls(dir, &cpl_files, &map, &pkl_assets, facts, &mut rules);
    rules.out
}

fn file_name(p: &Path) -> String {
    crate::util::pathfmt::file_name(p)
}

/// A package's problems for an audit, one per failed rule, named after the
/// package folder: what makes it broken (ASSETMAP, CPL, durations, edit
/// rates), not what a delivery spec asks of it (reel length, DCI sizes,
/// sound format: `check --target dcp` judges those). The packing-list rules
/// are left out too: the manifest stage reports those file by file.
pub fn problems(
    dir: &Path,
    verify: bool,
    facts: &dyn Fn(&Path) -> Option<TrackFacts>,
) -> Vec<crate::util::error::FileError> {
    check(dir, verify, facts)
        .into_iter()
        .filter(|r| {
            r.status == "fail"
                && matches!(
                    r.rule,
                    "assetmap" | "cpl" | "cpl_assets" | "cpl_durations" | "edit_rates"
                )
        })
        .map(|r| {
            crate::util::error::FileError::new(
                dir,
                crate::util::error::ErrorKind::Package,
                format!("{}: {}", r.rule, r.detail),
            )
        })
        .collect()
}

/// The CPL rules: each CPL parses, is in a packing list, names only assets
/// the package holds, with durations and edit rates that add up.
fn check_cpls(
    dir: &Path,
    cpl_files: &[&PathBuf],
    map: &HashMap<String, String>,
    pkl_assets: &BTreeMap<String, (PathBuf, super::pkl::Asset)>,
    facts: &dyn Fn(&Path) -> Option<TrackFacts>,
    rules: &mut Rules,
) {
    let mut cpls = Vec::new();
    let mut bad = Vec::new();
    for p in cpl_files {
        match read_xml(p).and_then(|x| parse_cpl(&file_name(p), &x)) {
            Ok(c) if c.refs.is_empty() => bad.push(format!("{}: names no track file", c.name)),
            Ok(c) => cpls.push(c),
            Err(e) => bad.push(format!("{}: {e}", file_name(p))),
        }
    }
    if cpls.is_empty() && bad.is_empty() {
        bad.push("no composition playlist".into());
    }
    for c in &cpls {
        if !pkl_assets.is_empty() && !pkl_assets.contains_key(&c.id) {
            bad.push(format!("{}: not in any packing list", c.name));
        }
    }
    rules.add(
        "cpl",
        &bad,
        format!("{} composition playlist(s)", cpls.len()),
    );

    let mut absent = Vec::new();
    let mut durations = Vec::new();
    let mut reel_short = Vec::new();
    let mut rates = Vec::new();
    let (mut picture, mut sound) = (Vec::new(), Vec::new());
    let mut encrypted: HashSet<String> = HashSet::new();
    for c in &cpls {
        let mut reel_secs: BTreeMap<usize, f64> = BTreeMap::new();
        for r in &c.refs {
            if r.encrypted {
                encrypted.insert(r.id.clone());
            }
            let (in_pkl, in_map) = (pkl_assets.contains_key(&r.id), map.contains_key(&r.id));
            if !in_pkl || !in_map {
                let missing = match (in_pkl, in_map) {
                    (false, false) => "the packing list and the ASSETMAP",
                    (false, true) => "the packing list",
                    _ => "the ASSETMAP",
                };
                absent.push(format!(
                    "{}: {} {} is not in {missing}",
                    c.name, r.kind, r.id
                ));
                continue;
            }
            let used = r
                .duration
                .unwrap_or(r.intrinsic.unwrap_or(0).saturating_sub(r.entry));
            if let Some(total) = r.intrinsic
                && r.entry + used > total
            {
                durations.push(format!(
                    "{}: {} {}: entry point {} + duration {used} > intrinsic duration {total}",
                    c.name, r.kind, r.id, r.entry
                ));
            }
            let Some((n, d)) = r.edit_rate else { continue };
            let secs = used as f64 * d as f64 / n as f64;
            let e = reel_secs.entry(r.reel).or_insert(secs);
            *e = e.max(secs);
            let Some(path) = map.get(&r.id).and_then(|rel| inside(dir, rel)) else {
                continue;
            };
            if r.encrypted {
                continue;
            }
            if let Some(f) = facts(&path) {
                let composition = super::essence::Composition {
                    name: &c.name,
                    imf: c.imf,
                };
                super::essence::essence(composition, &r.kind, &f, &mut picture, &mut sound);
                if let Some(fps) = f.fps
                    && (fps - n as f64 / d as f64).abs() > 0.01
                {
                    rates.push(format!(
                        "{}: {} edit rate {n}/{d}, the track file runs at {fps:.3}",
                        c.name, r.kind
                    ));
                }
                let rate = n as f64 / d as f64;
                if let (Some(total), Some(secs)) = (r.intrinsic, f.duration_s) {
                    let frames = (secs * rate).round() as u64;
                    if total > frames + 1 {
                        durations.push(format!(
                            "{}: {} intrinsic duration {total} > the track file's {frames} frames",
                            c.name, r.kind
                        ));
                    }
                }
            }
        }
        if !c.imf {
            for (reel, secs) in reel_secs.iter().filter(|(_, s)| **s < 1.0) {
                reel_short.push(format!("{}: reel {reel} lasts {secs:.2} s", c.name));
            }
        }
    }
    rules.add(
        "cpl_assets",
        &absent,
        "every track file named is in the package",
    );
    rules.add(
        "cpl_durations",
        &durations,
        "entry points and durations within the track files",
    );
    if cpls.iter().any(|c| !c.imf) {
        rules.add(
            "reel_duration",
            &reel_short,
            "every reel lasts at least 1 s",
        );
    }
    rules.add(
        "edit_rates",
        &rates,
        "edit rates agree with the track files",
    );
    let dcp = cpls.iter().any(|c| !c.imf);
    rules.add(
        "picture",
        &picture,
        if dcp {
            "JPEG 2000 in a DCI container size, at a DCP frame rate"
        } else {
            "JPEG 2000 (or HTJ2K)"
        },
    );
    rules.add("sound", &sound, "PCM 24-bit at 48 or 96 kHz");
    if !encrypted.is_empty() {
        rules.info(
            "encryption",
            format!(
                "{} encrypted track file(s): essence not checked",
                encrypted.len()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpl_references_of_dcp_reels_and_imf_segments() {
        let dcp = r#"<CompositionPlaylist><Id>urn:uuid:C1</Id><EditRate>24 1</EditRate>
          <ReelList><Reel><AssetList>
            <MainMarkers><Id>urn:uuid:M</Id><IntrinsicDuration>24</IntrinsicDuration></MainMarkers>
            <CompositionMetadataAsset><Id>urn:uuid:X</Id><IntrinsicDuration>48</IntrinsicDuration></CompositionMetadataAsset>
            <MainPicture><Id>urn:uuid:P</Id><EditRate>24 1</EditRate><IntrinsicDuration>48</IntrinsicDuration><EntryPoint>12</EntryPoint><Duration>36</Duration></MainPicture>
            <MainSound><Id>urn:uuid:S</Id><IntrinsicDuration>48</IntrinsicDuration><KeyId>urn:uuid:K</KeyId></MainSound>
          </AssetList></Reel></ReelList></CompositionPlaylist>"#;
        let c = parse_cpl("cpl.xml", dcp).unwrap();
        assert!(!c.imf);
        assert_eq!(c.id, "c1");
        let ids: Vec<&str> = c.refs.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["p", "s"], "markers and metadata are not files");
        assert_eq!(c.refs[0].entry, 12);
        assert_eq!(c.refs[0].duration, Some(36));
        assert_eq!(
            c.refs[1].edit_rate,
            Some((24, 1)),
            "the CPL's rate by default"
        );
        assert!(c.refs[1].encrypted);

        let imf = r#"<CompositionPlaylist><Id>urn:uuid:I</Id><EditRate>25 1</EditRate>
          <SegmentList><Segment><SequenceList><MainImageSequence><ResourceList>
            <Resource><TrackFileId>urn:uuid:V</TrackFileId><IntrinsicDuration>50</IntrinsicDuration><SourceDuration>25</SourceDuration></Resource>
          </ResourceList></MainImageSequence></SequenceList></Segment></SegmentList></CompositionPlaylist>"#;
        let c = parse_cpl("imf.xml", imf).unwrap();
        assert!(c.imf);
        assert_eq!(c.refs[0].id, "v");
        assert_eq!(c.refs[0].duration, Some(25));
        assert!(parse_cpl("x", "<PackingList/>").is_err());
        assert!(
            parse_cpl("x", "<CompositionPlaylist>")
                .unwrap_err()
                .contains("malformed")
        );
    }
}
