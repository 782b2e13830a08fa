#!/usr/bin/env bash
# What a user sees, captured so a refactoring can prove it changed nothing (issue 16):
# every --help (each subcommand, recursively), the man pages, the shell completions, and
# `audit` (table and --format json) plus `resign --all --dry-run --format json` on every shipped sample,
# audits at a fixed --at. Usage: scripts/snapshot-outputs.sh BIN OUTDIR; then
# `diff -r BASELINE OUTDIR` (empty = no visible behaviour change).
set -euo pipefail
bin=$(realpath "$1")
out=$2
cd "$(dirname "$0")/.."
rm -rf "$out"
mkdir -p "$out/help" "$out/man" "$out/audit" "$out/plan"
now=2026-12-07T00:00:00Z

# Subcommands, recursively, from each level's "Commands:" section.
walk() {
  local name=$1
  shift
  "$bin" "$@" --help >"$out/help/$name.txt" 2>&1 || true
  local subs
  subs=$("$bin" "$@" --help 2>/dev/null |
    awk '/^Commands:/{on=1;next} on&&/^[^ ]/{on=0} on&&/^  [a-z]/{print $1}' | grep -v '^help$' || true)
  local s
  for s in $subs; do walk "$name-$s" "$@" "$s"; done
}
walk rhv-pki

"$bin" generate man --out-dir "$out/man" >/dev/null 2>&1
for sh in bash zsh fish; do "$bin" generate "$sh" >"$out/man/completion.$sh" 2>&1 || true; done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in testdata/pki/*/; do
  s=${s%/}
  n=$(basename "$s")
  bash scripts/apply-fixture-modes.sh "$s" >/dev/null 2>&1 || true
  "$bin" audit --root "$s" --at "$now" --format json >"$out/audit/$n.json" 2>"$out/audit/$n.stderr" ||
    echo "exit $?" >>"$out/audit/$n.stderr"
  "$bin" audit --root "$s" --at "$now" >"$out/audit/$n.txt" 2>&1 || echo "exit $?" >>"$out/audit/$n.txt"
  # The plan on a private copy (a dry run writes nothing, but a copy keeps the samples safe).
  cp -a "$s" "$tmp/$n"
  "$bin" resign --all --root "$tmp/$n" --dry-run --format json \
    >"$out/plan/$n.json" 2>"$out/plan/$n.stderr" || echo "exit $?" >>"$out/plan/$n.stderr"
  # Temp paths differ between runs: name them the same.
  # resign has no --now: its new validity dates follow the clock; mask the seconds-exact times.
  sed -i -E "s#$tmp#TMP#g; s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g" \
    "$out/plan/$n.json" "$out/plan/$n.stderr"
done
echo "snapshot of $bin in $out: $(find "$out" -type f | wc -l) files"
