//! `rhv-pki hosts …`: work on the hosts the Manager signed. One enum variant and one `run_*`
//! function per subcommand; shared argument groups (how to reach hosts, which hosts) are
//! flattened into each, so adding a subcommand is adding a variant.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;

use super::args::{
    command_args, fault_from_env, locations, parse_time, rollback_command, ssh_options, thresholds,
    AuditFormat, EngineArgs, Format, LocationArgs, Policy, ReachArgs, VdsmProbeArgs,
    DEFAULT_BACKUP_DIR,
};
use super::exit::{CliError, ExitStatus};
use super::lang::{t, tf};

/// A reason of the recover plan in the admin's language (its English is the JSON's).
fn shown(r: &rhv_pki::audit::Reason) -> String {
    super::lang::with(|m| r.text().render(m))
}
use super::term::{self, print_json, Color};
use rhv_pki::audit::alert;
use rhv_pki::audit::report::{self, Status};
use rhv_pki::audit::{self, AuditConfig};
use rhv_pki::hosts::files::{self, HostSpec, Reach};
use rhv_pki::hosts::recover::{self, RecoverConfig};
use rhv_pki::i18n::Text;
use rhv_pki::net::ssh::{self, SshOptions};

use super::enroll;

#[derive(Debug, clap::Args)]
pub struct HostsArgs {
    #[command(subcommand)]
    pub command: HostsCommand,
}

#[derive(Debug, Subcommand)]
pub enum HostsCommand {
    /// Read every host's certificate set and judge it against the Manager's current CAs.
    ///
    /// Exit codes (Nagios): 0 OK; 1 WARNING; 2 CRITICAL (an unreachable host is critical);
    /// 3 UNKNOWN (bad arguments, unreadable PKI directory, the Manager could not be asked for
    /// its hosts, the textfile could not be written).
    Audit(HostsAuditArgs),
    /// Re-issue host certificates the Manager can no longer use (expired, CA changed) keeping
    /// each host's keys, install them, restart the services and confirm what vdsm serves.
    ///
    /// Exit codes: 0 done (or nothing due, or --dry-run with every host read); 1 a host could
    /// not be read or recovered, or the Manager write failed (Manager rolled back; the host's
    /// state is reported); 2 refused, nothing changed (not confirmed: without --yes on a
    /// stdin that is not a terminal no host is contacted; the lock or a check refused);
    /// 3 usage error.
    Recover(RecoverArgs),
    /// Re-enroll host certificates in rolling maintenance waves through the Manager:
    /// Maintenance → Enroll Certificate → Activate, then prove vdsm serves the new certificate.
    ///
    /// Exit codes: 0 done (or nothing to do, or --dry-run); 1 a host failed (see the report;
    /// hosts left in maintenance are listed); 2 refused before changing anything (not
    /// confirmed: answered no, or no --yes and stdin is not a terminal; login or TLS to the
    /// Manager; a saved run with other arguments; the plan cannot keep the HostedEngine VM
    /// safe); 3 usage error; 129 hangup, 130 interrupted, 143 terminated (re-run the same
    /// command to resume).
    Enroll(enroll::HostsEnrollArgs),
}

#[derive(Debug, clap::Args)]
pub struct HostsAuditArgs {
    #[command(flatten)]
    pub loc: LocationArgs,
    #[command(flatten)]
    pub reach: ReachArgs,
    /// Judge the certificates as of this time (YYYY-MM-DD or RFC 3339) instead of now.
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    /// Warn when a certificate expires within this many days [default: 365 for host certificates, as the Manager and hosts enroll --only-needed; or config.toml].
    #[arg(long, value_name = "DAYS")]
    pub warn_days: Option<i64>,
    /// Critical when a certificate expires within this many days [default: 30, or config.toml].
    #[arg(long, value_name = "DAYS")]
    pub crit_days: Option<i64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,
    /// Also write Prometheus metrics atomically to DIR/rhv_pki_hosts.prom (node_exporter textfile collector; beside audit's rhv_pki.prom).
    #[arg(long, value_name = "DIR")]
    pub textfile_dir: Option<PathBuf>,
    /// Config file (TOML thresholds per role class) [default: /etc/rhv-pki/config.toml if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colour the table: auto = only on a terminal.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Also give one readiness verdict: `el9` lists what RHEL 9's DEFAULT crypto policy
    /// rejects on the hosts (SHA-1 signatures, vmconsole certificates signed ssh-rsa, RSA < 2048),
    /// each with its fix; not ready makes the exit code at least 1 (WARNING).
    #[arg(long, value_enum, value_name = "POLICY")]
    pub policy: Option<Policy>,
    /// Without --ssh: only hosts of these clusters (names).
    #[arg(long, value_name = "NAME")]
    pub cluster: Vec<String>,
    // Keep these two last: a heading applies to every argument after it (tests/cli_story.rs).
    #[command(flatten, next_help_heading = "Manager API (without --ssh)")]
    pub engine: EngineArgs,
    #[command(flatten, next_help_heading = "vdsm TLS (without --ssh)")]
    pub probe: VdsmProbeArgs,
}

#[derive(Debug, clap::Args)]
pub struct RecoverArgs {
    #[command(flatten)]
    pub loc: LocationArgs,
    #[command(flatten)]
    pub reach: ReachArgs,
    /// Print the plan and change nothing (hosts are still read to make it).
    #[arg(long)]
    pub dry_run: bool,
    /// Apply without asking (required when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Validity of the new host certificates (VdsCertificateValidityInDays).
    #[arg(long, value_name = "DAYS", default_value_t = recover::DEFAULT_DAYS)]
    pub days: i64,
    /// Also recover hosts whose certificates expire within DAYS.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub within: i64,
    /// Re-issue even when nothing is due.
    #[arg(long)]
    pub force: bool,
    /// Do not restart services on the hosts: print the commands to run instead.
    #[arg(long)]
    pub no_restart: bool,
    /// vdsm's TLS port, probed after the restart.
    #[arg(long, value_name = "PORT", default_value_t = recover::VDSM_PORT)]
    pub vdsm_port: u16,
    /// How long to wait for vdsm to serve the new certificate after the restart.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub probe_timeout: u64,
    /// Where backups of the Manager PKI are kept [default: /var/lib/rhv-pki/backups, under --root when given].
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// How long to wait for the CA lock held by an engine enrollment.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub lock_timeout: u64,
}

pub fn run(a: HostsArgs, now: i64) -> Result<ExitStatus, CliError> {
    match a.command {
        HostsCommand::Audit(a) => run_audit(a, now),
        HostsCommand::Recover(a) => run_recover(a, now),
        HostsCommand::Enroll(a) => enroll::run_enroll(a, now),
    }
}

/// `v` as one shell word.
fn word(v: &str) -> String {
    if !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+=:@,{}[]".contains(&b))
    {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', "'\\''"))
    }
}

/// Without --ssh, how `hosts audit` reached the Manager and vdsm, as typed after
/// `hosts enroll` (which takes the same options), so the printed fix works as printed.
fn tls_args(a: &HostsAuditArgs) -> String {
    let e = &a.engine;
    let p = &a.probe;
    let mut s = String::new();
    if let Some(u) = &e.engine_url {
        s += &format!(" --engine-url {}", word(u));
    }
    if let Some(c) = &e.connect_to {
        s += &format!(" --connect-to {c}");
    }
    if let Some(f) = &e.ca_file {
        s += &format!(" --ca-file {}", word(&f.to_string_lossy()));
    }
    if e.user != "admin@internal" {
        s += &format!(" --user {}", word(&e.user));
    }
    if let Some(f) = &e.password_file {
        s += &format!(" --password-file {}", word(&f.to_string_lossy()));
    }
    if e.api_timeout != 60 {
        s += &format!(" --api-timeout {}", e.api_timeout);
    }
    if p.vdsm_port != 54321 {
        s += &format!(" --vdsm-port {}", p.vdsm_port);
    }
    for v in &p.vdsm_endpoint {
        s += &format!(" --vdsm-endpoint {}", word(v));
    }
    if p.probe_timeout != 10 {
        s += &format!(" --probe-timeout {}", p.probe_timeout);
    }
    if p.probe_parallel != 16 {
        s += &format!(" --probe-parallel {}", p.probe_parallel);
    }
    for c in &a.cluster {
        s += &format!(" --cluster {}", word(c));
    }
    s
}

/// With --ssh, how the hosts were reached, as typed after `hosts recover --ssh` (the fix the
/// verdict prints), so the printed command reaches the same hosts the same way; a non-default
/// `--vdsm-port` is where recover checks what vdsm serves after the restart. Never
/// `--accept-new-host-key`: a fix does not widen trust.
fn ssh_args(r: &ReachArgs, vdsm_port: u16) -> String {
    if !r.ssh {
        return String::new();
    }
    let mut s = String::new();
    if r.ssh_user != "root" {
        s += &format!(" --ssh-user {}", word(&r.ssh_user));
    }
    if let Some(k) = &r.ssh_key {
        s += &format!(" --ssh-key {}", word(&k.to_string_lossy()));
    }
    if let Some(k) = &r.known_hosts {
        s += &format!(" --known-hosts {}", word(&k.to_string_lossy()));
    }
    if r.ssh_port != ssh::DEFAULT_PORT {
        s += &format!(" --ssh-port {}", r.ssh_port);
    }
    if let Some(p) = &r.host_prefix {
        s += &format!(" --host-prefix {}", word(p));
    }
    for h in &r.hosts {
        s += &format!(" --host {}", word(h));
    }
    if vdsm_port != 54321 {
        s += &format!(" --vdsm-port {vdsm_port}");
    }
    s
}

fn reach(r: &ReachArgs) -> Result<Reach, CliError> {
    if !r.ssh {
        return Err(CliError::Text(Text::new("cli2-hosts-reach-how")));
    }
    if r.max_parallel == 0 || r.max_parallel > 256 {
        return Err(super::args::out_of_range(
            "--max-parallel",
            r.max_parallel,
            "1..256",
        ));
    }
    if let Some(k) = &r.ssh_key {
        if !k.is_file() {
            return Err(CliError::Text(
                Text::new("cli2-ssh-key-unreadable").arg("path", k.display()),
            ));
        }
    }
    Ok(Reach {
        ssh: {
            let d = ssh_options();
            SshOptions {
                user: r.ssh_user.clone(),
                identity: r.ssh_key.clone(),
                known_hosts: r.known_hosts.clone().unwrap_or(d.known_hosts),
                accept_new_host_key: r.accept_new_host_key,
                connect_timeout: Duration::from_secs(r.connect_timeout.max(1)),
                command_timeout: Duration::from_secs(r.command_timeout.max(1)),
                ssh_dir: d.ssh_dir,
                agent_socket: d.agent_socket,
            }
        },
        host_prefix: r.host_prefix.clone(),
        max_parallel: r.max_parallel,
    })
}

fn hosts(r: &ReachArgs, pki_dir: &std::path::Path, now: i64) -> Result<Vec<HostSpec>, CliError> {
    if r.hosts.is_empty() {
        let names = files::manager_hosts(pki_dir, now)?;
        if names.is_empty() {
            return Err(CliError::Text(
                Text::new("cli2-no-host-certs").arg("dir", pki_dir.display()),
            ));
        }
        return Ok(names
            .into_iter()
            .map(|n| HostSpec {
                addr: n.clone(),
                name: n,
                port: r.ssh_port,
            })
            .collect());
    }
    r.hosts
        .iter()
        .map(|s| HostSpec::parse(s, r.ssh_port).map_err(|e| CliError::Text(e.text())))
        .collect()
}

fn check_pki_dir(p: &std::path::Path) -> Result<(), CliError> {
    if !p.is_dir() {
        return Err(CliError::Audit(audit::AuditError::PkiDir {
            path: p.to_path_buf(),
            reason: audit::PkiDirProblem::NotADirectory,
        }));
    }
    Ok(())
}

fn run_audit(a: HostsAuditArgs, now: i64) -> Result<ExitStatus, CliError> {
    let explicit = a.config.is_some();
    let cpath = a
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(alert::DEFAULT_CONFIG));
    let conf = alert::read_config(&cpath, explicit).map_err(|e| CliError::Text(e.text()))?;
    let t = thresholds(&conf, a.warn_days, a.crit_days)?;
    let at = match &a.at {
        Some(s) => parse_time(s).map_err(CliError::Text)?,
        None => now,
    };
    let loc = locations(&a.loc);
    // Every series carries the Manager's FQDN (its engine.conf.d), whichever way hosts are reached.
    let manager = loc
        .engine_conf_dir
        .as_deref()
        .and_then(|d| rhv_pki::pki::conf::read_engine_conf(d).ok())
        .and_then(|c| c.fqdn().map(str::to_string))
        .unwrap_or_else(|| "localhost".into());
    let textfile_dir = a
        .textfile_dir
        .clone()
        .or(conf.prometheus.textfile_dir.clone());
    let rep = if a.reach.ssh {
        let reach = reach(&a.reach)?;
        check_pki_dir(&loc.pki_dir)?;
        let hosts = hosts(&a.reach, &loc.pki_dir, at)?;
        let cfg = AuditConfig {
            pki_dir: loc.pki_dir,
            engine_conf_dir: loc.engine_conf_dir,
            root: loc.root,
            now: at,
            warn_days: t.default.warn_days,
            crit_days: t.default.crit_days,
            p12_password: String::new(),
            threads: 1,
            role_windows: Some(t),
        };
        files::audit_hosts(&cfg, &reach, &hosts)
    } else {
        let mut cfg = AuditConfig::new(&loc.pki_dir, at);
        cfg.warn_days = t.default.warn_days;
        cfg.crit_days = t.default.crit_days;
        cfg.role_windows = Some(t);
        enroll::audit_tls(enroll::TlsAudit {
            loc: &a.loc,
            engine: &a.engine,
            probe: &a.probe,
            hosts: &a.reach.hosts,
            clusters: &a.cluster,
            cfg,
        })?
    };
    let status = Status::of(&rep);
    let run = alert::Run {
        manager: &manager,
        scope: "host",
        finished: now,
    };
    let el9 = a.policy.map(|Policy::El9| {
        audit::el9::verdict(
            &rep,
            &audit::el9::Options {
                hosts: true,
                command_args: command_args(&a.loc),
                recover_args: ssh_args(&a.reach, a.probe.vdsm_port),
                enroll_args: if a.reach.ssh {
                    String::new()
                } else {
                    tls_args(&a)
                },
            },
        )
    });
    let el9_prom = el9
        .as_ref()
        .map(|v| audit::el9::prometheus(v, "host", &manager))
        .unwrap_or_default();
    // Written before stdout; a failure is reported after the report (exit 3).
    let textfile_err = textfile_dir.as_ref().and_then(|dir| {
        alert::write_textfile_named(
            dir,
            alert::HOSTS_TEXTFILE,
            &(alert::prometheus(&rep, &t, run, 0) + &el9_prom),
        )
        .err()
        .map(|e| {
            CliError::Text(
                Text::new("error-textfile")
                    .arg("dir", dir.display())
                    .arg("file", alert::HOSTS_TEXTFILE)
                    .arg_text("error", rhv_pki::i18n::io_error(&e)),
            )
        })
    });
    let color = term::colour(a.color);
    let mut w = std::io::BufWriter::new(super::out::stdout());
    let res = match (a.format, &el9) {
        (AuditFormat::Table, _) => rep
            .replay(&mut report::TableSink::localized(
                &mut w,
                color,
                super::lang::lang(),
            ))
            .and_then(|_| match &el9 {
                Some(v) => w.write_all(audit::el9::table_in(v, super::lang::lang()).as_bytes()),
                None => Ok(()),
            }),
        (AuditFormat::Json, None) => rep.replay(&mut report::JsonSink::new(&mut w)),
        (AuditFormat::Json, Some(v)) => report::write_json_el9(&rep, v, &mut w),
        (AuditFormat::Prometheus, _) => {
            w.write_all((alert::prometheus(&rep, &t, run, 0) + &el9_prom).as_bytes())
        }
        (AuditFormat::Nagios, _) => {
            let (mut line, _) = alert::nagios(&rep, &t);
            if let Some(v) = &el9 {
                line = audit::el9::nagios(&line, status, v).0;
            }
            writeln!(w, "{line}")
        }
    };
    res.and_then(|_| w.flush())
        .map_err(|e| CliError::Output(e.to_string()))?;
    if let Some(e) = textfile_err {
        return Err(e);
    }
    Ok(match &el9 {
        Some(v) => audit::el9::status(status, v),
        None => status,
    }
    .into())
}

fn run_recover(a: RecoverArgs, now: i64) -> Result<ExitStatus, CliError> {
    let reach = reach(&a.reach)?;
    if a.days <= 0 || a.days > 36_500 {
        return Err(super::args::out_of_range("--days", a.days, "1..36500"));
    }
    if !(0..=36_500).contains(&a.within) {
        return Err(super::args::out_of_range("--within", a.within, "0..36500"));
    }
    let loc = locations(&a.loc);
    check_pki_dir(&loc.pki_dir)?;
    let hosts = hosts(&a.reach, &loc.pki_dir, now)?;
    let backup_root = a.backup_dir.clone().unwrap_or_else(|| match &a.loc.root {
        Some(r) => r.join(DEFAULT_BACKUP_DIR.trim_start_matches('/')),
        None => PathBuf::from(DEFAULT_BACKUP_DIR),
    });
    let cfg = RecoverConfig {
        pki_dir: loc.pki_dir,
        engine_conf_dir: loc.engine_conf_dir,
        now,
        days: a.days,
        within_days: a.within,
        force: a.force,
        restart: !a.no_restart,
        vdsm_port: a.vdsm_port,
        probe_timeout: Duration::from_secs(a.probe_timeout),
        backup_root,
        lock_timeout: Duration::from_secs(a.lock_timeout),
        legacy_lock_dir: rhv_pki::change::txn::legacy_lock_dir(a.loc.root.as_deref()),
        fault: fault_from_env()?,
    };
    // Nobody can confirm without a terminal: refuse before any host is contacted (the plan
    // reads every host over SSH), so a cron job or a pipe never waits on it nor acts.
    if !a.yes && !a.dry_run && !std::io::stdin().is_terminal() {
        return Err(CliError::Refused(t("recover-refuse-no-terminal")));
    }
    let json = a.format == Format::Json;
    let plan = recover::plan(&cfg, &reach, &hosts)?;
    super::trail::note(|r| super::trail::recover_plan(r, &plan));
    if a.dry_run {
        if json {
            print_json(&serde_json::json!({
                "kind": "HostRecovery", "apiVersion": "rhv-pki/v1", "dryRun": true,
                "plan": plan, "result": null
            }))?;
        } else {
            print!("{}", render_recover_plan(&plan, true));
        }
        return Ok(if plan.unreachable.is_empty() {
            ExitStatus::Ok
        } else {
            ExitStatus::HostFailed
        });
    }
    if !json {
        print!("{}", render_recover_plan(&plan, false));
        let _ = std::io::stdout().flush();
    }
    if plan.hosts.is_empty() {
        if !json {
            println!("{}", t("change-nothing-due"));
        } else {
            print_json(&serde_json::json!({
                "kind": "HostRecovery", "apiVersion": "rhv-pki/v1", "dryRun": false,
                "plan": plan, "result": null
            }))?;
        }
        return Ok(if plan.unreachable.is_empty() {
            ExitStatus::Ok
        } else {
            ExitStatus::HostFailed
        });
    }
    if !term::confirm(a.yes, || t("recover-refuse-no-terminal-short"))? {
        eprintln!("rhv-pki: {}", t("change-not-applied"));
        return Ok(ExitStatus::Refused);
    }
    super::trail::started();
    let result = recover::execute(&cfg, &reach, &plan)?;
    super::trail::note(|r| super::trail::recover_result(r, &result));
    if json {
        print_json(&serde_json::json!({
            "kind": "HostRecovery", "apiVersion": "rhv-pki/v1", "dryRun": false,
            "plan": plan, "result": result
        }))?;
    } else {
        print!(
            "{}",
            render_recover_result(&result, &rollback_command(&a.loc, None))
        );
    }
    let failed = result.hosts.iter().any(|h| !h.ok) || !plan.unreachable.is_empty();
    Ok(if failed {
        ExitStatus::HostFailed
    } else {
        ExitStatus::Ok
    })
}

/// A date of the plan (`YYYY-MM-DD`), `-` when unknown.
fn short_date(v: Option<&str>) -> String {
    v.map(|s| s.get(..10).unwrap_or(s).to_string())
        .unwrap_or_else(|| "-".into())
}

/// `hosts recover`'s plan as admins read it, in their language.
fn render_recover_plan(p: &recover::RecoverPlan, dry_run: bool) -> String {
    let command = format!("hosts recover{}", if dry_run { " --dry-run" } else { "" });
    let mut s = tf(
        "recover-plan-header",
        &[
            ("command", command.as_str().into()),
            ("dir", p.pki_dir.as_str().into()),
            ("org", p.organization.as_str().into()),
            ("from", short_date(Some(&p.not_before)).as_str().into()),
            ("to", short_date(Some(&p.not_after)).as_str().into()),
            ("days", p.days.into()),
        ],
    );
    s.push('\n');
    if p.hosts.is_empty() {
        s.push_str(&format!("  {}\n", t("change-nothing-to-do")));
    }
    for h in &p.hosts {
        let port = h.port.to_string();
        s.push_str(&format!(
            "  {}\n",
            tf(
                "recover-plan-host",
                &[
                    ("host", h.host.as_str().into()),
                    ("addr", h.addr.as_str().into()),
                    ("port", port.as_str().into()),
                ]
            )
        ));
        for r in &h.reasons {
            let r = shown(r);
            s.push_str(&format!(
                "    {}\n",
                tf("change-plan-why", &[("reason", r.as_str().into())])
            ));
        }
        for c in &h.certs {
            let kind = c.kind.to_string();
            let key = c.key.to_string();
            s.push_str(&format!(
                "    {} {}\n",
                rhv_pki::i18n::pad(&kind, 5),
                tf(
                    "recover-plan-cert",
                    &[
                        ("subject", c.subject.as_str().into()),
                        ("san", c.san.as_str().into()),
                        ("old", c.old_serial.as_deref().unwrap_or("-").into()),
                        ("new", c.new_serial.as_str().into()),
                        (
                            "until",
                            short_date(c.old_not_after.as_deref()).as_str().into()
                        ),
                        ("key", key.as_str().into()),
                    ]
                )
            ));
            s.push_str(&format!(
                "          {}\n",
                tf(
                    "recover-plan-install",
                    &[("files", c.install.join(", ").as_str().into())]
                )
            ));
            s.push_str(&format!(
                "          {}\n",
                tf(
                    "recover-plan-manager",
                    &[
                        ("files", c.manager_files.join(", ").as_str().into()),
                        ("serial", c.new_serial.as_str().into()),
                    ]
                )
            ));
        }
        for c in &h.ca_copies {
            let old = c
                .old_serial
                .clone()
                .unwrap_or_else(|| t("change-plan-ssh-missing"));
            s.push_str(&format!(
                "    {}\n",
                tf(
                    "recover-plan-ca-copy",
                    &[
                        ("path", c.path.as_str().into()),
                        ("ca", c.ca.into()),
                        ("old", old.as_str().into()),
                    ]
                )
            ));
        }
        s.push_str(&format!(
            "    {}\n",
            tf(
                "recover-plan-then",
                &[
                    ("units", h.services.join(" ").as_str().into()),
                    ("endpoint", h.vdsm_endpoint.as_str().into()),
                ]
            )
        ));
        for n in &h.notes {
            let n = shown(n);
            s.push_str(&format!(
                "    {}\n",
                tf("change-plan-note", &[("note", n.as_str().into())])
            ));
        }
    }
    for k in &p.skipped {
        let reason = shown(&k.reason);
        s.push_str(&format!(
            "  {}\n",
            tf(
                "change-plan-skipped",
                &[
                    ("name", k.host.as_str().into()),
                    ("reason", reason.as_str().into())
                ]
            )
        ));
    }
    for k in &p.unreachable {
        s.push_str(&format!(
            "  {}\n",
            tf(
                "recover-plan-unreachable",
                &[
                    ("host", k.host.as_str().into()),
                    ("reason", k.reason.as_str().into())
                ]
            )
        ));
    }
    s
}

/// `hosts recover`'s result as admins read it, in their language.
fn render_recover_result(r: &recover::RecoverResult, undo: &str) -> String {
    let mut s = String::new();
    let m = &r.manager;
    match (&m.error_text(), &m.backup) {
        (Some(e), _) => {
            let e = super::lang::with(|msgs| e.render(msgs));
            s.push_str(&tf(
                "recover-manager-failed",
                &[("error", e.as_str().into())],
            ));
            s.push('\n');
        }
        (None, Some(b)) => {
            s.push_str(&tf(
                "recover-manager-written",
                &[
                    ("files", m.files_written.len().into()),
                    ("backup", b.as_str().into()),
                    ("dir", m.backup_dir.as_deref().unwrap_or("-").into()),
                    ("undo", undo.into()),
                ],
            ));
            s.push('\n');
        }
        _ => {}
    }
    let list = |v: &[String], none: &str| {
        if v.is_empty() {
            t(none)
        } else {
            v.join(", ")
        }
    };
    for h in &r.hosts {
        if h.ok {
            s.push_str(&tf(
                "recover-host-ok",
                &[
                    ("host", h.host.as_str().into()),
                    ("serial", h.served_serial.as_deref().unwrap_or("-").into()),
                    ("files", h.installed.len().into()),
                    ("backups", list(&h.backups, "recover-none").as_str().into()),
                ],
            ));
            s.push('\n');
            if !h.commands.is_empty() {
                s.push_str(&format!(
                    "  {}\n",
                    tf("recover-not-restarted", &[("host", h.host.as_str().into())])
                ));
                for c in &h.commands {
                    s.push_str(&format!("    {c}\n"));
                }
                s.push_str(&format!("  {}\n", t("recover-then-confirm")));
            }
        } else {
            let error = h
                .error_text()
                .map_or_else(|| "?".to_string(), |e| super::lang::with(|m| e.render(m)));
            s.push_str(&tf(
                "recover-host-failed",
                &[
                    ("host", h.host.as_str().into()),
                    ("error", error.as_str().into()),
                ],
            ));
            s.push('\n');
            s.push_str(&format!(
                "  {}\n",
                tf(
                    "recover-installed",
                    &[(
                        "files",
                        list(&h.installed, "recover-nothing").as_str().into()
                    )]
                )
            ));
            if !h.not_installed.is_empty() {
                s.push_str(&format!(
                    "  {}\n",
                    tf(
                        "recover-not-installed",
                        &[("files", h.not_installed.join(", ").as_str().into())]
                    )
                ));
            }
            if !h.backups.is_empty() {
                s.push_str(&format!(
                    "  {}\n",
                    tf(
                        "recover-host-backups",
                        &[("files", h.backups.join(", ").as_str().into())]
                    )
                ));
            }
            if !h.restarted.is_empty() {
                s.push_str(&format!(
                    "  {}\n",
                    tf(
                        "recover-restarted",
                        &[("units", h.restarted.join(", ").as_str().into())]
                    )
                ));
            }
            for c in &h.commands {
                s.push_str(&format!(
                    "  {}\n",
                    tf("recover-still-to-run", &[("command", c.as_str().into())])
                ));
            }
        }
    }
    s
}
