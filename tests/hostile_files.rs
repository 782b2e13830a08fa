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
    let root_user = rhv_pki::sys::effective_uid() == 0;
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

    let dry = rhv(root.path(), &["resign", "--all", "--force", "--dry-run"]);
    ok(&dry);
    assert!(
        text(&dry).contains("keys/apache.key.nopass is a symbolic link: its target keys/apache.key.real is replaced"),
        "{}",
        text(&dry)
    );
    assert_eq!(state(root.path()), before, "the dry-run changed something");
    ok(&rhv(root.path(), &["resign", "--all", "--force", "--yes"]));

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

/// A DER element: (tag, content).
fn der_parse(b: &[u8]) -> (u8, &[u8], &[u8]) {
    let tag = b[0];
    let (len, hdr) = if b[1] < 0x80 {
        (b[1] as usize, 2)
    } else {
        let n = (b[1] & 0x7f) as usize;
        let len = b[2..2 + n]
            .iter()
            .fold(0usize, |a, x| (a << 8) | *x as usize);
        (len, 2 + n)
    };
    (tag, &b[hdr..hdr + len], &b[hdr + len..])
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// `p12` with its MacData iteration INTEGER set to `count` (the MAC no longer verifies,
/// which nothing may find out: finding it out is the minutes of work).
fn with_mac_iterations(p12: &[u8], count: u32) -> Vec<u8> {
    let (tag, pfx, _) = der_parse(p12);
    assert_eq!(tag, 0x30);
    let (_, _, after_version) = der_parse(pfx);
    let version = &pfx[..pfx.len() - after_version.len()];
    let (_, _, after_auth) = der_parse(after_version);
    let auth = &after_version[..after_version.len() - after_auth.len()];
    let (tag, mac_data, _) = der_parse(after_auth);
    assert_eq!(tag, 0x30, "no MacData");
    let (_, _, after_digest) = der_parse(mac_data);
    let digest = &mac_data[..mac_data.len() - after_digest.len()];
    let (tag, salt, _) = der_parse(after_digest);
    assert_eq!(tag, 0x04);
    let mut int = count.to_be_bytes().to_vec();
    while int.len() > 1 && int[0] == 0 && int[1] & 0x80 == 0 {
        int.remove(0);
    }
    let mut md = digest.to_vec();
    md.extend(der(0x04, salt));
    md.extend(der(0x02, &int));
    let mut body = version.to_vec();
    body.extend_from_slice(auth);
    body.extend(der(0x30, &md));
    der(0x30, &body)
}

/// A genuine `openssl pkcs12 -export -iter N -nomaciter` of apache's certificate and key.
fn exported_with_pbe_iterations(p: &Path, n: u32, out: &Path) {
    let o = openssl(&[
        "pkcs12",
        "-export",
        "-in",
        p.join("certs/apache.cer").to_str().unwrap(),
        "-inkey",
        p.join("keys/apache.key.nopass").to_str().unwrap(),
        "-passout",
        "pass:mypass",
        "-iter",
        &n.to_string(),
        "-nomaciter",
        "-out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
}

/// Two key stores whose work has no sensible bound: MAC iterations 2^31-1 (DER patched)
/// and a genuine OpenSSL export with 2,000,000 PBKDF2 iterations. `audit` reports
/// `p12-iterations-excessive` (critical, the file and the count) without deriving a key —
/// it ends within the hang guard instead of after minutes — and `resign` (dry-run and
/// apply) refuses with the same count, nothing changed.
#[test]
fn p12_iteration_counts_above_the_cap_are_reported_and_refused() {
    let src = scenario("4.5-modern");
    let sp = pki(src.path());
    let fixture = std::fs::read(sp.join("keys/apache.p12")).unwrap();
    let exported = src.path().join("exported.p12");
    exported_with_pbe_iterations(&sp, 2_000_000, &exported);
    let cases: [(&str, Vec<u8>, &str, u64); 2] = [
        (
            "mac",
            with_mac_iterations(&fixture, i32::MAX as u32),
            "MAC",
            i32::MAX as u64,
        ),
        (
            "pbe",
            std::fs::read(&exported).unwrap(),
            "encryption",
            2_000_000,
        ),
    ];
    for (name, data, what, count) in cases {
        let root = scenario("4.5-modern");
        let p = pki(root.path());
        std::fs::write(p.join("keys/apache.p12"), &data).unwrap();
        // The walker reads the count the test planted.
        let fmt = rhv_pki::pki::p12format::detect(&data).unwrap();
        assert_eq!(fmt.excessive().map(|i| i.count), Some(count), "{name}");

        let mut audit = bin();
        audit
            .args(["audit", "--format", "json", "--at", AT, "--root"])
            .arg(root.path())
            .env_remove("RHV_PKI_P12_PASSWORD");
        let o = output_within_a_minute(&mut audit, &format!("{name}: audit hung on the p12"));
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {}", text(&o)));
        let f = findings(&doc, "p12-iterations-excessive", "keys/apache.p12");
        assert_eq!(f.len(), 1, "{name}: {}", codes(&doc));
        assert_eq!(f[0]["severity"], "critical", "{name}");
        assert_eq!(f[0]["count"], count, "{name}: {}", f[0]);
        let msg = f[0]["message"].as_str().unwrap_or_default();
        assert!(
            msg.contains(&count.to_string()) && msg.contains(what) && msg.contains("1000000"),
            "{name}: {}",
            f[0]
        );
        assert!(
            !has(&doc, "p12-unreadable", "keys/apache.p12"),
            "{name}: {}",
            codes(&doc)
        );
        assert_eq!(o.status.code(), Some(2), "{name}: critical: {}", text(&o));

        let before = state(root.path());
        for args in [
            &["resign", "--all", "--dry-run"][..],
            &["resign", "--all", "--yes"][..],
            &["resign", "apache", "--yes"][..],
        ] {
            let o = rhv(root.path(), args);
            assert_eq!(o.status.code(), Some(2), "{name} {args:?}: {}", text(&o));
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains(&p.join("keys/apache.p12").display().to_string())
                    && err.contains(&format!("iteration count {count} is above"))
                    && err.contains(what),
                "{name} {args:?}: {err}"
            );
            assert_eq!(state(root.path()), before, "{name} {args:?}");
            assert!(backups(root.path()).is_empty(), "{name} {args:?}");
        }
    }
}

/// Two files the plan writes that are one file through a link inside the PKI would have the
/// second write clobber the first: refused up front, naming both.
#[test]
fn two_planned_files_sharing_one_target_are_refused() {
    let root = scenario("4.5-modern");
    let p = pki(root.path());
    let old = p.join("database.txt.old");
    let _ = std::fs::remove_file(&old);
    std::os::unix::fs::symlink("database.txt", &old).unwrap();
    let before = state(root.path());
    for args in [
        &["resign", "--all", "--dry-run"][..],
        &["resign", "--all", "--yes"][..],
    ] {
        let o = rhv(root.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&p.join("database.txt").display().to_string())
                && err.contains(&old.display().to_string())
                && err.contains("same file"),
            "{args:?}: {err}"
        );
        assert_eq!(state(root.path()), before, "{args:?}");
    }
}
