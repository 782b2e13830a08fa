# Stand-in for the get-pip.py bootstrap script that ansible-test downloads from its own CI file
# server (not reachable from here) when it creates a sanity test's virtual environment.
# scripts/setup-ansible.sh puts it where ansible-test caches that script. Same contract as
# get-pip.py: run with the new venv's python and pip-install arguments (`pip==X.Y`); pip comes
# from the interpreter's bundled ensurepip wheel, then the requested pip from PyPI.
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
# ensurepip in its own process: in-process it sets PIP_CONFIG_FILE=/dev/null for its children,
# which would hide the machine's pip configuration (index, CA) from the install below.
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'],
                      stdout=subprocess.DEVNULL)
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install', '-q', '--upgrade'] + args))
