#!/usr/bin/env bash
# Regenerates the oVirt-layout PKI fixtures used by rhv-pki's tests.
#
#   scripts/gen-fixtures.sh [OUTDIR]        (default: <repo>/testdata/pki)
#
# Every scenario is rebuilt from scratch into OUTDIR/<scenario>/, a filesystem root holding
# etc/pki/ovirt-engine (the Manager PKI dir), etc/ovirt-engine/engine.conf.d and
# etc/ovirt-engine-setup.conf.d, plus fixture-modes.txt (modes git cannot keep) and SCENARIO.md.
#
# The PKI is built the way oVirt's own scripts build it (see shared/docs/ovirt-pki.md §1, §2, §9):
# `openssl ca` with openssl.conf + database.txt/serial.txt, cert.conf profiles, PKCS#12 without
# friendlyName, text-dump .cer for engine/jboss/hosts, Bag-Attributes .cer/.key.nopass for the
# extract entities, certs/ca.der that is PEM, apache-ca.pem as an absolute symlink, .truststore.
# Validity windows are fixed (notBefore = issue day - 1 day, notAfter = issue day + days, all at
# 00:00:00 UTC), so every run yields the same dates; keys and serial-derived bytes are random.
#
# Needs: bash, openssl 3 (legacy provider for the RC2-40 era), coreutils, ssh-keygen; keytool optional.
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$SCRIPT_DIR")
OUTDIR=${1:-$REPO_DIR/testdata/pki}
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

PASS=mypass
PKI_ABS=/etc/pki/ovirt-engine
SCENARIOS=(4.2-sha1 4.4-mixed 4.5-modern expiring expired expired-ca third-party-apache broken console console-bad)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gen-fixtures.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

HAVE_KEYTOOL=no
if command -v keytool >/dev/null 2>&1; then HAVE_KEYTOOL=yes; fi

# ---------------------------------------------------------------------------------------------
# small helpers

die() { echo "gen-fixtures: $*" >&2; exit 1; }

# run CMD...: run quietly, show the output only when it fails.
run() {
    local out
    if ! out=$("$@" 2>&1); then
        printf 'gen-fixtures: command failed (%s): %s\n%s\n' "${SCN:-}" "$*" "$out" >&2
        return 1
    fi
}

# day DATE OFFSET_DAYS -> YYYY-MM-DD (UTC, midnight based; no DST in UTC)
day() {
    local s
    s=$(date -u -d "$1 00:00:00" +%s)
    date -u -d "@$((s + $2 * 86400))" +%Y-%m-%d
}

# asn1 YYYY-MM-DD -> YYMMDDHHMMSSZ (openssl ca -startdate/-enddate; all our dates are < 2050)
asn1() { date -u -d "$1 00:00:00" +%y%m%d%H%M%SZ; }

# The environment cert.conf needs: it references ${ENV::OVIRT_SAN/KU/EKU}, and OpenSSL refuses to
# load a config whose variables are unset, so they are always exported (empty when unused).
ossl() { env OVIRT_SAN="${OVIRT_SAN:-}" OVIRT_KU="${OVIRT_KU:-}" OVIRT_EKU="${OVIRT_EKU:-}" openssl "$@"; }

# genkey FILE TYPE   TYPE: rsa (PKCS#8, genpkey), rsa-pkcs1 (genrsa -traditional), rsa1024, ec256
genkey() {
    case "$2" in
        rsa) run openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" ;;
        rsa-pkcs1) run openssl genrsa -traditional -out "$1" 2048 ;;
        rsa1024) run openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$1" ;;
        ec256) run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" ;;
        *) die "unknown key type $2" ;;
    esac
}

# ---------------------------------------------------------------------------------------------
# PKI directory skeleton and configuration (written from the facts in ovirt-pki.md §2.1, §2.2)

aia_url() { # $1 = resource name (ca-certificate | qemu-ca-certificate)
    echo "http://${FQDN}:80/ovirt-engine/services/pki-resource?resource=$1&format=X509-PEM-CA"
}

write_openssl_conf() {
    cat > openssl.conf <<EOF
RANDFILE = .rnd
unique_subject = no

[ca]
default_ca = CA_default

[CA_default]
database = database.txt
serial = serial.txt
new_certs_dir = certs
certificate = ca.pem
private_key = private/ca.pem
default_days = 365
default_md = ${DEFAULT_MD}
preserve = no
policy = policy_match

[policy_match]
countryName = optional
stateOrProvinceName = optional
organizationName = optional
organizationalUnitName = optional
commonName = optional
emailAddress = optional
EOF
}

# CA profile (cacert.template.in): no AIA.
cacert_template() {
    cat <<'EOF'
RANDFILE = .rnd

[req]
default_bits = rsa:2048
distinguished_name = req_distinguished_name

[req_distinguished_name]

[v3_ca]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer:always
basicConstraints = critical,CA:true
keyUsage = critical,cRLSign,keyCertSign
EOF
}

# Leaf profiles (cert.template.in); $1 = AIA URI or the literal @AIA@ placeholder.
cert_template() {
    local base
    base="subjectKeyIdentifier = hash
authorityInfoAccess = caIssuers;URI:$1
authorityKeyIdentifier = keyid:always,issuer:always
basicConstraints = CA:false"
    cat <<EOF
RANDFILE = .rnd

[req]
default_bits = rsa:2048
distinguished_name = req_distinguished_name

[req_distinguished_name]

[v3_ca]
$base
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = critical,serverAuth,clientAuth

[v3_ca_san]
$base
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = critical,serverAuth,clientAuth
subjectAltName = \${ENV::OVIRT_SAN}

[custom]
$base
keyUsage = critical,\${ENV::OVIRT_KU}
extendedKeyUsage = \${ENV::OVIRT_EKU}
EOF
}

init_pki() {
    mkdir -p "$PKI"/{certs,keys,private,requests}
    if [[ $QEMU == yes ]]; then mkdir -p "$PKI"/{certs-qemu,requests-qemu}; fi
    cd "$PKI"
    write_openssl_conf
    # RPM-shipped templates, engine-setup's substituted templates, and the .conf copies.
    cacert_template > cacert.template.in
    cert_template '@AIA@' > cert.template.in
    cacert_template > cacert.template
    cert_template "$(aia_url ca-certificate)" > cert.template
    cp cacert.template cacert.conf
    cp cert.template cert.conf
    if [[ $QEMU == yes ]]; then
        cacert_template > qemu-cacert.template
        cert_template "$(aia_url qemu-ca-certificate)" > qemu-cert.template
        cp qemu-cacert.template qemu-cacert.conf
        cp qemu-cert.template qemu-cert.conf
    fi
    echo 1000 > serial.txt
    : > database.txt
    : > .rnd
}

write_etc() {
    local ec="$ROOT/etc/ovirt-engine/engine.conf.d" sc="$ROOT/etc/ovirt-engine-setup.conf.d"
    mkdir -p "$ec" "$sc"
    cat > "$ec/10-setup-protocols.conf" <<EOF
ENGINE_FQDN=${FQDN}
ENGINE_PROXY_ENABLED=true
ENGINE_PROXY_HTTP_PORT=80
ENGINE_PROXY_HTTPS_PORT=443
ENGINE_AJP_ENABLED=true
ENGINE_AJP_PORT=8702
ENGINE_HTTP_ENABLED=false
ENGINE_HTTPS_ENABLED=false
ENGINE_HTTP_PORT=None
ENGINE_HTTPS_PORT=None
EOF
    cat > "$ec/10-setup-pki.conf" <<EOF
ENGINE_PKI="${PKI_ABS}"
ENGINE_PKI_CA="${PKI_ABS}/ca.pem"
ENGINE_PKI_ENGINE_CERT="${PKI_ABS}/certs/engine.cer"
ENGINE_PKI_TRUST_STORE="${PKI_ABS}/.truststore"
ENGINE_PKI_TRUST_STORE_PASSWORD="${PASS}"
ENGINE_PKI_ENGINE_STORE="${PKI_ABS}/keys/engine.p12"
ENGINE_PKI_ENGINE_STORE_PASSWORD="${PASS}"
ENGINE_PKI_ENGINE_STORE_ALIAS="1"
ENGINE_HTTPS_PKI_TRUST_STORE="\${ENGINE_PKI_TRUST_STORE}"
ENGINE_HTTPS_PKI_TRUST_STORE_PASSWORD="\${ENGINE_PKI_TRUST_STORE_PASSWORD}"
EOF
    cat > "$sc/20-setup-ovirt-post.conf" <<EOF
[environment:default]
OVESETUP_CORE/engineIsSetup=bool:True
OVESETUP_CONFIG/fqdn=str:${FQDN}
OVESETUP_PKI/organization=str:${ORG}
OVESETUP_PKI/country=str:US
OVESETUP_APACHE/configured=bool:True
EOF
}

# ---------------------------------------------------------------------------------------------
# issuing (always run with cwd = $PKI)

# create_ca NAME SUBJECT NOTBEFORE NOTAFTER   (NAME = ca | qemu-ca; self-signed via openssl ca)
create_ca() {
    local name=$1 subj=$2 nb=$3 na=$4 conf=cacert.conf
    [[ $name == qemu-ca ]] && conf=qemu-cacert.conf
    genkey "private/$name.pem" "$CA_KEY"
    run ossl req -new -config "$conf" -key "private/$name.pem" -subj / -out "requests/$name.csr"
    run ossl ca -batch -config openssl.conf -policy policy_match -selfsign \
        -keyfile "private/$name.pem" -in "requests/$name.csr" -out "$name.pem" \
        -extfile "$conf" -extensions v3_ca -notext -subj "$subj" -utf8 \
        -startdate "$(asn1 "$nb")" -enddate "$(asn1 "$na")"
    run openssl x509 -in "$name.pem" -out "certs/$name.der"
}

# sign REQ OUT SUBJECT ISSUE DAYS [ca=ca|qemu-ca] [ext=v3_ca_san|v3_ca|custom] [san=..] [md=..]
#      [ku=..] [eku=..]
# notBefore = ISSUE - 1 day, notAfter = ISSUE + DAYS (oVirt's -startdate now-1day, -days N).
sign() {
    local req=$1 out=$2 subj=$3 issue=$4 days=$5
    shift 5
    local ca=ca ext=v3_ca_san san="" md="" ku="" eku="" kv
    for kv in "$@"; do
        case "$kv" in
            ca=*) ca=${kv#ca=} ;;
            ext=*) ext=${kv#ext=} ;;
            san=*) san=${kv#san=} ;;
            md=*) md=${kv#md=} ;;
            ku=*) ku=${kv#ku=} ;;
            eku=*) eku=${kv#eku=} ;;
            *) die "sign: bad option $kv" ;;
        esac
    done
    local conf=cert.conf
    [[ $ca == qemu-ca ]] && conf=qemu-cert.conf
    local mdopt=()
    [[ -n $md ]] && mdopt=(-md "$md")
    OVIRT_SAN=$san OVIRT_KU=$ku OVIRT_EKU=$eku run ossl ca -batch -config openssl.conf \
        -policy policy_match -cert "$ca.pem" -keyfile "private/$ca.pem" "${mdopt[@]}" \
        -in "$req" -out "$out" -subj "$subj" -utf8 -extfile "$conf" -extensions "$ext" \
        -startdate "$(asn1 "$(day "$issue" -1)")" -enddate "$(asn1 "$(day "$issue" "$days")")"
}

p12_fmt_opts() {
    case "$P12FMT" in
        legacy) echo "-provider legacy -provider default -certpbe PBE-SHA1-RC2-40 -keypbe PBE-SHA1-3DES -macalg sha1" ;;
        3des) echo "-certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1" ;;
        modern) echo "" ;;
        *) die "unknown p12 format $P12FMT" ;;
    esac
}

# p12_export CERT KEY OUT [PASSWORD]   (never -name: oVirt sets no friendlyName)
p12_export() {
    local -a fmt
    read -r -a fmt <<< "$(p12_fmt_opts)"
    run openssl pkcs12 -export "${fmt[@]}" -in "$1" -inkey "$2" -out "$3" -passout "pass:${4:-$PASS}"
}

# p12_read ARGS...  (reads with -legacy when the era's p12 needs it)
p12_read() {
    if [[ $P12FMT == legacy ]]; then run openssl pkcs12 -legacy "$@"; else run openssl pkcs12 "$@"; fi
}

# enroll NAME ISSUE DAYS [key=TYPE] [subj=..] [pass=..] + sign options
# Like pki-enroll-pkcs12.sh: new key, CSR requests/NAME.req, certs/NAME.cer (text dump + PEM),
# keys/NAME.p12. The key only survives inside the p12.
enroll() {
    local name=$1 issue=$2 days=$3
    shift 3
    local key=rsa subj="/C=US/O=${ORG}/CN=${FQDN}" pass=$PASS kv
    local -a sopts=("san=DNS:${FQDN}")
    for kv in "$@"; do
        case "$kv" in
            key=*) key=${kv#key=} ;;
            subj=*) subj=${kv#subj=} ;;
            pass=*) pass=${kv#pass=} ;;
            *) sopts+=("$kv") ;;
        esac
    done
    local k="$WORK/$SCN.$name.key"
    genkey "$k" "$key"
    run ossl req -new -config cert.conf -key "$k" -subj / -out "requests/$name.req"
    sign "requests/$name.req" "certs/$name.cer" "$subj" "$issue" "$days" "${sopts[@]}"
    p12_export "certs/$name.cer" "$k" "keys/$name.p12" "$pass"
}

# The 4.2/4.3 Manager ran OpenSSL 1.0.2, whose `pkcs12` printed subject=/C=../O=../CN=.. lines.
slash_names() {
    sed -E -i '/^(subject|issuer)=/{s/ = /=/g; s/, /\//g; s/^(subject|issuer)=/\1=\//}' "$1"
}

# extract NAME: engine-setup's _expandPKCS12 -> certs/NAME.cer and keys/NAME.key.nopass
extract() {
    p12_read -in "keys/$1.p12" -passin "pass:$PASS" -nokeys -out "certs/$1.cer"
    p12_read -in "keys/$1.p12" -passin "pass:$PASS" -nocerts -nodes -out "keys/$1.key.nopass"
    if [[ $ERA == 4.2 ]]; then slash_names "certs/$1.cer"; fi
}

engine_id_rsa() {
    p12_read -in keys/engine.p12 -passin "pass:$PASS" -nocerts -nodes -out keys/engine_id_rsa
}

# host HOST ISSUE DAYS [qemu] [nosan] [md=..]: a host CSR (key stays on the host) signed like
# pki-enroll-request.sh --subject=/O=<org>/CN=<host>[/OU=qemu] [--san=DNS:<host>]
host() {
    local h=$1 issue=$2 days=$3
    shift 3
    local qemu=no san="DNS:$h" kv
    local -a extra=()
    for kv in "$@"; do
        case "$kv" in
            qemu) qemu=yes ;;
            nosan) san="" ;;
            *) extra+=("$kv") ;;
        esac
    done
    local -a sopts=()
    if [[ -n $san ]]; then sopts=(ext=v3_ca_san "san=$san"); else sopts=(ext=v3_ca); fi
    local k="$WORK/$SCN.$h.hostkey"
    run openssl req -new -newkey rsa:2048 -nodes -keyout "$k" -subj / -out "$WORK/$SCN.$h.req"
    if [[ $qemu == yes ]]; then
        cp "$WORK/$SCN.$h.req" "requests-qemu/$h.req"
        sign "requests-qemu/$h.req" "certs-qemu/$h.cer" "/O=${ORG}/CN=$h/OU=qemu" "$issue" "$days" \
            ca=qemu-ca "${sopts[@]}" "${extra[@]}"
    else
        cp "$WORK/$SCN.$h.req" "requests/$h.req"
        sign "requests/$h.req" "certs/$h.cer" "/O=${ORG}/CN=$h" "$issue" "$days" "${sopts[@]}" "${extra[@]}"
    fi
}

truststore() {
    [[ $HAVE_KEYTOOL == yes ]] || return 0
    local ca alias
    for ca in ca qemu-ca; do
        [[ -f $ca.pem ]] || continue
        alias="${ca}cert"
        run keytool -J-Dcom.redhat.fips=false -import -noprompt -trustcacerts -alias "$alias" \
            -keystore .truststore -file "$ca.pem" -storepass "$PASS" -storetype "$TSTYPE"
    done
}

# openssh_cert NAME ISSUE DAYS PRINCIPALS [host] [signer=KEYFILE]
# Like engine-setup's vmconsole plugin calling pki-enroll-openssh-cert.sh --name=NAME --id=NAME
# --principals=PRINCIPALS [--host]: certs/NAME.pub from the entity's key, then
# `ssh-keygen -s <copy of the CA key> -I NAME [-h] -V <from>:<to> -n <principals> [-O clear -O permit-pty]`
# writing certs/NAME-cert.pub. The key id is the entity name for both certificates; the script's
# default options `clear,permit-pty` apply to the user certificate, none to a host certificate
# (`--host` empties them). Absolute dates: notBefore = ISSUE - 1 day, notAfter = ISSUE + DAYS.
openssh_cert() {
    local name=$1 issue=$2 days=$3 principals=$4
    shift 4
    local host=() opts=(-O clear -O permit-pty) signer=private/ca.pem kv
    for kv in "$@"; do
        case "$kv" in
            host) host=(-h) opts=() ;;
            signer=*) signer=${kv#signer=} ;;
            *) die "openssh_cert: bad option $kv" ;;
        esac
    done
    local ca="$WORK/$SCN.$name.sshca"
    cp "$signer" "$ca"
    chmod 0600 "$ca"
    ssh-keygen -y -f "$WORK/$SCN.$name.key" > "certs/$name.pub"
    run ssh-keygen -q -s "$ca" -I "$name" "${host[@]}" \
        -V "$(date -u -d "$(day "$issue" -1)" +%Y%m%d%H%M%S):$(date -u -d "$(day "$issue" "$days")" +%Y%m%d%H%M%S)" \
        -n "$principals" "${opts[@]}" "certs/$name.pub"
    rm -f "$ca"
}

apache_ca_link() { ln -sfn "$PKI_ABS/ca.pem" apache-ca.pem; }

# backup FILE... TS : engine-setup's common_backup (cp -a FILE FILE.TS)
backup() {
    local ts=${*: -1} f
    for f in "${@:1:$#-1}"; do cp -a "$f" "$f.$ts"; done
}

# A CA outside the Manager's PKI dir (3rd-party CA, foreign CA, an unrelated engine CA), made
# with `openssl ca -selfsign` in its own scratch directory so its dates are fixed too.
# ext_ca DIR SUBJECT NOTBEFORE NOTAFTER [EXTFILE]
ext_ca() {
    local d=$1 subj=$2 nb=$3 na=$4 extfile=${5:-}
    mkdir -p "$d"/{certs,private}
    (
        cd "$d"
        DEFAULT_MD=sha256 write_openssl_conf
        echo 1000 > serial.txt
        : > database.txt
        if [[ -z $extfile ]]; then
            extfile=$d/ca-ext.conf
            cat > "$extfile" <<'EOF'
[v3_ca]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
basicConstraints = critical,CA:true
keyUsage = critical,cRLSign,keyCertSign
EOF
        fi
        genkey private/ca.pem rsa
        run openssl req -new -key private/ca.pem -subj / -out ca.csr
        run ossl ca -batch -config openssl.conf -policy policy_match -selfsign -keyfile private/ca.pem \
            -in ca.csr -out ca.pem -extfile "$extfile" -extensions v3_ca -notext -subj "$subj" -utf8 \
            -startdate "$(asn1 "$nb")" -enddate "$(asn1 "$na")"
    )
}

# ---------------------------------------------------------------------------------------------
# scenario framework

# begin NAME FQDN ERA DEFAULT_MD CA_KEY P12FMT TSTYPE
begin() {
    SCN=$1 FQDN=$2 ERA=$3 DEFAULT_MD=$4 CA_KEY=$5 P12FMT=$6 TSTYPE=$7
    ORG=example.test
    QEMU=yes
    [[ $ERA == 4.2 ]] && QEMU=no
    ROOT="$OUTDIR/$SCN"
    PKI="$ROOT$PKI_ABS"
    declare -gA MODE_OVERRIDE=()
    rm -rf "$ROOT"
    mkdir -p "$ROOT"
    write_etc
    init_pki
}

# mode_of RELPATH TYPE(d|f) -> octal mode per ovirt-pki.md §1.1/§1.2
mode_of() {
    local p=$1 t=$2
    if [[ -n ${MODE_OVERRIDE[$p]:-} ]]; then echo "${MODE_OVERRIDE[$p]}"; return; fi
    if [[ $t == d ]]; then
        case "$p" in
            etc/pki/ovirt-engine/private) echo 0750 ;;
            *) echo 0755 ;;
        esac
        return
    fi
    case "$p" in
        etc/pki/ovirt-engine/private/*) echo 0640 ;;
        etc/pki/ovirt-engine/keys/*.p12 | etc/pki/ovirt-engine/keys/*.p12.*) echo 0600 ;;
        etc/pki/ovirt-engine/keys/*.key.nopass) echo 0600 ;;
        etc/pki/ovirt-engine/keys/engine_id_rsa) echo 0600 ;;
        etc/pki/ovirt-engine/.rnd) echo 0600 ;;
        etc/ovirt-engine/engine.conf.d/10-setup-pki.conf) echo 0640 ;;
        *) echo 0644 ;;
    esac
}

write_modes() {
    local rel t
    (
        cd "$ROOT"
        # Empty directories are left out: git cannot carry them, so a fresh clone would lack
        # them and the modes could not be applied there.
        find etc \( -type d ! -empty -printf 'd %p\n' \) -o \( -type f -printf 'f %p\n' \) | sort -k2 |
            while read -r t rel; do
                printf '%s %s\n' "$(mode_of "$rel" "$t")" "$rel"
            done
    ) > "$ROOT/fixture-modes.txt"
    bash "$SCRIPT_DIR/apply-fixture-modes.sh" "$ROOT"
}

# validity table of every certificate file of the scenario, from the files themselves
validity_table() {
    local f rel nb na
    echo "| file | notBefore (UTC) | notAfter (UTC) |"
    echo "|---|---|---|"
    (
        cd "$ROOT"
        find etc/pki/ovirt-engine -maxdepth 2 \( -name '*.pem' -o -name '*.cer' -o -name '*.cer.*' \) \
            -not -path '*/private/*' -not -name '1???.pem' -type f | sort
    ) | while read -r rel; do
        f="$ROOT/$rel"
        if nb=$(openssl x509 -in "$f" -noout -startdate 2>/dev/null) &&
            na=$(openssl x509 -in "$f" -noout -enddate 2>/dev/null); then
            nb=$(date -u -d "${nb#notBefore=}" '+%Y-%m-%d %H:%M:%S')
            na=$(date -u -d "${na#notAfter=}" '+%Y-%m-%d %H:%M:%S')
            echo "| \`${rel#etc/pki/ovirt-engine/}\` | $nb | $na |"
        else
            echo "| \`${rel#etc/pki/ovirt-engine/}\` | (unreadable) | (unreadable) |"
        fi
    done
}

# finish "description markdown"
finish() {
    {
        echo "# Scenario \`$SCN\`"
        echo
        echo "- era: oVirt $ERA; FQDN \`$FQDN\`; organization \`$ORG\`; openssl.conf default_md \`$DEFAULT_MD\`"
        echo "- p12 format: $P12FMT; .truststore type: $TSTYPE$([[ $HAVE_KEYTOOL == yes ]] || echo ' (not generated: keytool missing)')"
        echo "- audit reference time used by the tests: 2026-11-01T00:00:00Z"
        echo
        echo "$1"
        echo
        echo "## Validity (generated from the files)"
        echo
        validity_table
    } > "$ROOT/SCENARIO.md"
    write_modes
}

# ---------------------------------------------------------------------------------------------
# scenarios

scn_4_2_sha1() {
    begin 4.2-sha1 engine42.example.test 4.2 sha1 rsa-pkcs1 legacy JKS
    # pki-create-ca.sh of 4.2: genrsa (PKCS#1), default_md sha1, 3650 days.
    # The spec fixes notAfter at 2028-03-11 (= notBefore + 3650 d).
    create_ca ca "/C=US/O=${ORG}/CN=${FQDN}.48213" 2018-03-13 2028-03-11
    local n
    for n in engine jboss apache websocket-proxy imageio-proxy reports; do
        enroll "$n" 2023-01-10 1800
    done
    for n in apache websocket-proxy imageio-proxy reports; do extract "$n"; done
    engine_id_rsa
    # 4.2/4.3 host enrollment: /O=<org>/CN=<host>, no SAN (profile v3_ca), 5*365 days.
    host host1.example.test 2023-01-10 1825 nosan
    apache_ca_link
    truststore
    finish "$(cat <<'EOF'
Pre-4.4 Manager whose openssl.conf still says `default_md = sha1` (pre-4.1 install, file kept by
`%config(noreplace)`): **everything is SHA-1**, CA key is PKCS#1 (`BEGIN RSA PRIVATE KEY`).

- CA serial 1000, `/C=US/O=example.test/CN=engine42.example.test.48213`, 2018-03-13 → 2028-03-11; no qemu-ca,
  no `certs-qemu/`, `requests-qemu/`.
- engine, jboss, apache, websocket-proxy, imageio-proxy, reports: issued 2023-01-10, 1800 d, SHA-1, SAN DNS:fqdn.
- **p12 legacy format**: cert bag pbeWithSHA1And40BitRC2-CBC, key bag pbeWithSHA1And3-KeyTripleDES-CBC,
  SHA-1 MAC — OpenSSL 3 needs `-legacy` to read them.
- Extracted `.cer` files carry OpenSSL-1.0.2-style `subject=/C=US/O=…/CN=…` lines.
- `.truststore` is JKS (Java 8 keytool era).
- `certs/host1.example.test.cer`: `/O=example.test/CN=host1.example.test`, **no SAN**, SHA-1, 1825 d from 2023-01-10.
EOF
)"
}

scn_4_4_mixed() {
    begin 4.4-mixed engine44.example.test 4.4 sha256 rsa-pkcs1 3des PKCS12
    create_ca ca "/C=US/O=${ORG}/CN=${FQDN}.52977" 2020-05-31 "$(day 2020-06-01 3650)"
    create_ca qemu-ca "/C=US/O=${ORG}/OU=qemu/CN=${FQDN}.52978" 2020-05-31 "$(day 2020-06-01 3650)"
    enroll engine 2022-09-01 1800
    enroll jboss 2022-09-01 1800
    enroll reports 2022-09-01 1800 ext=v3_ca san=
    enroll apache 2022-09-01 1800 md=sha1
    enroll websocket-proxy 2022-09-01 1800 md=sha1
    local n
    for n in reports apache websocket-proxy; do extract "$n"; done
    engine_id_rsa
    host host1.example.test 2022-09-01 1825
    host host1.example.test 2022-09-01 1825 qemu
    apache_ca_link
    truststore
    finish "$(cat <<'EOF'
4.4 (≤ 4.4.3.4) Manager, SHA-256 openssl.conf but a **mixed** PKI.

- CA (serial 1000) and qemu-ca (serial 1001, OU=qemu) SHA-256, PKCS#1 keys, notBefore 2020-05-31, 3650 d.
- engine, jboss, reports: SHA-256, issued 2022-09-01, 1800 d. **`reports` has no SAN** (profile `v3_ca`).
- **apache and websocket-proxy are SHA-1** (`-md sha1`), issued 2022-09-01, 1800 d.
- p12 format of 4.4.0–4.4.3.4 (`-descert`): 3DES cert bag, 3DES key bag, SHA-1 MAC.
- `.truststore` PKCS12 (Java 11 keytool), aliases `cacert` and `qemu-cacert`.
- Hosts: `certs/host1.example.test.cer` (SAN, SHA-256, 1825 d from 2022-09-01) and
  `certs-qemu/host1.example.test.cer` (`O=example.test, OU=qemu, CN=host1.example.test`, signed by qemu-ca).
EOF
)"
}

# The two CAs of a 4.5 Manager (7300 d; qemu-ca subject adds OU=qemu).
# core_45 CA_ISSUE_DAY CA_DAYS CA_NUMBER [QEMU_CA_ISSUE_DAY]   (notBefore = issue day - 1)
core_45() {
    local qis=${4:-$1}
    create_ca ca "/C=US/O=${ORG}/CN=${FQDN}.$3" "$(day "$1" -1)" "$(day "$1" "$2")"
    create_ca qemu-ca "/C=US/O=${ORG}/OU=qemu/CN=${FQDN}.$(($3 + 1))" "$(day "$qis" -1)" "$(day "$qis" 7300)"
}

scn_4_5_modern() {
    begin 4.5-modern engine45.example.test 4.5 sha256 rsa modern PKCS12
    core_45 2022-08-01 7300 61024
    local n
    for n in engine jboss reports ovn-ndb ovn-sdb ovirt-provider-ovn; do enroll "$n" 2022-08-01 1827; done
    enroll vmconsole-proxy-helper 2022-08-01 1827 ext=custom san= ku=digitalSignature \
        eku=1.3.6.1.4.1.2312.13.1.2.1.1
    enroll vmconsole-proxy-user 2022-08-01 1827 ext=v3_ca san= "subj=/C=US/O=${ORG}/CN=vmconsole-proxy-user"
    enroll vmconsole-proxy-host 2022-08-01 1827 ext=v3_ca san= "subj=/C=US/O=${ORG}/CN=vmconsole-proxy-host"
    for n in host1.example.test host2.example.test; do
        host "$n" 2025-03-01 1827
        host "$n" 2025-03-01 1827 qemu
    done
    # previous apache generation, then engine-setup's renewal on 2026-06-01 12:00:00
    enroll apache 2025-05-02 398
    extract apache
    backup certs/apache.cer keys/apache.p12 requests/apache.req 20260601120000
    enroll apache 2026-06-01 398
    enroll websocket-proxy 2026-06-01 398
    for n in reports ovn-ndb ovn-sdb ovirt-provider-ovn vmconsole-proxy-helper apache websocket-proxy; do
        extract "$n"
    done
    engine_id_rsa
    apache_ca_link
    truststore
    finish "$(cat <<'EOF'
Fresh 4.5.1+ Manager (EL9, OpenSSL 3): everything SHA-256, CA keys PKCS#8.

- CA (1000) and qemu-ca (1001): notBefore 2022-07-31, 7300 d.
- engine, jboss, reports, ovn-ndb, ovn-sdb, ovirt-provider-ovn: issued 2022-08-01, 1827 d.
- vmconsole-proxy-helper: profile `custom` (critical KU digitalSignature, EKU 1.3.6.1.4.1.2312.13.1.2.1.1, no SAN),
  extracted; vmconsole-proxy-user / vmconsole-proxy-host: p12 + text `.cer`, CN = the name, profile `v3_ca` (no SAN).
  (The OpenSSH certificates derived from them are not generated.)
- apache, websocket-proxy: 398 d issued 2026-06-01 (notBefore 2026-05-31, notAfter 2027-07-04).
- Backups left by that renewal: `certs/apache.cer.20260601120000`, `keys/apache.p12.20260601120000`,
  `requests/apache.req.20260601120000` = previous apache generation (issued 2025-05-02, 398 d, notAfter 2026-06-04).
- p12: OpenSSL 3 defaults (PBES2/PBKDF2/AES-256-CBC, HMAC-SHA256 MAC). `.truststore` PKCS12.
- Hosts host1/host2.example.test: `certs/` and `certs-qemu/`, SAN, 1827 d from 2025-03-01.
EOF
)"
}

# Scenarios 4-7 share the 4.5 core: CA, qemu-ca, engine, jboss, reports, apache,
# websocket-proxy, host1 (certs + certs-qemu).

scn_expiring() {
    begin expiring engine-exp.example.test 4.5 sha256 rsa modern PKCS12
    core_45 2022-08-01 7300 70351
    local n
    for n in engine jboss reports; do enroll "$n" 2022-08-01 1827; done
    host host1.example.test 2025-03-01 1827
    host host1.example.test 2025-03-01 1827 qemu
    enroll apache "$(day 2026-11-21 -398)" 398
    enroll websocket-proxy "$(day 2026-12-16 -398)" 398
    # host3: enrolled with a clock in the future -> notBefore 2027-01-01
    host host3.example.test 2027-01-02 1827
    for n in reports apache websocket-proxy; do extract "$n"; done
    engine_id_rsa
    apache_ca_link
    truststore
    finish "$(cat <<'EOF'
4.5 core (no OVN/vmconsole) with certificates close to expiry at AT = 2026-11-01T00:00:00Z.

- **apache notAfter 2026-11-21** (AT + 20 d; issued 2025-10-19, 398 d).
- **websocket-proxy notAfter 2026-12-16** (AT + 45 d; issued 2025-11-13, 398 d).
- **`certs/host3.example.test.cer` not yet valid**: notBefore 2027-01-01 (issued "2027-01-02", 1827 d).
- Healthy: CA + qemu-ca (notBefore 2022-07-31, 7300 d), engine/jboss/reports (2022-08-01, 1827 d,
  notAfter 2027-08-02), host1 (`certs/` + `certs-qemu/`, 2025-03-01, 1827 d).
EOF
)"
}

scn_expired() {
    begin expired engine-old.example.test 4.5 sha256 rsa modern PKCS12
    # installed 2021-08-31; the CA must predate the engine cert
    core_45 2021-08-31 7300 18442
    enroll engine 2021-08-31 1827
    enroll jboss 2022-08-01 1827
    enroll reports 2022-08-01 1827
    host host1.example.test 2025-03-01 1827
    host host1.example.test 2025-03-01 1827 qemu
    enroll apache "$(day 2026-10-15 -398)" 398
    enroll websocket-proxy 2026-06-01 398
    local n
    for n in reports apache websocket-proxy; do extract "$n"; done
    engine_id_rsa
    apache_ca_link
    truststore
    finish "$(cat <<'EOF'
4.5 core with expired Manager certificates at AT = 2026-11-01T00:00:00Z; CA healthy.

- **engine notAfter 2026-09-01** (issued 2021-08-31, 1827 d) — expired.
- **apache notAfter 2026-10-15** (issued 2025-09-12, 398 d) — expired.
- Healthy: CA + qemu-ca (notBefore 2021-08-30, 7300 d), jboss/reports (2022-08-01, 1827 d),
  websocket-proxy (2026-06-01, 398 d), host1 (`certs/` + `certs-qemu/`, 2025-03-01, 1827 d).
EOF
)"
}

scn_expired_ca() {
    begin expired-ca engine-eca.example.test 4.5 sha256 rsa modern PKCS12
    # old 3650-day CA from 2016; qemu-ca created later (4.4+), healthy
    core_45 2016-10-03 3650 27605 2022-08-01
    local n
    for n in engine jboss reports; do enroll "$n" 2022-08-01 1827; done
    host host1.example.test 2025-03-01 1827
    host host1.example.test 2025-03-01 1827 qemu
    enroll apache 2026-06-01 398
    enroll websocket-proxy 2026-06-01 398
    for n in reports apache websocket-proxy; do extract "$n"; done
    engine_id_rsa
    apache_ca_link
    truststore
    finish "$(cat <<'EOF'
4.5 core whose **engine CA has expired**: CA notBefore 2016-10-02, **notAfter 2026-10-01** (3650 d), before AT.

- qemu-ca healthy (notBefore 2022-07-31, 7300 d).
- Entities are within their own dates: engine/jboss/reports 2022-08-01 1827 d (notAfter 2027-08-02, beyond the
  CA's notAfter, as oVirt issues them), apache/websocket-proxy 2026-06-01 398 d, host1 2025-03-01 1827 d.
EOF
)"
}

scn_third_party_apache() {
    begin third-party-apache engine-3p.example.test 4.5 sha256 rsa modern PKCS12
    core_45 2022-08-01 7300 39518
    local n
    for n in engine jboss reports; do enroll "$n" 2022-08-01 1827; done
    host host1.example.test 2025-03-01 1827
    host host1.example.test 2025-03-01 1827 qemu
    # the internal apache cert engine-setup made before the admin swapped it
    enroll apache 2025-05-02 398
    enroll websocket-proxy 2026-06-01 398
    for n in reports websocket-proxy; do extract "$n"; done
    engine_id_rsa
    truststore

    # external CA (its key never enters the PKI dir) and the admin's apache key + cert
    local x="$WORK/$SCN.extca"
    ext_ca "$x" "/C=US/O=Example Corp/CN=Example Corp Issuing CA" 2025-01-01 2035-01-01
    cat > "$x/server.conf" <<EOF
[server]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
basicConstraints = CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:${FQDN}
EOF
    genkey "$x/apache.key" rsa
    run openssl req -new -key "$x/apache.key" -subj "/C=US/O=${ORG}/CN=${FQDN}" -out "$x/apache.csr"
    (
        cd "$x"
        run ossl ca -batch -config openssl.conf -policy policy_match -in apache.csr -out apache.pem -notext \
            -subj "/C=US/O=${ORG}/CN=${FQDN}" -utf8 -extfile server.conf -extensions server \
            -startdate "$(asn1 2026-03-01)" -enddate "$(asn1 "$(day 2026-03-01 365)")"
    )
    # admin guide procedure: real CA file instead of the symlink, cert + key copied in, p12 re-made
    rm -f apache-ca.pem
    cp "$x/ca.pem" apache-ca.pem
    cp "$x/apache.pem" certs/apache.cer
    cp "$x/apache.key" keys/apache.key.nopass
    p12_export "$x/apache.pem" "$x/apache.key" keys/apache.p12
    finish "$(cat <<'EOF'
4.5 core where the admin replaced the **apache certificate by a third-party one** (admin guide procedure).

- `apache-ca.pem` is a **real file** holding `/C=US/O=Example Corp/CN=Example Corp Issuing CA`
  (self-signed, 2025-01-01 → 2035-01-01); that CA's key is not in the PKI dir.
- `certs/apache.cer` (plain PEM as delivered), `keys/apache.key.nopass` (plain PKCS#8 PEM, no Bag Attributes)
  and `keys/apache.p12` (password mypass, no friendlyName, OpenSSL 3 default format) hold the third-party
  cert: subject `/C=US/O=example.test/CN=engine-3p.example.test`, SAN DNS:engine-3p.example.test,
  notBefore 2026-03-01, notAfter 2027-03-01 (365 d, no backdating).
- database.txt still lists the internal apache cert issued 2025-05-02 (398 d, notAfter 2026-06-04), whose copy
  remains as `certs/<serial>.pem`.
- Everything else internal and healthy: CA/qemu-ca 2022-07-31 7300 d, engine/jboss/reports 2022-08-01 1827 d,
  websocket-proxy 2026-06-01 398 d, host1 2025-03-01 1827 d.
EOF
)"
}

scn_broken() {
    begin broken engine-bad.example.test 4.5 sha256 rsa modern PKCS12
    core_45 2022-08-01 7300 84096
    local n
    enroll engine 2022-08-01 1827
    enroll jboss 2022-08-01 1827 "pass=not-mypass"
    enroll reports 2022-08-01 1827
    enroll ovn-ndb 2022-08-01 1827
    enroll ovn-sdb 2022-08-01 1827 key=rsa1024
    enroll ovirt-provider-ovn 2022-08-01 1827 key=ec256
    enroll vmconsole-proxy-helper 2022-08-01 1827 ext=custom san= ku=digitalSignature \
        eku=1.3.6.1.4.1.2312.13.1.2.1.1
    enroll vmconsole-proxy-user 2022-08-01 1827 ext=v3_ca san= "subj=/C=US/O=${ORG}/CN=vmconsole-proxy-user"
    enroll vmconsole-proxy-host 2022-08-01 1827 ext=v3_ca san= "subj=/C=US/O=${ORG}/CN=vmconsole-proxy-host"
    host host1.example.test 2025-03-01 1827
    host host1.example.test 2025-03-01 1827 qemu
    host host2.example.test 2025-03-01 1827 md=md5
    host host2.example.test 2025-03-01 1827 qemu
    enroll apache 2026-06-01 398
    enroll websocket-proxy 2026-06-01 398
    for n in reports ovn-ndb ovn-sdb ovirt-provider-ovn vmconsole-proxy-helper apache websocket-proxy; do
        extract "$n"
    done
    engine_id_rsa
    truststore

    # websocket-proxy.cer: another (valid, CA-signed) certificate with another key
    local w="$WORK/$SCN.wsp2"
    mkdir -p "$w"
    genkey "$w/key" rsa
    run ossl req -new -config cert.conf -key "$w/key" -subj / -out "$w/req"
    sign "$w/req" "$w/cer" "/C=US/O=${ORG}/CN=${FQDN}" 2026-06-01 398 "san=DNS:${FQDN}"
    p12_export "$w/cer" "$w/key" "$w/p12"
    p12_read -in "$w/p12" -passin "pass:$PASS" -nokeys -out certs/websocket-proxy.cer

    # apache.key.nopass: some other RSA key (same Bag-Attributes format)
    local a="$WORK/$SCN.apache2"
    mkdir -p "$a"
    genkey "$a/key" rsa
    run openssl req -new -x509 -key "$a/key" -subj "/CN=${FQDN}" -days 30 -out "$a/cer"
    p12_export "$a/cer" "$a/key" "$a/p12"
    p12_read -in "$a/p12" -passin "pass:$PASS" -nocerts -nodes -out keys/apache.key.nopass

    # reports.cer: cut in the middle of the base64 body (no END line)
    local b e
    b=$(grep -b -- '-----BEGIN CERTIFICATE-----' certs/reports.cer | cut -d: -f1)
    e=$(grep -b -- '-----END CERTIFICATE-----' certs/reports.cer | cut -d: -f1)
    head -c $(((b + 28 + e) / 2)) certs/reports.cer > "$WORK/$SCN.reports.cer"
    cat "$WORK/$SCN.reports.cer" > certs/reports.cer

    # apache-ca.pem dangling
    ln -sfn "$PKI_ABS/no-such-ca.pem" apache-ca.pem

    # 4 KiB of random bytes
    head -c 4096 /dev/urandom > certs/garbage.cer

    # world-readable key
    MODE_OVERRIDE[etc/pki/ovirt-engine/keys/websocket-proxy.key.nopass]=0644

    # certs/ca.der: a different CA (another key, another CN suffix, same serial 1000 and dates)
    local c="$WORK/$SCN.otherca"
    ext_ca "$c" "/C=US/O=${ORG}/CN=${FQDN}.84098" 2022-07-31 "$(day 2022-08-01 7300)" "$PKI/cacert.conf"
    run openssl x509 -in "$c/ca.pem" -out certs/ca.der

    # host9 signed by a foreign CA with the Manager's host profile
    local f="$WORK/$SCN.foreign"
    ext_ca "$f" "/C=US/O=Foreign Org/CN=foreign-ca.example.invalid" 2022-07-31 "$(day 2022-08-01 7300)"
    run openssl req -new -newkey rsa:2048 -nodes -keyout "$f/host9.key" -subj / -out requests/host9.example.test.req
    (
        cd "$f"
        OVIRT_SAN=DNS:host9.example.test run ossl ca -batch -config openssl.conf -policy policy_match \
            -in "$PKI/requests/host9.example.test.req" -out "$PKI/certs/host9.example.test.cer" \
            -subj "/O=${ORG}/CN=host9.example.test" -utf8 -extfile "$PKI/cert.conf" -extensions v3_ca_san \
            -startdate "$(asn1 2025-02-28)" -enddate "$(asn1 "$(day 2025-03-01 1827)")"
    )
    finish "$(cat <<'EOF'
4.5-modern layout (no backups) with one defect per file:

| file | defect |
|---|---|
| `certs/websocket-proxy.cer` | a different (CA-signed, otherwise valid) certificate with another key than `keys/websocket-proxy.p12` / `keys/websocket-proxy.key.nopass` |
| `keys/apache.key.nopass` | a different RSA private key than the one of `certs/apache.cer` / `keys/apache.p12` |
| `certs/reports.cer` | truncated in the middle of the base64, no END line |
| `keys/jboss.p12` | password `not-mypass` |
| `apache-ca.pem` | dangling absolute symlink → `/etc/pki/ovirt-engine/no-such-ca.pem` |
| `certs/garbage.cer` | 4 KiB of random bytes |
| `ovirt-provider-ovn` (p12, cer, key.nopass) | EC P-256 key (cert signed by the RSA CA, SHA-256) |
| `ovn-sdb` | RSA-1024 key |
| `keys/websocket-proxy.key.nopass` | mode 0644 in fixture-modes.txt (world-readable) |
| `certs/ca.der` | a different CA certificate (`…CN=engine-bad.example.test.84098`, other key, also serial 1000) than `ca.pem` |
| `certs/host2.example.test.cer` | signed with md5WithRSAEncryption (`-md md5`) by the engine CA |
| `certs/host9.example.test.cer` | signed by a foreign CA `/C=US/O=Foreign Org/CN=foreign-ca.example.invalid` (not in the dir) |

Everything else healthy: CA/qemu-ca 2022-07-31 7300 d; engine, jboss, reports, OVN, vmconsole 2022-08-01 1827 d;
apache/websocket-proxy 2026-06-01 398 d; host1/host2 (`certs/` + `certs-qemu/`) and host9 2025-03-01 1827 d.
EOF
)"
}

# vmconsole OpenSSH certificates and a healthy JKS trust store (made by Java 8 keytool).
scn_console() {
    begin console engine-con.example.test 4.5 sha256 rsa modern JKS
    core_45 2022-08-01 7300 55120
    local n
    for n in engine jboss reports; do enroll "$n" 2022-08-01 1827; done
    enroll apache 2026-06-01 398
    enroll websocket-proxy 2026-06-01 398
    enroll vmconsole-proxy-helper 2022-08-01 1827 ext=custom san= ku=digitalSignature \
        eku=1.3.6.1.4.1.2312.13.1.2.1.1
    enroll vmconsole-proxy-user 2022-08-01 1827 ext=v3_ca san= "subj=/C=US/O=${ORG}/CN=vmconsole-proxy-user"
    enroll vmconsole-proxy-host 2022-08-01 1827 ext=v3_ca san= "subj=/C=US/O=${ORG}/CN=vmconsole-proxy-host"
    openssh_cert vmconsole-proxy-host 2022-08-01 1827 "$FQDN" host
    # the user certificate was made for 1520 days only: expired on 2026-09-29
    openssh_cert vmconsole-proxy-user 2022-08-01 1520 ovirt-vmconsole-proxy
    host host1.example.test 2025-03-01 1827
    host host1.example.test 2025-03-01 1827 qemu
    for n in reports apache websocket-proxy vmconsole-proxy-helper; do extract "$n"; done
    engine_id_rsa
    apache_ca_link
    truststore
    finish "$(cat <<'EOF'
4.5 core with the vmconsole proxy configured; `.truststore` is **JKS** (aliases `cacert`, `qemu-cacert`).

- `certs/vmconsole-proxy-host-cert.pub`: OpenSSH **host** certificate of `certs/vmconsole-proxy-host.pub`, signed
  by the CA key as `pki-enroll-openssh-cert.sh --name=vmconsole-proxy-host --id=vmconsole-proxy-host --host`
  does (`ssh-keygen -s private/ca.pem -I vmconsole-proxy-host -h -n engine-con.example.test`, no options),
  valid 2022-07-31 → 2027-08-02 — healthy.
- `certs/vmconsole-proxy-user-cert.pub`: OpenSSH **user** certificate, key id `vmconsole-proxy-user`, principal
  `ovirt-vmconsole-proxy`, options `-O clear -O permit-pty` (the script's default), signed by
  the CA key, valid 2022-07-31 → **2026-09-29** — **expired** at AT.
- Everything else healthy: CA/qemu-ca 2022-07-31 7300 d, engine/jboss/reports/vmconsole 2022-08-01 1827 d,
  apache/websocket-proxy 2026-06-01 398 d, host1 2025-03-01 1827 d.
EOF
)"
}

# A vmconsole host certificate signed by another key; a PKCS#12 trust store whose `cacert` is
# another CA and without `qemu-cacert`.
scn_console_bad() {
    begin console-bad engine-cob.example.test 4.5 sha256 rsa modern PKCS12
    core_45 2022-08-01 7300 66230
    local n
    for n in engine jboss reports; do enroll "$n" 2022-08-01 1827; done
    enroll apache 2026-06-01 398
    enroll websocket-proxy 2026-06-01 398
    enroll vmconsole-proxy-user 2022-08-01 1827 ext=v3_ca san= "subj=/C=US/O=${ORG}/CN=vmconsole-proxy-user"
    enroll vmconsole-proxy-host 2022-08-01 1827 ext=v3_ca san= "subj=/C=US/O=${ORG}/CN=vmconsole-proxy-host"
    local o="$WORK/$SCN.otherca"
    ext_ca "$o" "/C=US/O=${ORG}/CN=${FQDN}.66232" 2022-07-31 "$(day 2022-08-01 7300)" "$PKI/cacert.conf"
    openssh_cert vmconsole-proxy-host 2022-08-01 1827 "$FQDN" host "signer=$o/private/ca.pem"
    openssh_cert vmconsole-proxy-user 2022-08-01 1827 ovirt-vmconsole-proxy
    for n in reports apache websocket-proxy; do extract "$n"; done
    engine_id_rsa
    apache_ca_link
    if [[ $HAVE_KEYTOOL == yes ]]; then
        run keytool -J-Dcom.redhat.fips=false -import -noprompt -trustcacerts -alias cacert \
            -keystore .truststore -file "$o/ca.pem" -storepass "$PASS" -storetype PKCS12
    fi
    finish "$(cat <<'EOF'
4.5 core with two defects the Manager depends on:

| file | defect |
|---|---|
| `certs/vmconsole-proxy-host-cert.pub` | OpenSSH host certificate signed by **another key** (not the CA key; outside the PKI dir), key id, principals and dates as oVirt makes them (`vmconsole-proxy-host`, `engine-cob.example.test`, 2022-07-31 → 2027-08-02) |
| `.truststore` | PKCS12; alias `cacert` holds that **other CA** (stale entry), **no `qemu-cacert`** alias |

`certs/vmconsole-proxy-user-cert.pub` is healthy (CA key, key id `vmconsole-proxy-user`, principal `ovirt-vmconsole-proxy`,
`-O clear -O permit-pty`, 2022-07-31 → 2027-08-02).
Everything else healthy: CA/qemu-ca 2022-07-31 7300 d, engine/jboss/reports/vmconsole 2022-08-01 1827 d,
apache/websocket-proxy 2026-06-01 398 d.
EOF
)"
}

# ---------------------------------------------------------------------------------------------

[[ -f $SCRIPT_DIR/apply-fixture-modes.sh ]] || die "missing $SCRIPT_DIR/apply-fixture-modes.sh"
openssl version | grep -q '^OpenSSL 3' || die "needs OpenSSL 3 (found: $(openssl version))"

start=$(date +%s)
pids=()
for s in "${SCENARIOS[@]}"; do
    fn="scn_${s//[.-]/_}"
    ( "$fn" ) > "$WORK/log.$s" 2>&1 &
    pids+=($!)
done
fail=0
for i in "${!SCENARIOS[@]}"; do
    if ! wait "${pids[$i]}"; then
        echo "gen-fixtures: scenario ${SCENARIOS[$i]} FAILED:" >&2
        cat "$WORK/log.${SCENARIOS[$i]}" >&2
        fail=1
    fi
done
[[ $fail == 0 ]] || exit 1
echo "gen-fixtures: ${#SCENARIOS[@]} scenarios written to $OUTDIR in $(($(date +%s) - start)) s" \
    "($(openssl version | cut -d' ' -f1-2), keytool: $HAVE_KEYTOOL)"
