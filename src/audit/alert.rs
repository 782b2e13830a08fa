//! Expiry alerting in the formats admins already watch: Prometheus text exposition (for the
//! node_exporter textfile collector) and a Nagios plugin line. The thresholds and the config
//! file they come from are [`super::config`]'s (re-exported here, where callers knew them).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub use crate::audit::config::{
    read_config, AuditSection, ConfigError, ConfigFile, PartialWindow, PrometheusSection,
    Thresholds, ThresholdsFile, Window, BUILTIN, DEFAULT_CONFIG,
};
use crate::audit::report::{self, Status};
use crate::audit::{AuditReport, CertRecord, Finding, Severity};

fn esc(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// `host="…"[,cluster="…"],manager="…"`: a host's own series are labelled with the
/// Manager's address for the host (and its cluster when known), the Manager's with its FQDN.
fn where_labels(host: Option<&str>, cluster: Option<&str>, manager: &str) -> String {
    let mut s = format!("host=\"{}\"", esc(host.unwrap_or(manager)));
    if let Some(c) = cluster {
        let _ = write!(s, ",cluster=\"{}\"", esc(c));
    }
    let _ = write!(s, ",manager=\"{}\"", esc(manager));
    s
}

/// The host a host-scope row belongs to: the tag `hosts audit` set, else (a `certs/<host>.cer`
/// row of the Manager's own audit) the file stem.
fn row_host(c: &CertRecord) -> Option<String> {
    host_of(c.scope == "host", c.host.as_deref(), &c.path)
}

/// The host a finding is about, by the same rule as its certificate's row (so a host file's
/// `rhv_pki_finding` carries the `host` of its `rhv_pki_cert_*` series, not the Manager's).
/// A finding `hosts audit` tagged keeps its host whatever its role.
fn finding_host(f: &Finding) -> Option<String> {
    let host_role = matches!(f.role.as_str(), "host" | "host-qemu" | "host-other");
    host_of(host_role || f.host.is_some(), f.host.as_deref(), &f.path)
}

fn host_of(host_scope: bool, tagged: Option<&str>, path: &str) -> Option<String> {
    if !host_scope {
        return None;
    }
    tagged.map(str::to_string).or_else(|| {
        Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
    })
}

/// The `path` label: over TLS a host's row is "NAME (ADDR:PORT)", whose port changes from run
/// to run in a test bed and would make a new series; the served certificate is vdsm's.
fn path_label<'a>(host: Option<&str>, path: &'a str) -> &'a str {
    if host.is_some() && path.contains(" (") {
        "vdsm"
    } else {
        path
    }
}

fn labels(c: &CertRecord, manager: &str) -> String {
    let host = row_host(c);
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
        "scope=\"{}\",{},role=\"{}\",path=\"{}\",cn=\"{}\",serial=\"{}\"",
        c.scope,
        where_labels(host.as_deref(), c.cluster.as_deref(), manager),
        esc(&c.role),
        esc(path_label(c.host.as_deref(), &c.path)),
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
    "issued-before-ca-renewal",
    "key-mismatch",
    "p12-unreadable",
    "p12-legacy-rc2",
    "p12-friendly-name",
    "p12-iterations-excessive",
    "p12-algorithm-refused",
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
    "ssh-cert-type",
    "ssh-cert-signer",
    "ssh-cert-signature",
    "ssh-cert-principals",
    "truststore-alias-missing",
    "truststore-stale",
    "p12-password-wrong",
];

/// What a Prometheus exposition is about: the Manager (its FQDN, the `manager` label of every
/// series), which audit wrote it (`scope` of the run's own series: `engine` for `audit`,
/// `host` for `hosts audit`, so both textfiles can sit side by side) and when the run really
/// happened (`rhv_pki_last_success_timestamp_seconds`; `--at` only moves the judging time).
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// The Manager's name, the `manager` label.
    pub manager: &'a str,
    /// `engine` for `audit`, `host` for `hosts audit`: the `scope` label.
    pub scope: &'a str,
    /// When the audit finished, Unix seconds (UTC).
    pub finished: i64,
}

/// Prometheus text exposition of an audit; `errors_total` is the running count of scan errors
/// (carried over from the previous file).
pub fn prometheus(r: &AuditReport, t: &Thresholds, run: Run<'_>, errors_total: u64) -> String {
    let host = run.manager;
    let mut s = String::new();
    let me = format!("scope=\"{}\",{}", run.scope, where_labels(None, None, host));
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
            "rhv_pki_cert_missing{{scope=\"{}\",{},role=\"{}\",path=\"{}\"}} 1",
            c.scope,
            where_labels(row_host(c).as_deref(), c.cluster.as_deref(), host),
            esc(&c.role),
            esc(path_label(c.host.as_deref(), &c.path))
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
            "rhv_pki_finding{{{},role=\"{}\",path=\"{}\",code=\"{}\",severity=\"{}\"}} 1",
            where_labels(finding_host(f).as_deref(), f.cluster.as_deref(), host),
            esc(&f.role),
            esc(path_label(f.host.as_deref(), &f.path)),
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
        let _ = writeln!(s, "rhv_pki_finding_active{{{me},code=\"{code}\"}} {v}");
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
    let _ = writeln!(s, "rhv_pki_scan_errors{{{me}}} {errors}");
    family(
        &mut s,
        "rhv_pki_scan_errors_total",
        "Files that could not be read, summed over runs.",
        "counter",
    );
    let _ = writeln!(
        s,
        "rhv_pki_scan_errors_total{{{me}}} {}",
        errors_total + errors
    );
    let st = Status::of(r);
    family(
        &mut s,
        "rhv_pki_status",
        "Overall state: 0 OK, 1 WARNING, 2 CRITICAL.",
        "gauge",
    );
    let _ = writeln!(s, "rhv_pki_status{{{me}}} {}", st.nagios_code());
    family(
        &mut s,
        "rhv_pki_last_success_timestamp_seconds",
        "When the audit last completed.",
        "gauge",
    );
    let _ = writeln!(
        s,
        "rhv_pki_last_success_timestamp_seconds{{{me}}} {}",
        run.finished
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

/// The textfile `audit` writes.
pub(crate) const TEXTFILE: &str = "rhv_pki.prom";
/// The textfile `hosts audit` writes (its own, so both can be collected side by side).
pub const HOSTS_TEXTFILE: &str = "rhv_pki_hosts.prom";

/// Writes `content` as `DIR/rhv_pki.prom` atomically (temp file in the same dir + rename),
/// mode 0644, so node_exporter never reads half a file.
pub fn write_textfile(dir: &Path, content: &str) -> std::io::Result<PathBuf> {
    write_textfile_named(dir, TEXTFILE, content)
}

/// [`write_textfile`] under another file name.
pub fn write_textfile_named(dir: &Path, name: &str, content: &str) -> std::io::Result<PathBuf> {
    let target = dir.join(name);
    crate::sys::atomic_write(
        &target,
        content.as_bytes(),
        &crate::sys::WriteOpts::mode(0o644),
    )
    .map_err(|e| e.source)?;
    Ok(target)
}

fn nagios_label(c: &CertRecord) -> String {
    // Nagios perfdata labels: quote with single quotes, no '=' or quotes inside. A host's row
    // is named by the host and role (over TLS its path holds the connect address and port).
    let l = match &c.host {
        Some(h) if c.path.contains(" (") => format!("{h}:{}", c.role),
        Some(h) => {
            // Over SSH the path is "HOST:/etc/pki/vdsm/…" already: say the host once.
            let file = c.path.strip_prefix(&format!("{h}:")).unwrap_or(&c.path);
            format!("{h}:{}:{file}", c.role)
        }
        None => format!("{}:{}", c.role, c.path),
    }
    .replace(['\'', '='], "_");
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
pub(crate) const EVENT_ORIGIN: &str = "rhv-pki";

/// An external event for the Manager's audit log, as plain data (the REST client that posts
/// it is `net`'s, which the audit does not use).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryEvent {
    /// The event text.
    pub description: String,
    /// `warning` or `alert`.
    pub severity: String,
    /// Always `rhv-pki`.
    pub origin: String,
    /// Day number × 10 + severity rank (see [`summary_event`]).
    pub custom_id: i64,
}

/// The summary event `audit --post-events` posts, or `None` when the audit is clean.
///
/// The engine refuses a second external event with the same origin and `custom_id`
/// (`AddExternalEventCommand`: duplicate custom id), so the id — day number × 10 + severity
/// rank — makes the Manager itself de-duplicate: one event per day and severity; a worsening
/// during the day still gets through.
pub fn summary_event(r: &AuditReport, host: &str) -> Option<SummaryEvent> {
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
                crate::pki::cert::rfc3339(t)
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
    Some(SummaryEvent {
        description,
        severity: severity.into(),
        origin: EVENT_ORIGIN.into(),
        custom_id: r.now.div_euclid(86_400) * 10 + rank,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

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
        let t = Thresholds::resolve(&f, (None, Some(20)), BUILTIN);
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
                crit_days: 20
            }
        );
        assert_eq!(
            t.for_role("host", "host"),
            Window {
                warn_days: 90,
                crit_days: 20
            }
        );
        assert_eq!(t.for_role("ca", "engine"), t.default);
        // Nothing configured: engine-setup's and the Manager's numbers.
        let b = Thresholds::resolve(&ThresholdsFile::default(), (None, None), BUILTIN);
        assert_eq!(b, BUILTIN);
        assert_eq!(b.renew_days("apache"), 60);
        assert_eq!(b.renew_days("websocket-proxy"), 60);
        assert_eq!(b.renew_days("jboss"), 365);
        assert_eq!(b.renew_days("qemu-ca"), 365);
    }

    #[test]
    fn config_errors_name_the_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c.toml");
        assert!(
            read_config(&p, false).is_ok(),
            "a missing default file is fine"
        );
        assert!(read_config(&p, true)
            .unwrap_err()
            .to_string()
            .contains("c.toml"));
        fs::write(&p, "[thresholds]\nwarn_dayz = 3\n").unwrap();
        assert!(read_config(&p, true)
            .unwrap_err()
            .to_string()
            .contains("c.toml"));
        fs::write(&p, "[thresholds.web]\nwarn_days = 10\ncrit_days = 20\n").unwrap();
        assert!(read_config(&p, true)
            .unwrap_err()
            .to_string()
            .contains("exceeds"));
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
