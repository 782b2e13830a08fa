//! `rhv-manager-sim`: a stand-in for the oVirt Manager's REST API subset rhv-pki drives
//! (SSO, hosts, VMs, clusters, events, jobs, the maintenance / enroll / activate cycle),
//! served over HTTPS with the apache certificate of a real PKI dir, with one vdsm TLS port
//! per simulated host. Tests and the README demo run against it because no real Manager is
//! available; see docs/simulator.md for the wire details and what is approximated.

pub mod api;
pub mod pki;
pub mod render;
pub mod report;
pub mod scenario;
pub mod state;

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use scenario::Scenario;
use state::{Effect, World};

/// Why the simulator cannot start (or stopped serving). Each variant names the file, the
/// host or the address, and keeps the underlying error as its source.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// `--listen` is not a loopback address.
    #[error("--listen {listen}: the simulator only listens on loopback addresses")]
    NotLoopback {
        /// The address given.
        listen: SocketAddr,
    },
    /// The directory has no `ca.pem`.
    #[error("{}: not an oVirt PKI dir (no ca.pem)", dir.display())]
    NotPkiDir {
        /// The directory given.
        dir: PathBuf,
    },
    /// The CA, or the shared host key, could not be loaded or made.
    #[error(transparent)]
    Pki(#[from] pki::PkiError),
    /// A file cannot be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The apache certificate or key file the PKI reader refused (its error names the file).
    #[error(transparent)]
    File(#[from] crate::pki::error::Error),
    /// The apache certificate file holds no certificate.
    #[error("{}: no certificate", path.display())]
    NoCertificate {
        /// The file.
        path: PathBuf,
    },
    /// The apache key is not the key of the apache certificate.
    #[error("{}: the key does not belong to {}", key.display(), cert.display())]
    KeyMismatch {
        /// The key file.
        key: PathBuf,
        /// The certificate file.
        cert: PathBuf,
    },
    /// The apache key cannot be encoded as PKCS#8 for rustls.
    #[error("{}: {}", path.display(), crate::pki::cert::first_openssl_reason(source))]
    KeyEncoding {
        /// The key file.
        path: PathBuf,
        /// OpenSSL's errors.
        #[source]
        source: openssl::error::ErrorStack,
    },
    /// rustls refused the apache certificate and key.
    #[error("{}: {source}", path.display())]
    ApacheTls {
        /// The certificate file.
        path: PathBuf,
        /// rustls' refusal.
        #[source]
        source: crate::net::tls::TlsError,
    },
    /// The state file is not one this simulator wrote.
    #[error("{}: not a simulator state file: {source}", path.display())]
    StateFile {
        /// The state file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The shared host key kept in the state file cannot be used.
    #[error("state file: shared host key: {0}")]
    StateHostKey(#[source] pki::PkiError),
    /// One host's certificate or TLS configuration could not be made.
    #[error("host {host}: {source}")]
    Host {
        /// The host's name.
        host: String,
        /// What failed.
        #[source]
        source: pki::PkiError,
    },
    /// One host's certificate could not be encoded as PEM.
    #[error("host {host}: {}", crate::pki::cert::first_openssl_reason(source))]
    HostPem {
        /// The host's name.
        host: String,
        /// OpenSSL's errors.
        #[source]
        source: openssl::error::ErrorStack,
    },
    /// A host serves its initial certificate but the state file has no shared host key.
    #[error("host {host}: no key (state file without the shared host key)")]
    NoHostKey {
        /// The host's name.
        host: String,
    },
    /// A thread issuing certificates or building configurations panicked.
    #[error("a worker panicked")]
    WorkerPanicked,
    /// No vdsm port could be bound for a host.
    #[error(
        "host {host}: cannot bind a vdsm port: {source}{}",
        if source.raw_os_error() == Some(24) {
            " (one port per host: raise the open-files limit, ulimit -n)"
        } else {
            ""
        }
    )]
    BindVdsm {
        /// The host's name.
        host: String,
        /// The I/O error (EMFILE: one port per host).
        #[source]
        source: std::io::Error,
    },
    /// A bound socket's own address cannot be read.
    #[error("{0}")]
    LocalAddr(#[source] std::io::Error),
    /// The API address cannot be bound.
    #[error("--listen {listen}: {source}")]
    Listen {
        /// The address given.
        listen: SocketAddr,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The server task ended abnormally.
    #[error("{0}")]
    Server(#[from] tokio::task::JoinError),
}

/// The state could not be saved (the simulator goes on, in memory).
#[derive(Debug, thiserror::Error)]
enum SaveError {
    #[error("{0}")]
    Encode(#[source] serde_json::Error),
    #[error(transparent)]
    Write(#[from] crate::sys::WriteError),
}

/// How to run a simulator.
pub struct Config {
    /// The PKI directory of the simulated Manager (its CA, apache certificate and host certificates).
    pub pki_dir: PathBuf,
    /// Where the REST API listens.
    pub listen: SocketAddr,
    /// The fleet and its behaviour.
    pub scenario: Scenario,
    /// Factor applied to every simulated duration (below 1 speeds the simulation up).
    pub time_scale: f64,
    /// The `admin@internal` password (from a file or the environment, never argv).
    pub password: String,
    /// Where the simulated state is kept between runs; `None`: in memory only.
    pub state_file: Option<PathBuf>,
    /// Host name printed in the URL (default: the engine FQDN).
    pub public_name: Option<String>,
    /// SSO token lifetime, seconds; `None`: tokens never expire.
    pub token_lifetime_secs: Option<u64>,
    /// Unix milliseconds; the binary passes the system clock.
    pub now_ms: fn() -> i64,
}

/// Everything the request handlers and background tasks share.
pub(crate) struct Shared {
    world: Mutex<World>,
    pub(crate) tokens: Mutex<HashMap<String, i64>>,
    password: String,
    ca: pki::Ca,
    state_file: Option<PathBuf>,
    pub now_ms: fn() -> i64,
    pub wake: tokio::sync::Notify,
    /// The report changed since the state file was last written.
    report_dirty: std::sync::atomic::AtomicBool,
}

impl Shared {
    /// The report changed (the ticker writes it out within a quarter second).
    pub(crate) fn report_changed(&self) {
        self.report_dirty
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Persists the state (temp file + rename) when `--state` was given.
    pub(crate) fn save(&self, w: &World) {
        self.report_dirty
            .store(false, std::sync::atomic::Ordering::Relaxed);
        let Some(p) = &self.state_file else { return };
        if let Err(e) = save_state(p, w) {
            eprintln!("rhv-manager-sim: cannot save state to {}: {e}", p.display());
        }
    }
}

fn save_state(p: &Path, w: &World) -> Result<(), SaveError> {
    let data = serde_json::to_vec_pretty(w).map_err(SaveError::Encode)?;
    crate::sys::atomic_write(p, &data, &crate::sys::WriteOpts::mode(0o644))?;
    Ok(())
}

/// `KEY=value` from an oVirt conf file (quotes and `str:` prefix removed).
fn conf_value(path: &Path, key: &str) -> Option<String> {
    let t = std::fs::read_to_string(path).ok()?;
    t.lines().rev().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| {
            let v = v.trim().trim_matches('"');
            v.strip_prefix("str:").unwrap_or(v).to_string()
        })
    })
}

/// The setup files live beside the PKI dir in a filesystem root (`<root>/etc/pki/ovirt-engine`).
fn etc_of(pki_dir: &Path) -> Option<PathBuf> {
    pki_dir.parent()?.parent().map(Path::to_path_buf)
}

fn engine_fqdn(pki_dir: &Path, apache_der: &[u8]) -> String {
    if let Some(etc) = etc_of(pki_dir) {
        let f = etc.join("ovirt-engine/engine.conf.d/10-setup-protocols.conf");
        if let Some(v) = conf_value(&f, "ENGINE_FQDN") {
            return v;
        }
    }
    if let Ok((_, c)) = x509_parser::parse_x509_certificate(apache_der) {
        if let Ok(Some(san)) = c.subject_alternative_name() {
            for g in &san.value.general_names {
                if let x509_parser::extensions::GeneralName::DNSName(d) = g {
                    return d.to_string();
                }
            }
        }
    }
    "localhost".into()
}

fn organization(pki_dir: &Path, ca: &pki::Ca) -> String {
    if let Some(etc) = etc_of(pki_dir) {
        let f = etc.join("ovirt-engine-setup.conf.d/20-setup-ovirt-post.conf");
        if let Some(v) = conf_value(&f, "OVESETUP_PKI/organization") {
            return v;
        }
    }
    ca.organization().unwrap_or_else(|| "oVirt".into())
}

/// The apache certificate and key the Manager's httpd serves.
fn apache_tls(pki_dir: &Path) -> Result<(rustls::ServerConfig, Vec<u8>), SimError> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let cp = pki_dir.join("certs/apache.cer");
    let kp = pki_dir.join("keys/apache.key.nopass");
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| SimError::Read {
            path: path.to_path_buf(),
            source,
        })
    };
    let cdata = read(&cp)?;
    let certs = crate::pki::cert::certificates_in(&cp, &cdata)?;
    let Some(leaf) = certs.first().cloned() else {
        return Err(SimError::NoCertificate { path: cp });
    };
    let kdata = read(&kp)?;
    let (key, _) = crate::pki::cert::read_private_key(&kp, &kdata, None)?;
    if !crate::pki::cert::key_matches_cert(&key, &leaf) {
        return Err(SimError::KeyMismatch { key: kp, cert: cp });
    }
    let der = key
        .private_key_to_pkcs8()
        .map_err(|source| SimError::KeyEncoding { path: kp, source })?;
    let chain = certs.into_iter().map(CertificateDer::from).collect();
    let cfg = crate::net::tls::server_config(chain, PrivateKeyDer::Pkcs8(der.into()))
        .map_err(|source| SimError::ApacheTls { path: cp, source })?;
    Ok((cfg, leaf))
}

/// Work split over the machine's cores (`f` gets one chunk of indices at a time).
fn in_parallel<T: Send>(
    items: &[usize],
    f: impl Fn(usize) -> Result<T, SimError> + Sync,
) -> Result<Vec<T>, SimError> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 16);
    let chunk = items.len().div_ceil(threads).max(1);
    let parts: Vec<Result<Vec<T>, SimError>> = std::thread::scope(|s| {
        let hs: Vec<_> = items
            .chunks(chunk)
            .map(|c| {
                s.spawn(|| {
                    c.iter()
                        .map(|i| f(*i))
                        .collect::<Result<Vec<T>, SimError>>()
                })
            })
            .collect();
        hs.into_iter()
            .map(|h| h.join().unwrap_or(Err(SimError::WorkerPanicked)))
            .collect()
    });
    let mut out = Vec::with_capacity(items.len());
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

/// Gives every host without one its initial certificate: each its own serial, subject and SAN,
/// issued by the CA, all certifying the one shared host key (created once, kept in the state
/// file). Issued in parallel: 5,000 hosts take about a second.
fn ensure_host_certs(
    w: &mut World,
    ca: &pki::Ca,
    specs: &Scenario,
    now: i64,
) -> Result<Option<pki::SharedHostKey>, SimError> {
    let todo: Vec<usize> = (0..w.hosts.len())
        .filter(|i| w.hosts[*i].cert_pem.is_empty())
        .collect();
    let shared_needed = !todo.is_empty() || w.hosts.iter().any(|h| h.key_pem.is_empty());
    if !shared_needed {
        return Ok(None);
    }
    let key = if w.host_key_pem.is_empty() {
        let k = pki::SharedHostKey::generate()?;
        w.host_key_pem = k.pem.clone();
        k
    } else {
        pki::SharedHostKey::from_pem(&w.host_key_pem).map_err(SimError::StateHostKey)?
    };
    let spec_of: HashMap<&str, &scenario::CertSpec> = specs
        .hosts
        .iter()
        .map(|h| (h.name.as_str(), &h.cert))
        .collect();
    let default_spec = scenario::CertSpec::default();
    let first_serial = w.next_serial;
    let pems = {
        let (hosts, org) = (&w.hosts, &w.org);
        in_parallel(&todo, |i| {
            let h = &hosts[i];
            let spec = spec_of
                .get(h.name.as_str())
                .copied()
                .unwrap_or(&default_spec);
            let pos = todo.binary_search(&i).unwrap_or(0) as u64;
            let cert = pki::initial_host_cert(
                ca,
                &key.pkey,
                org,
                &h.address,
                spec,
                first_serial + pos,
                now / 1000,
            )
            .map_err(|source| SimError::Host {
                host: h.name.clone(),
                source,
            })?;
            cert.to_pem()
                .map(|v| String::from_utf8_lossy(&v).into_owned())
                .map_err(|source| SimError::HostPem {
                    host: h.name.clone(),
                    source,
                })
        })?
    };
    w.next_serial += todo.len() as u64;
    for (i, pem) in todo.into_iter().zip(pems) {
        w.hosts[i].key_pem = String::new();
        w.hosts[i].cert_pem = pem;
    }
    Ok(Some(key))
}

/// What each host's vdsm port serves, built in parallel (its own key once enrolled, else the
/// shared one).
fn served_configs(
    w: &World,
    shared: Option<&pki::SharedHostKey>,
) -> Result<Vec<Arc<rustls::ServerConfig>>, SimError> {
    let all: Vec<usize> = (0..w.hosts.len()).collect();
    in_parallel(&all, |i| {
        let h = &w.hosts[i];
        let host = || h.name.clone();
        let c = match (h.key_pem.is_empty(), shared) {
            (true, Some(k)) => k.tls_config(&h.cert_pem),
            (true, None) => return Err(SimError::NoHostKey { host: host() }),
            (false, _) => pki::tls_config(&h.cert_pem, &h.key_pem),
        };
        c.map(Arc::new).map_err(|source| SimError::Host {
            host: host(),
            source,
        })
    })
}

/// Free loopback ports for the vdsm listeners, tried in turn below the usual ephemeral range
/// (32768-60999). Asking the kernel for port 0 each time scans its port table on every bind:
/// 5,000 hosts took over a minute that way, against a fraction of a second here. The walk
/// starts at a place derived from the process id so simulators started side by side (tests)
/// seldom try the same ports; a port in use is skipped, and port 0 is the last resort.
struct PortPicker {
    next: u32,
    tried: u32,
}

impl PortPicker {
    const FIRST: u32 = 10_000;
    const COUNT: u32 = 22_768;

    fn new() -> PortPicker {
        PortPicker::from(std::process::id().wrapping_mul(7919))
    }

    fn from(start: u32) -> PortPicker {
        PortPicker {
            next: start % Self::COUNT,
            tried: 0,
        }
    }

    async fn bind(&mut self) -> std::io::Result<TcpListener> {
        while self.tried < Self::COUNT {
            let port = (Self::FIRST + self.next) as u16;
            self.next = (self.next + 1) % Self::COUNT;
            self.tried += 1;
            match TcpListener::bind(("127.0.0.1", port)).await {
                Ok(l) => return Ok(l),
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => continue,
                Err(e) => return Err(e),
            }
        }
        TcpListener::bind(("127.0.0.1", 0)).await
    }
}

/// A started simulator (in-process use); dropping it does not stop the tasks.
pub(crate) struct Running {
    /// The API port on 127.0.0.1.
    pub(crate) port: u16,
    /// Host name for the URL, SNI and certificate verification.
    pub(crate) name: String,
    server: tokio::task::JoinHandle<()>,
}

impl Running {
    /// `listening https://<name>:<port>/ovirt-engine/api connect=127.0.0.1:<port>`.
    pub(crate) fn banner(&self) -> String {
        format!(
            "listening https://{}:{}/ovirt-engine/api connect=127.0.0.1:{}",
            self.name, self.port, self.port
        )
    }
    /// Serves until the task ends (it does not, short of a runtime shutdown).
    pub(crate) async fn wait(self) -> Result<(), SimError> {
        Ok(self.server.await?)
    }
}

/// Starts the simulator and serves until the process is stopped. Prints one line on stdout
/// once it listens: `listening https://<name>:<port>/ovirt-engine/api connect=127.0.0.1:<port>`.
pub async fn run(cfg: Config) -> Result<(), SimError> {
    let r = start(cfg).await?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", r.banner());
        let _ = out.flush();
    }
    r.wait().await
}

/// Loads the PKI and state, binds every port and spawns the server tasks on the current
/// tokio runtime. Note: a scenario `crash` fault exits the whole process.
pub(crate) async fn start(cfg: Config) -> Result<Running, SimError> {
    if !cfg.listen.ip().is_loopback() {
        return Err(SimError::NotLoopback { listen: cfg.listen });
    }
    let pki_dir = cfg.pki_dir.clone();
    if !pki_dir.join("ca.pem").is_file() {
        return Err(SimError::NotPkiDir { dir: pki_dir });
    }
    let ca = pki::Ca::load(&pki_dir)?;
    let (api_tls, apache_der) = apache_tls(&pki_dir)?;
    let now = (cfg.now_ms)();
    let fqdn = cfg
        .scenario
        .engine_fqdn
        .clone()
        .unwrap_or_else(|| engine_fqdn(&pki_dir, &apache_der));
    let org = cfg
        .scenario
        .organization
        .clone()
        .unwrap_or_else(|| organization(&pki_dir, &ca));
    let mut world = match cfg.state_file.as_ref().filter(|p| p.exists()) {
        Some(p) => {
            let data = std::fs::read(p).map_err(|source| SimError::Read {
                path: p.clone(),
                source,
            })?;
            let mut w: World =
                serde_json::from_slice(&data).map_err(|source| SimError::StateFile {
                    path: p.clone(),
                    source,
                })?;
            w.scale = cfg.time_scale;
            if let Some(t) = cfg.token_lifetime_secs {
                w.token_lifetime_secs = t;
            }
            w
        }
        None => World::from_scenario(
            &cfg.scenario,
            fqdn.clone(),
            org,
            cfg.time_scale,
            cfg.token_lifetime_secs,
        ),
    };
    let shared = ensure_host_certs(&mut world, &ca, &cfg.scenario, now)?;
    let served = served_configs(&world, shared.as_ref())?;
    drop(shared);
    // vdsm listeners: keep the ports of a previous run when they are free.
    let mut vdsm_listeners = Vec::with_capacity(world.hosts.len());
    let mut ports = PortPicker::new();
    for (i, (h, c)) in world.hosts.iter_mut().zip(served).enumerate() {
        let kept = match h.vdsm_port {
            0 => None,
            p => TcpListener::bind(("127.0.0.1", p)).await.ok(),
        };
        let l = match kept {
            Some(l) => l,
            None => ports.bind().await.map_err(|source| SimError::BindVdsm {
                host: h.name.clone(),
                source,
            })?,
        };
        h.vdsm_port = l.local_addr().map_err(SimError::LocalAddr)?.port();
        h.served = Some(c);
        vdsm_listeners.push((i, h.id.clone(), l));
    }
    let sh = Arc::new(Shared {
        world: Mutex::new(world),
        tokens: Mutex::new(HashMap::new()),
        password: cfg.password.clone(),
        ca,
        state_file: cfg.state_file.clone(),
        now_ms: cfg.now_ms,
        wake: tokio::sync::Notify::new(),
        report_dirty: std::sync::atomic::AtomicBool::new(false),
    });
    {
        let mut w = sh.world();
        w.report.starts += 1;
        w.observe(now);
        sh.save(&w);
    }
    let listener = TcpListener::bind(cfg.listen)
        .await
        .map_err(|source| SimError::Listen {
            listen: cfg.listen,
            source,
        })?;
    let port = listener.local_addr().map_err(SimError::LocalAddr)?.port();
    for (i, id, l) in vdsm_listeners {
        tokio::spawn(vdsm_loop(sh.clone(), i, id, l));
    }
    tokio::spawn(ticker(sh.clone()));
    let name = cfg.public_name.clone().unwrap_or(fqdn);
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(api_tls));
    let sh2 = sh.clone();
    let server = tokio::spawn(async move {
        loop {
            let (sock, _) = match listener.accept().await {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("rhv-manager-sim: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = sock.set_nodelay(true);
            {
                // `drop_connection`: closed before the TLS handshake, as a restarting Manager.
                let mut w = sh2.world();
                if w.connection_fault() {
                    sh2.save(&w);
                    drop(sock);
                    continue;
                }
            }
            let acceptor = acceptor.clone();
            let sh = sh2.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(sock).await else {
                    return;
                };
                let svc = hyper::service::service_fn(move |req| {
                    let sh = sh.clone();
                    async move { Ok::<_, std::convert::Infallible>(serve(sh, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), svc)
                    .await;
            });
        }
    });
    Ok(Running { port, name, server })
}

const MAX_BODY: usize = 1 << 20;

async fn serve(
    sh: Arc<Shared>,
    req: hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<http_body_util::Full<hyper::body::Bytes>> {
    let (parts, body) = req.into_parts();
    let limited = http_body_util::Limited::new(body, MAX_BODY);
    let ans = match limited.collect().await {
        Ok(b) => {
            let query: HashMap<String, String> = parts
                .uri
                .query()
                .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
                .unwrap_or_default();
            let log = std::env::var_os("RHV_SIM_LOG").is_some();
            let (m, p) = (parts.method.clone(), parts.uri.path().to_string());
            let r = api::Req {
                method: parts.method,
                path: parts.uri.path().to_string(),
                query,
                headers: parts.headers,
                body: b.to_bytes().to_vec(),
            };
            let sh2 = sh.clone();
            let a = tokio::task::spawn_blocking(move || api::handle(&sh2, r))
                .await
                .unwrap_or_else(|_| api::Answer {
                    status: 500,
                    ctype: "text/plain",
                    body: "internal error".into(),
                    headers: Vec::new(),
                });
            if log {
                // The path only: queries may carry tokens (sso-logout?token=).
                eprintln!("rhv-manager-sim: {m} {p} -> {}", a.status);
            }
            a
        }
        Err(_) => api::Answer {
            status: 413,
            ctype: "text/plain",
            body: "request body too large".into(),
            headers: Vec::new(),
        },
    };
    let r = ans.into_response();
    let (p, b) = r.into_parts();
    hyper::Response::from_parts(p, http_body_util::Full::new(hyper::body::Bytes::from(b)))
}

/// Applies due transitions and carries out their effects.
async fn ticker(sh: Arc<Shared>) {
    loop {
        let now = (sh.now_ms)();
        let (effects, next) = {
            let mut w = sh.world();
            let due = w.next_deadline().is_some_and(|d| d <= now);
            let effects = w.tick(now);
            if due || sh.report_dirty.load(std::sync::atomic::Ordering::Relaxed) {
                sh.save(&w);
            }
            (effects, w.next_deadline())
        };
        for e in effects {
            match e {
                Effect::Issue(h) => {
                    let sh2 = sh.clone();
                    tokio::task::spawn_blocking(move || issue(&sh2, &h));
                }
            }
        }
        let wait = next
            .map(|d| (d - (sh.now_ms)()).clamp(1, 250))
            .unwrap_or(250) as u64;
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(wait)) => {}
            _ = sh.wake.notified() => {}
        }
    }
}

/// The enrollment's slow part: new host key, issuance, PKI files.
fn issue(sh: &Shared, host: &str) {
    let (org, addr) = {
        let w = sh.world();
        match w.host(host) {
            Some(h) => (w.org.clone(), h.address.clone()),
            None => return,
        }
    };
    let now = (sh.now_ms)() / 1000;
    let r = pki::enroll(&sh.ca, &org, &addr, now);
    let mut w = sh.world();
    if let Some(h) = w.hosts.iter_mut().find(|h| h.id == host) {
        h.issuing = false;
        match r {
            Ok(x) => h.issued = Some((x.key_pem, x.cert_pem)),
            Err(e) => {
                eprintln!("rhv-manager-sim: enrollment of {addr} failed: {e}");
                // Event 882's text: the error's, as the engine words its own.
                h.issue_error = Some(e.to_string());
            }
        }
    }
    sh.save(&w);
}

/// One host's vdsm port: a TLS server presenting the host's current certificate.
async fn vdsm_loop(sh: Arc<Shared>, index: usize, host: String, l: TcpListener) {
    loop {
        let Ok((sock, _)) = l.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        // Read under the world lock: the certificate the state says the host has (hosts keep
        // their place in the world; the id check is the safety net).
        let cfg = {
            let w = sh.world();
            match w.hosts.get(index).filter(|h| h.id == host) {
                Some(h) => h.served.clone(),
                None => w.host(&host).and_then(|h| h.served.clone()),
            }
        };
        let Some(cfg) = cfg else { continue };
        tokio::spawn(async move {
            let acc = tokio_rustls::TlsAcceptor::from(cfg);
            if let Ok(Ok(mut tls)) =
                tokio::time::timeout(Duration::from_secs(10), acc.accept(sock)).await
            {
                use tokio::io::AsyncWriteExt;
                let _ = tls.shutdown().await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_picked_in_turn_skipping_those_in_use() {
        let rt = crate::exec::runtime(crate::exec::Threads::Current).unwrap();
        rt.block_on(async {
            // Find a free port in the range, hold it, and start the walk there.
            let mut probe = PortPicker::from(12_345);
            let held = probe.bind().await.unwrap();
            let held_port = held.local_addr().unwrap().port();
            let mut p = PortPicker::from(u32::from(held_port) - PortPicker::FIRST);
            let a = p.bind().await.unwrap().local_addr().unwrap().port();
            assert_ne!(a, held_port, "a port in use is skipped");
            assert!(a > held_port, "the walk goes on from there");
            let b = p.bind().await.unwrap().local_addr().unwrap().port();
            assert!(b > a, "and keeps going: {a} then {b}");
            assert!((10_000..32_768).contains(&b));
        });
    }

    fn fixture() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pki/4.5-modern/etc/pki/ovirt-engine")
    }

    fn config(pki_dir: PathBuf, listen: &str, state_file: Option<PathBuf>) -> Config {
        Config {
            pki_dir,
            listen: listen.parse().unwrap(),
            scenario: Scenario::default_scenario(),
            time_scale: 0.01,
            password: "pw".into(),
            state_file,
            public_name: None,
            token_lifetime_secs: None,
            now_ms: || 1_800_000_000_000,
        }
    }

    fn start_error(cfg: Config) -> SimError {
        let rt = crate::exec::runtime(crate::exec::Threads::Current).unwrap();
        match rt.block_on(start(cfg)) {
            Ok(_) => panic!("started"),
            Err(e) => e,
        }
    }

    /// What stops the simulator from starting names the address, the directory or the file,
    /// in the words its error line has always had.
    #[test]
    fn a_refused_start_names_the_address_the_dir_or_the_file() {
        let e = start_error(config(fixture(), "192.0.2.1:0", None));
        assert!(
            matches!(e, SimError::NotLoopback { listen } if listen.to_string() == "192.0.2.1:0")
        );
        assert_eq!(
            e.to_string(),
            "--listen 192.0.2.1:0: the simulator only listens on loopback addresses"
        );
        let t = tempfile::tempdir().unwrap();
        let e = start_error(config(t.path().into(), "127.0.0.1:0", None));
        assert!(matches!(&e, SimError::NotPkiDir { dir } if dir == t.path()));
        assert_eq!(
            e.to_string(),
            format!("{}: not an oVirt PKI dir (no ca.pem)", t.path().display())
        );
        // A state file that is not one: read only, nothing is written or bound.
        let state = t.path().join("garbage.json");
        std::fs::write(&state, "not json").unwrap();
        let e = start_error(config(fixture(), "127.0.0.1:0", Some(state.clone())));
        let SimError::StateFile { path, source } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(path, &state);
        assert!(source.is_syntax());
        assert_eq!(
            e.to_string(),
            format!("{}: not a simulator state file: {source}", state.display())
        );
        assert_eq!(std::fs::read(&state).unwrap(), b"not json");
    }

    #[test]
    fn the_apache_files_are_named_when_they_cannot_serve() {
        let t = tempfile::tempdir().unwrap();
        let e = apache_tls(t.path()).unwrap_err();
        let SimError::Read { path, source } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(path, &t.path().join("certs/apache.cer"));
        assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        // The apache certificate with the CA's key.
        for d in ["certs", "keys"] {
            std::fs::create_dir(t.path().join(d)).unwrap();
        }
        std::fs::copy(
            fixture().join("certs/apache.cer"),
            t.path().join("certs/apache.cer"),
        )
        .unwrap();
        std::fs::copy(
            fixture().join("private/ca.pem"),
            t.path().join("keys/apache.key.nopass"),
        )
        .unwrap();
        let e = apache_tls(t.path()).unwrap_err();
        assert!(
            matches!(&e, SimError::KeyMismatch { key, cert } if key.ends_with("keys/apache.key.nopass") && cert.ends_with("certs/apache.cer")),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            format!(
                "{}: the key does not belong to {}",
                t.path().join("keys/apache.key.nopass").display(),
                t.path().join("certs/apache.cer").display()
            )
        );
        assert!(apache_tls(&fixture()).is_ok());
    }

    #[test]
    fn a_host_without_a_key_is_named() {
        let mut w = World::from_scenario(
            &Scenario::default_scenario(),
            "engine.example".into(),
            "Test".into(),
            1.0,
            None,
        );
        w.hosts.truncate(1);
        w.hosts[0].cert_pem = "x".into();
        let Err(e) = served_configs(&w, None) else {
            panic!("served without a key")
        };
        assert!(
            matches!(&e, SimError::NoHostKey { host } if host == "host1"),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "host host1: no key (state file without the shared host key)"
        );
        w.hosts[0].key_pem = "not a key".into();
        let Err(e) = served_configs(&w, None) else {
            panic!("served with a bad key")
        };
        let SimError::Host { host, source } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(host, "host1");
        assert!(matches!(source, pki::PkiError::NoCertificate), "{source:?}");
        assert_eq!(e.to_string(), "host host1: no certificate in PEM");
    }

    #[test]
    fn a_state_that_cannot_be_saved_names_the_file_and_the_step() {
        let w = World::from_scenario(
            &Scenario::default_scenario(),
            "engine.example".into(),
            "Test".into(),
            1.0,
            None,
        );
        let t = tempfile::tempdir().unwrap();
        let e = save_state(&t.path().join("no-such-dir/state.json"), &w).unwrap_err();
        let SaveError::Write(w) = &e else {
            panic!("{e:?}")
        };
        assert!(e.to_string().contains("no-such-dir"), "{e}");
        assert_eq!(e.to_string(), w.to_string());
    }
}
