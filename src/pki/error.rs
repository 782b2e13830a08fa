//! The one error type of the library: every variant names the file and carries the evidence.

use std::fmt;
use std::path::{Path, PathBuf};

/// Everything that can go wrong while reading or judging a PKI file.
///
/// Variants carry the path and the evidence so a message can be shown to an admin as is.
#[derive(Debug)]
pub enum Error {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    NoCertificate {
        path: PathBuf,
    },
    TruncatedPem {
        path: PathBuf,
        label: String,
        offset: usize,
    },
    BadBase64 {
        path: PathBuf,
        label: String,
        reason: String,
    },
    BadCertificate {
        path: PathBuf,
        reason: String,
    },
    NoKey {
        path: PathBuf,
    },
    BadKey {
        path: PathBuf,
        reason: String,
    },
    Pkcs12Open {
        path: PathBuf,
        reason: String,
    },
    Pkcs12Format {
        path: PathBuf,
        reason: String,
    },
    /// OpenSSL here refuses what the PKCS#12 is protected with (FIPS mode; no legacy provider
    /// for RC2): not the password's fault, so never reported as a wrong password.
    Pkcs12Refused {
        path: PathBuf,
        algorithms: String,
    },
    /// See [`crate::pki::p12format::MAX_P12_ITERATIONS`].
    Pkcs12Iterations {
        path: PathBuf,
        what: &'static str,
        count: u64,
        limit: u64,
    },
    Pkcs12Missing {
        path: PathBuf,
        what: &'static str,
    },
    TooLarge {
        path: PathBuf,
        limit: u64,
    },
    BadConfig {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    PasswordNul,
    Other {
        path: PathBuf,
        reason: String,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The file the error is about (`None` for [`Error::PasswordNul`]).
    pub(crate) fn path(&self) -> Option<&Path> {
        match self {
            Error::Io { path, .. }
            | Error::NoCertificate { path }
            | Error::TruncatedPem { path, .. }
            | Error::BadBase64 { path, .. }
            | Error::BadCertificate { path, .. }
            | Error::NoKey { path }
            | Error::BadKey { path, .. }
            | Error::Pkcs12Open { path, .. }
            | Error::Pkcs12Format { path, .. }
            | Error::Pkcs12Refused { path, .. }
            | Error::Pkcs12Iterations { path, .. }
            | Error::Pkcs12Missing { path, .. }
            | Error::TooLarge { path, .. }
            | Error::BadConfig { path, .. }
            | Error::Other { path, .. } => Some(path),
            Error::PasswordNul => None,
        }
    }

    /// The message without the leading `<path>: ` (for a finding that names the file
    /// already). `Display` is `<path>: <detail>`.
    pub(crate) fn detail(&self) -> Detail<'_> {
        Detail(self)
    }
}

/// [`Error::detail`]: what went wrong, without the file's name.
pub(crate) struct Detail<'a>(&'a Error);

impl fmt::Display for Detail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Error::Io { source, .. } => write!(f, "cannot read: {source}"),
            Error::NoCertificate { .. } => write!(f, "no certificate found (no PEM block and not DER)"),
            Error::TruncatedPem { label, offset, .. } => write!(f, "PEM block '{label}' starting at byte {offset} has no END line (truncated file?)"),
            Error::BadBase64 { label, reason, .. } => write!(f, "PEM block '{label}' is not valid base64: {reason}"),
            Error::BadCertificate { reason, .. } => write!(f, "not a valid X.509 certificate: {reason}"),
            Error::NoKey { .. } => write!(f, "no private key found"),
            Error::BadKey { reason, .. } => write!(f, "private key cannot be read: {reason}"),
            Error::Pkcs12Open { reason, .. } => write!(f, "PKCS#12 cannot be opened with the configured password (wrong password or corrupt file): {reason}"),
            Error::Pkcs12Format { reason, .. } => write!(f, "not a PKCS#12 file: {reason}"),
            Error::Pkcs12Refused { algorithms, .. } => write!(f, "PKCS#12 cannot be opened here: this OpenSSL refuses {algorithms} (FIPS mode, or no legacy provider); the file is not known to be bad"),
            Error::Pkcs12Iterations { count, limit, what, .. } => write!(f, "PKCS#12 {what} iteration count {count} is above rhv-pki's limit of {limit} (OpenSSL writes 2048, keytool 10000); not opened, no key derived (it would take minutes); re-export the store with ordinary counts"),
            Error::Pkcs12Missing { what, .. } => write!(f, "PKCS#12 holds no {what}"),
            Error::TooLarge { limit, .. } => write!(f, "file is larger than {limit} bytes; refusing to read it as a certificate or key"),
            Error::BadConfig { line, reason, .. } => write!(f, "line {line}: {reason}"),
            Error::PasswordNul => write!(f, "password must not contain a NUL byte"),
            Error::Other { reason, .. } => write!(f, "{reason}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path() {
            Some(p) => write!(f, "{}: {}", p.display(), self.detail()),
            None => write!(f, "{}", self.detail()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
