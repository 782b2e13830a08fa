//! Shared helpers for integration tests, one module per concern: this file copies a sample
//! PKI to a temp dir with its modes, runs the real binary and asks the openssl CLI for
//! independent answers; [`sim`] runs the simulated Manager REST API (`rhv-manager-sim`) and
//! talks to it; [`manager`] runs a local "Manager" (apache, websocket-proxy, `systemctl` /
//! `hosted-engine` stand-ins); `sshd.rs` a private sshd for the SSH tests.
#![allow(dead_code)]

pub mod i18n;
pub mod journal;
pub mod manager;
pub mod sim;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const AT: &str = "2026-11-01T00:00:00Z";
/// A time at which `4.5-modern` is clean under the built-in windows (engine-setup's: 365 days
/// for non-web certificates, whose notAfter is 2027-08-02; 60 for web certificates, issued
/// 2026-05-31). At [`AT`] its 1827-day certificates are inside their 365-day renew window.
pub const CLEAN_AT: &str = "2026-07-01T00:00:00Z";

/// A command's exit code, stdout and stderr, for assertion messages.
pub fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Asserts exit 0, showing the whole output otherwise.
pub fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", text(o));
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pki")
}

/// A private copy of a scenario root (symlinks kept as links, modes from fixture-modes.txt).
pub fn scenario(name: &str) -> tempfile::TempDir {
    let src = fixtures().join(name);
    assert!(
        src.is_dir(),
        "missing fixture {}: run scripts/gen-fixtures.sh",
        src.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let st = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", src.display()))
        .arg(tmp.path())
        .status()
        .unwrap();
    assert!(st.success());
    let modes = std::fs::read_to_string(tmp.path().join("fixture-modes.txt")).unwrap_or_default();
    for line in modes.lines() {
        let Some((mode, rel)) = line.trim().split_once(' ') else {
            continue;
        };
        let p = tmp.path().join(rel.trim());
        if std::fs::symlink_metadata(&p)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(true)
        {
            continue;
        }
        let m = u32::from_str_radix(mode, 8).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
    }
    tmp
}

pub fn pki(root: &Path) -> PathBuf {
    root.join("etc/pki/ovirt-engine")
}

/// The binary; its change trail goes nowhere (tests/journal.rs binds a socket of its own), so
/// a test run on a machine with systemd leaves nothing in the real journal.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rhv-pki"));
    c.env("RHV_PKI_JOURNAL_SOCKET", "");
    c
}

pub fn run(args: &[&str]) -> Output {
    bin()
        .args(args)
        .env_remove("RHV_PKI_P12_PASSWORD")
        .output()
        .unwrap()
}

/// `rhv-pki audit --root ROOT --format json [--at AT unless extra has one] [extra]` → (exit code, document).
pub fn audit_json(root: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec![
        "audit",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ];
    if !extra.contains(&"--at") {
        args.extend_from_slice(&["--at", AT]);
    }
    args.extend_from_slice(extra);
    let out = run(&args);
    let code = out.status.code().unwrap_or(-1);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); stdout={} stderr={}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, doc)
}

/// Findings with `code` on `path` (exact relative path).
pub fn findings<'a>(
    doc: &'a serde_json::Value,
    code: &str,
    path: &str,
) -> Vec<&'a serde_json::Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code && f["path"] == path)
        .collect()
}

pub fn has(doc: &serde_json::Value, code: &str, path: &str) -> bool {
    !findings(doc, code, path).is_empty()
}

pub fn severity_of(doc: &serde_json::Value, code: &str, path: &str) -> String {
    let f = findings(doc, code, path);
    assert!(
        !f.is_empty(),
        "no {code} on {path}; findings: {}",
        codes(doc)
    );
    f[0]["severity"].as_str().unwrap().to_string()
}

pub fn codes(doc: &serde_json::Value) -> String {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}@{}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn openssl(args: &[&str]) -> Output {
    Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl CLI")
}

/// `openssl <args>` with `stdin`, returning (success, stdout+stderr).
pub fn openssl_stdin(args: &[&str], stdin: &[u8]) -> (bool, String) {
    use std::io::Write;
    let mut c = Command::new("openssl")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("openssl CLI");
    c.stdin.take().unwrap().write_all(stdin).unwrap();
    let o = c.wait_with_output().unwrap();
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// PEM of a DER certificate.
pub fn pem_of(der: &[u8]) -> Vec<u8> {
    openssl::x509::X509::from_der(der)
        .unwrap()
        .to_pem()
        .unwrap()
}

pub fn openssl_text(args: &[&str]) -> String {
    let o = openssl(args);
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// sha256 of every file under `dir` with mode, for "nothing changed" checks.
pub fn tree_state(dir: &Path) -> Vec<(String, String)> {
    let out = Command::new("sh")
        .arg("-c")
        .arg("find . -xdev \\( -type f -o -type l \\) -printf '%p %m %l\\n' | sort; find . -type f -print0 | sort -z | xargs -0 sha256sum")
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| (l.to_string(), String::new()))
        .collect()
}

/// Runs `cmd` with its output captured; kills it and fails as `what` if it has not ended
/// within 60 s (for inputs that could make the binary block instead of failing).
pub fn output_within_a_minute(cmd: &mut Command, what: &str) -> Output {
    output_within(cmd, std::time::Duration::from_secs(60), what)
}

/// [`output_within_a_minute`] with another limit: a hang guard, never a timing assertion.
/// stdout and stderr are drained by threads, so a chatty child cannot block on a full pipe.
pub fn output_within(cmd: &mut Command, limit: std::time::Duration, what: &str) -> Output {
    use std::io::Read;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("{what} (killed after {limit:?})");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// The signature algorithm of a certificate file, as `openssl x509 -text` names it.
pub fn sig_alg(path: &Path) -> String {
    let t = openssl_text(&["x509", "-noout", "-text", "-in", path.to_str().unwrap()]);
    t.lines()
        .find_map(|l| l.trim().strip_prefix("Signature Algorithm: "))
        .unwrap_or("?")
        .to_string()
}

/// `phase=state` of every phase of an upgrade state or `upgrade status --format json`.
pub fn upgrade_phase_states(doc: &serde_json::Value) -> Vec<String> {
    doc["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}={}",
                p["phase"].as_str().unwrap(),
                p["state"].as_str().unwrap()
            )
        })
        .collect()
}
