//! The upgrade's pre-checks, in the style of a rolling pool upgrade's: every check runs, all
//! failures are reported at once (never one per run), and each failure says how to fix it.
//!
//! The checks judge [`Facts`], a plain value the caller gathers (files, the Manager's REST API,
//! the hosted-engine state, the rolling planner's verdict); nothing here reads a file or the
//! network, so each verdict is testable from a literal.

use std::path::PathBuf;

use crate::audit::AuditError;
use crate::change::txn::TxnError;
use crate::hosts::rolling::{GatherError, PlanError};
use crate::i18n::Text;
use crate::net::engine::EngineError;
use serde::Serialize;

/// Pass, fail, or not applicable (`Skip`, with the reason in `detail`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// Satisfied.
    Pass,
    /// Not satisfied: the upgrade does not start.
    Fail,
    /// Does not apply to this run (e.g. no Manager URL given: host checks are skipped).
    Skip,
}

/// One pre-check's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// Stable identifier (JSON, documentation): `pki-readable`, `capacity`, …
    pub id: &'static str,
    /// Pass, fail or skip.
    pub status: CheckStatus,
    /// What was found.
    pub detail: String,
    /// How to fix a failure (absent when it passed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The fix as a message of the catalogues (`src/i18n/*.ftl`) with its variables, for
    /// the human output in the user's language (`fix` stays the JSON's, always English).
    #[serde(skip)]
    pub fix_msg: Option<Msg>,
    /// `detail` as a catalogue message, when it is worded by the check itself (not an error's
    /// own text): the human output renders it in the user's language; `detail` is its English.
    #[serde(skip)]
    pub detail_text: Option<Text>,
}

/// A catalogue message key and its variables.
pub type Msg = (&'static str, Vec<(&'static str, String)>);

/// The catalogue key of each check's (fixed) fix.
fn fix_key(id: &str) -> &'static str {
    match id {
        "pki-readable" => "upgrade-fix-pki-readable",
        "ca-key" => "upgrade-fix-ca-key",
        "p12-password" => "upgrade-fix-p12-password",
        "no-unfinished-change" => "upgrade-fix-no-unfinished-change",
        "backup-writable" => "upgrade-fix-backup-writable",
        "backup-space" => "upgrade-fix-backup-space",
        "engine-reachable" => "upgrade-fix-engine-reachable",
        "hosts-up" => "upgrade-fix-hosts-up",
        "capacity" => "upgrade-fix-capacity",
        "placement" => "upgrade-fix-placement",
        _ => "",
    }
}

/// An error of the caller's own layer (the command line's password files, arguments, its
/// hosted-engine probe), kept with its source chain: its `Display` is the check's detail.
pub type CallerError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A caller's error worded as a catalogue message (the command line's password file, its CA
/// file, its arguments): `Display` is the message's English, so the check's `detail` (and the
/// JSON) is what the caller's error always said, and the human output renders it in the
/// reader's language. Box it as a [`CallerError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said(pub Text);

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.english())
    }
}

impl std::error::Error for Said {}

/// A caller's error as a message: its own [`Said`] text, or its `Display` quoted as it came.
fn caller_text(e: &CallerError) -> Text {
    match e.downcast_ref::<Said>() {
        Some(s) => s.0.clone(),
        None => Text::verbatim(e),
    }
}

/// An earlier change left unfinished: a backup whose transaction was interrupted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("backup {id} ({reason}, {created}) was interrupted and left the PKI half-written")]
pub struct UnfinishedChange {
    /// The backup's id (its directory's name).
    pub id: String,
    /// Why it was made (the command that made it), as recorded.
    pub reason: String,
    /// When it was made, as recorded.
    pub created: String,
}

impl UnfinishedChange {
    /// The detail as a catalogue message; English: the `Display`.
    pub fn text(&self) -> Text {
        Text::new("upgrade-detail-unfinished")
            .arg("id", &self.id)
            .arg("reason", &self.reason)
            .arg("created", &self.created)
    }
}

/// An Up host that cannot go to maintenance alone (N-1 memory rule, the last Up host of its
/// cluster, the HostedEngine VM without a place), as the rolling planner says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapacityShort {
    /// The host's name in the Manager.
    pub host: String,
    /// Why (the planner's message; English: what `hosts enroll` says of it).
    pub why: Text,
}

impl CapacityShort {
    /// `host: why` as a catalogue message.
    pub fn text(&self) -> Text {
        Text::new("upgrade-detail-capacity-host")
            .arg("host", &self.host)
            .arg_text("why", self.why.clone())
    }
}

impl std::fmt::Display for CapacityShort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().english())
    }
}

/// Why the CA private key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CaKeyError {
    /// `private/ca.pem` cannot be opened.
    #[error("{}: {source}", path.display())]
    Unreadable {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// A store the PKCS#12 password does not open, as the audit found it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreRefused {
    /// The store, as the finding names it (relative to the PKI directory).
    pub path: String,
    /// The finding's code (`p12-unreadable`, `p12-password-wrong`).
    pub code: &'static str,
    /// The finding's message (its English is what JSON says; a catalogue message when the
    /// audit worded it).
    pub message: crate::audit::Reason,
}

impl BackupDirError {
    /// The detail as a catalogue message (the system's words as they came); English: the
    /// `Display`.
    pub fn text(&self) -> Text {
        match self {
            BackupDirError::List(e) => e.text(),
            BackupDirError::NoDirectory { dir } => {
                Text::new("upgrade-detail-no-directory").arg("dir", dir.display())
            }
            BackupDirError::NotWritable { .. } => Text::verbatim(self),
        }
    }
}

impl UnreachableError {
    /// The detail as a catalogue message (the Manager's and the system's words as they
    /// came); English: the `Display`.
    pub fn text(&self) -> Text {
        match self {
            UnreachableError::Setup(e) => caller_text(e),
            UnreachableError::Runtime(e) => Text::new("upgrade-detail-no-runtime").arg("error", e),
            UnreachableError::Login(e) => e.text(),
            UnreachableError::Gather(e) => e.text(),
        }
    }
}

/// Why the PKCS#12 stores cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum P12PasswordError {
    /// The password itself cannot be had (its file unreadable, a NUL byte…).
    #[error(transparent)]
    Password(CallerError),
    /// The audit ran, and these stores do not open with the password (at least one).
    #[error("{}", stores.iter().map(|s| format!("{}: {}", s.path, s.message)).collect::<Vec<_>>().join("; "))]
    Stores {
        /// Each store refused, in the audit's order.
        stores: Vec<StoreRefused>,
    },
}

impl P12PasswordError {
    /// The detail as a catalogue message: each store's finding in the reader's language, the
    /// password file's error as it came. English: the `Display`.
    pub fn text(&self) -> Text {
        match self {
            P12PasswordError::Password(e) => caller_text(e),
            P12PasswordError::Stores { stores } => stores
                .iter()
                .rev()
                .map(|s| {
                    Text::new("change-broken-entry")
                        .arg("name", &s.path)
                        .arg_text("why", s.message.text())
                })
                .reduce(|rest, first| {
                    Text::new("change-list")
                        .arg_text("first", first)
                        .arg_text("rest", rest)
                })
                .unwrap_or_else(|| Text::verbatim("")),
        }
    }
}

/// Why no file can be created where the backups go.
#[derive(Debug, thiserror::Error)]
pub enum BackupDirError {
    /// The existing backups cannot be listed.
    #[error(transparent)]
    List(#[from] TxnError),
    /// Neither the directory nor any parent of it exists.
    #[error("{}: no such directory", dir.display())]
    NoDirectory {
        /// The backup directory.
        dir: PathBuf,
    },
    /// A file cannot be created in the directory (or its nearest existing parent).
    #[error("{}: {source}", dir.display())]
    NotWritable {
        /// Where the probe file was to be created.
        dir: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Why the Manager could not be read (then the host checks are not judged).
#[derive(Debug, thiserror::Error)]
pub enum UnreachableError {
    /// The connection could not be set up (URL, CA file, password file, probe options).
    #[error(transparent)]
    Setup(CallerError),
    /// The async runtime that talks to the Manager could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// Logging in failed.
    #[error(transparent)]
    Login(#[from] EngineError),
    /// Logging in worked, listing the hosts (or reading the CA to judge them) did not.
    #[error(transparent)]
    Gather(#[from] GatherError),
}

/// A host as the Manager reports it, with what the caller knows of its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFact {
    /// The host's name in the Manager.
    pub name: String,
    /// Its cluster.
    pub cluster: String,
    /// The Manager's status word (`up`, `maintenance`, `non_responsive`, …).
    pub status: String,
    /// Left out of this run on purpose (`--exclude-host`), so its status does not matter.
    pub excluded: bool,
    /// The host's vdsm certificate has expired (known from a probe), with its notAfter.
    pub cert_expired: Option<String>,
}

/// The hosted-engine facts (present only on a hosted-engine Manager).
#[derive(Debug)]
pub struct HostedEngineFacts {
    /// The HA state could be read (`hosted-engine --vm-status`, or the API's hosted-engine
    /// fields); `Err` says why not, as the caller that read it reports it.
    pub state: Result<(), CallerError>,
    /// Hosts whose HA agent is not active (score 0, agent down, stale).
    pub agents_inactive: Vec<String>,
}

/// What the caller found about the Manager (present when the run includes the hosts).
#[derive(Debug)]
pub struct ManagerFacts {
    /// Logging in and listing hosts worked; `Err` says why not (then the host checks are not
    /// judged).
    pub reachable: Result<(), UnreachableError>,
    /// The Manager's (major, minor) version, when known.
    pub version: Option<(u32, u32)>,
    /// Every host.
    pub hosts: Vec<HostFact>,
    /// `None`: not a hosted-engine Manager.
    pub hosted_engine: Option<HostedEngineFacts>,
    /// Clusters that cannot take one host out (N-1 memory rule), with the numbers.
    pub capacity_short: Vec<CapacityShort>,
    /// The rolling planner's verdict on SPM and hosted-engine placement (`Err`: why no order
    /// of waves keeps the SPM and the engine VM covered).
    pub placement: Result<(), PlanError>,
}

/// Everything the pre-checks judge. A failed fact's error is the check's detail (its
/// `Display`, byte for byte in the JSON).
#[derive(Debug)]
pub struct Facts {
    /// The PKI directory.
    pub pki_dir: String,
    /// The audit could run over the PKI; `Err` says why not.
    pub pki_readable: Result<(), AuditError>,
    /// The CA private key is present and readable.
    pub ca_key: Result<(), CaKeyError>,
    /// The PKCS#12 password opens the stores; `Err` names the stores.
    pub p12_password: Result<(), P12PasswordError>,
    /// An earlier change is unfinished (a journal left by an interrupted transaction).
    pub unfinished_change: Option<UnfinishedChange>,
    /// The backup directory.
    pub backup_dir: String,
    /// A file can be created in the backup directory.
    pub backup_writable: Result<(), BackupDirError>,
    /// Free bytes where the backup goes, when known.
    pub backup_free: Option<u64>,
    /// Bytes a backup of the PKI takes (the PKI's size).
    pub backup_needed: u64,
    /// `None`: no Manager URL given (the hosts are left to a later `hosts enroll`).
    pub manager: Option<ManagerFacts>,
}

fn pass(id: &'static str, detail: Text) -> Check {
    Check {
        id,
        status: CheckStatus::Pass,
        detail: detail.english(),
        fix: None,
        fix_msg: None,
        detail_text: Some(detail),
    }
}

/// `c` with its detail worded by the catalogue message `detail`.
/// [`worded`] when `detail` has words of rhv-pki's own (an error quoted as it came stays the
/// error's own text).
fn worded_error(c: Check, detail: Text) -> Check {
    if detail.key == "reason-verbatim" {
        c
    } else {
        worded(c, detail)
    }
}

fn worded(c: Check, detail: Text) -> Check {
    Check {
        detail: detail.english(),
        detail_text: Some(detail),
        ..c
    }
}

fn fail(id: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
    Check {
        id,
        status: CheckStatus::Fail,
        detail: detail.into(),
        fix: Some(fix.into()),
        fix_msg: Some((fix_key(id), Vec::new())),
        detail_text: None,
    }
}

/// A failure whose fix is the catalogue message `msg` (the English `fix` is its text).
fn fail_msg(id: &'static str, detail: impl Into<String>, fix: String, msg: Msg) -> Check {
    Check {
        fix_msg: Some(msg),
        ..fail(id, detail, fix)
    }
}

fn skip(id: &'static str, detail: Text) -> Check {
    Check {
        id,
        status: CheckStatus::Skip,
        detail: detail.english(),
        fix: None,
        fix_msg: None,
        detail_text: Some(detail),
    }
}

fn tx(key: &'static str) -> Text {
    Text::new(key)
}

/// Manager versions from which Enroll Certificate is accepted on a NonResponsive host.
const ENROLL_NON_RESPONSIVE_FROM: (u32, u32) = (4, 5);

/// Every check, in a fixed order; the run may start only if none is `Fail`.
pub fn evaluate(f: &Facts) -> Vec<Check> {
    let mut out = vec![match &f.pki_readable {
        Ok(()) => pass(
            "pki-readable",
            tx("upgrade-detail-readable").arg("path", &f.pki_dir),
        ),
        Err(e) => worded_error(
            fail(
                "pki-readable",
                e.to_string(),
                "run as root on the Manager, or point --root / --pki-dir at the PKI",
            ),
            e.text(),
        ),
    }];
    out.push(match &f.ca_key {
        Ok(()) => pass("ca-key", tx("upgrade-detail-ca-key")),
        Err(e) => fail(
            "ca-key",
            e.to_string(),
            "restore private/ca.pem from an engine-backup: the CA cannot be re-signed without it",
        ),
    });
    out.push(match &f.p12_password {
        Ok(()) => pass("p12-password", tx("upgrade-detail-p12-password")),
        Err(e) => {
            let c = fail(
                "p12-password",
                e.to_string(),
                "give the stores' password with --p12-password-file (engine-setup's default is mypass)",
            );
            // The stores' findings, or the password file's error, in the reader's language
            // (the system's words as they came).
            worded_error(c, e.text())
        }
    });
    out.push(match &f.unfinished_change {
        None => pass("no-unfinished-change", tx("upgrade-detail-no-unfinished")),
        Some(what) => worded(
            fail(
                "no-unfinished-change",
                "",
                "finish or undo it first: `rhv-pki rollback --root R` restores the backup it made",
            ),
            what.text(),
        ),
    });
    out.push(match &f.backup_writable {
        Ok(()) => pass(
            "backup-writable",
            tx("upgrade-detail-writable").arg("path", &f.backup_dir),
        ),
        Err(e) => worded_error(
            fail(
                "backup-writable",
                e.to_string(),
                "create it or choose another with --backup-dir",
            ),
            e.text(),
        ),
    });
    out.push(match f.backup_free {
        Some(free) if free < f.backup_needed.saturating_mul(2) => worded(
            fail(
                "backup-space",
                "",
                "free space there, or choose another --backup-dir",
            ),
            tx("upgrade-detail-space-short")
                .arg("path", &f.backup_dir)
                .arg("free", free)
                .arg("needed", f.backup_needed),
        ),
        Some(free) => pass(
            "backup-space",
            tx("upgrade-detail-space")
                .arg("free", free)
                .arg("needed", f.backup_needed),
        ),
        None => skip("backup-space", tx("upgrade-detail-space-unknown")),
    });

    let Some(m) = &f.manager else {
        for id in MANAGER_CHECKS {
            out.push(skip(id, tx("upgrade-detail-no-engine-url")));
        }
        return out;
    };
    match &m.reachable {
        Ok(()) => out.push(pass(
            "engine-reachable",
            tx("upgrade-detail-engine-reachable").arg("count", m.hosts.len()),
        )),
        Err(e) => {
            out.push(worded_error(
                fail(
                    "engine-reachable",
                    e.to_string(),
                    "check --engine-url, --ca-file, --user and --password-file",
                ),
                e.text(),
            ));
            for id in &MANAGER_CHECKS[1..] {
                out.push(skip(id, tx("upgrade-detail-not-judged")));
            }
            return out;
        }
    }
    let not_up: Vec<String> = m
        .hosts
        .iter()
        .filter(|h| !h.excluded && h.status != "up")
        .map(|h| format!("{} ({})", h.name, h.status))
        .collect();
    out.push(if not_up.is_empty() {
        pass("hosts-up", tx("upgrade-detail-hosts-up"))
    } else {
        worded(
            fail(
                "hosts-up",
                "",
                "bring them Up, or leave them out with --exclude-host NAME (they keep their \
                 certificates until enrolled later)",
            ),
            tx("upgrade-detail-not-up").arg("hosts", not_up.join(", ")),
        )
    });
    out.push(match &m.hosted_engine {
        None => pass("hosted-engine", tx("upgrade-detail-not-hosted-engine")),
        Some(he) => match (&he.state, he.agents_inactive.is_empty()) {
            (Err(e), _) => worded(
                fail_msg(
                    "hosted-engine",
                    "",
                    "make `hosted-engine --vm-status` work on a hosted-engine host, or use --he-api"
                        .into(),
                    ("upgrade-fix-hosted-engine-unknown", Vec::new()),
                ),
                tx("upgrade-detail-he-unknown").arg("error", e),
            ),
            (Ok(()), false) => worded(
                fail_msg(
                    "hosted-engine",
                    "",
                    "start ovirt-ha-agent / ovirt-ha-broker on those hosts and wait for a score"
                        .into(),
                    ("upgrade-fix-hosted-engine-agents", Vec::new()),
                ),
                tx("upgrade-detail-he-agents").arg("hosts", he.agents_inactive.join(", ")),
            ),
            (Ok(()), true) => pass("hosted-engine", tx("upgrade-detail-he-ok")),
        },
    });
    out.push(if m.capacity_short.is_empty() {
        pass("capacity", tx("upgrade-detail-capacity"))
    } else {
        worded(
            fail(
                "capacity",
                "",
                "migrate or stop VMs, or add a host, so one host's VMs fit on the others",
            ),
            m.capacity_short
                .iter()
                .rev()
                .map(CapacityShort::text)
                .reduce(|rest, first| {
                    tx("change-list")
                        .arg_text("first", first)
                        .arg_text("rest", rest)
                })
                .unwrap_or_else(|| Text::verbatim("")),
        )
    });
    out.push(match &m.placement {
        Ok(()) => pass("placement", tx("upgrade-detail-placement")),
        Err(e) => {
            let c = fail(
                "placement",
                e.to_string(),
                "see `rhv-pki hosts enroll --dry-run` for the constraint; lower --max-parallel or \
                 exclude the host",
            );
            match e {
                // The hosts and why, in the reader's language.
                PlanError::HostedEngine(_) => worded(c, e.text()),
                _ => c,
            }
        }
    });
    let expired: Vec<&HostFact> = m
        .hosts
        .iter()
        .filter(|h| !h.excluded && h.cert_expired.is_some())
        .collect();
    out.push(if expired.is_empty() {
        pass("host-certs-valid", tx("upgrade-detail-host-certs"))
    } else {
        let names: Vec<String> = expired
            .iter()
            .map(|h| {
                format!(
                    "{} (expired {})",
                    h.name,
                    h.cert_expired.as_deref().unwrap_or("?")
                )
            })
            .collect();
        let via_api = m.version.is_some_and(|v| v >= ENROLL_NON_RESPONSIVE_FROM);
        let host = expired[0].name.clone();
        let version = m.version.map(|(a, b)| format!("{a}.{b}"));
        let (fix, msg): (String, Msg) = match (&version, via_api) {
            (Some(v), true) => (
                format!(
                    "this Manager ({v}) accepts Enroll Certificate on NonResponsive hosts: \
                     `rhv-pki hosts enroll --host {host}` first, or recover them over SSH"
                ),
                (
                    "upgrade-fix-host-certs-api",
                    vec![("version", v.clone()), ("host", host.clone())],
                ),
            ),
            (Some(v), false) => (
                format!(
                    "this Manager ({v}) refuses Enroll Certificate on NonResponsive hosts \
                     (4.5 and later accept it): recover them over SSH first: \
                     `rhv-pki hosts recover --ssh --host {host}`"
                ),
                (
                    "upgrade-fix-host-certs-ssh",
                    vec![("version", v.clone()), ("host", host.clone())],
                ),
            ),
            (None, _) => (
                format!(
                    "the Manager's version is unknown: recover them over SSH first: \
                     `rhv-pki hosts recover --ssh --host {host}`"
                ),
                (
                    "upgrade-fix-host-certs-ssh-unknown",
                    vec![("host", host.clone())],
                ),
            ),
        };
        let listed = expired
            .iter()
            .rev()
            .map(|h| {
                tx("upgrade-detail-expired-host")
                    .arg("name", &h.name)
                    .arg("date", h.cert_expired.as_deref().unwrap_or("?"))
            })
            .reduce(|rest, first| {
                tx("upgrade-detail-list")
                    .arg_text("first", first)
                    .arg_text("rest", rest)
            });
        let c = fail_msg("host-certs-valid", names.join(", "), fix, msg);
        match listed {
            Some(t) => worded(c, t),
            None => c,
        }
    });
    out
}

/// The checks that need the Manager, in order.
const MANAGER_CHECKS: [&str; 6] = [
    "engine-reachable",
    "hosts-up",
    "hosted-engine",
    "capacity",
    "placement",
    "host-certs-valid",
];

/// True when nothing failed.
pub fn all_pass(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.status != CheckStatus::Fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(name: &str, status: &str) -> HostFact {
        HostFact {
            name: name.into(),
            cluster: "Default".into(),
            status: status.into(),
            excluded: false,
            cert_expired: None,
        }
    }

    fn good() -> Facts {
        Facts {
            pki_dir: "/etc/pki/ovirt-engine".into(),
            pki_readable: Ok(()),
            ca_key: Ok(()),
            p12_password: Ok(()),
            unfinished_change: None,
            backup_dir: "/var/lib/rhv-pki/backups".into(),
            backup_writable: Ok(()),
            backup_free: Some(1 << 30),
            backup_needed: 1 << 20,
            manager: Some(ManagerFacts {
                reachable: Ok(()),
                version: Some((4, 4)),
                hosts: vec![host("h1", "up"), host("h2", "up")],
                hosted_engine: Some(HostedEngineFacts {
                    state: Ok(()),
                    agents_inactive: vec![],
                }),
                capacity_short: vec![],
                placement: Ok(()),
            }),
        }
    }

    fn ids_with(checks: &[Check], s: CheckStatus) -> Vec<&'static str> {
        checks
            .iter()
            .filter(|c| c.status == s)
            .map(|c| c.id)
            .collect()
    }

    #[test]
    fn a_healthy_manager_passes_every_check_in_a_fixed_order() {
        let c = evaluate(&good());
        assert!(all_pass(&c));
        let ids: Vec<&str> = c.iter().map(|c| c.id).collect();
        assert_eq!(
            ids,
            [
                "pki-readable",
                "ca-key",
                "p12-password",
                "no-unfinished-change",
                "backup-writable",
                "backup-space",
                "engine-reachable",
                "hosts-up",
                "hosted-engine",
                "capacity",
                "placement",
                "host-certs-valid"
            ]
        );
        assert!(c.iter().all(|c| c.fix.is_none()));
    }

    #[test]
    fn every_failure_is_reported_at_once_each_with_its_fix() {
        let mut f = good();
        f.p12_password = Err(P12PasswordError::Stores {
            stores: vec![StoreRefused {
                path: "keys/engine.p12".into(),
                code: "p12-password-wrong",
                // As the audit words it (a catalogue message).
                message: crate::audit::Reason::said(
                    crate::audit::Problem::P12PasswordWrong {
                        source: "oVirt's default".into(),
                        files: 1,
                    }
                    .text(),
                ),
            }],
        });
        f.unfinished_change = Some(UnfinishedChange {
            id: "20261207T101010Z".into(),
            reason: "resign --all".into(),
            created: "2026-12-07T10:10:10Z".into(),
        });
        f.backup_free = Some(1000);
        let m = f.manager.as_mut().unwrap();
        m.hosts.push(host("h3", "non_responsive"));
        m.hosts[0].cert_expired = Some("2026-11-30T00:00:00Z".into());
        m.hosted_engine.as_mut().unwrap().agents_inactive = vec!["h2".into()];
        m.capacity_short = vec![CapacityShort {
            host: "h1".into(),
            why: Text::new("phrase-wave-last-up").arg("cluster", "Default"),
        }];
        let c = evaluate(&f);
        assert_eq!(
            ids_with(&c, CheckStatus::Fail),
            [
                "p12-password",
                "no-unfinished-change",
                "backup-space",
                "hosts-up",
                "hosted-engine",
                "capacity",
                "host-certs-valid"
            ]
        );
        assert!(!all_pass(&c));
        for x in c.iter().filter(|c| c.status == CheckStatus::Fail) {
            assert!(x.fix.as_deref().is_some_and(|f| !f.is_empty()), "{x:?}");
        }
        let up = c.iter().find(|c| c.id == "hosts-up").unwrap();
        assert_eq!(up.detail, "not Up: h3 (non_responsive)");
        // 4.4: an expired host is recovered over SSH, naming the host.
        let exp = c.iter().find(|c| c.id == "host-certs-valid").unwrap();
        assert!(exp.detail.contains("h1 (expired 2026-11-30T00:00:00Z)"));
        assert!(exp
            .fix
            .as_deref()
            .unwrap()
            .contains("hosts recover --ssh --host h1"));
    }

    #[test]
    fn on_4_5_an_expired_host_may_be_enrolled_through_the_api() {
        let mut f = good();
        let m = f.manager.as_mut().unwrap();
        m.version = Some((4, 5));
        m.hosts[1].cert_expired = Some("2026-12-01T00:00:00Z".into());
        let c = evaluate(&f);
        let exp = c.iter().find(|c| c.id == "host-certs-valid").unwrap();
        assert_eq!(exp.status, CheckStatus::Fail);
        assert!(
            exp.fix
                .as_deref()
                .unwrap()
                .contains("hosts enroll --host h2"),
            "{exp:?}"
        );
    }

    #[test]
    fn the_ssh_verdict_names_the_version_or_says_it_is_unknown() {
        for (version, why) in [
            (
                Some((4, 4)),
                "this Manager (4.4) refuses Enroll Certificate",
            ),
            (None, "the Manager's version is unknown"),
        ] {
            let mut f = good();
            let m = f.manager.as_mut().unwrap();
            m.version = version;
            m.hosts[0].cert_expired = Some("2026-12-01T00:00:00Z".into());
            let c = evaluate(&f);
            let fix = c
                .iter()
                .find(|c| c.id == "host-certs-valid")
                .and_then(|c| c.fix.clone())
                .unwrap();
            assert!(fix.starts_with(why), "{fix}");
            assert!(fix.contains("hosts recover --ssh --host h1"), "{fix}");
        }
    }

    /// Every failure variant the checks have, in a few runs.
    fn all_failures() -> Vec<Check> {
        let mut out = Vec::new();
        let mut f = good();
        f.pki_readable = Err(AuditError::PkiDir {
            path: "x".into(),
            reason: crate::audit::PkiDirProblem::NotADirectory,
        });
        f.ca_key = Err(CaKeyError::Unreadable {
            path: "x".into(),
            source: std::io::Error::from_raw_os_error(13),
        });
        f.p12_password = Err(P12PasswordError::Password("x".into()));
        f.unfinished_change = Some(UnfinishedChange {
            id: "x".into(),
            reason: "resign".into(),
            created: "y".into(),
        });
        f.backup_writable = Err(BackupDirError::NoDirectory { dir: "x".into() });
        f.backup_free = Some(1);
        let m = f.manager.as_mut().unwrap();
        m.hosts.push(host("h3", "maintenance"));
        m.hosts[0].cert_expired = Some("2026-12-01T00:00:00Z".into());
        m.hosted_engine.as_mut().unwrap().agents_inactive = vec!["h2".into()];
        m.capacity_short = vec![CapacityShort {
            host: "h1".into(),
            why: Text::new("phrase-wave-last-up").arg("cluster", "Default"),
        }];
        m.placement = Err(PlanError::HostedEngine(
            Text::new("phrase-he-not-up").arg("host", "h2"),
        ));
        out.extend(evaluate(&f));
        for v in [Some((4, 5)), None] {
            f.manager.as_mut().unwrap().version = v;
            f.manager
                .as_mut()
                .unwrap()
                .hosted_engine
                .as_mut()
                .unwrap()
                .state = Err("x".into());
            out.extend(evaluate(&f));
        }
        f.manager.as_mut().unwrap().reachable = Err(UnreachableError::Setup("x".into()));
        out.extend(evaluate(&f));
        out.retain(|c| c.status == CheckStatus::Fail);
        out
    }

    #[test]
    fn every_fix_is_a_catalogue_message_whose_english_is_the_json_fix() {
        use crate::i18n::{Arg, Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let checks = all_failures();
        let keys: std::collections::BTreeSet<&str> = checks
            .iter()
            .map(|c| c.fix_msg.as_ref().unwrap().0)
            .collect();
        // 12 checks; hosted-engine has two fixes and host-certs-valid three.
        assert_eq!(keys.len(), 15, "{keys:?}");
        for c in &checks {
            let (key, vars) = c.fix_msg.as_ref().unwrap();
            let args: Vec<(&str, Arg<'_>)> = vars.iter().map(|(k, v)| (*k, Arg::Str(v))).collect();
            assert_eq!(
                en.fmt(key, &args),
                c.fix.clone().unwrap(),
                "{}: en.ftl {key}",
                c.id
            );
            let j = ja.fmt(key, &args);
            assert!(
                j != *key && j.chars().any(|ch| ('\u{3040}'..='\u{30ff}').contains(&ch)),
                "{key}: {j}"
            );
            for (_, v) in vars {
                assert!(j.contains(v.as_str()), "{key} drops {v}: {j}");
            }
        }
    }

    #[test]
    fn worded_details_are_catalogue_messages_whose_english_is_the_json_detail() {
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let mut none = good();
        none.manager = None;
        let mut unreadable = good();
        unreadable.manager.as_mut().unwrap().reachable =
            Err(UnreachableError::Setup("connection refused".into()));
        let mut checks = evaluate(&good());
        checks.extend(all_failures());
        checks.extend(evaluate(&none));
        checks.extend(evaluate(&unreadable));
        let mut keys = std::collections::BTreeSet::new();
        for c in &checks {
            let Some(d) = &c.detail_text else { continue };
            keys.insert(d.key);
            assert_eq!(d.render(&en), c.detail, "{}: en.ftl {}", c.id, d.key);
            let j = d.render(&ja);
            assert!(
                j.chars().any(|ch| ('\u{3040}'..='\u{30ff}').contains(&ch)),
                "{}: {j}",
                d.key
            );
            // The evidence (plain variables) is kept; nested messages are said in Japanese.
            for v in d.args.iter().filter_map(|(_, v)| match v {
                crate::i18n::Value::Str(s) => Some(s),
                crate::i18n::Value::Text(_) => None,
            }) {
                assert!(j.contains(v.as_str()), "{} drops {v}: {j}", d.key);
            }
        }
        // Every pass and skip is worded, and the failures the check words itself.
        assert!(keys.len() >= 18, "{keys:?}");
        for c in &checks {
            if c.status != CheckStatus::Fail {
                assert!(
                    c.detail_text.is_some(),
                    "{} {:?}: {}",
                    c.id,
                    c.status,
                    c.detail
                );
            }
        }
    }

    #[test]
    fn an_excluded_host_does_not_block() {
        let mut f = good();
        let m = f.manager.as_mut().unwrap();
        let mut h = host("h9", "maintenance");
        h.excluded = true;
        h.cert_expired = Some("2020-01-01T00:00:00Z".into());
        m.hosts.push(h);
        assert!(all_pass(&evaluate(&f)));
    }

    #[test]
    fn without_a_manager_the_host_checks_are_skipped_not_passed() {
        let mut f = good();
        f.manager = None;
        let c = evaluate(&f);
        assert!(all_pass(&c));
        assert_eq!(ids_with(&c, CheckStatus::Skip), MANAGER_CHECKS.to_vec());
    }

    #[test]
    fn an_unreachable_manager_fails_once_and_the_rest_is_not_judged() {
        let mut f = good();
        f.manager.as_mut().unwrap().reachable = Err(UnreachableError::Setup(
            "https://engine/ovirt-engine/sso: 401".into(),
        ));
        let c = evaluate(&f);
        assert_eq!(ids_with(&c, CheckStatus::Fail), ["engine-reachable"]);
        assert_eq!(ids_with(&c, CheckStatus::Skip).len(), 5);
    }

    #[test]
    fn an_unknown_hosted_engine_state_fails() {
        let mut f = good();
        f.manager.as_mut().unwrap().hosted_engine = Some(HostedEngineFacts {
            state: Err("hosted-engine --vm-status: timed out".into()),
            agents_inactive: vec![],
        });
        let c = evaluate(&f);
        assert_eq!(ids_with(&c, CheckStatus::Fail), ["hosted-engine"]);
    }

    #[test]
    fn the_json_shape_has_lowercase_status_and_no_fix_on_a_pass() {
        let c = evaluate(&good());
        let v = serde_json::to_value(&c[0]).unwrap();
        assert_eq!(v["status"], "pass");
        assert!(v.get("fix").is_none());
    }

    /// The detail of each failed fact is its error's text (the JSON's, byte for byte, as
    /// the callers wrote it before the errors were typed); the error keeps its evidence.
    #[test]
    fn a_failed_fact_s_detail_is_its_error_s_text_and_the_error_keeps_its_evidence() {
        use std::error::Error as _;
        let detail = |f: &Facts, id: &str| {
            let c = evaluate(f);
            let c = c.iter().find(|c| c.id == id).unwrap();
            assert_eq!(c.status, CheckStatus::Fail, "{c:?}");
            // rhv-pki's words are said in the reader's language; English the same.
            if let Some(t) = &c.detail_text {
                assert_eq!(t.english(), c.detail, "{c:?}");
                assert_ne!(t.key, "reason-verbatim", "an error's own text: {c:?}");
            }
            c.detail.clone()
        };
        let mut f = good();
        f.ca_key = Err(CaKeyError::Unreadable {
            path: "/etc/pki/ovirt-engine/private/ca.pem".into(),
            source: std::io::Error::from_raw_os_error(2),
        });
        assert_eq!(
            detail(&f, "ca-key"),
            "/etc/pki/ovirt-engine/private/ca.pem: No such file or directory (os error 2)"
        );
        let Err(CaKeyError::Unreadable { path, source }) = &f.ca_key else {
            unreachable!()
        };
        assert!(path.ends_with("private/ca.pem"));
        assert_eq!(source.kind(), std::io::ErrorKind::NotFound);

        let refused = |path: &str, code, message: &str| StoreRefused {
            path: path.into(),
            code,
            message: message.into(),
        };
        f.p12_password = Err(P12PasswordError::Stores {
            stores: vec![
                refused("keys/engine.p12", "p12-password-wrong", "wrong password"),
                refused("keys/apache.p12", "p12-unreadable", "truncated"),
            ],
        });
        assert_eq!(
            detail(&f, "p12-password"),
            "keys/engine.p12: wrong password; keys/apache.p12: truncated"
        );
        f.p12_password = Err(P12PasswordError::Password(
            "/root/p12.pass: No such file or directory (os error 2)".into(),
        ));
        assert_eq!(
            detail(&f, "p12-password"),
            "/root/p12.pass: No such file or directory (os error 2)"
        );

        f.backup_writable = Err(BackupDirError::NoDirectory {
            dir: "/nowhere/backups".into(),
        });
        assert_eq!(
            detail(&f, "backup-writable"),
            "/nowhere/backups: no such directory"
        );
        f.backup_writable = Err(BackupDirError::NotWritable {
            dir: "/var/lib/rhv-pki".into(),
            source: std::io::Error::from_raw_os_error(13),
        });
        assert_eq!(
            detail(&f, "backup-writable"),
            "/var/lib/rhv-pki: Permission denied (os error 13)"
        );
        let e = f.backup_writable.as_ref().unwrap_err();
        let io = e.source().and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(
            io.map(|e| e.kind()),
            Some(std::io::ErrorKind::PermissionDenied)
        );

        f.pki_readable = Err(AuditError::PkiDir {
            path: "/srv/copy/etc/pki/ovirt-engine".into(),
            reason: crate::audit::PkiDirProblem::NotADirectory,
        });
        let audit_text = f.pki_readable.as_ref().unwrap_err().to_string();
        assert!(
            audit_text.contains("/srv/copy/etc/pki/ovirt-engine"),
            "{audit_text}"
        );
        assert_eq!(detail(&f, "pki-readable"), audit_text);

        let m = f.manager.as_mut().unwrap();
        m.placement = Err(PlanError::HostedEngine(
            Text::new("phrase-he-agent-inactive").arg("host", "h2"),
        ));
        assert_eq!(
            detail(&f, "placement"),
            "the plan cannot keep the HostedEngine VM safe, so nothing was started: h2's HA \
             agent is not active"
        );
        f.manager.as_mut().unwrap().reachable = Err(UnreachableError::Runtime(
            std::io::Error::from_raw_os_error(24),
        ));
        assert_eq!(
            detail(&f, "engine-reachable"),
            "cannot start the async runtime: Too many open files (os error 24)"
        );
        let e = f.manager.as_ref().unwrap().reachable.as_ref().unwrap_err();
        assert!(e.source().is_some_and(|s| s.is::<std::io::Error>()));
    }

    #[test]
    fn unfinished_capacity_and_caller_details_keep_their_english_and_have_japanese() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{io_error, Lang, Messages};
        let ja = Messages::new(Lang::Ja);
        let said = |f: &Facts, id: &str| {
            let c = evaluate(f).into_iter().find(|c| c.id == id).unwrap();
            assert_eq!(c.status, CheckStatus::Fail, "{c:?}");
            let t = c.detail_text.clone().unwrap_or_else(|| panic!("{c:?}"));
            assert_eq!(t.english(), c.detail);
            (c.detail, strict(&ja, &t))
        };
        let mut f = good();
        let u = UnfinishedChange {
            id: "20261207230211".into(),
            reason: "before rhv-pki resign".into(),
            created: "2026-12-07T23:02:11Z".into(),
        };
        // Byte for byte what the pre-check said before.
        assert_eq!(
            u.to_string(),
            format!(
                "backup {} ({}, {}) was interrupted and left the PKI half-written",
                u.id, u.reason, u.created
            )
        );
        f.unfinished_change = Some(u.clone());
        let (en, j) = said(&f, "no-unfinished-change");
        assert_eq!(en, u.to_string());
        assert!(japanese(&j), "{j}");
        for e in [&u.id, &u.reason, &u.created] {
            assert!(j.contains(e.as_str()), "{e} not in {j}");
        }

        let pw = Said(
            Text::new("error-password-file")
                .arg("path", "/root/p12.pass")
                .arg_text("error", io_error(&std::io::Error::from_raw_os_error(2))),
        );
        assert_eq!(
            pw.to_string(),
            "/root/p12.pass: cannot read password file: No such file or directory (os error 2)"
        );
        f.p12_password = Err(P12PasswordError::Password(Box::new(pw.clone())));
        let (en, j) = said(&f, "p12-password");
        assert_eq!(en, pw.to_string());
        assert!(japanese(&j) && j.contains("/root/p12.pass"), "{j}");
        assert!(j.contains("No such file or directory (os error 2)"), "{j}");

        let m = f.manager.as_mut().unwrap();
        m.capacity_short = vec![
            CapacityShort {
                host: "h1".into(),
                why: Text::new("phrase-wave-capacity")
                    .arg("vm", 12288)
                    .arg("cluster", "Default")
                    .arg("free", 4096),
            },
            CapacityShort {
                host: "h3".into(),
                why: Text::new("phrase-wave-last-up").arg("cluster", "Solo"),
            },
        ];
        let (en, j) = said(&f, "capacity");
        assert_eq!(
            en,
            "h1: its VMs (12288 MiB) do not fit in the other Up hosts of cluster Default (4096 \
             MiB schedulable); h3: the only Up host of cluster Solo: taking it out would leave \
             none"
        );
        assert!(japanese(&j), "{j}");
        for e in ["h1: ", "h3: ", "12288", "4096", "Default", "Solo"] {
            assert!(j.contains(e), "{e} not in {j}");
        }

        // The Manager's client could not be set up: the caller's words, said.
        let ca = Said(
            Text::new("pki-error-in-file")
                .arg("path", "/tmp/ca.pem")
                .arg_text("detail", Text::new("pki-error-no-certificate")),
        );
        f.manager.as_mut().unwrap().reachable = Err(UnreachableError::Setup(Box::new(ca.clone())));
        let (en, j) = said(&f, "engine-reachable");
        assert_eq!(en, ca.to_string());
        assert!(japanese(&j) && j.contains("/tmp/ca.pem"), "{j}");
        // Any other caller error stays its own text.
        f.manager.as_mut().unwrap().reachable = Err(UnreachableError::Setup("as it came".into()));
        let c = evaluate(&f);
        let c = c.iter().find(|c| c.id == "engine-reachable").unwrap();
        assert_eq!(c.detail, "as it came");
        assert!(c.detail_text.is_none(), "{c:?}");
    }
}
