//! Hosts over SSH: [`SshTarget`] implements [`remote::Target`](crate::net::remote::Target) with russh, so the host audit and
//! host recovery run the same code over SSH as on this machine. Host keys are checked against
//! known_hosts by default (unknown or changed keys are refused, naming host, port, key type and
//! fingerprint); recording a *new* key needs an explicit opt-in, a *changed* one is never accepted.
//!
//! The `Target` trait is synchronous: russh runs on one shared tokio runtime and every call
//! blocks on it, so callers parallelise hosts with ordinary (scoped) threads.

use std::borrow::Cow;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use russh::client;
use russh::keys::{Algorithm, HashAlg, PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate};
use russh::ChannelMsg;

use crate::net::remote::{
    quoted, shell_line, FileMeta, IoOp, Output, RemoteError, Target, REPLACE_SCRIPT,
};

/// The default SSH port (known_hosts entries for other ports are `[host]:port`).
pub const DEFAULT_PORT: u16 = 22;
/// Exit status the read helper uses for "no such file".
const MISSING_STATUS: u32 = 210;

/// How to reach and trust hosts.
#[derive(Debug, Clone)]
pub struct SshOptions {
    /// The remote user (`root`).
    pub user: String,
    /// Private key file; `None` = the ssh-agent at [`agent_socket`](Self::agent_socket), else
    /// `id_ed25519`, `id_ecdsa`, `id_rsa` in [`ssh_dir`](Self::ssh_dir).
    pub identity: Option<PathBuf>,
    /// known_hosts to verify the host key against.
    pub known_hosts: PathBuf,
    /// The user's `~/.ssh` (the caller reads `$HOME`: the library never reads the environment).
    pub ssh_dir: PathBuf,
    /// The ssh-agent's socket (the caller reads `$SSH_AUTH_SOCK`); `None` = no agent.
    pub agent_socket: Option<PathBuf>,
    /// Record the key of a host that known_hosts does not know yet (never a changed key).
    pub accept_new_host_key: bool,
    /// Longest wait for the connection and authentication.
    pub connect_timeout: Duration,
    /// Longest a command may run.
    pub command_timeout: Duration,
}

impl SshOptions {
    /// root, `ssh_dir`/known_hosts, 10 s to connect, 120 s per command.
    pub fn new(ssh_dir: PathBuf, agent_socket: Option<PathBuf>) -> SshOptions {
        SshOptions {
            user: "root".into(),
            identity: None,
            known_hosts: ssh_dir.join("known_hosts"),
            ssh_dir,
            agent_socket,
            accept_new_host_key: false,
            connect_timeout: Duration::from_secs(10),
            command_timeout: Duration::from_secs(120),
        }
    }
}

/// The runtime every SSH connection of this process lives on: one per process, built on
/// first use by [`crate::exec::runtime`] (russh is async, [`SshTarget`] is a blocking
/// [`Target`]; the sessions of a parallel recovery share its two workers).
fn runtime() -> Result<&'static tokio::runtime::Runtime, &'static std::io::Error> {
    static RT: OnceLock<std::io::Result<tokio::runtime::Runtime>> = OnceLock::new();
    RT.get_or_init(|| {
        crate::exec::runtime(crate::exec::Threads::Pool {
            workers: 2,
            name: "rhv-pki-ssh",
        })
    })
    .as_ref()
}

// ---------------------------------------------------------------------------------------------
// known_hosts

/// What known_hosts says about a host key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostKeyStatus {
    /// The key is recorded for this host.
    Known,
    /// Nothing is recorded for this host (or the file does not exist).
    Unknown,
    /// Another key is recorded for this host (line number, its type).
    Changed { line: usize, recorded_type: String },
    /// The key is marked `@revoked`.
    Revoked { line: usize },
}

/// `host` as known_hosts names it: `host` on port 22, `[host]:port` otherwise.
pub(crate) fn known_hosts_name(host: &str, port: u16) -> String {
    if port == DEFAULT_PORT {
        host.to_string()
    } else {
        format!("[{host}]:{port}")
    }
}

/// OpenSSH `match_pattern`: `*` and `?` wildcards.
fn glob(pattern: &[u8], s: &[u8]) -> bool {
    match (pattern.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob(&pattern[1..], s) || (!s.is_empty() && glob(pattern, &s[1..])),
        (Some(b'?'), Some(_)) => glob(&pattern[1..], &s[1..]),
        (Some(p), Some(c)) if p.eq_ignore_ascii_case(c) => glob(&pattern[1..], &s[1..]),
        _ => false,
    }
}

/// `|1|salt|hash` entries: HMAC-SHA1 of the name keyed with the salt.
fn hashed_matches(entry: &str, name: &str) -> bool {
    use base64::Engine as _;
    let mut parts = entry.trim_start_matches("|1|").split('|');
    let (Some(salt), Some(hash)) = (parts.next(), parts.next()) else {
        return false;
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let (Ok(salt), Ok(hash)) = (b64.decode(salt), b64.decode(hash)) else {
        return false;
    };
    let Ok(key) = openssl::pkey::PKey::hmac(&salt) else {
        return false;
    };
    let Ok(mut signer) = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha1(), &key)
    else {
        return false;
    };
    signer
        .sign_oneshot_to_vec(name.as_bytes())
        .is_ok_and(|mac| openssl::memcmp::eq(&mac, &hash))
}

/// Does the host-pattern list of a known_hosts line cover `name`? (`!` negates.)
fn hosts_match(patterns: &str, name: &str) -> bool {
    let mut hit = false;
    for p in patterns.split(',') {
        if let Some(neg) = p.strip_prefix('!') {
            if glob(neg.as_bytes(), name.as_bytes()) {
                return false;
            }
        } else if p.starts_with("|1|") {
            hit |= hashed_matches(p, name);
        } else {
            hit |= glob(p.as_bytes(), name.as_bytes());
        }
    }
    hit
}

/// known_hosts could not be read or written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum KnownHostsError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot encode the host key: {reason}")]
    Encode { reason: String },
}

/// Why a server's host key is refused (the text names the key, the file and what to do).
#[derive(Debug, thiserror::Error)]
enum KeyRefusal {
    #[error(transparent)]
    KnownHosts(#[from] KnownHostsError),
    #[error("{what} is not in {}; refusing to connect (verify the fingerprint on the host with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub`, then rerun with --accept-new-host-key to record it)", known_hosts.display())]
    Unknown {
        what: Box<KeyName>,
        known_hosts: PathBuf,
    },
    #[error("{what} does NOT match the {recorded_type} key recorded in {kh} line {line}: the host key changed (reinstalled host, or someone is intercepting the connection); refusing to connect. If the change is legitimate, remove the old entry with `ssh-keygen -R {name} -f {kh}`", kh = known_hosts.display())]
    Changed {
        what: Box<KeyName>,
        known_hosts: PathBuf,
        line: usize,
        recorded_type: String,
        /// The host as known_hosts names it.
        name: String,
    },
    #[error("{what} is marked @revoked in {} line {line}; refusing to connect", known_hosts.display())]
    Revoked {
        what: Box<KeyName>,
        known_hosts: PathBuf,
        line: usize,
    },
}

impl KeyRefusal {
    /// The refusal as a catalogue message; its English is the `Display`, byte for byte.
    fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            KeyRefusal::KnownHosts(KnownHostsError::Io { path, source }) => {
                Text::new("pki-error-in-file")
                    .arg("path", path.display())
                    .arg_text("detail", crate::i18n::io_error(source))
            }
            KeyRefusal::KnownHosts(KnownHostsError::Encode { reason }) => {
                Text::new("ssh-known-hosts-encode").arg("reason", reason)
            }
            KeyRefusal::Unknown { what, known_hosts } => Text::new("ssh-key-unknown")
                .arg_text("what", what.text())
                .arg("known_hosts", known_hosts.display()),
            KeyRefusal::Changed {
                what,
                known_hosts,
                line,
                recorded_type,
                name,
            } => Text::new("ssh-key-changed")
                .arg_text("what", what.text())
                .arg("recorded_type", recorded_type)
                .arg("known_hosts", known_hosts.display())
                .arg("line", line)
                .arg("name", name),
            KeyRefusal::Revoked {
                what,
                known_hosts,
                line,
            } => Text::new("ssh-key-revoked")
                .arg_text("what", what.text())
                .arg("known_hosts", known_hosts.display())
                .arg("line", line),
        }
    }
}

/// The server's key as a refusal names it: `<algorithm> key <fingerprint> of <host> (port N)`.
#[derive(Debug)]
struct KeyName {
    algorithm: String,
    fingerprint: String,
    host: String,
    port: u16,
}

impl KeyName {
    fn text(&self) -> crate::i18n::Text {
        crate::i18n::Text::new("ssh-key-name")
            .arg("algorithm", &self.algorithm)
            .arg("fingerprint", &self.fingerprint)
            .arg("host", &self.host)
            .arg("port", self.port)
    }
}

impl std::fmt::Display for KeyName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} key {} of {} (port {})",
            self.algorithm, self.fingerprint, self.host, self.port
        )
    }
}

/// Checks `key` for `host`:`port` against the known_hosts file at `path`. Lines that cannot be
/// parsed are skipped (as OpenSSH does); a missing file knows nothing.
pub(crate) fn check_known_host(
    path: &Path,
    host: &str,
    port: u16,
    key: &PublicKey,
) -> Result<HostKeyStatus, KnownHostsError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HostKeyStatus::Unknown),
        Err(source) => {
            return Err(KnownHostsError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let name = known_hosts_name(host, port);
    let mut known = false;
    let mut changed = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split_whitespace();
        let mut first = fields.next().unwrap_or("");
        let mut revoked = false;
        if first.starts_with('@') {
            match first {
                "@revoked" => revoked = true,
                // Host certificates are not used by oVirt hosts; such lines say nothing about keys.
                _ => continue,
            }
            first = fields.next().unwrap_or("");
        }
        let (Some(ktype), Some(b64)) = (fields.next(), fields.next()) else {
            continue;
        };
        if !revoked && !hosts_match(first, &name) {
            continue;
        }
        let Ok(recorded) = russh::keys::parse_public_key_base64(b64) else {
            continue;
        };
        let same = recorded.key_data() == key.key_data();
        if revoked {
            if same {
                return Ok(HostKeyStatus::Revoked { line: i + 1 });
            }
            continue;
        }
        if same {
            known = true;
        } else if changed.is_none() {
            changed = Some(HostKeyStatus::Changed {
                line: i + 1,
                recorded_type: ktype.to_string(),
            });
        }
    }
    if known {
        Ok(HostKeyStatus::Known)
    } else {
        Ok(changed.unwrap_or(HostKeyStatus::Unknown))
    }
}

/// Appends `[host]:port type key` (0600 file, 0700 directory when created).
pub(crate) fn learn_known_host(
    path: &Path,
    host: &str,
    port: u16,
    key: &PublicKey,
) -> Result<(), KnownHostsError> {
    let io = |p: &Path| {
        let path = p.to_path_buf();
        move |source| KnownHostsError::Io { path, source }
    };
    if let Some(dir) = path.parent() {
        if !dir.exists() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
    }
    let openssh = key.to_openssh().map_err(|e| KnownHostsError::Encode {
        reason: e.to_string(),
    })?;
    let mut line = format!("{} {}\n", known_hosts_name(host, port), openssh.trim());
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .mode(0o600)
        .open(path)
        .map_err(io(path))?;
    // Keep the file line-oriented even if its last line has no newline.
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len > 0 {
        use std::io::{Read, Seek, SeekFrom};
        let mut last = [0u8; 1];
        if f.seek(SeekFrom::End(-1)).is_ok() && f.read_exact(&mut last).is_ok() && last[0] != b'\n'
        {
            line.insert(0, '\n');
        }
    }
    // One write with O_APPEND: parallel connections cannot interleave their lines.
    f.write_all(line.as_bytes()).map_err(io(path))
}

/// `SHA256:…` as `ssh-keygen -l` prints it.
pub(crate) fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Host key algorithms, those already recorded for the host first (as OpenSSH orders them),
/// so a host known by its RSA key is not asked for an unknown Ed25519 key.
fn preferred_key_algorithms(path: &Path, host: &str, port: u16) -> Vec<Algorithm> {
    let defaults: Vec<Algorithm> = russh::Preferred::DEFAULT.key.to_vec();
    let name = known_hosts_name(host, port);
    let Ok(text) = std::fs::read_to_string(path) else {
        return defaults;
    };
    let mut recorded: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut f = line.split_whitespace();
        let (Some(h), Some(t)) = (f.next(), f.next()) else {
            continue;
        };
        if !h.starts_with('@') && hosts_match(h, &name) {
            recorded.push(t.to_string());
        }
    }
    let mut first: Vec<Algorithm> = Vec::new();
    for t in &recorded {
        for a in &defaults {
            let family = if t == "ssh-rsa" {
                a.clone().is_rsa()
            } else {
                a.as_str() == t
            };
            if family && !first.contains(a) {
                first.push(a.clone());
            }
        }
    }
    for a in defaults {
        if !first.contains(&a) {
            first.push(a);
        }
    }
    first
}

// ---------------------------------------------------------------------------------------------
// The client

struct Client {
    host: String,
    port: u16,
    known_hosts: PathBuf,
    accept_new: bool,
    /// Why the key was refused, for the error message (russh only says "unknown key").
    refusal: Arc<Mutex<Option<crate::i18n::Text>>>,
}

impl Client {
    fn judge(&self, key: &PublicKey) -> Result<(), KeyRefusal> {
        let what = Box::new(KeyName {
            algorithm: key.algorithm().as_str().to_string(),
            fingerprint: fingerprint(key),
            host: self.host.clone(),
            port: self.port,
        });
        let known_hosts = self.known_hosts.clone();
        match check_known_host(&self.known_hosts, &self.host, self.port, key)? {
            HostKeyStatus::Known => Ok(()),
            HostKeyStatus::Unknown if self.accept_new => {
                learn_known_host(&self.known_hosts, &self.host, self.port, key)?;
                Ok(())
            }
            HostKeyStatus::Unknown => Err(KeyRefusal::Unknown { what, known_hosts }),
            HostKeyStatus::Changed {
                line,
                recorded_type,
            } => Err(KeyRefusal::Changed {
                what,
                known_hosts,
                line,
                recorded_type,
                name: known_hosts_name(&self.host, self.port),
            }),
            HostKeyStatus::Revoked { line } => Err(KeyRefusal::Revoked {
                what,
                known_hosts,
                line,
            }),
        }
    }
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        server_public_key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let key = match server_public_key {
            PublicKeyOrCertificate::PublicKey { key, .. } => key.clone(),
            PublicKeyOrCertificate::Certificate(c) => c.public_key().clone().into(),
        };
        match self.judge(&key) {
            Ok(()) => Ok(true),
            Err(refusal) => {
                *self.refusal.lock().unwrap_or_else(|p| p.into_inner()) = Some(refusal.text());
                Ok(false)
            }
        }
    }
}

/// One authenticated SSH connection to a host, used as a [`Target`].
pub struct SshTarget {
    name: String,
    addr: String,
    port: u16,
    prefix: Option<PathBuf>,
    command_timeout: Duration,
    handle: client::Handle<Client>,
}

impl std::fmt::Debug for SshTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SshTarget")
            .field("name", &self.name)
            .field("addr", &self.addr)
            .field("port", &self.port)
            .finish()
    }
}

impl SshTarget {
    /// Connects to `addr`:`port` and authenticates. `name` is how the host is called in
    /// messages (the Manager's host address); `prefix` relocates every host path (tests,
    /// benchmarks: `/etc/pki/vdsm` becomes `<prefix>/etc/pki/vdsm`).
    pub fn connect(
        name: &str,
        addr: &str,
        port: u16,
        opts: &SshOptions,
        prefix: Option<PathBuf>,
    ) -> Result<SshTarget, RemoteError> {
        let rt = runtime().map_err(|reason| RemoteError::Connect {
            target: name.to_string(),
            reason: format!("cannot start the async runtime: {reason}"),
        })?;
        let refusal = Arc::new(Mutex::new(None));
        let handler = Client {
            host: addr.to_string(),
            port,
            known_hosts: opts.known_hosts.clone(),
            accept_new: opts.accept_new_host_key,
            refusal: refusal.clone(),
        };
        let config = Arc::new(client::Config {
            nodelay: true,
            inactivity_timeout: Some(opts.command_timeout + opts.connect_timeout),
            preferred: russh::Preferred {
                key: Cow::Owned(preferred_key_algorithms(&opts.known_hosts, addr, port)),
                ..russh::Preferred::DEFAULT
            },
            ..Default::default()
        });
        let label = format!("{name} ({addr}:{port})");
        let connect = async {
            let mut handle = client::connect(config, (addr, port), handler)
                .await
                .map_err(|e| {
                    if let Some(r) = refusal.lock().unwrap_or_else(|p| p.into_inner()).take() {
                        return RemoteError::HostKey {
                            target: label.clone(),
                            reason: r,
                        };
                    }
                    RemoteError::Connect {
                        target: label.clone(),
                        reason: e.to_string(),
                    }
                })?;
            authenticate(&mut handle, opts, &label).await?;
            Ok::<_, RemoteError>(handle)
        };
        let handle = rt.block_on(async {
            tokio::time::timeout(opts.connect_timeout, connect)
                .await
                .unwrap_or_else(|_| {
                    Err(RemoteError::Connect {
                        target: label.clone(),
                        reason: format!(
                            "no SSH session within {} s",
                            opts.connect_timeout.as_secs()
                        ),
                    })
                })
        })?;
        Ok(SshTarget {
            name: name.to_string(),
            addr: addr.to_string(),
            port,
            prefix,
            command_timeout: opts.command_timeout,
            handle,
        })
    }

    fn err(&self, what: IoOp, reason: impl std::fmt::Display) -> RemoteError {
        RemoteError::Io {
            target: self.name.clone(),
            what,
            reason: Box::new(quoted(reason)),
        }
    }

    /// Runs one shell command line; standard input is sent and closed first.
    fn run_line(&self, line: &str, stdin: Option<&[u8]>) -> Result<Output, RemoteError> {
        let rt = runtime().map_err(|r| self.err(IoOp::Exec, r))?;
        let timeout = self.command_timeout;
        let job = async {
            let mut ch = self
                .handle
                .channel_open_session()
                .await
                .map_err(|e| self.err(IoOp::OpenChannel, e))?;
            ch.exec(true, line.as_bytes().to_vec())
                .await
                .map_err(|e| self.err(IoOp::Exec, e))?;
            if let Some(data) = stdin {
                ch.data_bytes(data.to_vec())
                    .await
                    .map_err(|e| self.err(IoOp::SendStdin, e))?;
            }
            // Without EOF, `cat > file` never ends.
            ch.eof().await.map_err(|e| self.err(IoOp::SendEof, e))?;
            let mut out = Output::default();
            let mut exit: Option<u32> = None;
            // Keep reading after ExitStatus: data may still be in flight until Close.
            while let Some(msg) = ch.wait().await {
                match msg {
                    ChannelMsg::Data { data } => out.stdout.extend_from_slice(&data),
                    ChannelMsg::ExtendedData { data, ext: 1 } => {
                        out.stderr.extend_from_slice(&data)
                    }
                    ChannelMsg::ExitStatus { exit_status } => exit = Some(exit_status),
                    ChannelMsg::ExitSignal { signal_name, .. } => {
                        out.stderr
                            .extend_from_slice(format!("killed by {signal_name:?}").as_bytes());
                    }
                    _ => {}
                }
            }
            out.status = exit.map(|s| s as i32);
            Ok::<_, RemoteError>(out)
        };
        rt.block_on(async {
            tokio::time::timeout(timeout, job)
                .await
                .unwrap_or_else(|_| {
                    Err(RemoteError::Timeout {
                        target: self.name.clone(),
                        command: line.chars().take(120).collect(),
                        secs: timeout.as_secs(),
                    })
                })
        })
    }
}

async fn authenticate(
    handle: &mut client::Handle<Client>,
    opts: &SshOptions,
    label: &str,
) -> Result<(), RemoteError> {
    use super::remote::{AuthProblem, Offered};
    let auth_err = |reason: AuthProblem| RemoteError::Auth {
        target: label.to_string(),
        reason,
    };
    let rsa_hash = handle
        .best_supported_rsa_hash()
        .await
        .map_err(|e| auth_err(AuthProblem::Said(e.to_string())))?
        .flatten();
    let mut tried = Vec::new();
    let key_files: Vec<PathBuf> = match &opts.identity {
        Some(p) => vec![p.clone()],
        None => {
            // The agent first, as ssh does.
            if let Some(sock) = &opts.agent_socket {
                match russh::keys::agent::client::AgentClient::connect_uds(&sock).await {
                    Ok(mut agent) => {
                        let ids = agent.request_identities().await.unwrap_or_default();
                        for id in ids {
                            let key = match id {
                                russh::keys::agent::AgentIdentity::PublicKey { key, .. } => key,
                                _ => continue,
                            };
                            let hash = if key.algorithm().is_rsa() {
                                rsa_hash
                            } else {
                                None
                            };
                            tried.push(Offered::AgentKey(fingerprint(&key)));
                            match handle
                                .authenticate_publickey_with(&opts.user, key, hash, &mut agent)
                                .await
                            {
                                Ok(r) if r.success() => return Ok(()),
                                _ => {}
                            }
                        }
                    }
                    Err(e) => tried.push(Offered::AgentUnusable(e.to_string())),
                }
            }
            let dir = &opts.ssh_dir;
            ["id_ed25519", "id_ecdsa", "id_rsa"]
                .iter()
                .map(|n| dir.join(n))
                .filter(|p| p.exists())
                .collect()
        }
    };
    for path in key_files {
        let key = russh::keys::load_secret_key(&path, None).map_err(|e| {
            auth_err(AuthProblem::KeyUnloadable {
                path: path.display().to_string(),
                error: e.to_string(),
            })
        })?;
        tried.push(Offered::File(path.display().to_string()));
        let key = PrivateKeyWithHashAlg::new(Arc::new(key), rsa_hash);
        match handle.authenticate_publickey(&opts.user, key).await {
            Ok(r) if r.success() => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(auth_err(AuthProblem::Said(e.to_string()))),
        }
    }
    Err(auth_err(if tried.is_empty() {
        AuthProblem::NoKey {
            user: opts.user.clone(),
        }
    } else {
        AuthProblem::Refused {
            user: opts.user.clone(),
            tried,
        }
    }))
}

/// Reads a file, exit 210 when it does not exist.
const READ_SCRIPT: &str = r#"if [ -e "$1" ]; then exec cat -- "$1"; else exit 210; fi"#;

impl Target for SshTarget {
    fn name(&self) -> &str {
        &self.name
    }

    fn exec(&self, argv: &[&str], stdin: Option<&[u8]>) -> Result<Output, RemoteError> {
        if argv.is_empty() {
            return Err(RemoteError::Io {
                target: self.name.clone(),
                what: IoOp::Exec,
                reason: Box::new(crate::i18n::Text::new("remote-empty-command")),
            });
        }
        self.run_line(&shell_line(argv), stdin)
    }

    fn read_file(&self, path: &Path) -> Result<Option<Vec<u8>>, RemoteError> {
        let p = self.host_path(path);
        let ps = p.to_string_lossy();
        let out = self.exec(&["sh", "-c", READ_SCRIPT, "sh", &ps], None)?;
        match out.status {
            Some(0) => Ok(Some(out.stdout)),
            Some(s) if s == MISSING_STATUS as i32 => Ok(None),
            _ => Err(self.err(IoOp::Read(ps.to_string()), out.brief())),
        }
    }

    fn replace_file(
        &self,
        path: &Path,
        data: &[u8],
        meta: Option<FileMeta>,
    ) -> Result<(), RemoteError> {
        let p = self.host_path(path);
        let ps = p.to_string_lossy();
        let mode = meta.map(|m| format!("{:o}", m.mode)).unwrap_or_default();
        let owner = meta
            .map(|m| format!("{}:{}", m.uid, m.gid))
            .unwrap_or_default();
        let out = self.exec(
            &["sh", "-c", REPLACE_SCRIPT, "sh", &ps, &mode, &owner],
            Some(data),
        )?;
        if out.success() {
            Ok(())
        } else {
            Err(self.err(IoOp::Replace(ps.to_string()), out.brief()))
        }
    }

    fn host_path(&self, path: &Path) -> PathBuf {
        match &self.prefix {
            Some(p) => p.join(path.strip_prefix("/").unwrap_or(path)),
            None => path.to_path_buf(),
        }
    }
}

impl Drop for SshTarget {
    fn drop(&mut self) {
        // Say goodbye politely when we can block; never from inside the runtime.
        if tokio::runtime::Handle::try_current().is_ok() {
            return;
        }
        if let Ok(rt) = runtime() {
            let h = &self.handle;
            let _ = rt.block_on(async {
                tokio::time::timeout(
                    Duration::from_secs(2),
                    h.disconnect(russh::Disconnect::ByApplication, "", "en"),
                )
                .await
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_key_refusals_keep_their_english_and_have_japanese() {
        use crate::change::text_tests::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let what = || {
            Box::new(KeyName {
                algorithm: "ssh-ed25519".into(),
                fingerprint: "SHA256:abc".into(),
                host: "host1.example.test".into(),
                port: 22,
            })
        };
        let kh = || PathBuf::from("/root/.ssh/known_hosts");
        let all = [
            KeyRefusal::Unknown {
                what: what(),
                known_hosts: kh(),
            },
            KeyRefusal::Changed {
                what: what(),
                known_hosts: kh(),
                line: 3,
                recorded_type: "ssh-rsa".into(),
                name: "host1.example.test".into(),
            },
            KeyRefusal::Revoked {
                what: what(),
                known_hosts: kh(),
                line: 4,
            },
            KeyRefusal::KnownHosts(KnownHostsError::Io {
                path: kh(),
                source: std::io::Error::from_raw_os_error(13),
            }),
            KeyRefusal::KnownHosts(KnownHostsError::Encode {
                reason: "encoding error".into(),
            }),
        ];
        for r in &all {
            assert_eq!(strict(&en, &r.text()), r.to_string());
            assert!(japanese(&strict(&ja, &r.text())), "{r:?}");
        }
        assert_eq!(
            all[0].to_string(),
            "ssh-ed25519 key SHA256:abc of host1.example.test (port 22) is not in /root/.ssh/known_hosts; refusing to connect (verify the fingerprint on the host with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub`, then rerun with --accept-new-host-key to record it)"
        );
    }

    #[test]
    fn globs_like_openssh() {
        assert!(glob(b"*.example.test", b"host1.example.test"));
        assert!(glob(b"host?.example.test", b"host1.example.test"));
        assert!(!glob(b"host?.example.test", b"host10.example.test"));
        assert!(hosts_match("a,!b*,c", "a"));
        assert!(!hosts_match("*,!bad", "bad"));
        assert_eq!(known_hosts_name("h", 22), "h");
        assert_eq!(known_hosts_name("127.0.0.1", 2222), "[127.0.0.1]:2222");
    }

    #[test]
    fn hashed_entries_match() {
        // `ssh-keygen -H` of "[127.0.0.1]:2222" with a fixed salt, recomputed here.
        use base64::Engine as _;
        let salt = [7u8; 20];
        let key = openssl::pkey::PKey::hmac(&salt).unwrap();
        let mut s = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha1(), &key).unwrap();
        let mac = s.sign_oneshot_to_vec(b"[127.0.0.1]:2222").unwrap();
        let b = base64::engine::general_purpose::STANDARD;
        let entry = format!("|1|{}|{}", b.encode(salt), b.encode(mac));
        assert!(hosts_match(&entry, "[127.0.0.1]:2222"));
        assert!(!hosts_match(&entry, "[127.0.0.1]:2223"));
    }
}
