//! The programme runtime that delivery budgets scale with: from `--runtime`,
//! the config, a DCP composition playlist (CPL), or the longest video.

use std::path::Path;

/// Parses `90m`, `1h32m`, `1h 32m 10s`, `01:32:00`, `92:00` or `5520s` into seconds; a
/// bare number is an error with a hint.
pub fn parse_duration(spec: &str) -> Result<f64, String> {
    let s = spec.trim();
    let bad = || format!("invalid duration '{spec}': use e.g. 90m, 1h32m, 01:32:00 or 5520s");
    if s.is_empty() {
        return Err(bad());
    }
    let secs = if s.contains(':') {
        let parts: Vec<&str> = s.split(':').collect();
        if parts.len() > 3 {
            return Err(bad());
        }
        let mut total = 0.0;
        for p in &parts {
            let v: f64 = p.parse().map_err(|_| bad())?;
            if v.is_nan() || v < 0.0 {
                return Err(bad());
            }
            total = total * 60.0 + v;
        }
        total
    } else if s.parse::<f64>().is_ok() {
        // A bare number is ambiguous (52 minutes? seconds?): never guessed.
        return Err(format!(
            "duration '{spec}' has no unit: write {s}m for minutes, {s}s for seconds, or 00:{s}:00"
        ));
    } else {
        let mut total = 0.0;
        let mut num = String::new();
        for c in s.chars().filter(|c| !c.is_whitespace()) {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
                continue;
            }
            let unit = match c.to_ascii_lowercase() {
                'h' => 3600.0,
                'm' => 60.0,
                's' => 1.0,
                _ => return Err(bad()),
            };
            let v: f64 = num.parse().map_err(|_| bad())?;
            total += v * unit;
            num.clear();
        }
        if !num.is_empty() {
            return Err(bad());
        }
        total
    };
    if secs.is_finite() && secs > 0.0 {
        Ok(secs)
    } else {
        Err(bad())
    }
}

/// A CPL's running time.
#[derive(Clone, Debug, PartialEq)]
pub struct CplRuntime {
    /// Seconds: Σ over reels of Duration ÷ EditRate of the main picture.
    pub seconds: f64,
    /// Reels counted.
    pub reels: usize,
    /// `ContentTitleText`, if any.
    pub title: Option<String>,
    /// `dcp` (ReelList) or `imf` (SegmentList, SMPTE ST 2067-3).
    pub package: &'static str,
}

/// Reads a CompositionPlaylist (SMPTE ST 429-7 or Interop; the namespace is
/// not checked, only local names). Each reel counts its MainPicture, or else
/// its longest asset; an asset's Duration defaults to IntrinsicDuration −
/// EntryPoint, its EditRate to the CPL's.
pub fn parse_cpl(xml: &str) -> Result<CplRuntime, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("malformed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "CompositionPlaylist" {
        return Err(format!(
            "not a CompositionPlaylist (root element is {})",
            root.tag_name().name()
        ));
    }
    let cpl_rate = rate(text(child(root, "EditRate")));
    let title = text(child(root, "ContentTitleText")).map(String::from);
    if let Some(segments) = child(root, "SegmentList") {
        return imf_runtime(segments, cpl_rate, title);
    }
    let reel_list = child(root, "ReelList").ok_or("no ReelList or SegmentList")?;
    let mut seconds = 0.0;
    let mut reels = 0;
    for reel in reel_list
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "Reel")
    {
        let Some(assets) = child(reel, "AssetList") else {
            continue;
        };
        let mut best: Option<(bool, f64)> = None;
        for a in assets.children().filter(|c| c.is_element()) {
            let dur = count(text(child(a, "Duration"))).or_else(|| {
                let intrinsic = count(text(child(a, "IntrinsicDuration")))?;
                let entry = count(text(child(a, "EntryPoint"))).unwrap_or(0);
                Some(intrinsic.saturating_sub(entry))
            });
            let (Some(dur), Some(r)) = (dur, rate(text(child(a, "EditRate"))).or(cpl_rate)) else {
                continue;
            };
            let secs = dur as f64 / r;
            let is_picture = a.tag_name().name() == "MainPicture";
            best = match best {
                Some((true, _)) if !is_picture => best,
                Some((bp, bs)) if bp == is_picture && bs >= secs => best,
                _ => Some((is_picture, secs)),
            };
        }
        if let Some((_, secs)) = best {
            seconds += secs;
            reels += 1;
        }
    }
    if reels == 0 {
        return Err("no reel with a duration and an edit rate".into());
    }
    Ok(CplRuntime {
        seconds,
        reels,
        title,
        package: "dcp",
    })
}

/// An IMF CPL: Σ over segments of the MainImageSequence's resources, each
/// (SourceDuration, else IntrinsicDuration − EntryPoint) × RepeatCount ÷
/// EditRate (the resource's, else the CPL's).
fn imf_runtime(
    segments: roxmltree::Node,
    cpl_rate: Option<f64>,
    title: Option<String>,
) -> Result<CplRuntime, String> {
    let mut seconds = 0.0;
    let mut counted = 0;
    for seg in segments
        .children()
        .filter(|c| c.tag_name().name() == "Segment")
    {
        let Some(image) = child(seg, "SequenceList")
            .and_then(|l| child(l, "MainImageSequence"))
            .and_then(|s| child(s, "ResourceList"))
        else {
            continue;
        };
        let mut seg_secs = 0.0;
        for res in image
            .children()
            .filter(|c| c.tag_name().name() == "Resource")
        {
            let dur = count(text(child(res, "SourceDuration"))).or_else(|| {
                let intrinsic = count(text(child(res, "IntrinsicDuration")))?;
                let entry = count(text(child(res, "EntryPoint"))).unwrap_or(0);
                Some(intrinsic.saturating_sub(entry))
            });
            let repeat = count(text(child(res, "RepeatCount"))).unwrap_or(1);
            let r = rate(text(child(res, "EditRate"))).or(cpl_rate);
            let (Some(dur), Some(r)) = (dur, r) else {
                return Err("an image resource without a duration or an edit rate".into());
            };
            seg_secs += (dur * repeat) as f64 / r;
        }
        seconds += seg_secs;
        counted += 1;
    }
    if counted == 0 {
        return Err("no segment with a main image sequence".into());
    }
    Ok(CplRuntime {
        seconds,
        reels: counted,
        title,
        package: "imf",
    })
}

/// An edit rate such as `24 1` or `24000 1001`, in frames per second.
fn rate(s: Option<&str>) -> Option<f64> {
    let mut it = s?.split_whitespace().map(|x| x.parse::<f64>().ok());
    let (num, den) = (it.next()??, it.next().unwrap_or(Some(1.0))?);
    (num > 0.0 && den > 0.0).then(|| num / den)
}

fn count(s: Option<&str>) -> Option<u64> {
    s.and_then(|s| s.parse::<u64>().ok())
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn text<'a>(n: Option<roxmltree::Node<'a, '_>>) -> Option<&'a str> {
    n.and_then(|n| n.text()).map(str::trim)
}

/// Reads and parses a CPL file; the error names the file.
pub fn read_cpl(path: &Path) -> Result<CplRuntime, String> {
    let bytes = crate::util::fsutil::read_head(path, 16 << 20).map_err(|e| e.to_string())?;
    let xml = String::from_utf8_lossy(&bytes);
    parse_cpl(xml.trim_start_matches('\u{feff}'))
}

/// The runtime budgets scale with: options or config, else the longest DCP
/// or IMF CPL in the roots; else none (the report then says what the media
/// are instead of weighing them against a delivery).
pub fn programme_runtime(
    given: Option<(f64, &'static str)>,
    files: &[crate::walk::FileEntry],
    packages: &[std::path::PathBuf],
) -> Option<(f64, &'static str)> {
    // Rushes have no programme runtime: weighing a folder of 3-second clips
    // against a Blu-ray by its longest clip says nothing (never guessed).
    if let Some(r) = given {
        return Some(r);
    }
    if packages.is_empty() {
        return None;
    }
    let cpl = files
        .iter()
        .filter(|f| {
            crate::util::pathbytes::has_ext(&f.path, "xml")
                && packages.iter().any(|p| f.path.starts_with(p))
        })
        .filter_map(|f| read_cpl(&f.path).ok())
        .map(|c| c.seconds)
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))));
    cpl.map(|s| (s, "cpl"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for (s, v) in [
            ("90m", 5400.0),
            ("1h32m", 5520.0),
            ("1h 32m 10s", 5530.0),
            ("01:32:00", 5520.0),
            ("92:00", 5520.0),
            ("5520s", 5520.0),
            ("1.5h", 5400.0),
        ] {
            assert_eq!(parse_duration(s).unwrap(), v, "{s}");
        }
        for s in [
            "", "abc", "90x", "0", "-5m", "1:2:3:4", "h", "12m30", "52", "5520",
        ] {
            assert!(parse_duration(s).is_err(), "{s}");
        }
        assert_eq!(
            parse_duration("52").unwrap_err(),
            "duration '52' has no unit: write 52m for minutes, 52s for seconds, or 00:52:00"
        );
    }

    const SMPTE: &str = r#"<?xml version="1.0"?>
<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/429-7/2006/CPL">
  <ContentTitleText>FEATURE_FTR</ContentTitleText><EditRate>24 1</EditRate>
  <ReelList>
    <Reel><AssetList>
      <MainPicture><EditRate>24 1</EditRate><IntrinsicDuration>30000</IntrinsicDuration><Duration>28800</Duration></MainPicture>
      <MainSound><EditRate>24 1</EditRate><Duration>99999</Duration></MainSound>
    </AssetList></Reel>
    <Reel><AssetList>
      <MainPicture><IntrinsicDuration>14500</IntrinsicDuration><EntryPoint>100</EntryPoint></MainPicture>
    </AssetList></Reel>
  </ReelList>
</CompositionPlaylist>"#;

    #[test]
    fn smpte_multi_reel() {
        let r = parse_cpl(SMPTE).unwrap();
        assert_eq!(r.reels, 2);
        assert_eq!(r.package, "dcp");
        // 28800/24 + (14500-100)/24 (CPL edit rate) = 1200 + 600.
        assert_eq!(r.seconds, 1800.0);
        assert_eq!(r.title.as_deref(), Some("FEATURE_FTR"));
    }

    #[test]
    fn interop_namespace_and_25fps() {
        let xml = r#"<CompositionPlaylist xmlns="http://www.digicine.com/PROTO-ASDCP-CPL-20040511#">
          <ReelList><Reel><AssetList><MainPicture><EditRate>25 1</EditRate>
          <Duration>2500</Duration></MainPicture></AssetList></Reel></ReelList></CompositionPlaylist>"#;
        assert_eq!(parse_cpl(xml).unwrap().seconds, 100.0);
    }

    #[test]
    fn imf_segments_resources_and_repeats() {
        let xml = r#"<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016"
            xmlns:cc="http://www.smpte-ra.org/schemas/2067-2/2016">
          <ContentTitleText>SHOW_EP01_IMF</ContentTitleText><EditRate>24000 1001</EditRate>
          <SegmentList>
            <Segment><SequenceList>
              <cc:MainImageSequence><ResourceList>
                <Resource><IntrinsicDuration>24000</IntrinsicDuration><EntryPoint>0</EntryPoint><SourceDuration>12000</SourceDuration></Resource>
                <Resource><IntrinsicDuration>2400</IntrinsicDuration><EntryPoint>0</EntryPoint><RepeatCount>5</RepeatCount></Resource>
              </ResourceList></cc:MainImageSequence>
              <cc:MainAudioSequence><ResourceList><Resource><SourceDuration>999999</SourceDuration></Resource></ResourceList></cc:MainAudioSequence>
            </SequenceList></Segment>
            <Segment><SequenceList>
              <cc:MainImageSequence><ResourceList>
                <Resource><EditRate>25 1</EditRate><IntrinsicDuration>2600</IntrinsicDuration><EntryPoint>100</EntryPoint></Resource>
              </ResourceList></cc:MainImageSequence>
            </SequenceList></Segment>
          </SegmentList>
        </CompositionPlaylist>"#;
        let r = parse_cpl(xml).unwrap();
        assert_eq!(r.package, "imf");
        assert_eq!(r.reels, 2);
        // (12000 + 2400 × 5) × 1001/24000 + 2500/25 = 1001 + 100.
        assert!((r.seconds - 1101.0).abs() < 1e-9, "{}", r.seconds);
        let bad = xml
            .replace("<SourceDuration>12000</SourceDuration>", "")
            .replace("<IntrinsicDuration>24000</IntrinsicDuration>", "");
        assert!(parse_cpl(&bad).is_err());
    }

    #[test]
    fn malformed_cpls_are_errors_not_panics() {
        assert!(
            parse_cpl("<CompositionPlaylist><ReelList>")
                .unwrap_err()
                .contains("malformed")
        );
        assert!(parse_cpl("<PackingList/>").is_err());
        assert!(parse_cpl("<CompositionPlaylist><ReelList/></CompositionPlaylist>").is_err());
        assert!(parse_cpl("<CompositionPlaylist><ReelList><Reel><AssetList><MainPicture><Duration>x</Duration></MainPicture></AssetList></Reel></ReelList></CompositionPlaylist>").is_err());
        assert!(parse_cpl("<CompositionPlaylist><EditRate>0 1</EditRate><ReelList><Reel><AssetList><MainPicture><Duration>5</Duration></MainPicture></AssetList></Reel></ReelList></CompositionPlaylist>").is_err());
    }
}
