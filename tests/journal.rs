//! The change trail in the journal (src/journal.rs, src/cli/trail.rs), judged through the real
//! binary: each test binds its own unix datagram socket, points `RHV_PKI_JOURNAL_SOCKET` at
//! it, runs a change command on a copy of a sample PKI, and parses the native-protocol
//! datagrams it received (`KEY=VALUE` lines and the length-prefixed binary form) on its own.
//! What they claim is checked against the files (openssl CLI) and `rhv-pki backups`.

mod common;

use std::os::unix::net::UnixDatagram;
use std::path::Path;

use common::journal::{get, must, parse, show, Journal};
use std::process::{Command, Output, Stdio};

use common::{bin, fixtures, pki, scenario, text};

fn rhv(root: &Path, socket: &Path, args: &[&str]) -> Output {
    rhv_cmd(root, socket, args).output().unwrap()
}

fn rhv_cmd(root: &Path, socket: &Path, args: &[&str]) -> Command {
    let mut c = bin();
    c.args(args)
        .arg("--root")
        .arg(root)
        .env("RHV_PKI_JOURNAL_SOCKET", socket)
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
        .stdin(Stdio::null());
    c
}

/// (serial in upper-case hex without leading zeros, signature algorithm) of a PEM certificate.
fn serial_and_sig(path: &Path) -> (String, String) {
    let o = Command::new("openssl")
        .args(["x509", "-noout", "-serial", "-text", "-in"])
        .arg(path)
        .output()
        .unwrap();
    assert!(o.status.success(), "openssl x509 {}", path.display());
    let t = String::from_utf8_lossy(&o.stdout);
    let serial = t
        .lines()
        .find_map(|l| l.strip_prefix("serial="))
        .unwrap()
        .trim_start_matches('0')
        .to_ascii_uppercase();
    let sig = t
        .lines()
        .find_map(|l| l.trim().strip_prefix("Signature Algorithm: "))
        .unwrap()
        .to_string();
    (serial, sig)
}

fn cert_file(pki: &Path, name: &str) -> std::path::PathBuf {
    if name == "ca" {
        pki.join("ca.pem")
    } else {
        pki.join(format!("certs/{name}.cer"))
    }
}

/// The secrets a record must never carry: the sample's PKCS#12 / trust store password and
/// key material.
fn assert_no_secret(datagrams: &[Vec<u8>]) {
    for d in datagrams {
        let s = String::from_utf8_lossy(d);
        for secret in ["mypass", "PRIVATE KEY", "BEGIN "] {
            assert!(!s.contains(secret), "'{secret}' in a journal record:\n{s}");
        }
    }
}

#[test]
fn resign_all_records_command_backup_serials_and_result() {
    let root = scenario("4.2-sha1");
    let j = Journal::bind();
    let o = rhv(root.path(), &j.path, &["resign", "--all", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let raw = j.raw();
    assert_no_secret(&raw);
    // No maintenance cycle on a copy (no --cycle): no start record, one final record.
    assert_eq!(raw.len(), 1, "{raw:?}");
    let f = parse(&raw[0]);
    assert_eq!(must(&f, "SYSLOG_IDENTIFIER"), "rhv-pki");
    assert_eq!(must(&f, "RHV_PKI_COMMAND"), "resign");
    assert_eq!(must(&f, "RHV_PKI_PHASE"), "finished");
    assert_eq!(must(&f, "RHV_PKI_DRY_RUN"), "0");
    assert_eq!(must(&f, "RHV_PKI_RESULT"), "success");
    assert_eq!(must(&f, "RHV_PKI_EXIT_STATUS"), "0");
    assert_eq!(must(&f, "PRIORITY"), "5");
    assert_eq!(
        must(&f, "RHV_PKI_PKI_DIR"),
        pki(root.path()).display().to_string()
    );

    // The backup id is the one `rhv-pki backups` lists.
    let list = bin()
        .args(["backups", "--format", "json", "--root"])
        .arg(root.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let ids: Vec<&str> = doc["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [must(&f, "RHV_PKI_BACKUP_ID").as_str()]);
    assert!(must(&f, "MESSAGE").contains(&format!("backup {}", ids[0])));

    // RHV_PKI_CERTS (a multi-line value: the binary form): each certificate's old serial and
    // signature as in the sample, the new ones as now on disk.
    let certs = must(&f, "RHV_PKI_CERTS");
    let original = pki(&fixtures().join("4.2-sha1"));
    let now = pki(root.path());
    let mut names = Vec::new();
    for line in certs.lines() {
        let w: Vec<&str> = line.split(' ').collect();
        assert_eq!(w.len(), 7, "{line}");
        assert_eq!((w[2], w[5]), ("->", "->"), "{line}");
        let name = w[0];
        let (old_serial, old_sig) = serial_and_sig(&cert_file(&original, name));
        let (new_serial, new_sig) = serial_and_sig(&cert_file(&now, name));
        assert_eq!(w[1].to_ascii_uppercase(), old_serial, "{line}");
        assert_eq!(w[3].to_ascii_uppercase(), new_serial, "{line}");
        assert_eq!(w[4], old_sig, "{line}");
        assert_eq!(w[6], new_sig, "{line}");
        assert_eq!(new_sig, "sha256WithRSAEncryption", "{line}");
        names.push(name.to_string());
    }
    names.sort();
    assert_eq!(
        names,
        [
            "apache",
            "ca",
            "engine",
            "imageio-proxy",
            "jboss",
            "reports",
            "websocket-proxy"
        ]
    );
    // An entity got a new serial; the CA keeps its own (as oVirt's re-sign does).
    assert!(
        certs.contains("engine 1001 -> 1008 sha1WithRSAEncryption -> sha256WithRSAEncryption"),
        "{certs}"
    );
    // The record went in the binary form: no line of it starts a field of its own.
    let d = &raw[0];
    let key = b"\nRHV_PKI_CERTS\n";
    let at = d
        .windows(key.len())
        .position(|w| w == key)
        .expect("binary form")
        + key.len();
    let len = u64::from_le_bytes(d[at..at + 8].try_into().unwrap());
    assert_eq!(len as usize, certs.len());
}

#[test]
fn without_a_journal_the_change_succeeds_all_the_same() {
    for kind in ["missing", "no listener"] {
        let root = scenario("4.2-sha1");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("socket");
        if kind == "no listener" {
            // A socket file nobody reads from: ECONNREFUSED.
            drop(UnixDatagram::bind(&path).unwrap());
        }
        let before = serial_and_sig(&pki(root.path()).join("certs/engine.cer"));
        let o = rhv(root.path(), &path, &["resign", "--all", "--yes"]);
        assert_eq!(o.status.code(), Some(0), "{kind}: {}", text(&o));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            !stderr.contains("journal"),
            "{kind}: said something: {stderr}"
        );
        let after = serial_and_sig(&pki(root.path()).join("certs/engine.cer"));
        assert_eq!(before.1, "sha1WithRSAEncryption");
        assert_eq!(after.1, "sha256WithRSAEncryption", "{kind}");
        assert_ne!(before.0, after.0, "{kind}");
    }
}

#[test]
fn a_failed_rollback_and_a_refused_plan_are_recorded_as_such() {
    let root = scenario("4.2-sha1");
    let j = Journal::bind();
    // A backup id that does not exist: usage error (exit 3).
    let o = rhv(
        root.path(),
        &j.path,
        &["rollback", "20200101000000", "--yes"],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let raw = j.raw();
    assert_eq!(raw.len(), 1, "{raw:?}");
    let f = parse(&raw[0]);
    assert_eq!(must(&f, "RHV_PKI_COMMAND"), "rollback");
    assert_eq!(must(&f, "RHV_PKI_RESULT"), "usage-error");
    assert_eq!(must(&f, "RHV_PKI_EXIT_STATUS"), "3");
    assert_eq!(must(&f, "PRIORITY"), "4");
    assert_eq!(must(&f, "RHV_PKI_BACKUP_ID"), "20200101000000");
    let err = must(&f, "RHV_PKI_ERROR");
    assert!(
        err.contains("20200101000000") && err.contains("not found"),
        "{err}"
    );
    assert!(must(&f, "MESSAGE").contains(&err), "{}", show(&f));

    // A plan nobody confirmed (no --yes, stdin not a terminal): refused, exit 2.
    let o = rhv(root.path(), &j.path, &["resign", "--all"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let raw = j.raw();
    assert_eq!(raw.len(), 1, "{raw:?}");
    let f = parse(&raw[0]);
    assert_eq!(must(&f, "RHV_PKI_COMMAND"), "resign");
    assert_eq!(must(&f, "RHV_PKI_RESULT"), "refused");
    assert_eq!(must(&f, "RHV_PKI_EXIT_STATUS"), "2");
    assert_eq!(get(&f, "RHV_PKI_BACKUP_ID"), None, "{}", show(&f));
    assert!(must(&f, "RHV_PKI_ERROR").contains("without --yes"));
    // What was refused is in the record too (the plan's certificates).
    assert_eq!(must(&f, "RHV_PKI_CERTS").lines().count(), 7);

    // A step that fails after writing began: rolled back, exit 1, an error.
    let o = rhv_cmd(root.path(), &j.path, &["resign", "--all", "--yes"])
        .env("RHV_PKI_FAULT", "fail:3")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let raw = j.raw();
    assert_eq!(raw.len(), 1);
    let f = parse(&raw[0]);
    assert_eq!(must(&f, "RHV_PKI_RESULT"), "failed");
    assert_eq!(must(&f, "RHV_PKI_EXIT_STATUS"), "1");
    assert_eq!(must(&f, "PRIORITY"), "3");
    assert_no_secret(&raw);
}

#[test]
fn a_dry_run_is_recorded_as_one_and_read_only_commands_are_not() {
    let root = scenario("4.2-sha1");
    let j = Journal::bind();
    let o = rhv(root.path(), &j.path, &["resign", "--all", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let raw = j.raw();
    assert_eq!(raw.len(), 1);
    let f = parse(&raw[0]);
    assert_eq!(must(&f, "RHV_PKI_DRY_RUN"), "1");
    assert_eq!(must(&f, "PRIORITY"), "6");
    assert_eq!(get(&f, "RHV_PKI_BACKUP_ID"), None);
    assert!(must(&f, "MESSAGE").starts_with("rhv-pki resign --dry-run: success"));
    assert!(must(&f, "MESSAGE").contains("7 certificate(s) planned"));

    for args in [&["audit", "--at", common::AT][..], &["backups"][..]] {
        let o = rhv(root.path(), &j.path, args);
        assert!(o.status.code().is_some(), "{}", text(&o));
        assert!(j.raw().is_empty(), "{args:?} wrote a record");
    }
    // An empty RHV_PKI_JOURNAL_SOCKET turns the trail off.
    let o = rhv_cmd(root.path(), &j.path, &["conf", "--yes"])
        .env("RHV_PKI_JOURNAL_SOCKET", "")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(j.raw().is_empty());
    // conf itself is recorded with its backup.
    let root2 = scenario("4.2-sha1");
    let o = rhv(root2.path(), &j.path, &["conf", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let raw = j.raw();
    assert_eq!(raw.len(), 1);
    let f = parse(&raw[0]);
    assert_eq!(must(&f, "RHV_PKI_COMMAND"), "conf");
    assert_eq!(must(&f, "RHV_PKI_RESULT"), "success");
    assert!(must(&f, "RHV_PKI_BACKUP_ID").len() >= 14);
}

#[test]
fn a_successful_rollback_names_both_backups() {
    let root = scenario("4.2-sha1");
    let j = Journal::bind();
    let o = rhv(root.path(), &j.path, &["resign", "--all", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let id = must(&parse(&j.raw()[0]), "RHV_PKI_BACKUP_ID");
    let o = rhv(root.path(), &j.path, &["rollback", &id, "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let raw = j.raw();
    assert_eq!(raw.len(), 1);
    let f = parse(&raw[0]);
    assert_eq!(must(&f, "RHV_PKI_COMMAND"), "rollback");
    assert_eq!(must(&f, "RHV_PKI_RESULT"), "success");
    assert_eq!(must(&f, "RHV_PKI_BACKUP_ID"), id);
    let safety = must(&f, "RHV_PKI_SAFETY_BACKUP_ID");
    assert_ne!(safety, id);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(&format!("the state before the rollback is backup {safety}")),
        "{stdout}"
    );
    // Back to SHA-1, as the record says the rollback restored.
    let (_, sig) = serial_and_sig(&pki(root.path()).join("certs/engine.cer"));
    assert_eq!(sig, "sha1WithRSAEncryption");
}

/// `resign` with a maintenance cycle (the systemctl / hosted-engine stand-ins of
/// tests/common/manager.rs restart a real apache): a start record once the work begins, then
/// the final one with the units that were restarted; then `maintenance on` / `off`.
#[test]
fn a_resign_with_a_cycle_records_its_start_and_units_then_maintenance_on_off() {
    let m = common::manager::Manager::start(
        "4.2-sha1",
        &[
            ("httpd", "enabled", true),
            ("ovirt-websocket-proxy", "enabled", true),
            ("ovirt-engine", "enabled", true),
        ],
    );
    let j = Journal::bind();
    let (ep1, ep2) = (m.httpd_ep(), m.wsp_ep());
    let path = format!(
        "{}:{}",
        m.shims().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = rhv_cmd(
        m.root.path(),
        &j.path,
        &[
            "resign",
            "apache",
            "websocket-proxy",
            "--yes",
            "--cycle",
            "--he-host",
            "localhost",
            "--endpoint",
            &ep1,
            "--endpoint",
            &ep2,
            "--verify-timeout",
            "30",
        ],
    )
    .env("PATH", &path)
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let raw = j.raw();
    assert_no_secret(&raw);
    assert_eq!(raw.len(), 2, "{raw:?}");
    let (start, end) = (parse(&raw[0]), parse(&raw[1]));
    assert_eq!(must(&start, "RHV_PKI_PHASE"), "started");
    assert_eq!(must(&start, "PRIORITY"), "6");
    assert_eq!(get(&start, "RHV_PKI_RESULT"), None);
    assert_eq!(get(&start, "RHV_PKI_EXIT_STATUS"), None);
    assert_eq!(must(&start, "RHV_PKI_CERTS").lines().count(), 2);
    assert_ne!(must(&start, "MESSAGE_ID"), must(&end, "MESSAGE_ID"));
    assert_eq!(must(&end, "RHV_PKI_PHASE"), "finished");
    assert_eq!(must(&end, "RHV_PKI_RESULT"), "success");
    assert_eq!(
        must(&end, "RHV_PKI_UNITS_RESTARTED"),
        "httpd ovirt-websocket-proxy"
    );
    // The stand-in systemctl logged the same restarts, and only those.
    let calls = m.calls();
    for u in ["httpd", "ovirt-websocket-proxy"] {
        assert!(
            calls
                .iter()
                .any(|c| c.contains(&format!("systemctl restart {u}"))),
            "{calls:#?}"
        );
    }
    assert!(!calls.iter().any(|c| c.contains("restart ovirt-engine")));
    let certs = must(&end, "RHV_PKI_CERTS");
    let apache_now = serial_and_sig(&m.pki().join("certs/apache.cer"));
    assert!(
        certs.lines().any(|l| l.starts_with("apache ")
            && l.contains(&format!(
                "-> {} sha1WithRSAEncryption -> sha256WithRSAEncryption",
                apache_now.0
            ))),
        "{certs} vs {apache_now:?}"
    );
    assert!(must(&end, "RHV_PKI_BACKUP_ID").len() >= 14);

    // `maintenance on` / `off` through the hosted-engine stand-in: one record each.
    for (verb, gm) in [("on", true), ("off", false)] {
        let o = bin()
            .args(["maintenance", verb, "--he-host", "localhost"])
            .env("RHV_PKI_JOURNAL_SOCKET", &j.path)
            .env("PATH", &path)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert_eq!(m.gm(), gm);
        let raw = j.raw();
        assert_eq!(raw.len(), 1, "{verb}: {raw:?}");
        let f = parse(&raw[0]);
        assert_eq!(must(&f, "RHV_PKI_COMMAND"), format!("maintenance {verb}"));
        assert_eq!(must(&f, "RHV_PKI_RESULT"), "success");
        assert_eq!(must(&f, "RHV_PKI_EXIT_STATUS"), "0");
    }
}

/// `hosts enroll` against the Manager simulator: a start record naming the hosts once the
/// waves begin, then the final one with each host's old -> new serial as vdsm now serves it.
#[test]
fn hosts_enroll_records_its_start_the_hosts_and_their_new_serials() {
    use common::sim::{three_hosts, Sim, PASSWORD};
    let sim = Sim::start("4.5-modern", &three_hosts(""), 0.01);
    let j = Journal::bind();
    let mut args: Vec<String> = [
        "hosts",
        "enroll",
        "--all-hosts",
        "--yes",
        "--poll-interval",
        "0.05",
        "--probe-timeout",
        "5",
    ]
    .map(String::from)
    .to_vec();
    args.extend(sim.engine_args());
    let o = bin()
        .args(&args)
        .env("RHV_PKI_JOURNAL_SOCKET", &j.path)
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let raw = j.raw();
    for d in &raw {
        assert!(
            !String::from_utf8_lossy(d).contains(PASSWORD),
            "the Manager password in a record"
        );
    }
    assert_no_secret(&raw);
    assert_eq!(raw.len(), 2, "{raw:?}");
    let (start, end) = (parse(&raw[0]), parse(&raw[1]));
    assert_eq!(must(&start, "RHV_PKI_COMMAND"), "hosts enroll");
    assert_eq!(must(&start, "RHV_PKI_PHASE"), "started");
    let mut hosts: Vec<String> = must(&start, "RHV_PKI_HOSTS")
        .split(' ')
        .map(String::from)
        .collect();
    hosts.sort();
    assert_eq!(hosts, ["host1", "host2", "host3"]);
    assert_eq!(must(&end, "RHV_PKI_RESULT"), "success");
    assert_eq!(must(&end, "RHV_PKI_EXIT_STATUS"), "0");
    // Each host's new serial is what its vdsm serves now (openssl s_client).
    let certs = must(&end, "RHV_PKI_CERTS");
    assert_eq!(certs.lines().count(), 3, "{certs}");
    let norm = |s: &str| s.trim_start_matches('0').to_ascii_uppercase();
    for (name, connect) in sim.vdsm_endpoints() {
        let port: u16 = connect.rsplit(':').next().unwrap().parse().unwrap();
        let (served, _) = common::manager::served(port);
        let line = certs
            .lines()
            .find(|l| l.starts_with(&format!("host:{name} ")))
            .unwrap_or_else(|| panic!("{name}: {certs}"));
        let w: Vec<&str> = line.split(' ').collect();
        assert_eq!(w.len(), 4, "{line}");
        assert_eq!(norm(w[3]), norm(&served), "{line}");
        assert_ne!(norm(w[1]), norm(w[3]), "{line}");
    }
}
