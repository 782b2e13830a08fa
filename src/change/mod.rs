//! `conf`, `resign` and `renew`: a planner turns the PKI directory into a [`Plan`] (plain
//! data, what `--dry-run` prints), and [`apply`] executes that same plan inside one `txn`
//! transaction, verifies the result, and rolls back on any failure.

pub mod txn;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::X509;
use serde::Serialize;

use crate::pki::catalog::{self, EntityDef, Profile};
use crate::pki::cert;
use crate::pki::conf;
use crate::pki::p12format;
use crate::pki::sign::{self, LeafProfile, NameStyle, P12Family, DAY};
use crate::pki::sshcert;
use txn::{Fault, Meta, Tree, Txn, TxnConfig};

/// Default CA validity when re-signing (the upgrade guide's runbook: 3650 days).
pub const DEFAULT_CA_DAYS: i64 = 3650;
/// oVirt 4.5: 1827 days for entity certificates, 398 for web certificates.
pub const ENTITY_DAYS: i64 = 1827;
pub const WEB_DAYS: i64 = 398;
/// `renew` windows as engine-setup uses them: 60 days for web certs, the Manager's
/// `CertExpirationWarnPeriodInDays` (365) for everything else; the built-in values of the
/// per-class setting ([`crate::audit::alert::BUILTIN`]) that `ChangeConfig::windows` carries.
pub const RENEW_WEB_DAYS: i64 = crate::audit::alert::BUILTIN.web.warn_days;
pub const RENEW_OTHER_DAYS: i64 = crate::audit::alert::BUILTIN.default.warn_days;

/// The head of an included item's reason: a SHA-256 certificate is not said to move to it.
fn resign_what(s: &cert::CertSummary) -> &'static str {
    if s.signature.digest.is_weak() {
        "re-sign with SHA-256 keeping the key"
    } else {
        "re-sign keeping the key"
    }
}

/// What `resign` exists to fix in a CA: a weak signature, or a notAfter within the renew
/// window (365 days) or past. Empty: healthy.
fn ca_weaknesses(cfg: &ChangeConfig, s: &cert::CertSummary) -> Vec<String> {
    let mut w = Vec::new();
    if s.signature.digest.is_weak() {
        w.push(format!("signed {}", s.signature.name));
    }
    if let Some(d) = due_text(cfg.now, s.not_after, cfg.windows.ca.warn_days) {
        w.push(d);
    }
    w
}

/// "expired N days ago" / "expires in N days (window W d)" when `not_after` is within
/// `window` days of `now`.
fn due_text(now: i64, not_after: i64, window: i64) -> Option<String> {
    let left = not_after - now;
    (left <= window * DAY).then(|| {
        if left < 0 {
            format!("expired {} days ago", -left / DAY)
        } else {
            format!("expires in {} days (window {window} d)", left / DAY)
        }
    })
}

/// What `resign` exists to fix in an entity: weak signature, RC2-40 or friendlyName p12,
/// missing or wrong SAN, a web certificate valid too long, a p12 format other than the one
/// asked for, not yet valid, or due (60 days for web certificates, 365 otherwise). Empty:
/// healthy.
fn entity_weaknesses(
    cfg: &ChangeConfig,
    def: &EntityDef,
    st: &EntityState,
    san: Option<&str>,
) -> Vec<String> {
    let s = &st.summary;
    let mut w = Vec::new();
    if s.signature.digest.is_weak() {
        w.push(format!("signed {}", s.signature.name));
    }
    if st.p12_legacy {
        w.push(format!(
            "keys/{}.p12 is {} (OpenSSL 3 needs the legacy provider)",
            def.name, st.family_text
        ));
    }
    if st.p12_friendly_name {
        w.push(format!(
            "keys/{}.p12 key bag has a friendlyName (Java alias is not 1)",
            def.name
        ));
    }
    if let Some(f) = cfg.p12_format {
        if f != st.family {
            w.push(format!(
                "p12 format {} (--p12-format {})",
                st.family_text,
                f.as_str()
            ));
        }
    }
    if def.profile == Profile::San {
        match (&s.san, san) {
            (None, _) => w.push("no subjectAltName".into()),
            (Some(have), Some(want)) if !have.iter().any(|n| n.eq_ignore_ascii_case(want)) => {
                w.push(format!("subjectAltName lacks {want}"))
            }
            _ => {}
        }
    }
    if let Some(bad) = s.san.iter().flatten().find(|n| {
        n.strip_prefix("DNS:")
            .is_some_and(|d| conf::check_dns_name(d, true).is_err())
    }) {
        w.push(format!(
            "subjectAltName {} is not a host name",
            conf::escape(bad)
        ));
    }
    if def.short_life && s.not_after - s.not_before > (catalog::WEB_MAX_DAYS + 1) * DAY {
        w.push(format!(
            "valid {} days, web certificates at most {}",
            (s.not_after - s.not_before) / DAY,
            catalog::WEB_MAX_DAYS
        ));
    }
    if s.not_before > cfg.now {
        w.push(format!("not valid before {}", cert::rfc3339(s.not_before)));
    }
    if let Some(d) = due_text(cfg.now, s.not_after, cfg.windows.renew_days(def.name)) {
        w.push(d);
    }
    w
}

/// The notAfter a re-signed CA gets: `--ca-days` from now when given, else the later of
/// [`DEFAULT_CA_DAYS`] from now and the CA's current notAfter.
fn ca_not_after(cfg: &ChangeConfig, current: i64) -> i64 {
    match cfg.ca_days {
        Some(d) => cfg.now + d * DAY,
        None => (cfg.now + DEFAULT_CA_DAYS * DAY).max(current),
    }
}

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
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Read(#[from] crate::Error),
    #[error(transparent)]
    Txn(#[from] txn::TxnError),
    #[error(transparent)]
    Sign(#[from] sign::SignError),
    #[error(
        "the PKI directory changed since the plan was made ({0}); nothing was changed, run again"
    )]
    Stale(String),
    #[error(
        "verification failed after writing, everything was rolled back (backup {backup}): {reason}"
    )]
    Verify { backup: String, reason: String },
    #[error("{reason}; everything was rolled back (backup {backup})")]
    RolledBack { backup: String, reason: String },
}

pub type Result<T> = std::result::Result<T, ChangeError>;

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
pub enum ItemKind {
    Ca,
    Entity,
}

/// One certificate to re-issue.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub name: String,
    pub kind: ItemKind,
    pub reason: String,
    /// Files written (relative to the PKI dir), `.YYYYmmddHHMMSS` backups not included.
    pub files: Vec<String>,
    pub old_serial: String,
    /// Same as `old_serial` for a CA (it must keep its serial).
    pub new_serial: String,
    pub old_signature: String,
    pub new_signature: &'static str,
    pub old_not_after: String,
    pub new_not_before: String,
    pub new_not_after: String,
    /// `kept` or `new`.
    pub key: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p12_format: Option<String>,
    /// A vmconsole proxy entity's OpenSSH certificate, re-issued with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub openssh: Option<OpensshItem>,
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
    pub new_not_before: String,
    pub new_not_after: String,
    /// `certs/<name>.pub` rewritten too (a new key, or it did not hold the entity's key).
    pub public_key_file: Option<String>,
    /// The copy the proxy reads, outside the PKI directory: a manual step.
    pub proxy_copy: String,
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
    pub command: String,
    pub pki_dir: String,
    pub engine_fqdn: Option<String>,
    pub conf: Option<ConfChange>,
    pub items: Vec<Item>,
    pub skipped: Vec<Skipped>,
    /// Services to restart once applied.
    pub services: Vec<String>,
    /// Follow-up work for the admin (host re-enrollment after a CA change…).
    pub notes: Vec<String>,
    /// sha256 of every input file at planning time; checked again under the lock.
    #[serde(skip)]
    pub inputs: Vec<(String, Option<String>)>,
    #[serde(skip)]
    pub new_key: bool,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.conf.is_none() && self.items.is_empty()
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

/// `fs::read` for PKI files: a FIFO or device is refused, not waited on (see
/// [`cert::read_regular`]); 64 MB at most (database.txt of a busy Manager included).
fn read_file(path: impl AsRef<Path>) -> std::io::Result<Vec<u8>> {
    cert::read_regular(path.as_ref(), 16 * cert::MAX_FILE_SIZE)
}

/// [`read_file`] as UTF-8 text.
fn read_text(path: impl AsRef<Path>) -> std::io::Result<String> {
    String::from_utf8(read_file(path)?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

fn sha(path: &Path) -> Option<String> {
    read_file(path)
        .ok()
        .map(|d| hex::encode(openssl::sha::sha256(&d)))
}

/// The state of one CA on disk.
struct CaState {
    def: &'static catalog::CaDef,
    der: Vec<u8>,
    x509: X509,
    summary: cert::CertSummary,
}

fn load_ca(dir: &Path, def: &'static catalog::CaDef) -> Result<Option<CaState>> {
    let p = dir.join(def.cert);
    if !p.exists() {
        return Ok(None);
    }
    let data = cert::read_limited(&p)?;
    let der = cert::first_certificate(&p, &data)?;
    let (_, summary) = cert::parse(&p, &der)?;
    let x509 = X509::from_der(&der).map_err(|e| crate::Error::BadCertificate {
        path: p.clone(),
        reason: cert::first_openssl_reason(&e),
    })?;
    Ok(Some(CaState {
        def,
        der,
        x509,
        summary,
    }))
}

fn load_ca_key(dir: &Path, ca: &CaState) -> Result<PKey<Private>> {
    let p = dir.join(ca.def.key);
    if !p.exists() {
        return Err(ChangeError::Refused(format!(
            "{}: the {} private key is missing; cannot sign anything (restore it from a backup)",
            p.display(),
            ca.def.name
        )));
    }
    let data = cert::read_limited(&p)?;
    let (key, _) = cert::read_private_key(&p, &data, None)?;
    if !cert::key_matches_cert(&key, &ca.der) {
        return Err(ChangeError::Refused(format!(
            "{}: does not belong to {}; refusing to sign",
            p.display(),
            ca.def.cert
        )));
    }
    Ok(key)
}

/// An entity read from disk.
struct EntityState {
    key: PKey<Private>,
    cert: X509,
    der: Vec<u8>,
    summary: cert::CertSummary,
    family: P12Family,
    family_text: String,
    /// RC2-40 or another format OpenSSL 3 opens only with the legacy provider.
    p12_legacy: bool,
    p12_friendly_name: bool,
    /// Why it must not be touched.
    hands_off: Option<HandsOff>,
}

/// Why an entity is left alone: a third-party certificate is skipped by design; broken
/// files (mismatched or unreadable `.cer` / `.key.nopass`) stop an `--all` run.
enum HandsOff {
    ThirdParty(String),
    Broken(String),
}

impl HandsOff {
    fn reason(&self) -> &str {
        match self {
            HandsOff::ThirdParty(r) | HandsOff::Broken(r) => r,
        }
    }
}

fn load_entity(
    dir: &Path,
    def: &'static EntityDef,
    pw: &str,
    ca: &CaState,
) -> Result<Option<EntityState>> {
    let p12p = dir.join(format!("keys/{}.p12", def.name));
    if !p12p.exists() {
        return Ok(None);
    }
    let data = cert::read_limited(&p12p)?;
    let fmt = p12format::detect(&data).map_err(|reason| crate::Error::Pkcs12Format {
        path: p12p.clone(),
        reason: reason.to_string(),
    })?;
    let c = cert::open_p12(&p12p, &data, pw)?;
    let key = c.key.ok_or(crate::Error::Pkcs12Missing {
        path: p12p.clone(),
        what: "private key",
    })?;
    let der = c.cert_der.ok_or(crate::Error::Pkcs12Missing {
        path: p12p.clone(),
        what: "certificate",
    })?;
    let (_, summary) = cert::parse(&p12p, &der)?;
    let cert = X509::from_der(&der).map_err(|e| crate::Error::BadCertificate {
        path: p12p.clone(),
        reason: cert::first_openssl_reason(&e),
    })?;
    let mut third_party = None;
    let mut broken = None;
    // engine-setup's "3rd-party protection": internal only if signed by ca.pem and the
    // .cer is the p12's certificate.
    let ca_pub = ca.x509.public_key().ok();
    let signed_by_ca = cert.issuer_name().to_der().ok() == ca.x509.subject_name().to_der().ok()
        && ca_pub.is_some_and(|k| cert.verify(&k).unwrap_or(false));
    if !signed_by_ca {
        third_party = Some(format!(
            "third-party certificate (issuer {}), not signed by {}; renew it at its CA",
            summary.issuer, ca.def.cert
        ));
    } else if !cert::key_matches_cert(&key, &der) {
        broken = Some(format!(
            "keys/{}.p12: key and certificate do not match",
            def.name
        ));
    } else {
        let cer_rel = format!("certs/{}.cer", def.name);
        let cer = dir.join(&cer_rel);
        // Absent is fine (it is written); present but unreadable (a FIFO, a directory, too
        // large, a dangling or looping link) is broken, as the audit calls it unreadable.
        if let Some(d) = read_present(dir, &cer_rel, &mut broken) {
            match cert::first_certificate(&cer, &d) {
                Ok(cd) if cd == der => {}
                Ok(_) => {
                    broken = Some(format!(
                        "certs/{}.cer is not the certificate inside keys/{}.p12 (engine-setup would not renew it either); restore matching files first",
                        def.name, def.name
                    ))
                }
                Err(e) => broken = Some(format!("{e}; restore it first")),
            }
        }
        if broken.is_none() && def.extract {
            let kp_rel = format!("keys/{}.key.nopass", def.name);
            let kp = dir.join(&kp_rel);
            if let Some(d) = read_present(dir, &kp_rel, &mut broken) {
                match cert::read_private_key(&kp, &d, None) {
                    Ok((k, _)) if k.public_eq(&key) => {}
                    Ok(_) => {
                        broken = Some(format!(
                            "keys/{}.key.nopass does not belong to the certificate; restore matching files first",
                            def.name
                        ))
                    }
                    Err(e) => broken = Some(format!("{e}; restore it first")),
                }
            }
        }
    }
    let family = if fmt.family() == "legacy" {
        P12Family::Legacy3des
    } else {
        P12Family::Modern
    };
    Ok(Some(EntityState {
        key,
        cert,
        der,
        summary,
        family,
        family_text: fmt.short(),
        p12_legacy: fmt.needs_legacy_provider(),
        p12_friendly_name: fmt.key_friendly_name,
        hands_off: third_party
            .map(HandsOff::ThirdParty)
            .or(broken.map(HandsOff::Broken)),
    }))
}

/// [`cert::read_limited`] of a file that may be absent: `None` when absent; when present
/// but unreadable, `None` with the reason (naming the file) put in `broken`. A link the
/// writes would refuse (leaving the PKI directory, dangling, looping) is refused here in
/// the same words.
fn read_present(dir: &Path, rel: &str, broken: &mut Option<String>) -> Option<Vec<u8>> {
    let path = &dir.join(rel);
    if fs::symlink_metadata(path).ok()?.file_type().is_symlink() {
        if let Err(e) = txn::resolve_write(dir, rel) {
            *broken = Some(format!("{e}; nothing was changed"));
            return None;
        }
    }
    match cert::read_limited(path) {
        Ok(d) => Some(d),
        Err(e) => {
            *broken = Some(format!("{e}; restore it first"));
            None
        }
    }
}

/// A vmconsole proxy entity's OpenSSH certificate as the plan sees it.
struct SshState {
    which: sshcert::Vmconsole,
    /// `None`: missing; `Err`: present but unreadable or not a certificate.
    cert: Option<std::result::Result<ssh_key::Certificate, String>>,
    /// `certs/<name>.pub` holds the entity's key.
    pub_ok: bool,
    /// The entity's key as an OpenSSH key.
    subject: Option<ssh_key::public::KeyData>,
}

/// `None` unless `def` is a vmconsole proxy entity whose SSH side is set up
/// (`certs/<name>-cert.pub` or `certs/<name>.pub` is there, as engine-setup leaves them).
fn load_ssh(dir: &Path, def: &EntityDef, key: &PKey<Private>) -> Option<SshState> {
    let which = sshcert::vmconsole(def.name)?;
    let (cert_rel, pub_rel) = (which.cert_rel(), which.pub_rel());
    let present = |rel: &str| fs::symlink_metadata(dir.join(rel)).is_ok();
    if !present(&cert_rel) && !present(&pub_rel) {
        return None;
    }
    let mut why = None;
    let cert = read_present(dir, &cert_rel, &mut why)
        .map(|d| sshcert::parse(&d).map_err(|e| format!("{cert_rel}: {e}")))
        .or_else(|| why.map(Err));
    let subject = sshcert::ssh_public(key).ok();
    let pub_ok = read_present(dir, &pub_rel, &mut None)
        .and_then(|d| ssh_key::PublicKey::from_openssh(String::from_utf8_lossy(&d).trim()).ok())
        .is_some_and(|p| Some(p.key_data()) == subject.as_ref());
    Some(SshState {
        which,
        cert,
        pub_ok,
        subject,
    })
}

/// Why `renew` re-issues a vmconsole entity for its OpenSSH certificate: missing,
/// unreadable, not yet valid, expired or within `window` days of its end.
fn ssh_due(now: i64, s: &SshState, window: i64) -> Option<String> {
    let rel = s.which.cert_rel();
    match &s.cert {
        None => Some(format!(
            "OpenSSH certificate {rel} is missing ({} is there)",
            s.which.pub_rel()
        )),
        Some(Err(e)) => Some(format!("OpenSSH certificate unreadable: {e}")),
        Some(Ok(c)) => {
            let nb = i64::try_from(c.valid_after()).unwrap_or(i64::MAX);
            let na = i64::try_from(c.valid_before()).unwrap_or(i64::MAX);
            if nb > now {
                return Some(format!(
                    "OpenSSH certificate {rel} not valid before {}",
                    cert::rfc3339(nb)
                ));
            }
            due_text(now, na, window).map(|d| format!("OpenSSH certificate {rel} {d}"))
        }
    }
}

/// Both reasons when there are two.
fn join_why(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

/// What `resign` fixes in a vmconsole entity's OpenSSH certificate besides [`ssh_due`]: not
/// signed by the CA key (or signed SHA-1), the wrong kind, a key other than the entity's,
/// principals without oVirt's.
fn ssh_weaknesses(
    s: &SshState,
    ca: Option<&ssh_key::public::KeyData>,
    fqdn: Option<&str>,
) -> Vec<String> {
    let (Some(Ok(c)), Some(ca)) = (&s.cert, ca) else {
        return Vec::new();
    };
    sshcert::problems(c, s.which, s.subject.as_ref(), ca, fqdn)
        .into_iter()
        .map(|p| format!("OpenSSH certificate {}: {p}", s.which.cert_rel()))
        .collect()
}

/// `ENGINE_FQDN`, checked: `Err` (naming the file and the value) when it is set but is not
/// a host name; it would become the one dNSName of every web certificate.
fn engine_fqdn(cfg: &ChangeConfig) -> Result<Option<conf::HostName>> {
    let Some(d) = cfg.engine_conf_dir.as_ref() else {
        return Ok(None);
    };
    match conf::read_engine_conf(d) {
        Ok(c) => c
            .valid_fqdn()
            .map_err(|e| ChangeError::Refused(e.to_string())),
        Err(_) => Ok(None),
    }
}

fn entity_days(cfg: &ChangeConfig, def: &EntityDef) -> i64 {
    cfg.days.unwrap_or(if def.short_life {
        WEB_DAYS
    } else {
        ENTITY_DAYS
    })
}

/// `/etc/pki/ovirt-vmconsole` next to the PKI dir (under `--root` too), where engine-setup
/// installs the proxy's copies of its OpenSSH key and certificates.
fn ssh_proxy_dir(pki_dir: &Path) -> PathBuf {
    pki_dir
        .parent()
        .map(|p| p.join("ovirt-vmconsole"))
        .unwrap_or_else(|| PathBuf::from("/etc/pki/ovirt-vmconsole"))
}

fn entity_files(def: &EntityDef) -> Vec<String> {
    let mut f = vec![
        format!("requests/{}.req", def.name),
        format!("certs/{}.cer", def.name),
        format!("keys/{}.p12", def.name),
    ];
    if def.extract {
        f.push(format!("keys/{}.key.nopass", def.name));
    }
    f
}

/// Reads the PKI and decides what to do. Nothing is written.
pub fn plan(cfg: &ChangeConfig, req: &Request) -> Result<Plan> {
    let dir = &cfg.pki_dir;
    if !dir.is_dir() {
        return Err(ChangeError::Refused(format!(
            "{}: not a directory (is this the Manager's PKI directory?)",
            dir.display()
        )));
    }
    // Checked once; refused only where it would be written (a SAN certificate).
    let fqdn_checked: std::result::Result<Option<conf::HostName>, String> = match engine_fqdn(cfg) {
        Ok(f) => Ok(f),
        Err(ChangeError::Refused(m)) => Err(m),
        Err(e) => Err(e.to_string()),
    };
    let fqdn: Option<String> =
        fqdn_checked
            .as_ref()
            .ok()
            .and_then(Option::as_ref)
            .map(|h| match h {
                conf::HostName::Dns(d) => d.clone(),
                conf::HostName::Ip(a) => a.to_string(),
            });
    let fqdn_san: Option<String> = fqdn_checked
        .as_ref()
        .ok()
        .and_then(Option::as_ref)
        .map(|h| h.san());
    let mut plan = Plan {
        command: match req {
            Request::Conf => "conf",
            Request::Resign { .. } => "resign",
            Request::Renew { .. } => "renew",
        }
        .into(),
        pki_dir: dir.to_string_lossy().into_owned(),
        engine_fqdn: fqdn.clone(),
        conf: None,
        items: Vec::new(),
        skipped: Vec::new(),
        services: Vec::new(),
        notes: Vec::new(),
        inputs: Vec::new(),
        new_key: matches!(req, Request::Renew { new_key: true, .. }),
    };
    let mut inputs: BTreeSet<String> = ["openssl.conf", "serial.txt", "database.txt"]
        .iter()
        .map(|s| s.to_string())
        .collect();

    // openssl.conf: conf always, resign always (so new certs are SHA-256), renew too.
    let conf_path = dir.join("openssl.conf");
    match read_file(&conf_path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            if let Some((_, md)) = conf::fix_default_md(&text) {
                plan.conf = Some(ConfChange {
                    path: "openssl.conf".into(),
                    line: md.line,
                    from: md.value,
                    to: "sha256".into(),
                });
            }
        }
        // Missing is tolerated when signing (the profile is built in); unreadable is not:
        // the run promises SHA-256 in openssl.conf and could not keep it.
        Err(e) if matches!(req, Request::Conf) || e.kind() != std::io::ErrorKind::NotFound => {
            return Err(crate::Error::io(&conf_path, e).into());
        }
        Err(_) => {}
    }
    if matches!(req, Request::Conf) {
        check_links(dir, &mut plan)?;
        preflight(cfg, &plan)?;
        plan.inputs = inputs
            .into_iter()
            .map(|p| (p.clone(), sha(&dir.join(&p))))
            .collect();
        return Ok(plan);
    }

    let Some(ca) = load_ca(dir, &catalog::CAS[0])? else {
        return Err(ChangeError::Refused(format!(
            "{}: missing; nothing can be signed (restore ca.pem, e.g. from certs/ca.der)",
            dir.join("ca.pem").display()
        )));
    };
    let qemu = load_ca(dir, &catalog::CAS[1])?;

    let (all, names, within, new_key, force) = match req {
        Request::Resign { all, names, force } => (*all, names.clone(), None, false, *force),
        Request::Renew {
            within,
            names,
            new_key,
        } => (
            names.is_empty(),
            names.clone(),
            Some(*within),
            *new_key,
            false,
        ),
        Request::Conf => unreachable!("handled above"),
    };
    // Names must exist in the catalog (or be a CA).
    for n in &names {
        if catalog::entity(n).is_none() && !catalog::CAS.iter().any(|c| c.name == n) {
            let known: Vec<&str> = catalog::CAS
                .iter()
                .map(|c| c.name)
                .chain(catalog::ENTITIES.iter().map(|e| e.name))
                .collect();
            return Err(ChangeError::Refused(format!(
                "unknown certificate name '{n}'; known: {}",
                known.join(", ")
            )));
        }
    }
    if new_key && names.iter().any(|n| n == "engine") {
        return Err(ChangeError::Refused(
            "refusing to rotate the engine key: it decrypts the secrets in the engine database, is the SSH key to every host and signs console tickets; renew engine with --keep-key".into(),
        ));
    }
    let wanted = |n: &str| all || names.iter().any(|x| x == n);
    let due = |s: &cert::CertSummary, name: &str| -> Option<String> {
        let w = within?;
        // `renew --new-key NAME` is how the audit says to replace a weak key: it acts.
        if new_key && names.iter().any(|n| n == name) {
            return Some("--new-key asked for it".into());
        }
        let win = w.unwrap_or(cfg.windows.renew_days(name));
        let left = s.not_after - cfg.now;
        (left <= win * DAY).then(|| {
            if left < 0 {
                format!("expired {} days ago", -left / DAY)
            } else {
                format!("expires in {} days (window {win} d)", left / DAY)
            }
        })
    };
    let not_before = cfg.now - DAY;

    // CAs first in the plan (applied last, see apply()).
    let mut cas_touched = false;
    for st in [Some(&ca), qemu.as_ref()].into_iter().flatten() {
        let name = st.def.name;
        let reason = if within.is_some() {
            if !wanted(name) {
                continue;
            }
            match due(&st.summary, name) {
                Some(r) => r,
                None => {
                    if !all {
                        plan.skipped.push(Skipped {
                            name: name.into(),
                            reason: format!(
                                "not due: expires {}",
                                cert::rfc3339(st.summary.not_after)
                            ),
                        });
                    }
                    continue;
                }
            }
        } else if wanted(name) {
            let new_na = ca_not_after(cfg, st.summary.not_after);
            let validity = if new_na == st.summary.not_after {
                format!("notAfter stays {}", cert::rfc3339(st.summary.not_after))
            } else {
                format!("new notAfter {}", cert::rfc3339(new_na))
            };
            let weak = ca_weaknesses(cfg, &st.summary);
            if !weak.is_empty() {
                format!(
                    "{}: {}; {validity}",
                    resign_what(&st.summary),
                    weak.join("; ")
                )
            } else if force || names.iter().any(|x| x == name) {
                format!(
                    "{}: already {}, not due; re-signed keeping the key; {validity}",
                    if force { "--force" } else { "named" },
                    st.summary.signature.name
                )
            } else {
                plan.skipped.push(Skipped {
                    name: name.into(),
                    reason: format!(
                        "nothing to fix: already {}, expires {} (not due); --force re-signs it anyway",
                        st.summary.signature.name,
                        cert::rfc3339(st.summary.not_after)
                    ),
                });
                continue;
            }
        } else {
            continue;
        };
        load_ca_key(dir, st)?;
        inputs.insert(st.def.cert.into());
        inputs.insert(st.def.key.into());
        inputs.insert(st.def.copy.into());
        inputs.insert(".truststore".into());
        let mut files = vec![st.def.cert.to_string(), st.def.copy.to_string()];
        if dir.join(".truststore").exists() {
            files.push(".truststore".into());
        }
        if name == "ca" {
            match apache_ca_copy(dir, &st.der) {
                ApacheCa::Copy => {
                    files.push(APACHE_CA.into());
                    inputs.insert(APACHE_CA.into());
                    plan.notes.push(format!(
                        "{APACHE_CA} is a copy of ca.pem (not the usual symlink to it): it is refreshed with the re-signed CA in the same transaction"
                    ));
                }
                ApacheCa::Other(why) => plan.skipped.push(Skipped {
                    name: APACHE_CA.into(),
                    reason: why,
                }),
                ApacheCa::LinkOrAbsent => {}
            }
        }
        plan.items.push(Item {
            name: name.into(),
            kind: ItemKind::Ca,
            reason,
            files,
            old_serial: st.summary.serial.clone(),
            new_serial: st.summary.serial.clone(),
            old_signature: st.summary.signature.name.to_string(),
            new_signature: "sha256WithRSAEncryption",
            old_not_after: cert::rfc3339(st.summary.not_after),
            new_not_before: cert::rfc3339(not_before),
            new_not_after: cert::rfc3339(ca_not_after(cfg, st.summary.not_after)),
            key: "kept",
            p12_format: None,
            openssh: None,
        });
        cas_touched = true;
    }

    // Entities, in catalog order.
    let mut serial = {
        let t = read_text(dir.join("serial.txt"))
            .map_err(|e| crate::Error::io(dir.join("serial.txt"), e))?;
        conf::parse_serial(&t).map_err(|reason| {
            ChangeError::Refused(format!("{}: {reason}", dir.join("serial.txt").display()))
        })?
    };
    let mut ca_key_needed = false;
    let mut broken: Vec<String> = Vec::new();
    // The CA key as an OpenSSH key: what must sign the vmconsole OpenSSH certificates.
    let ca_ssh = ca
        .x509
        .public_key()
        .ok()
        .and_then(|k| sshcert::ssh_public(&k).ok());
    for def in catalog::ENTITIES {
        if !wanted(def.name) {
            continue;
        }
        let Some(st) = load_entity(dir, def, &cfg.p12_password, &ca)? else {
            if names.iter().any(|x| x == def.name) {
                return Err(ChangeError::Refused(format!(
                    "{}: no such file; {} is not enrolled on this Manager",
                    dir.join(format!("keys/{}.p12", def.name)).display(),
                    def.name
                )));
            }
            continue;
        };
        // resign: broken or third-party files are judged before health, so `--all` never
        // passes over a broken entity because it looked healthy.
        if within.is_none() && hands_off(def, &st, &names, &mut broken, &mut plan.skipped)? {
            continue;
        }
        let ssh = load_ssh(dir, def, &st.key);
        let ssh_window = within.flatten().unwrap_or(cfg.windows.renew_days(def.name));
        let ssh_why = ssh.as_ref().and_then(|s| ssh_due(cfg.now, s, ssh_window));
        let reason = match within {
            Some(_) => match join_why(due(&st.summary, def.name), ssh_why) {
                Some(r) => r,
                None => {
                    if !all {
                        plan.skipped.push(Skipped {
                            name: def.name.into(),
                            reason: format!(
                                "not due: expires {}",
                                cert::rfc3339(st.summary.not_after)
                            ),
                        });
                    }
                    continue;
                }
            },
            None => {
                let mut weak = entity_weaknesses(cfg, def, &st, fqdn_san.as_deref());
                if let Some(s) = &ssh {
                    weak.extend(ssh_why);
                    weak.extend(ssh_weaknesses(s, ca_ssh.as_ref(), fqdn.as_deref()));
                }
                if !weak.is_empty() {
                    format!("{}: {}", resign_what(&st.summary), weak.join("; "))
                } else if force || names.iter().any(|x| x == def.name) {
                    format!(
                        "{}: already {}, not due; re-signed keeping the key",
                        if force { "--force" } else { "named" },
                        st.summary.signature.name
                    )
                } else {
                    plan.skipped.push(Skipped {
                        name: def.name.into(),
                        reason: format!(
                            "nothing to fix: already {}, SAN and p12 format fine, expires {} (not due); --force re-signs it anyway",
                            st.summary.signature.name,
                            cert::rfc3339(st.summary.not_after)
                        ),
                    });
                    continue;
                }
            }
        };
        if within.is_some() && hands_off(def, &st, &names, &mut broken, &mut plan.skipped)? {
            continue;
        }
        if def.profile == Profile::San {
            match &fqdn_checked {
                Err(m) => return Err(ChangeError::Refused(m.clone())),
                Ok(None) => {
                    return Err(ChangeError::Refused(format!(
                        "ENGINE_FQDN not found in {}; needed for the subjectAltName of {}",
                        cfg.engine_conf_dir
                            .as_ref()
                            .map(|d| d.display().to_string())
                            .unwrap_or_else(|| "engine.conf.d (none given)".into()),
                        def.name
                    )))
                }
                Ok(Some(_)) => {}
            }
        }
        let rotate = new_key && !def.keep_key;
        if new_key && def.keep_key {
            return Err(ChangeError::Refused(
                "refusing to rotate the engine key (engine is due): it decrypts the engine database secrets and is the SSH key to every host; run without --new-key, or name the other certificates explicitly".into(),
            ));
        }
        let days = entity_days(cfg, def);
        let family = cfg.p12_format.unwrap_or(st.family);
        let serial_hex = sign::serial_text(serial);
        serial += 1;
        let mut files = entity_files(def);
        files.push(format!("certs/{serial_hex}.pem"));
        for f in entity_files(def) {
            inputs.insert(f);
        }
        let openssh = match &ssh {
            Some(s) => {
                let principal = if s.which.host {
                    match &fqdn_checked {
                        Err(m) => return Err(ChangeError::Refused(m.clone())),
                        Ok(None) => {
                            return Err(ChangeError::Refused(format!(
                                "ENGINE_FQDN not found in {}; needed for the principal of {}",
                                cfg.engine_conf_dir
                                    .as_ref()
                                    .map(|d| d.display().to_string())
                                    .unwrap_or_else(|| "engine.conf.d (none given)".into()),
                                s.which.cert_rel()
                            )))
                        }
                        Ok(Some(_)) => s.which.principal(fqdn.as_deref().unwrap_or_default()),
                    }
                } else {
                    s.which.principal("")
                };
                let (cert_rel, pub_rel) = (s.which.cert_rel(), s.which.pub_rel());
                let rewrite_pub = rotate || !s.pub_ok;
                files.push(cert_rel.clone());
                if rewrite_pub {
                    files.push(pub_rel.clone());
                }
                inputs.insert(cert_rel.clone());
                inputs.insert(pub_rel.clone());
                let (valid_after, valid_before) = (cfg.now - 3600, cfg.now + days * DAY);
                let copy = ssh_proxy_dir(dir).join(s.which.proxy_copy());
                plan.notes.push(format!(
                    "{cert_rel} is re-issued with {}: the vmconsole proxy reads its copy {}, which this change does not write; copy it there afterwards (keep that file's owner and mode){}",
                    def.name,
                    copy.display(),
                    if rotate {
                        format!(
                            ", and the new key of keys/{}.p12 to {} (mode 0600, owner ovirt-vmconsole)",
                            def.name,
                            ssh_proxy_dir(dir).join(s.which.proxy_copy().trim_end_matches("-cert.pub")).display()
                        )
                    } else {
                        String::new()
                    }
                ));
                Some(OpensshItem {
                    file: cert_rel,
                    cert_type: s.which.kind(),
                    key_id: s.which.key_id().into(),
                    principals: vec![principal],
                    old_not_after: match &s.cert {
                        Some(Ok(c)) => Some(cert::rfc3339(
                            i64::try_from(c.valid_before()).unwrap_or(i64::MAX),
                        )),
                        _ => None,
                    },
                    new_not_before: cert::rfc3339(valid_after),
                    new_not_after: cert::rfc3339(valid_before),
                    public_key_file: rewrite_pub.then_some(pub_rel),
                    proxy_copy: copy.to_string_lossy().into_owned(),
                    valid_after,
                    valid_before,
                })
            }
            None => None,
        };
        plan.items.push(Item {
            name: def.name.into(),
            kind: ItemKind::Entity,
            reason,
            files,
            old_serial: st.summary.serial.clone(),
            new_serial: serial_hex,
            old_signature: st.summary.signature.name.to_string(),
            new_signature: "sha256WithRSAEncryption",
            old_not_after: cert::rfc3339(st.summary.not_after),
            new_not_before: cert::rfc3339(not_before),
            new_not_after: cert::rfc3339(cfg.now + days * DAY),
            key: if rotate { "new" } else { "kept" },
            p12_format: Some(format!("{} -> {}", st.family_text, family.as_str())),
            openssh,
        });
        ca_key_needed = true;
    }
    if !broken.is_empty() {
        return Err(ChangeError::Refused(format!(
            "not re-signing anything while files are broken (restore them, or name the other certificates explicitly): {}",
            broken.join("; ")
        )));
    }
    if ca_key_needed {
        load_ca_key(dir, &ca)?;
        inputs.insert("private/ca.pem".into());
        inputs.insert("ca.pem".into());
    }
    if cas_touched {
        if ca.summary.not_after <= cfg.now {
            plan.notes.push(format!(
                "the CA had expired ({}): hosts still hold that copy and their certificates chain to it, so the Manager cannot reach them until they are re-enrolled; for hosts the Manager can no longer talk to, use `rhv-pki hosts recover --ssh`, then Enroll Certificate the rest",
                cert::rfc3339(ca.summary.not_after)
            ));
        } else {
            plan.notes.push(format!(
                "the CA was re-signed with its own key: existing host certificates stay valid, but every host keeps an old copy of the CA; re-enroll every host (Maintenance -> Enroll Certificate -> Activate) before the old CA's notAfter ({})",
                cert::rfc3339(ca.summary.not_after)
            ));
        }
        plan.notes.push(
            "restart ovirt-engine before re-enrolling hosts (the engine caches the CA)".into(),
        );
        // The vmconsole OpenSSH certificates hang on the CA *key* (hosts trust it as
        // /etc/pki/ovirt-vmconsole/ca.pub), not on the CA certificate: a re-sign keeping the
        // key leaves them valid. Their own expiry makes renew / resign --all take them.
        let kept: Vec<String> = sshcert::VMCONSOLE
            .iter()
            .filter(|v| !plan.items.iter().any(|i| i.name == v.entity))
            .map(|v| v.cert_rel())
            .filter(|r| dir.join(r).exists())
            .collect();
        if !kept.is_empty() {
            plan.notes.push(format!(
                "{} stay as they are: signed by the CA key, which the re-sign keeps (ca.pub on the hosts is unchanged); `rhv-pki renew` re-issues them when they are due",
                kept.join(" and ")
            ));
        }
    }
    // Which units read what changed, per era, in restart order (src/services.rs).
    let era = if qemu.is_some() {
        catalog::Era::V44
    } else {
        catalog::Era::V42
    };
    let changed: Vec<&str> = plan.items.iter().map(|i| i.name.as_str()).collect();
    plan.services = crate::manager::services::needed(&changed, era)
        .into_iter()
        .map(|n| n.unit)
        .collect();
    if !plan.is_empty() {
        check_links(dir, &mut plan)?;
    }
    preflight(cfg, &plan)?;
    plan.inputs = inputs
        .into_iter()
        .map(|p| (p.clone(), sha(&dir.join(&p))))
        .collect();
    Ok(plan)
}

/// `apache-ca.pem` next to a CA being re-signed.
enum ApacheCa {
    /// A symlink (to ca.pem, followed by httpd) or no file: nothing to do.
    LinkOrAbsent,
    /// A regular file holding the very certificate of ca.pem: refreshed with it.
    Copy,
    /// Something else (a third-party CA, unreadable): left alone, with why.
    Other(String),
}

const APACHE_CA: &str = "apache-ca.pem";

fn apache_ca_copy(dir: &Path, ca_der: &[u8]) -> ApacheCa {
    let p = dir.join(APACHE_CA);
    let Ok(m) = fs::symlink_metadata(&p) else {
        return ApacheCa::LinkOrAbsent;
    };
    if m.file_type().is_symlink() {
        return ApacheCa::LinkOrAbsent;
    }
    let data = match cert::read_limited(&p) {
        Ok(d) => d,
        Err(e) => return ApacheCa::Other(format!("{e}; left as is")),
    };
    match cert::first_certificate(&p, &data) {
        Ok(der) if der == ca_der => ApacheCa::Copy,
        Ok(der) => {
            let subject = cert::parse(&p, &der)
                .map(|(_, s)| s.subject)
                .unwrap_or_else(|_| "?".into());
            ApacheCa::Other(format!(
                "holds another CA ({subject}), not a copy of ca.pem: apache's certificate is from a third-party CA; left as is"
            ))
        }
        Err(e) => ApacheCa::Other(format!("{e}; left as is")),
    }
}

/// A third-party or broken entity: `Ok(true)` when it is left out of the plan (third-party
/// skipped with why, broken collected for the `--all` refusal); a named one is refused.
fn hands_off(
    def: &EntityDef,
    st: &EntityState,
    names: &[String],
    broken: &mut Vec<String>,
    skipped: &mut Vec<Skipped>,
) -> Result<bool> {
    let Some(h) = &st.hands_off else {
        return Ok(false);
    };
    let why = h.reason();
    if names.iter().any(|x| x == def.name) {
        return Err(ChangeError::Refused(format!(
            "{}: {why}; refusing to touch it",
            def.name
        )));
    }
    if let HandsOff::Broken(_) = h {
        // `--all` promises the whole PKI: broken files are not quietly left behind.
        broken.push(format!("{}: {why}", def.name));
        return Ok(true);
    }
    skipped.push(Skipped {
        name: def.name.into(),
        reason: why.to_string(),
    });
    Ok(true)
}

/// The files a plan reads or writes, relative to the PKI dir, with whether each must exist.
fn plan_files(plan: &Plan) -> Vec<(String, bool)> {
    let mut v: Vec<(String, bool)> = Vec::new();
    if let Some(c) = &plan.conf {
        v.push((c.path.clone(), true));
    }
    let entities: Vec<&Item> = plan
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Entity)
        .collect();
    if !entities.is_empty() {
        for (f, required) in [
            ("ca.pem", true),
            ("private/ca.pem", true),
            ("serial.txt", true),
            ("database.txt", true),
            ("serial.txt.old", false),
            ("database.txt.old", false),
            ("database.txt.attr", false),
            ("database.txt.attr.old", false),
            ("cert.template", false),
        ] {
            v.push((f.into(), required));
        }
    }
    for i in &plan.items {
        if let Some(def) = catalog::CAS.iter().find(|c| c.name == i.name) {
            v.push((def.key.into(), true));
        }
        for f in &i.files {
            v.push((f.clone(), false));
        }
    }
    v.sort();
    v.dedup();
    v
}

/// The checks both the plan (so `--dry-run` promises only what can be done) and [`apply`]
/// run before anything is written: every file the change reads or writes is absent (when it
/// may be) or a readable regular file within the size the apply reads, a link among them
/// stays inside the PKI directory and resolves, and every directory written into is
/// writable. The error names the file.
pub fn preflight(cfg: &ChangeConfig, plan: &Plan) -> Result<()> {
    if plan.is_empty() {
        return Ok(());
    }
    let dir = &cfg.pki_dir;
    for (rel, required) in plan_files(plan) {
        let p = dir.join(&rel);
        let refuse = |why: String| {
            Err(ChangeError::Refused(format!(
                "{}: {why}; nothing was changed",
                p.display()
            )))
        };
        let meta = match fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if required {
                    return refuse("missing".into());
                }
                continue;
            }
            Err(e) => return refuse(e.to_string()),
        };
        if meta.file_type().is_symlink() {
            // The same rule as the writes (and check_links in the plan): inside the PKI
            // directory a link is followed, anything else is refused.
            if let Err(e) = txn::resolve_write(dir, &rel) {
                return Err(ChangeError::Refused(format!("{e}; nothing was changed")));
            }
        }
        if let Err(e) = read_file(&p) {
            return refuse(e.to_string());
        }
    }
    check_truststore(cfg, plan)?;
    check_writable(dir, plan)
}

/// `.truststore` must open with the engine's trust store password and hold no private key
/// under an alias a re-signed CA is imported as, or the CA step would fail halfway.
fn check_truststore(cfg: &ChangeConfig, plan: &Plan) -> Result<()> {
    let aliases: Vec<&str> = plan
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Ca)
        .filter_map(|i| catalog::CAS.iter().find(|c| c.name == i.name))
        .map(|c| c.truststore_alias)
        .collect();
    let ts = cfg.pki_dir.join(".truststore");
    if aliases.is_empty() || !ts.exists() {
        return Ok(());
    }
    let data = read_file(&ts).map_err(|e| crate::Error::io(&ts, e))?;
    crate::pki::truststore::check_settable(&data, &truststore_password(cfg), &aliases).map_err(
        |e| {
            ChangeError::Refused(format!(
                "{}: {e} (trust store password from {}); nothing was changed",
                ts.display(),
                crate::audit::store_passwords(cfg.engine_conf_dir.as_deref())
                    .trust_store
                    .origin
                    .map_or_else(|| "oVirt's default".into(), |p| p.display().to_string())
            ))
        },
    )
}

/// Every directory the plan writes into must be writable (a read-only mount, wrong owner):
/// refuse up front rather than fail halfway.
fn check_writable(dir: &Path, plan: &Plan) -> Result<()> {
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    dirs.insert(dir.to_path_buf());
    for i in &plan.items {
        for f in &i.files {
            if let Some(p) = dir.join(f).parent() {
                dirs.insert(p.to_path_buf());
            }
        }
    }
    for d in dirs {
        if let Err(e) = crate::sys::check_writable(&d) {
            return Err(ChangeError::Refused(format!(
                "{}: not writable ({e}); nothing was changed",
                d.display()
            )));
        }
    }
    Ok(())
}

/// Every file the plan writes (`.YYYYmmddHHMMSS` copies aside, which are new files).
fn planned_writes(plan: &Plan) -> Vec<String> {
    let mut v: Vec<String> = plan.conf.iter().map(|c| c.path.clone()).collect();
    for i in &plan.items {
        v.extend(i.files.iter().cloned());
    }
    if plan.items.iter().any(|i| i.kind == ItemKind::Entity) {
        v.extend(
            [
                "database.txt",
                "database.txt.old",
                "database.txt.attr",
                "database.txt.attr.old",
                "serial.txt",
                "serial.txt.old",
            ]
            .map(String::from),
        );
    }
    v
}

/// Symbolic links among the files the plan writes, decided by [`txn::resolve_write`] as
/// the writes will be: a link that leaves the PKI directory, dangles or loops is refused
/// here, before anything changes (the dry-run says the same), and so are two planned files
/// that are one file through links. A link that is followed is named in the plan's notes.
fn check_links(dir: &Path, plan: &mut Plan) -> Result<()> {
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    for rel in planned_writes(plan) {
        let t = txn::resolve_write(dir, &rel)
            .map_err(|e| ChangeError::Refused(format!("{e}; nothing was changed")))?;
        if t.via_link.is_some() {
            plan.notes.push(format!(
                "{rel} is a symbolic link: its target {} is replaced (owner, mode and SELinux label kept), the link stays",
                t.rel
            ));
        }
        if let Some(other) = seen.insert(t.rel.clone(), rel.clone()) {
            if other != rel {
                return Err(ChangeError::Refused(format!(
                    "{} and {} are the same file ({}) through a symbolic link; each must be its own file, nothing was changed",
                    dir.join(&other).display(),
                    dir.join(&rel).display(),
                    dir.join(&t.rel).display()
                )));
            }
        }
    }
    Ok(())
}

/// Owner and mode of a new file: those of `like` when it exists, else `mode` with the
/// owner of `dir_like` (oVirt's `chown --reference`).
fn meta_like(like: &Path, dir_like: &Path, mode: u32) -> Result<Meta> {
    if let Ok(m) = Meta::of(like) {
        return Ok(m);
    }
    let d = Meta::of(dir_like)?;
    Ok(Meta {
        mode,
        uid: d.uid,
        gid: d.gid,
    })
}

/// `.truststore` with `ca_pem` as the trusted certificate under `alias`, as
/// pki-create-ca.sh's keystore() leaves it (`keytool -delete`, `-importcert -trustcacerts`),
/// written natively: same format, password and protection, the other entries unchanged.
fn refresh_truststore(
    current: &[u8],
    alias: &str,
    ca_pem: &[u8],
    password: &str,
    now: i64,
) -> std::result::Result<Vec<u8>, String> {
    let der = openssl::x509::X509::from_pem(ca_pem)
        .and_then(|x| x.to_der())
        .map_err(|e| cert::first_openssl_reason(&e))?;
    crate::pki::truststore::set_trusted_certificate(current, password, alias, &der, now)
        .map_err(|e| e.to_string())
}

/// The engine's trust store password, by the audit's rule (engine.conf.d, else oVirt's).
fn truststore_password(cfg: &ChangeConfig) -> String {
    crate::audit::store_passwords(cfg.engine_conf_dir.as_deref())
        .trust_store
        .value
}

fn txn_config(cfg: &ChangeConfig, plan: Option<&Plan>) -> TxnConfig {
    let legacy = cfg
        .legacy_lock_dir
        .clone()
        .unwrap_or_else(|| txn::legacy_lock_dir(None));
    TxnConfig {
        engine_conf_dir: cfg.engine_conf_dir.clone(),
        fault: cfg.fault,
        ..TxnConfig::for_pki(
            &cfg.pki_dir,
            &legacy,
            &cfg.backup_root,
            cfg.lock_timeout,
            cfg.now,
            format!(
                "before rhv-pki {}",
                plan.map(|p| p.command.as_str()).unwrap_or("recovery")
            ),
        )
    }
}

/// Backups of this PKI dir whose run was interrupted (their journals have no end mark).
pub fn interrupted(cfg: &ChangeConfig) -> Result<Vec<String>> {
    Ok(txn::list_backups(&cfg.backup_root)?
        .into_iter()
        .filter(|b| b.state == txn::BackupState::Incomplete && Path::new(&b.pki_dir) == cfg.pki_dir)
        .map(|b| b.id)
        .collect())
}

/// Rolls back interrupted runs (under the locks) so planning sees a consistent PKI.
pub fn recover_interrupted(cfg: &ChangeConfig) -> Result<Vec<String>> {
    if interrupted(cfg)?.is_empty() {
        return Ok(Vec::new());
    }
    Ok(txn::recover_locked(&txn_config(cfg, None))?)
}

/// Executes `plan` (made by [`plan`] with the same `cfg`) in one transaction.
pub fn apply(cfg: &ChangeConfig, plan: &Plan, progress: &mut dyn Progress) -> Result<Applied> {
    let dir = &cfg.pki_dir;
    // The very checks the plan ran: what the dry run promised is what can be done.
    preflight(cfg, plan)?;
    let tcfg = txn_config(cfg, Some(plan));
    if plan.is_empty() {
        // Still undo an interrupted run if there is one.
        let recovered = txn::recover_locked(&tcfg)?;
        return Ok(Applied {
            changed: !recovered.is_empty(),
            backup: None,
            backup_dir: None,
            files_written: Vec::new(),
            recovered,
            manual_steps: Vec::new(),
        });
    }
    progress.step("locking and backing up the PKI directory");
    let mut txn = Txn::begin(tcfg)?;
    let recovered = txn.recovered.clone();
    // Under the lock: the inputs must be what the plan saw (a recovery may have changed them).
    for (p, h) in &plan.inputs {
        if &sha(&dir.join(p)) != h {
            let id = txn.rollback()?;
            let _ = id;
            return Err(ChangeError::Stale(p.clone()));
        }
    }
    let mut written = Vec::new();
    let mut manual = Vec::new();
    let r = execute(cfg, plan, &mut txn, &mut written, &mut manual, progress);
    let r = r.and_then(|()| {
        progress.step("verifying what was written");
        verify(cfg, plan)
            .and_then(|()| txn.verify_written().map_err(|e| e.to_string()))
            .map_err(|reason| ChangeError::Verify {
                backup: txn.id.clone(),
                reason,
            })
    });
    match r {
        Ok(()) => {
            let backup_dir = txn.backup_dir().to_string_lossy().into_owned();
            let id = txn.commit()?;
            Ok(Applied {
                changed: true,
                backup: Some(id),
                backup_dir: Some(backup_dir),
                files_written: written,
                recovered,
                manual_steps: manual,
            })
        }
        Err(e) => {
            let id = txn.id.clone();
            txn.rollback()?;
            Err(match e {
                ChangeError::Verify { .. } => e,
                other => ChangeError::RolledBack {
                    backup: id,
                    reason: other.to_string(),
                },
            })
        }
    }
}

fn execute(
    cfg: &ChangeConfig,
    plan: &Plan,
    txn: &mut Txn,
    written: &mut Vec<String>,
    manual: &mut Vec<String>,
    progress: &mut dyn Progress,
) -> Result<()> {
    let dir = &cfg.pki_dir;
    // 1. openssl.conf
    if let Some(c) = &plan.conf {
        progress.step("openssl.conf: default_md -> sha256");
        let text = String::from_utf8_lossy(
            &read_file(dir.join(&c.path)).map_err(|e| crate::Error::io(dir.join(&c.path), e))?,
        )
        .into_owned();
        let (fixed, _) =
            conf::fix_default_md(&text).ok_or_else(|| ChangeError::Stale("openssl.conf".into()))?;
        txn.backup_copy(Tree::Pki, &c.path)?;
        txn.write(Tree::Pki, &c.path, fixed.as_bytes(), None)?;
        written.push(c.path.clone());
    }
    if plan.items.is_empty() {
        return Ok(());
    }
    let ca = load_ca(dir, &catalog::CAS[0])?.ok_or_else(|| ChangeError::Stale("ca.pem".into()))?;
    let san = match plan.engine_fqdn.as_deref().map(conf::check_host_name) {
        Some(Ok(h)) => Some(h.san()),
        Some(Err(why)) => {
            return Err(ChangeError::Refused(format!(
                "ENGINE_FQDN {}: {why}",
                conf::escape(plan.engine_fqdn.as_deref().unwrap_or_default())
            )))
        }
        None => None,
    };
    let aia = read_text(dir.join("cert.template")).ok().and_then(|t| {
        t.lines().find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == "authorityInfoAccess")
                .then(|| v.trim().strip_prefix("caIssuers;URI:").map(str::to_string))
                .flatten()
        })
    });
    let ca_has_ski = openssl_has_ski(&ca.der);

    // 2. entities
    let serial_path = dir.join("serial.txt");
    let serial_before = read_text(&serial_path).map_err(|e| crate::Error::io(&serial_path, e))?;
    let db_path = dir.join("database.txt");
    let mut db = read_text(&db_path).map_err(|e| crate::Error::io(&db_path, e))?;
    let mut db_prev = db.clone();
    let mut serial_prev = serial_before.clone();
    let mut serial_now = serial_before.clone();
    let entity_items: Vec<&Item> = plan
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Entity)
        .collect();
    if !entity_items.is_empty() {
        let ca_key = load_ca_key(dir, &ca)?;
        for item in entity_items {
            progress.step(&format!(
                "{}: issuing serial {}",
                item.name, item.new_serial
            ));
            let def =
                catalog::entity(&item.name).ok_or_else(|| ChangeError::Stale(item.name.clone()))?;
            let st = load_entity(dir, def, &cfg.p12_password, &ca)?
                .ok_or_else(|| ChangeError::Stale(format!("keys/{}.p12", def.name)))?;
            // serial.txt must still say what the plan expected.
            let expect = conf::parse_serial(&serial_now)
                .map_err(|r| ChangeError::Stale(format!("serial.txt: {r}")))?;
            if sign::serial_text(expect) != item.new_serial {
                return Err(ChangeError::Stale(format!(
                    "serial.txt is {} but the plan issues {}",
                    sign::serial_text(expect),
                    item.new_serial
                )));
            }
            let key = if item.key == "new" {
                progress.step(&format!("{}: generating a new RSA-2048 key", item.name));
                let rsa = Rsa::generate(2048).map_err(|e| sign::SignError {
                    what: "key generation".into(),
                    reason: cert::first_openssl_reason(&e),
                })?;
                PKey::from_rsa(rsa).map_err(|e| sign::SignError {
                    what: "key generation".into(),
                    reason: cert::first_openssl_reason(&e),
                })?
            } else {
                st.key
            };
            let days = entity_days(cfg, def);
            let profile = LeafProfile {
                profile: def.profile,
                san_dns: san.clone(),
                aia: aia.clone(),
                ca_has_ski,
            };
            let cert = sign::issue_leaf(
                st.cert.subject_name(),
                &key,
                &ca.x509,
                &ca_key,
                &item.new_serial,
                cfg.now - DAY,
                cfg.now + days * DAY,
                &profile,
            )?;
            let csr = sign::request(&key)?.to_pem().map_err(|e| sign::SignError {
                what: "request".into(),
                reason: cert::first_openssl_reason(&e),
            })?;
            let family = cfg.p12_format.unwrap_or(st.family);
            let p12 = sign::pkcs12(&cert, &key, &cfg.p12_password, family)?;
            let text = sign::text_and_pem(&cert)?;
            let n = def.name;
            // requests/<name>.req
            let req_rel = format!("requests/{n}.req");
            if dir.join(&req_rel).exists() {
                txn.backup_copy(Tree::Pki, &req_rel)?;
            }
            let m = meta_like(&dir.join(&req_rel), &dir.join("requests"), 0o644)?;
            txn.write(Tree::Pki, &req_rel, &csr, Some(m))?;
            // certs/<name>.cer
            let cer_rel = format!("certs/{n}.cer");
            let old_cer = read_file(dir.join(&cer_rel)).ok();
            if old_cer.is_some() {
                txn.backup_copy(Tree::Pki, &cer_rel)?;
            }
            let cer = if def.extract {
                sign::extracted_cer(
                    &cert,
                    old_cer
                        .as_deref()
                        .map(NameStyle::of)
                        .unwrap_or(NameStyle::Oneline),
                )?
            } else {
                text.clone()
            };
            let m = meta_like(&dir.join(&cer_rel), &dir.join("certs"), 0o644)?;
            txn.write(Tree::Pki, &cer_rel, &cer, Some(m))?;
            // keys/<name>.p12
            let p12_rel = format!("keys/{n}.p12");
            txn.backup_copy(Tree::Pki, &p12_rel)?;
            txn.write(Tree::Pki, &p12_rel, &p12, None)?;
            // keys/<name>.key.nopass
            if def.extract {
                let k_rel = format!("keys/{n}.key.nopass");
                let m = meta_like(&dir.join(&k_rel), &dir.join(&p12_rel), 0o600)?;
                txn.write(
                    Tree::Pki,
                    &k_rel,
                    &sign::extracted_key(&key, &cert)?,
                    Some(m),
                )?;
                written.push(k_rel);
            }
            // certs/<SERIAL>.pem, as openssl ca's new_certs_dir copy
            let copy_rel = format!("certs/{}.pem", item.new_serial);
            let m = meta_like(
                &dir.join(format!("certs/{}.pem", item.old_serial)),
                &dir.join("certs"),
                0o644,
            )?;
            txn.write(Tree::Pki, &copy_rel, &text, Some(Meta { mode: 0o644, ..m }))?;
            if let Some(o) = &item.openssh {
                reissue_openssh(
                    cfg, txn, o, n, &key, &ca_key, plan, written, manual, progress,
                )?;
            }
            db_prev = db.clone();
            db.push_str(&sign::index_line(
                &item.new_serial,
                cfg.now + days * DAY,
                cert.subject_name(),
            ));
            serial_prev = serial_now.clone();
            serial_now = format!(
                "{}\n",
                sign::next_serial(&item.new_serial).unwrap_or_default()
            );
            written.extend([req_rel, cer_rel, p12_rel, copy_rel]);
        }
        // database.txt / serial.txt and their .old / .attr companions, owned like the PKI dir.
        progress.step("database.txt, serial.txt");
        let owner = Meta::of(dir)?;
        let like = |rel: &str| -> Result<Meta> {
            let m = meta_like(&dir.join(rel), dir, 0o644)?;
            Ok(Meta {
                uid: owner.uid,
                gid: owner.gid,
                ..m
            })
        };
        let attr_rel = "database.txt.attr";
        let attr_old = read_file(dir.join(attr_rel)).ok();
        for (rel, data) in [
            ("database.txt.old", db_prev.as_bytes().to_vec()),
            ("database.txt", db.as_bytes().to_vec()),
            ("serial.txt.old", serial_prev.as_bytes().to_vec()),
            ("serial.txt", serial_now.as_bytes().to_vec()),
        ] {
            let m = like(rel)?;
            txn.write(Tree::Pki, rel, &data, Some(m))?;
            written.push(rel.into());
        }
        if let Some(a) = attr_old {
            let m = like("database.txt.attr.old")?;
            txn.write(Tree::Pki, "database.txt.attr.old", &a, Some(m))?;
        }
        let m = like(attr_rel)?;
        txn.write(Tree::Pki, attr_rel, b"unique_subject = no\n", Some(m))?;
    }

    // 3. CAs, ca.pem itself last: replacing it changes the inode enrollment scripts lock.
    let ts_pw = truststore_password(cfg);
    let mut new_ca_files = Vec::new();
    for item in plan.items.iter().filter(|i| i.kind == ItemKind::Ca) {
        let def = catalog::CAS
            .iter()
            .find(|c| c.name == item.name)
            .ok_or_else(|| ChangeError::Stale(item.name.clone()))?;
        progress.step(&format!("{}: re-signing with its own key", def.name));
        let st = load_ca(dir, def)?.ok_or_else(|| ChangeError::Stale(def.cert.into()))?;
        let key = load_ca_key(dir, &st)?;
        let new = sign::resign_ca(
            &st.der,
            &key,
            cfg.now - DAY,
            ca_not_after(cfg, st.summary.not_after),
        )?;
        let pem = new.to_pem().map_err(|e| sign::SignError {
            what: "PEM".into(),
            reason: cert::first_openssl_reason(&e),
        })?;
        // certs/ca.der: a PEM copy despite its name, as pki-create-ca.sh writes it.
        let m = meta_like(&dir.join(def.copy), &dir.join("certs"), 0o644)?;
        txn.write(Tree::Pki, def.copy, &pem, Some(m))?;
        written.push(def.copy.into());
        let ts = dir.join(".truststore");
        if let Ok(cur) = read_file(&ts) {
            let data = refresh_truststore(&cur, def.truststore_alias, &pem, &ts_pw, cfg.now)
                .map_err(|reason| ChangeError::Refused(format!(".truststore: {reason}")))?;
            txn.write(Tree::Pki, ".truststore", &data, None)?;
            written.push(".truststore".into());
        }
        // A regular-file copy of ca.pem (the plan checked it held the old CA) follows it.
        if item.files.iter().any(|f| f == APACHE_CA) {
            progress.step("apache-ca.pem: the copy of ca.pem");
            txn.backup_copy(Tree::Pki, APACHE_CA)?;
            txn.write(Tree::Pki, APACHE_CA, &pem, None)?;
            written.push(APACHE_CA.into());
        }
        new_ca_files.push((def.cert, pem));
    }
    for (rel, pem) in new_ca_files {
        txn.backup_copy(Tree::Pki, rel)?;
        txn.write(Tree::Pki, rel, &pem, None)?;
        txn.relock(Tree::Pki, rel)?;
        written.push(rel.into());
    }
    Ok(())
}

/// Re-issues a vmconsole entity's OpenSSH certificate for `key` (the key its new X.509
/// certificate carries) as `pki-enroll-openssh-cert.sh` does: `certs/<name>.pub` rewritten
/// when the plan says so, `certs/<name>-cert.pub` signed by the CA key; both backed up as
/// its `common_backup` does (`.YYYYmmddHHMMSS`) and written through the transaction.
#[allow(clippy::too_many_arguments)]
fn reissue_openssh(
    cfg: &ChangeConfig,
    txn: &mut Txn,
    o: &OpensshItem,
    name: &str,
    key: &PKey<Private>,
    ca_key: &PKey<Private>,
    plan: &Plan,
    written: &mut Vec<String>,
    manual: &mut Vec<String>,
    progress: &mut dyn Progress,
) -> Result<()> {
    let dir = &cfg.pki_dir;
    let which = sshcert::vmconsole(name).ok_or_else(|| ChangeError::Stale(o.file.clone()))?;
    progress.step(&format!(
        "{}: OpenSSH {} certificate signed by the CA key",
        o.file, o.cert_type
    ));
    let subject = sshcert::ssh_public(key)?;
    if let Some(pub_rel) = &o.public_key_file {
        if dir.join(pub_rel).exists() {
            txn.backup_copy(Tree::Pki, pub_rel)?;
        }
        let m = meta_like(&dir.join(pub_rel), &dir.join("certs"), 0o644)?;
        txn.write(
            Tree::Pki,
            pub_rel,
            &sshcert::public_file(&subject)?,
            Some(m),
        )?;
        written.push(pub_rel.clone());
    }
    let old = read_file(dir.join(&o.file)).ok();
    let comment = old
        .as_deref()
        .and_then(|d| sshcert::parse(d).ok())
        .map(|c| c.comment().to_string())
        .unwrap_or_default();
    let mut nonce = [0u8; 32];
    openssl::rand::rand_bytes(&mut nonce).map_err(|e| sign::SignError {
        what: "nonce".into(),
        reason: cert::first_openssl_reason(&e),
    })?;
    let data = sshcert::issue(
        ca_key,
        &sshcert::Request {
            which,
            subject: &subject,
            fqdn: plan.engine_fqdn.as_deref().unwrap_or_default(),
            valid_after: o.valid_after,
            valid_before: o.valid_before,
            comment: &comment,
            nonce,
        },
    )?;
    if old.is_some() {
        txn.backup_copy(Tree::Pki, &o.file)?;
    }
    let m = meta_like(&dir.join(&o.file), &dir.join("certs"), 0o644)?;
    txn.write(Tree::Pki, &o.file, &data, Some(m))?;
    written.push(o.file.clone());
    manual.push(format!(
        "copy {} to {} (the vmconsole proxy's copy; keep its owner and mode), then restart ovirt-vmconsole-proxy-sshd",
        dir.join(&o.file).display(),
        o.proxy_copy
    ));
    Ok(())
}

/// After writing: the OpenSSH certificate is oVirt's for the entity's key (the one in its
/// p12), signed by the CA key, with the planned window; `certs/<name>.pub` holds that key.
fn verify_openssh(
    dir: &Path,
    o: &OpensshItem,
    name: &str,
    key: &PKey<Private>,
    ca: &CaState,
    fqdn: Option<&str>,
) -> std::result::Result<(), String> {
    let which = sshcert::vmconsole(name).ok_or("not a vmconsole entity")?;
    let subject = sshcert::ssh_public(key).map_err(|e| e.to_string())?;
    let ca_key = ca
        .x509
        .public_key()
        .map_err(|e| e.to_string())
        .and_then(|k| sshcert::ssh_public(&k).map_err(|e| e.to_string()))?;
    let d = read_file(dir.join(&o.file)).map_err(|e| format!("{}: {e}", o.file))?;
    let c = sshcert::parse(&d).map_err(|e| format!("{}: {e}", o.file))?;
    let p = sshcert::problems(&c, which, Some(&subject), &ca_key, fqdn);
    if !p.is_empty() {
        return Err(format!("{}: {}", o.file, p.join("; ")));
    }
    if (c.valid_after(), c.valid_before()) != (o.valid_after as u64, o.valid_before as u64)
        || c.key_id() != o.key_id
        || c.valid_principals() != o.principals.as_slice()
    {
        return Err(format!("{}: not the certificate planned", o.file));
    }
    if let Some(pub_rel) = &o.public_key_file {
        let d = read_file(dir.join(pub_rel)).map_err(|e| format!("{pub_rel}: {e}"))?;
        let k = ssh_key::PublicKey::from_openssh(String::from_utf8_lossy(&d).trim())
            .map_err(|e| format!("{pub_rel}: {e}"))?;
        if k.key_data() != &subject {
            return Err(format!("{pub_rel}: not the key of keys/{name}.p12"));
        }
    }
    Ok(())
}

fn openssl_has_ski(der: &[u8]) -> bool {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, x)| {
            x.extensions()
                .iter()
                .any(|e| e.oid.to_id_string() == "2.5.29.14")
        })
        .unwrap_or(false)
}

/// After writing: every re-issued file is consistent and SHA-256, chains verify (host
/// certificates included, against a re-signed CA), keys match, p12s open.
pub fn verify(cfg: &ChangeConfig, plan: &Plan) -> std::result::Result<(), String> {
    let dir = &cfg.pki_dir;
    let ca = load_ca(dir, &catalog::CAS[0])
        .map_err(|e| e.to_string())?
        .ok_or("ca.pem vanished")?;
    let sha256 = "sha256WithRSAEncryption";
    for item in &plan.items {
        match item.kind {
            ItemKind::Ca => {
                let def = catalog::CAS
                    .iter()
                    .find(|c| c.name == item.name)
                    .ok_or("unknown CA")?;
                let st = load_ca(dir, def)
                    .map_err(|e| e.to_string())?
                    .ok_or("CA vanished")?;
                if st.summary.signature.name != sha256 {
                    return Err(format!(
                        "{}: signed {}",
                        def.cert, st.summary.signature.name
                    ));
                }
                if st.summary.serial != item.old_serial {
                    return Err(format!("{}: serial changed", def.cert));
                }
                let k = st.x509.public_key().map_err(|e| e.to_string())?;
                if !st.x509.verify(&k).unwrap_or(false) {
                    return Err(format!("{}: self-signature does not verify", def.cert));
                }
                load_ca_key(dir, &st).map_err(|e| e.to_string())?;
                let copy =
                    read_file(dir.join(def.copy)).map_err(|e| format!("{}: {e}", def.copy))?;
                if cert::first_certificate(&dir.join(def.copy), &copy).ok() != Some(st.der.clone())
                {
                    return Err(format!("{} differs from {}", def.copy, def.cert));
                }
                if item.files.iter().any(|f| f == APACHE_CA) {
                    let p = dir.join(APACHE_CA);
                    let d = read_file(&p).map_err(|e| format!("{APACHE_CA}: {e}"))?;
                    if cert::first_certificate(&p, &d).ok() != Some(st.der.clone()) {
                        return Err(format!("{APACHE_CA} differs from {}", def.cert));
                    }
                }
                // Existing certificates issued by this CA must still verify.
                let sub = if def.name == "ca" {
                    "certs"
                } else {
                    "certs-qemu"
                };
                if let Ok(rd) = fs::read_dir(dir.join(sub)) {
                    for e in rd.flatten() {
                        let p = e.path();
                        if p.extension().is_none_or(|x| x != "cer") {
                            continue;
                        }
                        let Ok(d) = cert::read_limited(&p) else {
                            continue;
                        };
                        let Ok(der) = cert::first_certificate(&p, &d) else {
                            continue;
                        };
                        let Ok(x) = X509::from_der(&der) else {
                            continue;
                        };
                        if x.issuer_name().to_der().ok() != st.x509.subject_name().to_der().ok() {
                            continue;
                        }
                        if !x.verify(&k).unwrap_or(false) {
                            return Err(format!(
                                "{}: no longer verifies against the re-signed {}",
                                p.display(),
                                def.cert
                            ));
                        }
                    }
                }
            }
            ItemKind::Entity => {
                let def = catalog::entity(&item.name).ok_or("unknown entity")?;
                let st = load_entity(dir, def, &cfg.p12_password, &ca)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("keys/{}.p12 vanished", def.name))?;
                if let Some(h) = st.hands_off {
                    return Err(format!("{}: {}", def.name, h.reason()));
                }
                if st.summary.signature.name != sha256 {
                    return Err(format!(
                        "{}: signed {}",
                        def.name, st.summary.signature.name
                    ));
                }
                if st.summary.serial != item.new_serial {
                    return Err(format!(
                        "{}: serial {} instead of {}",
                        def.name, st.summary.serial, item.new_serial
                    ));
                }
                let copy = dir.join(format!("certs/{}.pem", item.new_serial));
                let d = read_file(&copy).map_err(|e| format!("{}: {e}", copy.display()))?;
                if cert::first_certificate(&copy, &d).ok() != Some(st.der.clone()) {
                    return Err(format!("{}: not the issued certificate", copy.display()));
                }
                let fmt = p12format::detect(
                    &read_file(dir.join(format!("keys/{}.p12", def.name))).unwrap_or_default(),
                )
                .map_err(|e| format!("keys/{}.p12: {e}", def.name))?;
                if fmt.needs_legacy_provider() || fmt.key_friendly_name {
                    return Err(format!("keys/{}.p12: written as {}", def.name, fmt.short()));
                }
                if let Some(o) = &item.openssh {
                    verify_openssh(dir, o, def.name, &st.key, &ca, plan.engine_fqdn.as_deref())?;
                }
            }
        }
    }
    Ok(())
}
