//! The simulator at fleet scale (issue 18): a few hundred hosts start at once, every one
//! serving over TLS a certificate of its own — issued by the sample's CA, its own serial,
//! subject and SAN — although they share one key; a restart from the state file serves the
//! same certificates; and `hosts audit` over TLS reports every host. The benchmark
//! (scripts/bench-fleet.sh) times the same thing with 5,000 hosts; no timing is asserted here.

mod common;

use std::collections::{HashMap, HashSet};

use common::sim::{served_cert, Sim};
use openssl::x509::X509;

const HOSTS: usize = 300;
const CLUSTERS: [&str; 3] = ["Alpha", "Beta", "Gamma"];

/// `HOSTS` hosts in three clusters, a few with the defects a scenario can ask for.
fn fleet() -> String {
    let mut s = String::new();
    for c in CLUSTERS {
        s.push_str(&format!("[[clusters]]\nname = \"{c}\"\n"));
    }
    for i in 0..HOSTS {
        s.push_str(&format!(
            "[[hosts]]\nname = \"fh{i:04}\"\ncluster = \"{}\"\n",
            CLUSTERS[i % CLUSTERS.len()]
        ));
        if i % 100 == 7 {
            s.push_str("cert = { sha1 = true }\n");
        }
    }
    s
}

fn ca_of(sim: &Sim) -> X509 {
    X509::from_pem(&std::fs::read(sim.pki().join("ca.pem")).unwrap()).unwrap()
}

/// Host name → (vdsm port, address), from `/sim/hosts`.
fn hosts_of(sim: &Sim) -> HashMap<String, (u16, String)> {
    let v = sim.get("/sim/hosts");
    v["host"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap().to_string(),
                (
                    h["vdsm_port"].as_u64().unwrap() as u16,
                    h["address"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

fn text_entry(name: &openssl::x509::X509NameRef, nid: openssl::nid::Nid) -> String {
    name.entries_by_nid(nid)
        .next()
        .map(|e| String::from_utf8(e.data().as_slice().to_vec()).unwrap())
        .unwrap_or_default()
}

/// Every host's served certificate, checked against the CA: name → (serial hex, DER).
fn check_fleet(sim: &Sim) -> HashMap<String, (String, Vec<u8>)> {
    let ca = ca_of(sim);
    let ca_key = ca.public_key().unwrap();
    let hosts = hosts_of(sim);
    assert_eq!(hosts.len(), HOSTS, "/sim/hosts lists every host");
    let ports: HashSet<u16> = hosts.values().map(|(p, _)| *p).collect();
    assert_eq!(ports.len(), HOSTS, "one vdsm port per host");
    let mut out = HashMap::new();
    let mut serials = HashSet::new();
    let mut ders = HashSet::new();
    for (name, (port, address)) in &hosts {
        let der = served_cert(*port, address);
        let c = X509::from_der(&der).unwrap();
        assert!(
            c.verify(&ca_key).unwrap(),
            "{name}: the certificate is signed by the sample CA"
        );
        assert_eq!(
            c.issuer_name().to_der().unwrap(),
            ca.subject_name().to_der().unwrap(),
            "{name}: issuer is the CA's subject"
        );
        assert_eq!(
            text_entry(c.subject_name(), openssl::nid::Nid::COMMONNAME),
            *address,
            "{name}: CN is the host's address"
        );
        assert_eq!(
            text_entry(c.subject_name(), openssl::nid::Nid::ORGANIZATIONNAME),
            "example.test",
            "{name}: O is the organisation"
        );
        let sans: Vec<String> = c
            .subject_alt_names()
            .map(|s| {
                s.iter()
                    .filter_map(|g| g.dnsname().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(sans, vec![address.clone()], "{name}: SAN names the address");
        let serial = c
            .serial_number()
            .to_bn()
            .unwrap()
            .to_hex_str()
            .unwrap()
            .to_string();
        assert!(
            serials.insert(serial.clone()),
            "{name}: serial {serial} reused"
        );
        assert!(ders.insert(der.clone()), "{name}: certificate shared");
        out.insert(name.clone(), (serial, der));
    }
    out
}

#[test]
fn every_host_of_a_fleet_serves_its_own_certificate_from_the_ca_and_keeps_it_over_a_restart() {
    let mut sim = Sim::start("4.5-modern", &fleet(), 1.0);
    let first = check_fleet(&sim);
    // The scenario's defects still apply per host.
    let sha1 = first
        .iter()
        .filter(|(_, (_, der))| {
            X509::from_der(der)
                .unwrap()
                .signature_algorithm()
                .object()
                .nid()
                == openssl::nid::Nid::SHA1WITHRSAENCRYPTION
        })
        .map(|(n, _)| n.clone())
        .collect::<HashSet<_>>();
    assert_eq!(
        sha1,
        ["fh0007", "fh0107", "fh0207"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
    // A restart from the state file serves the same certificates (the shared key and every
    // certificate are in the state, nothing is issued again).
    sim.restart();
    let again = check_fleet(&sim);
    assert_eq!(first, again, "a restart serves the same certificates");
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sim.state_file).unwrap()).unwrap();
    let key = state["host_key_pem"].as_str().unwrap();
    assert!(key.contains("BEGIN PRIVATE KEY"), "the shared key is kept");
    assert!(
        state["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["key_pem"] == ""),
        "no host carries a copy of the shared key"
    );
}

#[test]
fn hosts_audit_over_tls_reports_every_host_of_a_fleet() {
    let sim = Sim::start("4.5-modern", &fleet(), 1.0);
    let hosts = hosts_of(&sim);
    let served: HashMap<String, String> = hosts
        .values()
        .map(|(port, address)| {
            let c = X509::from_der(&served_cert(*port, address)).unwrap();
            let serial = c.serial_number().to_bn().unwrap().to_hex_str().unwrap();
            (address.clone(), serial.to_string())
        })
        .collect();
    let mut args = vec!["hosts", "audit", "--format", "json"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    args.extend(sim.engine_args());
    let out = common::bin().args(&args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.code() == Some(1),
        "SHA-1 hosts make it a warning: {}\n{}",
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let certs = v["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), HOSTS, "one record per host");
    let mut seen = HashSet::new();
    for c in certs {
        let host = c["host"].as_str().unwrap();
        assert!(seen.insert(host.to_string()), "{host} reported twice");
        assert_eq!(
            c["serial"].as_str().unwrap().trim_start_matches('0'),
            served[host].trim_start_matches('0'),
            "{host}: the audit judged what its port serves"
        );
        assert_eq!(c["cn"], host);
        let name = host.strip_suffix(".example.test").unwrap();
        let i: usize = name.trim_start_matches("fh").parse().unwrap();
        assert_eq!(c["cluster"], CLUSTERS[i % CLUSTERS.len()], "{host}");
        assert_eq!(c["role"], "host");
    }
    assert_eq!(v["summary"]["certificates"], HOSTS);
    assert_eq!(v["summary"]["hostsUnreachable"], 0);
    let sha1_findings: HashSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["host"].as_str())
        .collect();
    assert_eq!(
        sha1_findings,
        [
            "fh0007.example.test",
            "fh0107.example.test",
            "fh0207.example.test"
        ]
        .into_iter()
        .collect(),
        "only the SHA-1 hosts have findings"
    );
}
