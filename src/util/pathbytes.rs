//! Path pieces read straight from the bytes.
//!
//! `Path::parent`, `file_name` and `==` parse the path into components every
//! time; over a 50k-file walk those calls were a third of the audit's CPU
//! under perf. Walked paths are absolute and normalised (no `.`/`..`, no
//! doubled or trailing `/`), so splitting on the last `/` gives the same
//! answer. Comparisons are byte-wise, as the walk's sort is.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The path's bytes.
pub fn bytes(p: &Path) -> &[u8] {
    p.as_os_str().as_bytes()
}

/// Everything before the last `/` (the parent folder); `/` for a top-level
/// entry, the whole input when it has no `/`.
pub fn parent(b: &[u8]) -> &[u8] {
    match memchr::memrchr(b'/', b) {
        Some(0) => &b[..1],
        Some(i) => &b[..i],
        None => b,
    }
}

/// Everything after the last `/` (the file or folder name).
pub fn name(b: &[u8]) -> &[u8] {
    &b[memchr::memrchr(b'/', b).map_or(0, |i| i + 1)..]
}

/// True if the file name of `b` is `n`, ignoring ASCII case: `name(b)`
/// compared, but read from the end, without searching for the last `/`.
pub fn name_is(b: &[u8], n: &[u8]) -> bool {
    let Some(at) = b.len().checked_sub(n.len()) else {
        return false;
    };
    (at == 0 || b[at - 1] == b'/') && b[at..].eq_ignore_ascii_case(n)
}

/// True if `b` is `dir` or lies below it (whole components, as `Path::starts_with`).
pub fn is_under(b: &[u8], dir: &[u8]) -> bool {
    b.starts_with(dir) && (b.len() == dir.len() || dir.ends_with(b"/") || b[dir.len()] == b'/')
}

/// The components of a folder path, outermost first, without empty ones.
pub fn components(b: &[u8]) -> impl DoubleEndedIterator<Item = &[u8]> {
    b.split(|&c| c == b'/').filter(|c| !c.is_empty())
}

/// True if the file name's extension is `ext` (lower case), ignoring case:
/// [`crate::classify::extension`] without building a `String` per file.
pub fn has_ext(p: &Path, ext: &str) -> bool {
    // From the end only: asked of every file by several stages, finding the
    // name first (the last `/`) was 5 % of a metadata audit's CPU.
    let (b, e) = (bytes(p), ext.as_bytes());
    let Some(dot) = b.len().checked_sub(e.len() + 1) else {
        return false;
    };
    // A name, not just `.ext`, must precede the dot (as `Path::extension`).
    dot > 0 && b[dot] == b'.' && b[dot - 1] != b'/' && b[dot + 1..].eq_ignore_ascii_case(e)
}

/// A lower-cased extension kept inline: classification asks for it several
/// times per file and a `String` each time showed in profiles.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Ext {
    buf: [u8; Ext::MAX],
    len: u8,
}

impl Ext {
    /// Longer extensions are not ones we know, so they are ignored.
    const MAX: usize = 15;

    /// The extension of a file name (after the last `.`, not a leading one),
    /// lower-cased; `None` if absent, too long or not ASCII (no extension we
    /// know is).
    pub fn of_name(name: &[u8]) -> Option<Ext> {
        let dot = name.iter().rposition(|&c| c == b'.')?;
        let e = &name[dot + 1..];
        if dot == 0 || e.len() > Self::MAX || !e.is_ascii() {
            return None;
        }
        let mut buf = [0; Self::MAX];
        for (d, s) in buf.iter_mut().zip(e) {
            *d = s.to_ascii_lowercase();
        }
        Some(Ext {
            buf,
            len: e.len() as u8,
        })
    }

    /// The lower-case bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len as usize]
    }

    /// An extension from its lower-case text (the lists of known ones).
    pub fn from_lower(e: &str) -> Option<Ext> {
        let mut name = Vec::with_capacity(e.len() + 2);
        name.extend_from_slice(b"x.");
        name.extend_from_slice(e.as_bytes());
        Ext::of_name(&name)
    }

    /// The whole extension packed in one integer: an exact, cheap map key.
    fn key(&self) -> u128 {
        let mut b = [0; 16];
        b[..Self::MAX].copy_from_slice(&self.buf);
        b[Self::MAX] = self.len;
        u128::from_le_bytes(b)
    }

    /// True if it is `e` (lower case).
    pub fn is(&self, e: &str) -> bool {
        self.as_bytes() == e.as_bytes()
    }

    /// True if it is one of `list` (lower-case entries).
    pub fn is_in(&self, list: &[&str]) -> bool {
        list.iter().any(|e| self.is(e))
    }
}

/// A map from extensions, hashed with one multiply: SipHash over the
/// extension of every walked file showed in profiles.
pub struct ExtMap<V>(crate::util::fasthash::FastMap<u128, V>);

impl<V> ExtMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        ExtMap(Default::default())
    }

    /// Maps `ext` (lower case) to `v` unless it is mapped already: with lists
    /// inserted in order, the earliest wins.
    pub fn insert_first(&mut self, ext: &str, v: V) {
        if let Some(e) = Ext::from_lower(ext) {
            self.0.entry(e.key()).or_insert(v);
        }
    }

    /// The value for `ext`.
    pub fn get(&self, ext: &Ext) -> Option<&V> {
        self.0.get(&ext.key())
    }
}

impl ExtMap<()> {
    /// The set of extensions in `list` (lower case).
    pub fn set_of(list: &[&str]) -> Self {
        let mut set = ExtMap::new();
        for e in list {
            set.insert_first(e, ());
        }
        set
    }

    /// True if `ext` is in the set.
    pub fn contains(&self, ext: &Ext) -> bool {
        self.get(ext).is_some()
    }
}

impl<V> Default for ExtMap<V> {
    fn default() -> Self {
        Self::new()
    }
}

/// Remembers a per-folder answer while files of the same folder follow each
/// other (the walk's sort keeps most siblings together), so folder-level
/// rules run once per folder rather than once per file.
pub struct PerFolder<'a, T> {
    last: Option<(&'a [u8], T)>,
}

impl<'a, T: Clone> PerFolder<'a, T> {
    /// Nothing remembered yet.
    pub fn new() -> Self {
        PerFolder { last: None }
    }

    /// The answer for `folder`, computed by `f` unless it is the last folder asked.
    pub fn get(&mut self, folder: &'a [u8], f: impl FnOnce() -> T) -> T {
        match &self.last {
            Some((d, v)) if *d == folder => v.clone(),
            _ => {
                let v = f();
                self.last = Some((folder, v.clone()));
                v
            }
        }
    }
}

impl<T: Clone> Default for PerFolder<'_, T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_ext_agrees_with_the_string_extension() {
        for p in [
            "/a/b.xml",
            "/a/b.XML",
            "/a/.xml",
            "/a/..xml",
            "/a/b.xmll",
            "/a/bxml",
            "/a/b.mhl",
            "/xml",
            "/a/b.tar.xml",
        ] {
            let path = Path::new(p);
            for ext in ["xml", "mhl"] {
                assert_eq!(
                    has_ext(path, ext),
                    crate::classify::extension(path).as_deref() == Some(ext),
                    "{p} {ext}"
                );
            }
        }
    }

    #[test]
    fn name_is_agrees_with_name() {
        for p in [
            "/d/ASSETMAP",
            "/d/assetmap",
            "/d/XASSETMAP",
            "ASSETMAP",
            "/ASSETMAP",
            "/d/ASSETMAP/x",
            "MAP",
        ] {
            let b = p.as_bytes();
            assert_eq!(
                name_is(b, b"ASSETMAP"),
                name(b).eq_ignore_ascii_case(b"ASSETMAP"),
                "{p}"
            );
        }
    }

    #[test]
    fn pieces_match_std_on_walked_paths() {
        for p in [
            "/a/b/c.mov",
            "/a",
            "/x/.hidden",
            "/x/y.tar.gz",
            "/r/My Clip.MOV",
        ] {
            let path = Path::new(p);
            assert_eq!(parent(bytes(path)), bytes(path.parent().unwrap()), "{p}");
            assert_eq!(name(bytes(path)), path.file_name().unwrap().as_bytes());
            assert_eq!(
                Ext::of_name(name(bytes(path)))
                    .map(|e| String::from_utf8(e.as_bytes().to_vec()).unwrap()),
                crate::classify::extension(path),
                "{p}"
            );
        }
        assert_eq!(
            components(b"/a//b/c").collect::<Vec<_>>(),
            [&b"a"[..], b"b", b"c"]
        );
        assert!(Ext::of_name(b"x.ThisIsFarTooLongAnExt").is_none());
        assert!(is_under(b"/a/b/c", b"/a/b") && is_under(b"/a/b", b"/a/b"));
        assert!(is_under(b"/a", b"/") && !is_under(b"/a/bc", b"/a/b"));
    }

    #[test]
    fn per_folder_recomputes_only_on_change() {
        let mut calls = 0;
        let mut memo = PerFolder::new();
        for d in [&b"/a"[..], b"/a", b"/b", b"/b", b"/a"] {
            memo.get(d, || {
                calls += 1;
                d.len()
            });
        }
        assert_eq!(calls, 3);
    }
}
