#!/usr/bin/env bash
# Restores the file modes of a generated PKI fixture (git keeps only the exec bit).
#
#   scripts/apply-fixture-modes.sh ROOT      applies ROOT/fixture-modes.txt ("<octal> <relpath>")
#
# Only chmod; paths are taken relative to ROOT and must stay inside it. Symlinks are skipped.
set -euo pipefail
root=${1:?usage: apply-fixture-modes.sh ROOT}
manifest="$root/fixture-modes.txt"
[[ -f $manifest ]] || { echo "apply-fixture-modes: $manifest: no such file" >&2; exit 1; }
while read -r mode rel; do
    [[ -z ${mode:-} || $mode == \#* ]] && continue
    [[ $mode =~ ^0?[0-7]{3,4}$ ]] || { echo "apply-fixture-modes: $manifest: bad mode '$mode'" >&2; exit 1; }
    case "/$rel/" in */../*) echo "apply-fixture-modes: $manifest: path escapes root: $rel" >&2; exit 1 ;; esac
    p="$root/$rel"
    [[ -L $p ]] && continue
    [[ -e $p ]] || { echo "apply-fixture-modes: $manifest: missing $rel" >&2; exit 1; }
    chmod "$mode" "$p"
done < "$manifest"
