//! The maintenance cycle of `resign` / `renew`, judged on real servers: a private apache2
//! (mod_ssl) and an `openssl s_server` serve the sample PKI's certificates; stand-in
//! `systemctl` / `hosted-engine` commands really restart them and log every call together with
//! the serial on disk and the serial apache serves at that moment (openssl CLI as judge).

mod common;

use common::manager::{json, served, Manager};

fn idx(calls: &[String], needle: &str) -> usize {
    calls
        .iter()
        .position(|c| c.contains(needle))
        .unwrap_or_else(|| panic!("no call containing '{needle}' in {calls:#?}"))
}

fn field<'a>(call: &'a str, key: &str) -> &'a str {
    call.split_whitespace()
        .find_map(|w| w.strip_prefix(&format!("{key}=")))
        .unwrap_or("")
}

fn steps(doc: &serde_json::Value) -> Vec<String> {
    doc["cycle"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| match e["unit"].as_str() {
            Some(u) => format!("{} {u}", e["step"].as_str().unwrap()),
            None => e["step"].as_str().unwrap().to_string(),
        })
        .collect()
}

#[test]
fn resign_runs_maintenance_files_restarts_verify_maintenance_off_in_that_order() {
    let m = Manager::start(
        "4.2-sha1",
        &[
            ("httpd", "enabled", true),
            ("ovirt-websocket-proxy", "enabled", true),
            ("ovirt-engine", "enabled", true),
        ],
    );
    let old = m.apache_disk_serial();
    let (s0, sig0) = served(m.apache_port);
    assert_eq!(s0, old);
    assert!(sig0.contains("sha1"), "{sig0}");
    let old_wsp = served(m.wsp_port).0;

    let (he, ep1, ep2) = ("localhost", m.httpd_ep(), m.wsp_ep());
    let out = m.rhv_pki(&[
        "resign",
        "apache",
        "websocket-proxy",
        "--root",
        m.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        he,
        "--endpoint",
        &ep1,
        "--endpoint",
        &ep2,
        "--verify-timeout",
        "30",
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr={} doc={doc:#}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        steps(&doc),
        [
            "maintenance-on",
            "files",
            "restart httpd",
            "restart ovirt-websocket-proxy",
            "verify",
            "maintenance-off"
        ]
    );
    // The shims' own log, with the disk/served serials each call saw.
    let calls = m.calls();
    let on = idx(&calls, "hosted-engine --set-maintenance --mode=global");
    let r_httpd = idx(&calls, "systemctl restart httpd");
    let r_wsp = idx(&calls, "systemctl restart ovirt-websocket-proxy");
    let off = idx(&calls, "hosted-engine --set-maintenance --mode=none");
    assert!(on < r_httpd && r_httpd < r_wsp && r_wsp < off, "{calls:#?}");
    let new = m.apache_disk_serial();
    assert_ne!(new, old);
    // maintenance went on while the old files were still there …
    assert_eq!(field(&calls[on], "disk_apache"), old);
    // … services were restarted after the new files were written …
    assert_eq!(field(&calls[r_httpd], "disk_apache"), new);
    assert_eq!(field(&calls[r_httpd], "served_apache"), old);
    // … and maintenance was cleared only once apache served the new certificate.
    assert_eq!(field(&calls[off], "served_apache"), new);
    assert!(!m.gm(), "global maintenance left on");
    // Only the units that read the changed files were restarted.
    assert!(!calls.iter().any(|c| c.contains("restart ovirt-engine")));

    // openssl s_client: the new serial, now SHA-256, on both endpoints.
    let (s1, sig1) = served(m.apache_port);
    assert_eq!(s1, new);
    assert_eq!(sig1, "sha256WithRSAEncryption");
    let wsp_new = common::manager::disk_serial(&m.pki().join("certs/websocket-proxy.cer"));
    assert_ne!(wsp_new, old_wsp);
    assert_eq!(
        served(m.wsp_port),
        (wsp_new, "sha256WithRSAEncryption".into())
    );
    let checks = doc["cycle"]["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 2);
    assert!(
        checks.iter().all(|c| c["state"] == "current"),
        "{checks:#?}"
    );
    assert!(doc["findings"].as_array().unwrap().is_empty());
}

#[test]
fn no_restart_leaves_the_old_certificate_served_and_audit_probe_reports_restart_needed() {
    let m = Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    let old = m.apache_disk_serial();
    let ep = m.httpd_ep();
    // Before any change: the endpoint is current.
    let out = m.rhv_pki(&[
        "audit",
        "--root",
        m.root_str(),
        "--probe",
        "--endpoint",
        &ep,
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert!(
        !doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "restart-needed"),
        "{doc:#}"
    );

    let out = m.rhv_pki(&[
        "resign",
        "apache",
        "--root",
        m.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        "localhost",
        "--no-restart",
        "--endpoint",
        &ep,
    ]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("to do: systemctl restart httpd"), "{text}");
    assert!(
        text.contains("to do: hosted-engine --set-maintenance --mode=global"),
        "{text}"
    );
    assert!(!m.calls().iter().any(|c| c.contains("systemctl restart")));
    assert!(!m.gm());
    let new = m.apache_disk_serial();
    assert_ne!(new, old);
    assert_eq!(
        served(m.apache_port).0,
        old,
        "apache must still serve the old one"
    );

    // audit --probe: restart-needed with the evidence, warning → exit 1 (the 4.2 sample has
    // other warnings too, so look at the finding itself).
    let out = m.rhv_pki(&[
        "audit",
        "--root",
        m.root_str(),
        "--probe",
        "--endpoint",
        &ep,
        "--format",
        "json",
    ]);
    let doc = json(&out);
    let f: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "restart-needed")
        .collect();
    assert_eq!(f.len(), 1, "{doc:#}");
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(f[0]["path"], "certs/apache.cer");
    assert_eq!(f[0]["servedSerial"], old.as_str());
    assert_eq!(f[0]["onDiskSerial"], new.as_str());
    assert_eq!(f[0]["service"], "httpd");
    assert_eq!(f[0]["endpoint"], "httpd");
    assert_eq!(
        f[0]["address"],
        format!("127.0.0.1:{}", m.apache_port).as_str()
    );
    // The table shows it too, and the summary counts it.
    let out = m.rhv_pki(&[
        "audit",
        "--root",
        m.root_str(),
        "--probe",
        "--endpoint",
        &ep,
    ]);
    let t = String::from_utf8_lossy(&out.stdout);
    assert!(t.contains("restart-needed"), "{t}");
    // Prometheus: the finding_active series the shipped alert rule watches.
    let out = m.rhv_pki(&[
        "audit",
        "--root",
        m.root_str(),
        "--probe",
        "--endpoint",
        &ep,
        "--format",
        "prometheus",
    ]);
    let p = String::from_utf8_lossy(&out.stdout);
    assert!(
        p.lines().any(|l| l.starts_with("rhv_pki_finding_active{")
            && l.contains("code=\"restart-needed\"")
            && l.ends_with(" 1")),
        "{p}"
    );

    // The admin's sub-step: restart what reads apache, under maintenance, verified.
    m.clear_calls();
    let out = m.rhv_pki(&[
        "maintenance",
        "restart",
        "apache",
        "--root",
        m.root_str(),
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &ep,
        "--verify-timeout",
        "30",
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert_eq!(
        steps(&doc),
        [
            "maintenance-on",
            "restart httpd",
            "verify",
            "maintenance-off"
        ]
    );
    assert_eq!(served(m.apache_port).0, new);
    assert!(!m.gm());
    let out = m.rhv_pki(&[
        "audit",
        "--root",
        m.root_str(),
        "--probe",
        "--endpoint",
        &ep,
        "--format",
        "prometheus",
    ]);
    let p = String::from_utf8_lossy(&out.stdout);
    assert!(
        p.lines().any(|l| l.contains("rhv_pki_finding_active{")
            && l.contains("code=\"restart-needed\"")
            && l.ends_with(" 0")),
        "{p}"
    );
    // maintenance verify agrees: exit 0 now.
    let out = m.rhv_pki(&[
        "maintenance",
        "verify",
        "--root",
        m.root_str(),
        "--endpoint",
        &ep,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn maintenance_that_does_not_take_refuses_before_any_change() {
    let m = Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    m.flag("he-ignore");
    let before = m.pki_digest();
    let ep = m.httpd_ep();
    let out = m.rhv_pki(&[
        "resign",
        "apache",
        "--root",
        m.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &ep,
        "--maintenance-timeout",
        "2",
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(2), "{doc:#}");
    assert_eq!(steps(&doc), ["maintenance-on"]);
    assert_eq!(doc["cycle"]["events"][0]["ok"], false);
    assert!(
        doc["cycle"]["events"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("still off"),
        "{doc:#}"
    );
    assert!(doc["result"].is_null());
    assert_eq!(m.pki_digest(), before, "nothing may change");
    assert!(!m.calls().iter().any(|c| c.contains("systemctl restart")));
    assert!(!m.gm());

    // hosted-engine that cannot reach the HA daemon: refused the same way.
    let m2 = Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    m2.flag("he-fail");
    let before = m2.pki_digest();
    let out = m2.rhv_pki(&[
        "resign",
        "apache",
        "--root",
        m2.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &m2.httpd_ep(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let t = String::from_utf8_lossy(&out.stdout);
    assert!(t.contains("Cannot connect to the HA daemon"), "{t}");
    assert_eq!(m2.pki_digest(), before);

    // --he-host naming a machine without a deployed hosted engine: refused, nothing changed.
    let m3 = Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    m3.flag("he-broken");
    let before = m3.pki_digest();
    let out = m3.rhv_pki(&[
        "resign",
        "apache",
        "--root",
        m3.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &m3.httpd_ep(),
    ]);
    assert_ne!(out.status.code(), Some(0));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("hosted-engine --vm-status --json"), "{e}");
    assert_eq!(m3.pki_digest(), before);
}

#[test]
fn restart_failure_is_reported_maintenance_kept_on_exit_4() {
    let m = Manager::start(
        "4.2-sha1",
        &[
            ("httpd", "enabled", true),
            ("ovirt-websocket-proxy", "enabled", true),
        ],
    );
    m.flag("fail-httpd");
    let (ep1, ep2) = (m.httpd_ep(), m.wsp_ep());
    let old = m.apache_disk_serial();
    let out = m.rhv_pki(&[
        "resign",
        "apache",
        "websocket-proxy",
        "--root",
        m.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &ep1,
        "--endpoint",
        &ep2,
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(4), "{doc:#}");
    assert_eq!(doc["cycle"]["result"], "restart-failed");
    assert_eq!(
        steps(&doc),
        [
            "maintenance-on",
            "files",
            "restart httpd",
            "maintenance-kept-on"
        ]
    );
    let ev = &doc["cycle"]["events"][2];
    assert_eq!(ev["ok"], false);
    assert!(
        ev["detail"]
            .as_str()
            .unwrap()
            .contains("control process exited"),
        "{ev}"
    );
    // The exact state: files committed (backup id given), nothing after httpd restarted,
    // global maintenance kept ON (a service is down: the HA agents must not act), the rest
    // left as commands, clearing maintenance last.
    assert!(doc["result"]["backup"].is_string());
    assert_ne!(m.apache_disk_serial(), old);
    assert!(!m
        .calls()
        .iter()
        .any(|c| c.contains("restart ovirt-websocket-proxy")));
    assert!(
        m.gm(),
        "global maintenance must stay on after a failed restart"
    );
    assert!(!m.calls().iter().any(|c| c.contains("--mode=none")));
    assert!(
        doc["cycle"]["maintenanceAfter"]
            .as_str()
            .unwrap()
            .starts_with("ON — kept on because a restart failed"),
        "{doc:#}"
    );
    let manual: Vec<&str> = doc["cycle"]["manual"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        manual[0].contains("systemctl restart httpd ovirt-websocket-proxy"),
        "{manual:?}"
    );
    assert!(
        manual
            .last()
            .unwrap()
            .contains("hosted-engine --set-maintenance --mode=none"),
        "{manual:?}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ATTENTION: global maintenance is still ON because a restart failed"),
        "{err}"
    );
    // The table says it too.
    m.set_gm(false);
    let out = m.rhv_pki(&[
        "resign",
        "apache",
        "--root",
        m.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &ep1,
    ]);
    assert_eq!(out.status.code(), Some(4));
    let t = String::from_utf8_lossy(&out.stdout);
    assert!(
        t.contains("global maintenance now: ON — kept on because a restart failed"),
        "{t}"
    );
    assert!(m.gm());
}

#[test]
fn stale_endpoint_after_restart_is_restart_needed_exit_5() {
    let m = Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    // systemctl says it restarted httpd, but apache keeps the old certificate in memory.
    m.flag("noop-httpd");
    let old = m.apache_disk_serial();
    let ep = m.httpd_ep();
    let out = m.rhv_pki(&[
        "resign",
        "apache",
        "--root",
        m.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &ep,
        "--verify-timeout",
        "2",
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(5), "{doc:#}");
    assert_eq!(doc["cycle"]["result"], "stale");
    assert_eq!(
        steps(&doc),
        [
            "maintenance-on",
            "files",
            "restart httpd",
            "verify",
            "maintenance-off"
        ]
    );
    let new = m.apache_disk_serial();
    let f = &doc["findings"][0];
    assert_eq!(f["code"], "restart-needed");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["servedSerial"], old.as_str());
    assert_eq!(f["onDiskSerial"], new.as_str());
    assert_eq!(served(m.apache_port).0, old);
    assert!(
        !m.gm(),
        "maintenance must be cleared even when verification fails"
    );
}

#[test]
fn maintenance_already_on_before_us_is_left_on() {
    let m = Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    m.set_gm(true);
    let ep = m.httpd_ep();
    let out = m.rhv_pki(&[
        "resign",
        "apache",
        "--root",
        m.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &ep,
        "--verify-timeout",
        "30",
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert_eq!(
        steps(&doc),
        [
            "maintenance-already-on",
            "files",
            "restart httpd",
            "verify",
            "maintenance-left-on"
        ]
    );
    assert!(m.gm(), "it was on before us: it must stay on");
    assert!(!m.calls().iter().any(|c| c.contains("--set-maintenance")));
    assert_eq!(served(m.apache_port).0, m.apache_disk_serial());
}

#[test]
fn file_step_failure_rolls_back_and_clears_maintenance() {
    let m = Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    let before = m.pki_digest();
    let ep = m.httpd_ep();
    let path = format!(
        "{}:{}",
        m.shims().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = common::bin()
        .args([
            "resign",
            "apache",
            "--root",
            m.root_str(),
            "--yes",
            "--cycle",
            "--he-host",
            "localhost",
            "--endpoint",
            &ep,
            "--format",
            "json",
        ])
        .env("PATH", path)
        .env("RHV_PKI_FAULT", "fail:3")
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    assert_eq!(steps(&doc), ["maintenance-on", "files", "maintenance-off"]);
    assert_eq!(doc["cycle"]["result"], "files-failed");
    assert_eq!(m.pki_digest(), before, "rolled back byte-identical");
    assert!(!m.calls().iter().any(|c| c.contains("systemctl restart")));
    assert!(!m.gm());
}

#[test]
fn maintenance_not_cleared_is_reported_loudly() {
    let m = Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    m.flag("he-ignore-none");
    let ep = m.httpd_ep();
    let out = m.rhv_pki(&[
        "resign",
        "apache",
        "--root",
        m.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &ep,
        "--verify-timeout",
        "30",
        "--maintenance-timeout",
        "2",
    ]);
    let t = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "{t}");
    assert!(t.contains("global maintenance now: ON"), "{t}");
    assert!(
        t.contains("hosted-engine --set-maintenance --mode=none"),
        "{t}"
    );
    assert!(m.gm());
}

#[test]
fn dry_run_prints_the_cycle_and_touches_nothing() {
    let m = Manager::start(
        "4.2-sha1",
        &[
            ("httpd", "enabled", true),
            ("ovirt-websocket-proxy", "disabled", false),
            ("ovirt-imageio-proxy", "masked", false),
        ],
    );
    let before = m.pki_digest();
    let ep = m.httpd_ep();
    let out = m.rhv_pki(&[
        "resign",
        "--all",
        "--root",
        m.root_str(),
        "--dry-run",
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &ep,
    ]);
    let t = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains("cycle: global maintenance: hosted-engine on localhost"),
        "{t}"
    );
    assert!(t.contains("cycle: restart httpd"), "{t}");
    assert!(t.contains("cycle: skip    ovirt-websocket-proxy"), "{t}");
    assert!(t.contains("disabled and not running"), "{t}");
    assert!(t.contains("cycle: skip    ovirt-imageio-proxy"), "{t}");
    assert!(t.contains("cycle: skip    ovirt-engine"), "{t}");
    assert!(t.contains("not installed"), "{t}");
    assert!(t.contains("cycle: verify  httpd"), "{t}");
    assert_eq!(m.pki_digest(), before);
    let calls = m.calls();
    assert!(
        !calls
            .iter()
            .any(|c| c.contains("--set-maintenance") || c.contains("systemctl restart")),
        "{calls:#?}"
    );

    // Without --cycle a copy never restarts anything and says so.
    let out = m.rhv_pki(&["resign", "apache", "--root", m.root_str(), "--dry-run"]);
    let t = String::from_utf8_lossy(&out.stdout);
    assert!(t.contains("maintenance cycle not run"), "{t}");
}

/// The harness itself: a port taken by someone else between `free_port` and the bind is
/// noticed (s_server exits, apache refuses to start) instead of a test talking to a stranger.
#[test]
fn the_harness_notices_a_port_taken_before_its_server_bound_it() {
    let mut m = Manager::start("4.5-modern", &[("httpd", "enabled", true)]);
    let stranger = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = stranger.local_addr().unwrap().port();

    m.wsp_port = taken;
    m.write_shims();
    assert!(
        !m.try_start_wsp(),
        "s_server on a taken port must be seen as failed"
    );

    m.apache("stop");
    m.apache_port = taken;
    m.write_httpd_conf();
    assert!(
        !m.try_apache("start"),
        "apache on a taken port must be seen as failed"
    );
}
