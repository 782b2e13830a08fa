//! Alerting outputs judged by the real tools: promtool parses the textfile and tests the
//! rules, systemd-analyze verifies the units, Nagios lines follow the plugin guidelines.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn audit(root: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["audit", "--root", root.to_str().unwrap(), "--at", AT];
    args.extend_from_slice(extra);
    let o = run(&args);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

fn contrib() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib")
}

fn promtool(args: &[&str], stdin: Option<&str>) -> (bool, String) {
    use std::io::Write;
    let mut c = Command::new("promtool");
    c.args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut ch = c
        .spawn()
        .expect("promtool (scripts/setup.sh installs prometheus)");
    if let Some(s) = stdin {
        ch.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    } else {
        drop(ch.stdin.take());
    }
    let o = ch.wait_with_output().unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

#[test]
fn textfile_is_valid_exposition_and_written_atomically() {
    let root = scenario("expired");
    let dir = tempfile::tempdir().unwrap();
    let (code, _) = audit(
        root.path(),
        &[
            "--format",
            "json",
            "--textfile-dir",
            dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["rhv_pki.prom"], "no temp file left behind");
    let text = std::fs::read_to_string(dir.path().join("rhv_pki.prom")).unwrap();
    let (ok, out) = promtool(&["check", "metrics"], Some(&text));
    assert!(ok, "promtool check metrics: {out}");
    // An expired certificate keeps its series (alerts must not vanish after expiry).
    let engine = text
        .lines()
        .find(|l| {
            l.starts_with("rhv_pki_cert_not_after_timestamp_seconds{")
                && l.contains("path=\"certs/engine.cer\"")
        })
        .expect("expired engine cert still exported");
    // notAfter 2026-09-01T00:00:00Z
    assert!(engine.ends_with(" 1788220800"), "{engine}");
    assert!(text.contains("rhv_pki_finding{host=\"engine-old.example.test\",role=\"engine\",path=\"certs/engine.cer\",code=\"expired\",severity=\"critical\"} 1"));
    assert!(text
        .contains("rhv_pki_finding_active{host=\"engine-old.example.test\",code=\"expired\"} 1"));
    assert!(text.contains(
        "rhv_pki_finding_active{host=\"engine-old.example.test\",code=\"sha1-signature\"} 0"
    ));
    assert!(text.contains(
        "rhv_pki_last_success_timestamp_seconds{host=\"engine-old.example.test\"} 1793491200"
    ));
    // Host certificates are labelled with their host.
    assert!(
        text.contains("scope=\"host\",host=\"host1.example.test\""),
        "{text}"
    );
}

#[test]
fn scan_error_counter_accumulates_across_runs() {
    let root = scenario("broken");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let total = |t: &str| -> u64 {
        t.lines()
            .find(|l| l.starts_with("rhv_pki_scan_errors_total{"))
            .and_then(|l| l.rsplit(' ').next())
            .unwrap()
            .parse()
            .unwrap()
    };
    audit(root.path(), &["--format", "nagios", "--textfile-dir", d]);
    let first = total(&std::fs::read_to_string(dir.path().join("rhv_pki.prom")).unwrap());
    assert!(
        first >= 3,
        "truncated PEM, garbage, wrong password: {first}"
    );
    audit(root.path(), &["--format", "nagios", "--textfile-dir", d]);
    let second = total(&std::fs::read_to_string(dir.path().join("rhv_pki.prom")).unwrap());
    assert_eq!(second, 2 * first);
}

#[test]
fn prometheus_on_stdout_passes_promtool_for_every_scenario() {
    for s in [
        "4.2-sha1",
        "4.4-mixed",
        "4.5-modern",
        "expiring",
        "expired-ca",
        "third-party-apache",
        "broken",
    ] {
        let root = scenario(s);
        let (_, text) = audit(root.path(), &["--format", "prometheus"]);
        let (ok, out) = promtool(&["check", "metrics"], Some(&text));
        assert!(ok, "{s}: {out}");
        let weak = text
            .lines()
            .filter(|l| l.starts_with("rhv_pki_cert_weak_signature{") && l.ends_with(" 1"))
            .count();
        match s {
            "4.2-sha1" => assert_eq!(weak, 8, "{s}"),
            "4.5-modern" => assert_eq!(weak, 0, "{s}"),
            _ => {}
        }
    }
}

#[test]
fn rules_pass_promtool_check_and_unit_tests() {
    let rules = contrib().join("prometheus/rhv-pki.rules.yml");
    let (ok, out) = promtool(&["check", "rules", rules.to_str().unwrap()], None);
    assert!(ok, "{out}");
    let t = contrib().join("prometheus/rhv-pki.rules.test.yml");
    let (ok, out) = promtool(&["test", "rules", t.to_str().unwrap()], None);
    assert!(ok && out.contains("SUCCESS"), "{out}");
}

#[test]
fn nagios_line_follows_the_plugin_guidelines() {
    let re_ok = |l: &str| -> bool {
        // STATE: text | 'label'=value;warn;crit;; ...
        let Some((state, rest)) = l.split_once(": ") else {
            return false;
        };
        if !["OK", "WARNING", "CRITICAL", "UNKNOWN"].contains(&state) {
            return false;
        }
        let Some((_, perf)) = rest.split_once(" | ") else {
            return false;
        };
        perf.split(' ').all(|p| {
            let Some((label, vals)) = p.split_once('=') else {
                return false;
            };
            let v: Vec<&str> = vals.split(';').collect();
            label.starts_with('\'')
                && label.ends_with('\'')
                && v.len() == 5
                && v[0].parse::<i64>().is_ok()
                && range_alerts(v[1], 0).is_some()
                && range_alerts(v[2], 0).is_some()
        })
    };
    // Which perfdata values a grapher would flag, by the plugin guidelines' range rules.
    let flagged = |line: &str, which: usize| -> Vec<String> {
        let perf = line.split_once(" | ").map(|x| x.1).unwrap_or("");
        perf.split(' ')
            .filter(|p| {
                let v: Vec<&str> = p.split_once('=').unwrap().1.split(';').collect();
                range_alerts(v[which], v[0].parse().unwrap()).unwrap()
            })
            .map(str::to_string)
            .collect()
    };
    for (s, want_code, want_state) in [
        ("4.5-modern", 0, "OK"),
        ("4.2-sha1", 1, "WARNING"),
        ("expiring", 2, "CRITICAL"),
    ] {
        let root = scenario(s);
        let (code, out) = audit(root.path(), &["--format", "nagios"]);
        assert_eq!(code, want_code, "{s}: {out}");
        assert_eq!(out.lines().count(), 1, "{s}: one line: {out}");
        let line = out.trim_end();
        assert!(line.starts_with(&format!("{want_state}: ")), "{line}");
        assert!(re_ok(line), "{s}: malformed: {line}");
        if want_state == "OK" {
            // Days left is "bad when low": a healthy certificate is outside every range.
            assert_eq!(flagged(line, 1), Vec::<String>::new(), "{line}");
        }
    }
    let root = scenario("expiring");
    let (_, out) = audit(root.path(), &["--format", "nagios"]);
    assert!(
        out.contains("'apache:certs/apache.cer'=20;60:;30:;;"),
        "{out}"
    );
    assert!(
        flagged(out.trim_end(), 2).contains(&"'apache:certs/apache.cer'=20;60:;30:;;".to_string()),
        "{out}"
    );
    // A missing PKI dir is UNKNOWN (3).
    let o = run(&[
        "audit",
        "--pki-dir",
        "/nonexistent/pki",
        "--format",
        "nagios",
    ]);
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn config_file_sets_thresholds_per_role_class_and_flags_win() {
    let root = scenario("expiring");
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    // Web certificates: warn at 10 days, crit at 5 → apache (20 d) and websocket-proxy (45 d) are fine.
    std::fs::write(&cfg, "[thresholds.web]\nwarn_days = 10\ncrit_days = 5\n").unwrap();
    let c = cfg.to_str().unwrap();
    let (_, doc) = audit_json(root.path(), &["--config", c]);
    assert!(
        !has(&doc, "expiring", "certs/apache.cer"),
        "{}",
        codes(&doc)
    );
    let (_, out) = audit(root.path(), &["--config", c, "--format", "nagios"]);
    assert!(
        out.contains("'apache:certs/apache.cer'=20;10:;5:;;"),
        "{out}"
    );
    // The CA class can be stricter than the default: 7300-day CA, warn at 6000 days.
    std::fs::write(&cfg, "[thresholds.ca]\nwarn_days = 6000\ncrit_days = 30\n").unwrap();
    let (_, doc) = audit_json(root.path(), &["--config", c]);
    assert_eq!(severity_of(&doc, "expiring", "ca.pem"), "warning");
    // Flags win over the file's defaults.
    std::fs::write(&cfg, "[thresholds]\nwarn_days = 10\ncrit_days = 5\n").unwrap();
    let (_, doc) = audit_json(
        root.path(),
        &["--config", c, "--crit-days", "25", "--warn-days", "50"],
    );
    assert_eq!(
        severity_of(&doc, "expiring", "certs/apache.cer"),
        "critical"
    );
    // Bad files: clear error naming the file, exit 3.
    for bad in [
        "[thresholds]\nwarn = 3\n",
        "not toml [",
        "[thresholds.host]\nwarn_days = 1\ncrit_days = 9\n",
    ] {
        std::fs::write(&cfg, bad).unwrap();
        let o = run(&[
            "audit",
            "--root",
            root.path().to_str().unwrap(),
            "--config",
            c,
        ]);
        assert_eq!(o.status.code(), Some(3), "{bad}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("config.toml"),
            "{bad}"
        );
    }
    let o = run(&[
        "audit",
        "--root",
        root.path().to_str().unwrap(),
        "--config",
        "/nonexistent/c.toml",
    ]);
    assert_eq!(o.status.code(), Some(3));
    // The shipped example is valid.
    let ex = contrib().join("config.toml.example");
    let (code, out) = audit(root.path(), &["--config", ex.to_str().unwrap()]);
    assert!(code == 1 || code == 2, "{out}");
}

#[test]
fn systemd_units_verify() {
    let dir = tempfile::tempdir().unwrap();
    // The man page the units point at, generated from the clap definitions.
    let man1 = dir.path().join("man/man1");
    std::fs::create_dir_all(&man1).unwrap();
    let o = run(&["generate", "man"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains(".TH rhv-pki 1"));
    std::fs::write(man1.join("rhv-pki.1"), &o.stdout).unwrap();
    let exe = env!("CARGO_BIN_EXE_rhv-pki");
    let mut units = Vec::new();
    for u in [
        "rhv-pki-audit.service",
        "rhv-pki-audit.timer",
        "rhv-pki-renew.service",
        "rhv-pki-renew.timer",
    ] {
        let t = std::fs::read_to_string(contrib().join("systemd").join(u)).unwrap();
        let p = dir.path().join(u);
        std::fs::write(&p, t.replace("/usr/bin/rhv-pki", exe)).unwrap();
        units.push(p);
    }
    let o = Command::new("systemd-analyze")
        .arg("verify")
        .args(&units)
        .env("MANPATH", dir.path().join("man"))
        .env("SYSTEMD_LOG_LEVEL", "warning")
        .output()
        .expect("systemd-analyze (scripts/setup.sh installs systemd)");
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && !out.contains("rhv-pki-"),
        "systemd-analyze verify:\n{out}"
    );
    // Audit unit never mutates; renew is a separate unit.
    let audit_unit =
        std::fs::read_to_string(contrib().join("systemd/rhv-pki-audit.service")).unwrap();
    assert!(audit_unit.contains("ExecStart=/usr/bin/rhv-pki audit "));
    assert!(!audit_unit.contains("renew") && !audit_unit.contains("resign"));
}

/// `Key=` values of a unit file (comments skipped).
fn unit_values(unit: &str, key: &str) -> Vec<String> {
    unit.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.strip_prefix(&format!("{key}=")))
        .map(str::to_string)
        .collect()
}

#[test]
fn audit_unit_starts_without_node_exporter_and_takes_the_textfile_dir_from_config() {
    let unit = std::fs::read_to_string(contrib().join("systemd/rhv-pki-audit.service")).unwrap();
    // systemd refuses to start a unit whose ReadWritePaths= does not exist, unless "-".
    let rw = unit_values(&unit, "ReadWritePaths");
    assert!(!rw.is_empty(), "{unit}");
    for v in &rw {
        for p in v.split_whitespace() {
            assert!(p.starts_with('-'), "ReadWritePaths={p} without '-': {unit}");
        }
    }
    // ExecStart names no directory: the path comes from config.toml.
    let exec = unit_values(&unit, "ExecStart");
    assert_eq!(exec.len(), 1, "{unit}");
    let argv: Vec<&str> = exec[0].split_whitespace().collect();
    assert!(!argv.contains(&"--textfile-dir"), "{exec:?}");
    assert_eq!(argv[0], "/usr/bin/rhv-pki");
    // Run the unit's own command line with a config that sets textfile_dir, and without one.
    let root = scenario("4.5-modern");
    let dir = tempfile::tempdir().unwrap();
    let metrics = dir.path().join("node-exporter");
    std::fs::create_dir(&metrics).unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[audit]\npki_dir = \"{}\"\n[prometheus]\ntextfile_dir = \"{}\"\n",
            pki(root.path()).display(),
            metrics.display()
        ),
    )
    .unwrap();
    let o = bin()
        .args(&argv[1..])
        .args(["--config", cfg.to_str().unwrap(), "--at", AT])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("OK: "));
    let prom = std::fs::read_to_string(metrics.join("rhv_pki.prom")).unwrap();
    assert!(
        prom.contains("rhv_pki_cert_not_after_timestamp_seconds"),
        "{prom}"
    );
    std::fs::write(
        &cfg,
        format!("[audit]\npki_dir = \"{}\"\n", pki(root.path()).display()),
    )
    .unwrap();
    std::fs::remove_file(metrics.join("rhv_pki.prom")).unwrap();
    let o = bin()
        .args(&argv[1..])
        .args(["--config", cfg.to_str().unwrap(), "--at", AT])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(!metrics.join("rhv_pki.prom").exists());
}

#[test]
fn unknown_always_answers_on_stdout_nagios_line_and_json_document() {
    let root = scenario("4.2-sha1");
    let r = root.path().to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bad_cfg = dir.path().join("config.toml");
    std::fs::write(&bad_cfg, "not toml [").unwrap();
    let bad_cfg = bad_cfg.to_str().unwrap();
    let missing = dir.path().join("no-such-dir");
    let missing = missing.to_str().unwrap();
    // Every way the audit cannot run: exit 3, one `UNKNOWN: reason` line on stdout.
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["audit", "--pki-dir", "/nonexistent/pki"],
            "/nonexistent/pki",
        ),
        (
            vec!["audit", "--root", r, "--config", bad_cfg],
            "config.toml",
        ),
        (vec!["audit", "--root", r, "--at", "yesterday"], "--at"),
        (
            vec!["audit", "--root", r, "--warn-days", "5", "--crit-days", "9"],
            "--crit-days",
        ),
        (
            vec!["audit", "--root", r, "--warn-days", "x"],
            "--warn-days",
        ),
        (
            vec!["audit", "--root", r, "--no-such-flag"],
            "--no-such-flag",
        ),
        (
            vec![
                "audit",
                "--root",
                r,
                "--p12-password-file",
                "/nonexistent/pw",
            ],
            "/nonexistent/pw",
        ),
    ];
    for (args, why) in &cases {
        let mut a = args.clone();
        a.extend(["--format", "nagios"]);
        let o = run(&a);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(3), "{a:?}: {out}");
        assert_eq!(out.lines().count(), 1, "{a:?}: one line: {out}");
        assert!(
            out.starts_with("UNKNOWN: ") && out.contains(why),
            "{a:?}: {out}"
        );
        assert!(!out.trim_end().contains('|'), "{a:?}: no perfdata: {out}");
        // JSON: a document carrying the error.
        let mut a = args.clone();
        a.extend(["--format", "json"]);
        let o = run(&a);
        assert_eq!(o.status.code(), Some(3), "{a:?}");
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{a:?}: not JSON ({e}): {:?}", o.stdout));
        assert_eq!(doc["kind"], "PkiAudit");
        assert_eq!(doc["summary"]["status"], "UNKNOWN");
        assert_eq!(doc["summary"]["exitCode"], 3);
        assert!(doc["error"].as_str().unwrap().contains(why), "{doc:#}");
    }
    // A textfile directory that does not exist: the Nagios line comes first, as UNKNOWN with
    // the audit's own summary and perfdata; the textfile error follows on stderr.
    let o = run(&[
        "audit",
        "--root",
        r,
        "--at",
        AT,
        "--format",
        "nagios",
        "--textfile-dir",
        missing,
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(3), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("UNKNOWN: ") && out.contains("rhv_pki.prom"),
        "{out}"
    );
    assert!(out.contains("(audit: WARNING: "), "{out}");
    assert!(out.contains(" | 'ca:ca.pem'="), "perfdata kept: {out}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write rhv_pki.prom"));
    // --post-events to a Manager that cannot be reached: the same single UNKNOWN line.
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "secret\n").unwrap();
    let pw = pw.to_str().unwrap();
    let unreachable = [
        "audit",
        "--root",
        r,
        "--at",
        AT,
        "--post-events",
        "--engine-url",
        "https://127.0.0.1:1",
        "--password-file",
        pw,
        "--format",
    ];
    let o = run(&[&unreachable[..], &["nagios"]].concat());
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(3), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("UNKNOWN: --post-events: "), "{out}");
    assert!(out.contains("(audit: WARNING: "), "{out}");
    let o = run(&[&unreachable[..], &["json"]].concat());
    assert_eq!(o.status.code(), Some(3));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        doc["error"].as_str().unwrap().contains("--post-events"),
        "{doc:#}"
    );
    // JSON: the whole report plus the error.
    let o = run(&[
        "audit",
        "--root",
        r,
        "--at",
        AT,
        "--format",
        "json",
        "--textfile-dir",
        missing,
    ]);
    assert_eq!(o.status.code(), Some(3));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        doc["error"].as_str().unwrap().contains("rhv_pki.prom"),
        "{doc:#}"
    );
    assert!(!doc["certificates"].as_array().unwrap().is_empty());
}

#[test]
fn completions_are_generated_from_the_cli() {
    for (shell, needle) in [("bash", "resign"), ("zsh", "renew"), ("fish", "rollback")] {
        let o = run(&["generate", shell]);
        assert!(o.status.success(), "{shell}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains(needle),
            "{shell}"
        );
    }
}

/// Nagios plugin range semantics (`10`, `10:`, `~:10`, `10:20`, `@10:20`): `Some(true)` when
/// `v` raises the alert, `None` for a malformed range.
fn range_alerts(r: &str, v: i64) -> Option<bool> {
    let (inside, r) = match r.strip_prefix('@') {
        Some(x) => (true, x),
        None => (false, r),
    };
    let (lo, hi) = match r.split_once(':') {
        Some((a, b)) => (a, b),
        None => ("0", r),
    };
    let lo = match lo {
        "~" => i64::MIN,
        "" => 0,
        x => x.parse().ok()?,
    };
    let hi = match hi {
        "" => i64::MAX,
        x => x.parse().ok()?,
    };
    let within = lo <= v && v <= hi;
    Some(if inside { within } else { !within })
}

#[test]
fn man_pages_cover_every_subcommand_and_render() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["generate", "man", "--out-dir", dir.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for page in [
        "rhv-pki.1",
        "rhv-pki-audit.1",
        "rhv-pki-resign.1",
        "rhv-pki-renew.1",
        "rhv-pki-rollback.1",
        "rhv-pki-hosts-enroll.1",
        "rhv-pki-hosts-recover.1",
        "rhv-pki-maintenance-on.1",
    ] {
        let p = dir.path().join(page);
        assert!(p.is_file(), "{page} written");
    }
    // man(1) itself renders the audit page, options and all.
    let o = Command::new("man")
        .args(["-l", "-P", "cat"])
        .arg(dir.path().join("rhv-pki-audit.1"))
        .env("MANWIDTH", "100")
        .output()
        .expect("man");
    let page = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && page.contains("--warn-days"), "{page}");
    // --out-dir is for man pages, and must be a directory.
    assert_eq!(
        run(&["generate", "bash", "--out-dir", "/tmp"])
            .status
            .code(),
        Some(3)
    );
    assert_eq!(
        run(&["generate", "man", "--out-dir", "/nonexistent/dir"])
            .status
            .code(),
        Some(3)
    );
}
