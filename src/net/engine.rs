//! The Manager's REST API client: SSO login, hosts / VMs / clusters / events, and the host
//! actions a rolling re-enrollment needs — over TLS pinned to the engine CA, because that CA is
//! the only thing an oVirt admin's machine can be sure of (and the Manager's apache certificate
//! may itself still be the SHA-1 one we are about to replace).
//!
//! Wire format: JSON (`Accept: application/json`, `Version: 4`), read leniently — the engine
//! renders numbers and booleans as strings in some versions, as numbers in others.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{header, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::net::tls::{self, Observed, PinnedVerifier};

/// How to reach and authenticate to a Manager.
#[derive(Clone)]
pub struct EngineConfig {
    /// `https://<ENGINE_FQDN>[:port]` (a trailing `/ovirt-engine[/api]` is accepted).
    pub url: String,
    /// Connect here instead of resolving the URL's host (like curl's `--connect-to`); the URL's
    /// host is still the TLS name that must appear in the certificate.
    pub connect_to: Option<SocketAddr>,
    /// The one CA certificate trusted (DER): `ca.pem`, or `apache-ca.pem` for a third-party
    /// apache certificate.
    pub ca_der: Vec<u8>,
    /// `admin@internal`.
    pub username: String,
    /// Never logged, never in argv.
    pub password: String,
    /// Per request.
    pub timeout: Duration,
    /// How long safe requests (GETs, the SSO login) keep being retried through a Manager
    /// outage (connection errors, timeouts, HTTP 500/502/503/504), with back-off. Actions
    /// (POSTs) are never re-sent here once they may have reached the Manager: the caller
    /// re-reads the state first (see `rolling`).
    pub outage: Duration,
    /// First back-off between attempts (doubles, capped at `retry_max_delay`).
    pub retry_delay: Duration,
    /// Upper bound of the growing delay between retries while the Manager is out.
    pub retry_max_delay: Duration,
    /// The caller's clock (Unix seconds): token expiry and certificate validity.
    pub now: Arc<dyn Fn() -> i64 + Send + Sync>,
    /// Told when a request fails a second time in a row and starts riding out an outage (a
    /// single blip stays quiet), and again every [`RETRY_NOTICE_EVERY`] while it lasts, so
    /// that a person is not left waiting in silence for minutes (the binary prints it; `None`:
    /// quiet).
    pub on_retry: Option<OnRetry>,
}

/// What is told of a request riding out an outage (see [`EngineConfig::on_retry`]).
pub type OnRetry = Arc<dyn Fn(&Retrying<'_>) + Send + Sync>;

/// How often a request still riding out an outage is told again.
pub const RETRY_NOTICE_EVERY: Duration = Duration::from_secs(30);

/// A request riding out a Manager outage: what failed and how long it is tried again.
#[derive(Debug)]
pub struct Retrying<'a> {
    /// `GET /ovirt-engine/api/hosts`.
    pub request: String,
    /// The last failure (a connection error, a timeout, HTTP 500/502/503/504).
    pub error: &'a EngineError,
    /// Time since the first failure of this request.
    pub waited: Duration,
    /// How long it is tried in all (`outage`).
    pub limit: Duration,
}

impl Retrying<'_> {
    /// The notice in the reader's language: the request, how long it has failed, the last
    /// error (its own text), and for how long it is tried in all.
    pub fn text(&self) -> crate::i18n::Text {
        crate::i18n::Text::new("engine-retrying")
            .arg("request", &self.request)
            .arg("waited", seconds(self.waited))
            .arg_text("error", self.error.text())
            .arg("limit", self.limit.as_secs())
    }
}

/// `0.5`, `9.9`, `35`: tenths while under ten seconds, whole seconds after.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{s:.1}")
    } else {
        format!("{s:.0}")
    }
}

#[cfg(test)]
mod retry_notice_tests {
    use super::*;
    use crate::i18n::testing::{japanese, strict};
    use crate::i18n::{Lang, Messages};

    #[test]
    fn the_outage_notice_names_the_request_the_wait_the_error_and_the_window() {
        assert_eq!(seconds(Duration::from_millis(500)), "0.5");
        assert_eq!(seconds(Duration::from_millis(9_940)), "9.9");
        assert_eq!(seconds(Duration::from_millis(35_400)), "35");
        let e = EngineError::Connect {
            endpoint: "engine.example.test:443 (via 127.0.0.1:1)".into(),
            reason: ConnectProblem::Said("Connection refused (os error 111)".into()),
        };
        let r = Retrying {
            request: "GET /ovirt-engine/api/hosts".into(),
            error: &e,
            waited: Duration::from_millis(1_500),
            limit: Duration::from_secs(300),
        };
        let en = strict(&Messages::new(Lang::En), &r.text());
        assert_eq!(
            en,
            format!(
                "the Manager has not answered GET /ovirt-engine/api/hosts for 1.5 s ({e}); \
                 trying again for up to 300 s in all"
            )
        );
        let ja = strict(&Messages::new(Lang::Ja), &r.text());
        assert!(japanese(&ja), "{ja}");
        for kept in [
            "GET /ovirt-engine/api/hosts",
            "1.5",
            "300",
            "engine.example.test:443",
            "Connection refused (os error 111)",
        ] {
            assert!(ja.contains(kept), "{kept}: {ja}");
        }
    }
}

/// Everything that can go wrong talking to the Manager; each variant quotes the evidence.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{url}: bad Manager URL: {reason}")]
    /// The Manager URL cannot be used.
    Url {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: UrlProblem,
    },
    #[error("{endpoint}: cannot connect: {reason}")]
    /// No TCP connection (or it dropped during the handshake); retried while within the outage allowance.
    Connect {
        /// `host:port` (and the address connected to, when overridden).
        endpoint: String,
        /// The error.
        reason: ConnectProblem,
    },
    #[error("{endpoint}: TLS: {reason}")]
    /// The TLS handshake was refused (certificate, protocol).
    Tls {
        /// `host:port`.
        endpoint: String,
        /// The TLS error.
        reason: TlsProblem,
    },
    #[error("login as {user} refused by the Manager's SSO: {code}: {message}")]
    /// The Manager's SSO refused the login.
    Sso {
        /// The user name sent (never the password).
        user: String,
        /// The SSO error code (`access_denied`…).
        code: String,
        /// The SSO error description.
        message: String,
    },
    #[error("{method} {path}: HTTP {status}: {reason}{}", detail.as_deref().map(|d| format!(" — {d}")).unwrap_or_default())]
    /// The Manager answered with an HTTP error.
    Fault {
        /// The HTTP method.
        method: String,
        /// The request path.
        path: String,
        /// The HTTP status code.
        status: u16,
        /// The fault's reason from the body, or the status text.
        reason: String,
        /// The fault's detail, when the body had one.
        detail: Option<String>,
    },
    #[error("{method} {path}: {reason}")]
    /// The answer could not be understood (not the JSON expected).
    Decode {
        /// The HTTP method.
        method: String,
        /// The request path.
        path: String,
        /// What was wrong with it.
        reason: DecodeProblem,
    },
    #[error("{method} {path}: no answer within {secs} s")]
    /// No answer within the configured timeout.
    Timeout {
        /// The HTTP method.
        method: String,
        /// The request path.
        path: String,
        /// The timeout, seconds.
        secs: u64,
    },
    /// An answer that decoded, with a record the client cannot use.
    #[error("{method} {path}: {source}")]
    Record {
        /// The HTTP method.
        method: String,
        /// The request path.
        path: String,
        /// What the record lacks.
        source: RecordError,
    },
}

impl EngineError {
    /// The error as a catalogue message: rhv-pki's words in the reader's language, the
    /// Manager's, the TLS library's and the system's as they came. English: the `Display`.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            EngineError::Url { url, reason } => Text::new("engine-bad-url")
                .arg("url", url)
                .arg_text("reason", reason.text()),
            EngineError::Connect { endpoint, reason } => {
                Text::new("probe-at").arg("endpoint", endpoint).arg_text(
                    "detail",
                    Text::new("engine-connect").arg_text("reason", reason.text()),
                )
            }
            EngineError::Tls { endpoint, reason } => Text::new("engine-tls")
                .arg("endpoint", endpoint)
                .arg_text("reason", reason.text()),
            EngineError::Fault {
                method,
                path,
                status,
                reason,
                detail,
            } => match detail {
                Some(d) => Text::new("engine-fault-detail").arg("detail", d),
                None => Text::new("engine-fault"),
            }
            .arg("method", method)
            .arg("path", path)
            .arg("status", status)
            .arg("reason", reason),
            EngineError::Decode {
                method,
                path,
                reason,
            } => Text::new("engine-decode")
                .arg("method", method)
                .arg("path", path)
                .arg_text("reason", reason.text()),
            EngineError::Record {
                method,
                path,
                source,
            } => Text::new("engine-record")
                .arg("method", method)
                .arg("path", path)
                .arg_text("reason", source.text()),
            EngineError::Sso {
                user,
                code,
                message,
            } => Text::new("engine-sso-refused")
                .arg("user", user)
                .arg("code", code)
                .arg("message", message),
            EngineError::Timeout { method, path, secs } => Text::new("engine-timeout")
                .arg("method", method)
                .arg("path", path)
                .arg("secs", secs),
        }
    }
}

/// Why a Manager URL cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    /// Not `https://`.
    #[error("must start with https:// (plain HTTP would send the password in clear)")]
    NotHttps,
    /// No host, or `user@host`.
    #[error("no host (or user info, which is not accepted)")]
    NoHost,
    /// `[` without `]`.
    #[error("unclosed [IPv6]")]
    UnclosedIpv6,
    /// The port is not a number from 0 to 65535.
    #[error("bad port")]
    BadPort,
    /// The host cannot be a TLS server name.
    #[error("host is not a valid TLS name")]
    NotTlsName,
}

impl UrlProblem {
    /// The problem as a catalogue message (English: the `Display`).
    pub fn text(&self) -> crate::i18n::Text {
        crate::i18n::Text::new(match self {
            UrlProblem::NotHttps => "engine-url-not-https",
            UrlProblem::NoHost => "engine-url-no-host",
            UrlProblem::UnclosedIpv6 => "engine-url-unclosed-ipv6",
            UrlProblem::BadPort => "engine-url-bad-port",
            UrlProblem::NotTlsName => "engine-url-not-tls-name",
        })
    }
}

/// Why no connection to the Manager was made (or it dropped before an answer).
#[derive(Debug, thiserror::Error)]
pub enum ConnectProblem {
    /// The system's (or the HTTP library's) words.
    #[error("{0}")]
    Said(String),
    /// The TCP connection was not made in time.
    #[error("timed out after {0} s")]
    TimedOut(u64),
    /// The TLS handshake did not end in time.
    #[error("TLS handshake timed out")]
    HandshakeTimedOut,
    /// The connection dropped during the TLS handshake (the system's words).
    #[error("TLS handshake: {0}")]
    Handshake(String),
    /// The connection dropped while the answer was read (the library's words).
    #[error("reading the answer: {0}")]
    Reading(String),
}

impl ConnectProblem {
    /// The problem as a catalogue message (English: the `Display`).
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            ConnectProblem::Said(r) => Text::verbatim(r),
            ConnectProblem::TimedOut(secs) => {
                Text::new("engine-connect-timed-out").arg("secs", secs)
            }
            ConnectProblem::HandshakeTimedOut => Text::new("engine-handshake-timed-out"),
            ConnectProblem::Handshake(r) => Text::new("engine-handshake-dropped").arg("error", r),
            ConnectProblem::Reading(r) => Text::new("engine-reading-dropped").arg("error", r),
        }
    }
}

/// Why the TLS handshake with the Manager was refused.
#[derive(Debug, thiserror::Error)]
pub enum TlsProblem {
    /// The CA certificate to pin cannot be used (the parser's or OpenSSL's words).
    #[error("pinned CA certificate: {0}")]
    PinnedCa(String),
    /// The pinned verifier refused the Manager's certificate; `said` is how rustls put it
    /// (its own words, then the refusal's English).
    #[error("{said}")]
    Refused {
        /// rustls' text, the refusal's English at its end.
        said: String,
        /// The refusal.
        cert: tls::ServerCertError,
    },
    /// rustls' (or the system's) words.
    #[error("{0}")]
    Said(String),
}

impl TlsProblem {
    /// The problem as a catalogue message (English: the `Display`).
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            TlsProblem::PinnedCa(r) => Text::new("engine-tls-pinned-ca").arg("reason", r),
            TlsProblem::Refused { said, cert } => {
                let english = cert.to_string();
                match said.strip_suffix(english.as_str()) {
                    Some(prefix) => Text::new("engine-tls-refused")
                        .arg("prefix", prefix)
                        .arg_text("cert", cert.text()),
                    None => Text::verbatim(said),
                }
            }
            TlsProblem::Said(r) => Text::verbatim(r),
        }
    }
}

/// Why the Manager's answer (or the request for it) could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DecodeProblem {
    /// The request could not be built (the HTTP library's words).
    #[error("{0}")]
    Request(String),
    /// The SSO's answer is not JSON (the parser's words).
    #[error("SSO answer (HTTP {status}) is not JSON: {error}")]
    SsoNotJson {
        /// The HTTP status.
        status: String,
        /// The parser's words.
        error: String,
    },
    /// The API's answer is not JSON of the expected shape (the parser's words).
    #[error("answer is not JSON: {0}")]
    NotJson(String),
}

impl DecodeProblem {
    /// The problem as a catalogue message (English: the `Display`).
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            DecodeProblem::Request(r) => Text::new("engine-request").arg("error", r),
            DecodeProblem::SsoNotJson { status, error } => Text::new("engine-sso-not-json")
                .arg("status", status)
                .arg("error", error),
            DecodeProblem::NotJson(e) => Text::new("engine-not-json").arg("error", e),
        }
    }
}

/// A record of the Manager's answer that lacks what identifies it (the record is dropped
/// with this error, never guessed at).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// A host or VM without an `id`; `name` is what it calls itself, if anything.
    #[error("{kind} without id")]
    NoId {
        /// `host` or `vm`.
        kind: &'static str,
        /// Its `name`, if it has one.
        name: Option<String>,
    },
    /// A cluster without an `id`.
    #[error("no id")]
    NoClusterId {
        /// Its `name`, if it has one.
        name: Option<String>,
    },
    /// An event whose `id` is missing or not a number.
    #[error("event without numeric id")]
    EventId {
        /// What was there instead, if anything.
        found: Option<String>,
    },
}

impl RecordError {
    /// The problem as a catalogue message (English: the `Display`).
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            RecordError::NoId { kind, .. } => match *kind {
                "host" => Text::new("engine-record-host-no-id"),
                "vm" => Text::new("engine-record-vm-no-id"),
                other => Text::new("engine-record-no-id").arg("kind", other),
            },
            RecordError::NoClusterId { .. } => Text::new("engine-record-cluster-no-id"),
            RecordError::EventId { .. } => Text::new("engine-record-event-id"),
        }
    }
}

impl EngineError {
    /// The HTTP status of a fault the Manager returned, if this is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            EngineError::Fault { status, .. } => Some(*status),
            _ => None,
        }
    }
    /// The Manager refused an external event (`POST /events`) because it holds one with the
    /// same origin and custom ID already: the event was posted before. Its REST fault has no
    /// code for this, only words (400/409 whose reason or detail names the custom ID): they
    /// are read here, in the fault's own fields, so that callers branch on this answer rather
    /// than on an error's text.
    pub fn is_duplicate_event(&self) -> bool {
        match self {
            EngineError::Fault {
                status: 400 | 409,
                reason,
                detail,
                ..
            } => [Some(reason), detail.as_ref()]
                .into_iter()
                .flatten()
                .any(|t| t.to_ascii_lowercase().contains("custom")),
            _ => false,
        }
    }

    /// Worth retrying a safe request: the Manager was unreachable, slow, or answered with a
    /// server error (500 while it starts, 502/503/504 from apache in front of it).
    pub(crate) fn transient(&self) -> bool {
        match self {
            EngineError::Connect { .. } | EngineError::Timeout { .. } => true,
            EngineError::Fault { status, .. } => matches!(status, 500 | 502..=504),
            _ => false,
        }
    }
}

pub(crate) type Result<T, E = EngineError> = std::result::Result<T, E>;

/// Host status as the API names it (`types/HostStatus.java`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HostStatus {
    /// Up and running VMs.
    Up,
    /// Down.
    Down,
    /// In error (failed too many operations in a row).
    Error,
    /// Vdsm is starting.
    Initializing,
    /// Host deploy is running.
    Installing,
    /// Host deploy failed.
    InstallFailed,
    /// In maintenance: no VMs, safe to enroll.
    Maintenance,
    /// Connected but cannot serve (storage or network missing).
    NonOperational,
    /// The Manager cannot reach vdsm.
    NonResponsive,
    /// Waiting for the admin to approve it.
    PendingApproval,
    /// VMs are migrating away on the way to maintenance.
    PreparingForMaintenance,
    /// The Manager is connecting to vdsm.
    Connecting,
    /// Rebooting.
    Reboot,
    /// Not assigned to any state yet.
    Unassigned,
    /// The operating system is being installed.
    InstallingOs,
    /// Writing a kernel crash dump.
    Kdumping,
    #[serde(untagged)]
    /// A status this program does not know (newer Manager), as the API spells it.
    Other(String),
}

impl HostStatus {
    pub(crate) fn parse(s: &str) -> HostStatus {
        serde_json::from_value(Value::String(s.to_string()))
            .unwrap_or_else(|_| HostStatus::Other(s.to_string()))
    }
    pub(crate) fn as_str(&self) -> &str {
        match self {
            HostStatus::Up => "up",
            HostStatus::Down => "down",
            HostStatus::Error => "error",
            HostStatus::Initializing => "initializing",
            HostStatus::Installing => "installing",
            HostStatus::InstallFailed => "install_failed",
            HostStatus::Maintenance => "maintenance",
            HostStatus::NonOperational => "non_operational",
            HostStatus::NonResponsive => "non_responsive",
            HostStatus::PendingApproval => "pending_approval",
            HostStatus::PreparingForMaintenance => "preparing_for_maintenance",
            HostStatus::Connecting => "connecting",
            HostStatus::Reboot => "reboot",
            HostStatus::Unassigned => "unassigned",
            HostStatus::InstallingOs => "installing_os",
            HostStatus::Kdumping => "kdumping",
            HostStatus::Other(s) => s,
        }
    }
}

impl std::fmt::Display for HostStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `hosted_engine` of a host (only with `all_content=true`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HostedEngine {
    pub(crate) configured: bool,
    /// The HostedEngine VM runs on this host.
    pub active: bool,
    /// The hosted-engine HA agent's score (3400 is healthy); `None` when not reported.
    pub score: Option<i64>,
    pub(crate) global_maintenance: bool,
    pub(crate) local_maintenance: bool,
}

/// What rhv-pki needs of a host.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Host {
    /// The Manager's id of the host (a UUID).
    pub id: String,
    /// The host's name in the Manager.
    pub name: String,
    /// The address the Manager reaches vdsm at (name or IP).
    pub address: String,
    /// Its status.
    pub status: HostStatus,
    pub(crate) status_detail: Option<String>,
    /// The Manager's id of its cluster.
    pub cluster_id: Option<String>,
    /// `spm.status`: `none`, `contending` or `spm`.
    pub(crate) spm_status: Option<String>,
    pub(crate) spm_priority: Option<i64>,
    pub(crate) memory: Option<u64>,
    pub(crate) max_scheduling_memory: Option<u64>,
    pub(crate) vms_active: Option<u64>,
    pub(crate) vms_migrating: Option<u64>,
    pub(crate) vms_total: Option<u64>,
    /// Hosted-engine facts, for hosts that can run the HostedEngine VM.
    pub hosted_engine: Option<HostedEngine>,
    /// The synthesized `O=<org>,CN=<address>` (it carries no dates).
    pub(crate) certificate_subject: Option<String>,
}

impl Host {
    pub(crate) fn is_spm(&self) -> bool {
        self.spm_status.as_deref() == Some("spm")
    }
    /// Configured as a hosted-engine host.
    pub fn is_he(&self) -> bool {
        self.hosted_engine.as_ref().is_some_and(|h| h.configured)
    }
}

/// What rhv-pki needs of a VM (to judge whether a host can be emptied).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Vm {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) status: String,
    pub(crate) memory: u64,
    pub(crate) guaranteed_memory: Option<u64>,
    /// `migratable`, `user_migratable` or `pinned`.
    pub(crate) affinity: Option<String>,
    pub(crate) host_id: Option<String>,
    /// The HostedEngine VM (origin `managed_hosted_engine`).
    #[serde(default)]
    pub(crate) hosted_engine: bool,
}

impl Vm {
    pub(crate) fn migratable(&self) -> bool {
        self.affinity.as_deref() != Some("pinned")
    }
}

/// A cluster as the Manager's REST API describes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cluster {
    /// The Manager's id of the cluster (a UUID).
    pub id: String,
    /// The cluster's name.
    pub name: String,
    pub(crate) data_center_id: Option<String>,
}

/// An audit-log event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    /// The Manager's id of the event (events are ordered by it).
    pub id: u64,
    pub(crate) code: i64,
    pub(crate) severity: String,
    pub(crate) description: String,
    /// Epoch milliseconds.
    pub(crate) time: Option<i64>,
    pub(crate) host_id: Option<String>,
    pub(crate) custom_id: Option<i64>,
}

/// The answer to a host action.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct ActionResult {
    pub(crate) status: String,
    pub(crate) job_id: Option<String>,
}

/// Host actions rhv-pki uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum HostAction {
    Deactivate,
    EnrollCertificate,
    Activate,
    ForceSelectSpm,
}

impl HostAction {
    pub(crate) fn verb(self) -> &'static str {
        match self {
            HostAction::Deactivate => "deactivate",
            HostAction::EnrollCertificate => "enrollcertificate",
            HostAction::Activate => "activate",
            HostAction::ForceSelectSpm => "forceselectspm",
        }
    }
}

/// A custom event to post into the Manager's audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewEvent {
    /// The event text the Manager shows.
    pub description: String,
    /// `normal`, `warning`, `error` or `alert`.
    pub severity: String,
    /// Who posted it (`rhv-pki`).
    pub origin: String,
    /// The Manager refuses a second event with the same origin and custom id, so a per-day id
    /// de-duplicates per day.
    pub custom_id: i64,
}

struct Token {
    access: String,
    /// Unix seconds.
    expires: i64,
}

/// A logged-in Manager session.
pub struct Engine {
    cfg: EngineConfig,
    host: String,
    port: u16,
    base: String,
    verifier: Arc<PinnedVerifier>,
    tls: tokio_rustls::TlsConnector,
    token: Mutex<Option<Token>>,
    idle: Mutex<Vec<SendRequest<Full<Bytes>>>>,
}

/// Splits `https://host[:port][/ovirt-engine[/api]]` into host, port and the engine prefix.
fn parse_url(url: &str) -> Result<(String, u16, String)> {
    let bad = |reason: UrlProblem| EngineError::Url {
        url: url.to_string(),
        reason,
    };
    let rest = url
        .strip_prefix("https://")
        .ok_or_else(|| bad(UrlProblem::NotHttps))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains('@') {
        return Err(bad(UrlProblem::NoHost));
    }
    let (host, port) = if let Some(h) = authority.strip_prefix('[') {
        let (h, p) = h
            .split_once(']')
            .ok_or_else(|| bad(UrlProblem::UnclosedIpv6))?;
        (h.to_string(), p.strip_prefix(':').unwrap_or(""))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p),
            None => (authority.to_string(), ""),
        }
    };
    let port = if port.is_empty() {
        443
    } else {
        port.parse().map_err(|_| bad(UrlProblem::BadPort))?
    };
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix("/api").unwrap_or(path);
    let prefix = if path.is_empty() {
        "/ovirt-engine"
    } else {
        path
    };
    Ok((host, port, prefix.to_string()))
}

/// Percent-encodes a query value (the search grammar has spaces, `=` and `&`).
pub(crate) fn query_escape(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

impl Engine {
    /// Connects and logs in (password grant, scope `ovirt-app-api`).
    pub async fn login(cfg: EngineConfig) -> Result<Engine> {
        let (host, port, base) = parse_url(&cfg.url)?;
        let verifier = Arc::new(PinnedVerifier::new(&cfg.ca_der, cfg.now.clone()).map_err(
            |e| EngineError::Tls {
                endpoint: cfg.url.clone(),
                reason: TlsProblem::PinnedCa(e.to_string()),
            },
        )?);
        let mut tls_cfg =
            tls::pinned_client_config(verifier.clone(), None).map_err(|e| EngineError::Tls {
                endpoint: cfg.url.clone(),
                reason: TlsProblem::Said(e.to_string()),
            })?;
        tls_cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        let e = Engine {
            host,
            port,
            base,
            verifier,
            tls: tokio_rustls::TlsConnector::from(Arc::new(tls_cfg)),
            token: Mutex::new(None),
            idle: Mutex::new(Vec::new()),
            cfg,
        };
        e.refresh_token().await?;
        Ok(e)
    }

    /// What the Manager's TLS certificate looked like (serial, signature, weakness).
    pub fn server_certificate(&self) -> Option<Observed> {
        self.verifier.observed()
    }

    fn endpoint(&self) -> String {
        match self.cfg.connect_to {
            Some(a) => format!("{}:{} (via {a})", self.host, self.port),
            None => format!("{}:{}", self.host, self.port),
        }
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>> {
        let endpoint = self.endpoint();
        let tcp = async {
            match self.cfg.connect_to {
                Some(a) => tokio::net::TcpStream::connect(a).await,
                None => tokio::net::TcpStream::connect((self.host.as_str(), self.port)).await,
            }
        };
        let tcp = tokio::time::timeout(self.cfg.timeout, tcp)
            .await
            .map_err(|_| EngineError::Connect {
                endpoint: endpoint.clone(),
                reason: ConnectProblem::TimedOut(self.cfg.timeout.as_secs()),
            })?
            .map_err(|e| EngineError::Connect {
                endpoint: endpoint.clone(),
                reason: ConnectProblem::Said(e.to_string()),
            })?;
        let _ = tcp.set_nodelay(true);
        let name = rustls::pki_types::ServerName::try_from(self.host.clone()).map_err(|_| {
            EngineError::Url {
                url: self.cfg.url.clone(),
                reason: UrlProblem::NotTlsName,
            }
        })?;
        let tls = tokio::time::timeout(self.cfg.timeout, self.tls.connect(name, tcp))
            .await
            .map_err(|_| EngineError::Connect {
                endpoint: endpoint.clone(),
                reason: ConnectProblem::HandshakeTimedOut,
            })?
            .map_err(|e| {
                // The connection dropped mid-handshake (a Manager restarting, a proxy not yet
                // up): a connection failure, worth retrying. Anything else (the certificate,
                // the protocol) is a TLS refusal.
                use std::io::ErrorKind as K;
                if matches!(
                    e.kind(),
                    K::UnexpectedEof
                        | K::ConnectionReset
                        | K::ConnectionAborted
                        | K::BrokenPipe
                        | K::TimedOut
                ) {
                    EngineError::Connect {
                        endpoint: endpoint.clone(),
                        reason: ConnectProblem::Handshake(e.to_string()),
                    }
                } else {
                    let said = e.to_string();
                    let reason = match self.verifier.take_refusal() {
                        Some(cert) if said.ends_with(&cert.to_string()) => {
                            TlsProblem::Refused { said, cert }
                        }
                        _ => TlsProblem::Said(said),
                    };
                    EngineError::Tls {
                        endpoint: endpoint.clone(),
                        reason,
                    }
                }
            })?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|e| EngineError::Connect {
                endpoint: endpoint.clone(),
                reason: ConnectProblem::Said(e.to_string()),
            })?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(sender)
    }

    /// One request on a kept-alive connection (a new one when none is idle).
    /// `Err((e, true))` when the request may have reached the Manager, `Err((e, false))` when
    /// it surely did not (no connection). Unsafe requests never reuse a kept-alive connection,
    /// so a connection the Manager closed while idle cannot make their fate ambiguous.
    async fn send_once(
        &self,
        method: &Method,
        path: &str,
        headers: &[(header::HeaderName, String)],
        body: &Bytes,
        reuse: bool,
    ) -> Result<(StatusCode, Bytes), (EngineError, bool)> {
        let secs = self.cfg.timeout.as_secs();
        let timeout_err = || EngineError::Timeout {
            method: method.to_string(),
            path: path.to_string(),
            secs,
        };
        let mut sender = loop {
            let cached = if reuse {
                self.idle.lock().await.pop()
            } else {
                None
            };
            match cached {
                Some(mut s) => {
                    if s.ready().await.is_ok() {
                        break s;
                    }
                }
                None => break self.connect().await.map_err(|e| (e, false))?,
            }
        };
        let authority = if self.port == 443 {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        };
        let mut req = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::HOST, authority)
            .header("Version", "4");
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let req = req.body(Full::new(body.clone())).map_err(|e| {
            (
                EngineError::Decode {
                    method: method.to_string(),
                    path: path.to_string(),
                    reason: DecodeProblem::Request(e.to_string()),
                },
                false,
            )
        })?;
        let fut = async {
            let resp = sender
                .send_request(req)
                .await
                .map_err(|e| EngineError::Connect {
                    endpoint: self.endpoint(),
                    reason: ConnectProblem::Said(e.to_string()),
                })?;
            let status = resp.status();
            let keep = !resp
                .headers()
                .get(header::CONNECTION)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
            let bytes = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| EngineError::Connect {
                    endpoint: self.endpoint(),
                    reason: ConnectProblem::Reading(e.to_string()),
                })?
                .to_bytes();
            Ok::<_, EngineError>((status, bytes, keep))
        };
        let (status, bytes, keep) = tokio::time::timeout(self.cfg.timeout, fut)
            .await
            .map_err(|_| (timeout_err(), true))?
            .map_err(|e| (e, true))?;
        if keep {
            self.idle.lock().await.push(sender);
        }
        Ok((status, bytes))
    }

    /// A request with retries. A safe one (`safe`: it changes nothing on the Manager) is
    /// retried on every transient failure until `outage` has passed since the first one, with
    /// back-off; an unsafe one only when it surely never left (no connection), also within
    /// `outage`. `retry: false` makes exactly one attempt.
    async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(header::HeaderName, String)],
        body: Bytes,
        safe: bool,
        retry: bool,
    ) -> Result<(StatusCode, Bytes)> {
        let mut delay = self.cfg.retry_delay;
        let mut first_failure: Option<std::time::Instant> = None;
        let mut told: Option<std::time::Instant> = None;
        let mut failures = 0u32;
        loop {
            let r = self.send_once(&method, path, headers, &body, safe).await;
            let r = match r {
                Ok((s, b)) if safe && matches!(s.as_u16(), 500 | 502..=504) => {
                    Err((fault(&method, path, s, &b), true))
                }
                other => other,
            };
            match r {
                Err((e, sent)) if retry && e.transient() && (safe || !sent) => {
                    let t0 = *first_failure.get_or_insert_with(std::time::Instant::now);
                    if t0.elapsed() >= self.cfg.outage {
                        return Err(e);
                    }
                    failures += 1;
                    if let Some(tell) = &self.cfg.on_retry {
                        if failures >= 2 && told.is_none_or(|t| t.elapsed() >= RETRY_NOTICE_EVERY) {
                            told = Some(std::time::Instant::now());
                            tell(&Retrying {
                                request: format!("{method} {path}"),
                                error: &e,
                                waited: t0.elapsed(),
                                limit: self.cfg.outage,
                            });
                        }
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(self.cfg.retry_max_delay.max(self.cfg.retry_delay));
                }
                Err((e, _)) => return Err(e),
                Ok(v) => return Ok(v),
            }
        }
    }

    async fn refresh_token(&self) -> Result<()> {
        let form: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "password")
            .append_pair("scope", "ovirt-app-api")
            .append_pair("username", &self.cfg.username)
            .append_pair("password", &self.cfg.password)
            .finish();
        let path = format!("{}/sso/oauth/token", self.base);
        let (status, body) = self
            .send(
                Method::POST,
                &path,
                &[
                    (header::ACCEPT, "application/json".into()),
                    (
                        header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded".into(),
                    ),
                ],
                Bytes::from(form),
                // Logging in changes nothing: safe to retry through an outage.
                true,
                true,
            )
            .await?;
        let v: Value = serde_json::from_slice(&body).map_err(|e| EngineError::Decode {
            method: "POST".into(),
            path: path.clone(),
            reason: DecodeProblem::SsoNotJson {
                status: status.to_string(),
                error: e.to_string(),
            },
        })?;
        if !status.is_success() || v.get("access_token").is_none() {
            // REST scope: {"error_code", "error"}; others: {"error", "error_description"}.
            let (code, message) = match (v.get("error_code"), v.get("error_description")) {
                (Some(c), _) => (text(c), v.get("error").map(text).unwrap_or_default()),
                (None, Some(d)) => (v.get("error").map(text).unwrap_or_default(), text(d)),
                (None, None) => (
                    status.as_u16().to_string(),
                    v.get("error").map(text).unwrap_or_default(),
                ),
            };
            return Err(EngineError::Sso {
                user: self.cfg.username.clone(),
                code,
                message,
            });
        }
        let access = v.get("access_token").map(text).unwrap_or_default();
        // `exp` is epoch milliseconds as a string; fall back to one hour.
        let now = (self.cfg.now)();
        let expires = v
            .get("exp")
            .and_then(num)
            .map(|ms| ms / 1000)
            .unwrap_or(now + 3600);
        *self.token.lock().await = Some(Token { access, expires });
        Ok(())
    }

    async fn bearer(&self) -> Result<String> {
        let now = (self.cfg.now)();
        let need = match &*self.token.lock().await {
            Some(t) => t.expires - now < 60,
            None => true,
        };
        if need {
            self.refresh_token().await?;
        }
        Ok(self
            .token
            .lock()
            .await
            .as_ref()
            .map(|t| t.access.clone())
            .unwrap_or_default())
    }

    /// An authenticated API call returning JSON; re-logs in once on 401.
    async fn api(&self, method: Method, rel: &str, body: Option<Value>) -> Result<Value> {
        let safe = method == Method::GET;
        self.api_with(method, rel, body, true, safe).await
    }

    /// `safe`: repeating the request cannot do harm (a GET, or a POST that sets a state
    /// rather than starting work), so it rides out an outage like a read.
    async fn api_with<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        rel: &str,
        body: Option<Value>,
        retry: bool,
        safe: bool,
    ) -> Result<T> {
        // The entry point is `/ovirt-engine/api` itself, without a trailing slash.
        let path = match rel.trim_start_matches('/') {
            "" => format!("{}/api", self.base),
            rel => format!("{}/api/{rel}", self.base),
        };
        let mut relogged = false;
        loop {
            let token = self.bearer().await?;
            let mut headers = vec![
                (header::ACCEPT, "application/json".to_string()),
                (header::AUTHORIZATION, format!("Bearer {token}")),
            ];
            let bytes = match &body {
                Some(b) => {
                    headers.push((header::CONTENT_TYPE, "application/json".into()));
                    Bytes::from(b.to_string())
                }
                None => Bytes::new(),
            };
            let (status, resp) = self
                .send(method.clone(), &path, &headers, bytes, safe, retry)
                .await?;
            if status == StatusCode::UNAUTHORIZED && !relogged {
                relogged = true;
                *self.token.lock().await = None;
                continue;
            }
            if !status.is_success() {
                return Err(fault(&method, &path, status, &resp));
            }
            let decoded = if resp.iter().all(|b| b.is_ascii_whitespace()) {
                serde_json::from_value(Value::Null)
            } else {
                serde_json::from_slice(&resp)
            };
            return decoded.map_err(|e| EngineError::Decode {
                method: method.to_string(),
                path,
                reason: DecodeProblem::NotJson(e.to_string()),
            });
        }
    }

    /// The Manager's (major, minor) version from the API's entry point
    /// (`GET /ovirt-engine/api` → `product_info.version.major` / `minor`, numbers or strings
    /// as the engine renders them); `None` when the entry point does not say.
    pub async fn product_version(&self) -> Result<Option<(u32, u32)>> {
        let v = self.api(Method::GET, "", None).await?;
        Ok(product_version(&v))
    }

    /// Hosts matching a search (`cluster=Default`, `name=h1`), with `hosted_engine`.
    pub async fn hosts(&self, search: Option<&str>) -> Result<Vec<Host>> {
        let rel = match search {
            Some(s) => format!("hosts?all_content=true&search={}", query_escape(s)),
            None => "hosts?all_content=true".into(),
        };
        // Decoded host by host: a fleet's listing (~3 KB of JSON per host) never becomes one
        // `Value` tree (5,000 hosts took >100 MB that way).
        let v: HostList = self.api_with(Method::GET, &rel, None, true, true).await?;
        v.0.into_iter()
            .map(|h| h.map_err(|r| record_err("GET", &rel, r)))
            .collect()
    }

    /// The host with Manager id `id` (one request).
    pub async fn host(&self, id: &str) -> Result<Host> {
        let rel = format!("hosts/{}?all_content=true", query_escape(id));
        let v = self.api(Method::GET, &rel, None).await?;
        host_from(&v).map_err(|r| record_err("GET", &rel, r))
    }

    /// One host, one attempt (no riding out an outage): for a prompt answer after a signal.
    pub(crate) async fn host_once(&self, id: &str) -> Result<Host> {
        let rel = format!("hosts/{}?all_content=true", query_escape(id));
        let v = self.api_with(Method::GET, &rel, None, false, true).await?;
        host_from(&v).map_err(|r| record_err("GET", &rel, r))
    }

    /// Every VM, in one request (the planner groups them by the host they run on, instead of
    /// asking once per host).
    pub(crate) async fn vms(&self) -> Result<Vec<Vm>> {
        let rel = "vms";
        let v = self.api(Method::GET, rel, None).await?;
        list(&v, "vm")
            .iter()
            .map(|x| vm_from(x).map_err(|r| record_err("GET", rel, r)))
            .collect()
    }

    /// Every cluster the user can see.
    pub async fn clusters(&self) -> Result<Vec<Cluster>> {
        let v = self.api(Method::GET, "clusters", None).await?;
        list(&v, "cluster")
            .iter()
            .map(|c| {
                Ok(Cluster {
                    id: field(c, "id").ok_or_else(|| {
                        record_err(
                            "GET",
                            "clusters",
                            RecordError::NoClusterId {
                                name: field(c, "name"),
                            },
                        )
                    })?,
                    name: field(c, "name").unwrap_or_default(),
                    data_center_id: c.get("data_center").and_then(|d| field(d, "id")),
                })
            })
            .collect()
    }

    /// Events newer than `after` (an event id), oldest first; optionally a search.
    pub(crate) async fn events_after(
        &self,
        after: Option<u64>,
        search: Option<&str>,
    ) -> Result<Vec<Event>> {
        let mut rel = String::from("events?");
        if let Some(a) = after {
            rel.push_str(&format!("from={a}&"));
        }
        if let Some(s) = search {
            rel.push_str(&format!("search={}&", query_escape(s)));
        }
        let rel = rel.trim_end_matches(['&', '?']).to_string();
        let v = self.api(Method::GET, &rel, None).await?;
        let mut evs: Vec<Event> = list(&v, "event")
            .iter()
            .filter_map(|e| event_from(e).ok())
            .filter(|e| after.is_none_or(|a| e.id > a))
            .collect();
        evs.sort_by_key(|e| e.id);
        Ok(evs)
    }

    /// The newest event id (where to start watching from).
    pub(crate) async fn last_event_id(&self) -> Result<u64> {
        let v = self.api(Method::GET, "events?max=1", None).await?;
        Ok(list(&v, "event")
            .iter()
            .filter_map(|e| event_from(e).ok())
            .map(|e| e.id)
            .max()
            .unwrap_or(0))
    }

    /// `POST /hosts/{id}/<verb>`; a refusal comes back as [`EngineError::Fault`] quoting the
    /// Manager's reason.
    pub(crate) async fn host_action(&self, id: &str, action: HostAction) -> Result<ActionResult> {
        let rel = format!("hosts/{}/{}", query_escape(id), action.verb());
        let v = self
            .api(Method::POST, &rel, Some(serde_json::json!({})))
            .await?;
        let status = v.get("status").map(text).unwrap_or_default();
        if status == "failed" {
            let f = v.get("fault").cloned().unwrap_or(Value::Null);
            return Err(EngineError::Fault {
                method: "POST".into(),
                path: rel,
                status: 200,
                reason: f.get("reason").map(text).unwrap_or("failed".into()),
                detail: f.get("detail").map(text),
            });
        }
        Ok(ActionResult {
            status,
            job_id: v.get("job").and_then(|j| field(j, "id")),
        })
    }

    /// The HostedEngine VM's id (origin `managed_hosted_engine`, or the default name
    /// `HostedEngine`); `None` on a Manager that is not a hosted engine.
    pub async fn hosted_engine_vm(&self) -> Result<Option<String>> {
        let v = self.api(Method::GET, "vms", None).await?;
        Ok(list(&v, "vm")
            .iter()
            .find(|vm| {
                field(vm, "origin").as_deref() == Some("managed_hosted_engine")
                    || field(vm, "name").as_deref() == Some("HostedEngine")
            })
            .and_then(|vm| field(vm, "id")))
    }

    /// `POST /vms/{id}/maintenance`: hosted-engine global maintenance on or off.
    pub async fn set_global_maintenance(&self, vm_id: &str, on: bool) -> Result<()> {
        let rel = format!("vms/{}/maintenance", query_escape(vm_id));
        // Setting global maintenance on (or off) twice is the same as once: safe to repeat.
        let v: Value = self
            .api_with(
                Method::POST,
                &rel,
                Some(serde_json::json!({ "maintenance_enabled": on.to_string() })),
                true,
                true,
            )
            .await?;
        if v.get("status").map(text).as_deref() == Some("failed") {
            return Err(fault(
                &Method::POST,
                &rel,
                StatusCode::OK,
                v.to_string().as_bytes(),
            ));
        }
        Ok(())
    }

    /// Global maintenance as the hosted-engine hosts report it (`None`: no HE host).
    pub async fn global_maintenance(&self) -> Result<Option<bool>> {
        let hosts = self.hosts(None).await?;
        let he: Vec<&HostedEngine> = hosts
            .iter()
            .filter_map(|h| h.hosted_engine.as_ref().filter(|x| x.configured))
            .collect();
        if he.is_empty() {
            return Ok(None);
        }
        Ok(Some(he.iter().any(|x| x.global_maintenance)))
    }

    /// Posts a custom event into the audit log.
    pub async fn post_event(&self, e: &NewEvent) -> Result<Event> {
        let body = serde_json::json!({
            "description": e.description,
            "severity": e.severity,
            "origin": e.origin,
            "custom_id": e.custom_id.to_string(),
        });
        // The Manager refuses a second event with the same custom id: safe to repeat.
        let v = self
            .api_with(Method::POST, "events", Some(body), true, true)
            .await?;
        event_from(&v).map_err(|r| record_err("POST", "events", r))
    }

    /// Ends the SSO session (what the SDKs do on close).
    pub async fn logout(&self) {
        let token = self.token.lock().await.take();
        if let Some(t) = token {
            let path = format!(
                "{}/services/sso-logout?scope=&token={}",
                self.base,
                query_escape(&t.access)
            );
            let _ = self
                .send(Method::GET, &path, &[], Bytes::new(), true, false)
                .await;
        }
    }
}

fn record_err(method: &str, rel: &str, source: RecordError) -> EngineError {
    EngineError::Record {
        method: method.into(),
        path: rel.into(),
        source,
    }
}

/// A non-2xx answer as an error quoting the Manager's `fault`.
fn fault(method: &Method, path: &str, status: StatusCode, body: &[u8]) -> EngineError {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let (reason, detail) = if v.is_object() {
        let f = v.get("fault").unwrap_or(&v);
        (
            f.get("reason").map(text),
            f.get("detail").map(text).filter(|d| !d.is_empty()),
        )
    } else {
        // XML or HTML from a proxy: quote the <reason>/<detail> or the first line.
        let s = String::from_utf8_lossy(body);
        (
            xml_text(&s, "reason"),
            xml_text(&s, "detail").or_else(|| {
                s.lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty())
                    .map(|l| l.chars().take(200).collect())
            }),
        )
    };
    EngineError::Fault {
        method: method.to_string(),
        path: path.to_string(),
        status: status.as_u16(),
        reason: reason.unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string()),
        detail,
    }
}

fn xml_text(s: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let a = s.find(&open)? + open.len();
    let b = s[a..].find(&close)? + a;
    Some(s[a..b].trim().to_string())
}

/// A string field, whether rendered as a string, number or boolean.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn field(v: &Value, k: &str) -> Option<String> {
    v.get(k).map(text).filter(|s| !s.is_empty())
}

fn num(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `product_info.version` {major, minor} of an entry point.
fn product_version(entry: &Value) -> Option<(u32, u32)> {
    let v = entry.get("product_info")?.get("version")?;
    let part = |k: &str| v.get(k).and_then(num).and_then(|n| u32::try_from(n).ok());
    Some((part("major")?, part("minor")?))
}

fn unum(v: &Value, k: &str) -> Option<u64> {
    v.get(k).and_then(num).and_then(|n| u64::try_from(n).ok())
}

fn boolean(v: &Value, k: &str) -> bool {
    match v.get(k) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// The items of a collection: `{"host": [...]}` (or `{}` when empty).
fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// `{"host": [...]}` (or nothing) as hosts, each element converted and dropped as it is read.
struct HostList(Vec<std::result::Result<Host, RecordError>>);

impl<'de> serde::Deserialize<'de> for HostList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        struct Hosts(Vec<std::result::Result<Host, RecordError>>);
        impl<'de> serde::Deserialize<'de> for Hosts {
            fn deserialize<D: serde::Deserializer<'de>>(
                d: D,
            ) -> std::result::Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Hosts;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a list of hosts")
                    }
                    fn visit_seq<A: SeqAccess<'de>>(
                        self,
                        mut a: A,
                    ) -> std::result::Result<Hosts, A::Error> {
                        let mut out = Vec::with_capacity(a.size_hint().unwrap_or(0));
                        while let Some(h) = a.next_element::<Value>()? {
                            out.push(host_from(&h));
                        }
                        Ok(Hosts(out))
                    }
                    fn visit_unit<E>(self) -> std::result::Result<Hosts, E> {
                        Ok(Hosts(Vec::new()))
                    }
                    fn visit_map<A: MapAccess<'de>>(
                        self,
                        mut a: A,
                    ) -> std::result::Result<Hosts, A::Error> {
                        while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                        Ok(Hosts(Vec::new()))
                    }
                }
                d.deserialize_any(V)
            }
        }
        struct Top;
        impl<'de> Visitor<'de> for Top {
            type Value = HostList;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a host list")
            }
            fn visit_unit<E>(self) -> std::result::Result<HostList, E> {
                Ok(HostList(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut a: A,
            ) -> std::result::Result<HostList, A::Error> {
                let mut hosts = Vec::new();
                while let Some(k) = a.next_key::<String>()? {
                    if k == "host" {
                        hosts = a.next_value::<Hosts>()?.0;
                    } else {
                        a.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(HostList(hosts))
            }
        }
        d.deserialize_any(Top)
    }
}

fn host_from(h: &Value) -> Result<Host, RecordError> {
    let id = field(h, "id").ok_or_else(|| RecordError::NoId {
        kind: "host",
        name: field(h, "name"),
    })?;
    let spm = h.get("spm");
    let summary = h.get("summary");
    let he = h.get("hosted_engine").map(|x| HostedEngine {
        configured: boolean(x, "configured"),
        active: boolean(x, "active"),
        score: x.get("score").and_then(num),
        global_maintenance: boolean(x, "global_maintenance"),
        local_maintenance: boolean(x, "local_maintenance"),
    });
    Ok(Host {
        name: field(h, "name").unwrap_or_else(|| id.clone()),
        address: field(h, "address").unwrap_or_default(),
        status: HostStatus::parse(&field(h, "status").unwrap_or_default()),
        status_detail: field(h, "status_detail"),
        cluster_id: h.get("cluster").and_then(|c| field(c, "id")),
        spm_status: spm.and_then(|s| field(s, "status")),
        spm_priority: spm.and_then(|s| s.get("priority")).and_then(num),
        memory: unum(h, "memory"),
        max_scheduling_memory: unum(h, "max_scheduling_memory"),
        vms_active: summary.and_then(|s| unum(s, "active")),
        vms_migrating: summary.and_then(|s| unum(s, "migrating")),
        vms_total: summary.and_then(|s| unum(s, "total")),
        hosted_engine: he,
        certificate_subject: h.get("certificate").and_then(|c| field(c, "subject")),
        id,
    })
}

fn vm_from(v: &Value) -> Result<Vm, RecordError> {
    Ok(Vm {
        id: field(v, "id").ok_or_else(|| RecordError::NoId {
            kind: "vm",
            name: field(v, "name"),
        })?,
        name: field(v, "name").unwrap_or_default(),
        status: field(v, "status").unwrap_or_default(),
        memory: unum(v, "memory").unwrap_or(0),
        guaranteed_memory: v.get("memory_policy").and_then(|m| unum(m, "guaranteed")),
        affinity: v.get("placement_policy").and_then(|p| field(p, "affinity")),
        host_id: v.get("host").and_then(|h| field(h, "id")),
        hosted_engine: field(v, "origin").as_deref() == Some("managed_hosted_engine"),
    })
}

fn event_from(e: &Value) -> Result<Event, RecordError> {
    Ok(Event {
        id: unum(e, "id").ok_or_else(|| RecordError::EventId {
            found: e.get("id").map(text),
        })?,
        code: e.get("code").and_then(num).unwrap_or(0),
        severity: field(e, "severity").unwrap_or_default(),
        description: field(e, "description").unwrap_or_default(),
        time: e.get("time").and_then(num),
        host_id: e.get("host").and_then(|h| field(h, "id")),
        custom_id: e.get("custom_id").and_then(num),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error the Manager client can say, with the evidence each must keep in Japanese.
    fn every_engine_error() -> Vec<(EngineError, Vec<&'static str>)> {
        use crate::net::tls::ServerCertError as C;
        let s = |v: &str| v.to_string();
        let refused = |cert: C| TlsProblem::Refused {
            said: rustls::Error::General(cert.to_string()).to_string(),
            cert,
        };
        let tls = |reason: TlsProblem| EngineError::Tls {
            endpoint: s("wrongname:8443 (via 127.0.0.1:8443)"),
            reason,
        };
        let url = |reason: UrlProblem| EngineError::Url {
            url: s("http://engine:x"),
            reason,
        };
        let connect = |reason: ConnectProblem| EngineError::Connect {
            endpoint: s("engine:443"),
            reason,
        };
        let Err(issuer) = crate::pki::verify::Issuer::new("intermediate", b"not DER") else {
            panic!("not DER was read as a certificate");
        };
        let mut v = vec![
            (
                url(UrlProblem::NotHttps),
                vec!["http://engine:x", "https://"],
            ),
            (url(UrlProblem::NoHost), vec!["http://engine:x"]),
            (
                url(UrlProblem::UnclosedIpv6),
                vec!["http://engine:x", "IPv6"],
            ),
            (url(UrlProblem::BadPort), vec!["http://engine:x"]),
            (url(UrlProblem::NotTlsName), vec!["http://engine:x", "TLS"]),
            (
                connect(ConnectProblem::Said(s("Connection refused (os error 111)"))),
                vec!["engine:443", "Connection refused (os error 111)"],
            ),
            (
                connect(ConnectProblem::TimedOut(30)),
                vec!["engine:443", "30"],
            ),
            (
                connect(ConnectProblem::HandshakeTimedOut),
                vec!["engine:443"],
            ),
            (
                connect(ConnectProblem::Handshake(s("unexpected end of file"))),
                vec!["engine:443", "unexpected end of file"],
            ),
            (
                connect(ConnectProblem::Reading(s("connection closed"))),
                vec!["engine:443", "connection closed"],
            ),
            (
                tls(TlsProblem::PinnedCa(s("Parsing Error: BerTypeError"))),
                vec!["wrongname:8443", "Parsing Error: BerTypeError"],
            ),
            (
                tls(TlsProblem::Said(s(
                    "received fatal alert: HandshakeFailure",
                ))),
                vec!["received fatal alert: HandshakeFailure"],
            ),
            (
                tls(refused(C::Parse {
                    reason: s("Parsing Error: Der"),
                })),
                vec!["Parsing Error: Der"],
            ),
            (
                tls(refused(C::Expired {
                    serial: s("1001"),
                    not_after: 1_700_000_000,
                    now: 1_800_000_000,
                })),
                vec!["1001", "2023-11-14T22:13:20Z"],
            ),
            (
                tls(refused(C::NotYetValid {
                    not_before: 1_700_000_000,
                    now: 0,
                })),
                vec!["2023-11-14T22:13:20Z"],
            ),
            (
                tls(refused(C::NameMismatch {
                    cn: s("engine45.example.test"),
                    name: s("wrongname"),
                })),
                vec!["engine45.example.test", "'wrongname'", "subjectAltName"],
            ),
            (tls(refused(C::BadSignature)), vec!["wrongname:8443"]),
            (tls(refused(C::Unverifiable)), vec!["wrongname:8443"]),
            (tls(refused(C::ChainSignature)), vec!["wrongname:8443"]),
            (
                tls(refused(C::Intermediate(issuer))),
                vec!["wrongname:8443"],
            ),
            (
                tls(refused(C::OtherIssuer {
                    issuer: s("C=US, O=Other, CN=other-ca"),
                    pinned: s("C=US, O=Example, CN=engine-ca"),
                })),
                vec![
                    "'C=US, O=Other, CN=other-ca'",
                    "'C=US, O=Example, CN=engine-ca'",
                ],
            ),
            (
                EngineError::Sso {
                    user: s("admin@internal"),
                    code: s("access_denied"),
                    message: s("Cannot authenticate user"),
                },
                vec![
                    "admin@internal",
                    "access_denied",
                    "Cannot authenticate user",
                ],
            ),
            (
                EngineError::Fault {
                    method: s("POST"),
                    path: s("/ovirt-engine/api/hosts/1/deactivate"),
                    status: 409,
                    reason: s("Operation Failed"),
                    detail: Some(s("[Cannot switch Host to Maintenance mode.]")),
                },
                vec![
                    "POST /ovirt-engine/api/hosts/1/deactivate",
                    "HTTP 409",
                    "Operation Failed",
                    "[Cannot switch Host to Maintenance mode.]",
                ],
            ),
            (
                EngineError::Fault {
                    method: s("GET"),
                    path: s("/ovirt-engine/api/hosts"),
                    status: 503,
                    reason: s("Service Unavailable"),
                    detail: None,
                },
                vec![
                    "GET /ovirt-engine/api/hosts",
                    "HTTP 503",
                    "Service Unavailable",
                ],
            ),
            (
                EngineError::Decode {
                    method: s("POST"),
                    path: s("/ovirt-engine/sso/oauth/token"),
                    reason: DecodeProblem::SsoNotJson {
                        status: s("502 Bad Gateway"),
                        error: s("expected value at line 1 column 1"),
                    },
                },
                vec!["HTTP 502 Bad Gateway", "expected value at line 1 column 1"],
            ),
            (
                EngineError::Decode {
                    method: s("GET"),
                    path: s("/ovirt-engine/api/hosts"),
                    reason: DecodeProblem::NotJson(s("expected value at line 1 column 1")),
                },
                vec![
                    "GET /ovirt-engine/api/hosts",
                    "expected value at line 1 column 1",
                ],
            ),
            (
                EngineError::Decode {
                    method: s("GET"),
                    path: s("/x"),
                    reason: DecodeProblem::Request(s("invalid uri character")),
                },
                vec!["invalid uri character"],
            ),
            (
                EngineError::Timeout {
                    method: s("GET"),
                    path: s("/ovirt-engine/api/hosts"),
                    secs: 30,
                },
                vec!["GET /ovirt-engine/api/hosts", "30"],
            ),
        ];
        for source in [
            RecordError::NoId {
                kind: "host",
                name: Some(s("host1")),
            },
            RecordError::NoId {
                kind: "vm",
                name: None,
            },
            RecordError::NoClusterId { name: None },
            RecordError::EventId { found: None },
        ] {
            v.push((
                EngineError::Record {
                    method: s("GET"),
                    path: s("hosts"),
                    source,
                },
                vec!["GET hosts"],
            ));
        }
        v
    }

    #[test]
    fn engine_errors_keep_their_english_and_have_japanese() {
        use crate::change::text_tests::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        for (e, evidence) in every_engine_error() {
            let t = e.text();
            assert_ne!(t.key, "reason-verbatim", "{e:?}");
            assert_eq!(strict(&en, &t), e.to_string(), "{e:?}");
            let j = strict(&ja, &t);
            assert!(japanese(&j), "{e:?}: {j}");
            for v in evidence {
                assert!(j.contains(v), "{v} not in {j}");
            }
        }
        // The English of before, byte for byte, for the reasons that used to be strings.
        let s = |e: EngineError| e.to_string();
        assert_eq!(
            s(EngineError::Url {
                url: "http://e".into(),
                reason: UrlProblem::NotHttps
            }),
            "http://e: bad Manager URL: must start with https:// (plain HTTP would send the password in clear)"
        );
        assert_eq!(
            s(EngineError::Connect {
                endpoint: "e:443".into(),
                reason: ConnectProblem::HandshakeTimedOut
            }),
            "e:443: cannot connect: TLS handshake timed out"
        );
        let cert = crate::net::tls::ServerCertError::NameMismatch {
            cn: "engine".into(),
            name: "wrong".into(),
        };
        let e = EngineError::Tls {
            endpoint: "wrong:443".into(),
            reason: TlsProblem::Refused {
                said: rustls::Error::General(cert.to_string()).to_string(),
                cert,
            },
        };
        assert_eq!(
            e.to_string(),
            "wrong:443: TLS: unexpected error: server certificate (CN engine) does not name 'wrong' in its subjectAltName"
        );
        assert_eq!(
            strict(&ja, &e.text()),
            "wrong:443: TLS で接続できません: サーバー証明書を受け入れません: サーバー証明書 (CN engine) の subjectAltName に 'wrong' がありません"
        );
        // A refusal rustls put otherwise is quoted as rustls said it.
        let cert = crate::net::tls::ServerCertError::BadSignature;
        let odd = TlsProblem::Refused {
            said: "something else".into(),
            cert,
        };
        assert_eq!(odd.text().english(), "something else");
    }

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("https://engine.example.test").unwrap(),
            ("engine.example.test".into(), 443, "/ovirt-engine".into())
        );
        assert_eq!(
            parse_url("https://engine.example.test:8443/ovirt-engine/api/").unwrap(),
            ("engine.example.test".into(), 8443, "/ovirt-engine".into())
        );
        assert_eq!(
            parse_url("https://[::1]:9/ovirt-engine").unwrap(),
            ("::1".into(), 9, "/ovirt-engine".into())
        );
        assert!(parse_url("http://engine").is_err());
        assert!(parse_url("https://user:pw@engine").is_err());
        assert!(parse_url("https://engine:x").is_err());
    }

    #[test]
    fn product_version_reads_strings_or_numbers_and_nothing_else() {
        // The engine's JSON renders integers as strings; other renderings use numbers.
        let v = serde_json::json!({"product_info": {"name": "oVirt Engine",
            "version": {"build": "6", "full_version": "4.5.6-1.el9", "major": "4", "minor": "5"}}});
        assert_eq!(product_version(&v), Some((4, 5)));
        let v = serde_json::json!({"product_info": {"version": {"major": 4, "minor": 4}}});
        assert_eq!(product_version(&v), Some((4, 4)));
        for v in [
            serde_json::json!({}),
            serde_json::json!({"product_info": {"version": {"major": "4"}}}),
            serde_json::json!({"product_info": {"version": {"major": "-1", "minor": "5"}}}),
        ] {
            assert_eq!(product_version(&v), None, "{v}");
        }
    }

    #[test]
    fn lenient_host_json() {
        let v: Value = serde_json::from_str(
            r#"{"id":"h1","name":"host1","address":"10.0.0.1","status":"preparing_for_maintenance",
                "spm":{"priority":"5","status":"spm"},"memory":"1024","max_scheduling_memory":512,
                "summary":{"active":"2","migrating":"0","total":"2"},
                "hosted_engine":{"configured":"true","active":true,"score":"3400","global_maintenance":"false","local_maintenance":false},
                "cluster":{"href":"/ovirt-engine/api/clusters/c1","id":"c1"}}"#,
        )
        .unwrap();
        let h = host_from(&v).unwrap();
        assert_eq!(h.status, HostStatus::PreparingForMaintenance);
        assert!(h.is_spm() && h.is_he());
        assert_eq!(h.memory, Some(1024));
        assert_eq!(h.max_scheduling_memory, Some(512));
        assert_eq!(h.vms_active, Some(2));
        assert_eq!(h.cluster_id.as_deref(), Some("c1"));
        assert_eq!(h.hosted_engine.unwrap().score, Some(3400));
        assert_eq!(
            HostStatus::parse("weird"),
            HostStatus::Other("weird".into())
        );
    }

    #[test]
    fn faults_quote_the_manager() {
        let e = fault(
            &Method::POST,
            "/x",
            StatusCode::CONFLICT,
            br#"{"reason":"Operation Failed","detail":"[Cannot enroll certificate. Host status is illegal.]"}"#,
        );
        let s = e.to_string();
        assert!(
            s.contains("409") && s.contains("Host status is illegal"),
            "{s}"
        );
        let e = fault(
            &Method::POST,
            "/x",
            StatusCode::BAD_REQUEST,
            b"<fault><reason>Operation Failed</reason><detail>[bad]</detail></fault>",
        );
        assert!(e.to_string().contains("[bad]"));
    }

    /// A record without its id is refused with what it called itself (or what stood in the
    /// id), and the request's error reads `METHOD PATH: <record> without id`.
    #[test]
    fn records_without_an_id_are_refused_with_the_evidence() {
        let v: Value = serde_json::json!({"name": "host7", "status": "up"});
        let e = host_from(&v).unwrap_err();
        assert_eq!(
            e,
            RecordError::NoId {
                kind: "host",
                name: Some("host7".into())
            }
        );
        assert_eq!(e.to_string(), "host without id");
        let e = vm_from(&serde_json::json!({"status": "up"})).unwrap_err();
        assert_eq!(
            e,
            RecordError::NoId {
                kind: "vm",
                name: None
            }
        );
        assert_eq!(
            record_err("GET", "vms", e).to_string(),
            "GET vms: vm without id"
        );
        let e = event_from(&serde_json::json!({"id": "abc", "code": 1})).unwrap_err();
        assert_eq!(
            e,
            RecordError::EventId {
                found: Some("abc".into())
            }
        );
        assert_eq!(e.to_string(), "event without numeric id");
        assert_eq!(
            event_from(&serde_json::json!({"code": 1})).unwrap_err(),
            RecordError::EventId { found: None }
        );
        let e = record_err(
            "GET",
            "clusters",
            RecordError::NoClusterId {
                name: Some("Default".into()),
            },
        );
        assert_eq!(e.to_string(), "GET clusters: no id");
        assert!(!e.transient());
        // A fleet listing keeps each host's own verdict.
        let l: HostList =
            serde_json::from_str(r#"{"host":[{"id":"h1"},{"name":"nameless"}]}"#).unwrap();
        assert!(l.0[0].is_ok());
        assert_eq!(
            l.0[1].as_ref().unwrap_err(),
            &RecordError::NoId {
                kind: "host",
                name: Some("nameless".into())
            }
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(
            query_escape("cluster=My Cluster&x"),
            "cluster%3DMy%20Cluster%26x"
        );
    }

    #[test]
    fn a_duplicate_external_event_is_told_by_its_fault_not_by_the_whole_error_text() {
        let fault = |status: u16, reason: &str, detail: Option<&str>| EngineError::Fault {
            method: "POST".into(),
            path: "/ovirt-engine/api/events".into(),
            status,
            reason: reason.into(),
            detail: detail.map(str::to_string),
        };
        let dup = fault(
            409,
            "Operation Failed",
            Some("Cannot add External Event. Duplicate Custom ID 20261207 for origin rhv-pki."),
        );
        assert!(dup.is_duplicate_event());
        assert!(fault(400, "Custom ID already in use", None).is_duplicate_event());
        // Another refusal, a server error naming the ID, or no fault at all: not a duplicate.
        assert!(
            !fault(400, "Operation Failed", Some("Origin oVirt is reserved")).is_duplicate_event()
        );
        assert!(!fault(500, "Internal Server Error", Some("custom_id")).is_duplicate_event());
        assert!(!EngineError::Timeout {
            method: "POST".into(),
            path: "/ovirt-engine/custom/events".into(),
            secs: 5
        }
        .is_duplicate_event());
        // The request path is not the Manager's answer.
        let on_custom_path = EngineError::Fault {
            method: "POST".into(),
            path: "/custom/ovirt-engine/api/events".into(),
            status: 409,
            reason: "Conflict".into(),
            detail: None,
        };
        assert!(!on_custom_path.is_duplicate_event());
    }
}
