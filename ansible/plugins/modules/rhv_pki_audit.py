#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: rhv-pki developers
# Apache License 2.0 (see LICENSE in the repository root)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: rhv_pki_audit
short_description: Audit the X.509 PKI of an oVirt / RHV Manager with rhv-pki
version_added: "0.1.0"
description:
  - Runs C(rhv-pki audit --format json) on the Manager and returns its versioned
    C(PkiAudit) document as facts (C(rhv_pki_audit)) and as return values.
  - Read-only; never reports a change.
  - A WARNING or CRITICAL PKI is a result, not a failure; the module fails only when the audit
    could not run (status UNKNOWN, exit code 3), or when I(fail_on) names the status reached.
options:
  binary:
    description: The rhv-pki binary (a name looked up in E(PATH), or a path).
    type: str
    default: rhv-pki
  root:
    description:
      - A filesystem root holding C(etc/pki/ovirt-engine) and C(etc/ovirt-engine/engine.conf.d)
        (a restored backup, a copy). Passed as C(--root).
    type: path
  pki_dir:
    description: The Manager's PKI directory (C(--pki-dir)); default C(/etc/pki/ovirt-engine).
    type: path
  engine_conf_dir:
    description: The C(engine.conf.d) to read C(ENGINE_FQDN) from (C(--engine-conf-dir)).
    type: path
  p12_password:
    description:
      - The PKCS#12 password. Handed to rhv-pki in a 0600 temporary file, never on its command line.
      - By default rhv-pki uses C(ENGINE_PKI_ENGINE_STORE_PASSWORD) of C(engine.conf.d).
    type: str
  p12_password_file:
    description: A file on the Manager holding the PKCS#12 password.
    type: path
  at:
    description: Judge everything as of this time (C(2027-01-01) or RFC 3339).
    type: str
  warn_days:
    description: Warning window in days (default the role's renew window).
    type: int
  crit_days:
    description: Critical window in days (default 30).
    type: int
  policy:
    description: C(el9) adds the RHEL 9 readiness verdict (returned as RV(el9)).
    type: str
    choices: [el9]
  fail_on:
    description:
      - Also fail when the audit status is at least this one. The default C(unknown) fails only
        when the audit could not run.
    type: str
    choices: [unknown, critical, warning]
    default: unknown
notes:
  - Supports check mode (the audit is read-only).
  - Runs on the Manager (or on a host that holds a copy of its PKI).
author:
  - rhv-pki developers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Audit the Manager's PKI
  rhv.pki.rhv_pki_audit:
  register: audit

- name: Show what needs attention
  ansible.builtin.debug:
    msg: "{{ audit.summary.status }}: {{ audit.findings | map(attribute='code') | unique | list }}"

- name: Audit a restored copy as of next year, with the RHEL 9 verdict
  rhv.pki.rhv_pki_audit:
    root: /srv/restore
    at: "2027-06-01"
    policy: el9
'''

RETURN = r'''
status:
  description: The audit's verdict (OK, WARNING, CRITICAL, UNKNOWN).
  returned: always
  type: str
  sample: WARNING
exit_code:
  description: rhv-pki's exit code (Nagios 0/1/2/3).
  returned: always
  type: int
  sample: 1
summary:
  description: The document's C(summary) (counts, C(status), C(exitCode)).
  returned: success
  type: dict
  sample: {"certificates": 8, "critical": 0, "warning": 8, "ok": 0, "status": "WARNING", "exitCode": 1}
certificates:
  description: Every certificate (role, path, serial, dates, signature, key, status, findings, action).
  returned: success
  type: list
  elements: dict
findings:
  description: Every finding (C(code), C(severity), C(path), evidence fields, C(message)).
  returned: success
  type: list
  elements: dict
meta:
  description: The document's C(meta) block (checkedAt, thresholds, pkiDir, engineFqdn, era, tool).
  returned: success
  type: dict
el9:
  description: The RHEL 9 readiness verdict (with I(policy=el9)).
  returned: when policy is el9
  type: dict
document:
  description: The whole C(PkiAudit) document.
  returned: success
  type: dict
ansible_facts:
  description: Facts set by the module.
  returned: success
  type: complex
  contains:
    rhv_pki_audit:
      description: C(summary), C(certificates) and C(findings) of the audit.
      type: dict
      returned: success
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.rhv.pki.plugins.module_utils.rhv_pki import (
    LOCATION_SPEC, MUTUALLY_EXCLUSIVE, RhvPki, common_audit_args, essence)

STATUS_RANK = {'OK': 0, 'WARNING': 1, 'CRITICAL': 2, 'UNKNOWN': 3}


def main():
    spec = dict(LOCATION_SPEC)
    spec.update(
        at=dict(type='str'),
        warn_days=dict(type='int'),
        crit_days=dict(type='int'),
        policy=dict(type='str', choices=['el9']),
        fail_on=dict(type='str', default='unknown', choices=['unknown', 'critical', 'warning']),
    )
    module = AnsibleModule(argument_spec=spec, mutually_exclusive=MUTUALLY_EXCLUSIVE,
                           supports_check_mode=True)
    with RhvPki(module) as rp:
        args = ['audit'] + rp.location_args() + common_audit_args(module.params) + ['--format', 'json']
        rc, out, err = rp.run(args)
        if rc == 3 or not out.strip():
            module.fail_json(msg='rhv-pki audit could not run (UNKNOWN): %s' % (essence(err) or out.strip()),
                             status='UNKNOWN', exit_code=rc, rc=rc, stderr=err, cmd=rp.argv)
        doc = rp.document(rc, out, err, ['PkiAudit'])
    summary = doc.get('summary') or {}
    status = summary.get('status', 'UNKNOWN')
    result = dict(
        changed=False,
        status=status,
        exit_code=rc,
        summary=summary,
        certificates=doc.get('certificates') or [],
        findings=doc.get('findings') or [],
        meta=doc.get('meta') or {},
        document=doc,
        ansible_facts=dict(rhv_pki_audit=dict(
            summary=summary,
            certificates=doc.get('certificates') or [],
            findings=doc.get('findings') or [],
        )),
    )
    if 'el9' in doc:
        result['el9'] = doc['el9']
    if status == 'UNKNOWN':
        module.fail_json(msg='rhv-pki audit status UNKNOWN: %s' % essence(err), **result)
    if STATUS_RANK.get(status, 3) >= STATUS_RANK[module.params['fail_on'].upper()]:
        module.fail_json(msg='rhv-pki audit status %s (fail_on=%s)' % (status, module.params['fail_on']), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
