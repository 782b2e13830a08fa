//! `<pki>/.truststore`, read and written without a JVM. The engine verifies vdsm (and SSO over
//! HTTPS) with it; oVirt imports `ca.pem` as alias `cacert` and `qemu-ca.pem` as `qemu-cacert`
//! (`keytool -delete` then `keytool -importcert -trustcacerts`). Java 8's keytool wrote JKS,
//! Java ≥ 9's PKCS#12; the engine's loader (`ENGINE_PKI_TRUST_STORE_TYPE=JKS`) reads both.
//!
//! A store is rewritten in its own format, with its own protection, changing one entry only:
//! - JKS stays JKS (same version), every other entry byte for byte, the replaced entry in its
//!   place (a new alias last, as keytool appends it), the SHA-1 integrity digest recomputed.
//!   No maintained crate fits: `jks` 0.3 keeps entries in a `HashMap` (order lost) and pulls
//!   second copies of sha1, rand and asn1-rs; the format is 5 fields an entry.
//! - PKCS#12 stays PKCS#12 with the same cipher, PRF, iteration counts, salt lengths and MAC
//!   digest (fresh salts and IVs), every other bag byte for byte, every other safe untouched.
//!   `p12-keystore` 0.4 was checked: it reads Java's trusted-certificate bags (attribute
//!   2.16.840.1.113894.746875.1.1), but its writer keeps entries in a `BTreeMap` (order lost),
//!   drops certificates whose trusted usage is not anyExtendedKeyUsage, secret and CRL bags,
//!   and always writes one new cert safe. So the bag level is done here on the crates it is
//!   built on: RustCrypto `pkcs12` (structures, RFC 7292 KDF), `cms`, `pkcs5` (PBES2),
//!   `des`/`rc2`/`cbc` (the PBE ciphers of Java 8 and Java 11 < 11.0.12), `hmac`/`sha1`/`sha2`.
//!
//! What Java reads: Java 8u301+/11.0.12+/17 write PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC,
//! 10,000) with an HMAC-SHA256 MAC (10,000); older Java 8/11 wrote PBE-SHA1-RC2-40 (50,000)
//! with an HMAC-SHA1 MAC (100,000). Java 8 before 8u301 cannot read the first kind, so keeping
//! what the file had is the only choice that never makes a store unreadable to the JVM that
//! made it.
//!
//! Integrity is always checked with the password before anything is trusted or rewritten
//! (PKCS#12 MAC, JKS digest); iteration counts are bounded before any key is derived.

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{
    BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt, KeyInit, KeyIvInit,
};
use der::asn1::{AnyRef, BmpString, ObjectIdentifier, OctetString};
use der::{Any, Decode, Encode, Header, Length, Reader, SliceReader, Tag, Tagged};
use hmac::Mac;
use pkcs12::cms::cert::x509::spki::AlgorithmIdentifierOwned;
use pkcs12::cms::content_info::ContentInfo;
use pkcs12::cms::encrypted_data::EncryptedData;
use pkcs12::cms::enveloped_data::EncryptedContentInfo;
use pkcs12::kdf::{self, Pkcs12KeyType};
use pkcs12::pfx::{Pfx, Version};
use pkcs12::{CertBag, DigestInfo, MacData};
use sha1::{Digest as _, Sha1};

/// The highest MAC / PBE / PBKDF2 iteration count read: the one limit every PKCS#12 reader
/// here applies (keytool before Java 11.0.12 wrote 100,000, still far below it).
pub(crate) use crate::pki::p12format::MAX_P12_ITERATIONS as MAX_ITERATIONS;

/// Why a trust store could not be read or rewritten.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The password does not open the store, or the store was altered.
    #[error("integrity check failed (wrong password or corrupt file)")]
    Integrity,
    /// A key derivation would take too long to even try.
    #[error("{what} iteration count {count} above {MAX_ITERATIONS}")]
    Iterations {
        /// Which derivation (the MAC or an encrypted part).
        what: &'static str,
        /// The iteration count the file asks for.
        count: u64,
    },
    /// Not a well-formed key store.
    #[error("{0}")]
    Malformed(Malformed),
    /// Well-formed, but with a scheme this reader does not implement.
    #[error("unsupported {0}")]
    Unsupported(Unsupported),
    /// The alias to refresh holds a private key (keytool would delete it): refused.
    #[error("alias '{0}' holds a private key entry, not a trusted certificate; not replaced")]
    KeyEntry(String),
}

impl StoreError {
    /// The error as a catalogue message (the parser's words as they came); English: the
    /// `Display`, byte for byte.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            StoreError::Integrity => Text::new("store-integrity"),
            StoreError::Iterations { what, count } => Text::new("store-iterations")
                .arg("what", what)
                .arg("count", count)
                .arg("max", MAX_ITERATIONS),
            StoreError::Unsupported(what) => {
                Text::new("store-unsupported").arg_text("what", what.text())
            }
            StoreError::KeyEntry(alias) => Text::new("store-key-entry").arg("alias", alias),
            StoreError::Malformed(m) => m.text(),
        }
    }
}

/// What a well-formed key store uses that this reader or writer does not implement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unsupported {
    /// A JKS version other than 1 and 2.
    #[error("JKS version {0}")]
    JksVersion(u32),
    /// A JKS certificate of another type than X.509.
    #[error("certificate type {kind} in entry '{alias}'")]
    CertificateType {
        /// The type named.
        kind: String,
        /// The entry's alias.
        alias: String,
    },
    /// A PBES2 key derivation other than PBKDF2 (reading).
    #[error("PBES2 key derivation (only PBKDF2 is read)")]
    Pbes2KdfRead,
    /// An encryption scheme not implemented (its OID).
    #[error("encryption scheme {0}")]
    EncryptionScheme(String),
    /// A safe to re-encrypt that was not encrypted.
    #[error("plain safe encryption")]
    PlainSafe,
    /// A PBES2 key derivation other than PBKDF2 (writing).
    #[error("PBES2 key derivation")]
    Pbes2KdfWrite,
    /// A PBES2 cipher not implemented.
    #[error("PBES2 cipher")]
    Pbes2Cipher,
    /// PBES2 parameters the encoder refuses (its words).
    #[error("PBES2: {0}")]
    Pbes2(String),
    /// No random bytes from the system.
    #[error("no system randomness")]
    NoRandomness,
    /// A MAC digest not implemented (its name or OID).
    #[error("MAC digest {0}")]
    MacDigest(String),
    /// Public-key integrity mode.
    #[error("public-key integrity mode (authSafe not Data)")]
    PublicKeyIntegrity,
    /// A safe content type not implemented (its OID).
    #[error("safe content type {0}")]
    SafeContentType(String),
    /// The alias names an entry that is not a certificate.
    #[error("entry under alias '{alias}' (bag type {bag}): not a certificate")]
    NotACertificate {
        /// The alias.
        alias: String,
        /// The bag type's OID.
        bag: String,
    },
    /// A PKCS#12 store without any safe to put the certificate in.
    #[error("PKCS#12 store without any safe")]
    NoSafe,
}

impl Unsupported {
    /// What is unsupported as a catalogue message (names, OIDs and the encoder's words as
    /// they came); English: the `Display`, byte for byte.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        let t = Text::new;
        match self {
            Unsupported::JksVersion(v) => t("store-unsupported-jks-version").arg("version", v),
            Unsupported::CertificateType { kind, alias } => t("store-unsupported-cert-type")
                .arg("kind", kind)
                .arg("alias", alias),
            Unsupported::Pbes2KdfRead => t("store-unsupported-pbes2-kdf-read"),
            Unsupported::EncryptionScheme(oid) => {
                t("store-unsupported-encryption-scheme").arg("oid", oid)
            }
            Unsupported::PlainSafe => t("store-unsupported-plain-safe"),
            Unsupported::Pbes2KdfWrite => t("store-unsupported-pbes2-kdf"),
            Unsupported::Pbes2Cipher => t("store-unsupported-pbes2-cipher"),
            Unsupported::Pbes2(e) => t("store-unsupported-pbes2").arg("error", e),
            Unsupported::NoRandomness => t("store-unsupported-no-randomness"),
            Unsupported::MacDigest(d) => t("store-unsupported-mac-digest").arg("digest", d),
            Unsupported::PublicKeyIntegrity => t("store-unsupported-public-key-integrity"),
            Unsupported::SafeContentType(oid) => {
                t("store-unsupported-safe-content-type").arg("oid", oid)
            }
            Unsupported::NotACertificate { alias, bag } => t("store-unsupported-not-a-cert")
                .arg("alias", alias)
                .arg("bag", bag),
            Unsupported::NoSafe => t("store-unsupported-no-safe"),
        }
    }
}

/// What is malformed in a key store, with the decoder's words where one spoke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    /// The PKCS#12 DER does not decode (the `der` crate's words).
    #[error("PKCS#12 DER: {0}")]
    Der(String),
    /// The certificate to put in the store does not parse (the X.509 parser's words).
    #[error("certificate to import: {0}")]
    ImportCertificate(String),
    /// A JKS field runs past the end of the data.
    #[error("truncated JKS data")]
    TruncatedJks,
    /// An alias longer than JKS can hold (65,535 bytes of modified UTF-8).
    #[error("alias too long")]
    AliasTooLong,
    /// Fewer bytes than a JKS header and digest.
    #[error("too short for a JKS key store")]
    TooShortForJks,
    /// No JKS magic number.
    #[error("not a JKS key store (no FEEDFEED magic)")]
    NotJks,
    /// A JKS entry of a kind Java does not write.
    #[error("unknown JKS entry tag {0}")]
    UnknownJksTag(u32),
    /// Bytes after the last JKS entry.
    #[error("trailing data after the JKS entries")]
    TrailingJks,
    /// A certificate larger than JKS can hold.
    #[error("certificate too large")]
    CertificateTooLarge,
    /// An encryption algorithm without its parameters.
    #[error("encryption without parameters")]
    EncryptionWithoutParameters,
    /// An IV of the wrong size.
    #[error("IV")]
    Iv,
    /// A PBES2 salt the encoder refuses (its words).
    #[error("PBES2 salt: {0}")]
    Pbes2Salt(String),
    /// A PBE key or IV of the wrong length.
    #[error("PBE key or IV length")]
    PbeKeyOrIvLength,
    /// A MAC key the HMAC refuses.
    #[error("MAC key")]
    MacKey,
    /// A SafeBag without its value.
    #[error("SafeBag without a value")]
    SafeBagWithoutValue,
    /// A bag attribute without values.
    #[error("bag attribute without values")]
    BagAttributeWithoutValues,
    /// A certBag whose value is not one certificate.
    #[error("certBag value")]
    CertBagValue,
    /// An encrypted safe without its encrypted data.
    #[error("encrypted safe without data")]
    EncryptedSafeWithoutData,
}

impl Malformed {
    /// What is malformed as a catalogue message: rhv-pki's words in the reader's language,
    /// the decoder's as they came. English: the `Display`, byte for byte.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        let t = Text::new;
        match self {
            Malformed::Der(e) => t("store-malformed-der").arg("error", e),
            Malformed::ImportCertificate(e) => t("store-malformed-import").arg("error", e),
            Malformed::TruncatedJks => t("store-malformed-truncated-jks"),
            Malformed::AliasTooLong => t("store-malformed-alias-too-long"),
            Malformed::TooShortForJks => t("store-malformed-too-short-jks"),
            Malformed::NotJks => t("store-malformed-not-jks"),
            Malformed::UnknownJksTag(tag) => t("store-malformed-jks-tag").arg("tag", tag),
            Malformed::TrailingJks => t("store-malformed-trailing-jks"),
            Malformed::CertificateTooLarge => t("store-malformed-cert-too-large"),
            Malformed::EncryptionWithoutParameters => t("store-malformed-no-parameters"),
            Malformed::Iv => t("store-malformed-iv"),
            Malformed::Pbes2Salt(e) => t("store-malformed-pbes2-salt").arg("error", e),
            Malformed::PbeKeyOrIvLength => t("store-malformed-pbe-length"),
            Malformed::MacKey => t("store-malformed-mac-key"),
            Malformed::SafeBagWithoutValue => t("store-malformed-safebag"),
            Malformed::BagAttributeWithoutValues => t("store-malformed-bag-attribute"),
            Malformed::CertBagValue => t("store-malformed-certbag"),
            Malformed::EncryptedSafeWithoutData => t("store-malformed-encrypted-safe"),
        }
    }
}

impl From<der::Error> for StoreError {
    fn from(e: der::Error) -> Self {
        StoreError::Malformed(Malformed::Der(e.to_string()))
    }
}

type Result<T> = std::result::Result<T, StoreError>;

/// The two formats of `.truststore`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Java 8 keytool's default.
    Jks,
    /// Java ≥ 9 keytool's default.
    Pkcs12,
}

impl Kind {
    /// The format of `data` by its first bytes (JKS starts with 0xFEEDFEED).
    pub(crate) fn of(data: &[u8]) -> Kind {
        if data.starts_with(&JKS_MAGIC) {
            Kind::Jks
        } else {
            Kind::Pkcs12
        }
    }
}

/// One certificate of a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The alias (JKS) or friendlyName (PKCS#12); empty when a PKCS#12 bag has none.
    pub(crate) alias: String,
    /// DER of the certificate.
    pub(crate) cert: Vec<u8>,
    /// A trusted-certificate entry (what Java trusts as an anchor), not the certificate of a
    /// private key entry.
    pub(crate) trusted: bool,
}

/// Reads every certificate of a store, after checking its integrity with `password`.
pub(crate) fn read(data: &[u8], password: &str) -> Result<Vec<Entry>> {
    match Kind::of(data) {
        Kind::Jks => Ok(Jks::parse(data, password)?.entries()),
        Kind::Pkcs12 => Ok(P12::parse(data, password)?.entries()),
    }
}

/// The store with `cert` (DER) as the trusted certificate under `alias` (matched
/// case-insensitively, as Java does): in place of the entry that had it, else appended. Same
/// format, password and protection; every other entry unchanged. `now` (Unix seconds) dates a
/// JKS entry, as keytool's import does.
pub(crate) fn set_trusted_certificate(
    data: &[u8],
    password: &str,
    alias: &str,
    cert: &[u8],
    now: i64,
) -> Result<Vec<u8>> {
    // Never store something the JVM cannot parse as a certificate.
    x509_parser::parse_x509_certificate(cert)
        .map_err(|e| StoreError::Malformed(Malformed::ImportCertificate(e.to_string())))?;
    match Kind::of(data) {
        Kind::Jks => Jks::parse(data, password)?.with_trusted(alias, cert, now, password),
        Kind::Pkcs12 => P12::parse(data, password)?.with_trusted(alias, cert, password),
    }
}

/// Whether [`set_trusted_certificate`] can replace `aliases` in this store: it opens with
/// `password` and none of them is a private key entry. Changes nothing.
pub(crate) fn check_settable(data: &[u8], password: &str, aliases: &[&str]) -> Result<()> {
    let keys: Vec<String> = match Kind::of(data) {
        Kind::Jks => Jks::parse(data, password)?
            .entries
            .iter()
            .filter(|e| e.tag == JKS_KEY)
            .map(|e| e.alias.clone())
            .collect(),
        Kind::Pkcs12 => P12::parse(data, password)?
            .safes
            .iter()
            .flat_map(|s| s.bags.iter())
            .filter(|b| b.is_key() || b.has_key_id)
            .filter_map(|b| b.friendly.clone())
            .collect(),
    };
    match keys
        .into_iter()
        .find(|k| aliases.iter().any(|a| a.eq_ignore_ascii_case(k)))
    {
        Some(k) => Err(StoreError::KeyEntry(k)),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// JKS: magic, version (1|2), count, entries, SHA-1(password UTF-16BE ‖ "Mighty Aphrodite" ‖ body).

const JKS_MAGIC: [u8; 4] = [0xFE, 0xED, 0xFE, 0xED];
const JKS_KEY: u32 = 1;
const JKS_TRUSTED: u32 = 2;

struct JksEntry<'a> {
    raw: &'a [u8],
    tag: u32,
    alias: String,
    /// Trusted: the certificate; key entry: its chain.
    certs: Vec<&'a [u8]>,
}

struct Jks<'a> {
    version: u32,
    entries: Vec<JksEntry<'a>>,
}

struct Cursor<'a>(&'a [u8], usize);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.1.checked_add(n).filter(|e| *e <= self.0.len());
        let end = end.ok_or(StoreError::Malformed(Malformed::TruncatedJks))?;
        let s = &self.0[self.1..end];
        self.1 = end;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn utf(&mut self) -> Result<String> {
        let n = self.u16()? as usize;
        Ok(String::from_utf8_lossy(self.take(n)?).into_owned())
    }
}

fn jks_digest(password: &str, body: &[u8]) -> [u8; 20] {
    let mut h = Sha1::new();
    for u in password.encode_utf16() {
        h.update(u.to_be_bytes());
    }
    h.update(b"Mighty Aphrodite");
    h.update(body);
    h.finalize().into()
}

/// Java's `DataOutputStream.writeUTF`: modified UTF-8 (NUL as C0 80, supplementary
/// characters as two 3-byte surrogates) behind a u16 length.
fn java_utf(s: &str) -> Result<Vec<u8>> {
    let mut b = Vec::new();
    for u in s.encode_utf16() {
        match u {
            0x0001..=0x007F => b.push(u as u8),
            0x0000 | 0x0080..=0x07FF => {
                b.push(0xC0 | (u >> 6) as u8);
                b.push(0x80 | (u & 0x3F) as u8);
            }
            _ => {
                b.push(0xE0 | (u >> 12) as u8);
                b.push(0x80 | ((u >> 6) & 0x3F) as u8);
                b.push(0x80 | (u & 0x3F) as u8);
            }
        }
    }
    let n = u16::try_from(b.len()).map_err(|_| StoreError::Malformed(Malformed::AliasTooLong))?;
    let mut out = n.to_be_bytes().to_vec();
    out.extend_from_slice(&b);
    Ok(out)
}

impl<'a> Jks<'a> {
    fn parse(data: &'a [u8], password: &str) -> Result<Self> {
        if data.len() < 32 {
            return Err(StoreError::Malformed(Malformed::TooShortForJks));
        }
        let (body, digest) = data.split_at(data.len() - 20);
        let mut r = Cursor(body, 0);
        if r.u32()?.to_be_bytes() != JKS_MAGIC {
            return Err(StoreError::Malformed(Malformed::NotJks));
        }
        let version = r.u32()?;
        if version != 1 && version != 2 {
            return Err(StoreError::Unsupported(Unsupported::JksVersion(version)));
        }
        let count = r.u32()?;
        let mut entries = Vec::new();
        for _ in 0..count {
            let start = r.1;
            let tag = r.u32()?;
            let alias = r.utf()?;
            r.take(8)?; // creation date, ms since the epoch
            let mut certs = Vec::new();
            let cert = |r: &mut Cursor<'a>| -> Result<&'a [u8]> {
                if version == 2 {
                    let t = r.utf()?;
                    if t != "X.509" {
                        return Err(StoreError::Unsupported(Unsupported::CertificateType {
                            kind: t,
                            alias: alias.clone(),
                        }));
                    }
                }
                let n = r.u32()? as usize;
                r.take(n)
            };
            match tag {
                JKS_KEY => {
                    let n = r.u32()? as usize;
                    r.take(n)?; // the protected key
                    for _ in 0..r.u32()? {
                        certs.push(cert(&mut r)?);
                    }
                }
                JKS_TRUSTED => certs.push(cert(&mut r)?),
                t => return Err(StoreError::Malformed(Malformed::UnknownJksTag(t))),
            }
            entries.push(JksEntry {
                raw: &body[start..r.1],
                tag,
                alias,
                certs,
            });
        }
        if r.1 != body.len() {
            return Err(StoreError::Malformed(Malformed::TrailingJks));
        }
        if jks_digest(password, body) != digest {
            return Err(StoreError::Integrity);
        }
        Ok(Jks { version, entries })
    }

    fn entries(&self) -> Vec<Entry> {
        self.entries
            .iter()
            .flat_map(|e| {
                e.certs.iter().map(|c| Entry {
                    alias: e.alias.clone(),
                    cert: c.to_vec(),
                    trusted: e.tag == JKS_TRUSTED,
                })
            })
            .collect()
    }

    fn with_trusted(&self, alias: &str, cert: &[u8], now: i64, password: &str) -> Result<Vec<u8>> {
        let mut new = java_utf(alias)?;
        new.splice(0..0, JKS_TRUSTED.to_be_bytes());
        new.extend_from_slice(&now.saturating_mul(1000).to_be_bytes());
        if self.version == 2 {
            new.extend_from_slice(&java_utf("X.509")?);
        }
        let n = u32::try_from(cert.len())
            .map_err(|_| StoreError::Malformed(Malformed::CertificateTooLarge))?;
        new.extend_from_slice(&n.to_be_bytes());
        new.extend_from_slice(cert);

        let mut body = JKS_MAGIC.to_vec();
        body.extend_from_slice(&self.version.to_be_bytes());
        let mut replaced = false;
        let mut parts: Vec<&[u8]> = Vec::new();
        for e in &self.entries {
            if e.alias.eq_ignore_ascii_case(alias) {
                if e.tag == JKS_KEY {
                    return Err(StoreError::KeyEntry(e.alias.clone()));
                }
                if !replaced {
                    parts.push(&new);
                    replaced = true;
                }
            } else {
                parts.push(e.raw);
            }
        }
        if !replaced {
            parts.push(&new);
        }
        let count = u32::try_from(parts.len()).unwrap_or(u32::MAX);
        body.extend_from_slice(&count.to_be_bytes());
        for p in parts {
            body.extend_from_slice(p);
        }
        let d = jks_digest(password, &body);
        body.extend_from_slice(&d);
        Ok(body)
    }
}

// ---------------------------------------------------------------------------------------------
// PKCS#12 (RFC 7292): PFX { version 3, authSafe: Data(SEQUENCE OF ContentInfo), macData }.
// Each ContentInfo is Data(SafeContents) or EncryptedData(SafeContents); SafeContents is a
// SEQUENCE OF SafeBag { bagId, [0] value, attributes }.

const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const OID_CERT_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.3");
const OID_KEY_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.1");
const OID_SHROUDED_KEY_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");
const OID_X509_CERT: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1");
const OID_FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const OID_LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
/// Oracle's "trusted key usage": what makes a certificate bag a Java trusted-certificate entry.
const OID_JAVA_TRUSTED: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.113894.746875.1.1");
const OID_ANY_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");
const OID_PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
const OID_PBE_SHA1_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
const OID_PBE_SHA1_RC2_128: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.5");
const OID_PBE_SHA1_RC2_40: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.6");
const OID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const OID_SHA224: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.4");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// The TLVs inside a constructed TLV of type `tag`, as raw slices.
fn items(tlv: &[u8], tag: Tag) -> Result<Vec<&[u8]>> {
    let any = AnyRef::from_der(tlv)?;
    any.tag().assert_eq(tag)?;
    let mut r = SliceReader::new(any.value())?;
    let mut v = Vec::new();
    while !r.is_finished() {
        v.push(r.tlv_bytes()?);
    }
    Ok(v)
}

/// A constructed TLV of type `tag` around raw TLVs.
fn wrap(tag: Tag, parts: &[&[u8]]) -> Result<Vec<u8>> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let mut out = Vec::with_capacity(len + 8);
    Header::new(tag, Length::try_from(len)?).encode_to_vec(&mut out)?;
    for p in parts {
        out.extend_from_slice(p);
    }
    Ok(out)
}

/// How a safe is protected, with what its re-encryption needs.
#[derive(Clone)]
enum Protection {
    /// A plain Data safe.
    None,
    /// PKCS#12 PBE (RFC 7292 B.2 KDF with SHA-1): salt length and iterations kept.
    Pbe {
        oid: ObjectIdentifier,
        salt: Vec<u8>,
        iterations: i32,
    },
    /// PBES2 (PBKDF2 + AES-CBC).
    Pbes2(pkcs5::pbes2::Parameters),
}

impl Protection {
    fn of(alg: &AlgorithmIdentifierOwned) -> Result<Self> {
        let params = alg
            .parameters
            .as_ref()
            .ok_or(StoreError::Malformed(
                Malformed::EncryptionWithoutParameters,
            ))?
            .to_der()?;
        if alg.oid == OID_PBES2 {
            let p = pkcs5::pbes2::Parameters::from_der(&params)?;
            match &p.kdf {
                pkcs5::pbes2::Kdf::Pbkdf2(k) => {
                    if u64::from(k.iteration_count) > MAX_ITERATIONS {
                        return Err(StoreError::Iterations {
                            what: "PBKDF2",
                            count: k.iteration_count.into(),
                        });
                    }
                }
                _ => return Err(StoreError::Unsupported(Unsupported::Pbes2KdfRead)),
            }
            return Ok(Protection::Pbes2(p));
        }
        if [OID_PBE_SHA1_3DES, OID_PBE_SHA1_RC2_128, OID_PBE_SHA1_RC2_40].contains(&alg.oid) {
            let mut r = SliceReader::new(&params)?;
            let (salt, iterations) = r.sequence(|r| {
                let salt = OctetString::decode(r)?.as_bytes().to_vec();
                let it: i32 = r.decode()?;
                Ok::<_, der::Error>((salt, it))
            })?;
            r.finish()?;
            if iterations < 1 || iterations as u64 > MAX_ITERATIONS {
                return Err(StoreError::Iterations {
                    what: "PBE",
                    count: iterations.max(0) as u64,
                });
            }
            return Ok(Protection::Pbe {
                oid: alg.oid,
                salt,
                iterations,
            });
        }
        Err(StoreError::Unsupported(Unsupported::EncryptionScheme(
            alg.oid.to_string(),
        )))
    }

    fn decrypt(&self, data: &[u8], password: &str) -> Result<Vec<u8>> {
        match self {
            Protection::None => Ok(data.to_vec()),
            Protection::Pbes2(p) => p
                .decrypt(password.as_bytes(), data)
                .map_err(|_| StoreError::Integrity),
            Protection::Pbe {
                oid,
                salt,
                iterations,
            } => pbe(*oid, salt, *iterations, password, data, false),
        }
    }

    /// Encrypts `data` the same way with a fresh salt (same length) and IV, giving the
    /// algorithm identifier to store beside it.
    fn encrypt(&self, data: &[u8], password: &str) -> Result<(AlgorithmIdentifierOwned, Vec<u8>)> {
        match self {
            Protection::None => Err(StoreError::Unsupported(Unsupported::PlainSafe)),
            Protection::Pbes2(p) => {
                use pkcs5::pbes2::{EncryptionScheme as E, Kdf, Pbkdf2Params};
                let Kdf::Pbkdf2(k) = &p.kdf else {
                    return Err(StoreError::Unsupported(Unsupported::Pbes2KdfWrite));
                };
                let salt = random(k.salt.as_ref().len())?;
                let iv: [u8; 16] = random(16)?
                    .try_into()
                    .map_err(|_| StoreError::Malformed(Malformed::Iv))?;
                let encryption = match p.encryption {
                    E::Aes128Cbc { .. } => E::Aes128Cbc { iv },
                    E::Aes192Cbc { .. } => E::Aes192Cbc { iv },
                    E::Aes256Cbc { .. } => E::Aes256Cbc { iv },
                    _ => return Err(StoreError::Unsupported(Unsupported::Pbes2Cipher)),
                };
                let fresh = pkcs5::pbes2::Parameters {
                    kdf: Kdf::Pbkdf2(Pbkdf2Params {
                        salt: pkcs5::pbes2::Salt::new(&salt).map_err(|e| {
                            StoreError::Malformed(Malformed::Pbes2Salt(e.to_string()))
                        })?,
                        ..*k
                    }),
                    encryption,
                };
                let ct = fresh
                    .encrypt(password.as_bytes(), data)
                    .map_err(|e| StoreError::Unsupported(Unsupported::Pbes2(e.to_string())))?;
                let alg = AlgorithmIdentifierOwned {
                    oid: OID_PBES2,
                    parameters: Some(Any::from_der(&fresh.to_der()?)?),
                };
                Ok((alg, ct))
            }
            Protection::Pbe {
                oid,
                salt,
                iterations,
            } => {
                let salt = random(salt.len())?;
                let ct = pbe(*oid, &salt, *iterations, password, data, true)?;
                let params = wrap(
                    Tag::Sequence,
                    &[&OctetString::new(salt)?.to_der()?, &iterations.to_der()?],
                )?;
                let alg = AlgorithmIdentifierOwned {
                    oid: *oid,
                    parameters: Some(Any::from_der(&params)?),
                };
                Ok((alg, ct))
            }
        }
    }
}

fn random(n: usize) -> Result<Vec<u8>> {
    let mut b = vec![0u8; n];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut b)
        .map_err(|_| StoreError::Unsupported(Unsupported::NoRandomness))?;
    Ok(b)
}

/// PKCS#12 PBE (RFC 7292 appendix B.2 key and IV with SHA-1, then CBC with PKCS#7 padding).
fn pbe(
    oid: ObjectIdentifier,
    salt: &[u8],
    iterations: i32,
    password: &str,
    data: &[u8],
    encrypt: bool,
) -> Result<Vec<u8>> {
    fn run<C: KeyInit + BlockCipherEncrypt + BlockCipherDecrypt>(
        key: &[u8],
        iv: &[u8],
        data: &[u8],
        encrypt: bool,
    ) -> Result<Vec<u8>> {
        let bad = |_| StoreError::Malformed(Malformed::PbeKeyOrIvLength);
        if encrypt {
            let c = cbc::Encryptor::<C>::new_from_slices(key, iv).map_err(bad)?;
            Ok(c.encrypt_padded_vec::<Pkcs7>(data))
        } else {
            let c = cbc::Decryptor::<C>::new_from_slices(key, iv).map_err(bad)?;
            c.decrypt_padded_vec::<Pkcs7>(data)
                .map_err(|_| StoreError::Integrity)
        }
    }
    let key_len = match oid {
        o if o == OID_PBE_SHA1_3DES => 24,
        o if o == OID_PBE_SHA1_RC2_128 => 16,
        _ => 5,
    };
    let key = kdf::derive_key_utf8::<Sha1>(
        password,
        salt,
        Pkcs12KeyType::EncryptionKey,
        iterations,
        key_len,
    )?;
    let iv = kdf::derive_key_utf8::<Sha1>(password, salt, Pkcs12KeyType::Iv, iterations, 8)?;
    if oid == OID_PBE_SHA1_3DES {
        run::<des::TdesEde3>(&key, &iv, data, encrypt)
    } else {
        run::<rc2::Rc2>(&key, &iv, data, encrypt)
    }
}

/// HMAC of `data` with the RFC 7292 B.2 MAC key, for the digests Java and OpenSSL write.
fn mac(
    digest: &ObjectIdentifier,
    password: &str,
    salt: &[u8],
    it: i32,
    data: &[u8],
) -> Result<Vec<u8>> {
    macro_rules! hmac_with {
        ($d:ty) => {{
            let n = <$d as sha2::digest::OutputSizeUser>::output_size();
            let key = kdf::derive_key_utf8::<$d>(password, salt, Pkcs12KeyType::Mac, it, n)?;
            let mut m = <hmac::Hmac<$d> as hmac::KeyInit>::new_from_slice(&key)
                .map_err(|_| StoreError::Malformed(Malformed::MacKey))?;
            m.update(data);
            Ok(m.finalize().into_bytes().to_vec())
        }};
    }
    match *digest {
        d if d == OID_SHA1 => hmac_with!(Sha1),
        d if d == OID_SHA224 => hmac_with!(sha2::Sha224),
        d if d == OID_SHA256 => hmac_with!(sha2::Sha256),
        d if d == OID_SHA384 => hmac_with!(sha2::Sha384),
        d if d == OID_SHA512 => hmac_with!(sha2::Sha512),
        d => Err(StoreError::Unsupported(Unsupported::MacDigest(
            d.to_string(),
        ))),
    }
}

struct Bag {
    raw: Vec<u8>,
    id: ObjectIdentifier,
    friendly: Option<String>,
    has_key_id: bool,
    java_trusted: bool,
    cert: Option<Vec<u8>>,
}

impl Bag {
    fn parse(raw: &[u8]) -> Result<Self> {
        let parts = items(raw, Tag::Sequence)?;
        let (Some(id), Some(value)) = (parts.first(), parts.get(1)) else {
            return Err(StoreError::Malformed(Malformed::SafeBagWithoutValue));
        };
        let id = ObjectIdentifier::from_der(id)?;
        let (mut friendly, mut has_key_id, mut java_trusted) = (None, false, false);
        if let Some(attrs) = parts.get(2) {
            for a in items(attrs, Tag::Set)? {
                let kv = items(a, Tag::Sequence)?;
                let (Some(k), Some(vs)) = (kv.first(), kv.get(1)) else {
                    return Err(StoreError::Malformed(Malformed::BagAttributeWithoutValues));
                };
                match ObjectIdentifier::from_der(k)? {
                    o if o == OID_FRIENDLY_NAME => {
                        if let Some(v) = items(vs, Tag::Set)?.first() {
                            friendly = Some(BmpString::from_der(v)?.to_string());
                        }
                    }
                    o if o == OID_LOCAL_KEY_ID => has_key_id = true,
                    o if o == OID_JAVA_TRUSTED => java_trusted = true,
                    _ => {}
                }
            }
        }
        let cert = if id == OID_CERT_BAG {
            let inner = items(
                value,
                Tag::ContextSpecific {
                    constructed: true,
                    number: der::TagNumber(0),
                },
            )?;
            let [inner] = inner.as_slice() else {
                return Err(StoreError::Malformed(Malformed::CertBagValue));
            };
            let cb = CertBag::from_der(inner)?;
            (cb.cert_id == OID_X509_CERT).then(|| cb.cert_value.as_bytes().to_vec())
        } else {
            None
        };
        Ok(Bag {
            raw: raw.to_vec(),
            id,
            friendly,
            has_key_id,
            java_trusted,
            cert,
        })
    }

    fn is_key(&self) -> bool {
        self.id == OID_KEY_BAG || self.id == OID_SHROUDED_KEY_BAG
    }

    /// A certificate bag as Java 17 keytool writes a trusted certificate: friendlyName, then
    /// the trusted key usage anyExtendedKeyUsage (keytool writes that one value even for a
    /// certificate with its own extended key usages).
    fn new_trusted(alias: &str, cert: &[u8]) -> Result<Vec<u8>> {
        let cert_bag = CertBag {
            cert_id: OID_X509_CERT,
            cert_value: OctetString::new(cert)?,
        }
        .to_der()?;
        let value = wrap(
            Tag::ContextSpecific {
                constructed: true,
                number: der::TagNumber(0),
            },
            &[&cert_bag],
        )?;
        let name = BmpString::from_utf8(alias)?.to_der()?;
        let friendly = wrap(
            Tag::Sequence,
            &[&OID_FRIENDLY_NAME.to_der()?, &wrap(Tag::Set, &[&name])?],
        )?;
        let trusted = wrap(
            Tag::Sequence,
            &[
                &OID_JAVA_TRUSTED.to_der()?,
                &wrap(Tag::Set, &[&OID_ANY_EKU.to_der()?])?,
            ],
        )?;
        wrap(
            Tag::Sequence,
            &[
                &OID_CERT_BAG.to_der()?,
                &value,
                &wrap(Tag::Set, &[&friendly, &trusted])?,
            ],
        )
    }

    /// This bag with another certificate, its attributes unchanged.
    fn with_cert(&self, cert: &[u8]) -> Result<Vec<u8>> {
        let parts = items(&self.raw, Tag::Sequence)?;
        let cert_bag = CertBag {
            cert_id: OID_X509_CERT,
            cert_value: OctetString::new(cert)?,
        }
        .to_der()?;
        let value = wrap(
            Tag::ContextSpecific {
                constructed: true,
                number: der::TagNumber(0),
            },
            &[&cert_bag],
        )?;
        let mut new: Vec<&[u8]> = vec![parts[0], &value];
        new.extend(parts.iter().skip(2));
        wrap(Tag::Sequence, &new)
    }
}

struct Safe {
    /// The ContentInfo as in the file.
    raw: Vec<u8>,
    protection: Protection,
    /// The EncryptedData as read (for its version and unprotected attributes).
    encrypted: Option<EncryptedData>,
    bags: Vec<Bag>,
}

struct P12 {
    safes: Vec<Safe>,
    mac: Option<MacData>,
}

impl P12 {
    fn parse(data: &[u8], password: &str) -> Result<Self> {
        let pfx = Pfx::from_der(data)?;
        if pfx.auth_safe.content_type != OID_DATA {
            return Err(StoreError::Unsupported(Unsupported::PublicKeyIntegrity));
        }
        let auth = OctetString::from_der(&pfx.auth_safe.content.to_der()?)?;
        let auth = auth.as_bytes();
        if let Some(m) = &pfx.mac_data {
            if m.iterations < 1 || m.iterations as u64 > MAX_ITERATIONS {
                return Err(StoreError::Iterations {
                    what: "MAC",
                    count: m.iterations.max(0) as u64,
                });
            }
        }
        // Read every safe's protection (and bound its work) before deriving any key.
        let mut pending = Vec::new();
        for raw in items(auth, Tag::Sequence)? {
            let ci = ContentInfo::from_der(raw)?;
            if ci.content_type == OID_DATA {
                let plain = OctetString::from_der(&ci.content.to_der()?)?
                    .as_bytes()
                    .to_vec();
                pending.push((raw, Protection::None, None, plain));
            } else if ci.content_type == OID_ENCRYPTED_DATA {
                let ed = EncryptedData::from_der(&ci.content.to_der()?)?;
                let p = Protection::of(&ed.enc_content_info.content_enc_alg)?;
                let ct = ed
                    .enc_content_info
                    .encrypted_content
                    .as_ref()
                    .map(|o| o.as_bytes().to_vec())
                    .unwrap_or_default();
                pending.push((raw, p, Some(ed), ct));
            } else {
                return Err(StoreError::Unsupported(Unsupported::SafeContentType(
                    ci.content_type.to_string(),
                )));
            }
        }
        // The MAC and the safes' keys are independent derivations (10,000 rounds each with
        // Java 17): run them side by side. The MAC verdict wins over a decryption error.
        let check_mac = |m: &MacData| -> Result<()> {
            let want = mac(
                &m.mac.algorithm.oid,
                password,
                m.mac_salt.as_bytes(),
                m.iterations,
                auth,
            )?;
            if want.as_slice() == m.mac.digest.as_bytes() {
                Ok(())
            } else {
                Err(StoreError::Integrity)
            }
        };
        let decrypt_all = || -> Result<Vec<Safe>> {
            pending
                .iter()
                .map(|(raw, p, ed, bytes)| {
                    let plain = p.decrypt(bytes, password)?;
                    let bags = items(&plain, Tag::Sequence)
                        .map_err(|_| StoreError::Integrity)?
                        .into_iter()
                        .map(Bag::parse)
                        .collect::<Result<Vec<_>>>()?;
                    Ok(Safe {
                        raw: raw.to_vec(),
                        protection: p.clone(),
                        encrypted: ed.clone(),
                        bags,
                    })
                })
                .collect()
        };
        let any_encrypted = pending
            .iter()
            .any(|(_, p, _, _)| !matches!(p, Protection::None));
        let (mac_ok, safes) = match &pfx.mac_data {
            Some(m) if any_encrypted => std::thread::scope(|s| {
                let h = s.spawn(|| check_mac(m));
                let safes = decrypt_all();
                let mac_ok = h.join().unwrap_or(Err(StoreError::Integrity));
                (mac_ok, safes)
            }),
            Some(m) => (check_mac(m), decrypt_all()),
            None => (Ok(()), decrypt_all()),
        };
        mac_ok?;
        Ok(P12 {
            safes: safes?,
            mac: pfx.mac_data,
        })
    }

    fn entries(&self) -> Vec<Entry> {
        self.safes
            .iter()
            .flat_map(|s| s.bags.iter())
            .filter_map(|b| {
                b.cert.as_ref().map(|c| Entry {
                    alias: b.friendly.clone().unwrap_or_default(),
                    cert: c.clone(),
                    // Java: a certificate bag without localKeyId is a trusted-certificate
                    // entry only with Oracle's trusted key usage attribute.
                    trusted: b.java_trusted && !b.has_key_id,
                })
            })
            .collect()
    }

    fn with_trusted(&self, alias: &str, cert: &[u8], password: &str) -> Result<Vec<u8>> {
        let named = |b: &Bag| {
            b.friendly
                .as_deref()
                .is_some_and(|f| f.eq_ignore_ascii_case(alias))
        };
        for b in self.safes.iter().flat_map(|s| s.bags.iter()) {
            if named(b) && (b.is_key() || b.has_key_id) {
                return Err(StoreError::KeyEntry(b.friendly.clone().unwrap_or_default()));
            }
            if named(b) && b.cert.is_none() {
                return Err(StoreError::Unsupported(Unsupported::NotACertificate {
                    alias: alias.to_string(),
                    bag: b.id.to_string(),
                }));
            }
        }
        // The safe to change: the one holding the alias, else the first one holding
        // certificates (keytool keeps all certificates in one safe), else the first.
        let target = self
            .safes
            .iter()
            .position(|s| s.bags.iter().any(named))
            .or_else(|| {
                self.safes
                    .iter()
                    .position(|s| s.bags.iter().any(|b| b.cert.is_some()))
            })
            .ok_or(StoreError::Unsupported(Unsupported::NoSafe))?;
        let s = &self.safes[target];
        let mut bags: Vec<Vec<u8>> = Vec::new();
        let mut replaced = false;
        for b in &s.bags {
            if named(b) {
                if !replaced {
                    bags.push(b.with_cert(cert)?);
                    replaced = true;
                }
            } else {
                bags.push(b.raw.clone());
            }
        }
        if !replaced {
            bags.push(Bag::new_trusted(alias, cert)?);
        }
        let refs: Vec<&[u8]> = bags.iter().map(Vec::as_slice).collect();
        let contents = wrap(Tag::Sequence, &refs)?;
        let new_safe = match (&s.protection, &s.encrypted) {
            (Protection::None, _) => ContentInfo {
                content_type: OID_DATA,
                content: Any::from_der(&OctetString::new(contents)?.to_der()?)?,
            }
            .to_der()?,
            (p, Some(old)) => {
                let (alg, ct) = p.encrypt(&contents, password)?;
                let ed = EncryptedData {
                    version: old.version,
                    enc_content_info: EncryptedContentInfo {
                        content_type: old.enc_content_info.content_type,
                        content_enc_alg: alg,
                        encrypted_content: Some(OctetString::new(ct)?),
                    },
                    unprotected_attrs: old.unprotected_attrs.clone(),
                };
                ContentInfo {
                    content_type: OID_ENCRYPTED_DATA,
                    content: Any::from_der(&ed.to_der()?)?,
                }
                .to_der()?
            }
            (_, None) => return Err(StoreError::Malformed(Malformed::EncryptedSafeWithoutData)),
        };
        let safes: Vec<&[u8]> = self
            .safes
            .iter()
            .enumerate()
            .map(|(i, s)| {
                if i == target {
                    new_safe.as_slice()
                } else {
                    s.raw.as_slice()
                }
            })
            .collect();
        let auth = wrap(Tag::Sequence, &safes)?;
        let mac_data = match &self.mac {
            Some(m) => {
                let salt = random(m.mac_salt.as_bytes().len())?;
                let digest = mac(&m.mac.algorithm.oid, password, &salt, m.iterations, &auth)?;
                Some(MacData {
                    mac: DigestInfo {
                        algorithm: m.mac.algorithm.clone(),
                        digest: OctetString::new(digest)?,
                    },
                    mac_salt: OctetString::new(salt)?,
                    iterations: m.iterations,
                })
            }
            None => None,
        };
        let pfx = Pfx {
            version: Version::V3,
            auth_safe: ContentInfo {
                content_type: OID_DATA,
                content: Any::from_der(&OctetString::new(auth)?.to_der()?)?,
            },
            mac_data,
        };
        Ok(pfx.to_der()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample(scenario: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("testdata/pki")
                .join(scenario)
                .join("etc/pki/ovirt-engine/.truststore"),
        )
        .unwrap()
    }

    fn aliases(e: &[Entry]) -> Vec<(&str, bool)> {
        e.iter().map(|e| (e.alias.as_str(), e.trusted)).collect()
    }

    #[test]
    fn malformed_stores_keep_their_english_and_have_japanese() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        // Real failures: a PKCS#12 that is no DER, JKS cut short, an unknown entry tag, a
        // certificate to import that does not parse.
        let der = read(b"\x30\x84garbage", "x").unwrap_err();
        let StoreError::Malformed(Malformed::Der(der_words)) = der.clone() else {
            panic!("{der:?}");
        };
        let mut jks = JKS_MAGIC.to_vec();
        jks.extend(2u32.to_be_bytes());
        jks.extend(1u32.to_be_bytes());
        jks.extend(7u32.to_be_bytes());
        jks.extend([0, 1, b'a']);
        jks.extend([0u8; 8]);
        jks.extend([0u8; 20]);
        assert_eq!(
            read(&jks, "x").unwrap_err(),
            StoreError::Malformed(Malformed::UnknownJksTag(7))
        );
        assert_eq!(
            read(&jks[..40], "x").unwrap_err(),
            StoreError::Malformed(Malformed::TruncatedJks)
        );
        assert_eq!(
            read(&JKS_MAGIC, "x").unwrap_err(),
            StoreError::Malformed(Malformed::TooShortForJks)
        );
        let import =
            set_trusted_certificate(&jks, "x", "cacert", b"not a certificate", 0).unwrap_err();
        let StoreError::Malformed(Malformed::ImportCertificate(x509_words)) = import.clone() else {
            panic!("{import:?}");
        };
        let all = [
            (Malformed::Der(der_words.clone()), "PKCS#12 DER: "),
            (
                Malformed::ImportCertificate(x509_words.clone()),
                "certificate to import: ",
            ),
            (Malformed::TruncatedJks, "truncated JKS data"),
            (Malformed::AliasTooLong, "alias too long"),
            (Malformed::TooShortForJks, "too short for a JKS key store"),
            (Malformed::NotJks, "not a JKS key store (no FEEDFEED magic)"),
            (Malformed::UnknownJksTag(7), "unknown JKS entry tag 7"),
            (
                Malformed::TrailingJks,
                "trailing data after the JKS entries",
            ),
            (Malformed::CertificateTooLarge, "certificate too large"),
            (
                Malformed::EncryptionWithoutParameters,
                "encryption without parameters",
            ),
            (Malformed::Iv, "IV"),
            (
                Malformed::Pbes2Salt("salt too short".into()),
                "PBES2 salt: ",
            ),
            (Malformed::PbeKeyOrIvLength, "PBE key or IV length"),
            (Malformed::MacKey, "MAC key"),
            (Malformed::SafeBagWithoutValue, "SafeBag without a value"),
            (
                Malformed::BagAttributeWithoutValues,
                "bag attribute without values",
            ),
            (Malformed::CertBagValue, "certBag value"),
            (
                Malformed::EncryptedSafeWithoutData,
                "encrypted safe without data",
            ),
        ];
        for (m, english) in all {
            let e = StoreError::Malformed(m.clone());
            // The English of before, byte for byte.
            assert!(e.to_string().starts_with(english), "{e}");
            assert_eq!(strict(&en, &e.text()), e.to_string(), "{e:?}");
            let j = strict(&ja, &e.text());
            assert!(japanese(&j), "{e:?}: {j}");
            // The decoder's words and the numbers stay as they came.
            match &m {
                Malformed::Der(w) | Malformed::ImportCertificate(w) | Malformed::Pbes2Salt(w) => {
                    assert!(j.contains(w.as_str()), "{j}")
                }
                Malformed::UnknownJksTag(t) => assert!(j.contains(&t.to_string()), "{j}"),
                // A lone acronym (IV) may stay; no English phrase of ours does.
                _ => assert!(!english.contains(' ') || !j.contains(english), "{j}"),
            }
        }
    }

    #[test]
    fn unsupported_stores_keep_their_english_and_have_japanese() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        // A real one: JKS version 3.
        let mut jks = JKS_MAGIC.to_vec();
        jks.extend(3u32.to_be_bytes());
        jks.extend([0u8; 28]);
        assert_eq!(
            read(&jks, "x").unwrap_err(),
            StoreError::Unsupported(Unsupported::JksVersion(3))
        );
        let all: Vec<(Unsupported, Vec<&str>)> = vec![
            (Unsupported::JksVersion(3), vec!["JKS", "3"]),
            (
                Unsupported::CertificateType {
                    kind: "PGP".into(),
                    alias: "cacert".into(),
                },
                vec!["PGP", "'cacert'"],
            ),
            (Unsupported::Pbes2KdfRead, vec!["PBES2", "PBKDF2"]),
            (Unsupported::EncryptionScheme("1.2.3".into()), vec!["1.2.3"]),
            (Unsupported::PlainSafe, vec![]),
            (Unsupported::Pbes2KdfWrite, vec!["PBES2"]),
            (Unsupported::Pbes2Cipher, vec!["PBES2"]),
            (Unsupported::Pbes2("bad salt".into()), vec!["bad salt"]),
            (Unsupported::NoRandomness, vec![]),
            (Unsupported::MacDigest("md5".into()), vec!["MAC", "md5"]),
            (Unsupported::PublicKeyIntegrity, vec!["authSafe", "Data"]),
            (
                Unsupported::SafeContentType("1.2.840".into()),
                vec!["1.2.840"],
            ),
            (
                Unsupported::NotACertificate {
                    alias: "cacert".into(),
                    bag: "1.2.840.113549.1.12.10.1.2".into(),
                },
                vec!["'cacert'", "1.2.840.113549.1.12.10.1.2"],
            ),
            (Unsupported::NoSafe, vec!["PKCS#12"]),
        ];
        for (u, evidence) in all {
            let e = StoreError::Unsupported(u.clone());
            assert!(e.to_string().starts_with("unsupported "), "{e}");
            assert_eq!(strict(&en, &e.text()), e.to_string(), "{e:?}");
            let j = strict(&ja, &e.text());
            assert!(japanese(&j), "{e:?}: {j}");
            for kept in evidence {
                assert!(j.contains(kept), "{kept} lost: {j}");
            }
            assert!(!j.contains(&u.to_string()), "{j}");
        }
    }

    #[test]
    fn keytool_jks_reads_with_its_password_only() {
        let d = sample("console");
        assert_eq!(Kind::of(&d), Kind::Jks);
        let e = read(&d, "mypass").unwrap();
        let mut a = aliases(&e);
        a.sort();
        assert_eq!(a, [("cacert", true), ("qemu-cacert", true)]);
        for x in &e {
            openssl::x509::X509::from_der(&x.cert).unwrap();
        }
        assert_eq!(read(&d, "mypasS").unwrap_err(), StoreError::Integrity);
    }

    #[test]
    fn keytool_pkcs12_reads_with_its_password_only() {
        let d = sample("4.5-modern");
        assert_eq!(Kind::of(&d), Kind::Pkcs12);
        let e = read(&d, "mypass").unwrap();
        assert_eq!(aliases(&e), [("cacert", true), ("qemu-cacert", true)]);
        assert_eq!(read(&d, "mypasS").unwrap_err(), StoreError::Integrity);
    }

    fn other_ca() -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/pki/4.2-sha1/etc/pki/ovirt-engine/ca.pem");
        openssl::x509::X509::from_pem(&std::fs::read(p).unwrap())
            .unwrap()
            .to_der()
            .unwrap()
    }

    #[test]
    fn a_replaced_entry_keeps_its_place_and_the_others_their_bytes() {
        let new = other_ca();
        for s in ["console", "4.5-modern"] {
            let d = sample(s);
            let before = read(&d, "mypass").unwrap();
            let out = set_trusted_certificate(&d, "mypass", "cacert", &new, 1_800_000_000).unwrap();
            assert_eq!(Kind::of(&out), Kind::of(&d), "{s}");
            let after = read(&out, "mypass").unwrap();
            assert_eq!(aliases(&after), aliases(&before), "{s}: order and aliases");
            for (b, a) in before.iter().zip(&after) {
                if a.alias == "cacert" {
                    assert_eq!(a.cert, new, "{s}");
                } else {
                    assert_eq!(a.cert, b.cert, "{s}");
                }
            }
            assert_eq!(read(&out, "other").unwrap_err(), StoreError::Integrity);
            // A new alias goes last.
            let out2 = set_trusted_certificate(&out, "mypass", "extra", &new, 0).unwrap();
            let a2 = read(&out2, "mypass").unwrap();
            assert_eq!(a2.last().unwrap().alias, "extra", "{s}");
            assert_eq!(a2.len(), before.len() + 1);
        }
    }

    #[test]
    fn jks_rewrite_changes_only_the_entry_and_the_digest() {
        let d = sample("console");
        let old = read(&d, "mypass").unwrap();
        let ca = old
            .iter()
            .find(|e| e.alias == "cacert")
            .unwrap()
            .cert
            .clone();
        let out = set_trusted_certificate(&d, "mypass", "cacert", &ca, 0).unwrap();
        // Same certificate: only the entry date (8 bytes) and the digest may differ.
        assert_eq!(out.len(), d.len());
        let diff = d.iter().zip(&out).filter(|(a, b)| a != b).count();
        assert!(diff <= 8 + 20, "{diff} bytes differ");
    }

    #[test]
    fn iteration_counts_are_bounded_before_any_derivation() {
        let d = sample("4.5-modern");
        let p = P12::parse(&d, "mypass").unwrap();
        // Re-encode with a huge MAC count (the MAC is not recomputed: it is refused first).
        let mut m = p.mac.clone().unwrap();
        m.iterations = i32::MAX;
        let pfx = Pfx::from_der(&d).unwrap();
        let bad = Pfx {
            version: Version::V3,
            auth_safe: pfx.auth_safe,
            mac_data: Some(m),
        }
        .to_der()
        .unwrap();
        let t = std::time::Instant::now();
        assert_eq!(
            read(&bad, "mypass").unwrap_err(),
            StoreError::Iterations {
                what: "MAC",
                count: i32::MAX as u64
            }
        );
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn a_private_key_under_the_alias_is_not_replaced() {
        // A key store whose `cacert` is a private key entry (keytool would delete the key).
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/pki/4.2-sha1/etc/pki/ovirt-engine");
        let key = std::fs::read(dir.join("private/ca.pem")).unwrap();
        let key = openssl::pkey::PKey::private_key_from_pem(&key).unwrap();
        let cert = openssl::x509::X509::from_der(&other_ca()).unwrap();
        let mut b = openssl::pkcs12::Pkcs12::builder();
        b.name("cacert").pkey(&key).cert(&cert);
        let d = b.build2("mypass").unwrap().to_der().unwrap();
        let e = read(&d, "mypass").unwrap();
        assert_eq!(
            aliases(&e),
            [("cacert", false)],
            "a key's certificate is not trusted"
        );
        assert_eq!(
            set_trusted_certificate(&d, "mypass", "CACERT", &other_ca(), 0).unwrap_err(),
            StoreError::KeyEntry("cacert".into())
        );
        assert_eq!(
            check_settable(&d, "mypass", &["qemu-cacert", "cacert"]).unwrap_err(),
            StoreError::KeyEntry("cacert".into())
        );
        assert_eq!(check_settable(&d, "mypass", &["qemu-cacert"]), Ok(()));
        assert_eq!(
            check_settable(&d, "other", &["qemu-cacert"]),
            Err(StoreError::Integrity)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn readers_never_panic(which in 0usize..2, cut in 0usize..4096, flips in proptest::collection::vec((0usize..4096, any::<u8>()), 0..8)) {
            let mut d = sample(["console", "4.5-modern"][which]);
            for (i, b) in flips {
                let n = d.len();
                d[i % n] ^= b;
            }
            d.truncate(cut.min(d.len()));
            let _ = read(&d, "mypass");
            let _ = set_trusted_certificate(&d, "mypass", "cacert", &other_ca(), 0);
        }

        #[test]
        fn random_bytes_never_panic(d in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let mut m = JKS_MAGIC.to_vec();
            m.extend_from_slice(&d);
            let _ = read(&m, "mypass");
            let _ = read(&d, "mypass");
        }
    }
}
