//! The vdsm fan-out of `hosts audit` over TLS: handshake with every host's vdsm port and judge
//! the certificate it serves, for fleets of thousands of hosts. Each worker thread probes a
//! host and judges its certificate at once, so only the compact audit rows are kept (never
//! every DER at the same time); the rows come back in the order of the targets.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::audit::{self, AuditConfig, CertRecord, Finding, Role};
use crate::hosts::files::HostAudit;
use crate::pki::verify::Issuer;

/// One host to probe.
#[derive(Debug, Clone)]
pub struct Target {
    /// The Manager's name for the host (or what the user typed).
    pub name: String,
    /// The address its certificate must name (SNI and the SAN check).
    pub address: String,
    /// `HOST:PORT` to connect to.
    pub endpoint: String,
    /// Its cluster's name, for the labels.
    pub cluster: Option<String>,
}

/// How to probe.
#[derive(Debug, Clone, Copy)]
pub struct Probe {
    /// Per handshake.
    pub timeout: Duration,
    /// Handshakes at once (at least 1).
    pub parallel: usize,
}

/// What one host's probe gave: its certificate's row (when one was shown) and its findings,
/// labelled with the host and cluster.
pub(crate) type HostRows = (Option<CertRecord>, Vec<Finding>);

/// Probes every target (at most `probe.parallel` at once) and judges what each serves
/// against `ca_der`; the result is in the order of `targets`.
pub fn audit(targets: &[Target], ca_der: &[u8], cfg: &AuditConfig, probe: Probe) -> Vec<HostRows> {
    // The CA once for every host (prepared per host it was 5% of a 5,000-host audit's CPU).
    let ca = Issuer::new("ca", ca_der).ok();
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<HostRows>>> =
        Mutex::new((0..targets.len()).map(|_| None).collect());
    let workers = probe.parallel.clamp(1, targets.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(t) = targets.get(i) else { break };
                let rows = one(t, ca.as_ref(), cfg, probe.timeout);
                slots.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(rows);
            });
        }
    });
    slots
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_default())
        .collect()
}

/// One host: handshake, then judge (or report why there was no certificate to judge).
fn one(t: &Target, ca: Option<&Issuer>, cfg: &AuditConfig, timeout: Duration) -> HostRows {
    let label = format!("{} ({})", t.name, t.endpoint);
    match crate::net::tls::fetch_leaf(&t.endpoint, &t.address, timeout) {
        Ok(der) => {
            let (rec, findings) = audit::judge_external(
                cfg,
                ca.cloned(),
                None,
                Role::Host,
                &label,
                &der,
                Some(&t.address),
            );
            let mut one = HostAudit {
                records: rec.into_iter().collect(),
                findings,
            };
            one.tag(&t.address, t.cluster.as_deref());
            (one.records.into_iter().next(), one.findings)
        }
        Err(reason) => (
            None,
            vec![audit::Finding {
                host: Some(t.address.clone()),
                cluster: t.cluster.clone(),
                severity: audit::Severity::Critical,
                path: label,
                role: "host".into(),
                // The path names the host and endpoint already: say it once.
                message: format!("vdsm showed no certificate: {}", reason.detail()),
                problem: audit::Problem::EndpointUnreachable {
                    endpoint: t.name.clone(),
                    address: t.endpoint.clone(),
                    service: "vdsm".into(),
                    reason: audit::Reason::said(reason.text()),
                },
            }],
        ),
    }
}
