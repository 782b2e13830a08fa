#!/usr/bin/env bash
# Builds the binary RPM of rhv-pki into target/rpm/ (issue 17) and checks it:
#   1. a source tarball of the tracked files plus every crate (`cargo vendor`) and a
#      .cargo/config.toml that points cargo at them: rpmbuild builds it with no network;
#   2. rpmbuild -bb packaging/rhv-pki.spec (on a Debian build host, with Debian's rpm and
#      packaging/macros.debian-build: EL's layout and EL8's systemd macros; on EL the real ones);
#   3. the payload (rpm -qlp): every file where EL expects it, nothing else (no simulator);
#      the requirements (rpm -qpR); the scriptlets (units preset, never restarted); the
#      units verified with systemd-analyze verify from the extracted payload (rpm2cpio);
#      the packaged binary runs and its man pages render; rpmlint where available.
# Installs rpm / rpmlint with apt-get when missing (idempotent). Works from a clean checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
t0=$(date +%s)

need=()
command -v rpmbuild >/dev/null 2>&1 || need+=(rpm)
command -v rpm2cpio >/dev/null 2>&1 || need+=(rpm2cpio)
command -v cpio >/dev/null 2>&1 || need+=(cpio)
command -v rpmlint >/dev/null 2>&1 || need+=(rpmlint)
command -v file >/dev/null 2>&1 || need+=(file) # brp-strip
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "build-rpm: installing ${need[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "build-rpm: please install: ${need[*]} (EL: dnf install rpm-build rpmlint systemd)" >&2
    exit 1
  fi
fi

name=rhv-pki
version=$(sed -n 's/^Version: *//p' packaging/rhv-pki.spec)
cargo_version=$(sed -n '0,/^version *= *"\(.*\)"/s//\1/p' Cargo.toml)
[ "$version" = "$cargo_version" ] || { echo "build-rpm: spec Version $version != Cargo.toml $cargo_version" >&2; exit 1; }

out="$here/target/rpm"
top="$here/target/rpmbuild"
rm -rf "$top/SOURCES" "$top/BUILD" "$top/BUILDROOT" "$top/SPECS" "$out"
mkdir -p "$top/SOURCES" "$top/SPECS" "$out"

# 1. Source tarball: the files git tracks (as they are in the work tree), vendor/, and the
#    cargo configuration `cargo vendor` prints.
stage="$top/stage/$name-$version"
rm -rf "$top/stage"
mkdir -p "$stage/.cargo"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$stage"
(cd "$stage" && cargo vendor --locked --versioned-dirs vendor 2>"$top/vendor.log" >.cargo/config.toml) || { tail -n 20 "$top/vendor.log" >&2; exit 1; }
grep -q 'directory = "vendor"' "$stage/.cargo/config.toml" || { echo "build-rpm: cargo vendor wrote no source replacement" >&2; exit 1; }
# Real mtimes kept: cargo's cache (target/rpm-cargo) then rebuilds exactly what changed.
tar --sort=name --owner=0 --group=0 --numeric-owner \
  -C "$top/stage" -czf "$top/SOURCES/$name-$version-vendored.tar.gz" "$name-$version"
rm -rf "$top/stage"
cp packaging/rhv-pki.spec "$top/SPECS/"
echo "build-rpm: source tarball $(du -h "$top/SOURCES/$name-$version-vendored.tar.gz" | cut -f1)" >&2

# 2. rpmbuild. On a build host whose rpm database does not even hold rpm (Debian), the build
#    dependencies are Debian packages, not rpms (--nodeps), and packaging/macros.debian-build
#    supplies what an EL build root defines (layout, compression, stripping, EL8's systemd
#    macros). Debuginfo subpackages are EL's business (its find-debuginfo).
args=(--define "_topdir $top" --define "_rpmdir $out" --define "rhv_cargo_target $here/target/rpm-cargo")
if ! rpm -q rpm >/dev/null 2>&1; then
  args+=(--nodeps --load "$here/packaging/macros.debian-build" --define "debug_package %{nil}")
fi
rpmbuild "${args[@]}" -bb "$top/SPECS/rhv-pki.spec" >"$top/rpmbuild.log" 2>&1 || {
  tail -n 40 "$top/rpmbuild.log" >&2
  echo "build-rpm: rpmbuild failed (log: $top/rpmbuild.log)" >&2
  exit 1
}
rpmfile=$(find "$out" -name "$name-$version-*.rpm" ! -name '*debug*' | head -n1)
[ -f "$rpmfile" ] || { echo "build-rpm: no RPM in $out" >&2; exit 1; }
echo "build-rpm: built $rpmfile" >&2

# 3. Payload checks.
fail=0
bad() { echo "build-rpm: FAIL: $*" >&2; fail=1; }
files=$(rpm -qlp "$rpmfile")
expected="/etc/rhv-pki
/etc/rhv-pki/config.toml
/usr/bin/rhv-pki
/usr/lib/systemd/system-preset/90-rhv-pki.preset
/usr/lib/systemd/system/rhv-pki-audit.service
/usr/lib/systemd/system/rhv-pki-audit.timer
/usr/lib/systemd/system/rhv-pki-renew.service
/usr/lib/systemd/system/rhv-pki-renew.timer
/usr/share/bash-completion
/usr/share/bash-completion/completions
/usr/share/bash-completion/completions/rhv-pki
/usr/share/fish
/usr/share/fish/vendor_completions.d
/usr/share/fish/vendor_completions.d/rhv-pki.fish
/usr/share/zsh
/usr/share/zsh/site-functions
/usr/share/zsh/site-functions/_rhv-pki"
# Every expected path, and nothing outside the expected places (docs, licenses, man pages).
while read -r f; do
  grep -qxF "$f" <<<"$files" || bad "missing from the payload: $f"
done <<<"$expected"
while read -r f; do
  grep -qxF "$f" <<<"$expected" && continue
  case "$f" in
    /usr/share/man/man1/rhv-pki.1.gz | /usr/share/man/man1/rhv-pki-*.1.gz) ;;
    /usr/share/doc/$name | /usr/share/doc/$name/*) ;;
    /usr/lib/.build-id | /usr/lib/.build-id/*) ;; # EL: build-id links of the binary
    /usr/share/licenses/$name | /usr/share/licenses/$name/LICENSE) ;;
    *) bad "unexpected file in the payload: $f" ;;
  esac
done <<<"$files"
grep -qxF "/usr/share/licenses/$name/LICENSE" <<<"$files" || bad "no %license LICENSE"
grep -qxF /usr/share/man/man1/rhv-pki.1.gz <<<"$files" || bad "no rhv-pki(1)"
grep -qxF /usr/share/man/man1/rhv-pki-audit.1.gz <<<"$files" || bad "no rhv-pki-audit(1)"
grep -q rhv-manager-sim <<<"$files" && bad "the simulator is in the main package"
# %config(noreplace): the config file is the only %config, and it is noreplace.
cfg=$(rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$rpmfile" | awk '$2 ~ /c/')
[ "$cfg" = "/etc/rhv-pki/config.toml cn" ] || bad "config files: '$cfg' (want /etc/rhv-pki/config.toml as %config(noreplace))"
# Requirements: the OpenSSL libraries by soname, systemd for the scriptlets, nothing the
# binary does not run.
reqs=$(rpm -qpR "$rpmfile")
grep -q '^libcrypto\.so' <<<"$reqs" || bad "no libcrypto requirement"
grep -qE '^systemd' <<<"$reqs" || bad "no systemd requirement (scriptlets)"
grep -qx coreutils <<<"$reqs" || bad "no coreutils requirement (chcon)"
# Scriptlets: preset on first install, disable on erase, reload (not restart) on upgrade.
scripts=$(rpm -qp --scripts "$rpmfile")
grep -q 'preset rhv-pki-audit.service rhv-pki-audit.timer rhv-pki-renew.service rhv-pki-renew.timer\|install-system-units rhv-pki-audit.service' <<<"$scripts" || bad "%post does not preset the units"
grep -q 'disable --now rhv-pki-audit.service\|remove-system-units rhv-pki-audit.service' <<<"$scripts" || bad "%preun does not disable the units"
grep -qE 'try-restart|mark-restart' <<<"$scripts" && bad "the scriptlets restart units on upgrade"
grep -qE '(^|[^-])enable' <<<"$scripts" && bad "a scriptlet enables a unit"

# The payload itself: units verified against the packaged binary and man pages.
root="$top/payload"
rm -rf "$root"
mkdir -p "$root"
(cd "$root" && rpm2cpio "$rpmfile" | cpio -idm --quiet)
for t in rhv-pki-audit.timer rhv-pki-renew.timer; do
  grep -qx 'disable '"$t" "$root/usr/lib/systemd/system-preset/90-rhv-pki.preset" || bad "$t not disabled by the preset"
done
"$root/usr/bin/rhv-pki" --version >/dev/null || bad "the packaged binary does not run"
echo "build-rpm: packaged $("$root/usr/bin/rhv-pki" --version)" >&2
MANPATH="$root/usr/share/man" man -w rhv-pki >/dev/null 2>&1 || bad "rhv-pki(1) does not resolve from the payload"
[ "$(bash -c "source '$root/usr/share/bash-completion/completions/rhv-pki' && complete -p rhv-pki" 2>/dev/null | wc -l)" = 1 ] ||
  bad "the bash completion does not register for rhv-pki"
# The units verified in a root holding the payload on top of this machine's system units
# (sysinit.target, timers.target, ...): ExecStart=/usr/bin/rhv-pki must be the packaged binary,
# and the man pages of Documentation= come from the payload.
vroot="$top/verify-root"
rm -rf "$vroot"
mkdir -p "$vroot/usr/lib/systemd"
cp -a /usr/lib/systemd/system "$vroot/usr/lib/systemd/"
(cd "$vroot" && rpm2cpio "$rpmfile" | cpio -idmu --quiet)
verify_out=$(MANPATH="$root/usr/share/man" SYSTEMD_LOG_LEVEL=warning \
  systemd-analyze verify --root="$vroot" \
  /usr/lib/systemd/system/rhv-pki-audit.service /usr/lib/systemd/system/rhv-pki-audit.timer \
  /usr/lib/systemd/system/rhv-pki-renew.service /usr/lib/systemd/system/rhv-pki-renew.timer 2>&1) ||
  bad "systemd-analyze verify failed: $verify_out"
grep -q rhv-pki <<<"$verify_out" && bad "systemd-analyze verify: $verify_out"

if command -v rpmlint >/dev/null 2>&1; then
  # The project's accepted findings are listed, with reasons, in packaging/rpmlintrc.
  rpmlint -c packaging/rpmlint.toml -r packaging/rpmlintrc "$rpmfile" >"$top/rpmlint.log" 2>&1 || {
    cat "$top/rpmlint.log" >&2
    bad "rpmlint"
  }
  tail -n1 "$top/rpmlint.log" >&2
fi

[ "$fail" = 0 ] || exit 1
echo "build-rpm: $rpmfile: payload, requirements, scriptlets, units and lint checked in $(($(date +%s) - t0)) s"
