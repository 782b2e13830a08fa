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

use crate::i18n::Text;

/// Default CA validity when re-signing (the upgrade guide's runbook: 3650 days).
pub(crate) const DEFAULT_CA_DAYS: i64 = 3650;
/// oVirt 4.5: 1827 days for entity certificates, 398 for web certificates.
pub(crate) const ENTITY_DAYS: i64 = 1827;
pub(crate) const WEB_DAYS: i64 = 398;

/// Everything a change needs to know; built by the CLI.
#[derive(Debug, Clone)]
pub struct ChangeConfig {
    /// The Manager's PKI directory (`/etc/pki/ovirt-engine`).
    pub pki_dir: PathBuf,
    /// engine.conf.d, read for `ENGINE_FQDN` (the SAN of re-issued web certificates); `None` when not given.
    pub engine_conf_dir: Option<PathBuf>,
    /// Time the new certificates start from and backups are named after, Unix seconds (UTC); passed in, never read from the clock.
    pub now: i64,
    /// Password of the entity PKCS#12 stores (oVirt's default is `mypass`).
    pub p12_password: String,
    /// CA validity from now when a CA is re-signed; `None`: 3650 days, but never
    /// earlier than the CA's current notAfter (a re-sign must not shorten a 20-year CA).
    pub ca_days: Option<i64>,
    /// Overrides the per-entity validity (1827 / 398).
    pub days: Option<i64>,
    /// Overrides the p12 format family kept from the original.
    pub p12_format: Option<P12Family>,
    /// Where the backup of every file about to change is made (one timestamped directory per change).
    pub backup_root: PathBuf,
    /// How long to wait for the PKI lock (`ca.pem`'s flock, shared with engine-setup and the Manager) before giving up.
    pub lock_timeout: Duration,
    /// The 4.2–4.4 lock directory (`None`: the live `/tmp/ovirt-engine-pki.v2.lock`); taken when
    /// the PKI dir's era says so, by every change and recovery alike.
    pub legacy_lock_dir: Option<PathBuf>,
    /// Test builds only (feature `fault-injection`): which PKI write fails or aborts; `None` in a product build.
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
        /// Every SHA-1 certificate of the catalog (`--all`).
        all: bool,
        /// Certificates named on the command line (catalog names).
        names: Vec<String>,
        /// Re-sign even what is already SHA-256 (`--force`).
        force: bool,
    },
    /// Re-issue what expires within the window (per-entity defaults when `within` is None).
    Renew {
        /// Renew what expires within this many days; `None`: each class's own warning window.
        within: Option<i64>,
        /// Certificates named on the command line (catalog names); empty: every one that is due.
        names: Vec<String>,
        /// Issue new keys instead of keeping the old ones (`--new-key`; never the engine key).
        new_key: bool,
    },
}

/// A refusal or bad input found while planning: nothing has been changed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    /// The request cannot be carried out on this PKI; nothing was changed.
    Refused(#[from] Refusal),
    #[error(transparent)]
    /// A PKI file could not be read or parsed while planning; nothing was changed.
    Read(#[from] crate::Error),
    #[error(transparent)]
    /// The transaction (backup, lock, writes, rollback) failed.
    Txn(#[from] txn::TxnError),
    #[error(transparent)]
    /// Signing a certificate failed.
    Sign(#[from] sign::SignError),
    #[error(
        "the PKI directory changed since the plan was made ({0}); nothing was changed, run again"
    )]
    /// The directory changed between planning and applying.
    Stale(Stale),
    #[error(
        "verification failed after writing, everything was rolled back (backup {backup}): {reason}"
    )]
    /// The written PKI did not verify; every file was restored from the backup.
    Verify {
        /// The backup directory the files were restored from.
        backup: String,
        #[source]
        /// What did not verify.
        reason: Box<VerifyError>,
    },
    #[error("{reason}; everything was rolled back (backup {backup})")]
    /// A step failed after writing began; every file was restored from the backup.
    RolledBack {
        /// The backup directory the files were restored from.
        backup: String,
        #[source]
        /// The failure that caused the rollback.
        reason: Box<ChangeError>,
    },
}

/// Why a change is refused before anything is written, with what was found.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("{}: not a directory (is this the Manager's PKI directory?)", .dir.display())]
    /// The PKI directory is not a directory.
    NotADirectory {
        /// The path given.
        dir: PathBuf,
    },
    #[error("{}: missing; nothing can be signed (restore ca.pem, e.g. from certs/ca.der)", .path.display())]
    /// `ca.pem` is missing.
    CaMissing {
        /// The `ca.pem` path.
        path: PathBuf,
    },
    #[error("{}: the {ca} private key is missing; cannot sign anything (restore it from a backup)", .path.display())]
    /// The CA's private key is missing.
    CaKeyMissing {
        /// Where the key should be.
        path: PathBuf,
        /// The CA (catalog name).
        ca: &'static str,
    },
    #[error("{}: does not belong to {cert}; refusing to sign", .path.display())]
    /// The CA's private key does not belong to its certificate.
    CaKeyMismatch {
        /// The key file.
        path: PathBuf,
        /// The CA certificate it should belong to.
        cert: &'static str,
    },
    #[error("unknown certificate name '{name}'; known: {}", .known.join(", "))]
    /// A name given is not in the catalog.
    UnknownName {
        /// The name given.
        name: String,
        /// The catalog names that are accepted.
        known: Vec<&'static str>,
    },
    #[error("refusing to rotate the engine key: it decrypts the secrets in the engine database, is the SSH key to every host and signs console tickets; renew engine with --keep-key")]
    /// `renew engine` without `--keep-key`: the engine key is never rotated.
    EngineKeyNamed,
    #[error("refusing to rotate the engine key (engine is due): it decrypts the engine database secrets and is the SSH key to every host; run without --new-key, or name the other certificates explicitly")]
    /// `renew --new-key` with `engine` due: the engine key is never rotated.
    EngineKeyDue,
    #[error("{}: no such file; {name} is not enrolled on this Manager", .p12.display())]
    /// The entity named has no store on this Manager.
    NotEnrolled {
        /// The store that would hold it.
        p12: PathBuf,
        /// The entity (catalog name).
        name: &'static str,
    },
    /// A named entity that is third-party or broken.
    #[error("{name}: {why}; refusing to touch it")]
    HandsOff {
        /// The entity (catalog name).
        name: &'static str,
        /// Why it is left alone (rhv-pki's words, a catalogue message).
        why: Text,
    },
    /// `--all` with broken entities (each `name: why`).
    #[error("not re-signing anything while files are broken (restore them, or name the other certificates explicitly): {}", .broken.iter().map(|(n, w)| format!("{n}: {w}")).collect::<Vec<_>>().join("; "))]
    Broken {
        /// Each broken entity: its name and why.
        broken: Vec<(&'static str, Text)>,
    },
    #[error("{}: {reason}", .path.display())]
    /// `serial.txt` cannot be used to issue.
    BadSerial {
        /// The `serial.txt` path.
        path: PathBuf,
        /// What is wrong with it.
        reason: crate::pki::conf::SerialError,
    },
    /// `ENGINE_FQDN` is set but is not a host name (the reason names the file and value).
    #[error("{reason}")]
    BadEngineFqdn {
        /// The file, the value and what is wrong with it (a catalogue message).
        reason: Text,
    },
    #[error("ENGINE_FQDN not found in {}; needed for {needed_for}", .conf_dir.as_ref().map(|d| d.display().to_string()).unwrap_or_else(|| "engine.conf.d (none given)".into()))]
    /// `ENGINE_FQDN` is needed but not found.
    NoEngineFqdn {
        /// The engine.conf.d directory searched, when one was given.
        conf_dir: Option<PathBuf>,
        /// What needs it (the web certificates' SAN).
        needed_for: String,
    },
    #[error("{}: missing; nothing was changed", .path.display())]
    /// A file the change needs is missing.
    Missing {
        /// The missing file.
        path: PathBuf,
    },
    #[error("{}: {source}; nothing was changed", .path.display())]
    /// A file the change needs cannot be read.
    Unreadable {
        /// The file.
        path: PathBuf,
        #[source]
        /// The I/O error.
        source: std::io::Error,
    },
    /// A link the writes would not follow (see `txn::resolve_write`).
    #[error("{0}; nothing was changed")]
    Link(#[source] txn::TxnError),
    #[error("{} and {} are the same file ({}) through a symbolic link; each must be its own file, nothing was changed", .first.display(), .second.display(), .real.display())]
    /// Two files the change writes are one file through a symbolic link.
    SameFile {
        /// The first path as named in the PKI dir.
        first: PathBuf,
        /// The second path as named in the PKI dir.
        second: PathBuf,
        /// The file both resolve to.
        real: PathBuf,
    },
    #[error("{}: {source} (trust store password from {}); nothing was changed", .path.display(), .password_from.as_ref().map_or_else(|| "oVirt's default".into(), |p| p.display().to_string()))]
    /// `.truststore` cannot be read with its password.
    Truststore {
        /// The trust store file.
        path: PathBuf,
        #[source]
        /// What failed reading it.
        source: crate::pki::truststore::StoreError,
        /// Where the trust store password came from (`None`: oVirt's default).
        password_from: Option<PathBuf>,
    },
    #[error("{}: not writable ({source}); nothing was changed", .dir.display())]
    /// A directory the change writes to is not writable.
    NotWritable {
        /// The directory.
        dir: PathBuf,
        #[source]
        /// The error of the write test.
        source: std::io::Error,
    },
    /// Rewriting `.truststore` failed while applying.
    #[error(".truststore: {0}")]
    TruststoreRewrite(#[source] TruststoreRewrite),
}

impl ChangeError {
    /// The error line as a catalogue message: rhv-pki's words in the reader's language, the
    /// evidence (paths, OpenSSL's and the system's words) as it came. Its English is the
    /// `Display`, byte for byte.
    pub fn text(&self) -> Text {
        let t = Text::new;
        match self {
            ChangeError::Refused(r) => r.text(),
            ChangeError::Read(e) => e.text(),
            ChangeError::Txn(e) => e.text(),
            ChangeError::Stale(what) => t("change-stale").arg_text("what", what.text()),
            ChangeError::Verify { backup, reason } => t("change-verify-failed")
                .arg("backup", backup)
                .arg_text("reason", reason.text()),
            ChangeError::RolledBack { backup, reason } => t("change-rolled-back")
                .arg("backup", backup)
                .arg_text("reason", reason.text()),
            ChangeError::Sign(e) => e.text(),
        }
    }
}

impl Refusal {
    /// The refusal as a catalogue message (see [`ChangeError::text`]); English: the `Display`.
    pub fn text(&self) -> Text {
        let t = Text::new;
        let nothing_changed = |e: Text| t("change-nothing-changed").arg_text("error", e);
        match self {
            Refusal::NotADirectory { dir } => {
                t("refusal-not-a-directory").arg("dir", dir.display())
            }
            Refusal::CaMissing { path } => t("refusal-ca-missing").arg("path", path.display()),
            Refusal::CaKeyMissing { path, ca } => t("refusal-ca-key-missing")
                .arg("path", path.display())
                .arg("ca", ca),
            Refusal::CaKeyMismatch { path, cert } => t("refusal-ca-key-mismatch")
                .arg("path", path.display())
                .arg("cert", cert),
            Refusal::UnknownName { name, known } => t("refusal-unknown-name")
                .arg("name", name)
                .arg("known", known.join(", ")),
            Refusal::EngineKeyNamed => t("refusal-engine-key-named"),
            Refusal::EngineKeyDue => t("refusal-engine-key-due"),
            Refusal::NotEnrolled { p12, name } => t("refusal-not-enrolled")
                .arg("path", p12.display())
                .arg("name", name),
            Refusal::HandsOff { name, why } => t("refusal-hands-off")
                .arg("name", name)
                .arg_text("why", why.clone()),
            Refusal::Broken { broken } => {
                // `a: why; b: why…` as one message, each why in the reader's language.
                let entry = |(n, w): &(&'static str, Text)| {
                    t("change-broken-entry")
                        .arg("name", n)
                        .arg_text("why", w.clone())
                };
                let list = broken
                    .iter()
                    .rev()
                    .map(entry)
                    .reduce(|rest, first| {
                        t("change-list")
                            .arg_text("first", first)
                            .arg_text("rest", rest)
                    })
                    .unwrap_or_else(|| Text::verbatim(""));
                t("refusal-broken").arg_text("broken", list)
            }
            Refusal::BadSerial { path, reason } => t("pki-error-in-file")
                .arg("path", path.display())
                .arg_text("detail", crate::pki::conf::serial_error_text(reason)),
            Refusal::BadEngineFqdn { reason } => reason.clone(),
            Refusal::NoEngineFqdn {
                conf_dir,
                needed_for,
            } => {
                let dir = match conf_dir {
                    Some(d) => Text::verbatim(d.display()),
                    None => t("refusal-conf-dir-none"),
                };
                // What needs it, as plan.rs words it.
                let needed = if let Some(n) = needed_for.strip_prefix("the subjectAltName of ") {
                    t("refusal-needed-san").arg("name", n)
                } else if let Some(n) = needed_for.strip_prefix("the principal of ") {
                    t("refusal-needed-principal").arg("name", n)
                } else {
                    Text::verbatim(needed_for)
                };
                t("refusal-no-engine-fqdn")
                    .arg_text("dir", dir)
                    .arg_text("needed_for", needed)
            }
            Refusal::Missing { path } => t("refusal-missing").arg("path", path.display()),
            Refusal::Unreadable { path, source } => nothing_changed(
                t("pki-error-in-file")
                    .arg("path", path.display())
                    .arg_text("detail", crate::i18n::io_error(source)),
            ),
            Refusal::Link(e) => nothing_changed(e.text()),
            Refusal::SameFile {
                first,
                second,
                real,
            } => t("refusal-same-file")
                .arg("first", first.display())
                .arg("second", second.display())
                .arg("real", real.display()),
            Refusal::Truststore {
                path,
                source,
                password_from,
            } => {
                let from = match password_from {
                    Some(p) => Text::verbatim(p.display()),
                    None => t("refusal-truststore-default-password"),
                };
                let error = source.text();
                t("refusal-truststore")
                    .arg("path", path.display())
                    .arg_text("error", error)
                    .arg_text("from", from)
            }
            Refusal::NotWritable { dir, source } => t("refusal-not-writable")
                .arg("dir", dir.display())
                .arg_text("error", crate::i18n::io_error(source)),
            Refusal::TruststoreRewrite(e) => {
                t("txn-truststore-rewrite").arg_text("error", e.text())
            }
        }
    }
}

/// Why `.truststore` could not be rewritten with a re-signed CA.
#[derive(Debug, thiserror::Error)]
pub enum TruststoreRewrite {
    #[error("{0}")]
    /// A CA certificate could not be encoded for the store.
    Pem(String),
    #[error(transparent)]
    /// The store could not be written.
    Store(#[from] crate::pki::truststore::StoreError),
}

impl TruststoreRewrite {
    /// The error as a catalogue message; English: the `Display`, byte for byte.
    pub fn text(&self) -> Text {
        match self {
            TruststoreRewrite::Pem(_) => Text::verbatim(self),
            TruststoreRewrite::Store(e) => e.text(),
        }
    }
}

impl VerifyError {
    fn read(e: ChangeError) -> VerifyError {
        VerifyError::Read(Box::new(e))
    }

    /// What did not verify as a catalogue message: rhv-pki's words in the reader's language,
    /// the files, serials and the libraries' words as they came. English: the `Display`.
    pub fn text(&self) -> Text {
        let t = Text::new;
        let in_file = |path: &dyn std::fmt::Display, detail: Text| {
            t("pki-error-in-file")
                .arg("path", path)
                .arg_text("detail", detail)
        };
        match self {
            VerifyError::Read(e) => e.text(),
            VerifyError::Vanished(file) => t("verify-vanished").arg("file", file),
            VerifyError::NotSha256 { file, found } => {
                t("verify-not-sha256").arg("file", file).arg("found", found)
            }
            VerifyError::SerialChanged { file } => t("verify-serial-changed").arg("file", file),
            VerifyError::SelfSignature { file } => t("verify-self-signature").arg("file", file),
            VerifyError::CopyDiffers { copy, of } => {
                t("verify-copy-differs").arg("copy", copy).arg("of", of)
            }
            VerifyError::Unreadable { file, source } => {
                in_file(file, crate::i18n::io_error(source))
            }
            VerifyError::NoLongerVerifies { path, ca } => t("verify-no-longer-verifies")
                .arg("path", path.display())
                .arg("ca", ca),
            VerifyError::HandsOff { name, why } => t("verify-hands-off")
                .arg("name", name)
                .arg_text("why", why.clone()),
            VerifyError::WrongSerial {
                name,
                found,
                expected,
            } => t("verify-wrong-serial")
                .arg("name", name)
                .arg("found", found)
                .arg("expected", expected),
            VerifyError::NotIssued { path } => t("verify-not-issued").arg("path", path.display()),
            VerifyError::P12Unreadable { name, reason } => t("verify-p12-unreadable")
                .arg("name", name)
                .arg("reason", reason),
            VerifyError::P12Format { name, format } => t("verify-p12-format")
                .arg("name", name)
                .arg("format", format),
            VerifyError::Key(e) => Text::verbatim(e),
            VerifyError::SshKey(e) => e.text(),
            VerifyError::SshCert { file, reason } => in_file(file, reason.clone()),
            VerifyError::SshProblems { file, problems } => in_file(
                file,
                problems
                    .iter()
                    .rev()
                    .cloned()
                    .reduce(|rest, first| {
                        t("verify-problem-list")
                            .arg_text("first", first)
                            .arg_text("rest", rest)
                    })
                    .unwrap_or_else(|| Text::verbatim("")),
            ),
            VerifyError::SshNotPlanned { file } => t("verify-ssh-not-planned").arg("file", file),
            VerifyError::SshPublicKey { file, source } => in_file(file, Text::verbatim(source)),
            VerifyError::SshNotTheKey { file, name } => t("verify-ssh-not-the-key")
                .arg("file", file)
                .arg("name", name),
            VerifyError::Written(e) => e.text(),
        }
    }
}

/// What changed between planning and applying (checked under the lock).
#[derive(Debug, thiserror::Error)]
pub enum Stale {
    /// An input file (relative to the PKI directory) differs or is gone.
    #[error("{0}")]
    File(String),
    #[error("serial.txt: {reason}")]
    /// `serial.txt` cannot be read any more.
    SerialUnreadable {
        /// The parse error.
        reason: crate::pki::conf::SerialError,
    },
    #[error("serial.txt is {} but the plan issues {}", sign::serial_text(*.found), sign::serial_text(*.planned))]
    /// `serial.txt` moved since planning: something else issued a certificate.
    Serial {
        /// The serial now in `serial.txt`.
        found: u128,
        /// The serial the plan would issue next.
        planned: u128,
    },
}

impl Stale {
    /// What changed as a catalogue message: the file names and serials as they are, rhv-pki's
    /// words in the reader's language. English: the `Display`, byte for byte.
    pub fn text(&self) -> Text {
        match self {
            Stale::File(f) => Text::verbatim(f),
            Stale::SerialUnreadable { reason } => Text::new("change-stale-serial-unreadable")
                .arg_text("reason", crate::pki::conf::serial_error_text(reason)),
            Stale::Serial { found, planned } => Text::new("change-stale-serial-moved")
                .arg("found", sign::serial_text(*found))
                .arg("planned", sign::serial_text(*planned)),
        }
    }
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
    /// A written certificate is not signed with SHA-256.
    NotSha256 {
        /// The certificate file.
        file: String,
        /// The signature algorithm found.
        found: String,
    },
    #[error("{file}: serial changed")]
    /// A re-signed CA changed its serial.
    SerialChanged {
        /// The CA file.
        file: &'static str,
    },
    #[error("{file}: self-signature does not verify")]
    /// A re-signed CA's self-signature does not verify.
    SelfSignature {
        /// The CA file.
        file: &'static str,
    },
    #[error("{copy} differs from {of}")]
    /// A copy of a CA certificate does not equal the CA after writing.
    CopyDiffers {
        /// The copy (relative to the PKI dir).
        copy: &'static str,
        /// The CA file it should equal.
        of: &'static str,
    },
    #[error("{file}: {source}")]
    /// A written file cannot be read back.
    Unreadable {
        /// The file.
        file: String,
        #[source]
        /// The I/O error.
        source: std::io::Error,
    },
    #[error("{}: no longer verifies against the re-signed {ca}", .path.display())]
    /// A certificate signed by the CA no longer verifies against the re-signed CA.
    NoLongerVerifies {
        /// The certificate.
        path: PathBuf,
        /// The CA (catalog name).
        ca: &'static str,
    },
    #[error("{name}: {why}")]
    /// A file the change must not touch was changed.
    HandsOff {
        /// The entity (catalog name).
        name: &'static str,
        /// What changed (a catalogue message).
        why: Text,
    },
    #[error("{name}: serial {found} instead of {expected}")]
    /// A re-issued certificate has another serial than planned.
    WrongSerial {
        /// The catalog name of the certificate.
        name: &'static str,
        /// The serial found, hex.
        found: String,
        /// The serial planned, hex.
        expected: String,
    },
    #[error("{}: not the issued certificate", .path.display())]
    /// The certificate on disk is not the one issued.
    NotIssued {
        /// The certificate file.
        path: PathBuf,
    },
    #[error("keys/{name}.p12: {reason}")]
    /// A written PKCS#12 cannot be opened with its password.
    P12Unreadable {
        /// The entity (catalog name).
        name: &'static str,
        /// The error opening it.
        reason: String,
    },
    #[error("keys/{name}.p12: written as {format}")]
    /// A written PKCS#12 is not in the flavour planned (the one the Manager's era reads).
    P12Format {
        /// The entity (catalog name).
        name: &'static str,
        /// The flavour found.
        format: String,
    },
    #[error(transparent)]
    /// OpenSSL failed comparing keys.
    Key(#[from] openssl::error::ErrorStack),
    #[error(transparent)]
    /// Reading an SSH key failed.
    SshKey(#[from] sign::SignError),
    #[error("{file}: {reason}")]
    /// A written OpenSSH certificate cannot be parsed.
    SshCert {
        /// The certificate file.
        file: String,
        /// The parse error (the parser's words quoted in a catalogue message).
        reason: Text,
    },
    #[error("{file}: {}", .problems.iter().map(Text::english).collect::<Vec<_>>().join("; "))]
    /// A written OpenSSH certificate has the problems listed.
    SshProblems {
        /// The certificate file.
        file: String,
        /// What is wrong, one item each (catalogue messages).
        problems: Vec<Text>,
    },
    #[error("{file}: not the certificate planned")]
    /// A written OpenSSH certificate is not the one planned.
    SshNotPlanned {
        /// The certificate file.
        file: String,
    },
    #[error("{file}: {source}")]
    /// The public key next to an OpenSSH certificate cannot be read.
    SshPublicKey {
        /// The file.
        file: String,
        #[source]
        /// The parse error.
        source: ssh_key::Error,
    },
    #[error("{file}: not the key of keys/{name}.p12")]
    /// The OpenSSH certificate's key is not the key of the store it was made from.
    SshNotTheKey {
        /// The certificate file.
        file: String,
        /// The entity whose key it should certify.
        name: &'static str,
    },
    /// The transaction's own check: content, mode, owner, links.
    #[error(transparent)]
    Written(#[from] txn::TxnError),
}

pub(crate) type Result<T> = std::result::Result<T, ChangeError>;

/// `openssl.conf` fix.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfChange {
    /// The configuration file (relative to the PKI dir).
    pub path: String,
    /// 1-based line number of the `default_md` setting.
    pub line: usize,
    /// The line as it is.
    pub from: String,
    /// The line as it will be.
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
    /// The certificate keeps its key (a re-sign, or a renewal without `--new-key`).
    Kept,
    /// A new key is generated.
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
    /// Catalog name of the certificate (`engine`, `ca`, `apache`…).
    pub name: String,
    pub(crate) kind: ItemKind,
    /// Why it is in the plan (SHA-1 signature, expiry within the window, `--force`…).
    pub reason: String,
    /// Files written (relative to the PKI dir), `.YYYYmmddHHMMSS` backups not included.
    pub(crate) files: Vec<String>,
    /// Serial of the certificate replaced, hex.
    pub old_serial: String,
    /// Same as `old_serial` for a CA (it must keep its serial).
    pub new_serial: String,
    /// Signature algorithm of the certificate replaced.
    pub old_signature: String,
    /// Signature algorithm of the new certificate (always `sha256WithRSAEncryption`).
    pub new_signature: &'static str,
    /// notAfter of the certificate replaced, RFC 3339.
    pub old_not_after: String,
    pub(crate) new_not_before: String,
    /// notAfter of the new certificate, RFC 3339.
    pub new_not_after: String,
    /// Whether the key is kept or new.
    pub key: KeyUse,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The PKCS#12 flavour the store is written in (the one the Manager's era reads), for stores.
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
    /// The OpenSSH certificate file (relative to the PKI dir).
    pub file: String,
    /// `host` or `user`.
    pub cert_type: &'static str,
    /// The key id written into the certificate.
    pub key_id: String,
    /// The principals written into the certificate.
    pub principals: Vec<String>,
    /// `None`: the certificate was missing (or unreadable).
    pub old_not_after: Option<String>,
    pub(crate) new_not_before: String,
    /// validBefore of the new certificate, RFC 3339.
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
    /// Catalog name of the certificate left alone.
    pub name: String,
    /// Why it is left alone.
    pub reason: String,
}

/// The plan: printed by `--dry-run`, executed as is by [`apply`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Which command made the plan.
    pub command: Command,
    /// The PKI directory, as given.
    pub pki_dir: String,
    /// `ENGINE_FQDN`, when it was needed and found.
    pub engine_fqdn: Option<String>,
    /// `ENGINE_FQDN` as checked by the planner (what `engine_fqdn` shows): the SAN of web
    /// certificates and the principal of the vmconsole host certificate.
    #[serde(skip)]
    pub(crate) engine_host: Option<HostName>,
    /// The `default_md` line to change, for `conf` (or a re-sign that needs it).
    pub conf: Option<ConfChange>,
    /// The certificates to re-sign or renew, CAs first.
    pub items: Vec<Item>,
    /// Certificates the request named or matched that will not change, with the reason.
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
    /// `conf`: only `default_md = sha256` in the OpenSSL configurations.
    Conf,
    /// `resign`: re-sign SHA-1 certificates with SHA-256, keeping their keys.
    Resign,
    /// `renew`: re-issue certificates before they expire.
    Renew,
}

impl Command {
    /// The subcommand's name (`conf`, `resign`, `renew`).
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
    /// Nothing to do: no configuration change and no certificate.
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
    /// Whether any file was written.
    pub changed: bool,
    /// The backup's name (the timestamped directory under the backup root), when one was made.
    pub backup: Option<String>,
    /// The backup's full path, when one was made.
    pub backup_dir: Option<String>,
    /// Files written, relative to the PKI dir.
    pub files_written: Vec<String>,
    /// Interrupted earlier runs rolled back before this one.
    pub recovered: Vec<String>,
    /// What the admin must still do by hand (restart services, copy to hosts…), one line each.
    pub manual_steps: Vec<String>,
}

/// Progress reporting: only the binary knows how to show it.
pub trait Progress {
    /// Called before each step of the apply with a one-line description of it.
    fn step(&mut self, what: &str);
}

/// Ignores progress.
pub struct Quiet;
impl Progress for Quiet {
    fn step(&mut self, _: &str) {}
}

#[cfg(test)]
pub(crate) mod text_tests {
    use super::*;
    use crate::i18n::{Lang, Messages};

    pub(crate) use crate::i18n::testing::{japanese, strict};

    fn link(why: &'static str) -> txn::TxnError {
        txn::TxnError::Link {
            path: "/pki/certs/apache.cer".into(),
            target: "/elsewhere/apache.cer".into(),
            why,
            root: "/pki".into(),
        }
    }

    fn every_txn_error() -> Vec<txn::TxnError> {
        use txn::TxnError as T;
        let p = || PathBuf::from("/pki/.lock");
        let json = || serde_json::from_str::<u8>("x").unwrap_err();
        vec![
            T::Io {
                path: p(),
                op: txn::IoOp::Rename,
                source: std::io::Error::from_raw_os_error(13),
            },
            T::LockTimeout {
                path: p(),
                waited_secs: 30,
            },
            T::Escapes { path: p() },
            T::NoConfDir,
            T::IsDirectory { path: p() },
            T::BadManifest {
                path: p(),
                source: json(),
            },
            T::Checksum { path: p() },
            T::OtherPki {
                backup: p(),
                backup_of: "/other".into(),
                pki_dir: p(),
            },
            T::NoSuchBackup {
                id: "20260101T000000Z".into(),
                root: p(),
            },
            link("loops (a chain of links that never ends)"),
            link("does not exist (a dangling link)"),
            link("leaves the PKI directory"),
            link("is not a regular file"),
            T::NoMeta { path: p() },
            T::ManifestWrite {
                path: p(),
                source: json(),
            },
            T::Injected { step: 3 },
            T::Verify {
                path: p(),
                found: txn::Mismatch::NotRegular,
            },
            T::Verify {
                path: p(),
                found: txn::Mismatch::Content,
            },
            T::Verify {
                path: p(),
                found: txn::Mismatch::Mode {
                    found: 0o644,
                    expected: 0o600,
                },
            },
            T::Verify {
                path: p(),
                found: txn::Mismatch::Owner {
                    found: (0, 0),
                    expected: (108, 108),
                },
            },
            T::Verify {
                path: p(),
                found: txn::Mismatch::Link {
                    target: "/etc/pki/x".into(),
                },
            },
            T::Verify {
                path: p(),
                found: txn::Mismatch::Wider {
                    mode: 0o644,
                    was: 0o600,
                },
            },
        ]
    }

    fn every_refusal() -> Vec<Refusal> {
        let p = || PathBuf::from("/pki/private/ca.pem");
        let broken = |w: &str| -> Text {
            match w {
                "p12" => Text::new("change-broken-p12-mismatch").arg("name", "apache"),
                "cer" => Text::new("change-broken-cer-differs").arg("name", "apache"),
                "nopass" => Text::new("change-broken-nopass-mismatch").arg("name", "apache"),
                _ => Text::new("change-broken-restore").arg_text(
                    "error",
                    crate::Error::NoCertificate {
                        path: "/pki/certs/jboss.cer".into(),
                    }
                    .text(),
                ),
            }
        };
        vec![
            Refusal::NotADirectory { dir: p() },
            Refusal::CaMissing { path: p() },
            Refusal::CaKeyMissing {
                path: p(),
                ca: "ca",
            },
            Refusal::CaKeyMismatch {
                path: p(),
                cert: "ca.pem",
            },
            Refusal::UnknownName {
                name: "apach".into(),
                known: vec!["ca", "apache"],
            },
            Refusal::EngineKeyNamed,
            Refusal::EngineKeyDue,
            Refusal::NotEnrolled {
                p12: "/pki/keys/imageio-proxy.p12".into(),
                name: "imageio-proxy",
            },
            Refusal::HandsOff {
                name: "apache",
                why: Text::new("change-third-party")
                    .arg("issuer", "CN=Corp CA")
                    .arg("ca", "ca.pem"),
            },
            Refusal::HandsOff {
                name: "apache",
                why: broken("p12"),
            },
            Refusal::Broken {
                broken: vec![
                    ("apache", broken("cer")),
                    ("jboss", broken("restore")),
                    ("websocket-proxy", broken("nopass")),
                ],
            },
            Refusal::BadSerial {
                path: "/pki/serial.txt".into(),
                reason: crate::pki::conf::SerialError::NotHex { text: "zz".into() },
            },
            Refusal::BadSerial {
                path: "/pki/serial.txt".into(),
                reason: crate::pki::conf::SerialError::Empty,
            },
            Refusal::NoEngineFqdn {
                conf_dir: None,
                needed_for: "the subjectAltName of apache".into(),
            },
            Refusal::NoEngineFqdn {
                conf_dir: Some("/etc/ovirt-engine/engine.conf.d".into()),
                needed_for: "the principal of certs/engine.cer".into(),
            },
            Refusal::Missing { path: p() },
            Refusal::Unreadable {
                path: p(),
                source: std::io::Error::from_raw_os_error(13),
            },
            Refusal::Link(link("leaves the PKI directory")),
            Refusal::SameFile {
                first: "certs/a.cer".into(),
                second: "certs/b.cer".into(),
                real: "/pki/certs/a.cer".into(),
            },
            Refusal::Truststore {
                path: "/pki/.truststore".into(),
                source: crate::pki::truststore::StoreError::Integrity,
                password_from: None,
            },
            Refusal::Truststore {
                path: "/pki/.truststore".into(),
                source: crate::pki::truststore::StoreError::Integrity,
                password_from: Some("/etc/pw".into()),
            },
            Refusal::Truststore {
                path: "/pki/.truststore".into(),
                source: crate::pki::truststore::StoreError::Iterations {
                    what: "MAC",
                    count: 2_000_000,
                },
                password_from: None,
            },
            Refusal::Truststore {
                path: "/pki/.truststore".into(),
                source: crate::pki::truststore::StoreError::Unsupported(
                    crate::pki::truststore::Unsupported::EncryptionScheme("1.2.3".into()),
                ),
                password_from: None,
            },
            Refusal::TruststoreRewrite(TruststoreRewrite::Store(
                crate::pki::truststore::StoreError::KeyEntry("ovirt-engine-ca".into()),
            )),
            Refusal::TruststoreRewrite(TruststoreRewrite::Store(
                crate::pki::truststore::StoreError::Integrity,
            )),
            Refusal::NotWritable {
                dir: p(),
                source: std::io::Error::from_raw_os_error(30),
            },
        ]
    }

    #[test]
    fn change_errors_keep_their_english_and_have_japanese() {
        let en = Messages::new(Lang::En);
        let ja = Messages::new(Lang::Ja);
        let mut errors: Vec<ChangeError> = every_refusal().into_iter().map(Into::into).collect();
        errors.extend(every_txn_error().into_iter().map(ChangeError::from));
        errors.push(ChangeError::Stale(Stale::File("certs/apache.cer".into())));
        for stale in [
            Stale::SerialUnreadable {
                reason: crate::pki::conf::SerialError::NotHex { text: "zz".into() },
            },
            Stale::SerialUnreadable {
                reason: crate::pki::conf::SerialError::Empty,
            },
            Stale::Serial {
                found: 0x1012,
                planned: 0x1010,
            },
        ] {
            // Rendered on its own (the whole error line is checked below): rhv-pki's words in
            // Japanese, the serials and the text read kept.
            let j = strict(&ja, &stale.text());
            assert!(japanese(&j), "{stale:?}: {j}");
            assert_eq!(strict(&en, &stale.text()), stale.to_string());
            assert!(j.contains("serial.txt"), "{j}");
            if let Stale::Serial { found, planned } = &stale {
                assert!(j.contains(&sign::serial_text(*found)), "{j}");
                assert!(j.contains(&sign::serial_text(*planned)), "{j}");
            }
            if let Stale::SerialUnreadable {
                reason: crate::pki::conf::SerialError::NotHex { text },
            } = &stale
            {
                assert!(j.contains(&format!("'{text}'")), "{j}");
            }
            errors.push(ChangeError::Stale(stale));
        }
        errors.push(ChangeError::RolledBack {
            backup: "/pki/backups/x".into(),
            reason: Box::new(Refusal::EngineKeyDue.into()),
        });
        errors.push(ChangeError::Read(crate::Error::NoKey {
            path: "/pki/keys/apache.key.nopass".into(),
        }));
        for e in &errors {
            let t = e.text();
            // The English (logs, JSON) is the Display of before, byte for byte.
            assert_eq!(strict(&en, &t), e.to_string(), "{e:?}");
            let j = strict(&ja, &t);
            assert!(japanese(&j), "{e:?}: {j}");
        }
        // The literal texts of before, for the refusals an admin meets most.
        let s = |r: Refusal| ChangeError::from(r).text().english();
        assert_eq!(
            s(Refusal::EngineKeyNamed),
            "refusing to rotate the engine key: it decrypts the secrets in the engine database, is the SSH key to every host and signs console tickets; renew engine with --keep-key"
        );
        assert_eq!(
            s(Refusal::NotEnrolled {
                p12: "/pki/keys/x.p12".into(),
                name: "imageio-proxy"
            }),
            "/pki/keys/x.p12: no such file; imageio-proxy is not enrolled on this Manager"
        );
        assert_eq!(
            s(every_refusal().swap_remove(10)),
            "not re-signing anything while files are broken (restore them, or name the other certificates explicitly): apache: certs/apache.cer is not the certificate inside keys/apache.p12 (engine-setup would not renew it either); restore matching files first; jboss: /pki/certs/jboss.cer: no certificate found (no PEM block and not DER); restore it first; websocket-proxy: keys/apache.key.nopass does not belong to the certificate; restore matching files first"
        );
    }

    #[test]
    fn sign_and_verify_errors_keep_their_english_and_have_japanese() {
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let openssl_words = "error:0680007B:asn1 encoding routines::header too long";
        let sign_err = || sign::SignError {
            what: sign::SignStep::Extension("keyUsage"),
            reason: sign::SignReason::Quoted(openssl_words.into()),
        };
        let ssh_parse = crate::pki::sshcert::parse(b"ssh-rsa-cert-v01@openssh.com AAAA")
            .unwrap_err()
            .text();
        let ssh_key_error = ssh_key::PublicKey::from_openssh("ssh-rsa AAAA").unwrap_err();
        let problems = vec![
            Text::new("sshcert-wrong-type")
                .arg_text("found", Text::new("sshcert-kind-user"))
                .arg_text("expected", Text::new("sshcert-kind-host")),
            Text::new("sshcert-other-signer")
                .arg("signer", "SHA256:aaa")
                .arg("ca", "SHA256:bbb"),
            Text::new("sshcert-bad-signature"),
            Text::new("sshcert-sha1"),
            Text::new("sshcert-other-key")
                .arg("key", "SHA256:ccc")
                .arg("expected", "SHA256:ddd"),
            Text::new("sshcert-principal-missing").arg("principal", "ovirt-vmconsole-proxy"),
        ];
        let cert_pub = "certs/ovirt-vmconsole-proxy-host-cert.pub";
        let all: Vec<(VerifyError, Vec<&str>)> = vec![
            (
                VerifyError::read(Refusal::EngineKeyDue.into()),
                vec!["--new-key", "engine", "SSH"],
            ),
            (
                VerifyError::Vanished("keys/apache.p12".into()),
                vec!["keys/apache.p12"],
            ),
            (
                VerifyError::NotSha256 {
                    file: "ca.pem".into(),
                    found: "sha1WithRSAEncryption".into(),
                },
                vec!["ca.pem", "sha1WithRSAEncryption"],
            ),
            (
                VerifyError::SerialChanged { file: "ca.pem" },
                vec!["ca.pem"],
            ),
            (
                VerifyError::SelfSignature {
                    file: "qemu-ca.pem",
                },
                vec!["qemu-ca.pem"],
            ),
            (
                VerifyError::CopyDiffers {
                    copy: "certs/ca.der",
                    of: "ca.pem",
                },
                vec!["certs/ca.der", "ca.pem"],
            ),
            (
                VerifyError::Unreadable {
                    file: "certs/1001.pem".into(),
                    source: std::io::Error::from_raw_os_error(13),
                },
                vec!["certs/1001.pem", "Permission denied (os error 13)"],
            ),
            (
                VerifyError::NoLongerVerifies {
                    path: "/pki/certs/engine.cer".into(),
                    ca: "ca.pem",
                },
                vec!["/pki/certs/engine.cer", "ca.pem"],
            ),
            (
                VerifyError::HandsOff {
                    name: "apache",
                    why: Text::new("reason-other-issuer").arg("issuer", "CN=Other CA"),
                },
                vec!["apache", "CN=Other CA"],
            ),
            (
                VerifyError::WrongSerial {
                    name: "engine",
                    found: "1002".into(),
                    expected: "1001".into(),
                },
                vec!["engine", "1002", "1001"],
            ),
            (
                VerifyError::NotIssued {
                    path: "/pki/certs/1001.pem".into(),
                },
                vec!["/pki/certs/1001.pem"],
            ),
            (
                VerifyError::P12Unreadable {
                    name: "engine",
                    reason: "bad DER length".into(),
                },
                vec!["keys/engine.p12", "bad DER length"],
            ),
            (
                VerifyError::P12Format {
                    name: "engine",
                    format: "RC2-40".into(),
                },
                vec!["keys/engine.p12", "RC2-40"],
            ),
            (
                VerifyError::SshKey(sign_err()),
                vec!["keyUsage", openssl_words],
            ),
            (
                VerifyError::SshCert {
                    file: cert_pub.into(),
                    reason: ssh_parse,
                },
                vec![cert_pub, "OpenSSH", "length invalid"],
            ),
            (
                VerifyError::SshProblems {
                    file: cert_pub.into(),
                    problems,
                },
                vec![
                    cert_pub,
                    "SHA256:aaa",
                    "SHA256:bbb",
                    "SHA256:ccc",
                    "SHA256:ddd",
                    "ovirt-vmconsole-proxy",
                    "ssh-rsa (SHA-1",
                    "OpenSSH 8.2",
                    "EL9",
                ],
            ),
            (
                VerifyError::SshNotPlanned {
                    file: cert_pub.into(),
                },
                vec![cert_pub],
            ),
            (
                VerifyError::SshPublicKey {
                    file: "certs/x.pub".into(),
                    source: ssh_key_error,
                },
                vec!["certs/x.pub", "length invalid"],
            ),
            (
                VerifyError::SshNotTheKey {
                    file: "certs/x.pub".into(),
                    name: "ovirt-vmconsole-proxy",
                },
                vec!["certs/x.pub", "keys/ovirt-vmconsole-proxy.p12"],
            ),
            (
                VerifyError::Written(txn::TxnError::NoConfDir),
                vec!["engine.conf.d"],
            ),
        ];
        for (v, evidence) in all {
            let english = v.to_string();
            assert_eq!(strict(&en, &v.text()), english, "{v:?}");
            let e = ChangeError::Verify {
                backup: "/pki/backups/20260101T000000Z".into(),
                reason: Box::new(v),
            };
            let t = e.text();
            assert_eq!(strict(&en, &t), e.to_string(), "{e:?}");
            let j = strict(&ja, &t);
            assert!(japanese(&j), "{e:?}: {j}");
            // No English word of ours left: each word of the English line that is no part of
            // the evidence is gone from the Japanese.
            for w in english.split(|c: char| !c.is_ascii_alphabetic()) {
                if w.len() > 2 && !evidence.iter().any(|x| x.contains(w)) {
                    assert!(!j.contains(w), "English {w:?} left in {j}");
                }
            }
            for kept in evidence.iter().chain(&["/pki/backups/20260101T000000Z"]) {
                assert!(j.contains(kept), "{kept} lost: {j}");
            }
        }
        // ChangeError::Sign: the step in Japanese, OpenSSL's words as they came.
        let e = ChangeError::Sign(sign_err());
        assert_eq!(e.to_string(), format!("keyUsage: {openssl_words}"));
        assert_eq!(strict(&en, &e.text()), e.to_string());
        assert_eq!(
            strict(&ja, &e.text()),
            format!("keyUsage 拡張の作成に失敗しました: {openssl_words}")
        );
    }
}
