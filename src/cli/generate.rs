//! `rhv-pki generate`: shell completions and man pages, generated from the clap definitions.

use clap::ValueEnum;

use super::exit::{CliError, ExitStatus};
use super::{out, Cli};
use rhv_pki::i18n::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Generated {
    /// bash completion (source it, or install it as /usr/share/bash-completion/completions/rhv-pki).
    Bash,
    /// zsh completion (install it as `_rhv-pki` in a directory of $fpath).
    Zsh,
    /// fish completion (install it as ~/.config/fish/completions/rhv-pki.fish).
    Fish,
    /// The man page, roff (with --out-dir: one page per subcommand).
    Man,
    /// The JSON schema (draft 2020-12) of a `--format json` document, by its `kind`.
    Schema,
}

pub fn generate(
    what: Generated,
    name: Option<&str>,
    out_dir: Option<&std::path::Path>,
) -> Result<ExitStatus, CliError> {
    use clap::CommandFactory;
    if what == Generated::Schema {
        return super::schema::generate(name, out_dir);
    }
    if name.is_some() {
        return Err(CliError::Text(Text::new("cli2-generate-name")));
    }
    let mut cmd = Cli::command();
    if let Some(dir) = out_dir {
        if what != Generated::Man {
            return Err(CliError::Text(Text::new("cli2-out-dir-only")));
        }
        if !dir.is_dir() {
            return Err(CliError::Text(
                Text::new("cli2-out-dir-not-dir").arg("dir", dir.display()),
            ));
        }
        // One page per command, as clap_mangen::generate_to, but through man_page().
        fn pages(cmd: clap::Command, dir: &std::path::Path) -> std::io::Result<()> {
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
                pages(sub, dir)?;
            }
            let man = clap_mangen::Man::new(cmd);
            std::fs::write(dir.join(man.get_filename()), man_page(&man)?)
        }
        let mut cmd = cmd.disable_help_subcommand(true);
        cmd.build();
        pages(cmd, dir).map_err(|e| CliError::Output(format!("{}: {e}", dir.display())))?;
        return Ok(ExitStatus::Ok);
    }
    let mut out = out::stdout();
    match what {
        Generated::Bash => {
            let mut buf = Vec::new();
            clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, "rhv-pki", &mut buf);
            // clap_complete names the subcommand states `rhv__subcmd__pki__…` in the case
            // labels but `rhv__pki__…` where it sets them, so nothing below the top level
            // completed; one spelling makes them match.
            let text = String::from_utf8_lossy(&buf).replace("rhv__subcmd__pki", "rhv__pki");
            std::io::Write::write_all(&mut out, text.as_bytes())
                .map_err(|e| CliError::Output(e.to_string()))?
        }
        Generated::Zsh => {
            clap_complete::generate(clap_complete::Shell::Zsh, &mut cmd, "rhv-pki", &mut out)
        }
        Generated::Fish => {
            clap_complete::generate(clap_complete::Shell::Fish, &mut cmd, "rhv-pki", &mut out)
        }
        // Answered above, before --out-dir is read as man's.
        Generated::Schema => return super::schema::generate(name, None),
        Generated::Man => man_page(&clap_mangen::Man::new(cmd))
            .and_then(|p| std::io::Write::write_all(&mut out, &p))
            .map_err(|e| CliError::Output(e.to_string()))?,
    }
    Ok(ExitStatus::Ok)
}

/// A rendered man page in plain ASCII roff: every other character as a groff `\[uXXXX]`
/// escape, so `groff -ww` and `man --warnings` render it without "invalid input character".
fn man_page(man: &clap_mangen::Man) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    man.render(&mut raw)?;
    let mut s = String::with_capacity(raw.len());
    for c in String::from_utf8_lossy(&raw).chars() {
        if c.is_ascii() {
            s.push(c);
        } else {
            let _ = std::fmt::Write::write_fmt(&mut s, format_args!("\\[u{:04X}]", c as u32));
        }
    }
    Ok(s.into_bytes())
}
