//! Which Manager services a PKI change needs restarted, per era, and which of them are really
//! there (`systemctl is-enabled` / `is-active` on the Manager, through a `remote::Target`).
//!
//! The table follows shared/docs/ovirt-pki.md §3.2 (who reads which file) and §8 (restart
//! ovirt-engine after a CA change). The order is the runbook's: front ends first, the engine
//! last, so the engine's own restart (the longest) comes when everything it talks to is ready.

use serde::Serialize;

use crate::net::remote::{RemoteError, Target};
use crate::pki::catalog::Era;

/// The era as far as services care: no `qemu-ca.pem` means 4.2/4.3 (imageio-proxy, no
/// engine-side ovirt-imageio); with it, 4.4 or later.
pub fn era_of(pki_dir: &std::path::Path) -> Era {
    if pki_dir.join("qemu-ca.pem").exists() {
        Era::V44
    } else {
        Era::V42
    }
}

/// Every unit rhv-pki may restart, in restart order.
pub(crate) const ORDER: &[&str] = &[
    "httpd",
    "ovirt-imageio",
    "ovirt-imageio-proxy",
    "ovirt-websocket-proxy",
    "ovirt-provider-ovn",
    "ovn-northd",
    "ovirt-vmconsole-proxy-sshd",
    "ovirt-engine",
];

/// Units that read a certificate (or CA) `name` — a catalog entity or `ca` / `qemu-ca` — and
/// why, in the given era. Unknown names need nothing.
pub(crate) fn consumers(name: &str, era: Era) -> Vec<(&'static str, &'static str)> {
    let v44 = era >= Era::V44;
    let mut v: Vec<(&'static str, &'static str)> = match name {
        "ca" => vec![
            (
                "ovirt-engine",
                ".truststore and the CA served by pki-resource (cached)",
            ),
            ("httpd", "SSLCACertificateFile apache-ca.pem"),
            (
                "ovirt-provider-ovn",
                "ssl-cacert-file ca.pem, ovirt-ca-file apache-ca.pem",
            ),
            ("ovn-northd", "OVN NB/SB databases: set-ssl ... ca.pem"),
        ],
        "qemu-ca" => vec![("ovirt-engine", ".truststore alias qemu-cacert")],
        "engine" => vec![
            ("ovirt-engine", "keys/engine.p12"),
            (
                "ovirt-websocket-proxy",
                "CERT_FOR_DATA_VERIFICATION certs/engine.cer",
            ),
        ],
        "jboss" => vec![("ovirt-engine", "keys/jboss.p12 (WildFly HTTPS connector)")],
        "apache" => vec![("httpd", "SSLCertificateFile certs/apache.cer")],
        "websocket-proxy" => vec![(
            "ovirt-websocket-proxy",
            "SSL_CERTIFICATE certs/websocket-proxy.cer",
        )],
        "imageio-proxy" if !v44 => vec![(
            "ovirt-imageio-proxy",
            "ssl_cert_file certs/imageio-proxy.cer",
        )],
        "ovn-ndb" | "ovn-sdb" => vec![("ovn-northd", "OVN database SSL certificate")],
        "ovirt-provider-ovn" => vec![(
            "ovirt-provider-ovn",
            "ssl-cert-file certs/ovirt-provider-ovn.cer",
        )],
        // The helper itself runs per connection; the proxy sshd is what keeps state.
        "vmconsole-proxy-helper" | "vmconsole-proxy-user" | "vmconsole-proxy-host" => {
            vec![("ovirt-vmconsole-proxy-sshd", "vmconsole proxy certificates")]
        }
        _ => vec![],
    };
    // Era-specific readers of the same files.
    match name {
        "ca" if v44 => v.push((
            "ovirt-imageio",
            "[tls] ca_file apache-ca.pem, [backend_http] ca_file ca.pem",
        )),
        "ca" => v.push(("ovirt-imageio-proxy", "engine_ca_cert_file ca.pem")),
        "apache" if v44 => v.push(("ovirt-imageio", "[tls] cert_file certs/apache.cer")),
        "engine" if !v44 => v.push(("ovirt-imageio-proxy", "engine_cert_file certs/engine.cer")),
        _ => {}
    }
    v
}

/// One unit the change needs restarted, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Need {
    /// The systemd unit.
    pub unit: String,
    /// `apache: SSLCertificateFile certs/apache.cer`, one per changed certificate it reads.
    pub(crate) because: Vec<String>,
}

/// The units changing `names` needs restarted, in restart order, each listed once.
pub fn needed<S: AsRef<str>>(names: &[S], era: Era) -> Vec<Need> {
    let mut out: Vec<Need> = Vec::new();
    for n in names {
        for (unit, why) in consumers(n.as_ref(), era) {
            let because = format!("{}: {why}", n.as_ref());
            match out.iter_mut().find(|x| x.unit == unit) {
                Some(x) => x.because.push(because),
                None => out.push(Need {
                    unit: unit.into(),
                    because: vec![because],
                }),
            }
        }
    }
    out.sort_by_key(|n| {
        ORDER
            .iter()
            .position(|o| *o == n.unit)
            .unwrap_or(usize::MAX)
    });
    out
}

/// What systemd says about a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum UnitState {
    /// No unit file: the component is not installed on this Manager.
    NotInstalled,
    Masked,
    /// Installed, enabled (or static), running or not.
    Enabled {
        running: bool,
    },
    /// Installed, not enabled.
    Disabled {
        running: bool,
    },
}

impl UnitState {
    pub(crate) fn text(self) -> &'static str {
        match self {
            UnitState::NotInstalled => "not installed",
            UnitState::Masked => "masked",
            UnitState::Enabled { running: true } => "enabled, running",
            UnitState::Enabled { running: false } => "enabled, not running",
            UnitState::Disabled { running: true } => "disabled, running",
            UnitState::Disabled { running: false } => "disabled, not running",
        }
    }
}

/// Asks systemd (through `target`) about `unit`.
pub(crate) fn unit_state(target: &dyn Target, unit: &str) -> Result<UnitState, RemoteError> {
    let en = target.exec(&["systemctl", "is-enabled", unit], None)?;
    let word = String::from_utf8_lossy(&en.stdout)
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string();
    let err = String::from_utf8_lossy(&en.stderr).to_ascii_lowercase();
    let installed = match word.as_str() {
        "masked" | "masked-runtime" => return Ok(UnitState::Masked),
        "not-found" | "" if !en.success() => false,
        // systemctl's words on stderr are its only signal here (is-enabled exits 1 for a unit
        // that is not installed as for one that is disabled): read on purpose.
        _ if err.contains("no such file") || err.contains("not found") => false,
        _ => true,
    };
    if !installed {
        return Ok(UnitState::NotInstalled);
    }
    let act = target.exec(&["systemctl", "is-active", unit], None)?;
    let state = String::from_utf8_lossy(&act.stdout).trim().to_string();
    let running = matches!(state.as_str(), "active" | "reloading" | "activating");
    Ok(if en.success() {
        UnitState::Enabled { running }
    } else {
        UnitState::Disabled { running }
    })
}

/// What the cycle will do with one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// The systemd unit.
    pub unit: String,
    /// The files whose change makes the restart needed.
    pub because: Vec<String>,
    /// The unit's state before the cycle, as `systemctl` reports it (`active`, `disabled`, `masked`, `not installed`…).
    pub state: String,
    /// `restart` or `skip`.
    pub action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Why it was skipped, when it was.
    pub skip_reason: Option<String>,
}

impl Step {
    /// Whether the step restarts the unit (not skipped).
    pub fn restarts(&self) -> bool {
        self.action == "restart"
    }
    /// [`state`](Step::state) as a catalogue message (English: `state` itself; a state
    /// rhv-pki did not word is kept verbatim).
    pub fn state_text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        let key = match self.state.as_str() {
            "not installed" => "cycle-unit-not-installed",
            "masked" => "cycle-unit-masked",
            "enabled, running" => "cycle-unit-enabled-running",
            "enabled, not running" => "cycle-unit-enabled-stopped",
            "disabled, running" => "cycle-unit-disabled-running",
            "disabled, not running" => "cycle-unit-disabled-stopped",
            other => return Text::verbatim(other),
        };
        Text::new(key)
    }
    /// The exact command an admin types.
    pub(crate) fn command(&self) -> String {
        format!("systemctl restart {}", self.unit)
    }
}

/// Restart plan: each needed unit with its state. A unit is restarted when it runs (it holds
/// the old certificate in memory) or is enabled (it should run; a bad certificate may be why
/// it does not). Not installed, masked, and disabled-and-stopped units are skipped.
pub fn plan(target: &dyn Target, needs: &[Need]) -> Result<Vec<Step>, RemoteError> {
    let mut out = Vec::new();
    for n in needs {
        let st = unit_state(target, &n.unit)?;
        let skip = match st {
            UnitState::NotInstalled => Some("not installed on this Manager"),
            UnitState::Masked => Some("masked"),
            UnitState::Disabled { running: false } => {
                Some("disabled and not running: it reads the new files when started")
            }
            _ => None,
        };
        out.push(Step {
            unit: n.unit.clone(),
            because: n.because.clone(),
            state: st.text().into(),
            action: if skip.is_some() { "skip" } else { "restart" },
            skip_reason: skip.map(str::to_string),
        });
    }
    Ok(out)
}

/// Restarts one unit; the error quotes systemctl's own message.
pub fn restart(target: &dyn Target, unit: &str) -> Result<(), RemoteError> {
    target
        .run_ok(&["systemctl", "restart", unit], None)
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(n: &[Need]) -> Vec<&str> {
        n.iter().map(|x| x.unit.as_str()).collect()
    }

    #[test]
    fn apache_needs_httpd_and_imageio_from_4_4_on() {
        assert_eq!(
            units(&needed(&["apache"], Era::V45)),
            ["httpd", "ovirt-imageio"]
        );
        assert_eq!(units(&needed(&["apache"], Era::V42)), ["httpd"]);
    }

    #[test]
    fn imageio_proxy_only_in_4_2_and_engine_cert_feeds_websocket_proxy() {
        assert_eq!(
            units(&needed(&["imageio-proxy"], Era::V42)),
            ["ovirt-imageio-proxy"]
        );
        assert!(needed(&["imageio-proxy"], Era::V44).is_empty());
        assert_eq!(
            units(&needed(&["engine"], Era::V45)),
            ["ovirt-websocket-proxy", "ovirt-engine"]
        );
        assert_eq!(
            units(&needed(&["engine"], Era::V42)),
            [
                "ovirt-imageio-proxy",
                "ovirt-websocket-proxy",
                "ovirt-engine"
            ]
        );
    }

    #[test]
    fn merged_in_runbook_order_engine_last_each_once() {
        let n = needed(
            &["ca", "engine", "apache", "websocket-proxy", "reports"],
            Era::V45,
        );
        assert_eq!(
            units(&n),
            [
                "httpd",
                "ovirt-imageio",
                "ovirt-websocket-proxy",
                "ovirt-provider-ovn",
                "ovn-northd",
                "ovirt-engine"
            ]
        );
        let httpd = &n[0];
        assert_eq!(httpd.because.len(), 2, "{httpd:?}");
        assert!(needed(&["reports"], Era::V45).is_empty());
        assert!(needed(&["nonsense"], Era::V45).is_empty());
    }
}
