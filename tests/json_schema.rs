//! The published JSON schemas (schema/*.json, `rhv-pki generate schema`) against what the
//! binary really prints with `--format json`: `audit` on every sample, conf / resign / renew /
//! rollback (dry run and real) on copies, `backups`, `hosts audit` and `hosts enroll` against
//! the simulator, `hosts recover --ssh` against a private sshd. The schemas are strict
//! (`additionalProperties: false` everywhere, each finding code with exactly its evidence): a
//! renamed key fails, which the mutation tests prove.
mod common;
#[path = "common/sshd.rs"]
mod sshd;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use common::sim::Sim;
use common::{bin, fixtures, pki, scenario, text, AT};
use serde_json::Value;

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema")
}

/// kind -> compiled validator, from the files in schema/.
fn validators() -> &'static BTreeMap<String, jsonschema::Validator> {
    static V: OnceLock<BTreeMap<String, jsonschema::Validator>> = OnceLock::new();
    V.get_or_init(|| {
        let mut m = BTreeMap::new();
        for e in std::fs::read_dir(schema_dir()).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_str().unwrap();
            let kind = name.strip_suffix(".schema.json").unwrap().to_string();
            let s: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert_eq!(s["title"], kind.as_str(), "{name}");
            // Compiling checks the schema against the draft 2020-12 meta-schema.
            let v = jsonschema::validator_for(&s).unwrap_or_else(|e| panic!("{name}: {e}"));
            m.insert(kind, v);
        }
        m
    })
}

/// The errors of `doc` against the schema of its `kind` (none = valid).
fn errors(doc: &Value) -> Vec<String> {
    let kind = doc["kind"].as_str().expect("a document has a kind");
    let v = validators()
        .get(kind)
        .unwrap_or_else(|| panic!("no schema for kind {kind}"));
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(doc: &Value, what: &str) {
    assert_eq!(doc["apiVersion"], "rhv-pki/v1", "{what}");
    let errs = errors(doc);
    assert!(errs.is_empty(), "{what}: {errs:#?}\n{doc:#}");
}

fn doc(o: &Output, what: &str) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{what}: not one JSON document ({e}): {}", text(o)))
}

fn run(args: &[&str]) -> Output {
    bin()
        .args(args)
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn samples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("etc/pki/ovirt-engine").is_dir())
        .collect();
    v.sort();
    assert!(v.len() >= 10, "{v:?}");
    v
}

#[test]
fn generate_schema_prints_the_published_files_and_lists_every_kind() {
    let list = run(&["generate", "schema"]);
    assert_eq!(list.status.code(), Some(0), "{}", text(&list));
    let kinds: Vec<String> = String::from_utf8(list.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let mut files: Vec<String> = validators().keys().cloned().collect();
    let mut listed = kinds.clone();
    listed.sort();
    files.sort();
    assert_eq!(listed, files, "generate schema lists exactly schema/*.json");
    for k in [
        "PkiAudit",
        "PkiChange",
        "PkiRollback",
        "EnrollPlan",
        "EnrollReport",
        "HostRecovery",
    ] {
        assert!(kinds.iter().any(|x| x == k), "{k}: {kinds:?}");
    }
    for k in &kinds {
        let o = run(&["generate", "schema", k]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let published = std::fs::read(schema_dir().join(format!("{k}.schema.json"))).unwrap();
        assert_eq!(o.stdout, published, "{k}: printed = schema/{k}.schema.json");
    }
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "generate",
        "schema",
        "--out-dir",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for k in &kinds {
        let f = format!("{k}.schema.json");
        assert_eq!(
            std::fs::read(out.path().join(&f)).unwrap(),
            std::fs::read(schema_dir().join(&f)).unwrap(),
            "{f}"
        );
    }
    // Usage errors: exit 3, a clear message, nothing printed on stdout.
    for args in [
        &["generate", "schema", "PkiAudits"][..],
        &["generate", "bash", "PkiAudit"][..],
        &["generate", "schema", "PkiAudit", "--out-dir", "/"][..],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(3), "{args:?}: {}", text(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(!o.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn the_audit_schema_knows_every_finding_code() {
    let s: Value =
        serde_json::from_slice(&std::fs::read(schema_dir().join("PkiAudit.schema.json")).unwrap())
            .unwrap();
    let codes: Vec<&str> = s["$defs"]["finding"]["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for c in rhv_pki::audit::alert::FINDING_CODES {
        assert!(codes.contains(c), "{c} is not in the schema's codes");
    }
}

#[test]
fn audit_json_of_every_sample_validates() {
    let mut n = 0;
    for root in samples() {
        let r = root.to_str().unwrap();
        for extra in [&[][..], &["--policy", "el9"][..]] {
            let o = run(&[
                &["audit", "--root", r, "--at", AT, "--format", "json"],
                extra,
            ]
            .concat());
            assert!(matches!(o.status.code(), Some(0..=2)), "{}", text(&o));
            assert_valid(&doc(&o, r), &format!("audit {r} {extra:?}"));
            n += 1;
        }
    }
    // UNKNOWN: the short document (no PKI directory), and the full report plus `error` when
    // the textfile cannot be written.
    let o = run(&["audit", "--root", "/nonexistent", "--format", "json"]);
    assert_eq!(o.status.code(), Some(3));
    let d = doc(&o, "unknown");
    assert_valid(&d, "audit UNKNOWN");
    assert!(
        d["error"].is_string() && d.get("certificates").is_none(),
        "{d}"
    );
    let r = fixtures().join("expiring");
    let o = run(&[
        "audit",
        "--root",
        r.to_str().unwrap(),
        "--format",
        "json",
        "--textfile-dir",
        "/nonexistent/dir",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let d = doc(&o, "textfile failure");
    assert_valid(&d, "audit UNKNOWN with the report");
    assert!(
        d["error"].is_string() && d["certificates"].is_array(),
        "{d}"
    );
    assert!(n >= 20);
}

/// conf, resign --all, renew: --dry-run, then the real run, then rollback (--dry-run, real)
/// and backups, each document validated.
#[test]
fn change_rollback_and_backups_json_validate_dry_run_and_real() {
    for sample in ["4.2-sha1", "expiring", "4.5-modern"] {
        let root = scenario(sample);
        let r = root.path().to_str().unwrap();
        let mut changed = 0;
        for cmd in [&["conf"][..], &["resign", "--all"][..], &["renew"][..]] {
            let what = format!("{sample}: {cmd:?}");
            let dry = run(&[cmd, &["--root", r, "--format", "json", "--dry-run"]].concat());
            assert_eq!(dry.status.code(), Some(0), "{what}: {}", text(&dry));
            let d = doc(&dry, &what);
            assert_valid(&d, &format!("{what} --dry-run"));
            assert_eq!(d["dryRun"], true);
            let real = run(&[cmd, &["--root", r, "--format", "json", "--yes"]].concat());
            assert_eq!(real.status.code(), Some(0), "{what}: {}", text(&real));
            let d = doc(&real, &what);
            assert_valid(&d, &format!("{what} real"));
            assert_eq!(d["dryRun"], false);
            if d["result"]["changed"] == true {
                changed += 1;
            }
        }
        assert!(
            changed >= 1,
            "{sample}: nothing changed, so no real result was checked"
        );
        let b = run(&["backups", "--root", r, "--format", "json"]);
        assert_eq!(b.status.code(), Some(0), "{}", text(&b));
        let d = doc(&b, "backups");
        assert_valid(&d, &format!("{sample}: backups"));
        assert!(!d["backups"].as_array().unwrap().is_empty());
        let dry = run(&["rollback", "--root", r, "--format", "json", "--dry-run"]);
        assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
        let d = doc(&dry, "rollback --dry-run");
        assert_valid(&d, &format!("{sample}: rollback --dry-run"));
        assert_eq!(d["dryRun"], true);
        let real = run(&["rollback", "--root", r, "--format", "json", "--yes"]);
        assert_eq!(real.status.code(), Some(0), "{}", text(&real));
        let d = doc(&real, "rollback");
        assert_valid(&d, &format!("{sample}: rollback"));
        assert!(!d["result"]["restored"].as_array().unwrap().is_empty());
    }
}

/// The `cycle` object: its plan (`--cycle --dry-run`) and its report (a real run with
/// `--no-maintenance --no-restart`, so nothing on this machine is touched).
#[test]
fn change_json_with_the_maintenance_cycle_validates() {
    let root = scenario("4.2-sha1");
    let r = root.path().to_str().unwrap();
    let dry = run(&[
        "resign",
        "--all",
        "--root",
        r,
        "--cycle",
        "--dry-run",
        "--format",
        "json",
    ]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let d = doc(&dry, "resign --cycle --dry-run");
    assert_valid(&d, "resign --cycle --dry-run");
    assert!(d["cycle"]["restarts"].is_array(), "{d}");
    let real = run(&[
        "renew",
        "--within",
        "36500",
        "--root",
        r,
        "--cycle",
        "--no-maintenance",
        "--no-restart",
        "--yes",
        "--format",
        "json",
    ]);
    assert_eq!(real.status.code(), Some(0), "{}", text(&real));
    let d = doc(&real, "renew --cycle");
    assert_valid(&d, "renew --cycle");
    assert_eq!(d["result"]["changed"], true, "{d}");
    assert!(d["cycle"]["events"].is_array(), "{d}");
}

/// Regression: `rollback --dry-run --format json` printed a text line, not a document.
#[test]
fn rollback_dry_run_json_is_a_document_naming_the_backup() {
    let root = scenario("4.2-sha1");
    let r = root.path().to_str().unwrap();
    assert_eq!(run(&["conf", "--root", r, "--yes"]).status.code(), Some(0));
    let o = run(&["rollback", "--root", r, "--format", "json", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let d = doc(&o, "rollback --dry-run");
    assert_eq!(d["kind"], "PkiRollback");
    let backups = doc(
        &run(&["backups", "--root", r, "--format", "json"]),
        "backups",
    );
    assert_eq!(d["wouldRestore"]["backup"], backups["backups"][0]["id"]);
    assert_eq!(
        d["wouldRestore"]["pkiDir"],
        pki(root.path()).to_str().unwrap()
    );
}

fn sim_run(sim: &Sim, args: &[&str]) -> Output {
    bin()
        .args(args)
        .args(sim.engine_args())
        .args(["--probe-timeout", "10"])
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn hosts_audit_and_enroll_json_against_the_simulator_validate() {
    let scenario = r#"
[[clusters]]
name = "Default"
[[clusters]]
name = "Edge"
[[hosts]]
name = "a1"
cluster = "Default"
cert = { sha1 = true }
[[hosts]]
name = "a2"
cluster = "Default"
cert = { no_san = true, days_left = -3 }
[[hosts]]
name = "a3"
cluster = "Default"
[[hosts]]
name = "b1"
cluster = "Edge"
cert = { days_left = 20 }
"#;
    let sim = Sim::start("4.5-modern", scenario, 0.01);
    let a = sim_run(&sim, &["hosts", "audit", "--format", "json"]);
    assert_eq!(a.status.code(), Some(2), "{}", text(&a));
    let d = doc(&a, "hosts audit");
    assert_valid(&d, "hosts audit");
    assert!(d["certificates"][0]["cluster"].is_string(), "{d}");
    let a = sim_run(
        &sim,
        &["hosts", "audit", "--format", "json", "--policy", "el9"],
    );
    assert_valid(&doc(&a, "hosts audit el9"), "hosts audit --policy el9");

    let state = sim.root.path().join("enroll-state.json");
    let st = state.to_str().unwrap();
    let common_args = ["--state", st, "--poll-interval", "0.05"];
    let dry = sim_run(
        &sim,
        &[
            &[
                "hosts",
                "enroll",
                "--only-needed",
                "--dry-run",
                "--format",
                "json",
            ][..],
            &common_args,
        ]
        .concat(),
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let plan = doc(&dry, "enroll --dry-run");
    assert_valid(&plan, "hosts enroll --dry-run");
    assert_eq!(plan["kind"], "EnrollPlan");
    assert!(!plan["hosts"].as_array().unwrap().is_empty(), "{plan}");
    // --all-hosts plans without reading any certificate: every served serial is null.
    let all = sim_run(
        &sim,
        &[
            &[
                "hosts",
                "enroll",
                "--all-hosts",
                "--dry-run",
                "--format",
                "json",
            ][..],
            &common_args,
        ]
        .concat(),
    );
    assert_eq!(all.status.code(), Some(0), "{}", text(&all));
    let all = doc(&all, "enroll --all-hosts --dry-run");
    assert_valid(&all, "hosts enroll --all-hosts --dry-run");
    let hosts = all["hosts"].as_array().unwrap();
    assert!(!hosts.is_empty(), "{all}");
    assert!(hosts.iter().all(|h| h["servedSerial"].is_null()), "{all}");
    let real = sim_run(
        &sim,
        &[
            &[
                "hosts",
                "enroll",
                "--only-needed",
                "--yes",
                "--format",
                "json",
            ][..],
            &common_args,
        ]
        .concat(),
    );
    assert_eq!(real.status.code(), Some(0), "{}", text(&real));
    let rep = doc(&real, "enroll");
    assert_valid(&rep, "hosts enroll");
    assert_eq!(rep["kind"], "EnrollReport");
    assert_eq!(rep["completed"], true, "{rep}");
    // Nothing left to do is still a report.
    let again = sim_run(
        &sim,
        &[
            &[
                "hosts",
                "enroll",
                "--only-needed",
                "--yes",
                "--format",
                "json",
            ][..],
            &common_args,
        ]
        .concat(),
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_valid(&doc(&again, "enroll again"), "hosts enroll, nothing to do");
}

#[test]
fn hosts_recover_json_validates_dry_run_and_real() {
    let hosts = tempfile::tempdir().unwrap();
    // The host's `systemctl`: a stand-in that restarts nothing.
    let shim = hosts.path().join("bin");
    std::fs::create_dir_all(&shim).unwrap();
    std::fs::write(shim.join("systemctl"), "#!/bin/sh\nexit 0\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        shim.join("systemctl"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let sshd = sshd::Sshd::start_with(sshd::SshdOptions {
        set_env: vec![(
            "PATH".into(),
            format!("{}:/usr/bin:/bin:/usr/sbin:/sbin", shim.display()),
        )],
        ..Default::default()
    });
    let manager = scenario("4.5-modern");
    let backups = tempfile::tempdir().unwrap();
    let host = "host2.example.test";
    let made = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make-test-host.sh"))
        .arg(pki(manager.path()))
        .arg(hosts.path().join(host))
        .arg(host)
        .args(["--expired", "--stale-ca"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made));
    // Nothing listens on this port: the run's vdsm check fails, which the result records.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let recover = |extra: &[&str]| {
        bin()
            .args(["hosts", "recover", "--ssh", "--root"])
            .arg(manager.path())
            .arg("--ssh-key")
            .arg(&sshd.client_key)
            .arg("--known-hosts")
            .arg(sshd.known_hosts())
            .arg("--host-prefix")
            .arg(format!("{}/{{host}}", hosts.path().display()))
            .arg("--host")
            .arg(format!("{host}=127.0.0.1:{}", sshd.port))
            .arg("--backup-dir")
            .arg(backups.path())
            .args(["--vdsm-port", &closed.to_string(), "--probe-timeout", "2"])
            .args(["--format", "json"])
            .args(extra)
            .env_remove("SSH_AUTH_SOCK")
            .env_remove("RHV_PKI_FAULT")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let dry = recover(&["--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let d = doc(&dry, "recover --dry-run");
    assert_valid(&d, "hosts recover --dry-run");
    assert_eq!(d["plan"]["hosts"][0]["host"], host, "{d}");
    assert!(!d["plan"]["hosts"][0]["certs"]
        .as_array()
        .unwrap()
        .is_empty());
    let real = recover(&["--yes"]);
    let d = doc(&real, "recover");
    assert_valid(&d, "hosts recover");
    assert!(d["result"]["hosts"].is_array(), "{}", text(&real));
}

/// Every renamed key, at every level the documents have, fails validation.
#[test]
fn a_renamed_or_missing_key_fails_validation() {
    let r = fixtures().join("broken");
    let o = run(&[
        "audit",
        "--root",
        r.to_str().unwrap(),
        "--at",
        AT,
        "--format",
        "json",
    ]);
    let audit = doc(&o, "audit");
    assert_valid(&audit, "audit broken");
    let root = scenario("4.2-sha1");
    let rr = root.path().to_str().unwrap();
    let change = doc(
        &run(&["resign", "--all", "--root", rr, "--format", "json", "--yes"]),
        "resign",
    );
    assert_valid(&change, "resign");

    /// Renames key `from` of the object at `ptr` to `to`.
    fn rename(doc: &Value, ptr: &str, from: &str, to: &str) -> Value {
        let mut d = doc.clone();
        let o = d
            .pointer_mut(ptr)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("{ptr}"));
        let v = o.remove(from).unwrap_or_else(|| panic!("{ptr}/{from}"));
        o.insert(to.to_string(), v);
        d
    }
    let finding = |code: &str| {
        audit["findings"]
            .as_array()
            .unwrap()
            .iter()
            .position(|f| f["code"] == code)
            .unwrap_or_else(|| panic!("no {code} finding in the broken sample"))
    };
    let expiring = format!("/findings/{}", finding("expiring"));
    let cases = [
        (&audit, "", "summary", "summery"),
        (&audit, "/meta", "engineFqdn", "engineFQDN"),
        (&audit, "/meta/thresholds", "warnDays", "warn_days"),
        (&audit, "/certificates/0", "notAfter", "not_after"),
        (&audit, "/certificates/0/signature", "digest", "hash"),
        (&audit, "/summary/findings", "critical", "crit"),
        (&audit, &expiring, "daysLeft", "days_left"),
        (&audit, &expiring, "code", "kind"),
        (&audit, "/inventory/0", "serial", "serialNumber"),
        (&change, "/plan", "engineFqdn", "fqdn"),
        (&change, "/plan/items/0", "newSerial", "new_serial"),
        (&change, "/result", "filesWritten", "written"),
    ];
    for (d, ptr, from, to) in cases {
        let m = rename(d, ptr, from, to);
        assert!(
            !errors(&m).is_empty(),
            "renaming {ptr}/{from} to {to} still validates"
        );
    }
    // Evidence that belongs to another code is refused too: an `expiring` finding with the
    // `expired` finding's `now`.
    let mut m = audit.clone();
    m.pointer_mut(&expiring)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert("now".into(), Value::from("2026-11-01T00:00:00Z"));
    assert!(!errors(&m).is_empty(), "an expiring finding with `now`");
    // A value of the wrong type or outside its vocabulary.
    let mut m = audit.clone();
    m["summary"]["status"] = Value::from("FINE");
    assert!(!errors(&m).is_empty());
    let mut m = change.clone();
    m["dryRun"] = Value::from("no");
    assert!(!errors(&m).is_empty());
    let mut m = change.clone();
    m["kind"] = Value::from("PkiAudit");
    assert!(!errors(&m).is_empty(), "a PkiChange is not a PkiAudit");
}
