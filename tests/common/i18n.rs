//! What the Japanese tests (tests/i18n_*.rs) share: how they ask for a language, the error line,
//! the English words left in a line, and whether a line is Japanese at all.

use std::collections::BTreeSet;

/// The English words of `s`: lowercase ASCII-letter runs of 3 or more, not part of a
/// technical token.
pub fn words(s: &str) -> BTreeSet<String> {
    s.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '[' | ']' | '\'' | '"')
    })
    .map(|t| t.trim_end_matches([':', '.', '!', '?']))
    .filter(|t| t.len() >= 3 && t.chars().all(|c| c.is_ascii_lowercase()))
    .map(str::to_string)
    .collect()
}

/// Whether `s` has kana or kanji.
pub fn japanese(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// How a test asks for Japanese: not at all (`LANG=C`), by the locale (`LANG=ja_JP.UTF-8`),
/// or by the flag (`--lang ja`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    C,
    JaLocale,
    JaFlag,
}

/// The last line a run wrote on stderr (its error line).
pub fn last_err_line(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}
