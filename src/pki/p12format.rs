//! Tells which PKCS#12 flavour a file is (RC2-40 / 3DES / PBES2-AES, MAC digest, friendlyName
//! on the key bag) without its password, by walking the DER. RHEL 9 readiness and re-emitting a
//! p12 "in the same family" both need this, and neither may depend on knowing the password.

use serde::Serialize;

/// The most iterations rhv-pki lets any key derivation of a PKCS#12 file run (the MAC's,
/// and every PBE / PBKDF2 — or scrypt cost — of its encrypted parts). OpenSSL writes 2,048
/// and keytool 10,000, so real key stores sit far below it; above it one file could keep
/// `audit` (a Nagios check, a timer) or `resign` busy for minutes (2^31-1 MAC iterations:
/// ~6 minutes). A store above the cap is reported (`p12-iterations-excessive`) and refused
/// by `resign`, without deriving any key. The counts are read from the DER before the file
/// goes near OpenSSL or the native reader.
pub(crate) const MAX_P12_ITERATIONS: u64 = 1_000_000;

/// One key derivation's iteration count, as the file states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Iterations {
    /// `MAC`, `certificate encryption`, `key encryption`.
    pub(crate) what: &'static str,
    /// PBKDF2 / PKCS#12 KDF iterations the file asks for.
    pub count: u64,
}

/// How one bag (or the whole certificate SafeContents) is protected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Pbe {
    /// Not encrypted at all.
    None,
    /// pbeWithSHAAnd40BitRC2-CBC: unreadable by OpenSSL 3 without the legacy provider.
    Rc2_40,
    Rc2_128,
    /// pbeWithSHAAnd3-KeyTripleDES-CBC.
    Des3,
    /// PBES2 with PBKDF2; cipher and PRF as OpenSSL names them.
    Pbes2 {
        cipher: String,
        prf: String,
    },
    Other {
        oid: String,
    },
}

impl Pbe {
    pub(crate) fn short(&self) -> String {
        match self {
            Pbe::None => "none".into(),
            Pbe::Rc2_40 => "RC2-40".into(),
            Pbe::Rc2_128 => "RC2-128".into(),
            Pbe::Des3 => "3DES".into(),
            Pbe::Pbes2 { cipher, prf } => format!("PBES2/{cipher}/{prf}"),
            Pbe::Other { oid } => oid.clone(),
        }
    }
    fn is_legacy(&self) -> bool {
        matches!(self, Pbe::Rc2_40 | Pbe::Rc2_128 | Pbe::Des3)
    }
}

/// The format family of a PKCS#12 file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct P12Format {
    /// Protection of the SafeContents holding the certificate(s).
    pub(crate) cert_pbe: Pbe,
    /// Protection of the (shrouded) key bag, when one is visible.
    pub(crate) key_pbe: Option<Pbe>,
    /// MAC digest (`sha1`, `sha256`, …) and iteration count, when a MAC is present.
    pub(crate) mac: Option<(String, u64)>,
    /// The key bag carries a friendlyName: Java would not call the entry alias `1`.
    pub(crate) key_friendly_name: bool,
    /// Every iteration count visible without the password (MAC, each PBE / PBKDF2).
    #[serde(skip)]
    pub(crate) iterations: Vec<Iterations>,
}

impl P12Format {
    /// The largest iteration count above the limit (1,000,000), if any.
    pub fn excessive(&self) -> Option<&Iterations> {
        self.iterations
            .iter()
            .filter(|i| i.count > MAX_P12_ITERATIONS)
            .max_by_key(|i| i.count)
    }
    /// Any part uses an algorithm OpenSSL 3 only reads with the legacy provider.
    pub(crate) fn needs_legacy_provider(&self) -> bool {
        matches!(self.cert_pbe, Pbe::Rc2_40 | Pbe::Rc2_128)
            || matches!(self.key_pbe, Some(Pbe::Rc2_40 | Pbe::Rc2_128))
    }
    /// "legacy" (PKCS#12 PBE, SHA-1 MAC) or "modern" (PBES2).
    pub(crate) fn family(&self) -> &'static str {
        let legacy = self.cert_pbe.is_legacy() || self.key_pbe.as_ref().is_some_and(Pbe::is_legacy);
        if legacy {
            "legacy"
        } else {
            "modern"
        }
    }
    pub(crate) fn short(&self) -> String {
        let key = self
            .key_pbe
            .as_ref()
            .map(Pbe::short)
            .unwrap_or_else(|| "-".into());
        let mac = self
            .mac
            .as_ref()
            .map(|m| m.0.clone())
            .unwrap_or_else(|| "none".into());
        format!("cert:{} key:{} mac:{}", self.cert_pbe.short(), key, mac)
    }
}

/// Why a file is not a PKCS#12 this walker can read (shown after `not PKCS#12: `).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum P12FormatError {
    /// Not DER the `der` crate reads (indefinite or non-minimal lengths, truncation, …).
    #[error("{0}")]
    Der(der::Error),
    #[error("multi-byte tags are not used by PKCS#12")]
    /// A tag needs more than one byte.
    MultiByteTag,
    #[error("bad DER length")]
    /// A DER length is malformed or beyond the data.
    BadLength,
    #[error("expected {what} (tag {expected:#04x}), found tag {found:#04x}")]
    /// Another ASN.1 element than the structure requires.
    UnexpectedTag {
        /// What was expected.
        what: &'static str,
        /// The tag expected.
        expected: u8,
        /// The tag found.
        found: u8,
    },
    #[error("expected OCTET STRING, found tag {found:#04x}")]
    /// An OCTET STRING was expected.
    NotOctetString {
        /// The tag found.
        found: u8,
    },
    #[error("PBKDF2 parameters without an iteration count")]
    /// PBKDF2 parameters without an iteration count.
    Pbkdf2WithoutIterations,
    #[error("authSafe content type {oid} is not pkcs7-data (public-key integrity mode is not used by oVirt)")]
    /// The authenticated safe is not pkcs7-data.
    NotPkcs7Data {
        /// The content type found.
        oid: String,
    },
    #[error("SafeContents nested too deep")]
    /// SafeContents nested deeper than any real store.
    NestedTooDeep,
}

/// One DER element as `der` decodes it: its tag byte and content octets.
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
}

/// The first DER element of `input` (read by the `der` crate: definite, minimal lengths)
/// and the bytes after it.
fn tlv(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), P12FormatError> {
    use der::{Decode as _, Encode as _, Tagged as _};
    let mut r = der::SliceReader::new(input).map_err(P12FormatError::Der)?;
    let any = der::asn1::AnyRef::decode(&mut r).map_err(P12FormatError::Der)?;
    // The tag in one byte (PKCS#12 uses no others) and the element's length in the input.
    let mut tag = [0u8; 1];
    let tag = match any.tag().encode_to_slice(&mut tag) {
        Ok([b]) => *b,
        _ => return Err(P12FormatError::MultiByteTag),
    };
    let len = any
        .encoded_len()
        .ok()
        .and_then(|l| usize::try_from(l).ok())
        .filter(|l| *l <= input.len())
        .ok_or(P12FormatError::BadLength)?;
    Ok((
        Tlv {
            tag,
            content: any.value(),
        },
        &input[len..],
    ))
}

fn expect<'a>(
    input: &'a [u8],
    tag: u8,
    what: &'static str,
) -> Result<(Tlv<'a>, &'a [u8]), P12FormatError> {
    let (t, rest) = tlv(input)?;
    if t.tag != tag {
        return Err(P12FormatError::UnexpectedTag {
            what,
            expected: tag,
            found: t.tag,
        });
    }
    Ok((t, rest))
}

fn items(mut content: &[u8]) -> Result<Vec<Tlv<'_>>, P12FormatError> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (t, rest) = tlv(content)?;
        out.push(t);
        content = rest;
    }
    Ok(out)
}

/// An INTEGER's value as an iteration count: negative is 0, anything past u64 saturates.
fn count(t: &Tlv<'_>) -> u64 {
    if t.content.first().is_some_and(|b| b & 0x80 != 0) {
        return 0;
    }
    t.content
        .iter()
        .fold(0u64, |a, b| a.saturating_mul(256).saturating_add(*b as u64))
}

/// Dotted string of an OID's content octets (`der`'s reading; the octets themselves when
/// they are no valid OID).
pub(crate) fn oid_string(c: &[u8]) -> String {
    match der::oid::ObjectIdentifier::from_bytes(c) {
        Ok(o) => o.to_string(),
        Err(_) => hex::encode(c),
    }
}

fn read_oid(input: &[u8]) -> Result<(String, &[u8]), P12FormatError> {
    let (t, rest) = expect(input, 0x06, "OID")?;
    Ok((oid_string(t.content), rest))
}

/// Content of an OCTET STRING, also when it is BER-constructed from primitive pieces.
fn octets(t: &Tlv<'_>) -> Result<Vec<u8>, P12FormatError> {
    match t.tag {
        0x04 => Ok(t.content.to_vec()),
        0x24 => {
            let mut out = Vec::new();
            for part in items(t.content)? {
                out.extend(octets(&part)?);
            }
            Ok(out)
        }
        other => Err(P12FormatError::NotOctetString { found: other }),
    }
}

fn cipher_name(oid: &str) -> String {
    match oid {
        "2.16.840.1.101.3.4.1.42" => "aes-256-cbc".into(),
        "2.16.840.1.101.3.4.1.22" => "aes-192-cbc".into(),
        "2.16.840.1.101.3.4.1.2" => "aes-128-cbc".into(),
        "1.2.840.113549.3.7" => "des-ede3-cbc".into(),
        o => o.into(),
    }
}

fn digest_name(oid: &str) -> String {
    match oid {
        "1.3.14.3.2.26" => "sha1".into(),
        "2.16.840.1.101.3.4.2.1" => "sha256".into(),
        "2.16.840.1.101.3.4.2.2" => "sha384".into(),
        "2.16.840.1.101.3.4.2.3" => "sha512".into(),
        "1.2.840.113549.2.7" => "hmac-sha1".into(),
        "1.2.840.113549.2.9" => "hmac-sha256".into(),
        "1.2.840.113549.2.11" => "hmac-sha512".into(),
        o => o.into(),
    }
}

/// Reads an AlgorithmIdentifier (the whole SEQUENCE TLV content), noting its iteration
/// count in `work` as `what`.
fn pbe_of(
    alg_content: &[u8],
    what: &'static str,
    work: &mut Vec<Iterations>,
) -> Result<Pbe, P12FormatError> {
    let (oid, rest) = read_oid(alg_content)?;
    // PKCS#12 PBE and PKCS#5 PBES1 parameters: SEQUENCE { salt OCTET STRING, iterations INTEGER }.
    if oid != "1.2.840.113549.1.5.13" {
        if let Ok((params, _)) = expect(rest, 0x30, "PBE parameters") {
            if let [salt, it, ..] = items(params.content)?.as_slice() {
                if salt.tag == 0x04 && it.tag == 0x02 {
                    work.push(Iterations {
                        what,
                        count: count(it),
                    });
                }
            }
        }
    }
    Ok(match oid.as_str() {
        "1.2.840.113549.1.12.1.6" => Pbe::Rc2_40,
        "1.2.840.113549.1.12.1.5" => Pbe::Rc2_128,
        "1.2.840.113549.1.12.1.3" => Pbe::Des3,
        "1.2.840.113549.1.5.13" => {
            // PBES2-params ::= SEQUENCE { keyDerivationFunc AlgId, encryptionScheme AlgId }
            let (params, _) = expect(rest, 0x30, "PBES2 parameters")?;
            let (kdf, rest2) = expect(params.content, 0x30, "key derivation function")?;
            let (enc, _) = expect(rest2, 0x30, "encryption scheme")?;
            let (kdf_oid, kdf_rest) = read_oid(kdf.content)?;
            let mut prf = "hmac-sha1".to_string();
            if let Ok((kp, _)) = expect(kdf_rest, 0x30, "PBKDF2 parameters") {
                let fields = items(kp.content)?;
                // PBKDF2 { salt, iterationCount, .. }; scrypt { salt, costParameter N, .. }:
                // either way the second field bounds the work.
                match fields.get(1) {
                    Some(it) if it.tag == 0x02 => work.push(Iterations {
                        what,
                        count: count(it),
                    }),
                    _ if kdf_oid == "1.2.840.113549.1.5.12" => {
                        return Err(P12FormatError::Pbkdf2WithoutIterations)
                    }
                    _ => {}
                }
                for it in fields {
                    if it.tag == 0x30 {
                        prf = digest_name(&read_oid(it.content)?.0);
                    }
                }
            }
            Pbe::Pbes2 {
                cipher: cipher_name(&read_oid(enc.content)?.0),
                prf,
            }
        }
        _ => Pbe::Other { oid },
    })
}

/// Walks a PKCS#12 file. The error names no file; the caller adds the path.
pub fn detect(der: &[u8]) -> Result<P12Format, P12FormatError> {
    let mut work = Vec::new();
    let (pfx, _) = expect(der, 0x30, "PFX SEQUENCE")?;
    let (_version, rest) = expect(pfx.content, 0x02, "version")?;
    let (auth_safe, rest) = expect(rest, 0x30, "authSafe ContentInfo")?;
    let mac = match tlv(rest) {
        Ok((mac_data, _)) if mac_data.tag == 0x30 => {
            let (digest_info, rest) = expect(mac_data.content, 0x30, "MAC DigestInfo")?;
            let (alg, _) = expect(digest_info.content, 0x30, "MAC algorithm")?;
            let (oid, _) = read_oid(alg.content)?;
            let (_salt, rest) = expect(rest, 0x04, "MAC salt")?;
            let iterations = match tlv(rest) {
                Ok((i, _)) if i.tag == 0x02 => count(&i),
                _ => 1,
            };
            work.push(Iterations {
                what: "MAC",
                count: iterations,
            });
            Some((digest_name(&oid), iterations))
        }
        _ => None,
    };
    let (oid, rest) = read_oid(auth_safe.content)?;
    if oid != "1.2.840.113549.1.7.1" {
        return Err(P12FormatError::NotPkcs7Data { oid });
    }
    let (explicit, _) = expect(rest, 0xa0, "authSafe content")?;
    let (os, _) = tlv(explicit.content)?;
    let safe = octets(&os)?;
    let (seq, _) = expect(&safe, 0x30, "AuthenticatedSafe")?;

    let mut cert_pbe: Option<Pbe> = None;
    let mut key_pbe = None;
    let mut key_friendly_name = false;
    for ci in items(seq.content)? {
        let (ctype, rest) = read_oid(ci.content)?;
        let (explicit, _) = expect(rest, 0xa0, "ContentInfo content")?;
        match ctype.as_str() {
            // encryptedData: the certificate SafeContents in every oVirt-era p12.
            "1.2.840.113549.1.7.6" => {
                let (ed, _) = expect(explicit.content, 0x30, "EncryptedData")?;
                let (_v, rest) = expect(ed.content, 0x02, "EncryptedData version")?;
                let (eci, _) = expect(rest, 0x30, "EncryptedContentInfo")?;
                let (_ct, rest) = read_oid(eci.content)?;
                let (alg, _) = expect(rest, 0x30, "content encryption algorithm")?;
                let pbe = pbe_of(alg.content, "certificate encryption", &mut work)?;
                cert_pbe.get_or_insert(pbe);
            }
            // data: SafeContents in clear (the shrouded key bag lives here).
            "1.2.840.113549.1.7.1" => {
                let (os, _) = tlv(explicit.content)?;
                let contents = octets(&os)?;
                let (bags, _) = expect(&contents, 0x30, "SafeContents")?;
                for bag in items(bags.content)? {
                    let (bag_id, rest) = read_oid(bag.content)?;
                    let (value, rest) = expect(rest, 0xa0, "bag value")?;
                    let attrs = match tlv(rest) {
                        Ok((a, _)) if a.tag == 0x31 => items(a.content)?,
                        _ => Vec::new(),
                    };
                    let has_name = attrs.iter().any(|a| {
                        read_oid(a.content)
                            .map(|(o, _)| o == "1.2.840.113549.1.9.20")
                            .unwrap_or(false)
                    });
                    match bag_id.as_str() {
                        "1.2.840.113549.1.12.10.1.2" => {
                            let (epki, _) = expect(value.content, 0x30, "EncryptedPrivateKeyInfo")?;
                            let (alg, _) = expect(epki.content, 0x30, "key encryption algorithm")?;
                            key_pbe = Some(pbe_of(alg.content, "key encryption", &mut work)?);
                            key_friendly_name |= has_name;
                        }
                        "1.2.840.113549.1.12.10.1.1" => {
                            key_pbe = Some(Pbe::None);
                            key_friendly_name |= has_name;
                        }
                        "1.2.840.113549.1.12.10.1.3" => {
                            cert_pbe.get_or_insert(Pbe::None);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(P12Format {
        cert_pbe: cert_pbe.unwrap_or(Pbe::None),
        key_pbe,
        mac,
        key_friendly_name,
        iterations: work,
    })
}

/// Why a PKCS#12 file is not handed to a key derivation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bound {
    /// The DER walk failed: its work cannot be bounded (nor is it a PKCS#12 rhv-pki reads).
    Unreadable(P12FormatError),
    /// An iteration count above [`MAX_P12_ITERATIONS`].
    Excessive(Iterations),
}

/// Checks, from the DER alone, that opening `der` derives no key with more than
/// [`MAX_P12_ITERATIONS`] iterations. Every reader of PKCS#12 files calls this first.
pub(crate) fn check_work(der: &[u8]) -> Result<(), Bound> {
    let fmt = detect(der).map_err(Bound::Unreadable)?;
    match fmt.excessive() {
        Some(i) => Err(Bound::Excessive(i.clone())),
        None => Ok(()),
    }
}

/// RFC 7292 appendix B.2 (the PKCS#12 key derivation) with SHA-1, as its PBE algorithms
/// use it: `n` bytes of purpose `id` (1 key, 2 IV, 3 MAC), from `pkcs12::kdf`. `None` for a
/// count outside 1..=[`MAX_P12_ITERATIONS`] (never derived).
fn pkcs12_kdf(id: u8, bmp: &[u8], salt: &[u8], iterations: u64, n: usize) -> Option<Vec<u8>> {
    crate::pki::cert::kdf::Kdf::Pkcs12 {
        digest: crate::pki::cert::kdf::Hash::Sha1,
        id,
        password_bmp: bmp,
        salt,
        iterations: u32::try_from(iterations).ok()?,
        len: n,
    }
    .run()
}

/// Decrypts the content of one encrypted part with `password`, for the algorithms OpenSSL
/// opens (PKCS#12 PBE with 3DES / RC2, PBES2 with PBKDF2 and AES / 3DES). `None`: another
/// algorithm, or not this password (OpenSSL then stops at the MAC, deriving nothing more).
fn decrypt_part(alg: &[u8], data: &[u8], password: &str) -> Option<Vec<u8>> {
    use openssl::symm::{decrypt, Cipher};
    let (oid, rest) = read_oid(alg).ok()?;
    let (params, _) = expect(rest, 0x30, "parameters").ok()?;
    let params = items(params.content).ok()?;
    let small = |t: &Tlv<'_>| -> Option<u64> { (t.tag == 0x02).then(|| count(t)) };
    if oid == "1.2.840.113549.1.5.13" {
        let (kdf, enc) = match params.as_slice() {
            [k, e] => (k, e),
            _ => return None,
        };
        let (kdf_oid, kdf_rest) = read_oid(kdf.content).ok()?;
        if kdf_oid != "1.2.840.113549.1.5.12" {
            return None;
        }
        let (kp, _) = expect(kdf_rest, 0x30, "PBKDF2 parameters").ok()?;
        let kp = items(kp.content).ok()?;
        let salt = kp.first().filter(|t| t.tag == 0x04)?.content;
        let iter = small(kp.get(1)?)?;
        use crate::pki::cert::kdf::Hash;
        let prf = match kp.iter().skip(2).find(|t| t.tag == 0x30) {
            None => Hash::Sha1,
            Some(prf) => match digest_name(&read_oid(prf.content).ok()?.0).as_str() {
                "hmac-sha1" => Hash::Sha1,
                "hmac-sha256" => Hash::Sha256,
                "hmac-sha512" => Hash::Sha512,
                _ => return None,
            },
        };
        let (enc_oid, enc_rest) = read_oid(enc.content).ok()?;
        let cipher = match enc_oid.as_str() {
            "2.16.840.1.101.3.4.1.2" => Cipher::aes_128_cbc(),
            "2.16.840.1.101.3.4.1.22" => Cipher::aes_192_cbc(),
            "2.16.840.1.101.3.4.1.42" => Cipher::aes_256_cbc(),
            "1.2.840.113549.3.7" => Cipher::des_ede3_cbc(),
            _ => return None,
        };
        let (iv, _) = expect(enc_rest, 0x04, "IV").ok()?;
        // OpenSSL's decrypt asserts on an IV of another length than the cipher's: a file
        // stating one is refused here, as OpenSSL's own PKCS#12 reader refuses it.
        if iter == 0 || iter > MAX_P12_ITERATIONS || Some(iv.content.len()) != cipher.iv_len() {
            return None;
        }
        // The `pbkdf2` crate: twice OpenSSL 3's speed here (a `.truststore` is 10,000
        // iterations, derived again by OpenSSL when it opens the store).
        let key = crate::pki::cert::kdf::Kdf::Pbkdf2 {
            prf,
            password: password.as_bytes(),
            salt,
            iterations: u32::try_from(iter).ok()?,
            len: cipher.key_len(),
        }
        .run()?;
        return decrypt(cipher, &key, Some(iv.content), data).ok();
    }
    let (cipher, key_len) = match oid.as_str() {
        "1.2.840.113549.1.12.1.3" => (Cipher::des_ede3_cbc(), 24),
        "1.2.840.113549.1.12.1.5" => (Cipher::rc2_cbc(), 16),
        "1.2.840.113549.1.12.1.6" => (Cipher::rc2_40_cbc(), 5),
        _ => return None,
    };
    let [salt, it, ..] = params.as_slice() else {
        return None;
    };
    let iter = small(it)?;
    if salt.tag != 0x04 || iter == 0 || iter > MAX_P12_ITERATIONS {
        return None;
    }
    let mut bmp: Vec<u8> = password.encode_utf16().flat_map(u16::to_be_bytes).collect();
    bmp.extend([0, 0]);
    let key = pkcs12_kdf(1, &bmp, salt.content, iter, key_len)?;
    let iv = pkcs12_kdf(2, &bmp, salt.content, iter, 8)?;
    if cipher.key_len() != key_len {
        return None;
    }
    crate::pki::cert::ensure_legacy_provider();
    decrypt(cipher, &key, Some(&iv), data).ok()
}

/// Iteration counts of the shrouded key bags in SafeContents `sc` (nested SafeContents
/// bags included).
fn bag_work(sc: &[u8], depth: usize, work: &mut Vec<Iterations>) -> Result<(), P12FormatError> {
    if depth > 4 {
        return Err(P12FormatError::NestedTooDeep);
    }
    let (bags, _) = expect(sc, 0x30, "SafeContents")?;
    for bag in items(bags.content)? {
        let (bag_id, rest) = read_oid(bag.content)?;
        let (value, _) = expect(rest, 0xa0, "bag value")?;
        match bag_id.as_str() {
            "1.2.840.113549.1.12.10.1.2" => {
                let (epki, _) = expect(value.content, 0x30, "EncryptedPrivateKeyInfo")?;
                let (alg, _) = expect(epki.content, 0x30, "key encryption algorithm")?;
                pbe_of(
                    alg.content,
                    "key encryption (inside an encrypted part)",
                    work,
                )?;
            }
            "1.2.840.113549.1.12.10.1.6" => bag_work(value.content, depth + 1, work)?,
            _ => {}
        }
    }
    Ok(())
}

/// One encrypted part: its algorithm (AlgorithmIdentifier content) and ciphertext.
type EncryptedPart = (Vec<u8>, Vec<u8>);

/// The encrypted parts of the AuthenticatedSafe.
fn encrypted_parts(der: &[u8]) -> Result<Vec<EncryptedPart>, P12FormatError> {
    let (pfx, _) = expect(der, 0x30, "PFX SEQUENCE")?;
    let (_version, rest) = expect(pfx.content, 0x02, "version")?;
    let (auth_safe, _) = expect(rest, 0x30, "authSafe ContentInfo")?;
    let (_, rest) = read_oid(auth_safe.content)?;
    let (explicit, _) = expect(rest, 0xa0, "authSafe content")?;
    let (os, _) = tlv(explicit.content)?;
    let safe = octets(&os)?;
    let (seq, _) = expect(&safe, 0x30, "AuthenticatedSafe")?;
    let mut out = Vec::new();
    for ci in items(seq.content)? {
        let (ctype, rest) = read_oid(ci.content)?;
        if ctype != "1.2.840.113549.1.7.6" {
            continue;
        }
        let (explicit, _) = expect(rest, 0xa0, "ContentInfo content")?;
        let (ed, _) = expect(explicit.content, 0x30, "EncryptedData")?;
        let (_v, rest) = expect(ed.content, 0x02, "EncryptedData version")?;
        let (eci, _) = expect(rest, 0x30, "EncryptedContentInfo")?;
        let (_ct, rest) = read_oid(eci.content)?;
        let (alg, rest) = expect(rest, 0x30, "algorithm")?;
        let data = match tlv(rest) {
            Ok((t, _)) if t.tag == 0x80 => t.content.to_vec(),
            Ok((t, _)) if t.tag == 0xa0 => {
                let mut v = Vec::new();
                for part in items(t.content)? {
                    v.extend(octets(&part)?);
                }
                v
            }
            _ => continue,
        };
        out.push((alg.content.to_vec(), data));
    }
    Ok(out)
}

/// [`check_work`], and then what only the password shows: the counts of key bags inside
/// encrypted parts, which OpenSSL derives after decrypting those parts. The encrypted
/// parts are decrypted here first (their own counts already bounded); a part this
/// password does not open stops OpenSSL at the MAC as well, so it is passed over.
pub(crate) fn check_work_with_password(der: &[u8], password: &str) -> Result<(), Bound> {
    check_work(der)?;
    let mut work = Vec::new();
    for (alg, data) in encrypted_parts(der).map_err(Bound::Unreadable)? {
        if let Some(plain) = decrypt_part(&alg, &data, password) {
            // Not SafeContents after all: OpenSSL fails on it too, deriving nothing more.
            let _ = bag_work(&plain, 0, &mut work);
        }
    }
    match work
        .into_iter()
        .filter(|i| i.count > MAX_P12_ITERATIONS)
        .max_by_key(|i| i.count)
    {
        Some(i) => Err(Bound::Excessive(i)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_decoding() {
        // 1.2.840.113549.1.12.1.6
        assert_eq!(
            oid_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x06]),
            "1.2.840.113549.1.12.1.6"
        );
        assert_eq!(oid_string(&[0x55, 0x1d, 0x11]), "2.5.29.17");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for input in [
            &b""[..],
            b"\x30",
            b"\x30\x84\xff\xff\xff\xff",
            b"\x30\x80",
            b"hello world",
        ] {
            assert!(detect(input).is_err());
        }
    }

    /// Every fixture's counts are read (MAC and each PBE / PBKDF2) and all are ordinary;
    /// a count above the cap, or an unwalkable file, is not handed to a key derivation.
    #[test]
    fn iteration_counts_are_read_and_bounded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pki");
        let mut seen = 0;
        for era in std::fs::read_dir(root).unwrap().flatten() {
            let keys = era.path().join("etc/pki/ovirt-engine/keys");
            for f in std::fs::read_dir(keys).into_iter().flatten().flatten() {
                let p = f.path();
                if !p.to_string_lossy().ends_with(".p12") {
                    continue;
                }
                let data = std::fs::read(&p).unwrap();
                let Ok(fmt) = detect(&data) else { continue };
                seen += 1;
                assert!(
                    fmt.iterations.iter().any(|i| i.what == "MAC"),
                    "{}",
                    p.display()
                );
                assert!(
                    fmt.iterations.iter().any(|i| i.what != "MAC"),
                    "{}: no PBE count",
                    p.display()
                );
                for i in &fmt.iterations {
                    assert!((1..=10_000).contains(&i.count), "{}: {i:?}", p.display());
                }
                assert_eq!(check_work(&data), Ok(()), "{}", p.display());
            }
        }
        assert!(seen >= 10, "{seen}");
        assert!(matches!(check_work(b"\x30\x80"), Err(Bound::Unreadable(_))));
    }

    #[test]
    fn a_negative_or_huge_integer_is_not_a_small_count() {
        let t = |c: &'static [u8]| Tlv { tag: 2, content: c };
        assert_eq!(count(&t(&[0x08, 0x00])), 2048);
        assert_eq!(count(&t(&[0xff])), 0);
        assert_eq!(count(&t(&[0x7f; 12])), u64::MAX);
    }

    fn fixture_p12s() -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pki");
        let mut v = Vec::new();
        for era in std::fs::read_dir(root).unwrap().flatten() {
            let keys = era.path().join("etc/pki/ovirt-engine/keys");
            for f in std::fs::read_dir(keys).into_iter().flatten().flatten() {
                if f.path().to_string_lossy().ends_with(".p12") {
                    v.push(f.path());
                }
            }
        }
        v.sort();
        v
    }

    /// The PKCS#12 KDF and the ciphers used to look inside encrypted parts are right: every
    /// encrypted part of every fixture (RC2-40, 3DES, AES; SHA-1 and SHA-256 PRFs) opens
    /// with the fixtures' password into SafeContents, and no fixture is refused.
    #[test]
    fn every_encrypted_part_of_every_fixture_is_opened() {
        let mut opened = 0;
        let mut kinds = std::collections::BTreeSet::new();
        for p in fixture_p12s() {
            let data = std::fs::read(&p).unwrap();
            let Ok(fmt) = detect(&data) else { continue };
            kinds.insert(fmt.cert_pbe.short());
            for (alg, ct) in encrypted_parts(&data).unwrap() {
                let plain = decrypt_part(&alg, &ct, "mypass");
                // One fixture is written with another password on purpose.
                if plain.is_none() && crate::pki::cert::open_p12(&p, &data, "mypass").is_err() {
                    continue;
                }
                let plain = plain.unwrap_or_else(|| panic!("{}: not opened", p.display()));
                let mut w = Vec::new();
                bag_work(&plain, 0, &mut w).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                opened += 1;
            }
            assert_eq!(
                check_work_with_password(&data, "mypass"),
                Ok(()),
                "{}",
                p.display()
            );
        }
        assert!(opened >= 10, "{opened}");
        assert!(
            kinds.contains("RC2-40") && kinds.contains("3DES"),
            "{kinds:?}"
        );
    }

    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let n = content.len();
        if n < 0x80 {
            out.push(n as u8);
        } else {
            let b: Vec<u8> = n
                .to_be_bytes()
                .into_iter()
                .skip_while(|x| *x == 0)
                .collect();
            out.push(0x80 | b.len() as u8);
            out.extend(b);
        }
        out.extend_from_slice(content);
        out
    }

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    /// A p12 (valid SHA-1 MAC, 2048 iterations; one 3DES-encrypted part, 2048 iterations)
    /// whose encrypted part holds a shrouded key bag with `inner` iterations: invisible
    /// without the password, and derived by OpenSSL once the part is decrypted.
    fn nested(inner: &[u8]) -> Vec<u8> {
        const OID_DATA: &[u8] = &[0x06, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 7, 1];
        const OID_ENC_DATA: &[u8] = &[0x06, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 7, 6];
        const OID_SHROUDED: &[u8] = &[
            0x06, 11, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 12, 10, 1, 2,
        ];
        const OID_3DES_PBE: &[u8] = &[0x06, 10, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 12, 1, 3];
        const OID_SHA1: &[u8] = &[0x06, 5, 0x2b, 0x0e, 3, 2, 0x1a];
        let it2048 = der(0x02, &[0x08, 0x00]);
        let pbe = |salt: &[u8], it: &[u8]| {
            der(
                0x30,
                &cat(&[OID_3DES_PBE, &der(0x30, &cat(&[&der(0x04, salt), it]))]),
            )
        };
        let epki = der(
            0x30,
            &cat(&[
                &pbe(b"innersal", &der(0x02, inner)),
                &der(0x04, &[0x5a; 16]),
            ]),
        );
        let bag = der(0x30, &cat(&[OID_SHROUDED, &der(0xa0, &epki)]));
        let safe_contents = der(0x30, &bag);
        let bmp: Vec<u8> = "mypass\0"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let key = pkcs12_kdf(1, &bmp, b"outersal", 2048, 24).unwrap();
        let iv = pkcs12_kdf(2, &bmp, b"outersal", 2048, 8).unwrap();
        let ct = openssl::symm::encrypt(
            openssl::symm::Cipher::des_ede3_cbc(),
            &key,
            Some(&iv),
            &safe_contents,
        )
        .unwrap();
        let eci = der(
            0x30,
            &cat(&[OID_DATA, &pbe(b"outersal", &it2048), &der(0x80, &ct)]),
        );
        let ed = der(0x30, &cat(&[&der(0x02, &[0]), &eci]));
        let ci = der(0x30, &cat(&[OID_ENC_DATA, &der(0xa0, &ed)]));
        let auth_safe = der(0x30, &ci);
        let mac_key = pkcs12_kdf(3, &bmp, b"macsalt!", 2048, 20).unwrap();
        let pkey = openssl::pkey::PKey::hmac(&mac_key).unwrap();
        let mac = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha1(), &pkey)
            .unwrap()
            .sign_oneshot_to_vec(&auth_safe)
            .unwrap();
        let digest_info = der(
            0x30,
            &cat(&[&der(0x30, &cat(&[OID_SHA1, &[5, 0]])), &der(0x04, &mac)]),
        );
        let mac_data = der(
            0x30,
            &cat(&[&digest_info, &der(0x04, b"macsalt!"), &it2048]),
        );
        let outer = der(0x30, &cat(&[OID_DATA, &der(0xa0, &der(0x04, &auth_safe))]));
        der(0x30, &cat(&[&der(0x02, &[3]), &outer, &mac_data]))
    }

    /// A key bag inside an encrypted part with 2^31-1 iterations: nothing in the DER
    /// shows it, but opening the store (what `audit` and `resign` do) is refused with that
    /// count before OpenSSL would spend minutes deriving it.
    #[test]
    fn a_key_bag_inside_an_encrypted_part_is_bounded_before_openssl() {
        let path = std::path::Path::new("keys/nested.p12");
        // The same file with an ordinary inner count: OpenSSL accepts its MAC and fails only
        // on the (dummy) key bag, so with the huge count it would have derived it.
        let ordinary = nested(&[0x08, 0x00]);

        assert_eq!(check_work_with_password(&ordinary, "mypass"), Ok(()));
        let e = crate::pki::cert::open_p12(path, &ordinary, "mypass")
            .err()
            .unwrap();
        assert!(!e.to_string().contains("mac verify"), "{e}");

        let huge = nested(&[0x7f, 0xff, 0xff, 0xff]);
        assert_eq!(check_work(&huge), Ok(()), "invisible without the password");
        let Err(Bound::Excessive(i)) = check_work_with_password(&huge, "mypass") else {
            panic!("not bounded")
        };
        assert_eq!(i.count, 0x7fff_ffff);
        let e = crate::pki::cert::open_p12(path, &huge, "mypass")
            .err()
            .unwrap();
        assert!(
            matches!(
                e,
                crate::Error::Pkcs12Iterations {
                    count: 0x7fff_ffff,
                    ..
                }
            ),
            "{e}"
        );
        // A wrong password opens no part: OpenSSL stops at the MAC, so nothing is refused.
        assert_eq!(check_work_with_password(&huge, "wrong"), Ok(()));
    }
}
