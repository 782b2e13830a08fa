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
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use x509_parser::prelude::*;

use crate::pki::cert::{Digest, SigAlg};
use crate::pki::verify::{ChainStatus, Issuer};

/// The one crypto backend of the network side.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
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
    #[error("{endpoint}: bad client certificate or key: {reason}")]
    /// The client certificate or key cannot be used.
    ClientAuth {
        /// `host:port` probed.
        endpoint: String,
        /// Why it cannot be used.
        reason: String,
    },
}

/// A client certificate to present (vdsm requires one: the engine shows `engine.p12`).
pub struct ClientAuth {
    pub(crate) chain: Vec<CertificateDer<'static>>,
    pub(crate) key: PrivateKeyDer<'static>,
}

impl ClientAuth {}

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
    let provider = provider();
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
pub(crate) fn fetch_leaf(
    endpoint: &str,
    server_name: &str,
    timeout: Duration,
) -> Result<Vec<u8>, String> {
    let opts = ProbeOptions {
        server_name: Some(server_name),
        timeout,
        client_auth: None,
    };
    fetch(endpoint, &opts, false)
        .map_err(|e| e.to_string())?
        .chain
        .into_iter()
        .next()
        .ok_or_else(|| "no certificate presented".to_string())
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
    ) -> Result<PinnedVerifier, String> {
        Ok(PinnedVerifier {
            ca: Issuer::new("ca", ca_der)?,
            ca_der: ca_der.to_vec(),
            now,
            provider: provider(),
            observed: Mutex::new(None),
        })
    }

    /// The last server certificate this verifier accepted.
    pub fn observed(&self) -> Option<Observed> {
        self.observed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The chain logic, separate from rustls types so it can be tested directly.
    pub(crate) fn check(
        &self,
        leaf_der: &[u8],
        intermediates: &[&[u8]],
        name: &str,
    ) -> Result<Observed, String> {
        let (_, leaf) =
            X509Certificate::from_der(leaf_der).map_err(|e| format!("server certificate: {e}"))?;
        let now = (self.now)();
        let v = leaf.validity();
        if now > v.not_after.timestamp() {
            return Err(format!(
                "server certificate (serial {}) expired at {}",
                crate::pki::cert::serial_hex(leaf.raw_serial()),
                crate::pki::cert::rfc3339(v.not_after.timestamp())
            ));
        }
        if now < v.not_before.timestamp() {
            return Err(format!(
                "server certificate is not valid before {}",
                crate::pki::cert::rfc3339(v.not_before.timestamp())
            ));
        }
        if !name_matches(&leaf, name) {
            return Err(format!(
                "server certificate (CN {}) does not name '{name}' in its subjectAltName",
                leaf.subject()
                    .iter_common_name()
                    .next()
                    .and_then(|c| c.as_str().ok())
                    .unwrap_or("?")
            ));
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
                ChainStatus::BadSignature => {
                    return Err(
                        "server certificate signature does not verify with the pinned CA key"
                            .into(),
                    )
                }
                ChainStatus::Unverifiable => {
                    return Err("server certificate signature algorithm cannot be verified".into())
                }
                ChainStatus::OtherIssuer => {}
            }
            let next = intermediates.iter().find_map(|d| {
                let (_, c) = X509Certificate::from_der(d).ok()?;
                (c.subject().as_raw() == current.0.issuer().as_raw()).then_some((c, *d))
            });
            let Some((parent, parent_der)) = next else {
                break;
            };
            let parent_issuer = Issuer::new("intermediate", parent_der)?;
            if parent_issuer.check(&current.0, current.1) != ChainStatus::Valid {
                return Err("server chain has a signature that does not verify".into());
            }
            weak |= SigAlg::from_oid(&parent.signature_algorithm.algorithm.to_id_string())
                .digest
                .is_weak();
            current = (parent, parent_der);
        }
        if current.1 == self.ca_der.as_slice() {
            return Ok(self.observe(&leaf, weak));
        }
        Err(format!(
            "server certificate is issued by '{}', not by the pinned CA '{}'",
            leaf.issuer(),
            X509Certificate::from_der(&self.ca_der)
                .map(|(_, c)| c.subject().to_string())
                .unwrap_or_default()
        ))
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
            Err(reason) => Err(rustls::Error::General(reason)),
        }
    }
    handshake_signatures!();
}

/// A rustls client configuration that trusts only `verifier`'s CA.
pub fn pinned_client_config(
    verifier: Arc<PinnedVerifier>,
    client_auth: Option<&ClientAuth>,
) -> Result<rustls::ClientConfig, String> {
    let b = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    match client_auth {
        Some(ca) => b
            .with_client_auth_cert(ca.chain.clone(), ca.key.clone_key())
            .map_err(|e| e.to_string()),
        None => Ok(b.with_no_client_auth()),
    }
}

#[cfg(any(test, feature = "sim"))]
/// A rustls server configuration serving `chain` with `key` (tests, the simulator).
/// Works for SHA-1 certificates too: a server never checks its own chain.
pub(crate) fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<rustls::ServerConfig, String> {
    rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| e.to_string())
}

#[cfg(any(test, feature = "sim"))]
/// A signing key rustls can serve with, loaded once so many server configurations can share
/// it (the simulator's hosts all certify one key; parsing an RSA key per host would cost more
/// than issuing the certificate).
pub(crate) fn signing_key(
    provider: &CryptoProvider,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<dyn rustls::sign::SigningKey>, String> {
    provider
        .key_provider
        .load_private_key(key)
        .map_err(|e| e.to_string())
}

#[cfg(any(test, feature = "sim"))]
/// A rustls server configuration serving `chain` with an already loaded `key` (shared by many
/// configurations): no session cache and no TLS 1.3 tickets, so thousands of them stay small
/// and a handshake costs only the handshake. The key must belong to the leaf.
pub(crate) fn server_config_with_key(
    provider: Arc<CryptoProvider>,
    chain: Vec<CertificateDer<'static>>,
    key: Arc<dyn rustls::sign::SigningKey>,
) -> Result<rustls::ServerConfig, String> {
    let certified = rustls::sign::CertifiedKey::new(chain, key);
    certified.keys_match().map_err(|e| e.to_string())?;
    let mut c = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
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
    fn dns_wildcards_cover_one_label() {
        assert!(dns_matches("*.example.test", "engine.example.test"));
        assert!(!dns_matches("*.example.test", "a.b.example.test"));
        assert!(!dns_matches("*.example.test", "example.test"));
        assert!(dns_matches("Engine.Example.Test", "engine.example.test."));
        assert!(!dns_matches("engine.example.test", "other.example.test"));
    }
}
