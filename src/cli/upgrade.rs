//! `rhv-pki upgrade` and `rhv-pki upgrade status`: the whole runbook as one resumable command.
//! The library's [`rhv_pki::upgrade`] owns the phases, the saved state, the conditions and the
//! pre-check verdicts; this file gathers the facts (files, the Manager), runs each phase with
//! the same code the single commands run (`conf`, `resign --all`, `maintenance restart`,
//! `hosts enroll --only-needed`, `audit`), and prints.
//!
//! Each phase is the single command with the upgrade's flags passed through and `--yes`
//! (the upgrade asked once, after printing its plan). With `--format json` the phases' own
//! reports go to standard error, and standard output carries exactly one `PkiUpgrade`
//! document.

use std::path::{Path, PathBuf};

use clap::Parser;
use rhv_pki::audit::{self, AuditConfig, Severity};
use rhv_pki::change::txn::{self, BackupState};
use rhv_pki::hosts::rolling::{self, Selection};
use rhv_pki::net::engine::{Engine, HostStatus};
use rhv_pki::pki::cert::rfc3339;
use rhv_pki::upgrade::precheck::{
    self, BackupDirError, CaKeyError, CapacityShort, Facts, HostFact, HostedEngineFacts,
    ManagerFacts, P12PasswordError, Said, StoreRefused, UnfinishedChange, UnreachableError,
};
use rhv_pki::upgrade::{self as up, Check, CheckStatus, Phase, PhaseResult, UpgradeState};

use super::args::{
    backup_root, engine_config, locations, read_ca, store_password, CycleArgs, Format,
    LocationArgs, VdsmProbeArgs,
};
use super::change::{CommonChangeArgs, ConfArgs, IssueArgs, ResignArgs};
use super::enroll::HostsEnrollArgs;
use super::exit::{CliError, ExitStatus};
use super::lang::{t, tf};
use super::maintenance::RestartArgs;
use super::term::{confirm, print_json, say};
use rhv_pki::i18n::{pad, width, Arg, Text};

/// The state file's name under the backup directory (a plain re-run finds it there).
const STATE_FILE: &str = "upgrade-state.json";

/// The names whose digest differs between two [`CliRunner::cert_digests`] records.
fn changed_certs(before: &str, after: &str) -> Vec<String> {
    let parse = |s: &str| -> std::collections::BTreeMap<String, String> {
        s.split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let (b, a) = (parse(before), parse(after));
    a.iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// The memo key: global maintenance before the cycle's first attempt (`on` / `off`).
const MEMO_GM_BEFORE: &str = "cycle.globalMaintenanceBefore";
/// The memo key: a digest of the CA and of each service certificate before the re-sign phase's
/// first attempt (`name=sha256hex` joined by `,`), so a resumed re-sign still knows what it
/// changed.
const MEMO_CERTS_BEFORE: &str = "resign.certsBefore";
/// The memo key: the services whose certificates the re-sign phase changed (`,`-joined; empty
/// when nothing was due). The cycle restarts only these; all of them when the CA changed.
const MEMO_RESTART: &str = "resign.changed";

/// The service certificates a cycle may restart for, in restart order.
const SERVICE_CERTS: [&str; 6] = [
    "engine",
    "apache",
    "websocket-proxy",
    "jboss",
    "imageio-proxy",
    "ovirt-provider-ovn",
];

/// Test hook (builds with the `fault-injection` feature only, as `RHV_PKI_FAULT`):
/// `RHV_PKI_UPGRADE_HOLD=<phase>` makes the run wait at the start of that phase (saved
/// `running`) for up to two minutes, so a test can kill it there.
#[cfg(feature = "fault-injection")]
fn hold_for_tests(phase: Phase) {
    if std::env::var("RHV_PKI_UPGRADE_HOLD").is_ok_and(|p| p == phase.as_str()) {
        say(&format!(
            "rhv-pki upgrade: test hook: holding in phase {phase}"
        ));
        for _ in 0..1200 {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

#[cfg(not(feature = "fault-injection"))]
fn hold_for_tests(_: Phase) {}

/// What the signal watcher below must know of the enrollment, which stops on a signal at a
/// safe point itself (and the upgrade records the interruption).
#[derive(Default)]
struct Watch {
    /// `hosts enroll` is running: a signal is its own.
    enrolling: bool,
    /// Signals the watcher saw while it ran.
    seen_enrolling: usize,
    /// The enrollment stopped on a signal the watcher has not seen yet (it is woken after
    /// the signal arrived, possibly once the enrollment is over): skip that one.
    skip_next: bool,
}

static WATCH: std::sync::Mutex<Watch> = std::sync::Mutex::new(Watch {
    enrolling: false,
    seen_enrolling: 0,
    skip_next: false,
});

fn watch() -> std::sync::MutexGuard<'static, Watch> {
    WATCH.lock().unwrap_or_else(|p| p.into_inner())
}

/// The enrollment starts (`true`) or ended (`false`, `stopped_by_signal` telling how).
fn enrolling(on: bool, stopped_by_signal: bool) {
    let mut w = watch();
    w.enrolling = on;
    if !on {
        w.skip_next = stopped_by_signal && w.seen_enrolling == 0;
        w.seen_enrolling = 0;
    }
}

/// SIGINT, SIGTERM and SIGHUP stop the upgrade at once (the phase in progress stays
/// `running` in the saved state, and a re-run resumes it), except during the enrollment,
/// which stops at a safe point itself. Without this watcher, the handlers the enrollment
/// registers would outlive it and swallow those signals in the phases after it.
fn watch_signals() {
    let _ = std::thread::Builder::new()
        .name("rhv-pki-upgrade-signals".into())
        .spawn(|| {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                use tokio::signal::unix::{signal, SignalKind};
                let (Ok(mut int), Ok(mut term), Ok(mut hup)) = (
                    signal(SignalKind::interrupt()),
                    signal(SignalKind::terminate()),
                    signal(SignalKind::hangup()),
                ) else {
                    return;
                };
                loop {
                    let name = tokio::select! {
                        _ = int.recv() => "SIGINT",
                        _ = term.recv() => "SIGTERM",
                        _ = hup.recv() => "SIGHUP",
                    };
                    {
                        let mut w = watch();
                        if w.enrolling {
                            w.seen_enrolling += 1;
                            continue;
                        }
                        if w.skip_next {
                            w.skip_next = false;
                            continue;
                        }
                    }
                    eprintln!(
                        "{}",
                        tf("upgrade-stopped-by-signal", &[("signal", name.into())])
                    );
                    std::process::exit(i32::from(ExitStatus::of_signal(Some(name)).code()));
                }
            });
        });
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct UpgradeArgs {
    #[command(subcommand)]
    pub sub: Option<UpgradeSub>,
    #[command(flatten)]
    pub common: CommonChangeArgs,
    #[command(flatten)]
    pub issue: IssueArgs,
    /// The upgrade's saved state [default: <backup-dir>/upgrade-state.json].
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Drop an unfinished upgrade's saved state and start over (the PKI is re-read; what was
    /// done stays done, and the new plan finds it so).
    #[arg(long)]
    pub discard_state: bool,
    /// Leave this host out (its status does not block the pre-checks; it is not enrolled).
    #[arg(long = "exclude-host", value_name = "NAME")]
    pub exclude_hosts: Vec<String>,
    /// Hosts out of service at once during the enrollment.
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub max_parallel: usize,
    /// vdsm's port on every host.
    #[arg(
        long,
        value_name = "PORT",
        default_value_t = 54321,
        help_heading = "vdsm TLS (the hosts; the probe timeout is --probe-timeout)"
    )]
    pub vdsm_port: u16,
    /// Where one host's vdsm really listens: NAME=HOST:PORT; repeatable.
    #[arg(
        long,
        value_name = "NAME=HOST:PORT",
        help_heading = "vdsm TLS (the hosts; the probe timeout is --probe-timeout)"
    )]
    pub vdsm_endpoint: Vec<String>,
    /// vdsm handshakes at once.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 16,
        help_heading = "vdsm TLS (the hosts; the probe timeout is --probe-timeout)"
    )]
    pub probe_parallel: usize,
    /// Seconds between two looks at the Manager during the enrollment.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub poll_interval: f64,
    // Last: it ends with the Manager API heading.
    #[command(flatten, next_help_heading = "Maintenance cycle and Manager")]
    pub cycle: CycleArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum UpgradeSub {
    /// Show the saved upgrade's phases and conditions (read-only; safe while it runs).
    ///
    /// Exit codes: 0 shown; 3 usage error (no upgrade was started here, the state file is
    /// unreadable).
    Status(StatusArgs),
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub loc: LocationArgs,
    /// Where backups are kept (the state file is there unless --state says otherwise).
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// The upgrade's saved state [default: <backup-dir>/upgrade-state.json].
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn state_path(loc: &LocationArgs, backup_dir: Option<&Path>, explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .unwrap_or_else(|| backup_root(loc, backup_dir).join(STATE_FILE))
}

fn load(path: &Path) -> Result<Option<UpgradeState>, CliError> {
    match std::fs::read(path) {
        Ok(b) => serde_json::from_slice(&b).map(Some).map_err(|e| {
            CliError::Text(
                rhv_pki::i18n::Text::new("upgrade-not-a-state-file")
                    .arg("path", path.display())
                    .arg("error", e),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::Text(
            rhv_pki::i18n::Text::new("state-cannot-read")
                .arg("path", path.display())
                .arg("error", e),
        )),
    }
}

/// Writes the state through the crate's one atomic writer (readers never see half a file).
fn save(path: &Path, s: &UpgradeState) -> Result<(), up::SaveError> {
    let mut body = serde_json::to_vec_pretty(s)?;
    body.push(b'\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| up::SaveError::Dir {
            dir: dir.to_path_buf(),
            source,
        })?;
    }
    Ok(rhv_pki::sys::atomic_write(
        path,
        &body,
        &rhv_pki::sys::WriteOpts::mode(0o600),
    )?)
}

/// What this run is for: a saved state never drives another PKI or Manager.
fn target(a: &UpgradeArgs) -> String {
    let l = locations(&a.common.loc);
    match &a.cycle.he.engine.engine_url {
        Some(u) => format!("{} + {u}", l.pki_dir.display()),
        None => l.pki_dir.display().to_string(),
    }
}

/// Parses a command's arguments from a literal argv: its defaults, exactly as clap gives them
/// to a user who typed only these flags.
fn defaults<T: clap::Args>(argv: &[&str]) -> Result<T, CliError> {
    #[derive(Parser)]
    struct Wrap<A: clap::Args> {
        #[command(flatten)]
        inner: A,
    }
    Wrap::<T>::try_parse_from(std::iter::once("rhv-pki").chain(argv.iter().copied()))
        .map(|w| w.inner)
        .map_err(|e| CliError::Usage(format!("internal: {e}")))
}

fn common_for_phase(a: &CommonChangeArgs) -> CommonChangeArgs {
    CommonChangeArgs {
        loc: a.loc.clone(),
        dry_run: false,
        yes: true,
        format: Format::Table,
        backup_dir: a.backup_dir.clone(),
        lock_timeout: a.lock_timeout,
        legacy_lock_dir: a.legacy_lock_dir.clone(),
        config: a.config.clone(),
    }
}

/// The vdsm probe flags as `hosts enroll` takes them (one `--probe-timeout` for both probes).
fn vdsm_args(a: &UpgradeArgs) -> VdsmProbeArgs {
    VdsmProbeArgs {
        vdsm_port: a.vdsm_port,
        vdsm_endpoint: a.vdsm_endpoint.clone(),
        probe_timeout: a.cycle.ep.probe_timeout,
        probe_parallel: a.probe_parallel,
    }
}

/// Is the maintenance cycle part of this run (the live PKI, or --cycle)?
fn cycle_applies(a: &UpgradeArgs) -> bool {
    a.cycle.cycle || (a.common.loc.root.is_none() && a.common.loc.pki_dir.is_none())
}

struct CliRunner<'a> {
    a: &'a UpgradeArgs,
    state_path: PathBuf,
    /// The Manager's hosts as the pre-checks saw them (names to enroll).
    hosts: Option<Vec<String>>,
    /// The exit status of the phase that stopped the run.
    stopped_with: Option<ExitStatus>,
    /// The failures of this run whose English went into the state, each with its message
    /// (what the phase's command said, in the reader's language).
    said: Vec<(String, Text)>,
}

impl CliRunner<'_> {
    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }

    fn local_facts(&self) -> Facts {
        let a = self.a;
        let l = locations(&a.common.loc);
        let backups = backup_root(&a.common.loc, a.common.backup_dir.as_deref());
        let password = store_password(&a.common.loc, l.engine_conf_dir.as_deref());
        let mut facts = Facts {
            pki_dir: l.pki_dir.display().to_string(),
            pki_readable: Ok(()),
            ca_key: Ok(()),
            p12_password: Ok(()),
            unfinished_change: None,
            backup_dir: backups.display().to_string(),
            backup_writable: Ok(()),
            backup_free: None,
            backup_needed: dir_size(&l.pki_dir),
            manager: None,
        };
        match password {
            Ok(pw) => {
                let mut cfg = AuditConfig::new(&l.pki_dir, Self::now());
                cfg.engine_conf_dir = l.engine_conf_dir.clone();
                cfg.root = l.root.clone();
                cfg.p12_password = pw;
                match audit::run(&cfg) {
                    Ok(r) => {
                        let stores: Vec<StoreRefused> = r
                            .findings
                            .iter()
                            .filter(|f| {
                                matches!(f.problem.code(), "p12-unreadable" | "p12-password-wrong")
                            })
                            .map(|f| StoreRefused {
                                path: f.path.clone(),
                                code: f.problem.code(),
                                message: audit::Reason::said(f.problem.text()),
                            })
                            .collect();
                        if !stores.is_empty() {
                            facts.p12_password = Err(P12PasswordError::Stores { stores });
                        }
                    }
                    Err(e) => facts.pki_readable = Err(e),
                }
            }
            Err(e) => {
                facts.p12_password = Err(P12PasswordError::Password(Box::new(Said(
                    cli_error_text(&e),
                ))))
            }
        }
        let ca_key = l.pki_dir.join("private/ca.pem");
        if let Err(source) = std::fs::File::open(&ca_key) {
            facts.ca_key = Err(CaKeyError::Unreadable {
                path: ca_key,
                source,
            });
        }
        match txn::list_backups(&backups) {
            Ok(list) => {
                if let Some(b) = list.iter().find(|b| b.state == BackupState::Incomplete) {
                    facts.unfinished_change = Some(UnfinishedChange {
                        id: b.id.clone(),
                        reason: b.reason.clone(),
                        created: b.created.clone(),
                    });
                }
            }
            Err(e) => facts.backup_writable = Err(BackupDirError::List(e)),
        }
        if facts.backup_writable.is_ok() {
            facts.backup_writable = probe_writable(&backups);
        }
        facts.backup_free =
            existing_ancestor(&backups).and_then(|d| rhv_pki::sys::free_bytes(&d).ok());
        facts
    }

    fn manager_facts(&mut self) -> Option<ManagerFacts> {
        let a = self.a;
        a.cycle.he.engine.engine_url.as_ref()?;
        let unreachable = |e: UnreachableError| ManagerFacts {
            reachable: Err(e),
            version: None,
            hosts: vec![],
            hosted_engine: None,
            capacity_short: vec![],
            placement: Ok(()),
        };
        let l = locations(&a.common.loc);
        let setup = |t: Text| unreachable(UnreachableError::Setup(Box::new(Said(t))));
        // The CA file first, as the client setup reads it, said in the reader's language
        // (`engine_config` reports it in English only).
        let ca_file = a
            .cycle
            .he
            .engine
            .ca_file
            .clone()
            .unwrap_or_else(|| l.pki_dir.join("ca.pem"));
        if let Err(t) = ca_file_text(&ca_file) {
            return Some(setup(t));
        }
        let (cfg, _) = match engine_config(&a.cycle.he.engine, &a.common.loc) {
            Ok(c) => c,
            Err(e) => return Some(setup(cli_error_text(&e))),
        };
        // As `hosts enroll` does: host certificates verify against the engine CA.
        let engine_ca = read_ca(&l.pki_dir.join("ca.pem")).unwrap_or_else(|_| cfg.ca_der.clone());
        let eps = match super::enroll::endpoints(&vdsm_args(a)) {
            Ok(e) => e,
            Err(e) => return Some(setup(cli_error_text(&e))),
        };
        let rt = match rhv_pki::exec::runtime(rhv_pki::exec::Threads::Pool {
            workers: 2,
            name: "rhv-pki-upgrade",
        }) {
            Ok(rt) => rt,
            Err(e) => return Some(unreachable(UnreachableError::Runtime(e))),
        };
        let now = Self::now();
        let probe_timeout = std::time::Duration::from_secs(a.cycle.ep.probe_timeout.max(1));
        let excluded = &a.exclude_hosts;
        let r = rt.block_on(async {
            let engine = Engine::login(cfg).await?;
            // What the Manager accepts on a NonResponsive host depends on its version; an
            // entry point that does not say leaves it unknown (judged as the older one).
            let version = engine.product_version().await.ok().flatten();
            let facts = rolling::gather(
                &engine,
                &eps,
                &engine_ca,
                true,
                probe_timeout,
                a.probe_parallel,
            )
            .await?;
            let _ = engine.logout().await;
            Ok::<_, UnreachableError>((facts, version))
        });
        let (facts, version) = match r {
            Ok(f) => f,
            Err(e) => return Some(unreachable(e)),
        };
        let included =
            |name: &str, address: &str| !excluded.iter().any(|x| x == name || x == address);
        self.hosts = Some(
            facts
                .iter()
                .filter(|f| included(&f.host.name, &f.host.address))
                .map(|f| f.host.name.clone())
                .collect(),
        );
        let hosts: Vec<HostFact> = facts
            .iter()
            .map(|f| HostFact {
                name: f.host.name.clone(),
                cluster: f.cluster_name.clone(),
                status: f.host.status.to_string(),
                excluded: !included(&f.host.name, &f.host.address),
                cert_expired: f
                    .served
                    .as_ref()
                    .and_then(|s| s.not_after)
                    .filter(|&t| t <= now)
                    .map(rfc3339),
            })
            .collect();
        let he_hosts: Vec<_> = facts.iter().filter(|f| f.host.is_he()).collect();
        let hosted_engine = (!he_hosts.is_empty()).then(|| HostedEngineFacts {
            state: Ok(()),
            agents_inactive: he_hosts
                .iter()
                .filter(|f| included(&f.host.name, &f.host.address))
                .filter(|f| {
                    f.host
                        .hosted_engine
                        .as_ref()
                        .is_some_and(|h| !h.active || h.score == Some(0))
                })
                .map(|f| f.host.name.clone())
                .collect(),
        });
        // N-1: every Up host must be able to go to maintenance alone, as the Manager would
        // allow it (its VMs fit elsewhere, the engine VM keeps a place).
        let capacity_short: Vec<CapacityShort> = facts
            .iter()
            .filter(|f| f.host.status == HostStatus::Up && included(&f.host.name, &f.host.address))
            .filter_map(|f| {
                rolling::blocker_text(&facts, &f.host.id).map(|why| CapacityShort {
                    host: f.host.name.clone(),
                    why,
                })
            })
            .collect();
        let sel = Selection {
            clusters: vec![],
            hosts: self.hosts.clone().unwrap_or_default(),
            only_needed: true,
            within_days: 365,
            max_parallel: a.max_parallel.max(1),
            now,
            ca_not_before: None,
        };
        let placement = rolling::plan(&facts, &sel, &eps).map(|_| ());
        Some(ManagerFacts {
            reachable: Ok(()),
            version,
            hosts,
            hosted_engine,
            capacity_short,
            placement,
        })
    }

    /// A failure whose English goes into the state, said as `text` in this run's output.
    fn failed(&mut self, text: Text) -> PhaseResult {
        let english = text.english();
        self.said.push((english.clone(), text));
        PhaseResult::Failed(english)
    }

    /// The state could not be saved: the phase fails, saying why.
    fn not_saved(&mut self, e: &up::SaveError) -> PhaseResult {
        let path = self.state_path.display().to_string();
        self.failed(
            Text::new("upgrade-outcome-cannot-save")
                .arg("path", path)
                .arg_text("error", save_error_text(e)),
        )
    }

    fn result_of(&mut self, st: Result<ExitStatus, CliError>, done: &str) -> PhaseResult {
        match st {
            Ok(ExitStatus::Ok) => PhaseResult::Done(done.to_string()),
            Ok(s @ (ExitStatus::Interrupted | ExitStatus::Terminated | ExitStatus::Hangup)) => {
                self.stopped_with = Some(s);
                PhaseResult::Interrupted(format!("stopped by a signal (exit {})", s.code()))
            }
            Ok(s) => {
                self.stopped_with = Some(s);
                PhaseResult::Failed(format!("exit {} ({s:?}); its report is above", s.code()))
            }
            Err(e) => {
                let s = ExitStatus::from(&e);
                self.stopped_with = Some(s);
                let t = cli_error_text(&e);
                let english = e.to_string();
                self.said.push((english.clone(), t));
                PhaseResult::Failed(english)
            }
        }
    }

    fn conf_needed(&self) -> up::Outlook {
        let l = locations(&self.a.common.loc);
        let path = l.pki_dir.join("openssl.conf");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => return up::Outlook::Skip(format!("{}: {e}", path.display())),
        };
        match rhv_pki::pki::conf::openssl_default_md(&text) {
            Some(md) if md.value.eq_ignore_ascii_case("sha256") => {
                up::Outlook::Skip("openssl.conf already says default_md = sha256".into())
            }
            Some(md) => up::Outlook::Run(format!(
                "set default_md = sha256 in openssl.conf (now {} at line {})",
                md.value, md.line
            )),
            None => up::Outlook::Run("add default_md = sha256 to openssl.conf".into()),
        }
    }

    /// The maintenance cycle: global maintenance on, restart the services of the Manager's
    /// certificates, verify what they serve, global maintenance off — `maintenance restart`.
    /// A cycle killed half-way left global maintenance on, which a new attempt finds on and
    /// would leave on as the admin's; so whether it was off before the first attempt is kept
    /// in the state's memo, and a resumed cycle that ends well clears what the killed one set.
    fn cycle(&mut self, state: &mut UpgradeState) -> PhaseResult {
        let a = self.a;
        if !cycle_applies(a) {
            return PhaseResult::Skipped(
                "not the live PKI (--root / --pki-dir): no services to restart".into(),
            );
        }
        let mut names = self.present_entities();
        if names.is_empty() {
            return PhaseResult::Skipped("no service certificates present".into());
        }
        // Only what the re-sign phase changed needs a restart (a yearly run with nothing due
        // restarts nothing); a state saved without that record restarts every service.
        if let Some(changed) = state.memo.get(MEMO_RESTART) {
            let changed: Vec<&str> = changed.split(',').filter(|n| !n.is_empty()).collect();
            if !changed.contains(&"ca") {
                names.retain(|n| changed.contains(&n.as_str()));
            }
            if names.is_empty() {
                return PhaseResult::Skipped(
                    "the re-sign phase changed no certificate: no service to restart".into(),
                );
            }
        }
        let mut argv: Vec<&str> = names.iter().map(String::as_str).collect();
        argv.insert(0, "--format=table");
        let mut r: RestartArgs = match defaults(&argv) {
            Ok(r) => r,
            Err(e) => return PhaseResult::Failed(e.to_string()),
        };
        r.loc = a.common.loc.clone();
        r.cycle = a.cycle.clone();
        let he = if a.cycle.no_maintenance {
            None
        } else {
            match super::cycle::resolve_he(&a.cycle.he, Some(&a.common.loc)) {
                Ok(h) => Some(h),
                Err(e) => return self.result_of(Err(e), ""),
            }
        };
        let gm = he.as_ref().and_then(|h| h.gm());
        let mut off_before = false;
        if let Some(g) = &gm {
            let on = match g.status() {
                Ok(on) => on,
                Err(e) => {
                    return self.failed(
                        Text::new("upgrade-outcome-gm-unreadable")
                            .arg("via", g.via())
                            .arg_text("error", e.text()),
                    )
                }
            };
            let first = state
                .memo
                .entry(MEMO_GM_BEFORE.to_string())
                .or_insert_with(|| if on { "on" } else { "off" }.to_string())
                .clone();
            if let Err(e) = save(&self.state_path, state) {
                return self.not_saved(&e);
            }
            off_before = first == "off";
            if off_before && on {
                say(&t("upgrade-gm-left-on"));
            }
        }
        let st = super::maintenance::restart(r);
        if let (Ok(ExitStatus::Ok), Some(g), true) = (&st, &gm, off_before) {
            if g.status().unwrap_or(false) {
                let held = rhv_pki::manager::maintenance::Held {
                    was_on: false,
                    we_set: true,
                };
                let s = super::cycle::settle(a.cycle.he.maintenance_timeout);
                if let Err(e) = rhv_pki::manager::maintenance::leave(g.as_ref(), held, s) {
                    self.stopped_with = Some(ExitStatus::CycleFailed);
                    return self.failed(
                        Text::new("upgrade-outcome-gm-not-cleared")
                            .arg("via", g.via())
                            .arg_text("error", e.text()),
                    );
                }
                say(&t("upgrade-gm-cleared"));
            }
        }
        self.result_of(st, "restarted and verified")
    }

    /// `name=sha256hex` of the CA (`ca`) and each present service certificate, `,`-joined; a
    /// file that cannot be read is left out (and so counts as changed if it appears later).
    fn cert_digests(&self) -> String {
        let l = locations(&self.a.common.loc);
        std::iter::once(("ca", l.pki_dir.join("ca.pem")))
            .chain(
                SERVICE_CERTS
                    .iter()
                    .map(|n| (*n, l.pki_dir.join(format!("certs/{n}.cer")))),
            )
            .filter_map(|(n, p)| {
                let bytes = std::fs::read(p).ok()?;
                let d = openssl::sha::sha256(&bytes);
                let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
                Some(format!("{n}={hex}"))
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Entities present in the PKI (certs/<name>.cer) whose services a cycle restarts.
    fn present_entities(&self) -> Vec<String> {
        let l = locations(&self.a.common.loc);
        SERVICE_CERTS
            .iter()
            .filter(|n| l.pki_dir.join(format!("certs/{n}.cer")).exists())
            .map(|n| n.to_string())
            .collect()
    }
}

impl up::Runner for CliRunner<'_> {
    fn prechecks(&mut self) -> Vec<Check> {
        let mut f = self.local_facts();
        f.manager = self.manager_facts();
        precheck::evaluate(&f)
    }

    fn describe(&mut self, phase: Phase) -> up::Outlook {
        match phase {
            Phase::Prechecks => up::Outlook::Run("every pre-check, all reported at once".into()),
            Phase::Conf => self.conf_needed(),
            Phase::Resign => up::Outlook::Run(
                "resign --all: re-sign (keeping keys) every CA and entity that is weak or due, in one transaction with a backup (`rhv-pki resign --all --dry-run` lists them)"
                    .into(),
            ),
            Phase::Cycle if cycle_applies(self.a) => up::Outlook::Run(
                "global maintenance (hosted engine), restart the services whose certificates the re-sign changed (all of them when the CA changed; none when nothing was due), verify what the endpoints serve, leave global maintenance"
                    .into(),
            ),
            Phase::Cycle => up::Outlook::Skip(
                "not the live PKI (--root / --pki-dir): no services to restart (--cycle runs it anyway)"
                    .into(),
            ),
            Phase::Enroll if self.a.cycle.he.engine.engine_url.is_some() => up::Outlook::Run(format!(
                "hosts enroll --only-needed: Maintenance → Enroll Certificate → Activate, at most {} host(s) out at once",
                self.a.max_parallel
            )),
            Phase::Enroll => up::Outlook::Skip(
                "no --engine-url: the hosts are left to a later `rhv-pki hosts enroll --only-needed`"
                    .into(),
            ),
            Phase::FinalAudit => up::Outlook::Run("audit the PKI again: nothing critical may remain".into()),
        }
    }

    fn run(&mut self, phase: Phase, state: &mut UpgradeState) -> PhaseResult {
        let a = self.a;
        let now = Self::now();
        say(&tf("upgrade-progress", &[("phase", phase.as_str().into())]));
        hold_for_tests(phase);
        match phase {
            Phase::Prechecks => PhaseResult::Done("pre-checks passed".into()),
            Phase::Conf => match self.conf_needed() {
                up::Outlook::Skip(why) => PhaseResult::Skipped(why),
                up::Outlook::Run(what) => {
                    let r = super::change::run_conf(
                        ConfArgs {
                            common: common_for_phase(&a.common),
                        },
                        now,
                    );
                    self.result_of(r, &what)
                }
            },
            Phase::Resign => {
                let mut r: ResignArgs = match defaults(&["--all"]) {
                    Ok(r) => r,
                    Err(e) => return PhaseResult::Failed(e.to_string()),
                };
                r.issue = a.issue.clone();
                r.common = common_for_phase(&a.common);
                let before = state
                    .memo
                    .entry(MEMO_CERTS_BEFORE.to_string())
                    .or_insert_with(|| self.cert_digests())
                    .clone();
                if let Err(e) = save(&self.state_path, state) {
                    return self.not_saved(&e);
                }
                // Files only: the restarts, under global maintenance, are the cycle phase's
                // (a kill there is then resumed there, not taken for a finished re-sign).
                let st = super::change::run_resign_files(r, now);
                if matches!(st, Ok(ExitStatus::Ok)) {
                    point_engine_backups(a);
                    let changed = changed_certs(&before, &self.cert_digests());
                    state
                        .memo
                        .insert(MEMO_RESTART.to_string(), changed.join(","));
                }
                self.result_of(st, "re-signed what was weak or due (see the report above)")
            }
            Phase::Cycle => self.cycle(state),
            Phase::Enroll => {
                if a.cycle.he.engine.engine_url.is_none() {
                    return PhaseResult::Skipped(
                        "no --engine-url: enroll the hosts later with `rhv-pki hosts enroll --only-needed`"
                            .into(),
                    );
                }
                let mut e: HostsEnrollArgs = match defaults(&["--only-needed"]) {
                    Ok(e) => e,
                    Err(e) => return PhaseResult::Failed(e.to_string()),
                };
                e.loc = a.common.loc.clone();
                e.engine = a.cycle.he.engine.clone();
                e.max_parallel = a.max_parallel;
                e.yes = true;
                e.poll_interval = a.poll_interval;
                e.probe = vdsm_args(a);
                // Its own resumable state beside the upgrade's.
                e.state = Some(self.state_path.with_file_name("upgrade-enroll-state.json"));
                if !a.exclude_hosts.is_empty() {
                    match &self.hosts {
                        Some(h) if h.is_empty() => {
                            return PhaseResult::Skipped("every host is excluded".into())
                        }
                        Some(h) => e.host = h.clone(),
                        None => {
                            if let Some(f) = self.manager_facts() {
                                if let Err(why) = f.reachable {
                                    return self.failed(why.text());
                                }
                            }
                            e.host = self.hosts.clone().unwrap_or_default();
                        }
                    }
                }
                enrolling(true, false);
                let st = super::enroll::run_enroll(e, now);
                enrolling(
                    false,
                    matches!(
                        st,
                        Ok(ExitStatus::Interrupted | ExitStatus::Terminated | ExitStatus::Hangup)
                    ),
                );
                self.result_of(st, "hosts enrolled where needed (see the report above)")
            }
            Phase::FinalAudit => {
                let l = locations(&a.common.loc);
                let pw = match store_password(&a.common.loc, l.engine_conf_dir.as_deref()) {
                    Ok(p) => p,
                    Err(e) => return self.failed(cli_error_text(&e)),
                };
                let mut cfg = AuditConfig::new(&l.pki_dir, now);
                cfg.engine_conf_dir = l.engine_conf_dir.clone();
                cfg.root = l.root.clone();
                cfg.p12_password = pw;
                match audit::run(&cfg) {
                    Err(e) => self.failed(e.text()),
                    Ok(r) => {
                        let crit: Vec<String> = r
                            .findings
                            .iter()
                            .filter(|f| f.severity == Severity::Critical)
                            .map(|f| format!("{} ({})", f.problem.code(), f.path))
                            .collect();
                        let sha1 = r
                            .findings
                            .iter()
                            .filter(|f| f.problem.code() == "sha1-signature")
                            .count();
                        if !crit.is_empty() {
                            self.stopped_with = Some(ExitStatus::Critical);
                            PhaseResult::Failed(format!("still critical: {}", crit.join(", ")))
                        } else {
                            PhaseResult::Done(format!(
                                "{} certificates, nothing critical, {sha1} SHA-1 signature(s) left",
                                r.certificates.len()
                            ))
                        }
                    }
                }
            }
        }
    }

    fn save(&mut self, state: &UpgradeState) -> Result<(), up::SaveError> {
        save(&self.state_path, state)
    }

    fn now(&self) -> i64 {
        Self::now()
    }
}

/// A command's error as a message: the catalogue message of errors that carry one (what the
/// error line would say), the error's own text otherwise. English: its `Display`.
fn cli_error_text(e: &CliError) -> Text {
    match e {
        CliError::Text(t) | CliError::RefusedText(t) => t.clone(),
        CliError::Audit(a) => a.text(),
        CliError::Change(c) => c.text(),
        CliError::Recover(r) => r.text(),
        other => Text::verbatim(other),
    }
}

/// The upgrade state's write error as a message (the system's words as they came).
fn save_error_text(e: &up::SaveError) -> Text {
    match e {
        up::SaveError::Dir { dir, source } => Text::new("upgrade-detail-in-dir")
            .arg("dir", dir.display())
            .arg_text("error", rhv_pki::i18n::io_error(source)),
        other => Text::verbatim(other),
    }
}

/// The Manager's CA file as the REST client's setup reads it (`read_ca`), each failure a
/// message whose English is what the setup says.
fn ca_file_text(path: &Path) -> Result<(), Text> {
    let data = rhv_pki::pki::cert::read_limited(path).map_err(|e| e.text())?;
    let der = rhv_pki::pki::cert::first_certificate(path, &data).map_err(|e| e.text())?;
    rhv_pki::pki::verify::Issuer::new("ca", &der)
        .map_err(|e| Text::verbatim(format!("{}: {e}", path.display())))?;
    Ok(())
}

/// The outcomes and reasons the upgrade itself writes into its state (English there), with
/// their variables.
const OUTCOMES: &[(&str, &[&str])] = &[
    ("upgrade-outcome-prechecks", &["passed", "total"]),
    ("upgrade-outcome-prechecks-failed", &["ids"]),
    ("upgrade-outcome-interrupted", &["rest"]),
    ("upgrade-outcome-gm-not-cleared", &["via", "error"]),
    ("upgrade-outcome-gm-unreadable", &["via", "error"]),
    ("upgrade-outcome-cannot-save", &["path", "error"]),
    // A phase's command that rolled its change back (what `resign` said, kept in the state).
    ("change-rolled-back", &["reason", "backup"]),
    ("change-verify-failed", &["backup", "reason"]),
    ("txn-injected", &["step"]),
];

/// `s` read as one of [`OUTCOMES`] (each variable the shortest text up to the next literal,
/// the last one up to the end; a value may hold "; "), in the reader's language; `rest` and
/// `reason` are shown in turn.
fn outcome(s: &str, said: &[(String, Text)]) -> Option<String> {
    let en = rhv_pki::i18n::Messages::new(rhv_pki::i18n::Lang::En);
    for (key, vars) in OUTCOMES {
        let (lits, order) = super::phrases::template(&en, key, vars);
        let Some(found) = super::phrases::matches(s, &lits, &order, |_| true) else {
            continue;
        };
        let args: Vec<(String, String)> = found
            .into_iter()
            .map(|(var, value)| {
                let value = if matches!(var.as_str(), "rest" | "reason") {
                    shown(&value, said)
                } else {
                    value
                };
                (var, value)
            })
            .collect();
        let args: Vec<(&str, Arg<'_>)> = args
            .iter()
            .map(|(k, v)| (k.as_str(), Arg::Str(v.as_str())))
            .collect();
        return Some(tf(key, &args));
    }
    None
}

/// An outcome or reason of the state (English) in the reader's language: this run's failure
/// as its command said it, the upgrade's own outcomes, the phrases of the plans.
fn shown(s: &str, said: &[(String, Text)]) -> String {
    if super::lang::lang() == rhv_pki::i18n::Lang::En {
        return s.to_string();
    }
    if let Some((_, t)) = said.iter().find(|(e, _)| e == s) {
        return super::lang::with(|m| t.render(m));
    }
    outcome(s, said).unwrap_or_else(|| super::phrases::shown(s))
}

/// Bytes of the PKI directory's regular files (what a backup copies).
fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => total += e.metadata().map(|m| m.len()).unwrap_or(0),
                _ => {}
            }
        }
    }
    total
}

fn existing_ancestor(p: &Path) -> Option<PathBuf> {
    p.ancestors().find(|a| a.is_dir()).map(Path::to_path_buf)
}

/// Can a file be created where the backups go (the directory, or its nearest existing parent
/// when it does not exist yet)? Creates nothing that stays.
fn probe_writable(dir: &Path) -> Result<(), BackupDirError> {
    let d = existing_ancestor(dir).ok_or_else(|| BackupDirError::NoDirectory {
        dir: dir.to_path_buf(),
    })?;
    let probe = d.join(format!(".rhv-pki-write-test.{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(source) => Err(BackupDirError::NotWritable { dir: d, source }),
    }
}

/// engine-setup keeps its backups in /var/lib/ovirt-engine/backups, where admins look for
/// `pki` archives: leave a pointer there to rhv-pki's backup (only where that directory is).
fn point_engine_backups(a: &UpgradeArgs) {
    let root = a
        .common
        .loc
        .root
        .clone()
        .unwrap_or_else(|| PathBuf::from("/"));
    let dir = root.join("var/lib/ovirt-engine/backups");
    if !dir.is_dir() {
        return;
    }
    let backups = backup_root(&a.common.loc, a.common.backup_dir.as_deref());
    let Ok(list) = txn::list_backups(&backups) else {
        return;
    };
    let Some(b) = list
        .iter()
        .rev()
        .find(|b| b.state == BackupState::Committed)
    else {
        return;
    };
    let text = format!(
        "rhv-pki upgrade re-signed the PKI on {}.\nThe files it replaced are in {}/{}.\nUndo: rhv-pki rollback {}{}\n",
        b.created,
        backups.display(),
        b.id,
        b.id,
        a.common
            .loc
            .root
            .as_ref()
            .map(|r| format!(" --root {}", r.display()))
            .unwrap_or_default()
    );
    let path = dir.join(format!("rhv-pki-pki-{}.txt", b.id));
    if let Err(e) = std::fs::write(&path, text) {
        let shown = path.display().to_string();
        let e = super::lang::with(|m| rhv_pki::i18n::io_error(&e).render(m));
        say(&tf(
            "upgrade-warning",
            &[
                ("path", shown.as_str().into()),
                ("error", e.as_str().into()),
            ],
        ));
    }
}

/// A check's fix in the user's language (the JSON keeps the English `fix`).
fn fix_text(c: &Check) -> Option<String> {
    match (&c.fix_msg, &c.fix) {
        (Some((key, vars)), Some(_)) if !key.is_empty() => {
            let args: Vec<(&str, Arg<'_>)> = vars.iter().map(|(k, v)| (*k, Arg::Str(v))).collect();
            Some(tf(key, &args))
        }
        (_, fix) => fix.clone(),
    }
}

fn checks_table(checks: &[Check]) -> String {
    let mut s = format!("{}\n", t("upgrade-prechecks"));
    let word = |st: CheckStatus| match st {
        CheckStatus::Pass => t("upgrade-check-pass"),
        CheckStatus::Fail => t("upgrade-check-fail"),
        CheckStatus::Skip => t("upgrade-check-skip"),
    };
    let ww = [CheckStatus::Pass, CheckStatus::Fail, CheckStatus::Skip]
        .into_iter()
        .map(|st| width(&word(st)))
        .max()
        .unwrap_or(4);
    let w = checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for c in checks {
        s.push_str(&format!(
            "{}  {:w$}  {}\n",
            pad(&word(c.status), ww),
            c.id,
            c.detail_text
                .as_ref()
                .map(|d| super::lang::with(|m| d.render(m)))
                .unwrap_or_else(|| c.detail.clone())
        ));
        if let Some(fix) = fix_text(c) {
            s.push_str(&format!(
                "{}  {:w$}  {}\n",
                pad("", ww),
                "",
                tf("upgrade-fix", &[("fix", fix.as_str().into())])
            ));
        }
    }
    s
}

fn state_word(st: &up::PhaseStatus) -> String {
    t(&format!("upgrade-state-{}", st.word()))
}

/// Rows of cells, each column padded to its widest cell in terminal columns (a kanji takes
/// two), the last column left as it is.
fn aligned(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| width(c))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                line.push_str(&pad(c, widths[i]));
                line.push(' ');
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn state_table(s: &UpgradeState, said: &[(String, Text)]) -> String {
    let mut rows = vec![vec![
        t("upgrade-col-phase"),
        t("upgrade-col-state"),
        t("upgrade-col-detail"),
    ]];
    for r in &s.phases {
        use up::PhaseStatus as S;
        let detail = match &r.status {
            S::Pending => String::new(),
            S::Running { since } => tf(
                "upgrade-since",
                &[("time", rfc3339(*since).as_str().into())],
            ),
            S::Done { outcome, .. } => shown(outcome, said),
            S::Skipped { reason, .. } => shown(reason, said),
            S::Failed { reason, .. } => shown(reason, said),
        };
        rows.push(vec![
            r.phase.as_str().to_string(),
            state_word(&r.status),
            detail,
        ]);
    }
    let mut out = aligned(&rows);
    let mut rows = vec![vec![
        t("upgrade-col-condition"),
        t("upgrade-col-status"),
        t("upgrade-col-reason"),
        t("upgrade-col-since"),
        t("upgrade-col-message"),
    ]];
    for c in &s.conditions {
        rows.push(vec![
            format!("{:?}", c.kind),
            c.status.clone(),
            c.reason.clone(),
            c.last_transition_time.clone(),
            condition_message(s, c, said),
        ]);
    }
    out.push('\n');
    out.push_str(&aligned(&rows));
    out
}

/// A condition's message in the user's language, from its reason and the state (the JSON
/// keeps the English `message`, which is what these give in English; a reason without a
/// message here keeps it too).
fn condition_message(s: &UpgradeState, c: &up::Condition, said: &[(String, Text)]) -> String {
    use up::PhaseStatus as S;
    let resume = t("upgrade-resume");
    let failed = s.phases.iter().find_map(|r| match &r.status {
        S::Failed { reason, .. } => Some((r.phase, reason.clone())),
        _ => None,
    });
    let phase = |p: Option<Phase>| p.map(Phase::as_str).unwrap_or("?");
    match c.reason.as_str() {
        "PhaseRunning" => tf(
            "upgrade-cond-phase-running",
            &[
                ("phase", phase(s.interrupted()).into()),
                ("resume", resume.as_str().into()),
            ],
        ),
        "Complete" => t("upgrade-cond-complete"),
        "Failed" => tf("upgrade-cond-failed", &[("resume", resume.as_str().into())]),
        "NotStarted" => t("upgrade-cond-not-started"),
        "Paused" => tf(
            "upgrade-cond-paused",
            &[
                ("phase", phase(s.next_phase()).into()),
                ("resume", resume.as_str().into()),
            ],
        ),
        "PhaseFailed" => match &failed {
            Some((p, why)) => tf(
                "upgrade-cond-phase-failed",
                &[
                    ("phase", p.as_str().into()),
                    ("reason", shown(why, said).as_str().into()),
                    ("resume", resume.as_str().into()),
                ],
            ),
            None => c.message.clone(),
        },
        "AsExpected" => t("upgrade-cond-as-expected"),
        "Restarting" => t("upgrade-cond-restarting"),
        "CycleFailed" => t("upgrade-cond-cycle-failed"),
        "InService" => t("upgrade-cond-in-service"),
        "AllPhasesFinished" => t("upgrade-cond-all-finished"),
        "PhasesLeft" => {
            let left: Vec<&str> = s
                .phases
                .iter()
                .filter(|r| !r.status.is_finished())
                .map(|r| r.phase.as_str())
                .collect();
            tf(
                "upgrade-cond-phases-left",
                &[("phases", left.join(", ").as_str().into())],
            )
        }
        _ => c.message.clone(),
    }
}

fn document(s: &UpgradeState, path: &Path, extra: serde_json::Value) -> serde_json::Value {
    let mut v = serde_json::to_value(s).unwrap_or(serde_json::Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert("stateFile".into(), path.display().to_string().into());
        if let Some(e) = extra.as_object() {
            for (k, x) in e {
                o.insert(k.clone(), x.clone());
            }
        }
    }
    v
}

pub fn run(a: UpgradeArgs, now: i64) -> Result<ExitStatus, CliError> {
    if let Some(UpgradeSub::Status(s)) = &a.sub {
        return status(s);
    }
    if a.max_parallel == 0 {
        return Err(CliError::Text(Text::new("upgrade-max-parallel")));
    }
    super::enroll::endpoints(&vdsm_args(&a))?;
    let path = state_path(
        &a.common.loc,
        a.common.backup_dir.as_deref(),
        a.state.as_deref(),
    );
    let me = target(&a);
    let saved = load(&path)?;
    let mut state = match saved {
        Some(s) if a.discard_state => {
            let file = path.display().to_string();
            let next = s
                .next_phase()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| t("upgrade-next-none"));
            say(&tf(
                if a.common.dry_run {
                    "upgrade-would-discard"
                } else {
                    "upgrade-discarding"
                },
                &[
                    ("file", file.as_str().into()),
                    ("phase", next.as_str().into()),
                ],
            ));
            UpgradeState::new(&me, now)
        }
        Some(s) => {
            s.check_target(&me).map_err(|e| {
                CliError::RefusedText(
                    rhv_pki::i18n::Text::new("probe-at")
                        .arg("endpoint", path.display())
                        .arg_text("detail", e.text()),
                )
            })?;
            s
        }
        None => UpgradeState::new(&me, now),
    };
    let json = a.common.format == Format::Json;
    let mut runner = CliRunner {
        a: &a,
        state_path: path.clone(),
        hosts: None,
        stopped_with: None,
        said: Vec::new(),
    };

    // The plan (also what --dry-run prints), with the pre-checks judged now.
    let resuming = state.next_phase().filter(|p| *p != Phase::Prechecks);
    let plan = up::plan(&state, &mut runner);
    let checks = if resuming.is_none() && !state.is_complete() {
        Some(up::Runner::prechecks(&mut runner))
    } else {
        None
    };
    if !json {
        if let Some(p) = resuming {
            let file = path.display().to_string();
            say(&tf(
                "upgrade-resuming",
                &[("file", file.as_str().into()), ("phase", p.as_str().into())],
            ));
        }
        let mut s = format!("{}\n", t("upgrade-plan"));
        let rows: Vec<Vec<String>> = plan
            .iter()
            .map(|p| {
                let will = match p.will {
                    "run" => t("upgrade-will-run"),
                    "skip" => t("upgrade-will-skip"),
                    "done" => t("upgrade-state-done"),
                    "skipped" => t("upgrade-state-skipped"),
                    other => other.to_string(),
                };
                vec![p.phase.as_str().to_string(), will, shown(&p.detail, &[])]
            })
            .collect();
        s.push_str(&aligned(&rows));
        if let Some(c) = &checks {
            s.push('\n');
            s.push_str(&checks_table(c));
        }
        print!("{s}");
    }
    let failed_checks = checks.as_ref().is_some_and(|c| !precheck::all_pass(c));
    if a.common.dry_run {
        if json {
            print_json(&serde_json::json!({
                "kind": "PkiUpgradePlan",
                "apiVersion": "rhv-pki/v1",
                "dryRun": true,
                "stateFile": path.display().to_string(),
                "plan": plan,
                "prechecks": checks,
            }))?;
        } else {
            println!("\n{}", t("plan-dry-run"));
        }
        return Ok(if failed_checks {
            ExitStatus::Refused
        } else {
            ExitStatus::Ok
        });
    }
    if failed_checks {
        let n = checks
            .iter()
            .flatten()
            .filter(|c| c.status == CheckStatus::Fail)
            .count();
        let msg = rhv_pki::i18n::Text::new("upgrade-refused").arg("count", n);
        if json {
            print_json(&serde_json::json!({
                "kind": "PkiUpgrade", "apiVersion": "rhv-pki/v1", "result": "refused",
                "message": msg.english(), "prechecks": checks,
            }))?;
        }
        return Err(CliError::RefusedText(msg));
    }
    if state.is_complete() {
        if json {
            print_json(&document(
                &state,
                &path,
                serde_json::json!({"result": "complete"}),
            ))?;
        } else {
            let file = path.display().to_string();
            println!(
                "\n{}",
                tf("upgrade-nothing-to-do", &[("file", file.as_str().into())])
            );
        }
        return Ok(ExitStatus::Ok);
    }
    if !confirm(a.common.yes, || t("upgrade-refuse-no-terminal"))? {
        return Err(CliError::RefusedText(rhv_pki::i18n::Text::new(
            "upgrade-not-confirmed",
        )));
    }
    if json {
        super::out::to_stderr(true);
    }
    watch_signals();
    let outcome = up::drive(&mut state, &mut runner);
    super::out::to_stderr(false);
    let outcome = outcome.map_err(|e| {
        let detail = match &e {
            up::run::DriveError::State(s) => s.text(),
            up::run::DriveError::Save(s) => {
                Text::new("upgrade-drive-not-saved").arg_text("error", save_error_text(s))
            }
        };
        // English: what `CliError::Output` said, byte for byte.
        CliError::Text(
            Text::new("error-writing-report").arg_text(
                "error",
                Text::new("upgrade-detail-in-dir")
                    .arg("dir", path.display())
                    .arg_text("error", detail),
            ),
        )
    })?;
    let (status, result) = match &outcome {
        up::Outcome::Complete => (ExitStatus::Ok, "complete"),
        up::Outcome::PrecheckFailed(_) => (ExitStatus::Refused, "refused"),
        up::Outcome::Failed { .. } => (
            runner.stopped_with.unwrap_or(ExitStatus::FailedRolledBack),
            "failed",
        ),
        up::Outcome::Interrupted { .. } => (
            runner.stopped_with.unwrap_or(ExitStatus::Interrupted),
            "interrupted",
        ),
    };
    if json {
        print_json(&document(
            &state,
            &path,
            serde_json::json!({"result": result}),
        ))?;
    } else {
        print!("\n{}", state_table(&state, &runner.said));
        match &outcome {
            up::Outcome::Complete => println!("\n{}", t("upgrade-done")),
            up::Outcome::PrecheckFailed(c) => print!("\n{}", checks_table(c)),
            up::Outcome::Failed { phase, reason } | up::Outcome::Interrupted { phase, reason } => {
                let command = format!(
                    "rhv-pki upgrade status{}",
                    a.common
                        .loc
                        .root
                        .as_ref()
                        .map(|r| format!(" --root {}", r.display()))
                        .unwrap_or_default()
                );
                println!(
                    "\n{}\n{}",
                    tf(
                        "upgrade-stopped",
                        &[
                            ("phase", phase.as_str().into()),
                            ("reason", shown(reason, &runner.said).as_str().into())
                        ]
                    ),
                    tf(
                        "upgrade-resume-hint",
                        &[("command", command.as_str().into())]
                    )
                );
            }
        }
    }
    Ok(status)
}

fn status(s: &StatusArgs) -> Result<ExitStatus, CliError> {
    let path = state_path(&s.loc, s.backup_dir.as_deref(), s.state.as_deref());
    let Some(state) = load(&path)? else {
        return Err(CliError::Text(
            Text::new("upgrade-no-upgrade-here").arg("path", path.display()),
        ));
    };
    if s.format == Format::Json {
        print_json(&document(&state, &path, serde_json::json!({})))?;
    } else {
        print!("{}", state_table(&state, &[]));
    }
    Ok(ExitStatus::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The English catalogue gives each condition's JSON message, in every state the phases
    /// can be in (so the table and the JSON say the same in English).
    #[test]
    fn condition_messages_in_english_are_the_json_messages() {
        let mut states = Vec::new();
        let mut s = UpgradeState::new("p", 1);
        states.push(s.clone());
        s.start(Phase::Prechecks, 2).unwrap();
        states.push(s.clone());
        s.finish(Phase::Prechecks, "ok", 3).unwrap();
        states.push(s.clone());
        s.skip(Phase::Conf, "no", 4).unwrap();
        s.finish(Phase::Resign, "ok", 5).unwrap();
        s.start(Phase::Cycle, 6).unwrap();
        states.push(s.clone());
        s.fail(Phase::Cycle, "restart httpd: exit 1", 7).unwrap();
        states.push(s.clone());
        s.finish(Phase::Cycle, "ok", 8).unwrap();
        s.fail(Phase::Enroll, "host3 install_failed", 9).unwrap();
        states.push(s.clone());
        for p in [Phase::Enroll, Phase::FinalAudit] {
            s.finish(p, "ok", 10).unwrap();
        }
        states.push(s.clone());
        let mut reasons = std::collections::BTreeSet::new();
        for st in &states {
            for c in &st.conditions {
                assert_eq!(condition_message(st, c, &[]), c.message, "{}", c.reason);
                reasons.insert(c.reason.clone());
            }
        }
        assert_eq!(reasons.len(), 12, "{reasons:?}");
    }

    /// Each outcome the upgrade keeps in its state reads as its own message again (so the
    /// table can say it in the reader's language), whatever its variables hold; other text
    /// is not taken for one.
    #[test]
    fn saved_outcomes_read_as_their_messages() {
        let en = rhv_pki::i18n::Messages::new(rhv_pki::i18n::Lang::En);
        for (key, vars) in OUTCOMES {
            let (lits, order) = crate::cli::phrases::template(&en, key, vars);
            assert_eq!(order.len(), vars.len(), "{key}: {lits:?}");
            let args: Vec<(&str, Arg<'_>)> =
                vars.iter().map(|v| (*v, Arg::Str("a (b): c"))).collect();
            let text = en.fmt(key, &args);
            assert_eq!(outcome(&text, &[]).as_deref(), Some(text.as_str()), "{key}");
        }
        assert_eq!(
            outcome("6 of 12 checks passed, the rest do not apply", &[]).as_deref(),
            Some("6 of 12 checks passed, the rest do not apply")
        );
        assert_eq!(
            outcome(
                "injected fault at write step 12; everything was rolled back (backup 1-2)",
                &[]
            )
            .as_deref(),
            Some("injected fault at write step 12; everything was rolled back (backup 1-2)")
        );
        for other in ["pre-checks passed", "restarted and verified", ""] {
            assert_eq!(outcome(other, &[]), None, "{other}");
        }
        // This run's failure is said as its message (English here: the same text).
        let t = Text::new("upgrade-max-parallel");
        assert_eq!(
            shown(&t.english(), &[(t.english(), t.clone())]),
            t.english()
        );
    }

    /// The backup directory's probe says where it looked and why it cannot write there, with
    /// the texts the pre-check has always shown.
    #[test]
    fn the_backup_probe_names_the_directory_and_keeps_the_io_error() {
        let e = probe_writable(Path::new("no-such-dir-rhv-pki-test/backups")).unwrap_err();
        assert!(
            matches!(&e, BackupDirError::NoDirectory { dir } if dir == Path::new("no-such-dir-rhv-pki-test/backups")),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "no-such-dir-rhv-pki-test/backups: no such directory"
        );
        // /proc takes no new file, not even from root.
        let e = probe_writable(Path::new("/proc/rhv-pki-backups")).unwrap_err();
        let BackupDirError::NotWritable { dir, source } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(dir, Path::new("/proc"));
        assert_eq!(e.to_string(), format!("/proc: {source}"));
        let tmp = std::env::temp_dir();
        assert!(probe_writable(&tmp.join("rhv-pki-not-yet")).is_ok());
    }
}
