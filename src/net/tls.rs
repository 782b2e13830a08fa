//! TLS probes and the pinned-CA verifier: what an endpoint really serves, judged against the
//! engine CA we already trust — including the SHA-1 certificates rustls and OpenSSL's default
//! security level would refuse, because those are exactly the Managers our users run.
//!
//! Two uses share this file:
//! - [`fetch_chain`] connects, completes (or at least reaches) the TLS handshake and returns
//!   the certificates the server presented, without judging them; callers compare serials and
//!   chains with the audit's own code ([`crate::pki::verify`]).
//! - [`PinnedVerifier`] is a rustls verifier for clients that must trust *only* the engine CA
//!   (the REST client): chain to the pinned CA (SHA-1 accepted, and recorded so it can be
//!   reported), validity at the caller's clock, and the server name in the SAN.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use x509_parser::prelude::*;

use crate::pki::cert::{Digest, SigAlg};
use crate::pki::verify::{ChainStatus, Issuer, IssuerError};

/// The one crypto backend of the network side (built once per process).
pub fn provider() -> Arc<CryptoProvider> {
    static P: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    P.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider()))
        .clone()
}

/// [`provider`] with the SHA-256 cipher suites offered first, for probes: a probe only reads
/// the certificate, and ring hashes SHA-256 with the CPU's SHA extensions where SHA-384 runs
/// in software (perf of a 5,000-host `hosts audit`: SHA-512 blocks were ~5% of the client's
/// CPU). The same suites are offered; servers that choose by their own order still may.
fn probe_provider() -> Arc<CryptoProvider> {
    static P: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    P.get_or_init(|| {
        let mut p = rustls::crypto::ring::default_provider();
        use rustls::CipherSuite as C;
        p.cipher_suites.sort_by_key(|s| {
            matches!(
                s.suite(),
                C::TLS13_AES_256_GCM_SHA384
                    | C::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
                    | C::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
            )
        });
        Arc::new(p)
    })
    .clone()
}

/// What an endpoint presented during the handshake.
#[derive(Debug, Clone)]
pub struct Served {
    /// DER certificates, leaf first, exactly as sent.
    pub chain: Vec<Vec<u8>>,
    /// `TLSv1.3` / `TLSv1.2` when the handshake completed; `None` when the server ended it
    /// after showing its certificate (e.g. it requires a client certificate we did not send).
    pub protocol: Option<String>,
    /// Why the handshake did not complete, when it did not.
    pub incomplete: Option<String>,
}

/// A probe that did not get to see a certificate.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{endpoint}: cannot resolve: {reason}")]
    /// The name does not resolve.
    Resolve {
        /// `host:port` probed.
        endpoint: String,
        /// The resolver's error.
        reason: String,
    },
    #[error("{endpoint}: cannot connect: {source}")]
    /// No TCP connection.
    Connect {
        /// `host:port` probed.
        endpoint: String,
        #[source]
        /// The I/O error.
        source: std::io::Error,
    },
    #[error("{endpoint}: TLS handshake failed before a certificate was presented: {reason}")]
    /// The handshake failed before any certificate was seen.
    Handshake {
        /// `host:port` probed.
        endpoint: String,
        /// The TLS error.
        reason: String,
    },
    #[error("{endpoint}: bad server name '{name}'")]
    /// The server name is not valid for TLS (SNI).
    ServerName {
        /// `host:port` probed.
        endpoint: String,
        /// The name given.
        name: String,
    },
    /// The client certificate or key cannot be used.
    #[error("{endpoint}: bad client certificate or key: {reason}")]
    ClientAuth {
        /// `host:port` probed.
        endpoint: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// The handshake completed without a certificate.
    #[error("no certificate presented")]
    NoCertificate {
        /// `host:port` probed.
        endpoint: String,
    },
}

impl ProbeError {
    /// The endpoint probed.
    pub fn endpoint(&self) -> &str {
        match self {
            ProbeError::Resolve { endpoint, .. }
            | ProbeError::Connect { endpoint, .. }
            | ProbeError::Handshake { endpoint, .. }
            | ProbeError::ServerName { endpoint, .. }
            | ProbeError::ClientAuth { endpoint, .. }
            | ProbeError::NoCertificate { endpoint } => endpoint,
        }
    }
    /// The message without the endpoint, for a report that names the endpoint already.
    pub fn detail(&self) -> String {
        match self {
            ProbeError::Resolve { reason, .. } => format!("cannot resolve: {reason}"),
            ProbeError::Connect { source, .. } => format!("cannot connect: {source}"),
            ProbeError::Handshake { reason, .. } => {
                format!("TLS handshake failed before a certificate was presented: {reason}")
            }
            ProbeError::ServerName { name, .. } => format!("bad server name '{name}'"),
            ProbeError::ClientAuth { reason, .. } => {
                format!("bad client certificate or key: {reason}")
            }
            ProbeError::NoCertificate { .. } => self.to_string(),
        }
    }

    /// [`detail`](ProbeError::detail) as a catalogue message: rhv-pki's words in the reader's
    /// language, the resolver's, the system's and the TLS library's as they came.
    pub fn detail_text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            ProbeError::Resolve { reason, .. } => Text::new("probe-resolve").arg("reason", reason),
            ProbeError::Connect { source, .. } => {
                Text::new("probe-connect").arg_text("error", crate::i18n::io_error(source))
            }
            ProbeError::Handshake { reason, .. } => {
                Text::new("probe-handshake").arg("reason", reason)
            }
            ProbeError::ServerName { name, .. } => Text::new("probe-server-name").arg("name", name),
            ProbeError::ClientAuth { reason, .. } => {
                Text::new("probe-client-auth").arg("reason", reason)
            }
            ProbeError::NoCertificate { .. } => Text::new("probe-no-certificate"),
        }
    }

    /// The whole message (`Display`) as a catalogue message; English byte for byte.
    pub fn text(&self) -> crate::i18n::Text {
        match self {
            ProbeError::NoCertificate { .. } => self.detail_text(),
            _ => crate::i18n::Text::new("probe-at")
                .arg("endpoint", self.endpoint())
                .arg_text("detail", self.detail_text()),
        }
    }
}

/// Building a TLS configuration or client identity failed.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// rustls refused the configuration (protocol versions, a key that does not match).
    #[error(transparent)]
    Rustls(#[from] rustls::Error),
}

/// Why a pinned verifier refused a server certificate; each variant quotes the evidence.
#[derive(Debug, thiserror::Error)]
pub enum ServerCertError {
    /// The certificate cannot be parsed.
    #[error("server certificate: {reason}")]
    Parse {
        /// The parser's reason.
        reason: String,
    },
    /// The certificate has expired.
    #[error("server certificate (serial {serial}) expired at {}", crate::pki::cert::rfc3339(*.not_after))]
    Expired {
        /// Its serial, hex.
        serial: String,
        /// Its notAfter (Unix seconds).
        not_after: i64,
        /// The time it was judged at (Unix seconds).
        now: i64,
    },
    /// The certificate is not valid yet.
    #[error("server certificate is not valid before {}", crate::pki::cert::rfc3339(*.not_before))]
    NotYetValid {
        /// Its notBefore (Unix seconds).
        not_before: i64,
        /// The time it was judged at (Unix seconds).
        now: i64,
    },
    /// The certificate does not name the server in its subjectAltName.
    #[error("server certificate (CN {cn}) does not name '{name}' in its subjectAltName")]
    NameMismatch {
        /// Its subject CN.
        cn: String,
        /// The name connected to.
        name: String,
    },
    /// The signature does not verify with the pinned CA's key.
    #[error("server certificate signature does not verify with the pinned CA key")]
    BadSignature,
    /// The signature algorithm is not one the verifier can check.
    #[error("server certificate signature algorithm cannot be verified")]
    Unverifiable,
    /// An intermediate certificate that cannot be read as an issuer.
    #[error("{0}")]
    Intermediate(#[source] IssuerError),
    /// A signature along the presented chain does not verify.
    #[error("server chain has a signature that does not verify")]
    ChainSignature,
    /// Another CA issued the certificate.
    #[error("server certificate is issued by '{issuer}', not by the pinned CA '{pinned}'")]
    OtherIssuer {
        /// Its issuer name.
        issuer: String,
        /// The pinned CA's subject.
        pinned: String,
    },
}

impl ServerCertError {
    /// The refusal as a catalogue message: rhv-pki's words in the reader's language, the
    /// dates, serials and names (and the parser's words) as they came. English: the `Display`.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        let rfc = crate::pki::cert::rfc3339;
        match self {
            ServerCertError::Parse { reason } => Text::new("tls-cert-parse").arg("reason", reason),
            ServerCertError::Expired {
                serial, not_after, ..
            } => Text::new("tls-cert-expired")
                .arg("serial", serial)
                .arg("date", rfc(*not_after)),
            ServerCertError::NotYetValid { not_before, .. } => {
                Text::new("tls-cert-not-yet-valid").arg("date", rfc(*not_before))
            }
            ServerCertError::NameMismatch { cn, name } => Text::new("tls-cert-name-mismatch")
                .arg("cn", cn)
                .arg("name", name),
            ServerCertError::BadSignature => Text::new("tls-cert-bad-signature"),
            ServerCertError::Unverifiable => Text::new("tls-cert-unverifiable"),
            ServerCertError::Intermediate(e) => Text::new("tls-cert-intermediate").arg("reason", e),
            ServerCertError::ChainSignature => Text::new("tls-cert-chain-signature"),
            ServerCertError::OtherIssuer { issuer, pinned } => Text::new("tls-cert-other-issuer")
                .arg("issuer", issuer)
                .arg("pinned", pinned),
        }
    }
}

/// A client certificate to present (vdsm requires one: the engine shows `engine.p12`).
pub struct ClientAuth {
    pub(crate) chain: Vec<CertificateDer<'static>>,
    pub(crate) key: PrivateKeyDer<'static>,
}

/// Options of one probe.
pub struct ProbeOptions<'a> {
    /// Name sent as SNI (the host part of the endpoint when `None`).
    pub server_name: Option<&'a str>,
    /// Longest wait for the connection and the handshake.
    pub timeout: Duration,
    /// A client certificate to present (vdsm requires one).
    pub client_auth: Option<&'a ClientAuth>,
}

impl Default for ProbeOptions<'_> {
    fn default() -> Self {
        ProbeOptions {
            server_name: None,
            timeout: Duration::from_secs(10),
            client_auth: None,
        }
    }
}

/// The handshake-signature half of a verifier: always the crypto provider's own checks (only
/// the certificate judgement differs between our verifiers).
macro_rules! handshake_signatures {
    () => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls12_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }
        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls13_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }
        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.provider
                .signature_verification_algorithms
                .supported_schemes()
        }
    };
}

/// Records what the server presented and accepts it: judging is the caller's job.
#[derive(Debug)]
struct Capture {
    seen: Mutex<Option<Vec<Vec<u8>>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Capture {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.to_vec()];
        chain.extend(intermediates.iter().map(|c| c.to_vec()));
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(chain);
        Ok(ServerCertVerified::assertion())
    }
    handshake_signatures!();
}

/// Connects to `endpoint` (`host:port`) and returns the certificates it presents.
///
/// This deliberately does not verify: a probe must see an expired, SHA-1 or foreign
/// certificate in order to report it. Never use it to send anything secret.
pub fn fetch_chain(endpoint: &str, opts: &ProbeOptions<'_>) -> Result<Served, ProbeError> {
    fetch(endpoint, opts, true)
}

/// [`fetch_chain`]; `confirm` waits (up to 50 ms) for a TLS 1.3 server to reject the
/// handshake after it completed, which only matters to callers that report `incomplete`.
fn fetch(endpoint: &str, opts: &ProbeOptions<'_>, confirm: bool) -> Result<Served, ProbeError> {
    let host = endpoint
        .rsplit_once(':')
        .map(|(h, _)| h.trim_start_matches('[').trim_end_matches(']'))
        .unwrap_or(endpoint);
    let name_text = opts.server_name.unwrap_or(host).to_string();
    let server_name =
        ServerName::try_from(name_text.clone()).map_err(|_| ProbeError::ServerName {
            endpoint: endpoint.into(),
            name: name_text.clone(),
        })?;
    let provider = probe_provider();
    let capture = Arc::new(Capture {
        seen: Mutex::new(None),
        provider: provider.clone(),
    });
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ProbeError::Handshake {
            endpoint: endpoint.into(),
            reason: e.to_string(),
        })?
        .dangerous()
        .with_custom_certificate_verifier(capture.clone());
    let config = match opts.client_auth {
        Some(ca) => builder
            .with_client_auth_cert(ca.chain.clone(), ca.key.clone_key())
            .map_err(|e| ProbeError::ClientAuth {
                endpoint: endpoint.into(),
                reason: e.to_string(),
            })?,
        None => builder.with_no_client_auth(),
    };
    // One connection per configuration: nothing to resume, so no session cache to fill.
    let mut config = config;
    config.resumption = rustls::client::Resumption::disabled();
    let addr = endpoint
        .to_socket_addrs()
        .map_err(|e| ProbeError::Resolve {
            endpoint: endpoint.into(),
            reason: e.to_string(),
        })?
        .next()
        .ok_or_else(|| ProbeError::Resolve {
            endpoint: endpoint.into(),
            reason: "no address".into(),
        })?;
    let mut sock =
        TcpStream::connect_timeout(&addr, opts.timeout).map_err(|e| ProbeError::Connect {
            endpoint: endpoint.into(),
            source: e,
        })?;
    let _ = sock.set_read_timeout(Some(opts.timeout));
    let _ = sock.set_write_timeout(Some(opts.timeout));
    let _ = sock.set_nodelay(true);
    let mut conn = rustls::ClientConnection::new(Arc::new(config), server_name).map_err(|e| {
        ProbeError::Handshake {
            endpoint: endpoint.into(),
            reason: e.to_string(),
        }
    })?;
    let mut failure = None;
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut sock) {
            failure = Some(e.to_string());
            break;
        }
    }
    // TLS 1.3 servers that require a client certificate reject it only after the handshake:
    // give them one round trip to say so, without waiting on servers that say nothing.
    if failure.is_none() && confirm {
        let _ = sock.set_read_timeout(Some(Duration::from_millis(50)));
        let mut tls = rustls::Stream::new(&mut conn, &mut sock);
        let _ = tls.flush();
        let mut b = [0u8; 1];
        if let Err(e) = tls.read(&mut b) {
            if !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) {
                failure = Some(e.to_string());
            }
        }
    }
    let chain = capture
        .seen
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    let Some(chain) = chain else {
        return Err(ProbeError::Handshake {
            endpoint: endpoint.into(),
            reason: failure.unwrap_or_else(|| "no certificate".into()),
        });
    };
    let protocol = if failure.is_none() {
        conn.protocol_version().map(|v| match v {
            rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_string(),
            rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_string(),
            other => format!("{other:?}"),
        })
    } else {
        None
    };
    conn.send_close_notify();
    let _ = conn.complete_io(&mut sock);
    Ok(Served {
        chain,
        protocol,
        incomplete: failure,
    })
}

/// The leaf certificate `endpoint` presents for `server_name` (DER), or why there is none.
/// The certificate is known once the handshake is done, so this does not wait for a server's
/// late word on it (a vdsm that keeps the connection open would cost 50 ms per host).
pub fn fetch_leaf(
    endpoint: &str,
    server_name: &str,
    timeout: Duration,
) -> Result<Vec<u8>, ProbeError> {
    let opts = ProbeOptions {
        server_name: Some(server_name),
        timeout,
        client_auth: None,
    };
    fetch(endpoint, &opts, false)?
        .chain
        .into_iter()
        .next()
        .ok_or_else(|| ProbeError::NoCertificate {
            endpoint: endpoint.into(),
        })
}

/// What a pinned connection saw of the server certificate (for reporting weak ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// Serial of the leaf certificate, hex.
    pub serial: String,
    /// Its signature algorithm.
    pub signature: String,
    /// That algorithm is SHA-1 or MD5.
    pub weak_signature: bool,
    pub(crate) not_after: i64,
}

/// A rustls verifier that trusts exactly one CA certificate (the engine's `ca.pem`, or
/// `apache-ca.pem` for a third-party apache certificate), accepts SHA-1 signatures on the way
/// (recording them), checks validity against the caller's clock and the name against the SAN.
pub struct PinnedVerifier {
    ca: Issuer,
    ca_der: Vec<u8>,
    now: Arc<dyn Fn() -> i64 + Send + Sync>,
    provider: Arc<CryptoProvider>,
    observed: Mutex<Option<Observed>>,
    /// The last refusal, typed (rustls carries only its text): see [`PinnedVerifier::take_refusal`].
    refused: Mutex<Option<ServerCertError>>,
}

impl std::fmt::Debug for PinnedVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinnedVerifier")
            .field("ca", &self.ca.name)
            .finish()
    }
}

impl PinnedVerifier {
    /// `ca_der` is the one trusted certificate; `now` returns Unix seconds.
    pub fn new(
        ca_der: &[u8],
        now: Arc<dyn Fn() -> i64 + Send + Sync>,
    ) -> Result<PinnedVerifier, IssuerError> {
        Ok(PinnedVerifier {
            ca: Issuer::new("ca", ca_der)?,
            ca_der: ca_der.to_vec(),
            now,
            provider: provider(),
            observed: Mutex::new(None),
            refused: Mutex::new(None),
        })
    }

    /// The last server certificate this verifier accepted.
    pub fn observed(&self) -> Option<Observed> {
        self.observed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Why this verifier last refused a server certificate (taken: a second call says
    /// `None`). rustls hands the caller only the refusal's English text; this is the same
    /// refusal with its evidence, so that the caller can say it in the reader's language.
    pub fn take_refusal(&self) -> Option<ServerCertError> {
        self.refused
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// The chain logic, separate from rustls types so it can be tested directly.
    pub(crate) fn check(
        &self,
        leaf_der: &[u8],
        intermediates: &[&[u8]],
        name: &str,
    ) -> Result<Observed, ServerCertError> {
        let (_, leaf) =
            X509Certificate::from_der(leaf_der).map_err(|e| ServerCertError::Parse {
                reason: e.to_string(),
            })?;
        let now = (self.now)();
        let v = leaf.validity();
        if now > v.not_after.timestamp() {
            return Err(ServerCertError::Expired {
                serial: crate::pki::cert::serial_hex(leaf.raw_serial()),
                not_after: v.not_after.timestamp(),
                now,
            });
        }
        if now < v.not_before.timestamp() {
            return Err(ServerCertError::NotYetValid {
                not_before: v.not_before.timestamp(),
                now,
            });
        }
        if !name_matches(&leaf, name) {
            return Err(ServerCertError::NameMismatch {
                cn: leaf
                    .subject()
                    .iter_common_name()
                    .next()
                    .and_then(|c| c.as_str().ok())
                    .unwrap_or("?")
                    .to_string(),
                name: name.to_string(),
            });
        }
        // Walk leaf -> intermediates... -> pinned CA (oVirt's own chain has no intermediates;
        // a third-party apache chain may).
        let mut weak = SigAlg::from_oid(&leaf.signature_algorithm.algorithm.to_id_string())
            .digest
            .is_weak();
        let mut current: (X509Certificate<'_>, &[u8]) = (leaf.clone(), leaf_der);
        for _depth in 0..=intermediates.len() {
            if current.1 == self.ca_der.as_slice() {
                break;
            }
            match self.ca.check(&current.0, current.1) {
                ChainStatus::Valid => return Ok(self.observe(&leaf, weak)),
                ChainStatus::BadSignature => return Err(ServerCertError::BadSignature),
                ChainStatus::Unverifiable => return Err(ServerCertError::Unverifiable),
                ChainStatus::OtherIssuer => {}
            }
            let next = intermediates.iter().find_map(|d| {
                let (_, c) = X509Certificate::from_der(d).ok()?;
                (c.subject().as_raw() == current.0.issuer().as_raw()).then_some((c, *d))
            });
            let Some((parent, parent_der)) = next else {
                break;
            };
            let parent_issuer =
                Issuer::new("intermediate", parent_der).map_err(ServerCertError::Intermediate)?;
            if parent_issuer.check(&current.0, current.1) != ChainStatus::Valid {
                return Err(ServerCertError::ChainSignature);
            }
            weak |= SigAlg::from_oid(&parent.signature_algorithm.algorithm.to_id_string())
                .digest
                .is_weak();
            current = (parent, parent_der);
        }
        if current.1 == self.ca_der.as_slice() {
            return Ok(self.observe(&leaf, weak));
        }
        Err(ServerCertError::OtherIssuer {
            issuer: leaf.issuer().to_string(),
            pinned: X509Certificate::from_der(&self.ca_der)
                .map(|(_, c)| c.subject().to_string())
                .unwrap_or_default(),
        })
    }

    fn observe(&self, leaf: &X509Certificate<'_>, weak: bool) -> Observed {
        let alg = SigAlg::from_oid(&leaf.signature_algorithm.algorithm.to_id_string());
        Observed {
            serial: crate::pki::cert::serial_hex(leaf.raw_serial()),
            signature: alg.name.to_string(),
            weak_signature: weak || matches!(alg.digest, Digest::Md5 | Digest::Sha1),
            not_after: leaf.validity().not_after.timestamp(),
        }
    }
}

/// Does the certificate name `name` (DNS, with one leading wildcard label, or IP) in its SAN?
pub(crate) fn name_matches(cert: &X509Certificate<'_>, name: &str) -> bool {
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return false;
    };
    let ip: Option<std::net::IpAddr> = name.parse().ok();
    san.value.general_names.iter().any(|g| match g {
        GeneralName::DNSName(d) => dns_matches(d, name),
        GeneralName::IPAddress(b) => match ip {
            Some(std::net::IpAddr::V4(a)) => b[..] == a.octets()[..],
            Some(std::net::IpAddr::V6(a)) => b[..] == a.octets()[..],
            None => false,
        },
        _ => false,
    })
}

fn dns_matches(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.to_ascii_lowercase(), name.to_ascii_lowercase());
    let n = n.trim_end_matches('.');
    let p = p.trim_end_matches('.');
    if let Some(rest) = p.strip_prefix("*.") {
        return n
            .split_once('.')
            .is_some_and(|(first, tail)| !first.is_empty() && tail == rest);
    }
    p == n
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let name = match server_name {
            ServerName::DnsName(d) => d.as_ref().to_string(),
            ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
            _ => String::new(),
        };
        let inter: Vec<&[u8]> = intermediates.iter().map(|c| c.as_ref()).collect();
        match self.check(end_entity.as_ref(), &inter, &name) {
            Ok(o) => {
                *self.observed.lock().unwrap_or_else(|p| p.into_inner()) = Some(o);
                Ok(ServerCertVerified::assertion())
            }
            Err(reason) => {
                let said = reason.to_string();
                *self.refused.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason);
                Err(rustls::Error::General(said))
            }
        }
    }
    handshake_signatures!();
}

/// A rustls client configuration that trusts only `verifier`'s CA.
pub fn pinned_client_config(
    verifier: Arc<PinnedVerifier>,
    client_auth: Option<&ClientAuth>,
) -> Result<rustls::ClientConfig, TlsError> {
    let b = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    Ok(match client_auth {
        Some(ca) => b.with_client_auth_cert(ca.chain.clone(), ca.key.clone_key())?,
        None => b.with_no_client_auth(),
    })
}

#[cfg(any(test, feature = "sim"))]
/// A rustls server configuration serving `chain` with `key` (tests, the simulator).
/// Works for SHA-1 certificates too: a server never checks its own chain.
pub(crate) fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<rustls::ServerConfig, TlsError> {
    Ok(rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?)
}

#[cfg(any(test, feature = "sim"))]
/// A signing key rustls can serve with, loaded once so many server configurations can share
/// it (the simulator's hosts all certify one key; parsing an RSA key per host would cost more
/// than issuing the certificate).
pub(crate) fn signing_key(
    provider: &CryptoProvider,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<dyn rustls::sign::SigningKey>, TlsError> {
    Ok(provider.key_provider.load_private_key(key)?)
}

#[cfg(any(test, feature = "sim"))]
/// A rustls server configuration serving `chain` with an already loaded `key` (shared by many
/// configurations): no session cache and no TLS 1.3 tickets, so thousands of them stay small
/// and a handshake costs only the handshake. The key must belong to the leaf.
pub(crate) fn server_config_with_key(
    provider: Arc<CryptoProvider>,
    chain: Vec<CertificateDer<'static>>,
    key: Arc<dyn rustls::sign::SigningKey>,
) -> Result<rustls::ServerConfig, TlsError> {
    let certified = rustls::sign::CertifiedKey::new(chain, key);
    certified.keys_match()?;
    let mut c = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(certified)));
    c.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    c.send_tls13_tickets = 0;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_errors_keep_their_english_and_have_japanese() {
        use crate::change::text_tests::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let ep = || "127.0.0.1:9".to_string();
        let all = [
            ProbeError::Resolve {
                endpoint: ep(),
                reason: "Name or service not known".into(),
            },
            ProbeError::Connect {
                endpoint: ep(),
                source: std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
            },
            ProbeError::Handshake {
                endpoint: ep(),
                reason: "received fatal alert: HandshakeFailure".into(),
            },
            ProbeError::ServerName {
                endpoint: ep(),
                name: "a b".into(),
            },
            ProbeError::ClientAuth {
                endpoint: ep(),
                reason: "no key".into(),
            },
            ProbeError::NoCertificate { endpoint: ep() },
        ];
        for e in &all {
            assert_eq!(strict(&en, &e.text()), e.to_string());
            assert_eq!(strict(&en, &e.detail_text()), e.detail());
            assert!(japanese(&strict(&ja, &e.text())), "{e:?}");
        }
    }

    fn sample(era: &str, file: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/pki")
            .join(era)
            .join("etc/pki/ovirt-engine")
            .join(file);
        let pem = std::fs::read(&p).unwrap();
        openssl::x509::X509::from_pem(&pem)
            .unwrap()
            .to_der()
            .unwrap()
    }

    /// Every refusal of the pinned verifier carries its evidence (serial and dates with the
    /// `now` it was judged at, the names compared, the issuers), and reads as it always did.
    #[test]
    fn server_certificate_refusals_carry_the_evidence() {
        let ca = sample("4.5-modern", "ca.pem");
        let leaf = sample("4.5-modern", "certs/apache.cer");
        let at = |now: i64| PinnedVerifier::new(&ca, Arc::new(move || now)).unwrap();
        let valid = 1_793_491_200; // 2026-11-01, inside May 2026 .. Jul 2027
        let o = at(valid)
            .check(&leaf, &[], "engine45.example.test")
            .unwrap();
        assert_eq!(o.serial, "1010");
        let later = 1_830_000_000;
        match at(later).check(&leaf, &[], "engine45.example.test") {
            Err(e @ ServerCertError::Expired { .. }) => {
                let ServerCertError::Expired {
                    serial,
                    not_after,
                    now,
                } = &e
                else {
                    unreachable!()
                };
                assert_eq!((serial.as_str(), *now), ("1010", later));
                assert_eq!(*not_after, o.not_after);
                assert_eq!(
                    e.to_string(),
                    "server certificate (serial 1010) expired at 2027-07-04T00:00:00Z"
                );
            }
            other => panic!("{other:?}"),
        }
        match at(0).check(&leaf, &[], "engine45.example.test") {
            Err(e @ ServerCertError::NotYetValid { now: 0, .. }) => assert_eq!(
                e.to_string(),
                "server certificate is not valid before 2026-05-31T00:00:00Z"
            ),
            other => panic!("{other:?}"),
        }
        match at(valid).check(&leaf, &[], "other.example.test") {
            Err(e @ ServerCertError::NameMismatch { .. }) => {
                assert!(matches!(&e, ServerCertError::NameMismatch { cn, name }
                    if cn == "engine45.example.test" && name == "other.example.test"));
                assert_eq!(
                    e.to_string(),
                    "server certificate (CN engine45.example.test) does not name 'other.example.test' in its subjectAltName"
                );
            }
            other => panic!("{other:?}"),
        }
        let other_ca = sample("4.2-sha1", "ca.pem");
        let v = PinnedVerifier::new(&other_ca, Arc::new(move || valid)).unwrap();
        match v.check(&leaf, &[], "engine45.example.test") {
            Err(ServerCertError::OtherIssuer { issuer, pinned }) => {
                assert!(issuer.contains("engine45.example.test.61024"), "{issuer}");
                assert!(pinned.contains("engine42.example.test.48213"), "{pinned}");
            }
            other => panic!("{other:?}"),
        }
        match at(valid).check(b"junk", &[], "x") {
            Err(e @ ServerCertError::Parse { .. }) => {
                assert!(e.to_string().starts_with("server certificate: "), "{e}")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            PinnedVerifier::new(b"junk", Arc::new(|| 0)),
            Err(IssuerError::Certificate(_))
        ));
    }

    /// The verifier's refusals in the reader's language: English as before, Japanese keeping
    /// the serial, dates, names and issuers; the refusal rustls only carries as text is kept,
    /// typed, for the caller (taken once).
    #[test]
    fn server_certificate_refusals_are_said_in_japanese() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let ca = sample("4.5-modern", "ca.pem");
        let leaf = sample("4.5-modern", "certs/apache.cer");
        let valid = 1_793_491_200;
        let at = |now: i64| PinnedVerifier::new(&ca, Arc::new(move || now)).unwrap();
        let other =
            PinnedVerifier::new(&sample("4.2-sha1", "ca.pem"), Arc::new(move || valid)).unwrap();
        let name = "engine45.example.test";
        let mut all: Vec<(ServerCertError, Vec<String>)> = vec![
            (
                at(1_830_000_000).check(&leaf, &[], name).unwrap_err(),
                vec!["1010".into(), "2027-07-04T00:00:00Z".into()],
            ),
            (
                at(0).check(&leaf, &[], name).unwrap_err(),
                vec!["2026-05-31T00:00:00Z".into()],
            ),
            (
                at(valid).check(&leaf, &[], "wrongname").unwrap_err(),
                vec!["engine45.example.test".into(), "'wrongname'".into()],
            ),
            (other.check(&leaf, &[], name).unwrap_err(), vec![]),
            (at(valid).check(b"junk", &[], "x").unwrap_err(), vec![]),
        ];
        if let ServerCertError::OtherIssuer { issuer, pinned } = &all[3].0 {
            all[3].1 = vec![format!("'{issuer}'"), format!("'{pinned}'")];
        } else {
            panic!("{:?}", all[3].0);
        }
        all.push((ServerCertError::BadSignature, vec![]));
        all.push((ServerCertError::Unverifiable, vec![]));
        all.push((ServerCertError::ChainSignature, vec![]));
        let Err(bad) = Issuer::new("intermediate", b"junk") else {
            panic!("junk read as a certificate");
        };
        let bad_text = bad.to_string();
        all.push((ServerCertError::Intermediate(bad), vec![bad_text]));
        for (e, evidence) in &all {
            assert_eq!(strict(&en, &e.text()), e.to_string(), "{e:?}");
            let j = strict(&ja, &e.text());
            assert!(japanese(&j), "{e:?}: {j}");
            for v in evidence {
                assert!(j.contains(v.as_str()), "{v} not in {j}");
            }
        }
        // Through rustls' entry point: rustls gets the English, the caller the typed refusal.
        let v = at(valid);
        let sn = ServerName::try_from("wrongname").unwrap();
        let r = v.verify_server_cert(
            &CertificateDer::from(leaf.clone()),
            &[],
            &sn,
            &[],
            UnixTime::now(),
        );
        let said = r.unwrap_err().to_string();
        let cert = v.take_refusal().expect("the refusal is kept");
        assert!(said.ends_with(&cert.to_string()), "{said}");
        assert!(matches!(cert, ServerCertError::NameMismatch { .. }));
        assert!(v.take_refusal().is_none(), "taken once");
    }

    /// A probe's error without the endpoint it names reads as the rest of its message.
    #[test]
    fn probe_errors_say_their_detail_without_the_endpoint() {
        let e = ProbeError::Resolve {
            endpoint: "h1:54321".into(),
            reason: "no address".into(),
        };
        assert_eq!(e.endpoint(), "h1:54321");
        assert_eq!(e.to_string(), format!("h1:54321: {}", e.detail()));
        let e = ProbeError::NoCertificate {
            endpoint: "h1:54321".into(),
        };
        assert_eq!(e.detail(), "no certificate presented");
        assert_eq!(e.to_string(), "no certificate presented");
    }

    #[test]
    fn probes_offer_every_default_suite_sha256_ones_first() {
        let default: Vec<_> = rustls::crypto::ring::default_provider()
            .cipher_suites
            .iter()
            .map(|s| s.suite())
            .collect();
        let probe: Vec<_> = probe_provider()
            .cipher_suites
            .iter()
            .map(|s| s.suite())
            .collect();
        let (mut a, mut b) = (default.clone(), probe.clone());
        a.sort_by_key(|s| u16::from(*s));
        b.sort_by_key(|s| u16::from(*s));
        assert_eq!(a, b, "the same suites");
        assert_eq!(probe[0], rustls::CipherSuite::TLS13_AES_128_GCM_SHA256);
        let first_384 = probe
            .iter()
            .position(|s| format!("{s:?}").ends_with("SHA384"))
            .unwrap();
        assert!(
            probe[first_384..]
                .iter()
                .all(|s| format!("{s:?}").ends_with("SHA384")),
            "{probe:?}"
        );
        // The default's own order is left alone.
        assert_eq!(
            default[0],
            rustls::CipherSuite::TLS13_AES_256_GCM_SHA384,
            "{default:?}"
        );
    }

    #[test]
    fn dns_wildcards_cover_one_label() {
        assert!(dns_matches("*.example.test", "engine.example.test"));
        assert!(!dns_matches("*.example.test", "a.b.example.test"));
        assert!(!dns_matches("*.example.test", "example.test"));
        assert!(dns_matches("Engine.Example.Test", "engine.example.test."));
        assert!(!dns_matches("engine.example.test", "other.example.test"));
    }
}
