//! What an audit produces, as data: severities, problems (the stable finding codes and their
//! messages and suggested actions), findings, certificate rows, inventory, the report, its
//! totals, and the [`Sink`] that receives them in document order.

use std::io;

use serde::Serialize;

use crate::i18n::Text;
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

/// Why, as a finding's evidence: the JSON carries its English text. When the audit composed
/// it (rather than a reader or the system, whose words are shown as found) it is also a
/// catalogue message, so a table in another language says it in that language.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    english: String,
    text: Option<Text>,
}

impl Reason {
    /// A reason the audit says in its own words (`reason-…` in the catalogues).
    pub fn said(text: Text) -> Reason {
        Reason {
            english: text.english(),
            text: Some(text),
        }
    }

    /// The English text (what JSON shows).
    pub fn as_str(&self) -> &str {
        &self.english
    }

    /// The reason as a message: its own, or the text as found (`reason-verbatim`).
    pub fn text(&self) -> Text {
        self.text
            .clone()
            .unwrap_or_else(|| Text::verbatim(&self.english))
    }
}

/// Why a name is not a host name ([`conf::NameError`](crate::pki::conf::NameError)) as a
/// catalogue message; its English is the error's `Display`.
pub(crate) fn name_error_text(e: &crate::pki::conf::NameError) -> Text {
    use crate::pki::conf::NameError as N;
    let t = Text::new;
    match e {
        N::Empty => t("name-empty"),
        N::Character('\n' | '\r') => t("name-line-break"),
        N::Character('\u{fffd}') => t("name-not-utf8"),
        N::Character(c) if c.is_ascii_graphic() || *c == ' ' => t("name-char").arg("char", c),
        N::Character(c) => t("name-codepoint").arg("code", format!("{:04X}", *c as u32)),
        N::TooLong { len } => t("name-too-long").arg("len", len),
        N::EmptyLabel => t("name-empty-label"),
        N::Wildcard => t("name-wildcard"),
        N::LabelTooLong { len } => t("name-label-too-long").arg("len", len),
        N::Hyphen { label } => t("name-hyphen").arg("label", label),
        N::NumericTld => t("name-numeric-tld"),
    }
}

/// An `ENGINE_FQDN` that is not a host name
/// ([`conf::FqdnError`](crate::pki::conf::FqdnError)) as a catalogue message.
pub(crate) fn fqdn_error_text(e: &crate::pki::conf::FqdnError) -> Text {
    Text::new("fqdn-invalid")
        .arg("file", &e.file)
        .arg("value", crate::pki::conf::escape(&e.value))
        .arg_text("why", name_error_text(&e.why))
}

impl From<String> for Reason {
    fn from(english: String) -> Reason {
        Reason {
            english,
            text: None,
        }
    }
}

impl From<&str> for Reason {
    fn from(s: &str) -> Reason {
        Reason::from(s.to_string())
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english)
    }
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.english)
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
        reason: Reason,
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
        reason: Reason,
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
        reason: Reason,
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
        reason: Reason,
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
        /// The I/O or parse error (rhv-pki's words a catalogue message, the system's or
        /// OpenSSL's quoted as they came).
        reason: Reason,
    },
    /// A file the catalog expects is absent.
    Missing {
        /// The file or item that is missing (what it is for in rhv-pki's words, a
        /// catalogue message).
        what: Reason,
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
        reason: Reason,
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
        reason: Reason,
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
        reason: Reason,
    },
    /// A host could not be reached or logged into over SSH (the rest of the run goes on).
    HostUnreachable {
        /// The SSH or TLS error.
        reason: Reason,
    },
    /// The host's SSH key is unknown or changed in known_hosts: not contacted.
    HostKeyUnverified {
        /// Why the host key could not be verified against the known keys.
        reason: Reason,
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
        /// The error reading or parsing the host key (OpenSSL's on the host).
        reason: Reason,
    },
    /// An rhv-pki change was interrupted (its backup's journal has no end mark): the PKI may
    /// be half-written until `command` (or the next change) undoes it.
    InterruptedChange {
        /// The backup directory of the interrupted change (relative to the backup root).
        backup: String,
        /// What the journal says was in progress.
        reason: Reason,
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
        reason: Reason,
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

    /// One line for humans, as a catalogue message (`finding-<code>`) with the evidence as its
    /// variables: [`message`](Problem::message) is its English (the JSON `message`), the binary
    /// renders it in the admin's language.
    pub fn text(&self) -> Text {
        let t = |key: &'static str| Text::new(key);
        match self {
            Problem::Sha1Signature { algorithm } => {
                t("finding-sha1-signature").arg("algorithm", algorithm)
            }
            Problem::Md5Signature { algorithm } => {
                t("finding-md5-signature").arg("algorithm", algorithm)
            }
            Problem::Expired { not_after, .. } => t("finding-expired").arg("not_after", not_after),
            Problem::NotYetValid { not_before, .. } => {
                t("finding-not-yet-valid").arg("not_before", not_before)
            }
            Problem::Expiring {
                not_after,
                days_left,
                threshold_days,
            } => t("finding-expiring")
                .arg("not_after", not_after)
                .arg("days_left", days_left)
                .arg("threshold_days", threshold_days),
            Problem::MissingSan => t("finding-missing-san"),
            Problem::SanMismatch { expected, san } => t("finding-san-mismatch")
                .arg("san", san.join(","))
                .arg("expected", expected),
            Problem::SanInvalid { name, reason } => t("finding-san-invalid")
                .arg("name", name)
                .arg_text("reason", reason.text()),
            Problem::WebValidityTooLong { days, max_days } => t("finding-web-validity-too-long")
                .arg("days", days)
                .arg("max_days", max_days),
            Problem::WeakKey { key, min_bits } => t("finding-weak-key")
                .arg("key", key)
                .arg("min_bits", min_bits),
            Problem::UnsupportedKey { key } => t("finding-unsupported-key").arg("key", key),
            Problem::ChainInvalid { ca, reason } => t("finding-chain-invalid")
                .arg("ca", ca)
                .arg_text("reason", reason.text()),
            Problem::UnverifiableSignature { algorithm } => {
                t("finding-unverifiable-signature").arg("algorithm", algorithm)
            }
            Problem::IssuedBeforeCaRenewal { ca, ca_not_before } => {
                t("finding-issued-before-ca-renewal")
                    .arg("ca", ca)
                    .arg("ca_not_before", ca_not_before)
            }
            Problem::CerP12Mismatch { cer, p12 } => t("finding-cer-p12-mismatch")
                .arg("cer", cer)
                .arg("p12", p12),
            Problem::KeyMismatch { key, cert } => {
                t("finding-key-mismatch").arg("key", key).arg("cert", cert)
            }
            Problem::P12Unreadable { reason, .. } => {
                t("finding-p12-unreadable").arg_text("reason", reason.text())
            }
            Problem::P12AlgorithmRefused { algorithms } => {
                t("finding-p12-algorithm-refused").arg("algorithms", algorithms)
            }
            Problem::P12LegacyRc2 { format } => t("finding-p12-legacy-rc2").arg("format", format),
            Problem::P12FriendlyName => t("finding-p12-friendly-name"),
            Problem::P12IterationsExcessive { what, count, limit } => {
                t("finding-p12-iterations-excessive")
                    .arg("what", what)
                    .arg("count", count)
                    .arg("limit", limit)
            }
            Problem::OpensslConfSha1 { line, value } => t("finding-openssl-conf-sha1")
                .arg("value", value)
                .arg("line", line),
            Problem::ApacheCaMismatch { reason } => {
                t("finding-apache-ca-mismatch").arg_text("reason", reason.text())
            }
            Problem::ThirdPartyCert { issuer } => {
                t("finding-third-party-cert").arg("issuer", issuer)
            }
            Problem::KeyPermissions { mode, expected } => t("finding-key-permissions")
                .arg("mode", mode)
                .arg("expected", expected),
            Problem::KeyOwner { uid, expected } => t("finding-key-owner")
                .arg("uid", uid)
                .arg("expected", expected),
            Problem::CaCopyMismatch { copy, ca } => t("finding-ca-copy-mismatch")
                .arg("copy", copy)
                .arg("ca", ca),
            Problem::Unreadable { reason } => {
                t("finding-unreadable").arg_text("reason", reason.text())
            }
            Problem::Missing { what } => t("finding-missing").arg_text("what", what.text()),
            Problem::SymlinkOutsideTree { target } => {
                t("finding-symlink-outside-tree").arg("target", target)
            }
            Problem::IndexInvalid { line, reason } => t("finding-index-invalid")
                .arg("line", line)
                .arg_text("reason", reason.text()),
            Problem::SerialBehind {
                serial_txt,
                max_in_index,
            } => t("finding-serial-behind")
                .arg("serial_txt", serial_txt)
                .arg("max_in_index", max_in_index),
            Problem::EngineFqdnUnknown { reason } => {
                t("finding-engine-fqdn-unknown").arg_text("reason", reason.text())
            }
            Problem::RestartNeeded {
                endpoint,
                address,
                service,
                served_serial,
                on_disk_serial,
            } => t("finding-restart-needed")
                .arg("endpoint", endpoint)
                .arg("address", address)
                .arg("served_serial", served_serial)
                .arg("on_disk_serial", on_disk_serial)
                .arg("service", service),
            Problem::EndpointUnreachable {
                endpoint,
                address,
                reason,
                ..
            } => t("finding-endpoint-unreachable")
                .arg("endpoint", endpoint)
                .arg("address", address)
                .arg_text("reason", reason.text()),
            Problem::HostUnreachable { reason } => {
                t("finding-host-unreachable").arg_text("reason", reason.text())
            }
            Problem::HostKeyUnverified { reason } => {
                t("finding-host-key-unverified").arg_text("reason", reason.text())
            }
            Problem::HostCaStale {
                ca,
                copy_serial,
                copy_not_after,
                ca_not_after,
                same_key,
            } => t(if *same_key {
                "finding-host-ca-stale"
            } else {
                "finding-host-ca-stale-other-key"
            })
            .arg("ca", ca)
            .arg("copy_serial", copy_serial)
            .arg("copy_not_after", copy_not_after)
            .arg("ca_not_after", ca_not_after),
            Problem::HostFileOwner { owner, expected } => t("finding-host-file-owner")
                .arg("owner", owner)
                .arg("expected", expected),
            Problem::HostFileMode { mode, expected } => t("finding-host-file-mode")
                .arg("mode", mode)
                .arg("expected", expected),
            Problem::HostKeyUnreadable { reason } => {
                t("finding-host-key-unreadable").arg_text("reason", reason.text())
            }
            Problem::InterruptedChange {
                backup,
                reason,
                command,
            } => t("finding-interrupted-change")
                .arg("backup", backup)
                .arg_text("reason", reason.text())
                .arg("command", command),
            Problem::SshCertType { found, expected } => t("finding-ssh-cert-type")
                .arg("found", found)
                .arg("expected", expected),
            Problem::SshCertSigner { signer, ca } => t("finding-ssh-cert-signer")
                .arg("signer", signer)
                .arg("ca", ca),
            Problem::SshCertSignature { signer } => {
                t("finding-ssh-cert-signature").arg("signer", signer)
            }
            Problem::SshCertPrincipals {
                expected,
                principals,
            } => t("finding-ssh-cert-principals")
                .arg("principals", principals.join(", "))
                .arg("expected", expected),
            Problem::TruststoreAliasMissing { alias, ca } => t("finding-truststore-alias-missing")
                .arg("alias", alias)
                .arg("ca", ca),
            Problem::TruststoreStale {
                alias,
                ca,
                reason,
                same_key,
            } => t(if *same_key {
                "finding-truststore-stale"
            } else {
                "finding-truststore-stale-other-key"
            })
            .arg("alias", alias)
            .arg("ca", ca)
            .arg_text("reason", reason.text()),
            Problem::P12PasswordWrong { source, files } => t("finding-p12-password-wrong")
                .arg("source", source)
                .arg("files", files),
        }
    }

    /// One line for humans (English: the JSON `message`); the evidence is in the fields.
    pub fn message(&self) -> String {
        self.text().english()
    }

    /// The host could not be read at all (SSH refused or untrusted, vdsm showed nothing).
    pub(crate) fn host_not_reached(&self) -> bool {
        matches!(
            self,
            Problem::HostUnreachable { .. }
                | Problem::HostKeyUnverified { .. }
                | Problem::EndpointUnreachable { .. }
        )
    }

    /// The suggested fix, as an admin would type it (English; [`advice`](Problem::advice) is
    /// the same as a catalogue message).
    pub(super) fn action(&self, role: &Role) -> Option<String> {
        self.advice(role).map(|t| t.english())
    }

    /// The suggested fix as a catalogue message (`action-…`): a command stays a command in
    /// every language, advice in words is translated.
    pub(super) fn advice(&self, role: &Role) -> Option<Text> {
        let target = match role {
            Role::Ca(n) => Some(n.to_string()),
            Role::Entity(n) => Some(n.to_string()),
            _ => None,
        };
        let host = matches!(role, Role::Host | Role::HostQemu | Role::HostOther);
        let t = Text::new;
        let on = |key: &'static str, target: &String| Text::new(key).arg("target", target);
        match self {
            Problem::Sha1Signature { .. }
            | Problem::Md5Signature { .. }
            | Problem::MissingSan
            | Problem::SanMismatch { .. }
            | Problem::SanInvalid { .. }
            | Problem::WebValidityTooLong { .. } => Some(match (&target, host) {
                (Some(x), _) => on("action-resign", x),
                (None, true) => t("action-host-enroll"),
                _ => t("action-reissue"),
            }),
            // An expired host certificate cannot be enrolled through the Manager (it no
            // longer talks to the host): recover it over SSH.
            Problem::Expired { .. } => Some(match (&target, host) {
                (Some(x), _) => on("action-renew", x),
                (None, true) => t("action-host-recover"),
                _ => t("action-reissue"),
            }),
            Problem::Expiring { .. } => Some(match (&target, host) {
                (Some(x), _) => on("action-renew", x),
                (None, true) => t("action-host-enroll"),
                _ => t("action-reissue"),
            }),
            Problem::KeyMismatch { .. } | Problem::CerP12Mismatch { .. } => {
                Some(t("action-restore-matching"))
            }
            Problem::P12LegacyRc2 { .. } => target.map(|x| on("action-resign", &x)),
            Problem::KeyPermissions { .. } => Some(t("action-chmod-key")),
            Problem::ChainInvalid { .. } => Some(if host {
                t("action-host-enroll")
            } else {
                t("action-investigate-issuer")
            }),
            Problem::ThirdPartyCert { .. } => Some(t("action-renew-external")),
            Problem::WeakKey { .. } | Problem::UnsupportedKey { .. } => {
                Some(match (&target, host) {
                    // The engine key decrypts DB secrets and is the SSH key to hosts.
                    (Some(x), _) if x == "engine" => t("action-engine-key-manual"),
                    (Some(x), _) => on("action-renew-new-key", x),
                    (None, true) => t("action-host-enroll"),
                    _ => t("action-reissue-new-key"),
                })
            }
            Problem::P12Unreadable { .. } => Some(t("action-check-p12-password")),
            Problem::P12AlgorithmRefused { .. } => Some(match target {
                Some(x) => on("action-p12-modern", &x),
                None => t("action-p12-reexport"),
            }),
            Problem::P12IterationsExcessive { .. } => Some(t("action-p12-iterations")),
            Problem::Unreadable { .. } => Some(t("action-restore")),
            // A host's copy of a CA is the host's to fix; the Manager's copies are rewritten
            // by re-signing the CA.
            Problem::CaCopyMismatch { .. } if host => Some(t("action-host-recover")),
            Problem::CaCopyMismatch { .. } => Some(t("action-resign-ca-copies")),
            Problem::OpensslConfSha1 { .. } => Some(t("action-conf")),
            Problem::ApacheCaMismatch { .. } => Some(t("action-apache-ca-link")),
            Problem::EndpointUnreachable { service, .. } if service == "vdsm" => {
                Some(t("action-check-vdsm"))
            }
            Problem::RestartNeeded { service, .. } => {
                Some(t("action-restart").arg("service", service))
            }
            Problem::EndpointUnreachable { service, .. } => {
                Some(t("action-status").arg("service", service))
            }
            Problem::KeyOwner { .. } | Problem::HostFileOwner { .. } => Some(t("action-chown")),
            Problem::HostFileMode { .. } => Some(t("action-chmod")),
            Problem::HostCaStale { .. } => Some(t("action-host-recover")),
            Problem::IssuedBeforeCaRenewal { .. } => Some(t("action-host-enroll")),
            Problem::HostKeyUnverified { .. } => Some(t("action-host-key")),
            // Issued "in the future": most often this machine's or the issuer's clock.
            Problem::NotYetValid { .. } => Some(t("action-check-clocks")),
            Problem::UnverifiableSignature { .. } => Some(t("action-investigate-issuer")),
            Problem::SymlinkOutsideTree { .. } => Some(t("action-check-link")),
            Problem::Missing { .. } => Some(t("action-restore-backups")),
            Problem::IndexInvalid { .. } => Some(t("action-repair-index")),
            Problem::SerialBehind { .. } => Some(t("action-serial")),
            Problem::P12FriendlyName => target.map(|x| on("action-resign", &x)),
            Problem::HostUnreachable { .. } => Some(t("action-check-ssh")),
            Problem::InterruptedChange { command, .. } => {
                Some(t("action-command").arg("command", command))
            }
            Problem::TruststoreAliasMissing { .. } | Problem::TruststoreStale { .. } => {
                Some(t("action-truststore-import"))
            }
            Problem::P12PasswordWrong { .. } => Some(t("action-store-password")),
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
    pub status: &'static str,
    /// Seconds until notAfter at the audit's `now` (negative: expired); `None` when missing.
    pub residual_seconds: Option<i64>,
    /// The catalog CA that issued it (`ca`, `qemu-ca`, …), when known.
    pub ca: Option<String>,
    /// The codes of the findings about it.
    pub findings: Vec<&'static str>,
    /// What to do about it (a command or advice), when anything.
    pub action: Option<String>,
    /// `action` as a catalogue message, when it was made from one (a table in another
    /// language renders it; `None`: the action is a command, shown as is).
    #[serde(skip)]
    pub advice: Option<Text>,
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

    /// One of every problem (both branches where the message has two), for the catalogue tests.
    pub(crate) fn every_problem() -> Vec<Problem> {
        let s = |v: &str| v.to_string();
        let mut v = vec![
            Problem::Sha1Signature {
                algorithm: s("sha1WithRSAEncryption"),
            },
            Problem::Md5Signature {
                algorithm: s("md5WithRSAEncryption"),
            },
            Problem::Expired {
                not_after: s("2026-01-01T00:00:00Z"),
                now: s("2026-02-01T00:00:00Z"),
            },
            Problem::NotYetValid {
                not_before: s("2027-01-01T00:00:00Z"),
                now: s("2026-02-01T00:00:00Z"),
            },
            Problem::Expiring {
                not_after: s("2026-03-01T00:00:00Z"),
                days_left: 28,
                threshold_days: 30,
            },
            Problem::MissingSan,
            Problem::SanMismatch {
                expected: s("e.example"),
                san: vec![s("a.example"), s("b.example")],
            },
            Problem::SanInvalid {
                name: s("a,b"),
                reason: s("comma").into(),
            },
            Problem::WebValidityTooLong {
                days: 1801,
                max_days: 398,
            },
            Problem::WeakKey {
                key: s("RSA-1024"),
                min_bits: 2048,
            },
            Problem::UnsupportedKey { key: s("EC-256") },
            Problem::ChainInvalid {
                ca: s("ca"),
                reason: Reason::said(Text::new("reason-bad-signature")),
            },
            Problem::UnverifiableSignature {
                algorithm: s("1.2.3"),
            },
            Problem::IssuedBeforeCaRenewal {
                ca: s("ca.pem"),
                ca_not_before: s("2026-01-01T00:00:00Z"),
            },
            Problem::CerP12Mismatch {
                cer: s("certs/a.cer"),
                p12: s("keys/a.p12"),
            },
            Problem::KeyMismatch {
                key: s("keys/a.key"),
                cert: s("certs/a.cer"),
            },
            Problem::P12Unreadable {
                reason: s("mac verify failure").into(),
                wrong_password: true,
            },
            Problem::P12AlgorithmRefused {
                algorithms: s("RC2-40"),
            },
            Problem::P12LegacyRc2 {
                format: s("cert:RC2-40"),
            },
            Problem::P12FriendlyName,
            Problem::P12IterationsExcessive {
                what: s("MAC"),
                count: 18_446_744_073_709_551_615,
                limit: 10_000_000,
            },
            Problem::OpensslConfSha1 {
                line: 14,
                value: s("sha1"),
            },
            Problem::ApacheCaMismatch {
                reason: s("apache-ca.pem is a dangling symlink").into(),
            },
            Problem::ThirdPartyCert {
                issuer: s("CN=Example"),
            },
            Problem::KeyPermissions {
                mode: s("0644"),
                expected: s("0600"),
            },
            Problem::KeyOwner {
                uid: 0,
                expected: s("ovirt"),
            },
            Problem::CaCopyMismatch {
                copy: s("certs/ca.der"),
                ca: s("ca.pem"),
            },
            Problem::Unreadable {
                reason: s("no certificate found").into(),
            },
            Problem::Missing {
                what: s("certs/x.cer").into(),
            },
            Problem::SymlinkOutsideTree {
                target: s("/tmp/x"),
            },
            Problem::IndexInvalid {
                line: 3,
                reason: s("bad status").into(),
            },
            Problem::SerialBehind {
                serial_txt: s("1000"),
                max_in_index: s("1005"),
            },
            Problem::EngineFqdnUnknown {
                reason: s("no engine.conf.d").into(),
            },
            Problem::RestartNeeded {
                endpoint: s("apache"),
                address: s("127.0.0.1:443"),
                service: s("httpd"),
                served_serial: s("10"),
                on_disk_serial: s("11"),
            },
            Problem::EndpointUnreachable {
                endpoint: s("apache"),
                address: s("127.0.0.1:443"),
                service: s("httpd"),
                reason: s("connection refused").into(),
            },
            Problem::HostUnreachable {
                reason: s("timed out").into(),
            },
            Problem::HostKeyUnverified {
                reason: s("unknown key").into(),
            },
            Problem::HostFileOwner {
                owner: s("root:root"),
                expected: s("vdsm:kvm"),
            },
            Problem::HostFileMode {
                mode: s("0644"),
                expected: s("0440"),
            },
            Problem::HostKeyUnreadable {
                reason: s("not a key").into(),
            },
            Problem::InterruptedChange {
                backup: s("20260101-000000"),
                reason: s("resign").into(),
                command: s("rhv-pki rollback"),
            },
            Problem::SshCertType {
                found: s("user"),
                expected: s("host"),
            },
            Problem::SshCertSigner {
                signer: s("SHA256:a"),
                ca: s("SHA256:b"),
            },
            Problem::SshCertSignature {
                signer: s("SHA256:a"),
            },
            Problem::SshCertPrincipals {
                expected: s("h"),
                principals: vec![s("a"), s("b")],
            },
            Problem::TruststoreAliasMissing {
                alias: s("cacert"),
                ca: s("ca.pem"),
            },
            Problem::P12PasswordWrong {
                source: s("engine.conf.d"),
                files: 3,
            },
        ];
        for same_key in [true, false] {
            v.push(Problem::HostCaStale {
                ca: s("ca.pem"),
                copy_serial: s("1"),
                copy_not_after: s("x"),
                ca_not_after: s("y"),
                same_key,
            });
            v.push(Problem::TruststoreStale {
                alias: s("cacert"),
                ca: s("ca.pem"),
                reason: s("r").into(),
                same_key,
            });
        }
        v
    }

    #[test]
    fn every_problem_covers_every_code() {
        // A new variant must be added to every_problem (the match is exhaustive on purpose).
        let all = every_problem();
        for p in &all {
            match p {
                Problem::Sha1Signature { .. }
                | Problem::Md5Signature { .. }
                | Problem::Expired { .. }
                | Problem::NotYetValid { .. }
                | Problem::Expiring { .. }
                | Problem::MissingSan
                | Problem::SanMismatch { .. }
                | Problem::SanInvalid { .. }
                | Problem::WebValidityTooLong { .. }
                | Problem::WeakKey { .. }
                | Problem::UnsupportedKey { .. }
                | Problem::ChainInvalid { .. }
                | Problem::UnverifiableSignature { .. }
                | Problem::IssuedBeforeCaRenewal { .. }
                | Problem::CerP12Mismatch { .. }
                | Problem::KeyMismatch { .. }
                | Problem::P12Unreadable { .. }
                | Problem::P12AlgorithmRefused { .. }
                | Problem::P12LegacyRc2 { .. }
                | Problem::P12FriendlyName
                | Problem::P12IterationsExcessive { .. }
                | Problem::OpensslConfSha1 { .. }
                | Problem::ApacheCaMismatch { .. }
                | Problem::ThirdPartyCert { .. }
                | Problem::KeyPermissions { .. }
                | Problem::KeyOwner { .. }
                | Problem::CaCopyMismatch { .. }
                | Problem::Unreadable { .. }
                | Problem::Missing { .. }
                | Problem::SymlinkOutsideTree { .. }
                | Problem::IndexInvalid { .. }
                | Problem::SerialBehind { .. }
                | Problem::EngineFqdnUnknown { .. }
                | Problem::RestartNeeded { .. }
                | Problem::EndpointUnreachable { .. }
                | Problem::HostUnreachable { .. }
                | Problem::HostKeyUnverified { .. }
                | Problem::HostCaStale { .. }
                | Problem::HostFileOwner { .. }
                | Problem::HostFileMode { .. }
                | Problem::HostKeyUnreadable { .. }
                | Problem::InterruptedChange { .. }
                | Problem::SshCertType { .. }
                | Problem::SshCertSigner { .. }
                | Problem::SshCertSignature { .. }
                | Problem::SshCertPrincipals { .. }
                | Problem::TruststoreAliasMissing { .. }
                | Problem::TruststoreStale { .. }
                | Problem::P12PasswordWrong { .. } => {}
            }
        }
        let codes: std::collections::BTreeSet<_> = all.iter().map(Problem::code).collect();
        assert_eq!(codes.len(), 49, "{codes:?}");
    }

    /// Every problem's message and action in both catalogues, every variable given; the
    /// Japanese message is Japanese.
    #[test]
    fn every_message_and_action_renders_in_both_languages() {
        use crate::i18n::{Arg, Lang, Messages};
        let en = Messages::new(Lang::En);
        let ja = Messages::new(Lang::Ja);
        let render = |m: &Messages, t: &Text| {
            let owned = t.rendered_args(m);
            let args: Vec<(&str, Arg<'_>)> = owned.iter().map(|(k, v)| (*k, Arg::Str(v))).collect();
            m.try_fmt(t.key, &args)
                .unwrap_or_else(|e| panic!("{}: {}", t.key, e.why))
        };
        let roles = [
            Role::Ca("ca"),
            Role::Entity("engine"),
            Role::Entity("apache"),
            Role::OtherEntity("x".into()),
            Role::Host,
            Role::HostQemu,
        ];
        for p in every_problem() {
            let t = p.text();
            assert!(t.key.starts_with("finding-"), "{}", t.key);
            let (e, j) = (render(&en, &t), render(&ja, &t));
            assert_eq!(e, p.message());
            assert_ne!(e, j, "{}", p.code());
            assert!(crate::i18n::testing::japanese(&j), "{}: {j}", p.code());
            for r in &roles {
                if let Some(a) = p.advice(r) {
                    assert_eq!(render(&en, &a), p.action(r).unwrap_or_default());
                    render(&ja, &a);
                }
            }
        }
        // Numbers are passed as text: a u64 count is not rounded through f64.
        let big = Problem::P12IterationsExcessive {
            what: "MAC".into(),
            count: u64::MAX,
            limit: 1,
        };
        assert!(big.message().contains("18446744073709551615"));
    }

    /// The reasons the audit words itself inside `unreadable`, `host-key-unreadable`,
    /// `truststore-stale` and `missing`: their English (the JSON) is the text of before, byte for byte, and
    /// each has its Japanese entry (nested messages included).
    #[test]
    fn said_reasons_keep_their_english_and_have_japanese() {
        use crate::i18n::testing::strict;
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let t = Text::new;
        let io = std::io::Error::from_raw_os_error(13);
        let desc = |sub: &str| {
            t("reason-cert-described")
                .arg("subject", sub)
                .arg("serial", "1000")
                .arg("fingerprint", "7a30684e98043d5d")
        };
        let cases: Vec<(Text, String)> = vec![
            (
                t("reason-dangling-symlink").arg("target", "/etc/pki/x.pem"),
                "dangling symlink to /etc/pki/x.pem".into(),
            ),
            (
                t("reason-internal-error"),
                "internal error while auditing this file".into(),
            ),
            (
                t("reason-internal-error-panic").arg("panic", "index out of bounds"),
                "internal error while auditing this file: index out of bounds".into(),
            ),
            (
                t("reason-truststore-unreadable")
                    .arg("error", "keystore password was incorrect")
                    .arg_text("origin", t("reason-password-default")),
                "keystore password was incorrect (password from oVirt's default)".into(),
            ),
            (
                t("reason-truststore-unreadable")
                    .arg("error", "truncated JKS data")
                    .arg_text(
                        "origin",
                        Text::verbatim("/etc/x/10-setup-pki.conf"),
                    ),
                "truncated JKS data (password from /etc/x/10-setup-pki.conf)".into(),
            ),
            (
                t("reason-truststore-holds")
                    .arg_text("held", desc("US/e.test/a.1"))
                    .arg("file", "ca.pem")
                    .arg_text("ca", t("reason-cert-unparsable")),
                format!(
                    "the store holds {} (serial {}, SHA-256 {}…), {} is {}",
                    "US/e.test/a.1", "1000", "7a30684e98043d5d", "ca.pem", "unparsable certificate"
                ),
            ),
            (
                t("reason-not-openssh-cert").arg("error", "invalid label"),
                "not an OpenSSH certificate: invalid label".into(),
            ),
            (
                t("reason-not-openssh-public-key-in")
                    .arg("file", "/etc/pki/ovirt-vmconsole/ca.pub"),
                "/etc/pki/ovirt-vmconsole/ca.pub: not an OpenSSH public key".into(),
            ),
            (
                t("reason-not-openssh-cert-in").arg("file", "/etc/pki/x-cert.pub"),
                "/etc/pki/x-cert.pub: not an OpenSSH certificate".into(),
            ),
            (crate::i18n::io_error(&io), io.to_string()),
            // What a `missing` finding names.
            (
                t("missing-ca"),
                "ca.pem (the engine CA; nothing can be verified)".into(),
            ),
            (
                t("missing-truststore"),
                ".truststore (the engine cannot verify vdsm or SSO over HTTPS)".into(),
            ),
            (
                t("missing-openssl-conf"),
                "openssl.conf (the CA configuration)".into(),
            ),
            (
                t("missing-ca-database").arg("file", "serial.txt"),
                "serial.txt (openssl ca cannot issue without it)".into(),
            ),
            (
                t("missing-p12-key"),
                "private key inside the PKCS#12".into(),
            ),
            (
                t("missing-p12-cert"),
                "certificate inside the PKCS#12".into(),
            ),
            (
                t("missing-key-store").arg("file", "keys/apache.p12"),
                "keys/apache.p12 (the entity's key store)".into(),
            ),
            (
                t("missing-ca-key").arg("file", "private/ca.pem"),
                "private/ca.pem (the CA's private key; nothing can be signed)".into(),
            ),
            (
                t("missing-apache-ca"),
                "apache-ca.pem (httpd's SSLCACertificateFile)".into(),
            ),
            (
                t("missing-vmconsole")
                    .arg("file", "certs/vmconsole-proxy-user-cert.pub")
                    .arg("entity", "vmconsole-proxy-user"),
                "certs/vmconsole-proxy-user-cert.pub (certs/vmconsole-proxy-user.pub is there: the vmconsole proxy is set up)".into(),
            ),
            (
                t("missing-link")
                    .arg("path", "/etc/pki/vdsm/libvirt-spice/ca-cert.pem")
                    .arg("target", "../certs/cacert.pem")
                    .arg_text("found", t("missing-found-link").arg("target", "/x")),
                "/etc/pki/vdsm/libvirt-spice/ca-cert.pem as a symlink to ../certs/cacert.pem (found a link to /x)".into(),
            ),
            (
                t("missing-link")
                    .arg("path", "/a")
                    .arg("target", "b")
                    .arg_text("found", t("missing-found-file")),
                "/a as a symlink to b (found a regular file)".into(),
            ),
            // hosts recover's plan (src/hosts/recover.rs).
            (
                t("recover-reason-finding")
                    .arg("path", "/etc/pki/vdsm/certs/vdsmcert.pem")
                    .arg("code", "missing-san")
                    .arg_text("message", Problem::MissingSan.text()),
                format!(
                    "/etc/pki/vdsm/certs/vdsmcert.pem: missing-san ({})",
                    Problem::MissingSan.message()
                ),
            ),
            (
                t("recover-note-vmconsole")
                    .arg("path", "/etc/pki/vdsm/x-cert.pub")
                    .arg_text("message", Problem::MissingSan.text()),
                format!(
                    "/etc/pki/vdsm/x-cert.pub: {} — vmconsole certificates are renewed by Enroll Certificate once the host is back",
                    Problem::MissingSan.message()
                ),
            ),
            (
                t("recover-note-no-migrate-key").arg("key", "/k"),
                "/k missing or unreadable: libvirt-migrate certificate not re-issued".into(),
            ),
            (
                t("recover-note-no-ovn-key").arg("key", "/k"),
                "/k missing or unreadable: OVN certificate not re-issued".into(),
            ),
            (
                t("recover-note-not-vdsm-key")
                    .arg("path", "/c")
                    .arg("key", "/k"),
                "/c: left alone, /k is not the vdsm key".into(),
            ),
            (
                t("recover-note-key-missing")
                    .arg("path", "/c")
                    .arg("key", "/k"),
                "/c: left alone, /k missing or unreadable".into(),
            ),
            (
                t("recover-nothing-due"),
                "nothing due (certificates valid, CA copies current)".into(),
            ),
            (
                t("serial-empty"),
                crate::pki::conf::SerialError::Empty.to_string(),
            ),
            (
                t("serial-not-hex").arg("text", "10zz"),
                crate::pki::conf::SerialError::NotHex {
                    text: "10zz".into(),
                }
                .to_string(),
            ),
            (
                t("reason-pkey-failed"),
                "openssl pkey failed (is openssl installed on the host?)".into(),
            ),
            (
                t("missing-host-link")
                    .arg("path", "/a")
                    .arg("target", "b"),
                "/a (symlink to b, created by host-deploy since 4.4.6.5)".into(),
            ),
        ];
        for (text, old) in cases {
            let reason = Reason::said(text.clone());
            assert_eq!(strict(&en, &text), old);
            assert_eq!(reason.as_str(), old);
            for p in [
                Problem::Missing {
                    what: reason.clone(),
                },
                Problem::Unreadable {
                    reason: reason.clone(),
                },
                Problem::HostKeyUnreadable {
                    reason: reason.clone(),
                },
            ] {
                // The JSON: the reason as a string, the message with it as before.
                let v = serde_json::to_value(&p).unwrap();
                let field = if p.code() == "missing" {
                    "what"
                } else {
                    "reason"
                };
                assert_eq!(v[field], old.as_str());
                assert!(p.message().ends_with(&old), "{}", p.message());
            }
            let j = strict(&ja, &text);
            if text.key != "reason-verbatim" && !text.key.starts_with("io-") {
                assert_ne!(j, old);
                assert!(crate::i18n::testing::japanese(&j), "{}: {j}", text.key);
            }
        }
    }

    /// Why a name is not a host name: the English is the error's text of before, byte for
    /// byte, and each has Japanese.
    #[test]
    fn name_errors_keep_their_english_and_have_japanese() {
        use crate::i18n::{Lang, Messages};
        use crate::pki::conf::{FqdnError, NameError as N};
        let ja = Messages::new(Lang::Ja);
        let all = [
            N::Empty,
            N::Character('\n'),
            N::Character('\u{fffd}'),
            N::Character(','),
            N::Character('\u{7}'),
            N::TooLong { len: 300 },
            N::EmptyLabel,
            N::Wildcard,
            N::LabelTooLong { len: 64 },
            N::Hyphen { label: "-a".into() },
            N::NumericTld,
        ];
        for e in all {
            let t = name_error_text(&e);
            assert_eq!(t.english(), e.to_string());
            let j = ja.try_fmt(
                t.key,
                &t.args
                    .iter()
                    .map(|(k, v)| match v {
                        crate::i18n::Value::Str(s) => (*k, crate::i18n::Arg::Str(s)),
                        crate::i18n::Value::Text(_) => unreachable!(),
                    })
                    .collect::<Vec<_>>(),
            );
            let j = j.unwrap_or_else(|e| panic!("{}", e.why));
            assert_ne!(j, e.to_string());
            let f = FqdnError {
                file: "/etc/ovirt-engine/engine.conf.d/10-setup-protocols.conf".into(),
                value: "a,b\n".into(),
                why: e,
            };
            assert_eq!(fqdn_error_text(&f).english(), f.to_string());
            let p = Problem::EngineFqdnUnknown {
                reason: Reason::said(fqdn_error_text(&f)),
            };
            assert_eq!(
                serde_json::to_value(&p).unwrap()["reason"],
                f.to_string().as_str()
            );
        }
        for (t, old) in [
            (Text::new("fqdn-not-set"), "no ENGINE_FQDN in engine.conf.d"),
            (
                Text::new("fqdn-no-conf-dir"),
                "no engine.conf.d given (--engine-conf-dir)",
            ),
        ] {
            assert_eq!(t.english(), old);
            assert_ne!(t.render(&ja), old);
        }
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
