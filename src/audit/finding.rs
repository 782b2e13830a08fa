//! What an audit produces, as data: severities, problems (the stable finding codes and their
//! messages and suggested actions), findings, certificate rows, inventory, the report, its
//! totals, and the [`Sink`] that receives them in document order.

use std::io;

use serde::Serialize;

use crate::pki::catalog::Era;
use crate::pki::cert::{rfc3339, CertSummary};

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
    /// Worth knowing; nothing to do now (an audit with nothing worse exits 0).
    Info,
    /// Needs attention before it breaks something (the audit exits 1, Nagios WARNING).
    Warning,
    /// Breaks or is about to break the Manager or its hosts (the audit exits 2, Nagios CRITICAL).
    Critical,
}

impl Severity {
    pub(crate) fn as_str(self) -> &'static str {
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
        /// The signature algorithm's name as OpenSSL prints it (`sha1WithRSAEncryption`).
        algorithm: String,
    },
    /// Signed with MD5.
    Md5Signature {
        /// The signature algorithm's name as OpenSSL prints it (`md5WithRSAEncryption`).
        algorithm: String,
    },
    /// The certificate's notAfter has passed.
    Expired {
        /// The certificate's notAfter, RFC 3339 (UTC).
        not_after: String,
        /// The judging time (`--at` or the clock), RFC 3339 (UTC).
        now: String,
    },
    /// The certificate's notBefore is still in the future.
    NotYetValid {
        /// The certificate's notBefore, RFC 3339 (UTC).
        not_before: String,
        /// The judging time, RFC 3339 (UTC).
        now: String,
    },
    /// The certificate expires within its class's warning or critical window.
    Expiring {
        /// The certificate's notAfter, RFC 3339 (UTC).
        not_after: String,
        /// Whole days from the judging time to notAfter.
        days_left: i64,
        /// The window (days) that was crossed: the class's warning or critical threshold.
        threshold_days: i64,
    },
    /// No subjectAltName: engine-setup renews it, browsers and EL8 libvirt reject it.
    MissingSan,
    /// The subjectAltName does not name the host the certificate is served as.
    SanMismatch {
        /// The DNS name the SAN must contain (the engine FQDN or the host's address).
        expected: String,
        /// The SAN entries found, as `DNS:…` / `IP:…` strings.
        san: Vec<String>,
    },
    /// A dNSName that is not a host name (RFC 1123 labels, `*.` leftmost wildcard allowed):
    /// a comma list, shell text, a line break… (an unchecked `ENGINE_FQDN`).
    SanInvalid {
        /// The offending SAN entry.
        name: String,
        /// Why it is not a valid DNS name or address.
        reason: String,
    },
    /// A web certificate valid longer than 398 days (Safari / CA/B rule).
    WebValidityTooLong {
        /// The validity period found, in days.
        days: i64,
        /// The longest validity browsers accept for a TLS server certificate (398 days).
        max_days: i64,
    },
    /// The key is shorter than the policy allows.
    WeakKey {
        /// The key as described for a human (`RSA 1024`).
        key: String,
        /// The smallest RSA key size accepted, in bits.
        min_bits: usize,
    },
    /// Not an RSA key: oVirt's scripts and the engine assume RSA.
    UnsupportedKey {
        /// The key as described for a human (algorithm and size).
        key: String,
    },
    /// The certificate does not verify against its issuing CA.
    ChainInvalid {
        /// The CA it was checked against (catalog name, `ca` or `qemu-ca`).
        ca: String,
        /// What OpenSSL (or the native check) reported.
        reason: String,
    },
    /// The signature could not be checked: the algorithm is refused by this system's crypto (e.g. MD5 under FIPS).
    UnverifiableSignature {
        /// The signature algorithm's name.
        algorithm: String,
    },
    /// A host certificate older than the Manager's CA: the CA was renewed since, the host
    /// still holds the old CA copy (`hosts enroll --only-needed` selects it, same code).
    IssuedBeforeCaRenewal {
        /// The CA (catalog name) that was renewed.
        ca: String,
        /// The CA's notBefore, RFC 3339: the certificate was issued before it.
        ca_not_before: String,
    },
    /// `certs/<name>.cer` is not the certificate inside `keys/<name>.p12`.
    CerP12Mismatch {
        /// The `.cer` file (relative to the PKI dir).
        cer: String,
        /// The PKCS#12 file holding a different certificate.
        p12: String,
    },
    /// A private key does not belong to the certificate next to it.
    KeyMismatch {
        /// The key file (relative to the PKI dir).
        key: String,
        /// The certificate file it was compared with.
        cert: String,
    },
    /// The PKCS#12 store cannot be opened.
    P12Unreadable {
        /// What failed (format error, MAC, cipher), without the password.
        reason: String,
        /// The store did not open with the configured password (OpenSSL's MAC check failed):
        /// when every store says so, the audit reports the password once instead.
        #[serde(skip)]
        wrong_password: bool,
    },
    /// This OpenSSL refuses what the PKCS#12 is protected with (FIPS mode, no legacy
    /// provider): unusable under the crypto in force, the password not judged.
    P12AlgorithmRefused {
        /// The PBE / MAC algorithms this system's OpenSSL refused, comma-separated.
        algorithms: String,
    },
    /// RC2-40 cert bag: OpenSSL 3 (RHEL 9) cannot open it without the legacy provider.
    P12LegacyRc2 {
        /// The store's flavour as detected without the password (`RC2-40/3DES, SHA-1 MAC`).
        format: String,
    },
    /// The key bag has a friendlyName: Java's alias would not be `1`.
    P12FriendlyName,
    /// An iteration count above `p12format::MAX_P12_ITERATIONS`: not opened, no key derived.
    P12IterationsExcessive {
        /// Which derivation is over the limit (the MAC or an encrypted part).
        what: String,
        /// The iteration count the file asks for.
        count: u64,
        /// The most iterations rhv-pki runs for one file.
        limit: u64,
    },
    /// `openssl.conf` / `cacert.conf` still sets `default_md = sha1`.
    OpensslConfSha1 {
        /// 1-based line number in the file.
        line: usize,
        /// The value found.
        value: String,
    },
    /// Apache's `SSLCACertificateFile` is not the Manager's CA.
    ApacheCaMismatch {
        /// How they differ.
        reason: String,
    },
    /// The certificate is not signed by the Manager's CA (a third-party web certificate): rhv-pki leaves it alone.
    ThirdPartyCert {
        /// The issuer's distinguished name.
        issuer: String,
    },
    /// A private key file is readable by more than its owner.
    KeyPermissions {
        /// The mode found, octal (`0644`).
        mode: String,
        /// The mode(s) accepted, octal.
        expected: String,
    },
    /// A private key file is owned by the wrong user.
    KeyOwner {
        /// The owner's numeric uid.
        uid: u32,
        /// The user expected (`ovirt`, `root`…).
        expected: String,
    },
    /// A copy of a CA certificate differs from the CA.
    CaCopyMismatch {
        /// The copy (relative to the PKI dir).
        copy: String,
        /// The CA file it should equal.
        ca: String,
    },
    /// A file the audit needs cannot be read.
    Unreadable {
        /// The I/O or parse error.
        reason: String,
    },
    /// A file the catalog expects is absent.
    Missing {
        /// The file or item that is missing.
        what: String,
    },
    /// A symbolic link points outside the PKI dir.
    SymlinkOutsideTree {
        /// Where the link points.
        target: String,
    },
    /// A line of `database` (index.txt) cannot be parsed.
    IndexInvalid {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// `serial.txt` is not above every serial in the index: the next issue would reuse a serial.
    SerialBehind {
        /// The serial in `serial.txt`, hex.
        serial_txt: String,
        /// The largest serial found in `index.txt`, hex.
        max_in_index: String,
    },
    /// `ENGINE_FQDN` could not be found in engine.conf.d: the SAN cannot be checked.
    EngineFqdnUnknown {
        /// Why (no file, no setting).
        reason: String,
    },
    /// A TLS endpoint serves another certificate than the file its service reads (the
    /// service was not restarted after the change): `audit --probe`, the cycle's verify step.
    RestartNeeded {
        /// `host:port` probed.
        endpoint: String,
        /// The address connected to (after resolution).
        address: String,
        /// The systemd unit that has to restart to serve the new certificate.
        service: String,
        /// Serial of the certificate served, hex.
        served_serial: String,
        /// Serial of the certificate on disk, hex.
        on_disk_serial: String,
    },
    /// `audit --probe`: an endpoint the Manager is configured to serve showed no certificate.
    EndpointUnreachable {
        /// `host:port` probed.
        endpoint: String,
        /// The address tried.
        address: String,
        /// The systemd unit behind the endpoint.
        service: String,
        /// The connect or handshake error.
        reason: String,
    },
    /// A host could not be reached or logged into over SSH (the rest of the run goes on).
    HostUnreachable {
        /// The SSH or TLS error.
        reason: String,
    },
    /// The host's SSH key is unknown or changed in known_hosts: not contacted.
    HostKeyUnverified {
        /// Why the host key could not be verified against the known keys.
        reason: String,
    },
    /// A host's copy of a Manager CA is not the Manager's current CA certificate.
    HostCaStale {
        /// The CA whose copy on the host is stale (catalog name).
        ca: String,
        /// Serial of the host's copy, hex.
        copy_serial: String,
        /// notAfter of the host's copy, RFC 3339.
        copy_not_after: String,
        /// notAfter of the Manager's CA, RFC 3339.
        ca_not_after: String,
        /// Same subject and key (an old renewal of the same CA) or another CA altogether.
        same_key: bool,
    },
    /// A host file's owner is not the one host-deploy gives it.
    HostFileOwner {
        /// The owner found, `user:group`.
        owner: String,
        /// The owner expected, `user:group`.
        expected: String,
    },
    /// A host file's mode is not the one host-deploy gives it.
    HostFileMode {
        /// The mode found, octal.
        mode: String,
        /// The mode expected, octal.
        expected: String,
    },
    /// A host key file cannot be read or is not a private key (checked on the host).
    HostKeyUnreadable {
        /// The error reading or parsing the host key.
        reason: String,
    },
    /// An rhv-pki change was interrupted (its backup's journal has no end mark): the PKI may
    /// be half-written until `command` (or the next change) undoes it.
    InterruptedChange {
        /// The backup directory of the interrupted change (relative to the backup root).
        backup: String,
        /// What the journal says was in progress.
        reason: String,
        /// The command that finishes or undoes it (`rhv-pki rollback …`).
        command: String,
    },
    /// A vmconsole OpenSSH certificate of the wrong kind (user vs host).
    SshCertType {
        /// The certificate type found (`user` / `host`).
        found: String,
        /// The type expected.
        expected: String,
    },
    /// A vmconsole OpenSSH certificate not signed by the key of `ca.pem` (SHA-256 fingerprints).
    SshCertSigner {
        /// Fingerprint of the key that signed it.
        signer: String,
        /// The CA expected to have signed it (catalog name).
        ca: String,
    },
    /// Names the CA key as signer but its signature does not verify.
    SshCertSignature {
        /// Fingerprint of the claimed signer.
        signer: String,
    },
    /// A vmconsole OpenSSH certificate without the principal oVirt gives it.
    SshCertPrincipals {
        /// The principal that must be listed.
        expected: String,
        /// The principals found.
        principals: Vec<String>,
    },
    /// `.truststore` lacks the alias oVirt imports a CA under (`cacert`, `qemu-cacert`).
    TruststoreAliasMissing {
        /// The alias expected in `.truststore`.
        alias: String,
        /// The CA the alias should hold (catalog name).
        ca: String,
    },
    /// A `.truststore` entry is not the current CA certificate.
    TruststoreStale {
        /// The alias holding the old CA.
        alias: String,
        /// The CA it should equal (catalog name).
        ca: String,
        /// How it differs (serial, key, validity).
        reason: String,
        /// Same public key (an older copy of the same CA: peers still verify) or another CA.
        same_key: bool,
    },
    /// The PKCS#12 password opens none of the key stores; `source` is where it came from.
    P12PasswordWrong {
        /// Where the password came from (a file path or `oVirt's default`).
        source: String,
        /// How many stores refused it.
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
    pub(crate) fn message(&self) -> String {
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
            Problem::P12Unreadable { reason, .. } => format!("PKCS#12 cannot be opened: {reason}"),
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
    pub(crate) fn host_not_reached(&self) -> bool {
        matches!(
            self,
            Problem::HostUnreachable { .. }
                | Problem::HostKeyUnverified { .. }
                | Problem::EndpointUnreachable { .. }
        )
    }

    pub(super) fn action(&self, role: &Role) -> Option<String> {
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
    /// How bad it is.
    pub severity: Severity,
    /// Path relative to the PKI dir (absolute when outside it).
    pub path: String,
    /// The role of the certificate or file (`ca`, `engine`, `host`, `pki`…).
    pub(crate) role: String,
    #[serde(flatten)]
    /// What is wrong, with the evidence (its serde tag is the stable finding `code`).
    pub problem: Problem,
    /// One line for a human, derived from [`Finding::problem`] (English, stable).
    pub message: String,
    /// `hosts audit`: the Manager's address for the host the finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) host: Option<String>,
    /// `hosts audit`: the host's cluster, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cluster: Option<String>,
}

/// A finding as the audit keeps it until the document is written: the message is derived
/// from the problem, so it is made only when the finding is handed to a [`Sink`].
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub(super) severity: Severity,
    pub(super) path: String,
    pub(super) role: String,
    pub(super) problem: Problem,
}

impl Found {
    pub(super) fn into_finding(self) -> Finding {
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
    /// A CA of the catalog (`ca`, `qemu-ca`…), by catalog name.
    Ca(&'static str),
    /// An entity of the catalog (`engine`, `apache`, `websocket-proxy`…), by catalog name.
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
    pub(crate) fn name(&self) -> String {
        match self {
            Role::Ca(n) | Role::Entity(n) => n.to_string(),
            Role::OtherEntity(n) => n.clone(),
            Role::Host => "host".into(),
            Role::HostQemu => "host-qemu".into(),
            Role::HostOther => "host-other".into(),
        }
    }
    pub(crate) fn scope(&self) -> &'static str {
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
    pub(crate) role: String,
    /// `engine` for the Manager's own files, `host` for certificates of hosts.
    pub scope: &'static str,
    /// Main file (relative to the PKI dir).
    pub(crate) path: String,
    /// Other files holding the very same certificate (e.g. the p12 of an extracted `.cer`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) also_in: Vec<String>,
    #[serde(flatten)]
    pub(crate) cert: Option<CertSummary>,
    pub(crate) missing: bool,
    /// `ok`, `warning`, `critical`, `expired` or `missing`.
    pub(crate) status: &'static str,
    pub(crate) residual_seconds: Option<i64>,
    pub(crate) ca: Option<String>,
    pub(crate) findings: Vec<&'static str>,
    pub(crate) action: Option<String>,
    /// `hosts audit`: the Manager's address for the host the certificate belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) host: Option<String>,
    /// `hosts audit`: the host's cluster, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cluster: Option<String>,
}

/// Files that are certificates but not in service: `certs/<SERIAL>.pem` copies and backups.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryItem {
    pub(crate) path: String,
    /// `issued-copy`, `backup`, `ca-copy`.
    pub(crate) kind: &'static str,
    pub(crate) serial: Option<String>,
    /// RFC 3339 in JSON, like the certificates' `notAfter`.
    #[serde(serialize_with = "ser_opt_time")]
    pub(crate) not_after: Option<i64>,
}

pub(super) fn ser_opt_time<S: serde::Serializer>(t: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(*t)),
        None => s.serialize_none(),
    }
}

/// The whole result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    /// The PKI directory audited, as given.
    pub pki_dir: String,
    /// The Manager's FQDN from engine.conf.d, when found (needed for SAN checks).
    pub engine_fqdn: Option<String>,
    /// The oVirt release whose layout the directory has, when recognised.
    pub era: Option<Era>,
    /// Judging time, Unix seconds (UTC).
    pub now: i64,
    /// Default warning window, days (per-class windows are in the configuration).
    pub warn_days: i64,
    /// Default critical window, days.
    pub crit_days: i64,
    /// Every certificate judged, in document order.
    pub certificates: Vec<CertRecord>,
    /// Every finding, sorted by severity, path and code.
    pub findings: Vec<Finding>,
    /// Certificate files that are not in service (issued copies, backups).
    pub inventory: Vec<InventoryItem>,
}

impl AuditReport {
    /// Worst severity of all findings (`None` = clean).
    pub(crate) fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// What a [`Sink`] is told before the first certificate.
    pub(crate) fn head(&self) -> ReportHead {
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
    pub(crate) fn totals(&self) -> Totals {
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

    /// Hands the whole report to `sink`, in the order [`run_with`](crate::audit::run_with) would.
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
    pub(crate) pki_dir: String,
    pub(crate) engine_fqdn: Option<String>,
    pub(crate) era: Option<Era>,
    pub(crate) now: i64,
    pub(crate) warn_days: i64,
    pub(crate) crit_days: i64,
}

/// Certificates per status.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub(crate) total: usize,
    pub(crate) ok: usize,
    pub(crate) warning: usize,
    /// Includes the expired ones.
    pub(crate) critical: usize,
    pub(crate) expired: usize,
    pub(crate) missing: usize,
}

/// What a finished audit adds up to: the `summary` block and the exit status.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub(crate) certificates: Counts,
    /// Findings per severity.
    pub(crate) critical: usize,
    pub(crate) warning: usize,
    pub(crate) info: usize,
    /// Inventory items (backups, issued copies, CA copies).
    pub(crate) inventory: usize,
    /// `hosts audit`: hosts whose certificates could not be read at all.
    pub(crate) hosts_unreachable: usize,
}

impl Totals {
    pub(super) fn count_certificate(&mut self, rec: &CertRecord) {
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

    pub(super) fn count_finding(&mut self, sev: Severity) {
        match sev {
            Severity::Critical => self.critical += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }

    /// Worst severity of all findings (`None` = clean).
    pub(crate) fn worst(&self) -> Option<Severity> {
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
/// severity, path, code), every inventory item, then `finish`. [`run_with`](crate::audit::run_with) keeps only what the
/// order forces it to (findings, inventory, the few engine rows), so a sink that writes as it
/// goes audits any number of host certificates in bounded memory.
pub trait Sink {
    /// Called once, before anything else, with the report's head.
    fn head(&mut self, head: &ReportHead) -> io::Result<()>;
    /// Called for every certificate judged, in document order.
    fn certificate(&mut self, rec: &CertRecord) -> io::Result<()>;
    /// Called for every finding, sorted by severity, path and code.
    fn finding(&mut self, finding: &Finding) -> io::Result<()>;
    /// Called for every inventory item.
    fn inventory(&mut self, item: &InventoryItem) -> io::Result<()>;
    /// Called last with the totals; a sink that buffers writes out here.
    fn finish(&mut self, totals: &Totals) -> io::Result<()>;
}

/// The sink behind [`run`]: keeps everything.
pub(super) struct Collect(pub(super) AuditReport);

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

pub(super) fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| a.path.cmp(&b.path))
        .then_with(|| a.problem.code().cmp(b.problem.code()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
