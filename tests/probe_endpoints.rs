//! `rhv-pki audit --probe` and `rhv-pki maintenance verify` finding the endpoints from the
//! services' own configuration (engine.conf.d, ovirt-websocket-proxy.conf.d, ovirt-imageio
//! conf.d) and judging what real TLS servers (apache2, openssl s_server) serve.

mod common;

use common::manager::{free_port, json, Manager};

/// Points the copy's configuration at the test servers (ENGINE_FQDN = 127.0.0.1, so the
/// discovered addresses are loopback ones) and adds an imageio endpoint nobody serves.
fn configure(m: &Manager) -> u16 {
    let root = m.root.path();
    std::fs::write(
        root.join("etc/ovirt-engine/engine.conf.d/99-test.conf"),
        format!(
            "ENGINE_FQDN=127.0.0.1\nENGINE_PROXY_HTTPS_PORT={}\n",
            m.apache_port
        ),
    )
    .unwrap();
    let wsp = root.join("etc/ovirt-engine/ovirt-websocket-proxy.conf.d");
    std::fs::create_dir_all(&wsp).unwrap();
    std::fs::write(
        wsp.join("10-setup.conf"),
        format!(
            "PROXY_PORT={}\nSSL_CERTIFICATE=/etc/pki/ovirt-engine/certs/websocket-proxy.cer\nSSL_KEY=/etc/pki/ovirt-engine/keys/websocket-proxy.key.nopass\nCERT_FOR_DATA_VERIFICATION=/etc/pki/ovirt-engine/certs/engine.cer\nSSL_ONLY=True\n",
            m.wsp_port
        ),
    )
    .unwrap();
    let img = root.join("etc/ovirt-imageio/conf.d");
    std::fs::create_dir_all(&img).unwrap();
    let dead = free_port();
    std::fs::write(
        img.join("50-engine.conf"),
        format!("[tls]\nenable = true\nkey_file = /etc/pki/ovirt-engine/keys/apache.key.nopass\ncert_file = /etc/pki/ovirt-engine/certs/apache.cer\nca_file = /etc/pki/ovirt-engine/apache-ca.pem\n\n[remote]\nport = {dead}\n"),
    )
    .unwrap();
    dead
}

fn of_code<'a>(doc: &'a serde_json::Value, code: &str) -> Vec<&'a serde_json::Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

#[test]
fn audit_probe_finds_endpoints_from_service_config_and_reports_stale_and_unreachable() {
    let m = Manager::start("4.5-modern", &[]);
    let dead = configure(&m);
    let out = m.rhv_pki(&[
        "audit",
        "--root",
        m.root_str(),
        "--probe",
        "--probe-timeout",
        "3",
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert!(of_code(&doc, "restart-needed").is_empty(), "{doc:#}");
    let un = of_code(&doc, "endpoint-unreachable");
    assert_eq!(un.len(), 1, "{doc:#}");
    assert_eq!(un[0]["endpoint"], "imageio");
    assert_eq!(un[0]["address"], format!("127.0.0.1:{dead}").as_str());
    assert_eq!(un[0]["service"], "ovirt-imageio");
    assert_eq!(un[0]["severity"], "warning");

    // Re-sign websocket-proxy on disk only (a copy: no cycle) — s_server keeps the old one.
    let old = common::manager::disk_serial(&m.pki().join("certs/websocket-proxy.cer"));
    let out = m.rhv_pki(&["resign", "websocket-proxy", "--root", m.root_str(), "--yes"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new = common::manager::disk_serial(&m.pki().join("certs/websocket-proxy.cer"));
    assert_ne!(old, new);
    let out = m.rhv_pki(&[
        "audit",
        "--root",
        m.root_str(),
        "--probe",
        "--probe-timeout",
        "3",
        "--format",
        "json",
    ]);
    let doc = json(&out);
    let rn = of_code(&doc, "restart-needed");
    assert_eq!(rn.len(), 1, "{doc:#}");
    assert_eq!(rn[0]["path"], "certs/websocket-proxy.cer");
    assert_eq!(rn[0]["role"], "websocket-proxy");
    assert_eq!(rn[0]["service"], "ovirt-websocket-proxy");
    assert_eq!(rn[0]["servedSerial"], old.as_str());
    assert_eq!(rn[0]["onDiskSerial"], new.as_str());
    assert_eq!(
        rn[0]["address"],
        format!("127.0.0.1:{}", m.wsp_port).as_str()
    );
    // Findings stay sorted (severity, path, code) with the probe's merged in.
    let f = doc["findings"].as_array().unwrap();
    let rank = |s: &str| match s {
        "critical" => 0,
        "warning" => 1,
        _ => 2,
    };
    for w in f.windows(2) {
        let a = (
            rank(w[0]["severity"].as_str().unwrap()),
            w[0]["path"].as_str().unwrap(),
        );
        let b = (
            rank(w[1]["severity"].as_str().unwrap()),
            w[1]["path"].as_str().unwrap(),
        );
        assert!(a <= b, "unsorted: {a:?} then {b:?}");
    }
    // The summary counts them: the 4.5 sample is otherwise clean → WARNING (exit 1).
    assert_eq!(out.status.code(), Some(1));
    assert!(
        doc["summary"]["warning"].as_u64().unwrap() >= 2,
        "{:#}",
        doc["summary"]
    );

    // maintenance verify: the JSON holds every check; exit 4, not 5, because imageio showed
    // no certificate at all (endpoint-unreachable: nothing proven, a restart not known to help).
    let out = m.rhv_pki(&[
        "maintenance",
        "verify",
        "--root",
        m.root_str(),
        "--probe-timeout",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(4));
    let doc = json(&out);
    let states: Vec<(String, String)> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["endpoint"].as_str().unwrap().into(),
                c["state"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        states.contains(&("httpd".into(), "current".into())),
        "{states:?}"
    );
    assert!(
        states.contains(&("websocket-proxy".into(), "stale".into())),
        "{states:?}"
    );
    assert!(
        states.contains(&("imageio".into(), "unreachable".into())),
        "{states:?}"
    );

    // Restarting the s_server (through the systemctl stand-in) makes it current.
    let st = std::process::Command::new(m.shims().join("systemctl"))
        .args(["restart", "ovirt-websocket-proxy"])
        .status()
        .unwrap();
    assert!(
        !st.success(),
        "unit not installed in the stand-in: restart must fail"
    );
    std::fs::write(
        m.state.path().join("units/ovirt-websocket-proxy"),
        "enabled active\n",
    )
    .unwrap();
    let st = std::process::Command::new(m.shims().join("systemctl"))
        .args(["restart", "ovirt-websocket-proxy"])
        .status()
        .unwrap();
    assert!(st.success());
    let out = m.rhv_pki(&[
        "maintenance",
        "verify",
        "--root",
        m.root_str(),
        "--probe-timeout",
        "3",
        "--wait",
        "10",
        "--format",
        "json",
    ]);
    let doc = json(&out);
    let wsp = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["endpoint"] == "websocket-proxy")
        .unwrap();
    assert_eq!(wsp["state"], "current", "{doc:#}");
    assert_eq!(wsp["servedSerial"], new.as_str());
}

#[test]
fn bad_endpoint_arguments_are_usage_errors() {
    let m = Manager::start("4.5-modern", &[]);
    for bad in [
        "nginx=127.0.0.1:1",
        "httpd=127.0.0.1",
        "httpd=127.0.0.1:70000",
        "httpd",
    ] {
        let out = m.rhv_pki(&[
            "audit",
            "--root",
            m.root_str(),
            "--probe",
            "--endpoint",
            bad,
        ]);
        assert_eq!(out.status.code(), Some(3), "{bad}");
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains("--endpoint"), "{bad}: {e}");
    }
    // No configuration and no --endpoint on a bare PKI copy: verify says so.
    let bare = tempfile::tempdir().unwrap();
    let out = m.rhv_pki(&[
        "maintenance",
        "verify",
        "--pki-dir",
        bare.path().to_str().unwrap(),
    ]);
    // httpd is assumed on its default port (localhost:443) with certs/apache.cer, which this
    // copy lacks: nothing is proven, so never exit 0 (4: the file cannot be read, no restart-needed).
    assert_eq!(out.status.code(), Some(4));
}
