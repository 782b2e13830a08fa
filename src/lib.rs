//! rhv-pki: keep an oVirt / RHV Manager's X.509 PKI healthy — audit it, re-sign SHA-1
//! certificates with SHA-256 keeping their keys, renew before expiry, re-enroll hosts.
//!
//! The library never reads the wall clock, the environment, argv or the terminal: `now`,
//! passwords, paths and progress sinks are arguments. The command line lives in `src/cli/`,
//! part of the binary only.
//!
//! Parts, with one-way arrows: [`pki`] (formats, crypto, catalogue; pure) ← [`audit`]
//! (read-only judgement and its output formats) ← [`change`] (the only writer of the Manager
//! PKI) / [`manager`] (services, maintenance, endpoints) / [`net`] (transports) ← [`hosts`].

#![deny(unsafe_code)]

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

pub use pki::error::{Error, Result};
