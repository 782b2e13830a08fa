//! The simulated engine's state and its host state machine: maintenance with VM
//! migrations onto Up hosts with room, SPM stop and re-election, Enroll Certificate
//! (`installing` only after the action returned), activation, hosted-engine flags, the
//! audit log with increasing ids, jobs, injected faults — all serialisable so a restarted
//! simulator continues where the previous one stopped (`--state FILE`).

use serde::{Deserialize, Serialize};

use super::scenario::{self, Scenario, Timings};

/// The user the engine names in audit messages for `admin@internal`.
pub(crate) const USER: &str = "admin@internal-authz";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// A simulated host's status, as the REST API shows it.
pub enum HostStatus {
    /// Up.
    Up,
    /// VMs migrating away on the way to maintenance.
    PreparingForMaintenance,
    /// In maintenance.
    Maintenance,
    /// Enroll Certificate (or host deploy) is running.
    Installing,
    /// Host deploy failed.
    InstallFailed,
    /// Vdsm cannot be reached.
    NonResponsive,
    /// Connected but cannot serve.
    NonOperational,
    /// No state yet.
    Unassigned,
    /// Vdsm starting.
    Initializing,
}

impl HostStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            HostStatus::Up => "up",
            HostStatus::PreparingForMaintenance => "preparing_for_maintenance",
            HostStatus::Maintenance => "maintenance",
            HostStatus::Installing => "installing",
            HostStatus::InstallFailed => "install_failed",
            HostStatus::NonResponsive => "non_responsive",
            HostStatus::NonOperational => "non_operational",
            HostStatus::Unassigned => "unassigned",
            HostStatus::Initializing => "initializing",
        }
    }
    fn parse(s: &str) -> HostStatus {
        match s {
            "maintenance" => HostStatus::Maintenance,
            "non_responsive" => HostStatus::NonResponsive,
            "install_failed" => HostStatus::InstallFailed,
            "non_operational" => HostStatus::NonOperational,
            _ => HostStatus::Up,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct He {
    pub(crate) configured: bool,
    pub(crate) active: bool,
    pub(crate) score: i64,
    pub(crate) local_maintenance: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
/// A simulated host.
pub struct Host {
    /// Its id (a UUID).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its address (what the vdsm port is reached at).
    pub address: String,
    pub(crate) cluster: String,
    /// Its status.
    pub status: HostStatus,
    pub(crate) memory: i64,
    pub(crate) schedulable: i64,
    pub(crate) spm_priority: i64,
    /// none | contending | spm
    pub(crate) spm: String,
    pub(crate) he: Option<He>,
    pub(crate) vdsm_port: u16,
    /// Empty: the shared host key (`World::host_key_pem`) until an enrollment gives one.
    pub(crate) key_pem: String,
    pub(crate) cert_pem: String,
    pub(crate) job: Option<String>,
    /// The current enrollment must end in install_failed (fault fired at its start).
    pub enroll_fails: bool,
    /// The current enrollment installs the new certificate (vdsm serves it) yet the engine
    /// reports install_failed (event 882): `install_failed_installed` fired at its start.
    #[serde(default)]
    pub installed_but_fails: bool,
    /// The enrollment's new key and certificate, waiting for the end of `installing`.
    pub(crate) issued: Option<(String, String)>,
    pub(crate) issue_error: Option<String>,
    #[serde(skip)]
    pub(crate) issuing: bool,
    /// What the host's vdsm port serves: built from `cert_pem` / `key_pem` and replaced in
    /// the same transition that changes them (under the world lock), so no client can see
    /// the host back in `maintenance` while its port still serves the old certificate.
    #[serde(skip)]
    pub(crate) served: Option<std::sync::Arc<rustls::ServerConfig>>,
    /// Put out of service by a `deactivate` and not back `up` since (the report's "out").
    #[serde(default)]
    pub(crate) taken_out: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Vm {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) cluster: String,
    pub(crate) host: Option<String>,
    /// up | down | migrating
    pub(crate) status: String,
    pub(crate) memory: i64,
    pub(crate) guaranteed: i64,
    pub(crate) affinity: String,
    pub(crate) he: bool,
    pub(crate) target: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
/// A simulated cluster.
pub struct Cluster {
    /// Its id (a UUID).
    pub id: String,
    /// Its name.
    pub name: String,
    pub(crate) overcommit: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
/// An event of the simulated audit log.
pub struct Event {
    /// Its id (events are ordered by it).
    pub id: i64,
    pub(crate) code: i64,
    pub(crate) severity: String,
    pub(crate) description: String,
    pub(crate) time: i64,
    pub(crate) origin: String,
    pub(crate) custom_id: i64,
    pub(crate) flood_rate: i64,
    pub(crate) host: Option<String>,
    pub(crate) cluster: Option<String>,
    pub(crate) vm: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Job {
    pub(crate) id: String,
    pub(crate) description: String,
    /// started | finished | failed
    pub(crate) status: String,
    pub(crate) start: i64,
    pub(crate) end: Option<i64>,
    pub(crate) updated: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) enum Step {
    Installing(String),
    InstallDone(String),
    VmMigrated(String),
    MigrationFailed(String),
    MaintenanceDone(String),
    Initializing(String),
    ActivateDone(String),
    SpmElect(String),
}

impl Step {
    fn host(&self) -> Option<&str> {
        match self {
            Step::Installing(h)
            | Step::InstallDone(h)
            | Step::MigrationFailed(h)
            | Step::MaintenanceDone(h)
            | Step::Initializing(h)
            | Step::ActivateDone(h)
            | Step::SpmElect(h) => Some(h),
            Step::VmMigrated(_) => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Timer {
    pub(crate) at: i64,
    pub(crate) step: Step,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct FaultState {
    pub(crate) kind: String,
    pub(crate) host: Option<String>,
    pub(crate) count: u32,
    pub(crate) after: u32,
    pub(crate) status: u16,
    pub(crate) path: Option<String>,
    pub(crate) seen: u32,
    pub(crate) fired: u32,
    /// `outage`: how long it lasts (seconds, not scaled).
    #[serde(default)]
    pub(crate) seconds: f64,
    /// `outage`: the current outage ends at (Unix ms).
    #[serde(default)]
    pub(crate) until: Option<i64>,
}

/// Side effects the runner must carry out after a state change. Only work whose result
/// the state waits for (the host stays `installing` until it is in): nothing a client can
/// observe is ever left to an effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Generate the host's new key and certificate (slow: RSA keygen).
    Issue(String),
}

/// A refused request: HTTP status and the engine's fault body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) reason: String,
    pub(crate) detail: String,
}

impl ApiError {
    pub(crate) fn conflict(detail: String) -> ApiError {
        ApiError {
            status: 409,
            reason: "Operation Failed".into(),
            detail: format!("[{detail}]"),
        }
    }
    pub(crate) fn bad(detail: String) -> ApiError {
        ApiError {
            status: 400,
            reason: "Operation Failed".into(),
            detail: format!("[{detail}]"),
        }
    }
    pub(crate) fn not_found(what: &str, id: &str) -> ApiError {
        ApiError {
            status: 404,
            reason: "Operation Failed".into(),
            detail: format!("Entity not found: {what}: id={id}"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct World {
    pub(crate) fqdn: String,
    pub(crate) org: String,
    pub(crate) version: String,
    pub(crate) instance_id: String,
    pub(crate) timings: Timings,
    pub(crate) scale: f64,
    pub(crate) token_lifetime_secs: u64,
    pub(crate) basic_auth: bool,
    pub(crate) global_maintenance: bool,
    pub(crate) clusters: Vec<Cluster>,
    pub(crate) hosts: Vec<Host>,
    pub(crate) vms: Vec<Vm>,
    pub(crate) events: Vec<Event>,
    pub(crate) jobs: Vec<Job>,
    pub(crate) timers: Vec<Timer>,
    pub(crate) faults: Vec<FaultState>,
    pub(crate) next_event: i64,
    pub(crate) next_serial: u64,
    /// The key the hosts' initial certificates share (PKCS#8 PEM); a host whose `key_pem` is
    /// empty serves this one (see `sim::pki::SharedHostKey`).
    #[serde(default)]
    pub(crate) host_key_pem: String,
    /// Host id → position in `hosts` (see `host_pos`).
    #[serde(skip)]
    host_ix: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
    /// What was seen (GET /sim/report).
    #[serde(default)]
    pub(crate) report: super::report::Report,
}

/// A stable UUID-shaped id from a name (so default scenarios have the same ids every run).
pub fn uuid_of(kind: &str, name: &str) -> String {
    let d = openssl::sha::sha256(format!("{kind}:{name}").as_bytes());
    let h = hex::encode(&d[..16]);
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// A random UUID (jobs).
pub(crate) fn uuid_random() -> String {
    let mut b = [0u8; 16];
    let _ = openssl::rand::rand_bytes(&mut b);
    let h = hex::encode(b);
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

impl World {
    /// Builds the world from a scenario; host keys/certificates are filled in by the caller.
    pub(crate) fn from_scenario(
        sc: &Scenario,
        fqdn: String,
        org: String,
        scale: f64,
        token_lifetime_override: Option<u64>,
    ) -> World {
        let mut clusters: Vec<Cluster> = sc
            .clusters
            .iter()
            .map(|c| Cluster {
                id: c.id.clone().unwrap_or_else(|| uuid_of("cluster", &c.name)),
                name: c.name.clone(),
                overcommit: c.overcommit_percent,
            })
            .collect();
        if clusters.is_empty() {
            clusters.push(Cluster {
                id: uuid_of("cluster", "Default"),
                name: "Default".into(),
                overcommit: 100,
            });
        }
        let cluster_id = |name: &Option<String>| -> String {
            name.as_ref()
                .and_then(|n| clusters.iter().find(|c| &c.name == n))
                .unwrap_or(&clusters[0])
                .id
                .clone()
        };
        let mut hosts: Vec<Host> = sc
            .hosts
            .iter()
            .map(|h| Host {
                id: h.id.clone().unwrap_or_else(|| uuid_of("host", &h.name)),
                name: h.name.clone(),
                address: h
                    .address
                    .clone()
                    .unwrap_or_else(|| format!("{}.example.test", h.name)),
                cluster: cluster_id(&h.cluster),
                status: HostStatus::parse(&h.status),
                memory: scenario::mib(h.memory_mib),
                schedulable: scenario::mib(h.schedulable_mib.unwrap_or(h.memory_mib)),
                spm_priority: h.spm_priority,
                spm: if h.spm { "spm" } else { "none" }.into(),
                he: h.hosted_engine.as_ref().map(|x| He {
                    configured: x.configured,
                    active: x.active,
                    score: x.score,
                    local_maintenance: x.local_maintenance,
                }),
                vdsm_port: 0,
                key_pem: String::new(),
                cert_pem: String::new(),
                job: None,
                enroll_fails: false,
                installed_but_fails: false,
                issued: None,
                issue_error: None,
                issuing: false,
                served: None,
                taken_out: false,
            })
            .collect();
        if !hosts.iter().any(|h| h.spm == "spm") {
            if let Some(h) = hosts
                .iter_mut()
                .find(|h| h.status == HostStatus::Up && h.spm_priority > -1)
            {
                h.spm = "spm".into();
            }
        }
        let host_id = |n: &str| -> Option<String> {
            sc.hosts
                .iter()
                .zip(hosts.iter())
                .find(|(s, _)| s.name == n)
                .map(|(_, h)| h.id.clone())
        };
        let vms = sc
            .vms
            .iter()
            .map(|v| {
                let host = v.host.as_deref().and_then(host_id);
                let cluster = host
                    .as_ref()
                    .and_then(|id| hosts.iter().find(|h| &h.id == id))
                    .map(|h| h.cluster.clone())
                    .unwrap_or_else(|| clusters[0].id.clone());
                Vm {
                    id: v.id.clone().unwrap_or_else(|| uuid_of("vm", &v.name)),
                    name: v.name.clone(),
                    cluster,
                    status: if host.is_some() { "up" } else { "down" }.into(),
                    host,
                    memory: scenario::mib(v.memory_mib),
                    guaranteed: scenario::mib(v.guaranteed_mib.unwrap_or(v.memory_mib)),
                    affinity: v.affinity.clone(),
                    he: v.hosted_engine,
                    target: None,
                }
            })
            .collect();
        let faults = sc
            .faults
            .iter()
            .map(|f| FaultState {
                kind: f.kind.clone(),
                host: f.host.as_deref().and_then(host_id),
                count: f.count,
                after: f.after,
                status: f.status,
                path: f.path.clone(),
                seen: 0,
                fired: 0,
                seconds: f.seconds,
                until: None,
            })
            .collect();
        World {
            instance_id: uuid_of("instance", &fqdn),
            fqdn,
            org,
            version: sc.version.clone(),
            timings: sc.timings.clone(),
            scale,
            token_lifetime_secs: token_lifetime_override.unwrap_or(sc.sso.token_lifetime_secs),
            basic_auth: sc.sso.basic_auth,
            global_maintenance: sc.hosted_engine.global_maintenance,
            clusters,
            hosts,
            vms,
            events: Vec::new(),
            jobs: Vec::new(),
            timers: Vec::new(),
            faults,
            next_event: 1000,
            next_serial: 0x5000,
            host_key_pem: String::new(),
            host_ix: Default::default(),
            report: Default::default(),
        }
    }

    fn at(&self, now: i64, secs: f64) -> i64 {
        now + (secs * 1000.0 * self.scale).max(0.0) as i64
    }

    pub fn host(&self, id: &str) -> Option<&Host> {
        self.host_pos(id).map(|i| &self.hosts[i])
    }
    fn hidx(&self, id: &str) -> Result<usize, ApiError> {
        self.host_pos(id)
            .ok_or_else(|| ApiError::not_found("Host", id))
    }
    /// Where host `id` is: through an index built on first use (a fleet's VM search looks a
    /// host up per VM; a scan per lookup made 5,000 hosts' searches take seconds each), checked
    /// against the list, which hosts never leave, with a scan as the fallback.
    fn host_pos(&self, id: &str) -> Option<usize> {
        let ix = self.host_ix.get_or_init(|| {
            self.hosts
                .iter()
                .enumerate()
                .map(|(i, h)| (h.id.clone(), i))
                .collect()
        });
        ix.get(id)
            .copied()
            .filter(|i| self.hosts.get(*i).is_some_and(|h| h.id == id))
            .or_else(|| self.hosts.iter().position(|h| h.id == id))
    }
    pub fn cluster(&self, id: &str) -> Option<&Cluster> {
        self.clusters.iter().find(|c| c.id == id)
    }

    pub(crate) fn event(
        &mut self,
        now: i64,
        code: i64,
        severity: &str,
        description: String,
        host: Option<&str>,
        vm: Option<&str>,
    ) -> i64 {
        let id = self.next_event;
        self.next_event += 1;
        let cluster = host
            .and_then(|h| self.host(h))
            .map(|h| h.cluster.clone())
            .or_else(|| {
                vm.and_then(|v| self.vms.iter().find(|x| x.id == v))
                    .map(|v| v.cluster.clone())
            });
        self.events.push(Event {
            id,
            code,
            severity: severity.into(),
            description,
            time: now,
            origin: "oVirt".into(),
            custom_id: -1,
            flood_rate: 30,
            host: host.map(str::to_string),
            cluster,
            vm: vm.map(str::to_string),
        });
        id
    }

    fn job(&mut self, now: i64, description: String) -> String {
        let id = uuid_random();
        self.jobs.push(Job {
            id: id.clone(),
            description,
            status: "started".into(),
            start: now,
            end: None,
            updated: now,
        });
        id
    }

    fn end_job(&mut self, now: i64, id: Option<String>, ok: bool) {
        if let Some(j) = id.and_then(|id| self.jobs.iter_mut().find(|j| j.id == id)) {
            j.status = if ok { "finished" } else { "failed" }.into();
            j.end = Some(now);
            j.updated = now;
        }
    }

    /// Does a per-host fault of `kind` fire now (and count it)?
    pub(crate) fn host_fault(&mut self, kind: &str, host: &str) -> bool {
        for f in &mut self.faults {
            if f.kind == kind
                && f.host.as_deref() == Some(host)
                && (f.count == 0 || f.fired < f.count)
            {
                f.fired += 1;
                let name = self
                    .hosts
                    .iter()
                    .find(|h| h.id == host)
                    .map(|h| h.name.clone())
                    .unwrap_or_default();
                *self
                    .report
                    .faults_fired
                    .entry(format!("{kind} {name}"))
                    .or_default() += 1;
                return true;
            }
        }
        false
    }

    /// `ha_agent_inactive`: once `after` host actions were accepted, the host's HA agent
    /// stops (`hosted_engine.active` false, score 0 — it can no longer take the HE VM).
    fn agent_faults(&mut self) {
        let mut hit = Vec::new();
        for f in &mut self.faults {
            if f.kind != "ha_agent_inactive" || f.fired > 0 {
                continue;
            }
            f.seen += 1;
            if f.seen >= f.after {
                f.fired = 1;
                if let Some(h) = &f.host {
                    hit.push(h.clone());
                }
            }
        }
        for id in hit {
            if let Some(h) = self.hosts.iter_mut().find(|h| h.id == id) {
                if let Some(e) = h.he.as_mut() {
                    e.active = false;
                    e.score = 0;
                }
                let name = h.name.clone();
                *self
                    .report
                    .faults_fired
                    .entry(format!("ha_agent_inactive {name}"))
                    .or_default() += 1;
            }
        }
    }

    /// Updates the report's "out of service" figures; call after every change.
    pub(crate) fn observe(&mut self, now: i64) {
        for h in &mut self.hosts {
            if h.status == HostStatus::Up {
                h.taken_out = false;
            }
        }
        let out: Vec<String> = self
            .hosts
            .iter()
            .filter(|h| h.taken_out)
            .map(|h| h.name.clone())
            .collect();
        let not_up = self
            .hosts
            .iter()
            .filter(|h| h.status != HostStatus::Up)
            .count();
        self.report.observe(out, not_up, now);
    }

    /// Counts an action on a host in the report (accepted or refused).
    pub(crate) fn record_action(
        &mut self,
        id: &str,
        verb: &str,
        res: &Result<String, ApiError>,
        now: i64,
    ) {
        let Some(name) = self.host(id).map(|h| h.name.clone()) else {
            return;
        };
        match res {
            Ok(_) => {
                let c = self.report.host(&name);
                match verb {
                    "deactivate" => c.deactivate += 1,
                    "activate" => c.activate += 1,
                    "enrollcertificate" => c.enroll += 1,
                    "forceselectspm" => c.force_select_spm += 1,
                    _ => {}
                }
                self.agent_faults();
            }
            Err(e) => {
                self.report.host(&name).refused += 1;
                self.report.refusals.push(super::report::Refusal {
                    host: name,
                    action: verb.to_string(),
                    status: e.status,
                    detail: e.detail.clone(),
                    at: now,
                });
            }
        }
        self.observe(now);
    }

    /// VMs running on (or migrating away from) a host.
    pub(crate) fn vms_on(&self, host: &str) -> Vec<&Vm> {
        self.vms
            .iter()
            .filter(|v| v.host.as_deref() == Some(host) && v.status != "down")
            .collect()
    }

    /// Guaranteed memory already committed on a host (running VMs plus incoming migrations).
    pub(crate) fn committed(&self, host: &str) -> i64 {
        self.vms
            .iter()
            .filter(|v| {
                v.status != "down"
                    && (v.host.as_deref() == Some(host) || v.target.as_deref() == Some(host))
            })
            .map(|v| v.guaranteed)
            .sum()
    }

    pub fn max_scheduling_memory(&self, h: &Host) -> i64 {
        let overcommit = self
            .cluster(&h.cluster)
            .map(|c| c.overcommit)
            .unwrap_or(100);
        (h.schedulable * overcommit / 100 - self.committed(&h.id)).max(0)
    }

    fn busy(&self, host: &str) -> bool {
        self.timers
            .iter()
            .any(|t| t.step.host() == Some(host) && !matches!(t.step, Step::SpmElect(_)))
    }

    // ---- actions ----

    /// `POST /hosts/{id}/deactivate`.
    pub(crate) fn deactivate(
        &mut self,
        id: &str,
        reason: Option<String>,
        now: i64,
    ) -> Result<String, ApiError> {
        let i = self.hidx(id)?;
        let h = self.hosts[i].clone();
        let act = "Cannot switch Host to Maintenance mode.";
        match h.status {
            HostStatus::Maintenance => {
                return Err(ApiError::conflict(format!(
                    "{act} Host is already in Maintenance mode."
                )))
            }
            HostStatus::Installing
            | HostStatus::Unassigned
            | HostStatus::Initializing
            | HostStatus::PreparingForMaintenance => {
                return Err(ApiError::conflict(format!(
                    "{act} Related operation is currently in progress. Please try again later."
                )))
            }
            _ => {}
        }
        let running: Vec<Vm> = self.vms_on(id).into_iter().cloned().collect();
        let pinned: Vec<&str> = running
            .iter()
            .filter(|v| v.affinity != "migratable")
            .map(|v| v.name.as_str())
            .collect();
        if !pinned.is_empty() {
            return Err(ApiError::conflict(format!(
                "{act} The following Hosts include non-migratable VMs: {} (VMs: {}).",
                h.name,
                pinned.join(", ")
            )));
        }
        // Placement: biggest VMs first, onto the Up host of the cluster with most room.
        let mut plan: Vec<(String, String)> = Vec::new();
        let mut extra: std::collections::HashMap<String, i64> = Default::default();
        let mut missing: Vec<String> = Vec::new();
        let mut order = running.clone();
        order.sort_by_key(|v| std::cmp::Reverse(v.guaranteed));
        for v in &order {
            let best = self
                .hosts
                .iter()
                .filter(|t| t.id != h.id && t.status == HostStatus::Up && t.cluster == h.cluster)
                .filter(|t| {
                    !v.he
                        || t.he.as_ref().is_some_and(|e| {
                            e.configured && e.active && e.score > 0 && !e.local_maintenance
                        })
                })
                .map(|t| {
                    (
                        t.id.clone(),
                        self.max_scheduling_memory(t) - extra.get(&t.id).copied().unwrap_or(0),
                    )
                })
                .filter(|(_, free)| *free >= v.guaranteed)
                .max_by_key(|(_, free)| *free);
            match best {
                Some((t, _)) => {
                    *extra.entry(t.clone()).or_default() += v.guaranteed;
                    plan.push((v.id.clone(), t));
                }
                None if v.he => {
                    return Err(ApiError::conflict(format!(
                        "{act} There is no other host available for the Hosted Engine VM {}.",
                        v.name
                    )))
                }
                None => missing.push(v.name.clone()),
            }
        }
        let stuck = self.host_fault("stuck_preparing", id);
        if !missing.is_empty() && !stuck {
            return Err(ApiError::conflict(format!(
                "{act} There is not enough memory on the other Up hosts of the cluster to migrate VM(s): {}.",
                missing.join(", ")
            )));
        }
        let job = self.job(now, format!("Moving Host {} to Maintenance", h.name));
        {
            let hm = &mut self.hosts[i];
            hm.status = HostStatus::PreparingForMaintenance;
            hm.taken_out = true;
            hm.job = Some(job.clone());
            if let Some(he) = hm.he.as_mut() {
                he.local_maintenance = true;
            }
        }
        let why = reason
            .filter(|r| !r.is_empty())
            .map(|r| format!(" (Reason: {r})"))
            .unwrap_or_default();
        self.event(
            now,
            600,
            "normal",
            format!(
                "Host {} was switched to Maintenance mode by {USER}{why}.",
                h.name
            ),
            Some(id),
            None,
        );
        if h.spm == "spm" {
            self.hosts[i].spm = "none".into();
            self.report.host(&h.name).spm_lost_to_maintenance += 1;
            self.start_election(now, Some(id));
        }
        if stuck {
            for v in &running {
                self.event(
                    now,
                    62,
                    "normal",
                    format!(
                        "Migration started (VM: {}, Source: {}, User: {USER}).",
                        v.name, h.name
                    ),
                    Some(id),
                    Some(&v.id),
                );
            }
            let at = self.at(now, self.timings.migration);
            self.timers.push(Timer {
                at,
                step: Step::MigrationFailed(id.to_string()),
            });
            return Ok(job);
        }
        let at = self.at(now, self.timings.migration);
        for (vid, tid) in &plan {
            let tname = self.host(tid).map(|t| t.name.clone()).unwrap_or_default();
            let vname = if let Some(v) = self.vms.iter_mut().find(|v| &v.id == vid) {
                v.status = "migrating".into();
                v.target = Some(tid.clone());
                v.name.clone()
            } else {
                continue;
            };
            self.event(
                now,
                62,
                "normal",
                format!(
                    "Migration started (VM: {vname}, Source: {}, Destination: {tname}, User: {USER}). Reason: Host preparing for maintenance",
                    h.name
                ),
                Some(id),
                Some(vid),
            );
            self.timers.push(Timer {
                at,
                step: Step::VmMigrated(vid.clone()),
            });
        }
        if plan.is_empty() {
            let at = self.at(now, self.timings.maintenance_settle);
            self.timers.push(Timer {
                at,
                step: Step::MaintenanceDone(id.to_string()),
            });
        }
        Ok(job)
    }

    /// Migrates VM `vid`, now on `from` (preparing for maintenance), to the Up host of the
    /// same cluster with most room; with none, the host's maintenance fails (events 65/140/17).
    fn migrate_on(&mut self, vid: &str, from: &str, now: i64, when: i64) {
        let Some(v) = self.vms.iter().find(|x| x.id == vid).cloned() else {
            return;
        };
        let Some(src) = self.host(from).cloned() else {
            return;
        };
        let best = self
            .hosts
            .iter()
            .filter(|t| t.id != src.id && t.status == HostStatus::Up && t.cluster == src.cluster)
            .filter(|t| {
                !v.he
                    || t.he.as_ref().is_some_and(|e| {
                        e.configured && e.active && e.score > 0 && !e.local_maintenance
                    })
            })
            // max_scheduling_memory already counts VMs migrating to a host.
            .map(|t| (t.id.clone(), self.max_scheduling_memory(t)))
            .filter(|(_, free)| *free >= v.guaranteed)
            .max_by_key(|(_, free)| *free);
        match best {
            Some((tid, _)) => {
                let tname = self.host(&tid).map(|t| t.name.clone()).unwrap_or_default();
                if let Some(x) = self.vms.iter_mut().find(|x| x.id == vid) {
                    x.status = "migrating".into();
                    x.target = Some(tid.clone());
                }
                self.event(
                    now,
                    62,
                    "normal",
                    format!(
                        "Migration started (VM: {}, Source: {}, Destination: {tname}, User: {USER}). Reason: Host preparing for maintenance",
                        v.name, src.name
                    ),
                    Some(from),
                    Some(vid),
                );
                let at = self.at(when, self.timings.migration);
                self.timers.push(Timer {
                    at,
                    step: Step::VmMigrated(vid.to_string()),
                });
            }
            None => {
                let at = self.at(when, 0.0);
                self.timers.push(Timer {
                    at,
                    step: Step::MigrationFailed(from.to_string()),
                });
            }
        }
    }

    /// SPM stopped on `except` (or nobody is SPM): the best other Up host contends.
    fn start_election(&mut self, now: i64, except: Option<&str>) {
        if self
            .hosts
            .iter()
            .any(|h| h.spm == "spm" || h.spm == "contending")
        {
            return;
        }
        let cand = self
            .hosts
            .iter()
            .filter(|h| {
                Some(h.id.as_str()) != except && h.status == HostStatus::Up && h.spm_priority > -1
            })
            .max_by_key(|h| h.spm_priority)
            .map(|h| h.id.clone());
        if let Some(c) = cand {
            if let Some(h) = self.hosts.iter_mut().find(|h| h.id == c) {
                h.spm = "contending".into();
            }
            let at = self.at(now, self.timings.spm_election);
            self.timers.push(Timer {
                at,
                step: Step::SpmElect(c),
            });
        }
    }

    /// `POST /hosts/{id}/activate`.
    pub(crate) fn activate(&mut self, id: &str, now: i64) -> Result<String, ApiError> {
        let i = self.hidx(id)?;
        let act = "Cannot activate Host.";
        match self.hosts[i].status {
            HostStatus::Up => return Err(ApiError::conflict(format!("{act} Host is already Up."))),
            HostStatus::NonResponsive => {
                return Err(ApiError::conflict(format!("{act} Host is non responsive.")))
            }
            HostStatus::Installing | HostStatus::Unassigned | HostStatus::Initializing => {
                return Err(ApiError::conflict(format!(
                    "{act} Related operation is currently in progress. Please try again later."
                )))
            }
            _ => {}
        }
        if self.busy(id) && !matches!(self.hosts[i].status, HostStatus::PreparingForMaintenance) {
            return Err(ApiError::conflict(format!(
                "{act} Related operation is currently in progress. Please try again later."
            )));
        }
        // Activating a host that is still preparing for maintenance cancels it.
        self.timers.retain(
            |t| !matches!(&t.step, Step::MaintenanceDone(h) | Step::MigrationFailed(h) if h == id),
        );
        let name = self.hosts[i].name.clone();
        let job = self.job(now, format!("Activating Host {name}"));
        let h = &mut self.hosts[i];
        h.status = HostStatus::Unassigned;
        h.job = Some(job.clone());
        if let Some(he) = h.he.as_mut() {
            he.local_maintenance = false;
        }
        self.event(
            now,
            16,
            "normal",
            format!("Activation of host {name} initiated by {USER}."),
            Some(id),
            None,
        );
        let at = self.at(now, self.timings.activate_unassigned);
        self.timers.push(Timer {
            at,
            step: Step::Initializing(id.to_string()),
        });
        Ok(job)
    }

    /// `POST /hosts/{id}/enrollcertificate`: validated and accepted; `installing` comes later.
    pub(crate) fn enroll(&mut self, id: &str, now: i64) -> Result<String, ApiError> {
        let i = self.hidx(id)?;
        let st = self.hosts[i].status;
        if !matches!(
            st,
            HostStatus::Maintenance | HostStatus::InstallFailed | HostStatus::NonResponsive
        ) {
            return Err(ApiError::conflict(
                "Cannot enroll certificate Host. Please switch Host to Maintenance mode first."
                    .into(),
            ));
        }
        if self.busy(id) {
            return Err(ApiError::conflict(
                "Cannot enroll certificate Host. Related operation is currently in progress. Please try again later.".into(),
            ));
        }
        let name = self.hosts[i].name.clone();
        let job = self.job(now, format!("Enrolling certificate for host {name}"));
        self.hosts[i].job = Some(job.clone());
        self.hosts[i].issued = None;
        self.hosts[i].issue_error = None;
        self.event(
            now,
            880,
            "normal",
            format!("Enrolling certificate for host {name} was started (User: {USER})."),
            Some(id),
            None,
        );
        let at = self.at(now, self.timings.enroll_start);
        self.timers.push(Timer {
            at,
            step: Step::Installing(id.to_string()),
        });
        Ok(job)
    }

    /// `POST /hosts/{id}/forceselectspm`.
    pub(crate) fn force_select_spm(&mut self, id: &str, now: i64) -> Result<String, ApiError> {
        let i = self.hidx(id)?;
        let h = self.hosts[i].clone();
        let act = "Cannot force select SPM.";
        if h.status != HostStatus::Up {
            return Err(ApiError::conflict(format!(
                "{act} The Host {} is not active.",
                h.name
            )));
        }
        if h.spm_priority == -1 {
            return Err(ApiError::conflict(format!(
                "{act} The Host {} was marked to never be SPM.",
                h.name
            )));
        }
        if h.spm != "none" {
            return Err(ApiError::conflict(format!(
                "{act} The Host {} is already SPM or contending.",
                h.name
            )));
        }
        for o in &mut self.hosts {
            if o.spm != "none" {
                o.spm = "none".into();
            }
        }
        self.timers.retain(|t| !matches!(t.step, Step::SpmElect(_)));
        self.hosts[i].spm = "contending".into();
        let job = self.job(now, format!("Force selecting {} as SPM", h.name));
        self.event(
            now,
            159,
            "normal",
            format!("Host {} was force selected by {USER}", h.name),
            Some(id),
            None,
        );
        let at = self.at(now, self.timings.spm_election);
        self.timers.push(Timer {
            at,
            step: Step::SpmElect(id.to_string()),
        });
        self.end_job(now, Some(job.clone()), true);
        Ok(job)
    }

    /// `POST /vms/{id}/maintenance` on the HostedEngine VM: global maintenance.
    pub(crate) fn he_maintenance(
        &mut self,
        vm: &str,
        enabled: bool,
        now: i64,
    ) -> Result<(), ApiError> {
        let v = self
            .vms
            .iter()
            .find(|v| v.id == vm)
            .cloned()
            .ok_or_else(|| ApiError::not_found("VM", vm))?;
        let act = "Cannot set maintenance for VM.";
        if !v.he {
            return Err(ApiError::conflict(format!(
                "{act} The VM {} is not a Hosted Engine VM.",
                v.name
            )));
        }
        let ok = v
            .host
            .as_deref()
            .and_then(|h| self.host(h))
            .is_some_and(|h| {
                h.status == HostStatus::Up && h.he.as_ref().is_some_and(|e| e.configured)
            });
        if !ok {
            return Err(ApiError::conflict(format!(
                "{act} The host running the Hosted Engine VM is not Up or has no HA configured."
            )));
        }
        self.global_maintenance = enabled;
        self.event(
            now,
            if enabled { 10450 } else { 10451 },
            "normal",
            format!(
                "Hosted Engine global maintenance was {} by {USER}.",
                if enabled { "enabled" } else { "disabled" }
            ),
            v.host.as_deref(),
            Some(vm),
        );
        Ok(())
    }

    /// `POST /events` (AddExternalEvent): origin must not be `oVirt`, (origin, custom_id)
    /// must be new.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_external_event(
        &mut self,
        now: i64,
        description: String,
        severity: String,
        origin: String,
        custom_id: i64,
        flood_rate: i64,
        host: Option<String>,
    ) -> Result<i64, ApiError> {
        if origin.eq_ignore_ascii_case("ovirt") {
            return Err(ApiError::bad(
                "Cannot add External Event. Illegal origin for External Event : oVirt.".into(),
            ));
        }
        if self
            .events
            .iter()
            .any(|e| e.origin == origin && e.custom_id == custom_id)
        {
            return Err(ApiError::bad(format!(
                "Cannot add External Event. Duplicate Custom ID {custom_id} for origin {origin}."
            )));
        }
        if !["normal", "warning", "error", "alert"].contains(&severity.as_str()) {
            return Err(ApiError {
                status: 400,
                reason: "Invalid value".into(),
                detail: format!("'{severity}' is not a member of LogSeverity. Possible values for LogSeverity are: normal, warning, error, alert"),
            });
        }
        if let Some(h) = &host {
            self.hidx(h)?;
        }
        let code = match severity.as_str() {
            "warning" => 12002,
            "error" => 12003,
            "alert" => 12004,
            _ => 12001,
        };
        let id = self.event(now, code, &severity, description, host.as_deref(), None);
        if let Some(e) = self.events.iter_mut().find(|e| e.id == id) {
            e.origin = origin;
            e.custom_id = custom_id;
            e.flood_rate = flood_rate;
        }
        Ok(id)
    }

    // ---- time ----

    /// Applies every transition due at `now`; returns the effects the runner must perform.
    pub(crate) fn tick(&mut self, now: i64) -> Vec<Effect> {
        let mut effects = Vec::new();
        while let Some(pos) = self
            .timers
            .iter()
            .enumerate()
            .filter(|(_, t)| t.at <= now)
            .min_by_key(|(_, t)| t.at)
            .map(|(i, _)| i)
        {
            let t = self.timers.remove(pos);
            self.apply(t, now, &mut effects);
        }
        self.observe(now);
        effects
    }

    pub(crate) fn next_deadline(&self) -> Option<i64> {
        self.timers.iter().map(|t| t.at).min()
    }

    fn apply(&mut self, t: Timer, now: i64, effects: &mut Vec<Effect>) {
        let when = t.at;
        match t.step {
            Step::Installing(h) => {
                let Ok(i) = self.hidx(&h) else { return };
                self.hosts[i].status = HostStatus::Installing;
                let fails = self.host_fault("install_failed", &h);
                let installed_but_fails = !fails && self.host_fault("install_failed_installed", &h);
                self.hosts[i].enroll_fails = fails;
                self.hosts[i].installed_but_fails = installed_but_fails;
                if !fails {
                    self.hosts[i].issuing = true;
                    effects.push(Effect::Issue(h.clone()));
                }
                let at = self.at(when, self.timings.enroll);
                self.timers.push(Timer {
                    at,
                    step: Step::InstallDone(h),
                });
            }
            Step::InstallDone(h) => {
                let Ok(i) = self.hidx(&h) else { return };
                let name = self.hosts[i].name.clone();
                let job = self.hosts[i].job.clone();
                let failure = if self.hosts[i].enroll_fails {
                    Some("injected fault".to_string())
                } else {
                    self.hosts[i].issue_error.clone()
                };
                if failure.is_none() && self.hosts[i].issued.is_none() {
                    // Key generation still running (or lost in a restart): wait for it.
                    if !self.hosts[i].issuing {
                        self.hosts[i].issuing = true;
                        effects.push(Effect::Issue(h.clone()));
                    }
                    self.timers.push(Timer {
                        at: now + 50,
                        step: Step::InstallDone(h),
                    });
                    return;
                }
                // The new certificate and the TLS configuration that serves it, built before
                // anything changes: a certificate the port cannot serve fails the enrollment.
                let (failure, issued) = match (failure, self.hosts[i].issued.take()) {
                    (Some(why), _) => (Some(why), None),
                    (None, Some((k, c))) => match super::pki::tls_config(&c, &k) {
                        Ok(cfg) => (None, Some((k, c, std::sync::Arc::new(cfg)))),
                        Err(e) => {
                            let why = format!("cannot serve the new certificate: {e}");
                            eprintln!("rhv-manager-sim: enrollment of host {h} failed: {why}");
                            (Some(why), None)
                        }
                    },
                    (None, None) => (Some("no certificate issued".into()), None),
                };
                let hm = &mut self.hosts[i];
                hm.enroll_fails = false;
                let installed_but_fails = std::mem::take(&mut hm.installed_but_fails);
                hm.job = None;
                if let Some(why) = failure {
                    hm.status = HostStatus::InstallFailed;
                    self.report.host(&name).enroll_failed += 1;
                    let hm = &mut self.hosts[i];
                    hm.issue_error = None;
                    self.event(
                        now,
                        882,
                        "error",
                        format!("Failed to enroll certificate for host {name} (User: {USER})."),
                        Some(&h),
                        None,
                    );
                    let _ = why;
                    self.end_job(now, job, false);
                } else if let Some((k, c, served)) = issued {
                    // One transition: the port serves the new certificate from the moment
                    // the status says maintenance (both change under the world lock).
                    let hm = &mut self.hosts[i];
                    hm.key_pem = k;
                    hm.cert_pem = c;
                    hm.served = Some(served);
                    if installed_but_fails {
                        // The engine's known misreport: the playbook installed the new
                        // certificate (vdsm serves it) but the flow ends in install_failed;
                        // Activate brings the host Up as usual.
                        hm.status = HostStatus::InstallFailed;
                        self.report.host(&name).enroll_failed += 1;
                        self.event(
                            now,
                            882,
                            "error",
                            format!("Failed to enroll certificate for host {name} (User: {USER})."),
                            Some(&h),
                            None,
                        );
                        self.end_job(now, job, false);
                        return;
                    }
                    self.report.host(&name).enrolled += 1;
                    let hm = &mut self.hosts[i];
                    hm.status = HostStatus::Maintenance;
                    self.event(
                        now,
                        881,
                        "normal",
                        format!(
                            "Enrolling certificate for host {name} was completed (User: {USER})."
                        ),
                        Some(&h),
                        None,
                    );
                    self.end_job(now, job, true);
                }
            }
            Step::VmMigrated(v) => {
                let Some(vi) = self.vms.iter().position(|x| x.id == v) else {
                    return;
                };
                let Some(target) = self.vms[vi].target.take() else {
                    return;
                };
                let src = self.vms[vi].host.replace(target.clone());
                self.vms[vi].status = "up".into();
                let vname = self.vms[vi].name.clone();
                let sname = src
                    .as_deref()
                    .and_then(|s| self.host(s))
                    .map(|h| h.name.clone())
                    .unwrap_or_default();
                let tname = self
                    .host(&target)
                    .map(|h| h.name.clone())
                    .unwrap_or_default();
                let secs = ((self.timings.migration * self.scale).round() as i64).max(1);
                self.event(
                    now,
                    63,
                    "normal",
                    format!("Migration completed (VM: {vname}, Source: {sname}, Destination: {tname}, Duration: {secs} seconds, Total: {secs} seconds, Actual downtime: 61ms)"),
                    src.as_deref(),
                    Some(&v),
                );
                // The VM landed on a host that started preparing for maintenance while it
                // was in flight: the engine migrates it on again (or the host gets stuck).
                let landed_on_preparing = self
                    .host(&target)
                    .is_some_and(|h| h.status == HostStatus::PreparingForMaintenance);
                if landed_on_preparing {
                    self.migrate_on(&v, &target, now, when);
                }
                if let Some(s) = src {
                    let preparing = self
                        .host(&s)
                        .is_some_and(|h| h.status == HostStatus::PreparingForMaintenance);
                    if preparing && self.vms_on(&s).is_empty() {
                        let at = self.at(when, self.timings.maintenance_settle);
                        self.timers.push(Timer {
                            at,
                            step: Step::MaintenanceDone(s),
                        });
                    }
                }
            }
            Step::MigrationFailed(h) => {
                let Ok(i) = self.hidx(&h) else { return };
                let name = self.hosts[i].name.clone();
                let vms: Vec<(String, String)> = self
                    .vms_on(&h)
                    .iter()
                    .map(|v| (v.id.clone(), v.name.clone()))
                    .collect();
                for (vid, vname) in vms {
                    self.event(
                        now,
                        65,
                        "error",
                        format!("Migration failed (VM: {vname}, Source: {name})."),
                        Some(&h),
                        Some(&vid),
                    );
                    self.event(
                        now,
                        140,
                        "error",
                        format!("Migration failed while Host is in 'preparing for maintenance' state.\n  Consider manual intervention: stopping/migrating Vms as Host's state will not\n  turn to maintenance while VMs are still running on it.(VM: {vname}, Source: {name})."),
                        Some(&h),
                        Some(&vid),
                    );
                }
                self.event(
                    now,
                    17,
                    "error",
                    format!("Failed to switch Host {name} to Maintenance mode."),
                    Some(&h),
                    None,
                );
            }
            Step::MaintenanceDone(h) => {
                let Ok(i) = self.hidx(&h) else { return };
                if self.hosts[i].status != HostStatus::PreparingForMaintenance {
                    return;
                }
                // VMs still on it or on their way to it: not empty yet.
                if !self.vms_on(&h).is_empty()
                    || self
                        .vms
                        .iter()
                        .any(|v| v.target.as_deref() == Some(h.as_str()))
                {
                    return;
                }
                self.hosts[i].status = HostStatus::Maintenance;
                let name = self.hosts[i].name.clone();
                let job = self.hosts[i].job.take();
                self.event(
                    now,
                    15,
                    "normal",
                    format!("Host {name} was switched to Maintenance Mode."),
                    Some(&h),
                    None,
                );
                self.end_job(now, job, true);
            }
            Step::Initializing(h) => {
                let Ok(i) = self.hidx(&h) else { return };
                if self.hosts[i].status != HostStatus::Unassigned {
                    return;
                }
                self.hosts[i].status = HostStatus::Initializing;
                let at = self.at(when, self.timings.activate_initializing);
                self.timers.push(Timer {
                    at,
                    step: Step::ActivateDone(h),
                });
            }
            Step::ActivateDone(h) => {
                let Ok(i) = self.hidx(&h) else { return };
                if self.hosts[i].status != HostStatus::Initializing {
                    return;
                }
                let name = self.hosts[i].name.clone();
                let job = self.hosts[i].job.take();
                if self.host_fault("non_responsive_after_activate", &h) {
                    self.hosts[i].status = HostStatus::NonResponsive;
                    self.event(
                        now,
                        12,
                        "error",
                        format!("Host {name} is non responsive."),
                        Some(&h),
                        None,
                    );
                    self.end_job(now, job, true);
                    return;
                }
                self.hosts[i].status = HostStatus::Up;
                self.event(
                    now,
                    13,
                    "normal",
                    format!("Status of host {name} was set to Up."),
                    Some(&h),
                    None,
                );
                self.end_job(now, job, true);
                self.start_election(now, None);
            }
            Step::SpmElect(h) => {
                let Ok(i) = self.hidx(&h) else { return };
                if self.hosts[i].spm != "contending" {
                    return;
                }
                if self.hosts[i].status != HostStatus::Up {
                    self.hosts[i].spm = "none".into();
                    self.start_election(now, Some(&h));
                    return;
                }
                self.hosts[i].spm = "spm".into();
                let (name, addr) = (self.hosts[i].name.clone(), self.hosts[i].address.clone());
                self.event(
                    now,
                    204,
                    "normal",
                    format!("Storage Pool Manager runs on Host {name} (Address: {addr}), Data Center Default."),
                    Some(&h),
                    None,
                );
            }
        }
    }

    /// Counts an API request against the `http_5xx` faults; `Some(status)` = fail it.
    pub(crate) fn http_fault(&mut self, rel_path: &str) -> Option<u16> {
        for f in &mut self.faults {
            if f.kind != "http_5xx" || !fault_matches(f, rel_path) {
                continue;
            }
            f.seen += 1;
            if f.seen > f.after && (f.count == 0 || f.fired < f.count) {
                f.fired += 1;
                let status = f.status;
                *self
                    .report
                    .faults_fired
                    .entry("http_5xx".into())
                    .or_default() += 1;
                return Some(status);
            }
        }
        None
    }

    /// Counts a handled API request against the `lost_answer` faults; true = answer 503
    /// although the request took effect.
    pub(crate) fn lost_answer_fault(&mut self, rel_path: &str) -> bool {
        for f in &mut self.faults {
            if f.kind != "lost_answer" || !fault_matches(f, rel_path) {
                continue;
            }
            f.seen += 1;
            if f.seen > f.after && (f.count == 0 || f.fired < f.count) {
                f.fired += 1;
                *self
                    .report
                    .faults_fired
                    .entry("lost_answer".into())
                    .or_default() += 1;
                return true;
            }
        }
        false
    }

    /// Counts an accepted API connection against the `drop_connection` faults; true = close
    /// it before the TLS handshake.
    pub(crate) fn connection_fault(&mut self) -> bool {
        for f in &mut self.faults {
            if f.kind != "drop_connection" {
                continue;
            }
            f.seen += 1;
            if f.seen > f.after && (f.count == 0 || f.fired < f.count) {
                f.fired += 1;
                *self
                    .report
                    .faults_fired
                    .entry("drop_connection".into())
                    .or_default() += 1;
                return true;
            }
        }
        false
    }

    /// The `outage` faults: the Manager answers every request (SSO included) with the
    /// fault's status for `seconds` of wall time (not scaled) once `after` matching requests
    /// passed; `count` outages (0 = one). `Some(status)` = this request falls in an outage.
    pub(crate) fn outage(&mut self, rel_path: &str, now: i64) -> Option<u16> {
        let mut started = false;
        let mut answer = None;
        for f in &mut self.faults {
            if f.kind != "outage" {
                continue;
            }
            if let Some(until) = f.until {
                if now < until {
                    answer = Some(f.status);
                    break;
                }
                f.until = None;
            }
            if f.fired >= f.count.max(1) || !fault_matches(f, rel_path) {
                continue;
            }
            f.seen += 1;
            if f.seen > f.after {
                f.fired += 1;
                f.seen = 0;
                f.until = Some(now + (f.seconds * 1000.0).max(0.0) as i64);
                started = true;
                answer = Some(f.status);
                break;
            }
        }
        if started {
            *self.report.faults_fired.entry("outage".into()).or_default() += 1;
        }
        answer
    }

    /// Counts an API request against the `crash` faults; true = the process must die now.
    pub(crate) fn crash_fault(&mut self, rel_path: &str) -> bool {
        for f in &mut self.faults {
            if f.kind != "crash" || !fault_matches(f, rel_path) {
                continue;
            }
            f.seen += 1;
            if f.seen > f.after && f.fired == 0 {
                f.fired = 1;
                *self.report.faults_fired.entry("crash".into()).or_default() += 1;
                return true;
            }
        }
        false
    }
}

/// Does fault `f` apply to a request for `rel_path`? (Per request: nothing here may walk the
/// host list, which a fleet makes 5,000 long.)
fn fault_matches(f: &FaultState, rel_path: &str) -> bool {
    if let Some(p) = &f.path {
        // `/hosts/{id}/enrollcertificate`: ids as in the report's endpoints.
        let ok = if p.contains("{id}") {
            super::report::endpoint_of(rel_path).starts_with(p.as_str())
        } else {
            rel_path.starts_with(p.as_str())
        };
        if !ok {
            return false;
        }
    }
    if let Some(h) = &f.host {
        if !rel_path.contains(h.as_str()) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        let mut w = World::from_scenario(
            &Scenario::default_scenario(),
            "e.example.test".into(),
            "example.test".into(),
            0.001,
            None,
        );
        for h in &mut w.hosts {
            h.cert_pem = "x".into();
        }
        w
    }

    fn run(w: &mut World, from: i64, to: i64) -> Vec<Effect> {
        let mut all = Vec::new();
        let mut t = from;
        while t <= to {
            all.extend(w.tick(t));
            t += 1;
        }
        all
    }

    /// A self-signed key and certificate (PEM) a vdsm port can serve.
    fn servable(cn: &str) -> (String, String) {
        use openssl::{asn1::Asn1Time, hash::MessageDigest, x509};
        // EcKey::generate, not PKey::ec_gen: the latter is OpenSSL 3 only, and this suite
        // also runs against 1.1.1 (scripts/test-openssl111.sh).
        let group =
            openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap();
        let key = openssl::pkey::PKey::from_ec_key(openssl::ec::EcKey::generate(&group).unwrap())
            .unwrap();
        let mut name = x509::X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", cn).unwrap();
        let name = name.build();
        let mut b = x509::X509Builder::new().unwrap();
        b.set_version(2).unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
            .unwrap();
        b.sign(&key, MessageDigest::sha256()).unwrap();
        let pem = |v: Vec<u8>| String::from_utf8(v).unwrap();
        (
            pem(key.private_key_to_pem_pkcs8().unwrap()),
            pem(b.build().to_pem().unwrap()),
        )
    }

    /// Enrolls host 0 (already in maintenance) with `issued` handed in as the runner would,
    /// stepping the clock 1 ms at a time; returns every (status, served config) seen.
    fn enroll_steps(
        w: &mut World,
        issued: (String, String),
    ) -> Vec<(HostStatus, Option<std::sync::Arc<rustls::ServerConfig>>)> {
        let h = w.hosts[0].id.clone();
        w.enroll(&h, 1000).unwrap();
        let mut seen = Vec::new();
        let mut issued = Some(issued);
        for t in 1000..3000 {
            for e in w.tick(t) {
                assert_eq!(e, Effect::Issue(h.clone()));
                w.hosts[0].issued = issued.take();
                w.hosts[0].issuing = false;
            }
            seen.push((w.hosts[0].status, w.hosts[0].served.clone()));
        }
        seen
    }

    fn in_maintenance() -> World {
        let mut w = world();
        let (k, c) = servable("old");
        w.hosts[0].key_pem = k;
        w.hosts[0].cert_pem = c;
        w.hosts[0].served = Some(std::sync::Arc::new(
            super::super::pki::tls_config(&w.hosts[0].cert_pem, &w.hosts[0].key_pem).unwrap(),
        ));
        let h = w.hosts[0].id.clone();
        w.deactivate(&h, None, 0).unwrap();
        run(&mut w, 0, 999);
        assert_eq!(w.hosts[0].status, HostStatus::Maintenance);
        w
    }

    #[test]
    fn enrollment_swaps_the_served_certificate_in_the_transition_that_shows_maintenance() {
        let mut w = in_maintenance();
        let old = w.hosts[0].served.clone().unwrap();
        let (k, c) = servable("new");
        let seen = enroll_steps(&mut w, (k, c.clone()));
        let installing = seen
            .iter()
            .position(|(s, _)| *s == HostStatus::Installing)
            .expect("installing");
        let back = installing
            + seen[installing..]
                .iter()
                .position(|(s, _)| *s == HostStatus::Maintenance)
                .expect("back in maintenance");
        // Up to the step before: the old certificate; from that very step on: the new one.
        for (s, cfg) in &seen[..back] {
            assert!(std::sync::Arc::ptr_eq(cfg.as_ref().unwrap(), &old), "{s:?}");
        }
        for (s, cfg) in &seen[back..] {
            assert_eq!(*s, HostStatus::Maintenance);
            assert!(!std::sync::Arc::ptr_eq(cfg.as_ref().unwrap(), &old));
        }
        assert_eq!(w.hosts[0].cert_pem, c);
        assert!(w.events.iter().any(|e| e.code == 881));
    }

    #[test]
    fn a_certificate_the_port_cannot_serve_fails_the_enrollment_and_keeps_the_old_one() {
        let mut w = in_maintenance();
        let old = w.hosts[0].served.clone().unwrap();
        let old_pem = w.hosts[0].cert_pem.clone();
        let (k, _) = servable("new");
        let seen = enroll_steps(&mut w, (k, "not a certificate".into()));
        assert_eq!(seen.last().unwrap().0, HostStatus::InstallFailed);
        assert!(seen
            .iter()
            .all(|(_, cfg)| std::sync::Arc::ptr_eq(cfg.as_ref().unwrap(), &old)));
        assert_eq!(w.hosts[0].cert_pem, old_pem);
        assert!(w.events.iter().any(|e| e.code == 882));
        assert!(!w.events.iter().any(|e| e.code == 881));
    }

    #[test]
    fn install_failed_installed_serves_the_new_certificate_yet_says_install_failed() {
        let mut w = in_maintenance();
        let h = w.hosts[0].id.clone();
        w.faults.push(FaultState {
            kind: "install_failed_installed".into(),
            host: Some(h.clone()),
            count: 1,
            after: 0,
            status: 503,
            path: None,
            seen: 0,
            fired: 0,
            seconds: 0.0,
            until: None,
        });
        let old = w.hosts[0].served.clone().unwrap();
        let (k, c) = servable("new");
        let seen = enroll_steps(&mut w, (k, c.clone()));
        let failed = seen
            .iter()
            .position(|(s, _)| *s == HostStatus::InstallFailed)
            .expect("install_failed");
        // The new certificate from the very transition that shows install_failed.
        for (s, cfg) in &seen[..failed] {
            assert!(std::sync::Arc::ptr_eq(cfg.as_ref().unwrap(), &old), "{s:?}");
        }
        for (s, cfg) in &seen[failed..] {
            assert_eq!(*s, HostStatus::InstallFailed);
            assert!(!std::sync::Arc::ptr_eq(cfg.as_ref().unwrap(), &old));
        }
        assert_eq!(w.hosts[0].cert_pem, c);
        assert!(w.events.iter().any(|e| e.code == 882));
        assert!(!w.events.iter().any(|e| e.code == 881));
        assert_eq!(w.faults[0].fired, 1);
        // Activate brings it up, serving the new certificate.
        w.activate(&h, 3000).unwrap();
        run(&mut w, 3000, 6000);
        assert_eq!(w.hosts[0].status, HostStatus::Up);
        assert_eq!(w.hosts[0].cert_pem, c);
    }

    #[test]
    fn maintenance_migrates_and_moves_spm() {
        let mut w = world();
        let h1 = w.hosts[0].id.clone();
        assert_eq!(w.hosts[0].spm, "spm");
        w.deactivate(&h1, None, 0).unwrap();
        assert_eq!(w.hosts[0].status, HostStatus::PreparingForMaintenance);
        assert_eq!(w.hosts[0].spm, "none");
        run(&mut w, 0, 100);
        assert_eq!(w.hosts[0].status, HostStatus::Maintenance);
        assert!(w.vms_on(&h1).is_empty());
        assert_eq!(w.hosts.iter().filter(|h| h.spm == "spm").count(), 1);
        let codes: Vec<i64> = w.events.iter().map(|e| e.code).collect();
        assert!(
            codes.contains(&600)
                && codes.contains(&63)
                && codes.contains(&15)
                && codes.contains(&204),
            "{codes:?}"
        );
        assert!(w.enroll(&w.hosts[1].id.clone(), 100).is_err());
    }

    #[test]
    fn a_vm_landing_on_a_host_that_went_preparing_is_migrated_on() {
        // host2's VM may be sent to host3; host3 then starts preparing while it is in flight.
        let mut w = world();
        let (h2, h3) = (w.hosts[1].id.clone(), w.hosts[2].id.clone());
        w.deactivate(&h2, None, 0).unwrap();
        w.deactivate(&h3, None, 0).unwrap();
        run(&mut w, 0, 200);
        assert_eq!(w.hosts[1].status, HostStatus::Maintenance);
        assert_eq!(w.hosts[2].status, HostStatus::Maintenance);
        assert!(w.vms_on(&h2).is_empty() && w.vms_on(&h3).is_empty());
    }

    #[test]
    fn capacity_and_pinning_refuse() {
        let mut w = world();
        for h in &mut w.hosts[1..] {
            h.schedulable = scenario::mib(1024);
        }
        let e = w.deactivate(&w.hosts[0].id.clone(), None, 0).unwrap_err();
        assert_eq!(e.status, 409);
        assert!(e.detail.contains("vm2"), "{}", e.detail);
        let mut w = world();
        w.vms[2].affinity = "pinned".into();
        let e = w.deactivate(&w.hosts[1].id.clone(), None, 0).unwrap_err();
        assert!(e.detail.contains("non-migratable"));
    }

    #[test]
    fn last_host_without_vms_may_go_and_takes_the_spm_with_it() {
        let sc = Scenario::parse("[[hosts]]\nname='only'\n").unwrap();
        let mut w = World::from_scenario(&sc, "e".into(), "o".into(), 0.001, None);
        assert_eq!(w.hosts[0].spm, "spm");
        let id = w.hosts[0].id.clone();
        w.deactivate(&id, None, 0).unwrap();
        run(&mut w, 0, 50);
        assert_eq!(w.hosts[0].status, HostStatus::Maintenance);
        assert_eq!(w.hosts[0].spm, "none");
        assert!(!w.timers.iter().any(|t| matches!(t.step, Step::SpmElect(_))));
        // Activation brings the SPM back.
        w.activate(&id, 50).unwrap();
        run(&mut w, 50, 200);
        assert_eq!(w.hosts[0].status, HostStatus::Up);
        run(&mut w, 200, 300);
        assert_eq!(w.hosts[0].spm, "spm");
    }

    #[test]
    fn outage_windows_and_the_report_of_who_is_out() {
        let sc = Scenario::parse(
            "[[hosts]]\nname='a'\n[[hosts]]\nname='b'\n[[faults]]\nkind='outage'\nafter=1\nseconds=2\ncount=2\n",
        )
        .unwrap();
        let mut w = World::from_scenario(&sc, "e".into(), "o".into(), 0.001, None);
        assert_eq!(w.outage("/hosts", 0), None);
        assert_eq!(w.outage("/hosts", 10), Some(503));
        assert_eq!(w.outage("/vms", 1_999), Some(503));
        assert_eq!(w.outage("/hosts", 2_010), None);
        assert_eq!(w.outage("/hosts", 2_020), Some(503));
        assert_eq!(w.outage("/hosts", 5_000), None);
        assert_eq!(w.outage("/hosts", 5_001), None);
        assert_eq!(w.report.faults_fired.get("outage"), Some(&2));
        // Out of service: from an accepted deactivate until up again.
        let (a, b) = (w.hosts[0].id.clone(), w.hosts[1].id.clone());
        let r = w.deactivate(&b, None, 0);
        w.record_action(&b, "deactivate", &r, 0);
        assert_eq!(w.report.out_now, vec!["b".to_string()]);
        let r = w.deactivate(&a, None, 1);
        w.record_action(&a, "deactivate", &r, 1);
        assert_eq!(w.report.most_out, 2);
        assert_eq!(w.report.hosts["a"].deactivate, 1);
        run(&mut w, 1, 100);
        let r = w.activate(&b, 100);
        w.record_action(&b, "activate", &r, 100);
        run(&mut w, 100, 300);
        assert_eq!(w.report.out_now, vec!["a".to_string()]);
        assert_eq!(w.report.most_out, 2);
        // A refused action is recorded with the Manager's reason.
        let r = w.deactivate(&a, None, 300);
        w.record_action(&a, "deactivate", &r, 300);
        assert_eq!(w.report.refusals.len(), 1);
        assert!(w.report.refusals[0]
            .detail
            .contains("already in Maintenance"));
    }

    #[test]
    fn state_round_trips_through_json() {
        let mut w = world();
        let h = w.hosts[2].id.clone();
        w.deactivate(&h, Some("x".into()), 0).unwrap();
        let text = serde_json::to_string(&w).unwrap();
        let mut back: World = serde_json::from_str(&text).unwrap();
        assert_eq!(back.timers.len(), w.timers.len());
        run(&mut back, 0, 100);
        assert_eq!(back.hosts[2].status, HostStatus::Maintenance);
        assert!(back.events.windows(2).all(|p| p[0].id < p[1].id));
    }
}
