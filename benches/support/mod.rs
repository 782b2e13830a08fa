//! Test data shared by the benchmarks: a CA and `n` host certificates it signed (every tenth
//! SHA-1, like a half-migrated Manager), cached as a Manager PKI dir under target/bench-data.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{BasicConstraints, SubjectAlternativeName};
use openssl::x509::{X509Builder, X509NameBuilder, X509};

/// The audit time every benchmark uses.
pub const AT: i64 = 1_793_491_200; // 2026-11-01T00:00:00Z

pub fn ca() -> (X509, PKey<Private>) {
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("C", "US").unwrap();
    name.append_entry_by_text("O", "bench.test").unwrap();
    name.append_entry_by_text("CN", "engine.bench.test.12345")
        .unwrap();
    let name = name.build();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&Asn1Integer::from_bn(&BigNum::from_u32(0x1000).unwrap()).unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::from_unix(AT - 400 * 86_400).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_unix(AT + 3000 * 86_400).unwrap())
        .unwrap();
    b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
        .unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    (b.build(), key)
}

/// Host certificates signed by `ca`, all sharing one leaf key (signing is what costs).
pub fn leaves(ca: &X509, ca_key: &PKey<Private>, n: usize) -> Vec<Vec<u8>> {
    let leaf_key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let threads = 2;
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads)
            .map(|t| {
                let leaf_key = &leaf_key;
                s.spawn(move || {
                    let mut out = Vec::new();
                    for i in (t..n).step_by(threads) {
                        let host = format!("host{i}.bench.test");
                        let mut name = X509NameBuilder::new().unwrap();
                        name.append_entry_by_text("O", "bench.test").unwrap();
                        name.append_entry_by_text("CN", &host).unwrap();
                        let name = name.build();
                        let mut b = X509Builder::new().unwrap();
                        b.set_version(2).unwrap();
                        b.set_serial_number(
                            &Asn1Integer::from_bn(&BigNum::from_u32(0x2000 + i as u32).unwrap())
                                .unwrap(),
                        )
                        .unwrap();
                        b.set_subject_name(&name).unwrap();
                        b.set_issuer_name(ca.subject_name()).unwrap();
                        b.set_pubkey(leaf_key).unwrap();
                        b.set_not_before(&Asn1Time::from_unix(AT - 100 * 86_400).unwrap())
                            .unwrap();
                        b.set_not_after(&Asn1Time::from_unix(AT + 1700 * 86_400).unwrap())
                            .unwrap();
                        let san = SubjectAlternativeName::new()
                            .dns(&host)
                            .build(&b.x509v3_context(Some(ca), None))
                            .unwrap();
                        b.append_extension(san).unwrap();
                        // Every tenth one SHA-1, like a half-migrated Manager.
                        let md = if i % 10 == 0 {
                            MessageDigest::sha1()
                        } else {
                            MessageDigest::sha256()
                        };
                        b.sign(ca_key, md).unwrap();
                        out.push(b.build().to_pem().unwrap());
                    }
                    out
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    })
}

/// A Manager PKI dir with `n` host certificates in certs/, cached under target/bench-data.
pub fn host_dir(n: usize) -> (PathBuf, Duration) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/hosts-{n}"));
    let done = dir.join(".complete");
    if done.exists() {
        return (dir, Duration::ZERO);
    }
    let t = Instant::now();
    let _ = std::fs::remove_dir_all(&dir);
    let pki = dir.join("etc/pki/ovirt-engine");
    std::fs::create_dir_all(pki.join("certs")).unwrap();
    let (ca, key) = ca();
    std::fs::write(pki.join("ca.pem"), ca.to_pem().unwrap()).unwrap();
    for (i, pem) in leaves(&ca, &key, n).into_iter().enumerate() {
        std::fs::write(pki.join(format!("certs/host{i}.bench.test.cer")), pem).unwrap();
    }
    std::fs::write(&done, "").unwrap();
    (dir, t.elapsed())
}
