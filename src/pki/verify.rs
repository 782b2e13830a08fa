//! Chain checks against a known issuer (ca.pem, qemu-ca.pem, an apache-ca.pem file). The issuer's
//! RSA key is prepared once, then each leaf costs one hash and one public-key operation — which
//! is what lets an audit verify tens of thousands of host certificates per second. SHA-1 and MD5
//! signatures are verified too (we must judge exactly the certificates RHEL 9 would reject).

use std::sync::OnceLock;

use openssl::bn::BigNum;
use openssl::pkey::{PKey, Public};
use openssl::rsa::{Padding, Rsa};
use openssl::x509::X509;
use ring::signature::{self, RsaParameters, RsaPublicKeyComponents};
use x509_parser::prelude::*;

use crate::pki::cert::{Digest, RsaPublic};

/// A certificate that signs others, prepared for fast verification.
#[derive(Clone)]
pub struct Issuer {
    /// Short name used in reports: `ca`, `qemu-ca`, `apache-ca`.
    pub(crate) name: String,
    pub(crate) subject_raw: Vec<u8>,
    pub(crate) not_after: i64,
    /// When the CA was (re-)signed: a host certificate issued before holds the old CA copy.
    pub(crate) not_before: i64,
    /// A plain rsaEncryption key's numbers.
    simple: Option<RsaPublic>,
    /// OpenSSL's RSA key built from them (made when first needed): PKCS#1 v1.5 signatures.
    rsa: OnceLock<Option<Rsa<Public>>>,
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

/// Why a certificate cannot serve as an issuer; shown as the `chain-invalid` reason.
#[derive(Debug, thiserror::Error)]
pub enum IssuerError {
    /// Not a DER X.509 certificate.
    #[error("{0}")]
    Certificate(x509_parser::nom::Err<x509_parser::error::X509Error>),
    /// Its public key is not one OpenSSL decodes.
    #[error("{0}")]
    PublicKey(openssl::error::ErrorStack),
}

impl Issuer {
    /// Prepares `der` (a CA certificate) as an issuer.
    pub fn new(name: &str, der: &[u8]) -> Result<Issuer, IssuerError> {
        let (_, x) = X509Certificate::from_der(der).map_err(IssuerError::Certificate)?;
        let spki = x.public_key().raw;
        // A plain rsaEncryption key (strict DER, which OpenSSL's decoder accepts too) is built
        // from its numbers; anything else is decoded by OpenSSL now, failing as it always did.
        let simple = crate::pki::cert::keys::spki_rsa(spki);
        let (rsa, pkey) = match simple {
            Some(_) => (OnceLock::new(), OnceLock::new()),
            None => {
                let pkey = PKey::public_key_from_der(spki).map_err(IssuerError::PublicKey)?;
                (OnceLock::from(pkey.rsa().ok()), OnceLock::from(Some(pkey)))
            }
        };
        Ok(Issuer {
            name: name.to_string(),
            subject_raw: x.subject().as_raw().to_vec(),
            not_after: x.validity().not_after.timestamp(),
            not_before: x.validity().not_before.timestamp(),
            simple,
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
        // PKCS#1 v1.5 with a plain RSA key: OpenSSL's RSA keeps the issuer's Montgomery
        // context between calls, so each leaf costs one hash and one modular exponentiation.
        // (ring, used before, re-derives R² mod n from the modulus on every call: a third of
        // its verification time, 15% of a 10,000-host audit's CPU.)
        let rsa = self.rsa.get_or_init(|| {
            let k = self.simple.as_ref()?;
            let n = BigNum::from_slice(&k.n).ok()?;
            let e = BigNum::from_slice(&k.e).ok()?;
            Rsa::from_public_components(n, e).ok()
        });
        let digest_info = rsa_digest_info(&oid, tbs);
        if let (Some(rsa), Some(digest_info)) = (rsa, &digest_info) {
            let mut buf = vec![0u8; rsa.size() as usize];
            match rsa.public_decrypt(sig, &mut buf, Padding::PKCS1) {
                Ok(n) if buf[..n] == digest_info[..] => return ChainStatus::Valid,
                Ok(_) => return ChainStatus::BadSignature,
                // OpenSSL refused the operation (a bad signature's padding, or a policy):
                // ring decides below, as it did before OpenSSL came first.
                Err(_) => {}
            }
        }
        // ring, which accepts only a correct PKCS#1 v1.5 signature: for what OpenSSL refused
        // or a key it would not build from its numbers.
        if let (Some(k), Some(alg)) = (&self.simple, ring_alg(&oid)) {
            let key = RsaPublicKeyComponents {
                n: k.n.as_slice(),
                e: k.e.as_slice(),
            };
            if key.verify(alg, tbs, sig).is_ok() {
                return ChainStatus::Valid;
            }
        }
        if rsa.is_some() && digest_info.is_some() {
            return ChainStatus::BadSignature;
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

/// ring's parameters for a PKCS#1 v1.5 signature OID (the widest key-size range it has).
fn ring_alg(oid: &str) -> Option<&'static RsaParameters> {
    Some(match oid {
        "1.2.840.113549.1.1.5" => &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        "1.2.840.113549.1.1.11" => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        "1.2.840.113549.1.1.12" => &signature::RSA_PKCS1_2048_8192_SHA384,
        "1.2.840.113549.1.1.13" => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        _ => return None,
    })
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
    let alg = crate::pki::cert::SigAlg::from_oid(oid);
    if !alg.rsa_pkcs1 {
        return None;
    }
    let (prefix, hash): (&[u8], Vec<u8>) = match alg.digest {
        // Not OpenSSL's: under FIPS it refuses MD5, and the audit must still judge (and
        // flag) an MD5 signature rather than call it forged.
        Digest::Md5 => (MD5_PREFIX, md5::compute(tbs).0.to_vec()),
        // The context types, not the one-shot functions: in OpenSSL 3 `SHA256()` & co. go
        // through EVP_Q_digest, an algorithm fetch (locks, ~50 µs) per call.
        // A crate, not OpenSSL: the digest must not depend on what OpenSSL's policy allows.
        Digest::Sha1 => (SHA1_PREFIX, {
            use sha1::Digest as _;
            sha1::Sha1::digest(tbs).to_vec()
        }),
        Digest::Sha224 => (SHA224_PREFIX, {
            let mut h = sha::Sha224::new();
            h.update(tbs);
            h.finish().to_vec()
        }),
        Digest::Sha256 => (SHA256_PREFIX, crate::pki::cert::sha256(tbs).to_vec()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::asn1::Asn1Time;
    use openssl::hash::MessageDigest;
    use openssl::pkey::Private;
    use openssl::x509::{X509Builder, X509NameBuilder};

    fn cert(
        cn: &str,
        issuer: Option<(&X509, &PKey<Private>)>,
        key: &PKey<Private>,
        md: MessageDigest,
    ) -> X509 {
        let mut n = X509NameBuilder::new().unwrap();
        n.append_entry_by_text("CN", cn).unwrap();
        let n = n.build();
        let mut b = X509Builder::new().unwrap();
        b.set_version(2).unwrap();
        b.set_subject_name(&n).unwrap();
        b.set_issuer_name(issuer.map(|i| i.0.subject_name()).unwrap_or(&n))
            .unwrap();
        b.set_pubkey(key).unwrap();
        b.set_not_before(&Asn1Time::from_unix(0).unwrap()).unwrap();
        b.set_not_after(&Asn1Time::from_unix(2_000_000_000).unwrap())
            .unwrap();
        b.sign(issuer.map(|i| i.1).unwrap_or(key), md).unwrap();
        b.build()
    }

    /// The ring fast path and OpenSSL's own X509_verify agree on every digest, on a 1024-bit
    /// issuer (below ring's SHA-384 minimum) and on corrupted signatures.
    #[test]
    fn fast_paths_agree_with_openssl() {
        for bits in [1024, 2048] {
            let ca_key = PKey::from_rsa(Rsa::generate(bits).unwrap()).unwrap();
            let ca = cert("ca", None, &ca_key, MessageDigest::sha256());
            let issuer = Issuer::new("ca", &ca.to_der().unwrap()).unwrap();
            let leaf_key = PKey::from_rsa(Rsa::generate(1024).unwrap()).unwrap();
            for md in [
                MessageDigest::md5(),
                MessageDigest::sha1(),
                MessageDigest::sha224(),
                MessageDigest::sha256(),
                MessageDigest::sha384(),
                MessageDigest::sha512(),
            ] {
                let leaf = cert("leaf", Some((&ca, &ca_key)), &leaf_key, md);
                let good = leaf.to_der().unwrap();
                let mut bad = good.clone();
                let last = bad.len() - 1;
                bad[last] ^= 1;
                for der in [good, bad] {
                    let (_, x) = X509Certificate::from_der(&der).unwrap();
                    let want = X509::from_der(&der)
                        .unwrap()
                        .verify(&ca.public_key().unwrap())
                        .unwrap_or(false);
                    let got = issuer.check(&x, &der);
                    assert_eq!(
                        got == ChainStatus::Valid,
                        want,
                        "RSA-{bits} issuer, {:?}: {got:?}",
                        md.type_().long_name()
                    );
                }
            }
        }
    }
}
