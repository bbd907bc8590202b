//! Turning paths into report strings.
//!
//! Names on real drives are not always UTF-8. The report writes each invalid
//! byte to be written as `\xNN` (uppercase hex), as fclones and GNU tools do,
//! so every name survives into JSON, CSV and HTML without loss or panic.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Renders `path` as a string, escaping each byte that is not valid UTF-8 as `\xNN`.
pub fn display(path: &Path) -> String {
    let bytes = path.as_os_str().as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// The file name of `path` as a lossless display string.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| display(Path::new(n)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn escapes_invalid_utf8_bytes_in_uppercase_hex() {
        let p = Path::new(OsStr::from_bytes(b"/r/caf\xe9_\xff.mov"));
        assert_eq!(display(p), "/r/caf\\xE9_\\xFF.mov");
    }

    #[test]
    fn keeps_valid_unicode() {
        assert_eq!(display(Path::new("/r/été/🎬.mov")), "/r/été/🎬.mov");
        assert_eq!(file_name(Path::new("/r/été/🎬.mov")), "🎬.mov");
    }
}
