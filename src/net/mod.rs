//! Transports: where commands run ([`remote`], [`ssh`]), what a TLS endpoint really serves
//! ([`tls`], with the pinned-CA verifier), and the Manager's REST API client ([`engine`]).

pub mod engine;
pub mod remote;
pub mod ssh;
pub mod tls;
