//! Read-only file access that leaves no trace.
//!
//! Audits must not change what they scan, not even access times where that can
//! be avoided: files are opened with `O_NOATIME` (allowed for the owner and for
//! root; otherwise we fall back to a plain read-only open). `O_NONBLOCK` makes
//! sure that a regular file swapped for a FIFO between the walk and the read
//! can never block us, and the opened handle is checked to be a regular file.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

/// Opens `path` read-only without updating its atime when the OS allows it.
pub fn open_readonly(path: &Path) -> io::Result<File> {
    let open = |flags: i32| {
        OpenOptions::new()
            .read(true)
            .custom_flags(flags | libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(path)
    };
    let file = match open(libc::O_NOATIME) {
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => open(0)?,
        other => other?,
    };
    let md = file.metadata()?;
    if !md.is_file() {
        return Err(io::Error::other("not a regular file (changed during scan)"));
    }
    Ok(file)
}

/// Reads up to `n` bytes from the start of `path`.
pub fn read_head(path: &Path, n: usize) -> io::Result<Vec<u8>> {
    let file = open_readonly(path)?;
    let mut buf = Vec::with_capacity(n);
    file.take(n as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Size, mtime (ns) and (device, inode) of an open file: a file replaced by
/// another one under the same name has a new inode even with the same size.
pub fn identity(file: &File) -> io::Result<(u64, i64, crate::util::units::FileId)> {
    let md = file.metadata()?;
    Ok((
        md.size(),
        md.mtime() * 1_000_000_000 + md.mtime_nsec(),
        crate::util::units::FileId {
            dev: md.dev(),
            ino: md.ino(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_head_of_regular_file_and_refuses_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.bin");
        std::fs::write(&f, b"0123456789").unwrap();
        assert_eq!(read_head(&f, 4).unwrap(), b"0123");
        assert_eq!(read_head(&f, 100).unwrap().len(), 10);
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        // Opening must neither block nor succeed as a regular file.
        assert!(read_head(&fifo, 4).is_err());
    }
}
