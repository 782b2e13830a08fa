#!/usr/bin/env bash
# Crash test of the transaction core: SIGKILL `rhv-pki resign --all --yes` at N seeded random
# instants on copies of the 4.2, 4.4 and console samples (in turn; console re-issues the vmconsole
# OpenSSH certificates too), and after each kill check that
#   - every file under etc/ is the old one, a new one the run journaled (written whole by
#     rename), or is repaired by the documented command (the `command` of the audit's
#     `interrupted-change` finding, which is also what a plain `rollback` prints);
#   - `audit` reports the interrupted change exactly when a change is incomplete;
#   - rolling back (that command, or `rollback <ID>` after a completed run) restores etc/
#     byte-identical (content, mode, owner, link targets);
#   - no private key changed (private/*.pem, keys/*.key.nopass, keys/engine_id_rsa and the
#     keys inside keys/*.p12, compared as DER).
# Prints the seed and a table; exits 1 when anything is broken.
#
#   scripts/crash-test.sh [N] [SEED]      N kills in all (default 20), SEED (default: random)
#
# Kill instants are drawn (seeded) within the length of an uninterrupted run; one that falls
# after the run has ended is counted as "missed" (and checked too) and another is drawn.
#
# The binary is the one `cargo build` makes (PROFILE=release for `cargo build --release`): the
# shipped configuration, without the test-only fault hook, which is checked first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20}
seed=${2:-$(( (RANDOM << 15) | RANDOM ))}
[[ $n =~ ^[0-9]+$ && $n -ge 1 ]] || { echo "crash-test: N must be a positive integer" >&2; exit 2; }
[[ $seed =~ ^[0-9]+$ ]] || { echo "crash-test: SEED must be an integer" >&2; exit 2; }
profile=${PROFILE:-debug}
cd "$here"
if [[ $profile == release ]]; then
    cargo build --quiet --release --bin rhv-pki
else
    cargo build --quiet --bin rhv-pki
fi
bin="$here/target/$profile/rhv-pki"
[[ -x $bin ]] || { echo "crash-test: $bin was not built" >&2; exit 2; }
for s in 4.2-sha1 4.4-mixed console; do
    [[ -d testdata/pki/$s ]] || { echo "crash-test: missing sample testdata/pki/$s" >&2; exit 2; }
done
echo "crash-test: N=$n seed=$seed binary=$bin"
exec python3 - "$bin" "$here" "$n" "$seed" <<'PY'
import hashlib, json, os, random, shutil, signal, subprocess, sys, tempfile, time

bin_, here, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
samples = ["4.2-sha1", "4.4-mixed", "console"]
PKI, CONF = "etc/pki/ovirt-engine", "etc/ovirt-engine/engine.conf.d"
env = dict(os.environ)
for k in ("RHV_PKI_FAULT", "RHV_PKI_P12_PASSWORD"):
    env.pop(k, None)

def copy(sample, into):
    src = os.path.join(here, "testdata/pki", sample)
    subprocess.run(["cp", "-a", src + "/.", into], check=True)
    subprocess.run(["bash", os.path.join(here, "scripts/apply-fixture-modes.sh"), into],
                   check=True, stdout=subprocess.DEVNULL)

def rhv(root, *args, extra_env=None):
    e = dict(env)
    e.update(extra_env or {})
    return subprocess.run([bin_, *args, "--root", root], env=e, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True)

def snapshot(root):
    """etc/ as {path: (type, mode, uid:gid, link target or sha256)}."""
    out = {}
    base = os.path.join(root, "etc")
    for d, dirs, files in os.walk(base):
        for name in dirs + files:
            p = os.path.join(d, name)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            if os.path.islink(p):
                what = ("link", os.readlink(p))
            elif os.path.isdir(p):
                what = ("dir", "")
            else:
                with open(p, "rb") as f:
                    what = ("file", hashlib.sha256(f.read()).hexdigest())
            out[rel] = (what[0], oct(st.st_mode & 0o7777), f"{st.st_uid}:{st.st_gid}", what[1])
    return out

def key_der(path):
    """The private key of a key file or p12 as DER (None when absent or unreadable)."""
    if not os.path.lexists(path):
        return None
    if path.endswith(".p12"):
        pem = None
        for legacy in ([], ["-legacy"]):
            r = subprocess.run(["openssl", "pkcs12", *legacy, "-in", path, "-nocerts", "-nodes",
                                "-passin", "pass:mypass"], capture_output=True)
            if r.returncode == 0:
                pem = r.stdout
                break
        if pem is None:
            return None
        r = subprocess.run(["openssl", "pkey", "-outform", "DER"], input=pem, capture_output=True)
    else:
        r = subprocess.run(["openssl", "pkey", "-in", path, "-outform", "DER"], capture_output=True)
    return hashlib.sha256(r.stdout).hexdigest() if r.returncode == 0 and r.stdout else None

def key_files(root):
    p = os.path.join(root, PKI)
    out = []
    for sub, keep in (("private", lambda f: f.endswith(".pem")),
                      ("keys", lambda f: f.endswith((".key.nopass", ".p12")) or f == "engine_id_rsa")):
        d = os.path.join(p, sub)
        for f in sorted(os.listdir(d)):
            if keep(f):
                out.append(os.path.join(sub, f))
    return out

def backups(root):
    d = os.path.join(root, "var/lib/rhv-pki/backups")
    if not os.path.isdir(d):
        return []
    out = []
    for b in sorted(os.listdir(d)):
        bd = os.path.join(d, b)
        if not os.path.isfile(os.path.join(bd, "manifest.json")):
            continue  # killed while the backup was being taken: nothing was written yet
        try:
            with open(os.path.join(bd, "journal")) as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            lines = None
        out.append((b, lines))
    return out

def whole(root, path, st):
    """A new certificate file must parse (keys and p12s are checked as keys)."""
    if st is None or st[0] != "file":
        return True
    name = os.path.basename(path)
    if path.startswith(PKI + "/certs/") and name.endswith((".cer", ".pem")) \
            or path in (PKI + "/ca.pem", PKI + "/qemu-ca.pem"):
        r = subprocess.run(["openssl", "x509", "-noout", "-in", os.path.join(root, path)],
                           capture_output=True)
        return r.returncode == 0
    if path.startswith(PKI + "/certs/") and name.endswith("-cert.pub"):
        # An OpenSSH certificate: ssh-keygen parses it and checks its signature.
        r = subprocess.run(["ssh-keygen", "-L", "-f", os.path.join(root, path)],
                           capture_output=True)
        return r.returncode == 0
    return True

def journaled(lines):
    paths = set()
    for l in lines or []:
        parts = l.split(" ", 2)
        if len(parts) == 3 and parts[0] in ("create", "replace", "remove"):
            paths.add(os.path.join(PKI if parts[1] == "pki" else CONF, parts[2]))
    return paths

# 0. The binary under test must be the shipped configuration: RHV_PKI_FAULT is ignored.
with tempfile.TemporaryDirectory() as t:
    copy("4.2-sha1", t)
    r = rhv(t, "resign", "apache", "--yes", extra_env={"RHV_PKI_FAULT": "abort:1"})
    states = [l for _, l in backups(t)]
    if r.returncode != 0 or len(states) != 1 or "commit" not in (states[0] or []):
        print(f"crash-test: FAIL: RHV_PKI_FAULT=abort:1 was not ignored by {bin_} "
              f"(exit {r.returncode}); is it a fault-injection build?", file=sys.stderr)
        sys.exit(1)
    print("crash-test: RHV_PKI_FAULT=abort:1 ignored by this build (change committed)")

# Reference: one uninterrupted run per sample; the kill instants are drawn within its length,
# plus the original state and keys.
ref = {}
for s in samples:
    with tempfile.TemporaryDirectory() as t:
        copy(s, t)
        orig = snapshot(t)
        keys = {k: key_der(os.path.join(t, PKI, k)) for k in key_files(t)}
        start = time.monotonic()
        r = rhv(t, "resign", "--all", "--yes")
        took = time.monotonic() - start
        if r.returncode != 0:
            print(f"crash-test: FAIL: uninterrupted resign --all on {s}: exit {r.returncode}\n{r.stderr}",
                  file=sys.stderr)
            sys.exit(1)
        ref[s] = (orig, keys, took)
        print(f"crash-test: {s}: an uninterrupted resign --all takes {took:.2f} s; kills drawn in [0, {took * 1.1:.2f}) s")

rng = random.Random(seed)
cols = ["instants", "kills", "missed", "no-write", "incomplete", "committed",
        "old", "new", "repaired", "broken", "keys-changed", "audit-wrong", "rollback-differs"]
tab = {s: dict.fromkeys(cols, 0) for s in samples}
problems = []
# N kills in all, alternating samples. An instant that falls after the run has ended is
# counted as missed (its result is checked all the same) and narrows that sample's range.
span = {s: ref[s][2] * 1.1 for s in samples}
i = 0
while sum(tab[x]["kills"] for x in samples) < n and i < 4 * n:
    s = min(samples, key=lambda x: tab[x]["kills"])
    orig, keys0, _ = ref[s]
    delay = rng.uniform(0, span[s])
    row = tab[s]
    row["instants"] += 1
    i += 1
    with tempfile.TemporaryDirectory() as t:
        copy(s, t)
        p = subprocess.Popen([bin_, "resign", "--all", "--yes", "--root", t], env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            row["kills"] += 1
        else:
            row["missed"] += 1
            span[s] = delay
        p.wait()
        where = f"{s} instant #{i} at {delay:.3f} s"
        after = snapshot(t)
        bl = backups(t)
        last = bl[-1] if bl else None
        # A manifest without a journal yet is incomplete too (nothing was written; rhv-pki
        # reports and undoes it like any other interrupted change).
        incomplete = last is not None and "commit" not in (last[1] or []) \
            and "rolled-back" not in (last[1] or [])
        committed = last is not None and "commit" in (last[1] or [])
        row["incomplete" if incomplete else "committed" if committed else "no-write"] += 1
        written = journaled(last[1]) if last else set()
        # Written by the run and whole (judged now, before anything is rolled back).
        new = {pa for pa in written if after.get(pa) != orig.get(pa)
               and ".rhv-pki-" not in os.path.basename(pa) and whole(t, pa, after.get(pa))}
        # Private keys, as the engine would read them right now.
        changed = [k for k, v in keys0.items() if key_der(os.path.join(t, PKI, k)) != v]
        if changed:
            row["keys-changed"] += 1
            problems.append(f"{where}: private keys changed: {changed}")
        # The audit names the interrupted change (and only then), with the undo command.
        a = rhv(t, "audit", "--format", "json")
        try:
            doc = json.loads(a.stdout)
            found = [f for f in doc.get("findings", []) if f.get("code") == "interrupted-change"]
        except json.JSONDecodeError:
            found = None
        cmd = None
        if found is None or bool(found) != incomplete or (found and len(found) != 1):
            row["audit-wrong"] += 1
            problems.append(f"{where}: audit interrupted-change findings {found!r}, incomplete={incomplete}")
        elif found:
            cmd = found[0]["command"]
            plain = rhv(t, "rollback", "--yes")
            if plain.returncode != 2 or cmd not in plain.stderr:
                row["audit-wrong"] += 1
                problems.append(f"{where}: plain rollback did not print {cmd!r}: {plain.stderr}")
        # Undo: the documented command for an interrupted change, rollback <ID> after a commit.
        if cmd:
            argv = cmd.split()
            if argv[:2] != ["rhv-pki", "rollback"]:
                problems.append(f"{where}: unexpected command {cmd!r}")
                argv = ["rhv-pki", "rollback", last[0], "--root", t]
            u = subprocess.run([bin_, *argv[1:], "--yes"], env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True)
        elif committed:
            u = rhv(t, "rollback", last[0], "--yes")
        else:
            u = None
        if u is not None and u.returncode != 0:
            problems.append(f"{where}: rollback failed: {u.stdout}{u.stderr}")
        restored = snapshot(t)
        if restored != orig:
            row["rollback-differs"] += 1
            diff = sorted(set(restored.items()) ^ set(orig.items()))[:4]
            problems.append(f"{where}: etc/ not byte-identical after rollback: {diff}")
        # Every file right after the kill: old, new (journaled, whole), repaired, or broken.
        for path in sorted(set(orig) | set(after)):
            if after.get(path) == orig.get(path):
                row["old"] += 1
            elif path in new:
                row["new"] += 1
            elif restored.get(path) == orig.get(path):
                row["repaired"] += 1
                if os.environ.get("CRASH_VERBOSE"):
                    print(f"  repaired {where}: {path}: {orig.get(path)} -> {after.get(path)}")
            else:
                row["broken"] += 1
                problems.append(f"{where}: {path}: {orig.get(path)} -> {after.get(path)}")

tot = {c: sum(tab[s][c] for s in samples) for c in cols}
print()
print(f"{'sample':<10} " + " ".join(f"{c:>{len(c)}}" for c in cols))
for s, row in list(tab.items()) + [("total", tot)]:
    print(f"{s:<10} " + " ".join(f"{row[c]:>{len(c)}}" for c in cols))
print()
print(f"seed {seed}: {tot['kills']} kills ({tot['missed']} more instants fell after the run had ended); "
      f"files per kill counted: old {tot['old']}, new {tot['new']}, repaired {tot['repaired']}, "
      f"broken {tot['broken']}; kills with a changed private key: {tot['keys-changed']}")
for pr in problems[:30]:
    print("PROBLEM:", pr)
if tot["kills"] < n:
    problems.append(f"only {tot['kills']} of {n} kills landed in {i} instants")
bad = tot["broken"] or tot["keys-changed"] or tot["audit-wrong"] or tot["rollback-differs"] or problems
print("crash-test: FAIL" if bad else "crash-test: PASS")
sys.exit(1 if bad else 0)
PY
