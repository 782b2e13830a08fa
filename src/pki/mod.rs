//! The PKI itself, pure: the formats oVirt writes (PEM/DER certificates, PKCS#12 of every era,
//! Java truststores, OpenSSH certificates, `openssl.conf`, `index.txt`), the catalogue of
//! entities per era, chain checks and faithful issuance. No clock, no network, no writes here:
//! `now` is an argument, and files are written only by the `change` layer above (its
//! transaction), never from here.

pub mod catalog;
pub mod cert;
pub mod conf;
pub mod error;
pub mod p12format;
pub mod sign;
pub mod sshcert;
pub mod truststore;
pub mod verify;
