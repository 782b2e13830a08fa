//! Driving an upgrade: run the phases from where the saved state says, saving the state before
//! and after each, stopping at the first failure. What each phase does (call the resign
//! transaction, the maintenance cycle, the rolling enrollment) is the [`Runner`]'s: the binary
//! implements it with the same code the single commands run, the tests with a fake.
//!
//! The order of saves is what makes a re-run safe: a phase is saved `Running` before it starts
//! (so a kill mid-phase is seen as interrupted and that phase is resumed, never skipped) and
//! `Done` only after it returned (so a finished phase is never repeated).

use serde::Serialize;

use super::precheck::{self, Check};
use super::state::{Phase, StateError, UpgradeState};

/// What one phase came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhaseResult {
    /// It did its work; one line of what.
    Done(String),
    /// Nothing to do; why.
    Skipped(String),
    /// It failed; why (a re-run starts here).
    Failed(String),
    /// Stopped by a signal; what was left (a re-run starts here).
    Interrupted(String),
}

/// What a phase would do, for `--dry-run`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhasePlan {
    /// Which phase.
    pub phase: Phase,
    /// `done` / `skipped` (already, in the saved state), `run` or `skip` (this run).
    pub will: &'static str,
    /// What it will do or why not, one line; for a finished phase, what it did.
    pub detail: String,
}

/// The work of the phases, supplied by the caller.
pub trait Runner {
    /// Gather the facts and judge them (every check, all at once).
    fn prechecks(&mut self) -> Vec<Check>;
    /// What `phase` would do now: run it (with what), or nothing (why).
    fn describe(&mut self, phase: Phase) -> Outlook;
    /// Do `phase`. `state` is the run's state (saved `Running` for this phase); a phase may
    /// write to its `memo` only, and save it mid-phase, for a resumed attempt to read.
    fn run(&mut self, phase: Phase, state: &mut UpgradeState) -> PhaseResult;
    /// Persist the state (atomically); a failure stops the run before the next step.
    fn save(&mut self, state: &UpgradeState) -> Result<(), SaveError>;
    /// The wall clock, in Unix seconds.
    fn now(&self) -> i64;
}

/// What a phase would do now ([`Runner::describe`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outlook {
    /// It would run, doing this.
    Run(String),
    /// Nothing to do, for this reason.
    Skip(String),
}

/// The upgrade state could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The state did not encode (serde's reason).
    #[error("{0}")]
    Encode(#[from] serde_json::Error),
    /// Its directory could not be made.
    #[error("{}: {source}", .dir.display())]
    Dir {
        /// The directory.
        dir: std::path::PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
    /// The atomic write failed (file, step, the system's error).
    #[error(transparent)]
    Write(#[from] crate::sys::WriteError),
}

/// How a drive ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every phase is done or skipped.
    Complete,
    /// Pre-checks failed; nothing was changed. All of them, each with its verdict.
    PrecheckFailed(Vec<Check>),
    /// `phase` failed; a re-run resumes there.
    Failed {
        /// The phase.
        phase: Phase,
        /// Why.
        reason: String,
    },
    /// Interrupted during `phase`; a re-run resumes there.
    Interrupted {
        /// The phase.
        phase: Phase,
        /// What was left.
        reason: String,
    },
}

/// Why a drive could not go on (not a phase's own failure).
#[derive(Debug)]
pub enum DriveError {
    /// The state refused a transition.
    State(StateError),
    /// The state could not be saved; the run stopped before going on without a record.
    Save(SaveError),
}

impl std::fmt::Display for DriveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DriveError::State(e) => e.fmt(f),
            DriveError::Save(e) => write!(f, "cannot save the upgrade state: {e}"),
        }
    }
}

impl std::error::Error for DriveError {}

impl From<StateError> for DriveError {
    fn from(e: StateError) -> Self {
        DriveError::State(e)
    }
}

fn save(r: &mut dyn Runner, s: &UpgradeState) -> Result<(), DriveError> {
    r.save(s).map_err(DriveError::Save)
}

/// Runs the phases from the first unfinished one to the end or the first failure.
pub fn drive(state: &mut UpgradeState, r: &mut dyn Runner) -> Result<Outcome, DriveError> {
    while let Some(phase) = state.next_phase() {
        state.start(phase, r.now())?;
        save(r, state)?;
        let result = if phase == Phase::Prechecks {
            let checks = r.prechecks();
            if precheck::all_pass(&checks) {
                let n = checks
                    .iter()
                    .filter(|c| c.status == precheck::CheckStatus::Pass)
                    .count();
                PhaseResult::Done(format!(
                    "{n} of {} checks passed, the rest do not apply",
                    checks.len()
                ))
            } else {
                let failed: Vec<&str> = checks
                    .iter()
                    .filter(|c| c.status == precheck::CheckStatus::Fail)
                    .map(|c| c.id)
                    .collect();
                state.fail(
                    phase,
                    &format!("pre-checks failed: {}", failed.join(", ")),
                    r.now(),
                )?;
                save(r, state)?;
                return Ok(Outcome::PrecheckFailed(checks));
            }
        } else {
            r.run(phase, state)
        };
        let now = r.now();
        match result {
            PhaseResult::Done(what) => state.finish(phase, &what, now)?,
            PhaseResult::Skipped(why) => state.skip(phase, &why, now)?,
            PhaseResult::Failed(why) => {
                state.fail(phase, &why, now)?;
                save(r, state)?;
                return Ok(Outcome::Failed { phase, reason: why });
            }
            PhaseResult::Interrupted(why) => {
                state.fail(phase, &format!("interrupted: {why}"), now)?;
                save(r, state)?;
                return Ok(Outcome::Interrupted { phase, reason: why });
            }
        }
        save(r, state)?;
    }
    Ok(Outcome::Complete)
}

/// The plan `--dry-run` prints: every phase, what the saved state says of it or what this run
/// would do. Changes nothing (the runner's `describe` only reads).
pub fn plan(state: &UpgradeState, r: &mut dyn Runner) -> Vec<PhasePlan> {
    Phase::ALL
        .iter()
        .map(|&phase| {
            use super::state::PhaseStatus as S;
            let (will, detail) = match state.status(phase) {
                S::Done { outcome, .. } => ("done", outcome.clone()),
                S::Skipped { reason, .. } => ("skipped", reason.clone()),
                _ if phase == Phase::Prechecks => (
                    "run",
                    "every pre-check, all reported at once; nothing changes".to_string(),
                ),
                _ => match r.describe(phase) {
                    Outlook::Run(what) => ("run", what),
                    Outlook::Skip(why) => ("skip", why),
                },
            };
            PhasePlan {
                phase,
                will,
                detail,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upgrade::precheck::CheckStatus;
    use std::collections::BTreeMap;

    /// A fake runner: each phase's scripted results (one per call), the saved states.
    struct Fake {
        results: BTreeMap<Phase, Vec<PhaseResult>>,
        checks_fail: bool,
        ran: Vec<Phase>,
        saved: Vec<UpgradeState>,
        t: i64,
        fail_save_at: Option<usize>,
    }

    impl Fake {
        fn new() -> Fake {
            Fake {
                results: BTreeMap::new(),
                checks_fail: false,
                ran: vec![],
                saved: vec![],
                t: 1_796_601_600,
                fail_save_at: None,
            }
        }
        fn script(mut self, p: Phase, r: PhaseResult) -> Fake {
            self.results.entry(p).or_default().push(r);
            self
        }
    }

    impl Runner for Fake {
        fn prechecks(&mut self) -> Vec<Check> {
            self.ran.push(Phase::Prechecks);
            vec![
                Check {
                    id: "ca-key",
                    status: CheckStatus::Pass,
                    detail: "ok".into(),
                    fix: None,
                    fix_msg: None,
                    detail_text: None,
                },
                Check {
                    id: "capacity",
                    status: if self.checks_fail {
                        CheckStatus::Fail
                    } else {
                        CheckStatus::Pass
                    },
                    detail: "x".into(),
                    fix: self.checks_fail.then(|| "add a host".into()),
                    fix_msg: None,
                    detail_text: None,
                },
            ]
        }
        fn describe(&mut self, phase: Phase) -> Outlook {
            if phase == Phase::Conf {
                Outlook::Skip("openssl.conf already says sha256".into())
            } else {
                Outlook::Run(format!("{phase} would run"))
            }
        }
        fn run(&mut self, phase: Phase, _: &mut UpgradeState) -> PhaseResult {
            self.ran.push(phase);
            let q = self.results.entry(phase).or_default();
            if q.is_empty() {
                PhaseResult::Done(format!("{phase} done"))
            } else {
                q.remove(0)
            }
        }
        fn save(&mut self, s: &UpgradeState) -> Result<(), SaveError> {
            if Some(self.saved.len()) == self.fail_save_at {
                return Err(SaveError::Dir {
                    dir: "/var/lib/rhv-pki".into(),
                    source: std::io::Error::other("disk full"),
                });
            }
            self.saved.push(s.clone());
            Ok(())
        }
        fn now(&self) -> i64 {
            self.t
        }
    }

    #[test]
    fn a_clean_run_does_every_phase_once_in_order_and_saves_around_each() {
        let mut s = UpgradeState::new("p", 1_796_601_600);
        let mut f = Fake::new().script(Phase::Conf, PhaseResult::Skipped("already sha256".into()));
        assert_eq!(drive(&mut s, &mut f).unwrap(), Outcome::Complete);
        assert_eq!(f.ran, Phase::ALL.to_vec());
        // Saved before (running) and after each of the six phases.
        assert_eq!(f.saved.len(), 12);
        assert!(f.saved.last().unwrap().is_complete());
    }

    #[test]
    fn a_failure_at_each_phase_resumes_there_and_never_repeats_a_finished_phase() {
        for (i, &failing) in Phase::ALL.iter().enumerate().skip(1) {
            let mut s = UpgradeState::new("p", 1_796_601_600);
            let mut f = Fake::new().script(failing, PhaseResult::Failed("boom".into()));
            let out = drive(&mut s, &mut f).unwrap();
            assert_eq!(
                out,
                Outcome::Failed {
                    phase: failing,
                    reason: "boom".into()
                }
            );
            assert_eq!(f.ran, Phase::ALL[..=i].to_vec());
            // The re-run reads the saved state back, as from the file.
            let mut back: UpgradeState =
                serde_json::from_str(&serde_json::to_string(f.saved.last().unwrap()).unwrap())
                    .unwrap();
            let mut again = Fake::new();
            assert_eq!(drive(&mut back, &mut again).unwrap(), Outcome::Complete);
            assert_eq!(again.ran, Phase::ALL[i..].to_vec(), "failing at {failing}");
        }
    }

    #[test]
    fn a_kill_mid_phase_leaves_it_running_and_the_rerun_resumes_it() {
        // The state as saved just before the kill: the phase started, never finished.
        for (i, &killed) in Phase::ALL.iter().enumerate() {
            let mut s = UpgradeState::new("p", 1_796_601_600);
            let mut f = Fake::new();
            drive(&mut s, &mut f).unwrap();
            let snapshot = f.saved[2 * i].clone(); // the save before phase i ran
            assert_eq!(snapshot.interrupted(), Some(killed));
            let mut back = snapshot;
            let mut again = Fake::new();
            assert_eq!(drive(&mut back, &mut again).unwrap(), Outcome::Complete);
            assert_eq!(again.ran, Phase::ALL[i..].to_vec(), "killed in {killed}");
        }
    }

    #[test]
    fn failed_prechecks_change_nothing_and_report_every_check() {
        let mut s = UpgradeState::new("p", 1_796_601_600);
        let mut f = Fake::new();
        f.checks_fail = true;
        match drive(&mut s, &mut f).unwrap() {
            Outcome::PrecheckFailed(c) => {
                assert_eq!(c.len(), 2);
                assert_eq!(c[1].fix.as_deref(), Some("add a host"));
            }
            o => panic!("{o:?}"),
        }
        assert_eq!(f.ran, vec![Phase::Prechecks]);
        assert_eq!(s.next_phase(), Some(Phase::Prechecks));
    }

    #[test]
    fn an_interrupt_is_recorded_and_resumed() {
        let mut s = UpgradeState::new("p", 1_796_601_600);
        let mut f = Fake::new().script(
            Phase::Enroll,
            PhaseResult::Interrupted("host h2 in maintenance".into()),
        );
        assert!(matches!(
            drive(&mut s, &mut f).unwrap(),
            Outcome::Interrupted {
                phase: Phase::Enroll,
                ..
            }
        ));
        assert_eq!(s.next_phase(), Some(Phase::Enroll));
    }

    #[test]
    fn a_state_that_cannot_be_saved_stops_before_the_phase_runs() {
        let mut s = UpgradeState::new("p", 1_796_601_600);
        let mut f = Fake::new();
        f.fail_save_at = Some(4); // the save before Resign starts
        let e = drive(&mut s, &mut f).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot save the upgrade state: /var/lib/rhv-pki: disk full"
        );
        match e {
            DriveError::Save(SaveError::Dir { dir, source }) => {
                assert_eq!(dir, std::path::Path::new("/var/lib/rhv-pki"));
                assert_eq!(source.kind(), std::io::ErrorKind::Other);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(f.ran, vec![Phase::Prechecks, Phase::Conf]);
    }

    #[test]
    fn the_plan_shows_finished_phases_from_the_state_and_changes_nothing() {
        let mut s = UpgradeState::new("p", 1_796_601_600);
        s.finish(Phase::Prechecks, "12 checks passed", 1).unwrap();
        let before = s.clone();
        let mut f = Fake::new();
        let p = plan(&s, &mut f);
        assert_eq!(s, before);
        assert!(f.ran.is_empty() && f.saved.is_empty());
        let wills: Vec<&str> = p.iter().map(|x| x.will).collect();
        assert_eq!(wills, ["done", "skip", "run", "run", "run", "run"]);
        assert_eq!(p[1].detail, "openssl.conf already says sha256");
    }
}
