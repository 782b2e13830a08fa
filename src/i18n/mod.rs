//! Human-readable text in the admin's language: English, or Japanese (the RHV guides our users
//! follow are the Japanese editions). Messages live in Fluent catalogues (`en.ftl`, `ja.ftl`
//! beside this file, embedded at build time), not in code; Project Fluent's `fluent-bundle`
//! formats them (plurals, variables).
//!
//! Only what a person reads goes through here: finding codes, JSON keys and values, exit codes
//! and the Prometheus / Nagios outputs never change with the language. The library never reads
//! the environment: the binary decides the language ([`Lang::from_locale`] with the values of
//! `LC_ALL`, `LC_MESSAGES` and `LANG`, or `--lang`) and passes it down.
//!
//! Tables mixing Japanese and ASCII align by display width (a kanji or kana takes two
//! columns): `width` and `pad`.

use std::fmt;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use unicode_width::UnicodeWidthStr;

/// The languages rhv-pki speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the default, and the reference catalogue).
    #[default]
    En,
    /// Japanese.
    Ja,
}

/// A `--lang` value that is not a language rhv-pki speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLang(pub(crate) String);

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown language {:?} (en or ja)", self.0)
    }
}

impl std::error::Error for UnknownLang {}

impl UnknownLang {
    /// The message in the admin's language (English: the `Display`, byte for byte).
    pub fn text(&self) -> Text {
        Text::new("cli2-unknown-lang").arg("lang", format!("{:?}", self.0))
    }
}

impl Lang {
    /// The language gettext would pick from these variables' values: the first non-empty of
    /// `LC_ALL`, `LC_MESSAGES`, `LANG`; Japanese when it names `ja` (`ja_JP.UTF-8`, `ja_JP`,
    /// `ja`), English otherwise (`C`, `POSIX`, `en_US.UTF-8`, unset). Whether that locale is
    /// installed on the machine does not matter: the catalogues are in the binary.
    pub fn from_locale(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Lang {
        let chosen = [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty());
        match chosen {
            Some(v) if Lang::language_of(v) == "ja" => Lang::Ja,
            _ => Lang::En,
        }
    }

    /// `ja_JP.UTF-8@modifier` → `ja`.
    fn language_of(locale: &str) -> &str {
        locale
            .split(['_', '.', '@', '-'])
            .next()
            .unwrap_or_default()
    }

    /// A `--lang` value: `en`, `ja`, or a locale name (`ja_JP.UTF-8`).
    pub fn parse(s: &str) -> Result<Lang, UnknownLang> {
        match Lang::language_of(s).to_ascii_lowercase().as_str() {
            "en" | "c" | "posix" => Ok(Lang::En),
            "ja" => Ok(Lang::Ja),
            _ => Err(UnknownLang(s.into())),
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => EN,
            Lang::Ja => JA,
        }
    }

    fn tag(self) -> unic_langid::LanguageIdentifier {
        let tag = match self {
            Lang::En => "en-US",
            Lang::Ja => "ja-JP",
        };
        // Both literals are valid BCP 47 tags; the default (und) only changes plural rules.
        tag.parse().unwrap_or_default()
    }
}

/// The English catalogue (the reference: every key exists in every catalogue).
pub const EN: &str = include_str!("en.ftl");
/// The Japanese catalogue.
pub const JA: &str = include_str!("ja.ftl");

/// The messages of one language, ready to format.
pub struct Messages {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
    /// English, for a key a catalogue lacks (the catalogue test forbids that; this keeps a
    /// user from ever seeing a bare key if one slips through).
    fallback: Option<FluentBundle<FluentResource>>,
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    // The catalogues are compiled in and checked by the tests: a parse error is a build defect,
    // and the entries that did parse are still used.
    let res = match FluentResource::try_new(lang.source().to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let mut b = FluentBundle::new(vec![lang.tag()]);
    // No Unicode bidi isolation marks around variables: terminals and logs show them as noise.
    b.set_use_isolating(false);
    let _ = b.add_resource(res);
    b
}

/// A message that could not be made as the catalogue says (see [`Messages::try_fmt`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The text made anyway (English, or the key itself).
    pub text: String,
    /// What went wrong.
    pub why: String,
}

/// A message argument.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    /// Text.
    Str(&'a str),
    /// A number (plural selection uses it).
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(s)
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}

impl From<u64> for Arg<'_> {
    fn from(n: u64) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl Messages {
    /// The catalogue of `lang`.
    pub fn new(lang: Lang) -> Messages {
        Messages {
            lang,
            bundle: bundle(lang),
            fallback: (lang != Lang::En).then(|| bundle(Lang::En)),
        }
    }

    /// Which language these are.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message `key` without arguments.
    pub fn get(&self, key: &str) -> String {
        self.fmt(key, &[])
    }

    /// The message `key` with `args` (`$name` in the catalogue).
    pub fn fmt(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.try_fmt(key, args).unwrap_or_else(|e| e.text)
    }

    /// [`fmt`](Messages::fmt), but a key this catalogue (or English) lacks, or a variable the
    /// message uses and `args` lacks, is an error carrying the text made anyway.
    pub fn try_fmt(&self, key: &str, args: &[(&str, Arg<'_>)]) -> Result<String, FormatError> {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::Str(s) => fa.set(*k, FluentValue::from(*s)),
                Arg::Num(n) => fa.set(*k, FluentValue::from(*n)),
            }
        }
        for (i, b) in std::iter::once(&self.bundle)
            .chain(self.fallback.as_ref())
            .enumerate()
        {
            if let Some(pattern) = b.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = b
                    .format_pattern(pattern, Some(&fa), &mut errors)
                    .into_owned();
                return if errors.is_empty() && i == 0 {
                    Ok(text)
                } else {
                    Err(FormatError {
                        text,
                        why: if errors.is_empty() {
                            format!("{key}: not in the {:?} catalogue", self.lang)
                        } else {
                            format!("{key}: {errors:?}")
                        },
                    })
                };
            }
        }
        Err(FormatError {
            text: key.to_string(),
            why: format!("{key}: no such message"),
        })
    }
}

/// A message to be rendered later, in whichever language the reader wants: its catalogue key
/// and its variables. The library builds these where it knows the evidence (a finding's
/// message, an action, an error) and keeps English for JSON and logs ([`Text::english`]); the
/// binary renders the same value in the admin's language ([`Text::render`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The catalogue key.
    pub key: &'static str,
    /// The variables, by name.
    pub args: Vec<(&'static str, Value)>,
}

/// A variable of a [`Text`]: evidence as text, or another message rendered in the same
/// language (an I/O error's cause inside an error line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Shown as is in every language.
    Str(String),
    /// Rendered in the reader's language.
    Text(Box<Text>),
}

/// An I/O error as a message: the common causes in the reader's language, with the system's
/// own text (English: exactly `e.to_string()`).
pub fn io_error(e: &std::io::Error) -> Text {
    // rhv-pki's own refusal (a directory, a FIFO, a file too large) is not the system's words.
    if let Some(r) = crate::pki::cert::ReadRefusal::of(e) {
        return r.text();
    }
    let key = match e.kind() {
        std::io::ErrorKind::NotFound => "io-not-found",
        std::io::ErrorKind::PermissionDenied => "io-permission-denied",
        std::io::ErrorKind::IsADirectory => "io-is-a-directory",
        std::io::ErrorKind::NotADirectory => "io-not-a-directory",
        _ => "io-other",
    };
    Text::new(key).arg("error", e)
}

thread_local! {
    static ENGLISH: Messages = Messages::new(Lang::En);
}

impl Text {
    /// The message `key` without variables yet.
    pub fn new(key: &'static str) -> Text {
        Text {
            key,
            args: Vec::new(),
        }
    }

    /// Words as they came (the system's, a tool's, the Manager's, or a value written before),
    /// shown the same in every language (`reason-verbatim`).
    pub fn verbatim(words: impl fmt::Display) -> Text {
        Text::new("reason-verbatim").arg("reason", words)
    }

    /// Adds the variable `name`.
    pub fn arg(mut self, name: &'static str, value: impl fmt::Display) -> Text {
        self.args.push((name, Value::Str(value.to_string())));
        self
    }

    /// Adds the variable `name` as a message of its own, rendered in the same language.
    pub fn arg_text(mut self, name: &'static str, value: Text) -> Text {
        self.args.push((name, Value::Text(Box::new(value))));
        self
    }

    /// The variables as `m` renders them.
    pub fn rendered_args(&self, m: &Messages) -> Vec<(&'static str, String)> {
        self.args
            .iter()
            .map(|(k, v)| match v {
                Value::Str(s) => (*k, s.clone()),
                Value::Text(t) => (*k, t.render(m)),
            })
            .collect()
    }

    /// The text in the language of `m`.
    pub fn render(&self, m: &Messages) -> String {
        let owned = self.rendered_args(m);
        let args: Vec<(&str, Arg<'_>)> = owned
            .iter()
            .map(|(k, v)| (*k, Arg::Str(v.as_str())))
            .collect();
        m.fmt(self.key, &args)
    }

    /// The English text (JSON, logs, the Nagios line).
    pub fn english(&self) -> String {
        ENGLISH.with(|m| self.render(m))
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}

/// Columns `s` takes on a terminal (a kanji or kana takes two).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` followed by spaces up to `w` columns (nothing added when it is already wider).
pub fn pad(s: &str, w: usize) -> String {
    let mut out = String::with_capacity(s.len() + w);
    out.push_str(s);
    for _ in width(s)..w {
        out.push(' ');
    }
    out
}

/// Helpers for the catalogue tests of every layer (each error family's `text()` is checked
/// against its Display and for a Japanese entry).
#[cfg(test)]
pub(crate) mod testing {
    use super::{Arg, Messages, Text, Value};

    /// `t` in the language of `m`, every message (nested ones too) from that catalogue with
    /// every variable given: a missing key or variable fails instead of falling back.
    pub(crate) fn strict(m: &Messages, t: &Text) -> String {
        let owned: Vec<(&str, String)> = t
            .args
            .iter()
            .map(|(k, v)| match v {
                Value::Str(s) => (*k, s.clone()),
                Value::Text(n) => (*k, strict(m, n)),
            })
            .collect();
        let args: Vec<(&str, Arg<'_>)> = owned.iter().map(|(k, v)| (*k, Arg::Str(v))).collect();
        m.try_fmt(t.key, &args)
            .unwrap_or_else(|e| panic!("{:?}: {}", m.lang(), e.why))
    }

    /// Whether `s` has kana or kanji.
    pub(crate) fn japanese(s: &str) -> bool {
        s.chars().any(|c| {
            ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn an_unknown_language_keeps_its_english_and_has_japanese() {
        let e = Lang::parse("xx").unwrap_err();
        let (en, ja) = (Messages::new(Lang::En), Messages::new(Lang::Ja));
        assert_eq!(e.text().english(), e.to_string());
        assert_eq!(testing::strict(&en, &e.text()), e.to_string());
        let j = testing::strict(&ja, &e.text());
        assert!(
            testing::japanese(&j) && j.contains("\"xx\"") && j.contains("en"),
            "{j}"
        );
    }

    use fluent_syntax::ast;

    /// Every message of a catalogue with the variables it uses.
    fn keys(src: &str) -> BTreeMap<String, BTreeSet<String>> {
        let res = match FluentResource::try_new(src.to_string()) {
            Ok(r) => r,
            Err((_, e)) => panic!("catalogue does not parse: {e:?}"),
        };
        fn vars_of(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
            for el in &p.elements {
                if let ast::PatternElement::Placeable { expression } = el {
                    vars_expr(expression, out);
                }
            }
        }
        fn vars_inline(e: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
            match e {
                ast::InlineExpression::VariableReference { id } => {
                    out.insert(id.name.to_string());
                }
                ast::InlineExpression::Placeable { expression } => vars_expr(expression, out),
                _ => {}
            }
        }
        fn vars_expr(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
            match e {
                ast::Expression::Select { selector, variants } => {
                    vars_inline(selector, out);
                    for v in variants {
                        vars_of(&v.value, out);
                    }
                }
                ast::Expression::Inline(i) => vars_inline(i, out),
            }
        }
        let mut m = BTreeMap::new();
        for entry in res.entries() {
            if let ast::Entry::Message(msg) = entry {
                let mut vars = BTreeSet::new();
                if let Some(v) = &msg.value {
                    vars_of(v, &mut vars);
                }
                assert!(
                    m.insert(msg.id.name.to_string(), vars).is_none(),
                    "duplicate key {}",
                    msg.id.name
                );
            }
        }
        m
    }

    #[test]
    fn every_key_exists_in_both_catalogues_with_the_same_variables() {
        let en = keys(EN);
        let ja = keys(JA);
        assert!(en.len() >= 20, "{}", en.len());
        let en_keys: BTreeSet<_> = en.keys().collect();
        let ja_keys: BTreeSet<_> = ja.keys().collect();
        assert_eq!(en_keys, ja_keys, "keys differ between en.ftl and ja.ftl");
        for (k, vars) in &en {
            assert_eq!(&ja[k], vars, "variables of {k} differ");
        }
    }

    #[test]
    fn japanese_text_is_japanese_and_english_is_english() {
        let ja = Messages::new(Lang::Ja);
        let en = Messages::new(Lang::En);
        assert_eq!(ja.get("term-global-maintenance"), "グローバルメンテナンス");
        assert_eq!(ja.get("term-maintenance"), "メンテナンスモード");
        assert_eq!(ja.get("term-enroll-certificate"), "証明書の登録");
        assert_eq!(en.get("term-enroll-certificate"), "Enroll Certificate");
        // Variables without bidi isolation marks, plurals in English.
        assert_eq!(
            en.fmt("upgrade-check-failed", &[("count", 1usize.into())]),
            "one pre-check failed; nothing was changed"
        );
        assert_eq!(
            en.fmt("upgrade-check-failed", &[("count", 3usize.into())]),
            "3 pre-checks failed; nothing was changed"
        );
        assert_eq!(
            ja.fmt("upgrade-check-failed", &[("count", 3usize.into())]),
            "事前チェックが 3 件失敗しました。何も変更していません"
        );
        // A key no catalogue has comes back as itself, never as an empty string.
        assert_eq!(ja.get("no-such-key"), "no-such-key");
    }

    #[test]
    fn the_locale_is_read_as_gettext_does() {
        use Lang::*;
        assert_eq!(Lang::from_locale(None, None, Some("ja_JP.UTF-8")), Ja);
        assert_eq!(Lang::from_locale(None, None, Some("ja_JP.eucJP")), Ja);
        assert_eq!(Lang::from_locale(None, None, Some("ja")), Ja);
        assert_eq!(Lang::from_locale(None, None, Some("en_US.UTF-8")), En);
        assert_eq!(Lang::from_locale(None, None, None), En);
        // LC_ALL wins over LC_MESSAGES, which wins over LANG; empty values are skipped.
        assert_eq!(
            Lang::from_locale(Some("C"), Some("ja_JP.UTF-8"), Some("ja_JP.UTF-8")),
            En
        );
        assert_eq!(
            Lang::from_locale(Some(""), Some("ja_JP.UTF-8"), Some("C")),
            Ja
        );
        assert_eq!(
            Lang::from_locale(None, Some("C.UTF-8"), Some("ja_JP.UTF-8")),
            En
        );
        // Not a prefix match: "jav" (Javanese) is not Japanese.
        assert_eq!(Lang::from_locale(None, None, Some("jv_ID.UTF-8")), En);
        assert_eq!(Lang::parse("ja"), Ok(Ja));
        assert_eq!(Lang::parse("ja_JP.UTF-8"), Ok(Ja));
        assert_eq!(Lang::parse("EN"), Ok(En));
        assert!(Lang::parse("fr")
            .unwrap_err()
            .to_string()
            .contains("\"fr\""));
    }

    #[test]
    fn padding_counts_double_width_characters() {
        assert_eq!(width("役割"), 4);
        assert_eq!(width("CN"), 2);
        assert_eq!(pad("役割", 6), "役割  ");
        assert_eq!(pad("ROLE", 6), "ROLE  ");
        assert_eq!(width(&pad("署名アルゴリズム", 10)), 16);
    }
}
