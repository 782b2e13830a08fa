//! `rhv-pki maintenance on|off|status|verify|restart`, the cycle flags of `resign` / `renew`
//! and `audit --probe`: argument structs, choosing how global maintenance is reached, and
//! rendering the cycle for admins.
//!
//! Global maintenance is reached through [`remote_target`] (SSH to `--he-host`) or
//! [`rest_client`] (`--he-api`, the Manager REST client as [`HeRest`]).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Subcommand;

use super::{locations, CliError, Format, LocationArgs, Outcome};
use crate::audit::{self, AuditConfig};
use crate::manager::endpoints::{self, CheckState, Endpoint};
use crate::manager::maintenance::{
    self, Cycle, CycleOptions, CycleReport, CycleResult, GlobalMaintenance, HeRest,
    HostedEngineCli, RestMaintenance, Settle,
};
use crate::manager::services::{self, Step};
use crate::net::remote::{Local, Target};

/// Exit codes of the cycle (the change commands' 0–3 stay as they are).
/// 4: the files were changed, but a restart failed or global maintenance could not be cleared.
pub const EXIT_CYCLE_FAILED: u8 = 4;
/// 5: the files were changed and services restarted, but an endpoint still serves an old
/// certificate (`restart-needed`).
pub const EXIT_RESTART_NEEDED: u8 = 5;

fn parse_endpoint(s: &str) -> Result<(String, String), String> {
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
pub struct ProbeArgs {
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
    pub engine: super::hosts::EngineArgs,
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

#[derive(Debug, clap::Args)]
pub struct MaintenanceArgs {
    #[command(subcommand)]
    pub action: MaintAction,
}

#[derive(Debug, Subcommand)]
pub enum MaintAction {
    /// Set hosted-engine global maintenance and read it back.
    ///
    /// Exit codes: 0 on (read back); 2 it did not take, or --he-host cannot be reached;
    /// 3 usage error, no hosted engine found, or hosted-engine failed.
    On(HeOnly),
    /// Clear global maintenance and read it back.
    ///
    /// Exit codes: 0 off (read back); 2 it did not clear, or --he-host cannot be reached;
    /// 3 usage error, no hosted engine found, or hosted-engine failed.
    Off(HeOnly),
    /// Show global maintenance and the HE hosts.
    ///
    /// Exit codes: 0 shown; 2 --he-host cannot be reached; 3 no hosted engine found, usage
    /// error, or hosted-engine failed.
    Status(HeOnly),
    /// Check that every TLS endpoint serves the certificate on disk.
    ///
    /// Exit codes: 0 every endpoint serves its file, 3 usage error (no endpoint known),
    /// 4 an endpoint could not be checked (endpoint-unreachable: refused, timed out, handshake
    /// failed; or its file cannot be read), 5 an endpoint serves another certificate than its
    /// file (restart-needed).
    Verify(VerifyArgs),
    /// Restart the services that read the named certificates, under global maintenance, and
    /// verify their endpoints.
    ///
    /// Exit codes: 0 restarted and verified (or --dry-run); 2 refused, nothing restarted (a
    /// copy without --cycle, no unit here that reads the names, restarts refused because a
    /// hosted engine could not be ruled out, --no-restart, global maintenance could not be
    /// set); 3 usage error; 4 a restart failed (global maintenance kept on), global
    /// maintenance could not be cleared, or an endpoint showed no certificate after its
    /// restart (endpoint-unreachable); 5 an endpoint still serves the old certificate
    /// (restart-needed).
    Restart(RestartArgs),
}

#[derive(Debug, clap::Args)]
pub struct HeOnly {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub he: HeArgs,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub loc: LocationArgs,
    #[command(flatten)]
    pub ep: EndpointArgs,
    /// Keep probing up to SECONDS until every endpoint serves its file (0: probe once).
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub wait: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct RestartArgs {
    /// Certificates whose services to restart: ca, engine, apache, websocket-proxy, …
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,
    #[command(flatten)]
    pub loc: LocationArgs,
    /// Print the plan and do nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten, next_help_heading = "Maintenance cycle")]
    pub cycle: CycleArgs,
}

/// A `Target` for an HE host that is not this machine: SSH as root with the agent or
/// ~/.ssh keys, its host key checked against ~/.ssh/known_hosts (`HOST` or `HOST:PORT`).
pub fn remote_target(host: &str) -> Result<Box<dyn Target>, CliError> {
    let (name, port) = match host.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (
            h,
            p.parse::<u16>()
                .map_err(|_| CliError::Usage(format!("--he-host {host}: bad port")))?,
        ),
        _ => (host, crate::net::ssh::DEFAULT_PORT),
    };
    let t = crate::net::ssh::SshTarget::connect(
        name,
        name,
        port,
        &crate::net::ssh::SshOptions::new(),
        None,
    )
    .map_err(|e| CliError::Refused(format!("--he-host {host}: {e}")))?;
    Ok(Box::new(t))
}

/// The live Manager's locations (for the commands that take no `--root`).
fn live() -> LocationArgs {
    LocationArgs {
        root: None,
        pki_dir: None,
        engine_conf_dir: None,
        p12_password_file: None,
    }
}

/// The Manager REST client as [`HeRest`] (`--he-api`). The engine may be restarting during
/// the cycle, so connection failures are retried for about a minute and a half. `loc` gives
/// the defaults of `--ca-file` and `--engine-url` (`<root>/etc/pki/ovirt-engine/ca.pem` and
/// the ENGINE_FQDN of `<root>/etc/ovirt-engine/engine.conf.d` with `--root`).
/// Also without `--he-api` when credentials are configured (`--password-file`): the Manager
/// then says itself whether it is a hosted engine.
pub fn rest_client(he: &HeArgs, loc: &LocationArgs) -> Result<Option<Box<dyn HeRest>>, CliError> {
    if !he.he_api && he.engine.password_file.is_none() {
        return Ok(None);
    }
    let (mut cfg, _) = super::hosts::engine_config(&he.engine, loc)?;
    cfg.outage = Duration::from_secs(90);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Output(e.to_string()))?;
    let engine = rt
        .block_on(crate::net::engine::Engine::login(cfg))
        .map_err(|e| CliError::Refused(format!("--he-api: {e}")))?;
    Ok(Some(Box::new(RestHe { rt, engine })))
}

struct RestHe {
    rt: tokio::runtime::Runtime,
    engine: crate::net::engine::Engine,
}

impl HeRest for RestHe {
    fn hosted_engine_vm(&self) -> Result<Option<String>, String> {
        self.rt
            .block_on(self.engine.hosted_engine_vm())
            .map_err(|e| e.to_string())
    }
    fn set_global_maintenance(&self, vm_id: &str, on: bool) -> Result<(), String> {
        self.rt
            .block_on(self.engine.set_global_maintenance(vm_id, on))
            .map_err(|e| e.to_string())
    }
    fn global_maintenance(&self) -> Result<bool, String> {
        self.rt
            .block_on(self.engine.global_maintenance())
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "the Manager lists no hosted-engine host".to_string())
    }
}

impl Drop for RestHe {
    fn drop(&mut self) {
        self.rt.block_on(self.engine.logout());
    }
}

fn is_this_machine(host: &str) -> bool {
    if matches!(host, "localhost" | "127.0.0.1" | "::1" | "local") {
        return true;
    }
    let Some(me) = crate::sys::hostname() else {
        return false;
    };
    !me.is_empty()
        && (host.eq_ignore_ascii_case(&me)
            || me
                .split('.')
                .next()
                .is_some_and(|short| host.eq_ignore_ascii_case(short)))
}

fn in_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
}

/// How global maintenance is reached, owning what the [`GlobalMaintenance`] borrows.
pub enum HeAccess {
    Cli(Box<dyn Target>),
    Rest(Box<dyn HeRest>, String),
    /// Not a hosted engine (ruled out), or left to the admin (`--no-maintenance`): why.
    None(String),
    /// Neither found nor ruled out — the Manager VM of a hosted engine has no `hosted-engine`
    /// command — so no unit may be restarted: why, with any evidence found.
    Unknown(String),
}

impl HeAccess {
    pub fn gm(&self) -> Option<Box<dyn GlobalMaintenance + '_>> {
        match self {
            HeAccess::Cli(t) => Some(Box::new(HostedEngineCli { target: t.as_ref() })),
            HeAccess::Rest(r, id) => Some(Box::new(RestMaintenance {
                rest: r.as_ref(),
                vm_id: id.clone(),
            })),
            HeAccess::None(_) | HeAccess::Unknown(_) => None,
        }
    }
    pub fn describe(&self) -> String {
        match self.gm() {
            Some(g) => g.via(),
            None => match self {
                HeAccess::None(why) | HeAccess::Unknown(why) => why.clone(),
                _ => String::new(),
            },
        }
    }
    /// Why a hosted engine could not be ruled out (`None`: found, ruled out or left to the admin).
    pub fn unknown(&self) -> Option<&str> {
        match self {
            HeAccess::Unknown(why) => Some(why),
            _ => None,
        }
    }
}

fn maint_err(e: maintenance::MaintError) -> CliError {
    CliError::Usage(e.to_string())
}

/// What under `root` marks a hosted engine. Evidence only, for the message: its absence
/// rules nothing out (engine-setup keeps the hosted-engine facts in its database).
fn he_evidence(root: &Path) -> Option<String> {
    // hosted-engine-setup's answers for engine-setup on the appliance (cloud-init writes
    // them on the engine VM), or a hosted-engine host's own configuration.
    for rel in [
        "root/heanswers.conf",
        "etc/ovirt-hosted-engine/hosted-engine.conf",
        "etc/ovirt-hosted-engine-ha/agent.conf",
    ] {
        let p = root.join(rel);
        if p.is_file() {
            return Some(format!("{} exists", p.display()));
        }
    }
    // engine-setup's configuration and answer files on the engine VM naming hosted-engine
    // keys (OVEHOSTED_*, OVESETUP_CONFIG/continueSetupOnHEVM, the HostedEngine VM).
    for rel in [
        "etc/ovirt-engine-setup.conf.d",
        "var/lib/ovirt-engine/setup/answers",
    ] {
        let Ok(rd) = std::fs::read_dir(root.join(rel)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            let small = std::fs::metadata(&f).is_ok_and(|m| m.is_file() && m.len() < 1 << 20);
            if !small || f.extension().is_none_or(|e| e != "conf") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            if let Some(key) = ["OVEHOSTED_", "continueSetupOnHEVM", "HostedEngine"]
                .into_iter()
                .find(|k| text.contains(k))
            {
                return Some(format!("{} names {key}", f.display()));
            }
        }
    }
    None
}

/// Detection, in order: `--he-host` (must answer `--vm-status --json`), the REST API's
/// HostedEngine VM, a local `hosted-engine` command; else *unknown*: not found, not ruled
/// out. `loc` is where the Manager's files are (`None`: the live ones).
pub fn resolve_he(he: &HeArgs, loc: Option<&LocationArgs>) -> Result<HeAccess, CliError> {
    let live = live();
    let loc = loc.unwrap_or(&live);
    if let Some(h) = &he.he_host {
        let target: Box<dyn Target> = if is_this_machine(h) {
            Box::new(Local::default())
        } else {
            remote_target(h)?
        };
        let st = HostedEngineCli {
            target: target.as_ref(),
        }
        .vm_status()
        .map_err(maint_err)?;
        if st.is_none() {
            return Err(CliError::Usage(format!(
                "--he-host {h}: hosted-engine is not installed or not deployed there; name a hosted-engine host"
            )));
        }
        return Ok(HeAccess::Cli(target));
    }
    if let Some(rest) = rest_client(he, loc)? {
        let id = rest.hosted_engine_vm().map_err(|reason| {
            CliError::Usage(format!(
                "REST API: looking for the HostedEngine VM: {reason}"
            ))
        })?;
        return Ok(match id {
            Some(id) => HeAccess::Rest(rest, id),
            None => {
                HeAccess::None("not a hosted engine (the REST API lists no HostedEngine VM)".into())
            }
        });
    }
    if in_path("hosted-engine") {
        let local: Box<dyn Target> = Box::new(Local::default());
        let st = HostedEngineCli {
            target: local.as_ref(),
        }
        .vm_status()
        .map_err(maint_err)?;
        if st.is_some() {
            return Ok(HeAccess::Cli(local));
        }
        return Ok(HeAccess::None(
            "not a hosted engine (hosted-engine here is not deployed)".into(),
        ));
    }
    let root = conf_root(loc, &locations(loc).pki_dir);
    let evidence = he_evidence(&root)
        .map(|e| format!("; this Manager's files mark a hosted engine: {e}"))
        .unwrap_or_default();
    Ok(HeAccess::Unknown(format!(
        "hosted engine not detected and not ruled out (no --he-host, no --he-api, no hosted-engine command here — a hosted engine's Manager VM has none){evidence}; restarting httpd or ovirt-engine outside global maintenance can make the HA agents restart the Manager VM: pass --he-host HOST or --he-api on a hosted engine, --no-maintenance if this Manager is not one (or you hold global maintenance), or --no-restart"
    )))
}

fn settle(secs: u64) -> Settle {
    let timeout = Duration::from_secs(secs);
    Settle {
        timeout,
        interval: (timeout / 10).clamp(Duration::from_millis(100), Duration::from_secs(2)),
    }
}

/// The filesystem root the Manager's service configuration lives under.
fn conf_root(loc: &LocationArgs, pki_dir: &Path) -> PathBuf {
    if let Some(r) = &loc.root {
        return r.clone();
    }
    if pki_dir == Path::new(audit::DEFAULT_PKI_DIR) {
        return PathBuf::from("/");
    }
    let s = pki_dir.to_string_lossy();
    match s.trim_end_matches('/').strip_suffix("etc/pki/ovirt-engine") {
        Some(prefix) => PathBuf::from(prefix),
        // A bare PKI copy: no service configuration beside it.
        None => pki_dir.to_path_buf(),
    }
}

/// The Manager's endpoints as configured (plus `--endpoint`).
pub fn endpoints_for(loc: &LocationArgs, ep: &EndpointArgs) -> Vec<Endpoint> {
    let l = locations(loc);
    endpoints::discover(&endpoints::Discover {
        root: conf_root(loc, &l.pki_dir),
        era: services::era_of(&l.pki_dir),
        pki_dir: l.pki_dir,
        engine_conf_dir: l.engine_conf_dir,
        overrides: ep.endpoints.clone(),
    })
}

/// Whether `loc` is the live PKI of this machine.
fn is_live(loc: &LocationArgs) -> bool {
    loc.root.is_none() && locations(loc).pki_dir == Path::new(audit::DEFAULT_PKI_DIR)
}

/// The cycle, prepared (detection done, unit states read): plain data until run.
pub struct Prepared {
    pub he: HeAccess,
    pub manager: Local,
    pub restarts: Vec<Step>,
    pub endpoints: Vec<Endpoint>,
    pub options: CycleOptions,
}

impl Prepared {
    pub fn plan_json(&self) -> serde_json::Value {
        serde_json::json!({
            "maintenance": self.he.describe(),
            "restarts": self.restarts,
            "restart": self.options.restart && self.refused().is_none(),
            "restartRefused": self.refused(),
            "verify": if self.options.restart && self.options.verify {
                self.endpoints.iter().filter(|e| self.restarts.iter().any(|s| s.restarts() && s.unit == e.service)).collect::<Vec<_>>()
            } else { Vec::new() },
        })
    }

    /// Why the restarts will not run although asked for (a hosted engine not ruled out).
    pub fn refused(&self) -> Option<&str> {
        self.options
            .he_unknown
            .as_deref()
            .filter(|_| self.options.restart && self.restarts.iter().any(|s| s.restarts()))
    }

    pub fn render(&self) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "  cycle: global maintenance: {}\n",
            self.he.describe()
        ));
        if self.refused().is_some() {
            s.push_str("  cycle: RESTARTS REFUSED: the files are changed, no unit is restarted (exit 4); the commands are printed\n");
        }
        for st in &self.restarts {
            s.push_str(&format!(
                "  cycle: {} {:<28} ({}){}\n",
                if st.restarts() && self.options.restart && self.refused().is_none() {
                    "restart"
                } else if st.restarts() {
                    "PRINT  "
                } else {
                    "skip   "
                },
                st.unit,
                st.state,
                st.skip_reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ));
        }
        if self.options.restart && self.options.verify && self.refused().is_none() {
            for e in &self.endpoints {
                if self
                    .restarts
                    .iter()
                    .any(|s| s.restarts() && s.unit == e.service)
                {
                    s.push_str(&format!(
                        "  cycle: verify  {:<28} {} must serve {}\n",
                        e.name,
                        e.address,
                        e.cert_file.display()
                    ));
                }
            }
        }
        s
    }
}

/// Prepares the cycle for a change touching `names`; `None` (with the reason) when it does
/// not apply: not the live PKI and no `--cycle`.
pub fn prepare(
    c: &CycleArgs,
    loc: &LocationArgs,
    names: &[String],
) -> Result<Result<Prepared, String>, CliError> {
    if !is_live(loc) && !c.cycle {
        return Ok(Err(
            "maintenance cycle not run: this is not the live /etc/pki/ovirt-engine (pass --cycle to run maintenance, restarts and verification anyway)".into(),
        ));
    }
    let pki_dir = locations(loc).pki_dir;
    let era = services::era_of(&pki_dir);
    let needs = services::needed(names, era);
    let manager = Local::default();
    let restarts = services::plan(&manager, &needs)
        .map_err(|e| CliError::Usage(format!("reading service states: {e}")))?;
    let he = if c.no_maintenance {
        HeAccess::None("left to the admin (--no-maintenance)".into())
    } else {
        resolve_he(&c.he, Some(loc))?
    };
    let he_unknown = he.unknown().map(str::to_string);
    let vt = Duration::from_secs(c.verify_timeout);
    Ok(Ok(Prepared {
        he,
        manager,
        restarts,
        endpoints: endpoints_for(loc, &c.ep),
        options: CycleOptions {
            restart: !c.no_restart,
            verify: !c.no_verify,
            settle: settle(c.he.maintenance_timeout),
            verify_timeout: vt,
            verify_interval: (vt / 20).clamp(Duration::from_millis(200), Duration::from_secs(2)),
            probe_timeout: Duration::from_secs(c.ep.probe_timeout.max(1)),
            he_unknown,
        },
    }))
}

/// Runs the prepared cycle around `files`.
pub fn run_prepared<T, E: std::fmt::Display>(
    p: &Prepared,
    files: impl FnOnce() -> Result<T, E>,
) -> (CycleReport, Option<Result<T, E>>) {
    let gm = p.he.gm();
    let cycle = Cycle {
        maintenance: gm.as_deref(),
        manager: &p.manager,
        restarts: p.restarts.clone(),
        endpoints: p.endpoints.clone(),
        options: p.options.clone(),
    };
    cycle.run(files, &mut StderrSteps)
}

struct StderrSteps;
impl maintenance::CycleProgress for StderrSteps {
    fn step(&mut self, what: &str) {
        use std::io::IsTerminal;
        if std::io::stderr().is_terminal() {
            eprintln!("  .. {what}");
        }
    }
}

/// The cycle's outcome as admins read it.
pub fn render_report(r: &CycleReport) -> String {
    let mut s = String::new();
    // Units left alone are said in the real run too, not only in the dry run.
    for st in r.restarts.iter().filter(|st| !st.restarts()) {
        s.push_str(&format!(
            "cycle: skipped {:<20} ({}){}\n",
            st.unit,
            st.state,
            st.skip_reason
                .as_deref()
                .map(|x| format!(": {x}"))
                .unwrap_or_default()
        ));
    }
    for e in &r.events {
        s.push_str(&format!(
            "cycle: {:<22} {}{}\n",
            match &e.unit {
                Some(u) => format!("{} {u}", e.step),
                None => e.step.clone(),
            },
            if e.ok { "ok" } else { "FAILED" },
            e.detail
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        ));
    }
    for c in &r.checks {
        s.push_str(&format!(
            "endpoint {:<18} {:<28} {:<12} served {} / on disk {}{}\n",
            c.endpoint,
            c.address,
            match c.state {
                CheckState::Current => "current",
                CheckState::Stale => "STALE",
                CheckState::Unreachable => "UNREACHABLE",
                CheckState::DiskUnreadable => "FILE-UNREADABLE",
            },
            c.served_serial.as_deref().unwrap_or("-"),
            c.on_disk_serial.as_deref().unwrap_or("-"),
            c.served_signature
                .as_deref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default()
        ));
    }
    if let Some(m) = &r.maintenance_after {
        s.push_str(&format!("global maintenance now: {m}\n"));
    }
    for m in &r.manual {
        s.push_str(&format!("to do: {m}\n"));
    }
    s
}

/// `maintenance verify`: 0 only when every endpoint was seen serving its file; 4 when one
/// could not be checked (it showed no certificate — `endpoint-unreachable` — or its file
/// cannot be read): nothing is proven for it and a restart is not known to help; else 5 when
/// one serves another certificate than its file (`restart-needed`).
pub fn verify_exit_code(checks: &[endpoints::Check]) -> u8 {
    if checks.iter().any(|c| {
        matches!(
            c.state,
            CheckState::Unreachable | CheckState::DiskUnreadable
        )
    }) {
        EXIT_CYCLE_FAILED
    } else if checks.iter().any(|c| c.state == CheckState::Stale) {
        EXIT_RESTART_NEEDED
    } else {
        0
    }
}

/// The exit code for a cycle whose file step succeeded.
pub fn exit_code(r: &CycleReport) -> u8 {
    match r.result {
        CycleResult::Done => 0,
        // The verify step judged as `maintenance verify` does: an endpoint that shows no
        // certificate after its restart is 4, one that serves the old certificate 5.
        CycleResult::Stale | CycleResult::EndpointUnreachable => verify_exit_code(&r.checks),
        CycleResult::MaintenanceRefused => super::change::EXIT_REFUSED,
        CycleResult::FilesFailed => super::change::EXIT_FAILED_ROLLED_BACK,
        CycleResult::RestartFailed
        | CycleResult::RestartRefused
        | CycleResult::MaintenanceNotCleared => EXIT_CYCLE_FAILED,
    }
}

/// On stderr, whatever the format: restarts refused, global maintenance left ON by us.
pub fn shout(r: &CycleReport) {
    if r.result == CycleResult::RestartRefused {
        if let Some(d) = r
            .events
            .iter()
            .find(|e| e.step == "restart-refused")
            .and_then(|e| e.detail.as_deref())
        {
            eprintln!("rhv-pki: ATTENTION: restarts refused: {d}");
        }
    }
    if r.events.iter().any(|e| e.step == "maintenance-kept-on") {
        eprintln!(
            "rhv-pki: ATTENTION: global maintenance is still ON because a restart failed: {}",
            r.maintenance_after.as_deref().unwrap_or("")
        );
    }
}

/// `restart-needed` / `endpoint-unreachable` findings of a cycle's checks.
pub fn cycle_findings(pki_dir: &Path, r: &CycleReport) -> Vec<audit::Finding> {
    audit::probe_findings(&AuditConfig::new(pki_dir, 0), &r.checks)
}

fn print_json(v: &serde_json::Value) -> Result<(), CliError> {
    let mut w = super::out::stdout();
    serde_json::to_writer_pretty(&mut w, v).map_err(|e| CliError::Output(e.to_string()))?;
    writeln!(w).map_err(|e| CliError::Output(e.to_string()))
}

/// `audit --probe`: probe the endpoints and turn what they serve into findings.
pub fn probe_for_audit(
    loc: &LocationArgs,
    p: &ProbeArgs,
    cfg: &AuditConfig,
) -> Vec<audit::Finding> {
    let eps = endpoints_for(loc, &p.ep);
    let timeout = Duration::from_secs(p.ep.probe_timeout.max(1));
    let checks: Vec<_> = eps.iter().map(|e| endpoints::check(e, timeout)).collect();
    audit::probe_findings(cfg, &checks)
}

pub fn run(a: MaintenanceArgs) -> Result<Outcome, CliError> {
    match a.action {
        MaintAction::Status(h) => {
            let he = resolve_he(&h.he, None)?;
            let Some(gm) = he.gm() else {
                if h.format == Format::Json {
                    print_json(
                        &serde_json::json!({"kind": "HeMaintenance", "apiVersion": "rhv-pki/v1", "hostedEngine": false, "detail": he.describe()}),
                    )?;
                } else {
                    println!("{}", he.describe());
                }
                return Ok(Outcome { code: 3 });
            };
            let on = gm.status().map_err(maint_err)?;
            let hosts = match &he {
                HeAccess::Cli(t) => HostedEngineCli { target: t.as_ref() }
                    .vm_status()
                    .ok()
                    .flatten()
                    .map(|s| s.hosts)
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            if h.format == Format::Json {
                print_json(
                    &serde_json::json!({"kind": "HeMaintenance", "apiVersion": "rhv-pki/v1", "hostedEngine": true, "via": gm.via(), "globalMaintenance": on, "hosts": hosts}),
                )?;
            } else {
                println!(
                    "global maintenance: {} ({})",
                    if on { "ON" } else { "off" },
                    gm.via()
                );
                for x in &hosts {
                    println!(
                        "  host {} {:<30} score {:<5} engine vm {:<8} health {}{}",
                        x.host_id,
                        x.hostname,
                        x.score.map(|s| s.to_string()).unwrap_or("-".into()),
                        x.vm.as_deref().unwrap_or("-"),
                        x.health.as_deref().unwrap_or("-"),
                        if x.maintenance == Some(true) {
                            " (local maintenance)"
                        } else {
                            ""
                        }
                    );
                }
            }
            Ok(Outcome { code: 0 })
        }
        MaintAction::On(h) => on_off(h, true),
        MaintAction::Off(h) => on_off(h, false),
        MaintAction::Verify(v) => {
            let eps = endpoints_for(&v.loc, &v.ep);
            if eps.is_empty() {
                return Err(CliError::Usage(
                    "no TLS endpoints found in the Manager's configuration; name them with --endpoint NAME=HOST:PORT".into(),
                ));
            }
            let pt = Duration::from_secs(v.ep.probe_timeout.max(1));
            let wait = Duration::from_secs(v.wait);
            let checks = endpoints::verify_until(
                &eps,
                wait,
                (wait / 20).clamp(Duration::from_millis(200), Duration::from_secs(2)),
                pt,
            );
            let pki_dir = locations(&v.loc).pki_dir;
            let findings = audit::probe_findings(&AuditConfig::new(&pki_dir, 0), &checks);
            let code = verify_exit_code(&checks);
            if v.format == Format::Json {
                print_json(
                    &serde_json::json!({"kind": "EndpointCheck", "apiVersion": "rhv-pki/v1", "checks": checks, "findings": findings}),
                )?;
            } else {
                let r = CycleReport {
                    result: CycleResult::Done,
                    maintenance_via: None,
                    held: None,
                    maintenance_after: None,
                    events: Vec::new(),
                    restarts: Vec::new(),
                    checks,
                    manual: Vec::new(),
                };
                print!("{}", render_report(&r));
                for f in &findings {
                    println!("{} {}: {}", f.problem.code(), f.path, f.message);
                }
            }
            Ok(Outcome { code })
        }
        MaintAction::Restart(r) => restart(r),
    }
}

/// `maintenance restart NAME...`: under global maintenance, only on the live PKI unless
/// `--cycle`; nothing requested that can be restarted, or restarts refused, is not a success.
fn restart(r: RestartArgs) -> Result<Outcome, CliError> {
    for n in &r.names {
        if crate::pki::catalog::entity(n).is_none()
            && !crate::pki::catalog::CAS.iter().any(|c| c.name == n)
        {
            return Err(CliError::Usage(format!("unknown certificate name '{n}'")));
        }
    }
    // A copy never restarts the live services (as resign / renew): --cycle says it should.
    let p = prepare(&r.cycle, &r.loc, &r.names)?
        .map_err(|why| CliError::Refused(format!("nothing restarted: {why}")))?;
    if r.dry_run {
        if r.format == Format::Json {
            print_json(
                &serde_json::json!({"kind": "ServiceRestart", "apiVersion": "rhv-pki/v1", "dryRun": true, "cycle": p.plan_json()}),
            )?;
        } else {
            print!("rhv-pki maintenance restart --dry-run\n{}", p.render());
        }
        return Ok(Outcome { code: 0 });
    }
    let restartable = p.restarts.iter().any(|s| s.restarts());
    let refusal = if !restartable {
        Some(format!(
            "nothing restarted: no unit that reads {} is installed and running or enabled here",
            r.names.join(", ")
        ))
    } else if let Some(why) = p.refused() {
        Some(format!("nothing restarted: {why}"))
    } else if !p.options.restart {
        Some("nothing restarted: --no-restart".to_string())
    } else {
        None
    };
    if let Some(why) = refusal {
        // Say what was found (the skips) before refusing.
        if r.format == Format::Json {
            print_json(
                &serde_json::json!({"kind": "ServiceRestart", "apiVersion": "rhv-pki/v1", "dryRun": false, "cycle": p.plan_json(), "error": why}),
            )?;
        } else {
            print!("{}", p.render());
        }
        return Err(CliError::Refused(why));
    }
    super::trail::started();
    let (mut rep, _) = run_prepared(&p, || Ok::<(), String>(()));
    super::trail::note(|t| t.units_restarted = super::trail::restarted(&rep));
    // No files in this sub-step: only maintenance, restarts, verify.
    rep.events.retain(|e| e.step != "files");
    let pki_dir = locations(&r.loc).pki_dir;
    if r.format == Format::Json {
        print_json(
            &serde_json::json!({"kind": "ServiceRestart", "apiVersion": "rhv-pki/v1", "dryRun": false, "cycle": rep, "findings": cycle_findings(&pki_dir, &rep)}),
        )?;
    } else {
        print!("{}", render_report(&rep));
    }
    shout(&rep);
    Ok(Outcome {
        code: exit_code(&rep),
    })
}

fn on_off(h: HeOnly, on: bool) -> Result<Outcome, CliError> {
    let he = resolve_he(&h.he, None)?;
    let Some(gm) = he.gm() else {
        return Err(CliError::Usage(format!(
            "cannot set global maintenance: {}",
            he.describe()
        )));
    };
    let s = settle(h.he.maintenance_timeout);
    let before = gm.status().map_err(maint_err)?;
    let result = if on {
        maintenance::enter(gm.as_ref(), s).map(|_| ())
    } else if before {
        let held = maintenance::Held {
            was_on: false,
            we_set: true,
        };
        maintenance::leave(gm.as_ref(), held, s).map(|_| ())
    } else {
        Ok(())
    };
    let after = gm.status().ok();
    let ok = result.is_ok();
    if h.format == Format::Json {
        print_json(
            &serde_json::json!({"kind": "HeMaintenance", "apiVersion": "rhv-pki/v1", "via": gm.via(), "before": before, "after": after, "ok": ok, "error": result.as_ref().err().map(|e| e.to_string())}),
        )?;
    } else {
        match &result {
            Ok(()) => println!(
                "global maintenance {} ({}{})",
                if on { "ON" } else { "off" },
                gm.via(),
                if before == on { ", it already was" } else { "" }
            ),
            Err(e) => eprintln!("rhv-pki: error: {e}"),
        }
    }
    Ok(Outcome {
        code: if ok { 0 } else { super::change::EXIT_REFUSED },
    })
}
