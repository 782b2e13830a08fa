//! The simulator never lets a client see a state before its effect. A real host serves its
//! new vdsm certificate before the Manager shows it in `maintenance` again after Enroll
//! Certificate; the simulator must keep that order for every observer, however the threads
//! interleave. This test hammers the window: per host, several enrollments in a row, while
//! one thread polls the host's status and others poll the certificate its vdsm port serves,
//! all in tight loops; any certificate fetch that *started after* a `maintenance` answer
//! (that followed `installing`) was received must show the new certificate.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::sim::{served_cert, Client, Sim};

const HOSTS: [&str; 3] = ["r1", "r2", "r3"];
const ROUNDS: usize = 6;

fn scenario() -> String {
    let mut s = String::from(
        "[timings]\nenroll_start = 0.05\nenroll = 0.4\nmigration = 0.05\nmaintenance_settle = 0.05\n\
         activate_unassigned = 0.05\nactivate_initializing = 0.05\n[[clusters]]\nname = \"Default\"\n",
    );
    for h in HOSTS {
        s.push_str(&format!(
            "[[hosts]]\nname = \"{h}\"\naddress = \"{h}.example.test\"\n"
        ));
    }
    s
}

/// One host's enrollments, with the status poller and two certificate pollers racing.
fn hammer(c: &Client, name: &str, port: u16) -> (usize, u64) {
    let id = c.host_id(name);
    let r = c.post(&format!("/hosts/{id}/deactivate"), "{}");
    assert_eq!(r.status, 200, "{}", r.body);
    c.wait_status(&id, "maintenance", Duration::from_secs(60));
    let fqdn = format!("{name}.example.test");
    let mut checked = 0u64;
    for round in 0..ROUNDS {
        let old = served_cert(port, &fqdn);
        // Set by the status poller once it *received* `maintenance` after `installing`.
        let done = Arc::new(AtomicBool::new(false));
        let stale = Arc::new(Mutex::new(Vec::<String>::new()));
        let fetches = Arc::new(AtomicU64::new(0));
        let r = c.post(&format!("/hosts/{id}/enrollcertificate"), "{}");
        assert_eq!(r.status, 200, "{name} round {round}: {}", r.body);
        std::thread::scope(|s| {
            for _ in 0..2 {
                let (done, stale, fetches, old, fqdn) = (&done, &stale, &fetches, &old, &fqdn);
                s.spawn(move || loop {
                    // Read the flag *before* connecting: if it was already set, the status
                    // answer preceded this fetch, so the fetch must see the new certificate.
                    let after = done.load(Ordering::SeqCst);
                    let cert = served_cert(port, fqdn);
                    if after {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        if cert == *old {
                            stale.lock().unwrap().push(format!(
                                "{fqdn} round {round}: old certificate served after the API said maintenance"
                            ));
                        }
                        return;
                    }
                });
            }
            // The status poller: tight loop, no sleep.
            let t0 = Instant::now();
            let mut installing = false;
            loop {
                let st = c.status(&id);
                match st.as_str() {
                    "installing" => installing = true,
                    "maintenance" if installing => {
                        done.store(true, Ordering::SeqCst);
                        // And this thread's own fetch, right after the answer.
                        let cert = served_cert(port, &fqdn);
                        fetches.fetch_add(1, Ordering::SeqCst);
                        if cert == old {
                            stale.lock().unwrap().push(format!(
                                "{fqdn} round {round}: old certificate served right after the API said maintenance"
                            ));
                        }
                        break;
                    }
                    "install_failed" => panic!("{name} round {round}: install_failed"),
                    _ => {}
                }
                assert!(
                    t0.elapsed() < Duration::from_secs(120),
                    "{name} round {round}: enrollment never ended (last status {st}, installing seen: {installing})"
                );
            }
        });
        let stale = stale.lock().unwrap();
        assert!(stale.is_empty(), "{}", stale.join("\n"));
        checked += fetches.load(Ordering::SeqCst);
        // The enrollment really changed the served certificate.
        assert_ne!(served_cert(port, &fqdn), old, "{name} round {round}");
    }
    (ROUNDS, checked)
}

#[test]
fn status_never_shows_maintenance_before_the_new_certificate_is_served() {
    let sim = Sim::with_args("4.5-modern", Some(&scenario()), &["--time-scale", "1"]);
    let mut c = sim.client();
    c.login();
    let ports = c.vdsm_ports();
    let results: Vec<(usize, u64)> = std::thread::scope(|s| {
        let hs: Vec<_> = HOSTS
            .iter()
            .map(|h| {
                let (c, port) = (&c, ports[*h]);
                s.spawn(move || hammer(c, h, port))
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let rounds: usize = results.iter().map(|r| r.0).sum();
    let fetches: u64 = results.iter().map(|r| r.1).sum();
    assert_eq!(rounds, HOSTS.len() * ROUNDS);
    // Every round was checked by the status poller and both certificate pollers.
    assert_eq!(fetches, 3 * rounds as u64);
    // Each enrollment went through the engine: one "completed" event (881) per round.
    let done = c
        .events("")
        .iter()
        .filter(|e| e["code"].as_str() == Some("881") || e["code"].as_i64() == Some(881))
        .count();
    assert_eq!(done, rounds);
}
