//! The public half of RSA private keys and certificates' RSA keys, read with RustCrypto's
//! `pkcs1` / `pkcs8` / `spki` (strict DER, already in the tree through `rsa`), so "does this
//! key belong to that certificate" needs no OpenSSL decoder (each OpenSSL 3 key load costs
//! ~0.5 ms of decoder set-up). Whatever these refuse goes to the OpenSSL path, which then
//! decides exactly as before.

use der::asn1::UintRef;
use der::Decode;

/// rsaEncryption.
const RSA_ENCRYPTION: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// The public half of an RSA key: modulus and exponent magnitudes, without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RsaPublic {
    pub(crate) n: Vec<u8>,
    pub(crate) e: Vec<u8>,
}

impl RsaPublic {
    fn of(n: UintRef<'_>, e: UintRef<'_>) -> Option<RsaPublic> {
        let (n, e) = (n.as_bytes(), e.as_bytes());
        // A zero modulus or exponent is no key: OpenSSL decides.
        if n.iter().all(|b| *b == 0) || e.iter().all(|b| *b == 0) {
            return None;
        }
        Some(RsaPublic {
            n: n.to_vec(),
            e: e.to_vec(),
        })
    }
}

/// PKCS#1 RSAPrivateKey (two-prime, version 0).
pub(crate) fn rsa_private_key(der: &[u8]) -> Option<RsaPublic> {
    let k = pkcs1::RsaPrivateKey::from_der(der).ok()?;
    if k.version() != pkcs1::Version::TwoPrime {
        return None;
    }
    RsaPublic::of(k.modulus, k.public_exponent)
}

/// PKCS#8 PrivateKeyInfo (version 0) holding an rsaEncryption key with NULL parameters.
pub(crate) fn pkcs8_rsa(der: &[u8]) -> Option<RsaPublic> {
    let p = pkcs8::PrivateKeyInfoRef::from_der(der).ok()?;
    if p.version() != pkcs8::Version::V1 || p.algorithm.oid != RSA_ENCRYPTION {
        return None;
    }
    if !p.algorithm.parameters.is_some_and(|a| a.is_null()) {
        return None;
    }
    rsa_private_key(p.private_key.as_bytes())
}

/// The RSA public key of a certificate's SubjectPublicKeyInfo (`rsaEncryption` only).
pub(crate) fn spki_rsa(spki_raw: &[u8]) -> Option<RsaPublic> {
    let s = spki::SubjectPublicKeyInfoRef::from_der(spki_raw).ok()?;
    if s.algorithm.oid != RSA_ENCRYPTION || s.algorithm.parameters.is_some_and(|a| !a.is_null()) {
        return None;
    }
    let k = pkcs1::RsaPublicKey::from_der(s.subject_public_key.as_bytes()?).ok()?;
    RsaPublic::of(k.modulus, k.public_exponent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;

    #[test]
    fn rsa_parts_match_openssl_in_every_encoding() {
        let rsa = Rsa::generate(1024).unwrap();
        let want = RsaPublic {
            n: rsa.n().to_vec(),
            e: rsa.e().to_vec(),
        };
        let pkcs1 = rsa.private_key_to_der().unwrap();
        assert_eq!(rsa_private_key(&pkcs1), Some(want.clone()));
        let pkey = PKey::from_rsa(rsa).unwrap();
        let pkcs8 = pkey.private_key_to_pkcs8().unwrap();
        assert_eq!(pkcs8_rsa(&pkcs8), Some(want.clone()));
        let spki = pkey.public_key_to_der().unwrap();
        assert_eq!(spki_rsa(&spki), Some(want));
        // Not the other's format, and not with trailing bytes.
        assert_eq!(pkcs8_rsa(&pkcs1), None);
        assert_eq!(rsa_private_key(&pkcs8), None);
        let mut long = pkcs1.clone();
        long.push(0);
        assert_eq!(rsa_private_key(&long), None);
        // Non-minimal DER (the length of the outer SEQUENCE in a longer form) is refused.
        let mut loose = vec![0x30, 0x83, 0x00];
        loose.extend_from_slice(&pkcs1[2..]);
        assert_eq!(rsa_private_key(&loose), None);
    }
}
