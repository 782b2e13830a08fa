#!/usr/bin/env bash
# Builds one oVirt host's certificate set (ovirt-pki.md §5.1) under a directory, signed by a
# sample Manager PKI the way host enrollment does it (CSR from the host key, `openssl ca` with
# cert.conf / qemu-cert.conf v3_ca_san, database.txt + certs/<host>.cer on the Manager).
# For tests and benchmarks only: run it on a COPY of a sample PKI.
#
# make-test-host.sh PKI_DIR HOST_ROOT HOST_NAME [--expired] [--stale-ca] [--ovn]
#                   [--key FILE] [--migrate-key FILE]
#   --expired     vdsm and migrate certificates valid 2024-01-01 .. 2025-01-01
#   --stale-ca    the host's CA copies are an older self-signature of ca.pem (same key and
#                 subject, notAfter in 10 days): what a CA renewal leaves on hosts
#   --ovn         add /etc/pki/vdsm/ovn (certs/<host>-ovn.cer on the Manager)
#   --key / --migrate-key   reuse existing RSA keys (keygen is slow) instead of new ones
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
pki=$(cd "$1" && pwd); root=$2; name=$3; shift 3
expired=0 stale=0 ovn=0 key= mkey=
while [ $# -gt 0 ]; do
  case $1 in
    --expired) expired=1;; --stale-ca) stale=1;; --ovn) ovn=1;;
    --key) key=$2; shift;; --migrate-key) mkey=$2; shift;;
    *) echo "make-test-host.sh: unknown option $1" >&2; exit 2;;
  esac
  shift
done
umask 022
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
genkey() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
[ -n "$key" ] || { key=$work/vdsm.key; genkey "$key"; }
[ -n "$mkey" ] || { mkey=$work/migrate.key; genkey "$mkey"; }
org=$(openssl x509 -in "$pki/ca.pem" -noout -subject -nameopt multiline | sed -n 's/^ *organizationName *= *//p')
[ -n "$org" ] || { echo "make-test-host.sh: no O= in $pki/ca.pem" >&2; exit 1; }
if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then san="IP:$name"; else san="DNS:$name"; fi
if [ $expired = 1 ]; then dates=(-startdate 240101000000Z -enddate 250101000000Z)
else dates=(-startdate "$(date -u -d '-1 day' +%y%m%d%H%M%SZ)" -days 1827); fi
sign() { # CA CONF SUBJECT OUT KEY
  openssl req -new -key "$5" -subj / -out "$work/req"
  ( cd "$pki" && OVIRT_SAN=$san OVIRT_KU= OVIRT_EKU= openssl ca -batch -config openssl.conf \
      -policy policy_match -cert "$1.pem" -keyfile "private/$1.pem" -in "$work/req" -out "$4" \
      "${dates[@]}" -subj "$3" -utf8 -extfile "$2" -extensions v3_ca_san ) 2>"$work/err" \
    || { cat "$work/err" >&2; exit 1; }
}
sign ca cert.conf "/O=$org/CN=$name" "$pki/certs/$name.cer" "$key"
sign qemu-ca qemu-cert.conf "/O=$org/OU=qemu/CN=$name" "$pki/certs-qemu/$name.cer" "$mkey"
ca=$pki/ca.pem qca=$pki/qemu-ca.pem
if [ $stale = 1 ]; then
  openssl x509 -in "$pki/ca.pem" -signkey "$pki/private/ca.pem" -days 10 -out "$work/old-ca.pem" 2>/dev/null
  openssl x509 -in "$pki/qemu-ca.pem" -signkey "$pki/private/qemu-ca.pem" -days 10 -out "$work/old-qemu-ca.pem" 2>/dev/null
  ca=$work/old-ca.pem qca=$work/old-qemu-ca.pem
fi
v=$root/etc/pki/vdsm
mkdir -p "$v/certs" "$v/keys" "$v/libvirt-spice" "$v/libvirt-vnc" "$v/libvirt-migrate" \
  "$root/etc/pki/libvirt/private" "$root/etc/pki/CA"
cert=$pki/certs/$name.cer
install -m 0644 "$ca" "$v/certs/cacert.pem"
install -m 0644 "$cert" "$v/certs/vdsmcert.pem"
install -m 0440 "$key" "$v/keys/vdsmkey.pem"
for d in libvirt-spice libvirt-vnc; do
  install -m 0644 "$ca" "$v/$d/ca-cert.pem"
  install -m 0644 "$cert" "$v/$d/server-cert.pem"
  install -m 0440 "$key" "$v/$d/server-key.pem"
done
install -m 0644 "$qca" "$v/libvirt-migrate/ca-cert.pem"
install -m 0644 "$pki/certs-qemu/$name.cer" "$v/libvirt-migrate/server-cert.pem"
install -m 0440 "$mkey" "$v/libvirt-migrate/server-key.pem"
ln -sfn server-cert.pem "$v/libvirt-migrate/client-cert.pem"
ln -sfn server-key.pem "$v/libvirt-migrate/client-key.pem"
install -m 0644 "$cert" "$root/etc/pki/libvirt/clientcert.pem"
install -m 0440 "$key" "$root/etc/pki/libvirt/private/clientkey.pem"
install -m 0644 "$ca" "$root/etc/pki/CA/cacert.pem"
if [ $ovn = 1 ]; then
  sign ca cert.conf "/O=$org/CN=$name" "$pki/certs/$name-ovn.cer" "$key"
  mkdir -p "$v/ovn"
  install -m 0644 "$ca" "$v/ovn/ca-cert.pem"
  install -m 0644 "$pki/certs/$name-ovn.cer" "$v/ovn/ovn-cert.pem"
  install -m 0440 "$key" "$v/ovn/ovn-key.pem"
fi
