//! The real binary over every generated oVirt era and defect (testdata/pki, see its README),
//! with the openssl CLI as the independent judge of signature algorithm, dates, serials, key
//! match and chain.

mod common;
use common::*;

#[test]
fn era_4_2_all_sha1_legacy_p12() {
    let root = scenario("4.2-sha1");
    let (code, doc) = audit_json(root.path(), &[]);
    assert_eq!(code, 1, "SHA-1 everywhere is a WARNING: {}", codes(&doc));
    assert_eq!(doc["meta"]["era"], "4.2-4.3");
    assert_eq!(doc["meta"]["engineFqdn"], "engine42.example.test");
    for f in [
        "ca.pem",
        "certs/engine.cer",
        "certs/jboss.cer",
        "certs/apache.cer",
        "certs/websocket-proxy.cer",
        "certs/imageio-proxy.cer",
        "certs/reports.cer",
        "certs/host1.example.test.cer",
    ] {
        assert_eq!(severity_of(&doc, "sha1-signature", f), "warning", "{f}");
    }
    assert!(has(&doc, "openssl-conf-sha1", "openssl.conf"));
    for e in [
        "engine",
        "jboss",
        "apache",
        "websocket-proxy",
        "imageio-proxy",
        "reports",
    ] {
        assert!(
            has(&doc, "p12-legacy-rc2", &format!("keys/{e}.p12")),
            "{e}: {}",
            codes(&doc)
        );
    }
    // Pre-4.4 host certificates have no SAN.
    assert!(has(&doc, "missing-san", "certs/host1.example.test.cer"));
    // Nothing is broken, just old: no criticals, every key matches, every chain verifies.
    assert_eq!(doc["summary"]["findings"]["critical"], 0, "{}", codes(&doc));
}

#[test]
fn era_4_4_mixed() {
    let root = scenario("4.4-mixed");
    let (code, doc) = audit_json(root.path(), &[]);
    assert_eq!(code, 1, "{}", codes(&doc));
    assert_eq!(doc["meta"]["era"], "4.4");
    assert!(has(&doc, "sha1-signature", "certs/apache.cer"));
    assert!(has(&doc, "sha1-signature", "certs/websocket-proxy.cer"));
    assert!(!has(&doc, "sha1-signature", "ca.pem"));
    assert!(!has(&doc, "sha1-signature", "certs/engine.cer"));
    assert!(has(&doc, "missing-san", "certs/reports.cer"));
    assert!(!has(&doc, "missing-san", "certs/engine.cer"));
    assert!(has(&doc, "web-validity-too-long", "certs/apache.cer"));
    assert!(!has(&doc, "openssl-conf-sha1", "openssl.conf"));
    assert!(
        !doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "p12-legacy-rc2"),
        "3DES p12 is not RC2"
    );
    assert_eq!(doc["summary"]["findings"]["critical"], 0, "{}", codes(&doc));
}

#[test]
fn era_4_5_modern_is_clean() {
    let root = scenario("4.5-modern");
    let (code, doc) = audit_json(root.path(), &["--at", CLEAN_AT]);
    assert_eq!(code, 0, "{}", codes(&doc));
    assert_eq!(doc["summary"]["status"], "OK");
    assert_eq!(doc["meta"]["era"], "4.5");
    let roles: Vec<&str> = doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["role"].as_str().unwrap())
        .collect();
    for r in [
        "ca",
        "qemu-ca",
        "engine",
        "jboss",
        "apache",
        "websocket-proxy",
        "reports",
        "ovn-ndb",
        "ovn-sdb",
        "ovirt-provider-ovn",
        "vmconsole-proxy-helper",
        "vmconsole-proxy-user",
        "vmconsole-proxy-host",
        "host",
        "host-qemu",
    ] {
        assert!(roles.contains(&r), "role {r} missing from {roles:?}");
    }
    // The 398-day web certs are backdated one day by oVirt (399-day span): not flagged.
    assert!(!has(&doc, "web-validity-too-long", "certs/apache.cer"));
    // Backups and openssl-ca copies are inventoried, not judged.
    let inv = doc["inventory"].as_array().unwrap();
    assert!(inv
        .iter()
        .any(|i| i["path"] == "certs/apache.cer.20260601120000" && i["kind"] == "backup"));
    assert!(inv
        .iter()
        .any(|i| i["path"] == "certs/1000.pem" && i["kind"] == "issued-copy"));
    assert!(!roles.iter().any(|r| r.contains("backup")));
    // qemu host certs are checked against qemu-ca, not ca.
    let hq = doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "host-qemu")
        .unwrap();
    assert_eq!(hq["ca"], "qemu-ca");
}

#[test]
fn expiring_and_not_yet_valid() {
    let root = scenario("expiring");
    let (code, doc) = audit_json(root.path(), &[]);
    assert_eq!(code, 2, "{}", codes(&doc));
    assert_eq!(
        severity_of(&doc, "expiring", "certs/apache.cer"),
        "critical"
    );
    assert_eq!(
        severity_of(&doc, "expiring", "certs/websocket-proxy.cer"),
        "warning"
    );
    let f = &findings(&doc, "expiring", "certs/apache.cer")[0];
    assert_eq!(f["daysLeft"], 20);
    assert_eq!(f["thresholdDays"], 30);
    assert_eq!(
        severity_of(&doc, "not-yet-valid", "certs/host3.example.test.cer"),
        "critical"
    );
    // Thresholds are the user's: with --warn-days 10 --crit-days 5 nothing is expiring.
    let (code, doc) = audit_json(root.path(), &["--warn-days", "10", "--crit-days", "5"]);
    assert!(
        !doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "expiring"),
        "{}",
        codes(&doc)
    );
    assert_eq!(code, 2, "not-yet-valid stays critical");
    assert_eq!(doc["meta"]["thresholds"]["warnDays"], 10);
}

#[test]
fn expired_entities_keep_their_rows() {
    let root = scenario("expired");
    let (code, doc) = audit_json(root.path(), &[]);
    assert_eq!(code, 2);
    for p in ["certs/engine.cer", "certs/apache.cer"] {
        assert_eq!(severity_of(&doc, "expired", p), "critical");
    }
    let eng = doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "engine")
        .unwrap();
    assert_eq!(eng["status"], "expired");
    assert!(eng["residualSeconds"].as_i64().unwrap() < 0);
    assert_eq!(eng["action"], "rhv-pki renew engine");
    assert!(doc["summary"]["expired"].as_u64().unwrap() >= 2);
}

#[test]
fn expired_ca() {
    let root = scenario("expired-ca");
    let (code, doc) = audit_json(root.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(severity_of(&doc, "expired", "ca.pem"), "critical");
    assert!(!has(&doc, "expired", "qemu-ca.pem"));
}

#[test]
fn third_party_apache_is_reported_not_broken() {
    let root = scenario("third-party-apache");
    let (code, doc) = audit_json(root.path(), &["--at", CLEAN_AT]);
    assert_eq!(
        severity_of(&doc, "third-party-cert", "certs/apache.cer"),
        "info"
    );
    assert!(
        !has(&doc, "chain-invalid", "certs/apache.cer"),
        "{}",
        codes(&doc)
    );
    assert!(
        !has(&doc, "apache-ca-mismatch", "apache-ca.pem"),
        "{}",
        codes(&doc)
    );
    assert_eq!(code, 0, "{}", codes(&doc));
    let a = doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "apache")
        .unwrap();
    assert_eq!(a["ca"], "apache-ca");
}

#[test]
fn broken_scenario_every_defect_named() {
    let root = scenario("broken");
    let (code, doc) = audit_json(root.path(), &[]);
    assert_eq!(code, 2);
    let expect = [
        ("cer-p12-mismatch", "certs/websocket-proxy.cer", "warning"),
        ("key-mismatch", "keys/apache.key.nopass", "critical"),
        ("unreadable", "certs/reports.cer", "critical"),
        ("p12-unreadable", "keys/jboss.p12", "critical"),
        ("apache-ca-mismatch", "apache-ca.pem", "critical"),
        ("unreadable", "certs/garbage.cer", "warning"),
        ("unsupported-key", "certs/ovirt-provider-ovn.cer", "warning"),
        ("weak-key", "certs/ovn-sdb.cer", "critical"),
        (
            "key-permissions",
            "keys/websocket-proxy.key.nopass",
            "critical",
        ),
        ("ca-copy-mismatch", "certs/ca.der", "warning"),
        ("chain-invalid", "certs/host9.example.test.cer", "critical"),
    ];
    for (c, p, sev) in expect {
        assert_eq!(severity_of(&doc, c, p), sev, "{c} on {p}");
    }
    let trunc = &findings(&doc, "unreadable", "certs/reports.cer")[0];
    assert!(
        trunc["message"].as_str().unwrap().contains("truncated"),
        "{trunc}"
    );
    let pw = &findings(&doc, "p12-unreadable", "keys/jboss.p12")[0];
    assert!(pw["message"].as_str().unwrap().contains("password"), "{pw}");
    let row = |p: &str| {
        doc["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["path"] == p)
            .unwrap()
            .clone()
    };
    // Healthy neighbours stay healthy: one bad file never spreads.
    for p in ["certs/engine.cer", "certs/ovn-ndb.cer", "qemu-ca.pem"] {
        let c = row(p);
        // At AT the 1827-day certificates are inside their 365-day renew window: a warning,
        // and nothing else.
        assert!(c["status"] == "ok" || c["status"] == "warning", "{p}: {c}");
        assert!(
            c["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f == "expiring"),
            "{p}: {c}"
        );
    }
    // A defect on an entity's other file (key, p12, copy) makes that entity's row unhealthy,
    // with only that entity's findings folded in (a dangling apache-ca.pem is apache's).
    let apache = row("certs/apache.cer");
    assert_eq!(apache["status"], "critical", "{apache}");
    assert_eq!(
        apache["findings"],
        serde_json::json!(["key-mismatch", "apache-ca-mismatch"]),
        "{apache}"
    );
    let ca = row("ca.pem");
    assert_eq!(ca["status"], "warning", "{ca}");
    assert_eq!(
        ca["findings"],
        serde_json::json!(["ca-copy-mismatch"]),
        "{ca}"
    );
    assert_eq!(row("certs/jboss.cer")["status"], "critical");
}

#[test]
fn md5_host_cert_in_broken_scenario() {
    let root = scenario("broken");
    let p = pki(root.path()).join("certs/host2.example.test.cer");
    let text = openssl_text(&["x509", "-noout", "-text", "-in", p.to_str().unwrap()]);
    let (_, doc) = audit_json(root.path(), &[]);
    if text.contains("md5WithRSAEncryption") {
        assert_eq!(
            severity_of(&doc, "md5-signature", "certs/host2.example.test.cer"),
            "critical"
        );
    } else {
        assert!(!has(&doc, "md5-signature", "certs/host2.example.test.cer"));
    }
}

/// Every certificate row against `openssl x509`: signature algorithm, serial, notAfter.
#[test]
fn openssl_cli_agrees_with_every_row() {
    let mut checked = 0;
    for s in ["4.2-sha1", "4.4-mixed", "4.5-modern", "expiring", "broken"] {
        let root = scenario(s);
        let (_, doc) = audit_json(root.path(), &[]);
        for c in doc["certificates"].as_array().unwrap() {
            let path = c["path"].as_str().unwrap();
            if path.ends_with(".p12") {
                continue;
            }
            let f = pki(root.path()).join(path);
            let o = openssl_text(&[
                "x509",
                "-noout",
                "-text",
                "-serial",
                "-enddate",
                "-nameopt",
                "RFC2253",
                "-in",
                f.to_str().unwrap(),
            ]);
            let sig = c["signature"]["name"].as_str().unwrap();
            assert!(
                o.contains(&format!("Signature Algorithm: {sig}")),
                "{s}/{path}: {sig} not in openssl output"
            );
            let serial = c["serial"].as_str().unwrap();
            assert!(
                o.lines()
                    .any(|l| l.trim_start_matches("serial=").trim_start_matches('0')
                        == serial.trim_start_matches('0')
                        && l.starts_with("serial=")),
                "{s}/{path}: serial {serial}"
            );
            // notAfter: compare as epoch seconds.
            let na = o.lines().find_map(|l| l.strip_prefix("notAfter=")).unwrap();
            let date = std::process::Command::new("date")
                .args(["-u", "-d", na, "+%s"])
                .output()
                .unwrap();
            let epoch: i64 = String::from_utf8_lossy(&date.stdout)
                .trim()
                .parse()
                .unwrap();
            let ours = time::OffsetDateTime::parse(
                c["notAfter"].as_str().unwrap(),
                &time::format_description::well_known::Rfc3339,
            )
            .unwrap();
            assert_eq!(ours.unix_timestamp(), epoch, "{s}/{path}");
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} rows compared");
}

/// Our chain verdicts against `openssl verify` for every .cer judged against ca.pem / qemu-ca.pem.
#[test]
fn openssl_verify_agrees_with_chain_findings() {
    let mut checked = 0;
    for s in ["4.2-sha1", "4.4-mixed", "4.5-modern", "broken"] {
        let root = scenario(s);
        let dir = pki(root.path());
        let (_, doc) = audit_json(root.path(), &[]);
        for c in doc["certificates"].as_array().unwrap() {
            let path = c["path"].as_str().unwrap();
            if path.ends_with(".p12") || c["role"] == "ca" || c["role"] == "qemu-ca" {
                continue;
            }
            let ca = if c["role"] == "host-qemu" {
                "qemu-ca.pem"
            } else {
                "ca.pem"
            };
            let o = openssl(&[
                "verify",
                "-attime",
                "1793491200",
                "-partial_chain",
                "-CAfile",
                dir.join(ca).to_str().unwrap(),
                dir.join(path).to_str().unwrap(),
            ]);
            let ours_bad = has(&doc, "chain-invalid", path);
            assert_eq!(
                !o.status.success(),
                ours_bad,
                "{s}/{path}: openssl verify says {}",
                String::from_utf8_lossy(&o.stdout) + String::from_utf8_lossy(&o.stderr)
            );
            checked += 1;
        }
    }
    assert!(checked > 30);
}

/// key-mismatch exactly where the moduli differ (openssl x509/rsa -modulus as judge).
#[test]
fn key_match_agrees_with_openssl_modulus() {
    let root = scenario("broken");
    let dir = pki(root.path());
    let (_, doc) = audit_json(root.path(), &[]);
    let mut checked = 0;
    for e in ["apache", "websocket-proxy", "reports", "ovn-ndb"] {
        let key = dir.join(format!("keys/{e}.key.nopass"));
        let cer = dir.join(format!("certs/{e}.cer"));
        let km = openssl_text(&["rsa", "-noout", "-modulus", "-in", key.to_str().unwrap()]);
        let cm = openssl_text(&["x509", "-noout", "-modulus", "-in", cer.to_str().unwrap()]);
        if !cm.starts_with("Modulus=") {
            continue; // unreadable cert (reports is truncated)
        }
        let differ = km.trim() != cm.trim();
        assert_eq!(
            differ,
            has(&doc, "key-mismatch", &format!("keys/{e}.key.nopass")),
            "{e}"
        );
        checked += 1;
    }
    assert!(checked >= 3);
}

#[test]
fn at_moves_the_clock() {
    let root = scenario("4.5-modern");
    // apache/websocket-proxy expire 2027-07-04: 20 days before, they are critical.
    let (code, doc) = audit_json(root.path(), &["--at", "2027-06-14"]);
    assert_eq!(code, 2);
    assert_eq!(
        severity_of(&doc, "expiring", "certs/apache.cer"),
        "critical"
    );
    let (_, doc) = audit_json(root.path(), &["--at", "2027-08-01"]);
    assert!(has(&doc, "expired", "certs/apache.cer"));
}

#[test]
fn table_output_has_rows_findings_and_summary() {
    let root = scenario("expiring");
    let out = run(&["audit", "--root", root.path().to_str().unwrap(), "--at", AT]);
    let t = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2));
    assert!(t.starts_with("ROLE"), "{t}");
    assert!(
        t.contains("apache") && t.contains("20d") && t.contains("rhv-pki renew apache"),
        "{t}"
    );
    assert!(t.contains("CRITICAL: "), "{t}");
    assert!(t.contains("thresholds warn 365d, crit 30d"), "{t}");
    assert!(!t.contains("\x1b["), "no colour when not a terminal");
    let out = run(&[
        "audit",
        "--root",
        root.path().to_str().unwrap(),
        "--at",
        AT,
        "--color",
        "always",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\x1b[31m"));
}

#[test]
fn audit_changes_nothing_on_disk() {
    let root = scenario("broken");
    let before = tree_state(root.path());
    let _ = audit_json(root.path(), &[]);
    assert_eq!(before, tree_state(root.path()));
}

#[test]
fn unknown_owner_and_group_readable_keys() {
    let root = scenario("4.5-modern");
    let dir = pki(root.path());
    use std::os::unix::fs::PermissionsExt;
    let k = dir.join("keys/engine.p12");
    std::os::unix::fs::chown(&k, Some(65534), None).unwrap();
    std::fs::set_permissions(
        dir.join("keys/jboss.p12"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    let (code, doc) = audit_json(root.path(), &[]);
    assert_eq!(severity_of(&doc, "key-owner", "keys/engine.p12"), "warning");
    assert_eq!(
        severity_of(&doc, "key-permissions", "keys/jboss.p12"),
        "warning"
    );
    assert_eq!(code, 1);
}

#[test]
fn p12_password_from_file_or_env_never_argv() {
    let root = scenario("4.5-modern");
    let pwf = root.path().join("pw");
    std::fs::write(&pwf, "wrong-secret-xyz\n").unwrap();
    let (code, doc) = audit_json(root.path(), &["--p12-password-file", pwf.to_str().unwrap()]);
    assert_eq!(code, 2);
    // Wrong for every key store: one finding naming where the password came from (issue 15).
    assert!(has(
        &doc,
        "p12-password-wrong",
        "--p12-password-file / RHV_PKI_P12_PASSWORD"
    ));
    assert!(!has(&doc, "p12-unreadable", "keys/engine.p12"));
    assert!(
        !doc.to_string().contains("wrong-secret-xyz"),
        "password leaked into JSON"
    );
    // The environment variable works too, and the right password opens everything.
    let out = bin()
        .args([
            "audit",
            "--root",
            root.path().to_str().unwrap(),
            "--at",
            CLEAN_AT,
            "--format",
            "json",
        ])
        .env("RHV_PKI_P12_PASSWORD", "mypass")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = bin()
        .args(["audit", "--root", root.path().to_str().unwrap(), "--at", AT])
        .env("RHV_PKI_P12_PASSWORD", "env-secret-abc")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("env-secret-abc"));
    // There is no argv option for it.
    let out = run(&[
        "audit",
        "--root",
        root.path().to_str().unwrap(),
        "--p12-password",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn unusable_pki_dir_is_unknown() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    let out = run(&["audit", "--pki-dir", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nope") && err.contains("PKI directory"),
        "{err}"
    );
    let file = tmp.path().join("f");
    std::fs::write(&file, "x").unwrap();
    let out = run(&["audit", "--pki-dir", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a directory"));
}

#[test]
fn bad_arguments_are_unknown_with_a_message() {
    let root = scenario("4.5-modern");
    let r = root.path().to_str().unwrap();
    for args in [
        vec!["audit", "--root", r, "--at", "someday"],
        vec![
            "audit",
            "--root",
            r,
            "--warn-days",
            "10",
            "--crit-days",
            "20",
        ],
        vec!["audit", "--root", r, "--warn-days", "-1"],
        vec!["audit", "--root", r, "--format", "yaml"],
        vec![
            "audit",
            "--root",
            r,
            "--p12-password-file",
            "/nonexistent/pw",
        ],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn empty_dir_is_audited_not_crashed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&[
        "audit",
        "--pki-dir",
        tmp.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(has(&doc, "missing", "ca.pem"));
    assert!(has(&doc, "missing", "keys/engine.p12"));
}

#[test]
fn pki_dir_alone_finds_engine_conf_beside_it() {
    let root = scenario("4.4-mixed");
    let out = run(&[
        "audit",
        "--pki-dir",
        pki(root.path()).to_str().unwrap(),
        "--at",
        AT,
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["meta"]["engineFqdn"], "engine44.example.test");
}

#[test]
fn json_document_is_versioned_and_complete() {
    let root = scenario("4.5-modern");
    let (_, doc) = audit_json(root.path(), &[]);
    assert_eq!(doc["kind"], "PkiAudit");
    assert_eq!(doc["apiVersion"], "rhv-pki/v1");
    assert_eq!(doc["meta"]["checkedAt"], AT);
    assert!(doc["meta"]["pkiDir"]
        .as_str()
        .unwrap()
        .ends_with("etc/pki/ovirt-engine"));
    let c = &doc["certificates"][0];
    for k in [
        "role",
        "scope",
        "path",
        "subject",
        "issuer",
        "serial",
        "notBefore",
        "notAfter",
        "signature",
        "key",
        "status",
        "residualSeconds",
        "sha256",
        "missing",
    ] {
        assert!(!c[k].is_null(), "field {k} missing in {c}");
    }
}

/// A row that is not ok tells the admin what to do, in every scenario; and a reader's error
/// does not name its file twice (the finding's path already does).
#[test]
fn unhealthy_rows_carry_an_action_and_reasons_name_no_path_twice() {
    let mut unhealthy = 0;
    for name in [
        "4.2-sha1",
        "4.4-mixed",
        "4.5-modern",
        "expiring",
        "expired",
        "expired-ca",
        "third-party-apache",
        "broken",
    ] {
        let root = scenario(name);
        let (_, doc) = audit_json(root.path(), &[]);
        for c in doc["certificates"].as_array().unwrap() {
            if c["status"] == "ok" {
                continue;
            }
            unhealthy += 1;
            let action = c["action"].as_str().unwrap_or("");
            assert!(
                !action.is_empty() && action != "-",
                "{name}: {} is {} without an action",
                c["path"],
                c["status"]
            );
        }
        for f in doc["findings"].as_array().unwrap() {
            let path = f["path"].as_str().unwrap();
            let msg = f["message"].as_str().unwrap();
            assert!(
                !msg.contains(&format!("{path}: ")),
                "{name}: {path}: message repeats the path: {msg}"
            );
        }
    }
    // The scenarios include not-yet-valid, garbage and truncated files.
    assert!(unhealthy >= 20, "only {unhealthy} unhealthy rows");
}

/// A FIFO (or a directory) where a key store, a certificate, openssl.conf, database.txt or
/// serial.txt should be is reported, not read: opening a FIFO for reading blocks until a
/// writer appears, which would hang an audit run by a timer forever.
#[test]
fn fifos_and_directories_are_reported_not_waited_on() {
    let root = scenario("4.5-modern");
    let dir = pki(root.path());
    let fifo = |rel: &str| {
        let p = dir.join(rel);
        std::fs::remove_file(&p).unwrap();
        let st = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .unwrap();
        assert!(st.success());
    };
    for rel in [
        "keys/apache.p12",
        "certs/engine.cer",
        "openssl.conf",
        "database.txt",
        "serial.txt",
    ] {
        fifo(rel);
    }
    std::fs::remove_file(dir.join("keys/jboss.p12")).unwrap();
    std::fs::create_dir(dir.join("keys/jboss.p12")).unwrap();
    std::fs::create_dir(dir.join("certs/dir-host.cer")).unwrap();

    let out = output_within_a_minute(
        bin()
            .args(["audit", "--format", "json", "--at", AT, "--root"])
            .arg(root.path()),
        "audit blocked on a FIFO",
    );
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reason = |path: &str| -> String {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"] == path && f["code"] == "unreadable")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .next()
            .unwrap_or_else(|| panic!("no unreadable finding on {path}"))
    };
    for (path, kind) in [
        ("keys/apache.p12", "a FIFO"),
        ("certs/engine.cer", "a FIFO"),
        ("openssl.conf", "a FIFO"),
        ("database.txt", "a FIFO"),
        ("serial.txt", "a FIFO"),
        ("keys/jboss.p12", "a directory"),
        ("certs/dir-host.cer", "a directory"),
    ] {
        let r = reason(path);
        assert!(r.contains(kind), "{path}: {r}");
    }
    // The other entities are still audited.
    assert!(doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["path"] == "keys/engine.p12" || c["path"] == "certs/websocket-proxy.cer"));
}
