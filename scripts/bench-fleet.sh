#!/usr/bin/env bash
# Fleet-scale benchmark (issue 18, "Scale"): rhv-manager-sim with N hosts (default 5000), each
# serving its own CA-issued certificate on a vdsm port of its own; then `rhv-pki hosts audit`
# over TLS against all of them and `rhv-pki hosts enroll --dry-run` planning for all of them:
# with --all-hosts (the target; it makes no TLS handshake) and with the default --only-needed
# (which probes every host to decide, so it is reported on its own).
# Prints, side by side with the targets: the simulator's start time (launch to its
# `listening` line) and RSS, the audit's wall time and peak RSS, the dry runs' wall times,
# the CPU seconds of rhv-pki and of the simulator in each phase, and the load average (the
# targets are for a quiet 2-core machine). Figures, not assertions.
#   scripts/bench-fleet.sh [--quick] [N]     --quick: 200 hosts, a CI smoke run
#   BENCH_PROFILE=debug uses the debug build (default release); BENCH_BUILD=0 runs the
#   binaries already built (no cargo build first).
set -euo pipefail
cd "$(dirname "$0")/.."
N=5000
QUICK=0
for a in "$@"; do
  case $a in
    --quick) QUICK=1; N=200 ;;
    ''|*[!0-9]*) echo "usage: $0 [--quick] [N]" >&2; exit 2 ;;
    *) N=$a ;;
  esac
done
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: needs curl" >&2; exit 1; }
profile=${BENCH_PROFILE:-release}
if [ "$profile" = release ]; then BIN=target/release; else BIN=target/debug; fi
if [ "${BENCH_BUILD:-1}" != 0 ]; then
  if [ "$profile" = release ]; then cargo build --release -q --features sim --bins
  else cargo build -q --features sim --bins; fi
fi
work=$(mktemp -d)
sim_pid=
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# N hosts over 4 clusters, one VM on every tenth host (the planner asks where VMs run).
{
  for c in 1 2 3 4; do printf '[[clusters]]\nname = "cl%s"\n' "$c"; done
  for i in $(seq 1 "$N"); do
    printf '[[hosts]]\nname = "h%05d"\ncluster = "cl%d"\n' "$i" $(( (i % 4) + 1 ))
  done
  for i in $(seq 10 10 "$N"); do
    printf '[[vms]]\nname = "vm%05d"\nhost = "h%05d"\nmemory_mib = 2048\n' "$i" "$i"
  done
} > "$work/fleet.toml"

cp -a testdata/pki/4.5-modern "$work/root"
bash scripts/apply-fixture-modes.sh "$work/root" >/dev/null 2>&1 || true
echo bench-fleet-secret > "$work/pw"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- simulator start: launch to the `listening` line ---------------------------------------
t0=$(date +%s%N)
RHV_SIM_PASSWORD=bench-fleet-secret "$BIN/rhv-manager-sim" --pki-dir "$work/root/etc/pki/ovirt-engine" \
  --scenario "$work/fleet.toml" --time-scale 0.01 > "$work/sim.out" 2> "$work/sim.err" &
sim_pid=$!
while ! grep -q listening "$work/sim.out" 2>/dev/null; do
  kill -0 "$sim_pid" 2>/dev/null || { echo "simulator died:" >&2; cat "$work/sim.err" >&2; exit 1; }
  [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 300 ] || { echo "simulator did not listen within 300 s" >&2; exit 1; }
  sleep 0.02
done
t1=$(date +%s%N)
sim_start_ms=$(( (t1 - t0) / 1000000 ))
sim_rss_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$sim_pid/status")
# CPU seconds the simulator used to start (utime + stime, clock ticks): the figure the load
# of a shared machine does not inflate.
sim_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$sim_pid/stat")
sim_cpu_before_audit=$sim_cpu
sim_fds=$(ls "/proc/$sim_pid/fd" | wc -l)
port=$(sed -n 's/.*connect=127.0.0.1:\([0-9]*\).*/\1/p' "$work/sim.out")
fqdn=$(sed -n 's|.*https://\([^:]*\):.*|\1|p' "$work/sim.out")
# One --vdsm-endpoint per host (the simulator's hosts do not resolve).
curl -s --cacert "$work/root/etc/pki/ovirt-engine/ca.pem" --resolve "$fqdn:$port:127.0.0.1" \
  "https://$fqdn:$port/sim/hosts" |
  python3 -c 'import json,sys; print("\n".join("--vdsm-endpoint=%s=%s"%(h["name"],h["connect"]) for h in json.load(sys.stdin)["host"]))' \
  > "$work/eps"
[ "$(wc -l < "$work/eps")" -eq "$N" ] || { echo "/sim/hosts did not list $N hosts" >&2; exit 1; }
mapfile -t eps < "$work/eps"
engine=(--root "$work/root" --engine-url "https://$fqdn:$port" --connect-to "127.0.0.1:$port"
        --password-file "$work/pw" "${eps[@]}")

# --- hosts audit over TLS -------------------------------------------------------------------
/usr/bin/time -f '%e %M %U %S' -o "$work/audit.time" "$BIN/rhv-pki" hosts audit "${engine[@]}" --format json \
  > "$work/audit.json" 2> "$work/audit.err" || true   # exit 1/2 = findings; checked below
read -r audit_wall audit_rss_kb audit_user audit_sys < "$work/audit.time"
sim_cpu_after_audit=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$sim_pid/stat")
python3 - "$work/audit.json" "$N" <<'PY' || { cat "$work/audit.err" >&2; exit 1; }
import json,sys
r=json.load(open(sys.argv[1])); n=int(sys.argv[2])
assert len(r["certificates"])==n, f'{len(r["certificates"])} certificates, want {n}'
assert len({c["host"] for c in r["certificates"]})==n, "a host reported twice"
assert r["summary"]["hostsUnreachable"]==0, r["summary"]
PY

# --- hosts enroll --dry-run -----------------------------------------------------------------
/usr/bin/time -f '%e %M %U %S' -o "$work/plan.time" "$BIN/rhv-pki" hosts enroll "${engine[@]}" --dry-run \
  --all-hosts --state "$work/enroll-state.json" --format json > "$work/plan.json" 2> "$work/plan.err" ||
  { cat "$work/plan.err" >&2; exit 1; }
read -r plan_wall plan_rss_kb plan_user plan_sys < "$work/plan.time"
sim_cpu_after_plan=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$sim_pid/stat")
python3 - "$work/plan.json" "$N" <<'PY' || { cat "$work/plan.err" >&2; exit 1; }
import json,sys
p=json.load(open(sys.argv[1])); n=int(sys.argv[2])
assert len(p["hosts"])+len(p["skipped"])==n, f'{len(p["hosts"])} planned + {len(p["skipped"])} skipped, want {n}'
PY

# --- hosts enroll --dry-run --only-needed (the default: every host probed to decide) --------
/usr/bin/time -f '%e %M %U %S' -o "$work/needed.time" "$BIN/rhv-pki" hosts enroll "${engine[@]}" --dry-run \
  --only-needed --state "$work/enroll-state.json" --format json > "$work/needed.json" 2> "$work/needed.err" ||
  { cat "$work/needed.err" >&2; exit 1; }
read -r needed_wall needed_rss_kb needed_user needed_sys < "$work/needed.time"
sim_cpu_after_needed=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$sim_pid/stat")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$N" "$QUICK" "$sim_start_ms" "$sim_rss_kb" "$sim_fds" "$audit_wall" "$audit_rss_kb" \
  "$plan_wall" "$plan_rss_kb" "$load_before" "$load_after" "$(nproc)" "$profile" \
  "$sim_cpu" "$audit_user" "$audit_sys" "$sim_cpu_before_audit" "$sim_cpu_after_audit" \
  "$plan_user" "$plan_sys" "$sim_cpu_after_plan" "$needed_wall" "$needed_rss_kb" "$needed_user" \
  "$needed_sys" "$sim_cpu_after_needed" <<'PY'
import sys
(n, quick, start_ms, sim_rss, fds, a_wall, a_rss, p_wall, p_rss,
 load0, load1, cores, profile, sim_cpu, a_user, a_sys, s0, s1, p_user, p_sys, s2,
 o_wall, o_rss, o_user, o_sys, s3) = sys.argv[1:]
n=int(n); quick=quick=="1"
def row(what, got, target, ok):
    t = target if not quick else f"({target} at 5000)"
    print(f"  {what:<34} {got:>12}   target {t:<16} {'' if quick else ('ok' if ok else 'MISSED')}")
print(f"rhv-pki fleet benchmark: {n} simulated hosts, {profile} build, {cores} cores, "
      f"load average {load0} before / {load1} after")
row("simulator start (to listening)", f"{int(start_ms)/1000:.2f} s", "<= 10 s", int(start_ms) <= 10000)
row("simulator RSS (listening)", f"{int(sim_rss)/1024:.0f} MB", "<= 1024 MB", int(sim_rss) <= 1024*1024)
print(f"  {'simulator open files':<34} {fds:>12}")
row("hosts audit (TLS) wall", f"{float(a_wall):.2f} s", "<= 5 s", float(a_wall) <= 5)
row("hosts audit peak RSS", f"{int(a_rss)/1024:.1f} MB", "<= 64 MB", int(a_rss) <= 64*1024)
row("enroll --dry-run --all-hosts wall", f"{float(p_wall):.2f} s", "<= 1 s", float(p_wall) <= 1)
print(f"  {'  its peak RSS':<34} {int(p_rss)/1024:>9.1f} MB")
print(f"  {'enroll --dry-run --only-needed wall':<34} {float(o_wall):>10.2f} s   (probes every host; no target of its own)")
print(f"  {'  its peak RSS':<34} {int(o_rss)/1024:>9.1f} MB")
print("  CPU seconds (user+sys; on a shared machine these, not the wall times, are comparable):")
print(f"    simulator start {float(sim_cpu):.2f} s")
for what, u, s, a, b in (("hosts audit", a_user, a_sys, s0, s1),
                         ("dry run --all-hosts", p_user, p_sys, s1, s2),
                         ("dry run --only-needed", o_user, o_sys, s2, s3)):
    print(f"    {what + ':':<23} rhv-pki {float(u)+float(s):.2f} s + simulator {float(b)-float(a):.2f} s")
PY
