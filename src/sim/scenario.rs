//! The simulator's scenario file (TOML): clusters, hosts with memory and VMs, SPM,
//! hosted-engine, initial host certificates, timings and injected faults. Without a file the
//! simulator runs [`Scenario::default_scenario`]: one cluster, three Up hosts (host1 SPM),
//! four VMs.

use serde::{Deserialize, Serialize};

const MIB: i64 = 1024 * 1024;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
/// A simulated fleet: clusters, hosts and how they behave (TOML).
pub struct Scenario {
    /// Name the Manager is reached by (default: `ENGINE_FQDN` next to the PKI dir, else the
    /// apache certificate's first DNS name).
    #[serde(default)]
    pub(crate) engine_fqdn: Option<String>,
    /// `OrganizationName` used in host subjects (default: `OVESETUP_PKI/organization` of
    /// the setup answers next to the PKI dir, else the CA's O).
    #[serde(default)]
    pub(crate) organization: Option<String>,
    /// `product_info.version.full_version` of the entry point.
    #[serde(default = "default_version")]
    pub(crate) version: String,
    #[serde(default)]
    pub(crate) timings: Timings,
    #[serde(default)]
    pub(crate) sso: Sso,
    #[serde(default)]
    pub(crate) hosted_engine: HostedEngine,
    #[serde(default)]
    pub(crate) clusters: Vec<ClusterSpec>,
    #[serde(default)]
    /// The hosts.
    pub hosts: Vec<HostSpec>,
    #[serde(default)]
    pub(crate) vms: Vec<VmSpec>,
    #[serde(default)]
    pub(crate) faults: Vec<FaultSpec>,
}

fn default_version() -> String {
    "4.5.6-1.el9".into()
}

/// Nominal durations in seconds, multiplied by `--time-scale`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Timings {
    /// Enroll Certificate accepted → host `installing` (the action returns before this).
    pub(crate) enroll_start: f64,
    /// `installing` → `maintenance` (or `install_failed`).
    pub(crate) enroll: f64,
    /// One VM live migration.
    pub(crate) migration: f64,
    /// Last migration done (or no VMs) → `maintenance`.
    pub(crate) maintenance_settle: f64,
    /// Activate: `unassigned` → `initializing`.
    pub(crate) activate_unassigned: f64,
    /// Activate: `initializing` → `up`.
    pub(crate) activate_initializing: f64,
    /// SPM stopped → a new SPM elected (`contending` meanwhile).
    pub(crate) spm_election: f64,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            enroll_start: 2.0,
            enroll: 30.0,
            migration: 8.0,
            maintenance_settle: 2.0,
            activate_unassigned: 2.0,
            activate_initializing: 8.0,
            spm_election: 3.0,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Sso {
    /// Lifetime of an access token in seconds (not scaled by `--time-scale`).
    pub(crate) token_lifetime_secs: u64,
    /// Accept HTTP Basic authentication on /ovirt-engine/api (the engine does).
    pub(crate) basic_auth: bool,
}

impl Default for Sso {
    fn default() -> Self {
        Sso {
            token_lifetime_secs: 1800,
            basic_auth: true,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
/// The hosted-engine part of a scenario.
pub struct HostedEngine {
    pub(crate) global_maintenance: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClusterSpec {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) id: Option<String>,
    /// `memory_policy.over_commit.percent`.
    #[serde(default = "hundred")]
    pub(crate) overcommit_percent: i64,
}

fn hundred() -> i64 {
    100
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
/// One simulated host.
pub struct HostSpec {
    /// Its name.
    pub name: String,
    /// DNS name (certificate CN and SAN); default `<name>.example.test`.
    #[serde(default)]
    pub(crate) address: Option<String>,
    #[serde(default)]
    pub(crate) id: Option<String>,
    /// Cluster name (default: the first cluster).
    #[serde(default)]
    pub(crate) cluster: Option<String>,
    /// Initial status: up, maintenance, non_responsive, install_failed, non_operational.
    #[serde(default = "up")]
    pub(crate) status: String,
    #[serde(default = "host_mem")]
    pub(crate) memory_mib: i64,
    /// Memory the scheduler may fill with VMs' guaranteed memory (default: `memory_mib`).
    #[serde(default)]
    pub(crate) schedulable_mib: Option<i64>,
    #[serde(default = "five")]
    pub(crate) spm_priority: i64,
    /// This host is the SPM at start (default: the first Up host with priority > -1).
    #[serde(default)]
    pub(crate) spm: bool,
    #[serde(default)]
    pub(crate) hosted_engine: Option<HostHe>,
    #[serde(default)]
    pub(crate) cert: CertSpec,
}

fn up() -> String {
    "up".into()
}
fn host_mem() -> i64 {
    32 * 1024
}
fn five() -> i64 {
    5
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct HostHe {
    pub(crate) configured: bool,
    pub(crate) active: bool,
    pub(crate) score: i64,
    pub(crate) local_maintenance: bool,
}

impl Default for HostHe {
    fn default() -> Self {
        HostHe {
            configured: true,
            active: true,
            score: 3400,
            local_maintenance: false,
        }
    }
}

/// The vdsm certificate a host serves before any enrollment.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct CertSpec {
    /// Signed with SHA-1 (pre-4.1 Managers).
    pub(crate) sha1: bool,
    /// Without subjectAltName (enrolled before 4.4).
    pub(crate) no_san: bool,
    /// Days from "now" to notAfter; negative = already expired.
    pub(crate) days_left: i64,
    /// Days since notBefore.
    pub(crate) age_days: i64,
}

impl Default for CertSpec {
    fn default() -> Self {
        CertSpec {
            sha1: false,
            no_san: false,
            days_left: 1400,
            age_days: 427,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VmSpec {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) id: Option<String>,
    /// Host name it runs on; none = down.
    #[serde(default)]
    pub(crate) host: Option<String>,
    #[serde(default = "vm_mem")]
    pub(crate) memory_mib: i64,
    /// `memory_policy.guaranteed` (default: `memory_mib`).
    #[serde(default)]
    pub(crate) guaranteed_mib: Option<i64>,
    /// `placement_policy.affinity`: migratable, user_migratable, pinned.
    #[serde(default = "migratable")]
    pub(crate) affinity: String,
    /// This is the HostedEngine VM.
    #[serde(default)]
    pub(crate) hosted_engine: bool,
}

fn vm_mem() -> i64 {
    4 * 1024
}
fn migratable() -> String {
    "migratable".into()
}

/// Kinds: `stuck_preparing`, `install_failed` (the enrollment fails: 882, install_failed,
/// the old certificate still served), `install_failed_installed` (the engine's misreport: 882
/// and install_failed, but vdsm serves the new certificate and Activate brings the host Up),
/// `non_responsive_after_activate` (per host);
/// `http_5xx` (optionally per host / path prefix); `outage` (every request, SSO included,
/// answered with `status` for `seconds` of wall time: the engine restarting behind httpd);
/// `ha_agent_inactive` (per host: its HA agent stops once `after` host actions were
/// accepted); `crash` (the process exits); `lost_answer` (the request is carried out, then
/// answered 503: per path prefix); `drop_connection` (API connections closed before the TLS
/// handshake).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultSpec {
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) host: Option<String>,
    /// How many times the fault fires (0 = every time). `http_5xx`: failing requests.
    #[serde(default)]
    pub(crate) count: u32,
    /// `http_5xx` / `crash`: matching API requests that pass before the fault fires.
    #[serde(default)]
    pub(crate) after: u32,
    /// `http_5xx`: the status code (default 503).
    #[serde(default = "s503")]
    pub(crate) status: u16,
    /// `http_5xx` / `crash`: only requests whose path starts with this (after /ovirt-engine/api).
    #[serde(default)]
    pub(crate) path: Option<String>,
    /// `outage`: its length in seconds of wall time (not scaled by `--time-scale`, because
    /// what it tests is the client's own retry window).
    #[serde(default)]
    pub(crate) seconds: f64,
}

fn s503() -> u16 {
    503
}

pub(crate) const FAULT_KINDS: &[&str] = &[
    "stuck_preparing",
    "install_failed",
    "install_failed_installed",
    "non_responsive_after_activate",
    "http_5xx",
    "outage",
    "ha_agent_inactive",
    "crash",
    "lost_answer",
    "drop_connection",
];

pub(crate) const HOST_STATUSES: &[&str] = &[
    "up",
    "maintenance",
    "non_responsive",
    "install_failed",
    "non_operational",
];

/// Why a scenario is refused; each variant names the host, VM or fault and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    /// Not TOML, or a key or value the scenario does not have.
    #[error(transparent)]
    Toml(#[from] toml::de::Error),
    /// No host at all.
    #[error("scenario has no [[hosts]]")]
    NoHosts,
    /// Two hosts of one name.
    #[error("host '{host}' is defined twice")]
    HostTwice {
        /// The name.
        host: String,
    },
    /// A status the simulator does not know.
    #[error("host '{host}': status '{status}' is not one of {}", HOST_STATUSES.join(", "))]
    HostStatus {
        /// The host.
        host: String,
        /// The status given.
        status: String,
    },
    /// A host's cluster is not among `[[clusters]]`.
    #[error("host '{host}': no cluster named '{cluster}'")]
    HostCluster {
        /// The host.
        host: String,
        /// The cluster named.
        cluster: String,
    },
    /// A host address that is an IP address.
    #[error("host '{host}': address must be a DNS name (host certificates carry DNS SANs)")]
    HostAddressIp {
        /// The host.
        host: String,
        /// The address given.
        address: String,
    },
    /// A host memory of zero or less.
    #[error("host '{host}': memory_mib must be positive")]
    HostMemory {
        /// The host.
        host: String,
        /// The value given.
        memory_mib: i64,
    },
    /// A VM placed on a host that is not in the scenario.
    #[error("vm '{vm}': no host named '{host}'")]
    VmHost {
        /// The VM.
        vm: String,
        /// The host named.
        host: String,
    },
    /// A VM affinity the simulator does not know.
    #[error("vm '{vm}': affinity '{affinity}' is not migratable, user_migratable or pinned")]
    VmAffinity {
        /// The VM.
        vm: String,
        /// The affinity given.
        affinity: String,
    },
    /// A fault kind the simulator does not know.
    #[error("fault kind '{kind}' is not one of {}", FAULT_KINDS.join(", "))]
    FaultKind {
        /// The kind given.
        kind: String,
    },
    /// A per-host fault without `host`.
    #[error("fault '{kind}' needs host = \"<name>\"")]
    FaultNeedsHost {
        /// The fault kind.
        kind: String,
    },
    /// A fault naming a host that is not in the scenario.
    #[error("fault '{kind}': no host named '{host}'")]
    FaultHost {
        /// The fault kind.
        kind: String,
        /// The host named.
        host: String,
    },
    /// An `outage` fault without a positive duration.
    #[error("fault 'outage' needs seconds = <positive number>")]
    OutageSeconds {
        /// The value given.
        seconds: f64,
    },
}

impl Scenario {
    /// Reads a scenario from TOML text; the error names the problem.
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        let mut s: Scenario = toml::from_str(text)?;
        if s.hosts.is_empty() && s.vms.is_empty() && s.clusters.is_empty() {
            // Only settings (timings, faults, ...): the default topology.
            let d = Scenario::default_scenario();
            s.clusters = d.clusters;
            s.hosts = d.hosts;
            s.vms = d.vms;
        }
        s.validate()?;
        Ok(s)
    }

    /// One cluster, three Up hosts (host1 is the SPM), four VMs.
    pub fn default_scenario() -> Scenario {
        let host = |n: &str, spm: bool| HostSpec {
            name: n.into(),
            address: None,
            id: None,
            cluster: None,
            status: "up".into(),
            memory_mib: host_mem(),
            schedulable_mib: None,
            spm_priority: 5,
            spm,
            hosted_engine: None,
            cert: CertSpec::default(),
        };
        let vm = |n: &str, h: &str, mib: i64| VmSpec {
            name: n.into(),
            id: None,
            host: Some(h.into()),
            memory_mib: mib,
            guaranteed_mib: None,
            affinity: "migratable".into(),
            hosted_engine: false,
        };
        Scenario {
            engine_fqdn: None,
            organization: None,
            version: default_version(),
            timings: Timings::default(),
            sso: Sso::default(),
            hosted_engine: HostedEngine::default(),
            clusters: vec![ClusterSpec {
                name: "Default".into(),
                id: None,
                overcommit_percent: 100,
            }],
            hosts: vec![
                host("host1", true),
                host("host2", false),
                host("host3", false),
            ],
            vms: vec![
                vm("vm1", "host1", 4096),
                vm("vm2", "host1", 8192),
                vm("vm3", "host2", 4096),
                vm("vm4", "host3", 2048),
            ],
            faults: Vec::new(),
        }
    }

    fn validate(&self) -> Result<(), ScenarioError> {
        use ScenarioError as E;
        if self.hosts.is_empty() {
            return Err(E::NoHosts);
        }
        let mut names = std::collections::HashSet::new();
        for h in &self.hosts {
            let host = || h.name.clone();
            if !names.insert(h.name.as_str()) {
                return Err(E::HostTwice { host: host() });
            }
            if !HOST_STATUSES.contains(&h.status.as_str()) {
                return Err(E::HostStatus {
                    host: host(),
                    status: h.status.clone(),
                });
            }
            if let Some(c) = &h.cluster {
                if !self.clusters.iter().any(|x| &x.name == c) {
                    return Err(E::HostCluster {
                        host: host(),
                        cluster: c.clone(),
                    });
                }
            }
            let addr = h.address.clone().unwrap_or_default();
            if addr.parse::<std::net::IpAddr>().is_ok() {
                return Err(E::HostAddressIp {
                    host: host(),
                    address: addr,
                });
            }
            if h.memory_mib <= 0 {
                return Err(E::HostMemory {
                    host: host(),
                    memory_mib: h.memory_mib,
                });
            }
        }
        for v in &self.vms {
            if let Some(hn) = &v.host {
                if !self.hosts.iter().any(|h| &h.name == hn) {
                    return Err(E::VmHost {
                        vm: v.name.clone(),
                        host: hn.clone(),
                    });
                }
            }
            if !["migratable", "user_migratable", "pinned"].contains(&v.affinity.as_str()) {
                return Err(E::VmAffinity {
                    vm: v.name.clone(),
                    affinity: v.affinity.clone(),
                });
            }
        }
        for f in &self.faults {
            if !FAULT_KINDS.contains(&f.kind.as_str()) {
                return Err(E::FaultKind {
                    kind: f.kind.clone(),
                });
            }
            let per_host = matches!(
                f.kind.as_str(),
                "stuck_preparing"
                    | "install_failed"
                    | "install_failed_installed"
                    | "non_responsive_after_activate"
                    | "ha_agent_inactive"
            );
            if per_host && f.host.is_none() {
                return Err(E::FaultNeedsHost {
                    kind: f.kind.clone(),
                });
            }
            if let Some(hn) = &f.host {
                if !self.hosts.iter().any(|h| &h.name == hn) {
                    return Err(E::FaultHost {
                        kind: f.kind.clone(),
                        host: hn.clone(),
                    });
                }
            }
            if f.kind == "outage" && !(f.seconds.is_finite() && f.seconds > 0.0) {
                return Err(E::OutageSeconds { seconds: f.seconds });
            }
        }
        Ok(())
    }
}

pub(crate) fn mib(v: i64) -> i64 {
    v * MIB
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let s = Scenario::parse(
            "[[clusters]]\nname='A'\n[[hosts]]\nname='h1'\ncluster='A'\n[[vms]]\nname='v'\nhost='h1'\n",
        )
        .unwrap();
        assert_eq!(s.hosts[0].memory_mib, 32 * 1024);
        let e = Scenario::parse("[[hosts]]\nname='h1'\nstatus='weird'\n").unwrap_err();
        assert_eq!(
            e,
            ScenarioError::HostStatus {
                host: "h1".into(),
                status: "weird".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "host 'h1': status 'weird' is not one of up, maintenance, non_responsive, \
             install_failed, non_operational"
        );
        let e =
            Scenario::parse("[[hosts]]\nname='h1'\n[[vms]]\nname='v'\nhost='nope'\n").unwrap_err();
        assert_eq!(
            e,
            ScenarioError::VmHost {
                vm: "v".into(),
                host: "nope".into()
            }
        );
        assert_eq!(e.to_string(), "vm 'v': no host named 'nope'");
        let e = Scenario::parse("bogus = 1\n[[hosts]]\nname='h1'\n").unwrap_err();
        assert!(matches!(&e, ScenarioError::Toml(t) if t.to_string() == e.to_string()));
        assert!(e.to_string().contains("bogus"), "{e}");
        assert_eq!(
            Scenario::parse("[timings]\nenroll = 1.0\n")
                .unwrap()
                .hosts
                .len(),
            3
        );
        assert!(Scenario::parse("[[vms]]\nname='v'\n").is_err());
        let e = Scenario::parse("[[hosts]]\nname='h1'\n[[faults]]\nkind='install_failed'\n")
            .unwrap_err();
        assert_eq!(
            e,
            ScenarioError::FaultNeedsHost {
                kind: "install_failed".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "fault 'install_failed' needs host = \"<name>\""
        );
        let e = Scenario::parse("[[hosts]]\nname='h1'\naddress='10.0.0.1'\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "host 'h1': address must be a DNS name (host certificates carry DNS SANs)"
        );
        assert!(matches!(e, ScenarioError::HostAddressIp { address, .. } if address == "10.0.0.1"));
        let e = Scenario::parse("[[hosts]]\nname='h1'\n[[faults]]\nkind='outage'\nseconds=-1.0\n")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "fault 'outage' needs seconds = <positive number>"
        );
        assert!(matches!(e, ScenarioError::OutageSeconds { seconds } if seconds == -1.0));
    }
}
