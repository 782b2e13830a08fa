//! The `rhv-pki` binary: parse, run, and decide the exit code — nothing else.

use std::process::ExitCode;

use clap::Parser;
use rhv_pki::cli::{self, Cli};
use rhv_pki::report::Status;

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
            return ExitCode::from(code);
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    match cli::run(args, now) {
        Ok(outcome) => ExitCode::from(outcome.code),
        Err(e) => {
            eprintln!("rhv-pki: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
