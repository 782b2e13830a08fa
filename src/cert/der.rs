//! A strict DER reader (definite, minimal lengths; minimal INTEGERs) and the public half of RSA
//! private keys, so "does this key belong to that certificate" needs no OpenSSL decoder (each
//! OpenSSL 3 key load costs ~0.5 ms of decoder set-up). Strict on purpose: whatever this
//! rejects goes to the OpenSSL path, which then decides exactly as before.

pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
}

/// One TLV; `None` on anything that is not plain DER.
pub(crate) fn tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&l0, rest) = rest.split_first()?;
    let (len, rest) = if l0 < 0x80 {
        (l0 as usize, rest)
    } else {
        let n = (l0 & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n || rest[0] == 0 {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |a, b| (a << 8) | *b as usize);
        if len < 0x80 {
            return None;
        }
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((
        Tlv {
            tag,
            content: &rest[..len],
        },
        &rest[len..],
    ))
}

/// A TLV with the expected tag.
pub(crate) fn take(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (t, rest) = tlv(input)?;
    (t.tag == tag).then_some((t.content, rest))
}

/// Exactly one TLV with this tag and nothing after it.
pub(crate) fn only(input: &[u8], tag: u8) -> Option<&[u8]> {
    let (c, rest) = take(input, tag)?;
    rest.is_empty().then_some(c)
}

/// Every TLV of a constructed content.
pub(crate) fn items(mut content: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut v = Vec::new();
    while !content.is_empty() {
        let (t, rest) = tlv(content)?;
        v.push(t);
        content = rest;
    }
    Some(v)
}

/// A minimally encoded INTEGER's content octets.
pub(crate) fn integer(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let (c, rest) = take(input, 0x02)?;
    match c {
        [] => None,
        [0, b, ..] if b & 0x80 == 0 => None,
        [0xff, b, ..] if b & 0x80 != 0 => None,
        _ => Some((c, rest)),
    }
}

/// A positive INTEGER as its magnitude without leading zeros.
pub(crate) fn positive(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let (c, rest) = integer(input)?;
    if c[0] & 0x80 != 0 {
        return None;
    }
    let m = if c[0] == 0 { &c[1..] } else { c };
    (!m.is_empty()).then_some((m, rest))
}

/// A small non-negative INTEGER.
pub(crate) fn small(input: &[u8]) -> Option<(u64, &[u8])> {
    let (c, rest) = integer(input)?;
    if c[0] & 0x80 != 0 || c.len() > 8 {
        return None;
    }
    Some((c.iter().fold(0u64, |a, b| (a << 8) | *b as u64), rest))
}

/// DER content octets of the OIDs we look for.
pub(crate) mod oid {
    pub const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    pub const DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
    pub const ENCRYPTED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06];
    pub const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
    pub const HMAC_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09];
    pub const PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
    pub const PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
    pub const AES128_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02];
    pub const AES192_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x16];
    pub const AES256_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a];
    pub const KEY_BAG: &[u8] = &[
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x01,
    ];
    pub const SHROUDED_KEY_BAG: &[u8] = &[
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x02,
    ];
    pub const CERT_BAG: &[u8] = &[
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x03,
    ];
    pub const X509_CERTIFICATE: &[u8] =
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x16, 0x01];
    pub const FRIENDLY_NAME: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x14];
    pub const LOCAL_KEY_ID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x15];
}

/// An AlgorithmIdentifier `{ oid, NULL }` or `{ oid }`: its OID.
pub(crate) fn null_alg(alg: &[u8]) -> Option<&[u8]> {
    let (o, rest) = take(alg, 0x06)?;
    match rest {
        [] | [0x05, 0x00] => Some(o),
        _ => None,
    }
}

/// The public half of an RSA key: modulus and exponent magnitudes, without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsaPublic {
    pub n: Vec<u8>,
    pub e: Vec<u8>,
}

/// PKCS#1 RSAPrivateKey (two-prime, version 0).
pub(crate) fn rsa_private_key(der: &[u8]) -> Option<RsaPublic> {
    let body = only(der, 0x30)?;
    let (v, rest) = small(body)?;
    if v != 0 {
        return None;
    }
    let (n, rest) = positive(rest)?;
    let (e, mut rest) = positive(rest)?;
    // d, p, q, dp, dq, qinv
    for _ in 0..6 {
        rest = integer(rest)?.1;
    }
    rest.is_empty().then(|| RsaPublic {
        n: n.to_vec(),
        e: e.to_vec(),
    })
}

/// PKCS#8 PrivateKeyInfo (version 0) holding an rsaEncryption key.
pub(crate) fn pkcs8_rsa(der: &[u8]) -> Option<RsaPublic> {
    let body = only(der, 0x30)?;
    let (v, rest) = small(body)?;
    if v != 0 {
        return None;
    }
    let (alg, rest) = take(rest, 0x30)?;
    let (o, params) = take(alg, 0x06)?;
    if o != oid::RSA_ENCRYPTION || params != [0x05, 0x00] {
        return None;
    }
    let (key, rest) = take(rest, 0x04)?;
    match rest {
        [] => {}
        // Optional [0] IMPLICIT attributes, and nothing else.
        _ => {
            let (t, r) = tlv(rest)?;
            if t.tag != 0xa0 || !r.is_empty() {
                return None;
            }
        }
    }
    rsa_private_key(key)
}

/// The RSA public key of a certificate's SubjectPublicKeyInfo (`rsaEncryption` only).
pub(crate) fn spki_rsa(spki_raw: &[u8]) -> Option<RsaPublic> {
    let body = only(spki_raw, 0x30)?;
    let (alg, rest) = take(body, 0x30)?;
    if null_alg(alg)? != oid::RSA_ENCRYPTION {
        return None;
    }
    let bits = only(rest, 0x03)?;
    let (&unused, key) = bits.split_first()?;
    if unused != 0 {
        return None;
    }
    let seq = only(key, 0x30)?;
    let (n, rest) = positive(seq)?;
    let (e, rest) = positive(rest)?;
    rest.is_empty().then(|| RsaPublic {
        n: n.to_vec(),
        e: e.to_vec(),
    })
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
    }

    #[test]
    fn non_minimal_encodings_are_refused() {
        // Length 3 written in long form.
        assert!(tlv(&[0x04, 0x81, 0x03, 1, 2, 3]).is_none());
        // INTEGER 1 padded with a zero byte.
        assert!(integer(&[0x02, 0x02, 0x00, 0x01]).is_none());
        assert!(integer(&[0x02, 0x00]).is_none());
        assert_eq!(positive(&[0x02, 0x02, 0x00, 0x80]).unwrap().0, &[0x80]);
        assert!(positive(&[0x02, 0x01, 0x80]).is_none());
        // Indefinite length.
        assert!(tlv(&[0x30, 0x80, 0, 0]).is_none());
    }
}
