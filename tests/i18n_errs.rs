//! Error lines of the `errs` block in Japanese, driven through the real binary: a malformed
//! `.truststore` (under `resign` and `audit`), `hosts enroll` with an unknown cluster or host
//! or `--max-parallel 0` against the simulator. Under `--lang ja` and `LANG=ja_JP.UTF-8` the
//! line says rhv-pki's own words in Japanese and keeps the evidence (paths, names, the
//! parser's words) as it came; the English line and the exit code are the same as before.

mod common;
#[path = "common/sshd.rs"]
mod sshd;

use common::i18n::{japanese, last_err_line, words, Ask};

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

/// The binary asked in `ask`'s language.
fn asked(ask: Ask, args: &[&str]) -> Output {
    let mut c = common::bin();
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
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

/// `line` is Japanese, keeps `evidence` and no English word of `english` but those of
/// `evidence`.
fn said_in_japanese(line: &str, english: &str, evidence: &[&str]) {
    assert!(japanese(line), "{line}");
    for v in evidence {
        assert!(line.contains(v), "{v} not in {line}");
    }
    let allowed: BTreeSet<String> = evidence.iter().flat_map(|v| words(v)).collect();
    let left: BTreeSet<String> = words(line)
        .intersection(&words(english))
        .filter(|w| !allowed.contains(*w))
        .cloned()
        .collect();
    assert!(left.is_empty(), "{left:?} left in {line}");
}

/// Runs `args` in English and in Japanese (both ways of asking): the English error line is
/// `english` exactly; the Japanese ones are `rhv-pki: エラー: ` lines with the same exit code,
/// said in Japanese (see [`said_in_japanese`]).
fn check(args: &[&str], english: &str, evidence: &[&str]) -> i32 {
    let en = asked(Ask::C, args);
    assert_eq!(
        last_err_line(&en),
        format!("rhv-pki: error: {english}"),
        "{}",
        String::from_utf8_lossy(&en.stderr)
    );
    assert_ne!(en.status.code(), Some(0));
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let ja = asked(ask, args);
        assert_eq!(ja.status.code(), en.status.code(), "{ask:?}");
        let line = last_err_line(&ja);
        let body = line
            .strip_prefix("rhv-pki: エラー: ")
            .unwrap_or_else(|| panic!("{ask:?}: {line}"));
        said_in_japanese(body, english, evidence);
    }
    en.status.code().unwrap()
}

/// A JKS store whose one entry has tag 7 (Java writes 1 and 2 only).
fn jks_with_unknown_tag() -> Vec<u8> {
    let mut d = vec![0xFE, 0xED, 0xFE, 0xED];
    d.extend(2u32.to_be_bytes());
    d.extend(1u32.to_be_bytes());
    d.extend(7u32.to_be_bytes());
    d.extend([0, 1, b'a']);
    d.extend([0u8; 8]);
    d.extend([0u8; 20]);
    d
}

/// The `.truststore` of a scenario root.
fn truststore(root: &Path) -> std::path::PathBuf {
    common::pki(root).join(".truststore")
}

#[test]
fn a_malformed_truststore_is_said_in_japanese_by_resign() {
    // 4.2: the SHA-1 CA is re-signed, so its copy in .truststore must be rewritable.
    let tmp = common::scenario("4.2-sha1");
    let root = tmp.path().to_str().unwrap();
    let ts = truststore(tmp.path());
    std::fs::write(&ts, jks_with_unknown_tag()).unwrap();
    let ts = ts.to_str().unwrap().to_string();
    let conf = format!("{root}/etc/ovirt-engine/engine.conf.d/10-setup-pki.conf");
    let code = check(
        &["resign", "--all", "--dry-run", "--root", root],
        &format!(
            "{ts}: unknown JKS entry tag 7 (trust store password from {conf}); nothing was changed"
        ),
        &[&ts, "JKS", "7", &conf],
    );
    assert_eq!(code, 2);
    // Cut short: the same refusal, another reason.
    let short = jks_with_unknown_tag();
    std::fs::write(truststore(tmp.path()), &short[..40]).unwrap();
    check(
        &["resign", "--all", "--dry-run", "--root", root],
        &format!(
            "{ts}: truncated JKS data (trust store password from {conf}); nothing was changed"
        ),
        &[&ts, "JKS", &conf],
    );
    // A JKS version keytool never wrote: unsupported, in our words.
    let mut v3 = jks_with_unknown_tag();
    v3[4..8].copy_from_slice(&3u32.to_be_bytes());
    std::fs::write(truststore(tmp.path()), &v3).unwrap();
    check(
        &["resign", "--all", "--dry-run", "--root", root],
        &format!(
            "{ts}: unsupported JKS version 3 (trust store password from {conf}); nothing was changed"
        ),
        &[&ts, "JKS", "3", &conf],
    );
    // Not a store at all: the DER decoder's words as they came.
    std::fs::write(truststore(tmp.path()), b"\x30\x84garbage").unwrap();
    let en = asked(Ask::C, &["resign", "--all", "--dry-run", "--root", root]);
    let line = last_err_line(&en);
    let der = line
        .split_once(".truststore: PKCS#12 DER: ")
        .and_then(|(_, r)| r.split_once(" (trust store password from "))
        .map(|(der, _)| der.to_string())
        .unwrap_or_else(|| panic!("{line}"));
    check(
        &["resign", "--all", "--dry-run", "--root", root],
        &format!(
            "{ts}: PKCS#12 DER: {der} (trust store password from {conf}); nothing was changed"
        ),
        &[&ts, "PKCS#12", "DER", &der, &conf],
    );
}

#[test]
fn a_malformed_truststore_is_said_in_japanese_by_audit() {
    let tmp = common::scenario("4.5-modern");
    let root = tmp.path().to_str().unwrap();
    std::fs::write(truststore(tmp.path()), jks_with_unknown_tag()).unwrap();
    let json = asked(Ask::C, &["audit", "--root", root, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&json.stderr)));
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "unreadable" && f["path"] == ".truststore")
        .unwrap_or_else(|| panic!("{doc:#}"));
    // JSON stays English.
    let reason = f["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("unknown JKS entry tag 7 (password from "),
        "{reason}"
    );
    let conf = format!("{root}/etc/ovirt-engine/engine.conf.d/10-setup-pki.conf");
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let ja = asked(ask, &["audit", "--root", root]);
        assert_eq!(ja.status.code(), json.status.code(), "{ask:?}");
        let t = String::from_utf8_lossy(&ja.stdout).into_owned();
        let line = t
            .lines()
            .find(|l| l.contains("unreadable") && l.contains(".truststore"))
            .unwrap_or_else(|| panic!("{ask:?}: {t}"));
        said_in_japanese(line, reason, &[".truststore", "JKS", "7", &conf]);
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

#[test]
fn a_bad_enroll_selection_is_said_in_japanese() {
    let sim = common::sim::Sim::start("4.5-modern", TWO_HOSTS, 0.01);
    let engine = sim.engine_args();
    let run = |extra: &[&str], english: &str, evidence: &[&str]| {
        let mut args: Vec<String> = ["hosts", "enroll", "--dry-run"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(engine.iter().cloned());
        args.extend(extra.iter().map(|s| s.to_string()));
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        // A usage error: exit 3, as before.
        assert_eq!(check(&a, english, evidence), 3);
    };
    run(
        &["--cluster", "nosuch"],
        "unknown cluster(s): nosuch",
        &["nosuch"],
    );
    run(
        &[
            "--cluster",
            "Default",
            "--cluster",
            "nosuch",
            "--cluster",
            "other",
        ],
        "unknown cluster(s): nosuch, other",
        &["nosuch, other"],
    );
    run(
        &["--host", "nosuch"],
        "unknown host(s): nosuch",
        &["nosuch"],
    );
    run(
        &["--max-parallel", "0"],
        "--max-parallel must be at least 1",
        &["--max-parallel"],
    );
}

#[test]
fn a_ca_key_that_cannot_sign_is_said_in_japanese() {
    // An Ed25519 qemu-ca: OpenSSL refuses to sign with it and SHA-256, so the re-sign fails
    // after writing began and everything is rolled back.
    let tmp = common::scenario("4.5-modern");
    let root = tmp.path().to_str().unwrap();
    let pki = common::pki(tmp.path());
    let key = pki.join("private/qemu-ca.pem");
    let cert = pki.join("qemu-ca.pem");
    common::ok(&common::openssl(&[
        "genpkey",
        "-algorithm",
        "ed25519",
        "-out",
        key.to_str().unwrap(),
    ]));
    common::ok(&common::openssl(&[
        "req",
        "-new",
        "-x509",
        "-key",
        key.to_str().unwrap(),
        "-subj",
        "/C=US/O=example.test/CN=qemu-ca",
        "-days",
        "3650",
        "-out",
        cert.to_str().unwrap(),
    ]));
    let before = std::fs::read(&cert).unwrap();
    let args = ["resign", "qemu-ca", "--force", "--yes", "--root", root];
    let en = asked(Ask::C, &args);
    let line = last_err_line(&en);
    let english = line
        .strip_prefix("rhv-pki: error: ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    // The step in our words, OpenSSL's reason, the backup rolled back from.
    let (openssl_words, backup) = english
        .strip_prefix("CA re-sign: ")
        .and_then(|r| r.split_once("; everything was rolled back (backup "))
        .and_then(|(o, b)| Some((o.to_string(), b.strip_suffix(')')?.to_string())))
        .unwrap_or_else(|| panic!("{line}"));
    assert!(!openssl_words.is_empty(), "{line}");
    assert!(
        backup.chars().all(|c| c.is_ascii_digit() || c == '-'),
        "{line}"
    );
    // Rolled back: exit 1, the CA as it was.
    assert_eq!(en.status.code(), Some(1));
    assert_eq!(std::fs::read(&cert).unwrap(), before);
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let ja = asked(ask, &args);
        assert_eq!(ja.status.code(), Some(1), "{ask:?}");
        let line = last_err_line(&ja);
        let body = line
            .strip_prefix("rhv-pki: エラー: ")
            .unwrap_or_else(|| panic!("{ask:?}: {line}"));
        // Each run has its own backup; the rest of the English line is gone.
        let backup = body
            .split_once("バックアップ ")
            .and_then(|(_, r)| r.split_once(')'))
            .map(|(b, _)| b.to_string())
            .unwrap_or_else(|| panic!("{ask:?}: {body}"));
        assert!(
            backup.chars().all(|c| c.is_ascii_digit() || c == '-'),
            "{body}"
        );
        said_in_japanese(body, &english, &["CA", &openssl_words, &backup]);
        // The step is ours too ("re-sign" is no plain word for `words`).
        assert!(!body.contains("re-sign"), "{ask:?}: {body}");
        assert_eq!(std::fs::read(&cert).unwrap(), before);
    }
}

#[test]
fn a_bad_ca_pem_is_said_in_japanese_by_hosts_enroll() {
    // hosts enroll reads ca.pem (the Manager's CA) before it logs in: no Manager needed.
    let tmp = common::scenario("4.5-modern");
    let root = tmp.path().to_str().unwrap();
    let pw = tmp.path().join("engine-password");
    std::fs::write(&pw, "secret\n").unwrap();
    let ca = common::pki(tmp.path()).join("ca.pem");
    let ca_s = ca.to_str().unwrap().to_string();
    let args = [
        "hosts",
        "enroll",
        "--dry-run",
        "--root",
        root,
        "--engine-url",
        "https://engine.example.test/ovirt-engine",
        "--password-file",
        pw.to_str().unwrap(),
    ];
    std::fs::write(&ca, "garbage\n").unwrap();
    let code = check(
        &args,
        &format!("{ca_s}: no certificate found (no PEM block and not DER)"),
        &[&ca_s, "PEM", "DER"],
    );
    assert_eq!(code, 3);
    std::fs::remove_file(&ca).unwrap();
    check(
        &args,
        &format!("{ca_s}: cannot read: No such file or directory (os error 2)"),
        &[&ca_s, "No such file or directory (os error 2)"],
    );
}

#[test]
fn a_host_whose_files_cannot_be_read_over_ssh_is_said_in_japanese() {
    // The host's `stat` prints a line rhv-pki cannot read: reading the host's certificate set
    // fails. A `stat` shim first in the sessions' PATH stands in for a broken host.
    let hosts = tempfile::tempdir().unwrap();
    let shims = hosts.path().join("bin");
    std::fs::create_dir_all(&shims).unwrap();
    let stat = shims.join("stat");
    std::fs::write(&stat, "#!/bin/sh\necho garbage\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&stat, std::fs::Permissions::from_mode(0o755)).unwrap();
    let d = sshd::Sshd::start_with(sshd::SshdOptions {
        set_env: vec![(
            "PATH".to_string(),
            format!("{}:/usr/bin:/bin:/usr/sbin:/sbin", shims.display()),
        )],
        ..Default::default()
    });
    let manager = common::scenario("4.5-modern");
    let host = "host1.example.test";
    let made = std::process::Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make-test-host.sh"))
        .arg(common::pki(manager.path()))
        .arg(hosts.path().join(host))
        .arg(host)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let kh = d.known_hosts();
    let spec = format!("{host}=127.0.0.1:{}", d.port);
    let prefix = format!("{}/{{host}}", hosts.path().display());
    let args = |json: bool| {
        let mut v: Vec<String> = [
            "hosts",
            "audit",
            "--ssh",
            "--root",
            manager.path().to_str().unwrap(),
            "--ssh-key",
            d.client_key.to_str().unwrap(),
            "--known-hosts",
            kh.to_str().unwrap(),
            "--host-prefix",
            &prefix,
            "--host",
            &spec,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if json {
            v.extend(["--format".to_string(), "json".to_string()]);
        }
        v
    };
    let a: Vec<String> = args(true);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let en = asked(Ask::C, &a);
    let doc: serde_json::Value = serde_json::from_slice(&en.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&en.stderr)));
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "host-unreachable")
        .unwrap_or_else(|| panic!("{doc:#}"));
    // JSON stays English: the operation and what is wrong with the line, in our words.
    let reason = f["reason"].as_str().unwrap();
    let (target, line) = reason
        .split_once(": read the host certificate set: bad stat line '")
        .unwrap_or_else(|| panic!("{reason}"));
    let line = line
        .strip_suffix('\'')
        .unwrap_or_else(|| panic!("{reason}"));
    assert!(line.ends_with("garbage"), "{reason}");
    let a: Vec<String> = args(false);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let ja = asked(ask, &a);
        assert_eq!(ja.status.code(), en.status.code(), "{ask:?}");
        let t = String::from_utf8_lossy(&ja.stdout).into_owned();
        let row = t
            .lines()
            .find(|l| l.contains("host-unreachable"))
            .unwrap_or_else(|| panic!("{ask:?}: {t}"));
        // `stat` is the command's name.
        said_in_japanese(row, reason, &[target, line, "host-unreachable", "stat"]);
    }
}

#[test]
fn a_bad_host_value_is_said_in_japanese() {
    let tmp = common::scenario("4.5-modern");
    let root = tmp.path().to_str().unwrap();
    for (spec, english) in [
        ("h=[::1", "unclosed [ (expected NAME[=ADDR[:PORT]])"),
        ("=1.2.3.4", "bad host name (expected NAME[=ADDR[:PORT]])"),
        ("h=a:xx", "bad port (expected NAME[=ADDR[:PORT]])"),
        ("h=[::1]x", "garbage after ] (expected NAME[=ADDR[:PORT]])"),
        (
            "h=a:0",
            "empty address or port 0 (expected NAME[=ADDR[:PORT]])",
        ),
    ] {
        let shown = format!("--host '{spec}'");
        let code = check(
            &["hosts", "audit", "--ssh", "--root", root, "--host", spec],
            &format!("{shown}: {english}"),
            &[&shown, "NAME[=ADDR[:PORT]]"],
        );
        assert_eq!(code, 3);
    }
}
