//! The reasons and notes the library writes into a plan (`why:`, a skipped certificate's
//! reason, the plan's notes) are English data: the JSON documents carry them as they are. For
//! the text a person reads, [`shown`] puts them in the admin's language: each `; `-separated
//! part is matched against the English of the `phrase-*` messages of the catalogue (their
//! variables match any text, the `rest` variable is itself translated) and, when one matches,
//! printed as that message in the admin's language. A part no phrase matches stays English.

use rhv_pki::i18n::{Arg, Lang, Messages};

use super::lang::{lang, t, tf};

/// Every phrase: its key and its variables (any order). `rest` is translated in turn.
const PHRASES: &[(&str, &[&str])] = &[
    ("phrase-resign-sha256", &["rest"]),
    ("phrase-resign-keep", &["rest"]),
    ("phrase-openssh-colon", &["file", "rest"]),
    ("phrase-openssh-missing", &["file", "pub"]),
    ("phrase-openssh", &["file", "rest"]),
    ("phrase-nothing-to-fix-entity", &["alg", "time"]),
    ("phrase-nothing-to-fix", &["alg", "time"]),
    ("phrase-signed-by-not-ca", &["by", "ca"]),
    ("phrase-signed", &["alg"]),
    ("phrase-expires-in", &["days", "window"]),
    ("phrase-expired-ago", &["days"]),
    ("phrase-new-not-after", &["time"]),
    ("phrase-not-after-stays", &["time"]),
    ("phrase-not-due", &["time"]),
    ("phrase-p12-legacy", &["file", "format"]),
    ("phrase-p12-friendly-name", &["file"]),
    ("phrase-web-too-long", &["days", "max"]),
    ("phrase-no-san", &[]),
    ("phrase-san-lacks", &["name"]),
    ("phrase-not-before", &["time"]),
    ("phrase-force", &[]),
    ("phrase-third-party", &["issuer", "ca"]),
    ("phrase-already-named", &["alg"]),
    ("phrase-already-forced", &["name", "alg"]),
    ("phrase-resigned-keeping", &[]),
    ("phrase-renew-at-ca", &[]),
    ("phrase-restart-engine-first", &[]),
    ("phrase-ca-resigned", &[]),
    ("phrase-reenroll-before", &["time"]),
    ("phrase-ca-had-expired", &["time"]),
    ("phrase-recover-first", &[]),
    ("phrase-vmconsole-copy", &["file", "name", "copy"]),
    ("phrase-copy-afterwards", &[]),
    // block hostsf: the planner's notes on apache-ca.pem, links, the vmconsole key, a file it
    // could not read (rhv-pki's refusals inside), and `--new-key`'s reason.
    ("hostsf-phrase-apache-copy", &[]),
    ("hostsf-phrase-copy-key-afterwards", &["name", "path"]),
    ("hostsf-phrase-new-key-asked", &[]),
    ("hostsf-phrase-link-followed", &["file", "target"]),
    ("hostsf-phrase-cannot-read", &["path", "rest"]),
    ("hostsf-phrase-no-certificate", &["path"]),
    ("hostsf-phrase-truncated-pem", &["path", "label", "offset"]),
    ("hostsf-phrase-bad-base64", &["path", "label", "reason"]),
    ("hostsf-read-directory", &[]),
    ("hostsf-read-fifo", &[]),
    ("hostsf-read-socket", &[]),
    ("hostsf-read-device", &[]),
    ("hostsf-read-not-regular", &[]),
    ("hostsf-read-too-large", &["limit"]),
    ("cycle-not-live", &[]),
    ("phrase-host-sha1", &["alg"]),
    ("phrase-host-chain", &[]),
    ("phrase-host-no-san", &[]),
    ("phrase-host-san-mismatch", &[]),
    ("phrase-host-expiring", &["time", "days"]),
    ("phrase-host-expired", &["time"]),
    ("phrase-host-issued-before", &["time"]),
    ("phrase-host-unreadable", &["error"]),
    ("phrase-host-not-probed", &[]),
    ("phrase-host-selected", &[]),
    ("enroll-up-to-date", &["serial", "signature"]),
    ("progress-lock-backup", &[]),
    ("progress-verify-written", &[]),
    ("progress-issuing", &["name", "serial"]),
    ("progress-new-key", &["name"]),
    ("progress-resign-ca", &["name"]),
    ("progress-apache-ca", &[]),
    ("progress-openssh", &["file", "type"]),
    ("progress-maintenance-on", &["via"]),
    ("progress-writing", &[]),
    ("progress-verifying", &["count"]),
    ("progress-maintenance-off", &[]),
    ("state-on-left-on", &[]),
    ("state-kept-on", &["command"]),
    ("state-clear-it", &["command"]),
    ("state-not-cleared", &[]),
    ("state-off-as-found", &[]),
    ("state-unknown", &[]),
    ("state-off", &[]),
    ("state-was-on-before", &[]),
    ("manual-on-he-host", &["command"]),
    ("manual-if-he", &["command"]),
    ("unit-not-installed", &[]),
    ("unit-masked", &[]),
    ("unit-disabled", &[]),
    ("change-interrupted-pending", &["backup"]),
    // The re-sign's notes and skips, `hosts enroll`'s left-out hosts (the library's English;
    // the specific ones before the generic ones).
    ("phrase-vmconsole-kept", &["files"]),
    ("phrase-apache-other-ca", &["subject"]),
    ("phrase-left-as-is", &[]),
    ("phrase-skip-non-responsive", &[]),
    ("phrase-skip-status", &["status"]),
    ("phrase-skip-pinned", &["vm"]),
    ("phrase-wave-last-up", &["cluster"]),
    ("phrase-wave-capacity", &["vm", "cluster", "free"]),
    ("phrase-wave-he", &["rest"]),
    ("phrase-he-no-other", &[]),
    ("phrase-he-agent-inactive", &["host"]),
    ("phrase-he-score", &["host", "score"]),
    ("phrase-he-local-maintenance", &["host"]),
    ("phrase-he-no-room", &["host", "free", "need"]),
    ("phrase-he-out-together", &["host"]),
    ("phrase-he-not-up", &["host"]),
    ("phrase-up-prechecks", &[]),
    ("phrase-up-nothing-changes", &[]),
    ("phrase-up-conf-set", &["value", "line"]),
    ("phrase-up-conf-add", &[]),
    ("phrase-up-conf-done", &[]),
    ("phrase-up-resign", &[]),
    ("phrase-up-cycle", &[]),
    ("phrase-up-cycle-not-live-plan", &[]),
    ("phrase-up-cycle-not-live", &[]),
    ("phrase-up-enroll", &["count"]),
    ("phrase-up-enroll-later", &[]),
    ("phrase-up-enroll-skip", &[]),
    ("phrase-up-final", &[]),
    ("phrase-up-prechecks-passed", &[]),
    ("phrase-up-resigned", &[]),
    ("phrase-up-enrolled", &[]),
    ("phrase-up-restarted", &[]),
    ("phrase-up-no-service-certs", &[]),
    ("phrase-up-nothing-resigned", &[]),
    ("phrase-up-every-excluded", &[]),
    ("phrase-up-final-done", &["count", "sha1"]),
    ("phrase-up-still-critical", &["names"]),
    ("phrase-up-signal", &["code"]),
    ("phrase-up-exit", &["code", "status"]),
];

/// The English text of `key` split at its variables: literal, variable, literal, …
pub(super) fn template(en: &Messages, key: &str, vars: &[&str]) -> (Vec<String>, Vec<String>) {
    let marks: Vec<String> = (0..vars.len()).map(|i| format!("\u{1}{i}\u{1}")).collect();
    let args: Vec<(&str, Arg<'_>)> = vars
        .iter()
        .zip(&marks)
        .map(|(v, m)| (*v, Arg::Str(m.as_str())))
        .collect();
    let text = en.fmt(key, &args);
    let mut lits = Vec::new();
    let mut order = Vec::new();
    let mut rest = text.as_str();
    loop {
        let next = marks
            .iter()
            .enumerate()
            .filter_map(|(i, m)| rest.find(m.as_str()).map(|p| (p, i, m.len())))
            .min();
        match next {
            Some((p, i, len)) => {
                lits.push(rest[..p].to_string());
                order.push(vars[i].to_string());
                rest = &rest[p + len..];
            }
            None => {
                lits.push(rest.to_string());
                break;
            }
        }
    }
    (lits, order)
}

/// The variables of `s` when it reads as the template (`lits` around `order`); each variable
/// takes the shortest text up to the next literal, the last one up to the final literal. A
/// value holds a "; " only when `spans(variable)` says it may.
pub(super) fn matches(
    s: &str,
    lits: &[String],
    order: &[String],
    spans: impl Fn(&str) -> bool,
) -> Option<Vec<(String, String)>> {
    let mut rest = s.strip_prefix(lits[0].as_str())?;
    let mut out = Vec::new();
    for (i, var) in order.iter().enumerate() {
        let lit = &lits[i + 1];
        let last = i + 1 == order.len();
        let (value, after) = if last {
            (rest.strip_suffix(lit.as_str())?, "")
        } else {
            let p = rest.find(lit.as_str())?;
            (&rest[..p], &rest[p + lit.len()..])
        };
        if value.is_empty() || (!spans(var) && value.contains("; ")) {
            return None;
        }
        out.push((var.clone(), value.to_string()));
        rest = after;
    }
    (order.is_empty() && rest.is_empty() || !order.is_empty()).then_some(out)
}

/// `s` as the phrase it reads as, in the admin's language; `None` when none matches.
fn part(en: &Messages, s: &str) -> Option<String> {
    for (key, vars) in PHRASES {
        let (lits, order) = template(en, key, vars);
        // A value is one part: only `rest` (translated in turn) spans the "; " between parts,
        // so "signed X; keys/a.p12 is …" is two phrases, not "signed" with a long algorithm.
        let Some(found) = matches(s, &lits, &order, |var| var == "rest") else {
            continue;
        };
        let values: Vec<(String, String)> = found
            .into_iter()
            .map(|(k, v)| {
                let v = match k.as_str() {
                    "rest" => shown(&v),
                    // A list the library joins with " and ".
                    "files" => v.split(" and ").collect::<Vec<_>>().join(&t("phrase-and")),
                    _ => v,
                };
                (k, v)
            })
            .collect();
        let args: Vec<(&str, Arg<'_>)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), Arg::Str(v.as_str())))
            .collect();
        return Some(tf(key, &args));
    }
    None
}

/// `s` (a reason or note the library wrote in English) in the admin's language.
pub fn shown(s: &str) -> String {
    if lang() == Lang::En {
        return s.to_string();
    }
    let en = Messages::new(Lang::En);
    // A phrase may hold a "; " itself: the whole text first, then part by part.
    if let Some(whole) = part(&en, s) {
        return whole;
    }
    s.split("; ")
        .map(|p| part(&en, p).unwrap_or_else(|| p.to_string()))
        .collect::<Vec<_>>()
        .join(&t("phrase-sep"))
}

/// The English of `key` (what goes into a document whatever the language).
pub fn english(key: &str, args: &[(&str, Arg<'_>)]) -> String {
    Messages::new(Lang::En).fmt(key, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_their_own_english_and_nothing_else() {
        let en = Messages::new(Lang::En);
        for (key, vars) in PHRASES {
            let (lits, order) = template(&en, key, vars);
            let distinct: std::collections::BTreeSet<&String> = order.iter().collect();
            assert_eq!(distinct.len(), vars.len(), "{key}: {lits:?}");
            let args: Vec<(&str, Arg<'_>)> = vars.iter().map(|v| (*v, Arg::Str("X1"))).collect();
            let text = en.fmt(key, &args);
            assert!(
                matches(&text, &lits, &order, |v| v == "rest").is_some(),
                "{key}: {text}"
            );
            assert!(
                matches("something else", &lits, &order, |v| v == "rest").is_none(),
                "{key}"
            );
        }
    }

    #[test]
    fn a_variable_does_not_swallow_the_next_part() {
        let en = Messages::new(Lang::En);
        // "signed { $alg }" is not "signed" with an algorithm running over the next parts.
        let whole = "signed sha1WithRSAEncryption; keys/apache.p12 is cert:RC2-40 (OpenSSL 3 needs the legacy provider)";
        assert_eq!(part(&en, whole), None);
        assert!(part(&en, "signed sha1WithRSAEncryption").is_some());
        assert!(part(
            &en,
            "keys/apache.p12 is cert:RC2-40 (OpenSSL 3 needs the legacy provider)"
        )
        .is_some());
        // `rest` does span parts (it is shown part by part in turn).
        let resign = format!("re-sign with SHA-256 keeping the key: {whole}");
        assert!(part(&en, &resign).is_some());
        // A phrase holding "; " itself still matches whole.
        assert!(part(
            &en,
            "status is install_failed; only up or maintenance hosts are cycled"
        )
        .is_some());
    }
}
