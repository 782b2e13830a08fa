//! A Manager that answers 503 to everything (the engine restarting behind httpd, or down) used
//! to leave `hosts enroll --dry-run` silent for the whole outage window (300 s by default)
//! before its error: an admin could not tell a hang from a wait. rhv-pki now says, on stderr,
//! which request the Manager has not answered, for how long, its last error, and how long it
//! keeps trying — when the failure repeats (a single blip stays quiet), and again every 30 s.
//! In the reader's language; stdout and the exit code do not change.

mod common;

use std::process::{Command, Output};

use common::i18n::japanese;
use common::sim::{three_hosts, Sim};
use common::text;

fn enroll(sim: &Sim, lang: &str, extra: &[&str]) -> Output {
    let mut v: Vec<String> = ["hosts", "enroll", "--dry-run", "--all-hosts"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    v.extend(sim.engine_args());
    v.extend(extra.iter().map(|s| s.to_string()));
    common::output_within_a_minute(
        Command::new(env!("CARGO_BIN_EXE_rhv-pki"))
            .args(&v)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .env_remove("RHV_PKI_ENGINE_PASSWORD"),
        "hosts enroll --dry-run",
    )
}

fn notices(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| l.contains("/ovirt-engine/api/clusters"))
        .filter(|l| !l.starts_with("rhv-pki: error:") && !l.starts_with("rhv-pki: エラー:"))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_manager_that_keeps_answering_503_is_named_while_rhv_pki_waits() {
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts("[[faults]]\nkind = \"http_5xx\"\npath = \"/clusters\"\n"),
        0.01,
    );
    let extra = ["--outage-timeout", "3", "--poll-interval", "0.2"];
    let en = enroll(&sim, "C", &extra);
    // It still gives up after the window, with the Manager's answer, as before.
    assert_eq!(en.status.code(), Some(2), "{}", text(&en));
    let err = String::from_utf8_lossy(&en.stderr);
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("rhv-pki: error: GET /ovirt-engine/api/clusters: HTTP 503"),
        "{err}"
    );
    // Before it: one notice (the window is shorter than the 30 s between notices), naming
    // the request, how long it has failed, the Manager's answer and the whole window.
    let n = notices(&en);
    assert_eq!(n.len(), 1, "{err}");
    let line = &n[0];
    assert!(
        line.starts_with(
            "rhv-pki: the Manager has not answered GET /ovirt-engine/api/clusters for "
        ),
        "{line}"
    );
    assert!(
        line.contains(" s (GET /ovirt-engine/api/clusters: HTTP 503: Service Unavailable"),
        "{line}"
    );
    assert!(
        line.ends_with("; trying again for up to 3 s in all"),
        "{line}"
    );
    assert!(en.stdout.is_empty(), "{}", text(&en));

    // In Japanese: the same facts, rhv-pki's words in Japanese, the same exit code.
    let ja = enroll(&sim, "ja_JP.UTF-8", &extra);
    assert_eq!(ja.status.code(), Some(2), "{}", text(&ja));
    let n = notices(&ja);
    assert_eq!(n.len(), 1, "{}", text(&ja));
    let line = &n[0];
    assert!(japanese(line), "{line}");
    for kept in ["GET /ovirt-engine/api/clusters", "HTTP 503", "3 秒"] {
        assert!(line.contains(kept), "{kept}: {line}");
    }
    for english in ["has not answered", "trying again", "in all"] {
        assert!(!line.contains(english), "{english}: {line}");
    }
}

#[test]
fn a_single_blip_is_ridden_out_quietly() {
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts("[[faults]]\nkind = \"http_5xx\"\npath = \"/clusters\"\ncount = 1\n"),
        0.01,
    );
    let o = enroll(
        &sim,
        "C",
        &["--outage-timeout", "30", "--probe-timeout", "5"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Plan: 3 host(s)"),
        "{}",
        text(&o)
    );
    assert_eq!(
        sim.get("/sim/report")["faultsFired"]["http_5xx"].as_u64(),
        Some(1)
    );
    assert!(notices(&o).is_empty(), "{}", text(&o));
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("has not answered"),
        "{}",
        text(&o)
    );
}
