//! What the Manager depends on beyond the X.509 files (issue 15, coverage): the vmconsole
//! proxy's OpenSSH certificates, `.truststore` (JKS and PKCS#12), and the key store password
//! the engine really uses. Real binary on fixtures made by `scripts/gen-fixtures.sh`; ssh-keygen
//! and keytool are the oracles and make the variants.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn row<'a>(doc: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == path)
        .unwrap_or_else(|| panic!("no row for {path}; findings: {}", codes(doc)))
}

/// SHA-256 fingerprint of the OpenSSH form of `ca.pem`'s key, as ssh-keygen prints it.
fn ca_ssh_fingerprint(root: &Path) -> String {
    let key = root.join("ca-key-copy");
    std::fs::copy(pki(root).join("private/ca.pem"), &key).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let pubkey = tool("ssh-keygen", &["-y", "-f", key.to_str().unwrap()]);
    let pubfile = root.join("ca-key-copy.pub");
    std::fs::write(&pubfile, pubkey).unwrap();
    let l = tool("ssh-keygen", &["-l", "-f", pubfile.to_str().unwrap()]);
    l.split_whitespace().nth(1).unwrap().to_string()
}

const HOST_SSH: &str = "certs/vmconsole-proxy-host-cert.pub";
const USER_SSH: &str = "certs/vmconsole-proxy-user-cert.pub";

#[test]
fn vmconsole_ssh_certs_are_rows_and_an_expired_user_cert_is_critical() {
    let t = scenario("console");
    let (code, doc) = audit_json(t.path(), &[]);
    // ssh-keygen's own reading of the files.
    let l = tool(
        "ssh-keygen",
        &["-L", "-f", pki(t.path()).join(USER_SSH).to_str().unwrap()],
    );
    assert!(l.contains("to 2026-09-29T00:00:00"), "{l}");
    let user = row(&doc, USER_SSH);
    assert_eq!(user["role"], "vmconsole-proxy-user-ssh");
    assert_eq!(user["status"], "expired");
    assert_eq!(user["notAfter"], "2026-09-29T00:00:00Z");
    assert_eq!(user["san"], serde_json::json!(["ovirt-vmconsole-proxy"]));
    // The rhv-pki command that re-issues it (tests/vmconsole_actions.rs runs it).
    assert_eq!(user["action"], "rhv-pki renew vmconsole-proxy-user");
    assert_eq!(severity_of(&doc, "expired", USER_SSH), "critical");
    let host = row(&doc, HOST_SSH);
    // 274 days left at AT: inside the Manager's 365-day window for non-web certificates.
    assert_eq!(host["status"], "warning", "{}", codes(&doc));
    assert_eq!(severity_of(&doc, "expiring", HOST_SSH), "warning");
    assert_eq!(host["notAfter"], "2027-08-02T00:00:00Z");
    assert_eq!(host["notBefore"], "2022-07-31T00:00:00Z");
    assert_eq!(host["san"], serde_json::json!(["engine-con.example.test"]));
    assert_eq!(host["ca"], "ca");
    assert!(findings(&doc, "ssh-cert-signer", HOST_SSH).is_empty());
    assert_eq!(code, 2, "{}", codes(&doc));
    // Healthy JKS trust store: nothing said about it.
    assert!(!codes(&doc).contains(".truststore"), "{}", codes(&doc));

    // The same thresholds as the X.509 certificates: 48 days before notAfter is a warning,
    // 18 days a critical `expiring`.
    let (_, doc) = audit_json(t.path(), &["--at", "2027-06-15T00:00:00Z"]);
    assert_eq!(severity_of(&doc, "expiring", HOST_SSH), "warning");
    assert_eq!(row(&doc, HOST_SSH)["status"], "warning");
    let (_, doc) = audit_json(t.path(), &["--at", "2027-07-15T00:00:00Z"]);
    assert_eq!(severity_of(&doc, "expiring", HOST_SSH), "critical");

    // Table: both rows, with their status.
    let out = run(&["audit", "--root", t.path().to_str().unwrap(), "--at", AT]);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.contains(USER_SSH)).unwrap();
    assert!(
        line.contains("expired") && line.contains("rsa-sha2-512"),
        "{line}"
    );
}

#[test]
fn vmconsole_host_cert_signed_by_another_key_is_critical() {
    let t = scenario("console-bad");
    let (code, doc) = audit_json(t.path(), &["--at", CLEAN_AT]);
    let f = findings(&doc, "ssh-cert-signer", HOST_SSH);
    assert_eq!(f.len(), 1, "{}", codes(&doc));
    assert_eq!(f[0]["severity"], "critical");
    // The CA key's fingerprint as ssh-keygen computes it; the signer's as ssh-keygen -L shows.
    assert_eq!(f[0]["ca"], ca_ssh_fingerprint(t.path()));
    let l = tool(
        "ssh-keygen",
        &["-L", "-f", pki(t.path()).join(HOST_SSH).to_str().unwrap()],
    );
    let signer = f[0]["signer"].as_str().unwrap();
    assert!(
        l.contains(&format!("Signing CA: RSA {signer}")),
        "{l}\n{signer}"
    );
    assert_ne!(f[0]["signer"], f[0]["ca"]);
    assert_eq!(row(&doc, HOST_SSH)["status"], "critical");
    assert_eq!(row(&doc, USER_SSH)["status"], "ok");
    assert!(findings(&doc, "ssh-cert-signer", USER_SSH).is_empty());
    assert_eq!(code, 2);

    // Prometheus: the OpenSSH certificates are series like the others, the finding is active.
    let out = run(&[
        "audit",
        "--root",
        t.path().to_str().unwrap(),
        "--at",
        AT,
        "--format",
        "prometheus",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(
        "rhv_pki_cert_not_after_timestamp_seconds{scope=\"engine\",host=\"engine-cob.example.test\",manager=\"engine-cob.example.test\",role=\"vmconsole-proxy-host-ssh\",path=\"certs/vmconsole-proxy-host-cert.pub\""
    ), "{text}");
    assert!(
        text.contains(
            "rhv_pki_finding_active{scope=\"engine\",host=\"engine-cob.example.test\",manager=\"engine-cob.example.test\",code=\"ssh-cert-signer\"} 1"
        ),
        "{text}"
    );
}

#[test]
fn vmconsole_cert_without_the_expected_principal_or_of_the_wrong_kind() {
    let t = scenario("console");
    let dir = pki(t.path());
    let key = t.path().join("ca-key");
    std::fs::copy(dir.join("private/ca.pem"), &key).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    // Re-sign the host key with the CA key for another principal, as a user certificate.
    let pubk = dir.join("certs/vmconsole-proxy-host.pub");
    tool(
        "ssh-keygen",
        &[
            "-q",
            "-s",
            key.to_str().unwrap(),
            "-I",
            "x",
            "-n",
            "other.example.test",
            "-V",
            "20220731000000:20270802000000",
            pubk.to_str().unwrap(),
        ],
    );
    let (_, doc) = audit_json(t.path(), &[]);
    let f = findings(&doc, "ssh-cert-principals", HOST_SSH);
    assert_eq!(f.len(), 1, "{}", codes(&doc));
    assert_eq!(f[0]["expected"], "engine-con.example.test");
    assert_eq!(
        f[0]["principals"],
        serde_json::json!(["other.example.test"])
    );
    let f = findings(&doc, "ssh-cert-type", HOST_SSH);
    assert_eq!(f.len(), 1, "{}", codes(&doc));
    assert_eq!(f[0]["expected"], "host");
    assert!(findings(&doc, "ssh-cert-signer", HOST_SSH).is_empty());

    // The user key is there but its certificate is not: a missing row and finding.
    std::fs::remove_file(dir.join(USER_SSH)).unwrap();
    let (_, doc) = audit_json(t.path(), &[]);
    assert_eq!(severity_of(&doc, "missing", USER_SSH), "warning");
    assert_eq!(row(&doc, USER_SSH)["status"], "missing");

    // Not an OpenSSH certificate at all: one `unreadable` naming the file, no panic.
    std::fs::write(
        dir.join(HOST_SSH),
        b"ssh-rsa-cert-v01@openssh.com AAAAnotbase64!!\n",
    )
    .unwrap();
    let (_, doc) = audit_json(t.path(), &[]);
    assert_eq!(severity_of(&doc, "unreadable", HOST_SSH), "critical");
}

fn keytool(store: &Path, args: &[&str]) -> String {
    let mut a = vec![
        "-J-Dcom.redhat.fips=false",
        "-noprompt",
        "-keystore",
        store.to_str().unwrap(),
        "-storepass",
        "mypass",
    ];
    a.extend_from_slice(args);
    let out = Command::new("keytool").args(&a).output().unwrap();
    assert!(
        out.status.success(),
        "keytool {a:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn truststore_pkcs12_stale_cacert_and_missing_qemu_alias() {
    let t = scenario("console-bad");
    let store = pki(t.path()).join(".truststore");
    // keytool's view: PKCS12, only `cacert`, holding another certificate than ca.pem.
    let list = keytool(&store, &["-list", "-v"]);
    assert!(
        list.contains("PKCS12") && list.contains("Alias name: cacert"),
        "{list}"
    );
    assert!(!list.contains("qemu-cacert"), "{list}");
    let (code, doc) = audit_json(t.path(), &[]);
    let f = findings(&doc, "truststore-stale", ".truststore");
    assert_eq!(f.len(), 1, "{}", codes(&doc));
    assert_eq!(f[0]["severity"], "critical");
    assert_eq!(f[0]["alias"], "cacert");
    assert_eq!(f[0]["ca"], "ca.pem");
    let f = findings(&doc, "truststore-alias-missing", ".truststore");
    assert_eq!(f.len(), 1, "{}", codes(&doc));
    assert_eq!(f[0]["alias"], "qemu-cacert");
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(code, 2);

    // Re-import the current CAs the way oVirt does: nothing left to say.
    keytool(&store, &["-delete", "-alias", "cacert"]);
    for (alias, file) in [("cacert", "ca.pem"), ("qemu-cacert", "qemu-ca.pem")] {
        let f = pki(t.path()).join(file);
        keytool(
            &store,
            &[
                "-import",
                "-trustcacerts",
                "-alias",
                alias,
                "-file",
                f.to_str().unwrap(),
            ],
        );
    }
    let (_, doc) = audit_json(t.path(), &[]);
    assert!(!codes(&doc).contains(".truststore"), "{}", codes(&doc));
}

#[test]
fn truststore_jks_missing_alias_and_stale_entry() {
    let t = scenario("console");
    let store = pki(t.path()).join(".truststore");
    let list = keytool(&store, &["-list"]);
    assert!(list.to_lowercase().contains("jks"), "{list}");
    let (_, doc) = audit_json(t.path(), &[]);
    assert!(!codes(&doc).contains(".truststore"), "{}", codes(&doc));

    // No `cacert`: the engine verifies no host.
    keytool(
        &store,
        &["-delete", "-alias", "cacert", "-storetype", "JKS"],
    );
    let (_, doc) = audit_json(t.path(), &[]);
    let f = findings(&doc, "truststore-alias-missing", ".truststore");
    assert_eq!(f.len(), 1, "{}", codes(&doc));
    assert_eq!(f[0]["alias"], "cacert");
    assert_eq!(f[0]["severity"], "critical");

    // `cacert` holding another CA (qemu-ca.pem): stale.
    let q = pki(t.path()).join("qemu-ca.pem");
    keytool(
        &store,
        &[
            "-import",
            "-trustcacerts",
            "-alias",
            "cacert",
            "-storetype",
            "JKS",
            "-file",
            q.to_str().unwrap(),
        ],
    );
    let (_, doc) = audit_json(t.path(), &[]);
    assert_eq!(
        severity_of(&doc, "truststore-stale", ".truststore"),
        "critical"
    );
    assert!(findings(&doc, "truststore-alias-missing", ".truststore").is_empty());
    assert_eq!(
        findings(&doc, "truststore-stale", ".truststore")[0]["sameKey"],
        false
    );

    // `cacert` an older copy of the same CA (same key, other dates): peers still verify, a
    // warning.
    let key = t.path().join("ca-key");
    std::fs::copy(pki(t.path()).join("private/ca.pem"), &key).unwrap();
    let old = t.path().join("old-ca.pem");
    tool(
        "openssl",
        &[
            "x509",
            "-in",
            pki(t.path()).join("ca.pem").to_str().unwrap(),
            "-key",
            key.to_str().unwrap(),
            "-days",
            "100",
            "-out",
            old.to_str().unwrap(),
        ],
    );
    keytool(
        &store,
        &["-delete", "-alias", "cacert", "-storetype", "JKS"],
    );
    keytool(
        &store,
        &[
            "-import",
            "-trustcacerts",
            "-alias",
            "cacert",
            "-storetype",
            "JKS",
            "-file",
            old.to_str().unwrap(),
        ],
    );
    let (_, doc) = audit_json(t.path(), &[]);
    let f = findings(&doc, "truststore-stale", ".truststore");
    assert_eq!(f.len(), 1, "{}", codes(&doc));
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(f[0]["sameKey"], true);

    // A flipped byte breaks the JKS integrity digest: unreadable, not trusted.
    let mut b = std::fs::read(&store).unwrap();
    let n = b.len();
    b[n / 2] ^= 0x01;
    std::fs::write(&store, b).unwrap();
    let (_, doc) = audit_json(t.path(), &[]);
    assert_eq!(severity_of(&doc, "unreadable", ".truststore"), "critical");
}

#[test]
fn truststore_missing_is_critical_and_wrong_password_names_its_file() {
    let t = scenario("4.5-modern");
    let conf = t
        .path()
        .join("etc/ovirt-engine/engine.conf.d/10-setup-pki.conf");
    let text = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(
        &conf,
        text.replace(
            "ENGINE_PKI_TRUST_STORE_PASSWORD=\"mypass\"",
            "ENGINE_PKI_TRUST_STORE_PASSWORD=\"Trust-Pw-9\"",
        ),
    )
    .unwrap();
    let (_, doc) = audit_json(t.path(), &[]);
    let f = findings(&doc, "unreadable", ".truststore");
    assert_eq!(f.len(), 1, "{}", codes(&doc));
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("10-setup-pki.conf"),
        "{}",
        f[0]
    );
    assert!(!doc.to_string().contains("Trust-Pw-9"));

    let store = pki(t.path()).join(".truststore");
    std::fs::remove_file(&store).unwrap();
    let (code, doc) = audit_json(t.path(), &[]);
    assert_eq!(severity_of(&doc, "missing", ".truststore"), "critical");
    assert_eq!(code, 2);

    // A link out of the audited tree is not followed; a FIFO is reported, never waited on.
    std::os::unix::fs::symlink("../../../../outside/truststore", &store).unwrap();
    let (_, doc) = audit_json(t.path(), &[]);
    assert!(
        has(&doc, "symlink-outside-tree", ".truststore"),
        "{}",
        codes(&doc)
    );
    std::fs::remove_file(&store).unwrap();
    tool("mkfifo", &[store.to_str().unwrap()]);
    let mut cmd = bin();
    cmd.args([
        "audit",
        "--root",
        t.path().to_str().unwrap(),
        "--at",
        AT,
        "--format",
        "json",
    ]);
    let out = output_within_a_minute(&mut cmd, "audit with a FIFO .truststore");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(severity_of(&doc, "unreadable", ".truststore"), "critical");
}

/// Re-exports every `keys/*.p12` (not the backups) with `password`.
fn repassword_p12s(root: &Path, password: &str) {
    let keys = pki(root).join("keys");
    for e in std::fs::read_dir(&keys).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "p12") {
            continue;
        }
        let pem = root.join("tmp.pem");
        tool(
            "openssl",
            &[
                "pkcs12",
                "-in",
                p.to_str().unwrap(),
                "-passin",
                "pass:mypass",
                "-nodes",
                "-out",
                pem.to_str().unwrap(),
            ],
        );
        tool(
            "openssl",
            &[
                "pkcs12",
                "-export",
                "-in",
                pem.to_str().unwrap(),
                "-out",
                p.to_str().unwrap(),
                "-passout",
                &format!("pass:{password}"),
            ],
        );
        std::fs::remove_file(pem).unwrap();
    }
}

fn set_engine_store_password(root: &Path, password: &str) -> std::path::PathBuf {
    let conf = root.join("etc/ovirt-engine/engine.conf.d/10-setup-pki.conf");
    let text = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(
        &conf,
        text.replace(
            "ENGINE_PKI_ENGINE_STORE_PASSWORD=\"mypass\"",
            &format!("ENGINE_PKI_ENGINE_STORE_PASSWORD=\"{password}\""),
        ),
    )
    .unwrap();
    conf
}

#[test]
fn p12_password_is_the_engines_own_from_engine_conf() {
    let t = scenario("console-bad");
    repassword_p12s(t.path(), "Eng-Store-7");
    set_engine_store_password(t.path(), "Eng-Store-7");
    let out = run(&[
        "audit",
        "--root",
        t.path().to_str().unwrap(),
        "--at",
        CLEAN_AT,
        "--format",
        "json",
    ]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("Eng-Store-7"));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = codes(&doc);
    assert!(
        !c.contains("p12-unreadable") && !c.contains("p12-password-wrong"),
        "{c}"
    );
    // The rows were read from the p12s: the entities are judged.
    assert_eq!(row(&doc, "certs/engine.cer")["status"], "ok");

    // An explicit password file still wins over engine.conf.d.
    let pw = t.path().join("pw");
    std::fs::write(&pw, "mypass\n").unwrap();
    let (_, doc) = audit_json(t.path(), &["--p12-password-file", pw.to_str().unwrap()]);
    assert!(
        codes(&doc).contains("p12-password-wrong@--p12-password-file"),
        "{}",
        codes(&doc)
    );
}

#[test]
fn wrong_p12_password_is_one_finding_naming_its_file() {
    let t = scenario("console-bad");
    let conf = set_engine_store_password(t.path(), "Not-The-Pw-3");
    let (_, doc) = audit_json(t.path(), &[]);
    let c = codes(&doc);
    assert!(!c.contains("p12-unreadable"), "{c}");
    let all: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "p12-password-wrong")
        .collect();
    assert_eq!(all.len(), 1, "{c}");
    assert_eq!(all[0]["severity"], "critical");
    assert!(
        all[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("etc/ovirt-engine/engine.conf.d/10-setup-pki.conf"),
        "{}",
        all[0]
    );
    assert!(conf.exists());
    assert!(!doc.to_string().contains("Not-The-Pw-3"));

    // One wrong p12 among good ones stays a per-file finding.
    let t = scenario("broken");
    let (_, doc) = audit_json(t.path(), &[]);
    assert!(
        has(&doc, "p12-unreadable", "keys/jboss.p12"),
        "{}",
        codes(&doc)
    );
    assert!(!codes(&doc).contains("p12-password-wrong"));
}

/// `resign` takes the key-store password the way `audit` does: the engine's own
/// ENGINE_PKI_ENGINE_STORE_PASSWORD from engine.conf.d, without a password file. It re-writes
/// the stores with that password (openssl opens them with it) and never prints it.
#[test]
fn resign_uses_the_engines_own_store_password_like_audit() {
    let t = scenario("4.5-modern");
    repassword_p12s(t.path(), "Eng-Store-7");
    set_engine_store_password(t.path(), "Eng-Store-7");
    let root = t.path().to_str().unwrap();
    let out = run(&["resign", "apache", "--root", root, "--yes", "--no-restart"]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(!all.contains("Eng-Store-7"), "{all}");
    let p12 = pki(t.path()).join("keys/apache.p12");
    let o = Command::new("openssl")
        .args(["pkcs12", "-noout", "-passin", "pass:Eng-Store-7", "-in"])
        .arg(&p12)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // And the audit, with the same rule, opens every store.
    let (_, doc) = audit_json(t.path(), &[]);
    let c = codes(&doc);
    assert!(
        !c.contains("p12-unreadable") && !c.contains("p12-password-wrong"),
        "{c}"
    );
}
