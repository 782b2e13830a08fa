//! The change trail of this run (src/journal.rs): [`begin`] and [`finish`] once around each
//! command in `cli::run`; the change commands add what they learn with [`note`] and say when
//! their long part starts with [`started`]. The journal socket comes from the environment here
//! (`RHV_PKI_JOURNAL_SOCKET`, for tests and containers; empty: no trail), never in the library.

use super::args::{locations, LocationArgs};
use super::exit::{CliError, ExitStatus};
use super::Command;
use rhv_pki::journal::{CertChange, Journal, Record, Trail};

/// The one command this process runs.
static TRAIL: Trail = Trail::new();

/// The record a change command starts with (`None`: not a change command, no trail).
fn record(cmd: &Command) -> Option<Record> {
    use super::hosts::HostsCommand as H;
    use super::maintenance::MaintAction as M;
    let (name, dry_run, loc): (&str, bool, Option<&LocationArgs>) = match cmd {
        Command::Conf(a) => ("conf", a.common.dry_run, Some(&a.common.loc)),
        Command::Resign(a) => ("resign", a.common.dry_run, Some(&a.common.loc)),
        Command::Renew(a) => ("renew", a.common.dry_run, Some(&a.common.loc)),
        Command::Rollback(a) => ("rollback", a.common.dry_run, Some(&a.common.loc)),
        Command::Hosts(h) => match &h.command {
            H::Recover(a) => ("hosts recover", a.dry_run, Some(&a.loc)),
            H::Enroll(a) => ("hosts enroll", a.dry_run, None),
            H::Audit(_) => return None,
        },
        Command::Maintenance(m) => match &m.action {
            M::On(_) => ("maintenance on", false, None),
            M::Off(_) => ("maintenance off", false, None),
            M::Restart(a) => ("maintenance restart", a.dry_run, Some(&a.loc)),
            M::Status(_) | M::Verify(_) => return None,
        },
        // The upgrade is one record: its phases (conf, resign, enroll) note their backup,
        // certificates and hosts into it.
        Command::Upgrade(a) if a.sub.is_none() => {
            ("upgrade", a.common.dry_run, Some(&a.common.loc))
        }
        Command::Upgrade(_) => return None,
        Command::Audit(_) | Command::Backups(_) | Command::Generate { .. } => return None,
    };
    let mut r = Record::new(name, dry_run);
    r.pki_dir = loc.map(|l| locations(l).pki_dir.display().to_string());
    Some(r)
}

/// Starts the trail for `cmd` when it is a change command.
pub(crate) fn begin(cmd: &Command) {
    let journal = match std::env::var_os("RHV_PKI_JOURNAL_SOCKET") {
        Some(p) if p.is_empty() => return,
        Some(p) => Journal::at(std::path::Path::new(&p)),
        None => Journal::system(),
    };
    if let Some(r) = record(cmd) {
        TRAIL.begin(journal, r);
    }
}

/// The final record, with the exit status `main` will return; a journal that is not there is
/// no failure of the command.
pub(crate) fn finish(r: &Result<ExitStatus, CliError>) {
    let _ = match r {
        Ok(o) => TRAIL.finish(o.code(), None),
        Err(e) => TRAIL.finish(ExitStatus::from(e).code(), Some(&e.to_string())),
    };
}

/// Adds what the running command learned.
pub(crate) fn note(f: impl FnOnce(&mut Record)) {
    TRAIL.note(f)
}

/// The long part of the command starts (after confirmation).
pub(crate) fn started() {
    TRAIL.started()
}

/// A plan's certificates, old → new.
pub(crate) fn plan_certs(plan: &rhv_pki::change::Plan) -> Vec<CertChange> {
    plan.items
        .iter()
        .map(|i| CertChange {
            name: i.name.clone(),
            old_serial: i.old_serial.clone(),
            new_serial: i.new_serial.clone(),
            old_signature: i.old_signature.clone(),
            new_signature: i.new_signature.to_string(),
        })
        .collect()
}

/// The units a cycle restarted (and were seen to restart).
pub(crate) fn restarted(r: &rhv_pki::manager::maintenance::CycleReport) -> Vec<String> {
    r.events
        .iter()
        .filter(|e| e.step == "restart" && e.ok)
        .filter_map(|e| e.unit.clone())
        .collect()
}

/// `hosts recover`'s plan: the hosts and their certificates, old → new serial.
pub(crate) fn recover_plan(r: &mut Record, plan: &rhv_pki::hosts::recover::RecoverPlan) {
    r.hosts = plan.hosts.iter().map(|h| h.host.clone()).collect();
    r.certs = plan
        .hosts
        .iter()
        .flat_map(|h| {
            h.certs.iter().map(|c| CertChange {
                name: format!("host:{}/{}", h.host, c.kind),
                old_serial: c.old_serial.clone().unwrap_or_default(),
                new_serial: c.new_serial.clone(),
                old_signature: String::new(),
                // src/pki/sign.rs signs every certificate it issues with SHA-256.
                new_signature: "sha256WithRSAEncryption".into(),
            })
        })
        .collect();
}

/// `hosts recover`'s result: the Manager backup and the units restarted on each host.
pub(crate) fn recover_result(r: &mut Record, res: &rhv_pki::hosts::recover::RecoverResult) {
    r.backup_id = res.manager.backup.clone();
    r.units_restarted = res
        .hosts
        .iter()
        .flat_map(|h| h.restarted.iter().map(move |u| format!("{}:{u}", h.host)))
        .collect();
}

/// `hosts enroll`'s report: each host's certificate, old → new serial, as the Manager issued it.
pub(crate) fn enroll_report(r: &mut Record, rep: &rhv_pki::hosts::rolling::RunReport) {
    r.certs = rep
        .hosts
        .iter()
        .filter(|h| h.new_serial.is_some())
        .map(|h| CertChange {
            name: format!("host:{}", h.name),
            old_serial: h.old_serial.clone().unwrap_or_default(),
            new_serial: h.new_serial.clone().unwrap_or_default(),
            old_signature: String::new(),
            new_signature: String::new(),
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::ExitStatus as E;
    use rhv_pki::journal::Outcome;

    #[test]
    fn the_journal_reads_the_exit_table_as_the_commands_mean_it() {
        assert_eq!(Outcome::from_exit(E::Ok.code()), Outcome::Success);
        assert_eq!(
            Outcome::from_exit(E::FailedRolledBack.code()),
            Outcome::Failed
        );
        assert_eq!(Outcome::from_exit(E::Refused.code()), Outcome::Refused);
        assert_eq!(Outcome::from_exit(E::Unknown.code()), Outcome::UsageError);
        assert_eq!(
            Outcome::from_exit(E::CycleFailed.code()),
            Outcome::Incomplete
        );
        assert_eq!(
            Outcome::from_exit(E::RestartNeeded.code()),
            Outcome::Incomplete
        );
    }
}
