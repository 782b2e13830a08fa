//! `rhv-pki --version` names the OpenSSL library the binary runs with (issue 17: EL8 Managers
//! run 1.1.1, EL9 3.x, and what the tool reads without the legacy provider depends on it).

mod common;

#[test]
fn version_names_the_linked_openssl() {
    let o = common::bin().arg("--version").output().unwrap();
    assert!(o.status.success(), "{o:?}");
    let out = String::from_utf8(o.stdout).unwrap();
    // The test binary links the same libcrypto as rhv-pki: its version string is the judge.
    let lib = openssl::version::version();
    assert!(lib.starts_with("OpenSSL "), "{lib}");
    assert_eq!(
        out,
        format!("rhv-pki {} ({lib})\n", env!("CARGO_PKG_VERSION")),
        "{out}"
    );
}
