//! `renew` / `resign` re-issue the vmconsole proxy's OpenSSH certificates with their entity
//! (issue 15, coverage): real binary on copies of the `console` and `console-bad` samples,
//! `ssh-keygen -L` as the independent judge of what was written (type, key id, principals,
//! certified key, signing CA key, window, extensions) and the audit as the reader after.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;

const USER_SSH: &str = "certs/vmconsole-proxy-user-cert.pub";
const HOST_SSH: &str = "certs/vmconsole-proxy-host-cert.pub";
const DAY: i64 = 86_400;

fn rhv(root: &Path, args: &[&str]) -> Output {
    bin()
        .args(args)
        .arg("--root")
        .arg(root)
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `ssh-keygen -L -f FILE` (UTC), which also checks the certificate's signature.
#[derive(Debug, PartialEq)]
struct SshCert {
    kind: String,
    public_key: String,
    signing_ca: String,
    key_id: String,
    serial: String,
    from: i64,
    to: i64,
    principals: Vec<String>,
    critical: Vec<String>,
    extensions: Vec<String>,
}

fn ssh_keygen_l(path: &Path) -> SshCert {
    let o = Command::new("ssh-keygen")
        .arg("-L")
        .arg("-f")
        .arg(path)
        .env("TZ", "UTC")
        .output()
        .expect("ssh-keygen");
    assert!(
        o.status.success(),
        "ssh-keygen -L {}: {}",
        path.display(),
        text(&o)
    );
    let t = String::from_utf8_lossy(&o.stdout).into_owned();
    let field = |name: &str| -> String {
        t.lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} in\n{t}"))
            .trim()
            .to_string()
    };
    // Indented lists under "Principals:", "Critical Options:", "Extensions:".
    let list = |name: &str| -> Vec<String> {
        let mut v = Vec::new();
        let mut inside = false;
        for l in t.lines() {
            let s = l.trim();
            if s.starts_with(&format!("{name}:")) {
                inside = !s.ends_with("(none)");
                continue;
            }
            if inside {
                if l.starts_with("                ") {
                    v.push(s.to_string());
                } else {
                    break;
                }
            }
        }
        v
    };
    let valid = field("Valid");
    let (from, to) = valid
        .strip_prefix("from ")
        .and_then(|r| r.split_once(" to "))
        .unwrap_or_else(|| panic!("Valid: {valid}"));
    let epoch = |s: &str| -> i64 {
        let o = Command::new("date")
            .args(["-u", "-d", s, "+%s"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).trim().parse().unwrap()
    };
    SshCert {
        kind: field("Type"),
        public_key: field("Public key"),
        signing_ca: field("Signing CA"),
        key_id: field("Key ID"),
        serial: field("Serial"),
        from: epoch(from),
        to: epoch(to),
        principals: list("Principals"),
        critical: list("Critical Options"),
        extensions: list("Extensions"),
    }
}

/// The SHA-256 fingerprint of the CA key as OpenSSH shows it, derived from `ca.pem` the way
/// engine-setup makes `ca.pub` (`openssl x509 -pubkey | ssh-keygen -i -m PKCS8`).
fn ca_fingerprint(pki: &Path) -> String {
    let o = Command::new("sh")
        .arg("-c")
        .arg("openssl x509 -in ca.pem -noout -pubkey | ssh-keygen -i -m PKCS8 -f /dev/stdin > /tmp/.rhv-pki-ca-$$.pub && ssh-keygen -l -E sha256 -f /tmp/.rhv-pki-ca-$$.pub; rc=$?; rm -f /tmp/.rhv-pki-ca-$$.pub; exit $rc")
        .current_dir(pki)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string()
}

/// The fingerprint of an OpenSSH public key file (`certs/<name>.pub`).
fn key_fingerprint(path: &Path) -> String {
    let o = Command::new("ssh-keygen")
        .args(["-l", "-E", "sha256", "-f"])
        .arg(path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string()
}

/// The fingerprint of the key inside `keys/<name>.p12` (openssl, then ssh-keygen).
fn p12_fingerprint(pki: &Path, name: &str) -> String {
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl pkcs12 -in keys/{name}.p12 -passin pass:mypass -nokeys -clcerts | openssl x509 -noout -pubkey | ssh-keygen -i -m PKCS8 -f /dev/stdin > /tmp/.rhv-pki-k-$$.pub && ssh-keygen -l -E sha256 -f /tmp/.rhv-pki-k-$$.pub; rc=$?; rm -f /tmp/.rhv-pki-k-$$.pub; exit $rc"
        ))
        .current_dir(pki)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string()
}

/// Checks `cert` is oVirt's certificate of `key_fp`, signed by the CA key, issued within
/// [t0, t1] for 1827 days.
#[allow(clippy::too_many_arguments)]
fn assert_ovirts(
    cert: &SshCert,
    host: bool,
    key_id: &str,
    principal: &str,
    key_fp: &str,
    ca_fp: &str,
    t0: i64,
    t1: i64,
) {
    let kind = if host { "host" } else { "user" };
    assert_eq!(
        cert.kind,
        format!("ssh-rsa-cert-v01@openssh.com {kind} certificate")
    );
    assert_eq!(cert.public_key, format!("RSA-CERT {key_fp}"));
    assert_eq!(cert.signing_ca, format!("RSA {ca_fp} (using rsa-sha2-512)"));
    assert_eq!(cert.key_id, format!("\"{key_id}\""));
    assert_eq!(cert.serial, "0");
    assert_eq!(cert.principals, [principal]);
    assert!(cert.critical.is_empty(), "{cert:?}");
    // pki-enroll-openssh-cert.sh: `-O clear -O permit-pty` for users, nothing for hosts.
    let exts: Vec<String> = if host {
        vec![]
    } else {
        vec!["permit-pty".into()]
    };
    assert_eq!(cert.extensions, exts);
    // -V -1h:+1827d
    assert!(
        cert.from >= t0 - 3600 && cert.from <= t1 - 3600,
        "{cert:?} {t0} {t1}"
    );
    assert_eq!(cert.to - cert.from, 1827 * DAY + 3600, "{cert:?}");
}

fn backup_id(o: &Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    out.split("; backup ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no backup id in:\n{out}"))
        .to_string()
}

/// The audit row of `path` in `audit --format json` (the real clock).
fn audit_row(root: &Path, path: &str) -> (serde_json::Value, Vec<String>) {
    let o = bin()
        .args(["audit", "--root"])
        .arg(root)
        .args(["--format", "json"])
        .env_remove("RHV_PKI_P12_PASSWORD")
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", text(&o));
    });
    let row = doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == path)
        .unwrap_or_else(|| panic!("no row {path}"))
        .clone();
    let findings = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| f["code"].as_str().unwrap_or("?").to_string())
        .collect();
    (row, findings)
}

#[test]
fn renew_reissues_the_expired_user_ssh_cert_same_key_principal_and_ca_signer() {
    let root = scenario("console");
    let p = pki(root.path());
    let user = p.join(USER_SSH);
    // The sample's user certificate expired on 2026-09-29; its X.509 certificate did not.
    let old = ssh_keygen_l(&user);
    assert!(old.to < now(), "{old:?}");
    let old_bytes = std::fs::read(&user).unwrap();
    let old_host = std::fs::read(p.join(HOST_SSH)).unwrap();
    let old_pub = std::fs::read(p.join("certs/vmconsole-proxy-user.pub")).unwrap();
    let ca_fp = ca_fingerprint(&p);
    let key_fp = key_fingerprint(&p.join("certs/vmconsole-proxy-user.pub"));
    assert_eq!(key_fp, p12_fingerprint(&p, "vmconsole-proxy-user"));
    // Mode and owner as a real Manager might have them: kept.
    std::fs::set_permissions(&user, std::fs::Permissions::from_mode(0o640)).unwrap();
    // SAFETY: geteuid cannot fail.
    let root_user = rhv_pki::sys::effective_uid() == 0;
    if root_user {
        std::os::unix::fs::chown(&user, Some(108), Some(109)).unwrap();
    }
    let (row, findings) = audit_row(root.path(), USER_SSH);
    assert_eq!(row["status"], "expired", "{row}");
    assert!(findings.contains(&"expired".to_string()), "{findings:?}");

    let t0 = now();
    let o = rhv(root.path(), &["renew", "vmconsole-proxy-user", "--yes"]);
    let t1 = now();
    ok(&o);
    let out = text(&o);
    assert!(
        out.contains("OpenSSH certificate certs/vmconsole-proxy-user-cert.pub expired"),
        "{out}"
    );
    assert!(out.contains("proxy-ssh_user_rsa-cert.pub"), "{out}");
    let new = ssh_keygen_l(&user);
    assert_ovirts(
        &new,
        false,
        "vmconsole-proxy-user",
        "ovirt-vmconsole-proxy",
        &key_fp,
        &ca_fp,
        t0,
        t1,
    );
    // Same key: the public key file is left as it was, and it is still the p12's key.
    assert_eq!(
        std::fs::read(p.join("certs/vmconsole-proxy-user.pub")).unwrap(),
        old_pub
    );
    assert_eq!(p12_fingerprint(&p, "vmconsole-proxy-user"), key_fp);
    // The host certificate's entity was not asked for: untouched.
    assert_eq!(std::fs::read(p.join(HOST_SSH)).unwrap(), old_host);
    // Mode and owner kept; the old file kept as oVirt's common_backup does.
    let m = std::fs::metadata(&user).unwrap();
    assert_eq!(m.mode() & 0o7777, 0o640);
    if root_user {
        assert_eq!((m.uid(), m.gid()), (108, 109));
    }
    let id = backup_id(&o);
    assert_eq!(
        std::fs::read(p.join(format!("{USER_SSH}.{id}"))).unwrap(),
        old_bytes
    );
    // The audit now reads it valid with the new window.
    let (row, findings) = audit_row(root.path(), USER_SSH);
    assert_eq!(row["status"], "ok", "{row} {findings:?}");
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(row["san"], serde_json::json!(["ovirt-vmconsole-proxy"]));
    let na = row["notAfter"].as_str().unwrap();
    let o = Command::new("date")
        .args(["-u", "-d", na, "+%s"])
        .output()
        .unwrap();
    let na: i64 = String::from_utf8_lossy(&o.stdout).trim().parse().unwrap();
    assert_eq!(na, new.to);
}

#[test]
fn the_oracle_rejects_a_tampered_certificate() {
    // ssh-keygen -L verifies the CA signature: a flipped byte in the signature is refused,
    // so the checks above do judge the signature, not just the fields.
    let root = scenario("console");
    let p = pki(root.path());
    ok(&rhv(
        root.path(),
        &["renew", "vmconsole-proxy-user", "--yes"],
    ));
    let user = p.join(USER_SSH);
    let line = std::fs::read_to_string(&user).unwrap();
    let b64 = line.split_whitespace().nth(1).unwrap();
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!("printf %s '{b64}' | base64 -d"))
        .output()
        .unwrap();
    let mut blob = o.stdout;
    let n = blob.len();
    blob[n - 10] ^= 0x01;
    let bad = p.join("tampered-cert.pub");
    let mut f = std::fs::File::create(&bad).unwrap();
    use std::io::Write;
    let enc = Command::new("sh")
        .arg("-c")
        .arg("base64 -w0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    enc.stdin.as_ref().unwrap().write_all(&blob).unwrap();
    let enc = enc.wait_with_output().unwrap();
    writeln!(
        f,
        "ssh-rsa-cert-v01@openssh.com {}",
        String::from_utf8_lossy(&enc.stdout)
    )
    .unwrap();
    let o = Command::new("ssh-keygen")
        .arg("-L")
        .arg("-f")
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!o.status.success(), "{}", text(&o));
}

#[test]
fn resign_all_force_reissues_both_and_fixes_a_cert_signed_by_another_key() {
    let root = scenario("console-bad");
    let p = pki(root.path());
    let ca_fp = ca_fingerprint(&p);
    let host_before = ssh_keygen_l(&p.join(HOST_SSH));
    assert_ne!(
        host_before.signing_ca,
        format!("RSA {ca_fp} (using rsa-sha2-512)")
    );
    let (_, findings) = audit_row(root.path(), HOST_SSH);
    assert!(
        findings.contains(&"ssh-cert-signer".to_string()),
        "{findings:?}"
    );
    // Without --force the wrong signer alone makes resign --all take the host entity.
    let o = rhv(root.path(), &["resign", "--all", "--dry-run"]);
    ok(&o);
    let out = text(&o);
    assert!(
        out.contains("certs/vmconsole-proxy-host-cert.pub: signed by")
            && out.contains("not by the CA key"),
        "{out}"
    );

    let t0 = now();
    let o = rhv(root.path(), &["resign", "--all", "--force", "--yes"]);
    let t1 = now();
    ok(&o);
    for (file, host, entity, principal) in [
        (
            HOST_SSH,
            true,
            "vmconsole-proxy-host",
            "engine-cob.example.test",
        ),
        (
            USER_SSH,
            false,
            "vmconsole-proxy-user",
            "ovirt-vmconsole-proxy",
        ),
    ] {
        let c = ssh_keygen_l(&p.join(file));
        let key_fp = key_fingerprint(&p.join(format!("certs/{entity}.pub")));
        assert_eq!(key_fp, p12_fingerprint(&p, entity));
        assert_ovirts(&c, host, entity, principal, &key_fp, &ca_fp, t0, t1);
        let (row, findings) = audit_row(root.path(), file);
        assert_eq!(row["status"], "ok", "{file}: {row} {findings:?}");
        assert!(findings.is_empty(), "{file}: {findings:?}");
    }
}

#[test]
fn rollback_restores_the_old_ssh_certs_byte_identical() {
    let root = scenario("console");
    let p = pki(root.path());
    let before = tree_state(&root.path().join("etc"));
    let old_user = std::fs::read(p.join(USER_SSH)).unwrap();
    let old_host = std::fs::read(p.join(HOST_SSH)).unwrap();
    let o = rhv(root.path(), &["resign", "--all", "--force", "--yes"]);
    ok(&o);
    assert_ne!(std::fs::read(p.join(USER_SSH)).unwrap(), old_user);
    assert_ne!(std::fs::read(p.join(HOST_SSH)).unwrap(), old_host);
    let id = backup_id(&o);
    ok(&rhv(root.path(), &["rollback", &id, "--yes"]));
    assert_eq!(std::fs::read(p.join(USER_SSH)).unwrap(), old_user);
    assert_eq!(std::fs::read(p.join(HOST_SSH)).unwrap(), old_host);
    assert_eq!(tree_state(&root.path().join("etc")), before);
}

#[test]
fn a_failed_verification_rolls_the_ssh_certs_back() {
    // The fault hook makes the change fail after the writes: nothing of it stays.
    let root = scenario("console");
    let p = pki(root.path());
    let before = tree_state(&root.path().join("etc"));
    let o = bin()
        .args(["renew", "vmconsole-proxy-user", "--yes", "--root"])
        .arg(root.path())
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env("RHV_PKI_FAULT", "fail:10")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("rolled back"), "{}", text(&o));
    // The certificate had been replaced (step 9) when step 10 failed.
    let backups = root.path().join("var/lib/rhv-pki/backups");
    let journal: String = std::fs::read_dir(&backups)
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("journal")).ok())
        .collect();
    assert!(
        journal.contains(&format!("replace pki {USER_SSH}\n")),
        "{journal}"
    );
    assert_eq!(tree_state(&root.path().join("etc")), before);
    assert!(p.join(USER_SSH).exists());
}

#[test]
fn dry_run_lists_the_ssh_certs_and_changes_nothing() {
    let root = scenario("console");
    let before = tree_state(root.path());
    let o = rhv(root.path(), &["renew", "--dry-run"]);
    ok(&o);
    let out = text(&o);
    for want in [
        "ssh: certs/vmconsole-proxy-user-cert.pub (user certificate, id vmconsole-proxy-user, principals ovirt-vmconsole-proxy, signed by the CA key) 2026-09-29 -> ",
        "ssh: certs/vmconsole-proxy-host-cert.pub (host certificate, id vmconsole-proxy-host, principals engine-con.example.test, signed by the CA key) 2027-08-02 -> ",
        "etc/pki/ovirt-vmconsole/proxy-ssh_user_rsa-cert.pub",
    ] {
        assert!(out.contains(want), "{want}\n{out}");
    }
    let o = rhv(root.path(), &["renew", "--dry-run", "--format", "json"]);
    ok(&o);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let item = doc["plan"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "vmconsole-proxy-user")
        .unwrap()
        .clone();
    assert_eq!(item["openssh"]["file"], USER_SSH);
    assert_eq!(item["openssh"]["certType"], "user");
    assert_eq!(
        item["openssh"]["principals"],
        serde_json::json!(["ovirt-vmconsole-proxy"])
    );
    assert_eq!(item["openssh"]["oldNotAfter"], "2026-09-29T00:00:00Z");
    assert!(item["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == USER_SSH));
    // Within 30 days no X.509 certificate is due, but the user's OpenSSH certificate has
    // expired: renew takes that entity (and only it) for it.
    let o = rhv(
        root.path(),
        &["renew", "--within", "30", "--dry-run", "--format", "json"],
    );
    ok(&o);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let items = doc["plan"]["items"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["vmconsole-proxy-user"], "{doc}");
    let why = items[0]["reason"].as_str().unwrap();
    assert!(
        why.starts_with("OpenSSH certificate certs/vmconsole-proxy-user-cert.pub expired "),
        "{why}"
    );
    assert_eq!(tree_state(root.path()), before);
}

#[test]
fn new_key_rewrites_the_public_key_and_certifies_the_new_key() {
    let root = scenario("console");
    let p = pki(root.path());
    let old_fp = key_fingerprint(&p.join("certs/vmconsole-proxy-user.pub"));
    let ca_fp = ca_fingerprint(&p);
    let t0 = now();
    let o = rhv(
        root.path(),
        &["renew", "vmconsole-proxy-user", "--new-key", "--yes"],
    );
    let t1 = now();
    ok(&o);
    let new_fp = key_fingerprint(&p.join("certs/vmconsole-proxy-user.pub"));
    assert_ne!(new_fp, old_fp);
    assert_eq!(new_fp, p12_fingerprint(&p, "vmconsole-proxy-user"));
    let c = ssh_keygen_l(&p.join(USER_SSH));
    assert_ovirts(
        &c,
        false,
        "vmconsole-proxy-user",
        "ovirt-vmconsole-proxy",
        &new_fp,
        &ca_fp,
        t0,
        t1,
    );
    assert!(text(&o).contains("proxy-ssh_user_rsa "), "{}", text(&o));
}

#[test]
fn resigning_the_ca_alone_keeps_the_ssh_certs_and_says_why() {
    let root = scenario("console");
    let p = pki(root.path());
    let host = std::fs::read(p.join(HOST_SSH)).unwrap();
    let o = rhv(root.path(), &["resign", "ca", "--yes"]);
    ok(&o);
    assert!(
        text(&o).contains("signed by the CA key, which the re-sign keeps"),
        "{}",
        text(&o)
    );
    assert_eq!(std::fs::read(p.join(HOST_SSH)).unwrap(), host);
    // Still signed by the (same) key of the re-signed ca.pem.
    let c = ssh_keygen_l(&p.join(HOST_SSH));
    assert_eq!(
        c.signing_ca,
        format!("RSA {} (using rsa-sha2-512)", ca_fingerprint(&p))
    );
}
