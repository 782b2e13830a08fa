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
