//! `rhv-pki maintenance on|off|status|verify|restart`: hosted-engine global maintenance,
//! service restarts and endpoint checks one step at a time, on the cycle's plumbing
//! ([`super::cycle`]).

use std::time::Duration;

use clap::Subcommand;

use super::args::{locations, CycleArgs, EndpointArgs, Format, HeArgs, LocationArgs};
use super::cycle::Why;
use super::cycle::{
    cycle_findings, cycle_status, endpoints_for, maint_err, prepare, render_report, resolve_he,
    run_prepared, settle, shout, shown_text, verify_status, HeAccess,
};
use super::exit::{CliError, ExitStatus};
use super::lang::{t, tf};
use super::term::print_json;
use rhv_pki::audit::AuditConfig;
use rhv_pki::i18n::pad;
use rhv_pki::manager::endpoints;
use rhv_pki::manager::maintenance::{self, CycleReport, CycleResult, HostedEngineCli};

#[derive(Debug, clap::Args)]
pub struct MaintenanceArgs {
    #[command(subcommand)]
    pub action: MaintAction,
}

#[derive(Debug, Subcommand)]
pub enum MaintAction {
    /// Set hosted-engine global maintenance and read it back.
    ///
    /// Exit codes: 0 on (read back); 2 it did not take, or --he-host cannot be reached;
    /// 3 usage error, no hosted engine found, or hosted-engine failed.
    On(HeOnly),
    /// Clear global maintenance and read it back.
    ///
    /// Exit codes: 0 off (read back); 2 it did not clear, or --he-host cannot be reached;
    /// 3 usage error, no hosted engine found, or hosted-engine failed.
    Off(HeOnly),
    /// Show global maintenance and the HE hosts.
    ///
    /// Exit codes: 0 shown; 2 --he-host cannot be reached; 3 no hosted engine found, usage
    /// error, or hosted-engine failed.
    Status(HeOnly),
    /// Check that every TLS endpoint serves the certificate on disk.
    ///
    /// Exit codes: 0 every endpoint serves its file, 3 usage error (no endpoint known),
    /// 4 an endpoint could not be checked (endpoint-unreachable: refused, timed out, handshake
    /// failed; or its file cannot be read), 5 an endpoint serves another certificate than its
    /// file (restart-needed).
    Verify(VerifyArgs),
    /// Restart the services that read the named certificates, under global maintenance, and
    /// verify their endpoints.
    ///
    /// Exit codes: 0 restarted and verified (or --dry-run); 2 refused, nothing restarted (a
    /// copy without --cycle, no unit here that reads the names, restarts refused because a
    /// hosted engine could not be ruled out, --no-restart, global maintenance could not be
    /// set); 3 usage error; 4 a restart failed (global maintenance kept on), global
    /// maintenance could not be cleared, or an endpoint showed no certificate after its
    /// restart (endpoint-unreachable); 5 an endpoint still serves the old certificate
    /// (restart-needed).
    Restart(RestartArgs),
}

#[derive(Debug, clap::Args)]
pub struct HeOnly {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub he: HeArgs,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub loc: LocationArgs,
    #[command(flatten)]
    pub ep: EndpointArgs,
    /// Keep probing up to SECONDS until every endpoint serves its file (0: probe once).
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub wait: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct RestartArgs {
    /// Certificates whose services to restart: ca, engine, apache, websocket-proxy, …
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,
    #[command(flatten)]
    pub loc: LocationArgs,
    /// Print the plan and do nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten, next_help_heading = "Maintenance cycle")]
    pub cycle: CycleArgs,
}

pub fn run(a: MaintenanceArgs) -> Result<ExitStatus, CliError> {
    match a.action {
        MaintAction::Status(h) => {
            let he = resolve_he(&h.he, None)?;
            let Some(gm) = he.gm() else {
                if h.format == Format::Json {
                    print_json(
                        &serde_json::json!({"kind": "HeMaintenance", "apiVersion": "rhv-pki/v1", "hostedEngine": false, "detail": he.describe()}),
                    )?;
                } else {
                    println!("{}", he.shown());
                }
                return Ok(ExitStatus::Unknown);
            };
            let on = gm.status().map_err(maint_err)?;
            let hosts = match &he {
                HeAccess::Cli(t) => HostedEngineCli { target: t.as_ref() }
                    .vm_status()
                    .ok()
                    .flatten()
                    .map(|s| s.hosts)
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            if h.format == Format::Json {
                print_json(
                    &serde_json::json!({"kind": "HeMaintenance", "apiVersion": "rhv-pki/v1", "hostedEngine": true, "via": gm.via(), "globalMaintenance": on, "hosts": hosts}),
                )?;
            } else {
                println!(
                    "{}",
                    tf(
                        "maint-status",
                        &[
                            (
                                "state",
                                t(if on { "maint-on" } else { "maint-off" }).as_str().into()
                            ),
                            ("via", shown_text(&gm.via_text()).as_str().into()),
                        ]
                    )
                );
                for x in &hosts {
                    println!(
                        "  {} {} {} {} {} {} {} {} {}{}",
                        t("maint-host"),
                        x.host_id,
                        pad(&x.hostname, 30),
                        t("maint-score"),
                        pad(&x.score.map(|s| s.to_string()).unwrap_or("-".into()), 5),
                        t("maint-engine-vm"),
                        pad(x.vm.as_deref().unwrap_or("-"), 8),
                        t("maint-health"),
                        x.health.as_deref().unwrap_or("-"),
                        if x.maintenance == Some(true) {
                            format!(" {}", t("maint-local-maintenance"))
                        } else {
                            String::new()
                        }
                    );
                }
            }
            Ok(ExitStatus::Ok)
        }
        MaintAction::On(h) => on_off(h, true),
        MaintAction::Off(h) => on_off(h, false),
        MaintAction::Verify(v) => {
            let eps = endpoints_for(&v.loc, &v.ep);
            if eps.is_empty() {
                return Err(CliError::Usage(t("maint-no-endpoints")));
            }
            let pt = Duration::from_secs(v.ep.probe_timeout.max(1));
            let wait = Duration::from_secs(v.wait);
            let checks = endpoints::verify_until(
                &eps,
                wait,
                (wait / 20).clamp(Duration::from_millis(200), Duration::from_secs(2)),
                pt,
            );
            let pki_dir = locations(&v.loc).pki_dir;
            let findings = rhv_pki::manager::endpoints::probe_findings(
                &AuditConfig::new(&pki_dir, 0),
                &checks,
            );
            let status = verify_status(&checks);
            if v.format == Format::Json {
                print_json(
                    &serde_json::json!({"kind": "EndpointCheck", "apiVersion": "rhv-pki/v1", "checks": checks, "findings": findings}),
                )?;
            } else {
                let r = CycleReport {
                    checks,
                    ..CycleReport::new(CycleResult::Done)
                };
                print!("{}", render_report(&r));
                for f in &findings {
                    println!(
                        "{} {}: {}",
                        f.problem.code(),
                        f.path,
                        super::lang::finding_message(f)
                    );
                }
            }
            Ok(status)
        }
        MaintAction::Restart(r) => restart(r),
    }
}

/// `maintenance restart NAME...`: under global maintenance, only on the live PKI unless
/// `--cycle`; nothing requested that can be restarted, or restarts refused, is not a success.
pub fn restart(r: RestartArgs) -> Result<ExitStatus, CliError> {
    for n in &r.names {
        if rhv_pki::pki::catalog::entity(n).is_none()
            && !rhv_pki::pki::catalog::CAS.iter().any(|c| c.name == n)
        {
            return Err(CliError::Text(
                rhv_pki::i18n::Text::new("cycle-unknown-name").arg("name", n),
            ));
        }
    }
    // A copy never restarts the live services (as resign / renew): --cycle says it should.
    let p = prepare(&r.cycle, &r.loc, &r.names)?.map_err(|why| {
        CliError::Refused(tf(
            "maint-nothing-restarted",
            &[(
                "why",
                super::phrases::shown(&why.to_string()).as_str().into(),
            )],
        ))
    })?;
    if r.dry_run {
        if r.format == Format::Json {
            print_json(
                &serde_json::json!({"kind": "ServiceRestart", "apiVersion": "rhv-pki/v1", "dryRun": true, "cycle": p.plan_json()}),
            )?;
        } else {
            print!("rhv-pki maintenance restart --dry-run\n{}", p.render());
        }
        return Ok(ExitStatus::Ok);
    }
    let restartable = p.restarts.iter().any(|s| s.restarts());
    // Why nothing is restarted: English in the JSON document, the admin's language on stderr.
    let refusal: Option<(String, String)> = if !restartable {
        let w = Why::of(
            "maint-no-unit",
            &[("names", r.names.join(", ").as_str().into())],
        );
        Some((w.en, w.shown))
    } else if let Some(why) = p.refused() {
        Some((
            why.to_string(),
            p.he.unknown_shown().unwrap_or(why).to_string(),
        ))
    } else if !p.options.restart {
        Some(("--no-restart".into(), "--no-restart".into()))
    } else {
        None
    };
    if let Some((en, local)) = refusal {
        let why = Why::of("maint-nothing-restarted", &[("why", en.as_str().into())]).en;
        let shown = tf("maint-nothing-restarted", &[("why", local.as_str().into())]);
        // Say what was found (the skips) before refusing.
        if r.format == Format::Json {
            print_json(
                &serde_json::json!({"kind": "ServiceRestart", "apiVersion": "rhv-pki/v1", "dryRun": false, "cycle": p.plan_json(), "error": why}),
            )?;
        } else {
            print!("{}", p.render());
        }
        return Err(CliError::Refused(shown));
    }
    super::trail::started();
    let (mut rep, _) = run_prepared(&p, || Ok::<(), String>(()));
    super::trail::note(|t| t.units_restarted = super::trail::restarted(&rep));
    // No files in this sub-step: only maintenance, restarts, verify.
    rep.events.retain(|e| e.step != "files");
    let pki_dir = locations(&r.loc).pki_dir;
    if r.format == Format::Json {
        print_json(
            &serde_json::json!({"kind": "ServiceRestart", "apiVersion": "rhv-pki/v1", "dryRun": false, "cycle": rep, "findings": cycle_findings(&pki_dir, &rep)}),
        )?;
    } else {
        print!("{}", render_report(&rep));
    }
    shout(&rep);
    Ok(cycle_status(&rep))
}

fn on_off(h: HeOnly, on: bool) -> Result<ExitStatus, CliError> {
    let he = resolve_he(&h.he, None)?;
    let Some(gm) = he.gm() else {
        return Err(CliError::Usage(tf(
            "maint-cannot-set",
            &[("why", he.shown().as_str().into())],
        )));
    };
    let s = settle(h.he.maintenance_timeout);
    let before = gm.status().map_err(maint_err)?;
    let result = if on {
        maintenance::enter(gm.as_ref(), s).map(|_| ())
    } else if before {
        let held = maintenance::Held {
            was_on: false,
            we_set: true,
        };
        maintenance::leave(gm.as_ref(), held, s).map(|_| ())
    } else {
        Ok(())
    };
    let after = gm.status().ok();
    let ok = result.is_ok();
    if h.format == Format::Json {
        print_json(
            &serde_json::json!({"kind": "HeMaintenance", "apiVersion": "rhv-pki/v1", "via": gm.via(), "before": before, "after": after, "ok": ok, "error": result.as_ref().err().map(|e| e.to_string())}),
        )?;
    } else {
        match &result {
            Ok(()) => println!(
                "{}",
                tf(
                    "maint-set",
                    &[
                        (
                            "state",
                            t(if on { "maint-on" } else { "maint-off" }).as_str().into()
                        ),
                        ("via", shown_text(&gm.via_text()).as_str().into()),
                        (
                            "already",
                            if before == on {
                                t("maint-already")
                            } else {
                                String::new()
                            }
                            .as_str()
                            .into()
                        ),
                    ]
                )
            ),
            Err(e) => eprintln!("{}", crate::cli::out::error_line(&CliError::Text(e.text()))),
        }
    }
    Ok(if ok {
        ExitStatus::Ok
    } else {
        ExitStatus::Refused
    })
}
