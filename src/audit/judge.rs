//! Judgement: one certificate (or key store, key file, CA) against the rules — signature
//! digest, validity against `now` and the role's window, key, SAN, chain, file modes — turned
//! into a row ([`CertRecord`]) and findings. Reads the files of one job; decides nothing about
//! which files exist (that is [`super::scan`]).

use std::collections::HashMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use x509_parser::prelude::X509Certificate;

use super::finding::{
    row_status, CertRecord, Finding, Found, InventoryItem, Problem, Reason, Role, Severity,
};
use super::scan::{normalize, resolve_in_tree, Job, Resolved};
use super::{AuditConfig, DAY};
use crate::i18n::Text;
use crate::pki::catalog::{self, CaKind, Profile};
use crate::pki::cert::{self, rfc3339, CertSummary, Digest, KeyInfo};
use crate::pki::conf;
use crate::pki::error::Error;
use crate::pki::p12format::{self, Pbe};
use crate::pki::verify::{ChainStatus, Issuer};

/// What every judgement of one audit shares (read once before the workers start).
pub(super) struct Ctx<'a> {
    pub(super) cfg: &'a AuditConfig,
    /// Key derivations of the entities' p12 files: the first entity job on each thread
    /// joins in, so they run side by side on every core before any file is decrypted.
    pub(super) p12_kdf: cert::P12Kdf,
    pub(super) fqdn: Option<String>,
    pub(super) ca: Option<Issuer>,
    pub(super) qemu_ca: Option<Issuer>,
    /// A real-file apache-ca.pem that is not the engine CA (third-party apache).
    pub(super) apache_ca: Option<Issuer>,
    pub(super) users: HashMap<String, u32>,
    pub(super) dir_uid: u32,
    /// The name a host certificate must carry in its SAN when judged from outside the PKI dir
    /// (the host's address); `None` = its own CN, as for `certs/<host>.cer`.
    pub(super) expect_host: Option<String>,
}

/// Collects the output of one unit of work.
#[derive(Default)]
pub(super) struct Out {
    pub(super) records: Vec<CertRecord>,
    pub(super) findings: Vec<Found>,
    pub(super) inventory: Vec<InventoryItem>,
}

impl Out {
    /// A row for a certificate that should exist but does not (`missing: true`).
    pub(super) fn missing_record(&mut self, role: &Role, path: &str) {
        self.records.push(CertRecord {
            role: role.name(),
            scope: role.scope(),
            path: path.to_string(),
            also_in: Vec::new(),
            cert: None,
            missing: true,
            status: "missing",
            residual_seconds: None,
            ca: None,
            findings: vec!["missing"],
            action: None,
            advice: None,
            host: None,
            cluster: None,
        });
    }

    pub(super) fn finding(&mut self, sev: Severity, path: &str, role: &str, p: Problem) {
        self.findings.push(Found {
            severity: sev,
            path: path.to_string(),
            role: role.to_string(),
            problem: p,
        });
    }
}

/// A reader error as a finding's reason: without the file's name when it is the file the
/// finding is about (`path`, relative to the PKI dir), else in full (a symlink led elsewhere).
pub(super) fn reason(e: &Error, path: &str) -> Reason {
    let names_it = e.path().is_some_and(|p| {
        let p = p.to_string_lossy();
        !path.is_empty() && (p == path || p.ends_with(&format!("/{path}")))
    });
    Reason::said(if names_it { e.detail_text() } else { e.text() })
}

pub(super) fn rel(cfg: &AuditConfig, p: &Path) -> String {
    p.strip_prefix(&cfg.pki_dir)
        .map(|r| r.to_string_lossy().into_owned())
        .unwrap_or_else(|_| p.to_string_lossy().into_owned())
}

/// Local user names → uid (for owner checks), from /etc/passwd.
pub(super) fn local_users() -> HashMap<String, u32> {
    let mut m = HashMap::new();
    if let Ok(t) = fs::read_to_string("/etc/passwd") {
        for l in t.lines() {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() > 2 {
                if let Ok(uid) = f[2].parse() {
                    m.insert(f[0].to_string(), uid);
                }
            }
        }
    }
    m
}

/// The files of one Manager entity (`keys/<name>.p12`, `certs/<name>.cer`,
/// `keys/<name>.key.nopass`) and how it is named in findings.
pub(super) struct Entity<'n> {
    name: &'n str,
    def: Option<&'static catalog::EntityDef>,
    role: Role,
    rname: String,
    p12_path: PathBuf,
    cer_path: PathBuf,
    key_path: PathBuf,
    p12_rel: String,
    cer_rel: String,
    required: bool,
    /// How bad a missing file of it is (critical for the entities every Manager has).
    miss_sev: Severity,
}

impl<'n> Entity<'n> {
    fn new(cfg: &AuditConfig, name: &'n str) -> Self {
        let def = catalog::entity(name);
        let role = match def {
            Some(d) => Role::Entity(d.name),
            None => Role::OtherEntity(name.to_string()),
        };
        let dir = &cfg.pki_dir;
        let p12_path = dir.join("keys").join(format!("{name}.p12"));
        let cer_path = dir.join("certs").join(format!("{name}.cer"));
        let key_path = dir.join("keys").join(format!("{name}.key.nopass"));
        let required = def.is_some_and(|d| d.required);
        Entity {
            name,
            def,
            rname: role.name(),
            role,
            p12_rel: rel(cfg, &p12_path),
            cer_rel: rel(cfg, &cer_path),
            p12_path,
            cer_path,
            key_path,
            required,
            miss_sev: if required {
                Severity::Critical
            } else {
                Severity::Warning
            },
        }
    }
}

impl Ctx<'_> {
    pub(super) fn issuer(&self, kind: CaKind) -> Option<&Issuer> {
        match kind {
            CaKind::Engine => self.ca.as_ref(),
            CaKind::Qemu => self.qemu_ca.as_ref(),
        }
    }

    /// Reads a file, turning a failure into an `unreadable` finding.
    pub(super) fn read(
        &self,
        out: &mut Out,
        path: &Path,
        role: &str,
        sev: Severity,
    ) -> Option<Vec<u8>> {
        // Almost every file is a plain file: one open that refuses to follow a symlink. Any
        // failure (a symlink, a missing file, a FIFO…) takes the resolving path below, which
        // decides and words it exactly as before.
        if let Ok(d) = cert::read_limited_nofollow(path) {
            return Some(d);
        }
        let r = rel(self.cfg, path);
        match resolve_in_tree(&self.cfg.pki_dir, self.cfg.root.as_deref(), path) {
            Resolved::File(p) => match cert::read_limited(&p) {
                Ok(d) => Some(d),
                Err(e) => {
                    out.finding(
                        sev,
                        &r,
                        role,
                        Problem::Unreadable {
                            reason: reason(&e, &r),
                        },
                    );
                    None
                }
            },
            Resolved::Dangling(t) => {
                out.finding(
                    sev,
                    &r,
                    role,
                    Problem::Unreadable {
                        reason: Reason::said(Text::new("reason-dangling-symlink").arg("target", t)),
                    },
                );
                None
            }
            Resolved::Outside(t) => {
                out.finding(
                    Severity::Warning,
                    &r,
                    role,
                    Problem::SymlinkOutsideTree { target: t },
                );
                None
            }
        }
    }

    /// Judges one certificate; returns its record (findings go to `out`).
    pub(super) fn judge(
        &self,
        out: &mut Out,
        role: &Role,
        path: &str,
        der: &[u8],
    ) -> Option<CertRecord> {
        let rname = role.name();
        let (x, s) = match cert::parse(Path::new(path), der) {
            Ok(v) => v,
            Err(e) => {
                out.finding(
                    Severity::Critical,
                    path,
                    &rname,
                    Problem::Unreadable {
                        reason: reason(&e, path),
                    },
                );
                return None;
            }
        };
        let before = out.findings.len();
        let now = self.cfg.now;
        // Signature digest, by algorithm only: a SHA-1 cert is weak whatever its issue date.
        match s.signature.digest {
            Digest::Sha1 => out.finding(
                Severity::Warning,
                path,
                &rname,
                Problem::Sha1Signature {
                    algorithm: s.signature.name.to_string(),
                },
            ),
            Digest::Md5 => out.finding(
                Severity::Critical,
                path,
                &rname,
                Problem::Md5Signature {
                    algorithm: s.signature.name.to_string(),
                },
            ),
            _ => {}
        }
        // Validity.
        if now > s.not_after {
            out.finding(
                Severity::Critical,
                path,
                &rname,
                Problem::Expired {
                    not_after: rfc3339(s.not_after),
                    now: rfc3339(now),
                },
            );
        } else if now < s.not_before {
            out.finding(
                Severity::Critical,
                path,
                &rname,
                Problem::NotYetValid {
                    not_before: rfc3339(s.not_before),
                    now: rfc3339(now),
                },
            );
        } else {
            let left = s.not_after - now;
            let days_left = left / DAY;
            let (crit, warn) = match &self.cfg.role_windows {
                Some(t) => {
                    let w = t.for_role(&rname, role.scope());
                    (w.crit_days, w.warn_days)
                }
                None => (self.cfg.crit_days, self.cfg.warn_days),
            };
            for (sev, days) in [(Severity::Critical, crit), (Severity::Warning, warn)] {
                if left <= days * DAY {
                    out.finding(
                        sev,
                        path,
                        &rname,
                        Problem::Expiring {
                            not_after: rfc3339(s.not_after),
                            days_left,
                            threshold_days: days,
                        },
                    );
                    break;
                }
            }
        }
        // Key.
        match &s.key {
            KeyInfo::Rsa { bits } if bits < &2048 => out.finding(
                Severity::Critical,
                path,
                &rname,
                Problem::WeakKey {
                    key: s.key.short(),
                    min_bits: 2048,
                },
            ),
            KeyInfo::Rsa { .. } => {}
            other => out.finding(
                Severity::Warning,
                path,
                &rname,
                Problem::UnsupportedKey { key: other.short() },
            ),
        }
        // SAN.
        let entity = match role {
            Role::Entity(n) => catalog::entity(n),
            _ => None,
        };
        let wants_fqdn_san = entity.is_some_and(|e| e.profile == Profile::San);
        let is_host = matches!(role, Role::Host | Role::HostQemu);
        if wants_fqdn_san || is_host {
            match &s.san {
                None => out.finding(Severity::Warning, path, &rname, Problem::MissingSan),
                Some(san) => {
                    let expected = if is_host {
                        self.expect_host.clone().or_else(|| s.cn.clone())
                    } else {
                        self.fqdn.clone()
                    };
                    if let Some(exp) = expected {
                        let hit = san.iter().any(|n| {
                            n.strip_prefix("DNS:")
                                .or_else(|| n.strip_prefix("IP:"))
                                .is_some_and(|v| v.eq_ignore_ascii_case(&exp))
                        });
                        if !hit {
                            out.finding(
                                Severity::Warning,
                                path,
                                &rname,
                                Problem::SanMismatch {
                                    expected: exp,
                                    san: san.clone(),
                                },
                            );
                        }
                    }
                }
            }
        }
        // Any certificate: every dNSName must be a host name.
        for n in s.san.iter().flatten() {
            if let Some(d) = n.strip_prefix("DNS:") {
                if let Err(reason) = conf::check_dns_name(d, true) {
                    out.finding(
                        Severity::Warning,
                        path,
                        &rname,
                        Problem::SanInvalid {
                            name: conf::escape(d),
                            reason: Reason::said(super::finding::name_error_text(&reason)),
                        },
                    );
                }
            }
        }
        // Web certificates: at most 398 days; oVirt itself backdates one day, so allow 399.
        if entity.is_some_and(|e| e.short_life) {
            let span = s.not_after - s.not_before;
            if span > (catalog::WEB_MAX_DAYS + 1) * DAY {
                out.finding(
                    Severity::Warning,
                    path,
                    &rname,
                    Problem::WebValidityTooLong {
                        days: span / DAY,
                        max_days: catalog::WEB_MAX_DAYS,
                    },
                );
            }
        }
        // Chain.
        let ca_name = self.check_chain(out, role, path, &x, der, &s);
        let mine = &out.findings[before..];
        let worst = mine.iter().map(|f| f.severity).max();
        let status = row_status(mine.iter().any(|f| f.problem.code() == "expired"), worst);
        let advice = mine
            .iter()
            .filter(|f| f.severity > Severity::Info)
            .max_by_key(|f| f.severity)
            .and_then(|f| f.problem.advice(role))
            .or_else(|| mine.iter().find_map(|f| f.problem.advice(role)));
        let action = advice.as_ref().map(|t| t.english());
        Some(CertRecord {
            role: rname,
            scope: role.scope(),
            path: path.to_string(),
            also_in: Vec::new(),
            residual_seconds: Some(s.not_after - now),
            findings: mine.iter().map(|f| f.problem.code()).collect(),
            cert: Some(s),
            missing: false,
            status,
            ca: ca_name,
            action,
            advice,
            host: None,
            cluster: None,
        })
    }

    pub(super) fn check_chain(
        &self,
        out: &mut Out,
        role: &Role,
        path: &str,
        x: &X509Certificate<'_>,
        der: &[u8],
        s: &CertSummary,
    ) -> Option<String> {
        let rname = role.name();
        let (issuer, ca_label) = match role {
            Role::Ca(name) => {
                // Self-signed: verify with its own key.
                match Issuer::new(name, der) {
                    Ok(i) => (Some(i), name.to_string()),
                    Err(e) => {
                        out.finding(
                            Severity::Critical,
                            path,
                            &rname,
                            Problem::ChainInvalid {
                                ca: name.to_string(),
                                reason: e.to_string().into(),
                            },
                        );
                        return None;
                    }
                }
            }
            Role::HostQemu => (None, "qemu-ca".to_string()),
            Role::Entity(n) if catalog::entity(n).is_some_and(|e| e.ca == CaKind::Qemu) => {
                (None, "qemu-ca".to_string())
            }
            _ => (None, "ca".to_string()),
        };
        let kind = if ca_label == "qemu-ca" {
            CaKind::Qemu
        } else {
            CaKind::Engine
        };
        let issuer_ref = match &issuer {
            Some(i) => Some(i),
            None => self.issuer(kind),
        };
        let Some(iss) = issuer_ref else {
            out.finding(
                Severity::Critical,
                path,
                &rname,
                Problem::ChainInvalid {
                    ca: ca_label.clone(),
                    reason: Reason::said(Text::new("reason-ca-missing").arg("ca", &ca_label)),
                },
            );
            return None;
        };
        match iss.check(x, der) {
            ChainStatus::Valid => {
                if matches!(role, Role::Host | Role::HostQemu) && s.not_before < iss.not_before {
                    out.finding(
                        Severity::Warning,
                        path,
                        &rname,
                        Problem::IssuedBeforeCaRenewal {
                            ca: format!("{ca_label}.pem"),
                            ca_not_before: rfc3339(iss.not_before),
                        },
                    );
                }
                Some(ca_label)
            }
            ChainStatus::OtherIssuer => {
                // Third-party apache (or another entity): judge against apache-ca.pem if it holds that issuer.
                if let Some(ext) = &self.apache_ca {
                    if ext.check(x, der) == ChainStatus::Valid {
                        out.finding(
                            Severity::Info,
                            path,
                            &rname,
                            Problem::ThirdPartyCert {
                                issuer: s.issuer.clone(),
                            },
                        );
                        return Some("apache-ca".into());
                    }
                }
                out.finding(
                    Severity::Critical,
                    path,
                    &rname,
                    Problem::ChainInvalid {
                        ca: ca_label,
                        reason: Reason::said(
                            Text::new("reason-other-issuer").arg("issuer", &s.issuer),
                        ),
                    },
                );
                None
            }
            ChainStatus::BadSignature => {
                out.finding(
                    Severity::Critical,
                    path,
                    &rname,
                    Problem::ChainInvalid {
                        ca: ca_label,
                        reason: Reason::said(Text::new("reason-bad-signature")),
                    },
                );
                None
            }
            ChainStatus::Unverifiable => {
                out.finding(
                    Severity::Warning,
                    path,
                    &rname,
                    Problem::UnverifiableSignature {
                        algorithm: s.signature.name.to_string(),
                    },
                );
                None
            }
        }
    }

    /// Mode and owner of a private key file.
    pub(super) fn check_key_file(
        &self,
        out: &mut Out,
        path: &Path,
        role: &str,
        owner: &str,
        group_ok: bool,
    ) {
        let r = rel(self.cfg, path);
        let Ok(meta) = fs::metadata(path) else { return };
        let mode = meta.mode() & 0o7777;
        let expected = if group_ok { "0640 or stricter" } else { "0600" };
        if mode & 0o007 != 0 {
            out.finding(
                Severity::Critical,
                &r,
                role,
                Problem::KeyPermissions {
                    mode: format!("{mode:04o}"),
                    expected: expected.into(),
                },
            );
        } else if mode & 0o020 != 0 || (!group_ok && mode & 0o040 != 0) {
            out.finding(
                Severity::Warning,
                &r,
                role,
                Problem::KeyPermissions {
                    mode: format!("{mode:04o}"),
                    expected: expected.into(),
                },
            );
        }
        let uid = meta.uid();
        let mut ok = vec![0, self.dir_uid];
        if let Some(u) = self.users.get(owner) {
            ok.push(*u);
        }
        if !ok.contains(&uid) {
            out.finding(
                Severity::Warning,
                &r,
                role,
                Problem::KeyOwner {
                    uid,
                    expected: format!("root or {owner}"),
                },
            );
        }
    }

    /// One catalog (or unknown) entity: p12, .cer, key.nopass.
    pub(super) fn entity(&self, out: &mut Out, name: &str) {
        let e = Entity::new(self.cfg, name);
        let (p12_cert, p12_key) = self.entity_p12(out, &e);
        let cer_der = self.entity_cer(out, &e);
        self.entity_rows(
            out,
            &e,
            p12_cert.as_deref(),
            cer_der.as_deref(),
            p12_key.as_ref(),
        );
        self.entity_key_files(out, &e, p12_cert.as_deref(), cer_der.as_deref());
    }

    /// `keys/<name>.p12`: modes, flavour (RC2-40, friendlyName), contents; returns the
    /// certificate and the public key it holds.
    fn entity_p12(
        &self,
        out: &mut Out,
        e: &Entity<'_>,
    ) -> (Option<Vec<u8>>, Option<cert::KeyPublic>) {
        let &Entity {
            def,
            ref rname,
            ref p12_path,
            ref p12_rel,
            miss_sev,
            ..
        } = e;
        let mut p12_cert: Option<Vec<u8>> = None;
        let mut p12_key = None;
        if fs::symlink_metadata(p12_path).is_ok() {
            let owner = def.map(|d| d.p12_owner).unwrap_or("root");
            self.check_key_file(out, p12_path, rname, owner, false);
            if let Some(data) = self.read(out, p12_path, rname, Severity::Critical) {
                match p12format::detect(&data) {
                    Ok(fmt) => {
                        if matches!(fmt.cert_pbe, Pbe::Rc2_40)
                            || matches!(fmt.key_pbe, Some(Pbe::Rc2_40))
                        {
                            out.finding(
                                Severity::Warning,
                                p12_rel,
                                rname,
                                Problem::P12LegacyRc2 {
                                    format: fmt.short(),
                                },
                            );
                        }
                        if fmt.key_friendly_name {
                            out.finding(
                                Severity::Warning,
                                p12_rel,
                                rname,
                                Problem::P12FriendlyName,
                            );
                        }
                    }
                    Err(e) => out.finding(
                        Severity::Critical,
                        p12_rel,
                        rname,
                        Problem::P12Unreadable {
                            reason: Reason::said(Text::new("reason-not-p12").arg("error", e)),
                            wrong_password: false,
                        },
                    ),
                }
                match cert::inspect_p12_with(p12_path, &data, &self.cfg.p12_password, &self.p12_kdf)
                {
                    Ok(c) => {
                        p12_key = c.key;
                        p12_cert = c.cert_der;
                        if p12_key.is_none() {
                            out.finding(
                                Severity::Critical,
                                p12_rel,
                                rname,
                                Problem::Missing {
                                    what: Reason::said(Text::new("missing-p12-key")),
                                },
                            );
                        }
                        if p12_cert.is_none() {
                            out.finding(
                                Severity::Critical,
                                p12_rel,
                                rname,
                                Problem::Missing {
                                    what: Reason::said(Text::new("missing-p12-cert")),
                                },
                            );
                        }
                    }
                    Err(Error::Pkcs12Iterations {
                        what, count, limit, ..
                    }) => out.finding(
                        Severity::Critical,
                        p12_rel,
                        rname,
                        Problem::P12IterationsExcessive {
                            what: what.into(),
                            count,
                            limit,
                        },
                    ),
                    Err(Error::Pkcs12Refused { algorithms, .. }) => out.finding(
                        Severity::Critical,
                        p12_rel,
                        rname,
                        Problem::P12AlgorithmRefused { algorithms },
                    ),
                    Err(e) => {
                        let wrong_password = matches!(e, Error::Pkcs12Open { .. });
                        let reason = match e {
                            Error::Pkcs12Open { reason, .. } => Reason::said(
                                Text::new("reason-p12-wrong-password").arg("reason", reason),
                            ),
                            other => reason(&other, p12_rel),
                        };
                        // Only report it once if the DER walk already said it is not PKCS#12.
                        if !out
                            .findings
                            .iter()
                            .any(|f| f.path == *p12_rel && f.problem.code() == "p12-unreadable")
                        {
                            out.finding(
                                Severity::Critical,
                                p12_rel,
                                rname,
                                Problem::P12Unreadable {
                                    reason,
                                    wrong_password,
                                },
                            );
                        }
                    }
                }
            }
        } else if def.is_some() {
            out.finding(
                miss_sev,
                p12_rel,
                rname,
                Problem::Missing {
                    what: Reason::said(Text::new("missing-key-store").arg("file", p12_rel)),
                },
            );
        }

        (p12_cert, p12_key)
    }

    /// `certs/<name>.cer`: the certificate httpd & co. serve.
    fn entity_cer(&self, out: &mut Out, e: &Entity<'_>) -> Option<Vec<u8>> {
        let &Entity {
            def,
            ref rname,
            ref cer_path,
            ref cer_rel,
            miss_sev,
            ..
        } = e;
        let mut cer_der: Option<Vec<u8>> = None;
        if fs::symlink_metadata(cer_path).is_ok() {
            if let Some(data) = self.read(out, cer_path, rname, Severity::Critical) {
                match cert::first_certificate(cer_path, &data) {
                    Ok(d) => cer_der = Some(d),
                    Err(e) => out.finding(
                        Severity::Critical,
                        cer_rel,
                        rname,
                        Problem::Unreadable {
                            reason: reason(&e, cer_rel),
                        },
                    ),
                }
            }
        } else if def.is_some() {
            out.finding(
                miss_sev,
                cer_rel,
                rname,
                Problem::Missing {
                    what: cer_rel.clone().into(),
                },
            );
        }

        cer_der
    }

    /// The rows: one per distinct certificate (the `.cer` and the p12's), a mismatch between
    /// them, and the p12's key against its certificate.
    fn entity_rows(
        &self,
        out: &mut Out,
        e: &Entity<'_>,
        p12_cert: Option<&[u8]>,
        cer_der: Option<&[u8]>,
        p12_key: Option<&cert::KeyPublic>,
    ) {
        let &Entity {
            ref role,
            ref rname,
            ref p12_path,
            ref cer_path,
            ref p12_rel,
            ref cer_rel,
            required,
            ..
        } = e;
        let p12_exists = fs::symlink_metadata(p12_path).is_ok();
        let cer_exists = fs::symlink_metadata(cer_path).is_ok();
        if required && !p12_exists && !cer_exists {
            out.missing_record(role, cer_rel);
        }
        match (&p12_cert, &cer_der) {
            (Some(a), Some(b)) if a == b => {
                if let Some(mut r) = self.judge(out, role, cer_rel, b) {
                    r.also_in.push(p12_rel.clone());
                    out.records.push(r);
                }
            }
            _ => {
                if let Some(b) = &cer_der {
                    if let Some(r) = self.judge(out, role, cer_rel, b) {
                        out.records.push(r);
                    }
                }
                if let Some(a) = &p12_cert {
                    if let Some(r) = self.judge(out, role, p12_rel, a) {
                        out.records.push(r);
                    }
                }
                if let (Some(_), Some(_)) = (&p12_cert, &cer_der) {
                    out.finding(
                        Severity::Warning,
                        cer_rel,
                        rname,
                        Problem::CerP12Mismatch {
                            cer: cer_rel.clone(),
                            p12: p12_rel.clone(),
                        },
                    );
                }
            }
        }
        if let (Some(k), Some(c)) = (&p12_key, &p12_cert) {
            if !k.matches_cert(c) {
                out.finding(
                    Severity::Critical,
                    p12_rel,
                    rname,
                    Problem::KeyMismatch {
                        key: format!("{p12_rel} (key)"),
                        cert: format!("{p12_rel} (certificate)"),
                    },
                );
            }
        }
    }

    /// `keys/<name>.key.nopass` (what httpd & co. load together with the .cer) and, for the
    /// engine, `keys/engine_id_rsa`: modes, owner, and the key against the certificate.
    fn entity_key_files(
        &self,
        out: &mut Out,
        e: &Entity<'_>,
        p12_cert: Option<&[u8]>,
        cer_der: Option<&[u8]>,
    ) {
        let &Entity {
            name,
            def,
            ref rname,
            ref p12_path,
            ref key_path,
            ref p12_rel,
            ref cer_rel,
            miss_sev,
            ..
        } = e;
        let extract = def.map(|d| d.extract).unwrap_or(false);
        let key_exists = fs::symlink_metadata(key_path).is_ok();
        if key_exists || (extract && p12_path.exists()) {
            let key_rel = rel(self.cfg, key_path);
            if !key_exists {
                out.finding(
                    miss_sev,
                    &key_rel,
                    rname,
                    Problem::Missing {
                        what: key_rel.clone().into(),
                    },
                );
            } else {
                let owner = def.map(|d| d.key_owner).unwrap_or("root");
                let group_ok = def.is_some_and(|d| d.group_readable_key || d.name == "apache");
                self.check_key_file(out, key_path, rname, owner, group_ok);
                self.check_key_against(out, key_path, rname, cer_der.or(p12_cert), cer_rel);
            }
        }
        if name == "engine" {
            let id = self.cfg.pki_dir.join("keys/engine_id_rsa");
            if fs::symlink_metadata(&id).is_ok() {
                self.check_key_file(out, &id, rname, "ovirt", false);
                self.check_key_against(out, &id, rname, p12_cert.or(cer_der), p12_rel);
            }
        }
    }

    pub(super) fn check_key_against(
        &self,
        out: &mut Out,
        key_path: &Path,
        role: &str,
        cert_der: Option<&[u8]>,
        cert_rel: &str,
    ) {
        let key_rel = rel(self.cfg, key_path);
        let Some(data) = self.read(out, key_path, role, Severity::Critical) else {
            return;
        };
        match cert::read_key_public(key_path, &data, Some(&self.cfg.p12_password)) {
            Ok(k) => {
                if let Some(c) = cert_der {
                    if !k.matches_cert(c) {
                        out.finding(
                            Severity::Critical,
                            &key_rel,
                            role,
                            Problem::KeyMismatch {
                                key: key_rel.clone(),
                                cert: cert_rel.to_string(),
                            },
                        );
                    }
                }
            }
            Err(e) => out.finding(
                Severity::Critical,
                &key_rel,
                role,
                Problem::Unreadable {
                    reason: reason(&e, &key_rel),
                },
            ),
        }
    }

    /// `ca.pem` / `qemu-ca.pem`, their keys and copies.
    pub(super) fn ca(&self, out: &mut Out, def: &catalog::CaDef) {
        let dir = &self.cfg.pki_dir;
        let path = dir.join(def.cert);
        let role = Role::Ca(def.name);
        let Some(data) = self.read(out, &path, def.name, Severity::Critical) else {
            return;
        };
        let der = match cert::first_certificate(&path, &data) {
            Ok(d) => d,
            Err(e) => {
                out.finding(
                    Severity::Critical,
                    def.cert,
                    def.name,
                    Problem::Unreadable {
                        reason: reason(&e, def.cert),
                    },
                );
                return;
            }
        };
        if let Some(r) = self.judge(out, &role, def.cert, &der) {
            out.records.push(r);
        }
        let key = dir.join(def.key);
        if fs::symlink_metadata(&key).is_ok() {
            self.check_key_file(out, &key, def.name, "ovirt", true);
            self.check_key_against(out, &key, def.name, Some(&der), def.cert);
        } else {
            out.finding(
                Severity::Warning,
                def.key,
                def.name,
                Problem::Missing {
                    what: Reason::said(Text::new("missing-ca-key").arg("file", def.key)),
                },
            );
        }
        let copy = dir.join(def.copy);
        if fs::symlink_metadata(&copy).is_ok() {
            if let Some(cd) = self.read(out, &copy, def.name, Severity::Warning) {
                match cert::first_certificate(&copy, &cd) {
                    Ok(c) if c == der => {}
                    Ok(_) => out.finding(
                        Severity::Warning,
                        def.copy,
                        def.name,
                        Problem::CaCopyMismatch {
                            copy: def.copy.into(),
                            ca: def.cert.into(),
                        },
                    ),
                    Err(e) => out.finding(
                        Severity::Warning,
                        def.copy,
                        def.name,
                        Problem::Unreadable {
                            reason: reason(&e, def.copy),
                        },
                    ),
                }
                let serial = cert::parse(&copy, &der).ok().map(|(_, s)| s.serial);
                out.inventory.push(InventoryItem {
                    path: def.copy.into(),
                    kind: "ca-copy",
                    serial,
                    not_after: None,
                });
            }
        }
    }

    /// `apache-ca.pem`: a symlink to ca.pem, or (third-party apache) the external CA.
    pub(super) fn apache_ca(&self, out: &mut Out, apache_issuer_is_internal: Option<bool>) {
        let p = self.cfg.pki_dir.join("apache-ca.pem");
        let role = "apache";
        let Ok(meta) = fs::symlink_metadata(&p) else {
            out.finding(
                Severity::Critical,
                "apache-ca.pem",
                role,
                Problem::Missing {
                    what: Reason::said(Text::new("missing-apache-ca")),
                },
            );
            return;
        };
        let ca_path = self.cfg.pki_dir.join("ca.pem");
        match resolve_in_tree(&self.cfg.pki_dir, self.cfg.root.as_deref(), &p) {
            Resolved::Dangling(t) => out.finding(
                Severity::Critical,
                "apache-ca.pem",
                role,
                Problem::ApacheCaMismatch {
                    reason: Reason::said(Text::new("reason-apache-dangling").arg("target", t)),
                },
            ),
            Resolved::Outside(t) => out.finding(
                Severity::Warning,
                "apache-ca.pem",
                role,
                Problem::SymlinkOutsideTree { target: t },
            ),
            Resolved::File(f) => {
                if meta.file_type().is_symlink() && normalize(&f) == normalize(&ca_path) {
                    return;
                }
                let same = match (cert::read_limited(&f), cert::read_limited(&ca_path)) {
                    (Ok(a), Ok(b)) => match (
                        cert::first_certificate(&f, &a),
                        cert::first_certificate(&ca_path, &b),
                    ) {
                        (Ok(x), Ok(y)) => x == y,
                        _ => false,
                    },
                    _ => false,
                };
                if !same && apache_issuer_is_internal == Some(true) {
                    out.finding(
                        Severity::Warning,
                        "apache-ca.pem",
                        role,
                        Problem::ApacheCaMismatch {
                            reason: Reason::said(Text::new("reason-apache-not-ca")),
                        },
                    );
                }
            }
        }
    }

    /// One unit of work.
    pub(super) fn job(&self, job: &Job) -> Out {
        let mut out = Out::default();
        match job {
            Job::Ca(def) => self.ca(&mut out, def),
            Job::Entity(n) => self.entity(&mut out, n),
            Job::Host(_, _, r) => self.host_file(&mut out, &job.path(&self.cfg.pki_dir), r.role()),
            Job::Inventory(_, _, k) => self.inventory(&mut out, &job.path(&self.cfg.pki_dir), k),
        }
        out
    }

    /// A certificate in certs/ or certs-qemu/ that is not an entity.
    pub(super) fn host_file(&self, out: &mut Out, path: &Path, role: Role) {
        let r = rel(self.cfg, path);
        let rname = role.name();
        let Some(data) = self.read(out, path, &rname, Severity::Warning) else {
            return;
        };
        match cert::first_certificate(path, &data) {
            Ok(der) => {
                if let Some(rec) = self.judge(out, &role, &r, &der) {
                    out.records.push(rec);
                }
            }
            Err(e) => out.finding(
                Severity::Warning,
                &r,
                &rname,
                Problem::Unreadable {
                    reason: reason(&e, &r),
                },
            ),
        }
    }

    pub(super) fn inventory(&self, out: &mut Out, path: &Path, kind: &'static str) {
        let r = rel(self.cfg, path);
        let parsed = cert::read_limited(path)
            .ok()
            .and_then(|d| cert::first_certificate(path, &d).ok())
            .and_then(|der| {
                cert::parse(path, &der)
                    .ok()
                    .map(|(_, s)| (s.serial, s.not_after))
            });
        out.inventory.push(InventoryItem {
            path: r,
            kind,
            serial: parsed.as_ref().map(|p| p.0.clone()),
            not_after: parsed.map(|p| p.1),
        });
    }
}

/// Judges one certificate that does not live in the PKI directory (a host's copy of its
/// certificate, a CA copy on a host) with the very checks and codes of the audit: signature
/// digest, validity against the thresholds, key, SAN, chain against `ca_der` / `qemu_ca_der`.
/// `role` picks the rules ([`Role::Host`]: SAN must name the CN, chain to ca.pem;
/// [`Role::HostQemu`]: chain to qemu-ca.pem; [`Role::Ca`]: self-signed). Returns the row (None
/// when the bytes are not a certificate) and its findings, `path` used as given.
pub fn judge_certificate(
    cfg: &AuditConfig,
    ca_der: Option<&[u8]>,
    qemu_ca_der: Option<&[u8]>,
    role: &Role,
    path: &str,
    der: &[u8],
) -> (Option<CertRecord>, Vec<Finding>) {
    judge_external(
        cfg,
        ca_der.and_then(|d| Issuer::new("ca", d).ok()),
        qemu_ca_der.and_then(|d| Issuer::new("qemu-ca", d).ok()),
        role.clone(),
        path,
        der,
        None,
    )
}

/// The suggested fix for `problem` on a certificate of `role` (as the audit's ACTION column).
pub fn action_for(problem: &Problem, role: &Role) -> Option<String> {
    problem.action(role)
}

/// Judges a certificate found outside the PKI directory — a host's vdsm certificate served
/// over TLS or read over SSH — with exactly the audit's rules (signature, validity against
/// `cfg.now` and the role's window, key, SAN, chain against `ca` / `qemu_ca`). `label` names it
/// in findings (`host1.example.test:54321`, `host1:/etc/pki/vdsm/certs/vdsmcert.pem`);
/// `expected_name` is the address its SAN must hold (`None`: its own CN).
pub fn judge_external(
    cfg: &AuditConfig,
    ca: Option<Issuer>,
    qemu_ca: Option<Issuer>,
    role: Role,
    label: &str,
    der: &[u8],
    expected_name: Option<&str>,
) -> (Option<CertRecord>, Vec<Finding>) {
    let ctx = Ctx {
        cfg,
        p12_kdf: cert::P12Kdf::new(&[], ""),
        fqdn: None,
        ca,
        qemu_ca,
        apache_ca: None,
        users: HashMap::new(),
        dir_uid: 0,
        expect_host: expected_name.map(str::to_string),
    };
    let mut out = Out::default();
    let rec = ctx.judge(&mut out, &role, label, der);
    (
        rec,
        out.findings.into_iter().map(Found::into_finding).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_do_not_repeat_the_path() {
        let e = |p: &str| Error::Other {
            path: p.into(),
            reason: "PEM block x".into(),
        };
        let full = e("testdata/pki/broken/etc/pki/ovirt-engine/certs/reports.cer");
        assert_eq!(reason(&full, "certs/reports.cer").as_str(), "PEM block x");
        assert_eq!(
            reason(&e("certs/a.cer"), "certs/a.cer").as_str(),
            "PEM block x"
        );
        // Another file, or a path that only ends alike, stays.
        assert_eq!(
            reason(&e("certs/b.cer"), "certs/a.cer").as_str(),
            "certs/b.cer: PEM block x"
        );
        assert_eq!(
            reason(&e("xcerts/a.cer"), "certs/a.cer").as_str(),
            "xcerts/a.cer: PEM block x"
        );
        assert_eq!(
            reason(&Error::PasswordNul, "certs/a.cer").as_str(),
            "password must not contain a NUL byte"
        );
    }
}
