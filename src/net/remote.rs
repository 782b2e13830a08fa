//! Where commands run and files live: this machine, or a host over SSH — behind one trait so
//! the orchestration (maintenance cycle, host audit, host recovery) does not care which.
//!
//! Commands are argument vectors, never shell strings built by callers: the SSH side quotes
//! them once (`shell_quote`), the local side runs them without a shell. Secrets never go
//! into an argument vector; pass them on standard input.

use std::io::Write;
use std::ops::ControlFlow;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::exec::{poll_until, Every, Polled, SYSTEM};
use crate::i18n::Text;

/// What a command printed and how it ended.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// Exit status; `None` when killed by a signal or the channel closed without one.
    pub status: Option<i32>,
    /// Standard output, raw bytes.
    pub stdout: Vec<u8>,
    /// Standard error, raw bytes.
    pub stderr: Vec<u8>,
}

impl Output {
    pub(crate) fn success(&self) -> bool {
        self.status == Some(0)
    }
    /// The first line of stderr (or stdout), for error messages.
    pub(crate) fn brief(&self) -> String {
        let pick = if self.stderr.iter().any(|b| !b.is_ascii_whitespace()) {
            &self.stderr
        } else {
            &self.stdout
        };
        String::from_utf8_lossy(pick)
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string()
    }
}

/// Owner and mode to give a replaced file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMeta {
    /// Permission bits (`0o640`).
    pub mode: u32,
    /// Owner's numeric uid.
    pub uid: u32,
    /// Group's numeric gid.
    pub gid: u32,
}

/// A failure to reach or operate on a target.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RemoteError {
    #[error("{target}: {what}: {reason}")]
    /// Reading or writing a file failed.
    Io {
        /// The machine (`local` or `user@host`).
        target: String,
        /// The operation and path.
        what: IoOp,
        /// The error: the system's, the SSH library's or the command's words quoted, or
        /// rhv-pki's own (a catalogue message; boxed, so the error stays small).
        reason: Box<crate::i18n::Text>,
    },
    /// The program could not be started at all (typically: not installed there).
    #[error("{target}: cannot run {program}: {reason}")]
    CannotRun {
        /// The machine.
        target: String,
        /// The program that could not be started.
        program: String,
        /// Why.
        reason: String,
    },
    #[error("{target}: connection: {reason}")]
    /// No SSH connection.
    Connect {
        /// The machine (`user@host`).
        target: String,
        /// The error.
        reason: String,
    },
    #[error("{target}: host key: {reason}")]
    /// The host key is unknown or differs from known_hosts.
    HostKey {
        /// The machine (`user@host`).
        target: String,
        /// What did not match (rhv-pki's words, a catalogue message).
        reason: crate::i18n::Text,
    },
    #[error("{target}: authentication failed: {reason}")]
    /// The SSH server refused the key.
    Auth {
        /// The machine (`user@host`).
        target: String,
        /// Why: which keys were offered, or why none could be.
        reason: AuthProblem,
    },
    #[error("{target}: '{command}' timed out after {secs} s")]
    /// A command ran longer than the command timeout.
    Timeout {
        /// The machine.
        target: String,
        /// The command line.
        command: String,
        /// The timeout, seconds.
        secs: u64,
    },
    #[error("{target}: '{command}' failed (exit {status}): {brief}")]
    /// A command exited non-zero.
    Failed {
        /// The machine.
        target: String,
        /// The command line.
        command: String,
        /// Its exit status (or the signal).
        status: String,
        /// The start of its standard error.
        brief: String,
    },
}

/// The operation of a [`RemoteError::Io`]. English (the `Display`): the words rhv-pki has
/// always printed; [`IoOp::text`] says them in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IoOp {
    /// Running a command (`exec`).
    Exec,
    /// Opening an SSH session channel (`open a session channel`).
    OpenChannel,
    /// Sending a command's standard input over SSH (`send stdin`).
    SendStdin,
    /// Closing a command's standard input over SSH (`send EOF`).
    SendEof,
    /// Giving a local program its standard input (`PROG: stdin`).
    ProgramStdin(String),
    /// Waiting for a local program (`PROG: wait`).
    ProgramWait(String),
    /// Reading a file (`read PATH`).
    Read(String),
    /// Replacing a file (`replace PATH`).
    Replace(String),
    /// Reading a host's certificate files in one go (`read the host certificate set`).
    HostCertificateSet,
}

impl std::fmt::Display for IoOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().english())
    }
}

impl IoOp {
    /// The operation as a catalogue message (programs and paths as they are).
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            IoOp::Exec => Text::new("remote-op-exec"),
            IoOp::OpenChannel => Text::new("remote-op-open-channel"),
            IoOp::SendStdin => Text::new("remote-op-send-stdin"),
            IoOp::SendEof => Text::new("remote-op-send-eof"),
            IoOp::ProgramStdin(p) => Text::new("remote-op-program-stdin").arg("program", p),
            IoOp::ProgramWait(p) => Text::new("remote-op-program-wait").arg("program", p),
            IoOp::Read(p) => Text::new("remote-op-read").arg("path", p),
            IoOp::Replace(p) => Text::new("remote-op-replace").arg("path", p),
            IoOp::HostCertificateSet => Text::new("remote-op-host-certificate-set"),
        }
    }
}

/// Words quoted as they came (the SSH library's, a command's standard error).
pub(crate) fn quoted(words: impl std::fmt::Display) -> crate::i18n::Text {
    Text::verbatim(words)
}

impl RemoteError {
    /// The error as a catalogue message: rhv-pki's words in the reader's language, the
    /// machine's, the SSH library's and the command's as they came. English: the `Display`.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            RemoteError::CannotRun {
                target,
                program,
                reason,
            } => Text::new("remote-cannot-run")
                .arg("target", target)
                .arg("program", program)
                .arg("reason", reason),
            RemoteError::Connect { target, reason } => Text::new("remote-connect")
                .arg("target", target)
                .arg("reason", reason),
            RemoteError::HostKey { target, reason } => Text::new("remote-host-key")
                .arg("target", target)
                .arg_text("reason", reason.clone()),
            RemoteError::Auth { target, reason } => Text::new("remote-auth")
                .arg("target", target)
                .arg_text("reason", reason.text()),
            RemoteError::Timeout {
                target,
                command,
                secs,
            } => Text::new("remote-timeout")
                .arg("target", target)
                .arg("command", command)
                .arg("secs", secs),
            RemoteError::Failed {
                target,
                command,
                status,
                brief,
            } => Text::new("remote-failed")
                .arg("target", target)
                .arg("command", command)
                .arg_text(
                    "status",
                    if status == "signal" {
                        Text::new("remote-signal")
                    } else {
                        Text::verbatim(status)
                    },
                )
                .arg("brief", brief),
            RemoteError::Io {
                target,
                what,
                reason,
            } => Text::new("remote-io")
                .arg("target", target)
                .arg_text("what", what.text())
                .arg_text("reason", (**reason).clone()),
        }
    }
}

/// A machine we can run commands on and read/replace files of.
pub trait Target: Send + Sync {
    /// How this target is named in messages (`localhost`, `host1.example.test`).
    fn name(&self) -> &str;
    /// Runs `argv` (`argv[0]` is the program) with optional standard input.
    fn exec(&self, argv: &[&str], stdin: Option<&[u8]>) -> Result<Output, RemoteError>;
    /// Reads a file; `Ok(None)` when it does not exist.
    fn read_file(&self, path: &Path) -> Result<Option<Vec<u8>>, RemoteError>;
    /// Replaces a file atomically (temp file beside it, then rename), keeping the owner,
    /// mode and SELinux label of the file it replaces unless `meta` says otherwise.
    fn replace_file(
        &self,
        path: &Path,
        data: &[u8],
        meta: Option<FileMeta>,
    ) -> Result<(), RemoteError>;

    /// Where `path` (absolute, as on the real machine) is on this target: the same path,
    /// unless the target relocates host paths under a prefix (tests, benchmarks). Use it for
    /// paths passed to [`Target::exec`]; `read_file`/`replace_file` apply it themselves.
    fn host_path(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }

    /// Runs `argv` and turns a non-zero exit into an error quoting its output.
    fn run_ok(&self, argv: &[&str], stdin: Option<&[u8]>) -> Result<Output, RemoteError> {
        let out = self.exec(argv, stdin)?;
        if out.success() {
            Ok(out)
        } else {
            Err(RemoteError::Failed {
                target: self.name().to_string(),
                command: argv.join(" "),
                status: out
                    .status
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "signal".into()),
                brief: out.brief(),
            })
        }
    }
}

/// Atomic replacement: temp file beside the target, owner/mode/SELinux label of the file it
/// replaces (`--reference`), then the requested mode/owner, then `mv -f`.
/// `sh -c REPLACE_SCRIPT sh TARGET MODE OWNER` with the data on stdin: MODE octal or empty,
/// OWNER `uid:gid` / `user:group` or empty (keep the replaced file's). Refuses symlinks.
pub(crate) const REPLACE_SCRIPT: &str = r#"set -e
t=$1
if [ -L "$t" ]; then echo "$t is a symlink; refusing to replace it" >&2; exit 3; fi
d=$(dirname -- "$t"); b=$(basename -- "$t")
tmp="$d/.$b.rhv-pki.$$"
trap 'rm -f -- "$tmp"' EXIT
umask 077
cat > "$tmp"
if [ -e "$t" ]; then
  chown --reference="$t" -- "$tmp"
  chmod --reference="$t" -- "$tmp"
  if command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled; then chcon --reference="$t" -- "$tmp"; fi
fi
if [ -n "$2" ]; then chmod "$2" -- "$tmp"; fi
if [ -n "$3" ]; then chown "$3" -- "$tmp"; fi
sync -- "$tmp" 2>/dev/null || true
mv -f -- "$tmp" "$t"
"#;

/// Quotes one word for a POSIX shell.
pub(crate) fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,@%+".contains(&b))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A command line for a remote shell from an argument vector.
pub(crate) fn shell_line(argv: &[&str]) -> String {
    argv.iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ")
}

/// This machine. `path_prefix` lets tests put a "host" under a directory (its `/etc/pki/vdsm`
/// becomes `<prefix>/etc/pki/vdsm`); `path` is the PATH commands run with (tests put stand-in
/// `systemctl`, `hosted-engine` shims first; the caller builds it: the library never reads the
/// environment), `None` = inherited.
#[derive(Debug, Clone)]
pub struct Local {
    /// The name this machine is known as in messages (`local`).
    pub name: String,
    /// Test stand-in root: absolute paths are read and written under it; `None` on a real machine.
    pub path_prefix: Option<PathBuf>,
    /// `PATH` for the commands run; `None`: the inherited one.
    pub path: Option<std::ffi::OsString>,
    /// Longest a command may run.
    pub timeout: Duration,
}

impl Default for Local {
    fn default() -> Self {
        Local {
            name: "localhost".into(),
            path_prefix: None,
            path: None,
            timeout: Duration::from_secs(600),
        }
    }
}

impl Local {
    /// Where `path` (absolute, as on the real machine) lives here.
    pub(crate) fn resolve(&self, path: &Path) -> PathBuf {
        match &self.path_prefix {
            Some(p) => p.join(path.strip_prefix("/").unwrap_or(path)),
            None => path.to_path_buf(),
        }
    }

    fn io_err(&self, what: IoOp, reason: crate::i18n::Text) -> RemoteError {
        RemoteError::Io {
            target: self.name.clone(),
            what,
            reason: Box::new(reason),
        }
    }
}

impl Target for Local {
    fn name(&self) -> &str {
        &self.name
    }

    fn host_path(&self, path: &Path) -> PathBuf {
        self.resolve(path)
    }

    fn exec(&self, argv: &[&str], stdin: Option<&[u8]>) -> Result<Output, RemoteError> {
        let Some((prog, args)) = argv.split_first() else {
            return Err(self.io_err(IoOp::Exec, crate::i18n::Text::new("remote-empty-command")));
        };
        let mut cmd = Command::new(prog);
        cmd.args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(path) = &self.path {
            cmd.env("PATH", path);
        }
        let mut child = cmd.spawn().map_err(|e| RemoteError::CannotRun {
            target: self.name.clone(),
            program: prog.to_string(),
            reason: e.to_string(),
        })?;
        if let (Some(data), Some(mut si)) = (stdin, child.stdin.take()) {
            si.write_all(data).map_err(|e| {
                self.io_err(
                    IoOp::ProgramStdin(prog.to_string()),
                    crate::i18n::io_error(&e),
                )
            })?;
        }
        // Read both pipes on threads so a chatty command cannot dead-lock us, and enforce
        // the timeout by polling the child.
        let mut so = child.stdout.take();
        let mut se = child.stderr.take();
        let t_out = std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(s) = so.as_mut() {
                let _ = std::io::Read::read_to_end(s, &mut v);
            }
            v
        });
        let t_err = std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(s) = se.as_mut() {
                let _ = std::io::Read::read_to_end(s, &mut v);
            }
            v
        });
        let every = Every {
            interval: Duration::from_millis(5),
            timeout: self.timeout,
        };
        let waited = poll_until(&SYSTEM, every, |_| {
            Ok::<_, std::io::Error>(match child.try_wait()? {
                Some(s) => ControlFlow::Break(s),
                None => ControlFlow::Continue(()),
            })
        })
        .map_err(|e| {
            self.io_err(
                IoOp::ProgramWait(prog.to_string()),
                crate::i18n::io_error(&e),
            )
        })?;
        let status = match waited {
            Polled::Met(s) => s,
            Polled::TimedOut(()) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RemoteError::Timeout {
                    target: self.name.clone(),
                    command: argv.join(" "),
                    secs: self.timeout.as_secs(),
                });
            }
        };
        Ok(Output {
            status: status.code(),
            stdout: t_out.join().unwrap_or_default(),
            stderr: t_err.join().unwrap_or_default(),
        })
    }

    fn read_file(&self, path: &Path) -> Result<Option<Vec<u8>>, RemoteError> {
        let p = self.resolve(path);
        match std::fs::read(&p) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io_err(
                IoOp::Read(p.display().to_string()),
                crate::i18n::io_error(&e),
            )),
        }
    }

    fn replace_file(
        &self,
        path: &Path,
        data: &[u8],
        meta: Option<FileMeta>,
    ) -> Result<(), RemoteError> {
        let p = self.resolve(path);
        p.parent().ok_or_else(|| {
            self.io_err(
                IoOp::Replace(p.display().to_string()),
                crate::i18n::Text::new("remote-no-parent"),
            )
        })?;
        let existing = std::fs::metadata(&p).ok();
        let meta = meta.or_else(|| {
            existing.as_ref().map(|m| FileMeta {
                mode: m.mode() & 0o7777,
                uid: m.uid(),
                gid: m.gid(),
            })
        });
        // Temp file, owner and mode, the replaced file's SELinux label, fsync, rename.
        let opts = crate::sys::WriteOpts {
            mode: meta.map(|m| m.mode),
            owner: meta.map(|m| (m.uid, m.gid)),
            ..crate::sys::WriteOpts::mode(0o600)
        };
        crate::sys::atomic_write(&p, data, &opts).map_err(|e| {
            self.io_err(
                IoOp::Replace(p.display().to_string()),
                crate::i18n::io_error(&e.source),
            )
        })
    }
}

/// Why an SSH login failed, in rhv-pki's words around the SSH library's and the agent's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthProblem {
    /// The key file given (or found) cannot be loaded (the library's words).
    #[error("{path}: cannot load the private key ({error}); an encrypted key must be loaded into ssh-agent")]
    KeyUnloadable {
        /// The key file.
        path: String,
        /// The SSH library's words.
        error: String,
    },
    /// No key file and no usable agent key.
    #[error("no key to offer as {user} (give --ssh-key, or run an ssh-agent)")]
    NoKey {
        /// The remote user.
        user: String,
    },
    /// Every key offered was refused.
    #[error("user {user} refused with {}", tried.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    Refused {
        /// The remote user.
        user: String,
        /// What was offered, in order.
        tried: Vec<Offered>,
    },
    /// The SSH library's own words.
    #[error("{0}")]
    Said(String),
}

/// A key offered in an SSH login (or an agent that could not offer any).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Offered {
    /// A key of the agent (its fingerprint).
    #[error("agent {0}")]
    AgentKey(String),
    /// The agent at `SSH_AUTH_SOCK` could not be used (the library's words).
    #[error("agent at SSH_AUTH_SOCK unusable ({0})")]
    AgentUnusable(String),
    /// A key file.
    #[error("{0}")]
    File(String),
}

impl Offered {
    fn text(&self) -> Text {
        match self {
            Offered::AgentKey(fp) => Text::new("ssh-offered-agent-key").arg("fingerprint", fp),
            Offered::AgentUnusable(e) => Text::new("ssh-offered-agent-unusable").arg("error", e),
            Offered::File(p) => Text::verbatim(p),
        }
    }
}

impl AuthProblem {
    /// The problem as a catalogue message; English: the `Display`, byte for byte.
    pub fn text(&self) -> Text {
        match self {
            AuthProblem::KeyUnloadable { path, error } => Text::new("ssh-auth-key-unloadable")
                .arg("path", path)
                .arg("error", error),
            AuthProblem::NoKey { user } => Text::new("ssh-auth-no-key").arg("user", user),
            AuthProblem::Refused { user, tried } => {
                let list = tried
                    .iter()
                    .map(Offered::text)
                    .reduce(|first, next| {
                        Text::new("ssh-offered-list")
                            .arg_text("first", first)
                            .arg_text("next", next)
                    })
                    .unwrap_or_else(|| Text::verbatim(""));
                Text::new("ssh-auth-refused")
                    .arg("user", user)
                    .arg_text("tried", list)
            }
            AuthProblem::Said(r) => Text::verbatim(r),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn io_errors_keep_their_english_and_have_japanese() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        // A real one: reading a directory as a file.
        let dir = tempfile::tempdir().unwrap();
        let real = Local::default().read_file(dir.path()).unwrap_err();
        let os = std::fs::read(dir.path()).unwrap_err().to_string();
        let d = dir.path().display().to_string();
        assert_eq!(real.to_string(), format!("localhost: read {d}: {os}"));
        let empty = Local::default().exec(&[], None).unwrap_err();
        assert_eq!(empty.to_string(), "localhost: exec: empty command");
        let io = |what: IoOp, reason: crate::i18n::Text| RemoteError::Io {
            target: "root@host1.example.test".into(),
            what,
            reason: Box::new(reason),
        };
        let russh = "channel closed";
        let all = [
            (real, vec!["localhost", d.as_str(), os.as_str()], "read"),
            (empty, vec!["localhost"], "empty command"),
            (io(IoOp::Exec, quoted(russh)), vec![russh], "exec"),
            (
                io(IoOp::OpenChannel, quoted(russh)),
                vec![russh],
                "open a session channel",
            ),
            (
                io(IoOp::SendStdin, quoted(russh)),
                vec![russh],
                "send stdin",
            ),
            (io(IoOp::SendEof, quoted(russh)), vec![russh], "send EOF"),
            (
                io(
                    IoOp::ProgramStdin("systemctl".into()),
                    crate::i18n::io_error(&std::io::Error::from_raw_os_error(32)),
                ),
                vec!["systemctl", "Broken pipe (os error 32)"],
                ": stdin",
            ),
            (
                io(
                    IoOp::ProgramWait("systemctl".into()),
                    crate::i18n::io_error(&std::io::Error::from_raw_os_error(10)),
                ),
                vec!["systemctl"],
                ": wait",
            ),
            (
                io(
                    IoOp::Replace("/etc/pki/vdsm/certs/vdsmcert.pem".into()),
                    crate::i18n::Text::new("remote-no-parent"),
                ),
                vec!["/etc/pki/vdsm/certs/vdsmcert.pem"],
                "replace",
            ),
            (
                io(
                    IoOp::Replace("/etc/pki/vdsm/certs/vdsmcert.pem".into()),
                    quoted("mv: cannot move"),
                ),
                vec!["/etc/pki/vdsm/certs/vdsmcert.pem", "mv: cannot move"],
                "replace",
            ),
            (
                io(IoOp::HostCertificateSet, quoted("bad stat line 'x'")),
                vec!["bad stat line 'x'"],
                "read the host certificate set",
            ),
        ];
        for (e, evidence, ours) in all {
            let t = e.text();
            assert_eq!(strict(&en, &t), e.to_string(), "{e:?}");
            let j = strict(&ja, &t);
            assert!(japanese(&j), "{e:?}: {j}");
            for kept in evidence {
                assert!(j.contains(kept), "{kept} lost: {j}");
            }
            // The operation (and rhv-pki's own reasons) are no longer English.
            assert!(!j.contains(ours), "{ours:?} left in {j}");
        }
    }

    #[test]
    fn quoting_survives_a_shell() {
        let words = ["plain", "with space", "it's", "", "$(rm -rf /)", "a\"b"];
        let line = format!("printf '%s\\n' {}", shell_line(&words));
        let out = Command::new("sh").arg("-c").arg(&line).output().unwrap();
        let got: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(got, words);
    }

    #[test]
    fn local_replace_keeps_mode_and_reads_back() {
        let d = tempfile::tempdir().unwrap();
        let t = Local {
            path_prefix: Some(d.path().to_path_buf()),
            ..Local::default()
        };
        std::fs::create_dir_all(d.path().join("etc")).unwrap();
        let f = d.path().join("etc/x.pem");
        std::fs::write(&f, b"old").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o440)).unwrap();
        t.replace_file(Path::new("/etc/x.pem"), b"new", None)
            .unwrap();
        assert_eq!(
            t.read_file(Path::new("/etc/x.pem")).unwrap().unwrap(),
            b"new"
        );
        assert_eq!(std::fs::metadata(&f).unwrap().mode() & 0o7777, 0o440);
        assert!(t.read_file(Path::new("/etc/missing")).unwrap().is_none());
        let out = t.run_ok(&["sh", "-c", "echo hi; exit 0"], None).unwrap();
        assert_eq!(out.stdout, b"hi\n");
        assert!(t
            .run_ok(&["sh", "-c", "echo bad >&2; exit 4"], None)
            .is_err());
    }

    #[test]
    fn ssh_login_failures_keep_their_english_and_have_japanese() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let fp = "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        let cases: Vec<(AuthProblem, &str, Vec<&str>)> = vec![
            (
                AuthProblem::KeyUnloadable {
                    path: "/root/.ssh/id_rsa".into(),
                    error: "Could not read key".into(),
                },
                "/root/.ssh/id_rsa: cannot load the private key (Could not read key); an \
                 encrypted key must be loaded into ssh-agent",
                vec!["/root/.ssh/id_rsa", "Could not read key", "ssh-agent"],
            ),
            (
                AuthProblem::NoKey {
                    user: "root".into(),
                },
                "no key to offer as root (give --ssh-key, or run an ssh-agent)",
                vec!["root", "--ssh-key", "ssh-agent"],
            ),
            (
                AuthProblem::Refused {
                    user: "root".into(),
                    tried: vec![
                        Offered::AgentKey(fp.into()),
                        Offered::AgentUnusable("Connection refused (os error 111)".into()),
                        Offered::File("/keys/otherkey".into()),
                    ],
                },
                "user root refused with agent SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG, \
                 agent at SSH_AUTH_SOCK unusable (Connection refused (os error 111)), /keys/otherkey",
                vec![
                    "root",
                    fp,
                    "SSH_AUTH_SOCK",
                    "Connection refused (os error 111)",
                    "/keys/otherkey",
                ],
            ),
            (
                AuthProblem::Said("Disconnected".into()),
                "Disconnected",
                vec!["Disconnected"],
            ),
        ];
        for (reason, english, evidence) in cases {
            assert_eq!(reason.to_string(), english);
            let e = RemoteError::Auth {
                target: "root@h1.example".into(),
                reason: reason.clone(),
            };
            assert_eq!(strict(&en, &e.text()), e.to_string());
            assert_eq!(
                e.to_string(),
                format!("root@h1.example: authentication failed: {english}")
            );
            let j = strict(&ja, &e.text());
            assert!(japanese(&j), "{j}");
            for kept in evidence.iter().chain(&["root@h1.example"]) {
                assert!(j.contains(kept), "{kept} lost: {j}");
            }
            if !matches!(reason, AuthProblem::Said(_)) {
                for ours in ["cannot load", "no key", "refused with", "unusable", "give"] {
                    assert!(!j.contains(ours), "{ours:?} left in {j}");
                }
            }
        }
    }
}
