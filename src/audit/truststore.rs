//! The audit of `<pki>/.truststore`: its `cacert` / `qemu-cacert` trusted-certificate entries
//! against `ca.pem` / `qemu-ca.pem`. The store (JKS or PKCS#12) is read by
//! [`crate::pki::truststore`], with its integrity checked with the engine's trust store password.

use std::path::Path;

use super::{AuditConfig, Found, Out, Problem, Reason, Resolved, Severity};
use crate::i18n::Text;
use crate::pki::cert;
use crate::pki::truststore::read as read_truststore;

const PATH: &str = ".truststore";

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

fn describe(der: &[u8]) -> Text {
    match openssl::x509::X509::from_der(der) {
        Ok(x) => {
            let serial = x
                .serial_number()
                .to_bn()
                .ok()
                .and_then(|b| b.to_hex_str().ok().map(|s| s.to_string()))
                .unwrap_or_default();
            let fp = hex::encode(cert::sha256(der));
            Text::new("reason-cert-described")
                .arg(
                    "subject",
                    x.subject_name()
                        .entries()
                        .map(|e| String::from_utf8_lossy(e.data().as_slice()).into_owned())
                        .collect::<Vec<_>>()
                        .join("/"),
                )
                .arg("serial", serial)
                .arg("fingerprint", &fp[..16])
        }
        Err(_) => Text::new("reason-cert-unparsable"),
    }
}

/// Audits `.truststore` against `ca.pem` / `qemu-ca.pem` with the engine's trust store
/// password.
pub(super) fn check(out: &mut Out, dir: &Path, root: Option<&Path>, password: &str, origin: &Text) {
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
                    reason: Reason::said(Text::new("reason-dangling-symlink").arg("target", t)),
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
                    what: Reason::said(Text::new("missing-truststore")),
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
                    reason: Reason::said(crate::i18n::io_error(&e)),
                },
            );
            return;
        }
    };
    let entries = match read_truststore(&data, password) {
        Ok(e) => e,
        Err(why) => {
            out.finding(
                Severity::Critical,
                PATH,
                "pki",
                Problem::Unreadable {
                    reason: Reason::said(
                        Text::new("reason-truststore-unreadable")
                            .arg_text("error", why.text())
                            .arg_text("origin", origin.clone()),
                    ),
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
        // Java trusts only trusted-certificate entries: a key entry's certificate is no anchor.
        let entry = entries
            .iter()
            .find(|e| e.trusted && e.alias.eq_ignore_ascii_case(alias))
            .map(|e| (&e.alias, &e.cert));
        match entry {
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
                        reason: Reason::said(
                            Text::new("reason-truststore-holds")
                                .arg_text("held", describe(der))
                                .arg("file", file)
                                .arg_text("ca", describe(&ca)),
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
            || Text::new("reason-password-default"),
            |f| Text::verbatim(f.to_string_lossy()),
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
                reason: Reason::said(Text::new("reason-internal-error")),
            },
        );
        out.findings
    })
}
