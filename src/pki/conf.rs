//! Readers for the text files around the certificates: `engine.conf.d/*.conf` (ENGINE_FQDN),
//! `openssl.conf` (`default_md`), and the OpenSSL CA index `database.txt` / `serial.txt`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::pki::error::{Error, Result};

/// Merged `KEY=value` settings of an `engine.conf.d` directory (later files win, as in oVirt).
#[derive(Debug, Clone, Default)]
pub struct EngineConf {
    pub(crate) values: BTreeMap<String, String>,
    /// Files read, in order.
    pub(crate) files: Vec<PathBuf>,
    /// The file each value came from (the last one that set it).
    pub(crate) origin: BTreeMap<String, PathBuf>,
}

impl EngineConf {
    /// `ENGINE_FQDN`, when set.
    pub fn fqdn(&self) -> Option<&str> {
        self.values
            .get("ENGINE_FQDN")
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// `ENGINE_FQDN` checked with [`check_host_name`]: `Ok(None)` when unset, `Err` with a
    /// message naming the file that set it and the (escaped) value when it is not a host name.
    pub(crate) fn valid_fqdn(&self) -> std::result::Result<Option<HostName>, FqdnError> {
        let Some(v) = self.fqdn() else {
            return Ok(None);
        };
        check_host_name(v).map(Some).map_err(|why| {
            let file = self
                .origin
                .get("ENGINE_FQDN")
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "engine.conf.d".into());
            FqdnError {
                file,
                value: v.to_string(),
                why,
            }
        })
    }
}

/// A checked `ENGINE_FQDN`: a DNS name or an IP address literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostName {
    Dns(String),
    Ip(std::net::IpAddr),
}

impl HostName {
    /// The subjectAltName entry oVirt writes for it (`IP:` for an address, as
    /// CertificateUtils.getSan does for hosts added by IP).
    pub(crate) fn san(&self) -> String {
        match self {
            HostName::Dns(d) => format!("DNS:{d}"),
            HostName::Ip(a) => format!("IP:{a}"),
        }
    }
}

/// A value as it can be shown on one terminal line: printable ASCII as is, anything else
/// (newline, escape, non-ASCII, the U+FFFD of an invalid UTF-8 byte) as `\u{..}`; quoted.
pub(crate) fn escape(v: &str) -> String {
    let mut s = String::from("'");
    for c in v.chars() {
        if c.is_ascii_graphic() && c != '\\' && c != '\'' || c == ' ' {
            s.push(c);
        } else {
            s.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    s.push('\'');
    s
}

/// Why a name is not a host name (see [`check_host_name`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NameError {
    #[error("empty")]
    Empty,
    /// A character no host name holds (`\u{fffd}`: an invalid UTF-8 byte).
    #[error("{}", describe_char(*.0))]
    Character(char),
    #[error("{len} characters, at most 253")]
    TooLong { len: usize },
    #[error("empty label (leading, trailing or double dot)")]
    EmptyLabel,
    #[error("'*' is only allowed as the whole leftmost label")]
    Wildcard,
    #[error("label of {len} characters, at most 63")]
    LabelTooLong { len: usize },
    #[error("label '{label}' starts or ends with a hyphen")]
    Hyphen { label: String },
    #[error("all-numeric top-level label (not an IP address either)")]
    NumericTld,
}

fn describe_char(c: char) -> String {
    match c {
        '\n' | '\r' => "contains a line break".into(),
        '\u{fffd}' => "contains a byte that is not UTF-8".into(),
        c if c.is_ascii_graphic() || c == ' ' => format!("contains '{c}'"),
        c => format!("contains the character U+{:04X}", c as u32),
    }
}

/// `ENGINE_FQDN` is set but is not a host name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: ENGINE_FQDN {} is not a valid host name ({why}); fix it before issuing certificates for it", escape(value))]
pub(crate) struct FqdnError {
    /// The file that set it (`engine.conf.d` when unknown).
    pub(crate) file: String,
    /// The value as set.
    pub(crate) value: String,
    pub(crate) why: NameError,
}

/// Checks a host name as the Manager's certificates name it: an IPv4 / IPv6 address
/// literal, or a DNS name of RFC 1123 labels (letters, digits, hyphens, not starting or ending
/// with a hyphen, 1–63 characters; IDNA A-labels `xn--…` are such labels), at most 253
/// characters, no trailing dot. Returns why not.
pub(crate) fn check_host_name(v: &str) -> std::result::Result<HostName, NameError> {
    if let Ok(ip) = v.parse::<std::net::IpAddr>() {
        return Ok(HostName::Ip(ip));
    }
    check_dns_name(v, false).map(|()| HostName::Dns(v.to_string()))
}

/// [`check_host_name`] for a DNS name only; `wildcard` allows a leftmost `*` label (what a
/// certificate's dNSName may hold, never an `ENGINE_FQDN`).
pub(crate) fn check_dns_name(v: &str, wildcard: bool) -> std::result::Result<(), NameError> {
    if v.is_empty() {
        return Err(NameError::Empty);
    }
    if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.' || (wildcard && *c == '*')))
    {
        return Err(NameError::Character(c));
    }
    if v.len() > 253 {
        return Err(NameError::TooLong { len: v.len() });
    }
    for (i, label) in v.split('.').enumerate() {
        if label.is_empty() {
            return Err(NameError::EmptyLabel);
        }
        if wildcard && i == 0 && label == "*" {
            continue;
        }
        if label.contains('*') {
            return Err(NameError::Wildcard);
        }
        if label.len() > 63 {
            return Err(NameError::LabelTooLong { len: label.len() });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(NameError::Hyphen {
                label: label.to_string(),
            });
        }
    }
    // An all-numeric last label is an (invalid) address, not a name: 10.0.0.300.
    if v.rsplit('.')
        .next()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(NameError::NumericTld);
    }
    Ok(())
}

/// Parses one shell-style config line; `None` for blanks and comments.
fn parse_assignment(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let (k, v) = line.split_once('=')?;
    let k = k.trim();
    if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let v = v.trim();
    let v = if v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
    {
        &v[1..v.len() - 1]
    } else {
        v
    };
    Some((k.to_string(), v.to_string()))
}

/// Reads every `*.conf` of `dir` in name order.
pub fn read_engine_conf(dir: &Path) -> Result<EngineConf> {
    let rd = fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "conf"))
        .collect();
    files.sort();
    let mut conf = EngineConf::default();
    for f in files {
        let bytes = crate::pki::cert::read_limited(&f)?;
        let text = String::from_utf8_lossy(&bytes);
        for line in text.lines() {
            if let Some((k, v)) = parse_assignment(line) {
                conf.origin.insert(k.clone(), f.clone());
                conf.values.insert(k, v);
            }
        }
        conf.files.push(f);
    }
    Ok(conf)
}

/// Where `default_md` sits in an `openssl.conf` (the CA section named by `[ca] default_ca`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultMd {
    /// The `default_md` value.
    pub value: String,
    /// 1-based line number.
    pub line: usize,
    pub(crate) section: String,
}

/// Finds `default_md` of the default CA section. `None` when the file has no such setting.
pub fn openssl_default_md(text: &str) -> Option<DefaultMd> {
    let mut section = String::new();
    let mut default_ca = "CA_default".to_string();
    // First pass: which section is the default CA.
    for line in text.lines() {
        let l = strip_comment(line).trim();
        if let Some(name) = section_name(l) {
            section = name;
        } else if section.eq_ignore_ascii_case("ca") {
            if let Some((k, v)) = l.split_once('=') {
                if k.trim() == "default_ca" {
                    default_ca = v.trim().to_string();
                }
            }
        }
    }
    section.clear();
    for (i, line) in text.lines().enumerate() {
        let l = strip_comment(line).trim();
        if let Some(name) = section_name(l) {
            section = name;
        } else if section == default_ca {
            if let Some((k, v)) = l.split_once('=') {
                if k.trim() == "default_md" {
                    return Some(DefaultMd {
                        value: v.trim().to_string(),
                        line: i + 1,
                        section: section.clone(),
                    });
                }
            }
        }
    }
    None
}

/// `openssl.conf` with `default_md = sha1` (or md5) of the default CA section changed to
/// `sha256`; every other byte (spacing, comments, line endings) unchanged. `None` when
/// nothing needs fixing.
pub fn fix_default_md(text: &str) -> Option<(String, DefaultMd)> {
    let md = openssl_default_md(text)?;
    if !matches!(
        md.value.to_ascii_lowercase().as_str(),
        "sha1" | "md5" | "md2" | "mdc2"
    ) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 2);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i + 1 == md.line {
            let (body, comment) = match line.find('#') {
                Some(p) => line.split_at(p),
                None => (line, ""),
            };
            let eq = body.find('=')?;
            let (k, v) = body.split_at(eq + 1);
            let start = v.len() - v.trim_start().len();
            let vt = v.trim_start();
            let end = vt.find(|c: char| c.is_whitespace()).unwrap_or(vt.len());
            out.push_str(k);
            out.push_str(&v[..start]);
            out.push_str("sha256");
            out.push_str(&vt[end..]);
            out.push_str(comment);
        } else {
            out.push_str(line);
        }
    }
    Some((out, md))
}

fn strip_comment(line: &str) -> &str {
    match line.find('#') {
        Some(i) => &line[..i],
        None => line,
    }
}

fn section_name(l: &str) -> Option<String> {
    let inner = l.strip_prefix('[')?.strip_suffix(']')?;
    Some(inner.trim().to_string())
}

/// One line of `database.txt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IndexEntry {
    pub(crate) status: char,
    pub(crate) expiry: String,
    pub(crate) revocation: String,
    pub(crate) serial: String,
    pub(crate) filename: String,
    pub(crate) subject: String,
}

/// `database.txt` parsed; malformed lines are kept as problems, never a panic.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub(crate) entries: Vec<IndexEntry>,
    pub(crate) problems: Vec<(usize, IndexProblem)>,
}

/// What is wrong with one line of `database.txt`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum IndexProblem {
    #[error("{0} tab-separated fields, expected 6")]
    Fields(usize),
    #[error("status '{0}' is not V, R or E")]
    Status(String),
    #[error("expiry '{0}' is not YYMMDDHHMMSSZ")]
    Expiry(String),
    #[error("serial '{0}' is not hex")]
    Serial(String),
}

impl IndexProblem {
    /// The problem as a catalogue message; its English is the `Display`.
    pub(crate) fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            IndexProblem::Fields(n) => Text::new("index-fields").arg("count", n),
            IndexProblem::Status(s) => Text::new("index-status").arg("status", s),
            IndexProblem::Expiry(s) => Text::new("index-expiry").arg("expiry", s),
            IndexProblem::Serial(s) => Text::new("index-serial").arg("serial", s),
        }
    }
}

impl Index {
    /// Highest serial recorded, as a number (serials beyond u128 are reported as problems).
    pub(crate) fn max_serial(&self) -> Option<u128> {
        self.entries
            .iter()
            .filter_map(|e| u128::from_str_radix(&e.serial, 16).ok())
            .max()
    }
}

fn valid_index_time(t: &str) -> bool {
    (t.len() == 13 || t.len() == 15)
        && t.ends_with('Z')
        && t[..t.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

/// Parses the text of `database.txt` as `openssl ca` writes it.
pub fn parse_index(text: &str) -> Index {
    let mut idx = Index::default();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 6 {
            idx.problems.push((n, IndexProblem::Fields(f.len())));
            continue;
        }
        let status = f[0].chars().next().unwrap_or(' ');
        if f[0].len() != 1 || !matches!(status, 'V' | 'R' | 'E') {
            idx.problems.push((n, IndexProblem::Status(f[0].into())));
            continue;
        }
        if !valid_index_time(f[1]) {
            idx.problems.push((n, IndexProblem::Expiry(f[1].into())));
            continue;
        }
        if f[3].is_empty() || !f[3].bytes().all(|b| b.is_ascii_hexdigit()) {
            idx.problems.push((n, IndexProblem::Serial(f[3].into())));
            continue;
        }
        idx.entries.push(IndexEntry {
            status,
            expiry: f[1].into(),
            revocation: f[2].into(),
            serial: f[3].to_ascii_uppercase(),
            filename: f[4].into(),
            subject: f[5].into(),
        });
    }
    idx
}

/// Parses `serial.txt` (one hex number and a newline).
pub fn parse_serial(text: &str) -> std::result::Result<u128, SerialError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(SerialError::Empty);
    }
    u128::from_str_radix(t, 16).map_err(|_| SerialError::NotHex {
        text: t.to_string(),
    })
}

/// Why `serial.txt` holds no serial.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SerialError {
    #[error("empty")]
    /// The file is empty.
    Empty,
    #[error("'{text}' is not a hex serial")]
    /// The text is not hexadecimal.
    NotHex {
        /// The text read.
        text: String,
    },
}

/// Why `serial.txt` holds no serial, as a catalogue message; its English is the `Display`.
pub(crate) fn serial_error_text(e: &SerialError) -> crate::i18n::Text {
    use crate::i18n::Text;
    match e {
        SerialError::Empty => Text::new("serial-empty"),
        SerialError::NotHex { text } => Text::new("serial-not-hex").arg("text", text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_md_fix_changes_one_value_only() {
        let t = "# c\n[ca]\ndefault_ca = CA_default\n\n[CA_default]\ndefault_days = 365\ndefault_md\t=  sha1   # old\r\npreserve = no\n";
        let (fixed, md) = fix_default_md(t).unwrap();
        assert_eq!(md.line, 7);
        assert_eq!(
            fixed,
            t.replace(
                "default_md\t=  sha1   # old",
                "default_md\t=  sha256   # old"
            )
        );
        assert!(fix_default_md(&fixed).is_none());
        assert!(fix_default_md("[CA_default]\ndefault_md = sha512\n").is_none());
    }

    #[test]
    fn default_md_in_default_ca_section() {
        let conf = "default_md = md5\n[ ca ]\ndefault_ca = CA_default\n\n[ CA_default ]\ndir = .\ndefault_md = sha1 # old\n[ req ]\ndefault_md = sha256\n";
        let md = openssl_default_md(conf).unwrap();
        assert_eq!(md.value, "sha1");
        assert_eq!(md.line, 7);
        assert!(openssl_default_md("[ CA_default ]\n").is_none());
    }

    #[test]
    fn index_lines() {
        let idx = parse_index("V\t280311000000Z\t\t1000\tunknown\t/C=US/O=x/CN=y\nV\tbad\n\nV\t2050\t\tZZ\tunknown\t/CN=z\n");
        assert_eq!(idx.entries.len(), 1);
        assert_eq!(idx.problems.len(), 2);
        // The English of each problem is the text of before; each has Japanese.
        use crate::change::text_tests::{japanese, strict};
        use crate::i18n::{Lang, Messages};
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        for (p, old) in [
            (
                IndexProblem::Fields(2),
                "2 tab-separated fields, expected 6",
            ),
            (
                IndexProblem::Status("X".into()),
                "status 'X' is not V, R or E",
            ),
            (
                IndexProblem::Expiry("2050".into()),
                "expiry '2050' is not YYMMDDHHMMSSZ",
            ),
            (IndexProblem::Serial("ZZ".into()), "serial 'ZZ' is not hex"),
        ] {
            assert_eq!(p.to_string(), old);
            assert_eq!(strict(&en, &p.text()), old);
            assert!(japanese(&strict(&ja, &p.text())), "{p:?}");
        }
        assert_eq!(idx.problems[0].1, IndexProblem::Fields(2));
        assert_eq!(idx.max_serial(), Some(0x1000));
        assert_eq!(parse_serial("100A\n"), Ok(0x100a));
        assert!(parse_serial("xyz").is_err());
    }

    #[test]
    fn host_names() {
        for ok in [
            "engine.example.test",
            "xn--bcher-kva.example",
            "a",
            "engine-1.example.test",
            &format!("{}.example", "a".repeat(63)),
        ] {
            assert!(check_host_name(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            check_host_name("192.0.2.10"),
            Ok(HostName::Ip("192.0.2.10".parse().unwrap()))
        );
        assert_eq!(
            check_host_name("2001:db8::1").unwrap().san(),
            "IP:2001:db8::1"
        );
        assert_eq!(check_host_name("e.example").unwrap().san(), "DNS:e.example");
        for bad in [
            "",
            "a,b.example",
            "$(touch x).example",
            "engine\nexample",
            "engine\u{fffd}.example",
            "-a.example",
            "a-.example",
            "a..b",
            "engine.example.",
            "*.example",
            "10.0.0.300",
            "b\u{fc}cher.example",
            &format!("{}.example", "a".repeat(64)),
            &vec!["abcdefghi"; 26].join("."),
        ] {
            assert!(check_host_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_dns_name("*.example.test", true).is_ok());
        assert!(check_dns_name("a.*.example", true).is_err());
        assert_eq!(escape("a\nb'"), "'a\\u{a}b\\u{27}'");
    }

    #[test]
    fn assignments() {
        assert_eq!(
            parse_assignment(r#"ENGINE_FQDN="engine.example.test""#),
            Some(("ENGINE_FQDN".into(), "engine.example.test".into()))
        );
        assert_eq!(parse_assignment("# ENGINE_FQDN=x"), None);
        assert_eq!(parse_assignment("not an assignment"), None);
    }
}
