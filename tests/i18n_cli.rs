//! The binary's own argument and command-line errors in Japanese (block cli2), driven through
//! the real binary: under `--lang ja` and `LANG=ja_JP.UTF-8` each error line says rhv-pki's
//! words in Japanese and keeps the evidence (paths, values, flags, the Manager's and the
//! system's words); the English line and the exit code are as before. Also: `hosts audit`
//! reports a Manager it cannot ask under its own error (not "writing the report"), and
//! `--host NAME` takes the `--vdsm-endpoint NAME=…` given for it.

mod common;

use common::i18n::{japanese, last_err_line, words, Ask};
use common::sim::{three_hosts, Sim};

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

/// `c` asked in `ask`'s language.
fn asked(mut c: Command, ask: Ask, args: &[&str]) -> Output {
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
        .env(
            "LANG",
            if ask == Ask::JaLocale {
                "ja_JP.UTF-8"
            } else {
                "C"
            },
        )
        .stdin(std::process::Stdio::null());
    if ask == Ask::JaFlag {
        c.args(["--lang", "ja"]);
    }
    c.args(args);
    c.output().unwrap()
}

/// The first line of clap's usage error.
fn first_err_line(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The English and Japanese lines of one error: the English is `english` exactly (after
/// `en_prefix`); each Japanese one (both ways of asking) starts with `ja_prefix`, is Japanese,
/// keeps `evidence`, has no English word of the English line but the evidence's, and exits as
/// the English did. Returns the English exit code.
fn check_with(
    base: &dyn Fn() -> Command,
    args: &[&str],
    line: fn(&Output) -> String,
    (en_prefix, ja_prefix): (&str, &str),
    english: &str,
    evidence: &[&str],
) -> Option<i32> {
    let en = asked(base(), Ask::C, args);
    assert_eq!(
        line(&en),
        format!("{en_prefix}{english}"),
        "{}",
        String::from_utf8_lossy(&en.stderr)
    );
    assert_ne!(en.status.code(), Some(0));
    let allowed: BTreeSet<String> = evidence.iter().flat_map(|v| words(v)).collect();
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let ja = asked(base(), ask, args);
        assert_eq!(ja.status.code(), en.status.code(), "{ask:?}");
        let l = line(&ja);
        assert!(
            l.starts_with(ja_prefix) && japanese(&l[ja_prefix.len()..]),
            "{ask:?}: {l}"
        );
        for v in evidence {
            assert!(l.contains(v), "{ask:?}: {v} not in {l}");
        }
        let left: BTreeSet<String> = words(&l)
            .intersection(&words(english))
            .filter(|w| !allowed.contains(*w))
            .cloned()
            .collect();
        assert!(left.is_empty(), "{ask:?}: {left:?} left in {l}");
    }
    en.status.code()
}

/// An error line `rhv-pki: error: …`; returns the exit code.
fn check(base: &dyn Fn() -> Command, args: &[&str], english: &str, evidence: &[&str]) -> i32 {
    check_with(
        base,
        args,
        last_err_line,
        ("rhv-pki: error: ", "rhv-pki: エラー: "),
        english,
        evidence,
    )
    .unwrap()
}

fn bin() -> Command {
    common::bin()
}

/// A path that does not exist (under a fresh temporary directory).
fn missing(tmp: &tempfile::TempDir) -> String {
    tmp.path().join("missing").display().to_string()
}

// ---------------------------------------------------------------------------------------------
// hosts audit (TLS) with a Manager

/// `hosts audit` against `sim` with `extra` arguments (and the simulator's engine arguments
/// but for those `replace` drops: the flag and its value).
fn sim_args(sim: &Sim, drop: &[&str], extra: &[&str]) -> Vec<String> {
    let mut v = vec!["hosts".to_string(), "audit".into()];
    let e = sim.engine_args();
    let mut i = 0;
    while i < e.len() {
        if drop.contains(&e[i].as_str()) {
            i += 2;
            continue;
        }
        v.push(e[i].clone());
        i += 1;
    }
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn hosts_audit_says_a_refused_login_as_itself_in_japanese() {
    let sim = Sim::start("4.5-modern", &three_hosts(""), 1.0);
    let wrong = sim.root.path().join("wrong-password");
    std::fs::write(&wrong, "not-the-password\n").unwrap();
    let args = sim_args(
        &sim,
        &["--password-file"],
        &["--password-file", wrong.to_str().unwrap()],
    );
    let en = asked(bin(), Ask::C, &strs(&args));
    let line = last_err_line(&en);
    // Not under "writing the report": the Manager's refusal is the error.
    let rest = line
        .strip_prefix("rhv-pki: error: login as admin@internal refused by the Manager's SSO: ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    let code = check(
        &bin,
        &strs(&args),
        &format!("login as admin@internal refused by the Manager's SSO: {rest}"),
        &["admin@internal", &rest],
    );
    assert_eq!(code, 3);
}

#[test]
fn hosts_audit_says_an_unreachable_or_bad_manager_url_in_japanese() {
    let sim = Sim::start("4.5-modern", &three_hosts(""), 1.0);
    // Nobody listens on port 1.
    let args = sim_args(
        &sim,
        &["--engine-url", "--connect-to"],
        &["--engine-url", "https://127.0.0.1:1"],
    );
    let en = asked(bin(), Ask::C, &strs(&args));
    let line = last_err_line(&en);
    let (endpoint, os) = line
        .strip_prefix("rhv-pki: error: ")
        .and_then(|l| l.split_once(": cannot connect: "))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .unwrap_or_else(|| panic!("{line}"));
    // The Manager's error itself, not under "writing the report".
    assert!(endpoint.starts_with("127.0.0.1:1"), "{line}");
    assert_eq!(
        check(
            &bin,
            &strs(&args),
            &format!("{endpoint}: cannot connect: {os}"),
            &[&endpoint, &os],
        ),
        3
    );
    // Not https: the URL is refused before anything is sent.
    let args = sim_args(
        &sim,
        &["--engine-url", "--connect-to"],
        &["--engine-url", "http://x"],
    );
    let en = asked(bin(), Ask::C, &strs(&args));
    let line = last_err_line(&en);
    let reason = line
        .strip_prefix("rhv-pki: error: http://x: bad Manager URL: ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    assert_eq!(
        check(
            &bin,
            &strs(&args),
            &format!("http://x: bad Manager URL: {reason}"),
            // The reason is rhv-pki's own (must start with https:// …), said in Japanese.
            &["http://x", "https://"],
        ),
        3
    );
}

#[test]
fn hosts_audit_says_an_unknown_cluster_in_japanese() {
    let sim = Sim::start("4.5-modern", &three_hosts(""), 1.0);
    let args = sim_args(&sim, &[], &["--cluster", "nope"]);
    assert_eq!(
        check(&bin, &strs(&args), "unknown cluster 'nope'", &["'nope'"]),
        3
    );
}

#[test]
fn hosts_audit_host_without_address_takes_its_vdsm_endpoint() {
    let sim = Sim::start("4.5-modern", &three_hosts(""), 1.0);
    let eps = sim.vdsm_endpoints();
    let (_, ep) = eps.iter().find(|(n, _)| n == "host1").unwrap();
    let out = asked(
        bin(),
        Ask::C,
        &[
            "hosts",
            "audit",
            "--root",
            sim.root.path().to_str().unwrap(),
            "--host",
            "host1",
            "--vdsm-endpoint",
            &format!("host1={ep}"),
            "--probe-timeout",
            "5",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    // Probed where the flag says: reached, its certificate read (not host1:54321, unreachable).
    assert!(
        !codes.iter().any(|c| c.contains("unreachable")),
        "{codes:?}: {doc}"
    );
    let certs = doc["certificates"].as_array().unwrap();
    assert!(
        certs
            .iter()
            .any(|c| c.to_string().contains("host1") && c.to_string().contains(ep.as_str())),
        "{doc}"
    );
}

// ---------------------------------------------------------------------------------------------
// hosts enroll / hosts audit / hosts recover arguments

#[test]
fn enroll_and_hosts_argument_errors_are_said_in_japanese() {
    let tmp = common::scenario("4.5-modern");
    let root = tmp.path().to_str().unwrap();
    check(
        &bin,
        &["hosts", "audit", "--root", root, "--vdsm-endpoint", "foo"],
        "--vdsm-endpoint 'foo': expected NAME=HOST:PORT",
        &["--vdsm-endpoint 'foo'", "NAME=HOST:PORT"],
    );
    check(
        &bin,
        &["hosts", "enroll", "--root", root, "--poll-interval", "0"],
        "--poll-interval must be a positive number of seconds",
        &["--poll-interval"],
    );
    check(
        &bin,
        &["hosts", "enroll", "--root", root, "--max-parallel", "0"],
        "--max-parallel must be at least 1",
        &["--max-parallel"],
    );
    check(
        &bin,
        &["hosts", "recover", "--root", root],
        "say how to reach the hosts: --ssh (SSH as --ssh-user, host keys checked against --known-hosts)",
        &["--ssh", "--ssh-user", "--known-hosts"],
    );
    check(
        &bin,
        &[
            "hosts",
            "recover",
            "--root",
            root,
            "--ssh",
            "--max-parallel",
            "0",
        ],
        "--max-parallel 0: expected 1..256",
        &["--max-parallel 0", "1..256"],
    );
    let gone = missing(&tmp);
    check(
        &bin,
        &[
            "hosts",
            "recover",
            "--root",
            root,
            "--ssh",
            "--ssh-key",
            &gone,
        ],
        &format!("{gone}: --ssh-key is not a readable file"),
        &[&gone, "--ssh-key"],
    );
    check(
        &bin,
        &["hosts", "recover", "--root", root, "--ssh", "--days", "0"],
        "--days 0: expected 1..36500",
        &["--days 0", "1..36500"],
    );
    check(
        &bin,
        &[
            "hosts", "recover", "--root", root, "--ssh", "--within", "99999",
        ],
        "--within 99999: expected 0..36500",
        &["--within 99999", "0..36500"],
    );
    // A PKI directory without host certificates and no --host.
    let empty = tempfile::tempdir().unwrap();
    let pki = empty.path().to_str().unwrap();
    check(
        &bin,
        &["hosts", "audit", "--ssh", "--pki-dir", pki],
        &format!("{pki}: no certs/<host>.cer found; name the hosts with --host"),
        &[pki, "certs/<host>.cer", "--host"],
    );
}

// ---------------------------------------------------------------------------------------------
// conf / resign / renew / rollback

fn config_file(dir: &Path, body: &str) -> String {
    let p = dir.join("cfg.toml");
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

#[test]
fn change_argument_and_config_errors_are_said_in_japanese() {
    let tmp = common::scenario("4.5-modern");
    let root = tmp.path().to_str().unwrap();
    check(
        &bin,
        &["renew", "--root", root, "--ca-days", "0"],
        "--ca-days 0: expected 1..36500",
        &["--ca-days 0", "1..36500"],
    );
    check(
        &bin,
        &["resign", "--root", root, "--all", "--days", "0"],
        "--days 0: expected 1..36500",
        &["--days 0", "1..36500"],
    );
    check(
        &bin,
        &["renew", "--root", root, "--within", "99999"],
        "--within 99999: expected 0..36500",
        &["--within 99999", "0..36500"],
    );
    let cfg = config_file(tmp.path(), "[thresholds]\nwarn_days = 99999\n");
    for cmd in [
        &["conf"][..],
        &["resign", "--all"],
        &["renew"],
        &["rollback"],
    ] {
        let mut v = cmd.to_vec();
        v.extend(["--root", root, "--config", &cfg, "--dry-run"]);
        check(
            &bin,
            &v,
            &format!("{cfg}: [thresholds]: 99999 days is out of range 0..36500"),
            &[&cfg, "[thresholds]", "99999", "0..36500"],
        );
    }
    // A config that is a directory: the system's words quoted.
    let dir = tmp.path().to_str().unwrap();
    let en = asked(
        bin(),
        Ask::C,
        &["renew", "--root", root, "--config", dir, "--dry-run"],
    );
    let line = last_err_line(&en);
    let english = line
        .strip_prefix("rhv-pki: error: ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    let os = english
        .rsplit_once(": ")
        .map(|(_, os)| os.to_string())
        .unwrap();
    assert!(english.starts_with(dir), "{english}");
    check(
        &bin,
        &["renew", "--root", root, "--config", dir, "--dry-run"],
        &english,
        &[dir, &os],
    );
}

#[test]
fn rollback_errors_are_said_in_japanese() {
    let tmp = common::scenario("4.5-modern");
    let gone = missing(&tmp);
    let pki = format!("{gone}/etc/pki/ovirt-engine");
    assert_eq!(
        check(
            &bin,
            &["rollback", "--root", &gone],
            &format!("{pki}: not a directory (is this the Manager's PKI directory?)"),
            &[&pki, "Manager", "PKI"],
        ),
        3
    );
    let root = tmp.path().to_str().unwrap();
    let backups = tmp.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    let b = backups.to_str().unwrap();
    assert_eq!(
        check(
            &bin,
            &["rollback", "--root", root, "--backup-dir", b],
            &format!("no completed change to roll back under {b}"),
            &[b],
        ),
        3
    );
}

#[test]
fn no_confirmation_without_a_terminal_says_the_verb_in_japanese() {
    // conf on the SHA-1 sample has something to do; stdin is /dev/null.
    let tmp = common::scenario("4.2-sha1");
    let root = tmp.path().to_str().unwrap();
    let tail = "without --yes: stdin is not a terminal, so nobody can confirm; nothing changed (use --dry-run to see the plan)";
    for (args, verb) in [
        (&["conf"][..], "conf"),
        (&["resign", "--all", "--no-restart"][..], "resign"),
        (&["renew", "--within", "36500", "--no-restart"][..], "renew"),
    ] {
        let mut v = args.to_vec();
        v.extend(["--root", root]);
        assert_eq!(
            check(
                &bin,
                &v,
                &format!("refusing to {verb} {tail}"),
                &["--yes", "--dry-run"],
            ),
            2
        );
    }
    // A completed change to roll back: made with --yes, then asked without.
    let tmp = common::scenario("4.2-sha1");
    let root = tmp.path().to_str().unwrap();
    let made = asked(bin(), Ask::C, &["conf", "--root", root, "--yes"]);
    assert_eq!(
        made.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert_eq!(
        check(
            &bin,
            &["rollback", "--root", root],
            &format!("refusing to roll back {tail}"),
            &["--yes", "--dry-run"],
        ),
        2
    );
}

// ---------------------------------------------------------------------------------------------
// args: the Manager's address, --ca-file, the password file

#[test]
fn manager_argument_errors_are_said_in_japanese() {
    let tmp = common::scenario("4.5-modern");
    let root = tmp.path().to_str().unwrap();
    // No engine.conf.d under this root.
    let bare = tempfile::tempdir().unwrap();
    check(
        &bin,
        &["hosts", "audit", "--root", bare.path().to_str().unwrap()],
        "no ENGINE_FQDN found in engine.conf.d: give --engine-url",
        &["ENGINE_FQDN", "engine.conf.d", "--engine-url"],
    );
    // --ca-file missing: the file named, the system's words quoted.
    let ca = format!("{}/ca.pem", missing(&tmp));
    let en = asked(
        bin(),
        Ask::C,
        &[
            "hosts",
            "audit",
            "--root",
            root,
            "--host",
            "h1",
            "--ca-file",
            &ca,
        ],
    );
    let english = last_err_line(&en)
        .strip_prefix("rhv-pki: error: ")
        .unwrap()
        .to_string();
    assert!(english.contains(&ca), "{english}");
    let os = english.rsplit_once(": ").unwrap().1.to_string();
    check(
        &bin,
        &[
            "hosts",
            "audit",
            "--root",
            root,
            "--host",
            "h1",
            "--ca-file",
            &ca,
        ],
        &english,
        &[&ca, &os],
    );
    // --ca-file with no certificate in it.
    let notca = tmp.path().join("not-a-ca.pem");
    std::fs::write(&notca, "hello\n").unwrap();
    let n = notca.to_str().unwrap();
    let args = [
        "hosts",
        "audit",
        "--root",
        root,
        "--host",
        "h1",
        "--ca-file",
        n,
    ];
    let en = asked(bin(), Ask::C, &args);
    let english = last_err_line(&en)
        .strip_prefix("rhv-pki: error: ")
        .unwrap()
        .to_string();
    assert!(english.starts_with(n), "{english}");
    check(&bin, &args, &english, &[n]);
    // The Manager's password file unreadable: a directory.
    let args = [
        "hosts",
        "audit",
        "--root",
        root,
        "--engine-url",
        "https://engine.example.test",
        "--password-file",
        root,
    ];
    let en = asked(bin(), Ask::C, &args);
    let english = last_err_line(&en)
        .strip_prefix("rhv-pki: error: ")
        .unwrap()
        .to_string();
    let os = english
        .strip_prefix(&format!("{root}: cannot read password file: "))
        .unwrap_or_else(|| panic!("{english}"))
        .to_string();
    check(&bin, &args, &english, &[root, &os]);
    // ... and its Japanese line says what the OS said, in Japanese too.
    let ja = asked(bin(), Ask::JaFlag, &args);
    assert!(
        last_err_line(&ja).contains("ディレクトリーです"),
        "{}",
        last_err_line(&ja)
    );
}

// ---------------------------------------------------------------------------------------------
// audit --post-events

#[test]
fn post_events_failures_are_said_in_japanese() {
    let sim = Sim::start("4.5-modern", &three_hosts(""), 1.0);
    let wrong = sim.root.path().join("wrong-password");
    std::fs::write(&wrong, "not-the-password\n").unwrap();
    let args = [
        "audit",
        "--root",
        sim.root.path().to_str().unwrap(),
        "--engine-url",
        &sim.url(),
        "--connect-to",
        &format!("127.0.0.1:{}", sim.port),
        "--password-file",
        wrong.to_str().unwrap(),
        "--post-events",
    ];
    let en = asked(bin(), Ask::C, &args);
    let line = last_err_line(&en);
    let rest = line
        .strip_prefix(
            "rhv-pki: error: --post-events: login as admin@internal refused by the Manager's SSO: ",
        )
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    assert_eq!(
        check(
            &bin,
            &args,
            &format!("--post-events: login as admin@internal refused by the Manager's SSO: {rest}"),
            &["--post-events", "admin@internal", &rest],
        ),
        3
    );
}

// ---------------------------------------------------------------------------------------------
// generate

#[test]
fn generate_errors_are_said_in_japanese() {
    check(
        &bin,
        &["generate", "man", "audit"],
        "NAME: only for `generate schema`",
        &["NAME", "`generate schema`"],
    );
    check(
        &bin,
        &["generate", "bash", "--out-dir", "/tmp"],
        "--out-dir: only for `generate man` and `generate schema`",
        &["--out-dir", "`generate man`", "`generate schema`"],
    );
    let tmp = tempfile::tempdir().unwrap();
    let gone = missing(&tmp);
    for what in ["man", "schema"] {
        check(
            &bin,
            &["generate", what, "--out-dir", &gone],
            &format!("--out-dir {gone}: not a directory"),
            &[&format!("--out-dir {gone}")],
        );
    }
    check(
        &bin,
        &["generate", "schema", "PkiAudit", "--out-dir", "/tmp"],
        "generate schema: give NAME (printed) or --out-dir (all), not both",
        &["generate schema", "NAME", "--out-dir"],
    );
    let names =
        "PkiAudit, PkiChange, PkiRollback, PkiBackups, EnrollPlan, EnrollReport, HostRecovery";
    check(
        &bin,
        &["generate", "schema", "nope"],
        &format!("generate schema: no schema \"nope\"; one of: {names}"),
        &["generate schema", "\"nope\"", names],
    );
}

// ---------------------------------------------------------------------------------------------
// clap value parsers: --endpoint, --lang

#[test]
fn value_parser_reasons_are_said_in_japanese() {
    let clap_line = ("error: ", "エラー: ");
    let known = "httpd, jboss, websocket-proxy, imageio, imageio-proxy, ovirt-provider-ovn";
    check_with(
        &bin,
        &["audit", "--endpoint", "apache=x:1"],
        first_err_line,
        clap_line,
        &format!("invalid value 'apache=x:1' for '--endpoint <NAME=HOST:PORT>': --endpoint 'apache=x:1': unknown endpoint 'apache'; known: {known}"),
        &["--endpoint 'apache=x:1'", "'apache'", known, "<NAME=HOST:PORT>"],
    );
    check_with(
        &bin,
        &["audit", "--endpoint", "httpd"],
        first_err_line,
        clap_line,
        "invalid value 'httpd' for '--endpoint <NAME=HOST:PORT>': --endpoint 'httpd': expected NAME=HOST:PORT",
        &["--endpoint 'httpd'", "NAME=HOST:PORT"],
    );
    check_with(
        &bin,
        &["audit", "--endpoint", "httpd=x"],
        first_err_line,
        clap_line,
        "invalid value 'httpd=x' for '--endpoint <NAME=HOST:PORT>': --endpoint 'httpd=x': 'x' has no :PORT",
        &["--endpoint 'httpd=x'", "'x'", ":PORT", "<NAME=HOST:PORT>"],
    );
    check_with(
        &bin,
        &["audit", "--endpoint", "httpd=x:0"],
        first_err_line,
        clap_line,
        "invalid value 'httpd=x:0' for '--endpoint <NAME=HOST:PORT>': --endpoint 'httpd=x:0': bad port '0'",
        &["--endpoint 'httpd=x:0'", "'0'", "<NAME=HOST:PORT>"],
    );
    // A bad --lang under LANG=ja_JP: the locale decides, so Japanese.
    let en = asked(bin(), Ask::C, &["--lang", "xx", "audit"]);
    assert_eq!(
        first_err_line(&en),
        "error: invalid value 'xx' for '--lang <LANG>': unknown language \"xx\" (en or ja)"
    );
    let ja = asked(bin(), Ask::JaLocale, &["--lang", "xx", "audit"]);
    assert_eq!(ja.status.code(), en.status.code());
    let l = first_err_line(&ja);
    assert!(l.starts_with("エラー: ") && l.contains("\"xx\""), "{l}");
    let left: BTreeSet<String> = words(&l)
        .intersection(&words("unknown language invalid value for"))
        .cloned()
        .collect();
    assert!(left.is_empty(), "{left:?} in {l}");
}

#[test]
fn hosts_audit_says_a_manager_answering_503_in_japanese() {
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[[faults]]
kind = "http_5xx"
status = 503
path = "/clusters"
count = 1000
"#,
        ),
        1.0,
    );
    let args = sim_args(&sim, &[], &[]);
    let en = asked(bin(), Ask::C, &strs(&args));
    let line = last_err_line(&en);
    let english = line
        .strip_prefix("rhv-pki: error: ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    assert!(!english.starts_with("writing the report"), "{english}");
    // The Manager's answer is the client's own error: the request, the status and the
    // Manager's words kept, the frame in the reader's language.
    let (request, answer) = english
        .split_once(": HTTP 503: ")
        .unwrap_or_else(|| panic!("{english}"));
    assert_eq!(request, "GET /ovirt-engine/api/clusters", "{english}");
    assert_eq!(
        check(&bin, &strs(&args), &english, &[request, "503", answer]),
        3
    );
}
