//! The few operating-system calls std does not offer, as safe functions whose failures are
//! returned, not ignored: `syncfs`, `access(W_OK)`, `utimensat` and the host name, through
//! rustix. With std's `File::try_lock` (flock), `fchown` and `lchown` for the rest, the crate
//! needs no `unsafe` at all (`#![deny(unsafe_code)]` in lib.rs and main.rs).

use std::fs::File;
use std::io;
use std::path::Path;

/// Flushes the whole filesystem holding `f` (one call instead of an fsync per file).
pub fn syncfs(f: &File) -> io::Result<()> {
    rustix::fs::syncfs(f).map_err(io::Error::from)
}

/// `access(path, W_OK)`: whether this process may write into `path` (real uid, like the
/// shell's `test -w`), without writing anything.
pub fn check_writable(path: &Path) -> io::Result<()> {
    rustix::fs::access(path, rustix::fs::Access::WRITE_OK).map_err(io::Error::from)
}

/// Sets the access and modification times of `path` (following a symlink) to `sec.nsec`.
pub fn set_times(path: &Path, sec: i64, nsec: i64) -> io::Result<()> {
    let t = rustix::fs::Timespec {
        tv_sec: sec,
        tv_nsec: nsec as _,
    };
    let ts = rustix::fs::Timestamps {
        last_access: t,
        last_modification: t,
    };
    rustix::fs::utimensat(rustix::fs::CWD, path, &ts, rustix::fs::AtFlags::empty())
        .map_err(io::Error::from)
}

/// Bytes available to an unprivileged user on the filesystem holding `path` (statvfs).
pub fn free_bytes(path: &Path) -> io::Result<u64> {
    let st = rustix::fs::statvfs(path)?;
    Ok(st.f_bavail.saturating_mul(st.f_frsize))
}

/// This machine's host name (`gethostname`), if it has one.
pub fn hostname() -> Option<String> {
    let u = rustix::system::uname();
    let name = u.nodename().to_string_lossy().into_owned();
    (!name.is_empty()).then_some(name)
}

/// The effective user id (tests that need root to chown skip that part otherwise).
pub fn effective_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// The real user and group ids.
pub fn ids() -> (u32, u32) {
    (
        rustix::process::getuid().as_raw(),
        rustix::process::getgid().as_raw(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_returned_not_ignored() {
        let t = tempfile::tempdir().unwrap();
        let missing = t.path().join("missing");
        assert!(check_writable(&missing).is_err());
        assert!(set_times(&missing, 1, 0).is_err());
        let f = t.path().join("f");
        std::fs::write(&f, b"x").unwrap();
        check_writable(t.path()).unwrap();
        set_times(&f, 1_000_000_000, 5).unwrap();
        let m = std::fs::metadata(&f).unwrap();
        use std::os::unix::fs::MetadataExt;
        assert_eq!((m.mtime(), m.mtime_nsec()), (1_000_000_000, 5));
        syncfs(&File::open(t.path()).unwrap()).unwrap();
        assert!(hostname().is_some());
    }
}
