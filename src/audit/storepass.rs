//! The key and trust store passwords the engine really uses: `ENGINE_PKI_ENGINE_STORE_PASSWORD`
//! and `ENGINE_PKI_TRUST_STORE_PASSWORD` of `engine.conf.d` (engine-setup writes them into
//! `10-setup-pki.conf`), oVirt's default only when nothing sets them. Never printed: `Debug`
//! shows where a password came from, not the password.

use std::path::{Path, PathBuf};

use super::{Out, Problem, Severity, DEFAULT_P12_PASSWORD};
use crate::pki::conf;

/// A password and the file that set it (`None` = oVirt's default).
#[derive(Clone, PartialEq, Eq)]
pub struct StorePassword {
    pub value: String,
    pub(crate) origin: Option<PathBuf>,
}

impl std::fmt::Debug for StorePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorePassword")
            .field("value", &"<redacted>")
            .field("origin", &self.origin)
            .finish()
    }
}

impl StorePassword {
    fn default_one() -> Self {
        StorePassword {
            value: DEFAULT_P12_PASSWORD.to_string(),
            origin: None,
        }
    }
}

/// The engine's key store and trust store passwords.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorePasswords {
    /// The password of the engine's stores.
    pub engine_store: StorePassword,
    pub(crate) trust_store: StorePassword,
}

/// Reads both passwords from `engine_conf_dir` (later files win, as in oVirt); oVirt's default
/// for a password no file sets (or when the directory is absent or unreadable).
pub fn store_passwords(engine_conf_dir: Option<&Path>) -> StorePasswords {
    let conf = engine_conf_dir.and_then(|d| conf::read_engine_conf(d).ok());
    let get = |key: &str| -> StorePassword {
        match conf.as_ref().and_then(|c| {
            c.values
                .get(key)
                .map(|v| (v.clone(), c.origin.get(key).cloned()))
        }) {
            // `${…}` is a reference oVirt expands; not a password we can use as is.
            Some((v, origin)) if !v.contains("${") => StorePassword { value: v, origin },
            _ => StorePassword::default_one(),
        }
    };
    StorePasswords {
        engine_store: get("ENGINE_PKI_ENGINE_STORE_PASSWORD"),
        trust_store: get("ENGINE_PKI_TRUST_STORE_PASSWORD"),
    }
}

/// Where the audit's PKCS#12 password came from, for a finding: the engine.conf.d file that
/// sets it when it is that value (oVirt's default when none does), else the operator's override.
fn source_of(cfg: &super::AuditConfig) -> String {
    let sp = store_passwords(cfg.engine_conf_dir.as_deref());
    if sp.engine_store.value == cfg.p12_password {
        match &sp.engine_store.origin {
            Some(f) => f.to_string_lossy().into_owned(),
            None => "oVirt's default (no ENGINE_PKI_ENGINE_STORE_PASSWORD in engine.conf.d)".into(),
        }
    } else {
        // Not what engine.conf.d says: the operator's override.
        "--p12-password-file / RHV_PKI_P12_PASSWORD".into()
    }
}

/// When the password opens none of the entities' key stores, the per-file "wrong password"
/// findings are one finding naming where the password came from.
pub(super) fn collapse_wrong_password(cfg: &super::AuditConfig, out: &mut Out) {
    let wrong = |f: &super::Found| {
        matches!(
            f.problem,
            Problem::P12Unreadable {
                wrong_password: true,
                ..
            }
        ) && f.path.starts_with("keys/")
    };
    let n_wrong = out.findings.iter().filter(|f| wrong(f)).count();
    let n_p12 = super::list(&cfg.pki_dir.join("keys"))
        .iter()
        .filter(|n| {
            let n = n.to_string_lossy();
            n.ends_with(".p12") && !super::is_backup_name(&n)
        })
        .count();
    if n_wrong == 0 || n_wrong < n_p12 {
        return;
    }
    out.findings.retain(|f| !wrong(f));
    for r in out.records.iter_mut() {
        for c in r.findings.iter_mut() {
            if *c == "p12-unreadable" {
                *c = "p12-password-wrong";
            }
        }
    }
    let source = source_of(cfg);
    out.finding(
        Severity::Critical,
        &source.clone(),
        "pki",
        Problem::P12PasswordWrong {
            source,
            files: n_wrong,
        },
    );
}
