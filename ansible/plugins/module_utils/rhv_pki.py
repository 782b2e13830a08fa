# -*- coding: utf-8 -*-
# Copyright: rhv-pki developers
# Apache License 2.0 (see LICENSE in the repository root)
"""Shared code of the rhv.pki modules: find the rhv-pki binary, hand it secrets through
0600 files (never argv), run it with ``--format json`` and read its versioned documents
(``apiVersion: rhv-pki/v1``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import tempfile

API_VERSION = 'rhv-pki/v1'

# Where the PKI is: every rhv-pki command that reads the Manager's files takes these.
LOCATION_SPEC = dict(
    binary=dict(type='str', default='rhv-pki'),
    root=dict(type='path'),
    pki_dir=dict(type='path'),
    engine_conf_dir=dict(type='path'),
    p12_password=dict(type='str', no_log=True),
    p12_password_file=dict(type='path', no_log=False),
)

# How the Manager's REST API is reached (hosts commands, and --he-api of the change commands).
ENGINE_SPEC = dict(
    engine_url=dict(type='str'),
    connect_to=dict(type='str'),
    ca_file=dict(type='path'),
    user=dict(type='str'),
    password=dict(type='str', no_log=True),
    password_file=dict(type='path', no_log=False),
    api_timeout=dict(type='int'),
)

VDSM_SPEC = dict(
    vdsm_port=dict(type='int'),
    vdsm_endpoints=dict(type='dict', default={}),
    probe_timeout=dict(type='int'),
)

MUTUALLY_EXCLUSIVE = [
    ['root', 'pki_dir'],
    ['p12_password', 'p12_password_file'],
]
MUTUALLY_EXCLUSIVE_ENGINE = [['password', 'password_file']]


class RhvPki(object):
    """One run of the binary. Use as a context manager: the secret files are removed on exit."""

    def __init__(self, module):
        self.module = module
        self.secret_dir = None
        self.argv = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.secret_dir:
            shutil.rmtree(self.secret_dir, ignore_errors=True)
            self.secret_dir = None
        return False

    def binary(self):
        name = self.module.params['binary']
        if os.path.sep in name:
            if not os.access(name, os.X_OK):
                self.module.fail_json(msg='rhv-pki binary %s is not executable' % name)
            return name
        found = self.module.get_bin_path(name, required=False, opt_dirs=['/usr/local/bin', '/usr/bin'])
        if not found:
            self.module.fail_json(msg='%s not found in PATH: install rhv-pki on the Manager or set binary' % name)
        return found

    def secret_file(self, name, value):
        """Writes value to a 0600 file in a private 0700 directory and returns its path."""
        if self.secret_dir is None:
            self.secret_dir = tempfile.mkdtemp(prefix='rhv-pki-ansible-')
            os.chmod(self.secret_dir, 0o700)
        path = os.path.join(self.secret_dir, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write(value)
            f.write('\n')
        return path

    def location_args(self):
        p = self.module.params
        args = []
        for opt, flag in (('root', '--root'), ('pki_dir', '--pki-dir'), ('engine_conf_dir', '--engine-conf-dir')):
            if p.get(opt):
                args += [flag, p[opt]]
        if p.get('p12_password') is not None:
            args += ['--p12-password-file', self.secret_file('p12-password', p['p12_password'])]
        elif p.get('p12_password_file'):
            args += ['--p12-password-file', p['p12_password_file']]
        return args

    def engine_args(self):
        p = self.module.params
        args = []
        for opt, flag in (('engine_url', '--engine-url'), ('connect_to', '--connect-to'),
                          ('ca_file', '--ca-file'), ('user', '--user')):
            if p.get(opt):
                args += [flag, p[opt]]
        if p.get('api_timeout') is not None:
            args += ['--api-timeout', str(p['api_timeout'])]
        if p.get('password') is not None:
            args += ['--password-file', self.secret_file('engine-password', p['password'])]
        elif p.get('password_file'):
            args += ['--password-file', p['password_file']]
        return args

    def vdsm_args(self):
        p = self.module.params
        args = []
        if p.get('vdsm_port') is not None:
            args += ['--vdsm-port', str(p['vdsm_port'])]
        for name in sorted(p.get('vdsm_endpoints') or {}):
            args += ['--vdsm-endpoint', '%s=%s' % (name, p['vdsm_endpoints'][name])]
        if p.get('probe_timeout') is not None:
            args += ['--probe-timeout', str(p['probe_timeout'])]
        return args

    def run(self, args):
        """Runs the binary; returns (rc, stdout, stderr). Secrets are in files, so argv is safe
        to show."""
        self.argv = [self.binary()] + args
        # stdin is not a terminal: rhv-pki never waits for a confirmation (--yes is explicit).
        rc, out, err = self.module.run_command(self.argv)
        return rc, out, err

    def document(self, rc, out, err, kinds):
        """Parses the JSON document; fails the module when it is not one of kinds."""
        try:
            doc = json.loads(out)
        except ValueError:
            self.module.fail_json(msg='rhv-pki printed no JSON document (exit %d): %s' % (rc, err.strip() or out.strip()),
                                  rc=rc, stdout=out, stderr=err, cmd=self.argv)
        if not isinstance(doc, dict) or doc.get('kind') not in kinds:
            self.module.fail_json(msg='rhv-pki printed a %r document, expected %s' % (
                doc.get('kind') if isinstance(doc, dict) else type(doc).__name__, ' or '.join(kinds)),
                rc=rc, stdout=out, stderr=err, cmd=self.argv)
        if doc.get('apiVersion') != API_VERSION:
            self.module.fail_json(msg='rhv-pki speaks %s, this collection %s: install matching versions'
                                  % (doc.get('apiVersion'), API_VERSION), rc=rc, cmd=self.argv)
        return doc


def common_audit_args(params):
    """--at / thresholds / --policy, shared by audit and hosts audit."""
    args = []
    if params.get('at'):
        args += ['--at', params['at']]
    if params.get('warn_days') is not None:
        args += ['--warn-days', str(params['warn_days'])]
    if params.get('crit_days') is not None:
        args += ['--crit-days', str(params['crit_days'])]
    if params.get('policy'):
        args += ['--policy', params['policy']]
    return args


def essence(err):
    """The lines of rhv-pki's stderr worth a failure message (errors, failures, ATTENTION, how
    to resume), else its last line; progress lines stay in RV(stderr)."""
    lines = [line for line in err.strip().splitlines() if line.strip()]
    keep = [line for line in lines
            if any(w in line for w in ('error', 'FAILED', 'ATTENTION', 'refused', 'to resume', 'cannot'))]
    return ' | '.join(keep or lines[-1:])
