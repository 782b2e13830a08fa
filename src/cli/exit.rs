//! The one exit-status table. Every command ends in an [`ExitStatus`]; its number is decided
//! here and nowhere else (`main` turns it into the process's `ExitCode`). The numbers are the
//! ones each command's `--help` documents: the Nagios convention (0–3) for the audits, the
//! change commands' 0–5, and the signal codes (128 + N) of an interrupted `hosts enroll`.
//! [`CliError`] is every failure a command can end in; `From<&CliError>` gives its status.

use rhv_pki::audit::report::Status;

/// A failure before or outside the audit proper (always exit 3 in check mode).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Audit(#[from] rhv_pki::audit::AuditError),
    #[error("writing the report: {0}")]
    Output(String),
    /// A side job of the audit failed (the Manager for `--post-events`): exit 3.
    #[error("{0}")]
    SideJob(String),
    #[error(transparent)]
    Change(#[from] rhv_pki::change::ChangeError),
    /// Refused before anything was changed (exit 2 in the change commands' terms).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Recover(#[from] rhv_pki::hosts::recover::RecoverError),
    /// A failure whose text is a catalogue message: English in JSON and Nagios, the admin's
    /// language on the error line (exit 3, like a usage error).
    #[error("{0}")]
    Text(rhv_pki::i18n::Text),
    /// Refused before anything was changed (exit 2), the reason a catalogue message: English
    /// in logs, the admin's language on the error line.
    #[error("{0}")]
    RefusedText(rhv_pki::i18n::Text),
}

/// How a command ended, as the process reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done (or nothing to do, or a dry run); an audit found everything OK.
    Ok,
    /// 1: an audit found something to warn about (Nagios WARNING).
    Warning,
    /// 2: an audit found something critical (Nagios CRITICAL).
    Critical,
    /// 3: nothing could be judged or done: bad arguments, an unreadable PKI directory, a side
    /// job failed (Nagios UNKNOWN; the usage error of every command).
    Unknown,
    /// 1: a change step failed and everything was rolled back.
    FailedRolledBack,
    /// 1: a host could not be read, recovered or re-enrolled (the others were).
    HostFailed,
    /// 2: refused before changing anything (not confirmed, a check or the lock refused).
    Refused,
    /// 4: files changed but the maintenance cycle did not finish (a restart failed or was
    /// refused, global maintenance not cleared, an endpoint unreachable after its restart).
    CycleFailed,
    /// 5: files changed and services restarted, but an endpoint still serves the old
    /// certificate (`restart-needed`).
    RestartNeeded,
    /// 129: `hosts enroll` stopped by SIGHUP (re-run to resume).
    Hangup,
    /// 130: `hosts enroll` stopped by SIGINT (re-run to resume).
    Interrupted,
    /// 143: `hosts enroll` stopped by SIGTERM (re-run to resume).
    Terminated,
}

impl ExitStatus {
    /// The process exit code: the table.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Ok => 0,
            ExitStatus::Warning | ExitStatus::FailedRolledBack | ExitStatus::HostFailed => 1,
            ExitStatus::Critical | ExitStatus::Refused => 2,
            ExitStatus::Unknown => 3,
            ExitStatus::CycleFailed => 4,
            ExitStatus::RestartNeeded => 5,
            ExitStatus::Hangup => 129,
            ExitStatus::Interrupted => 130,
            ExitStatus::Terminated => 143,
        }
    }

    /// The status of a process stopped by the named signal (`SIGINT` when unknown).
    pub fn of_signal(name: Option<&str>) -> ExitStatus {
        match name {
            Some("SIGTERM") => ExitStatus::Terminated,
            Some("SIGHUP") => ExitStatus::Hangup,
            _ => ExitStatus::Interrupted,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(s: ExitStatus) -> Self {
        std::process::ExitCode::from(s.code())
    }
}

/// An audit's verdict as the process's status (the Nagios states).
impl From<Status> for ExitStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::Ok => ExitStatus::Ok,
            Status::Warning => ExitStatus::Warning,
            Status::Critical => ExitStatus::Critical,
            Status::Unknown => ExitStatus::Unknown,
        }
    }
}

/// What a failure means for the exit status.
impl From<&CliError> for ExitStatus {
    fn from(e: &CliError) -> Self {
        use rhv_pki::change::ChangeError as C;
        match e {
            CliError::Change(C::Verify { .. } | C::RolledBack { .. }) => {
                ExitStatus::FailedRolledBack
            }
            CliError::Change(C::Txn(rhv_pki::change::txn::TxnError::NoSuchBackup { .. })) => {
                ExitStatus::Unknown
            }
            CliError::Change(_)
            | CliError::Refused(_)
            | CliError::RefusedText(_)
            | CliError::Recover(_) => ExitStatus::Refused,
            _ => ExitStatus::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExitStatus as E;
    use super::*;
    use clap::CommandFactory;
    use std::collections::BTreeSet;

    /// Every status each command can end in, by its command path.
    const COMMANDS: &[(&str, &[E])] = &[
        ("audit", &[E::Ok, E::Warning, E::Critical, E::Unknown]),
        (
            "conf",
            &[E::Ok, E::FailedRolledBack, E::Refused, E::Unknown],
        ),
        (
            "resign",
            &[
                E::Ok,
                E::FailedRolledBack,
                E::Refused,
                E::Unknown,
                E::CycleFailed,
                E::RestartNeeded,
            ],
        ),
        (
            "renew",
            &[
                E::Ok,
                E::FailedRolledBack,
                E::Refused,
                E::Unknown,
                E::CycleFailed,
                E::RestartNeeded,
            ],
        ),
        ("rollback", &[E::Ok, E::Refused, E::Unknown]),
        ("backups", &[E::Ok, E::Refused, E::Unknown]),
        ("generate", &[E::Ok, E::Unknown]),
        ("hosts audit", &[E::Ok, E::Warning, E::Critical, E::Unknown]),
        (
            "hosts recover",
            &[E::Ok, E::HostFailed, E::Refused, E::Unknown],
        ),
        (
            "hosts enroll",
            &[
                E::Ok,
                E::HostFailed,
                E::Refused,
                E::Unknown,
                E::Hangup,
                E::Interrupted,
                E::Terminated,
            ],
        ),
        (
            "upgrade",
            &[
                E::Ok,
                E::FailedRolledBack,
                E::Refused,
                E::Unknown,
                E::CycleFailed,
                E::RestartNeeded,
                E::Hangup,
                E::Interrupted,
                E::Terminated,
            ],
        ),
        ("upgrade status", &[E::Ok, E::Unknown]),
        ("maintenance on", &[E::Ok, E::Refused, E::Unknown]),
        ("maintenance off", &[E::Ok, E::Refused, E::Unknown]),
        ("maintenance status", &[E::Ok, E::Refused, E::Unknown]),
        (
            "maintenance verify",
            &[E::Ok, E::Unknown, E::CycleFailed, E::RestartNeeded],
        ),
        (
            "maintenance restart",
            &[
                E::Ok,
                E::Refused,
                E::Unknown,
                E::CycleFailed,
                E::RestartNeeded,
            ],
        ),
    ];

    /// The codes a `--help` text documents: the numbers that open a clause of its
    /// `Exit codes: 0 …; 1 …` paragraph (`129 hangup, 130 interrupted`).
    fn documented(help: &str) -> BTreeSet<u8> {
        let para = help.split_once("Exit codes").map(|(_, t)| t).unwrap_or("");
        let para = para.split("\n\n").next().unwrap_or("");
        let para = para.split_once(':').map(|(_, t)| t).unwrap_or("");
        para.split([';', ','])
            .filter_map(|piece| {
                let piece = piece.trim();
                let num: String = piece.chars().take_while(char::is_ascii_digit).collect();
                (!num.is_empty() && piece[num.len()..].starts_with(' '))
                    .then(|| num.parse().ok())
                    .flatten()
            })
            .collect()
    }

    fn find(path: &str) -> clap::Command {
        let mut cmd = super::super::Cli::command();
        cmd.build();
        for name in path.split(' ') {
            cmd = cmd
                .find_subcommand(name)
                .unwrap_or_else(|| panic!("no command {path}"))
                .clone();
        }
        cmd
    }

    #[test]
    fn the_table_is_what_the_help_texts_document() {
        for (path, statuses) in COMMANDS {
            let help = find(path)
                .get_long_about()
                .unwrap_or_else(|| panic!("{path}: no long help"))
                .to_string();
            let table: BTreeSet<u8> = statuses.iter().map(|s| s.code()).collect();
            assert_eq!(documented(&help), table, "{path}: --help says\n{help}");
        }
    }

    #[test]
    fn every_command_is_listed() {
        let mut seen = BTreeSet::new();
        fn walk(cmd: &clap::Command, prefix: &str, seen: &mut BTreeSet<String>) {
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let path = format!("{prefix}{}", sub.get_name());
                if sub.has_subcommands() {
                    walk(sub, &format!("{path} "), seen);
                    // `upgrade` runs itself and has `upgrade status`.
                    if !sub.is_subcommand_required_set() {
                        seen.insert(path);
                    }
                } else {
                    seen.insert(path);
                }
            }
        }
        let mut cmd = super::super::Cli::command();
        cmd.build();
        walk(&cmd, "", &mut seen);
        let listed: BTreeSet<String> = COMMANDS.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(seen, listed);
    }

    #[test]
    fn audit_states_keep_their_nagios_numbers() {
        for s in [
            Status::Ok,
            Status::Warning,
            Status::Critical,
            Status::Unknown,
        ] {
            assert_eq!(E::from(s).code(), s.nagios_code(), "{s:?}");
        }
    }

    #[test]
    fn signals_are_128_plus_their_number() {
        assert_eq!(E::of_signal(Some("SIGHUP")).code(), 128 + 1);
        assert_eq!(E::of_signal(Some("SIGINT")).code(), 128 + 2);
        assert_eq!(E::of_signal(Some("SIGTERM")).code(), 128 + 15);
        assert_eq!(E::of_signal(None), E::Interrupted);
    }
}
