//! Which files an audit looks at and in what order: symlinks resolved without leaving the
//! tree, the files of `keys/`, `certs/` and `certs-qemu/` classified into jobs (engine side
//! first), the era guessed from the CAs, and the worker pool that runs the jobs in parallel
//! and hands results back in plan order with bounded memory.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use super::finding::Role;
use super::DAY;
use crate::pki::catalog::{self, Era, DEFAULT_PKI_DIR};
use crate::pki::verify::Issuer;

/// Where a symlink inside the audited tree leads.
pub enum Resolved {
    /// The path is a file inside the PKI dir.
    File(PathBuf),
    /// A symbolic link to nothing (its target).
    Dangling(String),
    /// A symbolic link leading out of the PKI dir (its target).
    Outside(String),
}

pub(super) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Resolves `path` without ever leaving the tree: absolute targets under the default PKI
/// prefix map into `pki_dir`, other absolute targets into `root` (when known).
pub fn resolve_in_tree(pki_dir: &Path, root: Option<&Path>, path: &Path) -> Resolved {
    let mut cur = path.to_path_buf();
    for _ in 0..8 {
        let meta = match fs::symlink_metadata(&cur) {
            Ok(m) => m,
            Err(_) => return Resolved::Dangling(cur.to_string_lossy().into_owned()),
        };
        if !meta.file_type().is_symlink() {
            return Resolved::File(cur);
        }
        let target = match fs::read_link(&cur) {
            Ok(t) => t,
            Err(_) => return Resolved::Dangling(cur.to_string_lossy().into_owned()),
        };
        let shown = target.to_string_lossy().into_owned();
        let next = if target.is_absolute() {
            if let Ok(rest) = target.strip_prefix(DEFAULT_PKI_DIR) {
                pki_dir.join(rest)
            } else if let Some(r) = root {
                r.join(target.strip_prefix("/").unwrap_or(&target))
            } else {
                return Resolved::Outside(shown);
            }
        } else {
            cur.parent().unwrap_or(Path::new("")).join(&target)
        };
        let next = normalize(&next);
        let base = normalize(root.unwrap_or(pki_dir));
        if !next.starts_with(&base) {
            return Resolved::Outside(shown);
        }
        if fs::symlink_metadata(&next).is_err() {
            return Resolved::Dangling(shown);
        }
        cur = next;
    }
    Resolved::Dangling(path.to_string_lossy().into_owned())
}

/// Sub-directories holding certificates that are not entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sub {
    Certs,
    CertsQemu,
}

impl Sub {
    pub(super) fn name(self) -> &'static str {
        match self {
            Sub::Certs => "certs",
            Sub::CertsQemu => "certs-qemu",
        }
    }
}

/// A host certificate's role, one byte instead of a `Role` per queued file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HostRole {
    Host,
    HostQemu,
    HostOther,
}

impl HostRole {
    pub(super) fn role(self) -> Role {
        match self {
            HostRole::Host => Role::Host,
            HostRole::HostQemu => Role::HostQemu,
            HostRole::HostOther => Role::HostOther,
        }
    }
}

/// What to do with one file (the unit of parallel work). Host and inventory jobs keep only the
/// file name: a Manager with 100,000 hosts queues 100,000 of them.
pub(super) enum Job {
    Ca(&'static catalog::CaDef),
    Entity(String),
    Host(Sub, Box<OsStr>, HostRole),
    Inventory(Sub, Box<OsStr>, &'static str),
}

impl Job {
    pub(super) fn path(&self, dir: &Path) -> PathBuf {
        match self {
            Job::Ca(def) => dir.join(def.cert),
            Job::Entity(n) => dir.join("keys").join(format!("{n}.p12")),
            Job::Host(sub, name, _) | Job::Inventory(sub, name, _) => {
                dir.join(sub.name()).join(&**name)
            }
        }
    }
    pub(super) fn role_name(&self) -> String {
        match self {
            Job::Ca(def) => def.name.to_string(),
            Job::Entity(n) => catalog::entity(n)
                .map(|d| d.name.to_string())
                .unwrap_or_else(|| n.clone()),
            Job::Host(_, _, r) => r.role().name(),
            Job::Inventory(..) => "pki".into(),
        }
    }
}

pub(super) fn is_backup_name(name: &str) -> bool {
    // engine-setup / pki scripts: `<file>.<YYYYmmddHHMMSS>`; engine-backup: `.backup.<ts>`.
    if name.contains(".backup.") {
        return true;
    }
    match name.rsplit_once('.') {
        Some((_, ts)) => ts.len() == 14 && ts.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// File names of `dir`, sorted by their (lossy UTF-8) text; empty when it cannot be listed.
pub(super) fn list(dir: &Path) -> Vec<OsString> {
    let mut v: Vec<OsString> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.file_name()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort_by(|a, b| {
        a.to_string_lossy()
            .cmp(&b.to_string_lossy())
            .then_with(|| a.cmp(b))
    });
    v
}

/// The jobs of one audit, engine side first (their rows lead the report).
pub(super) struct Plan {
    pub(super) jobs: Vec<Job>,
    /// `jobs[..engine]` are CAs and entities.
    pub(super) engine: usize,
}

/// Classifies the files of `certs/`, `certs-qemu/` and `keys/` into jobs.
pub(super) fn plan_jobs(dir: &Path) -> Plan {
    let mut entities: BTreeSet<String> = BTreeSet::new();
    for name in list(&dir.join("keys")) {
        let name = name.to_string_lossy();
        if is_backup_name(&name) {
            continue;
        }
        if let Some(base) = name.strip_suffix(".p12") {
            entities.insert(base.to_string());
        }
    }
    for def in catalog::ENTITIES {
        if dir.join("certs").join(format!("{}.cer", def.name)).exists() || def.required {
            entities.insert(def.name.to_string());
        }
    }
    let mut jobs: Vec<Job> = catalog::CAS
        .iter()
        .filter(|def| fs::symlink_metadata(dir.join(def.cert)).is_ok())
        .map(Job::Ca)
        .collect();
    jobs.extend(entities.iter().cloned().map(Job::Entity));
    let engine = jobs.len();
    for raw in list(&dir.join("certs")) {
        let name = raw.to_string_lossy();
        if is_backup_name(&name) {
            jobs.push(Job::Inventory(
                Sub::Certs,
                raw.into_boxed_os_str(),
                "backup",
            ));
            continue;
        }
        if matches!(&*name, "ca.der" | "qemu-ca.der") || name.ends_with(".pub") {
            continue;
        }
        if let Some(stem) = name.strip_suffix(".pem") {
            if !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_hexdigit()) {
                jobs.push(Job::Inventory(
                    Sub::Certs,
                    raw.into_boxed_os_str(),
                    "issued-copy",
                ));
                continue;
            }
        }
        let Some(stem) = name.strip_suffix(".cer") else {
            continue;
        };
        if entities.contains(stem) {
            continue;
        }
        let role = if stem.ends_with("-ssh")
            || stem.ends_with("-ovn")
            || stem.starts_with("websocket-proxy-")
            || stem.starts_with("apache-grafana-")
        {
            HostRole::HostOther
        } else {
            HostRole::Host
        };
        jobs.push(Job::Host(Sub::Certs, raw.into_boxed_os_str(), role));
    }
    for raw in list(&dir.join("certs-qemu")) {
        let name = raw.to_string_lossy();
        if is_backup_name(&name) {
            jobs.push(Job::Inventory(
                Sub::CertsQemu,
                raw.into_boxed_os_str(),
                "backup",
            ));
        } else if name.ends_with(".cer") {
            jobs.push(Job::Host(
                Sub::CertsQemu,
                raw.into_boxed_os_str(),
                HostRole::HostQemu,
            ));
        }
    }
    Plan { jobs, engine }
}

pub(super) fn detect_era(
    dir: &Path,
    ca: Option<&Issuer>,
    ca_not_before: Option<i64>,
) -> Option<Era> {
    let ca = ca?;
    let has_qemu = dir.join("qemu-ca.pem").exists();
    if !has_qemu {
        return Some(Era::V42);
    }
    let span = ca_not_before.map(|nb| ca.not_after - nb).unwrap_or(0);
    if span > 5000 * DAY {
        Some(Era::V45)
    } else {
        Some(Era::V44)
    }
}

/// Finished results held back before the sink sees them (the reordering window), per worker
/// pool; bounds memory whatever the number of files.
pub(super) const WINDOW: usize = 1024;
/// Largest batch of cheap jobs a worker takes at once.
pub(super) const MAX_BATCH: usize = 64;

/// Runs `work(i)` for every `i < n` on up to `threads` threads and hands each result to `emit`
/// on the calling thread, in index order. Jobs below `singles` are handed out one at a time
/// (they are few and heavy: PKCS#12 key derivation); the rest in batches that shrink towards
/// the end, so workers rarely synchronise. A worker starts a batch only within [`WINDOW`] jobs
/// of the next one `emit` wants: memory stays bounded whatever `n` is. An `emit` error stops
/// the workers and is returned.
pub(super) fn ordered_pool<R: Send>(
    threads: usize,
    n: usize,
    singles: usize,
    work: &(dyn Fn(usize) -> R + Sync),
    emit: &mut dyn FnMut(usize, R) -> io::Result<()>,
) -> io::Result<()> {
    let threads = threads.min(n);
    if threads <= 1 {
        for i in 0..n {
            emit(i, work(i))?;
        }
        return Ok(());
    }
    let batch_at = |i: usize| -> usize {
        if i < singles {
            1
        } else {
            ((n - i) / (threads * 4)).clamp(1, MAX_BATCH)
        }
    };
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // Index of the next result `emit` wants; workers wait on `moved` to stay within WINDOW.
    let emitted = AtomicUsize::new(0);
    let waiting = AtomicUsize::new(0);
    let lock = Mutex::new(());
    let moved = Condvar::new();
    let wake = || {
        if waiting.load(Ordering::SeqCst) > 0 {
            let _g = lock.lock().unwrap_or_else(|p| p.into_inner());
            moved.notify_all();
        }
    };
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::sync_channel::<(usize, Vec<R>)>(WINDOW);
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, emitted, waiting, lock, moved) =
                (&next, &stop, &emitted, &waiting, &lock, &moved);
            s.spawn(move || loop {
                let mut start = next.load(Ordering::Relaxed);
                let len = loop {
                    if start >= n {
                        return;
                    }
                    let len = batch_at(start).min(n - start);
                    match next.compare_exchange_weak(
                        start,
                        start + len,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    ) {
                        Ok(_) => break len,
                        Err(now) => start = now,
                    }
                };
                if start >= emitted.load(Ordering::SeqCst) + WINDOW {
                    let mut g = lock.lock().unwrap_or_else(|p| p.into_inner());
                    waiting.fetch_add(1, Ordering::SeqCst);
                    while start >= emitted.load(Ordering::SeqCst) + WINDOW
                        && !stop.load(Ordering::SeqCst)
                    {
                        g = moved.wait(g).unwrap_or_else(|p| p.into_inner());
                    }
                    waiting.fetch_sub(1, Ordering::SeqCst);
                }
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let out: Vec<R> = (start..start + len).map(work).collect();
                if tx.send((start, out)).is_err() {
                    return;
                }
            });
        }
        drop(tx);
        let mut pending: BTreeMap<usize, Vec<R>> = BTreeMap::new();
        let mut want = 0usize;
        let mut result = Ok(());
        'recv: for (start, batch) in rx.iter() {
            pending.insert(start, batch);
            while let Some(batch) = pending.remove(&want) {
                for r in batch {
                    let i = want;
                    want += 1;
                    if let Err(e) = emit(i, r) {
                        result = Err(e);
                        break 'recv;
                    }
                }
            }
            emitted.store(want, Ordering::SeqCst);
            wake();
        }
        if result.is_err() {
            stop.store(true, Ordering::SeqCst);
            let _g = lock.lock().unwrap_or_else(|p| p.into_inner());
            moved.notify_all();
        }
        // Dropping the receiver releases workers blocked in `send`.
        drop(rx);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names() {
        assert!(is_backup_name("apache.cer.20260601120000"));
        assert!(is_backup_name("engine.p12.backup.20250101"));
        assert!(!is_backup_name("apache.cer"));
        assert!(!is_backup_name("host.example.test.cer"));
    }
}
