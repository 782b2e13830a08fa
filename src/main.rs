//! The `rhv-pki` binary: parse, run, and turn the command's [`ExitStatus`] into the process's
//! exit code — nothing else.

#![deny(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use cli::exit::ExitStatus;
use cli::Cli;

mod cli;

fn main() -> ExitCode {
    // The language is decided before clap runs, so its help and errors can be translated.
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    cli::lang::init(cli::lang::decide(&argv, |k| std::env::var(k).ok()));
    // Usage errors are UNKNOWN (3) in Nagios terms, not clap's default 2 (= CRITICAL).
    let args = match Cli::try_parse_from(&argv) {
        Ok(a) => a,
        Err(e) => {
            let status = if e.use_stderr() {
                ExitStatus::Unknown
            } else {
                ExitStatus::Ok
            };
            let _ = e.print();
            // A Nagios check (or a JSON consumer) gets its answer on stdout even then.
            if status == ExitStatus::Unknown {
                let text = e.to_string();
                let first = text.lines().next().unwrap_or("invalid arguments");
                let reason = format!("rhv-pki: {}", first.trim_start_matches("error: "));
                cli::answer_usage_error(argv.into_iter(), &reason);
            }
            return status.into();
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let r = cli::run(args, now);
    // EPIPE on stdout only stops the printing (cli::out); any other write error is said.
    if let Some(e) = cli::out::failure() {
        eprintln!("{}", cli::out::stdout_warning(&e));
    }
    match r {
        Ok(status) => status.into(),
        Err(e) => {
            eprintln!("{}", cli::out::error_line(&e));
            ExitStatus::from(&e).into()
        }
    }
}
