//! What the simulator saw, for tests and the fault matrix to assert on instead of timing:
//! the most hosts out of service at once (and which), requests and answers per endpoint,
//! per-host actions, refusals with the Manager's reason, completed and failed enrollments,
//! faults fired and simulator starts. Kept in the state file, so it survives restarts.
//! Served as JSON by `GET /sim/report` (no authentication, like `/sim/hosts`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Counters of one host.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct HostCounts {
    /// Accepted `deactivate` actions.
    pub(crate) deactivate: u64,
    /// Accepted `activate` actions.
    pub(crate) activate: u64,
    /// Accepted `enrollcertificate` actions.
    pub(crate) enroll: u64,
    /// Accepted `forceselectspm` actions (the SPM role moved onto this host).
    pub(crate) force_select_spm: u64,
    /// Refused actions (any verb).
    pub(crate) refused: u64,
    /// Enrollments completed (event 881).
    pub(crate) enrolled: u64,
    /// Enrollments failed (event 882).
    pub(crate) enroll_failed: u64,
    /// Times the SPM role left this host because it was put in maintenance.
    pub(crate) spm_lost_to_maintenance: u64,
}

/// A refused action with the Manager's reason.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Refusal {
    pub(crate) host: String,
    pub(crate) action: String,
    pub(crate) status: u16,
    pub(crate) detail: String,
    /// Unix milliseconds.
    pub(crate) at: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct Report {
    /// Processes that served this state (1 + restarts).
    pub(crate) starts: u64,
    /// Hosts out of service now: taken out by a `deactivate` (or found out and enrolled) and
    /// not back `up` since.
    pub(crate) out_now: Vec<String>,
    /// The most hosts out of service at once, the hosts then, and when (Unix ms).
    pub(crate) most_out: usize,
    pub(crate) most_out_hosts: Vec<String>,
    pub(crate) most_out_at: i64,
    /// The most hosts whose status was not `up` at once (including hosts that were never up).
    pub(crate) most_not_up: usize,
    /// `METHOD /path` (ids replaced by `{id}`) → number of requests.
    pub(crate) requests: BTreeMap<String, u64>,
    /// `METHOD /path` → HTTP status → count.
    pub(crate) answers: BTreeMap<String, BTreeMap<String, u64>>,
    /// Host name → counters.
    pub(crate) hosts: BTreeMap<String, HostCounts>,
    pub(crate) refusals: Vec<Refusal>,
    /// Fault kind (and host) → times it fired.
    pub(crate) faults_fired: BTreeMap<String, u64>,
}

/// `GET /ovirt-engine/api/hosts/<uuid>/deactivate` → `/hosts/{id}/deactivate` (API paths
/// relative to the API root; other paths as they are).
pub(crate) fn endpoint_of(path: &str) -> String {
    const COLLECTIONS: &[&str] = &["hosts", "vms", "events", "jobs", "clusters", "statistics"];
    let (prefix, rel) = match path.strip_prefix(super::api::API) {
        Some(r) => ("", r.strip_prefix("/v4").unwrap_or(r)),
        None => ("", path),
    };
    let mut out = String::from(prefix);
    let mut prev = "";
    for seg in rel.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        if COLLECTIONS.contains(&prev) {
            out.push_str("{id}");
        } else {
            out.push_str(seg);
        }
        prev = seg;
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

impl Report {
    pub(crate) fn host(&mut self, name: &str) -> &mut HostCounts {
        self.hosts.entry(name.to_string()).or_default()
    }

    pub(crate) fn request(&mut self, method: &str, path: &str, status: u16) {
        let key = format!("{method} {}", endpoint_of(path));
        *self.requests.entry(key.clone()).or_default() += 1;
        *self
            .answers
            .entry(key)
            .or_default()
            .entry(status.to_string())
            .or_default() += 1;
    }

    /// Takes note of who is out now (`out`: names, `not_up`: count).
    pub(crate) fn observe(&mut self, out: Vec<String>, not_up: usize, now: i64) {
        if out.len() > self.most_out {
            self.most_out = out.len();
            self.most_out_hosts = out.clone();
            self.most_out_at = now;
        }
        self.most_not_up = self.most_not_up.max(not_up);
        self.out_now = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_hide_ids() {
        assert_eq!(
            endpoint_of("/ovirt-engine/api/hosts/1234-ab/deactivate"),
            "/hosts/{id}/deactivate"
        );
        assert_eq!(endpoint_of("/ovirt-engine/api/v4/hosts"), "/hosts");
        assert_eq!(
            endpoint_of("/hosts/1234-ab/enrollcertificate"),
            "/hosts/{id}/enrollcertificate"
        );
        assert_eq!(endpoint_of("/ovirt-engine/api"), "/");
        assert_eq!(
            endpoint_of("/ovirt-engine/sso/oauth/token"),
            "/ovirt-engine/sso/oauth/token"
        );
        let mut r = Report::default();
        r.observe(vec!["a".into(), "b".into()], 3, 5);
        r.observe(vec!["a".into()], 1, 6);
        assert_eq!((r.most_out, r.most_not_up, r.most_out_at), (2, 3, 5));
        assert_eq!(r.out_now, vec!["a".to_string()]);
    }
}
