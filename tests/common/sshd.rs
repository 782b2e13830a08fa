//! A private OpenSSH server for tests: its own config, host key, authorized_keys and client
//! key, listening on 127.0.0.1 on a free port, stopped by its pid. Never touches the system sshd.
//!
//! Use it from a test file with `#[path = "common/sshd.rs"] mod sshd;`.
#![allow(dead_code)]

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SSHD: &str = "/usr/sbin/sshd";

/// Extra settings of one server.
#[derive(Default, Clone)]
pub struct SshdOptions {
    /// `SetEnv` lines for sessions (e.g. `PATH=<shim dir>:/usr/bin:/bin`).
    pub set_env: Vec<(String, String)>,
    /// Reuse this host key (to get the same key on a new server, or a changed one).
    pub host_key: Option<PathBuf>,
    /// Listen on this port instead of a free one (a "reinstalled host" at the same address).
    pub port: Option<u16>,
}

/// A running private sshd.
pub struct Sshd {
    pub dir: tempfile::TempDir,
    pub port: u16,
    /// Client private key (Ed25519, no passphrase) authorised for the current user.
    pub client_key: PathBuf,
    /// The server's host key (private) and its `.pub`.
    pub host_key: PathBuf,
    child: Child,
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// `ssh-keygen -t ed25519 -N '' -f path` (quiet).
pub fn keygen(path: &Path, kind: &str) {
    let mut args = vec!["-q", "-t", kind, "-N", "", "-C", "rhv-pki-test", "-f"];
    let p = path.to_str().unwrap();
    args.push(p);
    if kind == "rsa" {
        args.extend_from_slice(&["-b", "2048"]);
    }
    let st = Command::new("ssh-keygen").args(&args).status().unwrap();
    assert!(st.success(), "ssh-keygen failed");
}

impl Sshd {
    pub fn start() -> Sshd {
        Sshd::start_with(SshdOptions::default())
    }

    pub fn start_with(opts: SshdOptions) -> Sshd {
        assert!(
            Path::new(SSHD).exists(),
            "{SSHD} missing: run scripts/setup.sh (installs openssh-server)"
        );
        // Privilege separation directory sshd insists on.
        let _ = std::fs::create_dir_all("/run/sshd");
        let dir = tempfile::tempdir().unwrap();
        let host_key = dir.path().join("ssh_host_ed25519_key");
        match &opts.host_key {
            Some(k) => {
                std::fs::copy(k, &host_key).unwrap();
                let pubp = PathBuf::from(format!("{}.pub", k.display()));
                if pubp.exists() {
                    std::fs::copy(&pubp, format!("{}.pub", host_key.display())).unwrap();
                }
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&host_key, std::fs::Permissions::from_mode(0o600))
                    .unwrap();
            }
            None => keygen(&host_key, "ed25519"),
        }
        let client_key = dir.path().join("id_ed25519");
        keygen(&client_key, "ed25519");
        let auth = dir.path().join("authorized_keys");
        std::fs::copy(format!("{}.pub", client_key.display()), &auth).unwrap();
        for attempt in 0..5 {
            let port = opts.port.unwrap_or_else(free_port);
            let conf = dir.path().join("sshd_config");
            let mut c = std::fs::File::create(&conf).unwrap();
            writeln!(
                c,
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\n\
                 PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
                 StrictModes no\nPermitRootLogin prohibit-password\nPidFile {}\n\
                 LogLevel ERROR\nMaxStartups 200\nMaxSessions 50\nUseDNS no",
                host_key.display(),
                auth.display(),
                dir.path().join("sshd.pid").display()
            )
            .unwrap();
            if !opts.set_env.is_empty() {
                let line: Vec<String> = opts
                    .set_env
                    .iter()
                    .map(|(k, v)| format!("\"{k}={v}\""))
                    .collect();
                writeln!(c, "SetEnv {}", line.join(" ")).unwrap();
            }
            drop(c);
            let log = std::fs::File::create(dir.path().join("sshd.log")).unwrap();
            let mut child = Command::new(SSHD)
                .arg("-D")
                .arg("-e")
                .arg("-f")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .unwrap();
            let start = Instant::now();
            let mut up = false;
            while start.elapsed() < Duration::from_secs(10) {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    up = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if up {
                return Sshd {
                    dir,
                    port,
                    client_key,
                    host_key,
                    child,
                };
            }
            let _ = child.kill();
            let _ = child.wait();
            // Most likely the port was taken between probe and bind: try another one.
            if attempt == 4 {
                let log = std::fs::read_to_string(dir.path().join("sshd.log")).unwrap_or_default();
                panic!("private sshd did not start: {log}");
            }
        }
        unreachable!()
    }

    /// The `.pub` of the host key as `type base64`.
    pub fn host_key_pub(&self) -> String {
        let t = std::fs::read_to_string(format!("{}.pub", self.host_key.display())).unwrap();
        let mut f = t.split_whitespace();
        format!("{} {}", f.next().unwrap(), f.next().unwrap())
    }

    /// A known_hosts line trusting this server (`[127.0.0.1]:port type key`).
    pub fn known_hosts_line(&self) -> String {
        format!("[127.0.0.1]:{} {}\n", self.port, self.host_key_pub())
    }

    /// Writes a known_hosts file trusting this server; returns its path.
    pub fn known_hosts(&self) -> PathBuf {
        let p = self.dir.path().join("known_hosts");
        std::fs::write(&p, self.known_hosts_line()).unwrap();
        p
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        // Stop exactly the server we started, by its pid.
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(3) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
