//! `rhv-pki hosts enroll` under faults (issues 13 and 20, executor side): saved runs and their
//! arguments, signals, Manager outages, re-runs that do only what is needed, resumed
//! enrollments judged by events, and messages that say what really is. The real binary
//! against the shipped Manager simulator; assertions are on what happened (the simulator's
//! hosts and audit log, the state file, the JSON report), never on timing.

mod common;
use common::text;

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::sim::{fired, three_hosts, Sim};

/// Nominal timings × this = the simulated cycle (a host cycle ≈ 0.6 s).
const SCALE: f64 = 0.01;

fn args_for(sim: &Sim, args: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    v.extend(sim.engine_args());
    v.extend(
        ["--probe-timeout", "5", "--poll-interval", "0.05"]
            .iter()
            .map(|s| s.to_string()),
    );
    v
}

fn rhv(sim: &Sim, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rhv-pki"))
        .args(args_for(sim, args))
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
        .output()
        .unwrap()
}

fn spawn(sim: &Sim, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rhv-pki"))
        .args(args_for(sim, args))
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(o)))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn host_id(name: &str) -> String {
    rhv_pki::sim::state::uuid_of("host", name)
}

fn code_of(e: &serde_json::Value) -> i64 {
    e["code"]
        .as_i64()
        .or_else(|| e["code"].as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(-1)
}

/// How many audit-log events with `code` the simulator logged for host `name`.
fn events(sim: &Sim, name: &str, code: i64) -> usize {
    let id = host_id(name);
    sim.get("/ovirt-engine/api/events")["event"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|e| code_of(e) == code && e["host"]["id"].as_str() == Some(id.as_str()))
        .count()
}

fn status_of(sim: &Sim, name: &str) -> String {
    sim.statuses()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s)
        .unwrap_or_default()
}

fn state_file(sim: &Sim) -> std::path::PathBuf {
    sim.root.path().join("var/lib/rhv-pki/enroll-state.json")
}

fn state(sim: &Sim) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(state_file(sim)).unwrap()).unwrap()
}

/// Waits until the state file shows some host at `step`; returns the host names there.
fn wait_for_step(sim: &Sim, step: &str, child: &mut Child) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            panic!("rhv-pki ended ({st}) before any host reached {step}");
        }
        assert!(Instant::now() < deadline, "no host ever reached {step}");
        if let Ok(b) = std::fs::read(state_file(sim)) {
            let v: serde_json::Value = serde_json::from_slice(&b).unwrap_or_default();
            let names: Vec<String> = v["hosts"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter(|(_, p)| p["step"] == step)
                        .filter_map(|(id, _)| {
                            v["plan"]["hosts"]
                                .as_array()?
                                .iter()
                                .find(|h| h["id"] == id.as_str())
                                .and_then(|h| h["name"].as_str())
                                .map(str::to_string)
                        })
                        .collect()
                })
                .unwrap_or_default();
            if !names.is_empty() {
                return names;
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn names(v: &serde_json::Value) -> Vec<String> {
    let mut n: Vec<String> = v
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| {
            x.as_str()
                .unwrap_or_else(|| x["name"].as_str().unwrap())
                .to_string()
        })
        .collect();
    n.sort();
    n
}

// ---------------------------------------------------------------------------------------------
// 1. A saved run is resumed only by the same command.

#[test]
fn a_saved_run_is_resumed_only_with_its_own_arguments_and_dry_run_shows_what_would_run() {
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
    // host2 then host3 (one at a time): host2 is done, host3 fails and is left out.
    let first = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--host",
            "host2",
            "--host",
            "host3",
            "--all-hosts",
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    let saved = std::fs::read(state_file(&sim)).unwrap();
    let enrolled_host1 = events(&sim, "host1", 880);

    // Another selection: refused, saying what the saved run was; the SPM host1 untouched.
    for extra in [&["--yes"][..], &["--dry-run"][..]] {
        let mut a = vec!["hosts", "enroll", "--host", "host1", "--all-hosts"];
        a.extend_from_slice(extra);
        let o = rhv(&sim, &a);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let err = stderr(&o);
        assert!(err.contains("--host host2 --host host3"), "{err}");
        assert!(err.contains("--discard-state"), "{err}");
        assert!(err.contains("host3 (install_failed)"), "{err}");
    }
    // So is the same selection at another pace.
    let o = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--host",
            "host2",
            "--host",
            "host3",
            "--all-hosts",
            "--max-parallel",
            "2",
            "--yes",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(events(&sim, "host1", 880), enrolled_host1);
    assert_eq!(status_of(&sim, "host1"), "up");
    assert_eq!(std::fs::read(state_file(&sim)).unwrap(), saved);

    // The same command's dry run shows what a resume would do: host3 only, not the done host2.
    let dry = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--host",
            "host3",
            "--host",
            "host2",
            "--all-hosts",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let plan = json(&dry);
    let planned: Vec<&str> = plan["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(planned, vec!["host3"], "{plan}");
    assert!(stderr(&dry).contains("would resume"), "{}", text(&dry));

    // --discard-state --dry-run: the fresh plan for this command, and nothing changed.
    let dry = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--host",
            "host1",
            "--all-hosts",
            "--discard-state",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let plan = json(&dry);
    assert_eq!(plan["hosts"][0]["name"], "host1", "{plan}");
    assert_eq!(plan["hosts"].as_array().unwrap().len(), 1, "{plan}");
    assert!(
        stderr(&dry).contains("ATTENTION: host host3 was left out of service"),
        "{}",
        text(&dry)
    );
    assert_eq!(std::fs::read(state_file(&sim)).unwrap(), saved);
    assert_eq!(events(&sim, "host1", 880), enrolled_host1);

    // --discard-state for real: the old run is set aside, the new one runs.
    let run = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--host",
            "host1",
            "--all-hosts",
            "--discard-state",
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    assert_eq!(events(&sim, "host1", 880), enrolled_host1 + 1);
    let mut kept = state_file(&sim).into_os_string();
    kept.push(".discarded");
    assert_eq!(std::fs::read(&kept).unwrap(), saved);
    assert_eq!(state(&sim)["args"]["hosts"], serde_json::json!(["host1"]));
}

// ---------------------------------------------------------------------------------------------
// 2. Signals.

fn interrupted_by(signal: i32, name: &str, code: i32) {
    let sim = Sim::start("4.5-modern", &three_hosts(""), 0.05);
    let a = [
        "hosts",
        "enroll",
        "--all-hosts",
        "--max-parallel",
        "2",
        "--yes",
        "--format",
        "json",
    ];
    let mut child = spawn(&sim, &a);
    let enrolling = wait_for_step(&sim, "enrolling", &mut child);
    let sent = std::process::Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{signal}");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(code), "{}", text(&out));
    let rep = json(&out);
    assert_eq!(rep["interrupted"], true, "{rep}");
    // Every host the Manager has out of service is named, in JSON and on stderr.
    let left = names(&rep["leftInMaintenance"]);
    assert!(!left.is_empty(), "{rep}");
    assert_eq!(rep["signal"], name, "{rep}");
    for n in &enrolling {
        assert!(left.contains(n), "{n} was enrolling: {rep}");
    }
    let err = stderr(&out);
    for (n, s) in sim.statuses() {
        if s != "up" {
            assert!(left.contains(&n), "{n} is {s} but not named: {rep}");
            assert!(err.contains(&format!("ATTENTION: host {n} ")), "{err}");
        }
    }
    assert_eq!(names(&rep["outOfService"]), left, "{rep}");
    assert!(err.contains(&format!("interrupted by {name}")), "{err}");
    // The command that resumes it, and it does.
    let resume = rep["resumeCommand"].as_str().unwrap().to_string();
    assert!(
        resume.starts_with("rhv-pki hosts enroll") && resume.contains("--all-hosts"),
        "{resume}"
    );
    assert!(err.contains(&format!("to resume: {resume}")), "{err}");
    let st = state(&sim);
    assert_eq!(st["finished"], false);
    let again = rhv(&sim, &a);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(sim.statuses().iter().all(|(_, s)| s == "up"));
    for n in ["host1", "host2", "host3"] {
        assert_eq!(events(&sim, n, 881), 1, "{n} enrolled twice or never");
    }
}

#[test]
fn sigterm_stops_the_run_names_the_hosts_out_and_exits_143() {
    interrupted_by(libc::SIGTERM, "SIGTERM", 143);
}

#[test]
fn sighup_stops_the_run_names_the_hosts_out_and_exits_129() {
    interrupted_by(libc::SIGHUP, "SIGHUP", 129);
}

#[test]
fn sigint_stops_the_run_names_the_hosts_out_and_exits_130() {
    interrupted_by(libc::SIGINT, "SIGINT", 130);
}

#[test]
fn after_sigkill_the_rerun_names_every_host_the_killed_run_left_out() {
    // SIGKILL cannot be caught: the re-run must say who is out before it carries on.
    let sim = Sim::start("4.5-modern", &three_hosts(""), 0.05);
    let a = [
        "hosts",
        "enroll",
        "--all-hosts",
        "--max-parallel",
        "2",
        "--yes",
        "--format",
        "json",
    ];
    let mut child = spawn(&sim, &a);
    wait_for_step(&sim, "enrolling", &mut child);
    child.kill().unwrap();
    let _ = child.wait();
    let out_now: Vec<String> = sim
        .statuses()
        .into_iter()
        .filter(|(_, s)| s != "up")
        .map(|(n, _)| n)
        .collect();
    assert!(!out_now.is_empty(), "{:?}", sim.statuses());
    let again = rhv(&sim, &a);
    let err = stderr(&again);
    for n in &out_now {
        assert!(
            err.contains(&format!(
                "ATTENTION: host {n} is out of service from the saved run"
            )),
            "{n} not named: {err}"
        );
    }
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(sim.statuses().iter().all(|(_, s)| s == "up"));
    for n in ["host1", "host2", "host3"] {
        assert_eq!(events(&sim, n, 881), 1, "{n} enrolled twice or never");
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Manager outages.

#[test]
fn a_host_whose_state_the_manager_cannot_tell_counts_as_out_of_service() {
    let mut sim = Sim::start("4.5-modern", &three_hosts(""), 0.05);
    let mut child = spawn(
        &sim,
        &[
            "hosts",
            "enroll",
            "--host",
            "host3",
            "--all-hosts",
            "--yes",
            "--format",
            "json",
            "--outage-timeout",
            "1",
        ],
    );
    wait_for_step(&sim, "enrolling", &mut child);
    // The Manager goes away while host3 is out, and stays away.
    sim.kill();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rep = json(&out);
    assert_eq!(
        rep["leftInMaintenance"],
        serde_json::json!(["host3"]),
        "{rep}"
    );
    assert_eq!(rep["outOfService"][0]["status"], "unknown", "{rep}");
    let err = stderr(&out);
    assert!(
        err.contains("ATTENTION: host host3") && err.contains("status is unknown"),
        "{err}"
    );
    assert_eq!(
        state(&sim)["hosts"][host_id("host3")]["leftInMaintenance"],
        true
    );
    // It really is out.
    sim.restart();
    assert_ne!(status_of(&sim, "host3"), "up");
}

#[test]
fn reads_ride_out_a_manager_stopped_for_longer_than_the_old_retries() {
    // The old client gave up after ~16 s of retries; the Manager is away for 18 s here.
    let mut sim = Sim::start("4.5-modern", &three_hosts(""), 0.05);
    let mut child = spawn(
        &sim,
        &[
            "hosts",
            "enroll",
            "--host",
            "host3",
            "--all-hosts",
            "--yes",
            "--format",
            "json",
            "--outage-timeout",
            "120",
        ],
    );
    wait_for_step(&sim, "enrolling", &mut child);
    sim.kill();
    std::thread::sleep(Duration::from_secs(18));
    assert!(
        child.try_wait().unwrap().is_none(),
        "rhv-pki gave up during the outage"
    );
    sim.restart();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rep = json(&out);
    assert_eq!(rep["hosts"][0]["step"], "done", "{rep}");
    assert_eq!(status_of(&sim, "host3"), "up");
    assert_eq!(events(&sim, "host3", 880), 1);
}

#[test]
fn connections_dropped_during_the_tls_handshake_are_ridden_out() {
    // A Manager restarting accepts connections and closes them before the handshake
    // ("tls handshake eof"): a connection failure like any other. The first connection is the
    // test's own (the vdsm ports); the next two, rhv-pki's first, are dropped.
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[[faults]]
kind = "drop_connection"
after = 1
count = 2
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
            "host3",
            "--all-hosts",
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(json(&out)["hosts"][0]["step"], "done");
    assert_eq!(status_of(&sim, "host3"), "up");
    assert_eq!(events(&sim, "host3", 880), 1);
    assert_eq!(events(&sim, "host3", 16), 1);
}

#[test]
fn reads_ride_out_http_500_and_long_5xx_bursts() {
    // The burst starts early (the 6th request on /hosts) so that rhv-pki, which retries until
    // it passes, always meets all of it: none is left for the checks below.
    for (status, count) in [(500, 3), (503, 12)] {
        let sim = Sim::start(
            "4.5-modern",
            &three_hosts(&format!(
                r#"
[[faults]]
kind = "http_5xx"
status = {status}
after = 5
count = {count}
path = "/hosts"
"#
            )),
            SCALE,
        );
        let out = rhv(
            &sim,
            &[
                "hosts",
                "enroll",
                "--host",
                "host3",
                "--all-hosts",
                "--yes",
                "--format",
                "json",
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "HTTP {status} x{count}: {}",
            text(&out)
        );
        assert_eq!(json(&out)["completed"], true);
        assert_eq!(events(&sim, "host3", 881), 1);
        assert_eq!(status_of(&sim, "host3"), "up");
    }
}

#[test]
fn an_action_whose_answer_is_lost_is_not_sent_again_blindly() {
    // deactivate and activate are carried out but answered 503: re-read, see they took, go on.
    let id = host_id("host3");
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(&format!(
            r#"
[[faults]]
kind = "lost_answer"
path = "/hosts/{id}/deactivate"
count = 1
[[faults]]
kind = "lost_answer"
path = "/hosts/{id}/activate"
count = 1
[[faults]]
kind = "http_5xx"
status = 503
path = "/hosts/{id}/enrollcertificate"
count = 1
"#
        )),
        SCALE,
    );
    let out = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--host",
            "host3",
            "--all-hosts",
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(status_of(&sim, "host3"), "up");
    // One maintenance (600), one activation (16), one enrollment (880/881): the enrollment
    // refused with 503 was sent again, after a read showed it had not started.
    assert_eq!(events(&sim, "host3", 600), 1);
    assert_eq!(events(&sim, "host3", 16), 1);
    assert_eq!(events(&sim, "host3", 880), 1);
    assert_eq!(events(&sim, "host3", 881), 1);
}

// ---------------------------------------------------------------------------------------------
// 4. Re-runs do only what is needed.

#[test]
fn a_plain_run_and_rerun_enroll_only_hosts_that_need_it_and_say_so() {
    let sim = Sim::start(
        "4.5-modern",
        r#"
[[clusters]]
name = "Default"
[[hosts]]
name = "host1"
spm = true
[[hosts]]
name = "host2"
cert = { sha1 = true }
[[hosts]]
name = "host3"
"#,
        SCALE,
    );
    let a = ["hosts", "enroll", "--yes", "--format", "json"];
    let first = rhv(&sim, &a);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let rep = json(&first);
    let done: Vec<&str> = rep["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(done, vec!["host2"], "{rep}");
    let skipped = names(&rep["skipped"]);
    assert_eq!(skipped, vec!["host1", "host3"], "{rep}");
    assert!(
        rep["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("up to date"),
        "{rep}"
    );
    let err = stderr(&first);
    assert!(
        err.contains("only hosts whose certificate needs it") && err.contains("--all-hosts"),
        "{err}"
    );
    for (n, want) in [("host1", 0), ("host2", 1), ("host3", 0)] {
        assert_eq!(events(&sim, n, 880), want, "{n}");
    }
    // The plain re-run after it finished: nothing to do, nothing touched.
    let again = rhv(&sim, &["hosts", "enroll", "--yes"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("Nothing to enroll"),
        "{}",
        text(&again)
    );
    assert!(stderr(&again).contains("3 host(s) already serve a current certificate"));
    // In JSON too: a report that did nothing and says whom it left alone.
    let again = rhv(&sim, &["hosts", "enroll", "--yes", "--format", "json"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    let rep = json(&again);
    assert_eq!(rep["completed"], true, "{rep}");
    assert_eq!(rep["hosts"], serde_json::json!([]), "{rep}");
    assert_eq!(
        names(&rep["skipped"]),
        vec!["host1", "host2", "host3"],
        "{rep}"
    );
    for (n, want) in [("host1", 0), ("host2", 1), ("host3", 0)] {
        assert_eq!(events(&sim, n, 880), want, "{n}");
    }
    // --only-needed is still accepted (it is the default); --all-hosts takes every host.
    let o = rhv(&sim, &["hosts", "enroll", "--only-needed", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--all-hosts",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(json(&o)["hosts"].as_array().unwrap().len(), 3);
    let o = rhv(&sim, &["hosts", "enroll", "--all-hosts", "--only-needed"]);
    assert_eq!(o.status.code(), Some(3), "conflicting flags: {}", text(&o));
    assert!(stderr(&o).contains("cannot be used with"), "{}", text(&o));
}

// ---------------------------------------------------------------------------------------------
// 5. A resumed enrollment is judged by what happened after it was sent.

#[test]
fn resuming_an_install_failed_host_is_judged_by_events_after_the_action() {
    // The enrollment takes a visible while to start: a status read right after the action
    // still shows the old install_failed.
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[timings]
enroll_start = 50.0

[[faults]]
kind = "install_failed"
host = "host3"
count = 1
"#,
        ),
        SCALE,
    );
    let a = [
        "hosts",
        "enroll",
        "--host",
        "host3",
        "--all-hosts",
        "--yes",
        "--format",
        "json",
    ];
    let first = rhv(&sim, &a);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    assert_eq!(status_of(&sim, "host3"), "install_failed");
    let again = rhv(&sim, &a);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    let rep = json(&again);
    assert_eq!(rep["hosts"][0]["step"], "done", "{rep}");
    assert_eq!(status_of(&sim, "host3"), "up");
    // Two enrollments in all (the failed one and its retry), one success: no third.
    assert_eq!(events(&sim, "host3", 880), 2);
    assert_eq!(events(&sim, "host3", 882), 1);
    assert_eq!(events(&sim, "host3", 881), 1);
}

#[test]
fn a_rerun_while_the_enrollment_still_runs_waits_for_it_instead_of_refusing() {
    // The first run gives up waiting (short --install-timeout) while host3 is installing.
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[timings]
enroll = 150.0
"#,
        ),
        SCALE,
    );
    let a = [
        "hosts",
        "enroll",
        "--host",
        "host3",
        "--all-hosts",
        "--yes",
        "--format",
        "json",
    ];
    let mut first_args = a.to_vec();
    first_args.extend(["--install-timeout", "0.3"]);
    let first = rhv(&sim, &first_args);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    assert_eq!(
        json(&first)["leftInMaintenance"],
        serde_json::json!(["host3"])
    );
    // The re-run finds it installing: it waits for that enrollment's outcome (881), it does
    // not refuse, and it does not enroll it again.
    let again = rhv(&sim, &a);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_eq!(json(&again)["hosts"][0]["step"], "done");
    assert_eq!(status_of(&sim, "host3"), "up");
    assert_eq!(events(&sim, "host3", 880), 1);
    assert_eq!(events(&sim, "host3", 881), 1);
    // The first run said what host3 was when it gave up.
    assert_eq!(
        json(&first)["outOfService"],
        serde_json::json!([{"name": "host3", "status": "installing"}])
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Messages that say what really is.

#[test]
fn a_host_given_back_is_reread_before_it_is_declared_not_back_up() {
    // host2 never empties; it is given back with activate, which takes a visible while.
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[timings]
activate_initializing = 100.0

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
            "--all-hosts",
            "--yes",
            "--format",
            "json",
            "--maintenance-timeout",
            "0.5",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rep = json(&out);
    assert_eq!(rep["leftInMaintenance"], serde_json::json!([]), "{rep}");
    assert_eq!(rep["hosts"][0]["status"], "up", "{rep}");
    assert!(!stderr(&out).contains("ATTENTION"), "{}", text(&out));
    // Not "eventually": up when the run ended.
    assert_eq!(status_of(&sim, "host2"), "up");
}

#[test]
fn a_short_activate_timeout_rereads_a_host_still_coming_up() {
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[timings]
activate_initializing = 100.0
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
            "host3",
            "--all-hosts",
            "--yes",
            "--format",
            "json",
            "--activate-timeout",
            "0.2",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rep = json(&out);
    assert_eq!(rep["leftInMaintenance"], serde_json::json!([]), "{rep}");
    assert_eq!(rep["hosts"][0]["step"], "done", "{rep}");
    assert!(!stderr(&out).contains("ATTENTION"), "{}", text(&out));
    assert_eq!(status_of(&sim, "host3"), "up");
}

#[test]
fn a_non_responsive_host_is_called_non_responsive() {
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
    let out = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--host",
            "host3",
            "--all-hosts",
            "--yes",
            "--format",
            "json",
            "--settle-timeout",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = stderr(&out);
    let line = err
        .lines()
        .find(|l| l.contains("ATTENTION: host host3"))
        .unwrap_or_else(|| panic!("no ATTENTION line: {err}"));
    assert!(line.contains("non_responsive"), "{line}");
    assert!(!line.contains("maintenance"), "{line}");
    let rep = json(&out);
    assert_eq!(
        rep["outOfService"],
        serde_json::json!([{"name": "host3", "status": "non_responsive"}]),
        "{rep}"
    );
    assert_eq!(status_of(&sim, "host3"), "non_responsive");
}

#[test]
fn a_host_enrolled_but_not_activated_is_only_activated_on_the_rerun() {
    let id = host_id("host3");
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(&format!(
            r#"
[[faults]]
kind = "http_5xx"
status = 409
path = "/hosts/{id}/activate"
count = 1
"#
        )),
        SCALE,
    );
    let a = [
        "hosts",
        "enroll",
        "--host",
        "host3",
        "--all-hosts",
        "--yes",
        "--format",
        "json",
    ];
    let first = rhv(&sim, &a);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    let rep = json(&first);
    assert_eq!(
        rep["leftInMaintenance"],
        serde_json::json!(["host3"]),
        "{rep}"
    );
    assert_eq!(events(&sim, "host3", 881), 1);
    assert_eq!(status_of(&sim, "host3"), "maintenance");
    let saved = state(&sim);
    // The dry run says what the resume will do with it.
    let dry = rhv(
        &sim,
        &[
            "hosts",
            "enroll",
            "--host",
            "host3",
            "--all-hosts",
            "--dry-run",
        ],
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    assert!(
        String::from_utf8_lossy(&dry.stdout).contains("enrolled (881): only activated"),
        "{}",
        text(&dry)
    );
    let again = rhv(&sim, &a);
    // Enrolled once, activated on the re-run.
    assert_eq!(events(&sim, "host3", 880), 1, "{}", text(&again));
    assert_eq!(events(&sim, "host3", 881), 1);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_eq!(json(&again)["hosts"][0]["step"], "done");
    assert_eq!(status_of(&sim, "host3"), "up");
    // The state file recorded the enrollment; the report tells it.
    assert_eq!(saved["hosts"][&id]["enrolled"], true, "{saved}");
    assert_eq!(rep["hosts"][0]["enrolled"], true, "{rep}");
}

// ---------------------------------------------------------------------------------------------
// 6. install_failed: a known engine behaviour (issue 19). The Manager may say install_failed
// although the new certificate is in place (the host comes Up on Activate): the cycle probes
// what vdsm serves and goes on only when it is a new certificate of the current CA.

/// The serial (upper-case hex, as the report writes it) host `name`'s vdsm serves now.
fn served_serial(sim: &Sim, name: &str) -> String {
    let ep = sim
        .vdsm_endpoints()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, ep)| ep)
        .unwrap();
    let port: u16 = ep.rsplit(':').next().unwrap().parse().unwrap();
    let der = common::sim::served_cert(port, &format!("{name}.example.test"));
    let (_, x) = x509_parser::parse_x509_certificate(&der).unwrap();
    rhv_pki::pki::cert::serial_hex(x.raw_serial())
}

/// `doc` against the published schema of its kind.
fn assert_schema_valid(doc: &serde_json::Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(format!("{}.schema.json", doc["kind"].as_str().unwrap()));
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errs: Vec<String> = v.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errs.is_empty(), "{errs:#?}\n{doc:#}");
}

const ENROLL_HOST3: [&str; 8] = [
    "hosts",
    "enroll",
    "--host",
    "host3",
    "--all-hosts",
    "--yes",
    "--format",
    "json",
];

#[test]
fn install_failed_but_serving_the_new_certificate_is_activated_and_reported() {
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[[faults]]
kind = "install_failed_installed"
host = "host3"
count = 2
"#,
        ),
        SCALE,
    );
    let old = served_serial(&sim, "host3");
    let o = rhv(&sim, &ENROLL_HOST3);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let rep = json(&o);
    assert_schema_valid(&rep);
    assert_eq!(rep["completed"], true, "{rep}");
    let h = &rep["hosts"][0];
    assert_eq!(h["name"], "host3", "{rep}");
    assert_eq!(h["step"], "done", "{rep}");
    assert_eq!(h["status"], "up", "{rep}");
    assert_eq!(h["enrolled"], true, "{rep}");
    assert_eq!(h["managerSaidInstallFailed"], true, "{rep}");
    assert_eq!(h["error"], serde_json::Value::Null, "{rep}");
    assert_eq!(h["oldSerial"], old.as_str(), "{rep}");
    // The serial the report names is the one vdsm serves, and it is a new one.
    let new = served_serial(&sim, "host3");
    assert_ne!(new, old);
    assert_eq!(h["newSerial"], new.as_str(), "{rep}");
    assert_eq!(rep["leftInMaintenance"], serde_json::json!([]), "{rep}");
    assert_eq!(rep["outOfService"], serde_json::json!([]), "{rep}");
    assert_eq!(status_of(&sim, "host3"), "up");
    // One enrollment, which the Manager called failed; activated without a second one.
    assert_eq!(events(&sim, "host3", 880), 1);
    assert_eq!(events(&sim, "host3", 882), 1);
    assert_eq!(events(&sim, "host3", 881), 0);
    let r = sim.report();
    assert_eq!(fired(&r, "install_failed_installed host3"), 1);
    assert_eq!(r["hosts"]["host3"]["enrollFailed"], 1, "{r}");
    assert_eq!(r["hosts"]["host3"]["activate"], 1, "{r}");
    assert!(
        stderr(&o).contains("the Manager says install_failed"),
        "{}",
        text(&o)
    );
    // A second run (the fault fires again): the text report says it too.
    let t = rhv(
        &sim,
        &["hosts", "enroll", "--host", "host3", "--all-hosts", "--yes"],
    );
    assert_eq!(t.status.code(), Some(0), "{}", text(&t));
    let out = String::from_utf8_lossy(&t.stdout);
    assert!(
        out.contains("(the Manager said install_failed; vdsm served the new certificate)"),
        "{}",
        text(&t)
    );
    assert_eq!(fired(&sim.report(), "install_failed_installed host3"), 2);
    assert_ne!(served_serial(&sim, "host3"), new);
    assert_eq!(status_of(&sim, "host3"), "up");
}

#[test]
fn install_failed_still_serving_the_old_certificate_stops_there() {
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
    let old = served_serial(&sim, "host3");
    let o = rhv(&sim, &ENROLL_HOST3);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let rep = json(&o);
    assert_schema_valid(&rep);
    assert_eq!(rep["completed"], false, "{rep}");
    let h = &rep["hosts"][0];
    assert_eq!(h["step"], "failed", "{rep}");
    assert_eq!(h["status"], "install_failed", "{rep}");
    assert_eq!(h["enrolled"], false, "{rep}");
    assert_eq!(h["managerSaidInstallFailed"], false, "{rep}");
    assert_eq!(h["newSerial"], serde_json::Value::Null, "{rep}");
    let err = h["error"].as_str().unwrap();
    assert!(err.contains("event 882"), "{err}");
    assert!(
        err.contains(&format!("still serves the old certificate (serial {old})")),
        "{err}"
    );
    assert_eq!(
        rep["leftInMaintenance"],
        serde_json::json!(["host3"]),
        "{rep}"
    );
    assert_eq!(
        rep["outOfService"],
        serde_json::json!([{"name": "host3", "status": "install_failed"}]),
        "{rep}"
    );
    // Not activated: still install_failed, still the old certificate.
    assert_eq!(status_of(&sim, "host3"), "install_failed");
    assert_eq!(served_serial(&sim, "host3"), old);
    let r = sim.report();
    assert_eq!(
        r["hosts"]["host3"]["activate"].as_u64().unwrap_or(0),
        0,
        "{r}"
    );
    assert_eq!(r["hosts"]["host3"]["enrollFailed"], 1, "{r}");
    assert_eq!(events(&sim, "host3", 882), 1);
    assert!(
        stderr(&o).contains("ATTENTION: host host3 is out of service"),
        "{}",
        text(&o)
    );
}
