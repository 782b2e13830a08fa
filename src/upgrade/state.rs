//! The saved state of an upgrade run: which phase is done, running, failed or skipped, and the
//! conditions a monitor reads from a second terminal (`rhv-pki upgrade status`), in the shape
//! Kubernetes operators use (`type`, `status` "True"/"False", `reason`, `message`,
//! `lastTransitionTime` — which moves only when `status` changes).
//!
//! A phase found `Running` when the state is loaded was interrupted (killed, power loss): it is
//! the phase a re-run resumes with. Every phase is safe to run again (resign only re-signs what
//! is still weak or due, the cycle restarts and verifies again, enrollment resumes from its own
//! state file), so resuming never repeats a *finished* phase and never skips an unfinished one.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::pki::cert::rfc3339;

/// The phases, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Every pre-check, all reported at once; nothing changes.
    Prechecks,
    /// `default_md = sha256` in openssl.conf.
    Conf,
    /// Re-sign (keeping keys) what is weak or due, inside one transaction with a backup.
    Resign,
    /// Global maintenance (hosted engine), restart the services that use the new files, verify
    /// what the endpoints serve, leave global maintenance.
    Cycle,
    /// Re-enroll host certificates in capacity-safe waves through the Manager.
    Enroll,
    /// Audit the PKI again and require it to be clean of what the run was for.
    FinalAudit,
}

impl Phase {
    /// Every phase, in order.
    pub(crate) const ALL: [Phase; 6] = [
        Phase::Prechecks,
        Phase::Conf,
        Phase::Resign,
        Phase::Cycle,
        Phase::Enroll,
        Phase::FinalAudit,
    ];

    /// The name in JSON, the state file and the table.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Prechecks => "prechecks",
            Phase::Conf => "conf",
            Phase::Resign => "resign",
            Phase::Cycle => "cycle",
            Phase::Enroll => "enroll",
            Phase::FinalAudit => "final-audit",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where one phase stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum PhaseStatus {
    /// Not started.
    Pending,
    /// Started at `since` (Unix seconds) and not finished: if the state is read back with this,
    /// the run was interrupted during the phase.
    Running {
        /// When it started.
        since: i64,
    },
    /// Finished at `at`; `outcome` says what it did ("re-signed 6 certificates, backup …").
    Done {
        /// When it finished.
        at: i64,
        /// What it did, one line.
        outcome: String,
    },
    /// Not needed (`reason`: "openssl.conf already says sha256", "no --engine-url: hosts are
    /// left to a later `hosts enroll`").
    Skipped {
        /// When it was decided.
        at: i64,
        /// Why it is not needed.
        reason: String,
    },
    /// Failed at `at`; a re-run starts here.
    Failed {
        /// When it failed.
        at: i64,
        /// What went wrong, one line.
        reason: String,
    },
}

impl PhaseStatus {
    /// Done or skipped: a re-run does not touch it again.
    pub fn is_finished(&self) -> bool {
        matches!(self, PhaseStatus::Done { .. } | PhaseStatus::Skipped { .. })
    }

    /// The word in the table and in JSON summaries.
    pub fn word(&self) -> &'static str {
        match self {
            PhaseStatus::Pending => "pending",
            PhaseStatus::Running { .. } => "running",
            PhaseStatus::Done { .. } => "done",
            PhaseStatus::Skipped { .. } => "skipped",
            PhaseStatus::Failed { .. } => "failed",
        }
    }
}

/// One phase's record in the state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseRecord {
    /// Which phase.
    pub phase: Phase,
    /// Where it stands.
    #[serde(flatten)]
    pub status: PhaseStatus,
}

/// The four condition types, as operators publish them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ConditionType {
    /// The Manager's PKI is in service (not mid-restart, not left with a failed cycle).
    Available,
    /// A phase is running now.
    Progressing,
    /// A phase failed; the message says which and how to resume.
    Degraded,
    /// Every phase is done or skipped.
    Complete,
}

/// One condition, `status` "True" or "False".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// Which condition.
    #[serde(rename = "type")]
    pub kind: ConditionType,
    /// "True" or "False" (strings, as Kubernetes conditions carry them).
    pub status: String,
    /// A CamelCase machine-readable reason.
    pub reason: String,
    /// One human sentence.
    pub message: String,
    /// RFC 3339 time `status` last changed.
    pub last_transition_time: String,
}

/// Why a saved state cannot drive this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateError {
    /// The state file belongs to another PKI directory or Manager.
    OtherRun {
        /// What the state file was saved for.
        saved: String,
        /// What this run is for.
        now: String,
    },
    /// A phase was asked to start while an earlier one is not finished.
    OutOfOrder {
        /// The phase asked for.
        phase: Phase,
        /// The first unfinished phase.
        first_unfinished: Phase,
    },
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::OtherRun { saved, now } => write!(
                f,
                "the saved upgrade state is for {saved}, not {now} (use another --state, or \
                 --discard-state to start over)"
            ),
            StateError::OutOfOrder {
                phase,
                first_unfinished,
            } => write!(
                f,
                "phase {phase} cannot start before {first_unfinished} is finished"
            ),
        }
    }
}

impl std::error::Error for StateError {}

impl StateError {
    /// The error as a catalogue message; English: the `Display`, byte for byte.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            StateError::OtherRun { saved, now } => Text::new("upgrade-state-other-run")
                .arg("saved", saved)
                .arg("now", now),
            StateError::OutOfOrder {
                phase,
                first_unfinished,
            } => Text::new("upgrade-state-out-of-order")
                .arg("phase", phase)
                .arg("first", first_unfinished),
        }
    }
}

/// The saved state of one upgrade run (`kind: PkiUpgrade`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeState {
    /// "PkiUpgrade".
    pub(crate) kind: String,
    /// "rhv-pki/v1".
    pub(crate) api_version: String,
    /// What this run is for: the PKI directory and, when hosts are enrolled, the Manager URL.
    pub(crate) target: String,
    /// When the run started (Unix seconds).
    pub(crate) started: i64,
    /// When the state last changed.
    pub(crate) updated: i64,
    /// Every phase, in order.
    pub phases: Vec<PhaseRecord>,
    /// The backup the resign phase made (what `rollback --to` takes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) backup_id: Option<String>,
    /// The conditions, kept so `lastTransitionTime` survives re-runs.
    pub conditions: Vec<Condition>,
    /// What a phase must remember across an interruption (the maintenance cycle: whether
    /// global maintenance was off before its first attempt, so a resumed cycle clears what
    /// the killed one set; the re-sign phase: which certificates it changed, so the cycle
    /// restarts only their services).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub memo: BTreeMap<String, String>,
}

impl UpgradeState {
    /// A fresh run for `target`, every phase pending.
    pub fn new(target: &str, now: i64) -> UpgradeState {
        let mut s = UpgradeState {
            kind: "PkiUpgrade".into(),
            api_version: "rhv-pki/v1".into(),
            target: target.into(),
            started: now,
            updated: now,
            phases: Phase::ALL
                .iter()
                .map(|&phase| PhaseRecord {
                    phase,
                    status: PhaseStatus::Pending,
                })
                .collect(),
            backup_id: None,
            conditions: Vec::new(),
            memo: BTreeMap::new(),
        };
        s.refresh_conditions(now);
        s
    }

    /// Refuses a saved state that was made for another PKI directory or Manager.
    pub fn check_target(&self, target: &str) -> Result<(), StateError> {
        if self.target == target {
            Ok(())
        } else {
            Err(StateError::OtherRun {
                saved: self.target.clone(),
                now: target.into(),
            })
        }
    }

    /// Where `phase` stands.
    pub(crate) fn status(&self, phase: Phase) -> &PhaseStatus {
        self.phases
            .iter()
            .find(|r| r.phase == phase)
            .map(|r| &r.status)
            .unwrap_or(&PhaseStatus::Pending)
    }

    /// The phase a (re-)run starts with: the first one not done or skipped. `None`: complete.
    pub fn next_phase(&self) -> Option<Phase> {
        self.phases
            .iter()
            .find(|r| !r.status.is_finished())
            .map(|r| r.phase)
    }

    /// Was the run interrupted during a phase (found `Running` when read back)?
    pub fn interrupted(&self) -> Option<Phase> {
        self.phases
            .iter()
            .find(|r| matches!(r.status, PhaseStatus::Running { .. }))
            .map(|r| r.phase)
    }

    /// Every phase done or skipped.
    pub fn is_complete(&self) -> bool {
        self.next_phase().is_none()
    }

    fn set(&mut self, phase: Phase, status: PhaseStatus, now: i64) -> Result<(), StateError> {
        // Phases run in order: one may (re)start only when every earlier one is finished.
        if let Some(first) = self.next_phase() {
            if first < phase {
                return Err(StateError::OutOfOrder {
                    phase,
                    first_unfinished: first,
                });
            }
        }
        if let Some(r) = self.phases.iter_mut().find(|r| r.phase == phase) {
            r.status = status;
        }
        self.updated = now;
        self.refresh_conditions(now);
        Ok(())
    }

    /// `phase` starts now.
    pub fn start(&mut self, phase: Phase, now: i64) -> Result<(), StateError> {
        self.set(phase, PhaseStatus::Running { since: now }, now)
    }

    /// `phase` finished; `outcome` says what it did.
    pub fn finish(&mut self, phase: Phase, outcome: &str, now: i64) -> Result<(), StateError> {
        self.set(
            phase,
            PhaseStatus::Done {
                at: now,
                outcome: outcome.into(),
            },
            now,
        )
    }

    /// `phase` is not needed, for `reason`.
    pub fn skip(&mut self, phase: Phase, reason: &str, now: i64) -> Result<(), StateError> {
        self.set(
            phase,
            PhaseStatus::Skipped {
                at: now,
                reason: reason.into(),
            },
            now,
        )
    }

    /// `phase` failed for `reason`; a re-run resumes here.
    pub fn fail(&mut self, phase: Phase, reason: &str, now: i64) -> Result<(), StateError> {
        self.set(
            phase,
            PhaseStatus::Failed {
                at: now,
                reason: reason.into(),
            },
            now,
        )
    }

    /// The current conditions, computed from the phases (transition times kept from before
    /// when a status did not change).
    fn refresh_conditions(&mut self, now: i64) {
        let running = self.interrupted();
        let failed = self.phases.iter().find_map(|r| match &r.status {
            PhaseStatus::Failed { reason, .. } => Some((r.phase, reason.clone())),
            _ => None,
        });
        let complete = self.is_complete();
        let resume = "re-run the same `rhv-pki upgrade` command to resume";

        let progressing = match running {
            Some(p) => (
                true,
                "PhaseRunning",
                format!("phase {p} is running (if no rhv-pki upgrade is running, it was interrupted: {resume})"),
            ),
            None if complete => (false, "Complete", "every phase is finished".to_string()),
            None if failed.is_some() => (false, "Failed", format!("stopped: {resume}")),
            None => match self.next_phase() {
                Some(Phase::Prechecks) if self.updated == self.started => {
                    (false, "NotStarted", "no phase has run yet".to_string())
                }
                Some(p) => (false, "Paused", format!("next phase: {p}; {resume}")),
                None => (false, "Complete", "every phase is finished".to_string()),
            },
        };
        let degraded = match &failed {
            Some((p, why)) => (
                true,
                "PhaseFailed",
                format!("phase {p} failed: {why}; {resume}"),
            ),
            None => (false, "AsExpected", "no phase has failed".to_string()),
        };
        // The Manager is out of service while its services restart, and stays in doubt after a
        // cycle that failed (files changed, the verification did not pass).
        let available = match (&running, &failed) {
            (Some(Phase::Cycle), _) => (
                false,
                "Restarting",
                "the maintenance cycle is restarting the Manager's services".to_string(),
            ),
            (_, Some((Phase::Cycle, _))) => (
                false,
                "CycleFailed",
                "the maintenance cycle did not finish: check the Manager's services and global maintenance"
                    .to_string(),
            ),
            _ => (true, "InService", "the Manager's services are in service".to_string()),
        };
        let complete_c = if complete {
            (
                true,
                "AllPhasesFinished",
                "every phase is done or skipped".to_string(),
            )
        } else {
            let left: Vec<&str> = self
                .phases
                .iter()
                .filter(|r| !r.status.is_finished())
                .map(|r| r.phase.as_str())
                .collect();
            (false, "PhasesLeft", format!("left: {}", left.join(", ")))
        };
        let new = [
            (ConditionType::Available, available),
            (ConditionType::Progressing, progressing),
            (ConditionType::Degraded, degraded),
            (ConditionType::Complete, complete_c),
        ];
        let mut out = Vec::with_capacity(4);
        for (kind, (status, reason, message)) in new {
            let status = if status { "True" } else { "False" }.to_string();
            let last = self
                .conditions
                .iter()
                .find(|c| c.kind == kind && c.status == status)
                .map(|c| c.last_transition_time.clone())
                .unwrap_or_else(|| rfc3339(now));
            out.push(Condition {
                kind,
                status,
                reason: reason.into(),
                message,
                last_transition_time: last,
            });
        }
        self.conditions = out;
    }

    #[cfg(test)]
    /// The condition of `kind`.
    pub(crate) fn condition(&self, kind: ConditionType) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_796_601_600; // 2026-12-07T00:00:00Z

    fn cond(s: &UpgradeState, k: ConditionType) -> (String, String) {
        let c = s.condition(k).expect("condition present");
        (c.status.clone(), c.reason.clone())
    }

    #[test]
    fn a_fresh_run_starts_with_the_prechecks_and_is_not_complete() {
        let s = UpgradeState::new("/etc/pki/ovirt-engine", T);
        assert_eq!(s.next_phase(), Some(Phase::Prechecks));
        assert!(!s.is_complete());
        assert_eq!(s.conditions.len(), 4);
        assert_eq!(cond(&s, ConditionType::Progressing).1, "NotStarted");
        assert_eq!(cond(&s, ConditionType::Available).0, "True");
        assert_eq!(
            s.condition(ConditionType::Complete)
                .unwrap()
                .last_transition_time,
            "2026-12-07T00:00:00Z"
        );
    }

    #[test]
    fn resume_starts_at_the_failed_phase_and_never_repeats_a_finished_one() {
        let mut s = UpgradeState::new("p", T);
        s.finish(Phase::Prechecks, "13 checks passed", T + 1)
            .unwrap();
        s.skip(Phase::Conf, "openssl.conf already says sha256", T + 2)
            .unwrap();
        s.start(Phase::Resign, T + 3).unwrap();
        s.finish(Phase::Resign, "re-signed 6", T + 4).unwrap();
        s.start(Phase::Cycle, T + 5).unwrap();
        assert_eq!(
            cond(&s, ConditionType::Available),
            ("False".into(), "Restarting".into())
        );
        s.fail(Phase::Cycle, "apache serves the old certificate", T + 6)
            .unwrap();
        // Read back as a re-run would.
        let json = serde_json::to_string(&s).unwrap();
        let back: UpgradeState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.next_phase(), Some(Phase::Cycle));
        assert_eq!(
            cond(&back, ConditionType::Degraded),
            ("True".into(), "PhaseFailed".into())
        );
        assert_eq!(
            cond(&back, ConditionType::Available),
            ("False".into(), "CycleFailed".into())
        );
        // A finished phase cannot be restarted past the failed one, nor a later one first.
        assert_eq!(
            back.clone().start(Phase::Enroll, T + 7),
            Err(StateError::OutOfOrder {
                phase: Phase::Enroll,
                first_unfinished: Phase::Cycle
            })
        );
        assert!(back.status(Phase::Resign).is_finished());
    }

    #[test]
    fn a_phase_found_running_was_interrupted_and_is_the_one_resumed() {
        let mut s = UpgradeState::new("p", T);
        s.finish(Phase::Prechecks, "ok", T).unwrap();
        s.finish(Phase::Conf, "sha1 -> sha256", T).unwrap();
        s.start(Phase::Resign, T + 10).unwrap();
        // Killed here: the file says Running.
        let back: UpgradeState = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back.interrupted(), Some(Phase::Resign));
        assert_eq!(back.next_phase(), Some(Phase::Resign));
        assert_eq!(
            cond(&back, ConditionType::Progressing),
            ("True".into(), "PhaseRunning".into())
        );
    }

    #[test]
    fn last_transition_time_moves_only_when_the_status_changes() {
        let mut s = UpgradeState::new("p", T);
        s.start(Phase::Prechecks, T + 100).unwrap();
        let t1 = s
            .condition(ConditionType::Progressing)
            .unwrap()
            .last_transition_time
            .clone();
        assert_eq!(t1, "2026-12-07T00:01:40Z");
        s.finish(Phase::Prechecks, "ok", T + 200).unwrap();
        s.start(Phase::Conf, T + 300).unwrap();
        // Progressing went False (T+200) and True again (T+300).
        let t2 = s
            .condition(ConditionType::Progressing)
            .unwrap()
            .last_transition_time
            .clone();
        assert_eq!(t2, "2026-12-07T00:05:00Z");
        // Degraded stayed False since the start: its time is the start's.
        assert_eq!(
            s.condition(ConditionType::Degraded)
                .unwrap()
                .last_transition_time,
            "2026-12-07T00:00:00Z"
        );
    }

    #[test]
    fn every_phase_finished_is_complete() {
        let mut s = UpgradeState::new("p", T);
        for p in Phase::ALL {
            s.finish(p, "ok", T + 1).unwrap();
        }
        assert!(s.is_complete());
        assert_eq!(
            cond(&s, ConditionType::Complete),
            ("True".into(), "AllPhasesFinished".into())
        );
        assert_eq!(
            cond(&s, ConditionType::Progressing),
            ("False".into(), "Complete".into())
        );
    }

    #[test]
    fn a_state_for_another_target_is_refused_with_both_named() {
        let s = UpgradeState::new("/etc/pki/ovirt-engine + https://a/ovirt-engine/api", T);
        let e = s
            .check_target("/etc/pki/ovirt-engine + https://b/ovirt-engine/api")
            .unwrap_err();
        let m = e.to_string();
        assert!(m.contains("https://a/") && m.contains("https://b/"), "{m}");
    }

    #[test]
    fn the_state_file_uses_the_documented_json_shape() {
        let mut s = UpgradeState::new("p", T);
        s.finish(Phase::Prechecks, "ok", T).unwrap();
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["kind"], "PkiUpgrade");
        assert_eq!(v["phases"][0]["phase"], "prechecks");
        assert_eq!(v["phases"][0]["state"], "done");
        assert_eq!(v["phases"][5]["phase"], "final-audit");
        assert_eq!(v["phases"][5]["state"], "pending");
        let c = &v["conditions"][0];
        assert_eq!(c["type"], "Available");
        assert!(c["lastTransitionTime"].is_string());
        assert!(c["status"] == "True" || c["status"] == "False");
    }

    #[test]
    fn state_error_texts_are_the_display_in_english_and_have_japanese() {
        use crate::change::text_tests::strict;
        use crate::i18n::{Lang, Messages};
        let en = Messages::new(Lang::En);
        let ja = Messages::new(Lang::Ja);
        use crate::i18n::testing::japanese;
        let all = [
            StateError::OtherRun {
                saved: "/a/etc/pki/ovirt-engine".into(),
                now: "/b/etc/pki/ovirt-engine".into(),
            },
            StateError::OutOfOrder {
                phase: Phase::Cycle,
                first_unfinished: Phase::Resign,
            },
        ];
        for e in &all {
            assert_eq!(strict(&en, &e.text()), e.to_string());
            assert!(japanese(&strict(&ja, &e.text())), "{e:?}");
        }
        assert_eq!(
            all[1].to_string(),
            "phase cycle cannot start before resign is finished"
        );
    }
}
