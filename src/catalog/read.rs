//! Reads a manifest back, checking that it is one footprint can read: a
//! Parquet file (not truncated), of a schema version it knows, whose rows
//! belong to one scan.

use super::{META_SCAN, META_SCHEMA, Row, SCHEMA_VERSION};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use std::path::Path;

/// One scan's rows.
#[derive(Debug, Default)]
pub struct Manifest {
    /// The scan id of every row.
    pub scan_id: String,
    /// Rows in file order.
    pub rows: Vec<Row>,
}

/// Reads `path`; every error says which file and what is wrong with it.
pub fn read(path: &Path) -> Result<Manifest, String> {
    let at = |what: String| format!("{}: {what}", path.display());
    let file = std::fs::File::open(path).map_err(|e| at(format!("cannot open: {e}")))?;
    let reader = SerializedFileReader::new(file)
        .map_err(|e| at(format!("not a readable Parquet file ({e})")))?;
    let meta = reader.metadata().file_metadata();
    let kv = |key: &str| {
        meta.key_value_metadata()
            .and_then(|kv| kv.iter().find(|k| k.key == key))
            .and_then(|k| k.value.clone())
    };
    let version: u32 = kv(META_SCHEMA)
        .ok_or_else(|| {
            at(
                "a Parquet file, but not a footprint manifest (no footprint.manifest_schema)"
                    .into(),
            )
        })?
        .parse()
        .map_err(|_| at("unreadable footprint.manifest_schema".into()))?;
    if version > SCHEMA_VERSION {
        return Err(at(format!(
            "manifest schema {version} is newer than this footprint reads ({SCHEMA_VERSION}): upgrade footprint"
        )));
    }
    let scan_id = kv(META_SCAN).unwrap_or_default();
    let rows_iter = reader
        .get_row_iter(None)
        .map_err(|e| at(format!("cannot read rows ({e})")))?;
    let mut rows = Vec::with_capacity(usize::try_from(meta.num_rows()).unwrap_or(0));
    for r in rows_iter {
        let r = r.map_err(|e| at(format!("damaged row data ({e})")))?;
        let mut row = Row::default();
        for (name, field) in r.get_column_iter() {
            set(&mut row, name, field);
        }
        if row.scan_id != scan_id {
            return Err(at(format!(
                "mixed scan ids ({} and {}): one manifest holds one scan",
                scan_id, row.scan_id
            )));
        }
        rows.push(row);
    }
    Ok(Manifest { scan_id, rows })
}

/// Sets the field `name` of `row`; unknown columns (a later minor schema)
/// are ignored.
fn set(row: &mut Row, name: &str, field: &Field) {
    let text = || match field {
        Field::Str(s) => Some(s.clone()),
        _ => None,
    };
    let long = || match field {
        Field::Long(v) => Some(*v),
        Field::Int(v) => Some(i64::from(*v)),
        _ => None,
    };
    let double = || match field {
        Field::Double(v) => Some(*v),
        Field::Float(v) => Some(f64::from(*v)),
        _ => None,
    };
    let unsigned = || long().map(|v| v as u64);
    match name {
        "host" => row.host = text().unwrap_or_default(),
        "root" => row.root = text().unwrap_or_default(),
        "path" => row.path = text().unwrap_or_default(),
        "rel_path" => row.rel_path = text().unwrap_or_default(),
        "size" => row.size = unsigned().unwrap_or_default(),
        "mtime_ns" => row.mtime_ns = long().unwrap_or_default(),
        "device" => row.device = unsigned().unwrap_or_default(),
        "inode" => row.inode = unsigned().unwrap_or_default(),
        "nlink" => row.nlink = unsigned().unwrap_or_default(),
        "kind" => row.kind = text().unwrap_or_default(),
        "media_item" => row.media_item = text(),
        "codec" => row.codec = text(),
        "width" => row.width = long().and_then(|v| u32::try_from(v).ok()),
        "height" => row.height = long().and_then(|v| u32::try_from(v).ok()),
        "fps" => row.fps = double(),
        "duration_s" => row.duration_s = double(),
        "bit_rate" => row.bit_rate = unsigned(),
        "blake3" => row.blake3 = text(),
        "scan_id" => row.scan_id = text().unwrap_or_default(),
        "scan_time" => row.scan_time = text().unwrap_or_default(),
        "footprint_version" => row.footprint_version = text().unwrap_or_default(),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str, scan: &str) -> Row {
        Row {
            host: "edit-01".into(),
            root: "/mnt/a".into(),
            path: format!("/mnt/a/{path}"),
            rel_path: path.into(),
            size: 1234,
            mtime_ns: 1_700_000_000_000_000_000,
            device: u64::MAX - 1,
            inode: 42,
            nlink: 1,
            kind: "video".into(),
            codec: Some("prores".into()),
            width: Some(1920),
            height: Some(1080),
            fps: Some(24000.0 / 1001.0),
            duration_s: Some(2.5),
            blake3: Some("ab".repeat(32)),
            scan_id: scan.into(),
            scan_time: "2026-12-07T07:00:00Z".into(),
            footprint_version: "0.1.0".into(),
            ..Row::default()
        }
    }

    #[test]
    fn rows_round_trip_through_parquet() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("scan.parquet");
        let mut rows = vec![row("A001/C001.mov", "s1"), row("A001/C002.mov", "s1")];
        rows[1].codec = None;
        rows[1].fps = None;
        rows[1].blake3 = None;
        super::super::write::write(&p, &rows, "s1").unwrap();
        let m = read(&p).unwrap();
        assert_eq!(m.scan_id, "s1");
        assert_eq!(m.rows, rows);
    }

    #[test]
    fn bad_manifests_get_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("scan.parquet");
        super::super::write::write(&p, &[row("a.mov", "s1")], "s1").unwrap();
        // Truncated: the footer is gone.
        let bytes = std::fs::read(&p).unwrap();
        let cut = dir.path().join("cut.parquet");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        assert!(
            read(&cut)
                .unwrap_err()
                .contains("not a readable Parquet file")
        );
        // Rows of another scan than the file says.
        let mixed = dir.path().join("mixed.parquet");
        super::super::write::write(&mixed, &[row("a.mov", "s1"), row("b.mov", "s2")], "s1")
            .unwrap();
        assert!(read(&mixed).unwrap_err().contains("mixed scan ids"));
    }
}
