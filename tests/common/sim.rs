//! A running `rhv-manager-sim` for tests: started on a copy of a sample PKI, stopped on drop,
//! with the connection details `rhv-pki hosts …` needs.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

pub const PASSWORD: &str = "sim-secret";

pub struct Sim {
    pub child: Child,
    pub root: tempfile::TempDir,
    /// `engine45.example.test`
    pub fqdn: String,
    pub port: u16,
    pub password_file: PathBuf,
    pub scenario_file: PathBuf,
    pub state_file: PathBuf,
    pub time_scale: f64,
}

impl Sim {
    /// Starts the simulator on a copy of testdata/pki/`sample` with `scenario` (TOML).
    pub fn start(sample: &str, scenario: &str, time_scale: f64) -> Sim {
        let root = super::scenario(sample);
        let scenario_file = root.path().join("scenario.toml");
        std::fs::write(&scenario_file, scenario).unwrap();
        let password_file = root.path().join("engine-password");
        std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
        let state_file = root.path().join("sim-state.json");
        let (child, fqdn, port) = spawn(
            &super::pki(root.path()),
            &scenario_file,
            &state_file,
            time_scale,
            "127.0.0.1:0",
        );
        Sim {
            child,
            root,
            fqdn,
            port,
            password_file,
            scenario_file,
            state_file,
            time_scale,
        }
    }

    /// Kills the simulator and starts it again on the same port from its state file.
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (child, _, _) = spawn(
            &super::pki(self.root.path()),
            &self.scenario_file,
            &self.state_file,
            self.time_scale,
            &format!("127.0.0.1:{}", self.port),
        );
        self.child = child;
    }

    pub fn pki(&self) -> PathBuf {
        super::pki(self.root.path())
    }

    pub fn url(&self) -> String {
        format!("https://{}:{}", self.fqdn, self.port)
    }

    /// The arguments that point `rhv-pki hosts …` at this simulator.
    pub fn engine_args(&self) -> Vec<String> {
        let mut v = vec![
            "--root".to_string(),
            self.root.path().display().to_string(),
            "--engine-url".into(),
            self.url(),
            "--connect-to".into(),
            format!("127.0.0.1:{}", self.port),
            "--password-file".into(),
            self.password_file.display().to_string(),
        ];
        for (name, ep) in self.vdsm_endpoints() {
            v.push("--vdsm-endpoint".into());
            v.push(format!("{name}={ep}"));
        }
        v
    }

    /// GET on the simulator (authenticated with Basic auth), JSON.
    pub fn get(&self, path: &str) -> serde_json::Value {
        let ca = std::fs::read(self.pki().join("ca.pem")).unwrap();
        let der = rustls_pki_types::pem::PemObject::from_pem_slice(&ca)
            .map(|c: rustls_pki_types::CertificateDer<'static>| c.to_vec())
            .unwrap();
        let v = Arc::new(
            rhv_pki::probe::PinnedVerifier::new(
                &der,
                Arc::new(|| {
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_secs() as i64
                }),
            )
            .unwrap(),
        );
        let cfg = rhv_pki::probe::pinned_client_config(v, None).unwrap();
        let name = rustls_pki_types::ServerName::try_from(self.fqdn.clone()).unwrap();
        let conn = rustls::ClientConnection::new(Arc::new(cfg), name).unwrap();
        let sock = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut tls = rustls::StreamOwned::new(conn, sock);
        use base64::Engine as _;
        let auth =
            base64::engine::general_purpose::STANDARD.encode(format!("admin@internal:{PASSWORD}"));
        write!(
            tls,
            "GET {path} HTTP/1.1\r\nHost: {}:{}\r\nAccept: application/json\r\nAuthorization: Basic {auth}\r\nConnection: close\r\n\r\n",
            self.fqdn, self.port
        )
        .unwrap();
        let mut buf = Vec::new();
        let _ = tls.read_to_end(&mut buf);
        let text = String::from_utf8_lossy(&buf).to_string();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_string()
        };
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {text}"))
    }

    /// Host name → `127.0.0.1:<vdsm port>`.
    pub fn vdsm_endpoints(&self) -> Vec<(String, String)> {
        let v = self.get("/sim/hosts");
        v["host"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["name"].as_str().unwrap().to_string(),
                    h["connect"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    /// Host name → status, from the API.
    pub fn statuses(&self) -> Vec<(String, String)> {
        let v = self.get("/ovirt-engine/api/hosts");
        v["host"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|h| {
                        (
                            h["name"].as_str().unwrap_or("").to_string(),
                            h["status"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn dechunk(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some((len, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(len.trim(), 16).unwrap_or(0);
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

fn spawn(
    pki: &Path,
    scenario: &Path,
    state: &Path,
    time_scale: f64,
    listen: &str,
) -> (Child, String, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rhv-manager-sim"))
        .args(["--pki-dir", &pki.display().to_string()])
        .args(["--listen", listen])
        .args(["--scenario", &scenario.display().to_string()])
        .args(["--state", &state.display().to_string()])
        .args(["--time-scale", &time_scale.to_string()])
        .env("RHV_SIM_PASSWORD", PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start rhv-manager-sim");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // listening https://<name>:<port>/ovirt-engine/api connect=127.0.0.1:<port>
    let url = line
        .split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("banner: {line}"));
    let hostport = url
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap();
    let (fqdn, port) = hostport.rsplit_once(':').unwrap();
    (child, fqdn.to_string(), port.parse().unwrap())
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A one-cluster scenario the enroll tests share: host1 (SPM), host2, host3, with a 2 GiB VM
/// on host1 and host2; `extra` is appended (faults, more hosts).
pub fn three_hosts(extra: &str) -> String {
    format!(
        r#"
[[clusters]]
name = "Default"

[[hosts]]
name = "host1"
spm = true
[[hosts]]
name = "host2"
[[hosts]]
name = "host3"

[[vms]]
name = "vm1"
host = "host1"
memory_mib = 2048
[[vms]]
name = "vm2"
host = "host2"
memory_mib = 2048
{extra}
"#
    )
}
