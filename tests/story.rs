//! One story across commands: the thresholds, the labels and the suggested actions that
//! `audit`, `hosts audit`, `renew` and the shipped alerting rules use agree with each other.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;

fn renew_plan_names(root: &Path, extra: &[&str]) -> BTreeSet<String> {
    let mut args = vec![
        "renew",
        "--root",
        root.to_str().unwrap(),
        "--dry-run",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    doc["plan"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

/// Roles of the engine-side certificates the audit (at the real time) warns about as
/// expiring or expired.
fn audit_due_roles(root: &Path, extra: &[&str]) -> BTreeSet<String> {
    let mut args = vec![
        "audit",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            matches!(f["code"].as_str(), Some("expiring" | "expired"))
                && !f["path"].as_str().unwrap().contains(".example.test")
        })
        .map(|f| f["role"].as_str().unwrap().to_string())
        .collect()
}

fn metric(prom: &str, name: &str, path: &str) -> i64 {
    let needle = format!("path=\"{path}\"");
    prom.lines()
        .find(|l| l.starts_with(&format!("{name}{{")) && l.contains(&needle))
        .unwrap_or_else(|| panic!("no {name} for {path}:\n{prom}"))
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn audit_warning_renewal_due_metric_and_renew_window_are_one_setting() {
    let root = scenario("4.5-modern");
    // What renew re-issues now is exactly what audit warns about now (both at the real time).
    let renew = renew_plan_names(root.path(), &[]);
    let audit = audit_due_roles(root.path(), &[]);
    assert!(
        !renew.is_empty(),
        "the 1827-day certificates end 2027-08-02"
    );
    assert_eq!(
        audit, renew,
        "audit warns about {audit:?}, renew re-issues {renew:?}"
    );
    // The same holds with a config file: its [thresholds] drive both.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[thresholds]\nwarn_days = 20\ncrit_days = 10\n[thresholds.web]\nwarn_days = 20000\ncrit_days = 10\n",
    )
    .unwrap();
    let c = cfg.to_str().unwrap();
    let renew = renew_plan_names(root.path(), &["--config", c]);
    let audit = audit_due_roles(root.path(), &["--config", c]);
    assert_eq!(
        renew,
        BTreeSet::from(["apache".to_string(), "websocket-proxy".to_string()])
    );
    assert_eq!(audit, renew);

    // The renewal-due metric is notAfter minus the same per-role window: 60 days for web
    // certificates, 365 for the others and the CAs (engine-setup, CertExpirationWarnPeriodInDays).
    let o = run(&[
        "audit",
        "--root",
        root.path().to_str().unwrap(),
        "--at",
        AT,
        "--format",
        "prometheus",
    ]);
    let prom = String::from_utf8_lossy(&o.stdout);
    for (path, days) in [
        ("certs/apache.cer", 60),
        ("certs/websocket-proxy.cer", 60),
        ("certs/engine.cer", 365),
        ("certs/jboss.cer", 365),
        ("ca.pem", 365),
        ("qemu-ca.pem", 365),
    ] {
        let na = metric(&prom, "rhv_pki_cert_not_after_timestamp_seconds", path);
        let due = metric(&prom, "rhv_pki_cert_renewal_due_timestamp_seconds", path);
        assert_eq!(na - due, days * 86_400, "{path}");
    }
    // At AT (engine: 274 days left) the audit warns, as the Manager itself does (365 d).
    let (code, doc) = audit_json(root.path(), &[]);
    assert_eq!(code, 1, "{}", codes(&doc));
    assert_eq!(severity_of(&doc, "expiring", "certs/engine.cer"), "warning");
    assert!(
        !has(&doc, "expiring", "certs/apache.cer"),
        "{}",
        codes(&doc)
    );
}

#[test]
fn shipped_config_example_and_prometheus_rules_use_the_builtin_numbers() {
    let contrib = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib");
    let ex = rhv_pki::alert::read_config(&contrib.join("config.toml.example"), true).unwrap();
    let t =
        rhv_pki::alert::Thresholds::resolve(&ex.thresholds, (None, None), rhv_pki::alert::BUILTIN);
    assert_eq!(t, rhv_pki::alert::BUILTIN);
    // Every class's value is spelled out in the example (not inherited by accident).
    for w in [ex.thresholds.web, ex.thresholds.ca, ex.thresholds.host] {
        let w = w.unwrap();
        assert!(w.warn_days.is_some() && w.crit_days.is_some());
    }
    assert_eq!(ex.thresholds.warn_days, Some(365));
    assert_eq!(ex.thresholds.web.unwrap().warn_days, Some(60));
    // The rules: the warning is the renewal-due series (the per-role window), the critical
    // threshold is the crit window of every class.
    let rules = std::fs::read_to_string(contrib.join("prometheus/rhv-pki.rules.yml")).unwrap();
    let crit = rhv_pki::alert::BUILTIN.default.crit_days;
    for w in [t.web, t.ca, t.host] {
        assert_eq!(w.crit_days, crit);
    }
    let crit_expr = format!("<= {crit} * 86400");
    assert!(rules.contains(&crit_expr), "{rules}");
    assert!(
        rules.contains("time() > rhv_pki_cert_renewal_due_timestamp_seconds"),
        "{rules}"
    );
    // No other day count hides in the rules.
    for l in rules.lines().filter(|l| l.contains("expr:")) {
        for (i, _) in l.match_indices(" * 86400") {
            let n: String = l[..i]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .collect::<String>()
                .chars()
                .rev()
                .collect();
            if !n.is_empty() && !l.contains("last_success") {
                assert_eq!(n.parse::<i64>().unwrap(), crit, "{l}");
            }
        }
    }
}
