//! Issue 16, "the tree has three DER parsers": the audit's per-certificate parse with
//! `x509-parser` (asn1-rs / der-parser, what rhv-pki uses) and with RustCrypto `x509-cert`
//! (`der`, already in the tree through pkcs12/cms), printed side by side in one run.
//!
//! Each side parses the 10,000 host certificates of `benches/scale.rs` (b) and extracts what the
//! audit reads: subject and issuer as text and raw, CN, serial, validity, signature algorithm,
//! public key kind and size, subjectAltName, basicConstraints, keyUsage, extendedKeyUsage,
//! subjectKeyIdentifier, authorityKeyIdentifier, and the raw TBS bytes the signature is checked
//! over. `x509-cert` does not keep the TBS bytes; a `der::SliceReader` hands them out without
//! re-encoding (`Reader::tlv_bytes`), and the TBS is then decoded from that slice.
//!
//! The machine is shared: the two sides run interleaved, round after round, and each round's
//! CPU time (this thread's, not wall) is kept; the medians are compared.
//! Before timing, both sides' extracted fields are compared on the whole set (and on every
//! certificate under testdata/), so the figures are of equal work.
//!
//! Run: `cargo bench --bench der_parsers` (`-- --rounds N`, default 15).

use std::path::Path;
use std::time::Duration;

mod support;

/// What the audit takes from one certificate, as either parser yields it.
#[derive(Debug, PartialEq, Eq)]
struct Fields<'a> {
    subject: String,
    issuer: String,
    subject_raw: &'a [u8],
    issuer_raw: &'a [u8],
    cn: Option<String>,
    serial: String,
    not_before: i64,
    not_after: i64,
    sig_oid: String,
    sig_len: usize,
    key: String,
    san: Option<Vec<String>>,
    is_ca: bool,
    path_len: Option<u32>,
    key_usage: Option<u16>,
    eku: Option<Vec<String>>,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
    tbs: &'a [u8],
}

fn serial_hex(raw: &[u8]) -> String {
    let mut r = raw;
    while r.len() > 1 && r[0] == 0 {
        r = &r[1..];
    }
    let s = hex::encode_upper(r);
    if s.is_empty() {
        "00".into()
    } else {
        s
    }
}

fn ip_text(b: &[u8]) -> String {
    match b.len() {
        4 => format!("IP:{}", std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3])),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            format!("IP:{}", std::net::Ipv6Addr::from(a))
        }
        _ => format!("IP:{}", hex::encode(b)),
    }
}

mod with_parser {
    use super::*;
    use x509_parser::extensions::{GeneralName, ParsedExtension};
    use x509_parser::prelude::*;
    use x509_parser::public_key::PublicKey;

    fn general_name(g: &GeneralName<'_>) -> String {
        match g {
            GeneralName::DNSName(d) => format!("DNS:{d}"),
            GeneralName::IPAddress(b) => ip_text(b),
            GeneralName::RFC822Name(e) => format!("email:{e}"),
            GeneralName::URI(u) => format!("URI:{u}"),
            GeneralName::DirectoryName(n) => format!("DirName:{n}"),
            other => format!("other:{other:?}"),
        }
    }

    /// `part` (a slice of `der` that x509-parser hands out tied to its parsed value) as a
    /// slice of `der` itself.
    fn within<'a>(der: &'a [u8], part: &[u8]) -> &'a [u8] {
        let at = (part.as_ptr() as usize).wrapping_sub(der.as_ptr() as usize);
        der.get(at..at + part.len()).unwrap_or(&[])
    }

    pub fn fields(der: &[u8]) -> Option<Fields<'_>> {
        let (rest, x) = X509Certificate::from_der(der).ok()?;
        if !rest.is_empty() {
            return None;
        }
        let spki = x.public_key();
        let key = match spki.parsed().ok()? {
            PublicKey::RSA(r) => format!("rsa {}", r.key_size()),
            k @ PublicKey::EC(_) => format!("ec {}", k.key_size()),
            k => format!(
                "{} {}",
                spki.algorithm.algorithm.to_id_string(),
                k.key_size()
            ),
        };
        let san = x
            .subject_alternative_name()
            .ok()?
            .map(|e| e.value.general_names.iter().map(general_name).collect());
        let bc = x.basic_constraints().ok()?;
        let key_usage = x.key_usage().ok()?.map(|e| e.value.flags);
        let eku = x.extended_key_usage().ok()?.map(|e| {
            let u = e.value;
            let mut v: Vec<String> = u.other.iter().map(|o| o.to_id_string()).collect();
            for (on, oid) in [
                (u.any, "2.5.29.37.0"),
                (u.server_auth, "1.3.6.1.5.5.7.3.1"),
                (u.client_auth, "1.3.6.1.5.5.7.3.2"),
                (u.code_signing, "1.3.6.1.5.5.7.3.3"),
                (u.email_protection, "1.3.6.1.5.5.7.3.4"),
                (u.time_stamping, "1.3.6.1.5.5.7.3.8"),
                (u.ocsp_signing, "1.3.6.1.5.5.7.3.9"),
            ] {
                if on {
                    v.push(oid.to_string());
                }
            }
            v.sort();
            v
        });
        let (mut ski, mut aki) = (None, None);
        for ext in x.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(k) => ski = Some(k.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    aki = a.key_identifier.as_ref().map(|k| k.0.to_vec())
                }
                _ => {}
            }
        }
        let cn = x
            .subject()
            .iter_common_name()
            .next()
            .and_then(|a| a.as_str().ok())
            .map(str::to_string);
        Some(Fields {
            subject: x.subject().to_string(),
            issuer: x.issuer().to_string(),
            subject_raw: within(der, x.subject().as_raw()),
            issuer_raw: within(der, x.issuer().as_raw()),
            cn,
            serial: serial_hex(x.raw_serial()),
            not_before: x.validity().not_before.timestamp(),
            not_after: x.validity().not_after.timestamp(),
            sig_oid: x.signature_algorithm.algorithm.to_id_string(),
            sig_len: x.signature_value.data.len(),
            key,
            san,
            is_ca: x.is_ca(),
            path_len: bc.and_then(|b| b.value.path_len_constraint),
            key_usage,
            eku,
            ski,
            aki,
            tbs: within(der, x.tbs_certificate.as_ref()),
        })
    }
}

mod with_cert {
    use super::*;
    use der::asn1::ObjectIdentifier;
    use der::asn1::{AnyRef, BitStringRef};
    use der::{Decode, Reader, SliceReader, Tag};
    use spki::AlgorithmIdentifierOwned;
    use x509_cert::certificate::{Raw, TbsCertificateInner};
    use x509_cert::ext::pkix::name::GeneralName;
    use x509_cert::ext::pkix::{
        AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName,
        SubjectKeyIdentifier,
    };
    use x509_cert::name::Name;

    /// x509-parser's text of a name (its `Display`): `C=US, O=x, CN=y`, a multi-valued RDN
    /// joined with ` + `, non-string values in upper hex.
    pub fn name_text(n: &Name) -> String {
        let mut out = String::new();
        for (i, rdn) in n.iter_rdn().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            for (j, atv) in rdn.iter().enumerate() {
                if j > 0 {
                    out.push_str(" + ");
                }
                match abbrev(&atv.oid) {
                    Some(a) => out.push_str(a),
                    None => {
                        out.push_str("OID(");
                        out.push_str(&atv.oid.to_string());
                        out.push(')');
                    }
                }
                out.push('=');
                let v = atv.value.value();
                // By tag number, whatever the class, as asn1-rs compares tags.
                match atv.value.header().tag().number().value() {
                    // Numeric, Visible, Printable, General, ObjectDescriptor, Graphic, T61,
                    // Videotex, UTF8, IA5String.
                    18 | 26 | 19 | 27 | 7 | 25 | 20 | 21 | 12 | 22 => {
                        match std::str::from_utf8(v) {
                            Ok(s) => out.push_str(s),
                            Err(_) => return "<X509Error: Invalid X.509 name>".into(),
                        }
                    }
                    // BMPString
                    30 => {
                        let units: Vec<u16> = v
                            .chunks(2)
                            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                            .collect();
                        match String::from_utf16(&units) {
                            Ok(s) => out.push_str(&s),
                            Err(_) => return "<X509Error: Invalid X.509 name>".into(),
                        }
                    }
                    _ => out.push_str(&hex::encode_upper(v)),
                }
            }
        }
        out
    }

    /// The attribute names x509-parser prints (its abbreviations, then oid-registry's short
    /// names for the X.509 / PKCS#9 attributes a certificate name can carry).
    fn abbrev(oid: &ObjectIdentifier) -> Option<&'static str> {
        const NAMES: &[(ObjectIdentifier, &str)] = &[
            (ObjectIdentifier::new_unwrap("2.5.4.3"), "CN"),
            (ObjectIdentifier::new_unwrap("2.5.4.6"), "C"),
            (ObjectIdentifier::new_unwrap("2.5.4.7"), "L"),
            (ObjectIdentifier::new_unwrap("2.5.4.8"), "ST"),
            (ObjectIdentifier::new_unwrap("2.5.4.10"), "O"),
            (ObjectIdentifier::new_unwrap("2.5.4.11"), "OU"),
            (
                ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.25"),
                "DC",
            ),
            (
                ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1"),
                "Email",
            ),
            (ObjectIdentifier::new_unwrap("2.5.4.4"), "surname"),
            (ObjectIdentifier::new_unwrap("2.5.4.5"), "serialNumber"),
            (ObjectIdentifier::new_unwrap("2.5.4.9"), "street"),
            (ObjectIdentifier::new_unwrap("2.5.4.12"), "title"),
            (ObjectIdentifier::new_unwrap("2.5.4.13"), "description"),
            (ObjectIdentifier::new_unwrap("2.5.4.41"), "name"),
            (ObjectIdentifier::new_unwrap("2.5.4.42"), "givenName"),
            (ObjectIdentifier::new_unwrap("2.5.4.43"), "initials"),
            (
                ObjectIdentifier::new_unwrap("2.5.4.44"),
                "generationQualifier",
            ),
            (ObjectIdentifier::new_unwrap("2.5.4.45"), "uniqueIdentifier"),
            (ObjectIdentifier::new_unwrap("2.5.4.46"), "dnQualifier"),
            (ObjectIdentifier::new_unwrap("2.5.4.65"), "pseudonym"),
            (
                ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.2"),
                "unstructuredName",
            ),
            (
                ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.1"),
                "UID",
            ),
        ];
        NAMES.iter().find(|(o, _)| o == oid).map(|(_, n)| *n)
    }

    fn general_name(g: &GeneralName) -> String {
        match g {
            GeneralName::DnsName(d) => format!("DNS:{}", d.as_str()),
            GeneralName::IpAddress(b) => ip_text(b.as_bytes()),
            GeneralName::Rfc822Name(e) => format!("email:{}", e.as_str()),
            GeneralName::UniformResourceIdentifier(u) => format!("URI:{}", u.as_str()),
            GeneralName::DirectoryName(n) => format!("DirName:{}", name_text(n)),
            other => format!("other:{other:?}"),
        }
    }

    /// `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }`,
    /// read field by field so the TBS is a slice of `der`, not a re-encoding.
    pub fn fields(der: &[u8]) -> Option<Fields<'_>> {
        let mut r = SliceReader::new(der).ok()?;
        let (tbs_raw, sig_alg, sig) = r
            .sequence(|r: &mut SliceReader<'_>| {
                let tbs = r.tlv_bytes()?;
                let alg = AlgorithmIdentifierOwned::decode(r)?;
                let sig = BitStringRef::decode(r)?;
                Ok::<_, der::Error>((tbs, alg, sig))
            })
            .ok()?;
        r.finish().ok()?;
        let tbs = TbsCertificateInner::<Raw>::from_der(tbs_raw).ok()?;
        // The names' raw TLVs (compared byte for byte against an issuer's subject).
        let (subject_raw, issuer_raw) = raw_names(tbs_raw)?;
        let spki = tbs.subject_public_key_info();
        let key_bits = spki.subject_public_key.raw_bytes();
        const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
        const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
        let key = match spki.algorithm.oid {
            RSA => {
                // x509-parser's size: 8 × (modulus length − 1) when its first byte has the
                // high bit clear (a leading zero assumed), else 0.
                let m = AnyRef::from_der(key_bits)
                    .ok()?
                    .sequence(|r: &mut der::SliceReader<'_>| {
                        let m = AnyRef::decode(r)?;
                        AnyRef::decode(r)?; // publicExponent
                        Ok::<_, der::Error>(m)
                    })
                    .ok()?;
                let m = m.value();
                let bits = if !m.is_empty() && m[0] & 0x80 == 0 {
                    8 * (m.len() - 1)
                } else {
                    0
                };
                format!("rsa {bits}")
            }
            EC => {
                let bits = match key_bits {
                    [4, rem @ ..] => rem.len() * 8 / 2,
                    [2..=3, rem @ ..] => rem.len() * 8,
                    _ => 0,
                };
                format!("ec {bits}")
            }
            other => format!("{other} 0"),
        };
        let mut san = None;
        let mut bc = None;
        let mut key_usage = None;
        let mut eku = None;
        let (mut ski, mut aki) = (None, None);
        const SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
        const BC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
        const KU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
        const EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
        const SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
        const AKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
        for e in tbs.extensions().map_or(&[][..], |v| v.as_slice()) {
            let v = e.extn_value.as_bytes();
            match e.extn_id {
                SAN => {
                    let s = SubjectAltName::from_der(v).ok()?;
                    san = Some(s.0.iter().map(general_name).collect::<Vec<_>>());
                }
                BC => bc = Some(BasicConstraints::from_der(v).ok()?),
                KU => key_usage = Some(KeyUsage::from_der(v).ok()?.0.bits()),
                EKU => {
                    let mut l: Vec<String> = ExtendedKeyUsage::from_der(v)
                        .ok()?
                        .0
                        .iter()
                        .map(|o| o.to_string())
                        .collect();
                    l.sort();
                    eku = Some(l);
                }
                SKI => {
                    ski = Some(
                        SubjectKeyIdentifier::from_der(v)
                            .ok()?
                            .0
                            .as_bytes()
                            .to_vec(),
                    );
                }
                AKI => {
                    let a = AuthorityKeyIdentifier::from_der(v).ok()?;
                    aki = a.key_identifier.map(|k| k.as_bytes().to_vec());
                }
                _ => {}
            }
        }
        let cn = tbs
            .subject()
            .iter()
            .find(|a| a.oid == ObjectIdentifier::new_unwrap("2.5.4.3"))
            .and_then(|a| match a.value.header().tag() {
                Tag::Utf8String | Tag::PrintableString | Tag::Ia5String => {
                    std::str::from_utf8(a.value.value())
                        .ok()
                        .map(str::to_string)
                }
                _ => None,
            });
        let secs = |t: x509_cert::time::Time| t.to_unix_duration().as_secs() as i64;
        Some(Fields {
            subject: name_text(tbs.subject()),
            issuer: name_text(tbs.issuer()),
            subject_raw,
            issuer_raw,
            cn,
            serial: serial_hex(tbs.serial_number().as_bytes()),
            not_before: secs(tbs.validity().not_before),
            not_after: secs(tbs.validity().not_after),
            sig_oid: sig_alg.oid.to_string(),
            sig_len: sig.raw_bytes().len(),
            key,
            san,
            is_ca: bc.as_ref().is_some_and(|b| b.ca),
            path_len: bc.and_then(|b| b.path_len_constraint.map(u32::from)),
            key_usage,
            eku,
            ski,
            aki,
            tbs: tbs_raw,
        })
    }

    /// The issuer and subject Name TLVs inside a TBS (header walk, nothing decoded twice).
    fn raw_names(tbs: &[u8]) -> Option<(&[u8], &[u8])> {
        let mut r = SliceReader::new(tbs).ok()?;
        r.sequence(|r: &mut SliceReader<'_>| {
            if r.peek_byte() == Some(0xa0) {
                r.tlv_bytes()?; // [0] version
            }
            r.tlv_bytes()?; // serialNumber
            r.tlv_bytes()?; // signature
            let issuer = r.tlv_bytes()?;
            r.tlv_bytes()?; // validity
            let subject = r.tlv_bytes()?;
            // The rest (key, unique ids, extensions) is not needed here.
            let rest = r.remaining_len();
            r.read_slice(rest)?;
            Ok::<_, der::Error>((subject, issuer))
        })
        .ok()
    }
}

/// This thread's CPU time.
fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Every DER certificate under testdata/ (PEM blocks and .der files), for the agreement check.
fn testdata_certs() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(p);
                continue;
            }
            if !ft.is_file() {
                continue;
            }
            let Ok(data) = std::fs::read(&p) else {
                continue;
            };
            if let Ok(ders) = rhv_pki::pki::cert::certificates_in(&p, &data) {
                for der in ders {
                    out.push((p.display().to_string(), der));
                }
            }
        }
    }
    out
}

/// Encodings found in certificates of old tools, made from `ca` by changing bytes in place
/// (the signature no longer verifies; parsing is what is looked at).
fn legacy_variants(ca: &[u8]) -> Vec<(&'static str, Option<Vec<u8>>)> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let mut out = Vec::new();
    // notBefore as UTCTime "65…": 1950–1969 is valid UTCTime (RFC 5280 4.1.2.5.1).
    out.push(("notBefore in 1965 (UTCTime)", {
        find(ca, &[0x30, 0x1e, 0x17, 0x0d]).map(|at| {
            let mut v = ca.to_vec();
            v[at + 4] = b'6';
            v[at + 5] = b'5';
            v
        })
    }));
    // basicConstraints with BOOLEAN TRUE as 0x01 (BER, not DER) in critical and cA.
    out.push(("BOOLEAN TRUE as 0x01 (BER) in basicConstraints", {
        find(ca, &[0x06, 0x03, 0x55, 0x1d, 0x13]).map(|at| {
            let mut v = ca.to_vec();
            for b in &mut v[at..at + 17] {
                if *b == 0xff {
                    *b = 0x01;
                }
            }
            v
        })
    }));
    // A serial with its high bit set (a negative INTEGER, which many CAs wrote).
    out.push(("negative serial (high bit set)", {
        find(ca, &[0x02, 0x02, 0x10, 0x00]).map(|at| {
            let mut v = ca.to_vec();
            v[at + 2] = 0x90;
            v
        })
    }));
    out
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("der_parsers: benchmark only; run `cargo bench --bench der_parsers`");
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let rounds: usize = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);

    let (dir, _) = support::host_dir(10_000);
    let certs = dir.join("etc/pki/ovirt-engine/certs");
    let ders: Vec<Vec<u8>> = (0..10_000)
        .map(|i| {
            let p = certs.join(format!("host{i}.bench.test.cer"));
            let pem = std::fs::read(&p).unwrap();
            rhv_pki::pki::cert::first_certificate(&p, &pem).unwrap()
        })
        .collect();

    // Equal work: both sides must extract the same fields from every certificate.
    for d in &ders {
        assert_eq!(with_parser::fields(d), with_cert::fields(d));
    }
    let corpus = testdata_certs();
    let (mut same, mut differ) = (0, Vec::new());
    for (path, d) in &corpus {
        let (a, b) = (with_parser::fields(d), with_cert::fields(d));
        if a == b {
            same += 1;
        } else {
            differ.push((path, a, b));
        }
    }

    let ca_pem = std::fs::read(dir.join("etc/pki/ovirt-engine/ca.pem")).unwrap();
    let ca = rhv_pki::pki::cert::first_certificate(Path::new("ca.pem"), &ca_pem).unwrap();
    let legacy: Vec<(&str, Option<bool>, Option<bool>)> = legacy_variants(&ca)
        .into_iter()
        .map(|(what, der)| match der {
            Some(d) => (
                what,
                Some(with_parser::fields(&d).is_some()),
                Some(with_cert::fields(&d).is_some()),
            ),
            None => (what, None, None),
        })
        .collect();

    let mut parser_cpu = Vec::new();
    let mut cert_cpu = Vec::new();
    let mut sink = 0usize;
    for round in 0..rounds {
        // Interleaved, and which side goes first alternates.
        let sides: [bool; 2] = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for parser in sides {
            let t = thread_cpu();
            for d in &ders {
                let f = if parser {
                    with_parser::fields(d)
                } else {
                    with_cert::fields(d)
                };
                let f = f.unwrap();
                sink = sink.wrapping_add(f.tbs.len() + f.subject.len());
            }
            let spent = thread_cpu() - t;
            if parser {
                parser_cpu.push(spent);
            } else {
                cert_cpu.push(spent);
            }
        }
    }
    let (p, c) = (median(parser_cpu), median(cert_cpu));
    let rate = |d: Duration| ders.len() as f64 / d.as_secs_f64();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "DER parsers, {} host certificates, parse + the audit's fields, 1 thread, {rounds} interleaved rounds (CPU medians; load {})",
        ders.len(),
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
    println!(
        "    x509-parser 0.18 (asn1-rs) ..................... {:>9.0} certs/s ({:.2} us/cert)",
        rate(p),
        p.as_secs_f64() * 1e6 / ders.len() as f64
    );
    println!(
        "    x509-cert 0.3 (der, TBS via SliceReader) ........ {:>9.0} certs/s ({:.2} us/cert, {:+.0}%)",
        rate(c),
        c.as_secs_f64() * 1e6 / ders.len() as f64,
        (c.as_secs_f64() / p.as_secs_f64() - 1.0) * 100.0
    );
    println!(
        "    same fields from both: {} of {} bench certificates, {same} of {} under testdata/",
        ders.len(),
        ders.len(),
        corpus.len()
    );
    for (path, a, b) in &differ {
        let show = |f: &Option<Fields<'_>>| match f {
            None => "rejected".to_string(),
            Some(f) => format!(
                "subject {:?} serial {} validity {}..{} key {} san {:?}",
                f.subject, f.serial, f.not_before, f.not_after, f.key, f.san
            ),
        };
        println!(
            "      differ: {path}\n        x509-parser: {}\n        x509-cert:   {}",
            show(a),
            show(b)
        );
    }
    let word = |r: Option<bool>| match r {
        Some(true) => "reads",
        Some(false) => "REFUSES",
        None => "(not built)",
    };
    println!("    legacy encodings (x509-parser / x509-cert):");
    for (what, a, b) in legacy {
        println!("      {what:<50} {} / {}", word(a), word(b));
    }
    std::hint::black_box(sink);
}
