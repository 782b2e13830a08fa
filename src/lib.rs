//! rhv-pki: keep an oVirt / RHV Manager's X.509 PKI healthy — audit it, re-sign SHA-1
//! certificates with SHA-256 keeping their keys, renew before expiry, re-enroll hosts.
//!
//! The library never reads the clock: every judgement takes `now` as an argument.
//!
//! Parts, with one-way arrows: [`pki`] (formats, crypto, catalogue; pure) ← [`audit`]
//! (read-only judgement and its output formats) ← [`change`] (the only writer of the Manager
//! PKI) / [`manager`] (services, maintenance, endpoints) / [`net`] (transports) ← [`hosts`].

#![deny(unsafe_code)]

pub mod audit;
pub mod change;
pub mod cli;
pub mod exec;
pub mod hosts;
pub mod manager;
pub mod net;
pub mod pki;
/// The simulated Manager for tests and demos (feature `sim`): never in a product build.
#[cfg(feature = "sim")]
pub mod sim;
pub mod sys;

pub use pki::error::{Error, Result};
