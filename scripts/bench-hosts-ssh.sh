#!/usr/bin/env bash
# Benchmark: `rhv-pki hosts audit --ssh` over N loopback "hosts" (one private sshd on
# 127.0.0.1, one root per host via --host-prefix DIR/{host}) against the runbook's serial loop
# `ssh host cat FILE | openssl x509 -noout -enddate` over the same certificate files, same run.
# BENCH_HOSTS (default 50), BENCH_PARALLEL (default 10), BENCH_PROFILE (release|debug).
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
n=${BENCH_HOSTS:-50}
par=${BENCH_PARALLEL:-10}
profile=${BENCH_PROFILE:-release}
[ -x /usr/sbin/sshd ] || { echo "bench: /usr/sbin/sshd missing: run scripts/setup.sh" >&2; exit 1; }
if [ "$profile" = release ]; then cargo build --release --quiet --bin rhv-pki; bin=$here/target/release/rhv-pki
else cargo build --quiet --bin rhv-pki; bin=$here/target/debug/rhv-pki; fi
work=$(mktemp -d /tmp/rhv-pki-bench-ssh.XXXXXX)
sshd_pid=
cleanup() { [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
# Manager PKI copy and N hosts (two RSA keys generated once and reused: keygen is slow here).
cp -a testdata/pki/4.5-modern/. "$work/m"
bash scripts/apply-fixture-modes.sh "$work/m" >/dev/null
pki=$work/m/etc/pki/ovirt-engine
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/k1.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/k2.pem" 2>/dev/null
t0=$(date +%s.%N)
for i in $(seq 1 "$n"); do
  flags=(); [ $((i % 5)) -eq 0 ] && flags+=(--expired)
  bash scripts/make-test-host.sh "$pki" "$work/hosts/h$i.example.test" "h$i.example.test" \
    --key "$work/k1.pem" --migrate-key "$work/k2.pem" "${flags[@]}"
done
echo "setup: $n hosts generated in $(echo "$(date +%s.%N) - $t0" | bc) s" >&2
# One private sshd.
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$work/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$work/id"
cp "$work/id.pub" "$work/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $work/hostkey
AuthorizedKeysFile $work/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile $work/sshd.pid
LogLevel ERROR
MaxStartups 200
MaxSessions 50
UseDNS no
CONF
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd_pid=$!
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/hostkey.pub")" > "$work/known_hosts"
files=(/etc/pki/vdsm/certs/cacert.pem /etc/pki/vdsm/certs/vdsmcert.pem
  /etc/pki/vdsm/libvirt-spice/ca-cert.pem /etc/pki/vdsm/libvirt-spice/server-cert.pem
  /etc/pki/vdsm/libvirt-vnc/ca-cert.pem /etc/pki/vdsm/libvirt-vnc/server-cert.pem
  /etc/pki/vdsm/libvirt-migrate/ca-cert.pem /etc/pki/vdsm/libvirt-migrate/server-cert.pem
  /etc/pki/CA/cacert.pem /etc/pki/libvirt/clientcert.pem)
args=(hosts audit --ssh --root "$work/m" --ssh-key "$work/id" --known-hosts "$work/known_hosts"
  --host-prefix "$work/hosts/{host}" --max-parallel "$par" --format json)
for i in $(seq 1 "$n"); do args+=(--host "h$i.example.test=127.0.0.1:$port"); done
# 1. rhv-pki
t0=$(date +%s.%N)
set +e; "$bin" "${args[@]}" > "$work/audit.json"; rc=$?; set -e
t_rhv=$(echo "$(date +%s.%N) - $t0" | bc)
rows=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["certificates"]), sum(1 for f in d["findings"] if f["code"]=="expired"), sum(1 for f in d["findings"] if f["code"] in ("host-unreachable","host-key-unverified")))' "$work/audit.json")
read -r nrows nexpired nunreach <<<"$rows"
# 2. the runbook: one ssh + one openssl per file, serially (enddate only; no chain, key or mode checks)
t0=$(date +%s.%N)
count=0
for i in $(seq 1 "$n"); do
  for f in "${files[@]}"; do
    ssh -q -i "$work/id" -o UserKnownHostsFile="$work/known_hosts" -o StrictHostKeyChecking=yes \
      -o BatchMode=yes -p "$port" root@127.0.0.1 cat "$work/hosts/h$i.example.test$f" \
      | openssl x509 -noout -enddate >/dev/null
    count=$((count + 1))
  done
done
t_loop=$(echo "$(date +%s.%N) - $t0" | bc)
printf '\nhosts audit over %d loopback hosts (one sshd, %s build, --max-parallel %d), same run:\n' "$n" "$profile" "$par"
printf '  %-58s %8.2f s  (%d certificate rows, %d expired findings, %d unreachable, exit %d)\n' \
  "rhv-pki hosts audit --ssh (all host files, keys, modes, chains)" "$t_rhv" "$nrows" "$nexpired" "$nunreach" "$rc"
printf '  %-58s %8.2f s  (%d files: notAfter only)\n' "serial loop: ssh cat FILE | openssl x509 -noout -enddate" "$t_loop" "$count"
printf '  speed-up: %.1fx\n' "$(echo "$t_loop / $t_rhv" | bc -l)"
