#!/usr/bin/env bash
# The whole test suite, as CI runs it: set up, lint, test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
# Licenses, RustSec advisories (offline snapshot), bans, sources: deny.toml (issue 17).
bash scripts/deny.sh
# `cargo test` builds with the test-only fault-injection feature (dev-dependency on itself).
cargo test --all-targets
# SIGKILLs during resign --all on the shipped (no fault hook) binary; the seed is printed.
bash scripts/crash-test.sh 4
# The fault matrix's CI rows (issue 20): fails when a row shows more hosts out than allowed or
# a host left out of service that rhv-pki's output did not name.
bash scripts/rolling-faults.sh --quick
# Packaging (issue 17): the binary RPM from a vendored tarball, its payload, requirements,
# scriptlets, units (systemd-analyze verify) and rpmlint.
bash scripts/build-rpm.sh
# OpenSSL 1.1.1 (EL8): built from the openssl-src crate's source, the Manager-side suite on it.
bash scripts/test-openssl111.sh
