//! The only module that writes PKI files: locks, backups with a manifest, a write-ahead
//! journal, atomic replacement that keeps modes and owners, and rollback.
//!
//! A change runs inside one `Txn`:
//! 1. take the locks oVirt's own enrollment scripts take (flock on `ca.pem` / `qemu-ca.pem`,
//!    and the 4.2–4.4 lock directory when asked), waiting at most a timeout;
//! 2. copy the whole PKI dir and `engine.conf.d` into `<backup-root>/<ID>/` with a
//!    `manifest.json` (path, kind, sha256, mode, owner, link target);
//! 3. before every write, append what is about to happen to `<ID>/journal` and fsync it;
//!    writes are temp file + fsync + rename + directory fsync;
//! 4. `commit` marks the journal done; `rollback` undoes the journal in reverse.
//!
//! A run killed at any point leaves a journal without an end mark; the next change command
//! (or `rhv-pki rollback`) finds it and restores the directory from the backup before
//! doing anything else.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::ops::ControlFlow;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::exec::{poll_until, Clock, Every, Polled, SYSTEM};
use crate::sys::{self, WriteOpts};

/// Everything that can go wrong while changing files.
#[derive(Debug, thiserror::Error)]
pub enum TxnError {
    #[error("{path}: {op}: {source}")]
    /// A file system operation failed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operation (`rename`, `fsync`, `read directory`…).
        op: IoOp,
        #[source]
        /// The I/O error.
        source: std::io::Error,
    },
    #[error("{path}: still locked by another process after {waited_secs} s (an engine host enrollment or another rhv-pki run); nothing was changed")]
    /// Another process held the PKI lock for longer than the configured timeout.
    LockTimeout {
        /// The lock file.
        path: PathBuf,
        /// Seconds waited.
        waited_secs: u64,
    },
    #[error("{path}: path escapes the PKI directory")]
    /// A path given resolves outside the tree it belongs to.
    Escapes {
        /// The path given.
        path: PathBuf,
    },
    #[error("engine.conf.d: no engine.conf.d configured")]
    /// A file of engine.conf.d was to be written but no engine.conf.d is configured.
    NoConfDir,
    #[error("{path}: is a directory")]
    /// A file to write is a directory.
    IsDirectory {
        /// The path.
        path: PathBuf,
    },
    #[error("{path}: new file without mode/owner")]
    /// A new file was to be created without its mode and owner.
    NoMeta {
        /// The path.
        path: PathBuf,
    },
    #[error("{path}: {source}")]
    /// The backup manifest cannot be written.
    ManifestWrite {
        /// The manifest file.
        path: PathBuf,
        #[source]
        /// The JSON error.
        source: serde_json::Error,
    },
    #[error("{path}: not a valid backup manifest: {source}")]
    /// The backup manifest cannot be read.
    BadManifest {
        /// The manifest file.
        path: PathBuf,
        #[source]
        /// The JSON error.
        source: serde_json::Error,
    },
    #[error("{path}: backup copy does not match its manifest checksum")]
    /// A backup copy no longer has the checksum recorded when it was taken.
    Checksum {
        /// The backup copy.
        path: PathBuf,
    },
    #[error("{backup}: backup is of {backup_of}, not of {}", .pki_dir.display())]
    /// The backup was taken of another PKI directory.
    OtherPki {
        /// The backup directory.
        backup: PathBuf,
        /// The PKI directory the manifest names.
        backup_of: String,
        /// The PKI directory given.
        pki_dir: PathBuf,
    },
    #[error("injected fault at write step {step}")]
    /// Test builds only: the fault injected at this write step (feature `fault-injection`).
    Injected {
        /// The 1-based write step.
        step: usize,
    },
    #[error("backup {id} not found under {root}")]
    /// No backup with that id.
    NoSuchBackup {
        /// The id asked for.
        id: String,
        /// The backup root searched.
        root: PathBuf,
    },
    /// A symbolic link rhv-pki will not write through (see `resolve_write`).
    #[error("{path}: a symbolic link to {target}, which {why}; rhv-pki only writes through links that stay inside {root} (replace the link by the file, or point it inside)")]
    Link {
        /// The link.
        path: PathBuf,
        /// Where it points.
        target: String,
        /// Why it is refused (`leaves the PKI directory`, `is dangling`…).
        why: &'static str,
        /// The tree links must stay inside.
        root: PathBuf,
    },
    /// The post-write check: what is on disk is not what was written.
    #[error("{path}: after writing: {found}")]
    Verify {
        /// The file.
        path: PathBuf,
        /// How it differs from what was written.
        found: Mismatch,
    },
}

impl TxnError {
    /// The error as a catalogue message: rhv-pki's words in the reader's language, the
    /// system's and the paths as they came. Its English is the `Display`, byte for byte.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        let t = Text::new;
        match self {
            TxnError::Io { path, op, source } => t("txn-io")
                .arg("path", path.display())
                .arg_text("op", op.text())
                .arg_text("error", crate::i18n::io_error(source)),
            TxnError::LockTimeout { path, waited_secs } => t("txn-lock-timeout")
                .arg("path", path.display())
                .arg("secs", waited_secs),
            TxnError::Escapes { path } => t("txn-escapes").arg("path", path.display()),
            TxnError::IsDirectory { path } => t("txn-is-directory").arg("path", path.display()),
            TxnError::BadManifest { path, source } => t("txn-bad-manifest")
                .arg("path", path.display())
                .arg("error", source),
            TxnError::Checksum { path } => t("txn-checksum").arg("path", path.display()),
            TxnError::OtherPki {
                backup,
                backup_of,
                pki_dir,
            } => t("txn-other-pki")
                .arg("backup", backup.display())
                .arg("of", backup_of)
                .arg("dir", pki_dir.display()),
            TxnError::NoSuchBackup { id, root } => t("txn-no-such-backup")
                .arg("id", id)
                .arg("root", root.display()),
            TxnError::Link {
                path,
                target,
                why,
                root,
            } => {
                let why = match *why {
                    "loops (a chain of links that never ends)" => t("txn-link-loops"),
                    "does not exist (a dangling link)" => t("txn-link-dangling"),
                    "leaves the PKI directory" => t("txn-link-leaves"),
                    "is not a regular file" => t("txn-link-not-file"),
                    other => crate::i18n::Text::verbatim(other),
                };
                t("txn-link")
                    .arg("path", path.display())
                    .arg("target", target)
                    .arg_text("why", why)
                    .arg("root", root.display())
            }
            TxnError::NoConfDir => t("txn-no-conf-dir"),
            TxnError::NoMeta { path } => t("txn-no-meta").arg("path", path.display()),
            TxnError::ManifestWrite { path, source } => t("txn-manifest-write")
                .arg("path", path.display())
                .arg("error", source),
            TxnError::Injected { step } => t("txn-injected").arg("step", step),
            TxnError::Verify { path, found } => t("txn-verify")
                .arg("path", path.display())
                .arg_text("found", found.text()),
        }
    }
}

impl Mismatch {
    /// What the post-write check found, as a catalogue message; English: the `Display`.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        let t = Text::new;
        match self {
            Mismatch::NotRegular => t("mismatch-not-regular"),
            Mismatch::Content => t("mismatch-content"),
            Mismatch::Mode { found, expected } => t("mismatch-mode")
                .arg("found", format!("{found:04o}"))
                .arg("expected", format!("{expected:04o}")),
            Mismatch::Owner { found, expected } => t("mismatch-owner")
                .arg("found", format!("{}:{}", found.0, found.1))
                .arg("expected", format!("{}:{}", expected.0, expected.1)),
            Mismatch::Link { target } => t("mismatch-link").arg("target", target.display()),
            Mismatch::Wider { mode, was } => t("mismatch-wider")
                .arg("mode", format!("{mode:04o}"))
                .arg("was", format!("{was:04o}")),
        }
    }
}

/// What the post-write check found instead of what was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    #[error("not a regular file")]
    /// The path is no longer a regular file.
    NotRegular,
    #[error("content differs from what was written")]
    /// The content read back differs.
    Content,
    #[error("mode {found:04o} instead of {expected:04o}")]
    /// The mode differs.
    Mode {
        /// The mode found.
        found: u32,
        /// The mode written.
        expected: u32,
    },
    #[error("owner {}:{} instead of {}:{}", .found.0, .found.1, .expected.0, .expected.1)]
    /// The owner differs.
    Owner {
        /// `(uid, gid)` found.
        found: (u32, u32),
        /// `(uid, gid)` written.
        expected: (u32, u32),
    },
    #[error("no longer the symbolic link to {}", .target.display())]
    /// A symbolic link that was written through is no longer that link.
    Link {
        /// Where the link pointed.
        target: PathBuf,
    },
    #[error("mode {mode:04o} is wider than the {was:04o} of the file it replaced")]
    /// The new file's mode grants more than the file it replaced did.
    Wider {
        /// The new file's mode.
        mode: u32,
        /// The mode of the file it replaced.
        was: u32,
    },
}

/// A file system operation named in [`TxnError::Io`]: its English label (the `Display`, as
/// the change trail and logs have always had it) and its catalogue message.
macro_rules! io_ops {
    ($($v:ident => $label:literal, $key:literal;)*) => {
        /// The operation that failed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum IoOp {
            $(
                #[doc = $label]
                $v,
            )*
            /// An operation of a lower layer this list does not name (shown as it came).
            Other(&'static str),
        }

        impl IoOp {
            /// Every named operation (tests).
            #[cfg(test)]
            pub(crate) const ALL: &'static [IoOp] = &[$(IoOp::$v,)*];

            /// The English label.
            pub fn label(self) -> &'static str {
                match self {
                    $(IoOp::$v => $label,)*
                    IoOp::Other(s) => s,
                }
            }

            /// The operation a lower layer named by its English label.
            pub fn from_label(s: &'static str) -> IoOp {
                match s {
                    $($label => IoOp::$v,)*
                    other => IoOp::Other(other),
                }
            }

            /// The label as a catalogue message.
            pub fn text(self) -> crate::i18n::Text {
                match self {
                    $(IoOp::$v => crate::i18n::Text::new($key),)*
                    IoOp::Other(s) => crate::i18n::Text::verbatim(s),
                }
            }
        }
    };
}

io_ops! {
    Chmod => "chmod", "txn-op-chmod";
    Chown => "chown", "txn-op-chown";
    Create => "create", "txn-op-create";
    CreateBackup => "create backup", "txn-op-create-backup";
    CreateBackupCopy => "create backup copy", "txn-op-create-backup-copy";
    CreateBackupDir => "create backup dir", "txn-op-create-backup-dir";
    CreateBackupRoot => "create backup root", "txn-op-create-backup-root";
    CreateDirectory => "create directory", "txn-op-create-directory";
    CreateJournal => "create journal", "txn-op-create-journal";
    CreateLockDirectory => "create lock directory", "txn-op-create-lock-directory";
    CreateTemporaryFile => "create temporary file", "txn-op-create-temporary-file";
    Flock => "flock", "txn-op-flock";
    Fsync => "fsync", "txn-op-fsync";
    FsyncDirectory => "fsync directory", "txn-op-fsync-directory";
    Open => "open", "txn-op-open";
    OpenDirectory => "open directory", "txn-op-open-directory";
    OpenForLocking => "open for locking", "txn-op-open-for-locking";
    OpenJournal => "open journal", "txn-op-open-journal";
    OpenLockDirectory => "open lock directory", "txn-op-open-lock-directory";
    Read => "read", "txn-op-read";
    ReadAfterWriting => "read after writing", "txn-op-read-after-writing";
    ReadBackupCopy => "read backup copy", "txn-op-read-backup-copy";
    ReadDirectory => "read directory", "txn-op-read-directory";
    ReadForBackup => "read for backup", "txn-op-read-for-backup";
    ReadLink => "read link", "txn-op-read-link";
    Remove => "remove", "txn-op-remove";
    RemoveLockDirectory => "remove lock directory", "txn-op-remove-lock-directory";
    Rename => "rename", "txn-op-rename";
    Resolve => "resolve", "txn-op-resolve";
    ResolveLink => "resolve link", "txn-op-resolve-link";
    SetTimes => "set times", "txn-op-set-times";
    Stat => "stat", "txn-op-stat";
    StatAfterWriting => "stat after writing", "txn-op-stat-after-writing";
    Symlink => "symlink", "txn-op-symlink";
    Syncfs => "syncfs", "txn-op-syncfs";
    Write => "write", "txn-op-write";
    WriteBackupCopy => "write backup copy", "txn-op-write-backup-copy";
    WriteJournal => "write journal", "txn-op-write-journal";
}

impl std::fmt::Display for IoOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

type Result<T, E = TxnError> = std::result::Result<T, E>;

impl From<sys::WriteError> for TxnError {
    fn from(e: sys::WriteError) -> TxnError {
        TxnError::Io {
            path: e.path,
            op: IoOp::from_label(e.op),
            source: e.source,
        }
    }
}

fn io<'a>(path: &'a Path, op: IoOp) -> impl FnOnce(std::io::Error) -> TxnError + 'a {
    move |source| TxnError::Io {
        path: path.to_path_buf(),
        op,
        source,
    }
}

/// A test hook: make the N-th mutating step fail (`Fail`) or kill the process there
/// (`Abort`, like `kill -9`: no rollback, no unwinding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The N-th mutating step (1-based) fails with an error; the transaction rolls back.
    Fail(usize),
    /// The process is killed at the N-th mutating step (no rollback, no unwinding).
    Abort(usize),
    /// The N-th write lands with mode 0666, as on a file system that does not keep modes:
    /// the post-write check must catch it and the change roll back.
    Loosen(usize),
}

/// Where and how a transaction works.
#[derive(Debug, Clone)]
pub struct TxnConfig {
    /// The Manager's PKI directory.
    pub pki_dir: PathBuf,
    /// `/etc/ovirt-engine/engine.conf.d`, backed up with the PKI dir when present.
    pub engine_conf_dir: Option<PathBuf>,
    /// Where `<ID>/` backup directories live.
    pub backup_root: PathBuf,
    /// Files to `flock` exclusively (ca.pem, qemu-ca.pem), as pki-enroll-request.sh 4.5 does.
    pub lock_files: Vec<PathBuf>,
    /// The 4.2–4.4 lock directory (`/tmp/ovirt-engine-pki.v2.lock`), when that era is seen.
    pub legacy_lock_dir: Option<PathBuf>,
    /// How long to wait for the locks before [`TxnError::LockTimeout`].
    pub lock_timeout: Duration,
    /// Backup id and `.YYYYmmddHHMMSS` suffix source (UTC seconds); the library never reads the clock.
    pub now: i64,
    /// What the backup is for (shown by `rhv-pki backups`).
    pub reason: String,
    /// What kind of backup this is, as data (`reason` is only its wording).
    pub kind: BackupKind,
    /// Test builds only (feature `fault-injection`): the fault to inject.
    pub fault: Option<Fault>,
}

/// What a backup was taken for, recorded in its manifest as data so that nothing has to read
/// it back out of the `reason` text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum BackupKind {
    /// Taken before a change (resign, renew, conf, hosts recover, a recovery): what a plain
    /// `rollback` undoes.
    Change,
    /// The safety copy `rollback` takes of the state just before it restores backup `to`.
    #[serde(rename_all = "camelCase")]
    BeforeRollback {
        /// The backup that rollback restored.
        to: String,
    },
}

/// The wording older versions gave a rollback's safety backup (`before rollback to ID`);
/// read only to classify manifests written before the kind was recorded.
const LEGACY_BEFORE_ROLLBACK: &str = "before rollback to ";

/// The lock directory of oVirt 4.2–4.4's `pki-enroll-request.sh`.
pub(crate) const LEGACY_LOCK_DIR: &str = "/tmp/ovirt-engine-pki.v2.lock";

/// `/tmp/ovirt-engine-pki.v2.lock` of a tree: under `root` when the PKI is a copy (`--root`).
pub fn legacy_lock_dir(root: Option<&Path>) -> PathBuf {
    match root {
        Some(r) => r.join(LEGACY_LOCK_DIR.trim_start_matches('/')),
        None => PathBuf::from(LEGACY_LOCK_DIR),
    }
}

/// Which locks the Manager's own enrollment script takes on a PKI dir.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockEra {
    /// 4.2–4.4: the `/tmp` lock directory (and, harmlessly, the CA files too).
    Legacy,
    /// 4.5+: `flock` on `ca.pem` / `qemu-ca.pem` only.
    Modern,
}

impl LockEra {
    /// No `qemu-ca.pem` (4.2/4.3) or a CA made for less than 5000 days (4.4's 3650; 4.5.1+
    /// makes 7300) is the legacy era. When `ca.pem` cannot be read the legacy lock is taken
    /// too: a lock nobody else uses costs nothing, a missed one lets two writers sign at once.
    pub(crate) fn of(pki_dir: &Path) -> LockEra {
        if !pki_dir.join("qemu-ca.pem").exists() {
            return LockEra::Legacy;
        }
        let span = fs::read(pki_dir.join("ca.pem"))
            .ok()
            .and_then(|pem| openssl::x509::X509::from_pem(&pem).ok())
            .and_then(|ca| ca.not_before().diff(ca.not_after()).ok());
        match span {
            Some(d) if d.days >= 5000 => LockEra::Modern,
            _ => LockEra::Legacy,
        }
    }
}

impl TxnConfig {
    /// The one way every writer of a Manager PKI sets up its transaction: the era's locks
    /// (the `/tmp` lock directory in 4.2–4.4, see `LockEra::of`; `ca.pem` and
    /// `qemu-ca.pem` when present), so every change waits for an engine enrollment the same
    /// way. `engine_conf_dir` and `fault` start empty (struct update syntax sets them).
    pub fn for_pki(
        pki_dir: &Path,
        legacy_lock_dir: &Path,
        backup_root: &Path,
        lock_timeout: Duration,
        now: i64,
        reason: impl Into<String>,
    ) -> TxnConfig {
        let lock_files = ["ca.pem", "qemu-ca.pem"]
            .iter()
            .map(|n| pki_dir.join(n))
            .filter(|p| p.exists())
            .collect();
        TxnConfig {
            pki_dir: pki_dir.to_path_buf(),
            engine_conf_dir: None,
            backup_root: backup_root.to_path_buf(),
            lock_files,
            legacy_lock_dir: (LockEra::of(pki_dir) == LockEra::Legacy)
                .then(|| legacy_lock_dir.to_path_buf()),
            lock_timeout,
            now,
            reason: reason.into(),
            kind: BackupKind::Change,
            fault: None,
        }
    }
}

/// Which tree a manifest entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Tree {
    Pki,
    Conf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    File,
    Dir,
    Symlink,
}

/// One file as it was before the change.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Entry {
    pub(crate) tree: Tree,
    /// Relative to the tree's root.
    pub(crate) path: String,
    pub(crate) kind: Kind,
    pub(crate) mode: u32,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) target: Option<String>,
}

/// `manifest.json` of a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Manifest {
    pub(crate) id: String,
    pub(crate) created: String,
    pub(crate) reason: String,
    /// Absent in manifests written before it was recorded: see [`Manifest::kind`].
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) kind: Option<BackupKind>,
    pub(crate) pki_dir: String,
    pub(crate) engine_conf_dir: Option<String>,
    pub(crate) entries: Vec<Entry>,
}

impl Manifest {
    /// The backup's kind: as recorded, or, for a manifest of an older version that recorded
    /// only the `reason` text, as that version worded it.
    pub fn kind(&self) -> BackupKind {
        if let Some(k) = &self.kind {
            return k.clone();
        }
        match self.reason.strip_prefix(LEGACY_BEFORE_ROLLBACK) {
            Some(to) => BackupKind::BeforeRollback { to: to.to_string() },
            None => BackupKind::Change,
        }
    }
}

/// File metadata to give a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Meta {
    pub(crate) mode: u32,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
}

impl Meta {
    pub(crate) fn of(path: &Path) -> Result<Meta> {
        let m = fs::symlink_metadata(path).map_err(io(path, IoOp::Stat))?;
        Ok(Meta {
            mode: m.mode() & 0o7777,
            uid: m.uid(),
            gid: m.gid(),
        })
    }
}

/// A running change. Dropping it without `commit` leaves the journal open, so the next run
/// rolls it back: callers should call [`Txn::rollback`] on error.
pub(crate) struct Txn {
    cfg: TxnConfig,
    pub(crate) id: String,
    /// `YYYYmmddHHMMSS` for the `.TS` copies oVirt admins know.
    pub(crate) ts: String,
    dir: PathBuf,
    journal: File,
    step: usize,
    _locks: Vec<File>,
    /// Recovered (rolled back) interrupted runs found when starting.
    pub(crate) recovered: Vec<String>,
    /// Every file written, for [`Txn::verify_written`].
    written: Vec<Written>,
    /// The backup's manifest: what each path was before the change.
    before: Vec<Entry>,
}

/// One write, as the post-write check needs it.
struct Written {
    tree: Tree,
    /// The file replaced or created (a link's target when written through a link).
    rel: String,
    path: PathBuf,
    sha256: String,
    meta: Meta,
    /// The link written through and its target text.
    link: Option<(PathBuf, PathBuf)>,
    /// Written by a rollback: the recorded mode is restored as it was, even if wider.
    restore: bool,
}

/// `YYYYmmddHHMMSS` in UTC.
pub(crate) fn timestamp(t: i64) -> String {
    let dt =
        time::OffsetDateTime::from_unix_timestamp(t).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        dt.year(),
        dt.month() as u8,
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(openssl::sha::sha256(data))
}

/// A relative path that stays inside its tree.
fn check_rel(rel: &str) -> Result<()> {
    let p = Path::new(rel);
    if rel.is_empty()
        || p.is_absolute()
        || p.components().any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(TxnError::Escapes {
            path: PathBuf::from(rel),
        });
    }
    Ok(())
}

/// Where a write to `rel` lands, decided once for every writer of PKI files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WriteTarget {
    /// The file actually replaced or created, relative to the tree's root: `rel` itself, or
    /// the target of the link `rel` is.
    pub(crate) rel: String,
    /// `rel` is a symbolic link (inside the tree) that stays a link: its target is written.
    pub(crate) via_link: Option<String>,
}

/// Resolves `rel` under `root` for writing. A symbolic link whose target is a regular file
/// inside `root` is followed (its target is replaced, the link stays); a link that leaves
/// `root`, dangles or loops, and a directory link on the way that leaves `root`, are refused
/// with [`TxnError::Link`]. The planners call this for every file they will write, so a
/// refusal comes before anything changes; [`Txn::write`] calls it again for each write.
pub(crate) fn resolve_write(root: &Path, rel: &str) -> Result<WriteTarget> {
    check_rel(rel)?;
    let path = root.join(rel);
    let croot = fs::canonicalize(root).map_err(io(root, IoOp::Resolve))?;
    let refuse = |target: String, why: &'static str| TxnError::Link {
        path: path.clone(),
        target,
        why,
        root: root.to_path_buf(),
    };
    let inside = |real: &Path| -> Option<String> {
        real.strip_prefix(&croot)
            .ok()
            .map(|r| r.to_string_lossy().into_owned())
    };
    match fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() => {
            let shown = fs::read_link(&path)
                .map_err(io(&path, IoOp::ReadLink))?
                .to_string_lossy()
                .into_owned();
            let real = match fs::canonicalize(&path) {
                Ok(r) => r,
                Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                    return Err(refuse(shown, "loops (a chain of links that never ends)"))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(refuse(shown, "does not exist (a dangling link)"))
                }
                Err(e) => return Err(io(&path, IoOp::ResolveLink)(e)),
            };
            let Some(real_rel) = inside(&real).filter(|r| !r.is_empty()) else {
                return Err(refuse(shown, "leaves the PKI directory"));
            };
            if !fs::metadata(&real).is_ok_and(|m| m.is_file()) {
                return Err(refuse(shown, "is not a regular file"));
            }
            Ok(WriteTarget {
                rel: real_rel,
                via_link: Some(rel.to_string()),
            })
        }
        Ok(_) | Err(_) => {
            // A plain file (or a new one): its directory must not lead out of the tree.
            let parent = path.parent().unwrap_or(root);
            let name = path.file_name().unwrap_or_default();
            match fs::canonicalize(parent) {
                Ok(real) => match inside(&real) {
                    Some(d) => Ok(WriteTarget {
                        rel: Path::new(&d).join(name).to_string_lossy().into_owned(),
                        via_link: None,
                    }),
                    None => Err(TxnError::Link {
                        path: parent.to_path_buf(),
                        target: real.to_string_lossy().into_owned(),
                        why: "leaves the PKI directory",
                        root: root.to_path_buf(),
                    }),
                },
                // A missing directory: the write itself reports it.
                Err(_) => Ok(WriteTarget {
                    rel: rel.to_string(),
                    via_link: None,
                }),
            }
        }
    }
}

/// The post-write check of one file: a regular file with this content, mode and owner, and
/// the link it was written through still that link.
fn check_on_disk(
    path: &Path,
    sha256: &str,
    meta: Meta,
    link: Option<&(PathBuf, PathBuf)>,
) -> Result<()> {
    let bad = |found: Mismatch| TxnError::Verify {
        path: path.to_path_buf(),
        found,
    };
    let m = fs::symlink_metadata(path).map_err(io(path, IoOp::StatAfterWriting))?;
    if !m.file_type().is_file() {
        return Err(bad(Mismatch::NotRegular));
    }
    let data = fs::read(path).map_err(io(path, IoOp::ReadAfterWriting))?;
    if sha256_hex(&data) != sha256 {
        return Err(bad(Mismatch::Content));
    }
    let got = Meta {
        mode: m.mode() & 0o7777,
        uid: m.uid(),
        gid: m.gid(),
    };
    if got.mode != meta.mode {
        return Err(bad(Mismatch::Mode {
            found: got.mode,
            expected: meta.mode,
        }));
    }
    if (got.uid, got.gid) != (meta.uid, meta.gid) {
        return Err(bad(Mismatch::Owner {
            found: (got.uid, got.gid),
            expected: (meta.uid, meta.gid),
        }));
    }
    if let Some((l, target)) = link {
        if fs::read_link(l).ok().as_deref() != Some(target.as_path()) {
            return Err(TxnError::Verify {
                path: l.clone(),
                found: Mismatch::Link {
                    target: target.clone(),
                },
            });
        }
    }
    Ok(())
}

fn fsync_dir(dir: &Path) -> Result<()> {
    Ok(sys::fsync_dir(dir)?)
}

/// How often a held lock is tried again.
const LOCK_POLL: Duration = Duration::from_millis(50);

/// One `flock -e -n` on `file`: `Ok(true)` when taken, `Ok(false)` while another holds it.
fn try_flock(file: &File, path: &Path) -> Result<bool> {
    // std's try_lock is flock(LOCK_EX | LOCK_NB): the lock oVirt's scripts take.
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(TxnError::Io {
            path: path.to_path_buf(),
            op: IoOp::Flock,
            source: e,
        }),
    }
}

/// `flock -e -w` on `file`: tries every [`LOCK_POLL`] until `timeout` has passed on `clock`.
fn flock_wait(clock: &dyn Clock, file: &File, path: &Path, timeout: Duration) -> Result<()> {
    let every = Every {
        interval: LOCK_POLL,
        timeout,
    };
    let polled = poll_until(clock, every, |_| -> Result<ControlFlow<(), ()>> {
        Ok(if try_flock(file, path)? {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    })?;
    match polled {
        Polled::Met(()) => Ok(()),
        Polled::TimedOut(()) => Err(TxnError::LockTimeout {
            path: path.to_path_buf(),
            waited_secs: timeout.as_secs(),
        }),
    }
}

/// `stat -c %F-%u-%g-%a` as a value: file type, owner, group, permission bits.
fn stat_key(m: &fs::Metadata) -> (u32, u32, u32, u32) {
    (m.mode() & libc::S_IFMT, m.uid(), m.gid(), m.mode() & 0o7777)
}

/// What 4.2–4.4's pki-enroll-request.sh does to its lock directory before locking it: it
/// accepts the directory only when type, owner, group and mode equal those of `private/`;
/// otherwise it removes it (`rm -fr`), makes it again with `mkdir -m 700` and gives it
/// `private/`'s owner, group and mode (`chown`/`chmod --reference`). A directory made any
/// other way would be deleted under our feet by the next enrollment, which would then lock
/// a new inode and sign beside us. Without a readable `private/` (no reference) a missing
/// directory is made 0700 and an existing one is left alone.
fn repair_legacy_lock_dir(dir: &Path, pki_dir: &Path) -> Result<()> {
    // `stat private/` follows a symlinked private; `stat $LOCK` does not follow.
    let Ok(reference) = fs::metadata(pki_dir.join("private")) else {
        if fs::symlink_metadata(dir).is_err() {
            fs::create_dir_all(dir).map_err(io(dir, IoOp::CreateLockDirectory))?;
            let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
        }
        return Ok(());
    };
    let want = stat_key(&reference);
    match fs::symlink_metadata(dir) {
        Ok(m) if stat_key(&m) == want => return Ok(()),
        Ok(m) if m.is_dir() => {
            fs::remove_dir_all(dir).map_err(io(dir, IoOp::RemoveLockDirectory))?
        }
        Ok(_) => fs::remove_file(dir).map_err(io(dir, IoOp::RemoveLockDirectory))?,
        Err(_) => {}
    }
    if let Some(parent) = dir.parent() {
        fs::create_dir_all(parent).map_err(io(parent, IoOp::CreateDirectory))?;
    }
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        // Made by a concurrent enrollment meanwhile: checked again after locking.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(io(dir, IoOp::CreateLockDirectory)(e)),
    }
    set_meta_path(
        dir,
        Meta {
            mode: reference.mode() & 0o7777,
            uid: reference.uid(),
            gid: reference.gid(),
        },
    )
}

/// Repairs and flocks the 4.2–4.4 lock directory. Once locked, the directory must still be
/// the one at the path, as the script wants it; if an enrollment replaced it meanwhile, the
/// check and the lock are done again (within the same timeout).
fn lock_legacy_dir(
    clock: &dyn Clock,
    dir: &Path,
    pki_dir: &Path,
    timeout: Duration,
) -> Result<File> {
    let every = Every {
        interval: LOCK_POLL,
        timeout,
    };
    // One deadline for repairing, locking and finding the locked directory still in place.
    let polled = poll_until(clock, every, |_| -> Result<ControlFlow<File, ()>> {
        repair_legacy_lock_dir(dir, pki_dir)?;
        let f = File::open(dir).map_err(io(dir, IoOp::OpenLockDirectory))?;
        if !try_flock(&f, dir)? {
            return Ok(ControlFlow::Continue(()));
        }
        let held = f.metadata().map_err(io(dir, IoOp::Stat))?;
        let now_at_path = fs::symlink_metadata(dir).ok();
        let accepted = now_at_path.as_ref().is_some_and(|m| {
            m.dev() == held.dev()
                && m.ino() == held.ino()
                && fs::metadata(pki_dir.join("private"))
                    .map(|r| stat_key(&r) == stat_key(m))
                    .unwrap_or(true)
        });
        // Replaced by an enrollment meanwhile: checked and locked again.
        Ok(if accepted {
            ControlFlow::Break(f)
        } else {
            ControlFlow::Continue(())
        })
    })?;
    match polled {
        Polled::Met(f) => Ok(f),
        Polled::TimedOut(()) => Err(TxnError::LockTimeout {
            path: dir.to_path_buf(),
            waited_secs: timeout.as_secs(),
        }),
    }
}

/// Takes the locks of `cfg` (legacy dir first, then the CA files in order), waiting on
/// `clock`; they are held until the files are dropped. [`Txn::begin`] takes them; the
/// simulated engine's enrollment takes them alone, as `pki-enroll-request.sh` does (no
/// backup, no journal).
pub(crate) fn take_locks(clock: &dyn Clock, cfg: &TxnConfig) -> Result<Vec<File>> {
    let mut locks = Vec::new();
    if let Some(d) = &cfg.legacy_lock_dir {
        locks.push(lock_legacy_dir(clock, d, &cfg.pki_dir, cfg.lock_timeout)?);
    }
    for p in &cfg.lock_files {
        let f = File::open(p).map_err(io(p, IoOp::OpenForLocking))?;
        flock_wait(clock, &f, p, cfg.lock_timeout)?;
        locks.push(f);
    }
    Ok(locks)
}

/// Walks a tree (not following symlinks) into manifest entries and copies files into `dst`.
fn snapshot(tree: Tree, root: &Path, dst: &Path, out: &mut Vec<Entry>) -> Result<()> {
    fn walk(tree: Tree, root: &Path, rel: &Path, dst: &Path, out: &mut Vec<Entry>) -> Result<()> {
        let dir = root.join(rel);
        let mut names: Vec<_> = fs::read_dir(&dir)
            .map_err(io(&dir, IoOp::ReadDirectory))?
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        names.sort();
        for n in names {
            let r = rel.join(&n);
            let p = root.join(&r);
            let m = fs::symlink_metadata(&p).map_err(io(&p, IoOp::Stat))?;
            let rs = r.to_string_lossy().into_owned();
            let mut e = Entry {
                tree,
                path: rs,
                kind: Kind::File,
                mode: m.mode() & 0o7777,
                uid: m.uid(),
                gid: m.gid(),
                sha256: None,
                size: None,
                target: None,
            };
            let ft = m.file_type();
            if ft.is_symlink() {
                e.kind = Kind::Symlink;
                e.target = Some(
                    fs::read_link(&p)
                        .map_err(io(&p, IoOp::ReadLink))?
                        .to_string_lossy()
                        .into_owned(),
                );
                out.push(e);
            } else if ft.is_dir() {
                e.kind = Kind::Dir;
                fs::create_dir_all(dst.join(&r))
                    .map_err(io(&dst.join(&r), IoOp::CreateBackupDir))?;
                out.push(e);
                walk(tree, root, &r, dst, out)?;
            } else if ft.is_file() {
                let data = fs::read(&p).map_err(io(&p, IoOp::ReadForBackup))?;
                e.sha256 = Some(sha256_hex(&data));
                e.size = Some(data.len() as u64);
                let d = dst.join(&r);
                let mut f = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&d)
                    .map_err(io(&d, IoOp::CreateBackupCopy))?;
                f.write_all(&data).map_err(io(&d, IoOp::WriteBackupCopy))?;
                out.push(e);
            }
            // Sockets, fifos, devices: not PKI material; ignored.
        }
        Ok(())
    }
    fs::create_dir_all(dst).map_err(io(dst, IoOp::CreateBackupDir))?;
    walk(tree, root, Path::new(""), dst, out)
}

/// Journal records, one per line: `create <tree> <path>`, `replace <tree> <path>`,
/// `remove <tree> <path>`, `chmod <tree> <path>`, then `commit` or `rolled-back`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Rec {
    Create(Tree, String),
    Replace(Tree, String),
    Remove(Tree, String),
    Commit,
    RolledBack,
}

fn tree_str(t: Tree) -> &'static str {
    match t {
        Tree::Pki => "pki",
        Tree::Conf => "conf",
    }
}

fn parse_journal(text: &str) -> Vec<Rec> {
    text.lines()
        .filter_map(|l| {
            let mut it = l.splitn(3, ' ');
            let op = it.next()?;
            if op == "commit" {
                return Some(Rec::Commit);
            }
            if op == "rolled-back" {
                return Some(Rec::RolledBack);
            }
            let tree = match it.next()? {
                "pki" => Tree::Pki,
                "conf" => Tree::Conf,
                _ => return None,
            };
            let path = it.next()?.to_string();
            match op {
                "create" => Some(Rec::Create(tree, path)),
                "replace" => Some(Rec::Replace(tree, path)),
                "remove" => Some(Rec::Remove(tree, path)),
                _ => None,
            }
        })
        .collect()
}

impl Txn {
    /// Locks, recovers interrupted runs, and takes the backup. Nothing in the PKI dir is
    /// written before this returns.
    pub fn begin(cfg: TxnConfig) -> Result<Txn> {
        let locks = take_locks(&SYSTEM, &cfg)?;
        // Interrupted earlier runs are undone first, under the same locks.
        let recovered = recover_incomplete(&cfg)?;
        fs::create_dir_all(&cfg.backup_root)
            .map_err(io(&cfg.backup_root, IoOp::CreateBackupRoot))?;
        let _ = fs::set_permissions(&cfg.backup_root, fs::Permissions::from_mode(0o700));
        let ts = timestamp(cfg.now);
        let (id, dir) = {
            let mut n = 0;
            loop {
                let id = if n == 0 {
                    ts.clone()
                } else {
                    format!("{ts}-{n}")
                };
                let d = cfg.backup_root.join(&id);
                match fs::create_dir(&d) {
                    Ok(()) => break (id, d),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
                    Err(e) => {
                        return Err(TxnError::Io {
                            path: d,
                            op: IoOp::CreateBackup,
                            source: e,
                        })
                    }
                }
            }
        };
        let _ = fs::set_permissions(&dir, fs::Permissions::from_mode(0o700));
        let mut entries = Vec::new();
        snapshot(Tree::Pki, &cfg.pki_dir, &dir.join("pki"), &mut entries)?;
        if let Some(c) = cfg.engine_conf_dir.as_ref().filter(|c| c.is_dir()) {
            snapshot(Tree::Conf, c, &dir.join("conf"), &mut entries)?;
        }
        let manifest = Manifest {
            id: id.clone(),
            created: crate::pki::cert::rfc3339(cfg.now),
            reason: cfg.reason.clone(),
            kind: Some(cfg.kind.clone()),
            pki_dir: cfg.pki_dir.to_string_lossy().into_owned(),
            engine_conf_dir: cfg
                .engine_conf_dir
                .as_ref()
                .filter(|c| c.is_dir())
                .map(|c| c.to_string_lossy().into_owned()),
            entries: entries.clone(),
        };
        let mpath = dir.join("manifest.json");
        let json =
            serde_json::to_vec_pretty(&manifest).map_err(|source| TxnError::ManifestWrite {
                path: mpath.clone(),
                source,
            })?;
        write_new(&mpath, &json)?;
        // One syncfs flushes the backup copies (instead of an fsync per file).
        let d = File::open(&dir).map_err(io(&dir, IoOp::Open))?;
        crate::sys::syncfs(&d).map_err(io(&dir, IoOp::Syncfs))?;
        let jpath = dir.join("journal");
        let journal = OpenOptions::new()
            .append(true)
            .create_new(true)
            .mode(0o600)
            .open(&jpath)
            .map_err(io(&jpath, IoOp::CreateJournal))?;
        fsync_dir(&dir)?;
        Ok(Txn {
            cfg,
            id,
            ts,
            dir,
            journal,
            step: 0,
            _locks: locks,
            recovered,
            written: Vec::new(),
            before: entries,
        })
    }

    pub(crate) fn backup_dir(&self) -> &Path {
        &self.dir
    }

    fn root(&self, tree: Tree) -> Result<&Path> {
        match tree {
            Tree::Pki => Ok(&self.cfg.pki_dir),
            Tree::Conf => self
                .cfg
                .engine_conf_dir
                .as_deref()
                .ok_or(TxnError::NoConfDir),
        }
    }

    fn log(&mut self, line: &str) -> Result<()> {
        let p = self.dir.join("journal");
        self.journal
            .write_all(format!("{line}\n").as_bytes())
            .and_then(|_| self.journal.sync_data())
            .map_err(io(&p, IoOp::WriteJournal))
    }

    /// Counts a mutating step and fires the injected fault there: `Fail` returns an error
    /// before the step; `Abort` is reported back so the step dies at its worst moment
    /// (journaled, temp file written, not yet renamed).
    fn step(&mut self) -> Result<bool> {
        self.step += 1;
        // Only test builds (the `fault-injection` feature) ever fire a fault.
        #[cfg(any(test, feature = "fault-injection"))]
        match self.cfg.fault {
            Some(Fault::Fail(n)) if n == self.step => return Err(TxnError::Injected { step: n }),
            Some(Fault::Abort(n)) if n == self.step => return Ok(true),
            _ => {}
        }
        Ok(false)
    }

    /// Writes `data` to `rel` atomically. An existing file keeps its mode and owner unless
    /// `meta` says otherwise, and never gets a wider mode than it had (`meta`'s mode is cut
    /// down to the old one); a new file gets `meta` (required then). A symbolic link is
    /// resolved by [`resolve_write`]: a link inside the tree stays, and its target is
    /// replaced with the target's own mode, owner and SELinux label; any other link is
    /// refused. The file is checked on disk afterwards (content, mode, owner).
    pub(crate) fn write(
        &mut self,
        tree: Tree,
        rel: &str,
        data: &[u8],
        meta: Option<Meta>,
    ) -> Result<()> {
        self.write_as(tree, rel, data, meta, false)
    }

    /// [`Txn::write`]; `restore`: a rollback puts back the recorded mode and owner exactly.
    fn write_as(
        &mut self,
        tree: Tree,
        rel: &str,
        data: &[u8],
        meta: Option<Meta>,
        restore: bool,
    ) -> Result<()> {
        let root = self.root(tree)?.to_path_buf();
        let target = resolve_write(&root, rel)?;
        let path = root.join(&target.rel);
        let existing = fs::symlink_metadata(&path).ok();
        if existing.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(TxnError::IsDirectory { path });
        }
        let old = match &existing {
            Some(m) if m.file_type().is_file() => Some(Meta::of(&path)?),
            _ => None,
        };
        let meta = match (meta, old) {
            // Through a link: the target keeps its own mode and owner, whatever the caller
            // derived from the link.
            (_, Some(o)) if target.via_link.is_some() => o,
            (Some(m), Some(o)) if !restore => Meta {
                mode: m.mode & o.mode,
                ..m
            },
            (Some(m), _) => m,
            (None, Some(o)) => o,
            (None, None) => return Err(TxnError::NoMeta { path }),
        };
        let link = match &target.via_link {
            Some(l) => {
                let lp = root.join(l);
                let t = fs::read_link(&lp).map_err(io(&lp, IoOp::ReadLink))?;
                Some((lp, t))
            }
            None => None,
        };
        let abort = self.step()?;
        let op = if existing.is_some() {
            "replace"
        } else {
            "create"
        };
        self.log(&format!("{op} {} {}", tree_str(tree), target.rel))?;
        atomic_write(&path, data, meta, abort)?;
        if self.cfg.fault == Some(Fault::Loosen(self.step)) {
            let _ = fs::set_permissions(&path, fs::Permissions::from_mode(0o666));
        }
        let sha256 = sha256_hex(data);
        check_on_disk(&path, &sha256, meta, link.as_ref())?;
        self.written.retain(|w| w.path != path);
        self.written.push(Written {
            tree,
            rel: target.rel,
            path,
            sha256,
            meta,
            link,
            restore,
        });
        Ok(())
    }

    /// The post-write check of the whole change, run before [`Txn::commit`]: every file
    /// written is still what was written (content, mode, owner), each link written through
    /// is still that link, and no file has a wider mode than the one it replaced. An error
    /// here means: roll back.
    pub(crate) fn verify_written(&self) -> Result<()> {
        for w in &self.written {
            check_on_disk(&w.path, &w.sha256, w.meta, w.link.as_ref())?;
            if w.restore {
                continue;
            }
            let was = self
                .before
                .iter()
                .find(|e| e.tree == w.tree && e.path == w.rel && e.kind == Kind::File);
            if let Some(e) = was {
                if w.meta.mode & !e.mode != 0 {
                    return Err(TxnError::Verify {
                        path: w.path.clone(),
                        found: Mismatch::Wider {
                            mode: w.meta.mode,
                            was: e.mode,
                        },
                    });
                }
            }
        }
        Ok(())
    }

    /// `cp -a FILE FILE.<ts>` the way oVirt's `common_backup` does (a new file).
    /// A link is copied as the file it points to, with that file's mode and owner.
    pub(crate) fn backup_copy(&mut self, tree: Tree, rel: &str) -> Result<String> {
        let real = resolve_write(self.root(tree)?, rel)?;
        let src = self.root(tree)?.join(&real.rel);
        let data = fs::read(&src).map_err(io(&src, IoOp::Read))?;
        let meta = Meta::of(&src)?;
        let dst = format!("{rel}.{}", self.ts);
        if self.root(tree)?.join(&dst).exists() {
            return Ok(dst);
        }
        self.write(tree, &dst, &data, Some(meta))?;
        // cp -a keeps the mtime too.
        if let Ok(m) = fs::metadata(&src) {
            let p = self.root(tree)?.join(&dst);
            crate::sys::set_times(&p, m.mtime(), m.mtime_nsec()).map_err(io(&p, IoOp::SetTimes))?;
        }
        Ok(dst)
    }

    /// Removes a file (restored by rollback from the backup).
    pub(crate) fn remove(&mut self, tree: Tree, rel: &str) -> Result<()> {
        check_rel(rel)?;
        let path = self.root(tree)?.join(rel);
        if fs::symlink_metadata(&path).is_err() {
            return Ok(());
        }
        let abort = self.step()?;
        self.log(&format!("remove {} {rel}", tree_str(tree)))?;
        if abort {
            std::process::abort();
        }
        fs::remove_file(&path).map_err(io(&path, IoOp::Remove))?;
        fsync_dir(path.parent().unwrap_or(Path::new(".")))
    }

    /// Creates or replaces a symlink atomically.
    pub(crate) fn symlink(&mut self, tree: Tree, rel: &str, target: &str) -> Result<()> {
        check_rel(rel)?;
        let path = self.root(tree)?.join(rel);
        let exists = fs::symlink_metadata(&path).is_ok();
        let abort = self.step()?;
        let op = if exists { "replace" } else { "create" };
        self.log(&format!("{op} {} {rel}", tree_str(tree)))?;
        if abort {
            std::process::abort();
        }
        let tmp = sys::tmp_name(&path);
        let _ = fs::remove_file(&tmp);
        std::os::unix::fs::symlink(target, &tmp).map_err(io(&tmp, IoOp::Symlink))?;
        fs::rename(&tmp, &path).map_err(io(&path, IoOp::Rename))?;
        fsync_dir(path.parent().unwrap_or(Path::new(".")))
    }

    /// Sets mode and owner of an existing path (directories included).
    pub(crate) fn chmod(&mut self, tree: Tree, rel: &str, meta: Meta) -> Result<()> {
        let path = self.root(tree)?.join(rel);
        if Meta::of(&path)? == meta {
            return Ok(());
        }
        let abort = self.step()?;
        self.log(&format!("replace {} {rel}", tree_str(tree)))?;
        if abort {
            std::process::abort();
        }
        set_meta_path(&path, meta)
    }

    /// After replacing a locked file by rename (ca.pem), lock the new inode too: enrollment
    /// scripts that open the path from now on must wait for us as well.
    pub(crate) fn relock(&mut self, tree: Tree, rel: &str) -> Result<()> {
        let path = self.root(tree)?.join(rel);
        let f = File::open(&path).map_err(io(&path, IoOp::OpenForLocking))?;
        flock_wait(&SYSTEM, &f, &path, self.cfg.lock_timeout)?;
        self._locks.push(f);
        Ok(())
    }

    /// Marks the change complete; the backup stays for `rhv-pki rollback`.
    pub(crate) fn commit(mut self) -> Result<String> {
        self.log("commit")?;
        Ok(self.id)
    }

    /// Undoes everything this transaction did, restoring from its backup.
    pub(crate) fn rollback(mut self) -> Result<String> {
        undo(&self.cfg, &self.dir)?;
        self.log("rolled-back")?;
        Ok(self.id)
    }
}

fn set_meta_fd(f: &File, path: &Path, meta: Meta) -> Result<()> {
    let cur = f.metadata().map_err(io(path, IoOp::Stat))?;
    if cur.uid() != meta.uid || cur.gid() != meta.gid {
        std::os::unix::fs::fchown(f, Some(meta.uid), Some(meta.gid))
            .map_err(io(path, IoOp::Chown))?;
    }
    f.set_permissions(fs::Permissions::from_mode(meta.mode))
        .map_err(io(path, IoOp::Chmod))
}

fn set_meta_path(path: &Path, meta: Meta) -> Result<()> {
    let f = File::open(path).map_err(io(path, IoOp::Open))?;
    set_meta_fd(&f, path, meta)
}

/// [`sys::atomic_write`] with `meta` and the SELinux label of the file replaced.
fn atomic_write(path: &Path, data: &[u8], meta: Meta, abort_before_rename: bool) -> Result<()> {
    let opts = WriteOpts {
        mode: Some(meta.mode),
        owner: Some((meta.uid, meta.gid)),
        keep_xattr: Some(sys::SELINUX_XATTR),
        abort_before_rename,
    };
    Ok(sys::atomic_write(path, data, &opts)?)
}

fn write_new(path: &Path, data: &[u8]) -> Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io(path, IoOp::Create))?;
    f.write_all(data)
        .and_then(|_| f.sync_all())
        .map_err(io(path, IoOp::Write))
}

fn read_manifest(dir: &Path) -> Result<Manifest> {
    let p = dir.join("manifest.json");
    let mut s = String::new();
    File::open(&p)
        .and_then(|mut f| f.read_to_string(&mut s))
        .map_err(io(&p, IoOp::Read))?;
    serde_json::from_str(&s).map_err(|source| TxnError::BadManifest { path: p, source })
}

/// Restores one manifest entry (file content, link, or just mode/owner) into `root`.
fn restore_entry(e: &Entry, root: &Path, copy_root: &Path) -> Result<()> {
    let path = root.join(&e.path);
    let meta = Meta {
        mode: e.mode,
        uid: e.uid,
        gid: e.gid,
    };
    match e.kind {
        Kind::Dir => {
            if !path.is_dir() {
                fs::create_dir_all(&path).map_err(io(&path, IoOp::CreateDirectory))?;
            }
            set_meta_path(&path, meta)
        }
        Kind::Symlink => {
            let target = e.target.clone().unwrap_or_default();
            let same = fs::read_link(&path)
                .map(|t| t.to_string_lossy() == target.as_str())
                .unwrap_or(false);
            if same {
                return Ok(());
            }
            let tmp = sys::tmp_name(&path);
            let _ = fs::remove_file(&tmp);
            std::os::unix::fs::symlink(&target, &tmp).map_err(io(&tmp, IoOp::Symlink))?;
            fs::rename(&tmp, &path).map_err(io(&path, IoOp::Rename))?;
            std::os::unix::fs::lchown(&path, Some(e.uid), Some(e.gid))
                .map_err(io(&path, IoOp::Chown))?;
            Ok(())
        }
        Kind::File => {
            let src = copy_root.join(&e.path);
            let data = fs::read(&src).map_err(io(&src, IoOp::ReadBackupCopy))?;
            if e.sha256.as_deref() != Some(sha256_hex(&data).as_str()) {
                return Err(TxnError::Checksum { path: src });
            }
            let current = fs::read(&path).ok();
            let cur_meta = Meta::of(&path).ok();
            let is_file = fs::symlink_metadata(&path)
                .map(|m| m.file_type().is_file())
                .unwrap_or(false);
            if is_file && current.as_deref() == Some(&data[..]) && cur_meta == Some(meta) {
                return Ok(());
            }
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(io(parent, IoOp::CreateDirectory))?;
            }
            atomic_write(&path, &data, meta, false)
        }
    }
}

/// Undo a journal: removes what it created, restores what it replaced or removed.
fn undo(cfg: &TxnConfig, dir: &Path) -> Result<()> {
    let manifest = read_manifest(dir)?;
    let jpath = dir.join("journal");
    let text = fs::read_to_string(&jpath).unwrap_or_default();
    let recs = parse_journal(&text);
    let root_of = |t: Tree| -> Option<PathBuf> {
        match t {
            Tree::Pki => Some(cfg.pki_dir.clone()),
            Tree::Conf => cfg.engine_conf_dir.clone(),
        }
    };
    let mut touched_dirs = std::collections::BTreeSet::new();
    for r in recs.iter().rev() {
        match r {
            Rec::Create(t, p) => {
                let Some(root) = root_of(*t) else { continue };
                let path = root.join(p);
                touched_dirs.insert(path.parent().map(Path::to_path_buf));
                // Created by us; but if the manifest had it (created after a remove), restore.
                if let Some(e) = manifest
                    .entries
                    .iter()
                    .find(|e| e.tree == *t && &e.path == p)
                {
                    restore_entry(e, &root, &dir.join(tree_str(*t)))?;
                } else if fs::symlink_metadata(&path).is_ok() {
                    fs::remove_file(&path).map_err(io(&path, IoOp::Remove))?;
                }
            }
            Rec::Replace(t, p) | Rec::Remove(t, p) => {
                let Some(root) = root_of(*t) else { continue };
                touched_dirs.insert(root.join(p).parent().map(Path::to_path_buf));
                if let Some(e) = manifest
                    .entries
                    .iter()
                    .find(|e| e.tree == *t && &e.path == p)
                {
                    restore_entry(e, &root, &dir.join(tree_str(*t)))?;
                }
            }
            Rec::Commit | Rec::RolledBack => {}
        }
    }
    // Temp files of a run killed between write and rename.
    for d in touched_dirs.into_iter().flatten() {
        if let Ok(rd) = fs::read_dir(&d) {
            for e in rd.flatten() {
                if sys::is_tmp_name(&e.file_name().to_string_lossy()) {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
        let _ = fsync_dir(&d);
    }
    Ok(())
}

/// Takes the locks, rolls back interrupted runs, releases the locks.
pub fn recover_locked(cfg: &TxnConfig) -> Result<Vec<String>> {
    let _locks = take_locks(&SYSTEM, cfg)?;
    recover_incomplete(cfg)
}

/// Rolls back every journal under the backup root that has no end mark.
/// Returns the ids it rolled back.
pub(crate) fn recover_incomplete(cfg: &TxnConfig) -> Result<Vec<String>> {
    let mut done = Vec::new();
    for b in list_backups(&cfg.backup_root)? {
        if b.state != BackupState::Incomplete {
            continue;
        }
        let dir = cfg.backup_root.join(&b.id);
        // Only journals about this very PKI dir.
        let m = read_manifest(&dir)?;
        if Path::new(&m.pki_dir) != cfg.pki_dir {
            continue;
        }
        undo(cfg, &dir)?;
        let jpath = dir.join("journal");
        // Killed between the manifest and the journal: nothing was written, but the backup
        // still needs its end mark (else every later run stops here).
        let mut j = OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(&jpath)
            .map_err(io(&jpath, IoOp::OpenJournal))?;
        j.write_all(b"rolled-back\n")
            .and_then(|_| j.sync_data())
            .map_err(io(&jpath, IoOp::WriteJournal))?;
        done.push(b.id);
    }
    Ok(done)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
/// What became of the change a backup was taken for.
pub enum BackupState {
    /// The change completed.
    Committed,
    /// The change failed or was interrupted and was undone.
    RolledBack,
    /// A run was interrupted: the next change or `rollback` undoes it.
    Incomplete,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
/// One backup directory under the backup root, as `rhv-pki backups` lists it.
pub struct BackupInfo {
    /// The backup's id: its directory name, the change's `YYYYmmddHHMMSS` (UTC), with `-N` added when that name was taken.
    pub id: String,
    /// When it was taken, RFC 3339 (UTC).
    pub created: String,
    /// What it was taken for (the command).
    pub reason: String,
    /// Typed data behind `reason` (not part of the JSON listing).
    #[serde(skip)]
    pub kind: BackupKind,
    /// The PKI directory it is a backup of.
    pub pki_dir: String,
    /// How many files it holds.
    pub files: usize,
    /// Whether its change committed, was undone, or was interrupted.
    pub state: BackupState,
}

/// Backups under `root`, oldest first. A missing root is an empty list.
pub fn list_backups(root: &Path) -> Result<Vec<BackupInfo>> {
    let rd = match fs::read_dir(root) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(TxnError::Io {
                path: root.to_path_buf(),
                op: IoOp::ReadDirectory,
                source: e,
            })
        }
    };
    let mut out = Vec::new();
    for e in rd.flatten() {
        let dir = e.path();
        let Ok(m) = read_manifest(&dir) else { continue };
        let recs = parse_journal(&fs::read_to_string(dir.join("journal")).unwrap_or_default());
        let state = if recs.contains(&Rec::RolledBack) {
            BackupState::RolledBack
        } else if recs.contains(&Rec::Commit) {
            BackupState::Committed
        } else {
            BackupState::Incomplete
        };
        out.push(BackupInfo {
            kind: m.kind(),
            id: m.id,
            created: m.created,
            reason: m.reason,
            pki_dir: m.pki_dir,
            files: m.entries.iter().filter(|e| e.kind == Kind::File).count(),
            state,
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// What `rollback` did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    /// The id of the backup restored.
    pub restored_from: String,
    /// The backup taken of the state just before the rollback (so it can be undone too).
    pub safety_backup: String,
    /// Files restored from the backup, relative to their tree.
    pub restored: Vec<String>,
    /// Files the change had created, removed again.
    pub removed: Vec<String>,
}

/// Restores the PKI dir (and engine.conf.d) to backup `id`: every file, link and directory of
/// its manifest byte-identical with mode and owner, and the files that backup's own change
/// created removed. Runs as a transaction itself, so a rollback can be rolled back.
pub fn rollback_to(cfg: TxnConfig, id: &str) -> Result<RestoreReport> {
    let dir = cfg.backup_root.join(id);
    if !dir.join("manifest.json").is_file() || id.contains('/') {
        return Err(TxnError::NoSuchBackup {
            id: id.to_string(),
            root: cfg.backup_root.clone(),
        });
    }
    let manifest = read_manifest(&dir)?;
    if Path::new(&manifest.pki_dir) != cfg.pki_dir {
        return Err(TxnError::OtherPki {
            backup: dir,
            backup_of: manifest.pki_dir,
            pki_dir: cfg.pki_dir.clone(),
        });
    }
    let created: Vec<(Tree, String)> =
        parse_journal(&fs::read_to_string(dir.join("journal")).unwrap_or_default())
            .into_iter()
            .filter_map(|r| match r {
                Rec::Create(t, p) => Some((t, p)),
                _ => None,
            })
            .collect();
    let mut txn = Txn::begin(TxnConfig {
        reason: format!("{LEGACY_BEFORE_ROLLBACK}{id}"),
        kind: BackupKind::BeforeRollback { to: id.to_string() },
        ..cfg
    })?;
    let mut rep = RestoreReport {
        restored_from: id.to_string(),
        safety_backup: txn.id.clone(),
        restored: Vec::new(),
        removed: Vec::new(),
    };
    let r = (|| -> Result<()> {
        for e in &manifest.entries {
            let root = txn.root(e.tree)?.to_path_buf();
            let path = root.join(&e.path);
            let label = format!("{}:{}", tree_str(e.tree), e.path);
            match e.kind {
                Kind::Dir => {
                    let meta = Meta {
                        mode: e.mode,
                        uid: e.uid,
                        gid: e.gid,
                    };
                    if !path.is_dir() {
                        fs::create_dir_all(&path).map_err(io(&path, IoOp::CreateDirectory))?;
                    }
                    if Meta::of(&path)? != meta {
                        txn.chmod(e.tree, &e.path, meta)?;
                        rep.restored.push(label);
                    }
                }
                Kind::Symlink => {
                    let t = e.target.clone().unwrap_or_default();
                    let same = fs::read_link(&path)
                        .map(|x| x.to_string_lossy() == t.as_str())
                        .unwrap_or(false);
                    if !same {
                        txn.symlink(e.tree, &e.path, &t)?;
                        rep.restored.push(label);
                    }
                }
                Kind::File => {
                    let src = dir.join(tree_str(e.tree)).join(&e.path);
                    let data = fs::read(&src).map_err(io(&src, IoOp::ReadBackupCopy))?;
                    if e.sha256.as_deref() != Some(sha256_hex(&data).as_str()) {
                        return Err(TxnError::Checksum { path: src });
                    }
                    let meta = Meta {
                        mode: e.mode,
                        uid: e.uid,
                        gid: e.gid,
                    };
                    let same = fs::symlink_metadata(&path)
                        .map(|m| m.file_type().is_file())
                        .unwrap_or(false)
                        && fs::read(&path).ok().as_deref() == Some(&data[..])
                        && Meta::of(&path).ok() == Some(meta);
                    if !same {
                        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                            txn.remove(e.tree, &e.path)?;
                        }
                        txn.write_as(e.tree, &e.path, &data, Some(meta), true)?;
                        rep.restored.push(label);
                    }
                }
            }
        }
        for (t, p) in &created {
            if manifest
                .entries
                .iter()
                .any(|e| e.tree == *t && &e.path == p)
            {
                continue;
            }
            let root = txn.root(*t)?.to_path_buf();
            if fs::symlink_metadata(root.join(p)).is_ok() {
                txn.remove(*t, p)?;
                rep.removed.push(format!("{}:{p}", tree_str(*t)));
            }
        }
        Ok(())
    })();
    match r {
        Ok(()) => {
            txn.commit()?;
            Ok(rep)
        }
        Err(e) => {
            let _ = txn.rollback();
            Err(e)
        }
    }
}

#[cfg(test)]
impl Meta {
    fn current(mode: u32) -> Meta {
        let (uid, gid) = crate::sys::ids();
        Meta { mode, uid, gid }
    }
    fn with_current_owner(self) -> Meta {
        Meta::current(self.mode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pki: &Path, backups: &Path) -> TxnConfig {
        TxnConfig {
            pki_dir: pki.to_path_buf(),
            engine_conf_dir: None,
            backup_root: backups.to_path_buf(),
            lock_files: vec![],
            legacy_lock_dir: None,
            lock_timeout: Duration::from_secs(1),
            now: 1_793_491_200,
            reason: "test".into(),
            kind: BackupKind::Change,
            fault: None,
        }
    }

    fn tree_state(dir: &Path) -> Vec<Entry> {
        let tmp = tempfile::tempdir().unwrap();
        let mut v = Vec::new();
        snapshot(Tree::Pki, dir, &tmp.path().join("x"), &mut v).unwrap();
        v
    }

    #[test]
    fn timestamps_are_ovirt_style() {
        assert_eq!(timestamp(1_793_491_200), "20261101000000");
    }

    #[test]
    fn journal_round_trip() {
        let r = parse_journal("create pki certs/1001.pem\nreplace conf a b\ncommit\nbogus\n");
        assert_eq!(
            r,
            vec![
                Rec::Create(Tree::Pki, "certs/1001.pem".into()),
                Rec::Replace(Tree::Conf, "a b".into()),
                Rec::Commit
            ]
        );
    }

    #[test]
    fn paths_cannot_escape() {
        assert!(check_rel("../x").is_err());
        assert!(check_rel("/etc/passwd").is_err());
        assert!(check_rel("certs/../../a").is_err());
        assert!(check_rel("certs/a.cer").is_ok());
    }

    #[test]
    fn every_failing_step_rolls_back_byte_identical() {
        for fail_at in 1..=4 {
            let t = tempfile::tempdir().unwrap();
            let pki = t.path().join("pki");
            fs::create_dir_all(pki.join("certs")).unwrap();
            fs::write(pki.join("a.txt"), b"old a").unwrap();
            fs::set_permissions(pki.join("a.txt"), fs::Permissions::from_mode(0o640)).unwrap();
            std::os::unix::fs::symlink("/nowhere", pki.join("link")).unwrap();
            let before = tree_state(&pki);
            let mut c = cfg(&pki, &t.path().join("b"));
            c.fault = Some(Fault::Fail(fail_at));
            let mut txn = Txn::begin(c).unwrap();
            let r = (|| {
                txn.write(Tree::Pki, "a.txt", b"new a", None)?;
                txn.backup_copy(Tree::Pki, "a.txt")?;
                txn.write(
                    Tree::Pki,
                    "certs/new",
                    b"n",
                    Some(
                        Meta {
                            mode: 0o644,
                            uid: 0,
                            gid: 0,
                        }
                        .with_current_owner(),
                    ),
                )?;
                txn.symlink(Tree::Pki, "link", "/elsewhere")
            })();
            assert!(
                matches!(r, Err(TxnError::Injected { .. })),
                "step {fail_at}: {r:?}"
            );
            txn.rollback().unwrap();
            assert_eq!(tree_state(&pki), before, "fail at {fail_at}");
            assert_eq!(fs::read(pki.join("a.txt")).unwrap(), b"old a");
        }
    }

    #[test]
    fn interrupted_run_is_recovered_by_the_next() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(&pki).unwrap();
        fs::write(pki.join("a"), b"1").unwrap();
        let before = tree_state(&pki);
        let c = cfg(&pki, &t.path().join("b"));
        let mut txn = Txn::begin(c.clone()).unwrap();
        txn.write(Tree::Pki, "a", b"2", None).unwrap();
        txn.write(Tree::Pki, "b", b"x", Some(Meta::current(0o644)))
            .unwrap();
        std::mem::forget(txn); // as if killed: no commit, no rollback
        fs::write(pki.join(".a.rhv-pki-1.tmp"), b"half").unwrap();
        let list = list_backups(&t.path().join("b")).unwrap();
        assert_eq!(list[0].state, BackupState::Incomplete);
        let txn = Txn::begin(c).unwrap();
        assert_eq!(txn.recovered.len(), 1);
        txn.commit().unwrap();
        assert_eq!(tree_state(&pki), before);
    }

    /// Killed after the manifest was written but before the journal was created: listed as
    /// incomplete, and the next run (or `rollback`) closes it instead of failing on the
    /// missing journal forever (found by scripts/crash-test.sh).
    #[test]
    fn a_backup_killed_before_its_journal_is_closed_by_the_next_run() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(&pki).unwrap();
        fs::write(pki.join("a"), b"1").unwrap();
        let c = cfg(&pki, &t.path().join("b"));
        let txn = Txn::begin(c.clone()).unwrap();
        let first = txn.id.clone();
        fs::remove_file(txn.backup_dir().join("journal")).unwrap();
        std::mem::forget(txn);
        let list = list_backups(&t.path().join("b")).unwrap();
        assert_eq!(list[0].state, BackupState::Incomplete);
        let txn = Txn::begin(TxnConfig {
            now: c.now + 1,
            ..c
        })
        .unwrap();
        assert_eq!(txn.recovered, vec![first]);
        txn.commit().unwrap();
        let list = list_backups(&t.path().join("b")).unwrap();
        assert_eq!(list[0].state, BackupState::RolledBack);
        assert_eq!(fs::read(pki.join("a")).unwrap(), b"1");
    }

    #[test]
    fn rollback_to_restores_and_removes_created() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(&pki).unwrap();
        fs::write(pki.join("a"), b"1").unwrap();
        let before = tree_state(&pki);
        let c = cfg(&pki, &t.path().join("b"));
        let mut txn = Txn::begin(c.clone()).unwrap();
        txn.write(Tree::Pki, "a", b"2", None).unwrap();
        txn.write(Tree::Pki, "new", b"x", Some(Meta::current(0o600)))
            .unwrap();
        let id = txn.commit().unwrap();
        fs::set_permissions(pki.join("a"), fs::Permissions::from_mode(0o600)).unwrap();
        let rep = rollback_to(
            TxnConfig {
                now: c.now + 1,
                ..c
            },
            &id,
        )
        .unwrap();
        assert_eq!(tree_state(&pki), before);
        assert_eq!(rep.removed, vec!["pki:new".to_string()]);
        assert!(rollback_to(cfg(&pki, &t.path().join("b")), "nope").is_err());
    }

    /// The safety backup `rollback_to` takes records its kind (and the backup restored) as
    /// data in the manifest; the change's own backup records `change`.
    #[test]
    fn backups_record_their_kind_in_the_manifest() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(&pki).unwrap();
        fs::write(pki.join("a"), b"1").unwrap();
        let c = cfg(&pki, &t.path().join("b"));
        let mut txn = Txn::begin(c.clone()).unwrap();
        txn.write(Tree::Pki, "a", b"2", None).unwrap();
        let id = txn.commit().unwrap();
        let rep = rollback_to(
            TxnConfig {
                now: c.now + 1,
                ..c
            },
            &id,
        )
        .unwrap();
        let raw: serde_json::Value = serde_json::from_slice(
            &fs::read(
                t.path()
                    .join("b")
                    .join(&rep.safety_backup)
                    .join("manifest.json"),
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            raw["kind"],
            serde_json::json!({"type": "beforeRollback", "to": id})
        );
        let raw: serde_json::Value = serde_json::from_slice(
            &fs::read(t.path().join("b").join(&id).join("manifest.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(raw["kind"], serde_json::json!({"type": "change"}));
        let list = list_backups(&t.path().join("b")).unwrap();
        let kinds: Vec<(String, BackupKind)> = list.into_iter().map(|b| (b.id, b.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (id.clone(), BackupKind::Change),
                (rep.safety_backup, BackupKind::BeforeRollback { to: id }),
            ]
        );
    }

    /// A manifest of an older version (no `kind`, only the reason text) is still classified;
    /// a recorded kind wins over whatever the reason says.
    #[test]
    fn old_manifests_without_a_kind_are_classified_by_their_wording() {
        let old = |reason: &str| -> Manifest {
            serde_json::from_value(serde_json::json!({
                "id": "20261201000000", "created": "2026-12-01T00:00:00Z", "reason": reason,
                "pkiDir": "/etc/pki/ovirt-engine", "engineConfDir": null, "entries": []
            }))
            .unwrap()
        };
        assert_eq!(
            old("before rollback to 20261130000000").kind(),
            BackupKind::BeforeRollback {
                to: "20261130000000".into()
            }
        );
        assert_eq!(old("before rhv-pki resign").kind(), BackupKind::Change);
        let mut m = old("before rollback to 20261130000000");
        m.kind = Some(BackupKind::Change);
        assert_eq!(m.kind(), BackupKind::Change);
        let mut m = old("Sicherung vor dem Zurücksetzen");
        m.kind = Some(BackupKind::BeforeRollback { to: "x".into() });
        assert_eq!(m.kind(), BackupKind::BeforeRollback { to: "x".into() });
    }

    /// A lock held by another open file is tried every 50 ms of the injected clock until the
    /// timeout, then refused with the path and the time waited: no real sleeping.
    #[test]
    fn a_held_flock_times_out_on_the_injected_clock() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("ca.pem");
        fs::write(&p, b"ca").unwrap();
        let held = File::open(&p).unwrap();
        held.lock().unwrap();
        let clock = crate::exec::FakeClock::new();
        let f = File::open(&p).unwrap();
        match flock_wait(&clock, &f, &p, Duration::from_secs(300)) {
            Err(TxnError::LockTimeout { path, waited_secs }) => {
                assert_eq!(path, p);
                assert_eq!(waited_secs, 300);
            }
            other => panic!("{other:?}"),
        }
        let sleeps = clock.sleeps();
        assert_eq!(sleeps.len(), 6000);
        assert!(sleeps.iter().all(|d| *d == LOCK_POLL));
    }

    /// A clock on which the holder of a lock lets go after `after` pauses.
    struct Releasing {
        clock: crate::exec::FakeClock,
        holder: std::sync::Mutex<Option<File>>,
        after: usize,
    }

    impl Clock for Releasing {
        fn now(&self) -> std::time::Instant {
            self.clock.now()
        }
        fn sleep(&self, d: Duration) {
            self.clock.sleep(d);
            if self.clock.sleeps().len() == self.after {
                self.holder.lock().unwrap().take();
            }
        }
        fn sleep_async(
            &self,
            d: Duration,
        ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
            self.sleep(d);
            Box::pin(std::future::ready(()))
        }
    }

    #[test]
    fn a_flock_released_while_waiting_is_taken() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("ca.pem");
        fs::write(&p, b"ca").unwrap();
        let held = File::open(&p).unwrap();
        held.lock().unwrap();
        let clock = Releasing {
            clock: crate::exec::FakeClock::new(),
            holder: std::sync::Mutex::new(Some(held)),
            after: 3,
        };
        let f = File::open(&p).unwrap();
        flock_wait(&clock, &f, &p, Duration::from_secs(300)).unwrap();
        assert_eq!(clock.clock.sleeps(), vec![LOCK_POLL; 3]);
        // Ours now: another open file cannot take it.
        assert!(!try_flock(&File::open(&p).unwrap(), &p).unwrap());
    }

    /// The 4.2–4.4 lock directory: held by an enrollment, it is waited for on the injected
    /// clock (timing out with its path), and taken as soon as the enrollment lets go.
    #[test]
    fn the_legacy_lock_dir_is_waited_for_on_the_injected_clock() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(pki.join("private")).unwrap();
        fs::set_permissions(pki.join("private"), fs::Permissions::from_mode(0o700)).unwrap();
        let dir = t.path().join("tmp/ovirt-engine-pki.v2.lock");
        repair_legacy_lock_dir(&dir, &pki).unwrap();
        let held = File::open(&dir).unwrap();
        held.lock().unwrap();
        let clock = crate::exec::FakeClock::new();
        match lock_legacy_dir(&clock, &dir, &pki, Duration::from_secs(60)) {
            Err(TxnError::LockTimeout { path, waited_secs }) => {
                assert_eq!(path, dir);
                assert_eq!(waited_secs, 60);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(clock.sleeps().len(), 1200);
        let clock = Releasing {
            clock: crate::exec::FakeClock::new(),
            holder: std::sync::Mutex::new(Some(held)),
            after: 2,
        };
        let f = lock_legacy_dir(&clock, &dir, &pki, Duration::from_secs(60)).unwrap();
        assert_eq!(clock.clock.sleeps(), vec![LOCK_POLL; 2]);
        assert_eq!(
            f.metadata().unwrap().ino(),
            fs::symlink_metadata(&dir).unwrap().ino()
        );
    }

    #[test]
    fn lock_era_follows_the_samples() {
        let pki = |s: &str| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("testdata/pki/{s}/etc/pki/ovirt-engine"))
        };
        assert_eq!(LockEra::of(&pki("4.2-sha1")), LockEra::Legacy, "no qemu-ca");
        assert_eq!(
            LockEra::of(&pki("4.4-mixed")),
            LockEra::Legacy,
            "3650-day CA"
        );
        assert_eq!(
            LockEra::of(&pki("4.5-modern")),
            LockEra::Modern,
            "7300-day CA"
        );
        let t = tempfile::tempdir().unwrap();
        fs::write(t.path().join("qemu-ca.pem"), b"x").unwrap();
        assert_eq!(LockEra::of(t.path()), LockEra::Legacy, "unreadable CA");
        let c = TxnConfig::for_pki(
            &pki("4.4-mixed"),
            Path::new("/x/lock"),
            Path::new("/b"),
            Duration::from_secs(1),
            0,
            "r",
        );
        assert_eq!(c.legacy_lock_dir.as_deref(), Some(Path::new("/x/lock")));
        assert_eq!(c.lock_files.len(), 2);
        assert_eq!(
            legacy_lock_dir(Some(Path::new("/r"))),
            Path::new("/r/tmp/ovirt-engine-pki.v2.lock")
        );
    }

    #[test]
    fn a_lock_dir_unlike_private_is_made_again_like_it() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(pki.join("private")).unwrap();
        fs::set_permissions(pki.join("private"), fs::Permissions::from_mode(0o2750)).unwrap();
        let lock = t.path().join("tmp/lock");
        // A regular file where the directory should be is removed too (rm -fr).
        fs::create_dir_all(t.path().join("tmp")).unwrap();
        fs::write(&lock, b"not a dir").unwrap();
        let f = lock_legacy_dir(&SYSTEM, &lock, &pki, Duration::from_secs(1)).unwrap();
        let m = fs::symlink_metadata(&lock).unwrap();
        assert!(m.is_dir());
        assert_eq!(
            stat_key(&m),
            stat_key(&fs::metadata(pki.join("private")).unwrap())
        );
        assert_eq!(f.metadata().unwrap().ino(), m.ino());
        drop(f);
        // Accepted as it is the next time: same inode.
        let f = lock_legacy_dir(&SYSTEM, &lock, &pki, Duration::from_secs(1)).unwrap();
        assert_eq!(f.metadata().unwrap().ino(), m.ino());
    }

    #[test]
    fn a_held_lock_times_out_without_touching_anything() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(&pki).unwrap();
        fs::write(pki.join("ca.pem"), b"ca").unwrap();
        let held = File::open(pki.join("ca.pem")).unwrap();
        held.lock().unwrap();
        let mut c = cfg(&pki, &t.path().join("b"));
        c.lock_files = vec![pki.join("ca.pem")];
        c.lock_timeout = Duration::from_millis(200);
        assert!(matches!(Txn::begin(c), Err(TxnError::LockTimeout { .. })));
        assert!(
            !t.path().join("b").exists(),
            "no backup taken while locked out"
        );
    }

    fn mode(p: &Path) -> u32 {
        fs::symlink_metadata(p).unwrap().mode() & 0o7777
    }

    /// A link inside the tree is followed: the target is replaced with its own mode, owner
    /// and SELinux label whatever the caller passes (a mode derived from the link is 0777),
    /// the link stays, and a rollback restores the target byte-identical.
    #[test]
    fn an_inside_link_is_followed_and_rolled_back() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(pki.join("keys")).unwrap();
        fs::write(pki.join("keys/real.key"), b"old key").unwrap();
        fs::set_permissions(pki.join("keys/real.key"), fs::Permissions::from_mode(0o640)).unwrap();
        let label = b"system_u:object_r:cert_t:s0\0";
        let labelled = File::open(pki.join("keys/real.key")).is_ok_and(|f| {
            rustix::fs::fsetxattr(
                &f,
                sys::SELINUX_XATTR,
                label,
                rustix::fs::XattrFlags::empty(),
            )
            .is_ok()
        });
        std::os::unix::fs::symlink("real.key", pki.join("keys/a.key")).unwrap();
        let before = tree_state(&pki);
        assert_eq!(
            resolve_write(&pki, "keys/a.key").unwrap(),
            WriteTarget {
                rel: "keys/real.key".into(),
                via_link: Some("keys/a.key".into())
            }
        );
        let mut txn = Txn::begin(cfg(&pki, &t.path().join("b"))).unwrap();
        let from_link = Meta::of(&pki.join("keys/a.key")).unwrap();
        assert_eq!(from_link.mode, 0o777);
        txn.write(Tree::Pki, "keys/a.key", b"new key", Some(from_link))
            .unwrap();
        txn.verify_written().unwrap();
        assert!(fs::symlink_metadata(pki.join("keys/a.key"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(pki.join("keys/real.key")).unwrap(), b"new key");
        assert_eq!(mode(&pki.join("keys/real.key")), 0o640);
        if labelled {
            let l = sys::xattr(&pki.join("keys/real.key"), sys::SELINUX_XATTR);
            assert_eq!(l.as_deref(), Some(&label[..]));
        }
        txn.rollback().unwrap();
        assert_eq!(tree_state(&pki), before);
        assert_eq!(fs::read(pki.join("keys/real.key")).unwrap(), b"old key");
    }

    /// Links that leave the tree, dangle or loop (directly or through a directory link)
    /// are refused, by the resolver and by a write, and nothing is written.
    #[test]
    fn outside_dangling_and_looping_links_are_refused() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(pki.join("certs")).unwrap();
        fs::write(t.path().join("outside.cer"), b"outside").unwrap();
        fs::create_dir_all(t.path().join("elsewhere")).unwrap();
        let links = [
            ("certs/out.cer", t.path().join("outside.cer")),
            ("certs/dotdot.cer", PathBuf::from("../../outside.cer")),
            ("certs/dangling.cer", PathBuf::from("nothere.cer")),
            ("certs/loop.cer", PathBuf::from("loop.cer")),
            ("certs/dir.cer", PathBuf::from(".")),
            ("linked", t.path().join("elsewhere")),
        ];
        for (l, target) in &links {
            std::os::unix::fs::symlink(target, pki.join(l)).unwrap();
        }
        let before = tree_state(&pki);
        let mut txn = Txn::begin(cfg(&pki, &t.path().join("b"))).unwrap();
        for rel in [
            "certs/out.cer",
            "certs/dotdot.cer",
            "certs/dangling.cer",
            "certs/loop.cer",
            "certs/dir.cer",
            "linked/new.cer",
        ] {
            let e = resolve_write(&pki, rel).unwrap_err();
            assert!(matches!(e, TxnError::Link { .. }), "{rel}: {e}");
            let e = txn
                .write(Tree::Pki, rel, b"x", Some(Meta::current(0o644)))
                .unwrap_err();
            assert!(e.to_string().contains("symbolic link to"), "{rel}: {e}");
        }
        txn.commit().unwrap();
        assert_eq!(tree_state(&pki), before);
        assert_eq!(fs::read(t.path().join("outside.cer")).unwrap(), b"outside");
        assert!(!t.path().join("elsewhere/new.cer").exists());
    }

    #[test]
    fn a_write_never_widens_the_mode_of_the_file_it_replaces() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(&pki).unwrap();
        fs::write(pki.join("k"), b"1").unwrap();
        fs::set_permissions(pki.join("k"), fs::Permissions::from_mode(0o600)).unwrap();
        let mut txn = Txn::begin(cfg(&pki, &t.path().join("b"))).unwrap();
        txn.write(Tree::Pki, "k", b"2", Some(Meta::current(0o777)))
            .unwrap();
        assert_eq!(mode(&pki.join("k")), 0o600);
        txn.write(Tree::Pki, "k", b"3", Some(Meta::current(0o400)))
            .unwrap();
        assert_eq!(mode(&pki.join("k")), 0o400);
        txn.verify_written().unwrap();
        txn.commit().unwrap();
    }

    /// The post-write check compares owner, group and mode, not only the content, and fails
    /// (so the change rolls back) when any of them differs from what was written.
    #[test]
    fn the_post_write_check_fails_when_mode_or_owner_differ() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(&pki).unwrap();
        fs::write(pki.join("k"), b"old").unwrap();
        fs::set_permissions(pki.join("k"), fs::Permissions::from_mode(0o600)).unwrap();
        let before = tree_state(&pki);
        let mut txn = Txn::begin(cfg(&pki, &t.path().join("b"))).unwrap();
        txn.write(Tree::Pki, "k", b"new", None).unwrap();
        txn.verify_written().unwrap();
        fs::set_permissions(pki.join("k"), fs::Permissions::from_mode(0o666)).unwrap();
        let e = txn.verify_written().unwrap_err();
        assert!(
            matches!(
                &e,
                TxnError::Verify {
                    found: Mismatch::Mode {
                        found: 0o666,
                        expected: 0o600
                    },
                    ..
                }
            ),
            "{e}"
        );
        assert!(
            e.to_string()
                .ends_with("after writing: mode 0666 instead of 0600"),
            "{e}"
        );
        fs::set_permissions(pki.join("k"), fs::Permissions::from_mode(0o600)).unwrap();
        txn.verify_written().unwrap();
        if crate::sys::effective_uid() == 0 {
            std::os::unix::fs::chown(pki.join("k"), Some(4242), Some(4243)).unwrap();
            let e = txn.verify_written().unwrap_err();
            assert!(
                matches!(
                    &e,
                    TxnError::Verify {
                        found: Mismatch::Owner {
                            found: (4242, 4243),
                            ..
                        },
                        ..
                    }
                ),
                "{e}"
            );
            assert!(e.to_string().contains("owner 4242:4243 instead of"), "{e}");
        }
        fs::write(pki.join("k"), b"other").unwrap();
        assert!(txn.verify_written().is_err());
        txn.rollback().unwrap();
        assert_eq!(tree_state(&pki), before);
    }

    /// A copy of a link (the `.TS` copy oVirt keeps) is the file it points to, with that
    /// file's mode, not a 0777 file.
    #[test]
    fn a_backup_copy_of_a_link_has_the_targets_mode() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(&pki).unwrap();
        fs::write(pki.join("real"), b"data").unwrap();
        fs::set_permissions(pki.join("real"), fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink("real", pki.join("link")).unwrap();
        let mut txn = Txn::begin(cfg(&pki, &t.path().join("b"))).unwrap();
        let dst = txn.backup_copy(Tree::Pki, "link").unwrap();
        assert_eq!(fs::read(pki.join(&dst)).unwrap(), b"data");
        assert_eq!(mode(&pki.join(&dst)), 0o600);
        txn.commit().unwrap();
    }

    /// A replaced file keeps its SELinux label, a new file gets none of its own (the
    /// directory's default, as with `cp`), and a rollback puts the old file back with the
    /// label. Without SELinux only root may set `security.selinux` (the kernel keeps it like
    /// any attribute); the sys tests cover the same code with a `user.` attribute for anyone.
    #[test]
    fn a_write_keeps_the_selinux_label_of_the_file_it_replaces() {
        let t = tempfile::tempdir().unwrap();
        let pki = t.path().join("pki");
        fs::create_dir_all(&pki).unwrap();
        fs::write(pki.join("ca.pem"), b"old").unwrap();
        let label = b"system_u:object_r:cert_t:s0\0";
        let set = rustix::fs::setxattr(
            pki.join("ca.pem"),
            sys::SELINUX_XATTR,
            label,
            rustix::fs::XattrFlags::empty(),
        );
        if crate::sys::effective_uid() != 0 && set.is_err() {
            return;
        }
        set.unwrap();
        let mut txn = Txn::begin(cfg(&pki, &t.path().join("b"))).unwrap();
        txn.write(Tree::Pki, "ca.pem", b"new", None).unwrap();
        txn.write(Tree::Pki, "new.pem", b"n", Some(Meta::current(0o644)))
            .unwrap();
        let label_of = |rel: &str| sys::xattr(&pki.join(rel), sys::SELINUX_XATTR);
        assert_eq!(fs::read(pki.join("ca.pem")).unwrap(), b"new");
        assert_eq!(label_of("ca.pem").as_deref(), Some(&label[..]));
        assert_eq!(label_of("new.pem"), None);
        txn.rollback().unwrap();
        assert_eq!(fs::read(pki.join("ca.pem")).unwrap(), b"old");
        assert_eq!(label_of("ca.pem").as_deref(), Some(&label[..]));
        assert!(!pki.join("new.pem").exists());
    }
}

#[cfg(test)]
mod io_op_tests {
    use super::*;
    use crate::i18n::testing::{japanese, strict};
    use crate::i18n::{Lang, Messages};

    /// Every operation label: English as the change trail has always had it, Japanese under
    /// ja, the system's own words and the path kept.
    #[test]
    fn every_io_operation_keeps_its_english_and_has_japanese() {
        let en = Messages::new(Lang::En);
        let ja = Messages::new(Lang::Ja);
        assert!(IoOp::ALL.len() >= 38);
        for op in IoOp::ALL.iter().copied().chain([IoOp::Other("set xattr")]) {
            assert_eq!(IoOp::from_label(op.label()), op);
            let e = TxnError::Io {
                path: "/var/lib/backups".into(),
                op,
                source: std::io::Error::from_raw_os_error(20),
            };
            let t = e.text();
            assert_eq!(strict(&en, &t), e.to_string(), "{op:?}");
            assert_eq!(
                e.to_string(),
                format!(
                    "/var/lib/backups: {}: {}",
                    op.label(),
                    std::io::Error::from_raw_os_error(20)
                )
            );
            let j = strict(&ja, &t);
            assert!(j.starts_with("/var/lib/backups: "), "{j}");
            assert!(
                j.contains(&std::io::Error::from_raw_os_error(20).to_string()),
                "{j}"
            );
            if !matches!(op, IoOp::Other(_)) {
                let label = strict(&ja, &op.text());
                assert!(japanese(&label), "{op:?}: {label}");
            }
        }
        // A lower layer's label (sys::atomic_write) becomes the typed operation.
        let w: TxnError = crate::sys::WriteError {
            path: "/pki/serial.txt".into(),
            op: "create temporary file",
            source: std::io::Error::from_raw_os_error(28),
        }
        .into();
        assert!(matches!(
            w,
            TxnError::Io {
                op: IoOp::CreateTemporaryFile,
                ..
            }
        ));
    }
}
