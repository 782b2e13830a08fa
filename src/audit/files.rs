//! Checks on the PKI's files that are not certificates — `openssl.conf` and the other OpenSSL
//! configurations (`default_md`), `database.txt` / `serial.txt` — and the folding of an
//! entity's file findings into its certificate row.

use std::path::Path;

use super::finding::{Found, Problem, Reason, Role, Severity};
use super::judge::Out;
use crate::i18n::Text;
use crate::pki::catalog;
use crate::pki::cert;
use crate::pki::conf;

/// A Manager entity is more than its certificate: a key that does not match, an unreadable p12
/// or a world-readable key make the entity unhealthy too. Fold such findings (same role, other
/// file) into the first row of that role so its STATUS and ACTION tell the truth. Further rows
/// of the role (a p12 holding another certificate than the `.cer`) get the entity's file
/// findings too, and a `.cer`/p12 mismatch, which is about both: no row of an entity says ok
/// while a finding on the entity is raised.
/// `out` is the engine side only (PKI-wide checks, CAs, entities, apache-ca.pem): host
/// certificates are never an entity's files, and leaving them out is what lets host rows be
/// written before the audit ends.
pub(super) fn attach_file_findings(out: &mut Out) {
    let mut seen = std::collections::HashSet::new();
    let row_paths: std::collections::HashSet<(String, String)> = out
        .records
        .iter()
        .map(|r| (r.role.clone(), r.path.clone()))
        .collect();
    for rec in out.records.iter_mut() {
        if rec.scope != "engine" {
            continue;
        }
        let first = seen.insert(rec.role.clone());
        let role = catalog::CAS
            .iter()
            .find(|c| c.name == rec.role)
            .map(|c| Role::Ca(c.name))
            .or_else(|| catalog::entity(&rec.role).map(|e| Role::Entity(e.name)));
        let extra: Vec<&Found> = out
            .findings
            .iter()
            .filter(|f| f.role == rec.role && f.path != rec.path)
            .filter(|f| {
                first
                    || matches!(f.problem, Problem::CerP12Mismatch { .. })
                    || !row_paths.contains(&(f.role.clone(), f.path.clone()))
            })
            .filter(|f| !rec.findings.contains(&f.problem.code()))
            .collect();
        let Some(worst) = extra.iter().map(|f| f.severity).max() else {
            continue;
        };
        rec.findings.extend(extra.iter().map(|f| f.problem.code()));
        let current = match rec.status {
            "critical" | "expired" | "missing" => Severity::Critical,
            "warning" => Severity::Warning,
            _ => Severity::Info,
        };
        if worst > current {
            rec.status = match worst {
                Severity::Critical => "critical",
                Severity::Warning => "warning",
                _ => rec.status,
            };
            if let Some(role) = &role {
                if let Some(a) = extra
                    .iter()
                    .filter(|f| f.severity == worst)
                    .find_map(|f| f.problem.advice(role))
                {
                    rec.action = Some(a.english());
                    rec.advice = Some(a);
                }
            }
        } else if rec.action.is_none() {
            if let Some(role) = &role {
                rec.advice = extra.iter().find_map(|f| f.problem.advice(role));
                rec.action = rec.advice.as_ref().map(|a| a.english());
            }
        }
    }
}

pub(super) fn check_openssl_conf(out: &mut Out, dir: &Path) {
    let conf = dir.join("openssl.conf");
    match cert::read_regular(&conf, cert::MAX_FILE_SIZE) {
        Ok(b) => {
            if let Some(md) = conf::openssl_default_md(&String::from_utf8_lossy(&b)) {
                if md.value.eq_ignore_ascii_case("sha1") || md.value.eq_ignore_ascii_case("md5") {
                    out.finding(
                        Severity::Warning,
                        "openssl.conf",
                        "pki",
                        Problem::OpensslConfSha1 {
                            line: md.line,
                            value: md.value,
                        },
                    );
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => out.finding(
            Severity::Warning,
            "openssl.conf",
            "pki",
            Problem::Missing {
                what: Reason::said(Text::new("missing-openssl-conf")),
            },
        ),
        Err(e) => out.finding(
            Severity::Warning,
            "openssl.conf",
            "pki",
            Problem::Unreadable {
                reason: Reason::said(crate::i18n::io_error(&e)),
            },
        ),
    }
}

/// The other OpenSSL configurations oVirt's scripts use (`cacert.conf`, `cert.conf`, the qemu
/// ones) and the templates engine-setup regenerates them from: a `default_md = sha1` (or md5) in
/// any section is the same finding as in openssl.conf (`openssl req` would sign SHA-1, which
/// RHEL 9 refuses). Absent files are not findings (not every era has every file).
pub(super) const OTHER_CONFS: &[&str] = &[
    "cacert.conf",
    "cert.conf",
    "qemu-cacert.conf",
    "qemu-cert.conf",
    "cacert.template",
    "cert.template",
    "qemu-cacert.template",
    "qemu-cert.template",
    "cacert.template.in",
    "cert.template.in",
];

pub(super) fn check_other_confs(out: &mut Out, dir: &Path) {
    for name in OTHER_CONFS {
        let Ok(b) = cert::read_regular(&dir.join(name), cert::MAX_FILE_SIZE) else {
            continue;
        };
        for (i, line) in String::from_utf8_lossy(&b).lines().enumerate() {
            let body = line.split('#').next().unwrap_or_default();
            let Some((k, v)) = body.split_once('=') else {
                continue;
            };
            let v = v.trim();
            if k.trim() == "default_md"
                && (v.eq_ignore_ascii_case("sha1") || v.eq_ignore_ascii_case("md5"))
            {
                out.finding(
                    Severity::Warning,
                    name,
                    "pki",
                    Problem::OpensslConfSha1 {
                        line: i + 1,
                        value: v.to_string(),
                    },
                );
            }
        }
    }
}

pub(super) fn check_index(out: &mut Out, dir: &Path) {
    let db = dir.join("database.txt");
    // A busy Manager's index grows by a line per issued certificate: allow well past 4 MB.
    let index = match cert::read_regular(&db, 16 * cert::MAX_FILE_SIZE) {
        Ok(b) => {
            let idx = conf::parse_index(&String::from_utf8_lossy(&b));
            for (line, reason) in &idx.problems {
                out.finding(
                    Severity::Warning,
                    "database.txt",
                    "pki",
                    Problem::IndexInvalid {
                        line: *line,
                        reason: Reason::said(reason.text()),
                    },
                );
            }
            Some(idx)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            out.finding(
                Severity::Warning,
                "database.txt",
                "pki",
                Problem::Missing {
                    what: Reason::said(
                        Text::new("missing-ca-database").arg("file", "database.txt"),
                    ),
                },
            );
            None
        }
        Err(e) => {
            out.finding(
                Severity::Warning,
                "database.txt",
                "pki",
                Problem::Unreadable {
                    reason: Reason::said(crate::i18n::io_error(&e)),
                },
            );
            None
        }
    };
    match cert::read_regular(&dir.join("serial.txt"), cert::MAX_FILE_SIZE) {
        Ok(t) => match conf::parse_serial(&String::from_utf8_lossy(&t)) {
            Ok(next) => {
                if let Some(max) = index.as_ref().and_then(|i| i.max_serial()) {
                    if next <= max {
                        out.finding(
                            Severity::Critical,
                            "serial.txt",
                            "pki",
                            Problem::SerialBehind {
                                serial_txt: format!("{next:X}"),
                                max_in_index: format!("{max:X}"),
                            },
                        );
                    }
                }
            }
            Err(reason) => out.finding(
                Severity::Warning,
                "serial.txt",
                "pki",
                Problem::IndexInvalid {
                    line: 1,
                    reason: Reason::said(match reason {
                        conf::SerialError::Empty => Text::new("serial-empty"),
                        conf::SerialError::NotHex { text } => {
                            Text::new("serial-not-hex").arg("text", text)
                        }
                    }),
                },
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => out.finding(
            Severity::Warning,
            "serial.txt",
            "pki",
            Problem::Missing {
                what: Reason::said(Text::new("missing-ca-database").arg("file", "serial.txt")),
            },
        ),
        Err(e) => out.finding(
            Severity::Warning,
            "serial.txt",
            "pki",
            Problem::Unreadable {
                reason: Reason::said(crate::i18n::io_error(&e)),
            },
        ),
    }
}
