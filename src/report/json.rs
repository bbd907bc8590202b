//! JSON renderer: exactly one document, pretty-printed, newline-terminated.
//!
//! The `media` array is most of a report (90% of the bytes on the 50k-file
//! bench volume), so an audit can render it ahead, on whichever core is idle
//! while the waste finder runs ([`MediaJson`]); the rest of the document is
//! then rendered around it. Both ways give the same bytes (tested).

use super::{MediaItem, Report};
use serde::Serialize;
use serde::ser::Serializer;
use serde_json::ser::Formatter;
use std::cell::Cell;
use std::io::{self, BufWriter, Write};

/// What this renderer asks the audit to prepare: the media array, rendered
/// on an idle core while the waste finder runs (most of a report's bytes).
pub const NEEDS: super::Needs = super::Needs {
    media_json: true,
    file_rows: false,
};

/// Writes `report` as one JSON document.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    match &report.media_json {
        Some(pre) if pre.items == report.media.len() => spliced(report, pre, out),
        _ => document(report, out),
    }
}

/// Writes any value as one pretty JSON document and a newline. serde_json
/// makes a write per token; through `dyn Write` each is a dynamic call, so a
/// buffer of our own takes them (measured: the 8,300-item report's render
/// 5.5 -> 2.8 ms).
pub fn document<T: Serialize + ?Sized>(value: &T, out: &mut dyn Write) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(64 << 10, out);
    serde_json::to_writer_pretty(&mut w, value)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// The report's `media` array, rendered as it will stand in the document.
#[derive(Clone)]
pub struct MediaJson {
    bytes: Vec<u8>,
    items: usize,
}

impl std::fmt::Debug for MediaJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "MediaJson({} items, {} bytes)",
            self.items,
            self.bytes.len()
        )
    }
}

impl MediaJson {
    /// Above this many items the array is rendered in line, as the document
    /// is written: a copy held in memory would cost about 370 bytes an item
    /// (24 MB here), more than the milliseconds it saves are worth.
    pub const MAX_ITEMS: usize = 1 << 16;

    /// Renders `media` exactly as `serde_json::to_writer_pretty` would inside
    /// the report: items at the third indentation level.
    pub fn render(media: &[MediaItem]) -> MediaJson {
        let mut bytes = Vec::with_capacity(media.len() * 384 + 8);
        if media.is_empty() {
            bytes.extend_from_slice(b"[]");
        } else {
            bytes.push(b'[');
            for (n, m) in media.iter().enumerate() {
                bytes.extend_from_slice(if n == 0 { b"\n    " } else { b",\n    " });
                let mut ser = serde_json::Serializer::with_formatter(&mut bytes, Indented::at(2));
                // Writing to a Vec fails only on a value serde_json rejects,
                // which a MediaItem never is (no maps with non-string keys).
                m.serialize(&mut ser).expect("a media item serialises");
            }
            bytes.extend_from_slice(b"\n  ]");
        }
        MediaJson {
            bytes,
            items: media.len(),
        }
    }
}

thread_local! {
    /// Set while [`spliced`] renders the rest of a report.
    static OMIT_MEDIA: Cell<bool> = const { Cell::new(false) };
}

/// `Report::media`'s serialiser: the items, or `[]` while [`spliced`] leaves
/// their place to the pre-rendered array.
pub(super) fn media_field<S: Serializer>(media: &[MediaItem], s: S) -> Result<S::Ok, S::Error> {
    if OMIT_MEDIA.get() {
        s.collect_seq(std::iter::empty::<&MediaItem>())
    } else {
        s.collect_seq(media)
    }
}

const MARK: &[u8] = b"\n  \"media\": []";

/// Renders `doc`, whose media field serialises through [`media_field`],
/// around the pre-rendered array.
fn spliced<T: Serialize>(doc: &T, pre: &MediaJson, out: &mut dyn Write) -> io::Result<()> {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            OMIT_MEDIA.set(false);
        }
    }
    let mut rest = Vec::with_capacity(64 << 10);
    {
        OMIT_MEDIA.set(true);
        let _reset = Reset;
        serde_json::to_writer_pretty(&mut rest, doc)?;
    }
    // A top-level key is the only thing at this indentation after a newline
    // (strings never hold a raw newline), so the mark is found once.
    let Some(at) = rest.windows(MARK.len()).position(|w| w == MARK) else {
        return document(doc, out);
    };
    let value = at + MARK.len() - 2;
    let mut w = BufWriter::with_capacity(64 << 10, out);
    w.write_all(&rest[..value])?;
    w.write_all(&pre.bytes)?;
    w.write_all(&rest[value + 2..])?;
    w.write_all(b"\n")?;
    w.flush()
}

/// serde_json's pretty layout (two spaces), starting `level` levels in.
struct Indented {
    level: usize,
    has_value: bool,
}

impl Indented {
    fn at(level: usize) -> Indented {
        Indented {
            level,
            has_value: false,
        }
    }

    fn newline<W: ?Sized + Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        w.write_all(if first { b"\n" } else { b",\n" })?;
        let mut n = self.level * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w, true)?;
        }
        w.write_all(bracket)
    }
}

impl Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Kind;
    use crate::probe::{AudioInfo, VideoInfo};
    use crate::report::{ProbeStatus, SequenceInfo};

    #[derive(Serialize)]
    struct Doc {
        before: Vec<u32>,
        #[serde(serialize_with = "media_field")]
        media: Vec<MediaItem>,
        after: Option<String>,
    }

    fn item(path: &str, full: bool) -> MediaItem {
        MediaItem {
            path: path.into(),
            kind: if full {
                Kind::Video
            } else {
                Kind::ImageSequence
            },
            bytes: 1 << 40,
            container: full.then(|| "mov,mp4".into()),
            duration_s: Some(1.0 / 3.0),
            bit_rate: None,
            bit_rate_estimated: full,
            video: full.then(|| VideoInfo {
                codec: "prores".into(),
                width: 3840,
                height: 2160,
                fps: Some(23.976),
                ..VideoInfo::default()
            }),
            audio: if full {
                vec![AudioInfo::default(), AudioInfo::default()]
            } else {
                Vec::new()
            },
            timecode: None,
            sequence: (!full).then(|| SequenceInfo {
                first: 1,
                last: 9,
                frames: 7,
                missing: vec![4, 5],
                missing_count: 2,
                fps_source: "assumed",
            }),
            segments: None,
            package: None,
            probe: ProbeStatus {
                source: "native",
                error: Some("bad \"box\"\n  \"media\": []".into()),
            },
        }
    }

    fn both(media: Vec<MediaItem>) -> (String, String) {
        let doc = Doc {
            before: vec![1, 2],
            media,
            after: Some("\u{2028}\\ end".into()),
        };
        let mut plain = Vec::new();
        document(&doc, &mut plain).unwrap();
        let mut cut = Vec::new();
        spliced(&doc, &MediaJson::render(&doc.media), &mut cut).unwrap();
        (
            String::from_utf8(plain).unwrap(),
            String::from_utf8(cut).unwrap(),
        )
    }

    #[test]
    fn the_pre_rendered_array_gives_the_same_document() {
        // Hostile names: a newline followed by the mark itself, quotes.
        let media = vec![
            item("/v/a\n  \"media\": [].mov", true),
            item("/v/seq.%04d.exr", false),
            item("/v/\"q\".mxf", true),
        ];
        let (plain, cut) = both(media);
        assert_eq!(plain, cut);
        assert!(plain.contains("\n      \"video\": {\n        \"codec\": \"prores\""));
        assert_eq!(plain.matches("\n  \"media\": [\n    {").count(), 1);
        assert!(!OMIT_MEDIA.get(), "the flag is reset");
        // The plain rendering still lists the items once the flag is reset.
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&cut).unwrap()["media"][1]["sequence"]["missing"]
                [1],
            5
        );
    }

    #[test]
    fn the_array_is_taken_from_the_pre_rendered_copy() {
        let doc = Doc {
            before: Vec::new(),
            media: vec![item("/a.mov", true)],
            after: None,
        };
        let other = MediaJson::render(&[item("/other.mov", true)]);
        let mut out = Vec::new();
        spliced(&doc, &other, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains("/other.mov") && !out.contains("/a.mov"),
            "{out}"
        );
    }

    #[test]
    fn empty_and_single_arrays_match_too() {
        let (plain, cut) = both(Vec::new());
        assert_eq!(plain, cut);
        assert!(plain.contains("\"media\": [],"));
        let (plain, cut) = both(vec![item("/x.mov", true)]);
        assert_eq!(plain, cut);
    }
}
