#!/usr/bin/env bash
# Builds the TEST-ONLY bcryptprimitives.dll shim (see bcryptprimitives.c) into $1 (a folder).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUT_DIR}"
mkdir -p "$out"
x86_64-w64-mingw32-gcc -O2 -shared -o "$out/bcryptprimitives.dll" \
  "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -lbcrypt
