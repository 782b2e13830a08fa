//! clap's usage errors in the admin's language. English is clap's own wording; for Japanese
//! the same facts (the error's kind and context: the argument, the value, the valid values,
//! the usage line) are rendered from the catalogue. Exit status and the Nagios / JSON answer
//! on stdout do not change with the language (main decides those).

use clap::error::{ContextKind as C, ContextValue as V, ErrorKind as K};
use rhv_pki::i18n::{Arg, Lang, Messages};

use super::lang::{lang, with};

fn context(e: &clap::Error, kind: C) -> Option<String> {
    e.get(kind).map(|v| match v {
        V::String(s) => s.clone(),
        V::Strings(v) => v.join(", "),
        V::StyledStr(s) => s.to_string(),
        V::StyledStrs(v) => v
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        V::Number(n) => n.to_string(),
        V::Bool(b) => b.to_string(),
        _ => String::new(),
    })
}

/// The text to print for `e` in this run's language, or `None` to let clap print its own
/// (English, help and version output, and kinds this does not word).
pub fn render(e: &clap::Error) -> Option<String> {
    if lang() != Lang::Ja || !e.use_stderr() {
        return None;
    }
    with(|m| render_ja(e, m))
}

fn render_ja(e: &clap::Error, m: &Messages) -> Option<String> {
    let t = |k: &str| m.get(k);
    let tf = |k: &str, a: &[(&str, Arg<'_>)]| m.fmt(k, a);
    let get = |k| context(e, k).unwrap_or_default();
    let (arg, value) = (get(C::InvalidArg), get(C::InvalidValue));
    let msg = match e.kind() {
        K::UnknownArgument => tf("usage-unknown-argument", &[("arg", arg.as_str().into())]),
        K::InvalidSubcommand => tf(
            "usage-unknown-subcommand",
            &[("name", get(C::InvalidSubcommand).as_str().into())],
        ),
        K::InvalidValue => tf(
            "usage-invalid-value",
            &[
                ("value", value.as_str().into()),
                ("arg", arg.as_str().into()),
                ("valid", get(C::ValidValue).as_str().into()),
            ],
        ),
        K::ValueValidation => {
            // rhv-pki's own value parsers say why in the catalogue's words.
            let reason = std::error::Error::source(e)
                .map(|s| {
                    if let Some(o) = s.downcast_ref::<rhv_pki::manager::endpoints::OverrideError>()
                    {
                        o.text().render(m)
                    } else if let Some(l) = s.downcast_ref::<rhv_pki::i18n::UnknownLang>() {
                        l.text().render(m)
                    } else {
                        s.to_string()
                    }
                })
                .unwrap_or_default();
            tf(
                "usage-value-validation",
                &[
                    ("value", value.as_str().into()),
                    ("arg", arg.as_str().into()),
                    ("reason", reason.as_str().into()),
                ],
            )
        }
        K::MissingRequiredArgument => {
            tf("usage-missing-required", &[("args", arg.as_str().into())])
        }
        K::ArgumentConflict => tf(
            "usage-conflict",
            &[
                ("arg", arg.as_str().into()),
                ("other", get(C::PriorArg).as_str().into()),
            ],
        ),
        K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues | K::NoEquals => {
            tf("usage-bad-values", &[("arg", arg.as_str().into())])
        }
        _ => return None,
    };
    let mut out = format!("{}: {msg}\n", t("usage-error"));
    if let Some(usage) = context(e, C::Usage) {
        // clap's usage line starts with its own (English) heading.
        let usage = usage.trim();
        let line = usage.strip_prefix("Usage:").unwrap_or(usage).trim_start();
        out.push_str(&format!("\n{} {line}\n", t("help-clap-usage")));
    }
    out.push_str(&format!("\n{}\n", t("usage-more")));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_usage_errors_keep_the_facts() {
        use clap::{Arg, Command};
        let m = Messages::new(Lang::Ja);
        let mut cmd = Command::new("rhv-pki")
            .arg(
                Arg::new("format")
                    .long("format")
                    .value_parser(["table", "json"]),
            )
            .arg(
                Arg::new("days")
                    .long("days")
                    .value_parser(clap::value_parser!(u32)),
            );
        let e = cmd
            .try_get_matches_from_mut(["rhv-pki", "--bogus"])
            .unwrap_err();
        let s = render_ja(&e, &m).unwrap();
        assert!(s.contains("--bogus") && s.contains("使い方:"), "{s}");
        assert!(!s.contains("unexpected argument"), "{s}");
        let e = cmd
            .try_get_matches_from_mut(["rhv-pki", "--format", "xml"])
            .unwrap_err();
        let s = render_ja(&e, &m).unwrap();
        assert!(s.contains("xml") && s.contains("table, json"), "{s}");
        let e = cmd
            .try_get_matches_from_mut(["rhv-pki", "--days", "-5"])
            .unwrap_err();
        let s = render_ja(&e, &m).unwrap();
        assert!(s.contains("-5"), "{s}");
    }
}
