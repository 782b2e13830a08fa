//! `.truststore` rewritten by `resign` without a JVM, judged by Java 17's keytool and the
//! openssl CLI: JKS stays JKS (Java 8 era), PKCS#12 stays PKCS#12 with the protection it had
//! (Java 17 defaults, and Java 11's legacy RC2-40 / SHA-1 one), the re-signed CAs are the
//! trusted certificates under `cacert` / `qemu-cacert`, other entries are untouched, the
//! audit's `.truststore` findings clear, rollback restores the old bytes. Our binary runs with
//! an empty PATH: keytool is no runtime dependency.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;

fn empty_path(t: &Path) -> PathBuf {
    let d = t.join("empty-bin");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `rhv-pki ARGS --root ROOT` with an empty PATH (no keytool, no openssl CLI to fall back on).
fn rhv(root: &Path, args: &[&str]) -> Output {
    bin()
        .args(args)
        .arg("--root")
        .arg(root)
        .env("PATH", empty_path(root))
        .env_remove("RHV_PKI_P12_PASSWORD")
        .env_remove("RHV_PKI_FAULT")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// keytool (the oracle) on `store` with `password` read from a file; extra JVM options first.
fn keytool(store: &Path, password: &str, jvm: &[&str], args: &[&str]) -> String {
    let pw = store.with_extension("kt-pass");
    std::fs::write(&pw, password).unwrap();
    let out = Command::new("keytool")
        .arg("-J-Dcom.redhat.fips=false")
        .args(jvm)
        .args(args)
        .arg("-noprompt")
        .arg("-keystore")
        .arg(store)
        .arg("-storepass:file")
        .arg(&pw)
        .output()
        .expect("keytool (scripts/setup.sh installs a JRE)");
    std::fs::remove_file(&pw).unwrap();
    let s = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "keytool {args:?}: {s}");
    s
}

/// keytool's `-list -v`: the store type and (alias, entry type, SHA-256) in listed order.
fn listing(store: &Path, password: &str) -> (String, Vec<(String, String, String)>) {
    let s = keytool(store, password, &[], &["-list", "-v"]);
    let ty = s
        .lines()
        .find_map(|l| l.strip_prefix("Keystore type: "))
        .unwrap_or_default()
        .to_string();
    let mut v: Vec<(String, String, String)> = Vec::new();
    for l in s.lines().map(str::trim) {
        if let Some(a) = l.strip_prefix("Alias name: ") {
            v.push((a.to_string(), String::new(), String::new()));
        } else if let Some(t) = l.strip_prefix("Entry type: ") {
            v.last_mut().unwrap().1 = t.to_string();
        } else if let Some(f) = l.strip_prefix("SHA256: ") {
            let last = v.last_mut().unwrap();
            if last.2.is_empty() {
                last.2 = f.to_string();
            }
        }
    }
    (ty, v)
}

/// openssl's SHA-256 fingerprint of a PEM file, in keytool's notation.
fn fingerprint(pem: &Path) -> String {
    let s = openssl_text(&[
        "x509",
        "-noout",
        "-fingerprint",
        "-sha256",
        "-in",
        pem.to_str().unwrap(),
    ]);
    s.trim().split_once('=').unwrap().1.to_string()
}

/// openssl's description of a PKCS#12's protection (MAC, PBE), without the salts.
fn protection(store: &Path, password: &str) -> Vec<String> {
    let o = openssl(&[
        "pkcs12",
        "-info",
        "-legacy",
        "-nokeys",
        "-noout",
        "-in",
        store.to_str().unwrap(),
        "-passin",
        &format!("pass:{password}"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .chain(String::from_utf8_lossy(&o.stdout).lines())
        .filter(|l| l.starts_with("MAC") || l.starts_with("PKCS7"))
        .map(str::to_string)
        .collect()
}

/// The friendlyNames of a PKCS#12's bags in file order (keytool's listing is sorted).
fn bag_order(store: &Path, password: &str) -> Vec<String> {
    let o = openssl(&[
        "pkcs12",
        "-info",
        "-legacy",
        "-nokeys",
        "-in",
        store.to_str().unwrap(),
        "-passin",
        &format!("pass:{password}"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("friendlyName: "))
        .map(str::to_string)
        .collect()
}

fn truststore_codes(root: &Path) -> Vec<String> {
    let (_, doc) = audit_json(root, &[]);
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == ".truststore")
        .map(|f| format!("{} {}", f["code"], f["alias"]))
        .collect()
}

fn set_trust_password(root: &Path, password: &str) {
    let conf = root.join("etc/ovirt-engine/engine.conf.d/10-setup-pki.conf");
    let text = std::fs::read_to_string(&conf).unwrap();
    assert!(text.contains("ENGINE_PKI_TRUST_STORE_PASSWORD=\"mypass\""));
    std::fs::write(
        &conf,
        text.replace(
            "ENGINE_PKI_TRUST_STORE_PASSWORD=\"mypass\"",
            &format!("ENGINE_PKI_TRUST_STORE_PASSWORD=\"{password}\""),
        ),
    )
    .unwrap();
}

#[test]
fn jks_truststore_stays_jks_with_the_new_ca_and_its_other_entries() {
    let t = scenario("4.2-sha1");
    let p = pki(t.path());
    let store = p.join(".truststore");
    // The engine's own trust store password (not oVirt's default) and a site CA beside
    // oVirt's entry, as an admin might have added.
    let pw = "Trust-Pw-9";
    keytool(&store, "mypass", &[], &["-storepasswd", "-new", pw]);
    set_trust_password(t.path(), pw);
    keytool(
        &store,
        pw,
        &[],
        &[
            "-importcert",
            "-trustcacerts",
            "-alias",
            "site-ca",
            "-file",
            p.join("certs/engine.cer").to_str().unwrap(),
        ],
    );
    let (ty, before) = listing(&store, pw);
    assert_eq!(ty, "JKS");
    let site = before.iter().find(|e| e.0 == "site-ca").unwrap().clone();
    assert_eq!(before.len(), 2, "{before:?}");
    assert!(truststore_codes(t.path()).is_empty());
    let old_bytes = std::fs::read(&store).unwrap();

    let o = rhv(t.path(), &["resign", "--all", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("keytool"),
        "no manual keytool step: {}",
        text(&o)
    );

    let (ty, after) = listing(&store, pw);
    assert_eq!(ty, "JKS", "JKS stays JKS");
    assert_eq!(after.len(), 2, "{after:?}");
    let cacert = after.iter().find(|e| e.0 == "cacert").unwrap();
    assert_eq!(cacert.1, "trustedCertEntry");
    assert_eq!(
        cacert.2,
        fingerprint(&p.join("ca.pem")),
        "cacert is the new ca.pem"
    );
    assert_ne!(
        cacert.2,
        before.iter().find(|e| e.0 == "cacert").unwrap().2,
        "the CA was re-signed"
    );
    assert!(after.contains(&site), "site-ca untouched: {after:?}");
    // JKS version 2 with the same password (keytool above opened it with it).
    let new_bytes = std::fs::read(&store).unwrap();
    assert_eq!(&new_bytes[..8], &old_bytes[..8], "magic and version kept");
    assert!(
        truststore_codes(t.path()).is_empty(),
        "audit clean after resign"
    );

    // Rollback restores the store byte for byte.
    let o = rhv(t.path(), &["rollback", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(std::fs::read(&store).unwrap(), old_bytes);
}

#[test]
fn pkcs12_truststore_keeps_java_17_protection_order_and_other_entries() {
    let t = scenario("4.5-modern");
    let p = pki(t.path());
    let store = p.join(".truststore");
    // Without `qemu-cacert` (the audit warns) and with a site CA after `cacert`.
    keytool(&store, "mypass", &[], &["-delete", "-alias", "qemu-cacert"]);
    keytool(
        &store,
        "mypass",
        &[],
        &[
            "-importcert",
            "-trustcacerts",
            "-alias",
            "site-ca",
            "-file",
            p.join("certs/engine.cer").to_str().unwrap(),
        ],
    );
    let (_, before) = listing(&store, "mypass");
    assert_eq!(bag_order(&store, "mypass"), ["cacert", "site-ca"]);
    assert_eq!(
        truststore_codes(t.path()),
        ["\"truststore-alias-missing\" \"qemu-cacert\""]
    );
    let prot = protection(&store, "mypass");
    assert!(
        prot.iter()
            .any(|l| l.contains("AES-256-CBC, Iteration 10000")),
        "{prot:?}"
    );
    let old_bytes = std::fs::read(&store).unwrap();

    let o = rhv(t.path(), &["resign", "--all", "--force", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let (ty, after) = listing(&store, "mypass");
    assert_eq!(ty, "PKCS12", "PKCS#12 stays PKCS#12");
    assert_eq!(
        bag_order(&store, "mypass"),
        ["cacert", "site-ca", "qemu-cacert"],
        "file order kept (keytool's delete + import would move cacert last), the missing alias appended"
    );
    assert_eq!(after.len(), 3, "{after:?}");
    for (alias, pem) in [("cacert", "ca.pem"), ("qemu-cacert", "qemu-ca.pem")] {
        let e = after.iter().find(|e| e.0 == alias).unwrap();
        assert_eq!(e.1, "trustedCertEntry", "{alias}");
        assert_eq!(e.2, fingerprint(&p.join(pem)), "{alias} is the new {pem}");
    }
    let site = |v: &[(String, String, String)]| v.iter().find(|e| e.0 == "site-ca").cloned();
    assert_eq!(site(&after), site(&before), "site-ca untouched");
    assert!(site(&after).is_some());
    assert_eq!(
        protection(&store, "mypass"),
        prot,
        "same MAC, PBE and counts"
    );
    assert!(
        truststore_codes(t.path()).is_empty(),
        "audit clean after resign"
    );

    let o = rhv(t.path(), &["rollback", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(std::fs::read(&store).unwrap(), old_bytes);
}

#[test]
fn java_11_legacy_pkcs12_truststore_keeps_rc2_40_and_its_sha1_mac() {
    let t = scenario("4.5-modern");
    let p = pki(t.path());
    let store = p.join(".truststore");
    // What Java 8/11 keytool wrote before 8u301 / 11.0.12: certificates under
    // PBE-SHA1-RC2-40 (50,000 iterations), HMAC-SHA1 MAC (100,000).
    std::fs::remove_file(&store).unwrap();
    for (alias, pem) in [("cacert", "ca.pem"), ("qemu-cacert", "qemu-ca.pem")] {
        keytool(
            &store,
            "mypass",
            &["-J-Dkeystore.pkcs12.legacy"],
            &[
                "-importcert",
                "-trustcacerts",
                "-storetype",
                "PKCS12",
                "-alias",
                alias,
                "-file",
                p.join(pem).to_str().unwrap(),
            ],
        );
    }
    let prot = protection(&store, "mypass");
    assert!(
        prot.iter()
            .any(|l| l.contains("pbeWithSHA1And40BitRC2-CBC")),
        "{prot:?}"
    );
    assert!(prot.iter().any(|l| l.contains("MAC: sha1")), "{prot:?}");

    let o = rhv(t.path(), &["resign", "--all", "--force", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    assert_eq!(protection(&store, "mypass"), prot, "same legacy protection");
    let (ty, after) = listing(&store, "mypass");
    assert_eq!(ty, "PKCS12");
    assert_eq!(after.len(), 2);
    for (alias, pem) in [("cacert", "ca.pem"), ("qemu-cacert", "qemu-ca.pem")] {
        let e = after.iter().find(|e| e.0 == alias).unwrap();
        assert_eq!(
            (e.1.as_str(), e.2.as_str()),
            ("trustedCertEntry", fingerprint(&p.join(pem)).as_str()),
            "{alias}"
        );
    }
    assert!(truststore_codes(t.path()).is_empty());
}

#[test]
fn a_store_that_cannot_be_rewritten_is_refused_before_anything_changes() {
    // Wrong password in engine.conf.d: refused by the dry-run and the apply alike.
    let t = scenario("4.2-sha1");
    set_trust_password(t.path(), "not-the-password");
    let before = tree_state(t.path());
    for extra in [&["--dry-run"][..], &["--yes"][..]] {
        let o = rhv(t.path(), &[&["resign", "--all"][..], extra].concat());
        assert_ne!(o.status.code(), Some(0), "{}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(".truststore")
                && err.contains("integrity")
                && err.contains("10-setup-pki.conf"),
            "{}",
            text(&o)
        );
        assert!(!err.contains("not-the-password"), "password never printed");
        assert_eq!(tree_state(t.path()), before, "nothing changed");
    }

    // `cacert` holding a private key: keytool would delete the key; we refuse.
    let t = scenario("4.2-sha1");
    let store2 = pki(t.path()).join(".truststore");
    keytool(&store2, "mypass", &[], &["-delete", "-alias", "cacert"]);
    keytool(
        &store2,
        "mypass",
        &[],
        &[
            "-genkeypair",
            "-alias",
            "cacert",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-dname",
            "CN=not a CA",
            "-storetype",
            "JKS",
        ],
    );
    let before = tree_state(t.path());
    let o = rhv(t.path(), &["resign", "--all", "--yes"]);
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("private key"),
        "{}",
        text(&o)
    );
    assert_eq!(tree_state(t.path()), before, "nothing changed");
}
