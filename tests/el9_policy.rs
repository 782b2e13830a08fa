//! `audit --policy el9` / `hosts audit --policy el9`: one RHEL 9 readiness verdict made of the
//! audit's own finding codes, each item with the command that fixes it. The printed fixes are run
//! as printed (through a pseudo-terminal, which answers the confirmation prompt like an admin)
//! on copies of the samples, and the openssl CLI confirms the result independently.

mod common;
#[path = "common/sshd.rs"]
mod sshd;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{audit_json, openssl, scenario, AT, CLEAN_AT};
use serde_json::Value;

/// `(code, path, fix)` of every item, sorted.
fn items(doc: &Value, key: &str) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = doc["el9"][key]
        .as_array()
        .unwrap_or_else(|| panic!("no el9.{key} in {doc}"))
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_string(),
                i["path"].as_str().unwrap().to_string(),
                i["fix"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn owned(v: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = v
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    v.sort();
    v
}

/// Runs a printed command exactly as printed, in a shell on a pseudo-terminal (`script`), with
/// the rhv-pki under test first on PATH, answering "y" if it asks.
fn run_printed(cmd: &str) -> std::process::Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_rhv-pki")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // The typescript goes to a file of our own (never a device path).
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new("script")
        .args(["-qec", cmd])
        .arg(log.path())
        .env("PATH", path)
        .env("SHELL", "/bin/sh")
        .env_remove("RHV_PKI_P12_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"y\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "`{cmd}` failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn el9_json(root: &Path, at: &str) -> (i32, Value) {
    audit_json(root, &["--policy", "el9", "--at", at])
}

#[test]
fn el9_modern_sample_is_ready_and_the_exit_code_stays_the_audits() {
    let root = common::fixtures().join("4.5-modern");
    let (code, doc) = el9_json(&root, CLEAN_AT);
    assert_eq!(doc["el9"]["version"], "rhv-pki/el9/v1");
    assert_eq!(doc["el9"]["ready"], true, "{}", doc["el9"]);
    assert_eq!(doc["el9"]["items"].as_array().unwrap().len(), 0);
    assert_eq!(doc["el9"]["notes"].as_array().unwrap().len(), 0);
    assert_eq!((code, doc["summary"]["exitCode"].as_i64()), (0, Some(0)));
    // At AT its 1827-day certificates are inside the 365-day window: WARNING, yet READY —
    // the verdict is about RHEL 9, the exit code is still the audit's.
    let (code, doc) = el9_json(&root, AT);
    assert_eq!(doc["el9"]["ready"], true);
    assert_eq!((code, doc["summary"]["exitCode"].as_i64()), (1, Some(1)));

    let out = common::run(&[
        "audit",
        "--root",
        root.to_str().unwrap(),
        "--at",
        CLEAN_AT,
        "--policy",
        "el9",
        "--color",
        "never",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.trim_end().ends_with("EL9 readiness: READY"), "{text}");
    assert_eq!(out.status.code(), Some(0));
    // Without --policy nothing changes.
    let (_, plain) = audit_json(&root, &["--at", CLEAN_AT]);
    assert!(plain.get("el9").is_none());
}

#[test]
fn el9_sha1_sample_lists_every_blocker_with_its_fix() {
    let tmp = scenario("4.2-sha1");
    let root = tmp.path();
    let r = root.to_str().unwrap();
    let (code, doc) = el9_json(root, AT);
    assert_eq!(doc["el9"]["ready"], false);
    let resign = |n: &str| format!("rhv-pki resign {n} --root {r}");
    let mut want = Vec::new();
    for n in [
        "apache",
        "engine",
        "imageio-proxy",
        "jboss",
        "reports",
        "websocket-proxy",
    ] {
        want.push((
            "sha1-signature".to_string(),
            format!("certs/{n}.cer"),
            resign(n),
        ));
        want.push((
            "p12-legacy-rc2".to_string(),
            format!("keys/{n}.p12"),
            resign(n),
        ));
    }
    want.push((
        "openssl-conf-sha1".into(),
        "openssl.conf".into(),
        format!("rhv-pki conf --root {r}"),
    ));
    want.sort();
    assert_eq!(items(&doc, "items"), want);
    // Not blocking: the CA's own SHA-1 self-signature (a trust anchor) and the Manager's copy
    // of a host certificate (hosts audit judges the host).
    assert_eq!(
        items(&doc, "notes"),
        owned(&[
            ("sha1-signature", "ca.pem", &resign("ca")),
            (
                "sha1-signature",
                "certs/host1.example.test.cer",
                &format!("rhv-pki hosts enroll --only-needed --root {r}"),
            ),
        ])
    );
    // Items carry the subject and a reason; the codes are the audit's findings.
    let first = &doc["el9"]["items"][0];
    assert!(
        first["subject"].as_str().unwrap().contains("CN="),
        "{first}"
    );
    for i in doc["el9"]["items"].as_array().unwrap() {
        assert!(common::has(
            &doc,
            i["code"].as_str().unwrap(),
            i["path"].as_str().unwrap()
        ));
    }
    assert_eq!((code, doc["summary"]["exitCode"].as_i64()), (1, Some(1)));

    let out = common::run(&[
        "audit", "--root", r, "--at", AT, "--policy", "el9", "--color", "never",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\nEL9 readiness: NOT READY (13 items)\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!("fix: {}", resign("jboss"))),
        "{text}"
    );
    // The commands to run: configuration first, each once.
    let tail = text.split("To be ready, run:\n").nth(1).unwrap();
    let cmds: Vec<&str> = tail.lines().map(str::trim).collect();
    assert_eq!(cmds.len(), 7, "{tail}");
    assert_eq!(cmds[0], format!("rhv-pki conf --root {r}"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn el9_printed_fixes_work_as_printed_one_by_one() {
    let tmp = scenario("4.2-sha1");
    let root = tmp.path();
    let pki = common::pki(root);
    let (_, doc) = el9_json(root, AT);
    let mut fixes: Vec<String> = Vec::new();
    for i in doc["el9"]["items"].as_array().unwrap() {
        let f = i["fix"].as_str().unwrap().to_string();
        if !fixes.contains(&f) {
            fixes.push(f);
        }
    }
    assert_eq!(fixes.len(), 7);
    let mut left = items(&doc, "items");
    for fix in &fixes {
        run_printed(fix);
        let (_, after) = el9_json(root, AT);
        let now = items(&after, "items");
        // Its items are gone, nothing new appeared (a resign also fixes openssl.conf).
        assert!(
            !now.iter().any(|(_, _, f)| f == fix),
            "after `{fix}`: {now:?}"
        );
        assert!(
            now.iter().all(|i| left.contains(i)),
            "after `{fix}`: {now:?}"
        );
        assert!(now.len() < left.len() || !left.iter().any(|(_, _, f)| f == fix));
        left = now;
    }
    assert!(left.is_empty(), "{left:?}");
    let (_, done) = el9_json(root, AT);
    assert_eq!(done["el9"]["ready"], true, "{}", done["el9"]);

    // Independently: OpenSSL 3 opens the key stores without the legacy provider, and the
    // certificates verify at RHEL 9's security level (2) against the CA (itself still SHA-1:
    // a trust anchor's own signature is not judged).
    for n in ["apache", "engine", "jboss", "websocket-proxy"] {
        let p12 = pki.join(format!("keys/{n}.p12"));
        let o = openssl(&[
            "pkcs12",
            "-in",
            p12.to_str().unwrap(),
            "-nokeys",
            "-passin",
            "pass:mypass",
        ]);
        assert!(
            o.status.success(),
            "{n}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let cer = pki.join(format!("certs/{n}.cer"));
        let o = openssl(&[
            "verify",
            "-auth_level",
            "2",
            "-CAfile",
            pki.join("ca.pem").to_str().unwrap(),
            cer.to_str().unwrap(),
        ]);
        assert!(
            o.status.success(),
            "{n}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let conf = std::fs::read_to_string(pki.join("openssl.conf")).unwrap();
    assert!(conf.contains("default_md = sha256"), "{conf}");
}

#[test]
fn el9_conf_and_resign_all_make_the_sha1_sample_ready() {
    let tmp = scenario("4.2-sha1");
    let root = tmp.path();
    let r = root.to_str().unwrap();
    // Before: the SHA-1 leaf does not verify at security level 2 (what RHEL 9 DEFAULT sets).
    let pki = common::pki(root);
    // At `at` (Unix seconds; None = now: re-signed certificates start a day before the run).
    let verify = |name: &str, at: Option<&str>| {
        let mut args = vec!["verify", "-auth_level", "2"];
        if let Some(t) = at {
            args.extend(["-attime", t]);
        }
        let ca = pki.join("ca.pem");
        let leaf = pki.join(name);
        let (ca, leaf) = (
            ca.to_str().unwrap().to_string(),
            leaf.to_str().unwrap().to_string(),
        );
        args.extend(["-CAfile", &ca, &leaf]);
        openssl(&args)
    };
    // AT = 2026-11-01 (the fixtures' judging time), when the 4.2 certificates are valid.
    let before = verify("certs/engine.cer", Some("1793491200"));
    assert!(!before.status.success());
    assert!(
        String::from_utf8_lossy(&before.stdout).contains("too weak")
            || String::from_utf8_lossy(&before.stderr).contains("too weak")
    );
    for args in [
        vec!["conf", "--root", r, "--yes"],
        vec!["resign", "--all", "--root", r, "--yes"],
    ] {
        let o = common::run(&args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let out = common::run(&["audit", "--root", r, "--policy", "el9", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["el9"]["ready"], true, "{}", doc["el9"]);
    // What is left is the Manager's copy of host1's certificate: a note for hosts audit.
    let notes = items(&doc, "notes");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].1, "certs/host1.example.test.cer");
    // The exit code is the audit's (host1's warnings), as documented.
    assert_eq!(
        out.status.code().map(i64::from),
        doc["summary"]["exitCode"].as_i64()
    );
    assert!(verify("certs/engine.cer", None).status.success());
    assert!(verify("ca.pem", None).status.success());
}

#[test]
fn el9_prometheus_and_nagios() {
    let old = common::fixtures().join("4.2-sha1");
    let new = common::fixtures().join("4.5-modern");
    let prom = |root: &Path, at: &str| {
        let out = common::run(&[
            "audit",
            "--root",
            root.to_str().unwrap(),
            "--at",
            at,
            "--policy",
            "el9",
            "--format",
            "prometheus",
        ]);
        String::from_utf8(out.stdout).unwrap()
    };
    let text = prom(&old, AT);
    let mut check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    check
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let res = check.wait_with_output().unwrap();
    assert!(
        res.status.success(),
        "promtool: {}{}",
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
    let me = "scope=\"engine\",host=\"engine42.example.test\",manager=\"engine42.example.test\"";
    assert!(
        text.contains(&format!("rhv_pki_el9_ready{{{me}}} 0\n")),
        "{text}"
    );
    for (code, n) in [
        ("sha1-signature", 6),
        ("p12-legacy-rc2", 6),
        ("openssl-conf-sha1", 1),
        ("weak-key", 0),
        ("md5-signature", 0),
    ] {
        let line = format!("rhv_pki_el9_items{{{me},code=\"{code}\"}} {n}\n");
        assert!(text.contains(&line), "{line} not in {text}");
    }
    assert!(prom(&new, CLEAN_AT).contains("rhv_pki_el9_ready{scope=\"engine\",host=\"engine45.example.test\",manager=\"engine45.example.test\"} 1\n"));

    let nagios = |root: &Path, at: &str| {
        common::run(&[
            "audit",
            "--root",
            root.to_str().unwrap(),
            "--at",
            at,
            "--policy",
            "el9",
            "--format",
            "nagios",
        ])
    };
    let o = nagios(&old, AT);
    let line = String::from_utf8_lossy(&o.stdout);
    assert!(
        line.starts_with(
            "WARNING: EL9 NOT READY (13 items: openssl-conf-sha1, p12-legacy-rc2, sha1-signature); "
        ),
        "{line}"
    );
    assert!(line.trim_end().ends_with(" 'el9_items'=13;0;;0;"), "{line}");
    assert_eq!(o.status.code(), Some(1));
    let o = nagios(&new, CLEAN_AT);
    let line = String::from_utf8_lossy(&o.stdout);
    assert!(line.starts_with("OK: EL9 READY; "), "{line}");
    assert!(line.trim_end().ends_with(" 'el9_items'=0;0;;0;"), "{line}");
    assert_eq!(o.status.code(), Some(0));

    // The textfile carries the verdict too.
    let dir = tempfile::tempdir().unwrap();
    let o = common::run(&[
        "audit",
        "--root",
        old.to_str().unwrap(),
        "--at",
        AT,
        "--policy",
        "el9",
        "--textfile-dir",
        dir.path().to_str().unwrap(),
        "--color",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let file = std::fs::read_to_string(dir.path().join("rhv_pki.prom")).unwrap();
    assert!(file.contains(&format!("rhv_pki_el9_ready{{{me}}} 0\n")));
}

#[test]
fn el9_default_md_sha1_in_other_openssl_configs_is_an_item_with_a_working_fix() {
    let tmp = scenario("4.5-modern");
    let root = tmp.path();
    let pki = common::pki(root);
    let conf = pki.join("cacert.conf");
    let orig = std::fs::read_to_string(&conf).unwrap();
    let bad = orig.replacen("[req]\n", "[req]\ndefault_md = sha1\n", 1);
    assert_ne!(bad, orig, "no [req] section in {}", conf.display());
    std::fs::write(&conf, &bad).unwrap();
    let (code, doc) = el9_json(root, CLEAN_AT);
    let it = items(&doc, "items");
    assert_eq!(it.len(), 1, "{it:?}");
    assert_eq!(
        (it[0].0.as_str(), it[0].1.as_str()),
        ("openssl-conf-sha1", "cacert.conf")
    );
    assert!(it[0].2.starts_with("sed -i "), "{}", it[0].2);
    assert_eq!(code, 1);
    run_printed(&it[0].2);
    assert_eq!(
        std::fs::read_to_string(&conf).unwrap(),
        bad.replacen("default_md = sha1", "default_md = sha256", 1)
    );
    let (code, doc) = el9_json(root, CLEAN_AT);
    assert_eq!(doc["el9"]["ready"], true, "{}", doc["el9"]);
    assert_eq!(code, 0);
}

#[test]
fn el9_vmconsole_certificate_signed_ssh_rsa_is_an_item() {
    let tmp = scenario("console");
    let root = tmp.path();
    let pki = common::pki(root);
    let (_, doc) = el9_json(root, AT);
    assert!(
        !items(&doc, "items")
            .iter()
            .any(|i| i.1.starts_with("certs/vmconsole")),
        "rsa-sha2-512 is fine: {:?}",
        items(&doc, "items")
    );
    // Re-sign the host certificate with the CA key as old ssh-keygen did: ssh-rsa (SHA-1).
    let work = tempfile::tempdir().unwrap();
    let key = work.path().join("ca");
    std::fs::copy(pki.join("private/ca.pem"), &key).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let pubkey = work.path().join("vmconsole-proxy-host.pub");
    std::fs::copy(pki.join("certs/vmconsole-proxy-host.pub"), &pubkey).unwrap();
    let o = Command::new("ssh-keygen")
        .args(["-s", key.to_str().unwrap(), "-t", "ssh-rsa", "-h"])
        .args([
            "-I",
            "engine-con.example.test",
            "-n",
            "engine-con.example.test",
        ])
        .args(["-V", "20220731000000:20270802000000"])
        .arg(&pubkey)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::copy(
        work.path().join("vmconsole-proxy-host-cert.pub"),
        pki.join("certs/vmconsole-proxy-host-cert.pub"),
    )
    .unwrap();
    let (_, doc) = el9_json(root, AT);
    let hit: Vec<_> = items(&doc, "items")
        .into_iter()
        .filter(|i| i.1 == "certs/vmconsole-proxy-host-cert.pub")
        .collect();
    assert_eq!(hit.len(), 1, "{}", doc["el9"]);
    assert_eq!(hit[0].0, "sha1-signature");
    assert!(
        hit[0].2.contains("pki-enroll-openssh-cert.sh"),
        "{}",
        hit[0].2
    );
    // The audit itself says it, with the same code.
    let f = common::findings(
        &doc,
        "sha1-signature",
        "certs/vmconsole-proxy-host-cert.pub",
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["algorithm"], "ssh-rsa");
}

/// `hosts audit --ssh --policy el9`: host1 healthy but its vmconsole host certificate signed
/// ssh-rsa; host2's certificates signed SHA-1 (the Manager's openssl.conf said sha1 when it was
/// enrolled). Items are the hosts' own files, fixes reach them the way the audit did.
#[test]
fn el9_hosts_audit_ssh_lists_sha1_host_certificates_and_ssh_rsa_vmconsole() {
    let manager = scenario("4.5-modern");
    let pki = common::pki(manager.path());
    let hosts = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make-test-host.sh");
    let make = |name: &str| {
        let o = Command::new("bash")
            .arg(&script)
            .arg(&pki)
            .arg(hosts.path().join(name))
            .arg(name)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    make("host1.example.test");
    let conf = pki.join("openssl.conf");
    let orig = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(
        &conf,
        orig.replace("default_md = sha256", "default_md = sha1"),
    )
    .unwrap();
    make("host2.example.test");
    std::fs::write(&conf, &orig).unwrap();
    // host1's vmconsole files, the host certificate signed by the CA key with ssh-rsa.
    let vc = hosts
        .path()
        .join("host1.example.test/etc/pki/ovirt-vmconsole");
    std::fs::create_dir_all(&vc).unwrap();
    let work = tempfile::tempdir().unwrap();
    let cakey = work.path().join("ca");
    std::fs::copy(pki.join("private/ca.pem"), &cakey).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cakey, std::fs::Permissions::from_mode(0o600)).unwrap();
    let capub = Command::new("ssh-keygen")
        .args(["-y", "-f", cakey.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(capub.status.success());
    std::fs::write(vc.join("ca.pub"), &capub.stdout).unwrap();
    sshd::keygen(&vc.join("host-ssh_host_rsa"), "rsa");
    let o = Command::new("ssh-keygen")
        .args(["-s", cakey.to_str().unwrap(), "-t", "ssh-rsa", "-h"])
        .args(["-I", "host1.example.test", "-n", "host1.example.test"])
        .args(["-V", "20250301000000:20300302000000"])
        .arg(vc.join("host-ssh_host_rsa.pub"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // host1's vdsm CA copy: the same CA key and subject, self-signed with SHA-1 (what a CA
    // renewal on an OpenSSL 1.0 Manager left): a trust anchor, so a note, not an item.
    let copy = hosts
        .path()
        .join("host1.example.test/etc/pki/vdsm/certs/cacert.pem");
    let o = openssl(&[
        "x509",
        "-in",
        pki.join("ca.pem").to_str().unwrap(),
        "-signkey",
        cakey.to_str().unwrap(),
        "-sha1",
        "-days",
        "3650",
        "-out",
        copy.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let server = sshd::Sshd::start();
    let known = server.known_hosts();
    let spec = |h: &str| format!("{h}=127.0.0.1:{}", server.port);
    let prefix = format!("{}/{{host}}", hosts.path().display());
    let run = |format: &str| {
        common::bin()
            .args(["hosts", "audit", "--ssh", "--root"])
            .arg(manager.path())
            .arg("--ssh-key")
            .arg(&server.client_key)
            .arg("--known-hosts")
            .arg(&known)
            .args(["--host-prefix", &prefix])
            .args(["--host", &spec("host1.example.test")])
            .args(["--host", &spec("host2.example.test")])
            .args(["--at", CLEAN_AT, "--policy", "el9", "--format", format])
            .env_remove("SSH_AUTH_SOCK")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = run("json");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let el9 = &doc["el9"];
    assert_eq!(el9["ready"], false, "{el9:#}");
    let list = el9["items"].as_array().unwrap();
    let of = |host: &str| -> Vec<&Value> { list.iter().filter(|i| i["host"] == host).collect() };
    // host2: every copy of its SHA-1 vdsm certificate, fixed by recover over SSH as audited.
    let h2 = of("host2.example.test");
    let paths: Vec<&str> = h2.iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("/etc/pki/vdsm/certs/vdsmcert.pem")),
        "{paths:?}"
    );
    let m = manager.path().display();
    for i in &h2 {
        assert_eq!(i["code"], "sha1-signature", "{i}");
        let fix = i["fix"].as_str().unwrap();
        assert!(
            fix.starts_with(&format!(
                "rhv-pki hosts recover --ssh --root {m} --ssh-key "
            )),
            "{fix}"
        );
        assert!(
            fix.contains(&format!(" --host {}", spec("host2.example.test"))),
            "{fix}"
        );
        assert!(fix.contains(" --host-prefix "), "{fix}");
    }
    // host1: only its vmconsole certificate, re-issued by Enroll Certificate.
    let h1 = of("host1.example.test");
    assert_eq!(h1.len(), 1, "{el9:#}");
    assert_eq!(h1[0]["code"], "sha1-signature");
    assert!(h1[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("/etc/pki/ovirt-vmconsole/host-ssh_host_rsa-cert.pub"));
    assert_eq!(
        h1[0]["fix"],
        format!("rhv-pki hosts enroll --host host1.example.test --root {m}")
    );
    assert_eq!(list.len(), h1.len() + h2.len());
    // The SHA-1 self-signed CA copy is a note, fixed on the host (never `resign ca`).
    let notes = el9["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{el9:#}");
    assert_eq!(notes[0]["code"], "sha1-signature");
    assert_eq!(notes[0]["host"], "host1.example.test");
    assert!(notes[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("/etc/pki/vdsm/certs/cacert.pem"));
    assert!(
        notes[0]["fix"]
            .as_str()
            .unwrap()
            .starts_with("rhv-pki hosts recover --ssh --root "),
        "{}",
        notes[0]["fix"]
    );
    assert!(out.status.code().unwrap() >= 1);
    assert_eq!(
        out.status.code().map(i64::from),
        Some(doc["summary"]["exitCode"].as_i64().unwrap().max(1))
    );

    let out = run("table");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("EL9 readiness: NOT READY ({} items)", list.len())),
        "{text}"
    );
    let out = run("prometheus");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("rhv_pki_el9_ready{scope=\"host\",host=\"localhost\",manager=\"localhost\"} 0\n")
            || text.contains("rhv_pki_el9_ready{scope=\"host\",host=\"engine45.example.test\",manager=\"engine45.example.test\"} 0\n"),
        "{text}"
    );
    let mut check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    check
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let res = check.wait_with_output().unwrap();
    assert!(
        res.status.success(),
        "promtool: {}{}",
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
    let out = run("nagios");
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(line.contains(": EL9 NOT READY ("), "{line}");
    assert!(!line.starts_with("OK"), "{line}");
}

/// `hosts audit --policy el9` over TLS (the Manager simulator): a host whose vdsm serves a
/// SHA-1 certificate is an item whose printed fix — `hosts enroll --only-needed` with the
/// options the audit reached the Manager and vdsm with — re-enrolls it; then READY.
#[test]
fn el9_hosts_audit_tls_fix_works_as_printed_against_the_simulator() {
    let scenario = r#"
[[clusters]]
name = "Default"

[[hosts]]
name = "host1"
cert = { sha1 = true }
[[hosts]]
name = "host2"
spm = true
"#;
    let sim = common::sim::Sim::start("4.5-modern", scenario, 0.01);
    let audit = || {
        let o = common::bin()
            .args(["hosts", "audit", "--policy", "el9", "--format", "json"])
            .args(sim.engine_args())
            .env_remove("RHV_PKI_ENGINE_PASSWORD")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        });
        (o.status.code(), doc)
    };
    let (code, doc) = audit();
    let el9 = &doc["el9"];
    assert_eq!(el9["ready"], false, "{el9:#}");
    let list = el9["items"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{el9:#}");
    assert_eq!(list[0]["code"], "sha1-signature");
    assert_eq!(list[0]["host"], "host1.example.test");
    let fix = list[0]["fix"].as_str().unwrap();
    let root = sim.root.path().display().to_string();
    assert!(
        fix.starts_with(&format!(
            "rhv-pki hosts enroll --only-needed --root {root} --engine-url {} --connect-to 127.0.0.1:{} --password-file ",
            sim.url(),
            sim.port
        )),
        "{fix}"
    );
    assert!(code.unwrap() >= 1);

    let out = run_printed(fix);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("host1: done"), "{text}");
    let (code, doc) = audit();
    assert_eq!(doc["el9"]["ready"], true, "{:#}", doc["el9"]);
    assert_eq!(
        code.map(i64::from),
        doc["summary"]["exitCode"].as_i64(),
        "READY: the exit code is the audit's"
    );
    // Independently: what host1's vdsm serves now is SHA-256 and verifies at level 2.
    let ep = sim
        .vdsm_endpoints()
        .into_iter()
        .find(|(n, _)| n.starts_with("host1"))
        .unwrap()
        .1;
    let o = Command::new("openssl")
        .args([
            "s_client",
            "-connect",
            &ep,
            "-servername",
            "host1.example.test",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let pem = String::from_utf8_lossy(&o.stdout).into_owned();
    let a = pem
        .find("-----BEGIN CERTIFICATE-----")
        .expect("no cert served");
    let b = pem.find("-----END CERTIFICATE-----").unwrap() + 25;
    let f = sim.root.path().join("served-host1.pem");
    std::fs::write(&f, &pem[a..b]).unwrap();
    let text = common::openssl_text(&["x509", "-noout", "-text", "-in", f.to_str().unwrap()]);
    assert!(text.contains("sha256WithRSAEncryption"), "{text}");
    let v = openssl(&[
        "verify",
        "-auth_level",
        "2",
        "-CAfile",
        sim.pki().join("ca.pem").to_str().unwrap(),
        f.to_str().unwrap(),
    ]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
}

/// RSA < 2048 is an item (broken sample: ovn-sdb RSA-1024) whose printed fix, `renew --new-key`,
/// works as printed; the MD5-signed copy of a host certificate stays a note for hosts audit.
#[test]
fn el9_weak_key_is_an_item_fixed_by_the_printed_renew() {
    let tmp = scenario("broken");
    let root = tmp.path();
    let r = root.to_str().unwrap();
    let (_, doc) = el9_json(root, CLEAN_AT);
    assert_eq!(
        items(&doc, "items"),
        owned(&[(
            "weak-key",
            "certs/ovn-sdb.cer",
            &format!("rhv-pki renew --new-key ovn-sdb --root {r}")
        )])
    );
    let notes = items(&doc, "notes");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(
        (notes[0].0.as_str(), notes[0].1.as_str()),
        ("md5-signature", "certs/host2.example.test.cer")
    );
    let fix = doc["el9"]["items"][0]["fix"].as_str().unwrap().to_string();
    run_printed(&fix);
    let (_, after) = el9_json(root, CLEAN_AT);
    assert_eq!(after["el9"]["ready"], true, "{}", after["el9"]);
    let text = common::openssl_text(&[
        "x509",
        "-noout",
        "-text",
        "-in",
        common::pki(root)
            .join("certs/ovn-sdb.cer")
            .to_str()
            .unwrap(),
    ]);
    assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
}

/// systemctl stand-in on the test host: records the call, restarts the TLS server for vdsmd.
const SHIM: &str = r#"#!/bin/sh
root=$RHV_TEST_HOST_ROOT
echo "$*" >> "$root/systemctl.log"
if [ "$1" = restart ] && [ "$2" = vdsmd ]; then
  if [ -s "$root/vdsm.pid" ]; then kill "$(cat "$root/vdsm.pid")" 2>/dev/null; sleep 0.2; fi
  sh "$root/start-vdsm.sh"
fi
exit 0
"#;

/// A vdsm stand-in (`openssl s_server` on the host's vdsmcert/vdsmkey), stopped by its pid.
/// Security level 0: at OpenSSL 3's default level the SHA-1 certificate is refused outright
/// ("ca md too weak"), which is the very thing the verdict is about.
struct Vdsm {
    root: std::path::PathBuf,
    port: u16,
}

impl Vdsm {
    fn start(root: &Path) -> Vdsm {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        let script = format!(
            "cd {r}; setsid openssl s_server -quiet -www -cipher DEFAULT:@SECLEVEL=0 -accept 127.0.0.1:{port} -cert {r}/etc/pki/vdsm/certs/vdsmcert.pem -key {r}/etc/pki/vdsm/keys/vdsmkey.pem </dev/null >/dev/null 2>&1 &\necho $! > {r}/vdsm.pid\n",
            r = root.display()
        );
        std::fs::write(root.join("start-vdsm.sh"), script).unwrap();
        assert!(Command::new("sh")
            .arg(root.join("start-vdsm.sh"))
            .status()
            .unwrap()
            .success());
        let t = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(t.elapsed().as_secs() < 10, "s_server did not start");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Vdsm {
            root: root.to_path_buf(),
            port,
        }
    }

    /// What it serves now, written to `out` (PEM).
    fn served(&self, name: &str, out: &Path) {
        let o = Command::new("openssl")
            .args(["s_client", "-connect", &format!("127.0.0.1:{}", self.port)])
            .args(["-servername", name])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let pem = String::from_utf8_lossy(&o.stdout).into_owned();
        let a = pem
            .find("-----BEGIN CERTIFICATE-----")
            .expect("no cert served");
        let b = pem.find("-----END CERTIFICATE-----").unwrap() + 25;
        std::fs::write(out, &pem[a..b]).unwrap();
    }
}

impl Drop for Vdsm {
    fn drop(&mut self) {
        // The server this test started (possibly restarted by the shim), by its pid.
        if let Ok(p) = std::fs::read_to_string(self.root.join("vdsm.pid")) {
            let _ = Command::new("kill").arg(p.trim()).status();
        }
    }
}

/// `hosts audit --ssh --policy el9`: the printed `hosts recover --ssh …` (with the SSH options,
/// hosts and vdsm port the audit used) re-issues host2's SHA-1 certificate, restarts vdsm and
/// the host is READY; what vdsm serves then verifies at RHEL 9's security level.
#[test]
fn el9_hosts_audit_ssh_fix_works_as_printed() {
    let manager = scenario("4.5-modern");
    let pki = common::pki(manager.path());
    let hosts = tempfile::tempdir().unwrap();
    let r2 = hosts.path().join("host2.example.test");
    std::fs::create_dir_all(&r2).unwrap();
    let shim = hosts.path().join("bin");
    std::fs::create_dir_all(&shim).unwrap();
    std::fs::write(shim.join("systemctl"), SHIM).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        shim.join("systemctl"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make-test-host.sh");
    let make = |name: &str| {
        let o = Command::new("bash")
            .arg(&script)
            .arg(&pki)
            .arg(hosts.path().join(name))
            .arg(name)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    make("host1.example.test");
    let conf = pki.join("openssl.conf");
    let orig = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(
        &conf,
        orig.replace("default_md = sha256", "default_md = sha1"),
    )
    .unwrap();
    make("host2.example.test");
    std::fs::write(&conf, &orig).unwrap();
    let vdsm = Vdsm::start(&r2);
    let server = sshd::Sshd::start_with(sshd::SshdOptions {
        set_env: vec![
            (
                "PATH".to_string(),
                format!("{}:/usr/bin:/bin:/usr/sbin:/sbin", shim.display()),
            ),
            ("RHV_TEST_HOST_ROOT".to_string(), r2.display().to_string()),
        ],
        ..Default::default()
    });
    let known = server.known_hosts();
    let spec = |h: &str| format!("{h}=127.0.0.1:{}", server.port);
    let prefix = format!("{}/{{host}}", hosts.path().display());
    let audit = || {
        let o = common::bin()
            .args(["hosts", "audit", "--ssh", "--root"])
            .arg(manager.path())
            .arg("--ssh-key")
            .arg(&server.client_key)
            .arg("--known-hosts")
            .arg(&known)
            .args(["--host-prefix", &prefix])
            .args(["--host", &spec("host1.example.test")])
            .args(["--host", &spec("host2.example.test")])
            .args(["--vdsm-port", &vdsm.port.to_string()])
            .args(["--policy", "el9", "--format", "json"])
            .env_remove("SSH_AUTH_SOCK")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        });
        (o.status.code(), doc)
    };
    let (_, doc) = audit();
    let el9 = &doc["el9"];
    assert_eq!(el9["ready"], false, "{el9:#}");
    let list = el9["items"].as_array().unwrap();
    assert!(!list.is_empty());
    assert!(
        list.iter().all(|i| i["host"] == "host2.example.test"),
        "{el9:#}"
    );
    let fix = list[0]["fix"].as_str().unwrap().to_string();
    assert!(
        list.iter().all(|i| i["fix"] == fix.as_str()),
        "one fix for the host: {el9:#}"
    );
    assert!(
        fix.ends_with(&format!(" --vdsm-port {}", vdsm.port)),
        "{fix}"
    );
    let out = run_printed(&fix);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("host2.example.test"), "{text}");
    let log = std::fs::read_to_string(r2.join("systemctl.log")).unwrap();
    assert!(log.contains("restart"), "{log}");
    let (code, doc) = audit();
    assert_eq!(doc["el9"]["ready"], true, "{:#}", doc["el9"]);
    assert_eq!(code.map(i64::from), doc["summary"]["exitCode"].as_i64());
    let served = hosts.path().join("served.pem");
    vdsm.served("host2.example.test", &served);
    let t = common::openssl_text(&["x509", "-noout", "-text", "-in", served.to_str().unwrap()]);
    assert!(t.contains("sha256WithRSAEncryption"), "{t}");
    let v = openssl(&[
        "verify",
        "-auth_level",
        "2",
        "-CAfile",
        pki.join("ca.pem").to_str().unwrap(),
        served.to_str().unwrap(),
    ]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
}
