//! The official oVirt Python SDK (ovirtsdk4, in the venv scripts/setup-sdk.sh creates)
//! against the real rhv-manager-sim: login with real TLS verification, hosts, VMs, one
//! full maintenance / enroll / activate cycle, events. pycurl cannot override DNS, so the
//! test re-issues the sample's apache certificate (same key, signed by the sample CA, with
//! the openssl CLI) with SAN localhost + 127.0.0.1 and connects to https://localhost:PORT.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::openssl_stdin;
use common::sim::{Sim, PASSWORD};

fn venv_python() -> PathBuf {
    let venv = std::env::var_os("RHV_SDK_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/sdk-venv"));
    let py = venv.join("bin/python");
    if !py.exists() {
        let st = Command::new("bash")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/setup-sdk.sh"))
            .status()
            .unwrap();
        assert!(st.success(), "scripts/setup-sdk.sh failed");
    }
    assert!(py.exists(), "{} missing after setup-sdk.sh", py.display());
    py
}

#[test]
fn official_python_sdk_runs_a_full_cycle() {
    let py = venv_python();
    let mut sim = Sim::with_args(
        "4.5-modern",
        Some("[timings]\nenroll_start = 40.0\nenroll = 20.0\nmigration = 4.0\nmaintenance_settle = 2.0\nactivate_unassigned = 4.0\nactivate_initializing = 4.0\nspm_election = 4.0\n"),
        &["--time-scale", "0.05", "--public-name", "localhost"],
    );
    // Re-issue certs/apache.cer for localhost with the same key, then restart on it.
    sim.kill();
    let pki = sim.pki();
    let ext = sim.root.path().join("apache-ext.cnf");
    std::fs::write(
        &ext,
        "[v3]\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=critical,serverAuth,clientAuth\nsubjectAltName=DNS:engine45.example.test,DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    let csr = sim.root.path().join("apache.csr");
    let p = |x: &str| pki.join(x).display().to_string();
    let (ok, out) = openssl_stdin(
        &[
            "req",
            "-new",
            "-key",
            &p("keys/apache.key.nopass"),
            "-subj",
            "/C=US/O=example.test/CN=engine45.example.test",
            "-out",
            csr.to_str().unwrap(),
        ],
        b"",
    );
    assert!(ok, "{out}");
    let (ok, out) = openssl_stdin(
        &[
            "x509",
            "-req",
            "-in",
            csr.to_str().unwrap(),
            "-CA",
            &p("ca.pem"),
            "-CAkey",
            &p("private/ca.pem"),
            "-set_serial",
            "0x7A11",
            "-days",
            "30",
            "-sha256",
            "-extfile",
            ext.to_str().unwrap(),
            "-extensions",
            "v3",
            "-out",
            &p("certs/apache.cer"),
        ],
        b"",
    );
    assert!(ok, "{out}");
    sim.spawn();
    assert_eq!(sim.fqdn, "localhost");
    let url = format!("https://localhost:{}/ovirt-engine/api", sim.port);
    let out = Command::new(&py)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/cycle.py"))
        .arg(&url)
        .arg(pki.join("ca.pem"))
        .env("RHV_SIM_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cycle.py failed:\n{stdout}\n{stderr}");
    assert!(stdout.lines().any(|l| l == "SDK CYCLE OK"), "{stdout}");
    let checks: std::collections::HashMap<String, serde_json::Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["check"].as_str().unwrap().to_string(), v)
        })
        .collect();
    let c = |k: &str| {
        checks
            .get(k)
            .unwrap_or_else(|| panic!("no {k} line in {stdout}"))
    };
    assert!(c("bad_password")["error"]
        .as_str()
        .unwrap()
        .contains("access_denied"));
    assert_eq!(c("api")["product"], "oVirt Engine");
    // The SDK reads the entry point's version as rhv-pki's pre-check does (4.5.6 by default).
    assert_eq!(c("api")["major"], 4);
    assert_eq!(c("api")["minor"], 5);
    assert_eq!(c("api")["version"], "4.5.6-1.el9");
    assert_eq!(
        c("hosts")["hosts"],
        serde_json::json!(["host1", "host2", "host3"])
    );
    assert_eq!(c("hosts")["spm"], serde_json::json!(["host1"]));
    assert_eq!(c("hosts")["memory"][0], 34359738368i64);
    assert_eq!(
        c("hosts")["subject"],
        "O=example.test,CN=host1.example.test"
    );
    assert_eq!(c("all_content")["he_configured"], false);
    assert_eq!(c("vms")["vms"], serde_json::json!(["vm1", "vm2"]));
    assert_eq!(c("deactivate")["seen"][0], "preparing_for_maintenance");
    assert_eq!(c("deactivate")["spm"], "none");
    assert_eq!(c("enroll")["right_after"], "maintenance");
    assert_eq!(
        c("enroll")["seen_done"],
        serde_json::json!(["installing", "maintenance"])
    );
    assert_eq!(c("enroll")["e881"].as_array().unwrap().len(), 1);
    assert_eq!(c("enroll")["e880"], 1);
    assert_eq!(c("enroll")["code"], 881);
    assert_eq!(
        c("activate")["seen"].as_array().unwrap().last().unwrap(),
        "up"
    );
    assert_eq!(c("custom_event")["origin"], "rhv-pki");
    assert_eq!(c("custom_event")["duplicate_code"], 400);
    assert_eq!(c("enroll_up_refused")["refused"]["code"], 409);
    assert!(c("enroll_up_refused")["refused"]["detail"]
        .as_str()
        .unwrap()
        .contains("Please switch Host to Maintenance mode first"));
    let ids: Vec<i64> = c("events")["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let codes: Vec<i64> = c("events")["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    for code in [600, 15, 880, 881, 16, 13] {
        assert!(codes.contains(&code), "{code} missing in {codes:?}");
    }
}
