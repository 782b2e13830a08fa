//! The one simulator harness: a running `rhv-manager-sim` started on a copy of a sample PKI
//! (password from one file, [`PASSWORD`]), stopped on drop, restartable from its state file;
//! the connection details `rhv-pki hosts …` needs; and [`Client`], an HTTPS client pinned to
//! the sample's CA (SNI and verification name = the engine FQDN, the socket goes to
//! 127.0.0.1) for the API, `/sim/hosts` and `/sim/report`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The `admin@internal` password of every simulator the tests start (written to
/// [`Sim::password_file`], the only way it reaches the simulator).
pub const PASSWORD: &str = "sim-secret";

/// The simulator binary (built by `cargo test` through the `sim` feature).
pub fn sim_bin() -> &'static str {
    env!("CARGO_BIN_EXE_rhv-manager-sim")
}

pub struct Sim {
    /// `None` once killed or exited.
    pub child: Option<Child>,
    pub root: tempfile::TempDir,
    /// e.g. `engine45.example.test`
    pub fqdn: String,
    pub port: u16,
    pub password_file: PathBuf,
    pub state_file: PathBuf,
    /// Every argument but `--listen`.
    args: Vec<String>,
}

impl Sim {
    /// Starts the simulator on a copy of testdata/pki/`sample` with `scenario` (TOML) at
    /// `time_scale`.
    pub fn start(sample: &str, scenario: &str, time_scale: f64) -> Sim {
        Sim::with_args(
            sample,
            Some(scenario),
            &["--time-scale", &time_scale.to_string()],
        )
    }

    /// Starts the simulator on a copy of `sample`, with an optional scenario (the built-in
    /// default without) and extra command-line arguments.
    pub fn with_args(sample: &str, scenario: Option<&str>, extra: &[&str]) -> Sim {
        let root = super::scenario(sample);
        let password_file = root.path().join("engine-password");
        std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
        let state_file = root.path().join("sim-state.json");
        let mut args = vec![
            "--pki-dir".to_string(),
            super::pki(root.path()).display().to_string(),
            "--password-file".into(),
            password_file.display().to_string(),
            "--state".into(),
            state_file.display().to_string(),
        ];
        if let Some(s) = scenario {
            let p = root.path().join("scenario.toml");
            std::fs::write(&p, s).unwrap();
            args.push("--scenario".into());
            args.push(p.display().to_string());
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let mut sim = Sim {
            child: None,
            root,
            fqdn: String::new(),
            port: 0,
            password_file,
            state_file,
            args,
        };
        sim.spawn();
        sim
    }

    /// Starts the (stopped) process again with the same arguments and state file, on the
    /// same API port once it has one.
    pub fn spawn(&mut self) {
        assert!(self.child.is_none(), "the simulator is still running");
        let listen = format!("127.0.0.1:{}", self.port);
        let mut child = Command::new(sim_bin())
            .args(&self.args)
            .args(["--listen", &listen])
            .env_remove("RHV_SIM_PASSWORD")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start rhv-manager-sim");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // listening https://<fqdn>:<port>/ovirt-engine/api connect=127.0.0.1:<port>
        let url = line
            .strip_prefix("listening https://")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
        let (hostport, rest) = url.split_once('/').unwrap();
        let (host, port) = hostport.rsplit_once(':').unwrap();
        assert!(
            rest.starts_with("ovirt-engine/api connect=127.0.0.1:"),
            "{line}"
        );
        assert_eq!(rest.trim().rsplit(':').next().unwrap(), port);
        self.fqdn = host.to_string();
        self.port = port.parse().unwrap();
        self.child = Some(child);
    }

    /// SIGKILL (a crashed Manager); [`Sim::spawn`] brings it back from its state file.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Kills the simulator and starts it again on the same port from its state file.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// The process ended by itself (an injected crash), without waiting.
    pub fn exited(&mut self) -> bool {
        let Some(c) = self.child.as_mut() else {
            return true;
        };
        if c.try_wait().unwrap().is_some() {
            self.child = None;
            return true;
        }
        false
    }

    /// Waits for the process to exit by itself (injected crash) and returns its code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let mut c = self.child.take()?;
        let t0 = Instant::now();
        loop {
            if let Some(st) = c.try_wait().unwrap() {
                return st.code();
            }
            if t0.elapsed() > timeout {
                let _ = c.kill();
                let _ = c.wait();
                panic!("simulator did not exit within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
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

    pub fn client(&self) -> Client {
        let ca = std::fs::read(self.pki().join("ca.pem")).unwrap();
        let der = rustls_pki_types::pem::PemObject::from_pem_slice(&ca)
            .map(|c: rustls_pki_types::CertificateDer<'static>| c.to_vec())
            .unwrap();
        Client {
            port: self.port,
            name: self.fqdn.clone(),
            ca_der: der,
            token: None,
            json: true,
        }
    }

    /// GET `path` (a full path: `/ovirt-engine/api/hosts`, `/sim/hosts`) with Basic auth,
    /// which must answer 200 with JSON.
    pub fn get(&self, path: &str) -> serde_json::Value {
        use base64::Engine as _;
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("admin@internal:{PASSWORD}"))
        );
        let r = self.client().raw(
            "GET",
            path,
            &[("Accept", "application/json"), ("Authorization", &auth)],
            b"",
        );
        assert_eq!(r.status, 200, "GET {path}: {}", r.body);
        r.json()
    }

    /// What the simulator saw (`GET /sim/report`): requests and answers per endpoint,
    /// actions and refusals per host, enrollments, `faultsFired`, most hosts out at once.
    pub fn report(&self) -> serde_json::Value {
        self.get("/sim/report")
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

impl Drop for Sim {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The number of times the simulator's report says fault `key` fired (`http_5xx /hosts`,
/// `install_failed host2`, …; see `faultsFired` in `GET /sim/report`).
pub fn fired(report: &serde_json::Value, key: &str) -> u64 {
    report["faultsFired"][key].as_u64().unwrap_or(0)
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

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTPS client of the simulator: one fresh TLS connection per request, verified against
/// the sample's CA.
pub struct Client {
    pub port: u16,
    pub name: String,
    pub ca_der: Vec<u8>,
    pub token: Option<String>,
    pub json: bool,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Client {
    /// One HTTP/1.1 request over a fresh TLS connection verified against the pinned CA.
    pub fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        let verifier =
            Arc::new(rhv_pki::net::tls::PinnedVerifier::new(&self.ca_der, Arc::new(now)).unwrap());
        let cfg = rhv_pki::net::tls::pinned_client_config(verifier, None).unwrap();
        let name = rustls_pki_types::ServerName::try_from(self.name.clone()).unwrap();
        let conn = rustls::ClientConnection::new(Arc::new(cfg), name).unwrap();
        let sock = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut tls = rustls::StreamOwned::new(conn, sock);
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.name,
            self.port,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        tls.write_all(req.as_bytes()).unwrap();
        tls.write_all(body).unwrap();
        tls.flush().unwrap();
        let mut buf = Vec::new();
        match tls.read_to_end(&mut buf) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {}
            Err(e) => panic!("{method} {path}: {e}"),
        }
        let text = String::from_utf8_lossy(&buf).into_owned();
        let (head, body) = text
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("{method} {path}: no HTTP response: {text:?}"));
        let mut lines = head.lines();
        let status: u16 = lines
            .next()
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let chunked = headers.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
        });
        Resp {
            status,
            headers,
            body: if chunked {
                dechunk(body)
            } else {
                body.to_string()
            },
        }
    }

    pub fn login_with(&self, user: &str, password: &str, accept: &str) -> Resp {
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "password")
            .append_pair("scope", "ovirt-app-api")
            .append_pair("username", user)
            .append_pair("password", password)
            .finish();
        self.raw(
            "POST",
            "/ovirt-engine/sso/oauth/token",
            &[
                ("Accept", accept),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            form.as_bytes(),
        )
    }

    pub fn login(&mut self) {
        let r = self.login_with("admin@internal", PASSWORD, "application/json");
        assert_eq!(r.status, 200, "{}", r.body);
        self.token = Some(r.json()["access_token"].as_str().unwrap().to_string());
    }

    fn auth(&self) -> Vec<(&'static str, String)> {
        let mut h = vec![(
            "Accept",
            if self.json {
                "application/json".to_string()
            } else {
                "application/xml".to_string()
            },
        )];
        if let Some(t) = &self.token {
            h.push(("Authorization", format!("Bearer {t}")));
        }
        h.push(("Version", "4".into()));
        h
    }

    pub fn get(&self, rel: &str) -> Resp {
        let h = self.auth();
        let hr: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.raw("GET", &format!("/ovirt-engine/api{rel}"), &hr, b"")
    }

    pub fn post(&self, rel: &str, body: &str) -> Resp {
        let mut h = self.auth();
        h.push((
            "Content-Type",
            if body.trim_start().starts_with('<') {
                "application/xml".into()
            } else {
                "application/json".into()
            },
        ));
        let hr: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.raw(
            "POST",
            &format!("/ovirt-engine/api{rel}"),
            &hr,
            body.as_bytes(),
        )
    }

    /// GET that must succeed, as JSON.
    pub fn getj(&self, rel: &str) -> serde_json::Value {
        let r = self.get(rel);
        assert_eq!(r.status, 200, "GET {rel}: {}", r.body);
        r.json()
    }

    /// `GET /sim/report` (sim-only, no authentication).
    pub fn report(&self) -> serde_json::Value {
        let r = self.raw("GET", "/sim/report", &[], b"");
        assert_eq!(r.status, 200, "GET /sim/report: {}", r.body);
        r.json()
    }

    pub fn host_id(&self, name: &str) -> String {
        let v = self.getj(&format!("/hosts?search=name%3D{name}"));
        v["host"][0]["id"].as_str().unwrap().to_string()
    }

    pub fn vm_id(&self, name: &str) -> String {
        let v = self.getj(&format!("/vms?search=name%3D{name}"));
        v["vm"][0]["id"].as_str().unwrap().to_string()
    }

    pub fn status(&self, host_id: &str) -> String {
        self.getj(&format!("/hosts/{host_id}"))["status"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Polls until the host has `want`; returns every distinct status seen on the way.
    pub fn wait_status(&self, host_id: &str, want: &str, timeout: Duration) -> Vec<String> {
        let t0 = Instant::now();
        let mut seen: Vec<String> = Vec::new();
        loop {
            let s = self.status(host_id);
            if seen.last() != Some(&s) {
                seen.push(s.clone());
            }
            if s == want {
                return seen;
            }
            assert!(
                t0.elapsed() < timeout,
                "host {host_id} never reached {want}; saw {seen:?}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Polls `GET /jobs/{id}` until its status is `want` (`finished`, `failed`).
    pub fn wait_job(&self, job: &str, want: &str, timeout: Duration) {
        let t0 = Instant::now();
        loop {
            let s = self.getj(&format!("/jobs/{job}"))["status"]
                .as_str()
                .unwrap_or("")
                .to_string();
            if s == want {
                return;
            }
            assert!(
                t0.elapsed() < timeout,
                "job {job} never reached {want} (last: {s})"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    pub fn events(&self, query: &str) -> Vec<serde_json::Value> {
        let v = self.getj(&format!("/events{query}"));
        v.get("event")
            .and_then(|e| e.as_array())
            .cloned()
            .unwrap_or_default()
    }

    /// Ports of the vdsm endpoints: name -> port.
    pub fn vdsm_ports(&self) -> std::collections::HashMap<String, u16> {
        let r = self.raw("GET", "/sim/hosts", &[], b"");
        assert_eq!(r.status, 200);
        r.json()["host"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["name"].as_str().unwrap().to_string(),
                    h["vdsm_port"].as_u64().unwrap() as u16,
                )
            })
            .collect()
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

/// The DER certificate served on a vdsm port.
pub fn served_cert(port: u16, name: &str) -> Vec<u8> {
    let opts = rhv_pki::net::tls::ProbeOptions {
        server_name: Some(name),
        ..Default::default()
    };
    let s = rhv_pki::net::tls::fetch_chain(&format!("127.0.0.1:{port}"), &opts).unwrap();
    s.chain[0].clone()
}
