//! The Manager-side harness (one per concern: tests/common/sim.rs is the REST API simulator,
//! tests/common/sshd.rs the hosts' SSH). A test "Manager": a copy of a sample PKI, a private Debian apache2 (mod_ssl) serving its
//! `certs/apache.cer`, an `openssl s_server` as websocket-proxy, and stand-in `systemctl` /
//! `hosted-engine` commands that really restart those servers and record every call — with
//! the serial on disk at that moment and the serial apache serves — to one log.
//! Everything listens on 127.0.0.1 on free ports and is stopped by its pid on drop.
#![allow(dead_code)]

use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub const APACHE2: &str = "/usr/sbin/apache2";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_listening(port: u16, what: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} did not listen on 127.0.0.1:{port}");
}

/// Serial of a certificate file according to the openssl CLI (the independent judge).
pub fn disk_serial(path: &Path) -> String {
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-serial", "-in"])
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl x509 {}", path.display());
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .trim_start_matches("serial=")
        .to_string()
}

/// What `openssl s_client` sees on 127.0.0.1:port: (serial, signature algorithm).
pub fn served(port: u16) -> (String, String) {
    let sc = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "echo | timeout 10 openssl s_client -connect 127.0.0.1:{port} -cipher DEFAULT@SECLEVEL=0 2>/dev/null | openssl x509 -noout -serial -text"
        ))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&sc.stdout).to_string();
    let serial = text
        .lines()
        .find_map(|l| l.strip_prefix("serial="))
        .unwrap_or_else(|| panic!("nothing served on {port}: {text}"))
        .trim()
        .to_string();
    let sig = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Signature Algorithm:"))
        .unwrap_or("")
        .trim()
        .to_string();
    (serial, sig)
}

pub struct Manager {
    pub root: tempfile::TempDir,
    pub state: tempfile::TempDir,
    pub apache_port: u16,
    pub wsp_port: u16,
    pub fqdn: String,
}

impl Manager {
    /// A Manager from `scenario` with apache (+ websocket-proxy s_server) running, global
    /// maintenance off, and the given units "installed": `(unit, "enabled"|"disabled"|"masked", running)`.
    pub fn start(scenario: &str, units: &[(&str, &str, bool)]) -> Manager {
        assert!(
            Path::new(APACHE2).exists(),
            "{APACHE2} missing: scripts/setup.sh installs apache2"
        );
        let root = super::scenario(scenario);
        let state = tempfile::tempdir().unwrap();
        let fqdn = std::fs::read_to_string(
            root.path()
                .join("etc/ovirt-engine/engine.conf.d/10-setup-protocols.conf"),
        )
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("ENGINE_FQDN=").map(str::to_string))
        .unwrap();
        let mut m = Manager {
            apache_port: free_port(),
            wsp_port: free_port(),
            root,
            state,
            fqdn,
        };
        let s = m.state.path().to_path_buf();
        let s = s.as_path();
        std::fs::create_dir_all(s.join("units")).unwrap();
        std::fs::create_dir_all(s.join("bin")).unwrap();
        std::fs::create_dir_all(s.join("run")).unwrap();
        for (u, en, running) in units {
            std::fs::write(
                s.join("units").join(u),
                format!("{en} {}\n", if *running { "active" } else { "inactive" }),
            )
            .unwrap();
        }
        std::fs::write(s.join("gm"), "false\n").unwrap();
        std::fs::write(s.join("calls.log"), "").unwrap();
        // `free_port` lets the port go before apache / s_server bind it, so another process
        // may take it in between: then the server cannot bind, and we try fresh ports.
        for attempt in 1..=5 {
            m.write_httpd_conf();
            m.write_shims();
            if m.try_apache("start") && m.try_start_wsp() {
                wait_listening(m.apache_port, "apache");
                return m;
            }
            eprintln!(
                "test Manager: a port was taken before our server bound it (attempt {attempt}); trying others"
            );
            m.apache("stop-quietly");
            m.apache_port = free_port();
            m.wsp_port = free_port();
        }
        panic!("test Manager: apache or s_server could not bind a free port in 5 attempts");
    }

    pub fn pki(&self) -> PathBuf {
        super::pki(self.root.path())
    }
    pub fn shims(&self) -> PathBuf {
        self.state.path().join("bin")
    }
    pub fn root_str(&self) -> &str {
        self.root.path().to_str().unwrap()
    }

    pub fn write_httpd_conf(&self) {
        let s = self.state.path().join("run");
        let p = self.pki();
        let conf = format!(
            r#"ServerRoot "{s}"
DefaultRuntimeDir "{s}"
PidFile "{s}/httpd.pid"
ErrorLog "{s}/error.log"
LogLevel warn
Mutex file:{s} default
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so
ServerName {fqdn}
Listen 127.0.0.1:{port}
User nobody
Group nogroup
<VirtualHost 127.0.0.1:{port}>
  SSLEngine on
  # SHA-1 certificates (our users' 4.2 Managers) need the security level lowered.
  SSLCipherSuite DEFAULT@SECLEVEL=0
  SSLCertificateFile {p}/certs/apache.cer
  SSLCertificateKeyFile {p}/keys/apache.key.nopass
</VirtualHost>
"#,
            s = s.display(),
            p = p.display(),
            fqdn = self.fqdn,
            port = self.apache_port
        );
        std::fs::write(s.join("httpd.conf"), conf).unwrap();
    }

    pub fn apache(&self, verb: &str) {
        if verb == "stop-quietly" {
            // Stop whatever may have started; nothing to assert.
            let _ = Command::new(APACHE2)
                .arg("-f")
                .arg(self.state.path().join("run/httpd.conf"))
                .args(["-k", "stop"])
                .stderr(std::process::Stdio::null())
                .status();
            self.wait_apache_gone();
            return;
        }
        assert!(self.try_apache(verb), "apache2 -k {verb}");
        if verb == "stop" {
            self.wait_apache_gone();
        }
    }

    /// `apache2 -k stop` only signals the server: wait until its process is gone, or a start
    /// right after would find it "already running" (and keep its old port).
    fn wait_apache_gone(&self) {
        let pidfile = self.state.path().join("run/httpd.pid");
        let Some(pid) = std::fs::read_to_string(&pidfile)
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
        else {
            return;
        };
        let start = Instant::now();
        // Gone, or a zombie nobody reaped yet (its sockets are closed).
        let alive = || {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map(|st| {
                    st.rsplit_once(") ")
                        .is_some_and(|(_, rest)| !rest.starts_with('Z'))
                })
                .unwrap_or(false)
        };
        while alive() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "apache (pid {pid}) did not stop"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `apache2 -k verb`; false when it failed (e.g. it could not bind its port: apache binds
    /// before it detaches, so the exit status says so).
    pub fn try_apache(&self, verb: &str) -> bool {
        Command::new(APACHE2)
            .arg("-f")
            .arg(self.state.path().join("run/httpd.conf"))
            .args(["-k", verb])
            .status()
            .unwrap()
            .success()
    }

    /// Start the websocket-proxy s_server and wait until *it* listens: s_server prints
    /// `ACCEPT` once bound; if it exits first (its port was taken), false.
    pub fn try_start_wsp(&self) -> bool {
        let run = self.state.path().join("run");
        // The previous s_server's log says ACCEPT too: read only the new one.
        let _ = std::fs::remove_file(run.join("wsp.log"));
        let st = Command::new(self.shims().join("start-wsp"))
            .status()
            .unwrap();
        assert!(st.success());
        let pid: i32 = std::fs::read_to_string(run.join("wsp.pid"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            let log = std::fs::read_to_string(run.join("wsp.log")).unwrap_or_default();
            if log.contains("ACCEPT") {
                wait_listening(self.wsp_port, "s_server");
                return true;
            }
            if !Path::new(&format!("/proc/{pid}")).exists() {
                eprintln!("s_server exited: {log}");
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("s_server did not listen on 127.0.0.1:{}", self.wsp_port);
    }

    pub fn write_shims(&self) {
        let s = self.state.path();
        let p = self.pki();
        let common = format!(
            r#"S="{s}"
P="{p}"
disk() {{ openssl x509 -noout -serial -in "$P/certs/$1.cer" 2>/dev/null | sed 's/serial=//'; }}
served() {{ echo | timeout 5 openssl s_client -connect 127.0.0.1:{ap} -cipher DEFAULT@SECLEVEL=0 2>/dev/null | openssl x509 -noout -serial 2>/dev/null | sed 's/serial=//'; }}
log() {{ echo "$* disk_apache=$(disk apache) served_apache=$(served)" >> "$S/calls.log"; }}
"#,
            s = s.display(),
            p = p.display(),
            ap = self.apache_port
        );
        let wsp = format!(
            r#"#!/bin/bash
{common}
if [ -f "$S/run/wsp.pid" ]; then kill "$(cat "$S/run/wsp.pid")" 2>/dev/null; sleep 0.2; fi
setsid openssl s_server -accept 127.0.0.1:{port} -cert "$P/certs/websocket-proxy.cer" -key "$P/keys/websocket-proxy.key.nopass" -cipher DEFAULT@SECLEVEL=0 -www </dev/null >"$S/run/wsp.log" 2>&1 &
echo $! > "$S/run/wsp.pid"
"#,
            port = self.wsp_port
        );
        let systemctl = format!(
            r#"#!/bin/bash
{common}
log "systemctl $*"
unit="$2"
f="$S/units/$unit"
case "$1" in
  is-enabled)
    if [ ! -f "$f" ]; then echo "Failed to get unit file state for $unit.service: No such file or directory" >&2; exit 1; fi
    read en act < "$f"; echo "$en"; [ "$en" = enabled ]; exit $? ;;
  is-active)
    if [ ! -f "$f" ]; then echo inactive; exit 3; fi
    read en act < "$f"; echo "$act"; [ "$act" = active ]; exit $? ;;
  restart)
    if [ ! -f "$f" ]; then echo "Failed to restart $unit.service: Unit $unit.service not found." >&2; exit 5; fi
    if [ -f "$S/fail-$unit" ]; then echo "Job for $unit.service failed because the control process exited with error code." >&2; exit 1; fi
    if [ -f "$S/noop-$unit" ]; then exit 0; fi
    case "$unit" in
      httpd) {apache2} -f "$S/run/httpd.conf" -k restart || exit 1 ;;
      ovirt-websocket-proxy) "$S/bin/start-wsp" || exit 1 ;;
    esac
    read en act < "$f"; echo "$en active" > "$f"; exit 0 ;;
esac
echo "systemctl shim: unsupported $*" >&2; exit 2
"#,
            apache2 = APACHE2
        );
        let he = format!(
            r#"#!/bin/bash
{common}
log "hosted-engine $*"
case "$1" in
  --vm-status)
    [ -f "$S/he-broken" ] && {{ echo "The hosted engine configuration has not been retrieved from shared storage." >&2; exit 1; }}
    gm=$(cat "$S/gm")
    printf '{{"1": {{"hostname": "he1.example.test", "host-id": 1, "engine-status": {{"vm": "up", "health": "good", "detail": "Up", "reason": ""}}, "score": 3400, "stopped": false, "maintenance": false, "crc32": "6e4ec1c1", "local_conf_timestamp": 1, "host-ts": 1, "conf_on_shared_storage": true, "live-data": true, "extra": ""}}, "2": {{"hostname": "he2.example.test", "host-id": 2, "engine-status": {{"vm": "down", "health": "bad", "detail": "unknown", "reason": "vm not running on this host"}}, "score": 3400, "stopped": false, "maintenance": false, "crc32": "1", "local_conf_timestamp": 1, "host-ts": 1, "conf_on_shared_storage": true, "live-data": true, "extra": ""}}, "global_maintenance": %s}}\n' "$gm" ;;
  --set-maintenance)
    [ -f "$S/he-fail" ] && {{ echo "Cannot connect to the HA daemon, please check the logs." >&2; exit 1; }}
    [ -f "$S/he-ignore" ] && exit 0
    [ -f "$S/he-ignore-none" ] && [ "$2" = "--mode=none" ] && exit 0
    case "$2" in --mode=global) echo true > "$S/gm" ;; --mode=none) echo false > "$S/gm" ;; *) exit 2 ;; esac ;;
  *) echo "hosted-engine shim: unsupported $*" >&2; exit 2 ;;
esac
"#
        );
        for (name, text) in [
            ("start-wsp", wsp),
            ("systemctl", systemctl),
            ("hosted-engine", he),
        ] {
            let f = self.shims().join(name);
            std::fs::write(&f, text).unwrap();
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }

    /// Switch on a failure mode of a shim (`fail-httpd`, `noop-httpd`, `he-ignore`, …).
    pub fn flag(&self, name: &str) {
        std::fs::write(self.state.path().join(name), "").unwrap();
    }
    pub fn set_gm(&self, on: bool) {
        std::fs::write(self.state.path().join("gm"), format!("{on}\n")).unwrap();
    }
    pub fn gm(&self) -> bool {
        std::fs::read_to_string(self.state.path().join("gm"))
            .unwrap()
            .trim()
            == "true"
    }
    pub fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.state.path().join("calls.log"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }
    pub fn clear_calls(&self) {
        std::fs::write(self.state.path().join("calls.log"), "").unwrap();
    }
    pub fn apache_disk_serial(&self) -> String {
        disk_serial(&self.pki().join("certs/apache.cer"))
    }
    pub fn httpd_ep(&self) -> String {
        format!("httpd=127.0.0.1:{}", self.apache_port)
    }
    pub fn wsp_ep(&self) -> String {
        format!("websocket-proxy=127.0.0.1:{}", self.wsp_port)
    }

    /// The real binary with the shims first in PATH.
    pub fn rhv_pki(&self, args: &[&str]) -> std::process::Output {
        let path = format!(
            "{}:{}",
            self.shims().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        super::bin()
            .args(args)
            .env("PATH", path)
            .env_remove("RHV_PKI_P12_PASSWORD")
            .env_remove("RHV_PKI_FAULT")
            .output()
            .unwrap()
    }

    /// Every file of the PKI dir with its sha256 (to prove "nothing changed").
    pub fn pki_digest(&self) -> Vec<(String, String)> {
        let out = Command::new("sh")
            .arg("-c")
            .arg("find . -type f -print0 | sort -z | xargs -0 sha256sum")
            .current_dir(self.pki())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                l.split_once("  ")
                    .map(|(h, f)| (f.to_string(), h.to_string()))
            })
            .collect()
    }
}

impl Drop for Manager {
    fn drop(&mut self) {
        let run = self.state.path().join("run");
        let _ = Command::new(APACHE2)
            .arg("-f")
            .arg(run.join("httpd.conf"))
            .args(["-k", "stop"])
            .status();
        if let Ok(pid) = std::fs::read_to_string(run.join("wsp.pid")) {
            if let Ok(pid) = pid.trim().parse::<i32>() {
                // The s_server this harness started.
                let _ = Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status();
            }
        }
        // Wait for apache to be gone before its directory is removed.
        let start = Instant::now();
        while run.join("httpd.pid").exists() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

pub fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): stdout={} stderr={}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
