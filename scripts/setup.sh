#!/usr/bin/env bash
# Installs what rhv-pki's build and tests need, only when missing (idempotent).
# Debian/Ubuntu: openssl CLI (the tests' independent judge), libssl-dev + pkg-config (the
# openssl crate), a JRE's keytool (.truststore and p12 alias checks), promtool, amtool, systemd-analyze.
set -euo pipefail
need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
if [ ! -e /usr/lib/x86_64-linux-gnu/ossl-modules/legacy.so ] && ! openssl list -providers -provider legacy >/dev/null 2>&1; then
  need+=(openssl)
fi
command -v keytool >/dev/null 2>&1 || need+=(default-jre-headless)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)   # promtool: metrics + rules tests
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager) # amtool: contrib/alertmanager tests
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd) # unit file verification
command -v curl >/dev/null 2>&1 || need+=(curl)                 # demo / benchmark scripts
command -v man >/dev/null 2>&1 || need+=(man-db)               # the generated man pages render
command -v /usr/bin/time >/dev/null 2>&1 || need+=(time)
command -v flock >/dev/null 2>&1 || need+=(util-linux)       # lock-contention tests
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
# apache2 + mod_ssl: the maintenance-cycle tests run a private, unprivileged-config instance.
{ [ -x /usr/sbin/apache2 ] && [ -e /usr/lib/apache2/modules/mod_ssl.so ]; } || need+=(apache2)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)            # private sshd for the SSH tests
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
command -v zsh >/dev/null 2>&1 || need+=(zsh)                # the generated zsh completion parses
command -v fish >/dev/null 2>&1 || need+=(fish)              # the generated fish completion parses
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: please install: ${need[*]}" >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v cargo >/dev/null 2>&1 || { echo "setup: cargo (Rust toolchain) is required" >&2; exit 1; }
# Git keeps only the exec bit: restore the modes the sample PKIs are meant to have.
here=$(cd "$(dirname "$0")/.." && pwd)
for m in "$here"/testdata/pki/*/fixture-modes.txt; do
  [ -e "$m" ] && bash "$here/scripts/apply-fixture-modes.sh" "$(dirname "$m")"
done
# The official oVirt Python SDK in a venv, for tests/sim_sdk.rs (rhv-manager-sim).
bash "$here/scripts/setup-sdk.sh"
# ansible-core and the ansible-test sanity venvs, for tests/ansible.rs (the rhv.pki collection).
bash "$here/scripts/setup-ansible.sh"
exit 0
