//! The streamed audit (`audit::run_with` + a writing sink, what the CLI uses) against the
//! collected one (`audit::run` + `report::*`): same bytes, same order whatever the thread
//! count, bounded by the reordering window, and a failing sink stops the audit cleanly.

mod common;
use common::*;

use std::io;
use std::path::Path;

use rhv_pki::audit::report;
use rhv_pki::audit::{
    self, AuditConfig, CertRecord, Finding, InventoryItem, ReportHead, Sink, Totals,
};

const AT_UNIX: i64 = 1_793_491_200;

fn cfg(root: &Path, threads: usize) -> AuditConfig {
    let mut c = AuditConfig::new(pki(root), AT_UNIX);
    c.engine_conf_dir = Some(root.join("etc/ovirt-engine/engine.conf.d"));
    c.root = Some(root.to_path_buf());
    c.threads = threads;
    c
}

fn streamed_json(c: &AuditConfig) -> Vec<u8> {
    let mut s = report::JsonSink::new(Vec::new());
    audit::run_with(c, &mut s).unwrap();
    s.into_inner()
}

fn streamed_table(c: &AuditConfig, color: bool) -> Vec<u8> {
    let mut s = report::TableSink::new(Vec::new(), color);
    audit::run_with(c, &mut s).unwrap();
    s.into_inner()
}

#[test]
fn streamed_output_is_the_collected_report_byte_for_byte() {
    for s in [
        "4.2-sha1",
        "4.4-mixed",
        "4.5-modern",
        "broken",
        "expired",
        "expired-ca",
        "expiring",
        "third-party-apache",
    ] {
        let root = scenario(s);
        let c = cfg(root.path(), 0);
        let rep = audit::run(&c).unwrap();
        let mut pretty = serde_json::to_vec_pretty(&report::json(&rep)).unwrap();
        pretty.push(b'\n');
        let mut replayed = Vec::new();
        report::write_json(&rep, &mut replayed).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&replayed),
            String::from_utf8_lossy(&pretty),
            "{s}"
        );
        assert_eq!(
            String::from_utf8_lossy(&streamed_json(&c)),
            String::from_utf8_lossy(&pretty),
            "{s}"
        );
        for color in [false, true] {
            assert_eq!(
                String::from_utf8_lossy(&streamed_table(&c, color)),
                report::table(&rep, color),
                "{s}"
            );
        }
        let doc: serde_json::Value = serde_json::from_slice(&pretty).unwrap();
        let keys: Vec<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys.len(), 7, "{keys:?}");
    }
}

/// A PKI dir with `n` copies of a host certificate (plus backups and issued copies between
/// them), more than the reordering window holds.
fn many_hosts(n: usize) -> tempfile::TempDir {
    let root = scenario("4.5-modern");
    let certs = pki(root.path()).join("certs");
    let host = std::fs::read(certs.join("host1.example.test.cer")).unwrap();
    let copy = std::fs::read(certs.join("1000.pem")).unwrap();
    for i in 0..n {
        std::fs::write(certs.join(format!("h{i:05}.example.test.cer")), &host).unwrap();
        if i % 97 == 0 {
            std::fs::write(
                certs.join(format!("h{i:05}.example.test.cer.20250101000000")),
                &host,
            )
            .unwrap();
            std::fs::write(certs.join(format!("{:X}.pem", 0x20000 + i)), &copy).unwrap();
        }
    }
    root
}

#[test]
fn order_does_not_depend_on_threads() {
    let root = many_hosts(1500);
    let one = streamed_json(&cfg(root.path(), 1));
    for threads in [2, 3, 8] {
        assert!(
            streamed_json(&cfg(root.path(), threads)) == one,
            "{threads} threads"
        );
    }
    let doc: serde_json::Value = serde_json::from_slice(&one).unwrap();
    let paths: Vec<&str> = doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["scope"] == "host")
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 1500 + 4);
    // certs/ then certs-qemu/, each in name order.
    let certs: Vec<&&str> = paths.iter().filter(|p| p.starts_with("certs/")).collect();
    assert!(certs.windows(2).all(|w| w[0] < w[1]));
}

/// Fails after `left` certificates; counts what it was given.
struct Failing {
    left: usize,
    seen: usize,
}

impl Sink for Failing {
    fn head(&mut self, _: &ReportHead) -> io::Result<()> {
        Ok(())
    }
    fn certificate(&mut self, _: &CertRecord) -> io::Result<()> {
        self.seen += 1;
        if self.seen > self.left {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
        }
        Ok(())
    }
    fn finding(&mut self, _: &Finding) -> io::Result<()> {
        Ok(())
    }
    fn inventory(&mut self, _: &InventoryItem) -> io::Result<()> {
        Ok(())
    }
    fn finish(&mut self, _: &Totals) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn failing_sink_stops_the_audit() {
    let root = many_hosts(1200);
    for left in [0, 5, 700] {
        let mut s = Failing { left, seen: 0 };
        let e = audit::run_with(&cfg(root.path(), 2), &mut s).unwrap_err();
        assert!(matches!(e, audit::AuditError::Output(_)), "{e}");
        assert_eq!(s.seen, left + 1);
    }
}

#[test]
fn cli_json_is_the_library_document() {
    let root = scenario("broken");
    let out = run(&[
        "audit",
        "--root",
        root.path().to_str().unwrap(),
        "--at",
        AT,
        "--format",
        "json",
    ]);
    let lib = streamed_json(&cfg(root.path(), 0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&lib)
    );
}
