//! Be gentle with the Manager (issue 18): `hosts enroll` polls the Manager with one host-list
//! query (and one events query) per poll interval for all the hosts in flight, not one
//! request per host. Counted by the simulator itself (`GET /sim/report`, requests per
//! endpoint), around one real `rhv-pki hosts enroll` run.

mod common;

use std::process::Command;
use std::time::Instant;

use common::sim::Sim;
use common::text;

/// Slow enough that one host's cycle spans many poll intervals (a cycle ≈ 1 s, polls 0.05 s).
const SCALE: f64 = 0.02;
const POLL: f64 = 0.05;

fn scenario(n: usize) -> String {
    let mut s = String::from("[[clusters]]\nname = \"Default\"\n");
    for i in 1..=n {
        s.push_str(&format!(
            "[[hosts]]\nname = \"h{i:02}\"\nmemory_mib = 32768\n{}",
            if i == 1 { "spm = true\n" } else { "" }
        ));
        s.push_str(&format!(
            "[[vms]]\nname = \"vm{i:02}\"\nhost = \"h{i:02}\"\nmemory_mib = 2048\n"
        ));
    }
    s
}

fn count(report: &serde_json::Value, key: &str) -> u64 {
    report["requests"][key].as_u64().unwrap_or(0)
}

#[test]
fn polling_is_one_host_list_per_interval_not_one_request_per_host() {
    const N: usize = 12;
    const K: usize = 6;
    let sim = Sim::start("4.5-modern", &scenario(N), SCALE);
    let mut args: Vec<String> = [
        "hosts",
        "enroll",
        "--yes",
        "--format",
        "json",
        "--all-hosts",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(sim.engine_args());
    args.extend(
        [
            "--max-parallel",
            &K.to_string(),
            "--poll-interval",
            &POLL.to_string(),
            "--probe-timeout",
            "5",
        ]
        .map(String::from),
    );
    let before = sim.report();
    let t0 = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_rhv-pki"))
        .args(&args)
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
        .output()
        .unwrap();
    // Not a timing assertion: the run's length only sizes the allowance (the longer the
    // run, the more intervals, the more list queries are allowed).
    let intervals = (t0.elapsed().as_secs_f64() / POLL).ceil() as u64 + 1;
    let after = sim.report();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out)));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(doc["completed"], true, "{doc:#}");
    let hosts = doc["hosts"].as_array().unwrap();
    assert_eq!(hosts.len(), N);
    assert!(hosts.iter().all(|h| h["step"] == "done"), "{doc:#}");
    // Every host went through the whole cycle (the Manager saw each enrollment).
    for i in 1..=N {
        assert_eq!(
            after["hosts"][format!("h{i:02}")]["enrolled"],
            1,
            "h{i:02}: {after:#}"
        );
    }

    let d = |key: &str| count(&after, key) - count(&before, key);
    let single = d("GET /hosts/{id}");
    let lists = d("GET /hosts");
    let events = d("GET /events");
    eprintln!(
        "{N} hosts, {K} at once, {intervals} poll intervals: GET /hosts/{{id}} {single}, \
         GET /hosts {lists}, GET /events {events}; all requests {:?}",
        after["requests"]
    );
    // Single-host reads only at step boundaries (before the cycle, before activating,
    // resolving a lost answer), never once per poll: a handful per host.
    assert!(
        single <= 4 * N as u64,
        "{single} single-host reads for {N} hosts: polling per host?"
    );
    // The host list: planning (1), the SPM move (2), each wait's first look (at most 4 per
    // host), then one per poll interval for all hosts in flight.
    let allowed = intervals + 3 + 4 * N as u64;
    assert!(
        lists <= allowed,
        "{lists} host-list queries > {allowed} ({intervals} intervals)"
    );
    // Events: one per host to learn where to start (`max=1`), then shared reads.
    assert!(
        events <= intervals + 3 * N as u64,
        "{events} event queries over {intervals} intervals"
    );
}
