//! Under FIPS-like conditions, where OpenSSL refuses MD5, RC2 or SHA-1, the audit and the
//! change commands say which file needs what is refused, and never crash or blame the password.
//!
//! Debian ships no FIPS provider (`fips.so`), so two conditions stand in for a FIPS Manager,
//! each given to the binary only (the test process keeps the system OpenSSL as it is):
//! - no legacy provider (`OPENSSL_MODULES` = an empty directory): RC2 is refused, as on a RHEL 9
//!   Manager without `openssl-libs`' legacy module or in FIPS mode;
//! - FIPS mode without a FIPS module (`OPENSSL_CONF` with `default_properties = fips=yes` and
//!   only the default provider): every algorithm fetched through OpenSSL is refused (MD5, RC2,
//!   SHA-1, 3DES, and SHA-256 and AES too); `?fips=yes` (a preference) refuses nothing.
//!
//! With OpenSSL 1.1.1 (EL8; `scripts/test-openssl111.sh`) neither applies: there are no
//! providers, RC2 is built in, and the audit is the same with or without them (checked below
//! from the version the binary reports).

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{bin, scenario, text, tree_state, AT};

/// How the binary's OpenSSL is held back.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Refusal {
    /// Nothing: the system OpenSSL as it is.
    None,
    /// `OPENSSL_MODULES` = an empty directory: no legacy provider, so no RC2.
    NoLegacy,
    /// `default_properties = fips=yes` without a FIPS provider: every fetch refused.
    FipsOnly,
    /// `default_properties = ?fips=yes`: a preference only, nothing refused.
    FipsPreferred,
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("no-modules")).unwrap();
        for (name, props) in [
            ("fips-only.cnf", "fips=yes"),
            ("fips-pref.cnf", "?fips=yes"),
        ] {
            std::fs::write(
                dir.path().join(name),
                format!(
                    "openssl_conf = openssl_init\n\n[openssl_init]\nproviders = provider_sect\nalg_section = algorithm_sect\n\n[provider_sect]\ndefault = default_sect\n\n[default_sect]\nactivate = 1\n\n[algorithm_sect]\ndefault_properties = {props}\n"
                ),
            )
            .unwrap();
        }
        Env { dir }
    }

    fn cmd(&self, refusal: Refusal, args: &[&str]) -> Command {
        let mut c = bin();
        c.args(args)
            .env_remove("OPENSSL_CONF")
            .env_remove("OPENSSL_MODULES")
            .env_remove("RHV_PKI_P12_PASSWORD")
            .env_remove("RHV_PKI_FAULT")
            .stdin(Stdio::null());
        match refusal {
            Refusal::None => {}
            Refusal::NoLegacy => {
                c.env("OPENSSL_MODULES", self.dir.path().join("no-modules"));
            }
            Refusal::FipsOnly => {
                c.env("OPENSSL_CONF", self.dir.path().join("fips-only.cnf"));
            }
            Refusal::FipsPreferred => {
                c.env("OPENSSL_CONF", self.dir.path().join("fips-pref.cnf"));
            }
        }
        c
    }

    fn audit(&self, refusal: Refusal, root: &Path) -> (Output, serde_json::Value) {
        let o = self
            .cmd(
                refusal,
                &["audit", "--format", "json", "--at", AT, "--root"],
            )
            .arg(root)
            .output()
            .unwrap();
        let doc = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{refusal:?}: not JSON ({e}): {}", text(&o)));
        no_crash(&o);
        (o, doc)
    }
}

fn no_crash(o: &Output) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !stderr.contains("panicked") && o.status.code().is_some(),
        "{}",
        text(o)
    );
}

/// (code, path, message) of every finding.
fn findings(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Whether the binary runs on OpenSSL 1.1.1 (no providers: nothing here is refused).
fn openssl_111() -> bool {
    let o = bin().arg("--version").output().unwrap();
    String::from_utf8_lossy(&o.stdout).contains("OpenSSL 1.1.1")
}

const P12S: [&str; 6] = [
    "keys/apache.p12",
    "keys/engine.p12",
    "keys/imageio-proxy.p12",
    "keys/jboss.p12",
    "keys/reports.p12",
    "keys/websocket-proxy.p12",
];

#[test]
fn audit_names_each_store_openssl_refuses_and_never_blames_the_password() {
    let env = Env::new();
    let root = scenario("4.2-sha1");
    let (o, plain) = env.audit(Refusal::None, root.path());
    let base = findings(&plain);
    assert!(
        !base
            .iter()
            .any(|f| f.0.starts_with("p12-") && f.0 != "p12-legacy-rc2"),
        "control: the sample's stores open here: {base:?}"
    );
    let base_code = o.status.code();

    for refusal in [Refusal::NoLegacy, Refusal::FipsOnly] {
        let (o, doc) = env.audit(refusal, root.path());
        let got = findings(&doc);
        if openssl_111() {
            assert_eq!(got, base, "{refusal:?}: OpenSSL 1.1.1 has no providers");
            continue;
        }
        // One finding per store, naming it and what is refused; no "wrong password".
        let refused: Vec<&(String, String, String)> = got
            .iter()
            .filter(|f| f.0 == "p12-algorithm-refused")
            .collect();
        let paths: Vec<&str> = refused.iter().map(|f| f.1.as_str()).collect();
        assert_eq!(paths, P12S, "{refusal:?}: {got:#?}");
        for f in &refused {
            assert!(f.2.contains("RC2-40"), "{refusal:?}: {f:?}");
            assert!(f.2.contains("this OpenSSL refuses"), "{f:?}");
        }
        if refusal == Refusal::FipsOnly {
            // Everything is refused: the 3DES key bags and the SHA-1 MAC are named too.
            for f in &refused {
                assert!(
                    f.2.contains("3DES") && f.2.contains("HMAC-SHA-1 (MAC)"),
                    "{f:?}"
                );
            }
        } else {
            // Only the legacy provider is missing: 3DES and SHA-1 still work.
            for f in &refused {
                assert!(!f.2.contains("3DES") && !f.2.contains("SHA-1"), "{f:?}");
            }
        }
        for code in ["p12-password-wrong", "p12-unreadable"] {
            assert!(
                !got.iter().any(|f| f.0 == code),
                "{refusal:?}: {code}: {got:#?}"
            );
        }
        // The findings about the certificates are those of the unhindered audit: signatures
        // are judged without OpenSSL (SHA-1 included), so each SHA-1 certificate is still
        // named as one.
        let certs = |v: &[(String, String, String)]| -> Vec<(String, String, String)> {
            v.iter()
                .filter(|f| !f.1.starts_with("keys/") && !f.0.starts_with("p12-"))
                .cloned()
                .collect()
        };
        assert_eq!(certs(&got), certs(&base), "{refusal:?}");
        assert_eq!(
            got.iter().filter(|f| f.0 == "sha1-signature").count(),
            8,
            "{got:#?}"
        );
        // CRITICAL (2), the audit's documented code for a critical finding.
        assert_eq!(o.status.code(), Some(2), "{refusal:?}: {}", text(&o));
        assert_eq!(doc["summary"]["exitCode"], 2);
        assert_eq!(base_code, Some(1), "control: warnings only");
        // The remedy names the re-write that makes the store readable under such a policy.
        let rec = doc["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["role"] == "engine")
            .unwrap();
        assert_eq!(
            rec["action"],
            "where OpenSSL has these algorithms: rhv-pki resign engine --p12-format modern",
            "{rec:#}"
        );
    }

    // `?fips=yes` is a preference: without a FIPS provider the default one still serves.
    let (o, doc) = env.audit(Refusal::FipsPreferred, root.path());
    assert_eq!(findings(&doc), base);
    assert_eq!(o.status.code(), base_code);
}

#[test]
fn every_other_finding_is_the_same_when_openssl_refuses_everything() {
    // Only whether a PKCS#12 opens may differ; the certificates, their MD5 / SHA-1
    // signatures, chains and the vmconsole OpenSSH certificates are judged without OpenSSL.
    let env = Env::new();
    let opens = |code: &str| {
        matches!(
            code,
            "p12-algorithm-refused" | "p12-unreadable" | "p12-password-wrong"
        )
    };
    let mut samples = 0;
    for entry in std::fs::read_dir(common::fixtures()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let root = scenario(&name);
        let (_, plain) = env.audit(Refusal::None, root.path());
        let (_, fips) = env.audit(Refusal::FipsOnly, root.path());
        let rest = |doc: &serde_json::Value| -> Vec<(String, String, String)> {
            findings(doc).into_iter().filter(|f| !opens(&f.0)).collect()
        };
        assert_eq!(rest(&fips), rest(&plain), "{name}");
        samples += 1;
        if name == "broken" {
            // Not "chain-invalid: signature does not verify": the MD5 digest is not OpenSSL's.
            let host2: Vec<_> = rest(&fips)
                .into_iter()
                .filter(|f| f.1 == "certs/host2.example.test.cer")
                .map(|f| f.0)
                .collect();
            assert_eq!(host2, ["md5-signature"], "{name}");
        }
        if name == "console" {
            // ca.pem's key is read without OpenSSL: the OpenSSH certificates' signer is judged.
            assert!(
                !rest(&fips).iter().any(|f| f.0 == "ssh-cert-signer"),
                "{name}: {:#?}",
                rest(&fips)
            );
        }
    }
    assert!(samples >= 10, "only {samples} samples");
}

#[test]
fn resign_refuses_naming_the_store_and_changes_nothing() {
    let env = Env::new();
    for (sample, refusal, args) in [
        (
            "4.2-sha1",
            Refusal::NoLegacy,
            &["resign", "--all", "--yes"][..],
        ),
        (
            "4.2-sha1",
            Refusal::FipsOnly,
            &["resign", "--all", "--yes"][..],
        ),
        // PBES2/AES stores are read natively, but the FIPS-only default refuses them too.
        (
            "4.5-modern",
            Refusal::FipsOnly,
            &["resign", "--all", "--force", "--yes"][..],
        ),
    ] {
        let root = scenario(sample);
        let before = tree_state(root.path());
        let o = env
            .cmd(refusal, args)
            .arg("--root")
            .arg(root.path())
            .output()
            .unwrap();
        no_crash(&o);
        if openssl_111() {
            assert_eq!(
                o.status.code(),
                Some(0),
                "{sample} {refusal:?}: {}",
                text(&o)
            );
            continue;
        }
        let stderr = String::from_utf8_lossy(&o.stderr);
        // 2: refused before changing anything (the change commands' documented code).
        assert_eq!(
            o.status.code(),
            Some(2),
            "{sample} {refusal:?}: {}",
            text(&o)
        );
        assert!(
            stderr.contains("keys/engine.p12") && stderr.contains("this OpenSSL refuses"),
            "{sample} {refusal:?}: {stderr}"
        );
        assert!(!stderr.contains("wrong password"), "{stderr}");
        assert_eq!(
            tree_state(root.path()),
            before,
            "{sample} {refusal:?}: changed"
        );
    }
}
