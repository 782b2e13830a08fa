//! `rhv-pki audit`: the Manager's PKI judged, in the format asked for (table, JSON,
//! Prometheus, Nagios), with the side jobs (`--textfile-dir`, `--post-events`, `--probe`,
//! `--policy el9`). An audit that cannot run still answers in its format (`UNKNOWN: …`).

use std::path::PathBuf;

use super::args::{
    backup_root, command_args, engine_config, locations, parse_time, rollback_command,
    store_password, thresholds, AuditFormat, EndpointProbeArgs, EngineArgs, LocationArgs, Policy,
};
use super::exit::{CliError, ExitStatus};
use super::term::{self, Color};
use super::{cycle, lang, out};
use rhv_pki::audit::alert;
use rhv_pki::audit::report::{self, Status};
use rhv_pki::audit::{self, AuditConfig};
use rhv_pki::i18n::Text;

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub loc: LocationArgs,
    /// Judge the certificates as of this time (YYYY-MM-DD or RFC 3339) instead of now.
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    /// Warn when a certificate expires within this many days, every role [default: per role, as renew: 60 web, 365 others and CAs; or config.toml].
    #[arg(long, value_name = "DAYS")]
    pub warn_days: Option<i64>,
    /// Critical when a certificate expires within this many days, every role [default: 30, or config.toml].
    #[arg(long, value_name = "DAYS")]
    pub crit_days: Option<i64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,
    /// Also write Prometheus metrics atomically to DIR/rhv_pki.prom (node_exporter textfile collector).
    #[arg(long, value_name = "DIR")]
    pub textfile_dir: Option<PathBuf>,
    /// Config file (TOML; thresholds per role class, default locations) [default: /etc/rhv-pki/config.toml if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colour the table: auto = only on a terminal.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Also give one readiness verdict for a platform: `el9` lists everything RHEL 9's
    /// DEFAULT crypto policy rejects or OpenSSL 3 cannot read (SHA-1 signatures, RC2-40
    /// PKCS#12, RSA < 2048, `default_md = sha1`), each with the command that fixes it. Not ready
    /// makes the exit code at least 1 (WARNING); see README "RHEL 9 readiness".
    #[arg(long, value_enum, value_name = "POLICY")]
    pub policy: Option<Policy>,
    /// Worker threads (0 = one per CPU).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Post a summary event into the Manager's audit log when the audit finds a warning or
    /// worse, so ovirt-engine-notifier mail/SNMP subscriptions carry it (one per day and
    /// severity; the Manager de-duplicates by custom id).
    #[arg(long)]
    pub post_events: bool,
    // Keep these two last: a heading applies to every argument after it, so a flag added
    // below them would be listed under "Endpoint probe" (tests/cli_story.rs checks).
    #[command(flatten, next_help_heading = "Manager API (--post-events)")]
    pub engine: EngineArgs,
    #[command(flatten, next_help_heading = "Endpoint probe (--probe)")]
    pub probe: EndpointProbeArgs,
}

/// A usage error of `audit` (clap's, before the argument structs exist), answered on stdout
/// in the format the raw arguments ask for: a Nagios `UNKNOWN:` line or a JSON document.
pub fn answer_usage_error(args: impl Iterator<Item = std::ffi::OsString>, reason: &str) {
    let args: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
    if !args.iter().any(|a| a == "audit") {
        return;
    }
    let format = args
        .iter()
        .find_map(|a| a.strip_prefix("--format="))
        .or_else(|| {
            args.windows(2)
                .find(|w| w[0] == "--format")
                .map(|w| w[1].as_str())
        });
    match format {
        Some("nagios") => print_unknown(AuditFormat::Nagios, reason, None),
        Some("json") => print_unknown(AuditFormat::Json, reason, None),
        _ => {}
    }
}

pub fn run_audit(a: AuditArgs, now: i64) -> Result<ExitStatus, CliError> {
    let format = a.format;
    let mut printed = false;
    let r = audit_main(a, now, &mut printed);
    if let Err(e) = &r {
        if !printed && ExitStatus::from(e) == ExitStatus::Unknown {
            print_unknown(format, &e.to_string(), None);
        }
    }
    r
}

/// An audit that could not run (exit 3) still answers in the format asked for: a Nagios
/// `UNKNOWN: reason` line (NRPE shows nothing otherwise), a JSON document with the error.
/// `audit_line` is the Nagios line of an audit that ran but could not finish its side work.
fn print_unknown(format: AuditFormat, reason: &str, audit_line: Option<&str>) {
    let reason = reason.replace(['\n', '\r'], " ");
    match format {
        AuditFormat::Nagios => {
            // `|` starts the performance data: never in the text.
            let text = reason.replace('|', "/");
            match audit_line.map(|l| l.split_once(" | ").unwrap_or((l, ""))) {
                Some((summary, perf)) if !perf.is_empty() => {
                    println!(
                        "UNKNOWN: {text} (audit: {}) | {perf}",
                        summary.replace('|', "/")
                    )
                }
                Some((summary, _)) => {
                    println!("UNKNOWN: {text} (audit: {})", summary.replace('|', "/"))
                }
                None => println!("UNKNOWN: {text}"),
            }
        }
        AuditFormat::Json => {
            let doc = serde_json::json!({
                "kind": "PkiAudit", "apiVersion": report::API_VERSION,
                "error": reason,
                "summary": {"status": Status::Unknown.as_str(), "exitCode": ExitStatus::Unknown.code()},
            });
            let mut w = out::stdout();
            let _ = serde_json::to_writer_pretty(&mut w, &doc);
            println!();
        }
        AuditFormat::Table | AuditFormat::Prometheus => {}
    }
}

fn audit_main(mut a: AuditArgs, now: i64, printed: &mut bool) -> Result<ExitStatus, CliError> {
    let explicit = a.config.is_some();
    let cpath = a
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(alert::DEFAULT_CONFIG));
    let conf = alert::read_config(&cpath, explicit).map_err(|e| CliError::Text(e.text()))?;
    let t = thresholds(&conf, a.warn_days, a.crit_days)?;
    let at = match &a.at {
        Some(s) => parse_time(s).map_err(CliError::Text)?,
        None => now,
    };
    // Locations from the config file unless given on the command line.
    if a.loc.root.is_none() && a.loc.pki_dir.is_none() {
        a.loc.pki_dir = conf.audit.pki_dir.clone();
    }
    if a.loc.engine_conf_dir.is_none() {
        a.loc.engine_conf_dir = conf.audit.engine_conf_dir.clone();
    }
    if a.loc.p12_password_file.is_none() {
        a.loc.p12_password_file = conf.audit.p12_password_file.clone();
    }
    let textfile_dir = a
        .textfile_dir
        .clone()
        .or(conf.prometheus.textfile_dir.clone());
    let loc = locations(&a.loc);
    let p12 = store_password(&a.loc, loc.engine_conf_dir.as_deref())?;
    let cfg = AuditConfig {
        pki_dir: loc.pki_dir,
        engine_conf_dir: loc.engine_conf_dir,
        root: loc.root,
        now: at,
        warn_days: t.default.warn_days,
        crit_days: t.default.crit_days,
        p12_password: p12,
        threads: a.threads,
        role_windows: Some(t),
    };
    // --probe: what the endpoints really serve (restart-needed / endpoint-unreachable).
    let mut probed = if a.probe.probe {
        cycle::probe_for_audit(&a.loc, &a.probe, &cfg)
    } else {
        Vec::new()
    };
    let backups = backup_root(&a.loc, None);
    let interrupted = rhv_pki::change::txn::list_backups(&backups)
        .unwrap_or_default()
        .into_iter()
        .filter(|b| {
            b.state == rhv_pki::change::txn::BackupState::Incomplete
                && std::path::Path::new(&b.pki_dir) == cfg.pki_dir
        })
        .map(|b| audit::InterruptedChange {
            backup: b.id,
            reason: b.reason,
        });
    probed.extend(audit::interrupted_changes(
        &backups,
        interrupted,
        &rollback_command(&a.loc, None),
    ));
    let color = term::colour(a.color);
    // Table and JSON without a textfile are written while the audit runs (constant memory
    // for any number of hosts); the alerting formats need the whole report.
    if textfile_dir.is_none()
        && !a.post_events
        && a.policy.is_none()
        && matches!(a.format, AuditFormat::Table | AuditFormat::Json)
    {
        let w = std::io::BufWriter::with_capacity(64 * 1024, out::stdout());
        let totals = if a.format == AuditFormat::Table {
            audit::run_with_extra(
                &cfg,
                &mut report::TableSink::localized(w, color, lang::lang()),
                probed,
            )?
        } else {
            audit::run_with_extra(&cfg, &mut report::JsonSink::new(w), probed)?
        };
        return Ok(Status::of_totals(&totals).into());
    }
    let mut rep = audit::run(&cfg)?;
    audit::add_findings(&mut rep, probed);
    let status = Status::of(&rep);
    let el9 = a.policy.map(|Policy::El9| {
        audit::el9::verdict(
            &rep,
            &audit::el9::Options {
                hosts: false,
                command_args: command_args(&a.loc),
                ..Default::default()
            },
        )
    });
    let host = rep
        .engine_fqdn
        .clone()
        .unwrap_or_else(|| "localhost".into());
    let run = alert::Run {
        manager: &host,
        scope: "engine",
        finished: now,
    };
    let prev = textfile_dir
        .as_ref()
        .and_then(|d| std::fs::read_to_string(d.join("rhv_pki.prom")).ok())
        .unwrap_or_default();
    // The textfile is written before stdout (its error counter carries over), but a failure
    // to write it is reported after the report: the audit itself is never hidden.
    let textfile_err = textfile_dir.as_ref().and_then(|dir| {
        let mut text = alert::prometheus(&rep, &t, run, alert::previous_errors_total(&prev));
        if let Some(v) = &el9 {
            text.push_str(&audit::el9::prometheus(v, "engine", &host));
        }
        alert::write_textfile(dir, &text).err().map(|e| {
            CliError::Text(
                Text::new("error-textfile")
                    .arg("dir", dir.display())
                    .arg("file", "rhv_pki.prom")
                    .arg_text("error", rhv_pki::i18n::io_error(&e)),
            )
        })
    });
    let write = |s: &str| -> Result<(), CliError> {
        use std::io::Write as _;
        let mut w = out::stdout();
        w.write_all(s.as_bytes())
            .and_then(|_| w.flush())
            .map_err(|e| CliError::Output(e.to_string()))
    };
    // Nagios (one line) and JSON (one document) are decided after every side job (textfile,
    // --post-events), so a failed one is in the answer: `UNKNOWN: …` / `"error"`. Table and
    // Prometheus are printed first: a Manager that cannot be reached never hides them.
    let whole = matches!(a.format, AuditFormat::Nagios | AuditFormat::Json);
    let mut err = textfile_err;
    if whole && err.is_none() && a.post_events {
        err = post_event(&a, &rep).err();
    }
    *printed = true;
    match a.format {
        AuditFormat::Nagios => {
            let (mut line, _) = alert::nagios(&rep, &t);
            if let Some(v) = &el9 {
                line = audit::el9::nagios(&line, status, v).0;
            }
            match &err {
                Some(e) => print_unknown(AuditFormat::Nagios, &e.to_string(), Some(&line)),
                None => write(&format!("{line}\n"))?,
            }
        }
        AuditFormat::Table => {
            let mut text = report::table_in(&rep, color, lang::lang());
            if let Some(v) = &el9 {
                text.push_str(&audit::el9::table_in(v, lang::lang()));
            }
            write(&text)?
        }
        AuditFormat::Json => {
            let doc = report::json(&rep);
            let mut v = serde_json::to_value(&doc).map_err(|e| CliError::Output(e.to_string()))?;
            if let (Some(e), Some(m)) = (&err, v.as_object_mut()) {
                m.insert("error".into(), e.to_string().into());
            }
            if let (Some(el9), Some(m)) = (&el9, v.as_object_mut()) {
                m.insert(
                    "el9".into(),
                    serde_json::to_value(el9).map_err(|e| CliError::Output(e.to_string()))?,
                );
            }
            let mut w = std::io::BufWriter::new(out::stdout());
            serde_json::to_writer_pretty(&mut w, &v)
                .map_err(|e| CliError::Output(e.to_string()))?;
            use std::io::Write as _;
            writeln!(w)
                .and_then(|_| w.flush())
                .map_err(|e| CliError::Output(e.to_string()))?;
        }
        AuditFormat::Prometheus => {
            // With --textfile-dir the file already counts this run's errors.
            let carried = if textfile_dir.is_some() && err.is_none() {
                let now_prev = textfile_dir
                    .as_ref()
                    .and_then(|d| std::fs::read_to_string(d.join("rhv_pki.prom")).ok())
                    .unwrap_or_default();
                alert::previous_errors_total(&now_prev).saturating_sub(
                    rep.findings
                        .iter()
                        .filter(|f| matches!(f.problem.code(), "unreadable" | "p12-unreadable"))
                        .count() as u64,
                )
            } else {
                alert::previous_errors_total(&prev)
            };
            let mut text = alert::prometheus(&rep, &t, run, carried);
            if let Some(v) = &el9 {
                text.push_str(&audit::el9::prometheus(v, "engine", &host));
            }
            write(&text)?;
        }
    }
    if let Some(e) = err {
        return Err(e);
    }
    if !whole && a.post_events {
        post_event(&a, &rep)?;
    }
    Ok(match &el9 {
        Some(v) => audit::el9::status(status, v),
        None => status,
    }
    .into())
}

/// Posts the audit's summary event (nothing when the audit is clean).
fn post_event(a: &AuditArgs, rep: &audit::AuditReport) -> Result<(), CliError> {
    let host = rep
        .engine_fqdn
        .clone()
        .unwrap_or_else(|| "the Manager".into());
    let Some(ev) = alert::summary_event(rep, &host) else {
        eprintln!("{}", lang::t("audit-event-clean"));
        return Ok(());
    };
    let (cfg, _) = engine_config(&a.engine, &a.loc)?;
    let rt = rhv_pki::exec::runtime(rhv_pki::exec::Threads::Current)
        .map_err(|e| CliError::Output(e.to_string()))?;
    rt.block_on(async {
        let e = rhv_pki::net::engine::Engine::login(cfg)
            .await
            .map_err(post_events_error)?;
        let ev = rhv_pki::net::engine::NewEvent {
            description: ev.description,
            severity: ev.severity,
            origin: ev.origin,
            custom_id: ev.custom_id,
        };
        let r = e.post_event(&ev).await;
        e.logout().await;
        match r {
            Ok(posted) => {
                eprintln!(
                    "{}",
                    lang::tf(
                        "audit-event-posted",
                        &[
                            ("id", posted.id.to_string().as_str().into()),
                            ("severity", ev.severity.as_str().into()),
                        ]
                    )
                );
                Ok(())
            }
            Err(err) if err.is_duplicate_event() => {
                eprintln!(
                    "{}",
                    lang::tf(
                        "audit-event-already",
                        &[
                            ("severity", ev.severity.as_str().into()),
                            ("custom_id", ev.custom_id.to_string().as_str().into()),
                        ]
                    )
                );
                Ok(())
            }
            Err(err) => Err(post_events_error(err)),
        }
    })
}

/// `--post-events` could not post: exit 3, the Manager's error in rhv-pki's words.
fn post_events_error(e: rhv_pki::net::engine::EngineError) -> CliError {
    CliError::Text(Text::new("cli2-post-events").arg_text("error", e.text()))
}
