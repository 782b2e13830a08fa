#!/usr/bin/env bash
# How gently `rhv-pki hosts enroll` treats the Manager (issue 18): N simulated hosts (room
# for K out at once), one rolling run, and the REST requests the simulator counted
# (`GET /sim/report`) per endpoint, per host and per poll interval. Figures, not assertions
# (tests/enroll_requests.rs asserts the bound).
# Usage: scripts/bench-enroll-requests.sh [N] [K]   (BIN=target/debug to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-24}
K=${2:-3}
SCALE=${SCALE:-0.02}
POLL=${POLL:-0.05}
if [ -z "${BIN:-}" ]; then
  cargo build --release -q --features sim --bins
  BIN=target/release
fi
work=$(mktemp -d)
trap 'stop_sim; rm -rf "$work"' EXIT
. scripts/lib-sim.sh

{
  echo '[[clusters]]'; echo 'name = "Default"'
  for i in $(seq -w 1 "$N"); do
    printf '[[hosts]]\nname = "h%s"\nmemory_mib = 32768\n' "$i"
    printf '[[vms]]\nname = "vm%s"\nhost = "h%s"\nmemory_mib = 2048\n' "$i" "$i"
  done
} > "$work/scenario.toml"
start_sim run "$work/scenario.toml" "$SCALE" 2>/dev/null || {
  # A big fleet takes longer to start than lib-sim waits for: wait on, then learn the details.
  for _ in $(seq 1 1200); do grep -q listening "$work/run/sim.out" 2>/dev/null && break; sleep 0.5; done
  port=$(sed -n 's/.*connect=127.0.0.1:\([0-9]*\).*/\1/p' "$work/run/sim.out")
  fqdn=$(sed -n 's|.*https://\([^:]*\):.*|\1|p' "$work/run/sim.out")
  [ -n "$port" ] || { echo "simulator did not start:" >&2; cat "$work/run/sim.err" >&2; exit 1; }
  eps=$(curl -s --ciphers "DEFAULT:@SECLEVEL=0" --cacert "$work/run/root/etc/pki/ovirt-engine/ca.pem" --resolve "$fqdn:$port:127.0.0.1" \
        "https://$fqdn:$port/sim/hosts" | python3 -c 'import json,sys; print(" ".join("--vdsm-endpoint %s=%s"%(h["name"],h["connect"]) for h in json.load(sys.stdin)["host"]))')
}
report() {
  curl -s --ciphers "DEFAULT:@SECLEVEL=0" --cacert "$work/run/root/etc/pki/ovirt-engine/ca.pem" \
    --resolve "$fqdn:$port:127.0.0.1" "https://$fqdn:$port/sim/report"
}
report > "$work/before.json"
start=$(date +%s.%N)
# shellcheck disable=SC2086
"$BIN/rhv-pki" hosts enroll --root "$work/run/root" --engine-url "https://$fqdn:$port" \
  --connect-to "127.0.0.1:$port" --password-file "$work/run/pw" $eps --poll-interval "$POLL" \
  --max-parallel "$K" --all-hosts --yes --format json > "$work/report.json" 2> "$work/log" ||
  { echo "bench: hosts enroll failed (exit $?):" >&2; grep -v ': to resume: ' "$work/log" | tail -n 20 >&2
    # The simulator's own account of a failure (e.g. an issuance that could not take the lock).
    grep -v ' -> ' "$work/run/sim.err" | tail -n 5 >&2 || true; }
end=$(date +%s.%N)
report > "$work/after.json"
python3 - "$work/before.json" "$work/after.json" "$work/report.json" "$N" "$K" "$start" "$end" "$POLL" <<'PY'
import json, sys
b, a, r = (json.load(open(p)) for p in sys.argv[1:4])
n, k = int(sys.argv[4]), int(sys.argv[5])
wall = float(sys.argv[7]) - float(sys.argv[6]); poll = float(sys.argv[8])
if not (r.get("completed") and all(h["step"] == "done" for h in r["hosts"])):
    print("run did not complete:", [(h["name"], h["step"], h.get("error")) for h in r.get("hosts", []) if h["step"] != "done"][:5])
d = {key: v - b["requests"].get(key, 0) for key, v in a["requests"].items()}
d = {key: v for key, v in d.items() if v and not key.startswith("GET /sim")}
total = sum(d.values())
intervals = wall / poll
print(f"hosts enroll, {n} hosts, --max-parallel {k}, poll {poll} s, {wall:.1f} s wall ({intervals:.0f} poll intervals)")
for key, v in sorted(d.items()):
    print(f"  {key:45s} {v:7d}  ({v / n:6.2f} per host)")
lists, events = d.get("GET /hosts", 0), d.get("GET /events", 0)
polls = lists + events
done = sum(1 for h in r.get("hosts", []) if h["step"] == "done")
print(f"  all REST requests: {total} ({total / n:.2f} per host cycle; {done} of {n} hosts done)")
print(f"  polling reads {polls} = {polls / intervals:.2f} per poll interval ({lists / intervals:.2f} "
      f"host lists + {events / intervals:.2f} event reads) for up to {k} hosts in flight; "
      f"single-host reads {d.get('GET /hosts/{id}', 0)}")
PY
