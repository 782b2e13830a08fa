//! Output formats of an audit: the kubeadm-style table admins already read, and a versioned
//! JSON document for machines. Exit-code policy (Nagios) lives in `Status`.

use std::fmt::Write as _;

use serde_json::json;

use crate::audit::{AuditReport, Severity};

/// Overall state in Nagios terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl Status {
    pub fn of(report: &AuditReport) -> Status {
        match report.worst() {
            Some(Severity::Critical) => Status::Critical,
            Some(Severity::Warning) => Status::Warning,
            _ => Status::Ok,
        }
    }
    /// Nagios plugin exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Warning => 1,
            Status::Critical => 2,
            Status::Unknown => 3,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warning => "WARNING",
            Status::Critical => "CRITICAL",
            Status::Unknown => "UNKNOWN",
        }
    }
}

/// `348d`, `5h`, `expired`.
pub fn residual(seconds: i64) -> String {
    if seconds < 0 {
        "expired".into()
    } else if seconds >= 86_400 {
        format!("{}d", seconds / 86_400)
    } else if seconds >= 3_600 {
        format!("{}h", seconds / 3_600)
    } else {
        format!("{}m", seconds / 60)
    }
}

fn utc(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| t.to_string())
}

/// Counts per certificate status.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub total: usize,
    pub ok: usize,
    pub warning: usize,
    pub critical: usize,
    pub expired: usize,
    pub missing: usize,
}

pub fn counts(r: &AuditReport) -> Counts {
    let mut c = Counts::default();
    for cert in &r.certificates {
        c.total += 1;
        match cert.status {
            "ok" => c.ok += 1,
            "warning" => c.warning += 1,
            "expired" => {
                c.expired += 1;
                c.critical += 1
            }
            "missing" => c.missing += 1,
            _ => c.critical += 1,
        }
    }
    c
}

/// The human table: one row per certificate, then the findings, then a summary line.
pub fn table(r: &AuditReport, color: bool) -> String {
    let headers = [
        "ROLE",
        "FILE",
        "CN",
        "NOT AFTER",
        "RESIDUAL",
        "SIGNATURE",
        "KEY",
        "STATUS",
        "ACTION",
    ];
    let rows: Vec<[String; 9]> = r
        .certificates
        .iter()
        .map(|c| {
            let (cn, na, sig, key) = match &c.cert {
                Some(s) => (
                    s.cn.clone().unwrap_or_else(|| "-".into()),
                    utc(s.not_after),
                    s.signature.name.to_string(),
                    s.key.short(),
                ),
                None => ("-".into(), "-".into(), "-".into(), "-".into()),
            };
            [
                c.role.clone(),
                c.path.clone(),
                cn,
                na,
                c.residual_seconds
                    .map(residual)
                    .unwrap_or_else(|| "-".into()),
                sig,
                key,
                c.status.to_string(),
                c.action.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let mut w = headers.map(str::len);
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            w[i] = w[i].max(cell.chars().count());
        }
    }
    let mut s = String::new();
    let line = |cells: &[String], s: &mut String, status_col: Option<&str>| {
        for (i, cell) in cells.iter().enumerate() {
            let pad = w[i].saturating_sub(cell.chars().count());
            let painted = match (i, status_col, color) {
                (7, Some(st), true) => paint(st, cell),
                _ => cell.clone(),
            };
            s.push_str(&painted);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(pad + 2));
            }
        }
        s.push('\n');
    };
    line(&headers.map(String::from), &mut s, None);
    for row in &rows {
        line(row, &mut s, Some(row[7].as_str()));
    }
    let shown: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.severity > Severity::Info)
        .collect();
    if !shown.is_empty() {
        s.push_str("\nFINDINGS\n");
        for f in shown {
            let sev = f.severity.as_str().to_uppercase();
            let sev = if color {
                paint(f.severity.as_str(), &sev)
            } else {
                sev
            };
            let _ = writeln!(
                s,
                "{sev:<8}  {:<24}  {}: {}",
                f.problem.code(),
                f.path,
                f.message
            );
        }
    }
    let infos: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Info)
        .collect();
    if !infos.is_empty() {
        s.push('\n');
        for f in infos {
            let _ = writeln!(s, "note: {}: {}", f.path, f.message);
        }
    }
    let c = counts(r);
    let st = Status::of(r);
    let _ = writeln!(
        s,
        "\n{}: {} certificates: {} ok, {} warning, {} critical ({} expired){}; {} not checked (backups, issued copies); thresholds warn {}d, crit {}d; evaluated at {}",
        st.as_str(),
        c.total,
        c.ok,
        c.warning,
        c.critical,
        c.expired,
        if c.missing > 0 { format!(", {} missing", c.missing) } else { String::new() },
        r.inventory.len(),
        r.warn_days,
        r.crit_days,
        crate::cert::rfc3339(r.now),
    );
    s
}

fn paint(status: &str, text: &str) -> String {
    let code = match status {
        "ok" | "info" => "32",
        "warning" => "33",
        "critical" | "expired" | "missing" => "31",
        _ => return text.to_string(),
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// API version of the JSON document; bump on incompatible changes.
pub const API_VERSION: &str = "rhv-pki/v1";

/// The versioned JSON document, serialized straight from the report (no intermediate copy:
/// 100,000 certificates must fit in a small memory budget).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonDoc<'a> {
    kind: &'static str,
    api_version: &'static str,
    meta: serde_json::Value,
    summary: serde_json::Value,
    certificates: &'a [crate::audit::CertRecord],
    findings: &'a [crate::audit::Finding],
    inventory: &'a [crate::audit::InventoryItem],
}

pub fn json(r: &AuditReport) -> JsonDoc<'_> {
    let c = counts(r);
    let st = Status::of(r);
    let count = |sev: Severity| r.findings.iter().filter(|f| f.severity == sev).count();
    JsonDoc {
        kind: "PkiAudit",
        api_version: API_VERSION,
        meta: json!({
            "checkedAt": crate::cert::rfc3339(r.now),
            "pkiDir": r.pki_dir,
            "engineFqdn": r.engine_fqdn,
            "era": r.era,
            "thresholds": { "warnDays": r.warn_days, "critDays": r.crit_days },
            "tool": concat!("rhv-pki ", env!("CARGO_PKG_VERSION")),
        }),
        summary: json!({
            "status": st.as_str(),
            "exitCode": st.exit_code(),
            "certificates": c.total,
            "ok": c.ok,
            "warning": c.warning,
            "critical": c.critical,
            "expired": c.expired,
            "missing": c.missing,
            "findings": {
                "critical": count(Severity::Critical),
                "warning": count(Severity::Warning),
                "info": count(Severity::Info),
            },
        }),
        certificates: &r.certificates,
        findings: &r.findings,
        inventory: &r.inventory,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residual_text() {
        assert_eq!(residual(-1), "expired");
        assert_eq!(residual(86_400 * 348 + 5), "348d");
        assert_eq!(residual(7_200), "2h");
        assert_eq!(residual(120), "2m");
    }
}
