//! The rhv.pki Ansible collection (`ansible/`), for real: `ansible-test sanity` on it, and its
//! modules, role, playbook and inventory plugin run by `ansible-playbook` / `ansible-inventory`
//! from ansible-core (the venv of scripts/setup-ansible.sh, set up here when missing) against
//! localhost, copies of the sample PKIs and `rhv-manager-sim`, with the real `rhv-pki` binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

use common::sim::{Sim, PASSWORD};
use serde_json::{json, Value};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rhv_bin() -> &'static str {
    env!("CARGO_BIN_EXE_rhv-pki")
}

/// The ansible-core venv (and primed ansible-test venvs), set up once per test process: a
/// missing ansible is installed, never a reason to skip.
fn venv() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let o = Command::new("bash")
            .arg(repo().join("scripts/setup-ansible.sh"))
            .env_remove("RHV_ANSIBLE_VENV")
            .env_remove("RHV_ANSIBLE_TEST_HOME")
            .output()
            .unwrap();
        common::ok(&o);
        let v = repo().join("target/ansible-venv");
        assert!(
            v.join("bin/ansible-playbook").is_file(),
            "{}",
            common::text(&o)
        );
        v
    })
}

/// A temp dir with `ansible_collections/rhv/pki` → the repo's `ansible/` and a private
/// ANSIBLE_HOME.
struct Ansible {
    dir: tempfile::TempDir,
}

impl Ansible {
    fn new() -> Ansible {
        venv();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("ansible_collections/rhv")).unwrap();
        std::os::unix::fs::symlink(
            repo().join("ansible"),
            dir.path().join("ansible_collections/rhv/pki"),
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        Ansible { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn cmd(&self, tool: &str) -> Command {
        let mut c = Command::new(venv().join("bin").join(tool));
        let path = format!(
            "{}:{}",
            venv().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        c.current_dir(self.path())
            .env("PATH", path)
            .env("ANSIBLE_COLLECTIONS_PATH", self.path())
            .env("ANSIBLE_COLLECTIONS_SCAN_SYS_PATH", "false")
            .env("ANSIBLE_HOME", self.path().join("home"))
            .env("ANSIBLE_LOCAL_TEMP", self.path().join("home/tmp"))
            .env("ANSIBLE_REMOTE_TEMP", self.path().join("home/remote-tmp"))
            .env("ANSIBLE_NOCOLOR", "1")
            .env("ANSIBLE_RETRY_FILES_ENABLED", "false")
            .env("ANSIBLE_PYTHON_INTERPRETER", venv().join("bin/python"))
            .env("PYTHONWARNINGS", "ignore")
            .env_remove("RHV_PKI_ENGINE_PASSWORD")
            .env_remove("RHV_PKI_P12_PASSWORD");
        c
    }

    /// `ansible-playbook PLAYBOOK -i localhost, -c local -e @vars.json` + extra flags.
    fn playbook(&self, playbook: &Path, vars: &Value, extra: &[&str]) -> Output {
        let vf = self.path().join("vars.json");
        std::fs::write(&vf, serde_json::to_vec(vars).unwrap()).unwrap();
        let mut c = self.cmd("ansible-playbook");
        c.arg(playbook)
            .args(["-i", "localhost,", "-c", "local"])
            .arg("-e")
            .arg(format!("@{}", vf.display()))
            .args(extra);
        common::output_within(&mut c, Duration::from_secs(300), "ansible-playbook")
    }
}

fn playbook(name: &str) -> PathBuf {
    repo().join("tests/ansible_playbooks").join(name)
}

fn read_json(p: &Path) -> Value {
    let s = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_slice(&s).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// PLAY RECAP counters of one inventory host: `ok=3 changed=1 ...` → ("changed", 1)...
fn recap(o: &Output, host: &str) -> Vec<(String, u64)> {
    let out = String::from_utf8_lossy(&o.stdout);
    let after = out
        .split("PLAY RECAP")
        .nth(1)
        .unwrap_or_else(|| panic!("no PLAY RECAP: {}", common::text(o)));
    let line = after
        .lines()
        .find(|l| l.split_whitespace().next() == Some(host))
        .unwrap_or_else(|| panic!("{host} not in the recap: {}", common::text(o)));
    line.split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_string(), v.parse().unwrap()))
        .collect()
}

fn count(o: &Output, host: &str, what: &str) -> u64 {
    recap(o, host)
        .into_iter()
        .find(|(k, _)| k == what)
        .map(|(_, v)| v)
        .unwrap()
}

/// The Manager's files (etc/…) of a root: `common::tree_state` lines (path, mode, link target;
/// sha256 of each file), without what the simulator keeps beside them (its state file).
fn pki_state(root: &Path) -> Vec<String> {
    common::tree_state(root)
        .into_iter()
        .map(|(l, _)| l)
        .filter(|l| l.contains("./etc/"))
        .collect()
}

/// Asserts two [`pki_state`]s are equal, naming only the lines that differ.
fn assert_same(before: &[String], after: &[String], what: &str) {
    let gone: Vec<&String> = before.iter().filter(|l| !after.contains(l)).collect();
    let new: Vec<&String> = after.iter().filter(|l| !before.contains(l)).collect();
    assert!(
        gone.is_empty() && new.is_empty(),
        "{what}: before only {gone:#?}\nafter only {new:#?}"
    );
    assert!(!before.is_empty());
}

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> = v
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect();
    n.sort();
    n
}

/// `ansible-test sanity` on a copy of the collection under ansible_collections/rhv/pki, with
/// the venv's Python and the sanity venvs scripts/setup-ansible.sh primed (HOME points at
/// them), so nothing is downloaded here. Every test ansible-test lists for a collection runs:
/// action-plugin-docs, ansible-doc, changelog, compile, empty-init, ignores, import,
/// line-endings, no-assert, no-get-exception, no-illegal-filenames, no-smart-quotes, pep8,
/// pslint, pylint, replace-urlopen, runtime-metadata, shebang, shellcheck, symlinks,
/// use-argspec-type-path, use-compat-six, validate-modules, yamllint.
#[test]
fn ansible_test_sanity_passes_on_the_collection() {
    venv();
    let tmp = tempfile::tempdir().unwrap();
    let coll = tmp.path().join("ansible_collections/rhv/pki");
    std::fs::create_dir_all(coll.parent().unwrap()).unwrap();
    let st = Command::new("cp")
        .arg("-a")
        .arg(repo().join("ansible"))
        .arg(&coll)
        .status()
        .unwrap();
    assert!(st.success());
    let _ = std::fs::remove_dir_all(coll.join("tests/output"));
    let py = Command::new(venv().join("bin/python"))
        .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        .output()
        .unwrap();
    let py = String::from_utf8(py.stdout).unwrap().trim().to_string();
    let path = format!(
        "{}:{}",
        venv().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new(venv().join("bin/ansible-test"));
    c.args(["sanity", "--python", &py, "--color", "no"])
        .current_dir(&coll)
        .env("HOME", repo().join("target/ansible-test-home"))
        .env("PATH", path);
    let o = common::output_within(&mut c, Duration::from_secs(900), "ansible-test sanity");
    let text = common::text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    // Every listed test ran: none skipped for a missing tool or Python.
    for t in [
        "ansible-doc",
        "compile",
        "import",
        "pep8",
        "pylint",
        "runtime-metadata",
        "shellcheck",
        "validate-modules",
        "yamllint",
    ] {
        assert!(
            text.contains(&format!("Running sanity test \"{t}\"")),
            "{t} did not run: {text}"
        );
    }
    assert!(!text.contains("Skipping sanity test"), "{text}");

    // The collection builds as Galaxy would publish it.
    let o = Command::new(venv().join("bin/ansible-galaxy"))
        .args(["collection", "build", "--output-path"])
        .arg(tmp.path())
        .arg(&coll)
        .env("ANSIBLE_HOME", tmp.path().join("home"))
        .output()
        .unwrap();
    common::ok(&o);
    let tarball = tmp.path().join("rhv-pki-0.1.0.tar.gz");
    let list = Command::new("tar")
        .arg("tzf")
        .arg(&tarball)
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    for f in [
        "plugins/modules/rhv_pki_audit.py",
        "plugins/modules/rhv_pki_change.py",
        "plugins/modules/rhv_pki_hosts.py",
        "plugins/inventory/ovirt_hosts.py",
        "roles/upgrade_flow/tasks/main.yml",
        "playbooks/upgrade.yml",
        "MANIFEST.json",
    ] {
        assert!(list.lines().any(|l| l == f), "{f} not in {list}");
    }
}

/// check mode writes nothing (every file byte-identical, modes too) and returns the plan with
/// old → new serials in the diff; applying reports `changed` from `result.changed` and a
/// second run `changed: false`; rollback in check mode writes nothing, applied it restores the
/// PKI byte for byte; the audit module fails only on UNKNOWN.
#[test]
fn change_module_check_mode_writes_nothing_and_second_run_is_unchanged() {
    let a = Ansible::new();
    let root = common::scenario("4.2-sha1");
    let out = a.path().join("result.json");
    let before = pki_state(root.path());
    let vars = |action: &str| {
        json!({"rhv_bin": rhv_bin(), "root": root.path(), "action": action, "all": action == "resign",
               "out_file": out})
    };

    // check mode + diff: the plan, nothing written.
    let o = a.playbook(
        &playbook("change.yml"),
        &vars("resign"),
        &["--check", "--diff"],
    );
    common::ok(&o);
    assert_same(&before, &pki_state(root.path()), "check mode wrote");
    let r = read_json(&out);
    assert_eq!(r["failed"], json!(false), "{r:#}");
    assert_eq!(r["changed"], json!(true), "{r:#}");
    assert_eq!(r["document"]["dryRun"], json!(true));
    assert_eq!(r["result"], Value::Null, "a dry run has no result");
    let engine = r["serials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "engine")
        .unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(engine["old"], "1001");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("-engine: serial 1001 sha1WithRSAEncryption")
            && stdout.contains(&format!(
                "+engine: serial {} sha256WithRSAEncryption",
                engine["new"].as_str().unwrap()
            ))
            && stdout.contains("+openssl.conf: default_md = sha256"),
        "diff: {stdout}"
    );
    assert_eq!(count(&o, "localhost", "changed"), 1);

    // Applied: changed, the serials of the plan are the ones written.
    let o = a.playbook(&playbook("change.yml"), &vars("resign"), &[]);
    common::ok(&o);
    let r = read_json(&out);
    assert_eq!(r["changed"], json!(true), "{r:#}");
    assert_eq!(r["document"]["result"]["changed"], json!(true));
    let new_engine = r["serials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "engine")
        .unwrap()["new"]
        .as_str()
        .unwrap()
        .to_string();
    let cer = common::openssl_text(&[
        "x509",
        "-noout",
        "-serial",
        "-in",
        &common::pki(root.path())
            .join("certs/engine.cer")
            .display()
            .to_string(),
    ]);
    assert!(cer.contains(&format!("serial={new_engine}")), "{cer}");
    let backup = r["backup"].as_str().unwrap().to_string();
    let after_resign = pki_state(root.path());
    assert_ne!(after_resign, before);

    // Second run: nothing to do, changed false, nothing written.
    let o = a.playbook(&playbook("change.yml"), &vars("resign"), &["--diff"]);
    common::ok(&o);
    let r = read_json(&out);
    assert_eq!(r["changed"], json!(false), "{r:#}");
    assert_eq!(r["document"]["result"]["changed"], json!(false));
    assert_eq!(count(&o, "localhost", "changed"), 0);
    assert_same(
        &after_resign,
        &pki_state(root.path()),
        "a run with nothing to do wrote",
    );

    // conf on the re-signed PKI: already sha256, unchanged.
    let o = a.playbook(&playbook("change.yml"), &vars("conf"), &[]);
    common::ok(&o);
    assert_eq!(read_json(&out)["changed"], json!(false));

    // rollback: check mode names the backup and writes nothing; applied, byte-identical.
    let mut v = vars("rollback");
    v["backup"] = json!(backup);
    let o = a.playbook(&playbook("change.yml"), &v, &["--check"]);
    common::ok(&o);
    let r = read_json(&out);
    assert_eq!(r["changed"], json!(true), "{r:#}");
    assert_eq!(r["backup"], json!(backup));
    assert_same(
        &after_resign,
        &pki_state(root.path()),
        "a run with nothing to do wrote",
    );
    let o = a.playbook(&playbook("change.yml"), &v, &[]);
    common::ok(&o);
    let r = read_json(&out);
    assert_eq!(r["changed"], json!(true), "{r:#}");
    assert_eq!(r["document"]["kind"], "PkiRollback");
    // Byte for byte, modes too; rhv-pki's backups (var/lib/rhv-pki) are not under etc/.
    assert_same(
        &before,
        &pki_state(root.path()),
        "rollback did not restore the PKI",
    );

    // The audit module: WARNING (the 4.2 sample) is a result; UNKNOWN fails.
    let dir = a.path().join("audit-out");
    std::fs::create_dir_all(&dir).unwrap();
    let o = a.playbook(
        &playbook("audit.yml"),
        &json!({"rhv_bin": rhv_bin(), "root": root.path(), "out_dir": dir, "at": common::AT}),
        &[],
    );
    common::ok(&o);
    let r = read_json(&dir.join("audit.json"));
    assert_eq!(r["failed"], json!(false), "{r:#}");
    assert_eq!(r["status"], "WARNING");
    assert_eq!(r["exit_code"], 1);
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "sha1-signature"));
    assert_eq!(
        r["ansible_facts"]["rhv_pki_audit"]["summary"]["status"],
        "WARNING"
    );
    assert!(!r["certificates"].as_array().unwrap().is_empty());
    let o = a.playbook(
        &playbook("audit.yml"),
        &json!({"rhv_bin": rhv_bin(), "root": root.path().join("missing"), "out_dir": dir}),
        &[],
    );
    common::ok(&o);
    let r = read_json(&dir.join("audit.json"));
    assert_eq!(r["failed"], json!(true), "{r:#}");
    assert_eq!(r["status"], "UNKNOWN");
    assert!(
        r["msg"].as_str().unwrap().contains("cannot be read"),
        "{r:#}"
    );
}

/// Secrets reach rhv-pki through 0600 files, never argv: a wrapper in place of the binary logs
/// its argv and what each password file holds; the engine password logs in (hosts audit
/// works), a wrong p12 password comes back as `p12-password-wrong` naming the temp file, and
/// neither password is in the argv log, nor in `ansible-playbook -vvv` output, nor left on disk.
#[test]
fn secrets_reach_the_binary_through_files_never_argv() {
    let sim = Sim::start("4.5-modern", &common::sim::three_hosts(""), 0.01);
    let a = Ansible::new();
    let log = a.path().join("argv.log");
    let seen = a.path().join("seen.log");
    let wrapper = a.path().join("rhv-pki-wrapper");
    std::fs::write(
        &wrapper,
        format!(
            r#"#!/bin/sh
for a in "$@"; do printf '%s\n' "$a" >> '{log}'; done
echo '--end--' >> '{log}'
prev=
for a in "$@"; do
  case "$prev" in
    --password-file|--p12-password-file)
      printf '%s %s %s\n' "$prev" "$(stat -c %a "$a")" "$(cat "$a")" >> '{seen}';;
  esac
  prev=$a
done
exec '{bin}' "$@"
"#,
            log = log.display(),
            seen = seen.display(),
            bin = rhv_bin()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let p12_secret = "wrong-p12-secret-7f3a";
    let eps: serde_json::Map<String, Value> = sim
        .vdsm_endpoints()
        .into_iter()
        .map(|(n, e)| (n, json!(e)))
        .collect();
    let dir = a.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    let vars = json!({
        "rhv_bin": wrapper, "root": sim.root.path(), "out_dir": dir,
        "p12_password": p12_secret, "engine_password": PASSWORD,
        "hosts_command": "audit", "engine_url": sim.url(),
        "connect_to": format!("127.0.0.1:{}", sim.port), "vdsm_endpoints": eps,
    });
    let o = a.playbook(&playbook("audit.yml"), &vars, &["-vvv"]);
    common::ok(&o);
    // First of all: no secret on any command line, nor in ansible's -vvv output.
    let argv = std::fs::read_to_string(&log).unwrap();
    let all = format!("{argv}{}", common::text(&o));
    for secret in [PASSWORD, p12_secret] {
        assert!(!argv.contains(secret), "{secret} in argv: {argv}");
        assert!(
            !common::text(&o).contains(secret),
            "{secret} in the ansible output"
        );
    }
    assert_eq!(argv.matches("--end--").count(), 2, "{argv}");
    assert!(argv.contains("--password-file\n") && argv.contains("--p12-password-file\n"));
    let seen = std::fs::read_to_string(&seen).unwrap();
    assert!(
        seen.contains(&format!("--password-file 600 {PASSWORD}\n")),
        "{seen}"
    );
    assert!(
        seen.contains(&format!("--p12-password-file 600 {p12_secret}\n")),
        "{seen}"
    );
    assert!(all.contains("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER") || all.contains("********"));
    let audit = read_json(&dir.join("audit.json"));
    let hosts = read_json(&dir.join("hosts.json"));
    assert_eq!(hosts["failed"], json!(false), "{hosts:#}");
    assert_eq!(hosts["status"], "OK", "{hosts:#}");
    assert_eq!(hosts["summary"]["certificates"], 3, "{hosts:#}");
    let wrong = audit["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{audit:#}"))
        .iter()
        .find(|f| f["code"] == "p12-password-wrong")
        .unwrap_or_else(|| panic!("the p12 password did not reach rhv-pki: {audit:#}"));
    // The password came from --p12-password-file (RHV_PKI_P12_PASSWORD is not set here).
    assert_eq!(
        wrong["source"], "--p12-password-file / RHV_PKI_P12_PASSWORD",
        "{wrong}"
    );

    // The temp files are gone.
    for line in argv.lines().filter(|l| l.contains("rhv-pki-ansible-")) {
        assert!(!Path::new(line).exists(), "{line} left behind");
    }
}

/// The inventory plugin lists the simulator's hosts with name, address, cluster, status, SPM
/// and hosted-engine state, grouped by cluster and status, over verified TLS with the
/// password from a file.
#[test]
fn inventory_plugin_lists_the_managers_hosts() {
    let scenario = r#"
[[clusters]]
name = "Default"
[[clusters]]
name = "Lab-2"
[[hosts]]
name = "host1"
spm = true
hosted_engine = { configured = true, active = true, score = 3400 }
[[hosts]]
name = "host2"
hosted_engine = { configured = true, active = true, score = 3400 }
[[hosts]]
name = "host3"
cluster = "Lab-2"
status = "maintenance"
[[vms]]
name = "HostedEngine"
host = "host1"
memory_mib = 4096
hosted_engine = true
"#;
    let sim = Sim::start("4.5-modern", scenario, 0.01);
    let a = Ansible::new();
    let inv = a.path().join("lab.rhv_hosts.yml");
    let write = |extra: &str| {
        std::fs::write(
            &inv,
            format!(
                "plugin: rhv.pki.ovirt_hosts\nurl: {}\nconnect_to: 127.0.0.1:{}\nca_file: {}\npassword_file: {}\n{extra}",
                sim.url(),
                sim.port,
                sim.pki().join("ca.pem").display(),
                sim.password_file.display()
            ),
        )
        .unwrap();
    };
    write("keyed_groups:\n  - key: rhv_status\n    prefix: st\n");
    let list = || {
        let mut c = a.cmd("ansible-inventory");
        c.args(["-i"])
            .arg(&inv)
            .arg("--list")
            .env("ANSIBLE_INVENTORY_ENABLED", "rhv.pki.ovirt_hosts");
        common::output_within(&mut c, Duration::from_secs(120), "ansible-inventory")
    };
    let o = list();
    common::ok(&o);
    let inv_json: Value = serde_json::from_slice(&o.stdout).unwrap();
    // ansible-inventory marks strings from plugins as unsafe: {"__ansible_unsafe": "..."}.
    fn plain(v: &Value) -> Value {
        match v {
            Value::Object(m) if m.len() == 1 && m.contains_key("__ansible_unsafe") => {
                m["__ansible_unsafe"].clone()
            }
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), plain(v))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(plain).collect()),
            _ => v.clone(),
        }
    }
    let inv_json = plain(&inv_json);
    let hv = &inv_json["_meta"]["hostvars"];
    let api = sim.statuses();
    assert_eq!(api.len(), 3);
    for (name, status) in &api {
        let h = &hv[name];
        assert_eq!(h["rhv_name"], json!(name), "{inv_json:#}");
        assert_eq!(h["rhv_status"], json!(status));
        assert_eq!(h["ansible_host"], json!(format!("{name}.example.test")));
        assert_eq!(h["rhv_address"], h["ansible_host"]);
        assert_eq!(h["rhv_manager"], json!(sim.fqdn));
    }
    assert_eq!(hv["host1"]["rhv_cluster"], "Default");
    assert_eq!(hv["host3"]["rhv_cluster"], "Lab-2");
    assert_eq!(hv["host3"]["rhv_status"], "maintenance");
    assert_eq!(hv["host1"]["rhv_spm"], json!(true));
    assert_eq!(hv["host1"]["rhv_spm_status"], "spm");
    assert_eq!(hv["host2"]["rhv_spm"], json!(false));
    assert_eq!(hv["host1"]["rhv_hosted_engine"], json!(true));
    assert_eq!(hv["host1"]["rhv_hosted_engine_score"], json!(3400));
    assert_eq!(hv["host3"]["rhv_hosted_engine"], json!(false));
    let group = |g: &str| names(&inv_json[g]["hosts"]);
    assert_eq!(group("cluster_Default"), ["host1", "host2"]);
    assert_eq!(group("cluster_Lab_2"), ["host3"]);
    assert_eq!(group("status_up"), ["host1", "host2"]);
    assert_eq!(group("status_maintenance"), ["host3"]);
    assert_eq!(group("spm"), ["host1"]);
    assert_eq!(group("hosted_engine"), ["host1", "host2"]);
    assert_eq!(group("st_maintenance"), ["host3"], "keyed_groups");
    // It logged in over SSO and logged out (a token per listing, not left behind).
    let rep = sim.report();
    let req = &rep["requests"];
    assert!(
        req["POST /ovirt-engine/sso/oauth/token"]
            .as_u64()
            .unwrap_or(0)
            >= 1,
        "{rep:#}"
    );

    // A wrong CA is refused (TLS verified), a wrong password too; both name the problem.
    let other_ca = common::fixtures().join("4.2-sha1/etc/pki/ovirt-engine/ca.pem");
    std::fs::write(
        &inv,
        format!(
            "plugin: rhv.pki.ovirt_hosts\nurl: {}\nconnect_to: 127.0.0.1:{}\nca_file: {}\npassword_file: {}\n",
            sim.url(),
            sim.port,
            other_ca.display(),
            sim.password_file.display()
        ),
    )
    .unwrap();
    let o = list();
    let t = common::text(&o);
    assert!(t.contains("CERTIFICATE_VERIFY_FAILED"), "{t}");
    let bad_pw = a.path().join("bad-pw");
    std::fs::write(&bad_pw, "not-the-password\n").unwrap();
    std::fs::write(
        &inv,
        format!(
            "plugin: rhv.pki.ovirt_hosts\nurl: {}\nconnect_to: 127.0.0.1:{}\nca_file: {}\npassword_file: {}\n",
            sim.url(),
            sim.port,
            sim.pki().join("ca.pem").display(),
            bad_pw.display()
        ),
    )
    .unwrap();
    let o = list();
    let t = common::text(&o);
    assert!(t.contains("login to") && t.contains("refused"), "{t}");
    assert!(!t.contains("not-the-password"), "{t}");
}

/// The role + playbook of the upgrade flow over two Managers, the first one broken (its
/// Manager refuses the login): `--check` changes nothing anywhere; the real run fails the
/// broken Manager at the hosts step with rhv-pki's reason while the good one goes through
/// audit → plan → resign → hosts enroll (rhv-pki's waves, one call) → audit, and the report
/// holds both; a second run reports `changed=0` for the good Manager.
#[test]
fn upgrade_flow_over_two_managers_one_broken() {
    let sim = Sim::start("4.2-sha1", &common::sim::three_hosts(""), 0.01);
    let a = Ansible::new();
    let broken = common::scenario("4.2-sha1");
    let eps: serde_json::Map<String, Value> = sim
        .vdsm_endpoints()
        .into_iter()
        .map(|(n, e)| (n, json!(e)))
        .collect();
    let report = a.path().join("report.json");
    let manager = |root: &Path, password_file: &Path| {
        json!({
            "ansible_connection": "local",
            "rhv_pki_binary": rhv_bin(),
            "rhv_pki_root": root,
            "rhv_pki_engine_url": sim.url(),
            "rhv_pki_connect_to": format!("127.0.0.1:{}", sim.port),
            "rhv_pki_password_file": password_file,
            "rhv_pki_vdsm_endpoints": eps,
            "rhv_pki_enroll_poll_interval": 0.05,
        })
    };
    let bad_pw = a.path().join("bad-pw");
    std::fs::write(&bad_pw, "not-the-password\n").unwrap();
    let inventory = json!({
        "rhv_managers": {"hosts": {
            "broken": manager(broken.path(), &bad_pw),
            "good": manager(sim.root.path(), &sim.password_file),
        }},
    });
    let inv = a.path().join("managers.json");
    std::fs::write(&inv, serde_json::to_vec(&inventory).unwrap()).unwrap();
    let run = |extra: &[&str]| {
        let mut c = a.cmd("ansible-playbook");
        c.arg("rhv.pki.upgrade")
            .arg("-i")
            .arg(&inv)
            .args(["-e", "rhv_pki_approved=true", "-e"])
            .arg(format!("rhv_pki_report_file={}", report.display()))
            .args(extra);
        common::output_within(&mut c, Duration::from_secs(300), "ansible-playbook upgrade")
    };
    let flow = |name: &str| -> Value {
        read_json(&report)["managers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["manager"] == name)
            .unwrap_or_else(|| panic!("{name} not in {}", read_json(&report)))
            .clone()
    };
    let good_pki = || pki_state(sim.root.path());
    let broken_pki = || pki_state(broken.path());
    let (g0, b0) = (good_pki(), broken_pki());
    let enrolled = |sim: &Sim| -> u64 {
        let r = sim.report();
        r["hosts"]
            .as_object()
            .unwrap()
            .values()
            .map(|h| h["enroll"].as_u64().unwrap_or(0))
            .sum()
    };

    // --check: the whole flow in check mode writes nothing and enrolls nothing.
    let o = run(&["--check"]);
    assert_ne!(
        o.status.code(),
        Some(0),
        "the broken Manager must fail the run"
    );
    let g = flow("good");
    assert_eq!(g["failed"], json!(false), "{g:#}");
    assert_eq!(g["stage"], "done", "{g:#}");
    assert_eq!(g["plan"]["changes"], json!(true), "{g:#}");
    assert!(!g["plan"]["serials"].as_array().unwrap().is_empty());
    assert_same(
        &g0,
        &good_pki(),
        "--check wrote into the good Manager's PKI",
    );
    assert_same(
        &b0,
        &broken_pki(),
        "--check wrote into the broken Manager's PKI",
    );
    assert_eq!(enrolled(&sim), 0);

    // The real run.
    let o = run(&[]);
    let text = common::text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("failed: ['broken']"), "{text}");
    let b = flow("broken");
    assert_eq!(b["failed"], json!(true), "{b:#}");
    assert_eq!(
        b["failed_step"], "Re-enroll the hosts that need it (rhv-pki's rolling waves)",
        "{b:#}"
    );
    assert_eq!(b["exit_code"], 2, "{b:#}");
    assert!(b["change"]["changed"] == json!(true), "{b:#}");
    let g = flow("good");
    assert_eq!(g["failed"], json!(false), "{g:#}");
    assert_eq!(g["stage"], "done", "{g:#}");
    assert_ne!(g["audit_before"]["status"], "OK", "{g:#}");
    assert_eq!(g["change"]["changed"], json!(true), "{g:#}");
    assert_eq!(
        names(&g["enroll"]["enrolled"]),
        ["host1", "host2", "host3"],
        "{g:#}"
    );
    assert_eq!(g["enroll"]["left_in_maintenance"], json!([]));
    assert_eq!(g["audit_after"]["status"], "OK", "{g:#}");
    assert_eq!(enrolled(&sim), 3, "one enrollment per host");
    assert!(count(&o, "good", "changed") >= 2, "{text}");
    assert_eq!(count(&o, "good", "failed"), 0);
    assert_eq!(count(&o, "broken", "rescued"), 1);
    // The simulator saw the hosts cycled one at a time (rhv-pki's waves, not Ansible forks).
    assert_eq!(sim.report()["mostOut"], 1, "{:#}", sim.report());

    // Second run: nothing left to do on the good Manager.
    let g1 = good_pki();
    let o = run(&[]);
    let text = common::text(&o);
    assert_eq!(count(&o, "good", "changed"), 0, "{text}");
    let g = flow("good");
    assert_eq!(g["stage"], "done", "{g:#}");
    assert_eq!(g["change"]["changed"], json!(false), "{g:#}");
    assert_eq!(g["enroll"]["enrolled"], json!([]), "{g:#}");
    assert_same(&g1, &good_pki(), "the second run wrote");
    assert_eq!(enrolled(&sim), 3);
    assert_eq!(flow("broken")["failed"], json!(true));
}

/// `rhv_pki_hosts command=enroll`: check mode returns the plan (only the hosts that need it)
/// and enrolls nothing; a host whose enrollment fails fails the task with rhv-pki's report and
/// keeps the state file; the same task again resumes (the failed host is enrolled, the one
/// done is not redone) with old → new serials in the diff; a third run reports changed=false.
#[test]
fn hosts_module_enrolls_resumes_and_is_idempotent() {
    let scenario = r#"
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
cert = { sha1 = true }
[[faults]]
kind = "install_failed"
host = "host3"
count = 1
"#;
    let sim = Sim::start("4.5-modern", scenario, 0.01);
    let a = Ansible::new();
    let eps: serde_json::Map<String, Value> = sim
        .vdsm_endpoints()
        .into_iter()
        .map(|(n, e)| (n, json!(e)))
        .collect();
    let dir = a.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    let state = a.path().join("enroll-state.json");
    let vars = json!({
        "rhv_bin": rhv_bin(), "root": sim.root.path(), "out_dir": dir, "skip_audit": true,
        "engine_password_file": sim.password_file, "hosts_command": "enroll",
        "engine_url": sim.url(), "connect_to": format!("127.0.0.1:{}", sim.port),
        "vdsm_endpoints": eps, "enroll_state": state,
    });
    let served = |name: &str| -> String {
        let ep = &sim
            .vdsm_endpoints()
            .into_iter()
            .find(|(n, _)| n == name)
            .unwrap()
            .1;
        let o = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "openssl s_client -connect {ep} </dev/null 2>/dev/null | openssl x509 -noout -serial"
            ))
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout)
            .trim()
            .trim_start_matches("serial=")
            .to_string()
    };
    let before: Vec<String> = ["host1", "host2", "host3"]
        .iter()
        .map(|h| served(h))
        .collect();

    // Check mode: the plan, hosts that need it only, nothing sent.
    let o = a.playbook(&playbook("audit.yml"), &vars, &["--check", "--diff"]);
    common::ok(&o);
    let r = read_json(&dir.join("hosts.json"));
    assert_eq!(r["changed"], json!(true), "{r:#}");
    assert_eq!(r["plan"]["kind"], "EnrollPlan");
    assert_eq!(names(&r["enrolled"]), ["host2", "host3"], "{r:#}");
    assert_eq!(r["plan"]["skipped"][0]["name"], "host1");
    let rep = sim.report();
    assert!(
        rep["requests"]
            .as_object()
            .unwrap()
            .keys()
            .all(|k| !k.starts_with("POST /hosts")),
        "check mode sent an action: {rep:#}"
    );
    assert!(!state.exists(), "check mode wrote the state file");

    // host3's enrollment fails: the task fails with the report, the state is kept.
    let o = a.playbook(&playbook("audit.yml"), &vars, &["--diff"]);
    common::ok(&o);
    let r = read_json(&dir.join("hosts.json"));
    assert_eq!(r["failed"], json!(true), "{r:#}");
    assert_eq!(r["exit_code"], 1, "{r:#}");
    assert_eq!(names(&r["enrolled"]), ["host2"], "{r:#}");
    assert_eq!(r["changed"], json!(true));
    let h3 = r["report"]["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "host3")
        .unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(h3["enrolled"], json!(false), "{r:#}");
    assert!(state.exists());
    let host2_new = served("host2");
    assert_ne!(host2_new, before[1]);
    assert_eq!(
        r["report"]["hosts"][0]["newSerial"],
        json!(host2_new),
        "{r:#}"
    );

    // The same task again resumes: host3 is enrolled, host2 is not redone.
    let o = a.playbook(&playbook("audit.yml"), &vars, &["--diff"]);
    common::ok(&o);
    let r = read_json(&dir.join("hosts.json"));
    assert_eq!(r["failed"], json!(false), "{r:#}");
    assert_eq!(r["changed"], json!(true), "{r:#}");
    // The report is the whole run's, its first part included.
    assert_eq!(names(&r["enrolled"]), ["host2", "host3"], "{r:#}");
    assert!(
        r["stderr"].as_str().unwrap().contains("resuming the run"),
        "{r:#}"
    );
    let host3_new = served("host3");
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        stdout.contains(&format!("-host3: serial {}", before[2]))
            && stdout.contains(&format!("+host3: serial {host3_new}")),
        "diff: {stdout}"
    );
    assert_eq!(served("host2"), host2_new, "host2 was enrolled again");
    assert_ne!(host3_new, before[2]);
    assert_eq!(served("host1"), before[0], "host1 needed nothing");
    let rep = sim.report();
    assert_eq!(rep["hosts"]["host2"]["enroll"], 1, "{rep:#}");
    assert_eq!(rep["hosts"]["host3"]["enroll"], 2, "{rep:#}");

    // Nothing left: changed false.
    let o = a.playbook(&playbook("audit.yml"), &vars, &[]);
    common::ok(&o);
    let r = read_json(&dir.join("hosts.json"));
    assert_eq!(r["failed"], json!(false), "{r:#}");
    assert_eq!(r["changed"], json!(false), "{r:#}");
    assert_eq!(r["enrolled"], json!([]));
    assert_eq!(count(&o, "localhost", "changed"), 0);
}
