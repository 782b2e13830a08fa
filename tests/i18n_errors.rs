//! The error lines of the change commands (resign, renew) in Japanese, driven through the real
//! binary: each refusal an admin meets (the engine key, an entity not enrolled, a third-party or
//! broken entity, a CA key that is not the CA's) says rhv-pki's own words in Japanese under
//! `--lang ja` and `LANG=ja_JP.UTF-8`, the evidence (paths, names, issuers) as it came; the
//! English line and the exit code are the same as before. And the findings whose reasons are
//! built outside the audit (an interrupted change's journal, an SSH host key refused) say
//! rhv-pki's part of them in Japanese too.

mod common;

use common::i18n::{japanese, words, Ask};
#[path = "common/sshd.rs"]
mod sshd;
use common::text;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `args` in English and in Japanese (both ways of asking): the English error line is
/// `english` exactly; the Japanese ones are Japanese `rhv-pki: エラー: ` lines with the same
/// exit code, keeping `evidence` and no English word of the English line but those of
/// `evidence`.
fn check(args: &[&str], english: &str, evidence: &[&str]) {
    let en = run(Ask::C, args);
    let e = stderr(&en);
    assert_eq!(
        e.lines().last().unwrap_or_default(),
        format!("rhv-pki: error: {english}"),
        "{}",
        text(&en)
    );
    assert_ne!(en.status.code(), Some(0));
    let allowed: BTreeSet<String> = evidence.iter().flat_map(|v| words(v)).collect();
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let ja = run(ask, args);
        assert_eq!(ja.status.code(), en.status.code(), "{}", text(&ja));
        let j = stderr(&ja);
        let line = j.lines().last().unwrap_or_default();
        assert!(
            line.starts_with("rhv-pki: エラー: ") && japanese(&line["rhv-pki: エラー: ".len()..]),
            "{ask:?}: {j}"
        );
        for v in evidence {
            assert!(line.contains(v), "{ask:?}: {v} not in {line}");
        }
        let left: BTreeSet<String> = words(line)
            .intersection(&words(english))
            .filter(|w| !allowed.contains(*w))
            .cloned()
            .collect();
        assert!(left.is_empty(), "{ask:?}: {left:?} left in {line}");
    }
}

fn root_of(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_engine_key_refusals_are_said_in_japanese() {
    let root = common::fixtures().join("4.5-modern");
    let r = root_of(&root);
    check(
        &["renew", "--dry-run", "--new-key", "engine", "--root", r],
        "refusing to rotate the engine key: it decrypts the secrets in the engine database, is the SSH key to every host and signs console tickets; renew engine with --keep-key",
        &["engine", "--keep-key"],
    );
    let root = common::fixtures().join("expired");
    check(
        &["renew", "--dry-run", "--new-key", "--root", root_of(&root)],
        "refusing to rotate the engine key (engine is due): it decrypts the engine database secrets and is the SSH key to every host; run without --new-key, or name the other certificates explicitly",
        &["engine", "--new-key"],
    );
}

#[test]
fn an_entity_not_enrolled_or_third_party_or_unknown_is_said_in_japanese() {
    let root = common::fixtures().join("4.5-modern");
    let r = root_of(&root);
    let p12 = format!("{r}/etc/pki/ovirt-engine/keys/imageio-proxy.p12");
    check(
        &["resign", "--dry-run", "imageio-proxy", "--root", r],
        &format!("{p12}: no such file; imageio-proxy is not enrolled on this Manager"),
        &[&p12, "imageio-proxy"],
    );
    check(
        &["resign", "--dry-run", "nosuch", "--root", r],
        "unknown certificate name 'nosuch'; known: ca, qemu-ca, engine, jboss, apache, websocket-proxy, reports, imageio-proxy, ovn-ndb, ovn-sdb, ovirt-provider-ovn, vmconsole-proxy-helper, vmconsole-proxy-user, vmconsole-proxy-host",
        &["'nosuch'", "ca, qemu-ca, engine, jboss, apache, websocket-proxy, reports, imageio-proxy, ovn-ndb, ovn-sdb, ovirt-provider-ovn, vmconsole-proxy-helper, vmconsole-proxy-user, vmconsole-proxy-host"],
    );
    let root = common::fixtures().join("third-party-apache");
    let issuer = "C=US, O=Example Corp, CN=Example Corp Issuing CA";
    check(
        &["resign", "--dry-run", "apache", "--root", root_of(&root)],
        &format!("apache: third-party certificate (issuer {issuer}), not signed by ca.pem; renew it at its CA; refusing to touch it"),
        &["apache", issuer, "ca.pem"],
    );
}

#[test]
fn broken_entities_and_a_ca_key_not_the_cas_are_said_in_japanese() {
    // A copy of 4.5-modern with three entities broken three ways.
    let tmp = common::scenario("4.5-modern");
    let pki = common::pki(tmp.path());
    let cp = |from: &str, to: &str| std::fs::copy(pki.join(from), pki.join(to)).unwrap();
    cp("certs/websocket-proxy.cer", "certs/apache.cer");
    cp("keys/websocket-proxy.key.nopass", "keys/reports.key.nopass");
    std::fs::write(pki.join("certs/jboss.cer"), b"").unwrap();
    let jboss = pki.join("certs/jboss.cer");
    let jboss = jboss.to_str().unwrap();
    let r = root_of(tmp.path());
    check(
        &["resign", "--all", "--dry-run", "--root", r],
        &format!(
            "not re-signing anything while files are broken (restore them, or name the other certificates explicitly): \
             jboss: {jboss}: no certificate found (no PEM block and not DER); restore it first; \
             apache: certs/apache.cer is not the certificate inside keys/apache.p12 (engine-setup would not renew it either); restore matching files first; \
             reports: keys/reports.key.nopass does not belong to the certificate; restore matching files first"
        ),
        &[
            "jboss: ",
            jboss,
            "apache: certs/apache.cer",
            "keys/apache.p12",
            "engine-setup",
            "reports: keys/reports.key.nopass",
            "PEM",
            "DER",
        ],
    );
    // The CA's key replaced by another key: refused before signing anything.
    let tmp = common::scenario("4.5-modern");
    let pki = common::pki(tmp.path());
    std::fs::copy(
        pki.join("keys/apache.key.nopass"),
        pki.join("private/ca.pem"),
    )
    .unwrap();
    let key = pki.join("private/ca.pem");
    let key = key.to_str().unwrap();
    check(
        &[
            "resign",
            "--all",
            "--force",
            "--dry-run",
            "--root",
            root_of(tmp.path()),
        ],
        &format!("{key}: does not belong to ca.pem; refusing to sign"),
        &[key, "ca.pem"],
    );
}

/// The English words of `english` (a reason as the JSON carries it) left in `ja` (a Japanese
/// run's output), beyond those of `evidence`.
fn left(ja: &str, english: &str, evidence: &[&str]) -> BTreeSet<String> {
    let allowed: BTreeSet<String> = evidence.iter().flat_map(|v| words(v)).collect();
    words(ja)
        .intersection(&words(english))
        .filter(|w| !allowed.contains(*w))
        .cloned()
        .collect()
}

#[test]
fn an_interrupted_changes_reason_is_said_in_japanese() {
    let tmp = common::scenario("4.2-sha1");
    let r = root_of(tmp.path());
    let o = common::bin()
        .args(["resign", "--all", "--yes", "--root", r])
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env("RHV_PKI_FAULT", "abort:20")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.code().is_none(), "killed: {}", text(&o));
    let args = ["audit", "--root", r, "--format", "json"];
    let en = run(Ask::C, &args);
    let doc: serde_json::Value = serde_json::from_slice(&en.stdout).unwrap();
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "interrupted-change")
        .unwrap_or_else(|| panic!("{}", text(&en)));
    let reason = f["reason"].as_str().unwrap();
    assert_eq!(reason, "before rhv-pki resign", "{f}");
    let backup = f["backup"].as_str().unwrap();
    let command = f["command"].as_str().unwrap();
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        // JSON is the same in every language.
        let j = run(ask, &args);
        let jdoc: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
        assert_eq!(jdoc["findings"], doc["findings"]);
        let table = run(ask, &["audit", "--root", r]);
        let t = String::from_utf8_lossy(&table.stdout).into_owned();
        let line = t
            .lines()
            .find(|l| l.contains(backup) && l.contains("rhv-pki"))
            .unwrap_or_else(|| panic!("{ask:?}: {t}"));
        assert!(line.contains("rhv-pki resign の実行前"), "{line}");
        // The command run is evidence: `rhv-pki resign`.
        let l = left(line, reason, &[command, backup, "rhv-pki resign"]);
        assert!(l.is_empty(), "{ask:?}: {l:?} left in {line}");
    }
}

#[test]
fn a_refused_ssh_host_key_is_said_in_japanese() {
    // An sshd whose key the (empty) known_hosts does not know: host-key-unverified.
    let stranger = sshd::Sshd::start();
    let tmp = common::scenario("4.5-modern");
    let kh = tmp.path().join("known_hosts");
    std::fs::write(&kh, "").unwrap();
    let host = format!("host4.example.test=127.0.0.1:{}", stranger.port);
    let key = stranger.client_key.to_str().unwrap().to_string();
    let args = |json: bool| -> Vec<String> {
        let mut v: Vec<String> = [
            "hosts",
            "audit",
            "--ssh",
            "--root",
            root_of(tmp.path()),
            "--ssh-key",
            &key,
            "--known-hosts",
            kh.to_str().unwrap(),
            "--host",
            &host,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if json {
            v.extend(["--format".into(), "json".into()]);
        }
        v
    };
    let a = |json: bool| args(json);
    let en_args = a(true);
    let en_args: Vec<&str> = en_args.iter().map(String::as_str).collect();
    let en = run(Ask::C, &en_args);
    let doc: serde_json::Value =
        serde_json::from_slice(&en.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&en)));
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "host-key-unverified")
        .unwrap_or_else(|| panic!("{}", text(&en)));
    let reason = f["reason"].as_str().unwrap();
    assert!(
        reason.contains("is not in ") && reason.contains("refusing to connect"),
        "{reason}"
    );
    // The evidence: the key's algorithm and fingerprint, the file, the commands to run.
    let (what, _) = reason.split_once(" is not in ").unwrap();
    let (algorithm, rest) = what.split_once(" key ").unwrap();
    let (fingerprint, _) = rest.split_once(" of ").unwrap();
    let ja_args = a(false);
    let ja_args: Vec<&str> = ja_args.iter().map(String::as_str).collect();
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let j = run(ask, &ja_args);
        let t = String::from_utf8_lossy(&j.stdout).into_owned();
        let line = t
            .lines()
            .find(|l| l.contains(fingerprint))
            .unwrap_or_else(|| panic!("{ask:?}: {}", text(&j)));
        assert!(
            line.contains(algorithm) && line.contains("接続を拒否します"),
            "{line}"
        );
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let l = left(
            &prose,
            reason,
            &[kh.to_str().unwrap(), "host4.example.test"],
        );
        assert!(l.is_empty(), "{ask:?}: {l:?} left in {line}");
    }
}

#[test]
fn an_endpoint_that_showed_no_certificate_is_said_in_japanese() {
    // Nothing listens on the port: endpoint-unreachable, whose reason is the probe's error.
    let tmp = common::scenario("4.5-modern");
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let endpoint = format!("httpd=127.0.0.1:{closed}");
    let base = [
        "maintenance",
        "verify",
        "--root",
        root_of(tmp.path()),
        "--endpoint",
        &endpoint,
        "--probe-timeout",
        "5",
    ];
    let mut json_args = base.to_vec();
    json_args.extend(["--format", "json"]);
    let en = run(Ask::C, &json_args);
    let doc: serde_json::Value =
        serde_json::from_slice(&en.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&en)));
    let f = &doc["findings"][0];
    assert_eq!(f["code"], "endpoint-unreachable", "{doc:#}");
    let reason = f["reason"].as_str().unwrap();
    let address = format!("127.0.0.1:{closed}");
    assert!(
        reason.starts_with(&format!("{address}: cannot connect: ")),
        "{reason}"
    );
    // The system's words stay as they came.
    let (_, os) = reason.split_once("cannot connect: ").unwrap();
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let j = run(ask, &json_args);
        let jdoc: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
        assert_eq!(jdoc["findings"], doc["findings"], "JSON is the same");
        let t = run(ask, &base);
        let out = String::from_utf8_lossy(&t.stdout).into_owned();
        let line = out
            .lines()
            .find(|l| l.starts_with("endpoint-unreachable "))
            .unwrap_or_else(|| panic!("{ask:?}: {}", text(&t)));
        assert!(
            line.contains("接続できません") && line.ends_with(os),
            "{line}"
        );
        let message = f["message"].as_str().unwrap();
        let l = left(line, &format!("{message} {reason}"), &[os, "httpd"]);
        assert!(l.is_empty(), "{ask:?}: {l:?} left in {line}");
    }
}

#[test]
fn hosts_recover_refusals_are_said_in_japanese() {
    // No engine CA key: nothing can be signed, no host is contacted.
    let tmp = common::scenario("4.5-modern");
    let pki = common::pki(tmp.path());
    std::fs::remove_file(pki.join("private/ca.pem")).unwrap();
    let r = root_of(tmp.path());
    let args = [
        "hosts",
        "recover",
        "--ssh",
        "--dry-run",
        "--root",
        r,
        "--host",
        "h1=127.0.0.1:9",
    ];
    let key = pki.join("private/ca.pem");
    let key = key.to_str().unwrap();
    check(
        &args,
        &format!("{key}: the ca private key is missing; cannot sign host certificates"),
        &[key],
    );
    // serial.txt that is not a serial: the "… is not a hex serial" of before.
    let tmp = common::scenario("4.5-modern");
    let pki = common::pki(tmp.path());
    std::fs::write(pki.join("serial.txt"), "zz\n").unwrap();
    let serial = pki.join("serial.txt");
    let serial = serial.to_str().unwrap();
    let r = root_of(tmp.path());
    let mut args = args;
    args[5] = r;
    check(
        &args,
        &format!("{serial}: 'zz' is not a hex serial"),
        &[serial, "'zz'"],
    );
}

#[test]
fn the_upgrade_p12_password_pre_check_is_said_in_japanese() {
    let tmp = common::scenario("4.2-sha1");
    let pw = tmp.path().join("wrong-password");
    std::fs::write(&pw, "nope\n").unwrap();
    let args = [
        "upgrade",
        "--dry-run",
        "--p12-password-file",
        pw.to_str().unwrap(),
        "--root",
        root_of(tmp.path()),
    ];
    let line_of = |o: &Output| -> String {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .find(|l| l.contains(" p12-password "))
            .unwrap_or_else(|| panic!("{}", text(o)))
            .to_string()
    };
    let en = run(Ask::C, &args);
    let e = line_of(&en);
    assert!(
        e.ends_with("the PKCS#12 password from --p12-password-file / RHV_PKI_P12_PASSWORD opens none of the 6 key store(s) (wrong password)"),
        "{e}"
    );
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let ja = run(ask, &args);
        assert_eq!(ja.status.code(), en.status.code(), "{}", text(&ja));
        let j = line_of(&ja);
        assert!(j.contains("開けません"), "{j}");
        let l = left(&j, &e, &["--p12-password-file / RHV_PKI_P12_PASSWORD"]);
        assert!(l.is_empty(), "{ask:?}: {l:?} left in {j}");
    }
}

/// h1 runs the HostedEngine VM; h2, the only other hosted-engine host, has its HA agent
/// inactive: no order of the waves keeps the VM safe, so `hosts enroll` refuses to start.
const INACTIVE_AGENT: &str = r#"
[[clusters]]
name = "Default"
[[hosts]]
name = "h1"
spm = true
hosted_engine = { active = true, score = 3400 }
[[hosts]]
name = "h2"
hosted_engine = { active = false, score = 0 }
[[hosts]]
name = "h3"
[[vms]]
name = "HostedEngine"
host = "h1"
memory_mib = 8192
hosted_engine = true
[[vms]]
name = "v3"
host = "h3"
memory_mib = 4096
"#;

#[test]
fn the_hosted_engine_refusal_of_hosts_enroll_is_said_in_japanese() {
    let sim = common::sim::Sim::start("4.5-modern", INACTIVE_AGENT, 0.01);
    let mut args: Vec<String> = ["hosts", "enroll", "--dry-run", "--all-hosts"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(sim.engine_args());
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    check(
        &a,
        "the plan cannot keep the HostedEngine VM safe, so nothing was started: h1: no other \
         hosted-engine host with an active HA agent (score > 0) and room for the HostedEngine VM \
         would stay up while it is out (h2's HA agent is not active) — in no order of the waves; \
         fix that first, or leave h1 out (name the other hosts with --host)",
        &["HostedEngine", "h1: ", "h2", "HA", "--host"],
    );
}

#[test]
fn a_database_txt_lines_problem_is_said_in_japanese() {
    let tmp = common::scenario("4.5-modern");
    let db = common::pki(tmp.path()).join("database.txt");
    let mut text = std::fs::read_to_string(&db).unwrap();
    text.push_str(
        "V\tbad\n\
         X\t280311000000Z\t\t10\tunknown\t/CN=a\n\
         V\t2050\t\t10\tunknown\t/CN=a\n\
         V\t280311000000Z\t\tZZ\tunknown\t/CN=a\n",
    );
    std::fs::write(&db, text).unwrap();
    let r = root_of(tmp.path());
    let en = run(Ask::C, &["audit", "--root", r, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&en.stdout).unwrap();
    let reasons: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "index-invalid")
        .map(|f| f["reason"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        reasons,
        [
            "2 tab-separated fields, expected 6",
            "status 'X' is not V, R or E",
            "expiry '2050' is not YYMMDDHHMMSSZ",
            "serial 'ZZ' is not hex",
        ],
        "{doc:#}"
    );
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let j = run(ask, &["audit", "--root", r]);
        let t = String::from_utf8_lossy(&j.stdout).into_owned();
        let lines: Vec<&str> = t.lines().filter(|l| l.contains("index-invalid")).collect();
        assert_eq!(lines.len(), 4, "{t}");
        for (line, reason) in lines.iter().zip(&reasons) {
            assert!(japanese(line), "{line}");
            let l = left(line, reason, &["YYMMDDHHMMSSZ", "'X'", "'2050'", "'ZZ'"]);
            assert!(l.is_empty(), "{ask:?}: {l:?} left in {line}");
        }
    }
}

#[test]
fn a_certificate_with_trailing_bytes_is_said_in_japanese() {
    let tmp = common::scenario("4.5-modern");
    let cer = common::pki(tmp.path()).join("certs/apache.cer");
    let der = common::openssl(&["x509", "-in", cer.to_str().unwrap(), "-outform", "DER"]);
    assert!(der.status.success(), "{}", text(&der));
    let mut bytes = der.stdout.clone();
    bytes.extend_from_slice(b"xyz");
    std::fs::write(&cer, bytes).unwrap();
    let r = root_of(tmp.path());
    let en = run(Ask::C, &["audit", "--root", r, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&en.stdout).unwrap();
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "unreadable" && f["path"] == "certs/apache.cer")
        .unwrap_or_else(|| panic!("{doc:#}"));
    let reason = f["reason"].as_str().unwrap();
    assert_eq!(
        reason,
        "not a valid X.509 certificate: 3 trailing bytes after the certificate"
    );
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let j = run(ask, &["audit", "--root", r]);
        let t = String::from_utf8_lossy(&j.stdout).into_owned();
        let line = t
            .lines()
            .find(|l| l.contains("unreadable") && l.contains("certs/apache.cer"))
            .unwrap_or_else(|| panic!("{t}"));
        assert!(line.contains("余分なバイト"), "{line}");
        let l = left(line, reason, &["X.509"]);
        assert!(l.is_empty(), "{ask:?}: {l:?} left in {line}");
    }
}

#[test]
fn a_login_the_managers_sso_refuses_is_said_in_japanese() {
    let sim = common::sim::Sim::start("4.5-modern", INACTIVE_AGENT, 0.01);
    let wrong = sim.root.path().join("wrong-password");
    std::fs::write(&wrong, "nope\n").unwrap();
    let mut args: Vec<String> = ["hosts", "enroll", "--dry-run"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut engine = sim.engine_args();
    let i = engine.iter().position(|a| a == "--password-file").unwrap();
    engine[i + 1] = wrong.display().to_string();
    args.extend(engine);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let en = run(Ask::C, &a);
    let e = stderr(&en);
    let line = e.lines().last().unwrap_or_default().to_string();
    let english = line
        .strip_prefix("rhv-pki: error: ")
        .unwrap_or_else(|| panic!("{}", text(&en)));
    assert!(
        english.starts_with("login as admin@internal refused by the Manager's SSO: "),
        "{english}"
    );
    // The Manager's own code and message are quoted as they came.
    let theirs = english.split_once("SSO: ").unwrap().1;
    check(&a, english, &[theirs, "admin@internal", "SSO"]);
}
