//! `conf`, `resign` and `renew`: a planner turns the PKI directory into a [`Plan`] (plain
//! data, what `--dry-run` prints), and [`apply`] executes that same plan inside one `txn`
//! transaction, verifies the result, and rolls back on any failure.

mod apply;
mod check;
mod plan;
mod state;
pub mod txn;

pub use apply::{apply, interrupted, recover_interrupted, verify};
pub use check::preflight;
pub use plan::plan;

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::pki::catalog::{CaDef, EntityDef};
use crate::pki::conf::HostName;
use crate::pki::sign::{self, P12Family};
use crate::pki::sshcert::Vmconsole;
use txn::Fault;

/// Default CA validity when re-signing (the upgrade guide's runbook: 3650 days).
pub(crate) const DEFAULT_CA_DAYS: i64 = 3650;
/// oVirt 4.5: 1827 days for entity certificates, 398 for web certificates.
pub(crate) const ENTITY_DAYS: i64 = 1827;
pub(crate) const WEB_DAYS: i64 = 398;

/// Everything a change needs to know; built by the CLI.
#[derive(Debug, Clone)]
pub struct ChangeConfig {
    pub pki_dir: PathBuf,
    pub engine_conf_dir: Option<PathBuf>,
    pub now: i64,
    pub p12_password: String,
    /// CA validity from now when a CA is re-signed; `None`: [`DEFAULT_CA_DAYS`], but never
    /// earlier than the CA's current notAfter (a re-sign must not shorten a 20-year CA).
    pub ca_days: Option<i64>,
    /// Overrides the per-entity validity (1827 / 398).
    pub days: Option<i64>,
    /// Overrides the p12 format family kept from the original.
    pub p12_format: Option<P12Family>,
    pub backup_root: PathBuf,
    pub lock_timeout: Duration,
    /// The 4.2–4.4 lock directory (`None`: the live [`txn::LEGACY_LOCK_DIR`]); taken when
    /// [`txn::LockEra::of`] the PKI dir says so, by every change and recovery alike.
    pub legacy_lock_dir: Option<PathBuf>,
    pub fault: Option<Fault>,
    /// Expiry windows per role class (config.toml `[thresholds]`): `renew` re-issues and
    /// `resign --all` includes what is inside its class's warning window.
    pub windows: crate::audit::alert::Thresholds,
}

/// What the admin asked for.
#[derive(Debug, Clone)]
pub enum Request {
    /// Fix `openssl.conf` `default_md` only.
    Conf,
    /// Re-sign with SHA-256 keeping keys. `all`: every CA and entity that is weak (SHA-1/MD5
    /// signature, RC2-40 or friendlyName p12, missing or wrong SAN, web validity too long) or
    /// due (the renew windows), each skipped one said why; `force` re-signs healthy ones too.
    /// Named certificates are re-signed as asked.
    Resign {
        all: bool,
        names: Vec<String>,
        force: bool,
    },
    /// Re-issue what expires within the window (per-entity defaults when `within` is None).
    Renew {
        within: Option<i64>,
        names: Vec<String>,
        new_key: bool,
    },
}

/// A refusal or bad input found while planning: nothing has been changed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Read(#[from] crate::Error),
    #[error(transparent)]
    Txn(#[from] txn::TxnError),
    #[error(transparent)]
    Sign(#[from] sign::SignError),
    #[error(
        "the PKI directory changed since the plan was made ({0}); nothing was changed, run again"
    )]
    Stale(Stale),
    #[error(
        "verification failed after writing, everything was rolled back (backup {backup}): {reason}"
    )]
    Verify {
        backup: String,
        #[source]
        reason: Box<VerifyError>,
    },
    #[error("{reason}; everything was rolled back (backup {backup})")]
    RolledBack {
        backup: String,
        #[source]
        reason: Box<ChangeError>,
    },
}

/// Why a change is refused before anything is written, with what was found.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("{}: not a directory (is this the Manager's PKI directory?)", .dir.display())]
    NotADirectory { dir: PathBuf },
    #[error("{}: missing; nothing can be signed (restore ca.pem, e.g. from certs/ca.der)", .path.display())]
    CaMissing { path: PathBuf },
    #[error("{}: the {ca} private key is missing; cannot sign anything (restore it from a backup)", .path.display())]
    CaKeyMissing { path: PathBuf, ca: &'static str },
    #[error("{}: does not belong to {cert}; refusing to sign", .path.display())]
    CaKeyMismatch { path: PathBuf, cert: &'static str },
    #[error("unknown certificate name '{name}'; known: {}", .known.join(", "))]
    UnknownName {
        name: String,
        known: Vec<&'static str>,
    },
    #[error("refusing to rotate the engine key: it decrypts the secrets in the engine database, is the SSH key to every host and signs console tickets; renew engine with --keep-key")]
    EngineKeyNamed,
    #[error("refusing to rotate the engine key (engine is due): it decrypts the engine database secrets and is the SSH key to every host; run without --new-key, or name the other certificates explicitly")]
    EngineKeyDue,
    #[error("{}: no such file; {name} is not enrolled on this Manager", .p12.display())]
    NotEnrolled { p12: PathBuf, name: &'static str },
    /// A named entity that is third-party or broken.
    #[error("{name}: {why}; refusing to touch it")]
    HandsOff { name: &'static str, why: String },
    /// `--all` with broken entities (each `name: why`).
    #[error("not re-signing anything while files are broken (restore them, or name the other certificates explicitly): {}", .broken.join("; "))]
    Broken { broken: Vec<String> },
    #[error("{}: {reason}", .path.display())]
    BadSerial { path: PathBuf, reason: String },
    /// `ENGINE_FQDN` is set but is not a host name (the reason names the file and value).
    #[error("{reason}")]
    BadEngineFqdn { reason: String },
    #[error("ENGINE_FQDN not found in {}; needed for {needed_for}", .conf_dir.as_ref().map(|d| d.display().to_string()).unwrap_or_else(|| "engine.conf.d (none given)".into()))]
    NoEngineFqdn {
        conf_dir: Option<PathBuf>,
        needed_for: String,
    },
    #[error("{}: missing; nothing was changed", .path.display())]
    Missing { path: PathBuf },
    #[error("{}: {source}; nothing was changed", .path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A link the writes would not follow (see [`txn::resolve_write`]).
    #[error("{0}; nothing was changed")]
    Link(#[source] txn::TxnError),
    #[error("{} and {} are the same file ({}) through a symbolic link; each must be its own file, nothing was changed", .first.display(), .second.display(), .real.display())]
    SameFile {
        first: PathBuf,
        second: PathBuf,
        real: PathBuf,
    },
    #[error("{}: {source} (trust store password from {}); nothing was changed", .path.display(), .password_from.as_ref().map_or_else(|| "oVirt's default".into(), |p| p.display().to_string()))]
    Truststore {
        path: PathBuf,
        #[source]
        source: crate::pki::truststore::StoreError,
        /// Where the trust store password came from (`None`: oVirt's default).
        password_from: Option<PathBuf>,
    },
    #[error("{}: not writable ({source}); nothing was changed", .dir.display())]
    NotWritable {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Rewriting `.truststore` failed while applying.
    #[error(".truststore: {0}")]
    TruststoreRewrite(#[source] TruststoreRewrite),
}

/// Why `.truststore` could not be rewritten with a re-signed CA.
#[derive(Debug, thiserror::Error)]
pub enum TruststoreRewrite {
    #[error("{0}")]
    Pem(String),
    #[error(transparent)]
    Store(#[from] crate::pki::truststore::StoreError),
}

impl VerifyError {
    fn read(e: ChangeError) -> VerifyError {
        VerifyError::Read(Box::new(e))
    }
}

/// What changed between planning and applying (checked under the lock).
#[derive(Debug, thiserror::Error)]
pub enum Stale {
    /// An input file (relative to the PKI directory) differs or is gone.
    #[error("{0}")]
    File(String),
    #[error("serial.txt: {reason}")]
    SerialUnreadable { reason: String },
    #[error("serial.txt is {} but the plan issues {}", sign::serial_text(*.found), sign::serial_text(*.planned))]
    Serial { found: u128, planned: u128 },
}

/// What the post-write check found wrong (then everything is rolled back).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// Reading back what was written failed.
    #[error("{0}")]
    Read(#[source] Box<ChangeError>),
    /// A file the change wrote is gone (`ca.pem`, `CA`, `keys/<name>.p12`).
    #[error("{0} vanished")]
    Vanished(String),
    #[error("{file}: signed {found}")]
    NotSha256 { file: String, found: String },
    #[error("{file}: serial changed")]
    SerialChanged { file: &'static str },
    #[error("{file}: self-signature does not verify")]
    SelfSignature { file: &'static str },
    #[error("{copy} differs from {of}")]
    CopyDiffers {
        copy: &'static str,
        of: &'static str,
    },
    #[error("{file}: {source}")]
    Unreadable {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: no longer verifies against the re-signed {ca}", .path.display())]
    NoLongerVerifies { path: PathBuf, ca: &'static str },
    #[error("{name}: {why}")]
    HandsOff { name: &'static str, why: String },
    #[error("{name}: serial {found} instead of {expected}")]
    WrongSerial {
        name: &'static str,
        found: String,
        expected: String,
    },
    #[error("{}: not the issued certificate", .path.display())]
    NotIssued { path: PathBuf },
    #[error("keys/{name}.p12: {reason}")]
    P12Unreadable { name: &'static str, reason: String },
    #[error("keys/{name}.p12: written as {format}")]
    P12Format { name: &'static str, format: String },
    #[error(transparent)]
    Key(#[from] openssl::error::ErrorStack),
    #[error(transparent)]
    SshKey(#[from] sign::SignError),
    #[error("{file}: {reason}")]
    SshCert { file: String, reason: String },
    #[error("{file}: {}", .problems.join("; "))]
    SshProblems { file: String, problems: Vec<String> },
    #[error("{file}: not the certificate planned")]
    SshNotPlanned { file: String },
    #[error("{file}: {source}")]
    SshPublicKey {
        file: String,
        #[source]
        source: ssh_key::Error,
    },
    #[error("{file}: not the key of keys/{name}.p12")]
    SshNotTheKey { file: String, name: &'static str },
    /// The transaction's own check: content, mode, owner, links.
    #[error(transparent)]
    Written(#[from] txn::TxnError),
}

pub(crate) type Result<T> = std::result::Result<T, ChangeError>;

/// `openssl.conf` fix.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfChange {
    pub path: String,
    pub line: usize,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ItemKind {
    Ca,
    Entity,
}

/// Whether a re-issued certificate keeps its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyUse {
    Kept,
    New,
}

impl KeyUse {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            KeyUse::Kept => "kept",
            KeyUse::New => "new",
        }
    }
}

impl std::fmt::Display for KeyUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// What the executor does for one [`Item`], decided by the planner. The item's other fields
/// are its description (the table and the JSON); the executor and the post-write check read
/// only this, never those strings.
#[derive(Debug, Clone)]
pub(crate) enum Action {
    /// Re-sign a CA with its own key, keeping its serial (`resign`, or `renew` of a CA).
    ResignCa {
        ca: &'static CaDef,
        not_before: i64,
        not_after: i64,
        /// `.truststore` exists: the re-signed CA replaces its entry under the CA's alias.
        rewrite_truststore: bool,
        /// `apache-ca.pem` is a regular-file copy of ca.pem (not the usual link): it follows.
        refresh_apache_copy: bool,
    },
    /// Issue an entity a new certificate for its subject, signed by the CA (`resign` and
    /// `renew` alike), with every file oVirt keeps of it.
    Reissue {
        entity: &'static EntityDef,
        /// The serial `serial.txt` must hold when it is issued.
        serial: u128,
        key: KeyUse,
        p12: P12Family,
        not_before: i64,
        not_after: i64,
    },
}

/// One certificate to re-issue.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub name: String,
    pub(crate) kind: ItemKind,
    pub reason: String,
    /// Files written (relative to the PKI dir), `.YYYYmmddHHMMSS` backups not included.
    pub(crate) files: Vec<String>,
    pub old_serial: String,
    /// Same as `old_serial` for a CA (it must keep its serial).
    pub new_serial: String,
    pub old_signature: String,
    pub new_signature: &'static str,
    pub old_not_after: String,
    pub(crate) new_not_before: String,
    pub new_not_after: String,
    pub key: KeyUse,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p12_format: Option<String>,
    /// A vmconsole proxy entity's OpenSSH certificate, re-issued with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub openssh: Option<OpensshItem>,
    /// What the executor does (the fields above describe it).
    #[serde(skip)]
    pub(crate) action: Action,
}

/// The OpenSSH certificate of a vmconsole proxy entity (`certs/<name>-cert.pub`), re-issued
/// with its X.509 certificate as `pki-enroll-openssh-cert.sh` does (src/sshcert.rs): the
/// entity's key (kept unless `key` is `new`), signed by the CA key, `-V -1h:+<days>d`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpensshItem {
    pub file: String,
    /// `host` or `user`.
    pub cert_type: &'static str,
    pub key_id: String,
    pub principals: Vec<String>,
    /// `None`: the certificate was missing (or unreadable).
    pub old_not_after: Option<String>,
    pub(crate) new_not_before: String,
    pub new_not_after: String,
    /// `certs/<name>.pub` rewritten too (a new key, or it did not hold the entity's key).
    pub public_key_file: Option<String>,
    /// The copy the proxy reads, outside the PKI directory: a manual step.
    pub(crate) proxy_copy: String,
    /// Which of the two certificates (host or user): what the executor issues.
    #[serde(skip)]
    which: Vmconsole,
    #[serde(skip)]
    valid_after: i64,
    #[serde(skip)]
    valid_before: i64,
}

/// Something deliberately left alone.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub name: String,
    pub reason: String,
}

/// The plan: printed by `--dry-run`, executed as is by [`apply`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub command: Command,
    pub pki_dir: String,
    pub engine_fqdn: Option<String>,
    /// `ENGINE_FQDN` as checked by the planner (what `engine_fqdn` shows): the SAN of web
    /// certificates and the principal of the vmconsole host certificate.
    #[serde(skip)]
    pub(crate) engine_host: Option<HostName>,
    pub conf: Option<ConfChange>,
    pub items: Vec<Item>,
    pub skipped: Vec<Skipped>,
    /// Services to restart once applied.
    pub services: Vec<String>,
    /// Follow-up work for the admin (host re-enrollment after a CA change…).
    pub notes: Vec<String>,
    /// sha256 of every input file at planning time; checked again under the lock.
    #[serde(skip)]
    pub(crate) inputs: Vec<(String, Option<String>)>,
}

/// Which change command a plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Command {
    Conf,
    Resign,
    Renew,
}

impl Command {
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Conf => "conf",
            Command::Resign => "resign",
            Command::Renew => "renew",
        }
    }
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.conf.is_none() && self.items.is_empty()
    }

    /// Whether an entity is re-issued (then the CA key signs, and the index is written).
    fn reissues_entities(&self) -> bool {
        self.items
            .iter()
            .any(|i| matches!(i.action, Action::Reissue { .. }))
    }

    /// `ENGINE_FQDN` as a name (a DNS name or an IP address literal), when the plan has one.
    fn engine_name(&self) -> Option<String> {
        self.engine_host.as_ref().map(host_text)
    }
}

/// A checked `ENGINE_FQDN` as written: the DNS name, or the IP address literal.
fn host_text(h: &HostName) -> String {
    match h {
        HostName::Dns(d) => d.clone(),
        HostName::Ip(a) => a.to_string(),
    }
}

/// What [`apply`] did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    pub changed: bool,
    pub backup: Option<String>,
    pub backup_dir: Option<String>,
    pub files_written: Vec<String>,
    /// Interrupted earlier runs rolled back before this one.
    pub recovered: Vec<String>,
    pub manual_steps: Vec<String>,
}

/// Progress reporting: only the binary knows how to show it.
pub trait Progress {
    fn step(&mut self, what: &str);
}

/// Ignores progress.
pub struct Quiet;
impl Progress for Quiet {
    fn step(&mut self, _: &str) {}
}
