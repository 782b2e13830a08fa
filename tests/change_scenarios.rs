//! `resign`, `renew`, `conf`, `rollback` driven through the real binary on copies of the
//! sample PKIs, with the openssl CLI and keytool as independent judges.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;

/// Every entry of the scenario's etc/ (not rhv-pki's own var/ backups or tmp/ lock dir):
/// path, kind, mode, owner, link target, sha256.
fn state(root: &Path) -> Vec<String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg("find etc -printf '%p %y %m %U:%G %l\\n' | sort; find etc -type f -print0 | sort -z | xargs -0 sha256sum")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn rhv(root: &Path, args: &[&str]) -> Output {
    rhv_env(root, args, &[])
}

fn rhv_env(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = bin();
    c.args(args)
        .arg("--root")
        .arg(root)
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn cert_field(path: &Path, field: &str) -> String {
    openssl_text(&["x509", "-noout", field, "-in", path.to_str().unwrap()])
        .trim()
        .to_string()
}

/// Entities that exist in a scenario (keys/<name>.p12).
fn entities(p: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(p.join("keys"))
        .unwrap()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".p12")
                .map(str::to_string)
        })
        .collect();
    v.sort();
    v
}

fn host_certs(p: &Path, sub: &str) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(p.join(sub)) else {
        return vec![];
    };
    let mut v: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".example.test.cer")
        })
        .collect();
    v.sort();
    v
}

fn verify_ok(ca: &Path, cert: &Path) {
    let o = openssl(&[
        "verify",
        "-CAfile",
        ca.to_str().unwrap(),
        cert.to_str().unwrap(),
    ]);
    assert!(
        o.status.success() && String::from_utf8_lossy(&o.stdout).contains(": OK"),
        "openssl verify {}: {}",
        cert.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The whole runbook on one era, judged by openssl and keytool. `force`: `--all --force`,
/// every CA and entity re-signed even when healthy (without it only a 4.2 PKI, all SHA-1
/// with RC2-40 p12s, is re-signed whole).
fn resign_all_and_judge(name: &str, force: bool) {
    let all: &[&str] = if force {
        &["resign", "--all", "--force"]
    } else {
        &["resign", "--all"]
    };
    let root = scenario(name);
    let p = pki(root.path());
    let orig = pki(&fixtures().join(name));
    let before = state(root.path());
    let names = entities(&p);
    let db_lines_before = std::fs::read_to_string(p.join("database.txt"))
        .unwrap()
        .lines()
        .count();

    let dry = rhv(root.path(), &[all, &["--dry-run"]].concat());
    ok(&dry);
    assert_eq!(state(root.path()), before, "--dry-run changed nothing");
    let plan = String::from_utf8_lossy(&dry.stdout).to_string();

    let o = rhv(root.path(), &[all, &["--yes", "--format", "json"]].concat());
    ok(&o);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["result"]["changed"], true);
    // The plan printed by --dry-run is the plan applied.
    for item in doc["plan"]["items"].as_array().unwrap() {
        let line = format!(
            "{} -> {}",
            item["oldSerial"].as_str().unwrap(),
            item["newSerial"].as_str().unwrap()
        );
        assert!(plan.contains(&line), "{line} not in dry-run plan:\n{plan}");
    }
    let serials: Vec<&str> = doc["plan"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "entity")
        .map(|i| i["newSerial"].as_str().unwrap())
        .collect();
    assert_eq!(serials.len(), names.len(), "every entity re-signed");
    let cas = doc["plan"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "ca")
        .count();
    let expect_cas = ["ca.pem", "qemu-ca.pem"]
        .iter()
        .filter(|c| orig.join(c).exists())
        .count();
    assert_eq!(cas, expect_cas, "every CA re-signed");

    // CA(s): SHA-256, same key, same serial and subject.
    for ca in ["ca.pem", "qemu-ca.pem"] {
        if !orig.join(ca).exists() {
            continue;
        }
        assert_eq!(sig_alg(&p.join(ca)), "sha256WithRSAEncryption", "{ca}");
        for f in ["-modulus", "-serial", "-subject"] {
            assert_eq!(
                cert_field(&p.join(ca), f),
                cert_field(&orig.join(ca), f),
                "{ca} {f}"
            );
        }
        verify_ok(&p.join(ca), &p.join(ca));
    }
    assert_eq!(
        std::fs::read(p.join("certs/ca.der")).unwrap(),
        std::fs::read(p.join("ca.pem")).unwrap(),
        "certs/ca.der is the PEM copy of ca.pem"
    );
    // Entities: SHA-256, same modulus, verify against the new CA, p12 opens without -legacy.
    for n in &names {
        let cer = p.join(format!("certs/{n}.cer"));
        assert_eq!(sig_alg(&cer), "sha256WithRSAEncryption", "{n}");
        assert_eq!(
            cert_field(&cer, "-modulus"),
            cert_field(&orig.join(format!("certs/{n}.cer")), "-modulus"),
            "{n}: key kept"
        );
        assert_eq!(
            cert_field(&cer, "-subject"),
            cert_field(&orig.join(format!("certs/{n}.cer")), "-subject"),
            "{n}: same subject, same order"
        );
        verify_ok(&p.join("ca.pem"), &cer);
        let p12 = p.join(format!("keys/{n}.p12"));
        let info = openssl(&[
            "pkcs12",
            "-in",
            p12.to_str().unwrap(),
            "-passin",
            "pass:mypass",
            "-nokeys",
        ]);
        assert!(
            info.status.success(),
            "{n}: OpenSSL 3 opens the p12 without -legacy: {}",
            String::from_utf8_lossy(&info.stderr)
        );
        let inside = String::from_utf8_lossy(&info.stdout).to_string();
        assert!(!inside.contains("friendlyName"), "{n}: no friendlyName");
        // keytool: the key entry is alias "1", as the engine's config expects.
        let kt = Command::new("keytool")
            .args(["-list", "-storetype", "PKCS12", "-keystore"])
            .arg(&p12)
            .args(["-storepass", "mypass"])
            .output()
            .expect("keytool (scripts/setup.sh installs a JRE)");
        let kts = String::from_utf8_lossy(&kt.stdout);
        assert!(
            kt.status.success() && kts.lines().any(|l| l.starts_with("1, ")),
            "{n}: keytool alias 1:\n{kts}"
        );
        let nopass = p.join(format!("keys/{n}.key.nopass"));
        if nopass.exists() {
            let km = openssl_text(&["rsa", "-noout", "-modulus", "-in", nopass.to_str().unwrap()]);
            assert_eq!(km.trim(), cert_field(&cer, "-modulus"), "{n}: key.nopass");
            let k = std::fs::read_to_string(&nopass).unwrap();
            assert!(
                k.starts_with("Bag Attributes\n"),
                "{n}: oVirt's extract format"
            );
            let c = std::fs::read_to_string(&cer).unwrap();
            assert!(
                c.starts_with("Bag Attributes\n"),
                "{n}: .cer as pkcs12 -nokeys"
            );
        }
    }
    // Old host certificates still verify against the re-signed CAs.
    for h in host_certs(&p, "certs") {
        if name != "broken" {
            verify_ok(&p.join("ca.pem"), &h);
        }
    }
    for h in host_certs(&p, "certs-qemu") {
        verify_ok(&p.join("qemu-ca.pem"), &h);
    }
    // .truststore re-imported: keytool lists the new CA under cacert.
    let ts = Command::new("keytool")
        .args(["-list", "-rfc", "-alias", "cacert", "-keystore"])
        .arg(p.join(".truststore"))
        .args(["-storepass", "mypass"])
        .output()
        .unwrap();
    let pem = String::from_utf8_lossy(&ts.stdout);
    let ca_pem = std::fs::read_to_string(p.join("ca.pem")).unwrap();
    let b64 = |s: &str| -> String {
        s.lines()
            .filter(|l| !l.starts_with("-----") && !l.contains(':') && !l.is_empty())
            .collect()
    };
    assert_eq!(
        b64(&pem[pem.find("-----BEGIN").unwrap()..]),
        b64(&ca_pem),
        ".truststore holds the re-signed CA"
    );
    // database.txt / serial.txt: one V line per new serial, and `openssl ca` still works.
    let db = std::fs::read_to_string(p.join("database.txt")).unwrap();
    assert_eq!(db.lines().count(), db_lines_before + serials.len());
    for s in &serials {
        assert!(
            db.lines().any(|l| l.split('\t').nth(3) == Some(*s)),
            "{s} in database.txt"
        );
        assert!(p.join(format!("certs/{s}.pem")).exists());
    }
    let req = root.path().join("h.req");
    let key = root.path().join("h.key");
    let o = openssl(&[
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key.to_str().unwrap(),
        "-subj",
        "/",
        "-out",
        req.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let out = root.path().join("h.cer");
    let o = Command::new("openssl")
        .args([
            "ca",
            "-batch",
            "-config",
            "openssl.conf",
            "-policy",
            "policy_match",
        ])
        .args([
            "-cert",
            "ca.pem",
            "-keyfile",
            "private/ca.pem",
            "-days",
            "30",
        ])
        .arg("-in")
        .arg(&req)
        .arg("-out")
        .arg(&out)
        .args(["-subj", "/O=example.test/CN=new.example.test"])
        .args(["-extfile", "cert.conf", "-extensions", "v3_ca_san"])
        .env("OVIRT_SAN", "DNS:new.example.test")
        .env("OVIRT_KU", "")
        .env("OVIRT_EKU", "")
        .current_dir(&p)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "openssl ca after resign: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        sig_alg(&out),
        "sha256WithRSAEncryption",
        "openssl.conf fixed"
    );
    // Modes and owners of every pre-existing file are unchanged.
    let after = state(root.path());
    for line in before.iter().filter(|l| l.contains(" f ")) {
        let path = line.split(' ').next().unwrap();
        let meta = |l: &str| l.split(' ').take(4).collect::<Vec<_>>().join(" ");
        let now = after
            .iter()
            .find(|l| l.split(' ').next() == Some(path) && l.contains(" f "))
            .unwrap_or_else(|| panic!("{path} vanished"));
        assert_eq!(meta(now), meta(line), "mode/owner of {path}");
    }
    // The audit agrees: nothing weak left on the Manager side.
    let (_, doc) = audit_json(root.path(), &["--at", "2026-11-23"]);
    for f in doc["findings"].as_array().unwrap() {
        let code = f["code"].as_str().unwrap();
        let path = f["path"].as_str().unwrap();
        assert!(
            !(matches!(
                code,
                "sha1-signature"
                    | "p12-legacy-rc2"
                    | "openssl-conf-sha1"
                    | "chain-invalid"
                    | "key-mismatch"
                    | "cer-p12-mismatch"
            ) && !path.starts_with("certs/host")
                && !path.starts_with("certs-qemu/")),
            "{code} on {path} after resign"
        );
    }
}

#[test]
fn resign_all_4_2_sha1() {
    resign_all_and_judge("4.2-sha1", false);
}

#[test]
fn resign_all_4_4_mixed() {
    resign_all_and_judge("4.4-mixed", true);
}

#[test]
fn resign_all_4_5_modern() {
    resign_all_and_judge("4.5-modern", true);
}

fn plan_json(root: &Path, args: &[&str]) -> serde_json::Value {
    let o = rhv(root, &[args, &["--dry-run", "--format", "json"]].concat());
    ok(&o);
    serde_json::from_slice(&o.stdout).unwrap()
}

fn reason_of<'a>(doc: &'a serde_json::Value, list: &str, name: &str) -> Option<&'a str> {
    doc["plan"][list]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .map(|i| i["reason"].as_str().unwrap())
}

/// `resign --all` on a 4.4 PKI whose CAs are SHA-256 with years left re-signs only what is
/// weak (SHA-1 apache / websocket-proxy, reports without SAN), says why each CA is skipped,
/// asks no host re-enrollment, and leaves both CAs and the truststore byte-identical; with
/// `--force` the CAs are re-signed too.
#[test]
fn resign_all_re_signs_only_what_is_weak_or_due() {
    let root = scenario("4.4-mixed");
    let p = pki(root.path());
    let doc = plan_json(root.path(), &["resign", "--all"]);
    for ca in ["ca", "qemu-ca"] {
        assert!(
            reason_of(&doc, "items", ca).is_none(),
            "{ca} planned: {doc}"
        );
        let why = reason_of(&doc, "skipped", ca).unwrap_or_else(|| panic!("{ca} not skipped"));
        assert!(
            why.contains("already sha256WithRSAEncryption")
                && why.contains("2030-05-30")
                && why.contains("--force"),
            "{ca}: {why}"
        );
    }
    for n in ["apache", "websocket-proxy"] {
        let why = reason_of(&doc, "items", n).unwrap_or_else(|| panic!("{n} not planned"));
        assert!(
            why.starts_with("re-sign with SHA-256") && why.contains("signed sha1WithRSAEncryption"),
            "{n}: {why}"
        );
    }
    let why = reason_of(&doc, "items", "reports").expect("reports planned");
    assert!(why.contains("no subjectAltName"), "reports: {why}");
    let notes = doc["plan"]["notes"].to_string();
    assert!(
        !notes.contains("re-enroll"),
        "no CA change, no re-enrollment: {notes}"
    );
    let keep = [
        "ca.pem",
        "qemu-ca.pem",
        "certs/ca.der",
        "certs/qemu-ca.der",
        ".truststore",
    ]
    .map(|f| std::fs::read(p.join(f)).unwrap());
    let o = rhv(root.path(), &["resign", "--all", "--yes"]);
    ok(&o);
    assert_eq!(
        [
            "ca.pem",
            "qemu-ca.pem",
            "certs/ca.der",
            "certs/qemu-ca.der",
            ".truststore"
        ]
        .map(|f| std::fs::read(p.join(f)).unwrap()),
        keep,
        "CAs and truststore untouched"
    );
    assert_eq!(
        sig_alg(&p.join("certs/apache.cer")),
        "sha256WithRSAEncryption"
    );
    let o = openssl_text(&[
        "x509",
        "-noout",
        "-ext",
        "subjectAltName",
        "-in",
        p.join("certs/reports.cer").to_str().unwrap(),
    ]);
    assert!(o.contains("DNS:engine44.example.test"), "reports SAN: {o}");
    // --force: the healthy CAs are re-signed (keeping key and serial), and the plan says so.
    let forced = plan_json(root.path(), &["resign", "--all", "--force"]);
    let why = reason_of(&forced, "items", "ca").expect("ca forced");
    assert!(
        why.starts_with("--force: already sha256WithRSAEncryption"),
        "{why}"
    );
    assert!(why.contains("notAfter"), "{why}");
}

/// A plan with nothing to do exits 0, says so, and changes nothing (after a forced re-sign
/// everything is fresh SHA-256).
#[test]
fn resign_all_with_nothing_to_do_exits_0_and_says_so() {
    let root = scenario("4.5-modern");
    ok(&rhv(root.path(), &["resign", "--all", "--force", "--yes"]));
    let before = state(root.path());
    for extra in [&["--dry-run"][..], &["--yes"][..]] {
        let o = rhv(root.path(), &[&["resign", "--all"][..], extra].concat());
        ok(&o);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("nothing to do"), "{extra:?}: {}", text(&o));
        assert!(
            out.contains("skipped ca: nothing to fix")
                && out.contains("skipped engine: nothing to fix"),
            "{extra:?}: {}",
            text(&o)
        );
        assert!(
            !out.contains("restart"),
            "{extra:?}: nothing to restart: {}",
            text(&o)
        );
        assert_eq!(state(root.path()), before, "{extra:?} changed something");
    }
    let o = rhv(
        root.path(),
        &["resign", "--all", "--yes", "--format", "json"],
    );
    ok(&o);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["result"]["changed"], false);
    assert_eq!(doc["plan"]["items"].as_array().unwrap().len(), 0);
    assert_eq!(state(root.path()), before);
}

#[test]
fn legacy_p12_becomes_3des_and_modern_stays_aes() {
    for (name, want) in [
        ("4.2-sha1", "pbeWithSHA1And3-KeyTripleDES-CBC"),
        ("4.5-modern", "AES-256-CBC"),
    ] {
        let root = scenario(name);
        ok(&rhv(root.path(), &["resign", "engine", "--yes"]));
        let p12 = pki(root.path()).join("keys/engine.p12");
        let info = openssl_text(&[
            "pkcs12",
            "-info",
            "-noout",
            "-in",
            p12.to_str().unwrap(),
            "-passin",
            "pass:mypass",
        ]);
        assert!(info.contains(want), "{name}: {info}");
        assert!(!info.contains("RC2"), "{name}: {info}");
    }
}

#[test]
fn resigned_extensions_equal_what_openssl_ca_wrote() {
    // 4.5 sample entities were issued by `openssl ca` with oVirt's cert.conf: our re-issue
    // must carry byte-identical extensions (same key, same CA, same profile).
    let root = scenario("4.5-modern");
    ok(&rhv(root.path(), &["resign", "--all", "--force", "--yes"]));
    let p = pki(root.path());
    let orig = pki(&fixtures().join("4.5-modern"));
    let ext = |f: &Path| {
        let t = openssl_text(&["x509", "-noout", "-text", "-in", f.to_str().unwrap()]);
        let s = t.find("X509v3 extensions").unwrap();
        let e = t[s..].find("Signature Algorithm").unwrap();
        t[s..s + e].to_string()
    };
    for n in entities(&p) {
        let f = format!("certs/{n}.cer");
        assert_eq!(ext(&p.join(&f)), ext(&orig.join(&f)), "{n}");
    }
}

#[test]
fn conf_changes_one_line_and_keeps_a_backup() {
    let root = scenario("4.2-sha1");
    let p = pki(root.path());
    let before = std::fs::read_to_string(p.join("openssl.conf")).unwrap();
    let o = rhv(root.path(), &["conf", "--yes"]);
    ok(&o);
    let after = std::fs::read_to_string(p.join("openssl.conf")).unwrap();
    assert_eq!(
        after,
        before.replace("default_md = sha1", "default_md = sha256")
    );
    let backups: Vec<_> = std::fs::read_dir(&p)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("openssl.conf.2")
        })
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(std::fs::read_to_string(backups[0].path()).unwrap(), before);
    // Second run: nothing to do, nothing changed.
    let st = state(root.path());
    let o = rhv(root.path(), &["conf", "--yes"]);
    ok(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("nothing to do"));
    assert_eq!(state(root.path()), st);
}

#[test]
fn every_failing_write_step_leaves_the_pki_byte_identical() {
    let root = scenario("4.2-sha1");
    let before = state(root.path());
    // How many write steps a full run has: count its journal.
    let probe = scenario("4.2-sha1");
    ok(&rhv(probe.path(), &["resign", "--all", "--yes"]));
    let bdir = probe.path().join("var/lib/rhv-pki/backups");
    let id = std::fs::read_dir(&bdir)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let steps = std::fs::read_to_string(id.join("journal"))
        .unwrap()
        .lines()
        .filter(|l| *l != "commit")
        .count();
    assert!(steps > 30, "{steps} steps");
    for n in 1..=steps {
        let o = rhv_env(
            root.path(),
            &["resign", "--all", "--yes"],
            &[("RHV_PKI_FAULT", &format!("fail:{n}"))],
        );
        assert_eq!(o.status.code(), Some(1), "step {n}: {}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("rolled back"),
            "{}",
            text(&o)
        );
        assert_eq!(state(root.path()), before, "after a failure at step {n}");
    }
}

#[test]
fn killed_mid_run_is_undone_by_the_next_run_or_rollback() {
    for n in [1, 2, 9, 20, 37] {
        let root = scenario("4.2-sha1");
        let before = state(root.path());
        let o = rhv_env(
            root.path(),
            &["resign", "--all", "--yes"],
            &[("RHV_PKI_FAULT", &format!("abort:{n}"))],
        );
        assert!(
            o.status.code().is_none(),
            "killed by a signal: {}",
            text(&o)
        );
        let list = rhv(root.path(), &["backups", "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
        let b = &doc["backups"][0];
        assert_eq!(b["state"], "incomplete", "{doc}");
        let id = b["id"].as_str().unwrap().to_string();
        if n % 2 == 1 {
            // The admin rolls back explicitly: byte-identical.
            ok(&rhv(root.path(), &["rollback", &id, "--yes"]));
            assert_eq!(state(root.path()), before, "rollback after kill at {n}");
        } else {
            // Or simply runs again: the interrupted run is undone, then completed.
            let o = rhv(root.path(), &["resign", "--all", "--yes"]);
            ok(&o);
            assert!(
                String::from_utf8_lossy(&o.stdout).contains("recovered"),
                "{}",
                text(&o)
            );
            let p = pki(root.path());
            assert_eq!(
                sig_alg(&p.join("certs/apache.cer")),
                "sha256WithRSAEncryption"
            );
            verify_ok(&p.join("ca.pem"), &p.join("certs/engine.cer"));
            let leftovers: Vec<_> = Command::new("find")
                .arg(&p)
                .args(["-name", "*.rhv-pki-*.tmp"])
                .output()
                .unwrap()
                .stdout;
            assert!(leftovers.is_empty(), "temp files left");
        }
    }
}

#[test]
fn rollback_restores_bytes_modes_and_owners() {
    let root = scenario("4.5-modern");
    let p = pki(root.path());
    // Owners matter: give some files the owners a real Manager has (ovirt = some other uid).
    // SAFETY: geteuid cannot fail.
    if rhv_pki::sys::effective_uid() == 0 {
        // On a real Manager the PKI dir is ovirt:ovirt and serial/database follow it.
        for f in [
            "",
            "keys/websocket-proxy.p12",
            "keys/engine.p12",
            "serial.txt",
            "database.txt",
        ] {
            let st = Command::new("chown")
                .arg("108:108")
                .arg(p.join(f))
                .status()
                .unwrap();
            assert!(st.success());
        }
    }
    let before = state(root.path());
    let applied = rhv(root.path(), &["resign", "--all", "--force", "--yes"]);
    ok(&applied);
    let mid = state(root.path());
    assert_ne!(mid, before);
    // The undo command printed names this tree, so it can be pasted as is.
    let out = text(&applied);
    let undo = out
        .split("(undo: ")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .unwrap_or_else(|| panic!("no undo hint in:\n{out}"))
        .to_string();
    let want = format!("rhv-pki rollback --root {} ", root.path().display());
    assert!(undo.starts_with(&want), "{undo}");
    // Owners survived the change itself.
    for f in ["keys/websocket-proxy.p12", "serial.txt"] {
        let want = before
            .iter()
            .find(|l| l.starts_with(&format!("etc/pki/ovirt-engine/{f} ")))
            .unwrap();
        let got = mid
            .iter()
            .find(|l| l.starts_with(&format!("etc/pki/ovirt-engine/{f} ")))
            .unwrap();
        assert_eq!(
            want.split(' ').take(4).collect::<Vec<_>>(),
            got.split(' ').take(4).collect::<Vec<_>>()
        );
    }
    let o = bin()
        .args(undo.split(' ').skip(1))
        .arg("--yes")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(state(root.path()), before);
    // And the rollback can itself be undone.
    let list = rhv(root.path(), &["backups", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let ids: Vec<&str> = doc["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    ok(&rhv(root.path(), &["rollback", ids[1], "--yes"]));
    assert_eq!(state(root.path()), mid);
}

#[test]
fn a_held_ca_lock_makes_us_wait_or_time_out_untouched() {
    let root = scenario("4.5-modern");
    let p = pki(root.path());
    let before = state(root.path());
    // Another process (like pki-enroll-request.sh) holds the flock on ca.pem until we close
    // its stdin: no timing assumption, however loaded the machine.
    let mut holder = Command::new("flock")
        .arg("-e")
        .arg(p.join("ca.pem"))
        .arg("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let held = || {
        !Command::new("flock")
            .args(["-n", "-s"])
            .arg(p.join("ca.pem"))
            .arg("true")
            .status()
            .unwrap()
            .success()
    };
    while !held() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let o = rhv(
        root.path(),
        &["resign", "--all", "--force", "--yes", "--lock-timeout", "1"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("locked"),
        "{}",
        text(&o)
    );
    assert_eq!(state(root.path()), before);
    assert!(
        !root.path().join("var/lib/rhv-pki/backups").exists()
            || std::fs::read_dir(root.path().join("var/lib/rhv-pki/backups"))
                .unwrap()
                .next()
                .is_none()
    );
    // With a longer timeout we wait for the holder and then do the work: while the lock is
    // held nothing is written; once it is released the run finishes.
    let waiting = bin()
        .args([
            "resign",
            "engine",
            "--yes",
            "--lock-timeout",
            "60",
            "--root",
        ])
        .arg(root.path())
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(held(), "the holder still has the lock");
    assert_eq!(
        state(root.path()),
        before,
        "written while the CA lock was held"
    );
    drop(holder.stdin.take());
    holder.wait().unwrap();
    let o = waiting.wait_with_output().unwrap();
    ok(&o);
    assert_ne!(state(root.path()), before, "the waiting run did its work");
}

#[test]
fn bad_input_is_refused_and_nothing_changes() {
    let root = scenario("4.5-modern");
    let before = state(root.path());
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["resign", "nosuch", "--yes"],
            vec![],
            "unknown certificate name 'nosuch'",
        ),
        (
            vec!["resign", "imageio-proxy", "--yes"],
            vec![],
            "not enrolled",
        ),
        (
            vec!["resign", "--all", "--yes"],
            vec![("RHV_PKI_P12_PASSWORD", "wrong")],
            "keys/engine.p12",
        ),
        (
            vec!["renew", "engine", "--new-key", "--yes"],
            vec![],
            "refusing to rotate the engine key",
        ),
        (vec!["resign", "--all"], vec![], "without --yes"),
        (
            vec!["rollback", "19990101000000", "--yes"],
            vec![],
            "not found",
        ),
    ];
    for (args, env, want) in cases {
        let o = rhv_env(root.path(), &args, &env);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {}", text(&o));
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(
            e.contains(want),
            "{args:?}: wanted '{want}' in {}",
            text(&o)
        );
        assert_eq!(state(root.path()), before, "{args:?} changed something");
    }
    // A mistyped --root is an error for `backups` too, not "(no backups)".
    let o = bin()
        .args(["backups", "--root", "/nonexistent/root"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("/nonexistent/root"), "{}", text(&o));
    // Missing CA key.
    std::fs::remove_file(pki(root.path()).join("private/ca.pem")).unwrap();
    let before = state(root.path());
    let o = rhv(root.path(), &["resign", "--all", "--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("private/ca.pem"),
        "{}",
        text(&o)
    );
    assert_eq!(state(root.path()), before);
}

#[test]
fn third_party_apache_is_left_alone() {
    let root = scenario("third-party-apache");
    let p = pki(root.path());
    let apache = |p: &Path| {
        [
            "certs/apache.cer",
            "keys/apache.p12",
            "keys/apache.key.nopass",
            "apache-ca.pem",
        ]
        .map(|f| std::fs::read(p.join(f)).unwrap())
    };
    let before = apache(&p);
    let st = state(root.path());
    let o = rhv(root.path(), &["resign", "apache", "--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("third-party"),
        "{}",
        text(&o)
    );
    assert_eq!(state(root.path()), st);
    let o = rhv(root.path(), &["resign", "--all", "--yes"]);
    ok(&o);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("skipped apache: third-party"),
        "{}",
        text(&o)
    );
    assert_eq!(apache(&p), before, "apache files untouched");
    assert_eq!(
        sig_alg(&p.join("certs/engine.cer")),
        "sha256WithRSAEncryption"
    );
}

#[test]
fn read_only_pki_dir_is_refused_up_front() {
    let root = scenario("4.5-modern");
    let p = pki(root.path());
    let backups = tempfile::tempdir().unwrap();
    // SAFETY: geteuid cannot fail.
    let as_root = rhv_pki::sys::effective_uid() == 0;
    if as_root {
        // root ignores mode bits: run as an unprivileged owner of the tree instead.
        for d in [root.path(), backups.path()] {
            assert!(Command::new("chown")
                .args(["-R", "65534:65534"])
                .arg(d)
                .status()
                .unwrap()
                .success());
        }
        let _ = Command::new("chmod").arg("755").arg(root.path()).status();
    }
    assert!(Command::new("chmod")
        .arg("a-w")
        .arg(&p)
        .status()
        .unwrap()
        .success());
    let before = state(root.path());
    let mut c = if as_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_rhv-pki"));
        c
    } else {
        bin()
    };
    let o = c
        .args(["resign", "--all", "--yes", "--root"])
        .arg(root.path())
        .arg("--backup-dir")
        .arg(backups.path().join("b"))
        .env_remove("RHV_PKI_P12_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let _ = Command::new("chmod").arg("u+w").arg(&p).status();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not writable"),
        "{}",
        text(&o)
    );
    let _ = Command::new("chmod").arg("a-w").arg(&p).status();
    assert_eq!(state(root.path()), before);
    let _ = Command::new("chmod").arg("u+w").arg(&p).status();
}

#[test]
fn renew_picks_what_is_due_and_new_key_rotates() {
    let root = scenario("expiring");
    let p = pki(root.path());
    let orig = pki(&fixtures().join("expiring"));
    // --within 50: apache (20 d) and websocket-proxy (45 d) only.
    let o = rhv(
        root.path(),
        &["renew", "--within", "50", "--dry-run", "--format", "json"],
    );
    ok(&o);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = doc["plan"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    // Run on 2026-11-22 or later, apache (notAfter 2026-11-21) is already expired: still due.
    assert_eq!(names, ["apache", "websocket-proxy"], "{doc}");
    ok(&rhv(root.path(), &["renew", "--within", "50", "--yes"]));
    let na = cert_field(&p.join("certs/apache.cer"), "-enddate");
    assert_ne!(na, cert_field(&orig.join("certs/apache.cer"), "-enddate"));
    assert_eq!(
        cert_field(&p.join("certs/apache.cer"), "-modulus"),
        cert_field(&orig.join("certs/apache.cer"), "-modulus"),
        "--keep-key is the default"
    );
    // Nothing due any more within 50 days: exit 0, nothing changed.
    let st = state(root.path());
    let o = rhv(root.path(), &["renew", "--within", "50", "--yes"]);
    ok(&o);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("nothing to do"),
        "{}",
        text(&o)
    );
    assert_eq!(state(root.path()), st);
    // --new-key apache: a new key, and key.nopass follows.
    ok(&rhv(
        root.path(),
        &["renew", "apache", "--within", "1000", "--new-key", "--yes"],
    ));
    let m = cert_field(&p.join("certs/apache.cer"), "-modulus");
    assert_ne!(m, cert_field(&orig.join("certs/apache.cer"), "-modulus"));
    let km = openssl_text(&[
        "rsa",
        "-noout",
        "-modulus",
        "-in",
        p.join("keys/apache.key.nopass").to_str().unwrap(),
    ]);
    assert_eq!(km.trim(), m);
}

#[test]
fn renew_of_an_expired_ca_keeps_its_key() {
    let root = scenario("expired-ca");
    let p = pki(root.path());
    let orig = pki(&fixtures().join("expired-ca"));
    let o = rhv(root.path(), &["renew", "ca", "--yes"]);
    ok(&o);
    // The advice fits a CA that already expired: not "before the old CA's notAfter".
    let out = text(&o);
    assert!(out.contains("hosts recover --ssh"), "{out}");
    assert!(!out.contains("before the old CA's notAfter"), "{out}");
    assert_eq!(
        cert_field(&p.join("ca.pem"), "-modulus"),
        cert_field(&orig.join("ca.pem"), "-modulus")
    );
    assert_eq!(
        cert_field(&p.join("ca.pem"), "-serial"),
        cert_field(&orig.join("ca.pem"), "-serial")
    );
    let o = openssl(&[
        "x509",
        "-checkend",
        "86400",
        "-noout",
        "-in",
        p.join("ca.pem").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "the CA is valid again");
    for h in host_certs(&p, "certs") {
        verify_ok(&p.join("ca.pem"), &h);
    }
    verify_ok(&p.join("ca.pem"), &p.join("certs/engine.cer"));
}

#[test]
fn the_4_2_era_lock_directory_is_honoured() {
    let root = scenario("4.2-sha1");
    let lock = lock_dir_as_ovirt_makes_it(root.path());
    let before = state(root.path());
    let mut holder = Command::new("flock")
        .arg("-e")
        .arg(&lock)
        .args(["sleep", "3"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let o = rhv(
        root.path(),
        &["resign", "--all", "--yes", "--lock-timeout", "1"],
    );
    holder.wait().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("ovirt-engine-pki.v2.lock"),
        "{}",
        text(&o)
    );
    assert_eq!(state(root.path()), before);
}

/// Re-signing a SHA-256 CA that outlives the default 3650 days keeps its notAfter (a 4.5 CA
/// has 20 years); `--ca-days` is taken literally; the plan does not claim a SHA-1 → SHA-256
/// change that is not one.
#[test]
fn resign_never_shortens_a_ca_unless_asked() {
    let root = scenario("4.5-modern");
    let p = pki(root.path());
    let ca = p.join("ca.pem");
    let before = cert_field(&ca, "-enddate");
    let dry = rhv(root.path(), &["resign", "--all", "--force", "--dry-run"]);
    ok(&dry);
    let plan = text(&dry);
    assert!(plan.contains("already sha256WithRSAEncryption"), "{plan}");
    assert!(!plan.contains("re-sign with SHA-256"), "{plan}");
    assert!(
        plan.contains("notAfter stays 2042-07-27") && !plan.contains("fresh validity"),
        "{plan}"
    );
    ok(&rhv(root.path(), &["resign", "--all", "--force", "--yes"]));
    assert_eq!(cert_field(&ca, "-enddate"), before);
    assert_eq!(sig_alg(&ca), "sha256WithRSAEncryption");

    ok(&rhv(
        root.path(),
        &["resign", "ca", "--ca-days", "100", "--yes"],
    ));
    let left = |days: i64| {
        let secs = (days * 86_400).to_string();
        openssl(&[
            "x509",
            "-noout",
            "-checkend",
            &secs,
            "-in",
            ca.to_str().unwrap(),
        ])
        .status
        .success()
    };
    assert!(left(99), "valid for 99 more days");
    assert!(!left(101), "but not 101: --ca-days 100 is taken as given");

    // A SHA-1 CA is still said to move to SHA-256.
    let old = scenario("4.2-sha1");
    let plan = text(&rhv(old.path(), &["resign", "--all", "--dry-run"]));
    assert!(
        plan.contains("re-sign with SHA-256 keeping the key: signed sha1WithRSAEncryption"),
        "{plan}"
    );
}

/// After a rollback, the units to restart are this era's: 4.2 has ovirt-imageio-proxy, not
/// the 4.4+ ovirt-imageio.
#[test]
fn rollback_names_the_eras_services() {
    let root = scenario("4.2-sha1");
    ok(&rhv(root.path(), &["resign", "--all", "--yes"]));
    let o = rhv(root.path(), &["rollback", "--yes"]);
    ok(&o);
    let out = text(&o);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("systemctl restart "))
        .unwrap_or_else(|| panic!("no restart line:\n{out}"));
    let units: Vec<&str> = line.split_whitespace().skip(2).collect();
    assert!(units.contains(&"ovirt-imageio-proxy"), "{line}");
    assert!(!units.contains(&"ovirt-imageio"), "{line}");
    assert!(
        units.contains(&"ovirt-engine") && units.contains(&"httpd"),
        "{line}"
    );
}

/// `resign --all` refuses, changing nothing, while an entity's files are broken (it used to
/// re-sign the rest and exit 0); naming the healthy ones still works.
#[test]
fn resign_all_refuses_while_files_are_broken() {
    let root = scenario("4.5-modern");
    let p = pki(root.path());
    std::fs::write(p.join("certs/jboss.cer"), b"garbage\n").unwrap();
    let before = state(root.path());
    let o = rhv(root.path(), &["resign", "--all", "--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = text(&o);
    assert!(
        err.contains("jboss") && err.contains("certs/jboss.cer"),
        "{err}"
    );
    assert_eq!(state(root.path()), before, "nothing changed");
    ok(&rhv(root.path(), &["resign", "apache", "--yes"]));
    verify_ok(&p.join("ca.pem"), &p.join("certs/apache.cer"));
}

/// An openssl.conf that cannot be read (here a FIFO, which would block a plain read) makes
/// `resign` and `conf` refuse, naming the file, with nothing changed; they do not hang, and
/// `resign` does not go on to sign while its promise of SHA-256 in openssl.conf is unkept.
#[test]
fn unreadable_openssl_conf_refuses_without_hanging() {
    let root = scenario("4.4-mixed");
    let conf = pki(root.path()).join("openssl.conf");
    std::fs::remove_file(&conf).unwrap();
    assert!(Command::new("mkfifo")
        .arg(&conf)
        .status()
        .unwrap()
        .success());
    let before = state(root.path());
    for args in [&["resign", "--all"][..], &["conf"][..]] {
        let out = output_within_a_minute(
            bin()
                .args(args)
                .arg("--root")
                .arg(root.path())
                .env_remove("RHV_PKI_P12_PASSWORD")
                .stdin(Stdio::null()),
            &format!("{args:?} blocked on the openssl.conf FIFO"),
        );
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("openssl.conf") && err.contains("FIFO"),
            "{args:?}: {err}"
        );
        assert_eq!(state(root.path()), before, "{args:?} changed something");
    }
}

/// `apache-ca.pem` as a regular-file copy of ca.pem (not the usual symlink) is refreshed in
/// the same transaction as ca.pem, so the next audit finds no apache-ca-mismatch; a
/// third-party CA in it (apache issued externally) is kept, and the plan says why.
#[test]
fn apache_ca_copy_follows_a_re_signed_ca_and_a_third_party_one_stays() {
    let root = scenario("4.2-sha1");
    let p = pki(root.path());
    std::fs::remove_file(p.join("apache-ca.pem")).unwrap();
    std::fs::copy(p.join("ca.pem"), p.join("apache-ca.pem")).unwrap();
    let o = rhv(
        root.path(),
        &["resign", "--all", "--yes", "--format", "json"],
    );
    ok(&o);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        doc["result"]["filesWritten"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "apache-ca.pem"),
        "{doc}"
    );
    assert!(
        !std::fs::symlink_metadata(p.join("apache-ca.pem"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "still a regular file"
    );
    assert_eq!(
        std::fs::read(p.join("apache-ca.pem")).unwrap(),
        std::fs::read(p.join("ca.pem")).unwrap(),
        "apache-ca.pem holds the re-signed CA"
    );
    assert_eq!(sig_alg(&p.join("apache-ca.pem")), "sha256WithRSAEncryption");
    let (_, audit) = audit_json(root.path(), &["--at", "2026-11-23"]);
    assert!(
        !has(&audit, "apache-ca-mismatch", "apache-ca.pem"),
        "{}",
        codes(&audit)
    );
    // The rollback restores the old copy too.
    ok(&rhv(root.path(), &["rollback", "--yes"]));
    assert_eq!(
        std::fs::read(p.join("apache-ca.pem")).unwrap(),
        std::fs::read(pki(&fixtures().join("4.2-sha1")).join("ca.pem")).unwrap()
    );

    // Third-party apache: apache-ca.pem holds the external CA; re-signing ca keeps it.
    let root = scenario("third-party-apache");
    let p = pki(root.path());
    let ext = std::fs::read(p.join("apache-ca.pem")).unwrap();
    let plan = plan_json(root.path(), &["resign", "ca"]);
    let why = reason_of(&plan, "skipped", "apache-ca.pem").expect("apache-ca.pem skipped");
    assert!(
        why.contains("Example Corp Issuing CA") && why.contains("third-party"),
        "{why}"
    );
    ok(&rhv(root.path(), &["resign", "ca", "--yes"]));
    assert_eq!(std::fs::read(p.join("apache-ca.pem")).unwrap(), ext);
    assert_ne!(std::fs::read(p.join("ca.pem")).unwrap(), ext);
    let (_, audit) = audit_json(root.path(), &[]);
    assert!(
        !has(&audit, "apache-ca-mismatch", "apache-ca.pem")
            && has(&audit, "third-party-cert", "certs/apache.cer"),
        "{}",
        codes(&audit)
    );
}

/// What the apply cannot do, the dry run does not promise: `--dry-run` and `--yes` run the one
/// preflight and fail alike, with the same message naming the file, and nothing changes.
#[test]
fn dry_run_fails_where_the_apply_would() {
    type Setup = fn(&Path);
    let cases: &[(&str, &str, Setup)] = &[
        ("database.txt", "larger than", |p| {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(p.join("database.txt"))
                .unwrap();
            f.set_len(200 << 20).unwrap();
        }),
        ("requests/apache.req", "directory", |p| {
            std::fs::remove_file(p.join("requests/apache.req")).unwrap();
            std::fs::create_dir(p.join("requests/apache.req")).unwrap();
        }),
        ("certs/apache.cer", "directory", |p| {
            std::fs::remove_file(p.join("certs/apache.cer")).unwrap();
            std::fs::create_dir(p.join("certs/apache.cer")).unwrap();
        }),
        ("certs/ca.der", "directory", |p| {
            std::fs::remove_file(p.join("certs/ca.der")).unwrap();
            std::fs::create_dir(p.join("certs/ca.der")).unwrap();
        }),
    ];
    for (file, why, setup) in cases {
        let root = scenario("4.2-sha1");
        let p = pki(root.path());
        setup(&p);
        let before = state(root.path());
        let mut errs = Vec::new();
        for mode in ["--dry-run", "--yes"] {
            let o = rhv(root.path(), &["resign", "--all", mode]);
            assert_eq!(o.status.code(), Some(2), "{file} {mode}: {}", text(&o));
            let err = String::from_utf8_lossy(&o.stderr).to_string();
            assert!(
                err.contains(&p.join(file).display().to_string()) && err.contains(why),
                "{file} {mode}: {err}"
            );
            assert_eq!(
                state(root.path()),
                before,
                "{file} {mode} changed something"
            );
            assert!(
                !root.path().join("var/lib/rhv-pki/backups").exists(),
                "{file} {mode}: no backup begun"
            );
            errs.push(err);
        }
        assert_eq!(
            errs[0], errs[1],
            "{file}: same message for the dry run and the apply"
        );
    }
    // `conf` too: an openssl.conf that is a link leaving the PKI dir is written through by
    // neither the dry run nor the apply.
    let root = scenario("4.2-sha1");
    let p = pki(root.path());
    let outside = root.path().join("outside-openssl.conf");
    std::fs::copy(p.join("openssl.conf"), &outside).unwrap();
    std::fs::remove_file(p.join("openssl.conf")).unwrap();
    std::os::unix::fs::symlink(&outside, p.join("openssl.conf")).unwrap();
    let before = state(root.path());
    let outside_before = std::fs::read(&outside).unwrap();
    let mut errs = Vec::new();
    for mode in ["--dry-run", "--yes"] {
        let o = rhv(root.path(), &["conf", mode]);
        assert_eq!(o.status.code(), Some(2), "conf {mode}: {}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(
            err.contains(&p.join("openssl.conf").display().to_string())
                && err.contains("leaves the PKI directory"),
            "conf {mode}: {err}"
        );
        assert_eq!(state(root.path()), before, "conf {mode} changed something");
        errs.push(err);
    }
    assert_eq!(errs[0], errs[1]);
    assert_eq!(std::fs::read(&outside).unwrap(), outside_before);
}

/// README: a `.cer` that cannot be read is refused, never overwritten. `certs/engine.cer` as a
/// FIFO or a 200 MB file: `resign --all` and `resign engine` refuse, naming it, nothing changed.
#[test]
fn unreadable_entity_cer_is_refused_not_overwritten() {
    for kind in ["fifo", "huge"] {
        let root = scenario("4.2-sha1");
        let p = pki(root.path());
        let cer = p.join("certs/engine.cer");
        if kind == "fifo" {
            std::fs::remove_file(&cer).unwrap();
            assert!(Command::new("mkfifo").arg(&cer).status().unwrap().success());
        } else {
            let f = std::fs::OpenOptions::new().write(true).open(&cer).unwrap();
            f.set_len(200 << 20).unwrap();
        }
        let before = state(root.path());
        for args in [
            &["resign", "--all", "--yes"][..],
            &["resign", "engine", "--yes"][..],
        ] {
            let o = output_within_a_minute(
                bin()
                    .args(args)
                    .arg("--root")
                    .arg(root.path())
                    .env_remove("RHV_PKI_P12_PASSWORD")
                    .stdin(Stdio::null()),
                &format!("{kind} {args:?} blocked"),
            );
            assert_eq!(o.status.code(), Some(2), "{kind} {args:?}: {}", text(&o));
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains(&cer.display().to_string())
                    && (err.contains("FIFO") || err.contains("larger than")),
                "{kind} {args:?}: {err}"
            );
            assert_eq!(
                state(root.path()),
                before,
                "{kind} {args:?} changed something"
            );
        }
    }
}

/// ENGINE_FQDN becomes the one dNSName of the web certificates: a value that is not a host
/// name is refused before anything changes, naming the file and showing the value escaped;
/// an IP address literal is accepted and written as `IP:`.
#[test]
fn engine_fqdn_is_validated_before_any_change() {
    let bad: &[&[u8]] = &[
        b"ENGINE_FQDN=engine.example.test,evil.example\n",
        b"ENGINE_FQDN=\"$(touch /tmp/pwned).example\"\n",
        b"ENGINE_FQDN=\"engine\nevil.example\"\n",
        b"ENGINE_FQDN=engine\xff.example.test\n",
        b"ENGINE_FQDN=-engine.example.test\n",
    ];
    for value in bad {
        let root = scenario("4.2-sha1");
        let conf = root
            .path()
            .join("etc/ovirt-engine/engine.conf.d/10-setup-protocols.conf");
        std::fs::write(&conf, value).unwrap();
        let before = state(root.path());
        for mode in ["--dry-run", "--yes"] {
            let o = rhv(root.path(), &["resign", "--all", mode]);
            assert_eq!(o.status.code(), Some(2), "{value:?} {mode}: {}", text(&o));
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains(&conf.display().to_string()) && err.contains("not a valid host name"),
                "{value:?} {mode}: {err}"
            );
            assert!(
                !err.contains('\u{1b}') && err.trim_end().lines().count() == 1,
                "{err:?}"
            );
            assert_eq!(
                state(root.path()),
                before,
                "{value:?} {mode} changed something"
            );
        }
        // The audit says so too, naming the file.
        let (_, doc) = audit_json(root.path(), &[]);
        let f = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "engine-fqdn-unknown")
            .unwrap_or_else(|| panic!("{value:?}: {}", codes(&doc)));
        assert_eq!(f["severity"], "warning");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("10-setup-protocols.conf"),
            "{f}"
        );
    }
    // A Manager addressed by IP: IP:<addr> in the SAN, as oVirt writes it for hosts.
    let root = scenario("4.2-sha1");
    std::fs::write(
        root.path()
            .join("etc/ovirt-engine/engine.conf.d/10-setup-protocols.conf"),
        "ENGINE_FQDN=192.0.2.10\n",
    )
    .unwrap();
    ok(&rhv(root.path(), &["resign", "apache", "--yes"]));
    let san = openssl_text(&[
        "x509",
        "-noout",
        "-ext",
        "subjectAltName",
        "-in",
        pki(root.path()).join("certs/apache.cer").to_str().unwrap(),
    ]);
    assert!(
        san.contains("IP Address:192.0.2.10") && !san.contains("DNS:"),
        "{san}"
    );
}

/// A certificate whose dNSName is not a host name (as an unchecked ENGINE_FQDN produced) is an
/// audit finding, `san-invalid`, on whatever certificate carries it.
#[test]
fn audit_flags_an_invalid_dns_san() {
    let root = scenario("4.5-modern");
    let p = pki(root.path());
    let key = root.path().join("k.pem");
    let out = p.join("certs/host7.example.test.cer");
    let o = openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key.to_str().unwrap(),
        "-subj",
        "/O=example.test/CN=host7.example.test",
        "-days",
        "30",
        "-addext",
        "subjectAltName=DNS:host7.example.test;reboot,DNS:ok.example.test,DNS:*.wild.example.test",
        "-out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (_, doc) = audit_json(root.path(), &[]);
    let f = findings(&doc, "san-invalid", "certs/host7.example.test.cer");
    assert_eq!(f.len(), 1, "{}", codes(&doc));
    let m = f[0]["message"].as_str().unwrap();
    assert!(
        m.contains("host7.example.test;reboot") && m.contains("';'"),
        "{m}"
    );
    // The healthy sample has none.
    let clean = scenario("4.5-modern");
    let (_, doc) = audit_json(clean.path(), &[]);
    assert!(!codes(&doc).contains("san-invalid"), "{}", codes(&doc));
}

// ---- the 4.2–4.4 lock directory: every writer takes it, made as oVirt's script wants it ----

/// `stat -c %F-%u-%g-%a` (the comparison pki-enroll-request.sh 4.2–4.4 makes) and the inode.
fn stat_f_u_g_a(p: &Path) -> (String, String) {
    let o = Command::new("stat")
        .args(["-c", "%F-%u-%g-%a"])
        .arg(p)
        .output()
        .unwrap();
    let i = Command::new("stat")
        .args(["-c", "%i"])
        .arg(p)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&o.stdout).trim().to_string(),
        String::from_utf8_lossy(&i.stdout).trim().to_string(),
    )
}

/// The lock directory the way oVirt's script leaves it: owner, group and mode of `private/`.
fn lock_dir_as_ovirt_makes_it(root: &Path) -> PathBuf {
    let lock = root.join("tmp/ovirt-engine-pki.v2.lock");
    std::fs::create_dir_all(&lock).unwrap();
    let private = pki(root).join("private");
    for (tool, flag) in [("chown", "--reference"), ("chmod", "--reference")] {
        let st = Command::new(tool)
            .arg(format!("{flag}={}", private.display()))
            .arg(&lock)
            .status()
            .unwrap();
        assert!(st.success());
    }
    assert_eq!(stat_f_u_g_a(&lock).0, stat_f_u_g_a(&private).0);
    lock
}

/// An exclusive flock held by this test process until dropped (as an enrollment holds it).
fn hold(p: &Path) -> std::fs::File {
    let f = std::fs::File::open(p).unwrap();
    f.lock().unwrap();
    f
}

fn backup_ids(root: &Path) -> Vec<String> {
    let o = rhv(root, &["backups", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    doc["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_string())
        .collect()
}

fn refused_as_locked(o: &Output) {
    assert_eq!(o.status.code(), Some(2), "{}", text(o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("ovirt-engine-pki.v2.lock") && err.contains("still locked"),
        "{}",
        text(o)
    );
}

/// `rollback` waits for an engine enrollment holding the 4.2–4.4 lock directory and then
/// refuses with nothing changed (no restore, no safety backup), like `resign`.
#[test]
fn rollback_waits_for_the_4_2_lock_directory_and_refuses_untouched() {
    let root = scenario("4.2-sha1");
    ok(&rhv(root.path(), &["resign", "--all", "--yes"]));
    let lock = root.path().join("tmp/ovirt-engine-pki.v2.lock");
    let before = state(root.path());
    let ids = backup_ids(root.path());
    let held = hold(&lock);
    let o = rhv(root.path(), &["rollback", "--yes", "--lock-timeout", "3"]);
    refused_as_locked(&o);
    assert_eq!(state(root.path()), before);
    assert_eq!(backup_ids(root.path()), ids, "no safety backup taken");
    drop(held);
    ok(&rhv(
        root.path(),
        &["rollback", "--yes", "--lock-timeout", "3"],
    ));
    assert_ne!(state(root.path()), before, "restored once the lock is free");
}

/// `conf` (openssl.conf's default_md) is a PKI write too: it waits for the lock directory.
#[test]
fn conf_waits_for_the_4_2_lock_directory_and_refuses_untouched() {
    let root = scenario("4.2-sha1");
    let lock = lock_dir_as_ovirt_makes_it(root.path());
    let before = state(root.path());
    let held = hold(&lock);
    let o = rhv(root.path(), &["conf", "--yes", "--lock-timeout", "2"]);
    refused_as_locked(&o);
    assert_eq!(state(root.path()), before);
    assert!(backup_ids(root.path()).is_empty());
    drop(held);
    let o = rhv(root.path(), &["conf", "--yes", "--lock-timeout", "2"]);
    ok(&o);
    assert!(
        std::fs::read_to_string(pki(root.path()).join("openssl.conf"))
            .unwrap()
            .contains("sha256"),
        "{}",
        text(&o)
    );
}

/// A lock directory made another way than oVirt's script makes it (here 0700 root:root, as
/// rhv-pki used to, with a stray file inside) is replaced, as the script would, by one with
/// the type, owner, group and mode of `private/`.
#[test]
fn the_lock_directory_is_repaired_to_match_private() {
    let root = scenario("4.2-sha1");
    let private = pki(root.path()).join("private");
    let st = Command::new("chown")
        .args(["65534:65534"])
        .arg(&private)
        .status()
        .unwrap();
    assert!(st.success());
    let lock = root.path().join("tmp/ovirt-engine-pki.v2.lock");
    std::fs::create_dir_all(&lock).unwrap();
    std::fs::write(lock.join("stray"), b"x").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&lock, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_ne!(stat_f_u_g_a(&lock).0, stat_f_u_g_a(&private).0);
    ok(&rhv(root.path(), &["resign", "apache", "--yes"]));
    assert_eq!(stat_f_u_g_a(&lock).0, "directory-65534-65534-750");
    assert_eq!(stat_f_u_g_a(&lock).0, stat_f_u_g_a(&private).0);
    assert!(!lock.join("stray").exists(), "rm -fr, as the script does");
}

/// What pki-enroll-request.sh of 4.2–4.4 does before it signs (written from the description
/// in shared/docs/ovirt-pki.md §2.3): accept the lock directory only when `stat %F-%u-%g-%a`
/// equals that of private/, else remove it, `mkdir -m 700` it and give it private/'s owner,
/// group and mode; then flock it (here with a 2 s wait). Exit 3 = the lock was busy.
const ENROLL_LOCK_LOGIC: &str = r#"
lock=$1 private=$2
if [ "$(stat -c %F-%u-%g-%a "$lock" 2>/dev/null)" != "$(stat -c %F-%u-%g-%a "$private/")" ]; then
    echo recreated
    rm -fr "$lock"
    mkdir -m 700 "$lock"
    chown --reference="$private/" "$lock"
    chmod --reference="$private/" "$lock"
fi
flock -e -w 2 "$lock" true || { echo busy; exit 3; }
echo locked
"#;

/// While rhv-pki holds the lock directory (it then waits for ca.pem, held by this test), the
/// engine's own lock logic accepts the directory as it is (same inode, not recreated) and
/// blocks on it: the two never sign at once. With a directory made 0700 root:root the script
/// would recreate it and lock the new inode beside rhv-pki.
#[test]
fn ovirts_enroll_lock_logic_accepts_our_directory_and_waits_for_us() {
    let root = scenario("4.2-sha1");
    let p = pki(root.path());
    let private = p.join("private");
    let st = Command::new("chown")
        .args(["65534:65534"])
        .arg(&private)
        .status()
        .unwrap();
    assert!(st.success());
    let lock = root.path().join("tmp/ovirt-engine-pki.v2.lock");
    let ca_held = hold(&p.join("ca.pem"));
    let mut run = bin()
        .args([
            "resign",
            "apache",
            "--yes",
            "--lock-timeout",
            "120",
            "--root",
        ])
        .arg(root.path())
        .env_remove("RHV_PKI_FAULT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait (bounded) until someone holds the directory: only rhv-pki can.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let free = lock.is_dir()
            && Command::new("flock")
                .args(["-n"])
                .arg(&lock)
                .arg("true")
                .status()
                .unwrap()
                .success();
        if lock.is_dir() && !free {
            break;
        }
        assert!(run.try_wait().unwrap().is_none(), "rhv-pki ended early");
        assert!(
            std::time::Instant::now() < deadline,
            "rhv-pki never took the lock directory"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (meta, inode) = stat_f_u_g_a(&lock);
    assert_eq!(meta, stat_f_u_g_a(&private).0);
    let o = Command::new("bash")
        .arg("-c")
        .arg(ENROLL_LOCK_LOGIC)
        .arg("enroll-lock")
        .arg(&lock)
        .arg(&private)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        o.status.code(),
        Some(3),
        "the script must wait for us: {out}"
    );
    assert_eq!(out.trim(), "busy", "accepted as it is, not recreated");
    assert_eq!(stat_f_u_g_a(&lock).1, inode, "same inode");
    drop(ca_held);
    let o = run.wait_with_output().unwrap();
    ok(&o);
    // And once rhv-pki is done the script gets the very same directory.
    let o = Command::new("bash")
        .arg("-c")
        .arg(ENROLL_LOCK_LOGIC)
        .arg("enroll-lock")
        .arg(&lock)
        .arg(&private)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "locked");
    assert_eq!(stat_f_u_g_a(&lock).1, inode);
}

/// After a kill mid-change, plain `rollback` does not answer "no completed change": it names
/// the incomplete backup and prints the command that undoes it, and changes nothing itself
/// (not even on the way to an older completed change). That command restores byte-identical.
#[test]
fn plain_rollback_names_an_interrupted_change_and_the_command_that_undoes_it() {
    let root = scenario("4.2-sha1");
    ok(&rhv(root.path(), &["conf", "--yes"]));
    let after_conf = state(root.path());
    let o = rhv_env(
        root.path(),
        &["resign", "--all", "--yes"],
        &[("RHV_PKI_FAULT", "abort:9")],
    );
    assert!(o.status.code().is_none(), "killed: {}", text(&o));
    let half = state(root.path());
    assert_ne!(half, after_conf);
    let ids = backup_ids(root.path());
    assert_eq!(ids.len(), 2);
    let incomplete = &ids[1];
    let o = rhv(root.path(), &["rollback", "--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains(&format!("backup {incomplete}")) && err.contains("incomplete"),
        "{err}"
    );
    let cmd = format!(
        "rhv-pki rollback --root {} {incomplete}",
        root.path().display()
    );
    assert!(err.contains(&cmd), "{err}");
    assert_eq!(state(root.path()), half, "the refusal changed nothing");
    assert_eq!(backup_ids(root.path()), ids);
    // The printed command, as printed, undoes the interrupted change.
    let args: Vec<&str> = cmd.split(' ').skip(1).collect();
    let o = bin()
        .args(&args)
        .arg("--yes")
        .env_remove("RHV_PKI_FAULT")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(state(root.path()), after_conf);
}

/// `audit` reports an interrupted change as a critical `interrupted-change` finding naming the
/// backup and the command that undoes it; once undone, the finding is gone.
#[test]
fn audit_reports_an_interrupted_change_with_the_command_that_undoes_it() {
    let root = scenario("4.2-sha1");
    let (_, clean) = audit_json(root.path(), &[]);
    assert!(
        !codes(&clean).contains("interrupted-change"),
        "{}",
        codes(&clean)
    );
    let o = rhv_env(
        root.path(),
        &["resign", "--all", "--yes"],
        &[("RHV_PKI_FAULT", "abort:20")],
    );
    assert!(o.status.code().is_none(), "killed: {}", text(&o));
    let id = backup_ids(root.path()).pop().unwrap();
    let backup = root.path().join("var/lib/rhv-pki/backups").join(&id);
    let path = backup.to_str().unwrap();
    let (code, doc) = audit_json(root.path(), &[]);
    assert_eq!(code, 2, "critical");
    assert_eq!(severity_of(&doc, "interrupted-change", path), "critical");
    let f = findings(&doc, "interrupted-change", path)[0];
    let cmd = format!("rhv-pki rollback --root {} {id}", root.path().display());
    assert_eq!(f["command"], cmd.as_str(), "{f}");
    assert_eq!(f["backup"], id.as_str());
    assert!(f["message"].as_str().unwrap().contains(&cmd), "{f}");
    // The table names it too.
    let t = run(&["audit", "--root", root.path().to_str().unwrap(), "--at", AT]);
    assert!(
        String::from_utf8_lossy(&t.stdout).contains("interrupted-change"),
        "{}",
        text(&t)
    );
    ok(&rhv(root.path(), &["rollback", &id, "--yes"]));
    let (_, after) = audit_json(root.path(), &[]);
    assert!(
        !codes(&after).contains("interrupted-change"),
        "{}",
        codes(&after)
    );
}

/// Plain `rollback` undoes the newest *change*, never a rollback's own safety backup: which
/// one that is comes from the kind recorded in the manifest, not from the reason's wording
/// (reworded here, as a translation would). Backups of older versions, whose manifests have
/// no kind, are still told apart by the wording those versions gave them.
#[test]
fn plain_rollback_skips_safety_backups_by_their_recorded_kind() {
    let root = scenario("4.5-modern");
    let before = state(root.path());
    ok(&rhv(root.path(), &["resign", "--all", "--force", "--yes"]));
    let mid = state(root.path());
    assert_ne!(mid, before);
    ok(&rhv(root.path(), &["rollback", "--yes"]));
    assert_eq!(state(root.path()), before);
    let list = rhv(root.path(), &["backups", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let dir = PathBuf::from(doc["backupDir"].as_str().unwrap());
    let ids: Vec<String> = doc["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    let (change, safety) = (&ids[0], &ids[1]);
    let manifest = |id: &str| dir.join(id).join("manifest.json");
    let read = |id: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(manifest(id)).unwrap()).unwrap()
    };
    let write = |id: &str, v: &serde_json::Value| {
        std::fs::write(manifest(id), serde_json::to_vec_pretty(v).unwrap()).unwrap()
    };
    assert_eq!(read(change)["kind"], serde_json::json!({"type": "change"}));
    assert_eq!(
        read(safety)["kind"],
        serde_json::json!({"type": "beforeRollback", "to": change})
    );
    // The kind decides: the safety backup reworded is still skipped (rolling back to it would
    // bring the resigned state `mid` back; rolling back to the change keeps `before`).
    let mut m = read(safety);
    m["reason"] = serde_json::json!("Sicherung vor dem Zurücksetzen");
    write(safety, &m);
    let o = rhv(root.path(), &["rollback", "--yes"]);
    ok(&o);
    assert!(text(&o).contains(change.as_str()), "{}", text(&o));
    assert_eq!(state(root.path()), before);
    // Old-format backups (made here from these: the kind removed, the old wording kept):
    // the change is still found behind every safety backup.
    let list = rhv(root.path(), &["backups", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let all: Vec<String> = doc["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(all.len(), 3, "{all:?}");
    for id in &all {
        let mut m = read(id);
        let kind = m.as_object_mut().unwrap().remove("kind").unwrap();
        if let Some(to) = kind.get("to") {
            m["reason"] = serde_json::json!(format!("before rollback to {}", to.as_str().unwrap()));
        }
        write(id, &m);
    }
    let o = rhv(root.path(), &["rollback", "--yes"]);
    ok(&o);
    assert!(text(&o).contains(change.as_str()), "{}", text(&o));
    assert_eq!(state(root.path()), before);
}
