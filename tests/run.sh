#!/usr/bin/env bash
# The one test command (README "Tests and CI"): bash tests/run.sh
# Idempotent: installs only what is missing, then format check, lints, build, every test.
# Ends with cargo test's summary lines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# --- 1. System packages the tests need -------------------------------------------------------
# Installed only when dpkg does not know them yet. The mail servers come from
# tests/mail/servers.sh below.
APT_PACKAGES=(
  # Building the tray agent: GTK + appindicator (tray icon), X11/Wayland/EGL (eframe),
  # PipeWire + libclang (xcap's screen capture bindings).
  pkg-config clang libclang-dev libgtk-3-dev libayatana-appindicator3-dev libpipewire-0.3-dev
  libgbm-dev libegl-dev libwayland-dev libxcb1-dev libxkbcommon-dev
  # Driving the agent headless: a virtual X server, a system tray host (XEmbed and SNI),
  # input and screenshots, software OpenGL for the compose window, a session bus.
  # (tests/agent/desktop.rs names the package of every tool it misses.)
  xvfb xdotool imagemagick x11-utils x11-apps dbus-daemon dbus-bin util-linux procps trayer
  haskell-gtk-sni-tray-utils libgl1-mesa-dri libegl1 libgl1 fonts-dejavu-core
  # Browser tests of the web pages (tests/e2e/web_browser.rs): headless Chromium and its
  # WebDriver, both from Debian (nothing downloads a driver at test time).
  chromium chromium-driver
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} > 0)); then
  echo "tests/run.sh: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Real mail servers for the live-mail e2e tests (tests/mail/README.md): installs
# dovecot-imapd dovecot-lmtpd opensmtpd without starting system daemons, creates user vmail.
# The tests start private instances on loopback; they need root (OpenSMTPD's mount namespace).
if [ "$(id -u)" -eq 0 ]; then bash tests/mail/servers.sh install; else sudo bash tests/mail/servers.sh install; fi

# --- 2. Rust: the toolchain comes from rust-toolchain.toml (rustup installs it on first use) ----
if ! command -v cargo >/dev/null 2>&1; then
  echo "tests/run.sh: cargo not found; install rustup" >&2
  exit 1
fi
# Build output outside the clone, shared with CI and other clones.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ppdesk/target}"

# --- 3. Checks, fastest first; the e2e tests need the binaries built before them ---------------
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
cargo build --workspace --bins
cargo test --workspace

# --- 4. Installers (issue 6; tests/installers/run.sh) -------------------------------------------
# The Windows agent cross-built and its MSI installed, upgraded and removed under Wine; both .debs
# installed in a throwaway root; the systemd unit verified. Ends with "N passed, N failed".
# Needs root (apt, overlay mount); its Windows build keeps its own cache in
# ~/.cache/ppdesk/target-windows.
if [ "$(id -u)" -eq 0 ]; then bash tests/installers/run.sh; else sudo --preserve-env=CARGO_TARGET_DIR,PATH bash tests/installers/run.sh; fi
