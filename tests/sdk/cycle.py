#!/usr/bin/env python3
# Drives rhv-manager-sim with the official oVirt Python SDK (ovirtsdk4), the way a user's
# script would: SSO login with real TLS verification against the PKI's ca.pem, host list,
# one full deactivate -> maintenance -> enroll_certificate -> installing -> maintenance ->
# activate -> up cycle, events (search, from, custom events), logout. Run by
# tests/sim_sdk.rs; prints one JSON line per check and "SDK CYCLE OK" at the end.
# Usage: cycle.py URL CA_FILE  (password in $RHV_SIM_PASSWORD)
import json
import os
import sys
import time

import ovirtsdk4 as sdk
import ovirtsdk4.types as types


def say(**kw):
    print(json.dumps(kw), flush=True)


def wait_for(get, want, timeout=60.0):
    seen = []
    t0 = time.time()
    while True:
        s = get()
        if not seen or seen[-1] != s:
            seen.append(s)
        if s == want:
            return seen
        if time.time() - t0 > timeout:
            raise AssertionError("never reached %s, saw %s" % (want, seen))
        time.sleep(0.05)


def main():
    url, ca_file = sys.argv[1], sys.argv[2]
    password = os.environ["RHV_SIM_PASSWORD"]

    # A wrong password is an AuthError from the SSO service.
    bad = sdk.Connection(url=url, username="admin@internal", password="wrong", ca_file=ca_file)
    try:
        bad.system_service().get()
        raise AssertionError("bad password accepted")
    except sdk.AuthError as e:
        say(check="bad_password", error=str(e))
    finally:
        bad.close(logout=False)

    conn = sdk.Connection(url=url, username="admin@internal", password=password, ca_file=ca_file)
    api = conn.system_service().get()
    say(check="api", product=api.product_info.name, version=api.product_info.version.full_version,
        major=api.product_info.version.major, minor=api.product_info.version.minor)

    hosts_service = conn.system_service().hosts_service()
    hosts = hosts_service.list(search="cluster=Default")
    say(check="hosts", hosts=sorted(h.name for h in hosts),
        spm=[h.name for h in hosts if h.spm.status == types.SpmStatus.SPM],
        memory=[h.memory for h in hosts], subject=hosts[0].certificate.subject)
    host = hosts_service.list(search="name=host1")[0]
    hs = hosts_service.host_service(host.id)
    he = hs.get(all_content=True).hosted_engine
    say(check="all_content", he_configured=he.configured if he else None)

    vms = conn.system_service().vms_service().list(search="host=host1 and status=up")
    say(check="vms", vms=sorted(v.name for v in vms),
        affinity=[str(v.placement_policy.affinity) for v in vms],
        guaranteed=[v.memory_policy.guaranteed for v in vms])

    events_service = conn.system_service().events_service()
    last = events_service.list(max=1)
    last_id = int(last[0].id) if last else 0

    status = lambda: str(hs.get().status)
    hs.deactivate(reason="rhv-pki SDK test")
    seen_deact = wait_for(status, "maintenance")
    say(check="deactivate", seen=seen_deact, spm=str(hs.get().spm.status))

    hs.enroll_certificate()
    right_after = status()
    seen_inst = wait_for(status, "installing")
    seen_done = wait_for(status, "maintenance")
    e881 = events_service.list(search="type=881", from_=last_id)
    e880 = events_service.list(search="type=880", from_=last_id)
    say(check="enroll", right_after=right_after, seen_installing=seen_inst, seen_done=seen_done,
        e881=[e.description for e in e881], e880=len(e880), code=e881[0].code if e881 else None)

    hs.activate()
    seen_up = wait_for(status, "up")
    say(check="activate", seen=seen_up)

    # Custom events and the engine's duplicate-custom-id refusal.
    ev = events_service.add(types.Event(description="rhv-pki: host1 re-enrolled",
                                        severity=types.LogSeverity.NORMAL,
                                        origin="rhv-pki", custom_id=4242))
    try:
        events_service.add(types.Event(description="again", severity=types.LogSeverity.NORMAL,
                                       origin="rhv-pki", custom_id=4242))
        dup = None
    except sdk.Error as e:
        dup = e.code
    say(check="custom_event", id=ev.id, origin=ev.origin, duplicate_code=dup)

    # Enroll on an Up host: the engine's 409 fault reaches the SDK.
    try:
        hs.enroll_certificate()
        refused = None
    except sdk.Error as e:
        refused = {"code": e.code, "detail": e.fault.detail if e.fault else None}
    say(check="enroll_up_refused", refused=refused)

    all_events = events_service.list(from_=last_id)
    say(check="events", codes=[e.code for e in all_events],
        ids=[int(e.id) for e in all_events])
    conn.close()
    print("SDK CYCLE OK", flush=True)


if __name__ == "__main__":
    main()
