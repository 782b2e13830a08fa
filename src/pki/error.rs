//! The one error type of the library: every variant names the file and carries the evidence.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::i18n::Text;

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

    /// [`detail`](Error::detail) as a catalogue message (`pki-error-…`): rhv-pki's own words
    /// in the reader's language, the evidence (OpenSSL's, the parser's, the system's words)
    /// quoted as it came. Its English is `detail().to_string()`, byte for byte.
    pub fn detail_text(&self) -> Text {
        let t = Text::new;
        match self {
            Error::Io { source, .. } => {
                t("pki-error-io").arg_text("error", crate::i18n::io_error(source))
            }
            Error::NoCertificate { .. } => t("pki-error-no-certificate"),
            Error::TruncatedPem { label, offset, .. } => t("pki-error-truncated-pem")
                .arg("label", label)
                .arg("offset", offset),
            Error::BadBase64 { label, reason, .. } => t("pki-error-bad-base64")
                .arg("label", label)
                .arg("reason", reason),
            Error::BadCertificate { reason, .. } => {
                t("pki-error-bad-certificate").arg_text("reason", quoted_or_own(reason))
            }
            Error::NoKey { .. } => t("pki-error-no-key"),
            Error::BadKey { reason, .. } => {
                t("pki-error-bad-key").arg_text("reason", quoted_or_own(reason))
            }
            Error::Pkcs12Open { reason, .. } => t("pki-error-p12-open").arg("reason", reason),
            Error::Pkcs12Format { reason, .. } => t("pki-error-p12-format").arg("reason", reason),
            Error::Pkcs12Refused { algorithms, .. } => {
                t("pki-error-p12-refused").arg("algorithms", algorithms)
            }
            Error::Pkcs12Iterations {
                count, limit, what, ..
            } => t("pki-error-p12-iterations")
                .arg("what", what)
                .arg("count", count)
                .arg("limit", limit),
            Error::Pkcs12Missing { what, .. } => {
                let part = match *what {
                    "certificate" => t("pki-error-part-certificate"),
                    "private key" => t("pki-error-part-key"),
                    other => Text::verbatim(other),
                };
                t("pki-error-p12-missing").arg_text("what", part)
            }
            Error::TooLarge { limit, .. } => t("pki-error-too-large").arg("limit", limit),
            Error::BadConfig { line, reason, .. } => t("pki-error-bad-config")
                .arg("line", line)
                .arg("reason", reason),
            Error::PasswordNul => t("pki-error-password-nul"),
            Error::Other { reason, .. } => Text::verbatim(reason),
        }
    }

    /// The whole message (`Display`: `<path>: <detail>`) as a catalogue message: the error
    /// line in the admin's language, its English the `Display` byte for byte.
    pub fn text(&self) -> Text {
        match self.path() {
            Some(p) => Text::new("pki-error-in-file")
                .arg("path", p.display())
                .arg_text("detail", self.detail_text()),
            None => self.detail_text(),
        }
    }
}

/// An inner reason: rhv-pki's own words as a catalogue message, anything else as it came.
fn quoted_or_own(reason: &str) -> Text {
    crate::pki::cert::own_reason(reason).unwrap_or_else(|| Text::verbatim(reason))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, Messages};

    use crate::i18n::testing::strict;

    /// One of every error (both parts a PKCS#12 can lack).
    fn every_error() -> Vec<Error> {
        let p = || PathBuf::from("certs/a.cer");
        let s = |v: &str| v.to_string();
        vec![
            Error::io(p(), std::io::Error::from(std::io::ErrorKind::NotFound)),
            Error::io(p(), std::io::Error::from_raw_os_error(13)),
            Error::io(p(), std::io::Error::other("disk on fire")),
            Error::NoCertificate { path: p() },
            Error::TruncatedPem {
                path: p(),
                label: s("CERTIFICATE"),
                offset: 223,
            },
            Error::BadBase64 {
                path: p(),
                label: s("CERTIFICATE"),
                reason: s("Invalid byte 33, offset 4."),
            },
            Error::BadCertificate {
                path: p(),
                reason: s("Parsing Error: Der(InvalidTag)"),
            },
            Error::NoKey { path: p() },
            Error::BadKey {
                path: p(),
                reason: s("bad decrypt"),
            },
            Error::Pkcs12Open {
                path: p(),
                reason: s("mac verify failure"),
            },
            Error::Pkcs12Format {
                path: p(),
                reason: s("expected SEQUENCE"),
            },
            Error::Pkcs12Refused {
                path: p(),
                algorithms: s("RC2-40, SHA-1 MAC"),
            },
            Error::Pkcs12Iterations {
                path: p(),
                what: "MAC",
                count: u64::MAX,
                limit: 1_000_000,
            },
            Error::Pkcs12Missing {
                path: p(),
                what: "certificate",
            },
            Error::Pkcs12Missing {
                path: p(),
                what: "private key",
            },
            Error::TooLarge {
                path: p(),
                limit: 4_194_304,
            },
            Error::BadConfig {
                path: p(),
                line: 7,
                reason: s("no '='"),
            },
            Error::PasswordNul,
            Error::Other {
                path: p(),
                reason: s("something the caller said"),
            },
        ]
    }

    #[test]
    fn detail_text_is_the_display_in_english_and_has_a_japanese_entry() {
        let en = Messages::new(Lang::En);
        let ja = Messages::new(Lang::Ja);
        use crate::i18n::testing::japanese;
        for e in every_error() {
            // What JSON carries (the English) is the Display of before, byte for byte.
            assert_eq!(strict(&en, &e.detail_text()), e.detail().to_string());
            assert_eq!(e.detail_text().english(), e.detail().to_string());
            assert_eq!(strict(&en, &e.text()), e.to_string());
            let j = strict(&ja, &e.detail_text());
            match e {
                // Text from elsewhere (the caller's, the system's) is shown as it came.
                Error::Other { .. } => assert_eq!(j, e.detail().to_string()),
                Error::Io { ref source, .. } if source.kind() == std::io::ErrorKind::Other => {
                    assert!(japanese(&j) && j.contains("disk on fire"), "{j}")
                }
                _ => assert!(japanese(&j), "{e:?}: {j}"),
            }
            strict(&ja, &e.text());
        }
        // The literal texts of before, for the variants the samples show.
        let t = |e: &Error| e.detail_text().english();
        let all = every_error();
        assert_eq!(
            t(&all[4]),
            "PEM block 'CERTIFICATE' starting at byte 223 has no END line (truncated file?)"
        );
        assert_eq!(
            t(&all[3]),
            "no certificate found (no PEM block and not DER)"
        );
        assert_eq!(
            t(&all[0]),
            "cannot read: entity not found",
            "the system's words as io::Error says them"
        );
        assert_eq!(t(&all[14]), "PKCS#12 holds no private key");
        assert!(t(&all[12]).contains("18446744073709551615"));
    }
}
