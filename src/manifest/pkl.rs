//! DCP and IMF packing lists (SMPTE ST 429-8, ST 2067-2): each asset's id,
//! size and base64 SHA-1, mapped to a file through the package's ASSETMAP
//! (SMPTE ST 429-9, or Interop's `ASSETMAP`).

use super::digest::Format;
use super::{Listed, Manifest};
use std::collections::HashMap;
use std::path::{Component, Path};

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn text<'a>(n: Option<roxmltree::Node<'a, '_>>) -> Option<&'a str> {
    n.and_then(|n| n.text()).map(str::trim)
}

/// Normalises `urn:uuid:ABC…` and `abc…` to one key.
fn uuid_key(id: &str) -> String {
    id.trim()
        .trim_start_matches("urn:uuid:")
        .to_ascii_lowercase()
}

/// One asset of a packing list.
#[derive(Clone, Debug, PartialEq)]
pub struct Asset {
    /// Asset UUID, normalised.
    pub id: String,
    /// `Size`.
    pub size: Option<u64>,
    /// `Hash`: base64 SHA-1.
    pub hash: Option<String>,
    /// `OriginalFileName`.
    pub original_name: Option<String>,
}

/// Parses a packing list's text.
pub fn parse_pkl(xml: &str) -> Result<Vec<Asset>, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("malformed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "PackingList" {
        return Err(format!(
            "not a PackingList (root element is {})",
            root.tag_name().name()
        ));
    }
    let list = child(root, "AssetList").ok_or("no AssetList")?;
    let mut out = Vec::new();
    for a in list
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "Asset")
    {
        let id = text(child(a, "Id")).ok_or("an Asset without an Id")?;
        let size = match text(child(a, "Size")) {
            Some(s) => Some(s.parse().map_err(|_| format!("asset {id}: size '{s}'"))?),
            None => None,
        };
        out.push(Asset {
            id: uuid_key(id),
            size,
            hash: text(child(a, "Hash")).map(String::from),
            original_name: text(child(a, "OriginalFileName")).map(String::from),
        });
    }
    Ok(out)
}

/// Parses an ASSETMAP's text: asset id → path of its first chunk.
pub fn parse_assetmap(xml: &str) -> Result<HashMap<String, String>, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("malformed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "AssetMap" {
        return Err(format!(
            "not an AssetMap (root element is {})",
            root.tag_name().name()
        ));
    }
    let list = child(root, "AssetList").ok_or("no AssetList")?;
    let mut map = HashMap::new();
    for a in list
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "Asset")
    {
        let (Some(id), Some(path)) = (
            text(child(a, "Id")),
            text(
                child(a, "ChunkList")
                    .and_then(|l| child(l, "Chunk"))
                    .and_then(|c| child(c, "Path")),
            ),
        ) else {
            continue;
        };
        // Interop paths may start with `file:///` or `./`.
        let path = path.trim_start_matches("file:///").trim_start_matches("./");
        map.insert(uuid_key(id), path.to_string());
    }
    Ok(map)
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = crate::util::fsutil::read_head(path, 64 << 20)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes)
        .trim_start_matches('\u{feff}')
        .to_string())
}

/// Reads `pkl` and the ASSETMAP beside it.
pub fn read(pkl: &Path) -> Result<Manifest, String> {
    let dir = pkl.parent().unwrap_or(Path::new("/")).to_path_buf();
    let assets = parse_pkl(&read_text(pkl)?).map_err(|e| format!("{}: {e}", pkl.display()))?;
    let map_path = ["ASSETMAP.xml", "ASSETMAP"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("{}: no ASSETMAP beside it", pkl.display()))?;
    let map = parse_assetmap(&read_text(&map_path)?)
        .map_err(|e| format!("{}: {e}", map_path.display()))?;
    let mut entries = Vec::new();
    for a in assets {
        let rel = map.get(&a.id).cloned().or(a.original_name.clone());
        let path = match rel {
            Some(r)
                if Path::new(&r)
                    .components()
                    .all(|c| matches!(c, Component::Normal(_))) =>
            {
                dir.join(r)
            }
            Some(r) => {
                return Err(format!(
                    "{}: asset path '{r}' leaves the package",
                    map_path.display()
                ));
            }
            // Unmapped and unnamed: reported missing under its id.
            None => dir.join(format!("urn:uuid:{}", a.id)),
        };
        entries.push(Listed {
            path,
            size: a.size,
            mtime_s: None,
            hash: a.hash.map(|h| (Format::Sha1Base64, h)),
            failed: false,
        });
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Manifest {
        path: pkl.to_path_buf(),
        kind: "dcp-pkl",
        root: dir,
        generations: 1,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkl_and_assetmap() {
        let pkl = r#"<PackingList xmlns="http://www.smpte-ra.org/schemas/429-8/2007/PKL">
          <AssetList><Asset><Id>urn:uuid:AB-1</Id><Hash>qZk+NkcGgWq6PiVxeFDCbJzQ2J0=</Hash>
          <Size>3</Size><Type>application/mxf</Type></Asset></AssetList></PackingList>"#;
        let a = parse_pkl(pkl).unwrap();
        assert_eq!(a[0].id, "ab-1");
        assert_eq!(a[0].size, Some(3));
        let am = r#"<AssetMap><AssetList><Asset><Id>urn:uuid:ab-1</Id>
          <ChunkList><Chunk><Path>pic.mxf</Path></Chunk></ChunkList></Asset></AssetList></AssetMap>"#;
        assert_eq!(parse_assetmap(am).unwrap()["ab-1"], "pic.mxf");
        assert!(
            parse_pkl("<PackingList><AssetList>")
                .unwrap_err()
                .contains("malformed")
        );
        assert!(parse_pkl("<PackingList><AssetList><Asset><Size>x</Size><Id>a</Id></Asset></AssetList></PackingList>").is_err());
        assert!(parse_assetmap("<CompositionPlaylist/>").is_err());
    }
}
