//! Opens the PKCS#12 flavour OpenSSL 3 writes (oVirt 4.5: PBES2 / PBKDF2-HMAC-SHA256 /
//! AES-CBC bags, SHA-256 MAC) without `PKCS12_parse`, which spends ~3 ms per file on EVP
//! context copies and the decoder framework. The structure is read with RustCrypto's `pkcs12`,
//! `cms` and `pkcs5` types (strict DER), the keys come from [`super::kdf`] (the `pbkdf2`,
//! `hmac`, `sha2` and `pkcs12::kdf` crates), AES-CBC from `aes` + `cbc`. It answers only when
//! every step succeeds and matches what `PKCS12_parse` would do (MAC first, first key wins, the
//! certificate is the first whose public key is the key's, the others are "CA" certificates);
//! anything else — a wrong password, another algorithm, an unusual structure — returns `None`
//! and the caller asks OpenSSL, whose answer (and error text) is then the one reported.

use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, KeyIvInit};
use der::asn1::{AnyRef, OctetString};
use der::oid::ObjectIdentifier;
use der::{Decode, Encode, Tag, TagNumber, Tagged};
use hmac::{KeyInit, Mac};
use pkcs12::cms::cert::x509::Certificate;
use pkcs12::pbe_params::EncryptedPrivateKeyInfo;
use pkcs12::{Pfx, SafeBag};
use pkcs5::pbes2;
use spki::AlgorithmIdentifierOwned;

use super::kdf::{self, Hash, Kdf};
use super::keys::{self, RsaPublic};

const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// What a PKCS#12 holds, as the audit needs it.
pub(crate) struct Opened {
    pub(crate) cert_der: Option<Vec<u8>>,
    pub(crate) key: Option<RsaPublic>,
}

/// PBES2 parameters of one encrypted part.
struct Pbes2 {
    salt: Vec<u8>,
    iterations: u32,
    key_len: usize,
    iv: [u8; 16],
    data: Vec<u8>,
}

fn pbes2(alg: &AlgorithmIdentifierOwned, data: &[u8]) -> Option<Pbes2> {
    if alg.oid != pbes2::PBES2_OID {
        return None;
    }
    let params = pbes2::Parameters::try_from(AnyRef::from(alg.parameters.as_ref()?)).ok()?;
    let kdf = params.kdf.pbkdf2()?;
    // The PRF must be named HMAC-SHA256 (its default, hmacWithSHA1, is not done here).
    if kdf.prf != pbes2::Pbkdf2Prf::HmacWithSha256 {
        return None;
    }
    let (cipher_key_len, iv) = match params.encryption {
        pbes2::EncryptionScheme::Aes128Cbc { iv } => (16, iv),
        pbes2::EncryptionScheme::Aes192Cbc { iv } => (24, iv),
        pbes2::EncryptionScheme::Aes256Cbc { iv } => (32, iv),
        _ => return None,
    };
    if kdf.key_length.is_some_and(|l| l as usize != cipher_key_len) {
        return None;
    }
    let iterations = kdf.iteration_count;
    if iterations == 0 || iterations as u64 > crate::pki::p12format::MAX_P12_ITERATIONS {
        return None;
    }
    Some(Pbes2 {
        salt: kdf.salt.as_ref().to_vec(),
        iterations,
        key_len: cipher_key_len,
        iv,
        data: data.to_vec(),
    })
}

impl Pbes2 {
    fn job<'p>(&'p self, password: &'p [u8]) -> Kdf<'p> {
        Kdf::Pbkdf2 {
            prf: Hash::Sha256,
            password,
            salt: &self.salt,
            iterations: self.iterations,
            len: self.key_len,
        }
    }
    /// AES-CBC with PKCS#7 padding checked as EVP_DecryptFinal does.
    fn decrypt(&self, key: &[u8]) -> Option<Vec<u8>> {
        fn go<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>>
        where
            C: cbc::cipher::BlockCipherDecrypt,
            cbc::Decryptor<C>: KeyIvInit + BlockModeDecrypt,
        {
            let mut buf = data.to_vec();
            let d = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
            let n = d.decrypt_padded::<Pkcs7>(&mut buf).ok()?.len();
            buf.truncate(n);
            Some(buf)
        }
        match key.len() {
            16 => go::<aes::Aes128>(key, &self.iv, &self.data),
            24 => go::<aes::Aes192>(key, &self.iv, &self.data),
            32 => go::<aes::Aes256>(key, &self.iv, &self.data),
            _ => None,
        }
    }
}

/// One ContentInfo of the AuthenticatedSafe.
enum Part {
    /// SafeContents in clear (its bags).
    Clear(Vec<Bag>),
    /// Encrypted SafeContents.
    Encrypted(Pbes2),
}

enum Bag {
    Key(Vec<u8>),
    ShroudedKey(Pbes2),
    Cert(Vec<u8>),
}

/// The attributes `PKCS12_parse` reads must be of the type it assumes.
fn attributes_ok(b: &SafeBag) -> Option<()> {
    let Some(attrs) = &b.bag_attributes else {
        return Some(());
    };
    for a in attrs.iter() {
        let values: Vec<_> = a.values.iter().collect();
        if a.oid == FRIENDLY_NAME {
            // BMPString without surrogates: OpenSSL converts it to UTF-8 or fails.
            let [v] = values.as_slice() else { return None };
            let c = v.value();
            if v.tag() != Tag::BmpString || c.len() % 2 != 0 {
                return None;
            }
            if c.chunks_exact(2).any(|c| (0xd8..=0xdf).contains(&c[0])) {
                return None;
            }
        } else if a.oid == LOCAL_KEY_ID {
            let [v] = values.as_slice() else { return None };
            if v.tag() != Tag::OctetString {
                return None;
            }
        }
    }
    Some(())
}

/// A bag's value: the content of its `[0] EXPLICIT` wrapper.
fn bag_value(b: &SafeBag) -> Option<&[u8]> {
    let v = AnyRef::from_der(&b.bag_value).ok()?;
    (v.tag()
        == Tag::ContextSpecific {
            constructed: true,
            number: TagNumber(0),
        })
    .then(|| v.value())
}

fn bags(safe_contents: &[u8]) -> Option<Vec<Bag>> {
    let mut out = Vec::new();
    for b in Vec::<SafeBag>::from_der(safe_contents).ok()? {
        attributes_ok(&b)?;
        let value = bag_value(&b)?;
        out.push(if b.bag_id == pkcs12::PKCS_12_KEY_BAG_OID {
            Bag::Key(value.to_vec())
        } else if b.bag_id == pkcs12::PKCS_12_PKCS8_KEY_BAG_OID {
            let epki = EncryptedPrivateKeyInfo::from_der(value).ok()?;
            Bag::ShroudedKey(pbes2(
                &epki.encryption_algorithm,
                epki.encrypted_data.as_bytes(),
            )?)
        } else if b.bag_id == pkcs12::PKCS_12_CERT_BAG_OID {
            let cb = pkcs12::CertBag::from_der(value).ok()?;
            if cb.cert_id != pkcs12::PKCS_12_X509_CERT_OID {
                return None;
            }
            Bag::Cert(cb.cert_value.into_bytes().into_vec())
        } else {
            return None;
        });
    }
    Some(out)
}

fn parts(auth_safe: &[u8]) -> Option<Vec<Part>> {
    let mut out = Vec::new();
    for ci in Vec::<pkcs12::cms::content_info::ContentInfo>::from_der(auth_safe).ok()? {
        if ci.content_type == DATA {
            let os: OctetString = ci.content.decode_as().ok()?;
            out.push(Part::Clear(bags(os.as_bytes())?));
        } else if ci.content_type == ENCRYPTED_DATA {
            let ed: pkcs12::cms::encrypted_data::EncryptedData = ci.content.decode_as().ok()?;
            let eci = ed.enc_content_info;
            if eci.content_type != DATA || ed.unprotected_attrs.is_some() {
                return None;
            }
            let data = eci.encrypted_content?;
            out.push(Part::Encrypted(pbes2(
                &eci.content_enc_alg,
                data.as_bytes(),
            )?));
        } else {
            return None;
        }
    }
    Some(out)
}

/// A certificate OpenSSL would re-encode to these very bytes (strict DER throughout, read by
/// `x509-cert` on the same `der` crate as the rest of this file), and its RSA key if any.
/// `None` = not sure: let OpenSSL do it.
pub(super) fn cert_key(cert: &[u8]) -> Option<Option<RsaPublic>> {
    let x = Certificate::from_der(cert).ok()?;
    let spki = x.tbs_certificate().subject_public_key_info();
    if spki.algorithm.oid == RSA_ENCRYPTION {
        Some(Some(keys::spki_rsa(&spki.to_der().ok()?)?))
    } else if spki.algorithm.oid == RSASSA_PSS {
        // RSASSA-PSS keys: OpenSSL's key comparison rules, not ours.
        None
    } else {
        Some(None)
    }
}

/// A p12 of the flavour read here, parsed but not yet decrypted.
struct Parsed<'a> {
    password: &'a [u8],
    bmp: Vec<u8>,
    auth_safe: Vec<u8>,
    mac: Vec<u8>,
    mac_salt: Vec<u8>,
    mac_iter: u32,
    parts: Vec<Part>,
}

fn parse<'a>(data: &[u8], password: &'a str) -> Option<Parsed<'a>> {
    let bmp = kdf::bmp_password(password)?;
    if password.is_empty() {
        return None;
    }
    let pfx = Pfx::from_der(data).ok()?;
    if pfx.auth_safe.content_type != DATA {
        return None;
    }
    let auth_safe = pfx.auth_safe.content.decode_as::<OctetString>().ok()?;
    let mac_data = pfx.mac_data?;
    let alg = &mac_data.mac.algorithm;
    if alg.oid != SHA256 || alg.parameters.as_ref().is_some_and(|p| !p.is_null()) {
        return None;
    }
    let mac = mac_data.mac.digest.as_bytes();
    if mac.len() != 32 {
        return None;
    }
    let mac_iter = u32::try_from(mac_data.iterations).ok()?;
    if mac_iter == 0 || mac_iter as u64 > crate::pki::p12format::MAX_P12_ITERATIONS {
        return None;
    }
    let parts = parts(auth_safe.as_bytes())?;
    Some(Parsed {
        password: password.as_bytes(),
        bmp,
        auth_safe: auth_safe.into_bytes().into_vec(),
        mac: mac.to_vec(),
        mac_salt: mac_data.mac_salt.into_bytes().into_vec(),
        mac_iter,
        parts,
    })
}

impl Parsed<'_> {
    /// Every key derivation, known up front: the MAC's, then each encrypted part's in order.
    fn jobs(&self) -> Vec<Kdf<'_>> {
        let mut jobs = vec![Kdf::Pkcs12 {
            digest: Hash::Sha256,
            id: 3,
            password_bmp: &self.bmp,
            salt: &self.mac_salt,
            iterations: self.mac_iter,
            len: 32,
        }];
        for p in &self.parts {
            match p {
                Part::Encrypted(e) => jobs.push(e.job(self.password)),
                Part::Clear(bags) => {
                    for b in bags {
                        if let Bag::ShroudedKey(e) = b {
                            jobs.push(e.job(self.password));
                        }
                    }
                }
            }
        }
        jobs
    }
}

/// Opens `data` with `password`, or `None` when OpenSSL must decide.
#[cfg(test)]
pub(crate) fn open(data: &[u8], password: &str) -> Option<Opened> {
    open_with(data, password, &kdf::Derived::default())
}

/// [`open`], taking keys from `pre` where it holds them (see [`batch`]).
pub(crate) fn open_with(data: &[u8], password: &str, pre: &kdf::Derived) -> Option<Opened> {
    let p = parse(data, password)?;
    let derived: Vec<Option<Vec<u8>>> = p
        .jobs()
        .iter()
        .map(|j| pre.get(j).map(<[u8]>::to_vec).or_else(|| j.run()))
        .collect();
    finish(&p, derived)
}

/// The key derivations of every file of `files` of the flavour read here, as one batch
/// (see [`kdf::Batch`]): [`open_with`] its keys then only decrypts.
pub(crate) fn batch(files: &[&[u8]], password: &str) -> kdf::Batch {
    let parsed: Vec<Parsed<'_>> = files.iter().filter_map(|d| parse(d, password)).collect();
    let jobs: Vec<Kdf<'_>> = parsed.iter().flat_map(|p| p.jobs()).collect();
    kdf::Batch::new(&jobs)
}

fn finish(p: &Parsed<'_>, derived: Vec<Option<Vec<u8>>>) -> Option<Opened> {
    let key_bags = p
        .parts
        .iter()
        .map(|p| match p {
            Part::Encrypted(_) => 0,
            Part::Clear(bags) => bags
                .iter()
                .filter(|b| matches!(b, Bag::ShroudedKey(_) | Bag::Key(_)))
                .count(),
        })
        .sum::<usize>();
    let mut derived = derived.into_iter();
    let mac_key = derived.next()??;
    // MAC first, as PKCS12_parse does: a wrong password ends here (`verify_slice` compares
    // in constant time).
    let mut m = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&mac_key).ok()?;
    m.update(&p.auth_safe);
    m.verify_slice(&p.mac).ok()?;
    let mut derived: Vec<Vec<u8>> = derived.collect::<Option<Vec<_>>>()?;
    derived.reverse();

    let mut key: Option<RsaPublic> = None;
    let mut certs: Vec<Vec<u8>> = Vec::new();
    let take_key = |pkcs8: &[u8], key: &mut Option<RsaPublic>| -> Option<()> {
        if key.is_none() {
            *key = Some(keys::pkcs8_rsa(pkcs8)?);
        }
        Some(())
    };
    // Bags of encrypted parts, in order, after the clear ones are known to be acceptable.
    for part in &p.parts {
        match part {
            Part::Clear(bags) => {
                for b in bags {
                    match b {
                        Bag::Key(k) => take_key(k, &mut key)?,
                        Bag::ShroudedKey(e) => {
                            let k = e.decrypt(&derived.pop()?)?;
                            take_key(&k, &mut key)?;
                        }
                        Bag::Cert(c) => certs.push(c.clone()),
                    }
                }
            }
            Part::Encrypted(e) => {
                let plain = e.decrypt(&derived.pop()?)?;
                for b in bags(&plain)? {
                    match b {
                        Bag::Cert(c) => certs.push(c),
                        // Keys inside encrypted parts: not what oVirt writes; OpenSSL decides.
                        Bag::Key(_) | Bag::ShroudedKey(_) => return None,
                    }
                }
            }
        }
    }
    if key_bags > 1 {
        return None;
    }
    let mut cert_der = None;
    for c in certs {
        let ck = cert_key(&c)?;
        if cert_der.is_none() && key.is_some() && ck.as_ref() == key.as_ref() {
            cert_der = Some(c);
        }
    }
    Some(Opened { cert_der, key })
}
#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn p12s() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pki");
        let mut v = Vec::new();
        for era in std::fs::read_dir(root).unwrap().flatten() {
            let keys = era.path().join("etc/pki/ovirt-engine/keys");
            for f in std::fs::read_dir(keys).into_iter().flatten().flatten() {
                let p = f.path();
                if p.to_string_lossy().contains(".p12") {
                    v.push(p);
                }
            }
        }
        v.sort();
        v
    }

    /// Every fixture: the native reader either declines, or agrees with PKCS12_parse on the
    /// certificate, the key and the CA count. And it must not decline the OpenSSL 3 flavour
    /// (else the audit silently falls back to the slow path).
    #[test]
    fn agrees_with_openssl_on_every_fixture() {
        let mut native = 0;
        for p in p12s() {
            let data = std::fs::read(&p).unwrap();
            let fmt = crate::pki::p12format::detect(&data);
            let ours = open(&data, "mypass");
            let theirs = crate::pki::cert::open_p12(&p, &data, "mypass");
            match (&ours, &theirs) {
                (Some(o), Ok(t)) => {
                    native += 1;
                    assert_eq!(o.cert_der, t.cert_der, "{}", p.display());
                    let k = t.key.as_ref().map(|k| {
                        let r = k.rsa().unwrap();
                        RsaPublic {
                            n: r.n().to_vec(),
                            e: r.e().to_vec(),
                        }
                    });
                    assert_eq!(o.key, k, "{}", p.display());
                }
                (Some(_), Err(e)) => {
                    panic!("{}: native opened what OpenSSL refuses: {e}", p.display())
                }
                (None, _) => {
                    // Declining is fine for other algorithms and for non-RSA keys only.
                    let modern = fmt.as_ref().is_ok_and(|f| f.family() == "modern");
                    let rsa = theirs
                        .as_ref()
                        .is_ok_and(|t| t.key.as_ref().is_some_and(|k| k.rsa().is_ok()));
                    assert!(
                        !(modern && rsa),
                        "{}: OpenSSL 3 format declined",
                        p.display()
                    );
                }
            }
            // A wrong password is never accepted.
            assert!(open(&data, "wrong").is_none(), "{}", p.display());
        }
        assert!(native >= 10, "only {native} files opened natively");
    }

    #[test]
    fn any_flipped_byte_is_declined_or_openssl_agrees() {
        let p = p12s()
            .into_iter()
            .find(|p| {
                p.to_string_lossy()
                    .contains("4.5-modern/etc/pki/ovirt-engine/keys/apache.p12")
            })
            .unwrap();
        let data = std::fs::read(&p).unwrap();
        for i in (0..data.len()).step_by(7) {
            let mut d = data.clone();
            d[i] ^= 0x01;
            if let Some(o) = open(&d, "mypass") {
                let t = crate::pki::cert::open_p12(&p, &d, "mypass")
                    .unwrap_or_else(|e| panic!("byte {i}: native accepted, OpenSSL: {e}"));
                assert_eq!(o.cert_der, t.cert_der, "byte {i}");
            }
        }
    }

    /// The batch that the audit runs ahead of time, shared by two threads: every key of
    /// every native file is in it, and opening with it is opening without it. A wrong
    /// password finds nothing there (the keys are by full input) and is still refused.
    #[test]
    fn a_shared_batch_opens_every_fixture_as_one_at_a_time() {
        let files: Vec<Vec<u8>> = p12s().iter().map(|p| std::fs::read(p).unwrap()).collect();
        let refs: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
        let native = refs.iter().filter(|d| parse(d, "mypass").is_some()).count();
        let b = batch(&refs, "mypass");
        let keys = std::thread::scope(|s| {
            s.spawn(|| b.work());
            b.finish()
        });
        // One MAC key and two bag keys per OpenSSL 3 file (some of which then fail: a
        // wrong-password fixture, a non-RSA key).
        assert_eq!(keys.len(), 3 * native);
        let mut hits = 0;
        for d in &refs {
            let alone = open(d, "mypass");
            let shared = open_with(d, "mypass", keys);
            assert_eq!(alone.is_some(), shared.is_some());
            if let (Some(a), Some(s)) = (alone, shared) {
                hits += 1;
                assert_eq!(a.cert_der, s.cert_der);
                assert_eq!(a.key, s.key);
            }
            assert!(open_with(d, "wrong", keys).is_none());
        }
        assert!(hits >= 10, "only {hits} files opened natively");
    }
}
