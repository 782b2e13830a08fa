//! `rhv-pki hosts enroll` / `hosts audit` driven as a user would, against the shipped Manager
//! simulator on loopback: the real binary, real TLS, real certificates signed into a copy of
//! a sample PKI; the openssl CLI judges what the hosts serve afterwards.

mod common;
use common::text;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::sim::{fired, three_hosts, Sim};

/// Nominal timings × this = the simulated cycle (a host cycle ≈ 0.6 s).
const SCALE: f64 = 0.01;

fn rhv(sim: &Sim, args: &[&str]) -> Output {
    let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    v.extend(sim.engine_args());
    v.extend(["--probe-timeout".to_string(), "5".to_string()]);
    if args.contains(&"enroll") {
        v.extend(["--poll-interval".to_string(), "0.05".to_string()]);
        // These tests cycle every host they select (healthy ones too), unless they ask for
        // only what is needed.
        if !args.contains(&"--only-needed") {
            v.push("--all-hosts".to_string());
        }
    }
    Command::new(env!("CARGO_BIN_EXE_rhv-pki"))
        .args(&v)
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
        .output()
        .unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// What a vdsm endpoint serves, judged by the openssl CLI against the PKI's ca.pem.
fn served_by_openssl(sim: &Sim, endpoint: &str, name: &str) -> (String, String) {
    let out = Command::new("openssl")
        .args(["s_client", "-connect", endpoint, "-servername", name])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let pem = String::from_utf8_lossy(&out.stdout).to_string();
    let a = pem
        .find("-----BEGIN CERTIFICATE-----")
        .expect("no cert served");
    let b = pem.find("-----END CERTIFICATE-----").unwrap() + 25;
    let f = sim.root.path().join(format!("served-{name}.pem"));
    std::fs::write(&f, &pem[a..b]).unwrap();
    let verify = common::openssl_text(&[
        "verify",
        "-CAfile",
        &sim.pki().join("ca.pem").display().to_string(),
        &f.display().to_string(),
    ]);
    let info = common::openssl_text(&[
        "x509",
        "-noout",
        "-serial",
        "-ext",
        "subjectAltName",
        "-text",
        "-in",
        &f.display().to_string(),
    ]);
    (verify, info)
}

#[test]
fn happy_path_multi_cluster_spm_last_and_vdsm_serves_new_sha256_certs() {
    let scenario = r#"
[[clusters]]
name = "Default"
[[clusters]]
name = "Edge"

[[hosts]]
name = "a1"
cluster = "Default"
spm = true
cert = { sha1 = true }
[[hosts]]
name = "a2"
cluster = "Default"
[[hosts]]
name = "a3"
cluster = "Default"
[[hosts]]
name = "b1"
cluster = "Edge"
spm_priority = -1
[[hosts]]
name = "b2"
cluster = "Edge"
spm_priority = -1

[[vms]]
name = "vm-a1"
host = "a1"
memory_mib = 4096
[[vms]]
name = "vm-b1"
host = "b1"
memory_mib = 2048
"#;
    let sim = Sim::start("4.5-modern", scenario, SCALE);
    let before = sim.vdsm_endpoints();
    // hosts audit sees the SHA-1 host before.
    let a = rhv(&sim, &["hosts", "audit", "--format", "json"]);
    assert_eq!(a.status.code(), Some(1), "{}", text(&a));
    let doc = json(&a);
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "sha1-signature" && f["path"].as_str().unwrap().starts_with("a1")),
        "{doc}"
    );

    let dry = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--max-parallel",
            "2",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let plan = json(&dry);
    let waves = plan["waves"].as_array().unwrap();
    let id_of = |n: &str| {
        plan["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == n)
            .unwrap()["id"]
            .clone()
    };
    // K respected, SPM a1 in the last wave that has Default hosts, each cluster keeps one Up.
    assert!(
        waves.iter().all(|w| w.as_array().unwrap().len() <= 2),
        "{plan}"
    );
    let wave_of = |n: &str| {
        let id = id_of(n);
        waves
            .iter()
            .position(|w| w.as_array().unwrap().contains(&id))
            .unwrap()
    };
    assert!(
        wave_of("a1") > wave_of("a2") && wave_of("a1") > wave_of("a3"),
        "{plan}"
    );
    assert_ne!(
        wave_of("b1"),
        wave_of("b2"),
        "a whole cluster out at once: {plan}"
    );
    // The dry run changed nothing.
    assert!(sim.statuses().iter().all(|(_, s)| s == "up"));

    let run = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--max-parallel",
            "2",
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let rep = json(&run);
    assert_eq!(rep["completed"], true);
    assert!(rep["leftInMaintenance"].as_array().unwrap().is_empty());
    for h in rep["hosts"].as_array().unwrap() {
        assert_eq!(h["step"], "done", "{rep}");
        assert_eq!(
            h["status"], "up",
            "the status last seen, not a stale one: {rep}"
        );
        assert_ne!(h["oldSerial"], h["newSerial"]);
    }
    assert!(
        sim.statuses().iter().all(|(_, s)| s == "up"),
        "{:?}",
        sim.statuses()
    );
    // openssl judges every host's vdsm: verifies against ca.pem, SHA-256, SAN = address.
    let db = std::fs::read_to_string(sim.pki().join("database.txt")).unwrap();
    for (name, ep) in &before {
        let addr = format!("{name}.example.test");
        let (verify, info) = served_by_openssl(&sim, ep, &addr);
        assert!(verify.contains(": OK"), "{name}: {verify}");
        assert!(info.contains("sha256WithRSAEncryption"), "{name}: {info}");
        assert!(info.contains(&format!("DNS:{addr}")), "{name}: {info}");
        assert!(
            db.contains(&format!("CN={addr}")),
            "database.txt lacks {addr}:\n{db}"
        );
    }
    // The state file says finished; re-running finds nothing to redo.
    let again = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--only-needed",
            "--within",
            "30",
            "--yes",
        ],
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("Nothing to enroll"),
        "{}",
        text(&again)
    );
}

#[test]
fn capacity_and_pinned_vms_are_refused_in_the_plan() {
    // host1 runs 30 GiB of VMs; the others can schedule 8 GiB each: host1 cannot go out.
    let scenario = r#"
[[clusters]]
name = "Default"
[[hosts]]
name = "host1"
memory_mib = 32768
[[hosts]]
name = "host2"
memory_mib = 8192
[[hosts]]
name = "host3"
memory_mib = 8192
[[vms]]
name = "big"
host = "host1"
memory_mib = 30720
[[vms]]
name = "pinned"
host = "host2"
memory_mib = 1024
affinity = "pinned"
"#;
    let sim = Sim::start("4.5-modern", scenario, SCALE);
    let dry = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--max-parallel",
            "3",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let plan = json(&dry);
    let skipped = plan["skipped"].as_array().unwrap();
    let why = |n: &str| {
        skipped
            .iter()
            .find(|s| s["name"] == n)
            .map(|s| s["reason"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(why("host1").contains("do not fit"), "{plan}");
    assert!(why("host2").contains("pinned"), "{plan}");
    assert_eq!(plan["waves"].as_array().unwrap().len(), 1, "{plan}");
}

#[test]
fn stuck_in_preparing_for_maintenance_stops_the_run_and_gives_the_host_back() {
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[[faults]]
kind = "stuck_preparing"
host = "host2"
count = 0
"#,
        ),
        SCALE,
    );
    let out = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--host",
            "host2",
            "--host",
            "host3",
            "--yes",
            "--format",
            "json",
            "--maintenance-timeout",
            "2",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rep = json(&out);
    let h2 = rep["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "host2")
        .unwrap();
    assert_eq!(h2["step"], "failed");
    assert!(
        h2["error"]
            .as_str()
            .unwrap()
            .contains("did not reach maintenance"),
        "{rep}"
    );
    // Given back to the cluster; host3 (next wave) never touched.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let st = sim.statuses();
        if st.iter().all(|(_, s)| s == "up") {
            break;
        }
        assert!(Instant::now() < deadline, "not back up: {st:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let h3 = rep["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "host3")
        .unwrap();
    assert_eq!(h3["step"], "pending", "{rep}");
}

#[test]
fn install_failed_is_reported_loudly_and_the_host_stays_out() {
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[[faults]]
kind = "install_failed"
host = "host3"
count = 0
"#,
        ),
        SCALE,
    );
    let out = rhv(
        &sim,
        &[
            "hosts", "enroll", "--host", "host3", "--yes", "--format", "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rep = json(&out);
    assert_eq!(
        rep["leftInMaintenance"],
        serde_json::json!(["host3"]),
        "{rep}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ATTENTION: host host3"), "{err}");
    let st = sim.statuses();
    assert!(
        st.contains(&("host3".into(), "install_failed".into())),
        "{st:?}"
    );
}

#[test]
fn non_responsive_after_activate_fails_the_host() {
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[[faults]]
kind = "non_responsive_after_activate"
host = "host3"
"#,
        ),
        SCALE,
    );
    let out = rhv(&sim, &["hosts", "enroll", "--host", "host3", "--yes"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("non_responsive"),
        "{}",
        text(&out)
    );
    // The fault fired after the enrollment completed, and the host was left as it is.
    let rep = sim.report();
    assert_eq!(
        fired(&rep, "non_responsive_after_activate host3"),
        1,
        "{rep}"
    );
    assert_eq!(rep["hosts"]["host3"]["enrolled"], 1, "{rep}");
    assert_eq!(rep["hosts"]["host3"]["activate"], 1, "{rep}");
    let st = sim.statuses();
    assert!(
        st.contains(&("host3".to_string(), "non_responsive".to_string())),
        "{st:?}"
    );
}

#[test]
fn http_5xx_bursts_are_ridden_out() {
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[[faults]]
kind = "http_5xx"
status = 503
after = 20
count = 3
"#,
        ),
        SCALE,
    );
    let before = sim.vdsm_endpoints();
    let ep = &before.iter().find(|(n, _)| n == "host3").unwrap().1;
    let old = served_by_openssl(&sim, ep, "host3.example.test");
    let out = rhv(&sim, &["hosts", "enroll", "--host", "host3", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // The burst really hit the run: three 503 answers, counted by the simulator...
    let rep = sim.report();
    assert_eq!(fired(&rep, "http_5xx"), 3, "{rep}");
    let answered_503: u64 = rep["answers"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|by_status| by_status["503"].as_u64())
        .sum();
    assert_eq!(answered_503, 3, "{rep}");
    // ... and was ridden out: host3 enrolled exactly once, is back up, serves a new certificate.
    assert_eq!(rep["hosts"]["host3"]["enroll"], 1, "{rep}");
    assert_eq!(rep["hosts"]["host3"]["enrolled"], 1, "{rep}");
    assert_eq!(rep["hosts"]["host3"]["enrollFailed"], 0, "{rep}");
    let st = sim.statuses();
    assert!(st.iter().all(|(_, s)| s == "up"), "{st:?}");
    let new = served_by_openssl(&sim, ep, "host3.example.test");
    assert!(new.0.contains(": OK"), "{}", new.0);
    assert_ne!(new.1, old.1, "host3 still serves its old certificate");
}

#[test]
fn interrupted_run_resumes_without_redoing_finished_hosts() {
    let sim = Sim::start("4.5-modern", &three_hosts(""), 0.03);
    let mut args: Vec<String> = [
        "hosts",
        "enroll",
        "--yes",
        "--max-parallel",
        "1",
        "--all-hosts",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(sim.engine_args());
    args.extend(["--poll-interval", "0.05"].iter().map(|s| s.to_string()));
    let child = Command::new(env!("CARGO_BIN_EXE_rhv-pki"))
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let state = sim.root.path().join("var/lib/rhv-pki/enroll-state.json");
    // Interrupt once the first host is done and the second is underway.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "first host never finished");
        if let Ok(b) = std::fs::read(&state) {
            let v: serde_json::Value = serde_json::from_slice(&b).unwrap_or_default();
            let steps: Vec<String> = v["hosts"]
                .as_object()
                .map(|m| {
                    m.values()
                        .map(|p| p["step"].as_str().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default();
            if steps.iter().filter(|s| *s == "done").count() == 1
                && steps.iter().any(|s| s != "done" && s != "pending")
            {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -INT");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    let db_before = std::fs::read_to_string(sim.pki().join("database.txt")).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    let done_id = v["hosts"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, p)| p["step"] == "done")
        .map(|(id, _)| id.clone())
        .unwrap();
    let done_name = v["plan"]["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == done_id.as_str())
        .unwrap()["address"]
        .as_str()
        .unwrap()
        .to_string();
    // Never more than one host out, even across the interruption.
    let out_now = sim.statuses().iter().filter(|(_, s)| s != "up").count();
    assert!(out_now <= 1, "{:?}", sim.statuses());

    let again = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--yes",
            "--max-parallel",
            "1",
            "--format",
            "json",
        ],
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("resuming"),
        "{}",
        text(&again)
    );
    let rep = json(&again);
    assert!(
        rep["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["step"] == "done"),
        "{rep}"
    );
    // The host finished before the interruption was not enrolled again.
    let db = std::fs::read_to_string(sim.pki().join("database.txt")).unwrap();
    let count = |d: &str| {
        d.lines()
            .filter(|l| l.ends_with(&format!("CN={done_name}")))
            .count()
    };
    assert_eq!(
        count(&db),
        count(&db_before),
        "{done_name} re-enrolled:\n{db}"
    );
    assert!(sim.statuses().iter().all(|(_, s)| s == "up"));
}

#[test]
fn hosted_engine_hosts_are_never_all_out_and_a_sha1_manager_is_handled() {
    // The 4.2 sample: the Manager's own apache certificate is SHA-1.
    let scenario = r#"
[[clusters]]
name = "Default"
[[hosts]]
name = "he1"
hosted_engine = { configured = true, active = true, score = 3400 }
[[hosts]]
name = "he2"
hosted_engine = { configured = true, active = true, score = 3400 }
[[hosts]]
name = "plain"
[[vms]]
name = "HostedEngine"
host = "he1"
memory_mib = 4096
hosted_engine = true
"#;
    let sim = Sim::start("4.2-sha1", scenario, SCALE);
    let dry = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--max-parallel",
            "3",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let err = String::from_utf8_lossy(&dry.stderr);
    assert!(
        err.contains("sha1WithRSAEncryption"),
        "SHA-1 apache not reported: {err}"
    );
    let plan = json(&dry);
    let he: Vec<serde_json::Value> = plan["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["hostedEngine"] == true)
        .map(|h| h["id"].clone())
        .collect();
    assert_eq!(he.len(), 2, "{plan}");
    for w in plan["waves"].as_array().unwrap() {
        let n = w
            .as_array()
            .unwrap()
            .iter()
            .filter(|id| he.contains(id))
            .count();
        assert!(n <= 1, "both HE hosts in one wave: {plan}");
    }
    let run = rhv(&sim, &["hosts", "enroll", "--max-parallel", "3", "--yes"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
}

#[test]
fn bad_input_is_refused_clearly() {
    let sim = Sim::start("4.5-modern", &three_hosts(""), SCALE);
    // Wrong password: refused, nothing touched.
    let bad = sim.root.path().join("bad-pw");
    std::fs::write(&bad, "nope\n").unwrap();
    let mut args: Vec<String> = vec!["hosts".into(), "enroll".into(), "--yes".into()];
    args.extend(sim.engine_args());
    let i = args.iter().position(|a| a == "--password-file").unwrap();
    args[i + 1] = bad.display().to_string();
    let o = Command::new(env!("CARGO_BIN_EXE_rhv-pki"))
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("admin@internal"),
        "{}",
        text(&o)
    );
    // Unknown host name: usage error.
    let o = rhv(&sim, &["hosts", "enroll", "--host", "nosuch", "--dry-run"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nosuch"));
    // No --yes without a terminal: not confirmed, refused (2).
    let o = rhv(&sim, &["hosts", "enroll"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // A CA that is not the Manager's: TLS refused, not ignored.
    let other = common::fixtures().join("4.2-sha1/etc/pki/ovirt-engine/ca.pem");
    let o = rhv(
        &sim,
        &["hosts", "audit", "--ca-file", &other.display().to_string()],
    );
    assert_eq!(o.status.code(), Some(3), "UNKNOWN expected: {}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("TLS"),
        "{}",
        text(&o)
    );
    assert!(sim.statuses().iter().all(|(_, s)| s == "up"));
}

#[test]
fn global_maintenance_through_the_rest_api() {
    let scenario = r#"
[[clusters]]
name = "Default"
[[hosts]]
name = "he1"
hosted_engine = { configured = true, active = true, score = 3400 }
[[hosts]]
name = "he2"
hosted_engine = { configured = true, active = true, score = 3400 }
[[vms]]
name = "HostedEngine"
host = "he1"
memory_mib = 4096
hosted_engine = true
"#;
    let sim = Sim::start("4.5-modern", scenario, SCALE);
    let api = |action: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_rhv-pki"))
            .args([
                "maintenance",
                action,
                "--he-api",
                "--engine-url",
                &sim.url(),
            ])
            .args(["--connect-to", &format!("127.0.0.1:{}", sim.port)])
            .args(["--ca-file", &sim.pki().join("ca.pem").display().to_string()])
            .args(["--password-file", &sim.password_file.display().to_string()])
            .args(["--format", "json"])
            .output()
            .unwrap();
        (o.status.code(), text(&o))
    };
    let gm = || {
        sim.get("/ovirt-engine/api/hosts?all_content=true")["host"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["hosted_engine"]["global_maintenance"] == "true")
    };
    assert!(!gm());
    let (code, out) = api("on");
    assert_eq!(code, Some(0), "{out}");
    assert!(gm(), "global maintenance not set in the Manager: {out}");
    let (code, out) = api("off");
    assert_eq!(code, Some(0), "{out}");
    assert!(!gm(), "{out}");
    // Wrong password: refused before anything.
    std::fs::write(&sim.password_file, "wrong\n").unwrap();
    let (code, out) = api("on");
    assert_eq!(code, Some(2), "{out}");
    assert!(!gm());
}

#[test]
fn a_manager_that_restarts_mid_run_and_short_tokens_are_ridden_out() {
    // The simulator dies after 60 API requests (with its state kept) and comes back on the
    // same port a moment later; tokens live 2 s, so the client must log in again too.
    let mut sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[sso]
token_lifetime_secs = 2

[[faults]]
kind = "crash"
after = 60
count = 1
"#,
        ),
        SCALE,
    );
    let mut args: Vec<String> = [
        "hosts",
        "enroll",
        "--yes",
        "--max-parallel",
        "1",
        "--all-hosts",
        "--format",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(sim.engine_args());
    args.extend(["--poll-interval", "0.05"].iter().map(|s| s.to_string()));
    let child = Command::new(env!("CARGO_BIN_EXE_rhv-pki"))
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut restarted = false;
    while Instant::now() < deadline && !restarted {
        if sim.exited() {
            std::thread::sleep(Duration::from_millis(500));
            sim.restart();
            restarted = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        restarted,
        "the injected crash never happened: {}",
        text(&out)
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rep = json(&out);
    assert!(
        rep["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["step"] == "done"),
        "{rep}"
    );
    assert!(sim.statuses().iter().all(|(_, s)| s == "up"));
}

#[test]
fn audit_post_events_reaches_the_managers_audit_log_once_a_day() {
    // The 4.2 sample has SHA-1 everywhere: a warning-or-worse audit.
    let sim = Sim::start("4.2-sha1", &three_hosts(""), SCALE);
    let post = || {
        Command::new(env!("CARGO_BIN_EXE_rhv-pki"))
            .args(["audit", "--post-events", "--format", "nagios"])
            .args(["--root", &sim.root.path().display().to_string()])
            .args(["--engine-url", &sim.url()])
            .args(["--connect-to", &format!("127.0.0.1:{}", sim.port)])
            .args(["--password-file", &sim.password_file.display().to_string()])
            .output()
            .unwrap()
    };
    let ours = || -> Vec<serde_json::Value> {
        sim.get("/ovirt-engine/api/events")["event"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e["origin"] == "rhv-pki")
            .collect()
    };
    let o = post();
    // The audit's own verdict is kept (CRITICAL or WARNING), and the event went in.
    assert!(matches!(o.status.code(), Some(1 | 2)), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("posted event"),
        "{}",
        text(&o)
    );
    let evs = ours();
    assert_eq!(evs.len(), 1, "{evs:?}");
    let e = &evs[0];
    assert!(
        matches!(e["severity"].as_str(), Some("alert" | "warning")),
        "{e}"
    );
    assert!(
        e["description"]
            .as_str()
            .unwrap()
            .contains("sha1-signature"),
        "{e}"
    );
    // Same day, same severity: the Manager refuses the duplicate custom id; we say so.
    let o = post();
    assert!(matches!(o.status.code(), Some(1 | 2)), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("already posted"),
        "{}",
        text(&o)
    );
    assert_eq!(ours().len(), 1);
}

/// Connections seen by [`relay`]s, in the order they were accepted: the host each was for.
type Seen = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// A TCP relay standing in front of host `name`'s vdsm: it notes every connection in `seen`
/// and passes the n-th (from 0) on to `to(n)`. Returns its port.
fn relay(name: &str, seen: &Seen, to: impl Fn(usize) -> String + Send + 'static) -> u16 {
    use std::net::{Shutdown, TcpListener, TcpStream};
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let (name, seen) = (name.to_string(), seen.clone());
    std::thread::spawn(move || {
        for (n, c) in l.incoming().enumerate() {
            let Ok(mut down) = c else { continue };
            seen.lock().unwrap().push(name.clone());
            let Ok(mut up) = TcpStream::connect(to(n)) else {
                continue;
            };
            let (mut down2, mut up2) = (down.try_clone().unwrap(), up.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut down2, &mut up2);
                let _ = up2.shutdown(Shutdown::Write);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut up, &mut down);
                let _ = down.shutdown(Shutdown::Write);
            });
        }
    });
    port
}

/// `hosts enroll` with the simulator's engine arguments, then `extra` (later
/// `--vdsm-endpoint`s override the simulator's own).
fn enroll_via(sim: &Sim, args: &[&str], extra: &[String]) -> Output {
    let mut v: Vec<String> = ["hosts", "enroll"].map(String::from).to_vec();
    v.extend(args.iter().map(|s| s.to_string()));
    v.extend(sim.engine_args());
    v.extend(["--probe-timeout", "5", "--poll-interval", "0.05"].map(String::from));
    v.extend(extra.iter().cloned());
    Command::new(env!("CARGO_BIN_EXE_rhv-pki"))
        .args(&v)
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
        .output()
        .unwrap()
}

fn norm_serial(s: &str) -> String {
    s.trim_start_matches('0').to_ascii_uppercase()
}

/// Issue 18: with --all-hosts every host is enrolled whatever it serves, so planning (and
/// the dry run) makes no TLS handshake; the real run probes each host just before its own
/// wave and verifies it after its enrollment — one handshake each, in wave order. Without
/// --all-hosts the probe decides the plan and still runs up front.
#[test]
fn all_hosts_planning_probes_nothing_and_each_host_is_probed_just_before_its_wave() {
    let sim = Sim::start("4.5-modern", &three_hosts(""), SCALE);
    let seen: Seen = Default::default();
    let mut before = std::collections::BTreeMap::new();
    let mut via = Vec::new();
    for (name, ep) in sim.vdsm_endpoints() {
        let port: u16 = ep.rsplit(':').next().unwrap().parse().unwrap();
        before.insert(name.clone(), common::manager::served(port).0);
        let target = ep.clone();
        let p = relay(&name, &seen, move |_| target.clone());
        via.push(format!("--vdsm-endpoint={name}=127.0.0.1:{p}"));
    }
    let state = sim.root.path().join("all-hosts.json");
    let st = state.to_str().unwrap();
    let common = ["--max-parallel", "1", "--state", st, "--format", "json"];

    let dry = enroll_via(
        &sim,
        &[&["--all-hosts", "--dry-run"][..], &common].concat(),
        &via,
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let plan = json(&dry);
    assert!(
        seen.lock().unwrap().is_empty(),
        "the --all-hosts dry run made handshakes: {:?}",
        seen.lock().unwrap()
    );
    assert_eq!(plan["hosts"].as_array().unwrap().len(), 3, "{plan}");
    for h in plan["hosts"].as_array().unwrap() {
        assert_eq!(h["servedSerial"], serde_json::Value::Null, "{h}");
        assert_eq!(h["reasons"], serde_json::json!(["selected"]), "{h}");
    }

    // The default (only what is needed) reads every host's certificate to decide.
    let needed = enroll_via(&sim, &["--dry-run", "--format", "json"], &via);
    assert_eq!(needed.status.code(), Some(0), "{}", text(&needed));
    let mut probed = seen.lock().unwrap().drain(..).collect::<Vec<_>>();
    probed.sort();
    assert_eq!(probed, ["host1", "host2", "host3"]);

    let run = enroll_via(
        &sim,
        &[&["--all-hosts", "--yes"][..], &common].concat(),
        &via,
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let rep = json(&run);
    assert_eq!(rep["completed"], true, "{rep}");
    // The run executed exactly the plan the dry run printed.
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(saved["plan"]["waves"], plan["waves"], "{saved}");
    for (s, d) in saved["plan"]["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .zip(plan["hosts"].as_array().unwrap())
    {
        for k in [
            "id",
            "name",
            "reasons",
            "servedSerial",
            "vdsmEndpoint",
            "vmCount",
        ] {
            assert_eq!(s[k], d[k], "{k}: {s} vs {d}");
        }
    }
    // Wave by wave: a host's probe, then its verification, and only then the next host's.
    let order: Vec<String> = plan["waves"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| w.as_array().unwrap().clone())
        .map(|id| {
            let h = plan["hosts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|h| h["id"] == id)
                .unwrap();
            h["name"].as_str().unwrap().to_string()
        })
        .collect();
    let want: Vec<String> = order.iter().flat_map(|n| [n.clone(), n.clone()]).collect();
    assert_eq!(*seen.lock().unwrap(), want);
    // The old serial is what vdsm served before the host's wave; the new one is served now.
    let now: std::collections::BTreeMap<String, String> = sim
        .vdsm_endpoints()
        .into_iter()
        .map(|(n, ep)| {
            let port: u16 = ep.rsplit(':').next().unwrap().parse().unwrap();
            (n, common::manager::served(port).0)
        })
        .collect();
    for h in rep["hosts"].as_array().unwrap() {
        let n = h["name"].as_str().unwrap();
        assert_eq!(h["step"], "done", "{rep}");
        assert_eq!(
            norm_serial(h["oldSerial"].as_str().unwrap()),
            norm_serial(&before[n]),
            "{rep}"
        );
        assert_eq!(
            norm_serial(h["newSerial"].as_str().unwrap()),
            norm_serial(&now[n]),
            "{rep}"
        );
        assert_ne!(h["oldSerial"], h["newSerial"], "{rep}");
    }
}

/// The verification after each enrollment stays: a host whose vdsm then serves a certificate
/// of another CA fails, and so does one still serving the serial it served before its wave.
#[test]
fn after_enrollment_a_foreign_or_unchanged_certificate_fails_the_host() {
    let sim = Sim::start("4.5-modern", &three_hosts(""), SCALE);
    // Another Manager's PKI: its hosts' certificates are issued by another CA.
    let other = Sim::start("4.2-sha1", &three_hosts(""), SCALE);
    let ep = |s: &Sim, n: &str| {
        s.vdsm_endpoints()
            .into_iter()
            .find(|(x, _)| x == n)
            .unwrap()
            .1
    };
    let seen: Seen = Default::default();

    // host3: its own vdsm before its wave, another CA's certificate after the enrollment.
    let (own, foreign) = (ep(&sim, "host3"), ep(&other, "host3"));
    let p = relay("host3", &seen, move |n| {
        if n == 0 {
            own.clone()
        } else {
            foreign.clone()
        }
    });
    let st = sim.root.path().join("foreign.json");
    let o = enroll_via(
        &sim,
        &[
            "--all-hosts",
            "--host",
            "host3",
            "--yes",
            "--format",
            "json",
        ],
        &[
            format!("--vdsm-endpoint=host3=127.0.0.1:{p}"),
            format!("--state={}", st.display()),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let rep = json(&o);
    assert_eq!(rep["completed"], false, "{rep}");
    let h = &rep["hosts"][0];
    assert_eq!(h["step"], "failed", "{rep}");
    assert!(
        h["error"]
            .as_str()
            .unwrap()
            .contains("not signed by the current CA"),
        "{rep}"
    );
    assert_eq!(*seen.lock().unwrap(), ["host3", "host3"]);

    // host2: every connection reaches host1's vdsm (left alone by this run), so the serial
    // after the enrollment is the one probed before the wave.
    let host1 = ep(&sim, "host1");
    let port1: u16 = host1.rsplit(':').next().unwrap().parse().unwrap();
    let s1 = common::manager::served(port1).0;
    let p = relay("host2", &seen, move |_| host1.clone());
    let st = sim.root.path().join("unchanged.json");
    let o = enroll_via(
        &sim,
        &[
            "--all-hosts",
            "--host",
            "host2",
            "--yes",
            "--format",
            "json",
        ],
        &[
            format!("--vdsm-endpoint=host2=127.0.0.1:{p}"),
            format!("--state={}", st.display()),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let rep = json(&o);
    let h = &rep["hosts"][0];
    assert_eq!(h["step"], "failed", "{rep}");
    assert_eq!(
        norm_serial(h["oldSerial"].as_str().unwrap()),
        norm_serial(&s1)
    );
    let err = h["error"].as_str().unwrap();
    assert!(
        err.contains("still serves the old certificate")
            && err.contains(h["oldSerial"].as_str().unwrap()),
        "{rep}"
    );
}
