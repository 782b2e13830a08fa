//! `rhv-pki maintenance status|on|off` against the stand-in `hosted-engine` (state file, call
//! log): read back, "already", did-not-take, and no hosted engine at all.

mod common;

use common::manager::{json, Manager};

#[test]
fn status_on_off_read_back_and_refusals() {
    let m = Manager::start("4.5-modern", &[]);
    let out = m.rhv_pki(&[
        "maintenance",
        "status",
        "--he-host",
        "localhost",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    assert_eq!(doc["globalMaintenance"], false);
    assert_eq!(doc["hosts"].as_array().unwrap().len(), 2);

    let out = m.rhv_pki(&["maintenance", "on", "--he-host", "localhost"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(m.gm());
    let t = String::from_utf8_lossy(
        &m.rhv_pki(&["maintenance", "status", "--he-host", "localhost"])
            .stdout,
    )
    .to_string();
    assert!(t.contains("global maintenance: ON"), "{t}");
    m.clear_calls();
    let out = m.rhv_pki(&["maintenance", "on", "--he-host", "localhost"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("it already was"));
    assert!(!m.calls().iter().any(|c| c.contains("--set-maintenance")));

    let out = m.rhv_pki(&[
        "maintenance",
        "off",
        "--he-host",
        "localhost",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    assert_eq!(
        (doc["before"].clone(), doc["after"].clone()),
        (true.into(), false.into())
    );
    assert!(!m.gm());

    m.flag("he-ignore");
    let out = m.rhv_pki(&[
        "maintenance",
        "on",
        "--he-host",
        "localhost",
        "--maintenance-timeout",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("still off"));
    assert!(!m.gm());
}

#[test]
fn no_hosted_engine_found_is_said_plainly() {
    // No shims in PATH: no hosted-engine command here, no --he-host, no REST client.
    let out = common::bin()
        .args(["maintenance", "status"])
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("hosted engine not detected"));
    let out = common::bin()
        .args(["maintenance", "on"])
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot set global maintenance"));
    // A remote --he-host is reached over SSH: nobody listening there is a clear error naming
    // the host, not a silent local run.
    let out = common::bin()
        .args(["maintenance", "status", "--he-host", "127.0.0.1:1"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--he-host 127.0.0.1:1") && err.contains("connect"),
        "{err}"
    );
}
