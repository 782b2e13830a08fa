//! The audit's action for a vmconsole OpenSSH certificate is the `rhv-pki` command that fixes
//! it, and works as printed (issue 15, "suggested actions must work as printed"): for each
//! condition of the console / console-bad samples (and the ones the audit knows besides), the
//! printed action is run on a copy (`--root COPY --yes` appended, as for the live PKI) and the
//! audit's row becomes ok.

mod common;

use std::path::Path;
use std::process::Command;

use common::{audit_json, pki, run, scenario, AT};
use serde_json::Value;

const HOST_SSH: &str = "certs/vmconsole-proxy-host-cert.pub";
const USER_SSH: &str = "certs/vmconsole-proxy-user-cert.pub";

fn row<'a>(doc: &'a Value, path: &str) -> &'a Value {
    doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == path)
        .unwrap_or_else(|| panic!("no row for {path}: {doc}"))
}

/// The real time as RFC 3339: what `renew`/`resign` just issued from (notBefore = now - 1 h).
fn now() -> String {
    let o = Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

/// Runs `action` exactly as printed by a shell, with `--root ROOT --yes` appended and the
/// rhv-pki under test first on PATH.
fn run_action(action: &str, root: &Path) -> String {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_rhv-pki")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{action} --root \"$1\" --yes"))
        .arg("sh")
        .arg(root)
        .env("PATH", path)
        .env_remove("RHV_PKI_P12_PASSWORD")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "`{action}` failed: {text}");
    text
}

/// The audit at AT gives `path` the `codes` and `action`; running it makes the row ok (audited
/// on the real clock: the new certificate starts now) with no finding left on the file.
fn fix_and_check(root: &Path, path: &str, codes: &[&str], action: &str) {
    let (_, doc) = audit_json(root, &[]);
    let r = row(&doc, path);
    for c in codes {
        assert!(
            r["findings"].as_array().unwrap().iter().any(|f| f == c),
            "{path}: no {c} in {r}"
        );
    }
    assert_eq!(r["action"], action, "{r}");
    // The table prints the same command.
    let out = run(&["audit", "--root", root.to_str().unwrap(), "--at", AT]);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.contains(path)).unwrap();
    assert!(line.trim_end().ends_with(action), "{line}");

    let text = run_action(action, root);
    assert!(
        text.contains(&format!("ssh: {path} (")),
        "the plan does not re-issue {path}: {text}"
    );
    let (_, doc) = audit_json(root, &["--at", &now()]);
    let r = row(&doc, path);
    assert_eq!(r["status"], "ok", "{r}");
    assert_eq!(r["action"], Value::Null, "{r}");
    assert_eq!(r["ca"], "ca", "{r}");
    let left: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn console_expired_user_certificate_is_renewed_as_printed() {
    let t = scenario("console");
    fix_and_check(
        t.path(),
        USER_SSH,
        &["expired"],
        "rhv-pki renew vmconsole-proxy-user",
    );
}

#[test]
fn console_expiring_host_certificate_is_renewed_as_printed() {
    let t = scenario("console");
    fix_and_check(
        t.path(),
        HOST_SSH,
        &["expiring"],
        "rhv-pki renew vmconsole-proxy-host",
    );
}

/// Signed by another key (and due): `renew` would not fix the signer, `resign` does.
#[test]
fn console_bad_host_certificate_signed_by_another_key_is_resigned_as_printed() {
    let t = scenario("console-bad");
    fix_and_check(
        t.path(),
        HOST_SSH,
        &["ssh-cert-signer", "expiring"],
        "rhv-pki resign vmconsole-proxy-host",
    );
    // The new certificate verifies with the CA key: ssh-keygen's own reading.
    let l = Command::new("ssh-keygen")
        .args(["-L", "-f"])
        .arg(pki(t.path()).join(HOST_SSH))
        .output()
        .unwrap();
    let l = String::from_utf8_lossy(&l.stdout);
    assert!(l.contains("Key ID: \"vmconsole-proxy-host\""), "{l}");
}

#[test]
fn console_bad_expiring_user_certificate_is_renewed_as_printed() {
    let t = scenario("console-bad");
    fix_and_check(
        t.path(),
        USER_SSH,
        &["expiring"],
        "rhv-pki renew vmconsole-proxy-user",
    );
}

/// Signed by the CA key but for another principal: `resign` (renew answers "not due" once the
/// window is fine, so the check runs where only the principal is wrong).
#[test]
fn wrong_principal_is_resigned_as_printed() {
    let t = scenario("console");
    let p = pki(t.path());
    let work = tempfile::tempdir().unwrap();
    let key = work.path().join("ca");
    std::fs::copy(p.join("private/ca.pem"), &key).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let pubkey = work.path().join("vmconsole-proxy-host.pub");
    std::fs::copy(p.join("certs/vmconsole-proxy-host.pub"), &pubkey).unwrap();
    let o = Command::new("ssh-keygen")
        .args(["-q", "-s", key.to_str().unwrap(), "-h"])
        .args(["-I", "vmconsole-proxy-host", "-n", "other.example.test"])
        .args(["-V", "20220731000000:20370802000000"])
        .arg(&pubkey)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::copy(
        work.path().join("vmconsole-proxy-host-cert.pub"),
        p.join(HOST_SSH),
    )
    .unwrap();
    let (_, doc) = audit_json(t.path(), &[]);
    let codes: Vec<&Value> = row(&doc, HOST_SSH)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(codes, ["ssh-cert-principals"], "{doc}");
    fix_and_check(
        t.path(),
        HOST_SSH,
        &["ssh-cert-principals"],
        "rhv-pki resign vmconsole-proxy-host",
    );
    let l = Command::new("ssh-keygen")
        .args(["-L", "-f"])
        .arg(p.join(HOST_SSH))
        .output()
        .unwrap();
    let l = String::from_utf8_lossy(&l.stdout);
    assert!(l.contains("engine-con.example.test"), "{l}");
    assert!(!l.contains("other.example.test"), "{l}");
}

/// The proxy is set up (`certs/vmconsole-proxy-host.pub`) but its certificate is gone: the
/// missing row's action re-creates it.
#[test]
fn missing_certificate_is_renewed_as_printed() {
    let t = scenario("console");
    std::fs::remove_file(pki(t.path()).join(HOST_SSH)).unwrap();
    let (_, doc) = audit_json(t.path(), &[]);
    assert_eq!(row(&doc, HOST_SSH)["status"], "missing");
    fix_and_check(
        t.path(),
        HOST_SSH,
        &["missing"],
        "rhv-pki renew vmconsole-proxy-host",
    );
}

/// `ssh-keygen -L` of a certificate: (key id, principals, extensions, critical options).
fn listing(path: &Path) -> (String, Vec<String>, Vec<String>, Vec<String>) {
    let o = Command::new("ssh-keygen")
        .args(["-L", "-f"])
        .arg(path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut id = String::new();
    let (mut principals, mut extensions, mut critical) = (Vec::new(), Vec::new(), Vec::new());
    let mut section: Option<&str> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(v) = t.strip_prefix("Key ID: ") {
            id = v.trim_matches('"').to_string();
            section = None;
        } else if t.starts_with("Principals:") {
            section = Some("p");
        } else if t.starts_with("Critical Options:") {
            section = (!t.ends_with("(none)")).then_some("c");
        } else if t.starts_with("Extensions:") {
            section = (!t.ends_with("(none)")).then_some("e");
        } else if line.starts_with("                ") {
            match section {
                Some("p") => principals.push(t.to_string()),
                Some("e") => extensions.push(t.to_string()),
                Some("c") => critical.push(t.to_string()),
                _ => {}
            }
        } else {
            section = None;
        }
    }
    (id, principals, extensions, critical)
}

/// The samples' certificates are made as engine-setup makes them (`pki-enroll-openssh-cert.sh
/// --name=N --id=N`: key id = the entity name; the user certificate with the script's default
/// `-O clear -O permit-pty`, the host certificate without options), and the audit calls such
/// certificates ok.
#[test]
fn sample_certificates_are_made_as_upstream_and_audited_ok() {
    for scn in ["console", "console-bad"] {
        let p = pki(&common::fixtures().join(scn));
        let fqdn = if scn == "console" {
            "engine-con.example.test"
        } else {
            "engine-cob.example.test"
        };
        assert_eq!(
            listing(&p.join(HOST_SSH)),
            (
                "vmconsole-proxy-host".to_string(),
                vec![fqdn.to_string()],
                vec![],
                vec![]
            ),
            "{scn}"
        );
        assert_eq!(
            listing(&p.join(USER_SSH)),
            (
                "vmconsole-proxy-user".to_string(),
                vec!["ovirt-vmconsole-proxy".to_string()],
                vec!["permit-pty".to_string()],
                vec![]
            ),
            "{scn}"
        );
    }
    // Healthy ones (at CLEAN_AT, outside the 365-day window): ok rows, no finding.
    for (scn, path) in [("console", HOST_SSH), ("console-bad", USER_SSH)] {
        let root = common::fixtures().join(scn);
        let (_, doc) = audit_json(&root, &["--at", common::CLEAN_AT]);
        let r = row(&doc, path);
        assert_eq!(r["status"], "ok", "{scn}: {r}");
        assert_eq!(r["cn"], path[6..path.len() - 9], "{scn}: {r}");
        assert!(
            !doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["path"] == path),
            "{scn}: {}",
            doc["findings"]
        );
    }
}
