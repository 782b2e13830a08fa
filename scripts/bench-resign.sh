#!/usr/bin/env bash
# Benchmark: `rhv-pki resign --all` vs the upgrade guide's manual runbook
# ("Replacing SHA-1 certificates with SHA-256"), reproduced with the openssl CLI
# (+ keytool when present), on fresh copies of testdata/pki/4.5-modern.
# (`resign --all --force`: the 4.5 sample is healthy SHA-256, so plain `--all` re-signs only
# what is due; the runbook side re-signs everything, and so must we to compare like with like)
# rhv-pki writes `.truststore` itself (src/truststore.rs); the runbook's keytool pair is the
# JVM start-ups an admin pays, timed apart below.
#
#   scripts/bench-resign.sh            5 timed runs per side (RUNS=N to change)
#
# Prints figures side by side; it asserts nothing about speed. It does exit non-zero
# when either side did not actually do the work (so the comparison stays honest):
# every entity certificate must verify against the re-signed ca.pem and be re-issued.
#
# The runbook side is what the admin types (see docs ovirt-pki.md §2.3, §2.4, §2.7, §9
# and ovirt-site how-to/migrate-pki-to-sha256): sed openssl.conf, `cp -a f f.<ts>`
# backups, `openssl x509 -signkey` for the CA, then per entity what
# `pki-enroll-pkcs12.sh --keep-key` + `pki-enroll-request.sh` + engine-setup's
# extraction do. The wrapper scripts' own housekeeping processes (sh, mktemp, df, flock,
# `x509 -text | grep`, chmod, touch, rm) are NOT reproduced, so its process count is a
# lower bound of the real runbook.
set -euo pipefail

RUNS=${RUNS:-5}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench-resign: RUNS must be a positive integer" >&2; exit 3; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scenario=testdata/pki/4.5-modern
src=$repo/$scenario
PASS=mypass # oVirt's public default p12/truststore password (DEFAULT_PKI_STORE_PASS)

cd "$repo"
cargo build --release --quiet
bin=$repo/target/release/rhv-pki
[[ -x $bin ]] || { echo "bench-resign: $bin missing after build" >&2; exit 1; }

umask 022
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-resign.XXXXXX")
cleanup() { rm -rf -- "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

KEYTOOL=$(command -v keytool || true)

# ---- facts of the sample, read once (untimed): FQDN, organization, country ----
fqdn='' org='' country=''
while IFS= read -r line; do
    case $line in ENGINE_FQDN=*) v=${line#ENGINE_FQDN=}; v=${v//\"/}; fqdn=$v ;; esac
done < <(cat "$src"/etc/ovirt-engine/engine.conf.d/*.conf)
while IFS= read -r line; do
    case $line in
        OVESETUP_PKI/organization=str:*) org=${line#*=str:} ;;
        OVESETUP_PKI/country=str:*) country=${line#*=str:} ;;
    esac
done < "$src/etc/ovirt-engine-setup.conf.d/20-setup-ovirt-post.conf"
[[ -n $fqdn && -n $org && -n $country ]] || { echo "bench-resign: cannot read FQDN/org/country from $scenario" >&2; exit 1; }

# name  days  extension-section  extract(1/0)  CN(- = FQDN)
# (subjects/profiles as on the sample: `openssl x509 -subject -ext ...` of each certs/<name>.cer)
ENTITIES=(
    "engine                 1827 v3_ca_san 0 -"
    "jboss                  1827 v3_ca_san 0 -"
    "reports                1827 v3_ca_san 1 -"
    "apache                 398  v3_ca_san 1 -"
    "websocket-proxy        398  v3_ca_san 1 -"
    "ovn-ndb                1827 v3_ca_san 1 -"
    "ovn-sdb                1827 v3_ca_san 1 -"
    "ovirt-provider-ovn     1827 v3_ca_san 1 -"
    "vmconsole-proxy-helper 1827 custom    1 -"
    "vmconsole-proxy-user   1827 v3_ca     0 vmconsole-proxy-user"
    "vmconsole-proxy-host   1827 v3_ca     0 vmconsole-proxy-host"
)

fresh_copy() { # $1 = destination root (untimed)
    rm -rf -- "$1"
    cp -a "$src" "$1"
    bash "$repo/scripts/apply-fixture-modes.sh" "$1"
}

# wall clock in µs without forking: ${EPOCHREALTIME//[!0-9]/} (6 decimals, any locale's point)

# ---- the runbook, as the admin runs it; every external command is counted ----
nproc=0
backup() { # cp -a f f.$(date +%Y%m%d%H%M%S)
    local ts
    ts=$(date +%Y%m%d%H%M%S); nproc=$((nproc + 1))
    cp -a "$1" "$1.$ts"; nproc=$((nproc + 1))
}
ossl() { # openssl, its chatter to a log that is shown only on failure
    nproc=$((nproc + 1))
    openssl "$@" 2>"$work/runbook.err" || { echo "bench-resign: runbook: openssl $1 failed:" >&2; cat "$work/runbook.err" >&2; return 1; }
}

runbook() { # $1 = copy root; runs in the PKI dir like the scripts do
    local pki=$1/etc/pki/ovirt-engine tmpkey=$work/tmpkey.pem kt0
    local e name days ext extract cn subj san ku eku startdate
    cd "$pki"

    # 1. openssl.conf default_md -> sha256
    backup openssl.conf
    sed -i 's/^default_md = sha1/default_md = sha256/' openssl.conf; nproc=$((nproc + 1))

    # 2. CA: re-sign with its own key (pki-create-ca.sh --renew, runbook's -days 3650 -sha256)
    backup ca.pem
    backup certs/ca.der
    ossl x509 -signkey private/ca.pem -in ca.pem -out ca.pem.new -days 3650 -sha256
    mv ca.pem.new ca.pem; nproc=$((nproc + 1))
    ossl x509 -in ca.pem -out certs/ca.der
    if [[ -n $KEYTOOL ]]; then
        kt0=${EPOCHREALTIME//[!0-9]/}
        backup .truststore
        nproc=$((nproc + 1))
        "$KEYTOOL" -J-Dcom.redhat.fips=false -delete -noprompt -alias cacert \
            -keystore .truststore -storepass "$PASS" >/dev/null 2>&1 || true
        nproc=$((nproc + 1))
        "$KEYTOOL" -J-Dcom.redhat.fips=false -importcert -noprompt -trustcacerts -alias cacert \
            -file ca.pem -keystore .truststore -storepass "$PASS" >"$work/keytool.log" 2>&1 ||
            { echo "bench-resign: runbook: keytool -importcert failed:" >&2; cat "$work/keytool.log" >&2; return 1; }
        kt_us=$((${EPOCHREALTIME//[!0-9]/} - kt0))
    fi

    # 3. every entity with a p12: pki-enroll-pkcs12.sh --keep-key (+ extraction)
    for e in "${ENTITIES[@]}"; do
        read -r name days ext extract cn <<<"$e"
        [[ -f keys/$name.p12 ]] || continue
        [[ $cn == - ]] && cn=$fqdn
        subj="/C=$country/O=$org/CN=$cn"
        san='' ku='' eku=''
        case $ext in
            v3_ca_san) san="DNS:$fqdn" ;;
            custom) ku=digitalSignature eku=1.3.6.1.4.1.2312.13.1.2.1.1 ;;
        esac

        backup "requests/$name.req"
        backup "keys/$name.p12"
        backup "certs/$name.cer"
        ossl pkcs12 -in "keys/$name.p12" -out "$tmpkey" -nocerts -passin "pass:$PASS" -passout "pass:$PASS"
        ossl req -new -key "$tmpkey" -out "requests/$name.req" -passin "pass:$PASS" -batch -subj /
        startdate=$(date --utc --date 'now -1 days' +%y%m%d%H%M%SZ); nproc=$((nproc + 1))
        OVIRT_KU=$ku OVIRT_EKU=$eku OVIRT_SAN=$san \
            ossl ca -batch -config openssl.conf -policy policy_match -cert ca.pem -keyfile private/ca.pem \
            -days "$days" -in "requests/$name.req" -out "certs/$name.cer" -startdate "$startdate" \
            -subj "$subj" -utf8 -extfile cert.conf -extensions "$ext"
        ossl pkcs12 -export -in "certs/$name.cer" -inkey "$tmpkey" -out "keys/$name.p12" \
            -passin "pass:$PASS" -passout "pass:$PASS"
        if [[ $extract == 1 ]]; then # engine-setup ca.py::_expandPKCS12
            backup "keys/$name.key.nopass"
            ossl pkcs12 -in "keys/$name.p12" -passin "pass:$PASS" -nokeys -out "certs/$name.cer"
            ossl pkcs12 -in "keys/$name.p12" -passin "pass:$PASS" -nocerts -nodes -out "keys/$name.key.nopass"
        fi
    done
    cd "$repo"
}

# ---- checks (untimed): did the side really re-sign everything? ----
entity_names=()
for e in "${ENTITIES[@]}"; do read -r name _ <<<"$e"; [[ -f $src/etc/pki/ovirt-engine/keys/$name.p12 ]] && entity_names+=("$name"); done
n_entities=${#entity_names[@]}
old_ca_fp=$(openssl x509 -in "$src/etc/pki/ovirt-engine/ca.pem" -noout -fingerprint -sha256)

check() { # $1 = side label, $2 = copy root
    local pki=$2/etc/pki/ovirt-engine n old new certs=()
    if [[ $(openssl x509 -in "$pki/ca.pem" -noout -fingerprint -sha256) == "$old_ca_fp" ]]; then
        echo "bench-resign: $1: ca.pem was not re-signed" >&2; return 1
    fi
    for n in "${entity_names[@]}"; do
        certs+=("$pki/certs/$n.cer")
        old=$(openssl x509 -in "$src/etc/pki/ovirt-engine/certs/$n.cer" -noout -serial)
        new=$(openssl x509 -in "$pki/certs/$n.cer" -noout -serial)
        if [[ $old == "$new" ]]; then echo "bench-resign: $1: certs/$n.cer was not re-issued" >&2; return 1; fi
    done
    if ! openssl verify -CAfile "$pki/ca.pem" "${certs[@]}" >"$work/verify.log" 2>&1; then
        echo "bench-resign: $1: openssl verify failed:" >&2; cat "$work/verify.log" >&2; return 1
    fi
}

run_runbook() { # $1 = copy root; sets t_us
    local t0 t1
    nproc=0 kt_us=0
    t0=${EPOCHREALTIME//[!0-9]/}
    runbook "$1"
    t1=${EPOCHREALTIME//[!0-9]/}
    t_us=$((t1 - t0))
    check runbook "$1"
}

run_ours() { # $1 = copy root; sets t_us
    local t0 t1 rc=0
    t0=${EPOCHREALTIME//[!0-9]/}
    "$bin" resign --all --force --yes --root "$1" >"$work/ours.log" 2>&1 || rc=$?
    t1=${EPOCHREALTIME//[!0-9]/}
    t_us=$((t1 - t0))
    if ((rc != 0)); then
        echo "bench-resign: rhv-pki resign --all exited $rc:" >&2; cat "$work/ours.log" >&2; return 1
    fi
    check rhv-pki "$1"
}

# one warm-up per side (page cache, JVM class data), not counted
fresh_copy "$work/a"; run_runbook "$work/a"
fresh_copy "$work/b"; run_ours "$work/b"

rb_times=() rb_kt=() our_times=() rb_nproc=''
for ((i = 1; i <= RUNS; i++)); do
    fresh_copy "$work/a"; run_runbook "$work/a"; rb_times+=("$t_us") rb_kt+=("$kt_us")
    if [[ -n $rb_nproc && $rb_nproc != "$nproc" ]]; then rb_nproc="$rb_nproc/$nproc"; else rb_nproc=$nproc; fi
    fresh_copy "$work/b"; run_ours "$work/b"; our_times+=("$t_us")
done

# processes spawned by rhv-pki itself (untimed run under strace, when available)
ours_procs=''
if command -v strace >/dev/null 2>&1; then
    fresh_copy "$work/b"
    if strace -f -qq -e trace=execve -e signal=none -o "$work/strace.log" \
        "$bin" resign --all --force --yes --root "$work/b" >/dev/null 2>&1; then
        n=$(grep -c 'execve(.*= 0$' "$work/strace.log" || true)
        k=$(grep 'execve(.*= 0$' "$work/strace.log" | grep -c '/keytool"' || true)
        ours_procs="$n processes: rhv-pki + $k keytool"
    fi
fi

stats() { # µs values -> "median_ms min_ms median_us"
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.0f %.0f %d\n", m / 1000, v[1] / 1000, m }'
}
read -r rb_med rb_min rb_med_us < <(stats "${rb_times[@]}")
read -r our_med our_min our_med_us < <(stats "${our_times[@]}")
read -r kt_med _ < <(stats "${rb_kt[@]}")
ratio=$(awk -v a="$rb_med_us" -v b="$our_med_us" 'BEGIN {
    if (b <= 0) print "n/a"; else if (a >= b) printf "%.1f x faster", a / b; else printf "%.1f x slower", b / a }')

line() { # label, median, min, [suffix]
    local label=$1 dots
    dots=$(printf '%*s' $((40 - ${#label})) '' | tr ' ' .)
    printf '  %s %s median %6s ms (min %s)%s\n' "$label" "$dots" "$2" "$3" "${4:+   $4}"
}

echo "resign --all on $scenario ($n_entities entities + CA)"
line "runbook (openssl CLI, $rb_nproc processes)" "$rb_med" "$rb_min"
line "rhv-pki resign --all" "$our_med" "$our_min" "$ratio"
echo "  $(openssl version); keytool: ${KEYTOOL:-not found (runbook skipped the .truststore step)}"
if [[ -n $KEYTOOL ]]; then echo "  runbook time spent in keytool (2 JVM starts): median $kt_med ms"; fi
echo "  $RUNS timed runs per side on fresh copies (copy + mode restore untimed, 1 warm-up each);"
echo "  both sides checked: ca.pem re-signed, all $n_entities entity certs re-issued and verifying against it"
echo "  rhv-pki side: ${ours_procs:-process count n/a (no strace)}; it also re-signs qemu-ca and refreshes"
echo "  .truststore for both CAs natively (no JVM; the runbook starts 2 for cacert alone), backs up"
echo "  the whole PKI dir + engine.conf.d and verifies everything; the runbook count excludes the"
echo "  pki-enroll-*.sh wrappers' own processes (sh, mktemp, df, flock, x509|grep, chmod)"
