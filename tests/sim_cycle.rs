//! The host state machine of the simulated engine, driven through the real binary:
//! deactivate (migrations, SPM re-election), Enroll Certificate returning *before*
//! `installing`, the new host certificate judged by the openssl CLI (CA, SHA-256, SAN,
//! subject, 1827 days, files in the PKI dir), activate, refusals (409) for Up hosts,
//! capacity and pinned VMs, forceselectspm and hosted-engine global maintenance.

mod common;

use std::time::Duration;

use common::sim::{served_cert, Sim};
use common::{openssl_stdin, pem_of};

const SLOW_START: &str = r#"
[timings]
enroll_start = 40.0
enroll = 20.0
migration = 40.0
maintenance_settle = 2.0
activate_unassigned = 10.0
activate_initializing = 10.0
spm_election = 4.0
"#;

fn x509(der: &[u8], args: &[&str]) -> String {
    let mut a = vec!["x509", "-noout"];
    a.extend_from_slice(args);
    let (ok, out) = openssl_stdin(&a, &pem_of(der));
    assert!(ok, "{out}");
    out
}

#[test]
fn full_cycle_reissues_the_host_certificate() {
    // scale 0.05: enroll_start = 2 s (margin for a loaded machine), installing = 1 s, migrations
    // 2 s (the host is read back as preparing with two VMs migrating: 0.2 s was too short on a
    // loaded machine, whose next request came after the migrations had ended).
    let sim = Sim::with_args("4.5-modern", Some(SLOW_START), &["--time-scale", "0.05"]);
    let mut c = sim.client();
    c.login();
    let h1 = c.host_id("host1");
    let ports = c.vdsm_ports();
    let before = served_cert(ports["host1"], "host1.example.test");
    let before_serial = x509(&before, &["-serial"]);

    // Enroll on an Up host: 409 with the engine's message.
    let r = c.post(&format!("/hosts/{h1}/enrollcertificate"), "<action/>");
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["reason"], "Operation Failed");
    assert_eq!(
        r.json()["detail"],
        "[Cannot enroll certificate Host. Please switch Host to Maintenance mode first.]"
    );
    let mut x = sim.client();
    x.json = false;
    x.token = c.token.clone();
    let r = x.post(&format!("/hosts/{h1}/enrollcertificate"), "<action/>");
    assert_eq!(r.status, 409);
    assert!(r.body.contains("<fault>") && r.body.contains("<reason>Operation Failed</reason>"));

    // Deactivate the SPM: migrations, SPM moves.
    let r = x.post(
        &format!("/hosts/{h1}/deactivate"),
        "<action><reason>cert renewal</reason></action>",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("<status>complete</status>") && r.body.contains("<job href="));
    let h = c.getj(&format!("/hosts/{h1}"));
    assert_eq!(h["status"], "preparing_for_maintenance");
    assert_eq!(h["spm"]["status"], "none");
    assert_eq!(h["summary"]["migrating"], "2");
    // The migrations the deactivate started, as events (62), whatever the timing.
    assert_eq!(c.events("?search=type%3D62").len(), 2);
    let seen = c.wait_status(&h1, "maintenance", Duration::from_secs(20));
    assert_eq!(
        seen.first().map(String::as_str),
        Some("preparing_for_maintenance")
    );
    assert_eq!(c.get("/vms?search=host%3Dhost1").body.trim(), "{}");
    let t0 = std::time::Instant::now();
    loop {
        let hs = c.getj("/hosts");
        let spm: Vec<&str> = hs["host"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["spm"]["status"] == "spm")
            .map(|h| h["name"].as_str().unwrap())
            .collect();
        if spm.len() == 1 {
            assert_ne!(spm[0], "host1");
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(10), "no SPM elected");
        std::thread::sleep(Duration::from_millis(50));
    }
    let reason_event = c.events("?search=type%3D600");
    assert!(reason_event[0]["description"]
        .as_str()
        .unwrap()
        .contains("(Reason: cert renewal)"));
    assert_eq!(c.events("?search=type%3D204").len(), 1);

    // Enroll: the action returns while the host is still in maintenance.
    let last = c.events("?max=1")[0]["id"].as_str().unwrap().to_string();
    let r = c.post(&format!("/hosts/{h1}/enrollcertificate"), "{}");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "complete");
    let job = r.json()["job"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        c.status(&h1),
        "maintenance",
        "installing must come after the action returned"
    );
    assert_eq!(c.getj(&format!("/jobs/{job}"))["status"], "started");
    let e880 = c.events(&format!("?search=type%3D880&from={last}"));
    assert_eq!(e880.len(), 1);
    // Then installing, then maintenance with event 881.
    let seen = c.wait_status(&h1, "installing", Duration::from_secs(20));
    assert_eq!(seen[0], "maintenance");
    let seen = c.wait_status(&h1, "maintenance", Duration::from_secs(30));
    assert_eq!(seen, ["installing", "maintenance"]);
    let e881 = c.events(&format!("?search=type%3D881&from={last}"));
    assert_eq!(e881.len(), 1, "exactly one 881 after the action");
    assert_eq!(c.getj(&format!("/jobs/{job}"))["status"], "finished");

    // The vdsm port now serves a new certificate, issued like the engine does.
    let after = served_cert(ports["host1"], "host1.example.test");
    assert_ne!(x509(&after, &["-serial"]), before_serial);
    let ca = sim.pki().join("ca.pem");
    let (ok, out) = openssl_stdin(
        &[
            "verify",
            "-CAfile",
            ca.to_str().unwrap(),
            "-purpose",
            "sslserver",
        ],
        &pem_of(&after),
    );
    assert!(ok, "openssl verify: {out}");
    let text = x509(&after, &["-text", "-nameopt", "compat"]);
    assert!(text.contains("sha256WithRSAEncryption"), "{text}");
    assert!(text.contains("DNS:host1.example.test"));
    assert!(
        text.contains("Subject: O=example.test, CN=host1.example.test"),
        "{text}"
    );
    assert!(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"));
    assert!(text.contains("CA Issuers - URI:http://engine45.example.test:80/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA"));
    let (_, parsed) = x509_parser::parse_x509_certificate(&after).unwrap();
    let (nb, na) = (
        parsed.validity().not_before.timestamp(),
        parsed.validity().not_after.timestamp(),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - 86_400 - nb).abs() < 120, "notBefore = now - 1 day");
    let span_days = (na - nb) / 86_400;
    assert_eq!(
        span_days, 1828,
        "1827 days + the one-day backdating: {nb} .. {na}"
    );

    // The engine's files: certs/<addr>.cer = text dump + PEM, database.txt, serial.txt.
    let cer = std::fs::read(sim.pki().join("certs/host1.example.test.cer")).unwrap();
    assert!(cer.starts_with(b"Certificate:"));
    let (ok, out) = openssl_stdin(&["x509", "-noout", "-serial"], &cer);
    assert!(ok);
    assert_eq!(out, x509(&after, &["-serial"]));
    let serial = out.trim().trim_start_matches("serial=").to_string();
    assert_eq!(serial, "1012", "serial.txt of the sample said 1012");
    assert_eq!(
        std::fs::read_to_string(sim.pki().join("serial.txt")).unwrap(),
        "1013\n"
    );
    assert_eq!(
        std::fs::read_to_string(sim.pki().join("serial.txt.old"))
            .unwrap()
            .trim(),
        "1012"
    );
    let db = std::fs::read_to_string(sim.pki().join("database.txt")).unwrap();
    let line = db.lines().last().unwrap();
    let f: Vec<&str> = line.split('\t').collect();
    assert_eq!(f[0], "V");
    assert_eq!(f[3], "1012");
    assert_eq!(f[5], "/O=example.test/CN=host1.example.test");
    assert!(sim.pki().join("certs/1012.pem").is_file());
    // requests/<addr>.req holds the CSR of the new key (the host generated a new key).
    let req = std::fs::read(sim.pki().join("requests/host1.example.test.req")).unwrap();
    let (ok, req_pub) = openssl_stdin(&["req", "-noout", "-pubkey"], &req);
    assert!(ok, "{req_pub}");
    let cert_pub = x509(&after, &["-pubkey"]);
    assert_eq!(req_pub, cert_pub);
    assert_ne!(
        cert_pub,
        x509(&before, &["-pubkey"]),
        "a new key, as the host's openssl req -newkey"
    );
    // As pki-enroll-request.sh, the simulated engine keeps no backup of its own (the files
    // it writes and the ca.pem lock: tests/sim_pki.rs).
    assert!(!sim.state_file.with_extension("txn").exists());

    // Activate: maintenance -> unassigned -> initializing -> up, event 13.
    let r = c.post(&format!("/hosts/{h1}/activate"), "{}");
    assert_eq!(r.status, 200);
    assert_eq!(c.status(&h1), "unassigned");
    let seen = c.wait_status(&h1, "up", Duration::from_secs(20));
    assert!(seen.contains(&"initializing".to_string()), "{seen:?}");
    assert_eq!(c.events(&format!("?search=type%3D13&from={last}")).len(), 1);
    let r = c.post(&format!("/hosts/{h1}/activate"), "{}");
    assert_eq!(r.status, 409);
}

#[test]
fn refusals_capacity_pinned_and_spm() {
    let scenario = r#"
[[clusters]]
name = "prod"
[[hosts]]
name = "a"
cluster = "prod"
memory_mib = 16384
spm = true
[[hosts]]
name = "b"
cluster = "prod"
memory_mib = 16384
[[hosts]]
name = "c"
cluster = "prod"
memory_mib = 16384
spm_priority = -1
[[vms]]
name = "big"
host = "a"
memory_mib = 12288
[[vms]]
name = "filler"
host = "b"
memory_mib = 8192
[[vms]]
name = "filler2"
host = "c"
memory_mib = 8192
[[vms]]
name = "pinned1"
host = "b"
memory_mib = 1024
affinity = "pinned"
[timings]
spm_election = 300.0
"#;
    // spm_election 300 s × 0.01 = 3 s of `contending`: CI once took longer than the default
    // 30 ms between the forceselectspm answer and the GET that must still see `contending`.
    let sim = Sim::with_args("4.5-modern", Some(scenario), &["--time-scale", "0.01"]);
    assert_eq!(sim.fqdn, "engine45.example.test");
    let mut c = sim.client();
    c.login();
    let (a, b, cc) = (c.host_id("a"), c.host_id("b"), c.host_id("c"));
    // 12 GiB VM, the others have 8 and 8 GiB free: refused, nothing changes.
    let r = c.post(&format!("/hosts/{a}/deactivate"), "{}");
    assert_eq!(r.status, 409, "{}", r.body);
    let d = r.json()["detail"].as_str().unwrap().to_string();
    assert!(
        d.starts_with("[Cannot switch Host to Maintenance mode."),
        "{d}"
    );
    assert!(d.contains("big"), "{d}");
    assert_eq!(c.status(&a), "up");
    assert_eq!(c.getj(&format!("/hosts/{a}"))["spm"]["status"], "spm");
    // Pinned VM on b.
    let r = c.post(&format!("/hosts/{b}/deactivate"), "{}");
    assert_eq!(r.status, 409);
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("non-migratable VMs"));
    assert!(r.json()["detail"].as_str().unwrap().contains("pinned1"));
    // forceselectspm: c has priority -1, b works; a loses the role.
    let r = c.post(&format!("/hosts/{cc}/forceselectspm"), "{}");
    assert_eq!(r.status, 409);
    assert!(r.json()["detail"].as_str().unwrap().contains("never"));
    let r = c.post(&format!("/hosts/{a}/forceselectspm"), "{}");
    assert_eq!(r.status, 409, "already SPM");
    let r = c.post(&format!("/hosts/{b}/forceselectspm"), "<action/>");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(c.getj(&format!("/hosts/{a}"))["spm"]["status"], "none");
    assert_eq!(
        c.getj(&format!("/hosts/{b}"))["spm"]["status"],
        "contending"
    );
    let t0 = std::time::Instant::now();
    while c.getj(&format!("/hosts/{b}"))["spm"]["status"] != "spm" {
        assert!(t0.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(20));
    }
    // c (no VMs that do not fit) can go to maintenance; then forceselectspm on it is refused.
    let r = c.post(&format!("/hosts/{cc}/deactivate"), "{}");
    assert_eq!(
        r.status, 409,
        "filler2 (8 GiB) fits nowhere: a has 4, b has 7 GiB free"
    );
    // Unknown action and unknown host.
    assert_eq!(c.post(&format!("/hosts/{a}/frobnicate"), "{}").status, 404);
    assert_eq!(c.post("/hosts/nope/deactivate", "{}").status, 404);
    // Bad bodies are 400, not a crash.
    assert_eq!(
        c.post(&format!("/hosts/{a}/deactivate"), "<action>").status,
        400
    );
    assert_eq!(
        c.post(&format!("/hosts/{a}/deactivate"), "{not json")
            .status,
        400
    );
    assert_eq!(c.status(&a), "up");
}

#[test]
fn hosted_engine_flags_and_global_maintenance() {
    let scenario = r#"
[[hosts]]
name = "he1"
hosted_engine = { score = 3400 }
spm = true
[[hosts]]
name = "he2"
hosted_engine = { score = 3400 }
[[hosts]]
name = "plain"
[[vms]]
name = "HostedEngine"
host = "he1"
memory_mib = 16384
hosted_engine = true
"#;
    let sim = Sim::with_args("4.5-modern", Some(scenario), &["--time-scale", "0.01"]);
    let mut c = sim.client();
    c.login();
    let he1 = c.host_id("he1");
    let he2 = c.host_id("he2");
    let h = c.getj(&format!("/hosts/{he1}?all_content=true"));
    assert_eq!(h["hosted_engine"]["configured"], "true");
    assert_eq!(h["hosted_engine"]["active"], "true");
    assert_eq!(h["hosted_engine"]["score"], "3400");
    assert_eq!(h["hosted_engine"]["global_maintenance"], "false");
    assert!(c
        .getj(&format!("/hosts/{he1}"))
        .get("hosted_engine")
        .is_none());
    let vm = c.vm_id("HostedEngine");
    assert_eq!(
        c.getj(&format!("/vms/{vm}"))["origin"],
        "managed_hosted_engine"
    );
    let r = c.post(
        &format!("/vms/{vm}/maintenance"),
        "<action><maintenance_enabled>true</maintenance_enabled></action>",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        c.getj(&format!("/hosts/{he2}?all_content=true"))["hosted_engine"]["global_maintenance"],
        "true"
    );
    assert_eq!(c.post(&format!("/vms/{vm}/maintenance"), "{}").status, 400);
    // he2 in local maintenance: then he1 cannot move the engine VM anywhere.
    assert_eq!(
        c.post(&format!("/hosts/{he2}/deactivate"), "{}").status,
        200
    );
    c.wait_status(&he2, "maintenance", Duration::from_secs(10));
    assert_eq!(
        c.getj(&format!("/hosts/{he2}?all_content=true"))["hosted_engine"]["local_maintenance"],
        "true"
    );
    let r = c.post(&format!("/hosts/{he1}/deactivate"), "{}");
    assert_eq!(r.status, 409);
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("Hosted Engine"));
    // Back up: he1 can now be emptied onto he2 (never onto the non-HE host).
    c.post(&format!("/hosts/{he2}/activate"), "{}");
    c.wait_status(&he2, "up", Duration::from_secs(10));
    assert_eq!(
        c.post(&format!("/hosts/{he1}/deactivate"), "{}").status,
        200
    );
    c.wait_status(&he1, "maintenance", Duration::from_secs(10));
    assert_eq!(c.getj(&format!("/vms/{vm}"))["host"]["id"], he2.as_str());
}
