//! The simulator on a legacy PKI (4.2, everything SHA-1, PKCS#1 CA key): it serves the
//! SHA-1 apache certificate, hosts start with the defects a scenario asks for (SHA-1,
//! no SAN, expired), and Enroll Certificate issues a modern SHA-256 certificate with SAN
//! from the old CA — all judged by the openssl CLI.

mod common;

use std::time::Duration;

use common::sim::{served_cert, Sim};
use common::{openssl_stdin, pem_of};

const LEGACY: &str = r#"
[timings]
enroll_start = 2.0
enroll = 5.0
migration = 2.0
maintenance_settle = 1.0
[[hosts]]
name = "old1"
address = "old1.example.test"
cert = { sha1 = true, no_san = true }
[[hosts]]
name = "old2"
address = "old2.example.test"
cert = { days_left = -10, age_days = 1800 }
[[hosts]]
name = "new3"
address = "new3.example.test"
"#;

fn text(der: &[u8]) -> String {
    let (ok, out) = openssl_stdin(&["x509", "-noout", "-text"], &pem_of(der));
    assert!(ok, "{out}");
    out
}

#[test]
fn legacy_sha1_pki_and_defective_host_certs() {
    let sim = Sim::with_args("4.2-sha1", Some(LEGACY), &["--time-scale", "0.05"]);
    assert_eq!(sim.fqdn, "engine42.example.test");
    // The API itself is served with the SHA-1 apache certificate.
    let (ok, out) = openssl_stdin(
        &[
            "s_client",
            "-connect",
            &format!("127.0.0.1:{}", sim.port),
            "-servername",
            "engine42.example.test",
            "-cipher",
            "DEFAULT@SECLEVEL=0",
        ],
        b"",
    );
    assert!(ok || out.contains("BEGIN CERTIFICATE"), "{out}");
    let served = out
        .split("-----BEGIN CERTIFICATE-----")
        .nth(1)
        .and_then(|r| r.split("-----END CERTIFICATE-----").next())
        .map(|b| format!("-----BEGIN CERTIFICATE-----{b}-----END CERTIFICATE-----\n"))
        .expect("s_client printed the server certificate");
    let (ok, t) = openssl_stdin(&["x509", "-noout", "-text"], served.as_bytes());
    assert!(ok);
    assert!(t.contains("sha1WithRSAEncryption"), "{t}");
    let mut c = sim.client();
    c.login();
    let org = c.getj("/hosts")["host"][0]["certificate"]["organization"].clone();
    assert_eq!(org, "example.test");

    let ports = c.vdsm_ports();
    let old1 = served_cert(ports["old1"], "old1.example.test");
    let t1 = text(&old1);
    assert!(
        t1.contains("Signature Algorithm: sha1WithRSAEncryption"),
        "{t1}"
    );
    assert!(!t1.contains("Subject Alternative Name"));
    let old2 = served_cert(ports["old2"], "old2.example.test");
    let (expired_ok, _) = openssl_stdin(&["x509", "-noout", "-checkend", "0"], &pem_of(&old2));
    assert!(!expired_ok, "old2's certificate is expired");
    let new3 = served_cert(ports["new3"], "new3.example.test");
    assert!(text(&new3).contains("DNS:new3.example.test"));
    // All issued by the sample's CA (signature check with openssl, SHA-1 allowed here).
    let ca = sim.pki().join("ca.pem");
    for der in [&old1, &new3] {
        let (ok, out) = openssl_stdin(
            &[
                "verify",
                "-auth_level",
                "0",
                "-CAfile",
                ca.to_str().unwrap(),
            ],
            &pem_of(der),
        );
        assert!(ok, "{out}");
    }

    // Re-enroll old1 on the SHA-1 CA: the new certificate is SHA-256 with SAN.
    let id = c.host_id("old1");
    assert_eq!(c.post(&format!("/hosts/{id}/deactivate"), "{}").status, 200);
    c.wait_status(&id, "maintenance", Duration::from_secs(20));
    let r = c.post(&format!("/hosts/{id}/enrollcertificate"), "{}");
    assert_eq!(r.status, 200, "{}", r.body);
    // Wait for the enrollment's job, not for the short `installing` status (a poll on a
    // loaded machine can miss it): the job ends in the transition that shows maintenance.
    let job = r.json()["job"]["id"].as_str().unwrap().to_string();
    c.wait_job(&job, "finished", Duration::from_secs(60));
    assert_eq!(c.status(&id), "maintenance");
    assert_eq!(
        c.events("?search=type%3D881").len(),
        1,
        "one completed enrollment"
    );
    let fresh = served_cert(ports["old1"], "old1.example.test");
    let tf = text(&fresh);
    assert!(
        tf.contains("Signature Algorithm: sha256WithRSAEncryption"),
        "{tf}"
    );
    assert!(tf.contains("DNS:old1.example.test"));
    let (ok, out) = openssl_stdin(
        &[
            "verify",
            "-auth_level",
            "0",
            "-CAfile",
            ca.to_str().unwrap(),
        ],
        &pem_of(&fresh),
    );
    assert!(ok, "{out}");
    let db = std::fs::read_to_string(sim.pki().join("database.txt")).unwrap();
    assert!(db
        .lines()
        .last()
        .unwrap()
        .ends_with("\t/O=example.test/CN=old1.example.test"));
    let cer = std::fs::read(sim.pki().join("certs/old1.example.test.cer")).unwrap();
    let (ok, out) = openssl_stdin(&["x509", "-noout", "-fingerprint", "-sha256"], &cer);
    assert!(ok);
    let (_, want) = openssl_stdin(
        &["x509", "-noout", "-fingerprint", "-sha256"],
        &pem_of(&fresh),
    );
    assert_eq!(out, want);
}

/// Every file under `dir` (recursively, links not followed) with its content.
fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(
        root: &std::path::Path,
        dir: &std::path::Path,
        out: &mut std::collections::BTreeMap<String, Vec<u8>>,
    ) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            if m.is_dir() {
                walk(root, &p, out);
            } else if m.is_file() {
                out.insert(rel, std::fs::read(&p).unwrap());
            } else {
                out.insert(rel, Vec::new());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Puts `name` in maintenance and sends Enroll Certificate; returns the job id.
fn start_enrollment(c: &common::sim::Client, name: &str) -> String {
    let id = c.host_id(name);
    assert_eq!(c.post(&format!("/hosts/{id}/deactivate"), "{}").status, 200);
    c.wait_status(&id, "maintenance", Duration::from_secs(30));
    let r = c.post(&format!("/hosts/{id}/enrollcertificate"), "{}");
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["job"]["id"].as_str().unwrap().to_string()
}

const FOUR_HOSTS: &str = r#"
[timings]
enroll_start = 2.0
enroll = 5.0
maintenance_settle = 1.0
[[hosts]]
name = "h1"
spm = true
[[hosts]]
name = "h2"
[[hosts]]
name = "h3"
[[hosts]]
name = "h4"
"#;

/// Issue 18: the 500-host run stopped after ~325 hosts with five enrollments failed (882):
/// each simulated enrollment wrote through `txn.rs`, copying the whole PKI directory (every
/// certificate issued so far) and syncing the file system while it held the `ca.pem` lock, so
/// the 25 enrollments of a wave queued on the lock for longer than the engine's 30 s
/// `--timeout`. The engine's `pki-enroll-request.sh` writes only its own files under the lock:
/// so must the simulator, whatever the size of the PKI.
#[test]
fn an_enrollment_writes_the_engine_files_and_nothing_else() {
    let sim = Sim::with_args("4.5-modern", Some(FOUR_HOSTS), &["--time-scale", "0.05"]);
    let mut c = sim.client();
    c.login();
    // A PKI that already holds many certificates (a big fleet's).
    for i in 0..500 {
        std::fs::write(
            sim.pki().join(format!("certs/old-{i}.pem")),
            format!("certificate {i}\n"),
        )
        .unwrap();
    }
    let before = tree(sim.root.path());
    for name in ["h2", "h3"] {
        let job = start_enrollment(&c, name);
        c.wait_job(&job, "finished", Duration::from_secs(60));
    }
    let after = tree(sim.root.path());
    let changed: Vec<&String> = after
        .iter()
        .filter(|(p, data)| before.get(*p) != Some(*data))
        .map(|(p, _)| p)
        .filter(|p| !p.starts_with("sim-state.json"))
        .collect();
    let pki = "etc/pki/ovirt-engine";
    let mut want: Vec<String> = [
        "certs/1012.pem",
        "certs/1013.pem",
        "certs/h2.example.test.cer",
        "certs/h3.example.test.cer",
        "database.txt",
        "database.txt.old",
        "requests/h2.example.test.req",
        "requests/h3.example.test.req",
        "serial.txt",
        "serial.txt.old",
    ]
    .iter()
    .map(|f| format!("{pki}/{f}"))
    .collect();
    want.sort();
    assert_eq!(
        changed,
        want.iter().collect::<Vec<_>>(),
        "only the engine's files are written (no copy of the PKI per enrollment, no temporary \
         file left)"
    );
    assert!(
        before.keys().all(|p| after.contains_key(p)),
        "nothing removed"
    );
    assert_eq!(
        std::fs::read_to_string(sim.pki().join("serial.txt")).unwrap(),
        "1014\n"
    );
    let db = std::fs::read_to_string(sim.pki().join("database.txt")).unwrap();
    let tail: Vec<&str> = db.lines().rev().take(2).collect();
    assert!(
        tail[0].contains("\t1013\t") && tail[0].ends_with("CN=h3.example.test"),
        "{db}"
    );
    assert!(
        tail[1].contains("\t1012\t") && tail[1].ends_with("CN=h2.example.test"),
        "{db}"
    );
}

/// The simulated engine still waits for the `ca.pem` lock as `pki-enroll-request.sh` does
/// (`flock -e -w 30`): while another process holds it, nothing is signed or written and the
/// host stays `installing`; once it is released, the enrollment completes.
#[test]
fn an_enrollment_waits_for_the_ca_lock() {
    let sim = Sim::with_args("4.5-modern", Some(FOUR_HOSTS), &["--time-scale", "0.05"]);
    let mut c = sim.client();
    c.login();
    let ca_path = std::fs::canonicalize(sim.pki().join("ca.pem")).unwrap();
    let ca = std::fs::File::open(&ca_path).unwrap();
    ca.lock().unwrap();
    let serial = std::fs::read(sim.pki().join("serial.txt")).unwrap();
    let job = start_enrollment(&c, "h2");
    // The simulator opens ca.pem only to lock it: wait until it has it open.
    let fds = format!("/proc/{}/fd", sim.child.as_ref().unwrap().id());
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !std::fs::read_dir(&fds)
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .any(|l| l == ca_path)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the simulator never opened ca.pem to lock it"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Give it a few of its 50 ms lock attempts: still nothing written.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(std::fs::read(sim.pki().join("serial.txt")).unwrap(), serial);
    assert!(!sim.pki().join("certs/h2.example.test.cer").exists());
    assert_eq!(c.status(&c.host_id("h2")), "installing");
    drop(ca);
    c.wait_job(&job, "finished", Duration::from_secs(60));
    assert_eq!(c.status(&c.host_id("h2")), "maintenance");
    assert_eq!(
        std::fs::read_to_string(sim.pki().join("serial.txt")).unwrap(),
        "1013\n"
    );
    assert!(sim.pki().join("certs/h2.example.test.cer").is_file());
}
