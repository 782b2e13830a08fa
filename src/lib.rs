//! rhv-pki: keep an oVirt / RHV Manager's X.509 PKI healthy — audit it, re-sign SHA-1
//! certificates with SHA-256 keeping their keys, renew before expiry, re-enroll hosts.
//!
//! The library never reads the clock: every judgement takes `now` as an argument.

#![deny(unsafe_code)]

pub mod alert;
pub mod audit;
pub mod catalog;
pub mod cert;
pub mod change;
pub mod cli;
pub mod endpoints;
pub mod engine;
pub mod error;
pub mod hostfiles;
pub mod maintenance;
pub mod ovirt_conf;
pub mod p12format;
pub mod probe;
pub mod recover;
pub mod remote;
pub mod report;
pub mod rolling;
pub mod services;
pub mod sign;
/// The simulated Manager for tests and demos (feature `sim`): never in a product build.
#[cfg(feature = "sim")]
pub mod sim;
pub mod ssh;
pub mod sshcert;
pub mod sys;
pub mod truststore;
pub mod txn;
pub mod verify;

pub use error::{Error, Result};
