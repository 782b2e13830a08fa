//! `rhv-pki upgrade` driven through the real binary on copies of the 4.2 SHA-1 sample: the plan
//! and pre-checks change nothing, a run completes and a re-run does nothing, failed pre-checks
//! are all reported at once, and after a failure or a kill in the re-sign a plain re-run
//! resumes exactly there (the openssl CLI judges the result).

mod common;

use std::path::Path;
use std::process::{Output, Stdio};

use common::*;

fn up(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = bin();
    c.arg("upgrade")
        .args(args)
        .arg("--root")
        .arg(root)
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn status(root: &Path) -> serde_json::Value {
    let o = bin()
        .args(["upgrade", "status", "--format", "json", "--root"])
        .arg(root)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .output()
        .unwrap();
    ok(&o);
    serde_json::from_slice(&o.stdout).unwrap()
}

fn condition(doc: &serde_json::Value, kind: &str) -> (String, String) {
    let c = doc["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {doc}"));
    (
        c["status"].as_str().unwrap().to_string(),
        c["reason"].as_str().unwrap().to_string(),
    )
}

/// The Manager-side certificates the resign phase must have re-signed with SHA-256.
const MANAGER_CERTS: [&str; 4] = [
    "ca.pem",
    "certs/engine.cer",
    "certs/apache.cer",
    "certs/jboss.cer",
];

#[test]
fn dry_run_prints_every_phase_and_precheck_and_changes_nothing() {
    let root = scenario("4.2-sha1");
    let before = tree_state(root.path());
    let o = up(root.path(), &["--dry-run"], &[]);
    ok(&o);
    let out = String::from_utf8_lossy(&o.stdout);
    for phase in [
        "prechecks",
        "conf",
        "resign",
        "cycle",
        "enroll",
        "final-audit",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(phase)),
            "{phase} missing:\n{out}"
        );
    }
    assert!(
        out.contains("set default_md = sha256 in openssl.conf (now sha1 at line 14)"),
        "{out}"
    );
    assert!(out.contains("PASS  p12-password"), "{out}");
    assert!(out.contains("SKIP  engine-reachable"), "{out}");
    assert_eq!(tree_state(root.path()), before, "a dry run wrote something");
    assert!(!root
        .path()
        .join("var/lib/rhv-pki/backups/upgrade-state.json")
        .exists());

    let o = up(root.path(), &["--dry-run", "--format", "json"], &[]);
    ok(&o);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(doc["kind"], "PkiUpgradePlan");
    assert_eq!(doc["plan"].as_array().unwrap().len(), 6);
    assert_eq!(doc["prechecks"].as_array().unwrap().len(), 12);
    assert_eq!(doc["plan"][3]["will"], "skip", "no cycle on a copy: {doc}");
    assert_eq!(tree_state(root.path()), before);
}

#[test]
fn a_run_on_the_sha1_sample_completes_and_a_rerun_does_nothing() {
    let root = scenario("4.2-sha1");
    std::fs::create_dir_all(root.path().join("var/lib/ovirt-engine/backups")).unwrap();
    let o = up(root.path(), &["--yes"], &[]);
    ok(&o);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("upgrade complete"), "{}", text(&o));
    let pki = pki(root.path());
    for c in MANAGER_CERTS {
        assert_eq!(sig_alg(&pki.join(c)), "sha256WithRSAEncryption", "{c}");
    }
    let conf = std::fs::read_to_string(pki.join("openssl.conf")).unwrap();
    assert!(
        conf.lines().any(|l| l.trim() == "default_md = sha256"),
        "{conf}"
    );

    let doc = status(root.path());
    assert_eq!(
        common::upgrade_phase_states(&doc),
        [
            "prechecks=done",
            "conf=done",
            "resign=done",
            "cycle=skipped",
            "enroll=skipped",
            "final-audit=done"
        ]
    );
    assert_eq!(
        condition(&doc, "Complete"),
        ("True".into(), "AllPhasesFinished".into())
    );
    assert_eq!(condition(&doc, "Degraded").0, "False");

    // engine-setup's backup directory points at rhv-pki's backup, with the undo command.
    let pointers: Vec<_> = std::fs::read_dir(root.path().join("var/lib/ovirt-engine/backups"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(pointers.len(), 1);
    let p = std::fs::read_to_string(pointers[0].path()).unwrap();
    let name = pointers[0].file_name().to_string_lossy().to_string();
    let id = name
        .trim_start_matches("rhv-pki-pki-")
        .trim_end_matches(".txt");
    assert!(p.contains(&format!("rhv-pki rollback {id}")), "{p}");
    assert!(root
        .path()
        .join("var/lib/rhv-pki/backups")
        .join(id)
        .is_dir());

    // A second run: complete, nothing written.
    let after = tree_state(root.path());
    let o = up(root.path(), &["--yes"], &[]);
    ok(&o);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("is complete; nothing to do"),
        "{}",
        text(&o)
    );
    assert_eq!(tree_state(root.path()), after);
}

#[test]
fn failed_prechecks_are_all_reported_at_once_and_nothing_changes() {
    let root = scenario("4.2-sha1");
    let pw = root.path().join("wrong-password");
    std::fs::write(&pw, "not-the-password\n").unwrap();
    // A regular file where the backups would go: not a directory rhv-pki can write into.
    let backups = root.path().join("not-a-dir");
    std::fs::write(&backups, "x").unwrap();
    let before = tree_state(root.path());
    let o = up(
        root.path(),
        &[
            "--yes",
            "--p12-password-file",
            pw.to_str().unwrap(),
            "--backup-dir",
            backups.to_str().unwrap(),
            "--state",
            root.path().join("state.json").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let fails: Vec<&str> = out.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(fails.len(), 2, "{out}");
    assert!(
        fails[0].contains("p12-password") && fails[0].contains("opens none"),
        "{out}"
    );
    assert!(
        fails[1].contains("backup-writable") && fails[1].contains("not-a-dir"),
        "{out}"
    );
    assert_eq!(
        out.matches("fix: ").count(),
        2,
        "each failure says its fix:\n{out}"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("2 pre-check(s) failed; nothing was changed")
    );
    assert_eq!(tree_state(root.path()), before);
}

#[test]
fn a_failed_resign_is_resumed_there_without_repeating_the_conf_phase() {
    let root = scenario("4.2-sha1");
    // The 12th write step fails: conf's transaction has fewer, so it falls in resign's.
    let o = up(root.path(), &["--yes"], &[("RHV_PKI_FAULT", "fail:12")]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let doc = status(root.path());
    assert_eq!(
        common::upgrade_phase_states(&doc)[..3],
        ["prechecks=done", "conf=done", "resign=failed"],
        "{doc}"
    );
    assert_eq!(
        condition(&doc, "Degraded"),
        ("True".into(), "PhaseFailed".into())
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("re-run the same command to resume"));
    // Rolled back by resign itself: still SHA-1, openssl.conf already sha256.
    assert_eq!(
        sig_alg(&pki(root.path()).join("certs/engine.cer")),
        "sha1WithRSAEncryption"
    );
    let conf_after_first = std::fs::read(pki(root.path()).join("openssl.conf")).unwrap();

    let o = up(root.path(), &["--yes"], &[]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("phase conf"), "conf ran again:\n{err}");
    assert!(err.contains("phase resign"), "{err}");
    assert!(err.contains("resuming the saved upgrade"), "{}", text(&o));
    assert_eq!(
        std::fs::read(pki(root.path()).join("openssl.conf")).unwrap(),
        conf_after_first
    );
    for c in MANAGER_CERTS {
        assert_eq!(
            sig_alg(&pki(root.path()).join(c)),
            "sha256WithRSAEncryption",
            "{c}"
        );
    }
    assert_eq!(condition(&status(root.path()), "Complete").0, "True");
}

#[test]
fn a_kill_during_resign_leaves_it_running_and_a_rerun_undoes_and_completes_it() {
    let root = scenario("4.2-sha1");
    let o = up(root.path(), &["--yes"], &[("RHV_PKI_FAULT", "abort:20")]);
    assert!(
        o.status.code().is_none(),
        "killed by a signal: {}",
        text(&o)
    );
    let doc = status(root.path());
    assert_eq!(
        common::upgrade_phase_states(&doc)[..3],
        ["prechecks=done", "conf=done", "resign=running"],
        "{doc}"
    );
    assert_eq!(
        condition(&doc, "Progressing"),
        ("True".into(), "PhaseRunning".into())
    );

    let o = up(root.path(), &["--yes"], &[]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("phase conf"), "{err}");
    for c in MANAGER_CERTS {
        assert_eq!(
            sig_alg(&pki(root.path()).join(c)),
            "sha256WithRSAEncryption",
            "{c}"
        );
    }
    let doc = status(root.path());
    assert_eq!(common::upgrade_phase_states(&doc)[2], "resign=done");
    assert_eq!(condition(&doc, "Complete").0, "True");
    // The interrupted transaction is recorded as undone, the finished one as committed.
    let b = bin()
        .args(["backups", "--format", "json", "--root"])
        .arg(root.path())
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
    let states: Vec<&str> = list["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["state"].as_str().unwrap())
        .collect();
    assert!(!states.contains(&"incomplete"), "{list}");
}

#[test]
fn json_output_is_one_document_and_status_needs_a_started_upgrade() {
    let root = scenario("4.2-sha1");
    let o = bin()
        .args(["upgrade", "status", "--root"])
        .arg(root.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no upgrade has been started here"));

    let o = up(root.path(), &["--yes", "--format", "json"], &[]);
    ok(&o);
    // The phases' own reports went to stderr: stdout parses as exactly one document.
    let doc: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
    assert_eq!(doc["kind"], "PkiUpgrade");
    assert_eq!(doc["result"], "complete");
    assert_eq!(doc["conditions"].as_array().unwrap().len(), 4);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("applied:"),
        "{}",
        text(&o)
    );
}

/// The display column where the `n`-th cell (0-based) of an aligned table line starts: the
/// width of what precedes it, double-width characters counted twice.
fn column_of(line: &str, n: usize) -> usize {
    let mut col = 0;
    let mut cells = 0;
    let mut prev_space = false;
    for ch in line.chars() {
        let space = ch == ' ';
        if !space && prev_space {
            cells += 1;
        }
        if cells == n && !space {
            return col;
        }
        col += rhv_pki::i18n::width(ch.encode_utf8(&mut [0; 4]));
        prev_space = space;
    }
    usize::MAX
}

#[test]
fn japanese_output_is_japanese_and_aligned_and_json_does_not_change_with_the_locale() {
    let root = scenario("4.2-sha1");
    let ja = [("LANG", "ja_JP.UTF-8")];
    // The plan and the pre-checks, in Japanese, with a failing check to show its fix.
    let pw = root.path().join("wrong-password");
    std::fs::write(&pw, "nope\n").unwrap();
    let wrong = ["--dry-run", "--p12-password-file", pw.to_str().unwrap()];
    let o = up(root.path(), &wrong, &ja);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for word in [
        "計画",
        "事前チェック",
        "合格",
        "不合格",
        "対象外",
        "ドライラン: 何も変更していません",
    ] {
        assert!(out.contains(word), "{word} missing:\n{out}");
    }
    assert!(
        out.contains("対処: ストアのパスワードを --p12-password-file で指定してください"),
        "{out}"
    );
    assert!(
        !out.contains("PASS  ") && !out.contains("fix:") && !out.starts_with("PLAN"),
        "{out}"
    );
    // Aligned for double-width characters: every check's id starts in the same column.
    let checks: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "事前チェック")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with(' '))
        .collect();
    assert_eq!(checks.len(), 12, "{out}");
    let cols: Vec<usize> = checks.iter().map(|l| column_of(l, 1)).collect();
    assert!(cols.iter().all(|c| *c == cols[0]), "{cols:?}\n{out}");
    // The plan's and the checks' details are worded in Japanese too: no English sentence of
    // the English run's plan or checks is left (the evidence inside them, paths and numbers,
    // stays as is). The wrong password's own reason is OpenSSL's and stays English.
    for english in [
        "every pre-check",
        "nothing changes",
        "set default_md",
        "re-sign (keeping keys)",
        "no services to restart",
        "the hosts are left to a later",
        "audit the PKI again",
        "is readable",
        "the CA private key is present",
        "no interrupted change is pending",
        "is writable",
        "bytes free",
        "the hosts are not part of this run",
    ] {
        assert!(!out.contains(english), "{english:?} left in:\n{out}");
    }
    // The English run says the same in English, ids and details unchanged.
    let en = up(root.path(), &wrong, &[("LANG", "C")]);
    let en_text = String::from_utf8_lossy(&en.stdout).to_string();
    for english in [
        "every pre-check",
        "set default_md",
        "is readable",
        "bytes free",
    ] {
        assert!(
            en_text.contains(english),
            "{english:?} missing in English:\n{en_text}"
        );
    }
    let en_out = String::from_utf8_lossy(&en.stdout);
    assert!(en_out.contains("PASS  pki-readable"), "{en_out}");
    assert!(en_out.contains("fix: give the stores' password with --p12-password-file"));

    // JSON never changes with the locale. The dry run's one live figure (free bytes where
    // the backups go) is read twice, so it is masked; everything else is compared as bytes.
    let mask = |b: &[u8]| {
        let s = String::from_utf8_lossy(b).to_string();
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
    };
    let j_ja = up(root.path(), &["--dry-run", "--format", "json"], &ja);
    let j_en = up(root.path(), &["--dry-run", "--format", "json"], &[]);
    ok(&j_ja);
    assert_eq!(mask(&j_ja.stdout), mask(&j_en.stdout));
    assert!(!String::from_utf8_lossy(&j_ja.stdout).contains("計画"));

    // A run, then its status from a second terminal: the table in Japanese and aligned, the
    // JSON byte for byte the same in both locales.
    let o = up(root.path(), &["--yes"], &ja);
    ok(&o);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("アップグレードが完了しました"),
        "{}",
        text(&o)
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("rhv-pki upgrade: フェーズ resign"),
        "{}",
        text(&o)
    );
    let st = |lang: &str, format: &str| {
        let o = bin()
            .args(["upgrade", "status", "--format", format, "--root"])
            .arg(root.path())
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .output()
            .unwrap();
        ok(&o);
        o.stdout
    };
    assert_eq!(st("ja_JP.UTF-8", "json"), st("C", "json"));
    let table = String::from_utf8(st("ja_JP.UTF-8", "table")).unwrap();
    let phases: Vec<&str> = table.lines().take(7).collect();
    assert!(phases[0].starts_with("フェーズ"), "{table}");
    assert!(
        table.contains("完了") && table.contains("省略済み"),
        "{table}"
    );
    // The conditions' messages too (types and reasons are identifiers and stay).
    assert!(
        table.contains("AllPhasesFinished")
            && table.contains("すべてのフェーズが完了または省略されました"),
        "{table}"
    );
    let cols: Vec<usize> = phases.iter().map(|l| column_of(l, 1)).collect();
    assert!(cols.iter().all(|c| *c == cols[0]), "{cols:?}\n{table}");
    let en_table = String::from_utf8(st("C", "table")).unwrap();
    assert!(en_table.starts_with("PHASE"), "{en_table}");
}
