#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: rhv-pki developers
# Apache License 2.0 (see LICENSE in the repository root)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: rhv_pki_change
short_description: Change an oVirt / RHV Manager PKI with rhv-pki (conf, resign, renew, rollback)
version_added: "0.1.0"
description:
  - Runs C(rhv-pki conf), C(resign), C(renew) or C(rollback) with C(--yes --format json) and
    returns the C(PkiChange) (C(PkiRollback)) document.
  - In check mode the command runs with C(--dry-run) and the module returns its plan; nothing
    is written.
  - C(changed) is the document's C(result.changed) (a rollback that restored anything is a
    change); a re-run on a PKI that needs nothing reports C(changed=false).
  - With C(--diff), each certificate of the plan is shown as its old serial, signature and
    notAfter against the new ones.
  - Every change is a transaction of rhv-pki (backup, journal, all-or-nothing); exit codes 4
    and 5 (files changed but the maintenance cycle did not finish) fail the module with
    C(changed=true) and the C(cycle) report.
options:
  action:
    description: The rhv-pki command.
    type: str
    required: true
    choices: [conf, resign, renew, rollback]
  names:
    description:
      - C(resign) / C(renew) these certificates only (C(ca), C(engine), C(apache), ...).
    type: list
    elements: str
    default: []
  all:
    description: C(resign --all) every CA and entity that needs it.
    type: bool
    default: false
  force:
    description: With I(all), re-sign healthy certificates too.
    type: bool
    default: false
  within:
    description: C(renew) what expires within this many days.
    type: int
  new_key:
    description: C(renew --new-key) (new RSA-2048 keys; never for engine).
    type: bool
    default: false
  ca_days:
    description: CA validity in days when a CA is re-signed.
    type: int
  days:
    description: Entity validity in days.
    type: int
  p12_format:
    description: PKCS#12 format of re-written key stores.
    type: str
    choices: [legacy3des, modern]
  backup:
    description: C(rollback) to this backup id (default the newest completed change).
    type: str
  backup_dir:
    description: Where rhv-pki keeps its backups.
    type: path
  lock_timeout:
    description: Seconds to wait for the CA lock held by an engine enrollment.
    type: int
  config:
    description: rhv-pki config file (C([thresholds])).
    type: path
  cycle:
    description: Run the maintenance cycle although I(root) / I(pki_dir) is not the live PKI.
    type: bool
    default: false
  no_maintenance:
    description: Do not touch hosted-engine global maintenance.
    type: bool
    default: false
  no_restart:
    description: Do not restart services (rhv-pki prints the commands).
    type: bool
    default: false
  no_verify:
    description: Do not check the endpoints after the restarts.
    type: bool
    default: false
  verify_timeout:
    description: Seconds the endpoints may take to serve the new certificates.
    type: int
  endpoints:
    description: Endpoints to verify, C(NAME) to C(HOST:PORT) (C(--endpoint NAME=HOST:PORT)).
    type: dict
    default: {}
  probe_timeout:
    description: Seconds one TLS probe may take.
    type: int
  he_host:
    description: A hosted-engine host to drive global maintenance on.
    type: str
  he_api:
    description: Drive global maintenance through the Manager's REST API.
    type: bool
    default: false
  maintenance_timeout:
    description: Seconds global maintenance may take to show.
    type: int
  binary:
    description: The rhv-pki binary (a name looked up in E(PATH), or a path).
    type: str
    default: rhv-pki
  root:
    description: A filesystem root holding the Manager's files (C(--root)).
    type: path
  pki_dir:
    description: The Manager's PKI directory (C(--pki-dir)).
    type: path
  engine_conf_dir:
    description: The C(engine.conf.d) to read C(ENGINE_FQDN) from.
    type: path
  p12_password:
    description: The PKCS#12 password, handed over in a 0600 temporary file (never argv).
    type: str
  p12_password_file:
    description: A file on the Manager holding the PKCS#12 password.
    type: path
  engine_url:
    description: Manager URL for I(he_api) (default C(https://ENGINE_FQDN)).
    type: str
  connect_to:
    description: Connect to this C(ADDR:PORT) instead of resolving the URL's host.
    type: str
  ca_file:
    description: The CA to trust for the Manager's HTTPS.
    type: path
  user:
    description: The Manager user (C(USER@PROFILE)); default C(admin@internal).
    type: str
  password:
    description: The Manager password, handed over in a 0600 temporary file (never argv).
    type: str
  password_file:
    description: A file on the Manager holding the Manager password.
    type: path
  api_timeout:
    description: Seconds per REST request.
    type: int
notes:
  - Supports check mode (C(--dry-run)) and diff mode.
  - C(rollback) is not idempotent by nature; run it on purpose, with I(backup).
author:
  - rhv-pki developers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Plan the SHA-1 -> SHA-256 re-signing (nothing written)
  rhv.pki.rhv_pki_change:
    action: resign
    all: true
  check_mode: true
  register: plan

- name: Re-sign with the maintenance cycle (global maintenance, restarts, verification)
  rhv.pki.rhv_pki_change:
    action: resign
    all: true
    he_host: localhost

- name: Renew what is due, no restarts (print the commands)
  rhv.pki.rhv_pki_change:
    action: renew
    no_restart: true

- name: Undo a change
  rhv.pki.rhv_pki_change:
    action: rollback
    backup: "20261207133105"
'''

RETURN = r'''
plan:
  description: The plan (C(items) with C(oldSerial) / C(newSerial), C(skipped), C(notes), C(services)).
  returned: action is not rollback
  type: dict
result:
  description: What was done (C(changed), C(backup), C(filesWritten), C(manualSteps)); null in check mode.
  returned: action is not rollback
  type: dict
cycle:
  description: The maintenance cycle's report (null when no cycle ran).
  returned: action is resign or renew
  type: dict
backup:
  description: The backup id of this change (rollback, check mode - the backup it would restore).
  returned: when known
  type: str
serials:
  description: Each planned certificate, C(name), C(old) and C(new) serial.
  returned: action is not rollback
  type: list
  elements: dict
exit_code:
  description: rhv-pki's exit code.
  returned: always
  type: int
document:
  description: The whole JSON document.
  returned: when rhv-pki printed one
  type: dict
'''

import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.rhv.pki.plugins.module_utils.rhv_pki import (
    ENGINE_SPEC, LOCATION_SPEC, MUTUALLY_EXCLUSIVE, MUTUALLY_EXCLUSIVE_ENGINE, RhvPki, essence)

CYCLE_ACTIONS = ('resign', 'renew')


def change_args(p):
    a = p['action']
    args = []
    if a == 'resign':
        if p['all']:
            args.append('--all')
        if p['force']:
            args.append('--force')
    if a == 'renew':
        if p['within'] is not None:
            args += ['--within', str(p['within'])]
        if p['new_key']:
            args.append('--new-key')
    if a in CYCLE_ACTIONS:
        for opt, flag in (('ca_days', '--ca-days'), ('days', '--days'), ('p12_format', '--p12-format')):
            if p[opt] is not None:
                args += [flag, str(p[opt])]
        for opt, flag in (('cycle', '--cycle'), ('no_maintenance', '--no-maintenance'),
                          ('no_restart', '--no-restart'), ('no_verify', '--no-verify'), ('he_api', '--he-api')):
            if p[opt]:
                args.append(flag)
        for opt, flag in (('verify_timeout', '--verify-timeout'), ('probe_timeout', '--probe-timeout'),
                          ('he_host', '--he-host'), ('maintenance_timeout', '--maintenance-timeout')):
            if p[opt] is not None:
                args += [flag, str(p[opt])]
        for name in sorted(p['endpoints']):
            args += ['--endpoint', '%s=%s' % (name, p['endpoints'][name])]
    for opt, flag in (('backup_dir', '--backup-dir'), ('lock_timeout', '--lock-timeout'), ('config', '--config')):
        if p[opt] is not None:
            args += [flag, str(p[opt])]
    return args


def describe(item, side):
    prefix = 'old' if side == 'before' else 'new'
    return '%s: serial %s %s notAfter %s' % (
        item.get('name'), item.get(prefix + 'Serial'), item.get(prefix + 'Signature'), item.get(prefix + 'NotAfter'))


def plan_diff(plan):
    before, after = [], []
    conf = plan.get('conf')
    if conf:
        before.append('%s: default_md = %s' % (conf.get('path'), conf.get('from')))
        after.append('%s: default_md = %s' % (conf.get('path'), conf.get('to')))
    for item in plan.get('items') or []:
        before.append(describe(item, 'before'))
        after.append(describe(item, 'after'))
    return dict(before=''.join(line + '\n' for line in before),
                after=''.join(line + '\n' for line in after),
                before_header='%s (before)' % plan.get('pkiDir', 'PKI'),
                after_header='%s (after rhv-pki %s)' % (plan.get('pkiDir', 'PKI'), plan.get('command')))


def plan_has_work(plan):
    return bool(plan.get('items')) or bool(plan.get('conf'))


def run_rollback(module, rp, base):
    p = module.params
    args = ['rollback'] + base
    if p['backup']:
        args.append(p['backup'])
    if module.check_mode:
        rc, out, err = rp.run(args + ['--dry-run'])
        if rc != 0:
            module.fail_json(msg='rhv-pki rollback --dry-run refused (exit %d): %s' % (rc, essence(err)),
                             exit_code=rc, rc=rc, stderr=err, cmd=rp.argv)
        m = re.search(r'from backup (\S+) in ', out)
        module.exit_json(changed=True, exit_code=rc, backup=m.group(1) if m else p['backup'],
                         msg=out.strip())
    rc, out, err = rp.run(args + ['--yes', '--format', 'json'])
    if rc != 0:
        module.fail_json(msg='rhv-pki rollback failed (exit %d): %s' % (rc, essence(err)),
                         exit_code=rc, rc=rc, stderr=err, stdout=out, cmd=rp.argv)
    doc = rp.document(rc, out, err, ['PkiRollback'])
    res = doc.get('result') or {}
    module.exit_json(changed=bool(res.get('restored') or res.get('removed')), exit_code=rc,
                     backup=res.get('restoredFrom'), result=res, document=doc)


def main():
    spec = dict(LOCATION_SPEC)
    spec.update(ENGINE_SPEC)
    spec.update(
        action=dict(type='str', required=True, choices=['conf', 'resign', 'renew', 'rollback']),
        names=dict(type='list', elements='str', default=[]),
        all=dict(type='bool', default=False),
        force=dict(type='bool', default=False),
        within=dict(type='int'),
        new_key=dict(type='bool', default=False),
        ca_days=dict(type='int'),
        days=dict(type='int'),
        p12_format=dict(type='str', choices=['legacy3des', 'modern']),
        backup=dict(type='str'),
        backup_dir=dict(type='path'),
        lock_timeout=dict(type='int'),
        config=dict(type='path'),
        cycle=dict(type='bool', default=False),
        no_maintenance=dict(type='bool', default=False),
        no_restart=dict(type='bool', default=False),
        no_verify=dict(type='bool', default=False),
        verify_timeout=dict(type='int'),
        endpoints=dict(type='dict', default={}),
        probe_timeout=dict(type='int'),
        he_host=dict(type='str'),
        he_api=dict(type='bool', default=False),
        maintenance_timeout=dict(type='int'),
    )
    module = AnsibleModule(
        argument_spec=spec,
        mutually_exclusive=MUTUALLY_EXCLUSIVE + MUTUALLY_EXCLUSIVE_ENGINE,
        required_if=[['force', True, ['all']]],
        supports_check_mode=True,
    )
    p = module.params
    action = p['action']
    if p['all'] and p['names']:
        module.fail_json(msg='all and names are mutually exclusive')
    if action != 'resign' and (p['all'] or p['force']):
        module.fail_json(msg='all / force are options of action=resign')
    if p['names'] and action not in CYCLE_ACTIONS:
        module.fail_json(msg='names is an option of action=resign / renew')
    if action == 'resign' and not p['all'] and not p['names']:
        module.fail_json(msg='action=resign needs all=true or names')
    if action != 'rollback' and p['backup']:
        module.fail_json(msg='backup is an option of action=rollback')
    with RhvPki(module) as rp:
        base = rp.location_args() + change_args(p)
        if action in CYCLE_ACTIONS:
            base += rp.engine_args()
        if action == 'rollback':
            run_rollback(module, rp, base)
            return
        args = [action] + base + ['--format', 'json'] + list(p['names'])
        args += ['--dry-run'] if module.check_mode else ['--yes']
        rc, out, err = rp.run(args)
        if not out.strip():
            module.fail_json(msg='rhv-pki %s failed (exit %d): %s' % (action, rc, essence(err)),
                             exit_code=rc, rc=rc, stderr=err, cmd=rp.argv)
        doc = rp.document(rc, out, err, ['PkiChange'])
    plan = doc.get('plan') or {}
    res = doc.get('result')
    if module.check_mode:
        changed = plan_has_work(plan)
    else:
        changed = bool((res or {}).get('changed'))
    ret = dict(
        changed=changed,
        exit_code=rc,
        plan=plan,
        result=res,
        cycle=doc.get('cycle'),
        backup=(res or {}).get('backup'),
        serials=[dict(name=i.get('name'), old=i.get('oldSerial'), new=i.get('newSerial'))
                 for i in plan.get('items') or []],
        document=doc,
        stderr=err,
    )
    if module._diff and changed:
        ret['diff'] = plan_diff(plan)
    if rc != 0:
        what = {1: 'a step failed and everything was rolled back',
                2: 'refused before changing anything',
                3: 'usage error',
                4: 'files changed but the maintenance cycle did not finish',
                5: 'files changed and services restarted, but an endpoint still serves the old certificate'}
        module.fail_json(msg='rhv-pki %s: %s (exit %d): %s' % (action, what.get(rc, 'failed'), rc, essence(err)), **ret)
    module.exit_json(**ret)


if __name__ == '__main__':
    main()
