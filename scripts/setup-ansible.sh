#!/usr/bin/env bash
# Creates the Python venv with ansible-core (from PyPI) that tests/ansible.rs runs the rhv.pki
# collection (ansible/) with: `ansible-test sanity` and the integration playbooks against
# rhv-manager-sim. Idempotent: the venv is (re)built only when it lacks the pinned ansible-core
# or one of the sanity tools. Venv location: $RHV_ANSIBLE_VENV, default <repo>/target/ansible-venv.
# ansible-core 2.19 runs on the controller Pythons 3.11-3.13.
# `ansible-test sanity` runs each test in a venv of its own, under $HOME/.ansible/test: the tests
# use HOME=$RHV_ANSIBLE_TEST_HOME (default <repo>/target/ansible-test-home), and this script
# primes those venvs (the tools at the versions ansible-test pins, from PyPI) so the test run
# installs nothing. ansible-test bootstraps pip in them with a get-pip.py it downloads from its
# own file server, which is not reachable here: scripts/ansible-test-get-pip.py stands in for it
# (pip from the interpreter's ensurepip, then the pinned pip from PyPI).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${RHV_ANSIBLE_VENV:-$here/target/ansible-venv}
test_home=${RHV_ANSIBLE_TEST_HOME:-$here/target/ansible-test-home}
core_version=${RHV_ANSIBLE_CORE_VERSION:-2.19.14}
primed="$test_home/.primed-$core_version"

venv_ok() {
  [ -x "$venv/bin/python" ] && [ -x "$venv/bin/ansible-test" ] &&
    [ "$("$venv/bin/python" -c 'import ansible.release; print(ansible.release.__version__)' 2>/dev/null)" = "$core_version" ]
}
venv_ok && [ -e "$primed" ] && exit 0

need=()
if ! command -v python3 >/dev/null 2>&1; then
  need+=(python3 python3-venv)
elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  need+=(python3-venv)
fi
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-ansible: please install: ${need[*]}" >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup-ansible: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
python3 -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)' || {
  echo "setup-ansible: ansible-core $core_version needs Python 3.11-3.13, python3 is $(python3 -V 2>&1)" >&2
  exit 1
}

if ! venv_ok; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$venv/bin/python" -m pip install -q --no-cache-dir "ansible-core==$core_version" || {
    echo "setup-ansible: pip could not install ansible-core==$core_version from PyPI (is it reachable? pip's index and CA come from pip.conf / PIP_* as for any pip)" >&2
    exit 1
  }
  venv_ok || { echo "setup-ansible: the venv at $venv is incomplete" >&2; exit 1; }
fi
"$venv/bin/python" -c 'import ansible.release; print("setup-ansible: ansible-core", ansible.release.__version__)' >&2

# The sanity venvs: pip bootstrap stand-in where ansible-test caches get-pip.py, then prime.
at="$("$venv/bin/python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"
pip_version=$(sed -n "s/^ *pip='\([0-9.]*\)',\$/\1/p" "$at/_internal/python_requirements.py" | head -1)
[ -n "$pip_version" ] || { echo "setup-ansible: cannot tell which pip ansible-test $core_version bootstraps" >&2; exit 1; }
mkdir -p "$test_home/.ansible/test/cache"
cp "$here/scripts/ansible-test-get-pip.py" "$test_home/.ansible/test/cache/get_pip_${pip_version//./_}.py"
pyver=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/ansible_collections/rhv"
cp -a "$here/ansible" "$tmp/ansible_collections/rhv/pki"
echo "setup-ansible: priming the ansible-test sanity venvs in $test_home (Python $pyver)" >&2
(cd "$tmp/ansible_collections/rhv/pki" &&
  HOME="$test_home" PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" sanity --prime-venvs --python "$pyver" --color no >/dev/null) || {
  echo "setup-ansible: ansible-test could not prime its sanity venvs in $test_home (PyPI reachable?)" >&2
  exit 1
}
touch "$primed"
