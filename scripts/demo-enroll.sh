#!/usr/bin/env bash
# README demo: the Manager simulator on a copy of the 4.2 sample (SHA-1 apache, SHA-1 and
# SAN-less host certificates), then `hosts audit`, `hosts enroll --dry-run` and the real
# rolling re-enrollment, then `hosts audit` again. Nothing outside a temp dir is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q --features sim --bins   # rhv-manager-sim needs the `sim` feature
BIN=target/release
work=$(mktemp -d)
trap 'stop_sim; rm -rf "$work"' EXIT
. scripts/lib-sim.sh
cat > "$work/scenario.toml" <<'TOML'
[[clusters]]
name = "Default"
[[hosts]]
name = "host1"
spm = true
cert = { sha1 = true, no_san = true }
[[hosts]]
name = "host2"
cert = { sha1 = true }
[[hosts]]
name = "host3"
cert = { days_left = 20 }
[[hosts]]
name = "host4"
[[vms]]
name = "db"
host = "host1"
memory_mib = 8192
[[vms]]
name = "web"
host = "host2"
memory_mib = 4096
TOML
start_sim demo "$work/scenario.toml" "${SCALE:-0.05}" 4.2-sha1
common=(--root "$work/demo/root" --engine-url "https://$fqdn:$port" --connect-to "127.0.0.1:$port"
        --password-file "$work/demo/pw")
# shellcheck disable=SC2206
common+=($eps)
echo "== simulator: https://$fqdn:$port (4 hosts; SHA-1 Manager PKI)"
echo "== rhv-pki hosts audit"
"$BIN/rhv-pki" hosts audit "${common[@]}" || true
echo "== rhv-pki hosts enroll --only-needed --max-parallel 2 --dry-run"
"$BIN/rhv-pki" hosts enroll "${common[@]}" --only-needed --max-parallel 2 --poll-interval 0.2 --dry-run
echo "== rhv-pki hosts enroll --only-needed --max-parallel 2 --yes"
"$BIN/rhv-pki" hosts enroll "${common[@]}" --only-needed --max-parallel 2 --poll-interval 0.2 --yes
echo "== rhv-pki hosts audit (after)"
"$BIN/rhv-pki" hosts audit "${common[@]}"
