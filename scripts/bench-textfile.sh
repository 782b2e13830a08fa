#!/usr/bin/env bash
# Benchmark (issue: alerting): Prometheus textfile export for a Manager + 200 hosts'
# certificates — wall time and file size, printed. Not a test; figures vary on a noisy machine.
#
#   bash scripts/bench-textfile.sh [HOSTS]     (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
cargo build --release --quiet
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-textfile.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -a testdata/pki/4.5-modern "$work/root"
bash scripts/apply-fixture-modes.sh "$work/root"
pki="$work/root/etc/pki/ovirt-engine"
# 200 hosts enrolled like pki-enroll-request.sh does (vdsm cert in certs/, qemu cert in certs-qemu/).
(
    cd "$pki"
    openssl req -new -newkey rsa:2048 -nodes -keyout "$work/h.key" -subj / -out "$work/h.req" 2>/dev/null
    for i in $(seq 1 "$n"); do
        h="bench$i.example.test"
        for ca in ca qemu-ca; do
            dir=certs; conf=cert.conf; subj="/O=example.test/CN=$h"
            [[ $ca == qemu-ca ]] && { dir=certs-qemu; conf=qemu-cert.conf; subj="/O=example.test/CN=$h/OU=qemu"; }
            OVIRT_SAN="DNS:$h" OVIRT_KU= OVIRT_EKU= openssl ca -batch -config openssl.conf -policy policy_match \
                -cert $ca.pem -keyfile private/$ca.pem -days 1827 -in "$work/h.req" -out $dir/$h.cer \
                -subj "$subj" -utf8 -extfile $conf -extensions v3_ca_san >/dev/null 2>&1
        done
    done
)
certs=$(find "$pki/certs" "$pki/certs-qemu" -name '*.example.test.cer' | wc -l)
mkdir -p "$work/textfile"
times=()
for _ in 1 2 3 4 5 6 7; do
    s=$(date +%s%N)
    target/release/rhv-pki audit --root "$work/root" --format nagios --textfile-dir "$work/textfile" >/dev/null || true
    e=$(date +%s%N)
    times+=($(((e - s) / 1000)))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
size=$(stat -c %s "$work/textfile/rhv_pki.prom")
series=$(grep -vc '^#' "$work/textfile/rhv_pki.prom")
printf 'textfile export: Manager (4.5 sample) + %d hosts (%d host certificates)\n' "$n" "$certs"
printf '  rhv-pki audit --textfile-dir, whole process ... median %.1f ms (min %.1f ms) over 7 runs\n' \
    "$(echo "${sorted[3]} / 1000" | bc -l)" "$(echo "${sorted[0]} / 1000" | bc -l)"
printf '  rhv_pki.prom ................................. %d bytes, %d series\n' "$size" "$series"
