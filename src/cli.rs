//! Command-line parsing: clap fills plain structs, which are then turned into library
//! configurations. Reading the clock, the environment and secrets happens here, not in the
//! library.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::audit::{self, AuditConfig};
use crate::report::{self, Status};

#[derive(Debug, Parser)]
#[command(
    name = "rhv-pki",
    version,
    about = "Audit, re-sign and renew the X.509 PKI of an oVirt / RHV Manager"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every certificate of the Manager's PKI directory (read-only).
    ///
    /// Exit codes follow the Nagios plugin convention: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
    /// (the audit could not run: bad arguments, missing or unreadable PKI directory).
    Audit(AuditArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
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
    /// File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD, else oVirt's "mypass").
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
    /// Warn when a certificate expires within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = audit::DEFAULT_WARN_DAYS)]
    pub warn_days: i64,
    /// Critical when a certificate expires within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = audit::DEFAULT_CRIT_DAYS)]
    pub crit_days: i64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Colour the table: auto = only on a terminal.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Worker threads (0 = one per CPU).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
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
fn p12_password(file: Option<&Path>) -> Result<String, CliError> {
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

/// What `main` needs to decide the exit code.
pub struct Outcome {
    pub status: Status,
}

/// Runs a parsed command. `now` is the wall clock, read by `main`.
pub fn run(cli: Cli, now: i64) -> Result<Outcome, CliError> {
    match cli.command {
        Command::Audit(a) => run_audit(a, now),
    }
}

fn run_audit(a: AuditArgs, now: i64) -> Result<Outcome, CliError> {
    if a.warn_days < 0 || a.crit_days < 0 {
        return Err(CliError::Usage(
            "--warn-days and --crit-days must not be negative".into(),
        ));
    }
    if a.crit_days > a.warn_days {
        return Err(CliError::Usage(format!(
            "--crit-days ({}) must not exceed --warn-days ({})",
            a.crit_days, a.warn_days
        )));
    }
    let at = match &a.at {
        Some(s) => parse_time(s).map_err(CliError::Usage)?,
        None => now,
    };
    let loc = locations(&a.loc);
    let cfg = AuditConfig {
        pki_dir: loc.pki_dir,
        engine_conf_dir: loc.engine_conf_dir,
        root: loc.root,
        now: at,
        warn_days: a.warn_days,
        crit_days: a.crit_days,
        p12_password: p12_password(a.loc.p12_password_file.as_deref())?,
        threads: a.threads,
    };
    // The report is written while the audit runs (constant memory for any number of hosts).
    let stdout = std::io::stdout();
    let out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let totals = match a.format {
        Format::Table => {
            let color = match a.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            audit::run_with(&cfg, &mut report::TableSink::new(out, color))?
        }
        Format::Json => audit::run_with(&cfg, &mut report::JsonSink::new(out))?,
    };
    let status = Status::of_totals(&totals);
    Ok(Outcome { status })
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
