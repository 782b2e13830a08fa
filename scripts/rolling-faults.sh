#!/usr/bin/env bash
# The fault matrix of rolling re-enrollment (issue 20): `rhv-pki hosts enroll` against
# rhv-manager-sim with one injected fault, kill or outage per case, then a plain re-run of the
# same command. One row per case, from what the SIMULATOR saw (GET /sim/report), not timing:
#   allowed   --max-parallel of the run
#   most-out  the most hosts out of service at once over both runs (simulator's count)
#   left-out  hosts not up when the first run ended
#   named     did rhv-pki's output name every host left out (a line with the name and
#             ATTENTION / out of service / left in maintenance / leftInMaintenance / not back)?
#             After SIGKILL the run cannot speak: the re-run's output is judged ("rerun:yes").
#   exit      the first run's exit code (137 = SIGKILL)
#   re-run    the plain re-run: its exit code, resumed or a fresh plan, enrollments it started
#   twice     hosts enrolled (event 881) more than once over both runs
#   verdict   FAIL when most-out > allowed or a host left out was not named, or when a case
#             without a fault (baseline, he-pair) did not complete (exit ≠ 0)
#
# Faults come from the scenario file of each case (the simulator's stop is its `crash` fault
# on the first Enroll Certificate); signals are sent when the run's own progress shows the
# step (maintenance / enroll certificate / activate) and the simulator shows a host out.
#
# Usage: scripts/rolling-faults.sh [--quick] [--only CASE[,CASE...]] [--scale F] [--list]
#                                  [--release] [--keep]
#   --quick    the CI subset (a few rows)
#   --only     these cases (names from --list)
#   --scale F  simulator time scale (default 0.02: a host cycle ≈ 1.2 s); outages and the
#              20 s / 60 s simulator stops are wall-clock seconds whatever the scale
#   --release  use target/release (built if needed) instead of target/debug
#   --keep     keep the work directory (logs, scenario, state and report per case)
#   RHV_FAULTS_BIN=DIR  use the rhv-pki and rhv-manager-sim binaries in DIR (no build)
# Exit status: 0 when every selected row passes, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."

quick=0; only=""; scale=0.02; profile=debug; keep=0; list=0
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --only) only=$2; shift ;;
    --scale) scale=$2; shift ;;
    --release) profile=release ;;
    --keep) keep=1 ;;
    --list) list=1 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "rolling-faults: unknown argument $1" >&2; exit 3 ;;
  esac
  shift
done

ALL_CASES="baseline install-failed-once install-failed-always nonresponsive-after-activate
stuck-preparing 5xx-burst-hosts 5xx-burst-one-host manager-503-20s sim-stopped-20s
sim-stopped-60s sigkill-maint sigkill-install sigkill-activate sigint-maint sigint-install
sigint-activate sigterm-maint sigterm-install sigterm-activate sighup-maint sighup-install
sighup-activate he-pair"
QUICK_CASES="install-failed-always nonresponsive-after-activate 5xx-burst-hosts sigint-maint he-pair"
if [ $list = 1 ]; then echo $ALL_CASES | tr ' ' '\n'; exit 0; fi
if [ -n "$only" ]; then cases=$(echo "$only" | tr ',' ' ');
elif [ $quick = 1 ]; then cases=$QUICK_CASES; else cases=$ALL_CASES; fi
for c in $cases; do
  case " $(echo $ALL_CASES) " in *" $c "*) ;; *) echo "rolling-faults: unknown case $c (see --list)" >&2; exit 3 ;; esac
done

if [ -n "${RHV_FAULTS_BIN:-}" ]; then BIN=$RHV_FAULTS_BIN   # prebuilt binaries (no build)
else
  # rhv-manager-sim is built only with the `sim` feature (never part of the product).
  if [ $profile = release ]; then cargo build --release -q --features sim --bins || exit 1
  else cargo build -q --features sim --bins || exit 1; fi
  BIN=target/$profile
fi
work=$(mktemp -d /tmp/rolling-faults.XXXXXX)
sim_pid=""; run_pid=""
cleanup() {
  [ -n "$run_pid" ] && kill -9 "$run_pid" 2>/dev/null
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  if [ $keep = 1 ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

K=2
# Eight hosts, room for two out, SPM on h1, a few VMs.
base_scenario() {
  cat <<'TOML'
[[clusters]]
name = "Default"
[[hosts]]
name = "h1"
spm = true
[[hosts]]
name = "h2"
[[hosts]]
name = "h3"
[[hosts]]
name = "h4"
[[hosts]]
name = "h5"
[[hosts]]
name = "h6"
[[hosts]]
name = "h7"
[[hosts]]
name = "h8"
[[vms]]
name = "db"
host = "h1"
memory_mib = 8192
[[vms]]
name = "web1"
host = "h4"
memory_mib = 4096
[[vms]]
name = "web2"
host = "h5"
memory_mib = 4096
[[vms]]
name = "app"
host = "h8"
memory_mib = 6144
TOML
}

# The hosted-engine pair of issue 20: h2 runs the HostedEngine VM, h3 is the other HE host;
# h8's VMs fill h3 if a wave takes h8 and h2 together.
he_scenario() {
  cat <<'TOML'
[[clusters]]
name = "Default"
[[hosts]]
name = "h1"
spm = true
[[hosts]]
name = "h2"
hosted_engine = { active = true, score = 3400 }
[[hosts]]
name = "h3"
hosted_engine = { active = true, score = 3400 }
[[hosts]]
name = "h4"
memory_mib = 8192
[[hosts]]
name = "h5"
memory_mib = 8192
[[hosts]]
name = "h6"
memory_mib = 8192
[[hosts]]
name = "h7"
memory_mib = 8192
[[hosts]]
name = "h8"
[[vms]]
name = "a1"
host = "h1"
memory_mib = 16384
[[vms]]
name = "a2"
host = "h1"
memory_mib = 12288
[[vms]]
name = "HostedEngine"
host = "h2"
memory_mib = 16384
hosted_engine = true
[[vms]]
name = "b1"
host = "h2"
memory_mib = 12288
[[vms]]
name = "c1"
host = "h3"
memory_mib = 8192
[[vms]]
name = "k1"
host = "h8"
memory_mib = 12288
[[vms]]
name = "k2"
host = "h8"
memory_mib = 8192
TOML
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_sim DIR PORT: (re)starts the simulator of a case on a fixed port from its state file.
start_sim() {
  local d=$1 p=$2
  : > "$d/sim.out"
  RHV_SIM_PASSWORD=fault-matrix-secret "$BIN/rhv-manager-sim" --pki-dir "$d/root/etc/pki/ovirt-engine" \
    --scenario "$d/scenario.toml" --state "$d/sim-state.json" --time-scale "$scale" \
    --listen "127.0.0.1:$p" > "$d/sim.out" 2>> "$d/sim.err" &
  sim_pid=$!
  for _ in $(seq 1 300); do grep -q listening "$d/sim.out" 2>/dev/null && return 0; sleep 0.1; done
  echo "rolling-faults: simulator did not start:" >&2; cat "$d/sim.err" >&2; return 1
}
stop_sim() { [ -n "$sim_pid" ] && { kill -9 "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; }; sim_pid=""; }

# sim_get DIR PATH: a sim-only GET (no authentication).
sim_get() {
  curl -s --max-time 5 --cacert "$1/root/etc/pki/ovirt-engine/ca.pem" \
    --resolve "$fqdn:$port:127.0.0.1" "https://$fqdn:$port$2"
}

# wait_point DIR POINT: until the run has started that step on a host (its own progress lines:
# maint = deactivate sent, install = Enroll Certificate, activate = activation), and the
# simulator shows a host out of service.
wait_point() {
  local d=$1 point=$2 want
  case $point in
    maint) want=': maintenance' ;;
    install) want=': enroll certificate' ;;
    activate) want=': activate' ;;
  esac
  for _ in $(seq 1 3000); do
    kill -0 "$run_pid" 2>/dev/null || return 1
    if grep -q -- "$want" "$d/run1.err" 2>/dev/null && sim_get "$d" /sim/report | grep -q '"outNow":\["'; then
      return 0
    fi
    sleep 0.02
  done
  return 1
}

rows=()
failed=0
run_case() {
  local name=$1 d="$work/$1" faults="" action="" point="" scen=base
  mkdir -p "$d"
  case $name in
    baseline) ;;
    install-failed-once) faults=$'[[faults]]\nkind = "install_failed"\nhost = "h4"\ncount = 1' ;;
    install-failed-always) faults=$'[[faults]]\nkind = "install_failed"\nhost = "h4"\ncount = 0' ;;
    nonresponsive-after-activate) faults=$'[[faults]]\nkind = "non_responsive_after_activate"\nhost = "h5"\ncount = 1' ;;
    stuck-preparing) faults=$'[[faults]]\nkind = "stuck_preparing"\nhost = "h4"\ncount = 1' ;;
    5xx-burst-hosts) faults=$'[[faults]]\nkind = "http_5xx"\npath = "/hosts"\nafter = 40\ncount = 8\nstatus = 503' ;;
    5xx-burst-one-host) faults=$'[[faults]]\nkind = "http_5xx"\nhost = "h5"\nafter = 3\ncount = 6\nstatus = 500' ;;
    manager-503-20s) faults=$'[[faults]]\nkind = "outage"\nafter = 60\nseconds = 20' ;;
    # The simulator dies on the first Enroll Certificate (a host is in maintenance then) and
    # is started again from its state file 20 s / 60 s later.
    sim-stopped-20s|sim-stopped-60s)
      faults=$'[[faults]]\nkind = "crash"\npath = "/hosts/{id}/enrollcertificate"'
      action=down:${name#sim-stopped-}; action=${action%s} ;;
    sig*-*) action=${name%%-*}; point=${name#*-} ;;
    he-pair) scen=he ;;
  esac
  # Every host starts with a SHA-1 certificate, so each one needs the re-enrollment: a plain
  # run enrolls them all and a plain re-run does only what is still needed.
  { if [ $scen = he ]; then he_scenario; else base_scenario; fi | sed '/^\[\[hosts\]\]$/{n;s/^\(name = "[^"]*"\)$/\1\ncert = { sha1 = true }/}'
    echo "$faults"; } > "$d/scenario.toml"
  cp -a testdata/pki/4.5-modern "$d/root"
  bash scripts/apply-fixture-modes.sh "$d/root" >/dev/null 2>&1 || true
  echo fault-matrix-secret > "$d/pw"
  port=$(free_port)
  start_sim "$d" "$port" || { rows+=("$name|-|-|-|-|-|simulator did not start|-|FAIL"); failed=1; return; }
  fqdn=$(sed -n 's|.*https://\([^:]*\):.*|\1|p' "$d/sim.out")
  local eps
  eps=$(sim_get "$d" /sim/hosts | python3 -c 'import json,sys; print(" ".join("--vdsm-endpoint %s=%s"%(h["name"],h["connect"]) for h in json.load(sys.stdin)["host"]))')
  # shellcheck disable=SC2206
  local cmd=("$BIN/rhv-pki" hosts enroll --root "$d/root" --engine-url "https://$fqdn:$port"
             --connect-to "127.0.0.1:$port" --password-file "$d/pw" $eps --max-parallel $K --yes
             --poll-interval 0.05 --probe-timeout 5 --maintenance-timeout 30
             --install-start-timeout 30 --install-timeout 60 --activate-timeout 30)
  "${cmd[@]}" > "$d/run1.out" 2> "$d/run1.err" &
  run_pid=$!
  case $action in
    sigkill|sigint|sigterm|sighup)
      if wait_point "$d" "$point"; then
        kill -s "${action#sig}" "$run_pid" 2>/dev/null
      fi ;;
    down:*)
      # The crash fault ends the simulator (exit 86); restart it after the pause.
      wait "$sim_pid" 2>/dev/null; sim_pid=""
      if kill -0 "$run_pid" 2>/dev/null; then sleep "${action#down:}"; fi
      start_sim "$d" "$port" ;;
  esac
  wait "$run_pid" 2>/dev/null; local code1=$?; run_pid=""
  sim_get "$d" /sim/report > "$d/report1.json"
  "${cmd[@]}" > "$d/run2.out" 2> "$d/run2.err"; local code2=$?
  sim_get "$d" /sim/report > "$d/report2.json"
  local row
  row=$(python3 - "$d" "$name" "$K" "$code1" "$code2" "$action" <<'PY'
import json, re, sys
d, name, k, c1, c2, action = sys.argv[1:7]
k = int(k)
r1 = json.load(open(f"{d}/report1.json")); r2 = json.load(open(f"{d}/report2.json"))
left = sorted(h for h, s in r1["status"].items() if s != "up")
pat = re.compile(r"attention|out of service|left in maintenance|leftinmaintenance|not back|still out|state unknown|unknown state", re.I)
def named_in(text, host):
    return any(re.search(r"\b%s\b" % re.escape(host), l) and pat.search(l) for l in text.splitlines())
if action == "sigkill":
    text = open(f"{d}/run2.out").read() + open(f"{d}/run2.err").read()
    label = "rerun:"
else:
    text = open(f"{d}/run1.out").read() + open(f"{d}/run1.err").read()
    label = ""
if not left:
    named = "-"
else:
    named = label + ("yes" if all(named_in(text, h) for h in left) else "no")
most = max(r1.get("mostOut", 0), r2.get("mostOut", 0))
def delta(key):
    return sum(r2["hosts"].get(h, {}).get(key, 0) - r1["hosts"].get(h, {}).get(key, 0) for h in r2["hosts"])
err2 = open(f"{d}/run2.err").read()
how = "resumed" if "resuming" in err2 else "fresh plan"
rerun = f"exit {c2}, {how}, {delta('enroll')} enroll(s)"
if "Nothing to enroll" in open(f"{d}/run2.out").read():
    rerun = f"exit {c2}, nothing to enroll"
twice = sorted(h for h, c in r2["hosts"].items() if c.get("enrolled", 0) > 1)
# Cases without an injected fault must complete.
clean = name in ("baseline", "he-pair")
verdict = "FAIL" if most > k or named.endswith("no") or (clean and c1 != "0") else "ok"
print("|".join([name, str(k), str(most), ",".join(left) or "none", named, c1, rerun,
                ",".join(twice) or "none", verdict]))
PY
)
  stop_sim
  rows+=("$row")
  case $row in *"|FAIL") failed=1 ;; esac
  echo "$row" >&2
}

for c in $cases; do run_case "$c"; done

printf '\n%-30s %-7s %-8s %-12s %-10s %-5s %-38s %-8s %s\n' case allowed most-out left-out named exit re-run twice verdict
for r in "${rows[@]}"; do
  IFS='|' read -r a b c e f g h i j <<< "$r"
  printf '%-30s %-7s %-8s %-12s %-10s %-5s %-38s %-8s %s\n' "$a" "$b" "$c" "$e" "$f" "$g" "$h" "$i" "$j"
done
exit $failed
