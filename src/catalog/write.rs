//! Writes a manifest: Parquet, zstd, row groups of [`ROW_GROUP`] rows,
//! written column by column with the low-level API (no Arrow in the build).

use super::{Head, META_HOST, META_ROOTS, META_SCAN, META_SCHEMA, META_TIME, Row, SCHEMA_VERSION};
use parquet::basic::{Compression, ZstdLevel};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// Rows per row group: a few MB each, so engines read in parallel and a
/// reader holds one group at a time.
pub const ROW_GROUP: usize = 65_536;

/// The schema, as Parquet's message syntax (docs/FLEET.md explains each
/// column). Unsigned numbers (device, inode) are stored as their 64 bits.
pub const SCHEMA: &str = "
message footprint_manifest {
  required binary host (STRING);
  required binary root (STRING);
  required binary path (STRING);
  required binary rel_path (STRING);
  required int64 size;
  required int64 mtime_ns;
  required int64 device;
  required int64 inode;
  required int64 nlink;
  required binary kind (STRING);
  optional binary media_item (STRING);
  optional binary codec (STRING);
  optional int32 width;
  optional int32 height;
  optional double fps;
  optional double duration_s;
  optional int64 bit_rate;
  optional binary blake3 (STRING);
  required binary scan_id (STRING);
  required binary scan_time (STRING);
  required binary footprint_version (STRING);
}";

/// A column's values for one row group, with definition levels for the
/// optional ones (1 present, 0 null).
enum Values {
    Bytes(Vec<ByteArray>, Option<Vec<i16>>),
    I64(Vec<i64>, Option<Vec<i16>>),
    I32(Vec<i32>, Option<Vec<i16>>),
    F64(Vec<f64>, Option<Vec<i16>>),
}

/// Text values; a value equal to the one before shares its bytes (the
/// host, root, kind and scan columns repeat row after row).
fn byte_arrays<'r>(values: impl Iterator<Item = &'r str>) -> Vec<ByteArray> {
    let mut out: Vec<ByteArray> = Vec::new();
    let mut last: Option<&str> = None;
    for v in values {
        match (last, out.last()) {
            (Some(l), Some(prev)) if l == v => {
                let prev = prev.clone();
                out.push(prev);
            }
            _ => out.push(ByteArray::from(v)),
        }
        last = Some(v);
    }
    out
}

fn text(rows: &[Row], f: impl Fn(&Row) -> &str) -> Values {
    Values::Bytes(byte_arrays(rows.iter().map(f)), None)
}

fn opt_text(rows: &[Row], f: impl Fn(&Row) -> Option<&str>) -> Values {
    let levels = rows.iter().map(|r| i16::from(f(r).is_some())).collect();
    Values::Bytes(byte_arrays(rows.iter().filter_map(f)), Some(levels))
}

fn int(rows: &[Row], f: impl Fn(&Row) -> i64) -> Values {
    Values::I64(rows.iter().map(f).collect(), None)
}

fn opt_int(rows: &[Row], f: impl Fn(&Row) -> Option<i64>) -> Values {
    let levels = rows.iter().map(|r| i16::from(f(r).is_some())).collect();
    Values::I64(rows.iter().filter_map(f).collect(), Some(levels))
}

fn opt_i32(rows: &[Row], f: impl Fn(&Row) -> Option<i32>) -> Values {
    let levels = rows.iter().map(|r| i16::from(f(r).is_some())).collect();
    Values::I32(rows.iter().filter_map(f).collect(), Some(levels))
}

fn opt_f64(rows: &[Row], f: impl Fn(&Row) -> Option<f64>) -> Values {
    let levels = rows.iter().map(|r| i16::from(f(r).is_some())).collect();
    Values::F64(rows.iter().filter_map(f).collect(), Some(levels))
}

/// Column `n` of the schema for these rows.
fn column(rows: &[Row], n: usize) -> Values {
    let u = |v: u64| v as i64;
    let dim = |v: Option<u32>| v.and_then(|v| i32::try_from(v).ok());
    match n {
        0 => text(rows, |r| &r.host),
        1 => text(rows, |r| &r.root),
        2 => text(rows, |r| &r.path),
        3 => text(rows, |r| &r.rel_path),
        4 => int(rows, |r| u(r.size)),
        5 => int(rows, |r| r.mtime_ns),
        6 => int(rows, |r| u(r.device)),
        7 => int(rows, |r| u(r.inode)),
        8 => int(rows, |r| u(r.nlink)),
        9 => text(rows, |r| &r.kind),
        10 => opt_text(rows, |r| r.media_item.as_deref()),
        11 => opt_text(rows, |r| r.codec.as_deref()),
        12 => opt_i32(rows, |r| dim(r.width)),
        13 => opt_i32(rows, |r| dim(r.height)),
        14 => opt_f64(rows, |r| r.fps),
        15 => opt_f64(rows, |r| r.duration_s),
        16 => opt_int(rows, |r| r.bit_rate.map(u)),
        17 => opt_text(rows, |r| r.blake3.as_deref()),
        18 => text(rows, |r| &r.scan_id),
        19 => text(rows, |r| &r.scan_time),
        _ => text(rows, |r| &r.footprint_version),
    }
}

/// Columns whose values are nearly all distinct: a dictionary would only
/// be built to be thrown away.
const UNIQUE: [&str; 5] = ["path", "rel_path", "mtime_ns", "inode", "blake3"];

/// Writes `rows` to `dest`.
pub fn write(dest: &Path, rows: &[Row], head: &Head) -> Result<(), String> {
    write_with(dest, rows.len(), head, |r| rows[r].to_vec())
}

/// Writes `rows` declaring schema `version`: what another footprint would
/// write, for the tests of readers' refusals.
#[doc(hidden)]
pub fn write_versioned(
    dest: &Path,
    rows: &[Row],
    head: &Head,
    version: &str,
) -> Result<(), String> {
    write_inner(dest, rows.len(), head, version, |r| rows[r].to_vec())
}

/// Writes `total` rows to `dest`, asking `produce` for them a row group at a
/// time; the next group is built while one is encoded. A temporary name
/// beside `dest` is renamed at the end: a reader never sees half a manifest.
pub fn write_with(
    dest: &Path,
    total: usize,
    head: &Head,
    produce: impl Fn(Range<usize>) -> Vec<Row> + Sync,
) -> Result<(), String> {
    write_inner(dest, total, head, &SCHEMA_VERSION.to_string(), produce)
}

fn write_inner(
    dest: &Path,
    total: usize,
    head: &Head,
    version: &str,
    produce: impl Fn(Range<usize>) -> Vec<Row> + Sync,
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", dest.display());
    let tmp = dest.with_file_name(format!(
        ".{}.part",
        dest.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("manifest")
    ));
    let result = (|| -> Result<(), String> {
        let file = std::fs::File::create(&tmp).map_err(|e| err(&e))?;
        let schema = Arc::new(parse_message_type(SCHEMA).map_err(|e| err(&e))?);
        let mut props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(
                ZstdLevel::try_new(1).map_err(|e| err(&e))?,
            ))
            .set_created_by(format!("footprint {}", env!("CARGO_PKG_VERSION")))
            .set_key_value_metadata(Some(vec![
                KeyValue::new(META_SCHEMA.into(), version.to_string()),
                KeyValue::new(META_SCAN.into(), head.scan_id.clone()),
                KeyValue::new(META_HOST.into(), head.host.clone()),
                KeyValue::new(META_TIME.into(), head.scan_time.clone()),
                KeyValue::new(
                    META_ROOTS.into(),
                    serde_json::to_string(&head.roots).unwrap_or_default(),
                ),
            ]));
        for c in UNIQUE {
            props = props.set_column_dictionary_enabled(ColumnPath::from(c), false);
        }
        // Min/max of long unique strings per page cost a comparison per row
        // and prune nothing: statistics of those stay per column chunk.
        for c in ["path", "rel_path", "media_item", "blake3"] {
            props =
                props.set_column_statistics_enabled(ColumnPath::from(c), EnabledStatistics::Chunk);
        }
        let mut writer = SerializedFileWriter::new(file, schema, Arc::new(props.build()))
            .map_err(|e| err(&e))?;
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Row>>(1);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                for start in (0..total).step_by(ROW_GROUP) {
                    if tx
                        .send(produce(start..total.min(start + ROW_GROUP)))
                        .is_err()
                    {
                        break; // the writer failed
                    }
                }
                drop(tx);
            });
            for chunk in rx {
                write_group(&mut writer, &chunk).map_err(|e| err(&e))?;
            }
            Ok::<(), String>(())
        })?;
        writer.close().map_err(|e| err(&e))?;
        std::fs::rename(&tmp, dest).map_err(|e| err(&e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// One row group, column by column.
fn write_group(
    writer: &mut SerializedFileWriter<std::fs::File>,
    chunk: &[Row],
) -> parquet::errors::Result<()> {
    let mut group = writer.next_row_group()?;
    let mut n = 0;
    while let Some(mut col) = group.next_column()? {
        match (col.untyped(), column(chunk, n)) {
            (ColumnWriter::ByteArrayColumnWriter(w), Values::Bytes(v, d)) => {
                w.write_batch(&v, d.as_deref(), None)?;
            }
            (ColumnWriter::Int64ColumnWriter(w), Values::I64(v, d)) => {
                w.write_batch(&v, d.as_deref(), None)?;
            }
            (ColumnWriter::Int32ColumnWriter(w), Values::I32(v, d)) => {
                w.write_batch(&v, d.as_deref(), None)?;
            }
            (ColumnWriter::DoubleColumnWriter(w), Values::F64(v, d)) => {
                w.write_batch(&v, d.as_deref(), None)?;
            }
            _ => unreachable!("column {n} of SCHEMA has the type column() gives it"),
        }
        col.close()?;
        n += 1;
    }
    group.close()?;
    Ok(())
}
