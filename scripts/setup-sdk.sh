#!/usr/bin/env bash
# Creates the Python venv with the official oVirt SDK (ovirt-engine-sdk-python) that
# tests/sim_sdk.rs runs tests/sdk/cycle.py with, against rhv-manager-sim. Idempotent:
# build packages are installed only when missing, the venv only when it lacks the SDK.
# Venv location: $RHV_SDK_VENV, default <repo>/target/sdk-venv.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${RHV_SDK_VENV:-$here/target/sdk-venv}
sdk_version=${RHV_SDK_VERSION:-4.6.3}

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import ovirtsdk4, pycurl' >/dev/null 2>&1; then
  exit 0
fi

# pycurl (an SDK dependency) is built from source: it needs curl-config and the TLS
# library libcurl was built with; the SDK's C extension needs libxml2.
need=()
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v curl-config >/dev/null 2>&1 || need+=(libcurl4-openssl-dev)
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
dpkg -s libxml2-dev >/dev/null 2>&1 || need+=(libxml2-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if ! command -v python3 >/dev/null 2>&1; then
  need+=(python3 python3-dev python3-venv)
elif ! python3 -c 'import sysconfig,os,sys; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)'; then
  need+=(python3-dev)
fi
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  need+=(python3-venv)
fi
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-sdk: please install: ${need[*]}" >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup-sdk: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
# pycurl must link against the same TLS backend as the system libcurl (OpenSSL here).
PYCURL_SSL_LIBRARY=openssl "$venv/bin/python" -m pip install -q --no-cache-dir \
  "ovirt-engine-sdk-python==$sdk_version"
"$venv/bin/python" -c 'import ovirtsdk4.version, pycurl; print("setup-sdk: ovirt-engine-sdk-python", ovirtsdk4.version.VERSION, "with", pycurl.version)' >&2
