//! Fleet observability (issue 18): the label contract of every series `audit` and `hosts audit`
//! write (README "Metrics label contract"), and the contrib files a site runs across many
//! Managers — Prometheus federation, alert rules, Alertmanager routing, the Grafana dashboard —
//! judged by the real tools (promtool, amtool).
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::sim::Sim;
use common::{bin, fixtures, text, AT};
use serde_json::Value;

/// One series of a text exposition: its name and labels.
#[derive(Debug)]
struct Series {
    name: String,
    labels: BTreeMap<String, String>,
}

impl Series {
    fn get(&self, k: &str) -> Option<&str> {
        self.labels.get(k).map(String::as_str)
    }
    fn keys(&self) -> BTreeSet<&str> {
        self.labels.keys().map(String::as_str).collect()
    }
}

/// The series of a text exposition (comments skipped; label values unescaped).
fn series(exposition: &str) -> Vec<Series> {
    let mut out = Vec::new();
    for line in exposition.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, rest) = line
            .split_once('{')
            .unwrap_or_else(|| panic!("series without labels: {line}"));
        let mut labels = BTreeMap::new();
        let mut chars = rest.chars().peekable();
        loop {
            let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
            assert_eq!(chars.next(), Some('"'), "{line}");
            let mut value = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some('n') => value.push('\n'),
                        Some(o) => value.push(o),
                        None => panic!("{line}"),
                    },
                    '"' => break,
                    o => value.push(o),
                }
            }
            assert!(
                labels.insert(key.clone(), value).is_none(),
                "label {key} twice: {line}"
            );
            match chars.next() {
                Some(',') => continue,
                Some('}') => break,
                o => panic!("unexpected {o:?} in {line}"),
            }
        }
        let value: String = chars.collect();
        assert!(
            value.trim().parse::<f64>().is_ok(),
            "bad value {value:?}: {line}"
        );
        out.push(Series {
            name: name.to_string(),
            labels,
        });
    }
    out
}

/// The label contract (README "Metrics label contract"): every family's label set. `cluster`
/// is additionally on a host's series when the run knows it (`hosts audit` through the REST
/// API); the judged values are checked by the callers.
fn contract(name: &str) -> &'static [&'static str] {
    const CERT: &[&str] = &["scope", "host", "manager", "role", "path", "cn", "serial"];
    const RUN: &[&str] = &["scope", "host", "manager"];
    const RUN_CODE: &[&str] = &["scope", "host", "manager", "code"];
    match name {
        "rhv_pki_cert_not_after_timestamp_seconds"
        | "rhv_pki_cert_not_before_timestamp_seconds"
        | "rhv_pki_cert_renewal_due_timestamp_seconds"
        | "rhv_pki_cert_weak_signature" => CERT,
        "rhv_pki_cert_missing" => &["scope", "host", "manager", "role", "path"],
        "rhv_pki_finding" => &["host", "manager", "role", "path", "code", "severity"],
        "rhv_pki_finding_active" | "rhv_pki_el9_items" => RUN_CODE,
        "rhv_pki_scan_errors"
        | "rhv_pki_scan_errors_total"
        | "rhv_pki_status"
        | "rhv_pki_last_success_timestamp_seconds"
        | "rhv_pki_el9_ready" => RUN,
        other => panic!("{other}: a family the label contract does not name (README)"),
    }
}

/// Checks one series against the contract: exactly the contract's labels (plus `cluster` when
/// `cluster_ok`), `manager` = the Manager's FQDN, `host` never empty.
fn check_contract(s: &Series, manager: &str, cluster_ok: bool, what: &str) {
    let mut want: BTreeSet<&str> = contract(&s.name).iter().copied().collect();
    if cluster_ok && s.labels.contains_key("cluster") {
        want.insert("cluster");
    }
    assert_eq!(s.keys(), want, "{what}: labels of {s:?}");
    assert_eq!(s.get("manager"), Some(manager), "{what}: {s:?}");
    assert!(!s.get("host").unwrap_or("").is_empty(), "{what}: {s:?}");
    if let Some(c) = s.get("cluster") {
        assert!(!c.is_empty(), "{what}: empty cluster in {s:?}");
    }
}

/// ENGINE_FQDN of a sample, from its engine.conf.d.
fn engine_fqdn(root: &Path) -> String {
    let dir = root.join("etc/ovirt-engine/engine.conf.d");
    for e in std::fs::read_dir(&dir).unwrap() {
        let t = std::fs::read_to_string(e.unwrap().path()).unwrap_or_default();
        for l in t.lines() {
            if let Some(v) = l.strip_prefix("ENGINE_FQDN=") {
                return v.trim().trim_matches('"').to_string();
            }
        }
    }
    panic!("no ENGINE_FQDN under {}", dir.display())
}

fn samples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("etc/pki/ovirt-engine").is_dir())
        .collect();
    v.sort();
    assert!(v.len() >= 10, "{v:?}");
    v
}

/// The host a host-file row of the Manager's own PKI belongs to: `certs/<host>.cer`,
/// `certs-qemu/<host>.cer`.
fn host_of_path(path: &str) -> Option<&str> {
    let f = path
        .strip_prefix("certs/")
        .or_else(|| path.strip_prefix("certs-qemu/"))?;
    f.strip_suffix(".cer")
}

#[test]
fn audit_series_carry_the_manager_and_each_host_file_its_host_on_every_sample() {
    for root in samples() {
        let manager = engine_fqdn(&root);
        let tf = tempfile::tempdir().unwrap();
        let o = bin()
            .arg("audit")
            .arg("--root")
            .arg(&root)
            .args(["--at", AT, "--format", "prometheus", "--policy", "el9"])
            .arg("--textfile-dir")
            .arg(tf.path())
            .output()
            .unwrap();
        assert!(matches!(o.status.code(), Some(0..=2)), "{}", text(&o));
        let stdout = String::from_utf8(o.stdout.clone()).unwrap();
        let file = std::fs::read_to_string(tf.path().join("rhv_pki.prom")).unwrap();
        for (what, expo) in [("stdout", &stdout), ("textfile", &file)] {
            let all = series(expo);
            assert!(all.len() > 50, "{}: {what}: {expo}", root.display());
            let what = format!("{} {what}", root.display());
            let mut host_rows = 0;
            for s in &all {
                // `audit` reads only the Manager's PKI directory, which knows no clusters.
                check_contract(s, &manager, false, &what);
                let path = s.get("path").unwrap_or("");
                let hostfile = matches!(s.get("role"), Some("host" | "host-qemu"))
                    .then(|| host_of_path(path))
                    .flatten();
                match hostfile {
                    // A host's file: its host, on the certificate series and the findings alike.
                    Some(h) => {
                        host_rows += 1;
                        assert_eq!(s.get("host"), Some(h), "{what}: {s:?}");
                        if let Some(scope) = s.get("scope") {
                            assert_eq!(scope, "host", "{what}: {s:?}");
                        }
                    }
                    None => assert_eq!(s.get("host"), Some(manager.as_str()), "{what}: {s:?}"),
                }
            }
            // Every sample but the console ones carries host files.
            let name = root.file_name().unwrap().to_str().unwrap();
            if !name.starts_with("console-bad") {
                assert!(host_rows > 0, "{what}: no host rows");
            }
        }
    }
}

/// Regression: a host file's finding was labelled with the Manager as its host, so a
/// `rhv_pki_finding` did not join its certificate's series on `host`.
#[test]
fn a_host_files_finding_joins_its_certificate_series_on_host() {
    let root = fixtures().join("4.2-sha1");
    let o = bin()
        .arg("audit")
        .arg("--root")
        .arg(&root)
        .args(["--at", AT, "--format", "prometheus"])
        .output()
        .unwrap();
    let all = series(&String::from_utf8(o.stdout).unwrap());
    let path = "certs/host1.example.test.cer";
    let f = all
        .iter()
        .find(|s| {
            s.name == "rhv_pki_finding"
                && s.get("path") == Some(path)
                && s.get("code") == Some("sha1-signature")
        })
        .expect("the sample's SHA-1 host certificate has a finding");
    let c = all
        .iter()
        .find(|s| s.name == "rhv_pki_cert_weak_signature" && s.get("path") == Some(path))
        .unwrap();
    assert_eq!(f.get("host"), Some("host1.example.test"));
    assert_eq!(f.get("host"), c.get("host"));
    assert_eq!(f.get("manager"), Some("engine42.example.test"));
}

/// A scenario of `n` hosts over two clusters (host `hI` in `East` when I is even, else
/// `West`); the first host's certificate is SHA-1, the second's has no SAN and expires in 10
/// days, so findings appear.
fn fleet(n: usize) -> String {
    let mut s = String::from("[[clusters]]\nname = \"East\"\n[[clusters]]\nname = \"West\"\n");
    for i in 0..n {
        let cluster = if i.is_multiple_of(2) { "East" } else { "West" };
        s += &format!("[[hosts]]\nname = \"h{i}\"\ncluster = \"{cluster}\"\n");
        if i == 0 {
            s += "cert = { sha1 = true }\n";
        } else if i == 1 {
            s += "cert = { no_san = true, days_left = 10 }\n";
        }
    }
    s
}

fn hosts_audit(sim: &Sim, extra: &[&str]) -> std::process::Output {
    hosts_audit_args(sim.engine_args(), extra)
}

fn hosts_audit_args(engine: Vec<String>, extra: &[&str]) -> std::process::Output {
    bin()
        .args(["hosts", "audit"])
        .args(engine)
        .args(["--probe-timeout", "10"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn hosts_audit_series_carry_manager_host_and_cluster_against_the_simulator() {
    let n = 6;
    let sim = Sim::start("4.5-modern", &fleet(n), 0.01);
    let tf = tempfile::tempdir().unwrap();
    let o = hosts_audit(
        &sim,
        &[
            "--format",
            "prometheus",
            "--policy",
            "el9",
            "--textfile-dir",
            tf.path().to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let stdout = String::from_utf8(o.stdout.clone()).unwrap();
    let file = std::fs::read_to_string(tf.path().join("rhv_pki_hosts.prom")).unwrap();
    let cluster_of = |h: &str| -> String {
        let i: usize = h
            .strip_prefix('h')
            .and_then(|r| r.strip_suffix(".example.test"))
            .and_then(|i| i.parse().ok())
            .unwrap_or_else(|| panic!("unexpected host {h}"));
        if i.is_multiple_of(2) { "East" } else { "West" }.to_string()
    };
    for (what, expo) in [("stdout", &stdout), ("textfile", &file)] {
        let all = series(expo);
        let mut per_host: BTreeMap<String, usize> = BTreeMap::new();
        let mut findings = 0;
        let mut run = 0;
        for s in &all {
            check_contract(s, &sim.fqdn, true, what);
            let host = s.get("host").unwrap();
            if host == sim.fqdn {
                // The run's own series: about the Manager, no cluster.
                assert_eq!(s.get("cluster"), None, "{what}: {s:?}");
                assert_eq!(s.get("scope"), Some("host"), "{what}: {s:?}");
                run += 1;
                continue;
            }
            assert_eq!(
                s.get("cluster"),
                Some(cluster_of(host).as_str()),
                "{what}: {s:?}"
            );
            if s.name == "rhv_pki_finding" {
                findings += 1;
            } else {
                *per_host.entry(host.to_string()).or_default() += 1;
            }
        }
        // Cardinality: 4 certificate series per host, one series per finding, and a fixed
        // set for the run (README: the series count of a Manager with 200 hosts).
        assert_eq!(per_host.len(), n, "{what}: {per_host:?}");
        assert!(per_host.values().all(|c| *c == 4), "{what}: {per_host:?}");
        assert!(findings >= 3, "{what}: {expo}");
        let codes = all
            .iter()
            .filter(|s| s.name == "rhv_pki_finding_active")
            .count();
        assert!(codes >= 40, "{what}");
        // finding_active per code, el9_items per blocking code, then scan errors (2),
        // status, last success, el9_ready.
        let el9_items = all.iter().filter(|s| s.name == "rhv_pki_el9_items").count();
        assert_eq!(run, codes + el9_items + 5, "{what}: {expo}");
        assert_eq!(all.len(), run + 4 * n + findings, "{what}");
    }
}

/// A host whose vdsm does not answer: its finding still names its host, cluster and Manager.
#[test]
fn an_unreachable_hosts_finding_carries_its_host_and_cluster() {
    let sim = Sim::start("4.5-modern", &fleet(4), 0.01);
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let engine: Vec<String> = sim
        .engine_args()
        .into_iter()
        .map(|a| {
            if a.starts_with("h3=") {
                format!("h3=127.0.0.1:{closed}")
            } else {
                a
            }
        })
        .collect();
    assert!(engine
        .iter()
        .any(|a| *a == format!("h3=127.0.0.1:{closed}")));
    let o = hosts_audit_args(engine, &["--format", "prometheus"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let all = series(&String::from_utf8(o.stdout).unwrap());
    for s in &all {
        check_contract(s, &sim.fqdn, true, "unreachable");
    }
    let f = all
        .iter()
        .find(|s| s.name == "rhv_pki_finding" && s.get("code") == Some("endpoint-unreachable"))
        .expect("the unreachable host's finding");
    assert_eq!(f.get("host"), Some("h3.example.test"), "{f:?}");
    assert_eq!(f.get("cluster"), Some("West"), "{f:?}");
    assert_eq!(f.get("role"), Some("host"), "{f:?}");
    // Critical, as the exit code says; role "host" is what the dashboard's "unreachable"
    // selector counts (the Manager's own endpoints have their roles).
    assert_eq!(f.get("severity"), Some("critical"));
}

fn contrib() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib")
}

/// Runs a Prometheus tool (promtool, amtool) in `dir`: (success, stdout + stderr).
fn tool(cmd: &str, dir: &Path, args: &[&str]) -> (bool, String) {
    let o = Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e} (scripts/setup.sh installs it)"));
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[test]
fn federation_config_passes_promtool_and_federates_every_series_with_its_labels() {
    let dir = contrib().join("prometheus");
    let (ok, out) = tool("promtool", &dir, &["check", "config", "federation.yml"]);
    assert!(ok, "promtool check config: {out}");
    // promtool also loaded the alert rules the config names.
    assert!(out.contains("SUCCESS: 1 rule files found"), "{out}");
    assert!(out.contains("rhv-pki.rules.yml"), "{out}");
    let y = std::fs::read_to_string(dir.join("federation.yml")).unwrap();
    let lines: Vec<&str> = y
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .collect();
    for want in [
        "metrics_path: /federate",
        "honor_labels: true",
        "\"match[]\":",
        "- '{__name__=~\"rhv_pki_.*\"}'",
        "- source_labels: [manager]",
        "action: keep",
    ] {
        assert!(lines.contains(&want), "federation.yml lacks {want:?}");
    }
    // The match[] selector takes every family either command writes (the contract's list).
    for root in [fixtures().join("4.2-sha1"), fixtures().join("broken")] {
        let o = bin()
            .arg("audit")
            .arg("--root")
            .arg(&root)
            .args(["--at", AT, "--format", "prometheus", "--policy", "el9"])
            .output()
            .unwrap();
        for s in series(&String::from_utf8(o.stdout).unwrap()) {
            assert!(s.name.starts_with("rhv_pki_"), "{s:?}");
            assert!(s.get("manager").is_some_and(|m| !m.is_empty()), "{s:?}");
        }
    }
}

/// The alert names of the rules file and, per alert, its annotation keys.
fn alert_annotations(rules: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut in_ann = false;
    for l in rules.lines() {
        let t = l.trim();
        if let Some(name) = t.strip_prefix("- alert: ") {
            current = Some(name.trim().to_string());
            out.entry(name.trim().to_string()).or_default();
            in_ann = false;
        } else if t == "annotations:" {
            in_ann = true;
        } else if in_ann && l.starts_with("          ") && t.contains(':') {
            let key = t.split(':').next().unwrap().to_string();
            out.get_mut(current.as_ref().unwrap()).unwrap().insert(key);
        } else if !t.is_empty() && !t.starts_with('#') {
            in_ann = false;
        }
    }
    out
}

#[test]
fn every_alert_has_summary_description_and_a_runbook_that_exists_and_promtool_tests_them() {
    let dir = contrib().join("prometheus");
    let rules = std::fs::read_to_string(dir.join("rhv-pki.rules.yml")).unwrap();
    let runbook = std::fs::read_to_string(dir.join("RUNBOOK.md")).unwrap();
    let tests = std::fs::read_to_string(dir.join("rhv-pki.rules.test.yml")).unwrap();
    let alerts = alert_annotations(&rules);
    assert!(alerts.len() >= 6, "{alerts:?}");
    let anchors: BTreeSet<String> = runbook
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| h.trim().to_lowercase())
        .collect();
    for (name, keys) in &alerts {
        let want: BTreeSet<String> = ["summary", "description", "runbook_url"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(keys, &want, "{name}: annotations");
        let url = format!(
            "runbook_url: \"https://runbooks.example.com/rhv-pki/RUNBOOK.md#{}\"",
            name.to_lowercase()
        );
        assert!(rules.contains(&url), "{name}: {url}");
        assert!(
            anchors.contains(&name.to_lowercase()),
            "{name}: no section in RUNBOOK.md"
        );
        // A promtool case where it fires and all three annotations are compared.
        let fired = tests.split("alertname: ").skip(1).any(|case| {
            case.starts_with(&format!("{name}\n"))
                && case.contains("exp_labels:")
                && case.contains("description:")
                && case.contains(&url)
        });
        assert!(
            fired,
            "{name}: no promtool case fires it with its annotations"
        );
    }
    let (ok, out) = tool("promtool", &dir, &["check", "rules", "rhv-pki.rules.yml"]);
    assert!(ok, "{out}");
    let (ok, out) = tool(
        "promtool",
        &dir,
        &["test", "rules", "rhv-pki.rules.test.yml"],
    );
    assert!(ok, "promtool test rules: {out}");
    // The test cases can fail: a changed description makes promtool say so.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("rhv-pki.rules.yml"),
        rules.replacen(
            "expires within 30 days or has expired: TLS",
            "expires: TLS",
            1,
        ),
    )
    .unwrap();
    std::fs::write(tmp.path().join("rhv-pki.rules.test.yml"), &tests).unwrap();
    let (ok, out) = tool(
        "promtool",
        tmp.path(),
        &["test", "rules", "rhv-pki.rules.test.yml"],
    );
    assert!(
        !ok && out.contains("RhvPkiCertificateExpiryCritical"),
        "{out}"
    );
}

/// (labels, the receiver amtool must resolve them to) — the table atop alertmanager.yml.
const ROUTES: &[(&str, &str)] = &[
    // A critical host alert from cluster Edge of the production Manager: Edge's pager.
    (
        "alertname=RhvPkiCertificateExpiryCritical severity=critical manager=engine-prod.example.com cluster=Edge host=h1.example.com",
        "edge-pager",
    ),
    (
        "alertname=RhvPkiRenewalDue severity=warning manager=engine-prod.example.com cluster=Edge host=h1.example.com",
        "edge-team",
    ),
    // The same critical alert from another cluster, or about the Manager's own certificate.
    (
        "alertname=RhvPkiCertificateExpiryCritical severity=critical manager=engine-prod.example.com cluster=East host=h7.example.com",
        "pki-pager",
    ),
    (
        "alertname=RhvPkiCertificateExpiryCritical severity=critical manager=engine-dr.example.com host=engine-dr.example.com",
        "pki-pager",
    ),
    (
        "alertname=RhvPkiWeakSignature severity=warning manager=engine-prod.example.com host=engine-prod.example.com",
        "pki-team",
    ),
    // A lab Manager never pages, even for a critical alert of cluster Edge.
    (
        "alertname=RhvPkiCertificateExpiryCritical severity=critical manager=engine-lab1.example.com cluster=Edge host=l1.example.com",
        "lab-tickets",
    ),
    (
        "alertname=RhvPkiScanStale severity=warning manager=engine-prod.example.com host=engine-prod.example.com scope=host",
        "monitoring",
    ),
];

fn route(dir: &Path, labels: &str, receiver: &str) -> (bool, String) {
    let mut args = vec!["config", "routes", "test", "--config.file=alertmanager.yml"];
    let verify = format!("--verify.receivers={receiver}");
    args.push(&verify);
    args.extend(labels.split(' '));
    tool("amtool", dir, &args)
}

#[test]
fn alertmanager_config_passes_amtool_and_routes_by_manager_cluster_and_severity() {
    let dir = contrib().join("alertmanager");
    let (ok, out) = tool("amtool", &dir, &["check-config", "alertmanager.yml"]);
    assert!(ok, "amtool check-config: {out}");
    assert!(
        out.contains("SUCCESS") && out.contains("6 receivers"),
        "{out}"
    );
    for (labels, receiver) in ROUTES {
        let (ok, out) = route(&dir, labels, receiver);
        assert!(ok, "{labels} should reach {receiver}: {out}");
        assert_eq!(out.lines().next(), Some(*receiver), "{labels}: {out}");
    }
    // amtool does say no: the Edge pager's alert is not the generic pager's.
    let (ok, out) = route(&dir, ROUTES[0].0, "pki-pager");
    assert!(!ok, "{out}");
    assert!(out.contains("edge-pager"), "{out}");
    // The routes group by the contract's labels, and every receiver is used by a case.
    let y = std::fs::read_to_string(dir.join("alertmanager.yml")).unwrap();
    assert!(y.contains("group_by: [alertname, manager, cluster]"), "{y}");
    let receivers: BTreeSet<&str> = y
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- name: "))
        .collect();
    let used: BTreeSet<&str> = ROUTES.iter().map(|(_, r)| *r).collect();
    assert_eq!(receivers, used);
}

/// Every PromQL expression of the dashboard: (where, expr) — each panel target's `expr` and
/// the selector inside each `label_values(...)` variable query; Grafana's variables replaced
/// by their "All" value (`.*`), as Grafana sends them.
fn dashboard_exprs(d: &serde_json::Value) -> Vec<(String, String)> {
    fn panels(v: &serde_json::Value, out: &mut Vec<(String, String)>) {
        for p in v.as_array().into_iter().flatten() {
            for t in p["targets"].as_array().into_iter().flatten() {
                let e = t["expr"].as_str().unwrap_or_else(|| panic!("no expr: {t}"));
                out.push((format!("{} {}", p["title"], t["refId"]), e.to_string()));
            }
            panels(&p["panels"], out);
        }
    }
    let mut out = Vec::new();
    panels(&d["panels"], &mut out);
    for v in d["templating"]["list"].as_array().unwrap() {
        let q = v["query"]["query"].as_str().or(v["query"].as_str());
        if v["type"] != "query" {
            continue;
        }
        let q = q.unwrap_or_else(|| panic!("variable without query: {v}"));
        let inner = q
            .strip_prefix("label_values(")
            .and_then(|r| r.strip_suffix(')'))
            .and_then(|r| r.rsplit_once(','))
            .map(|(sel, _label)| sel.trim())
            .unwrap_or_else(|| panic!("not label_values(SELECTOR, LABEL): {q}"));
        out.push((format!("variable {}", v["name"]), inner.to_string()));
    }
    for (_, e) in &mut out {
        *e = e.replace("$manager", ".*").replace("$cluster", ".*");
        assert!(
            !e.contains('$'),
            "a Grafana variable promtool cannot see: {e}"
        );
    }
    out
}

fn yaml_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[test]
fn every_dashboard_expression_parses_with_promtool_and_the_key_panels_compute_right() {
    let path = contrib().join("grafana/rhv-pki.json");
    let d: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(d["uid"], "rhv-pki-fleet");
    let exprs = dashboard_exprs(&d);
    assert!(exprs.len() >= 15, "{exprs:?}");
    // Every expression as a recording rule: promtool parses each one.
    let tmp = tempfile::tempdir().unwrap();
    let mut rules = String::from("groups:\n  - name: grafana\n    rules:\n");
    for (i, (_, e)) in exprs.iter().enumerate() {
        rules += &format!(
            "      - record: grafana:expr_{i}\n        expr: {}\n",
            yaml_str(e)
        );
    }
    std::fs::write(tmp.path().join("dash.rules.yml"), &rules).unwrap();
    let (ok, out) = tool(
        "promtool",
        tmp.path(),
        &["check", "rules", "dash.rules.yml"],
    );
    assert!(ok, "{out}\n{rules}");
    assert!(
        out.contains(&format!("SUCCESS: {} rules found", exprs.len())),
        "{out}"
    );
    // promtool refuses a broken expression (the check can fail).
    std::fs::write(
        tmp.path().join("bad.rules.yml"),
        "groups:\n  - name: g\n    rules:\n      - record: x:y\n        expr: 'sum by (code) (rhv_pki_finding'\n",
    )
    .unwrap();
    let (ok, _) = tool("promtool", tmp.path(), &["check", "rules", "bad.rules.yml"]);
    assert!(!ok);

    // The key panels evaluated on a fleet at t = 600 s: Manager m1's hosts h-ok (renewal
    // due in 35 days), h-due (inside its window, 100 days left), h-crit (10 days), h-exp
    // (expired 2 days ago), h-gone and h-mute (unreachable); Manager m2's engine certificate
    // (20 days).
    let expr = |title: &str, ref_id: &str| -> String {
        exprs
            .iter()
            .find(|(w, _)| *w == format!("\"{title}\" \"{ref_id}\""))
            .unwrap_or_else(|| panic!("no panel {title} {ref_id}: {exprs:?}"))
            .1
            .clone()
    };
    let host = |h: &str, na: i64, due: i64| {
        let l = format!(
            "scope=\"host\",host=\"{h}\",cluster=\"East\",manager=\"m1\",role=\"host\",path=\"vdsm\",cn=\"{h}\",serial=\"1\""
        );
        format!(
            "      - series: '{{__name__=\"rhv_pki_cert_not_after_timestamp_seconds\",{l}}}'\n        values: '{na}+0x20'\n      - series: '{{__name__=\"rhv_pki_cert_renewal_due_timestamp_seconds\",{l}}}'\n        values: '{due}+0x20'\n"
        )
    };
    let day = 86_400;
    let mut input = String::new();
    input += &host("h-ok", 600 + 400 * day, 600 + 35 * day);
    input += &host("h-due", 600 + 100 * day, 0);
    input += &host("h-crit", 600 + 10 * day, -600);
    input += &host("h-exp", 600 - 2 * day, -day);
    input += &format!("      - series: 'rhv_pki_cert_not_after_timestamp_seconds{{scope=\"engine\",host=\"m2\",manager=\"m2\",role=\"engine\",path=\"certs/engine.cer\",cn=\"m2\",serial=\"2\"}}'\n        values: '{}+0x20'\n", 600 + 20 * day);
    // h-gone: SSH could not reach it; h-mute: its vdsm did not answer over TLS; the Manager's
    // own websocket-proxy not answering (audit --probe) is not a host.
    for (m, h, role, code, sev) in [
        ("m1", "h-gone", "host", "host-unreachable", "critical"),
        ("m1", "h-mute", "host", "endpoint-unreachable", "critical"),
        (
            "m1",
            "m1",
            "websocket-proxy",
            "endpoint-unreachable",
            "critical",
        ),
        ("m1", "h-due", "host", "sha1-signature", "warning"),
        ("m2", "m2", "engine", "sha1-signature", "warning"),
        ("m1", "h-exp", "host", "expired", "critical"),
    ] {
        input += &format!("      - series: 'rhv_pki_finding{{host=\"{h}\",manager=\"{m}\",role=\"{role}\",path=\"vdsm\",code=\"{code}\",severity=\"{sev}\"}}'\n        values: '1+0x20'\n");
    }
    let cases: Vec<(String, Vec<(&str, f64)>)> = vec![
        (expr("Hosts by state", "A"), vec![("{manager=\"m1\"}", 1.0)]),
        (expr("Hosts by state", "B"), vec![("{manager=\"m1\"}", 1.0)]),
        (expr("Hosts by state", "C"), vec![("{manager=\"m1\"}", 1.0)]),
        (expr("Hosts by state", "D"), vec![("{manager=\"m1\"}", 1.0)]),
        (expr("Hosts by state", "E"), vec![("{manager=\"m1\"}", 2.0)]),
        (
            expr("Findings by code", "A"),
            vec![
                ("{code=\"endpoint-unreachable\"}", 2.0),
                ("{code=\"expired\"}", 1.0),
                ("{code=\"host-unreachable\"}", 1.0),
                ("{code=\"sha1-signature\"}", 2.0),
            ],
        ),
        (
            expr(
                "Days until the soonest certificate expires, per Manager",
                "A",
            ),
            vec![("{manager=\"m1\"}", -2.0), ("{manager=\"m2\"}", 20.0)],
        ),
        (
            expr(
                "Certificates expiring within 30 / 90 / 365 days, per Manager",
                "A",
            ),
            vec![("{manager=\"m1\"}", 2.0), ("{manager=\"m2\"}", 1.0)],
        ),
        (
            expr(
                "Certificates expiring within 30 / 90 / 365 days, per Manager",
                "C",
            ),
            vec![("{manager=\"m1\"}", 3.0), ("{manager=\"m2\"}", 1.0)],
        ),
    ];
    let mut t = String::from(
        "rule_files:\n  - dash.rules.yml\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n",
    );
    t += &input;
    t += "    promql_expr_test:\n";
    for (e, samples) in &cases {
        t += &format!(
            "      - expr: {}\n        eval_time: 10m\n        exp_samples:\n",
            yaml_str(e)
        );
        for (l, v) in samples {
            t += &format!(
                "          - labels: {}\n            value: {v}\n",
                yaml_str(l)
            );
        }
    }
    std::fs::write(tmp.path().join("dash.test.yml"), &t).unwrap();
    let (ok, out) = tool("promtool", tmp.path(), &["test", "rules", "dash.test.yml"]);
    assert!(ok, "promtool test rules: {out}\n{t}");
}

/// A child process killed (and reaped) on drop.
struct Killed(std::process::Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Serves `body` as the answer to every HTTP request on 127.0.0.1 (a node_exporter's textfile
/// collector, as far as a scrape can tell); returns the port.
fn serve(body: String) -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for mut c in l.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = c.read(&mut buf);
            let _ = write!(
                c,
                "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

/// A Prometheus instant query against 127.0.0.1:`port`: the `data.result` array.
fn query(port: u16, q: &str) -> Vec<Value> {
    use std::io::{Read, Write};
    let enc: String = q
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    let Ok(mut c) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return Vec::new();
    };
    let _ = write!(
        c,
        "GET /api/v1/query?query={enc} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
    );
    let mut resp = String::new();
    let _ = c.read_to_string(&mut resp);
    let body = resp.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["data"]["result"].as_array().cloned())
        .unwrap_or_default()
}

/// Polls `q` until `done` says yes (at most a minute: two Prometheus servers scraping every
/// second); the last answer.
fn wait_for(port: u16, q: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let t0 = std::time::Instant::now();
    loop {
        let r = query(port, q);
        if done(&r) || t0.elapsed() > std::time::Duration::from_secs(60) {
            return r;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
}

/// A Prometheus on a free port, returned once it says it is ready. `free_port` lets the port go
/// before Prometheus binds it: if someone else took it meanwhile, Prometheus exits and we try
/// another port.
fn prometheus(dir: &Path, config: &str) -> (Killed, u16) {
    for _ in 0..5 {
        let (mut child, port) = prometheus_once(dir, config);
        let t0 = std::time::Instant::now();
        while t0.elapsed() < std::time::Duration::from_secs(60) {
            let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
            if log.contains("Server is ready to receive web requests") {
                return (child, port);
            }
            if child.0.try_wait().unwrap().is_some() {
                eprintln!("prometheus on port {port} exited: {log}");
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(
            child.0.try_wait().unwrap().is_some(),
            "prometheus on port {port} never became ready"
        );
    }
    panic!("prometheus could not listen on a free port in 5 attempts");
}

fn prometheus_once(dir: &Path, config: &str) -> (Killed, u16) {
    let port = free_port();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    let child = Command::new("prometheus")
        .current_dir(dir)
        .arg(format!(
            "--config.file={}",
            dir.join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("log")).unwrap())
        .spawn()
        .expect("prometheus (scripts/setup.sh installs the prometheus package)");
    (Killed(child), port)
}

/// The shipped federation.yml for real: two Managers' textfiles scraped by a Manager-side
/// Prometheus, federated by a site Prometheus running federation.yml (targets, intervals and
/// the Alertmanager pointed at this machine) with the shipped rules.
#[test]
fn a_site_prometheus_running_federation_yml_gets_every_managers_series_with_their_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let mut nodes = Vec::new();
    for (i, sample) in ["4.2-sha1", "broken"].iter().enumerate() {
        let o = bin()
            .arg("audit")
            .arg("--root")
            .arg(fixtures().join(sample))
            .args(["--at", AT, "--format", "prometheus"])
            .output()
            .unwrap();
        let mut text = String::from_utf8(o.stdout).unwrap();
        if i == 1 {
            // A series breaking the contract (no manager): the site must drop it.
            text += "# TYPE rhv_pki_unlabelled gauge\nrhv_pki_unlabelled 1\n";
        }
        nodes.push(format!("127.0.0.1:{}", serve(text)));
    }
    let mdir = tmp.path().join("manager");
    let (_m, mport) = prometheus(
        &mdir,
        &format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: [{}]\n",
            nodes.join(", ")
        ),
    );
    let contrib = contrib().join("prometheus");
    let sdir = tmp.path().join("site");
    std::fs::create_dir_all(&sdir).unwrap();
    std::fs::copy(
        contrib.join("rhv-pki.rules.yml"),
        sdir.join("rhv-pki.rules.yml"),
    )
    .unwrap();
    let mut fed = std::fs::read_to_string(contrib.join("federation.yml")).unwrap();
    for (from, to) in [
        ("  scrape_interval: 1m\n", "  scrape_interval: 1s\n".to_string()),
        ("  evaluation_interval: 1m\n", "  evaluation_interval: 1s\n".to_string()),
        ("    scrape_interval: 5m\n", "    scrape_interval: 1s\n".to_string()),
        ("    scrape_timeout: 1m\n", "    scrape_timeout: 1s\n".to_string()),
        // Nothing leaves this machine: the Alertmanager is a closed local port.
        ("alertmanager.example.com:9093", format!("127.0.0.1:{}", free_port())),
        (
            "          - prometheus.engine-prod.example.com:9090\n          - prometheus.engine-dr.example.com:9090\n          - prometheus.engine-lab.example.com:9090\n",
            format!("          - 127.0.0.1:{mport}\n"),
        ),
    ] {
        assert!(fed.contains(from), "federation.yml lacks {from:?}");
        fed = fed.replace(from, &to);
    }
    assert!(!fed.contains("example.com"), "{fed}");
    let (_s, sport) = prometheus(&sdir, &fed);

    let managers = wait_for(sport, "count by (manager) (rhv_pki_status)", |r| {
        r.len() == 2
    });
    let log = || std::fs::read_to_string(sdir.join("log")).unwrap_or_default();
    let mut got: Vec<&str> = managers
        .iter()
        .map(|r| r["metric"]["manager"].as_str().unwrap())
        .collect();
    got.sort();
    assert_eq!(
        got,
        ["engine-bad.example.test", "engine42.example.test"],
        "{}",
        log()
    );
    // honor_labels: each series as the Manager's Prometheus has it (job "node", the
    // textfile's instance), with the contract's labels.
    let host = query(
        sport,
        r#"rhv_pki_cert_weak_signature{manager="engine42.example.test",host="host1.example.test"}"#,
    );
    assert_eq!(host.len(), 1, "{host:?}");
    assert_eq!(host[0]["metric"]["job"], "node");
    assert_eq!(host[0]["metric"]["instance"], nodes[0].as_str());
    assert_eq!(host[0]["metric"]["path"], "certs/host1.example.test.cer");
    assert_eq!(host[0]["value"][1], "1");
    // Every federated series names its Manager; the unlabelled one reached the Manager's
    // Prometheus but not the site.
    let total = query(sport, r#"count({__name__=~"rhv_pki_.*"})"#);
    let labelled = query(sport, r#"count({__name__=~"rhv_pki_.*",manager!=""})"#);
    assert_eq!(total[0]["value"][1], labelled[0]["value"][1]);
    let local = query(mport, r#"count({__name__=~"rhv_pki_.*"})"#);
    let n = |v: &Vec<Value>| v[0]["value"][1].as_str().unwrap().parse::<u64>().unwrap();
    assert_eq!(
        n(&local),
        n(&total) + 1,
        "only rhv_pki_unlabelled is dropped"
    );
    assert_eq!(query(mport, "rhv_pki_unlabelled").len(), 1);
    assert!(query(sport, "rhv_pki_unlabelled").is_empty());
    // The site evaluates the shipped rules on the federated series: the SHA-1 host
    // certificate's alert is pending (for: 1h) with its Manager and host.
    let alerts = wait_for(
        sport,
        r#"ALERTS{alertname="RhvPkiWeakSignature",host="host1.example.test"}"#,
        |r| !r.is_empty(),
    );
    assert!(!alerts.is_empty(), "{}", log());
    assert_eq!(alerts[0]["metric"]["manager"], "engine42.example.test");
    assert_eq!(alerts[0]["metric"]["alertstate"], "pending");
}
