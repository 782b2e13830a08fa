# -*- coding: utf-8 -*-
# Copyright: rhv-pki developers
# Apache License 2.0 (see LICENSE in the repository root)

from __future__ import annotations

DOCUMENTATION = r'''
---
name: ovirt_hosts
short_description: The hypervisors of an oVirt / RHV Manager, from its REST API
version_added: "0.1.0"
description:
  - Lists the hosts of one Manager (C(GET /ovirt-engine/api/hosts?all_content=true) and the
    clusters) with their name, address, cluster, status, SPM role and hosted-engine state, so
    playbooks can target them (for instance for C(rhv-pki hosts recover --ssh)).
  - Groups C(cluster_<name>), C(status_<status>), C(spm) and C(hosted_engine), plus the
    C(constructed) options.
  - TLS is always verified, against I(ca_file) (the Manager's C(ca.pem)) or the system trust.
    The password comes from I(password_file) or E(RHV_PKI_ENGINE_PASSWORD), never from the
    inventory file itself.
  - The inventory file's name must end in C(rhv_hosts.yml) or C(rhv_hosts.yaml).
extends_documentation_fragment:
  - constructed
options:
  plugin:
    description: The name of this plugin.
    required: true
    type: str
    choices: [rhv.pki.ovirt_hosts]
  url:
    description: The Manager, C(https://FQDN[:PORT]) (a trailing C(/ovirt-engine/api) is accepted).
    required: true
    type: str
    env:
      - name: RHV_PKI_ENGINE_URL
  connect_to:
    description:
      - Connect to this C(ADDR:PORT) instead of resolving the URL's host; the URL's host is still
        the name the Manager's certificate must carry (as C(rhv-pki --connect-to)).
    type: str
  ca_file:
    description: The CA that signed the Manager's HTTPS certificate (its C(ca.pem)); default the system trust.
    type: path
  user:
    description: The Manager user (C(USER@PROFILE)).
    type: str
    default: admin@internal
  password_file:
    description: A file holding the Manager password (one line). Default E(RHV_PKI_ENGINE_PASSWORD).
    type: path
  timeout:
    description: Seconds per request.
    type: int
    default: 30
  search:
    description: An oVirt search expression to select hosts (C(cluster=Default and status=up)).
    type: str
'''

EXAMPLES = r'''
# production.rhv_hosts.yml
plugin: rhv.pki.ovirt_hosts
url: https://engine.example.com
ca_file: /etc/pki/ovirt-engine/ca.pem
password_file: /root/.engine-password
keyed_groups:
  - key: rhv_cluster
    prefix: rhv
'''

import http.client
import json
import os
import socket
import ssl
import urllib.parse

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Constructable


class _Connection(http.client.HTTPSConnection):
    """HTTPS to host:port (SNI and verification name), the socket to connect_to when given."""

    def __init__(self, host, port, context, timeout, connect_to=None):
        super().__init__(host, port, context=context, timeout=timeout)
        self._connect_to = connect_to
        self._tls = context

    def connect(self):
        addr = self._connect_to or (self.host, self.port)
        sock = socket.create_connection(addr, self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


class InventoryModule(BaseInventoryPlugin, Constructable):

    NAME = 'rhv.pki.ovirt_hosts'

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(('rhv_hosts.yml', 'rhv_hosts.yaml'))

    def _password(self):
        pf = self.get_option('password_file')
        if pf:
            try:
                with open(pf, 'r') as f:
                    pw = f.readline().rstrip('\r\n')
            except (IOError, OSError) as e:
                raise AnsibleError('cannot read the Manager password file %s: %s' % (pf, to_native(e)))
            if not pw:
                raise AnsibleError('the Manager password file %s is empty' % pf)
            return pw
        pw = os.environ.get('RHV_PKI_ENGINE_PASSWORD')
        if not pw:
            raise AnsibleError('no Manager password: set password_file or RHV_PKI_ENGINE_PASSWORD')
        return pw

    def _setup(self):
        url = urllib.parse.urlsplit(self.get_option('url'))
        if url.scheme != 'https' or not url.hostname:
            raise AnsibleError('url must be https://FQDN[:PORT], got %r' % self.get_option('url'))
        self._host = url.hostname
        self._port = url.port or 443
        ctx = ssl.create_default_context(cafile=self.get_option('ca_file'))
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
        self._ctx = ctx
        ct = self.get_option('connect_to')
        self._connect_to = None
        if ct:
            addr, sep, port = ct.rpartition(':')
            if not sep or not port.isdigit():
                raise AnsibleError('connect_to must be ADDR:PORT, got %r' % ct)
            self._connect_to = (addr.strip('[]'), int(port))

    def _request(self, method, path, body=None, headers=None):
        conn = _Connection(self._host, self._port, self._ctx, self.get_option('timeout'), self._connect_to)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, data
        except (OSError, http.client.HTTPException) as e:
            raise AnsibleError('%s https://%s:%d%s: %s' % (method, self._host, self._port, path, to_native(e)))
        finally:
            conn.close()

    def _login(self):
        form = urllib.parse.urlencode(dict(grant_type='password', scope='ovirt-app-api',
                                           username=self.get_option('user'), password=self._password()))
        status, data = self._request('POST', '/ovirt-engine/sso/oauth/token', body=form, headers={
            'Accept': 'application/json', 'Content-Type': 'application/x-www-form-urlencoded'})
        try:
            doc = json.loads(data)
        except ValueError:
            doc = {}
        if status != 200 or 'access_token' not in doc:
            raise AnsibleError('login to https://%s:%d as %s refused (HTTP %d): %s' % (
                self._host, self._port, self.get_option('user'), status,
                doc.get('error_description') or doc.get('error') or 'no token'))
        return doc['access_token']

    def _logout(self, token):
        try:
            self._request('POST', '/ovirt-engine/services/sso-logout',
                          body=urllib.parse.urlencode(dict(token=token)),
                          headers={'Content-Type': 'application/x-www-form-urlencoded'})
        except AnsibleError:
            pass

    def _get(self, token, path):
        status, data = self._request('GET', '/ovirt-engine/api' + path, headers={
            'Accept': 'application/json', 'Authorization': 'Bearer ' + token, 'Version': '4'})
        if status != 200:
            raise AnsibleError('GET /ovirt-engine/api%s: HTTP %d' % (path, status))
        try:
            return json.loads(data)
        except ValueError:
            raise AnsibleError('GET /ovirt-engine/api%s: the answer is not JSON' % path)

    def fetch(self):
        """The Manager's hosts, each a dict of the variables this plugin sets."""
        self._setup()
        token = self._login()
        try:
            query = {'all_content': 'true'}
            if self.get_option('search'):
                query['search'] = self.get_option('search')
            hosts = self._get(token, '/hosts?' + urllib.parse.urlencode(query)).get('host') or []
            clusters = self._get(token, '/clusters').get('cluster') or []
        finally:
            self._logout(token)
        names = dict((c.get('id'), c.get('name')) for c in clusters)
        out = []
        for h in hosts:
            he = h.get('hosted_engine') or {}
            cluster_id = (h.get('cluster') or {}).get('id')
            spm_status = (h.get('spm') or {}).get('status', 'none')
            out.append(dict(
                rhv_name=h.get('name'),
                rhv_id=h.get('id'),
                rhv_address=h.get('address'),
                rhv_cluster=names.get(cluster_id, cluster_id),
                rhv_cluster_id=cluster_id,
                rhv_status=h.get('status'),
                rhv_spm=spm_status == 'spm',
                rhv_spm_status=spm_status,
                rhv_hosted_engine=_truthy(he.get('configured')),
                rhv_hosted_engine_active=_truthy(he.get('active')),
                rhv_hosted_engine_score=_int(he.get('score')),
                rhv_manager=self._host,
            ))
        return out

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        strict = self.get_option('strict')
        for v in self.fetch():
            name = v['rhv_name']
            self.inventory.add_host(name)
            self.inventory.set_variable(name, 'ansible_host', v['rhv_address'])
            for key, value in v.items():
                self.inventory.set_variable(name, key, value)
            groups = ['cluster_%s' % v['rhv_cluster'], 'status_%s' % v['rhv_status']]
            if v['rhv_spm']:
                groups.append('spm')
            if v['rhv_hosted_engine']:
                groups.append('hosted_engine')
            for g in groups:
                g = self.inventory.add_group(self._sanitize_group_name(g))
                self.inventory.add_child(g, name)
            self._set_composite_vars(self.get_option('compose'), v, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), v, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), v, name, strict=strict)


def _truthy(v):
    return v is True or str(v).lower() == 'true'


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None
