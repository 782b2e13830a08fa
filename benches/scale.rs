//! Benchmarks of issue #2, printed side by side with their baselines in one run (never
//! asserted): (a) auditing a sample Manager dir vs one `openssl x509` process per file,
//! (b) 10,000 certificates with chain verification, (c) peak memory for 100,000 certificates.
//!
//! Run: `cargo bench --bench scale` (add `-- --quick` to skip the 100k memory run, or
//! `-- --sample` to run only (a)).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use openssl::x509::X509;

use rhv_pki::audit::{self, AuditConfig};
use rhv_pki::pki::cert;
use rhv_pki::pki::verify::{ChainStatus, Issuer};

mod support;
use support::{ca, host_dir, leaves, AT};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// CPU seconds (user + sys) of this process and of its waited-for children, from
/// /proc/self/stat (clock ticks of 1/100 s): on a loaded machine wall time measures the
/// neighbours too, CPU time measures the work.
fn cpu_secs() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name's closing parenthesis: state is field 3, utime 14.
    let rest = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    let at = |i: usize| f.get(i - 3).copied().unwrap_or(0.0) / 100.0;
    (at(14) + at(15), at(16) + at(17))
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rhv-pki"))
}

/// (a) The sample Manager dir: our binary vs the runbook's one-openssl-per-file loop.
fn bench_sample_dir(root: &Path) {
    let pki = root.join("etc/pki/ovirt-engine");
    let mut files: Vec<PathBuf> = Vec::new();
    let mut p12s: Vec<PathBuf> = Vec::new();
    for sub in ["", "certs", "certs-qemu", "keys"] {
        let Ok(rd) = std::fs::read_dir(pki.join(sub)) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            if !p.is_file() {
                continue;
            }
            if n.ends_with(".cer") || (sub.is_empty() && n.ends_with(".pem")) {
                files.push(p);
            } else if n.ends_with(".p12") {
                p12s.push(p);
            }
        }
    }
    // Baseline: what the runbook does, one process per certificate file (+ one per p12).
    let mut base = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        for f in &files {
            let _ = Command::new("openssl")
                .args(["x509", "-noout", "-enddate", "-in"])
                .arg(f)
                .stdout(Stdio::null())
                .status();
        }
        for f in &p12s {
            let _ = Command::new("openssl")
                .args([
                    "pkcs12",
                    "-nokeys",
                    "-passin",
                    "pass:mypass",
                    "-legacy",
                    "-in",
                ])
                .arg(f)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        base.push(t.elapsed());
    }
    let mut ours_proc = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let _ = Command::new(bin())
            .args(["audit", "--format", "json", "--at", "2026-11-01", "--root"])
            .arg(root)
            .stdout(Stdio::null())
            .status();
        ours_proc.push(t.elapsed());
    }
    // The floor under the whole-process figure: starting and ending this binary, no audit.
    let mut start_only = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let _ = Command::new(bin())
            .arg("--version")
            .stdout(Stdio::null())
            .status();
        start_only.push(t.elapsed());
    }
    let mut ours_lib = Vec::new();
    let mut cfg = AuditConfig::new(&pki, AT);
    cfg.engine_conf_dir = Some(root.join("etc/ovirt-engine/engine.conf.d"));
    cfg.root = Some(root.to_path_buf());
    let mut n = 0;
    for _ in 0..30 {
        let t = Instant::now();
        let r = audit::run(&cfg).unwrap();
        ours_lib.push(t.elapsed());
        n = r.certificates.len();
    }
    let (b, p, l) = (median(base), median(ours_proc), median(ours_lib));
    println!(
        "(a) sample Manager dir {} ({} cert files + {} p12, {} certificates judged)",
        root.display(),
        files.len(),
        p12s.len(),
        n
    );
    println!(
        "    baseline: openssl x509/pkcs12 per file ........ {:>9.1} ms",
        ms(b)
    );
    println!(
        "    rhv-pki audit, whole process (spawn+JSON) ..... {:>9.1} ms   ({:.0}x faster)",
        ms(p),
        b.as_secs_f64() / p.as_secs_f64()
    );
    println!(
        "    rhv-pki audit, library call ................... {:>9.1} ms   ({:.0}x faster)",
        ms(l),
        b.as_secs_f64() / l.as_secs_f64()
    );
    println!(
        "    rhv-pki --version (process start+exit only) ... {:>9.1} ms",
        ms(median(start_only))
    );
    println!("    target: whole process >= 30x faster than the openssl loop (issue 16; the former 100x sat below process start-up)");
}

/// (b) 10,000 certificates: the per-certificate path in memory, and the whole audit from disk.
fn bench_10k() {
    let (ca, key) = ca();
    let pems = leaves(&ca, &key, 10_000);
    let ders: Vec<Vec<u8>> = pems
        .iter()
        .map(|p| cert::first_certificate(Path::new("m"), p).unwrap())
        .collect();
    let ca_der = ca.to_der().unwrap();
    let issuer = Issuer::new("ca", &ca_der).unwrap();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let valid: usize = std::thread::scope(|s| {
            let hs: Vec<_> = ders
                .chunks(ders.len().div_ceil(threads))
                .map(|chunk| {
                    let issuer = &issuer;
                    s.spawn(move || {
                        chunk
                            .iter()
                            .filter(|d| {
                                let (x, _summary) = cert::parse(Path::new("m"), d).unwrap();
                                issuer.check(&x, d) == ChainStatus::Valid
                            })
                            .count()
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(valid, ders.len());
        best = best.min(t.elapsed());
    }
    // Single-thread baseline of the same work through OpenSSL's own X509_verify.
    let ca_pub = ca.public_key().unwrap();
    let t = Instant::now();
    for d in ders.iter().take(2000) {
        let x = X509::from_der(d).unwrap();
        assert!(x.verify(&ca_pub).unwrap());
    }
    let openssl_rate = 2000.0 / t.elapsed().as_secs_f64();

    let (dir, gen) = host_dir(10_000);
    let mut cfg = AuditConfig::new(dir.join("etc/pki/ovirt-engine"), AT);
    cfg.root = Some(dir.clone());
    let mut full = Vec::new();
    let runs = 5;
    let cpu0 = cpu_secs().0;
    for _ in 0..runs {
        let t = Instant::now();
        let r = audit::run(&cfg).unwrap();
        // 10,000 hosts + ca.pem (+ rows for the required entities this bare dir lacks).
        assert_eq!(
            r.certificates.iter().filter(|c| c.scope == "host").count(),
            10_000
        );
        full.push(t.elapsed());
    }
    let full_cpu = (cpu_secs().0 - cpu0) / runs as f64;
    let full = median(full);
    // The same audit as a process (start, read, judge, JSON to /dev/null, exit).
    let mut proc_wall = Vec::new();
    let child0 = cpu_secs().1;
    for _ in 0..runs {
        let t = Instant::now();
        let st = Command::new(bin())
            .args(["audit", "--format", "json", "--at", "2026-11-01", "--root"])
            .arg(&dir)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        proc_wall.push(t.elapsed());
        assert!(st.code().is_some(), "audit process killed: {st}");
    }
    let proc_cpu = (cpu_secs().1 - child0) / runs as f64;
    let proc_wall = median(proc_wall);
    println!("(b) 10,000 host certificates (10% SHA-1), chain verification, {threads} threads");
    println!(
        "    parse + summary + verify, in memory ........... {:>9.0} certs/s",
        10_000.0 / best.as_secs_f64()
    );
    println!(
        "    baseline: openssl crate X509::verify, 1 thread  {:>9.0} certs/s",
        openssl_rate
    );
    println!(
        "    whole audit from disk (read+PEM+all checks) ... {:>9.0} certs/s ({:.0} ms; CPU {:.0} ms)",
        10_000.0 / full.as_secs_f64(),
        ms(full),
        full_cpu * 1000.0
    );
    println!(
        "    the same, whole process (spawn+JSON) .......... {:>9.0} certs/s ({:.0} ms; CPU {:.0} ms)",
        10_000.0 / proc_wall.as_secs_f64(),
        ms(proc_wall),
        proc_cpu * 1000.0
    );
    println!(
        "    CPU-bound rate on {threads} idle cores (10,000 / (CPU / {threads})) {:>9.0} certs/s",
        10_000.0 / (proc_cpu / threads as f64)
    );
    println!(
        "    target: >= 50,000 certs/s (RSA-verify ceiling here ~90,000/s on 2 cores){}",
        if gen > Duration::ZERO {
            format!("; generated in {:.1}s", gen.as_secs_f64())
        } else {
            String::new()
        }
    );
}

/// (c) Peak memory of the real binary auditing 100,000 certificates (JSON to /dev/null).
fn bench_100k_memory() {
    let (dir, gen) = host_dir(100_000);
    // The child's ru_maxrss also counts the memory of the process that spawned it, up to the
    // exec (Linux keeps the old mm's high-water mark) — and this process may just have built
    // 100,000 certificates. So a fresh, small copy of this bench spawns the audit and reports
    // its figure.
    let t = Instant::now();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--bench", "--child-rss"])
        .arg(&dir)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    let wall = t.elapsed();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    let kb: f64 = it.next().and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
    let code = it.next().unwrap_or("?").to_string();
    let spawner_kb: f64 = it.next().and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
    println!("(c) 100,000 host certificates, whole process, JSON output");
    println!(
        "    peak RSS of the audit process ................. {:>9.1} MB (its spawner: {:.1} MB)",
        kb / 1024.0,
        spawner_kb / 1024.0
    );
    println!(
        "    wall time (incl. the spawner) ................. {:>9.0} ms ({:.0} certs/s), exit {code}",
        ms(wall),
        100_000.0 / wall.as_secs_f64(),
    );
    println!(
        "    target: <= 64 MB{}",
        if gen > Duration::ZERO {
            format!("; generated in {:.1}s", gen.as_secs_f64())
        } else {
            String::new()
        }
    );
}

/// `--child-rss DIR`: runs the audit of DIR and prints its peak RSS (KB), exit code and this
/// process's own peak RSS (an upper bound of what the child inherited before exec).
fn child_rss(dir: &Path) {
    let status = Command::new(bin())
        .args(["audit", "--format", "json", "--at", "2026-11-01", "--root"])
        .arg(dir)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    // SAFETY: getrusage only fills the struct we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let mut me: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut me) };
    println!(
        "{} {} {}",
        ru.ru_maxrss,
        status
            .code()
            .map(|c| c.to_string())
            .unwrap_or_else(|| "signal".into()),
        me.ru_maxrss
    );
}

fn main() {
    // `cargo test --all-targets` also runs this binary (without `--bench`): the figures are
    // only meaningful from an optimized `cargo bench` run, so do nothing there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("scale: benchmark only; run `cargo bench --bench scale`");
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child-rss") {
        child_rss(Path::new(&args[i + 1]));
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    // `-- --sample`: only (a), for repeating the side-by-side run on a noisy machine.
    let sample_only = std::env::args().any(|a| a == "--sample");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pki/4.5-modern");
    if !quick && !sample_only {
        bench_100k_memory();
    }
    bench_sample_dir(&sample);
    if !sample_only {
        bench_10k();
    }
}
