//! Output formats of an audit: the kubeadm-style table admins already read, and a versioned
//! JSON document for machines. Exit-code policy (Nagios) lives in `Status`.

use std::io::{self, Write};

use serde_json::json;

use crate::audit::{
    AuditReport, CertRecord, Finding, InventoryItem, ReportHead, Severity, Sink, Totals,
};
use crate::i18n::{self, Lang, Messages, Text};

/// Overall state in Nagios terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// No finding above info.
    Ok,
    /// A warning at worst.
    Warning,
    /// A critical finding.
    Critical,
    /// The audit itself failed (the PKI could not be read).
    Unknown,
}

impl Status {
    /// The status of a whole report: its worst finding.
    pub fn of(report: &AuditReport) -> Status {
        Status::from_worst(report.worst())
    }
    /// The status from totals (for a streamed audit).
    pub fn of_totals(totals: &Totals) -> Status {
        Status::from_worst(totals.worst())
    }
    fn from_worst(worst: Option<Severity>) -> Status {
        match worst {
            Some(Severity::Critical) => Status::Critical,
            Some(Severity::Warning) => Status::Warning,
            _ => Status::Ok,
        }
    }
    /// The Nagios state number (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) the JSON summary and
    /// the Prometheus status metric carry; the process's exit status is the binary's to decide.
    pub fn nagios_code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Warning => 1,
            Status::Critical => 2,
            Status::Unknown => 3,
        }
    }
    /// `OK`, `WARNING`, `CRITICAL` or `UNKNOWN`, as Nagios prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warning => "WARNING",
            Status::Critical => "CRITICAL",
            Status::Unknown => "UNKNOWN",
        }
    }
}

/// `348d`, `5h`, `expired` (English: [`residual_text`] in the reader's language).
pub fn residual(seconds: i64) -> String {
    residual_text(seconds).english()
}

/// The RESIDUAL cell as a catalogue message: `348d`, `5h`, `2m`, `expired`.
pub fn residual_text(seconds: i64) -> Text {
    if seconds < 0 {
        Text::new("audit-residual-expired")
    } else if seconds >= 86_400 {
        Text::new("audit-residual-days").arg("n", seconds / 86_400)
    } else if seconds >= 3_600 {
        Text::new("audit-residual-hours").arg("n", seconds / 3_600)
    } else {
        Text::new("audit-residual-minutes").arg("n", seconds / 60)
    }
}

fn utc(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| t.to_string())
}

/// Counts per certificate status.
pub(crate) use crate::audit::Counts;

pub(crate) fn counts(r: &AuditReport) -> Counts {
    r.totals().certificates
}

/// The human table: one row per certificate, then the findings, then a summary line.
pub fn table(r: &AuditReport, color: bool) -> String {
    table_in(r, color, Lang::En)
}

/// [`table`] in `lang`.
pub fn table_in(r: &AuditReport, color: bool, lang: Lang) -> String {
    let mut t = TableSink::localized(Vec::new(), color, lang);
    // Writing to a Vec cannot fail.
    let _ = r.replay(&mut t);
    String::from_utf8_lossy(&t.into_inner()).into_owned()
}

/// The column headers' catalogue keys.
const HEADERS: [&str; 9] = [
    "audit-col-role",
    "audit-col-file",
    "audit-col-cn",
    "audit-col-not-after",
    "audit-col-residual",
    "audit-col-signature",
    "audit-col-key",
    "audit-col-status",
    "audit-col-action",
];
/// Writes the table. Column widths need every row, so rows are buffered — compactly, all
/// cells in one string — and written when the first finding or the end arrives; findings and the
/// summary are written as they come. Every word a person reads comes from the catalogue of the
/// sink's language; columns align by display width (a kanji takes two columns).
pub struct TableSink<W: Write> {
    w: W,
    color: bool,
    msgs: Messages,
    head: Option<ReportHead>,
    /// Every buffered cell, back to back; `ends` has the end offset of each (9 per row).
    text: String,
    ends: Vec<usize>,
    /// The row's status (for its colour), one per buffered row.
    statuses: Vec<&'static str>,
    widths: [usize; 9],
    rows_written: bool,
    findings_header: bool,
    notes_header: bool,
}

impl<W: Write> TableSink<W> {
    /// A table in English.
    pub fn new(w: W, color: bool) -> Self {
        Self::localized(w, color, Lang::En)
    }

    /// A table in `lang`.
    pub fn localized(w: W, color: bool, lang: Lang) -> Self {
        let msgs = Messages::new(lang);
        let widths = HEADERS.map(|k| i18n::width(&msgs.get(k)));
        TableSink {
            w,
            color,
            msgs,
            head: None,
            text: String::new(),
            ends: Vec::new(),
            statuses: Vec::new(),
            widths,
            rows_written: false,
            findings_header: false,
            notes_header: false,
        }
    }

    /// The writer back, once the audit is done.
    pub fn into_inner(self) -> W {
        self.w
    }

    fn line(&mut self, cells: &[&str], status: Option<&str>) -> io::Result<()> {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = self.widths[i].saturating_sub(i18n::width(cell));
            match (i, self.color, status) {
                (7, true, Some(st)) => s.push_str(&paint(st, cell)),
                _ => s.push_str(cell),
            }
            if i + 1 < cells.len() {
                s.extend(std::iter::repeat_n(' ', pad + 2));
            }
        }
        s.push('\n');
        self.w.write_all(s.as_bytes())
    }

    fn flush_rows(&mut self) -> io::Result<()> {
        if self.rows_written {
            return Ok(());
        }
        self.rows_written = true;
        let headers = HEADERS.map(|k| self.msgs.get(k));
        let headers = headers.each_ref().map(String::as_str);
        self.line(&headers, None)?;
        let text = std::mem::take(&mut self.text);
        let ends = std::mem::take(&mut self.ends);
        let statuses = std::mem::take(&mut self.statuses);
        let mut start = 0;
        for (row, status) in ends.chunks(HEADERS.len()).zip(statuses) {
            let mut cells = [""; 9];
            for (cell, &end) in cells.iter_mut().zip(row) {
                *cell = &text[start..end];
                start = end;
            }
            self.line(&cells, Some(status))?;
        }
        Ok(())
    }
}

impl<W: Write> Sink for TableSink<W> {
    fn head(&mut self, head: &ReportHead) -> io::Result<()> {
        self.head = Some(head.clone());
        Ok(())
    }

    fn certificate(&mut self, c: &CertRecord) -> io::Result<()> {
        let (cn, na, sig, key) = match &c.cert {
            Some(s) => (
                s.cn.clone().unwrap_or_else(|| "-".into()),
                utc(s.not_after),
                s.signature.name.to_string(),
                s.key.short(),
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into()),
        };
        let m = &self.msgs;
        // The advice in the reader's language when it is what `action` says (a command set
        // afterwards, as a literal, wins); English prints `action` itself.
        let advice = c
            .advice
            .as_ref()
            .filter(|t| m.lang() != Lang::En && c.action.as_deref() == Some(&t.english()));
        let action = match (advice, &c.action) {
            (Some(t), _) => t.render(m),
            (None, Some(a)) => a.clone(),
            (None, None) => "-".into(),
        };
        let cells = [
            c.role.clone(),
            c.path.clone(),
            cn,
            na,
            c.residual_seconds
                .map(|r| residual_text(r).render(m))
                .unwrap_or_else(|| "-".into()),
            sig,
            key,
            status_word(m, c.status),
            action,
        ];
        for (i, cell) in cells.iter().enumerate() {
            self.widths[i] = self.widths[i].max(i18n::width(cell));
            self.text.push_str(cell);
            self.ends.push(self.text.len());
        }
        self.statuses.push(c.status);
        Ok(())
    }

    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        self.flush_rows()?;
        // English keeps the finding's own message (what JSON says); another language renders
        // the problem's catalogue message from the same evidence.
        let message = match self.msgs.lang() {
            Lang::En => f.message.clone(),
            _ => f.problem.text().render(&self.msgs),
        };
        if f.severity > Severity::Info {
            if !self.findings_header {
                self.findings_header = true;
                let header = self.msgs.get("audit-findings");
                writeln!(self.w, "\n{header}")?;
            }
            let sev = self.msgs.get(match f.severity {
                Severity::Critical => "audit-severity-critical",
                _ => "audit-severity-warning",
            });
            let sev = if self.color {
                paint(f.severity.as_str(), &sev)
            } else {
                i18n::pad(&sev, 8)
            };
            writeln!(
                self.w,
                "{sev}  {:<24}  {}: {message}",
                f.problem.code(),
                f.path,
            )
        } else {
            if !self.notes_header {
                self.notes_header = true;
                self.w.write_all(b"\n")?;
            }
            let note = self.msgs.fmt(
                "audit-note",
                &[
                    ("path", f.path.as_str().into()),
                    ("message", message.as_str().into()),
                ],
            );
            writeln!(self.w, "{note}")
        }
    }

    fn inventory(&mut self, _: &InventoryItem) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, t: &Totals) -> io::Result<()> {
        self.flush_rows()?;
        let c = &t.certificates;
        let st = Status::of_totals(t);
        let (warn, crit, now) = self
            .head
            .as_ref()
            .map(|h| (h.warn_days, h.crit_days, h.now))
            .unwrap_or_default();
        let at = crate::pki::cert::rfc3339(now);
        let status = self.msgs.get(match st {
            Status::Ok => "audit-overall-ok",
            Status::Warning => "audit-overall-warning",
            Status::Critical => "audit-overall-critical",
            Status::Unknown => "audit-overall-unknown",
        });
        let line = self.msgs.fmt(
            "audit-summary",
            &[
                ("status", status.as_str().into()),
                ("unreached", t.hosts_unreachable.into()),
                ("certs", c.total.into()),
                ("ok", c.ok.into()),
                ("warning", c.warning.into()),
                ("critical", c.critical.into()),
                ("expired", c.expired.into()),
                ("missing", c.missing.into()),
                ("inventory", t.inventory.into()),
                ("warn_days", warn.into()),
                ("crit_days", crit.into()),
                ("at", at.as_str().into()),
            ],
        );
        writeln!(self.w, "\n{line}")?;
        self.w.flush()
    }
}

/// A row's status (`ok`, `warning`, `critical`, `expired`, `missing`) in the reader's language.
fn status_word(m: &Messages, status: &str) -> String {
    match status {
        "ok" => m.get("audit-status-ok"),
        "warning" => m.get("audit-status-warning"),
        "critical" => m.get("audit-status-critical"),
        "expired" => m.get("audit-status-expired"),
        "missing" => m.get("audit-status-missing"),
        other => other.to_string(),
    }
}

fn paint(status: &str, text: &str) -> String {
    let code = match status {
        "ok" | "info" => "32",
        "warning" => "33",
        "critical" | "expired" | "missing" => "31",
        _ => return text.to_string(),
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// API version of the JSON document; bump on incompatible changes.
pub const API_VERSION: &str = "rhv-pki/v1";

fn meta(h: &ReportHead) -> serde_json::Value {
    json!({
        "checkedAt": crate::pki::cert::rfc3339(h.now),
        "pkiDir": h.pki_dir,
        "engineFqdn": h.engine_fqdn,
        "era": h.era,
        "thresholds": { "warnDays": h.warn_days, "critDays": h.crit_days },
        "tool": concat!("rhv-pki ", env!("CARGO_PKG_VERSION")),
    })
}

fn summary(t: &Totals) -> serde_json::Value {
    let c = &t.certificates;
    let st = Status::of_totals(t);
    json!({
        "status": st.as_str(),
        "exitCode": st.nagios_code(),
        "certificates": c.total,
        "ok": c.ok,
        "warning": c.warning,
        "critical": c.critical,
        "expired": c.expired,
        "missing": c.missing,
        "hostsUnreachable": t.hosts_unreachable,
        "findings": {
            "critical": t.critical,
            "warning": t.warning,
            "info": t.info,
        },
    })
}

/// The versioned JSON document of a collected report. Keys are in the order [`JsonSink`]
/// writes them: `summary` comes last because a streamed audit only knows it at the end.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonDoc<'a> {
    kind: &'static str,
    api_version: &'static str,
    meta: serde_json::Value,
    certificates: &'a [CertRecord],
    findings: &'a [Finding],
    inventory: &'a [InventoryItem],
    summary: serde_json::Value,
}

/// The stable JSON document of a report (`serde_json::to_writer(json(&r))`).
pub fn json(r: &AuditReport) -> JsonDoc<'_> {
    JsonDoc {
        kind: "PkiAudit",
        api_version: API_VERSION,
        meta: meta(&r.head()),
        certificates: &r.certificates,
        findings: &r.findings,
        inventory: &r.inventory,
        summary: summary(&r.totals()),
    }
}

/// Writes the JSON document as the audit runs, byte for byte what `serde_json::to_writer_pretty`
/// makes of [`json()`], plus a final newline. Only one certificate is in memory at a time.
pub struct JsonSink<W: Write> {
    w: W,
    buf: Vec<u8>,
    /// Index in [`ARRAYS`] of the array being written (`None` before the first).
    open: Option<usize>,
    /// The open array has an element.
    filled: bool,
}

/// The arrays of the document, in the order they are written.
const ARRAYS: [&str; 3] = ["certificates", "findings", "inventory"];

impl<W: Write> JsonSink<W> {
    /// A JSON writer to `w`: the same document as [`json()`], written as the audit goes.
    pub fn new(w: W) -> Self {
        JsonSink {
            w,
            buf: Vec::new(),
            open: None,
            filled: false,
        }
    }

    /// The writer back, once the audit is done.
    pub fn into_inner(self) -> W {
        self.w
    }

    /// `v` pretty-printed at nesting depth `depth`.
    fn value<T: serde::Serialize + ?Sized>(&mut self, v: &T, depth: usize) -> io::Result<()> {
        self.buf.clear();
        serde_json::to_writer_pretty(&mut self.buf, v).map_err(io::Error::other)?;
        // Raw newlines only occur between tokens (strings escape theirs): re-indent by depth.
        let indent = "  ".repeat(depth);
        let mut rest = &self.buf[..];
        while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
            self.w.write_all(&rest[..=nl])?;
            self.w.write_all(indent.as_bytes())?;
            rest = &rest[nl + 1..];
        }
        self.w.write_all(rest)
    }

    /// Closes arrays up to `upto` (exclusive) and opens the ones before it, in order.
    fn advance(&mut self, upto: usize) -> io::Result<()> {
        while self.open.is_none_or(|o| o < upto) {
            if self.open.is_some() {
                self.close()?;
            }
            let next = self.open.map_or(0, |o| o + 1);
            if next >= ARRAYS.len() {
                break;
            }
            write!(self.w, ",\n  \"{}\": [", ARRAYS[next])?;
            self.open = Some(next);
            self.filled = false;
            if next == upto {
                break;
            }
        }
        Ok(())
    }

    fn element<T: serde::Serialize + ?Sized>(&mut self, array: usize, item: &T) -> io::Result<()> {
        self.advance(array)?;
        self.w
            .write_all(if self.filled { b",\n    " } else { b"\n    " })?;
        self.filled = true;
        self.value(item, 2)
    }

    fn close(&mut self) -> io::Result<()> {
        if self.filled {
            self.w.write_all(b"\n  ]")
        } else {
            self.w.write_all(b"]")
        }
    }
}

impl<W: Write> Sink for JsonSink<W> {
    fn head(&mut self, h: &ReportHead) -> io::Result<()> {
        write!(
            self.w,
            "{{\n  \"kind\": \"PkiAudit\",\n  \"apiVersion\": \"{API_VERSION}\",\n  \"meta\": "
        )?;
        self.value(&meta(h), 1)?;
        self.advance(0)
    }
    fn certificate(&mut self, rec: &CertRecord) -> io::Result<()> {
        self.element(0, rec)
    }
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        self.element(1, f)
    }
    fn inventory(&mut self, item: &InventoryItem) -> io::Result<()> {
        self.element(2, item)
    }
    fn finish(&mut self, t: &Totals) -> io::Result<()> {
        self.advance(ARRAYS.len() - 1)?;
        self.close()?;
        self.w.write_all(b",\n  \"summary\": ")?;
        self.value(&summary(t), 1)?;
        self.w.write_all(b"\n}\n")?;
        self.w.flush()
    }
}

/// The JSON document of a collected report with the `--policy el9` verdict as its `el9` object.
pub fn write_json_el9(
    r: &AuditReport,
    el9: &crate::audit::el9::Verdict,
    mut w: impl Write,
) -> io::Result<()> {
    let mut v = serde_json::to_value(json(r)).map_err(io::Error::other)?;
    if let Some(m) = v.as_object_mut() {
        m.insert(
            "el9".into(),
            serde_json::to_value(el9).map_err(io::Error::other)?,
        );
    }
    serde_json::to_writer_pretty(&mut w, &v).map_err(io::Error::other)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// Writes the JSON document of a collected report (what `audit --format json` prints).
pub fn write_json(r: &AuditReport, w: impl Write) -> io::Result<()> {
    r.replay(&mut JsonSink::new(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residual_text() {
        assert_eq!(residual(-1), "expired");
        assert_eq!(residual(86_400 * 348 + 5), "348d");
        assert_eq!(residual(7_200), "2h");
        assert_eq!(residual(120), "2m");
    }
}
