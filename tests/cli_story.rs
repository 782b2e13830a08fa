//! One story across commands, as the binary tells it: exit codes as documented (in the help,
//! the man pages and the README), `hosts recover` without `--yes` on a non-terminal,
//! `maintenance verify` on an endpoint that cannot be reached, the help's headings,
//! descriptions and format values, the README's commands and flags, and the zsh / fish
//! completions. Everything here runs the real binary.

mod common;
use common::manager as maintenance_harness;

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

// ---------------------------------------------------------------------------------------
// The help, parsed.

/// One option (or positional argument) of a command's `--help`.
#[derive(Debug, Clone)]
struct Opt {
    /// `--long` (or `<NAME>` for a positional).
    name: String,
    heading: String,
    /// Everything printed for it after the flag and its value name.
    text: String,
}

#[derive(Debug, Clone)]
struct Help {
    /// The text before `Usage:` (about / long about).
    about: String,
    opts: Vec<Opt>,
    subcommands: Vec<String>,
}

fn help_text(path: &[&str]) -> String {
    let mut args: Vec<&str> = path.to_vec();
    args.push("--help");
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {o:?}");
    String::from_utf8(o.stdout).unwrap()
}

fn parse_help(text: &str) -> Help {
    let (about, rest) = text.split_once("\nUsage:").expect("a Usage: line");
    let mut h = Help {
        about: about.to_string(),
        opts: Vec::new(),
        subcommands: Vec::new(),
    };
    let mut heading = String::new();
    for line in rest.lines().skip(1) {
        if !line.starts_with(' ') && line.ends_with(':') {
            heading = line.trim_end_matches(':').to_string();
            continue;
        }
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if heading == "Commands" {
            if indent == 2 {
                let name = trimmed.split_whitespace().next().unwrap().to_string();
                if name != "help" {
                    h.subcommands.push(name);
                }
            }
            continue;
        }
        if (2..=6).contains(&indent) {
            // `-y, --yes`, `      --root <DIR>  text`, `  [NAME]...`, `  <WHAT>`
            let spec = trimmed
                .strip_prefix(|c: char| c == '-')
                .filter(|s| !s.starts_with('-'))
                .map(|s| s.get(3..).unwrap_or("").trim_start())
                .unwrap_or(trimmed);
            let (name, after) = if let Some(s) = spec.strip_prefix("--") {
                let end = s
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .unwrap_or(s.len());
                (format!("--{}", &s[..end]), &s[end..])
            } else {
                let end = spec.find(' ').unwrap_or(spec.len());
                (spec[..end].to_string(), &spec[end..])
            };
            // Skip the value name (`<DIR>`, `<NAME=HOST:PORT>...`).
            let after = after.trim_start();
            let after = if after.starts_with('<') {
                after
                    .split_once('>')
                    .map(|(_, r)| r.trim_start_matches("...").trim_start())
                    .unwrap_or("")
            } else {
                after
            };
            h.opts.push(Opt {
                name,
                heading: heading.clone(),
                text: after.trim().to_string(),
            });
        } else if indent > 6 {
            if let Some(o) = h.opts.last_mut() {
                o.text.push('\n');
                o.text.push_str(trimmed);
            }
        }
    }
    h
}

/// Every command path of the binary, found from its own help (depth first), with its help.
fn all_commands() -> BTreeMap<Vec<String>, Help> {
    fn walk(path: Vec<String>, out: &mut BTreeMap<Vec<String>, Help>) {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let h = parse_help(&help_text(&p));
        for s in &h.subcommands {
            let mut q = path.clone();
            q.push(s.clone());
            walk(q, out);
        }
        out.insert(path, h);
    }
    let mut out = BTreeMap::new();
    walk(Vec::new(), &mut out);
    out
}

/// The description of an option: its text without the `[default: …]`, `[possible values: …]`
/// and `Possible values:` parts clap adds.
fn description(o: &Opt) -> String {
    let mut s = Vec::new();
    let mut in_values = false;
    for l in o.text.lines() {
        let l = l.trim();
        if l.starts_with("Possible values:") {
            in_values = true;
            continue;
        }
        if in_values && l.starts_with("- ") {
            continue;
        }
        in_values = false;
        let mut l = l.to_string();
        for tag in ["[default: ", "[possible values: ", "[aliases: "] {
            while let Some(i) = l.find(tag) {
                let end = l[i..].find(']').map(|e| i + e + 1).unwrap_or(l.len());
                l.replace_range(i..end, "");
            }
        }
        if !l.trim().is_empty() {
            s.push(l.trim().to_string());
        }
    }
    s.join(" ")
}

/// The values an option lists: `[possible values: a, b]` or a `Possible values:` list.
fn listed_values(o: &Opt) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(i) = o.text.find("[possible values: ") {
        let rest = &o.text[i + "[possible values: ".len()..];
        let list = &rest[..rest.find(']').unwrap()];
        v.extend(list.split(", ").map(|s| s.trim().to_string()));
    }
    let mut in_values = false;
    for l in o.text.lines() {
        let l = l.trim();
        if l.starts_with("Possible values:") {
            in_values = true;
        } else if in_values {
            match l.strip_prefix("- ") {
                Some(item) => v.push(item.split(':').next().unwrap().trim().to_string()),
                None => in_values = false,
            }
        }
    }
    v
}

/// The values clap accepts for `--format` of `path`, from its own error for a bad one.
fn accepted_values(path: &[&str], flag: &str) -> Vec<String> {
    let mut args: Vec<&str> = path.to_vec();
    args.extend([flag, "no-such-value"]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(3), "{args:?}: {o:?}");
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    let i = e
        .find("[possible values: ")
        .unwrap_or_else(|| panic!("{args:?}: {e}"));
    let rest = &e[i + "[possible values: ".len()..];
    rest[..rest.find(']').unwrap()]
        .split(", ")
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Exit codes.

/// The codes of the `Exit codes: 0 …; 1 …` paragraph of a help text or man page.
fn exit_codes_listed(text: &str) -> BTreeSet<u32> {
    let start = text
        .find("Exit codes")
        .unwrap_or_else(|| panic!("no `Exit codes` paragraph in:\n{text}"));
    let para = &text[start..];
    let end = [para.find("\n\n"), para.find("\n.")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(para.len());
    let para = &para[..end];
    let para = para.split_once(':').unwrap().1;
    para.split([';', ','])
        .filter_map(|piece| {
            let piece = piece.trim();
            let num: String = piece.chars().take_while(char::is_ascii_digit).collect();
            (!num.is_empty() && piece[num.len()..].starts_with(' ')).then(|| num.parse().unwrap())
        })
        .collect()
}

/// What each command can return, read from its code paths (src/cli/exit.rs `ExitStatus`,
/// src/cli/change.rs, src/cli/maintenance.rs, src/cli/hosts.rs, src/cli/enroll.rs): clap's
/// usage errors are 3 everywhere; `Refused` and change errors 2; a rolled-back change 1;
/// the cycle 4 / 5; `maintenance verify` 4 / 5; enroll's signals 128 + N.
fn expected_exit_codes() -> BTreeMap<&'static str, &'static [u32]> {
    BTreeMap::from([
        ("audit", &[0, 1, 2, 3][..]),
        ("conf", &[0, 1, 2, 3][..]),
        ("resign", &[0, 1, 2, 3, 4, 5][..]),
        ("renew", &[0, 1, 2, 3, 4, 5][..]),
        ("rollback", &[0, 2, 3][..]),
        ("backups", &[0, 2, 3][..]),
        ("hosts audit", &[0, 1, 2, 3][..]),
        ("hosts recover", &[0, 1, 2, 3][..]),
        ("hosts enroll", &[0, 1, 2, 3, 129, 130, 143][..]),
        ("maintenance on", &[0, 2, 3][..]),
        ("maintenance off", &[0, 2, 3][..]),
        ("maintenance status", &[0, 2, 3][..]),
        ("maintenance verify", &[0, 3, 4, 5][..]),
        ("maintenance restart", &[0, 2, 3, 4, 5][..]),
        ("generate", &[0, 3][..]),
        // `upgrade` itself runs too; its codes are checked by the binary's exit table test.
        ("upgrade status", &[0, 3][..]),
    ])
}

#[test]
fn every_command_help_lists_exactly_the_exit_codes_it_returns() {
    let cmds = all_commands();
    let expected = expected_exit_codes();
    // Every command that acts (no subcommands of its own) is in the table, and no other.
    let leaves: BTreeSet<String> = cmds
        .iter()
        .filter(|(p, h)| !p.is_empty() && h.subcommands.is_empty())
        .map(|(p, _)| p.join(" "))
        .collect();
    assert_eq!(
        leaves,
        expected
            .keys()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>()
    );
    for (cmd, want) in &expected {
        let path: Vec<String> = cmd.split(' ').map(str::to_string).collect();
        let h = &cmds[&path];
        let got = exit_codes_listed(&h.about);
        let want: BTreeSet<u32> = want.iter().copied().collect();
        assert_eq!(got, want, "rhv-pki {cmd} --help:\n{}", h.about);
    }
    // The rule every table above shares, said once at the top and true for the parents too.
    let top = help_text(&[]);
    assert!(top.contains("Bad arguments exit 3 everywhere"), "{top}");
    for args in [
        &["hosts"][..],
        &["maintenance"],
        &["resign", "--no-such-flag"],
        &[],
    ] {
        assert_eq!(run(args).status.code(), Some(3), "{args:?}");
    }
    assert_eq!(run(&["--version"]).status.code(), Some(0));
}

#[test]
fn resign_and_renew_man_pages_list_exit_codes_4_and_5() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["generate", "man", "--out-dir", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    for cmd in [
        "resign",
        "renew",
        "maintenance-restart",
        "maintenance-verify",
    ] {
        let page = std::fs::read_to_string(dir.path().join(format!("rhv-pki-{cmd}.1"))).unwrap();
        let text = page.replace("\\-", "-");
        let got = exit_codes_listed(&text);
        let key = cmd.replace('-', " ");
        let want: BTreeSet<u32> = expected_exit_codes()[key.as_str()]
            .iter()
            .copied()
            .collect();
        assert_eq!(got, want, "rhv-pki-{cmd}.1");
        assert!(
            text.contains("5 files changed and services restarted") || cmd.starts_with("maint")
        );
        assert!(text.contains("restart-needed"), "{cmd}");
        assert!(text.contains("endpoint-unreachable"), "{cmd}");
    }
}

#[test]
fn readme_exit_code_tables_agree_with_the_help() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .unwrap()
        .replace('\n', " ");
    // The README's own sentences for the commands this story changed.
    for (needle, codes) in [
        (
            "Exit codes of `resign` / `renew` with the cycle",
            &[4u32, 5][..],
        ),
        ("Exit codes of `maintenance verify`", &[0, 3, 4, 5][..]),
    ] {
        let i = readme
            .find(needle)
            .unwrap_or_else(|| panic!("README: no '{needle}'"));
        let s = &readme[i..];
        let s = &s[..s.find(". ").unwrap_or(s.len())];
        for c in codes {
            assert!(s.contains(&format!("**{c}**")), "README '{needle}': {s}");
        }
    }
    let i = readme.find("- **Recover**").unwrap();
    let s = &readme[i..];
    let s = &s[..s.find("- **Proof**").unwrap()];
    assert!(
        s.contains("2 not confirmed (without `--yes` on a stdin that is not a terminal"),
        "{s}"
    );
}

// ---------------------------------------------------------------------------------------
// hosts recover without --yes on a stdin that is not a terminal.

/// `hosts recover --ssh` at a listener that never speaks SSH: a host that would take the
/// whole --connect-timeout to give up, so contacting it at all shows on the listener.
fn recover_without_yes(stdin: Stdio) -> (std::process::Output, TcpListener, tempfile::TempDir) {
    let root = scenario("4.5-modern");
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("id_ed25519");
    let st = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .unwrap();
    assert!(st.success());
    let known = keys.path().join("known_hosts");
    std::fs::write(&known, "").unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let backups = keys.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    let before = tree_state(root.path());
    let mut c = bin();
    c.args(["hosts", "recover", "--ssh", "--root"])
        .arg(root.path())
        .arg("--host")
        .arg(format!("host1.example.test=127.0.0.1:{port}"))
        .arg("--ssh-key")
        .arg(&key)
        .arg("--known-hosts")
        .arg(&known)
        .args(["--connect-timeout", "3", "--backup-dir"])
        .arg(&backups)
        .env_remove("SSH_AUTH_SOCK")
        .env_remove("RHV_PKI_FAULT")
        .stdin(stdin);
    let o = output_within_a_minute(&mut c, "hosts recover without --yes");
    assert_eq!(tree_state(root.path()), before, "nothing changed");
    assert!(std::fs::read_dir(&backups).unwrap().next().is_none());
    (o, listener, root)
}

fn assert_refused_untouched(o: &std::process::Output, listener: &TcpListener) {
    let err = String::from_utf8_lossy(&o.stderr);
    // README: "2 not confirmed"; the help: "2 refused, nothing changed (not confirmed …)".
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(err.contains("without --yes"), "{err}");
    assert!(err.contains("stdin is not a terminal"), "{err}");
    assert!(err.contains("no host was contacted"), "{err}");
    assert!(err.contains("--dry-run"), "{err}");
    // Nothing was planned or printed as if it would run.
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // And no host was contacted: the listener never saw a connection.
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the host was contacted: {other:?}"),
    }
}

#[test]
fn hosts_recover_without_yes_on_dev_null_refuses_before_contacting_a_host() {
    let (o, listener, _root) = recover_without_yes(Stdio::null());
    assert_refused_untouched(&o, &listener);
}

#[test]
fn hosts_recover_without_yes_on_a_pipe_refuses_and_never_reads_it_as_an_answer() {
    // A pipe that says "y" and stays open: it is not a terminal, so it confirms nothing and
    // the command neither waits on it nor acts.
    let mut writer = Command::new("sh")
        .args(["-c", "echo y; exec sleep 60"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let pipe = Stdio::from(writer.stdout.take().unwrap());
    let (o, listener, _root) = recover_without_yes(pipe);
    writer.kill().unwrap();
    writer.wait().unwrap();
    assert_refused_untouched(&o, &listener);
}

// ---------------------------------------------------------------------------------------
// maintenance verify: unreachable is not restart-needed.

/// `openssl s_server` on a free loopback port serving `cert` / `key`; stopped on drop.
struct TlsServer {
    child: std::process::Child,
    port: u16,
}

impl TlsServer {
    fn start(cert: &Path, key: &Path) -> TlsServer {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(cert)
            .arg("-key")
            .arg(key)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let s = TlsServer { child, port };
        for _ in 0..500 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return s;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("s_server did not start");
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn verify(root: &Path, endpoint: &str) -> (Option<i32>, serde_json::Value, String) {
    let r = root.to_str().unwrap();
    let o = run(&[
        "maintenance",
        "verify",
        "--root",
        r,
        "--endpoint",
        endpoint,
        "--probe-timeout",
        "5",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {o:?}"));
    let t = run(&[
        "maintenance",
        "verify",
        "--root",
        r,
        "--endpoint",
        endpoint,
        "--probe-timeout",
        "5",
    ]);
    assert_eq!(t.status.code(), o.status.code(), "table and JSON agree");
    (o.status.code(), doc, String::from_utf8(t.stdout).unwrap())
}

fn codes_of(doc: &serde_json::Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn maintenance_verify_says_endpoint_unreachable_not_restart_needed_for_a_closed_port() {
    let root = scenario("4.5-modern");
    let pki = pki(root.path());

    // Reachable, serving the file on disk: 0, no finding.
    let good = TlsServer::start(
        &pki.join("certs/apache.cer"),
        &pki.join("keys/apache.key.nopass"),
    );
    let (code, doc, table) = verify(root.path(), &format!("httpd=127.0.0.1:{}", good.port));
    assert_eq!(code, Some(0), "{doc:#}");
    assert_eq!(doc["checks"][0]["state"], "current");
    assert!(codes_of(&doc).is_empty(), "{doc:#}");
    assert!(table.contains("current"), "{table}");

    // Reachable, serving another certificate: restart-needed, 5.
    let stale = TlsServer::start(
        &pki.join("certs/websocket-proxy.cer"),
        &pki.join("keys/websocket-proxy.key.nopass"),
    );
    let (code, doc, table) = verify(root.path(), &format!("httpd=127.0.0.1:{}", stale.port));
    assert_eq!(code, Some(5), "{doc:#}");
    assert_eq!(codes_of(&doc), ["restart-needed"]);
    assert!(table.contains("restart-needed certs/apache.cer"), "{table}");

    // Nothing listening: endpoint-unreachable, 4 — never restart-needed's 5.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (code, doc, table) = verify(root.path(), &format!("httpd=127.0.0.1:{closed}"));
    assert_eq!(code, Some(4), "{doc:#}");
    assert_eq!(doc["checks"][0]["state"], "unreachable");
    assert_eq!(codes_of(&doc), ["endpoint-unreachable"]);
    let f = &doc["findings"][0];
    assert_eq!(f["path"], "certs/apache.cer");
    assert_eq!(f["service"], "httpd");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!("httpd (127.0.0.1:{closed}) showed no certificate")),
        "{msg}"
    );
    assert!(msg.contains("Connection refused"), "{msg}");
    assert!(table.contains("UNREACHABLE"), "{table}");
    assert!(
        table.contains("endpoint-unreachable certs/apache.cer"),
        "{table}"
    );
    assert!(!table.contains("restart-needed"), "{table}");

    // Both at once: one endpoint stale, one unreachable — the unreachable one decides (4).
    let o = run(&[
        "maintenance",
        "verify",
        "--root",
        root.path().to_str().unwrap(),
        "--endpoint",
        &format!("httpd=127.0.0.1:{}", stale.port),
        "--endpoint",
        &format!("websocket-proxy=127.0.0.1:{closed}"),
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(4), "{doc:#}");
    let mut c = codes_of(&doc);
    c.sort();
    assert_eq!(c, ["endpoint-unreachable", "restart-needed"]);
}

// ---------------------------------------------------------------------------------------
// Help: headings, descriptions, format values.

const ENGINE_FLAGS: &[&str] = &[
    "--engine-url",
    "--connect-to",
    "--ca-file",
    "--user",
    "--password-file",
    "--api-timeout",
];
const CYCLE_FLAGS: &[&str] = &[
    "--he-host",
    "--he-api",
    "--maintenance-timeout",
    "--no-maintenance",
    "--no-restart",
    "--no-verify",
    "--cycle",
    "--verify-timeout",
    "--endpoint",
    "--probe-timeout",
];
const PROBE_FLAGS: &[&str] = &["--probe", "--endpoint", "--probe-timeout"];
const VDSM_FLAGS: &[&str] = &[
    "--vdsm-port",
    "--vdsm-endpoint",
    "--probe-timeout",
    "--probe-parallel",
];

/// In commands that have `marker`, the flags of `group` are exactly those under the
/// headings starting with `heading` (engine flags nest inside the cycle's heading).
fn check_group(
    cmd: &str,
    h: &Help,
    marker: &str,
    group: &[&str],
    heading: &str,
    bad: &mut Vec<String>,
) {
    if !h.opts.iter().any(|o| o.name == marker) {
        return;
    }
    for o in &h.opts {
        // `upgrade` probes the Manager's endpoints and the hosts' vdsm with one timeout, shown
        // once, under the maintenance cycle's heading.
        if cmd == "upgrade"
            && o.name == "--probe-timeout"
            && o.heading.starts_with("Maintenance cycle")
        {
            continue;
        }
        let in_group = group.contains(&o.name.as_str());
        let under = o.heading.starts_with(heading);
        if in_group != under {
            bad.push(format!(
                "rhv-pki {cmd}: {} is under '{}' (expected {})",
                o.name,
                o.heading,
                if in_group {
                    format!("'{heading}…'")
                } else {
                    "another heading".into()
                }
            ));
        }
    }
}

#[test]
fn every_flag_is_described_under_its_own_heading_and_formats_list_every_value() {
    let cmds = all_commands();
    assert!(cmds.len() >= 18, "{:?}", cmds.keys());
    let mut bad = Vec::new();
    for (path, h) in &cmds {
        let cmd = path.join(" ");
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        for o in &h.opts {
            if description(o).is_empty() {
                bad.push(format!("rhv-pki {cmd}: {} has no description", o.name));
            }
            if o.name == "--format" {
                let listed = listed_values(o);
                let accepted = accepted_values(&p, "--format");
                if listed != accepted {
                    bad.push(format!(
                        "rhv-pki {cmd}: --format lists {listed:?}, accepts {accepted:?}"
                    ));
                }
            }
        }
        // The Manager API options are under a Manager API heading, and only they.
        for o in &h.opts {
            let engine = ENGINE_FLAGS.contains(&o.name.as_str());
            let under = o.heading.starts_with("Manager API");
            if engine != under {
                bad.push(format!(
                    "rhv-pki {cmd}: {} is under '{}'",
                    o.name, o.heading
                ));
            }
        }
        let cycle_and_engine: Vec<&str> = CYCLE_FLAGS.iter().chain(ENGINE_FLAGS).copied().collect();
        if h.opts.iter().any(|o| o.name == "--cycle") {
            for o in &h.opts {
                let in_group = cycle_and_engine.contains(&o.name.as_str());
                let under = o.heading.starts_with("Maintenance cycle")
                    || o.heading.starts_with("Manager API");
                if in_group != under {
                    bad.push(format!(
                        "rhv-pki {cmd}: {} is under '{}'",
                        o.name, o.heading
                    ));
                }
            }
        }
        check_group(&cmd, h, "--probe", PROBE_FLAGS, "Endpoint probe", &mut bad);
        check_group(&cmd, h, "--vdsm-endpoint", VDSM_FLAGS, "vdsm TLS", &mut bad);
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The parser really sees what it checks: a described flag, a format list, a heading.
    let audit = &cmds[&vec!["audit".to_string()]];
    let f = audit.opts.iter().find(|o| o.name == "--format").unwrap();
    assert_eq!(listed_values(f), ["table", "json", "prometheus", "nagios"]);
    assert_eq!(description(f), "Output format");
    let probe = audit.opts.iter().find(|o| o.name == "--probe").unwrap();
    assert_eq!(probe.heading, "Endpoint probe (--probe)");
}

// ---------------------------------------------------------------------------------------
// README: every `rhv-pki …` command and flag exists; synopses list every format value.

/// The README's fenced code blocks (line lists) and inline code spans.
fn readme_code() -> (Vec<Vec<String>>, Vec<String>) {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut spans = Vec::new();
    let mut cur: Option<Vec<String>> = None;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            match cur.take() {
                Some(b) => blocks.push(b),
                None => cur = Some(Vec::new()),
            }
            continue;
        }
        if let Some(b) = cur.as_mut() {
            b.push(line.to_string());
            continue;
        }
        let mut parts = line.split('`');
        parts.next();
        while let Some(code) = parts.next() {
            spans.push(code.to_string());
            parts.next();
        }
    }
    (blocks, spans)
}

/// `rhv-pki a|b c --x` → the command paths it names (`[a c]`, `[b c]`) and the rest.
fn resolve<'a>(
    cmds: &BTreeMap<Vec<String>, Help>,
    words: &[&'a str],
) -> (Vec<Vec<String>>, Vec<&'a str>) {
    let mut paths = vec![Vec::<String>::new()];
    let mut i = 0;
    while i < words.len() {
        let alts: Vec<&str> = words[i].split('|').collect();
        let next: Option<Vec<Vec<String>>> = paths
            .iter()
            .flat_map(|p| {
                alts.iter().map(move |a| {
                    let subs = &cmds[p].subcommands;
                    subs.iter().any(|s| s == a).then(|| {
                        let mut q = p.clone();
                        q.push(a.to_string());
                        q
                    })
                })
            })
            .collect();
        match next {
            Some(n) => paths = n,
            None => break,
        }
        i += 1;
    }
    (paths, words[i..].to_vec())
}

/// `--flag` tokens of a command line (`[--format a|b]`, `--x=y`, `(--all [--force] | …)`).
fn flags_in(rest: &[&str]) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for (i, w) in rest.iter().enumerate() {
        let w = w.trim_start_matches(['[', '(']);
        if w.starts_with('#') {
            break;
        }
        let Some(f) = w.strip_prefix("--") else {
            continue;
        };
        let end = f
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(f.len());
        if end == 0 {
            continue; // `--`: the end of options
        }
        let name = format!("--{}", &f[..end]);
        let value = if f[end..].starts_with('=') {
            Some(f[end + 1..].trim_end_matches([']', ')']).to_string())
        } else {
            rest.get(i + 1)
                .filter(|v| !v.starts_with(['-', '[', '(', '#']))
                .map(|v| v.trim_end_matches([']', ')', '.']).to_string())
        };
        out.push((name, value));
    }
    out
}

/// Checks `flags` against the help of each command in `paths`.
fn check_flags(
    cmds: &BTreeMap<Vec<String>, Help>,
    paths: &[Vec<String>],
    flags: &[(String, Option<String>)],
    synopsis: bool,
    src: &str,
    bad: &mut Vec<String>,
    checked: &mut usize,
) {
    for p in paths {
        let h = &cmds[p];
        let known: BTreeSet<&str> = h
            .opts
            .iter()
            .map(|o| o.name.as_str())
            .chain(["--help", "--version"])
            .collect();
        for (f, v) in flags {
            *checked += 1;
            if !known.contains(f.as_str()) {
                bad.push(format!("rhv-pki {}: no {f} (README: {src})", p.join(" ")));
                continue;
            }
            if f != "--format" {
                continue;
            }
            let pv: Vec<&str> = p.iter().map(String::as_str).collect();
            let all = accepted_values(&pv, "--format");
            let given: Vec<String> = v
                .as_deref()
                .unwrap_or("")
                .split('|')
                .map(str::to_string)
                .collect();
            if given.iter().any(|g| !all.contains(g)) {
                bad.push(format!(
                    "rhv-pki {}: --format {given:?} not among {all:?} (README: {src})",
                    p.join(" ")
                ));
            } else if synopsis && given.len() != all.len() {
                bad.push(format!(
                    "rhv-pki {} synopsis: --format {} lists not every one of {all:?} (README: {src})",
                    p.join(" "),
                    given.join("|")
                ));
            }
        }
    }
}

#[test]
fn readme_commands_and_flags_exist_and_synopses_list_every_format() {
    let cmds = all_commands();
    let (blocks, spans) = readme_code();
    let mut bad = Vec::new();
    let mut checked = 0;
    for b in &blocks {
        // A synopsis block: `rhv-pki …` lines, indented continuation lines, and labelled
        // lines (`common:`, `Manager API:`, `reach:`) that apply to every command above them.
        let mut seen: Vec<Vec<Vec<String>>> = Vec::new();
        for line in b {
            let t = line.trim_start();
            if let Some(cmdline) = t
                .strip_prefix("rhv-pki ")
                .or((t == "rhv-pki").then_some(""))
            {
                let words: Vec<&str> = cmdline.split_whitespace().collect();
                let (paths, rest) = resolve(&cmds, &words);
                if paths.iter().any(|p| p.is_empty())
                    && rest.first().is_some_and(|w| !w.starts_with(['-', '[']))
                {
                    bad.push(format!("no such command: {t}"));
                    continue;
                }
                check_flags(
                    &cmds,
                    &paths,
                    &flags_in(&rest),
                    true,
                    t,
                    &mut bad,
                    &mut checked,
                );
                seen.push(paths);
            } else if line.starts_with(' ') && !seen.is_empty() {
                let words: Vec<&str> = t.split_whitespace().collect();
                let labelled = words.first().is_some_and(|w| w.ends_with(':'));
                let targets: Vec<Vec<String>> = if labelled {
                    seen.iter().flatten().cloned().collect()
                } else {
                    seen.last().unwrap().clone()
                };
                check_flags(
                    &cmds,
                    &targets,
                    &flags_in(&words),
                    true,
                    t,
                    &mut bad,
                    &mut checked,
                );
            }
        }
    }
    for s in &spans {
        let Some(cmdline) = s.strip_prefix("rhv-pki ") else {
            continue;
        };
        let words: Vec<&str> = cmdline.split_whitespace().collect();
        let (paths, rest) = resolve(&cmds, &words);
        if paths.iter().any(|p| p.is_empty()) && rest.first().is_some_and(|w| !w.starts_with('-')) {
            bad.push(format!("no such command: `{s}`"));
            continue;
        }
        check_flags(
            &cmds,
            &paths,
            &flags_in(&rest),
            false,
            s,
            &mut bad,
            &mut checked,
        );
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(
        checked > 100,
        "only {checked} flags seen: is the README parsed?"
    );
}

// ---------------------------------------------------------------------------------------
// zsh and fish completions.

fn completion(shell: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let o = run(&["generate", shell]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.len() > 1000, "{shell}: {} bytes", text.len());
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(if shell == "zsh" {
        "_rhv-pki"
    } else {
        "rhv-pki.fish"
    });
    std::fs::write(&p, &text).unwrap();
    (dir, p, text)
}

/// The subcommands (at every depth) and one flag of each leaf command, from the binary's help.
fn sample_names() -> Vec<(Vec<String>, String)> {
    all_commands()
        .into_iter()
        .filter(|(p, h)| !p.is_empty() && h.subcommands.is_empty())
        .map(|(p, h)| {
            let flag = h
                .opts
                .iter()
                .map(|o| o.name.clone())
                .find(|n| n.starts_with("--") && n != "--help")
                .unwrap_or_else(|| "--help".into());
            (p, flag)
        })
        .collect()
}

#[test]
fn zsh_completion_parses_and_names_every_subcommand_and_a_flag_of_each() {
    let (_d, path, text) = completion("zsh");
    let o = Command::new("zsh").arg("-n").arg(&path).output().unwrap();
    assert!(o.status.success(), "zsh -n: {o:?}");
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    assert!(text.starts_with("#compdef rhv-pki"), "{}", &text[..40]);
    // zsh loads it as an autoloaded function: defining it under zsh -f must work too.
    let o = Command::new("zsh")
        .args(["-f", "-c"])
        .arg(format!(
            "autoload -Uz compinit && compinit -u -D; source '{}' && whence -w _rhv-pki",
            path.display()
        ))
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("_rhv-pki: function"),
        "{o:?}"
    );
    for (p, flag) in sample_names() {
        for s in &p {
            assert!(text.contains(&format!("'{s}:")), "zsh: subcommand {s}");
        }
        assert!(
            text.contains(&format!("{flag}=[")) || text.contains(&format!("{flag}[")),
            "zsh: rhv-pki {} {flag}",
            p.join(" ")
        );
    }
}

#[test]
fn fish_completion_parses_and_names_every_subcommand_and_a_flag_of_each() {
    let (_d, path, text) = completion("fish");
    let o = Command::new("fish")
        .arg("--no-execute")
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "fish --no-execute: {o:?}");
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    // Loaded for real: `complete -C` asks fish what it offers.
    let ask = |line: &str| -> Vec<String> {
        let o = Command::new("fish")
            .args(["--no-config", "-c"])
            .arg(format!("source '{}'; complete -C '{line}'", path.display()))
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
        String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect()
    };
    let top = ask("rhv-pki ");
    for s in [
        "audit",
        "resign",
        "renew",
        "hosts",
        "maintenance",
        "generate",
    ] {
        assert!(top.contains(&s.to_string()), "{top:?}");
    }
    let hosts = ask("rhv-pki hosts ");
    for s in ["audit", "recover", "enroll"] {
        assert!(hosts.contains(&s.to_string()), "{hosts:?}");
    }
    assert_eq!(ask("rhv-pki hosts audit --textf"), ["--textfile-dir"]);
    for (p, flag) in sample_names() {
        let long = flag.trim_start_matches("--");
        for s in &p {
            assert!(
                text.contains(&format!(" -a \"{s}\"")) || text.contains(&format!("-a \"{s}\"")),
                "fish: subcommand {s}"
            );
        }
        assert!(
            text.contains(&format!("-l {long}")),
            "fish: rhv-pki {} {flag}",
            p.join(" ")
        );
    }
}

// ---------------------------------------------------------------------------------------
// hosts enroll --only-needed: each selected host's reasons and action, as the audits say.

/// host1 SHA-1, host2 expiring, host3 expired (still up in the simulator), host4 healthy.
const FOUR_HOSTS: &str = r#"
[[clusters]]
name = "Default"

[[hosts]]
name = "host1"
spm = true
[hosts.cert]
sha1 = true

[[hosts]]
name = "host2"
[hosts.cert]
days_left = 100

[[hosts]]
name = "host3"
[hosts.cert]
days_left = -3

[[hosts]]
name = "host4"
"#;

/// The codes `hosts enroll --only-needed` selects a host for (rolling::needs).
const ENROLL_CODES: &[&str] = &[
    "sha1-signature",
    "chain-invalid",
    "missing-san",
    "san-mismatch",
    "expired",
    "expiring",
    "issued-before-ca-renewal",
];

fn sim_run(sim: &common::sim::Sim, args: &[&str]) -> std::process::Output {
    let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    v.extend(sim.engine_args());
    v.extend(["--probe-timeout".to_string(), "5".to_string()]);
    bin()
        .args(&v)
        .env_remove("RHV_PKI_ENGINE_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `text` with the number of every "(99 days left)" replaced by N, to compare two runs' texts.
fn without_days_left(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(" days left)") {
        let head = &rest[..i];
        match head.rfind('(') {
            Some(j) if head[j + 1..].bytes().all(|b| b.is_ascii_digit()) && j + 1 < i => {
                out.push_str(&head[..=j]);
                out.push('N');
            }
            _ => out.push_str(head),
        }
        out.push_str(" days left)");
        rest = &rest[i + " days left)".len()..];
    }
    out.push_str(rest);
    out
}

/// host name → (codes, action) from `hosts enroll --dry-run` (JSON), checked against its table.
fn enroll_selection(
    sim: &common::sim::Sim,
) -> BTreeMap<String, (BTreeSet<String>, String, String)> {
    let o = sim_run(
        sim,
        &[
            "hosts",
            "enroll",
            "--only-needed",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let table = sim_run(sim, &["hosts", "enroll", "--only-needed", "--dry-run"]);
    assert_eq!(table.status.code(), Some(0), "{table:?}");
    let table = String::from_utf8(table.stdout).unwrap();
    let mut out = BTreeMap::new();
    for h in doc["hosts"].as_array().unwrap() {
        let name = h["name"].as_str().unwrap().to_string();
        let action = h["action"]
            .as_str()
            .unwrap_or_else(|| panic!("{h:#}"))
            .to_string();
        let mut codes = BTreeSet::new();
        for f in h["findings"].as_array().unwrap() {
            let code = f["code"].as_str().unwrap();
            let reason = f["reason"].as_str().unwrap();
            let act = f["action"].as_str().unwrap();
            assert!(ENROLL_CODES.contains(&code), "{f}");
            assert!(reason.starts_with(&format!("{code}: ")), "{f}");
            // The table says the same, one line per reason (the two runs count the days
            // left from their own "now": a second apart can be a day apart).
            assert!(
                without_days_left(&table)
                    .contains(&without_days_left(&format!("      {reason} → {act}\n"))),
                "{name}: {reason} → {act} not in\n{table}"
            );
            codes.insert(code.to_string());
        }
        out.insert(
            name,
            (codes, action, h["address"].as_str().unwrap().to_string()),
        );
    }
    out
}

/// host address → (codes of the enroll vocabulary, row action) from `hosts audit` (TLS, JSON).
fn hosts_audit_view(
    sim: &common::sim::Sim,
) -> BTreeMap<String, (BTreeSet<String>, Option<String>)> {
    let o = sim_run(sim, &["hosts", "audit", "--format", "json"]);
    let doc: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {o:?}"));
    let mut out: BTreeMap<String, (BTreeSet<String>, Option<String>)> = BTreeMap::new();
    for c in doc["certificates"].as_array().unwrap() {
        let host = c["host"]
            .as_str()
            .unwrap_or_else(|| panic!("{c:#}"))
            .to_string();
        out.entry(host).or_default().1 = c["action"].as_str().map(str::to_string);
    }
    for f in doc["findings"].as_array().unwrap() {
        let code = f["code"].as_str().unwrap();
        if ENROLL_CODES.contains(&code) {
            let host = f["host"]
                .as_str()
                .unwrap_or_else(|| panic!("{f:#}"))
                .to_string();
            out.entry(host).or_default().0.insert(code.to_string());
        }
    }
    out
}

fn assert_one_story(sim: &common::sim::Sim, want: &[(&str, &[&str], &str)]) {
    let plan = enroll_selection(sim);
    let audit = hosts_audit_view(sim);
    let selected: BTreeSet<&str> = plan.keys().map(String::as_str).collect();
    let wanted: BTreeSet<&str> = want.iter().map(|w| w.0).collect();
    assert_eq!(selected, wanted, "{plan:#?}");
    for (name, codes, action) in want {
        let (got_codes, got_action, address) = &plan[*name];
        let want_codes: BTreeSet<String> = codes.iter().map(|s| s.to_string()).collect();
        assert_eq!(got_codes, &want_codes, "{name}");
        assert_eq!(got_action, action, "{name}");
        // hosts audit says the same of the same host: the codes and the action.
        let (a_codes, a_action) = audit
            .get(address)
            .unwrap_or_else(|| panic!("{name} ({address}) not in hosts audit: {audit:#?}"));
        assert_eq!(a_codes, got_codes, "{name}: hosts audit vs enroll");
        assert_eq!(
            a_action.as_deref(),
            Some(*action),
            "{name}: hosts audit's action"
        );
    }
    // A host enroll leaves alone has none of those findings in hosts audit either.
    for (host, (codes, _)) in &audit {
        if !plan.values().any(|(_, _, a)| a == host) {
            assert!(
                codes.is_empty(),
                "{host}: {codes:?} but not selected by enroll"
            );
        }
    }
}

#[test]
fn hosts_enroll_only_needed_gives_each_host_the_audits_code_and_action() {
    let sim = common::sim::Sim::start("4.5-modern", FOUR_HOSTS, 0.01);
    const ENROLL: &str = "rhv-pki hosts enroll --only-needed";
    const RECOVER: &str = "rhv-pki hosts recover --ssh";
    assert_one_story(
        &sim,
        &[
            ("host1", &["sha1-signature"], ENROLL),
            ("host2", &["expiring"], ENROLL),
            ("host3", &["expired"], RECOVER),
        ],
    );

    // The CA re-signed (same key): every host certificate was issued before it.
    let bk = tempfile::tempdir().unwrap();
    let o = run(&[
        "resign",
        "ca",
        "--root",
        sim.root.path().to_str().unwrap(),
        "--backup-dir",
        bk.path().to_str().unwrap(),
        "--yes",
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_one_story(
        &sim,
        &[
            (
                "host1",
                &["sha1-signature", "issued-before-ca-renewal"],
                ENROLL,
            ),
            ("host2", &["expiring", "issued-before-ca-renewal"], ENROLL),
            ("host3", &["expired", "issued-before-ca-renewal"], RECOVER),
            ("host4", &["issued-before-ca-renewal"], ENROLL),
        ],
    );
}

// ---------------------------------------------------------------------------------------
// Every command that asks: without --yes on a stdin that is not a terminal, not confirmed (2).

#[test]
fn every_command_that_asks_refuses_without_yes_on_a_non_terminal_with_exit_2() {
    let root = scenario("4.2-sha1");
    let r = root.path().to_str().unwrap();
    let bk = tempfile::tempdir().unwrap();
    let b = bk.path().to_str().unwrap();
    let refused = |args: &[&str]| {
        let before = tree_state(root.path());
        let backups_before = tree_state(bk.path());
        let mut a = args.to_vec();
        a.extend(["--root", r, "--backup-dir", b]);
        let o = run(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{a:?}: {o:?}");
        assert!(err.contains("without --yes"), "{a:?}: {err}");
        assert!(err.contains("stdin is not a terminal"), "{a:?}: {err}");
        assert_eq!(tree_state(root.path()), before, "{a:?} changed the PKI");
        assert_eq!(tree_state(bk.path()), backups_before, "{a:?} made a backup");
    };
    refused(&["conf"]);
    refused(&["resign", "--all"]);
    refused(&["renew", "apache", "--within", "36500"]);
    // A backup to roll back to.
    let o = run(&["resign", "apache", "--root", r, "--backup-dir", b, "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    refused(&["rollback"]);

    // hosts enroll: nothing is sent to the Manager.
    let sim = common::sim::Sim::start("4.5-modern", &common::sim::three_hosts(""), 0.01);
    let o = sim_run(&sim, &["hosts", "enroll", "--all-hosts"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(err.contains("without --yes"), "{err}");
    let rep = sim.get("/sim/report");
    let posts: u64 = rep["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("POST /hosts/"))
        .map(|(_, v)| v.as_u64().unwrap())
        .sum();
    assert_eq!(posts, 0, "{rep:#}");
    assert!(
        sim.statuses().iter().all(|(_, s)| s == "up"),
        "{:?}",
        sim.statuses()
    );
}

/// Every `--flag` the README shows in code (spans and blocks) is a flag of the binary, or of
/// the other tool the text is about: hosted-engine's, systemctl's and cargo's own, or a script's or the
/// benchmark's that its source really parses.
#[test]
fn every_flag_in_the_readme_code_exists_somewhere() {
    let cmds = all_commands();
    let ours: BTreeSet<&str> = cmds
        .values()
        .flat_map(|h| h.opts.iter().map(|o| o.name.as_str()))
        .chain(["--help", "--version"])
        .collect();
    let others = [
        // hosted-engine
        "--set-maintenance",
        "--mode",
        "--vm-status",
        "--json",
        // fish
        "--no-execute",
        // cargo
        "--bench",
        "--test",
        "--release",
        "--locked",
        "--features",
        "--bins",
        "--no-deps",
        "--open",
        // systemctl
        "--now",
        // ansible-playbook (the rhv.pki collection)
        "--diff",
        "--check",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = String::new();
    for dir in ["scripts", "benches"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            sources.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap_or_default());
        }
    }
    let (blocks, spans) = readme_code();
    let mut bad = Vec::new();
    let mut seen = 0;
    for text in blocks.iter().flatten().chain(&spans) {
        let words: Vec<&str> = text.split_whitespace().collect();
        for (flag, _) in flags_in(&words) {
            seen += 1;
            if ours.contains(flag.as_str()) || others.contains(&flag.as_str()) {
                continue;
            }
            // A script's or the benchmark's option: its source must handle it.
            if !sources.contains(&format!("{flag})")) && !sources.contains(&format!("\"{flag}\"")) {
                bad.push(format!("{flag} (README: {text})"));
            }
        }
    }
    assert!(bad.is_empty(), "flags no command has:\n{}", bad.join("\n"));
    assert!(seen > 100, "{seen}");
}

/// The cycle's verify step judges as `maintenance verify`: an endpoint that shows no
/// certificate after its restart is `endpoint-unreachable` (exit 4, "systemctl status"), not
/// `restart-needed` (5, "systemctl restart").
#[test]
fn resign_cycle_with_an_unreachable_endpoint_exits_4_not_restart_needed() {
    let m = maintenance_harness::Manager::start("4.2-sha1", &[("httpd", "enabled", true)]);
    let closed = maintenance_harness::free_port();
    let out = m.rhv_pki(&[
        "resign",
        "apache",
        "--root",
        m.root_str(),
        "--yes",
        "--cycle",
        "--he-host",
        "localhost",
        "--endpoint",
        &format!("httpd=127.0.0.1:{closed}"),
        "--verify-timeout",
        "1",
        "--probe-timeout",
        "2",
        "--format",
        "json",
    ]);
    let doc = maintenance_harness::json(&out);
    assert_eq!(out.status.code(), Some(4), "{doc:#}");
    assert_eq!(codes_of(&doc), ["endpoint-unreachable"], "{doc:#}");
    assert_eq!(doc["cycle"]["result"], "endpoint-unreachable", "{doc:#}");
    let manual: Vec<&str> = doc["cycle"]["manual"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(
        manual
            .iter()
            .any(|m| m.starts_with("endpoint-unreachable: systemctl status httpd")),
        "{manual:?}"
    );
    assert!(
        !manual.iter().any(|m| m.contains("restart-needed")),
        "{manual:?}"
    );
    assert!(!m.gm(), "maintenance cleared");
}
