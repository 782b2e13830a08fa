//! The few operating-system calls std does not offer, as safe functions whose failures are
//! returned, not ignored: `syncfs`, `access(W_OK)`, `utimensat`, extended attributes and the
//! host name, through rustix. With std's `File::try_lock` (flock), `fchown` and `lchown` for
//! the rest, the crate needs no `unsafe` at all (`#![deny(unsafe_code)]` in lib.rs and
//! main.rs).
//!
//! It also holds the crate's one atomic file replacement, [`atomic_write`] (temp file beside
//! the target, owner and mode, the replaced file's SELinux label, fsync, rename, directory
//! fsync), used by the PKI transaction and every other writer of files.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Flushes the whole filesystem holding `f` (one call instead of an fsync per file).
pub(crate) fn syncfs(f: &File) -> io::Result<()> {
    rustix::fs::syncfs(f).map_err(io::Error::from)
}

/// `access(path, W_OK)`: whether this process may write into `path` (real uid, like the
/// shell's `test -w`), without writing anything.
pub(crate) fn check_writable(path: &Path) -> io::Result<()> {
    rustix::fs::access(path, rustix::fs::Access::WRITE_OK).map_err(io::Error::from)
}

/// Sets the access and modification times of `path` (following a symlink) to `sec.nsec`.
pub(crate) fn set_times(path: &Path, sec: i64, nsec: i64) -> io::Result<()> {
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

#[cfg(test)]
/// The real user and group ids.
pub(crate) fn ids() -> (u32, u32) {
    (
        rustix::process::getuid().as_raw(),
        rustix::process::getgid().as_raw(),
    )
}

/// The extended attribute holding a file's SELinux label.
pub(crate) const SELINUX_XATTR: &str = "security.selinux";

/// How [`atomic_write`] makes the new file.
#[derive(Debug, Clone, Copy)]
pub struct WriteOpts<'a> {
    /// Permission bits; `None`: 0600, as the temporary file is made.
    pub(crate) mode: Option<u32>,
    /// Owner and group; `None`: the writer's.
    pub(crate) owner: Option<(u32, u32)>,
    /// The extended attribute carried over from the file replaced: [`SELINUX_XATTR`] (so a
    /// replaced file keeps its label; a new file gets its directory's default, as with
    /// `cp`), a `user.` one in tests, `None` for none. Where the file system has no such
    /// attribute or does not support it, nothing is copied and the write goes on.
    pub(crate) keep_xattr: Option<&'a str>,
    /// Crash tests: the process aborts after the temporary file is complete and synced,
    /// before the rename (like `kill -9` at the worst moment).
    pub(crate) abort_before_rename: bool,
}

impl WriteOpts<'static> {
    /// `mode`, the writer's owner, the SELinux label kept.
    pub fn mode(mode: u32) -> WriteOpts<'static> {
        WriteOpts {
            mode: Some(mode),
            owner: None,
            keep_xattr: Some(SELINUX_XATTR),
            abort_before_rename: false,
        }
    }
}

/// A failed [`atomic_write`] step: which file, which step, and the system's error.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {op}: {source}")]
pub struct WriteError {
    pub(crate) path: PathBuf,
    pub(crate) op: &'static str,
    #[source]
    pub(crate) source: io::Error,
}

impl From<WriteError> for io::Error {
    fn from(e: WriteError) -> io::Error {
        io::Error::new(e.source.kind(), e)
    }
}

fn step<'a>(path: &'a Path, op: &'static str) -> impl FnOnce(io::Error) -> WriteError + 'a {
    move |source| WriteError {
        path: path.to_path_buf(),
        op,
        source,
    }
}

/// The temporary file [`atomic_write`] writes beside `path`: `.NAME.rhv-pki-PID.tmp`.
pub(crate) fn tmp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.rhv-pki-{}.tmp", std::process::id()))
}

/// Whether a file name is one of [`tmp_name`]'s (left behind by a killed run).
pub(crate) fn is_tmp_name(name: &str) -> bool {
    name.starts_with('.') && name.contains(".rhv-pki-") && name.ends_with(".tmp")
}

/// `fsync` of a directory, so a rename or removal in it is on disk.
pub fn fsync_dir(dir: &Path) -> Result<(), WriteError> {
    let d = File::open(dir).map_err(step(dir, "open directory"))?;
    d.sync_all().map_err(step(dir, "fsync directory"))
}

/// The value of extended attribute `name` of `path` (not following a symlink), `None` when
/// it has none or the file system does not support it.
pub(crate) fn xattr(path: &Path, name: &str) -> Option<Vec<u8>> {
    // The size first; a value that grew in between is asked for again.
    for _ in 0..3 {
        let n = rustix::fs::lgetxattr_query(path, name).ok()?;
        let mut buf = vec![0u8; n];
        match rustix::fs::lgetxattr(path, name, &mut buf[..]) {
            Ok(n) => {
                buf.truncate(n);
                return Some(buf);
            }
            Err(rustix::io::Errno::RANGE) => continue,
            Err(_) => return None,
        }
    }
    None
}

/// Sets extended attribute `name` on an open file. A file system (or an attribute
/// namespace) that does not support it is not an error: `Ok(false)`, nothing set.
pub(crate) fn set_xattr(f: &File, name: &str, value: &[u8]) -> io::Result<bool> {
    match rustix::fs::fsetxattr(f, name, value, rustix::fs::XattrFlags::empty()) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::NOTSUP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Replaces (or creates) `path` with `data` atomically: a temporary file beside it with the
/// owner, mode and kept extended attribute of `opts`, written and fsynced, renamed over
/// `path`, then the directory fsynced. Readers see the old file or the new one, never a
/// part; on failure the temporary file is removed and `path` is untouched.
pub fn atomic_write(path: &Path, data: &[u8], opts: &WriteOpts) -> Result<(), WriteError> {
    // The attribute of the file replaced (a regular file; a new one gets the directory's).
    let kept = match (opts.keep_xattr, fs::symlink_metadata(path)) {
        (Some(name), Ok(m)) if m.file_type().is_file() => xattr(path, name).map(|v| (name, v)),
        _ => None,
    };
    let tmp = tmp_name(path);
    let _ = fs::remove_file(&tmp);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(step(&tmp, "create temporary file"))?;
    let r = (|| {
        f.write_all(data).map_err(step(&tmp, "write"))?;
        if let Some((uid, gid)) = opts.owner {
            let cur = f.metadata().map_err(step(&tmp, "stat"))?;
            if cur.uid() != uid || cur.gid() != gid {
                std::os::unix::fs::fchown(&f, Some(uid), Some(gid)).map_err(step(&tmp, "chown"))?;
            }
        }
        if let Some(mode) = opts.mode {
            f.set_permissions(fs::Permissions::from_mode(mode))
                .map_err(step(&tmp, "chmod"))?;
        }
        if let Some((name, value)) = &kept {
            let op = if *name == SELINUX_XATTR {
                "set SELinux label"
            } else {
                "set extended attribute"
            };
            set_xattr(&f, name, value).map_err(step(&tmp, op))?;
        }
        f.sync_all().map_err(step(&tmp, "fsync"))?;
        if opts.abort_before_rename {
            std::process::abort();
        }
        fs::rename(&tmp, path).map_err(step(path, "rename"))
    })();
    if r.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    r?;
    fsync_dir(
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
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

    #[test]
    fn atomic_write_replaces_the_whole_file_with_its_mode_and_leaves_no_temp_file() {
        use std::os::unix::fs::MetadataExt;
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("f");
        atomic_write(&p, b"one", &WriteOpts::mode(0o640)).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"one");
        assert_eq!(fs::metadata(&p).unwrap().mode() & 0o7777, 0o640);
        let (uid, gid) = ids();
        let opts = WriteOpts {
            mode: None,
            owner: Some((uid, gid)),
            ..WriteOpts::mode(0)
        };
        atomic_write(&p, b"two", &opts).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let m = fs::metadata(&p).unwrap();
        // No mode asked for: the temporary file's 0600, not the replaced file's.
        assert_eq!((m.mode() & 0o7777, m.uid(), m.gid()), (0o600, uid, gid));
        let names: Vec<_> = fs::read_dir(t.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["f"]);
        assert!(is_tmp_name(
            tmp_name(&p).file_name().unwrap().to_str().unwrap()
        ));
    }

    #[test]
    fn a_failed_atomic_write_names_file_and_step_and_leaves_the_target() {
        let t = tempfile::tempdir().unwrap();
        let missing = t.path().join("no/such/f");
        let e = atomic_write(&missing, b"x", &WriteOpts::mode(0o644)).unwrap_err();
        assert_eq!(
            (e.op, e.path.clone()),
            ("create temporary file", tmp_name(&missing))
        );
        assert_eq!(e.source.kind(), io::ErrorKind::NotFound);
        // The rename fails (a non-empty directory is in the way): the temporary file goes.
        let d = t.path().join("d");
        fs::create_dir(&d).unwrap();
        fs::write(d.join("inside"), b"kept").unwrap();
        let e = atomic_write(&d, b"x", &WriteOpts::mode(0o644)).unwrap_err();
        assert_eq!((e.op, e.path.as_path()), ("rename", d.as_path()));
        assert!(
            e.to_string()
                .starts_with(&format!("{}: rename: ", d.display())),
            "{e}"
        );
        let names: Vec<_> = fs::read_dir(t.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["d"]);
        assert_eq!(fs::read(d.join("inside")).unwrap(), b"kept");
        let e = fsync_dir(&t.path().join("gone")).unwrap_err();
        assert_eq!(e.op, "open directory");
        fsync_dir(t.path()).unwrap();
    }

    /// The label is a parameter: a `user.` attribute (ext4, tmpfs) stands in for
    /// `security.selinux`, which needs SELinux or root to set.
    #[test]
    fn a_replaced_file_keeps_its_label_and_a_file_without_one_gets_none() {
        let t = tempfile::tempdir().unwrap();
        let label = b"system_u:object_r:cert_t:s0";
        let opts = WriteOpts {
            keep_xattr: Some("user.rhv-pki-test"),
            ..WriteOpts::mode(0o644)
        };
        let p = t.path().join("labelled");
        fs::write(&p, b"old").unwrap();
        rustix::fs::setxattr(
            &p,
            "user.rhv-pki-test",
            label,
            rustix::fs::XattrFlags::empty(),
        )
        .unwrap();
        atomic_write(&p, b"new", &opts).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert_eq!(xattr(&p, "user.rhv-pki-test").as_deref(), Some(&label[..]));
        // Absent stays absent, and a new file gets nothing (the directory's default).
        let q = t.path().join("plain");
        fs::write(&q, b"old").unwrap();
        atomic_write(&q, b"new", &opts).unwrap();
        assert_eq!(xattr(&q, "user.rhv-pki-test"), None);
        let n = t.path().join("new");
        atomic_write(&n, b"new", &opts).unwrap();
        assert_eq!(xattr(&n, "user.rhv-pki-test"), None);
        // Not asked to keep it: not copied.
        let off = WriteOpts {
            keep_xattr: None,
            ..opts
        };
        atomic_write(&p, b"newer", &off).unwrap();
        assert_eq!(xattr(&p, "user.rhv-pki-test"), None);
    }

    /// Linux answers an attribute namespace it does not know with EOPNOTSUPP, as a file
    /// system without extended attributes answers any: skipped, not an error.
    #[test]
    fn an_unsupported_attribute_is_skipped_and_the_write_goes_on() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("f");
        fs::write(&p, b"old").unwrap();
        let f = File::options().write(true).open(&p).unwrap();
        assert!(!set_xattr(&f, "rhvpkitest.label", b"x").unwrap());
        assert_eq!(xattr(&p, "rhvpkitest.label"), None);
        // A refusal that is not "unsupported" still fails.
        assert!(set_xattr(&f, "", b"x").is_err());
        let opts = WriteOpts {
            keep_xattr: Some("rhvpkitest.label"),
            ..WriteOpts::mode(0o644)
        };
        atomic_write(&p, b"new", &opts).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
    }
}
