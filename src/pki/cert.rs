//! Readers for every on-disk format an oVirt PKI directory holds: PEM anywhere in a file (after
//! an `openssl ca` text dump or `Bag Attributes`), DER, PKCS#1/PKCS#8/encrypted keys, PKCS#12
//! of every era; plus a compact summary of a certificate that the audit judges.

use std::borrow::Cow;
use std::fs;
use std::io::Read;
use std::path::Path;

use base64::Engine as _;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use x509_parser::prelude::*;

use crate::pki::error::{Error, Result};

pub(crate) mod kdf;
pub(crate) mod keys;
mod p12;

pub(crate) use keys::RsaPublic;

/// Largest file we read as a certificate, key or PKCS#12 (real ones are a few KiB).
pub const MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// Reads a file, refusing anything larger than [`MAX_FILE_SIZE`].
pub fn read_limited(path: &Path) -> Result<Vec<u8>> {
    read_regular(path, MAX_FILE_SIZE).map_err(|e| {
        if e.kind() == std::io::ErrorKind::FileTooLarge {
            Error::TooLarge {
                path: path.to_path_buf(),
                limit: MAX_FILE_SIZE,
            }
        } else {
            Error::io(path, e)
        }
    })
}

/// Reads a regular file of at most `limit` bytes. A FIFO, socket or device is refused
/// without blocking (opened non-blocking, then checked): a stray FIFO in the PKI dir must
/// not hang an audit run by a timer. `ErrorKind::FileTooLarge` past `limit`.
pub(crate) fn read_regular(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    read_regular_flags(path, limit, libc::O_NONBLOCK)
}

/// [`read_limited`], but a symlink (as the last component of `path`) is an error instead of
/// being followed: for callers that resolve symlinks themselves and want the common case, a
/// plain file, in one `open` (no `lstat` first).
pub(crate) fn read_limited_nofollow(path: &Path) -> Result<Vec<u8>> {
    read_regular_flags(path, MAX_FILE_SIZE, libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .map_err(|e| Error::io(path, e))
}

fn read_regular_flags(path: &Path, limit: u64, flags: i32) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let f = fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        let t = meta.file_type();
        let kind = if t.is_dir() {
            NotRegularKind::Directory
        } else if t.is_fifo() {
            NotRegularKind::Fifo
        } else if t.is_socket() {
            NotRegularKind::Socket
        } else if t.is_char_device() || t.is_block_device() {
            NotRegularKind::Device
        } else {
            NotRegularKind::Other
        };
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            ReadRefusal::NotRegular(kind),
        ));
    }
    // Sized from fstat so a small file is one read (plus the one that sees EOF), not a
    // 32-byte probe and a run of doublings.
    let mut buf = Vec::with_capacity(meta.len().min(limit) as usize + 1);
    f.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            ReadRefusal::TooLarge { limit },
        ));
    }
    Ok(buf)
}

/// What kind of file a path is when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRegularKind {
    /// A directory.
    Directory,
    /// A named pipe.
    Fifo,
    /// A socket.
    Socket,
    /// A character or block device.
    Device,
    /// Anything else that is not a regular file.
    Other,
}

/// Why rhv-pki itself refuses to read a file (not the system's words): carried inside the
/// `io::Error` the bounded reads return, so the error line says it in the reader's language
/// ([`crate::i18n::io_error`] looks for it). `Display` is the English, as before.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadRefusal {
    /// The path is not a regular file.
    #[error("{}", match .0 {
        NotRegularKind::Directory => "is a directory, not a regular file",
        NotRegularKind::Fifo => "is a FIFO, not a regular file",
        NotRegularKind::Socket => "is a socket, not a regular file",
        NotRegularKind::Device => "is a device, not a regular file",
        NotRegularKind::Other => "is not a regular file, not a regular file",
    })]
    NotRegular(NotRegularKind),
    /// The file is larger than any PKI file can be.
    #[error("larger than {limit} bytes")]
    TooLarge {
        /// The size limit, bytes.
        limit: u64,
    },
}

impl ReadRefusal {
    /// The refusal as a catalogue message; its English is the `Display`, byte for byte.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            ReadRefusal::NotRegular(k) => Text::new(match k {
                NotRegularKind::Directory => "hostsf-read-directory",
                NotRegularKind::Fifo => "hostsf-read-fifo",
                NotRegularKind::Socket => "hostsf-read-socket",
                NotRegularKind::Device => "hostsf-read-device",
                NotRegularKind::Other => "hostsf-read-not-regular",
            }),
            ReadRefusal::TooLarge { limit } => {
                Text::new("hostsf-read-too-large").arg("limit", limit)
            }
        }
    }

    /// The refusal inside `e`, when rhv-pki made it.
    pub fn of(e: &std::io::Error) -> Option<&ReadRefusal> {
        e.get_ref().and_then(|i| i.downcast_ref::<ReadRefusal>())
    }
}

/// One `-----BEGIN X-----` … `-----END X-----` block found anywhere in a file.
#[derive(Debug, Clone)]
pub struct PemBlock {
    pub(crate) label: String,
    pub(crate) der: Vec<u8>,
    /// Byte offset of the BEGIN line in the file.
    pub offset: usize,
    /// Legacy OpenSSL encryption headers (`Proc-Type: 4,ENCRYPTED`) were present.
    pub(crate) proc_encrypted: bool,
    /// The whole block as text, BEGIN to END line inclusive (for handing to OpenSSL).
    pub(crate) text: String,
}

const BEGIN: &str = "-----BEGIN ";
const END: &str = "-----END ";

/// Finds every PEM block in `data`, skipping any text before, between or after them.
/// A BEGIN without its END is an error: a truncated file must not pass as "no certificate".
pub fn pem_blocks(path: &Path, data: &[u8]) -> Result<Vec<PemBlock>> {
    pem_scan(path, data, true)
}

/// [`pem_blocks`]; `PemBlock::text` is left empty unless `with_text` (the certificate readers
/// need only the DER, and an audit reads one file per host).
fn pem_scan(path: &Path, data: &[u8], with_text: bool) -> Result<Vec<PemBlock>> {
    // Valid UTF-8 (every real PEM file) is borrowed after a fast check; only other bytes go
    // through the slower lossy conversion (which yields the same text for valid input).
    let text = match std::str::from_utf8(data) {
        Ok(t) => Cow::Borrowed(t),
        Err(_) => String::from_utf8_lossy(data),
    };
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(rel) = text[pos..].find(BEGIN) {
        let start = pos + rel;
        let after = start + BEGIN.len();
        let Some(label_end_rel) = text[after..].find("-----") else {
            return Err(Error::TruncatedPem {
                path: path.to_path_buf(),
                label: String::new(),
                offset: start,
            });
        };
        let label = text[after..after + label_end_rel].to_string();
        if label.contains('\n') || label.len() > 64 {
            // Not a real BEGIN line; keep scanning after it.
            pos = after;
            continue;
        }
        let body_start = after + label_end_rel + 5;
        let end_marker = format!("{END}{label}-----");
        let Some(end_rel) = text[body_start..].find(&end_marker) else {
            return Err(Error::TruncatedPem {
                path: path.to_path_buf(),
                label,
                offset: start,
            });
        };
        let body = &text[body_start..body_start + end_rel];
        let mut b64 = String::with_capacity(body.len());
        let mut proc_encrypted = false;
        for line in body.lines() {
            let line = line.trim();
            if line.contains(':') {
                if line.starts_with("Proc-Type:") && line.contains("ENCRYPTED") {
                    proc_encrypted = true;
                }
                continue;
            }
            b64.push_str(line);
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|e| Error::BadBase64 {
                path: path.to_path_buf(),
                label: label.clone(),
                reason: e.to_string(),
            })?;
        let block_end = body_start + end_rel + end_marker.len();
        out.push(PemBlock {
            text: if with_text {
                format!("{}\n", &text[start..block_end])
            } else {
                String::new()
            },
            label,
            der,
            offset: start,
            proc_encrypted,
        });
        pos = block_end;
    }
    Ok(out)
}

fn is_cert_label(label: &str) -> bool {
    matches!(
        label,
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"
    )
}

/// The DER certificates of a file: every certificate PEM block, or the whole file as DER.
pub fn certificates_in(path: &Path, data: &[u8]) -> Result<Vec<Vec<u8>>> {
    let blocks = pem_scan(path, data, false)?;
    let certs: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(|b| is_cert_label(&b.label))
        .map(|b| b.der)
        .collect();
    if !certs.is_empty() {
        return Ok(certs);
    }
    if data.first() == Some(&0x30) && X509Certificate::from_der(data).is_ok() {
        return Ok(vec![data.to_vec()]);
    }
    Err(Error::NoCertificate {
        path: path.to_path_buf(),
    })
}

/// The first certificate of a file.
pub fn first_certificate(path: &Path, data: &[u8]) -> Result<Vec<u8>> {
    Ok(certificates_in(path, data)?.swap_remove(0))
}

/// Digest used by a signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Digest {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Unknown,
}

impl Digest {
    /// Weak digests: collisions are practical and RHEL 9's DEFAULT policy rejects them.
    pub(crate) fn is_weak(self) -> bool {
        matches!(self, Digest::Md5 | Digest::Sha1)
    }
}

/// A signature algorithm as found in a certificate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct SigAlg {
    /// OpenSSL's long name where we know it (`sha256WithRSAEncryption`), else the dotted OID.
    pub(crate) name: Cow<'static, str>,
    pub(crate) oid: Cow<'static, str>,
    pub(crate) digest: Digest,
    /// Plain PKCS#1 v1.5 RSA: verified by the fast path.
    #[serde(skip)]
    pub(crate) rsa_pkcs1: bool,
}

impl SigAlg {
    pub(crate) fn from_oid(oid: &str) -> SigAlg {
        let (name, digest, rsa): (&'static str, Digest, bool) = match oid {
            "1.2.840.113549.1.1.4" => ("md5WithRSAEncryption", Digest::Md5, true),
            "1.2.840.113549.1.1.5" => ("sha1WithRSAEncryption", Digest::Sha1, true),
            "1.2.840.113549.1.1.14" => ("sha224WithRSAEncryption", Digest::Sha224, true),
            "1.2.840.113549.1.1.11" => ("sha256WithRSAEncryption", Digest::Sha256, true),
            "1.2.840.113549.1.1.12" => ("sha384WithRSAEncryption", Digest::Sha384, true),
            "1.2.840.113549.1.1.13" => ("sha512WithRSAEncryption", Digest::Sha512, true),
            "1.2.840.113549.1.1.10" => ("rsassaPss", Digest::Unknown, false),
            "1.2.840.10045.4.1" => ("ecdsa-with-SHA1", Digest::Sha1, false),
            "1.2.840.10045.4.3.1" => ("ecdsa-with-SHA224", Digest::Sha224, false),
            "1.2.840.10045.4.3.2" => ("ecdsa-with-SHA256", Digest::Sha256, false),
            "1.2.840.10045.4.3.3" => ("ecdsa-with-SHA384", Digest::Sha384, false),
            "1.2.840.10045.4.3.4" => ("ecdsa-with-SHA512", Digest::Sha512, false),
            "1.2.840.10040.4.3" => ("dsaWithSHA1", Digest::Sha1, false),
            "1.3.101.112" => ("ED25519", Digest::Unknown, false),
            _ => ("", Digest::Unknown, false),
        };
        // Known algorithms borrow static text: one record per certificate stays small.
        let (name, oid): (Cow<'static, str>, Cow<'static, str>) = if name.is_empty() {
            (Cow::Owned(oid.to_string()), Cow::Owned(oid.to_string()))
        } else {
            (Cow::Borrowed(name), Cow::Borrowed(known_oid(name)))
        };
        SigAlg {
            name,
            oid,
            digest,
            rsa_pkcs1: rsa,
        }
    }
}

fn known_oid(name: &str) -> &'static str {
    match name {
        "md5WithRSAEncryption" => "1.2.840.113549.1.1.4",
        "sha1WithRSAEncryption" => "1.2.840.113549.1.1.5",
        "sha224WithRSAEncryption" => "1.2.840.113549.1.1.14",
        "sha256WithRSAEncryption" => "1.2.840.113549.1.1.11",
        "sha384WithRSAEncryption" => "1.2.840.113549.1.1.12",
        "sha512WithRSAEncryption" => "1.2.840.113549.1.1.13",
        "rsassaPss" => "1.2.840.113549.1.1.10",
        "ecdsa-with-SHA1" => "1.2.840.10045.4.1",
        "ecdsa-with-SHA224" => "1.2.840.10045.4.3.1",
        "ecdsa-with-SHA256" => "1.2.840.10045.4.3.2",
        "ecdsa-with-SHA384" => "1.2.840.10045.4.3.3",
        "ecdsa-with-SHA512" => "1.2.840.10045.4.3.4",
        "dsaWithSHA1" => "1.2.840.10040.4.3",
        _ => "1.3.101.112",
    }
}

/// The public key of a certificate, as far as the audit cares.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(crate) enum KeyInfo {
    Rsa { bits: usize },
    Ec { bits: usize },
    Other { oid: String, bits: usize },
}

impl KeyInfo {
    pub(crate) fn short(&self) -> String {
        match self {
            KeyInfo::Rsa { bits } => format!("RSA-{bits}"),
            KeyInfo::Ec { bits } => format!("EC-{bits}"),
            KeyInfo::Other { oid, .. } => format!("other({oid})"),
        }
    }
}

/// What the audit keeps of one certificate: small, owned, no DER.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertSummary {
    pub(crate) subject: String,
    pub(crate) issuer: String,
    pub(crate) cn: Option<String>,
    /// Uppercase hex without leading zeros, as `serial.txt` / `database.txt` write it.
    pub(crate) serial: String,
    #[serde(serialize_with = "ser_time")]
    pub(crate) not_before: i64,
    #[serde(serialize_with = "ser_time")]
    pub(crate) not_after: i64,
    pub(crate) signature: SigAlg,
    pub(crate) key: KeyInfo,
    /// `None` when the certificate has no subjectAltName extension.
    pub(crate) san: Option<Vec<String>>,
    pub(crate) is_ca: bool,
    pub(crate) self_issued: bool,
    #[serde(serialize_with = "ser_hex")]
    pub(crate) sha256: [u8; 32],
}

fn ser_hex<S: serde::Serializer>(v: &[u8; 32], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(v))
}

/// RFC 3339 UTC text of a Unix time (the number itself if it is out of range).
pub fn rfc3339(t: i64) -> String {
    ::time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(&::time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| t.to_string())
}

fn ser_time<S: serde::Serializer>(t: &i64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*t))
}

/// Formats a serial number the way OpenSSL's index does: uppercase hex, at least two digits.
pub fn serial_hex(raw: &[u8]) -> String {
    let trimmed: &[u8] = {
        let mut r = raw;
        while r.len() > 1 && r[0] == 0 {
            r = &r[1..];
        }
        r
    };
    let s = hex::encode_upper(trimmed);
    if s.is_empty() {
        "00".into()
    } else {
        s
    }
}

fn general_name(g: &GeneralName<'_>) -> String {
    match g {
        GeneralName::DNSName(d) => format!("DNS:{d}"),
        GeneralName::IPAddress(b) => match b.len() {
            4 => format!("IP:{}", std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3])),
            16 => {
                let mut a = [0u8; 16];
                a.copy_from_slice(b);
                format!("IP:{}", std::net::Ipv6Addr::from(a))
            }
            _ => format!("IP:{}", hex::encode(b)),
        },
        GeneralName::RFC822Name(e) => format!("email:{e}"),
        GeneralName::URI(u) => format!("URI:{u}"),
        GeneralName::DirectoryName(n) => format!("DirName:{n}"),
        other => format!("other:{other:?}"),
    }
}

// The inner reasons of `BadCertificate` / `BadKey` that are rhv-pki's own words (the others
// are the parser's or OpenSSL's, quoted as they came): [`own_reason`] gives their catalogue
// message.
const TRAILING_BYTES: &str = " trailing bytes after the certificate";
const UNSUPPORTED_KEY: &str = "unsupported key type '";
const NO_PASSWORD: &str = "key is encrypted and no password was given";

/// A `BadCertificate` / `BadKey` reason worded by rhv-pki as a catalogue message (English:
/// the reason itself); `None` for a reason quoted from the parser or OpenSSL.
pub(crate) fn own_reason(reason: &str) -> Option<crate::i18n::Text> {
    use crate::i18n::Text;
    if reason == NO_PASSWORD {
        return Some(Text::new("cert-key-no-password"));
    }
    if let Some(n) = reason
        .strip_suffix(TRAILING_BYTES)
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some(Text::new("cert-trailing-bytes").arg("count", n));
    }
    reason
        .strip_prefix(UNSUPPORTED_KEY)
        .and_then(|r| r.strip_suffix('\''))
        .map(|t| Text::new("cert-unsupported-key").arg("type", t))
}

/// Parses DER and returns the certificate together with its summary.
pub fn parse<'a>(path: &Path, der: &'a [u8]) -> Result<(X509Certificate<'a>, CertSummary)> {
    let (rest, x) = X509Certificate::from_der(der).map_err(|e| Error::BadCertificate {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if !rest.is_empty() {
        return Err(Error::BadCertificate {
            path: path.to_path_buf(),
            reason: format!("{}{TRAILING_BYTES}", rest.len()),
        });
    }
    let s = summarize(path, &x, der)?;
    Ok((x, s))
}

fn summarize(path: &Path, x: &X509Certificate<'_>, der: &[u8]) -> Result<CertSummary> {
    let bad = |reason: String| Error::BadCertificate {
        path: path.to_path_buf(),
        reason,
    };
    let spki = x.public_key();
    let key = match spki.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(r)) => KeyInfo::Rsa { bits: r.key_size() },
        Ok(k @ x509_parser::public_key::PublicKey::EC(_)) => KeyInfo::Ec { bits: k.key_size() },
        Ok(k) => KeyInfo::Other {
            oid: spki.algorithm.algorithm.to_id_string(),
            bits: k.key_size(),
        },
        Err(e) => return Err(bad(format!("public key: {e}"))),
    };
    let san = match x.subject_alternative_name() {
        Ok(Some(ext)) => Some(ext.value.general_names.iter().map(general_name).collect()),
        Ok(None) => None,
        Err(e) => return Err(bad(format!("subjectAltName: {e}"))),
    };
    let cn = x
        .subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .map(str::to_string);
    let subject_raw = x.subject().as_raw();
    let issuer_raw = x.issuer().as_raw();
    Ok(CertSummary {
        subject: x.subject().to_string(),
        issuer: x.issuer().to_string(),
        cn,
        serial: serial_hex(x.raw_serial()),
        not_before: x.validity().not_before.timestamp(),
        not_after: x.validity().not_after.timestamp(),
        signature: SigAlg::from_oid(&x.signature_algorithm.algorithm.to_id_string()),
        key,
        san,
        is_ca: x.is_ca(),
        self_issued: subject_raw == issuer_raw,
        sha256: sha256(der),
    })
}

/// SHA-256 with the `sha2` crate, not OpenSSL 3's one-shot `SHA256()`, which fetches the
/// algorithm (taking global locks) on every call; SHA-NI when the CPU has it.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(data).into()
}

/// How a private key file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyFormat {
    /// `BEGIN RSA PRIVATE KEY` (genrsa on OpenSSL 1.x, oVirt ≤ 4.4.3.4).
    Pkcs1,
    /// `BEGIN RSA PRIVATE KEY` with `Proc-Type: 4,ENCRYPTED`.
    Pkcs1Encrypted,
    /// `BEGIN PRIVATE KEY`.
    Pkcs8,
    /// `BEGIN ENCRYPTED PRIVATE KEY`.
    Pkcs8Encrypted,
    /// `BEGIN EC PRIVATE KEY`.
    Sec1,
}

/// Reads the first private key of a file (any preamble allowed). `password` is tried for
/// encrypted keys; an encrypted key without a password is an error naming the file.
pub fn read_private_key(
    path: &Path,
    data: &[u8],
    password: Option<&str>,
) -> Result<(PKey<Private>, KeyFormat)> {
    let blocks = pem_blocks(path, data)?;
    let (block, format) = key_block(path, &blocks)?;
    Ok((load_key(path, block, format, password)?, format))
}

/// The first private key block of a file and its encoding.
fn key_block<'b>(path: &Path, blocks: &'b [PemBlock]) -> Result<(&'b PemBlock, KeyFormat)> {
    let block = blocks
        .iter()
        .find(|b| b.label.ends_with("PRIVATE KEY"))
        .ok_or_else(|| Error::NoKey {
            path: path.to_path_buf(),
        })?;
    let format = match (block.label.as_str(), block.proc_encrypted) {
        ("RSA PRIVATE KEY", false) => KeyFormat::Pkcs1,
        ("RSA PRIVATE KEY", true) => KeyFormat::Pkcs1Encrypted,
        ("PRIVATE KEY", _) => KeyFormat::Pkcs8,
        ("ENCRYPTED PRIVATE KEY", _) => KeyFormat::Pkcs8Encrypted,
        ("EC PRIVATE KEY", _) => KeyFormat::Sec1,
        (other, _) => {
            return Err(Error::BadKey {
                path: path.to_path_buf(),
                reason: format!("{UNSUPPORTED_KEY}{other}'"),
            })
        }
    };
    Ok((block, format))
}

/// Hands a key block to OpenSSL.
fn load_key(
    path: &Path,
    block: &PemBlock,
    format: KeyFormat,
    password: Option<&str>,
) -> Result<PKey<Private>> {
    let encrypted = matches!(
        format,
        KeyFormat::Pkcs1Encrypted | KeyFormat::Pkcs8Encrypted
    );
    if encrypted {
        let pw = password.ok_or_else(|| Error::BadKey {
            path: path.to_path_buf(),
            reason: NO_PASSWORD.into(),
        })?;
        PKey::private_key_from_pem_passphrase(block.text.as_bytes(), pw.as_bytes())
    } else {
        PKey::private_key_from_pem(block.text.as_bytes())
    }
    .map_err(|e| Error::BadKey {
        path: path.to_path_buf(),
        reason: first_openssl_reason(&e),
    })
}

/// A PEM block as every tool writes it: no headers, no CR, 64-character base64 lines. Only
/// such blocks take the native key path (OpenSSL's PEM reader is the judge of anything else).
fn canonical_pem(text: &str) -> bool {
    let lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
    if lines.len() < 3 || text.contains('\r') {
        return false;
    }
    let body = &lines[1..lines.len() - 1];
    let b64 = |l: &str| {
        !l.is_empty()
            && l.len() <= 64
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    };
    body.iter().all(|l| b64(l))
        && body[..body.len() - 1].iter().all(|l| l.len() == 64)
        && lines[0].starts_with(BEGIN)
        && lines[lines.len() - 1].starts_with(END)
}

/// A private key as far as "does it belong to this certificate" goes.
pub(crate) struct KeyPublic(KeyInner);

enum KeyInner {
    /// An RSA key read without OpenSSL; `pem` reloads it through OpenSSL when a certificate is
    /// unusual enough that OpenSSL's own comparison must decide.
    Rsa {
        public: RsaPublic,
        pem: Option<String>,
    },
    OpenSsl(PKey<Private>),
}

impl KeyPublic {
    /// Does this key belong to the certificate `cert_der`? Same answer as
    /// [`key_matches_cert`] (RSA: same modulus and exponent).
    pub(crate) fn matches_cert(&self, cert_der: &[u8]) -> bool {
        match &self.0 {
            KeyInner::OpenSsl(k) => key_matches_cert(k, cert_der),
            KeyInner::Rsa { public, pem } => {
                if let Some(theirs) = p12::cert_key(cert_der) {
                    return theirs.as_ref() == Some(public);
                }
                match pem {
                    Some(pem) => PKey::private_key_from_pem(pem.as_bytes())
                        .map(|k| key_matches_cert(&k, cert_der))
                        .unwrap_or(false),
                    None => openssl::x509::X509::from_der(cert_der)
                        .and_then(|x| x.public_key())
                        .and_then(|k| k.rsa())
                        .map(|r| r.n().to_vec() == public.n && r.e().to_vec() == public.e)
                        .unwrap_or(false),
                }
            }
        }
    }
}

/// Like [`read_private_key`] (same errors), for comparing the key with certificates only:
/// plain RSA keys are read without OpenSSL.
pub(crate) fn read_key_public(
    path: &Path,
    data: &[u8],
    password: Option<&str>,
) -> Result<KeyPublic> {
    let blocks = pem_blocks(path, data)?;
    let (block, format) = key_block(path, &blocks)?;
    if canonical_pem(&block.text) {
        let public = match format {
            KeyFormat::Pkcs1 => keys::rsa_private_key(&block.der),
            KeyFormat::Pkcs8 => keys::pkcs8_rsa(&block.der),
            _ => None,
        };
        if let Some(public) = public {
            return Ok(KeyPublic(KeyInner::Rsa {
                public,
                pem: Some(block.text.clone()),
            }));
        }
    }
    Ok(KeyPublic(KeyInner::OpenSsl(load_key(
        path, block, format, password,
    )?)))
}

/// A short, readable reason from an OpenSSL error stack.
pub(crate) fn first_openssl_reason(e: &openssl::error::ErrorStack) -> String {
    e.errors()
        .first()
        .map(|x| {
            x.reason()
                .map(str::to_string)
                .unwrap_or_else(|| x.to_string())
        })
        .unwrap_or_else(|| "unknown OpenSSL error".into())
}

/// Does `key` belong to the certificate `cert_der`?
pub(crate) fn key_matches_cert(key: &PKey<Private>, cert_der: &[u8]) -> bool {
    let Ok(x) = openssl::x509::X509::from_der(cert_der) else {
        return false;
    };
    let Ok(pubkey) = x.public_key() else {
        return false;
    };
    key.public_eq(&pubkey)
}

#[cfg(ossl300)]
static LEGACY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// Loads OpenSSL's legacy provider (RC2-40 PKCS#12 of oVirt <= 4.3 / EL8) next to the default
/// one, once per process. Returns false when the module is missing on this system.
#[cfg(ossl300)]
pub(crate) fn ensure_legacy_provider() -> bool {
    *LEGACY.get_or_init(
        || match openssl::provider::Provider::try_load(None, "legacy", true) {
            Ok(p) => {
                // Kept loaded for the life of the process on purpose: unloading it would make
                // every later legacy PKCS#12 read fail.
                std::mem::forget(p);
                true
            }
            Err(_) => false,
        },
    )
}

/// OpenSSL 1.1.1 (EL8) has no providers: RC2-40, 3DES and the other PKCS#12 algorithms of
/// oVirt <= 4.3 are built in, so the legacy formats are always readable.
#[cfg(not(ossl300))]
pub(crate) fn ensure_legacy_provider() -> bool {
    true
}

/// The algorithms protecting the PKCS#12 `data` that this OpenSSL refuses (`RC2-40`,
/// `3DES`, `SHA-1`, …), each tried on a few bytes: RC2 without the legacy provider, or
/// everything under a FIPS-only `default_properties` with no FIPS module. Empty when all of
/// them work here (a failure to open is then the password's or the file's).
pub(crate) fn refused_p12_algorithms(data: &[u8]) -> Vec<String> {
    use crate::pki::p12format::Pbe;
    use openssl::hash::MessageDigest;
    use openssl::symm::Cipher;
    let Ok(fmt) = crate::pki::p12format::detect(data) else {
        return Vec::new();
    };
    let cipher = |c: Cipher| {
        let key = vec![7u8; c.key_len()];
        let iv = c.iv_len().map(|n| vec![0u8; n]);
        openssl::symm::encrypt(c, &key, iv.as_deref(), b"probe").is_ok()
    };
    let digest = |name: &str| {
        MessageDigest::from_name(name).is_some_and(|md| openssl::hash::hash(md, b"").is_ok())
    };
    // `sha256` -> `SHA-256`, as the findings name digests.
    let label = |d: &str| match d.strip_prefix("sha") {
        Some(n) => format!("SHA-{n}"),
        None => d.to_ascii_uppercase(),
    };
    let mut need: Vec<(String, bool)> = Vec::new();
    for pbe in std::iter::once(&fmt.cert_pbe).chain(fmt.key_pbe.as_ref()) {
        // PKCS#12 PBE derives its keys with SHA-1.
        match pbe {
            Pbe::Rc2_40 => need.extend([
                ("RC2-40".into(), cipher(Cipher::rc2_40_cbc())),
                ("SHA-1 (key derivation)".into(), digest("sha1")),
            ]),
            Pbe::Rc2_128 => need.extend([
                ("RC2-128".into(), cipher(Cipher::rc2_cbc())),
                ("SHA-1 (key derivation)".into(), digest("sha1")),
            ]),
            Pbe::Des3 => need.extend([
                ("3DES".into(), cipher(Cipher::des_ede3_cbc())),
                ("SHA-1 (key derivation)".into(), digest("sha1")),
            ]),
            Pbe::Pbes2 { cipher: c, prf } => {
                let ok = match c.as_str() {
                    "aes-256-cbc" => Some(cipher(Cipher::aes_256_cbc())),
                    "aes-192-cbc" => Some(cipher(Cipher::aes_192_cbc())),
                    "aes-128-cbc" => Some(cipher(Cipher::aes_128_cbc())),
                    "des-ede3-cbc" => Some(cipher(Cipher::des_ede3_cbc())),
                    _ => None,
                };
                if let Some(ok) = ok {
                    need.push((c.to_ascii_uppercase(), ok));
                }
                let d = prf.trim_start_matches("hmac-");
                need.push((format!("HMAC-{}", label(d)), digest(d)));
            }
            Pbe::None | Pbe::Other { .. } => {}
        }
    }
    if let Some((d, _)) = &fmt.mac {
        need.push((format!("HMAC-{} (MAC)", label(d)), digest(d)));
    }
    let mut refused: Vec<String> = Vec::new();
    for (name, ok) in need {
        if !ok && !refused.contains(&name) {
            refused.push(name);
        }
    }
    refused
}

/// What a PKCS#12 holds once opened.
pub struct P12Contents {
    pub(crate) cert_der: Option<Vec<u8>>,
    pub(crate) key: Option<PKey<Private>>,
}

/// Opens a PKCS#12 with `password`.
pub fn open_p12(path: &Path, data: &[u8], password: &str) -> Result<P12Contents> {
    if password.contains('\0') {
        return Err(Error::PasswordNul);
    }
    bounded_p12(path, data)?;
    ensure_legacy_provider();
    // OpenSSL derives the keys of key bags inside encrypted parts too: their counts first.
    if let Err(crate::pki::p12format::Bound::Excessive(i)) =
        crate::pki::p12format::check_work_with_password(data, password)
    {
        return Err(Error::Pkcs12Iterations {
            path: path.to_path_buf(),
            what: i.what,
            count: i.count,
            limit: crate::pki::p12format::MAX_P12_ITERATIONS,
        });
    }
    let p12 = Pkcs12::from_der(data).map_err(|e| Error::Pkcs12Format {
        path: path.to_path_buf(),
        reason: first_openssl_reason(&e),
    })?;
    let parsed = p12.parse2(password).map_err(|e| {
        let refused = refused_p12_algorithms(data);
        if refused.is_empty() {
            Error::Pkcs12Open {
                path: path.to_path_buf(),
                reason: first_openssl_reason(&e),
            }
        } else {
            Error::Pkcs12Refused {
                path: path.to_path_buf(),
                algorithms: refused.join(", "),
            }
        }
    })?;
    let cert_der = match parsed.cert {
        Some(c) => Some(c.to_der().map_err(|e| Error::Pkcs12Format {
            path: path.to_path_buf(),
            reason: first_openssl_reason(&e),
        })?),
        None => None,
    };
    Ok(P12Contents {
        cert_der,
        key: parsed.pkey,
    })
}

/// Refuses a PKCS#12 whose key derivations are not bounded by
/// [`crate::pki::p12format::MAX_P12_ITERATIONS`] (read from the DER), before any key is derived.
pub(crate) fn bounded_p12(path: &Path, data: &[u8]) -> Result<()> {
    match crate::pki::p12format::check_work(data) {
        Ok(()) => Ok(()),
        Err(crate::pki::p12format::Bound::Unreadable(reason)) => Err(Error::Pkcs12Format {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        }),
        Err(crate::pki::p12format::Bound::Excessive(i)) => Err(Error::Pkcs12Iterations {
            path: path.to_path_buf(),
            what: i.what,
            count: i.count,
            limit: crate::pki::p12format::MAX_P12_ITERATIONS,
        }),
    }
}

/// What the audit needs of a PKCS#12.
pub(crate) struct P12Summary {
    pub(crate) cert_der: Option<Vec<u8>>,
    pub(crate) key: Option<KeyPublic>,
}

/// The key derivations of many PKCS#12 files as one batch that several threads share (see
/// [`kdf::Batch`]): each caller of [`P12Kdf::keys`] takes derivations until none is left,
/// then waits for the others; all get the same keys. A file whose keys are not in it derives
/// them itself.
pub(crate) struct P12Kdf(kdf::Batch);

impl P12Kdf {
    /// For every file of `files` read natively by [`inspect_p12_with`] (the others are left out).
    pub(crate) fn new(files: &[&[u8]], password: &str) -> P12Kdf {
        if password.contains('\0') {
            return P12Kdf(kdf::Batch::new(&[]));
        }
        P12Kdf(p12::batch(files, password))
    }

    /// Helps derive, waits for the other threads, and returns the keys.
    pub(crate) fn keys(&self) -> &kdf::Derived {
        self.0.finish()
    }
}

/// [`open_p12`] for judging only, with keys derived ahead of time ([`P12Kdf`]): the same
/// answer (and the same errors), but the OpenSSL 3 flavour (PBES2/AES, SHA-256 MAC) with an
/// RSA key is read natively, ~5x faster; anything else, including a wrong password, goes
/// through OpenSSL (and the legacy provider).
pub(crate) fn inspect_p12_with(
    path: &Path,
    data: &[u8],
    password: &str,
    kdf: &P12Kdf,
) -> Result<P12Summary> {
    if password.contains('\0') {
        return Err(Error::PasswordNul);
    }
    bounded_p12(path, data)?;
    if let Some(o) = p12::open_with(data, password, kdf.keys()) {
        return Ok(P12Summary {
            cert_der: o.cert_der,
            key: o
                .key
                .map(|public| KeyPublic(KeyInner::Rsa { public, pem: None })),
        });
    }
    let c = open_p12(path, data, password)?;
    Ok(P12Summary {
        cert_der: c.cert_der,
        key: c.key.map(|k| KeyPublic(KeyInner::OpenSsl(k))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_inner_reasons_are_catalogue_messages_with_the_english_of_before() {
        use crate::change::text_tests::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let p = || std::path::PathBuf::from("keys/a.key.nopass");
        for (e, old) in [
            (
                Error::BadCertificate {
                    path: p(),
                    reason: format!("{}{TRAILING_BYTES}", 3),
                },
                "not a valid X.509 certificate: 3 trailing bytes after the certificate",
            ),
            (
                Error::BadKey {
                    path: p(),
                    reason: format!("{UNSUPPORTED_KEY}DSA PRIVATE KEY'"),
                },
                "private key cannot be read: unsupported key type 'DSA PRIVATE KEY'",
            ),
            (
                Error::BadKey {
                    path: p(),
                    reason: NO_PASSWORD.into(),
                },
                "private key cannot be read: key is encrypted and no password was given",
            ),
        ] {
            assert_eq!(e.detail().to_string(), old);
            assert_eq!(strict(&en, &e.detail_text()), old);
            let j = strict(&ja, &e.detail_text());
            assert!(
                japanese(&j)
                    && !j.contains("trailing")
                    && !j.contains("unsupported")
                    && !j.contains("no password"),
                "{j}"
            );
        }
        // The parser's and OpenSSL's words are quoted as they came.
        assert!(own_reason("bad decrypt").is_none());
        assert!(own_reason(" trailing bytes after the certificate").is_none());
    }

    #[test]
    fn serial_hex_matches_openssl_index() {
        assert_eq!(serial_hex(&[0x10, 0x00]), "1000");
        assert_eq!(serial_hex(&[0x00, 0x9f]), "9F");
        assert_eq!(serial_hex(&[0x05]), "05");
        assert_eq!(serial_hex(&[]), "00");
    }

    #[test]
    fn truncated_pem_is_an_error_not_silence() {
        let p = Path::new("x.cer");
        let e = pem_blocks(p, b"Bag Attributes\n-----BEGIN CERTIFICATE-----\nMIIB\n").unwrap_err();
        assert!(matches!(e, Error::TruncatedPem { .. }), "{e}");
        assert!(e.to_string().contains("x.cer"));
    }

    #[test]
    fn preamble_and_crlf_are_skipped() {
        let p = Path::new("x");
        let data = b"Certificate:\r\n  Data: junk -----\r\n-----BEGIN CERTIFICATE-----\r\nAAEC\r\n-----END CERTIFICATE-----\r\ntrailer";
        let b = pem_blocks(p, data).unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].der, vec![0, 1, 2]);
    }

    /// The audit's one-open read of a plain file refuses a symlink (the caller then resolves
    /// it inside the tree), where `read_limited` follows it.
    #[test]
    fn nofollow_read_refuses_a_symlink() {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("a.cer");
        let link = d.path().join("b.cer");
        std::fs::write(&file, b"data").unwrap();
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(read_limited_nofollow(&file).unwrap(), b"data");
        assert_eq!(read_limited(&link).unwrap(), b"data");
        match read_limited_nofollow(&link) {
            Err(Error::Io { source, .. }) => {
                assert_eq!(source.raw_os_error(), Some(libc::ELOOP), "{source}")
            }
            other => panic!("a symlink was read: {other:?}"),
        }
    }

    /// Bytes that are not UTF-8 around a block still go through the lossy text (same blocks,
    /// same offsets as before the UTF-8 fast path).
    #[test]
    fn non_utf8_text_around_a_block() {
        let data = b"\xff\xfe junk\n-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n";
        let b = pem_blocks(Path::new("x"), data).unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].der, vec![0, 1, 2]);
        // Two invalid bytes became two U+FFFD (3 bytes each) in the text the offset is in.
        assert_eq!(b[0].offset, 12);
        assert!(b[0].text.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(
            certificates_in(Path::new("x"), data).unwrap(),
            vec![vec![0, 1, 2]]
        );
    }

    /// rhv-pki's own refusals to read a file: the io::Error's text is as before (English),
    /// [`crate::i18n::io_error`] finds them and says them in the reader's language.
    #[test]
    fn read_refusals_are_typed_and_catalogue_messages() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{io_error, Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let dir = tempfile::tempdir().unwrap();
        let e = read_regular_flags(dir.path(), 10, 0).unwrap_err();
        assert_eq!(e.to_string(), "is a directory, not a regular file");
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        assert_eq!(
            ReadRefusal::of(&e),
            Some(&ReadRefusal::NotRegular(NotRegularKind::Directory))
        );
        let big = dir.path().join("big");
        fs::write(&big, [b'x'; 11]).unwrap();
        let e = read_regular_flags(&big, 10, 0).unwrap_err();
        assert_eq!(e.to_string(), "larger than 10 bytes");
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
        assert_eq!(io_error(&e).key, "hostsf-read-too-large");
        let cases = [
            (
                ReadRefusal::NotRegular(NotRegularKind::Directory),
                "is a directory, not a regular file",
            ),
            (
                ReadRefusal::NotRegular(NotRegularKind::Fifo),
                "is a FIFO, not a regular file",
            ),
            (
                ReadRefusal::NotRegular(NotRegularKind::Socket),
                "is a socket, not a regular file",
            ),
            (
                ReadRefusal::NotRegular(NotRegularKind::Device),
                "is a device, not a regular file",
            ),
            (
                ReadRefusal::NotRegular(NotRegularKind::Other),
                "is not a regular file, not a regular file",
            ),
            (
                ReadRefusal::TooLarge { limit: 4194304 },
                "larger than 4194304 bytes",
            ),
        ];
        for (r, english) in cases {
            assert_eq!(r.to_string(), english);
            let io = std::io::Error::new(std::io::ErrorKind::InvalidInput, r.clone());
            assert_eq!(io.to_string(), english);
            let t = io_error(&io);
            assert_eq!(strict(&en, &t), english);
            let j = strict(&ja, &t);
            assert!(japanese(&j), "{j}");
            if let ReadRefusal::TooLarge { .. } = r {
                assert!(j.contains("4194304"), "{j}");
            }
            // Inside a file error, the whole line too.
            let pe = Error::io("/x/openssl.conf", io);
            assert_eq!(
                pe.text().english(),
                format!("/x/openssl.conf: cannot read: {english}")
            );
            assert!(strict(&ja, &pe.text()).contains("/x/openssl.conf"));
        }
        // The system's own words still come as they are.
        let os = std::io::Error::from_raw_os_error(libc::EACCES);
        assert_eq!(io_error(&os).english(), os.to_string());
    }
}
