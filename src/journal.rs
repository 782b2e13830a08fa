//! The change trail in the systemd journal: every change command (`conf`, `resign`, `renew`,
//! `rollback`, `hosts recover`, `hosts enroll`, `maintenance on|off|restart`) leaves one
//! structured record when it finishes, and the long ones one more when their work starts, so
//! security and change management see who changed what in the PKI (`journalctl
//! SYSLOG_IDENTIFIER=rhv-pki`, or `journalctl MESSAGE_ID=…`) without parsing output.
//!
//! Why its own encoder: the journal's native protocol (one `AF_UNIX` datagram of `KEY=VALUE\n`
//! lines, or `KEY\n` + 64-bit little-endian length + bytes + `\n` for a value with a newline;
//! <https://systemd.io/JOURNAL_NATIVE_PROTOCOL/>) is a few lines, and every maintained crate
//! that speaks it (systemd-journal-logger 2.2, tracing-journald 0.3, libsystemd 0.7) hard-codes
//! `/run/systemd/journal/socket`, so none could be pointed at the socket a test binds. The
//! binary passes the path down ([`Journal::at`]; the library reads no environment).
//!
//! Never a secret: a record is built only from names, serials, signature algorithms, backup
//! ids, unit and host names and the command's error text (which never carries a password or
//! key material either). A missing journal (no socket, nobody listening) is not an error the
//! command shows: [`Trail`] drops the record silently.
//!
//! This module depends on nothing else in the crate (a leaf, like [`crate::sys`]): the binary
//! turns plans and reports of `change`, `manager` and `hosts` into [`Record`] fields.

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where systemd-journald listens for native-protocol datagrams.
pub(crate) const DEFAULT_SOCKET: &str = "/run/systemd/journal/socket";

/// `SYSLOG_IDENTIFIER` of every record.
pub(crate) const IDENTIFIER: &str = "rhv-pki";

/// `MESSAGE_ID` of a record written when a change command finishes (fixed, for
/// `journalctl MESSAGE_ID=…` and catalog entries).
pub(crate) const MESSAGE_ID_FINISHED: &str = "6f1d1b0c3a5e4f4f9a1e2c7b8d0e5a31";
/// `MESSAGE_ID` of a record written when a long change command starts its work.
pub(crate) const MESSAGE_ID_STARTED: &str = "0b8e3f2a9c6d4e1fa7b5c3d2e1f09a84";

/// Why a record did not reach the journal.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// No socket to send to (not created, or nobody listens): there is no journal here.
    #[error("{}: no journal listening: {source}", socket.display())]
    Unavailable {
        /// The socket path tried.
        socket: PathBuf,
        /// What `sendto` said (`ENOENT`, `ECONNREFUSED`, `EACCES`).
        source: std::io::Error,
    },
    /// The journal refused or could not take the datagram.
    #[error("{}: sending the record: {source}", socket.display())]
    Send {
        /// The socket path tried.
        socket: PathBuf,
        /// What the socket said.
        source: std::io::Error,
    },
}

/// One certificate a change re-issued: its serial and signature algorithm before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertChange {
    /// `ca`, `engine`, `apache`, … or `host:<name>`.
    pub name: String,
    /// Hex serial before the change; empty when not known.
    pub old_serial: String,
    /// Hex serial after the change (a CA keeps its own).
    pub new_serial: String,
    /// Empty when not known (a host certificate the Manager issued).
    pub old_signature: String,
    /// Empty when not known.
    pub new_signature: String,
}

impl CertChange {
    /// `engine 1001 -> 1008 sha1WithRSAEncryption -> sha256WithRSAEncryption` (the signature
    /// part only when known; `-` for a serial not known).
    pub(crate) fn line(&self) -> String {
        let or_dash = |s: &str| {
            if s.is_empty() {
                "-".to_string()
            } else {
                s.to_string()
            }
        };
        let mut s = format!(
            "{} {} -> {}",
            self.name,
            or_dash(&self.old_serial),
            or_dash(&self.new_serial)
        );
        if !self.old_signature.is_empty() || !self.new_signature.is_empty() {
            s.push_str(&format!(
                " {} -> {}",
                or_dash(&self.old_signature),
                or_dash(&self.new_signature)
            ));
        }
        s
    }
}

/// How a change command ended, from its exit status (the codes every change command shares:
/// 0 done, 1 failed, 2 refused, 3 usage error, 4 and above: changed but not finished).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: done (or nothing to do).
    Success,
    /// 1: a step failed (a change rolled back; a host failed).
    Failed,
    /// 2: refused before changing anything (not confirmed, a check refused).
    Refused,
    /// 3: usage error (no such backup, bad arguments).
    UsageError,
    /// 4 and above: changed but not finished (cycle failed, restart-needed, a signal).
    Incomplete,
}

impl Outcome {
    /// The outcome an exit status stands for.
    pub fn from_exit(code: u8) -> Outcome {
        match code {
            0 => Outcome::Success,
            1 => Outcome::Failed,
            2 => Outcome::Refused,
            3 => Outcome::UsageError,
            _ => Outcome::Incomplete,
        }
    }

    /// `RHV_PKI_RESULT`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failed => "failed",
            Outcome::Refused => "refused",
            Outcome::UsageError => "usage-error",
            Outcome::Incomplete => "incomplete",
        }
    }

    /// syslog `PRIORITY`: a change done is a notice (5); refused or mistyped, a warning (4);
    /// failed or left unfinished, an error (3).
    pub(crate) fn priority(self) -> u8 {
        match self {
            Outcome::Success => 5,
            Outcome::Refused | Outcome::UsageError => 4,
            Outcome::Failed | Outcome::Incomplete => 3,
        }
    }
}

/// What one change command did, filled in as it goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// `resign`, `hosts enroll`, `maintenance on`, …
    pub(crate) command: String,
    /// A `--dry-run`: recorded (PRIORITY info), marked `RHV_PKI_DRY_RUN=1`; nothing changed.
    pub(crate) dry_run: bool,
    /// The PKI directory the command acted on.
    pub pki_dir: Option<String>,
    /// The backup this change made (`conf`, `resign`, `renew`, `hosts recover`), or the one a
    /// `rollback` restores from.
    pub backup_id: Option<String>,
    /// `rollback`: the backup of the state before the rollback.
    pub safety_backup_id: Option<String>,
    /// The certificates changed (or planned, on a refused or failed run).
    pub certs: Vec<CertChange>,
    /// The units a cycle restarted (`hosts recover`: `HOST:unit`).
    pub units_restarted: Vec<String>,
    /// The hosts acted on.
    pub hosts: Vec<String>,
}

fn put(buf: &mut Vec<u8>, name: &str, value: &str) {
    debug_assert!(valid_name(name), "{name}");
    buf.extend_from_slice(name.as_bytes());
    if value.contains('\n') {
        // The binary form: a value with a newline cannot be a `KEY=VALUE` line.
        buf.push(b'\n');
        buf.extend_from_slice(&(value.len() as u64).to_le_bytes());
        buf.extend_from_slice(value.as_bytes());
    } else {
        buf.push(b'=');
        buf.extend_from_slice(value.as_bytes());
    }
    buf.push(b'\n');
}

/// A journal field name: `A-Z`, `0-9`, `_`, not starting with `_` or a digit, at most 64.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// The phase a datagram reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// The long part of the command starts (after confirmation).
    Started,
    /// Finished with this exit status.
    Finished(u8),
}

impl Record {
    /// An empty record for `command` (`resign`, `hosts enroll`, …).
    pub fn new(command: &str, dry_run: bool) -> Record {
        Record {
            command: command.to_string(),
            dry_run,
            ..Default::default()
        }
    }

    /// The journal `MESSAGE`: one line an admin reads in `journalctl`.
    pub(crate) fn message(&self, phase: Phase, error: Option<&str>) -> String {
        let cmd = format!(
            "rhv-pki {}{}",
            self.command,
            if self.dry_run { " --dry-run" } else { "" }
        );
        let mut s = match phase {
            Phase::Started => format!("{cmd}: started"),
            Phase::Finished(code) => {
                format!("{cmd}: {} (exit {code})", Outcome::from_exit(code).as_str())
            }
        };
        if let Some(d) = &self.pki_dir {
            s.push_str(&format!(" on {d}"));
        }
        let mut parts = Vec::new();
        if !self.certs.is_empty() {
            parts.push(format!(
                "{} certificate(s){}",
                self.certs.len(),
                if self.dry_run || phase == Phase::Started {
                    " planned"
                } else {
                    ""
                }
            ));
        }
        if let Some(b) = &self.backup_id {
            parts.push(format!("backup {b}"));
        }
        if !self.units_restarted.is_empty() {
            parts.push(format!("restarted {}", self.units_restarted.join(" ")));
        }
        if !self.hosts.is_empty() {
            parts.push(format!("{} host(s)", self.hosts.len()));
        }
        if !parts.is_empty() {
            s.push_str(": ");
            s.push_str(&parts.join(", "));
        }
        if let Some(e) = error {
            s.push_str(": ");
            s.push_str(&e.replace(['\n', '\r'], " "));
        }
        s
    }

    /// The native-protocol datagram for `phase`; `lists: false` leaves out the per-item fields
    /// (certificates, units, hosts) and says so in `RHV_PKI_TRUNCATED=1`.
    pub(crate) fn encode(&self, phase: Phase, error: Option<&str>, lists: bool) -> Vec<u8> {
        let mut b = Vec::with_capacity(512);
        let (priority, message_id, phase_name) = match phase {
            Phase::Started => (6, MESSAGE_ID_STARTED, "started"),
            Phase::Finished(code) => (
                if self.dry_run && code == 0 {
                    6
                } else {
                    Outcome::from_exit(code).priority()
                },
                MESSAGE_ID_FINISHED,
                "finished",
            ),
        };
        put(&mut b, "MESSAGE", &self.message(phase, error));
        put(&mut b, "MESSAGE_ID", message_id);
        put(&mut b, "PRIORITY", &priority.to_string());
        put(&mut b, "SYSLOG_IDENTIFIER", IDENTIFIER);
        put(&mut b, "RHV_PKI_COMMAND", &self.command);
        put(&mut b, "RHV_PKI_PHASE", phase_name);
        put(
            &mut b,
            "RHV_PKI_DRY_RUN",
            if self.dry_run { "1" } else { "0" },
        );
        if let Some(d) = &self.pki_dir {
            put(&mut b, "RHV_PKI_PKI_DIR", d);
        }
        if let Some(id) = &self.backup_id {
            put(&mut b, "RHV_PKI_BACKUP_ID", id);
        }
        if let Some(id) = &self.safety_backup_id {
            put(&mut b, "RHV_PKI_SAFETY_BACKUP_ID", id);
        }
        if lists {
            if !self.certs.is_empty() {
                let lines: Vec<String> = self.certs.iter().map(CertChange::line).collect();
                put(&mut b, "RHV_PKI_CERTS", &lines.join("\n"));
            }
            if !self.units_restarted.is_empty() {
                put(
                    &mut b,
                    "RHV_PKI_UNITS_RESTARTED",
                    &self.units_restarted.join(" "),
                );
            }
            if !self.hosts.is_empty() {
                put(&mut b, "RHV_PKI_HOSTS", &self.hosts.join(" "));
            }
        } else {
            put(&mut b, "RHV_PKI_TRUNCATED", "1");
        }
        if let Phase::Finished(code) = phase {
            put(&mut b, "RHV_PKI_RESULT", Outcome::from_exit(code).as_str());
            put(&mut b, "RHV_PKI_EXIT_STATUS", &code.to_string());
        }
        if let Some(e) = error {
            put(&mut b, "RHV_PKI_ERROR", e);
        }
        b
    }
}

/// A journal socket to send records to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    socket: PathBuf,
}

impl Journal {
    /// The system journal (`/run/systemd/journal/socket`).
    pub fn system() -> Journal {
        Journal::at(Path::new(DEFAULT_SOCKET))
    }

    /// A journal (or a test's stand-in) listening on `socket`.
    pub fn at(socket: &Path) -> Journal {
        Journal {
            socket: socket.to_path_buf(),
        }
    }

    /// Sends one datagram.
    pub fn send_raw(&self, payload: &[u8]) -> Result<(), JournalError> {
        let sock = UnixDatagram::unbound().map_err(|source| JournalError::Send {
            socket: self.socket.clone(),
            source,
        })?;
        sock.send_to(payload, &self.socket)
            .map(|_| ())
            .map_err(|source| {
                let socket = self.socket.clone();
                use std::io::ErrorKind as K;
                match source.kind() {
                    K::NotFound | K::ConnectionRefused | K::PermissionDenied => {
                        JournalError::Unavailable { socket, source }
                    }
                    _ => JournalError::Send { socket, source },
                }
            })
    }

    /// Sends `record` for `phase`; a datagram too large for the socket (thousands of hosts)
    /// goes again without its lists, marked `RHV_PKI_TRUNCATED=1`.
    pub(crate) fn send(
        &self,
        record: &Record,
        phase: Phase,
        error: Option<&str>,
    ) -> Result<(), JournalError> {
        match self.send_raw(&record.encode(phase, error, true)) {
            Err(JournalError::Send { source, .. })
                if source.raw_os_error() == Some(libc::EMSGSIZE) =>
            {
                self.send_raw(&record.encode(phase, error, false))
            }
            r => r,
        }
    }
}

/// The trail of the one command this process runs: the binary [`begin`](Trail::begin)s it,
/// the command [`note`](Trail::note)s what it did, says when its long part
/// [`started`](Trail::started), and the binary [`finish`](Trail::finish)es it with the exit
/// status. A process-wide value (the binary holds it in a `static`) so that a command adds a
/// fact in one line where it learns it, without threading a handle through every function.
/// Nothing is sent when no trail was begun; a send that fails is dropped: the journal is a
/// witness, never a reason for a change command to fail.
#[derive(Debug)]
pub struct Trail {
    current: Mutex<Option<(Journal, Record)>>,
}

impl Default for Trail {
    fn default() -> Self {
        Trail::new()
    }
}

impl Trail {
    /// No command recorded yet.
    pub const fn new() -> Trail {
        Trail {
            current: Mutex::new(None),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Option<(Journal, Record)>) -> T) -> T {
        let mut g = self.current.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut g)
    }

    /// Starts recording `record` for `journal`.
    pub fn begin(&self, journal: Journal, record: Record) {
        self.with(|c| *c = Some((journal, record)));
    }

    /// Adds what the command learned (a no-op when no trail was begun).
    pub fn note(&self, f: impl FnOnce(&mut Record)) {
        self.with(|c| {
            if let Some((_, r)) = c.as_mut() {
                f(r)
            }
        });
    }

    /// The long part of the command starts now (after confirmation): one record.
    pub fn started(&self) {
        if let Some((j, r)) = self.with(|c| c.clone()) {
            let _ = j.send(&r, Phase::Started, None);
        }
    }

    /// The command ended with `exit` (and `error`, if it failed with one): the final record.
    /// Returns what was sent, for tests; the trail is empty afterwards.
    pub fn finish(&self, exit: u8, error: Option<&str>) -> Option<Result<(), JournalError>> {
        let (j, r) = self.with(|c| c.take())?;
        Some(j.send(&r, Phase::Finished(exit), error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(d: &[u8]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < d.len() {
            let nl = d[i..].iter().position(|&b| b == b'\n').unwrap() + i;
            let line = &d[i..nl];
            if let Some(eq) = line.iter().position(|&b| b == b'=') {
                out.push((
                    String::from_utf8(line[..eq].to_vec()).unwrap(),
                    String::from_utf8(line[eq + 1..].to_vec()).unwrap(),
                ));
                i = nl + 1;
            } else {
                let n = u64::from_le_bytes(d[nl + 1..nl + 9].try_into().unwrap()) as usize;
                let v = &d[nl + 9..nl + 9 + n];
                assert_eq!(d[nl + 9 + n], b'\n');
                out.push((
                    String::from_utf8(line.to_vec()).unwrap(),
                    String::from_utf8(v.to_vec()).unwrap(),
                ));
                i = nl + 10 + n;
            }
        }
        out
    }

    fn get<'a>(f: &'a [(String, String)], k: &str) -> Option<&'a str> {
        f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }

    fn sample() -> Record {
        let mut r = Record::new("resign", false);
        r.backup_id = Some("20261101000000-1".into());
        r.certs = vec![
            CertChange {
                name: "engine".into(),
                old_serial: "1001".into(),
                new_serial: "1008".into(),
                old_signature: "sha1WithRSAEncryption".into(),
                new_signature: "sha256WithRSAEncryption".into(),
            },
            CertChange {
                name: "apache".into(),
                old_serial: "1002".into(),
                new_serial: "1009".into(),
                old_signature: "sha1WithRSAEncryption".into(),
                new_signature: "sha256WithRSAEncryption".into(),
            },
        ];
        r.units_restarted = vec!["httpd".into(), "ovirt-engine".into()];
        r
    }

    #[test]
    fn encodes_lines_and_the_binary_form() {
        let d = sample().encode(Phase::Finished(0), None, true);
        let f = fields(&d);
        assert_eq!(get(&f, "SYSLOG_IDENTIFIER"), Some("rhv-pki"));
        assert_eq!(get(&f, "PRIORITY"), Some("5"));
        assert_eq!(get(&f, "RHV_PKI_RESULT"), Some("success"));
        assert_eq!(get(&f, "RHV_PKI_EXIT_STATUS"), Some("0"));
        assert_eq!(
            get(&f, "RHV_PKI_CERTS"),
            Some("engine 1001 -> 1008 sha1WithRSAEncryption -> sha256WithRSAEncryption\napache 1002 -> 1009 sha1WithRSAEncryption -> sha256WithRSAEncryption")
        );
        // The multi-line value went in the length-prefixed form, not as a line.
        let pos = d
            .windows(b"RHV_PKI_CERTS\n".len())
            .position(|w| w == b"RHV_PKI_CERTS\n")
            .unwrap();
        let len = u64::from_le_bytes(d[pos + 14..pos + 22].try_into().unwrap());
        assert_eq!(len as usize, get(&f, "RHV_PKI_CERTS").unwrap().len());
        assert_eq!(
            get(&f, "RHV_PKI_UNITS_RESTARTED"),
            Some("httpd ovirt-engine")
        );
        assert!(get(&f, "MESSAGE")
            .unwrap()
            .contains("backup 20261101000000-1"));
        assert!(f.iter().all(|(k, _)| valid_name(k)), "{f:?}");
    }

    #[test]
    fn priority_and_result_follow_the_exit_status() {
        for (code, result, prio) in [
            (0, "success", "5"),
            (1, "failed", "3"),
            (2, "refused", "4"),
            (3, "usage-error", "4"),
            (4, "incomplete", "3"),
            (130, "incomplete", "3"),
        ] {
            let f = fields(&sample().encode(Phase::Finished(code), Some("why\nnot"), true));
            assert_eq!(get(&f, "RHV_PKI_RESULT"), Some(result));
            assert_eq!(get(&f, "PRIORITY"), Some(prio), "{code}");
            assert_eq!(get(&f, "RHV_PKI_ERROR"), Some("why\nnot"));
            assert!(!get(&f, "MESSAGE").unwrap().contains('\n'));
        }
        let mut dry = sample();
        dry.dry_run = true;
        let f = fields(&dry.encode(Phase::Finished(0), None, true));
        assert_eq!(get(&f, "PRIORITY"), Some("6"));
        assert_eq!(get(&f, "RHV_PKI_DRY_RUN"), Some("1"));
        let f = fields(&sample().encode(Phase::Started, None, true));
        assert_eq!(get(&f, "RHV_PKI_PHASE"), Some("started"));
        assert_eq!(get(&f, "RHV_PKI_RESULT"), None);
        assert_eq!(get(&f, "MESSAGE_ID"), Some(MESSAGE_ID_STARTED));
    }

    #[test]
    fn field_names() {
        assert!(valid_name("RHV_PKI_CERTS"));
        assert!(!valid_name("_PID"));
        assert!(!valid_name("1X"));
        assert!(!valid_name("lower"));
        assert!(!valid_name(&"A".repeat(65)));
    }

    #[test]
    fn no_socket_is_unavailable_and_a_trail_without_begin_sends_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::at(&dir.path().join("none"));
        assert!(matches!(
            j.send(&sample(), Phase::Started, None),
            Err(JournalError::Unavailable { .. })
        ));
        let t = Trail::new();
        t.note(|r| r.hosts.push("h".into()));
        assert!(t.finish(0, None).is_none());
        t.begin(j, sample());
        assert!(matches!(
            t.finish(0, None),
            Some(Err(JournalError::Unavailable { .. }))
        ));
    }

    #[test]
    fn an_oversized_record_goes_again_without_its_lists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sock");
        let rx = UnixDatagram::bind(&path).unwrap();
        let mut r = sample();
        // Far beyond any socket's send buffer.
        r.hosts = (0..200_000)
            .map(|i| format!("host{i}.example.test"))
            .collect();
        Journal::at(&path)
            .send(&r, Phase::Finished(0), None)
            .unwrap();
        let mut buf = vec![0u8; 1 << 16];
        let n = rx.recv(&mut buf).unwrap();
        let f = fields(&buf[..n]);
        assert_eq!(get(&f, "RHV_PKI_TRUNCATED"), Some("1"));
        assert_eq!(get(&f, "RHV_PKI_HOSTS"), None);
        assert_eq!(get(&f, "RHV_PKI_BACKUP_ID"), Some("20261101000000-1"));
        assert_eq!(get(&f, "RHV_PKI_RESULT"), Some("success"));
    }
}
