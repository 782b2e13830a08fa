//! `conf`, `resign`, `renew`, `rollback`, `backups`: argument structs and their rendering.
//! The plan printed by `--dry-run` is the very object `change::apply` executes.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ValueEnum;

use super::args::{
    backup_root, fault_from_env, locations, rollback_command, store_password, thresholds,
    CycleArgs, Format, LocationArgs,
};
use super::cycle as maint;
use super::exit::{CliError, ExitStatus};
use super::lang::{t, tf};
use super::term::{self, print_json, StderrProgress};
use rhv_pki::change::txn::{self, TxnConfig};
use rhv_pki::change::{self, Applied, ChangeConfig, Plan, Request};
use rhv_pki::i18n::{pad, width};
use rhv_pki::manager::services;
use rhv_pki::pki::catalog::{self, Era};
use rhv_pki::pki::sign::P12Family;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum P12Choice {
    /// PBE-SHA1-3DES + SHA-1 MAC (readable everywhere without the legacy provider).
    Legacy3des,
    /// PBES2/AES-256-CBC + HMAC-SHA256 (OpenSSL 3 default).
    Modern,
}

#[derive(Debug, clap::Args)]
pub struct CommonChangeArgs {
    #[command(flatten)]
    pub loc: LocationArgs,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Apply without asking (required when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Where backups are kept [default: /var/lib/rhv-pki/backups, or <root>/var/lib/rhv-pki/backups].
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// How long to wait for the CA lock held by an engine enrollment.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub lock_timeout: u64,
    /// The 4.2–4.4 lock directory [default: /tmp/ovirt-engine-pki.v2.lock, under --root when given].
    #[arg(long, value_name = "DIR", hide = true)]
    pub legacy_lock_dir: Option<PathBuf>,
    /// Config file: `[thresholds]` windows decide what is due, as for `audit` [default: /etc/rhv-pki/config.toml if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, clap::Args)]
pub struct IssueArgs {
    /// CA validity in days from now when a CA is re-signed [default: 3650, but never
    /// earlier than the CA's current notAfter].
    #[arg(long, value_name = "DAYS")]
    pub ca_days: Option<i64>,
    /// Entity validity in days [default: 1827, web certificates 398, as oVirt 4.5].
    #[arg(long, value_name = "DAYS")]
    pub days: Option<i64>,
    /// PKCS#12 format [default: the original's family; RC2-40 always becomes 3DES].
    #[arg(long, value_enum)]
    pub p12_format: Option<P12Choice>,
}

#[derive(Debug, clap::Args)]
pub struct ConfArgs {
    #[command(flatten)]
    pub common: CommonChangeArgs,
}

#[derive(Debug, clap::Args)]
pub struct ResignArgs {
    /// Certificates to re-sign: ca, qemu-ca, engine, apache, websocket-proxy, jboss, …
    #[arg(
        value_name = "NAME",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub names: Vec<String>,
    /// Every CA and entity that needs it: weak (SHA-1/MD5, RC2-40 p12, missing SAN, …) or due;
    /// the plan says why each is included or skipped (third-party certificates are left alone).
    #[arg(long)]
    pub all: bool,
    /// With --all: re-sign healthy certificates too (every CA and entity present).
    #[arg(long, requires = "all")]
    pub force: bool,
    #[command(flatten)]
    pub issue: IssueArgs,
    #[command(flatten)]
    pub common: CommonChangeArgs,
    #[command(
        flatten,
        next_help_heading = "Maintenance cycle (the live PKI, or --cycle)"
    )]
    pub cycle: CycleArgs,
}

#[derive(Debug, clap::Args)]
pub struct RenewArgs {
    /// Only these certificates [default: every one that is due].
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Renew what expires within DAYS [default: the warning window of each role, as audit: 60 for web certificates, 365 otherwise, as engine-setup; or config.toml].
    #[arg(long, value_name = "DAYS")]
    pub within: Option<i64>,
    /// Keep each key (default).
    #[arg(long, conflicts_with = "new_key")]
    pub keep_key: bool,
    /// Generate new RSA-2048 keys (never for engine).
    #[arg(long)]
    pub new_key: bool,
    #[command(flatten)]
    pub issue: IssueArgs,
    #[command(flatten)]
    pub common: CommonChangeArgs,
    #[command(
        flatten,
        next_help_heading = "Maintenance cycle (the live PKI, or --cycle)"
    )]
    pub cycle: CycleArgs,
}

#[derive(Debug, clap::Args)]
pub struct RollbackArgs {
    /// Backup id (see `rhv-pki backups`) [default: the newest completed change].
    #[arg(value_name = "BACKUP-ID")]
    pub id: Option<String>,
    #[command(flatten)]
    pub common: CommonChangeArgs,
}

#[derive(Debug, clap::Args)]
pub struct BackupsArgs {
    #[command(flatten)]
    pub loc: LocationArgs,
    /// Where backups are kept [default: /var/lib/rhv-pki/backups, or <root>/var/lib/rhv-pki/backups].
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn config(
    common: &CommonChangeArgs,
    issue: Option<&IssueArgs>,
    now: i64,
) -> Result<ChangeConfig, CliError> {
    let loc = locations(&common.loc);
    if let Some(i) = issue {
        if let Some(d) = i.ca_days {
            if d <= 0 || d > 36_500 {
                return Err(super::args::out_of_range("--ca-days", d, "1..36500"));
            }
        }
        if let Some(d) = i.days {
            if d <= 0 || d > 36_500 {
                return Err(super::args::out_of_range("--days", d, "1..36500"));
            }
        }
    }
    let legacy_lock_dir = Some(
        common
            .legacy_lock_dir
            .clone()
            .unwrap_or_else(|| txn::legacy_lock_dir(common.loc.root.as_deref())),
    );
    let p12_password = store_password(&common.loc, loc.engine_conf_dir.as_deref())?;
    Ok(ChangeConfig {
        pki_dir: loc.pki_dir,
        engine_conf_dir: loc.engine_conf_dir,
        now,
        p12_password,
        ca_days: issue.and_then(|i| i.ca_days),
        days: issue.and_then(|i| i.days),
        p12_format: issue.and_then(|i| i.p12_format).map(|p| match p {
            P12Choice::Legacy3des => P12Family::Legacy3des,
            P12Choice::Modern => P12Family::Modern,
        }),
        backup_root: backup_root(&common.loc, common.backup_dir.as_deref()),
        lock_timeout: Duration::from_secs(common.lock_timeout),
        legacy_lock_dir,
        fault: fault_from_env()?,
        windows: renew_windows(common.config.as_deref())?,
    })
}

/// The per-class windows of config.toml `[thresholds]` (the same the audit warns with).
fn renew_windows(
    path: Option<&std::path::Path>,
) -> Result<rhv_pki::audit::alert::Thresholds, CliError> {
    let p = path.map_or_else(
        || PathBuf::from(rhv_pki::audit::alert::DEFAULT_CONFIG),
        PathBuf::from,
    );
    let conf = rhv_pki::audit::alert::read_config(&p, path.is_some())
        .map_err(|e| CliError::Text(e.text()))?;
    thresholds(&conf, None, None)
}

fn short_time(rfc: &str) -> &str {
    rfc.get(..10).unwrap_or(rfc)
}

/// Rows as columns that line up on a terminal: each column as wide as its widest cell (by
/// display width: a kanji takes two) and at least `min`, then one space; the last column is
/// not padded. Also returns the widths.
pub fn columns(rows: &[Vec<String>], min: &[usize]) -> (Vec<String>, Vec<usize>) {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut w: Vec<usize> = (0..n).map(|i| min.get(i).copied().unwrap_or(0)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(width(c));
        }
    }
    let lines = rows
        .iter()
        .map(|r| {
            let mut l = String::new();
            for (i, c) in r.iter().enumerate() {
                if i + 1 == r.len() {
                    l.push_str(c);
                } else {
                    l.push_str(&pad(c, w[i]));
                    l.push(' ');
                }
            }
            l
        })
        .collect();
    (lines, w)
}

/// "kept" / "new" in the admin's language.
fn key_word(k: change::KeyUse) -> String {
    t(match k {
        change::KeyUse::Kept => "change-key-kept",
        change::KeyUse::New => "change-key-new",
    })
}

/// The plan as admins read it.
pub fn render_plan(plan: &Plan, dry_run: bool) -> String {
    let mut s = String::new();
    let fq = plan
        .engine_fqdn
        .as_deref()
        .map(|f| format!(" {}", tf("change-plan-fqdn", &[("fqdn", f.into())])))
        .unwrap_or_default();
    let command = format!(
        "{}{}",
        plan.command,
        if dry_run { " --dry-run" } else { "" }
    );
    s.push_str(&tf(
        "change-plan-header",
        &[
            ("command", command.as_str().into()),
            ("dir", plan.pki_dir.as_str().into()),
        ],
    ));
    s.push_str(&fq);
    s.push('\n');
    if plan.is_empty() {
        s.push_str(&format!("  {}\n", t("change-nothing-to-do")));
    }
    if let Some(c) = &plan.conf {
        s.push_str(&format!(
            "  {} {}\n",
            pad(&c.path, 22),
            tf(
                "change-plan-conf",
                &[
                    ("line", c.line.into()),
                    ("from", c.from.as_str().into()),
                    ("to", c.to.as_str().into()),
                    ("path", c.path.as_str().into()),
                ]
            )
        ));
    }
    // NAME SERIAL SIGNATURE NOT-AFTER KEY P12, then each item's why (and ssh) under it.
    let mut rows = vec![vec![
        t("change-col-name"),
        t("change-col-serial"),
        t("change-col-signature"),
        t("change-col-not-after"),
        t("change-col-key"),
        t("change-col-p12"),
    ]];
    for i in &plan.items {
        rows.push(vec![
            i.name.clone(),
            format!("{} -> {}", i.old_serial, i.new_serial),
            format!("{} -> sha256", i.old_signature),
            format!(
                "{} -> {}",
                short_time(&i.old_not_after),
                short_time(&i.new_not_after)
            ),
            key_word(i.key),
            i.p12_format.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    let (lines, w) = columns(&rows, &[22, 13, 44, 24, 5]);
    let under = " ".repeat(w[0]);
    if !plan.items.is_empty() {
        s.push_str(&format!("  {}\n", lines[0]));
    }
    for (i, line) in plan.items.iter().zip(lines.iter().skip(1)) {
        s.push_str(&format!("  {line}\n"));
        s.push_str(&format!(
            "  {under} {}\n",
            tf(
                "change-plan-why",
                &[("reason", super::phrases::shown(&i.reason).as_str().into())]
            )
        ));
        if let Some(o) = &i.openssh {
            let principals = o.principals.join(",");
            let rewritten = o
                .public_key_file
                .as_deref()
                .map(|p| tf("change-plan-ssh-pub", &[("file", p.into())]))
                .unwrap_or_default();
            let old = o
                .old_not_after
                .as_deref()
                .map(short_time)
                .map(str::to_string)
                .unwrap_or_else(|| t("change-plan-ssh-missing"));
            s.push_str(&format!(
                "  {under} {}\n",
                tf(
                    "change-plan-ssh",
                    &[
                        ("file", o.file.as_str().into()),
                        ("type", o.cert_type.into()),
                        ("id", o.key_id.as_str().into()),
                        ("principals", principals.as_str().into()),
                        ("old", old.as_str().into()),
                        ("new", short_time(&o.new_not_after).into()),
                        ("rewritten", rewritten.as_str().into()),
                    ]
                )
            ));
        }
    }
    for k in &plan.skipped {
        s.push_str(&format!(
            "  {}\n",
            tf(
                "change-plan-skipped",
                &[
                    ("name", k.name.as_str().into()),
                    ("reason", super::phrases::shown(&k.reason).as_str().into())
                ]
            )
        ));
    }
    if !plan.services.is_empty() {
        s.push_str(&format!(
            "  {}\n",
            tf(
                "change-plan-services",
                &[("units", plan.services.join(", ").as_str().into())]
            )
        ));
    }
    for n in &plan.notes {
        s.push_str(&format!(
            "  {}\n",
            tf(
                "change-plan-note",
                &[("note", super::phrases::shown(n).as_str().into())]
            )
        ));
    }
    s
}

fn render_applied(a: &Applied, plan: &Plan, restart_hint: bool, undo: &str) -> String {
    let mut s = String::new();
    for r in &a.recovered {
        s.push_str(&tf("change-recovered", &[("backup", r.as_str().into())]));
        s.push('\n');
    }
    if a.changed && a.backup.is_some() {
        s.push_str(&tf(
            "change-applied",
            &[
                ("files", a.files_written.len().into()),
                ("backup", a.backup.as_deref().unwrap_or("-").into()),
                ("dir", a.backup_dir.as_deref().unwrap_or("-").into()),
                ("undo", undo.into()),
            ],
        ));
        s.push('\n');
        if restart_hint && !plan.services.is_empty() {
            s.push_str(&t("change-restart-now"));
            s.push_str(&format!(
                "\n  systemctl restart {}\n",
                plan.services.join(" ")
            ));
        }
    } else if plan.is_empty() {
        s.push_str(&t(if plan.command == change::Command::Resign {
            "change-nothing-resigned"
        } else {
            "change-nothing-due"
        }));
        s.push('\n');
    }
    for m in &a.manual_steps {
        s.push_str(&tf("change-manual-step", &[("step", m.as_str().into())]));
        s.push('\n');
    }
    s
}

/// `cmd`: `conf`, `resign`, `renew` or `rollback`; the message says it as a verb ("roll
/// back" in English, each its own verb in Japanese).
fn confirm(common: &CommonChangeArgs, cmd: &str) -> Result<bool, CliError> {
    term::confirm(common.yes, || {
        tf("cli2-refuse-no-terminal", &[("cmd", cmd.into())])
    })
}

fn run_change(
    common: &CommonChangeArgs,
    cfg: ChangeConfig,
    req: Request,
    cycle: Option<&CycleArgs>,
) -> Result<ExitStatus, CliError> {
    let json = common.format == Format::Json;
    let undo = rollback_command(&common.loc, common.backup_dir.as_deref());
    // An interrupted earlier run is undone first, so the plan is made on a consistent PKI.
    let pending = change::interrupted(&cfg)?;
    let recovered = if common.dry_run || pending.is_empty() {
        Vec::new()
    } else {
        change::recover_interrupted(&cfg)?
    };
    let mut plan = change::plan(&cfg, &req)?;
    super::trail::note(|r| r.certs = super::trail::plan_certs(&plan));
    // The maintenance cycle around the files (src/maintenance.rs): detection and unit states
    // are read now, so the dry run shows the very cycle that would run.
    let prepared = match cycle {
        Some(c) if !plan.is_empty() => match maint::prepare(c, &common.loc, &changed_names(&plan))?
        {
            Ok(p) => Some(p),
            Err(why) => {
                plan.notes.push(why.to_string());
                None
            }
        },
        _ => None,
    };
    if common.dry_run {
        for id in &pending {
            // English in the plan (the JSON carries it); shown translated.
            plan.notes.push(super::phrases::english(
                "change-interrupted-pending",
                &[("backup", id.as_str().into())],
            ));
        }
        if json {
            print_json(&serde_json::json!({
                "kind": "PkiChange", "apiVersion": "rhv-pki/v1", "dryRun": true,
                "plan": plan, "cycle": prepared.as_ref().map(|p| p.plan_json()), "result": null
            }))?;
        } else {
            print!("{}", render_plan(&plan, true));
            if let Some(p) = &prepared {
                print!("{}", p.render());
            }
        }
        return Ok(ExitStatus::Ok);
    }
    if !json {
        print!("{}", render_plan(&plan, false));
        if let Some(p) = &prepared {
            print!("{}", p.render());
        }
        let _ = std::io::stdout().flush();
    }
    if !plan.is_empty() && !confirm(common, plan.command.as_str())? {
        eprintln!("rhv-pki: {}", t("change-not-applied"));
        return Ok(ExitStatus::Refused);
    }
    let mut progress = StderrProgress {
        tty: std::io::stderr().is_terminal(),
    };
    let Some(p) = prepared else {
        let mut applied = change::apply(&cfg, &plan, &mut progress)?;
        super::trail::note(|r| r.backup_id = applied.backup.clone());
        applied.recovered.splice(0..0, recovered);
        if json {
            print_json(&serde_json::json!({
                "kind": "PkiChange", "apiVersion": "rhv-pki/v1", "dryRun": false,
                "plan": plan, "result": applied
            }))?;
        } else {
            print!("{}", render_applied(&applied, &plan, true, &undo));
        }
        return Ok(ExitStatus::Ok);
    };
    // maintenance on -> files (the transaction) -> restarts -> verify -> maintenance off
    super::trail::started();
    let (mut report, files) = maint::run_prepared(&p, || change::apply(&cfg, &plan, &mut progress));
    if let Some(Err(e)) = &files {
        report.set_detail_text("files", e.text());
    }
    super::trail::note(|r| {
        r.units_restarted = super::trail::restarted(&report);
        r.backup_id = files.as_ref().and_then(|f| f.as_ref().ok()?.backup.clone());
    });
    let findings = maint::cycle_findings(&cfg.pki_dir, &report);
    maint::shout(&report);
    let doc = |result: Option<&Applied>| {
        serde_json::json!({
            "kind": "PkiChange", "apiVersion": "rhv-pki/v1", "dryRun": false,
            "plan": plan, "result": result, "cycle": report, "findings": findings
        })
    };
    match files {
        // Global maintenance could not be set: nothing was changed.
        None => {
            if json {
                print_json(&doc(None))?;
            } else {
                print!("{}", maint::render_report(&report));
            }
            eprintln!(
                "{}",
                super::out::error_line(&CliError::Text(rhv_pki::i18n::Text::new(
                    "change-maintenance-not-set"
                )))
            );
            Ok(ExitStatus::Refused)
        }
        // The transaction failed and rolled back; maintenance was cleared by the cycle.
        Some(Err(e)) => {
            if json {
                print_json(&doc(None))?;
            } else {
                print!("{}", maint::render_report(&report));
            }
            Err(e.into())
        }
        Some(Ok(mut applied)) => {
            applied.recovered.splice(0..0, recovered);
            if json {
                print_json(&doc(Some(&applied)))?;
            } else {
                print!("{}", render_applied(&applied, &plan, false, &undo));
                print!("{}", maint::render_report(&report));
                for f in &findings {
                    println!(
                        "{} {}: {}",
                        f.problem.code(),
                        f.path,
                        super::lang::finding_message(f)
                    );
                }
            }
            Ok(maint::cycle_status(&report))
        }
    }
}

/// The certificates a plan re-issues (what the services read).
fn changed_names(plan: &Plan) -> Vec<String> {
    plan.items.iter().map(|i| i.name.clone()).collect()
}

pub fn run_conf(a: ConfArgs, now: i64) -> Result<ExitStatus, CliError> {
    let cfg = config(&a.common, None, now)?;
    run_change(&a.common, cfg, Request::Conf, None)
}

/// `resign` without its maintenance cycle: `rhv-pki upgrade` holds global maintenance around
/// the restarts in a phase of its own, so a kill there is resumed there.
pub fn run_resign_files(a: ResignArgs, now: i64) -> Result<ExitStatus, CliError> {
    let cfg = config(&a.common, Some(&a.issue), now)?;
    let req = Request::Resign {
        all: a.all,
        names: a.names,
        force: a.force,
    };
    run_change(&a.common, cfg, req, None)
}

pub fn run_resign(a: ResignArgs, now: i64) -> Result<ExitStatus, CliError> {
    let cfg = config(&a.common, Some(&a.issue), now)?;
    run_change(
        &a.common,
        cfg,
        Request::Resign {
            all: a.all,
            names: a.names,
            force: a.force,
        },
        Some(&a.cycle),
    )
}

pub fn run_renew(a: RenewArgs, now: i64) -> Result<ExitStatus, CliError> {
    if let Some(w) = a.within {
        if !(0..=36_500).contains(&w) {
            return Err(super::args::out_of_range("--within", w, "0..36500"));
        }
    }
    let cfg = config(&a.common, Some(&a.issue), now)?;
    run_change(
        &a.common,
        cfg,
        Request::Renew {
            within: a.within,
            names: a.names,
            new_key: a.new_key,
        },
        Some(&a.cycle),
    )
}

fn txn_config(common: &CommonChangeArgs, now: i64, reason: &str) -> Result<TxnConfig, CliError> {
    let cfg = config(common, None, now)?;
    let legacy = cfg
        .legacy_lock_dir
        .unwrap_or_else(|| txn::legacy_lock_dir(None));
    Ok(TxnConfig {
        engine_conf_dir: cfg.engine_conf_dir,
        fault: cfg.fault,
        ..TxnConfig::for_pki(
            &cfg.pki_dir,
            &legacy,
            &cfg.backup_root,
            cfg.lock_timeout,
            now,
            reason,
        )
    })
}

/// A mistyped --root / --pki-dir is a usage error before anything is looked up under it.
fn require_pki_dir(dir: &Path) -> Result<(), CliError> {
    if dir.is_dir() {
        return Ok(());
    }
    Err(CliError::Text(
        rhv_pki::i18n::Text::new("refusal-not-a-directory").arg("dir", dir.display()),
    ))
}

/// The units that read the files a rollback restored or removed, for the tree's era.
fn units_for_files<'a>(files: impl Iterator<Item = &'a String>, era: Era) -> Vec<String> {
    let names: BTreeSet<&str> = files
        .filter_map(|p| {
            let stem = Path::new(p).file_name()?.to_str()?.split('.').next()?;
            let known =
                catalog::entity(stem).is_some() || catalog::CAS.iter().any(|c| c.name == stem);
            known.then_some(stem)
        })
        .collect();
    let names: Vec<&str> = names.into_iter().collect();
    services::needed(&names, era)
        .into_iter()
        .map(|n| n.unit)
        .collect()
}

pub fn run_rollback(a: RollbackArgs, now: i64) -> Result<ExitStatus, CliError> {
    let tcfg = txn_config(&a.common, now, "rollback")?;
    require_pki_dir(&tcfg.pki_dir)?;
    let list = txn::list_backups(&tcfg.backup_root).map_err(change::ChangeError::from)?;
    // An interrupted change is never hidden behind "nothing to roll back", nor undone
    // silently on the way to an older backup: name it and the command that undoes it.
    let interrupted: Vec<&txn::BackupInfo> = list
        .iter()
        .filter(|b| {
            b.state == txn::BackupState::Incomplete && Path::new(&b.pki_dir) == tcfg.pki_dir
        })
        .collect();
    if a.id.is_none() && !interrupted.is_empty() {
        let undo = rollback_command(&a.common.loc, a.common.backup_dir.as_deref());
        let mut msg = String::new();
        for b in &interrupted {
            msg.push_str(&tf(
                "rollback-interrupted",
                &[
                    ("dir", tcfg.pki_dir.display().to_string().as_str().into()),
                    ("backup", b.id.as_str().into()),
                    ("reason", shown_reason(&b.reason).as_str().into()),
                    ("created", b.created.as_str().into()),
                    (
                        "backups",
                        tcfg.backup_root.display().to_string().as_str().into(),
                    ),
                ],
            ));
            msg.push_str(&format!(
                "\n  {}\n",
                tf(
                    "rollback-interrupted-undo",
                    &[
                        ("undo", undo.as_str().into()),
                        ("backup", b.id.as_str().into())
                    ]
                )
            ));
        }
        msg.push_str(&format!("  {}", t("rollback-interrupted-end")));
        return Err(CliError::Refused(msg));
    }
    let id = match &a.id {
        Some(id) => id.clone(),
        None => list
            .iter()
            .rev()
            .find(|b| {
                b.state == txn::BackupState::Committed
                    && Path::new(&b.pki_dir) == tcfg.pki_dir
                    && b.kind == txn::BackupKind::Change
            })
            .map(|b| b.id.clone())
            .ok_or_else(|| {
                CliError::Text(
                    rhv_pki::i18n::Text::new("cli2-no-change-to-roll-back")
                        .arg("dir", tcfg.backup_root.display()),
                )
            })?,
    };
    super::trail::note(|r| r.backup_id = Some(id.clone()));
    if !list.iter().any(|b| b.id == id) {
        return Err(change::ChangeError::from(txn::TxnError::NoSuchBackup {
            id,
            root: tcfg.backup_root.clone(),
        })
        .into());
    }
    if a.common.dry_run {
        if a.common.format == Format::Json {
            // --format json is a document here too (it printed the text line before).
            print_json(&serde_json::json!({
                "kind": "PkiRollback", "apiVersion": "rhv-pki/v1", "dryRun": true,
                "wouldRestore": {"backup": id, "pkiDir": tcfg.pki_dir, "backupDir": tcfg.backup_root}
            }))?;
            return Ok(ExitStatus::Ok);
        }
        println!(
            "{}",
            tf(
                "rollback-would-restore",
                &[
                    ("dir", tcfg.pki_dir.display().to_string().as_str().into()),
                    ("backup", id.as_str().into()),
                    (
                        "backups",
                        tcfg.backup_root.display().to_string().as_str().into()
                    ),
                ]
            )
        );
        return Ok(ExitStatus::Ok);
    }
    if !confirm(&a.common, "rollback")? {
        return Ok(ExitStatus::Refused);
    }
    let era = services::era_of(&tcfg.pki_dir);
    let rep = txn::rollback_to(tcfg, &id).map_err(change::ChangeError::from)?;
    super::trail::note(|r| r.safety_backup_id = Some(rep.safety_backup.clone()));
    if a.common.format == Format::Json {
        print_json(
            &serde_json::json!({"kind": "PkiRollback", "apiVersion": "rhv-pki/v1", "dryRun": false, "result": rep}),
        )?;
    } else {
        println!(
            "{}",
            tf(
                "rollback-restored",
                &[
                    ("backup", rep.restored_from.as_str().into()),
                    ("restored", rep.restored.len().into()),
                    ("removed", rep.removed.len().into()),
                    ("safety", rep.safety_backup.as_str().into()),
                ]
            )
        );
        // ovirt-imageio-proxy on 4.2/4.3, ovirt-imageio after.
        let units = units_for_files(rep.restored.iter().chain(&rep.removed), era);
        if !units.is_empty() {
            println!(
                "{}\n  systemctl restart {}",
                t("rollback-restart"),
                units.join(" ")
            );
        }
    }
    Ok(ExitStatus::Ok)
}

pub fn run_backups(a: BackupsArgs) -> Result<ExitStatus, CliError> {
    require_pki_dir(&locations(&a.loc).pki_dir)?;
    let root = backup_root(&a.loc, a.backup_dir.as_deref());
    let list = txn::list_backups(&root).map_err(change::ChangeError::from)?;
    if a.format == Format::Json {
        print_json(
            &serde_json::json!({"kind": "PkiBackups", "apiVersion": "rhv-pki/v1", "backupDir": root, "backups": list}),
        )?;
    } else {
        print!("{}", backups_table(&list, &root));
    }
    Ok(ExitStatus::Ok)
}

/// A backup's reason (English in its journal) in the admin's language when rhv-pki wrote it.
fn shown_reason(reason: &str) -> String {
    super::lang::with(|m| rhv_pki::audit::journal_reason(reason).text().render(m))
}

/// The `backups` listing in the admin's language, aligned by display width.
fn backups_table(list: &[txn::BackupInfo], root: &Path) -> String {
    use super::lang::{t, tf};
    use rhv_pki::i18n::{pad, width};
    let head = [
        t("backups-col-id"),
        t("backups-col-created"),
        t("backups-col-state"),
        t("backups-col-files"),
        t("backups-col-reason"),
    ];
    let rows: Vec<[String; 5]> = list
        .iter()
        .map(|b| {
            let state = t(match b.state {
                txn::BackupState::Committed => "backups-state-committed",
                txn::BackupState::RolledBack => "backups-state-rolled-back",
                txn::BackupState::Incomplete => "backups-state-incomplete",
            });
            [
                b.id.clone(),
                b.created.clone(),
                state,
                b.files.to_string(),
                shown_reason(&b.reason),
            ]
        })
        .collect();
    // The English layout's widths, widened for a wider header or state word (ids and dates
    // have fixed forms).
    let mut w = [20, 22, 12, 6];
    for (i, c) in head.iter().take(4).enumerate() {
        w[i] = w[i].max(width(c));
    }
    for r in &rows {
        w[2] = w[2].max(width(&r[2]));
    }
    let line = |r: &[String; 5]| {
        let files = format!("{}{}", " ".repeat(w[3].saturating_sub(width(&r[3]))), r[3]);
        format!(
            "{} {} {} {files}  {}\n",
            pad(&r[0], w[0]),
            pad(&r[1], w[1]),
            pad(&r[2], w[2]),
            r[4]
        )
    };
    let mut out = line(&head);
    for r in &rows {
        out.push_str(&line(r));
    }
    if list.is_empty() {
        out.push_str(&tf(
            "backups-none",
            &[("dir", root.display().to_string().as_str().into())],
        ));
        out.push('\n');
    }
    out
}
