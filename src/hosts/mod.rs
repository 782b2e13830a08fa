//! Work on hypervisor hosts: the certificate set a host holds and its audit ([`files`]),
//! recovery of hosts the Manager can no longer reach ([`recover`]), and rolling re-enrollment
//! through the Manager's REST API ([`rolling`]), and the vdsm TLS fan-out of `hosts audit`
//! ([`vdsm`]).

pub mod files;
pub mod recover;
pub mod rolling;
pub mod vdsm;
