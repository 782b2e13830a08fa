//! Rolling host re-enrollment: Maintenance → Enroll Certificate → Activate for every host,
//! in waves that never take out more hosts than the clusters can spare.
//!
//! Planner and executor are separate, as the change commands are: [`plan`] turns the
//! Manager's state (hosts, VMs, what each host serves on vdsm) into a [`Plan`] that is plain
//! data — `--dry-run` prints it — and [`execute`] consumes that very plan. Progress of a run is
//! kept in a [`RunState`] written after every step, so an interrupted run resumes where it
//! stopped without redoing finished hosts and without ever exceeding the wave size.

use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use crate::i18n::Text;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::exec::{self, poll_until_async, Clock, Every, Polled, SYSTEM};

use crate::net::engine::{Engine, EngineError, Event, Host, HostAction, HostStatus, Vm};
use crate::pki::cert::{self, Digest};
use crate::pki::verify::{ChainStatus, Issuer};

pub(crate) const EVENT_ENROLL_STARTED: i64 = 880;
pub(crate) const EVENT_ENROLL_FINISHED: i64 = 881;
pub(crate) const EVENT_ENROLL_FAILED: i64 = 882;

/// What the engine-side view says about one host's served vdsm certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServedCert {
    pub(crate) endpoint: String,
    /// Serial of the certificate the vdsm port serves, hex; `None` when none was seen.
    pub serial: Option<String>,
    /// Its signature algorithm (`sha256WithRSAEncryption`).
    pub signature: Option<String>,
    pub(crate) weak_signature: bool,
    pub(crate) not_before: Option<i64>,
    /// Its notAfter, Unix seconds (UTC).
    pub not_after: Option<i64>,
    /// Verifies against the Manager's current `ca.pem`.
    pub(crate) chain_ok: bool,
    /// The SAN holds the host's address.
    pub(crate) san_ok: bool,
    /// It has a subjectAltName at all (older state files lack the field: assume it has).
    #[serde(default = "yes")]
    pub(crate) has_san: bool,
    /// Why nothing could be read, when nothing could.
    pub error: Option<String>,
    /// That reason as a catalogue message, when the probe just made it (never saved).
    #[serde(skip)]
    pub(crate) error_text: Option<Text>,
}

/// Judges a served certificate (leaf DER) for `address` against the current CA.
pub fn judge_served(endpoint: &str, address: &str, der: &[u8], ca: &Issuer) -> ServedCert {
    match x509_parser::parse_x509_certificate(der) {
        Ok((_, x)) => {
            let alg = cert::SigAlg::from_oid(&x.signature_algorithm.algorithm.to_id_string());
            ServedCert {
                endpoint: endpoint.into(),
                serial: Some(cert::serial_hex(x.raw_serial())),
                signature: Some(alg.name.to_string()),
                weak_signature: matches!(alg.digest, Digest::Sha1 | Digest::Md5),
                not_before: Some(x.validity().not_before.timestamp()),
                not_after: Some(x.validity().not_after.timestamp()),
                chain_ok: ca.check(&x, der) == ChainStatus::Valid,
                san_ok: crate::net::tls::name_matches(&x, address),
                has_san: x.subject_alternative_name().ok().flatten().is_some(),
                error: None,
                error_text: None,
            }
        }
        Err(e) => ServedCert {
            error_text: Some(Text::new("roll-served-not-parsed").arg("error", &e)),
            ..ServedCert::unreadable(endpoint, format!("served certificate does not parse: {e}"))
        },
    }
}

fn yes() -> bool {
    true
}

impl ServedCert {
    /// Nothing could be read from `endpoint`, for `reason`.
    pub fn unreadable(endpoint: &str, reason: String) -> ServedCert {
        ServedCert {
            endpoint: endpoint.into(),
            serial: None,
            signature: None,
            weak_signature: false,
            not_before: None,
            not_after: None,
            chain_ok: false,
            san_ok: false,
            has_san: false,
            error: Some(reason),
            error_text: None,
        }
    }
}

/// Where each host's vdsm listens (`<address>:54321` unless overridden).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VdsmEndpoints {
    pub(crate) port: u16,
    /// Host name or address → `HOST:PORT`.
    pub overrides: BTreeMap<String, String>,
}

impl VdsmEndpoints {
    /// Every host on vdsm's `port` (54321), no overrides.
    pub fn new(port: u16) -> Self {
        VdsmEndpoints {
            port,
            overrides: BTreeMap::new(),
        }
    }
    /// `<address>:<port>`, bracketing IPv6 addresses.
    pub fn of_address(&self, address: &str) -> String {
        if address.contains(':') && !address.starts_with('[') {
            format!("[{address}]:{}", self.port)
        } else {
            format!("{address}:{}", self.port)
        }
    }

    /// `HOST:PORT` of `h`'s vdsm: an override for its name or address, else its address on the port.
    pub fn of(&self, h: &Host) -> String {
        if let Some(e) = self
            .overrides
            .get(&h.name)
            .or_else(|| self.overrides.get(&h.address))
        {
            return e.clone();
        }
        self.of_address(&h.address)
    }
}

/// Probes a host's vdsm TLS endpoint (blocking; call from a blocking thread).
pub fn probe_host(endpoint: &str, address: &str, ca: &Issuer, timeout: Duration) -> ServedCert {
    match crate::net::tls::fetch_leaf(endpoint, address, timeout) {
        Ok(leaf) => judge_served(endpoint, address, &leaf, ca),
        Err(e) => ServedCert {
            error_text: Some(e.text()),
            ..ServedCert::unreadable(endpoint, e.to_string())
        },
    }
}

/// Everything the planner needs to know about one host.
#[derive(Debug, Clone)]
pub struct HostFacts {
    /// The host as the Manager's REST API describes it.
    pub host: Host,
    /// Name of the host's cluster.
    pub cluster_name: String,
    pub(crate) vms: Vec<Vm>,
    /// What its vdsm port serves; `None` when it was not probed.
    pub served: Option<ServedCert>,
}

/// Which hosts to consider and how many may be out at once.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Cluster names (empty = all).
    pub clusters: Vec<String>,
    /// Host names or addresses (empty = all in the clusters).
    pub hosts: Vec<String>,
    /// Only hosts whose served certificate needs it (SHA-1, expiring, other CA, no SAN,
    /// issued before the current CA was signed).
    pub only_needed: bool,
    /// With `only_needed`: re-enroll certificates expiring within this many days.
    pub within_days: i64,
    /// Never more than this many hosts out at once.
    pub max_parallel: usize,
    /// Evaluation time (Unix seconds).
    pub now: i64,
    /// notBefore of the current `ca.pem` (a host cert issued before it still holds the old CA
    /// copies on the host).
    pub ca_not_before: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// A host the plan takes through maintenance and Enroll Certificate.
pub struct PlannedHost {
    /// The Manager's id of the host.
    pub id: String,
    /// The host's name in the Manager.
    pub name: String,
    pub(crate) address: String,
    /// Name of its cluster.
    pub cluster: String,
    pub(crate) cluster_id: String,
    /// Status when planned.
    pub(crate) status: String,
    /// The host is the storage pool manager (SPM): the role is moved away first.
    pub spm: bool,
    /// The host can run the HostedEngine VM: while it is out, another such host with room for
    /// that VM stays up.
    pub hosted_engine: bool,
    /// Memory of the VMs that must migrate away (bytes).
    pub vm_memory: u64,
    /// How many VMs must migrate away before maintenance.
    pub vm_count: usize,
    /// Already in maintenance: enrolled and left in maintenance (no deactivate / activate).
    pub keep_in_maintenance: bool,
    /// Why it is enrolled.
    pub reasons: Vec<String>,
    /// Serial of the certificate it serves now, hex.
    pub served_serial: Option<String>,
    pub(crate) vdsm_endpoint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// A host the request matched but the plan leaves alone.
pub struct SkippedHost {
    /// The host's name in the Manager.
    pub name: String,
    /// Why it is left alone (up to date, not Up, cluster would lose quorum…).
    pub reason: String,
}

/// The plan: plain data, printed by `--dry-run`, executed as is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub(crate) kind: String,
    pub(crate) api_version: String,
    pub(crate) created_at: i64,
    /// At most this many hosts are out (in maintenance or enrolling) at once: the largest wave.
    pub max_parallel: usize,
    /// The hosts to enroll.
    pub hosts: Vec<PlannedHost>,
    /// Host ids per wave; a wave's hosts are out together, the next wave starts when the
    /// whole wave is back up.
    pub waves: Vec<Vec<String>>,
    /// Hosts matched but left alone, with the reason.
    pub skipped: Vec<SkippedHost>,
}

impl Plan {
    /// The planned host with the Manager id `id`.
    pub fn host(&self, id: &str) -> Option<&PlannedHost> {
        self.hosts.iter().find(|h| h.id == id)
    }
    /// Nothing to do: no wave.
    pub fn is_empty(&self) -> bool {
        self.waves.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
/// Why no plan could be made.
pub enum PlanError {
    #[error("unknown cluster(s): {0}")]
    /// A `--cluster` named no cluster of the Manager (the names, comma-separated).
    UnknownCluster(String),
    #[error("unknown host(s): {0}")]
    /// A `--host` named no host of the Manager (the names, comma-separated).
    UnknownHost(String),
    #[error("--max-parallel must be at least 1")]
    /// `--max-parallel 0`.
    ZeroParallel,
    /// A hosted-engine host cannot be cycled in any order: nothing is started. The hosts and
    /// why, a catalogue message.
    #[error("the plan cannot keep the HostedEngine VM safe, so nothing was started: {0}")]
    HostedEngine(Text),
}

impl PlanError {
    /// The error as a catalogue message in the reader's language (the names given, the hosts
    /// and why as evidence). English: the `Display`, byte for byte.
    pub fn text(&self) -> Text {
        match self {
            PlanError::HostedEngine(t) => {
                Text::new("enroll-he-refused").arg_text("detail", t.clone())
            }
            PlanError::UnknownCluster(names) => {
                Text::new("plan-unknown-cluster").arg("names", names)
            }
            PlanError::UnknownHost(names) => Text::new("plan-unknown-host").arg("names", names),
            PlanError::ZeroParallel => Text::new("plan-zero-parallel"),
        }
    }
}

/// The run's state file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{}: not a rhv-pki enroll state file: {source}", path.display())]
    /// The file exists but is not a state file of this program.
    NotAStateFile {
        /// The state file.
        path: PathBuf,
        /// The JSON error.
        source: serde_json::Error,
    },
    #[error("{}: cannot read: {source}", path.display())]
    /// The state file cannot be read.
    Read {
        /// The state file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    #[error("{}: {source}", dir.display())]
    /// The state file's directory cannot be created.
    CreateDir {
        /// The directory.
        dir: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    #[error("{0}")]
    /// The state cannot be encoded as JSON.
    Encode(serde_json::Error),
    #[error("{}: cannot write state: {source}", path.display())]
    /// The state file cannot be written.
    Write {
        /// The state file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl StateError {
    /// The error as a catalogue message: rhv-pki's words in the reader's language, the
    /// parser's and the system's as they came. English: the `Display`, byte for byte.
    pub fn text(&self) -> Text {
        match self {
            StateError::NotAStateFile { path, source } => Text::new("state-not-a-state-file")
                .arg("path", path.display())
                .arg("error", source),
            StateError::Read { path, source } => Text::new("state-cannot-read")
                .arg("path", path.display())
                .arg("error", source),
            StateError::Write { path, source } => Text::new("state-cannot-write")
                .arg("path", path.display())
                .arg("error", source),
            other => Text::verbatim(other),
        }
    }
}

impl GatherError {
    /// The error as a catalogue message (the Manager's words as they came). English: the
    /// `Display`.
    pub fn text(&self) -> Text {
        match self {
            GatherError::Engine(e) => e.text(),
            GatherError::Ca(e) => e.text(),
        }
    }
}

/// A saved run that another command would resume: what the saved run was started with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{saved}")]
pub struct ArgsMismatch {
    /// The saved run's arguments, as [`RunArgs::describe`] says them.
    pub(crate) saved: String,
}

/// The Manager's CA (`ca.pem`) cannot be used to judge host certificates.
#[derive(Debug, thiserror::Error)]
#[error("ca.pem: {reason}")]
pub struct CaError {
    /// The parser's or OpenSSL's words.
    pub(crate) reason: String,
}

impl CaError {
    /// The error as a catalogue message (the parser's words as they came); English: the
    /// `Display`, byte for byte.
    pub fn text(&self) -> Text {
        Text::new("plan-ca-unusable").arg("reason", &self.reason)
    }
}

/// Reading the Manager's state for the planner failed.
#[derive(Debug, thiserror::Error)]
pub enum GatherError {
    #[error(transparent)]
    /// The Manager's REST API failed.
    Engine(#[from] EngineError),
    #[error(transparent)]
    /// The Manager's CA could not be read.
    Ca(#[from] CaError),
}

/// The executor could not run (a host's failure is in the report, not here).
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error(transparent)]
    /// The Manager's CA could not be read.
    Ca(#[from] CaError),
    #[error(transparent)]
    /// The state file could not be read or written.
    State(#[from] StateError),
}

impl ExecError {
    /// The error as a catalogue message: the state file's and the CA's errors in the reader's
    /// language (the system's and the parser's words as they came). English: the `Display`,
    /// byte for byte.
    pub fn text(&self) -> Text {
        match self {
            ExecError::State(e) => e.text(),
            ExecError::Ca(e) => e.text(),
        }
    }
}

/// Why one host's cycle failed; the text is what the report and the state file say.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CycleError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    State(#[from] StateError),
    /// An action's answer was lost and the host could not be read again to see if it took.
    #[error("{what}: the answer was lost ({lost}) and the host could not be read again to see whether it took: {reread}")]
    AnswerLost {
        what: Action,
        lost: EngineError,
        reread: EngineError,
    },
    /// The Manager refused an action (its fault carries the HTTP status and reason).
    #[error("the Manager refused {what}: {error}")]
    Refused { what: Action, error: EngineError },
    #[error("status is {status} (expected up); not touching it")]
    NotUp { host: String, status: HostStatus },
    #[error("not moving the SPM role off it: {why}")]
    /// The planner's model says the host cannot go to maintenance now (why: a catalogue
    /// message).
    SpmBlocked { host: String, why: Text },
    #[error("it is the SPM and no other Up host of its cluster can take the role")]
    NoSpmCandidate { host: String },
    #[error("the SPM role did not move to {to} within {secs} s")]
    SpmDidNotMove { to: String, secs: u64 },
    /// Stuck before maintenance; `gave_back` says whether activating it again worked.
    #[error(
        "did not reach maintenance within {secs} s (status {status}{}); {}",
        detail_suffix(detail),
        match gave_back {
            None => "activated it again so it returns to up".to_string(),
            Some(e) => format!("activating it again failed too: {e}"),
        }
    )]
    StuckBeforeMaintenance {
        host: String,
        secs: u64,
        status: HostStatus,
        detail: Option<String>,
        gave_back: Option<Box<CycleError>>,
    },
    #[error("Enroll Certificate did not finish within {secs} s")]
    EnrollTimedOut { host: String, secs: u64 },
    /// The Manager said the enrollment failed and vdsm does not serve a new certificate.
    #[error("Enroll Certificate failed (event {EVENT_ENROLL_FAILED}): {reason}; {serves}")]
    EnrollFailed {
        host: String,
        reason: EnrollFailure,
        serves: NotNewCertificate,
    },
    #[error(
        "status is {status}{} after enrollment; not activating it (the Manager would refuse)",
        detail_given(detail)
    )]
    NotActivatable {
        host: String,
        status: HostStatus,
        detail: Option<String>,
    },
    #[error(
        "did not come back up after activation (status {status}{})",
        detail_given(detail)
    )]
    NotBackUp {
        host: String,
        status: HostStatus,
        detail: Option<String>,
    },
    /// The probe read nothing; `text` is the probe's error as a catalogue message, when known.
    #[error("vdsm probe {endpoint}: {reason}")]
    Probe {
        endpoint: String,
        reason: String,
        text: Option<Text>,
    },
    /// The probe's thread died (a panic): its join error.
    #[error("{0}")]
    ProbeDied(String),
    #[error("vdsm at {endpoint} serves a certificate not signed by the current CA")]
    ForeignChain { endpoint: String },
    #[error("vdsm at {endpoint} still serves a {signature} certificate")]
    WeakSignature { endpoint: String, signature: String },
    #[error("vdsm at {endpoint} still serves the old certificate (serial {serial})")]
    OldCertificate { endpoint: String, serial: String },
}

/// `, detail` when there is one (non-empty).
fn detail_suffix(detail: &Option<String>) -> String {
    match detail.as_deref() {
        Some(d) if !d.is_empty() => format!(", {d}"),
        _ => String::new(),
    }
}

/// `, detail` whenever the Manager gave one.
fn detail_given(detail: &Option<String>) -> String {
    detail
        .as_deref()
        .map(|d| format!(", {d}"))
        .unwrap_or_default()
}

/// How an Enroll Certificate ended, as events and statuses after it tell.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Enrolled {
    Finished,
    /// Event 882's description, or the status path that says it failed.
    Failed(EnrollFailure),
}

/// What says an Enroll Certificate failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EnrollFailure {
    /// Event 882: its description, the Manager's words.
    #[error("{0}")]
    Event(String),
    /// The host went from installing to install_failed without an event.
    #[error("host went from installing to install_failed")]
    InstallFailed,
}

impl EnrollFailure {
    /// The Manager's description as it came; rhv-pki's own words in the reader's language.
    fn text(&self) -> Text {
        match self {
            EnrollFailure::Event(d) => Text::verbatim(d),
            EnrollFailure::InstallFailed => Text::new("roll-installing-to-install-failed"),
        }
    }
}

/// The host action a [`CycleError`] names (English: as the error always said it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    Maintenance,
    Activation,
    Enroll,
    /// Force Select SPM on the host named.
    SpmTo(String),
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().english())
    }
}

impl Action {
    fn text(&self) -> Text {
        match self {
            Action::Maintenance => Text::new("roll-what-maintenance"),
            Action::Activation => Text::new("roll-what-activation"),
            Action::Enroll => Text::new("roll-what-enroll"),
            Action::SpmTo(host) => Text::new("roll-what-spm-to").arg("host", host),
        }
    }
}

impl CycleError {
    /// The error as a catalogue message: rhv-pki's words in the reader's language; host
    /// statuses, endpoints, serials and the Manager's, the TLS library's and the system's
    /// words as they came. English: the `Display`, byte for byte (the state file and JSON
    /// keep that).
    pub(crate) fn text(&self) -> Text {
        fn detail(d: &Option<String>, always: bool) -> Text {
            match d.as_deref() {
                Some(d) if always || !d.is_empty() => Text::new("roll-detail").arg("detail", d),
                _ => Text::verbatim(""),
            }
        }
        match self {
            CycleError::Engine(e) => e.text(),
            CycleError::State(e) => e.text(),
            CycleError::AnswerLost { what, lost, reread } => Text::new("roll-err-answer-lost")
                .arg_text("what", what.text())
                .arg_text("lost", lost.text())
                .arg_text("reread", reread.text()),
            CycleError::Refused { what, error } => Text::new("roll-err-refused")
                .arg_text("what", what.text())
                .arg_text("error", error.text()),
            CycleError::NotUp { status, .. } => Text::new("roll-err-not-up").arg("status", status),
            CycleError::SpmBlocked { why, .. } => {
                Text::new("roll-err-spm-blocked").arg_text("why", why.clone())
            }
            CycleError::NoSpmCandidate { .. } => Text::new("roll-err-no-spm-candidate"),
            CycleError::SpmDidNotMove { to, secs } => Text::new("roll-err-spm-did-not-move")
                .arg("to", to)
                .arg("secs", secs),
            CycleError::StuckBeforeMaintenance {
                secs,
                status,
                detail: d,
                gave_back,
                ..
            } => Text::new("roll-err-stuck")
                .arg("secs", secs)
                .arg("status", status)
                .arg_text("detail", detail(d, false))
                .arg_text(
                    "then",
                    match gave_back {
                        None => Text::new("roll-gave-back"),
                        Some(e) => Text::new("roll-gave-back-failed").arg_text("error", e.text()),
                    },
                ),
            CycleError::EnrollTimedOut { secs, .. } => {
                Text::new("roll-err-enroll-timed-out").arg("secs", secs)
            }
            CycleError::EnrollFailed { reason, serves, .. } => Text::new("roll-err-enroll-failed")
                .arg("event", EVENT_ENROLL_FAILED)
                .arg_text("reason", reason.text())
                .arg_text("serves", serves.text()),
            CycleError::NotActivatable {
                status, detail: d, ..
            } => Text::new("roll-err-not-activatable")
                .arg("status", status)
                .arg_text("detail", detail(d, true)),
            CycleError::NotBackUp {
                status, detail: d, ..
            } => Text::new("roll-err-not-back-up")
                .arg("status", status)
                .arg_text("detail", detail(d, true)),
            CycleError::Probe {
                endpoint,
                reason,
                text,
            } => Text::new("roll-err-probe")
                .arg("endpoint", endpoint)
                .arg_text(
                    "reason",
                    text.clone().unwrap_or_else(|| Text::verbatim(reason)),
                ),
            CycleError::ProbeDied(e) => Text::verbatim(e),
            CycleError::ForeignChain { endpoint } => {
                Text::new("roll-err-foreign-chain").arg("endpoint", endpoint)
            }
            CycleError::WeakSignature {
                endpoint,
                signature,
            } => Text::new("roll-err-weak-signature")
                .arg("endpoint", endpoint)
                .arg("signature", signature),
            CycleError::OldCertificate { endpoint, serial } => {
                Text::new("roll-err-old-certificate")
                    .arg("endpoint", endpoint)
                    .arg("serial", serial)
            }
        }
    }
}

const DAY: i64 = 86_400;

/// Why a host's served certificate needs a re-enrollment (empty = it does not).
pub fn needs(served: &ServedCert, sel: &Selection) -> Vec<String> {
    let mut r = Vec::new();
    if let Some(e) = &served.error {
        r.push(format!("vdsm certificate could not be read ({e})"));
        return r;
    }
    if served.weak_signature {
        r.push(format!(
            "sha1-signature: vdsm certificate signed with {}",
            served.signature.as_deref().unwrap_or("?")
        ));
    }
    if !served.chain_ok {
        r.push("chain-invalid: not signed by the Manager's current CA".into());
    }
    // The same codes as `audit` and `hosts audit` give the same certificate.
    if !served.has_san {
        r.push("missing-san: no subjectAltName extension".into());
    } else if !served.san_ok {
        r.push("san-mismatch: SAN lacks the host address".into());
    }
    if let Some(na) = served.not_after {
        if na <= sel.now {
            r.push(format!("expired: {}", cert::rfc3339(na)));
        } else if na - sel.now <= sel.within_days * DAY {
            r.push(format!(
                "expiring: {} ({} days left)",
                cert::rfc3339(na),
                (na - sel.now) / DAY
            ));
        }
    }
    if let (Some(nb), Some(ca_nb)) = (served.not_before, sel.ca_not_before) {
        if nb < ca_nb {
            r.push(format!(
                "issued-before-ca-renewal: host still holds the CA copy from before {}",
                cert::rfc3339(ca_nb)
            ));
        }
    }
    r
}

/// Turns the Manager's state into a plan.
pub fn plan(
    facts: &[HostFacts],
    sel: &Selection,
    endpoints: &VdsmEndpoints,
) -> Result<Plan, PlanError> {
    check_selection(facts, sel)?;
    let mut planned = Vec::new();
    let mut skipped = Vec::new();
    for f in facts.iter().filter(|f| selected(f, sel)) {
        match plan_one(f, sel, endpoints) {
            Some(Ok(p)) => planned.push(p),
            Some(Err(s)) => skipped.push(s),
            None => {}
        }
    }
    let ordered = interleave_clusters(planned);

    // Waves, checked against a model of the clusters' memory (see `Model`): every VM of a
    // wave must find a destination the way the engine's scheduler picks one, in whatever
    // order the wave's hosts start their maintenance; the HostedEngine VM only onto another
    // hosted-engine host whose HA agent is active with a positive score; while a
    // hosted-engine host is out another such host with room for the HostedEngine VM stays
    // up; at least one Up host per cluster; never more than max_parallel out. When the first
    // order leaves hosts out, other orders are tried (see `search_waves`).
    let model = Model::new(facts);
    let (waves, unplanned, ordered) = search_waves(ordered, &model, sel.max_parallel);
    refuse_hosted_engine_blocks(&unplanned)?;
    for (p, w) in &unplanned {
        skipped.push(SkippedHost {
            name: p.name.clone(),
            reason: w.text(p, &model).english(),
        });
    }
    let skipped_names: std::collections::HashSet<&str> =
        skipped.iter().map(|s| s.name.as_str()).collect();
    let hosts: Vec<PlannedHost> = ordered
        .into_iter()
        .filter(|p| !skipped_names.contains(p.name.as_str()))
        .collect();
    Ok(Plan {
        kind: "EnrollPlan".into(),
        api_version: "rhv-pki/v1".into(),
        created_at: sel.now,
        max_parallel: sel.max_parallel,
        hosts,
        waves,
        skipped,
    })
}

/// Refuses a selection naming clusters or hosts the Manager does not have, or no room at all.
fn check_selection(facts: &[HostFacts], sel: &Selection) -> Result<(), PlanError> {
    if sel.max_parallel == 0 {
        return Err(PlanError::ZeroParallel);
    }
    let unknown_clusters: Vec<&str> = sel
        .clusters
        .iter()
        .filter(|c| !facts.iter().any(|f| &f.cluster_name == *c))
        .map(|s| s.as_str())
        .collect();
    if !unknown_clusters.is_empty() {
        return Err(PlanError::UnknownCluster(unknown_clusters.join(", ")));
    }
    let unknown_hosts: Vec<&str> = sel
        .hosts
        .iter()
        .filter(|n| {
            !facts
                .iter()
                .any(|f| &f.host.name == *n || &f.host.address == *n)
        })
        .map(|s| s.as_str())
        .collect();
    if !unknown_hosts.is_empty() {
        return Err(PlanError::UnknownHost(unknown_hosts.join(", ")));
    }
    Ok(())
}

/// Is the host in the selected clusters and among the named hosts?
fn selected(f: &HostFacts, sel: &Selection) -> bool {
    let h = &f.host;
    let in_cluster = sel.clusters.is_empty() || sel.clusters.contains(&f.cluster_name);
    let named = sel.hosts.is_empty() || sel.hosts.iter().any(|n| n == &h.name || n == &h.address);
    in_cluster && named
}

/// Why a selected host is enrolled (empty: with `only_needed`, it need not be).
fn reasons_for(f: &HostFacts, sel: &Selection) -> Vec<String> {
    match (&f.served, sel.only_needed) {
        (Some(s), true) => needs(s, sel),
        (None, true) => vec!["vdsm certificate not probed".into()],
        (_, false) => {
            let n = f.served.as_ref().map(|s| needs(s, sel)).unwrap_or_default();
            if n.is_empty() {
                vec!["selected".into()]
            } else {
                n
            }
        }
    }
}

/// One selected host: planned, skipped (with why), or `None` when it needs nothing.
fn plan_one(
    f: &HostFacts,
    sel: &Selection,
    endpoints: &VdsmEndpoints,
) -> Option<Result<PlannedHost, SkippedHost>> {
    let h = &f.host;
    let reasons = reasons_for(f, sel);
    if sel.only_needed && reasons.is_empty() {
        return None;
    }
    let skip = |reason: String| {
        Some(Err(SkippedHost {
            name: h.name.clone(),
            reason,
        }))
    };
    let keep_in_maintenance = match &h.status {
        HostStatus::Up => false,
        HostStatus::Maintenance => true,
        HostStatus::NonResponsive => {
            return skip("non_responsive: the Manager cannot reach it; its certificate has likely expired — use `rhv-pki hosts recover --ssh`".into());
        }
        other => {
            return skip(format!(
                "status is {other}; only up or maintenance hosts are cycled"
            ));
        }
    };
    let moving: Vec<&Vm> = f
        .vms
        .iter()
        .filter(|v| v.host_id.as_deref().is_none_or(|id| id == h.id))
        .collect();
    if !keep_in_maintenance {
        if let Some(p) = moving.iter().find(|v| !v.migratable()) {
            return skip(format!(
                "VM {} is pinned to this host (placement_policy.affinity=pinned): migrate or shut it down first",
                p.name
            ));
        }
    }
    Some(Ok(PlannedHost {
        id: h.id.clone(),
        name: h.name.clone(),
        address: h.address.clone(),
        cluster: f.cluster_name.clone(),
        cluster_id: h.cluster_id.clone().unwrap_or_default(),
        status: h.status.to_string(),
        spm: h.is_spm(),
        hosted_engine: h.is_he(),
        vm_memory: if keep_in_maintenance {
            0
        } else {
            moving.iter().map(|v| v.memory).sum()
        },
        vm_count: if keep_in_maintenance { 0 } else { moving.len() },
        keep_in_maintenance,
        reasons,
        served_serial: f.served.as_ref().and_then(|s| s.serial.clone()),
        vdsm_endpoint: endpoints.of(h),
    }))
}

/// Order: per cluster, SPM last; hosts already in maintenance first (they cost nothing);
/// then interleave the clusters so a wave can take hosts from several of them.
fn interleave_clusters(planned: Vec<PlannedHost>) -> Vec<PlannedHost> {
    let mut per_cluster: BTreeMap<String, Vec<PlannedHost>> = BTreeMap::new();
    for p in planned {
        per_cluster.entry(p.cluster_id.clone()).or_default().push(p);
    }
    for v in per_cluster.values_mut() {
        v.sort_by_key(|p| {
            (
                p.spm,
                !p.keep_in_maintenance,
                p.hosted_engine,
                p.name.clone(),
            )
        });
    }
    let longest = per_cluster.values().map(Vec::len).max().unwrap_or(0);
    let mut ordered = Vec::new();
    for idx in 0..longest {
        for v in per_cluster.values() {
            if let Some(p) = v.get(idx) {
                ordered.push(p.clone());
            }
        }
    }
    ordered
}

/// `a; b; c` as one message (`key` is `{ $first }; { $rest }` in English), each part in the
/// reader's language.
fn text_list(parts: Vec<Text>, key: &'static str) -> Text {
    parts
        .into_iter()
        .rev()
        .reduce(|rest, first| {
            Text::new(key)
                .arg_text("first", first)
                .arg_text("rest", rest)
        })
        .unwrap_or_else(|| Text::verbatim(""))
}

/// A hosted-engine host that fits in no order of the waves stops the whole plan.
fn refuse_hosted_engine_blocks(unplanned: &[(PlannedHost, Why)]) -> Result<(), PlanError> {
    let he_blocked: Vec<Text> = unplanned
        .iter()
        .filter_map(|(p, w)| match w {
            Why::HostedEngine(d) => Some(
                Text::new("enroll-he-blocked")
                    .arg("host", &p.name)
                    .arg_text("why", d.clone()),
            ),
            _ => None,
        })
        .collect();
    if !he_blocked.is_empty() {
        return Err(PlanError::HostedEngine(text_list(
            he_blocked,
            "change-list",
        )));
    }
    Ok(())
}

/// Waves for `ordered`, or for another order of the same hosts that leaves fewer of them
/// out: the hosts the greedy pass could not place are moved to the front — each alone, all
/// of them in their order, and all of them reversed — for a few rounds. Returns the waves,
/// the hosts left out with why, and the order used (hosts already in maintenance stay first).
#[allow(clippy::type_complexity)]
fn search_waves(
    ordered: Vec<PlannedHost>,
    model: &Model,
    max_parallel: usize,
) -> (Vec<Vec<String>>, Vec<(PlannedHost, Why)>, Vec<PlannedHost>) {
    const ROUNDS: usize = 4;
    let (w, u) = build_waves(&ordered, model, max_parallel);
    let mut best = (w, u, ordered);
    let mut tried: Vec<Vec<String>> = vec![best.2.iter().map(|p| p.id.clone()).collect()];
    for _ in 0..ROUNDS {
        if best.1.is_empty() {
            break;
        }
        let stuck: Vec<String> = best.1.iter().map(|(p, _)| p.id.clone()).collect();
        let mut fronts: Vec<Vec<String>> = stuck.iter().map(|s| vec![s.clone()]).collect();
        if stuck.len() > 1 {
            fronts.push(stuck.clone());
            fronts.push(stuck.iter().rev().cloned().collect());
        }
        let base = best.2.clone();
        let mut improved = false;
        for front in fronts {
            let mut order: Vec<PlannedHost> = base
                .iter()
                .filter(|p| !front.contains(&p.id))
                .cloned()
                .collect();
            let at = order
                .iter()
                .position(|o| !o.keep_in_maintenance)
                .unwrap_or(order.len());
            for (k, id) in front.iter().enumerate() {
                if let Some(p) = base.iter().find(|p| &p.id == id) {
                    order.insert(at + k, p.clone());
                }
            }
            let ids: Vec<String> = order.iter().map(|p| p.id.clone()).collect();
            if tried.contains(&ids) {
                continue;
            }
            tried.push(ids);
            let (w, u) = build_waves(&order, model, max_parallel);
            if u.len() < best.1.len() || (u.len() == best.1.len() && w.len() < best.0.len()) {
                best = (w, u, order);
                improved = true;
                if best.1.is_empty() {
                    break;
                }
            }
        }
        if !improved {
            break;
        }
    }
    best
}

/// Greedy waves in `ordered`'s order; returns the waves and the hosts that could not go.
/// Hosts are tracked by their index in `ordered` (a fleet of thousands has as many waves:
/// removing a wave's hosts must not hash or compare every remaining id each time).
fn build_waves(
    ordered: &[PlannedHost],
    model: &Model,
    max_parallel: usize,
) -> (Vec<Vec<String>>, Vec<(PlannedHost, Why)>) {
    let mut states = vec![model.initial()];
    let mut waves: Vec<Vec<String>> = Vec::new();
    let mut unplanned = Vec::new();
    let mut remaining: Vec<usize> = (0..ordered.len()).collect();
    // Placed in a wave (the current one, while it is being filled).
    let mut placed = vec![false; ordered.len()];
    while !remaining.is_empty() {
        let mut wave: Vec<usize> = Vec::new();
        let mut after = states.clone();
        // The SPM waits for the rest of its cluster (its role is moved first) — unless none
        // of the rest can go now: then it goes first, and may make room for them.
        for spm_waits in [true, false] {
            for &i in &remaining {
                let p = &ordered[i];
                if wave.len() == max_parallel {
                    break;
                }
                if spm_waits
                    && p.spm
                    && remaining.iter().any(|&o| {
                        let o_ = &ordered[o];
                        o_.cluster_id == p.cluster_id && !o_.spm && !placed[o]
                    })
                {
                    continue;
                }
                if placed[i] {
                    continue;
                }
                let mut trial: Vec<&PlannedHost> = wave.iter().map(|&w| &ordered[w]).collect();
                trial.push(p);
                if let Ok(next) = model.wave_everywhere(&states, &trial) {
                    wave.push(i);
                    placed[i] = true;
                    after = next;
                }
            }
            if !wave.is_empty() {
                break;
            }
        }
        if wave.is_empty() {
            // The first remaining host cannot go out even alone.
            let p = &ordered[remaining.remove(0)];
            let why = model
                .wave_everywhere(&states, &[p])
                .err()
                .unwrap_or(Why::Capacity);
            unplanned.push((p.clone(), why));
            continue;
        }
        remaining.retain(|&i| !placed[i]);
        waves.push(wave.iter().map(|&i| ordered[i].id.clone()).collect());
        states = after;
    }
    (waves, unplanned)
}

/// Why a wave cannot go out.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Why {
    /// It would leave its cluster without an Up host.
    LastUp,
    /// VMs that do not fit in the other Up hosts of the cluster.
    Capacity,
    /// The HostedEngine VM (or the HA of it) would have nowhere to go; the detail says why
    /// (a catalogue message).
    HostedEngine(Text),
}

impl Why {
    /// Why, as a catalogue message (English: what the plan and the executor always said).
    fn text(&self, p: &PlannedHost, m: &Model) -> Text {
        match self {
            Why::LastUp => Text::new("phrase-wave-last-up").arg("cluster", &p.cluster),
            Why::Capacity => {
                let others: u64 = m
                    .hosts
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| h.up && h.cluster == p.cluster_id && h.id != p.id)
                    .map(|(i, _)| m.free0(i))
                    .sum();
                Text::new("phrase-wave-capacity")
                    .arg("vm", p.vm_memory >> 20)
                    .arg("cluster", &p.cluster)
                    .arg("free", others >> 20)
            }
            Why::HostedEngine(d) => d.clone(),
        }
    }
}

/// One host as the planner's memory model sees it.
#[derive(Debug, Clone)]
struct MHost {
    id: String,
    name: String,
    cluster: String,
    /// `cluster` as a number.
    cl: usize,
    up: bool,
    /// Memory the scheduler may fill (max_scheduling_memory + what its VMs hold).
    cap: u64,
    /// A hosted-engine host.
    he: bool,
    /// May receive the HostedEngine VM: HA agent active, score > 0, not in local maintenance.
    he_ok: bool,
    /// Why it may not (for messages).
    he_why: Option<Text>,
}

#[derive(Debug, Clone)]
struct MVm {
    mem: u64,
    he: bool,
    cluster: String,
    cl: usize,
}

/// Where each VM runs (index into `Model::hosts`).
type State = Vec<Option<usize>>;

/// The planner's model of the clusters' memory: each host's schedulable capacity, each
/// VM's guaranteed memory and host. Placement follows the engine (and the simulator): a
/// host going to maintenance sends its VMs, biggest first, each onto the Up host of its
/// cluster with the most room left that can take it — the HostedEngine VM only onto
/// another hosted-engine host with an active agent and a positive score; a VM sent to a
/// host that then goes to maintenance too is sent on when it lands. The hosts of a wave
/// start their maintenance in no fixed order, so every order is checked (all of them for up
/// to six hosts, otherwise each rotation and its reverse), and the states every order
/// leaves are all carried into the next wave (at most `MAX_STATES`, and fewer are checked
/// when a wave has many orders: `ORDER_BUDGET` (state, order) pairs per check).
struct Model {
    hosts: Vec<MHost>,
    vms: Vec<MVm>,
    initial: State,
    /// Host id → index in `hosts` (a wave is checked thousands of times in a big fleet).
    by_id: HashMap<String, usize>,
    /// Up hosts per cluster (by `MHost::cl`).
    up_in: Vec<usize>,
    /// The hosts of each cluster (by `MHost::cl`), in `hosts` order.
    members: Vec<Vec<usize>>,
}

const MAX_STATES: usize = 32;
const FULL_ORDERS_UP_TO: usize = 6;
const ORDER_BUDGET: usize = 96;

/// How many orders `orders` gives for `n` hosts.
fn orders_count(n: usize) -> usize {
    if n <= FULL_ORDERS_UP_TO {
        (1..=n).product()
    } else {
        2 * n
    }
}

impl Model {
    fn new(facts: &[HostFacts]) -> Model {
        let mut hosts = Vec::new();
        let mut vms = Vec::new();
        let mut initial = Vec::new();
        let mut clusters: Vec<String> = Vec::new();
        for f in facts {
            let h = &f.host;
            let he = h.hosted_engine.as_ref().filter(|e| e.configured);
            let he_why = he.and_then(|e| {
                if !e.active {
                    Some(Text::new("phrase-he-agent-inactive").arg("host", &h.name))
                } else if e.score.unwrap_or(0) <= 0 {
                    Some(
                        Text::new("phrase-he-score")
                            .arg("host", &h.name)
                            .arg("score", e.score.unwrap_or(0)),
                    )
                } else if e.local_maintenance {
                    Some(Text::new("phrase-he-local-maintenance").arg("host", &h.name))
                } else {
                    None
                }
            });
            let idx = hosts.len();
            let cluster = h.cluster_id.clone().unwrap_or_default();
            let cl = match clusters.iter().position(|c| c == &cluster) {
                Some(c) => c,
                None => {
                    clusters.push(cluster.clone());
                    clusters.len() - 1
                }
            };
            let mut held = 0u64;
            for v in f
                .vms
                .iter()
                .filter(|v| v.host_id.as_deref().is_none_or(|id| id == h.id))
            {
                let mem = v.guaranteed_memory.unwrap_or(v.memory);
                held += mem;
                vms.push(MVm {
                    mem,
                    he: v.hosted_engine,
                    cluster: cluster.clone(),
                    cl,
                });
                initial.push(Some(idx));
            }
            hosts.push(MHost {
                id: h.id.clone(),
                name: h.name.clone(),
                cluster,
                cl,
                up: h.status == HostStatus::Up,
                cap: h.max_scheduling_memory.unwrap_or(0) + held,
                he: he.is_some(),
                he_ok: he.is_some() && he_why.is_none() && h.status == HostStatus::Up,
                he_why,
            });
        }
        let by_id = hosts
            .iter()
            .enumerate()
            .map(|(i, h)| (h.id.clone(), i))
            .collect();
        let mut up_in = vec![0; clusters.len()];
        let mut members = vec![Vec::new(); clusters.len()];
        for (i, h) in hosts.iter().enumerate() {
            members[h.cl].push(i);
            if h.up {
                up_in[h.cl] += 1;
            }
        }
        Model {
            hosts,
            vms,
            initial,
            by_id,
            up_in,
            members,
        }
    }

    fn initial(&self) -> State {
        self.initial.clone()
    }

    fn used(&self, st: &State) -> Vec<u64> {
        let mut u = vec![0u64; self.hosts.len()];
        for (v, h) in st.iter().enumerate() {
            if let Some(h) = h {
                u[*h] += self.vms[v].mem;
            }
        }
        u
    }

    /// Room on host `i` at plan time.
    fn free0(&self, i: usize) -> u64 {
        self.hosts[i]
            .cap
            .saturating_sub(self.used(&self.initial)[i])
    }

    fn index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The wave in every carried state; the states it leaves (deduplicated, capped).
    fn wave_everywhere(&self, states: &[State], wave: &[&PlannedHost]) -> Result<Vec<State>, Why> {
        // Bounded work on big waves: at most ORDER_BUDGET (state, order) pairs per check.
        let n_orders = orders_count(wave.iter().filter(|p| !p.keep_in_maintenance).count());
        let keep = (ORDER_BUDGET / n_orders.max(1)).max(1);
        let mut out: Vec<State> = Vec::new();
        for st in states.iter().take(keep) {
            for s in self.wave(st, wave)? {
                if out.len() < MAX_STATES && !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        Ok(out)
    }

    /// Every order of the wave from one state.
    fn wave(&self, st: &State, wave: &[&PlannedHost]) -> Result<Vec<State>, Why> {
        let going: Vec<usize> = wave
            .iter()
            .filter(|p| !p.keep_in_maintenance)
            .filter_map(|p| self.index(&p.id))
            .collect();
        self.wave_going(st, &going)
    }

    /// Every order of the hosts `going` (indices) from one state.
    fn wave_going(&self, st: &State, going: &[usize]) -> Result<Vec<State>, Why> {
        if going.is_empty() {
            return Ok(vec![st.clone()]);
        }
        // At least one Up host left in each cluster (counted, not searched: O(wave)).
        for &g in going {
            let cl = self.hosts[g].cl;
            let up_going = going
                .iter()
                .filter(|&&i| self.hosts[i].up && self.hosts[i].cl == cl)
                .count();
            if self.up_in[cl] <= up_going {
                return Err(Why::LastUp);
            }
        }
        let mut out = Vec::new();
        for order in orders(going) {
            let s = self.one_order(st, &order)?;
            self.he_stays_covered(&s, going)?;
            if !out.contains(&s) {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// The hosts of `order` go to maintenance one after the other.
    fn one_order(&self, st: &State, order: &[usize]) -> Result<State, Why> {
        let mut st = st.clone();
        let mut used = self.used(&st);
        let mut down: Vec<usize> = Vec::new();
        let mut is_down = vec![false; self.hosts.len()];
        let mut in_order = vec![false; self.hosts.len()];
        for &x in order {
            in_order[x] = true;
        }
        // VMs on their way to a host that was still up when they were sent.
        let mut in_flight: Vec<usize> = Vec::new();
        let mut flying = vec![false; self.vms.len()];
        // The VMs on each host of the order (by its place in it: not one list per host of
        // the fleet for every order tried).
        let mut on: Vec<Vec<usize>> = vec![Vec::new(); order.len()];
        for (v, h) in st.iter().enumerate() {
            if let Some(h) = h {
                if in_order[*h] {
                    if let Some(k) = order.iter().position(|x| x == h) {
                        on[k].push(v);
                    }
                }
            }
        }
        for (k, &x) in order.iter().enumerate() {
            down.push(x);
            is_down[x] = true;
            let mut mine: Vec<usize> = std::mem::take(&mut on[k])
                .into_iter()
                .filter(|v| !flying[*v])
                .collect();
            mine.sort_by_key(|v| std::cmp::Reverse(self.vms[*v].mem));
            for v in mine {
                let t = self.destination(v, &used, &is_down, x).ok_or_else(|| {
                    if self.vms[v].he {
                        Why::HostedEngine(self.he_detail(&used, &down, x))
                    } else {
                        Why::Capacity
                    }
                })?;
                used[t] += self.vms[v].mem;
                used[x] -= self.vms[v].mem;
                st[v] = Some(t);
                if in_order[t] {
                    in_flight.push(v);
                    flying[v] = true;
                }
            }
        }
        // Landing on a host that went to maintenance meanwhile: sent on, or it gets stuck.
        for v in in_flight {
            let Some(at) = st[v] else { continue };
            if !is_down[at] {
                continue;
            }
            let t = self.destination(v, &used, &is_down, at).ok_or_else(|| {
                if self.vms[v].he {
                    Why::HostedEngine(self.he_detail(&used, &down, at))
                } else {
                    Why::Capacity
                }
            })?;
            used[t] += self.vms[v].mem;
            used[at] -= self.vms[v].mem;
            st[v] = Some(t);
        }
        Ok(st)
    }

    /// The Up host with the most room that can take VM `v` (the last of equals, as the
    /// engine's and the simulator's `max` pick it).
    fn destination(&self, v: usize, used: &[u64], down: &[bool], from: usize) -> Option<usize> {
        let vm = &self.vms[v];
        let mut best: Option<(usize, u64)> = None;
        // Only its own cluster's hosts, in the same order as before.
        for &i in self.members.get(vm.cl).map(Vec::as_slice).unwrap_or(&[]) {
            let h = &self.hosts[i];
            if i == from || !h.up || down[i] || h.cl != vm.cl || (vm.he && !h.he_ok) {
                continue;
            }
            let free = h.cap.saturating_sub(used[i]);
            if free >= vm.mem && best.is_none_or(|(_, b)| free >= b) {
                best = Some((i, free));
            }
        }
        best.map(|(i, _)| i)
    }

    /// After the wave's migrations: while a hosted-engine host is out, another one that
    /// can receive the HostedEngine VM (it runs there, or there is room for it) stays up.
    fn he_stays_covered(&self, st: &State, going: &[usize]) -> Result<(), Why> {
        let out_he: Vec<usize> = going
            .iter()
            .copied()
            .filter(|g| self.hosts[*g].he)
            .collect();
        let Some(&first) = out_he.first() else {
            return Ok(());
        };
        let used = self.used(st);
        let he_vm = self.vms.iter().position(|v| v.he);
        let cluster = he_vm
            .map(|v| self.vms[v].cluster.clone())
            .unwrap_or_else(|| self.hosts[first].cluster.clone());
        let covered = self.hosts.iter().enumerate().any(|(i, h)| {
            h.he_ok
                && h.cluster == cluster
                && !going.contains(&i)
                && match he_vm {
                    Some(v) => st[v] == Some(i) || h.cap.saturating_sub(used[i]) >= self.vms[v].mem,
                    None => true,
                }
        });
        if covered {
            Ok(())
        } else {
            Err(Why::HostedEngine(self.he_detail(&used, going, first)))
        }
    }

    /// Why no hosted-engine host can take the HostedEngine VM from `from` now.
    fn he_detail(&self, used: &[u64], down: &[usize], from: usize) -> Text {
        let need = self.vms.iter().find(|v| v.he).map(|v| v.mem);
        let mut why = Vec::new();
        for (i, h) in self.hosts.iter().enumerate() {
            if !h.he || i == from {
                continue;
            }
            if let Some(w) = &h.he_why {
                why.push(w.clone());
            } else if !h.up {
                why.push(Text::new("phrase-he-not-up").arg("host", &h.name));
            } else if down.contains(&i) {
                why.push(Text::new("phrase-he-out-together").arg("host", &h.name));
            } else if let Some(n) = need {
                let free = h.cap.saturating_sub(used[i]);
                if free < n {
                    why.push(
                        Text::new("phrase-he-no-room")
                            .arg("host", &h.name)
                            .arg("free", free >> 20)
                            .arg("need", n >> 20),
                    );
                }
            }
        }
        if why.is_empty() {
            why.push(Text::new("phrase-he-no-other"));
        }
        Text::new("phrase-wave-he").arg_text("rest", text_list(why, "he-list"))
    }
}

/// Can host `id` go to maintenance now, alone, in the Manager's current state (`facts`)?
/// `Some(reason)` when the planner's model says the Manager would refuse it or the
/// HostedEngine VM would be left without a place. The executor asks before it moves the SPM
/// role off a host, so the role is never moved for a maintenance that cannot happen.
pub fn blocker(facts: &[HostFacts], id: &str) -> Option<String> {
    blocker_text(facts, id).map(|t| t.english())
}

/// [`blocker`]'s reason as a catalogue message, for the reader's language (the upgrade's
/// `capacity` pre-check).
pub fn blocker_text(facts: &[HostFacts], id: &str) -> Option<Text> {
    let model = Model::new(facts);
    let i = model.index(id)?;
    if !model.hosts[i].up {
        return None;
    }
    let why = model.wave_going(&model.initial(), &[i]).err()?;
    let f = facts.iter().find(|f| f.host.id == id)?;
    let p = PlannedHost {
        id: f.host.id.clone(),
        name: f.host.name.clone(),
        address: f.host.address.clone(),
        cluster: f.cluster_name.clone(),
        cluster_id: f.host.cluster_id.clone().unwrap_or_default(),
        status: f.host.status.to_string(),
        spm: f.host.is_spm(),
        hosted_engine: f.host.is_he(),
        vm_memory: f.vms.iter().map(|v| v.memory).sum(),
        vm_count: f.vms.len(),
        keep_in_maintenance: false,
        reasons: Vec::new(),
        served_serial: None,
        vdsm_endpoint: String::new(),
    };
    Some(why.text(&p, &model))
}

/// The orders in which a wave's hosts may start their maintenance.
fn orders(going: &[usize]) -> Vec<Vec<usize>> {
    fn permute(rest: &mut Vec<usize>, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if rest.is_empty() {
            out.push(cur.clone());
            return;
        }
        for i in 0..rest.len() {
            let x = rest.remove(i);
            cur.push(x);
            permute(rest, cur, out);
            cur.pop();
            rest.insert(i, x);
        }
    }
    let mut out = Vec::new();
    if going.len() <= FULL_ORDERS_UP_TO {
        permute(&mut going.to_vec(), &mut Vec::new(), &mut out);
    } else {
        for r in 0..going.len() {
            let mut o = going.to_vec();
            o.rotate_left(r);
            out.push(o.clone());
            o.reverse();
            out.push(o);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Execution.

/// Where a host is in its cycle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    #[default]
    /// Not started.
    Pending,
    /// Moving the SPM role to another host.
    MovingSpm,
    /// Going to maintenance (VMs migrate away).
    Deactivating,
    /// Enroll Certificate running.
    Enrolling,
    /// Activating again.
    Activating,
    /// Checking the certificate its vdsm port now serves.
    Verifying,
    /// Enrolled and back Up.
    Done,
    /// Stopped with an error (see the host's report).
    Failed,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// One host's place in the run, as saved in the state file.
pub struct HostProgress {
    /// The last step reached.
    pub step: Step,
    /// Last event id seen before the enroll action was sent.
    pub(crate) enroll_after_event: Option<u64>,
    pub(crate) error: Option<String>,
    /// We put it in maintenance and it is not back up.
    pub left_in_maintenance: bool,
    pub(crate) new_serial: Option<String>,
    /// The host's status in the Manager when last seen.
    pub status: Option<String>,
    /// Enroll Certificate finished (event 881 or installing → maintenance): a re-run only
    /// activates and verifies, it never enrolls the host again.
    #[serde(default)]
    pub enrolled: bool,
    /// Enroll Certificate ended in install_failed (882), yet the probe found vdsm serving a
    /// new certificate of the current CA: the cycle went on to Activate (a known engine
    /// behaviour; the report says so).
    #[serde(default)]
    pub manager_said_install_failed: bool,
    /// vdsm was probed just before the host's wave (by the executor, before the wave starts); a resumed run
    /// never probes again (after an enrollment it would take the new certificate for the old).
    #[serde(default)]
    pub probed: bool,
    /// The serial vdsm served then (`None`: it showed none): the certificate the enrollment
    /// must replace.
    #[serde(default)]
    pub served_before: Option<String>,
}

impl HostProgress {
    /// The serial the host's new certificate must differ from: what vdsm served just before
    /// its wave, else (a state file of an older version) what it served when planned.
    pub fn serial_before<'a>(&'a self, planned: &'a PlannedHost) -> Option<&'a str> {
        if self.probed {
            self.served_before.as_deref()
        } else {
            planned.served_serial.as_deref()
        }
    }
}

/// The arguments that chose a run's hosts and pace: a saved run is resumed only with the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunArgs {
    /// `--host` (sorted).
    pub(crate) hosts: Vec<String>,
    /// `--cluster` (sorted).
    pub(crate) clusters: Vec<String>,
    /// `--all-hosts`: healthy hosts too (default: only hosts that need it).
    pub(crate) all_hosts: bool,
    /// `--within` (days).
    pub(crate) within_days: i64,
    /// `--max-parallel`.
    pub(crate) max_parallel: usize,
}

impl RunArgs {
    /// The arguments of a run, normalised (sorted, without duplicates; `within_days` is 0 with `all_hosts`) so a resumed run can be compared with the first.
    pub fn new(
        hosts: &[String],
        clusters: &[String],
        all_hosts: bool,
        within_days: i64,
        max_parallel: usize,
    ) -> RunArgs {
        let sorted = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v.dedup();
            v
        };
        RunArgs {
            hosts: sorted(hosts),
            clusters: sorted(clusters),
            all_hosts,
            // With --all-hosts, --within chooses nothing.
            within_days: if all_hosts { 0 } else { within_days },
            max_parallel,
        }
    }

    /// As command-line arguments (`--host h4 --max-parallel 2 …`).
    pub fn describe(&self) -> String {
        let mut v = Vec::new();
        for c in &self.clusters {
            v.push(format!("--cluster {c}"));
        }
        for h in &self.hosts {
            v.push(format!("--host {h}"));
        }
        if self.all_hosts {
            v.push("--all-hosts".into());
        } else {
            v.push(format!("--within {}", self.within_days));
        }
        v.push(format!("--max-parallel {}", self.max_parallel));
        v.join(" ")
    }
}

/// The resumable state of a run (the state file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunState {
    pub(crate) kind: String,
    pub(crate) api_version: String,
    /// The Manager this run is for (a state file never drives another Manager).
    pub engine_url: String,
    /// The plan the run follows.
    pub plan: Plan,
    /// Progress per host, by Manager id.
    pub hosts: BTreeMap<String, HostProgress>,
    /// Every wave was done (the file is kept as the run's record).
    pub finished: bool,
    /// The arguments the run was started with (absent in state files of older versions).
    #[serde(default)]
    pub args: Option<RunArgs>,
}

impl RunState {
    /// A new run of `plan` against the Manager at `engine_url`, every host pending.
    pub fn new(engine_url: &str, plan: Plan) -> RunState {
        let hosts = plan
            .hosts
            .iter()
            .map(|h| (h.id.clone(), HostProgress::default()))
            .collect();
        RunState {
            kind: "EnrollRun".into(),
            api_version: "rhv-pki/v1".into(),
            engine_url: engine_url.into(),
            plan,
            hosts,
            finished: false,
            args: None,
        }
    }

    /// May this saved run be resumed by a command with `args`? `Err` says what the saved run
    /// was. A state file without recorded arguments (older version) matches only a command
    /// that names no host or cluster and keeps the saved plan's --max-parallel.
    pub fn check_args(&self, args: &RunArgs) -> Result<(), ArgsMismatch> {
        match &self.args {
            Some(saved) if saved == args => Ok(()),
            Some(saved) => Err(ArgsMismatch {
                saved: saved.describe(),
            }),
            None if args.hosts.is_empty()
                && args.clusters.is_empty()
                && args.max_parallel == self.plan.max_parallel =>
            {
                Ok(())
            }
            None => Err(ArgsMismatch {
                saved: format!(
                "hosts {} with --max-parallel {} (arguments not recorded by this older state file)",
                self.plan
                    .hosts
                    .iter()
                    .map(|h| h.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                self.plan.max_parallel
            ),
            }),
        }
    }

    /// What is left of the plan: the hosts not done yet, in their waves.
    pub fn remaining(&self) -> Plan {
        let done = |id: &String| self.hosts.get(id).is_some_and(|p| p.step == Step::Done);
        let mut p = self.plan.clone();
        p.hosts.retain(|h| !done(&h.id));
        p.waves = p
            .waves
            .iter()
            .map(|w| w.iter().filter(|id| !done(id)).cloned().collect::<Vec<_>>())
            .filter(|w| !w.is_empty())
            .collect();
        p
    }

    /// Names of the hosts this run took out of service that are not back, with their status
    /// as last seen (`unknown` when the Manager could not tell).
    pub fn out_named(&self) -> Vec<(String, String)> {
        self.plan
            .hosts
            .iter()
            .filter(|h| self.hosts.get(&h.id).is_some_and(|p| p.left_in_maintenance))
            .map(|h| {
                let st = self.hosts[&h.id]
                    .status
                    .clone()
                    .unwrap_or_else(|| "unknown".into());
                (h.name.clone(), st)
            })
            .collect()
    }

    /// The state saved at `path`; `Ok(None)` when there is no file (a first run).
    pub fn load(path: &Path) -> Result<Option<RunState>, StateError> {
        match std::fs::read(path) {
            Ok(b) => {
                serde_json::from_slice(&b)
                    .map(Some)
                    .map_err(|source| StateError::NotAStateFile {
                        path: path.to_path_buf(),
                        source,
                    })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StateError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Writes atomically (temp file beside it, fsync, rename).
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|source| StateError::CreateDir {
            dir: dir.to_path_buf(),
            source,
        })?;
        let mut body = serde_json::to_vec_pretty(self).map_err(StateError::Encode)?;
        body.push(b'\n');
        crate::sys::atomic_write(path, &body, &crate::sys::WriteOpts::mode(0o644)).map_err(|e| {
            StateError::Write {
                path: path.to_path_buf(),
                source: e.source,
            }
        })
    }
}

/// Timeouts and polling of the executor.
#[derive(Debug, Clone)]
pub struct Timing {
    /// Interval between two polls of a host's status.
    pub poll: Duration,
    /// Longest wait for a host to reach maintenance.
    pub maintenance: Duration,
    /// How long to wait for the enrollment to start (status installing or an 881/882 event).
    pub install_start: Duration,
    /// Longest wait for Enroll Certificate to finish.
    pub install: Duration,
    /// Longest wait for a host to come back Up.
    pub activate: Duration,
    /// Longest wait for the SPM role to move.
    pub spm: Duration,
    /// Longest wait for the vdsm port to serve the new certificate.
    pub probe: Duration,
    /// How long a host still on its way (unassigned, initializing, connecting, preparing for
    /// maintenance) is re-read before the run declares where it ended up.
    pub settle: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            poll: Duration::from_secs(5),
            maintenance: Duration::from_secs(30 * 60),
            install_start: Duration::from_secs(120),
            install: Duration::from_secs(20 * 60),
            activate: Duration::from_secs(20 * 60),
            spm: Duration::from_secs(5 * 60),
            probe: Duration::from_secs(10),
            settle: Duration::from_secs(120),
        }
    }
}

/// What the executor reports as it goes; only the binary knows terminals.
pub trait Progress: Send + Sync {
    /// A wave starts: its 1-based `index` of `total`, and the host names in it.
    fn wave(&self, index: usize, total: usize, hosts: &[String]);
    /// `host` reached `step`; `detail` says more for a human (a catalogue message: the
    /// binary renders it in the reader's language).
    fn step(&self, host: &str, step: Step, detail: Option<&Text>);
    /// `host` is finished, enrolled (`ok`) or not; `detail` is the outcome for a human (the
    /// new serial, or the error that stopped the cycle), a catalogue message.
    fn done(&self, host: &str, ok: bool, detail: &Text);
}

/// How a run ended.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub(crate) kind: &'static str,
    pub(crate) api_version: &'static str,
    /// Every planned host was enrolled.
    pub completed: bool,
    pub(crate) interrupted: bool,
    /// The signal that stopped the run (`SIGINT`, `SIGTERM`, `SIGHUP`).
    pub signal: Option<String>,
    /// One entry per planned host.
    pub hosts: Vec<HostReport>,
    pub(crate) skipped: Vec<SkippedHost>,
    /// Hosts this run took out of service that are not back up (whatever their status:
    /// maintenance, install_failed, non_responsive, or unknown when the Manager could not
    /// say): the admin must look at them.
    pub(crate) left_in_maintenance: Vec<String>,
    /// The same hosts with their status as last seen.
    pub out_of_service: Vec<OutHost>,
    /// The command that resumes the run (set by the CLI when the run did not complete).
    pub resume_command: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
/// A host the run left out of service.
pub struct OutHost {
    /// The host's name.
    pub name: String,
    /// Its status in the Manager.
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
/// How one host's cycle ended.
pub struct HostReport {
    /// The host's name.
    pub name: String,
    /// The last step reached.
    pub step: Step,
    pub(crate) status: Option<String>,
    /// Serial of the certificate before, hex.
    pub old_serial: Option<String>,
    /// Serial of the certificate after, hex.
    pub new_serial: Option<String>,
    /// The error that stopped the host's cycle.
    pub error: Option<String>,
    /// That error as a catalogue message, when this run met it (an error read from the state
    /// file of an earlier run has only its English); never in JSON.
    #[serde(skip)]
    pub error_text: Option<Text>,
    /// Enroll Certificate finished for it (event 881, or install_failed with the new
    /// certificate served).
    pub enrolled: bool,
    /// The Manager reported the enrollment as failed (install_failed, event 882) although
    /// vdsm served the new certificate: the host was activated and verified as usual.
    pub manager_said_install_failed: bool,
}

/// Executor settings.
pub struct ExecConfig {
    /// Poll intervals and timeouts.
    pub timing: Timing,
    /// The state file (resume point and record of the run).
    pub state_path: PathBuf,
    /// The current engine CA (the new host certificates must verify against it).
    pub ca_der: Vec<u8>,
}

struct Shared<'a> {
    engine: &'a Engine,
    state: Mutex<RunState>,
    cfg: &'a ExecConfig,
    progress: &'a dyn Progress,
    stop: std::sync::atomic::AtomicBool,
    /// What the poll loops read and sleep on.
    clock: &'a dyn Clock,
    /// The last host list and enrollment events read, shared by every host in flight.
    watch: Watch,
    /// The error each failed host met in this run, by Manager id: its English (as the state
    /// file has it) and its catalogue message, for the report.
    errors: std::sync::Mutex<HashMap<String, (String, Text)>>,
}

/// Be gentle with the Manager: the hosts in flight do not poll one request each. The first
/// waiter whose last view is stale reads the whole host list (and, while hosts enroll, the
/// new events) once; the others take their host from that read. A wait's first look is
/// never older than the wait itself (an action just sent must show), and each further look
/// is newer than the one before it, so there is one list query per poll interval however
/// many hosts are out.
#[derive(Default)]
struct Watch {
    hosts: Mutex<Option<HostsSeen>>,
    events: Mutex<Option<EventsSeen>>,
}

/// One host-list read.
struct HostsSeen {
    /// When the request was sent (its answer is at least this fresh).
    taken: Instant,
    by_id: HashMap<String, Host>,
}

/// The enrollment events (880/881/882) newer than `from`, as read at `taken`.
struct EventsSeen {
    taken: Instant,
    from: u64,
    /// The newest event id seen (the next read asks only for newer ones).
    last_id: u64,
    events: Vec<Event>,
}

/// How fresh a look must be: not older than `not_before`, and newer than `after` (the look
/// before it) when there was one.
#[derive(Debug, Clone, Copy)]
struct Fresh {
    not_before: Instant,
    after: Option<Instant>,
}

impl Fresh {
    fn accepts(&self, taken: Instant) -> bool {
        taken >= self.not_before && self.after.is_none_or(|a| taken > a)
    }
}

impl Shared<'_> {
    /// Host `id` from a host list at least as fresh as `fresh` asks: the one another host's
    /// wait already read, or a new one. Returns when that list was read.
    async fn polled_host(&self, id: &str, fresh: Fresh) -> Result<(Host, Instant), EngineError> {
        let mut seen = self.watch.hosts.lock().await;
        if let Some(s) = seen.as_ref().filter(|s| fresh.accepts(s.taken)) {
            return match s.by_id.get(id) {
                Some(h) => Ok((h.clone(), s.taken)),
                // Not in the list: ask for it alone (the Manager says why).
                None => Ok((self.engine.host(id).await?, s.taken)),
            };
        }
        let taken = self.clock.now();
        let list = self.engine.hosts(None).await?;
        let by_id: HashMap<String, Host> = list.into_iter().map(|h| (h.id.clone(), h)).collect();
        let h = match by_id.get(id) {
            Some(h) => h.clone(),
            None => self.engine.host(id).await?,
        };
        *seen = Some(HostsSeen { taken, by_id });
        Ok((h, taken))
    }

    /// The enrollment events of host `id` newer than event `after`, from a read at least as
    /// fresh as `fresh` asks (shared like [`Shared::polled_host`]).
    async fn polled_events(
        &self,
        id: &str,
        after: u64,
        fresh: Fresh,
    ) -> Result<(Vec<Event>, Instant), EngineError> {
        let mut seen = self.watch.events.lock().await;
        let usable = seen
            .as_ref()
            .is_some_and(|s| s.from <= after && fresh.accepts(s.taken));
        if !usable {
            let taken = self.clock.now();
            let enrollment = |e: &Event| {
                e.host_id.is_some()
                    && matches!(
                        e.code,
                        EVENT_ENROLL_STARTED | EVENT_ENROLL_FINISHED | EVENT_ENROLL_FAILED
                    )
            };
            match seen.as_mut().filter(|s| s.from <= after) {
                // Only what is new since the last read.
                Some(s) => {
                    let new = self.engine.events_after(Some(s.last_id), None).await?;
                    s.last_id = new.iter().map(|e| e.id).max().unwrap_or(s.last_id);
                    s.events.extend(new.into_iter().filter(enrollment));
                    s.taken = taken;
                }
                None => {
                    let new = self.engine.events_after(Some(after), None).await?;
                    *seen = Some(EventsSeen {
                        taken,
                        from: after,
                        last_id: new.iter().map(|e| e.id).max().unwrap_or(after),
                        events: new.into_iter().filter(enrollment).collect(),
                    });
                }
            }
        }
        let Some(s) = seen.as_ref() else {
            return Ok((Vec::new(), self.clock.now()));
        };
        let mine = s
            .events
            .iter()
            .filter(|e| e.id > after && e.host_id.as_deref() == Some(id))
            .cloned()
            .collect();
        Ok((mine, s.taken))
    }

    async fn update(&self, id: &str, f: impl FnOnce(&mut HostProgress)) -> Result<(), StateError> {
        let mut st = self.state.lock().await;
        let p = st.hosts.entry(id.to_string()).or_default();
        f(p);
        st.save(&self.cfg.state_path)
    }
}

/// Runs (or resumes) the plan in `state`. Returns when every wave is done, a host failed (the
/// rest of its wave finishes its cycle, no new wave starts), or `interrupt` resolves with the
/// name of a signal: then nothing new is started, and every host caught mid-cycle is read once
/// more so the report names each one that is out of service.
pub async fn execute(
    engine: &Engine,
    state: RunState,
    cfg: &ExecConfig,
    progress: &dyn Progress,
    interrupt: impl std::future::Future<Output = String>,
) -> Result<RunReport, ExecError> {
    let ca = Issuer::new("ca", &cfg.ca_der).map_err(|reason| CaError {
        reason: reason.to_string(),
    })?;
    let ca = Arc::new(ca);
    let shared = Shared {
        engine,
        state: Mutex::new(state),
        cfg,
        progress,
        stop: std::sync::atomic::AtomicBool::new(false),
        clock: &SYSTEM,
        watch: Watch::default(),
        errors: Default::default(),
    };
    let waves = shared.state.lock().await.plan.waves.clone();
    let total = waves.len();
    let run = async {
        for (i, wave) in waves.iter().enumerate() {
            let todo: Vec<String> = {
                let st = shared.state.lock().await;
                wave.iter()
                    .filter(|id| st.hosts.get(*id).is_none_or(|p| p.step != Step::Done))
                    .cloned()
                    .collect()
            };
            if todo.is_empty() {
                continue;
            }
            let names: Vec<String> = {
                let st = shared.state.lock().await;
                todo.iter()
                    .map(|id| {
                        st.plan
                            .host(id)
                            .map(|h| h.name.clone())
                            .unwrap_or(id.clone())
                    })
                    .collect()
            };
            progress.wave(i + 1, total, &names);
            if probe_before_wave(&shared, &todo, &ca).await.is_err() {
                return false;
            }
            let futs = todo.iter().map(|id| cycle(&shared, id, ca.clone()));
            let results = futures_join_all(futs).await;
            if results.iter().any(|ok| !ok) || shared.stop.load(std::sync::atomic::Ordering::SeqCst)
            {
                return false;
            }
        }
        true
    };
    let (completed, signal) = tokio::select! {
        c = run => (c, None),
        s = interrupt => (false, Some(s)),
    };
    let errors = shared
        .errors
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    let mut st = shared.state.into_inner();
    if signal.is_some() {
        read_caught(engine, &mut st).await;
    }
    st.finished = completed;
    st.save(&cfg.state_path)?;
    let mut r = report(&st, completed, signal.is_some());
    r.signal = signal;
    // The report's hosts are the plan's, in its order.
    for (h, ph) in r.hosts.iter_mut().zip(&st.plan.hosts) {
        if let (Some(e), Some((english, text))) = (&h.error, errors.get(&ph.id)) {
            if e == english {
                h.error_text = Some(text.clone());
            }
        }
    }
    Ok(r)
}

/// After an interrupt: the cycles in flight were dropped. Where is each host they had
/// touched? One quick read each (the admin is waiting); no answer counts as out of service.
async fn read_caught(engine: &Engine, st: &mut RunState) {
    let caught: Vec<(String, bool)> = st
        .plan
        .hosts
        .iter()
        .filter(|h| {
            st.hosts.get(&h.id).is_some_and(|p| {
                p.left_in_maintenance
                    || matches!(
                        p.step,
                        Step::MovingSpm
                            | Step::Deactivating
                            | Step::Enrolling
                            | Step::Activating
                            | Step::Verifying
                    )
            })
        })
        .map(|h| (h.id.clone(), h.keep_in_maintenance))
        .collect();
    for (id, keep) in caught {
        let status = engine.host_once(&id).await.ok().map(|h| h.status);
        if let Some(p) = st.hosts.get_mut(&id) {
            p.status = Some(
                status
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "unknown".into()),
            );
            p.left_in_maintenance = !keep && status != Some(HostStatus::Up);
        }
    }
}

/// Joins futures concurrently without another dependency.
async fn futures_join_all<F: std::future::Future<Output = bool>>(
    futs: impl Iterator<Item = F>,
) -> Vec<bool> {
    let mut v: Vec<std::pin::Pin<Box<F>>> = futs.map(Box::pin).collect();
    let mut out = vec![None; v.len()];
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in v.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(r) => out[i] = Some(r),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(|r| r.unwrap_or(false)).collect()
}

/// The report of a run as it stands.
pub fn report(st: &RunState, completed: bool, interrupted: bool) -> RunReport {
    let hosts = st
        .plan
        .hosts
        .iter()
        .map(|h| {
            let p = st.hosts.get(&h.id).cloned().unwrap_or_default();
            HostReport {
                name: h.name.clone(),
                step: p.step,
                status: p.status.clone(),
                old_serial: p.serial_before(h).map(str::to_string),
                new_serial: p.new_serial.clone(),
                error: p.error.clone(),
                error_text: None,
                enrolled: p.enrolled,
                manager_said_install_failed: p.manager_said_install_failed,
            }
        })
        .collect();
    let out = st.out_named();
    RunReport {
        kind: "EnrollReport",
        api_version: "rhv-pki/v1",
        completed,
        interrupted,
        signal: None,
        hosts,
        skipped: st.plan.skipped.clone(),
        left_in_maintenance: out.iter().map(|(n, _)| n.clone()).collect(),
        out_of_service: out
            .into_iter()
            .map(|(name, status)| OutHost { name, status })
            .collect(),
        resume_command: None,
    }
}

/// Waits until `want` says yes about the host, or the timeout; returns the last host seen.
async fn wait_host(
    sh: &Shared<'_>,
    id: &str,
    timeout: Duration,
    want: impl Fn(&Host) -> bool,
) -> Result<(bool, Host), EngineError> {
    let last: std::sync::Mutex<Option<HostStatus>> = std::sync::Mutex::new(None);
    let looked = Looks::new(sh.clock.now());
    let (last, want, looked) = (&last, &want, &looked);
    let every = Every {
        interval: sh.cfg.timing.poll,
        timeout,
    };
    let polled = poll_until_async(sh.clock, every, |_| async move {
        let (h, taken) = sh.polled_host(id, looked.fresh()).await?;
        looked.saw(taken);
        // The state file (and the final report) tell the host's status as last seen.
        let changed = {
            let mut l = last.lock().unwrap_or_else(|p| p.into_inner());
            let changed = l.as_ref() != Some(&h.status);
            *l = Some(h.status.clone());
            changed
        };
        if changed {
            let status = h.status.to_string();
            let _ = sh.update(id, |p| p.status = Some(status)).await;
        }
        Ok(if want(&h) {
            ControlFlow::Break(h)
        } else {
            ControlFlow::Continue(h)
        })
    })
    .await?;
    Ok(match polled {
        Polled::Met(h) => (true, h),
        Polled::TimedOut(h) => (false, h),
    })
}

/// What one poll loop has looked at: the loop's start, then the time of its last look.
struct Looks {
    start: Instant,
    last: std::sync::Mutex<Option<Instant>>,
}

impl Looks {
    fn new(start: Instant) -> Looks {
        Looks {
            start,
            last: std::sync::Mutex::new(None),
        }
    }
    fn fresh(&self) -> Fresh {
        Fresh {
            not_before: self.start,
            after: *self.last.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }
    fn saw(&self, taken: Instant) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(taken);
    }
}

/// Statuses a host passes through on its way somewhere else: re-read before judging it.
fn on_its_way(s: &HostStatus) -> bool {
    matches!(
        s,
        HostStatus::Unassigned
            | HostStatus::Initializing
            | HostStatus::Connecting
            | HostStatus::Reboot
            | HostStatus::PreparingForMaintenance
    )
}

/// Where the host ended up: read it (riding out a Manager outage), and while it is still on
/// its way, read it again for up to `settle`. `None` when the Manager could not say.
async fn settled(sh: &Shared<'_>, id: &str) -> Option<Host> {
    let h = sh.engine.host(id).await.ok()?;
    if !on_its_way(&h.status) {
        return Some(h);
    }
    match wait_host(sh, id, sh.cfg.timing.settle, |h| !on_its_way(&h.status)).await {
        Ok((_, last)) => Some(last),
        Err(_) => None,
    }
}

/// One host's whole cycle; `true` when it ended Up with a verified new certificate.
async fn cycle(sh: &Shared<'_>, id: &str, ca: Arc<Issuer>) -> bool {
    let planned = sh.state.lock().await.plan.host(id).cloned();
    let Some(ph) = planned else { return false };
    match cycle_inner(sh, &ph, ca).await {
        Ok(serial) => {
            let _ = sh
                .update(id, |p| {
                    p.step = Step::Done;
                    p.error = None;
                    p.left_in_maintenance = false;
                    p.new_serial = Some(serial.clone());
                })
                .await;
            sh.progress.done(
                &ph.name,
                true,
                &Text::new("roll-serving-serial").arg("serial", &serial),
            );
            true
        }
        Err(e) => {
            sh.stop.store(true, std::sync::atomic::Ordering::SeqCst);
            // Did this run take it out of service? Only if it got past the first read (or a
            // previous run had already left it out).
            let touched = {
                let st = sh.state.lock().await;
                st.hosts
                    .get(id)
                    .is_some_and(|p| p.left_in_maintenance || p.step != Step::Pending)
            };
            // Where is it now? Re-read (through an outage, and until it settles) before
            // declaring anything; a host whose status nobody can tell counts as out.
            let now = settled(sh, id).await;
            let out = touched
                && !ph.keep_in_maintenance
                && now.as_ref().is_none_or(|h| h.status != HostStatus::Up);
            let status = now
                .as_ref()
                .map(|h| h.status.to_string())
                .unwrap_or_else(|| "unknown".into());
            let _ = sh
                .update(id, |p| {
                    p.step = Step::Failed;
                    p.error = Some(e.to_string());
                    p.left_in_maintenance = out;
                    p.status = Some(status);
                })
                .await;
            let text = e.text();
            sh.progress.done(&ph.name, false, &text);
            sh.errors
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(id.to_string(), (e.to_string(), text));
            false
        }
    }
}

/// Did `action` take effect although its answer was lost?
async fn took_effect(
    sh: &Shared<'_>,
    id: &str,
    action: HostAction,
    after_event: Option<u64>,
) -> Result<bool, EngineError> {
    let h = sh.engine.host(id).await?;
    Ok(match action {
        HostAction::Deactivate => matches!(
            h.status,
            HostStatus::PreparingForMaintenance | HostStatus::Maintenance
        ),
        HostAction::Activate => matches!(
            h.status,
            HostStatus::Unassigned
                | HostStatus::Initializing
                | HostStatus::Connecting
                | HostStatus::Up
        ),
        HostAction::ForceSelectSpm => {
            matches!(h.spm_status.as_deref(), Some("spm" | "contending"))
        }
        HostAction::EnrollCertificate => {
            h.status == HostStatus::Installing
                || sh
                    .engine
                    .events_after(after_event, None)
                    .await?
                    .iter()
                    .any(|e| {
                        e.host_id.as_deref() == Some(id)
                            && matches!(
                                e.code,
                                EVENT_ENROLL_STARTED | EVENT_ENROLL_FINISHED | EVENT_ENROLL_FAILED
                            )
                    })
        }
    })
}

/// Sends a host action. An action is never re-sent blindly: when its answer is lost (the
/// Manager failed or went away mid-request), the host is re-read first and the action sent
/// again only if it visibly did not take.
/// `what` names the action in errors ("maintenance", "activation").
async fn act(
    sh: &Shared<'_>,
    id: &str,
    action: HostAction,
    after_event: Option<u64>,
    what: Action,
) -> Result<(), CycleError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match sh.engine.host_action(id, action).await {
            Ok(_) => return Ok(()),
            Err(e) if e.transient() && attempt < 4 => {
                match took_effect(sh, id, action, after_event).await {
                    Ok(true) => return Ok(()),
                    Ok(false) => {}
                    Err(reread) => {
                        return Err(CycleError::AnswerLost {
                            what: what.clone(),
                            lost: e,
                            reread,
                        })
                    }
                }
                sh.clock.sleep_async(sh.cfg.timing.poll).await;
            }
            Err(error) => return Err(CycleError::Refused { what, error }),
        }
    }
}

async fn cycle_inner(
    sh: &Shared<'_>,
    ph: &PlannedHost,
    ca: Arc<Issuer>,
) -> Result<String, CycleError> {
    let id = ph.id.as_str();
    let prog = sh
        .state
        .lock()
        .await
        .hosts
        .get(id)
        .cloned()
        .unwrap_or_default();
    let h = sh.engine.host(id).await?;

    // A host this run already enrolled (881) is never enrolled again: only activated.
    let before_enroll = !prog.enrolled
        && matches!(
            prog.step,
            Step::Pending | Step::MovingSpm | Step::Deactivating | Step::Failed
        );
    // An enrollment still running from an earlier attempt: wait for it, do not refuse.
    let installing =
        before_enroll && h.status == HostStatus::Installing && prog.step != Step::Pending;
    if before_enroll
        && !installing
        && h.status != HostStatus::Maintenance
        && !matches!(h.status, HostStatus::InstallFailed)
    {
        into_maintenance(sh, ph, &h).await?;
    }
    if !prog.enrolled && prog.step != Step::Activating && prog.step != Step::Verifying {
        enroll(sh, ph, &prog, installing, &ca).await?;
    }
    // Hosts found in maintenance stay there.
    if !ph.keep_in_maintenance {
        activate(sh, ph).await?;
    }
    verify_served(sh, ph, ca).await
}

/// Step 1: into maintenance (moving the SPM role first); a host that does not get there is
/// activated again rather than left half-drained.
async fn into_maintenance(sh: &Shared<'_>, ph: &PlannedHost, h: &Host) -> Result<(), CycleError> {
    let id = ph.id.as_str();
    let t = &sh.cfg.timing;
    if h.status != HostStatus::Up && h.status != HostStatus::PreparingForMaintenance {
        return Err(CycleError::NotUp {
            host: ph.name.clone(),
            status: h.status.clone(),
        });
    }
    if h.is_spm() {
        // Only for a maintenance that can happen: never leave the role moved for nothing.
        if let Some(why) = spm_move_blocker(sh, id).await {
            return Err(CycleError::SpmBlocked {
                host: ph.name.clone(),
                why,
            });
        }
        sh.update(id, |p| p.step = Step::MovingSpm).await?;
        sh.progress.step(
            &ph.name,
            Step::MovingSpm,
            Some(&Text::new("roll-moving-spm-first")),
        );
        move_spm(sh, h).await?;
    }
    sh.update(id, |p| p.step = Step::Deactivating).await?;
    sh.progress.step(&ph.name, Step::Deactivating, None);
    if h.status == HostStatus::Up {
        act(sh, id, HostAction::Deactivate, None, Action::Maintenance).await?;
    }
    let (ok, last) = wait_host(sh, id, t.maintenance, |h| {
        matches!(h.status, HostStatus::Maintenance)
    })
    .await?;
    if !ok {
        // Stuck (typically preparing_for_maintenance with VMs that cannot migrate): give
        // it back to the cluster rather than leave it half-drained.
        let back = act(sh, id, HostAction::Activate, None, Action::Activation).await;
        return Err(CycleError::StuckBeforeMaintenance {
            host: ph.name.clone(),
            secs: t.maintenance.as_secs(),
            status: last.status,
            detail: last.status_detail,
            gave_back: back.err().map(Box::new),
        });
    }
    Ok(())
}

/// Step 2: Enroll Certificate. The action returns before the work starts, so wait for
/// `installing` or the 880/881/882 events newer than what we saw before sending it.
async fn enroll(
    sh: &Shared<'_>,
    ph: &PlannedHost,
    prog: &HostProgress,
    installing: bool,
    ca: &Arc<Issuer>,
) -> Result<(), CycleError> {
    let id = ph.id.as_str();
    let t = &sh.cfg.timing;
    let resume_after = prog.enroll_after_event;
    let resumed = (prog.step == Step::Enrolling || installing) && resume_after.is_some();
    let after = match resume_after.filter(|_| resumed) {
        Some(a) => a,
        None => sh.engine.last_event_id().await?,
    };
    sh.update(id, |p| {
        p.step = Step::Enrolling;
        p.enroll_after_event = Some(after);
    })
    .await?;
    sh.progress.step(&ph.name, Step::Enrolling, None);
    // A resumed enrollment: did the earlier run's action reach the Manager (880/881/882
    // after it, or installing)? Then wait for its outcome; if not, send it now rather
    // than wait for a start that cannot come.
    let sent_before =
        resumed && took_effect(sh, id, HostAction::EnrollCertificate, Some(after)).await?;
    let outcome = if sent_before {
        enroll_outcome(sh, id, after, t.install_start, t.install).await?
    } else {
        None
    };
    let outcome = match outcome {
        Some(o) => o,
        None => {
            if !sent_before {
                act(
                    sh,
                    id,
                    HostAction::EnrollCertificate,
                    Some(after),
                    Action::Enroll,
                )
                .await?;
            }
            match enroll_outcome(sh, id, after, t.install_start, t.install).await? {
                Some(o) => o,
                None => {
                    return Err(CycleError::EnrollTimedOut {
                        host: ph.name.clone(),
                        secs: t.install.as_secs(),
                    })
                }
            }
        }
    };
    if let Enrolled::Failed(reason) = outcome {
        // A known engine behaviour: install_failed although the playbook put the new
        // certificate in place (the host then comes Up on Activate). Go on only when vdsm
        // visibly serves a new certificate of the current CA; otherwise stop here.
        let served = probe_served(sh, ph, ca.clone()).await?;
        let prog = sh.state.lock().await.hosts.get(id).cloned();
        let before = prog
            .unwrap_or_default()
            .serial_before(ph)
            .map(str::to_string);
        return match new_certificate(before.as_deref(), &served) {
            Ok(serial) => {
                sh.update(id, |p| {
                    p.enrolled = true;
                    p.manager_said_install_failed = true;
                })
                .await?;
                sh.progress.step(
                    &ph.name,
                    Step::Enrolling,
                    Some(&install_failed_served(&reason, &serial)),
                );
                Ok(())
            }
            Err(serves) => Err(CycleError::EnrollFailed {
                host: ph.name.clone(),
                reason,
                serves,
            }),
        };
    }
    sh.update(id, |p| p.enrolled = true).await?;
    Ok(())
}

/// Why vdsm's served certificate is not the new one an enrollment should have put in place;
/// each variant quotes the endpoint and what it serves (joined to the Manager's reason in
/// [`CycleError::EnrollFailed`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NotNewCertificate {
    /// The probe read nothing.
    #[error("vdsm probe {endpoint}: {reason}")]
    Unread {
        endpoint: String,
        reason: String,
        /// The reason as a catalogue message, when known.
        text: Option<Text>,
    },
    /// The served certificate does not verify against the current CA.
    #[error(
        "vdsm at {endpoint} serves a certificate not signed by the current CA (serial {serial})"
    )]
    ForeignChain { endpoint: String, serial: String },
    /// The host serves the serial it served before the enrollment.
    #[error("vdsm at {endpoint} still serves the old certificate (serial {serial})")]
    Old { endpoint: String, serial: String },
    /// What the host served before is not known, so a new serial cannot be told from it.
    #[error("vdsm at {endpoint} serves serial {serial}, and what it served before is unknown")]
    BeforeUnknown { endpoint: String, serial: String },
}

impl NotNewCertificate {
    /// As a catalogue message (English: the `Display`); endpoints and serials as they are.
    fn text(&self) -> Text {
        match self {
            NotNewCertificate::Unread {
                endpoint,
                reason,
                text,
            } => Text::new("roll-err-probe")
                .arg("endpoint", endpoint)
                .arg_text(
                    "reason",
                    text.clone().unwrap_or_else(|| Text::verbatim(reason)),
                ),
            NotNewCertificate::ForeignChain { endpoint, serial } => {
                Text::new("roll-new-foreign-chain")
                    .arg("endpoint", endpoint)
                    .arg("serial", serial)
            }
            NotNewCertificate::Old { endpoint, serial } => Text::new("roll-err-old-certificate")
                .arg("endpoint", endpoint)
                .arg("serial", serial),
            NotNewCertificate::BeforeUnknown { endpoint, serial } => {
                Text::new("roll-new-before-unknown")
                    .arg("endpoint", endpoint)
                    .arg("serial", serial)
            }
        }
    }
}

/// The progress note of a host the Manager says failed to enroll although vdsm serves its new
/// certificate (`serial`): the cycle goes on to Activate.
fn install_failed_served(reason: &EnrollFailure, serial: &str) -> Text {
    Text::new("roll-install-failed-served")
        .arg_text("reason", reason.text())
        .arg("serial", serial)
}

/// The serial of the new certificate `served` shows: readable, issued by the current CA and
/// not `before`, the serial the host served before its enrollment
/// ([`HostProgress::serial_before`]). Otherwise what vdsm serves.
fn new_certificate(before: Option<&str>, served: &ServedCert) -> Result<String, NotNewCertificate> {
    let endpoint = served.endpoint.clone();
    if let Some(reason) = &served.error {
        return Err(NotNewCertificate::Unread {
            endpoint,
            reason: reason.clone(),
            text: served.error_text.clone(),
        });
    }
    let serial = served.serial.clone().unwrap_or_default();
    if !served.chain_ok {
        return Err(NotNewCertificate::ForeignChain { endpoint, serial });
    }
    match before {
        Some(old) if old != serial => Ok(serial),
        Some(_) => Err(NotNewCertificate::Old { endpoint, serial }),
        None => Err(NotNewCertificate::BeforeUnknown { endpoint, serial }),
    }
}

/// Step 3: activate and wait until the host is Up again.
async fn activate(sh: &Shared<'_>, ph: &PlannedHost) -> Result<(), CycleError> {
    let id = ph.id.as_str();
    sh.update(id, |p| p.step = Step::Activating).await?;
    sh.progress.step(&ph.name, Step::Activating, None);
    let cur = sh.engine.host(id).await?;
    // The Manager said install_failed but vdsm serves the new certificate: activate it too.
    let accepted = sh
        .state
        .lock()
        .await
        .hosts
        .get(id)
        .is_some_and(|p| p.manager_said_install_failed);
    let from_install_failed = accepted && cur.status == HostStatus::InstallFailed;
    if cur.status == HostStatus::Maintenance || from_install_failed {
        act(sh, id, HostAction::Activate, None, Action::Activation).await?;
    } else if cur.status != HostStatus::Up && !on_its_way(&cur.status) {
        return Err(CycleError::NotActivatable {
            host: ph.name.clone(),
            status: cur.status,
            detail: cur.status_detail,
        });
    }
    // Activated from install_failed: that status ends the wait only once the host has left it
    // (a read taken before the Manager moved it says nothing).
    let left = std::sync::atomic::AtomicBool::new(!from_install_failed);
    let (ok, mut last) = wait_host(sh, id, sh.cfg.timing.activate, |h| {
        use std::sync::atomic::Ordering::SeqCst;
        if h.status != HostStatus::InstallFailed {
            left.store(true, SeqCst);
        }
        match h.status {
            HostStatus::Up | HostStatus::NonOperational | HostStatus::NonResponsive => true,
            HostStatus::InstallFailed => left.load(SeqCst),
            _ => false,
        }
    })
    .await?;
    if !ok || last.status != HostStatus::Up {
        // Re-read before declaring: a host still on its way gets `settle` more.
        if let Some(again) = settled(sh, id).await {
            last = again;
        }
    }
    if last.status != HostStatus::Up {
        return Err(CycleError::NotBackUp {
            host: ph.name.clone(),
            status: last.status,
            detail: last.status_detail,
        });
    }
    Ok(())
}

/// Step 4: verify what vdsm now serves; returns the new serial.
async fn verify_served(
    sh: &Shared<'_>,
    ph: &PlannedHost,
    ca: Arc<Issuer>,
) -> Result<String, CycleError> {
    sh.update(&ph.id, |p| p.step = Step::Verifying).await?;
    sh.progress.step(
        &ph.name,
        Step::Verifying,
        Some(&Text::verbatim(&ph.vdsm_endpoint)),
    );
    let served = probe_served(sh, ph, ca).await?;
    let endpoint = ph.vdsm_endpoint.clone();
    if let Some(reason) = served.error {
        return Err(CycleError::Probe {
            endpoint,
            reason,
            text: served.error_text,
        });
    }
    if !served.chain_ok {
        return Err(CycleError::ForeignChain { endpoint });
    }
    if served.weak_signature {
        return Err(CycleError::WeakSignature {
            endpoint,
            signature: served.signature.unwrap_or_default(),
        });
    }
    let serial = served.serial.unwrap_or_default();
    let prog = sh.state.lock().await.hosts.get(&ph.id).cloned();
    if prog.unwrap_or_default().serial_before(ph) == Some(serial.as_str()) {
        return Err(CycleError::OldCertificate { endpoint, serial });
    }
    Ok(serial)
}

/// What the host's vdsm serves now, judged against the current CA.
async fn probe_served(
    sh: &Shared<'_>,
    ph: &PlannedHost,
    ca: Arc<Issuer>,
) -> Result<ServedCert, CycleError> {
    let (ep, addr, to) = (
        ph.vdsm_endpoint.clone(),
        ph.address.clone(),
        sh.cfg.timing.probe,
    );
    tokio::task::spawn_blocking(move || probe_host(&ep, &addr, &ca, to))
        .await
        .map_err(|e| CycleError::ProbeDied(e.to_string()))
}

/// Before a wave: what each of its hosts' vdsm serves now, for the verification after its
/// enrollment (the new serial must differ). Only hosts no run has touched yet are probed, in
/// parallel (the wave's width), and the state is saved once. The plan needs no probe of its own
/// for this — with `--all-hosts` planning probes nothing — and the serial read here is the
/// one the enrollment replaces, however long the earlier waves took. A host whose vdsm shows
/// nothing is still cycled, as planned; its verification then has no serial to compare.
async fn probe_before_wave(
    sh: &Shared<'_>,
    todo: &[String],
    ca: &Arc<Issuer>,
) -> Result<(), StateError> {
    let targets: Vec<(String, String, String)> = {
        let st = sh.state.lock().await;
        todo.iter()
            .filter(|id| {
                st.hosts
                    .get(*id)
                    .is_none_or(|p| p.step == Step::Pending && !p.probed && !p.enrolled)
            })
            .filter_map(|id| st.plan.host(id))
            .map(|h| (h.id.clone(), h.vdsm_endpoint.clone(), h.address.clone()))
            .collect()
    };
    if targets.is_empty() {
        return Ok(());
    }
    let (ca, timeout, width) = (ca.clone(), sh.cfg.timing.probe, targets.len());
    let served = exec::par_map_blocking(targets.clone(), width, move |(_, ep, addr)| {
        probe_host(ep, addr, &ca, timeout).serial
    })
    .await
    .unwrap_or_default();
    let mut st = sh.state.lock().await;
    for ((id, _, _), serial) in targets.iter().zip(served) {
        let p = st.hosts.entry(id.clone()).or_default();
        p.probed = true;
        p.served_before = serial;
    }
    st.save(&sh.cfg.state_path)
}

/// The outcome of the Enroll Certificate sent after event `after`: `Some(Finished)` on 881 or
/// installing → maintenance, `Some(Failed)` on 882 or installing → install_failed, `None` when it
/// did not start (880 / installing) within `start_timeout` or did not end within `timeout`.
/// Only what happened after the action counts: a status read before the host changed (still
/// `install_failed` from an earlier attempt, still `maintenance`) says nothing.
async fn enroll_outcome(
    sh: &Shared<'_>,
    id: &str,
    after: u64,
    start_timeout: Duration,
    timeout: Duration,
) -> Result<Option<Enrolled>, CycleError> {
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    let (started, saw_installing) = (&AtomicBool::new(false), &AtomicBool::new(false));
    let every = Every {
        interval: sh.cfg.timing.poll,
        timeout,
    };
    let start = sh.clock.now();
    type Flow = ControlFlow<Option<Enrolled>>;
    let (looked_events, looked_host) = (&Looks::new(start), &Looks::new(start));
    let polled = poll_until_async(sh.clock, every, |_| async move {
        let (evs, taken) = sh.polled_events(id, after, looked_events.fresh()).await?;
        looked_events.saw(taken);
        for e in &evs {
            match e.code {
                EVENT_ENROLL_FINISHED => return Ok(ControlFlow::Break(Some(Enrolled::Finished))),
                EVENT_ENROLL_FAILED => {
                    return Ok(ControlFlow::Break(Some(Enrolled::Failed(
                        EnrollFailure::Event(e.description.clone()),
                    ))))
                }
                EVENT_ENROLL_STARTED => started.store(true, SeqCst),
                _ => {}
            }
        }
        let (h, taken) = sh.polled_host(id, looked_host.fresh()).await?;
        looked_host.saw(taken);
        sh.update(id, |p| p.status = Some(h.status.to_string()))
            .await?;
        match h.status {
            HostStatus::Installing => {
                saw_installing.store(true, SeqCst);
                started.store(true, SeqCst);
            }
            HostStatus::InstallFailed if saw_installing.load(SeqCst) => {
                return Ok(ControlFlow::Break(Some(Enrolled::Failed(
                    EnrollFailure::InstallFailed,
                ))));
            }
            HostStatus::Maintenance if saw_installing.load(SeqCst) => {
                return Ok(ControlFlow::Break(Some(Enrolled::Finished)))
            }
            _ => {}
        }
        // Not started within `start_timeout`: give up early.
        let waited = sh.clock.now().saturating_duration_since(start);
        if !started.load(SeqCst) && waited >= start_timeout {
            return Ok(ControlFlow::Break(None));
        }
        Ok::<Flow, CycleError>(ControlFlow::Continue(()))
    })
    .await?;
    Ok(match polled {
        Polled::Met(outcome) => outcome,
        Polled::TimedOut(()) => None,
    })
}

/// Moves the SPM role to another Up host of the same cluster (prefer one already done).
async fn move_spm(sh: &Shared<'_>, h: &Host) -> Result<(), CycleError> {
    let cluster = h.cluster_id.clone().unwrap_or_default();
    let others = sh.engine.hosts(None).await?;
    let done: Vec<String> = {
        let st = sh.state.lock().await;
        st.hosts
            .iter()
            .filter(|(_, p)| p.step == Step::Done)
            .map(|(id, _)| id.clone())
            .collect()
    };
    let mut cands: Vec<&Host> = others
        .iter()
        .filter(|o| {
            o.id != h.id
                && o.status == HostStatus::Up
                && o.cluster_id.as_deref() == Some(cluster.as_str())
        })
        .filter(|o| o.spm_priority.unwrap_or(5) > 0 || o.spm_priority.is_none())
        .collect();
    cands.sort_by_key(|o| (!done.contains(&o.id), -o.spm_priority.unwrap_or(5)));
    let Some(target) = cands.first() else {
        return Err(CycleError::NoSpmCandidate {
            host: h.name.clone(),
        });
    };
    act(
        sh,
        &target.id,
        HostAction::ForceSelectSpm,
        None,
        Action::SpmTo(target.name.clone()),
    )
    .await?;
    let (ok, _) = wait_host(sh, &target.id, sh.cfg.timing.spm, |t| t.is_spm()).await?;
    if !ok {
        return Err(CycleError::SpmDidNotMove {
            to: target.name.clone(),
            secs: sh.cfg.timing.spm.as_secs(),
        });
    }
    Ok(())
}

/// Why host `id` cannot go to maintenance now (see [`blocker_text`]); `None` when it can, or
/// when the Manager's state cannot be read (the actions then fail on their own).
async fn spm_move_blocker(sh: &Shared<'_>, id: &str) -> Option<Text> {
    let eps = VdsmEndpoints::new(0);
    let facts = gather(
        sh.engine,
        &eps,
        &sh.cfg.ca_der,
        false,
        Duration::from_secs(1),
        1,
    )
    .await
    .ok()?;
    blocker_text(&facts, id)
}

/// Reads hosts, clusters, VMs and (optionally) each host's served certificate.
pub async fn gather(
    engine: &Engine,
    endpoints: &VdsmEndpoints,
    ca_der: &[u8],
    probe: bool,
    probe_timeout: Duration,
    max_parallel_probes: usize,
) -> Result<Vec<HostFacts>, GatherError> {
    let clusters = engine.clusters().await?;
    let names: HashMap<String, String> = clusters.into_iter().map(|c| (c.id, c.name)).collect();
    let hosts = engine.hosts(None).await?;
    let ca = Arc::new(Issuer::new("ca", ca_der).map_err(|reason| CaError {
        reason: reason.to_string(),
    })?);
    let served: Vec<Option<ServedCert>> = if probe {
        let targets: Vec<(String, String)> = hosts
            .iter()
            .map(|h| (endpoints.of(h), h.address.clone()))
            .collect();
        exec::par_map_blocking(targets, max_parallel_probes, move |(ep, addr)| {
            probe_host(ep, addr, &ca, probe_timeout)
        })
        .await
        .map(|v| v.into_iter().map(Some).collect())
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    // One VM list for the whole Manager, grouped by the host each VM runs on: one request
    // per planning instead of one per Up host (500 for 500 hosts before).
    let mut by_host: HashMap<String, Vec<Vm>> = HashMap::new();
    if hosts
        .iter()
        .any(|h| h.status == HostStatus::Up || h.vms_total.unwrap_or(0) > 0)
    {
        for vm in engine.vms().await? {
            if let Some(id) = vm.host_id.clone() {
                by_host.entry(id).or_default().push(vm);
            }
        }
    }
    let mut facts = Vec::new();
    for (i, h) in hosts.into_iter().enumerate() {
        let vms = by_host.remove(&h.id).unwrap_or_default();
        let cluster_name = h
            .cluster_id
            .as_ref()
            .and_then(|c| names.get(c).cloned())
            .unwrap_or_default();
        facts.push(HostFacts {
            served: served.get(i).cloned().flatten(),
            host: h,
            cluster_name,
            vms,
        });
    }
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(
        id: &str,
        cluster: &str,
        status: HostStatus,
        free_gib: u64,
        spm: bool,
        he: bool,
    ) -> Host {
        Host {
            id: id.into(),
            name: id.into(),
            address: format!("{id}.example.test"),
            status,
            status_detail: None,
            cluster_id: Some(cluster.into()),
            spm_status: Some(if spm { "spm" } else { "none" }.into()),
            spm_priority: Some(5),
            memory: Some(64 << 30),
            max_scheduling_memory: Some(free_gib << 30),
            vms_active: None,
            vms_migrating: None,
            vms_total: None,
            hosted_engine: he.then_some(crate::net::engine::HostedEngine {
                configured: true,
                active: true,
                score: Some(3400),
                global_maintenance: false,
                local_maintenance: false,
            }),
            certificate_subject: None,
        }
    }

    fn vm(name: &str, host: &str, gib: u64, pinned: bool) -> Vm {
        Vm {
            id: name.into(),
            name: name.into(),
            status: "up".into(),
            memory: gib << 30,
            guaranteed_memory: None,
            affinity: Some(if pinned { "pinned" } else { "migratable" }.into()),
            host_id: Some(host.into()),
            hosted_engine: false,
        }
    }

    fn facts(h: Host, vms: Vec<Vm>) -> HostFacts {
        HostFacts {
            cluster_name: h.cluster_id.clone().unwrap(),
            host: h,
            vms,
            served: None,
        }
    }

    fn sel(k: usize) -> Selection {
        Selection {
            clusters: vec![],
            hosts: vec![],
            only_needed: false,
            within_days: 60,
            max_parallel: k,
            now: 1_800_000_000,
            ca_not_before: None,
        }
    }

    #[test]
    fn spm_goes_last_and_waves_respect_k() {
        let f: Vec<HostFacts> = (0..5)
            .map(|i| {
                facts(
                    host(&format!("h{i}"), "c1", HostStatus::Up, 32, i == 0, false),
                    vec![],
                )
            })
            .collect();
        let p = plan(&f, &sel(2), &VdsmEndpoints::new(54321)).unwrap();
        assert!(p.waves.iter().all(|w| w.len() <= 2));
        assert_eq!(p.waves.last().unwrap(), &vec!["h0".to_string()]);
        assert_eq!(p.waves.iter().map(Vec::len).sum::<usize>(), 5);
        // Never the whole cluster: with K = 5 one host always stays up.
        let p = plan(&f, &sel(5), &VdsmEndpoints::new(54321)).unwrap();
        assert!(p.waves[0].len() <= 4, "{:?}", p.waves);
    }

    #[test]
    fn capacity_limits_the_wave() {
        // Each host: 8 GiB of VMs, 8 GiB free; 4 hosts -> cluster free 32 GiB.
        // A wave of n hosts needs 16n <= 32 -> n <= 2 even with K = 3.
        let f: Vec<HostFacts> = (0..4)
            .map(|i| {
                let id = format!("h{i}");
                facts(
                    host(&id, "c1", HostStatus::Up, 8, false, false),
                    vec![vm(&format!("vm{i}"), &id, 8, false)],
                )
            })
            .collect();
        let p = plan(&f, &sel(3), &VdsmEndpoints::new(54321)).unwrap();
        assert_eq!(p.waves.iter().map(Vec::len).max(), Some(2), "{:?}", p.waves);
    }

    #[test]
    fn refusals_are_reported_not_planned() {
        let f = vec![
            facts(
                host("a", "c1", HostStatus::Up, 1, false, false),
                vec![vm("big", "a", 100, false)],
            ),
            facts(
                host("b", "c1", HostStatus::Up, 1, false, false),
                vec![vm("pin", "b", 1, true)],
            ),
            facts(
                host("c", "c1", HostStatus::NonResponsive, 1, false, false),
                vec![],
            ),
            facts(host("d", "c2", HostStatus::Up, 10, false, false), vec![]),
        ];
        let p = plan(&f, &sel(3), &VdsmEndpoints::new(54321)).unwrap();
        let why = |n: &str| {
            p.skipped
                .iter()
                .find(|s| s.name == n)
                .map(|s| s.reason.clone())
                .unwrap()
        };
        assert!(why("a").contains("do not fit"), "{}", why("a"));
        assert!(why("b").contains("pinned"));
        assert!(why("c").contains("hosts recover"));
        assert!(why("d").contains("only Up host"));
        assert!(p.waves.is_empty());
        assert!(plan(
            &f,
            &Selection {
                hosts: vec!["zz".into()],
                ..sel(1)
            },
            &VdsmEndpoints::new(1)
        )
        .is_err());
    }

    #[test]
    fn hosted_engine_hosts_never_all_out() {
        let f: Vec<HostFacts> = (0..3)
            .map(|i| {
                facts(
                    host(&format!("he{i}"), "c1", HostStatus::Up, 32, false, i < 2),
                    vec![],
                )
            })
            .collect();
        let p = plan(&f, &sel(3), &VdsmEndpoints::new(54321)).unwrap();
        for w in &p.waves {
            assert!(
                w.iter()
                    .filter(|id| id.starts_with("he0") || id.starts_with("he1"))
                    .count()
                    <= 1,
                "{:?}",
                p.waves
            );
        }
    }

    /// `host()` with hosted-engine agent state and memory in GiB (capacity, free).
    fn he_host(id: &str, free_gib: u64, spm: bool, he: Option<(bool, i64)>) -> Host {
        let mut h = host(id, "c1", HostStatus::Up, free_gib, spm, he.is_some());
        if let (Some(e), Some((active, score))) = (h.hosted_engine.as_mut(), he) {
            e.active = active;
            e.score = Some(score);
        }
        h
    }

    fn he_vm(host: &str, gib: u64) -> Vm {
        Vm {
            hosted_engine: true,
            ..vm("HostedEngine", host, gib, false)
        }
    }

    fn wave_of(p: &Plan, id: &str) -> usize {
        p.waves
            .iter()
            .position(|w| w.iter().any(|x| x == id))
            .unwrap()
    }

    #[test]
    fn the_he_vm_host_never_shares_a_wave_that_fills_its_only_destination() {
        // Issue 20: h8's VMs would go onto h3 (most room) and leave no room for the
        // HostedEngine VM of h2.
        let mut f = vec![
            facts(
                he_host("h1", 4, true, None),
                vec![vm("a1", "h1", 16, false), vm("a2", "h1", 12, false)],
            ),
            facts(
                he_host("h2", 4, false, Some((true, 3400))),
                vec![he_vm("h2", 16), vm("b1", "h2", 12, false)],
            ),
            facts(
                he_host("h3", 24, false, Some((true, 3400))),
                vec![vm("c1", "h3", 8, false)],
            ),
        ];
        for i in 4..8 {
            f.push(facts(he_host(&format!("h{i}"), 8, false, None), vec![]));
        }
        f.push(facts(
            he_host("h8", 12, false, None),
            vec![vm("k1", "h8", 12, false), vm("k2", "h8", 8, false)],
        ));
        let p = plan(&f, &sel(2), &VdsmEndpoints::new(1)).unwrap();
        assert_eq!(p.hosts.len(), 8, "{p:?}");
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        assert_ne!(wave_of(&p, "h8"), wave_of(&p, "h2"), "{:?}", p.waves);
        assert_eq!(p.waves.last().unwrap(), &vec!["h1".to_string()]);
    }

    #[test]
    fn an_order_is_searched_when_the_first_one_strands_the_he_vm() {
        // The state a finished run left: h2 and h3 (HE VM) full; h8's VMs would fill h1,
        // the only place for h2's; h2 must go before h8 and h3 after h2.
        let mut f = vec![
            facts(he_host("h1", 32, true, None), vec![]),
            facts(
                he_host("h2", 4, false, Some((true, 3400))),
                vec![vm("a1", "h2", 16, false), vm("a2", "h2", 12, false)],
            ),
            facts(
                he_host("h3", 4, false, Some((true, 3400))),
                vec![he_vm("h3", 16), vm("b1", "h3", 12, false)],
            ),
        ];
        for i in 4..8 {
            f.push(facts(he_host(&format!("h{i}"), 8, false, None), vec![]));
        }
        f.push(facts(
            he_host("h8", 4, false, None),
            vec![
                vm("c1", "h8", 8, false),
                vm("k1", "h8", 12, false),
                vm("k2", "h8", 8, false),
            ],
        ));
        let p = plan(&f, &sel(2), &VdsmEndpoints::new(1)).unwrap();
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        assert_eq!(p.hosts.len(), 8, "{p:?}");
        assert!(wave_of(&p, "h2") < wave_of(&p, "h3"), "{:?}", p.waves);
        // The same with the SPM role on h2 (where a finished run left it): h2 cannot wait
        // for the rest of its cluster, since h3 can only go after it.
        f[0].host.spm_status = Some("none".into());
        f[1].host.spm_status = Some("spm".into());
        let p = plan(&f, &sel(2), &VdsmEndpoints::new(1)).unwrap();
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        assert_eq!(p.hosts.len(), 8, "{p:?}");
        assert!(wave_of(&p, "h2") < wave_of(&p, "h3"), "{:?}", p.waves);
    }

    #[test]
    fn an_inactive_agent_cannot_take_the_he_vm_and_the_plan_says_so() {
        let f = vec![
            facts(
                he_host("h1", 24, true, Some((true, 3400))),
                vec![he_vm("h1", 8)],
            ),
            facts(he_host("h2", 32, false, Some((false, 0))), vec![]),
            facts(he_host("h3", 32, false, None), vec![]),
        ];
        let e = plan(&f, &sel(1), &VdsmEndpoints::new(1)).unwrap_err();
        let t = e.to_string();
        assert!(matches!(e, PlanError::HostedEngine(_)), "{t}");
        assert!(
            t.contains("h1:") && t.contains("h2's HA agent is not active"),
            "{t}"
        );
        // Without h1 the others are planned, h2 included (h1 keeps the HE VM meanwhile).
        let p = plan(
            &f,
            &Selection {
                hosts: vec!["h2".into(), "h3".into()],
                ..sel(1)
            },
            &VdsmEndpoints::new(1),
        )
        .unwrap();
        assert_eq!(p.waves.len(), 2, "{p:?}");
        assert_eq!(
            blocker(&f, "h1").map(|b| b.contains("h2's HA agent")),
            Some(true)
        );
        assert_eq!(blocker(&f, "h3"), None);
    }

    #[test]
    fn capacity_reasons_keep_their_english_and_have_japanese() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        // c1: h1's 12 GiB VM does not fit in h2's 4 GiB; c2: h3 is alone.
        let f = vec![
            facts(
                host("h1", "c1", HostStatus::Up, 4, false, false),
                vec![vm("v1", "h1", 12, false)],
            ),
            facts(host("h2", "c1", HostStatus::Up, 4, false, false), vec![]),
            facts(host("h3", "c2", HostStatus::Up, 8, false, false), vec![]),
        ];
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let cap = blocker_text(&f, "h1").unwrap();
        // What the plan and the executor said before, byte for byte.
        assert_eq!(
            cap.english(),
            "its VMs (12288 MiB) do not fit in the other Up hosts of cluster c1 (4096 MiB \
             schedulable)"
        );
        let last = blocker_text(&f, "h3").unwrap();
        assert_eq!(
            last.english(),
            "the only Up host of cluster c2: taking it out would leave none"
        );
        for (t, evidence) in [(&cap, &["c1", "12288", "4096"][..]), (&last, &["c2"][..])] {
            assert_eq!(strict(&en, t), t.english());
            let j = strict(&ja, t);
            assert!(japanese(&j), "{j}");
            for e in evidence {
                assert!(j.contains(e), "{e} not in {j}");
            }
        }
        assert_eq!(blocker(&f, "h1"), Some(cap.english()));
        // h2 holds no VM: it may go.
        assert_eq!(blocker(&f, "h2"), None);
    }

    #[test]
    fn a_big_cluster_is_planned() {
        // 60 hosts, four VMs each, waves of 10: bounded work (orders × states per check).
        let f: Vec<HostFacts> = (0..60)
            .map(|i| {
                let id = format!("h{i:02}");
                let vms = (0..4)
                    .map(|j| vm(&format!("v{i}-{j}"), &id, 2 + (i + j) as u64 % 5, false))
                    .collect();
                facts(he_host(&id, 24, i == 0, None), vms)
            })
            .collect();
        let p = plan(&f, &sel(10), &VdsmEndpoints::new(1)).unwrap();
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        assert_eq!(p.waves.iter().map(Vec::len).sum::<usize>(), 60);
        assert!(p.waves.iter().all(|w| w.len() <= 10));
    }

    #[test]
    fn every_start_order_of_a_wave_is_checked() {
        assert_eq!(orders(&[1, 2, 3]).len(), 6);
        assert_eq!(orders(&[0, 1, 2, 3, 4, 5, 6]).len(), 14);
        for n in 0..9 {
            let v: Vec<usize> = (0..n).collect();
            assert_eq!(orders(&v).len(), orders_count(n).max(1), "{n}");
        }
    }

    #[test]
    fn only_needed_reasons() {
        let mut s = sel(1);
        s.only_needed = true;
        s.ca_not_before = Some(s.now - 10);
        let good = ServedCert {
            endpoint: "x:1".into(),
            serial: Some("10".into()),
            signature: Some("sha256WithRSAEncryption".into()),
            weak_signature: false,
            not_before: Some(s.now - 5),
            not_after: Some(s.now + 400 * DAY),
            chain_ok: true,
            san_ok: true,
            has_san: true,
            error: None,
            error_text: None,
        };
        assert!(needs(&good, &s).is_empty());
        let no_san = ServedCert {
            san_ok: false,
            has_san: false,
            ..good.clone()
        };
        assert_eq!(
            needs(&no_san, &s),
            vec!["missing-san: no subjectAltName extension".to_string()]
        );
        let other_san = ServedCert {
            san_ok: false,
            ..good.clone()
        };
        assert_eq!(
            needs(&other_san, &s),
            vec!["san-mismatch: SAN lacks the host address".to_string()]
        );
        let old = ServedCert {
            not_before: Some(s.now - 100),
            ..good.clone()
        };
        assert!(needs(&old, &s)[0].starts_with("issued-before-ca-renewal"));
        let weak = ServedCert {
            weak_signature: true,
            not_after: Some(s.now + 3 * DAY),
            ..good
        };
        let r = needs(&weak, &s);
        assert!(
            r.iter().any(|x| x.starts_with("sha1")) && r.iter().any(|x| x.starts_with("expiring"))
        );
    }

    #[test]
    fn a_served_certificate_that_is_not_the_new_one_says_why_with_its_evidence() {
        let served = ServedCert {
            endpoint: "h1.example:54321".into(),
            serial: Some("1A".into()),
            signature: Some("sha256WithRSAEncryption".into()),
            weak_signature: false,
            not_before: None,
            not_after: None,
            chain_ok: true,
            san_ok: true,
            has_san: true,
            error: None,
            error_text: None,
        };
        assert_eq!(new_certificate(Some("19"), &served).unwrap(), "1A");
        let old = new_certificate(Some("1A"), &served).unwrap_err();
        assert_eq!(
            old,
            NotNewCertificate::Old {
                endpoint: "h1.example:54321".into(),
                serial: "1A".into()
            }
        );
        // The texts the report and the state file have always shown.
        assert_eq!(
            old.to_string(),
            "vdsm at h1.example:54321 still serves the old certificate (serial 1A)"
        );
        let unknown = new_certificate(None, &served).unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "vdsm at h1.example:54321 serves serial 1A, and what it served before is unknown"
        );
        let foreign = ServedCert {
            chain_ok: false,
            ..served.clone()
        };
        let e = new_certificate(Some("19"), &foreign).unwrap_err();
        assert!(matches!(&e, NotNewCertificate::ForeignChain { serial, .. } if serial == "1A"));
        assert_eq!(
            e.to_string(),
            "vdsm at h1.example:54321 serves a certificate not signed by the current CA (serial 1A)"
        );
        let unread = ServedCert::unreadable("h1.example:54321", "connection refused".into());
        let e = new_certificate(Some("19"), &unread).unwrap_err();
        assert!(
            matches!(&e, NotNewCertificate::Unread { reason, .. } if reason == "connection refused")
        );
        assert_eq!(
            e.to_string(),
            "vdsm probe h1.example:54321: connection refused"
        );
    }

    #[test]
    fn state_error_texts_are_the_display_in_english_and_have_japanese() {
        use crate::change::text_tests::strict;
        use crate::i18n::{Lang, Messages};
        let en = Messages::new(Lang::En);
        let ja = Messages::new(Lang::Ja);
        use crate::i18n::testing::japanese;
        let io = || std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let all = [
            StateError::NotAStateFile {
                path: "/b/enroll-state.json".into(),
                source: serde_json::from_slice::<serde_json::Value>(b"{").unwrap_err(),
            },
            StateError::Read {
                path: "/b/enroll-state.json".into(),
                source: io(),
            },
            StateError::Write {
                path: "/b/enroll-state.json".into(),
                source: io(),
            },
        ];
        for e in &all {
            assert_eq!(strict(&en, &e.text()), e.to_string());
            assert!(japanese(&strict(&ja, &e.text())), "{e:?}");
        }
        assert!(all[0]
            .to_string()
            .starts_with("/b/enroll-state.json: not a rhv-pki enroll state file: EOF"));
        let g = GatherError::Engine(EngineError::Timeout {
            method: "GET".into(),
            path: "hosts".into(),
            secs: 30,
        });
        assert_eq!(strict(&en, &g.text()), g.to_string());
        assert!(japanese(&strict(&ja, &g.text())));
    }

    #[test]
    fn plan_and_ca_errors_are_the_display_in_english_and_have_japanese() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        // A real one: a CA that does not parse.
        let ca = Issuer::new("ca", b"not DER").map_err(|reason| CaError {
            reason: reason.to_string(),
        });
        let ca = ca.err().unwrap();
        let parser = ca.reason.clone();
        let all: Vec<(Text, String, Vec<&str>, &str)> = vec![
            (
                PlanError::UnknownCluster("nosuch, other".into()).text(),
                PlanError::UnknownCluster("nosuch, other".into()).to_string(),
                vec!["nosuch, other"],
                "unknown cluster",
            ),
            (
                PlanError::UnknownHost("h9".into()).text(),
                PlanError::UnknownHost("h9".into()).to_string(),
                vec!["h9"],
                "unknown host",
            ),
            (
                PlanError::ZeroParallel.text(),
                PlanError::ZeroParallel.to_string(),
                vec!["--max-parallel"],
                "must be at least",
            ),
            (
                PlanError::HostedEngine(Text::verbatim("h1")).text(),
                PlanError::HostedEngine(Text::verbatim("h1")).to_string(),
                vec!["h1", "HostedEngine"],
                "cannot keep",
            ),
            (
                ca.text(),
                ca.to_string(),
                vec!["ca.pem", &parser],
                "ca.pem: ",
            ),
            (
                GatherError::Ca(CaError {
                    reason: parser.clone(),
                })
                .text(),
                format!("ca.pem: {parser}"),
                vec!["ca.pem", &parser],
                "ca.pem: ",
            ),
        ];
        for (t, display, evidence, ours) in all {
            assert_eq!(strict(&en, &t), display);
            let j = strict(&ja, &t);
            assert!(japanese(&j), "{j}");
            for kept in evidence {
                assert!(j.contains(kept), "{kept} lost: {j}");
            }
            assert!(!j.contains(ours), "{ours:?} left in {j}");
        }
        assert_eq!(
            PlanError::UnknownCluster("nosuch".into()).to_string(),
            "unknown cluster(s): nosuch"
        );
    }

    /// English words (lowercase ASCII runs of 3 or more, not part of a technical token) of
    /// `s` that are not among those of `evidence` nor the product name vdsm.
    fn english_words_left(s: &str, evidence: &[&str]) -> Vec<String> {
        fn words(s: &str) -> Vec<String> {
            s.split(|c: char| {
                c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '[' | ']' | '\'' | '"')
            })
            .map(|t| t.trim_end_matches([':', '.', '!', '?']))
            .filter(|t| t.len() >= 3 && t.chars().all(|c| c.is_ascii_lowercase()))
            .map(str::to_string)
            .collect()
        }
        let allowed: Vec<String> = evidence.iter().flat_map(|e| words(e)).collect();
        words(s)
            .into_iter()
            .filter(|w| w != "vdsm" && !allowed.contains(w))
            .collect()
    }

    /// `t` in English is `english`, byte for byte; in Japanese it is Japanese, keeps every
    /// piece of `evidence` and has no other English word.
    fn check_text(t: &Text, english: &str, evidence: &[&str]) {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        assert_eq!(strict(&en, t), english);
        let j = strict(&ja, t);
        assert!(japanese(&j), "{j}");
        for e in evidence {
            assert!(j.contains(e), "{e:?} not in {j}");
        }
        let left = english_words_left(&j, evidence);
        assert!(left.is_empty(), "English {left:?} in {j}");
    }

    #[test]
    fn every_cycle_error_is_its_display_in_english_and_japanese_with_its_evidence() {
        let fault = || EngineError::Fault {
            method: "POST".into(),
            path: "/ovirt-engine/api/hosts/1/deactivate".into(),
            status: 409,
            reason: "Operation Failed".into(),
            detail: Some("[Cannot switch Host to Maintenance mode.]".into()),
        };
        let timeout = || EngineError::Timeout {
            method: "GET".into(),
            path: "/ovirt-engine/api/hosts/1".into(),
            secs: 30,
        };
        let f = fault().to_string();
        // The Manager's fault, in its parts: its own words and the request stay as they came
        // (the frame around them is rhv-pki's, in the reader's language).
        let ep = "h1.example:54321";
        let probe = crate::net::tls::ProbeError::Connect {
            endpoint: "127.0.0.1:1".into(),
            source: std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        };
        let probe_en = probe.to_string();
        let cases: Vec<(CycleError, Vec<&str>)> = vec![
            (
                CycleError::AnswerLost {
                    what: Action::Maintenance,
                    lost: timeout(),
                    reread: fault(),
                },
                vec![
                    "/ovirt-engine/api/hosts/1",
                    "POST /ovirt-engine/api/hosts/1/deactivate",
                    "409",
                    "Operation Failed",
                    "[Cannot switch Host to Maintenance mode.]",
                ],
            ),
            (
                CycleError::AnswerLost {
                    what: Action::SpmTo("host2".into()),
                    lost: fault(),
                    reread: timeout(),
                },
                vec![
                    "host2",
                    "POST /ovirt-engine/api/hosts/1/deactivate",
                    "409",
                    "Operation Failed",
                    "[Cannot switch Host to Maintenance mode.]",
                    "/ovirt-engine/api/hosts/1",
                ],
            ),
            (
                CycleError::Refused {
                    what: Action::Activation,
                    error: fault(),
                },
                vec![
                    "POST /ovirt-engine/api/hosts/1/deactivate",
                    "409",
                    "Operation Failed",
                    "[Cannot switch Host to Maintenance mode.]",
                ],
            ),
            (
                CycleError::Refused {
                    what: Action::Enroll,
                    error: fault(),
                },
                vec![
                    "POST /ovirt-engine/api/hosts/1/deactivate",
                    "409",
                    "Operation Failed",
                    "[Cannot switch Host to Maintenance mode.]",
                ],
            ),
            (
                CycleError::NotUp {
                    host: "host1".into(),
                    status: HostStatus::NonOperational,
                },
                vec!["non_operational"],
            ),
            (
                CycleError::SpmBlocked {
                    host: "host1".into(),
                    why: Text::new("phrase-wave-last-up").arg("cluster", "Default"),
                },
                vec!["Default"],
            ),
            (
                CycleError::NoSpmCandidate {
                    host: "host1".into(),
                },
                vec![],
            ),
            (
                CycleError::SpmDidNotMove {
                    to: "host2".into(),
                    secs: 300,
                },
                vec!["host2", "300"],
            ),
            (
                CycleError::StuckBeforeMaintenance {
                    host: "host2".into(),
                    secs: 1800,
                    status: HostStatus::PreparingForMaintenance,
                    detail: None,
                    gave_back: None,
                },
                vec!["1800", "preparing_for_maintenance"],
            ),
            (
                CycleError::StuckBeforeMaintenance {
                    host: "host2".into(),
                    secs: 1800,
                    status: HostStatus::PreparingForMaintenance,
                    detail: Some("migrating vm1".into()),
                    gave_back: Some(Box::new(CycleError::Refused {
                        what: Action::Activation,
                        error: fault(),
                    })),
                },
                vec![
                    "1800",
                    "preparing_for_maintenance",
                    "migrating vm1",
                    "POST /ovirt-engine/api/hosts/1/deactivate",
                    "409",
                    "Operation Failed",
                    "[Cannot switch Host to Maintenance mode.]",
                ],
            ),
            (
                CycleError::StuckBeforeMaintenance {
                    host: "host2".into(),
                    secs: 5,
                    status: HostStatus::PreparingForMaintenance,
                    detail: Some(String::new()),
                    gave_back: None,
                },
                vec!["preparing_for_maintenance"],
            ),
            (
                CycleError::EnrollTimedOut {
                    host: "host3".into(),
                    secs: 1200,
                },
                vec!["1200"],
            ),
            (
                CycleError::EnrollFailed {
                    host: "host3".into(),
                    reason: EnrollFailure::Event(
                        "Failed to enroll certificate for host host3 (User: admin@internal-authz)."
                            .into(),
                    ),
                    serves: NotNewCertificate::Old {
                        endpoint: ep.into(),
                        serial: "5002".into(),
                    },
                },
                vec![
                    "882",
                    "Failed to enroll certificate for host host3 (User: admin@internal-authz).",
                    ep,
                    "5002",
                ],
            ),
            (
                CycleError::EnrollFailed {
                    host: "host3".into(),
                    reason: EnrollFailure::InstallFailed,
                    serves: NotNewCertificate::ForeignChain {
                        endpoint: ep.into(),
                        serial: "1A".into(),
                    },
                },
                vec!["882", "installing", "install_failed", ep, "1A"],
            ),
            (
                CycleError::EnrollFailed {
                    host: "host3".into(),
                    reason: EnrollFailure::InstallFailed,
                    serves: NotNewCertificate::BeforeUnknown {
                        endpoint: ep.into(),
                        serial: "1A".into(),
                    },
                },
                vec!["installing", ep, "1A"],
            ),
            (
                CycleError::EnrollFailed {
                    host: "host3".into(),
                    reason: EnrollFailure::InstallFailed,
                    serves: NotNewCertificate::Unread {
                        endpoint: ep.into(),
                        reason: probe_en.clone(),
                        text: Some(probe.text()),
                    },
                },
                vec!["installing", ep, "127.0.0.1:1", "connection refused"],
            ),
            (
                CycleError::NotActivatable {
                    host: "host3".into(),
                    status: HostStatus::InstallFailed,
                    detail: Some("ssh failed".into()),
                },
                vec!["install_failed", "ssh failed"],
            ),
            (
                CycleError::NotActivatable {
                    host: "host3".into(),
                    status: HostStatus::NonResponsive,
                    detail: None,
                },
                vec!["non_responsive"],
            ),
            (
                CycleError::NotBackUp {
                    host: "host3".into(),
                    status: HostStatus::NonResponsive,
                    detail: Some(String::new()),
                },
                vec!["non_responsive"],
            ),
            (
                CycleError::NotBackUp {
                    host: "host3".into(),
                    status: HostStatus::NonOperational,
                    detail: Some("network ovirtmgmt missing".into()),
                },
                vec!["non_operational", "network ovirtmgmt missing"],
            ),
            (
                CycleError::Probe {
                    endpoint: ep.into(),
                    reason: probe_en.clone(),
                    text: Some(probe.text()),
                },
                vec![ep, "127.0.0.1:1", "connection refused"],
            ),
            (
                CycleError::ForeignChain {
                    endpoint: ep.into(),
                },
                vec![ep],
            ),
            (
                CycleError::WeakSignature {
                    endpoint: ep.into(),
                    signature: "sha1WithRSAEncryption".into(),
                },
                vec![ep, "sha1WithRSAEncryption"],
            ),
            (
                CycleError::OldCertificate {
                    endpoint: ep.into(),
                    serial: "5002".into(),
                },
                vec![ep, "5002"],
            ),
        ];
        for (e, evidence) in &cases {
            check_text(&e.text(), &e.to_string(), evidence);
        }
        // The English the state file and JSON have always had.
        assert_eq!(
            cases[8].0.to_string(),
            "did not reach maintenance within 1800 s (status preparing_for_maintenance); activated it again so it returns to up"
        );
        assert_eq!(
            cases[12].0.to_string(),
            "Enroll Certificate failed (event 882): Failed to enroll certificate for host host3 (User: admin@internal-authz).; vdsm at h1.example:54321 still serves the old certificate (serial 5002)"
        );
        assert_eq!(
            cases[1].0.to_string(),
            format!("moving the SPM role to host2: the answer was lost ({f}) and the host could not be read again to see whether it took: GET /ovirt-engine/api/hosts/1: no answer within 30 s")
        );
        assert_eq!(
            CycleError::Refused {
                what: Action::Enroll,
                error: fault()
            }
            .to_string(),
            format!("the Manager refused Enroll Certificate: {f}")
        );
        assert_eq!(
            EnrollFailure::InstallFailed.to_string(),
            "host went from installing to install_failed"
        );
        // A probe thread's death is only quoted words: the same in every language.
        let (en, ja) = (
            crate::i18n::Messages::new(crate::i18n::Lang::En),
            crate::i18n::Messages::new(crate::i18n::Lang::Ja),
        );
        let quoted = CycleError::ProbeDied("task 7 panicked".into());
        assert_eq!(quoted.text().render(&en), quoted.to_string());
        assert_eq!(quoted.text().render(&ja), quoted.to_string());
        // The Manager's fault is the client's own text (its frame in the reader's language).
        let e = CycleError::Engine(fault());
        assert_eq!(e.text().render(&en), e.to_string());
        assert_eq!(e.text().render(&ja), fault().text().render(&ja));
    }

    fn test_issuer() -> Issuer {
        let pem = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/pki/4.5-modern/etc/pki/ovirt-engine/ca.pem"
        ))
        .unwrap();
        let (_, p) = x509_parser::pem::parse_x509_pem(&pem).unwrap();
        Issuer::new("ca", &p.contents).unwrap()
    }

    #[test]
    fn exec_errors_are_their_display_in_english_and_the_state_errors_japanese() {
        let e = ExecError::State(StateError::Write {
            path: "/b/enroll-state.json".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        });
        check_text(
            &e.text(),
            &e.to_string(),
            &["/b/enroll-state.json", "permission denied"],
        );
        let ca = ExecError::Ca(CaError {
            reason: "no certificate".into(),
        });
        // The CA's error in the reader's language too; the parser's words kept.
        check_text(&ca.text(), &ca.to_string(), &["ca.pem", "no certificate"]);
    }

    #[test]
    fn progress_details_are_catalogue_messages_keeping_serials_and_endpoints() {
        check_text(
            &Text::new("roll-serving-serial").arg("serial", "1012"),
            "serving serial 1012",
            &["1012"],
        );
        check_text(
            &Text::new("roll-moving-spm-first"),
            "moving the SPM role first",
            &["SPM"],
        );
        let desc = "Failed to enroll certificate for host host3 (User: admin@internal-authz).";
        check_text(
            &install_failed_served(&EnrollFailure::Event(desc.into()), "1013"),
            &format!("the Manager says install_failed ({desc}), but vdsm serves the new certificate (serial 1013): activating it"),
            &[desc, "install_failed", "1013"],
        );
        check_text(
            &install_failed_served(&EnrollFailure::InstallFailed, "1013"),
            "the Manager says install_failed (host went from installing to install_failed), but vdsm serves the new certificate (serial 1013): activating it",
            &["installing", "install_failed", "1013"],
        );
        // An unparsable served certificate: the parser's words as they came.
        let served = judge_served("h1.example:54321", "h1.example", b"not DER", &test_issuer());
        let t = served.error_text.clone().unwrap();
        let why = served.error.clone().unwrap();
        let parser = why.trim_start_matches("served certificate does not parse: ");
        check_text(&t, &why, &[parser]);
    }
}
