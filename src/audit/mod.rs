//! The audit: turns a Manager PKI directory into certificate records and findings with stable
//! kebab-case codes. It reads only; one unreadable file becomes a finding, never an abort.
//! The clock is an input (`AuditConfig::now`), so `--at DATE` and tests are deterministic.

use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::i18n::Text;
use crate::pki::cert;
use crate::pki::conf;
use crate::pki::verify::Issuer;

pub mod alert;
pub mod config;
pub mod el9;
mod files;
mod finding;
mod judge;
pub mod report;
mod scan;
mod storepass;
mod truststore;
mod vmconsole;

use files::{attach_file_findings, check_index, check_openssl_conf, check_other_confs};
pub(crate) use finding::fqdn_error_text;
pub(crate) use finding::row_status;
use finding::{finding_order, Collect, Found};
pub use finding::{
    AuditReport, CertRecord, Counts, Finding, InventoryItem, Problem, Reason, ReportHead, Role,
    Severity, Sink, Totals, HOST_ENROLL, HOST_RECOVER,
};
pub use judge::{action_for, judge_certificate, judge_external};
use judge::{local_users, rel, Ctx, Out};
use scan::{detect_era, is_backup_name, list, ordered_pool, plan_jobs, Plan};
pub use scan::{resolve_in_tree, Resolved};
pub use storepass::{store_passwords, StorePasswords};

pub use crate::pki::catalog::{DEFAULT_ENGINE_CONF_DIR, DEFAULT_P12_PASSWORD, DEFAULT_PKI_DIR};
/// Default thresholds of the "other certificates" class; per-class windows (web 60 days,
/// everything else 365, critical 30, as engine-setup and the Manager) are in
/// [`config::BUILTIN`], which [`AuditConfig::new`] uses.
pub(crate) const DEFAULT_WARN_DAYS: i64 = config::BUILTIN.default.warn_days;
pub(crate) const DEFAULT_CRIT_DAYS: i64 = config::BUILTIN.default.crit_days;
const DAY: i64 = 86_400;

/// Everything the audit needs to know; built by the CLI or a test.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// The Manager's PKI directory.
    pub pki_dir: PathBuf,
    /// `engine.conf.d` to read ENGINE_FQDN from; `None` when unknown.
    pub engine_conf_dir: Option<PathBuf>,
    /// Filesystem root the PKI belongs to (absolute symlinks are resolved under it).
    pub root: Option<PathBuf>,
    /// Unix seconds the certificates are judged at.
    pub now: i64,
    /// Default warning window, days (per-class windows come from the configuration).
    pub warn_days: i64,
    /// Default critical window, days.
    pub crit_days: i64,
    /// Password of the entity PKCS#12 stores (oVirt's default is `mypass`).
    pub p12_password: String,
    /// Worker threads (0 = available parallelism).
    pub threads: usize,
    /// Per-role-class expiry windows (config file); `None` = `warn_days`/`crit_days` for all.
    pub role_windows: Option<config::Thresholds>,
}

impl AuditConfig {
    /// The defaults for `pki_dir` judged at `now` (Unix seconds, UTC): oVirt's store password, built-in windows, no engine.conf.d.
    pub fn new(pki_dir: impl Into<PathBuf>, now: i64) -> Self {
        AuditConfig {
            pki_dir: pki_dir.into(),
            engine_conf_dir: None,
            root: None,
            now,
            warn_days: DEFAULT_WARN_DAYS,
            crit_days: DEFAULT_CRIT_DAYS,
            p12_password: DEFAULT_P12_PASSWORD.into(),
            threads: 0,
            role_windows: Some(config::BUILTIN),
        }
    }
}

/// The audit could not run at all (as opposed to findings about files).
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The PKI directory cannot be audited (missing, not a directory, unreadable).
    #[error("{}", self.text())]
    PkiDir {
        /// The directory given.
        path: PathBuf,
        /// What is wrong with it.
        reason: PkiDirProblem,
    },
    /// The sink failed (e.g. stdout closed); the audit stopped.
    #[error("{}", self.text())]
    Output(#[source] io::Error),
}

/// What is wrong with the PKI directory itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PkiDirProblem {
    /// Its metadata cannot be read (it does not exist, no permission…).
    CannotRead(Text),
    /// It is not a directory.
    NotADirectory,
    /// It cannot be listed.
    CannotList(Text),
}

impl AuditError {
    /// The error as a catalogue message: `Display` is its English, the binary's error line
    /// renders it in the admin's language.
    pub fn text(&self) -> Text {
        match self {
            AuditError::PkiDir { path, reason } => match reason {
                PkiDirProblem::CannotRead(e) => Text::new("error-pki-dir-unreadable")
                    .arg("path", path.display())
                    .arg_text("error", e.clone()),
                PkiDirProblem::NotADirectory => {
                    Text::new("error-pki-dir-not-a-directory").arg("path", path.display())
                }
                PkiDirProblem::CannotList(e) => Text::new("error-pki-dir-unlistable")
                    .arg("path", path.display())
                    .arg_text("error", e.clone()),
            },
            AuditError::Output(e) => {
                Text::new("error-writing-report").arg_text("error", crate::i18n::io_error(e))
            }
        }
    }
}

/// Adds findings found outside the PKI files (`audit --probe`) to a finished report.
pub fn add_findings(rep: &mut AuditReport, extra: Vec<Finding>) {
    rep.findings.extend(extra);
    rep.findings.sort_by(finding_order);
}

/// A change of the audited PKI that was interrupted (its backup is incomplete), as the
/// change journal lists it; the audit judges only what it is given (it never reads the
/// journal: that is `change`'s).
#[derive(Debug, Clone)]
pub struct InterruptedChange {
    /// The backup id (its directory name under the backup root).
    pub backup: String,
    /// Why the change was made (the journal's reason).
    pub reason: String,
}

/// `interrupted-change` (critical) for every interrupted change of the audited PKI whose
/// backup is under `backup_root`; `undo` is the `rhv-pki rollback …` command for this tree
/// (the backup id is appended).
pub fn interrupted_changes(
    backup_root: &Path,
    interrupted: impl IntoIterator<Item = InterruptedChange>,
    undo: &str,
) -> Vec<Finding> {
    interrupted
        .into_iter()
        .map(|b| {
            Found {
                severity: Severity::Critical,
                path: backup_root.join(&b.backup).to_string_lossy().into_owned(),
                role: "pki".into(),
                problem: Problem::InterruptedChange {
                    command: format!("{undo} {}", b.backup),
                    backup: b.backup,
                    reason: journal_reason(&b.reason),
                },
            }
            .into_finding()
        })
        .collect()
}

/// What a change's journal (a backup's reason) says was in progress, in the reader's language
/// when rhv-pki wrote it (`before rhv-pki <command>`, `before rollback to <id>`), as it was
/// written otherwise. The `backups` listing and `rollback` say it the same way.
pub fn journal_reason(reason: &str) -> Reason {
    use crate::i18n::Text;
    if let Some(cmd) = reason.strip_prefix("before rhv-pki ") {
        Reason::said(Text::new("journal-before-command").arg("command", cmd))
    } else if let Some(id) = reason.strip_prefix("before rollback to ") {
        Reason::said(Text::new("journal-before-rollback").arg("backup", id))
    } else {
        Reason::from(reason)
    }
}

/// A sink that merges extra findings into the sorted stream of another.
struct Merge<'a> {
    inner: &'a mut dyn Sink,
    extra: std::collections::VecDeque<Finding>,
}

impl Merge<'_> {
    fn flush_before(&mut self, next: Option<&Finding>) -> io::Result<()> {
        while let Some(x) = self.extra.front() {
            if next.is_some_and(|n| finding_order(x, n) == std::cmp::Ordering::Greater) {
                break;
            }
            let x = self.extra.pop_front().expect("front exists");
            self.inner.finding(&x)?;
        }
        Ok(())
    }
}

impl Sink for Merge<'_> {
    fn head(&mut self, head: &ReportHead) -> io::Result<()> {
        self.inner.head(head)
    }
    fn certificate(&mut self, rec: &CertRecord) -> io::Result<()> {
        self.inner.certificate(rec)
    }
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        self.flush_before(Some(f))?;
        self.inner.finding(f)
    }
    fn inventory(&mut self, item: &InventoryItem) -> io::Result<()> {
        self.flush_before(None)?;
        self.inner.inventory(item)
    }
    fn finish(&mut self, totals: &Totals) -> io::Result<()> {
        self.flush_before(None)?;
        self.inner.finish(totals)
    }
}

/// [`run_with`] plus findings found outside the PKI files (`audit --probe`), merged into
/// the sorted findings and counted in the totals.
pub fn run_with_extra(
    cfg: &AuditConfig,
    sink: &mut dyn Sink,
    mut extra: Vec<Finding>,
) -> Result<Totals, AuditError> {
    if extra.is_empty() {
        return run_with(cfg, sink);
    }
    extra.sort_by(finding_order);
    let mut add = Totals::default();
    for f in &extra {
        add.count_finding(f.severity);
    }
    // The inner sink must see totals that include the extra findings.
    struct Adjust<'a> {
        inner: Merge<'a>,
        add: Totals,
    }
    impl Sink for Adjust<'_> {
        fn head(&mut self, h: &ReportHead) -> io::Result<()> {
            self.inner.head(h)
        }
        fn certificate(&mut self, r: &CertRecord) -> io::Result<()> {
            self.inner.certificate(r)
        }
        fn finding(&mut self, f: &Finding) -> io::Result<()> {
            self.inner.finding(f)
        }
        fn inventory(&mut self, i: &InventoryItem) -> io::Result<()> {
            self.inner.inventory(i)
        }
        fn finish(&mut self, t: &Totals) -> io::Result<()> {
            let mut t = *t;
            t.critical += self.add.critical;
            t.warning += self.add.warning;
            t.info += self.add.info;
            self.inner.finish(&t)
        }
    }
    let mut s = Adjust {
        inner: Merge {
            inner: sink,
            extra: extra.into(),
        },
        add,
    };
    let mut t = run_with(cfg, &mut s)?;
    t.critical += add.critical;
    t.warning += add.warning;
    t.info += add.info;
    Ok(t)
}

/// Runs the audit and returns the whole report (fine for one Manager; for very large
/// directories prefer [`run_with`] and a sink that writes as it goes).
/// `Err` only when the PKI directory itself cannot be used.
pub fn run(cfg: &AuditConfig) -> Result<AuditReport, AuditError> {
    let mut c = Collect(AuditReport {
        pki_dir: String::new(),
        engine_fqdn: None,
        era: None,
        now: cfg.now,
        warn_days: cfg.warn_days,
        crit_days: cfg.crit_days,
        certificates: Vec::new(),
        findings: Vec::new(),
        inventory: Vec::new(),
    });
    run_with(cfg, &mut c)?;
    Ok(c.0)
}

/// Runs the audit, handing its output to `sink` as it is produced (see [`Sink`] for the
/// order). `Err` when the PKI directory itself cannot be used (nothing was written) or when
/// the sink fails.
pub fn run_with(cfg: &AuditConfig, sink: &mut dyn Sink) -> Result<Totals, AuditError> {
    let dir = &cfg.pki_dir;
    let meta = open_pki_dir(dir)?;
    let p12_kdf = p12_batch(cfg);
    // Engine side: findings of the whole PKI, the CAs and the entities. Its rows are held
    // until all of them are known (a key or p12 problem changes the entity's row).
    let mut engine = Out::default();
    let fqdn = engine_fqdn(cfg, &mut engine);
    let cas = Cas::load(dir);
    let ctx = Ctx {
        cfg,
        p12_kdf,
        fqdn: fqdn.clone(),
        ca: cas.ca,
        qemu_ca: cas.qemu_ca,
        apache_ca: cas.apache_ca,
        users: local_users(),
        dir_uid: meta.uid(),
        expect_host: None,
    };
    pki_wide_checks(&mut engine, dir);
    // `.truststore` beside the other files (its PKCS#12 key derivations take a few ms).
    let truststore = truststore::spawn(cfg);

    sink.head(&ReportHead {
        pki_dir: dir.to_string_lossy().into_owned(),
        engine_fqdn: fqdn,
        era: cas.era,
        now: cfg.now,
        warn_days: cfg.warn_days,
        crit_days: cfg.crit_days,
    })
    .map_err(AuditError::Output)?;

    let mut rows = Rows {
        ctx: &ctx,
        sink,
        engine,
        engine_done: false,
        totals: Totals::default(),
        findings: Vec::new(),
        inventory: Vec::new(),
    };
    audit_files(&ctx, &mut rows).map_err(AuditError::Output)?;
    rows.finish_engine().map_err(AuditError::Output)?;
    let Rows {
        sink,
        mut totals,
        mut findings,
        inventory,
        ..
    } = rows;
    findings.extend(truststore::join(truststore));
    write_tail(sink, &mut totals, findings, &inventory).map_err(AuditError::Output)?;
    Ok(totals)
}

/// The PKI directory must exist, be a directory and be listable; its metadata (owner) is
/// what key files are compared with.
fn open_pki_dir(dir: &Path) -> Result<fs::Metadata, AuditError> {
    let meta = fs::metadata(dir).map_err(|e| AuditError::PkiDir {
        path: dir.to_path_buf(),
        reason: PkiDirProblem::CannotRead(crate::i18n::io_error(&e)),
    })?;
    if !meta.is_dir() {
        return Err(AuditError::PkiDir {
            path: dir.to_path_buf(),
            reason: PkiDirProblem::NotADirectory,
        });
    }
    fs::read_dir(dir).map_err(|e| AuditError::PkiDir {
        path: dir.to_path_buf(),
        reason: PkiDirProblem::CannotList(crate::i18n::io_error(&e)),
    })?;
    Ok(meta)
}

/// The entities' key stores hold most of the audit's CPU (PKCS#12 key derivation): their
/// chains are derived as one batch, shared by the worker threads (see `Ctx::p12_kdf`).
fn p12_batch(cfg: &AuditConfig) -> cert::P12Kdf {
    let dir = &cfg.pki_dir;
    let data: Vec<Vec<u8>> = list(&dir.join("keys"))
        .iter()
        .filter(|n| {
            let n = n.to_string_lossy();
            n.ends_with(".p12") && !is_backup_name(&n)
        })
        .filter_map(|n| {
            match resolve_in_tree(dir, cfg.root.as_deref(), &dir.join("keys").join(n)) {
                Resolved::File(p) => cert::read_limited(&p).ok(),
                _ => None,
            }
        })
        .collect();
    let refs: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
    cert::P12Kdf::new(&refs, &cfg.p12_password)
}

/// ENGINE_FQDN from `engine.conf.d` (what entity SANs are judged against); why it is unknown
/// becomes a finding on `engine`.
fn engine_fqdn(cfg: &AuditConfig, engine: &mut Out) -> Option<String> {
    let (sev, path, reason) = match &cfg.engine_conf_dir {
        Some(d) => match conf::read_engine_conf(d) {
            Ok(c) => match c.valid_fqdn() {
                Ok(Some(_)) => return c.fqdn().map(str::to_string),
                // Not a host name: said so (naming the file), and no SAN is judged against it.
                Err(why) => (
                    Severity::Warning,
                    d.to_string_lossy(),
                    Reason::said(finding::fqdn_error_text(&why)),
                ),
                Ok(None) => (
                    Severity::Info,
                    d.to_string_lossy(),
                    Reason::said(Text::new("fqdn-not-set")),
                ),
            },
            Err(e) => (Severity::Info, d.to_string_lossy(), Reason::said(e.text())),
        },
        None => (
            Severity::Info,
            "engine.conf.d".into(),
            Reason::said(Text::new("fqdn-no-conf-dir")),
        ),
    };
    engine.finding(sev, &path, "pki", Problem::EngineFqdnUnknown { reason });
    None
}

/// The CAs every certificate is judged against, read once before the workers start.
struct Cas {
    ca: Option<Issuer>,
    qemu_ca: Option<Issuer>,
    /// A real-file apache-ca.pem holding another CA (third-party apache).
    apache_ca: Option<Issuer>,
    era: Option<crate::pki::catalog::Era>,
}

impl Cas {
    fn load(dir: &Path) -> Cas {
        let load_issuer = |name: &str, file: &str| -> Option<(Issuer, i64)> {
            let p = dir.join(file);
            let data = cert::read_limited(&p).ok()?;
            let der = cert::first_certificate(&p, &data).ok()?;
            let (_, s) = cert::parse(&p, &der).ok()?;
            Issuer::new(name, &der).ok().map(|i| (i, s.not_before))
        };
        let ca = load_issuer("ca", "ca.pem");
        let qemu_ca = load_issuer("qemu-ca", "qemu-ca.pem").map(|x| x.0);
        let era = detect_era(dir, ca.as_ref().map(|x| &x.0), ca.as_ref().map(|x| x.1));
        let ca = ca.map(|x| x.0);
        let apache_ca = {
            let p = dir.join("apache-ca.pem");
            match fs::symlink_metadata(&p) {
                Ok(m) if m.file_type().is_file() => cert::read_limited(&p)
                    .ok()
                    .and_then(|d| cert::first_certificate(&p, &d).ok())
                    .and_then(|der| Issuer::new("apache-ca", &der).ok())
                    .filter(|i| ca.as_ref().is_none_or(|c| c.subject_raw != i.subject_raw)),
                _ => None,
            }
        };
        Cas {
            ca,
            qemu_ca,
            apache_ca,
            era,
        }
    }
}

/// Findings about the PKI as a whole: no engine CA, OpenSSL configurations, the index.
fn pki_wide_checks(engine: &mut Out, dir: &Path) {
    if fs::symlink_metadata(dir.join("ca.pem")).is_err() {
        engine.finding(
            Severity::Critical,
            "ca.pem",
            "ca",
            Problem::Missing {
                what: Reason::said(Text::new("missing-ca")),
            },
        );
    }
    check_openssl_conf(engine, dir);
    check_other_confs(engine, dir);
    check_index(engine, dir);
}

/// What the audit holds while the files are judged: the engine side until its rows are
/// complete, every finding and inventory item (they are written sorted, after all rows), and
/// the running totals. Host rows go to the sink as they come.
struct Rows<'a, 'c> {
    ctx: &'a Ctx<'c>,
    sink: &'a mut dyn Sink,
    engine: Out,
    engine_done: bool,
    totals: Totals,
    findings: Vec<Found>,
    inventory: Vec<InventoryItem>,
}

impl Rows<'_, '_> {
    /// One job's output, in plan order: engine jobs are held, the first later job completes
    /// and writes the engine rows, host rows are written at once.
    fn emit(&mut self, is_engine: bool, mut o: Out) -> io::Result<()> {
        if is_engine {
            self.engine.records.append(&mut o.records);
            self.engine.findings.append(&mut o.findings);
            self.inventory.append(&mut o.inventory);
            return Ok(());
        }
        self.finish_engine()?;
        for r in &o.records {
            self.totals.count_certificate(r);
            self.sink.certificate(r)?;
        }
        self.findings.append(&mut o.findings);
        self.inventory.append(&mut o.inventory);
        Ok(())
    }

    /// The engine rows are complete once every engine job is in: judge apache-ca.pem, fold
    /// each entity's file findings into its row, and write the rows (once).
    fn finish_engine(&mut self) -> io::Result<()> {
        if self.engine_done {
            return Ok(());
        }
        self.engine_done = true;
        let (ctx, engine) = (self.ctx, &mut self.engine);
        let apache_internal = engine
            .records
            .iter()
            .find(|r| r.role == "apache")
            .map(|r| !r.findings.contains(&"third-party-cert"));
        ctx.apache_ca(engine, apache_internal);
        ctx.vmconsole_ssh_certs(engine);
        storepass::collapse_wrong_password(ctx.cfg, engine);
        attach_file_findings(engine);
        for r in &engine.records {
            self.totals.count_certificate(r);
            self.sink.certificate(r)?;
        }
        engine.records = Vec::new();
        self.findings.append(&mut engine.findings);
        Ok(())
    }
}

/// Every file of the plan, judged in parallel, results handed to `rows` in plan order.
fn audit_files(ctx: &Ctx<'_>, rows: &mut Rows<'_, '_>) -> io::Result<()> {
    let cfg = ctx.cfg;
    let dir = &cfg.pki_dir;
    let Plan {
        jobs,
        engine: n_engine,
    } = plan_jobs(dir);
    let threads = if cfg.threads == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        cfg.threads
    }
    .clamp(1, 64);
    let work = |i: usize| -> Out {
        let job = &jobs[i];
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ctx.job(job))).unwrap_or_else(
            |panic| {
                // A bug must not take the other files' results with it: report it on the file.
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let mut o = Out::default();
                o.finding(
                    Severity::Critical,
                    &rel(cfg, &job.path(dir)),
                    &job.role_name(),
                    Problem::Unreadable {
                        reason: Reason::said(
                            Text::new("reason-internal-error-panic").arg("panic", why),
                        ),
                    },
                );
                o
            },
        )
    };
    let mut emit = |i: usize, o: Out| rows.emit(i < n_engine, o);
    ordered_pool(threads, jobs.len(), n_engine, &work, &mut emit)
}

/// After the rows: every finding in a stable order (severity desc, then path, then code),
/// the inventory, the totals.
fn write_tail(
    sink: &mut dyn Sink,
    totals: &mut Totals,
    mut findings: Vec<Found>,
    inventory: &[InventoryItem],
) -> io::Result<()> {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.problem.code().cmp(b.problem.code()))
    });
    for f in findings {
        totals.count_finding(f.severity);
        sink.finding(&f.into_finding())?;
    }
    totals.inventory = inventory.len();
    for i in inventory {
        sink.inventory(i)?;
    }
    sink.finish(totals)
}

#[cfg(test)]
mod journal_tests {
    use super::*;
    use crate::change::text_tests::{japanese, strict};
    use crate::i18n::{Lang, Messages};

    #[test]
    fn a_journal_reason_of_rhv_pkis_own_is_said_in_the_readers_language() {
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        for r in [
            "before rhv-pki resign",
            "before rollback to 20260101T000000Z",
        ] {
            let reason = journal_reason(r);
            assert_eq!(reason.as_str(), r);
            assert_eq!(strict(&en, &reason.text()), r);
            assert!(japanese(&strict(&ja, &reason.text())), "{r}");
        }
        // Anything else (another version's words) is shown as written.
        assert_eq!(strict(&ja, &journal_reason("test").text()), "test");
    }
}
