//! Injected faults and restarts, against the real binary: a host stuck in
//! preparing_for_maintenance, install_failed (882) on enroll, non_responsive after
//! activate, a burst of HTTP 503s, an injected crash and a kill -9 mid-enrollment with
//! the state file carrying the run on; plus bad command-line input.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::openssl_stdin;
use common::sim::{served_cert, sim_bin, Sim};

fn faults(extra: &str) -> String {
    format!(
        "[timings]\nenroll_start = 5.0\nenroll = 10.0\nmigration = 5.0\nmaintenance_settle = 2.0\nactivate_unassigned = 2.0\nactivate_initializing = 2.0\nspm_election = 2.0\n{extra}"
    )
}

#[test]
fn stuck_in_preparing_for_maintenance() {
    let s = faults("[[faults]]\nkind = \"stuck_preparing\"\nhost = \"host1\"\ncount = 1\n");
    let sim = Sim::with_args("4.5-modern", Some(&s), &["--time-scale", "0.02"]);
    let mut c = sim.client();
    c.login();
    let h1 = c.host_id("host1");
    assert_eq!(c.post(&format!("/hosts/{h1}/deactivate"), "{}").status, 200);
    // Event 17 (VDS_MAINTENANCE_FAILED) and 65/140 for the VMs; the host stays put.
    let t0 = Instant::now();
    while c.events("?search=type%3D17").is_empty() {
        assert!(t0.elapsed() < Duration::from_secs(10), "no event 17");
        std::thread::sleep(Duration::from_millis(30));
    }
    assert_eq!(c.events("?search=type%3D140").len(), 2);
    assert_eq!(c.events("?search=type%3D65").len(), 2);
    std::thread::sleep(Duration::from_millis(600)); // well past migration + settle
    assert_eq!(c.status(&h1), "preparing_for_maintenance");
    assert_eq!(
        c.getj("/vms?search=host%3Dhost1")["vm"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(c.events("?search=type%3D15").is_empty());
    // Enroll is refused while preparing; activate cancels it.
    assert_eq!(
        c.post(&format!("/hosts/{h1}/enrollcertificate"), "{}")
            .status,
        409
    );
    assert_eq!(c.post(&format!("/hosts/{h1}/activate"), "{}").status, 200);
    c.wait_status(&h1, "up", Duration::from_secs(10));
    // count = 1: the second attempt works.
    assert_eq!(c.post(&format!("/hosts/{h1}/deactivate"), "{}").status, 200);
    c.wait_status(&h1, "maintenance", Duration::from_secs(10));
}

#[test]
fn install_failed_then_retry() {
    // `installing` lasts 0.5 s here, so the 25 ms poll cannot miss it on a loaded machine.
    let s = faults("[[faults]]\nkind = \"install_failed\"\nhost = \"host2\"\ncount = 1\n")
        .replace("enroll = 10.0", "enroll = 25.0");
    let sim = Sim::with_args("4.5-modern", Some(&s), &["--time-scale", "0.02"]);
    let mut c = sim.client();
    c.login();
    let h2 = c.host_id("host2");
    let port = c.vdsm_ports()["host2"];
    let before = served_cert(port, "host2.example.test");
    let serial_before = std::fs::read_to_string(sim.pki().join("serial.txt")).unwrap();
    c.post(&format!("/hosts/{h2}/deactivate"), "{}");
    c.wait_status(&h2, "maintenance", Duration::from_secs(10));
    let r = c.post(&format!("/hosts/{h2}/enrollcertificate"), "{}");
    assert_eq!(r.status, 200);
    let job = r.json()["job"]["id"].as_str().unwrap().to_string();
    let seen = c.wait_status(&h2, "install_failed", Duration::from_secs(10));
    assert!(seen.contains(&"installing".to_string()), "{seen:?}");
    let e = c.events("?search=type%3D882");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["severity"], "error");
    assert_eq!(c.getj(&format!("/jobs/{job}"))["status"], "failed");
    assert_eq!(
        served_cert(port, "host2.example.test"),
        before,
        "nothing was installed"
    );
    assert_eq!(
        std::fs::read_to_string(sim.pki().join("serial.txt")).unwrap(),
        serial_before,
        "nothing was signed"
    );
    // Activation from install_failed is possible, but re-enrolling is what we want.
    let r = c.post(&format!("/hosts/{h2}/enrollcertificate"), "{}");
    assert_eq!(r.status, 200, "{}", r.body);
    c.wait_status(&h2, "installing", Duration::from_secs(10));
    c.wait_status(&h2, "maintenance", Duration::from_secs(10));
    assert_eq!(c.events("?search=type%3D881").len(), 1);
    assert_ne!(served_cert(port, "host2.example.test"), before);
}

#[test]
fn non_responsive_after_activate() {
    // Activation's unassigned/initializing phases last 0.4 s each here, so the 25 ms poll
    // cannot miss both on a loaded machine.
    let s = faults(
        "[[faults]]\nkind = \"non_responsive_after_activate\"\nhost = \"host3\"\ncount = 1\n",
    )
    .replace("activate_unassigned = 2.0", "activate_unassigned = 20.0")
    .replace(
        "activate_initializing = 2.0",
        "activate_initializing = 20.0",
    );
    let sim = Sim::with_args("4.5-modern", Some(&s), &["--time-scale", "0.02"]);
    let mut c = sim.client();
    c.login();
    let h3 = c.host_id("host3");
    c.post(&format!("/hosts/{h3}/deactivate"), "{}");
    c.wait_status(&h3, "maintenance", Duration::from_secs(10));
    c.post(&format!("/hosts/{h3}/activate"), "{}");
    let seen = c.wait_status(&h3, "non_responsive", Duration::from_secs(10));
    assert!(seen.contains(&"unassigned".to_string()) || seen.contains(&"initializing".to_string()));
    assert_eq!(c.events("?search=type%3D12").len(), 1);
    assert_eq!(c.post(&format!("/hosts/{h3}/activate"), "{}").status, 409);
    // 4.5.1+: Enroll Certificate is allowed on a non-responsive host.
    assert_eq!(
        c.post(&format!("/hosts/{h3}/enrollcertificate"), "{}")
            .status,
        200
    );
    c.wait_status(&h3, "maintenance", Duration::from_secs(10));
}

#[test]
fn http_503_burst() {
    let s = faults("[[faults]]\nkind = \"http_5xx\"\nafter = 2\ncount = 3\npath = \"/hosts\"\n");
    let sim = Sim::with_args("4.5-modern", Some(&s), &[]);
    let mut c = sim.client();
    c.login();
    let codes: Vec<u16> = (0..7).map(|_| c.get("/hosts").status).collect();
    assert_eq!(codes, [200, 200, 503, 503, 503, 200, 200]);
    // Other paths were never affected.
    assert_eq!(c.get("/vms").status, 200);
    // Status 502, scoped to one host.
    let s = faults("[[faults]]\nkind = \"http_5xx\"\nhost = \"host2\"\ncount = 2\nstatus = 502\n");
    let sim = Sim::with_args("4.5-modern", Some(&s), &[]);
    let mut c = sim.client();
    c.login();
    let h2 = c.host_id("host2");
    let h1 = c.host_id("host1");
    assert_eq!(c.get(&format!("/hosts/{h1}")).status, 200);
    assert_eq!(c.get(&format!("/hosts/{h2}")).status, 502);
    assert_eq!(c.post(&format!("/hosts/{h2}/deactivate"), "{}").status, 502);
    assert_eq!(c.get(&format!("/hosts/{h2}")).status, 200);
}

#[test]
fn crash_and_restart_continue_from_the_state_file() {
    // The 4th GET of a host kills the simulator mid-maintenance.
    let s = faults("[[faults]]\nkind = \"crash\"\nafter = 3\npath = \"/hosts/\"\n");
    let mut sim = Sim::with_args("4.5-modern", Some(&s), &["--time-scale", "0.2"]);
    let mut c = sim.client();
    c.login();
    let h1 = c.host_id("host1");
    let ports = c.vdsm_ports();
    let old_token = c.token.clone();
    assert_eq!(c.post(&format!("/hosts/{h1}/deactivate"), "{}").status, 200);
    assert_eq!(c.status(&h1), "preparing_for_maintenance");
    assert_eq!(c.status(&h1), "preparing_for_maintenance");
    let last_before = c.events("?max=1")[0]["id"]
        .as_str()
        .unwrap()
        .parse::<i64>()
        .unwrap();
    let r = std::panic::catch_unwind(|| c.get(&format!("/hosts/{h1}")));
    assert!(
        r.is_err() || r.as_ref().map(|x| x.status).unwrap_or(0) == 0,
        "the crash request gets no answer"
    );
    assert_eq!(sim.wait_exit(Duration::from_secs(10)), Some(86));

    sim.spawn();
    let mut c = sim.client();
    // SSO sessions did not survive the restart (the engine keeps them in memory).
    c.token = old_token;
    assert_eq!(c.get("/hosts").status, 401);
    c.login();
    c.wait_status(&h1, "maintenance", Duration::from_secs(20));
    assert_eq!(c.vdsm_ports(), ports, "same vdsm ports after restart");
    let ev = c.events("");
    let newest = ev[0]["id"].as_str().unwrap().parse::<i64>().unwrap();
    assert!(newest > last_before, "event ids keep increasing");
    assert_eq!(c.events("?search=type%3D15").len(), 1);
    // The crash fault fired once and is remembered.
    for _ in 0..6 {
        assert_eq!(c.get(&format!("/hosts/{h1}")).status, 200);
    }
}

#[test]
fn kill_during_installing_finishes_after_restart() {
    let s = faults("");
    let mut sim = Sim::with_args("4.5-modern", Some(&s), &["--time-scale", "0.1"]);
    let mut c = sim.client();
    c.login();
    let h1 = c.host_id("host1");
    let port = c.vdsm_ports()["host1"];
    let before = served_cert(port, "host1.example.test");
    c.post(&format!("/hosts/{h1}/deactivate"), "{}");
    c.wait_status(&h1, "maintenance", Duration::from_secs(20));
    c.post(&format!("/hosts/{h1}/enrollcertificate"), "{}");
    c.wait_status(&h1, "installing", Duration::from_secs(20));
    sim.kill(); // SIGKILL
    sim.spawn();
    let mut c = sim.client();
    c.login();
    let s = c.status(&h1);
    assert!(s == "installing" || s == "maintenance", "{s}");
    c.wait_status(&h1, "maintenance", Duration::from_secs(20));
    assert_eq!(c.events("?search=type%3D881").len(), 1);
    assert_ne!(served_cert(port, "host1.example.test"), before);
    let (ok, out) = openssl_stdin(
        &[
            "verify",
            "-CAfile",
            sim.pki().join("ca.pem").to_str().unwrap(),
            sim.pki()
                .join("certs/host1.example.test.cer")
                .to_str()
                .unwrap(),
        ],
        b"",
    );
    assert!(ok, "{out}");
}

#[test]
fn bad_input_is_refused_clearly() {
    let root = common::scenario("4.5-modern");
    let pki = common::pki(root.path());
    let run = |args: &[&str], env_pw: Option<&str>| {
        let mut cmd = Command::new(sim_bin());
        cmd.args(args).env_remove("RHV_SIM_PASSWORD");
        if let Some(p) = env_pw {
            cmd.env("RHV_SIM_PASSWORD", p);
        }
        let o = cmd.output().unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
            o.stdout,
        )
    };
    let p = pki.to_str().unwrap();
    let (code, err, out) = run(&["--pki-dir", p], None);
    assert_eq!(code, Some(2));
    assert!(err.contains("RHV_SIM_PASSWORD"), "{err}");
    assert!(out.is_empty());
    let bad = root.path().join("bad.toml");
    std::fs::write(&bad, "[[hosts]]\nname = 'x'\nstatus = 'dancing'\n").unwrap();
    let (code, err, _) = run(
        &["--pki-dir", p, "--scenario", bad.to_str().unwrap()],
        Some("pw"),
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("bad.toml") && err.contains("dancing"), "{err}");
    let (code, err, _) = run(&["--pki-dir", "/nonexistent/pki"], Some("pw"));
    assert_eq!(code, Some(1));
    assert!(
        err.contains("/nonexistent/pki") && err.contains("ca.pem"),
        "{err}"
    );
    let (code, err, _) = run(&["--pki-dir", p, "--listen", "0.0.0.0:0"], Some("pw"));
    assert_eq!(code, Some(1));
    assert!(err.contains("loopback"), "{err}");
    // A PKI dir whose apache key does not match.
    std::fs::copy(
        pki.join("keys/websocket-proxy.key.nopass"),
        pki.join("keys/apache.key.nopass"),
    )
    .unwrap();
    let (code, err, _) = run(&["--pki-dir", p], Some("pw"));
    assert_eq!(code, Some(1));
    assert!(err.contains("apache.key.nopass"), "{err}");
    std::fs::copy(
        common::scenario("4.5-modern")
            .path()
            .join("etc/pki/ovirt-engine/keys/apache.key.nopass"),
        pki.join("keys/apache.key.nopass"),
    )
    .unwrap();
    let state = root.path().join("garbage.json");
    std::fs::write(&state, "{not json").unwrap();
    let (code, err, _) = run(
        &["--pki-dir", p, "--state", state.to_str().unwrap()],
        Some("pw"),
    );
    assert_eq!(code, Some(1));
    assert!(
        err.contains("garbage.json") && err.contains("not a simulator state file"),
        "{err}"
    );
}
