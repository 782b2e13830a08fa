//! `hosts enroll` planning against the simulator: hosted-engine VM placement with memory per
//! destination, HA agents that cannot take the HostedEngine VM, and plans that refuse before
//! anything moves. Every assertion is on what the simulator saw (`GET /sim/report`: actions
//! per host, refusals with the Manager's reason, the most hosts out at once, completed
//! enrollments) and on the run's output — never on timing.

mod common;
use common::text;

use std::process::{Command, Output};

use common::sim::Sim;
use serde_json::Value;

/// Nominal timings × this (a host cycle ≈ 0.6 s).
const SCALE: f64 = 0.01;

fn rhv(sim: &Sim, args: &[&str]) -> Output {
    let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    v.extend(sim.engine_args());
    v.extend(
        ["--probe-timeout", "5", "--poll-interval", "0.05"]
            .iter()
            .map(|s| s.to_string()),
    );
    // These tests cycle every host they select (healthy ones too): `hosts enroll` now does
    // only what is needed unless told --all-hosts.
    if args.contains(&"enroll") && !args.contains(&"--only-needed") {
        v.push("--all-hosts".to_string());
    }
    Command::new(env!("CARGO_BIN_EXE_rhv-pki"))
        .args(&v)
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
        .output()
        .unwrap()
}

fn report(sim: &Sim) -> Value {
    sim.get("/sim/report")
}

/// Counter `what` of host `name` in the report (0 when the host was never acted on).
fn count(rep: &Value, name: &str, what: &str) -> u64 {
    rep["hosts"][name][what]
        .as_u64()
        .unwrap_or_else(|| rep["hosts"][name][what].as_i64().unwrap_or(0) as u64)
}

/// Actions (POST on a host) the simulator received.
fn host_actions(rep: &Value) -> u64 {
    rep["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("POST /hosts/"))
        .map(|(_, v)| v.as_u64().unwrap())
        .sum()
}

/// Eight hosts, room for two out; h1 is the SPM, h2 runs the HostedEngine VM, h3 is the
/// other hosted-engine host. h8's VMs go onto h3 (the most room) and fill it: a wave
/// {h8, h2} leaves the HostedEngine VM nowhere to go, in either order (h2 first: its other
/// VM takes h8's room and h8's VMs fit nowhere).
const HE_EIGHT: &str = r#"
[[clusters]]
name = "Default"
[[hosts]]
name = "h1"
spm = true
[[hosts]]
name = "h2"
hosted_engine = { active = true, score = 3400 }
[[hosts]]
name = "h3"
hosted_engine = { active = true, score = 3400 }
[[hosts]]
name = "h4"
memory_mib = 8192
[[hosts]]
name = "h5"
memory_mib = 8192
[[hosts]]
name = "h6"
memory_mib = 8192
[[hosts]]
name = "h7"
memory_mib = 8192
[[hosts]]
name = "h8"
[[vms]]
name = "a1"
host = "h1"
memory_mib = 16384
[[vms]]
name = "a2"
host = "h1"
memory_mib = 12288
[[vms]]
name = "HostedEngine"
host = "h2"
memory_mib = 16384
hosted_engine = true
[[vms]]
name = "b1"
host = "h2"
memory_mib = 12288
[[vms]]
name = "c1"
host = "h3"
memory_mib = 8192
[[vms]]
name = "k1"
host = "h8"
memory_mib = 12288
[[vms]]
name = "k2"
host = "h8"
memory_mib = 8192
"#;

#[test]
fn hosted_engine_vm_placement_is_planned_with_memory_per_destination() {
    let sim = Sim::start("4.5-modern", HE_EIGHT, SCALE);
    let out = rhv(&sim, &["hosts", "enroll", "--max-parallel", "2", "--yes"]);
    let rep = report(&sim);
    // The Manager never had to refuse anything: no 409 "There is no other host available
    // for the Hosted Engine VM", no capacity refusal.
    assert_eq!(
        rep["refusals"],
        serde_json::json!([]),
        "{rep}\n{}",
        text(&out)
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    for h in ["h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8"] {
        assert_eq!(count(&rep, h, "enrolled"), 1, "{h}: {rep}");
        assert_eq!(rep["status"][h], "up", "{h}: {rep}");
    }
    let most = rep["mostOut"].as_u64().unwrap();
    assert!((1..=2).contains(&most), "{rep}");
    assert_eq!(rep["outNow"], serde_json::json!([]), "{rep}");
    // The SPM went last and its role was moved before its maintenance, never lost to it.
    assert_eq!(count(&rep, "h1", "spmLostToMaintenance"), 0, "{rep}");
}

#[test]
fn when_no_order_keeps_the_hosted_engine_vm_safe_nothing_moves() {
    // h3, the only other hosted-engine host, can schedule 8 GiB: the 16 GiB HostedEngine VM
    // on h2 can never move, so h2 can never go to maintenance.
    let scenario = r#"
[[clusters]]
name = "Default"
[[hosts]]
name = "h1"
spm = true
[[hosts]]
name = "h2"
hosted_engine = { active = true, score = 3400 }
[[hosts]]
name = "h3"
memory_mib = 8192
hosted_engine = { active = true, score = 3400 }
[[hosts]]
name = "h4"
[[vms]]
name = "HostedEngine"
host = "h2"
memory_mib = 16384
hosted_engine = true
[[vms]]
name = "w1"
host = "h4"
memory_mib = 4096
"#;
    let sim = Sim::start("4.5-modern", scenario, SCALE);
    let dry = rhv(
        &sim,
        &["hosts", "enroll", "--max-parallel", "2", "--dry-run"],
    );
    assert_eq!(dry.status.code(), Some(2), "{}", text(&dry));
    let out = rhv(&sim, &["hosts", "enroll", "--max-parallel", "2", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("h2") && err.contains("HostedEngine") && err.contains("h3 would have"),
        "{}",
        text(&out)
    );
    assert!(err.contains("nothing was started"), "{}", text(&out));
    let rep = report(&sim);
    // Nothing touched: not one host action reached the Manager, every host is up.
    assert_eq!(host_actions(&rep), 0, "{rep}");
    assert_eq!(rep["mostOut"].as_u64(), Some(0), "{rep}");
    assert_eq!(rep["spm"], serde_json::json!(["h1"]), "{rep}");
}

/// h1 is the SPM and runs the HostedEngine VM; h2's HA agent is inactive.
const INACTIVE_AGENT: &str = r#"
[[clusters]]
name = "Default"
[[hosts]]
name = "h1"
spm = true
hosted_engine = { active = true, score = 3400 }
[[hosts]]
name = "h2"
hosted_engine = { active = false, score = 0 }
[[hosts]]
name = "h3"
[[vms]]
name = "HostedEngine"
host = "h1"
memory_mib = 8192
hosted_engine = true
[[vms]]
name = "v3"
host = "h3"
memory_mib = 4096
"#;

#[test]
fn an_inactive_ha_agent_is_planned_around_and_the_spm_is_never_moved_for_nothing() {
    let sim = Sim::start("4.5-modern", INACTIVE_AGENT, SCALE);
    // All hosts: h1 cannot go out (only h2 could take the HostedEngine VM, and its agent is
    // inactive). Refused before anything moves: the SPM role stays on h1.
    let out = rhv(&sim, &["hosts", "enroll", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("h1") && err.contains("h2's HA agent is not active"),
        "{}",
        text(&out)
    );
    let rep = report(&sim);
    for h in ["h1", "h2", "h3"] {
        assert_eq!(count(&rep, h, "forceSelectSpm"), 0, "{h}: {rep}");
        assert_eq!(count(&rep, h, "deactivate"), 0, "{h}: {rep}");
    }
    assert_eq!(host_actions(&rep), 0, "{rep}");
    assert_eq!(rep["spm"], serde_json::json!(["h1"]), "{rep}");

    // Planned around: h2 and h3 can be cycled while h1 keeps the HostedEngine VM (and the
    // SPM role), and that run works.
    let out = rhv(
        &sim,
        &["hosts", "enroll", "--host", "h2", "--host", "h3", "--yes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rep = report(&sim);
    assert_eq!(rep["refusals"], serde_json::json!([]), "{rep}");
    for h in ["h2", "h3"] {
        assert_eq!(count(&rep, h, "enrolled"), 1, "{h}: {rep}");
    }
    assert_eq!(count(&rep, "h1", "deactivate"), 0, "{rep}");
    assert_eq!(
        rep["requests"]["POST /hosts/{id}/forceselectspm"],
        Value::Null,
        "{rep}"
    );
    assert_eq!(rep["spm"], serde_json::json!(["h1"]), "{rep}");
    assert_eq!(rep["hostedEngineVmOn"], "h1", "{rep}");
}

#[test]
fn the_simulator_report_counts_what_it_saw() {
    // Requests per endpoint, actions per host and the most hosts out at once, across a
    // restart (the report lives in the state file).
    let mut sim = Sim::start(
        "4.5-modern",
        r#"
[[clusters]]
name = "Default"
[[hosts]]
name = "host1"
spm = true
[[hosts]]
name = "host2"
[[hosts]]
name = "host3"
[[faults]]
kind = "http_5xx"
path = "/hosts"
after = 2
count = 2
"#,
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
            "--max-parallel",
            "2",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rep = report(&sim);
    assert_eq!(rep["mostOut"].as_u64(), Some(2), "{rep}");
    assert_eq!(rep["faultsFired"]["http_5xx"].as_u64(), Some(2), "{rep}");
    assert_eq!(
        rep["answers"]["POST /hosts/{id}/deactivate"]["200"].as_u64(),
        Some(2),
        "{rep}"
    );
    // Every request is counted once, with its answer.
    for (k, n) in rep["requests"].as_object().unwrap() {
        let answered: u64 = rep["answers"][k]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(n.as_u64(), Some(answered), "{k}: {rep}");
    }
    assert_eq!(count(&rep, "host2", "enrolled"), 1, "{rep}");
    assert_eq!(count(&rep, "host1", "deactivate"), 0, "{rep}");
    let fivexx: u64 = rep["answers"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|m| m["503"].as_u64())
        .sum();
    assert_eq!(fivexx, 2, "{rep}");
    sim.restart();
    let rep2 = report(&sim);
    assert_eq!(rep2["starts"].as_u64(), Some(2), "{rep2}");
    assert_eq!(rep2["mostOut"], rep["mostOut"], "{rep2}");
    assert_eq!(rep2["hosts"], rep["hosts"], "{rep2}");
}

#[test]
fn an_outage_fault_answers_503_for_its_whole_window() {
    let sim = Sim::start(
        "4.5-modern",
        r#"
[[hosts]]
name = "host1"
[[faults]]
kind = "outage"
after = 1
seconds = 600
"#,
        SCALE,
    );
    // The first request passes; from the second on the Manager is "restarting".
    let first = sim.get("/ovirt-engine/api/hosts");
    assert!(first["host"].is_array(), "{first}");
    let rep = report(&sim);
    assert_eq!(rep["faultsFired"], serde_json::json!({}), "{rep}");
    // rhv-pki rides out an outage for --outage-timeout (300 s by default): 2 s here.
    let out = rhv(
        &sim,
        &["hosts", "enroll", "--dry-run", "--outage-timeout", "2"],
    );
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    let rep = report(&sim);
    assert_eq!(rep["faultsFired"]["outage"].as_u64(), Some(1), "{rep}");
    let token = &rep["answers"]["POST /ovirt-engine/sso/oauth/token"];
    assert!(token["503"].as_u64().unwrap_or(0) >= 1, "{rep}");
    assert_eq!(token["200"], Value::Null, "{rep}");
}

#[test]
fn the_spm_role_is_not_moved_when_the_managers_state_no_longer_allows_the_maintenance() {
    // The plan is sound (h3, then h2, then h1 — the SPM, running the HostedEngine VM —
    // whose VM goes to h2). Then h2's HA agent stops right after h2 was activated (the
    // sixth accepted action): h1 can no longer go to maintenance, so its SPM role must stay.
    let scenario = r#"
[[clusters]]
name = "Default"
[[hosts]]
name = "h1"
spm = true
hosted_engine = { active = true, score = 3400 }
[[hosts]]
name = "h2"
hosted_engine = { active = true, score = 3400 }
[[hosts]]
name = "h3"
[[vms]]
name = "HostedEngine"
host = "h1"
memory_mib = 8192
hosted_engine = true
[[faults]]
kind = "ha_agent_inactive"
host = "h2"
after = 6
"#;
    let sim = Sim::start("4.5-modern", scenario, SCALE);
    let out = rhv(&sim, &["hosts", "enroll", "--yes"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rep = report(&sim);
    assert_eq!(
        rep["faultsFired"]["ha_agent_inactive h2"].as_u64(),
        Some(1),
        "{rep}"
    );
    for h in ["h2", "h3"] {
        assert_eq!(count(&rep, h, "enrolled"), 1, "{h}: {rep}");
    }
    // No role moved, no maintenance asked for, nothing refused by the Manager.
    assert_eq!(
        rep["requests"]["POST /hosts/{id}/forceselectspm"],
        Value::Null,
        "{rep}"
    );
    assert_eq!(count(&rep, "h1", "deactivate"), 0, "{rep}");
    assert_eq!(rep["refusals"], serde_json::json!([]), "{rep}");
    assert_eq!(rep["spm"], serde_json::json!(["h1"]), "{rep}");
    assert_eq!(rep["outNow"], serde_json::json!([]), "{rep}");
    let all = text(&out);
    assert!(
        all.contains("not moving the SPM role") && all.contains("h2's HA agent is not active"),
        "{all}"
    );
}
