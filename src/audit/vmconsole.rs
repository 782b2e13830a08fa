//! The vmconsole proxy's OpenSSH certificates (`certs/vmconsole-proxy-{host,user}-cert.pub`),
//! which oVirt's `pki-enroll-openssh-cert.sh` makes with `ssh-keygen -s <CA key>`: their
//! validity window (same thresholds as the X.509 certificates), their signer (must be the key
//! of `ca.pem`) and their principals (the engine FQDN for the host certificate,
//! `ovirt-vmconsole-proxy` for the user certificate). Parsed with the `ssh-key` crate.

use std::borrow::Cow;

use ssh_key::certificate::CertType;
use ssh_key::public::KeyData;
use ssh_key::{Certificate, HashAlg};

use crate::pki::sshcert;

use super::{rel, CertRecord, Ctx, Out, Problem, Reason, Role, Severity, DAY};
use crate::i18n::Text;
use crate::pki::cert::{self, rfc3339, CertSummary, Digest, KeyInfo, SigAlg};

/// The principal of the user certificate (`ovirt-vmconsole-proxy`, the proxy's login).
pub(crate) const USER_PRINCIPAL: &str = "ovirt-vmconsole-proxy";

/// (entity, file, host certificate?)
const FILES: [(&str, &str, bool); 2] = [
    (
        "vmconsole-proxy-host",
        "certs/vmconsole-proxy-host-cert.pub",
        true,
    ),
    (
        "vmconsole-proxy-user",
        "certs/vmconsole-proxy-user-cert.pub",
        false,
    ),
];

/// The CA key as an OpenSSH public key (`ca.pem`'s RSA key), `None` when unreadable.
fn ca_ssh_key(ctx: &Ctx<'_>) -> Option<KeyData> {
    let p = ctx.cfg.pki_dir.join("ca.pem");
    let data = cert::read_limited(&p).ok()?;
    let der = cert::first_certificate(&p, &data).ok()?;
    // RSA modulus and exponent from the DER, not through OpenSSL: in FIPS mode without a
    // FIPS module OpenSSL decodes no key, and ca.pem would be called unreadable.
    let (_, x) = x509_parser::parse_x509_certificate(&der).ok()?;
    let Ok(x509_parser::public_key::PublicKey::RSA(r)) = x.public_key().parsed() else {
        return None;
    };
    // The same key data the re-issue signs with (src/sshcert.rs `ssh_public`): the DER
    // INTEGER's sign byte dropped, as OpenSSL's BIGNUM bytes have none.
    let unsigned = |b: &[u8]| b[b.iter().take_while(|&&x| x == 0).count()..].to_vec();
    ssh_key::public::RsaPublicKey::new(
        ssh_key::Mpint::from_positive_bytes(&unsigned(r.exponent)),
        ssh_key::Mpint::from_positive_bytes(&unsigned(r.modulus)),
    )
    .ok()
    .map(KeyData::Rsa)
}

fn key_info(k: &KeyData) -> KeyInfo {
    match k {
        KeyData::Rsa(r) => KeyInfo::Rsa {
            bits: r.key_size() as usize,
        },
        other => KeyInfo::Other {
            oid: other.algorithm().as_str().to_string(),
            bits: 0,
        },
    }
}

fn sig_alg(name: &str) -> SigAlg {
    let digest = match name {
        "ssh-rsa" => Digest::Sha1,
        "rsa-sha2-256" | "ecdsa-sha2-nistp256" => Digest::Sha256,
        "ecdsa-sha2-nistp384" => Digest::Sha384,
        "rsa-sha2-512" | "ecdsa-sha2-nistp521" => Digest::Sha512,
        _ => Digest::Unknown,
    };
    SigAlg {
        name: Cow::Owned(name.to_string()),
        oid: Cow::Borrowed(""),
        digest,
        rsa_pkcs1: false,
    }
}

/// The `rhv-pki` command that re-issues the certificate of `entity` (the key id, principals and
/// options oVirt's `pki-enroll-openssh-cert.sh` gives it, signed by the CA key), given the codes
/// of its findings. `renew` when only its validity is at fault: `renew NAME` takes the entity
/// for its OpenSSH certificate's window alone (missing, not yet valid, expired or due), but
/// answers "not due" for anything else. `resign` otherwise (another signer, a signature that
/// does not verify, `ssh-rsa`, the wrong kind or principals): `resign NAME` re-signs a named
/// entity unconditionally, and re-issues its OpenSSH certificate with a fresh window too.
pub(crate) fn reissue(entity: &str, codes: &[&str]) -> String {
    let only_window = codes
        .iter()
        .all(|c| matches!(*c, "expired" | "expiring" | "not-yet-valid" | "missing"));
    if only_window {
        format!("rhv-pki renew {entity}")
    } else {
        format!("rhv-pki resign {entity}")
    }
}

impl Ctx<'_> {
    /// Audits the vmconsole OpenSSH certificates that exist (rows and findings into `out`).
    pub(super) fn vmconsole_ssh_certs(&self, out: &mut Out) {
        // Made only when a certificate is there (most Managers audited have none).
        let mut ca_key: Option<Option<KeyData>> = None;
        for (entity, file, host) in FILES {
            let p = self.cfg.pki_dir.join(file);
            let path = rel(self.cfg, &p);
            let role = format!("{entity}-ssh");
            if std::fs::symlink_metadata(&p).is_err() {
                // The proxy's public key is there (the proxy was set up) but not its
                // certificate: the console cannot authenticate.
                let pubkey = self.cfg.pki_dir.join(format!("certs/{entity}.pub"));
                if std::fs::symlink_metadata(pubkey).is_ok() {
                    out.missing_record(&Role::OtherEntity(role.clone()), &path);
                    if let Some(r) = out.records.last_mut() {
                        r.action = Some(reissue(entity, &r.findings));
                    }
                    out.finding(
                        Severity::Warning,
                        &path,
                        &role,
                        Problem::Missing {
                            what: Reason::said(
                                Text::new("missing-vmconsole")
                                    .arg("file", file)
                                    .arg("entity", entity),
                            ),
                        },
                    );
                }
                continue;
            }
            // Inside-the-tree symlinks followed, others reported (as for every PKI file).
            let Some(data) = self.read(out, &p, &role, Severity::Critical) else {
                continue;
            };
            let c = match sshcert::parse(&data) {
                Ok(c) => c,
                Err(e) => {
                    let error = match e {
                        sshcert::ParseError::NotUtf8(e) => e.to_string(),
                        sshcert::ParseError::NotOpenssh(e) => e.to_string(),
                    };
                    let reason =
                        Reason::said(Text::new("reason-not-openssh-cert").arg("error", error));
                    out.finding(
                        Severity::Critical,
                        &path,
                        &role,
                        Problem::Unreadable { reason },
                    );
                    continue;
                }
            };
            let ca_key = ca_key.get_or_insert_with(|| ca_ssh_key(self));
            self.judge_ssh_cert(out, &c, &path, &role, entity, host, ca_key.as_ref());
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn judge_ssh_cert(
        &self,
        out: &mut Out,
        c: &Certificate,
        path: &str,
        role: &str,
        entity: &str,
        host: bool,
        ca_key: Option<&KeyData>,
    ) {
        let before = out.findings.len();
        let now = self.cfg.now;
        let nb = i64::try_from(c.valid_after()).unwrap_or(i64::MAX);
        let na = i64::try_from(c.valid_before()).unwrap_or(i64::MAX);
        // Kind: a host certificate for the host key, a user certificate for the user key.
        let want = if host { CertType::Host } else { CertType::User };
        if c.cert_type() != want {
            out.finding(
                Severity::Critical,
                path,
                role,
                Problem::SshCertType {
                    found: format!("{:?}", c.cert_type()).to_lowercase(),
                    expected: format!("{want:?}").to_lowercase(),
                },
            );
        }
        // Validity window.
        if now >= na {
            out.finding(
                Severity::Critical,
                path,
                role,
                Problem::Expired {
                    not_after: rfc3339(na),
                    now: rfc3339(now),
                },
            );
        } else if now < nb {
            out.finding(
                Severity::Critical,
                path,
                role,
                Problem::NotYetValid {
                    not_before: rfc3339(nb),
                    now: rfc3339(now),
                },
            );
        } else {
            let left = na - now;
            let (crit, warn) = match &self.cfg.role_windows {
                Some(t) => {
                    let w = t.for_role(entity, "engine");
                    (w.crit_days, w.warn_days)
                }
                None => (self.cfg.crit_days, self.cfg.warn_days),
            };
            for (sev, days) in [(Severity::Critical, crit), (Severity::Warning, warn)] {
                if left <= days.saturating_mul(DAY) {
                    out.finding(
                        sev,
                        path,
                        role,
                        Problem::Expiring {
                            not_after: rfc3339(na),
                            days_left: left / DAY,
                            threshold_days: days,
                        },
                    );
                    break;
                }
            }
        }
        // Signer: the CA key, and a signature that verifies with it.
        let signer_fp = c.signature_key().fingerprint(HashAlg::Sha256);
        match ca_key {
            Some(ca) => {
                let ca_fp = ca.fingerprint(HashAlg::Sha256);
                if c.signature_key() != ca {
                    out.finding(
                        Severity::Critical,
                        path,
                        role,
                        Problem::SshCertSigner {
                            signer: signer_fp.to_string(),
                            ca: ca_fp.to_string(),
                        },
                    );
                } else if c.validate_at(c.valid_after(), [&ca_fp]).is_err() {
                    // Signed "by" the CA key in name only: the signature does not verify.
                    out.finding(
                        Severity::Critical,
                        path,
                        role,
                        Problem::SshCertSignature {
                            signer: signer_fp.to_string(),
                        },
                    );
                }
            }
            None => out.finding(
                Severity::Warning,
                path,
                role,
                Problem::SshCertSigner {
                    signer: signer_fp.to_string(),
                    ca: "unknown (ca.pem unreadable)".into(),
                },
            ),
        }
        // `ssh-rsa` signatures are SHA-1: RHEL 9 DEFAULT (OpenSSH) refuses them.
        let alg = c.signature().algorithm();
        if sig_alg(alg.as_str()).digest == Digest::Sha1 {
            out.finding(
                Severity::Warning,
                path,
                role,
                Problem::Sha1Signature {
                    algorithm: alg.as_str().to_string(),
                },
            );
        }
        // Principals.
        let expected = if host {
            self.fqdn.clone()
        } else {
            Some(USER_PRINCIPAL.to_string())
        };
        let principals = c.valid_principals().to_vec();
        if let Some(exp) = &expected {
            if !principals.iter().any(|p| p == exp) {
                out.finding(
                    Severity::Critical,
                    path,
                    role,
                    Problem::SshCertPrincipals {
                        expected: exp.clone(),
                        principals: principals.clone(),
                    },
                );
            }
        }
        let mine = &out.findings[before..];
        let worst = mine.iter().map(|f| f.severity).max();
        let status = super::row_status(mine.iter().any(|f| f.problem.code() == "expired"), worst);
        let findings: Vec<&'static str> = mine.iter().map(|f| f.problem.code()).collect();
        let action = worst
            .filter(|s| *s > Severity::Info)
            .map(|_| reissue(entity, &findings));
        let blob = c.to_bytes().unwrap_or_default();
        let summary = CertSummary {
            subject: c.key_id().to_string(),
            issuer: signer_fp.to_string(),
            cn: Some(c.key_id().to_string()),
            serial: format!("{:X}", c.serial()),
            not_before: nb,
            not_after: na,
            signature: sig_alg(c.signature().algorithm().as_str()),
            key: key_info(c.public_key()),
            san: Some(principals),
            is_ca: false,
            self_issued: false,
            sha256: cert::sha256(&blob),
        };
        out.records.push(CertRecord {
            role: role.to_string(),
            scope: "engine",
            path: path.to_string(),
            also_in: Vec::new(),
            cert: Some(summary),
            missing: false,
            status,
            residual_seconds: Some(na.saturating_sub(now)),
            ca: ca_key
                .filter(|k| *k == c.signature_key())
                .map(|_| "ca".to_string()),
            findings,
            action,
            advice: None,
            host: None,
            cluster: None,
        });
    }
}
