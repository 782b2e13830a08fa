//! rhv-pki: keep an oVirt / RHV Manager's X.509 PKI healthy — audit it, re-sign SHA-1
//! certificates with SHA-256 keeping their keys, renew before expiry, re-enroll hosts.
//!
//! The library never reads the wall clock, the environment, argv or the terminal: `now`
//! (Unix seconds, UTC), passwords, paths and progress sinks are arguments. The command line
//! lives in `src/cli/`, part of the binary only.
//!
//! Parts, with one-way arrows: [`pki`] (formats, crypto, catalogue; pure) ← [`audit`]
//! (read-only judgement and its output formats) ← [`change`] (the only writer of the Manager
//! PKI) / [`manager`] (services, maintenance, endpoints) / [`net`] (transports) ← [`hosts`].
//! [`upgrade`] drives the Manager upgrade's PKI phases; [`exec`], [`sys`], [`journal`] and
//! [`i18n`] are the small services below them all.
//!
//! # Where to start
//!
//! - Audit a PKI directory: [`AuditConfig::new`] then [`audit::run`] (the whole
//!   [`AuditReport`]) or [`audit::run_with`] (streamed into an [`audit::Sink`], such as
//!   [`audit::report::TableSink`] or [`audit::report::JsonSink`]); Prometheus and Nagios
//!   outputs are in [`audit::alert`].
//!
//!   ```
//!   use rhv_pki::audit::{self, Severity};
//!
//!   // Judged at 2026-12-07T00:00:00Z (Unix seconds): the library never reads the clock.
//!   let pki_dir = "testdata/pki/4.2-sha1/etc/pki/ovirt-engine";
//!   let cfg = rhv_pki::AuditConfig::new(pki_dir, 1_796_601_600);
//!   let report = audit::run(&cfg)?;
//!   // The 4.2 sample is signed with SHA-1, which RHEL 9 refuses.
//!   assert!(report.findings.iter().any(|f| f.severity >= Severity::Warning
//!       && matches!(f.problem, audit::Problem::Sha1Signature { .. })));
//!   # Ok::<(), audit::AuditError>(())
//!   ```
//!
//! - Change it: [`change::plan`] a [`change::Request`] under a [`ChangeConfig`] (a plain
//!   [`change::Plan`], what `--dry-run` prints), then [`change::apply`] it: one transaction
//!   with a backup, rolled back on any failure; [`change::txn::list_backups`] and
//!   [`change::txn::rollback_to`] undo it later.
//! - Restart what serves the new files: [`manager::services`], [`manager::maintenance`]
//!   (hosted-engine global maintenance) and [`manager::endpoints`] (what each TLS endpoint
//!   serves).
//! - Hosts: [`hosts::rolling`] plans and runs Enroll Certificate through the Manager's REST
//!   API ([`net::engine::Engine`]); [`hosts::recover`] re-issues over SSH what the Manager can
//!   no longer enroll; [`hosts::files`] and [`hosts::vdsm`] audit hosts.
//!
//! Errors are typed per part ([`Error`] for reading PKI files, [`audit::AuditError`],
//! [`change::ChangeError`], …); each names the file or endpoint and what is wrong.
//!
//! The modules stay public because the binary reaches their items by path (change, hosts and
//! upgrade each have their own `plan` and `Plan`); the root re-exports only the types every
//! caller starts from.

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod change;
pub mod exec;
pub mod hosts;
pub mod i18n;
pub mod journal;
pub mod manager;
pub mod net;
pub mod pki;
/// The simulated Manager for tests and demos (feature `sim`): never in a product build.
#[cfg(feature = "sim")]
pub mod sim;
pub mod sys;
pub mod upgrade;

pub use audit::{AuditConfig, AuditReport};
pub use change::ChangeConfig;
pub use pki::error::{Error, Result};
