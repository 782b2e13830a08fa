//! The command line (binary only): clap fills plain structs, which are then turned into
//! library configurations. Reading argv, the clock, the environment, secrets and the terminal
//! happens here, never in the library. This file holds the command tree and its dispatch.
//!
//! Arrows inside: [`args`] (shared argument groups and their parsing), [`term`] (the
//! terminal) and [`exit`] (the exit-status table) are leaves; [`cycle`] (the maintenance
//! cycle's plumbing) uses them; the command modules ([`audit`], [`change`], [`hosts`],
//! [`enroll`], [`maintenance`], [`generate`]) use those and never each other — except `hosts`,
//! which dispatches `hosts enroll` and calls the vdsm TLS probe that lives in [`enroll`].

use clap::{Parser, Subcommand};

pub mod exit;
pub mod out;

pub use audit::answer_usage_error;
use exit::{CliError, ExitStatus};

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

mod args;
mod audit;
mod change;
mod cycle;
mod enroll;
mod generate;
pub mod help;
mod hosts;
pub mod lang;
mod maintenance;
mod phrases;
mod schema;
mod term;
mod trail;
mod upgrade;
pub mod usage;

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
    /// The language of what a person reads (tables, messages, plans, help): en or ja (a locale
    /// name such as ja_JP.UTF-8 is read too). Default: LC_ALL, LC_MESSAGES, LANG as gettext
    /// reads them. JSON, finding codes, exit codes and metrics never change with it.
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<rhv_pki::i18n::Lang>,
    #[command(subcommand)]
    pub command: Command,
}

fn parse_lang(s: &str) -> Result<rhv_pki::i18n::Lang, rhv_pki::i18n::UnknownLang> {
    rhv_pki::i18n::Lang::parse(s)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every certificate of the Manager's PKI directory (read-only).
    ///
    /// Exit codes (the Nagios plugin convention): 0 OK; 1 WARNING; 2 CRITICAL; 3 UNKNOWN (the
    /// audit could not run: bad arguments, missing or unreadable PKI directory, a side job
    /// such as --textfile-dir or --post-events failed).
    Audit(audit::AuditArgs),
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
    /// The whole upgrade-guide runbook as one resumable command: pre-checks (all reported at
    /// once), openssl.conf, re-sign what is weak or due, the maintenance cycle, host
    /// re-enrollment in waves, a final audit. `--dry-run` prints the plan and the pre-checks;
    /// the state is saved after every phase, so a re-run resumes at the failed phase and never
    /// repeats a finished one (`upgrade status` shows it, from another terminal too).
    ///
    /// Exit codes: 0 complete (or nothing to do, or --dry-run with every pre-check passing);
    /// 1 a phase failed (a re-sign rolled back, or a host's enrollment failed); 2 refused
    /// before changing anything (a pre-check failed, not confirmed, the saved state is another
    /// run's), or the final audit still finds something critical; 3 usage error; 4 files
    /// changed but the maintenance cycle did not finish; 5 an endpoint still serves the old
    /// certificate; 129 hangup, 130 interrupted, 143 terminated (re-run to resume).
    Upgrade(upgrade::UpgradeArgs),
    /// Hosted-engine global maintenance, service restarts and endpoint checks, one step at a
    /// time (resign / renew run them all as one cycle).
    Maintenance(maintenance::MaintenanceArgs),
    /// Print shell completions, the man page (generated from these definitions) or the JSON
    /// schemas of the `--format json` documents; with `man --out-dir DIR`, write rhv-pki.1 and
    /// one page per subcommand (rhv-pki-audit.1, …); with `schema --out-dir DIR`, every schema.
    ///
    /// Exit codes: 0 printed or written; 3 usage error or the output could not be written.
    Generate {
        /// What to print: a shell's completion script, the man page, or a JSON schema.
        #[arg(value_enum)]
        what: generate::Generated,
        /// `schema` only: the document kind whose schema to print (PkiAudit, PkiChange,
        /// PkiRollback, PkiBackups, EnrollPlan, EnrollReport, HostRecovery); without it and
        /// --out-dir, the kinds are listed.
        #[arg(value_name = "NAME")]
        name: Option<String>,
        /// Write every man page (man) or every schema as NAME.schema.json (schema) into DIR
        /// instead of printing one.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<std::path::PathBuf>,
    },
}

/// Runs a parsed command. `now` is the wall clock, read by `main`; the status is the
/// process's exit status ([`ExitStatus`]), a failure's is `ExitStatus::from(&err)`.
pub fn run(cli: Cli, now: i64) -> Result<ExitStatus, CliError> {
    trail::begin(&cli.command);
    let r = match cli.command {
        Command::Audit(a) => audit::run_audit(a, now),
        Command::Conf(a) => change::run_conf(a, now),
        Command::Resign(a) => change::run_resign(a, now),
        Command::Renew(a) => change::run_renew(a, now),
        Command::Rollback(a) => change::run_rollback(a, now),
        Command::Backups(a) => change::run_backups(a),
        Command::Hosts(a) => hosts::run(a, now),
        Command::Upgrade(a) => upgrade::run(a, now),
        Command::Maintenance(a) => maintenance::run(a),
        Command::Generate {
            what,
            name,
            out_dir,
        } => generate::generate(what, name.as_deref(), out_dir.as_deref()),
    };
    trail::finish(&r);
    r
}
