//! The bad-input corpus: one row per hostile file, each run through `audit`,
//! `resign --all --dry-run` and `resign --all --yes` on a fresh copy of a sample, with the real
//! binary. For every run: no panic (exit code never 101, no "panicked" on stderr), done within
//! 10 s (a hang guard that kills the child, not a timing assertion), and the file named in
//! what it printed. The audit and the dry run never change the disk; a refused `--yes` (exit 2)
//! leaves the whole tree byte-identical (every path, type, mode, owner, link target and
//! content hashed before and after). The inputs are generated here; nothing large is
//! committed (the 200 MB files are sparse).
//!
//! Adding a case is one line in `ROWS` (plus its setup function when none fits).

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::*;

/// What `resign --all` must do with the row's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Resign {
    /// Exit 2 naming the file, nothing changed (dry run and apply alike).
    Refused,
    /// The file is not one resign reads or writes (a host certificate): the change goes on.
    Applies,
}
use Resign::*;

struct Row {
    name: &'static str,
    scenario: &'static str,
    /// What every message must name: a path relative to the PKI dir (or any substring of it,
    /// e.g. a file name).
    names: &'static str,
    setup: fn(&Path),
    resign: Resign,
    /// Run on the root after every command of the row: `Err(why)` fails the row (e.g. "no
    /// file got a wider mode than it had"). `fine` when the row needs nothing more.
    then: fn(&Path) -> Result<(), String>,
}

fn fine(_: &Path) -> Result<(), String> {
    Ok(())
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row { name: "truncated PEM entity .cer", scenario: "4.2-sha1", names: "certs/engine.cer", setup: truncated_engine_cer, resign: Refused, then: fine },
    Row { name: "truncated PEM ca.pem", scenario: "4.2-sha1", names: "ca.pem", setup: truncated_ca_pem, resign: Refused, then: fine },
    Row { name: "garbage DER entity .cer", scenario: "4.2-sha1", names: "certs/jboss.cer", setup: garbage_jboss_cer, resign: Refused, then: fine },
    Row { name: "garbage DER host .cer", scenario: "4.2-sha1", names: "certs/host1.example.test.cer", setup: garbage_host_cer, resign: Applies, then: fine },
    Row { name: "zero-byte p12", scenario: "4.2-sha1", names: "keys/jboss.p12", setup: empty_jboss_p12, resign: Refused, then: fine },
    Row { name: "wrong p12 password", scenario: "4.5-modern", names: "keys/jboss.p12", setup: wrong_password_jboss_p12, resign: Refused, then: fine },
    Row { name: "symlink loop", scenario: "4.2-sha1", names: "certs/engine.cer", setup: engine_cer_self_loop, resign: Refused, then: fine },
    Row { name: "symlink outside the tree", scenario: "4.2-sha1", names: "certs/engine.cer", setup: engine_cer_link_outside, resign: Refused, then: fine },
    Row { name: "dangling symlink", scenario: "4.2-sha1", names: "certs/engine.cer", setup: engine_cer_dangling, resign: Refused, then: fine },
    Row { name: "FIFO entity .cer", scenario: "4.2-sha1", names: "certs/engine.cer", setup: engine_cer_fifo, resign: Refused, then: fine },
    Row { name: "FIFO openssl.conf", scenario: "4.4-mixed", names: "openssl.conf", setup: openssl_conf_fifo, resign: Refused, then: fine },
    Row { name: "directory for an entity .cer", scenario: "4.2-sha1", names: "certs/apache.cer", setup: apache_cer_directory, resign: Refused, then: fine },
    Row { name: "directory for a CA copy", scenario: "4.2-sha1", names: "certs/ca.der", setup: ca_der_directory, resign: Refused, then: fine },
    Row { name: "non-UTF-8 file name", scenario: "4.2-sha1", names: "certs/host\u{fffd}.cer", setup: non_utf8_host_cer, resign: Applies, then: fine },
    Row { name: "200 MB entity .cer", scenario: "4.2-sha1", names: "certs/engine.cer", setup: huge_engine_cer, resign: Refused, then: fine },
    Row { name: "200 MB database.txt", scenario: "4.2-sha1", names: "database.txt", setup: huge_database_txt, resign: Refused, then: fine },
    Row { name: "200 MB p12", scenario: "4.2-sha1", names: "keys/jboss.p12", setup: huge_jboss_p12, resign: Refused, then: fine },
    Row { name: "invalid ENGINE_FQDN (comma, $(...))", scenario: "4.2-sha1", names: "10-setup-protocols.conf", setup: fqdn_shell, resign: Refused, then: fine },
    Row { name: "invalid ENGINE_FQDN (newline)", scenario: "4.2-sha1", names: "10-setup-protocols.conf", setup: fqdn_newline, resign: Refused, then: fine },
    Row { name: "huge-iteration p12 (PBE 2,000,000)", scenario: "4.2-sha1", names: "keys/jboss.p12", setup: huge_iteration_jboss_p12, resign: Refused, then: fine },
    Row { name: "symlinked private key inside the tree", scenario: "4.2-sha1", names: "apache", setup: apache_key_linked, resign: Applies, then: no_mode_widened },
    Row { name: "invalid ENGINE_FQDN (non-UTF-8)", scenario: "4.2-sha1", names: "10-setup-protocols.conf", setup: fqdn_non_utf8, resign: Refused, then: fine },
];

// ---- setups: each gets the scenario root ----

fn replace_with(p: &Path, data: &[u8]) {
    let _ = std::fs::remove_file(p);
    std::fs::write(p, data).unwrap();
}

fn truncated(p: &Path) {
    let t = std::fs::read_to_string(p).unwrap();
    let b = t.find("-----BEGIN CERTIFICATE-----").unwrap();
    replace_with(p, &t.as_bytes()[..b + 120]);
}

fn truncated_engine_cer(r: &Path) {
    truncated(&pki(r).join("certs/engine.cer"));
}

fn truncated_ca_pem(r: &Path) {
    truncated(&pki(r).join("ca.pem"));
}

/// Deterministic non-DER bytes (no PEM marker either).
fn garbage() -> Vec<u8> {
    let mut x: u32 = 0x2545_f491;
    (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

fn garbage_jboss_cer(r: &Path) {
    replace_with(&pki(r).join("certs/jboss.cer"), &garbage());
}

fn garbage_host_cer(r: &Path) {
    replace_with(&pki(r).join("certs/host1.example.test.cer"), &garbage());
}

fn empty_jboss_p12(r: &Path) {
    replace_with(&pki(r).join("keys/jboss.p12"), b"");
}

fn wrong_password_jboss_p12(r: &Path) {
    let p12 = pki(r).join("keys/jboss.p12");
    let pem = openssl(&[
        "pkcs12",
        "-in",
        p12.to_str().unwrap(),
        "-passin",
        "pass:mypass",
        "-nodes",
    ]);
    assert!(
        pem.status.success(),
        "{}",
        String::from_utf8_lossy(&pem.stderr)
    );
    let tmp = r.join("jboss.pem");
    std::fs::write(&tmp, &pem.stdout).unwrap();
    let out = openssl(&[
        "pkcs12",
        "-export",
        "-in",
        tmp.to_str().unwrap(),
        "-passout",
        "pass:not-the-password",
        "-out",
        p12.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(tmp).unwrap();
}

/// jboss.p12 exported again by `openssl pkcs12 -export -iter 2000000 -nomaciter`: twice
/// the cap, a genuine file a check must not spend seconds on.
fn huge_iteration_jboss_p12(r: &Path) {
    let p12 = pki(r).join("keys/jboss.p12");
    let pem = openssl(&[
        "pkcs12",
        "-in",
        p12.to_str().unwrap(),
        "-legacy",
        "-passin",
        "pass:mypass",
        "-nodes",
    ]);
    assert!(
        pem.status.success(),
        "{}",
        String::from_utf8_lossy(&pem.stderr)
    );
    let tmp = r.join("jboss.pem");
    std::fs::write(&tmp, &pem.stdout).unwrap();
    let out = openssl(&[
        "pkcs12",
        "-export",
        "-in",
        tmp.to_str().unwrap(),
        "-passout",
        "pass:mypass",
        "-iter",
        "2000000",
        "-nomaciter",
        "-out",
        p12.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(tmp).unwrap();
}

/// keys/apache.key.nopass a link to apache.key.real (0600) beside it: the resign follows
/// it and must never leave a private key wider than it was.
fn apache_key_linked(r: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let keys = pki(r).join("keys");
    std::fs::rename(keys.join("apache.key.nopass"), keys.join("apache.key.real")).unwrap();
    std::fs::set_permissions(
        keys.join("apache.key.real"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    link(
        &keys.join("apache.key.nopass"),
        Path::new("apache.key.real"),
    );
}

fn no_mode_widened(r: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let keys = pki(r).join("keys");
    let link =
        std::fs::symlink_metadata(keys.join("apache.key.nopass")).map_err(|e| e.to_string())?;
    if !link.file_type().is_symlink() {
        return Err("keys/apache.key.nopass is no longer a link".into());
    }
    let mode = std::fs::metadata(keys.join("apache.key.real"))
        .map_err(|e| e.to_string())?
        .permissions()
        .mode()
        & 0o7777;
    if mode != 0o600 {
        return Err(format!(
            "keys/apache.key.real is now mode {mode:o}, was 600"
        ));
    }
    Ok(())
}

fn link(p: &Path, target: &Path) {
    let _ = std::fs::remove_file(p);
    std::os::unix::fs::symlink(target, p).unwrap();
}

fn engine_cer_self_loop(r: &Path) {
    link(&pki(r).join("certs/engine.cer"), Path::new("engine.cer"));
}

/// A link to a faithful copy of engine.cer that lives outside the PKI dir (and outside the
/// root): the content is right, the place is not.
fn engine_cer_link_outside(r: &Path) {
    let p = pki(r).join("certs/engine.cer");
    let outside = std::env::temp_dir().join(format!(
        "rhv-pki-hostile-outside-{}-engine.cer",
        std::process::id()
    ));
    std::fs::copy(&p, &outside).unwrap();
    link(&p, &outside);
}

fn engine_cer_dangling(r: &Path) {
    link(
        &pki(r).join("certs/engine.cer"),
        Path::new("no-such-file.cer"),
    );
}

fn fifo(p: &Path) {
    let _ = std::fs::remove_file(p);
    assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
}

fn engine_cer_fifo(r: &Path) {
    fifo(&pki(r).join("certs/engine.cer"));
}

fn openssl_conf_fifo(r: &Path) {
    fifo(&pki(r).join("openssl.conf"));
}

fn directory(p: &Path) {
    let _ = std::fs::remove_file(p);
    std::fs::create_dir(p).unwrap();
}

fn apache_cer_directory(r: &Path) {
    directory(&pki(r).join("certs/apache.cer"));
}

fn ca_der_directory(r: &Path) {
    directory(&pki(r).join("certs/ca.der"));
}

fn non_utf8_host_cer(r: &Path) {
    let mut name = b"host".to_vec();
    name.push(0xff);
    name.extend_from_slice(b".cer");
    let p = pki(r).join("certs").join(OsStr::from_bytes(&name));
    std::fs::write(p, garbage()).unwrap();
}

/// 200 MB without writing 200 MB: a sparse file after the real content.
fn huge(p: &Path) {
    let f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
    f.set_len(200 << 20).unwrap();
}

fn huge_engine_cer(r: &Path) {
    huge(&pki(r).join("certs/engine.cer"));
}

fn huge_database_txt(r: &Path) {
    huge(&pki(r).join("database.txt"));
}

fn huge_jboss_p12(r: &Path) {
    huge(&pki(r).join("keys/jboss.p12"));
}

fn engine_conf(r: &Path) -> PathBuf {
    r.join("etc/ovirt-engine/engine.conf.d/10-setup-protocols.conf")
}

fn fqdn_shell(r: &Path) {
    replace_with(
        &engine_conf(r),
        b"ENGINE_FQDN=\"engine42.example.test,$(touch /tmp/x).example\"\n",
    );
}

fn fqdn_newline(r: &Path) {
    replace_with(
        &engine_conf(r),
        b"ENGINE_FQDN=\"engine42.example.test\nevil.example\"\n",
    );
}

fn fqdn_non_utf8(r: &Path) {
    replace_with(&engine_conf(r), b"ENGINE_FQDN=engine42\xff.example.test\n");
}

// ---- the runner ----

/// Every entry under `root` (rhv-pki's backups and lock dir included): path, type, mode,
/// owner, link target, and the sha256 of each regular file. FIFOs are listed, never opened.
fn tree(root: &Path) -> Vec<String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg("find . -printf '%p %y %m %U:%G %s %l\\n' | LC_ALL=C sort; find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn run(root: &Path, args: &[&str], what: &str) -> Output {
    output_within(
        common::bin()
            .args(args)
            .arg("--root")
            .arg(root)
            .env_remove("RHV_PKI_P12_PASSWORD")
            .env_remove("RHV_PKI_FAULT")
            .stdin(Stdio::null()),
        Duration::from_secs(10),
        &format!("{what}: still running after 10 s"),
    )
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Checks one row; returns the problems found (empty: the row passes).
fn check(row: &Row) -> Vec<String> {
    let mut bad = Vec::new();
    let root = scenario(row.scenario);
    (row.setup)(root.path());
    let before = tree(root.path());
    let runs: [(&str, &[&str]); 3] = [
        ("audit", &["audit", "--at", AT]),
        ("resign --dry-run", &["resign", "--all", "--dry-run"]),
        ("resign --yes", &["resign", "--all", "--yes"]),
    ];
    let mut dry_err = String::new();
    for (cmd, args) in runs {
        let what = format!("{} × {cmd}", row.name);
        let o = run(root.path(), args, &what);
        let all = show(&o);
        let mut fail = |m: String| bad.push(format!("{what}: {m}\n{all}"));
        if o.status.code() == Some(101) || all.contains("panicked") {
            fail("panicked".into());
        }
        if o.status.code().is_none() {
            fail("killed by a signal".into());
        }
        let refused = cmd != "audit" && row.resign == Refused;
        if (cmd == "audit" || refused) && !all.contains(row.names) {
            fail(format!("does not name {}", row.names));
        }
        if cmd != "audit" {
            let want = if refused { 2 } else { 0 };
            if o.status.code() != Some(want) {
                fail(format!("exit {:?}, wanted {want}", o.status.code()));
            }
        }
        if (cmd != "resign --yes" || refused) && tree(root.path()) != before {
            fail("changed the disk".into());
        }
        if let Err(why) = (row.then)(root.path()) {
            fail(why);
        }
        // One preflight for both: the dry run refuses exactly as the apply does.
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        match cmd {
            "resign --dry-run" => dry_err = err,
            "resign --yes" if refused && err != dry_err => {
                fail(format!("the dry run said otherwise:\n{dry_err}"))
            }
            _ => {}
        }
    }
    bad
}

#[test]
fn hostile_inputs_are_reported_refused_and_never_hang() {
    let mut bad = Vec::new();
    for row in ROWS {
        bad.extend(check(row));
    }
    let _ = std::fs::remove_file(std::env::temp_dir().join(format!(
        "rhv-pki-hostile-outside-{}-engine.cer",
        std::process::id()
    )));
    assert!(
        bad.is_empty(),
        "{} problems:\n\n{}",
        bad.len(),
        bad.join("\n\n")
    );
}

/// The runner itself: a row whose expectation is wrong is caught (a test that cannot fail is
/// a defect). A healthy copy "refused" by resign, and a file no message names, both fail.
#[test]
fn the_runner_catches_a_wrong_expectation() {
    fn nothing(_: &Path) {}
    let row = Row {
        name: "healthy copy said to be refused",
        scenario: "4.2-sha1",
        names: "no-such-file-anywhere",
        setup: nothing,
        resign: Refused,
        then: |_| Err("the row's own check failed".into()),
    };
    let bad = check(&row);
    assert!(
        bad.iter()
            .any(|b| b.contains("does not name no-such-file-anywhere")),
        "{bad:?}"
    );
    assert!(
        bad.iter()
            .any(|b| b.contains("resign --yes: exit Some(0), wanted 2")),
        "{bad:?}"
    );
    assert!(
        bad.iter().any(|b| b.contains("changed the disk")),
        "{bad:?}"
    );
    assert!(
        bad.iter().any(|b| b.contains("the row's own check failed")),
        "{bad:?}"
    );
}
