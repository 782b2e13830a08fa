//! The audit: turns a Manager PKI directory into certificate records and findings with stable
//! kebab-case codes. It reads only; one unreadable file becomes a finding, never an abort.
//! The clock is an input (`AuditConfig::now`), so `--at DATE` and tests are deterministic.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use serde::Serialize;
use x509_parser::prelude::X509Certificate;

use crate::pki::catalog::{self, CaKind, Era, Profile};
use crate::pki::cert::{self, CertSummary, Digest, KeyInfo};
use crate::pki::conf;
use crate::pki::error::Error;
use crate::pki::p12format::{self, Pbe};
use crate::pki::verify::{ChainStatus, Issuer};

pub mod alert;
pub mod el9;
pub mod report;
mod storepass;
mod truststore;
mod vmconsole;

pub use storepass::{store_passwords, StorePasswords};

/// Default location of the Manager's PKI.
pub const DEFAULT_PKI_DIR: &str = "/etc/pki/ovirt-engine";
/// Default location of the engine's configuration fragments.
pub const DEFAULT_ENGINE_CONF_DIR: &str = "/etc/ovirt-engine/engine.conf.d";
/// oVirt's PKCS#12 password on every installation.
pub const DEFAULT_P12_PASSWORD: &str = "mypass";
/// Default thresholds of the "other certificates" class; per-class windows (web 60 days,
/// everything else 365, critical 30, as engine-setup and the Manager) are in
/// [`crate::audit::alert::BUILTIN`], which [`AuditConfig::new`] uses.
pub const DEFAULT_WARN_DAYS: i64 = crate::audit::alert::BUILTIN.default.warn_days;
pub const DEFAULT_CRIT_DAYS: i64 = crate::audit::alert::BUILTIN.default.crit_days;
const DAY: i64 = 86_400;

/// Everything the audit needs to know; built by the CLI or a test.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    pub pki_dir: PathBuf,
    /// `engine.conf.d` to read ENGINE_FQDN from; `None` when unknown.
    pub engine_conf_dir: Option<PathBuf>,
    /// Filesystem root the PKI belongs to (absolute symlinks are resolved under it).
    pub root: Option<PathBuf>,
    /// Unix seconds the certificates are judged at.
    pub now: i64,
    pub warn_days: i64,
    pub crit_days: i64,
    pub p12_password: String,
    /// Worker threads (0 = available parallelism).
    pub threads: usize,
    /// Per-role-class expiry windows (config file); `None` = `warn_days`/`crit_days` for all.
    pub role_windows: Option<crate::audit::alert::Thresholds>,
}

impl AuditConfig {
    pub fn new(pki_dir: impl Into<PathBuf>, now: i64) -> Self {
        AuditConfig {
            pki_dir: pki_dir.into(),
            engine_conf_dir: None,
            root: None,
            now,
            warn_days: DEFAULT_WARN_DAYS,
            crit_days: DEFAULT_CRIT_DAYS,
            p12_password: DEFAULT_P12_PASSWORD.into(),
            threads: 0,
            role_windows: Some(crate::audit::alert::BUILTIN),
        }
    }
}

/// A table row's status from its findings: `expired` wins, else the worst severity
/// (`critical`, `warning`), else `ok`. One rule for every kind of row (entity, host, OpenSSH).
pub(crate) fn row_status(expired: bool, worst: Option<Severity>) -> &'static str {
    if expired {
        return "expired";
    }
    match worst {
        Some(Severity::Critical) => "critical",
        Some(Severity::Warning) => "warning",
        _ => "ok",
    }
}

/// How bad a finding is. Ordered: `Info < Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// What is wrong, with the evidence. The serde tag is the stable finding code.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "code",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Problem {
    /// Signed with SHA-1: rejected by RHEL 9's DEFAULT crypto policy.
    Sha1Signature {
        algorithm: String,
    },
    /// Signed with MD5.
    Md5Signature {
        algorithm: String,
    },
    Expired {
        not_after: String,
        now: String,
    },
    NotYetValid {
        not_before: String,
        now: String,
    },
    Expiring {
        not_after: String,
        days_left: i64,
        threshold_days: i64,
    },
    /// No subjectAltName: engine-setup renews it, browsers and EL8 libvirt reject it.
    MissingSan,
    SanMismatch {
        expected: String,
        san: Vec<String>,
    },
    /// A dNSName that is not a host name (RFC 1123 labels, `*.` leftmost wildcard allowed):
    /// a comma list, shell text, a line break… (an unchecked `ENGINE_FQDN`).
    SanInvalid {
        name: String,
        reason: String,
    },
    /// A web certificate valid longer than 398 days (Safari / CA/B rule).
    WebValidityTooLong {
        days: i64,
        max_days: i64,
    },
    WeakKey {
        key: String,
        min_bits: usize,
    },
    /// Not an RSA key: oVirt's scripts and the engine assume RSA.
    UnsupportedKey {
        key: String,
    },
    ChainInvalid {
        ca: String,
        reason: String,
    },
    UnverifiableSignature {
        algorithm: String,
    },
    /// A host certificate older than the Manager's CA: the CA was renewed since, the host
    /// still holds the old CA copy (`hosts enroll --only-needed` selects it, same code).
    IssuedBeforeCaRenewal {
        ca: String,
        ca_not_before: String,
    },
    /// `certs/<name>.cer` is not the certificate inside `keys/<name>.p12`.
    CerP12Mismatch {
        cer: String,
        p12: String,
    },
    KeyMismatch {
        key: String,
        cert: String,
    },
    P12Unreadable {
        reason: String,
    },
    /// This OpenSSL refuses what the PKCS#12 is protected with (FIPS mode, no legacy
    /// provider): unusable under the crypto in force, the password not judged.
    P12AlgorithmRefused {
        algorithms: String,
    },
    /// RC2-40 cert bag: OpenSSL 3 (RHEL 9) cannot open it without the legacy provider.
    P12LegacyRc2 {
        format: String,
    },
    /// The key bag has a friendlyName: Java's alias would not be `1`.
    P12FriendlyName,
    /// An iteration count above `p12format::MAX_P12_ITERATIONS`: not opened, no key derived.
    P12IterationsExcessive {
        what: String,
        count: u64,
        limit: u64,
    },
    OpensslConfSha1 {
        line: usize,
        value: String,
    },
    ApacheCaMismatch {
        reason: String,
    },
    ThirdPartyCert {
        issuer: String,
    },
    KeyPermissions {
        mode: String,
        expected: String,
    },
    KeyOwner {
        uid: u32,
        expected: String,
    },
    CaCopyMismatch {
        copy: String,
        ca: String,
    },
    Unreadable {
        reason: String,
    },
    Missing {
        what: String,
    },
    SymlinkOutsideTree {
        target: String,
    },
    IndexInvalid {
        line: usize,
        reason: String,
    },
    SerialBehind {
        serial_txt: String,
        max_in_index: String,
    },
    EngineFqdnUnknown {
        reason: String,
    },
    /// A TLS endpoint serves another certificate than the file its service reads (the
    /// service was not restarted after the change): `audit --probe`, the cycle's verify step.
    RestartNeeded {
        endpoint: String,
        address: String,
        service: String,
        served_serial: String,
        on_disk_serial: String,
    },
    /// `audit --probe`: an endpoint the Manager is configured to serve showed no certificate.
    EndpointUnreachable {
        endpoint: String,
        address: String,
        service: String,
        reason: String,
    },
    /// A host could not be reached or logged into over SSH (the rest of the run goes on).
    HostUnreachable {
        reason: String,
    },
    /// The host's SSH key is unknown or changed in known_hosts: not contacted.
    HostKeyUnverified {
        reason: String,
    },
    /// A host's copy of a Manager CA is not the Manager's current CA certificate.
    HostCaStale {
        ca: String,
        copy_serial: String,
        copy_not_after: String,
        ca_not_after: String,
        /// Same subject and key (an old renewal of the same CA) or another CA altogether.
        same_key: bool,
    },
    /// A host file's owner is not the one host-deploy gives it.
    HostFileOwner {
        owner: String,
        expected: String,
    },
    /// A host file's mode is not the one host-deploy gives it.
    HostFileMode {
        mode: String,
        expected: String,
    },
    /// A host key file cannot be read or is not a private key (checked on the host).
    HostKeyUnreadable {
        reason: String,
    },
    /// An rhv-pki change was interrupted (its backup's journal has no end mark): the PKI may
    /// be half-written until `command` (or the next change) undoes it.
    InterruptedChange {
        backup: String,
        reason: String,
        command: String,
    },
    /// A vmconsole OpenSSH certificate of the wrong kind (user vs host).
    SshCertType {
        found: String,
        expected: String,
    },
    /// A vmconsole OpenSSH certificate not signed by the key of `ca.pem` (SHA-256 fingerprints).
    SshCertSigner {
        signer: String,
        ca: String,
    },
    /// Names the CA key as signer but its signature does not verify.
    SshCertSignature {
        signer: String,
    },
    /// A vmconsole OpenSSH certificate without the principal oVirt gives it.
    SshCertPrincipals {
        expected: String,
        principals: Vec<String>,
    },
    /// `.truststore` lacks the alias oVirt imports a CA under (`cacert`, `qemu-cacert`).
    TruststoreAliasMissing {
        alias: String,
        ca: String,
    },
    /// A `.truststore` entry is not the current CA certificate.
    TruststoreStale {
        alias: String,
        ca: String,
        reason: String,
        /// Same public key (an older copy of the same CA: peers still verify) or another CA.
        same_key: bool,
    },
    /// The PKCS#12 password opens none of the key stores; `source` is where it came from.
    P12PasswordWrong {
        source: String,
        files: usize,
    },
}

impl Problem {
    /// The stable code (the JSON `code` field).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Sha1Signature { .. } => "sha1-signature",
            Problem::Md5Signature { .. } => "md5-signature",
            Problem::Expired { .. } => "expired",
            Problem::NotYetValid { .. } => "not-yet-valid",
            Problem::Expiring { .. } => "expiring",
            Problem::MissingSan => "missing-san",
            Problem::SanMismatch { .. } => "san-mismatch",
            Problem::SanInvalid { .. } => "san-invalid",
            Problem::WebValidityTooLong { .. } => "web-validity-too-long",
            Problem::WeakKey { .. } => "weak-key",
            Problem::UnsupportedKey { .. } => "unsupported-key",
            Problem::ChainInvalid { .. } => "chain-invalid",
            Problem::UnverifiableSignature { .. } => "unverifiable-signature",
            Problem::CerP12Mismatch { .. } => "cer-p12-mismatch",
            Problem::IssuedBeforeCaRenewal { .. } => "issued-before-ca-renewal",
            Problem::KeyMismatch { .. } => "key-mismatch",
            Problem::P12Unreadable { .. } => "p12-unreadable",
            Problem::P12AlgorithmRefused { .. } => "p12-algorithm-refused",
            Problem::P12LegacyRc2 { .. } => "p12-legacy-rc2",
            Problem::P12FriendlyName => "p12-friendly-name",
            Problem::P12IterationsExcessive { .. } => "p12-iterations-excessive",
            Problem::OpensslConfSha1 { .. } => "openssl-conf-sha1",
            Problem::ApacheCaMismatch { .. } => "apache-ca-mismatch",
            Problem::ThirdPartyCert { .. } => "third-party-cert",
            Problem::KeyPermissions { .. } => "key-permissions",
            Problem::KeyOwner { .. } => "key-owner",
            Problem::CaCopyMismatch { .. } => "ca-copy-mismatch",
            Problem::Unreadable { .. } => "unreadable",
            Problem::Missing { .. } => "missing",
            Problem::SymlinkOutsideTree { .. } => "symlink-outside-tree",
            Problem::IndexInvalid { .. } => "index-invalid",
            Problem::SerialBehind { .. } => "serial-behind",
            Problem::EngineFqdnUnknown { .. } => "engine-fqdn-unknown",
            Problem::RestartNeeded { .. } => "restart-needed",
            Problem::EndpointUnreachable { .. } => "endpoint-unreachable",
            Problem::HostUnreachable { .. } => "host-unreachable",
            Problem::HostKeyUnverified { .. } => "host-key-unverified",
            Problem::HostCaStale { .. } => "host-ca-stale",
            Problem::HostFileOwner { .. } => "host-file-owner",
            Problem::HostFileMode { .. } => "host-file-mode",
            Problem::HostKeyUnreadable { .. } => "host-key-unreadable",
            Problem::InterruptedChange { .. } => "interrupted-change",
            Problem::SshCertType { .. } => "ssh-cert-type",
            Problem::SshCertSigner { .. } => "ssh-cert-signer",
            Problem::SshCertSignature { .. } => "ssh-cert-signature",
            Problem::SshCertPrincipals { .. } => "ssh-cert-principals",
            Problem::TruststoreAliasMissing { .. } => "truststore-alias-missing",
            Problem::TruststoreStale { .. } => "truststore-stale",
            Problem::P12PasswordWrong { .. } => "p12-password-wrong",
        }
    }

    /// One line for humans; the evidence is in the fields.
    pub fn message(&self) -> String {
        match self {
            Problem::Sha1Signature { algorithm } => {
                format!("signed with {algorithm}; RHEL 9 DEFAULT policy rejects SHA-1")
            }
            Problem::Md5Signature { algorithm } => {
                format!("signed with {algorithm}; MD5 is broken")
            }
            Problem::Expired { not_after, .. } => format!("expired on {not_after}"),
            Problem::NotYetValid { not_before, .. } => format!("not valid before {not_before}"),
            Problem::Expiring {
                not_after,
                days_left,
                threshold_days,
            } => {
                format!(
                    "expires {not_after}, in {days_left} days (threshold {threshold_days} days)"
                )
            }
            Problem::MissingSan => "no subjectAltName extension".into(),
            Problem::SanMismatch { expected, san } => format!(
                "subjectAltName {} does not contain {expected}",
                san.join(",")
            ),
            Problem::SanInvalid { name, reason } => {
                format!("subjectAltName DNS:{name} is not a host name ({reason})")
            }
            Problem::WebValidityTooLong { days, max_days } => {
                format!("web certificate valid {days} days, browsers accept at most {max_days}")
            }
            Problem::WeakKey { key, min_bits } => {
                format!("{key} key, at least RSA-{min_bits} required")
            }
            Problem::UnsupportedKey { key } => format!("{key} key; oVirt expects RSA"),
            Problem::ChainInvalid { ca, reason } => {
                format!("does not verify against {ca}: {reason}")
            }
            Problem::UnverifiableSignature { algorithm } => {
                format!("signature algorithm {algorithm} cannot be verified")
            }
            Problem::IssuedBeforeCaRenewal { ca, ca_not_before } => format!(
                "issued before {ca} was renewed ({ca_not_before}): the host still holds the old CA copy"
            ),
            Problem::CerP12Mismatch { cer, p12 } => {
                format!("{cer} is not the certificate inside {p12}")
            }
            Problem::KeyMismatch { key, cert } => {
                format!("private key {key} does not belong to {cert}")
            }
            Problem::P12Unreadable { reason } => format!("PKCS#12 cannot be opened: {reason}"),
            Problem::P12AlgorithmRefused { algorithms } => format!(
                "PKCS#12 cannot be opened here: this OpenSSL refuses {algorithms} (FIPS mode, or no legacy provider); the password was not judged"
            ),
            Problem::P12LegacyRc2 { format } => {
                format!("PKCS#12 uses RC2-40 ({format}); OpenSSL 3 / RHEL 9 cannot read it without the legacy provider")
            }
            Problem::P12FriendlyName => {
                "PKCS#12 key has a friendlyName; the engine expects alias 1".into()
            }
            Problem::P12IterationsExcessive { what, count, limit } => format!(
                "PKCS#12 {what} iteration count {count} is above the limit of {limit} (OpenSSL writes 2048, keytool 10000); not opened, no key derived"
            ),
            Problem::OpensslConfSha1 { line, value } => {
                format!("default_md = {value} at line {line}; new certificates would be SHA-1")
            }
            Problem::ApacheCaMismatch { reason } => reason.clone(),
            Problem::ThirdPartyCert { issuer } => {
                format!("issued by a third-party CA ({issuer}); rhv-pki will not re-sign it")
            }
            Problem::KeyPermissions { mode, expected } => {
                format!("private key mode {mode}, expected {expected}")
            }
            Problem::KeyOwner { uid, expected } => {
                format!("private key owned by uid {uid}, expected {expected}")
            }
            Problem::CaCopyMismatch { copy, ca } => format!("{copy} differs from {ca}"),
            Problem::Unreadable { reason } => reason.clone(),
            Problem::Missing { what } => format!("missing: {what}"),
            Problem::SymlinkOutsideTree { target } => {
                format!("symlink to {target} leaves the audited tree; not followed")
            }
            Problem::IndexInvalid { line, reason } => format!("line {line}: {reason}"),
            Problem::SerialBehind {
                serial_txt,
                max_in_index,
            } => {
                format!("serial.txt is {serial_txt} but database.txt already holds serial {max_in_index}; the next issuance would clash")
            }
            Problem::EngineFqdnUnknown { reason } => {
                format!("ENGINE_FQDN unknown ({reason}); SAN checks against it skipped")
            }
            Problem::RestartNeeded {
                endpoint,
                address,
                service,
                served_serial,
                on_disk_serial,
            } => format!(
                "{endpoint} ({address}) serves serial {served_serial} but the file holds {on_disk_serial}: restart {service}"
            ),
            Problem::EndpointUnreachable {
                endpoint,
                address,
                reason,
                ..
            } => format!("{endpoint} ({address}) showed no certificate: {reason}"),
            Problem::HostUnreachable { reason } => format!("host not audited: {reason}"),
            Problem::HostKeyUnverified { reason } => {
                format!("host not contacted, its SSH host key is not trusted: {reason}")
            }
            Problem::HostCaStale {
                ca,
                copy_serial,
                copy_not_after,
                ca_not_after,
                same_key,
            } => {
                if *same_key {
                    format!("an older copy of {ca} (serial {copy_serial}, notAfter {copy_not_after}); the Manager's is valid until {ca_not_after}")
                } else {
                    format!("not the Manager's {ca} (this copy: serial {copy_serial}, notAfter {copy_not_after}, another key); certificates from the Manager will not verify here")
                }
            }
            Problem::HostFileOwner { owner, expected } => {
                format!("owned by {owner}, expected {expected}")
            }
            Problem::HostFileMode { mode, expected } => format!("mode {mode}, expected {expected}"),
            Problem::HostKeyUnreadable { reason } => format!("private key unusable: {reason}"),
            Problem::InterruptedChange {
                backup,
                reason,
                command,
            } => format!(
                "an interrupted rhv-pki change (backup {backup}, {reason}) may have left the PKI half-written; undo it: {command}"
            ),
            Problem::SshCertType { found, expected } => {
                format!("OpenSSH {found} certificate, expected a {expected} certificate")
            }
            Problem::SshCertSigner { signer, ca } => {
                format!("OpenSSH certificate signed by {signer}, not by the CA key {ca}")
            }
            Problem::SshCertSignature { signer } => {
                format!("OpenSSH certificate signature does not verify with {signer}")
            }
            Problem::SshCertPrincipals {
                expected,
                principals,
            } => format!(
                "principals [{}] do not include {expected}",
                principals.join(", ")
            ),
            Problem::TruststoreAliasMissing { alias, ca } => {
                format!("no alias '{alias}' (the engine cannot verify peers signed by {ca})")
            }
            Problem::TruststoreStale {
                alias,
                ca,
                reason,
                same_key,
            } => format!(
                "alias '{alias}' is not the current {ca}{}: {reason}",
                if *same_key {
                    " (an older copy with the same key)"
                } else {
                    " (another key: peers signed by it do not verify)"
                }
            ),
            Problem::P12PasswordWrong { source, files } => format!(
                "the PKCS#12 password from {source} opens none of the {files} key store(s) (wrong password)"
            ),
        }
    }

    /// The suggested fix, as an admin would type it.
    /// The host could not be read at all (SSH refused or untrusted, vdsm showed nothing).
    pub fn host_not_reached(&self) -> bool {
        matches!(
            self,
            Problem::HostUnreachable { .. }
                | Problem::HostKeyUnverified { .. }
                | Problem::EndpointUnreachable { .. }
        )
    }

    fn action(&self, role: &Role) -> Option<String> {
        let target = match role {
            Role::Ca(n) => Some(n.to_string()),
            Role::Entity(n) => Some(n.to_string()),
            _ => None,
        };
        let host = matches!(role, Role::Host | Role::HostQemu | Role::HostOther);
        match self {
            Problem::Sha1Signature { .. }
            | Problem::Md5Signature { .. }
            | Problem::MissingSan
            | Problem::SanMismatch { .. }
            | Problem::SanInvalid { .. }
            | Problem::WebValidityTooLong { .. } => Some(match (&target, host) {
                (Some(t), _) => format!("rhv-pki resign {t}"),
                (None, true) => HOST_ENROLL.into(),
                _ => "re-issue".into(),
            }),
            // An expired host certificate cannot be enrolled through the Manager (it no
            // longer talks to the host): recover it over SSH.
            Problem::Expired { .. } => Some(match (&target, host) {
                (Some(t), _) => format!("rhv-pki renew {t}"),
                (None, true) => HOST_RECOVER.into(),
                _ => "re-issue".into(),
            }),
            Problem::Expiring { .. } => Some(match (&target, host) {
                (Some(t), _) => format!("rhv-pki renew {t}"),
                (None, true) => HOST_ENROLL.into(),
                _ => "re-issue".into(),
            }),
            Problem::KeyMismatch { .. } | Problem::CerP12Mismatch { .. } => {
                Some("restore matching files from backup".into())
            }
            Problem::P12LegacyRc2 { .. } => target.map(|t| format!("rhv-pki resign {t}")),
            Problem::KeyPermissions { .. } => Some("chmod go-rwx".into()),
            Problem::ChainInvalid { .. } => Some(if host {
                HOST_ENROLL.into()
            } else {
                "investigate issuer".into()
            }),
            Problem::ThirdPartyCert { .. } => Some("renew at the external CA".into()),
            Problem::WeakKey { .. } | Problem::UnsupportedKey { .. } => {
                Some(match (&target, host) {
                    // The engine key decrypts DB secrets and is the SSH key to hosts.
                    (Some(t), _) if t == "engine" => {
                        "manual: engine key rotation (see docs)".into()
                    }
                    (Some(t), _) => format!("rhv-pki renew --new-key {t}"),
                    (None, true) => HOST_ENROLL.into(),
                    _ => "re-issue with a new key".into(),
                })
            }
            Problem::P12Unreadable { .. } => {
                Some("check --p12-password-file, else restore from backup".into())
            }
            Problem::P12AlgorithmRefused { .. } => Some(match target {
                Some(t) => format!("where OpenSSL has these algorithms: rhv-pki resign {t} --p12-format modern"),
                None => "re-export it with PBES2/AES-256 and a SHA-256 MAC".into(),
            }),
            Problem::P12IterationsExcessive { .. } => {
                Some("restore from backup, or re-export with ordinary iteration counts".into())
            }
            Problem::Unreadable { .. } => Some("restore from backup".into()),
            // A host's copy of a CA is the host's to fix; the Manager's copies are rewritten
            // by re-signing the CA.
            Problem::CaCopyMismatch { .. } if host => Some(HOST_RECOVER.into()),
            Problem::CaCopyMismatch { .. } => {
                Some("rhv-pki resign ca (rewrites the copies)".into())
            }
            Problem::OpensslConfSha1 { .. } => Some("rhv-pki conf".into()),
            Problem::ApacheCaMismatch { .. } => {
                Some("ln -sfn /etc/pki/ovirt-engine/ca.pem apache-ca.pem".into())
            }
            Problem::EndpointUnreachable { service, .. } if service == "vdsm" => {
                Some("check the host; expired certificates: rhv-pki hosts recover --ssh".into())
            }
            Problem::RestartNeeded { service, .. } => Some(format!("systemctl restart {service}")),
            Problem::EndpointUnreachable { service, .. } => {
                Some(format!("systemctl status {service}"))
            }
            Problem::KeyOwner { .. } | Problem::HostFileOwner { .. } => {
                Some("chown to the expected owner".into())
            }
            Problem::HostFileMode { .. } => Some("chmod to the expected mode".into()),
            Problem::HostCaStale { .. } => Some(HOST_RECOVER.into()),
            Problem::IssuedBeforeCaRenewal { .. } => Some(HOST_ENROLL.into()),
            Problem::HostKeyUnverified { .. } => {
                Some("verify the host key fingerprint, then --accept-new-host-key".into())
            }
            // Issued "in the future": most often this machine's or the issuer's clock.
            Problem::NotYetValid { .. } => Some("check the clocks (chronyc tracking)".into()),
            Problem::UnverifiableSignature { .. } => Some("investigate issuer".into()),
            Problem::SymlinkOutsideTree { .. } => {
                Some("check the link target (readlink -f)".into())
            }
            Problem::Missing { .. } => Some("restore from backup (rhv-pki backups)".into()),
            Problem::IndexInvalid { .. } => {
                Some("repair database.txt (openssl ca reads it on every signing)".into())
            }
            Problem::SerialBehind { .. } => {
                Some("set serial.txt above the highest issued serial".into())
            }
            Problem::P12FriendlyName => target.map(|t| format!("rhv-pki resign {t}")),
            Problem::HostUnreachable { .. } => Some("check SSH access to the host".into()),
            Problem::InterruptedChange { command, .. } => Some(command.clone()),
            Problem::TruststoreAliasMissing { .. } | Problem::TruststoreStale { .. } => Some(
                "keytool -importcert -trustcacerts -alias <alias> -file <ca>.pem -keystore .truststore"
                    .into(),
            ),
            Problem::P12PasswordWrong { .. } => Some(
                "set ENGINE_PKI_ENGINE_STORE_PASSWORD / --p12-password-file to the stores' password"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// The action for a host certificate the Manager can still re-enroll (valid, CA unchanged).
pub const HOST_ENROLL: &str = "rhv-pki hosts enroll --only-needed";
/// The action for a host the Manager can no longer enroll (expired certificate, stale CA copy).
pub const HOST_RECOVER: &str = "rhv-pki hosts recover --ssh";

/// One finding: a problem on a file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub severity: Severity,
    /// Path relative to the PKI dir (absolute when outside it).
    pub path: String,
    /// The role of the certificate or file (`ca`, `engine`, `host`, `pki`…).
    pub role: String,
    #[serde(flatten)]
    pub problem: Problem,
    pub message: String,
    /// `hosts audit`: the Manager's address for the host the finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// `hosts audit`: the host's cluster, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
}

/// A finding as the audit keeps it until the document is written: the message is derived
/// from the problem, so it is made only when the finding is handed to a [`Sink`].
#[derive(Debug, Clone)]
struct Found {
    severity: Severity,
    path: String,
    role: String,
    problem: Problem,
}

impl Found {
    fn into_finding(self) -> Finding {
        Finding {
            severity: self.severity,
            path: self.path,
            role: self.role,
            message: self.problem.message(),
            problem: self.problem,
            host: None,
            cluster: None,
        }
    }
}

/// What a certificate is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Ca(&'static str),
    Entity(&'static str),
    /// `keys/<name>.p12` of a name not in the catalog.
    OtherEntity(String),
    /// `certs/<host>.cer`: a host's vdsm certificate as signed by the Manager.
    Host,
    /// `certs-qemu/<host>.cer`.
    HostQemu,
    /// `<host>-ssh`, `<host>-ovn`, remote websocket-proxy/grafana…
    HostOther,
}

impl Role {
    pub fn name(&self) -> String {
        match self {
            Role::Ca(n) | Role::Entity(n) => n.to_string(),
            Role::OtherEntity(n) => n.clone(),
            Role::Host => "host".into(),
            Role::HostQemu => "host-qemu".into(),
            Role::HostOther => "host-other".into(),
        }
    }
    pub fn scope(&self) -> &'static str {
        match self {
            Role::Host | Role::HostQemu | Role::HostOther => "host",
            _ => "engine",
        }
    }
}

/// One certificate the audit judged.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertRecord {
    pub role: String,
    pub scope: &'static str,
    /// Main file (relative to the PKI dir).
    pub path: String,
    /// Other files holding the very same certificate (e.g. the p12 of an extracted `.cer`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_in: Vec<String>,
    #[serde(flatten)]
    pub cert: Option<CertSummary>,
    pub missing: bool,
    /// `ok`, `warning`, `critical`, `expired` or `missing`.
    pub status: &'static str,
    pub residual_seconds: Option<i64>,
    pub ca: Option<String>,
    pub findings: Vec<&'static str>,
    pub action: Option<String>,
    /// `hosts audit`: the Manager's address for the host the certificate belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// `hosts audit`: the host's cluster, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
}

/// Files that are certificates but not in service: `certs/<SERIAL>.pem` copies and backups.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryItem {
    pub path: String,
    /// `issued-copy`, `backup`, `ca-copy`.
    pub kind: &'static str,
    pub serial: Option<String>,
    /// RFC 3339 in JSON, like the certificates' `notAfter`.
    #[serde(serialize_with = "ser_opt_time")]
    pub not_after: Option<i64>,
}

fn ser_opt_time<S: serde::Serializer>(t: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(*t)),
        None => s.serialize_none(),
    }
}

/// The whole result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    pub pki_dir: String,
    pub engine_fqdn: Option<String>,
    pub era: Option<Era>,
    pub now: i64,
    pub warn_days: i64,
    pub crit_days: i64,
    pub certificates: Vec<CertRecord>,
    pub findings: Vec<Finding>,
    pub inventory: Vec<InventoryItem>,
}

impl AuditReport {
    /// Worst severity of all findings (`None` = clean).
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// What a [`Sink`] is told before the first certificate.
    pub fn head(&self) -> ReportHead {
        ReportHead {
            pki_dir: self.pki_dir.clone(),
            engine_fqdn: self.engine_fqdn.clone(),
            era: self.era,
            now: self.now,
            warn_days: self.warn_days,
            crit_days: self.crit_days,
        }
    }

    /// The totals a [`Sink`] is told at the end.
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for c in &self.certificates {
            t.count_certificate(c);
        }
        let mut unreached = std::collections::BTreeSet::new();
        for f in &self.findings {
            t.count_finding(f.severity);
            if f.role == "host" && f.problem.host_not_reached() {
                unreached.insert(f.host.clone().unwrap_or_else(|| f.path.clone()));
            }
        }
        t.hosts_unreachable = unreached.len();
        t.inventory = self.inventory.len();
        t
    }

    /// Hands the whole report to `sink`, in the order [`run_with`] would.
    pub fn replay(&self, sink: &mut dyn Sink) -> io::Result<()> {
        sink.head(&self.head())?;
        for c in &self.certificates {
            sink.certificate(c)?;
        }
        for f in &self.findings {
            sink.finding(f)?;
        }
        for i in &self.inventory {
            sink.inventory(i)?;
        }
        sink.finish(&self.totals())
    }
}

/// What is known before the first certificate (the `meta` block of the JSON document).
#[derive(Debug, Clone)]
pub struct ReportHead {
    pub pki_dir: String,
    pub engine_fqdn: Option<String>,
    pub era: Option<Era>,
    pub now: i64,
    pub warn_days: i64,
    pub crit_days: i64,
}

/// Certificates per status.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub ok: usize,
    pub warning: usize,
    /// Includes the expired ones.
    pub critical: usize,
    pub expired: usize,
    pub missing: usize,
}

/// What a finished audit adds up to: the `summary` block and the exit status.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub certificates: Counts,
    /// Findings per severity.
    pub critical: usize,
    pub warning: usize,
    pub info: usize,
    /// Inventory items (backups, issued copies, CA copies).
    pub inventory: usize,
    /// `hosts audit`: hosts whose certificates could not be read at all.
    pub hosts_unreachable: usize,
}

impl Totals {
    fn count_certificate(&mut self, rec: &CertRecord) {
        let c = &mut self.certificates;
        c.total += 1;
        match rec.status {
            "ok" => c.ok += 1,
            "warning" => c.warning += 1,
            "expired" => {
                c.expired += 1;
                c.critical += 1
            }
            "missing" => c.missing += 1,
            _ => c.critical += 1,
        }
    }

    fn count_finding(&mut self, sev: Severity) {
        match sev {
            Severity::Critical => self.critical += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }

    /// Worst severity of all findings (`None` = clean).
    pub fn worst(&self) -> Option<Severity> {
        if self.critical > 0 {
            Some(Severity::Critical)
        } else if self.warning > 0 {
            Some(Severity::Warning)
        } else if self.info > 0 {
            Some(Severity::Info)
        } else {
            None
        }
    }
}

/// Receives an audit while it runs, in document order: `head`, every certificate (engine
/// entities first, then host certificates in sorted directory order), every finding (sorted:
/// severity, path, code), every inventory item, then `finish`. [`run_with`] keeps only what the
/// order forces it to (findings, inventory, the few engine rows), so a sink that writes as it
/// goes audits any number of host certificates in bounded memory.
pub trait Sink {
    fn head(&mut self, head: &ReportHead) -> io::Result<()>;
    fn certificate(&mut self, rec: &CertRecord) -> io::Result<()>;
    fn finding(&mut self, finding: &Finding) -> io::Result<()>;
    fn inventory(&mut self, item: &InventoryItem) -> io::Result<()>;
    fn finish(&mut self, totals: &Totals) -> io::Result<()>;
}

/// The sink behind [`run`]: keeps everything.
struct Collect(AuditReport);

impl Sink for Collect {
    fn head(&mut self, h: &ReportHead) -> io::Result<()> {
        let r = &mut self.0;
        r.pki_dir.clone_from(&h.pki_dir);
        r.engine_fqdn.clone_from(&h.engine_fqdn);
        r.era = h.era;
        r.now = h.now;
        r.warn_days = h.warn_days;
        r.crit_days = h.crit_days;
        Ok(())
    }
    fn certificate(&mut self, rec: &CertRecord) -> io::Result<()> {
        self.0.certificates.push(rec.clone());
        Ok(())
    }
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        self.0.findings.push(f.clone());
        Ok(())
    }
    fn inventory(&mut self, item: &InventoryItem) -> io::Result<()> {
        self.0.inventory.push(item.clone());
        Ok(())
    }
    fn finish(&mut self, _: &Totals) -> io::Result<()> {
        Ok(())
    }
}

/// The audit could not run at all (as opposed to findings about files).
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("{path}: PKI directory {reason}")]
    PkiDir { path: PathBuf, reason: String },
    /// The sink failed (e.g. stdout closed); the audit stopped.
    #[error("writing the report: {0}")]
    Output(#[source] io::Error),
}

// ---------------------------------------------------------------------------------------------
// Context shared by the workers.

struct Ctx<'a> {
    cfg: &'a AuditConfig,
    /// Key derivations of the entities' p12 files: the first entity job on each thread
    /// joins in, so they run side by side on every core before any file is decrypted.
    p12_kdf: cert::P12Kdf,
    fqdn: Option<String>,
    ca: Option<Issuer>,
    qemu_ca: Option<Issuer>,
    /// A real-file apache-ca.pem that is not the engine CA (third-party apache).
    apache_ca: Option<Issuer>,
    users: HashMap<String, u32>,
    dir_uid: u32,
    /// The name a host certificate must carry in its SAN when judged from outside the PKI dir
    /// (the host's address); `None` = its own CN, as for `certs/<host>.cer`.
    expect_host: Option<String>,
}

/// Collects the output of one unit of work.
#[derive(Default)]
struct Out {
    records: Vec<CertRecord>,
    findings: Vec<Found>,
    inventory: Vec<InventoryItem>,
}

impl Out {
    /// A row for a certificate that should exist but does not (`missing: true`).
    fn missing_record(&mut self, role: &Role, path: &str) {
        self.records.push(CertRecord {
            role: role.name(),
            scope: role.scope(),
            path: path.to_string(),
            also_in: Vec::new(),
            cert: None,
            missing: true,
            status: "missing",
            residual_seconds: None,
            ca: None,
            findings: vec!["missing"],
            action: None,
            host: None,
            cluster: None,
        });
    }

    fn finding(&mut self, sev: Severity, path: &str, role: &str, mut p: Problem) {
        // Reader errors name their file; the finding names it already.
        if let Problem::Unreadable { reason }
        | Problem::P12Unreadable { reason }
        | Problem::HostKeyUnreadable { reason } = &mut p
        {
            *reason = without_path_prefix(reason, path);
        }
        self.findings.push(Found {
            severity: sev,
            path: path.to_string(),
            role: role.to_string(),
            problem: p,
        });
    }
}

use crate::pki::cert::rfc3339;

/// `reason` without a leading `<…path>: ` naming the file the finding is about.
fn without_path_prefix(reason: &str, path: &str) -> String {
    if !path.is_empty() {
        if let Some(i) = reason.find(": ") {
            let head = &reason[..i];
            if head == path || head.ends_with(&format!("/{path}")) {
                return reason[i + 2..].to_string();
            }
        }
    }
    reason.to_string()
}

fn rel(cfg: &AuditConfig, p: &Path) -> String {
    p.strip_prefix(&cfg.pki_dir)
        .map(|r| r.to_string_lossy().into_owned())
        .unwrap_or_else(|_| p.to_string_lossy().into_owned())
}

/// Where a symlink inside the audited tree leads.
pub enum Resolved {
    File(PathBuf),
    Dangling(String),
    Outside(String),
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Resolves `path` without ever leaving the tree: absolute targets under the default PKI
/// prefix map into `pki_dir`, other absolute targets into `root` (when known).
pub fn resolve_in_tree(pki_dir: &Path, root: Option<&Path>, path: &Path) -> Resolved {
    let mut cur = path.to_path_buf();
    for _ in 0..8 {
        let meta = match fs::symlink_metadata(&cur) {
            Ok(m) => m,
            Err(_) => return Resolved::Dangling(cur.to_string_lossy().into_owned()),
        };
        if !meta.file_type().is_symlink() {
            return Resolved::File(cur);
        }
        let target = match fs::read_link(&cur) {
            Ok(t) => t,
            Err(_) => return Resolved::Dangling(cur.to_string_lossy().into_owned()),
        };
        let shown = target.to_string_lossy().into_owned();
        let next = if target.is_absolute() {
            if let Ok(rest) = target.strip_prefix(DEFAULT_PKI_DIR) {
                pki_dir.join(rest)
            } else if let Some(r) = root {
                r.join(target.strip_prefix("/").unwrap_or(&target))
            } else {
                return Resolved::Outside(shown);
            }
        } else {
            cur.parent().unwrap_or(Path::new("")).join(&target)
        };
        let next = normalize(&next);
        let base = normalize(root.unwrap_or(pki_dir));
        if !next.starts_with(&base) {
            return Resolved::Outside(shown);
        }
        if fs::symlink_metadata(&next).is_err() {
            return Resolved::Dangling(shown);
        }
        cur = next;
    }
    Resolved::Dangling(path.to_string_lossy().into_owned())
}

/// Local user names → uid (for owner checks), from /etc/passwd.
fn local_users() -> HashMap<String, u32> {
    let mut m = HashMap::new();
    if let Ok(t) = fs::read_to_string("/etc/passwd") {
        for l in t.lines() {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() > 2 {
                if let Ok(uid) = f[2].parse() {
                    m.insert(f[0].to_string(), uid);
                }
            }
        }
    }
    m
}

impl Ctx<'_> {
    fn issuer(&self, kind: CaKind) -> Option<&Issuer> {
        match kind {
            CaKind::Engine => self.ca.as_ref(),
            CaKind::Qemu => self.qemu_ca.as_ref(),
        }
    }

    /// Reads a file, turning a failure into an `unreadable` finding.
    fn read(&self, out: &mut Out, path: &Path, role: &str, sev: Severity) -> Option<Vec<u8>> {
        let r = rel(self.cfg, path);
        match resolve_in_tree(&self.cfg.pki_dir, self.cfg.root.as_deref(), path) {
            Resolved::File(p) => match cert::read_limited(&p) {
                Ok(d) => Some(d),
                Err(e) => {
                    out.finding(
                        sev,
                        &r,
                        role,
                        Problem::Unreadable {
                            reason: e.to_string(),
                        },
                    );
                    None
                }
            },
            Resolved::Dangling(t) => {
                out.finding(
                    sev,
                    &r,
                    role,
                    Problem::Unreadable {
                        reason: format!("{r}: dangling symlink to {t}"),
                    },
                );
                None
            }
            Resolved::Outside(t) => {
                out.finding(
                    Severity::Warning,
                    &r,
                    role,
                    Problem::SymlinkOutsideTree { target: t },
                );
                None
            }
        }
    }

    /// Judges one certificate; returns its record (findings go to `out`).
    fn judge(&self, out: &mut Out, role: &Role, path: &str, der: &[u8]) -> Option<CertRecord> {
        let rname = role.name();
        let (x, s) = match cert::parse(Path::new(path), der) {
            Ok(v) => v,
            Err(e) => {
                out.finding(
                    Severity::Critical,
                    path,
                    &rname,
                    Problem::Unreadable {
                        reason: e.to_string(),
                    },
                );
                return None;
            }
        };
        let before = out.findings.len();
        let now = self.cfg.now;
        // Signature digest, by algorithm only: a SHA-1 cert is weak whatever its issue date.
        match s.signature.digest {
            Digest::Sha1 => out.finding(
                Severity::Warning,
                path,
                &rname,
                Problem::Sha1Signature {
                    algorithm: s.signature.name.to_string(),
                },
            ),
            Digest::Md5 => out.finding(
                Severity::Critical,
                path,
                &rname,
                Problem::Md5Signature {
                    algorithm: s.signature.name.to_string(),
                },
            ),
            _ => {}
        }
        // Validity.
        if now > s.not_after {
            out.finding(
                Severity::Critical,
                path,
                &rname,
                Problem::Expired {
                    not_after: rfc3339(s.not_after),
                    now: rfc3339(now),
                },
            );
        } else if now < s.not_before {
            out.finding(
                Severity::Critical,
                path,
                &rname,
                Problem::NotYetValid {
                    not_before: rfc3339(s.not_before),
                    now: rfc3339(now),
                },
            );
        } else {
            let left = s.not_after - now;
            let days_left = left / DAY;
            let (crit, warn) = match &self.cfg.role_windows {
                Some(t) => {
                    let w = t.for_role(&rname, role.scope());
                    (w.crit_days, w.warn_days)
                }
                None => (self.cfg.crit_days, self.cfg.warn_days),
            };
            for (sev, days) in [(Severity::Critical, crit), (Severity::Warning, warn)] {
                if left <= days * DAY {
                    out.finding(
                        sev,
                        path,
                        &rname,
                        Problem::Expiring {
                            not_after: rfc3339(s.not_after),
                            days_left,
                            threshold_days: days,
                        },
                    );
                    break;
                }
            }
        }
        // Key.
        match &s.key {
            KeyInfo::Rsa { bits } if bits < &2048 => out.finding(
                Severity::Critical,
                path,
                &rname,
                Problem::WeakKey {
                    key: s.key.short(),
                    min_bits: 2048,
                },
            ),
            KeyInfo::Rsa { .. } => {}
            other => out.finding(
                Severity::Warning,
                path,
                &rname,
                Problem::UnsupportedKey { key: other.short() },
            ),
        }
        // SAN.
        let entity = match role {
            Role::Entity(n) => catalog::entity(n),
            _ => None,
        };
        let wants_fqdn_san = entity.is_some_and(|e| e.profile == Profile::San);
        let is_host = matches!(role, Role::Host | Role::HostQemu);
        if wants_fqdn_san || is_host {
            match &s.san {
                None => out.finding(Severity::Warning, path, &rname, Problem::MissingSan),
                Some(san) => {
                    let expected = if is_host {
                        self.expect_host.clone().or_else(|| s.cn.clone())
                    } else {
                        self.fqdn.clone()
                    };
                    if let Some(exp) = expected {
                        let hit = san.iter().any(|n| {
                            n.strip_prefix("DNS:")
                                .or_else(|| n.strip_prefix("IP:"))
                                .is_some_and(|v| v.eq_ignore_ascii_case(&exp))
                        });
                        if !hit {
                            out.finding(
                                Severity::Warning,
                                path,
                                &rname,
                                Problem::SanMismatch {
                                    expected: exp,
                                    san: san.clone(),
                                },
                            );
                        }
                    }
                }
            }
        }
        // Any certificate: every dNSName must be a host name.
        for n in s.san.iter().flatten() {
            if let Some(d) = n.strip_prefix("DNS:") {
                if let Err(reason) = conf::check_dns_name(d, true) {
                    out.finding(
                        Severity::Warning,
                        path,
                        &rname,
                        Problem::SanInvalid {
                            name: conf::escape(d),
                            reason,
                        },
                    );
                }
            }
        }
        // Web certificates: at most 398 days; oVirt itself backdates one day, so allow 399.
        if entity.is_some_and(|e| e.short_life) {
            let span = s.not_after - s.not_before;
            if span > (catalog::WEB_MAX_DAYS + 1) * DAY {
                out.finding(
                    Severity::Warning,
                    path,
                    &rname,
                    Problem::WebValidityTooLong {
                        days: span / DAY,
                        max_days: catalog::WEB_MAX_DAYS,
                    },
                );
            }
        }
        // Chain.
        let ca_name = self.check_chain(out, role, path, &x, der, &s);
        let mine = &out.findings[before..];
        let worst = mine.iter().map(|f| f.severity).max();
        let status = row_status(mine.iter().any(|f| f.problem.code() == "expired"), worst);
        let action = mine
            .iter()
            .filter(|f| f.severity > Severity::Info)
            .max_by_key(|f| f.severity)
            .and_then(|f| f.problem.action(role))
            .or_else(|| mine.iter().find_map(|f| f.problem.action(role)));
        Some(CertRecord {
            role: rname,
            scope: role.scope(),
            path: path.to_string(),
            also_in: Vec::new(),
            residual_seconds: Some(s.not_after - now),
            findings: mine.iter().map(|f| f.problem.code()).collect(),
            cert: Some(s),
            missing: false,
            status,
            ca: ca_name,
            action,
            host: None,
            cluster: None,
        })
    }

    fn check_chain(
        &self,
        out: &mut Out,
        role: &Role,
        path: &str,
        x: &X509Certificate<'_>,
        der: &[u8],
        s: &CertSummary,
    ) -> Option<String> {
        let rname = role.name();
        let (issuer, ca_label) = match role {
            Role::Ca(name) => {
                // Self-signed: verify with its own key.
                match Issuer::new(name, der) {
                    Ok(i) => (Some(i), name.to_string()),
                    Err(e) => {
                        out.finding(
                            Severity::Critical,
                            path,
                            &rname,
                            Problem::ChainInvalid {
                                ca: name.to_string(),
                                reason: e,
                            },
                        );
                        return None;
                    }
                }
            }
            Role::HostQemu => (None, "qemu-ca".to_string()),
            Role::Entity(n) if catalog::entity(n).is_some_and(|e| e.ca == CaKind::Qemu) => {
                (None, "qemu-ca".to_string())
            }
            _ => (None, "ca".to_string()),
        };
        let kind = if ca_label == "qemu-ca" {
            CaKind::Qemu
        } else {
            CaKind::Engine
        };
        let issuer_ref = match &issuer {
            Some(i) => Some(i),
            None => self.issuer(kind),
        };
        let Some(iss) = issuer_ref else {
            out.finding(
                Severity::Critical,
                path,
                &rname,
                Problem::ChainInvalid {
                    ca: ca_label.clone(),
                    reason: format!("{}.pem is missing or unreadable", ca_label),
                },
            );
            return None;
        };
        match iss.check(x, der) {
            ChainStatus::Valid => {
                if matches!(role, Role::Host | Role::HostQemu) && s.not_before < iss.not_before {
                    out.finding(
                        Severity::Warning,
                        path,
                        &rname,
                        Problem::IssuedBeforeCaRenewal {
                            ca: format!("{ca_label}.pem"),
                            ca_not_before: rfc3339(iss.not_before),
                        },
                    );
                }
                Some(ca_label)
            }
            ChainStatus::OtherIssuer => {
                // Third-party apache (or another entity): judge against apache-ca.pem if it holds that issuer.
                if let Some(ext) = &self.apache_ca {
                    if ext.check(x, der) == ChainStatus::Valid {
                        out.finding(
                            Severity::Info,
                            path,
                            &rname,
                            Problem::ThirdPartyCert {
                                issuer: s.issuer.clone(),
                            },
                        );
                        return Some("apache-ca".into());
                    }
                }
                out.finding(
                    Severity::Critical,
                    path,
                    &rname,
                    Problem::ChainInvalid {
                        ca: ca_label,
                        reason: format!("issued by '{}', not by this CA", s.issuer),
                    },
                );
                None
            }
            ChainStatus::BadSignature => {
                out.finding(
                    Severity::Critical,
                    path,
                    &rname,
                    Problem::ChainInvalid {
                        ca: ca_label,
                        reason: "signature does not verify".into(),
                    },
                );
                None
            }
            ChainStatus::Unverifiable => {
                out.finding(
                    Severity::Warning,
                    path,
                    &rname,
                    Problem::UnverifiableSignature {
                        algorithm: s.signature.name.to_string(),
                    },
                );
                None
            }
        }
    }

    /// Mode and owner of a private key file.
    fn check_key_file(&self, out: &mut Out, path: &Path, role: &str, owner: &str, group_ok: bool) {
        let r = rel(self.cfg, path);
        let Ok(meta) = fs::metadata(path) else { return };
        let mode = meta.mode() & 0o7777;
        let expected = if group_ok { "0640 or stricter" } else { "0600" };
        if mode & 0o007 != 0 {
            out.finding(
                Severity::Critical,
                &r,
                role,
                Problem::KeyPermissions {
                    mode: format!("{mode:04o}"),
                    expected: expected.into(),
                },
            );
        } else if mode & 0o020 != 0 || (!group_ok && mode & 0o040 != 0) {
            out.finding(
                Severity::Warning,
                &r,
                role,
                Problem::KeyPermissions {
                    mode: format!("{mode:04o}"),
                    expected: expected.into(),
                },
            );
        }
        let uid = meta.uid();
        let mut ok = vec![0, self.dir_uid];
        if let Some(u) = self.users.get(owner) {
            ok.push(*u);
        }
        if !ok.contains(&uid) {
            out.finding(
                Severity::Warning,
                &r,
                role,
                Problem::KeyOwner {
                    uid,
                    expected: format!("root or {owner}"),
                },
            );
        }
    }

    /// One catalog (or unknown) entity: p12, .cer, key.nopass.
    fn entity(&self, out: &mut Out, name: &str) {
        let def = catalog::entity(name);
        let role = match def {
            Some(d) => Role::Entity(d.name),
            None => Role::OtherEntity(name.to_string()),
        };
        let rname = role.name();
        let dir = &self.cfg.pki_dir;
        let p12_path = dir.join("keys").join(format!("{name}.p12"));
        let cer_path = dir.join("certs").join(format!("{name}.cer"));
        let key_path = dir.join("keys").join(format!("{name}.key.nopass"));
        let p12_rel = rel(self.cfg, &p12_path);
        let cer_rel = rel(self.cfg, &cer_path);
        let required = def.is_some_and(|d| d.required);
        let miss_sev = if required {
            Severity::Critical
        } else {
            Severity::Warning
        };

        // keys/<name>.p12
        let mut p12_cert: Option<Vec<u8>> = None;
        let mut p12_key = None;
        if fs::symlink_metadata(&p12_path).is_ok() {
            let owner = def.map(|d| d.p12_owner).unwrap_or("root");
            self.check_key_file(out, &p12_path, &rname, owner, false);
            if let Some(data) = self.read(out, &p12_path, &rname, Severity::Critical) {
                match p12format::detect(&data) {
                    Ok(fmt) => {
                        if matches!(fmt.cert_pbe, Pbe::Rc2_40)
                            || matches!(fmt.key_pbe, Some(Pbe::Rc2_40))
                        {
                            out.finding(
                                Severity::Warning,
                                &p12_rel,
                                &rname,
                                Problem::P12LegacyRc2 {
                                    format: fmt.short(),
                                },
                            );
                        }
                        if fmt.key_friendly_name {
                            out.finding(
                                Severity::Warning,
                                &p12_rel,
                                &rname,
                                Problem::P12FriendlyName,
                            );
                        }
                    }
                    Err(e) => out.finding(
                        Severity::Critical,
                        &p12_rel,
                        &rname,
                        Problem::P12Unreadable {
                            reason: format!("not PKCS#12: {e}"),
                        },
                    ),
                }
                match cert::inspect_p12_with(
                    &p12_path,
                    &data,
                    &self.cfg.p12_password,
                    &self.p12_kdf,
                ) {
                    Ok(c) => {
                        p12_key = c.key;
                        p12_cert = c.cert_der;
                        if p12_key.is_none() {
                            out.finding(
                                Severity::Critical,
                                &p12_rel,
                                &rname,
                                Problem::Missing {
                                    what: "private key inside the PKCS#12".into(),
                                },
                            );
                        }
                        if p12_cert.is_none() {
                            out.finding(
                                Severity::Critical,
                                &p12_rel,
                                &rname,
                                Problem::Missing {
                                    what: "certificate inside the PKCS#12".into(),
                                },
                            );
                        }
                    }
                    Err(Error::Pkcs12Iterations {
                        what, count, limit, ..
                    }) => out.finding(
                        Severity::Critical,
                        &p12_rel,
                        &rname,
                        Problem::P12IterationsExcessive {
                            what: what.into(),
                            count,
                            limit,
                        },
                    ),
                    Err(Error::Pkcs12Refused { algorithms, .. }) => out.finding(
                        Severity::Critical,
                        &p12_rel,
                        &rname,
                        Problem::P12AlgorithmRefused { algorithms },
                    ),
                    Err(e) => {
                        let reason = match e {
                            Error::Pkcs12Open { reason, .. } => {
                                format!("wrong password or corrupt file ({reason})")
                            }
                            other => other.to_string(),
                        };
                        // Only report it once if the DER walk already said it is not PKCS#12.
                        if !out
                            .findings
                            .iter()
                            .any(|f| f.path == p12_rel && f.problem.code() == "p12-unreadable")
                        {
                            out.finding(
                                Severity::Critical,
                                &p12_rel,
                                &rname,
                                Problem::P12Unreadable { reason },
                            );
                        }
                    }
                }
            }
        } else if def.is_some() {
            out.finding(
                miss_sev,
                &p12_rel,
                &rname,
                Problem::Missing {
                    what: format!("{p12_rel} (the entity's key store)"),
                },
            );
        }

        // certs/<name>.cer
        let mut cer_der: Option<Vec<u8>> = None;
        if fs::symlink_metadata(&cer_path).is_ok() {
            if let Some(data) = self.read(out, &cer_path, &rname, Severity::Critical) {
                match cert::first_certificate(&cer_path, &data) {
                    Ok(d) => cer_der = Some(d),
                    Err(e) => out.finding(
                        Severity::Critical,
                        &cer_rel,
                        &rname,
                        Problem::Unreadable {
                            reason: e.to_string(),
                        },
                    ),
                }
            }
        } else if def.is_some() {
            out.finding(
                miss_sev,
                &cer_rel,
                &rname,
                Problem::Missing {
                    what: cer_rel.clone(),
                },
            );
        }

        // Records: one per distinct certificate.
        let p12_exists = fs::symlink_metadata(&p12_path).is_ok();
        let cer_exists = fs::symlink_metadata(&cer_path).is_ok();
        if required && !p12_exists && !cer_exists {
            out.missing_record(&role, &cer_rel);
        }
        match (&p12_cert, &cer_der) {
            (Some(a), Some(b)) if a == b => {
                if let Some(mut r) = self.judge(out, &role, &cer_rel, b) {
                    r.also_in.push(p12_rel.clone());
                    out.records.push(r);
                }
            }
            _ => {
                if let Some(b) = &cer_der {
                    if let Some(r) = self.judge(out, &role, &cer_rel, b) {
                        out.records.push(r);
                    }
                }
                if let Some(a) = &p12_cert {
                    if let Some(r) = self.judge(out, &role, &p12_rel, a) {
                        out.records.push(r);
                    }
                }
                if let (Some(_), Some(_)) = (&p12_cert, &cer_der) {
                    out.finding(
                        Severity::Warning,
                        &cer_rel,
                        &rname,
                        Problem::CerP12Mismatch {
                            cer: cer_rel.clone(),
                            p12: p12_rel.clone(),
                        },
                    );
                }
            }
        }
        if let (Some(k), Some(c)) = (&p12_key, &p12_cert) {
            if !k.matches_cert(c) {
                out.finding(
                    Severity::Critical,
                    &p12_rel,
                    &rname,
                    Problem::KeyMismatch {
                        key: format!("{p12_rel} (key)"),
                        cert: format!("{p12_rel} (certificate)"),
                    },
                );
            }
        }

        // keys/<name>.key.nopass: what httpd & co. load together with the .cer.
        let extract = def.map(|d| d.extract).unwrap_or(false);
        let key_exists = fs::symlink_metadata(&key_path).is_ok();
        if key_exists || (extract && p12_path.exists()) {
            let key_rel = rel(self.cfg, &key_path);
            if !key_exists {
                out.finding(
                    miss_sev,
                    &key_rel,
                    &rname,
                    Problem::Missing {
                        what: key_rel.clone(),
                    },
                );
            } else {
                let owner = def.map(|d| d.key_owner).unwrap_or("root");
                let group_ok = def.is_some_and(|d| d.group_readable_key || d.name == "apache");
                self.check_key_file(out, &key_path, &rname, owner, group_ok);
                self.check_key_against(
                    out,
                    &key_path,
                    &rname,
                    cer_der.as_deref().or(p12_cert.as_deref()),
                    &cer_rel,
                );
            }
        }
        if name == "engine" {
            let id = dir.join("keys/engine_id_rsa");
            if fs::symlink_metadata(&id).is_ok() {
                self.check_key_file(out, &id, &rname, "ovirt", false);
                self.check_key_against(
                    out,
                    &id,
                    &rname,
                    p12_cert.as_deref().or(cer_der.as_deref()),
                    &p12_rel,
                );
            }
        }
    }

    fn check_key_against(
        &self,
        out: &mut Out,
        key_path: &Path,
        role: &str,
        cert_der: Option<&[u8]>,
        cert_rel: &str,
    ) {
        let key_rel = rel(self.cfg, key_path);
        let Some(data) = self.read(out, key_path, role, Severity::Critical) else {
            return;
        };
        match cert::read_key_public(key_path, &data, Some(&self.cfg.p12_password)) {
            Ok(k) => {
                if let Some(c) = cert_der {
                    if !k.matches_cert(c) {
                        out.finding(
                            Severity::Critical,
                            &key_rel,
                            role,
                            Problem::KeyMismatch {
                                key: key_rel.clone(),
                                cert: cert_rel.to_string(),
                            },
                        );
                    }
                }
            }
            Err(e) => out.finding(
                Severity::Critical,
                &key_rel,
                role,
                Problem::Unreadable {
                    reason: e.to_string(),
                },
            ),
        }
    }

    /// `ca.pem` / `qemu-ca.pem`, their keys and copies.
    fn ca(&self, out: &mut Out, def: &catalog::CaDef) {
        let dir = &self.cfg.pki_dir;
        let path = dir.join(def.cert);
        let role = Role::Ca(def.name);
        let Some(data) = self.read(out, &path, def.name, Severity::Critical) else {
            return;
        };
        let der = match cert::first_certificate(&path, &data) {
            Ok(d) => d,
            Err(e) => {
                out.finding(
                    Severity::Critical,
                    def.cert,
                    def.name,
                    Problem::Unreadable {
                        reason: e.to_string(),
                    },
                );
                return;
            }
        };
        if let Some(r) = self.judge(out, &role, def.cert, &der) {
            out.records.push(r);
        }
        let key = dir.join(def.key);
        if fs::symlink_metadata(&key).is_ok() {
            self.check_key_file(out, &key, def.name, "ovirt", true);
            self.check_key_against(out, &key, def.name, Some(&der), def.cert);
        } else {
            out.finding(
                Severity::Warning,
                def.key,
                def.name,
                Problem::Missing {
                    what: format!("{} (the CA's private key; nothing can be signed)", def.key),
                },
            );
        }
        let copy = dir.join(def.copy);
        if fs::symlink_metadata(&copy).is_ok() {
            if let Some(cd) = self.read(out, &copy, def.name, Severity::Warning) {
                match cert::first_certificate(&copy, &cd) {
                    Ok(c) if c == der => {}
                    Ok(_) => out.finding(
                        Severity::Warning,
                        def.copy,
                        def.name,
                        Problem::CaCopyMismatch {
                            copy: def.copy.into(),
                            ca: def.cert.into(),
                        },
                    ),
                    Err(e) => out.finding(
                        Severity::Warning,
                        def.copy,
                        def.name,
                        Problem::Unreadable {
                            reason: e.to_string(),
                        },
                    ),
                }
                let serial = cert::parse(&copy, &der).ok().map(|(_, s)| s.serial);
                out.inventory.push(InventoryItem {
                    path: def.copy.into(),
                    kind: "ca-copy",
                    serial,
                    not_after: None,
                });
            }
        }
    }

    /// `apache-ca.pem`: a symlink to ca.pem, or (third-party apache) the external CA.
    fn apache_ca(&self, out: &mut Out, apache_issuer_is_internal: Option<bool>) {
        let p = self.cfg.pki_dir.join("apache-ca.pem");
        let role = "apache";
        let Ok(meta) = fs::symlink_metadata(&p) else {
            out.finding(
                Severity::Critical,
                "apache-ca.pem",
                role,
                Problem::Missing {
                    what: "apache-ca.pem (httpd's SSLCACertificateFile)".into(),
                },
            );
            return;
        };
        let ca_path = self.cfg.pki_dir.join("ca.pem");
        match resolve_in_tree(&self.cfg.pki_dir, self.cfg.root.as_deref(), &p) {
            Resolved::Dangling(t) => out.finding(
                Severity::Critical,
                "apache-ca.pem",
                role,
                Problem::ApacheCaMismatch {
                    reason: format!(
                        "apache-ca.pem is a dangling symlink to {t}; httpd will not start"
                    ),
                },
            ),
            Resolved::Outside(t) => out.finding(
                Severity::Warning,
                "apache-ca.pem",
                role,
                Problem::SymlinkOutsideTree { target: t },
            ),
            Resolved::File(f) => {
                if meta.file_type().is_symlink() && normalize(&f) == normalize(&ca_path) {
                    return;
                }
                let same = match (cert::read_limited(&f), cert::read_limited(&ca_path)) {
                    (Ok(a), Ok(b)) => match (
                        cert::first_certificate(&f, &a),
                        cert::first_certificate(&ca_path, &b),
                    ) {
                        (Ok(x), Ok(y)) => x == y,
                        _ => false,
                    },
                    _ => false,
                };
                if !same && apache_issuer_is_internal == Some(true) {
                    out.finding(
                        Severity::Warning,
                        "apache-ca.pem",
                        role,
                        Problem::ApacheCaMismatch { reason: "apache-ca.pem is neither ca.pem nor a link to it, yet the apache certificate is issued by the internal CA".into() },
                    );
                }
            }
        }
    }

    /// One unit of work.
    fn job(&self, job: &Job) -> Out {
        let mut out = Out::default();
        match job {
            Job::Ca(def) => self.ca(&mut out, def),
            Job::Entity(n) => self.entity(&mut out, n),
            Job::Host(_, _, r) => self.host_file(&mut out, &job.path(&self.cfg.pki_dir), r.role()),
            Job::Inventory(_, _, k) => self.inventory(&mut out, &job.path(&self.cfg.pki_dir), k),
        }
        out
    }

    /// A certificate in certs/ or certs-qemu/ that is not an entity.
    fn host_file(&self, out: &mut Out, path: &Path, role: Role) {
        let r = rel(self.cfg, path);
        let rname = role.name();
        let Some(data) = self.read(out, path, &rname, Severity::Warning) else {
            return;
        };
        match cert::first_certificate(path, &data) {
            Ok(der) => {
                if let Some(rec) = self.judge(out, &role, &r, &der) {
                    out.records.push(rec);
                }
            }
            Err(e) => out.finding(
                Severity::Warning,
                &r,
                &rname,
                Problem::Unreadable {
                    reason: e.to_string(),
                },
            ),
        }
    }

    fn inventory(&self, out: &mut Out, path: &Path, kind: &'static str) {
        let r = rel(self.cfg, path);
        let parsed = cert::read_limited(path)
            .ok()
            .and_then(|d| cert::first_certificate(path, &d).ok())
            .and_then(|der| {
                cert::parse(path, &der)
                    .ok()
                    .map(|(_, s)| (s.serial, s.not_after))
            });
        out.inventory.push(InventoryItem {
            path: r,
            kind,
            serial: parsed.as_ref().map(|p| p.0.clone()),
            not_after: parsed.map(|p| p.1),
        });
    }
}

/// Judges one certificate that does not live in the PKI directory (a host's copy of its
/// certificate, a CA copy on a host) with the very checks and codes of the audit: signature
/// digest, validity against the thresholds, key, SAN, chain against `ca_der` / `qemu_ca_der`.
/// `role` picks the rules ([`Role::Host`]: SAN must name the CN, chain to ca.pem;
/// [`Role::HostQemu`]: chain to qemu-ca.pem; [`Role::Ca`]: self-signed). Returns the row (None
/// when the bytes are not a certificate) and its findings, `path` used as given.
pub fn judge_certificate(
    cfg: &AuditConfig,
    ca_der: Option<&[u8]>,
    qemu_ca_der: Option<&[u8]>,
    role: &Role,
    path: &str,
    der: &[u8],
) -> (Option<CertRecord>, Vec<Finding>) {
    judge_external(
        cfg,
        ca_der.and_then(|d| Issuer::new("ca", d).ok()),
        qemu_ca_der.and_then(|d| Issuer::new("qemu-ca", d).ok()),
        role.clone(),
        path,
        der,
        None,
    )
}

/// The suggested fix for `problem` on a certificate of `role` (as the audit's ACTION column).
pub fn action_for(problem: &Problem, role: &Role) -> Option<String> {
    problem.action(role)
}

/// Sub-directories holding certificates that are not entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sub {
    Certs,
    CertsQemu,
}

impl Sub {
    fn name(self) -> &'static str {
        match self {
            Sub::Certs => "certs",
            Sub::CertsQemu => "certs-qemu",
        }
    }
}

/// A host certificate's role, one byte instead of a `Role` per queued file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostRole {
    Host,
    HostQemu,
    HostOther,
}

impl HostRole {
    fn role(self) -> Role {
        match self {
            HostRole::Host => Role::Host,
            HostRole::HostQemu => Role::HostQemu,
            HostRole::HostOther => Role::HostOther,
        }
    }
}

/// What to do with one file (the unit of parallel work). Host and inventory jobs keep only the
/// file name: a Manager with 100,000 hosts queues 100,000 of them.
enum Job {
    Ca(&'static catalog::CaDef),
    Entity(String),
    Host(Sub, Box<OsStr>, HostRole),
    Inventory(Sub, Box<OsStr>, &'static str),
}

impl Job {
    fn path(&self, dir: &Path) -> PathBuf {
        match self {
            Job::Ca(def) => dir.join(def.cert),
            Job::Entity(n) => dir.join("keys").join(format!("{n}.p12")),
            Job::Host(sub, name, _) | Job::Inventory(sub, name, _) => {
                dir.join(sub.name()).join(&**name)
            }
        }
    }
    fn role_name(&self) -> String {
        match self {
            Job::Ca(def) => def.name.to_string(),
            Job::Entity(n) => catalog::entity(n)
                .map(|d| d.name.to_string())
                .unwrap_or_else(|| n.clone()),
            Job::Host(_, _, r) => r.role().name(),
            Job::Inventory(..) => "pki".into(),
        }
    }
}

fn is_backup_name(name: &str) -> bool {
    // engine-setup / pki scripts: `<file>.<YYYYmmddHHMMSS>`; engine-backup: `.backup.<ts>`.
    if name.contains(".backup.") {
        return true;
    }
    match name.rsplit_once('.') {
        Some((_, ts)) => ts.len() == 14 && ts.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// File names of `dir`, sorted by their (lossy UTF-8) text; empty when it cannot be listed.
fn list(dir: &Path) -> Vec<OsString> {
    let mut v: Vec<OsString> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.file_name()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort_by(|a, b| {
        a.to_string_lossy()
            .cmp(&b.to_string_lossy())
            .then_with(|| a.cmp(b))
    });
    v
}

/// The jobs of one audit, engine side first (their rows lead the report).
struct Plan {
    jobs: Vec<Job>,
    /// `jobs[..engine]` are CAs and entities.
    engine: usize,
}

/// Classifies the files of `certs/`, `certs-qemu/` and `keys/` into jobs.
fn plan_jobs(dir: &Path) -> Plan {
    let mut entities: BTreeSet<String> = BTreeSet::new();
    for name in list(&dir.join("keys")) {
        let name = name.to_string_lossy();
        if is_backup_name(&name) {
            continue;
        }
        if let Some(base) = name.strip_suffix(".p12") {
            entities.insert(base.to_string());
        }
    }
    for def in catalog::ENTITIES {
        if dir.join("certs").join(format!("{}.cer", def.name)).exists() || def.required {
            entities.insert(def.name.to_string());
        }
    }
    let mut jobs: Vec<Job> = catalog::CAS
        .iter()
        .filter(|def| fs::symlink_metadata(dir.join(def.cert)).is_ok())
        .map(Job::Ca)
        .collect();
    jobs.extend(entities.iter().cloned().map(Job::Entity));
    let engine = jobs.len();
    for raw in list(&dir.join("certs")) {
        let name = raw.to_string_lossy();
        if is_backup_name(&name) {
            jobs.push(Job::Inventory(
                Sub::Certs,
                raw.into_boxed_os_str(),
                "backup",
            ));
            continue;
        }
        if matches!(&*name, "ca.der" | "qemu-ca.der") || name.ends_with(".pub") {
            continue;
        }
        if let Some(stem) = name.strip_suffix(".pem") {
            if !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_hexdigit()) {
                jobs.push(Job::Inventory(
                    Sub::Certs,
                    raw.into_boxed_os_str(),
                    "issued-copy",
                ));
                continue;
            }
        }
        let Some(stem) = name.strip_suffix(".cer") else {
            continue;
        };
        if entities.contains(stem) {
            continue;
        }
        let role = if stem.ends_with("-ssh")
            || stem.ends_with("-ovn")
            || stem.starts_with("websocket-proxy-")
            || stem.starts_with("apache-grafana-")
        {
            HostRole::HostOther
        } else {
            HostRole::Host
        };
        jobs.push(Job::Host(Sub::Certs, raw.into_boxed_os_str(), role));
    }
    for raw in list(&dir.join("certs-qemu")) {
        let name = raw.to_string_lossy();
        if is_backup_name(&name) {
            jobs.push(Job::Inventory(
                Sub::CertsQemu,
                raw.into_boxed_os_str(),
                "backup",
            ));
        } else if name.ends_with(".cer") {
            jobs.push(Job::Host(
                Sub::CertsQemu,
                raw.into_boxed_os_str(),
                HostRole::HostQemu,
            ));
        }
    }
    Plan { jobs, engine }
}

fn detect_era(dir: &Path, ca: Option<&Issuer>, ca_not_before: Option<i64>) -> Option<Era> {
    let ca = ca?;
    let has_qemu = dir.join("qemu-ca.pem").exists();
    if !has_qemu {
        return Some(Era::V42);
    }
    let span = ca_not_before.map(|nb| ca.not_after - nb).unwrap_or(0);
    if span > 5000 * DAY {
        Some(Era::V45)
    } else {
        Some(Era::V44)
    }
}

/// `audit --probe`: the findings of endpoint checks — `restart-needed` (an endpoint serves
/// another certificate than its file) and `endpoint-unreachable` — on the file's path.
pub fn probe_findings(
    cfg: &AuditConfig,
    checks: &[crate::manager::endpoints::Check],
) -> Vec<Finding> {
    use crate::manager::endpoints::CheckState;
    let mut out = Vec::new();
    for c in checks {
        let problem = match c.state {
            CheckState::Current | CheckState::DiskUnreadable => continue,
            CheckState::Stale => Problem::RestartNeeded {
                endpoint: c.endpoint.clone(),
                address: c.address.clone(),
                service: c.service.clone(),
                served_serial: c.served_serial.clone().unwrap_or_else(|| "?".into()),
                on_disk_serial: c.on_disk_serial.clone().unwrap_or_else(|| "?".into()),
            },
            CheckState::Unreachable => Problem::EndpointUnreachable {
                endpoint: c.endpoint.clone(),
                address: c.address.clone(),
                service: c.service.clone(),
                reason: c.detail.clone().unwrap_or_default(),
            },
        };
        out.push(
            Found {
                severity: Severity::Warning,
                path: rel(cfg, Path::new(&c.file)),
                role: c.entity.clone(),
                problem,
            }
            .into_finding(),
        );
    }
    out
}

fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| a.path.cmp(&b.path))
        .then_with(|| a.problem.code().cmp(b.problem.code()))
}

/// Adds findings found outside the PKI files (`audit --probe`) to a finished report.
pub fn add_findings(rep: &mut AuditReport, extra: Vec<Finding>) {
    rep.findings.extend(extra);
    rep.findings.sort_by(finding_order);
}

/// `interrupted-change` (critical) for every backup of `pki_dir` under `backup_root` whose
/// change was interrupted; `undo` is the `rhv-pki rollback …` command for this tree (the
/// backup id is appended). An unreadable backup root is no finding here.
pub fn interrupted_changes(pki_dir: &Path, backup_root: &Path, undo: &str) -> Vec<Finding> {
    crate::change::txn::list_backups(backup_root)
        .unwrap_or_default()
        .into_iter()
        .filter(|b| {
            b.state == crate::change::txn::BackupState::Incomplete
                && Path::new(&b.pki_dir) == pki_dir
        })
        .map(|b| {
            Found {
                severity: Severity::Critical,
                path: backup_root.join(&b.id).to_string_lossy().into_owned(),
                role: "pki".into(),
                problem: Problem::InterruptedChange {
                    command: format!("{undo} {}", b.id),
                    backup: b.id,
                    reason: b.reason,
                },
            }
            .into_finding()
        })
        .collect()
}

/// A sink that merges extra findings into the sorted stream of another.
struct Merge<'a> {
    inner: &'a mut dyn Sink,
    extra: std::collections::VecDeque<Finding>,
}

impl Merge<'_> {
    fn flush_before(&mut self, next: Option<&Finding>) -> io::Result<()> {
        while let Some(x) = self.extra.front() {
            if next.is_some_and(|n| finding_order(x, n) == std::cmp::Ordering::Greater) {
                break;
            }
            let x = self.extra.pop_front().expect("front exists");
            self.inner.finding(&x)?;
        }
        Ok(())
    }
}

impl Sink for Merge<'_> {
    fn head(&mut self, head: &ReportHead) -> io::Result<()> {
        self.inner.head(head)
    }
    fn certificate(&mut self, rec: &CertRecord) -> io::Result<()> {
        self.inner.certificate(rec)
    }
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        self.flush_before(Some(f))?;
        self.inner.finding(f)
    }
    fn inventory(&mut self, item: &InventoryItem) -> io::Result<()> {
        self.flush_before(None)?;
        self.inner.inventory(item)
    }
    fn finish(&mut self, totals: &Totals) -> io::Result<()> {
        self.flush_before(None)?;
        self.inner.finish(totals)
    }
}

/// [`run_with`] plus findings found outside the PKI files (`audit --probe`), merged into
/// the sorted findings and counted in the totals.
pub fn run_with_extra(
    cfg: &AuditConfig,
    sink: &mut dyn Sink,
    mut extra: Vec<Finding>,
) -> Result<Totals, AuditError> {
    if extra.is_empty() {
        return run_with(cfg, sink);
    }
    extra.sort_by(finding_order);
    let mut add = Totals::default();
    for f in &extra {
        add.count_finding(f.severity);
    }
    // The inner sink must see totals that include the extra findings.
    struct Adjust<'a> {
        inner: Merge<'a>,
        add: Totals,
    }
    impl Sink for Adjust<'_> {
        fn head(&mut self, h: &ReportHead) -> io::Result<()> {
            self.inner.head(h)
        }
        fn certificate(&mut self, r: &CertRecord) -> io::Result<()> {
            self.inner.certificate(r)
        }
        fn finding(&mut self, f: &Finding) -> io::Result<()> {
            self.inner.finding(f)
        }
        fn inventory(&mut self, i: &InventoryItem) -> io::Result<()> {
            self.inner.inventory(i)
        }
        fn finish(&mut self, t: &Totals) -> io::Result<()> {
            let mut t = *t;
            t.critical += self.add.critical;
            t.warning += self.add.warning;
            t.info += self.add.info;
            self.inner.finish(&t)
        }
    }
    let mut s = Adjust {
        inner: Merge {
            inner: sink,
            extra: extra.into(),
        },
        add,
    };
    let mut t = run_with(cfg, &mut s)?;
    t.critical += add.critical;
    t.warning += add.warning;
    t.info += add.info;
    Ok(t)
}

/// Runs the audit and returns the whole report (fine for one Manager; for very large
/// directories prefer [`run_with`] and a sink that writes as it goes).
/// `Err` only when the PKI directory itself cannot be used.
/// Judges a certificate found outside the PKI directory — a host's vdsm certificate served
/// over TLS or read over SSH — with exactly the audit's rules (signature, validity against
/// `cfg.now` and the role's window, key, SAN, chain against `ca` / `qemu_ca`). `label` names it
/// in findings (`host1.example.test:54321`, `host1:/etc/pki/vdsm/certs/vdsmcert.pem`);
/// `expected_name` is the address its SAN must hold (`None`: its own CN).
pub fn judge_external(
    cfg: &AuditConfig,
    ca: Option<Issuer>,
    qemu_ca: Option<Issuer>,
    role: Role,
    label: &str,
    der: &[u8],
    expected_name: Option<&str>,
) -> (Option<CertRecord>, Vec<Finding>) {
    let ctx = Ctx {
        cfg,
        p12_kdf: cert::P12Kdf::new(&[], ""),
        fqdn: None,
        ca,
        qemu_ca,
        apache_ca: None,
        users: HashMap::new(),
        dir_uid: 0,
        expect_host: expected_name.map(str::to_string),
    };
    let mut out = Out::default();
    let rec = ctx.judge(&mut out, &role, label, der);
    (
        rec,
        out.findings.into_iter().map(Found::into_finding).collect(),
    )
}

pub fn run(cfg: &AuditConfig) -> Result<AuditReport, AuditError> {
    let mut c = Collect(AuditReport {
        pki_dir: String::new(),
        engine_fqdn: None,
        era: None,
        now: cfg.now,
        warn_days: cfg.warn_days,
        crit_days: cfg.crit_days,
        certificates: Vec::new(),
        findings: Vec::new(),
        inventory: Vec::new(),
    });
    run_with(cfg, &mut c)?;
    Ok(c.0)
}

/// Finished results held back before the sink sees them (the reordering window), per worker
/// pool; bounds memory whatever the number of files.
const WINDOW: usize = 1024;
/// Largest batch of cheap jobs a worker takes at once.
const MAX_BATCH: usize = 64;

/// Runs the audit, handing its output to `sink` as it is produced (see [`Sink`] for the
/// order). `Err` when the PKI directory itself cannot be used (nothing was written) or when
/// the sink fails.
pub fn run_with(cfg: &AuditConfig, sink: &mut dyn Sink) -> Result<Totals, AuditError> {
    let dir = &cfg.pki_dir;
    let meta = fs::metadata(dir).map_err(|e| AuditError::PkiDir {
        path: dir.clone(),
        reason: format!("cannot be read: {e}"),
    })?;
    if !meta.is_dir() {
        return Err(AuditError::PkiDir {
            path: dir.clone(),
            reason: "is not a directory".into(),
        });
    }
    fs::read_dir(dir).map_err(|e| AuditError::PkiDir {
        path: dir.clone(),
        reason: format!("cannot be listed: {e}"),
    })?;
    // The entities' key stores hold most of the audit's CPU (PKCS#12 key derivation): their
    // chains are derived as one batch, shared by the worker threads (see `Ctx::p12_kdf`).
    let p12_kdf = {
        let data: Vec<Vec<u8>> = list(&dir.join("keys"))
            .iter()
            .filter(|n| {
                let n = n.to_string_lossy();
                n.ends_with(".p12") && !is_backup_name(&n)
            })
            .filter_map(|n| {
                match resolve_in_tree(dir, cfg.root.as_deref(), &dir.join("keys").join(n)) {
                    Resolved::File(p) => cert::read_limited(&p).ok(),
                    _ => None,
                }
            })
            .collect();
        let refs: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
        cert::P12Kdf::new(&refs, &cfg.p12_password)
    };

    // Engine side: findings of the whole PKI, the CAs and the entities. Its rows are held
    // until all of them are known (a key or p12 problem changes the entity's row).
    let mut engine = Out::default();
    // ENGINE_FQDN.
    let fqdn = match &cfg.engine_conf_dir {
        Some(d) => match conf::read_engine_conf(d) {
            Ok(c) => match c.valid_fqdn() {
                Ok(Some(_)) => c.fqdn().map(str::to_string),
                // Not a host name: said so (naming the file), and no SAN is judged against it.
                Err(why) => {
                    engine.finding(
                        Severity::Warning,
                        &d.to_string_lossy(),
                        "pki",
                        Problem::EngineFqdnUnknown { reason: why },
                    );
                    None
                }
                Ok(None) => {
                    engine.finding(
                        Severity::Info,
                        &d.to_string_lossy(),
                        "pki",
                        Problem::EngineFqdnUnknown {
                            reason: "no ENGINE_FQDN in engine.conf.d".into(),
                        },
                    );
                    None
                }
            },
            Err(e) => {
                engine.finding(
                    Severity::Info,
                    &d.to_string_lossy(),
                    "pki",
                    Problem::EngineFqdnUnknown {
                        reason: e.to_string(),
                    },
                );
                None
            }
        },
        None => {
            engine.finding(
                Severity::Info,
                "engine.conf.d",
                "pki",
                Problem::EngineFqdnUnknown {
                    reason: "no engine.conf.d given (--engine-conf-dir)".into(),
                },
            );
            None
        }
    };

    let load_issuer = |name: &str, file: &str| -> Option<(Issuer, i64)> {
        let p = dir.join(file);
        let data = cert::read_limited(&p).ok()?;
        let der = cert::first_certificate(&p, &data).ok()?;
        let (_, s) = cert::parse(&p, &der).ok()?;
        Issuer::new(name, &der).ok().map(|i| (i, s.not_before))
    };
    let ca = load_issuer("ca", "ca.pem");
    let qemu_ca = load_issuer("qemu-ca", "qemu-ca.pem").map(|x| x.0);
    let era = detect_era(dir, ca.as_ref().map(|x| &x.0), ca.as_ref().map(|x| x.1));
    let ca = ca.map(|x| x.0);
    // A real-file apache-ca.pem holding another CA (third-party apache).
    let apache_ca = {
        let p = dir.join("apache-ca.pem");
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_file() => cert::read_limited(&p)
                .ok()
                .and_then(|d| cert::first_certificate(&p, &d).ok())
                .and_then(|der| Issuer::new("apache-ca", &der).ok())
                .filter(|i| ca.as_ref().is_none_or(|c| c.subject_raw != i.subject_raw)),
            _ => None,
        }
    };
    let ctx = Ctx {
        cfg,
        p12_kdf,
        fqdn: fqdn.clone(),
        ca,
        qemu_ca,
        apache_ca,
        users: local_users(),
        dir_uid: meta.uid(),
        expect_host: None,
    };

    if fs::symlink_metadata(dir.join("ca.pem")).is_err() {
        engine.finding(
            Severity::Critical,
            "ca.pem",
            "ca",
            Problem::Missing {
                what: "ca.pem (the engine CA; nothing can be verified)".into(),
            },
        );
    }
    check_openssl_conf(&mut engine, dir);
    check_other_confs(&mut engine, dir);
    check_index(&mut engine, dir);
    // `.truststore` beside the other files (its PKCS#12 key derivations take a few ms).
    let truststore = truststore::spawn(cfg);

    sink.head(&ReportHead {
        pki_dir: dir.to_string_lossy().into_owned(),
        engine_fqdn: fqdn,
        era,
        now: cfg.now,
        warn_days: cfg.warn_days,
        crit_days: cfg.crit_days,
    })
    .map_err(AuditError::Output)?;

    // Every file, in parallel, results in plan order.
    let Plan {
        jobs,
        engine: n_engine,
    } = plan_jobs(dir);
    let threads = if cfg.threads == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        cfg.threads
    }
    .clamp(1, 64);
    let mut totals = Totals::default();
    let mut findings: Vec<Found> = Vec::new();
    let mut inventory: Vec<InventoryItem> = Vec::new();
    let mut engine_done = false;
    // The engine rows are complete once every engine job is in: judge apache-ca.pem, fold
    // each entity's file findings into its row, and write the rows.
    let finish_engine = |engine: &mut Out,
                         findings: &mut Vec<Found>,
                         totals: &mut Totals,
                         sink: &mut dyn Sink|
     -> io::Result<()> {
        let apache_internal = engine
            .records
            .iter()
            .find(|r| r.role == "apache")
            .map(|r| !r.findings.contains(&"third-party-cert"));
        ctx.apache_ca(engine, apache_internal);
        ctx.vmconsole_ssh_certs(engine);
        storepass::collapse_wrong_password(cfg, engine);
        attach_file_findings(engine);
        for r in &engine.records {
            totals.count_certificate(r);
            sink.certificate(r)?;
        }
        engine.records = Vec::new();
        findings.append(&mut engine.findings);
        Ok(())
    };
    let work = |i: usize| -> Out {
        let job = &jobs[i];
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ctx.job(job))).unwrap_or_else(
            |panic| {
                // A bug must not take the other files' results with it: report it on the file.
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let mut o = Out::default();
                o.finding(
                    Severity::Critical,
                    &rel(cfg, &job.path(dir)),
                    &job.role_name(),
                    Problem::Unreadable {
                        reason: format!("internal error while auditing this file: {why}"),
                    },
                );
                o
            },
        )
    };
    let mut emit = |i: usize, mut o: Out| -> io::Result<()> {
        if i < n_engine {
            engine.records.append(&mut o.records);
            engine.findings.append(&mut o.findings);
            inventory.append(&mut o.inventory);
            return Ok(());
        }
        if !engine_done {
            engine_done = true;
            finish_engine(&mut engine, &mut findings, &mut totals, sink)?;
        }
        for r in &o.records {
            totals.count_certificate(r);
            sink.certificate(r)?;
        }
        findings.append(&mut o.findings);
        inventory.append(&mut o.inventory);
        Ok(())
    };
    ordered_pool(threads, jobs.len(), n_engine, &work, &mut emit).map_err(AuditError::Output)?;
    if !engine_done {
        finish_engine(&mut engine, &mut findings, &mut totals, sink).map_err(AuditError::Output)?;
    }

    findings.extend(truststore::join(truststore));
    // Stable order: severity desc, then path, then code.
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.problem.code().cmp(b.problem.code()))
    });
    for f in findings {
        totals.count_finding(f.severity);
        sink.finding(&f.into_finding())
            .map_err(AuditError::Output)?;
    }
    totals.inventory = inventory.len();
    for i in &inventory {
        sink.inventory(i).map_err(AuditError::Output)?;
    }
    sink.finish(&totals).map_err(AuditError::Output)?;
    Ok(totals)
}

/// Runs `work(i)` for every `i < n` on up to `threads` threads and hands each result to `emit`
/// on the calling thread, in index order. Jobs below `singles` are handed out one at a time
/// (they are few and heavy: PKCS#12 key derivation); the rest in batches that shrink towards
/// the end, so workers rarely synchronise. A worker starts a batch only within [`WINDOW`] jobs
/// of the next one `emit` wants: memory stays bounded whatever `n` is. An `emit` error stops
/// the workers and is returned.
fn ordered_pool<R: Send>(
    threads: usize,
    n: usize,
    singles: usize,
    work: &(dyn Fn(usize) -> R + Sync),
    emit: &mut dyn FnMut(usize, R) -> io::Result<()>,
) -> io::Result<()> {
    let threads = threads.min(n);
    if threads <= 1 {
        for i in 0..n {
            emit(i, work(i))?;
        }
        return Ok(());
    }
    let batch_at = |i: usize| -> usize {
        if i < singles {
            1
        } else {
            ((n - i) / (threads * 4)).clamp(1, MAX_BATCH)
        }
    };
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // Index of the next result `emit` wants; workers wait on `moved` to stay within WINDOW.
    let emitted = AtomicUsize::new(0);
    let waiting = AtomicUsize::new(0);
    let lock = Mutex::new(());
    let moved = Condvar::new();
    let wake = || {
        if waiting.load(Ordering::SeqCst) > 0 {
            let _g = lock.lock().unwrap_or_else(|p| p.into_inner());
            moved.notify_all();
        }
    };
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::sync_channel::<(usize, Vec<R>)>(WINDOW);
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, emitted, waiting, lock, moved) =
                (&next, &stop, &emitted, &waiting, &lock, &moved);
            s.spawn(move || loop {
                let mut start = next.load(Ordering::Relaxed);
                let len = loop {
                    if start >= n {
                        return;
                    }
                    let len = batch_at(start).min(n - start);
                    match next.compare_exchange_weak(
                        start,
                        start + len,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    ) {
                        Ok(_) => break len,
                        Err(now) => start = now,
                    }
                };
                if start >= emitted.load(Ordering::SeqCst) + WINDOW {
                    let mut g = lock.lock().unwrap_or_else(|p| p.into_inner());
                    waiting.fetch_add(1, Ordering::SeqCst);
                    while start >= emitted.load(Ordering::SeqCst) + WINDOW
                        && !stop.load(Ordering::SeqCst)
                    {
                        g = moved.wait(g).unwrap_or_else(|p| p.into_inner());
                    }
                    waiting.fetch_sub(1, Ordering::SeqCst);
                }
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let out: Vec<R> = (start..start + len).map(work).collect();
                if tx.send((start, out)).is_err() {
                    return;
                }
            });
        }
        drop(tx);
        let mut pending: BTreeMap<usize, Vec<R>> = BTreeMap::new();
        let mut want = 0usize;
        let mut result = Ok(());
        'recv: for (start, batch) in rx.iter() {
            pending.insert(start, batch);
            while let Some(batch) = pending.remove(&want) {
                for r in batch {
                    let i = want;
                    want += 1;
                    if let Err(e) = emit(i, r) {
                        result = Err(e);
                        break 'recv;
                    }
                }
            }
            emitted.store(want, Ordering::SeqCst);
            wake();
        }
        if result.is_err() {
            stop.store(true, Ordering::SeqCst);
            let _g = lock.lock().unwrap_or_else(|p| p.into_inner());
            moved.notify_all();
        }
        // Dropping the receiver releases workers blocked in `send`.
        drop(rx);
        result
    })
}

/// A Manager entity is more than its certificate: a key that does not match, an unreadable p12
/// or a world-readable key make the entity unhealthy too. Fold such findings (same role, other
/// file) into the first row of that role so its STATUS and ACTION tell the truth. Further rows
/// of the role (a p12 holding another certificate than the `.cer`) get the entity's file
/// findings too, and a `.cer`/p12 mismatch, which is about both: no row of an entity says ok
/// while a finding on the entity is raised.
/// `out` is the engine side only (PKI-wide checks, CAs, entities, apache-ca.pem): host
/// certificates are never an entity's files, and leaving them out is what lets host rows be
/// written before the audit ends.
fn attach_file_findings(out: &mut Out) {
    let mut seen = std::collections::HashSet::new();
    let row_paths: std::collections::HashSet<(String, String)> = out
        .records
        .iter()
        .map(|r| (r.role.clone(), r.path.clone()))
        .collect();
    for rec in out.records.iter_mut() {
        if rec.scope != "engine" {
            continue;
        }
        let first = seen.insert(rec.role.clone());
        let role = catalog::CAS
            .iter()
            .find(|c| c.name == rec.role)
            .map(|c| Role::Ca(c.name))
            .or_else(|| catalog::entity(&rec.role).map(|e| Role::Entity(e.name)));
        let extra: Vec<&Found> = out
            .findings
            .iter()
            .filter(|f| f.role == rec.role && f.path != rec.path)
            .filter(|f| {
                first
                    || matches!(f.problem, Problem::CerP12Mismatch { .. })
                    || !row_paths.contains(&(f.role.clone(), f.path.clone()))
            })
            .filter(|f| !rec.findings.contains(&f.problem.code()))
            .collect();
        let Some(worst) = extra.iter().map(|f| f.severity).max() else {
            continue;
        };
        rec.findings.extend(extra.iter().map(|f| f.problem.code()));
        let current = match rec.status {
            "critical" | "expired" | "missing" => Severity::Critical,
            "warning" => Severity::Warning,
            _ => Severity::Info,
        };
        if worst > current {
            rec.status = match worst {
                Severity::Critical => "critical",
                Severity::Warning => "warning",
                _ => rec.status,
            };
            if let Some(role) = &role {
                if let Some(a) = extra
                    .iter()
                    .filter(|f| f.severity == worst)
                    .find_map(|f| f.problem.action(role))
                {
                    rec.action = Some(a);
                }
            }
        } else if rec.action.is_none() {
            if let Some(role) = &role {
                rec.action = extra.iter().find_map(|f| f.problem.action(role));
            }
        }
    }
}

fn check_openssl_conf(out: &mut Out, dir: &Path) {
    let conf = dir.join("openssl.conf");
    match cert::read_regular(&conf, cert::MAX_FILE_SIZE) {
        Ok(b) => {
            if let Some(md) = conf::openssl_default_md(&String::from_utf8_lossy(&b)) {
                if md.value.eq_ignore_ascii_case("sha1") || md.value.eq_ignore_ascii_case("md5") {
                    out.finding(
                        Severity::Warning,
                        "openssl.conf",
                        "pki",
                        Problem::OpensslConfSha1 {
                            line: md.line,
                            value: md.value,
                        },
                    );
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => out.finding(
            Severity::Warning,
            "openssl.conf",
            "pki",
            Problem::Missing {
                what: "openssl.conf (the CA configuration)".into(),
            },
        ),
        Err(e) => out.finding(
            Severity::Warning,
            "openssl.conf",
            "pki",
            Problem::Unreadable {
                reason: format!("openssl.conf: {e}"),
            },
        ),
    }
}

/// The other OpenSSL configurations oVirt's scripts use (`cacert.conf`, `cert.conf`, the qemu
/// ones) and the templates engine-setup regenerates them from: a `default_md = sha1` (or md5) in
/// any section is the same finding as in openssl.conf (`openssl req` would sign SHA-1, which
/// RHEL 9 refuses). Absent files are not findings (not every era has every file).
const OTHER_CONFS: &[&str] = &[
    "cacert.conf",
    "cert.conf",
    "qemu-cacert.conf",
    "qemu-cert.conf",
    "cacert.template",
    "cert.template",
    "qemu-cacert.template",
    "qemu-cert.template",
    "cacert.template.in",
    "cert.template.in",
];

fn check_other_confs(out: &mut Out, dir: &Path) {
    for name in OTHER_CONFS {
        let Ok(b) = cert::read_regular(&dir.join(name), cert::MAX_FILE_SIZE) else {
            continue;
        };
        for (i, line) in String::from_utf8_lossy(&b).lines().enumerate() {
            let body = line.split('#').next().unwrap_or_default();
            let Some((k, v)) = body.split_once('=') else {
                continue;
            };
            let v = v.trim();
            if k.trim() == "default_md"
                && (v.eq_ignore_ascii_case("sha1") || v.eq_ignore_ascii_case("md5"))
            {
                out.finding(
                    Severity::Warning,
                    name,
                    "pki",
                    Problem::OpensslConfSha1 {
                        line: i + 1,
                        value: v.to_string(),
                    },
                );
            }
        }
    }
}

fn check_index(out: &mut Out, dir: &Path) {
    let db = dir.join("database.txt");
    // A busy Manager's index grows by a line per issued certificate: allow well past 4 MB.
    let index = match cert::read_regular(&db, 16 * cert::MAX_FILE_SIZE) {
        Ok(b) => {
            let idx = conf::parse_index(&String::from_utf8_lossy(&b));
            for (line, reason) in &idx.problems {
                out.finding(
                    Severity::Warning,
                    "database.txt",
                    "pki",
                    Problem::IndexInvalid {
                        line: *line,
                        reason: reason.clone(),
                    },
                );
            }
            Some(idx)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            out.finding(
                Severity::Warning,
                "database.txt",
                "pki",
                Problem::Missing {
                    what: "database.txt (openssl ca cannot issue without it)".into(),
                },
            );
            None
        }
        Err(e) => {
            out.finding(
                Severity::Warning,
                "database.txt",
                "pki",
                Problem::Unreadable {
                    reason: format!("database.txt: {e}"),
                },
            );
            None
        }
    };
    match cert::read_regular(&dir.join("serial.txt"), cert::MAX_FILE_SIZE) {
        Ok(t) => match conf::parse_serial(&String::from_utf8_lossy(&t)) {
            Ok(next) => {
                if let Some(max) = index.as_ref().and_then(|i| i.max_serial()) {
                    if next <= max {
                        out.finding(
                            Severity::Critical,
                            "serial.txt",
                            "pki",
                            Problem::SerialBehind {
                                serial_txt: format!("{next:X}"),
                                max_in_index: format!("{max:X}"),
                            },
                        );
                    }
                }
            }
            Err(reason) => out.finding(
                Severity::Warning,
                "serial.txt",
                "pki",
                Problem::IndexInvalid { line: 1, reason },
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => out.finding(
            Severity::Warning,
            "serial.txt",
            "pki",
            Problem::Missing {
                what: "serial.txt (openssl ca cannot issue without it)".into(),
            },
        ),
        Err(e) => out.finding(
            Severity::Warning,
            "serial.txt",
            "pki",
            Problem::Unreadable {
                reason: format!("serial.txt: {e}"),
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_do_not_repeat_the_path() {
        let full = "testdata/pki/broken/etc/pki/ovirt-engine/certs/reports.cer: PEM block x";
        assert_eq!(
            without_path_prefix(full, "certs/reports.cer"),
            "PEM block x"
        );
        assert_eq!(without_path_prefix("certs/a.cer: y", "certs/a.cer"), "y");
        // Another file, or a path that only ends alike, stays.
        assert_eq!(
            without_path_prefix("certs/b.cer: y", "certs/a.cer"),
            "certs/b.cer: y"
        );
        assert_eq!(
            without_path_prefix("xcerts/a.cer: y", "certs/a.cer"),
            "xcerts/a.cer: y"
        );
        assert_eq!(without_path_prefix("no colon", "certs/a.cer"), "no colon");
    }

    #[test]
    fn backup_names() {
        assert!(is_backup_name("apache.cer.20260601120000"));
        assert!(is_backup_name("engine.p12.backup.20250101"));
        assert!(!is_backup_name("apache.cer"));
        assert!(!is_backup_name("host.example.test.cer"));
    }

    #[test]
    fn codes_are_the_serde_tags() {
        let p = Problem::Expiring {
            not_after: "x".into(),
            days_left: 3,
            threshold_days: 30,
        };
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["code"], p.code());
        assert_eq!(v["daysLeft"], 3);
        let p = Problem::MissingSan;
        assert_eq!(serde_json::to_value(&p).unwrap()["code"], "missing-san");
    }
}
