//! One open folder, read with `readdir` and stat-ed relative to its own
//! descriptor.
//!
//! `std::fs::read_dir` opens the folder by its full path and gives each name
//! as a new `OsString`; the walk then opened the folder a second time for
//! `fstatat` and copied each name again into a `CString`. Here the folder is
//! opened once (with `O_NOATIME` where allowed: listing a folder must not
//! touch its access time either) and names are borrowed from libc's buffer.

use std::ffi::{CStr, CString, OsStr};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::NonNull;

/// An open folder being listed.
pub struct Dir {
    dir: NonNull<libc::DIR>,
}

// SAFETY: the DIR stream is owned by this value and used by one thread at a time.
unsafe impl Send for Dir {}

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
        // SAFETY: fd is an open folder; on success the stream owns it.
        let dir = unsafe { libc::fdopendir(fd) };
        match NonNull::new(dir) {
            Some(dir) => Ok(Dir { dir }),
            None => {
                let err = io::Error::last_os_error();
                // SAFETY: fdopendir failed, so fd is still ours to close.
                unsafe { libc::close(fd) };
                Err(err)
            }
        }
    }

    /// The next entry other than `.` and `..`; `None` at the end.
    #[allow(clippy::should_implement_trait)] // entries borrow the stream: not an Iterator
    pub fn next(&mut self) -> Option<io::Result<Entry<'_>>> {
        loop {
            // readdir signals errors only through errno, so clear it first.
            // SAFETY: errno is thread-local; the stream is open and ours.
            let ent = unsafe {
                *libc::__errno_location() = 0;
                libc::readdir64(self.dir.as_ptr())
            };
            if ent.is_null() {
                let err = io::Error::last_os_error();
                return (err.raw_os_error() != Some(0)).then_some(Err(err));
            }
            // SAFETY: a non-null entry is valid until the next readdir on this stream,
            // which needs `&mut self` while the returned borrow is alive.
            let (name, d_type) = unsafe {
                let ent = &*ent;
                (CStr::from_ptr(ent.d_name.as_ptr()), ent.d_type)
            };
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
                // SAFETY: the stream is open.
                dir_fd: unsafe { libc::dirfd(self.dir.as_ptr()) },
            }));
        }
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        // SAFETY: the stream is open and closed only here.
        unsafe { libc::closedir(self.dir.as_ptr()) };
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
}
