//! Command-line parsing: clap fills plain structs, which are then turned into library
//! configurations. Reading the clock, the environment and secrets happens here, not in the
//! library.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

pub mod out;

// Every command prints through `out::stdout()`: a reader that goes away (EPIPE, `| head`)
// stops the printing, never the command, and the exit status stays the command's. These
// shadow std's `print!` / `println!` in every module below, so no call site can panic.
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::cli::out::print_fmt(format_args!($($arg)*))
    };
}
macro_rules! println {
    () => {
        $crate::cli::out::print_fmt(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::out::print_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod change;
mod enroll;
pub mod hosts;
mod maintenance;
mod trail;

use crate::audit::alert;
use crate::audit::report::{self, Status};
use crate::audit::{self, AuditConfig};

/// `rhv-pki --version`: the crate version and the OpenSSL library the binary runs with
/// (EL8: 1.1.1, EL9: 3.x), which decides what PKCS#12 formats it reads without help.
static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{} ({})",
        env!("CARGO_PKG_VERSION"),
        openssl::version::version()
    )
});

#[derive(Debug, Parser)]
#[command(
    name = "rhv-pki",
    version = VERSION.as_str(),
    about = "Audit, re-sign and renew the X.509 PKI of an oVirt / RHV Manager",
    after_help = "Each command's --help (and man page) lists the exit codes it returns. Bad arguments exit 3 everywhere (UNKNOWN in Nagios terms); --help and --version exit 0."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every certificate of the Manager's PKI directory (read-only).
    ///
    /// Exit codes (the Nagios plugin convention): 0 OK; 1 WARNING; 2 CRITICAL; 3 UNKNOWN (the
    /// audit could not run: bad arguments, missing or unreadable PKI directory, a side job
    /// such as --textfile-dir or --post-events failed).
    Audit(AuditArgs),
    /// Set `default_md = sha256` in openssl.conf (backup kept, every other byte unchanged).
    ///
    /// Exit codes: 0 done (or nothing to do, or --dry-run); 1 a step failed and everything was
    /// rolled back; 2 refused before changing anything (not confirmed: answered no, or no --yes and
    /// stdin is not a terminal; the lock or a check refused); 3 usage error.
    Conf(change::ConfArgs),
    /// Re-sign certificates with SHA-256 keeping their keys (the SHA-1 -> SHA-256 runbook).
    ///
    /// Exit codes: 0 done (or nothing to do, or --dry-run); 1 a step failed and everything was
    /// rolled back; 2 refused before changing anything (not confirmed: answered no, or no --yes and
    /// stdin is not a terminal; a check refused the plan; global maintenance could not be set); 3
    /// usage error; 4 files changed but the maintenance cycle did not finish (a restart failed and
    /// global maintenance is kept on, restarts were refused because a hosted engine could not be
    /// ruled out, global maintenance could not be cleared, or an endpoint showed no certificate
    /// after its restart: endpoint-unreachable); 5 files changed and services restarted, but an
    /// endpoint still serves the old certificate (restart-needed).
    ///
    /// The maintenance cycle runs on the live PKI, or with --cycle; without it only the first four
    /// codes occur.
    Resign(change::ResignArgs),
    /// Re-issue the certificates that expire soon, or the ones named.
    ///
    /// Exit codes: 0 done (or nothing was due, or --dry-run); 1 a step failed and everything was
    /// rolled back; 2 refused before changing anything (not confirmed: answered no, or no --yes and
    /// stdin is not a terminal; a check refused the plan; global maintenance could not be set); 3
    /// usage error; 4 files changed but the maintenance cycle did not finish (a restart failed and
    /// global maintenance is kept on, restarts were refused because a hosted engine could not be
    /// ruled out, global maintenance could not be cleared, or an endpoint showed no certificate
    /// after its restart: endpoint-unreachable); 5 files changed and services restarted, but an
    /// endpoint still serves the old certificate (restart-needed).
    ///
    /// The maintenance cycle runs on the live PKI, or with --cycle; without it only the first four
    /// codes occur.
    Renew(change::RenewArgs),
    /// Restore the PKI directory and engine.conf.d from a backup, byte-identical.
    ///
    /// Exit codes: 0 restored (or --dry-run); 2 refused, or the restore failed (an interrupted
    /// change must be undone first; not confirmed: answered no, or no --yes and stdin is not a
    /// terminal; the lock or the backup could not be used: see the message); 3 usage error (no such
    /// backup, no completed change to roll back, not a PKI directory).
    Rollback(change::RollbackArgs),
    /// List rhv-pki's backups.
    ///
    /// Exit codes: 0 listed; 2 the backup directory cannot be read; 3 usage error (not a PKI
    /// directory).
    Backups(change::BackupsArgs),
    /// The hosts: audit what they serve (TLS) or hold (--ssh), recover expired ones over SSH,
    /// re-enroll them in rolling maintenance waves through the Manager.
    Hosts(hosts::HostsArgs),
    /// Hosted-engine global maintenance, service restarts and endpoint checks, one step at a
    /// time (resign / renew run them all as one cycle).
    Maintenance(maintenance::MaintenanceArgs),
    /// Print shell completions or the man page (generated from these definitions); with
    /// `man --out-dir DIR`, write rhv-pki.1 and one page per subcommand (rhv-pki-audit.1, …).
    ///
    /// Exit codes: 0 printed or written; 3 usage error or the output could not be written.
    Generate {
        /// What to print: a shell's completion script, or the man page.
        #[arg(value_enum)]
        what: Generated,
        /// Write every man page into DIR instead of printing the top-level one (man only).
        #[arg(long, value_name = "DIR")]
        out_dir: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Generated {
    /// bash completion (source it, or install it as /usr/share/bash-completion/completions/rhv-pki).
    Bash,
    /// zsh completion (install it as `_rhv-pki` in a directory of $fpath).
    Zsh,
    /// fish completion (install it as ~/.config/fish/completions/rhv-pki.fish).
    Fish,
    /// The man page, roff (with --out-dir: one page per subcommand).
    Man,
}

fn generate(what: Generated, out_dir: Option<&std::path::Path>) -> Result<Outcome, CliError> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    if let Some(dir) = out_dir {
        if what != Generated::Man {
            return Err(CliError::Usage("--out-dir: only for `generate man`".into()));
        }
        if !dir.is_dir() {
            return Err(CliError::Usage(format!(
                "--out-dir {}: not a directory",
                dir.display()
            )));
        }
        // One page per command, as clap_mangen::generate_to, but through man_page().
        fn pages(cmd: clap::Command, dir: &std::path::Path) -> std::io::Result<()> {
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
                pages(sub, dir)?;
            }
            let man = clap_mangen::Man::new(cmd);
            std::fs::write(dir.join(man.get_filename()), man_page(&man)?)
        }
        let mut cmd = cmd.disable_help_subcommand(true);
        cmd.build();
        pages(cmd, dir).map_err(|e| CliError::Output(format!("{}: {e}", dir.display())))?;
        return Ok(Outcome { code: 0 });
    }
    let mut out = out::stdout();
    match what {
        Generated::Bash => {
            let mut buf = Vec::new();
            clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, "rhv-pki", &mut buf);
            // clap_complete names the subcommand states `rhv__subcmd__pki__…` in the case
            // labels but `rhv__pki__…` where it sets them, so nothing below the top level
            // completed; one spelling makes them match.
            let text = String::from_utf8_lossy(&buf).replace("rhv__subcmd__pki", "rhv__pki");
            std::io::Write::write_all(&mut out, text.as_bytes())
                .map_err(|e| CliError::Output(e.to_string()))?
        }
        Generated::Zsh => {
            clap_complete::generate(clap_complete::Shell::Zsh, &mut cmd, "rhv-pki", &mut out)
        }
        Generated::Fish => {
            clap_complete::generate(clap_complete::Shell::Fish, &mut cmd, "rhv-pki", &mut out)
        }
        Generated::Man => man_page(&clap_mangen::Man::new(cmd))
            .and_then(|p| std::io::Write::write_all(&mut out, &p))
            .map_err(|e| CliError::Output(e.to_string()))?,
    }
    Ok(Outcome { code: 0 })
}

/// A rendered man page in plain ASCII roff: every other character as a groff `\[uXXXX]`
/// escape, so `groff -ww` and `man --warnings` render it without "invalid input character".
fn man_page(man: &clap_mangen::Man) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    man.render(&mut raw)?;
    let mut s = String::with_capacity(raw.len());
    for c in String::from_utf8_lossy(&raw).chars() {
        if c.is_ascii() {
            s.push(c);
        } else {
            let _ = std::fmt::Write::write_fmt(&mut s, format_args!("\\[u{:04X}]", c as u32));
        }
    }
    Ok(s.into_bytes())
}

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
pub(crate) fn command_args(loc: &LocationArgs) -> String {
    let mut s = change::rollback_command(loc, None)
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
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

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub loc: LocationArgs,
    /// Judge the certificates as of this time (YYYY-MM-DD or RFC 3339) instead of now.
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    /// Warn when a certificate expires within this many days, every role [default: per role, as renew: 60 web, 365 others and CAs; or config.toml].
    #[arg(long, value_name = "DAYS")]
    pub warn_days: Option<i64>,
    /// Critical when a certificate expires within this many days, every role [default: 30, or config.toml].
    #[arg(long, value_name = "DAYS")]
    pub crit_days: Option<i64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,
    /// Also write Prometheus metrics atomically to DIR/rhv_pki.prom (node_exporter textfile collector).
    #[arg(long, value_name = "DIR")]
    pub textfile_dir: Option<PathBuf>,
    /// Config file (TOML; thresholds per role class, default locations) [default: /etc/rhv-pki/config.toml if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colour the table: auto = only on a terminal.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Also give one readiness verdict for a platform: `el9` lists everything RHEL 9's
    /// DEFAULT crypto policy rejects or OpenSSL 3 cannot read (SHA-1 signatures, RC2-40
    /// PKCS#12, RSA < 2048, `default_md = sha1`), each with the command that fixes it. Not ready
    /// makes the exit code at least 1 (WARNING); see README "RHEL 9 readiness".
    #[arg(long, value_enum, value_name = "POLICY")]
    pub policy: Option<Policy>,
    /// Worker threads (0 = one per CPU).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Post a summary event into the Manager's audit log when the audit finds a warning or
    /// worse, so ovirt-engine-notifier mail/SNMP subscriptions carry it (one per day and
    /// severity; the Manager de-duplicates by custom id).
    #[arg(long)]
    pub post_events: bool,
    // Keep these two last: a heading applies to every argument after it, so a flag added
    // below them would be listed under "Endpoint probe" (tests/cli_story.rs checks).
    #[command(flatten, next_help_heading = "Manager API (--post-events)")]
    pub engine: hosts::EngineArgs,
    #[command(flatten, next_help_heading = "Endpoint probe (--probe)")]
    pub probe: maintenance::ProbeArgs,
}

/// A failure before or outside the audit proper (always exit 3 in check mode).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Audit(#[from] audit::AuditError),
    #[error("writing the report: {0}")]
    Output(String),
    /// A side job of the audit failed (the Manager for `--post-events`): exit 3.
    #[error("{0}")]
    SideJob(String),
    #[error(transparent)]
    Change(#[from] crate::change::ChangeError),
    /// Refused before anything was changed (exit 2 in the change commands' terms).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Recover(#[from] crate::hosts::recover::RecoverError),
}

impl CliError {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        use crate::change::ChangeError as C;
        match self {
            CliError::Change(C::Verify { .. } | C::RolledBack { .. }) => {
                change::EXIT_FAILED_ROLLED_BACK
            }
            CliError::Change(C::Txn(crate::change::txn::TxnError::NoSuchBackup { .. })) => {
                Status::Unknown.exit_code()
            }
            CliError::Change(_) | CliError::Refused(_) | CliError::Recover(_) => {
                change::EXIT_REFUSED
            }
            _ => Status::Unknown.exit_code(),
        }
    }
}

/// Warning / critical windows per role class: flags, then config.toml, then [`alert::BUILTIN`].
pub(crate) fn thresholds(
    conf: &alert::ConfigFile,
    warn_days: Option<i64>,
    crit_days: Option<i64>,
) -> Result<alert::Thresholds, CliError> {
    if warn_days.is_some_and(|v| v < 0) || crit_days.is_some_and(|v| v < 0) {
        return Err(CliError::Usage(
            "--warn-days and --crit-days must not be negative".into(),
        ));
    }
    let t = alert::Thresholds::resolve(&conf.thresholds, (warn_days, crit_days), alert::BUILTIN);
    if let Some((class, w)) = t.inverted() {
        return Err(CliError::Usage(format!(
            "{class}: critical window ({} days, --crit-days or crit_days) must not exceed the warning window ({} days, --warn-days or warn_days)",
            w.crit_days, w.warn_days
        )));
    }
    Ok(t)
}

/// Parses `--at`: a date (midnight UTC) or an RFC 3339 time.
pub fn parse_time(s: &str) -> Result<i64, String> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t.unix_timestamp());
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt)
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .map_err(|_| {
            format!("--at '{s}': expected YYYY-MM-DD or an RFC 3339 time like 2026-11-01T00:00:00Z")
        })
}

/// The PKCS#12 password: a file, the environment, or oVirt's default — never argv.
pub(crate) fn p12_password(file: Option<&Path>) -> Result<String, CliError> {
    let pw = if let Some(f) = file {
        let t = std::fs::read_to_string(f).map_err(|e| {
            CliError::Usage(format!("{}: cannot read password file: {e}", f.display()))
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
        return Err(CliError::Usage(
            "PKCS#12 password must not contain a NUL byte".into(),
        ));
    }
    Ok(pw)
}

/// The PKCS#12 password of the entity key stores: the operator's override
/// (`--p12-password-file`, `RHV_PKI_P12_PASSWORD`), else the engine's own
/// `ENGINE_PKI_ENGINE_STORE_PASSWORD` from engine.conf.d, else oVirt's default. Audit and
/// the change commands use this one rule, so what the audit opens is what resign re-writes.
pub(crate) fn store_password(
    loc: &LocationArgs,
    engine_conf_dir: Option<&Path>,
) -> Result<String, CliError> {
    if loc.p12_password_file.is_none() && std::env::var_os("RHV_PKI_P12_PASSWORD").is_none() {
        Ok(audit::store_passwords(engine_conf_dir).engine_store.value)
    } else {
        p12_password(loc.p12_password_file.as_deref())
    }
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

/// A usage error of `audit` (clap's, before the argument structs exist), answered on stdout
/// in the format the raw arguments ask for: a Nagios `UNKNOWN:` line or a JSON document.
pub fn answer_usage_error(args: impl Iterator<Item = std::ffi::OsString>, reason: &str) {
    let args: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
    if !args.iter().any(|a| a == "audit") {
        return;
    }
    let format = args
        .iter()
        .find_map(|a| a.strip_prefix("--format="))
        .or_else(|| {
            args.windows(2)
                .find(|w| w[0] == "--format")
                .map(|w| w[1].as_str())
        });
    match format {
        Some("nagios") => print_unknown(AuditFormat::Nagios, reason, None),
        Some("json") => print_unknown(AuditFormat::Json, reason, None),
        _ => {}
    }
}

/// What `main` needs to decide the exit code.
pub struct Outcome {
    pub code: u8,
}

/// Runs a parsed command. `now` is the wall clock, read by `main`.
pub fn run(cli: Cli, now: i64) -> Result<Outcome, CliError> {
    trail::begin(&cli.command);
    let r = match cli.command {
        Command::Audit(a) => run_audit(a, now),
        Command::Conf(a) => change::run_conf(a, now),
        Command::Resign(a) => change::run_resign(a, now),
        Command::Renew(a) => change::run_renew(a, now),
        Command::Rollback(a) => change::run_rollback(a, now),
        Command::Backups(a) => change::run_backups(a),
        Command::Hosts(a) => hosts::run(a, now),
        Command::Maintenance(a) => maintenance::run(a),
        Command::Generate { what, out_dir } => generate(what, out_dir.as_deref()),
    };
    trail::finish(&r);
    r
}

fn run_audit(a: AuditArgs, now: i64) -> Result<Outcome, CliError> {
    let format = a.format;
    let mut printed = false;
    let r = audit_main(a, now, &mut printed);
    if let Err(e) = &r {
        if !printed && e.exit_code() == Status::Unknown.exit_code() {
            print_unknown(format, &e.to_string(), None);
        }
    }
    r
}

/// An audit that could not run (exit 3) still answers in the format asked for: a Nagios
/// `UNKNOWN: reason` line (NRPE shows nothing otherwise), a JSON document with the error.
/// `audit_line` is the Nagios line of an audit that ran but could not finish its side work.
fn print_unknown(format: AuditFormat, reason: &str, audit_line: Option<&str>) {
    let reason = reason.replace(['\n', '\r'], " ");
    match format {
        AuditFormat::Nagios => {
            // `|` starts the performance data: never in the text.
            let text = reason.replace('|', "/");
            match audit_line.map(|l| l.split_once(" | ").unwrap_or((l, ""))) {
                Some((summary, perf)) if !perf.is_empty() => {
                    println!(
                        "UNKNOWN: {text} (audit: {}) | {perf}",
                        summary.replace('|', "/")
                    )
                }
                Some((summary, _)) => {
                    println!("UNKNOWN: {text} (audit: {})", summary.replace('|', "/"))
                }
                None => println!("UNKNOWN: {text}"),
            }
        }
        AuditFormat::Json => {
            let doc = serde_json::json!({
                "kind": "PkiAudit", "apiVersion": report::API_VERSION,
                "error": reason,
                "summary": {"status": Status::Unknown.as_str(), "exitCode": Status::Unknown.exit_code()},
            });
            let mut w = out::stdout();
            let _ = serde_json::to_writer_pretty(&mut w, &doc);
            println!();
        }
        AuditFormat::Table | AuditFormat::Prometheus => {}
    }
}

fn audit_main(mut a: AuditArgs, now: i64, printed: &mut bool) -> Result<Outcome, CliError> {
    let explicit = a.config.is_some();
    let cpath = a
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(alert::DEFAULT_CONFIG));
    let conf = alert::read_config(&cpath, explicit).map_err(CliError::Usage)?;
    let t = thresholds(&conf, a.warn_days, a.crit_days)?;
    let at = match &a.at {
        Some(s) => parse_time(s).map_err(CliError::Usage)?,
        None => now,
    };
    // Locations from the config file unless given on the command line.
    if a.loc.root.is_none() && a.loc.pki_dir.is_none() {
        a.loc.pki_dir = conf.audit.pki_dir.clone();
    }
    if a.loc.engine_conf_dir.is_none() {
        a.loc.engine_conf_dir = conf.audit.engine_conf_dir.clone();
    }
    if a.loc.p12_password_file.is_none() {
        a.loc.p12_password_file = conf.audit.p12_password_file.clone();
    }
    let textfile_dir = a
        .textfile_dir
        .clone()
        .or(conf.prometheus.textfile_dir.clone());
    let loc = locations(&a.loc);
    let p12 = store_password(&a.loc, loc.engine_conf_dir.as_deref())?;
    let cfg = AuditConfig {
        pki_dir: loc.pki_dir,
        engine_conf_dir: loc.engine_conf_dir,
        root: loc.root,
        now: at,
        warn_days: t.default.warn_days,
        crit_days: t.default.crit_days,
        p12_password: p12,
        threads: a.threads,
        role_windows: Some(t),
    };
    // --probe: what the endpoints really serve (restart-needed / endpoint-unreachable).
    let mut probed = if a.probe.probe {
        maintenance::probe_for_audit(&a.loc, &a.probe, &cfg)
    } else {
        Vec::new()
    };
    probed.extend(audit::interrupted_changes(
        &cfg.pki_dir,
        &change::backup_root(&a.loc, None),
        &change::rollback_command(&a.loc, None),
    ));
    let color = match a.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    // Table and JSON without a textfile are written while the audit runs (constant memory
    // for any number of hosts); the alerting formats need the whole report.
    if textfile_dir.is_none()
        && !a.post_events
        && a.policy.is_none()
        && matches!(a.format, AuditFormat::Table | AuditFormat::Json)
    {
        let w = std::io::BufWriter::with_capacity(64 * 1024, out::stdout());
        let totals = if a.format == AuditFormat::Table {
            audit::run_with_extra(&cfg, &mut report::TableSink::new(w, color), probed)?
        } else {
            audit::run_with_extra(&cfg, &mut report::JsonSink::new(w), probed)?
        };
        return Ok(Outcome {
            code: Status::of_totals(&totals).exit_code(),
        });
    }
    let mut rep = audit::run(&cfg)?;
    audit::add_findings(&mut rep, probed);
    let status = Status::of(&rep);
    let el9 = a.policy.map(|Policy::El9| {
        audit::el9::verdict(
            &rep,
            &audit::el9::Options {
                hosts: false,
                command_args: command_args(&a.loc),
                ..Default::default()
            },
        )
    });
    let host = rep
        .engine_fqdn
        .clone()
        .unwrap_or_else(|| "localhost".into());
    let run = alert::Run {
        manager: &host,
        scope: "engine",
        finished: now,
    };
    let prev = textfile_dir
        .as_ref()
        .and_then(|d| std::fs::read_to_string(d.join("rhv_pki.prom")).ok())
        .unwrap_or_default();
    // The textfile is written before stdout (its error counter carries over), but a failure
    // to write it is reported after the report: the audit itself is never hidden.
    let textfile_err = textfile_dir.as_ref().and_then(|dir| {
        let mut text = alert::prometheus(&rep, &t, run, alert::previous_errors_total(&prev));
        if let Some(v) = &el9 {
            text.push_str(&audit::el9::prometheus(v, "engine", &host));
        }
        alert::write_textfile(dir, &text)
            .err()
            .map(|e| CliError::Output(format!("{}: cannot write rhv_pki.prom: {e}", dir.display())))
    });
    let write = |s: &str| -> Result<(), CliError> {
        use std::io::Write as _;
        let mut w = out::stdout();
        w.write_all(s.as_bytes())
            .and_then(|_| w.flush())
            .map_err(|e| CliError::Output(e.to_string()))
    };
    // Nagios (one line) and JSON (one document) are decided after every side job (textfile,
    // --post-events), so a failed one is in the answer: `UNKNOWN: …` / `"error"`. Table and
    // Prometheus are printed first: a Manager that cannot be reached never hides them.
    let whole = matches!(a.format, AuditFormat::Nagios | AuditFormat::Json);
    let mut err = textfile_err;
    if whole && err.is_none() && a.post_events {
        err = post_event(&a, &rep).err();
    }
    *printed = true;
    match a.format {
        AuditFormat::Nagios => {
            let (mut line, _) = alert::nagios(&rep, &t);
            if let Some(v) = &el9 {
                line = audit::el9::nagios(&line, status.exit_code(), v).0;
            }
            match &err {
                Some(e) => print_unknown(AuditFormat::Nagios, &e.to_string(), Some(&line)),
                None => write(&format!("{line}\n"))?,
            }
        }
        AuditFormat::Table => {
            let mut text = report::table(&rep, color);
            if let Some(v) = &el9 {
                text.push_str(&audit::el9::table(v));
            }
            write(&text)?
        }
        AuditFormat::Json => {
            let doc = report::json(&rep);
            let mut v = serde_json::to_value(&doc).map_err(|e| CliError::Output(e.to_string()))?;
            if let (Some(e), Some(m)) = (&err, v.as_object_mut()) {
                m.insert("error".into(), e.to_string().into());
            }
            if let (Some(el9), Some(m)) = (&el9, v.as_object_mut()) {
                m.insert(
                    "el9".into(),
                    serde_json::to_value(el9).map_err(|e| CliError::Output(e.to_string()))?,
                );
            }
            let mut w = std::io::BufWriter::new(out::stdout());
            serde_json::to_writer_pretty(&mut w, &v)
                .map_err(|e| CliError::Output(e.to_string()))?;
            use std::io::Write as _;
            writeln!(w)
                .and_then(|_| w.flush())
                .map_err(|e| CliError::Output(e.to_string()))?;
        }
        AuditFormat::Prometheus => {
            // With --textfile-dir the file already counts this run's errors.
            let carried = if textfile_dir.is_some() && err.is_none() {
                let now_prev = textfile_dir
                    .as_ref()
                    .and_then(|d| std::fs::read_to_string(d.join("rhv_pki.prom")).ok())
                    .unwrap_or_default();
                alert::previous_errors_total(&now_prev).saturating_sub(
                    rep.findings
                        .iter()
                        .filter(|f| matches!(f.problem.code(), "unreadable" | "p12-unreadable"))
                        .count() as u64,
                )
            } else {
                alert::previous_errors_total(&prev)
            };
            let mut text = alert::prometheus(&rep, &t, run, carried);
            if let Some(v) = &el9 {
                text.push_str(&audit::el9::prometheus(v, "engine", &host));
            }
            write(&text)?;
        }
    }
    if let Some(e) = err {
        return Err(e);
    }
    if !whole && a.post_events {
        post_event(&a, &rep)?;
    }
    Ok(Outcome {
        code: match &el9 {
            Some(v) => audit::el9::exit_code(status.exit_code(), v),
            None => status.exit_code(),
        },
    })
}

/// Posts the audit's summary event (nothing when the audit is clean).
fn post_event(a: &AuditArgs, rep: &audit::AuditReport) -> Result<(), CliError> {
    let host = rep
        .engine_fqdn
        .clone()
        .unwrap_or_else(|| "the Manager".into());
    let Some(ev) = alert::summary_event(rep, &host) else {
        eprintln!("rhv-pki: audit is clean; no event posted");
        return Ok(());
    };
    let (cfg, _) = hosts::engine_config(&a.engine, &a.loc)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Output(e.to_string()))?;
    rt.block_on(async {
        let e = crate::net::engine::Engine::login(cfg)
            .await
            .map_err(|e| CliError::SideJob(format!("--post-events: {e}")))?;
        let r = e.post_event(&ev).await;
        e.logout().await;
        match r {
            Ok(posted) => {
                eprintln!("rhv-pki: posted event {} ({})", posted.id, ev.severity);
                Ok(())
            }
            Err(err @ crate::net::engine::EngineError::Fault { .. })
                if matches!(err.status(), Some(400 | 409))
                    && err.to_string().to_ascii_lowercase().contains("custom") =>
            {
                eprintln!(
                    "rhv-pki: today's {} event was already posted (custom id {})",
                    ev.severity, ev.custom_id
                );
                Ok(())
            }
            Err(err) => Err(CliError::SideJob(format!("--post-events: {err}"))),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_parsing() {
        assert_eq!(parse_time("2026-11-01").unwrap(), 1_793_491_200);
        assert_eq!(parse_time("2026-11-01T00:00:00Z").unwrap(), 1_793_491_200);
        assert!(parse_time("yesterday").is_err());
    }
}
