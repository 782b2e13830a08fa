//! The vmconsole proxy's OpenSSH certificates, issued natively the way oVirt's
//! `pki-enroll-openssh-cert.sh` makes them with `ssh-keygen -s <CA key>` (engine-setup's
//! vmconsole plugin calls it for both proxy keys):
//!
//! | | host certificate | user certificate |
//! |---|---|---|
//! | file | `certs/vmconsole-proxy-host-cert.pub` | `certs/vmconsole-proxy-user-cert.pub` |
//! | certified key | `certs/vmconsole-proxy-host.pub` (the p12's key) | `certs/vmconsole-proxy-user.pub` |
//! | key id (`-I`) | `vmconsole-proxy-host` | `vmconsole-proxy-user` |
//! | principals (`-n`) | `ENGINE_FQDN` | `ovirt-vmconsole-proxy` |
//! | options (`-O`) | none (`-h` clears them) | `clear`, `permit-pty` |
//! | validity (`-V`) | `-1h:+<days>d` | `-1h:+<days>d` |
//! | serial | 0 (no `-z`) | 0 |
//!
//! signed by the key of `ca.pem` (`private/ca.pem`) with `rsa-sha2-512`, what `ssh-keygen`
//! uses for an RSA CA key since OpenSSH 8.2 (EL8.6+/EL9 sshd refuse `ssh-rsa` SHA-1
//! certificate signatures). The signature is made by OpenSSL (the CA key never leaves it),
//! the certificate encoded by `ssh-key`. Pure functions: bytes in, bytes out; `txn` writes
//! them.

use openssl::hash::MessageDigest;
use openssl::pkey::{HasPublic, PKey, PKeyRef, Private};
use ssh_key::certificate::{Builder, CertType};
use ssh_key::public::{KeyData, RsaPublicKey};
use ssh_key::{Algorithm, Certificate, HashAlg, Mpint, PublicKey, Signature};

use crate::i18n::Text;
use crate::pki::sign::{Result, SignError, SignReason, SignStep};

/// The principal of the user certificate (the proxy's login on the hosts).
pub(crate) const USER_PRINCIPAL: &str = "ovirt-vmconsole-proxy";

/// One of the two vmconsole proxy OpenSSH certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Vmconsole {
    /// The X.509 entity whose key it certifies (`keys/<entity>.p12`).
    pub(crate) entity: &'static str,
    /// A host certificate (`ssh-keygen -h`), else a user certificate.
    pub(crate) host: bool,
}

/// Both, host first (engine-setup's order is user then host; nothing depends on it).
pub(crate) const VMCONSOLE: [Vmconsole; 2] = [
    Vmconsole {
        entity: "vmconsole-proxy-host",
        host: true,
    },
    Vmconsole {
        entity: "vmconsole-proxy-user",
        host: false,
    },
];

/// The vmconsole certificate made from entity `name`, if it has one.
pub(crate) fn vmconsole(name: &str) -> Option<Vmconsole> {
    VMCONSOLE.into_iter().find(|v| v.entity == name)
}

impl Vmconsole {
    /// `certs/<entity>-cert.pub`, relative to the PKI dir.
    pub(crate) fn cert_rel(&self) -> String {
        format!("certs/{}-cert.pub", self.entity)
    }

    /// `certs/<entity>.pub`: the certified key as an OpenSSH public key.
    pub(crate) fn pub_rel(&self) -> String {
        format!("certs/{}.pub", self.entity)
    }

    /// The copy engine-setup installs for the proxy in `/etc/pki/ovirt-vmconsole`.
    pub(crate) fn proxy_copy(&self) -> &'static str {
        if self.host {
            "proxy-ssh_host_rsa-cert.pub"
        } else {
            "proxy-ssh_user_rsa-cert.pub"
        }
    }

    /// `host` or `user`.
    pub(crate) fn kind(&self) -> &'static str {
        if self.host {
            "host"
        } else {
            "user"
        }
    }

    /// The key id oVirt gives it: the entity name (`--id=<name>`).
    pub(crate) fn key_id(&self) -> &'static str {
        self.entity
    }

    /// Its one principal: the engine FQDN for the host certificate.
    pub(crate) fn principal(&self, fqdn: &str) -> String {
        if self.host {
            fqdn.to_string()
        } else {
            USER_PRINCIPAL.to_string()
        }
    }

    /// The extensions: `permit-pty` only for the user certificate (`-O clear -O
    /// permit-pty`), none for a host certificate.
    pub(crate) fn extensions(&self) -> &'static [&'static str] {
        if self.host {
            &[]
        } else {
            &["permit-pty"]
        }
    }
}

/// An RSA key as an OpenSSH public key (what `ssh-keygen -i -m PKCS8` makes of
/// `openssl x509 -pubkey`). Only RSA: oVirt's PKI has no other key type.
pub(crate) fn ssh_public<T: HasPublic>(key: &PKeyRef<T>) -> Result<KeyData> {
    let rsa = key.rsa().map_err(|_| SignError {
        what: SignStep::OpensshKey,
        reason: SignReason::NotRsa,
    })?;
    let k = RsaPublicKey::new(
        Mpint::from_positive_bytes(&rsa.e().to_vec()),
        Mpint::from_positive_bytes(&rsa.n().to_vec()),
    )
    .map_err(|e| SignError::quoted(SignStep::OpensshKey, e))?;
    Ok(KeyData::Rsa(k))
}

/// `certs/<entity>.pub` as `ssh-keygen -i -m PKCS8` writes it: one line, no comment.
pub(crate) fn public_file(key: &KeyData) -> Result<Vec<u8>> {
    let line = PublicKey::new(key.clone(), "")
        .to_openssh()
        .map_err(|e| SignError::quoted(SignStep::OpensshPublicKey, e))?;
    Ok(format!("{}\n", line.trim_end()).into_bytes())
}

/// The CA key signing through OpenSSL: `rsa-sha2-512` (PKCS#1 v1.5, SHA-512).
struct CaSigner<'a> {
    key: &'a PKeyRef<Private>,
    public: KeyData,
}

impl signature::Signer<Signature> for CaSigner<'_> {
    fn try_sign(&self, msg: &[u8]) -> std::result::Result<Signature, signature::Error> {
        let mut s = openssl::sign::Signer::new(MessageDigest::sha512(), self.key)
            .map_err(|_| signature::Error::new())?;
        let sig = s
            .sign_oneshot_to_vec(msg)
            .map_err(|_| signature::Error::new())?;
        Signature::new(
            Algorithm::Rsa {
                hash: Some(HashAlg::Sha512),
            },
            sig,
        )
        .map_err(|_| signature::Error::new())
    }
}

impl From<&CaSigner<'_>> for KeyData {
    fn from(s: &CaSigner<'_>) -> KeyData {
        s.public.clone()
    }
}

/// What to certify.
#[derive(Debug, Clone)]
pub(crate) struct Request<'a> {
    pub(crate) which: Vmconsole,
    /// The key certified (the entity's key, `certs/<entity>.pub`).
    pub(crate) subject: &'a KeyData,
    /// `ENGINE_FQDN`, the host certificate's principal.
    pub(crate) fqdn: &'a str,
    /// `-V -1h:+<days>d` as absolute times: `now - 3600` and `now + days`.
    pub(crate) valid_after: i64,
    pub(crate) valid_before: i64,
    /// The comment after the base64 (the old file's, normally none).
    pub(crate) comment: &'a str,
    /// 32 random bytes, as ssh-keygen's nonce (the caller draws them: this stays pure).
    pub(crate) nonce: [u8; 32],
}

/// The certificate file (`<type> <base64>[ <comment>]\n`), signed by `ca_key`.
pub(crate) fn issue(ca_key: &PKey<Private>, req: &Request<'_>) -> Result<Vec<u8>> {
    let what = req.which.cert_rel();
    let e = |r: ssh_key::Error| SignError::quoted(SignStep::OpensshCert(what.to_string()), r);
    let time = |t: i64| {
        u64::try_from(t).map_err(|_| SignError {
            what: SignStep::OpensshCert(what.to_string()),
            reason: SignReason::BeforeEpoch,
        })
    };
    let mut b = Builder::new(
        req.nonce.to_vec(),
        req.subject.clone(),
        time(req.valid_after)?,
        time(req.valid_before)?,
    )
    .map_err(e)?;
    b.serial(0).map_err(e)?;
    b.cert_type(if req.which.host {
        CertType::Host
    } else {
        CertType::User
    })
    .map_err(e)?;
    b.key_id(req.which.key_id()).map_err(e)?;
    b.valid_principal(req.which.principal(req.fqdn))
        .map_err(e)?;
    for x in req.which.extensions() {
        b.extension(*x, "").map_err(e)?;
    }
    if !req.comment.is_empty() {
        b.comment(req.comment).map_err(e)?;
    }
    let signer = CaSigner {
        key: ca_key,
        public: ssh_public(ca_key)?,
    };
    let cert = b.sign(&signer).map_err(e)?;
    let line = cert.to_openssh().map_err(e)?;
    Ok(format!("{}\n", line.trim_end()).into_bytes())
}

/// Parses a certificate file.
pub(crate) fn parse(data: &[u8]) -> std::result::Result<Certificate, ParseError> {
    let t = std::str::from_utf8(data).map_err(ParseError::NotUtf8)?;
    Certificate::from_openssh(t.trim()).map_err(ParseError::NotOpenssh)
}

/// Why a file is not an OpenSSH certificate.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ParseError {
    #[error("{0}")]
    NotUtf8(std::str::Utf8Error),
    #[error("not an OpenSSH certificate: {0}")]
    NotOpenssh(ssh_key::Error),
}

/// What is wrong with `c` as oVirt's certificate of `subject` signed by `ca` (empty: it is
/// one), each a catalogue message. Validity is not judged here (the callers' windows differ).
pub(crate) fn problems(
    c: &Certificate,
    which: Vmconsole,
    subject: Option<&KeyData>,
    ca: &KeyData,
    fqdn: Option<&str>,
) -> Vec<Text> {
    let mut w = Vec::new();
    let want = if which.host {
        CertType::Host
    } else {
        CertType::User
    };
    let kind = |t: CertType| match t {
        CertType::Host => Text::new("sshcert-kind-host"),
        _ => Text::new("sshcert-kind-user"),
    };
    if c.cert_type() != want {
        w.push(
            Text::new("sshcert-wrong-type")
                .arg_text("found", kind(c.cert_type()))
                .arg_text("expected", kind(want)),
        );
    }
    if c.signature_key() != ca {
        w.push(
            Text::new("sshcert-other-signer")
                .arg("signer", c.signature_key().fingerprint(HashAlg::Sha256))
                .arg("ca", ca.fingerprint(HashAlg::Sha256)),
        );
    } else if c
        .validate_at(c.valid_after(), [&ca.fingerprint(HashAlg::Sha256)])
        .is_err()
    {
        w.push(Text::new("sshcert-bad-signature"));
    } else if c.signature().algorithm().as_str() == "ssh-rsa" {
        w.push(Text::new("sshcert-sha1"));
    }
    if let Some(s) = subject {
        if c.public_key() != s {
            w.push(
                Text::new("sshcert-other-key")
                    .arg("key", c.public_key().fingerprint(HashAlg::Sha256))
                    .arg("expected", s.fingerprint(HashAlg::Sha256)),
            );
        }
    }
    let principal = if which.host {
        fqdn.map(str::to_string)
    } else {
        Some(USER_PRINCIPAL.to_string())
    };
    if let Some(p) = principal {
        if !c.valid_principals().contains(&p) {
            w.push(Text::new("sshcert-principal-missing").arg("principal", p));
        }
    }
    w
}

impl ParseError {
    /// The error as a catalogue message (the decoder's words as they came); English: the
    /// `Display`.
    pub(crate) fn text(&self) -> Text {
        match self {
            ParseError::NotUtf8(e) => Text::verbatim(e),
            ParseError::NotOpenssh(e) => Text::new("sshcert-not-openssh").arg("error", e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(bits: u32) -> PKey<Private> {
        PKey::from_rsa(openssl::rsa::Rsa::generate(bits).unwrap()).unwrap()
    }

    #[test]
    fn issued_certificates_verify_and_carry_ovirts_fields() {
        let ca = key(2048);
        let subject_key = key(2048);
        let subject = ssh_public(&subject_key).unwrap();
        let ca_pub = ssh_public(&ca).unwrap();
        for which in VMCONSOLE {
            let data = issue(
                &ca,
                &Request {
                    which,
                    subject: &subject,
                    fqdn: "engine.example.test",
                    valid_after: 1_700_000_000 - 3600,
                    valid_before: 1_700_000_000 + 1827 * 86_400,
                    comment: "",
                    nonce: [7; 32],
                },
            )
            .unwrap();
            assert!(data.ends_with(b"\n"));
            let c = parse(&data).unwrap();
            assert_eq!(c.key_id(), which.entity);
            assert_eq!(c.serial(), 0);
            assert_eq!(c.valid_after(), 1_700_000_000 - 3600);
            assert_eq!(c.signature().algorithm().as_str(), "rsa-sha2-512");
            assert!(problems(
                &c,
                which,
                Some(&subject),
                &ca_pub,
                Some("engine.example.test")
            )
            .is_empty());
            let exts: Vec<&String> = c.extensions().keys().collect();
            assert_eq!(exts.len(), which.extensions().len());
            // Another CA key, another FQDN: both said.
            let other = ssh_public(&key(2048)).unwrap();
            let p = problems(&c, which, Some(&subject), &other, Some("x.example.test"));
            assert!(p[0].english().starts_with("signed by"), "{p:?}");
            assert_eq!(p.len(), if which.host { 2 } else { 1 }, "{p:?}");
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse(b"\xff\xfe").is_err());
        assert!(parse(b"ssh-rsa-cert-v01@openssh.com AAAA").is_err());
        assert!(parse(b"").is_err());
    }
}
