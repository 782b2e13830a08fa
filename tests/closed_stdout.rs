//! Every command with a standard output nobody reads (`| head -c1`, a monitoring wrapper that
//! gave up): the printing stops, the command does not. The pipe's read end is closed before
//! the binary starts, so its very first write meets EPIPE — deterministically. Each case
//! checks the exit status is the command's own (never 101, the panic) and that the change
//! really happened.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::manager::Manager;
use common::sim::Sim;

/// Runs `cmd` with a stdout whose reader is already gone.
fn closed(cmd: &mut Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = cmd
        .stdout(writer)
        .stderr(Stdio::piped())
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && out.status.code() != Some(101),
        "panic on a closed stdout: {:?} {err}",
        out.status
    );
    out
}

fn rhv(args: &[&str]) -> Command {
    let mut c = common::bin();
    c.args(args);
    c
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

fn serial(p: &Path) -> String {
    common::manager::disk_serial(p)
}

#[test]
fn generate_prints_nothing_and_exits_0() {
    for what in ["bash", "zsh", "fish", "man"] {
        let o = closed(&mut rhv(&["generate", what]));
        assert_eq!(code(&o), Some(0), "generate {what}: {o:?}");
    }
    for args in [
        &["--help"][..],
        &["--version"],
        &["audit", "--help"],
        &["hosts", "enroll", "-h"],
    ] {
        let o = closed(&mut rhv(args));
        assert_eq!(code(&o), Some(0), "{args:?}: {o:?}");
    }
}

#[test]
fn audit_keeps_its_nagios_exit_code_in_every_format() {
    let root = common::scenario("4.2-sha1");
    let r = root.path().to_str().unwrap();
    for format in ["table", "json", "nagios", "prometheus"] {
        let args = ["audit", "--root", r, "--at", common::AT, "--format", format];
        let want = common::run(&args);
        let o = closed(&mut rhv(&args));
        assert!(matches!(code(&want), Some(1 | 2)), "{want:?}");
        assert_eq!(code(&o), code(&want), "audit --format {format}: {o:?}");
    }
    // An audit that cannot run still exits 3 (UNKNOWN), not 101.
    let o = closed(&mut rhv(&[
        "audit",
        "--root",
        "/nonexistent",
        "--format",
        "nagios",
    ]));
    assert_eq!(code(&o), Some(3));
}

#[test]
fn resign_rollback_backups_conf_renew_do_their_work_and_exit_0() {
    let root = common::scenario("4.2-sha1");
    let r = root.path().to_str().unwrap();
    let pki = common::pki(root.path());
    let before = common::tree_state(&pki);
    let apache_old = serial(&pki.join("certs/apache.cer"));

    let o = closed(&mut rhv(&["resign", "--all", "--yes", "--root", r]));
    assert_eq!(code(&o), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_ne!(
        serial(&pki.join("certs/apache.cer")),
        apache_old,
        "resign did not happen"
    );
    let listed = common::run(&["backups", "--root", r, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(doc["backups"].as_array().unwrap().len(), 1, "{doc:#}");
    assert_eq!(doc["backups"][0]["state"], "committed", "{doc:#}");

    for format in ["table", "json"] {
        let o = closed(&mut rhv(&["backups", "--root", r, "--format", format]));
        assert_eq!(code(&o), Some(0), "backups --format {format}: {o:?}");
    }
    for format in ["table", "json"] {
        let o = closed(&mut rhv(&[
            "resign",
            "apache",
            "--dry-run",
            "--root",
            r,
            "--format",
            format,
        ]));
        assert_eq!(
            code(&o),
            Some(0),
            "resign --dry-run --format {format}: {o:?}"
        );
    }

    let o = closed(&mut rhv(&["rollback", "--yes", "--root", r]));
    assert_eq!(code(&o), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(common::tree_state(&pki), before, "rollback did not restore");
    let o = closed(&mut rhv(&[
        "rollback",
        "--dry-run",
        "--root",
        r,
        "--format",
        "json",
    ]));
    assert_eq!(code(&o), Some(0), "{o:?}");

    // conf: 4.2 writes default_md = sha1.
    let conf = pki.join("openssl.conf");
    let o = closed(&mut rhv(&["conf", "--yes", "--root", r]));
    assert_eq!(code(&o), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&conf).unwrap();
    assert!(
        text.lines()
            .any(|l| l.replace(' ', "") == "default_md=sha256"),
        "{text}"
    );

    // renew in JSON, everything due within a century.
    let jboss_old = serial(&pki.join("certs/jboss.cer"));
    let o = closed(&mut rhv(&[
        "renew", "--yes", "--within", "36500", "--root", r, "--format", "json",
    ]));
    assert_eq!(code(&o), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_ne!(
        serial(&pki.join("certs/jboss.cer")),
        jboss_old,
        "renew did not happen"
    );
}

#[test]
fn resign_with_the_cycle_restarts_clears_maintenance_and_exits_0() {
    let m = Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    let old = m.apache_disk_serial();
    let path = format!(
        "{}:{}",
        m.shims().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let ep = m.httpd_ep();
    for format in ["table", "json"] {
        m.clear_calls();
        let o = closed(
            rhv(&[
                "resign",
                "apache",
                "--yes",
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
                format,
            ])
            .env("PATH", &path),
        );
        assert_eq!(
            code(&o),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let calls = m.calls();
        assert!(
            calls.iter().any(|c| c.contains("systemctl restart httpd")),
            "{calls:#?}"
        );
        assert!(
            calls
                .iter()
                .any(|c| c.contains("--set-maintenance --mode=none")),
            "{calls:#?}"
        );
        assert!(!m.gm(), "global maintenance left on");
        assert_ne!(m.apache_disk_serial(), old);
        assert_eq!(
            common::manager::served(m.apache_port).0,
            m.apache_disk_serial()
        );
    }
    // The step-by-step commands too.
    for args in [
        vec!["maintenance", "status", "--he-host", "localhost"],
        vec!["maintenance", "on", "--he-host", "localhost"],
        vec![
            "maintenance",
            "off",
            "--he-host",
            "localhost",
            "--format",
            "json",
        ],
        vec![
            "maintenance",
            "verify",
            "--root",
            m.root_str(),
            "--endpoint",
            &ep,
        ],
        vec![
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
        ],
    ] {
        let o = closed(rhv(&args).env("PATH", &path));
        assert_eq!(
            code(&o),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert!(!m.gm());
}

#[test]
fn hosts_audit_and_enroll_against_the_simulator_exit_with_their_status() {
    let sim = Sim::start(
        "4.5-modern",
        "[[clusters]]\nname = \"Default\"\n[[hosts]]\nname = \"host1\"\ncert = { sha1 = true }\n[[hosts]]\nname = \"host2\"\nspm = true\n",
        0.01,
    );
    let hosts = |extra: &[&str]| -> Command {
        let mut c = rhv(&["hosts"]);
        c.args(extra)
            .args(sim.engine_args())
            .args(["--probe-timeout", "5"])
            .env_remove("RHV_PKI_ENGINE_PASSWORD");
        c
    };
    let sha1_host1 = || {
        let o = hosts(&["audit", "--format", "json"]).output().unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (
            o.status.code(),
            doc["findings"].as_array().unwrap().iter().any(|f| {
                f["code"] == "sha1-signature" && f["path"].as_str().unwrap().starts_with("host1")
            }),
        )
    };
    let (want, sha1) = sha1_host1();
    assert!(sha1);
    for format in ["table", "json", "nagios"] {
        let o = closed(&mut hosts(&["audit", "--format", format]));
        assert_eq!(code(&o), want, "hosts audit --format {format}: {o:?}");
    }
    let o = closed(&mut hosts(&["enroll", "--host", "host1", "--dry-run"]));
    assert_eq!(code(&o), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    // The real run: host1 re-enrolled (no SHA-1 certificate any more), exit 0.
    let o = closed(&mut hosts(&[
        "enroll",
        "--host",
        "host1",
        "--yes",
        "--poll-interval",
        "0.05",
    ]));
    assert_eq!(code(&o), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!sha1_host1().1, "host1 was not re-enrolled");
}
