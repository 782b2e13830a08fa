//! What the cycle must never do on a real Manager: restart services on a hosted engine outside
//! global maintenance (the Manager VM has no `hosted-engine` command), restart the live
//! services for a copy, call "nothing restarted" a success; plus the shipped renew unit as
//! run, and `--he-api` defaults under `--root`.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use common::manager::{json, served, Manager};
use common::sim::Sim;

/// A PATH with the harness's `systemctl` stand-in but no `hosted-engine` command: a hosted
/// engine's Manager VM as rhv-pki sees it.
fn manager_vm_path(m: &Manager, dir: &Path) -> String {
    std::os::unix::fs::symlink(m.shims().join("systemctl"), dir.join("systemctl")).unwrap();
    format!("{}:/usr/bin:/bin", dir.display())
}

fn run(path: &str, args: &[&str]) -> Output {
    common::bin()
        .args(args)
        .env("PATH", path)
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
        .output()
        .unwrap()
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

fn restarts(m: &Manager) -> Vec<String> {
    m.calls()
        .into_iter()
        .filter(|c| c.contains("systemctl restart"))
        .collect()
}

#[test]
fn without_hosted_engine_detection_nothing_is_restarted_unless_no_maintenance() {
    let m = Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    let bin = tempfile::tempdir().unwrap();
    let path = manager_vm_path(&m, bin.path());
    let ep = m.httpd_ep();
    let old = m.apache_disk_serial();

    // The dry run says it before anything happens.
    let out = run(
        &path,
        &[
            "resign",
            "apache",
            "--root",
            m.root_str(),
            "--cycle",
            "--dry-run",
            "--endpoint",
            &ep,
        ],
    );
    let t = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains("hosted engine not detected and not ruled out"),
        "{t}"
    );
    assert!(t.contains("RESTARTS REFUSED"), "{t}");
    assert!(t.contains("cycle: PRINT   httpd"), "{t}");

    // The run: files changed (one committed transaction), no restart, exit 4, the commands.
    let out = run(
        &path,
        &[
            "resign",
            "apache",
            "--root",
            m.root_str(),
            "--cycle",
            "--yes",
            "--endpoint",
            &ep,
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(4), "{doc:#}");
    assert_eq!(doc["cycle"]["result"], "restart-refused");
    assert_eq!(steps(&doc), ["files", "restart-refused"]);
    assert!(doc["result"]["backup"].is_string(), "{doc:#}");
    let new = m.apache_disk_serial();
    assert_ne!(new, old);
    assert_eq!(restarts(&m), Vec::<String>::new());
    assert_eq!(
        served(m.apache_port).0,
        old,
        "httpd must not have been restarted"
    );
    let manual = doc["cycle"]["manual"].to_string();
    assert!(
        manual.contains("hosted-engine --set-maintenance --mode=global"),
        "{manual}"
    );
    assert!(manual.contains("systemctl restart httpd"), "{manual}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ATTENTION: restarts refused"), "{err}");
    assert!(err.contains("--no-maintenance"), "{err}");

    // Evidence in the Manager's own files is named in the refusal.
    let conf_d = m.root.path().join("etc/ovirt-engine-setup.conf.d");
    std::fs::create_dir_all(&conf_d).unwrap();
    std::fs::write(
        conf_d.join("20-setup-ovirt-post.conf"),
        "[environment:default]\nOVESETUP_CONFIG/continueSetupOnHEVM=bool:True\n",
    )
    .unwrap();
    let out = run(
        &path,
        &[
            "resign",
            "apache",
            "--root",
            m.root_str(),
            "--cycle",
            "--dry-run",
            "--endpoint",
            &ep,
        ],
    );
    let t = String::from_utf8_lossy(&out.stdout);
    assert!(
        t.contains("20-setup-ovirt-post.conf names continueSetupOnHEVM"),
        "{t}"
    );

    // hosted-engine-setup's answer file on the appliance.
    std::fs::create_dir_all(m.root.path().join("root")).unwrap();
    std::fs::write(
        m.root.path().join("root/heanswers.conf"),
        "[environment:default]\n",
    )
    .unwrap();
    let out = run(
        &path,
        &[
            "resign",
            "apache",
            "--root",
            m.root_str(),
            "--cycle",
            "--dry-run",
            "--endpoint",
            &ep,
        ],
    );
    let t = String::from_utf8_lossy(&out.stdout);
    assert!(t.contains("root/heanswers.conf exists"), "{t}");
    assert!(t.contains("RESTARTS REFUSED"), "{t}");

    // --no-maintenance, explicitly: the admin says it is not a hosted engine (or holds it).
    let out = run(
        &path,
        &[
            "resign",
            "apache",
            "--root",
            m.root_str(),
            "--cycle",
            "--yes",
            "--no-maintenance",
            "--endpoint",
            &ep,
            "--verify-timeout",
            "30",
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert_eq!(steps(&doc), ["files", "restart httpd", "verify"]);
    assert_eq!(served(m.apache_port).0, m.apache_disk_serial());

    // maintenance restart: refused before anything, exit 2.
    m.clear_calls();
    let out = run(
        &path,
        &[
            "maintenance",
            "restart",
            "apache",
            "--root",
            m.root_str(),
            "--cycle",
            "--endpoint",
            &ep,
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing restarted"));
    assert_eq!(restarts(&m), Vec::<String>::new());
}

#[test]
fn the_shipped_renew_unit_renews_and_never_restarts() {
    let unit = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/systemd/rhv-pki-renew.service"),
    )
    .unwrap();
    let exec: Vec<&str> = unit
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.strip_prefix("ExecStart="))
        .collect();
    assert_eq!(exec.len(), 1, "{unit}");
    let argv: Vec<&str> = exec[0].split_whitespace().collect();
    assert_eq!(argv[..2], ["/usr/bin/rhv-pki", "renew"]);
    // The comment promises restarts are left to the admin: the command must say so.
    assert!(unit.contains("restarts are left"), "{unit}");
    assert!(argv.contains(&"--no-restart"), "{unit}");

    let m = Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    let bin = tempfile::tempdir().unwrap();
    let path = manager_vm_path(&m, bin.path());
    let old = m.apache_disk_serial();
    // The unit's command, on a copy with the cycle forced (the live PKI's behaviour) and
    // everything due.
    let mut args: Vec<&str> = argv[1..].to_vec();
    let ep = m.httpd_ep();
    args.extend([
        "--root",
        m.root_str(),
        "--cycle",
        "--within",
        "36500",
        "--endpoint",
        &ep,
    ]);
    let out = run(&path, &args);
    let t = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{t} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(m.apache_disk_serial(), old, "renewed");
    assert_eq!(restarts(&m), Vec::<String>::new());
    assert!(t.contains("to do: systemctl restart httpd"), "{t}");
    assert!(
        t.contains("hosted-engine --set-maintenance --mode=global"),
        "{t}"
    );
    // Even with an HE host reachable, the unit restarts nothing.
    let out = m.rhv_pki(&[&args[..], &["--he-host", "localhost"]].concat());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(restarts(&m), Vec::<String>::new());
    assert!(!m.gm());
}

#[test]
fn maintenance_restart_honours_the_copy_rule_and_never_calls_nothing_a_success() {
    let m = Manager::start(
        "4.2-sha1",
        &[
            ("httpd", "enabled", true),
            ("ovirt-engine", "masked", false),
        ],
    );
    let ep = m.httpd_ep();
    // A copy without --cycle: refused, the live machine untouched.
    let out = m.rhv_pki(&[
        "maintenance",
        "restart",
        "apache",
        "--root",
        m.root_str(),
        "--he-host",
        "localhost",
        "--endpoint",
        &ep,
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--cycle"), "{err}");
    assert!(m.calls().is_empty(), "{:#?}", m.calls());
    assert!(!m.gm());

    // Nothing that reads jboss runs here (ovirt-engine masked): exit 2, the skip printed.
    let out = m.rhv_pki(&[
        "maintenance",
        "restart",
        "jboss",
        "--root",
        m.root_str(),
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &ep,
    ]);
    let t = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("skip    ovirt-engine"), "{t}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing restarted"));
    assert!(!m.calls().iter().any(|c| c.contains("--set-maintenance")));
    assert!(restarts(&m).is_empty());

    // ca on 4.2: httpd restarts; the others are skipped, and the real run says so.
    let out = m.rhv_pki(&[
        "maintenance",
        "restart",
        "ca",
        "--root",
        m.root_str(),
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &ep,
        "--verify-timeout",
        "30",
    ]);
    let t = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("cycle: skipped ovirt-engine"), "{t}");
    assert!(t.contains("masked"), "{t}");
    assert!(t.contains("cycle: skipped ovirt-imageio-proxy"), "{t}");
    assert!(t.contains("not installed"), "{t}");
    assert_eq!(restarts(&m).len(), 1, "{:#?}", m.calls());
    assert!(!m.gm());
}

#[test]
fn he_api_under_root_takes_the_ca_and_url_from_the_root() {
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
    let sim = Sim::start("4.5-modern", scenario, 0.01);
    // A systemctl stand-in for the unit states (nothing is restarted: --no-restart).
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("calls.log");
    let shim = bin.path().join("systemctl");
    std::fs::write(
        &shim,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\ncase \"$1\" in is-enabled) echo enabled ;; is-active) echo active ;; esac\nexit 0\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let root = sim.root.path().to_str().unwrap().to_string();
    let connect = format!("127.0.0.1:{}", sim.port);
    let pw = sim.password_file.display().to_string();
    // No --ca-file, no --engine-url: both from <root> (ca.pem, ENGINE_FQDN).
    let base = [
        "resign",
        "apache",
        "--root",
        &root,
        "--cycle",
        "--he-api",
        "--connect-to",
        &connect,
        "--password-file",
        &pw,
        "--no-restart",
        "--maintenance-timeout",
        "20",
    ];
    let out = run(&path, &[&base[..], &["--dry-run"]].concat());
    let t = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{t} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        t.contains("cycle: global maintenance: REST API (HostedEngine VM"),
        "{t}"
    );

    let gm = || {
        sim.get("/ovirt-engine/api/hosts?all_content=true")["host"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["hosted_engine"]["global_maintenance"] == "true")
    };
    let out = run(&path, &[&base[..], &["--yes", "--format", "json"]].concat());
    let doc = json(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{doc:#} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(steps(&doc), ["maintenance-on", "files", "maintenance-off"]);
    assert!(
        doc["cycle"]["maintenanceVia"]
            .as_str()
            .unwrap()
            .starts_with("REST API"),
        "{doc:#}"
    );
    assert!(doc["result"]["backup"].is_string());
    assert!(!gm(), "global maintenance left on");
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!calls.contains("restart"), "{calls}");
}
