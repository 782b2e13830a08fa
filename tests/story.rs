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
    let ex =
        rhv_pki::audit::alert::read_config(&contrib.join("config.toml.example"), true).unwrap();
    let t = rhv_pki::audit::alert::Thresholds::resolve(
        &ex.thresholds,
        (None, None),
        rhv_pki::audit::alert::BUILTIN,
    );
    assert_eq!(t, rhv_pki::audit::alert::BUILTIN);
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
    let crit = rhv_pki::audit::alert::BUILTIN.default.crit_days;
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

const SCENARIO: &str = r#"
[[clusters]]
name = "Default"
[[clusters]]
name = "Edge"

[[hosts]]
name = "a1"
cluster = "Default"
spm = true
cert = { sha1 = true }
[[hosts]]
name = "b1"
cluster = "Edge"
"#;

fn hosts_audit(sim: &common::sim::Sim, extra: &[&str]) -> std::process::Output {
    let mut v: Vec<String> = ["hosts", "audit"].iter().map(|s| s.to_string()).collect();
    v.extend(extra.iter().map(|s| s.to_string()));
    v.extend(sim.engine_args());
    v.extend(["--probe-timeout".to_string(), "5".to_string()]);
    bin()
        .args(&v)
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
        .output()
        .unwrap()
}

fn label<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let start = line.find(&format!("{name}=\""))? + name.len() + 2;
    let rest = &line[start..];
    Some(&rest[..rest.find('"')?])
}

#[test]
fn hosts_audit_series_carry_host_cluster_and_manager_and_a_textfile() {
    let sim = common::sim::Sim::start("4.5-modern", SCENARIO, 0.01);
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let dir = tempfile::tempdir().unwrap();
    let o = hosts_audit(
        &sim,
        &[
            "--format",
            "prometheus",
            "--at",
            AT,
            "--textfile-dir",
            dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let prom = String::from_utf8(o.stdout).unwrap();
    // The Manager's address for each host (the simulator's hosts' `address`).
    let clusters = [("a1.example.test", "Default"), ("b1.example.test", "Edge")];
    let mut seen = BTreeSet::new();
    for l in prom.lines().filter(|l| !l.starts_with('#')) {
        assert_eq!(
            label(l, "manager"),
            Some("engine45.example.test"),
            "every series names the Manager: {l}"
        );
        if label(l, "scope") == Some("host") && !l.starts_with("rhv_pki_finding_active") {
            let host = label(l, "host").unwrap();
            if l.starts_with("rhv_pki_cert_") || l.starts_with("rhv_pki_finding{") {
                let (_, c) = clusters
                    .iter()
                    .find(|(h, _)| *h == host)
                    .unwrap_or_else(|| panic!("host label is not a host's address: {l}"));
                assert_eq!(label(l, "cluster"), Some(*c), "{l}");
                seen.insert(host.to_string());
            }
        }
        if l.starts_with("rhv_pki_finding{") {
            let host = label(l, "host").unwrap();
            assert!(clusters.iter().any(|(h, _)| *h == host), "{l}");
        }
    }
    // No label holds the connect address (its port changes from run to run).
    assert!(!prom.contains("127.0.0.1"), "{prom}");
    assert_eq!(
        seen,
        BTreeSet::from(["a1.example.test".to_string(), "b1.example.test".to_string()])
    );
    // --at judges the certificates; the last-success time is the run's real time.
    let last: i64 = prom
        .lines()
        .find(|l| l.starts_with("rhv_pki_last_success_timestamp_seconds{"))
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        last >= before,
        "{last} < {before}: --at moved the run's time"
    );
    // promtool accepts it; the textfile is its own file, with the same series.
    let check = |text: &str| {
        use std::io::Write;
        let mut c = std::process::Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{out:?}\n{text}");
    };
    check(&prom);
    let file = std::fs::read_to_string(dir.path().join("rhv_pki_hosts.prom")).unwrap();
    check(&file);
    assert!(!dir.path().join("rhv_pki.prom").exists());
    assert_eq!(
        file.lines()
            .filter(|l| l.contains("host=\"a1.example.test\""))
            .count(),
        prom.lines()
            .filter(|l| l.contains("host=\"a1.example.test\""))
            .count()
    );

    // JSON: each certificate and finding names its host and cluster.
    let o = hosts_audit(&sim, &["--format", "json", "--at", AT]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let certs = doc["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 2, "{doc}");
    for c in certs {
        let h = c["host"].as_str().unwrap_or_else(|| panic!("{c}"));
        let (_, cl) = clusters.iter().find(|(x, _)| *x == h).unwrap();
        assert_eq!(c["cluster"], *cl, "{c}");
    }
    for f in doc["findings"].as_array().unwrap() {
        assert!(f["host"].is_string(), "{f}");
    }
    // Nagios perfdata labels do not carry the connect address (its port changes).
    let o = hosts_audit(&sim, &["--format", "nagios", "--at", AT]);
    let line = String::from_utf8(o.stdout).unwrap();
    let perf = line.split_once(" | ").unwrap().1;
    for (_, ep) in sim.vdsm_endpoints() {
        assert!(!perf.contains(&ep), "{perf}");
    }
    assert!(!perf.contains("127.0.0.1"), "{perf}");
    assert!(perf.contains("'a1.example.test:host'="), "{perf}");
}

#[test]
fn json_inventory_times_are_rfc3339_like_the_certificates() {
    let root = scenario("4.5-modern");
    let (_, doc) = audit_json(root.path(), &[]);
    let inv = doc["inventory"].as_array().unwrap();
    assert!(!inv.is_empty(), "{doc}");
    for i in inv.iter().filter(|i| !i["notAfter"].is_null()) {
        let t = i["notAfter"].as_str().unwrap_or_else(|| panic!("{i}"));
        assert!(t.ends_with('Z') && t.len() == 20, "{i}");
    }
    assert!(inv.iter().any(|i| i["notAfter"].is_string()), "{doc}");
}

#[test]
fn hosts_audit_summary_counts_unreachable_hosts_and_names_each_endpoint_once() {
    let sim = common::sim::Sim::start("4.5-modern", SCENARIO, 0.01);
    // A port nothing listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ep = format!("127.0.0.1:{port}");
    let o = hosts_audit(
        &sim,
        &["--host", &format!("ghost.example.test={ep}"), "--at", AT],
    );
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let t = String::from_utf8(o.stdout).unwrap();
    let summary = t.lines().last().unwrap();
    assert!(
        summary.starts_with("CRITICAL: 1 host(s) not reached; 0 certificates"),
        "{t}"
    );
    let finding = t
        .lines()
        .find(|l| l.contains("endpoint-unreachable"))
        .unwrap_or_else(|| panic!("{t}"));
    assert_eq!(finding.matches(&ep).count(), 1, "{finding}");
    let o = hosts_audit(
        &sim,
        &[
            "--host",
            &format!("ghost.example.test={ep}"),
            "--at",
            AT,
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["summary"]["hostsUnreachable"], 1, "{doc}");
    assert_eq!(doc["findings"][0]["host"], "ghost.example.test", "{doc}");
}

#[test]
fn table_rows_agree_with_the_findings() {
    let root = scenario("broken");
    let (_, doc) = audit_json(root.path(), &[]);
    let certs = doc["certificates"].as_array().unwrap();
    // No row of an engine entity says ok while a warning or worse is raised on that entity.
    for f in doc["findings"].as_array().unwrap() {
        if f["severity"] == "info" {
            continue;
        }
        for c in certs
            .iter()
            .filter(|c| c["scope"] == "engine" && c["role"] == f["role"])
        {
            assert_ne!(c["status"], "ok", "row {c}\nwhile {f}");
        }
    }
    // The p12 holding another certificate than the .cer carries the mismatch.
    let p12 = certs
        .iter()
        .find(|c| c["path"] == "keys/websocket-proxy.p12")
        .unwrap();
    assert!(
        p12["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "cer-p12-mismatch"),
        "{p12}"
    );
    // The summary counts what the rows say.
    let ok = certs.iter().filter(|c| c["status"] == "ok").count();
    assert_eq!(doc["summary"]["ok"], ok);
    let o = run(&["audit", "--root", root.path().to_str().unwrap(), "--at", AT]);
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(t.contains(&format!(" certificates: {ok} ok,")), "{t}");
    let row = t
        .lines()
        .find(|l| l.contains("keys/websocket-proxy.p12"))
        .unwrap();
    assert!(!row.contains(" ok "), "{row}");
}

/// Runs a suggested action as printed (with `--root` and `--dry-run`), JSON plan names.
fn planned_by(action: &str, root: &Path) -> BTreeSet<String> {
    let argv: Vec<&str> = action.split_whitespace().collect();
    assert_eq!(argv[0], "rhv-pki", "{action}");
    let mut args: Vec<&str> = argv[1..].to_vec();
    args.extend([
        "--root",
        root.to_str().unwrap(),
        "--dry-run",
        "--format",
        "json",
    ]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{action}: {o:?}");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    doc["plan"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn suggested_actions_work_as_printed() {
    // An EC key on a certificate that is not due: re-sign it first (keeps the key, 1827 days).
    let root = scenario("broken");
    let bk = tempfile::tempdir().unwrap();
    let o = run(&[
        "resign",
        "ovirt-provider-ovn",
        "--root",
        root.path().to_str().unwrap(),
        "--backup-dir",
        bk.path().to_str().unwrap(),
        "--yes",
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let o = run(&[
        "audit",
        "--root",
        root.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "certs/ovirt-provider-ovn.cer")
        .unwrap();
    let action = row["action"].as_str().unwrap();
    assert_eq!(action, "rhv-pki renew --new-key ovirt-provider-ovn");
    assert_eq!(
        planned_by(action, root.path()),
        BTreeSet::from(["ovirt-provider-ovn".to_string()]),
        "{action} must act on a certificate that is not due"
    );

    // Host certificates: expired → recover over SSH (the Manager cannot enroll it); still
    // valid but due → enroll through the Manager.
    let root = scenario("4.5-modern");
    for (at, status, want) in [
        ("2031-01-01", "expired", "rhv-pki hosts recover --ssh"),
        (
            "2029-12-01",
            "warning",
            "rhv-pki hosts enroll --only-needed",
        ),
    ] {
        let (_, doc) = audit_json(root.path(), &["--at", at]);
        for c in doc["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["scope"] == "host")
        {
            assert_eq!(c["status"], status, "{c}");
            assert_eq!(c["action"], want, "{c}");
        }
    }
}

/// What the generated bash completion offers for `words` (the last one being completed).
fn bash_complete(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cur = words.last().unwrap();
    let prev = words[words.len() - 2];
    let prog = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _rhv__pki rhv-pki '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1
    );
    let o = std::process::Command::new("bash")
        .args(["-c", &prog])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completion_completes_subcommands_and_their_flags() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("rhv-pki.bash");
    let o = run(&["generate", "bash"]);
    std::fs::write(&script, &o.stdout).unwrap();
    let top = bash_complete(&script, &["rhv-pki", ""]);
    assert!(top.contains(&"hosts".to_string()), "{top:?}");
    let hosts = bash_complete(&script, &["rhv-pki", "hosts", ""]);
    for s in ["audit", "recover", "enroll"] {
        assert!(hosts.contains(&s.to_string()), "{hosts:?}");
    }
    let flags = bash_complete(&script, &["rhv-pki", "hosts", "audit", "--textf"]);
    assert_eq!(flags, ["--textfile-dir"]);
    let flags = bash_complete(&script, &["rhv-pki", "renew", "--new"]);
    assert_eq!(flags, ["--new-key"]);
    let flags = bash_complete(&script, &["rhv-pki", "maintenance", "verify", "--"]);
    assert!(flags.len() > 2, "{flags:?}");
}

#[test]
fn man_pages_render_without_groff_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["generate", "man", "--out-dir", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let stdout_page = dir.path().join("stdout.1");
    std::fs::write(&stdout_page, run(&["generate", "man"]).stdout).unwrap();
    pages.push(stdout_page);
    assert!(pages.len() > 10, "{pages:?}");
    for p in &pages {
        let o = std::process::Command::new("groff")
            .args(["-ww", "-man", "-Tutf8", "-z"])
            .arg(p)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}: {o:?}", p.display());
        assert_eq!(String::from_utf8_lossy(&o.stderr), "", "{}", p.display());
        let o = std::process::Command::new("man")
            .args(["--warnings", "-l"])
            .arg(p)
            .env("MANPAGER", "cat")
            .env("LC_ALL", "C.UTF-8")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}: {o:?}", p.display());
        assert_eq!(String::from_utf8_lossy(&o.stderr), "", "{}", p.display());
        // The text survives: the em dashes and arrows are escapes, not dropped.
        assert!(!o.stdout.is_empty());
    }
    let page = std::fs::read_to_string(dir.path().join("rhv-pki-hosts-enroll.1")).unwrap();
    assert!(page.is_ascii());
    assert!(
        page.contains("\\[u2192]"),
        "the arrow of Maintenance → Enroll"
    );
}

#[test]
fn host_certificates_older_than_a_renewed_ca_get_the_enroll_code_and_action() {
    let root = scenario("4.5-modern");
    let bk = tempfile::tempdir().unwrap();
    let o = run(&[
        "resign",
        "ca",
        "--root",
        root.path().to_str().unwrap(),
        "--backup-dir",
        bk.path().to_str().unwrap(),
        "--yes",
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let o = run(&[
        "audit",
        "--root",
        root.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The code `hosts enroll --only-needed` selects such a host with, and its command.
    for p in [
        "certs/host1.example.test.cer",
        "certs/host2.example.test.cer",
    ] {
        assert_eq!(severity_of(&doc, "issued-before-ca-renewal", p), "warning");
        let row = doc["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["path"] == p)
            .unwrap();
        assert_eq!(row["status"], "warning", "{row}");
        assert_eq!(row["action"], "rhv-pki hosts enroll --only-needed", "{row}");
    }
    // The untouched qemu-ca's host certificates are not affected.
    assert!(!has(
        &doc,
        "issued-before-ca-renewal",
        "certs-qemu/host1.example.test.cer"
    ));
}
