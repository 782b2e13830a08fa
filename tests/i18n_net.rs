//! The Manager client's, the pinned TLS verifier's and the change transaction's errors in
//! Japanese, driven through the real binary: a wrong pinned CA, a host name the Manager's
//! certificate does not carry, a Manager URL that cannot be used, a fault the Manager answers
//! with, a backup directory that is a file or cannot be created. Under `--lang ja` and
//! `LANG=ja_JP.UTF-8` the line says rhv-pki's own words in Japanese and quotes the URL, the
//! names, the HTTP status, the Manager's and the system's words as they came; the English
//! line and the exit code are the same as before.

mod common;

use common::i18n::{japanese, words};
use common::sim::Sim;

use std::collections::BTreeSet;
use std::process::{Command, Output};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    C,
    JaLocale,
    JaFlag,
}

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

fn last_err_line(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
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

/// `backups --backup-dir <a file>`: the directory cannot be read; `conf --yes --backup-dir
/// /proc/…`: the backup root cannot be created. The operation is said in Japanese, the
/// system's words kept.
#[test]
fn transaction_io_operations_are_said_in_japanese() {
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
