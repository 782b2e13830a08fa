//! The Manager client's, the pinned TLS verifier's and the change transaction's errors in
//! Japanese, driven through the real binary: a wrong pinned CA, a host name the Manager's
//! certificate does not carry, a Manager URL that cannot be used, a fault the Manager answers
//! with, a backup directory that is a file or cannot be created. Under `--lang ja` and
//! `LANG=ja_JP.UTF-8` the line says rhv-pki's own words in Japanese and quotes the URL, the
//! names, the HTTP status, the Manager's and the system's words as they came; the English
//! line and the exit code are the same as before.

mod common;

use common::i18n::{japanese, last_err_line, words, Ask};
use common::sim::Sim;

use std::collections::BTreeSet;
use std::process::{Command, Output};

fn asked(mut c: Command, ask: Ask, args: &[&str]) -> Output {
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
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

/// Runs `args` in English and in Japanese (both ways of asking): the English error line is
/// `english` exactly (when given; else it must contain every piece of `evidence`), the exit
/// code is `code`; the Japanese ones are Japanese `rhv-pki: エラー: ` lines with the same exit
/// code, keeping `evidence` and no English word of the English line but those of `evidence`.
fn check(args: &[&str], english: Option<&str>, evidence: &[&str], code: i32) -> String {
    let en = asked(common::bin(), Ask::C, args);
    let en_line = last_err_line(&en);
    match english {
        Some(e) => assert_eq!(
            en_line,
            format!("rhv-pki: error: {e}"),
            "{}",
            String::from_utf8_lossy(&en.stderr)
        ),
        None => {
            assert!(en_line.starts_with("rhv-pki: error: "), "{en_line}");
            for v in evidence {
                assert!(en_line.contains(v), "{v} not in {en_line}");
            }
        }
    }
    assert_eq!(en.status.code(), Some(code), "{en_line}");
    let allowed: BTreeSet<String> = evidence.iter().flat_map(|v| words(v)).collect();
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let ja = asked(common::bin(), ask, args);
        assert_eq!(ja.status.code(), en.status.code(), "{ask:?}");
        let line = last_err_line(&ja);
        assert!(
            line.starts_with("rhv-pki: エラー: ") && japanese(&line["rhv-pki: エラー: ".len()..]),
            "{ask:?}: {line}"
        );
        for v in evidence {
            assert!(line.contains(v), "{ask:?}: {v} not in {line}");
        }
        let left: BTreeSet<String> = words(&line)
            .intersection(&words(&en_line))
            .filter(|w| !allowed.contains(*w))
            .cloned()
            .collect();
        assert!(left.is_empty(), "{ask:?}: {left:?} left in {line}");
    }
    en_line
}

/// `backups --backup-dir <a file>`: the directory cannot be read. The operation is said in
/// Japanese, the path and the system's words kept.
#[test]
fn a_backup_dir_that_is_a_file_is_said_in_japanese() {
    let r = common::scenario("4.5-modern");
    let root = r.path().display().to_string();
    let file = r.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let file = file.display().to_string();
    let os20 = std::io::Error::from_raw_os_error(20).to_string();
    check(
        &["backups", "--root", &root, "--backup-dir", &file],
        Some(&format!("{file}: read directory: {os20}")),
        &[&file, &os20],
        2,
    );
}

/// `conf --yes --backup-dir /proc/…`: the backup root cannot be created; nothing changes.
#[test]
fn a_backup_root_that_cannot_be_created_is_said_in_japanese() {
    let r = common::scenario("4.2-sha1");
    let root = r.path().display().to_string();
    let before = common::tree_state(r.path());
    let os2 = std::io::Error::from_raw_os_error(2).to_string();
    let dir = "/proc/rhv-pki-no-such-dir";
    let en = check(
        &["conf", "--root", &root, "--yes", "--backup-dir", dir],
        Some(&format!("{dir}: create backup root: {os2}")),
        &[dir, &os2],
        2,
    );
    assert!(!en.is_empty());
    assert_eq!(common::tree_state(r.path()), before, "nothing changed");
}

/// `hosts enroll --dry-run` against the simulator with `sim`'s arguments, `--engine-url`
/// replaced by `url` when given, and `extra` after.
fn enroll_args(sim: &Sim, url: Option<&str>, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = vec!["hosts".into(), "enroll".into(), "--dry-run".into()];
    let mut it = sim.engine_args().into_iter();
    while let Some(x) = it.next() {
        if x == "--engine-url" {
            let given = it.next().unwrap();
            a.push(x);
            a.push(url.map(str::to_string).unwrap_or(given));
        } else {
            a.push(x);
        }
    }
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The pinned verifier refuses the Manager's certificate when another CA is pinned
/// (`--ca-file` of another sample's CA). The refusal is said in Japanese; the issuers and the
/// endpoint are kept.
#[test]
fn another_pinned_ca_is_said_in_japanese() {
    let sim = Sim::with_args("4.5-modern", None, &[]);
    let other_ca = common::fixtures().join("4.2-sha1/etc/pki/ovirt-engine/ca.pem");
    let other_ca = other_ca.display().to_string();
    let endpoint = format!("{}:{} (via 127.0.0.1:{})", sim.fqdn, sim.port, sim.port);
    let a = enroll_args(&sim, None, &["--ca-file", &other_ca]);
    let en = check(&strs(&a), None, &[&endpoint], 2);
    // The issuers the English line names are kept, quoted, in Japanese too.
    let quoted: Vec<&str> = en.split('\'').skip(1).step_by(2).collect();
    assert_eq!(quoted.len(), 2, "{en}");
    assert!(
        en.contains("server certificate is issued by") && en.contains("not by the pinned CA"),
        "{en}"
    );
    let issuer = format!("'{}'", quoted[0]);
    let pinned = format!("'{}'", quoted[1]);
    check(
        &strs(&a),
        Some(&en["rhv-pki: error: ".len()..]),
        &[&endpoint, &issuer, &pinned],
        2,
    );
}

/// The Manager's certificate does not carry the host name of `--engine-url` (the socket still
/// goes to the simulator through `--connect-to`).
#[test]
fn a_host_name_the_certificate_does_not_carry_is_said_in_japanese() {
    let sim = Sim::with_args("4.5-modern", None, &[]);
    let url = format!("https://wrongname:{}", sim.port);
    let endpoint = format!("wrongname:{} (via 127.0.0.1:{})", sim.port, sim.port);
    let a = enroll_args(&sim, Some(&url), &[]);
    let en = check(&strs(&a), None, &[&endpoint, "'wrongname'"], 2);
    assert!(
        en.ends_with("does not name 'wrongname' in its subjectAltName"),
        "{en}"
    );
    let cn = format!("(CN {})", sim.fqdn);
    assert!(en.contains(&cn), "{en}");
    check(
        &strs(&a),
        Some(&en["rhv-pki: error: ".len()..]),
        &[
            &endpoint,
            "'wrongname'",
            &format!("CN {}", sim.fqdn),
            "subjectAltName",
        ],
        2,
    );
}

/// A plain http:// Manager URL (it would send the password in clear).
#[test]
fn a_plain_http_url_is_said_in_japanese() {
    let sim = Sim::with_args("4.5-modern", None, &[]);
    let url = format!("http://{}:{}", sim.fqdn, sim.port);
    let a = enroll_args(&sim, Some(&url), &[]);
    check(
        &strs(&a),
        Some(&format!(
            "{url}: bad Manager URL: must start with https:// (plain HTTP would send the password in clear)"
        )),
        &[&url, "https://"],
        2,
    );
}

/// A Manager URL whose port is not a port.
#[test]
fn a_bad_port_is_said_in_japanese() {
    let sim = Sim::with_args("4.5-modern", None, &[]);
    let url = format!("https://{}:99999", sim.fqdn);
    let a = enroll_args(&sim, Some(&url), &[]);
    check(
        &strs(&a),
        Some(&format!("{url}: bad Manager URL: bad port")),
        &[&url],
        2,
    );
}

/// The Manager answers a request with an HTTP error (the simulator's injected fault): the
/// method, path, HTTP status and the Manager's own words are kept.
#[test]
fn manager_faults_are_said_in_japanese() {
    let sim = Sim::with_args(
        "4.5-modern",
        Some(&common::sim::three_hosts(
            "[[faults]]\nkind = \"http_5xx\"\nstatus = 400\npath = \"/hosts\"\n",
        )),
        &[],
    );
    let a = enroll_args(&sim, None, &[]);
    let en = check(&strs(&a), None, &["HTTP 400", "Bad Request"], 2);
    let (head, detail) = en.split_once(" — ").expect("the fault's detail");
    assert_eq!(
        head,
        "rhv-pki: error: GET /ovirt-engine/api/hosts?all_content=true: HTTP 400: Bad Request"
    );
    check(
        &strs(&a),
        Some(&en["rhv-pki: error: ".len()..]),
        &[
            "GET /ovirt-engine/api/hosts?all_content=true",
            "(HTTP 400)",
            "Bad Request",
            detail,
        ],
        2,
    );
}
