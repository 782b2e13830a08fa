//! `rhv-manager-sim`: a faithful stand-in for an oVirt Manager's REST API (placeholder until
//! the simulator lands; see `rhv_pki::sim`).

fn main() -> std::process::ExitCode {
    eprintln!("rhv-manager-sim: not built yet");
    std::process::ExitCode::from(3)
}
