#!/usr/bin/env bash
# rhv-pki against OpenSSL 1.1.1 (what EL8 Managers run: 1.1.1k), issue 17.
#
# 1. Fetches the `openssl-src` crate's 1.1.1 line from crates.io (its bundled OpenSSL source
#    tree), builds the static libraries into target/openssl111/prefix (cached there: a clean
#    checkout builds it again; `--rebuild` forces it).
# 2. Builds rhv-pki against it (OPENSSL_DIR, static, own target dir target/ossl111 so the
#    default build on the system OpenSSL 3 is never disturbed).
# 3. Prints the OpenSSL version the binary reports (`rhv-pki --version`) and fails unless it
#    is 1.1.1.
# 4. Runs the Manager-side suite (library unit tests, audit, conf/resign/renew/rollback and
#    their backups, hostile files) on that build. The tests' independent judge stays the
#    system `openssl` CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)

# Newest 1.1.1 (1.1.1w) in the openssl-src crate; EL8 ships 1.1.1k with backports.
OSSL_SRC_CRATE_VERSION="111.28.2+1.1.1w"
base="$here/target/openssl111"
prefix="$base/prefix"
stamp="$prefix/.built-$OSSL_SRC_CRATE_VERSION"

if [ "${1:-}" = "--rebuild" ]; then
  rm -rf "$base"
fi

if [ ! -e "$stamp" ]; then
  t0=$(date +%s)
  rm -rf "$base"
  mkdir -p "$base/fetch/src"
  # A throw-away manifest whose only dependency is the exact crate: `cargo fetch` downloads
  # it through the ordinary client (checksum checked against the index) into the registry
  # cache, from where the .crate (a gzip'd tar) is unpacked.
  cat >"$base/fetch/Cargo.toml" <<EOF
[package]
name = "fetch-openssl-src"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
openssl-src = "=$OSSL_SRC_CRATE_VERSION"

[workspace]
EOF
  : >"$base/fetch/src/lib.rs"
  cargo fetch --quiet --manifest-path "$base/fetch/Cargo.toml"
  crate=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"openssl-src-$OSSL_SRC_CRATE_VERSION.crate" | head -n1)
  [ -f "$crate" ] || { echo "test-openssl111: openssl-src-$OSSL_SRC_CRATE_VERSION.crate not in the cargo cache" >&2; exit 1; }
  tar -xzf "$crate" -C "$base"
  src="$base/openssl-src-$OSSL_SRC_CRATE_VERSION/openssl"
  [ -x "$src/config" ] || chmod +x "$src/config"
  echo "test-openssl111: building OpenSSL $(sed -n 's/^# define OPENSSL_VERSION_TEXT *"\(.*\)"/\1/p' "$src/include/openssl/opensslv.h") into $prefix" >&2
  (
    cd "$src"
    # Static libraries only: the test binary needs no LD_LIBRARY_PATH and cannot pick up the
    # system libssl.so.3 by mistake. no-tests: the 1.1.1 test suite is not ours to run.
    ./config --prefix="$prefix" --openssldir="$prefix/ssl" --libdir=lib no-shared no-tests >"$base/config.log" 2>&1
    make -j"$(nproc)" build_libs >"$base/make.log" 2>&1
    make install_dev >>"$base/make.log" 2>&1
  ) || { echo "test-openssl111: OpenSSL build failed; see $base/config.log and $base/make.log" >&2; tail -n 30 "$base/make.log" >&2 || true; exit 1; }
  rm -rf "$base/openssl-src-$OSSL_SRC_CRATE_VERSION"
  touch "$stamp"
  echo "test-openssl111: OpenSSL 1.1.1 built in $(($(date +%s) - t0)) s" >&2
fi

export OPENSSL_DIR="$prefix"
export OPENSSL_STATIC=1
export CARGO_TARGET_DIR="$here/target/ossl111"
# The system's pkg-config must not hand openssl-sys the OpenSSL 3 flags.
export OPENSSL_NO_PKG_CONFIG=1

cargo build --quiet --bin rhv-pki
ver=$("$CARGO_TARGET_DIR/debug/rhv-pki" --version)
echo "test-openssl111: rhv-pki --version: $(echo "$ver" | tr '\n' ' ')"
echo "$ver" | grep -q "OpenSSL 1\.1\.1" || { echo "test-openssl111: the binary does not report OpenSSL 1.1.1" >&2; exit 1; }

# The Manager-side suite: the library's unit tests and the test files of audit, conf,
# resign, renew, rollback and backups (restore), and hostile PKI files.
cargo test --lib
cargo test --test audit_scenarios --test audit_coverage --test change_scenarios \
  --test hostile_files --test hostile_inputs --test version --test fips
