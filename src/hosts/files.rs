//! The certificate set an oVirt host holds (ovirt-pki.md §5.1) and its audit: read every file
//! of a host in one remote command (private keys never leave the host — their public half is
//! derived there with `openssl pkey -pubout`), then judge it with the audit's own checks and
//! finding codes against the Manager's *current* CAs. An unreachable host is a finding, never
//! an abort of the run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::Serialize;
use x509_parser::prelude::*;

use crate::audit::{
    self, AuditConfig, AuditReport, CertRecord, Finding, Problem, Reason, Role, Severity,
};
use crate::i18n::Text;
use crate::net::remote::{Local, RemoteError, Target};
use crate::net::ssh::{self, SshOptions, SshTarget};
use crate::pki::catalog::CaKind;
use crate::pki::cert;

const DAY: i64 = 86_400;

/// What a host file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum FileKind {
    /// A leaf certificate signed by the Manager (`key` is its private key file).
    Cert,
    /// A private key (only its public half is ever read).
    Key,
    /// A copy of a Manager CA certificate.
    CaCopy,
    /// Should be a symlink to `link_to` (libvirt-migrate client-*.pem, 4.4.6.5+).
    Link,
    /// vmconsole: the Manager CA as an OpenSSH public key (`ca.pub`).
    SshCaPub,
    /// vmconsole: the host's OpenSSH certificate signed by the Manager CA key.
    SshCert,
    /// vmconsole: the host's SSH private key (mode/owner only).
    SshKey,
}

/// One file of the host certificate set.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HostFile {
    /// `vdsm`, `libvirt-spice`, `libvirt-vnc`, `libvirt-migrate`, `libvirt`, `ovn`, `vmconsole`.
    pub(crate) set: &'static str,
    pub(crate) path: &'static str,
    pub(crate) kind: FileKind,
    /// The Manager CA it belongs to (copies) or is signed by (certificates).
    #[serde(skip)]
    pub(crate) ca: CaKind,
    /// For certificates: their private key file.
    pub(crate) key: Option<&'static str>,
    pub(crate) link_to: Option<&'static str>,
    /// `user:group` host-deploy gives it (checked for keys).
    pub(crate) owner: &'static str,
    pub(crate) mode: u32,
}

/// A group of files that exists or not as a whole.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HostSet {
    pub(crate) name: &'static str,
    /// The set is audited only when this directory exists (`None` = always).
    pub(crate) when_dir: Option<&'static str>,
    /// Missing files of an audited set are critical (vdsm) or warnings.
    pub(crate) critical: bool,
    pub(crate) files: &'static [HostFile],
}

const fn f(
    set: &'static str,
    path: &'static str,
    kind: FileKind,
    ca: CaKind,
    key: Option<&'static str>,
    owner: &'static str,
    mode: u32,
) -> HostFile {
    HostFile {
        set,
        path,
        kind,
        ca,
        key,
        link_to: None,
        owner,
        mode,
    }
}

use CaKind::{Engine as E, Qemu as Q};
use FileKind::*;

/// What a host key's check says when the host's `openssl pkey` printed no reason.
const PKEY_FAILED: &str = "openssl pkey failed (is openssl installed on the host?)";

/// The 4.5 host layout (ovirt-host-deploy-*-certificates roles, vdsm pki.py).
pub(crate) const SETS: &[HostSet] = &[
    HostSet {
        name: "vdsm",
        when_dir: None,
        critical: true,
        files: &[
            f(
                "vdsm",
                "/etc/pki/vdsm/certs/cacert.pem",
                CaCopy,
                E,
                None,
                "root:kvm",
                0o644,
            ),
            f(
                "vdsm",
                "/etc/pki/vdsm/certs/vdsmcert.pem",
                Cert,
                E,
                Some("/etc/pki/vdsm/keys/vdsmkey.pem"),
                "root:kvm",
                0o644,
            ),
            f(
                "vdsm",
                "/etc/pki/vdsm/keys/vdsmkey.pem",
                Key,
                E,
                None,
                "vdsm:kvm",
                0o440,
            ),
        ],
    },
    HostSet {
        name: "libvirt-spice",
        when_dir: None,
        critical: false,
        files: &[
            f(
                "libvirt-spice",
                "/etc/pki/vdsm/libvirt-spice/ca-cert.pem",
                CaCopy,
                E,
                None,
                "root:kvm",
                0o644,
            ),
            f(
                "libvirt-spice",
                "/etc/pki/vdsm/libvirt-spice/server-cert.pem",
                Cert,
                E,
                Some("/etc/pki/vdsm/libvirt-spice/server-key.pem"),
                "root:kvm",
                0o644,
            ),
            f(
                "libvirt-spice",
                "/etc/pki/vdsm/libvirt-spice/server-key.pem",
                Key,
                E,
                None,
                "vdsm:kvm",
                0o440,
            ),
        ],
    },
    HostSet {
        name: "libvirt-vnc",
        when_dir: Some("/etc/pki/vdsm/libvirt-vnc"),
        critical: false,
        files: &[
            f(
                "libvirt-vnc",
                "/etc/pki/vdsm/libvirt-vnc/ca-cert.pem",
                CaCopy,
                E,
                None,
                "root:kvm",
                0o644,
            ),
            f(
                "libvirt-vnc",
                "/etc/pki/vdsm/libvirt-vnc/server-cert.pem",
                Cert,
                E,
                Some("/etc/pki/vdsm/libvirt-vnc/server-key.pem"),
                "root:kvm",
                0o644,
            ),
            f(
                "libvirt-vnc",
                "/etc/pki/vdsm/libvirt-vnc/server-key.pem",
                Key,
                E,
                None,
                "vdsm:kvm",
                0o440,
            ),
        ],
    },
    HostSet {
        name: "libvirt-migrate",
        when_dir: Some("/etc/pki/vdsm/libvirt-migrate"),
        critical: false,
        files: &[
            f(
                "libvirt-migrate",
                "/etc/pki/vdsm/libvirt-migrate/ca-cert.pem",
                CaCopy,
                Q,
                None,
                "root:kvm",
                0o644,
            ),
            f(
                "libvirt-migrate",
                "/etc/pki/vdsm/libvirt-migrate/server-cert.pem",
                Cert,
                Q,
                Some("/etc/pki/vdsm/libvirt-migrate/server-key.pem"),
                "root:kvm",
                0o644,
            ),
            f(
                "libvirt-migrate",
                "/etc/pki/vdsm/libvirt-migrate/server-key.pem",
                Key,
                Q,
                None,
                "root:qemu",
                0o440,
            ),
            HostFile {
                link_to: Some("server-cert.pem"),
                ..f(
                    "libvirt-migrate",
                    "/etc/pki/vdsm/libvirt-migrate/client-cert.pem",
                    Link,
                    Q,
                    None,
                    "root:kvm",
                    0o644,
                )
            },
            HostFile {
                link_to: Some("server-key.pem"),
                ..f(
                    "libvirt-migrate",
                    "/etc/pki/vdsm/libvirt-migrate/client-key.pem",
                    Link,
                    Q,
                    None,
                    "root:qemu",
                    0o440,
                )
            },
        ],
    },
    HostSet {
        name: "libvirt",
        when_dir: None,
        critical: false,
        files: &[
            f(
                "libvirt",
                "/etc/pki/CA/cacert.pem",
                CaCopy,
                E,
                None,
                "root:root",
                0o644,
            ),
            f(
                "libvirt",
                "/etc/pki/libvirt/clientcert.pem",
                Cert,
                E,
                Some("/etc/pki/libvirt/private/clientkey.pem"),
                "root:kvm",
                0o644,
            ),
            f(
                "libvirt",
                "/etc/pki/libvirt/private/clientkey.pem",
                Key,
                E,
                None,
                "vdsm:kvm",
                0o440,
            ),
        ],
    },
    HostSet {
        name: "ovn",
        when_dir: Some("/etc/pki/vdsm/ovn"),
        critical: false,
        files: &[
            f(
                "ovn",
                "/etc/pki/vdsm/ovn/ca-cert.pem",
                CaCopy,
                E,
                None,
                "openvswitch:openvswitch",
                0o644,
            ),
            f(
                "ovn",
                "/etc/pki/vdsm/ovn/ovn-cert.pem",
                Cert,
                E,
                Some("/etc/pki/vdsm/ovn/ovn-key.pem"),
                "openvswitch:openvswitch",
                0o644,
            ),
            f(
                "ovn",
                "/etc/pki/vdsm/ovn/ovn-key.pem",
                Key,
                E,
                None,
                "openvswitch:openvswitch",
                0o440,
            ),
        ],
    },
    HostSet {
        name: "vmconsole",
        when_dir: Some("/etc/pki/ovirt-vmconsole"),
        critical: false,
        files: &[
            f(
                "vmconsole",
                "/etc/pki/ovirt-vmconsole/ca.pub",
                SshCaPub,
                E,
                None,
                "root:root",
                0o644,
            ),
            f(
                "vmconsole",
                "/etc/pki/ovirt-vmconsole/host-ssh_host_rsa",
                SshKey,
                E,
                None,
                "ovirt-vmconsole:ovirt-vmconsole",
                0o400,
            ),
            f(
                "vmconsole",
                "/etc/pki/ovirt-vmconsole/host-ssh_host_rsa-cert.pub",
                SshCert,
                E,
                None,
                "root:root",
                0o644,
            ),
        ],
    },
];

/// Every file of every set, in table order.
pub fn all_files() -> impl Iterator<Item = &'static HostFile> {
    SETS.iter().flat_map(|s| s.files.iter())
}

/// The role name of a set's rows (`host-vdsm`, `host-libvirt-migrate`, …).
pub(crate) fn role_name(set: &str) -> String {
    format!("host-{set}")
}

// ---------------------------------------------------------------------------------------------
// Which hosts, and how to reach them

/// A host as given on the command line: `NAME[=ADDR[:PORT]]` (`ADDR` = `local` runs the same
/// operations on this machine).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostSpec {
    /// The host address as the Manager knows it (certificate CN / SAN, `certs/<name>.cer`).
    pub name: String,
    /// Where to connect (defaults to `name`).
    pub addr: String,
    /// SSH port.
    pub port: u16,
}

/// What is wrong with a `--host` value or with what the host's collect command printed;
/// every variant quotes the evidence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostFilesError {
    /// The name part is empty or holds `/`, a space or NUL.
    #[error("--host '{spec}': bad host name (expected NAME[=ADDR[:PORT]])")]
    BadName {
        /// The whole `--host` value.
        spec: String,
        /// Its name part.
        name: String,
    },
    /// An IPv6 address opened with `[` is not closed.
    #[error("--host '{spec}': unclosed [ (expected NAME[=ADDR[:PORT]])")]
    UnclosedBracket {
        /// The whole `--host` value.
        spec: String,
    },
    /// The port is not a number from 0 to 65535 (0 is [`HostFilesError::EmptyAddress`]).
    #[error("--host '{spec}': bad port (expected NAME[=ADDR[:PORT]])")]
    BadPort {
        /// The whole `--host` value.
        spec: String,
        /// The port as given.
        port: String,
    },
    /// Something other than `:PORT` follows a bracketed IPv6 address.
    #[error("--host '{spec}': garbage after ] (expected NAME[=ADDR[:PORT]])")]
    AfterBracket {
        /// The whole `--host` value.
        spec: String,
        /// What follows the `]`.
        garbage: String,
    },
    /// The address is empty or the port is 0.
    #[error("--host '{spec}': empty address or port 0 (expected NAME[=ADDR[:PORT]])")]
    EmptyAddress {
        /// The whole `--host` value.
        spec: String,
        /// The address part (may be empty).
        addr: String,
        /// The port (0 is refused).
        port: u16,
    },
    /// The collect output names a file number the command was not given.
    #[error("unexpected output line for file #{index}")]
    UnknownFile {
        /// The file number in the output (0-based).
        index: usize,
        /// How many files the command was given.
        files: usize,
    },
    /// A file's content is not valid base64.
    #[error("bad base64: {reason}")]
    Base64 {
        /// The output line.
        line: String,
        /// The decoder's reason.
        reason: String,
    },
    /// A `stat` line does not have the expected fields.
    #[error("bad stat line '{line}'")]
    StatLine {
        /// The output line.
        line: String,
    },
    /// A `stat` line's mode is not octal.
    #[error("bad mode in '{line}'")]
    Mode {
        /// The output line.
        line: String,
        /// The mode field as printed.
        mode: String,
    },
}

impl HostFilesError {
    /// The error as a catalogue message: rhv-pki's words in the reader's language, the value
    /// given, the output line and the decoder's words as they came. English: the `Display`.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            HostFilesError::BadName { spec, .. } => {
                Text::new("hostspec-bad-name").arg("spec", spec)
            }
            HostFilesError::UnclosedBracket { spec } => {
                Text::new("hostspec-unclosed-bracket").arg("spec", spec)
            }
            HostFilesError::BadPort { spec, .. } => {
                Text::new("hostspec-bad-port").arg("spec", spec)
            }
            HostFilesError::AfterBracket { spec, .. } => {
                Text::new("hostspec-after-bracket").arg("spec", spec)
            }
            HostFilesError::EmptyAddress { spec, .. } => {
                Text::new("hostspec-empty-address").arg("spec", spec)
            }
            HostFilesError::UnknownFile { index, .. } => {
                Text::new("hostfiles-unknown-file").arg("index", index)
            }
            HostFilesError::Base64 { reason, .. } => {
                Text::new("hostfiles-base64").arg("reason", reason)
            }
            HostFilesError::StatLine { line } => Text::new("hostfiles-stat-line").arg("line", line),
            HostFilesError::Mode { line, .. } => Text::new("hostfiles-mode").arg("line", line),
        }
    }
}

impl HostSpec {
    /// Parses `NAME[=ADDR[:PORT]]` (an IPv6 address in brackets); `default_port` when none
    /// is given. The error quotes the value and says what is wrong.
    pub fn parse(s: &str, default_port: u16) -> Result<HostSpec, HostFilesError> {
        let spec = || s.to_string();
        let bad_port = |p: &str| HostFilesError::BadPort {
            spec: spec(),
            port: p.to_string(),
        };
        let (name, rest) = match s.split_once('=') {
            Some((n, r)) => (n, Some(r)),
            None => (s, None),
        };
        if name.is_empty() || name.contains(['/', ' ', '\0']) {
            return Err(HostFilesError::BadName {
                spec: spec(),
                name: name.to_string(),
            });
        }
        let (addr, port) = match rest {
            None => (name.to_string(), default_port),
            Some(r) if r.starts_with('[') => {
                let (a, p) = r[1..]
                    .split_once(']')
                    .ok_or_else(|| HostFilesError::UnclosedBracket { spec: spec() })?;
                let port = match p.strip_prefix(':') {
                    Some(p) => p.parse().map_err(|_| bad_port(p))?,
                    None if p.is_empty() => default_port,
                    None => {
                        return Err(HostFilesError::AfterBracket {
                            spec: spec(),
                            garbage: p.to_string(),
                        })
                    }
                };
                (a.to_string(), port)
            }
            Some(r) => match r.rsplit_once(':') {
                Some((a, p)) if !a.contains(':') => {
                    (a.to_string(), p.parse().map_err(|_| bad_port(p))?)
                }
                _ => (r.to_string(), default_port),
            },
        };
        if addr.is_empty() || port == 0 {
            return Err(HostFilesError::EmptyAddress {
                spec: spec(),
                addr,
                port,
            });
        }
        Ok(HostSpec {
            name: name.to_string(),
            addr,
            port,
        })
    }

    /// `DNS:<name>` or `IP:<name>`, as the engine's CertificateUtils.getSan.
    pub(crate) fn san(&self) -> String {
        if self.name.parse::<std::net::IpAddr>().is_ok() {
            format!("IP:{}", self.name)
        } else {
            format!("DNS:{}", self.name)
        }
    }
}

/// How hosts are reached.
#[derive(Debug, Clone)]
pub struct Reach {
    /// SSH options.
    pub ssh: SshOptions,
    /// Relocate host paths under this directory; `{host}` is replaced by the host name.
    pub host_prefix: Option<String>,
    /// Hosts handled at the same time.
    pub max_parallel: usize,
}

impl Reach {
    pub(crate) fn prefix_for(&self, host: &str) -> Option<PathBuf> {
        self.host_prefix
            .as_ref()
            .map(|p| PathBuf::from(p.replace("{host}", host)))
    }

    /// Connects to a host (SSH, or this machine for `ADDR` = `local`).
    pub fn connect(&self, h: &HostSpec) -> Result<Box<dyn Target>, RemoteError> {
        if h.addr == "local" {
            return Ok(Box::new(Local {
                name: h.name.clone(),
                path_prefix: self.prefix_for(&h.name),
                path: None,
                timeout: self.ssh.command_timeout,
            }));
        }
        Ok(Box::new(SshTarget::connect(
            &h.name,
            &h.addr,
            h.port,
            &self.ssh,
            self.prefix_for(&h.name),
        )?))
    }
}

/// The hosts the Manager signed: `certs/<host>.cer` rows of the audit's inventory.
pub fn manager_hosts(pki_dir: &Path, now: i64) -> Result<Vec<String>, audit::AuditError> {
    let mut cfg = AuditConfig::new(pki_dir, now);
    cfg.threads = 1;
    let rep = audit::run(&cfg)?;
    let mut v: Vec<String> = rep
        .certificates
        .iter()
        .filter(|c| c.role == "host")
        .filter_map(|c| {
            c.path
                .strip_prefix("certs/")
                .and_then(|p| p.strip_suffix(".cer"))
                .map(str::to_string)
        })
        .collect();
    v.sort();
    v.dedup();
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// Reading a host

/// What one remote file looked like.
#[derive(Debug, Clone, Default)]
pub(crate) struct Seen {
    pub(crate) exists: bool,
    pub(crate) mode: u32,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    /// `user:group` names on the host (numbers when the names are unknown there).
    pub(crate) owner: String,
    pub(crate) link: Option<String>,
    /// Certificates, CA copies, `.pub` files.
    pub(crate) content: Option<Vec<u8>>,
    /// Keys: DER SubjectPublicKeyInfo derived on the host.
    pub(crate) public_der: Option<Vec<u8>>,
    /// Keys: why `openssl pkey` failed on the host.
    pub(crate) error: Option<String>,
}

/// Everything read from a host, by absolute (unprefixed) path.
#[derive(Debug, Clone, Default)]
pub(crate) struct HostState {
    pub(crate) files: HashMap<String, Seen>,
}

impl HostState {
    pub(crate) fn get(&self, path: &str) -> Option<&Seen> {
        self.files.get(path).filter(|s| s.exists)
    }
    pub(crate) fn dir_exists(&self, path: &str) -> bool {
        self.get(path).is_some()
    }
}

/// The one command that reads a host: for each `KIND:PATH` argument prints stat, link target,
/// content (c) or the public key derived on the host (k). Binary-safe (base64), one line each.
const COLLECT_SCRIPT: &str = r#"i=0
for spec in "$@"; do
  k=${spec%%:*}; p=${spec#*:}
  if [ -L "$p" ]; then printf 'L %s %s\n' "$i" "$(readlink -- "$p" | base64 -w0)"; fi
  if [ ! -e "$p" ]; then printf 'M %s\n' "$i"; i=$((i+1)); continue; fi
  printf 'S %s %s\n' "$i" "$(stat -L -c '%a %u %g %U:%G' -- "$p")"
  case $k in
    c) printf 'C %s %s\n' "$i" "$(head -c 1048576 -- "$p" | base64 -w0)";;
    k) d=$(openssl pkey -in "$p" -passin pass: -pubout -outform DER 2>/dev/null | base64 -w0)
       if [ -n "$d" ]; then printf 'K %s %s\n' "$i" "$d"
       else printf 'E %s %s\n' "$i" "$(openssl pkey -in "$p" -passin pass: -noout 2>&1 | head -n 2 | base64 -w0)"; fi;;
  esac
  i=$((i+1))
done
"#;

/// The read specs of the whole layout: every file, plus the optional sets' directories.
fn specs() -> Vec<(char, &'static str)> {
    let mut v = Vec::new();
    for s in SETS {
        if let Some(d) = s.when_dir {
            v.push(('d', d));
        }
        for f in s.files {
            let k = match f.kind {
                Key => 'k',
                SshKey => 's',
                _ => 'c',
            };
            v.push((k, f.path));
        }
    }
    v
}

/// Reads the whole certificate set of a host in one command.
pub(crate) fn collect(t: &dyn Target) -> Result<HostState, RemoteError> {
    let specs = specs();
    let args: Vec<String> = specs
        .iter()
        .map(|(k, p)| format!("{k}:{}", t.host_path(Path::new(p)).to_string_lossy()))
        .collect();
    let mut argv: Vec<&str> = vec!["sh", "-c", COLLECT_SCRIPT, "sh"];
    argv.extend(args.iter().map(String::as_str));
    let out = t.run_ok(&argv, None)?;
    parse_collect(&specs, &out.stdout).map_err(|e| RemoteError::Io {
        target: t.name().to_string(),
        what: crate::net::remote::IoOp::HostCertificateSet,
        reason: Box::new(e.text()),
    })
}

fn parse_collect(specs: &[(char, &'static str)], out: &[u8]) -> Result<HostState, HostFilesError> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut seen: Vec<Seen> = vec![Seen::default(); specs.len()];
    for line in String::from_utf8_lossy(out).lines() {
        let mut it = line.splitn(3, ' ');
        let (Some(tag), Some(idx)) = (it.next(), it.next()) else {
            continue;
        };
        let Ok(i) = idx.parse::<usize>() else {
            continue;
        };
        let files = seen.len();
        let Some(s) = seen.get_mut(i) else {
            return Err(HostFilesError::UnknownFile { index: i, files });
        };
        let rest = it.next().unwrap_or("");
        let dec = |r: &str| {
            b64.decode(r.trim()).map_err(|e| HostFilesError::Base64 {
                line: line.to_string(),
                reason: e.to_string(),
            })
        };
        match tag {
            "M" => s.exists = false,
            "L" => s.link = Some(String::from_utf8_lossy(&dec(rest)?).trim_end().to_string()),
            "S" => {
                let f: Vec<&str> = rest.split_whitespace().collect();
                if f.len() < 4 {
                    return Err(HostFilesError::StatLine {
                        line: line.to_string(),
                    });
                }
                s.exists = true;
                s.mode = u32::from_str_radix(f[0], 8).map_err(|_| HostFilesError::Mode {
                    line: line.to_string(),
                    mode: f[0].to_string(),
                })?;
                s.uid = f[1].parse().unwrap_or(u32::MAX);
                s.gid = f[2].parse().unwrap_or(u32::MAX);
                s.owner = f[3].to_string();
            }
            "C" => s.content = Some(dec(rest)?),
            "K" => s.public_der = Some(dec(rest)?),
            "E" => {
                s.error = Some(
                    String::from_utf8_lossy(&dec(rest)?)
                        .lines()
                        .next()
                        .unwrap_or(PKEY_FAILED)
                        .to_string(),
                )
            }
            _ => {}
        }
    }
    let mut st = HostState::default();
    for ((_, p), s) in specs.iter().zip(seen) {
        st.files.insert(p.to_string(), s);
    }
    Ok(st)
}

// ---------------------------------------------------------------------------------------------
// Judging a host

/// The Manager's current CAs, as host copies must be.
#[derive(Clone)]
pub(crate) struct ManagerCas {
    pub(crate) ca_der: Option<Vec<u8>>,
    pub(crate) qemu_der: Option<Vec<u8>>,
}

impl ManagerCas {
    pub(crate) fn load(pki_dir: &Path) -> ManagerCas {
        let read = |f: &str| {
            let p = pki_dir.join(f);
            cert::read_limited(&p)
                .ok()
                .and_then(|d| cert::first_certificate(&p, &d).ok())
        };
        ManagerCas {
            ca_der: read("ca.pem"),
            qemu_der: read("qemu-ca.pem"),
        }
    }
    pub(crate) fn der(&self, k: CaKind) -> Option<&[u8]> {
        match k {
            CaKind::Engine => self.ca_der.as_deref(),
            CaKind::Qemu => self.qemu_der.as_deref(),
        }
    }
}

/// Rows and findings of one host.
#[derive(Debug, Default)]
pub(crate) struct HostAudit {
    pub(crate) records: Vec<CertRecord>,
    pub(crate) findings: Vec<Finding>,
}

impl HostAudit {
    /// Labels every row and finding with the host (the Manager's address for it) and its
    /// cluster, so machine-readable output can be aggregated per host.
    pub(crate) fn tag(&mut self, host: &str, cluster: Option<&str>) {
        for r in &mut self.records {
            r.host = Some(host.to_string());
            r.cluster = cluster.map(str::to_string);
        }
        for f in &mut self.findings {
            f.host = Some(host.to_string());
            f.cluster = cluster.map(str::to_string);
        }
    }

    fn add(&mut self, sev: Severity, path: String, role: &str, problem: Problem) {
        self.findings.push(Finding {
            severity: sev,
            path,
            role: role.to_string(),
            message: problem.message(),
            problem,
            host: None,
            cluster: None,
        });
    }

    /// A host that could not be read at all.
    pub(crate) fn unreachable(host: &str, e: &RemoteError) -> HostAudit {
        let mut a = HostAudit::default();
        let p = match e {
            RemoteError::HostKey { reason, .. } => Problem::HostKeyUnverified {
                reason: Reason::said(reason.clone()),
            },
            other => Problem::HostUnreachable {
                reason: Reason::said(other.text()),
            },
        };
        a.add(Severity::Critical, host.to_string(), "host", p);
        a
    }
}

fn label(host: &str, path: &str) -> String {
    format!("{host}:{path}")
}

fn spki_of(der: &[u8]) -> Option<Vec<u8>> {
    X509Certificate::from_der(der)
        .ok()
        .map(|(_, x)| x.public_key().raw.to_vec())
}

/// The Manager CA's RSA key as an OpenSSH public key (what `ca.pub` on hosts holds).
fn ssh_public_of(ca_der: &[u8]) -> Option<russh::keys::PublicKey> {
    use russh::keys::ssh_key::public::{KeyData, RsaPublicKey};
    use russh::keys::ssh_key::Mpint;
    let x = openssl::x509::X509::from_der(ca_der).ok()?;
    let rsa = x.public_key().ok()?.rsa().ok()?;
    let e = Mpint::from_positive_bytes(&rsa.e().to_vec());
    let n = Mpint::from_positive_bytes(&rsa.n().to_vec());
    let k = RsaPublicKey::new(e, n).ok()?;
    Some(russh::keys::PublicKey::new(KeyData::Rsa(k), ""))
}

fn fixed_role(rec: &mut CertRecord, role: &str) {
    rec.role = role.to_string();
    rec.scope = "host";
}

/// Judges what was read from `host` (pure: no I/O), with the audit's thresholds and clock.
pub(crate) fn judge_host(
    cfg: &AuditConfig,
    cas: &ManagerCas,
    host: &HostSpec,
    st: &HostState,
) -> HostAudit {
    let mut a = HostAudit::default();
    let name = &host.name;
    for set in SETS {
        if let Some(d) = set.when_dir {
            if !st.dir_exists(d) {
                continue;
            }
        }
        let role = role_name(set.name);
        for hf in set.files {
            let l = label(name, hf.path);
            let Some(seen) = st.get(hf.path) else {
                let sev = if set.critical {
                    Severity::Critical
                } else {
                    Severity::Warning
                };
                let what = match hf.kind {
                    Link => Reason::said(
                        Text::new("missing-host-link")
                            .arg("path", hf.path)
                            .arg("target", hf.link_to.unwrap_or("")),
                    ),
                    _ => hf.path.into(),
                };
                a.add(sev, l.clone(), &role, Problem::Missing { what });
                if matches!(hf.kind, Cert | CaCopy) {
                    a.records.push(CertRecord {
                        role: role.clone(),
                        scope: "host",
                        path: l,
                        also_in: Vec::new(),
                        cert: None,
                        missing: true,
                        status: "missing",
                        residual_seconds: None,
                        ca: None,
                        findings: vec!["missing"],
                        action: Some("rhv-pki hosts recover --ssh".into()),
                        advice: None,
                        host: None,
                        cluster: None,
                    });
                }
                continue;
            };
            check_meta(&mut a, hf, seen, &l, &role);
            match hf.kind {
                Cert => judge_cert(&mut a, cfg, cas, host, st, hf, seen, &l, &role),
                CaCopy => judge_ca_copy(&mut a, cfg, cas, hf, seen, &l, &role),
                Key => {
                    if let Some(e) = &seen.error {
                        a.add(
                            Severity::Critical,
                            l,
                            &role,
                            Problem::HostKeyUnreadable {
                                // OpenSSL's words on the host, or rhv-pki's when it said none.
                                reason: if e == PKEY_FAILED {
                                    Reason::said(Text::new("reason-pkey-failed"))
                                } else {
                                    e.clone().into()
                                },
                            },
                        );
                    }
                }
                Link => {
                    let target = hf.link_to.unwrap_or("");
                    let ok = seen
                        .link
                        .as_deref()
                        .is_some_and(|t| t == target || t.ends_with(&format!("/{target}")));
                    if !ok {
                        a.add(
                            Severity::Warning,
                            l,
                            &role,
                            Problem::Missing {
                                what: Reason::said(
                                    Text::new("missing-link")
                                        .arg("path", hf.path)
                                        .arg("target", target)
                                        .arg_text(
                                            "found",
                                            seen.link.as_deref().map_or_else(
                                                || Text::new("missing-found-file"),
                                                |t| {
                                                    Text::new("missing-found-link").arg("target", t)
                                                },
                                            ),
                                        ),
                                ),
                            },
                        );
                    }
                }
                SshCaPub => judge_ssh_ca(&mut a, cas, seen, &l, &role),
                SshCert => judge_ssh_cert(&mut a, cfg, cas, seen, &l, &role),
                SshKey => {}
            }
        }
    }
    a
}

fn check_meta(a: &mut HostAudit, hf: &HostFile, seen: &Seen, l: &str, role: &str) {
    if hf.kind == Link {
        return;
    }
    let is_key = matches!(hf.kind, Key | SshKey);
    let mode = seen.mode & 0o7777;
    if is_key {
        if mode & 0o007 != 0 {
            a.add(
                Severity::Critical,
                l.to_string(),
                role,
                Problem::HostFileMode {
                    mode: format!("{mode:04o}"),
                    expected: format!("{:04o}", hf.mode),
                },
            );
        } else if mode & !hf.mode != 0 {
            a.add(
                Severity::Warning,
                l.to_string(),
                role,
                Problem::HostFileMode {
                    mode: format!("{mode:04o}"),
                    expected: format!("{:04o}", hf.mode),
                },
            );
        }
        if seen.owner != hf.owner {
            a.add(
                Severity::Warning,
                l.to_string(),
                role,
                Problem::HostFileOwner {
                    owner: seen.owner.clone(),
                    expected: hf.owner.to_string(),
                },
            );
        }
    } else if mode & 0o022 != 0 {
        a.add(
            Severity::Warning,
            l.to_string(),
            role,
            Problem::HostFileMode {
                mode: format!("{mode:04o}"),
                expected: format!("{:04o} (not writable by group or others)", hf.mode),
            },
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn judge_cert(
    a: &mut HostAudit,
    cfg: &AuditConfig,
    cas: &ManagerCas,
    host: &HostSpec,
    st: &HostState,
    hf: &HostFile,
    seen: &Seen,
    l: &str,
    role: &str,
) {
    let data = seen.content.as_deref().unwrap_or_default();
    let der = match cert::first_certificate(Path::new(l), data) {
        Ok(d) => d,
        Err(e) => {
            a.add(
                Severity::Critical,
                l.to_string(),
                role,
                Problem::Unreadable {
                    reason: Reason::said(e.text()),
                },
            );
            return;
        }
    };
    let arole = if hf.ca == CaKind::Qemu {
        Role::HostQemu
    } else {
        Role::Host
    };
    let (rec, findings) = audit::judge_certificate(
        cfg,
        cas.ca_der.as_deref(),
        cas.qemu_der.as_deref(),
        &arole,
        l,
        &der,
    );
    let mut extra: Vec<Finding> = Vec::new();
    let mut push = |sev: Severity, p: Problem| {
        extra.push(Finding {
            severity: sev,
            path: l.to_string(),
            role: role.to_string(),
            message: p.message(),
            problem: p,
            host: None,
            cluster: None,
        });
    };
    // The SAN must name the address the Manager uses for this host.
    if let Ok((_, x)) = X509Certificate::from_der(&der) {
        if !crate::net::tls::name_matches(&x, &host.name)
            && !findings.iter().any(|f| matches!(&f.problem, Problem::SanMismatch { expected, .. } if expected == &host.name))
            && !findings.iter().any(|f| f.problem.code() == "missing-san")
        {
            let san = x
                .subject_alternative_name()
                .ok()
                .flatten()
                .map(|s| s.value.general_names.iter().map(|g| g.to_string()).collect())
                .unwrap_or_default();
            push(Severity::Warning, Problem::SanMismatch { expected: host.name.clone(), san });
        }
    }
    // Key match, on public keys derived on the host.
    if let Some(kp) = hf.key {
        if let Some(ks) = st.get(kp) {
            if let (Some(pubk), Some(spki)) = (&ks.public_der, spki_of(&der)) {
                if pubk != &spki {
                    push(
                        Severity::Critical,
                        Problem::KeyMismatch {
                            key: label(&host.name, kp),
                            cert: l.to_string(),
                        },
                    );
                }
            }
        }
    }
    let mut rec = rec;
    if let Some(r) = rec.as_mut() {
        fixed_role(r, role);
        for f in &extra {
            r.findings.push(f.problem.code());
            if f.severity == Severity::Critical && matches!(r.status, "ok" | "warning") {
                r.status = "critical";
            } else if f.severity == Severity::Warning && r.status == "ok" {
                r.status = "warning";
            }
        }
        if r.status != "ok" {
            r.action = Some("rhv-pki hosts recover --ssh".into());
            r.advice = None;
        }
    }
    for mut fd in findings {
        fd.role = role.to_string();
        a.findings.push(fd);
    }
    a.findings.extend(extra);
    if let Some(r) = rec {
        a.records.push(r);
    }
}

fn judge_ca_copy(
    a: &mut HostAudit,
    cfg: &AuditConfig,
    cas: &ManagerCas,
    hf: &HostFile,
    seen: &Seen,
    l: &str,
    role: &str,
) {
    let data = seen.content.as_deref().unwrap_or_default();
    let der = match cert::first_certificate(Path::new(l), data) {
        Ok(d) => d,
        Err(e) => {
            a.add(
                Severity::Critical,
                l.to_string(),
                role,
                Problem::Unreadable {
                    reason: Reason::said(e.text()),
                },
            );
            return;
        }
    };
    let ca_name = match hf.ca {
        CaKind::Engine => "ca",
        CaKind::Qemu => "qemu-ca",
    };
    let (rec, findings) = audit::judge_certificate(cfg, None, None, &Role::Ca(ca_name), l, &der);
    let mut rec = rec;
    for mut fd in findings {
        fd.role = role.to_string();
        a.findings.push(fd);
    }
    let Some(mgr) = cas.der(hf.ca) else {
        if let Some(mut r) = rec {
            fixed_role(&mut r, role);
            a.records.push(r);
        }
        return;
    };
    if mgr != der.as_slice() {
        let parse = |d: &[u8]| {
            cert::parse(Path::new(l), d).ok().map(|(x, s)| {
                (
                    x.public_key().raw.to_vec(),
                    x.subject().as_raw().to_vec(),
                    s,
                )
            })
        };
        if let (Some((ck, cs, csum)), Some((mk, ms, msum))) = (parse(&der), parse(mgr)) {
            let same_key = ck == mk && cs == ms;
            let sev = if !same_key
                || cfg.now > csum.not_after
                || csum.not_after - cfg.now <= cfg.crit_days * DAY
            {
                Severity::Critical
            } else {
                Severity::Warning
            };
            let p = Problem::HostCaStale {
                ca: format!("{ca_name}.pem"),
                copy_serial: csum.serial.clone(),
                copy_not_after: cert::rfc3339(csum.not_after),
                ca_not_after: cert::rfc3339(msum.not_after),
                same_key,
            };
            if let Some(r) = rec.as_mut() {
                r.findings.push(p.code());
                r.status = match (sev, r.status) {
                    (_, "expired") => "expired",
                    (Severity::Critical, _) => "critical",
                    (_, "critical") => "critical",
                    _ => "warning",
                };
                r.action = Some("rhv-pki hosts recover --ssh".into());
                r.advice = None;
            }
            a.add(sev, l.to_string(), role, p);
        }
    }
    if let Some(mut r) = rec {
        fixed_role(&mut r, role);
        r.ca = Some(format!("{ca_name} (copy)"));
        a.records.push(r);
    }
}

fn judge_ssh_ca(a: &mut HostAudit, cas: &ManagerCas, seen: &Seen, l: &str, role: &str) {
    let text = String::from_utf8_lossy(seen.content.as_deref().unwrap_or_default()).into_owned();
    let Ok(k) = russh::keys::PublicKey::from_openssh(text.trim()) else {
        a.add(
            Severity::Warning,
            l.to_string(),
            role,
            Problem::Unreadable {
                reason: Reason::said(Text::new("reason-not-openssh-public-key-in").arg("file", l)),
            },
        );
        return;
    };
    if let Some(mk) = cas.ca_der.as_deref().and_then(ssh_public_of) {
        if mk.key_data() != k.key_data() {
            a.add(
                Severity::Critical,
                l.to_string(),
                role,
                Problem::HostCaStale {
                    ca: "ca.pem (as OpenSSH key)".into(),
                    copy_serial: ssh::fingerprint(&k),
                    copy_not_after: "-".into(),
                    ca_not_after: cas
                        .ca_der
                        .as_deref()
                        .and_then(|d| cert::parse(Path::new("ca.pem"), d).ok())
                        .map(|(_, s)| cert::rfc3339(s.not_after))
                        .unwrap_or_default(),
                    same_key: false,
                },
            );
        }
    }
}

fn judge_ssh_cert(
    a: &mut HostAudit,
    cfg: &AuditConfig,
    cas: &ManagerCas,
    seen: &Seen,
    l: &str,
    role: &str,
) {
    let text = String::from_utf8_lossy(seen.content.as_deref().unwrap_or_default()).into_owned();
    let Ok(c) = russh::keys::Certificate::from_openssh(text.trim()) else {
        a.add(
            Severity::Warning,
            l.to_string(),
            role,
            Problem::Unreadable {
                reason: Reason::said(Text::new("reason-not-openssh-cert-in").arg("file", l)),
            },
        );
        return;
    };
    let before = c.valid_before() as i64;
    let now = cfg.now;
    let mut codes = Vec::new();
    let mut worst: Option<Severity> = None;
    let mut add = |a: &mut HostAudit, sev: Severity, p: Problem| {
        codes.push(p.code());
        worst = worst.max(Some(sev));
        a.add(sev, l.to_string(), role, p);
    };
    if now > before {
        add(
            a,
            Severity::Critical,
            Problem::Expired {
                not_after: cert::rfc3339(before),
                now: cert::rfc3339(now),
            },
        );
    } else {
        let left = before - now;
        for (sev, days) in [
            (Severity::Critical, cfg.crit_days),
            (Severity::Warning, cfg.warn_days),
        ] {
            if left <= days * DAY {
                add(
                    a,
                    sev,
                    Problem::Expiring {
                        not_after: cert::rfc3339(before),
                        days_left: left / DAY,
                        threshold_days: days,
                    },
                );
                break;
            }
        }
    }
    if let Some(mk) = cas.ca_der.as_deref().and_then(ssh_public_of) {
        if c.signature_key() != mk.key_data() {
            add(
                a,
                Severity::Critical,
                Problem::ChainInvalid {
                    ca: "ca".into(),
                    reason: audit::Reason::said(crate::i18n::Text::new("reason-ssh-not-ca-key")),
                },
            );
        }
    }
    // `ssh-rsa` signatures are SHA-1: RHEL 9 DEFAULT (OpenSSH) refuses them.
    if c.signature().algorithm().as_str() == "ssh-rsa" {
        add(
            a,
            Severity::Warning,
            Problem::Sha1Signature {
                algorithm: "ssh-rsa".into(),
            },
        );
    }
    let status = crate::audit::row_status(codes.contains(&"expired"), worst);
    a.records.push(CertRecord {
        role: role.to_string(),
        scope: "host",
        path: l.to_string(),
        also_in: Vec::new(),
        cert: None,
        missing: false,
        status,
        residual_seconds: Some(before - now),
        ca: Some("ca (OpenSSH)".into()),
        findings: codes,
        action: (status != "ok").then(|| "rhv-pki hosts recover --ssh".into()),
        advice: None,
        host: None,
        cluster: None,
    });
}

/// Audits hosts (reading each once, `reach.max_parallel` at a time) into one report in the
/// audit's model: rows per host file, findings sorted like the audit's.
pub fn audit_hosts(cfg: &AuditConfig, reach: &Reach, hosts: &[HostSpec]) -> AuditReport {
    let cas = ManagerCas::load(&cfg.pki_dir);
    let per_host = crate::exec::par_map(hosts, reach.max_parallel, &|h: &HostSpec| match reach
        .connect(h)
        .and_then(|t| collect(t.as_ref()))
    {
        Ok(st) => judge_host(cfg, &cas, h, &st),
        Err(e) => HostAudit::unreachable(&h.name, &e),
    });
    let mut rep = AuditReport {
        pki_dir: cfg.pki_dir.to_string_lossy().into_owned(),
        engine_fqdn: None,
        era: None,
        now: cfg.now,
        warn_days: cfg.warn_days,
        crit_days: cfg.crit_days,
        certificates: Vec::new(),
        findings: Vec::new(),
        inventory: Vec::new(),
    };
    for (spec, mut h) in hosts.iter().zip(per_host) {
        h.tag(&spec.name, None);
        rep.certificates.extend(h.records);
        rep.findings.extend(h.findings);
    }
    rep.findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.problem.code().cmp(b.problem.code()))
    });
    rep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_files_errors_keep_their_english_and_have_japanese() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let specs = specs();
        let collect = |out: &str| parse_collect(&specs, out.as_bytes()).unwrap_err();
        let all = [
            (HostSpec::parse("=1.2.3.4", 22).unwrap_err(), "=1.2.3.4"),
            (HostSpec::parse("h=[::1", 22).unwrap_err(), "h=[::1"),
            (HostSpec::parse("h=a:xx", 22).unwrap_err(), "h=a:xx"),
            (HostSpec::parse("h=[::1]x", 22).unwrap_err(), "h=[::1]x"),
            (HostSpec::parse("h=a:0", 22).unwrap_err(), "h=a:0"),
            (collect("S 9999 x"), "#9999"),
            (collect("C 0 !!!"), "Invalid symbol 33, offset 0."),
            (collect("S 0 garbage"), "S 0 garbage"),
            (collect("S 0 9z9 0 0 root:root"), "S 0 9z9 0 0 root:root"),
        ];
        for (e, kept) in all {
            let t = e.text();
            assert_eq!(strict(&en, &t), e.to_string(), "{e:?}");
            let j = strict(&ja, &t);
            assert!(japanese(&j), "{e:?}: {j}");
            assert!(j.contains(kept), "{kept} lost: {j}");
            for ours in [
                "bad ",
                "unclosed",
                "garbage after",
                "empty address",
                "unexpected",
            ] {
                assert!(
                    !j.contains(ours) || kept.contains(ours.trim()),
                    "{ours} in {j}"
                );
            }
        }
        // As an SSH read error: the operation and the reason both in the reader's language.
        let e = RemoteError::Io {
            target: "root@host1.example.test".into(),
            what: crate::net::remote::IoOp::HostCertificateSet,
            reason: Box::new(collect("S 0 garbage").text()),
        };
        assert_eq!(
            e.to_string(),
            "root@host1.example.test: read the host certificate set: bad stat line 'S 0 garbage'"
        );
        assert_eq!(
            strict(&ja, &e.text()),
            "root@host1.example.test: ホストの証明書ファイル一式の読み取りに失敗しました: stat の出力行 'S 0 garbage' が正しくありません"
        );
    }

    #[test]
    fn host_specs() {
        let h = HostSpec::parse("host1.example.test", 22).unwrap();
        assert_eq!((h.addr.as_str(), h.port), ("host1.example.test", 22));
        let h = HostSpec::parse("h=127.0.0.1:2222", 22).unwrap();
        assert_eq!(
            (h.name.as_str(), h.addr.as_str(), h.port),
            ("h", "127.0.0.1", 2222)
        );
        let h = HostSpec::parse("h=[::1]:2200", 22).unwrap();
        assert_eq!((h.addr.as_str(), h.port), ("::1", 2200));
        assert_eq!(
            HostSpec::parse("h=a:x", 22),
            Err(HostFilesError::BadPort {
                spec: "h=a:x".into(),
                port: "x".into()
            })
        );
        assert_eq!(
            HostSpec::parse("=a", 22),
            Err(HostFilesError::BadName {
                spec: "=a".into(),
                name: String::new()
            })
        );
        assert_eq!(
            HostSpec::parse("192.0.2.7", 22).unwrap().san(),
            "IP:192.0.2.7"
        );
        assert_eq!(
            HostSpec::parse("h.example", 22).unwrap().san(),
            "DNS:h.example"
        );
    }

    #[test]
    fn collect_output_parses_and_rejects_junk() {
        let specs = vec![('c', "/a"), ('k', "/b"), ('c', "/c")];
        let out = b"S 0 644 0 0 root:root\nC 0 aGk=\nS 1 440 36 36 vdsm:kvm\nE 1 YmFkIGtleQo=\nL 2 c2VydmVyLWNlcnQucGVt\nM 2\n";
        let st = parse_collect(&specs, out).unwrap();
        assert_eq!(st.get("/a").unwrap().content.as_deref(), Some(&b"hi"[..]));
        assert_eq!(st.get("/b").unwrap().error.as_deref(), Some("bad key"));
        assert_eq!(st.get("/b").unwrap().mode, 0o440);
        assert!(st.get("/c").is_none());
        assert_eq!(st.files["/c"].link.as_deref(), Some("server-cert.pem"));
        assert_eq!(
            parse_collect(&specs, b"S 9 644 0 0 r:r\n").unwrap_err(),
            HostFilesError::UnknownFile { index: 9, files: 3 }
        );
        match parse_collect(&specs, b"C 0 !!!\n").unwrap_err() {
            e @ HostFilesError::Base64 { .. } => {
                assert!(matches!(&e, HostFilesError::Base64 { line, .. } if line == "C 0 !!!"));
                assert!(e.to_string().starts_with("bad base64: "), "{e}");
            }
            other => panic!("{other:?}"),
        }
        let e = parse_collect(&specs, b"S 0 644 0\n").unwrap_err();
        assert_eq!(
            e,
            HostFilesError::StatLine {
                line: "S 0 644 0".into()
            }
        );
        assert_eq!(e.to_string(), "bad stat line 'S 0 644 0'");
        let e = parse_collect(&specs, b"S 0 6x4 0 0 r:r\n").unwrap_err();
        assert_eq!(
            e,
            HostFilesError::Mode {
                line: "S 0 6x4 0 0 r:r".into(),
                mode: "6x4".into()
            }
        );
        assert_eq!(e.to_string(), "bad mode in 'S 0 6x4 0 0 r:r'");
    }

    /// Each refusal of a `--host` value carries the value and the part at fault, and reads as
    /// it always did.
    #[test]
    fn host_spec_errors_carry_the_evidence() {
        let cases: [(&str, HostFilesError, &str); 5] = [
            (
                "a b",
                HostFilesError::BadName {
                    spec: "a b".into(),
                    name: "a b".into(),
                },
                "bad host name",
            ),
            (
                "h=[::1",
                HostFilesError::UnclosedBracket {
                    spec: "h=[::1".into(),
                },
                "unclosed [",
            ),
            (
                "h=[::1]:99999",
                HostFilesError::BadPort {
                    spec: "h=[::1]:99999".into(),
                    port: "99999".into(),
                },
                "bad port",
            ),
            (
                "h=[::1]x",
                HostFilesError::AfterBracket {
                    spec: "h=[::1]x".into(),
                    garbage: "x".into(),
                },
                "garbage after ]",
            ),
            (
                "h=a:0",
                HostFilesError::EmptyAddress {
                    spec: "h=a:0".into(),
                    addr: "a".into(),
                    port: 0,
                },
                "empty address or port 0",
            ),
        ];
        for (spec, want, why) in cases {
            let e = HostSpec::parse(spec, 22).unwrap_err();
            assert_eq!(e, want);
            assert_eq!(
                e.to_string(),
                format!("--host '{spec}': {why} (expected NAME[=ADDR[:PORT]])")
            );
        }
    }
}
