//! Faithful issuance: certificates, CSRs, PKCS#12 stores and index lines exactly as oVirt's
//! `pki-create-ca.sh --renew`, `pki-enroll-request.sh` / `openssl ca` and
//! `pki-enroll-pkcs12.sh` + engine-setup's `_expandPKCS12` leave them. Pure functions:
//! bytes in, bytes out; `txn` writes them.

use openssl::asn1::{Asn1Integer, Asn1Object, Asn1OctetString, Asn1Time};
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{HasPublic, PKey, PKeyRef, Private};
use openssl::stack::Stack;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
    SubjectKeyIdentifier,
};
use openssl::x509::{X509Extension, X509NameRef, X509Req, X509ReqBuilder, X509};

use crate::i18n::Text;
use crate::pki::catalog::Profile;

/// An issuance failure; the caller names the entity.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {reason}")]
pub struct SignError {
    /// The step that failed.
    pub(crate) what: SignStep,
    /// Why (OpenSSL's or a library's words as they came, or rhv-pki's own).
    pub(crate) reason: SignReason,
}

/// The step of an issuance that failed. English (the `Display`): the label rhv-pki has
/// always printed; [`SignStep::text`] says it in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignStep {
    /// Re-signing a CA with its own key (`CA re-sign`).
    CaResign,
    /// Issuing a leaf certificate (`issue`).
    Issue,
    /// Making a certificate request (`request`).
    Request,
    /// Building one X.509 extension, named as OpenSSL names it (`keyUsage`, …).
    Extension(&'static str),
    /// `openssl x509 -text` output (`text dump`).
    TextDump,
    /// PEM encoding (`PEM`).
    Pem,
    /// The p12 `localKeyID` (`localKeyID`).
    LocalKeyId,
    /// PKCS#8 encoding of a key (`PKCS#8`).
    Pkcs8,
    /// Building a PKCS#12 store (`PKCS#12`).
    Pkcs12,
    /// An RSA key as an OpenSSH key (`OpenSSH key`).
    OpensshKey,
    /// Writing an OpenSSH public key line (`OpenSSH public key`).
    OpensshPublicKey,
    /// Making an OpenSSH certificate: the file it is for (`certs/….pub`).
    OpensshCert(String),
    /// Building a subject name (`subject`).
    Subject,
    /// Adding one attribute to a subject name (`subject CN`).
    SubjectEntry(String),
    /// Reading a host's certificate request (`CSR`).
    Csr,
    /// Generating a new key (`key generation`).
    KeyGeneration,
    /// Drawing a random nonce (`nonce`).
    Nonce,
}

impl std::fmt::Display for SignStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().english())
    }
}

impl SignStep {
    /// The step as a catalogue message.
    pub fn text(&self) -> Text {
        let t = Text::new;
        match self {
            SignStep::CaResign => t("sign-step-ca-resign"),
            SignStep::Issue => t("sign-step-issue"),
            SignStep::Request => t("sign-step-request"),
            SignStep::Extension(name) => t("sign-step-extension").arg("name", name),
            SignStep::TextDump => t("sign-step-text-dump"),
            SignStep::Pem => t("sign-step-pem"),
            SignStep::LocalKeyId => t("sign-step-local-key-id"),
            SignStep::Pkcs8 => t("sign-step-pkcs8"),
            SignStep::Pkcs12 => t("sign-step-pkcs12"),
            SignStep::OpensshKey => t("sign-step-openssh-key"),
            SignStep::OpensshPublicKey => t("sign-step-openssh-public-key"),
            SignStep::OpensshCert(file) => t("sign-step-openssh-cert").arg("file", file),
            SignStep::Subject => t("sign-step-subject"),
            SignStep::SubjectEntry(attr) => t("sign-step-subject-entry").arg("attr", attr),
            SignStep::Csr => t("sign-step-csr"),
            SignStep::KeyGeneration => t("sign-step-key-generation"),
            SignStep::Nonce => t("sign-step-nonce"),
        }
    }
}

/// Why an issuance step failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignReason {
    /// OpenSSL's, a parser's or a library's words, quoted as they came.
    Quoted(String),
    /// A CA re-sign with a key that is not the CA certificate's.
    CaKeyMismatch,
    /// An OpenSSH conversion of a key that is not RSA.
    NotRsa,
    /// An OpenSSH certificate validity before the Unix epoch.
    BeforeEpoch,
}

impl std::fmt::Display for SignReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().english())
    }
}

impl SignReason {
    /// The reason as a catalogue message (quoted words stay as they came).
    pub fn text(&self) -> Text {
        match self {
            SignReason::Quoted(r) => Text::verbatim(r),
            SignReason::CaKeyMismatch => Text::new("sign-reason-ca-key-mismatch"),
            SignReason::NotRsa => Text::new("sign-reason-not-rsa"),
            SignReason::BeforeEpoch => Text::new("sign-reason-before-epoch"),
        }
    }
}

impl SignError {
    /// `what` failed with OpenSSL's error stack `e` (its first reason is quoted).
    pub(crate) fn openssl(what: SignStep) -> impl Fn(openssl::error::ErrorStack) -> SignError {
        move |e| SignError {
            what: what.clone(),
            reason: SignReason::Quoted(crate::pki::cert::first_openssl_reason(&e)),
        }
    }

    /// `what` failed for `reason`, a library's words quoted as they came.
    pub(crate) fn quoted(what: SignStep, reason: impl std::fmt::Display) -> SignError {
        SignError {
            what,
            reason: SignReason::Quoted(reason.to_string()),
        }
    }

    /// The error as a catalogue message: the step in the reader's language, OpenSSL's words
    /// as they came. English: the `Display`, byte for byte.
    pub fn text(&self) -> Text {
        Text::new("sign-error")
            .arg_text("what", self.what.text())
            .arg_text("reason", self.reason.text())
    }
}

fn err(what: &SignStep) -> impl Fn(openssl::error::ErrorStack) -> SignError + '_ {
    move |e| SignError::openssl(what.clone())(e)
}

pub(crate) type Result<T> = std::result::Result<T, SignError>;

pub(crate) const DAY: i64 = 86_400;

/// The PKCS#12 encryption family to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum P12Family {
    /// PBE-SHA1-3DES for both bags, SHA-1 MAC: what 4.4.0–4.4.3.4 wrote (FIPS); read by
    /// every OpenSSL and Java without the legacy provider. Replaces RC2-40.
    Legacy3des,
    /// OpenSSL 3 defaults: PBES2/PBKDF2/AES-256-CBC, HMAC-SHA256 MAC.
    Modern,
}

impl P12Family {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            P12Family::Legacy3des => "3des-sha1",
            P12Family::Modern => "aes-256-sha256",
        }
    }
}

fn time(t: i64, what: &SignStep) -> Result<Asn1Time> {
    Asn1Time::from_unix(t as libc::time_t).map_err(err(what))
}

/// Re-signs a CA with its own key the way `pki-create-ca.sh --renew` does, but with an
/// explicit SHA-256: same version, serial, subject, issuer, key and every extension in
/// order (raw bytes), new validity.
pub(crate) fn resign_ca(
    old_der: &[u8],
    key: &PKey<Private>,
    not_before: i64,
    not_after: i64,
) -> Result<X509> {
    let what = &SignStep::CaResign;
    let old = X509::from_der(old_der).map_err(err(what))?;
    let (_, parsed) = x509_parser::parse_x509_certificate(old_der)
        .map_err(|e| SignError::quoted(what.clone(), e))?;
    let mut b = X509::builder().map_err(err(what))?;
    b.set_version(old.version()).map_err(err(what))?;
    b.set_serial_number(old.serial_number())
        .map_err(err(what))?;
    b.set_subject_name(old.subject_name()).map_err(err(what))?;
    b.set_issuer_name(old.issuer_name()).map_err(err(what))?;
    b.set_pubkey(key).map_err(err(what))?;
    b.set_not_before(time(not_before, what)?.as_ref())
        .map_err(err(what))?;
    b.set_not_after(time(not_after, what)?.as_ref())
        .map_err(err(what))?;
    for ext in parsed.extensions() {
        let oid = Asn1Object::from_str(&ext.oid.to_id_string()).map_err(err(what))?;
        let val = Asn1OctetString::new_from_bytes(ext.value).map_err(err(what))?;
        let e = X509Extension::new_from_der(&oid, ext.critical, &val).map_err(err(what))?;
        b.append_extension(e).map_err(err(what))?;
    }
    b.sign(key, MessageDigest::sha256()).map_err(err(what))?;
    let new = b.build();
    let old_pub = old.public_key().map_err(err(what))?;
    if !old_pub.public_eq(key) {
        return Err(SignError {
            what: what.clone(),
            reason: SignReason::CaKeyMismatch,
        });
    }
    Ok(new)
}

/// DER length.
fn der_len(n: usize, out: &mut Vec<u8>) {
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
}

fn der_tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    der_len(body.len(), &mut v);
    v.extend_from_slice(body);
    v
}

/// `authorityInfoAccess = caIssuers;URI:<uri>` (no typed builder in the openssl crate).
fn aia_ext(uri: &str) -> Result<X509Extension> {
    let what = &SignStep::Extension("authorityInfoAccess");
    // id-ad-caIssuers 1.3.6.1.5.5.7.48.2
    let oid = der_tlv(0x06, &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02]);
    let loc = der_tlv(0x86, uri.as_bytes());
    let ad = der_tlv(0x30, &[oid, loc].concat());
    let seq = der_tlv(0x30, &ad);
    let obj = Asn1Object::from_str("1.3.6.1.5.5.7.1.1").map_err(err(what))?;
    let val = Asn1OctetString::new_from_bytes(&seq).map_err(err(what))?;
    X509Extension::new_from_der(&obj, false, &val).map_err(err(what))
}

/// What goes into a leaf besides the key and the subject.
#[derive(Debug, Clone)]
pub(crate) struct LeafProfile {
    pub(crate) profile: Profile,
    /// `subjectAltName` for the `v3_ca_san` profile, e.g. `DNS:engine.example.com` or
    /// `IP:192.0.2.10`.
    pub(crate) san_dns: Option<String>,
    /// AIA caIssuers URI from `cert.template`; `None` when the template has none.
    pub(crate) aia: Option<String>,
    /// The CA carries a Subject Key Identifier: without one, pki-enroll-request.sh adds no
    /// extensions at all (pre-SKI CAs).
    pub(crate) ca_has_ski: bool,
}

pub(crate) const VMCONSOLE_EKU: &str = "1.3.6.1.4.1.2312.13.1.2.1.1";

/// Issues a leaf like `openssl ca -policy policy_match -extfile cert.conf -extensions X`:
/// subject as given (already in policy order), issuer = CA subject, extensions in
/// cert.conf order (SKI, AIA, AKI, basicConstraints, KU, EKU, SAN), SHA-256.
#[allow(clippy::too_many_arguments)]
pub(crate) fn issue_leaf<T: HasPublic>(
    subject: &X509NameRef,
    public: &PKeyRef<T>,
    ca: &X509,
    ca_key: &PKey<Private>,
    serial_hex: &str,
    not_before: i64,
    not_after: i64,
    p: &LeafProfile,
) -> Result<X509> {
    let what = &SignStep::Issue;
    let mut b = X509::builder().map_err(err(what))?;
    b.set_version(2).map_err(err(what))?;
    let bn = BigNum::from_hex_str(serial_hex).map_err(err(what))?;
    let serial = Asn1Integer::from_bn(&bn).map_err(err(what))?;
    b.set_serial_number(&serial).map_err(err(what))?;
    b.set_subject_name(subject).map_err(err(what))?;
    b.set_issuer_name(ca.subject_name()).map_err(err(what))?;
    b.set_pubkey(public).map_err(err(what))?;
    b.set_not_before(time(not_before, what)?.as_ref())
        .map_err(err(what))?;
    b.set_not_after(time(not_after, what)?.as_ref())
        .map_err(err(what))?;
    if p.ca_has_ski {
        let ski = SubjectKeyIdentifier::new()
            .build(&b.x509v3_context(Some(ca), None))
            .map_err(err(&SignStep::Extension("subjectKeyIdentifier")))?;
        b.append_extension(ski).map_err(err(what))?;
        if let Some(uri) = &p.aia {
            b.append_extension(aia_ext(uri)?).map_err(err(what))?;
        }
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .issuer(true)
            .build(&b.x509v3_context(Some(ca), None))
            .map_err(err(&SignStep::Extension("authorityKeyIdentifier")))?;
        b.append_extension(aki).map_err(err(what))?;
        b.append_extension(BasicConstraints::new().build().map_err(err(what))?)
            .map_err(err(what))?;
        match p.profile {
            Profile::San | Profile::Plain => {
                let ku = KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .key_encipherment()
                    .build()
                    .map_err(err(&SignStep::Extension("keyUsage")))?;
                b.append_extension(ku).map_err(err(what))?;
                let eku = ExtendedKeyUsage::new()
                    .critical()
                    .server_auth()
                    .client_auth()
                    .build()
                    .map_err(err(&SignStep::Extension("extendedKeyUsage")))?;
                b.append_extension(eku).map_err(err(what))?;
            }
            Profile::Custom => {
                let ku = KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .build()
                    .map_err(err(&SignStep::Extension("keyUsage")))?;
                b.append_extension(ku).map_err(err(what))?;
                let eku = ExtendedKeyUsage::new()
                    .other(VMCONSOLE_EKU)
                    .build()
                    .map_err(err(&SignStep::Extension("extendedKeyUsage")))?;
                b.append_extension(eku).map_err(err(what))?;
            }
        }
        if p.profile == Profile::San {
            if let Some(dns) = p.san_dns.as_deref() {
                // Hosts addressed by IP get `IP:<addr>` (oVirt's CertificateUtils.getSan).
                let mut san = SubjectAlternativeName::new();
                match dns.strip_prefix("IP:") {
                    Some(ip) => san.ip(ip),
                    None => san.dns(dns.strip_prefix("DNS:").unwrap_or(dns)),
                };
                let san = san
                    .build(&b.x509v3_context(Some(ca), None))
                    .map_err(err(&SignStep::Extension("subjectAltName")))?;
                b.append_extension(san).map_err(err(what))?;
            }
        }
    }
    b.sign(ca_key, MessageDigest::sha256()).map_err(err(what))?;
    Ok(b.build())
}

/// `openssl req -new -key KEY -subj /`: the CSR oVirt keeps in `requests/<name>.req`.
pub(crate) fn request(key: &PKey<Private>) -> Result<X509Req> {
    let what = &SignStep::Request;
    let mut b = X509ReqBuilder::new().map_err(err(what))?;
    b.set_pubkey(key).map_err(err(what))?;
    b.sign(key, MessageDigest::sha256()).map_err(err(what))?;
    Ok(b.build())
}

/// `openssl ca -out` without `-notext`: the text dump followed by the PEM block.
pub(crate) fn text_and_pem(x: &X509) -> Result<Vec<u8>> {
    let mut v = x.to_text().map_err(err(&SignStep::TextDump))?;
    v.extend(x.to_pem().map_err(err(&SignStep::Pem))?);
    Ok(v)
}

/// How the `subject=` / `issuer=` lines of a `pkcs12 -nokeys` dump look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameStyle {
    /// OpenSSL 1.1/3: `subject=C = US, O = x, CN = y`.
    Oneline,
    /// OpenSSL 1.0.2 (EL7): `subject=/C=US/O=x/CN=y`.
    Slash,
}

impl NameStyle {
    /// The style an existing dump uses (so a rewrite looks like its neighbours).
    pub(crate) fn of(text: &[u8]) -> NameStyle {
        let s = String::from_utf8_lossy(text);
        if s.lines().any(|l| l.starts_with("subject=/")) {
            NameStyle::Slash
        } else {
            NameStyle::Oneline
        }
    }
}

fn entries(name: &X509NameRef) -> Vec<(String, String)> {
    name.entries()
        .map(|e| {
            let sn = e
                .object()
                .nid()
                .short_name()
                .map(str::to_string)
                .unwrap_or_else(|_| e.object().to_string());
            let v = e
                .data()
                .to_string()
                .map(|s| s.to_string())
                .unwrap_or_else(|_| String::from_utf8_lossy(e.data().as_slice()).into_owned());
            (sn, v)
        })
        .collect()
}

/// `X509_NAME_oneline`: `/C=US/O=example/CN=host` (database.txt, OpenSSL 1.0 dumps).
pub(crate) fn dn_slash(name: &X509NameRef) -> String {
    entries(name)
        .into_iter()
        .map(|(k, v)| {
            let esc: String = v
                .chars()
                .flat_map(|c| {
                    if c.is_ascii() && !c.is_ascii_control() {
                        vec![c]
                    } else {
                        let mut buf = [0u8; 4];
                        c.encode_utf8(&mut buf)
                            .bytes()
                            .flat_map(|b| format!("\\x{b:02X}").chars().collect::<Vec<_>>())
                            .collect()
                    }
                })
                .collect();
            format!("/{k}={esc}")
        })
        .collect()
}

/// OpenSSL 3's default `-nameopt oneline`: `C = US, O = example, CN = host`.
pub(crate) fn dn_oneline(name: &X509NameRef) -> String {
    entries(name)
        .into_iter()
        .map(|(k, v)| {
            let mut esc = String::new();
            for (i, c) in v.chars().enumerate() {
                let edge =
                    (i == 0 && (c == ' ' || c == '#')) || (i + 1 == v.chars().count() && c == ' ');
                if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';') || edge {
                    esc.push('\\');
                }
                esc.push(c);
            }
            format!("{k} = {esc}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn local_key_id(cert: &X509) -> Result<String> {
    let d = cert
        .digest(MessageDigest::sha1())
        .map_err(err(&SignStep::LocalKeyId))?;
    Ok(d.iter().map(|b| format!("{b:02X} ")).collect())
}

/// `openssl pkcs12 -nokeys` output for a store holding `cert` (engine-setup's rewritten `.cer`).
pub(crate) fn extracted_cer(cert: &X509, style: NameStyle) -> Result<Vec<u8>> {
    let (s, i) = match style {
        NameStyle::Oneline => (
            dn_oneline(cert.subject_name()),
            dn_oneline(cert.issuer_name()),
        ),
        NameStyle::Slash => (dn_slash(cert.subject_name()), dn_slash(cert.issuer_name())),
    };
    let mut v = format!(
        "Bag Attributes\n    localKeyID: {}\nsubject={s}\nissuer={i}\n",
        local_key_id(cert)?
    )
    .into_bytes();
    v.extend(cert.to_pem().map_err(err(&SignStep::Pem))?);
    Ok(v)
}

/// `openssl pkcs12 -nocerts -nodes` output (`keys/<name>.key.nopass`, `engine_id_rsa`).
pub(crate) fn extracted_key(key: &PKey<Private>, cert: &X509) -> Result<Vec<u8>> {
    let mut v = format!(
        "Bag Attributes\n    localKeyID: {}\nKey Attributes: <No Attributes>\n",
        local_key_id(cert)?
    )
    .into_bytes();
    v.extend(
        key.private_key_to_pem_pkcs8()
            .map_err(err(&SignStep::Pkcs8))?,
    );
    Ok(v)
}

/// `openssl pkcs12 -export -in cert -inkey key` without `-name` (Java alias stays `1`).
pub(crate) fn pkcs12(
    cert: &X509,
    key: &PKey<Private>,
    password: &str,
    family: P12Family,
) -> Result<Vec<u8>> {
    let what = &SignStep::Pkcs12;
    let mut b = Pkcs12::builder();
    b.pkey(key).cert(cert);
    if family == P12Family::Legacy3des {
        b.key_algorithm(Nid::PBE_WITHSHA1AND3_KEY_TRIPLEDES_CBC)
            .cert_algorithm(Nid::PBE_WITHSHA1AND3_KEY_TRIPLEDES_CBC)
            .mac_md(MessageDigest::sha1());
    }
    // OpenSSL 1.1.1 (EL8) defaults to RC2-40 certificate bags, 3DES keys and a SHA-1 MAC: ask
    // for what OpenSSL 3 writes by default (PBES2/PBKDF2-HMAC-SHA256, AES-256-CBC, SHA-256 MAC).
    #[cfg(not(ossl300))]
    if family == P12Family::Modern {
        b.key_algorithm(Nid::AES_256_CBC)
            .cert_algorithm(Nid::AES_256_CBC)
            .mac_md(MessageDigest::sha256());
    }
    let empty: Stack<X509> = Stack::new().map_err(err(what))?;
    b.ca(empty);
    b.build2(password)
        .and_then(|p| p.to_der())
        .map_err(err(what))
}

/// `database.txt` expiry: `YYMMDDHHMMSSZ`, or `YYYYMMDDHHMMSSZ` from 2050 on (as OpenSSL).
pub(crate) fn index_time(t: i64) -> String {
    let dt =
        time::OffsetDateTime::from_unix_timestamp(t).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let y = dt.year();
    let rest = format!(
        "{:02}{:02}{:02}{:02}{:02}Z",
        dt.month() as u8,
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    if (1950..2050).contains(&y) {
        format!("{:02}{rest}", y % 100)
    } else {
        format!("{y:04}{rest}")
    }
}

/// One `database.txt` line as `openssl ca` appends it.
pub(crate) fn index_line(serial_hex: &str, not_after: i64, subject: &X509NameRef) -> String {
    format!(
        "V\t{}\t\t{}\tunknown\t{}\n",
        index_time(not_after),
        serial_hex,
        dn_slash(subject)
    )
}

/// The serial after `hex` as OpenSSL writes `serial.txt`: uppercase, even number of digits.
pub(crate) fn next_serial(hex: &str) -> Option<String> {
    let v = u128::from_str_radix(hex.trim(), 16).ok()?.checked_add(1)?;
    Some(serial_text(v))
}

pub(crate) fn serial_text(v: u128) -> String {
    let mut s = format!("{v:X}");
    if s.len() % 2 == 1 {
        s.insert(0, '0');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_errors_keep_their_english_and_have_japanese() {
        use crate::i18n::testing::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        let steps = [
            SignStep::CaResign,
            SignStep::Issue,
            SignStep::Request,
            SignStep::Extension("subjectKeyIdentifier"),
            SignStep::TextDump,
            SignStep::Pem,
            SignStep::LocalKeyId,
            SignStep::Pkcs8,
            SignStep::Pkcs12,
            SignStep::OpensshKey,
            SignStep::OpensshPublicKey,
            SignStep::OpensshCert("certs/ovirt-vmconsole-proxy-host-cert.pub".into()),
            SignStep::Subject,
            SignStep::SubjectEntry("CN".into()),
            SignStep::Csr,
            SignStep::KeyGeneration,
            SignStep::Nonce,
        ];
        let labels = [
            "CA re-sign",
            "issue",
            "request",
            "subjectKeyIdentifier",
            "text dump",
            "PEM",
            "localKeyID",
            "PKCS#8",
            "PKCS#12",
            "OpenSSH key",
            "OpenSSH public key",
            "certs/ovirt-vmconsole-proxy-host-cert.pub",
            "subject",
            "subject CN",
            "CSR",
            "key generation",
            "nonce",
        ];
        // A real OpenSSL failure: its words are quoted as they came.
        let key = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
        let real = resign_ca(b"not DER", &key, 0, 1).unwrap_err();
        let SignReason::Quoted(openssl_words) = real.reason.clone() else {
            panic!("{real:?}");
        };
        assert!(!openssl_words.is_empty());
        let reasons = [
            real.reason.clone(),
            SignReason::CaKeyMismatch,
            SignReason::NotRsa,
            SignReason::BeforeEpoch,
        ];
        for (step, label) in steps.iter().zip(labels) {
            for reason in &reasons {
                let e = SignError {
                    what: step.clone(),
                    reason: reason.clone(),
                };
                let t = e.text();
                assert_eq!(strict(&en, &t), e.to_string(), "{e:?}");
                assert!(e.to_string().starts_with(&format!("{label}: ")), "{e}");
                let j = strict(&ja, &t);
                assert!(japanese(&j), "{e:?}: {j}");
                // The evidence stays: extension, file and attribute names, OpenSSL's words.
                for kept in [
                    "subjectKeyIdentifier",
                    "certs/ovirt-vmconsole-proxy-host-cert.pub",
                ] {
                    if label == kept {
                        assert!(j.contains(kept), "{j}");
                    }
                }
                if let SignStep::SubjectEntry(a) = step {
                    assert!(j.contains(a.as_str()), "{j}");
                }
                if let SignReason::Quoted(q) = reason {
                    assert!(j.contains(q.as_str()), "{j}");
                }
            }
        }
        // The literal English of before.
        assert_eq!(real.to_string(), format!("CA re-sign: {openssl_words}"));
        let other = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
        let ca = {
            let mut b = X509::builder().unwrap();
            let mut name = openssl::x509::X509NameBuilder::new().unwrap();
            name.append_entry_by_text("CN", "CA").unwrap();
            let name = name.build();
            b.set_subject_name(&name).unwrap();
            b.set_issuer_name(&name).unwrap();
            b.set_pubkey(&key).unwrap();
            b.set_not_before(Asn1Time::from_unix(0).unwrap().as_ref())
                .unwrap();
            b.set_not_after(Asn1Time::from_unix(DAY).unwrap().as_ref())
                .unwrap();
            b.sign(&key, MessageDigest::sha256()).unwrap();
            b.build().to_der().unwrap()
        };
        let mismatch = resign_ca(&ca, &other, 0, DAY).unwrap_err();
        assert_eq!(
            mismatch.to_string(),
            "CA re-sign: the CA private key does not belong to the CA certificate"
        );
        assert_eq!(
            strict(&ja, &mismatch.text()),
            "CA の再署名に失敗しました: CA の秘密鍵が CA 証明書の鍵ではありません"
        );
    }

    #[test]
    fn serials_like_openssl() {
        assert_eq!(next_serial("1000\n").as_deref(), Some("1001"));
        assert_eq!(next_serial("0FFF").as_deref(), Some("1000"));
        assert_eq!(next_serial("FF").as_deref(), Some("0100"));
        assert!(next_serial("zz").is_none());
    }

    #[test]
    fn index_times_switch_format_in_2050() {
        assert_eq!(index_time(1_793_491_200), "261101000000Z");
        assert_eq!(index_time(2_556_144_000), "20510101000000Z");
    }

    #[test]
    fn der_lengths() {
        let mut v = Vec::new();
        der_len(0x7f, &mut v);
        der_len(0x80, &mut v);
        der_len(0x1234, &mut v);
        assert_eq!(v, [0x7f, 0x81, 0x80, 0x82, 0x12, 0x34]);
    }
}
