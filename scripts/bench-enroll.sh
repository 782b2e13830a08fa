#!/usr/bin/env bash
# Benchmark for `rhv-pki hosts enroll` (issue: rolling re-enrollment): 24 simulated hosts whose
# VMs leave room for exactly 3 hosts out at once, scaled timings. Prints, from one run, side by
# side: one host's cycle, the rolling run (--max-parallel 3) against the target
# 1.1 x (N/k) x one cycle, the serial one-by-one run (--max-parallel 1), and our process's CPU
# while it waits. Figures, not assertions.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-0.02}
POLL=${POLL:-0.05}
N=24
cargo build --release -q --bins
BIN=target/release
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

scenario() {
  echo '[[clusters]]'; echo 'name = "Default"'
  for i in $(seq -w 1 $N); do
    printf '[[hosts]]\nname = "h%s"\nmemory_mib = 32768\n' "$i"
    # 7 x 4 GiB of VMs per host: 4 GiB free each; 21 hosts' room = 3 hosts' VMs.
    for j in 1 2 3 4 5 6 7; do printf '[[vms]]\nname = "vm%s-%s"\nhost = "h%s"\nmemory_mib = 4096\n' "$i" "$j" "$i"; done
  done
}

start_sim() { # $1 = run name
  rm -rf "$work/$1"; mkdir -p "$work/$1"
  cp -a testdata/pki/4.5-modern "$work/$1/root"
  scenario > "$work/$1/scenario.toml"
  echo bench-secret > "$work/$1/pw"
  RHV_SIM_PASSWORD=bench-secret "$BIN/rhv-manager-sim" --pki-dir "$work/$1/root/etc/pki/ovirt-engine" \
    --scenario "$work/$1/scenario.toml" --time-scale "$SCALE" > "$work/$1/sim.out" 2> "$work/$1/sim.err" &
  for _ in $(seq 1 300); do grep -q listening "$work/$1/sim.out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/.*connect=127.0.0.1:\([0-9]*\).*/\1/p' "$work/$1/sim.out")
  fqdn=$(sed -n 's|.*https://\([^:]*\):.*|\1|p' "$work/$1/sim.out")
  eps=$(curl -s --cacert "$work/$1/root/etc/pki/ovirt-engine/ca.pem" --resolve "$fqdn:$port:127.0.0.1" \
        "https://$fqdn:$port/sim/hosts" | python3 -c 'import json,sys; print(" ".join("--vdsm-endpoint %s=%s"%(h["name"],h["connect"]) for h in json.load(sys.stdin)["host"]))')
}

enroll() { # $1 = run name, rest = extra args; prints "wall cpu"
  local name=$1; shift
  start_sim "$name"
  # shellcheck disable=SC2086
  /usr/bin/time -f '%e %U %S' -o "$work/$name/time" "$BIN/rhv-pki" hosts enroll --root "$work/$name/root" \
    --engine-url "https://$fqdn:$port" --connect-to "127.0.0.1:$port" --password-file "$work/$name/pw" \
    $eps --poll-interval "$POLL" --yes --format json "$@" > "$work/$name/report.json" 2> "$work/$name/log"
  python3 - "$work/$name/report.json" <<'PY'
import json,sys
r=json.load(open(sys.argv[1])); assert r["completed"], r
assert all(h["step"]=="done" for h in r["hosts"]), r
PY
  kill %1 2>/dev/null || true; wait 2>/dev/null || true
  read -r wall user sys < "$work/$name/time"
  echo "$wall $(python3 -c "print(f'{($user+$sys)/$wall*100:.2f}')")"
}

command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
echo "rhv-pki hosts enroll benchmark: $N simulated hosts, capacity for 3 out at once, time scale $SCALE, poll ${POLL}s"
read -r one one_cpu < <(enroll one --host h05 --max-parallel 1)
read -r rolling rolling_cpu < <(enroll rolling --max-parallel 3)
waves=$(python3 -c "import json;print(len(json.load(open('$work/rolling/report.json'))['hosts']))")
read -r serial serial_cpu < <(enroll serial --max-parallel 1)
python3 - "$one" "$rolling" "$serial" "$rolling_cpu" "$serial_cpu" "$N" <<'PY'
import sys
one, rolling, serial, rc, sc, n = map(float, sys.argv[1:])
k = 3
target = 1.1 * (n / k) * one
print(f"  one host's cycle (single-host run):   {one:7.2f} s")
print(f"  rolling, --max-parallel {k}:           {rolling:7.2f} s   target <= 1.1 x (N/k) x cycle = {target:.2f} s  -> {'MET' if rolling <= target else 'MISSED'}")
print(f"  serial one-by-one, --max-parallel 1: {serial:7.2f} s   ({serial/rolling:.2f}x the rolling run)")
print(f"  rhv-pki CPU while waiting: rolling {rc:.2f} %, serial {sc:.2f} % of one core (target <= 1 %)")
PY
