#!/usr/bin/env bash
# Creates the Python venv with ansible-core (from PyPI) that tests/ansible.rs runs the rhv.pki
# collection (ansible/) with: `ansible-test sanity` and the integration playbooks against
# rhv-manager-sim. Idempotent: the venv is (re)built only when it lacks the pinned ansible-core
# or one of the sanity tools. Venv location: $RHV_ANSIBLE_VENV, default <repo>/target/ansible-venv.
# ansible-core 2.19 runs on the controller Pythons 3.11-3.13; the sanity tools are the ones
# ansible-test's own requirement files pin, installed here once so the tests run offline.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${RHV_ANSIBLE_VENV:-$here/target/ansible-venv}
core_version=${RHV_ANSIBLE_CORE_VERSION:-2.19.14}

ok() {
  [ -x "$venv/bin/python" ] && [ -x "$venv/bin/ansible-test" ] &&
    [ "$("$venv/bin/python" -c 'import ansible.release; print(ansible.release.__version__)' 2>/dev/null)" = "$core_version" ] &&
    "$venv/bin/python" -c 'import voluptuous, yaml, pycodestyle, pylint, yamllint, antsibull_docs_parser' >/dev/null 2>&1
}
ok && exit 0

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

rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
"$venv/bin/python" -m pip install -q --no-cache-dir "ansible-core==$core_version"
# The tools of the sanity tests the collection runs, at the versions ansible-test pins.
reqs="$("$venv/bin/python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_data", "requirements"))')"
for t in validate-modules pep8 pylint yamllint runtime-metadata; do
  [ -e "$reqs/sanity.$t.txt" ] && "$venv/bin/python" -m pip install -q --no-cache-dir -r "$reqs/sanity.$t.txt"
done
ok || { echo "setup-ansible: the venv at $venv is incomplete" >&2; exit 1; }
"$venv/bin/python" -c 'import ansible.release; print("setup-ansible: ansible-core", ansible.release.__version__)' >&2
