//! The maintenance cycle's plumbing, shared by `resign` / `renew` (around their file step),
//! `maintenance …` and `audit --probe`: choosing how global maintenance is reached
//! ([`remote_target`]: SSH to `--he-host`; [`rest_client`]: the Manager REST client as
//! [`HeRest`]), preparing the cycle as plain data ([`prepare`]), running it
//! ([`run_prepared`]), and rendering and judging its report for admins.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::args::{
    engine_config, locations, ssh_options, CycleArgs, EndpointArgs, EndpointProbeArgs, HeArgs,
    LocationArgs,
};
use super::exit::{CliError, ExitStatus};
use super::lang::{t, tf};
use super::term::StderrSteps;
use rhv_pki::audit::{self, AuditConfig};
use rhv_pki::i18n::{pad, width, Text};
use rhv_pki::manager::endpoints::{self, CheckState, Endpoint};
use rhv_pki::manager::maintenance::{
    self, Cycle, CycleOptions, CycleReport, CycleResult, GlobalMaintenance, HeRest, HeRestError,
    HostedEngineCli, RestMaintenance, Settle,
};
use rhv_pki::manager::services::{self, Step};
use rhv_pki::net::remote::{Local, Target};

/// A `Target` for an HE host that is not this machine: SSH as root with the agent or
/// ~/.ssh keys, its host key checked against ~/.ssh/known_hosts (`HOST` or `HOST:PORT`).
pub fn remote_target(host: &str) -> Result<Box<dyn Target>, CliError> {
    let (name, port) = match host.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (
            h,
            p.parse::<u16>().map_err(|_| {
                CliError::Text(rhv_pki::i18n::Text::new("cycle-he-host-bad-port").arg("host", host))
            })?,
        ),
        _ => (host, rhv_pki::net::ssh::DEFAULT_PORT),
    };
    let t = rhv_pki::net::ssh::SshTarget::connect(name, name, port, &ssh_options(), None).map_err(
        |e| {
            CliError::RefusedText(
                rhv_pki::i18n::Text::new("cycle-he-host")
                    .arg("host", host)
                    .arg_text("error", e.text()),
            )
        },
    )?;
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
    let (mut cfg, _) = engine_config(&he.engine, loc)?;
    cfg.outage = Duration::from_secs(90);
    let rt = rhv_pki::exec::runtime(rhv_pki::exec::Threads::Current)
        .map_err(|e| CliError::Output(e.to_string()))?;
    let engine = rt
        .block_on(rhv_pki::net::engine::Engine::login(cfg))
        .map_err(|e| {
            CliError::RefusedText(
                rhv_pki::i18n::Text::new("cycle-he-api").arg_text("error", e.text()),
            )
        })?;
    Ok(Some(Box::new(RestHe { rt, engine })))
}

struct RestHe {
    rt: tokio::runtime::Runtime,
    engine: rhv_pki::net::engine::Engine,
}

impl HeRest for RestHe {
    fn hosted_engine_vm(&self) -> Result<Option<String>, HeRestError> {
        Ok(self.rt.block_on(self.engine.hosted_engine_vm())?)
    }
    fn set_global_maintenance(&self, vm_id: &str, on: bool) -> Result<(), HeRestError> {
        Ok(self
            .rt
            .block_on(self.engine.set_global_maintenance(vm_id, on))?)
    }
    fn global_maintenance(&self) -> Result<bool, HeRestError> {
        self.rt
            .block_on(self.engine.global_maintenance())?
            .ok_or(HeRestError::NoHeHost)
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
    let Some(me) = rhv_pki::sys::hostname() else {
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

/// Why there is no global maintenance to drive: in English for the JSON documents and the
/// library's report, and in the admin's language for the text.
#[derive(Debug, Clone)]
pub struct Why {
    pub en: String,
    pub shown: String,
    /// The same as a catalogue message (for the cycle's report).
    pub text: Text,
}

impl Why {
    /// The message `key` with `args`, in English and in the admin's language.
    pub fn of(key: &'static str, args: &[(&'static str, rhv_pki::i18n::Arg<'_>)]) -> Why {
        let text = args.iter().fold(Text::new(key), |t, (k, v)| match v {
            rhv_pki::i18n::Arg::Str(s) => t.arg(k, s),
            rhv_pki::i18n::Arg::Num(n) => t.arg(k, n),
        });
        Why {
            en: rhv_pki::i18n::Messages::new(rhv_pki::i18n::Lang::En).fmt(key, args),
            shown: tf(key, args),
            text,
        }
    }
}

/// How global maintenance is reached, owning what the [`GlobalMaintenance`] borrows.
pub enum HeAccess {
    Cli(Box<dyn Target>),
    Rest(Box<dyn HeRest>, String),
    /// Not a hosted engine (ruled out), or left to the admin (`--no-maintenance`): why.
    None(Why),
    /// Neither found nor ruled out — the Manager VM of a hosted engine has no `hosted-engine`
    /// command — so no unit may be restarted: why, with any evidence found.
    Unknown(Why),
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
    /// How global maintenance is reached, or why it is not: English (JSON).
    pub fn describe(&self) -> String {
        match self.gm() {
            Some(g) => g.via(),
            None => match self {
                HeAccess::None(why) | HeAccess::Unknown(why) => why.en.clone(),
                _ => String::new(),
            },
        }
    }
    /// [`HeAccess::describe`] in the admin's language (text).
    pub fn shown(&self) -> String {
        match self {
            HeAccess::None(why) | HeAccess::Unknown(why) => why.shown.clone(),
            _ => match self.gm() {
                Some(g) => shown_text(&g.via_text()),
                None => self.describe(),
            },
        }
    }
    /// [`HeAccess::unknown`] as a catalogue message.
    pub fn unknown_text(&self) -> Option<Text> {
        match self {
            HeAccess::Unknown(why) => Some(why.text.clone()),
            _ => None,
        }
    }
    /// Why a hosted engine could not be ruled out (`None`: found, ruled out or left to the
    /// admin), in English (the report and JSON carry it).
    pub fn unknown(&self) -> Option<&str> {
        match self {
            HeAccess::Unknown(why) => Some(&why.en),
            _ => None,
        }
    }
    /// [`HeAccess::unknown`] in the admin's language.
    pub fn unknown_shown(&self) -> Option<&str> {
        match self {
            HeAccess::Unknown(why) => Some(&why.shown),
            _ => None,
        }
    }
}

/// `t` in the admin's language.
pub fn shown_text(t: &Text) -> String {
    super::lang::with(|m| t.render(m))
}

pub fn maint_err(e: maintenance::MaintError) -> CliError {
    CliError::Text(e.text())
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
            return Some(tf(
                "cycle-he-evidence-exists",
                &[("path", p.display().to_string().as_str().into())],
            ));
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
                return Some(tf(
                    "cycle-he-evidence-names",
                    &[
                        ("path", f.display().to_string().as_str().into()),
                        ("key", key.into()),
                    ],
                ));
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
            return Err(CliError::Text(
                rhv_pki::i18n::Text::new("cycle-he-host-not-deployed").arg("host", h),
            ));
        }
        return Ok(HeAccess::Cli(target));
    }
    if let Some(rest) = rest_client(he, loc)? {
        let id = rest.hosted_engine_vm().map_err(|reason| {
            CliError::Text(
                rhv_pki::i18n::Text::new("cycle-he-rest-lookup").arg_text("reason", reason.text()),
            )
        })?;
        return Ok(match id {
            Some(id) => HeAccess::Rest(rest, id),
            None => HeAccess::None(Why::of("cycle-he-none-rest", &[])),
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
        return Ok(HeAccess::None(Why::of("cycle-he-none-local", &[])));
    }
    let root = conf_root(loc, &locations(loc).pki_dir);
    // The evidence is a path and a word: the same in both languages.
    let evidence = he_evidence(&root).unwrap_or_default();
    let key = if evidence.is_empty() {
        "cycle-he-unknown"
    } else {
        "cycle-he-unknown-evidence"
    };
    Ok(HeAccess::Unknown(Why::of(
        key,
        &[("evidence", evidence.as_str().into())],
    )))
}

pub fn settle(secs: u64) -> Settle {
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
        let cycle = t("cycle-prefix");
        s.push_str(&format!(
            "  {cycle} {}\n",
            tf(
                "cycle-plan-maintenance",
                &[("via", self.he.shown().as_str().into())]
            )
        ));
        if self.refused().is_some() {
            s.push_str(&format!("  {cycle} {}\n", t("cycle-plan-refused")));
        }
        for st in &self.restarts {
            s.push_str(&format!(
                "  {cycle} {} {} ({}){}\n",
                pad(
                    &t(
                        if st.restarts() && self.options.restart && self.refused().is_none() {
                            "cycle-word-restart"
                        } else if st.restarts() {
                            "cycle-word-print"
                        } else {
                            "cycle-word-skip"
                        }
                    ),
                    7
                ),
                pad(&st.unit, 28),
                shown_text(&st.state_text()),
                st.skip_reason
                    .as_deref()
                    .map(|r| format!(": {}", super::phrases::shown(r)))
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
                        "  {cycle} {} {} {}\n",
                        pad(&t("cycle-word-verify"), 7),
                        pad(&e.name, 28),
                        tf(
                            "cycle-plan-must-serve",
                            &[
                                ("address", e.address.as_str().into()),
                                ("file", e.cert_file.display().to_string().as_str().into()),
                            ]
                        )
                    ));
                }
            }
        }
        s
    }
}

/// Why the maintenance cycle does not apply to a change: not an error, a plan note. The
/// text is English (the JSON carries it); it is shown translated through the phrase table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotApplied {
    /// The PKI worked on is a copy (`--root` / `--pki-dir`), not the live one, and `--cycle`
    /// was not given: no service of this machine serves it.
    #[error("{}", super::phrases::english("cycle-not-live", &[]))]
    NotLive {
        /// The PKI directory the change works on.
        pki_dir: PathBuf,
    },
}

/// Prepares the cycle for a change touching `names`; `Err` (why) when it does not apply:
/// not the live PKI and no `--cycle`.
pub fn prepare(
    c: &CycleArgs,
    loc: &LocationArgs,
    names: &[String],
) -> Result<Result<Prepared, NotApplied>, CliError> {
    let pki_dir = locations(loc).pki_dir;
    if !is_live(loc) && !c.cycle {
        return Ok(Err(NotApplied::NotLive { pki_dir }));
    }
    let era = services::era_of(&pki_dir);
    let needs = services::needed(names, era);
    let manager = Local::default();
    let restarts = services::plan(&manager, &needs).map_err(|e| {
        CliError::Text(Text::new("cycle-reading-states").arg_text("error", e.text()))
    })?;
    let he = if c.no_maintenance {
        HeAccess::None(Why::of("cycle-he-left-to-admin", &[]))
    } else {
        resolve_he(&c.he, Some(loc))?
    };
    let he_unknown = he.unknown().map(str::to_string);
    let he_unknown_text = he.unknown_text();
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
            he_unknown_text,
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

/// A step of the cycle's report (`maintenance-on`, `restart`…) in the admin's language.
fn step_word(step: &str) -> String {
    let key = format!("cycle-step-{step}");
    let w = t(&key);
    if w == key {
        step.to_string()
    } else {
        w
    }
}

/// The cycle's outcome as admins read it.
pub fn render_report(r: &CycleReport) -> String {
    let mut s = String::new();
    let cycle = t("cycle-prefix");
    // Units left alone are said in the real run too, not only in the dry run.
    for st in r.restarts.iter().filter(|st| !st.restarts()) {
        s.push_str(&format!(
            "{cycle} {} {} ({}){}\n",
            t("cycle-word-skipped"),
            pad(&st.unit, 20),
            shown_text(&st.state_text()),
            st.skip_reason
                .as_deref()
                .map(|x| format!(": {}", super::phrases::shown(x)))
                .unwrap_or_default()
        ));
    }
    // The step column as wide as its widest label (Japanese steps are longer).
    let labels: Vec<String> = r
        .events
        .iter()
        .map(|e| {
            let step = step_word(&e.step);
            match &e.unit {
                Some(u) => format!("{step} {u}"),
                None => step,
            }
        })
        .collect();
    let lw = labels.iter().map(|l| width(l)).fold(22, usize::max);
    for (e, label) in r.events.iter().zip(&labels) {
        s.push_str(&format!(
            "{cycle} {} {}{}\n",
            pad(label, lw),
            t(if e.ok {
                "cycle-word-ok"
            } else {
                "cycle-word-failed"
            }),
            event_detail(e)
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        ));
    }
    for c in &r.checks {
        let state = t(match c.state {
            CheckState::Current => "cycle-check-current",
            CheckState::Stale => "cycle-check-stale",
            CheckState::Unreachable => "cycle-check-unreachable",
            CheckState::DiskUnreadable => "cycle-check-file-unreadable",
        });
        s.push_str(&format!(
            "{} {} {} {} {}{}\n",
            t("cycle-endpoint"),
            pad(&c.endpoint, 18),
            pad(&c.address, 28),
            pad(&state, 12),
            tf(
                "cycle-endpoint-served",
                &[
                    ("served", c.served_serial.as_deref().unwrap_or("-").into()),
                    ("disk", c.on_disk_serial.as_deref().unwrap_or("-").into()),
                ]
            ),
            c.served_signature
                .as_deref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default()
        ));
    }
    if let Some(m) = maintenance_after_shown(r) {
        s.push_str(&tf(
            "cycle-maintenance-now",
            &[("state", m.as_str().into())],
        ));
        s.push('\n');
    }
    for (i, m) in r.manual.iter().enumerate() {
        let step = match r.manual_text.get(i) {
            Some(t) if r.manual_text.len() == r.manual.len() => shown_text(t),
            _ => super::phrases::shown(m),
        };
        s.push_str(&tf("cycle-todo", &[("step", step.as_str().into())]));
        s.push('\n');
    }
    s
}

/// An event's detail in the admin's language (`None`: no detail).
fn event_detail(e: &maintenance::Event) -> Option<String> {
    match (&e.detail_text, &e.detail) {
        (Some(t), _) => Some(shown_text(t)),
        (None, Some(d)) => Some(super::phrases::shown(d)),
        (None, None) => None,
    }
}

/// The global maintenance state at the end of the cycle, in the admin's language.
fn maintenance_after_shown(r: &CycleReport) -> Option<String> {
    match (&r.maintenance_after_text, &r.maintenance_after) {
        (Some(t), _) => Some(shown_text(t)),
        (None, Some(m)) => Some(super::phrases::shown(m)),
        (None, None) => None,
    }
}

/// `maintenance verify`: 0 only when every endpoint was seen serving its file; 4 when one
/// could not be checked (it showed no certificate — `endpoint-unreachable` — or its file
/// cannot be read): nothing is proven for it and a restart is not known to help; else 5 when
/// one serves another certificate than its file (`restart-needed`).
pub fn verify_status(checks: &[endpoints::Check]) -> ExitStatus {
    if checks.iter().any(|c| {
        matches!(
            c.state,
            CheckState::Unreachable | CheckState::DiskUnreadable
        )
    }) {
        ExitStatus::CycleFailed
    } else if checks.iter().any(|c| c.state == CheckState::Stale) {
        ExitStatus::RestartNeeded
    } else {
        ExitStatus::Ok
    }
}

/// The exit status of a cycle whose file step succeeded.
pub fn cycle_status(r: &CycleReport) -> ExitStatus {
    match r.result {
        CycleResult::Done => ExitStatus::Ok,
        // The verify step judged as `maintenance verify` does: an endpoint that shows no
        // certificate after its restart is 4, one that serves the old certificate 5.
        CycleResult::Stale | CycleResult::EndpointUnreachable => verify_status(&r.checks),
        CycleResult::MaintenanceRefused => ExitStatus::Refused,
        CycleResult::FilesFailed => ExitStatus::FailedRolledBack,
        CycleResult::RestartFailed
        | CycleResult::RestartRefused
        | CycleResult::MaintenanceNotCleared => ExitStatus::CycleFailed,
    }
}

/// On stderr, whatever the format: restarts refused, global maintenance left ON by us.
pub fn shout(r: &CycleReport) {
    if r.result == CycleResult::RestartRefused {
        if let Some(d) = r
            .events
            .iter()
            .find(|e| e.step == "restart-refused")
            .and_then(event_detail)
        {
            eprintln!(
                "rhv-pki: {}",
                tf("cycle-attention-refused", &[("detail", d.as_str().into())])
            );
        }
    }
    if r.events.iter().any(|e| e.step == "maintenance-kept-on") {
        eprintln!(
            "rhv-pki: {}",
            tf(
                "cycle-attention-kept-on",
                &[(
                    "state",
                    maintenance_after_shown(r)
                        .unwrap_or_default()
                        .as_str()
                        .into()
                )]
            )
        );
    }
}

/// `restart-needed` / `endpoint-unreachable` findings of a cycle's checks.
pub fn cycle_findings(pki_dir: &Path, r: &CycleReport) -> Vec<audit::Finding> {
    rhv_pki::manager::endpoints::probe_findings(&AuditConfig::new(pki_dir, 0), &r.checks)
}

/// `audit --probe`: probe the endpoints and turn what they serve into findings.
pub fn probe_for_audit(
    loc: &LocationArgs,
    p: &EndpointProbeArgs,
    cfg: &AuditConfig,
) -> Vec<audit::Finding> {
    let eps = endpoints_for(loc, &p.ep);
    let timeout = Duration::from_secs(p.ep.probe_timeout.max(1));
    let checks: Vec<_> = eps.iter().map(|e| endpoints::check(e, timeout)).collect();
    rhv_pki::manager::endpoints::probe_findings(cfg, &checks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(clap::Parser)]
    struct Wrap {
        #[command(flatten)]
        loc: LocationArgs,
        #[command(flatten)]
        cycle: CycleArgs,
    }

    #[test]
    fn a_copy_of_the_pki_is_not_cycled_and_the_note_names_why() {
        use clap::Parser;
        let w = Wrap::try_parse_from(["rhv-pki", "--root", "/tmp/copy"]).unwrap();
        let Ok(Err(why)) = prepare(&w.cycle, &w.loc, &["apache".into()]) else {
            panic!("a copy without --cycle is not cycled");
        };
        assert_eq!(
            why,
            NotApplied::NotLive {
                pki_dir: PathBuf::from("/tmp/copy/etc/pki/ovirt-engine")
            }
        );
        // The plan note the JSON has always carried, in English.
        assert_eq!(
            why.to_string(),
            "maintenance cycle not run: this is not the live /etc/pki/ovirt-engine (pass \
             --cycle to run maintenance, restarts and verification anyway)"
        );
    }
}
