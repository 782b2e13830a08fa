//! Standard output for every command. A reader that goes away (`| head`, a closed pipe:
//! EPIPE) stops the printing, never the command: the rest of its output is dropped, the work
//! goes on, and the exit status stays the command's own. Every command writes through
//! [`stdout`] — `print!` / `println!` inside `cli` are shadowed to use it (see `cli.rs`), and
//! the writers handed to the report sinks and to JSON are this one too.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Set once a write met EPIPE: everything after it is dropped.
static CLOSED: AtomicBool = AtomicBool::new(false);
/// The first other write error (a full disk behind a redirect): reported by `main`.
static FAILED: Mutex<Option<String>> = Mutex::new(None);

/// Set while a command's human report must not mix into a JSON document on standard output
/// (`upgrade --format json` runs the single commands): their output goes to standard error.
static TO_STDERR: AtomicBool = AtomicBool::new(false);

/// Sends everything printed through [`stdout`] to standard error (`true`) or back.
pub fn to_stderr(on: bool) {
    TO_STDERR.store(on, Ordering::Relaxed);
}

/// Whether the reader of standard output went away.
pub fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

/// The first write error other than EPIPE, if any.
pub fn failure() -> Option<String> {
    FAILED.lock().ok().and_then(|g| g.clone())
}

/// Standard output that swallows EPIPE (and records it).
#[derive(Debug, Default, Clone, Copy)]
pub struct Stdout;

/// The process's standard output, EPIPE-safe.
pub fn stdout() -> Stdout {
    Stdout
}

fn filter<T>(r: io::Result<T>, done: T) -> io::Result<T> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed);
            Ok(done)
        }
        Err(e) => {
            if let Ok(mut g) = FAILED.lock() {
                g.get_or_insert_with(|| e.to_string());
            }
            Err(e)
        }
        ok => ok,
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if TO_STDERR.load(Ordering::Relaxed) {
            return io::stderr().write(buf);
        }
        if closed() {
            return Ok(buf.len());
        }
        filter(io::stdout().write(buf), buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        if TO_STDERR.load(Ordering::Relaxed) {
            return io::stderr().flush();
        }
        if closed() {
            return Ok(());
        }
        filter(io::stdout().flush(), ())
    }
}

/// `print!` for the commands: through [`stdout`], never a panic.
pub fn print_fmt(args: std::fmt::Arguments<'_>) {
    let _ = stdout().write_fmt(args);
}

/// The line `main` prints for a failed command, in the admin's language: the catalogue
/// message of errors that carry one, the error's own text otherwise.
pub fn error_line(e: &super::exit::CliError) -> String {
    use super::exit::CliError;
    use super::lang;
    let text = match e {
        CliError::Text(t) | CliError::RefusedText(t) => lang::with(|m| t.render(m)),
        CliError::Audit(a) => lang::with(|m| a.text().render(m)),
        // A change refused, a PKI file the planner could not read, a rollback: rhv-pki's
        // words in the admin's language (English: the error's Display, byte for byte).
        CliError::Change(c) => lang::with(|m| c.text().render(m)),
        CliError::Recover(r) => lang::with(|m| r.text().render(m)),
        CliError::Output(why) => {
            lang::tf("error-writing-report", &[("error", why.as_str().into())])
        }
        other => other.to_string(),
    };
    lang::tf("error-line", &[("error", text.as_str().into())])
}

/// The warning `main` prints when standard output could not be written.
pub fn stdout_warning(why: &str) -> String {
    super::lang::tf("error-stdout-warning", &[("error", why.into())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epipe_is_swallowed_and_recorded_other_errors_are_not() {
        assert_eq!(
            filter::<usize>(Err(io::ErrorKind::BrokenPipe.into()), 7).unwrap(),
            7
        );
        assert!(closed());
        assert!(filter::<()>(Err(io::Error::other("disk full")), ()).is_err());
        assert_eq!(failure().as_deref(), Some("disk full"));
        // Once closed, writes succeed without touching the real stdout.
        assert_eq!(stdout().write(b"dropped").unwrap(), 7);
    }
}
