//! Which certificate-bearing entities an oVirt Manager has, per era, and the facts about each
//! that every command relies on (files, owners, extract or not, short life, key rule, profile).
//! Source: ovirt-engine `ca.py` `_COMMON_ENTITIES`, OVN and vmconsole setup plugins
//! (see shared/docs/ovirt-pki.md §1.3).

use serde::Serialize;

/// Default location of the Manager's PKI.
pub const DEFAULT_PKI_DIR: &str = "/etc/pki/ovirt-engine";
/// Default location of the engine's configuration fragments.
pub const DEFAULT_ENGINE_CONF_DIR: &str = "/etc/ovirt-engine/engine.conf.d";
/// oVirt's PKCS#12 password on every installation.
pub const DEFAULT_P12_PASSWORD: &str = "mypass";

/// Which CA signs an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum CaKind {
    Engine,
    Qemu,
}

/// Extension profile of `cert.conf` the entity is issued with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Profile {
    /// `v3_ca_san`: the leaf profile with `subjectAltName = DNS:<ENGINE_FQDN>`.
    San,
    /// `custom`: KU digitalSignature, custom EKU, no SAN (vmconsole-proxy-helper).
    Custom,
    /// `v3_ca` leaf profile without SAN, subject CN is the entity name (vmconsole user/host).
    Plain,
}

/// oVirt releases that matter for the PKI layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Era {
    /// 4.2 and 4.3: no qemu-ca, imageio-proxy entity, 1800-day certs.
    #[serde(rename = "4.2-4.3")]
    V42,
    /// 4.4: qemu-ca, no imageio-proxy (since 4.4.3).
    #[serde(rename = "4.4")]
    V44,
    /// 4.5.1+: 7300-day CA, 1827-day certs, 398-day web certs.
    #[serde(rename = "4.5")]
    V45,
}

impl Era {}

/// Facts about one engine-side entity (`keys/<name>.p12` + `certs/<name>.cer`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityDef {
    pub(crate) name: &'static str,
    /// engine-setup also writes `keys/<name>.key.nopass` and rewrites `.cer` from the p12.
    pub(crate) extract: bool,
    /// Owner of `keys/<name>.p12`.
    pub(crate) p12_owner: &'static str,
    /// Owner of `keys/<name>.key.nopass` when extracted.
    pub(crate) key_owner: &'static str,
    /// The key must never change (engine: DB secrets, SSH to hosts, ticket signing).
    pub(crate) keep_key: bool,
    /// 398-day web certificate since 4.5.1 (apache, websocket-proxy).
    pub(crate) short_life: bool,
    pub(crate) ca: CaKind,
    pub(crate) profile: Profile,
    /// Oldest and newest era in which oVirt enrolls it (files may survive upgrades).
    pub(crate) since: Era,
    pub(crate) until: Era,
    /// Services that must be restarted when it changes.
    pub(crate) services: &'static [&'static str],
    /// A 4.x Manager without it is broken.
    pub(crate) required: bool,
    /// The key file may legitimately be group-readable (OVN keys: group openvswitch).
    pub(crate) group_readable_key: bool,
}

/// A plain SAN-profile entity signed by the engine CA, owned by root; fields are overridden
/// per entity with struct-update syntax below.
const fn base(name: &'static str, services: &'static [&'static str]) -> EntityDef {
    EntityDef {
        name,
        extract: true,
        p12_owner: "root",
        key_owner: "root",
        keep_key: false,
        short_life: false,
        ca: CaKind::Engine,
        profile: Profile::San,
        since: Era::V42,
        until: Era::V45,
        services,
        required: false,
        group_readable_key: false,
    }
}

/// All engine-side entities oVirt 4.2 -> 4.5 enrolls.
pub static ENTITIES: &[EntityDef] = &[
    EntityDef {
        extract: false,
        p12_owner: "ovirt",
        key_owner: "ovirt",
        keep_key: true,
        required: true,
        ..base("engine", &["ovirt-engine"])
    },
    EntityDef {
        extract: false,
        p12_owner: "ovirt",
        key_owner: "ovirt",
        ..base("jboss", &["ovirt-engine"])
    },
    EntityDef {
        short_life: true,
        required: true,
        ..base("apache", &["httpd", "ovirt-imageio", "ovirt-provider-ovn"])
    },
    EntityDef {
        p12_owner: "ovirt",
        key_owner: "ovirt",
        short_life: true,
        ..base("websocket-proxy", &["ovirt-websocket-proxy"])
    },
    base("reports", &[]),
    EntityDef {
        until: Era::V42,
        ..base("imageio-proxy", &["ovirt-imageio-proxy"])
    },
    EntityDef {
        group_readable_key: true,
        ..base("ovn-ndb", &["ovn-northd"])
    },
    EntityDef {
        group_readable_key: true,
        ..base("ovn-sdb", &["ovn-northd"])
    },
    EntityDef {
        group_readable_key: true,
        ..base("ovirt-provider-ovn", &["ovirt-provider-ovn"])
    },
    EntityDef {
        key_owner: "ovirt-vmconsole",
        profile: Profile::Custom,
        ..base("vmconsole-proxy-helper", &["ovirt-vmconsole-proxy-sshd"])
    },
    EntityDef {
        extract: false,
        profile: Profile::Plain,
        ..base("vmconsole-proxy-user", &["ovirt-vmconsole-proxy-sshd"])
    },
    EntityDef {
        extract: false,
        profile: Profile::Plain,
        ..base("vmconsole-proxy-host", &["ovirt-vmconsole-proxy-sshd"])
    },
];

/// Looks an entity up by name.
pub fn entity(name: &str) -> Option<&'static EntityDef> {
    ENTITIES.iter().find(|d| d.name == name)
}

/// The two CAs of a Manager.
#[derive(Debug, Clone, Serialize)]
pub struct CaDef {
    /// The CA's catalog name (`ca`, `qemu-ca`).
    pub name: &'static str,
    /// `ca.pem`, relative to the PKI dir.
    pub(crate) cert: &'static str,
    /// `private/ca.pem`.
    pub(crate) key: &'static str,
    /// `certs/ca.der` — a PEM copy despite its name.
    pub(crate) copy: &'static str,
    /// Alias in `.truststore`.
    pub(crate) truststore_alias: &'static str,
    pub(crate) since: Era,
}

/// The CAs of an oVirt Manager.
pub static CAS: &[CaDef] = &[
    CaDef {
        name: "ca",
        cert: "ca.pem",
        key: "private/ca.pem",
        copy: "certs/ca.der",
        truststore_alias: "cacert",
        since: Era::V42,
    },
    CaDef {
        name: "qemu-ca",
        cert: "qemu-ca.pem",
        key: "private/qemu-ca.pem",
        copy: "certs/qemu-ca.der",
        truststore_alias: "qemu-cacert",
        since: Era::V44,
    },
];

/// CA/B Forum and Safari limit for web server certificates.
pub(crate) const WEB_MAX_DAYS: i64 = 398;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_key_is_never_rotated_and_web_certs_are_short_lived() {
        assert!(entity("engine").unwrap().keep_key);
        assert!(ENTITIES.iter().filter(|e| e.keep_key).count() == 1);
        let short: Vec<_> = ENTITIES
            .iter()
            .filter(|e| e.short_life)
            .map(|e| e.name)
            .collect();
        assert_eq!(short, ["apache", "websocket-proxy"]);
        assert!(entity("nope").is_none());
    }
}
