//! The hash formats of ASC MHL v2 and DCP packing lists, streamed over a file
//! with the same read-only, no-atime reads as the duplicate finder.

use sha1::Digest;
use std::io::Read;
use std::path::Path;

/// A hash format named by a manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// xxHash 64, 16 hex digits.
    Xxh64,
    /// XXH3 64-bit, 16 hex digits.
    Xxh3,
    /// XXH3 128-bit, 32 hex digits.
    Xxh128,
    /// MD5, hex.
    Md5,
    /// SHA-1, hex (MHL) or base64 (PKL, see [`Format::Sha1Base64`]).
    Sha1,
    /// SHA-1 in base64: DCP packing lists (SMPTE ST 429-8).
    Sha1Base64,
    /// SHA-256, hex.
    Sha256,
    /// C4 ID (SMPTE ST 2114): SHA-512 in base58, `c4` prefix, 90 characters.
    C4,
}

impl Format {
    /// The MHL element name (`xxh64`…); `None` for an unknown one.
    pub fn from_mhl(name: &str) -> Option<Format> {
        Some(match name {
            "xxh64" => Format::Xxh64,
            "xxh3" => Format::Xxh3,
            "xxh128" => Format::Xxh128,
            "md5" => Format::Md5,
            "sha1" => Format::Sha1,
            "sha256" => Format::Sha256,
            "c4" => Format::C4,
            _ => return None,
        })
    }

    /// The name shown in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Xxh64 => "xxh64",
            Format::Xxh3 => "xxh3",
            Format::Xxh128 => "xxh128",
            Format::Md5 => "md5",
            Format::Sha1 | Format::Sha1Base64 => "sha1",
            Format::Sha256 => "sha256",
            Format::C4 => "c4",
        }
    }

    /// True if `a` and `b` are the same value in this format's notation.
    pub fn same(self, a: &str, b: &str) -> bool {
        match self {
            // base58 and base64 are case-sensitive.
            Format::C4 | Format::Sha1Base64 => a.trim() == b.trim(),
            _ => a.trim().eq_ignore_ascii_case(b.trim()),
        }
    }
}

enum State {
    Xxh64(xxhash_rust::xxh64::Xxh64),
    Xxh3(Box<xxhash_rust::xxh3::Xxh3>),
    Xxh128(Box<xxhash_rust::xxh3::Xxh3>),
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes `path` in `format`, as the manifest writes it.
pub fn file(path: &Path, format: Format) -> std::io::Result<String> {
    let mut f = crate::util::fsutil::open_readonly(path)?;
    let mut state = match format {
        Format::Xxh64 => State::Xxh64(xxhash_rust::xxh64::Xxh64::new(0)),
        Format::Xxh3 => State::Xxh3(Box::default()),
        Format::Xxh128 => State::Xxh128(Box::default()),
        Format::Md5 => State::Md5(md5::Md5::new()),
        Format::Sha1 | Format::Sha1Base64 => State::Sha1(sha1::Sha1::new()),
        Format::Sha256 => State::Sha256(sha2::Sha256::new()),
        Format::C4 => State::Sha512(sha2::Sha512::new()),
    };
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        if crate::util::cancel::is_cancelled() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "interrupted",
            ));
        }
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buf[..n];
        match &mut state {
            State::Xxh64(h) => h.update(chunk),
            State::Xxh3(h) | State::Xxh128(h) => h.update(chunk),
            State::Md5(h) => h.update(chunk),
            State::Sha1(h) => h.update(chunk),
            State::Sha256(h) => h.update(chunk),
            State::Sha512(h) => h.update(chunk),
        }
    }
    Ok(match state {
        State::Xxh64(h) => format!("{:016x}", h.digest()),
        State::Xxh3(h) => format!("{:016x}", h.digest()),
        State::Xxh128(h) => format!("{:032x}", h.digest128()),
        State::Md5(h) => hex(&h.finalize()),
        State::Sha1(h) => {
            let d = h.finalize();
            if format == Format::Sha1Base64 {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.encode(d)
            } else {
                hex(&d)
            }
        }
        State::Sha256(h) => hex(&h.finalize()),
        State::Sha512(h) => c4_id(&h.finalize()),
    })
}

/// A C4 ID from a SHA-512 digest: base58 (Bitcoin alphabet), left-padded
/// with `1` to 88 characters, after `c4`.
fn c4_id(digest: &[u8]) -> String {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut num = digest.to_vec();
    let mut out = Vec::with_capacity(88);
    while num.iter().any(|&b| b != 0) {
        let mut rem = 0u32;
        for b in num.iter_mut() {
            let acc = (rem << 8) | u32::from(*b);
            *b = (acc / 58) as u8;
            rem = acc % 58;
        }
        out.push(ALPHABET[rem as usize]);
    }
    while out.len() < 88 {
        out.push(b'1');
    }
    out.reverse();
    format!("c4{}", String::from_utf8(out).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(content: &[u8], format: Format) -> String {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, content).unwrap();
        file(&p, format).unwrap()
    }

    #[test]
    fn known_vectors() {
        // Reference values of each algorithm for "abc" / "".
        assert_eq!(of(b"abc", Format::Md5), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            of(b"abc", Format::Sha1),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            of(b"abc", Format::Sha1Base64),
            "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="
        );
        assert_eq!(
            of(b"abc", Format::Sha256),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(of(b"", Format::Xxh64), "ef46db3751d8e999");
        assert_eq!(of(b"", Format::Xxh3), "2d06800538d394c2");
        assert_eq!(of(b"", Format::Xxh128), "99aa06d3014798d86001c324468d497f");
        // C4 ID of the empty string (SMPTE ST 2114 reference).
        assert_eq!(
            of(b"", Format::C4),
            "c459dsjfscH38cYeXXYogktxf4Cd9ibshE3BHUo6a58hBXmRQdZrAkZzsWcbWtDg5oQstpDuni4Hirj75GEmTc1sFT"
        );
    }
}
