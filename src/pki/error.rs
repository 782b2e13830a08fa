//! The one error type of the library: every variant names the file and carries the evidence.

use std::path::PathBuf;

/// Everything that can go wrong while reading or judging a PKI file.
///
/// Variants carry the path and the evidence so a message can be shown to an admin as is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: no certificate found (no PEM block and not DER)")]
    NoCertificate { path: PathBuf },
    #[error(
        "{path}: PEM block '{label}' starting at byte {offset} has no END line (truncated file?)"
    )]
    TruncatedPem {
        path: PathBuf,
        label: String,
        offset: usize,
    },
    #[error("{path}: PEM block '{label}' is not valid base64: {reason}")]
    BadBase64 {
        path: PathBuf,
        label: String,
        reason: String,
    },
    #[error("{path}: not a valid X.509 certificate: {reason}")]
    BadCertificate { path: PathBuf, reason: String },
    #[error("{path}: no private key found")]
    NoKey { path: PathBuf },
    #[error("{path}: private key cannot be read: {reason}")]
    BadKey { path: PathBuf, reason: String },
    #[error("{path}: PKCS#12 cannot be opened with the configured password (wrong password or corrupt file): {reason}")]
    Pkcs12Open { path: PathBuf, reason: String },
    #[error("{path}: not a PKCS#12 file: {reason}")]
    Pkcs12Format { path: PathBuf, reason: String },
    /// OpenSSL here refuses what the PKCS#12 is protected with (FIPS mode; no legacy provider
    /// for RC2): not the password's fault, so never reported as a wrong password.
    #[error("{path}: PKCS#12 cannot be opened here: this OpenSSL refuses {algorithms} (FIPS mode, or no legacy provider); the file is not known to be bad")]
    Pkcs12Refused { path: PathBuf, algorithms: String },
    /// See [`crate::pki::p12format::MAX_P12_ITERATIONS`].
    #[error("{path}: PKCS#12 {what} iteration count {count} is above rhv-pki's limit of {limit} (OpenSSL writes 2048, keytool 10000); not opened, no key derived (it would take minutes); re-export the store with ordinary counts")]
    Pkcs12Iterations {
        path: PathBuf,
        what: &'static str,
        count: u64,
        limit: u64,
    },
    #[error("{path}: PKCS#12 holds no {what}")]
    Pkcs12Missing { path: PathBuf, what: &'static str },
    #[error(
        "{path}: file is larger than {limit} bytes; refusing to read it as a certificate or key"
    )]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{path}: line {line}: {reason}")]
    BadConfig {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("password must not contain a NUL byte")]
    PasswordNul,
    #[error("{path}: {reason}")]
    Other { path: PathBuf, reason: String },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
