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

/// Opens `path` read-only, without atime and without blocking, like
/// [`open_readonly`] but **without** its regular-file check: for callers
/// that compare the handle's identity with the walk's before trusting what
/// they read (a replaced file has another inode), and that read with
/// `pread`, which a FIFO or a tape refuses. Looks the name up in the folder
/// the thread opened last when it is the same one: files read in walk order
/// share folders, and the kernel then resolves one name instead of every
/// component of a deep path (`openat(2)`). The folder handle is `O_PATH`:
/// it reads nothing and changes no time.
pub fn open_near_unchecked(path: &Path) -> io::Result<File> {
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::ffi::OsStrExt;
    thread_local! {
        static LAST: std::cell::RefCell<Option<(Vec<u8>, File)>> =
            const { std::cell::RefCell::new(None) };
    }
    // Byte-wise split: `Path::parent` parses every component, per file.
    let b = path.as_os_str().as_bytes();
    let (dir, name) = (super::pathbytes::parent(b), super::pathbytes::name(b));
    if !b.contains(&b'/') || name.is_empty() {
        return open_readonly(path);
    }
    let Ok(name) = std::ffi::CString::new(name) else {
        return open_readonly(path);
    };
    LAST.with_borrow_mut(|last| {
        if last.as_ref().is_none_or(|(d, _)| d != dir) {
            let handle = OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC)
                .open(std::ffi::OsStr::from_bytes(dir))?;
            *last = Some((dir.to_vec(), handle));
        }
        let at = last.as_ref().map_or(-1, |(_, h)| h.as_raw_fd());
        let open = |flags: i32| {
            // SAFETY: a valid folder handle and a NUL-terminated name.
            let fd = unsafe {
                libc::openat(
                    at,
                    name.as_ptr(),
                    libc::O_RDONLY | libc::O_NONBLOCK | libc::O_CLOEXEC | flags,
                )
            };
            match fd {
                -1 => Err(io::Error::last_os_error()),
                // SAFETY: openat returned a new descriptor we own.
                fd => Ok(unsafe { File::from_raw_fd(fd) }),
            }
        };
        match open(libc::O_NOATIME) {
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => open(0),
            other => other,
        }
    })
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

    #[test]
    fn opens_near_the_last_folder_and_follows_a_change_of_folder() {
        let dir = tempfile::tempdir().unwrap();
        for (sub, body) in [("a", "one"), ("b", "two")] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
            std::fs::write(dir.path().join(sub).join("f"), body).unwrap();
        }
        let read = |p: &Path| {
            let mut s = String::new();
            open_near_unchecked(p)
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            s
        };
        assert_eq!(read(&dir.path().join("a/f")), "one");
        assert_eq!(read(&dir.path().join("b/f")), "two");
        assert_eq!(read(&dir.path().join("a/f")), "one");
        assert!(open_near_unchecked(&dir.path().join("a/none")).is_err());
        let c = std::ffi::CString::new(dir.path().join("a/pipe").to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        // A FIFO opens without blocking, and refuses a positioned read.
        let pipe = open_near_unchecked(&dir.path().join("a/pipe")).unwrap();
        use std::os::unix::fs::FileExt;
        assert!(pipe.read_at(&mut [0; 4], 0).is_err());
        assert!(!pipe.metadata().unwrap().is_file());
    }
}
