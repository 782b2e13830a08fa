//! The maintenance cycle in Japanese, driven through the real binary against the stand-in
//! `hosted-engine` / `systemctl` and real TLS servers: `maintenance restart` and the cycle
//! section of `resign` when global maintenance is refused, a restart fails, an endpoint is
//! stale or unreachable after its restart, and global maintenance is not cleared; and
//! `maintenance status|on|off`. Under `--lang ja` and `LANG=ja_JP.UTF-8` the report says
//! rhv-pki's own words in Japanese and keeps the evidence (unit names, commands, paths,
//! `systemctl`'s and the system's words) as it came; English and the JSON document stay as
//! they were, in every language.

mod common;

use common::i18n::{japanese, words, Ask};
use common::manager::{free_port, json, Manager};

use std::collections::BTreeSet;
use std::process::Output;

/// `args` run in `ask`'s language with the stand-ins of `m` first in PATH.
fn run(m: &Manager, ask: Ask, args: &[&str]) -> Output {
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
    .env_remove("RHV_PKI_FAULT")
    .env_remove("LC_ALL")
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
    c.args(args).output().unwrap()
}

/// Standard output then standard error.
fn all(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The cycle report of a `resign` / `renew` run: from its first unindented `cycle:` line
/// (the plan's cycle lines are indented) to the end, standard error included.
fn report_part(o: &Output, prefix: &str) -> String {
    let text = all(o);
    let start = text
        .lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no report in {text}"));
    text.lines().skip(start).collect::<Vec<_>>().join("\n")
}

/// `ja` says no English word of `en` but those of `evidence`, keeps every `evidence` text,
/// and each of its non-empty lines has Japanese.
fn judge(what: &str, en: &str, ja: &str, evidence: &[&str]) {
    let allowed: BTreeSet<String> = evidence.iter().flat_map(|v| words(v)).collect();
    for v in evidence {
        assert!(ja.contains(v), "{what}: {v:?} not in\n{ja}");
    }
    let left: BTreeSet<String> = words(ja)
        .intersection(&words(en))
        .filter(|w| !allowed.contains(*w))
        .cloned()
        .collect();
    assert!(
        left.is_empty(),
        "{what}: {left:?} left in\n{ja}\n(English:\n{en})"
    );
    for l in ja.lines().filter(|l| !l.trim().is_empty()) {
        assert!(japanese(l), "{what}: an English line: {l}\nin\n{ja}");
    }
}

const UNITS: &[(&str, &str, bool)] = &[
    ("httpd", "enabled", true),
    ("ovirt-websocket-proxy", "enabled", true),
];

/// `maintenance restart apache websocket-proxy` on `m` (both endpoints verified; `httpd`
/// given as `httpd_ep`), with `extra` arguments.
fn restart_args<'a>(
    m: &'a Manager,
    httpd_ep: &'a str,
    wsp_ep: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut a = vec![
        "maintenance",
        "restart",
        "apache",
        "websocket-proxy",
        "--root",
        m.root_str(),
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        httpd_ep,
        "--endpoint",
        wsp_ep,
    ];
    a.extend_from_slice(extra);
    a
}

/// Runs `maintenance restart` in English (text, JSON) and in Japanese both ways (text,
/// JSON), resetting global maintenance to off before each run; the English text must hold
/// `en_lines`, each Japanese text must be judged Japanese with `evidence`, and every JSON
/// document must be the English one (ports and paths are the same: same Manager). Returns
/// the English JSON document.
fn restart_in_all_languages(
    m: &Manager,
    httpd_ep: &str,
    extra: &[&str],
    code: i32,
    en_lines: &[&str],
    evidence: &[&str],
) -> serde_json::Value {
    let wsp = m.wsp_ep();
    let args = restart_args(m, httpd_ep, &wsp, extra);
    let mut jargs = args.clone();
    jargs.extend(["--format", "json"]);
    m.set_gm(false);
    let en = run(m, Ask::C, &args);
    let en_text = all(&en);
    assert_eq!(en.status.code(), Some(code), "{en_text}");
    for l in en_lines {
        assert!(
            en_text.lines().any(|x| x == *l),
            "English line {l:?} not in\n{en_text}"
        );
    }
    m.set_gm(false);
    let en_json = run(m, Ask::C, &jargs);
    assert_eq!(en_json.status.code(), Some(code));
    let en_doc = json(&en_json);
    for ask in [Ask::JaFlag, Ask::JaLocale] {
        m.set_gm(false);
        let ja = run(m, ask, &args);
        assert_eq!(ja.status.code(), Some(code), "{ask:?}");
        judge(&format!("{ask:?} {extra:?}"), &en_text, &all(&ja), evidence);
        m.set_gm(false);
        let ja_json = run(m, ask, &jargs);
        assert_eq!(ja_json.status.code(), Some(code));
        let mut ja_doc = json(&ja_json);
        // Only the verification's own evidence may differ between two runs: none here (the
        // same endpoints, the same files); the documents are compared whole.
        normalise(&mut ja_doc);
        let mut e = en_doc.clone();
        normalise(&mut e);
        assert_eq!(
            ja_doc, e,
            "{ask:?}: the JSON document changed with the language"
        );
    }
    en_doc
}

/// Drops nothing but the serials a stale endpoint may serve differently between two runs
/// (none in these scenarios: kept for the key order only).
fn normalise(_doc: &mut serde_json::Value) {}

fn events(doc: &serde_json::Value) -> Vec<(String, bool, String)> {
    doc["cycle"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                match e["unit"].as_str() {
                    Some(u) => format!("{} {u}", e["step"].as_str().unwrap()),
                    None => e["step"].as_str().unwrap().to_string(),
                },
                e["ok"].as_bool().unwrap(),
                e["detail"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn manual(doc: &serde_json::Value) -> Vec<String> {
    doc["cycle"]["manual"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn maintenance_refused_is_said_in_japanese_and_global_maintenance_stays_off() {
    let m = Manager::start("4.2-sha1", UNITS);
    m.flag("he-ignore");
    let ep = m.httpd_ep();
    let doc = restart_in_all_languages(
        &m,
        &ep,
        &["--maintenance-timeout", "1"],
        2,
        &[
            "cycle: maintenance-on         FAILED: hosted-engine on localhost: global maintenance is still off 1 s after setting it on",
            "global maintenance now: off (as found)",
        ],
        &["localhost", "hosted-engine"],
    );
    assert!(!m.gm(), "global maintenance must stay off");
    assert!(!m.calls().iter().any(|c| c.contains("systemctl restart")));
    assert_eq!(
        events(&doc),
        [(
            "maintenance-on".to_string(),
            false,
            "hosted-engine on localhost: global maintenance is still off 1 s after setting it on"
                .to_string()
        )]
    );
    assert_eq!(doc["cycle"]["maintenanceAfter"], "off (as found)");
    assert_eq!(doc["cycle"]["maintenanceVia"], "hosted-engine on localhost");

    // resign: the report and the refusal line, in Japanese; nothing changed.
    let before = m.pki_digest();
    let resign = [
        "resign",
        "apache",
        "--root",
        m.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &ep,
        "--maintenance-timeout",
        "1",
    ];
    let en = run(&m, Ask::C, &resign);
    assert_eq!(en.status.code(), Some(2));
    let en_report = report_part(&en, "cycle: ");
    assert!(
        en_report
            .ends_with("rhv-pki: error: global maintenance could not be set; nothing was changed"),
        "{en_report}"
    );
    for ask in [Ask::JaFlag, Ask::JaLocale] {
        let ja = run(&m, ask, &resign);
        assert_eq!(ja.status.code(), Some(2));
        let ja_report = report_part(&ja, "サイクル: ");
        judge(
            &format!("resign {ask:?}"),
            &en_report,
            &ja_report,
            &["localhost", "hosted-engine"],
        );
        assert!(ja_report.contains("rhv-pki: エラー: "), "{ja_report}");
    }
    assert_eq!(m.pki_digest(), before, "nothing may change");
    assert!(!m.gm());
}

#[test]
fn a_failing_restart_is_said_in_japanese_with_systemctl_words_and_the_commands_kept() {
    let m = Manager::start("4.2-sha1", UNITS);
    m.flag("fail-httpd");
    let ep = m.httpd_ep();
    let systemctl_words =
        "Job for httpd.service failed because the control process exited with error code.";
    let evidence = [
        "'systemctl restart httpd'",
        systemctl_words,
        "journalctl -u httpd",
        "systemctl restart httpd ovirt-websocket-proxy",
        "hosted-engine --set-maintenance --mode=none",
        "localhost",
    ];
    let doc = restart_in_all_languages(
        &m,
        &ep,
        &[],
        4,
        &[
            &format!("cycle: restart httpd          FAILED: localhost: 'systemctl restart httpd' failed (exit 1): {systemctl_words}"),
            "cycle: maintenance-kept-on    FAILED: a restart failed; global maintenance stays ON until the services are back",
            "global maintenance now: ON — kept on because a restart failed; once the services run again: hosted-engine --set-maintenance --mode=none   # on localhost",
            "to do: httpd failed: see journalctl -u httpd ; then systemctl restart httpd ovirt-websocket-proxy",
            "to do: hosted-engine --set-maintenance --mode=none   # on localhost",
            "rhv-pki: ATTENTION: global maintenance is still ON because a restart failed: ON — kept on because a restart failed; once the services run again: hosted-engine --set-maintenance --mode=none   # on localhost",
        ],
        &evidence,
    );
    assert_eq!(doc["cycle"]["result"], "restart-failed");
    assert_eq!(
        manual(&doc),
        [
            "httpd failed: see journalctl -u httpd ; then systemctl restart httpd ovirt-websocket-proxy",
            "hosted-engine --set-maintenance --mode=none   # on localhost"
        ]
    );
    assert_eq!(
        doc["cycle"]["maintenanceAfter"],
        "ON — kept on because a restart failed; once the services run again: hosted-engine --set-maintenance --mode=none   # on localhost"
    );

    // The cycle section of resign says the same in Japanese, and its plan the unit states.
    m.set_gm(false);
    let resign = [
        "resign",
        "apache",
        "websocket-proxy",
        "--root",
        m.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &ep,
    ];
    let ja = run(&m, Ask::JaFlag, &resign);
    assert_eq!(ja.status.code(), Some(4));
    let ja_report = report_part(&ja, "サイクル: ");
    let en_words: String = [
        "cycle: maintenance-kept-on FAILED: a restart failed; global maintenance stays ON until the services are back",
        "global maintenance now: ON — kept on because a restart failed; once the services run again: hosted-engine --set-maintenance --mode=none   # on localhost",
        "to do: httpd failed: see journalctl -u httpd ; then systemctl restart httpd ovirt-websocket-proxy",
    ]
    .join("\n")
        + &format!("\nlocalhost: 'systemctl restart httpd' failed (exit 1): {systemctl_words}");
    judge("resign", &en_words, &ja_report, &evidence);
    assert!(m.gm(), "kept on after a failed restart");
    let plan = String::from_utf8_lossy(&ja.stdout);
    let plan_line = plan
        .lines()
        .find(|l| l.starts_with("  サイクル: ") && l.contains("ovirt-websocket-proxy"))
        .unwrap_or_else(|| panic!("{plan}"));
    assert!(plan_line.contains("(有効、実行中)"), "{plan_line}");
}

#[test]
fn stale_and_unreachable_endpoints_after_restart_are_said_in_japanese() {
    // Stale: systemctl says it restarted httpd, apache keeps the old certificate.
    let m = Manager::start("4.2-sha1", UNITS);
    m.flag("noop-httpd");
    // The restart changes nothing on disk here: make the file differ from what is served.
    let resign = m.rhv_pki(&["resign", "apache", "--root", m.root_str(), "--yes"]);
    assert_eq!(resign.status.code(), Some(0), "{}", all(&resign));
    let (old, new) = (
        common::manager::served(m.apache_port).0,
        m.apache_disk_serial(),
    );
    assert_ne!(old, new);
    let file = m.pki().join("certs/apache.cer").display().to_string();
    let ep = m.httpd_ep();
    let addr = ep.trim_start_matches("httpd=").to_string();
    let doc = restart_in_all_languages(
        &m,
        &ep,
        &["--verify-timeout", "1"],
        5,
        &[
            &format!("cycle: verify                        FAILED: httpd ({addr}) serves {old} but {file} holds {new}"),
            "to do: restart-needed: systemctl restart httpd ; then rhv-pki maintenance verify",
            "global maintenance now: off",
        ],
        &[
            "httpd",
            &addr,
            &file,
            &old,
            &new,
            "restart-needed: systemctl restart httpd",
            "rhv-pki maintenance verify",
        ],
    );
    assert_eq!(doc["cycle"]["result"], "stale");
    assert!(!m.gm());

    // Unreachable: nothing listens where httpd should serve.
    let m = Manager::start("4.2-sha1", UNITS);
    let addr = format!("127.0.0.1:{}", free_port());
    let ep = format!("httpd={addr}");
    let file = m.pki().join("certs/apache.cer").display().to_string();
    let disk = m.apache_disk_serial();
    let doc = restart_in_all_languages(
        &m,
        &ep,
        &["--verify-timeout", "1"],
        4,
        &[
            &format!("cycle: verify                        FAILED: httpd ({addr}) serves nothing but {file} holds {disk}: {addr}: cannot connect: Connection refused (os error 111)"),
            "to do: endpoint-unreachable: systemctl status httpd (no certificate shown after the restart) ; then rhv-pki maintenance verify",
        ],
        &[
            "httpd",
            &addr,
            &file,
            &disk,
            "Connection refused (os error 111)",
            "endpoint-unreachable: systemctl status httpd",
            "rhv-pki maintenance verify",
        ],
    );
    assert_eq!(doc["cycle"]["result"], "endpoint-unreachable");
    assert_eq!(
        manual(&doc),
        ["endpoint-unreachable: systemctl status httpd (no certificate shown after the restart) ; then rhv-pki maintenance verify"]
    );
}

#[test]
fn global_maintenance_not_cleared_is_said_in_japanese_with_the_command() {
    let m = Manager::start("4.2-sha1", UNITS);
    m.flag("he-ignore-none");
    let ep = m.httpd_ep();
    let doc = restart_in_all_languages(
        &m,
        &ep,
        &["--maintenance-timeout", "1", "--verify-timeout", "30"],
        4,
        &[
            "cycle: maintenance-off               FAILED: hosted-engine on localhost: global maintenance is still on 1 s after setting it off",
            "global maintenance now: ON — clear it: hosted-engine --set-maintenance --mode=none   # on localhost",
            "to do: hosted-engine --set-maintenance --mode=none   # on localhost",
        ],
        &[
            "hosted-engine --set-maintenance --mode=none",
            "localhost",
            "httpd",
            "ovirt-websocket-proxy",
        ],
    );
    assert_eq!(doc["cycle"]["result"], "maintenance-not-cleared");
    assert_eq!(
        doc["cycle"]["maintenanceAfter"],
        "ON — clear it: hosted-engine --set-maintenance --mode=none   # on localhost"
    );
    assert!(m.gm(), "the stand-in ignored --mode=none");
}

#[test]
fn maintenance_status_on_off_say_how_in_japanese() {
    let m = Manager::start("4.5-modern", &[]);
    for (args, en_line) in [
        (
            vec!["maintenance", "status", "--he-host", "localhost"],
            "global maintenance: off (hosted-engine on localhost)",
        ),
        (
            vec!["maintenance", "on", "--he-host", "localhost"],
            "global maintenance ON (hosted-engine on localhost)",
        ),
        (
            vec!["maintenance", "on", "--he-host", "localhost"],
            "global maintenance ON (hosted-engine on localhost, it already was)",
        ),
        (
            vec!["maintenance", "off", "--he-host", "localhost"],
            "global maintenance off (hosted-engine on localhost)",
        ),
    ] {
        let before = m.gm();
        let en = run(&m, Ask::C, &args);
        assert_eq!(en.status.code(), Some(0));
        let en_text = String::from_utf8_lossy(&en.stdout).to_string();
        assert_eq!(en_text.lines().next(), Some(en_line), "{en_text}");
        for ask in [Ask::JaFlag, Ask::JaLocale] {
            m.set_gm(before);
            let ja = run(&m, ask, &args);
            assert_eq!(ja.status.code(), Some(0));
            let ja_text = String::from_utf8_lossy(&ja.stdout);
            let first = ja_text.lines().next().unwrap_or_default();
            judge(
                &format!("{args:?} {ask:?}"),
                en_line,
                first,
                &["localhost", "hosted-engine"],
            );
            // "on" is too short for words(): how global maintenance is reached is said in
            // Japanese around the host and the command's name.
            assert!(
                first.contains("(localhost 上の hosted-engine") && !first.contains(" on "),
                "{ask:?}: {first}"
            );
        }
        // JSON: the same in every language.
        let mut j = args.clone();
        j.extend(["--format", "json"]);
        if args[1] == "status" {
            let en = json(&run(&m, Ask::C, &j));
            let ja = json(&run(&m, Ask::JaFlag, &j));
            assert_eq!(en, ja);
            assert_eq!(en["via"], "hosted-engine on localhost");
        }
        m.set_gm(args[1] == "on" || (args[1] == "status" && before));
    }
}

#[test]
fn restarts_refused_without_a_way_to_global_maintenance_are_said_in_japanese() {
    // No --he-host, no --he-api, no hosted-engine command: only the stand-in systemctl.
    let m = Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    let only_systemctl = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        m.shims().join("systemctl"),
        only_systemctl.path().join("systemctl"),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        only_systemctl.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let ep = m.httpd_ep();
    let resign = |ask: Ask, json: bool| {
        let mut c = common::bin();
        c.env("PATH", &path)
            .env_remove("RHV_PKI_P12_PASSWORD")
            .env_remove("RHV_PKI_FAULT")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
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
        c.args([
            "resign",
            "apache",
            "--root",
            m.root_str(),
            "--yes",
            "--cycle",
            "--endpoint",
            &ep,
        ]);
        if json {
            c.args(["--format", "json"]);
        }
        c.output().unwrap()
    };
    let en = resign(Ask::C, false);
    assert_eq!(en.status.code(), Some(4), "{}", all(&en));
    let en_report = report_part(&en, "cycle: ");
    for l in [
        "to do: on a hosted-engine host: hosted-engine --set-maintenance --mode=global",
        "to do: systemctl restart httpd",
        "to do: rhv-pki maintenance verify",
        "to do: on a hosted-engine host: hosted-engine --set-maintenance --mode=none",
    ] {
        assert!(
            en_report.lines().any(|x| x == l),
            "{l:?} not in\n{en_report}"
        );
    }
    assert!(
        en_report.contains("cycle: restart-refused        FAILED: hosted engine not detected and not ruled out (no --he-host, no --he-api, no hosted-engine command here"),
        "{en_report}"
    );
    assert!(en_report.contains("; nothing was restarted"), "{en_report}");
    for ask in [Ask::JaFlag, Ask::JaLocale] {
        let ja = resign(ask, false);
        assert_eq!(ja.status.code(), Some(4));
        judge(
            &format!("{ask:?}"),
            &en_report,
            &report_part(&ja, "サイクル: "),
            &[
                "--he-host",
                "--he-api",
                "--no-maintenance",
                "--no-restart",
                "hosted-engine --set-maintenance --mode=global",
                "hosted-engine --set-maintenance --mode=none",
                "systemctl restart httpd",
                "rhv-pki maintenance verify",
                "httpd",
                "ovirt-engine",
            ],
        );
    }
    // The document's detail is English whatever the language.
    let doc = json(&resign(Ask::JaFlag, true));
    let refused = doc["cycle"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["step"] == "restart-refused")
        .unwrap_or_else(|| panic!("{doc:#}"));
    let detail = refused["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("hosted engine not detected and not ruled out")
            && detail.ends_with("; nothing was restarted"),
        "{detail}"
    );
    assert!(!m.calls().iter().any(|c| c.contains("systemctl restart")));
}
