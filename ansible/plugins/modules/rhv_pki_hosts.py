#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: rhv-pki developers
# Apache License 2.0 (see LICENSE in the repository root)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: rhv_pki_hosts
short_description: Audit and re-enroll the hosts of an oVirt / RHV Manager with rhv-pki
version_added: "0.1.0"
description:
  - C(command=audit) runs C(rhv-pki hosts audit --format json) (the certificate each host's
    vdsm serves, judged with the audit's rules). Read-only; fails only when the audit could not
    run (UNKNOWN, exit 3).
  - C(command=enroll) runs C(rhv-pki hosts enroll --yes --format json) (Maintenance, Enroll
    Certificate, Activate in rolling waves planned by rhv-pki from the Manager's capacity, SPM
    and hosted-engine state). One call per Manager, never one per host; the waves stay
    rhv-pki's.
  - In check mode C(enroll) runs with C(--dry-run) and returns the plan (hosts, reasons, waves).
  - C(changed) is true when a host was enrolled (or, in check mode, when the plan has hosts); a
    re-run once every host serves a current certificate plans nothing and reports
    C(changed=false).
  - An interrupted run (a failed host, a signal) leaves its state file; running the module
    again with the same options resumes it (finished hosts are not redone).
options:
  command:
    description: The C(rhv-pki hosts) command.
    type: str
    required: true
    choices: [audit, enroll]
  hosts:
    description: Only these hosts (names or addresses); C(audit) also accepts C(NAME=HOST:PORT).
    type: list
    elements: str
    default: []
  clusters:
    description: Only hosts of these clusters.
    type: list
    elements: str
    default: []
  only_needed:
    description:
      - C(enroll) only hosts whose served certificate needs it (SHA-1, expiring, another CA,
        SAN without the address, issued before the CA was re-signed). Healthy hosts are skipped.
      - rhv-pki's default; C(false) together with I(all_hosts=true) re-enrolls every host.
    type: bool
    default: true
  all_hosts:
    description: C(enroll) every selected host, also those already current.
    type: bool
    default: false
  within:
    description: C(enroll) certificates expiring within this many days (default 365).
    type: int
  max_parallel:
    description: Never more than this many hosts out of service at once (default 1).
    type: int
  state:
    description: The run's state file (default C(/var/lib/rhv-pki/enroll-state.json), under I(root)).
    type: path
  discard_state:
    description: Drop the unfinished run of the state file (kept as C(<state>.discarded)) and plan anew.
    type: bool
    default: false
  poll_interval:
    description: Seconds between status polls.
    type: float
  maintenance_timeout:
    description: Seconds a host may take to reach maintenance.
    type: int
  install_timeout:
    description: Seconds Enroll Certificate may take.
    type: int
  activate_timeout:
    description: Seconds an activated host may take to come up.
    type: int
  outage_timeout:
    description: Seconds safe reads are retried through a Manager outage.
    type: int
  at:
    description: C(audit) as of this time.
    type: str
  warn_days:
    description: C(audit) warning window in days.
    type: int
  crit_days:
    description: C(audit) critical window in days.
    type: int
  policy:
    description: C(audit) with C(el9) adds the RHEL 9 verdict.
    type: str
    choices: [el9]
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
    description: Manager URL (default C(https://ENGINE_FQDN) of C(engine.conf.d)).
    type: str
  connect_to:
    description: Connect to this C(ADDR:PORT) instead of resolving the URL's host.
    type: str
  ca_file:
    description: The CA to trust for the Manager's HTTPS (default the PKI's C(ca.pem)).
    type: path
  user:
    description: The Manager user (C(USER@PROFILE)); default C(admin@internal).
    type: str
  password:
    description:
      - The Manager password, handed to rhv-pki in a 0600 temporary file (never argv).
      - Without I(password) and I(password_file) rhv-pki reads E(RHV_PKI_ENGINE_PASSWORD).
    type: str
  password_file:
    description: A file on the Manager holding the Manager password.
    type: path
  api_timeout:
    description: Seconds per REST request.
    type: int
  vdsm_port:
    description: vdsm's port on every host (default 54321).
    type: int
  vdsm_endpoints:
    description: Where a host's vdsm really listens, host name to C(HOST:PORT).
    type: dict
    default: {}
  probe_timeout:
    description: Seconds per TLS handshake.
    type: int
notes:
  - Supports check mode (C(enroll --dry-run); C(audit) is read-only).
author:
  - rhv-pki developers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: What the hosts serve
  rhv.pki.rhv_pki_hosts:
    command: audit
    password_file: /root/.engine-password

- name: Re-enroll the hosts that need it, two at a time
  rhv.pki.rhv_pki_hosts:
    command: enroll
    only_needed: true
    max_parallel: 2
    password: "{{ vault_engine_password }}"
  register: enroll

- name: The plan only
  rhv.pki.rhv_pki_hosts:
    command: enroll
    password: "{{ vault_engine_password }}"
  check_mode: true
'''

RETURN = r'''
status:
  description: C(audit) verdict (OK, WARNING, CRITICAL, UNKNOWN).
  returned: command is audit
  type: str
summary:
  description: C(audit) summary (counts, C(hostsUnreachable), C(status)).
  returned: command is audit
  type: dict
certificates:
  description: C(audit) served certificates, each naming its C(host) and C(cluster).
  returned: command is audit
  type: list
  elements: dict
findings:
  description: C(audit) findings.
  returned: command is audit
  type: list
  elements: dict
plan:
  description: C(enroll) in check mode, the C(EnrollPlan) (C(hosts) with C(findings), C(skipped), C(waves)).
  returned: command is enroll and check mode
  type: dict
report:
  description: C(enroll) the C(EnrollReport) (C(hosts) with C(oldSerial) / C(newSerial), C(leftInMaintenance),
    C(outOfService), C(resumeCommand)).
  returned: command is enroll, not check mode
  type: dict
enrolled:
  description:
    - Names of the hosts the run enrolled; a resumed run's report includes those its earlier,
      interrupted part enrolled. In check mode, the hosts it would enroll.
  returned: command is enroll
  type: list
  elements: str
left_in_maintenance:
  description: Hosts this run took out of service that are not back.
  returned: command is enroll, not check mode
  type: list
  elements: raw
exit_code:
  description: rhv-pki's exit code.
  returned: always
  type: int
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.rhv.pki.plugins.module_utils.rhv_pki import (
    ENGINE_SPEC, LOCATION_SPEC, MUTUALLY_EXCLUSIVE, MUTUALLY_EXCLUSIVE_ENGINE, VDSM_SPEC,
    RhvPki, common_audit_args, essence)

ENROLL_EXIT = {
    1: 'a host failed (see report; hosts left in maintenance are listed)',
    2: 'refused before changing anything',
    3: 'usage error',
    129: 'hangup (run again to resume)',
    130: 'interrupted (run again to resume)',
    143: 'terminated (run again to resume)',
}


def selection_args(p):
    args = []
    for h in p['hosts']:
        args += ['--host', h]
    for c in p['clusters']:
        args += ['--cluster', c]
    return args


def enroll_args(p):
    args = []
    if p['all_hosts']:
        args.append('--all-hosts')
    elif p['only_needed']:
        args.append('--only-needed')
    if p['discard_state']:
        args.append('--discard-state')
    for opt, flag in (('within', '--within'), ('max_parallel', '--max-parallel'), ('state', '--state'),
                      ('poll_interval', '--poll-interval'), ('maintenance_timeout', '--maintenance-timeout'),
                      ('install_timeout', '--install-timeout'), ('activate_timeout', '--activate-timeout'),
                      ('outage_timeout', '--outage-timeout')):
        if p[opt] is not None:
            args += [flag, str(p[opt])]
    return args


def run_audit(module, rp, base):
    rc, out, err = rp.run(['hosts', 'audit'] + base + common_audit_args(module.params) + ['--format', 'json'])
    if rc == 3 or not out.strip():
        module.fail_json(msg='rhv-pki hosts audit could not run (UNKNOWN): %s' % (essence(err) or out.strip()),
                         status='UNKNOWN', exit_code=rc, rc=rc, stderr=err, cmd=rp.argv)
    doc = rp.document(rc, out, err, ['PkiAudit'])
    summary = doc.get('summary') or {}
    ret = dict(changed=False, exit_code=rc, status=summary.get('status', 'UNKNOWN'), summary=summary,
               certificates=doc.get('certificates') or [], findings=doc.get('findings') or [],
               meta=doc.get('meta') or {}, document=doc)
    if 'el9' in doc:
        ret['el9'] = doc['el9']
    if ret['status'] == 'UNKNOWN':
        module.fail_json(msg='rhv-pki hosts audit status UNKNOWN: %s' % essence(err), **ret)
    module.exit_json(**ret)


def run_enroll(module, rp, base):
    args = ['hosts', 'enroll'] + base + enroll_args(module.params) + ['--format', 'json']
    args += ['--dry-run'] if module.check_mode else ['--yes']
    rc, out, err = rp.run(args)
    if not out.strip():
        module.fail_json(msg='rhv-pki hosts enroll: %s (exit %d): %s' % (ENROLL_EXIT.get(rc, 'failed'), rc, essence(err)),
                         exit_code=rc, rc=rc, stderr=err, cmd=rp.argv)
    if module.check_mode:
        doc = rp.document(rc, out, err, ['EnrollPlan'])
        names = [h.get('name') for h in doc.get('hosts') or []]
        ret = dict(changed=bool(names), exit_code=rc, plan=doc, enrolled=names, stderr=err)
        if module._diff and names:
            ret['diff'] = dict(
                before=''.join('%s: serial %s\n' % (h.get('name'), h.get('servedSerial')) for h in doc['hosts']),
                after=''.join('%s: a new certificate from the current CA\n' % h.get('name') for h in doc['hosts']))
    else:
        doc = rp.document(rc, out, err, ['EnrollReport'])
        hosts = doc.get('hosts') or []
        names = [h.get('name') for h in hosts if h.get('enrolled')]
        ret = dict(changed=bool(names), exit_code=rc, report=doc, enrolled=names,
                   left_in_maintenance=doc.get('leftInMaintenance') or [],
                   out_of_service=doc.get('outOfService') or [],
                   resume_command=doc.get('resumeCommand'), stderr=err)
        if module._diff and names:
            ret['diff'] = dict(
                before=''.join('%s: serial %s\n' % (h.get('name'), h.get('oldSerial')) for h in hosts if h.get('enrolled')),
                after=''.join('%s: serial %s\n' % (h.get('name'), h.get('newSerial')) for h in hosts if h.get('enrolled')))
    if rc != 0:
        module.fail_json(msg='rhv-pki hosts enroll: %s (exit %d): %s' % (ENROLL_EXIT.get(rc, 'failed'), rc, essence(err)), **ret)
    module.exit_json(**ret)


def main():
    spec = dict(LOCATION_SPEC)
    spec.update(ENGINE_SPEC)
    spec.update(VDSM_SPEC)
    spec.update(
        command=dict(type='str', required=True, choices=['audit', 'enroll']),
        hosts=dict(type='list', elements='str', default=[]),
        clusters=dict(type='list', elements='str', default=[]),
        only_needed=dict(type='bool', default=True),
        all_hosts=dict(type='bool', default=False),
        within=dict(type='int'),
        max_parallel=dict(type='int'),
        state=dict(type='path'),
        discard_state=dict(type='bool', default=False),
        poll_interval=dict(type='float'),
        maintenance_timeout=dict(type='int'),
        install_timeout=dict(type='int'),
        activate_timeout=dict(type='int'),
        outage_timeout=dict(type='int'),
        at=dict(type='str'),
        warn_days=dict(type='int'),
        crit_days=dict(type='int'),
        policy=dict(type='str', choices=['el9']),
    )
    module = AnsibleModule(argument_spec=spec,
                           mutually_exclusive=MUTUALLY_EXCLUSIVE + MUTUALLY_EXCLUSIVE_ENGINE,
                           supports_check_mode=True)
    p = module.params
    if p['command'] == 'enroll' and not p['only_needed'] and not p['all_hosts']:
        module.fail_json(msg='only_needed=false re-enrolls every host only with all_hosts=true')
    with RhvPki(module) as rp:
        base = rp.location_args() + selection_args(p) + rp.engine_args() + rp.vdsm_args()
        if p['command'] == 'audit':
            run_audit(module, rp, base)
        else:
            run_enroll(module, rp, base)


if __name__ == '__main__':
    main()
