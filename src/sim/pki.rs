//! The Manager's PKI as the simulated engine uses it: the CA that signs host certificates,
//! the initial vdsm certificates hosts serve (SHA-1 / expired / SAN-less on request), and
//! Enroll Certificate's real issuance — a new host key (`openssl req -newkey` on the host),
//! `pki-enroll-request.sh`'s `openssl ca` via `sign.rs`, and the engine-side files
//! (`requests/<addr>.req`, `certs/<addr>.cer`, `certs/<SERIAL>.pem`, `database.txt`,
//! `serial.txt`) written through `txn.rs` under the `ca.pem` lock.

use std::path::{Path, PathBuf};
use std::time::Duration;

use openssl::error::ErrorStack;

use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
    SubjectKeyIdentifier,
};
use openssl::x509::{X509Name, X509};

use crate::change::txn::{Meta, TxnConfig, TxnError};
use crate::net::tls::TlsError;
use crate::pki::catalog::Profile;
use crate::pki::sign::{self, LeafProfile, SignError, DAY};

use super::scenario::CertSpec;

/// Host certificate validity the 4.5.1+ engine uses (`VdsCertificateValidityInDays`).
pub(crate) const HOST_DAYS: i64 = 1827;

/// The engine CA as read from the PKI dir.
pub(crate) struct Ca {
    pub(crate) pki_dir: PathBuf,
    pub(crate) cert: X509,
    pub(crate) key: PKey<Private>,
    pub(crate) aia: Option<String>,
    pub(crate) has_ski: bool,
}

/// What went wrong with the simulated Manager's PKI: loading its CA, issuing a host
/// certificate, writing the engine's files, or building a vdsm TLS configuration. Each
/// variant names the file or the step; an enrollment's error becomes the text of the failed
/// enrollment (event 882) as is.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    /// A file cannot be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A certificate or key file the PKI reader refused (its error names the file).
    #[error(transparent)]
    File(#[from] crate::pki::error::Error),
    /// An OpenSSL step failed.
    #[error("{what}: {}", crate::pki::cert::first_openssl_reason(source))]
    Openssl {
        /// The step (`RSA key generation`, `subject CN`…) or the file.
        what: String,
        /// OpenSSL's errors.
        #[source]
        source: ErrorStack,
    },
    /// The CA key is not the key of the CA certificate.
    #[error("{}: the key does not belong to {}", key.display(), cert.display())]
    KeyMismatch {
        /// The key file.
        key: PathBuf,
        /// The certificate file.
        cert: PathBuf,
    },
    /// A PEM text cannot be read.
    #[error("{what} PEM: {source}")]
    Pem {
        /// What the PEM should hold (`certificate`, `key`).
        what: &'static str,
        /// The PEM reader's error.
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    /// A certificate PEM text holds no certificate.
    #[error("no certificate in PEM")]
    NoCertificate,
    /// rustls refused the key or the configuration.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The issuance itself failed (CSR, signing, the certificate's text).
    #[error(transparent)]
    Sign(#[from] SignError),
    /// The engine's lock, or a file of the PKI directory, could not be had.
    #[error(transparent)]
    Txn(#[from] TxnError),
    /// `serial.txt` does not hold a hex serial.
    #[error("{}: not a hex serial: {text:?}", path.display())]
    BadSerial {
        /// The serial file.
        path: PathBuf,
        /// What it holds.
        text: String,
    },
    /// A step of replacing one of the engine's files failed.
    #[error("{}: {op}: {source}", path.display())]
    Write {
        /// The file (the temporary file, or the target for `rename`).
        path: PathBuf,
        /// The step (`create`, `write`, `stat`, `chown`, `chmod`, `rename`).
        op: &'static str,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn e(what: &str) -> impl Fn(ErrorStack) -> PkiError + '_ {
    move |source| PkiError::Openssl {
        what: what.to_string(),
        source,
    }
}

fn read(path: &Path) -> Result<Vec<u8>, PkiError> {
    std::fs::read(path).map_err(|source| PkiError::Read {
        path: path.to_path_buf(),
        source,
    })
}

impl Ca {
    pub(crate) fn load(pki_dir: &Path) -> Result<Ca, PkiError> {
        let cpath = pki_dir.join("ca.pem");
        let kpath = pki_dir.join("private/ca.pem");
        let cdata = read(&cpath)?;
        let der = crate::pki::cert::first_certificate(&cpath, &cdata)?;
        let cert = X509::from_der(&der).map_err(e(&cpath.display().to_string()))?;
        let kdata = read(&kpath)?;
        let (key, _) = crate::pki::cert::read_private_key(&kpath, &kdata, None)?;
        let pubkey = cert.public_key().map_err(e("CA public key"))?;
        if !pubkey.public_eq(&key) {
            return Err(PkiError::KeyMismatch {
                key: kpath,
                cert: cpath,
            });
        }
        let has_ski = cert.subject_key_id().is_some();
        let aia = read_aia(pki_dir);
        Ok(Ca {
            pki_dir: pki_dir.to_path_buf(),
            cert,
            key,
            aia,
            has_ski,
        })
    }

    /// O of the CA subject (fallback for `OrganizationName`).
    pub(crate) fn organization(&self) -> Option<String> {
        self.cert
            .subject_name()
            .entries_by_nid(openssl::nid::Nid::ORGANIZATIONNAME)
            .next()
            .and_then(|x| x.data().to_string().ok())
    }
}

/// `authorityInfoAccess = caIssuers;URI:<x>` from `cert.template` (or `cert.conf`).
fn read_aia(pki_dir: &Path) -> Option<String> {
    for f in ["cert.template", "cert.conf"] {
        if let Ok(t) = std::fs::read_to_string(pki_dir.join(f)) {
            for l in t.lines() {
                let l = l.trim();
                if l.starts_with("authorityInfoAccess") {
                    if let Some((_, uri)) = l.split_once("caIssuers;URI:") {
                        return Some(uri.trim().to_string());
                    }
                }
            }
        }
    }
    None
}

/// RSA-2048, as `openssl req -newkey rsa:2048` on a host.
pub(crate) fn new_host_key() -> Result<PKey<Private>, PkiError> {
    let rsa = Rsa::generate(2048).map_err(e("RSA key generation"))?;
    PKey::from_rsa(rsa).map_err(e("RSA key"))
}

/// The one key every host's initial certificate certifies (each certificate is still its
/// own: own serial, subject and SAN, issued by the CA). Generating an RSA key per host made a
/// large fleet take minutes to start; a shared key is issued once and loaded once for TLS.
/// Enrollment still gives a host a key of its own, as the engine does.
pub(crate) struct SharedHostKey {
    /// PKCS#8 PEM, as kept in the state file.
    pub(crate) pem: String,
    pub(crate) pkey: PKey<Private>,
    /// Loaded once for rustls and shared by every host's server configuration.
    pub(crate) signing: std::sync::Arc<dyn rustls::sign::SigningKey>,
    pub(crate) provider: std::sync::Arc<rustls::crypto::CryptoProvider>,
}

impl SharedHostKey {
    /// A fresh RSA-2048 key.
    pub(crate) fn generate() -> Result<SharedHostKey, PkiError> {
        let pkey = new_host_key()?;
        let pem = pkey
            .private_key_to_pem_pkcs8()
            .map_err(e("shared host key PEM"))?;
        SharedHostKey::from_pem(&String::from_utf8_lossy(&pem))
    }

    /// The key a state file recorded.
    pub(crate) fn from_pem(pem: &str) -> Result<SharedHostKey, PkiError> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::PrivateKeyDer;
        let pkey = PKey::private_key_from_pem(pem.as_bytes()).map_err(e("shared host key"))?;
        let der =
            PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|source| PkiError::Pem {
                what: "key",
                source,
            })?;
        let provider = crate::net::tls::provider();
        // Loaded by rustls once to prove the PEM is a key it could serve with; the handshakes
        // sign with OpenSSL (below), as vdsm's own TLS does.
        crate::net::tls::signing_key(&provider, der)?;
        let spki = pkey.public_key_to_der().map_err(e("shared host key"))?;
        let signing: std::sync::Arc<dyn rustls::sign::SigningKey> =
            std::sync::Arc::new(OpensslRsa {
                key: pkey.clone(),
                spki,
            });
        Ok(SharedHostKey {
            pem: pem.to_string(),
            pkey,
            signing,
            provider,
        })
    }

    /// A vdsm server configuration serving `cert_pem`, which must certify this key.
    pub(crate) fn tls_config(&self, cert_pem: &str) -> Result<rustls::ServerConfig, PkiError> {
        let certs = certificates_of(cert_pem)?;
        Ok(crate::net::tls::server_config_with_key(
            self.provider.clone(),
            certs,
            self.signing.clone(),
        )?)
    }
}

/// The shared host key as a rustls signing key backed by OpenSSL: every probe of a fleet costs
/// the simulator one RSA signature, and OpenSSL's is several times faster than ring's.
#[derive(Debug)]
struct OpensslRsa {
    key: PKey<Private>,
    spki: Vec<u8>,
}

#[derive(Debug)]
struct OpensslRsaSigner {
    key: PKey<Private>,
    scheme: rustls::SignatureScheme,
}

impl rustls::sign::SigningKey for OpensslRsa {
    fn choose_scheme(
        &self,
        offered: &[rustls::SignatureScheme],
    ) -> Option<Box<dyn rustls::sign::Signer>> {
        use rustls::SignatureScheme as S;
        [
            S::RSA_PSS_SHA256,
            S::RSA_PSS_SHA384,
            S::RSA_PSS_SHA512,
            S::RSA_PKCS1_SHA256,
            S::RSA_PKCS1_SHA384,
            S::RSA_PKCS1_SHA512,
        ]
        .into_iter()
        .find(|s| offered.contains(s))
        .map(|scheme| {
            Box::new(OpensslRsaSigner {
                key: self.key.clone(),
                scheme,
            }) as Box<dyn rustls::sign::Signer>
        })
    }

    fn public_key(&self) -> Option<rustls::pki_types::SubjectPublicKeyInfoDer<'_>> {
        Some(self.spki.as_slice().into())
    }

    fn algorithm(&self) -> rustls::SignatureAlgorithm {
        rustls::SignatureAlgorithm::RSA
    }
}

impl rustls::sign::Signer for OpensslRsaSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        use openssl::rsa::Padding;
        use openssl::sign::RsaPssSaltlen;
        use rustls::SignatureScheme as S;
        let (md, pss) = match self.scheme {
            S::RSA_PSS_SHA256 => (MessageDigest::sha256(), true),
            S::RSA_PSS_SHA384 => (MessageDigest::sha384(), true),
            S::RSA_PSS_SHA512 => (MessageDigest::sha512(), true),
            S::RSA_PKCS1_SHA384 => (MessageDigest::sha384(), false),
            S::RSA_PKCS1_SHA512 => (MessageDigest::sha512(), false),
            _ => (MessageDigest::sha256(), false),
        };
        let fail = |x: openssl::error::ErrorStack| {
            rustls::Error::General(format!(
                "RSA signature: {}",
                crate::pki::cert::first_openssl_reason(&x)
            ))
        };
        let mut s = openssl::sign::Signer::new(md, &self.key).map_err(fail)?;
        if pss {
            s.set_rsa_padding(Padding::PKCS1_PSS).map_err(fail)?;
            s.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
                .map_err(fail)?;
            s.set_rsa_mgf1_md(md).map_err(fail)?;
        }
        s.sign_oneshot_to_vec(message).map_err(fail)
    }

    fn scheme(&self) -> rustls::SignatureScheme {
        self.scheme
    }
}

fn host_subject(org: &str, address: &str) -> Result<X509Name, PkiError> {
    let mut n = X509Name::builder().map_err(e("subject"))?;
    n.append_entry_by_text("O", org).map_err(e("subject O"))?;
    n.append_entry_by_text("CN", address)
        .map_err(e("subject CN"))?;
    Ok(n.build())
}

/// The certificate a host serves at start: issued by the CA the way its era did, with the
/// defects the scenario asks for. Not recorded in the PKI dir (it predates the simulation).
pub(crate) fn initial_host_cert(
    ca: &Ca,
    key: &PKey<Private>,
    org: &str,
    address: &str,
    spec: &CertSpec,
    serial: u64,
    now: i64,
) -> Result<X509, PkiError> {
    let what = "initial host certificate";
    let mut b = X509::builder().map_err(e(what))?;
    b.set_version(2).map_err(e(what))?;
    let bn = BigNum::from_u32(serial as u32).map_err(e(what))?;
    let serial = Asn1Integer::from_bn(&bn).map_err(e(what))?;
    b.set_serial_number(&serial).map_err(e(what))?;
    let subject = host_subject(org, address)?;
    b.set_subject_name(&subject).map_err(e(what))?;
    b.set_issuer_name(ca.cert.subject_name()).map_err(e(what))?;
    b.set_pubkey(key).map_err(e(what))?;
    let nb = Asn1Time::from_unix((now - spec.age_days * DAY) as libc::time_t).map_err(e(what))?;
    let na = Asn1Time::from_unix((now + spec.days_left * DAY) as libc::time_t).map_err(e(what))?;
    b.set_not_before(&nb).map_err(e(what))?;
    b.set_not_after(&na).map_err(e(what))?;
    let ski = SubjectKeyIdentifier::new()
        .build(&b.x509v3_context(Some(&ca.cert), None))
        .map_err(e(what))?;
    b.append_extension(ski).map_err(e(what))?;
    let aki = AuthorityKeyIdentifier::new()
        .keyid(true)
        .issuer(true)
        .build(&b.x509v3_context(Some(&ca.cert), None))
        .map_err(e(what))?;
    b.append_extension(aki).map_err(e(what))?;
    b.append_extension(BasicConstraints::new().build().map_err(e(what))?)
        .map_err(e(what))?;
    b.append_extension(
        KeyUsage::new()
            .critical()
            .digital_signature()
            .key_encipherment()
            .build()
            .map_err(e(what))?,
    )
    .map_err(e(what))?;
    b.append_extension(
        ExtendedKeyUsage::new()
            .critical()
            .server_auth()
            .client_auth()
            .build()
            .map_err(e(what))?,
    )
    .map_err(e(what))?;
    if !spec.no_san {
        let san = SubjectAlternativeName::new()
            .dns(address)
            .build(&b.x509v3_context(Some(&ca.cert), None))
            .map_err(e(what))?;
        b.append_extension(san).map_err(e(what))?;
    }
    let md = if spec.sha1 {
        MessageDigest::sha1()
    } else {
        MessageDigest::sha256()
    };
    b.sign(&ca.key, md).map_err(e(what))?;
    Ok(b.build())
}

/// What an enrollment produced.
pub(crate) struct Enrolled {
    pub(crate) key_pem: String,
    pub(crate) cert_pem: String,
}

/// Enroll Certificate's issuance for one host: new key, CSR, `openssl ca`-equivalent with
/// the `v3_ca_san` profile, SAN `DNS:<address>`, subject `/O=<org>/CN=<address>`,
/// notBefore now−1 day, notAfter now+1827 days; the engine's files written under the era's
/// locks (`ca.pem` flock, or the 4.2–4.4 lock directory), waiting for them at most 30 s
/// (the engine's `--timeout=30`).
///
/// As `pki-enroll-request.sh`, the locks are held only while the CA signs and the engine's
/// own files are written (each replaced by rename, readers see the old file or the new):
/// no backup, no journal, no sync. An earlier version wrote through `txn.rs`, which copies
/// the whole PKI directory and syncs the file system under the lock: the hold grew with
/// every certificate issued, and 25 enrollments queued on the lock at a few hundred hosts
/// waited more than 30 s, so the simulator failed enrollments (882) the engine would not.
pub(crate) fn enroll(ca: &Ca, org: &str, address: &str, now: i64) -> Result<Enrolled, PkiError> {
    // The host's part, before the engine's lock: `openssl req -newkey` on the host.
    let key = new_host_key()?;
    let req = sign::request(&key)?;
    let req_pem = req.to_pem().map_err(e("CSR PEM"))?;
    let key_pem = key.private_key_to_pem_pkcs8().map_err(e("key PEM"))?;
    // The engine's own script locks what its era's script locks (under the copy's root).
    let root = ca
        .pki_dir
        .to_str()
        .and_then(|s| s.trim_end_matches('/').strip_suffix("etc/pki/ovirt-engine"))
        .map(PathBuf::from)
        .unwrap_or_else(|| ca.pki_dir.join(".."));
    let cfg = TxnConfig::for_pki(
        &ca.pki_dir,
        &crate::change::txn::legacy_lock_dir(Some(&root)),
        Path::new(""),
        Duration::from_secs(30),
        now,
        format!("rhv-manager-sim: Enroll Certificate for {address}"),
    );
    let _locks = crate::change::txn::take_locks(&crate::exec::SYSTEM, &cfg)?;
    let serial_path = ca.pki_dir.join("serial.txt");
    let serial_text = std::fs::read_to_string(&serial_path).map_err(|source| PkiError::Read {
        path: serial_path.clone(),
        source,
    })?;
    let serial = serial_text.trim().to_uppercase();
    let Some(next) = sign::next_serial(&serial) else {
        return Err(PkiError::BadSerial {
            path: serial_path,
            text: serial_text,
        });
    };
    let db_path = ca.pki_dir.join("database.txt");
    let db = std::fs::read(&db_path).unwrap_or_default();
    let subject = host_subject(org, address)?;
    let profile = LeafProfile {
        profile: Profile::San,
        san_dns: Some(format!("DNS:{address}")),
        aia: ca.aia.clone(),
        ca_has_ski: ca.has_ski,
    };
    let not_before = now - DAY;
    let not_after = now + HOST_DAYS * DAY;
    let cert = sign::issue_leaf(
        &subject, &key, &ca.cert, &ca.key, &serial, not_before, not_after, &profile,
    )?;
    let cer = sign::text_and_pem(&cert)?;
    let owner = Meta::of(&ca.pki_dir)?;
    let mut db2 = db.clone();
    db2.extend_from_slice(sign::index_line(&serial, not_after, cert.subject_name()).as_bytes());
    let next_line = format!("{next}\n");
    // The request and the certificate first, the serial last: a crash in between leaves at
    // most a certificate the next issuance overwrites, never a serial used twice.
    let files: [(String, &[u8]); 7] = [
        (format!("requests/{address}.req"), &req_pem),
        (format!("certs/{serial}.pem"), &cer),
        (format!("certs/{address}.cer"), &cer),
        ("database.txt.old".into(), &db),
        ("database.txt".into(), &db2),
        ("serial.txt.old".into(), serial_text.as_bytes()),
        ("serial.txt".into(), next_line.as_bytes()),
    ];
    for (rel, data) in &files {
        replace_file(&ca.pki_dir, rel, data, owner)?;
    }
    let cert_pem = cert.to_pem().map_err(e("cert PEM"))?;
    Ok(Enrolled {
        key_pem: String::from_utf8_lossy(&key_pem).into_owned(),
        cert_pem: String::from_utf8_lossy(&cert_pem).into_owned(),
    })
}

/// Writes `rel` under `pki_dir` as the engine's tools do: a new file 0644 owned like the PKI
/// directory, an existing one keeping its mode and owner; through a temporary file renamed
/// over it (a link inside the directory is followed, as a shell redirection would).
fn replace_file(pki_dir: &Path, rel: &str, data: &[u8], owner: Meta) -> Result<(), PkiError> {
    use std::io::Write;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
    let target = crate::change::txn::resolve_write(pki_dir, rel)?;
    let path = pki_dir.join(&target.rel);
    let (mode, uid, gid) = match std::fs::metadata(&path) {
        Ok(m) => (m.mode() & 0o7777, m.uid(), m.gid()),
        Err(_) => (0o644, owner.uid, owner.gid),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.rhv-manager-sim.tmp"));
    let fail = |op: &'static str, source: std::io::Error| PkiError::Write {
        path: tmp.clone(),
        op,
        source,
    };
    let _ = std::fs::remove_file(&tmp);
    let r = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|x| fail("create", x))?;
        f.write_all(data).map_err(|x| fail("write", x))?;
        let cur = f.metadata().map_err(|x| fail("stat", x))?;
        if cur.uid() != uid || cur.gid() != gid {
            std::os::unix::fs::fchown(&f, Some(uid), Some(gid)).map_err(|x| fail("chown", x))?;
        }
        f.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|x| fail("chmod", x))?;
        std::fs::rename(&tmp, &path).map_err(|source| PkiError::Write {
            path: path.clone(),
            op: "rename",
            source,
        })
    })();
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    r
}

/// A rustls server config serving `cert_pem` with `key_pem` (the vdsm port).
pub(crate) fn tls_config(cert_pem: &str, key_pem: &str) -> Result<rustls::ServerConfig, PkiError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::PrivateKeyDer;
    let certs = certificates_of(cert_pem)?;
    let key =
        PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|source| PkiError::Pem {
            what: "key",
            source,
        })?;
    Ok(crate::net::tls::server_config(certs, key)?)
}

/// The certificates of a PEM text (at least one).
fn certificates_of(
    cert_pem: &str,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, PkiError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|source| PkiError::Pem {
            what: "certificate",
            source,
        })?;
    if certs.is_empty() {
        return Err(PkiError::NoCertificate);
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pki/4.5-modern/etc/pki/ovirt-engine")
    }

    /// A PKI dir with the fixture's CA certificate and `key` as its CA key.
    fn pki_with_key(key: &str) -> (tempfile::TempDir, PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("etc/pki/ovirt-engine");
        std::fs::create_dir_all(dir.join("private")).unwrap();
        std::fs::copy(fixture().join("ca.pem"), dir.join("ca.pem")).unwrap();
        std::fs::copy(fixture().join(key), dir.join("private/ca.pem")).unwrap();
        (t, dir)
    }

    #[test]
    fn loading_the_ca_names_the_file_and_what_is_wrong() {
        let t = tempfile::tempdir().unwrap();
        let Err(e) = Ca::load(t.path()) else {
            panic!("no ca.pem")
        };
        let PkiError::Read { path, source } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(path, &t.path().join("ca.pem"));
        assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(e.to_string(), format!("{}: {source}", path.display()));

        // Another key than the CA's.
        let (_t, dir) = pki_with_key("keys/apache.key.nopass");
        let Err(e) = Ca::load(&dir) else {
            panic!("a foreign key was taken")
        };
        let PkiError::KeyMismatch { key, cert } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(key, &dir.join("private/ca.pem"));
        assert_eq!(cert, &dir.join("ca.pem"));
        assert_eq!(
            e.to_string(),
            format!(
                "{}: the key does not belong to {}",
                key.display(),
                cert.display()
            )
        );
    }

    #[test]
    fn an_enrollment_refuses_a_serial_file_without_a_hex_serial_and_quotes_it() {
        let (_t, dir) = pki_with_key("private/ca.pem");
        std::fs::write(dir.join("serial.txt"), "not-hex\n").unwrap();
        let ca = Ca::load(&dir).unwrap();
        let Err(e) = enroll(&ca, "Test", "host1.example", 1_800_000_000) else {
            panic!("enrolled with a bad serial")
        };
        let PkiError::BadSerial { path, text } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(path, &dir.join("serial.txt"));
        assert_eq!(text, "not-hex\n");
        // Event 882's text, as the simulator has always worded it.
        assert_eq!(
            e.to_string(),
            format!("{}: not a hex serial: \"not-hex\\n\"", path.display())
        );
        assert!(
            !dir.join("certs/host1.example.cer").exists(),
            "nothing issued"
        );
    }

    #[test]
    fn a_replaced_file_that_cannot_be_written_names_the_step_and_the_file() {
        let t = tempfile::tempdir().unwrap();
        let owner = Meta::of(t.path()).unwrap();
        let e = replace_file(t.path(), "no-such-dir/x.pem", b"x", owner).unwrap_err();
        let PkiError::Write { path, op, source } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(*op, "create");
        assert_eq!(
            path,
            &t.path().join("no-such-dir/.x.pem.rhv-manager-sim.tmp")
        );
        assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(
            e.to_string(),
            format!("{}: create: {source}", path.display())
        );
    }

    #[test]
    fn a_vdsm_configuration_says_which_pem_is_wrong() {
        let cert = std::fs::read_to_string(fixture().join("certs/apache.cer")).unwrap();
        let e = tls_config("no PEM here", "").unwrap_err();
        assert!(matches!(e, PkiError::NoCertificate), "{e:?}");
        assert_eq!(e.to_string(), "no certificate in PEM");
        let e = tls_config(&cert, "no key here").unwrap_err();
        assert!(matches!(e, PkiError::Pem { what: "key", .. }), "{e:?}");
        assert!(e.to_string().starts_with("key PEM: "), "{e}");
        let e = tls_config(
            &cert,
            &std::fs::read_to_string(fixture().join("private/ca.pem")).unwrap(),
        )
        .unwrap_err();
        assert!(matches!(e, PkiError::Tls(_)), "another key: {e:?}");
    }
}
