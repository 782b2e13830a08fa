//! Expiry alerting in the formats admins already watch: Prometheus text exposition (for the
//! node_exporter textfile collector) and a Nagios plugin line; plus the optional
//! `/etc/rhv-pki/config.toml` with per-role thresholds.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::audit::{AuditReport, CertRecord, Severity};
use crate::report::{self, Status};

/// Warning / critical windows in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub warn_days: i64,
    pub crit_days: i64,
}

/// `[thresholds]` of the config file: defaults plus overrides per role class.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsFile {
    pub warn_days: Option<i64>,
    pub crit_days: Option<i64>,
    /// apache, websocket-proxy (398-day certificates).
    pub web: Option<PartialWindow>,
    /// ca, qemu-ca.
    pub ca: Option<PartialWindow>,
    /// Host certificates signed by the Manager.
    pub host: Option<PartialWindow>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialWindow {
    pub warn_days: Option<i64>,
    pub crit_days: Option<i64>,
}

/// `/etc/rhv-pki/config.toml`; every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub thresholds: ThresholdsFile,
    #[serde(default)]
    pub audit: AuditSection,
    #[serde(default)]
    pub prometheus: PrometheusSection,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSection {
    pub pki_dir: Option<PathBuf>,
    pub engine_conf_dir: Option<PathBuf>,
    pub p12_password_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrometheusSection {
    pub textfile_dir: Option<PathBuf>,
}

pub const DEFAULT_CONFIG: &str = "/etc/rhv-pki/config.toml";

/// Reads the config file. A missing default file is an empty config; a missing explicit
/// file, bad TOML, unknown keys or nonsense values are errors naming the file.
pub fn read_config(path: &Path, explicit: bool) -> Result<ConfigFile, String> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(ConfigFile::default())
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let c: ConfigFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let t = &c.thresholds;
    let check = |w: Option<i64>, c: Option<i64>, what: &str| -> Result<(), String> {
        for v in [w, c].into_iter().flatten() {
            if !(0..=36_500).contains(&v) {
                return Err(format!(
                    "{}: {what}: {v} days is out of range 0..36500",
                    path.display()
                ));
            }
        }
        if let (Some(w), Some(c)) = (w, c) {
            if c > w {
                return Err(format!(
                    "{}: {what}: crit_days ({c}) exceeds warn_days ({w})",
                    path.display()
                ));
            }
        }
        Ok(())
    };
    check(t.warn_days, t.crit_days, "[thresholds]")?;
    for (n, p) in [("web", t.web), ("ca", t.ca), ("host", t.host)] {
        if let Some(p) = p {
            check(p.warn_days, p.crit_days, &format!("[thresholds.{n}]"))?;
        }
    }
    Ok(c)
}

/// Effective thresholds: the default window and per-class overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub default: Window,
    pub web: Window,
    pub ca: Window,
    pub host: Window,
}

impl Thresholds {
    /// `flags` (CLI) win over the file, which wins over the built-in defaults; a class
    /// override only replaces what it names.
    pub fn resolve(
        file: &ThresholdsFile,
        flags: (Option<i64>, Option<i64>),
        builtin: Window,
    ) -> Thresholds {
        let default = Window {
            warn_days: flags.0.or(file.warn_days).unwrap_or(builtin.warn_days),
            crit_days: flags.1.or(file.crit_days).unwrap_or(builtin.crit_days),
        };
        let class = |p: Option<PartialWindow>| {
            let p = p.unwrap_or_default();
            Window {
                warn_days: p.warn_days.unwrap_or(default.warn_days),
                crit_days: p.crit_days.unwrap_or(default.crit_days),
            }
        };
        Thresholds {
            default,
            web: class(file.web),
            ca: class(file.ca),
            host: class(file.host),
        }
    }

    /// The window that applies to a certificate row.
    pub fn for_role(&self, role: &str, scope: &str) -> Window {
        match role {
            "apache" | "websocket-proxy" => self.web,
            "ca" | "qemu-ca" => self.ca,
            _ if scope == "host" => self.host,
            _ => self.default,
        }
    }
}

fn esc(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn labels(c: &CertRecord, manager: &str) -> String {
    // Host certificates are labelled with the host they belong to (certs/<host>.cer).
    let stem;
    let host = if c.scope == "host" {
        stem = Path::new(&c.path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        stem.as_str()
    } else {
        manager
    };
    let cn = c
        .cert
        .as_ref()
        .and_then(|s| s.cn.clone())
        .unwrap_or_default();
    let serial = c
        .cert
        .as_ref()
        .map(|s| s.serial.clone())
        .unwrap_or_default();
    format!(
        "scope=\"{}\",host=\"{}\",role=\"{}\",path=\"{}\",cn=\"{}\",serial=\"{}\"",
        c.scope,
        esc(host),
        esc(&c.role),
        esc(&c.path),
        esc(&cn),
        esc(&serial)
    )
}

/// Every finding code the audit can emit (series exist at 0 so alerts can use `== 1`).
pub const FINDING_CODES: &[&str] = &[
    "sha1-signature",
    "md5-signature",
    "expired",
    "not-yet-valid",
    "expiring",
    "missing-san",
    "san-mismatch",
    "web-validity-too-long",
    "weak-key",
    "unsupported-key",
    "chain-invalid",
    "unverifiable-signature",
    "cer-p12-mismatch",
    "key-mismatch",
    "p12-unreadable",
    "p12-legacy-rc2",
    "p12-friendly-name",
    "p12-iterations-excessive",
    "openssl-conf-sha1",
    "apache-ca-mismatch",
    "third-party-cert",
    "key-permissions",
    "key-owner",
    "ca-copy-mismatch",
    "unreadable",
    "missing",
    "symlink-outside-tree",
    "index-invalid",
    "serial-behind",
    "engine-fqdn-unknown",
    "restart-needed",
    "endpoint-unreachable",
    "host-unreachable",
    "host-key-unverified",
    "host-ca-stale",
    "host-file-owner",
    "host-file-mode",
    "host-key-unreadable",
];

/// Prometheus text exposition of an audit. `host` labels the Manager (its FQDN);
/// `errors_total` is the running count of scan errors (carried over from the previous file).
pub fn prometheus(r: &AuditReport, t: &Thresholds, host: &str, errors_total: u64) -> String {
    let mut s = String::new();
    let family = |s: &mut String, name: &str, help: &str, ty: &str| {
        let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} {ty}");
    };
    let certs: Vec<&CertRecord> = r.certificates.iter().filter(|c| c.cert.is_some()).collect();
    family(
        &mut s,
        "rhv_pki_cert_not_after_timestamp_seconds",
        "Certificate notAfter (kept after expiry).",
        "gauge",
    );
    for c in &certs {
        let na = c.cert.as_ref().map(|x| x.not_after).unwrap_or(0);
        let _ = writeln!(
            s,
            "rhv_pki_cert_not_after_timestamp_seconds{{{}}} {na}",
            labels(c, host)
        );
    }
    family(
        &mut s,
        "rhv_pki_cert_not_before_timestamp_seconds",
        "Certificate notBefore.",
        "gauge",
    );
    for c in &certs {
        let nb = c.cert.as_ref().map(|x| x.not_before).unwrap_or(0);
        let _ = writeln!(
            s,
            "rhv_pki_cert_not_before_timestamp_seconds{{{}}} {nb}",
            labels(c, host)
        );
    }
    family(
        &mut s,
        "rhv_pki_cert_renewal_due_timestamp_seconds",
        "When the certificate enters its warning window (notAfter - warn days for its role).",
        "gauge",
    );
    for c in &certs {
        let na = c.cert.as_ref().map(|x| x.not_after).unwrap_or(0);
        let w = t.for_role(&c.role, c.scope);
        let _ = writeln!(
            s,
            "rhv_pki_cert_renewal_due_timestamp_seconds{{{}}} {}",
            labels(c, host),
            na - w.warn_days * 86_400
        );
    }
    family(
        &mut s,
        "rhv_pki_cert_weak_signature",
        "1 when signed with SHA-1 or MD5.",
        "gauge",
    );
    for c in &certs {
        let weak = c
            .cert
            .as_ref()
            .is_some_and(|x| x.signature.digest.is_weak());
        let _ = writeln!(
            s,
            "rhv_pki_cert_weak_signature{{{}}} {}",
            labels(c, host),
            weak as u8
        );
    }
    family(
        &mut s,
        "rhv_pki_cert_missing",
        "1 when a required file is absent.",
        "gauge",
    );
    for c in r.certificates.iter().filter(|c| c.missing) {
        let _ = writeln!(
            s,
            "rhv_pki_cert_missing{{scope=\"{}\",host=\"{}\",role=\"{}\",path=\"{}\"}} 1",
            c.scope,
            esc(host),
            esc(&c.role),
            esc(&c.path)
        );
    }
    family(
        &mut s,
        "rhv_pki_finding",
        "1 per finding on a file (code, severity).",
        "gauge",
    );
    for f in &r.findings {
        let _ = writeln!(
            s,
            "rhv_pki_finding{{host=\"{}\",role=\"{}\",path=\"{}\",code=\"{}\",severity=\"{}\"}} 1",
            esc(host),
            esc(&f.role),
            esc(&f.path),
            f.problem.code(),
            f.severity.as_str()
        );
    }
    family(
        &mut s,
        "rhv_pki_finding_active",
        "0/1 per finding code: 1 when any file has it.",
        "gauge",
    );
    let mut active: BTreeMap<&str, u8> = FINDING_CODES.iter().map(|c| (*c, 0)).collect();
    for f in &r.findings {
        active.insert(f.problem.code(), 1);
    }
    for (code, v) in active {
        let _ = writeln!(
            s,
            "rhv_pki_finding_active{{host=\"{}\",code=\"{code}\"}} {v}",
            esc(host)
        );
    }
    let errors = r
        .findings
        .iter()
        .filter(|f| matches!(f.problem.code(), "unreadable" | "p12-unreadable"))
        .count() as u64;
    family(
        &mut s,
        "rhv_pki_scan_errors",
        "Files that could not be read in this run.",
        "gauge",
    );
    let _ = writeln!(s, "rhv_pki_scan_errors{{host=\"{}\"}} {errors}", esc(host));
    family(
        &mut s,
        "rhv_pki_scan_errors_total",
        "Files that could not be read, summed over runs.",
        "counter",
    );
    let _ = writeln!(
        s,
        "rhv_pki_scan_errors_total{{host=\"{}\"}} {}",
        esc(host),
        errors_total + errors
    );
    let st = Status::of(r);
    family(
        &mut s,
        "rhv_pki_status",
        "Overall state: 0 OK, 1 WARNING, 2 CRITICAL.",
        "gauge",
    );
    let _ = writeln!(
        s,
        "rhv_pki_status{{host=\"{}\"}} {}",
        esc(host),
        st.exit_code()
    );
    family(
        &mut s,
        "rhv_pki_last_success_timestamp_seconds",
        "When the audit last completed.",
        "gauge",
    );
    let _ = writeln!(
        s,
        "rhv_pki_last_success_timestamp_seconds{{host=\"{}\"}} {}",
        esc(host),
        r.now
    );
    s
}

/// The running scan-error total in an earlier textfile (0 when absent or unparsable).
pub fn previous_errors_total(text: &str) -> u64 {
    text.lines()
        .find(|l| l.starts_with("rhv_pki_scan_errors_total{"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|v| v as u64)
        .unwrap_or(0)
}

/// Writes `content` as `DIR/rhv_pki.prom` atomically (temp file in the same dir + rename),
/// mode 0644, so node_exporter never reads half a file.
pub fn write_textfile(dir: &Path, content: &str) -> std::io::Result<PathBuf> {
    let target = dir.join("rhv_pki.prom");
    let tmp = dir.join(format!(".rhv_pki.prom.{}.tmp", std::process::id()));
    let r = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(content.as_bytes())?;
        f.set_permissions(fs::Permissions::from_mode(0o644))?;
        f.sync_all()?;
        fs::rename(&tmp, &target)
    })();
    if r.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    r.map(|_| target)
}

fn nagios_label(c: &CertRecord) -> String {
    // Nagios perfdata labels: quote with single quotes, no '=' or quotes inside.
    let l = format!("{}:{}", c.role, c.path).replace(['\'', '='], "_");
    format!("'{l}'")
}

/// One `STATE: summary | perfdata` line (Nagios plugin guidelines): days left per
/// certificate with its warn;crit thresholds.
pub fn nagios(r: &AuditReport, t: &Thresholds) -> (String, Status) {
    let st = Status::of(r);
    let n = report::counts(r);
    let mut worst: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .take(3)
        .map(|f| format!("{} {}", f.problem.code(), f.path))
        .collect();
    let more = r
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .count();
    if more > worst.len() {
        worst.push(format!("+{} more", more - worst.len()));
    }
    let summary = if worst.is_empty() {
        format!("{} certificates OK", n.total)
    } else {
        format!(
            "{} of {} certificates critical, {} warning ({} expired): {}",
            n.critical,
            n.total,
            n.warning,
            n.expired,
            worst.join("; ")
        )
    };
    let mut perf = Vec::new();
    for c in r.certificates.iter().filter(|c| c.cert.is_some()) {
        let na = c.cert.as_ref().map(|x| x.not_after).unwrap_or(0);
        let days = (na - r.now).div_euclid(86_400);
        let w = t.for_role(&c.role, c.scope);
        perf.push(format!(
            // Ranges by the plugin guidelines: `60:` alerts below 60 (days left is bad when low).
            "{}={days};{}:;{}:;;",
            nagios_label(c),
            w.warn_days,
            w.crit_days
        ));
    }
    let line = if perf.is_empty() {
        format!("{}: {summary}", st.as_str())
    } else {
        format!("{}: {summary} | {}", st.as_str(), perf.join(" "))
    };
    (line, st)
}

/// Origin of the events rhv-pki posts into the Manager's audit log.
pub const EVENT_ORIGIN: &str = "rhv-pki";

/// The summary event `audit --post-events` posts, or `None` when the audit is clean.
///
/// The engine refuses a second external event with the same origin and `custom_id`
/// (`AddExternalEventCommand`: duplicate custom id), so the id — day number × 10 + severity
/// rank — makes the Manager itself de-duplicate: one event per day and severity; a worsening
/// during the day still gets through.
pub fn summary_event(r: &AuditReport, host: &str) -> Option<crate::engine::NewEvent> {
    let worst = r.worst().filter(|s| *s >= Severity::Warning)?;
    let (severity, rank) = match worst {
        Severity::Critical => ("alert", 2),
        _ => ("warning", 1),
    };
    let count = |s: Severity| r.findings.iter().filter(|f| f.severity == s).count();
    let mut codes: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| f.problem.code())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let soonest = r
        .certificates
        .iter()
        .filter_map(|c| c.cert.as_ref().map(|s| (s.not_after, c)))
        .min_by_key(|(t, _)| *t)
        .map(|(t, c)| {
            format!(
                "; soonest expiry: {} ({}) {}",
                c.role,
                c.path,
                crate::cert::rfc3339(t)
            )
        })
        .unwrap_or_default();
    let description = format!(
        "rhv-pki audit of {host}: {} — {} critical, {} warning finding(s): {}{soonest}. Run `rhv-pki audit` on the Manager for details.",
        Status::of(r).as_str(),
        count(Severity::Critical),
        count(Severity::Warning),
        codes.join(", ")
    );
    Some(crate::engine::NewEvent {
        description,
        severity: severity.into(),
        origin: EVENT_ORIGIN.into(),
        custom_id: r.now.div_euclid(86_400) * 10 + rank,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_precedence() {
        let f = ThresholdsFile {
            warn_days: Some(90),
            crit_days: None,
            web: Some(PartialWindow {
                warn_days: Some(30),
                crit_days: Some(14),
            }),
            ca: None,
            host: Some(PartialWindow {
                warn_days: None,
                crit_days: Some(7),
            }),
        };
        let t = Thresholds::resolve(
            &f,
            (None, Some(20)),
            Window {
                warn_days: 60,
                crit_days: 30,
            },
        );
        assert_eq!(
            t.default,
            Window {
                warn_days: 90,
                crit_days: 20
            }
        );
        assert_eq!(
            t.for_role("apache", "engine"),
            Window {
                warn_days: 30,
                crit_days: 14
            }
        );
        assert_eq!(
            t.for_role("host", "host"),
            Window {
                warn_days: 90,
                crit_days: 7
            }
        );
        assert_eq!(t.for_role("ca", "engine"), t.default);
    }

    #[test]
    fn config_errors_name_the_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c.toml");
        assert!(
            read_config(&p, false).is_ok(),
            "a missing default file is fine"
        );
        assert!(read_config(&p, true).unwrap_err().contains("c.toml"));
        fs::write(&p, "[thresholds]\nwarn_dayz = 3\n").unwrap();
        assert!(read_config(&p, true).unwrap_err().contains("c.toml"));
        fs::write(&p, "[thresholds.web]\nwarn_days = 10\ncrit_days = 20\n").unwrap();
        assert!(read_config(&p, true).unwrap_err().contains("exceeds"));
        fs::write(
            &p,
            "[thresholds]\nwarn_days = 45\n[thresholds.ca]\nwarn_days = 365\n",
        )
        .unwrap();
        let c = read_config(&p, true).unwrap();
        assert_eq!(c.thresholds.warn_days, Some(45));
    }

    #[test]
    fn previous_total_is_carried() {
        assert_eq!(
            previous_errors_total("x 1\nrhv_pki_scan_errors_total{host=\"a\"} 7\n"),
            7
        );
        assert_eq!(previous_errors_total("garbage"), 0);
    }
}
