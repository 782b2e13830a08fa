//! The Manager machine at run time: which services a change needs restarted, hosted-engine
//! global maintenance and the restart-and-verify cycle, and the TLS endpoints it serves.

pub mod endpoints;
pub mod maintenance;
pub mod services;
