#!/usr/bin/env bash
# Supply-chain check (issue 17): the licenses of every dependency, the RustSec advisories, the
# banned crates and the sources, with cargo-deny, OFFLINE against a RustSec advisory-db
# snapshot (this machine and CI reach the package registries only, so cargo-deny cannot clone
# the database). The exceptions and why each is acceptable are in deny.toml.
#
# cargo-deny is installed once with `cargo install --locked` into $CARGO_HOME/bin (then cached
# there: later runs only compare its version). The snapshot is looked up as, in order,
# $RHV_PKI_ADVISORY_DB, ../shared/advisory-db, ../../shared/advisory-db (next to the checkout
# in CI, next to the worktrees here), and turned into the git work tree cargo-deny requires
# under target/advisory-dbs (redone only when the snapshot's content changes).
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)

DENY_VERSION=0.20.2
if ! { command -v cargo-deny >/dev/null 2>&1 && [ "$(cargo-deny --version 2>/dev/null)" = "cargo-deny $DENY_VERSION" ]; }; then
  t0=$(date +%s)
  echo "deny: installing cargo-deny $DENY_VERSION (cargo install --locked; once per machine)" >&2
  cargo install --quiet --locked cargo-deny --version "$DENY_VERSION"
  echo "deny: cargo-deny installed in $(($(date +%s) - t0)) s" >&2
fi

snap=""
for c in "${RHV_PKI_ADVISORY_DB:-}" "$here/../shared/advisory-db" "$here/../../shared/advisory-db"; do
  if [ -n "$c" ] && [ -d "$c/crates" ]; then
    snap=$(cd "$c" && pwd)
    break
  fi
done
if [ -z "$snap" ]; then
  echo "deny: no RustSec advisory-db snapshot (set RHV_PKI_ADVISORY_DB, or put shared/advisory-db next to the checkout)" >&2
  exit 1
fi

# deny.toml: db-path = "target/advisory-dbs"; cargo-deny opens the default database (its
# GitHub URL) in the directory named after that URL's hash, and reads the database's date
# from `git show -s --format=%cI HEAD`.
dbroot="$here/target/advisory-dbs"
db="$dbroot/advisory-db-3157b0e258782691"
sum=$(cd "$snap" && find . -type f ! -path './.git/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ "$(cat "$db/.snapshot-sum" 2>/dev/null)" != "$sum" ]; then
  rm -rf "$db"
  mkdir -p "$db"
  (cd "$snap" && tar --exclude=./.git -cf - .) | tar -xf - -C "$db"
  # The commit's date is the newest advisory's: the age cargo-deny shows is the snapshot's.
  newest=$(grep -rhoE '^date = "[0-9]{4}-[0-9]{2}-[0-9]{2}"' "$db/crates" | LC_ALL=C sort | tail -n1 | cut -d'"' -f2)
  stamp="${newest:-1970-01-01}T00:00:00Z"
  (
    cd "$db"
    git init -q
    git add -A
    GIT_AUTHOR_NAME=snapshot GIT_AUTHOR_EMAIL=snapshot@localhost GIT_AUTHOR_DATE="$stamp" \
      GIT_COMMITTER_NAME=snapshot GIT_COMMITTER_EMAIL=snapshot@localhost GIT_COMMITTER_DATE="$stamp" \
      git -c commit.gpgsign=false commit -q -m "RustSec advisory-db snapshot"
  )
  echo "$sum" >"$db/.snapshot-sum"
fi
echo "deny: advisory-db snapshot $snap (newest advisory $(git -C "$db" show -s --format=%cs HEAD))" >&2

# `--offline` also makes cargo-deny's `cargo metadata` offline: every target's crates must be
# in the cargo cache first.
cargo fetch --quiet
cargo-deny --offline check --show-stats advisories bans licenses sources
