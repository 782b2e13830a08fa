//! `rhv-manager-sim`: a faithful stand-in for the oVirt Manager REST API subset rhv-pki
//! uses (see `rhv_pki::sim` and docs/simulator.md). This file only parses arguments, reads
//! the password from a file or the environment (never argv) and starts the simulator.

#![deny(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use rhv_pki::sim::{self, scenario::Scenario};

#[derive(Parser, Debug)]
#[command(
    name = "rhv-manager-sim",
    version,
    about = "Simulated oVirt Manager REST API (SSO, hosts, VMs, events, maintenance/enroll/activate)",
    after_help = "The admin@internal password comes from --password-file or the RHV_SIM_PASSWORD \
environment variable. Once listening, one line is printed on stdout:\n  \
listening https://<name>:<port>/ovirt-engine/api connect=127.0.0.1:<port>"
)]
struct Args {
    /// The Manager PKI dir (work on a copy: enrollments write into it).
    #[arg(long)]
    pki_dir: PathBuf,
    /// Loopback address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Scenario file (TOML); default: one cluster, three Up hosts, four VMs.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Multiplies every nominal duration (0.01 = a hundred times faster).
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// File holding the admin@internal password (first line).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// State file: loaded at start when present, rewritten after every change.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Host name to print in the URL instead of the engine FQDN.
    #[arg(long)]
    public_name: Option<String>,
    /// SSO access token lifetime in seconds (overrides the scenario).
    #[arg(long)]
    token_lifetime: Option<u64>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn prepare(a: &Args) -> Result<sim::Config, String> {
    let password = match (&a.password_file, std::env::var("RHV_SIM_PASSWORD")) {
        (Some(p), _) => {
            let t = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let pw = t.lines().next().unwrap_or("").to_string();
            if pw.is_empty() {
                return Err(format!("{}: empty password", p.display()));
            }
            pw
        }
        (None, Ok(pw)) if !pw.is_empty() => pw,
        _ => return Err("no password: give --password-file FILE or set RHV_SIM_PASSWORD".into()),
    };
    let scenario = match &a.scenario {
        Some(p) => {
            let t = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Scenario::parse(&t).map_err(|e| format!("{}: {e}", p.display()))?
        }
        None => Scenario::default_scenario(),
    };
    if !(a.time_scale.is_finite() && a.time_scale >= 0.0) {
        return Err(format!(
            "--time-scale {}: must be a number >= 0",
            a.time_scale
        ));
    }
    Ok(sim::Config {
        pki_dir: a.pki_dir.clone(),
        listen: a.listen,
        scenario,
        time_scale: a.time_scale,
        password,
        state_file: a.state.clone(),
        public_name: a.public_name.clone(),
        token_lifetime_secs: a.token_lifetime,
        now_ms,
    })
}

/// Every host listens on a vdsm port of its own and each probe holds a connection: a large
/// fleet needs more descriptors than the usual soft limit (1024). Raise the soft limit as far
/// as the hard one allows; say so when even that is too low.
fn raise_open_files(hosts: usize) {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let want = (hosts as u64).saturating_mul(2).saturating_add(256);
    let lim = getrlimit(Resource::Nofile);
    if lim.current.is_none_or(|c| c >= want) {
        return;
    }
    let target = lim.maximum.map_or(want, |m| m.min(want));
    let raised = setrlimit(
        Resource::Nofile,
        rustix::process::Rlimit {
            current: Some(target),
            maximum: lim.maximum,
        },
    )
    .is_ok();
    if !raised || target < want {
        eprintln!(
            "rhv-manager-sim: warning: {hosts} hosts want about {want} open files; the limit is {} (raise it with ulimit -n)",
            if raised { target } else { lim.current.unwrap_or(0) }
        );
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let cfg = match prepare(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("rhv-manager-sim: error: {e}");
            return ExitCode::from(2);
        }
    };
    raise_open_files(cfg.scenario.hosts.len());
    let rt = match rhv_pki::exec::runtime(rhv_pki::exec::Threads::Pool {
        workers: 2,
        name: "rhv-manager-sim",
    }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rhv-manager-sim: error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(sim::run(cfg)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rhv-manager-sim: error: {e}");
            ExitCode::from(1)
        }
    }
}
