//! `rhv-pki hosts enroll` and the TLS side of `hosts audit`: the Manager REST API options,
//! what each host's vdsm serves, and rolling re-enrollment. Arguments become library
//! configurations here; the terminal (indicatif bars or plain log lines) is only known here.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use super::args::{
    engine_config, locations, read_ca, EngineArgs, Format, LocationArgs, VdsmProbeArgs,
};
use super::exit::{CliError, ExitStatus};
use super::lang::t as tr;
use super::lang::{t, tf};
use super::term::{out, say, step_name, Bars, Lines};
use rhv_pki::audit::{self, AuditConfig, AuditReport, Role};
use rhv_pki::hosts::rolling::{
    self, ExecConfig, Plan, RunState, Selection, Step, Timing, VdsmEndpoints,
};
use rhv_pki::i18n::{self, pad, width};
use rhv_pki::net::engine::Engine;

#[derive(Debug, clap::Args)]
pub struct HostsEnrollArgs {
    #[command(flatten)]
    pub loc: LocationArgs,
    /// Only hosts of these clusters (names).
    #[arg(long, value_name = "NAME")]
    pub cluster: Vec<String>,
    /// Only these hosts (names or addresses).
    #[arg(long, value_name = "NAME")]
    pub host: Vec<String>,
    /// Only hosts whose served certificate needs it: SHA-1, expiring within --within, not
    /// signed by the current CA, SAN without the address, issued before the CA was re-signed.
    /// This is the default; the flag is kept for compatibility.
    #[arg(long, conflicts_with = "all_hosts")]
    pub only_needed: bool,
    /// Re-enroll every selected host, also those whose certificate is already current.
    #[arg(long)]
    pub all_hosts: bool,
    /// Certificates expiring within this many days need a re-enrollment.
    #[arg(long, value_name = "DAYS", default_value_t = 365)]
    pub within: i64,
    /// Drop the unfinished run recorded in the state file (kept beside it as
    /// `<state>.discarded`) and plan anew.
    #[arg(long)]
    pub discard_state: bool,
    /// Never more than this many hosts out of service at once.
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub max_parallel: usize,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Run without asking (required when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// The run's state file (resume by re-running the same command)
    /// [default: /var/lib/rhv-pki/enroll-state.json, under --root when given].
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Seconds between status polls.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub poll_interval: f64,
    /// Seconds a host may take to reach maintenance before it is given back and the run stops.
    #[arg(long, value_name = "SECONDS", default_value_t = 1800.0)]
    pub maintenance_timeout: f64,
    /// Seconds for Enroll Certificate to start (installing / event 881).
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub install_start_timeout: f64,
    /// Seconds for Enroll Certificate to finish.
    #[arg(long, value_name = "SECONDS", default_value_t = 1200.0)]
    pub install_timeout: f64,
    /// Seconds for an activated host to come up.
    #[arg(long, value_name = "SECONDS", default_value_t = 1200.0)]
    pub activate_timeout: f64,
    /// Seconds a host still on its way (unassigned, initializing, preparing for maintenance)
    /// is read again before the run declares where it ended up.
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub settle_timeout: f64,
    /// Seconds safe reads keep being retried while the Manager is unreachable or answers
    /// 500/502/503/504 (a restart, an outage), with back-off.
    #[arg(long, value_name = "SECONDS", default_value_t = 300.0)]
    pub outage_timeout: f64,
    // Last: a heading applies to every argument after it.
    #[command(flatten, next_help_heading = "Manager API")]
    pub engine: EngineArgs,
    #[command(flatten, next_help_heading = "vdsm TLS")]
    pub probe: VdsmProbeArgs,
}

pub(super) fn endpoints(p: &VdsmProbeArgs) -> Result<VdsmEndpoints, CliError> {
    let mut e = VdsmEndpoints::new(p.vdsm_port);
    for spec in &p.vdsm_endpoint {
        let bad = || CliError::Text(i18n::Text::new("cli2-vdsm-endpoint").arg("spec", spec));
        let (name, ep) = spec.split_once('=').ok_or_else(bad)?;
        if name.is_empty() || !ep.contains(':') {
            return Err(bad());
        }
        e.overrides.insert(name.to_string(), ep.to_string());
    }
    Ok(e)
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    rhv_pki::exec::runtime(rhv_pki::exec::Threads::Pool {
        workers: 2,
        name: "rhv-pki-enroll",
    })
    .map_err(|e| {
        CliError::Text(i18n::Text::new("cli2-no-runtime").arg_text("error", i18n::io_error(&e)))
    })
}

fn secs(v: f64, flag: &str) -> Result<Duration, CliError> {
    if !(v.is_finite() && v > 0.0) {
        return Err(CliError::Text(
            i18n::Text::new("cli2-positive-seconds").arg("flag", flag),
        ));
    }
    Ok(Duration::from_secs_f64(v))
}

fn engine_err(e: rhv_pki::net::engine::EngineError) -> CliError {
    CliError::RefusedText(e.text())
}

// ---------------------------------------------------------------------------------------------
// hosts audit (TLS)

/// The TLS mode of `hosts audit`: asks the Manager for its hosts (or takes `hosts`, each
/// `ADDRESS` or `NAME=HOST:PORT`), handshakes with each vdsm and judges what it serves.
pub struct TlsAudit<'a> {
    pub loc: &'a LocationArgs,
    pub engine: &'a EngineArgs,
    pub probe: &'a VdsmProbeArgs,
    pub hosts: &'a [String],
    pub clusters: &'a [String],
    pub cfg: AuditConfig,
}

pub fn audit_tls(t: TlsAudit<'_>) -> Result<AuditReport, CliError> {
    let mut eps = endpoints(t.probe)?;
    let l = locations(t.loc);
    let timeout = Duration::from_secs(t.probe.probe_timeout.max(1));
    let rt = runtime()?;
    // (name, address, endpoint) per host; the cluster's name by host name.
    let mut cluster_of = std::collections::HashMap::new();
    let (targets, ca_der): (Vec<(String, String, String)>, Vec<u8>) = if !t.hosts.is_empty() {
        let ca_path = t
            .engine
            .ca_file
            .clone()
            .unwrap_or_else(|| l.pki_dir.join("ca.pem"));
        let ca = read_ca(&ca_path)?;
        let mut v = Vec::new();
        for h in t.hosts {
            let (name, ep) = match h.split_once('=') {
                Some((n, e)) => (n.to_string(), e.to_string()),
                // A --vdsm-endpoint for this name says where its vdsm listens.
                None => (
                    h.clone(),
                    eps.overrides
                        .get(h)
                        .cloned()
                        .unwrap_or_else(|| eps.of_address(h)),
                ),
            };
            eps.overrides.entry(name.clone()).or_insert(ep.clone());
            v.push((name.clone(), name, ep));
        }
        (v, ca)
    } else {
        let (cfg, _) = engine_config(t.engine, t.loc)?;
        let ca = cfg.ca_der.clone();
        let hosts = rt.block_on(async {
            let e = Engine::login(cfg).await?;
            let clusters = e.clusters().await?;
            let hosts = e.hosts(None).await?;
            e.logout().await;
            Ok::<_, rhv_pki::net::engine::EngineError>((clusters, hosts))
        });
        // The audit could not run: UNKNOWN (3) in Nagios terms.
        let (clusters, hosts) = hosts.map_err(|e| {
            CliError::Text(i18n::Text::new("cli2-hosts-audit-manager").arg_text("error", e.text()))
        })?;
        for c in t.clusters {
            if !clusters.iter().any(|x| &x.name == c) {
                return Err(CliError::Text(
                    i18n::Text::new("cli2-unknown-cluster").arg("cluster", c),
                ));
            }
        }
        let wanted: Vec<String> = clusters
            .iter()
            .filter(|c| t.clusters.is_empty() || t.clusters.contains(&c.name))
            .map(|c| c.id.clone())
            .collect();
        for h in &hosts {
            let c = clusters
                .iter()
                .find(|c| h.cluster_id.as_ref() == Some(&c.id));
            if let Some(c) = c {
                cluster_of.insert(h.name.clone(), c.name.clone());
            }
        }
        let v = hosts
            .iter()
            .filter(|h| h.cluster_id.as_ref().is_none_or(|c| wanted.contains(c)))
            .map(|h| (h.name.clone(), h.address.clone(), eps.of(h)))
            .collect();
        (v, ca)
    };
    drop(rt);
    let targets: Vec<rhv_pki::hosts::vdsm::Target> = targets
        .into_iter()
        .map(|(name, address, endpoint)| rhv_pki::hosts::vdsm::Target {
            cluster: cluster_of.get(&name).cloned(),
            name,
            address,
            endpoint,
        })
        .collect();
    let probe = rhv_pki::hosts::vdsm::Probe {
        timeout,
        parallel: t.probe.probe_parallel,
    };
    let rows = rhv_pki::hosts::vdsm::audit(&targets, &ca_der, &t.cfg, probe);
    let cfg = &t.cfg;
    let mut rep = AuditReport {
        pki_dir: format!("{} (hosts' vdsm over TLS)", l.pki_dir.display()),
        engine_fqdn: None,
        era: None,
        now: cfg.now,
        warn_days: cfg.warn_days,
        crit_days: cfg.crit_days,
        certificates: Vec::new(),
        findings: Vec::new(),
        inventory: Vec::new(),
    };
    for (rec, findings) in rows {
        rep.certificates.extend(rec);
        rep.findings.extend(findings);
    }
    Ok(rep)
}

// ---------------------------------------------------------------------------------------------
// hosts enroll

/// Default state file (under `--root` when given).
pub const DEFAULT_STATE: &str = "/var/lib/rhv-pki/enroll-state.json";

/// One reason a host was selected, in the audit's vocabulary: the finding code `audit` and
/// `hosts audit` give the same certificate, and the action they print for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HostReason {
    pub code: String,
    pub reason: String,
    pub action: Option<String>,
}

/// The planner's reasons (`code: detail`) as finding codes and actions. The action comes from
/// the audit's own rule for a host certificate ([`audit::action_for`]), so an expired one says
/// `hosts recover --ssh` as `audit` and `hosts audit` do.
pub fn host_reasons(reasons: &[String]) -> Vec<HostReason> {
    use audit::Problem as P;
    let s = String::new;
    reasons
        .iter()
        .map(|r| {
            let (code, problem) = match r.split_once(": ").map(|(c, _)| c) {
                Some("sha1-signature") => {
                    ("sha1-signature", Some(P::Sha1Signature { algorithm: s() }))
                }
                Some("chain-invalid") => (
                    "chain-invalid",
                    Some(P::ChainInvalid {
                        ca: s(),
                        reason: s().into(),
                    }),
                ),
                Some("missing-san") => ("missing-san", Some(P::MissingSan)),
                Some("san-mismatch") => (
                    "san-mismatch",
                    Some(P::SanMismatch {
                        expected: s(),
                        san: Vec::new(),
                    }),
                ),
                Some("expired") => (
                    "expired",
                    Some(P::Expired {
                        not_after: s(),
                        now: s(),
                    }),
                ),
                Some("expiring") => (
                    "expiring",
                    Some(P::Expiring {
                        not_after: s(),
                        days_left: 0,
                        threshold_days: 0,
                    }),
                ),
                Some("issued-before-ca-renewal") => (
                    "issued-before-ca-renewal",
                    Some(P::IssuedBeforeCaRenewal {
                        ca: s(),
                        ca_not_before: s(),
                    }),
                ),
                _ if r.starts_with("vdsm certificate could not be read") => (
                    "endpoint-unreachable",
                    Some(P::EndpointUnreachable {
                        endpoint: "vdsm".into(),
                        address: s(),
                        service: "vdsm".into(),
                        reason: s().into(),
                    }),
                ),
                // `--all-hosts` ("selected"), "not probed": no finding behind them.
                _ => ("selected", None),
            };
            HostReason {
                code: code.into(),
                reason: r.clone(),
                action: problem.and_then(|p| audit::action_for(&p, &Role::Host)),
            }
        })
        .collect()
}

/// The one command for a host: recovery over SSH when any reason needs it (the Manager can
/// no longer enroll an expired certificate), else the first reason's action.
fn host_action(reasons: &[HostReason]) -> Option<String> {
    reasons
        .iter()
        .filter_map(|r| r.action.clone())
        .find(|a| a == audit::HOST_RECOVER)
        .or_else(|| reasons.iter().find_map(|r| r.action.clone()))
}

/// The plan as JSON, each host with its reasons as findings (`code`, `reason`, `action`) and
/// its `action`, the same vocabulary as `audit` / `hosts audit`.
fn plan_json(p: &Plan) -> Result<serde_json::Value, CliError> {
    let mut v = serde_json::to_value(p).map_err(|e| CliError::Output(e.to_string()))?;
    if let Some(hosts) = v.get_mut("hosts").and_then(|h| h.as_array_mut()) {
        for (h, planned) in hosts.iter_mut().zip(&p.hosts) {
            let reasons = host_reasons(&planned.reasons);
            if let Some(m) = h.as_object_mut() {
                m.insert("action".into(), serde_json::json!(host_action(&reasons)));
                m.insert("findings".into(), serde_json::json!(reasons));
            }
        }
    }
    Ok(v)
}

fn plan_text(p: &Plan) -> String {
    let mut s = String::new();
    if p.is_empty() {
        s.push_str(&t("enroll-nothing"));
        s.push('\n');
    } else {
        s.push_str(&tf(
            "enroll-plan",
            &[
                ("hosts", p.hosts.len().into()),
                ("waves", p.waves.len().into()),
                ("parallel", p.max_parallel.into()),
            ],
        ));
        s.push('\n');
    }
    // With --all-hosts planning probes nothing: each host's serial is read just before its
    // wave, and the table says so rather than showing an unknown.
    let at_wave = t("enroll-serial-at-wave");
    let serial_of = |h: &rolling::PlannedHost| -> String {
        match h.served_serial.as_deref() {
            Some(s) => s.to_string(),
            None if h.reasons.iter().all(|r| r == "selected") => at_wave.clone(),
            None => "?".to_string(),
        }
    };
    // One column layout for every wave: the widest name, cluster and serial of the plan.
    let (wn, wc, ws) = p.hosts.iter().fold((28, 14, 8), |(a, b, c), h| {
        (
            a.max(width(&h.name)),
            b.max(width(&h.cluster)),
            c.max(width(&serial_of(h))),
        )
    });
    // By id: a list search per host is quadratic in a fleet of thousands.
    let by_id: std::collections::HashMap<&str, &rolling::PlannedHost> =
        p.hosts.iter().map(|h| (h.id.as_str(), h)).collect();
    for (i, w) in p.waves.iter().enumerate() {
        s.push_str(&format!(
            "  {}\n",
            tf("enroll-wave", &[("index", (i + 1).into())])
        ));
        for id in w {
            if let Some(h) = by_id.get(id.as_str()).copied() {
                let mut tags = Vec::new();
                if h.spm {
                    tags.push(t("enroll-tag-spm"));
                }
                if h.hosted_engine {
                    tags.push(t("enroll-tag-hosted-engine"));
                }
                if h.keep_in_maintenance {
                    tags.push(t("enroll-tag-kept-in-maintenance"));
                } else {
                    tags.push(tf(
                        "enroll-tag-vms",
                        &[
                            ("vms", h.vm_count.into()),
                            ("mib", (h.vm_memory >> 20).into()),
                        ],
                    ));
                }
                let reasons = host_reasons(&h.reasons);
                s.push_str(&format!(
                    "    {} {} {} {} {} {}\n",
                    pad(&h.name, wn),
                    t("enroll-col-cluster"),
                    pad(&h.cluster, wc),
                    t("enroll-col-serial"),
                    pad(&serial_of(h), ws),
                    tags.join(t("enroll-tag-sep").as_str()),
                ));
                // One line per reason: the finding code and detail as `audit` words them,
                // and the action `audit` / `hosts audit` print for it.
                for r in &reasons {
                    let reason = super::phrases::shown(&r.reason);
                    match &r.action {
                        Some(a) => s.push_str(&format!("      {reason} → {a}\n")),
                        None => s.push_str(&format!("      {reason}\n")),
                    }
                }
                if let Some(a) = host_action(&reasons).filter(|a| a == audit::HOST_RECOVER) {
                    s.push_str(&format!(
                        "      {}\n",
                        tf("enroll-note-expired", &[("action", a.as_str().into())])
                    ));
                }
            }
        }
    }
    let wk = p.skipped.iter().fold(20, |a, k| a.max(width(&k.name)));
    for k in &p.skipped {
        s.push_str(&format!(
            "  {} {} {}\n",
            t("enroll-skipped"),
            pad(&k.name, wk),
            super::phrases::shown(&k.reason)
        ));
    }
    s
}

/// A shell word, quoted only when it must be.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./=:@,+-%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The command that resumes this run: the same arguments, without the one-shot ones.
fn resume_command() -> String {
    let mut v = vec!["rhv-pki".to_string()];
    v.extend(
        std::env::args()
            .skip(1)
            .filter(|a| a != "--discard-state" && a != "--dry-run")
            .map(|a| shell_word(&a)),
    );
    v.join(" ")
}

/// Hosts the selection names whose served certificate needs nothing: left alone by default.
fn up_to_date(
    facts: &[rolling::HostFacts],
    sel: &Selection,
    plan: &Plan,
) -> Vec<rolling::SkippedHost> {
    // Sets: a list search per host was quadratic in a fleet of thousands.
    let planned: std::collections::HashSet<&str> =
        plan.hosts.iter().map(|h| h.id.as_str()).collect();
    let skipped: std::collections::HashSet<&str> =
        plan.skipped.iter().map(|k| k.name.as_str()).collect();
    facts
        .iter()
        .filter(|f| sel.clusters.is_empty() || sel.clusters.contains(&f.cluster_name))
        .filter(|f| {
            sel.hosts.is_empty()
                || sel
                    .hosts
                    .iter()
                    .any(|n| n == &f.host.name || n == &f.host.address)
        })
        .filter(|f| {
            !planned.contains(f.host.id.as_str()) && !skipped.contains(f.host.name.as_str())
        })
        .filter_map(|f| {
            let s = f.served.as_ref()?;
            (s.error.is_none() && rolling::needs(s, sel).is_empty()).then(|| rolling::SkippedHost {
                name: f.host.name.clone(),
                // English (the JSON carries it); shown translated.
                reason: super::phrases::english(
                    "enroll-up-to-date",
                    &[
                        ("serial", s.serial.as_deref().unwrap_or("?").into()),
                        ("signature", s.signature.as_deref().unwrap_or("?").into()),
                    ],
                ),
            })
        })
        .collect()
}

/// The state file (or the run's CA) failed the run: the error line `writing the report: …` it
/// always said (exit 3), its words in the admin's language.
fn writing(t: rhv_pki::i18n::Text) -> CliError {
    CliError::Text(rhv_pki::i18n::Text::new("error-writing-report").arg_text("error", t))
}

/// Registers SIGINT, SIGTERM and SIGHUP; the future resolves with the first one's name.
fn signals() -> Result<impl std::future::Future<Output = String>, CliError> {
    use tokio::signal::unix::{signal, SignalKind};
    let err = |e: std::io::Error| {
        CliError::Text(i18n::Text::new("cli2-no-signals").arg_text("error", i18n::io_error(&e)))
    };
    let mut int = signal(SignalKind::interrupt()).map_err(err)?;
    let mut term = signal(SignalKind::terminate()).map_err(err)?;
    let mut hup = signal(SignalKind::hangup()).map_err(err)?;
    Ok(async move {
        tokio::select! {
            _ = int.recv() => "SIGINT".to_string(),
            _ = term.recv() => "SIGTERM".to_string(),
            _ = hup.recv() => "SIGHUP".to_string(),
        }
    })
}

pub fn run_enroll(a: HostsEnrollArgs, now: i64) -> Result<ExitStatus, CliError> {
    if a.max_parallel == 0 {
        return Err(CliError::Text(rolling::PlanError::ZeroParallel.text()));
    }
    let timing = Timing {
        poll: secs(a.poll_interval, "--poll-interval")?,
        maintenance: secs(a.maintenance_timeout, "--maintenance-timeout")?,
        install_start: secs(a.install_start_timeout, "--install-start-timeout")?,
        install: secs(a.install_timeout, "--install-timeout")?,
        activate: secs(a.activate_timeout, "--activate-timeout")?,
        spm: secs(a.maintenance_timeout, "--maintenance-timeout")?,
        probe: Duration::from_secs(a.probe.probe_timeout.max(1)),
        settle: secs(a.settle_timeout, "--settle-timeout")?,
    };
    let outage = secs(a.outage_timeout, "--outage-timeout")?;
    let eps = endpoints(&a.probe)?;
    let (mut cfg, _ca_path) = engine_config(&a.engine, &a.loc)?;
    // Reads ride out a Manager outage; the back-off follows the poll interval (never slower
    // than 10 s between attempts).
    cfg.outage = outage;
    cfg.retry_delay = timing.poll.min(Duration::from_millis(500));
    cfg.retry_max_delay = (timing.poll * 4).clamp(cfg.retry_delay, Duration::from_secs(10));
    let l = locations(&a.loc);
    let state_path = a.state.clone().unwrap_or_else(|| match &a.loc.root {
        Some(r) => r.join(DEFAULT_STATE.trim_start_matches('/')),
        None => PathBuf::from(DEFAULT_STATE),
    });
    let previous = RunState::load(&state_path).map_err(|e| CliError::Text(e.text()))?;
    let args = rolling::RunArgs::new(&a.host, &a.cluster, a.all_hosts, a.within, a.max_parallel);
    let url = cfg.url.clone();
    // An unfinished run is resumed only by the same command; anything else is refused before
    // the Manager is even asked, unless the admin drops it explicitly.
    let mut discarding = false;
    let resume = match previous.filter(|s| !s.finished) {
        Some(s) if a.discard_state => {
            discarding = true;
            let out = s.out_named();
            let described = s
                .args
                .as_ref()
                .map(|x| x.describe())
                .unwrap_or_else(|| t("enroll-args-not-recorded"));
            say(&format!(
                "rhv-pki: {}",
                tf(
                    if a.dry_run {
                        "enroll-would-discard"
                    } else {
                        "enroll-discarding"
                    },
                    &[
                        ("state", state_path.display().to_string().as_str().into()),
                        ("args", described.as_str().into()),
                    ]
                )
            ));
            for (n, st) in &out {
                say(&format!(
                    "rhv-pki: {}",
                    tf(
                        "enroll-attention-discarded",
                        &[("host", n.as_str().into()), ("status", st.as_str().into())]
                    )
                ));
            }
            None
        }
        Some(s) if s.engine_url != url => {
            return Err(CliError::RefusedText(
                rhv_pki::i18n::Text::new("enroll-state-other-manager")
                    .arg("path", state_path.display())
                    .arg("url", &s.engine_url),
            ));
        }
        Some(s) => match s.check_args(&args) {
            Ok(()) => Some(s),
            Err(saved) => {
                let out = s.out_named();
                let left = if out.is_empty() {
                    rhv_pki::i18n::Text::verbatim("")
                } else {
                    rhv_pki::i18n::Text::new("enroll-state-left-out").arg(
                        "hosts",
                        out.iter()
                            .map(|(n, st)| format!("{n} ({st})"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                };
                return Err(CliError::RefusedText(
                    rhv_pki::i18n::Text::new("enroll-state-other-args")
                        .arg("path", state_path.display())
                        .arg("saved", saved)
                        .arg("this", args.describe())
                        .arg_text("left", left),
                ));
            }
        },
        None => None,
    };
    let ca_der = cfg.ca_der.clone();
    // Host certificates must verify against the engine CA, even when the API is reached
    // through a third-party apache certificate (--ca-file apache-ca.pem).
    let engine_ca = read_ca(&l.pki_dir.join("ca.pem")).unwrap_or_else(|_| ca_der.clone());
    let ca_not_before = x509_parser::parse_x509_certificate(&engine_ca)
        .ok()
        .map(|(_, c)| c.validity().not_before.timestamp());
    let rt = runtime()?;
    let json = a.format == Format::Json;
    rt.block_on(async move {
        let engine = Engine::login(cfg).await.map_err(engine_err)?;
        if let Some(o) = engine.server_certificate().filter(|o| o.weak_signature) {
            say(&format!(
                "rhv-pki: {}",
                tf(
                    "enroll-warning-weak-https",
                    &[
                        ("serial", o.serial.as_str().into()),
                        ("signature", o.signature.as_str().into())
                    ]
                )
            ));
        }
        let resuming = resume.is_some();
        let mut state = match resume {
            Some(s) => {
                let done = s.hosts.values().filter(|p| p.step == Step::Done).count();
                // Who is out now: the hosts the saved run left out, and those it was cycling
                // when it stopped (a SIGKILL leaves no word about them), as the Manager says.
                let mut out = Vec::new();
                for h in &s.plan.hosts {
                    let Some(p) = s.hosts.get(&h.id) else {
                        continue;
                    };
                    let caught = matches!(
                        p.step,
                        Step::MovingSpm | Step::Deactivating | Step::Enrolling | Step::Activating
                    );
                    if !(p.left_in_maintenance || caught) || h.keep_in_maintenance {
                        continue;
                    }
                    match engine.host(&h.id).await {
                        Ok(x) if x.status == rhv_pki::net::engine::HostStatus::Up => {}
                        Ok(x) => out.push((h.name.clone(), x.status.to_string())),
                        Err(_) => out.push((h.name.clone(), "unknown".to_string())),
                    }
                }
                for (n, st) in &out {
                    say(&format!(
                        "rhv-pki: {}",
                        tf(
                            if a.dry_run {
                                "enroll-attention-out-dry"
                            } else {
                                "enroll-attention-out"
                            },
                            &[("host", n.as_str().into()), ("status", st.as_str().into())]
                        )
                    ));
                }
                let out_list = if out.is_empty() {
                    String::new()
                } else {
                    tf(
                        "enroll-resume-out",
                        &[(
                            "hosts",
                            out.iter()
                                .map(|(n, st)| format!("{n} ({st})"))
                                .collect::<Vec<_>>()
                                .join(", ")
                                .as_str()
                                .into(),
                        )],
                    )
                };
                say(&format!(
                    "rhv-pki: {}",
                    tf(
                        if a.dry_run {
                            "enroll-would-resume"
                        } else {
                            "enroll-resuming"
                        },
                        &[
                            ("state", state_path.display().to_string().as_str().into()),
                            ("done", done.into()),
                            ("total", s.plan.hosts.len().into()),
                            ("out", out_list.as_str().into()),
                        ]
                    )
                ));
                s
            }
            None => {
                // With --all-hosts every host is enrolled whatever it serves: planning reads
                // no certificate (5,000 TLS handshakes were nearly all of a big fleet's dry
                // run); each host is probed just before its wave instead. Without it the
                // probe decides who is enrolled, so it runs up front.
                let facts = rolling::gather(
                    &engine,
                    &eps,
                    &engine_ca,
                    !a.all_hosts,
                    timing.probe,
                    a.probe.probe_parallel,
                )
                .await
                .map_err(|e| CliError::RefusedText(e.text()))?;
                let sel = Selection {
                    clusters: a.cluster.clone(),
                    hosts: a.host.clone(),
                    only_needed: !a.all_hosts,
                    within_days: a.within,
                    max_parallel: a.max_parallel,
                    now,
                    ca_not_before,
                };
                let mut plan = rolling::plan(&facts, &sel, &eps).map_err(|e| match e {
                    rolling::PlanError::HostedEngine(_) => CliError::RefusedText(e.text()),
                    // A bad --cluster / --host / --max-parallel: a usage error (exit 3).
                    _ => CliError::Text(e.text()),
                })?;
                if !a.all_hosts {
                    let fine = up_to_date(&facts, &sel, &plan);
                    if !fine.is_empty() {
                        // A fleet's worth of names is no message: the first ten, then a
                        // count (the JSON report lists every one).
                        const SHOWN: usize = 10;
                        let mut names = fine
                            .iter()
                            .take(SHOWN)
                            .map(|k| k.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ");
                        if fine.len() > SHOWN {
                            names.push_str(&tf(
                                "enroll-and-more",
                                &[("count", (fine.len() - SHOWN).into())],
                            ));
                        }
                        say(&format!(
                            "rhv-pki: {}",
                            tf(
                                "enroll-left-alone",
                                &[
                                    ("count", fine.len().into()),
                                    ("hosts", names.as_str().into())
                                ]
                            )
                        ));
                    }
                    plan.skipped.extend(fine);
                }
                let mut st = RunState::new(&url, plan);
                st.args = Some(args.clone());
                st
            }
        };
        // What would really run: for a resumed run, its remaining hosts.
        let shown = state.remaining();
        if json && a.dry_run {
            let s = serde_json::to_string_pretty(&plan_json(&shown)?)
                .map_err(|e| CliError::Output(e.to_string()))?;
            out(&format!("{s}\n"))?;
        } else if !json {
            let mut t = plan_text(&shown);
            if resuming {
                // Where each remaining host stands: what the resume will do first.
                t.push_str(&tr("enroll-saved-progress"));
                t.push('\n');
                for h in &shown.hosts {
                    let p = state.hosts.get(&h.id).cloned().unwrap_or_default();
                    t.push_str(&format!(
                        "  {} {} {} {}{}{}\n",
                        pad(&h.name, 28),
                        pad(&step_name(p.step), 20),
                        tr("enroll-col-status"),
                        p.status.as_deref().unwrap_or("?"),
                        if p.enrolled {
                            tr("enroll-saved-enrolled")
                        } else {
                            String::new()
                        },
                        if p.left_in_maintenance {
                            tr("enroll-saved-out")
                        } else {
                            String::new()
                        }
                    ));
                }
            }
            out(&t)?;
        }
        if a.dry_run {
            engine.logout().await;
            return Ok(ExitStatus::Ok);
        }
        if shown.is_empty() {
            engine.logout().await;
            if resuming {
                // Every host of the saved run is done: close it.
                state.finished = true;
                state.save(&state_path).map_err(|e| writing(e.text()))?;
            }
            if json {
                // Nothing to do is still an answer: the report, with who was left alone.
                let rep = rolling::report(&state, true, false);
                let s = serde_json::to_string_pretty(&rep)
                    .map_err(|e| CliError::Output(e.to_string()))?;
                out(&format!("{s}\n"))?;
            }
            return Ok(ExitStatus::Ok);
        }
        if !a.yes {
            if !std::io::stdin().is_terminal() {
                engine.logout().await;
                // Not confirmed, as a "no" answer is (exit 2).
                return Err(CliError::Refused(t("enroll-refuse-no-terminal")));
            }
            {
                let mut e = std::io::stderr().lock();
                let _ = write!(e, "{} ", t("enroll-confirm"));
                let _ = e.flush();
            }
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
            if !matches!(line.trim(), "y" | "Y" | "yes") {
                engine.logout().await;
                say(&format!("rhv-pki: {}", t("enroll-nothing-done")));
                return Ok(ExitStatus::Refused);
            }
        }
        if discarding {
            let mut kept = state_path.clone().into_os_string();
            kept.push(".discarded");
            std::fs::rename(&state_path, &kept).map_err(|e| {
                writing(
                    rhv_pki::i18n::Text::new("roll-set-aside")
                        .arg("path", state_path.display())
                        .arg_text("error", rhv_pki::i18n::io_error(&e)),
                )
            })?;
        }
        state.save(&state_path).map_err(|e| writing(e.text()))?;
        let exec = ExecConfig {
            timing,
            state_path: state_path.clone(),
            ca_der: engine_ca,
        };
        let bars;
        let lines = Lines;
        let progress: &dyn rolling::Progress = if std::io::stderr().is_terminal() {
            let multi = indicatif::MultiProgress::new();
            let overall = multi.add(indicatif::ProgressBar::new(state.plan.hosts.len() as u64));
            overall.set_style(
                indicatif::ProgressStyle::with_template(&format!(
                    "{{bar:30}} {{pos}}/{{len}} {} {{msg}}",
                    tr("roll-bar-hosts")
                ))
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bars = Bars {
                multi,
                overall,
                hosts: Default::default(),
            };
            &bars
        } else {
            &lines
        };
        let interrupt = signals()?;
        super::trail::note(|r| r.hosts = shown.hosts.iter().map(|h| h.name.clone()).collect());
        super::trail::started();
        let mut rep = rolling::execute(&engine, state, &exec, progress, interrupt)
            .await
            .map_err(|e| writing(e.text()))?;
        super::trail::note(|r| super::trail::enroll_report(r, &rep));
        engine.logout().await;
        if !rep.completed {
            rep.resume_command = Some(resume_command());
        }
        // After a signal the terminal may be gone: what cannot be written is dropped, the exit
        // code still tells.
        let printed = if json {
            serde_json::to_string_pretty(&rep)
                .map_err(|e| CliError::Output(e.to_string()))
                .and_then(|s| out(&format!("{s}\n")))
        } else {
            let mut t = format!("\n{}\n", tr("enroll-result"));
            for h in &rep.hosts {
                t.push_str(&format!(
                    "  {} {} {} -> {}{}\n",
                    pad(&h.name, 28),
                    pad(&step_name(h.step), 20),
                    h.old_serial.as_deref().unwrap_or("?"),
                    h.new_serial.as_deref().unwrap_or("-"),
                    // This run's errors in the admin's language; one read from an earlier
                    // run's state file as it was recorded.
                    match (&h.error_text, &h.error) {
                        (Some(e), _) => format!("  {}", super::lang::with(|m| e.render(m))),
                        (None, Some(e)) => format!("  {e}"),
                        (None, None) => String::new(),
                    }
                ));
                if h.manager_said_install_failed {
                    t.push_str(&format!("    {}\n", tr("roll-report-install-failed")));
                }
            }
            out(&t)
        };
        if rep.signal.is_none() {
            printed?;
        }
        for o in &rep.out_of_service {
            let why = match o.status.as_str() {
                "unknown" => t("enroll-out-unknown"),
                "maintenance" => t("enroll-out-maintenance"),
                st => tf("enroll-out-status", &[("status", st.into())]),
            };
            say(&format!(
                "rhv-pki: {}",
                tf(
                    "enroll-attention-after",
                    &[
                        ("host", o.name.as_str().into()),
                        ("why", why.as_str().into())
                    ]
                )
            ));
        }
        let status = if let Some(sig) = &rep.signal {
            say(&format!(
                "rhv-pki: {}",
                tf(
                    "enroll-interrupted",
                    &[
                        ("signal", sig.as_str().into()),
                        ("state", state_path.display().to_string().as_str().into())
                    ]
                )
            ));
            ExitStatus::of_signal(Some(sig))
        } else if rep.completed {
            ExitStatus::Ok
        } else {
            ExitStatus::HostFailed
        };
        if let Some(c) = &rep.resume_command {
            say(&format!(
                "rhv-pki: {}",
                tf("enroll-to-resume", &[("command", c.as_str().into())])
            ));
        }
        Ok(status)
    })
}
