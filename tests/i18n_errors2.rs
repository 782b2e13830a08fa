//! More error lines in Japanese, driven through the real binary: global maintenance that
//! does not take or cannot be read (the stand-in `hosted-engine`), an HE host that cannot be
//! reached over SSH. Under `--lang ja` and `LANG=ja_JP.UTF-8` the line says rhv-pki's own
//! words in Japanese and quotes `hosted-engine`'s, the system's and the SSH library's words as
//! they came; the English line and the exit code are the same as before.

mod common;

use common::i18n::{japanese, last_err_line, words, Ask};
#[path = "common/sshd.rs"]
mod sshd;

use std::collections::BTreeSet;
use std::process::{Command, Output};

use common::manager::Manager;

/// `base` (the binary with its environment) asked in `ask`'s language.
fn asked(mut c: Command, ask: Ask, args: &[&str]) -> Output {
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env(
            "LANG",
            if ask == Ask::JaLocale {
                "ja_JP.UTF-8"
            } else {
                "C"
            },
        );
    if ask == Ask::JaFlag {
        c.args(["--lang", "ja"]);
    }
    c.args(args);
    c.output().unwrap()
}

/// Runs `args` in English and in Japanese (both ways of asking): the English error line is
/// `english` exactly; the Japanese ones are Japanese `rhv-pki: エラー: ` lines with the same
/// exit code, keeping `evidence` and no English word of the English line but those of
/// `evidence`.
fn check(base: impl Fn() -> Command, args: &[&str], english: &str, evidence: &[&str]) {
    let en = asked(base(), Ask::C, args);
    assert_eq!(
        last_err_line(&en),
        format!("rhv-pki: error: {english}"),
        "{}",
        String::from_utf8_lossy(&en.stderr)
    );
    assert_ne!(en.status.code(), Some(0));
    let allowed: BTreeSet<String> = evidence.iter().flat_map(|v| words(v)).collect();
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let ja = asked(base(), ask, args);
        assert_eq!(ja.status.code(), en.status.code(), "{ask:?}");
        let line = last_err_line(&ja);
        assert!(
            line.starts_with("rhv-pki: エラー: ") && japanese(&line["rhv-pki: エラー: ".len()..]),
            "{ask:?}: {line}"
        );
        for v in evidence {
            assert!(line.contains(v), "{ask:?}: {v} not in {line}");
        }
        let left: BTreeSet<String> = words(&line)
            .intersection(&words(english))
            .filter(|w| !allowed.contains(*w))
            .cloned()
            .collect();
        assert!(left.is_empty(), "{ask:?}: {left:?} left in {line}");
    }
}

/// The binary with the stand-in `hosted-engine` / `systemctl` of `m` first in PATH.
fn with_shims(m: &Manager) -> impl Fn() -> Command + '_ {
    move || {
        let mut c = common::bin();
        c.env(
            "PATH",
            format!(
                "{}:{}",
                m.shims().display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT");
        c
    }
}

#[test]
fn global_maintenance_errors_are_said_in_japanese() {
    let m = Manager::start("4.5-modern", &[]);
    // Does not take: the stand-in accepts --set-maintenance and changes nothing.
    m.flag("he-ignore");
    check(
        with_shims(&m),
        &[
            "maintenance",
            "on",
            "--he-host",
            "localhost",
            "--maintenance-timeout",
            "1",
        ],
        "hosted-engine on localhost: global maintenance is still off 1 s after setting it on",
        // How it was set is rhv-pki's words around the host and the command's name.
        &["localhost", "hosted-engine"],
    );
    assert!(!m.gm());
}

#[test]
fn a_failing_hosted_engine_command_is_said_in_japanese() {
    let m = Manager::start("4.5-modern", &[]);
    // --vm-status fails: hosted-engine's words as they came.
    m.flag("he-broken");
    check(
        with_shims(&m),
        &["maintenance", "status", "--he-host", "localhost"],
        "localhost: hosted-engine --vm-status --json: exit 1: The hosted engine configuration has not been retrieved from shared storage.",
        &[
            "localhost: hosted-engine --vm-status --json",
            "The hosted engine configuration has not been retrieved from shared storage.",
        ],
    );
    // --set-maintenance cannot reach the HA daemon.
    let m = Manager::start("4.5-modern", &[]);
    m.flag("he-fail");
    check(
        with_shims(&m),
        &["maintenance", "on", "--he-host", "localhost"],
        "localhost: 'hosted-engine --set-maintenance --mode=global' failed (exit 1): Cannot connect to the HA daemon, please check the logs.",
        &[
            "localhost: 'hosted-engine --set-maintenance --mode=global'",
            "Cannot connect to the HA daemon, please check the logs.",
        ],
    );
    assert!(!m.gm());
}

#[test]
fn an_he_host_without_hosted_engine_is_said_in_japanese() {
    // No hosted-engine command on this machine.
    check(
        || {
            let mut c = common::bin();
            c.env("PATH", "/usr/bin:/bin");
            c
        },
        &["maintenance", "status", "--he-host", "localhost"],
        "--he-host localhost: hosted-engine is not installed or not deployed there; name a hosted-engine host",
        &["--he-host localhost", "hosted-engine"],
    );
}

#[test]
fn an_he_host_nobody_answers_is_said_in_japanese() {
    // Nobody listens on port 1: the SSH connection fails; the system's words as they came.
    let args = ["maintenance", "status", "--he-host", "127.0.0.1:1"];
    let en = asked(common::bin(), Ask::C, &args);
    let line = last_err_line(&en);
    let os = line
        .split_once(": connection: ")
        .map(|(_, os)| os.to_string())
        .unwrap_or_else(|| panic!("{line}"));
    check(
        common::bin,
        &args,
        &format!("--he-host 127.0.0.1:1: 127.0.0.1 (127.0.0.1:1): connection: {os}"),
        &["--he-host 127.0.0.1:1", &os],
    );
}

/// `hosts audit --ssh` of `host` (`NAME=ADDR:PORT`) with `key` and `known_hosts`: the
/// host-unreachable finding's English reason (JSON) and the Japanese table's line of it.
fn unreachable_reason(host: &str, key: &str, known_hosts: &str) -> (String, Vec<String>) {
    let tmp = common::scenario("4.5-modern");
    let args = |json: bool| {
        let mut v = vec![
            "hosts",
            "audit",
            "--ssh",
            "--root",
            tmp.path().to_str().unwrap(),
            "--ssh-key",
            key,
            "--known-hosts",
            known_hosts,
            "--host",
            host,
        ];
        if json {
            v.extend(["--format", "json"]);
        }
        v
    };
    let en = asked(common::bin(), Ask::C, &args(true));
    let doc: serde_json::Value = serde_json::from_slice(&en.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&en.stderr)));
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "host-unreachable")
        .unwrap_or_else(|| panic!("{doc:#}"));
    let reason = f["reason"].as_str().unwrap().to_string();
    let mut lines = Vec::new();
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let ja = asked(common::bin(), ask, &args(false));
        assert_eq!(ja.status.code(), en.status.code());
        let t = String::from_utf8_lossy(&ja.stdout).into_owned();
        lines.push(
            t.lines()
                .find(|l| l.contains("host-unreachable"))
                .unwrap_or_else(|| panic!("{ask:?}: {t}"))
                .to_string(),
        );
    }
    (reason, lines)
}

/// `line` keeps `evidence` and no English word of `english` but those of `evidence`.
fn said_in_japanese(line: &str, english: &str, evidence: &[&str]) {
    assert!(japanese(line), "{line}");
    let allowed: BTreeSet<String> = evidence.iter().flat_map(|v| words(v)).collect();
    for v in evidence {
        assert!(line.contains(v), "{v} not in {line}");
    }
    let left: BTreeSet<String> = words(line)
        .intersection(&words(english))
        .filter(|w| !allowed.contains(*w))
        .cloned()
        .collect();
    assert!(left.is_empty(), "{left:?} left in {line}");
}

#[test]
fn an_ssh_connection_refused_is_said_in_japanese() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    sshd::keygen(&key, "ed25519");
    let kh = dir.path().join("known_hosts");
    std::fs::write(&kh, "").unwrap();
    let (reason, lines) = unreachable_reason(
        "host4.example.test=127.0.0.1:1",
        key.to_str().unwrap(),
        kh.to_str().unwrap(),
    );
    let (head, os) = reason
        .split_once(": connection: ")
        .unwrap_or_else(|| panic!("{reason}"));
    assert_eq!(head, "host4.example.test (127.0.0.1:1)", "{reason}");
    for line in lines {
        said_in_japanese(&line, &reason, &["host4.example.test (127.0.0.1:1)", os]);
    }
}

#[test]
fn an_ssh_login_refused_is_said_in_japanese() {
    // The host key is known, the client key is not authorised: authentication failed.
    let d = sshd::Sshd::start();
    let dir = tempfile::tempdir().unwrap();
    let stranger = dir.path().join("stranger");
    sshd::keygen(&stranger, "ed25519");
    let kh = dir.path().join("known_hosts");
    std::fs::write(&kh, d.known_hosts_line()).unwrap();
    let host = format!("host4.example.test=127.0.0.1:{}", d.port);
    let (reason, lines) =
        unreachable_reason(&host, stranger.to_str().unwrap(), kh.to_str().unwrap());
    let (head, why) = reason
        .split_once(": authentication failed: ")
        .unwrap_or_else(|| panic!("{reason}"));
    // What was offered is rhv-pki's account (the key file), not the server's words: only
    // the user and the key stay.
    let key = stranger.to_str().unwrap();
    assert_eq!(why, format!("user root refused with {key}"), "{reason}");
    for line in lines {
        said_in_japanese(&line, &reason, &[head, "root", key]);
    }
}

#[test]
fn an_ssh_key_that_cannot_be_loaded_is_said_in_japanese() {
    let d = sshd::Sshd::start();
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("not-a-key");
    std::fs::write(&junk, "secret\n").unwrap();
    let kh = dir.path().join("known_hosts");
    std::fs::write(&kh, d.known_hosts_line()).unwrap();
    let host = format!("host4.example.test=127.0.0.1:{}", d.port);
    let (reason, lines) = unreachable_reason(&host, junk.to_str().unwrap(), kh.to_str().unwrap());
    let (head, why) = reason
        .split_once(": authentication failed: ")
        .unwrap_or_else(|| panic!("{reason}"));
    let key = junk.to_str().unwrap();
    // `<key>: cannot load the private key (<the SSH library's words>); an encrypted key …`
    let library = why
        .strip_prefix(&format!("{key}: cannot load the private key ("))
        .and_then(|r| r.strip_suffix("); an encrypted key must be loaded into ssh-agent"))
        .unwrap_or_else(|| panic!("{reason}"));
    for line in lines {
        said_in_japanese(&line, &reason, &[head, key, library, "ssh-agent"]);
    }
}

const TWO_HOSTS: &str = r#"
[[clusters]]
name = "Default"
[[hosts]]
name = "h1"
spm = true
[[hosts]]
name = "h2"
"#;

/// The parser's own words in `line` after `marker` (the evidence of a state file's refusal).
fn after<'a>(line: &'a str, marker: &str) -> &'a str {
    line.split_once(marker)
        .unwrap_or_else(|| panic!("{marker} not in {line}"))
        .1
}

#[test]
fn a_state_file_that_is_not_one_is_said_in_japanese() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("state.json");
    std::fs::write(&bad, "{\n").unwrap();
    let bad_s = bad.to_str().unwrap();
    // upgrade
    let tmp = common::scenario("4.5-modern");
    let args = [
        "upgrade",
        "--root",
        tmp.path().to_str().unwrap(),
        "--state",
        bad_s,
        "--dry-run",
    ];
    let en = asked(common::bin(), Ask::C, &args);
    let line = last_err_line(&en);
    let parser = after(&line, "upgrade state: ").to_string();
    check(
        common::bin,
        &args,
        &format!("{bad_s}: not an rhv-pki upgrade state: {parser}"),
        // The command's name stays as typed.
        &[bad_s, &parser, "upgrade"],
    );
    // hosts enroll
    let sim = common::sim::Sim::start("4.5-modern", TWO_HOSTS, 0.01);
    let mut args: Vec<String> = ["hosts", "enroll", "--dry-run", "--state", bad_s]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(sim.engine_args());
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let en = asked(common::bin(), Ask::C, &a);
    let line = last_err_line(&en);
    let parser = after(&line, "enroll state file: ").to_string();
    check(
        common::bin,
        &a,
        &format!("{bad_s}: not a rhv-pki enroll state file: {parser}"),
        &[bad_s, &parser, "enroll"],
    );
}

#[test]
fn no_manager_password_is_said_in_japanese() {
    let sim = common::sim::Sim::start("4.5-modern", TWO_HOSTS, 0.01);
    let mut engine = sim.engine_args();
    let i = engine.iter().position(|a| a == "--password-file").unwrap();
    engine.drain(i..i + 2);
    let mut args: Vec<String> = ["hosts", "enroll", "--dry-run"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(engine.clone());
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let base = || {
        let mut c = common::bin();
        c.env_remove("RHV_PKI_ENGINE_PASSWORD");
        c
    };
    check(
        base,
        &a,
        "the Manager password is needed: --password-file FILE or $RHV_PKI_ENGINE_PASSWORD",
        &["--password-file FILE", "$RHV_PKI_ENGINE_PASSWORD"],
    );
    let empty = sim.root.path().join("empty-password");
    std::fs::write(&empty, "\n").unwrap();
    args.extend(["--password-file".to_string(), empty.display().to_string()]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    check(base, &a, "the Manager password is empty", &[]);
}

#[test]
fn a_write_step_that_failed_is_said_in_japanese() {
    // A fault injected at the second write step (test builds): everything is rolled back.
    let tmp = common::scenario("4.5-modern");
    let args = [
        "resign",
        "--all",
        "--yes",
        "--root",
        tmp.path().to_str().unwrap(),
    ];
    let base = || {
        let mut c = common::bin();
        c.env("RHV_PKI_FAULT", "fail:2")
            .env_remove("RHV_PKI_P12_PASSWORD");
        c
    };
    let en = asked(base(), Ask::C, &args);
    assert_eq!(en.status.code(), Some(1));
    let line = last_err_line(&en);
    let english = line
        .strip_prefix("rhv-pki: error: ")
        .unwrap_or_else(|| panic!("{line}"));
    assert!(
        english.starts_with("injected fault at write step 2; everything was rolled back (backup "),
        "{english}"
    );
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let ja = asked(base(), ask, &args);
        assert_eq!(ja.status.code(), Some(1));
        let line = last_err_line(&ja);
        assert!(line.starts_with("rhv-pki: エラー: "), "{line}");
        // Each run has its own backup: no evidence to keep but the step.
        said_in_japanese(&line, english, &[]);
        assert!(line.contains(" 2 "), "{line}");
    }
}

#[test]
fn an_unreadable_pki_in_the_upgrade_pre_checks_is_said_in_japanese() {
    // No PKI under --root: the pki-readable pre-check fails with the audit's error.
    let empty = tempfile::tempdir().unwrap();
    let r = empty.path().to_str().unwrap();
    let json_args = ["upgrade", "--root", r, "--dry-run", "--format", "json"];
    let en = asked(common::bin(), Ask::C, &json_args);
    let doc: serde_json::Value = serde_json::from_slice(&en.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&en.stderr)));
    let c = doc["prechecks"]
        .as_array()
        .unwrap_or_else(|| panic!("{doc:#}"))
        .iter()
        .find(|c| c["id"] == "pki-readable")
        .unwrap()
        .clone();
    assert_eq!(c["status"], "fail", "{c:#}");
    let detail = c["detail"].as_str().unwrap();
    let pki = format!("{r}/etc/pki/ovirt-engine");
    assert!(
        detail.starts_with(&format!("{pki}: PKI directory cannot be read: ")),
        "{detail}"
    );
    let os = detail.rsplit_once(": ").unwrap().1;
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        // JSON is the same in every language (the free space aside, which moves).
        let ja_json = asked(common::bin(), ask, &json_args);
        let ja_doc: serde_json::Value = serde_json::from_slice(&ja_json.stdout).unwrap();
        let ja_c = ja_doc["prechecks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "pki-readable")
            .unwrap();
        assert_eq!(ja_c, &c);
        let ja = asked(common::bin(), ask, &["upgrade", "--root", r, "--dry-run"]);
        let t = String::from_utf8_lossy(&ja.stdout).into_owned();
        let line = t
            .lines()
            .find(|l| l.contains("pki-readable"))
            .unwrap_or_else(|| panic!("{t}"));
        said_in_japanese(line, detail, &[&pki, os, "pki-readable", "PKI"]);
    }
}
