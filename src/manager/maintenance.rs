//! Hosted-engine global maintenance and the Manager maintenance cycle around a PKI change:
//! maintenance on → files (the `txn` transaction) → service restarts → endpoint verification →
//! maintenance off.
//!
//! Why: on a hosted engine the HA agents restart the engine VM (maybe elsewhere) after 300 s of
//! bad engine health; restarting httpd / ovirt-engine mid-change can trigger that, and
//! engine-setup itself refuses to run without global maintenance (shared/docs/ovirt-pki.md §7).
//!
//! Two ways to drive it, behind [`GlobalMaintenance`]:
//! - [`HostedEngineCli`]: `hosted-engine --set-maintenance --mode=global|none` and
//!   `--vm-status --json` on an HE host, through a [`Target`] (local, or SSH once wired);
//! - [`RestMaintenance`]: the Manager's REST API (`POST /vms/{HostedEngine id}/maintenance`),
//!   through the small [`HeRest`] trait the REST client implements.
//!
//! Detection (decided and documented in the README): an HE host given with `--he-host` (its
//! `--vm-status --json` must answer), else the REST API's HostedEngine VM when a REST client is
//! configured, else a local `hosted-engine` command; none of these → "not detected and not
//! ruled out", which the plan says in so many words, and restarts are refused.
//!
//! The promise: maintenance is read back after setting it and the change refuses to start if
//! it did not take; global maintenance is left as the run found it — if it was already on, it
//! stays on — except after a failed restart, when it is kept on (a service is down), and when
//! clearing fails; both are reported loudly with the command to run. Without a way to reach
//! global maintenance and without the hosted engine ruled out ([`CycleOptions::he_unknown`]),
//! nothing is restarted.

use std::ops::ControlFlow;
use std::time::Duration;

use serde::Serialize;

use crate::exec::{poll_until, Every, Polled, SYSTEM};
use crate::i18n::Text;
use crate::manager::endpoints::{self, Check, CheckState, Endpoint};
use crate::manager::services::{self, Step};
use crate::net::remote::{RemoteError, Target};

/// A failure to read or change global maintenance.
#[derive(Debug, thiserror::Error)]
pub enum MaintError {
    #[error(transparent)]
    /// Running a command on the Manager or a host failed.
    Remote(#[from] RemoteError),
    #[error("{host}: hosted-engine --vm-status --json: {source}")]
    /// `hosted-engine --vm-status --json` gave no usable answer.
    BadStatus {
        /// Where it ran.
        host: String,
        /// What was wrong with the answer.
        source: VmStatusError,
    },
    #[error("{via}: {source}")]
    /// The Manager's REST API refused or failed the maintenance request.
    Rest {
        /// The Manager URL.
        via: String,
        /// What the REST side could not answer.
        source: Box<HeRestError>,
    },
    #[error("{via}: global maintenance is still {state} {secs} s after setting it {wanted}")]
    /// Global maintenance did not reach the state asked for in time.
    DidNotTake {
        /// How it was set (`hosted-engine` on a host, or the REST API).
        via: String,
        /// The state asked for (`on`, `off`).
        wanted: &'static str,
        /// The state seen.
        state: &'static str,
        /// Seconds waited.
        secs: u64,
    },
}

/// Why `hosted-engine --vm-status --json` gave no usable answer; each variant quotes it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VmStatusError {
    /// The command failed (`status`: its exit code, `None` when killed by a signal).
    #[error("exit {}: {brief}", .status.map(|s| s.to_string()).unwrap_or_else(|| "signal".into()))]
    Exit {
        /// Its exit code.
        status: Option<i32>,
        /// Its first error line.
        brief: String,
    },
    /// Asked for the status of a host where the command is missing or not deployed.
    #[error("hosted-engine is not installed or not deployed there")]
    NotDeployed,
    /// The output is not JSON.
    #[error("not JSON: {reason}")]
    NotJson {
        /// The parser's reason.
        reason: String,
    },
    /// Valid JSON of another shape (`found`: its type).
    #[error("not a JSON object")]
    NotObject {
        /// The JSON type found (`array`, `string`, …).
        found: &'static str,
    },
    /// The object has no top-level `global_maintenance`.
    #[error("no top-level global_maintenance")]
    NoGlobalMaintenance,
    /// `global_maintenance` is there but not `true` / `false`.
    #[error("global_maintenance is {value}, not a boolean")]
    NotBoolean {
        /// The value found, as JSON.
        value: String,
    },
}

/// What the Manager's REST side could not answer for global maintenance.
#[derive(Debug, thiserror::Error)]
pub enum HeRestError {
    /// The Manager's REST API failed or refused the request.
    #[error(transparent)]
    Engine(#[from] crate::net::engine::EngineError),
    /// No host reports a hosted-engine configuration.
    #[error("the Manager lists no hosted-engine host")]
    NoHeHost,
}

impl MaintError {
    /// The error as a catalogue message: rhv-pki's words in the reader's language,
    /// `hosted-engine`'s, the Manager's and the system's as they came. English: the `Display`.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            MaintError::Remote(e) => e.text(),
            MaintError::BadStatus { host, source } => Text::new("maint-err-bad-status")
                .arg("host", host)
                .arg_text("detail", source.text()),
            MaintError::Rest { via, source } => Text::new("maint-err-rest")
                .arg_text("via", via_text(via))
                .arg_text("detail", source.text()),
            MaintError::DidNotTake {
                via,
                wanted,
                state,
                secs,
            } => Text::new("maint-err-did-not-take")
                .arg_text("via", via_text(via))
                .arg_text("state", on_off_text(state))
                .arg("secs", secs)
                .arg_text("wanted", on_off_text(wanted)),
        }
    }
}

/// How global maintenance is reached ([`GlobalMaintenance::via`]: `hosted-engine on HOST`,
/// `REST API (HostedEngine VM ID)`, or `REST API` while looking for that VM) as a catalogue
/// message: the host and the VM id as they are. English: `via` itself, byte for byte (any
/// other text is kept verbatim).
pub fn via_text(via: &str) -> Text {
    if let Some(host) = via.strip_prefix("hosted-engine on ") {
        return Text::new("cycle-via-he").arg("host", host);
    }
    if let Some(id) = via
        .strip_prefix("REST API (HostedEngine VM ")
        .and_then(|r| r.strip_suffix(')'))
    {
        return Text::new("cycle-via-rest-vm").arg("id", id);
    }
    if via == "REST API" {
        return Text::new("cycle-via-rest");
    }
    Text::verbatim(via)
}

/// One endpoint that failed verification: what it serves against its file, with the probe's
/// reason when it has one. English: `httpd (127.0.0.1:443) serves 1003 but …/apache.cer
/// holds 1008[: reason]`, as the report always said it.
fn verify_bad_text(c: &Check) -> Text {
    let serves = match &c.served_serial {
        Some(s) => Text::new("cycle-verify-serves").arg("serial", s),
        None => Text::new("cycle-verify-serves-nothing"),
    };
    let detail = match (&c.detail_text, &c.detail) {
        (Some(t), _) => Some(t.clone()),
        (None, Some(d)) => Some(Text::verbatim(d)),
        (None, None) => None,
    };
    let t = Text::new(if detail.is_some() {
        "cycle-verify-bad-detail"
    } else {
        "cycle-verify-bad"
    })
    .arg("endpoint", &c.endpoint)
    .arg("address", &c.address)
    .arg_text("serves", serves)
    .arg("file", &c.file)
    .arg("disk", c.on_disk_serial.as_deref().unwrap_or("?"));
    match detail {
        Some(d) => t.arg_text("detail", d),
        None => t,
    }
}

/// Messages joined as the report joins them (`a; b; c` in English); `None` when empty.
fn list_text(items: Vec<Text>) -> Option<Text> {
    items.into_iter().rev().reduce(|rest, first| {
        Text::new("cycle-list")
            .arg_text("first", first)
            .arg_text("rest", rest)
    })
}

/// `on` / `off` in [`MaintError::DidNotTake`].
fn on_off_text(s: &str) -> crate::i18n::Text {
    use crate::i18n::Text;
    match s {
        "on" => Text::new("maint-err-state-on"),
        "off" => Text::new("maint-err-state-off"),
        other => Text::verbatim(other),
    }
}

impl VmStatusError {
    /// The reason as a catalogue message (the parser's and the command's words as they
    /// came). English: the `Display`.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            VmStatusError::Exit { status, brief } => Text::new("vm-status-exit")
                .arg_text(
                    "status",
                    match status {
                        Some(s) => Text::verbatim(s),
                        None => Text::new("remote-signal"),
                    },
                )
                .arg("brief", brief),
            VmStatusError::NotDeployed => Text::new("vm-status-not-deployed"),
            VmStatusError::NotJson { reason } => {
                Text::new("vm-status-not-json").arg("reason", reason)
            }
            VmStatusError::NotObject { .. } => Text::new("vm-status-not-object"),
            VmStatusError::NoGlobalMaintenance => Text::new("vm-status-no-gm"),
            VmStatusError::NotBoolean { value } => {
                Text::new("vm-status-not-boolean").arg("value", value)
            }
        }
    }
}

impl HeRestError {
    /// The reason as a catalogue message (the Manager's words as they came). English: the
    /// `Display`.
    pub fn text(&self) -> crate::i18n::Text {
        match self {
            HeRestError::Engine(e) => e.text(),
            HeRestError::NoHeHost => crate::i18n::Text::new("he-rest-no-he-host"),
        }
    }
}

/// Global maintenance, however it is reached.
pub trait GlobalMaintenance {
    /// `hosted-engine on host1.example.test`, `REST API (HostedEngine VM 1234…)`.
    fn via(&self) -> String;
    /// Is global maintenance on now?
    fn status(&self) -> Result<bool, MaintError>;
    /// Asks for it on or off (does not wait; see [`enter`] / [`leave`]).
    fn set(&self, on: bool) -> Result<(), MaintError>;
    /// The command an admin would type to do it by hand.
    fn manual(&self, on: bool) -> String;
    /// [`via`](GlobalMaintenance::via) as a catalogue message (English: `via()`).
    fn via_text(&self) -> Text {
        via_text(&self.via())
    }
    /// [`manual`](GlobalMaintenance::manual) as a catalogue message: the command verbatim,
    /// rhv-pki's words around it translated (English: `manual()`).
    fn manual_text(&self, on: bool) -> Text {
        Text::verbatim(self.manual(on))
    }
}

/// One HE host as `--vm-status --json` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeHost {
    /// The HA agent's host id.
    pub host_id: String,
    /// The host's name.
    pub hostname: String,
    /// The HA agent's score (3400 is healthy); `None` when not reported.
    pub score: Option<i64>,
    /// `engine-status.vm`: up / down / unknown.
    pub vm: Option<String>,
    /// `engine-status.health`: good / bad.
    pub health: Option<String>,
    /// Local maintenance of that host.
    pub maintenance: Option<bool>,
}

/// `hosted-engine --vm-status --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VmStatus {
    /// Global maintenance is on.
    pub global_maintenance: bool,
    /// The hosts of the HA cluster.
    pub hosts: Vec<HeHost>,
}

/// Parses `--vm-status --json` (HES `vm_status.py::print_status`): an object keyed by host
/// id, plus the top-level boolean `global_maintenance`.
pub fn parse_vm_status(text: &[u8]) -> Result<VmStatus, VmStatusError> {
    let v: serde_json::Value =
        serde_json::from_slice(text).map_err(|e| VmStatusError::NotJson {
            reason: e.to_string(),
        })?;
    let obj = v.as_object().ok_or(VmStatusError::NotObject {
        found: match &v {
            serde_json::Value::Null => "null",
            serde_json::Value::Bool(_) => "boolean",
            serde_json::Value::Number(_) => "number",
            serde_json::Value::String(_) => "string",
            serde_json::Value::Array(_) => "array",
            serde_json::Value::Object(_) => "object",
        },
    })?;
    let gm = obj
        .get("global_maintenance")
        .ok_or(VmStatusError::NoGlobalMaintenance)?;
    let global_maintenance = gm
        .as_bool()
        .or_else(|| gm.as_str().and_then(|s| s.parse().ok()))
        .ok_or_else(|| VmStatusError::NotBoolean {
            value: gm.to_string(),
        })?;
    let mut hosts = Vec::new();
    for (k, h) in obj {
        if k == "global_maintenance" {
            continue;
        }
        let Some(h) = h.as_object() else { continue };
        let es = h.get("engine-status");
        // engine-status is an object in newer versions, a JSON string in older ones.
        let es: Option<serde_json::Value> = match es {
            Some(serde_json::Value::String(s)) => serde_json::from_str(s).ok(),
            other => other.cloned(),
        };
        hosts.push(HeHost {
            host_id: k.clone(),
            hostname: h
                .get("hostname")
                .and_then(|x| x.as_str())
                .unwrap_or("")
                .to_string(),
            score: h.get("score").and_then(|x| x.as_i64()),
            vm: es
                .as_ref()
                .and_then(|e| e.get("vm"))
                .and_then(|x| x.as_str())
                .map(str::to_string),
            health: es
                .as_ref()
                .and_then(|e| e.get("health"))
                .and_then(|x| x.as_str())
                .map(str::to_string),
            maintenance: h.get("maintenance").and_then(|x| x.as_bool()),
        });
    }
    Ok(VmStatus {
        global_maintenance,
        hosts,
    })
}

/// `hosted-engine` on an HE host.
pub struct HostedEngineCli<'a> {
    /// Where `hosted-engine` runs (an HA host).
    pub target: &'a dyn Target,
}

impl HostedEngineCli<'_> {
    /// `--vm-status --json`; `Ok(None)` when the host is no (deployed) HE host: the command
    /// is missing or says so.
    pub fn vm_status(&self) -> Result<Option<VmStatus>, MaintError> {
        let out = match self
            .target
            .exec(&["hosted-engine", "--vm-status", "--json"], None)
        {
            Ok(o) => o,
            // `hosted-engine` could not be started: not installed there.
            Err(RemoteError::CannotRun { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        // 127: the remote shell did not find the command.
        if out.status == Some(127) {
            return Ok(None);
        }
        if !out.success() {
            return Err(MaintError::BadStatus {
                host: self.target.name().into(),
                source: VmStatusError::Exit {
                    status: out.status,
                    brief: out.brief(),
                },
            });
        }
        parse_vm_status(&out.stdout)
            .map(Some)
            .map_err(|source| MaintError::BadStatus {
                host: self.target.name().into(),
                source,
            })
    }
}

impl GlobalMaintenance for HostedEngineCli<'_> {
    fn via(&self) -> String {
        format!("hosted-engine on {}", self.target.name())
    }
    fn status(&self) -> Result<bool, MaintError> {
        self.vm_status()?
            .map(|s| s.global_maintenance)
            .ok_or_else(|| MaintError::BadStatus {
                host: self.target.name().into(),
                source: VmStatusError::NotDeployed,
            })
    }
    fn set(&self, on: bool) -> Result<(), MaintError> {
        let mode = if on { "--mode=global" } else { "--mode=none" };
        self.target
            .run_ok(&["hosted-engine", "--set-maintenance", mode], None)?;
        Ok(())
    }
    fn manual(&self, on: bool) -> String {
        self.manual_text(on).english()
    }
    fn manual_text(&self, on: bool) -> Text {
        Text::new("cycle-manual-he")
            .arg("command", if on { HE_MANUAL_ON } else { HE_MANUAL_OFF })
            .arg("host", self.target.name())
    }
}

/// What the Manager's REST client offers for global maintenance (implemented by the REST
/// client in `engine.rs`): the HostedEngine VM, its maintenance action, and the flag read
/// back from a hosted-engine host (`hosted_engine.global_maintenance`, `all_content=true`).
pub trait HeRest {
    /// The HostedEngine VM's id; `None` when this Manager is not a hosted engine.
    fn hosted_engine_vm(&self) -> Result<Option<String>, HeRestError>;
    /// `POST /vms/{id}/maintenance` with `<maintenance_enabled>`.
    fn set_global_maintenance(&self, vm_id: &str, on: bool) -> Result<(), HeRestError>;
    /// `global_maintenance` as the HE hosts report it.
    fn global_maintenance(&self) -> Result<bool, HeRestError>;
}

/// Global maintenance through the REST API.
pub struct RestMaintenance<'a> {
    /// The Manager's REST API.
    pub rest: &'a dyn HeRest,
    /// The HostedEngine VM's id in the Manager.
    pub vm_id: String,
}

impl<'a> RestMaintenance<'a> {
    /// `Ok(None)` when the Manager has no HostedEngine VM.
    pub fn detect(rest: &'a dyn HeRest) -> Result<Option<RestMaintenance<'a>>, MaintError> {
        let id = rest.hosted_engine_vm().map_err(|source| MaintError::Rest {
            via: "REST API".into(),
            source: Box::new(source),
        })?;
        Ok(id.map(|vm_id| RestMaintenance { rest, vm_id }))
    }
}

impl GlobalMaintenance for RestMaintenance<'_> {
    fn via(&self) -> String {
        format!("REST API (HostedEngine VM {})", self.vm_id)
    }
    fn status(&self) -> Result<bool, MaintError> {
        self.rest
            .global_maintenance()
            .map_err(|source| MaintError::Rest {
                via: self.via(),
                source: Box::new(source),
            })
    }
    fn set(&self, on: bool) -> Result<(), MaintError> {
        self.rest
            .set_global_maintenance(&self.vm_id, on)
            .map_err(|source| MaintError::Rest {
                via: self.via(),
                source: Box::new(source),
            })
    }
    fn manual(&self, on: bool) -> String {
        format!(
            "POST /ovirt-engine/api/vms/{}/maintenance <action><maintenance_enabled>{on}</maintenance_enabled></action>",
            self.vm_id
        )
    }
}

/// Global maintenance by hand on an HE host (when rhv-pki cannot reach one).
pub(crate) const HE_MANUAL_ON: &str = "hosted-engine --set-maintenance --mode=global";
pub(crate) const HE_MANUAL_OFF: &str = "hosted-engine --set-maintenance --mode=none";

/// How long to wait for a maintenance change to show, and how often to look.
#[derive(Debug, Clone, Copy)]
pub struct Settle {
    /// Longest wait for the state to be seen.
    pub timeout: Duration,
    /// Interval between two reads of the state.
    pub interval: Duration,
}

impl Default for Settle {
    fn default() -> Self {
        Settle {
            timeout: Duration::from_secs(60),
            interval: Duration::from_secs(2),
        }
    }
}

fn wait_for(gm: &dyn GlobalMaintenance, on: bool, s: Settle) -> Result<(), MaintError> {
    let every = Every {
        interval: s.interval,
        timeout: s.timeout,
    };
    let polled = poll_until(&SYSTEM, every, |_| {
        Ok::<_, MaintError>(if gm.status()? == on {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    })?;
    match polled {
        Polled::Met(()) => Ok(()),
        Polled::TimedOut(()) => Err(MaintError::DidNotTake {
            via: gm.via(),
            wanted: if on { "on" } else { "off" },
            state: if on { "off" } else { "on" },
            secs: s.timeout.as_secs(),
        }),
    }
}

/// What [`enter`] found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Held {
    /// It was already on before us: we leave it on.
    pub was_on: bool,
    /// We turned it on (and so must turn it off).
    pub we_set: bool,
}

/// Turns global maintenance on (unless it already is) and reads it back. On error nothing
/// else may happen: the caller refuses the change.
pub fn enter(gm: &dyn GlobalMaintenance, s: Settle) -> Result<Held, MaintError> {
    if gm.status()? {
        return Ok(Held {
            was_on: true,
            we_set: false,
        });
    }
    gm.set(true)?;
    if let Err(e) = wait_for(gm, true, s) {
        // It did not take (or cannot be read): make sure we do not leave it half-set.
        let _ = gm.set(false);
        return Err(e);
    }
    Ok(Held {
        was_on: false,
        we_set: true,
    })
}

/// Leaves global maintenance as we found it: off again if we set it, untouched otherwise.
/// Returns whether it is off now (`false` when it was on before us and stays on).
pub fn leave(gm: &dyn GlobalMaintenance, held: Held, s: Settle) -> Result<bool, MaintError> {
    if !held.we_set {
        return Ok(false);
    }
    gm.set(false)?;
    wait_for(gm, false, s)?;
    Ok(true)
}

/// What the cycle should do.
#[derive(Debug, Clone)]
pub struct CycleOptions {
    /// Restart the services whose files changed (`--no-restart` turns it off).
    pub restart: bool,
    /// Probe the endpoints afterwards to check they serve the new certificates.
    pub verify: bool,
    /// How long to wait for global maintenance to take.
    pub settle: Settle,
    /// How long endpoints may take to serve the new certificates after restarts.
    pub verify_timeout: Duration,
    /// Interval between two probes while a restarted service comes up.
    pub verify_interval: Duration,
    /// Timeout of one probe.
    pub probe_timeout: Duration,
    /// A hosted engine could not be ruled out and global maintenance cannot be reached (why):
    /// the files are changed but no unit is restarted — restarting httpd / ovirt-engine
    /// outside global maintenance may make the HA agents restart the Manager VM.
    pub he_unknown: Option<String>,
    /// [`he_unknown`](CycleOptions::he_unknown) as a catalogue message (its English is
    /// `he_unknown`; used only when it is).
    pub he_unknown_text: Option<Text>,
}

impl Default for CycleOptions {
    fn default() -> Self {
        CycleOptions {
            restart: true,
            verify: true,
            settle: Settle::default(),
            verify_timeout: Duration::from_secs(300),
            verify_interval: Duration::from_secs(2),
            probe_timeout: Duration::from_secs(10),
            he_unknown: None,
            he_unknown_text: None,
        }
    }
}

/// Everything the cycle works on.
pub struct Cycle<'a> {
    /// `None`: not a hosted engine (or maintenance explicitly left to the admin).
    pub maintenance: Option<&'a dyn GlobalMaintenance>,
    /// The Manager, where `systemctl` runs.
    pub manager: &'a dyn Target,
    /// From [`services::plan`].
    pub restarts: Vec<Step>,
    /// Endpoints to verify (those of restarted services are checked).
    pub endpoints: Vec<Endpoint>,
    /// Which steps run and how long they wait.
    pub options: CycleOptions,
}

/// One thing the cycle did, in order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// `maintenance-on`, `maintenance-already-on`, `files`, `restart`, `verify`,
    /// `maintenance-off`, `maintenance-left-on`.
    pub step: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The systemd unit, for `restart` and `verify` events.
    pub unit: Option<String>,
    /// Whether the step succeeded.
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// More for a human (the error, the serial served).
    pub detail: Option<String>,
    /// [`detail`](Event::detail) as a catalogue message (its English is `detail`).
    #[serde(skip)]
    pub detail_text: Option<Text>,
}

/// How the cycle ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CycleResult {
    /// Everything done and verified (or nothing to verify).
    Done,
    /// Global maintenance could not be set: nothing was changed.
    MaintenanceRefused,
    /// The file step failed (and the transaction rolled itself back).
    FilesFailed,
    /// Files written, a restart failed (global maintenance, if we set it, is kept on).
    RestartFailed,
    /// Files written, restarts refused: a hosted engine could not be ruled out.
    RestartRefused,
    /// Files written and restarted, but endpoints still serve old certificates.
    Stale,
    /// Files written and restarted, but an endpoint shows no certificate at all (refused,
    /// timed out) or its file cannot be read: a restart will not help, a look will.
    EndpointUnreachable,
    /// Everything else done, but global maintenance could not be cleared.
    MaintenanceNotCleared,
}

/// The cycle's record: printed and put in the JSON document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CycleReport {
    /// How the cycle ended.
    pub result: CycleResult,
    /// How global maintenance was set, when it was.
    pub maintenance_via: Option<String>,
    /// The global maintenance hold, when one was taken.
    pub held: Option<Held>,
    /// Global maintenance state at the end: `off`, `on (was on before)`, `ON — clear it` …
    pub maintenance_after: Option<String>,
    /// Every step, in order.
    pub events: Vec<Event>,
    /// The restarts planned, with their outcome.
    pub restarts: Vec<Step>,
    /// Every endpoint verified.
    pub checks: Vec<Check>,
    /// Commands left for the admin.
    pub manual: Vec<String>,
    /// [`maintenance_after`](CycleReport::maintenance_after) as a catalogue message.
    #[serde(skip)]
    pub maintenance_after_text: Option<Text>,
    /// [`manual`](CycleReport::manual) as catalogue messages, one each, in the same order.
    #[serde(skip)]
    pub manual_text: Vec<Text>,
}

impl CycleReport {
    /// An empty report of `result` (nothing done yet).
    pub fn new(result: CycleResult) -> CycleReport {
        CycleReport {
            result,
            maintenance_via: None,
            held: None,
            maintenance_after: None,
            events: Vec::new(),
            restarts: Vec::new(),
            checks: Vec::new(),
            manual: Vec::new(),
            maintenance_after_text: None,
            manual_text: Vec::new(),
        }
    }

    /// Records the global maintenance state at the end (English in `maintenance_after`).
    fn after(&mut self, t: Text) {
        self.maintenance_after = Some(t.english());
        self.maintenance_after_text = Some(t);
    }

    /// Adds a command left for the admin (English in `manual`).
    fn todo(&mut self, t: Text) {
        self.manual.push(t.english());
        self.manual_text.push(t);
    }

    /// Gives the detail of the first `step` event a catalogue message (the caller knows the
    /// typed error behind a detail the cycle only had as text, e.g. the file step's).
    pub fn set_detail_text(&mut self, step: &str, t: Text) {
        if let Some(e) = self.events.iter_mut().find(|e| e.step == step) {
            e.detail_text = Some(t);
        }
    }

    /// Endpoints found still serving old certificates.
    pub(crate) fn stale(&self) -> Vec<&Check> {
        self.checks
            .iter()
            .filter(|c| c.state != CheckState::Current)
            .collect()
    }
}

/// Progress reporting from the cycle (only the binary shows it).
pub trait CycleProgress {
    /// Called before each step with a one-line description of it.
    fn step(&mut self, what: &str);
    /// [`step`](CycleProgress::step) with the description as a catalogue message (by default
    /// its English).
    fn step_text(&mut self, what: &Text) {
        self.step(&what.english())
    }
}

impl CycleProgress for () {
    fn step(&mut self, _: &str) {}
}

impl Cycle<'_> {
    /// Runs the cycle around `files` (the transaction). `files` is not called when global
    /// maintenance cannot be set. Returns the report and `files`' own result when it ran.
    pub fn run<T, E: std::fmt::Display>(
        &self,
        files: impl FnOnce() -> Result<T, E>,
        progress: &mut dyn CycleProgress,
    ) -> (CycleReport, Option<Result<T, E>>) {
        let mut r = CycleReport {
            maintenance_via: self.maintenance.map(|m| m.via()),
            restarts: self.restarts.clone(),
            ..CycleReport::new(CycleResult::Done)
        };
        let verbatim = |s: &str| Text::verbatim(s);
        let ev = |r: &mut CycleReport,
                  step: &str,
                  unit: Option<&str>,
                  ok: bool,
                  detail: Option<Text>| {
            r.events.push(Event {
                step: step.into(),
                unit: unit.map(str::to_string),
                ok,
                detail: detail.as_ref().map(Text::english),
                detail_text: detail,
            })
        };

        // 1. maintenance on
        let mut held = None;
        if let Some(gm) = self.maintenance {
            progress
                .step_text(&Text::new("progress-maintenance-on").arg_text("via", gm.via_text()));
            match enter(gm, self.options.settle) {
                Ok(h) => {
                    ev(
                        &mut r,
                        if h.was_on {
                            "maintenance-already-on"
                        } else {
                            "maintenance-on"
                        },
                        None,
                        true,
                        None,
                    );
                    held = Some(h);
                    r.held = Some(h);
                }
                Err(e) => {
                    ev(&mut r, "maintenance-on", None, false, Some(e.text()));
                    r.result = CycleResult::MaintenanceRefused;
                    r.after(Text::new(match gm.status() {
                        Ok(true) => "state-not-cleared",
                        Ok(false) => "state-off-as-found",
                        Err(_) => "state-unknown",
                    }));
                    return (r, None);
                }
            }
        }

        // 2. files
        progress.step_text(&Text::new("progress-writing"));
        let files_result = files();
        let files_ok = files_result.is_ok();
        ev(
            &mut r,
            "files",
            None,
            files_ok,
            files_result
                .as_ref()
                .err()
                .map(|e| verbatim(&e.to_string())),
        );
        if !files_ok {
            r.result = CycleResult::FilesFailed;
        }

        // 3. restarts
        let restarting: Vec<&Step> = self.restarts.iter().filter(|s| s.restarts()).collect();
        let mut restarted = Vec::new();
        let refused = self.options.he_unknown.as_deref().filter(|_| {
            self.maintenance.is_none() && self.options.restart && !restarting.is_empty()
        });
        if let (true, Some(why)) = (files_ok, refused) {
            let why = match &self.options.he_unknown_text {
                Some(t) if t.english() == why => t.clone(),
                _ => verbatim(why),
            };
            ev(
                &mut r,
                "restart-refused",
                None,
                false,
                Some(Text::new("cycle-restart-refused").arg_text("why", why)),
            );
            r.result = CycleResult::RestartRefused;
            r.todo(Text::new("manual-on-he-host").arg("command", HE_MANUAL_ON));
            for s in &restarting {
                r.todo(verbatim(&s.command()));
            }
            r.todo(verbatim("rhv-pki maintenance verify"));
            r.todo(Text::new("manual-on-he-host").arg("command", HE_MANUAL_OFF));
        } else if files_ok && self.options.restart {
            for (i, s) in restarting.iter().enumerate() {
                progress.step_text(&verbatim(&s.command()));
                match services::restart(self.manager, &s.unit) {
                    Ok(()) => {
                        ev(&mut r, "restart", Some(&s.unit), true, None);
                        restarted.push(s.unit.clone());
                    }
                    Err(e) => {
                        ev(&mut r, "restart", Some(&s.unit), false, Some(e.text()));
                        r.result = CycleResult::RestartFailed;
                        r.todo(
                            Text::new("cycle-todo-restart-failed")
                                .arg("unit", &s.unit)
                                .arg(
                                    "units",
                                    restarting[i..]
                                        .iter()
                                        .map(|s| s.unit.as_str())
                                        .collect::<Vec<_>>()
                                        .join(" "),
                                ),
                        );
                        break;
                    }
                }
            }
        } else if files_ok && !restarting.is_empty() {
            // --no-restart: the exact commands, in order, under maintenance.
            if let Some(gm) = self.maintenance {
                r.todo(gm.manual_text(true));
            } else if self.options.he_unknown.is_some() {
                r.todo(Text::new("manual-if-he").arg("command", HE_MANUAL_ON));
            }
            for s in &restarting {
                r.todo(verbatim(&s.command()));
            }
            r.todo(verbatim("rhv-pki maintenance verify"));
            if let Some(gm) = self.maintenance {
                r.todo(gm.manual_text(false));
            } else if self.options.he_unknown.is_some() {
                r.todo(Text::new("manual-if-he").arg("command", HE_MANUAL_OFF));
            }
        }

        // 4. verify the endpoints of what was restarted
        if files_ok && self.options.restart && self.options.verify && r.result == CycleResult::Done
        {
            let eps: Vec<Endpoint> = self
                .endpoints
                .iter()
                .filter(|e| restarted.contains(&e.service))
                .cloned()
                .collect();
            if !eps.is_empty() {
                progress.step_text(&Text::new("progress-verifying").arg("count", eps.len()));
                r.checks = endpoints::verify_until(
                    &eps,
                    self.options.verify_timeout,
                    self.options.verify_interval,
                    self.options.probe_timeout,
                );
                let bad: Vec<Text> = r
                    .checks
                    .iter()
                    .filter(|c| c.state != CheckState::Current)
                    .map(verify_bad_text)
                    .collect();
                let ok = bad.is_empty();
                ev(&mut r, "verify", None, ok, list_text(bad));
                if !ok {
                    // As the exit code: an endpoint showing nothing outranks a stale one.
                    r.result = if r.checks.iter().any(|c| {
                        matches!(
                            c.state,
                            CheckState::Unreachable | CheckState::DiskUnreadable
                        )
                    }) {
                        CycleResult::EndpointUnreachable
                    } else {
                        CycleResult::Stale
                    };
                    // One to-do per finding code: a restart helps an endpoint that serves the
                    // old certificate, not one that shows none (refused, timed out).
                    let units = |old: bool| -> String {
                        r.stale()
                            .iter()
                            .filter(|c| (c.state == CheckState::Stale) == old)
                            .map(|c| c.service.as_str())
                            .collect::<Vec<_>>()
                            .join(" ")
                    };
                    let (stale, unreachable) = (units(true), units(false));
                    if !stale.is_empty() {
                        r.todo(Text::new("cycle-todo-restart-needed").arg("units", stale));
                    }
                    if !unreachable.is_empty() {
                        r.todo(Text::new("cycle-todo-unreachable").arg("units", unreachable));
                    }
                }
            }
        }

        // 5. maintenance off (always attempted once we set it)
        if let (Some(gm), Some(h)) = (self.maintenance, held) {
            if h.was_on {
                ev(
                    &mut r,
                    "maintenance-left-on",
                    None,
                    true,
                    Some(Text::new("state-was-on-before")),
                );
                r.after(Text::new("state-on-left-on"));
            } else if r.result == CycleResult::RestartFailed {
                // A unit (maybe ovirt-engine) is down: clearing global maintenance now would
                // let the HA agents restart the Manager VM over it. Kept on, said loudly.
                ev(
                    &mut r,
                    "maintenance-kept-on",
                    None,
                    false,
                    Some(Text::new("cycle-kept-on")),
                );
                r.after(Text::new("state-kept-on").arg_text("command", gm.manual_text(false)));
                r.todo(gm.manual_text(false));
            } else {
                progress.step_text(&Text::new("progress-maintenance-off"));
                match leave(gm, h, self.options.settle) {
                    Ok(_) => {
                        ev(&mut r, "maintenance-off", None, true, None);
                        r.after(Text::new("state-off"));
                    }
                    Err(e) => {
                        ev(&mut r, "maintenance-off", None, false, Some(e.text()));
                        r.after(
                            Text::new("state-clear-it").arg_text("command", gm.manual_text(false)),
                        );
                        r.todo(gm.manual_text(false));
                        if r.result == CycleResult::Done {
                            r.result = CycleResult::MaintenanceNotCleared;
                        }
                    }
                }
            }
        }
        (r, Some(files_result))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_status_json_as_hosted_engine_prints_it() {
        // Shape of HES vm_status.py --json (engine-status as an object and as a string).
        let j = br#"{"1": {"conf_on_shared_storage": true, "live-data": true, "extra": "metadata_parse_version=1\n", "hostname": "he1.example.test", "host-id": 1, "engine-status": {"vm": "up", "health": "good", "detail": "Up"}, "score": 3400, "stopped": false, "maintenance": false, "crc32": "6e4ec1c1", "local_conf_timestamp": 1, "host-ts": 2},
                     "2": {"hostname": "he2.example.test", "host-id": 2, "engine-status": "{\"vm\": \"down\", \"health\": \"bad\"}", "score": 0, "maintenance": true},
                     "global_maintenance": true}"#;
        let s = parse_vm_status(j).unwrap();
        assert!(s.global_maintenance);
        assert_eq!(s.hosts.len(), 2);
        let h1 = s.hosts.iter().find(|h| h.host_id == "1").unwrap();
        assert_eq!(h1.hostname, "he1.example.test");
        assert_eq!(h1.vm.as_deref(), Some("up"));
        assert_eq!(h1.score, Some(3400));
        let h2 = s.hosts.iter().find(|h| h.host_id == "2").unwrap();
        assert_eq!(h2.vm.as_deref(), Some("down"));
        assert_eq!(h2.maintenance, Some(true));
        assert!(
            !parse_vm_status(br#"{"global_maintenance": false}"#)
                .unwrap()
                .global_maintenance
        );
        assert_eq!(
            parse_vm_status(br#"{"1": {}}"#).unwrap_err(),
            VmStatusError::NoGlobalMaintenance
        );
        assert!(matches!(
            parse_vm_status(b"The hosted engine configuration has not been retrieved"),
            Err(VmStatusError::NotJson { .. })
        ));
        assert_eq!(
            parse_vm_status(br#"{"global_maintenance": "maybe"}"#).unwrap_err(),
            VmStatusError::NotBoolean {
                value: "\"maybe\"".into()
            }
        );
    }

    /// Each refusal of the status output carries what was found, and reads as before inside
    /// the host's error.
    #[test]
    fn vm_status_errors_carry_the_evidence() {
        let bad = |source: VmStatusError| {
            MaintError::BadStatus {
                host: "he1".into(),
                source,
            }
            .to_string()
        };
        let e = parse_vm_status(b"[1, 2]").unwrap_err();
        assert_eq!(e, VmStatusError::NotObject { found: "array" });
        assert_eq!(
            bad(e),
            "he1: hosted-engine --vm-status --json: not a JSON object"
        );
        let e = parse_vm_status(br#"{"global_maintenance": 1}"#).unwrap_err();
        assert_eq!(
            bad(e),
            "he1: hosted-engine --vm-status --json: global_maintenance is 1, not a boolean"
        );
        let e = parse_vm_status(b"nope").unwrap_err();
        assert!(bad(e).starts_with("he1: hosted-engine --vm-status --json: not JSON: "));
        assert_eq!(
            bad(VmStatusError::Exit {
                status: Some(2),
                brief: "broker down".into()
            }),
            "he1: hosted-engine --vm-status --json: exit 2: broker down"
        );
        assert_eq!(
            bad(VmStatusError::Exit {
                status: None,
                brief: String::new()
            }),
            "he1: hosted-engine --vm-status --json: exit signal: "
        );
        assert_eq!(
            bad(VmStatusError::NotDeployed),
            "he1: hosted-engine --vm-status --json: hosted-engine is not installed or not deployed there"
        );
    }

    /// A REST side that cannot answer: its typed error is kept as the source.
    struct NoHe;

    impl HeRest for NoHe {
        fn hosted_engine_vm(&self) -> Result<Option<String>, HeRestError> {
            Err(HeRestError::Engine(
                crate::net::engine::EngineError::Timeout {
                    method: "GET".into(),
                    path: "vms".into(),
                    secs: 30,
                },
            ))
        }
        fn set_global_maintenance(&self, _: &str, _: bool) -> Result<(), HeRestError> {
            Ok(())
        }
        fn global_maintenance(&self) -> Result<bool, HeRestError> {
            Err(HeRestError::NoHeHost)
        }
    }

    #[test]
    fn rest_errors_are_kept_typed() {
        match RestMaintenance::detect(&NoHe) {
            Err(e @ MaintError::Rest { .. }) => {
                assert_eq!(e.to_string(), "REST API: GET vms: no answer within 30 s");
                let MaintError::Rest { source, .. } = e else {
                    unreachable!()
                };
                assert!(matches!(
                    *source,
                    HeRestError::Engine(crate::net::engine::EngineError::Timeout { secs: 30, .. })
                ));
            }
            other => panic!("{:?}", other.map(|_| ())),
        }
        let gm = RestMaintenance {
            rest: &NoHe,
            vm_id: "7a3f".into(),
        };
        match gm.status() {
            Err(e @ MaintError::Rest { .. }) => assert_eq!(
                e.to_string(),
                "REST API (HostedEngine VM 7a3f): the Manager lists no hosted-engine host"
            ),
            other => panic!("{other:?}"),
        }
        match gm.status() {
            Err(MaintError::Rest { source, .. }) => {
                assert!(matches!(*source, HeRestError::NoHeHost))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn maintenance_error_texts_are_the_display_in_english_and_have_japanese() {
        use crate::change::text_tests::strict;
        use crate::i18n::{Lang, Messages};
        let en = Messages::new(Lang::En);
        let ja = Messages::new(Lang::Ja);
        use crate::i18n::testing::japanese;
        let bad = |source| MaintError::BadStatus {
            host: "he1.example.test".into(),
            source,
        };
        let all = [
            bad(VmStatusError::Exit {
                status: Some(1),
                brief: "Cannot connect to the HA daemon".into(),
            }),
            bad(VmStatusError::Exit {
                status: None,
                brief: "x".into(),
            }),
            bad(VmStatusError::NotDeployed),
            bad(VmStatusError::NotJson {
                reason: "expected value at line 1".into(),
            }),
            bad(VmStatusError::NotObject { found: "array" }),
            bad(VmStatusError::NoGlobalMaintenance),
            bad(VmStatusError::NotBoolean {
                value: "\"yes\"".into(),
            }),
            MaintError::Rest {
                via: "REST API (HostedEngine VM 1234)".into(),
                source: Box::new(HeRestError::NoHeHost),
            },
            MaintError::DidNotTake {
                via: "hosted-engine on localhost".into(),
                wanted: "on",
                state: "off",
                secs: 2,
            },
            MaintError::Remote(RemoteError::Connect {
                target: "root@h1".into(),
                reason: "Connection refused".into(),
            }),
            MaintError::Remote(RemoteError::Auth {
                target: "root@h1".into(),
                reason: crate::net::remote::AuthProblem::NoKey {
                    user: "root".into(),
                },
            }),
            MaintError::Remote(RemoteError::Timeout {
                target: "root@h1".into(),
                command: "hosted-engine --vm-status --json".into(),
                secs: 30,
            }),
            MaintError::Remote(RemoteError::Failed {
                target: "root@h1".into(),
                command: "hosted-engine --vm-status --json".into(),
                status: "signal".into(),
                brief: "Killed".into(),
            }),
            MaintError::Remote(RemoteError::CannotRun {
                target: "local".into(),
                program: "hosted-engine".into(),
                reason: "No such file or directory".into(),
            }),
        ];
        for e in &all {
            assert_eq!(strict(&en, &e.text()), e.to_string());
            assert_eq!(e.text().english(), e.to_string());
            let j = strict(&ja, &e.text());
            assert!(japanese(&j), "{e:?}: {j}");
        }
        // The literal texts of before.
        assert_eq!(
            all[8].to_string(),
            "hosted-engine on localhost: global maintenance is still off 2 s after setting it on"
        );
        assert_eq!(
            all[2].to_string(),
            "he1.example.test: hosted-engine --vm-status --json: hosted-engine is not installed or not deployed there"
        );
        assert_eq!(
            all[7].to_string(),
            "REST API (HostedEngine VM 1234): the Manager lists no hosted-engine host"
        );
        assert_eq!(
            all[11].to_string(),
            "root@h1: 'hosted-engine --vm-status --json' timed out after 30 s"
        );
    }

    /// The cycle's own words: every event detail, end state and to-do line keeps its English
    /// (the JSON) byte for byte and has a Japanese rendering keeping the evidence.
    mod cycle_text {
        use super::*;
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        use crate::net::remote::{FileMeta, Output};
        use std::cell::Cell;
        use std::path::Path;

        /// `t`: English `english` (strict and as [`Text::english`]); Japanese (unless it is
        /// only a quoted command) with every `evidence` kept.
        fn check(t: &Text, english: &str, evidence: &[&str]) {
            let en = Messages::new(Lang::En);
            let ja = Messages::new(Lang::Ja);
            assert_eq!(strict(&en, t), english);
            assert_eq!(t.english(), english);
            let j = strict(&ja, t);
            if t.key != "reason-verbatim" {
                assert!(japanese(&j), "{english} → {j}");
            }
            for v in evidence {
                assert!(j.contains(v), "{v:?} not in {j}");
            }
        }

        /// Global maintenance in a cell; `sticky_off` / `sticky_on`: setting it on / off is
        /// accepted and changes nothing.
        struct Gm {
            on: Cell<bool>,
            sticky_off: bool,
            sticky_on: bool,
        }

        impl GlobalMaintenance for Gm {
            fn via(&self) -> String {
                "hosted-engine on he1.example.test".into()
            }
            fn status(&self) -> Result<bool, MaintError> {
                Ok(self.on.get())
            }
            fn set(&self, on: bool) -> Result<(), MaintError> {
                if !(on && self.sticky_off || !on && self.sticky_on) {
                    self.on.set(on);
                }
                Ok(())
            }
            fn manual(&self, on: bool) -> String {
                self.manual_text(on).english()
            }
            fn manual_text(&self, on: bool) -> Text {
                Text::new("cycle-manual-he")
                    .arg("command", if on { HE_MANUAL_ON } else { HE_MANUAL_OFF })
                    .arg("host", "he1.example.test")
            }
        }

        fn gm(on: bool, sticky_off: bool, sticky_on: bool) -> Gm {
            Gm {
                on: Cell::new(on),
                sticky_off,
                sticky_on,
            }
        }

        /// The Manager: `systemctl restart FAIL` fails as systemd says it.
        struct Sys {
            fail: Option<&'static str>,
        }

        impl Target for Sys {
            fn name(&self) -> &str {
                "localhost"
            }
            fn exec(&self, argv: &[&str], _: Option<&[u8]>) -> Result<Output, RemoteError> {
                let failing = argv.last().copied() == self.fail;
                Ok(Output {
                    status: Some(if failing { 1 } else { 0 }),
                    stdout: Vec::new(),
                    stderr: if failing {
                        format!("Job for {}.service failed because the control process exited with error code.", argv[2]).into_bytes()
                    } else {
                        Vec::new()
                    },
                })
            }
            fn read_file(&self, _: &Path) -> Result<Option<Vec<u8>>, RemoteError> {
                Ok(None)
            }
            fn replace_file(
                &self,
                _: &Path,
                _: &[u8],
                _: Option<FileMeta>,
            ) -> Result<(), RemoteError> {
                Ok(())
            }
        }

        fn step(unit: &str) -> Step {
            Step {
                unit: unit.into(),
                because: vec![format!("apache: {unit}")],
                state: "enabled, running".into(),
                action: "restart",
                skip_reason: None,
            }
        }

        const QUICK: Settle = Settle {
            timeout: Duration::from_millis(20),
            interval: Duration::from_millis(5),
        };

        fn cycle<'a>(
            gm: Option<&'a dyn GlobalMaintenance>,
            sys: &'a Sys,
            options: CycleOptions,
        ) -> CycleReport {
            let c = Cycle {
                maintenance: gm,
                manager: sys,
                restarts: vec![step("httpd"), step("ovirt-engine")],
                endpoints: Vec::new(),
                options: CycleOptions {
                    settle: QUICK,
                    ..options
                },
            };
            c.run(|| Ok::<(), String>(()), &mut ()).0
        }

        /// Every event detail, the end state and the to-do lines of `r`: each Text's English
        /// is the string beside it.
        fn consistent(r: &CycleReport) {
            for e in &r.events {
                assert_eq!(e.detail, e.detail_text.as_ref().map(Text::english), "{e:?}");
            }
            assert_eq!(
                r.maintenance_after,
                r.maintenance_after_text.as_ref().map(Text::english)
            );
            let manual: Vec<String> = r.manual_text.iter().map(Text::english).collect();
            assert_eq!(r.manual, manual);
        }

        fn detail<'a>(r: &'a CycleReport, step: &str) -> &'a Text {
            r.events
                .iter()
                .find(|e| e.step == step)
                .and_then(|e| e.detail_text.as_ref())
                .unwrap_or_else(|| panic!("{step}: {r:?}"))
        }

        const OFF_BY_HAND: &str =
            "hosted-engine --set-maintenance --mode=none   # on he1.example.test";

        #[test]
        fn maintenance_refused() {
            let g = gm(false, true, false);
            let r = cycle(Some(&g), &Sys { fail: None }, CycleOptions::default());
            consistent(&r);
            assert_eq!(r.result, CycleResult::MaintenanceRefused);
            check(
                detail(&r, "maintenance-on"),
                "hosted-engine on he1.example.test: global maintenance is still off 0 s after setting it on",
                &["he1.example.test", "hosted-engine"],
            );
            check(
                r.maintenance_after_text.as_ref().unwrap(),
                "off (as found)",
                &[],
            );
        }

        #[test]
        fn restart_failed_keeps_maintenance_on() {
            let g = gm(false, false, false);
            let r = cycle(
                Some(&g),
                &Sys {
                    fail: Some("httpd"),
                },
                CycleOptions::default(),
            );
            consistent(&r);
            assert_eq!(r.result, CycleResult::RestartFailed);
            let systemd =
                "Job for httpd.service failed because the control process exited with error code.";
            check(
                detail(&r, "restart"),
                &format!("localhost: 'systemctl restart httpd' failed (exit 1): {systemd}"),
                &["localhost", "'systemctl restart httpd'", systemd],
            );
            check(
                detail(&r, "maintenance-kept-on"),
                "a restart failed; global maintenance stays ON until the services are back",
                &[],
            );
            check(
                r.maintenance_after_text.as_ref().unwrap(),
                &format!("ON — kept on because a restart failed; once the services run again: {OFF_BY_HAND}"),
                &[HE_MANUAL_OFF, "he1.example.test"],
            );
            check(
                &r.manual_text[0],
                "httpd failed: see journalctl -u httpd ; then systemctl restart httpd ovirt-engine",
                &[
                    "journalctl -u httpd",
                    "systemctl restart httpd ovirt-engine",
                ],
            );
            check(
                &r.manual_text[1],
                OFF_BY_HAND,
                &[HE_MANUAL_OFF, "he1.example.test"],
            );
            assert_eq!(r.manual.len(), 2);
        }

        #[test]
        fn maintenance_not_cleared_and_already_on() {
            let g = gm(false, false, true);
            let r = cycle(Some(&g), &Sys { fail: None }, CycleOptions::default());
            consistent(&r);
            assert_eq!(r.result, CycleResult::MaintenanceNotCleared);
            check(
                detail(&r, "maintenance-off"),
                "hosted-engine on he1.example.test: global maintenance is still on 0 s after setting it off",
                &["he1.example.test", "hosted-engine"],
            );
            check(
                r.maintenance_after_text.as_ref().unwrap(),
                &format!("ON — clear it: {OFF_BY_HAND}"),
                &[HE_MANUAL_OFF, "he1.example.test"],
            );
            assert_eq!(r.manual, [OFF_BY_HAND]);

            let g = gm(true, false, false);
            let r = cycle(Some(&g), &Sys { fail: None }, CycleOptions::default());
            consistent(&r);
            check(
                detail(&r, "maintenance-left-on"),
                "it was on before this run",
                &[],
            );
            check(
                r.maintenance_after_text.as_ref().unwrap(),
                "on (it was on before this run; left on)",
                &[],
            );

            let g = gm(false, false, false);
            let r = cycle(Some(&g), &Sys { fail: None }, CycleOptions::default());
            consistent(&r);
            assert_eq!(r.result, CycleResult::Done);
            check(r.maintenance_after_text.as_ref().unwrap(), "off", &[]);
        }

        #[test]
        fn restarts_refused_and_no_restart_to_dos() {
            let why = Text::new("cycle-he-unknown");
            let unknown = CycleOptions {
                he_unknown: Some(why.english()),
                he_unknown_text: Some(why.clone()),
                ..CycleOptions::default()
            };
            let r = cycle(None, &Sys { fail: None }, unknown.clone());
            consistent(&r);
            assert_eq!(r.result, CycleResult::RestartRefused);
            check(
                detail(&r, "restart-refused"),
                &format!("{}; nothing was restarted", why.english()),
                &["--he-host", "--he-api", "--no-maintenance"],
            );
            assert_eq!(
                r.manual,
                [
                    "on a hosted-engine host: hosted-engine --set-maintenance --mode=global",
                    "systemctl restart httpd",
                    "systemctl restart ovirt-engine",
                    "rhv-pki maintenance verify",
                    "on a hosted-engine host: hosted-engine --set-maintenance --mode=none",
                ]
            );
            check(&r.manual_text[0], &r.manual[0], &[HE_MANUAL_ON]);
            // A why that is not its Text's English is kept verbatim (never a wrong message).
            let r = cycle(
                None,
                &Sys { fail: None },
                CycleOptions {
                    he_unknown: Some("something else".into()),
                    ..unknown.clone()
                },
            );
            consistent(&r);
            assert_eq!(
                r.events[1].detail.as_deref(),
                Some("something else; nothing was restarted")
            );

            let no_restart = CycleOptions {
                restart: false,
                ..unknown
            };
            let r = cycle(None, &Sys { fail: None }, no_restart.clone());
            consistent(&r);
            assert_eq!(
                r.manual[0],
                "if this Manager is a hosted engine, on a hosted-engine host: hosted-engine --set-maintenance --mode=global"
            );
            check(&r.manual_text[0], &r.manual[0], &[HE_MANUAL_ON]);
            let g = gm(false, false, false);
            let r = cycle(
                Some(&g),
                &Sys { fail: None },
                CycleOptions {
                    he_unknown: None,
                    he_unknown_text: None,
                    ..no_restart
                },
            );
            consistent(&r);
            assert_eq!(
                r.manual.first().map(String::as_str),
                Some("hosted-engine --set-maintenance --mode=global   # on he1.example.test")
            );
            assert_eq!(r.manual.last().map(String::as_str), Some(OFF_BY_HAND));
        }

        fn check_of(state: CheckState, served: Option<&str>, detail: Option<Text>) -> Check {
            Check {
                endpoint: "httpd".into(),
                service: "httpd".into(),
                entity: "apache".into(),
                address: "127.0.0.1:8443".into(),
                file: "/etc/pki/ovirt-engine/certs/apache.cer".into(),
                state,
                on_disk_serial: Some("1008".into()),
                on_disk_sha256: None,
                served_serial: served.map(str::to_string),
                served_sha256: None,
                served_signature: None,
                detail: detail.as_ref().map(Text::english),
                detail_text: detail,
            }
        }

        #[test]
        fn verification_failures_and_their_to_dos() {
            let stale = check_of(CheckState::Stale, Some("1003"), None);
            check(
                &verify_bad_text(&stale),
                "httpd (127.0.0.1:8443) serves 1003 but /etc/pki/ovirt-engine/certs/apache.cer holds 1008",
                &["httpd", "127.0.0.1:8443", "1003", "1008", "/etc/pki/ovirt-engine/certs/apache.cer"],
            );
            let refused =
                Text::new("probe-connect").arg("error", "Connection refused (os error 111)");
            let gone = check_of(CheckState::Unreachable, None, Some(refused));
            check(
                &verify_bad_text(&gone),
                "httpd (127.0.0.1:8443) serves nothing but /etc/pki/ovirt-engine/certs/apache.cer holds 1008: cannot connect: Connection refused (os error 111)",
                &["127.0.0.1:8443", "1008", "Connection refused (os error 111)"],
            );
            // A detail rhv-pki did not word is quoted as it came.
            let mut raw = check_of(CheckState::DiskUnreadable, None, None);
            raw.detail = Some("apache.cer: odd".into());
            assert!(verify_bad_text(&raw)
                .english()
                .ends_with("holds 1008: apache.cer: odd"));
            let list = list_text(vec![verify_bad_text(&stale), verify_bad_text(&gone)]).unwrap();
            check(
                &list,
                &format!(
                    "{}; {}",
                    verify_bad_text(&stale).english(),
                    verify_bad_text(&gone).english()
                ),
                &["1003", "Connection refused (os error 111)"],
            );
            assert!(list_text(Vec::new()).is_none());
            check(
                &Text::new("cycle-todo-restart-needed").arg("units", "httpd ovirt-imageio"),
                "restart-needed: systemctl restart httpd ovirt-imageio ; then rhv-pki maintenance verify",
                &["restart-needed", "systemctl restart httpd ovirt-imageio", "rhv-pki maintenance verify"],
            );
            check(
                &Text::new("cycle-todo-unreachable").arg("units", "httpd"),
                "endpoint-unreachable: systemctl status httpd (no certificate shown after the restart) ; then rhv-pki maintenance verify",
                &["endpoint-unreachable", "systemctl status httpd", "rhv-pki maintenance verify"],
            );
        }

        #[test]
        fn how_maintenance_is_reached_and_the_progress_lines() {
            check(
                &via_text("hosted-engine on he1.example.test"),
                "hosted-engine on he1.example.test",
                &["he1.example.test", "hosted-engine"],
            );
            check(
                &via_text("REST API (HostedEngine VM 7a3f)"),
                "REST API (HostedEngine VM 7a3f)",
                &["7a3f", "HostedEngine"],
            );
            check(&via_text("REST API"), "REST API", &["REST API"]);
            assert_eq!(via_text("elsewhere").english(), "elsewhere");
            let rest = RestMaintenance {
                rest: &NoHe,
                vm_id: "7a3f".into(),
            };
            assert_eq!(rest.via_text().english(), rest.via());
            assert_eq!(rest.manual_text(true).english(), rest.manual(true));
            let local = crate::net::remote::Local::default();
            let cli = HostedEngineCli { target: &local };
            assert_eq!(cli.via_text().english(), cli.via());
            assert_eq!(
                cli.manual(false),
                format!(
                    "hosted-engine --set-maintenance --mode=none   # on {}",
                    local.name()
                )
            );
            check(
                &Text::new("progress-maintenance-on").arg_text("via", cli.via_text()),
                &format!("global maintenance on (hosted-engine on {})", local.name()),
                &["hosted-engine"],
            );
            check(
                &Text::new("progress-verifying").arg("count", 2usize),
                "verifying 2 endpoint(s)",
                &["2"],
            );
            // The unit states of the plan.
            for (state, shown) in [
                ("not installed", "未インストール"),
                ("masked", "マスク済み"),
                ("enabled, running", "有効、実行中"),
                ("enabled, not running", "有効、停止中"),
                ("disabled, running", "無効、実行中"),
                ("disabled, not running", "無効、停止中"),
            ] {
                let s = Step {
                    state: state.into(),
                    ..step("httpd")
                };
                check(&s.state_text(), state, &[shown]);
            }
        }
    }
}
