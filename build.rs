//! Exposes the OpenSSL version rhv-pki is built against as cfgs, the way rust-openssl does
//! (issue 17: EL8 Managers run OpenSSL 1.1.1, EL9 3.x). `openssl-sys` (`links = "openssl"`)
//! publishes `version_number` to the packages that depend on it directly, as
//! `DEP_OPENSSL_VERSION_NUMBER` (hex, e.g. `30000010`): `ossl300` gates the code that only
//! OpenSSL 3 has (the provider API).
use std::env;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(ossl300)");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DEP_OPENSSL_VERSION_NUMBER");
    if let Ok(v) = env::var("DEP_OPENSSL_VERSION_NUMBER") {
        // A version number that does not parse is a broken openssl-sys: fail the build loudly
        // rather than silently compiling the 1.1.1 paths against OpenSSL 3.
        let n = u64::from_str_radix(v.trim(), 16)
            .unwrap_or_else(|e| panic!("DEP_OPENSSL_VERSION_NUMBER={v:?}: {e}"));
        if n >= 0x3000_0000 {
            println!("cargo:rustc-cfg=ossl300");
        }
    }
}
