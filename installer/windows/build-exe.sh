#!/usr/bin/env bash
# Cross-builds the Windows agent, target/x86_64-pc-windows-gnu/<profile>/ppdesk-agent.exe, on
# Debian 12 with Debian's Rust (rustc-web 1.96 + rust-web-src) and mingw-w64:
# rustup cannot add targets here, so std is built from source (-Zbuild-std).
# Prints the exe's path on stdout (last line). See installer/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PROFILE="${PPDESK_WINDOWS_PROFILE:-release}"
export CARGO_TARGET_DIR="${PPDESK_WINDOWS_TARGET_DIR:-$HOME/.cache/ppdesk/target-windows}"

for tool in /usr/bin/cargo /usr/bin/rustc x86_64-w64-mingw32-gcc; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-exe.sh: $tool missing; apt-get install --no-install-recommends rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64-win32" >&2
    exit 1
  fi
done
if [ ! -d /usr/lib/rustlib/src/rust/library ]; then
  echo "build-exe.sh: std sources missing; apt-get install --no-install-recommends rust-web-src" >&2
  exit 1
fi

# Debian's toolchain, explicitly: rustup's proxies come first in PATH and would pick the
# workspace's pinned toolchain, which has no Windows std here. RUSTC_BOOTSTRAP allows
# -Zbuild-std on a stable compiler.
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
# A self-contained exe: panic=abort means no libgcc/winpthread DLLs beside it.
export CARGO_PROFILE_RELEASE_PANIC=abort
export CARGO_PROFILE_RELEASE_STRIP=symbols
export CARGO_PROFILE_RELEASE_DEBUG=false

# The icon (Explorer, taskbar, the shortcut) and the version (file properties) as a Windows
# resource, linked into the exe. Its file name carries a hash of its inputs, so the exe is
# relinked exactly when they change. (A plain `cargo build` on Windows gives an exe without.)
version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)"
IFS=. read -r v_major v_minor v_patch <<<"${version%%-*}"
resources="$CARGO_TARGET_DIR/windows-resources"
mkdir -p "$resources"
cp assets/windows/ppdesk.ico "$resources/ppdesk.ico"
{
  echo '#include <winver.h>'
  echo '1 ICON "ppdesk.ico"'
  echo 'VS_VERSION_INFO VERSIONINFO'
  echo "FILEVERSION ${v_major:-0},${v_minor:-0},${v_patch:-0},0"
  echo "PRODUCTVERSION ${v_major:-0},${v_minor:-0},${v_patch:-0},0"
  echo 'FILEOS VOS_NT_WINDOWS32'
  echo 'FILETYPE VFT_APP'
  echo 'BEGIN'
  echo '  BLOCK "StringFileInfo"'
  echo '  BEGIN'
  echo '    BLOCK "040904B0"'
  echo '    BEGIN'
  echo '      VALUE "CompanyName", "ppdesk"'
  echo '      VALUE "FileDescription", "ppdesk Agent"'
  echo "      VALUE \"FileVersion\", \"$version\""
  echo '      VALUE "InternalName", "ppdesk-agent"'
  echo '      VALUE "OriginalFilename", "ppdesk-agent.exe"'
  echo '      VALUE "ProductName", "ppdesk Agent"'
  echo "      VALUE \"ProductVersion\", \"$version\""
  echo '    END'
  echo '  END'
  echo '  BLOCK "VarFileInfo"'
  echo '  BEGIN'
  echo '    VALUE "Translation", 0x409, 1200'
  echo '  END'
  echo 'END'
} >"$resources/ppdesk-agent.rc"
hash="$(cat "$resources/ppdesk-agent.rc" "$resources/ppdesk.ico" | sha256sum | cut -c1-16)"
resource_object="$resources/ppdesk-agent-$hash.o"
if [ ! -f "$resource_object" ]; then
  (cd "$resources" && x86_64-w64-mingw32-windres ppdesk-agent.rc -O coff -o "$resource_object")
fi

# `cargo rustc`: the resource goes to the final link of this one binary only, so the
# dependencies' build cache stays valid.
/usr/bin/cargo rustc --locked -p ppdesk-agent --bin ppdesk-agent \
  --profile "$PROFILE" \
  -Zbuild-std=std,panic_abort \
  --target x86_64-pc-windows-gnu \
  -- -C "link-arg=$resource_object" >&2

dir="$PROFILE"
[ "$PROFILE" = dev ] && dir=debug
echo "$CARGO_TARGET_DIR/x86_64-pc-windows-gnu/$dir/ppdesk-agent.exe"
