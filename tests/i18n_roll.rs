//! `rhv-pki hosts enroll` in Japanese (issue 19): the run's progress lines, a host's cycle
//! error, the result table, an interrupted run and a saved run's dry run say rhv-pki's own
//! words in Japanese under `LANG=ja_JP.UTF-8` and `--lang ja`, and quote host statuses,
//! endpoints, serials and the Manager's words as they came. The English output is what it
//! always was, the exit code and the JSON report do not change with the language. The real
//! binary against the shipped Manager simulator.

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::i18n::{japanese, words, Ask};
use common::sim::{three_hosts, Sim};
use common::text;

/// Nominal timings × this = the simulated cycle.
const SCALE: f64 = 0.01;

const JA: [Ask; 2] = [Ask::JaLocale, Ask::JaFlag];

/// The binary pointed at `sim`, asked in `ask`'s language, with `args`.
fn command(sim: &Sim, ask: Ask, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rhv-pki"));
    c.env("RHV_PKI_JOURNAL_SOCKET", "")
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
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
    c.args(args)
        .args(sim.engine_args())
        .args(["--probe-timeout", "5", "--poll-interval", "0.05"]);
    c
}

fn rhv(sim: &Sim, ask: Ask, args: &[&str]) -> Output {
    command(sim, ask, args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn endpoint(sim: &Sim, host: &str) -> String {
    sim.vdsm_endpoints()
        .into_iter()
        .find(|(n, _)| n == host)
        .map(|(_, e)| e)
        .unwrap()
}

/// The English words left in `out` (stdout or stderr of a Japanese run) once the `evidence`
/// (names, paths, endpoints, the Manager's words) is taken out; the command line that resumes
/// a run is evidence too, and vdsm is a name.
fn english_left(out: &str, evidence: &[String]) -> BTreeSet<String> {
    let mut left = BTreeSet::new();
    for line in out.lines() {
        let mut l = match line.find(": rhv-pki ") {
            Some(i) => line[..i].to_string(),
            None => line.to_string(),
        };
        // A host's status as the Manager names it: after the word for status, or in
        // parentheses after the host's name, or where it went from.
        for st in ["maintenance", "installing", "initializing", "unassigned"] {
            l = l
                .replace(&format!("状態 {st}"), " ")
                .replace(&format!("({st})"), " ")
                .replace(&format!("{st} から"), " ");
        }
        for e in evidence {
            l = l.replace(e.as_str(), " ");
        }
        left.extend(words(&l).into_iter().filter(|w| w != "vdsm"));
    }
    left
}

/// What a Japanese run may quote from the simulator: its paths, URL and endpoints.
fn sim_evidence(sim: &Sim) -> Vec<String> {
    let mut v = vec![
        sim.root.path().display().to_string(),
        sim.url(),
        format!("127.0.0.1:{}", sim.port),
    ];
    v.extend(sim.vdsm_endpoints().into_iter().map(|(_, e)| e));
    v
}

/// Every line of a Japanese run's output is rhv-pki's words in Japanese or evidence: no
/// English word of ours is left, and each `rhv-pki:` line that says more than names is
/// Japanese.
fn assert_japanese(o: &Output, evidence: &[String], what: &str) {
    assert_japanese_stderr(o, evidence, what);
    let left = english_left(&stdout(o), evidence);
    assert!(left.is_empty(), "{what}: English {left:?} in\n{}", text(o));
}

/// [`assert_japanese`] for standard error only (standard output is JSON).
fn assert_japanese_stderr(o: &Output, evidence: &[String], what: &str) {
    let all = stderr(o);
    let left = english_left(&all, evidence);
    assert!(left.is_empty(), "{what}: English {left:?} in\n{}", text(o));
    for line in stderr(o).lines() {
        let ours = line.strip_prefix("rhv-pki: ").unwrap_or(line);
        let stripped: String = evidence
            .iter()
            .fold(ours.to_string(), |l, e| l.replace(e.as_str(), ""));
        if stripped.chars().any(|c| c.is_alphabetic()) {
            assert!(japanese(ours), "{what}: not Japanese: {line}");
        }
    }
}

/// The JSON report with what differs from one simulator to another (paths, ports) replaced.
fn normalised_json(sim: &Sim, o: &Output) -> serde_json::Value {
    let mut s = stdout(o);
    for (name, ep) in sim.vdsm_endpoints() {
        s = s.replace(&ep, &format!("<vdsm {name}>"));
    }
    s = s
        .replace(&sim.root.path().display().to_string(), "<root>")
        .replace(&sim.url(), "<url>")
        .replace(&format!("127.0.0.1:{}", sim.port), "<connect>")
        // The command that resumes the run repeats the one given, `--lang` included.
        .replace("\"rhv-pki --lang ja ", "\"rhv-pki ");
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(o)))
}

/// The serials of a text report's result table: host → (old, new).
fn serials(o: &Output) -> Vec<(String, String, String)> {
    stdout(o)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let arrow = f.iter().position(|w| *w == "->")?;
            Some((
                f[0].to_string(),
                f[arrow - 1].to_string(),
                f[arrow + 1].to_string(),
            ))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------

#[test]
fn a_successful_run_says_its_progress_and_result_in_japanese_and_english_as_before() {
    let run = ["hosts", "enroll", "--all-hosts", "--yes"];
    // English, exactly as before.
    let sim = Sim::start("4.5-modern", &three_hosts(""), SCALE);
    let en = rhv(&sim, Ask::C, &run);
    assert_eq!(en.status.code(), Some(0), "{}", text(&en));
    let s = serials(&en);
    assert_eq!(s.len(), 3, "{}", text(&en));
    let new = |h: &str| s.iter().find(|(n, _, _)| n == h).unwrap().2.clone();
    let mut want = String::new();
    for (i, h) in ["host2", "host3", "host1"].iter().enumerate() {
        want.push_str(&format!("rhv-pki: wave {}/3: {h}\n", i + 1));
        if *h == "host1" {
            want.push_str("rhv-pki: host1: moving SPM — moving the SPM role first\n");
        }
        want.push_str(&format!(
            "rhv-pki: {h}: maintenance\nrhv-pki: {h}: enroll certificate\nrhv-pki: {h}: activate\n\
             rhv-pki: {h}: verifying vdsm — {}\nrhv-pki: {h}: done — serving serial {}\n",
            endpoint(&sim, h),
            new(h)
        ));
    }
    assert_eq!(stderr(&en), want);
    let en_json = rhv(&sim, Ask::C, &[&run[..], &["--format", "json"]].concat());
    assert_eq!(en_json.status.code(), Some(0), "{}", text(&en_json));
    let en_json = normalised_json(&sim, &en_json);

    for ask in JA {
        let sim = Sim::start("4.5-modern", &three_hosts(""), SCALE);
        let ja = rhv(&sim, ask, &run);
        assert_eq!(ja.status.code(), en.status.code(), "{ask:?}: {}", text(&ja));
        assert_japanese(&ja, &sim_evidence(&sim), &format!("{ask:?}"));
        let err = stderr(&ja);
        for (h, _, serial) in serials(&ja) {
            assert!(
                err.contains(&format!(
                    "rhv-pki: {h}: 完了 — シリアル {serial} の証明書を提示しています"
                )),
                "{ask:?}: {err}"
            );
        }
        assert!(
            err.contains("rhv-pki: host1: SPM を移動中 — 先に SPM の役割を移動します"),
            "{ask:?}: {err}"
        );
        assert!(
            err.contains(&format!("vdsm を検証中 — {}", endpoint(&sim, "host2"))),
            "{ask:?}: {err}"
        );
        // The JSON report does not change with the language.
        let ja_json = rhv(&sim, ask, &[&run[..], &["--format", "json"]].concat());
        assert_eq!(ja_json.status.code(), Some(0), "{}", text(&ja_json));
        assert_eq!(normalised_json(&sim, &ja_json), en_json, "{ask:?}");
    }
}

/// The line of `out` that starts with `prefix`.
fn line_of(out: &str, prefix: &str) -> String {
    out.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line {prefix:?} in\n{out}"))
        .to_string()
}

#[test]
fn a_host_whose_enrollment_fails_says_why_in_japanese_quoting_the_manager() {
    let scenario = three_hosts(
        r#"
[[faults]]
kind = "install_failed"
host = "host3"
count = 0
"#,
    );
    let run = ["hosts", "enroll", "--all-hosts", "--yes"];
    let sim = Sim::start("4.5-modern", &scenario, SCALE);
    let en = rhv(&sim, Ask::C, &run);
    assert_eq!(en.status.code(), Some(1), "{}", text(&en));
    // The English line, as it always was. Why the enrollment failed: event 882, whose
    // description is the Manager's words, or (when the host's status shows it first) the
    // host going from installing to install_failed.
    let ep3 = endpoint(&sim, "host3");
    let serves = format!("vdsm at {ep3} still serves the old certificate (serial 5002)");
    let whys = [
        event_882(&sim),
        "host went from installing to install_failed".to_string(),
    ];
    let failed = line_of(&stderr(&en), "rhv-pki: host3: FAILED — ");
    assert!(
        whys.iter().any(|why| failed
            == format!(
                "rhv-pki: host3: FAILED — Enroll Certificate failed (event 882): {why}; {serves}"
            )),
        "{failed}"
    );
    let row = line_of(&stdout(&en), "  host3 ");
    assert!(
        whys.iter().any(|why| row.ends_with(&format!(
            "5002 -> -  Enroll Certificate failed (event 882): {why}; {serves}"
        ))),
        "{row}"
    );
    let en_dry = rhv(
        &sim,
        Ask::C,
        &["hosts", "enroll", "--all-hosts", "--dry-run"],
    );
    assert_eq!(en_dry.status.code(), Some(0), "{}", text(&en_dry));
    // The resumed run fails again, JSON this time.
    let en_json = rhv(&sim, Ask::C, &[&run[..], &["--format", "json"]].concat());
    assert_eq!(en_json.status.code(), Some(1), "{}", text(&en_json));
    let en_json = without(normalised_json(&sim, &en_json), &whys);

    for ask in JA {
        let sim = Sim::start("4.5-modern", &scenario, SCALE);
        let ja = rhv(&sim, ask, &run);
        assert_eq!(ja.status.code(), en.status.code(), "{ask:?}: {}", text(&ja));
        let manager = event_882(&sim);
        let mut evidence = sim_evidence(&sim);
        evidence.push(manager.clone());
        assert_japanese(&ja, &evidence, &format!("{ask:?}"));
        let ep3 = endpoint(&sim, "host3");
        let serves = format!("。{ep3} の vdsm がまだ古い証明書 (シリアル 5002) を提示しています");
        let failed = line_of(&stderr(&ja), "rhv-pki: host3: 失敗 — ");
        let row = line_of(&stdout(&ja), "  host3 ");
        for l in [&failed, &row] {
            // The Manager's words (or the statuses), the endpoint and the serial as they came.
            assert!(
                [
                    manager.as_str(),
                    "ホストが installing から install_failed になりました"
                ]
                .iter()
                .any(|why| l.ends_with(&format!(
                    "証明書の登録が失敗しました (イベント 882): {why}{serves}"
                ))),
                "{ask:?}: {l}"
            );
        }
        // A saved run's dry run, in Japanese too.
        let dry = rhv(&sim, ask, &["hosts", "enroll", "--all-hosts", "--dry-run"]);
        assert_eq!(dry.status.code(), en_dry.status.code(), "{}", text(&dry));
        assert_japanese(&dry, &evidence, &format!("{ask:?} dry run"));
        // JSON: the same report, the English error included.
        let ja_json = rhv(&sim, ask, &[&run[..], &["--format", "json"]].concat());
        assert_eq!(ja_json.status.code(), Some(1), "{}", text(&ja_json));
        assert_japanese_stderr(&ja_json, &evidence, &format!("{ask:?} json stderr"));
        assert_eq!(
            without(normalised_json(&sim, &ja_json), &[manager, whys[1].clone()]),
            en_json,
            "{ask:?}"
        );
    }
}

/// The description of the Manager's last event 882 (Enroll Certificate failed) for host3.
fn event_882(sim: &Sim) -> String {
    let id = rhv_pki::sim::state::uuid_of("host", "host3");
    sim.get("/ovirt-engine/api/events")["event"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|e| {
            (e["code"] == 882 || e["code"] == "882") && e["host"]["id"].as_str() == Some(&id)
        })
        .filter_map(|e| e["description"].as_str().map(str::to_string))
        .next_back()
        .expect("an event 882 for host3")
}

/// `v` with each of `whys` (why an enrollment failed, which differs from run to run) said
/// `<why>`.
fn without(v: serde_json::Value, whys: &[String]) -> serde_json::Value {
    let mut s = v.to_string();
    for w in whys {
        s = s.replace(
            &serde_json::Value::from(w.as_str())
                .to_string()
                .trim_matches('"')
                .to_string(),
            "<why>",
        );
    }
    serde_json::from_str(&s).unwrap()
}

#[test]
fn a_host_stuck_before_maintenance_says_so_in_japanese_with_its_status() {
    let scenario = three_hosts(
        r#"
[[faults]]
kind = "stuck_preparing"
host = "host2"
count = 0
"#,
    );
    let run = [
        "hosts",
        "enroll",
        "--host",
        "host2",
        "--all-hosts",
        "--yes",
        "--maintenance-timeout",
        "0.5",
    ];
    let sim = Sim::start("4.5-modern", &scenario, SCALE);
    let en = rhv(&sim, Ask::C, &run);
    assert_eq!(en.status.code(), Some(1), "{}", text(&en));
    assert_eq!(
        line_of(&stderr(&en), "rhv-pki: host2: FAILED"),
        "rhv-pki: host2: FAILED — did not reach maintenance within 0 s (status preparing_for_maintenance); activated it again so it returns to up"
    );
    let en_json = rhv(&sim, Ask::C, &[&run[..], &["--format", "json"]].concat());
    assert_eq!(en_json.status.code(), Some(1), "{}", text(&en_json));
    let en_json = normalised_json(&sim, &en_json);
    for ask in JA {
        let sim = Sim::start("4.5-modern", &scenario, SCALE);
        let evidence = sim_evidence(&sim);
        let ja = rhv(&sim, ask, &run);
        assert_eq!(ja.status.code(), en.status.code(), "{ask:?}: {}", text(&ja));
        assert_japanese(&ja, &evidence, &format!("{ask:?}"));
        let failed = line_of(&stderr(&ja), "rhv-pki: host2: 失敗 — ");
        assert!(
            failed.contains("preparing_for_maintenance") && failed.contains("メンテナンスモード"),
            "{ask:?}: {failed}"
        );
        let row = line_of(&stdout(&ja), "  host2 ");
        assert!(row.contains("preparing_for_maintenance"), "{ask:?}: {row}");
        let ja_json = rhv(&sim, ask, &[&run[..], &["--format", "json"]].concat());
        assert_eq!(ja_json.status.code(), Some(1), "{}", text(&ja_json));
        assert_eq!(normalised_json(&sim, &ja_json), en_json, "{ask:?}");
    }
}

#[test]
fn install_failed_with_the_new_certificate_served_is_said_in_japanese() {
    let scenario = three_hosts(
        r#"
[[faults]]
kind = "install_failed_installed"
host = "host3"
count = 2
"#,
    );
    let run = ["hosts", "enroll", "--host", "host3", "--all-hosts", "--yes"];
    let sim = Sim::start("4.5-modern", &scenario, SCALE);
    let en = rhv(&sim, Ask::C, &run);
    assert_eq!(en.status.code(), Some(0), "{}", text(&en));
    let note = line_of(&stderr(&en), "rhv-pki: host3: enroll certificate — ");
    // Why the Manager says it failed: event 882's description (its words), or the host going
    // from installing to install_failed when its status shows that first.
    let why = note
        .strip_prefix("rhv-pki: host3: enroll certificate — the Manager says install_failed (")
        .and_then(|r| r.split_once("), but vdsm serves the new certificate (serial "))
        .unwrap_or_else(|| panic!("{note}"))
        .0
        .to_string();
    assert!(
        why == event_882(&sim) || why == "host went from installing to install_failed",
        "{note}"
    );
    assert!(
        stdout(&en)
            .contains("\n    (the Manager said install_failed; vdsm served the new certificate)\n"),
        "{}",
        text(&en)
    );
    for ask in JA {
        let sim = Sim::start("4.5-modern", &scenario, SCALE);
        let ja = rhv(&sim, ask, &run);
        assert_eq!(ja.status.code(), en.status.code(), "{ask:?}: {}", text(&ja));
        let manager = event_882(&sim);
        let mut evidence = sim_evidence(&sim);
        evidence.push(manager.clone());
        assert_japanese(&ja, &evidence, &format!("{ask:?}"));
        let note = line_of(&stderr(&ja), "rhv-pki: host3: 証明書の登録 — ");
        assert!(
            note.contains(&format!("install_failed と報告しました ({manager}) が"))
                || note.contains(
                    "install_failed と報告しました (ホストが installing から install_failed になりました) が"
                ),
            "{ask:?}: {note}"
        );
        let (_, _, serial) = serials(&ja)
            .into_iter()
            .find(|(h, _, _)| h == "host3")
            .unwrap();
        for e in ["install_failed", serial.as_str()] {
            assert!(note.contains(e), "{ask:?}: {e} not in {note}");
        }
        assert!(
            stdout(&ja).contains(
                "(Manager は install_failed と報告しましたが、vdsm は新しい証明書を提示しました)"
            ),
            "{ask:?}: {}",
            text(&ja)
        );
    }
}

/// Waits until the state file shows one host done and another enrolling (the second wave is
/// under way), then sends SIGTERM; returns the output.
fn interrupted_in_wave_two(sim: &Sim, ask: Ask) -> Output {
    let state = sim.root.path().join("var/lib/rhv-pki/enroll-state.json");
    let mut child = command(sim, ask, &["hosts", "enroll", "--all-hosts", "--yes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            panic!("rhv-pki ended ({st}) before the second wave enrolled");
        }
        assert!(Instant::now() < deadline, "the second wave never enrolled");
        let v: serde_json::Value = std::fs::read(&state)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let steps: Vec<String> = v["hosts"]
            .as_object()
            .map(|m| {
                m.values()
                    .map(|p| p["step"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default();
        if steps.iter().any(|s| s == "done") && steps.iter().any(|s| s == "enrolling") {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    child.wait_with_output().unwrap()
}

#[test]
fn an_interrupted_run_names_the_hosts_out_of_service_in_japanese() {
    let sim = Sim::start("4.5-modern", &three_hosts(""), 0.05);
    let en = interrupted_in_wave_two(&sim, Ask::C);
    assert_eq!(en.status.code(), Some(143), "{}", text(&en));
    let err = stderr(&en);
    assert!(err.contains("rhv-pki: interrupted by SIGTERM"), "{err}");
    assert!(err.contains("ATTENTION: host "), "{err}");
    assert!(err.contains(" — serving serial "), "{err}");
    let sim = Sim::start("4.5-modern", &three_hosts(""), 0.05);
    let ja = interrupted_in_wave_two(&sim, Ask::JaLocale);
    assert_eq!(ja.status.code(), en.status.code(), "{}", text(&ja));
    assert_japanese(&ja, &sim_evidence(&sim), "SIGTERM");
    let err = stderr(&ja);
    assert!(err.contains("SIGTERM により中断しました"), "{err}");
    assert!(
        err.contains("注意: この実行のサイクルの後、ホスト "),
        "{err}"
    );
    assert!(err.contains("の証明書を提示しています"), "{err}");
    // The saved run's dry run, and the resumed run, in Japanese as well.
    let dry = rhv(
        &sim,
        Ask::JaLocale,
        &["hosts", "enroll", "--all-hosts", "--dry-run"],
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    assert_japanese(&dry, &sim_evidence(&sim), "dry run");
    let again = rhv(
        &sim,
        Ask::JaFlag,
        &["hosts", "enroll", "--all-hosts", "--yes"],
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_japanese(&again, &sim_evidence(&sim), "resumed");
}

#[test]
fn a_saved_run_that_cannot_be_set_aside_says_why_in_japanese() {
    let sim = Sim::start(
        "4.5-modern",
        &three_hosts(
            r#"
[[faults]]
kind = "stuck_preparing"
host = "host2"
count = 0
"#,
        ),
        SCALE,
    );
    let run = [
        "hosts",
        "enroll",
        "--host",
        "host2",
        "--all-hosts",
        "--yes",
        "--maintenance-timeout",
        "0.5",
    ];
    // An unfinished run, saved.
    let first = rhv(&sim, Ask::C, &run);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    // Where it would be set aside is a directory that is not empty: the rename fails.
    let state = sim.root.path().join("var/lib/rhv-pki/enroll-state.json");
    let aside = sim
        .root
        .path()
        .join("var/lib/rhv-pki/enroll-state.json.discarded");
    std::fs::create_dir_all(aside.join("x")).unwrap();
    let saved = std::fs::read(&state).unwrap();
    let discard = [&run[..], &["--discard-state"]].concat();
    let os = std::io::Error::from_raw_os_error(libc::EISDIR).to_string();
    let en = rhv(&sim, Ask::C, &discard);
    assert_eq!(en.status.code(), Some(3), "{}", text(&en));
    let last = |o: &Output| stderr(o).lines().last().unwrap_or_default().to_string();
    assert_eq!(
        last(&en),
        format!(
            "rhv-pki: error: writing the report: {}: cannot set it aside: {os}",
            state.display()
        )
    );
    for ask in JA {
        let ja = rhv(&sim, ask, &discard);
        assert_eq!(ja.status.code(), en.status.code(), "{ask:?}: {}", text(&ja));
        let line = last(&ja);
        assert!(
            line.starts_with(&format!(
                "rhv-pki: エラー: レポートを書き込めません: {}: 退避できません: ",
                state.display()
            )) && line.contains(&os),
            "{ask:?}: {line}"
        );
        let mut evidence = sim_evidence(&sim);
        evidence.push(os.clone());
        assert_japanese(&ja, &evidence, &format!("{ask:?}"));
    }
    // Nothing was changed: the saved run is still there, as it was.
    assert_eq!(std::fs::read(&state).unwrap(), saved);
}
