//! `<pki>/.truststore`: the engine verifies vdsm (and SSO over HTTPS) with it. oVirt imports
//! `ca.pem` as alias `cacert` and `qemu-ca.pem` as `qemu-cacert` (`keytool -import
//! -trustcacerts`); Java 8's keytool wrote JKS, Java ≥ 9's PKCS#12. Both are read here without
//! a JVM: PKCS#12 through OpenSSL (the aliases are the bags' friendlyNames), JKS with the small
//! reader below (no maintained crate reads JKS without pulling a new dependency tree).

use std::path::Path;

use openssl::pkcs12::Pkcs12;
use sha1::{Digest as _, Sha1};

use super::{AuditConfig, Found, Out, Problem, Resolved, Severity};
use crate::cert;

const PATH: &str = ".truststore";

/// Entries of a trust store: (alias, certificate DER).
type Entries = Vec<(String, Vec<u8>)>;

/// Reads a JKS key store's trusted-certificate entries and checks its integrity digest
/// (SHA-1 over the password as UTF-16BE, "Mighty Aphrodite", then the data).
pub fn read_jks(data: &[u8], password: &str) -> Result<Entries, String> {
    struct R<'a>(&'a [u8], usize);
    impl R<'_> {
        fn take(&mut self, n: usize) -> Result<&[u8], String> {
            let end = self.1.checked_add(n).filter(|e| *e <= self.0.len());
            let end = end.ok_or_else(|| "truncated JKS data".to_string())?;
            let s = &self.0[self.1..end];
            self.1 = end;
            Ok(s)
        }
        fn u16(&mut self) -> Result<u16, String> {
            let b = self.take(2)?;
            Ok(u16::from_be_bytes([b[0], b[1]]))
        }
        fn u32(&mut self) -> Result<u32, String> {
            let b = self.take(4)?;
            Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        }
        fn utf(&mut self) -> Result<String, String> {
            let n = self.u16()? as usize;
            Ok(String::from_utf8_lossy(self.take(n)?).into_owned())
        }
    }
    if data.len() < 32 {
        return Err("too short for a JKS key store".into());
    }
    let (body, digest) = data.split_at(data.len() - 20);
    let mut r = R(body, 0);
    if r.u32()? != 0xFEED_FEED {
        return Err("not a JKS key store (no FEEDFEED magic)".into());
    }
    let version = r.u32()?;
    if version != 1 && version != 2 {
        return Err(format!("JKS version {version} unsupported"));
    }
    let count = r.u32()?;
    let mut out = Vec::new();
    for _ in 0..count {
        match r.u32()? {
            // Private key entry: alias, date, protected key, certificate chain.
            1 => {
                let _alias = r.utf()?;
                r.take(8)?;
                let n = r.u32()? as usize;
                r.take(n)?;
                let chain = r.u32()?;
                for _ in 0..chain {
                    if version == 2 {
                        r.utf()?;
                    }
                    let n = r.u32()? as usize;
                    r.take(n)?;
                }
            }
            2 => {
                let alias = r.utf()?;
                r.take(8)?;
                if version == 2 {
                    let t = r.utf()?;
                    if t != "X.509" {
                        return Err(format!("entry '{alias}': certificate type {t}"));
                    }
                }
                let n = r.u32()? as usize;
                out.push((alias, r.take(n)?.to_vec()));
            }
            t => return Err(format!("unknown JKS entry tag {t}")),
        }
    }
    if r.1 != body.len() {
        return Err("trailing data after the JKS entries".into());
    }
    let mut h = Sha1::new();
    for u in password.encode_utf16() {
        h.update(u.to_be_bytes());
    }
    h.update(b"Mighty Aphrodite");
    h.update(body);
    if h.finalize().as_slice() != digest {
        return Err("integrity check failed (wrong password or corrupt file)".into());
    }
    Ok(out)
}

/// Reads a PKCS#12 trust store's certificates with their aliases (friendlyName).
pub fn read_p12(path: &Path, data: &[u8], password: &str) -> Result<Entries, String> {
    if password.contains('\0') {
        return Err("password contains a NUL byte".into());
    }
    cert::bounded_p12(path, data).map_err(|e| e.to_string())?;
    if let Err(crate::p12format::Bound::Excessive(i)) =
        crate::p12format::check_work_with_password(data, password)
    {
        return Err(format!(
            "{} iteration count {} above {}",
            i.what,
            i.count,
            crate::p12format::MAX_P12_ITERATIONS
        ));
    }
    cert::ensure_legacy_provider();
    let p12 = Pkcs12::from_der(data).map_err(|e| cert::first_openssl_reason(&e))?;
    let parsed = p12
        .parse2(password)
        .map_err(|e| format!("cannot be opened: {}", cert::first_openssl_reason(&e)))?;
    let mut out = Vec::new();
    let all = parsed
        .cert
        .into_iter()
        .chain(parsed.ca.into_iter().flat_map(|s| s.into_iter()));
    for c in all {
        let alias = c
            .alias()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .unwrap_or_default();
        let der = c.to_der().map_err(|e| cert::first_openssl_reason(&e))?;
        out.push((alias, der));
    }
    Ok(out)
}

/// Reads `.truststore` whatever its type.
pub fn read_truststore(path: &Path, data: &[u8], password: &str) -> Result<Entries, String> {
    if data.starts_with(&[0xFE, 0xED, 0xFE, 0xED]) {
        read_jks(data, password)
    } else {
        read_p12(path, data, password)
    }
}

/// The DER of a CA file of the PKI dir, `None` when absent or unreadable.
fn ca_der(dir: &Path, file: &str) -> Option<Vec<u8>> {
    let p = dir.join(file);
    let data = cert::read_limited(&p).ok()?;
    cert::first_certificate(&p, &data).ok()
}

fn same_key(a: &[u8], b: &[u8]) -> bool {
    let key = |d: &[u8]| openssl::x509::X509::from_der(d).ok()?.public_key().ok();
    match (key(a), key(b)) {
        (Some(x), Some(y)) => x.public_eq(&y),
        _ => false,
    }
}

fn describe(der: &[u8]) -> String {
    match openssl::x509::X509::from_der(der) {
        Ok(x) => {
            let serial = x
                .serial_number()
                .to_bn()
                .ok()
                .and_then(|b| b.to_hex_str().ok().map(|s| s.to_string()))
                .unwrap_or_default();
            let fp = hex::encode(cert::sha256(der));
            format!(
                "{} (serial {serial}, SHA-256 {}…)",
                x.subject_name()
                    .entries()
                    .map(|e| String::from_utf8_lossy(e.data().as_slice()).into_owned())
                    .collect::<Vec<_>>()
                    .join("/"),
                &fp[..16]
            )
        }
        Err(_) => "unparsable certificate".into(),
    }
}

/// Audits `.truststore` against `ca.pem` / `qemu-ca.pem` with the engine's trust store
/// password.
pub(super) fn check(out: &mut Out, dir: &Path, root: Option<&Path>, password: &str, origin: &str) {
    let p = dir.join(PATH);
    let exists = std::fs::symlink_metadata(&p).is_ok();
    // Symlinks are followed inside the audited tree only, as for every other file.
    let file = match super::resolve_in_tree(dir, root, &p) {
        Resolved::File(f) => Ok(f),
        Resolved::Dangling(t) if exists => {
            out.finding(
                Severity::Critical,
                PATH,
                "pki",
                Problem::Unreadable {
                    reason: format!("dangling symlink to {t}"),
                },
            );
            return;
        }
        Resolved::Dangling(_) => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
        Resolved::Outside(t) => {
            out.finding(
                Severity::Warning,
                PATH,
                "pki",
                Problem::SymlinkOutsideTree { target: t },
            );
            return;
        }
    };
    let data = match file.and_then(|f| cert::read_regular(&f, cert::MAX_FILE_SIZE)) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            out.finding(
                Severity::Critical,
                PATH,
                "pki",
                Problem::Missing {
                    what: ".truststore (the engine cannot verify vdsm or SSO over HTTPS)".into(),
                },
            );
            return;
        }
        Err(e) => {
            out.finding(
                Severity::Critical,
                PATH,
                "pki",
                Problem::Unreadable {
                    reason: e.to_string(),
                },
            );
            return;
        }
    };
    let entries = match read_truststore(&p, &data, password) {
        Ok(e) => e,
        Err(why) => {
            out.finding(
                Severity::Critical,
                PATH,
                "pki",
                Problem::Unreadable {
                    reason: format!("{why} (password from {origin})"),
                },
            );
            return;
        }
    };
    // (alias, CA file, critical?): without `cacert` the engine verifies no host.
    for (alias, file, critical) in [
        ("cacert", "ca.pem", true),
        ("qemu-cacert", "qemu-ca.pem", false),
    ] {
        let Some(ca) = ca_der(dir, file) else {
            continue;
        };
        let sev = if critical {
            Severity::Critical
        } else {
            Severity::Warning
        };
        match entries.iter().find(|(a, _)| a.eq_ignore_ascii_case(alias)) {
            None => out.finding(
                sev,
                PATH,
                "pki",
                Problem::TruststoreAliasMissing {
                    alias: alias.into(),
                    ca: file.into(),
                },
            ),
            Some((_, der)) if *der != ca => {
                let same_key = same_key(der, &ca);
                out.finding(
                    // The engine verifies with the key: an older copy of the same CA still works.
                    if same_key { Severity::Warning } else { sev },
                    PATH,
                    "pki",
                    Problem::TruststoreStale {
                        alias: alias.into(),
                        ca: file.into(),
                        reason: format!(
                            "the store holds {}, {file} is {}",
                            describe(der),
                            describe(&ca)
                        ),
                        same_key,
                    },
                )
            }
            Some(_) => {}
        }
    }
}

/// Runs [`check`] on its own thread with the engine's trust store password.
pub(super) fn spawn(cfg: &AuditConfig) -> std::thread::JoinHandle<Vec<Found>> {
    let dir = cfg.pki_dir.clone();
    let root = cfg.root.clone();
    let conf = cfg.engine_conf_dir.clone();
    std::thread::spawn(move || {
        let tp = super::store_passwords(conf.as_deref()).trust_store;
        let origin = tp.origin.as_ref().map_or_else(
            || "oVirt's default".to_string(),
            |f| f.to_string_lossy().into_owned(),
        );
        let mut out = Out::default();
        check(&mut out, &dir, root.as_deref(), &tp.value, &origin);
        out.findings
    })
}

/// The findings of [`spawn`]; a panic is reported on the file, never lost silently.
pub(super) fn join(h: std::thread::JoinHandle<Vec<Found>>) -> Vec<Found> {
    h.join().unwrap_or_else(|_| {
        let mut out = Out::default();
        out.finding(
            Severity::Critical,
            PATH,
            "pki",
            Problem::Unreadable {
                reason: "internal error while auditing this file".into(),
            },
        );
        out.findings
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn jks_sample() -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("testdata/pki/console/etc/pki/ovirt-engine/.truststore"),
        )
        .unwrap()
    }

    #[test]
    fn keytool_jks_reads_with_its_password_only() {
        let d = jks_sample();
        let e = read_jks(&d, "mypass").unwrap();
        let mut aliases: Vec<&str> = e.iter().map(|(a, _)| a.as_str()).collect();
        aliases.sort();
        assert_eq!(aliases, ["cacert", "qemu-cacert"]);
        // Each entry is a certificate that parses.
        for (_, der) in &e {
            openssl::x509::X509::from_der(der).unwrap();
        }
        let err = read_jks(&d, "mypasS").unwrap_err();
        assert!(err.contains("integrity"), "{err}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn jks_reader_never_panics(cut in 0usize..4096, flips in proptest::collection::vec((0usize..4096, any::<u8>()), 0..8)) {
            let mut d = jks_sample();
            for (i, b) in flips {
                let n = d.len();
                d[i % n] ^= b;
            }
            d.truncate(cut.min(d.len()));
            let _ = read_truststore(Path::new(".truststore"), &d, "mypass");
        }

        #[test]
        fn random_bytes_never_panic(d in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let mut m = vec![0xFE, 0xED, 0xFE, 0xED];
            m.extend_from_slice(&d);
            let _ = read_jks(&m, "mypass");
            let _ = read_truststore(Path::new(".truststore"), &d, "mypass");
        }
    }
}
