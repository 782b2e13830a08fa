//! `hosts recover`: hosts the Manager can no longer talk to (expired certificates, a CA that
//! changed under them) get new certificates for their EXISTING keys — the CSR is made on the
//! host, the key never leaves it — signed on the Manager with oVirt's host profile and recorded
//! through `txn` exactly like pki-enroll-request.sh would, then installed atomically on the host,
//! services restarted, and the new certificate confirmed on vdsm's TLS port.
//!
//! [`plan`] is plain data (what `--dry-run` prints); [`execute`] runs that very plan.

use std::fs;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use openssl::pkey::PKey;
use openssl::x509::{X509Name, X509NameBuilder, X509Req, X509};
use serde::Serialize;

use crate::audit::{AuditConfig, Reason};
use crate::change::txn::{self, Fault, Meta, Tree, Txn, TxnConfig};
use crate::exec::{poll_until, Every, Polled, SYSTEM};
use crate::hosts::files::{self, FileKind, HostSpec, HostState, ManagerCas, Reach};
use crate::i18n::Text;
use crate::net::remote::{RemoteError, Target, REPLACE_SCRIPT};
use crate::net::tls;
use crate::pki::catalog::{CaKind, Profile};
use crate::pki::cert;
use crate::pki::conf;
use crate::pki::sign::{self, LeafProfile, DAY};

/// `VdsCertificateValidityInDays` default (4.5.1+).
pub const DEFAULT_DAYS: i64 = 1827;
/// vdsm's TLS port.
pub const VDSM_PORT: u16 = 54321;

/// Everything a recovery needs; built by the CLI.
#[derive(Debug, Clone)]
pub struct RecoverConfig {
    /// The Manager's PKI directory.
    pub pki_dir: PathBuf,
    /// engine.conf.d, for `ENGINE_FQDN`.
    pub engine_conf_dir: Option<PathBuf>,
    /// Unix seconds: judging, validity, `.YYYYmmddHHMMSS` suffixes.
    pub now: i64,
    /// Validity of the new host certificates, days.
    pub days: i64,
    /// Certificates expiring within this many days are due too.
    pub within_days: i64,
    /// Re-issue even certificates that are not due.
    pub force: bool,
    /// Restart services on the host (else print the commands).
    pub restart: bool,
    /// Port of vdsm on the hosts (54321), probed after the restart.
    pub vdsm_port: u16,
    /// Timeout of that probe.
    pub probe_timeout: Duration,
    /// Where the backup of the Manager files is made.
    pub backup_root: PathBuf,
    /// How long to wait for the PKI lock.
    pub lock_timeout: Duration,
    /// The 4.2–4.4 lock directory, taken when the PKI's era uses it (as every change does).
    pub legacy_lock_dir: PathBuf,
    /// Test builds only (feature `fault-injection`): the fault to inject.
    pub fault: Option<Fault>,
}

/// Refusals and failures outside a host (nothing changed).
#[derive(Debug, thiserror::Error)]
pub enum RecoverError {
    #[error("{0}")]
    /// The request cannot be carried out (nothing was changed); the reason for a human, a
    /// catalogue message (its English is the `Display`).
    Refused(crate::i18n::Text),
    #[error(transparent)]
    /// A PKI file could not be read or parsed.
    Read(#[from] crate::Error),
    #[error(transparent)]
    /// The Manager-side transaction failed (and rolled back).
    Txn(#[from] txn::TxnError),
    #[error(transparent)]
    /// Signing a host certificate failed.
    Sign(#[from] sign::SignError),
    #[error(
        "the Manager PKI changed since the plan was made ({0}); nothing was changed, run again"
    )]
    /// The PKI directory changed since the plan was made; nothing was changed.
    Stale(String),
}

impl RecoverError {
    /// The error line as a catalogue message: rhv-pki's words in the reader's language, the
    /// evidence as it came; English: the `Display`, byte for byte.
    pub fn text(&self) -> Text {
        match self {
            RecoverError::Refused(t) => t.clone(),
            RecoverError::Read(e) => e.text(),
            RecoverError::Txn(e) => e.text(),
            RecoverError::Sign(e) => e.text(),
            RecoverError::Stale(what) => Text::new("recover-stale").arg("what", what),
        }
    }
}

/// Why installing on one host failed (the host's result carries it as text); every variant
/// names the file, service or endpoint and quotes what was found.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// `qemu-ca.pem` was read at planning time but is gone now.
    #[error("qemu-ca.pem vanished")]
    QemuCaVanished,
    /// A file of the plan has no content to install (the plan is inconsistent).
    #[error("{path}: nothing to install (plan inconsistent)")]
    NothingToInstall {
        /// The file on the host.
        path: String,
    },
    /// The backups of the host's files could not be made.
    #[error("backups: {0}")]
    Backups(#[source] RemoteError),
    /// Sending a file to the host failed.
    #[error("install {path}: {source}")]
    Install {
        /// The file on the host.
        path: String,
        /// What the remote side reported.
        source: RemoteError,
    },
    /// The replace script ran and failed (`brief` is its exit and first error line).
    #[error("install {path}: {brief}")]
    Replace {
        /// The file on the host.
        path: String,
        /// The script's exit code (`None`: killed by a signal).
        status: Option<i32>,
        /// Its exit and first error line.
        brief: String,
    },
    /// Restarting a service on the host failed.
    #[error("restart {service}: {source}")]
    Restart {
        /// The systemd unit.
        service: String,
        /// What the remote side reported.
        source: RemoteError,
    },
    /// The Manager's CA certificate cannot be used to verify what vdsm serves.
    #[error("ca.pem: {source}")]
    CaPem {
        /// Why it cannot be used.
        source: crate::pki::verify::IssuerError,
    },
    /// vdsm did not serve the new certificate after its restart.
    #[error("{endpoint} did not serve the new certificate within {secs} s: {last}")]
    NotServed {
        /// `host:port` probed.
        endpoint: String,
        /// Seconds waited.
        secs: u64,
        /// What the last probe saw.
        last: Text,
    },
}

impl InstallError {
    /// The error as a catalogue message: rhv-pki's words in the reader's language, the
    /// remote side's, OpenSSL's and the parser's as they came. English: the `Display`.
    pub fn text(&self) -> Text {
        match self {
            InstallError::QemuCaVanished => Text::new("hostsf-install-qemu-ca-vanished"),
            InstallError::NothingToInstall { path } => {
                Text::new("hostsf-install-nothing").arg("path", path)
            }
            InstallError::Backups(e) => {
                Text::new("hostsf-install-backups").arg_text("error", e.text())
            }
            InstallError::Install { path, source } => Text::new("hostsf-install-file")
                .arg("path", path)
                .arg_text("error", source.text()),
            InstallError::Replace { path, brief, .. } => Text::new("hostsf-install-file")
                .arg("path", path)
                .arg_text("error", Text::verbatim(brief)),
            InstallError::Restart { service, source } => Text::new("hostsf-install-restart")
                .arg("service", service)
                .arg_text("error", source.text()),
            InstallError::CaPem { source } => {
                Text::new("hostsf-install-ca-pem").arg("error", source)
            }
            InstallError::NotServed {
                endpoint,
                secs,
                last,
            } => Text::new("hostsf-install-not-served")
                .arg("endpoint", endpoint)
                .arg("secs", secs)
                .arg_text("last", last.clone()),
        }
    }
}

/// Why a due host cannot be planned (it is listed as skipped with this text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum HostRefusal {
    #[error("{path} is missing: no key to keep; re-install the host or use Enroll Certificate (new key)")]
    KeyMissing { path: &'static str },
    #[error("{path} cannot be used on the host: {reason}")]
    KeyUnusable { path: &'static str, reason: String },
}

/// A CSR could not be made on the host from its existing key.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CsrError {
    /// The host could not be reached.
    #[error(transparent)]
    Connect(RemoteError),
    #[error("CSR from {key}: {source}")]
    Run { key: String, source: RemoteError },
    #[error("CSR from {key}: {reason}")]
    Parse { key: String, reason: String },
    /// The CSR's public key cannot be read (OpenSSL's first reason).
    #[error("{reason}")]
    PublicKey { key: String, reason: String },
    #[error("CSR from {key}: self-signature does not verify")]
    SelfSignature { key: String },
    #[error("{key} changed on the host since the plan was made; nothing was changed, run again")]
    KeyChanged { key: String },
}

impl HostRefusal {
    /// The refusal as a catalogue message (OpenSSL's words quoted); English: the `Display`.
    pub(crate) fn text(&self) -> Text {
        match self {
            HostRefusal::KeyMissing { path } => {
                Text::new("hostsf-refusal-key-missing").arg("path", path)
            }
            HostRefusal::KeyUnusable { path, reason } => Text::new("hostsf-refusal-key-unusable")
                .arg("path", path)
                .arg("reason", reason),
        }
    }
}

impl CsrError {
    /// The error as a catalogue message (the remote side's and OpenSSL's words quoted);
    /// English: the `Display`.
    pub(crate) fn text(&self) -> Text {
        match self {
            CsrError::Connect(e) => e.text(),
            CsrError::Run { key, source } => Text::new("hostsf-csr-from")
                .arg("key", key)
                .arg_text("error", source.text()),
            CsrError::Parse { key, reason } => Text::new("hostsf-csr-from")
                .arg("key", key)
                .arg_text("error", Text::verbatim(reason)),
            CsrError::PublicKey { reason, .. } => Text::verbatim(reason),
            CsrError::SelfSignature { key } => {
                Text::new("hostsf-csr-self-signature").arg("key", key)
            }
            CsrError::KeyChanged { key } => Text::new("hostsf-csr-key-changed").arg("key", key),
        }
    }
}

/// One certificate to issue for a host.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertPlan {
    /// `vdsm`, `qemu` (libvirt-migrate) or `ovn`.
    pub kind: &'static str,
    /// `ca` or `qemu-ca`.
    pub(crate) ca: &'static str,
    /// The new certificate's subject, one-line (`/O=…/CN=…`), as the host's old one had it.
    pub subject: String,
    /// The new certificate's subjectAltName (`DNS:…` or `IP:…`).
    pub san: String,
    /// The existing key on the host (the CSR is made from it there).
    pub key: String,
    /// Host files receiving the certificate.
    pub install: Vec<String>,
    /// Serial of the certificate replaced, hex; `None` when the host had none.
    pub old_serial: Option<String>,
    /// notAfter of the certificate replaced (RFC 3339); `None` when the host had none.
    pub old_not_after: Option<String>,
    /// Serial of the new certificate, hex.
    pub new_serial: String,
    /// Manager files written (besides database.txt / serial.txt).
    pub manager_files: Vec<String>,
    /// SubjectPublicKeyInfo of the host key as read at planning time.
    #[serde(skip)]
    pub(crate) public_der: Vec<u8>,
}

/// A host CA copy to refresh with the Manager's current CA.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaCopyPlan {
    /// The CA copy's path on the host.
    pub path: String,
    /// Which CA it must hold: `ca` or `qemu-ca`.
    pub ca: &'static str,
    /// Serial (hex) of the certificate it holds now; `None` when absent or unreadable.
    pub old_serial: Option<String>,
}

/// A file to write on the host.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InstallFile {
    pub(crate) path: String,
    pub(crate) mode: String,
    /// `keep` (owner of the file replaced) or `user:group` for a new file.
    pub(crate) owner: String,
}

/// Everything about one host.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HostPlan {
    /// The host as given (`name[:port]`).
    pub host: String,
    /// The address SSH connects to.
    pub addr: String,
    /// The SSH port.
    pub port: u16,
    /// Why it is recovered (the findings on what it holds; JSON: the English text).
    pub reasons: Vec<Reason>,
    /// The certificates to issue for it.
    pub certs: Vec<CertPlan>,
    /// The CA copies to refresh on it.
    pub ca_copies: Vec<CaCopyPlan>,
    pub(crate) files: Vec<InstallFile>,
    /// The systemd units restarted afterwards (vdsmd, libvirtd, …).
    pub services: Vec<String>,
    /// `host:port` of its vdsm, probed after the restart.
    pub vdsm_endpoint: String,
    /// Remarks for the admin (what is left as is, and why; JSON: the English text).
    pub notes: Vec<Reason>,
}

#[derive(Debug, Clone, Serialize)]
/// A host left out, with the reason.
pub struct Skip {
    /// The host as given.
    pub host: String,
    /// Why it is left out (JSON: the English text).
    pub reason: Reason,
}

/// The plan: printed by `--dry-run`, executed as is by [`execute`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoverPlan {
    /// The Manager's PKI directory whose CA issues the certificates.
    pub pki_dir: String,
    /// The organization (`O=`) of the new subjects, from the CA.
    pub organization: String,
    /// Validity of the new certificates, in days.
    pub days: i64,
    /// Their notBefore (RFC 3339).
    pub not_before: String,
    /// Their notAfter (RFC 3339).
    pub not_after: String,
    /// The hosts to recover.
    pub hosts: Vec<HostPlan>,
    /// Hosts read and found healthy, or not recoverable this way.
    pub skipped: Vec<Skip>,
    /// Hosts that could not be reached over SSH, with the error.
    pub unreachable: Vec<Skip>,
    /// serial.txt and database.txt as the plan saw them (checked again under the lock).
    #[serde(skip)]
    pub(crate) inputs: Vec<(String, Option<String>)>,
}

fn sha(path: &Path) -> Option<String> {
    fs::read(path)
        .ok()
        .map(|d| hex::encode(openssl::sha::sha256(&d)))
}

fn ca_file(k: CaKind) -> &'static str {
    match k {
        CaKind::Engine => "ca.pem",
        CaKind::Qemu => "qemu-ca.pem",
    }
}

fn ca_name(k: CaKind) -> &'static str {
    match k {
        CaKind::Engine => "ca",
        CaKind::Qemu => "qemu-ca",
    }
}

/// `O=` of a certificate's subject.
fn org_of(der: &[u8]) -> Option<String> {
    let x = X509::from_der(der).ok()?;
    let e = x
        .subject_name()
        .entries_by_nid(openssl::nid::Nid::ORGANIZATIONNAME)
        .next()?;
    e.data().to_string().ok()
}

fn read_cert(p: &Path) -> Option<Vec<u8>> {
    cert::read_limited(p)
        .ok()
        .and_then(|d| cert::first_certificate(p, &d).ok())
}

/// Finding codes on certificate files that make a host due.
const DUE_CODES: &[&str] = &[
    "expired",
    "expiring",
    "not-yet-valid",
    "chain-invalid",
    "host-ca-stale",
    "missing-san",
    "san-mismatch",
    "key-mismatch",
    "sha1-signature",
    "md5-signature",
    "unreadable",
    "missing",
];

/// Reads every host and decides what to issue. Nothing is written anywhere.
pub fn plan(
    cfg: &RecoverConfig,
    reach: &Reach,
    hosts: &[HostSpec],
) -> Result<RecoverPlan, RecoverError> {
    let dir = &cfg.pki_dir;
    let cas = ManagerCas::load(dir);
    let Some(ca_der) = cas.ca_der.clone() else {
        return Err(RecoverError::Refused(
            Text::new("recover-ca-missing").arg("path", dir.join("ca.pem").display()),
        ));
    };
    for k in [CaKind::Engine, CaKind::Qemu] {
        if cas.der(k).is_some() && !dir.join(format!("private/{}", ca_file(k))).exists() {
            return Err(RecoverError::Refused(
                Text::new("recover-ca-key-missing")
                    .arg(
                        "path",
                        dir.join(format!("private/{}", ca_file(k))).display(),
                    )
                    .arg("ca", ca_name(k)),
            ));
        }
    }
    let serial_txt = fs::read_to_string(dir.join("serial.txt"))
        .map_err(|e| crate::Error::io(dir.join("serial.txt"), e))?;
    let mut next = conf::parse_serial(&serial_txt).map_err(|r| {
        RecoverError::Refused(
            Text::new("pki-error-in-file")
                .arg("path", dir.join("serial.txt").display())
                .arg_text("detail", conf::serial_error_text(&r)),
        )
    })?;
    let acfg = AuditConfig {
        warn_days: cfg.within_days,
        crit_days: 0,
        ..AuditConfig::new(dir, cfg.now)
    };
    let read = crate::exec::par_map(hosts, reach.max_parallel, &|h: &HostSpec| {
        reach.connect(h).and_then(|t| files::collect(t.as_ref()))
    });
    let ca_org = org_of(&ca_der).unwrap_or_else(|| "oVirt".into());
    let mut p = RecoverPlan {
        pki_dir: dir.to_string_lossy().into_owned(),
        organization: ca_org.clone(),
        days: cfg.days,
        not_before: cert::rfc3339(cfg.now - DAY),
        not_after: cert::rfc3339(cfg.now + cfg.days * DAY),
        hosts: Vec::new(),
        skipped: Vec::new(),
        unreachable: Vec::new(),
        inputs: ["serial.txt", "database.txt"]
            .iter()
            .map(|f| (f.to_string(), sha(&dir.join(f))))
            .collect(),
    };
    for (h, r) in hosts.iter().zip(read) {
        let st = match r {
            Ok(st) => st,
            Err(e) => {
                p.unreachable.push(Skip {
                    host: h.name.clone(),
                    reason: e.to_string().into(),
                });
                continue;
            }
        };
        let audit = files::judge_host(&acfg, &cas, h, &st);
        match plan_host(cfg, &cas, h, &st, &audit, &ca_org, &mut next) {
            Ok(Some(hp)) => p.hosts.push(hp),
            Ok(None) => p.skipped.push(Skip {
                host: h.name.clone(),
                reason: Reason::said(Text::new("recover-nothing-due")),
            }),
            Err(refusal) => p.skipped.push(Skip {
                host: h.name.clone(),
                reason: Reason::said(refusal.text()),
            }),
        }
    }
    Ok(p)
}

fn plan_host(
    cfg: &RecoverConfig,
    cas: &ManagerCas,
    h: &HostSpec,
    st: &HostState,
    audit: &files::HostAudit,
    ca_org: &str,
    next: &mut u128,
) -> Result<Option<HostPlan>, HostRefusal> {
    let (mut reasons, mut notes) = due_reasons(h, audit);
    if reasons.is_empty() && !cfg.force {
        return Ok(None);
    }
    if cfg.force && reasons.is_empty() {
        reasons.push("--force".into());
    }
    let vdsm_pub = vdsm_public_key(st)?;
    let org = organisation(cfg, h, st, ca_org);
    let install = vdsm_install_places(st, &vdsm_pub, &mut notes);
    let mut alloc = || {
        let s = sign::serial_text(*next);
        *next += 1;
        s
    };
    let mut certs = vec![cert_plan(
        h,
        st,
        CertSpec::VDSM,
        &org,
        install,
        alloc(),
        vdsm_pub,
    )];
    // libvirt-migrate: qemu-ca chain, its own key.
    if cas.qemu_der.is_some() && st.dir_exists("/etc/pki/vdsm/libvirt-migrate") {
        let spec = CertSpec::QEMU;
        match st.get(spec.key).and_then(|k| k.public_der.clone()) {
            Some(pk) => {
                let mut install = vec![spec.cert.to_string()];
                let client = "/etc/pki/vdsm/libvirt-migrate/client-cert.pem";
                if st.get(client).is_some_and(|s| s.link.is_none()) {
                    install.push(client.into());
                }
                certs.push(cert_plan(h, st, spec, &org, install, alloc(), pk));
            }
            None => notes.push(Reason::said(
                Text::new("recover-note-no-migrate-key").arg("key", spec.key),
            )),
        }
    }
    // OVN, when configured.
    let ovn = st.dir_exists("/etc/pki/vdsm/ovn");
    if ovn {
        let spec = CertSpec::OVN;
        match st.get(spec.key).and_then(|k| k.public_der.clone()) {
            Some(pk) => {
                let install = vec![spec.cert.to_string()];
                certs.push(cert_plan(h, st, spec, &org, install, alloc(), pk));
            }
            None => notes.push(Reason::said(
                Text::new("recover-note-no-ovn-key").arg("key", spec.key),
            )),
        }
    }
    let ca_copies = stale_ca_copies(cas, st);
    let files = install_files(st, &certs, &ca_copies);
    let mut services = vec![
        "libvirtd".to_string(),
        "vdsmd".into(),
        "ovirt-imageio".into(),
    ];
    if ovn {
        services.push("ovn-controller".into());
    }
    Ok(Some(HostPlan {
        host: h.name.clone(),
        addr: h.addr.clone(),
        port: h.port,
        reasons,
        certs,
        ca_copies,
        files,
        services,
        vdsm_endpoint: vdsm_endpoint(h, cfg.vdsm_port),
        notes,
    }))
}

/// Why the host is due (its certificates and CA copies with a due code), and notes on what
/// this command leaves to Enroll Certificate (the vmconsole SSH certificates).
fn due_reasons(h: &HostSpec, audit: &files::HostAudit) -> (Vec<Reason>, Vec<Reason>) {
    let prefix = format!("{}:", h.name);
    let kind_of = |path: &str| files::all_files().find(|f| f.path == path).map(|f| f.kind);
    let mut reasons: Vec<Reason> = Vec::new();
    let mut notes = Vec::new();
    for f in &audit.findings {
        let path = f.path.strip_prefix(&prefix).unwrap_or(&f.path);
        match kind_of(path) {
            Some(FileKind::Cert | FileKind::CaCopy) if DUE_CODES.contains(&f.problem.code()) => {
                reasons.push(Reason::said(
                    Text::new("recover-reason-finding")
                        .arg("path", path)
                        .arg("code", f.problem.code())
                        .arg_text("message", f.problem.text()),
                ));
            }
            Some(FileKind::SshCert | FileKind::SshCaPub)
                if f.severity > crate::audit::Severity::Info =>
            {
                notes.push(Reason::said(
                    Text::new("recover-note-vmconsole")
                        .arg("path", path)
                        .arg_text("message", f.problem.text()),
                ));
            }
            _ => {}
        }
    }
    (reasons, notes)
}

/// The vdsm key this recovery keeps: its SubjectPublicKeyInfo, or why it cannot.
fn vdsm_public_key(st: &HostState) -> Result<Vec<u8>, HostRefusal> {
    let path = CertSpec::VDSM.key;
    let Some(vk) = st.get(path) else {
        return Err(HostRefusal::KeyMissing { path });
    };
    let Some(vdsm_pub) = vk.public_der.clone() else {
        return Err(HostRefusal::KeyUnusable {
            path,
            reason: vk.error.as_deref().unwrap_or("unknown error").to_string(),
        });
    };
    Ok(vdsm_pub)
}

/// The organisation of the new subjects: the Manager's copy of the host certificate, else
/// the host's vdsm certificate, else the CA's.
fn organisation(cfg: &RecoverConfig, h: &HostSpec, st: &HostState, ca_org: &str) -> String {
    let manager_cer = cfg.pki_dir.join(format!("certs/{}.cer", h.name));
    read_cert(&manager_cer)
        .and_then(|d| org_of(&d))
        .or_else(|| {
            st.get(CertSpec::VDSM.cert)
                .and_then(|s| s.content.as_deref())
                .and_then(|c| cert::first_certificate(Path::new("vdsmcert.pem"), c).ok())
                .and_then(|d| org_of(&d))
        })
        .unwrap_or_else(|| ca_org.to_string())
}

/// Places that hold the vdsm certificate, each with its own copy of the vdsm key: those
/// whose key is not the vdsm key are left alone (with a note).
fn vdsm_install_places(st: &HostState, vdsm_pub: &[u8], notes: &mut Vec<Reason>) -> Vec<String> {
    let mut install = vec![CertSpec::VDSM.cert.to_string()];
    for set in present_sets(st) {
        for f in set
            .files
            .iter()
            .filter(|f| f.kind == FileKind::Cert && f.ca == CaKind::Engine)
        {
            if f.path.starts_with("/etc/pki/vdsm/certs/") || set.name == "ovn" {
                continue;
            }
            let key = f.key.unwrap_or_default();
            match st.get(key).and_then(|k| k.public_der.as_ref()) {
                Some(pk) if pk.as_slice() == vdsm_pub => install.push(f.path.to_string()),
                Some(_) => notes.push(Reason::said(
                    Text::new("recover-note-not-vdsm-key")
                        .arg("path", f.path)
                        .arg("key", key),
                )),
                None => notes.push(Reason::said(
                    Text::new("recover-note-key-missing")
                        .arg("path", f.path)
                        .arg("key", key),
                )),
            }
        }
    }
    install
}

/// The host file sets whose directory exists on the host (or that need none).
fn present_sets<'a>(st: &'a HostState) -> impl Iterator<Item = &'a files::HostSet> + 'a {
    files::SETS
        .iter()
        .filter(|set| set.when_dir.is_none_or(|d| st.dir_exists(d)))
}

/// One kind of host certificate: where its key and certificate live, its CA, its subject
/// and its Manager-side files.
#[derive(Clone, Copy)]
struct CertSpec {
    kind: &'static str,
    ca: &'static str,
    key: &'static str,
    cert: &'static str,
    /// Subject between `/O={org}` and `/CN={name}` (`/OU=qemu` or nothing).
    ou: &'static str,
    /// Manager request / certificate directories and the file name suffix.
    requests: &'static str,
    certs: &'static str,
    suffix: &'static str,
}

impl CertSpec {
    const VDSM: CertSpec = CertSpec {
        kind: "vdsm",
        ca: "ca",
        key: "/etc/pki/vdsm/keys/vdsmkey.pem",
        cert: "/etc/pki/vdsm/certs/vdsmcert.pem",
        ou: "",
        requests: "requests",
        certs: "certs",
        suffix: "",
    };
    const QEMU: CertSpec = CertSpec {
        kind: "qemu",
        ca: "qemu-ca",
        key: "/etc/pki/vdsm/libvirt-migrate/server-key.pem",
        cert: "/etc/pki/vdsm/libvirt-migrate/server-cert.pem",
        ou: "/OU=qemu",
        requests: "requests-qemu",
        certs: "certs-qemu",
        suffix: "",
    };
    const OVN: CertSpec = CertSpec {
        kind: "ovn",
        ca: "ca",
        key: "/etc/pki/vdsm/ovn/ovn-key.pem",
        cert: "/etc/pki/vdsm/ovn/ovn-cert.pem",
        ou: "",
        requests: "requests",
        certs: "certs",
        suffix: "-ovn",
    };
}

/// The plan of one certificate of `spec` for the existing key `public_der`.
fn cert_plan(
    h: &HostSpec,
    st: &HostState,
    spec: CertSpec,
    org: &str,
    install: Vec<String>,
    new_serial: String,
    public_der: Vec<u8>,
) -> CertPlan {
    let (old_serial, old_not_after) = old_cert(st, spec.cert);
    CertPlan {
        kind: spec.kind,
        ca: spec.ca,
        subject: format!("/O={org}{}/CN={}", spec.ou, h.name),
        san: h.san(),
        key: spec.key.into(),
        install,
        old_serial,
        old_not_after,
        new_serial,
        manager_files: vec![
            format!("{}/{}{}.req", spec.requests, h.name, spec.suffix),
            format!("{}/{}{}.cer", spec.certs, h.name, spec.suffix),
        ],
        public_der,
    }
}

/// Serial and notAfter of the certificate the host holds at `path`, when readable.
fn old_cert(st: &HostState, path: &str) -> (Option<String>, Option<String>) {
    st.get(path)
        .and_then(|s| s.content.as_deref())
        .and_then(|c| cert::first_certificate(Path::new(path), c).ok())
        .and_then(|d| cert::parse(Path::new(path), &d).ok().map(|(_, s)| s))
        .map(|s| (Some(s.serial), Some(cert::rfc3339(s.not_after))))
        .unwrap_or((None, None))
}

/// CA copies on the host that are not the Manager's current CA.
fn stale_ca_copies(cas: &ManagerCas, st: &HostState) -> Vec<CaCopyPlan> {
    let mut ca_copies = Vec::new();
    for set in present_sets(st) {
        for f in set.files.iter().filter(|f| f.kind == FileKind::CaCopy) {
            let Some(mgr) = cas.der(f.ca) else { continue };
            let cur = st
                .get(f.path)
                .and_then(|s| s.content.as_deref())
                .and_then(|c| cert::first_certificate(Path::new(f.path), c).ok());
            if cur.as_deref() != Some(mgr) {
                ca_copies.push(CaCopyPlan {
                    path: f.path.into(),
                    ca: ca_name(f.ca),
                    old_serial: cur.and_then(|d| {
                        cert::parse(Path::new(f.path), &d)
                            .ok()
                            .map(|(_, s)| s.serial)
                    }),
                });
            }
        }
    }
    ca_copies
}

/// Every file written on the host, with its mode and owner (`keep` for a file replaced).
fn install_files(st: &HostState, certs: &[CertPlan], ca_copies: &[CaCopyPlan]) -> Vec<InstallFile> {
    let paths = certs
        .iter()
        .flat_map(|c| c.install.iter())
        .chain(ca_copies.iter().map(|c| &c.path));
    paths
        .map(|path| {
            let hf = files::all_files().find(|f| f.path == path);
            let mode = hf.map(|f| f.mode).unwrap_or(0o644);
            InstallFile {
                path: path.to_string(),
                mode: format!("{mode:04o}"),
                owner: if st.get(path).is_some() {
                    "keep".into()
                } else {
                    hf.map(|f| f.owner).unwrap_or("root:root").into()
                },
            }
        })
        .collect()
}

/// `<address>:<port>` of the host's vdsm (`local` is 127.0.0.1), bracketing IPv6.
fn vdsm_endpoint(h: &HostSpec, port: u16) -> String {
    let addr = if h.addr == "local" {
        "127.0.0.1"
    } else {
        h.addr.as_str()
    };
    if addr.contains(':') {
        format!("[{addr}]:{port}")
    } else {
        format!("{addr}:{port}")
    }
}

// ---------------------------------------------------------------------------------------------
// Execution

/// What happened on the Manager.
#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ManagerResult {
    /// The Manager backup's name, when one was made.
    pub backup: Option<String>,
    /// The directory holding that backup.
    pub backup_dir: Option<String>,
    /// Files written in the PKI directory (certs, requests, database.txt, serial.txt).
    pub files_written: Vec<String>,
    /// Set when the Manager transaction failed and was rolled back.
    pub error: Option<String>,
    /// [`error`](ManagerResult::error) as a catalogue message, for the admin's language (JSON
    /// keeps the English).
    #[serde(skip)]
    pub error_text: Option<Text>,
}

impl ManagerResult {
    /// Records that the Manager transaction failed and was rolled back: the English for JSON,
    /// the message for the screen.
    fn rolled_back(&mut self, e: &RecoverError, backup: &str) {
        let t = Text::new("recover-manager-rolled-back")
            .arg_text("error", e.text())
            .arg("backup", backup);
        record(&mut self.error, &mut self.error_text, t);
    }

    /// What failed on the Manager, in the reader's language when the message is known.
    pub fn error_text(&self) -> Option<Text> {
        said(&self.error, &self.error_text)
    }
}

/// Records a failure in a result: the English for JSON, the message for the screen.
fn record(error: &mut Option<String>, text: &mut Option<Text>, t: Text) {
    *error = Some(t.english());
    *text = Some(t);
}

/// A result's failure as a message: the one recorded, or its English as it was written (a
/// result read back from JSON has no message).
fn said(error: &Option<String>, text: &Option<Text>) -> Option<Text> {
    text.clone().or_else(|| error.as_ref().map(Text::verbatim))
}

/// What happened on one host — precise enough to finish by hand.
#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct HostResult {
    /// The host as given.
    pub host: String,
    /// Every planned file was installed and every service restarted.
    pub ok: bool,
    /// Files replaced on the host.
    pub installed: Vec<String>,
    /// `<file>.<YYYYmmddHHMMSS>` copies made on the host before replacing.
    pub backups: Vec<String>,
    /// Planned files not written (because of the failure).
    pub not_installed: Vec<String>,
    /// Services restarted on the host.
    pub restarted: Vec<String>,
    /// Commands to run by hand (`--no-restart`, or after a failure).
    pub commands: Vec<String>,
    /// Serial (hex) vdsm serves after the restart; `None` when not probed or unreachable.
    pub served_serial: Option<String>,
    /// What failed on this host, if anything.
    pub error: Option<String>,
    /// [`error`](HostResult::error) as a catalogue message, for the admin's language (JSON
    /// keeps the English).
    #[serde(skip)]
    pub error_text: Option<Text>,
}

impl HostResult {
    /// Records what failed on this host: the English for JSON, the message for the screen.
    fn fail(&mut self, t: Text) {
        record(&mut self.error, &mut self.error_text, t);
    }

    /// What failed, in the reader's language when the message is known.
    pub fn error_text(&self) -> Option<Text> {
        said(&self.error, &self.error_text)
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
/// What `hosts recover` did, on the Manager and on each host.
pub struct RecoverResult {
    /// The Manager side.
    pub manager: ManagerResult,
    /// One entry per planned host.
    pub hosts: Vec<HostResult>,
}

fn x509_name(subject: &str) -> Result<X509Name, RecoverError> {
    let mut b =
        X509NameBuilder::new().map_err(sign::SignError::openssl(sign::SignStep::Subject))?;
    for part in subject.split('/').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| {
            RecoverError::Refused(Text::new("recover-bad-subject").arg("subject", subject))
        })?;
        b.append_entry_by_text(k, v)
            .map_err(sign::SignError::openssl(sign::SignStep::SubjectEntry(
                k.into(),
            )))?;
    }
    Ok(b.build())
}

fn aia_from(dir: &Path, template: &str) -> Option<String> {
    fs::read_to_string(dir.join(template)).ok().and_then(|t| {
        t.lines().find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == "authorityInfoAccess")
                .then(|| v.trim().strip_prefix("caIssuers;URI:").map(str::to_string))
                .flatten()
        })
    })
}

fn has_ski(der: &[u8]) -> bool {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, x)| {
            x.extensions()
                .iter()
                .any(|e| e.oid.to_id_string() == "2.5.29.14")
        })
        .unwrap_or(false)
}

/// A CA ready to sign.
struct Signer {
    x509: X509,
    der: Vec<u8>,
    key: PKey<openssl::pkey::Private>,
    aia: Option<String>,
}

fn load_signer(dir: &Path, k: CaKind) -> Result<Signer, RecoverError> {
    let cp = dir.join(ca_file(k));
    let data = cert::read_limited(&cp)?;
    let der = cert::first_certificate(&cp, &data)?;
    let x509 = X509::from_der(&der).map_err(|e| crate::Error::BadCertificate {
        path: cp.clone(),
        reason: cert::first_openssl_reason(&e),
    })?;
    let kp = dir.join(format!("private/{}", ca_file(k)));
    let kd = cert::read_limited(&kp)?;
    let (key, _) = cert::read_private_key(&kp, &kd, None)?;
    if !cert::key_matches_cert(&key, &der) {
        return Err(RecoverError::Refused(
            Text::new("refusal-ca-key-mismatch")
                .arg("path", kp.display())
                .arg("cert", cp.display()),
        ));
    }
    let template = match k {
        CaKind::Engine => "cert.template",
        CaKind::Qemu => "qemu-cert.template",
    };
    Ok(Signer {
        aia: aia_from(dir, template),
        x509,
        der,
        key,
    })
}

/// CSRs made on the host from its existing keys (`openssl req -new -key KEY -subj /`).
fn host_csrs(t: &dyn Target, hp: &HostPlan) -> Result<Vec<X509Req>, CsrError> {
    let mut v = Vec::new();
    for c in &hp.certs {
        let key = t
            .host_path(Path::new(&c.key))
            .to_string_lossy()
            .into_owned();
        let out = t
            .run_ok(
                &[
                    "openssl", "req", "-new", "-key", &key, "-passin", "pass:", "-subj", "/",
                ],
                None,
            )
            .map_err(|source| CsrError::Run {
                key: c.key.clone(),
                source,
            })?;
        let req = X509Req::from_pem(&out.stdout).map_err(|e| CsrError::Parse {
            key: c.key.clone(),
            reason: cert::first_openssl_reason(&e),
        })?;
        let pk = req.public_key().map_err(|e| CsrError::PublicKey {
            key: c.key.clone(),
            reason: cert::first_openssl_reason(&e),
        })?;
        if !req.verify(&pk).unwrap_or(false) {
            return Err(CsrError::SelfSignature { key: c.key.clone() });
        }
        if pk.public_key_to_der().ok().as_deref() != Some(c.public_der.as_slice()) {
            return Err(CsrError::KeyChanged { key: c.key.clone() });
        }
        v.push(req);
    }
    Ok(v)
}

fn meta_for(dir: &Path, rel: &str) -> Result<Option<Meta>, RecoverError> {
    let p = dir.join(rel);
    if p.exists() {
        return Ok(None);
    }
    let parent = p.parent().unwrap_or(dir);
    let m = Meta::of(parent).or_else(|_| Meta::of(dir))?;
    Ok(Some(Meta { mode: 0o644, ..m }))
}

/// Issued certificates of one host: (plan index, text+PEM bytes).
type Issued = Vec<(usize, Vec<u8>)>;

/// Signs every CSR and records it in the Manager PKI in one transaction.
fn manager_write(
    cfg: &RecoverConfig,
    plan: &RecoverPlan,
    todo: &[(usize, Vec<X509Req>)],
    result: &mut ManagerResult,
) -> Result<Vec<(usize, Issued)>, RecoverError> {
    let dir = &cfg.pki_dir;
    let needs_qemu = todo
        .iter()
        .any(|(i, _)| plan.hosts[*i].certs.iter().any(|c| c.ca == "qemu-ca"));
    let engine = load_signer(dir, CaKind::Engine)?;
    let qemu = if needs_qemu {
        Some(load_signer(dir, CaKind::Qemu)?)
    } else {
        None
    };
    let tcfg = TxnConfig {
        engine_conf_dir: cfg.engine_conf_dir.clone(),
        fault: cfg.fault,
        ..TxnConfig::for_pki(
            dir,
            &cfg.legacy_lock_dir,
            &cfg.backup_root,
            cfg.lock_timeout,
            cfg.now,
            "before rhv-pki hosts recover",
        )
    };
    let mut txn = Txn::begin(tcfg)?;
    for (p, h) in &plan.inputs {
        if &sha(&dir.join(p)) != h {
            txn.rollback()?;
            return Err(RecoverError::Stale(p.clone()));
        }
    }
    let mut written = Vec::new();
    let r = (|| -> Result<Vec<(usize, Issued)>, RecoverError> {
        let mut db = fs::read_to_string(dir.join("database.txt"))
            .map_err(|e| crate::Error::io(dir.join("database.txt"), e))?;
        let db_before = db.clone();
        let serial_before = fs::read_to_string(dir.join("serial.txt"))
            .map_err(|e| crate::Error::io(dir.join("serial.txt"), e))?;
        let mut last_serial = String::new();
        let mut out = Vec::new();
        for (hi, reqs) in todo {
            let hp = &plan.hosts[*hi];
            let mut issued = Vec::new();
            for (ci, (c, req)) in hp.certs.iter().zip(reqs).enumerate() {
                let signer = if c.ca == "qemu-ca" {
                    qemu.as_ref()
                        .ok_or_else(|| RecoverError::Stale("qemu-ca.pem".into()))?
                } else {
                    &engine
                };
                let subject = x509_name(&c.subject)?;
                let public = req
                    .public_key()
                    .map_err(sign::SignError::openssl(sign::SignStep::Csr))?;
                let profile = LeafProfile {
                    profile: Profile::San,
                    san_dns: Some(c.san.clone()),
                    aia: signer.aia.clone(),
                    ca_has_ski: has_ski(&signer.der),
                };
                let not_after = cfg.now + cfg.days * DAY;
                let x = sign::issue_leaf(
                    &subject,
                    &public,
                    &signer.x509,
                    &signer.key,
                    &c.new_serial,
                    cfg.now - DAY,
                    not_after,
                    &profile,
                )?;
                let text = sign::text_and_pem(&x)?;
                let req_pem = req
                    .to_pem()
                    .map_err(sign::SignError::openssl(sign::SignStep::Csr))?;
                let (req_rel, cer_rel) = (&c.manager_files[0], &c.manager_files[1]);
                for (rel, data) in [(req_rel, &req_pem), (cer_rel, &text)] {
                    if dir.join(rel).exists() {
                        txn.backup_copy(Tree::Pki, rel)?;
                    }
                    let m = meta_for(dir, rel)?;
                    txn.write(Tree::Pki, rel, data, m)?;
                    written.push(rel.clone());
                }
                let copy = format!("certs/{}.pem", c.new_serial);
                let m = meta_for(dir, &copy)?;
                txn.write(Tree::Pki, &copy, &text, m)?;
                written.push(copy);
                db.push_str(&sign::index_line(
                    &c.new_serial,
                    not_after,
                    x.subject_name(),
                ));
                last_serial = c.new_serial.clone();
                issued.push((ci, text));
            }
            out.push((*hi, issued));
        }
        // database.txt / serial.txt with openssl ca's .old / .attr companions, owned like the PKI dir.
        let owner = Meta::of(dir)?;
        let like = |rel: &str| -> Result<Meta, RecoverError> {
            let m = Meta::of(&dir.join(rel)).unwrap_or(Meta {
                mode: 0o644,
                ..owner
            });
            Ok(Meta {
                uid: owner.uid,
                gid: owner.gid,
                ..m
            })
        };
        let serial_after = format!("{}\n", sign::next_serial(&last_serial).unwrap_or_default());
        let attr_old = fs::read(dir.join("database.txt.attr")).ok();
        for (rel, data) in [
            ("database.txt.old", db_before.into_bytes()),
            ("database.txt", db.clone().into_bytes()),
            ("serial.txt.old", serial_before.into_bytes()),
            ("serial.txt", serial_after.clone().into_bytes()),
        ] {
            txn.write(Tree::Pki, rel, &data, Some(like(rel)?))?;
            written.push(rel.into());
        }
        if let Some(a) = attr_old {
            txn.write(
                Tree::Pki,
                "database.txt.attr.old",
                &a,
                Some(like("database.txt.attr.old")?),
            )?;
        }
        txn.write(
            Tree::Pki,
            "database.txt.attr",
            b"unique_subject = no\n",
            Some(like("database.txt.attr")?),
        )?;
        // After writing, read back and verify what the engine will use.
        verify_written(dir, plan, &out, &engine, qemu.as_ref(), &serial_after)?;
        // And every written file's content, mode and owner on disk (txn's post-write check).
        txn.verify_written()?;
        Ok(out)
    })();
    match r {
        Ok(out) => {
            result.backup_dir = Some(txn.backup_dir().to_string_lossy().into_owned());
            result.backup = Some(txn.commit()?);
            written.sort();
            written.dedup();
            result.files_written = written;
            Ok(out)
        }
        Err(e) => {
            let id = txn.id.clone();
            txn.rollback()?;
            result.backup = Some(id.clone());
            result.rolled_back(&e, &id);
            Err(e)
        }
    }
}

fn verify_written(
    dir: &Path,
    plan: &RecoverPlan,
    out: &[(usize, Issued)],
    engine: &Signer,
    qemu: Option<&Signer>,
    serial_after: &str,
) -> Result<(), RecoverError> {
    let bad =
        |d: Text| RecoverError::Refused(Text::new("recover-verify-failed").arg_text("reason", d));
    // The system's and OpenSSL's words, as they came.
    let as_is = |e: &dyn std::fmt::Display| Text::verbatim(e);
    let db = fs::read_to_string(dir.join("database.txt")).map_err(|e| bad(as_is(&e)))?;
    let index = conf::parse_index(&db);
    for (hi, issued) in out {
        let hp = &plan.hosts[*hi];
        for (ci, _) in issued {
            let c = &hp.certs[*ci];
            let p = dir.join(&c.manager_files[1]);
            let der = read_cert(&p).ok_or_else(|| {
                bad(Text::new("recover-check-unreadable").arg("path", p.display()))
            })?;
            let x = X509::from_der(&der).map_err(|e| bad(as_is(&e)))?;
            let signer = if c.ca == "qemu-ca" {
                qemu.unwrap_or(engine)
            } else {
                engine
            };
            let ck = signer.x509.public_key().map_err(|e| bad(as_is(&e)))?;
            if !x.verify(&ck).unwrap_or(false) {
                return Err(bad(Text::new("recover-check-not-signed")
                    .arg("path", p.display())
                    .arg("ca", c.ca)));
            }
            let (_, s) = cert::parse(&p, &der).map_err(|e| bad(e.text()))?;
            if s.serial != c.new_serial {
                return Err(bad(Text::new("recover-check-serial")
                    .arg("path", p.display())
                    .arg("found", &s.serial)
                    .arg("expected", &c.new_serial)));
            }
            if x.public_key()
                .ok()
                .and_then(|k| k.public_key_to_der().ok())
                .as_deref()
                != Some(c.public_der.as_slice())
            {
                return Err(bad(
                    Text::new("recover-check-not-host-key").arg("path", p.display())
                ));
            }
            if !index.entries.iter().any(|e| e.serial == c.new_serial) {
                return Err(bad(
                    Text::new("recover-check-no-index-line").arg("serial", &c.new_serial)
                ));
            }
        }
    }
    let st = fs::read_to_string(dir.join("serial.txt")).map_err(|e| bad(as_is(&e)))?;
    if st != serial_after {
        return Err(bad(Text::new("recover-check-serial-txt")
            .arg("found", format!("{st:?}"))
            .arg("expected", format!("{serial_after:?}"))));
    }
    Ok(())
}

/// Backs up, installs, restarts and probes one host.
#[allow(clippy::too_many_arguments)]
fn install_host(
    cfg: &RecoverConfig,
    t: &dyn Target,
    hp: &HostPlan,
    issued: &Issued,
    ca_pem: &[u8],
    qemu_pem: Option<&[u8]>,
    ca_der: &[u8],
    res: &mut HostResult,
) -> Result<(), InstallError> {
    let ts = txn::timestamp(cfg.now);
    // What goes where.
    let mut data: Vec<(&InstallFile, Vec<u8>)> = Vec::new();
    for f in &hp.files {
        let bytes = if let Some((ci, text)) = issued
            .iter()
            .find(|(ci, _)| hp.certs[*ci].install.contains(&f.path))
            .map(|(ci, t)| (*ci, t.clone()))
        {
            let _ = ci;
            text
        } else if let Some(c) = hp.ca_copies.iter().find(|c| c.path == f.path) {
            match c.ca {
                "qemu-ca" => qemu_pem.ok_or(InstallError::QemuCaVanished)?.to_vec(),
                _ => ca_pem.to_vec(),
            }
        } else {
            return Err(InstallError::NothingToInstall {
                path: f.path.clone(),
            });
        };
        data.push((f, bytes));
    }
    res.not_installed = hp.files.iter().map(|f| f.path.clone()).collect();
    // 1. `.YYYYmmddHHMMSS` copies on the host, as oVirt admins know them.
    let mut argv: Vec<String> = vec![
        "sh".into(),
        "-c".into(),
        r#"ts=$1; shift; for f in "$@"; do if [ -f "$f" ] && [ ! -L "$f" ]; then cp -a -- "$f" "$f.$ts" && echo "$f.$ts"; fi; done"#.into(),
        "sh".into(),
        ts.clone(),
    ];
    argv.extend(hp.files.iter().map(|f| {
        t.host_path(Path::new(&f.path))
            .to_string_lossy()
            .into_owned()
    }));
    let a: Vec<&str> = argv.iter().map(String::as_str).collect();
    let out = t.run_ok(&a, None).map_err(InstallError::Backups)?;
    res.backups = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    // 2. Atomic replacement, file by file.
    for (f, bytes) in &data {
        let p = t
            .host_path(Path::new(&f.path))
            .to_string_lossy()
            .into_owned();
        let owner = if f.owner == "keep" {
            ""
        } else {
            f.owner.as_str()
        };
        let out = t
            .exec(
                &["sh", "-c", REPLACE_SCRIPT, "sh", &p, &f.mode, owner],
                Some(bytes),
            )
            .map_err(|source| InstallError::Install {
                path: f.path.clone(),
                source,
            })?;
        if !out.success() {
            return Err(InstallError::Replace {
                path: f.path.clone(),
                status: out.status,
                brief: out.brief(),
            });
        }
        res.installed.push(f.path.clone());
        res.not_installed.retain(|x| x != &f.path);
    }
    // 3. Services.
    let cmds: Vec<String> = hp
        .services
        .iter()
        .map(|s| format!("systemctl restart {s}"))
        .collect();
    if !cfg.restart {
        res.commands = cmds;
        return Ok(());
    }
    for s in &hp.services {
        t.run_ok(&["systemctl", "restart", s], None)
            .map_err(|source| {
                res.commands = hp
                    .services
                    .iter()
                    .filter(|x| !res.restarted.contains(x))
                    .map(|x| format!("systemctl restart {x}"))
                    .collect();
                InstallError::Restart {
                    service: s.clone(),
                    source,
                }
            })?;
        res.restarted.push(s.clone());
    }
    // 4. vdsm must now serve the new certificate, for the same key, chaining to ca.pem.
    let vdsm = &hp.certs[0];
    let now = cfg.now;
    let verifier = tls::PinnedVerifier::new(ca_der, Arc::new(move || now))
        .map_err(|source| InstallError::CaPem { source })?;
    let every = Every {
        interval: Duration::from_millis(250),
        timeout: cfg.probe_timeout,
    };
    let polled = poll_until(&SYSTEM, every, |_| {
        let opts = tls::ProbeOptions {
            server_name: Some(&hp.host),
            timeout: Duration::from_secs(5),
            client_auth: None,
        };
        let last = match tls::fetch_chain(&hp.vdsm_endpoint, &opts) {
            Ok(served) => {
                let leaf = served.chain.first().cloned().unwrap_or_default();
                let rest: Vec<&[u8]> = served.chain.iter().skip(1).map(|c| c.as_slice()).collect();
                match verifier.check(&leaf, &rest, &hp.host) {
                    Ok(o) => {
                        res.served_serial = Some(o.serial.clone());
                        let same_key =
                            hostfiles_spki(&leaf).as_deref() == Some(vdsm.public_der.as_slice());
                        if o.serial == vdsm.new_serial && same_key {
                            return Ok::<_, std::convert::Infallible>(ControlFlow::Break(()));
                        }
                        if o.serial != vdsm.new_serial {
                            Text::new("hostsf-vdsm-old-serial")
                                .arg("serial", &o.serial)
                                .arg("expected", &vdsm.new_serial)
                        } else {
                            Text::new("hostsf-vdsm-other-key")
                        }
                    }
                    Err(e) => {
                        Text::new("hostsf-vdsm-not-accepted").arg_text("error", Text::verbatim(e))
                    }
                }
            }
            Err(e) => e.text(),
        };
        Ok(ControlFlow::Continue(last))
    });
    match polled {
        Ok(Polled::Met(())) => Ok(()),
        Ok(Polled::TimedOut(last)) => Err(InstallError::NotServed {
            endpoint: hp.vdsm_endpoint.clone(),
            secs: cfg.probe_timeout.as_secs(),
            last,
        }),
        Err(never) => match never {},
    }
}

fn hostfiles_spki(der: &[u8]) -> Option<Vec<u8>> {
    x509_parser::parse_x509_certificate(der)
        .ok()
        .map(|(_, x)| x.public_key().raw.to_vec())
}

/// Executes `plan` (made by [`plan`] with the same configuration).
pub fn execute(
    cfg: &RecoverConfig,
    reach: &Reach,
    plan: &RecoverPlan,
) -> Result<RecoverResult, RecoverError> {
    let specs: Vec<HostSpec> = plan
        .hosts
        .iter()
        .map(|h| HostSpec {
            name: h.host.clone(),
            addr: h.addr.clone(),
            port: h.port,
        })
        .collect();
    // 1. Connect and make the CSRs on every host (nothing written anywhere yet).
    let conns = crate::exec::par_map(&specs, reach.max_parallel, &|h: &HostSpec| reach.connect(h));
    let mut results: Vec<HostResult> = plan
        .hosts
        .iter()
        .map(|h| HostResult {
            host: h.host.clone(),
            not_installed: h.files.iter().map(|f| f.path.clone()).collect(),
            ..Default::default()
        })
        .collect();
    let idx: Vec<usize> = (0..plan.hosts.len()).collect();
    let csrs = crate::exec::par_map(&idx, reach.max_parallel, &|&i: &usize| match &conns[i] {
        Ok(t) => host_csrs(t.as_ref(), &plan.hosts[i]),
        Err(e) => Err(CsrError::Connect(e.clone())),
    });
    let mut todo = Vec::new();
    for (i, r) in csrs.into_iter().enumerate() {
        match r {
            Ok(reqs) => todo.push((i, reqs)),
            Err(e) => results[i]
                .fail(Text::new("hostsf-csr-failed-unchanged").arg_text("error", e.text())),
        }
    }
    let mut manager = ManagerResult::default();
    if todo.is_empty() {
        return Ok(RecoverResult {
            manager,
            hosts: results,
        });
    }
    // 2. Sign and record on the Manager, all or nothing.
    let issued = match manager_write(cfg, plan, &todo, &mut manager) {
        Ok(v) => v,
        Err(e) => {
            for (i, _) in &todo {
                results[*i]
                    .fail(Text::new("hostsf-manager-write-failed").arg_text("error", e.text()));
            }
            return Ok(RecoverResult {
                manager,
                hosts: results,
            });
        }
    };
    // 3. Install, restart, probe — per host, in parallel.
    let dir = &cfg.pki_dir;
    let ca_pem =
        fs::read(dir.join("ca.pem")).map_err(|e| crate::Error::io(dir.join("ca.pem"), e))?;
    let qemu_pem = fs::read(dir.join("qemu-ca.pem")).ok();
    let ca_der = cert::first_certificate(&dir.join("ca.pem"), &ca_pem)?;
    let installed = crate::exec::par_map(&issued, reach.max_parallel, &|(i, iss): &(
        usize,
        Issued,
    )| {
        let mut res = HostResult {
            host: plan.hosts[*i].host.clone(),
            ..Default::default()
        };
        let t = match &conns[*i] {
            Ok(t) => t,
            Err(e) => {
                res.fail(e.text());
                return (*i, res);
            }
        };
        match install_host(
            cfg,
            t.as_ref(),
            &plan.hosts[*i],
            iss,
            &ca_pem,
            qemu_pem.as_deref(),
            &ca_der,
            &mut res,
        ) {
            Ok(()) => res.ok = true,
            Err(e) => res.fail(e.text()),
        }
        (*i, res)
    });
    for (i, r) in installed {
        results[i] = r;
    }
    Ok(RecoverResult {
        manager,
        hosts: results,
    })
}

// ---------------------------------------------------------------------------------------------
// Rendering

fn short(t: &Option<String>) -> String {
    t.as_deref()
        .map(|s| s.get(..10).unwrap_or(s).to_string())
        .unwrap_or_else(|| "-".into())
}

/// The plan as admins read it.
pub fn render_plan(p: &RecoverPlan, dry_run: bool) -> String {
    let mut s = format!(
        "rhv-pki hosts recover{}: plan for {} (O={}, valid {} -> {}, {} days)\n",
        if dry_run { " --dry-run" } else { "" },
        p.pki_dir,
        p.organization,
        p.not_before.get(..10).unwrap_or(&p.not_before),
        p.not_after.get(..10).unwrap_or(&p.not_after),
        p.days
    );
    if p.hosts.is_empty() {
        s.push_str("  nothing to do\n");
    }
    for h in &p.hosts {
        s.push_str(&format!("  host {} (ssh {}:{})\n", h.host, h.addr, h.port));
        for r in &h.reasons {
            s.push_str(&format!("    why: {r}\n"));
        }
        for c in &h.certs {
            s.push_str(&format!(
                "    {:<5} {} SAN {} serial {} -> {} (was valid until {}), key kept: {}\n",
                c.kind,
                c.subject,
                c.san,
                c.old_serial.as_deref().unwrap_or("-"),
                c.new_serial,
                short(&c.old_not_after),
                c.key
            ));
            s.push_str(&format!("          install: {}\n", c.install.join(", ")));
            s.push_str(&format!(
                "          Manager: {}, certs/{}.pem, database.txt, serial.txt\n",
                c.manager_files.join(", "),
                c.new_serial
            ));
        }
        for c in &h.ca_copies {
            s.push_str(&format!(
                "    ca copy {} <- Manager {}.pem (was serial {})\n",
                c.path,
                c.ca,
                c.old_serial.as_deref().unwrap_or("missing")
            ));
        }
        s.push_str(&format!(
            "    then: systemctl restart {}; probe {}\n",
            h.services.join(" "),
            h.vdsm_endpoint
        ));
        for n in &h.notes {
            s.push_str(&format!("    note: {n}\n"));
        }
    }
    for k in &p.skipped {
        s.push_str(&format!("  skipped {}: {}\n", k.host, k.reason));
    }
    for k in &p.unreachable {
        s.push_str(&format!("  UNREACHABLE {}: {}\n", k.host, k.reason));
    }
    s
}

/// `undo` is the rollback command for this run's locations (`rhv-pki rollback --root …`).
pub fn render_result(r: &RecoverResult, undo: &str) -> String {
    let mut s = String::new();
    let m = &r.manager;
    match (&m.error, &m.backup) {
        (Some(e), _) => s.push_str(&format!("Manager: FAILED: {e}\n")),
        (None, Some(b)) => s.push_str(&format!(
            "Manager: {} files written; backup {b} in {} (undo: {undo} {b})\n",
            m.files_written.len(),
            m.backup_dir.as_deref().unwrap_or("-")
        )),
        _ => {}
    }
    for h in &r.hosts {
        if h.ok {
            s.push_str(&format!(
                "host {}: recovered; vdsm serves serial {}; {} files installed, backups: {}\n",
                h.host,
                h.served_serial.as_deref().unwrap_or("-"),
                h.installed.len(),
                if h.backups.is_empty() {
                    "none".into()
                } else {
                    h.backups.join(", ")
                }
            ));
            if !h.commands.is_empty() {
                s.push_str(&format!(
                    "  services NOT restarted (--no-restart); run on {}:\n",
                    h.host
                ));
                for c in &h.commands {
                    s.push_str(&format!("    {c}\n"));
                }
                s.push_str("  then confirm with: rhv-pki hosts audit --ssh\n");
            }
        } else {
            s.push_str(&format!(
                "host {}: FAILED: {}\n",
                h.host,
                h.error.as_deref().unwrap_or("?")
            ));
            s.push_str(&format!(
                "  installed: {}\n",
                if h.installed.is_empty() {
                    "nothing".into()
                } else {
                    h.installed.join(", ")
                }
            ));
            if !h.not_installed.is_empty() {
                s.push_str(&format!(
                    "  not installed: {}\n",
                    h.not_installed.join(", ")
                ));
            }
            if !h.backups.is_empty() {
                s.push_str(&format!(
                    "  backups on the host: {}\n",
                    h.backups.join(", ")
                ));
            }
            if !h.restarted.is_empty() {
                s.push_str(&format!("  restarted: {}\n", h.restarted.join(", ")));
            }
            for c in &h.commands {
                s.push_str(&format!("  still to run: {c}\n"));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recover_refusals_keep_their_english_and_have_japanese() {
        use crate::change::text_tests::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let cases = [
            (
                RecoverError::Refused(Text::new("recover-ca-missing").arg("path", "/p/ca.pem")),
                "/p/ca.pem: ca.pem missing or unreadable; nothing can be signed",
            ),
            (
                RecoverError::Refused(
                    Text::new("recover-ca-key-missing")
                        .arg("path", "/p/private/ca.pem")
                        .arg("ca", "ca"),
                ),
                "/p/private/ca.pem: the ca private key is missing; cannot sign host certificates",
            ),
            (
                RecoverError::Refused(Text::new("recover-bad-subject").arg("subject", "/CN")),
                "bad subject /CN",
            ),
            (
                RecoverError::Refused(
                    Text::new("refusal-ca-key-mismatch")
                        .arg("path", "/p/private/ca.pem")
                        .arg("cert", "/p/ca.pem"),
                ),
                "/p/private/ca.pem: does not belong to /p/ca.pem; refusing to sign",
            ),
            (
                RecoverError::Refused(
                    Text::new("pki-error-in-file")
                        .arg("path", "/p/serial.txt")
                        .arg_text(
                            "detail",
                            conf::serial_error_text(&conf::SerialError::NotHex {
                                text: "zz".into(),
                            }),
                        ),
                ),
                "/p/serial.txt: 'zz' is not a hex serial",
            ),
            (
                RecoverError::Refused(
                    Text::new("recover-verify-failed").arg("reason", "x unreadable"),
                ),
                "verification after writing failed: x unreadable",
            ),
            (
                RecoverError::Stale("certs/ca.der".into()),
                "the Manager PKI changed since the plan was made (certs/ca.der); nothing was changed, run again",
            ),
        ];
        for (e, old) in &cases {
            assert_eq!(e.to_string(), *old);
            assert_eq!(strict(&en, &e.text()), *old);
            assert!(japanese(&strict(&ja, &e.text())), "{e:?}");
        }
    }
    use crate::net::remote::Output;
    use std::sync::Mutex;

    /// A host whose commands answer from a script: backups succeed, the replace of `fail`
    /// exits 1 with a message, `systemctl restart` of `down` cannot connect.
    struct Scripted {
        fail: &'static str,
        down: &'static str,
        ran: Mutex<Vec<String>>,
    }

    impl Target for Scripted {
        fn name(&self) -> &str {
            "host1.example.test"
        }
        fn exec(&self, argv: &[&str], _stdin: Option<&[u8]>) -> Result<Output, RemoteError> {
            self.ran.lock().unwrap().push(argv.join(" "));
            let ok = |stdout: &[u8]| Output {
                status: Some(0),
                stdout: stdout.to_vec(),
                stderr: Vec::new(),
            };
            match argv {
                ["sh", "-c", script, "sh", ts, files @ ..] if script.contains("cp -a") => {
                    let copies: Vec<String> = files.iter().map(|f| format!("{f}.{ts}\n")).collect();
                    Ok(ok(copies.concat().as_bytes()))
                }
                ["sh", "-c", _, "sh", path, ..] if *path == self.fail => Ok(Output {
                    status: Some(1),
                    stdout: Vec::new(),
                    stderr: b"mv: cannot move: No space left on device\n".to_vec(),
                }),
                ["systemctl", "restart", s] if *s == self.down => Err(RemoteError::Connect {
                    target: self.name().into(),
                    reason: "connection reset".into(),
                }),
                _ => Ok(ok(b"")),
            }
        }
        fn read_file(&self, _path: &Path) -> Result<Option<Vec<u8>>, RemoteError> {
            Ok(None)
        }
        fn replace_file(
            &self,
            _path: &Path,
            _data: &[u8],
            _meta: Option<crate::net::remote::FileMeta>,
        ) -> Result<(), RemoteError> {
            Ok(())
        }
    }

    fn config(restart: bool) -> RecoverConfig {
        RecoverConfig {
            pki_dir: PathBuf::from("/nonexistent/pki"),
            engine_conf_dir: None,
            now: 1_793_491_200,
            days: DEFAULT_DAYS,
            within_days: 30,
            force: false,
            restart,
            vdsm_port: VDSM_PORT,
            probe_timeout: Duration::from_secs(1),
            backup_root: PathBuf::from("/nonexistent/backups"),
            lock_timeout: Duration::from_secs(1),
            legacy_lock_dir: PathBuf::from("/nonexistent/lock"),
            fault: None,
        }
    }

    const CERT: &str = "/etc/pki/vdsm/certs/vdsmcert.pem";
    const COPY: &str = "/etc/pki/vdsm/certs/cacert.pem";

    fn plan(copy_ca: &'static str) -> HostPlan {
        let file = |path: &str| InstallFile {
            path: path.into(),
            mode: "0644".into(),
            owner: "keep".into(),
        };
        HostPlan {
            host: "host1.example.test".into(),
            addr: "host1.example.test".into(),
            port: 22,
            reasons: vec![],
            certs: vec![CertPlan {
                kind: "vdsm",
                ca: "ca",
                subject: "/O=Test/CN=host1.example.test".into(),
                san: "DNS:host1.example.test".into(),
                key: "/etc/pki/vdsm/keys/vdsmkey.pem".into(),
                install: vec![CERT.into()],
                old_serial: None,
                old_not_after: None,
                new_serial: "1001".into(),
                manager_files: vec![],
                public_der: vec![],
            }],
            ca_copies: vec![CaCopyPlan {
                path: COPY.into(),
                ca: copy_ca,
                old_serial: None,
            }],
            files: vec![file(CERT), file(COPY)],
            services: vec!["vdsmd".into(), "libvirtd".into()],
            vdsm_endpoint: "host1.example.test:54321".into(),
            notes: vec![],
        }
    }

    fn install(
        t: &Scripted,
        hp: &HostPlan,
        restart: bool,
        qemu: Option<&[u8]>,
    ) -> (Result<(), InstallError>, HostResult) {
        let mut res = HostResult::default();
        let issued: Issued = vec![(0, b"CERT".to_vec())];
        let r = install_host(
            &config(restart),
            t,
            hp,
            &issued,
            b"CA",
            qemu,
            b"not DER",
            &mut res,
        );
        (r, res)
    }

    fn scripted(fail: &'static str, down: &'static str) -> Scripted {
        Scripted {
            fail,
            down,
            ran: Mutex::new(Vec::new()),
        }
    }

    /// A failed replace names the file and quotes the host's exit and message; what was
    /// installed before it and the backups made stay in the result.
    #[test]
    fn a_failed_replace_names_the_file_and_the_hosts_answer() {
        let t = scripted(COPY, "");
        let (r, res) = install(&t, &plan("ca"), true, None);
        match r {
            Err(e @ InstallError::Replace { .. }) => {
                let InstallError::Replace {
                    path,
                    status,
                    brief,
                } = &e
                else {
                    unreachable!()
                };
                assert_eq!(path, COPY);
                assert_eq!(*status, Some(1));
                assert_eq!(brief, "mv: cannot move: No space left on device");
                assert_eq!(
                    e.to_string(),
                    format!("install {COPY}: mv: cannot move: No space left on device")
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(res.installed, vec![CERT.to_string()]);
        assert_eq!(res.not_installed, vec![COPY.to_string()]);
        assert_eq!(
            res.backups,
            vec![
                format!("{CERT}.20261101000000"),
                format!("{COPY}.20261101000000")
            ]
        );
    }

    /// A restart that fails names the service and keeps the transport error as its source;
    /// the commands still to run by hand are the services not restarted.
    #[test]
    fn a_failed_restart_names_the_service() {
        let t = scripted("", "libvirtd");
        let (r, res) = install(&t, &plan("ca"), true, None);
        match r {
            Err(InstallError::Restart { service, source }) => {
                assert_eq!(service, "libvirtd");
                assert!(matches!(source, RemoteError::Connect { .. }));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(res.restarted, vec!["vdsmd".to_string()]);
        assert_eq!(res.commands, vec!["systemctl restart libvirtd".to_string()]);
    }

    /// The plan wants a qemu-ca copy but the Manager's qemu-ca.pem is gone: refused before
    /// anything runs on the host. After the services restart, a CA that cannot be parsed is
    /// named as ca.pem with the reason.
    #[test]
    fn missing_inputs_are_refused_with_what_is_missing() {
        let t = scripted("", "");
        let (r, res) = install(&t, &plan("qemu-ca"), true, None);
        assert!(matches!(r, Err(InstallError::QemuCaVanished)), "{r:?}");
        assert!(t.ran.lock().unwrap().is_empty());
        assert!(res.installed.is_empty());
        let mut hp = plan("ca");
        hp.files.push(InstallFile {
            path: "/etc/pki/vdsm/libvirt-spice/unknown.pem".into(),
            mode: "0644".into(),
            owner: "keep".into(),
        });
        let (r, _) = install(&t, &hp, true, None);
        match r {
            Err(e @ InstallError::NothingToInstall { .. }) => assert_eq!(
                e.to_string(),
                "/etc/pki/vdsm/libvirt-spice/unknown.pem: nothing to install (plan inconsistent)"
            ),
            other => panic!("{other:?}"),
        }
        let (r, res) = install(&t, &plan("ca"), true, None);
        match r {
            Err(e @ InstallError::CaPem { .. }) => {
                assert!(e.to_string().starts_with("ca.pem: "), "{e}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(res.restarted, vec!["vdsmd".to_string(), "libvirtd".into()]);
        // Without --restart nothing is probed: the commands are handed over.
        let (r, res) = install(&t, &plan("ca"), false, None);
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(
            res.commands,
            vec![
                "systemctl restart vdsmd".to_string(),
                "systemctl restart libvirtd".into()
            ]
        );
    }

    #[test]
    fn the_check_after_writing_says_its_findings_in_english_as_before_and_in_japanese() {
        use crate::change::text_tests::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let en = Messages::new(Lang::En);
        let ja = Messages::new(Lang::Ja);
        let p = "/pki/certs/h1.cer";
        let cases = [
            (
                Text::new("recover-check-unreadable").arg("path", p),
                format!("{p} unreadable"),
            ),
            (
                Text::new("recover-check-not-signed")
                    .arg("path", p)
                    .arg("ca", "ca"),
                format!("{p} does not verify against ca.pem"),
            ),
            (
                Text::new("recover-check-serial")
                    .arg("path", p)
                    .arg("found", "1001")
                    .arg("expected", "1002"),
                format!("{p}: serial 1001 instead of 1002"),
            ),
            (
                Text::new("recover-check-not-host-key").arg("path", p),
                format!("{p}: not the host's key"),
            ),
            (
                Text::new("recover-check-no-index-line").arg("serial", "1002"),
                "database.txt has no line for serial 1002".to_string(),
            ),
            (
                Text::new("recover-check-serial-txt")
                    .arg("found", format!("{:?}", "1002\n"))
                    .arg("expected", format!("{:?}", "1003\n")),
                format!("serial.txt is {:?}, expected {:?}", "1002\n", "1003\n"),
            ),
        ];
        for (t, old) in cases {
            let e = RecoverError::Refused(Text::new("recover-verify-failed").arg_text("reason", t));
            assert_eq!(
                strict(&en, &e.text()),
                format!("verification after writing failed: {old}")
            );
            assert_eq!(
                e.to_string(),
                format!("verification after writing failed: {old}")
            );
            let j = strict(&ja, &e.text());
            assert!(
                japanese(&j) && !j.contains("instead") && !j.contains("verify"),
                "{j}"
            );
        }
    }

    /// Every rhv-pki-own failure of a host (install, CSR, refusal): English is the `Display`
    /// byte for byte; Japanese is Japanese and keeps the evidence (paths, services, the remote
    /// side's and OpenSSL's words).
    #[test]
    fn host_failures_are_catalogue_messages() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let remote = || RemoteError::Failed {
            target: "root@h1".into(),
            command: "systemctl restart vdsmd".into(),
            status: "1".into(),
            brief: "Job for vdsmd.service failed".into(),
        };
        let ossl = openssl::pkey::PKey::public_key_from_der(b"junk").unwrap_err();
        let mut cases: Vec<(Text, String, Vec<&str>)> = Vec::new();
        let install = [
            (InstallError::QemuCaVanished, vec!["qemu-ca.pem"]),
            (
                InstallError::NothingToInstall {
                    path: "/etc/pki/vdsm/certs/vdsmcert.pem".into(),
                },
                vec!["/etc/pki/vdsm/certs/vdsmcert.pem"],
            ),
            (
                InstallError::Backups(remote()),
                vec!["root@h1", "Job for vdsmd.service failed"],
            ),
            (
                InstallError::Install {
                    path: "/etc/pki/vdsm/certs/vdsmcert.pem".into(),
                    source: remote(),
                },
                vec![
                    "/etc/pki/vdsm/certs/vdsmcert.pem",
                    "Job for vdsmd.service failed",
                ],
            ),
            (
                InstallError::Replace {
                    path: "/etc/pki/vdsm/certs/cacert.pem".into(),
                    status: Some(2),
                    brief: "exit 2: mv: cannot move".into(),
                },
                vec!["/etc/pki/vdsm/certs/cacert.pem", "exit 2: mv: cannot move"],
            ),
            (
                InstallError::Restart {
                    service: "vdsmd".into(),
                    source: remote(),
                },
                vec!["vdsmd", "Job for vdsmd.service failed"],
            ),
            (
                InstallError::CaPem {
                    source: crate::pki::verify::IssuerError::PublicKey(ossl.clone()),
                },
                vec!["ca.pem"],
            ),
            (
                InstallError::NotServed {
                    endpoint: "h1:54321".into(),
                    secs: 60,
                    last: Text::new("hostsf-vdsm-old-serial")
                        .arg("serial", "1001")
                        .arg("expected", "1010"),
                },
                vec!["h1:54321", "60", "1001", "1010"],
            ),
            (
                InstallError::NotServed {
                    endpoint: "h1:54321".into(),
                    secs: 60,
                    last: Text::new("hostsf-vdsm-other-key"),
                },
                vec!["h1:54321"],
            ),
            (
                InstallError::NotServed {
                    endpoint: "h1:54321".into(),
                    secs: 60,
                    last: Text::new("hostsf-vdsm-not-accepted")
                        .arg_text("error", Text::verbatim("bad sig")),
                },
                vec!["h1:54321", "bad sig"],
            ),
        ];
        for (e, ev) in install {
            cases.push((e.text(), e.to_string(), ev));
        }
        let refusals = [
            (
                HostRefusal::KeyMissing {
                    path: CertSpec::VDSM.key,
                },
                vec![CertSpec::VDSM.key],
            ),
            (
                HostRefusal::KeyUnusable {
                    path: CertSpec::VDSM.key,
                    reason: "unsupported".into(),
                },
                vec![CertSpec::VDSM.key, "unsupported"],
            ),
        ];
        for (e, ev) in refusals {
            cases.push((e.text(), e.to_string(), ev));
        }
        let key = || "/etc/pki/vdsm/keys/vdsmkey.pem".to_string();
        let csrs = [
            (
                CsrError::Run {
                    key: key(),
                    source: remote(),
                },
                vec![
                    "/etc/pki/vdsm/keys/vdsmkey.pem",
                    "Job for vdsmd.service failed",
                ],
            ),
            (
                CsrError::Parse {
                    key: key(),
                    reason: "no start line".into(),
                },
                vec!["/etc/pki/vdsm/keys/vdsmkey.pem", "no start line"],
            ),
            (
                CsrError::SelfSignature { key: key() },
                vec!["/etc/pki/vdsm/keys/vdsmkey.pem"],
            ),
            (
                CsrError::KeyChanged { key: key() },
                vec!["/etc/pki/vdsm/keys/vdsmkey.pem"],
            ),
        ];
        for (e, ev) in csrs {
            let wrapped = Text::new("hostsf-csr-failed-unchanged").arg_text("error", e.text());
            cases.push((
                wrapped,
                format!("{e}; nothing was changed on this host"),
                ev.clone(),
            ));
            cases.push((e.text(), e.to_string(), ev));
        }
        // Quoted as they came: the remote side's and OpenSSL's words.
        for (e, english) in [
            (CsrError::Connect(remote()), remote().to_string()),
            (
                CsrError::PublicKey {
                    key: key(),
                    reason: "unsupported".into(),
                },
                "unsupported".to_string(),
            ),
        ] {
            assert_eq!(e.text().english(), english);
            assert_eq!(e.to_string(), english);
        }
        for (t, english, evidence) in cases {
            assert_eq!(strict(&en, &t), english);
            assert_eq!(t.english(), english);
            let j = strict(&ja, &t);
            assert!(japanese(&j), "{j}");
            for v in evidence {
                assert!(j.contains(v), "{v} not in {j}");
            }
        }
    }

    /// The binary renders a failed host from `error_text`; JSON keeps the English `error`.
    #[test]
    fn a_failed_host_keeps_english_in_json_and_its_message_beside_it() {
        let mut r = HostResult {
            host: "h1".into(),
            ..Default::default()
        };
        r.fail(InstallError::QemuCaVanished.text());
        assert_eq!(r.error.as_deref(), Some("qemu-ca.pem vanished"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["error"], "qemu-ca.pem vanished");
        assert!(json.get("errorText").is_none(), "{json}");
        assert_eq!(
            r.error_text().unwrap().key,
            "hostsf-install-qemu-ca-vanished"
        );
        let old = HostResult {
            error: Some("as found".into()),
            ..Default::default()
        };
        assert_eq!(old.error_text().unwrap().english(), "as found");
    }
}
