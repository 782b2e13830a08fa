//! The argument groups several commands share (where the PKI is, how to reach the Manager, the
//! hosts and the endpoints, the maintenance cycle's flags) and the helpers that turn them into
//! library values: locations, passwords (files and environment, never argv), times, windows.
//! A leaf of the command line: it uses only [`super::exit`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::ValueEnum;

use super::exit::CliError;
use rhv_pki::audit::{self, alert};
use rhv_pki::change::txn::Fault;
use rhv_pki::manager::endpoints;
use rhv_pki::net::engine::EngineConfig;
use rhv_pki::net::ssh;
use rhv_pki::pki::verify::Issuer;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for people.
    Table,
    /// A JSON document (`kind`, `apiVersion`).
    Json,
}

/// Output of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// kubeadm-style table.
    Table,
    /// Versioned JSON document.
    Json,
    /// Prometheus text exposition (node_exporter textfile collector).
    Prometheus,
    /// One Nagios/NRPE/Icinga plugin line: `STATE: summary | perfdata`.
    Nagios,
}

/// A platform the audit also gives a readiness verdict for (`--policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Policy {
    /// RHEL 9: what its DEFAULT crypto policy rejects or OpenSSL 3 cannot read.
    El9,
}

/// The location flags of `loc` as they are typed (` --root DIR`…), appended to the fix
/// commands the verdict prints so they act on the tree that was audited.
pub fn command_args(loc: &LocationArgs) -> String {
    let mut s = rollback_command(loc, None)
        .trim_start_matches("rhv-pki rollback")
        .to_string();
    if let Some(f) = &loc.p12_password_file {
        let v = f.to_string_lossy();
        if v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+=:@,".contains(&b))
        {
            s.push_str(&format!(" --p12-password-file {v}"));
        } else {
            s.push_str(&format!(
                " --p12-password-file '{}'",
                v.replace('\'', "'\\''")
            ));
        }
    }
    s
}

#[derive(Debug, Clone, clap::Args)]
pub struct LocationArgs {
    /// A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d
    /// (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it.
    #[arg(long, value_name = "DIR", conflicts_with = "pki_dir")]
    pub root: Option<PathBuf>,
    /// The Manager's PKI directory [default: /etc/pki/ovirt-engine].
    #[arg(long, value_name = "DIR")]
    pub pki_dir: Option<PathBuf>,
    /// engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when
    /// auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d].
    #[arg(long, value_name = "DIR")]
    pub engine_conf_dir: Option<PathBuf>,
    /// File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else
    /// ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass").
    #[arg(long, value_name = "FILE")]
    pub p12_password_file: Option<PathBuf>,
}

/// Warning / critical windows per role class: flags, then config.toml, then [`alert::BUILTIN`].
pub fn thresholds(
    conf: &alert::ConfigFile,
    warn_days: Option<i64>,
    crit_days: Option<i64>,
) -> Result<alert::Thresholds, CliError> {
    if warn_days.is_some_and(|v| v < 0) || crit_days.is_some_and(|v| v < 0) {
        return Err(CliError::Text(rhv_pki::i18n::Text::new(
            "error-days-negative",
        )));
    }
    let t = alert::Thresholds::resolve(&conf.thresholds, (warn_days, crit_days), alert::BUILTIN);
    if let Some((class, w)) = t.inverted() {
        return Err(CliError::Text(
            rhv_pki::i18n::Text::new("error-windows-inverted")
                .arg("class", class)
                .arg("crit", w.crit_days)
                .arg("warn", w.warn_days),
        ));
    }
    Ok(t)
}

/// Parses `--at`: a date (midnight UTC) or an RFC 3339 time.
pub fn parse_time(s: &str) -> Result<i64, rhv_pki::i18n::Text> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t.unix_timestamp());
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt)
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .map_err(|_| rhv_pki::i18n::Text::new("error-at").arg("value", s))
}

/// The PKCS#12 password: a file, the environment, or oVirt's default — never argv.
pub fn p12_password(file: Option<&Path>) -> Result<String, CliError> {
    let pw = if let Some(f) = file {
        let t = std::fs::read_to_string(f).map_err(|e| {
            CliError::Text(
                rhv_pki::i18n::Text::new("error-password-file")
                    .arg("path", f.display())
                    .arg_text("error", rhv_pki::i18n::io_error(&e)),
            )
        })?;
        t.strip_suffix('\n')
            .map(|s| s.strip_suffix('\r').unwrap_or(s))
            .unwrap_or(&t)
            .to_string()
    } else if let Ok(v) = std::env::var("RHV_PKI_P12_PASSWORD") {
        v
    } else {
        audit::DEFAULT_P12_PASSWORD.to_string()
    };
    if pw.contains('\0') {
        return Err(CliError::Text(rhv_pki::i18n::Text::new(
            "error-password-nul",
        )));
    }
    Ok(pw)
}

/// The PKCS#12 password of the entity key stores: the operator's override
/// (`--p12-password-file`, `RHV_PKI_P12_PASSWORD`), else the engine's own
/// `ENGINE_PKI_ENGINE_STORE_PASSWORD` from engine.conf.d, else oVirt's default. Audit and
/// the change commands use this one rule, so what the audit opens is what resign re-writes.
pub fn store_password(
    loc: &LocationArgs,
    engine_conf_dir: Option<&Path>,
) -> Result<String, CliError> {
    if loc.p12_password_file.is_none() && std::env::var_os("RHV_PKI_P12_PASSWORD").is_none() {
        Ok(audit::store_passwords(engine_conf_dir).engine_store.value)
    } else {
        p12_password(loc.p12_password_file.as_deref())
    }
}

/// The user's `~/.ssh` (`$HOME/.ssh`, `/root/.ssh` without `$HOME`): default keys and
/// known_hosts.
pub fn ssh_dir() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root"))
        .join(".ssh")
}

/// SSH defaults from the environment: `~/.ssh` and the ssh-agent at `$SSH_AUTH_SOCK`.
pub fn ssh_options() -> rhv_pki::net::ssh::SshOptions {
    rhv_pki::net::ssh::SshOptions::new(
        ssh_dir(),
        std::env::var_os("SSH_AUTH_SOCK").map(PathBuf::from),
    )
}

/// Where the PKI and engine config are.
pub struct Locations {
    pub pki_dir: PathBuf,
    pub engine_conf_dir: Option<PathBuf>,
    pub root: Option<PathBuf>,
}

pub fn locations(l: &LocationArgs) -> Locations {
    if let Some(root) = &l.root {
        return Locations {
            pki_dir: root.join("etc/pki/ovirt-engine"),
            engine_conf_dir: Some(
                l.engine_conf_dir
                    .clone()
                    .unwrap_or_else(|| root.join("etc/ovirt-engine/engine.conf.d")),
            ),
            root: Some(root.clone()),
        };
    }
    let pki_dir = l
        .pki_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(audit::DEFAULT_PKI_DIR));
    // Only pair the live engine.conf.d with the live PKI dir; for a copy elsewhere, look
    // beside it (<prefix>/etc/ovirt-engine/engine.conf.d) so two environments never mix.
    let engine_conf_dir = l.engine_conf_dir.clone().or_else(|| {
        if pki_dir == Path::new(audit::DEFAULT_PKI_DIR) {
            Some(PathBuf::from(audit::DEFAULT_ENGINE_CONF_DIR))
        } else {
            let s = pki_dir.to_string_lossy();
            let prefix = s
                .trim_end_matches('/')
                .strip_suffix("etc/pki/ovirt-engine")?;
            let d = Path::new(prefix).join("etc/ovirt-engine/engine.conf.d");
            d.is_dir().then_some(d)
        }
    });
    let root = if pki_dir == Path::new(audit::DEFAULT_PKI_DIR) {
        Some(PathBuf::from("/"))
    } else {
        None
    };
    Locations {
        pki_dir,
        engine_conf_dir,
        root,
    }
}

/// Default location of rhv-pki's own backups (under `--root` when given).
pub const DEFAULT_BACKUP_DIR: &str = "/var/lib/rhv-pki/backups";

/// Where rhv-pki's backups are: `explicit` (`--backup-dir`), else [`DEFAULT_BACKUP_DIR`]
/// under `--root` when given.
pub fn backup_root(loc: &LocationArgs, explicit: Option<&Path>) -> PathBuf {
    if let Some(d) = explicit {
        return d.to_path_buf();
    }
    match &loc.root {
        Some(r) => r.join(DEFAULT_BACKUP_DIR.trim_start_matches('/')),
        None => PathBuf::from(DEFAULT_BACKUP_DIR),
    }
}

/// Test hook: `RHV_PKI_FAULT=fail:N` or `abort:N` makes the N-th write step fail or die;
/// `loosen:N` makes the N-th written file come out mode 0666 (the post-write check's test).
/// Only builds with the `fault-injection` feature (the test suite's) read it; a release
/// build ignores the variable and never fires a fault.
#[cfg(feature = "fault-injection")]
pub fn fault_from_env() -> Result<Option<Fault>, CliError> {
    let Ok(v) = std::env::var("RHV_PKI_FAULT") else {
        return Ok(None);
    };
    let bad = || {
        CliError::Usage(format!(
            "RHV_PKI_FAULT='{v}': expected fail:N, abort:N or loosen:N"
        ))
    };
    let (k, n) = v.split_once(':').ok_or_else(bad)?;
    let n: usize = n.parse().map_err(|_| bad())?;
    match k {
        "fail" => Ok(Some(Fault::Fail(n))),
        "abort" => Ok(Some(Fault::Abort(n))),
        "loosen" => Ok(Some(Fault::Loosen(n))),
        _ => Err(bad()),
    }
}

/// Without the `fault-injection` feature there is no fault to inject.
#[cfg(not(feature = "fault-injection"))]
pub fn fault_from_env() -> Result<Option<Fault>, CliError> {
    Ok(None)
}

/// `rhv-pki rollback` with the location flags of this run, so the printed undo command acts
/// on the tree that was changed (a `--root` copy, not the live /etc/pki/ovirt-engine).
pub fn rollback_command(loc: &LocationArgs, backup_dir: Option<&Path>) -> String {
    fn arg(s: &mut String, flag: &str, p: &Path) {
        let v = p.to_string_lossy();
        let plain = !v.is_empty()
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/._-+=:@,".contains(&b));
        if plain {
            s.push_str(&format!(" {flag} {v}"));
        } else {
            s.push_str(&format!(" {flag} '{}'", v.replace('\'', "'\\''")));
        }
    }
    let mut s = String::from("rhv-pki rollback");
    if let Some(r) = &loc.root {
        arg(&mut s, "--root", r);
    }
    if let Some(p) = &loc.pki_dir {
        arg(&mut s, "--pki-dir", p);
    }
    if let Some(e) = &loc.engine_conf_dir {
        arg(&mut s, "--engine-conf-dir", e);
    }
    if let Some(b) = backup_dir {
        arg(&mut s, "--backup-dir", b);
    }
    s
}

/// Which hosts, and how to reach them.
#[derive(Debug, clap::Args)]
pub struct ReachArgs {
    /// Reach the hosts over SSH and read their certificate files; without it, `hosts audit`
    /// handshakes with each host's vdsm over TLS, as the engine does.
    #[arg(long)]
    pub ssh: bool,
    /// A host: NAME (its address as the Manager knows it) or NAME=ADDR[:PORT] to connect
    /// elsewhere (with --ssh: the SSH address, `local` = this machine; without: the vdsm
    /// endpoint). Repeatable [default with --ssh: every host with a certs/<host>.cer in the PKI
    /// directory; without: the Manager's hosts, through its REST API].
    #[arg(long = "host", value_name = "NAME[=ADDR[:PORT]]")]
    pub hosts: Vec<String>,
    /// The user to log in as on the hosts.
    #[arg(long, value_name = "USER", default_value = "root")]
    pub ssh_user: String,
    /// Private key file [default: ssh-agent via SSH_AUTH_SOCK, else ~/.ssh/id_ed25519, id_rsa].
    #[arg(long, value_name = "FILE")]
    pub ssh_key: Option<PathBuf>,
    /// known_hosts file to verify host keys with [default: ~/.ssh/known_hosts].
    #[arg(long, value_name = "FILE")]
    pub known_hosts: Option<PathBuf>,
    /// SSH port of the hosts (a --host NAME=ADDR:PORT overrides it for that host).
    #[arg(long, value_name = "PORT", default_value_t = ssh::DEFAULT_PORT)]
    pub ssh_port: u16,
    /// Record the key of a host known_hosts does not know yet (a changed key is never accepted).
    #[arg(long)]
    pub accept_new_host_key: bool,
    /// Seconds to connect and authenticate to one host.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub connect_timeout: u64,
    /// Seconds one command on a host may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub command_timeout: u64,
    /// Hosts worked on at the same time.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_parallel: usize,
    /// Relocate host paths under DIR ({host} = the host name), e.g. for a test bed where
    /// /etc/pki/vdsm of host h1 is DIR/h1/etc/pki/vdsm.
    #[arg(long, value_name = "DIR")]
    pub host_prefix: Option<String>,
}

fn parse_endpoint(s: &str) -> Result<(String, String), endpoints::OverrideError> {
    endpoints::parse_override(s)
}

#[derive(Debug, Clone, clap::Args)]
pub struct EndpointArgs {
    /// An endpoint to check, overriding its discovered address: NAME=HOST:PORT with NAME one of
    /// httpd, jboss, websocket-proxy, imageio, imageio-proxy, ovirt-provider-ovn (repeatable).
    #[arg(long = "endpoint", value_name = "NAME=HOST:PORT", value_parser = parse_endpoint)]
    pub endpoints: Vec<(String, String)>,
    /// Seconds one TLS probe may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub probe_timeout: u64,
}

#[derive(Debug, Clone, clap::Args)]
pub struct EndpointProbeArgs {
    /// Also connect to the Manager's TLS endpoints and report `restart-needed` when one serves
    /// another certificate than the file on disk (`endpoint-unreachable` when it shows none).
    #[arg(long)]
    pub probe: bool,
    #[command(flatten)]
    pub ep: EndpointArgs,
}

#[derive(Debug, Clone, clap::Args)]
pub struct HeArgs {
    /// A hosted-engine host to drive global maintenance on (`localhost`: this machine).
    #[arg(long, value_name = "HOST")]
    pub he_host: Option<String>,
    /// Drive global maintenance through the Manager's REST API (the HostedEngine VM's
    /// maintenance action) instead of `hosted-engine` on a host (also done without this flag
    /// when --password-file is given).
    #[arg(long, conflicts_with = "he_host")]
    pub he_api: bool,
    /// Seconds global maintenance may take to show after setting it.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub maintenance_timeout: u64,
    // Last: a heading applies to every argument after it.
    #[command(flatten, next_help_heading = "Manager API (--he-api)")]
    pub engine: EngineArgs,
}

#[derive(Debug, Clone, clap::Args)]
pub struct CycleArgs {
    /// Do not touch hosted-engine global maintenance: this Manager is not a hosted engine, or
    /// you hold global maintenance yourself. Needed for restarts when no hosted engine is
    /// detected and none can be ruled out (--he-host / --he-api / a local hosted-engine).
    #[arg(long)]
    pub no_maintenance: bool,
    /// Do not restart services: print the exact commands instead.
    #[arg(long)]
    pub no_restart: bool,
    /// Do not check the endpoints after restarting.
    #[arg(long)]
    pub no_verify: bool,
    /// Run the cycle (maintenance, restarts, verify) although --root / --pki-dir is not the
    /// live /etc/pki/ovirt-engine (by default the cycle runs only on the live PKI).
    #[arg(long)]
    pub cycle: bool,
    /// Seconds the endpoints may take to serve the new certificates after the restarts.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub verify_timeout: u64,
    #[command(flatten)]
    pub ep: EndpointArgs,
    // Last: it ends with the Manager API heading, which would apply to what follows.
    #[command(flatten)]
    pub he: HeArgs,
}

/// How to reach the Manager's REST API.
#[derive(Debug, Clone, clap::Args)]
pub struct EngineArgs {
    /// Manager URL [default: https://<ENGINE_FQDN> from engine.conf.d].
    #[arg(long, value_name = "URL")]
    pub engine_url: Option<String>,
    /// Connect to this address instead of resolving the URL's host (the URL's host is still
    /// the name the certificate must carry), like curl's --connect-to.
    #[arg(long, value_name = "ADDR:PORT")]
    pub connect_to: Option<SocketAddr>,
    /// The CA to trust for the Manager's HTTPS [default: <pki-dir>/ca.pem; use apache-ca.pem
    /// when apache has a third-party certificate].
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// The Manager user to log in as (USER@PROFILE).
    #[arg(long, value_name = "USER@PROFILE", default_value = "admin@internal")]
    pub user: String,
    /// File holding the password [default: $RHV_PKI_ENGINE_PASSWORD]. Never on the command line.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Seconds per request.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub api_timeout: u64,
}

#[derive(Debug, clap::Args)]
pub struct VdsmProbeArgs {
    /// vdsm's port on every host.
    #[arg(long, value_name = "PORT", default_value_t = 54321)]
    pub vdsm_port: u16,
    /// Where one host's vdsm really listens: NAME=HOST:PORT (NAME is the host's name or
    /// address); repeatable.
    #[arg(long, value_name = "NAME=HOST:PORT")]
    pub vdsm_endpoint: Vec<String>,
    /// Seconds per TLS handshake.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub probe_timeout: u64,
    /// Handshakes at once.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub probe_parallel: usize,
}

/// The Manager password: a file or the environment — never argv.
fn engine_password(file: Option<&Path>) -> Result<String, CliError> {
    let pw = match file {
        Some(f) => {
            let t = std::fs::read_to_string(f).map_err(|e| {
                CliError::Text(
                    rhv_pki::i18n::Text::new("engine-password-unreadable")
                        .arg("path", f.display())
                        .arg_text("error", rhv_pki::i18n::io_error(&e)),
                )
            })?;
            t.trim_end_matches(['\n', '\r']).to_string()
        }
        None => std::env::var("RHV_PKI_ENGINE_PASSWORD")
            .map_err(|_| CliError::Text(rhv_pki::i18n::Text::new("engine-password-needed")))?,
    };
    if pw.is_empty() {
        return Err(CliError::Text(rhv_pki::i18n::Text::new(
            "engine-password-empty",
        )));
    }
    Ok(pw)
}

pub fn read_ca(path: &Path) -> Result<Vec<u8>, CliError> {
    let data = rhv_pki::pki::cert::read_limited(path).map_err(|e| CliError::Text(e.text()))?;
    let der =
        rhv_pki::pki::cert::first_certificate(path, &data).map_err(|e| CliError::Text(e.text()))?;
    Issuer::new("ca", &der).map_err(|e| {
        CliError::Text(
            rhv_pki::i18n::Text::new("cli2-ca-unusable")
                .arg("path", path.display())
                .arg("error", e),
        )
    })?;
    Ok(der)
}

/// `FLAG VALUE: expected RANGE` (a usage error, exit 3), in the admin's language.
pub fn out_of_range(flag: &str, value: impl std::fmt::Display, range: &str) -> CliError {
    CliError::Text(
        rhv_pki::i18n::Text::new("cli2-range")
            .arg("flag", flag)
            .arg("value", value)
            .arg("range", range),
    )
}

fn wall_clock() -> Arc<dyn Fn() -> i64 + Send + Sync> {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    })
}

/// Builds the REST client configuration from the arguments.
pub fn engine_config(
    a: &EngineArgs,
    loc: &LocationArgs,
) -> Result<(EngineConfig, PathBuf), CliError> {
    let l = locations(loc);
    let url = match &a.engine_url {
        Some(u) => u.clone(),
        None => {
            let fqdn = l
                .engine_conf_dir
                .as_deref()
                .and_then(|d| rhv_pki::pki::conf::read_engine_conf(d).ok())
                .and_then(|c| c.fqdn().map(str::to_string))
                .ok_or_else(|| CliError::Text(rhv_pki::i18n::Text::new("cli2-no-engine-fqdn")))?;
            format!("https://{fqdn}")
        }
    };
    let ca_path = a
        .ca_file
        .clone()
        .unwrap_or_else(|| l.pki_dir.join("ca.pem"));
    let ca_der = read_ca(&ca_path)?;
    Ok((
        EngineConfig {
            url,
            connect_to: a.connect_to,
            ca_der,
            username: a.user.clone(),
            password: engine_password(a.password_file.as_deref())?,
            timeout: Duration::from_secs(a.api_timeout.max(1)),
            // Safe reads ride out a short Manager hiccup; `hosts enroll` widens this window
            // (--outage-timeout).
            outage: Duration::from_secs(15),
            retry_delay: Duration::from_millis(500),
            retry_max_delay: Duration::from_secs(10),
            now: wall_clock(),
            on_retry: Some(std::sync::Arc::new(
                |r: &rhv_pki::net::engine::Retrying<'_>| {
                    let line = super::lang::with(|m| r.text().render(m));
                    super::term::say(&format!("rhv-pki: {line}"));
                },
            )),
        },
        ca_path,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_parsing() {
        assert_eq!(parse_time("2026-11-01").unwrap(), 1_793_491_200);
        assert_eq!(parse_time("2026-11-01T00:00:00Z").unwrap(), 1_793_491_200);
        let e = parse_time("yesterday").unwrap_err();
        assert_eq!(
            e.english(),
            "--at 'yesterday': expected YYYY-MM-DD or an RFC 3339 time like 2026-11-01T00:00:00Z"
        );
    }
}
