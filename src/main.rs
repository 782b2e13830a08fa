//! The `rhv-pki` binary: parse, run, and turn the command's [`ExitStatus`] into the process's
//! exit code — nothing else.

#![deny(unsafe_code)]

use std::process::ExitCode;

use clap::FromArgMatches;
use cli::exit::ExitStatus;
use cli::Cli;

mod cli;

fn main() -> ExitCode {
    // The language is decided before clap runs, so its help and errors can be translated.
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = cli::lang::decide(&argv, |k| std::env::var(k).ok());
    cli::lang::init(lang);
    // The command tree with its help in that language (clap's derive texts for English).
    let mut cmd = cli::help::command(lang);
    // Usage errors are UNKNOWN (3) in Nagios terms, not clap's default 2 (= CRITICAL).
    let parsed = cmd
        .try_get_matches_from_mut(&argv)
        .and_then(|m| Cli::from_arg_matches(&m).map_err(|e| e.format(&mut cmd)));
    let args = match parsed {
        Ok(a) => a,
        Err(e) => {
            let status = if e.use_stderr() {
                ExitStatus::Unknown
            } else {
                ExitStatus::Ok
            };
            match cli::usage::render(&e) {
                Some(text) => eprint!("{text}"),
                None => {
                    let _ = e.print();
                }
            }
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
