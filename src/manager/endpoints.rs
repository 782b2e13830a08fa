//! Which TLS endpoints a Manager serves, which certificate file each must present, and the
//! check that it really does: after a change (the cycle's verify step) or at any time
//! (`rhv-pki audit --probe`). A service still holding the old certificate in memory is the
//! `restart-needed` finding.
//!
//! Ports and files come from the services' own configuration (shared/docs/ovirt-pki.md §3):
//! `engine.conf.d` (ENGINE_FQDN, ENGINE_PROXY_HTTPS_PORT 443, direct-mode ENGINE_HTTPS_PORT),
//! `ovirt-websocket-proxy.conf.d` (PROXY_PORT 6100, SSL_CERTIFICATE), `ovirt-imageio/conf.d`
//! (`[remote] port` 54323, `[tls] cert_file`), `ovirt-imageio-proxy.conf` (4.2/4.3),
//! `ovirt-provider-ovn/conf.d` (`[SSL] ssl-cert-file`, port 9696), httpd's `ssl.conf`
//! (`SSLCertificateFile`); `--endpoint NAME=HOST:PORT` overrides any of them.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::audit::{AuditConfig, Finding, Problem, Severity};
use crate::exec::{poll_until, Clock, Every, Polled, SYSTEM};
use crate::net::tls::{self, ProbeOptions};
use crate::pki::catalog::Era;
use crate::pki::cert;
use crate::pki::conf;

/// Endpoint names `--endpoint NAME=HOST:PORT` accepts.
pub(crate) const NAMES: &[&str] = &[
    "httpd",
    "jboss",
    "websocket-proxy",
    "imageio",
    "imageio-proxy",
    "ovirt-provider-ovn",
];

/// A TLS endpoint and the certificate it must serve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// `httpd`, `websocket-proxy`, `imageio`, …
    pub name: String,
    /// The systemd unit serving it.
    pub service: String,
    /// Catalog entity whose certificate it serves (`apache`, `websocket-proxy`, …).
    pub(crate) entity: String,
    /// `host:port` to connect to.
    pub address: String,
    /// SNI name and the name the certificate must carry (ENGINE_FQDN).
    pub(crate) server_name: Option<String>,
    /// The certificate file on disk it must serve.
    pub cert_file: PathBuf,
    /// Where the port came from (`10-setup-protocols.conf`, `default`, `--endpoint`).
    pub(crate) source: String,
}

/// Where to look.
#[derive(Debug, Clone)]
pub struct Discover {
    /// The Manager's PKI directory (the certificates on disk to compare with).
    pub pki_dir: PathBuf,
    /// Filesystem root holding `etc/ovirt-engine`, `etc/ovirt-imageio`… (`/` on the Manager).
    pub root: PathBuf,
    /// engine.conf.d, for the engine FQDN and the configured ports.
    pub engine_conf_dir: Option<PathBuf>,
    /// The oVirt release whose layout the PKI has.
    pub era: Era,
    /// `--endpoint NAME=HOST:PORT`.
    pub overrides: Vec<(String, String)>,
}

/// Why `--endpoint NAME=HOST:PORT` is refused; each variant keeps the argument as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverrideError {
    #[error("--endpoint '{arg}': expected NAME=HOST:PORT")]
    /// No `NAME=` before the address.
    NoName {
        /// The `--endpoint` value.
        arg: String,
    },
    #[error("--endpoint '{arg}': unknown endpoint '{name}'; known: {}", NAMES.join(", "))]
    /// The name is not an endpoint rhv-pki knows.
    UnknownName {
        /// The `--endpoint` value.
        arg: String,
        /// The name given.
        name: String,
    },
    #[error("--endpoint '{arg}': '{address}' has no :PORT")]
    /// The address has no port.
    NoPort {
        /// The `--endpoint` value.
        arg: String,
        /// The address given.
        address: String,
    },
    #[error("--endpoint '{arg}': bad port '{port}'")]
    /// The port is not a number from 1 to 65535.
    BadPort {
        /// The `--endpoint` value.
        arg: String,
        /// The port given.
        port: String,
    },
}

impl OverrideError {
    /// The message in the admin's language (English: the `Display`, byte for byte).
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            OverrideError::NoName { arg } => Text::new("cli2-endpoint-no-name").arg("arg", arg),
            OverrideError::UnknownName { arg, name } => Text::new("cli2-endpoint-unknown")
                .arg("arg", arg)
                .arg("name", name)
                .arg("known", NAMES.join(", ")),
            OverrideError::NoPort { arg, address } => Text::new("cli2-endpoint-no-port")
                .arg("arg", arg)
                .arg("address", address),
            OverrideError::BadPort { arg, port } => Text::new("cli2-endpoint-bad-port")
                .arg("arg", arg)
                .arg("port", port),
        }
    }
}

/// Parses `NAME=HOST:PORT`.
pub fn parse_override(s: &str) -> Result<(String, String), OverrideError> {
    let arg = || s.to_string();
    let (n, a) = s
        .split_once('=')
        .ok_or_else(|| OverrideError::NoName { arg: arg() })?;
    if !NAMES.contains(&n) {
        return Err(OverrideError::UnknownName {
            arg: arg(),
            name: n.to_string(),
        });
    }
    let port = a
        .rsplit_once(':')
        .map(|(_, p)| p)
        .ok_or_else(|| OverrideError::NoPort {
            arg: arg(),
            address: a.to_string(),
        })?;
    match port.parse::<u16>() {
        Ok(p) if p > 0 => {}
        _ => {
            return Err(OverrideError::BadPort {
                arg: arg(),
                port: port.to_string(),
            })
        }
    }
    Ok((n.to_string(), a.to_string()))
}

/// Merged INI settings (`section.key` → value) of `files`, later files winning.
fn read_ini(files: &[PathBuf]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let mut section = String::new();
        for line in text.lines() {
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') || l.starts_with(';') {
                continue;
            }
            if let Some(s) = l.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                section = s.trim().to_string();
                continue;
            }
            if let Some((k, v)) = l.split_once('=').or_else(|| l.split_once(':')) {
                out.insert(format!("{section}.{}", k.trim()), v.trim().to_string());
            }
        }
    }
    out
}

fn conf_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "conf"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

impl Discover {
    fn under_root(&self, abs: &str) -> PathBuf {
        self.root.join(abs.trim_start_matches('/'))
    }

    /// A file named in a service's configuration, as it lives here: paths under the
    /// Manager's PKI dir map onto `pki_dir`, anything else onto `root`.
    fn file(&self, configured: &str) -> PathBuf {
        let p = configured.trim();
        match p.strip_prefix(crate::pki::catalog::DEFAULT_PKI_DIR) {
            Some(rest) => self.pki_dir.join(rest.trim_start_matches('/')),
            None if p.starts_with('/') => self.under_root(p),
            None => self.pki_dir.join(p),
        }
    }
}

/// The endpoints this Manager serves, from its configuration (see the module comment).
/// Components without configuration here are not listed unless `--endpoint` names them.
pub fn discover(d: &Discover) -> Vec<Endpoint> {
    let engine = d
        .engine_conf_dir
        .as_ref()
        .and_then(|dir| conf::read_engine_conf(dir).ok())
        .unwrap_or_default();
    let fqdn = engine.fqdn().map(str::to_string);
    let host = fqdn.clone().unwrap_or_else(|| "localhost".into());
    let get = |k: &str| engine.values.get(k).map(String::as_str);
    let mut out = Vec::new();
    let mut push =
        |name: &str, service: &str, entity: &str, port: String, file: PathBuf, source: String| {
            out.push(Endpoint {
                name: name.into(),
                service: service.into(),
                entity: entity.into(),
                address: format!("{host}:{port}"),
                server_name: fqdn.clone(),
                cert_file: file,
                source,
            })
        };

    // httpd (mod_ssl in front of the engine), unless the proxy is explicitly off.
    if get("ENGINE_PROXY_ENABLED") != Some("false") {
        let (port, src) = match get("ENGINE_PROXY_HTTPS_PORT").filter(|p| p.parse::<u16>().is_ok())
        {
            Some(p) => (
                p.to_string(),
                "engine.conf.d ENGINE_PROXY_HTTPS_PORT".to_string(),
            ),
            None => ("443".into(), "default".into()),
        };
        let ssl_conf = d.under_root("etc/httpd/conf.d/ssl.conf");
        let file = std::fs::read_to_string(&ssl_conf)
            .ok()
            .and_then(|t| {
                t.lines().find_map(|l| {
                    let mut w = l.split_whitespace();
                    (w.next() == Some("SSLCertificateFile")).then(|| w.next().map(|s| d.file(s)))?
                })
            })
            .unwrap_or_else(|| d.pki_dir.join("certs/apache.cer"));
        push("httpd", "httpd", "apache", port, file, src);
    }
    // WildFly's own HTTPS connector (direct mode, no Apache).
    if get("ENGINE_HTTPS_ENABLED") == Some("true") {
        if let Some(p) = get("ENGINE_HTTPS_PORT").filter(|p| p.parse::<u16>().is_ok()) {
            push(
                "jboss",
                "ovirt-engine",
                "jboss",
                p.to_string(),
                d.pki_dir.join("certs/jboss.cer"),
                "engine.conf.d ENGINE_HTTPS_PORT".into(),
            );
        }
    }
    // websocket-proxy (KEY=value files like engine.conf.d).
    let wsp = d.under_root("etc/ovirt-engine/ovirt-websocket-proxy.conf.d");
    if wsp.is_dir() {
        let c = conf::read_engine_conf(&wsp).unwrap_or_default();
        let (port, src) = match c
            .values
            .get("PROXY_PORT")
            .filter(|p| p.parse::<u16>().is_ok())
        {
            Some(p) => (
                p.clone(),
                "ovirt-websocket-proxy.conf.d PROXY_PORT".to_string(),
            ),
            None => ("6100".into(), "default".into()),
        };
        let file = c
            .values
            .get("SSL_CERTIFICATE")
            .map(|f| d.file(f))
            .unwrap_or_else(|| d.pki_dir.join("certs/websocket-proxy.cer"));
        push(
            "websocket-proxy",
            "ovirt-websocket-proxy",
            "websocket-proxy",
            port,
            file,
            src,
        );
    }
    // Engine-side ovirt-imageio (4.4+): serves the apache certificate.
    let img = d.under_root("etc/ovirt-imageio/conf.d");
    if d.era >= Era::V44 && img.is_dir() {
        let ini = read_ini(&conf_files(&img));
        let (port, src) = match ini.get("remote.port").filter(|p| p.parse::<u16>().is_ok()) {
            Some(p) => (p.clone(), "ovirt-imageio conf.d [remote] port".to_string()),
            None => ("54323".into(), "default".into()),
        };
        let file = ini
            .get("tls.cert_file")
            .map(|f| d.file(f))
            .unwrap_or_else(|| d.pki_dir.join("certs/apache.cer"));
        push("imageio", "ovirt-imageio", "apache", port, file, src);
    }
    // 4.2/4.3 ovirt-imageio-proxy.
    let imgp = d.under_root("etc/ovirt-imageio-proxy/ovirt-imageio-proxy.conf");
    if d.era < Era::V44 && imgp.is_file() {
        let ini = read_ini(std::slice::from_ref(&imgp));
        let port = ini
            .iter()
            .find(|(k, v)| {
                (k.ends_with(".image_proxy_port") || k.ends_with(".port"))
                    && v.parse::<u16>().is_ok()
            })
            .map(|(_, v)| (v.clone(), "ovirt-imageio-proxy.conf".to_string()));
        let (port, src) = port.unwrap_or_else(|| ("54323".into(), "default".into()));
        let file = ini
            .iter()
            .find(|(k, _)| k.ends_with(".ssl_cert_file"))
            .map(|(_, f)| d.file(f))
            .unwrap_or_else(|| d.pki_dir.join("certs/imageio-proxy.cer"));
        push(
            "imageio-proxy",
            "ovirt-imageio-proxy",
            "imageio-proxy",
            port,
            file,
            src,
        );
    }
    // ovirt-provider-ovn's Neutron API.
    let ovn = d.under_root("etc/ovirt-provider-ovn/conf.d");
    if ovn.is_dir() {
        let ini = read_ini(&conf_files(&ovn));
        let file = ini
            .get("SSL.ssl-cert-file")
            .map(|f| d.file(f))
            .unwrap_or_else(|| d.pki_dir.join("certs/ovirt-provider-ovn.cer"));
        push(
            "ovirt-provider-ovn",
            "ovirt-provider-ovn",
            "ovirt-provider-ovn",
            "9696".into(),
            file,
            "default".into(),
        );
    }

    for (name, addr) in &d.overrides {
        match out.iter_mut().find(|e| &e.name == name) {
            Some(e) => {
                e.address = addr.clone();
                e.source = "--endpoint".into();
            }
            None => {
                let (service, entity, file) = match name.as_str() {
                    "httpd" => ("httpd", "apache", "certs/apache.cer"),
                    "jboss" => ("ovirt-engine", "jboss", "certs/jboss.cer"),
                    "websocket-proxy" => (
                        "ovirt-websocket-proxy",
                        "websocket-proxy",
                        "certs/websocket-proxy.cer",
                    ),
                    "imageio" => ("ovirt-imageio", "apache", "certs/apache.cer"),
                    "imageio-proxy" => (
                        "ovirt-imageio-proxy",
                        "imageio-proxy",
                        "certs/imageio-proxy.cer",
                    ),
                    _ => (
                        "ovirt-provider-ovn",
                        "ovirt-provider-ovn",
                        "certs/ovirt-provider-ovn.cer",
                    ),
                };
                out.push(Endpoint {
                    name: name.clone(),
                    service: service.into(),
                    entity: entity.into(),
                    address: addr.clone(),
                    server_name: fqdn.clone(),
                    cert_file: d.pki_dir.join(file),
                    source: "--endpoint".into(),
                });
            }
        }
    }
    out
}

/// What one endpoint was found serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckState {
    /// Serves exactly the certificate on disk.
    Current,
    /// Serves another certificate: its service still holds the old one (restart needed).
    Stale,
    /// No certificate seen (refused, timed out, handshake failed).
    Unreachable,
    /// The certificate file on disk cannot be read.
    DiskUnreadable,
}

/// The evidence of one check.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// The endpoint's name (`apache`, `websocket-proxy`…).
    pub endpoint: String,
    pub(crate) service: String,
    pub(crate) entity: String,
    /// `host:port` probed.
    pub address: String,
    pub(crate) file: String,
    /// What the probe found.
    pub state: CheckState,
    /// Serial of the certificate on disk, hex.
    pub on_disk_serial: Option<String>,
    pub(crate) on_disk_sha256: Option<String>,
    /// Serial of the certificate served, hex.
    pub served_serial: Option<String>,
    pub(crate) served_sha256: Option<String>,
    /// Signature algorithm of the certificate served.
    pub served_signature: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// More for a human (the error, the mismatch).
    pub detail: Option<String>,
    /// [`detail`](Check::detail) as a catalogue message, when rhv-pki worded it.
    #[serde(skip)]
    pub(crate) detail_text: Option<crate::i18n::Text>,
}

fn summary(path: &Path, der: &[u8]) -> Option<(String, String, String)> {
    let (_, s) = cert::parse(path, der).ok()?;
    Some((
        s.serial,
        hex::encode(s.sha256),
        s.signature.name.to_string(),
    ))
}

/// Probes `ep` once and compares what it serves with its certificate file.
pub fn check(ep: &Endpoint, probe_timeout: Duration) -> Check {
    let mut c = Check {
        endpoint: ep.name.clone(),
        service: ep.service.clone(),
        entity: ep.entity.clone(),
        address: ep.address.clone(),
        file: ep.cert_file.to_string_lossy().into_owned(),
        state: CheckState::Unreachable,
        on_disk_serial: None,
        on_disk_sha256: None,
        served_serial: None,
        served_sha256: None,
        served_signature: None,
        detail: None,
        detail_text: None,
    };
    let disk =
        cert::read_limited(&ep.cert_file).and_then(|d| cert::first_certificate(&ep.cert_file, &d));
    let disk = match disk {
        Ok(der) => der,
        Err(e) => {
            c.state = CheckState::DiskUnreadable;
            c.detail = Some(e.to_string());
            c.detail_text = Some(e.text());
            return c;
        }
    };
    if let Some((s, h, _)) = summary(&ep.cert_file, &disk) {
        c.on_disk_serial = Some(s);
        c.on_disk_sha256 = Some(h);
    }
    let opts = ProbeOptions {
        server_name: ep.server_name.as_deref(),
        timeout: probe_timeout,
        client_auth: None,
    };
    match tls::fetch_chain(&ep.address, &opts) {
        Err(e) => {
            c.detail = Some(e.to_string());
            c.detail_text = Some(e.text());
        }
        Ok(served) => {
            let Some(leaf) = served.chain.first() else {
                c.detail = Some("no certificate presented".into());
                c.detail_text = Some(crate::i18n::Text::new("probe-no-certificate"));
                return c;
            };
            if let Some((s, h, sig)) = summary(Path::new(&ep.address), leaf) {
                c.served_serial = Some(s);
                c.served_sha256 = Some(h);
                c.served_signature = Some(sig);
            }
            c.state = if *leaf == disk {
                CheckState::Current
            } else {
                CheckState::Stale
            };
        }
    }
    c
}

/// Checks every endpoint until each serves its file or `timeout` has passed (a restarted
/// service takes a while to listen again), probing every `interval`.
pub fn verify_until(
    eps: &[Endpoint],
    timeout: Duration,
    interval: Duration,
    probe_timeout: Duration,
) -> Vec<Check> {
    verify_on(&SYSTEM, Every { interval, timeout }, eps.len(), |i| {
        check(&eps[i], probe_timeout)
    })
}

/// [`verify_until`]'s loop, with the clock and the probe of endpoint `i` given: endpoints that
/// serve their file (or whose file cannot be read) are not probed again; the others are, every
/// `every.interval`, until each has settled or `every.timeout` has passed on `clock`.
fn verify_on(
    clock: &dyn Clock,
    every: Every,
    n: usize,
    mut probe: impl FnMut(usize) -> Check,
) -> Vec<Check> {
    let mut results: Vec<Option<Check>> = vec![None; n];
    let polled = poll_until(clock, every, |_| {
        for (i, r) in results.iter_mut().enumerate() {
            if r.as_ref().is_some_and(|c| {
                matches!(c.state, CheckState::Current | CheckState::DiskUnreadable)
            }) {
                continue;
            }
            *r = Some(probe(i));
        }
        let done = results.iter().all(|c| {
            c.as_ref()
                .is_some_and(|c| c.state != CheckState::Stale && c.state != CheckState::Unreachable)
        });
        Ok::<_, std::convert::Infallible>(if done {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    });
    match polled {
        Ok(Polled::Met(()) | Polled::TimedOut(())) => {}
        Err(never) => match never {},
    }
    results.into_iter().flatten().collect()
}

/// `audit --probe`: the findings of endpoint checks — `restart-needed` (an endpoint serves
/// another certificate than its file) and `endpoint-unreachable` — on the file's path
/// (relative to `cfg.pki_dir` when under it). The audit takes them as data
/// ([`crate::audit::run_with_extra`]); it never probes.
pub fn probe_findings(cfg: &AuditConfig, checks: &[Check]) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in checks {
        let problem = match c.state {
            CheckState::Current | CheckState::DiskUnreadable => continue,
            CheckState::Stale => Problem::RestartNeeded {
                endpoint: c.endpoint.clone(),
                address: c.address.clone(),
                service: c.service.clone(),
                served_serial: c.served_serial.clone().unwrap_or_else(|| "?".into()),
                on_disk_serial: c.on_disk_serial.clone().unwrap_or_else(|| "?".into()),
            },
            CheckState::Unreachable => Problem::EndpointUnreachable {
                endpoint: c.endpoint.clone(),
                address: c.address.clone(),
                service: c.service.clone(),
                reason: match &c.detail_text {
                    Some(t) => crate::audit::Reason::said(t.clone()),
                    None => c.detail.clone().unwrap_or_default().into(),
                },
            },
        };
        let file = Path::new(&c.file);
        out.push(Finding {
            severity: Severity::Warning,
            path: file
                .strip_prefix(&cfg.pki_dir)
                .unwrap_or(file)
                .to_string_lossy()
                .into_owned(),
            role: c.entity.clone(),
            message: problem.message(),
            problem,
            host: None,
            cluster: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_errors_keep_their_english_and_have_japanese() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        for (arg, evidence) in [
            ("httpd", &["--endpoint 'httpd'", "NAME=HOST:PORT"][..]),
            (
                "nginx=x:1",
                &["--endpoint 'nginx=x:1'", "'nginx'", "httpd, jboss"][..],
            ),
            ("httpd=x", &["--endpoint 'httpd=x'", "'x'", ":PORT"][..]),
            ("httpd=x:0", &["--endpoint 'httpd=x:0'", "'0'"][..]),
        ] {
            let e = parse_override(arg).unwrap_err();
            assert_eq!(e.text().english(), e.to_string());
            assert_eq!(strict(&en, &e.text()), e.to_string());
            let j = strict(&ja, &e.text());
            assert!(japanese(&j), "{j}");
            for v in evidence {
                assert!(j.contains(v), "{v} not in {j}");
            }
        }
    }

    #[test]
    fn overrides_are_validated() {
        assert_eq!(
            parse_override("httpd=127.0.0.1:8443").unwrap(),
            ("httpd".into(), "127.0.0.1:8443".into())
        );
        assert_eq!(
            parse_override("nginx=127.0.0.1:1").unwrap_err().to_string(),
            "--endpoint 'nginx=127.0.0.1:1': unknown endpoint 'nginx'; known: httpd, jboss, \
             websocket-proxy, imageio, imageio-proxy, ovirt-provider-ovn"
        );
        assert!(parse_override("httpd=127.0.0.1").is_err());
        assert!(parse_override("httpd=127.0.0.1:0").is_err());
        assert!(parse_override("httpd=h:99999").is_err());
        assert!(parse_override("httpd").is_err());
    }

    #[test]
    fn discovery_reads_ports_and_files_from_the_services_config() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        let pki = root.join("etc/pki/ovirt-engine");
        let ec = root.join("etc/ovirt-engine/engine.conf.d");
        let wsp = root.join("etc/ovirt-engine/ovirt-websocket-proxy.conf.d");
        let img = root.join("etc/ovirt-imageio/conf.d");
        for d in [&pki, &ec, &wsp, &img] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(
            ec.join("10-setup-protocols.conf"),
            "ENGINE_FQDN=e.example.test\nENGINE_PROXY_HTTPS_PORT=8443\n",
        )
        .unwrap();
        std::fs::write(
            wsp.join("10-setup.conf"),
            "PROXY_PORT=6101\nSSL_CERTIFICATE=/etc/pki/ovirt-engine/certs/websocket-proxy.cer\n",
        )
        .unwrap();
        std::fs::write(
            wsp.join("99-setup.conf"),
            "SSL_CERTIFICATE=/etc/pki/ovirt-engine/certs/apache.cer\n",
        )
        .unwrap();
        std::fs::write(
            img.join("50-engine.conf"),
            "[remote]\nport = 54399\n[tls]\ncert_file = /etc/pki/ovirt-engine/certs/apache.cer\n",
        )
        .unwrap();
        let d = Discover {
            pki_dir: pki.clone(),
            root: root.to_path_buf(),
            engine_conf_dir: Some(ec),
            era: Era::V45,
            overrides: vec![("websocket-proxy".into(), "127.0.0.1:7000".into())],
        };
        let eps = discover(&d);
        let by = |n: &str| eps.iter().find(|e| e.name == n).unwrap().clone();
        assert_eq!(by("httpd").address, "e.example.test:8443");
        assert_eq!(by("httpd").cert_file, pki.join("certs/apache.cer"));
        assert_eq!(by("websocket-proxy").address, "127.0.0.1:7000");
        // 99-setup.conf (third-party apache runbook) wins over 10-setup.conf.
        assert_eq!(
            by("websocket-proxy").cert_file,
            pki.join("certs/apache.cer")
        );
        assert_eq!(by("imageio").address, "e.example.test:54399");
        assert_eq!(by("imageio").server_name.as_deref(), Some("e.example.test"));
        assert!(eps
            .iter()
            .all(|e| e.name != "jboss" && e.name != "imageio-proxy"));
        // 4.2: no engine-side imageio even if a stale conf dir exists.
        let eps42 = discover(&Discover { era: Era::V42, ..d });
        assert!(eps42.iter().all(|e| e.name != "imageio"));
    }

    fn probed(i: usize, state: CheckState) -> Check {
        Check {
            endpoint: format!("ep{i}"),
            service: String::new(),
            entity: String::new(),
            address: String::new(),
            file: String::new(),
            state,
            on_disk_serial: None,
            on_disk_sha256: None,
            served_serial: None,
            served_sha256: None,
            served_signature: None,
            detail: None,
            detail_text: None,
        }
    }

    /// A restarted service that serves its new file after two pauses: the settled endpoint
    /// is not probed again, the stale one is until it is current, then the loop ends (on the
    /// fake clock: no real sleeping).
    #[test]
    fn endpoints_are_probed_again_until_they_serve_their_file() {
        let clock = crate::exec::FakeClock::new();
        let every = Every {
            interval: Duration::from_secs(2),
            timeout: Duration::from_secs(60),
        };
        let mut probes = vec![0usize; 2];
        let checks = verify_on(&clock, every, 2, |i| {
            probes[i] += 1;
            let state = match (i, probes[i]) {
                (0, _) => CheckState::Current,
                (_, 1) => CheckState::Unreachable,
                (_, 2) => CheckState::Stale,
                _ => CheckState::Current,
            };
            probed(i, state)
        });
        assert_eq!(probes, vec![1, 3]);
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(2); 2]);
        let states: Vec<CheckState> = checks.iter().map(|c| c.state).collect();
        assert_eq!(states, vec![CheckState::Current, CheckState::Current]);
    }

    /// One that never serves its file is given up at the deadline with its last state; the
    /// last pause is cut to the deadline.
    #[test]
    fn an_endpoint_that_stays_stale_is_reported_at_the_deadline() {
        let clock = crate::exec::FakeClock::new();
        let every = Every {
            interval: Duration::from_secs(4),
            timeout: Duration::from_secs(10),
        };
        let mut probes = 0;
        let checks = verify_on(&clock, every, 1, |i| {
            probes += 1;
            probed(i, CheckState::Stale)
        });
        assert_eq!(probes, 4);
        assert_eq!(
            clock.sleeps(),
            vec![
                Duration::from_secs(4),
                Duration::from_secs(4),
                Duration::from_secs(2)
            ]
        );
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].state, CheckState::Stale);
    }
}
