//! `rhv-pki upgrade` in Japanese, driven through the real binary on copies of the 4.2 SHA-1
//! sample (and the simulated Manager for the capacity pre-check): the pre-check details that
//! were still English (an interrupted backup, a host that cannot go out alone, a CA file the
//! Manager's client cannot use, a password file that cannot be read), the `--discard-state`
//! notice, the outcomes the upgrade keeps in its state and the line it stops with. Under
//! `--lang ja` and `LANG=ja_JP.UTF-8` each such line says rhv-pki's own words in Japanese and
//! keeps the evidence (paths, ids, names, numbers, the system's words); the English output,
//! the exit code and the JSON are the same in every language.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::i18n::{japanese, words, Ask};
use common::sim::Sim;
use common::text;

const JA: [Ask; 2] = [Ask::JaLocale, Ask::JaFlag];

/// The binary asked in `ask`'s language, no fault, no password from the environment.
fn asked(ask: Ask, args: &[String], env: &[(&str, &str)]) -> Output {
    let mut c: Command = common::bin();
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
        .env_remove("RHV_PKI_UPGRADE_HOLD")
        .env(
            "LANG",
            if ask == Ask::JaLocale {
                "ja_JP.UTF-8"
            } else {
                "C"
            },
        )
        .stdin(Stdio::null());
    if ask == Ask::JaFlag {
        c.args(["--lang", "ja"]);
    }
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// English words of `english` left in `line`, but those of `evidence`.
fn english_left(line: &str, english: &str, evidence: &[&str]) -> BTreeSet<String> {
    let allowed: BTreeSet<String> = evidence.iter().flat_map(|v| words(v)).collect();
    words(line)
        .intersection(&words(english))
        .filter(|w| !allowed.contains(*w))
        .cloned()
        .collect()
}

/// Asserts `line` is Japanese, keeps `evidence` and has no English word of `english` but
/// those of the evidence.
fn said_in_japanese(what: &str, line: &str, english: &str, evidence: &[&str]) {
    assert!(japanese(line), "{what}: not Japanese: {line}");
    for v in evidence {
        assert!(line.contains(v), "{what}: {v:?} not in {line}");
    }
    let left = english_left(line, english, evidence);
    assert!(left.is_empty(), "{what}: {left:?} left in {line}");
}

/// The dry-run JSON of `args`, with the one live figure (free bytes where the backups go)
/// masked.
fn json_masked(o: &Output) -> String {
    let s = String::from_utf8_lossy(&o.stdout).to_string();
    let doc: serde_json::Value =
        serde_json::from_str(&s).unwrap_or_else(|e| panic!("{e}: {}", text(o)));
    assert!(doc.is_object());
    s.lines()
        .map(|l| {
            if l.contains("bytes free, a backup needs") {
                l.chars().filter(|c| !c.is_ascii_digit()).collect()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the pre-checks of `args` (a dry run) in English and Japanese: check `id` fails with
/// the English detail `english` (from the JSON, which is the same in every language); the
/// Japanese table's line of it is Japanese with `evidence`; same exit code. `english` is
/// returned for the caller's own assertions.
fn precheck_said(args: &[String], id: &str, evidence: impl Fn(&str) -> Vec<String>) -> String {
    let mut json_args = args.to_vec();
    json_args.extend(strings(&["--format", "json"]));
    let j_en = asked(Ask::C, &json_args, &[]);
    let doc: serde_json::Value =
        serde_json::from_slice(&j_en.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&j_en)));
    let check = doc["prechecks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id}: {doc}"))
        .clone();
    assert_eq!(check["status"], "fail", "{check}");
    let english = check["detail"].as_str().unwrap().to_string();
    let ev = evidence(&english);
    let ev: Vec<&str> = ev.iter().map(String::as_str).collect();

    let en = asked(Ask::C, args, &[]);
    let en_out = String::from_utf8_lossy(&en.stdout).to_string();
    let en_line = en_out
        .lines()
        .find(|l| l.starts_with("FAIL") && l.contains(&format!(" {id} ")))
        .unwrap_or_else(|| panic!("no FAIL {id}: {}", text(&en)));
    assert!(en_line.ends_with(&english), "{en_line}");
    for ask in JA {
        let ja = asked(ask, args, &[]);
        assert_eq!(ja.status.code(), en.status.code(), "{ask:?}: {}", text(&ja));
        let out = String::from_utf8_lossy(&ja.stdout).to_string();
        let line = out
            .lines()
            .find(|l| l.starts_with("不合格") && l.contains(&format!(" {id} ")))
            .unwrap_or_else(|| panic!("{ask:?}: no 不合格 {id}: {}", text(&ja)));
        let detail = line.split_once(&format!(" {id} ")).unwrap().1.trim();
        said_in_japanese(&format!("{ask:?} {id}"), detail, &english, &ev);
        // JSON never changes with the language.
        let j_ja = asked(ask, &json_args, &[]);
        assert_eq!(j_ja.status.code(), j_en.status.code());
        assert_eq!(json_masked(&j_ja), json_masked(&j_en), "{ask:?}");
    }
    english
}

fn upgrade_args(root: &Path, extra: &[&str]) -> Vec<String> {
    let mut v = strings(&["upgrade", "--dry-run", "--root", root.to_str().unwrap()]);
    v.extend(strings(extra));
    v
}

#[test]
fn an_interrupted_backup_is_said_in_japanese() {
    let root = common::scenario("4.2-sha1");
    let r = root.path().to_str().unwrap();
    // A re-sign killed half-way through its writes leaves its backup incomplete.
    let killed = asked(
        Ask::C,
        &strings(&["resign", "--all", "--yes", "--root", r]),
        &[("RHV_PKI_FAULT", "abort:20")],
    );
    assert!(killed.status.code().is_none(), "{}", text(&killed));
    let english = precheck_said(
        &upgrade_args(root.path(), &[]),
        "no-unfinished-change",
        |d| {
            // "backup ID (REASON, CREATED) was interrupted …": the id, the recorded reason and
            // time are evidence.
            let id = d
                .strip_prefix("backup ")
                .and_then(|s| s.split_once(" ("))
                .map(|(id, _)| id.to_string())
                .unwrap_or_else(|| panic!("{d}"));
            let inner = d.split_once(" (").unwrap().1.split_once(") ").unwrap().0;
            let (reason, created) = inner.rsplit_once(", ").unwrap();
            vec![id, reason.to_string(), created.to_string()]
        },
    );
    assert!(
        english.ends_with(") was interrupted and left the PKI half-written"),
        "{english}"
    );
}

#[test]
fn an_unreadable_password_file_is_said_in_japanese() {
    let root = common::scenario("4.2-sha1");
    let pw = root.path().join("no-such-password-file");
    let english = precheck_said(
        &upgrade_args(root.path(), &["--p12-password-file", pw.to_str().unwrap()]),
        "p12-password",
        |_| {
            vec![
                pw.display().to_string(),
                "No such file or directory (os error 2)".to_string(),
            ]
        },
    );
    assert_eq!(
        english,
        format!(
            "{}: cannot read password file: No such file or directory (os error 2)",
            pw.display()
        )
    );
}

#[test]
fn a_ca_file_the_managers_client_cannot_use_is_said_in_japanese() {
    let root = common::scenario("4.2-sha1");
    let pw = root.path().join("engine-password");
    std::fs::write(&pw, "secret\n").unwrap();
    let junk = root.path().join("junk-ca.pem");
    std::fs::write(&junk, "this is not a certificate\n").unwrap();
    let missing = root.path().join("no-such-ca.pem");
    for (ca, os) in [
        (&junk, None),
        (&missing, Some("No such file or directory (os error 2)")),
    ] {
        let english = precheck_said(
            &upgrade_args(
                root.path(),
                &[
                    "--engine-url",
                    "https://127.0.0.1:1",
                    "--ca-file",
                    ca.to_str().unwrap(),
                    "--password-file",
                    pw.to_str().unwrap(),
                ],
            ),
            "engine-reachable",
            |_| {
                let mut v = vec![ca.display().to_string()];
                v.extend(os.map(str::to_string));
                v
            },
        );
        assert!(
            english.starts_with(&format!("{}: ", ca.display())),
            "{english}"
        );
    }
}

/// Two clusters: in `Default` each host's VMs fill most of it (neither can go out: the N-1
/// memory rule), `Solo` has one host (the only Up host of its cluster).
const TIGHT: &str = r#"
version = "4.2"

[[clusters]]
name = "Default"
[[clusters]]
name = "Solo"

[[hosts]]
name = "h1"
memory_mib = 16384
[[hosts]]
name = "h2"
memory_mib = 16384
[[hosts]]
name = "h3"
cluster = "Solo"
memory_mib = 16384

[[vms]]
name = "big1"
host = "h1"
memory_mib = 12288
[[vms]]
name = "big2"
host = "h2"
memory_mib = 12288
"#;

#[test]
fn hosts_that_cannot_go_out_alone_are_said_in_japanese() {
    let sim = Sim::start("4.2-sha1", TIGHT, 0.01);
    let mut args = strings(&["upgrade", "--dry-run"]);
    args.extend(sim.engine_args());
    args.extend(strings(&["--probe-timeout", "5"]));
    let english = precheck_said(&args, "capacity", |_| {
        ["h1", "h2", "h3", "Default", "Solo", "12288", "MiB"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    });
    assert!(
        english.contains(
            "h1: its VMs (12288 MiB) do not fit in the other Up hosts of cluster Default"
        ) && english
            .contains("h3: the only Up host of cluster Solo: taking it out would leave none"),
        "{english}"
    );
}

/// The last line of `o`'s stdout starting with `prefix` (the English or Japanese word).
fn line_with<'a>(out: &'a str, pat: &str) -> &'a str {
    out.lines()
        .find(|l| l.contains(pat))
        .unwrap_or_else(|| panic!("no line with {pat:?} in:\n{out}"))
}

#[test]
fn the_discard_notice_the_saved_outcomes_and_the_stop_line_are_said_in_japanese() {
    // Two copies: the same failing run (the 12th write step fails, in the re-sign) in
    // English on one and in Japanese on the other.
    let en_root = common::scenario("4.2-sha1");
    let ja_root = common::scenario("4.2-sha1");
    let run = |ask: Ask, root: &Path, extra: &[&str], env: &[(&str, &str)]| {
        let mut v = strings(&["upgrade", "--root", root.to_str().unwrap()]);
        v.extend(strings(extra));
        asked(ask, &v, env)
    };
    let fault = [("RHV_PKI_FAULT", "fail:12")];
    let en = run(Ask::C, en_root.path(), &["--yes"], &fault);
    assert_eq!(en.status.code(), Some(1), "{}", text(&en));
    let ja = run(Ask::JaFlag, ja_root.path(), &["--yes"], &fault);
    assert_eq!(ja.status.code(), en.status.code(), "{}", text(&ja));
    let en_out = String::from_utf8_lossy(&en.stdout).to_string();
    let ja_out = String::from_utf8_lossy(&ja.stdout).to_string();
    // The stop line: what the re-sign said, in Japanese (its backup id is evidence).
    let en_stop = line_with(&en_out, "stopped at phase resign: ");
    assert!(
        en_stop.contains("injected fault at write step 12; everything was rolled back (backup "),
        "{en_out}"
    );
    let backup = |s: &str| {
        s.rsplit_once("(backup ")
            .or_else(|| s.rsplit_once("(バックアップ "))
            .map(|(_, b)| b.trim_end_matches(')').to_string())
            .unwrap_or_else(|| panic!("{s}"))
    };
    let ja_stop = line_with(&ja_out, "フェーズ resign で停止しました");
    said_in_japanese(
        "stop line",
        ja_stop,
        en_stop,
        &["resign", "12", &backup(ja_stop)],
    );

    // The state's table, from a second terminal, in both ways of asking Japanese: every
    // phase's outcome and the conditions' messages in Japanese.
    let status = |ask: Ask, root: &Path, format: &str| {
        asked(
            ask,
            &strings(&[
                "upgrade",
                "status",
                "--format",
                format,
                "--root",
                root.to_str().unwrap(),
            ]),
            &[],
        )
    };
    let en_table =
        String::from_utf8_lossy(&status(Ask::C, en_root.path(), "table").stdout).to_string();
    assert!(
        en_table.contains("6 of 12 checks passed, the rest do not apply"),
        "{en_table}"
    );
    for ask in JA {
        let o = status(ask, ja_root.path(), "table");
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let table = String::from_utf8_lossy(&o.stdout).to_string();
        for (phase, english) in [
            ("prechecks ", line_with(&en_table, "prechecks ")),
            ("resign ", line_with(&en_table, "resign ")),
        ] {
            let line = line_with(&table, phase);
            let b = if phase == "resign " {
                backup(line)
            } else {
                String::new()
            };
            said_in_japanese(
                &format!("{ask:?} {phase}"),
                line,
                english,
                &[phase.trim(), "6", "12", &b],
            );
        }
        let degraded = line_with(&table, "PhaseFailed");
        said_in_japanese(
            &format!("{ask:?} Degraded"),
            degraded,
            line_with(&en_table, "PhaseFailed"),
            &["Degraded", "True", "PhaseFailed", "resign", "12"],
        );
        // JSON is the same whatever the language.
        assert_eq!(
            status(ask, ja_root.path(), "json").stdout,
            status(Ask::C, ja_root.path(), "json").stdout
        );
    }

    // --discard-state: the notice, dry run and real, English exact and Japanese.
    for (dry, en_word) in [(true, "would discard"), (false, "discarding")] {
        let mut extra = vec!["--discard-state"];
        extra.push(if dry { "--dry-run" } else { "--yes" });
        let en = run(Ask::C, en_root.path(), &extra, &[]);
        let en_err = String::from_utf8_lossy(&en.stderr).to_string();
        let state = en_root
            .path()
            .join("var/lib/rhv-pki/backups/upgrade-state.json");
        let expected = format!(
            "rhv-pki upgrade: {en_word} the saved upgrade in {} (next phase was resign)",
            state.display()
        );
        assert!(en_err.lines().any(|l| l == expected), "{}", text(&en));
        let ja_state = ja_root
            .path()
            .join("var/lib/rhv-pki/backups/upgrade-state.json");
        let ja_expected_path = ja_state.display().to_string();
        let asks: &[Ask] = if dry { &JA } else { &[Ask::JaFlag] };
        for &ask in asks {
            let ja = run(ask, ja_root.path(), &extra, &[]);
            assert_eq!(ja.status.code(), en.status.code(), "{}", text(&ja));
            let err = String::from_utf8_lossy(&ja.stderr).to_string();
            let line = line_with(&err, &ja_expected_path);
            said_in_japanese(
                &format!("{ask:?} discard"),
                line,
                &expected,
                &["rhv-pki upgrade", &ja_expected_path, "resign"],
            );
        }
    }
    // Both ran to completion after the discard; a discard of a finished upgrade says so.
    let en = run(
        Ask::C,
        en_root.path(),
        &["--discard-state", "--dry-run"],
        &[],
    );
    let en_err = String::from_utf8_lossy(&en.stderr).to_string();
    let expected = line_with(&en_err, "(next phase was none: complete)").to_string();
    for ask in JA {
        let ja = run(ask, ja_root.path(), &["--discard-state", "--dry-run"], &[]);
        let err = String::from_utf8_lossy(&ja.stderr).to_string();
        let line = line_with(&err, "rhv-pki upgrade: ");
        said_in_japanese(
            &format!("{ask:?} discard complete"),
            line,
            &expected,
            &["rhv-pki upgrade"],
        );
    }
}

#[test]
fn upgrade_usage_errors_are_said_in_japanese() {
    let root = common::scenario("4.2-sha1");
    let r = root.path().to_str().unwrap();
    let state = root
        .path()
        .join("var/lib/rhv-pki/backups/upgrade-state.json");
    for (args, english, evidence) in [
        (
            strings(&["upgrade", "status", "--root", r]),
            format!("{}: no upgrade has been started here", state.display()),
            vec![state.display().to_string()],
        ),
        (
            strings(&["upgrade", "--dry-run", "--max-parallel", "0", "--root", r]),
            "--max-parallel must be at least 1".to_string(),
            vec!["--max-parallel".to_string()],
        ),
        // The state cannot be saved where --state says (no directory can be made in /proc,
        // not even by root): the run stops before its first phase.
        (
            strings(&[
                "upgrade",
                "--yes",
                "--state",
                "/proc/rhv-pki-nowhere/state.json",
                "--root",
                r,
            ]),
            "writing the report: /proc/rhv-pki-nowhere/state.json: cannot save the upgrade \
             state: /proc/rhv-pki-nowhere: No such file or directory (os error 2)"
                .to_string(),
            vec![
                "/proc/rhv-pki-nowhere/state.json".to_string(),
                "/proc/rhv-pki-nowhere:".to_string(),
                "No such file or directory (os error 2)".to_string(),
            ],
        ),
    ] {
        let en = asked(Ask::C, &args, &[]);
        let last = |o: &Output| {
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(
            last(&en),
            format!("rhv-pki: error: {english}"),
            "{}",
            text(&en)
        );
        assert_eq!(en.status.code(), Some(3), "{}", text(&en));
        let ev: Vec<&str> = evidence.iter().map(String::as_str).collect();
        for ask in JA {
            let ja = asked(ask, &args, &[]);
            assert_eq!(ja.status.code(), en.status.code());
            let line = last(&ja);
            let rest = line
                .strip_prefix("rhv-pki: エラー: ")
                .unwrap_or_else(|| panic!("{line}"));
            said_in_japanese(&format!("{ask:?}"), rest, &english, &ev);
        }
    }
}

/// `upgrade --yes` on `root` in `ask`'s language, held at the start of the final audit (the
/// test hook), stopped there by SIGTERM once the state says it is running.
fn stopped_by_sigterm(ask: Ask, root: &Path) -> Output {
    let mut c: Command = common::bin();
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
        .env("RHV_PKI_UPGRADE_HOLD", "final-audit")
        .env(
            "LANG",
            if ask == Ask::JaLocale {
                "ja_JP.UTF-8"
            } else {
                "C"
            },
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if ask == Ask::JaFlag {
        c.args(["--lang", "ja"]);
    }
    c.args(["upgrade", "--yes", "--root"]).arg(root);
    let child = c.spawn().unwrap();
    let state = root.join("var/lib/rhv-pki/backups/upgrade-state.json");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(100);
    loop {
        let running = std::fs::read(&state)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .is_some_and(|doc| {
                common::upgrade_phase_states(&doc).contains(&"final-audit=running".to_string())
            });
        if running {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the upgrade never reached the final audit"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    child.wait_with_output().unwrap()
}

#[test]
fn the_signal_notice_and_the_resume_are_said_in_japanese() {
    let en_root = common::scenario("4.2-sha1");
    let en = stopped_by_sigterm(Ask::C, en_root.path());
    assert_eq!(en.status.code(), Some(143), "{}", text(&en));
    let en_err = String::from_utf8_lossy(&en.stderr).to_string();
    let english = "rhv-pki upgrade: stopped by SIGTERM; the phase in progress is left running in \
                   the saved state: re-run the same command to resume it";
    assert!(en_err.lines().any(|l| l == english), "{}", text(&en));
    for ask in JA {
        let root = common::scenario("4.2-sha1");
        let ja = stopped_by_sigterm(ask, root.path());
        assert_eq!(ja.status.code(), en.status.code(), "{}", text(&ja));
        let err = String::from_utf8_lossy(&ja.stderr).to_string();
        let line = line_with(&err, "SIGTERM");
        said_in_japanese(
            &format!("{ask:?} signal"),
            line,
            english,
            &["rhv-pki upgrade", "SIGTERM"],
        );
        // A plain re-run resumes the final audit, in Japanese, and completes.
        let again = asked(
            ask,
            &strings(&["upgrade", "--yes", "--root", root.path().to_str().unwrap()]),
            &[],
        );
        assert_eq!(again.status.code(), Some(0), "{}", text(&again));
        let err = String::from_utf8_lossy(&again.stderr).to_string();
        let resuming = line_with(&err, "final-audit");
        assert!(
            japanese(resuming) && !resuming.contains("resuming"),
            "{resuming}"
        );
    }
}
