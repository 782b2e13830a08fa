//! `--help` in the admin's language (binary only). The English texts are the derive's (doc
//! comments: they also make the man page and the completions, which stay English); for
//! Japanese, [`command`] walks the clap tree before anything is parsed and replaces every text
//! with its catalogue entry. Keys come from the command path and the argument id:
//! `help-resign-about`, `help-resign-long-about`, `help-resign-arg-yes` (`-long` for the long
//! help, `-value-V` for a possible value's help), `help-hosts-enroll-arg-max-parallel`; the
//! top command's are `help-about`, `help-arg-lang`…; headings are `help-heading-<slug of the
//! English heading>`. [`texts`] lists every key with its English text: the tests check that
//! en.ftl holds exactly those texts and ja.ftl a translation of each, so a new flag cannot be
//! added without one.

use clap::builder::PossibleValue;
use clap::{Arg, Command, CommandFactory};
use rhv_pki::i18n::{Lang, Messages};

use super::Cli;

/// One translatable text of the command tree.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The catalogue key.
    pub key: String,
    /// The English text (what the derive gives clap).
    pub en: String,
}

/// `dry_run` → `dry-run`; `Maintenance cycle (the live PKI, or --cycle)` →
/// `maintenance-cycle-the-live-pki-or-cycle`.
fn slug(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

fn prefix(path: &[String]) -> String {
    if path.is_empty() {
        "help".to_string()
    } else {
        format!("help-{}", path.join("-"))
    }
}

/// The key of a help heading.
pub fn heading_key(heading: &str) -> String {
    format!("help-heading-{}", slug(heading))
}

/// clap's own arguments and commands (their words are set by [`fixed_words`]).
fn builtin_arg(a: &Arg) -> bool {
    matches!(a.get_id().as_str(), "help" | "version")
}

#[cfg(test)]
/// Every translatable text of `cmd` (unbuilt: clap's own `--help` / `--version` are not in
/// it yet), in tree order, headings once each.
pub fn texts(cmd: &Command) -> Vec<Text> {
    let mut out = Vec::new();
    walk_texts(cmd, &mut Vec::new(), &mut out);
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|t| seen.insert(t.key.clone()));
    out
}

#[cfg(test)]
fn walk_texts(cmd: &Command, path: &mut Vec<String>, out: &mut Vec<Text>) {
    let p = prefix(path);
    let mut push = |key: String, s: Option<String>| {
        if let Some(en) = s.filter(|s| !s.is_empty()) {
            out.push(Text { key, en });
        }
    };
    push(format!("{p}-about"), cmd.get_about().map(|s| s.to_string()));
    push(
        format!("{p}-long-about"),
        cmd.get_long_about().map(|s| s.to_string()),
    );
    push(
        format!("{p}-after-help"),
        cmd.get_after_help().map(|s| s.to_string()),
    );
    push(
        format!("{p}-after-long-help"),
        cmd.get_after_long_help().map(|s| s.to_string()),
    );
    for a in cmd.get_arguments().filter(|a| !builtin_arg(a)) {
        let k = format!("{p}-arg-{}", slug(a.get_id().as_str()));
        push(k.clone(), a.get_help().map(|s| s.to_string()));
        push(
            format!("{k}-long"),
            a.get_long_help().map(|s| s.to_string()),
        );
        if a.get_action().takes_values() && !a.is_hide_possible_values_set() {
            for v in a.get_possible_values() {
                push(
                    format!("{k}-value-{}", slug(v.get_name())),
                    v.get_help().map(|s| s.to_string()),
                );
            }
        }
        if let Some(h) = a.get_help_heading() {
            push(heading_key(h), Some(h.to_string()));
        }
    }
    for sc in cmd.get_subcommands() {
        path.push(slug(sc.get_name()));
        walk_texts(sc, path, out);
        path.pop();
    }
}

/// The command tree to parse with: the derive's, with every text in `lang`.
pub fn command(lang: Lang) -> Command {
    let cmd = Cli::command();
    if lang == Lang::En {
        return cmd;
    }
    let m = Messages::new(lang);
    let mut cmd = localize(cmd, &mut Vec::new(), &m);
    // clap adds --help, --version and the `help` subcommand while building: their words next.
    cmd.build();
    fixed_words(cmd, &m)
}

fn localize(cmd: Command, path: &mut Vec<String>, m: &Messages) -> Command {
    let p = prefix(path);
    let tr = |key: String| m.get(&key);
    let mut cmd = cmd;
    if cmd.get_about().is_some() {
        cmd = cmd.about(tr(format!("{p}-about")));
    }
    if cmd.get_long_about().is_some() {
        cmd = cmd.long_about(tr(format!("{p}-long-about")));
    }
    if cmd.get_after_help().is_some() {
        cmd = cmd.after_help(tr(format!("{p}-after-help")));
    }
    if cmd.get_after_long_help().is_some() {
        cmd = cmd.after_long_help(tr(format!("{p}-after-long-help")));
    }
    cmd = cmd.mut_args(|a| {
        if builtin_arg(&a) {
            return a;
        }
        localize_arg(a, &p, m)
    });
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        path.push(slug(&name));
        cmd = cmd.mut_subcommand(&name, |sc| localize(sc, path, m));
        path.pop();
    }
    cmd
}

fn localize_arg(a: Arg, p: &str, m: &Messages) -> Arg {
    let k = format!("{p}-arg-{}", slug(a.get_id().as_str()));
    let mut help = a.get_help().map(|_| m.get(&k));
    let mut long = a.get_long_help().map(|_| m.get(&format!("{k}-long")));
    // Possible values with their own help: listed in the translated long help (clap's
    // "Possible values:" block would stay English).
    let values: Vec<PossibleValue> = a
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .collect();
    let mut a = a;
    if a.get_action().takes_values() && !a.is_hide_possible_values_set() && !values.is_empty() {
        let names: Vec<&str> = values.iter().map(|v| v.get_name()).collect();
        let short = m.fmt(
            "help-possible-values",
            &[("values", names.join(", ").as_str().into())],
        );
        let mut block = String::new();
        if values.iter().any(|v| v.get_help().is_some()) {
            block.push_str(&m.get("help-possible-values-heading"));
            for v in &values {
                block.push_str(&format!("\n- {}", v.get_name()));
                if v.get_help().is_some() {
                    let vk = format!("{k}-value-{}", slug(v.get_name()));
                    block.push_str(&format!(": {}", m.get(&vk)));
                }
            }
        } else {
            block = short.clone();
        }
        let base = long.clone().or_else(|| help.clone()).unwrap_or_default();
        long = Some(if base.is_empty() {
            block
        } else {
            format!("{base}\n\n{block}")
        });
        help = Some(match help {
            Some(h) => format!("{h} {short}"),
            None => short,
        });
        a = a.hide_possible_values(true);
    }
    // clap's "[default: …]" in `m`'s language.
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if a.get_action().takes_values() && !a.is_hide_default_value_set() && !defaults.is_empty() {
        let d = m.fmt(
            "help-clap-default",
            &[("value", defaults.join(", ").as_str().into())],
        );
        help = help.map(|h| format!("{h} {d}"));
        long = long.map(|l| format!("{l} {d}"));
        a = a.hide_default_value(true);
    }
    if let Some(h) = help {
        a = a.help(h);
    }
    if let Some(l) = long {
        a = a.long_help(l);
    }
    if let Some(h) = a.get_help_heading().map(str::to_string) {
        a = a.help_heading(m.get(&heading_key(&h)));
    }
    a
}

/// clap's own words: the usage and section headings, `--help`, `--version`, the `help`
/// subcommand.
fn fixed_words(cmd: Command, m: &Messages) -> Command {
    let options = m.get("help-clap-options");
    let arguments = m.get("help-clap-arguments");
    // clap's default template with its "Usage:" heading in `m`'s language.
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        m.get("help-clap-usage")
    );
    let mut cmd = cmd
        .help_template(template)
        .subcommand_help_heading(m.get("help-clap-commands"))
        .mut_args(|a| {
            let a = match a.get_id().as_str() {
                "help" => a
                    .help(m.get("help-clap-help"))
                    .long_help(m.get("help-clap-help-long")),
                "version" => a.help(m.get("help-clap-version")),
                _ => a,
            };
            if a.get_help_heading().is_some() {
                a
            } else if a.is_positional() {
                a.help_heading(arguments.clone())
            } else {
                a.help_heading(options.clone())
            }
        });
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(&name, |sc| {
            let sc = if name == "help" && sc.get_arguments().all(|a| a.is_positional()) {
                sc.about(m.get("help-clap-help-command"))
            } else {
                sc
            };
            fixed_words(sc, m)
        });
    }
    cmd
}

/// `key = text` as a Fluent entry that reads back as `text` (braces and line-leading `[`,
/// `*`, `.` escaped; several lines as an indented block).
#[cfg(test)]
pub fn ftl_entry(key: &str, text: &str) -> String {
    let esc = |line: &str| {
        let mut o = String::new();
        for (i, c) in line.chars().enumerate() {
            match c {
                '{' => o.push_str("{\"{\"}"),
                '}' => o.push_str("{\"}\"}"),
                '[' | '*' | '.' if i == 0 => o.push_str(&format!("{{\"{c}\"}}")),
                c => o.push(c),
            }
        }
        o
    };
    if !text.contains('\n') {
        return format!("{key} = {}", esc(text));
    }
    let mut s = format!("{key} =");
    for line in text.split('\n') {
        s.push('\n');
        if !line.is_empty() {
            s.push_str("    ");
            s.push_str(&esc(line));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_fluent_identifiers() {
        assert_eq!(slug("dry_run"), "dry-run");
        assert_eq!(
            slug("Maintenance cycle (the live PKI, or --cycle)"),
            "maintenance-cycle-the-live-pki-or-cycle"
        );
        assert_eq!(
            prefix(&["hosts".into(), "enroll".into()]),
            "help-hosts-enroll"
        );
    }

    fn catalogue(src: &str) -> std::collections::BTreeMap<String, String> {
        use fluent_syntax::ast;
        let res = fluent_syntax::parser::parse(src).unwrap_or_else(|(r, _)| r);
        let keys: Vec<String> = res
            .body
            .iter()
            .filter_map(|e| match e {
                ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect();
        let lang = if src == rhv_pki::i18n::JA {
            Lang::Ja
        } else {
            Lang::En
        };
        let m = Messages::new(lang);
        keys.into_iter().map(|k| (k.clone(), m.get(&k))).collect()
    }

    /// Every command, argument, possible value and heading of the tree has its text in both
    /// catalogues, the English one equal to the doc comment (so a new flag, or a changed
    /// text, cannot go without its Japanese), and no catalogue keeps a help text the tree
    /// no longer has.
    #[test]
    fn every_help_text_is_in_both_catalogues_and_english_matches_the_code() {
        let en = catalogue(rhv_pki::i18n::EN);
        let ja = catalogue(rhv_pki::i18n::JA);
        let all = texts(&Cli::command());
        assert!(all.len() > 300, "{}", all.len());
        let mut missing = Vec::new();
        for t in &all {
            match en.get(&t.key) {
                Some(v) if v == &t.en => {}
                Some(v) => missing.push(format!(
                    "en.ftl {} differs:\n  code: {:?}\n  ftl:  {:?}\n  entry for en.ftl:\n{}",
                    t.key,
                    t.en,
                    v,
                    ftl_entry(&t.key, &t.en)
                )),
                None => missing.push(format!(
                    "en.ftl lacks {}; its entry:\n{}",
                    t.key,
                    ftl_entry(&t.key, &t.en)
                )),
            }
            match ja.get(&t.key) {
                Some(v) if !v.is_empty() && v != &t.key && v != &t.en => {}
                _ => missing.push(format!("ja.ftl lacks a translation of {}", t.key)),
            }
        }
        let keys: std::collections::BTreeSet<&str> = all.iter().map(|t| t.key.as_str()).collect();
        for k in en.keys().filter(|k| {
            k.starts_with("help-")
                && !k.starts_with("help-clap-")
                && !k.starts_with("help-possible-")
        }) {
            if !keys.contains(k.as_str()) {
                missing.push(format!("en.ftl has {k}, which no command or argument uses"));
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }

    /// The translated tree passes clap's own consistency checks and renders every command's
    /// help in Japanese.
    #[test]
    fn the_japanese_tree_is_valid_and_its_help_is_japanese() {
        let mut cmd = command(Lang::Ja);
        cmd.clone().debug_assert();
        fn each(cmd: &mut Command, path: &str, out: &mut Vec<(String, String)>) {
            out.push((path.to_string(), cmd.render_long_help().to_string()));
            let names: Vec<String> = cmd
                .get_subcommands()
                .map(|s| s.get_name().to_string())
                .collect();
            for n in names {
                if let Some(sc) = cmd.find_subcommand_mut(&n) {
                    each(sc, &format!("{path} {n}"), out);
                }
            }
        }
        let mut all = Vec::new();
        each(&mut cmd, "rhv-pki", &mut all);
        assert!(all.len() > 15, "{}", all.len());
        for (path, help) in &all {
            assert!(help.contains("使い方:"), "{path}:\n{help}");
            if path.split(' ').any(|w| w == "help") {
                // clap's `help` subcommand: no options of its own.
                continue;
            }
            assert!(help.contains("オプション:"), "{path}:\n{help}");
            assert!(
                !help.contains("Usage:") && !help.contains("Options:"),
                "{path}:\n{help}"
            );
            assert!(!help.contains("Print help"), "{path}:\n{help}");
        }
        let resign = &all.iter().find(|(p, _)| p == "rhv-pki resign").unwrap().1;
        assert!(resign.contains("グローバルメンテナンス"), "{resign}");
        assert!(resign.contains("確認せずに適用します"), "{resign}");
        assert!(!resign.contains("Apply without asking"), "{resign}");
    }
}
