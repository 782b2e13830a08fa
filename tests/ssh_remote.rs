//! SshTarget against a real private sshd: known_hosts refusal and opt-in, changed keys,
//! hashed entries, authentication failure, timeouts, and exec/read/replace keeping modes.

#[path = "common/sshd.rs"]
mod sshd;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use rhv_pki::net::remote::{RemoteError, Target};
use rhv_pki::net::ssh::{SshOptions, SshTarget};
use sshd::{Sshd, SshdOptions};

fn opts(s: &Sshd, known_hosts: &Path) -> SshOptions {
    SshOptions {
        user: "root".into(),
        identity: Some(s.client_key.clone()),
        known_hosts: known_hosts.to_path_buf(),
        accept_new_host_key: false,
        connect_timeout: Duration::from_secs(10),
        command_timeout: Duration::from_secs(30),
        ssh_dir: known_hosts.parent().unwrap().to_path_buf(),
        agent_socket: None,
    }
}

fn connect(s: &Sshd, o: &SshOptions) -> Result<SshTarget, RemoteError> {
    SshTarget::connect("host1.example.test", "127.0.0.1", s.port, o, None)
}

/// `ssh-keygen -l` fingerprint of the server's host key (the independent judge).
fn fingerprint(s: &Sshd) -> String {
    let out = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(format!("{}.pub", s.host_key.display()))
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string()
}

#[test]
fn unknown_host_key_is_refused_naming_host_port_type_and_fingerprint() {
    let s = Sshd::start();
    let kh = s.dir.path().join("kh-empty");
    let err = connect(&s, &opts(&s, &kh)).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, RemoteError::HostKey { .. }), "{msg}");
    assert!(msg.contains("ssh-ed25519"), "{msg}");
    assert!(msg.contains(&fingerprint(&s)), "{msg}");
    assert!(msg.contains(&format!("port {}", s.port)), "{msg}");
    assert!(msg.contains("127.0.0.1"), "{msg}");
    assert!(msg.contains("--accept-new-host-key"), "{msg}");
    assert!(!kh.exists(), "refusal must not create known_hosts");
}

#[test]
fn accept_new_records_bracketed_entry_then_plain_check_passes() {
    let s = Sshd::start();
    let kh = s.dir.path().join("kh");
    std::fs::write(&kh, "# a comment\nother.example.test ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA6rWI3G1sz07DnfFlrouTcysQlj2P+jpNSOEWD9OJ3X").unwrap();
    let mut o = opts(&s, &kh);
    o.accept_new_host_key = true;
    let t = connect(&s, &o).unwrap();
    assert_eq!(t.exec(&["true"], None).unwrap().status, Some(0));
    drop(t);
    let text = std::fs::read_to_string(&kh).unwrap();
    assert!(
        text.contains(&format!("\n[127.0.0.1]:{} {}", s.port, s.host_key_pub())),
        "{text}"
    );
    // OpenSSH's own tool finds the recorded key under [host]:port.
    let out = Command::new("ssh-keygen")
        .args(["-F", &format!("[127.0.0.1]:{}", s.port), "-f"])
        .arg(&kh)
        .output()
        .unwrap();
    assert!(out.status.success(), "ssh-keygen -F did not find the entry");
    // Without the opt-in it is now simply known.
    let t = connect(&s, &opts(&s, &kh)).unwrap();
    assert_eq!(t.exec(&["true"], None).unwrap().status, Some(0));
    assert_eq!(
        std::fs::read_to_string(&kh).unwrap(),
        text,
        "nothing recorded twice"
    );
}

#[test]
fn wrong_recorded_key_is_refused_even_with_opt_in() {
    let s = Sshd::start();
    let other = s.dir.path().join("other_key");
    sshd::keygen(&other, "ed25519");
    let pubk = std::fs::read_to_string(format!("{}.pub", other.display())).unwrap();
    let mut f = pubk.split_whitespace();
    let kh = s.dir.path().join("kh");
    let line = format!(
        "[127.0.0.1]:{} {} {}\n",
        s.port,
        f.next().unwrap(),
        f.next().unwrap()
    );
    std::fs::write(&kh, &line).unwrap();
    let mut o = opts(&s, &kh);
    o.accept_new_host_key = true;
    let err = connect(&s, &o).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, RemoteError::HostKey { .. }), "{msg}");
    assert!(msg.contains("does NOT match"), "{msg}");
    assert!(msg.contains("line 1"), "{msg}");
    assert!(msg.contains(&fingerprint(&s)), "{msg}");
    assert_eq!(
        std::fs::read_to_string(&kh).unwrap(),
        line,
        "known_hosts untouched"
    );
}

#[test]
fn changed_key_of_a_reinstalled_host_is_refused_even_with_opt_in() {
    let first = Sshd::start();
    let port = first.port;
    let kh_dir = tempfile::tempdir().unwrap();
    let kh = kh_dir.path().join("known_hosts");
    let mut o = opts(&first, &kh);
    o.accept_new_host_key = true;
    connect(&first, &o).unwrap();
    let recorded = std::fs::read_to_string(&kh).unwrap();
    drop(first);
    // Same address and port, new host key ("reinstalled").
    let second = Sshd::start_with(SshdOptions {
        port: Some(port),
        ..Default::default()
    });
    let mut o = opts(&second, &kh);
    o.accept_new_host_key = true;
    let err = connect(&second, &o).unwrap_err();
    assert!(
        matches!(err, RemoteError::HostKey { .. }) && err.to_string().contains("changed"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&kh).unwrap(), recorded);
}

#[test]
fn hashed_known_hosts_entries_are_honoured() {
    let s = Sshd::start();
    let kh = s.known_hosts();
    let st = Command::new("ssh-keygen")
        .arg("-q")
        .arg("-H")
        .arg("-f")
        .arg(&kh)
        .status()
        .unwrap();
    assert!(st.success());
    let text = std::fs::read_to_string(&kh).unwrap();
    assert!(text.starts_with("|1|"), "not hashed: {text}");
    let t = connect(&s, &opts(&s, &kh)).unwrap();
    assert_eq!(t.exec(&["true"], None).unwrap().status, Some(0));
}

#[test]
fn wrong_client_key_is_an_authentication_error() {
    let s = Sshd::start();
    let kh = s.known_hosts();
    let stranger = s.dir.path().join("stranger");
    sshd::keygen(&stranger, "ed25519");
    let mut o = opts(&s, &kh);
    o.identity = Some(stranger);
    let err = connect(&s, &o).unwrap_err();
    assert!(matches!(err, RemoteError::Auth { .. }), "{err}");
}

#[test]
fn unreachable_port_is_a_connection_error() {
    let s = Sshd::start();
    let kh = s.known_hosts();
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = l.local_addr().unwrap().port();
    drop(l);
    let err = SshTarget::connect("h", "127.0.0.1", dead, &opts(&s, &kh), None).unwrap_err();
    assert!(matches!(err, RemoteError::Connect { .. }), "{err}");
}

#[test]
fn exec_read_replace_keep_mode_owner_and_refuse_symlinks() {
    let s = Sshd::start();
    let kh = s.known_hosts();
    let root = tempfile::tempdir().unwrap();
    let t = SshTarget::connect(
        "host1.example.test",
        "127.0.0.1",
        s.port,
        &opts(&s, &kh),
        Some(root.path().to_path_buf()),
    )
    .unwrap();
    // exec: argv quoting, stdin, exit status, stderr.
    let out = t
        .exec(
            &[
                "sh",
                "-c",
                "cat; echo \"$1\" >&2; exit 7",
                "sh",
                "it's $HOME",
            ],
            Some(b"in\n"),
        )
        .unwrap();
    assert_eq!(out.status, Some(7));
    assert_eq!(out.stdout, b"in\n");
    assert_eq!(out.stderr, b"it's $HOME\n");
    assert!(t.run_ok(&["false"], None).is_err());
    // Files under the prefix.
    let dir = root.path().join("etc/pki/vdsm/keys");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("vdsmkey.pem");
    std::fs::write(&f, b"old").unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o440)).unwrap();
    std::os::unix::fs::chown(&f, Some(1234), Some(5678)).unwrap();
    let host = Path::new("/etc/pki/vdsm/keys/vdsmkey.pem");
    assert_eq!(t.host_path(host), f);
    assert_eq!(t.read_file(host).unwrap().unwrap(), b"old");
    assert!(t
        .read_file(Path::new("/etc/pki/vdsm/nope"))
        .unwrap()
        .is_none());
    let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    t.replace_file(host, &big, None).unwrap();
    let m = std::fs::metadata(&f).unwrap();
    assert_eq!(m.mode() & 0o7777, 0o440);
    assert_eq!((m.uid(), m.gid()), (1234, 5678));
    assert_eq!(std::fs::read(&f).unwrap(), big);
    assert_eq!(t.read_file(host).unwrap().unwrap(), big);
    // Explicit metadata wins.
    t.replace_file(
        host,
        b"new",
        Some(rhv_pki::net::remote::FileMeta {
            mode: 0o400,
            uid: 42,
            gid: 43,
        }),
    )
    .unwrap();
    let m = std::fs::metadata(&f).unwrap();
    assert_eq!((m.mode() & 0o7777, m.uid(), m.gid()), (0o400, 42, 43));
    // No temp files left behind.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // A symlink is never replaced by a file.
    std::os::unix::fs::symlink("vdsmkey.pem", dir.join("link.pem")).unwrap();
    let err = t
        .replace_file(Path::new("/etc/pki/vdsm/keys/link.pem"), b"x", None)
        .unwrap_err();
    assert!(err.to_string().contains("symlink"), "{err}");
    assert!(std::fs::symlink_metadata(dir.join("link.pem"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn command_timeout_is_reported() {
    let s = Sshd::start();
    let kh = s.known_hosts();
    let mut o = opts(&s, &kh);
    o.command_timeout = Duration::from_millis(500);
    let t = connect(&s, &o).unwrap();
    let err = t.exec(&["sleep", "5"], None).unwrap_err();
    assert!(matches!(err, RemoteError::Timeout { .. }), "{err}");
}
