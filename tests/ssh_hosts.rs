//! `rhv-pki hosts audit --ssh` and `hosts recover --ssh` end to end: a copy of the 4.5 sample
//! Manager PKI, host certificate sets made by scripts/make-test-host.sh (openssl CLI), a private
//! sshd, a real TLS server (openssl s_server) as vdsm, and a `systemctl` shim on the host that
//! records calls and restarts that server. The openssl CLI judges the result.

mod common;
#[path = "common/sshd.rs"]
mod sshd;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sshd::{Sshd, SshdOptions};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make-test-host.sh")
}

/// A test bed: Manager PKI copy, host roots under `hosts/<name>`, one sshd.
struct Bed {
    manager: tempfile::TempDir,
    hosts: tempfile::TempDir,
    backups: tempfile::TempDir,
    sshd: Sshd,
    known_hosts: PathBuf,
}

impl Bed {
    fn new(set_env: Vec<(String, String)>, hosts: tempfile::TempDir) -> Bed {
        Bed::on("4.5-modern", set_env, hosts)
    }
    fn on(sample: &str, set_env: Vec<(String, String)>, hosts: tempfile::TempDir) -> Bed {
        let manager = common::scenario(sample);
        let sshd = Sshd::start_with(SshdOptions {
            set_env,
            ..Default::default()
        });
        let known_hosts = sshd.known_hosts();
        Bed {
            manager,
            hosts,
            backups: tempfile::tempdir().unwrap(),
            sshd,
            known_hosts,
        }
    }
    fn pki(&self) -> PathBuf {
        common::pki(self.manager.path())
    }
    fn root(&self, host: &str) -> PathBuf {
        self.hosts.path().join(host)
    }
    fn make_host(&self, host: &str, flags: &[&str]) {
        let out = Command::new("bash")
            .arg(script())
            .arg(self.pki())
            .arg(self.root(host))
            .arg(host)
            .args(flags)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "make-test-host.sh: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    fn spec(&self, host: &str) -> String {
        format!("{host}=127.0.0.1:{}", self.sshd.port)
    }
    /// `rhv-pki hosts <sub> --ssh …` with this bed's SSH settings.
    fn run(&self, sub: &str, hosts: &[String], extra: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = common::bin();
        c.arg("hosts")
            .arg(sub)
            .arg("--ssh")
            .arg("--root")
            .arg(self.manager.path())
            .arg("--ssh-key")
            .arg(&self.sshd.client_key)
            .arg("--known-hosts")
            .arg(&self.known_hosts)
            .arg("--host-prefix")
            .arg(format!("{}/{{host}}", self.hosts.path().display()));
        for h in hosts {
            c.arg("--host").arg(h);
        }
        c.args(extra)
            .env_remove("SSH_AUTH_SOCK")
            .env_remove("RHV_PKI_FAULT")
            .stdin(Stdio::null());
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    }
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): stdout={} stderr={}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn find<'a>(doc: &'a Value, code: &str, path: &str) -> Option<&'a Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code && f["path"] == path)
}

fn codes(doc: &Value) -> String {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}@{}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn audit_judges_every_host_file_and_survives_unreachable_hosts() {
    let bed = Bed::new(Vec::new(), tempfile::tempdir().unwrap());
    bed.make_host("host1.example.test", &[]);
    bed.make_host("host2.example.test", &["--expired", "--stale-ca", "--ovn"]);
    let r1 = bed.root("host1.example.test");
    let r2 = bed.root("host2.example.test");
    // host1: libvirt's client key is another key (the migrate one) -> key-mismatch.
    std::fs::copy(
        r1.join("etc/pki/vdsm/libvirt-migrate/server-key.pem"),
        r1.join("etc/pki/libvirt/private/clientkey.pem"),
    )
    .unwrap();
    // host2: world-readable spice key, no client-cert.pem link.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        r2.join("etc/pki/vdsm/libvirt-spice/server-key.pem"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    std::fs::remove_file(r2.join("etc/pki/vdsm/libvirt-migrate/client-cert.pem")).unwrap();
    // host3: nothing listens; host4: an sshd known_hosts does not know.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = l.local_addr().unwrap().port();
    drop(l);
    let stranger = Sshd::start();
    let hosts = vec![
        bed.spec("host1.example.test"),
        bed.spec("host2.example.test"),
        format!("host3.example.test=127.0.0.1:{dead}"),
        format!("host4.example.test=127.0.0.1:{}", stranger.port),
    ];
    let out = bed.run("audit", &hosts, &["--format", "json"], &[]);
    let doc = json(&out);
    let all = codes(&doc);
    assert_eq!(out.status.code(), Some(2), "CRITICAL expected; {all}");
    let h1 = "host1.example.test:";
    let h2 = "host2.example.test:";
    // host1 is healthy apart from what we broke (and the owners test hosts cannot have).
    let bad1: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().starts_with(h1))
        .filter(|f| f["code"] != "host-file-owner")
        .collect();
    assert_eq!(bad1.len(), 1, "host1: {bad1:?}");
    let km = find(
        &doc,
        "key-mismatch",
        &format!("{h1}/etc/pki/libvirt/clientcert.pem"),
    )
    .unwrap();
    assert_eq!(km["severity"], "critical");
    let owner = find(
        &doc,
        "host-file-owner",
        &format!("{h1}/etc/pki/vdsm/keys/vdsmkey.pem"),
    )
    .unwrap();
    assert_eq!(owner["expected"], "vdsm:kvm");
    assert_eq!(owner["owner"], "root:root");
    // host2: expired certificates everywhere they were installed, the migrate one included.
    for p in [
        "/etc/pki/vdsm/certs/vdsmcert.pem",
        "/etc/pki/vdsm/libvirt-spice/server-cert.pem",
        "/etc/pki/vdsm/libvirt-vnc/server-cert.pem",
        "/etc/pki/vdsm/libvirt-migrate/server-cert.pem",
        "/etc/pki/libvirt/clientcert.pem",
        "/etc/pki/vdsm/ovn/ovn-cert.pem",
    ] {
        let f = find(&doc, "expired", &format!("{h2}{p}")).unwrap_or_else(|| panic!("{p}: {all}"));
        assert_eq!(f["notAfter"], "2025-01-01T00:00:00Z");
    }
    // Stale CA copies: same key, the Manager's copy lives on.
    let stale = find(
        &doc,
        "host-ca-stale",
        &format!("{h2}/etc/pki/vdsm/certs/cacert.pem"),
    )
    .unwrap();
    assert_eq!(stale["sameKey"], true);
    assert_eq!(stale["caNotAfter"], "2042-07-27T00:00:00Z");
    assert_eq!(stale["severity"], "critical", "copy expires within 10 days");
    assert!(find(
        &doc,
        "host-ca-stale",
        &format!("{h2}/etc/pki/vdsm/libvirt-migrate/ca-cert.pem")
    )
    .is_some());
    assert!(find(
        &doc,
        "host-ca-stale",
        &format!("{h2}/etc/pki/vdsm/certs/cacert.pem")
    )
    .is_some());
    let mode = find(
        &doc,
        "host-file-mode",
        &format!("{h2}/etc/pki/vdsm/libvirt-spice/server-key.pem"),
    )
    .unwrap();
    assert_eq!(
        (mode["mode"].as_str(), mode["severity"].as_str()),
        (Some("0644"), Some("critical"))
    );
    assert!(find(
        &doc,
        "missing",
        &format!("{h2}/etc/pki/vdsm/libvirt-migrate/client-cert.pem")
    )
    .is_some());
    // Unreachable hosts are findings, not an abort.
    let u = find(&doc, "host-unreachable", "host3.example.test").unwrap();
    assert!(u["reason"].as_str().unwrap().contains("connection"), "{u}");
    let k = find(&doc, "host-key-unverified", "host4.example.test").unwrap();
    assert!(k["reason"].as_str().unwrap().contains("ssh-ed25519"), "{k}");
    // Rows: one per host certificate file, scope host; vdsm row of host2 expired.
    let rows = doc["certificates"].as_array().unwrap();
    let vdsm2 = rows
        .iter()
        .find(|r| r["path"] == format!("{h2}/etc/pki/vdsm/certs/vdsmcert.pem"))
        .unwrap();
    assert_eq!(
        (
            vdsm2["status"].as_str(),
            vdsm2["scope"].as_str(),
            vdsm2["role"].as_str()
        ),
        (Some("expired"), Some("host"), Some("host-vdsm"))
    );
    // The private keys never left the hosts.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("PRIVATE KEY"));
    let key_b64: String = std::fs::read_to_string(r1.join("etc/pki/vdsm/keys/vdsmkey.pem"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    assert!(!text.contains(&key_b64));
    // The table and Nagios renderings of the same run.
    let t = bed.run("audit", &hosts[..2], &["--format", "nagios"], &[]);
    let line = String::from_utf8_lossy(&t.stdout);
    assert!(line.starts_with("CRITICAL"), "{line}");
    assert_eq!(t.status.code(), Some(2));
    let t = bed.run(
        "audit",
        &hosts[..1],
        &["--format", "table", "--color", "never"],
        &[],
    );
    let table = String::from_utf8_lossy(&t.stdout);
    assert!(
        table.contains("host1.example.test:/etc/pki/vdsm/certs/vdsmcert.pem"),
        "{table}"
    );
    assert_eq!(
        t.status.code(),
        Some(2),
        "host1 has a critical key mismatch"
    );
    // Prometheus: every host series is labelled with the host's name as the Manager knows it
    // (never the file stem `vdsmcert`), every series with the Manager's FQDN.
    let t = bed.run("audit", &hosts[..3], &["--format", "prometheus"], &[]);
    let prom = String::from_utf8_lossy(&t.stdout);
    let label = |l: &str, n: &str| -> Option<String> {
        let i = l.find(&format!("{n}=\""))? + n.len() + 2;
        Some(l[i..i + l[i..].find('"')?].to_string())
    };
    let mut hosts_seen = std::collections::BTreeSet::new();
    for l in prom.lines().filter(|l| !l.starts_with('#')) {
        assert_eq!(
            label(l, "manager").as_deref(),
            Some("engine45.example.test"),
            "{l}"
        );
        if l.starts_with("rhv_pki_cert_") || l.starts_with("rhv_pki_finding{") {
            let h = label(l, "host").unwrap();
            assert!(h.ends_with(".example.test") && h.starts_with("host"), "{l}");
            hosts_seen.insert(h);
        }
    }
    assert_eq!(
        hosts_seen.into_iter().collect::<Vec<_>>(),
        [
            "host1.example.test",
            "host2.example.test",
            "host3.example.test"
        ],
        "{prom}"
    );
}

#[test]
fn audit_defaults_to_the_hosts_the_manager_signed_and_refuses_bad_input() {
    let bed = Bed::new(Vec::new(), tempfile::tempdir().unwrap());
    // Without --host: certs/host1.example.test.cer and host2… of the sample, unreachable at
    // their DNS names (they do not resolve) — findings, exit 2, never a crash.
    let out = bed.run(
        "audit",
        &[],
        &["--format", "json", "--connect-timeout", "3"],
        &[],
    );
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(2));
    for h in ["host1.example.test", "host2.example.test"] {
        assert!(
            find(&doc, "host-unreachable", h).is_some(),
            "{}",
            codes(&doc)
        );
    }
    // Usage errors: exit 3 with a message naming the problem.
    let out = bed.run("audit", &["h=127.0.0.1:notaport".into()], &[], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad port"));
    let mut c = common::bin();
    let out = c
        .args(["hosts", "audit", "--root", "/nonexistent", "--host", "h"])
        .output()
        .unwrap();
    // Without --ssh this is the TLS audit, which needs the Manager CA of that (missing) tree.
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent"));
}

// ---------------------------------------------------------------------------------------------
// recover

/// A vdsm stand-in: `openssl s_server` serving the host's vdsmcert/vdsmkey, restartable by the
/// systemctl shim (same command line, pid in <root>/vdsm.pid).
const SHIM: &str = r#"#!/bin/sh
# systemctl stand-in on the test host: records the call, restarts the TLS server for vdsmd.
root=$RHV_TEST_HOST_ROOT
echo "$*" >> "$root/systemctl.log"
if [ -e "$root/fail-restart-$2" ]; then echo "Job for $2.service failed." >&2; exit 1; fi
if [ "$1" = restart ] && [ "$2" = vdsmd ]; then
  if [ -s "$root/vdsm.pid" ]; then kill "$(cat "$root/vdsm.pid")" 2>/dev/null; sleep 0.2; fi
  sh "$root/start-vdsm.sh"
fi
exit 0
"#;

fn start_vdsm_script(root: &Path, port: u16) -> String {
    format!(
        "cd {r}; setsid openssl s_server -quiet -www -accept 127.0.0.1:{port} -cert {r}/etc/pki/vdsm/certs/vdsmcert.pem -key {r}/etc/pki/vdsm/keys/vdsmkey.pem </dev/null >/dev/null 2>&1 &\necho $! > {r}/vdsm.pid\n",
        r = root.display()
    )
}

struct Vdsm {
    root: PathBuf,
    port: u16,
}

impl Vdsm {
    fn start(root: &Path) -> Vdsm {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        std::fs::write(root.join("start-vdsm.sh"), start_vdsm_script(root, port)).unwrap();
        let st = Command::new("sh")
            .arg(root.join("start-vdsm.sh"))
            .status()
            .unwrap();
        assert!(st.success());
        let v = Vdsm {
            root: root.to_path_buf(),
            port,
        };
        v.wait_up();
        v
    }
    fn wait_up(&self) {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(10) {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("s_server did not start");
    }
    /// The certificate served now, as PEM (openssl s_client, the independent judge).
    fn served_pem(&self, name: &str) -> String {
        let out = Command::new("openssl")
            .args([
                "s_client",
                "-connect",
                &format!("127.0.0.1:{}", self.port),
                "-servername",
                name,
                "-showcerts",
            ])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let b = text
            .find("-----BEGIN CERTIFICATE-----")
            .expect("no certificate served");
        let e = text.find("-----END CERTIFICATE-----").unwrap() + 25;
        format!("{}\n", &text[b..e])
    }
}

impl Drop for Vdsm {
    fn drop(&mut self) {
        // Stop the server this test started (possibly restarted by the shim), by its pid.
        if let Ok(p) = std::fs::read_to_string(self.root.join("vdsm.pid")) {
            if let Ok(pid) = p.trim().parse::<i32>() {
                let _ = std::process::Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status();
            }
        }
    }
}

/// host1 healthy, host2 expired with stale CA copies and OVN; vdsm of host2 served on a port;
/// the sshd sessions see the systemctl shim first in PATH.
fn recover_bed() -> (Bed, Vdsm) {
    recover_bed_on("4.5-modern")
}

fn recover_bed_on(sample: &str) -> (Bed, Vdsm) {
    let hosts = tempfile::tempdir().unwrap();
    let r2 = hosts.path().join("host2.example.test");
    std::fs::create_dir_all(&r2).unwrap();
    let shim_dir = hosts.path().join("bin");
    std::fs::create_dir_all(&shim_dir).unwrap();
    std::fs::write(shim_dir.join("systemctl"), SHIM).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        shim_dir.join("systemctl"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let env = vec![
        (
            "PATH".to_string(),
            format!("{}:/usr/bin:/bin:/usr/sbin:/sbin", shim_dir.display()),
        ),
        ("RHV_TEST_HOST_ROOT".to_string(), r2.display().to_string()),
    ];
    let bed = Bed::on(sample, env, hosts);
    bed.make_host("host1.example.test", &[]);
    bed.make_host("host2.example.test", &["--expired", "--stale-ca", "--ovn"]);
    let vdsm = Vdsm::start(&r2);
    (bed, vdsm)
}

fn serial_of(pem_or_file: &str, is_file: bool) -> String {
    let mut c = Command::new("openssl");
    c.args(["x509", "-noout", "-serial"]);
    let out = if is_file {
        c.arg("-in").arg(pem_or_file).output().unwrap()
    } else {
        use std::io::Write;
        let mut ch = c
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        ch.stdin
            .take()
            .unwrap()
            .write_all(pem_or_file.as_bytes())
            .unwrap();
        ch.wait_with_output().unwrap()
    };
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .trim_start_matches("serial=")
        .to_string()
}

fn modulus(args: &[&str]) -> String {
    common::openssl_text(args)
}

fn recover_args(bed: &Bed, vdsm: &Vdsm, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = vec![
        "--vdsm-port".into(),
        vdsm.port.to_string(),
        "--backup-dir".into(),
        bed.backups.path().display().to_string(),
        "--probe-timeout".into(),
        "20".into(),
    ];
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

/// The change trail of a recover run (src/journal.rs): a start record, then the final one with
/// the host, its certificates old -> new, the Manager backup and the units restarted, as the
/// JSON report says.
fn recover_trail(journal: &common::journal::Journal, doc: &Value) {
    use common::journal::{must, parse};
    let raw = journal.raw();
    assert_eq!(raw.len(), 2, "{raw:?}");
    let (start, end) = (parse(&raw[0]), parse(&raw[1]));
    assert_eq!(must(&start, "RHV_PKI_PHASE"), "started");
    assert_eq!(must(&end, "RHV_PKI_COMMAND"), "hosts recover");
    assert_eq!(must(&end, "RHV_PKI_RESULT"), "success");
    assert_eq!(must(&end, "RHV_PKI_HOSTS"), "host2.example.test");
    assert_eq!(
        must(&end, "RHV_PKI_BACKUP_ID"),
        doc["result"]["manager"]["backup"].as_str().unwrap()
    );
    let certs = must(&end, "RHV_PKI_CERTS");
    let planned = doc["plan"]["hosts"][0]["certs"].as_array().unwrap();
    assert_eq!(certs.lines().count(), planned.len(), "{certs}");
    for c in planned {
        let line = format!(
            "host:host2.example.test/{} {} -> {} - -> sha256WithRSAEncryption",
            c["kind"].as_str().unwrap(),
            c["oldSerial"].as_str().unwrap_or("-"),
            c["newSerial"].as_str().unwrap()
        );
        assert!(certs.lines().any(|l| l == line), "{line} not in {certs}");
    }
    let restarted: Vec<String> = doc["result"]["hosts"][0]["restarted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| format!("host2.example.test:{}", u.as_str().unwrap()))
        .collect();
    assert!(!restarted.is_empty());
    assert_eq!(must(&end, "RHV_PKI_UNITS_RESTARTED"), restarted.join(" "));
    for d in &raw {
        let s = String::from_utf8_lossy(d);
        assert!(!s.contains("PRIVATE KEY") && !s.contains("mypass"), "{s}");
    }
}

#[test]
fn recover_reissues_with_the_host_key_installs_restarts_and_vdsm_serves_it() {
    let (bed, vdsm) = recover_bed();
    let pki = bed.pki();
    let r2 = bed.root("host2.example.test");
    let key = r2.join("etc/pki/vdsm/keys/vdsmkey.pem");
    let before_serial = serial_of(&vdsm.served_pem("host2.example.test"), false);
    let host1_before = common::tree_state(&bed.root("host1.example.test"));
    let hosts = vec![
        bed.spec("host1.example.test"),
        bed.spec("host2.example.test"),
    ];
    let args = recover_args(&bed, &vdsm, &["--yes", "--format", "json"]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let journal = common::journal::Journal::bind();
    let socket = journal.path.to_str().unwrap();
    let out = bed.run("recover", &hosts, &a, &[("RHV_PKI_JOURNAL_SOCKET", socket)]);
    let doc = json(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{doc:#}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    recover_trail(&journal, &doc);
    let plan = &doc["plan"];
    assert_eq!(
        plan["hosts"].as_array().unwrap().len(),
        1,
        "only host2 is due"
    );
    assert_eq!(plan["skipped"][0]["host"], "host1.example.test");
    let hp = &plan["hosts"][0];
    let kinds: Vec<&str> = hp["certs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["vdsm", "qemu", "ovn"]);
    let new_serial = hp["certs"][0]["newSerial"].as_str().unwrap().to_string();
    assert_eq!(hp["certs"][0]["oldSerial"].as_str().unwrap(), before_serial);
    let res = &doc["result"]["hosts"][0];
    assert_eq!(res["ok"], true, "{res:#}");
    assert_eq!(res["servedSerial"].as_str().unwrap(), new_serial);

    // The judge: what vdsm serves now verifies against the Manager CA, with the same key.
    let served = vdsm.served_pem("host2.example.test");
    let served_file = r2.join("served.pem");
    std::fs::write(&served_file, &served).unwrap();
    assert_eq!(serial_of(&served, false), new_serial);
    let v = common::openssl_text(&[
        "verify",
        "-CAfile",
        pki.join("ca.pem").to_str().unwrap(),
        served_file.to_str().unwrap(),
    ]);
    assert!(v.contains(": OK"), "{v}");
    let m_cert = modulus(&[
        "x509",
        "-noout",
        "-modulus",
        "-in",
        served_file.to_str().unwrap(),
    ]);
    let m_key = modulus(&["rsa", "-noout", "-modulus", "-in", key.to_str().unwrap()]);
    assert_eq!(m_cert, m_key, "the host key was kept");
    let subj = common::openssl_text(&[
        "x509",
        "-noout",
        "-subject",
        "-ext",
        "subjectAltName",
        "-dates",
        "-in",
        served_file.to_str().unwrap(),
    ]);
    assert!(
        subj.contains("subject=O = example.test, CN = host2.example.test"),
        "{subj}"
    );
    assert!(subj.contains("DNS:host2.example.test"), "{subj}");
    // libvirt-migrate: qemu-ca chain, OU=qemu, its own key kept.
    let mig = r2.join("etc/pki/vdsm/libvirt-migrate/server-cert.pem");
    let v = common::openssl_text(&[
        "verify",
        "-CAfile",
        pki.join("qemu-ca.pem").to_str().unwrap(),
        mig.to_str().unwrap(),
    ]);
    assert!(v.contains(": OK"), "{v}");
    assert!(
        common::openssl_text(&["x509", "-noout", "-subject", "-in", mig.to_str().unwrap()])
            .contains("OU = qemu")
    );
    assert_eq!(
        modulus(&["x509", "-noout", "-modulus", "-in", mig.to_str().unwrap()]),
        modulus(&[
            "rsa",
            "-noout",
            "-modulus",
            "-in",
            r2.join("etc/pki/vdsm/libvirt-migrate/server-key.pem")
                .to_str()
                .unwrap()
        ])
    );
    assert!(
        std::fs::symlink_metadata(r2.join("etc/pki/vdsm/libvirt-migrate/client-cert.pem"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // Every copy of the vdsm certificate is the new one; CA copies are the Manager's CA.
    for p in [
        "etc/pki/vdsm/libvirt-spice/server-cert.pem",
        "etc/pki/vdsm/libvirt-vnc/server-cert.pem",
        "etc/pki/libvirt/clientcert.pem",
    ] {
        assert_eq!(
            serial_of(r2.join(p).to_str().unwrap(), true),
            new_serial,
            "{p}"
        );
    }
    let ca = std::fs::read(pki.join("ca.pem")).unwrap();
    for p in [
        "etc/pki/vdsm/certs/cacert.pem",
        "etc/pki/CA/cacert.pem",
        "etc/pki/vdsm/libvirt-spice/ca-cert.pem",
        "etc/pki/vdsm/ovn/ca-cert.pem",
    ] {
        assert_eq!(std::fs::read(r2.join(p)).unwrap(), ca, "{p}");
    }
    assert_eq!(
        std::fs::read(r2.join("etc/pki/vdsm/libvirt-migrate/ca-cert.pem")).unwrap(),
        std::fs::read(pki.join("qemu-ca.pem")).unwrap()
    );
    // Host-side backups <file>.<YYYYmmddHHMMSS>, modes from the §5.1 table.
    let backups = res["backups"].as_array().unwrap();
    assert!(
        backups.iter().any(|b| {
            let b = b.as_str().unwrap();
            b.contains("/etc/pki/vdsm/certs/vdsmcert.pem.") && Path::new(b).exists()
        }),
        "{backups:?}"
    );
    use std::os::unix::fs::MetadataExt;
    assert_eq!(
        std::fs::metadata(r2.join("etc/pki/vdsm/certs/vdsmcert.pem"))
            .unwrap()
            .mode()
            & 0o7777,
        0o644
    );
    assert_eq!(
        std::fs::metadata(&key).unwrap().mode() & 0o7777,
        0o440,
        "keys untouched"
    );
    // Services restarted through the host's systemctl.
    let log = std::fs::read_to_string(r2.join("systemctl.log")).unwrap();
    assert_eq!(
        log,
        "restart libvirtd\nrestart vdsmd\nrestart ovirt-imageio\nrestart ovn-controller\n"
    );
    // The Manager recorded it like pki-enroll-request.sh; openssl ca still reads the index.
    let db = std::fs::read_to_string(pki.join("database.txt")).unwrap();
    assert!(
        db.lines().any(|l| l.contains(&format!(
            "\t{new_serial}\tunknown\t/O=example.test/CN=host2.example.test"
        ))),
        "{db}"
    );
    let status = Command::new("openssl")
        .args(["ca", "-config", "openssl.conf", "-status", &new_serial])
        .current_dir(&pki)
        .env("OVIRT_SAN", "")
        .env("OVIRT_KU", "")
        .env("OVIRT_EKU", "")
        .output()
        .unwrap();
    let st = String::from_utf8_lossy(&status.stdout).into_owned()
        + &String::from_utf8_lossy(&status.stderr);
    assert!(st.contains(&format!("{new_serial}=Valid")), "{st}");
    assert!(pki.join(format!("certs/{new_serial}.pem")).exists());
    assert_eq!(
        serial_of(
            pki.join("certs/host2.example.test.cer").to_str().unwrap(),
            true
        ),
        new_serial
    );
    assert!(pki.join("requests/host2.example.test.req").exists());
    assert!(pki.join("requests-qemu/host2.example.test.req").exists());
    assert!(pki.join("certs/host2.example.test-ovn.cer").exists());
    // host1 was not touched; a second run finds nothing due.
    assert_eq!(
        common::tree_state(&bed.root("host1.example.test")),
        host1_before
    );
    let out = bed.run("recover", &hosts, &a, &[]);
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        doc["plan"]["hosts"].as_array().unwrap().is_empty(),
        "{doc:#}"
    );
    // And the host audit now only reports the owners a test host cannot have.
    let out = bed.run("audit", &hosts[1..], &["--format", "json"], &[]);
    let doc = json(&out);
    let left: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] != "host-file-owner")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn recover_dry_run_prints_the_plan_and_changes_nothing() {
    let (bed, vdsm) = recover_bed();
    let pki_before = common::tree_state(&bed.pki());
    let hosts_before = common::tree_state(bed.hosts.path());
    let hosts = vec![bed.spec("host2.example.test")];
    let args = recover_args(&bed, &vdsm, &["--dry-run"]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = bed.run("recover", &hosts, &a, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("host host2.example.test"), "{text}");
    assert!(text.contains("vdsm  /O=example.test/CN=host2.example.test SAN DNS:host2.example.test serial 1014 -> 1017"), "{text}");
    assert!(
        text.contains("qemu  /O=example.test/OU=qemu/CN=host2.example.test"),
        "{text}"
    );
    assert!(
        text.contains("ca copy /etc/pki/vdsm/certs/cacert.pem"),
        "{text}"
    );
    assert!(
        text.contains("systemctl restart libvirtd vdsmd ovirt-imageio ovn-controller"),
        "{text}"
    );
    assert_eq!(common::tree_state(&bed.pki()), pki_before);
    assert_eq!(common::tree_state(bed.hosts.path()), hosts_before);
    assert!(std::fs::read_dir(bed.backups.path())
        .unwrap()
        .next()
        .is_none());
    // The same plan in Japanese (--lang ja), and the same JSON hosts in both languages.
    let args = recover_args(&bed, &vdsm, &["--dry-run", "--lang", "ja"]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = bed.run("recover", &hosts, &a, &[]);
    let ja = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{ja}");
    assert!(ja.contains("rhv-pki hosts recover --dry-run: "), "{ja}");
    assert!(ja.contains(" の計画 (O="), "{ja}");
    assert!(ja.contains("  ホスト host2.example.test (ssh "), "{ja}");
    assert!(ja.contains("vdsm  /O=example.test/CN=host2.example.test SAN DNS:host2.example.test シリアル 1014 -> 1017"), "{ja}");
    assert!(ja.contains("インストール先: "), "{ja}");
    assert!(
        ja.contains("CA のコピー /etc/pki/vdsm/certs/cacert.pem"),
        "{ja}"
    );
    assert!(
        ja.contains("その後: systemctl restart libvirtd vdsmd ovirt-imageio ovn-controller"),
        "{ja}"
    );
    assert!(!ja.contains("then: systemctl"), "{ja}");
    // Why the host is recovered: the findings' messages in Japanese too (the codes and
    // paths as they are), none of the English message's words left.
    let msgs = |t: &str, head: &str| -> Vec<String> {
        t.lines()
            .filter_map(|l| l.trim_start().strip_prefix(head))
            .map(|r| {
                let (_, m) = r.split_once(" (").unwrap_or_else(|| panic!("{r}"));
                m.strip_suffix(')').unwrap_or(m).to_string()
            })
            .collect()
    };
    let (en_why, ja_why) = (msgs(&text, "why: "), msgs(&ja, "理由: "));
    assert!(!en_why.is_empty(), "{text}");
    assert_eq!(en_why.len(), ja_why.len(), "{ja}");
    let words = |s: &str| -> std::collections::BTreeSet<String> {
        s.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')'))
            .map(|t| t.trim_end_matches([':', '.']))
            .filter(|t| t.len() >= 3 && t.chars().all(|c| c.is_ascii_lowercase()))
            .map(str::to_string)
            .collect()
    };
    for (e, j) in en_why.iter().zip(&ja_why) {
        let left: Vec<String> = words(j).intersection(&words(e)).cloned().collect();
        assert!(
            left.is_empty() && e != j,
            "{left:?}: {e:?} in Japanese is {j:?}"
        );
    }
    let plan_hosts = |extra: &[&str]| {
        let mut e = vec!["--dry-run", "--format", "json"];
        e.extend(extra);
        let args = recover_args(&bed, &vdsm, &e);
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        json(&bed.run("recover", &hosts, &a, &[]))["plan"]["hosts"].clone()
    };
    // The reasons say "in N days" from the wall clock: a pair of runs straddling the
    // minute the fixture's CA copies expire at reads one day apart. Such a pair is taken
    // again (a difference the language makes would stay).
    let mut pair = (plan_hosts(&[]), plan_hosts(&["--lang", "ja"]));
    for _ in 0..3 {
        if pair.0 == pair.1 {
            break;
        }
        pair = (plan_hosts(&[]), plan_hosts(&["--lang", "ja"]));
    }
    assert_eq!(pair.0, pair.1);
    assert_eq!(common::tree_state(&bed.pki()), pki_before);
    assert_eq!(common::tree_state(bed.hosts.path()), hosts_before);
    // Without --yes and without a terminal: refused, nothing changed.
    let args = recover_args(&bed, &vdsm, &[]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = bed.run("recover", &hosts, &a, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(common::tree_state(&bed.pki()), pki_before);
    assert_eq!(common::tree_state(bed.hosts.path()), hosts_before);
}

#[test]
fn manager_write_failure_rolls_back_and_installs_nothing() {
    let (bed, vdsm) = recover_bed();
    let pki_before = common::tree_state(&bed.pki());
    let hosts_before = common::tree_state(bed.hosts.path());
    let hosts = vec![bed.spec("host2.example.test")];
    for step in ["1", "4", "9"] {
        let args = recover_args(&bed, &vdsm, &["--yes"]);
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let fault = format!("fail:{step}");
        let out = bed.run("recover", &hosts, &a, &[("RHV_PKI_FAULT", &fault)]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(text.contains("rolled back"), "{text}");
        assert!(text.contains("installed: nothing"), "{text}");
        assert_eq!(common::tree_state(&bed.pki()), pki_before, "step {step}");
        assert_eq!(
            common::tree_state(bed.hosts.path()),
            hosts_before,
            "step {step}"
        );
    }
}

#[test]
fn host_failure_reports_what_was_installed_and_the_backups() {
    let (bed, vdsm) = recover_bed();
    let r2 = bed.root("host2.example.test");
    std::fs::write(r2.join("fail-restart-vdsmd"), "").unwrap();
    let hosts = vec![bed.spec("host2.example.test")];
    let args = recover_args(&bed, &vdsm, &["--yes"]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = bed.run("recover", &hosts, &a, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("host host2.example.test: FAILED: restart vdsmd"),
        "{text}"
    );
    assert!(
        text.contains("installed: /etc/pki/vdsm/certs/vdsmcert.pem"),
        "{text}"
    );
    assert!(text.contains("backups on the host: "), "{text}");
    assert!(text.contains("restarted: libvirtd"), "{text}");
    assert!(
        text.contains("still to run: systemctl restart vdsmd"),
        "{text}"
    );
    assert!(text.contains("Manager: "), "{text}");
    // The backups it names exist and hold the old certificate.
    let line = text
        .lines()
        .find(|l| l.contains("backups on the host:"))
        .unwrap();
    let first = line.split(": ").nth(1).unwrap().split(", ").next().unwrap();
    assert!(Path::new(first).exists(), "{first}");
}

#[test]
fn no_restart_prints_the_commands_and_restarts_nothing() {
    let (bed, vdsm) = recover_bed();
    let r2 = bed.root("host2.example.test");
    let hosts = vec![bed.spec("host2.example.test")];
    let args = recover_args(&bed, &vdsm, &["--yes", "--no-restart"]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = bed.run("recover", &hosts, &a, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("services NOT restarted"), "{text}");
    assert!(text.contains("    systemctl restart vdsmd"), "{text}");
    assert!(!r2.join("systemctl.log").exists());
}

/// `hosts recover` writes the Manager PKI like every change: on a 4.4 Manager (3650-day CA)
/// it waits for the 4.2–4.4 lock directory held by an engine enrollment, then refuses with
/// nothing changed on the Manager or the host.
#[test]
fn recover_waits_for_the_4_4_lock_directory_and_refuses_untouched() {
    let (bed, vdsm) = recover_bed_on("4.4-mixed");
    let lock = bed.manager.path().join("tmp/ovirt-engine-pki.v2.lock");
    std::fs::create_dir_all(&lock).unwrap();
    // Made as oVirt's script makes it: private/'s owner, group and mode.
    let private = bed.pki().join("private");
    for tool in ["chown", "chmod"] {
        let st = Command::new(tool)
            .arg(format!("--reference={}", private.display()))
            .arg(&lock)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let pki_before = common::tree_state(&bed.pki());
    let hosts_before = common::tree_state(bed.hosts.path());
    let held = std::fs::File::open(&lock).unwrap();
    held.lock().unwrap();
    let hosts = vec![bed.spec("host2.example.test")];
    let args = recover_args(&bed, &vdsm, &["--yes", "--lock-timeout", "2"]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = bed.run("recover", &hosts, &a, &[]);
    let all = format!(
        "exit {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(out.status.code(), Some(0), "{all}");
    assert!(
        all.contains("ovirt-engine-pki.v2.lock") && all.contains("still locked"),
        "{all}"
    );
    assert_eq!(common::tree_state(&bed.pki()), pki_before);
    assert_eq!(common::tree_state(bed.hosts.path()), hosts_before);
    assert!(
        std::fs::read_dir(bed.backups.path())
            .unwrap()
            .next()
            .is_none(),
        "no backup taken while locked out"
    );
    drop(held);
    let args = recover_args(&bed, &vdsm, &["--yes", "--lock-timeout", "2"]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = bed.run("recover", &hosts, &a, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_ne!(common::tree_state(&bed.pki()), pki_before);
}
