//! The one error type of the library: every variant names the file and carries the evidence.

use std::fmt;
use std::path::{Path, PathBuf};

/// Everything that can go wrong while reading or judging a PKI file.
///
/// Variants carry the path and the evidence so a message can be shown to an admin as is.
#[derive(Debug)]
pub enum Error {
    /// A file cannot be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// No certificate in a file that must hold one.
    NoCertificate {
        /// The file.
        path: PathBuf,
    },
    /// A PEM block has a BEGIN line but no END line.
    TruncatedPem {
        /// The file.
        path: PathBuf,
        /// The block's label (`CERTIFICATE`, `RSA PRIVATE KEY`…).
        label: String,
        /// Byte offset of the BEGIN line in the file.
        offset: usize,
    },
    /// A PEM block's body is not valid base64.
    BadBase64 {
        /// The file.
        path: PathBuf,
        /// The block's label.
        label: String,
        /// The decoder's error.
        reason: String,
    },
    /// A certificate cannot be parsed (bad DER).
    BadCertificate {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        reason: String,
    },
    /// No private key in a file that must hold one.
    NoKey {
        /// The file.
        path: PathBuf,
    },
    /// A private key cannot be read (bad format, or encrypted with another password).
    BadKey {
        /// The file.
        path: PathBuf,
        /// The error (never the password).
        reason: String,
    },
    /// A PKCS#12 store cannot be opened (wrong password, bad MAC).
    Pkcs12Open {
        /// The store.
        path: PathBuf,
        /// OpenSSL's reason.
        reason: String,
    },
    /// A PKCS#12 store is malformed.
    Pkcs12Format {
        /// The store.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// OpenSSL here refuses what the PKCS#12 is protected with (FIPS mode; no legacy provider
    /// for RC2): not the password's fault, so never reported as a wrong password.
    Pkcs12Refused {
        /// The store.
        path: PathBuf,
        /// The PBE / MAC algorithms refused, comma-separated.
        algorithms: String,
    },
    /// A PKCS#12 asks for more key-derivation iterations than rhv-pki runs (1,000,000 per
    /// derivation): refused before trying, a hostile file cannot stall the audit.
    Pkcs12Iterations {
        /// The store.
        path: PathBuf,
        /// Which derivation (the MAC or an encrypted part).
        what: &'static str,
        /// The iteration count the file asks for.
        count: u64,
        /// The most iterations rhv-pki runs for one file.
        limit: u64,
    },
    /// A PKCS#12 store lacks a part it must have.
    Pkcs12Missing {
        /// The store.
        path: PathBuf,
        /// The part missing (`certificate`, `private key`).
        what: &'static str,
    },
    /// A file is larger than any PKI file can be; it is not read.
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The size limit, bytes.
        limit: u64,
    },
    /// A configuration line cannot be parsed.
    BadConfig {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A password contains a NUL byte (OpenSSL cannot take it).
    PasswordNul,
    /// Any other problem with a file.
    Other {
        /// The file.
        path: PathBuf,
        /// What is wrong.
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

/// A result whose error is [`Error`] unless said otherwise.
pub type Result<T, E = Error> = std::result::Result<T, E>;
