//! Reading the Manager PKI for the planner and the executor: the CAs, an entity's p12 and
//! the files beside it, a vmconsole entity's OpenSSH side, `ENGINE_FQDN`. Reads only; every
//! write goes through [`super::txn`].

use std::fs;
use std::path::{Path, PathBuf};

use openssl::pkey::{PKey, Private};
use openssl::x509::X509;

use super::{txn, ChangeConfig, Refusal, Result, ENTITY_DAYS, WEB_DAYS};
use crate::i18n::Text;
use crate::pki::catalog::{self, EntityDef};
use crate::pki::cert;
use crate::pki::conf;
use crate::pki::p12format;
use crate::pki::sign::P12Family;
use crate::pki::sshcert;

/// `fs::read` for PKI files: a FIFO or device is refused, not waited on (see
/// [`cert::read_regular`]); 64 MB at most (database.txt of a busy Manager included).
pub(super) fn read_file(path: impl AsRef<Path>) -> std::io::Result<Vec<u8>> {
    cert::read_regular(path.as_ref(), 16 * cert::MAX_FILE_SIZE)
}

/// [`read_file`] as UTF-8 text.
pub(super) fn read_text(path: impl AsRef<Path>) -> std::io::Result<String> {
    String::from_utf8(read_file(path)?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

pub(super) fn sha(path: &Path) -> Option<String> {
    read_file(path)
        .ok()
        .map(|d| hex::encode(openssl::sha::sha256(&d)))
}

/// The state of one CA on disk.
pub(super) struct CaState {
    pub(super) def: &'static catalog::CaDef,
    pub(super) der: Vec<u8>,
    pub(super) x509: X509,
    pub(super) summary: cert::CertSummary,
}

pub(super) fn load_ca(dir: &Path, def: &'static catalog::CaDef) -> Result<Option<CaState>> {
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

pub(super) fn load_ca_key(dir: &Path, ca: &CaState) -> Result<PKey<Private>> {
    let p = dir.join(ca.def.key);
    if !p.exists() {
        return Err(Refusal::CaKeyMissing {
            path: p,
            ca: ca.def.name,
        }
        .into());
    }
    let data = cert::read_limited(&p)?;
    let (key, _) = cert::read_private_key(&p, &data, None)?;
    if !cert::key_matches_cert(&key, &ca.der) {
        return Err(Refusal::CaKeyMismatch {
            path: p,
            cert: ca.def.cert,
        }
        .into());
    }
    Ok(key)
}

/// An entity read from disk.
pub(super) struct EntityState {
    pub(super) key: PKey<Private>,
    pub(super) cert: X509,
    pub(super) der: Vec<u8>,
    pub(super) summary: cert::CertSummary,
    pub(super) family: P12Family,
    pub(super) family_text: String,
    /// RC2-40 or another format OpenSSL 3 opens only with the legacy provider.
    pub(super) p12_legacy: bool,
    pub(super) p12_friendly_name: bool,
    /// Why it must not be touched.
    pub(super) hands_off: Option<HandsOff>,
}

/// Why an entity is left alone: a third-party certificate is skipped by design; broken
/// files (mismatched or unreadable `.cer` / `.key.nopass`) stop an `--all` run.
/// The reason is a catalogue message (rhv-pki's words; its English is the text of before).
pub(super) enum HandsOff {
    ThirdParty(Text),
    Broken(Text),
}

impl HandsOff {
    pub(super) fn reason(&self) -> &Text {
        match self {
            HandsOff::ThirdParty(r) | HandsOff::Broken(r) => r,
        }
    }
}

pub(super) fn load_entity(
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
        third_party = Some(
            Text::new("change-third-party")
                .arg("issuer", &summary.issuer)
                .arg("ca", ca.def.cert),
        );
    } else if !cert::key_matches_cert(&key, &der) {
        broken = Some(Text::new("change-broken-p12-mismatch").arg("name", def.name));
    } else {
        let cer_rel = format!("certs/{}.cer", def.name);
        let cer = dir.join(&cer_rel);
        // Absent is fine (it is written); present but unreadable (a FIFO, a directory, too
        // large, a dangling or looping link) is broken, as the audit calls it unreadable.
        if let Some(d) = read_present(dir, &cer_rel, &mut broken) {
            match cert::first_certificate(&cer, &d) {
                Ok(cd) if cd == der => {}
                Ok(_) => {
                    broken = Some(Text::new("change-broken-cer-differs").arg("name", def.name))
                }
                Err(e) => broken = Some(restore_first(&e)),
            }
        }
        if broken.is_none() && def.extract {
            let kp_rel = format!("keys/{}.key.nopass", def.name);
            let kp = dir.join(&kp_rel);
            if let Some(d) = read_present(dir, &kp_rel, &mut broken) {
                match cert::read_private_key(&kp, &d, None) {
                    Ok((k, _)) if k.public_eq(&key) => {}
                    Ok(_) => {
                        broken =
                            Some(Text::new("change-broken-nopass-mismatch").arg("name", def.name))
                    }
                    Err(e) => broken = Some(restore_first(&e)),
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
pub(super) fn read_present(dir: &Path, rel: &str, broken: &mut Option<Text>) -> Option<Vec<u8>> {
    let path = &dir.join(rel);
    if fs::symlink_metadata(path).ok()?.file_type().is_symlink() {
        if let Err(e) = txn::resolve_write(dir, rel) {
            *broken = Some(Text::new("change-nothing-changed").arg_text("error", e.text()));
            return None;
        }
    }
    match cert::read_limited(path) {
        Ok(d) => Some(d),
        Err(e) => {
            *broken = Some(restore_first(&e));
            None
        }
    }
}

/// A file that cannot be read, and what to do (English: `<error>; restore it first`).
fn restore_first(e: &crate::Error) -> Text {
    Text::new("change-broken-restore").arg_text("error", e.text())
}

/// Why a vmconsole OpenSSH certificate that is there cannot be used: the file and what is
/// wrong with it (unreadable, or not an OpenSSH certificate).
#[derive(Debug)]
pub(super) struct SshUnreadable(pub(super) String);

impl std::fmt::Display for SshUnreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A vmconsole proxy entity's OpenSSH certificate as the plan sees it.
pub(super) struct SshState {
    pub(super) which: sshcert::Vmconsole,
    /// `None`: missing; `Err`: present but unreadable or not a certificate.
    pub(super) cert: Option<std::result::Result<ssh_key::Certificate, SshUnreadable>>,
    /// `certs/<name>.pub` holds the entity's key.
    pub(super) pub_ok: bool,
    /// The entity's key as an OpenSSH key.
    pub(super) subject: Option<ssh_key::public::KeyData>,
}

/// `None` unless `def` is a vmconsole proxy entity whose SSH side is set up
/// (`certs/<name>-cert.pub` or `certs/<name>.pub` is there, as engine-setup leaves them).
pub(super) fn load_ssh(dir: &Path, def: &EntityDef, key: &PKey<Private>) -> Option<SshState> {
    let which = sshcert::vmconsole(def.name)?;
    let (cert_rel, pub_rel) = (which.cert_rel(), which.pub_rel());
    let present = |rel: &str| fs::symlink_metadata(dir.join(rel)).is_ok();
    if !present(&cert_rel) && !present(&pub_rel) {
        return None;
    }
    let mut why = None;
    let cert = read_present(dir, &cert_rel, &mut why)
        .map(|d| sshcert::parse(&d).map_err(|e| SshUnreadable(format!("{cert_rel}: {e}"))))
        .or_else(|| why.map(|w| Err(SshUnreadable(w.english()))));
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
/// `ENGINE_FQDN`, checked: `Err` (naming the file and the value) when it is set but is not
/// a host name; it would become the one dNSName of every web certificate.
pub(super) fn engine_fqdn(cfg: &ChangeConfig) -> Result<Option<conf::HostName>> {
    let Some(d) = cfg.engine_conf_dir.as_ref() else {
        return Ok(None);
    };
    match conf::read_engine_conf(d) {
        Ok(c) => c.valid_fqdn().map_err(|reason| {
            Refusal::BadEngineFqdn {
                reason: crate::audit::fqdn_error_text(&reason),
            }
            .into()
        }),
        Err(_) => Ok(None),
    }
}

pub(super) fn entity_days(cfg: &ChangeConfig, def: &EntityDef) -> i64 {
    cfg.days.unwrap_or(if def.short_life {
        WEB_DAYS
    } else {
        ENTITY_DAYS
    })
}

/// `/etc/pki/ovirt-vmconsole` next to the PKI dir (under `--root` too), where engine-setup
/// installs the proxy's copies of its OpenSSH key and certificates.
pub(super) fn ssh_proxy_dir(pki_dir: &Path) -> PathBuf {
    pki_dir
        .parent()
        .map(|p| p.join("ovirt-vmconsole"))
        .unwrap_or_else(|| PathBuf::from("/etc/pki/ovirt-vmconsole"))
}

pub(super) fn entity_files(def: &EntityDef) -> Vec<String> {
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
