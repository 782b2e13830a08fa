//! Chain checks against a known issuer (ca.pem, qemu-ca.pem, an apache-ca.pem file). The issuer's
//! RSA key is prepared once, then each leaf costs one hash and one public-key operation — which
//! is what lets an audit verify tens of thousands of host certificates per second. SHA-1 and MD5
//! signatures are verified too (we must judge exactly the certificates RHEL 9 would reject).

use std::sync::OnceLock;

use openssl::bn::BigNum;
use openssl::pkey::{PKey, Public};
use openssl::rsa::{Padding, Rsa};
use openssl::x509::X509;
use x509_parser::prelude::*;

use crate::cert::Digest;

/// A certificate that signs others, prepared for fast verification.
pub struct Issuer {
    /// Short name used in reports: `ca`, `qemu-ca`, `apache-ca`.
    pub name: String,
    pub subject_raw: Vec<u8>,
    pub not_after: i64,
    rsa: Option<Rsa<Public>>,
    /// The key as OpenSSL's EVP sees it, for algorithms other than RSA PKCS#1 v1.5. Made
    /// when first needed: an OpenSSL 3 key decode costs ~0.2 ms, and almost no certificate
    /// needs it.
    pkey: OnceLock<Option<PKey<Public>>>,
    spki: Vec<u8>,
}

/// Result of checking one certificate against one issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChainStatus {
    /// Issuer name matches and the signature verifies.
    Valid,
    /// Issued by a different name than this issuer's subject.
    OtherIssuer,
    /// Names match but the signature does not verify with this issuer's key.
    BadSignature,
    /// Neither fast path nor OpenSSL could check this algorithm.
    Unverifiable,
}

impl Issuer {
    /// Prepares `der` (a CA certificate) as an issuer.
    pub fn new(name: &str, der: &[u8]) -> Result<Issuer, String> {
        let (_, x) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
        let spki = x.public_key().raw;
        // A plain rsaEncryption key (strict DER, which OpenSSL's decoder accepts too) is built
        // from its numbers; anything else is decoded by OpenSSL now, failing as it always did.
        let simple = crate::cert::der::spki_rsa(spki).and_then(|k| {
            let n = BigNum::from_slice(&k.n).ok()?;
            let e = BigNum::from_slice(&k.e).ok()?;
            Rsa::from_public_components(n, e).ok()
        });
        let (rsa, pkey) = match simple {
            Some(r) => (Some(r), OnceLock::new()),
            None => {
                let pkey = PKey::public_key_from_der(spki).map_err(|e| e.to_string())?;
                (pkey.rsa().ok(), OnceLock::from(Some(pkey)))
            }
        };
        Ok(Issuer {
            name: name.to_string(),
            subject_raw: x.subject().as_raw().to_vec(),
            not_after: x.validity().not_after.timestamp(),
            rsa,
            pkey,
            spki: spki.to_vec(),
        })
    }

    /// Checks `cert` (parsed from `der`) against this issuer.
    pub fn check(&self, cert: &X509Certificate<'_>, der: &[u8]) -> ChainStatus {
        if cert.issuer().as_raw() != self.subject_raw.as_slice() {
            return ChainStatus::OtherIssuer;
        }
        let oid = cert.signature_algorithm.algorithm.to_id_string();
        let sig = cert.signature_value.data.as_ref();
        let tbs = cert.tbs_certificate.as_ref();
        if let (Some(rsa), Some(digest_info)) = (&self.rsa, rsa_digest_info(&oid, tbs)) {
            let mut buf = vec![0u8; rsa.size() as usize];
            return match rsa.public_decrypt(sig, &mut buf, Padding::PKCS1) {
                Ok(n) if buf[..n] == digest_info[..] => ChainStatus::Valid,
                _ => ChainStatus::BadSignature,
            };
        }
        // Anything else (RSA-PSS, ECDSA/EC issuers): let OpenSSL do it.
        let pkey = self
            .pkey
            .get_or_init(|| PKey::public_key_from_der(&self.spki).ok());
        let Some(pkey) = pkey else {
            return ChainStatus::Unverifiable;
        };
        match X509::from_der(der).and_then(|x| x.verify(pkey)) {
            Ok(true) => ChainStatus::Valid,
            Ok(false) => ChainStatus::BadSignature,
            Err(_) => ChainStatus::Unverifiable,
        }
    }
}

/// DER DigestInfo prefixes (RFC 8017 §9.2 note 1).
const MD5_PREFIX: &[u8] = &[
    0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00,
    0x04, 0x10,
];
const SHA1_PREFIX: &[u8] = &[
    0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14,
];
const SHA224_PREFIX: &[u8] = &[
    0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05,
    0x00, 0x04, 0x1c,
];
const SHA256_PREFIX: &[u8] = &[
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];
const SHA384_PREFIX: &[u8] = &[
    0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05,
    0x00, 0x04, 0x30,
];
const SHA512_PREFIX: &[u8] = &[
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05,
    0x00, 0x04, 0x40,
];

/// The DigestInfo a PKCS#1 v1.5 RSA signature over `tbs` must decrypt to, or None when the
/// algorithm is not plain RSA PKCS#1 v1.5.
fn rsa_digest_info(oid: &str, tbs: &[u8]) -> Option<Vec<u8>> {
    use openssl::sha;
    let alg = crate::cert::SigAlg::from_oid(oid);
    if !alg.rsa_pkcs1 {
        return None;
    }
    let (prefix, hash): (&[u8], Vec<u8>) = match alg.digest {
        Digest::Md5 => (
            MD5_PREFIX,
            openssl::hash::hash(openssl::hash::MessageDigest::md5(), tbs)
                .ok()?
                .to_vec(),
        ),
        // The context types, not the one-shot functions: in OpenSSL 3 `SHA256()` & co. go
        // through EVP_Q_digest, an algorithm fetch (locks, ~50 µs) per call.
        Digest::Sha1 => (SHA1_PREFIX, {
            let mut h = sha::Sha1::new();
            h.update(tbs);
            h.finish().to_vec()
        }),
        Digest::Sha224 => (SHA224_PREFIX, {
            let mut h = sha::Sha224::new();
            h.update(tbs);
            h.finish().to_vec()
        }),
        Digest::Sha256 => (SHA256_PREFIX, crate::cert::sha256(tbs).to_vec()),
        Digest::Sha384 => (SHA384_PREFIX, {
            let mut h = sha::Sha384::new();
            h.update(tbs);
            h.finish().to_vec()
        }),
        Digest::Sha512 => (SHA512_PREFIX, {
            let mut h = sha::Sha512::new();
            h.update(tbs);
            h.finish().to_vec()
        }),
        Digest::Unknown => return None,
    };
    let mut v = prefix.to_vec();
    v.extend(hash);
    Some(v)
}
