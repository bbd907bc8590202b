//! One open folder, read with `getdents64` and stat-ed relative to its own
//! descriptor.
//!
//! `std::fs::read_dir` opens the folder by its full path and gives each name
//! as a new `OsString`; the walk then opened the folder a second time for
//! `fstatat` and copied each name again into a `CString`. Here the folder is
//! opened once (with `O_NOATIME` where allowed: listing a folder must not
//! touch its access time either) and names are borrowed from our own buffer.
//! `getdents64` rather than `fdopendir`/`readdir`: the stream costs an
//! `fstat` and two `fcntl` calls per folder that a listing does not need.

use std::ffi::{CStr, CString, OsStr};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The kernel's batch size: 32 KiB holds about 800 entries of a media folder.
const BUF: usize = 32 << 10;

/// An open folder being listed.
pub struct Dir {
    fd: libc::c_int,
    /// `linux_dirent64` records; `u64` words keep them 8-byte aligned.
    buf: Box<[u64]>,
    /// Read position and filled length, in bytes.
    pos: usize,
    len: usize,
}

/// What a folder entry is, as far as `d_type` tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryType {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// A symbolic link.
    Symlink,
    /// A FIFO, socket or device.
    Special,
    /// The file system does not say (`DT_UNKNOWN`): stat it.
    Unknown,
}

/// One entry of a folder; it borrows the folder until the next entry is read.
pub struct Entry<'a> {
    /// The name, without a NUL.
    pub name: &'a CStr,
    /// What `d_type` says it is.
    pub kind: EntryType,
    /// The folder's descriptor, open while this entry lives.
    dir_fd: libc::c_int,
}

impl Entry<'_> {
    /// The name as an `OsStr`.
    pub fn name_os(&self) -> &OsStr {
        OsStr::from_bytes(self.name.to_bytes())
    }

    /// `fstatat(folder, name, AT_SYMLINK_NOFOLLOW)`: relative to the open
    /// folder, so the kernel does not resolve the whole path again.
    pub fn lstat(&self) -> io::Result<libc::stat> {
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: the folder is open while `self` borrows it; the name is
        // NUL-terminated; the kernel fills `st` on success.
        let rc = unsafe {
            libc::fstatat(
                self.dir_fd,
                self.name.as_ptr(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fstatat returned 0.
        Ok(unsafe { st.assume_init() })
    }
}

impl Dir {
    /// Opens the folder at `path` for listing.
    pub fn open(path: &Path) -> io::Result<Dir> {
        let c = CString::new(path.as_os_str().as_bytes()).map_err(io::Error::other)?;
        let open = |extra: libc::c_int| {
            // SAFETY: NUL-terminated path; the flags open a folder read-only.
            unsafe {
                libc::open(
                    c.as_ptr(),
                    libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC | extra,
                )
            }
        };
        let mut fd = open(libc::O_NOATIME);
        if fd < 0 && io::Error::last_os_error().raw_os_error() == Some(libc::EPERM) {
            fd = open(0);
        }
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Dir {
            fd,
            buf: vec![0u64; BUF / 8].into_boxed_slice(),
            pos: 0,
            len: 0,
        })
    }

    /// The next entry other than `.` and `..`; `None` at the end.
    #[allow(clippy::should_implement_trait)] // entries borrow the buffer: not an Iterator
    pub fn next(&mut self) -> Option<io::Result<Entry<'_>>> {
        // Offsets in a linux_dirent64: d_ino u64, d_off i64, d_reclen u16,
        // d_type u8, then the NUL-terminated name.
        const RECLEN: usize = 16;
        const TYPE: usize = 18;
        const NAME: usize = 19;
        loop {
            if self.pos >= self.len {
                // SAFETY: the buffer is ours and BUF bytes long; the kernel
                // writes at most that many.
                let n = unsafe {
                    libc::syscall(
                        libc::SYS_getdents64,
                        self.fd,
                        self.buf.as_mut_ptr().cast::<u8>(),
                        BUF,
                    )
                };
                if n < 0 {
                    return Some(Err(io::Error::last_os_error()));
                }
                if n == 0 {
                    return None;
                }
                (self.pos, self.len) = (0, n as usize);
            }
            // SAFETY: the kernel filled `len` bytes of whole records; `pos`
            // is the start of one (each record's length leads to the next).
            let (reclen, d_type, name) = unsafe {
                let rec = self.buf.as_ptr().cast::<u8>().add(self.pos);
                (
                    rec.add(RECLEN).cast::<u16>().read_unaligned() as usize,
                    *rec.add(TYPE),
                    CStr::from_ptr(rec.add(NAME).cast()),
                )
            };
            if reclen == 0 {
                return Some(Err(io::Error::other("getdents64 returned an empty record")));
            }
            self.pos += reclen;
            let bytes = name.to_bytes();
            if bytes == b"." || bytes == b".." {
                continue;
            }
            let kind = match d_type {
                libc::DT_REG => EntryType::File,
                libc::DT_DIR => EntryType::Dir,
                libc::DT_LNK => EntryType::Symlink,
                libc::DT_UNKNOWN => EntryType::Unknown,
                _ => EntryType::Special,
            };
            return Some(Ok(Entry {
                name,
                kind,
                dir_fd: self.fd,
            }));
        }
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        // SAFETY: the descriptor is open and closed only here.
        unsafe { libc::close(self.fd) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_entry_with_its_type_and_stats_relative_to_the_folder() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("a.mov"), b"12345").unwrap();
        std::fs::create_dir(t.path().join("sub")).unwrap();
        std::os::unix::fs::symlink("a.mov", t.path().join("link")).unwrap();
        let name = OsStr::from_bytes(b"caf\xe9.wav");
        std::fs::write(t.path().join(name), b"").unwrap();
        let mut d = Dir::open(t.path()).unwrap();
        let mut seen = Vec::new();
        while let Some(e) = d.next() {
            let e = e.unwrap();
            let st = e.lstat().unwrap();
            let size = (e.kind == EntryType::File).then_some(st.st_size);
            let is_link = st.st_mode & libc::S_IFMT == libc::S_IFLNK;
            assert_eq!(
                is_link,
                e.kind == EntryType::Symlink,
                "lstat does not follow"
            );
            seen.push((e.name.to_bytes().to_vec(), e.kind, size));
        }
        seen.sort();
        assert_eq!(
            seen,
            vec![
                (b"a.mov".to_vec(), EntryType::File, Some(5)),
                (b"caf\xe9.wav".to_vec(), EntryType::File, Some(0)),
                (b"link".to_vec(), EntryType::Symlink, None),
                (b"sub".to_vec(), EntryType::Dir, None),
            ]
        );
        assert!(Dir::open(&t.path().join("a.mov")).is_err());
    }

    #[test]
    fn a_folder_larger_than_one_batch_is_listed_whole() {
        let t = tempfile::tempdir().unwrap();
        // About 100 bytes a record: 1,500 records need several 32 KiB reads.
        let names: Vec<String> = (0..1500)
            .map(|i| format!("{i:05}_{}.exr", "x".repeat(70)))
            .collect();
        for n in &names {
            std::fs::write(t.path().join(n), b"").unwrap();
        }
        let mut d = Dir::open(t.path()).unwrap();
        let mut seen = Vec::new();
        while let Some(e) = d.next() {
            seen.push(e.unwrap().name_os().to_str().unwrap().to_string());
        }
        seen.sort();
        assert_eq!(seen, names);
    }
}
