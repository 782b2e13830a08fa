//! The `rhv-pki` binary: parse, run, and decide the exit code — nothing else.

#![deny(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use cli::Cli;
use rhv_pki::audit::report::Status;

mod cli;

fn main() -> ExitCode {
    // Usage errors are UNKNOWN (3) in Nagios terms, not clap's default 2 (= CRITICAL).
    let args = match Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() {
                Status::Unknown.exit_code()
            } else {
                0
            };
            let _ = e.print();
            // A Nagios check (or a JSON consumer) gets its answer on stdout even then.
            if code == Status::Unknown.exit_code() {
                let text = e.to_string();
                let first = text.lines().next().unwrap_or("invalid arguments");
                let reason = format!("rhv-pki: {}", first.trim_start_matches("error: "));
                cli::answer_usage_error(std::env::args_os(), &reason);
            }
            return ExitCode::from(code);
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let r = cli::run(args, now);
    // EPIPE on stdout only stops the printing (cli::out); any other write error is said.
    if let Some(e) = cli::out::failure() {
        eprintln!("rhv-pki: warning: writing to standard output: {e}");
    }
    match r {
        Ok(outcome) => ExitCode::from(outcome.code),
        Err(e) => {
            eprintln!("rhv-pki: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
