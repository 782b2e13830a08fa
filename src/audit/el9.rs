//! `--policy el9`: one readiness verdict for RHEL 9 — everything its DEFAULT crypto policy
//! would reject or OpenSSL 3 cannot read, as one list, each item with the command that fixes it.
//!
//! The verdict only aggregates what the audit already found (same finding codes, no file is read
//! here, no clock): `sha1-signature` / `md5-signature` (certificates and OpenSSH certificates
//! signed `ssh-rsa`), `weak-key` (RSA < 2048), `p12-legacy-rc2` (OpenSSL 3 needs the legacy
//! provider) and `openssl-conf-sha1` (`default_md = sha1` in openssl.conf, cacert.conf,
//! cert.conf or their templates).
//!
//! Two kinds of finding are notes, not items:
//! - the SHA-1 (or MD5) **self-signature of a self-signed CA** (a trust anchor): OpenSSL checks
//!   the signature algorithm of every certificate of a chain *except the trust anchor*
//!   (`check_auth_level` in `crypto/x509/x509_vfy.c`); verified with OpenSSL 3.0 at
//!   `-auth_level 2` (RHEL 9 DEFAULT is security level 2): a SHA-256 leaf under a SHA-1
//!   self-signed root verifies, a SHA-1 leaf fails with "CA signature digest algorithm too weak".
//!   Its key size is still judged (`weak-key` on a CA is an item: issuer keys are checked).
//! - in the Manager's `audit`, the Manager's copies of host certificates (`certs/<host>.cer`…):
//!   what a host really holds is judged by `hosts audit --policy el9`.

use std::fmt::Write as _;

use serde::Serialize;

use super::report::Status;
use super::{AuditReport, CertRecord, Finding, Role, Severity};
use crate::i18n::{Lang, Messages, Text};
use crate::pki::catalog;

/// Version of the `el9` object of the JSON document; bump on incompatible changes.
pub(crate) const VERSION: &str = "rhv-pki/el9/v1";

/// The finding codes the verdict is made of (the audit's own codes).
pub(crate) const CODES: &[&str] = &[
    "sha1-signature",
    "md5-signature",
    "weak-key",
    "p12-legacy-rc2",
    "openssl-conf-sha1",
];

/// What the verdict is judged for, and how its commands are printed.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The report is a `hosts audit` (host certificates are items, not notes).
    pub hosts: bool,
    /// Appended to every printed `rhv-pki …` fix, so it acts on the audited tree
    /// (e.g. ` --root /srv/copy`); empty for the live PKI.
    pub command_args: String,
    /// Appended after those to `rhv-pki hosts recover --ssh` fixes: how `hosts audit --ssh`
    /// reached the hosts (` --ssh-key K --host h1=addr`…).
    pub recover_args: String,
    /// Appended after those to `rhv-pki hosts enroll` fixes: how `hosts audit` reached the
    /// Manager and the hosts' vdsm (` --engine-url U --password-file F --vdsm-endpoint …`).
    pub enroll_args: String,
}

/// One thing RHEL 9 would reject, and its fix.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// The audit's finding code.
    pub(crate) code: &'static str,
    pub(crate) severity: Severity,
    pub(crate) path: String,
    pub(crate) role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) host: Option<String>,
    /// Why it matters on EL9 (signature, key size, MAC).
    pub reason: String,
    /// The command that fixes it, as printed (an `rhv-pki` command where one exists).
    pub(crate) fix: String,
    /// What the admin must fill in before running `fix` (its placeholders), when it has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix_note: Option<String>,
    /// `reason` as a catalogue message (the finding's message and the note's words), for a
    /// table in another language; `None`: `reason` is shown as is.
    #[serde(skip)]
    pub reason_text: Option<Text>,
}

/// `hosts enroll` talks to the Manager's REST API, which `hosts audit --ssh` never reached:
/// the password is the one thing it cannot default (the URL defaults to `https://ENGINE_FQDN`
/// from engine.conf.d, right on the Manager), so the printed command carries the flag with a
/// placeholder and this note, rather than a command that stops with "the Manager password is
/// needed".
pub(crate) const ENROLL_PLACEHOLDER: &str = " --password-file FILE";
/// The note of a fix carrying [`ENROLL_PLACEHOLDER`].
pub(crate) const ENROLL_NOTE: &str = "FILE: a file holding the Manager's admin@internal password (or drop --password-file and set RHV_PKI_ENGINE_PASSWORD); add --engine-url URL (and --ca-file, --user) when the Manager is not https://<ENGINE_FQDN> of engine.conf.d — hosts audit --ssh did not talk to the Manager";

/// The verdict: `ready` when `items` is empty. `notes` never change it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub(crate) version: &'static str,
    pub(crate) policy: &'static str,
    pub(crate) ready: bool,
    pub(crate) items: Vec<Item>,
    pub(crate) notes: Vec<Item>,
}

impl Verdict {
    /// Items per finding code, every code of [`CODES`] present (0 when absent).
    pub(crate) fn counts(&self) -> Vec<(&'static str, usize)> {
        CODES
            .iter()
            .map(|c| (*c, self.items.iter().filter(|i| i.code == *c).count()))
            .collect()
    }

    /// The distinct fixes, configuration first (so nothing new is signed SHA-1), then in item
    /// order: run them all and the verdict is READY.
    pub(crate) fn fixes(&self) -> Vec<&str> {
        let mut seen = Vec::new();
        let conf = self.items.iter().filter(|i| i.code == "openssl-conf-sha1");
        let rest = self.items.iter().filter(|i| i.code != "openssl-conf-sha1");
        for i in conf.chain(rest) {
            if !seen.contains(&i.fix.as_str()) {
                seen.push(i.fix.as_str());
            }
        }
        seen
    }
}

/// The role a finding's `role` text names (the audit's roles: CAs, catalog entities, hosts).
fn role_of(name: &str) -> Role {
    if let Some(c) = catalog::CAS.iter().find(|c| c.name == name) {
        return Role::Ca(c.name);
    }
    if let Some(e) = catalog::entity(name) {
        return Role::Entity(e.name);
    }
    match name {
        "host" => Role::Host,
        "host-qemu" => Role::HostQemu,
        "host-other" => Role::HostOther,
        other => Role::OtherEntity(other.to_string()),
    }
}

fn record<'a>(r: &'a AuditReport, f: &Finding) -> Option<&'a CertRecord> {
    r.certificates
        .iter()
        .find(|c| c.path == f.path && c.host == f.host)
}

/// A self-signed CA whose self-signature verified: a trust anchor.
fn is_anchor(rec: Option<&CertRecord>) -> bool {
    rec.is_some_and(|c| {
        c.cert.as_ref().is_some_and(|s| s.is_ca && s.self_issued)
            && !c
                .findings
                .iter()
                .any(|f| matches!(*f, "chain-invalid" | "unverifiable-signature"))
    })
}

/// The fix of one finding, with `command_args` after every `rhv-pki` command.
fn fix(r: &AuditReport, f: &Finding, opts: &Options) -> String {
    // `rhv-pki conf` fixes openssl.conf; the other configurations get the one-line edit.
    if f.problem.code() == "openssl-conf-sha1" && f.path != "openssl.conf" {
        let file = std::path::Path::new(&r.pki_dir).join(&f.path);
        return format!(
            "sed -i -E 's/^([[:space:]]*default_md[[:space:]]*=[[:space:]]*)(sha1|md5)/\\1sha256/I' {}",
            shell_quote(&file.to_string_lossy())
        );
    }
    // An OpenSSH certificate on a host is re-issued by the Manager's Enroll Certificate
    // (`hosts recover` keeps it: it is not a TLS file).
    if opts.hosts && f.path.ends_with("-cert.pub") {
        if let Some(h) = &f.host {
            // After `hosts audit --ssh` (no Manager API options), the one it cannot default.
            let enroll = if opts.enroll_args.is_empty() {
                ENROLL_PLACEHOLDER
            } else {
                opts.enroll_args.as_str()
            };
            return format!(
                "rhv-pki hosts enroll --host {}{}{enroll}",
                shell_quote(h),
                opts.command_args,
            );
        }
    }
    let role = role_of(&f.role);
    // On a host, a "ca" row is the host's copy: its row's action (the host command) fixes it,
    // never `resign ca` on the Manager.
    let by_role = match role {
        Role::Ca(_) | Role::Entity(_) if !opts.hosts => super::action_for(&f.problem, &role),
        _ => None,
    };
    let base = by_role
        .or_else(|| record(r, f).and_then(|c| c.action.clone()))
        .or_else(|| {
            let host_role = if opts.hosts { Role::Host } else { role };
            super::action_for(&f.problem, &host_role)
        })
        .unwrap_or_else(|| "re-issue it with SHA-256 and an RSA-2048 key".into());
    if base.starts_with("rhv-pki hosts recover --ssh") {
        format!("{base}{}{}", opts.command_args, opts.recover_args)
    } else if base.starts_with("rhv-pki hosts enroll") {
        format!("{base}{}{}", opts.command_args, opts.enroll_args)
    } else if base.starts_with("rhv-pki ") {
        format!("{base}{}", opts.command_args)
    } else {
        base
    }
}

/// `s` as one shell word.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+=:@,".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The verdict of a finished audit (`audit` or `hosts audit`).
pub fn verdict(r: &AuditReport, opts: &Options) -> Verdict {
    let mut items = Vec::new();
    let mut notes = Vec::new();
    for f in &r.findings {
        let code = f.problem.code();
        if !CODES.contains(&code) {
            continue;
        }
        let rec = record(r, f);
        let signature = matches!(code, "sha1-signature" | "md5-signature");
        let mut reason = f.message.clone();
        let mut reason_text = Text::new("el9-reason").arg_text("message", f.problem.text());
        let note = if signature && is_anchor(rec) {
            reason_text.key = "el9-reason-anchor";
            reason.push_str(
                " — on a self-signed CA only: OpenSSL 3 does not judge the trust anchor's own signature, RHEL 9 accepts it (re-sign it anyway to leave no SHA-1)",
            );
            true
        } else if !opts.hosts && role_of(&f.role).scope() == "host" {
            reason_text.key = "el9-reason-host-copy";
            reason.push_str(
                " — the Manager's copy of a host certificate: `rhv-pki hosts audit --policy el9` judges what the host holds",
            );
            true
        } else {
            false
        };
        let fix = fix(r, f, opts);
        let fix_note = (fix.starts_with("rhv-pki hosts enroll ")
            && fix.ends_with(ENROLL_PLACEHOLDER))
        .then(|| ENROLL_NOTE.to_string());
        let item = Item {
            code,
            severity: f.severity,
            path: f.path.clone(),
            role: f.role.clone(),
            subject: rec.and_then(|c| c.cert.as_ref()).map(|s| s.subject.clone()),
            host: f.host.clone(),
            reason,
            fix,
            fix_note,
            reason_text: Some(reason_text),
        };
        if note {
            notes.push(item);
        } else {
            items.push(item);
        }
    }
    Verdict {
        version: VERSION,
        policy: "RHEL 9 DEFAULT crypto policy / OpenSSL 3",
        ready: items.is_empty(),
        items,
        notes,
    }
}

/// The table's summary block: `EL9 readiness: READY` or `NOT READY (N items)`, the items with
/// their fixes, the notes, and the distinct commands to run.
pub fn table(v: &Verdict) -> String {
    table_in(v, Lang::En)
}

/// [`table`] in `lang` (commands, codes and paths stay as they are).
pub fn table_in(v: &Verdict, lang: Lang) -> String {
    let m = Messages::new(lang);
    let mut s = String::new();
    if v.ready {
        let _ = writeln!(s, "\n{}", m.get("el9-ready"));
    } else {
        let _ = writeln!(
            s,
            "\n{}",
            m.fmt("el9-not-ready", &[("count", v.items.len().into())])
        );
    }
    let (fix, note) = (m.get("el9-fix"), m.get("el9-note"));
    let line = |s: &mut String, i: &Item| {
        let at = match &i.host {
            Some(h) if !i.path.starts_with(&format!("{h}:")) => format!("{h}: {}", i.path),
            _ => i.path.clone(),
        };
        let reason = match (&i.reason_text, lang) {
            (Some(t), Lang::Ja) => t.render(&m),
            _ => i.reason.clone(),
        };
        let _ = writeln!(s, "  {:<18} {at}: {reason}", i.code);
        let _ = writeln!(s, "  {:<18} {fix} {}", "", i.fix);
        if let Some(n) = &i.fix_note {
            let n = match lang {
                Lang::En => n.clone(),
                _ => m.get("el9-enroll-note"),
            };
            let _ = writeln!(s, "  {:<18} {note} {n}", "");
        }
    };
    for i in &v.items {
        line(&mut s, i);
    }
    if !v.notes.is_empty() {
        let _ = writeln!(s, "{}", m.get("el9-notes"));
        for i in &v.notes {
            line(&mut s, i);
        }
    }
    let fixes = v.fixes();
    if !fixes.is_empty() {
        let _ = writeln!(s, "{}", m.get("el9-to-be-ready"));
        for f in fixes {
            let _ = writeln!(s, "  {f}");
        }
    }
    s
}

fn esc(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Prometheus families of the verdict: `rhv_pki_el9_ready` (0/1) and `rhv_pki_el9_items`
/// per finding code (every code present, 0 when absent), labelled like the audit's run series.
pub fn prometheus(v: &Verdict, scope: &str, manager: &str) -> String {
    let me = format!(
        "scope=\"{}\",host=\"{m}\",manager=\"{m}\"",
        esc(scope),
        m = esc(manager)
    );
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# HELP rhv_pki_el9_ready 1 when nothing blocks RHEL 9 (DEFAULT crypto policy, OpenSSL 3).\n# TYPE rhv_pki_el9_ready gauge"
    );
    let _ = writeln!(s, "rhv_pki_el9_ready{{{me}}} {}", v.ready as u8);
    let _ = writeln!(
        s,
        "# HELP rhv_pki_el9_items Items blocking RHEL 9 readiness, per finding code.\n# TYPE rhv_pki_el9_items gauge"
    );
    for (code, n) in v.counts() {
        let _ = writeln!(s, "rhv_pki_el9_items{{{me},code=\"{code}\"}} {n}");
    }
    s
}

/// The Nagios line with the verdict: NOT READY is at least WARNING, and the summary says so
/// first (`WARNING: EL9 NOT READY (3 items: sha1-signature, …); <audit summary> | perfdata`).
/// `audit` is the audit's state; returns the line and the combined state.
pub fn nagios(line: &str, audit: Status, v: &Verdict) -> (String, Status) {
    let status = status(audit, v);
    let state = status.as_str();
    let rest = line.split_once(": ").map(|(_, r)| r).unwrap_or(line);
    let head = if v.ready {
        "EL9 READY".to_string()
    } else {
        let mut codes: Vec<&str> = v.items.iter().map(|i| i.code).collect();
        codes.sort_unstable();
        codes.dedup();
        format!(
            "EL9 NOT READY ({} item{}: {})",
            v.items.len(),
            if v.items.len() == 1 { "" } else { "s" },
            codes.join(", ")
        )
    };
    // Perfdata: the item count, warning above 0 (plugin range `0`: alert outside 0..0).
    let perf = format!("'el9_items'={};0;;0;", v.items.len());
    let line = match rest.split_once(" | ") {
        Some((summary, p)) => format!("{state}: {head}; {summary} | {p} {perf}"),
        None => format!("{state}: {head}; {rest} | {perf}"),
    };
    (line, status)
}

/// The state with the verdict: the audit's, at least WARNING when not ready.
pub fn status(audit: Status, v: &Verdict) -> Status {
    if v.ready {
        audit
    } else {
        audit.max(Status::Warning)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nagios_not_ready_is_at_least_warning() {
        let v = Verdict {
            version: VERSION,
            policy: "p",
            ready: false,
            items: vec![Item {
                code: "p12-legacy-rc2",
                severity: Severity::Warning,
                path: "keys/a.p12".into(),
                role: "apache".into(),
                subject: None,
                host: None,
                reason: "r".into(),
                fix: "rhv-pki resign apache".into(),
                fix_note: None,
                reason_text: None,
            }],
            notes: Vec::new(),
        };
        let (l, c) = nagios("OK: 3 certificates OK | 'x'=1;;", Status::Ok, &v);
        assert_eq!(c, Status::Warning);
        assert_eq!(
            l,
            "WARNING: EL9 NOT READY (1 item: p12-legacy-rc2); 3 certificates OK | 'x'=1;; 'el9_items'=1;0;;0;"
        );
        let (l, _) = nagios("OK: fine", Status::Ok, &v);
        assert_eq!(
            l,
            "WARNING: EL9 NOT READY (1 item: p12-legacy-rc2); fine | 'el9_items'=1;0;;0;"
        );
        let (l, c) = nagios("CRITICAL: bad", Status::Critical, &v);
        assert_eq!(
            (l.starts_with("CRITICAL: EL9 NOT READY"), c),
            (true, Status::Critical)
        );
        assert_eq!(status(Status::Ok, &v), Status::Warning);
    }
}
