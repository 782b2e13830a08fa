//! `rhv-manager-sim`: a faithful stand-in for the oVirt Manager REST API subset rhv-pki
//! uses (see `rhv_pki::sim` and docs/simulator.md). This file only parses arguments, reads
//! the password from a file or the environment (never argv) and starts the simulator.

#![deny(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use rhv_pki::sim::{
    self,
    scenario::{Scenario, ScenarioError},
};

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

/// Why the simulator's arguments cannot be used (exit 2); each names the file or the flag.
#[derive(Debug, thiserror::Error)]
enum ArgsError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: empty password", path.display())]
    EmptyPassword { path: PathBuf },
    #[error("no password: give --password-file FILE or set RHV_SIM_PASSWORD")]
    NoPassword,
    #[error("{}: {source}", path.display())]
    Scenario {
        path: PathBuf,
        #[source]
        source: ScenarioError,
    },
    #[error("--time-scale {value}: must be a number >= 0")]
    TimeScale { value: f64 },
}

fn read(path: &std::path::Path) -> Result<String, ArgsError> {
    std::fs::read_to_string(path).map_err(|source| ArgsError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn prepare(a: &Args) -> Result<sim::Config, ArgsError> {
    prepare_with(a, std::env::var("RHV_SIM_PASSWORD").ok())
}

/// [`prepare`] with the value of `RHV_SIM_PASSWORD` given.
fn prepare_with(a: &Args, env_password: Option<String>) -> Result<sim::Config, ArgsError> {
    let password = match (&a.password_file, env_password) {
        (Some(p), _) => {
            let t = read(p)?;
            let pw = t.lines().next().unwrap_or("").to_string();
            if pw.is_empty() {
                return Err(ArgsError::EmptyPassword { path: p.clone() });
            }
            pw
        }
        (None, Some(pw)) if !pw.is_empty() => pw,
        _ => return Err(ArgsError::NoPassword),
    };
    let scenario = match &a.scenario {
        Some(p) => Scenario::parse(&read(p)?).map_err(|source| ArgsError::Scenario {
            path: p.clone(),
            source,
        })?,
        None => Scenario::default_scenario(),
    };
    if !(a.time_scale.is_finite() && a.time_scale >= 0.0) {
        return Err(ArgsError::TimeScale {
            value: a.time_scale,
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The refusal (a `Config` holds the password: it has no `Debug` to unwrap with).
    fn refused(r: Result<sim::Config, ArgsError>) -> ArgsError {
        match r {
            Ok(_) => panic!("accepted"),
            Err(e) => e,
        }
    }

    fn args(extra: &[&str]) -> Args {
        let mut argv = vec!["rhv-manager-sim", "--pki-dir", "/nonexistent"];
        argv.extend_from_slice(extra);
        Args::try_parse_from(argv).unwrap()
    }

    /// Each refusal names the file or the flag and keeps its cause; the error line is the
    /// one the simulator has always printed.
    #[test]
    fn bad_arguments_say_which_file_or_flag_and_why() {
        let dir = std::env::temp_dir().join(format!("rhv-manager-sim-args-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pw = dir.join("pw");
        let sc = dir.join("scenario.toml");

        let e = refused(prepare_with(&args(&[]), None));
        assert!(matches!(e, ArgsError::NoPassword), "{e:?}");
        assert_eq!(
            e.to_string(),
            "no password: give --password-file FILE or set RHV_SIM_PASSWORD"
        );
        assert!(matches!(
            prepare_with(&args(&[]), Some(String::new())),
            Err(ArgsError::NoPassword)
        ));

        let missing = dir.join("missing");
        let e = refused(prepare_with(
            &args(&["--password-file", missing.to_str().unwrap()]),
            None,
        ));
        let ArgsError::Read { path, source } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(path, &missing);
        assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(e.to_string(), format!("{}: {source}", missing.display()));

        std::fs::write(&pw, "\nsecond line\n").unwrap();
        let e = refused(prepare_with(
            &args(&["--password-file", pw.to_str().unwrap()]),
            None,
        ));
        assert!(matches!(&e, ArgsError::EmptyPassword { path } if path == &pw));
        assert_eq!(e.to_string(), format!("{}: empty password", pw.display()));

        std::fs::write(&sc, "[[hosts]]\nname='h1'\nstatus='weird'\n").unwrap();
        let e = refused(prepare_with(
            &args(&["--scenario", sc.to_str().unwrap()]),
            Some("pw".into()),
        ));
        let ArgsError::Scenario { path, source } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(path, &sc);
        assert!(matches!(source, ScenarioError::HostStatus { status, .. } if status == "weird"));
        assert_eq!(
            e.to_string(),
            format!(
                "{}: host 'h1': status 'weird' is not one of up, maintenance, non_responsive, \
                 install_failed, non_operational",
                sc.display()
            )
        );

        let e = refused(prepare_with(&args(&["--time-scale=-1"]), Some("pw".into())));
        assert!(matches!(e, ArgsError::TimeScale { value } if value == -1.0));
        assert_eq!(e.to_string(), "--time-scale -1: must be a number >= 0");

        std::fs::write(&pw, "s3cret\n").unwrap();
        let c = prepare_with(&args(&["--password-file", pw.to_str().unwrap()]), None).unwrap();
        assert_eq!(c.password, "s3cret");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
