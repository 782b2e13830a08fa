//! Japanese on the change side, driven through the real binary: the plans of `resign --all`,
//! `renew` and `conf` dry runs on every sample, `hosts enroll`'s plan against the simulator,
//! `maintenance status`, and every command's `--help`. The language comes from `--lang ja` or
//! `LANG=ja_JP.UTF-8` (installed on the machine or not); tables line up by display width (a
//! kanji takes two columns); JSON documents and exit codes are the same in every language.

mod common;
use common::text;

use std::collections::BTreeSet;
use std::process::{Command, Output};

use rhv_pki::i18n::width;

/// How the language is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    /// `LANG=C`: English.
    C,
    /// `LANG=ja_JP.UTF-8`.
    JaLocale,
    /// `--lang ja` (with `LANG=C`).
    JaFlag,
}

const ASKS: [Ask; 3] = [Ask::C, Ask::JaLocale, Ask::JaFlag];

fn cmd(ask: Ask, args: &[&str]) -> Command {
    let mut c = common::bin();
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
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
    c
}

fn run(ask: Ask, args: &[&str]) -> Output {
    cmd(ask, args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn samples() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(common::fixtures())
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("etc/pki/ovirt-engine").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    assert!(v.len() >= 8, "{v:?}");
    v
}

/// The three runs of `args` (one per way of asking), started together so that the dry runs
/// read the same second of the clock (a new certificate's dates are "now" + validity): a trio
/// that straddles a second is run again. Returns the runs whose JSON documents were
/// byte-identical, or fails after five trios that never were.
fn json_trio(args: &[&str]) -> Vec<Output> {
    let mut last = Vec::new();
    for _ in 0..5 {
        let children: Vec<_> = ASKS
            .iter()
            .map(|a| {
                cmd(*a, args)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        if outs.iter().all(|o| o.stdout == outs[0].stdout) {
            return outs;
        }
        last = outs;
    }
    panic!(
        "{args:?}: --format json differs between LANG=C, LANG=ja_JP.UTF-8 and --lang ja:\n{}\n---\n{}\n---\n{}",
        text(&last[0]),
        text(&last[1]),
        text(&last[2])
    );
}

/// The English words of `s`: lowercase ASCII-letter runs of 3 or more, not part of a
/// technical token (one with `_ . - # / : = >` or a digit or an uppercase letter:
/// `default_md`, `rhv-pki`, `notAfter`, `RSA-2048` stay as they are in every language).
fn words(s: &str) -> BTreeSet<String> {
    s.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '[' | ']' | '\'' | '"')
    })
    .map(|t| t.trim_end_matches([':', '.', '!', '?']))
    .filter(|t| t.len() >= 3 && t.chars().all(|c| c.is_ascii_lowercase()))
    // Terms the Japanese text keeps as they are (products' and tools' own names).
    .filter(|t| !matches!(*t, "legacy" | "keytool" | "ssh" | "vmconsole" | "apache"))
    .map(str::to_string)
    .collect()
}

/// Every string of a JSON document but its sentences (the `reason`, `reasons`, `notes` and
/// `detail` the library writes in English): the evidence (names, paths, services, serials)
/// a Japanese text shows as the English one does.
fn json_evidence(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_evidence(x, out)),
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                if !matches!(k.as_str(), "reason" | "reasons" | "notes" | "detail") {
                    json_evidence(x, out);
                }
            }
        }
        _ => {}
    }
}

/// The English words of `en` (a command's English output) still in `ja` (the same command's
/// Japanese output), beyond the evidence both show: the JSON document's values and the
/// command line. Empty when every sentence of the plan was said in Japanese.
fn english_left(ja: &str, en: &str, doc: &serde_json::Value, args: &[&str]) -> BTreeSet<String> {
    let mut ev = Vec::new();
    json_evidence(doc, &mut ev);
    ev.extend(args.iter().map(|a| a.to_string()));
    let allowed: BTreeSet<String> = ev.iter().flat_map(|e| words(e)).collect();
    // A command in backquotes is a command in every language.
    let prose = |s: &str| -> String { s.split('`').step_by(2).collect::<Vec<_>>().join(" ") };
    words(&prose(ja))
        .intersection(&words(&prose(en)))
        .filter(|w| !allowed.contains(*w))
        .cloned()
        .collect()
}

/// The display column where `needle` starts in `line` (None when absent).
fn col(line: &str, needle: &str) -> Option<usize> {
    line.find(needle).map(|i| width(&line[..i]))
}

/// Checks the Japanese plan table of a `resign` / `renew` dry run against its JSON plan: the
/// header is Japanese, and in every row each column starts at the display column of its
/// header; the "理由:" line starts at the second column.
fn check_plan_table(what: &str, ja: &str, plan: &serde_json::Value) {
    assert!(ja.contains("の計画"), "{what}:\n{ja}");
    let items = plan["items"].as_array().unwrap();
    if items.is_empty() {
        assert!(!ja.contains("名前 "), "{what}:\n{ja}");
        return;
    }
    let lines: Vec<&str> = ja.lines().collect();
    let hi = lines
        .iter()
        .position(|l| l.contains("名前") && l.contains("シリアル"))
        .unwrap_or_else(|| panic!("{what}: no Japanese table header:\n{ja}"));
    let header = lines[hi];
    let heads = [
        "名前",
        "シリアル",
        "署名アルゴリズム",
        "有効期限",
        "鍵",
        "P12",
    ];
    let hcols: Vec<usize> = heads.iter().map(|h| col(header, h).unwrap()).collect();
    assert!(
        hcols.windows(2).all(|w| w[0] < w[1]),
        "{what}: {hcols:?}\n{ja}"
    );
    let key_words = [("kept", "保持"), ("new", "新規")];
    for it in items {
        let name = it["name"].as_str().unwrap();
        let row = lines
            .iter()
            .skip(hi + 1)
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{what}: no row for {name}:\n{ja}"));
        let serial = format!(
            "{} -> {}",
            it["oldSerial"].as_str().unwrap(),
            it["newSerial"].as_str().unwrap()
        );
        let sig = format!("{} -> sha256", it["oldSignature"].as_str().unwrap());
        let na = format!(
            "{} -> {}",
            &it["oldNotAfter"].as_str().unwrap()[..10],
            &it["newNotAfter"].as_str().unwrap()[..10]
        );
        let key = key_words
            .iter()
            .find(|(k, _)| it["key"] == *k)
            .map(|(_, j)| *j)
            .unwrap();
        let cells = [name, serial.as_str(), sig.as_str(), na.as_str(), key];
        for (i, cell) in cells.iter().enumerate() {
            assert_eq!(
                col(row, cell),
                Some(hcols[i]),
                "{what}: {name}: column {} ({cell:?}) is not under {}\n{header}\n{row}\n{ja}",
                i,
                heads[i]
            );
        }
        // P12: the last column, after the key word.
        let p12 = it["p12Format"].as_str().unwrap_or("-");
        let kpos = row.find(key).unwrap() + key.len();
        let p12_at = row[kpos..].find(p12).map(|i| width(&row[..kpos + i]));
        assert_eq!(
            p12_at,
            Some(hcols[5]),
            "{what}: {name}: P12\n{header}\n{row}"
        );
        // The reason, under the second column.
        let ri = lines.iter().position(|l| *l == *row).unwrap();
        assert_eq!(
            col(lines[ri + 1], "理由: "),
            Some(hcols[1]),
            "{what}: {name}: reason line\n{row}\n{}",
            lines[ri + 1]
        );
    }
}

#[test]
fn change_dry_runs_render_japanese_aligned_plans_and_the_same_json_in_every_language() {
    // English words of the English plans looked for in the Japanese ones (beyond evidence).
    let mut looked_for = 0;
    for sample in samples() {
        let root = common::fixtures().join(&sample);
        let r = root.to_str().unwrap();
        for (what, args) in [
            ("resign", vec!["resign", "--all", "--dry-run", "--root", r]),
            (
                "resign --force",
                vec!["resign", "--all", "--force", "--dry-run", "--root", r],
            ),
            (
                "resign named",
                vec!["resign", "ca", "engine", "--dry-run", "--root", r],
            ),
            ("renew", vec!["renew", "--dry-run", "--root", r]),
            ("conf", vec!["conf", "--dry-run", "--root", r]),
        ] {
            let what = format!("{sample}: {what}");
            let mut jargs = args.clone();
            jargs.extend(["--format", "json"]);
            let outs = json_trio(&jargs);
            let codes: BTreeSet<Option<i32>> = outs.iter().map(|o| o.status.code()).collect();
            assert_eq!(codes.len(), 1, "{what}: exit codes differ: {codes:?}");
            let en = run(Ask::C, &args);
            let ja_locale = run(Ask::JaLocale, &args);
            let ja_flag = run(Ask::JaFlag, &args);
            assert_eq!(
                en.status.code(),
                outs[0].status.code(),
                "{what}: {}",
                text(&en)
            );
            for ja in [&ja_locale, &ja_flag] {
                assert_eq!(ja.status.code(), en.status.code(), "{what}: {}", text(ja));
            }
            if en.status.code() != Some(0) {
                // A sample the command refuses (its message is the error line's, not this
                // test's): the codes above are all that must agree.
                continue;
            }
            let doc: serde_json::Value = serde_json::from_slice(&outs[0].stdout)
                .unwrap_or_else(|e| panic!("{what}: {e}\n{}", text(&outs[0])));
            let plan = &doc["plan"];
            let en_text = stdout(&en);
            let ja_text = stdout(&ja_flag);
            assert!(en_text.contains(": plan for "), "{what}:\n{en_text}");
            assert!(!ja_text.contains(": plan for "), "{what}:\n{ja_text}");
            if plan["conf"].is_object() {
                assert!(ja_text.contains("行目: default_md"), "{what}:\n{ja_text}");
            }
            if plan["items"].as_array().unwrap().is_empty() && plan["conf"].is_null() {
                assert!(
                    ja_text.contains("何もする必要はありません"),
                    "{what}:\n{ja_text}"
                );
            }
            for k in plan["skipped"].as_array().unwrap() {
                let line = format!("除外 {}: ", k["name"].as_str().unwrap());
                assert!(ja_text.contains(&line), "{what}: {line}\n{ja_text}");
            }
            if !plan["services"].as_array().unwrap().is_empty() {
                assert!(
                    ja_text.contains("後で再起動するサービス: "),
                    "{what}:\n{ja_text}"
                );
            }
            check_plan_table(&what, &ja_text, plan);
            // Every sentence of the plan (reasons, skips, notes) is said in Japanese: no
            // English word of the English plan is left beyond the evidence both show.
            let left = english_left(&ja_text, &en_text, &doc, &args);
            assert!(
                left.is_empty(),
                "{what}: English words {left:?} left in the Japanese plan:\n{ja_text}"
            );
            looked_for += english_left(&en_text, &en_text, &doc, &args).len();
            // The locale and the flag say the same (same second: the dates are the JSON's).
            let same = |s: &str| {
                s.lines()
                    .filter(|l| !l.contains("T") || !l.contains("Z"))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                same(&stdout(&ja_locale)),
                same(&ja_text),
                "{what}: LANG=ja_JP.UTF-8 and --lang ja differ"
            );
        }
    }
    eprintln!("{looked_for} English words looked for in the Japanese plans");
    assert!(looked_for >= 500, "{looked_for}");
}

#[test]
fn the_english_plan_is_unchanged_and_lc_all_c_beats_a_japanese_lang() {
    let root = common::fixtures().join("4.2-sha1");
    let r = root.to_str().unwrap();
    // LC_ALL=C wins over LANG=ja_JP.UTF-8, as gettext reads them.
    let o = cmd(
        Ask::JaLocale,
        &["resign", "--all", "--dry-run", "--root", r],
    )
    .env("LC_ALL", "C")
    .output()
    .unwrap();
    common::ok(&o);
    let t = stdout(&o);
    assert!(t.contains("rhv-pki resign --dry-run: plan for "), "{t}");
    assert!(
        t.contains(
            "  NAME                   SERIAL        SIGNATURE                                    NOT AFTER                KEY   P12\n"
        ),
        "{t}"
    );
    assert!(t.contains("  services to restart afterwards: "), "{t}");
    // LC_MESSAGES=ja_JP.UTF-8 over LANG=C.
    let o = cmd(Ask::C, &["resign", "--all", "--dry-run", "--root", r])
        .env("LC_MESSAGES", "ja_JP.UTF-8")
        .output()
        .unwrap();
    common::ok(&o);
    assert!(stdout(&o).contains("署名アルゴリズム"), "{}", text(&o));
}

#[test]
fn maintenance_status_speaks_japanese_and_its_json_does_not() {
    // No hosted engine can be found or ruled out here: the reason is printed.
    let en = run(Ask::C, &["maintenance", "status"]);
    let ja = run(Ask::JaFlag, &["maintenance", "status"]);
    assert_eq!(en.status.code(), ja.status.code(), "{}", text(&ja));
    let (e, j) = (stdout(&en), stdout(&ja));
    if e.contains("not ruled out") {
        assert!(j.contains("セルフホストエンジンを検出できず"), "{j}");
        assert!(j.contains("グローバルメンテナンス"), "{j}");
    }
    assert_ne!(e, j);
    let je = run(Ask::C, &["maintenance", "status", "--format", "json"]);
    let jj = run(
        Ask::JaLocale,
        &["maintenance", "status", "--format", "json"],
    );
    assert_eq!(je.stdout, jj.stdout, "{}\n{}", text(&je), text(&jj));
    assert_eq!(je.status.code(), jj.status.code());
}

/// The subcommands listed under "Commands:" / "コマンド:" of a help text.
fn subcommands(help: &str, heading: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for l in help.lines() {
        if l == heading {
            inside = true;
            continue;
        }
        if inside {
            if !l.starts_with("  ") {
                break;
            }
            let name = l.split_whitespace().next().unwrap_or_default();
            if name != "help" {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// The help texts of an English `--help`: the indented description lines.
fn descriptions(help: &str) -> Vec<String> {
    help.lines()
        .filter(|l| l.starts_with("          ") && !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .filter(|l| l.len() > 24 && !l.starts_with('['))
        .collect()
}

#[test]
fn every_command_s_help_is_japanese_under_ja_and_english_otherwise() {
    let mut todo: Vec<Vec<String>> = vec![Vec::new()];
    let mut seen = 0;
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let en = run(Ask::C, &args);
        common::ok(&en);
        let en_t = stdout(&en);
        for ask in [Ask::JaLocale, Ask::JaFlag] {
            let ja = run(ask, &args);
            common::ok(&ja);
            let ja_t = stdout(&ja);
            let at = format!("{path:?} ({ask:?})");
            assert!(ja_t.contains("使い方: rhv-pki"), "{at}:\n{ja_t}");
            assert!(!ja_t.contains("Usage:"), "{at}:\n{ja_t}");
            assert!(!ja_t.contains("Options:"), "{at}:\n{ja_t}");
            assert!(!ja_t.contains("Print help"), "{at}:\n{ja_t}");
            // The first line (the about) is Japanese: it has characters wider than ASCII.
            let about = ja_t.lines().next().unwrap_or_default();
            assert!(width(about) > about.chars().count(), "{at}: {about}");
            // No English help text of this command survives.
            for d in descriptions(&en_t) {
                assert!(!ja_t.contains(&d), "{at}: untranslated: {d}\n{ja_t}");
            }
            assert_eq!(
                subcommands(&ja_t, "コマンド:"),
                subcommands(&en_t, "Commands:"),
                "{at}"
            );
        }
        assert!(en_t.contains("Usage: rhv-pki"), "{path:?}:\n{en_t}");
        seen += 1;
        for sc in subcommands(&en_t, "Commands:") {
            let mut p = path.clone();
            p.push(sc);
            todo.push(p);
        }
    }
    assert!(seen >= 20, "{seen} commands");
    // The man page and the completions stay English.
    let man = run(Ask::JaFlag, &["generate", "man"]);
    common::ok(&man);
    let m = stdout(&man);
    assert!(
        m.contains("renew the X.509 PKI of an oVirt / RHV Manager"),
        "{m}"
    );
    assert!(!m.contains("監査"), "man page translated");
}

#[test]
fn an_enroll_plan_against_the_simulator_is_japanese_aligned_and_its_json_the_same() {
    use common::sim::{three_hosts, Sim};
    let sim = Sim::start("4.5-modern", &three_hosts(""), 0.01);
    let args = |json: bool| {
        let mut v = vec![
            "hosts".to_string(),
            "enroll".into(),
            "--dry-run".into(),
            "--all-hosts".into(),
            "--max-parallel".into(),
            "1".into(),
            "--probe-timeout".into(),
            "5".into(),
        ];
        v.extend(sim.engine_args());
        if json {
            v.extend(["--format".to_string(), "json".to_string()]);
        }
        v
    };
    let a = args(false);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let j = args(true);
    let j: Vec<&str> = j.iter().map(String::as_str).collect();
    let en = run(Ask::C, &a);
    common::ok(&en);
    let ja = run(Ask::JaLocale, &a);
    common::ok(&ja);
    let jf = run(Ask::JaFlag, &a);
    common::ok(&jf);
    let (e, t) = (stdout(&en), stdout(&ja));
    assert!(e.contains("Plan: 3 host(s) in 3 wave(s)"), "{e}");
    assert!(
        t.contains(
            "計画: 3 台のホストを 3 回の波で処理します。同時にサービスから外すのは最大 1 台です。"
        ),
        "{t}"
    );
    for i in 1..=3 {
        assert!(t.contains(&format!("  波 {i}:\n")), "{t}");
    }
    assert!(t.contains("SPM: 先に役割を移動"), "{t}");
    // The planner's reason ("selected": --all-hosts), shown translated.
    assert!(t.contains("\n      選択\n"), "{t}");
    assert!(t.contains("仮想マシン 1 台、2048 MiB を移行"), "{t}");
    assert_eq!(t, stdout(&jf), "LANG=ja_JP.UTF-8 and --lang ja differ");
    // The host rows: "クラスター", "シリアル" and the first tag at the same display column in
    // every row.
    let rows: Vec<&str> = t.lines().filter(|l| l.contains(" クラスター ")).collect();
    assert_eq!(rows.len(), 3, "{t}");
    for w in ["クラスター", "シリアル"] {
        let cols: BTreeSet<Option<usize>> = rows.iter().map(|r| col(r, w)).collect();
        assert_eq!(cols.len(), 1, "{w} not aligned: {cols:?}\n{t}");
    }
    let tags: BTreeSet<Option<usize>> = rows
        .iter()
        .map(|r| col(r, "SPM: ").or_else(|| col(r, "仮想マシン")))
        .collect();
    assert_eq!(tags.len(), 1, "tags not aligned: {tags:?}\n{t}");
    // The same JSON plan, whatever the language (its createdAt is the clock's second: the
    // three runs start together, see json_trio).
    let outs = json_trio(&j);
    common::ok(&outs[0]);
    let plan: serde_json::Value = serde_json::from_slice(&outs[0].stdout).unwrap();
    assert_eq!(plan["kind"], "EnrollPlan", "{plan}");
}

/// Hosts `hosts enroll` leaves out, one of each reason: a VM load the cluster cannot take
/// (host1), a pinned VM (host2), a non-responsive and an install_failed host, the only Up host
/// of a cluster (b1).
const LEFT_OUT: &str = r#"
[[clusters]]
name = "Default"
[[clusters]]
name = "Edge"
[[hosts]]
name = "host1"
cluster = "Default"
memory_mib = 32768
[[hosts]]
name = "host2"
cluster = "Default"
memory_mib = 8192
[[hosts]]
name = "host3"
cluster = "Default"
memory_mib = 8192
[[hosts]]
name = "a4"
cluster = "Default"
status = "non_responsive"
[[hosts]]
name = "a5"
cluster = "Default"
status = "install_failed"
[[hosts]]
name = "b1"
cluster = "Edge"
[[vms]]
name = "big"
host = "host1"
memory_mib = 30720
[[vms]]
name = "db7"
host = "host2"
memory_mib = 1024
affinity = "pinned"
"#;

#[test]
fn the_hosts_enroll_leaves_out_say_why_in_japanese() {
    use common::sim::Sim;
    let sim = Sim::start("4.5-modern", LEFT_OUT, 0.01);
    let mut args: Vec<String> = ["hosts", "enroll", "--dry-run", "--all-hosts"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(sim.engine_args());
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut j = a.clone();
    j.extend(["--format", "json"]);
    let doc = run(Ask::C, &j);
    common::ok(&doc);
    let doc: serde_json::Value = serde_json::from_slice(&doc.stdout).unwrap();
    let en = run(Ask::C, &a);
    common::ok(&en);
    let ja = run(Ask::JaFlag, &a);
    common::ok(&ja);
    let (e, t) = (stdout(&en), stdout(&ja));
    // Every kind of reason is there (in the English JSON), each said in Japanese.
    let why = |n: &str| {
        doc["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == n)
            .map(|s| s["reason"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("{n} not left out: {doc}"))
    };
    for (host, english, japanese) in [
        ("host1", "do not fit", "他の Up のホストに収まりません"),
        (
            "host2",
            "is pinned to this host",
            "このホストに固定されています",
        ),
        (
            "a4",
            "non_responsive: the Manager cannot reach it",
            "Manager がホストに接続できません",
        ),
        (
            "a5",
            "status is install_failed",
            "ステータスが install_failed です",
        ),
        (
            "b1",
            "the only Up host of cluster Edge",
            "クラスター Edge で唯一の Up のホストです",
        ),
    ] {
        assert!(why(host).contains(english), "{host}: {}", why(host));
        assert!(t.contains(japanese), "{host}: {japanese:?} missing:\n{t}");
    }
    let left = english_left(&t, &e, &doc, &a);
    assert!(left.is_empty(), "English words {left:?} left in:\n{t}");
    let n = english_left(&e, &e, &doc, &a).len();
    assert!(n >= 30, "{n}: {e}");
}

#[test]
fn the_maintenance_cycle_reports_in_japanese_with_the_same_json() {
    use common::manager::Manager;
    let m = Manager::start(
        "4.2-sha1",
        &[
            ("httpd", "enabled", true),
            ("ovirt-engine", "masked", false),
        ],
    );
    let ep = m.httpd_ep();
    let path = format!(
        "{}:{}",
        m.shims().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let args = |extra: &[&str]| {
        let mut v: Vec<String> = [
            "maintenance",
            "restart",
            "ca",
            "--root",
            m.root_str(),
            "--cycle",
            "--he-host",
            "localhost",
            "--endpoint",
            &ep,
            "--verify-timeout",
            "30",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let go = |ask: Ask, extra: &[&str]| {
        let a = args(extra);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        cmd(ask, &a)
            .env("PATH", &path)
            .env_remove("RHV_PKI_FAULT")
            .output()
            .unwrap()
    };
    // The dry run: the cycle's plan, Japanese; its JSON the same in both languages.
    let d = go(Ask::JaLocale, &["--dry-run"]);
    common::ok(&d);
    let t = stdout(&d);
    assert!(
        t.contains("  サイクル: グローバルメンテナンス: localhost 上の hosted-engine"),
        "{t}"
    );
    let line = |head: &str, unit: &str| {
        t.lines()
            .any(|l| l.starts_with(head) && l.contains(&format!(" {unit} ")))
    };
    assert!(line("  サイクル: 再起動 ", "httpd"), "{t}");
    assert!(line("  サイクル: 対象外 ", "ovirt-engine"), "{t}");
    assert!(t.contains("マスクされています"), "{t}");
    assert!(t.contains("  サイクル: 検証"), "{t}");
    let je = go(Ask::C, &["--dry-run", "--format", "json"]);
    let jj = go(Ask::JaFlag, &["--dry-run", "--format", "json"]);
    common::ok(&je);
    assert_eq!(stdout(&je), stdout(&jj));
    assert!(m.calls().iter().all(|c| !c.contains("systemctl restart")));
    // The real run: maintenance on, httpd restarted, the endpoint verified, maintenance off.
    let r = go(Ask::JaFlag, &[]);
    let t = stdout(&r);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r));
    assert!(t.contains("サイクル: 対象外 ovirt-engine"), "{t}");
    assert!(t.contains("サイクル: グローバルメンテナンス有効化"), "{t}");
    assert!(t.contains("サイクル: 再起動 httpd"), "{t}");
    assert!(t.contains(" 成功"), "{t}");
    assert!(t.contains("エンドポイント "), "{t}");
    assert!(t.contains(" 最新 "), "{t}");
    assert!(t.contains("現在のグローバルメンテナンス: 無効"), "{t}");
    assert!(!t.contains("cycle:") && !t.contains(" ok"), "{t}");
    assert!(!m.gm());
    // Every "サイクル:" event line has its result at one display column.
    let results: BTreeSet<Option<usize>> = t
        .lines()
        .filter(|l| l.starts_with("サイクル: ") && !l.starts_with("サイクル: 対象外"))
        .map(|l| col(l, "成功"))
        .collect();
    assert_eq!(results.len(), 1, "{results:?}\n{t}");
}

#[test]
fn a_change_and_its_rollback_report_in_japanese() {
    let root = common::scenario("4.2-sha1");
    let backups = tempfile::tempdir().unwrap();
    let (r, b) = (
        root.path().to_str().unwrap(),
        backups.path().to_str().unwrap(),
    );
    let before = common::tree_state(&common::pki(root.path()));
    let o = run(
        Ask::JaLocale,
        &["resign", "apache", "--yes", "--root", r, "--backup-dir", b],
    );
    common::ok(&o);
    let t = stdout(&o);
    assert!(t.contains("rhv-pki resign: "), "{t}");
    assert!(t.contains(" の計画 (ENGINE_FQDN "), "{t}");
    assert!(t.contains("適用しました: "), "{t}");
    assert!(
        t.contains("個のファイルを書き込みました。バックアップ "),
        "{t}"
    );
    assert!(t.contains("(元に戻すには: rhv-pki rollback --root "), "{t}");
    assert!(!t.contains("applied:"), "{t}");
    let d = run(
        Ask::JaFlag,
        &["rollback", "--dry-run", "--root", r, "--backup-dir", b],
    );
    common::ok(&d);
    let t = stdout(&d);
    assert!(t.starts_with("rhv-pki rollback --dry-run: "), "{t}");
    assert!(t.contains(" から復元します"), "{t}");
    let o = run(
        Ask::JaFlag,
        &["rollback", "--yes", "--root", r, "--backup-dir", b],
    );
    common::ok(&o);
    let t = stdout(&o);
    assert!(t.contains("から復元しました: "), "{t}");
    assert!(
        t.contains("復元したファイルを使用するサービスを再起動してください:\n  systemctl restart "),
        "{t}"
    );
    assert_eq!(common::tree_state(&common::pki(root.path())), before);
}

#[test]
fn a_pki_file_the_planner_cannot_read_is_said_in_japanese() {
    // broken's jboss.p12 does not open with the configured password: the planner refuses.
    let root = common::fixtures().join("broken");
    let r = root.to_str().unwrap();
    let args = ["resign", "--all", "--dry-run", "--root", r];
    let en = run(Ask::C, &args);
    let err = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let e = err(&en);
    assert!(
        e.contains("keys/jboss.p12: PKCS#12 cannot be opened with the configured password (wrong password or corrupt file): "),
        "{e}"
    );
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let ja = run(ask, &args);
        assert_eq!(ja.status.code(), en.status.code(), "{}", text(&ja));
        let j = err(&ja);
        assert!(
            j.contains("rhv-pki: エラー: ")
                && j.contains("keys/jboss.p12: 設定されたパスワードで PKCS#12 を開けません"),
            "{j}"
        );
        // rhv-pki's sentence is gone; OpenSSL's reason (after the last colon) stays as it came.
        let (own, openssl) = e.trim_end().rsplit_once(": ").unwrap();
        assert!(j.trim_end().ends_with(&format!(": {openssl}")), "{j}");
        let left: BTreeSet<String> = words(&j).intersection(&words(own)).cloned().collect();
        assert!(left.is_empty(), "{left:?} left in {j}");
    }
}
