//! Opens the PKCS#12 flavour OpenSSL 3 writes (oVirt 4.5: PBES2 / PBKDF2-HMAC-SHA256 /
//! AES-CBC bags, SHA-256 MAC) without `PKCS12_parse`, which spends ~3 ms per file on EVP
//! context copies and the decoder framework. It answers only when every step succeeds and
//! matches what `PKCS12_parse` would do (MAC first, first key wins, the certificate is the
//! first whose public key is the key's, the others are "CA" certificates); anything else — a
//! wrong password, another algorithm, an unusual structure — returns `None` and the caller
//! asks OpenSSL, whose answer (and error text) is then the one reported, exactly as before.

use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, KeyIvInit};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::der::{self, oid, RsaPublic};
use super::kdf::{self, Kdf};

/// What a PKCS#12 holds, as the audit needs it.
pub(crate) struct Opened {
    pub cert_der: Option<Vec<u8>>,
    pub key: Option<RsaPublic>,
    pub ca_count: usize,
}

/// PBES2 parameters of one encrypted part.
struct Pbes2<'a> {
    salt: &'a [u8],
    iterations: u32,
    key_len: usize,
    iv: &'a [u8],
    data: &'a [u8],
}

fn pbes2<'a>(alg: &'a [u8], data: &'a [u8]) -> Option<Pbes2<'a>> {
    let (o, rest) = der::take(alg, 0x06)?;
    if o != oid::PBES2 {
        return None;
    }
    let params = der::only(rest, 0x30)?;
    let (kdf_alg, rest) = der::take(params, 0x30)?;
    let enc = der::only(rest, 0x30)?;
    // keyDerivationFunc: PBKDF2 { salt OCTET STRING, iterations, keyLength?, prf }
    let (o, rest) = der::take(kdf_alg, 0x06)?;
    if o != oid::PBKDF2 {
        return None;
    }
    let p = der::only(rest, 0x30)?;
    let (salt, rest) = der::take(p, 0x04)?;
    let (iterations, mut rest) = der::small(rest)?;
    let mut key_len = None;
    if rest.first() == Some(&0x02) {
        let (l, r) = der::small(rest)?;
        key_len = Some(l);
        rest = r;
    }
    // The PRF must be named: its default (hmacWithSHA1) is not done here.
    let prf = der::only(rest, 0x30)?;
    if der::null_alg(prf)? != oid::HMAC_SHA256 {
        return None;
    }
    let (o, rest) = der::take(enc, 0x06)?;
    let cipher_key_len = match o {
        x if x == oid::AES128_CBC => 16,
        x if x == oid::AES192_CBC => 24,
        x if x == oid::AES256_CBC => 32,
        _ => return None,
    };
    let iv = der::only(rest, 0x04)?;
    if iv.len() != 16 || key_len.is_some_and(|l| l != cipher_key_len) {
        return None;
    }
    if iterations == 0 || iterations > crate::p12format::MAX_P12_ITERATIONS {
        return None;
    }
    Some(Pbes2 {
        salt,
        iterations: iterations as u32,
        key_len: cipher_key_len as usize,
        iv,
        data,
    })
}

impl Pbes2<'_> {
    fn job<'p>(&'p self, password: &'p [u8]) -> Kdf<'p> {
        Kdf::Pbkdf2 {
            password,
            salt: self.salt,
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
            16 => go::<aes::Aes128>(key, self.iv, self.data),
            24 => go::<aes::Aes192>(key, self.iv, self.data),
            32 => go::<aes::Aes256>(key, self.iv, self.data),
            _ => None,
        }
    }
}

/// One ContentInfo of the AuthenticatedSafe.
enum Part<'a> {
    /// SafeContents in clear (its bags).
    Clear(Vec<Bag<'a>>),
    /// Encrypted SafeContents.
    Encrypted(Pbes2<'a>),
}

enum Bag<'a> {
    Key(&'a [u8]),
    ShroudedKey(Pbes2<'a>),
    Cert(&'a [u8]),
}

/// The attributes `PKCS12_parse` reads must be of the type it assumes.
fn attributes_ok(attrs: &[u8]) -> Option<()> {
    for a in der::items(der::only(attrs, 0x31)?)? {
        if a.tag != 0x30 {
            return None;
        }
        let (o, rest) = der::take(a.content, 0x06)?;
        let values = der::items(der::only(rest, 0x31)?)?;
        if o == oid::FRIENDLY_NAME {
            // BMPString without surrogates: OpenSSL converts it to UTF-8 or fails.
            let [v] = values.as_slice() else { return None };
            if v.tag != 0x1e || v.content.len() % 2 != 0 {
                return None;
            }
            let surrogate = v
                .content
                .chunks_exact(2)
                .any(|c| (0xd8..=0xdf).contains(&c[0]));
            if surrogate {
                return None;
            }
        } else if o == oid::LOCAL_KEY_ID {
            let [v] = values.as_slice() else { return None };
            if v.tag != 0x04 {
                return None;
            }
        }
    }
    Some(())
}

fn bags(safe_contents: &[u8]) -> Option<Vec<Bag<'_>>> {
    let mut out = Vec::new();
    for b in der::items(der::only(safe_contents, 0x30)?)? {
        if b.tag != 0x30 {
            return None;
        }
        let (id, rest) = der::take(b.content, 0x06)?;
        let (value, rest) = der::take(rest, 0xa0)?;
        if !rest.is_empty() {
            attributes_ok(rest)?;
        }
        out.push(if id == oid::KEY_BAG {
            Bag::Key(value)
        } else if id == oid::SHROUDED_KEY_BAG {
            let epki = der::only(value, 0x30)?;
            let (alg, rest) = der::take(epki, 0x30)?;
            let data = der::only(rest, 0x04)?;
            Bag::ShroudedKey(pbes2(alg, data)?)
        } else if id == oid::CERT_BAG {
            let cb = der::only(value, 0x30)?;
            let (t, rest) = der::take(cb, 0x06)?;
            if t != oid::X509_CERTIFICATE {
                return None;
            }
            Bag::Cert(der::only(der::only(rest, 0xa0)?, 0x04)?)
        } else {
            return None;
        });
    }
    Some(out)
}

fn parts(auth_safe: &[u8]) -> Option<Vec<Part<'_>>> {
    let mut out = Vec::new();
    for ci in der::items(der::only(auth_safe, 0x30)?)? {
        if ci.tag != 0x30 {
            return None;
        }
        let (t, rest) = der::take(ci.content, 0x06)?;
        let inner = der::only(rest, 0xa0)?;
        if t == oid::DATA {
            out.push(Part::Clear(bags(der::only(inner, 0x04)?)?));
        } else if t == oid::ENCRYPTED_DATA {
            let ed = der::only(inner, 0x30)?;
            let (_version, rest) = der::small(ed)?;
            let eci = der::only(rest, 0x30)?;
            let (ct, rest) = der::take(eci, 0x06)?;
            let (alg, rest) = der::take(rest, 0x30)?;
            let data = der::only(rest, 0x80)?;
            if ct != oid::DATA {
                return None;
            }
            out.push(Part::Encrypted(pbes2(alg, data)?));
        } else {
            return None;
        }
    }
    Some(out)
}

/// A certificate OpenSSL would re-encode to these very bytes, and its RSA key if any.
/// `None` = not sure: let OpenSSL do it.
pub(super) fn cert_key(cert: &[u8]) -> Option<Option<RsaPublic>> {
    let (rest, x) = X509Certificate::from_der(cert).ok()?;
    if !rest.is_empty() {
        return None;
    }
    // The outer structure in minimal DER (the TBS is kept verbatim by OpenSSL anyway).
    let parts = der::items(der::only(cert, 0x30)?)?;
    if parts.len() != 3 {
        return None;
    }
    let spki = x.public_key();
    if spki.algorithm.algorithm.to_id_string() == "1.2.840.113549.1.1.1" {
        Some(Some(der::spki_rsa(spki.raw)?))
    } else if spki.algorithm.algorithm.to_id_string() == "1.2.840.113549.1.1.10" {
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
    auth_safe: &'a [u8],
    mac: &'a [u8],
    mac_salt: &'a [u8],
    mac_iter: u32,
    parts: Vec<Part<'a>>,
}

fn parse<'a>(data: &'a [u8], password: &'a str) -> Option<Parsed<'a>> {
    let bmp = kdf::bmp_password(password)?;
    if password.is_empty() {
        return None;
    }
    let pfx = der::only(data, 0x30)?;
    let (version, rest) = der::small(pfx)?;
    if version != 3 {
        return None;
    }
    let (auth, rest) = der::take(rest, 0x30)?;
    let mac_data = der::only(rest, 0x30)?;
    let (t, rest) = der::take(auth, 0x06)?;
    if t != oid::DATA {
        return None;
    }
    let auth_safe = der::only(der::only(rest, 0xa0)?, 0x04)?;
    let (digest_info, rest) = der::take(mac_data, 0x30)?;
    let (mac_alg, rest2) = der::take(digest_info, 0x30)?;
    let mac = der::only(rest2, 0x04)?;
    if der::null_alg(mac_alg)? != oid::SHA256 || mac.len() != 32 {
        return None;
    }
    let (mac_salt, rest) = der::take(rest, 0x04)?;
    let mac_iter = if rest.is_empty() {
        1
    } else {
        let (i, r) = der::small(rest)?;
        if !r.is_empty() || i == 0 || i > crate::p12format::MAX_P12_ITERATIONS {
            return None;
        }
        i as u32
    };
    let parts = parts(auth_safe)?;
    Some(Parsed {
        password: password.as_bytes(),
        bmp,
        auth_safe,
        mac,
        mac_salt,
        mac_iter,
        parts,
    })
}

impl Parsed<'_> {
    /// Every key derivation, known up front: the MAC's, then each encrypted part's in order.
    fn jobs(&self) -> Vec<Kdf<'_>> {
        let mut jobs = vec![Kdf::Pkcs12 {
            id: 3,
            password_bmp: &self.bmp,
            salt: self.mac_salt,
            iterations: self.mac_iter,
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

/// [`open`], taking keys from `pre` where it holds them (see [`prederive`]).
pub(crate) fn open_with(data: &[u8], password: &str, pre: &kdf::Derived) -> Option<Opened> {
    let p = parse(data, password)?;
    let jobs = p.jobs();
    // One lookup per job; whatever the batch lacks is derived here, side by side.
    let pre_keys: Vec<Option<&[u8]>> = jobs.iter().map(|j| pre.get(j)).collect();
    let todo: Vec<Kdf<'_>> = jobs
        .iter()
        .zip(&pre_keys)
        .filter(|(_, k)| k.is_none())
        .map(|(j, _)| j.clone())
        .collect();
    let mut fresh = kdf::derive(&todo).into_iter();
    let derived: Vec<Option<Vec<u8>>> = pre_keys
        .into_iter()
        .map(|k| match k {
            Some(k) => Some(k.to_vec()),
            None => fresh.next().flatten(),
        })
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
    let (auth_safe, mac, parts) = (p.auth_safe, p.mac, &p.parts);
    let key_bags = parts
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
    // MAC first, as PKCS12_parse does: a wrong password ends here.
    let ok = kdf::hmac_sha256(&mac_key, auth_safe);
    if ok.iter().zip(mac).fold(0u8, |a, (x, y)| a | (x ^ y)) != 0 {
        return None;
    }
    let mut derived: Vec<Vec<u8>> = derived.collect::<Option<Vec<_>>>()?;
    derived.reverse();

    let mut key: Option<RsaPublic> = None;
    let mut certs: Vec<Vec<u8>> = Vec::new();
    let take_key = |pkcs8: &[u8], key: &mut Option<RsaPublic>| -> Option<()> {
        if key.is_none() {
            *key = Some(der::pkcs8_rsa(pkcs8)?);
        }
        Some(())
    };
    // Bags of encrypted parts, in order, after the clear ones are known to be acceptable.
    for p in parts {
        match p {
            Part::Clear(bags) => {
                for b in bags {
                    match b {
                        Bag::Key(k) => take_key(k, &mut key)?,
                        Bag::ShroudedKey(e) => {
                            let k = e.decrypt(&derived.pop()?)?;
                            take_key(&k, &mut key)?;
                        }
                        Bag::Cert(c) => certs.push(c.to_vec()),
                    }
                }
            }
            Part::Encrypted(e) => {
                let plain = e.decrypt(&derived.pop()?)?;
                for b in bags(&plain)? {
                    match b {
                        Bag::Cert(c) => certs.push(c.to_vec()),
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
    let mut ca_count = 0;
    for c in certs {
        let ck = cert_key(&c)?;
        if cert_der.is_none() && key.is_some() && ck.as_ref() == key.as_ref() {
            cert_der = Some(c);
        } else {
            ca_count += 1;
        }
    }
    Some(Opened {
        cert_der,
        key,
        ca_count,
    })
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
            let fmt = crate::p12format::detect(&data);
            let ours = open(&data, "mypass");
            let theirs = crate::cert::open_p12(&p, &data, "mypass");
            match (&ours, &theirs) {
                (Some(o), Ok(t)) => {
                    native += 1;
                    assert_eq!(o.cert_der, t.cert_der, "{}", p.display());
                    assert_eq!(o.ca_count, t.ca_count, "{}", p.display());
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
                let t = crate::cert::open_p12(&p, &d, "mypass")
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
                assert_eq!(a.ca_count, s.ca_count);
            }
            assert!(open_with(d, "wrong", keys).is_none());
        }
        assert!(hits >= 10, "only {hits} files opened natively");
    }
}
