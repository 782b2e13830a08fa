//! Hostile and odd PKI files (issue 14), through the real binary on copies of the samples:
//! symbolic links among the files a change writes, and PKCS#12 files whose iteration counts
//! would make key derivation run for minutes.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;

/// Every entry of the scenario's etc/ and of anything beside it outside the PKI dir (not
/// rhv-pki's own var/): path, kind, mode, owner, link target, then sha256 of every file.
fn state(root: &Path) -> Vec<String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg("find . -path ./var -prune -o -path ./tmp -prune -o -printf '%p %y %m %U:%G %l\\n' | sort; find . -path ./var -prune -o -type f -print0 | sort -z | xargs -0 sha256sum")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn rhv_cmd(root: &Path, args: &[&str]) -> Command {
    let mut c = bin();
    c.args(args)
        .arg("--root")
        .arg(root)
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
        .stdin(Stdio::null());
    c
}

/// Runs rhv-pki, failing the test if it has not ended within a minute (hang guard).
fn rhv(root: &Path, args: &[&str]) -> Output {
    output_within_a_minute(&mut rhv_cmd(root, args), &format!("{args:?} hung"))
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", text(o));
}

fn backups(root: &Path) -> Vec<String> {
    std::fs::read_dir(root.join("var/lib/rhv-pki/backups"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn is_link(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().mode() & 0o7777
}

/// The public key of a private key file and of a certificate, as the openssl CLI prints them.
fn pubkey_of_key(p: &Path) -> String {
    let o = openssl(&["pkey", "-in", p.to_str().unwrap(), "-pubout"]);
    assert!(o.status.success(), "openssl cannot read {}", p.display());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn pubkey_of_cert(p: &Path) -> String {
    let o = openssl(&["x509", "-in", p.to_str().unwrap(), "-noout", "-pubkey"]);
    assert!(o.status.success(), "openssl cannot read {}", p.display());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn serial(p: &Path) -> String {
    openssl_text(&["x509", "-noout", "-serial", "-in", p.to_str().unwrap()])
        .trim()
        .to_string()
}

/// `certs/apache.cer.YYYYmmddHHMMSS` copies.
fn apache_cer_copies(p: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(p.join("certs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|x| {
            x.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("apache.cer.")
        })
        .collect()
}

const LABEL: &[u8] = b"system_u:object_r:cert_t:s0\0";

fn label(p: &Path) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; 256];
    let n = rustix::fs::getxattr(p, "security.selinux", &mut buf[..]).ok()?;
    buf.truncate(n);
    Some(buf)
}

/// `keys/apache.key.nopass` and `certs/apache.cer` are links to files beside them. The
/// links stay links; their targets are replaced with their own mode, owner and SELinux
/// label (not the link's 0777), the key is the key of the new certificate, the `.TS` copy
/// of the `.cer` has the target's mode; and a rollback restores all of it byte-identical.
#[test]
fn links_inside_the_pki_are_followed_and_rolled_back() {
    let root = scenario("4.5-modern");
    let p = pki(root.path());
    let key = p.join("keys/apache.key.nopass");
    let key_real = p.join("keys/apache.key.real");
    let cer = p.join("certs/apache.cer");
    let cer_real = p.join("certs/apache-real.cer");
    std::fs::rename(&key, &key_real).unwrap();
    std::os::unix::fs::symlink("apache.key.real", &key).unwrap();
    std::fs::rename(&cer, &cer_real).unwrap();
    std::os::unix::fs::symlink("apache-real.cer", &cer).unwrap();
    std::fs::set_permissions(&key_real, std::fs::Permissions::from_mode(0o640)).unwrap();
    // SAFETY: geteuid cannot fail.
    let root_user = unsafe { libc::geteuid() } == 0;
    if root_user {
        std::os::unix::fs::chown(&key_real, Some(108), Some(109)).unwrap();
        rustix::fs::setxattr(
            &key_real,
            "security.selinux",
            LABEL,
            rustix::fs::XattrFlags::empty(),
        )
        .unwrap();
    }
    let owner = std::fs::metadata(&key_real).unwrap();
    let old_serial = serial(&cer);
    let copies_before = apache_cer_copies(&p);
    let before = state(root.path());

    let dry = rhv(root.path(), &["resign", "--all", "--dry-run"]);
    ok(&dry);
    ok(&rhv(root.path(), &["resign", "--all", "--yes"]));

    assert!(is_link(&key), "the key link was replaced by a file");
    assert_eq!(
        std::fs::read_link(&key).unwrap(),
        PathBuf::from("apache.key.real")
    );
    assert!(is_link(&cer), "the certificate link was replaced by a file");
    assert_eq!(mode(&key_real), 0o640);
    let now = std::fs::metadata(&key_real).unwrap();
    assert_eq!((now.uid(), now.gid()), (owner.uid(), owner.gid()));
    if root_user {
        assert_eq!(label(&key_real).as_deref(), Some(LABEL));
    }
    assert_eq!(mode(&cer_real), 0o644);
    assert_ne!(
        serial(&cer),
        old_serial,
        "the certificate was not re-issued"
    );
    assert_eq!(pubkey_of_key(&key), pubkey_of_cert(&cer));
    // The .TS copy of the linked .cer is the old certificate with the target's mode.
    let copies: Vec<PathBuf> = apache_cer_copies(&p)
        .into_iter()
        .filter(|x| !copies_before.contains(x))
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(!is_link(&copies[0]));
    assert_eq!(mode(&copies[0]), 0o644);
    assert_eq!(serial(&copies[0]), old_serial);
    // No write produced a file wider than 0644 anywhere in the PKI.
    let wide = Command::new("find")
        .arg(&p)
        .args(["-type", "f", "-perm", "/0133"])
        .output()
        .unwrap();
    assert!(wide.stdout.is_empty(), "{}", text(&wide));

    let ids = backups(root.path());
    assert_eq!(ids.len(), 1, "{ids:?}");
    ok(&rhv(root.path(), &["rollback", &ids[0], "--yes"]));
    assert_eq!(state(root.path()), before);
    if root_user {
        assert_eq!(label(&key_real).as_deref(), Some(LABEL));
    }
}

/// A link among the files `resign` or `conf` would write that leaves the PKI directory,
/// dangles or loops is refused by the plan — dry-run and apply alike — naming the link and
/// where it points; nothing changes on disk, not even a backup is taken.
#[test]
fn links_that_leave_dangle_or_loop_are_refused_before_anything_changes() {
    struct Case {
        link: &'static str,
        to: &'static str,
        why: &'static str,
        commands: &'static [&'static [&'static str]],
    }
    const RESIGN: &[&[&str]] = &[
        &["resign", "--all", "--dry-run"],
        &["resign", "--all", "--yes"],
    ];
    let cases = [
        Case {
            link: "keys/apache.key.nopass",
            to: "../../../../outside/apache.key",
            why: "leaves the PKI directory",
            commands: RESIGN,
        },
        Case {
            link: "certs/apache.cer",
            to: "/OUTSIDE/apache.cer",
            why: "leaves the PKI directory",
            commands: RESIGN,
        },
        Case {
            link: "certs/apache.cer",
            to: "no-such.cer",
            why: "dangling",
            commands: RESIGN,
        },
        Case {
            link: "certs/apache.cer",
            to: "apache.cer",
            why: "loops",
            commands: RESIGN,
        },
        Case {
            link: "serial.txt",
            to: "../../../outside/serial.txt",
            why: "leaves the PKI directory",
            commands: RESIGN,
        },
        Case {
            link: "openssl.conf",
            to: "../../../outside/openssl.conf",
            why: "leaves the PKI directory",
            commands: &[&["conf", "--dry-run"], &["conf", "--yes"]],
        },
    ];
    for c in cases {
        // 4.2: openssl.conf still says sha1, so `conf` has something to write.
        let root = scenario("4.2-sha1");
        let p = pki(root.path());
        let outside = root.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        let link = p.join(c.link);
        let to = c.to.replace("/OUTSIDE", &outside.to_string_lossy());
        // The outside target is a real copy of the file (except for the dangling case).
        if c.why == "leaves the PKI directory" {
            let copy = outside.join(Path::new(&to).file_name().unwrap());
            std::fs::copy(&link, &copy).unwrap();
            std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o600)).unwrap();
            let from_link = link.parent().unwrap().join(&to);
            assert_eq!(
                std::fs::canonicalize(&from_link).unwrap(),
                std::fs::canonicalize(&copy).unwrap()
            );
        }
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink(&to, &link).unwrap();
        let before = state(root.path());
        for args in c.commands {
            let o = rhv(root.path(), args);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{} {args:?}: {}",
                c.link,
                text(&o)
            );
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains(&link.display().to_string())
                    && err.contains(&format!("symbolic link to {to}"))
                    && err.contains(c.why)
                    && err.contains("nothing was changed"),
                "{} {args:?}: {err}",
                c.link
            );
            assert_eq!(state(root.path()), before, "{} {args:?}", c.link);
            assert!(backups(root.path()).is_empty(), "{} {args:?}", c.link);
        }
    }
}

/// The post-write check compares mode (and owner), not only content: a file that lands
/// with mode 0666 (`RHV_PKI_FAULT=loosen:N`, as on a file system that does not keep modes)
/// fails the change, which is rolled back byte-identical.
#[test]
fn a_file_landing_with_a_wider_mode_fails_the_change_and_rolls_back() {
    for n in [1, 4, 9] {
        let root = scenario("4.4-mixed");
        let before = state(root.path());
        let o = output_within_a_minute(
            rhv_cmd(root.path(), &["resign", "--all", "--yes"])
                .env("RHV_PKI_FAULT", format!("loosen:{n}")),
            "resign hung",
        );
        assert_eq!(o.status.code(), Some(1), "loosen:{n}: {}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("after writing: mode 0666 instead of 0") && err.contains("rolled back"),
            "loosen:{n}: {err}"
        );
        assert_eq!(state(root.path()), before, "loosen:{n}");
    }
}
