//! `rhv-pki upgrade`: the upgrade guide's "replace SHA-1 certificates with SHA-256" runbook (and
//! the yearly renewal) as one flow — pre-checks, `conf`, `resign`, the maintenance cycle, host
//! re-enrollment in waves, a final audit — planned first, applied with `--yes`, and resumable:
//! its state is saved after every phase so a re-run after a failure or Ctrl-C starts at the
//! failed phase and never repeats a finished one.
//!
//! This part of the library is pure: the pre-checks judge facts gathered by the caller
//! ([`precheck::Facts`]), the state machine ([`state::UpgradeState`]) takes `now` as an
//! argument and reports its progress as operator-style conditions ([`state::Condition`]).
//! Reading the Manager, running the phases and printing are the caller's.

pub mod precheck;
pub mod run;
pub mod state;

pub use precheck::{Check, CheckStatus, Facts};
pub use run::{drive, plan, Outcome, Outlook, PhasePlan, PhaseResult, Runner, SaveError};
pub use state::{Condition, ConditionType, Phase, PhaseStatus, UpgradeState};
