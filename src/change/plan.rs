//! The planner: reads the PKI directory and decides, item by item, what `conf`, `resign`
//! or `renew` will do and why (what `--dry-run` prints). Nothing is written here.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use super::check::{check_links, preflight};
use super::state::*;
use super::*;
use crate::pki::catalog::{self, EntityDef, Profile};
use crate::pki::cert;
use crate::pki::conf;
use crate::pki::sign::{self, DAY};
use crate::pki::sshcert;

/// The head of an included item's reason: a SHA-256 certificate is not said to move to it.
fn resign_what(s: &cert::CertSummary) -> &'static str {
    if s.signature.digest.is_weak() {
        "re-sign with SHA-256 keeping the key"
    } else {
        "re-sign keeping the key"
    }
}

/// What `resign` exists to fix in a CA: a weak signature, or a notAfter within the renew
/// window (365 days) or past. Empty: healthy.
fn ca_weaknesses(cfg: &ChangeConfig, s: &cert::CertSummary) -> Vec<String> {
    let mut w = Vec::new();
    if s.signature.digest.is_weak() {
        w.push(format!("signed {}", s.signature.name));
    }
    if let Some(d) = due_text(cfg.now, s.not_after, cfg.windows.ca.warn_days) {
        w.push(d);
    }
    w
}

/// "expired N days ago" / "expires in N days (window W d)" when `not_after` is within
/// `window` days of `now`.
fn due_text(now: i64, not_after: i64, window: i64) -> Option<String> {
    let left = not_after - now;
    (left <= window * DAY).then(|| {
        if left < 0 {
            format!("expired {} days ago", -left / DAY)
        } else {
            format!("expires in {} days (window {window} d)", left / DAY)
        }
    })
}

/// What `resign` exists to fix in an entity: weak signature, RC2-40 or friendlyName p12,
/// missing or wrong SAN, a web certificate valid too long, a p12 format other than the one
/// asked for, not yet valid, or due (60 days for web certificates, 365 otherwise). Empty:
/// healthy.
fn entity_weaknesses(
    cfg: &ChangeConfig,
    def: &EntityDef,
    st: &EntityState,
    san: Option<&str>,
) -> Vec<String> {
    let s = &st.summary;
    let mut w = Vec::new();
    if s.signature.digest.is_weak() {
        w.push(format!("signed {}", s.signature.name));
    }
    if st.p12_legacy {
        w.push(format!(
            "keys/{}.p12 is {} (OpenSSL 3 needs the legacy provider)",
            def.name, st.family_text
        ));
    }
    if st.p12_friendly_name {
        w.push(format!(
            "keys/{}.p12 key bag has a friendlyName (Java alias is not 1)",
            def.name
        ));
    }
    if let Some(f) = cfg.p12_format {
        if f != st.family {
            w.push(format!(
                "p12 format {} (--p12-format {})",
                st.family_text,
                f.as_str()
            ));
        }
    }
    if def.profile == Profile::San {
        match (&s.san, san) {
            (None, _) => w.push("no subjectAltName".into()),
            (Some(have), Some(want)) if !have.iter().any(|n| n.eq_ignore_ascii_case(want)) => {
                w.push(format!("subjectAltName lacks {want}"))
            }
            _ => {}
        }
    }
    if let Some(bad) = s.san.iter().flatten().find(|n| {
        n.strip_prefix("DNS:")
            .is_some_and(|d| conf::check_dns_name(d, true).is_err())
    }) {
        w.push(format!(
            "subjectAltName {} is not a host name",
            conf::escape(bad)
        ));
    }
    if def.short_life && s.not_after - s.not_before > (catalog::WEB_MAX_DAYS + 1) * DAY {
        w.push(format!(
            "valid {} days, web certificates at most {}",
            (s.not_after - s.not_before) / DAY,
            catalog::WEB_MAX_DAYS
        ));
    }
    if s.not_before > cfg.now {
        w.push(format!("not valid before {}", cert::rfc3339(s.not_before)));
    }
    if let Some(d) = due_text(cfg.now, s.not_after, cfg.windows.renew_days(def.name)) {
        w.push(d);
    }
    w
}

/// The notAfter a re-signed CA gets: `--ca-days` from now when given, else the later of
/// [`DEFAULT_CA_DAYS`] from now and the CA's current notAfter.
fn ca_not_after(cfg: &ChangeConfig, current: i64) -> i64 {
    match cfg.ca_days {
        Some(d) => cfg.now + d * DAY,
        None => (cfg.now + DEFAULT_CA_DAYS * DAY).max(current),
    }
}

/// Why `renew` re-issues a vmconsole entity for its OpenSSH certificate: missing,
/// unreadable, not yet valid, expired or within `window` days of its end.
fn ssh_due(now: i64, s: &SshState, window: i64) -> Option<String> {
    let rel = s.which.cert_rel();
    match &s.cert {
        None => Some(format!(
            "OpenSSH certificate {rel} is missing ({} is there)",
            s.which.pub_rel()
        )),
        Some(Err(e)) => Some(format!("OpenSSH certificate unreadable: {e}")),
        Some(Ok(c)) => {
            let nb = i64::try_from(c.valid_after()).unwrap_or(i64::MAX);
            let na = i64::try_from(c.valid_before()).unwrap_or(i64::MAX);
            if nb > now {
                return Some(format!(
                    "OpenSSH certificate {rel} not valid before {}",
                    cert::rfc3339(nb)
                ));
            }
            due_text(now, na, window).map(|d| format!("OpenSSH certificate {rel} {d}"))
        }
    }
}

/// Both reasons when there are two.
fn join_why(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

/// What `resign` fixes in a vmconsole entity's OpenSSH certificate besides [`ssh_due`]: not
/// signed by the CA key (or signed SHA-1), the wrong kind, a key other than the entity's,
/// principals without oVirt's.
fn ssh_weaknesses(
    s: &SshState,
    ca: Option<&ssh_key::public::KeyData>,
    fqdn: Option<&str>,
) -> Vec<String> {
    let (Some(Ok(c)), Some(ca)) = (&s.cert, ca) else {
        return Vec::new();
    };
    sshcert::problems(c, s.which, s.subject.as_ref(), ca, fqdn)
        .into_iter()
        .map(|p| format!("OpenSSH certificate {}: {p}", s.which.cert_rel()))
        .collect()
}

/// Reads the PKI and decides what to do. Nothing is written.
pub fn plan(cfg: &ChangeConfig, req: &Request) -> Result<Plan> {
    let dir = &cfg.pki_dir;
    if !dir.is_dir() {
        return Err(Refusal::NotADirectory { dir: dir.clone() }.into());
    }
    let fqdn = Fqdn::read(cfg);
    let mut p = Planner {
        cfg,
        plan: empty_plan(cfg, req, &fqdn),
        fqdn,
        inputs: ["openssl.conf", "serial.txt", "database.txt"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    p.plan.conf = plan_conf(dir, req)?;
    let Some(sel) = Selection::of(req) else {
        // conf: openssl.conf alone.
        check_links(dir, &mut p.plan)?;
        return p.finish();
    };
    let Some(ca) = load_ca(dir, &catalog::CAS[0])? else {
        return Err(Refusal::CaMissing {
            path: dir.join("ca.pem"),
        }
        .into());
    };
    let qemu = load_ca(dir, &catalog::CAS[1])?;
    sel.check()?;
    // CAs first in the plan (applied last, see apply()).
    let mut cas_touched = false;
    for st in [Some(&ca), qemu.as_ref()].into_iter().flatten() {
        cas_touched |= p.plan_ca(&sel, st)?;
    }
    let ca_key_needed = p.plan_entities(&sel, &ca)?;
    if ca_key_needed {
        load_ca_key(dir, &ca)?;
        p.inputs.insert("private/ca.pem".into());
        p.inputs.insert("ca.pem".into());
    }
    if cas_touched {
        p.ca_notes(&ca);
    }
    p.plan.services = services_for(&p.plan, qemu.is_some());
    if !p.plan.is_empty() {
        check_links(dir, &mut p.plan)?;
    }
    p.finish()
}

/// `ENGINE_FQDN`, read and checked once; refused only where it would be written (a SAN
/// certificate, the principal of the vmconsole host certificate).
struct Fqdn {
    /// The name, or why `ENGINE_FQDN` is not one (taken by the first [`Fqdn::require`]).
    checked: Result<Option<conf::HostName>>,
    /// As the plan shows it and the vmconsole host certificate's principal.
    text: Option<String>,
    /// The subjectAltName entry.
    san: Option<String>,
}

impl Fqdn {
    fn read(cfg: &ChangeConfig) -> Fqdn {
        let checked = engine_fqdn(cfg);
        let name = checked.as_ref().ok().and_then(Option::as_ref);
        Fqdn {
            text: name.map(host_text),
            san: name.map(|h| h.san()),
            checked,
        }
    }

    /// The name, or the refusal naming what needs it (`needed for …`).
    fn require(&mut self, cfg: &ChangeConfig, needed_for: String) -> Result<()> {
        match std::mem::replace(&mut self.checked, Ok(None)) {
            // The plan stops at this refusal: it is needed once.
            Err(e) => Err(e),
            Ok(None) => Err(Refusal::NoEngineFqdn {
                conf_dir: cfg.engine_conf_dir.clone(),
                needed_for,
            }
            .into()),
            Ok(Some(h)) => {
                self.checked = Ok(Some(h));
                Ok(())
            }
        }
    }
}

fn empty_plan(cfg: &ChangeConfig, req: &Request, fqdn: &Fqdn) -> Plan {
    Plan {
        command: match req {
            Request::Conf => Command::Conf,
            Request::Resign { .. } => Command::Resign,
            Request::Renew { .. } => Command::Renew,
        },
        pki_dir: cfg.pki_dir.to_string_lossy().into_owned(),
        engine_fqdn: fqdn.text.clone(),
        engine_host: fqdn.checked.as_ref().ok().cloned().flatten(),
        conf: None,
        items: Vec::new(),
        skipped: Vec::new(),
        services: Vec::new(),
        notes: Vec::new(),
        inputs: Vec::new(),
    }
}

/// openssl.conf's `default_md`: conf always, resign always (so new certs are SHA-256),
/// renew too.
fn plan_conf(dir: &Path, req: &Request) -> Result<Option<ConfChange>> {
    let conf_path = dir.join("openssl.conf");
    match read_file(&conf_path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            Ok(conf::fix_default_md(&text).map(|(_, md)| ConfChange {
                path: "openssl.conf".into(),
                line: md.line,
                from: md.value,
                to: "sha256".into(),
            }))
        }
        // Missing is tolerated when signing (the profile is built in); unreadable is not:
        // the run promises SHA-256 in openssl.conf and could not keep it.
        Err(e) if matches!(req, Request::Conf) || e.kind() != std::io::ErrorKind::NotFound => {
            Err(crate::Error::io(&conf_path, e).into())
        }
        Err(_) => Ok(None),
    }
}

/// Which certificates `resign` / `renew` were asked about, and how.
struct Selection<'a> {
    /// Every certificate (resign --all, renew without names).
    all: bool,
    names: &'a [String],
    /// `Some`: renew, with its `--within` (`None`: each role's window).
    within: Option<Option<i64>>,
    new_key: bool,
    force: bool,
}

impl<'a> Selection<'a> {
    /// `None` for `conf`.
    fn of(req: &'a Request) -> Option<Selection<'a>> {
        match req {
            Request::Conf => None,
            Request::Resign { all, names, force } => Some(Selection {
                all: *all,
                names,
                within: None,
                new_key: false,
                force: *force,
            }),
            Request::Renew {
                within,
                names,
                new_key,
            } => Some(Selection {
                all: names.is_empty(),
                names,
                within: Some(*within),
                new_key: *new_key,
                force: false,
            }),
        }
    }

    /// Names must exist in the catalog (or be a CA); the engine key is never rotated.
    fn check(&self) -> Result<()> {
        for n in self.names {
            if catalog::entity(n).is_none() && !catalog::CAS.iter().any(|c| c.name == n) {
                let known: Vec<&str> = catalog::CAS
                    .iter()
                    .map(|c| c.name)
                    .chain(catalog::ENTITIES.iter().map(|e| e.name))
                    .collect();
                return Err(Refusal::UnknownName {
                    name: n.clone(),
                    known,
                }
                .into());
            }
        }
        if self.new_key && self.named("engine") {
            return Err(Refusal::EngineKeyNamed.into());
        }
        Ok(())
    }

    fn named(&self, n: &str) -> bool {
        self.names.iter().any(|x| x == n)
    }

    fn wanted(&self, n: &str) -> bool {
        self.all || self.named(n)
    }

    fn renew(&self) -> bool {
        self.within.is_some()
    }

    /// renew: why `name` is due (its window, or `--within`), `None` when it is not.
    fn due(&self, cfg: &ChangeConfig, s: &cert::CertSummary, name: &str) -> Option<String> {
        let w = self.within?;
        // `renew --new-key NAME` is how the audit says to replace a weak key: it acts.
        if self.new_key && self.named(name) {
            return Some("--new-key asked for it".into());
        }
        let win = w.unwrap_or(cfg.windows.renew_days(name));
        let left = s.not_after - cfg.now;
        (left <= win * DAY).then(|| {
            if left < 0 {
                format!("expired {} days ago", -left / DAY)
            } else {
                format!("expires in {} days (window {win} d)", left / DAY)
            }
        })
    }
}

/// The plan being made, with what it needs along the way.
struct Planner<'a> {
    cfg: &'a ChangeConfig,
    fqdn: Fqdn,
    plan: Plan,
    /// Every file whose content the plan depends on (checked again under the lock).
    inputs: BTreeSet<String>,
}

impl Planner<'_> {
    fn skip(&mut self, name: &str, reason: String) {
        self.plan.skipped.push(Skipped {
            name: name.into(),
            reason,
        });
    }

    /// A renew candidate that is not due: said so only when it was named.
    fn not_due(&mut self, sel: &Selection, name: &str, s: &cert::CertSummary) {
        if !sel.all {
            self.skip(
                name,
                format!("not due: expires {}", cert::rfc3339(s.not_after)),
            );
        }
    }

    /// Why a CA is re-signed, `None` when it is left as is (with a skip line when due).
    fn ca_reason(&mut self, sel: &Selection, st: &CaState) -> Option<String> {
        let (cfg, name) = (self.cfg, st.def.name);
        if sel.renew() {
            if !sel.wanted(name) {
                return None;
            }
            let due = sel.due(cfg, &st.summary, name);
            if due.is_none() {
                self.not_due(sel, name, &st.summary);
            }
            return due;
        }
        if !sel.wanted(name) {
            return None;
        }
        let new_na = ca_not_after(cfg, st.summary.not_after);
        let validity = if new_na == st.summary.not_after {
            format!("notAfter stays {}", cert::rfc3339(st.summary.not_after))
        } else {
            format!("new notAfter {}", cert::rfc3339(new_na))
        };
        let weak = ca_weaknesses(cfg, &st.summary);
        if !weak.is_empty() {
            Some(format!(
                "{}: {}; {validity}",
                resign_what(&st.summary),
                weak.join("; ")
            ))
        } else if sel.force || sel.named(name) {
            Some(format!(
                "{}: already {}, not due; re-signed keeping the key; {validity}",
                if sel.force { "--force" } else { "named" },
                st.summary.signature.name
            ))
        } else {
            self.skip(
                name,
                format!(
                    "nothing to fix: already {}, expires {} (not due); --force re-signs it anyway",
                    st.summary.signature.name,
                    cert::rfc3339(st.summary.not_after)
                ),
            );
            None
        }
    }

    /// One CA: `Ok(true)` when the plan re-signs it.
    fn plan_ca(&mut self, sel: &Selection, st: &CaState) -> Result<bool> {
        let Some(reason) = self.ca_reason(sel, st) else {
            return Ok(false);
        };
        let (cfg, dir) = (self.cfg, &self.cfg.pki_dir);
        let name = st.def.name;
        load_ca_key(dir, st)?;
        self.inputs.insert(st.def.cert.into());
        self.inputs.insert(st.def.key.into());
        self.inputs.insert(st.def.copy.into());
        self.inputs.insert(".truststore".into());
        let mut files = vec![st.def.cert.to_string(), st.def.copy.to_string()];
        let rewrite_truststore = dir.join(".truststore").exists();
        if rewrite_truststore {
            files.push(".truststore".into());
        }
        let mut refresh_apache_copy = false;
        if name == "ca" {
            match apache_ca_copy(dir, &st.der) {
                ApacheCa::Copy => {
                    refresh_apache_copy = true;
                    files.push(APACHE_CA.into());
                    self.inputs.insert(APACHE_CA.into());
                    self.plan.notes.push(format!(
                        "{APACHE_CA} is a copy of ca.pem (not the usual symlink to it): it is refreshed with the re-signed CA in the same transaction"
                    ));
                }
                ApacheCa::Other(why) => self.skip(APACHE_CA, why),
                ApacheCa::LinkOrAbsent => {}
            }
        }
        let (not_before, not_after) = (cfg.now - DAY, ca_not_after(cfg, st.summary.not_after));
        self.plan.items.push(Item {
            name: name.into(),
            kind: ItemKind::Ca,
            reason,
            files,
            old_serial: st.summary.serial.clone(),
            new_serial: st.summary.serial.clone(),
            old_signature: st.summary.signature.name.to_string(),
            new_signature: "sha256WithRSAEncryption",
            old_not_after: cert::rfc3339(st.summary.not_after),
            new_not_before: cert::rfc3339(not_before),
            new_not_after: cert::rfc3339(not_after),
            key: KeyUse::Kept,
            p12_format: None,
            openssh: None,
            action: Action::ResignCa {
                ca: st.def,
                not_before,
                not_after,
                rewrite_truststore,
                refresh_apache_copy,
            },
        });
        Ok(true)
    }

    /// The entities, in catalog order: `Ok(true)` when one is re-issued (the CA key signs).
    fn plan_entities(&mut self, sel: &Selection, ca: &CaState) -> Result<bool> {
        let dir = &self.cfg.pki_dir;
        let mut serial = {
            let t = read_text(dir.join("serial.txt"))
                .map_err(|e| crate::Error::io(dir.join("serial.txt"), e))?;
            conf::parse_serial(&t).map_err(|reason| Refusal::BadSerial {
                path: dir.join("serial.txt"),
                reason,
            })?
        };
        let mut any = false;
        let mut broken: Vec<(&'static str, Text)> = Vec::new();
        // The CA key as an OpenSSH key: what must sign the vmconsole OpenSSH certificates.
        let ca_ssh = ca
            .x509
            .public_key()
            .ok()
            .and_then(|k| sshcert::ssh_public(&k).ok());
        for def in catalog::ENTITIES {
            if !sel.wanted(def.name) {
                continue;
            }
            let Some(st) = load_entity(dir, def, &self.cfg.p12_password, ca)? else {
                if sel.named(def.name) {
                    return Err(Refusal::NotEnrolled {
                        p12: dir.join(format!("keys/{}.p12", def.name)),
                        name: def.name,
                    }
                    .into());
                }
                continue;
            };
            // resign: broken or third-party files are judged before health, so `--all` never
            // passes over a broken entity because it looked healthy.
            if !sel.renew() && self.hands_off(sel, def, &st, &mut broken)? {
                continue;
            }
            let ssh = load_ssh(dir, def, &st.key);
            let Some(reason) = self.entity_reason(sel, def, &st, ssh.as_ref(), ca_ssh.as_ref())
            else {
                continue;
            };
            if sel.renew() && self.hands_off(sel, def, &st, &mut broken)? {
                continue;
            }
            self.plan_entity(sel, def, &st, ssh.as_ref(), reason, serial)?;
            serial += 1;
            any = true;
        }
        if !broken.is_empty() {
            return Err(Refusal::Broken { broken }.into());
        }
        Ok(any)
    }

    /// A third-party or broken entity: `Ok(true)` when it is left out of the plan
    /// (third-party skipped with why, broken collected for the `--all` refusal); a named one
    /// is refused.
    fn hands_off(
        &mut self,
        sel: &Selection,
        def: &'static EntityDef,
        st: &EntityState,
        broken: &mut Vec<(&'static str, Text)>,
    ) -> Result<bool> {
        let Some(h) = &st.hands_off else {
            return Ok(false);
        };
        let why = h.reason();
        if sel.named(def.name) {
            return Err(Refusal::HandsOff {
                name: def.name,
                why: why.clone(),
            }
            .into());
        }
        if let HandsOff::Broken(_) = h {
            // `--all` promises the whole PKI: broken files are not quietly left behind.
            broken.push((def.name, why.clone()));
            return Ok(true);
        }
        self.skip(def.name, why.english());
        Ok(true)
    }

    /// Why an entity is re-issued (renew: due, or its OpenSSH certificate is; resign: a
    /// weakness, `--force` or named), `None` when it is left as is (with a skip line).
    fn entity_reason(
        &mut self,
        sel: &Selection,
        def: &EntityDef,
        st: &EntityState,
        ssh: Option<&SshState>,
        ca_ssh: Option<&ssh_key::public::KeyData>,
    ) -> Option<String> {
        let cfg = self.cfg;
        let ssh_window = sel
            .within
            .flatten()
            .unwrap_or(cfg.windows.renew_days(def.name));
        let ssh_why = ssh.and_then(|s| ssh_due(cfg.now, s, ssh_window));
        if sel.renew() {
            let due = join_why(sel.due(cfg, &st.summary, def.name), ssh_why);
            if due.is_none() {
                self.not_due(sel, def.name, &st.summary);
            }
            return due;
        }
        let mut weak = entity_weaknesses(cfg, def, st, self.fqdn.san.as_deref());
        if let Some(s) = ssh {
            weak.extend(ssh_why);
            weak.extend(ssh_weaknesses(s, ca_ssh, self.fqdn.text.as_deref()));
        }
        if !weak.is_empty() {
            Some(format!("{}: {}", resign_what(&st.summary), weak.join("; ")))
        } else if sel.force || sel.named(def.name) {
            Some(format!(
                "{}: already {}, not due; re-signed keeping the key",
                if sel.force { "--force" } else { "named" },
                st.summary.signature.name
            ))
        } else {
            self.skip(
                def.name,
                format!(
                    "nothing to fix: already {}, SAN and p12 format fine, expires {} (not due); --force re-signs it anyway",
                    st.summary.signature.name,
                    cert::rfc3339(st.summary.not_after)
                ),
            );
            None
        }
    }

    /// The item re-issuing one entity with serial `serial`.
    fn plan_entity(
        &mut self,
        sel: &Selection,
        def: &'static EntityDef,
        st: &EntityState,
        ssh: Option<&SshState>,
        reason: String,
        serial: u128,
    ) -> Result<()> {
        let cfg = self.cfg;
        if def.profile == Profile::San {
            self.fqdn
                .require(cfg, format!("the subjectAltName of {}", def.name))?;
        }
        let rotate = sel.new_key && !def.keep_key;
        if sel.new_key && def.keep_key {
            return Err(Refusal::EngineKeyDue.into());
        }
        let days = entity_days(cfg, def);
        let (not_before, not_after) = (cfg.now - DAY, cfg.now + days * DAY);
        let key = if rotate { KeyUse::New } else { KeyUse::Kept };
        let family = cfg.p12_format.unwrap_or(st.family);
        let serial_hex = sign::serial_text(serial);
        let mut files = entity_files(def);
        files.push(format!("certs/{serial_hex}.pem"));
        for f in entity_files(def) {
            self.inputs.insert(f);
        }
        let openssh = match ssh {
            Some(s) => Some(self.openssh_item(def, s, rotate, days, &mut files)?),
            None => None,
        };
        self.plan.items.push(Item {
            name: def.name.into(),
            kind: ItemKind::Entity,
            reason,
            files,
            old_serial: st.summary.serial.clone(),
            new_serial: serial_hex,
            old_signature: st.summary.signature.name.to_string(),
            new_signature: "sha256WithRSAEncryption",
            old_not_after: cert::rfc3339(st.summary.not_after),
            new_not_before: cert::rfc3339(not_before),
            new_not_after: cert::rfc3339(not_after),
            key,
            p12_format: Some(format!("{} -> {}", st.family_text, family.as_str())),
            openssh,
            action: Action::Reissue {
                entity: def,
                serial,
                key,
                p12: family,
                not_before,
                not_after,
            },
        });
        Ok(())
    }

    /// A vmconsole entity's OpenSSH certificate, re-issued with it (and its manual step).
    fn openssh_item(
        &mut self,
        def: &EntityDef,
        s: &SshState,
        rotate: bool,
        days: i64,
        files: &mut Vec<String>,
    ) -> Result<OpensshItem> {
        let (cfg, dir) = (self.cfg, &self.cfg.pki_dir);
        let principal = if s.which.host {
            self.fqdn
                .require(cfg, format!("the principal of {}", s.which.cert_rel()))?;
            s.which
                .principal(self.fqdn.text.as_deref().unwrap_or_default())
        } else {
            s.which.principal("")
        };
        let (cert_rel, pub_rel) = (s.which.cert_rel(), s.which.pub_rel());
        let rewrite_pub = rotate || !s.pub_ok;
        files.push(cert_rel.clone());
        if rewrite_pub {
            files.push(pub_rel.clone());
        }
        self.inputs.insert(cert_rel.clone());
        self.inputs.insert(pub_rel.clone());
        let (valid_after, valid_before) = (cfg.now - 3600, cfg.now + days * DAY);
        let copy = ssh_proxy_dir(dir).join(s.which.proxy_copy());
        self.plan.notes.push(format!(
            "{cert_rel} is re-issued with {}: the vmconsole proxy reads its copy {}, which this change does not write; copy it there afterwards (keep that file's owner and mode){}",
            def.name,
            copy.display(),
            if rotate {
                format!(
                    ", and the new key of keys/{}.p12 to {} (mode 0600, owner ovirt-vmconsole)",
                    def.name,
                    ssh_proxy_dir(dir).join(s.which.proxy_copy().trim_end_matches("-cert.pub")).display()
                )
            } else {
                String::new()
            }
        ));
        Ok(OpensshItem {
            file: cert_rel,
            cert_type: s.which.kind(),
            key_id: s.which.key_id().into(),
            principals: vec![principal],
            old_not_after: match &s.cert {
                Some(Ok(c)) => Some(cert::rfc3339(
                    i64::try_from(c.valid_before()).unwrap_or(i64::MAX),
                )),
                _ => None,
            },
            new_not_before: cert::rfc3339(valid_after),
            new_not_after: cert::rfc3339(valid_before),
            public_key_file: rewrite_pub.then_some(pub_rel),
            proxy_copy: copy.to_string_lossy().into_owned(),
            which: s.which,
            valid_after,
            valid_before,
        })
    }

    /// What a CA re-sign leaves to the admin: hosts to re-enroll, the engine to restart,
    /// the vmconsole OpenSSH certificates that stay valid.
    fn ca_notes(&mut self, ca: &CaState) {
        let dir = &self.cfg.pki_dir;
        let notes = &mut self.plan.notes;
        if ca.summary.not_after <= self.cfg.now {
            notes.push(format!(
                "the CA had expired ({}): hosts still hold that copy and their certificates chain to it, so the Manager cannot reach them until they are re-enrolled; for hosts the Manager can no longer talk to, use `rhv-pki hosts recover --ssh`, then Enroll Certificate the rest",
                cert::rfc3339(ca.summary.not_after)
            ));
        } else {
            notes.push(format!(
                "the CA was re-signed with its own key: existing host certificates stay valid, but every host keeps an old copy of the CA; re-enroll every host (Maintenance -> Enroll Certificate -> Activate) before the old CA's notAfter ({})",
                cert::rfc3339(ca.summary.not_after)
            ));
        }
        notes.push(
            "restart ovirt-engine before re-enrolling hosts (the engine caches the CA)".into(),
        );
        // The vmconsole OpenSSH certificates hang on the CA *key* (hosts trust it as
        // /etc/pki/ovirt-vmconsole/ca.pub), not on the CA certificate: a re-sign keeping the
        // key leaves them valid. Their own expiry makes renew / resign --all take them.
        let kept: Vec<String> = sshcert::VMCONSOLE
            .iter()
            .filter(|v| !self.plan.items.iter().any(|i| i.name == v.entity))
            .map(|v| v.cert_rel())
            .filter(|r| dir.join(r).exists())
            .collect();
        if !kept.is_empty() {
            self.plan.notes.push(format!(
                "{} stay as they are: signed by the CA key, which the re-sign keeps (ca.pub on the hosts is unchanged); `rhv-pki renew` re-issues them when they are due",
                kept.join(" and ")
            ));
        }
    }

    /// The preflight checks, then the inputs' checksums: the plan as [`apply`] gets it.
    fn finish(mut self) -> Result<Plan> {
        let dir = &self.cfg.pki_dir;
        preflight(self.cfg, &self.plan)?;
        self.plan.inputs = self
            .inputs
            .into_iter()
            .map(|p| (p.clone(), sha(&dir.join(&p))))
            .collect();
        Ok(self.plan)
    }
}

/// Which units read what changed, per era, in restart order (src/manager/services.rs).
fn services_for(plan: &Plan, has_qemu_ca: bool) -> Vec<String> {
    let era = if has_qemu_ca {
        catalog::Era::V44
    } else {
        catalog::Era::V42
    };
    let changed: Vec<&str> = plan.items.iter().map(|i| i.name.as_str()).collect();
    crate::manager::services::needed(&changed, era)
        .into_iter()
        .map(|n| n.unit)
        .collect()
}

/// `apache-ca.pem` next to a CA being re-signed.
enum ApacheCa {
    /// A symlink (to ca.pem, followed by httpd) or no file: nothing to do.
    LinkOrAbsent,
    /// A regular file holding the very certificate of ca.pem: refreshed with it.
    Copy,
    /// Something else (a third-party CA, unreadable): left alone, with why.
    Other(String),
}

pub(super) const APACHE_CA: &str = "apache-ca.pem";

fn apache_ca_copy(dir: &Path, ca_der: &[u8]) -> ApacheCa {
    let p = dir.join(APACHE_CA);
    let Ok(m) = fs::symlink_metadata(&p) else {
        return ApacheCa::LinkOrAbsent;
    };
    if m.file_type().is_symlink() {
        return ApacheCa::LinkOrAbsent;
    }
    let data = match cert::read_limited(&p) {
        Ok(d) => d,
        Err(e) => return ApacheCa::Other(format!("{e}; left as is")),
    };
    match cert::first_certificate(&p, &data) {
        Ok(der) if der == ca_der => ApacheCa::Copy,
        Ok(der) => {
            let subject = cert::parse(&p, &der)
                .map(|(_, s)| s.subject)
                .unwrap_or_else(|_| "?".into());
            ApacheCa::Other(format!(
                "holds another CA ({subject}), not a copy of ca.pem: apache's certificate is from a third-party CA; left as is"
            ))
        }
        Err(e) => ApacheCa::Other(format!("{e}; left as is")),
    }
}
