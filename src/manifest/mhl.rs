//! ASC MHL v2 histories: an `ascmhl/` folder of numbered generations
//! (`0001_<name>_<date>.mhl`) and `ascmhl_chain.xml`. Each generation lists
//! files relative to the folder holding `ascmhl/`; the newest generation that
//! names a file gives its size, modification date and hash.

use super::digest::Format;
use super::{Listed, Manifest};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// One `<hash>` entry of a generation.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Path relative to the history's folder, `/`-separated.
    pub path: String,
    /// `size` attribute.
    pub size: Option<u64>,
    /// `lastmodificationdate`, seconds since the epoch.
    pub mtime_s: Option<i64>,
    /// The first hash element of a known format.
    pub hash: Option<(Format, String)>,
    /// That element's `action` is `failed`: the tool that wrote this
    /// generation found the file no longer matches (its value is the new hash).
    pub failed: bool,
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// Parses one generation file's text.
pub fn parse_generation(xml: &str) -> Result<Vec<Entry>, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("malformed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "hashlist" {
        return Err(format!(
            "not an ASC MHL hash list (root element is {})",
            root.tag_name().name()
        ));
    }
    let Some(hashes) = child(root, "hashes") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for h in hashes
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "hash")
    {
        let p = child(h, "path").ok_or("a <hash> without a <path>")?;
        let path = p.text().unwrap_or("").trim().to_string();
        if path.is_empty() {
            return Err("a <hash> with an empty <path>".into());
        }
        let size = match p.attribute("size") {
            Some(s) => Some(
                s.trim()
                    .parse()
                    .map_err(|_| format!("{path}: size '{s}'"))?,
            ),
            None => None,
        };
        let mtime_s = p
            .attribute("lastmodificationdate")
            .and_then(crate::util::timefmt::parse_rfc3339);
        let known = h
            .children()
            .filter(|c| c.is_element())
            .find(|c| Format::from_mhl(c.tag_name().name()).is_some());
        let failed = known.is_some_and(|c| c.attribute("action") == Some("failed"));
        let hash = known.and_then(|c| {
            let f = Format::from_mhl(c.tag_name().name())?;
            Some((f, c.text()?.trim().to_string()))
        });
        out.push(Entry {
            path,
            size,
            mtime_s,
            hash,
            failed,
        });
    }
    Ok(out)
}

/// True if `rel` stays inside the folder it is relative to.
fn contained(rel: &str) -> bool {
    let p = Path::new(rel);
    !rel.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Reads the history in `ascmhl_dir`: every generation, oldest first; the
/// newest entry of each path wins. Errors name the generation.
pub fn read_history(ascmhl_dir: &Path) -> Result<Manifest, String> {
    let base = ascmhl_dir.parent().unwrap_or(ascmhl_dir).to_path_buf();
    let mut gens: Vec<PathBuf> = std::fs::read_dir(ascmhl_dir)
        .map_err(|e| format!("cannot list {}: {e}", ascmhl_dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| crate::classify::extension(p).as_deref() == Some("mhl"))
        .collect();
    // `0001_…`, `0002_…`: the zero-padded sequence number sorts by name.
    gens.sort();
    let newest = gens.last().cloned().ok_or("no .mhl generation")?;
    let mut latest: BTreeMap<String, Entry> = BTreeMap::new();
    for g in &gens {
        let bytes = crate::util::fsutil::read_head(g, 256 << 20)
            .map_err(|e| format!("{}: {e}", g.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        let entries = parse_generation(text.trim_start_matches('\u{feff}'))
            .map_err(|e| format!("{}: {e}", g.display()))?;
        for e in entries {
            if !contained(&e.path) {
                return Err(format!(
                    "{}: path '{}' leaves the folder the history covers",
                    g.display(),
                    e.path
                ));
            }
            match latest.get_mut(&e.path) {
                // The reference hash is the newest one that is not a failure;
                // a failure sticks.
                Some(old) => {
                    let hash = match e.failed {
                        true => old.hash.take(),
                        false => e.hash.clone().or(old.hash.take()),
                    };
                    let failed = old.failed || e.failed;
                    *old = Entry { hash, failed, ..e };
                }
                None => {
                    latest.insert(e.path.clone(), e);
                }
            }
        }
    }
    Ok(Manifest {
        path: newest,
        kind: "ascmhl",
        root: base.clone(),
        generations: gens.len(),
        entries: latest
            .into_values()
            .map(|e| Listed {
                path: base.join(&e.path),
                size: e.size,
                mtime_s: e.mtime_s,
                hash: e.hash,
                failed: e.failed,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GEN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<hashlist version="2.0" xmlns="urn:ASC:MHL:v2.0">
  <hashes>
    <hash>
      <path size="3" lastmodificationdate="2026-11-22T18:29:22+00:00">A002R2EC/sub/side.txt</path>
      <xxh64 action="original" hashdate="2026-11-22T18:29:22.367047+00:00">d50463dd92503d34</xxh64>
    </hash>
    <directoryhash><path>A002R2EC/sub</path></directoryhash>
    <hash>
      <path size="5000" lastmodificationdate="2026-11-22T18:29:22+00:00">A002R2EC/clip1.mov</path>
      <md5 action="original">0123</md5><xxh64 action="original">dab627b0912cd379</xxh64>
    </hash>
  </hashes>
</hashlist>"#;

    #[test]
    fn reads_paths_sizes_dates_and_hashes() {
        let e = parse_generation(GEN).unwrap();
        assert_eq!(e.len(), 2, "directory hashes are not files");
        assert_eq!(e[0].path, "A002R2EC/sub/side.txt");
        assert_eq!(e[0].size, Some(3));
        assert_eq!(e[0].mtime_s, Some(1_795_372_162));
        assert_eq!(e[0].hash, Some((Format::Xxh64, "d50463dd92503d34".into())));
        assert_eq!(
            e[1].hash.as_ref().unwrap().0,
            Format::Md5,
            "the first known format"
        );
    }

    #[test]
    fn malformed_generations_are_errors() {
        assert!(
            parse_generation("<hashlist><hashes>")
                .unwrap_err()
                .contains("malformed")
        );
        assert!(parse_generation("<PackingList/>").is_err());
        assert!(
            parse_generation("<hashlist><hashes><hash><xxh64>1</xxh64></hash></hashes></hashlist>")
                .is_err()
        );
        assert!(
            parse_generation(
                r#"<hashlist><hashes><hash><path size="x">a</path></hash></hashes></hashlist>"#
            )
            .is_err()
        );
        assert!(!contained("../etc/passwd") && !contained("/etc/passwd") && contained("A/b.mov"));
    }
}
