//! `rhv-pki generate schema [NAME]`: the JSON schemas (draft 2020-12) of the documents
//! `--format json` prints, as published in schema/ (embedded at build time). Each document's
//! `kind` is its schema's name; `apiVersion` is `rhv-pki/v1` in all of them.

use std::path::Path;

use super::exit::{CliError, ExitStatus};
use rhv_pki::i18n::Text;

macro_rules! schema {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/schema/",
                $name,
                ".schema.json"
            )),
        )
    };
}

/// (kind, schema text), in the order `generate schema` lists them.
pub const SCHEMAS: &[(&str, &str)] = &[
    schema!("PkiAudit"),
    schema!("PkiChange"),
    schema!("PkiRollback"),
    schema!("PkiBackups"),
    schema!("EnrollPlan"),
    schema!("EnrollReport"),
    schema!("HostRecovery"),
];

/// NAME: print its schema; --out-dir DIR: write every schema as DIR/<NAME>.schema.json;
/// neither: list the names.
pub fn generate(name: Option<&str>, out_dir: Option<&Path>) -> Result<ExitStatus, CliError> {
    let mut out = super::out::stdout();
    let write = |out: &mut dyn std::io::Write, text: &str| {
        out.write_all(text.as_bytes())
            .map_err(|e| CliError::Output(e.to_string()))
    };
    if let Some(n) = name {
        if out_dir.is_some() {
            return Err(CliError::Text(Text::new("cli2-schema-both")));
        }
        let Some((_, text)) = SCHEMAS.iter().find(|(k, _)| *k == n) else {
            return Err(CliError::Text(
                Text::new("cli2-no-schema")
                    .arg("name", format!("{n:?}"))
                    .arg(
                        "names",
                        SCHEMAS
                            .iter()
                            .map(|(k, _)| *k)
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
            ));
        };
        write(&mut out, text)?;
        return Ok(ExitStatus::Ok);
    }
    if let Some(dir) = out_dir {
        if !dir.is_dir() {
            return Err(CliError::Text(
                Text::new("cli2-out-dir-not-dir").arg("dir", dir.display()),
            ));
        }
        for (k, text) in SCHEMAS {
            let p = dir.join(format!("{k}.schema.json"));
            std::fs::write(&p, text)
                .map_err(|e| CliError::Output(format!("{}: {e}", p.display())))?;
        }
        return Ok(ExitStatus::Ok);
    }
    let list: String = SCHEMAS.iter().map(|(k, _)| format!("{k}\n")).collect();
    write(&mut out, &list)?;
    Ok(ExitStatus::Ok)
}
