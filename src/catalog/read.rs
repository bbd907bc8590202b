//! Reads a manifest back, checking that it is one footprint can read: a
//! Parquet file (not truncated), of a schema version it knows, whose rows
//! belong to one scan.

use super::{Head, META_HOST, META_ROOTS, META_SCAN, META_SCHEMA, META_TIME, Row, SCHEMA_VERSION};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::DataType;
use parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One scan's rows.
#[derive(Debug, Default)]
pub struct Manifest {
    /// The scan.
    pub head: Head,
    /// Rows in file order.
    pub rows: Vec<Row>,
}

/// Reads all of `path`; every error says which file and what is wrong.
pub fn read(path: &Path) -> Result<Manifest, String> {
    collect(&open(path)?)
}

fn collect<R: ChunkReader + 'static>(reader: &Reader<R>) -> Result<Manifest, String> {
    let mut rows = Vec::with_capacity(usize::try_from(reader.rows()).unwrap_or(0));
    reader.for_each_group(|group| {
        rows.extend(group);
        Ok(())
    })?;
    Ok(Manifest {
        head: reader.head.clone(),
        rows,
    })
}

/// An open manifest, read a row group at a time: from a file, or from
/// bytes in memory ([`from_bytes`]).
pub struct Reader<R: ChunkReader + 'static = std::fs::File> {
    path: PathBuf,
    file: SerializedFileReader<R>,
    head: Head,
    /// For each column of the file, the field of [`Row`] it fills.
    columns: Vec<Option<Col>>,
}

/// Name of the threads that decode row groups: a panic there is caught
/// and reported as a damaged file ([`quiet_decoder_panics`]).
const DECODER: &str = "footprint-manifest-read";

/// Keeps the panic hook from printing the parquet crate's panics on damaged
/// input (they are caught and reported as "damaged row group"); every other
/// panic is printed as before. Called once by the binary.
pub fn quiet_decoder_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() != Some(DECODER) {
            previous(info);
        }
    }));
}

/// Columns a manifest must have: without them no question can be answered.
const REQUIRED: [&str; 8] = [
    "host", "root", "path", "size", "device", "inode", "kind", "scan_id",
];

/// Opens `path` and checks it is a manifest this build reads.
pub fn open(path: &Path) -> Result<Reader, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("{}: cannot open: {e}", path.display()))?;
    open_from(file, path)
}

/// Reads a whole manifest held in memory (`name` for the messages).
pub fn from_bytes(bytes: Vec<u8>, name: &Path) -> Result<Manifest, String> {
    collect(&open_from(bytes::Bytes::from(bytes), name)?)
}

fn open_from<R: ChunkReader + 'static>(data: R, path: &Path) -> Result<Reader<R>, String> {
    let at = |what: String| format!("{}: {what}", path.display());
    let file = SerializedFileReader::new(data)
        .map_err(|e| at(format!("not a readable Parquet file ({e})")))?;
    let meta = file.metadata().file_metadata();
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
    let columns: Vec<Option<Col>> = meta
        .schema_descr()
        .columns()
        .iter()
        .map(|c| Col::named(c.name()))
        .collect();
    for name in REQUIRED {
        if !columns.iter().flatten().any(|c| c.name() == name) {
            return Err(at(format!("not a footprint manifest: no column {name}")));
        }
    }
    Ok(Reader {
        head: Head {
            scan_id: kv(META_SCAN).unwrap_or_default(),
            host: kv(META_HOST).unwrap_or_default(),
            scan_time: kv(META_TIME).unwrap_or_default(),
            roots: kv(META_ROOTS)
                .and_then(|r| serde_json::from_str(&r).ok())
                .unwrap_or_default(),
        },
        path: path.to_path_buf(),
        file,
        columns,
    })
}

impl<R: ChunkReader + 'static> Reader<R> {
    /// The scan the file declares.
    pub fn head(&self) -> &Head {
        &self.head
    }

    /// The file read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rows in the file.
    pub fn rows(&self) -> u64 {
        u64::try_from(self.file.metadata().file_metadata().num_rows()).unwrap_or(0)
    }

    /// Calls `f` with the rows of each row group in turn.
    pub fn for_each_group(
        &self,
        f: impl FnMut(Vec<Row>) -> Result<(), String>,
    ) -> Result<(), String> {
        self.for_each_group_of(None, f)
    }

    /// Same, filling only the `only` columns (and `scan_id`, always
    /// checked): the others are not even decompressed.
    pub fn for_each_group_of(
        &self,
        only: Option<&[&str]>,
        mut f: impl FnMut(Vec<Row>) -> Result<(), String>,
    ) -> Result<(), String> {
        // The next group is decoded while `f` takes the current one.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Row>, String>>(1);
        std::thread::scope(|scope| {
            let decoder = std::thread::Builder::new()
                .name(DECODER.into())
                .spawn_scoped(scope, move || {
                    for g in 0..self.file.num_row_groups() {
                        let group = self.group(g, only);
                        let failed = group.is_err();
                        if tx.send(group).is_err() || failed {
                            break;
                        }
                    }
                });
            if let Err(e) = decoder {
                return Err(format!(
                    "{}: cannot start a reader thread ({e})",
                    self.path.display()
                ));
            }
            for group in rx {
                f(group?)?;
            }
            Ok(())
        })
    }

    /// Row group `g`, with the `only` columns filled. A damaged file is an
    /// error, never a crash: offsets are checked before the parquet crate
    /// sees them (it asserts on negative ones), and any panic left in its
    /// decoders is caught and reported as damage.
    fn group(&self, g: usize, only: Option<&[&str]>) -> Result<Vec<Row>, String> {
        let at = |what: String| format!("{}: {what}", self.path.display());
        let meta = self.file.metadata().row_group(g);
        for c in meta.columns() {
            let start = c.dictionary_page_offset().unwrap_or(c.data_page_offset());
            if start < 0 || c.compressed_size() < 0 || c.data_page_offset() < 0 {
                return Err(at(format!(
                    "damaged row group {g} (column {} has a negative offset or size)",
                    c.column_path()
                )));
            }
        }
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.decode(g, only)))
            .unwrap_or_else(|_| Err(at(format!("damaged row group {g} (undecodable)"))))
    }

    fn decode(&self, g: usize, only: Option<&[&str]>) -> Result<Vec<Row>, String> {
        let at = |what: String| format!("{}: {what}", self.path.display());
        let group = self
            .file
            .get_row_group(g)
            .map_err(|e| at(format!("damaged row group {g} ({e})")))?;
        let n = usize::try_from(group.metadata().num_rows()).unwrap_or(0);
        let mut rows = vec![Row::default(); n];
        for (i, col) in self.columns.iter().enumerate() {
            let Some(col) = col else { continue };
            let wanted = only.is_none_or(|o| o.contains(&col.name()) || *col == Col::ScanId);
            if !wanted {
                continue;
            }
            let reader = group
                .get_column_reader(i)
                .map_err(|e| at(format!("damaged column {} ({e})", col.name())))?;
            fill(reader, *col, &mut rows)
                .map_err(|e| at(format!("damaged column {} ({e})", col.name())))?;
        }
        // Rows of one scan share one string: compare text only on a change.
        let mut last: Option<&Arc<str>> = None;
        for r in &rows {
            if last.is_some_and(|l| Arc::ptr_eq(l, &r.scan_id)) {
                continue;
            }
            if *r.scan_id != *self.head.scan_id {
                return Err(at(format!(
                    "mixed scan ids ({} and {}): one manifest holds one scan",
                    self.head.scan_id, r.scan_id
                )));
            }
            last = Some(&r.scan_id);
        }
        Ok(rows)
    }
}

/// The fields of [`Row`], as columns.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Col {
    Host,
    Root,
    Path,
    RelPath,
    Size,
    Mtime,
    Device,
    Inode,
    Nlink,
    Kind,
    MediaItem,
    Codec,
    Width,
    Height,
    Fps,
    Duration,
    BitRate,
    Blake3,
    ScanId,
    ScanTime,
    Version,
}

impl Col {
    const ALL: [(Col, &'static str); 21] = [
        (Col::Host, "host"),
        (Col::Root, "root"),
        (Col::Path, "path"),
        (Col::RelPath, "rel_path"),
        (Col::Size, "size"),
        (Col::Mtime, "mtime_ns"),
        (Col::Device, "device"),
        (Col::Inode, "inode"),
        (Col::Nlink, "nlink"),
        (Col::Kind, "kind"),
        (Col::MediaItem, "media_item"),
        (Col::Codec, "codec"),
        (Col::Width, "width"),
        (Col::Height, "height"),
        (Col::Fps, "fps"),
        (Col::Duration, "duration_s"),
        (Col::BitRate, "bit_rate"),
        (Col::Blake3, "blake3"),
        (Col::ScanId, "scan_id"),
        (Col::ScanTime, "scan_time"),
        (Col::Version, "footprint_version"),
    ];

    /// Unknown columns (a later minor version) are skipped.
    fn named(name: &str) -> Option<Col> {
        Col::ALL.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)
    }

    fn name(self) -> &'static str {
        Col::ALL
            .iter()
            .find(|(c, _)| *c == self)
            .map_or("?", |(_, n)| n)
    }
}

/// Reads one column chunk into `rows`: nulls (definition level 0) leave
/// the field empty.
fn fill(reader: ColumnReader, col: Col, rows: &mut [Row]) -> Result<(), String> {
    let n = rows.len();
    match reader {
        ColumnReader::ByteArrayColumnReader(mut r) => {
            let (values, present) = drain(&mut r, n)?;
            let mut last: Option<Arc<str>> = None;
            let mut values = values.into_iter();
            for (row, here) in rows.iter_mut().zip(present) {
                if !here {
                    continue;
                }
                let v = values.next().ok_or("fewer values than rows")?;
                let text = std::str::from_utf8(v.data()).map_err(|_| "text that is not UTF-8")?;
                set_text(row, col, text, &mut last);
            }
        }
        ColumnReader::Int64ColumnReader(mut r) => {
            let (values, present) = drain(&mut r, n)?;
            set_numbers(rows, col, values.into_iter().map(Num::I), present)?;
        }
        ColumnReader::Int32ColumnReader(mut r) => {
            let (values, present) = drain(&mut r, n)?;
            set_numbers(
                rows,
                col,
                values.into_iter().map(|v| Num::I(i64::from(v))),
                present,
            )?;
        }
        ColumnReader::DoubleColumnReader(mut r) => {
            let (values, present) = drain(&mut r, n)?;
            set_numbers(rows, col, values.into_iter().map(Num::F), present)?;
        }
        _ => return Err("a column type no manifest has".into()),
    }
    Ok(())
}

/// All `n` records of a column chunk: the values, and which rows have one.
fn drain<T: DataType>(
    r: &mut ColumnReaderImpl<T>,
    n: usize,
) -> Result<(Vec<T::T>, Vec<bool>), String> {
    let mut values = Vec::with_capacity(n);
    let mut levels = Vec::with_capacity(n);
    let mut read = 0;
    while read < n {
        let (records, _, _) = r
            .read_records(n - read, Some(&mut levels), None, &mut values)
            .map_err(|e| e.to_string())?;
        if records == 0 {
            return Err(format!("{read} of {n} rows"));
        }
        read += records;
    }
    // A required column has no levels: every row has a value.
    let present = match levels.len() == n {
        true => levels.iter().map(|l| *l > 0).collect(),
        false => vec![true; n],
    };
    Ok((values, present))
}

fn set_text(row: &mut Row, col: Col, text: &str, last: &mut Option<Arc<str>>) {
    // Repeating columns share one allocation, as the writer's rows did.
    let mut shared = || match last {
        Some(l) if **l == *text => l.clone(),
        _ => {
            let a: Arc<str> = text.into();
            *last = Some(a.clone());
            a
        }
    };
    match col {
        Col::Host => row.host = shared(),
        Col::Root => row.root = shared(),
        Col::Kind => row.kind = shared(),
        Col::ScanId => row.scan_id = shared(),
        Col::ScanTime => row.scan_time = shared(),
        Col::Version => row.footprint_version = shared(),
        Col::Path => row.path = text.to_string(),
        Col::RelPath => row.rel_path = text.to_string(),
        Col::MediaItem => row.media_item = Some(text.to_string()),
        Col::Codec => row.codec = Some(text.to_string()),
        Col::Blake3 => row.blake3 = Some(text.to_string()),
        _ => {}
    }
}

#[derive(Clone, Copy)]
enum Num {
    I(i64),
    F(f64),
}

fn set_numbers(
    rows: &mut [Row],
    col: Col,
    mut values: impl Iterator<Item = Num>,
    present: Vec<bool>,
) -> Result<(), String> {
    for (row, here) in rows.iter_mut().zip(present) {
        if !here {
            continue;
        }
        let v = values.next().ok_or("fewer values than rows")?;
        // Unsigned fields were stored as their 64 bits.
        let (int, float) = match v {
            Num::I(i) => (Some(i), None),
            Num::F(f) => (None, Some(f)),
        };
        let unsigned = int.map(|i| i as u64);
        let dim = int.and_then(|i| u32::try_from(i).ok());
        match col {
            Col::Size => row.size = unsigned.unwrap_or_default(),
            Col::Mtime => row.mtime_ns = int.unwrap_or_default(),
            Col::Device => row.device = unsigned.unwrap_or_default(),
            Col::Inode => row.inode = unsigned.unwrap_or_default(),
            Col::Nlink => row.nlink = unsigned.unwrap_or_default(),
            Col::Width => row.width = dim,
            Col::Height => row.height = dim,
            Col::Fps => row.fps = float,
            Col::Duration => row.duration_s = float,
            Col::BitRate => row.bit_rate = unsigned,
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(scan: &str) -> Head {
        Head {
            scan_id: scan.into(),
            host: "edit-01".into(),
            scan_time: "2026-12-07T07:00:00Z".into(),
            roots: vec!["/mnt/a".into()],
        }
    }

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
        super::super::write::write(&p, &rows, &head("s1")).unwrap();
        let m = read(&p).unwrap();
        assert_eq!(m.head.scan_id, "s1");
        assert_eq!(m.rows, rows);
    }

    #[test]
    fn bad_manifests_get_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("scan.parquet");
        super::super::write::write(&p, &[row("a.mov", "s1")], &head("s1")).unwrap();
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
        super::super::write::write(
            &mixed,
            &[row("a.mov", "s1"), row("b.mov", "s2")],
            &head("s1"),
        )
        .unwrap();
        assert!(read(&mixed).unwrap_err().contains("mixed scan ids"));
    }
}
