//! `audit`, `hosts audit` and their errors in Japanese (issue 19), driven through the real
//! binary: the language comes from `--lang ja` or `LANG=ja_JP.UTF-8` (gettext's order), what
//! machines read (JSON, Prometheus textfile, the Nagios line, exit codes) is byte-identical in
//! every language, and the Japanese table is Japanese and aligned by display width.
//!
//! "Japanese" is checked against the English run of the same command, never against a list of
//! expected strings: every header, status and finding message of the English table must be
//! gone from the Japanese one (beyond the evidence — paths, names, numbers — that both carry).

mod common;
use common::text;

use std::collections::BTreeSet;
use std::process::{Command, Output};

use rhv_pki::i18n::width;

const AT: &str = "2026-12-07T00:00:00Z";

/// How a run chooses its language.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// `LANG=C`: English.
    C,
    /// `LANG=ja_JP.UTF-8` (whether or not the machine has that locale).
    LangJa,
    /// `--lang ja` (with `LANG=C`).
    FlagJa,
}

const MODES: [Mode; 3] = [Mode::C, Mode::LangJa, Mode::FlagJa];

fn cmd(mode: Mode, args: &[&str]) -> Command {
    let mut c = common::bin();
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env(
            "LANG",
            if mode == Mode::LangJa {
                "ja_JP.UTF-8"
            } else {
                "C"
            },
        );
    if mode == Mode::FlagJa {
        c.args(["--lang", "ja"]);
    }
    c.args(args);
    c
}

fn run(mode: Mode, args: &[&str]) -> Output {
    cmd(mode, args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn samples() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(common::fixtures())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("etc/pki/ovirt-engine").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    assert!(v.len() >= 10, "{v:?}");
    v
}

fn is_japanese(c: char) -> bool {
    ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn has_japanese(s: &str) -> bool {
    s.chars().any(is_japanese)
}

/// The English words of `s`: lowercase ASCII-letter runs of 3 or more, not part of a
/// technical token (one with `_ . - # / :` or a digit or an uppercase letter: `default_md`,
/// `rhv-pki`, `subjectAltName`, `RSA-2048` stay as they are in every language).
fn words(s: &str) -> BTreeSet<String> {
    s.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '[' | ']' | '\'' | '"')
    })
    .map(|t| t.trim_end_matches([':', '.', '!', '?']))
    .filter(|t| t.len() >= 3 && t.chars().all(|c| c.is_ascii_lowercase()))
    // Terms the Japanese text keeps as they are (a product's own names).
    .filter(|t| !matches!(*t, "legacy" | "keytool" | "vdsm" | "openssl"))
    .map(str::to_string)
    .collect()
}

/// `s` without each of `evidence` (longest first, so a value inside another goes with it).
fn without(s: &str, evidence: &[String]) -> String {
    let mut ev: Vec<&String> = evidence.iter().filter(|e| !e.is_empty()).collect();
    ev.sort_by_key(|e| std::cmp::Reverse(e.len()));
    let mut out = s.to_string();
    for e in ev {
        out = out.replace(e.as_str(), " ");
    }
    out
}

/// The values a finding carries as evidence (every field but the fixed ones), as text.
fn evidence(f: &serde_json::Value) -> Vec<String> {
    let mut v = Vec::new();
    for (k, val) in f.as_object().unwrap() {
        if matches!(
            k.as_str(),
            "severity" | "code" | "message" | "role" | "path"
        ) {
            continue;
        }
        match val {
            serde_json::Value::String(s) => v.push(s.clone()),
            serde_json::Value::Number(n) => v.push(n.to_string()),
            serde_json::Value::Array(a) => {
                let items: Vec<String> = a
                    .iter()
                    .map(|x| x.as_str().map(str::to_string).unwrap_or(x.to_string()))
                    .collect();
                v.push(items.join(","));
                v.push(items.join(", "));
                v.extend(items);
            }
            _ => {}
        }
    }
    v.push(f["path"].as_str().unwrap().to_string());
    v
}

/// Asserts `ja` (one finding's message in Japanese) says what the English `f["message"]`
/// says, in Japanese: not the English message, Japanese text, and none of the English
/// message's own words once the evidence both share is taken out. Returns how many English
/// words were checked (so a caller can see the check bit).
fn assert_japanese_message(f: &serde_json::Value, ja: &str, ctx: &str) -> usize {
    let en = f["message"].as_str().unwrap();
    assert_ne!(ja, en, "{ctx}: English message left: {ja}");
    assert!(has_japanese(ja), "{ctx}: not Japanese: {ja}");
    let ev = evidence(f);
    let frame = words(&without(en, &ev));
    let left: BTreeSet<_> = words(&without(ja, &ev))
        .intersection(&frame)
        .cloned()
        .collect();
    assert!(
        left.is_empty(),
        "{ctx}: English words {left:?} of {en:?} left in {ja:?}"
    );
    frame.len()
}

/// The display column where each cell of a table line starts (cells are separated by two
/// or more spaces; a cell holds at most single spaces).
fn cell_starts(line: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut col = 0;
    let mut spaces = 0;
    for (i, c) in line.chars().enumerate() {
        if c == ' ' {
            spaces += 1;
        } else {
            if i == 0 || spaces >= 2 {
                starts.push(col);
            }
            spaces = 0;
        }
        col += width(c.encode_utf8(&mut [0; 4]));
    }
    starts
}

/// The cells of a table line (split where two or more spaces are).
fn cells(line: &str) -> Vec<String> {
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// The table part of an audit's output: the header and one line per certificate.
fn table_rows(out: &str) -> Vec<&str> {
    out.lines().take_while(|l| !l.is_empty()).collect()
}

/// Checks a Japanese audit table against the English one and the JSON document of the same
/// audit: headers and statuses Japanese, every column aligned by display width, every
/// finding and note in Japanese, the summary without English words. Returns the number of
/// English words checked across the findings.
fn check_japanese_table(ja: &str, en: &str, doc: &serde_json::Value, ctx: &str) -> usize {
    let (ja_rows, en_rows) = (table_rows(ja), table_rows(en));
    let certs = doc["certificates"].as_array().unwrap();
    assert_eq!(ja_rows.len(), certs.len() + 1, "{ctx}:\n{ja}");
    assert_eq!(en_rows.len(), ja_rows.len(), "{ctx}");
    // Headers: every English header word is gone, each header cell is Japanese (CN is CN).
    let (ja_head, en_head) = (cells(ja_rows[0]), cells(en_rows[0]));
    assert_eq!(ja_head.len(), 9, "{ctx}: {ja_head:?}");
    for (j, e) in ja_head.iter().zip(&en_head) {
        if e == "CN" {
            continue;
        }
        assert!(has_japanese(j), "{ctx}: header {j:?} (English {e:?})");
    }
    // Alignment: every row's cells start at the header's display columns.
    let starts = cell_starts(ja_rows[0]);
    assert_eq!(starts.len(), 9, "{ctx}: {}", ja_rows[0]);
    for row in &ja_rows[1..] {
        assert_eq!(cell_starts(row), starts, "{ctx}: misaligned:\n{ja}");
    }
    // Statuses: the JSON's, in Japanese, in the STATUS column (8th cell).
    for (row, c) in ja_rows[1..].iter().zip(certs) {
        let status = &cells(row)[7];
        assert!(
            has_japanese(status) && status != c["status"].as_str().unwrap(),
            "{ctx}: status {status:?} for {}",
            c["status"]
        );
    }
    // Findings: one line per warning/critical finding in document order, then the notes.
    let findings = doc["findings"].as_array().unwrap();
    let (loud, quiet): (Vec<_>, Vec<_>) = findings.iter().partition(|f| f["severity"] != "info");
    let after_table: Vec<&str> = ja.lines().skip(ja_rows.len()).collect();
    let finding_lines: Vec<&str> = after_table
        .iter()
        .copied()
        .filter(|l| loud.iter().any(|f| l.contains(f["code"].as_str().unwrap())))
        .collect();
    assert_eq!(finding_lines.len(), loud.len(), "{ctx}:\n{ja}");
    let mut checked = 0;
    for (line, f) in finding_lines.iter().zip(&loud) {
        let code = f["code"].as_str().unwrap();
        let path = f["path"].as_str().unwrap();
        let (sev, rest) = line.split_once("  ").unwrap();
        assert!(has_japanese(sev), "{ctx}: severity {sev:?}");
        let rest = rest.trim_start();
        let rest = rest
            .strip_prefix(code)
            .unwrap_or_else(|| panic!("{ctx}: {line}"));
        let msg = rest
            .trim_start()
            .strip_prefix(&format!("{path}: "))
            .unwrap_or_else(|| panic!("{ctx}: {line}"));
        checked += assert_japanese_message(f, msg, &format!("{ctx} {code} {path}"));
    }
    for f in &quiet {
        let path = f["path"].as_str().unwrap();
        let line = after_table
            .iter()
            .find(|l| l.contains(&format!(" {path}: ")) && !l.contains(f["code"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("{ctx}: no note for {path}:\n{ja}"));
        let (label, msg) = line.split_once(&format!(" {path}: ")).unwrap();
        assert!(has_japanese(label), "{ctx}: {line}");
        checked += assert_japanese_message(f, msg, &format!("{ctx} note {path}"));
    }
    // The summary: the last line, with none of the English summary's words.
    let (ja_sum, en_sum) = (ja.lines().last().unwrap(), en.lines().last().unwrap());
    let en_words = words(en_sum);
    assert!(en_words.len() >= 5, "{en_sum}");
    let left: BTreeSet<_> = words(ja_sum).intersection(&en_words).cloned().collect();
    assert!(left.is_empty(), "{ctx}: {left:?} in {ja_sum}");
    assert!(has_japanese(ja_sum), "{ctx}: {ja_sum}");
    checked
}

#[test]
fn machine_outputs_are_the_same_in_every_language() {
    let t0 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for s in samples() {
        let root = common::scenario(&s);
        let r = root.path().to_str().unwrap();
        for format in ["json", "prometheus", "nagios"] {
            let outs: Vec<Output> = MODES
                .iter()
                .map(|&m| run(m, &["audit", "--root", r, "--at", AT, "--format", format]))
                .collect();
            assert!(
                matches!(outs[0].status.code(), Some(0..=2)),
                "{s} {format}: {}",
                text(&outs[0])
            );
            let norm = |o: &Output| normalise_clock(&stdout(o), t0);
            for (o, m) in outs.iter().zip(MODES).skip(1) {
                assert_eq!(o.status.code(), outs[0].status.code(), "{s} {format} {m:?}");
                assert_eq!(norm(o), norm(&outs[0]), "{s} {format} {m:?}");
            }
        }
        // The textfile beside a Japanese table is the English run's, byte for byte.
        let mut files = Vec::new();
        for m in MODES {
            let dir = tempfile::tempdir().unwrap();
            let o = run(
                m,
                &[
                    "audit",
                    "--root",
                    r,
                    "--at",
                    AT,
                    "--textfile-dir",
                    dir.path().to_str().unwrap(),
                ],
            );
            assert!(
                matches!(o.status.code(), Some(0..=2)),
                "{s} {m:?}: {}",
                text(&o)
            );
            let f = std::fs::read_to_string(dir.path().join("rhv_pki.prom")).unwrap();
            files.push(normalise_clock(&f, t0));
        }
        assert_eq!(files[1], files[0], "{s}: textfile under LANG=ja_JP.UTF-8");
        assert_eq!(files[2], files[0], "{s}: textfile under --lang ja");
    }
}

/// The one value that is the wall clock (when the audit finished), checked to be a time of
/// this test run and replaced by a mark: everything else must match byte for byte.
fn normalise_clock(s: &str, t0: u64) -> String {
    let t1 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    s.lines()
        .map(
            |l| match l.strip_prefix("rhv_pki_last_success_timestamp_seconds{") {
                Some(rest) => {
                    let (labels, v) = rest.rsplit_once(' ').unwrap();
                    let v: u64 = v.parse().unwrap();
                    assert!((t0..=t1).contains(&v), "{l}");
                    format!("rhv_pki_last_success_timestamp_seconds{{{labels} NOW")
                }
                None => l.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_japanese_table_is_japanese_and_aligned_on_every_sample() {
    let mut checked = 0;
    let mut findings = 0;
    for s in samples() {
        let root = common::scenario(&s);
        let r = root.path().to_str().unwrap();
        let json = run(
            Mode::C,
            &["audit", "--root", r, "--at", AT, "--format", "json"],
        );
        let doc: serde_json::Value = serde_json::from_slice(&json.stdout)
            .unwrap_or_else(|e| panic!("{s}: {e}: {}", text(&json)));
        let en = run(Mode::C, &["audit", "--root", r, "--at", AT]);
        assert_eq!(en.status.code(), json.status.code(), "{s}");
        for m in [Mode::LangJa, Mode::FlagJa] {
            let ja = run(m, &["audit", "--root", r, "--at", AT]);
            assert_eq!(
                ja.status.code(),
                en.status.code(),
                "{s} {m:?}: {}",
                text(&ja)
            );
            checked +=
                check_japanese_table(&stdout(&ja), &stdout(&en), &doc, &format!("{s} {m:?}"));
            // The collected report (a textfile beside the table) prints the same table.
            let dir = tempfile::tempdir().unwrap();
            let collected = run(
                m,
                &[
                    "audit",
                    "--root",
                    r,
                    "--at",
                    AT,
                    "--textfile-dir",
                    dir.path().to_str().unwrap(),
                ],
            );
            assert_eq!(stdout(&collected), stdout(&ja), "{s} {m:?}");
        }
        findings += doc["findings"].as_array().unwrap().len();
    }
    // The samples have findings of many kinds, and their English words were looked for.
    eprintln!("{findings} findings, {checked} English words looked for");
    assert!(findings >= 90, "{findings}");
    assert!(checked >= 600, "{checked}");
}

/// The parts of a finding's English `reason` that rhv-pki quotes from outside (and shows as
/// they came in every language): a quoted value ('…'), what a parser, OpenSSL or the system
/// said after a colon, and OpenSSL's own reason in the parentheses of a wrong PKCS#12
/// password. Everything else in a reason is rhv-pki's own sentence.
fn quoted_in_reason(code: &str, reason: &str) -> Vec<String> {
    let mut v = Vec::new();
    // A reason naming its file first: the file is evidence, the rest is the reason.
    let reason = match reason.split_once(": ") {
        Some((file, rest)) if file.contains('/') => {
            v.push(file.to_string());
            rest
        }
        _ => reason,
    };
    v.extend(reason.split('\'').skip(1).step_by(2).map(str::to_string));
    if let Some((_, said)) = reason.split_once(": ") {
        v.push(said.to_string());
    }
    if code == "p12-unreadable" {
        if let Some(openssl) = reason
            .strip_suffix(')')
            .and_then(|r| r.rsplit_once('('))
            .map(|(_, o)| o)
        {
            v.push(openssl.to_string());
        }
    }
    v
}

/// A copy of the `broken` sample with more files the audit cannot read: a dangling symlink
/// inside the tree, a file too large to be a certificate, a PEM body that is not base64 and
/// a PEM block that is not a certificate; without files the CA needs (`missing`), with a
/// serial.txt that is not hex; and an `ENGINE_FQDN` that is not a host name.
fn more_broken() -> tempfile::TempDir {
    let root = common::scenario("broken");
    std::fs::write(
        root.path()
            .join("etc/ovirt-engine/engine.conf.d/99-typo.conf"),
        "ENGINE_FQDN=\"engine-bad.example.test,www\"\n",
    )
    .unwrap();
    let pki = root.path().join("etc/pki/ovirt-engine");
    for gone in [
        "database.txt",
        "openssl.conf",
        ".truststore",
        "private/ca.pem",
    ] {
        std::fs::remove_file(pki.join(gone)).unwrap();
    }
    std::fs::write(pki.join("serial.txt"), "zz\n").unwrap();
    let certs = pki.join("certs");
    std::os::unix::fs::symlink(certs.join("nowhere.cer"), certs.join("dangling.cer")).unwrap();
    std::fs::write(certs.join("huge.cer"), vec![b'A'; 4 * 1024 * 1024 + 1]).unwrap();
    std::fs::write(
        certs.join("notbase64.cer"),
        "-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    std::fs::write(
        certs.join("notx509.cer"),
        "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    root
}

/// Issue 19: an `unreadable` finding (and every other finding with a `reason`, and what a
/// `missing` finding names) says rhv-pki's
/// own words in Japanese; only what it quotes from outside (OpenSSL's, the parser's, the
/// system's words, file names) stays as it came. The reason is not taken as evidence here,
/// unlike in the table check: its words must be gone from the Japanese line.
#[test]
fn reasons_in_japanese_leave_no_english_sentence_of_rhv_pkis_own() {
    let extra = more_broken();
    let mut roots: Vec<(String, String)> =
        vec![("broken+".into(), extra.path().to_str().unwrap().to_string())];
    let copies: Vec<tempfile::TempDir> = samples().iter().map(|s| common::scenario(s)).collect();
    for (s, c) in samples().into_iter().zip(&copies) {
        roots.push((s, c.path().to_str().unwrap().to_string()));
    }
    let mut unreadable = BTreeSet::new();
    let mut checked = 0;
    for (s, r) in &roots {
        let json = run(
            Mode::C,
            &["audit", "--root", r, "--at", AT, "--format", "json"],
        );
        let doc: serde_json::Value = serde_json::from_slice(&json.stdout)
            .unwrap_or_else(|e| panic!("{s}: {e}: {}", text(&json)));
        let ja = stdout(&run(Mode::FlagJa, &["audit", "--root", r, "--at", AT]));
        for f in doc["findings"].as_array().unwrap() {
            let Some(reason) = f["reason"].as_str().or(f["what"].as_str()) else {
                continue;
            };
            let (code, path) = (f["code"].as_str().unwrap(), f["path"].as_str().unwrap());
            let line = ja
                .lines()
                .find(|l| l.contains(code) && l.contains(&format!(" {path}: ")))
                .unwrap_or_else(|| panic!("{s}: no line for {code} {path}:\n{ja}"));
            let msg = line.split_once(&format!(" {path}: ")).unwrap().1;
            assert!(has_japanese(msg), "{s}: {line}");
            // Evidence: every field but the reason, and what the reason quotes from outside.
            let mut ev: Vec<String> = evidence(f).into_iter().filter(|e| e != reason).collect();
            ev.extend(quoted_in_reason(code, reason));
            let own = words(&without(reason, &ev));
            let left: BTreeSet<_> = words(&without(msg, &ev))
                .intersection(&own)
                .cloned()
                .collect();
            assert!(
                left.is_empty(),
                "{s} {code} {path}: English words {left:?} of the reason {reason:?} left in {msg:?}"
            );
            checked += own.len();
            if matches!(
                code,
                "unreadable" | "missing" | "engine-fqdn-unknown" | "index-invalid"
            ) {
                unreadable.insert(reason.to_string());
            }
        }
    }
    eprintln!("{checked} English words of reasons looked for; unreadable: {unreadable:#?}");
    // The broken sample and its additions: a truncated PEM, a file with no certificate, a
    // dangling symlink, a file too large, bad base64 and bad DER.
    for needle in [
        "has no END line",
        "no certificate found",
        "dangling symlink to",
        "file is larger than",
        "is not valid base64",
        "not a valid X.509 certificate",
        "database.txt (openssl ca cannot issue without it)",
        "'zz' is not a hex serial",
        "openssl.conf (the CA configuration)",
        ".truststore (the engine cannot verify vdsm or SSO over HTTPS)",
        "(the CA's private key; nothing can be signed)",
        "is not a valid host name (contains ',')",
    ] {
        assert!(
            unreadable.iter().any(|r| r.contains(needle)),
            "{needle}: {unreadable:?}"
        );
    }
    assert!(checked >= 60, "{checked}");
}

#[test]
fn english_stays_english() {
    // The default (LANG=C) and an explicit --lang en under a Japanese locale print the same
    // English table.
    let root = common::scenario("broken");
    let r = root.path().to_str().unwrap();
    let c = run(Mode::C, &["audit", "--root", r, "--at", AT]);
    let mut en = cmd(
        Mode::LangJa,
        &["--lang", "en", "audit", "--root", r, "--at", AT],
    );
    let en = en.output().unwrap();
    assert_eq!(stdout(&en), stdout(&c));
    assert!(!has_japanese(&stdout(&c)), "{}", stdout(&c));
    assert!(
        stdout(&c).contains("FINDINGS\nCRITICAL  "),
        "{}",
        stdout(&c)
    );
}

/// The simulator's hosts: a SHA-1 certificate, an expired one without SAN, one due soon.
const HOSTS: &str = r#"
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

#[test]
fn hosts_audit_in_japanese_against_the_simulator() {
    let sim = common::sim::Sim::start("4.5-modern", HOSTS, 0.01);
    let hosts_audit = |m: Mode, extra: &[&str]| {
        let mut args: Vec<String> = vec!["hosts".into(), "audit".into(), "--at".into(), AT.into()];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(sim.engine_args());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut c = cmd(m, &args);
        c.env_remove("RHV_PKI_ENGINE_PASSWORD");
        c.output().unwrap()
    };
    let json = hosts_audit(Mode::C, &["--format", "json"]);
    assert_eq!(json.status.code(), Some(2), "{}", text(&json));
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(doc["findings"].as_array().unwrap().len() >= 3, "{doc}");
    for m in [Mode::LangJa, Mode::FlagJa] {
        let j = hosts_audit(m, &["--format", "json"]);
        assert_eq!(j.status.code(), Some(2), "{}", text(&j));
        let d: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
        assert_eq!(d, doc, "{m:?}");
        let n = hosts_audit(m, &["--format", "nagios"]);
        assert_eq!(
            stdout(&n),
            stdout(&hosts_audit(Mode::C, &["--format", "nagios"]))
        );
    }
    let en = hosts_audit(Mode::C, &[]);
    assert_eq!(en.status.code(), Some(2), "{}", text(&en));
    for m in [Mode::LangJa, Mode::FlagJa] {
        let ja = hosts_audit(m, &[]);
        assert_eq!(ja.status.code(), Some(2), "{}", text(&ja));
        let checked = check_japanese_table(
            &stdout(&ja),
            &stdout(&en),
            &doc,
            &format!("hosts audit {m:?}"),
        );
        assert!(checked >= 5, "{checked}");
    }
}

/// The error line of a run `args` in Japanese, checked against the English one: same exit
/// code, `rhv-pki: ` then Japanese, and none of the English line's words beyond `evidence`.
fn check_error_line(args: &[&str], evidence: &[String], min_words: usize) -> String {
    let en = run(Mode::C, args);
    let en_line = String::from_utf8(en.stderr.clone()).unwrap();
    assert!(en_line.starts_with("rhv-pki: error: "), "{}", text(&en));
    let en_words = words(&without(&en_line, evidence));
    assert!(en_words.len() >= min_words, "{en_words:?} in {en_line}");
    let mut last = String::new();
    for m in [Mode::LangJa, Mode::FlagJa] {
        let ja = run(m, args);
        assert_eq!(ja.status.code(), en.status.code(), "{}", text(&ja));
        assert_eq!(ja.stdout, en.stdout, "{m:?}: stdout is the machines'");
        let line = String::from_utf8(ja.stderr).unwrap();
        assert!(line.starts_with("rhv-pki: "), "{line}");
        assert!(has_japanese(&line), "{line}");
        let left: BTreeSet<_> = words(&without(&line, evidence))
            .intersection(&en_words)
            .cloned()
            .collect();
        assert!(left.is_empty(), "{m:?}: {left:?} left in {line}");
        last = line;
    }
    last
}

#[test]
fn error_lines_in_japanese_and_the_machines_answer_unchanged() {
    let missing = "/nonexistent/rhv-pki-i18n-test";
    // The system's own text of ENOENT, as Rust prints it, is evidence (kept in parentheses).
    let enoent = std::fs::metadata(missing).unwrap_err().to_string();
    let line = check_error_line(
        &["audit", "--pki-dir", missing],
        &[missing.into(), enoent.clone()],
        3,
    );
    assert!(line.contains(missing), "{line}");
    // In every format the machines' answer is the English one (JSON error, Nagios UNKNOWN).
    for format in ["json", "nagios"] {
        let outs: Vec<Output> = MODES
            .iter()
            .map(|&m| run(m, &["audit", "--pki-dir", missing, "--format", format]))
            .collect();
        assert_eq!(outs[0].status.code(), Some(3), "{}", text(&outs[0]));
        assert!(!has_japanese(&stdout(&outs[0])), "{}", stdout(&outs[0]));
        for o in &outs[1..] {
            assert_eq!(o.stdout, outs[0].stdout, "{format}");
            assert_eq!(o.status.code(), Some(3));
        }
    }
    // A password file that cannot be read.
    let root = common::scenario("4.5-modern");
    let r = root.path().to_str().unwrap();
    let pw = root.path().join("no-such-password-file");
    let pw = pw.to_str().unwrap();
    check_error_line(
        &["audit", "--root", r, "--p12-password-file", pw],
        &[pw.into(), enoent],
        3,
    );
    // A date --at does not read, and inverted windows.
    check_error_line(
        &["audit", "--root", r, "--at", "yesterday"],
        &["yesterday".into()],
        3,
    );
    check_error_line(
        &[
            "audit",
            "--root",
            r,
            "--warn-days",
            "5",
            "--crit-days",
            "10",
        ],
        &["[thresholds]".into()],
        5,
    );
    // A config file that is not TOML (the parser's own words are evidence: the English line
    // has no words of its own, the Japanese one says what the file is).
    let conf = root.path().join("config.toml");
    std::fs::write(&conf, "[thresholds\n").unwrap();
    let c = conf.to_str().unwrap();
    let en = run(Mode::C, &["audit", "--root", r, "--config", c]);
    let parser = String::from_utf8(en.stderr)
        .unwrap()
        .strip_prefix(&format!("rhv-pki: error: {c}: "))
        .unwrap_or_else(|| panic!("config error"))
        .to_string();
    let line = check_error_line(
        &["audit", "--root", r, "--config", c],
        &[c.into(), parser],
        0,
    );
    assert!(line.contains("TOML parse error"), "{line}");
    // The PKI directory of `hosts audit --ssh` that is not a directory.
    let file = root.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let f = file.to_str().unwrap();
    check_error_line(
        &["hosts", "audit", "--ssh", "--host", "h1", "--pki-dir", f],
        &[f.into()],
        3,
    );
}

#[test]
fn backups_listing_in_japanese_is_aligned() {
    let root = common::scenario("4.5-modern");
    let r = root.path().to_str().unwrap();
    // One change makes one backup (committed), listed in both languages.
    let o = run(
        Mode::C,
        &["renew", "engine", "--root", r, "--yes", "--no-restart"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let en = run(Mode::C, &["backups", "--root", r]);
    assert_eq!(en.status.code(), Some(0), "{}", text(&en));
    let json = run(Mode::C, &["backups", "--root", r, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let list = doc["backups"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{doc}");
    for m in [Mode::LangJa, Mode::FlagJa] {
        let j = run(m, &["backups", "--root", r, "--format", "json"]);
        assert_eq!(j.stdout, json.stdout, "{m:?}");
        let ja = run(m, &["backups", "--root", r]);
        assert_eq!(ja.status.code(), Some(0), "{}", text(&ja));
        let out = stdout(&ja);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1 + list.len(), "{out}");
        let en_out = stdout(&en);
        let en_lines: Vec<&str> = en_out.lines().collect();
        // Headers and states Japanese (ID is ID); the English ones gone.
        let head = cells(lines[0]);
        assert_eq!(head.len(), 5, "{out}");
        for (j, e) in head.iter().zip(cells(en_lines[0])) {
            assert!(j == "ID" || (has_japanese(j) && *j != e), "{j:?} vs {e:?}");
        }
        let state = list[0]["state"].as_str().unwrap();
        let row = cells(lines[1]);
        assert!(has_japanese(&row[2]) && row[2] != state, "{row:?}");
        // The reason rhv-pki wrote ("before rhv-pki renew …" in the journal and the JSON) is
        // said in Japanese, the command kept.
        let reason = list[0]["reason"].as_str().unwrap();
        assert!(reason.starts_with("before rhv-pki renew"), "{doc}");
        assert!(
            has_japanese(&row[4]) && !row[4].contains("before") && row[4].contains("rhv-pki renew"),
            "{row:?}"
        );
        // Left-aligned columns start where their headers do; FILES ends where its header ends.
        let (hs, rs) = (cell_starts(lines[0]), cell_starts(lines[1]));
        assert_eq!(hs[..3], rs[..3], "{out}");
        assert_eq!(hs[4], rs[4], "{out}");
        let end = |l: &str, cell: &str| {
            let i = l.find(cell).unwrap() + cell.len();
            width(&l[..i])
        };
        assert_eq!(
            end(lines[0], &head[3]),
            end(lines[1], &list[0]["files"].to_string()),
            "{out}"
        );
    }
    // With no backups: the note in Japanese.
    let empty = common::scenario("expired");
    let e = empty.path().to_str().unwrap();
    let note = stdout(&run(Mode::FlagJa, &["backups", "--root", e]));
    let last = note.lines().last().unwrap();
    assert!(has_japanese(last) && last.contains(e), "{note}");
}

#[test]
fn el9_readiness_block_in_japanese() {
    let root = common::scenario("4.2-sha1");
    let r = root.path().to_str().unwrap();
    let args = ["audit", "--root", r, "--at", AT, "--policy", "el9"];
    let json: Vec<Output> = MODES
        .iter()
        .map(|&m| run(m, &[&args[..], &["--format", "json"]].concat()))
        .collect();
    assert!(stdout(&json[0]).contains("\"el9\""), "{}", text(&json[0]));
    for o in &json[1..] {
        assert_eq!(o.stdout, json[0].stdout);
        assert_eq!(o.status.code(), json[0].status.code());
    }
    // The block after the table's summary line: as many lines in both languages; a command
    // stays the same command, every other line is Japanese, and the verdict's own words are
    // gone.
    let block = |o: &Output| -> Vec<String> {
        let s = stdout(o);
        let lines: Vec<String> = s.lines().map(str::to_string).collect();
        let start = lines
            .iter()
            .position(|l| l.starts_with("EL9") || l.contains("EL9 "))
            .unwrap();
        lines[start..].to_vec()
    };
    let en = block(&run(Mode::C, &args));
    assert!(en.len() >= 10, "{en:?}");
    for m in [Mode::LangJa, Mode::FlagJa] {
        let ja = block(&run(m, &args));
        assert_eq!(ja.len(), en.len(), "{m:?}: {ja:#?}");
        let head: BTreeSet<_> = words(&ja[0])
            .intersection(&words(&en[0]))
            .cloned()
            .collect();
        assert!(head.is_empty() && has_japanese(&ja[0]), "{}", ja[0]);
        for (j, e) in ja.iter().zip(&en) {
            match e.find("rhv-pki ") {
                Some(i) if e[..i].trim().is_empty() || e[..i].trim_end().ends_with(':') => {
                    assert!(j.ends_with(&e[i..]), "{m:?}: {j} / {e}");
                    if !e[..i].trim().is_empty() {
                        assert!(has_japanese(j), "{m:?}: {j}");
                    }
                }
                _ => assert!(has_japanese(j), "{m:?}: {j} (English: {e})"),
            }
        }
    }
}

/// clap's usage errors: Japanese under both ways of asking, the same exit 3 and the same
/// machines' answer on stdout (Nagios UNKNOWN, the JSON error document) as in English.
#[test]
fn usage_errors_in_japanese_with_the_same_exit_and_stdout() {
    for (args, evidence) in [
        (&["audit", "--bogus-flag"][..], "--bogus-flag"),
        (&["audit", "--format", "xml"][..], "xml"),
        (
            &["audit", "--format", "nagios", "--warn-days", "x"][..],
            "--warn-days",
        ),
        (&["no-such-command"][..], "no-such-command"),
    ] {
        let en = run(Mode::C, args);
        let en_err = String::from_utf8(en.stderr.clone()).unwrap();
        assert_eq!(en.status.code(), Some(3), "{}", text(&en));
        assert!(en_err.starts_with("error: "), "{en_err}");
        for m in [Mode::LangJa, Mode::FlagJa] {
            let ja = run(m, args);
            assert_eq!(ja.status.code(), Some(3), "{m:?} {args:?}: {}", text(&ja));
            assert_eq!(
                ja.stdout, en.stdout,
                "{m:?} {args:?}: stdout is the machines'"
            );
            let err = String::from_utf8(ja.stderr).unwrap();
            assert!(err.starts_with("エラー: "), "{m:?} {args:?}: {err}");
            assert!(err.contains(evidence), "{m:?} {args:?}: {err}");
            assert!(has_japanese(&err), "{err}");
            for english in [
                "unexpected argument",
                "invalid value",
                "For more information",
            ] {
                assert!(!err.contains(english), "{m:?} {args:?}: {english} in {err}");
            }
        }
    }
}
