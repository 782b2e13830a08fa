//! The terminal: asking for confirmation, JSON and text on standard output (through
//! [`super::out`], EPIPE-safe), lines on stderr, colour, and the progress printers the library's
//! progress traits are given. A leaf of the command line: it uses only [`super::exit`] and
//! [`super::out`].

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use clap::ValueEnum;

use super::exit::CliError;
use rhv_pki::change;
use rhv_pki::hosts::rolling::{self, Step};
use rhv_pki::manager::maintenance;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Whether to colour the table: `auto` = only on a terminal and without `$NO_COLOR`.
pub fn colour(c: Color) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// `[y/N]` on the terminal; `yes` (`--yes`) answers it. Without a terminal on stdin nobody
/// can answer, which is refused as a "no" answer is (exit 2), with `refusal()` as the reason.
pub fn confirm(yes: bool, refusal: impl FnOnce() -> String) -> Result<bool, CliError> {
    if yes {
        return Ok(true);
    }
    // Not confirmed, as a "no" answer is (exit 2): nobody can answer on /dev/null or a pipe.
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Refused(refusal()));
    }
    eprint!("{} ", super::lang::t("confirm-apply"));
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::Output(e.to_string()))?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "YES"))
}

/// A JSON document on standard output, pretty-printed, with a final newline.
pub fn print_json(v: &serde_json::Value) -> Result<(), CliError> {
    let mut w = super::out::stdout();
    serde_json::to_writer_pretty(&mut w, v).map_err(|e| CliError::Output(e.to_string()))?;
    writeln!(w).map_err(|e| CliError::Output(e.to_string()))
}

/// Writes `s` to standard output (EPIPE-safe) and flushes.
pub fn out(s: &str) -> Result<(), CliError> {
    let mut w = super::out::stdout();
    w.write_all(s.as_bytes())
        .and_then(|_| w.flush())
        .map_err(|e| CliError::Output(e.to_string()))
}

/// A line on stderr that never panics (after SIGHUP the terminal may be gone).
pub fn say(msg: &str) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "{msg}");
    let _ = e.flush();
}

/// Progress on stderr, one line per step (quiet when stderr is not a terminal).
pub struct StderrProgress {
    pub tty: bool,
}

impl change::Progress for StderrProgress {
    fn step(&mut self, what: &str) {
        if self.tty {
            eprintln!("  .. {}", super::phrases::shown(what));
        }
    }
}

/// The maintenance cycle's steps on stderr (only on a terminal).
pub struct StderrSteps;
impl maintenance::CycleProgress for StderrSteps {
    fn step(&mut self, what: &str) {
        use std::io::IsTerminal;
        if std::io::stderr().is_terminal() {
            eprintln!("  .. {}", super::phrases::shown(what));
        }
    }
    fn step_text(&mut self, what: &rhv_pki::i18n::Text) {
        use std::io::IsTerminal;
        if std::io::stderr().is_terminal() {
            eprintln!("  .. {}", super::cycle::shown_text(what));
        }
    }
}

/// Progress on a terminal: one bar for the run, one spinner line per host out.
pub struct Bars {
    pub multi: indicatif::MultiProgress,
    pub overall: indicatif::ProgressBar,
    pub hosts: std::sync::Mutex<std::collections::HashMap<String, indicatif::ProgressBar>>,
}

impl rolling::Progress for Bars {
    fn wave(&self, index: usize, total: usize, hosts: &[String]) {
        self.overall.set_message(wave_line(index, total, hosts));
    }
    fn step(&self, host: &str, step: Step, detail: &str) {
        let mut m = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        let pb = m.entry(host.to_string()).or_insert_with(|| {
            let pb = self.multi.add(indicatif::ProgressBar::new_spinner());
            pb.enable_steady_tick(Duration::from_millis(200));
            pb
        });
        pb.set_message(format!("{host}: {}{}", step_name(step), sep(detail)));
    }
    fn done(&self, host: &str, ok: bool, detail: &str) {
        let mut m = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(pb) = m.remove(host) {
            pb.finish_with_message(format!("{host}: {}{}", done_word(ok), sep(detail)));
        }
        self.overall.inc(1);
    }
}

/// Progress without a terminal: one line per step on stderr.
pub struct Lines;
impl rolling::Progress for Lines {
    fn wave(&self, index: usize, total: usize, hosts: &[String]) {
        say(&format!("rhv-pki: {}", wave_line(index, total, hosts)));
    }
    fn step(&self, host: &str, step: Step, detail: &str) {
        say(&format!(
            "rhv-pki: {host}: {}{}",
            step_name(step),
            sep(detail)
        ));
    }
    fn done(&self, host: &str, ok: bool, detail: &str) {
        say(&format!(
            "rhv-pki: {host}: {}{}",
            done_word(ok),
            sep(detail)
        ));
    }
}

fn sep(d: &str) -> String {
    if d.is_empty() {
        String::new()
    } else {
        format!(" — {d}")
    }
}

/// `wave 2/5: h3, h4`, in the admin's language.
fn wave_line(index: usize, total: usize, hosts: &[String]) -> String {
    super::lang::tf(
        "enroll-progress-wave",
        &[
            ("index", index.into()),
            ("total", total.into()),
            ("hosts", hosts.join(", ").as_str().into()),
        ],
    )
}

fn done_word(ok: bool) -> String {
    super::lang::t(if ok {
        "enroll-progress-done"
    } else {
        "enroll-progress-failed"
    })
}

/// A host's step in the rolling cycle, in the admin's language (RHV's words: メンテナンスモード,
/// 証明書の登録, アクティブ化).
pub fn step_name(s: Step) -> String {
    super::lang::t(match s {
        Step::Pending => "enroll-step-pending",
        Step::MovingSpm => "enroll-step-moving-spm",
        Step::Deactivating => "enroll-step-maintenance",
        Step::Enrolling => "enroll-step-enroll",
        Step::Activating => "enroll-step-activate",
        Step::Verifying => "enroll-step-verifying",
        Step::Done => "enroll-step-done",
        Step::Failed => "enroll-step-failed",
    })
}
