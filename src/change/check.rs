//! The checks both the planner and [`super::apply`] run before anything is written, so a
//! dry run promises only what can be done: every file readable, links inside the PKI
//! directory, the trust store settable, the directories writable.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::apply::truststore_password;
use super::state::read_file;
use super::*;

/// The files a plan reads or writes, relative to the PKI dir, with whether each must exist.
fn plan_files(plan: &Plan) -> Vec<(String, bool)> {
    let mut v: Vec<(String, bool)> = Vec::new();
    if let Some(c) = &plan.conf {
        v.push((c.path.clone(), true));
    }
    if plan.reissues_entities() {
        for (f, required) in [
            ("ca.pem", true),
            ("private/ca.pem", true),
            ("serial.txt", true),
            ("database.txt", true),
            ("serial.txt.old", false),
            ("database.txt.old", false),
            ("database.txt.attr", false),
            ("database.txt.attr.old", false),
            ("cert.template", false),
        ] {
            v.push((f.into(), required));
        }
    }
    for i in &plan.items {
        if let Action::ResignCa { ca, .. } = i.action {
            v.push((ca.key.into(), true));
        }
        for f in &i.files {
            v.push((f.clone(), false));
        }
    }
    v.sort();
    v.dedup();
    v
}

/// The checks both the plan (so `--dry-run` promises only what can be done) and [`apply`]
/// run before anything is written: every file the change reads or writes is absent (when it
/// may be) or a readable regular file within the size the apply reads, a link among them
/// stays inside the PKI directory and resolves, and every directory written into is
/// writable. The error names the file.
pub fn preflight(cfg: &ChangeConfig, plan: &Plan) -> Result<()> {
    if plan.is_empty() {
        return Ok(());
    }
    let dir = &cfg.pki_dir;
    for (rel, required) in plan_files(plan) {
        let p = dir.join(&rel);
        let unreadable = |source| Refusal::Unreadable {
            path: p.clone(),
            source,
        };
        let meta = match fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if required {
                    return Err(Refusal::Missing { path: p }.into());
                }
                continue;
            }
            Err(e) => return Err(unreadable(e).into()),
        };
        if meta.file_type().is_symlink() {
            // The same rule as the writes (and check_links in the plan): inside the PKI
            // directory a link is followed, anything else is refused.
            txn::resolve_write(dir, &rel).map_err(Refusal::Link)?;
        }
        if let Err(e) = read_file(&p) {
            return Err(unreadable(e).into());
        }
    }
    check_truststore(cfg, plan)?;
    check_writable(dir, plan)
}

/// `.truststore` must open with the engine's trust store password and hold no private key
/// under an alias a re-signed CA is imported as, or the CA step would fail halfway.
fn check_truststore(cfg: &ChangeConfig, plan: &Plan) -> Result<()> {
    let aliases: Vec<&str> = plan
        .items
        .iter()
        .filter_map(|i| match i.action {
            Action::ResignCa { ca, .. } => Some(ca.truststore_alias),
            Action::Reissue { .. } => None,
        })
        .collect();
    let ts = cfg.pki_dir.join(".truststore");
    if aliases.is_empty() || !ts.exists() {
        return Ok(());
    }
    let data = read_file(&ts).map_err(|e| crate::Error::io(&ts, e))?;
    crate::pki::truststore::check_settable(&data, &truststore_password(cfg), &aliases).map_err(
        |source| {
            Refusal::Truststore {
                path: ts.clone(),
                source,
                password_from: crate::audit::store_passwords(cfg.engine_conf_dir.as_deref())
                    .trust_store
                    .origin,
            }
            .into()
        },
    )
}

/// Every directory the plan writes into must be writable (a read-only mount, wrong owner):
/// refuse up front rather than fail halfway.
fn check_writable(dir: &Path, plan: &Plan) -> Result<()> {
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    dirs.insert(dir.to_path_buf());
    for i in &plan.items {
        for f in &i.files {
            if let Some(p) = dir.join(f).parent() {
                dirs.insert(p.to_path_buf());
            }
        }
    }
    for d in dirs {
        if let Err(source) = crate::sys::check_writable(&d) {
            return Err(Refusal::NotWritable { dir: d, source }.into());
        }
    }
    Ok(())
}

/// Every file the plan writes (`.YYYYmmddHHMMSS` copies aside, which are new files).
fn planned_writes(plan: &Plan) -> Vec<String> {
    let mut v: Vec<String> = plan.conf.iter().map(|c| c.path.clone()).collect();
    for i in &plan.items {
        v.extend(i.files.iter().cloned());
    }
    if plan.reissues_entities() {
        v.extend(
            [
                "database.txt",
                "database.txt.old",
                "database.txt.attr",
                "database.txt.attr.old",
                "serial.txt",
                "serial.txt.old",
            ]
            .map(String::from),
        );
    }
    v
}

/// Symbolic links among the files the plan writes, decided by [`txn::resolve_write`] as
/// the writes will be: a link that leaves the PKI directory, dangles or loops is refused
/// here, before anything changes (the dry-run says the same), and so are two planned files
/// that are one file through links. A link that is followed is named in the plan's notes.
pub(super) fn check_links(dir: &Path, plan: &mut Plan) -> Result<()> {
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    for rel in planned_writes(plan) {
        let t = txn::resolve_write(dir, &rel).map_err(Refusal::Link)?;
        if t.via_link.is_some() {
            plan.notes.push(format!(
                "{rel} is a symbolic link: its target {} is replaced (owner, mode and SELinux label kept), the link stays",
                t.rel
            ));
        }
        if let Some(other) = seen.insert(t.rel.clone(), rel.clone()) {
            if other != rel {
                return Err(Refusal::SameFile {
                    first: dir.join(&other),
                    second: dir.join(&rel),
                    real: dir.join(&t.rel),
                }
                .into());
            }
        }
    }
    Ok(())
}
