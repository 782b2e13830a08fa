# Sourced by the demo and the benchmark: start rhv-manager-sim on a copy of a sample PKI and
# learn how to reach it (API port, FQDN, each host's vdsm endpoint). Needs $BIN and $work.
# start_sim NAME SCENARIO_FILE SCALE [SAMPLE]  -> sets $port $fqdn $eps (--vdsm-endpoint args)
start_sim() {
  local name=$1 scenario=$2 scale=$3 sample=${4:-4.5-modern}
  [ -x "$BIN/rhv-manager-sim" ] || { echo "$BIN/rhv-manager-sim missing: build it with cargo build --features sim --bins" >&2; return 1; }
  rm -rf "$work/$name"; mkdir -p "$work/$name"
  cp -a "testdata/pki/$sample" "$work/$name/root"
  bash scripts/apply-fixture-modes.sh "$work/$name/root" >/dev/null 2>&1 || true
  echo sim-demo-secret > "$work/$name/pw"
  local sc=()
  [ -n "$scenario" ] && sc=(--scenario "$scenario")
  RHV_SIM_PASSWORD=sim-demo-secret "$BIN/rhv-manager-sim" --pki-dir "$work/$name/root/etc/pki/ovirt-engine" \
    "${sc[@]}" --time-scale "$scale" > "$work/$name/sim.out" 2> "$work/$name/sim.err" &
  sim_pid=$!
  for _ in $(seq 1 300); do grep -q listening "$work/$name/sim.out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/.*connect=127.0.0.1:\([0-9]*\).*/\1/p' "$work/$name/sim.out")
  fqdn=$(sed -n 's|.*https://\([^:]*\):.*|\1|p' "$work/$name/sim.out")
  [ -n "$port" ] || { echo "simulator did not start:" >&2; cat "$work/$name/sim.err" >&2; return 1; }
  # SECLEVEL=0: the 4.2 sample serves a SHA-1 certificate, which curl refuses by default.
  eps=$(curl -s --ciphers "DEFAULT:@SECLEVEL=0" --cacert "$work/$name/root/etc/pki/ovirt-engine/ca.pem" --resolve "$fqdn:$port:127.0.0.1" \
        "https://$fqdn:$port/sim/hosts" | python3 -c 'import json,sys; print(" ".join("--vdsm-endpoint %s=%s"%(h["name"],h["connect"]) for h in json.load(sys.stdin)["host"]))')
}
# Safe to call when no simulator was started in this shell (the EXIT trap of a script whose
# simulators ran in subshells).
stop_sim() {
  [ -n "${sim_pid:-}" ] || return 0
  kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; sim_pid=
}
