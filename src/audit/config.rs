//! The optional `/etc/rhv-pki/config.toml` and the expiry windows it sets per role class
//! (default, web, CA, host): the audit's thresholds, `renew`'s window and the alerting's
//! due dates are one setting.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Warning / critical windows in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Days before notAfter from which a certificate is a warning.
    pub warn_days: i64,
    /// Days before notAfter from which a certificate is critical.
    pub crit_days: i64,
}

/// `[thresholds]` of the config file: defaults plus overrides per role class.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsFile {
    /// `[thresholds] warn_days` (days), when set.
    pub warn_days: Option<i64>,
    pub(crate) crit_days: Option<i64>,
    /// apache, websocket-proxy (398-day certificates).
    pub web: Option<PartialWindow>,
    /// ca, qemu-ca.
    pub ca: Option<PartialWindow>,
    /// Host certificates signed by the Manager.
    pub host: Option<PartialWindow>,
}

/// One class's window in the configuration file, either value may be left out.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialWindow {
    /// Days for a warning, when set.
    pub warn_days: Option<i64>,
    /// Days for critical, when set.
    pub crit_days: Option<i64>,
}

/// `/etc/rhv-pki/config.toml`; every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    /// `[thresholds]`: the expiry windows, per class.
    pub thresholds: ThresholdsFile,
    #[serde(default)]
    /// `[audit]`: default paths.
    pub audit: AuditSection,
    #[serde(default)]
    /// `[prometheus]`: the textfile collector output.
    pub prometheus: PrometheusSection,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
/// The `[audit]` section: defaults for the command line.
pub struct AuditSection {
    /// The PKI directory (`--root`).
    pub pki_dir: Option<PathBuf>,
    /// engine.conf.d (`--engine-conf-dir`).
    pub engine_conf_dir: Option<PathBuf>,
    /// File holding the entity stores' password (`--p12-password-file`).
    pub p12_password_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
/// The `[prometheus]` section.
pub struct PrometheusSection {
    /// node_exporter's textfile collector directory (`--textfile-dir`).
    pub textfile_dir: Option<PathBuf>,
}

/// Where the configuration is read from when `--config` is not given (missing is fine).
pub const DEFAULT_CONFIG: &str = "/etc/rhv-pki/config.toml";

/// Why the config file is refused; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: {source}", path.display())]
    /// The file cannot be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    /// The file is not valid TOML for this schema.
    Toml {
        /// The file.
        path: PathBuf,
        /// The parse error.
        source: toml::de::Error,
    },
    /// `section` is `[thresholds]` or `[thresholds.<class>]`.
    #[error("{}: {section}: {days} days is out of range 0..36500", path.display())]
    OutOfRange {
        /// The file.
        path: PathBuf,
        /// The section (`thresholds`, `thresholds.web`…).
        section: String,
        /// The value given.
        days: i64,
    },
    #[error("{}: {section}: crit_days ({crit}) exceeds warn_days ({warn})", path.display())]
    /// A critical window longer than the warning window.
    CritAboveWarn {
        /// The file.
        path: PathBuf,
        /// The section.
        section: String,
        /// The critical window, days.
        crit: i64,
        /// The warning window, days.
        warn: i64,
    },
}

impl ConfigError {
    /// The error as a catalogue message (its English is the `Display` text).
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            ConfigError::Read { path, source } => Text::new("error-config-read")
                .arg("path", path.display())
                .arg_text("error", crate::i18n::io_error(source)),
            ConfigError::Toml { path, source } => Text::new("error-config-toml")
                .arg("path", path.display())
                .arg("error", source),
            ConfigError::OutOfRange {
                path,
                section,
                days,
            } => Text::new("error-config-out-of-range")
                .arg("path", path.display())
                .arg("section", section)
                .arg("days", days),
            ConfigError::CritAboveWarn {
                path,
                section,
                crit,
                warn,
            } => Text::new("error-config-crit-above-warn")
                .arg("path", path.display())
                .arg("section", section)
                .arg("crit", crit)
                .arg("warn", warn),
        }
    }
}

/// Reads the config file. A missing default file is an empty config; a missing explicit
/// file, bad TOML, unknown keys or nonsense values are errors naming the file.
pub fn read_config(path: &Path, explicit: bool) -> Result<ConfigFile, ConfigError> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(ConfigFile::default())
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let c: ConfigFile = toml::from_str(&text).map_err(|source| ConfigError::Toml {
        path: path.to_path_buf(),
        source,
    })?;
    let t = &c.thresholds;
    let check = |w: Option<i64>, c: Option<i64>, section: &str| -> Result<(), ConfigError> {
        for days in [w, c].into_iter().flatten() {
            if !(0..=36_500).contains(&days) {
                return Err(ConfigError::OutOfRange {
                    path: path.to_path_buf(),
                    section: section.to_string(),
                    days,
                });
            }
        }
        if let (Some(warn), Some(crit)) = (w, c) {
            if crit > warn {
                return Err(ConfigError::CritAboveWarn {
                    path: path.to_path_buf(),
                    section: section.to_string(),
                    crit,
                    warn,
                });
            }
        }
        Ok(())
    };
    check(t.warn_days, t.crit_days, "[thresholds]")?;
    for (n, p) in [("web", t.web), ("ca", t.ca), ("host", t.host)] {
        if let Some(p) = p {
            check(p.warn_days, p.crit_days, &format!("[thresholds.{n}]"))?;
        }
    }
    Ok(c)
}

/// Effective thresholds per role class. The warning window of a class is at the same time
/// when `audit` starts warning, when `rhv_pki_cert_renewal_due_timestamp_seconds` is reached
/// and when `renew` (without `--within`) re-issues the certificate: one setting, one story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Engine-side entities that are neither web certificates nor CAs (engine, jboss, OVN,
    /// vmconsole, ...).
    pub default: Window,
    /// Web certificates (apache, websocket-proxy…): warn 60 days, critical 30 by default.
    pub web: Window,
    /// CA certificates: warn 365, critical 30 by default.
    pub ca: Window,
    /// Host certificates (vdsm, libvirt, OVN): warn 365, critical 30 by default.
    pub host: Window,
}

/// Built-in windows, as engine-setup and the Manager use them (shared/docs §2.8, §4):
/// engine-setup renews web certificates (apache, websocket-proxy) within 60 days and every
/// other certificate and the CAs within `CertExpirationWarnPeriodInDays` (365, reset by every
/// engine-setup); the Manager warns at 365 days and alerts at `CertExpirationAlertPeriodInDays`
/// (30) for its CA, its certificates and the hosts' certificates.
pub const BUILTIN: Thresholds = Thresholds {
    default: Window {
        warn_days: 365,
        crit_days: 30,
    },
    web: Window {
        warn_days: 60,
        crit_days: 30,
    },
    ca: Window {
        warn_days: 365,
        crit_days: 30,
    },
    host: Window {
        warn_days: 365,
        crit_days: 30,
    },
};

impl Default for Thresholds {
    fn default() -> Self {
        BUILTIN
    }
}

impl Thresholds {
    /// Per class: `flags` (CLI, every class) win over the file's `[thresholds.<class>]`,
    /// which wins over the file's top-level `[thresholds]`, which wins over `builtin`'s
    /// window for that class.
    pub fn resolve(
        file: &ThresholdsFile,
        flags: (Option<i64>, Option<i64>),
        builtin: Thresholds,
    ) -> Thresholds {
        let class = |p: Option<PartialWindow>, b: Window| {
            let p = p.unwrap_or_default();
            Window {
                warn_days: flags
                    .0
                    .or(p.warn_days)
                    .or(file.warn_days)
                    .unwrap_or(b.warn_days),
                crit_days: flags
                    .1
                    .or(p.crit_days)
                    .or(file.crit_days)
                    .unwrap_or(b.crit_days),
            }
        };
        Thresholds {
            default: class(None, builtin.default),
            web: class(file.web, builtin.web),
            ca: class(file.ca, builtin.ca),
            host: class(file.host, builtin.host),
        }
    }

    /// `renew`'s window for an engine-side entity or CA (the warning window of its class).
    pub(crate) fn renew_days(&self, name: &str) -> i64 {
        self.for_role(name, "engine").warn_days
    }

    /// The classes whose critical window exceeds the warning window (a config error).
    pub fn inverted(&self) -> Option<(&'static str, Window)> {
        [
            ("[thresholds]", self.default),
            ("[thresholds.web]", self.web),
            ("[thresholds.ca]", self.ca),
            ("[thresholds.host]", self.host),
        ]
        .into_iter()
        .find(|(_, w)| w.crit_days > w.warn_days)
    }

    /// The window that applies to a certificate row.
    pub(crate) fn for_role(&self, role: &str, scope: &str) -> Window {
        match role {
            "apache" | "websocket-proxy" => self.web,
            "ca" | "qemu-ca" => self.ca,
            _ if scope == "host" => self.host,
            _ => self.default,
        }
    }
}
