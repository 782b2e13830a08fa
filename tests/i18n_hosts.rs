//! Block hostsf in Japanese, driven through the real binary: the planner's notes and reasons
//! (apache-ca.pem a copy, a directory or junk; openssl.conf a symbolic link; `--new-key ca`;
//! the vmconsole key a rotation leaves to copy), rhv-pki's own refusals to read a file (a
//! directory, a FIFO, a file too large), the `--host` values `hosts audit --ssh` refuses, and
//! what `hosts recover` says of a host it cannot plan or finish (private sshd, a `systemctl`
//! shim, `openssl s_server` as vdsm). Under `--lang ja` and `LANG=ja_JP.UTF-8` the line says
//! rhv-pki's own words in Japanese and quotes the evidence as it came; the English line and the
//! exit code are the same as before.

mod common;
#[path = "common/sshd.rs"]
mod sshd;

use common::i18n::{japanese, words, Ask};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const ASKS: [Ask; 3] = [Ask::C, Ask::JaLocale, Ask::JaFlag];

/// `c` asked in `ask`'s language.
fn asked(mut c: Command, ask: Ask, args: &[&str]) -> Output {
    c.env_remove("LC_ALL")
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
    c.args(args);
    common::output_within_a_minute(&mut c, "rhv-pki")
}

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The Japanese `ja` says what the English `en` says: Japanese, the evidence kept, no English
/// word of `en` but those of the evidence.
fn same_in_japanese(ask: Ask, en: &str, ja: &str, evidence: &[&str]) {
    assert!(japanese(ja), "{ask:?}: {ja}");
    for v in evidence {
        assert!(ja.contains(v), "{ask:?}: {v} not in {ja}");
    }
    let allowed: BTreeSet<String> = evidence.iter().flat_map(|v| words(v)).collect();
    let left: BTreeSet<String> = words(ja)
        .intersection(&words(en))
        .filter(|w| !allowed.contains(*w))
        .cloned()
        .collect();
    assert!(left.is_empty(), "{ask:?}: {left:?} left in {ja}");
}

/// The line of `text` starting (after its indent) with `prefix` and holding `holding`, and its
/// index among the lines starting with `prefix`.
fn line_of(text: &str, prefix: &str, holding: &str) -> Option<(usize, String)> {
    text.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with(prefix))
        .enumerate()
        .find(|(_, l)| l.contains(holding))
        .map(|(i, l)| (i, l.to_string()))
}

/// The `i`-th line of `text` starting with `prefix`.
fn nth_line(text: &str, prefix: &str, i: usize) -> String {
    text.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with(prefix))
        .nth(i)
        .unwrap_or_else(|| panic!("no line {i} starting with {prefix:?} in\n{text}"))
        .to_string()
}

/// Runs `args` (a fresh `Command` each time from `fresh`) in English and Japanese: see
/// [`check_run`].
fn check_line(
    fresh: &dyn Fn() -> (Command, Vec<String>),
    prefixes: (&str, &str),
    english: &str,
    evidence: &[&str],
) {
    let run = |ask: Ask| {
        let (c, args) = fresh();
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        asked(c, ask, &a)
    };
    check_run(&run, prefixes, english, evidence);
}

/// `run` in English and Japanese: the English output has the line `prefix_en` + `english`
/// exactly; the Japanese outputs have, at the same place among the `prefix_ja` lines, the same
/// thing in Japanese (the evidence kept, no other English word of it); same exit code.
fn check_run(
    run: &dyn Fn(Ask) -> Output,
    (prefix_en, prefix_ja): (&str, &str),
    english: &str,
    evidence: &[&str],
) {
    let mut code = None;
    let mut index = 0;
    for ask in ASKS {
        let o = run(ask);
        let text = out(&o);
        if ask == Ask::C {
            let want = format!("{prefix_en}{english}");
            let (i, line) = line_of(&text, prefix_en, english)
                .unwrap_or_else(|| panic!("no line {want:?} in\n{text}"));
            assert_eq!(line, want, "{text}");
            code = o.status.code();
            index = i;
        } else {
            assert_eq!(o.status.code(), code, "{ask:?}: {text}");
            let line = nth_line(&text, prefix_ja, index);
            same_in_japanese(ask, english, &line[prefix_ja.len()..], evidence);
        }
    }
}

/// The last line of standard error is `rhv-pki: error: ` + `english` in English, the same in
/// Japanese; same exit code.
fn check_error(fresh: &dyn Fn() -> (Command, Vec<String>), english: &str, evidence: &[&str]) {
    let mut code = None;
    for ask in ASKS {
        let (c, args) = fresh();
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = asked(c, ask, &a);
        let e = String::from_utf8_lossy(&o.stderr).into_owned();
        let line = e.lines().last().unwrap_or_default().to_string();
        if ask == Ask::C {
            assert_eq!(line, format!("rhv-pki: error: {english}"), "{}", out(&o));
            assert_ne!(o.status.code(), Some(0));
            code = o.status.code();
        } else {
            assert_eq!(o.status.code(), code, "{ask:?}: {}", out(&o));
            let body = line
                .strip_prefix("rhv-pki: エラー: ")
                .unwrap_or_else(|| panic!("{ask:?}: {e}"));
            same_in_japanese(ask, english, body, evidence);
        }
    }
}

fn apache_copy(p: &Path) {
    let a = p.join("apache-ca.pem");
    let _ = std::fs::remove_file(&a);
    std::fs::copy(p.join("ca.pem"), &a).unwrap();
}

fn apache_dir(p: &Path) {
    let a = p.join("apache-ca.pem");
    let _ = std::fs::remove_file(&a);
    std::fs::create_dir(&a).unwrap();
}

fn apache_junk(p: &Path) {
    let a = p.join("apache-ca.pem");
    let _ = std::fs::remove_file(&a);
    std::fs::write(&a, "junk\n").unwrap();
}

fn conf_link(p: &Path) {
    std::fs::rename(p.join("openssl.conf"), p.join("openssl.conf.real")).unwrap();
    std::os::unix::fs::symlink("openssl.conf.real", p.join("openssl.conf")).unwrap();
}

fn conf_dir(p: &Path) {
    std::fs::remove_file(p.join("openssl.conf")).unwrap();
    std::fs::create_dir(p.join("openssl.conf")).unwrap();
}

fn conf_large(p: &Path) {
    std::fs::write(p.join("openssl.conf"), vec![b'#'; 4 * 1024 * 1024 + 1]).unwrap();
}

fn serial_fifo(p: &Path) {
    let s = p.join("serial.txt");
    std::fs::remove_file(&s).unwrap();
    let st = Command::new("mkfifo").arg(&s).status().unwrap();
    assert!(st.success());
}

fn nothing(_: &Path) {}

/// `renew --new-key ca --dry-run` (the CA re-signed: apache-ca.pem is looked at).
const RENEW_CA: &[&str] = &["renew", "--new-key", "ca", "--dry-run"];

const ROOT: &str = "{root}";

/// `english` (and `evidence`) with `{root}` standing for the root of the copy, made once and
/// used by every language (the plans are dry runs and change nothing).
fn check_plan_line(
    sample: &'static str,
    edit: &'static dyn Fn(&Path),
    args: &'static [&'static str],
    prefixes: (&str, &str),
    english: &str,
    evidence: &[&str],
) {
    let dir = common::scenario(sample);
    edit(&common::pki(dir.path()));
    let root = dir.path().display().to_string();
    let english = english.replace(ROOT, &root);
    let ev: Vec<String> = evidence.iter().map(|e| e.replace(ROOT, &root)).collect();
    let ev: Vec<&str> = ev.iter().map(String::as_str).collect();
    let fresh = || {
        let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        v.push("--root".into());
        v.push(root.clone());
        (common::bin(), v)
    };
    check_line(&fresh, prefixes, &english, &ev);
}

#[test]
fn apache_ca_a_copy_is_said_in_japanese() {
    check_plan_line(
        "4.5-modern",
        &apache_copy,
        RENEW_CA,
        ("note: ", "注記: "),
        "apache-ca.pem is a copy of ca.pem (not the usual symlink to it): it is refreshed with the re-signed CA in the same transaction",
        &["apache-ca.pem", "ca.pem"],
    );
}

#[test]
fn new_key_as_the_reason_is_said_in_japanese() {
    check_plan_line(
        "4.5-modern",
        &nothing,
        RENEW_CA,
        ("why: ", "理由: "),
        "--new-key asked for it",
        &["--new-key"],
    );
}

#[test]
fn apache_ca_a_directory_is_said_in_japanese() {
    check_plan_line(
        "4.5-modern",
        &apache_dir,
        RENEW_CA,
        ("skipped apache-ca.pem: ", "除外 apache-ca.pem: "),
        "{root}/etc/pki/ovirt-engine/apache-ca.pem: cannot read: is a directory, not a regular file; left as is",
        &["{root}/etc/pki/ovirt-engine/apache-ca.pem"],
    );
}

#[test]
fn apache_ca_junk_is_said_in_japanese() {
    check_plan_line(
        "4.5-modern",
        &apache_junk,
        RENEW_CA,
        ("skipped apache-ca.pem: ", "除外 apache-ca.pem: "),
        "{root}/etc/pki/ovirt-engine/apache-ca.pem: no certificate found (no PEM block and not DER); left as is",
        &["{root}/etc/pki/ovirt-engine/apache-ca.pem", "PEM", "DER"],
    );
}

#[test]
fn an_openssl_conf_link_followed_is_said_in_japanese() {
    check_plan_line(
        "4.2-sha1",
        &conf_link,
        &["conf", "--dry-run"],
        ("note: ", "注記: "),
        "openssl.conf is a symbolic link: its target openssl.conf.real is replaced (owner, mode and SELinux label kept), the link stays",
        &["openssl.conf", "openssl.conf.real", "SELinux"],
    );
}

#[test]
fn the_vmconsole_key_to_copy_after_a_rotation_is_said_in_japanese() {
    check_plan_line(
        "console",
        &nothing,
        &["renew", "--new-key", "vmconsole-proxy-host", "--dry-run"],
        ("note: ", "注記: "),
        "certs/vmconsole-proxy-host-cert.pub is re-issued with vmconsole-proxy-host: the vmconsole proxy reads its copy {root}/etc/pki/ovirt-vmconsole/proxy-ssh_host_rsa-cert.pub, which this change does not write; copy it there afterwards (keep that file's owner and mode), and the new key of keys/vmconsole-proxy-host.p12 to {root}/etc/pki/ovirt-vmconsole/proxy-ssh_host_rsa (mode 0600, owner ovirt-vmconsole)",
        &[
            "certs/vmconsole-proxy-host-cert.pub",
            "vmconsole-proxy-host",
            "{root}/etc/pki/ovirt-vmconsole/proxy-ssh_host_rsa-cert.pub",
            "keys/vmconsole-proxy-host.p12",
            "{root}/etc/pki/ovirt-vmconsole/proxy-ssh_host_rsa ",
            "0600",
            "ovirt-vmconsole",
            "vmconsole",
        ],
    );
}

#[test]
fn an_openssl_conf_directory_is_said_in_japanese() {
    // audit: openssl.conf a directory, then too large (the finding's reason).
    const UNREADABLE: (&str, &str) = (
        "WARNING   unreadable                openssl.conf: ",
        "警告      unreadable                openssl.conf: ",
    );
    check_plan_line(
        "4.5-modern",
        &conf_dir,
        &["audit"],
        UNREADABLE,
        "is a directory, not a regular file",
        &[],
    );
}

#[test]
fn an_openssl_conf_too_large_is_said_in_japanese() {
    const UNREADABLE: (&str, &str) = (
        "WARNING   unreadable                openssl.conf: ",
        "警告      unreadable                openssl.conf: ",
    );
    check_plan_line(
        "4.5-modern",
        &conf_large,
        &["audit"],
        UNREADABLE,
        "larger than 4194304 bytes",
        &["4194304"],
    );
}

#[test]
fn a_fifo_where_serial_txt_should_be_is_said_in_japanese() {
    // renew --dry-run: serial.txt a FIFO (the error line).
    let dir = common::scenario("4.5-modern");
    serial_fifo(&common::pki(dir.path()));
    let root = dir.path().display().to_string();
    let serial = format!("{root}/etc/pki/ovirt-engine/serial.txt");
    check_error(
        &|| {
            (
                common::bin(),
                vec![
                    "renew".into(),
                    "--dry-run".into(),
                    "--root".into(),
                    root.clone(),
                ],
            )
        },
        &format!("{serial}: cannot read: is a FIFO, not a regular file"),
        &[&serial, "FIFO"],
    );
}

#[test]
fn host_values_hosts_audit_refuses_are_said_in_japanese() {
    let root = common::fixtures().join("4.5-modern").display().to_string();
    for (value, why) in [
        ("=x", "bad host name"),
        ("h=a:port", "bad port"),
        ("h=[::1]x", "garbage after ]"),
        ("h=[::1", "unclosed ["),
        ("h=a:0", "empty address or port 0"),
    ] {
        let quoted = format!("--host '{value}'");
        check_error(
            &|| {
                (
                    common::bin(),
                    vec![
                        "hosts".into(),
                        "audit".into(),
                        "--ssh".into(),
                        "--host".into(),
                        value.into(),
                        "--root".into(),
                        root.clone(),
                    ],
                )
            },
            &format!("{quoted}: {why} (expected NAME[=ADDR[:PORT]])"),
            &[&quoted, "NAME[=ADDR[:PORT]]"],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// hosts recover (a private sshd; host trees by scripts/make-test-host.sh; vdsm as s_server)

/// systemctl on the test host: records the call; `fail-restart-UNIT` makes that restart fail;
/// restarting vdsmd restarts the TLS server.
const SHIM: &str = r#"#!/bin/sh
root=$RHV_TEST_HOST_ROOT
echo "$*" >> "$root/systemctl.log"
if [ -e "$root/fail-restart-$2" ]; then echo "Job for $2.service failed." >&2; exit 1; fi
if [ "$1" = restart ] && [ "$2" = vdsmd ]; then
  if [ -s "$root/vdsm.pid" ]; then kill "$(cat "$root/vdsm.pid")" 2>/dev/null; sleep 0.2; fi
  sh "$root/start-vdsm.sh"
fi
exit 0
"#;

const HOST: &str = "host2.example.test";

/// The Manager (4.5 sample), one expired host with its vdsm served by `openssl s_server`.
struct Bed {
    manager: tempfile::TempDir,
    hosts: tempfile::TempDir,
    backups: tempfile::TempDir,
    sshd: sshd::Sshd,
    vdsm_port: u16,
}

impl Bed {
    /// `serve`: start vdsm (the runs that install need it; the plans do not).
    fn new(edit: &dyn Fn(&Path), serve: bool) -> Bed {
        let hosts = tempfile::tempdir().unwrap();
        let r = hosts.path().join(HOST);
        std::fs::create_dir_all(&r).unwrap();
        let bin = hosts.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("systemctl"), SHIM).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            bin.join("systemctl"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        let sshd = sshd::Sshd::start_with(sshd::SshdOptions {
            set_env: vec![
                (
                    "PATH".into(),
                    format!("{}:/usr/bin:/bin:/usr/sbin:/sbin", bin.display()),
                ),
                ("RHV_TEST_HOST_ROOT".into(), r.display().to_string()),
            ],
            ..Default::default()
        });
        let manager = common::scenario("4.5-modern");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make-test-host.sh");
        let o = Command::new("bash")
            .arg(script)
            .arg(common::pki(manager.path()))
            .arg(&r)
            .arg(HOST)
            .args(["--expired", "--stale-ca"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", common::text(&o));
        edit(&r);
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let vdsm_port = l.local_addr().unwrap().port();
        drop(l);
        std::fs::write(
            r.join("start-vdsm.sh"),
            format!(
                "cd {d}; setsid openssl s_server -quiet -www -accept 127.0.0.1:{vdsm_port} -cert {d}/etc/pki/vdsm/certs/vdsmcert.pem -key {d}/etc/pki/vdsm/keys/vdsmkey.pem </dev/null >/dev/null 2>&1 &\necho $! > {d}/vdsm.pid\n",
                d = r.display()
            ),
        )
        .unwrap();
        let bed = Bed {
            manager,
            hosts,
            backups: tempfile::tempdir().unwrap(),
            sshd,
            vdsm_port,
        };
        if serve {
            assert!(Command::new("sh")
                .arg(r.join("start-vdsm.sh"))
                .status()
                .unwrap()
                .success());
            let t = Instant::now();
            while std::net::TcpStream::connect(("127.0.0.1", vdsm_port)).is_err() {
                assert!(
                    t.elapsed() < Duration::from_secs(10),
                    "s_server did not start"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        bed
    }

    fn root(&self) -> PathBuf {
        self.hosts.path().join(HOST)
    }

    /// `rhv-pki hosts recover --ssh` on this bed, in `ask`'s language.
    fn recover(&self, ask: Ask, extra: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = common::bin();
        c.env_remove("SSH_AUTH_SOCK")
            .env_remove("RHV_PKI_FAULT")
            .stdin(Stdio::null());
        for (k, v) in env {
            c.env(k, v);
        }
        let port = self.vdsm_port.to_string();
        let host = format!("{HOST}=127.0.0.1:{}", self.sshd.port);
        let prefix = format!("{}/{{host}}", self.hosts.path().display());
        let mut args: Vec<&str> = vec![
            "hosts",
            "recover",
            "--ssh",
            "--root",
            self.manager.path().to_str().unwrap(),
            "--ssh-key",
            self.sshd.client_key.to_str().unwrap(),
            "--host-prefix",
            &prefix,
            "--host",
            &host,
            "--backup-dir",
            self.backups.path().to_str().unwrap(),
        ];
        let kh = self.sshd.known_hosts();
        args.extend(["--known-hosts", kh.to_str().unwrap()]);
        if !extra.contains(&"--vdsm-port") {
            args.extend(["--vdsm-port", &port]);
        }
        args.extend(extra);
        asked(c, ask, &args)
    }
}

impl Drop for Bed {
    fn drop(&mut self) {
        // Stop the vdsm stand-in this bed started (possibly restarted by the shim), by its pid.
        if let Ok(p) = std::fs::read_to_string(self.root().join("vdsm.pid")) {
            if let Ok(pid) = p.trim().parse::<i32>() {
                let _ = Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status();
            }
        }
    }
}

const FAILED: (&str, &str) = (
    "host host2.example.test: FAILED: ",
    "ホスト host2.example.test: 失敗: ",
);
const SKIPPED: (&str, &str) = ("skipped host2.example.test: ", "除外 host2.example.test: ");

/// The English line after `prefix` in `o`'s output (to learn the ports of this run).
fn after(o: &Output, prefix: &str) -> String {
    let text = out(o);
    line_of(&text, prefix, "")
        .unwrap_or_else(|| panic!("no {prefix:?} in\n{text}"))
        .1[prefix.len()..]
        .to_string()
}

#[test]
fn a_host_key_missing_is_said_in_japanese() {
    let key = "/etc/pki/vdsm/keys/vdsmkey.pem";
    // Plans change nothing: one bed serves every language.
    let bed = Bed::new(
        &|r: &Path| std::fs::remove_file(r.join(&key[1..])).unwrap(),
        false,
    );
    let run = |ask: Ask| bed.recover(ask, &["--dry-run"], &[]);
    check_run(
        &run,
        SKIPPED,
        "/etc/pki/vdsm/keys/vdsmkey.pem is missing: no key to keep; re-install the host or use Enroll Certificate (new key)",
        &[key],
    );
}

#[test]
fn a_host_key_openssl_cannot_read_is_said_in_japanese() {
    let key = "/etc/pki/vdsm/keys/vdsmkey.pem";
    let bed = Bed::new(
        &|r: &Path| std::fs::write(r.join(&key[1..]), "junk\n").unwrap(),
        false,
    );
    let run = |ask: Ask| bed.recover(ask, &["--dry-run"], &[]);
    let english = after(&run(Ask::C), SKIPPED.0);
    let prefix = format!("{key} cannot be used on the host: ");
    assert!(english.starts_with(&prefix), "{english}");
    let reason = english[prefix.len()..].to_string();
    check_run(&run, SKIPPED, &english, &[key, &reason]);
}

#[test]
fn a_restart_that_fails_on_the_host_is_said_in_japanese() {
    // A restart that fails on the host (the remote command's words quoted).
    let run = |ask: Ask| {
        let bed = Bed::new(
            &|r: &Path| std::fs::write(r.join("fail-restart-vdsmd"), "").unwrap(),
            true,
        );
        bed.recover(ask, &["--yes"], &[])
    };
    let english = after(&run(Ask::C), FAILED.0);
    let (target, brief) = english
        .strip_prefix("restart vdsmd: ")
        .and_then(|r| r.split_once(": 'systemctl restart vdsmd' failed (exit 1): "))
        .unwrap_or_else(|| panic!("{english}"));
    assert_eq!(brief, "Job for vdsmd.service failed.");
    check_run(
        &run,
        FAILED,
        &english.clone(),
        &[target, "vdsmd", "'systemctl restart vdsmd'", brief],
    );
}

#[test]
fn a_probe_that_never_sees_the_new_certificate_is_said_in_japanese() {
    // vdsm does not come back with the new certificate (nothing listens where it is probed).
    let run = |ask: Ask| {
        let bed = Bed::new(&|_: &Path| {}, true);
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port().to_string();
        drop(closed);
        bed.recover(
            ask,
            &["--yes", "--vdsm-port", &port, "--probe-timeout", "1"],
            &[],
        )
    };
    let english = after(&run(Ask::C), FAILED.0);
    let (endpoint, last) = english
        .split_once(" did not serve the new certificate within 1 s: ")
        .unwrap_or_else(|| panic!("{english}"));
    // What the system said of the connection, quoted.
    assert!(
        endpoint.starts_with("127.0.0.1:") && last.starts_with("127.0.0.1:"),
        "{english}"
    );
    let os = last.rsplit(": ").next().unwrap().to_string();
    let os = os.as_str();
    // The endpoint and port differ from run to run: compare the words, not the line.
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let o = run(ask);
        let line = nth_line(&out(&o), FAILED.1, 0);
        let body = &line[FAILED.1.len()..];
        assert!(o.status.code() == Some(1), "{}", out(&o));
        same_in_japanese(ask, &english, body, &[os]);
        assert!(body.contains(" 1 "), "{body}");
    }
}

#[test]
fn a_manager_write_failure_is_said_on_the_host_line_in_japanese() {
    // The Manager write fails and is rolled back: nothing is installed on the host.
    let run = |ask: Ask| {
        let bed = Bed::new(&|_: &Path| {}, true);
        bed.recover(ask, &["--yes"], &[("RHV_PKI_FAULT", "fail:1")])
    };
    let english = after(&run(Ask::C), FAILED.0);
    let inner = english
        .strip_prefix("Manager PKI write failed (")
        .and_then(|r| {
            r.strip_suffix("); it was rolled back and nothing was installed on this host")
        })
        .unwrap_or_else(|| panic!("{english}"))
        .to_string();
    // The fault's words are rhv-pki's too (said in Japanese): only its step number stays.
    assert_eq!(inner, "injected fault at write step 1");
    check_run(&run, FAILED, &english, &["Manager", "PKI", "1"]);
    // The Manager's own line: the fault and the roll-back in rhv-pki's words, the backup id
    // kept.
    let manager = after(&run(Ask::C), "Manager: FAILED: ");
    let backup = manager
        .strip_prefix("injected fault at write step 1; the Manager PKI was rolled back (backup ")
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{manager}"))
        .to_string();
    assert!(!backup.is_empty(), "{manager}");
    for ask in [Ask::JaLocale, Ask::JaFlag] {
        let text = out(&run(ask));
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix("Manager: 失敗: "))
            .unwrap_or_else(|| panic!("{ask:?}: {text}"));
        assert!(common::i18n::japanese(line), "{line}");
        for ours in ["injected", "fault", "rolled", "back", "backup"] {
            assert!(!line.contains(ours), "{ours:?} left in {line}");
        }
        assert!(line.contains("PKI") && line.contains('1'), "{line}");
        // Each run has its own backup id: the same form, a 14-digit time stamp.
        assert!(
            line.split(|c: char| !c.is_ascii_digit())
                .any(|w| w.len() == backup.len()),
            "{line}"
        );
    }
}
