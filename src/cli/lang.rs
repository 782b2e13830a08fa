//! The language of everything a person reads, decided once per process (binary only).
//!
//! `main` calls [`init`] before clap parses anything, so help texts and clap's own errors can be
//! translated too: `--lang` (global, `en`, `ja` or a locale name) wins; otherwise `LC_ALL`,
//! `LC_MESSAGES` and `LANG` are read as gettext does ([`Lang::from_locale`]). Command modules
//! then ask [`t`] / [`tf`] for their text. JSON, finding codes, exit codes and the Prometheus /
//! Nagios outputs never go through here.

use std::cell::OnceCell;
use std::ffi::OsString;
use std::sync::OnceLock;

use rhv_pki::i18n::{Arg, Lang, Messages, UnknownLang};

static LANG: OnceLock<Lang> = OnceLock::new();

thread_local! {
    // fluent's bundle is not Sync: each thread that prints builds its own once.
    static MESSAGES: OnceCell<Messages> = const { OnceCell::new() };
}

/// The `--lang` value in `args` (`--lang ja`, `--lang=ja`), before clap has parsed them; the
/// scan stops at `--`. `None` when absent; an unknown value is clap's to report (the flag's
/// value parser refuses it with a usage error).
pub fn from_args(args: &[OsString]) -> Option<Result<Lang, UnknownLang>> {
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Some(Lang::parse(v));
        }
        if a == "--lang" {
            return it.next().map(|v| Lang::parse(&v));
        }
    }
    None
}

/// The language of this run: `--lang` when given and valid, else the locale variables read by
/// `env` (`std::env::var` in `main`).
pub fn decide(args: &[OsString], env: impl Fn(&str) -> Option<String>) -> Lang {
    match from_args(args) {
        Some(Ok(l)) => l,
        _ => Lang::from_locale(
            env("LC_ALL").as_deref(),
            env("LC_MESSAGES").as_deref(),
            env("LANG").as_deref(),
        ),
    }
}

/// Fixes the language for the rest of the process (the first call wins).
pub fn init(lang: Lang) {
    let _ = LANG.set(lang);
}

/// The language of this run (English before [`init`]).
pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// Runs `f` with this thread's catalogue.
pub fn with<R>(f: impl FnOnce(&Messages) -> R) -> R {
    MESSAGES.with(|m| f(m.get_or_init(|| Messages::new(lang()))))
}

/// The message `key`.
pub fn t(key: &str) -> String {
    with(|m| m.get(key))
}

/// The message `key` with its variables.
pub fn tf(key: &str, args: &[(&str, Arg<'_>)]) -> String {
    with(|m| m.fmt(key, args))
}

/// A finding's message as a person reads it: English keeps the finding's own message (what
/// JSON says); another language renders the problem's catalogue message from the evidence.
pub fn finding_message(f: &rhv_pki::audit::Finding) -> String {
    match lang() {
        Lang::En => f.message.clone(),
        _ => with(|m| f.problem.text().render(m)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_flag_wins_over_the_locale_and_the_locale_is_read_as_gettext_does() {
        let ja_env = |k: &str| (k == "LANG").then(|| "ja_JP.UTF-8".to_string());
        let no_env = |_: &str| None;
        assert_eq!(decide(&args(&["rhv-pki", "audit"]), ja_env), Lang::Ja);
        assert_eq!(decide(&args(&["rhv-pki", "audit"]), no_env), Lang::En);
        assert_eq!(
            decide(&args(&["rhv-pki", "--lang", "en", "audit"]), ja_env),
            Lang::En
        );
        assert_eq!(
            decide(&args(&["rhv-pki", "audit", "--lang=ja"]), no_env),
            Lang::Ja
        );
        // LC_ALL=C beats LANG=ja_JP.UTF-8, as in gettext.
        let c_over_ja = |k: &str| match k {
            "LC_ALL" => Some("C".to_string()),
            "LANG" => Some("ja_JP.UTF-8".to_string()),
            _ => None,
        };
        assert_eq!(decide(&args(&["rhv-pki"]), c_over_ja), Lang::En);
        // After `--` a "--lang" is an operand, not the flag.
        assert_eq!(
            decide(&args(&["rhv-pki", "--", "--lang", "ja"]), no_env),
            Lang::En
        );
        // A bad value falls back to the locale here; clap then refuses it as a usage error.
        assert!(matches!(
            from_args(&args(&["rhv-pki", "--lang", "fr"])),
            Some(Err(_))
        ));
    }
}
