#!/usr/bin/env bash
# Builds the Debian packages ppdesk-agent_<version>-1_amd64.deb and
# ppdesk-server_<version>-1_amd64.deb with cargo-deb (metadata: [package.metadata.deb] in
# agent/Cargo.toml and server/Cargo.toml; files: installer/linux/).
#
# usage: build-debs.sh OUT_DIR [PROFILE]
#   PROFILE  release (default: what you ship), or dev to package the debug binaries an earlier
#            `cargo build` made (the test suite does: no second, optimised build; the
#            packaging, scripts and dependencies are the same)
# Needs cargo-deb (installed if missing: cargo install cargo-deb --locked --version 3.8.0)
# and dpkg-dev (dpkg-shlibdeps works out the libraries the binaries link).
# Prints the two .deb paths on stdout.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

CARGO_DEB_VERSION=3.8.0
out_dir="${1:?usage: build-debs.sh OUT_DIR [PROFILE]}"
profile="${2:-release}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ppdesk/target}"

if ! command -v dpkg-shlibdeps >/dev/null 2>&1; then
  echo "build-debs.sh: dpkg-shlibdeps missing; apt-get install dpkg-dev" >&2
  exit 1
fi
if ! cargo deb --version 2>/dev/null | grep -qx "cargo-deb $CARGO_DEB_VERSION"; then
  echo "build-debs.sh: installing cargo-deb $CARGO_DEB_VERSION" >&2
  # Its own target dir: never the workspace's (a lock held for minutes, a mixed cache).
  CARGO_TARGET_DIR="$HOME/.cache/ppdesk/target-tools" \
    cargo install cargo-deb --locked --version "$CARGO_DEB_VERSION" >&2
  rm -rf "$HOME/.cache/ppdesk/target-tools"
fi

mkdir -p "$out_dir"
extra=()
if [ "$profile" = dev ]; then
  # The debug binaries the workspace build made (built here if they are missing or stale).
  cargo build --locked -p ppdesk-agent -p ppdesk-server --bins >&2
  extra=(--no-build --fast)
fi
for package in ppdesk-agent ppdesk-server; do
  cargo deb --locked -p "$package" --profile "$profile" --output "$out_dir" "${extra[@]}" >&2
done
version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)"
for package in ppdesk-agent ppdesk-server; do
  deb="$(cd "$out_dir" && pwd)/${package}_${version}-1_amd64.deb"
  [ -f "$deb" ] || { echo "build-debs.sh: $deb was not made" >&2; exit 1; }
  echo "$deb"
done
